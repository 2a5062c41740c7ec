// linalg.js — the CPU solvers of torch.linalg in float64, ms per call (lower is better): flintml's
// `fl.linalg.solve` (n right-hand sides), `inv`, `solveTriangular` (upper, n right-hand sides),
// `luFactor` and `cholesky` at n = 256, 512, 1024 and on batches of small matrices ("BxN": B matrices
// N x N, N = 4 .. 32, which run one matrix per task of the pool), against PyTorch CPU (bench/peers/torch_linalg.py)
// at its best: run at its default thread count and pinned to the cores, the faster per round
// (common.js, runTorchPeerBoth), on the same matrices' kind: A = randn + n·I, S = M Mᵀ + n·I. Method
// for both: one warm-up call, then calls until 0.5 s has passed (3 at least), median time; our
// results are disposed after each call. The two take turns for FLINT_BENCH_ROUNDS rounds (default
// 3): figures are medians over rounds and ratios the median of per-round ratios.
//
//   node bench/linalg.js            # both, JSON lines then a table
//   node bench/linalg.js --flint    # flintml only
//   node bench/linalg.js --sizes 256,256x32   # only these sizes (of the lists below), both tables
'use strict';
const { loadFlint, timeEach, sizeOpRounds, Report } = require('./common');

const sizesArg = process.argv.indexOf('--sizes');
const only = sizesArg < 0 ? null : new Set(String(process.argv[sizesArg + 1] || '').split(','));
const chosen = (sizes) => (only === null ? sizes : sizes.filter((s) => only.has(String(s))));
const SIZES = chosen([256, 512, 1024]);
const OPS = ['solve', 'inv', 'solveTriangular', 'luFactor', 'cholesky'];
// batches of small matrices: torch 1.13's batched linalg.solve takes ~0.6 s for 64 systems 4x4 on
// this machine (a path of its own, not LAPACK's time), so solve is left out of this table
const BATCHED = chosen(['1024x4', '1024x8', '256x16', '256x32']);
const BATCHED_OPS = ['inv', 'solveTriangular', 'luFactor', 'cholesky'];

function benchFlint(sizes, opNames) {
  const fl = loadFlint();
  fl.manualSeed(0);
  const out = [];
  for (const size of sizes) {
    const [batch, n] = typeof size === 'string' ? size.split('x').map(Number) : [null, size];
    const shape = batch === null ? [n, n] : [batch, n, n];
    const made = [];
    const keep = (t) => { made.push(t); return t; };
    const eye = keep(fl.eye(n, { dtype: 'float64' }));
    const a = keep(fl.add(keep(fl.randn(shape, { dtype: 'float64' })), keep(fl.mul(eye, n))));
    const b = keep(fl.randn(shape, { dtype: 'float64' }));
    const m = keep(fl.randn(shape, { dtype: 'float64' }));
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
    for (const op of opNames) {
      const { seconds, reps } = timeEach(ops[op]);
      out.push({ op, n: size, ms: seconds * 1e3, reps });
    }
    made.forEach((t) => t.dispose());
  }
  return { blas: fl.backend.info().blas, threads: fl.backend.info().threads, results: out };
}

function main() {
  if (process.argv.includes('--flint')) {
    const r = benchFlint([...SIZES, ...BATCHED], OPS);
    for (const x of r.results) console.log(JSON.stringify({ ...x, blas: r.blas, threads: r.threads }));
    return;
  }
  if (only !== null && SIZES.length + BATCHED.length < only.size) throw new Error(`linalg.js: --sizes takes sizes of ${[256, 512, 1024]} and ${['1024x4', '1024x8', '256x16', '256x32']}, got ${[...only]}`);
  if (SIZES.length > 0) sizeOpRounds(new Report('linalg'), { sizes: SIZES, ops: OPS, benchFlint: () => benchFlint(SIZES, OPS), peer: 'torch_linalg.py', title: 'linalg float64' });
  if (BATCHED.length > 0) sizeOpRounds(new Report('linalg-batched'), { sizes: BATCHED, ops: BATCHED_OPS, benchFlint: () => benchFlint(BATCHED, BATCHED_OPS),
    peer: 'torch_linalg.py', title: 'linalg float64, batches BxN of N x N matrices' });
}

main();
