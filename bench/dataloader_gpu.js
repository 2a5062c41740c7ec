// dataloader_gpu.js — does the DataLoader's copy stream hide the host-to-GPU copies behind compute?
// (issue 13). flintml only, no peer and no target: one epoch of a loop that copies each batch to
// the GPU and runs a fixed amount of GPU work on it, in three ways:
//   sync      the loader yields CPU batches; the loop does `xb.to('cuda')` (pageable, blocking)
//   pinned    `pinMemory: true`; the loop does `xb.to('cuda', { nonBlocking: true })` on its own
//             stream (asynchronous, but ordered before the compute on the same stream)
//   prefetch  `pinMemory: true, device: 'cuda', prefetch: 2`: the loader copies on its copy stream
//             ahead of the loop, the loop's stream waits for each batch's event
// and two references for the overlap: copy (the prefetch loop without compute) and compute (the
// same GPU work on a batch already on the GPU, as many times). Wall seconds per epoch, ending with
// fl.cuda.synchronize(), after one untimed epoch; FLINT_BENCH_ROUNDS rounds (default 3) in turn,
// the order rotating. overlap = (copy + compute − prefetch) / min(copy, compute): 1 = the shorter
// phase is hidden entirely, 0 = none. A GPU is required: without one the script says why and
// exits with code 2; it never falls back to the CPU.
//
// Sizes (FLINT_BENCH_QUICK=1's in brackets): 64 [8] batches of [512, 8192] [[64, 256]] float32
// (16 MiB [64 KiB] each) from a CPU TensorDataset; the GPU work is `k` matmuls with a [8192, 512]
// [[256, 64]] weight and back (k = 4), sized so that copy and compute are of the same order on a
// PCIe 5 H100/H200 (estimated, not measured).
//
//   npm run build:ts && node bench/dataloader_gpu.js [--json out.jsonl]
// Smoke test on the CPU emulation of the CUDA driver (no GPU needed; the figures mean nothing):
//   FLINT_CUDA_DRIVER=$PWD/build-emu/libcuda.so.1 FLINT_BENCH_QUICK=1 node bench/dataloader_gpu.js
'use strict';
const fs = require('fs');
const { loadFlint, now, Report, rounds } = require('./common');

const fl = loadFlint();
const QUICK = process.env.FLINT_BENCH_QUICK === '1';
const CFG = QUICK ? { batches: 8, batch: 64, cols: 256, hidden: 64, k: 4 } : { batches: 64, batch: 512, cols: 8192, hidden: 512, k: 4 };
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : null;

if (!fl.cuda.isAvailable()) {
  console.error(`dataloader_gpu: needs a GPU: ${fl.cuda.unavailableReason()}`);
  process.exit(2);
}

const n = CFG.batches * CFG.batch;
const x = fl.randn([n, CFG.cols]);
const ds = new fl.data.TensorDataset(x);
const w1 = fl.randn([CFG.cols, CFG.hidden], { device: 'cuda' }).mul(1 / Math.sqrt(CFG.cols));
const w2 = fl.randn([CFG.hidden, CFG.cols], { device: 'cuda' }).mul(1 / Math.sqrt(CFG.hidden));

/** The fixed GPU work on one batch (results dropped). */
function compute(xg) {
  fl.scope(() => {
    let h = xg;
    for (let i = 0; i < CFG.k; i++) h = h.matmul(w1).relu().matmul(w2);
  });
}

const loaders = {
  plain: new fl.data.DataLoader(ds, { batchSize: CFG.batch }),
  pinned: new fl.data.DataLoader(ds, { batchSize: CFG.batch, pinMemory: true }),
  prefetch: new fl.data.DataLoader(ds, { batchSize: CFG.batch, pinMemory: true, device: 'cuda', prefetch: 2 }),
};
let resident = null;  // one batch on the GPU, for `compute`

const CASES = {
  async sync() {
    for await (const [xb] of loaders.plain) { const xg = xb.to('cuda'); compute(xg); xg.dispose(); xb.dispose(); }
  },
  async pinned() {
    for await (const [xb] of loaders.pinned) { const xg = xb.to('cuda', { nonBlocking: true }); compute(xg); xg.dispose(); xb.dispose(); }
  },
  async prefetch() {
    for await (const [xg] of loaders.prefetch) { compute(xg); xg.dispose(); }
  },
  async copy() {
    for await (const [xg] of loaders.prefetch) xg.dispose();
  },
  async compute() {
    for (let b = 0; b < CFG.batches; b++) compute(resident);
  },
};

async function epoch(name) {
  fl.cuda.synchronize();
  const t0 = now();
  await CASES[name]();
  fl.cuda.synchronize();
  return now() - t0;
}

async function main() {
  resident = fl.randn([CFG.batch, CFG.cols], { device: 'cuda' });
  const names = Object.keys(CASES);
  for (const c of names) await epoch(c);  // warm-up: the copy stream, the allocator's blocks
  const report = new Report('dataloader_gpu');
  const kase = `${CFG.batches} x [${CFG.batch}, ${CFG.cols}] f32, k=${CFG.k}`;
  const R = rounds(3);
  for (let r = 0; r < R; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    const t = {};
    for (const c of order) t[c] = await epoch(c);
    for (const c of names) report.sample(c, kase, 's/epoch', t[c]);
    report.sample('overlap', kase, 'fraction', (t.copy + t.compute - t.prefetch) / Math.min(t.copy, t.compute));
  }
  report.finish(`DataLoader onto the GPU (${fl.cuda.getDeviceProperties(0).name}; wall s per epoch, median of ${R} rounds [min–max]${QUICK ? '; QUICK sizes: a check that the script runs, not results' : ''})`);
  if (jsonFile) fs.writeFileSync(jsonFile, report.rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  resident.dispose(); x.dispose(); w1.dispose(); w2.dispose();
}

main().catch((e) => { console.error(e instanceof fl.FlintError ? `${e.name}: ${e.message}` : e); process.exit(1); });
