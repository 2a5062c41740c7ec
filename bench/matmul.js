// matmul.js — float32 square GEMM at n = 256, 512, 1024, 2048 in GFLOP/s (2·n³ flops per product):
// flintml `fl.matmul` through the BLAS it found (OpenBLAS here), flintml's built-in GEMM
// (FLINT_BLAS=builtin, in a child process since the BLAS is chosen at load), OpenBLAS's
// cblas_sgemm called straight from C (bench/gemm_openblas.c), PyTorch CPU torch.matmul (at its
// default thread count and pinned to the cores; ratios use the faster) and tfjs
// (wasm backend). Method for every impl: one warm-up product, then products until 0.5 s has
// passed (3 at least), median time. Our results are disposed after each product. The impls take
// turns, all sizes each, for FLINT_BENCH_ROUNDS rounds (default 3): figures are medians over rounds
// and ratios the median of per-round ratios (this 2-core machine is shared and noisy).
//
//   node bench/matmul.js            # all impls, JSON lines then a table
//   node bench/matmul.js --flint    # flintml only (what the FLINT_BLAS=builtin child runs)
'use strict';
const cp = require('child_process');
const { loadFlint, timeEach, loadTfjsWasm, runTorchPeerBoth, sampleTorchBest, runOpenblasPeer, parseJsonLines, Report, rounds } = require('./common');

const SIZES = [256, 512, 1024, 2048];
const gflops = (n, s) => (2 * n * n * n) / s / 1e9;

function fill(n, seed) {
  const a = new Float32Array(n * n);
  let x = seed;
  for (let i = 0; i < a.length; i++) { x = (x * 1103515245 + 12345) >>> 0; a[i] = (x >>> 8) / (1 << 24) - 0.5; }
  return a;
}

/** flintml at every size: [{n, gflops, ms, reps}]. */
function benchFlint() {
  const fl = loadFlint();
  const out = [];
  for (const n of SIZES) {
    const fa = fl.tensor(fill(n, 1)), fb = fl.tensor(fill(n, 2));
    const a = fa.reshape([n, n]), b = fb.reshape([n, n]);
    const { seconds, reps } = timeEach(() => fl.matmul(a, b).dispose());
    out.push({ n, gflops: gflops(n, seconds), ms: seconds * 1e3, reps });
    for (const t of [fa, fb, a, b]) t.dispose();
  }
  return { blas: fl.backend.info().blas, threads: fl.backend.info().threads, results: out };
}

async function benchTfjs(tf) {
  const out = [];
  for (const n of SIZES) {
    const a = tf.tensor2d(fill(n, 1), [n, n]), b = tf.tensor2d(fill(n, 2), [n, n]);
    // dataSync waits for the result (the wasm backend is synchronous; this only makes it explicit)
    const { seconds, reps } = timeEach(() => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); });
    out.push({ n, gflops: gflops(n, seconds), ms: seconds * 1e3, reps });
    a.dispose(); b.dispose();
  }
  return out;
}

function benchBuiltinChild() {
  const child = cp.spawnSync(process.execPath, [__filename, '--flint'], {
    encoding: 'utf8', env: { ...process.env, FLINT_BLAS: 'builtin' }, maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`FLINT_BLAS=builtin child failed: ${child.stderr}`);
  const lines = parseJsonLines(child.stdout);
  if (lines[0].blas !== 'builtin') throw new Error(`FLINT_BLAS=builtin child used ${lines[0].blas}`);
  return lines;
}

async function main() {
  if (process.argv.includes('--flint')) {
    const r = benchFlint();
    for (const x of r.results) console.log(JSON.stringify({ ...x, blas: r.blas, threads: r.threads }));
    return;
  }
  const rep = new Report('matmul');
  const tfjs = await loadTfjsWasm();
  const R = rounds(3);
  let blasName = '', torchInfo = '', obInfo = '';
  for (let round = 0; round < R; round++) {
    // one round: every impl at every size, in turn
    const ob = runOpenblasPeer();
    obInfo = ob.info;
    const ours = benchFlint();
    blasName = ours.blas;
    const builtin = benchBuiltinChild();
    const torch = runTorchPeerBoth('torch_matmul.py', SIZES.map(String));
    torchInfo = `torch ${torch.version}: torch-default = ${torch.defaultThreads} thread(s), torch-pinned = ${torch.pinnedThreads}; torch-best = the faster per round`;
    const tj = await benchTfjs(tfjs.tf);
    for (const n of SIZES) {
      const k = `n=${n}`;
      const pick = (rs) => rs.find((r) => r.n === n).gflops;
      rep.sample('openblas-c', k, 'gflops', pick(ob.lines));
      rep.sample('flintml', k, 'gflops', pick(ours.results));
      rep.sample('flintml-builtin', k, 'gflops', pick(builtin));
      sampleTorchBest(rep, k, 'gflops', pick(torch.default), pick(torch.pinned), true);
      rep.sample('tfjs-wasm', k, 'gflops', pick(tj));
    }
  }
  for (const n of SIZES) {
    const k = `n=${n}`;
    rep.ratio(k, 'flintml', 'openblas-c', '>=0.9');
    rep.ratio(k, 'flintml-builtin', 'openblas-c', '>=0.4');
    rep.ratio(k, 'flintml', 'torch-best');
    rep.ratio(k, 'flintml', 'tfjs-wasm');
  }
  console.log(`# ${obInfo}\n# flintml: ${blasName}; builtin child: FLINT_BLAS=builtin\n# ${torchInfo}\n# tfjs ${tfjs.version}, ${tfjs.variant}`);
  rep.finish(`matmul float32, GFLOP/s, median (min–max) of ${R} interleaved rounds; higher is better`);
}

main().catch((e) => { console.error(e); process.exit(1); });
