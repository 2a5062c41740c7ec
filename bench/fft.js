// fft.js — the CPU FFT, ms per call (lower is better): flintml's `fl.fft.fft` of complex64 and
// complex128 signals, `fl.fft.rfft` of float32 ones and `fl.fft.irfft` of their spectra (n points) at
// n = 2^16 and 2^20 (radix 4/2 plans; the real forms as n/2-point transforms plus a split pass) and
// n = 65537 (a prime: Bluestein through 2^18 points), against PyTorch CPU (bench/peers/torch_fft.py,
// pocketfft) at its best: its default thread count and pinned to the cores, the faster per round
// (common.js, runTorchPeerBoth). Method for both: one warm-up call, then calls until 0.5 s has passed
// (3 at least), median time; our results are disposed after each call. The two take turns for
// FLINT_BENCH_ROUNDS rounds (default 3): figures are medians over rounds, ratios the median of
// per-round ratios.
//
//   node bench/fft.js            # both, JSON lines then a table
//   node bench/fft.js --flint    # flintml only
'use strict';
const { loadFlint, timeEach, sizeOpRounds, Report } = require('./common');

const SIZES = [65536, 65537, 1048576];
const OPS = ['fft-c64', 'fft-c128', 'rfft-f32', 'irfft-f32'];

function benchFlint() {
  const fl = loadFlint();
  fl.manualSeed(0);
  const out = [];
  for (const n of SIZES) {
    const made = [];
    const keep = (t) => { made.push(t); return t; };
    const z64 = keep(fl.complex(keep(fl.randn([n])), keep(fl.randn([n]))));
    const z128 = keep(z64.to('complex128'));
    const x = keep(fl.randn([n]));
    const X = keep(fl.fft.rfft(x));
    const ops = {
      'fft-c64': () => fl.fft.fft(z64).dispose(),
      'fft-c128': () => fl.fft.fft(z128).dispose(),
      'rfft-f32': () => fl.fft.rfft(x).dispose(),
      'irfft-f32': () => fl.fft.irfft(X, n).dispose(),
    };
    for (const op of OPS) {
      const { seconds, reps } = timeEach(ops[op]);
      out.push({ op, n, ms: seconds * 1e3, reps });
    }
    made.forEach((t) => t.dispose());
  }
  return { threads: fl.backend.info().threads, results: out };
}

function main() {
  if (process.argv.includes('--flint')) {
    const r = benchFlint();
    for (const x of r.results) console.log(JSON.stringify({ ...x, threads: r.threads }));
    return;
  }
  sizeOpRounds(new Report('fft'), { sizes: SIZES, ops: OPS, benchFlint, peer: 'torch_fft.py', title: 'fft (CPU)' });
}

main();
