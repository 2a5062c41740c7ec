// linalg.js — the CPU solvers of torch.linalg in float64, ms per call (lower is better): flintml's
// `fl.linalg.solve` (n right-hand sides), `inv`, `solveTriangular` (upper, n right-hand sides),
// `luFactor` and `cholesky` at n = 256, 512, 1024, against PyTorch CPU (bench/peers/torch_linalg.py)
// at its best: run at its default thread count and pinned to the cores, the faster per round
// (common.js, runTorchPeerBoth), on the same matrices' kind: A = randn + n·I, S = M Mᵀ + n·I. Method
// for both: one warm-up call, then calls until 0.5 s has passed (3 at least), median time; our
// results are disposed after each call. The two take turns for FLINT_BENCH_ROUNDS rounds (default
// 3): figures are medians over rounds and ratios the median of per-round ratios.
//
//   node bench/linalg.js            # both, JSON lines then a table
//   node bench/linalg.js --flint    # flintml only
'use strict';
const { loadFlint, timeEach, sizeOpRounds, Report } = require('./common');

const SIZES = [256, 512, 1024];
const OPS = ['solve', 'inv', 'solveTriangular', 'luFactor', 'cholesky'];

function benchFlint() {
  const fl = loadFlint();
  fl.manualSeed(0);
  const out = [];
  for (const n of SIZES) {
    const made = [];
    const keep = (t) => { made.push(t); return t; };
    const eye = keep(fl.eye(n, { dtype: 'float64' }));
    const a = keep(fl.add(keep(fl.randn([n, n], { dtype: 'float64' })), keep(fl.mul(eye, n))));
    const b = keep(fl.randn([n, n], { dtype: 'float64' }));
    const m = keep(fl.randn([n, n], { dtype: 'float64' }));
    const s = keep(fl.add(keep(fl.matmul(m, m.mT)), keep(fl.mul(eye, n))));
    const u = keep(fl.triu(a));
    const dispose = (r) => { if (Array.isArray(r)) r.forEach((t) => t.dispose()); else r.dispose(); };
    const ops = {
      solve: () => dispose(fl.linalg.solve(a, b)),
      inv: () => dispose(fl.linalg.inv(a)),
      solveTriangular: () => dispose(fl.linalg.solveTriangular(u, b, { upper: true })),
      luFactor: () => dispose([...fl.linalg.luFactor(a)]),
      cholesky: () => dispose(fl.linalg.cholesky(s)),
    };
    for (const op of OPS) {
      const { seconds, reps } = timeEach(ops[op]);
      out.push({ op, n, ms: seconds * 1e3, reps });
    }
    made.forEach((t) => t.dispose());
  }
  return { blas: fl.backend.info().blas, threads: fl.backend.info().threads, results: out };
}

function main() {
  if (process.argv.includes('--flint')) {
    const r = benchFlint();
    for (const x of r.results) console.log(JSON.stringify({ ...x, blas: r.blas, threads: r.threads }));
    return;
  }
  sizeOpRounds(new Report('linalg'), { sizes: SIZES, ops: OPS, benchFlint, peer: 'torch_linalg.py', title: 'linalg float64' });
}

main();
