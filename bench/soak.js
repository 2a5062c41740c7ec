#!/usr/bin/env node
// soak.js — long-run memory check (issue 16): trains the demo's model (examples/gpt.js, the
// character transformer, at a small size) or a small MLP for many steps over an in-memory
// DataLoader whose `for await` resolves through microtasks only (the loop never yields to the
// event loop's task queue), and samples liveTensors, the allocator's bytes, process RSS and the JS
// heap after a forced GC every `--every` steps. After `--warmup` steps, liveTensors and allocated
// bytes must stay exactly where they were, the heap within `--heapTolMiB` and the last RSS within
// `--rssTolPct` percent of the first (the range is reported too: RSS wanders by a few MiB as V8
// and malloc resize their spaces); exit status 1 otherwise (with the samples printed).
//
// test/long-run.test.ts adds --min-semi-space-size=16 --max-semi-space-size=16, so that V8's one-time
// growth of its young generation (up to ~16 MiB of RSS, whenever the loop has made enough garbage)
// is not read as drift; give them here too when comparing RSS over a short run.
//
//   node --expose-gc bench/soak.js [--steps 100000] [--every 1000] [--warmup 2000] [--model gpt|mlp]
//                                  [--device cpu|cuda] [--heapTolMiB 1] [--rssTolPct 5]
//
// Output: one JSON line per sample ({"step", "liveTensors", "allocatedBytes", "reservedBytes",
// "rssMiB", "heapMiB"}), then a summary line {"summary": …, "ok": true|false}.
'use strict';
const path = require('path');
const fl = require(path.join(__dirname, '..', 'dist'));
const parseArgs = require(path.join(__dirname, '..', 'examples', 'cli'));
const { nn, optim, data } = fl;

const a = parseArgs({ steps: 100000, every: 1000, warmup: 2000, model: 'gpt', device: 'cpu', heapTolMiB: 1, rssTolPct: 5, seed: 1 });
if (typeof gc !== 'function') { console.error('soak.js: run with node --expose-gc (the heap is measured after a forced GC)'); process.exit(2); }

/** A fixed in-memory dataset: token windows for the GPT, feature rows for the MLP. */
function makeSetup() {
  fl.manualSeed(a.seed);
  if (a.model === 'gpt') {
    const { GPT } = require(path.join(__dirname, '..', 'examples', 'gpt'))(fl);
    const vocab = 32, context = 16, N = 256;
    const tokens = fl.randint(0, vocab, [N, context + 1], { dtype: 'int32' });
    const x = fl.scope(() => tokens.narrow(1, 0, context).contiguous());
    const y = fl.scope(() => tokens.narrow(1, 1, context).contiguous());
    tokens.dispose();
    const model = new GPT(vocab, 32, 2, 1, context);
    const loss = (m, xb, yb) => nn.functional.crossEntropy(m.forward(xb).reshape(-1, vocab), yb.reshape(-1));
    return { x, y, model, loss, batch: 8, lr: 3e-3 };
  }
  const x = fl.randn([256, 16]), y = fl.randint(0, 4, [256], { dtype: 'int32' });
  const model = new nn.Sequential(new nn.Linear(16, 32), new nn.ReLU(), new nn.Linear(32, 4));
  return { x, y, model, loss: (m, xb, yb) => nn.functional.crossEntropy(m.forward(xb), yb), batch: 32, lr: 1e-2 };
}

function sample(step) {
  gc(); gc();
  const st = fl.memory.stats(a.device);
  return {
    step, liveTensors: fl.memory.stats().liveTensors, allocatedBytes: st.allocatedBytes, reservedBytes: st.reservedBytes,
    rssMiB: +(process.memoryUsage.rss() / 2 ** 20).toFixed(2), heapMiB: +(process.memoryUsage().heapUsed / 2 ** 20).toFixed(3),
  };
}

async function main() {
  const s = makeSetup();
  if (a.device !== 'cpu') {
    // the data lives on the device (an in-memory dataset there): a loader with `device` keeps a
    // varying number of prefetched batches in flight, which would make the counts depend on when
    // they are sampled
    s.model.to(a.device);
    for (const k of ['x', 'y']) { const t = s[k].to(a.device); s[k].dispose(); s[k] = t; }
  }
  const opt = new optim.AdamW(s.model.parameters(), { lr: s.lr, weightDecay: 0.01 });
  const loader = new data.DataLoader(new data.TensorDataset(s.x, s.y), { batchSize: s.batch, shuffle: true, seed: a.seed });
  const samples = [];
  let step = 0, lastLoss = NaN;
  const t0 = Date.now();
  while (step < a.steps) {
    for await (const [xb, yb] of loader) {
      fl.scope(() => {
        const l = s.loss(s.model, xb, yb);
        opt.zeroGrad();
        l.backward();
        opt.step();
        if ((step + 1) % a.every === 0) lastLoss = l.item();
      });
      data.disposeBatch([xb, yb]);
      step++;
      if (step % a.every === 0) {
        const x = sample(step);
        samples.push(x);
        console.log(JSON.stringify({ ...x, loss: +lastLoss.toFixed(4) }));
      }
      if (step >= a.steps) break;
    }
  }
  const secs = (Date.now() - t0) / 1000;
  const after = samples.filter((x) => x.step >= a.warmup);
  if (after.length < 2) { console.error(`soak.js: fewer than 2 samples after the warm-up (${String(a.warmup)} steps)`); process.exit(2); }
  const base = after[0];
  const rss = after.map((x) => x.rssMiB), heap = after.map((x) => x.heapMiB);
  const summary = {
    model: a.model, device: a.device, steps: step, seconds: +secs.toFixed(1), samples: after.length, warmup: a.warmup,
    liveTensorsFlat: after.every((x) => x.liveTensors === base.liveTensors),
    allocatedFlat: after.every((x) => x.allocatedBytes === base.allocatedBytes),
    heapGrowthMiB: +(heap[heap.length - 1] - heap[0]).toFixed(3), heapRangeMiB: +(Math.max(...heap) - Math.min(...heap)).toFixed(3),
    rssDriftPct: +((rss[rss.length - 1] - rss[0]) / rss[0] * 100).toFixed(2),
    rssRangePct: +((Math.max(...rss) - Math.min(...rss)) / rss[0] * 100).toFixed(2), rssFirstMiB: rss[0], rssLastMiB: rss[rss.length - 1],
    rssMinMiB: Math.min(...rss), rssMaxMiB: Math.max(...rss),
  };
  const ok = summary.liveTensorsFlat && summary.allocatedFlat && Math.abs(summary.heapGrowthMiB) <= a.heapTolMiB && Math.abs(summary.rssDriftPct) <= a.rssTolPct;
  console.log(JSON.stringify({ summary, ok }));
  opt.dispose(); s.model.dispose(); s.x.dispose(); s.y.dispose();
  process.exit(ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(2); });
