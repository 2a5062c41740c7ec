// elementwise.js — memory-bound throughput on 16M-element (2^24) float32 tensors, in GB/s (higher
// is better): `add(a, b)` counts 3 x 64 MiB per op (two reads, one write; the result is a new
// tensor, disposed each time, as torch.add allocates one) and `sum(a)` counts 64 MiB. Peers:
// PyTorch CPU at its default thread count and pinned to the cores, the ratio against the faster
// (bench/peers/torch_elementwise.py) and tfjs wasm (tf.add / tf.sum).
// Method: one warm-up call, then calls until 0.5 s has passed (3 at least), median time; the impls
// take turns for FLINT_BENCH_ROUNDS rounds (default 3); medians over rounds.
//
//   node bench/elementwise.js
'use strict';
const { loadFlint, timeEach, loadTfjsWasm, runTorchPeerBoth, sampleTorchBest, Report, rounds } = require('./common');

const N = 1 << 24;
const GB = (bytes, s) => bytes / s / 1e9;

function data(seed) {
  const a = new Float32Array(N);
  let x = seed;
  for (let i = 0; i < N; i++) { x = (x * 1103515245 + 12345) >>> 0; a[i] = (x >>> 8) / (1 << 24); }
  return a;
}

async function main() {
  const rep = new Report('elementwise');
  const fl = loadFlint();
  const hasSum = typeof fl.sum === 'function';
  const { tf, variant, version } = await loadTfjsWasm();
  const da = data(1), db = data(2);
  const a = fl.tensor(da), b = fl.tensor(db);
  const ta = tf.tensor1d(da), tb = tf.tensor1d(db);
  const R = rounds(3);
  const kAdd = 'add 16M float32', kSum = 'sum 16M float32';
  let torchInfo = '';
  for (let round = 0; round < R; round++) {
    const before = fl.memory.stats().liveTensors;
    rep.sample('flintml', kAdd, 'GB/s', GB(3 * 4 * N, timeEach(() => fl.add(a, b).dispose()).seconds));
    if (hasSum) rep.sample('flintml', kSum, 'GB/s', GB(4 * N, timeEach(() => fl.sum(a).dispose()).seconds));
    if (fl.memory.stats().liveTensors !== before) throw new Error('elementwise: flintml leaked tensors');
    const torch = runTorchPeerBoth('torch_elementwise.py', [String(N)]);
    torchInfo = `torch ${torch.version}: torch-default ${torch.defaultThreads} thread(s), torch-pinned ${torch.pinnedThreads}`;
    for (const [k, op] of [[kAdd, 'add'], [kSum, 'sum']]) {
      const pick = (rs) => rs.find((r) => r.op === op).gbps;
      sampleTorchBest(rep, k, 'GB/s', pick(torch.default), pick(torch.pinned), true);
    }
    // the wasm backend runs a kernel when it is called; dataSync on the scalar sum makes it explicit
    rep.sample('tfjs-wasm', kAdd, 'GB/s', GB(3 * 4 * N, timeEach(() => tf.add(ta, tb).dispose()).seconds));
    rep.sample('tfjs-wasm', kSum, 'GB/s', GB(4 * N, timeEach(() => { const s = tf.sum(ta); s.dataSync(); s.dispose(); }).seconds));
  }
  for (const t of [a, b, ta, tb]) t.dispose();
  for (const k of [kAdd, kSum]) {
    rep.ratio(k, 'flintml', 'torch-best', '>=0.8');
    rep.ratio(k, 'flintml', 'tfjs-wasm');
  }
  console.log(`# flintml threads ${fl.backend.info().threads}; ${torchInfo}; tfjs ${version}, ${variant}` +
    (hasSum ? '' : '\n# flintml has no sum yet (lib/ops/reduce.ts): its sum row is missing'));
  rep.finish(`elementwise, GB/s, median (min–max) of ${R} interleaved rounds; higher is better`);
}

main().catch((e) => { console.error(e); process.exit(1); });
