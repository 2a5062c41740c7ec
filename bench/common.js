// common.js — what the CPU benchmarks share: loading flintml (the compiled dist/) and tfjs with
// its wasm backend, timers that report medians, the torch and OpenBLAS peers run as child
// processes, and output: one JSON line per figure on stdout, then a human table.
//
// Every script prints JSON lines of the form
//   {"bench":"matmul","impl":"flintml","case":"n=1024","metric":"gflops","value":123.4}
// and, for each comparison, a line with "impl":"ratio" naming the two sides (ours / peer).
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const cp = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const PYTHON = process.env.FLINT_BENCH_PYTHON || '/usr/bin/python3';

/** mulberry32: a small seeded generator in [0, 1), independent of flintml's (the fuzzers' data and calls). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** flintml from the compiled dist/ (run `npx tsc -p tsconfig.json` first). */
function loadFlint() {
  return require(path.join(ROOT, 'dist'));
}

/** Seconds, monotonic, sub-microsecond resolution. */
function now() {
  return Number(process.hrtime.bigint()) * 1e-9;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times one call of fn at a time: `warmup` untimed calls, then calls until `minTime` seconds have
 * passed (at least `minReps`). Returns the median seconds per call and the number of reps.
 */
function timeEach(fn, { warmup = 1, minTime = 0.5, minReps = 3, maxReps = 100000 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  const start = now();
  while (times.length < maxReps && (times.length < minReps || now() - start < minTime)) {
    const t0 = now();
    fn();
    times.push(now() - t0);
  }
  return { seconds: median(times), reps: times.length };
}

/**
 * Times fn in batches of `inner` calls (for ops far shorter than the timer's cost): `warmupCalls`
 * untimed calls, then `runs` batches. Returns the median seconds per call over the batches.
 */
function timeBatches(fn, { inner = 100000, runs = 7, warmupCalls = 20000 } = {}) {
  for (let i = 0; i < warmupCalls; i++) fn();
  const perCall = [];
  for (let r = 0; r < runs; r++) {
    const t0 = now();
    for (let i = 0; i < inner; i++) fn();
    perCall.push((now() - t0) / inner);
  }
  return { seconds: median(perCall), runs, inner, min: Math.min(...perCall), max: Math.max(...perCall) };
}

/** tfjs with the wasm backend, loaded from node_modules; says which wasm variant runs. */
async function loadTfjsWasm() {
  const tf = require('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(dir + path.sep);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
  await tf.ready();
  // the backend picks the binary from these two flags (tfjs-backend-wasm: getPathToWasmBinary)
  const variant = simd && threads ? 'threaded-simd' : simd ? 'simd' : 'plain';
  const nThreads = typeof wasm.getThreadsCount === 'function' ? wasm.getThreadsCount() : 1;
  return { tf, variant: `wasm-${variant} (${nThreads} thread${nThreads === 1 ? '' : 's'})`, version: tf.version.tfjs };
}

/**
 * Runs a torch peer script (bench/peers/NAME.py ARGS...) and returns its JSON lines. `threads` is
 * what the script passes to torch.set_num_threads: a count, or 'default' to leave torch's own
 * choice (FLINT_BENCH_TORCH_THREADS in the child's environment).
 */
function runTorchPeer(name, args = [], threads = 'default') {
  const script = path.join(__dirname, 'peers', name);
  const env = { ...peerEnv(), FLINT_BENCH_TORCH_THREADS: String(threads) };
  const r = cp.spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, env });
  if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${r.stderr || r.error}`);
  return parseJsonLines(r.stdout);
}

/**
 * The environment of every CPU peer process (torch, the OpenBLAS C program): this process's, plus
 * the OpenBLAS kernel family that flintml named for itself. While OPENBLAS_CORETYPE is unset,
 * flintml names the family this CPU's ISA supports for the time OpenBLAS loads (native/cpu/gemm.cpp,
 * CoreTypeHint), because an OpenBLAS older than the CPU model falls back to its SSE3 kernels (0.3.21
 * on Emerald Rapids). Debian's PyTorch calls the same OpenBLAS for its matmuls, so a peer left on the
 * fallback would not be at its best: it gets the same variable. A value set by the user passes
 * through unchanged. `peerBlasNote()` says what was set, for the benchmarks' header lines.
 */
let peerEnvCache = null;
function peerEnv() {
  if (peerEnvCache) return peerEnvCache;
  const env = { ...process.env };
  let note = process.env.OPENBLAS_CORETYPE ? `OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE} (set by the user)` : 'OPENBLAS_CORETYPE unset';
  if (!process.env.OPENBLAS_CORETYPE) {
    const m = /OPENBLAS_CORETYPE unset: (\w+) named/.exec(loadFlint().backend.info().blasSearch || '');
    if (m) {
      env.OPENBLAS_CORETYPE = m[1];
      note = `OPENBLAS_CORETYPE=${m[1]} for the peers (the family flintml named for itself)`;
    }
  }
  peerEnvCache = env;
  peerEnvNote = note;
  return env;
}
let peerEnvNote = '';
function peerBlasNote() {
  peerEnv();
  return peerEnvNote;
}

/** The core count that "pinned" torch runs get: os.cpus().length, or FLINT_BENCH_TORCH_PINNED. */
function torchPinnedThreads() {
  const n = Number(process.env.FLINT_BENCH_TORCH_PINNED);
  return Number.isInteger(n) && n > 0 ? n : os.cpus().length;
}

/**
 * PyTorch at its best: runs the peer twice in this round, at torch's default thread count and
 * pinned to the core count (which is faster depends on the op and the machine: on the 2-core
 * development machine torch 1.13 defaults to 1 OpenMP thread and its GEMMs still use both cores
 * through OpenBLAS's own threads, while set_num_threads(2) adds OpenMP fork/join to every op).
 * Returns { default: lines, pinned: lines, pinnedThreads, defaultThreads }.
 */
function runTorchPeerBoth(name, args = []) {
  const pinnedThreads = torchPinnedThreads();
  const def = runTorchPeer(name, args, 'default');
  const pinned = runTorchPeer(name, args, pinnedThreads);
  const defaultThreads = def[0] && def[0].threads !== undefined ? def[0].threads : '?';
  return { default: def, pinned, pinnedThreads, defaultThreads, version: def[0] ? def[0].torch : '?' };
}

/**
 * Records torch's two configurations for one case and round as impls 'torch-default' and
 * 'torch-pinned', and the faster of the two as 'torch-best' (what ratios compare against).
 * `higherIsBetter`: GFLOP/s and GB/s; false for times.
 */
function sampleTorchBest(rep, kase, metric, defValue, pinnedValue, higherIsBetter) {
  rep.sample('torch-default', kase, metric, defValue);
  rep.sample('torch-pinned', kase, metric, pinnedValue);
  const best = higherIsBetter ? Math.max(defValue, pinnedValue) : Math.min(defValue, pinnedValue);
  rep.sample('torch-best', kase, metric, best, {});
  rep.noteBest(kase, (higherIsBetter ? defValue >= pinnedValue : defValue <= pinnedValue) ? 'default' : 'pinned');
}

/**
 * The interleaved rounds of a size x op benchmark in ms per call against a torch peer script
 * (bench/linalg.js, bench/fft.js): each round runs `benchFlint()` (-> { results: [{ op, n, ms }],
 * threads, blas? }) and the peer at torch's default and pinned thread counts, records 'flintml' and
 * torch's three impls per case `${op} n=${n}`, then the flintml / torch-best ratios, and finishes
 * the report with `title` (", ms per call, median (min–max) of R interleaved rounds" appended).
 */
function sizeOpRounds(rep, { sizes, ops, benchFlint, peer, title }) {
  const R = rounds(3);
  let info = '';
  for (let round = 0; round < R; round++) {
    const ours = benchFlint();
    const torch = runTorchPeerBoth(peer, sizes.map(String));
    info = `flintml: ${ours.blas ? `${ours.blas}, ` : ''}${ours.threads} thread(s); torch ${torch.version}: torch-default = ${torch.defaultThreads} thread(s), torch-pinned = ${torch.pinnedThreads}; torch-best = the faster per round`;
    for (const n of sizes) {
      for (const op of ops) {
        const k = `${op} n=${n}`;
        const pick = (rs) => rs.find((r) => r.n === n && r.op === op).ms;
        rep.sample('flintml', k, 'ms', pick(ours.results));
        sampleTorchBest(rep, k, 'ms', pick(torch.default), pick(torch.pinned), false);
      }
    }
  }
  for (const n of sizes) for (const op of ops) rep.ratio(`${op} n=${n}`, 'flintml', 'torch-best', '<=1.0');
  console.log(`# ${info}`);
  rep.finish(`${title}, ms per call, median (min–max) of ${R} interleaved rounds; lower is better`);
}

/**
 * Compiles bench/gemm_openblas.c (the OpenBLAS peer, cblas_sgemm called from C) into a temp
 * folder and runs it; returns its JSON lines and what it printed about OpenBLAS on stderr.
 */
let openblasExe = null;
function runOpenblasPeer() {
  if (!openblasExe) {
    const src = path.join(__dirname, 'gemm_openblas.c');
    if (!fs.existsSync(src)) throw new Error('bench/gemm_openblas.c is missing');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-bench-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const exe = path.join(dir, 'gemm_openblas');
    const c = cp.spawnSync('gcc', ['-O2', src, '-o', exe, '-lopenblas'], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`gcc gemm_openblas.c failed: ${c.stderr}`);
    openblasExe = exe;
  }
  const r = cp.spawnSync(openblasExe, [], { encoding: 'utf8', env: peerEnv() });
  if (r.status !== 0) throw new Error(`gemm_openblas failed (${r.status}): ${r.stderr}`);
  return { lines: parseJsonLines(r.stdout), info: r.stderr.trim() };
}

function parseJsonLines(text) {
  return text.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
}

/**
 * Collects samples (one per round and impl; rounds interleave the impls so that a burst of load
 * on this shared machine hits them alike), then prints one JSON line per figure (the median over
 * rounds, with min and max) and per ratio (the median of the per-round ratios), and a table.
 */
class Report {
  constructor(bench) {
    this.bench = bench;
    this.samples = new Map();  // "impl\0case" -> {impl, case, metric, values: [], extra}
    this.ratios = [];
    this.rows = [];
    this.best = new Map();  // case -> which torch configuration won each round ('default' / 'pinned')
  }
  /** Which torch configuration was the faster in one round of `kase` (sampleTorchBest). */
  noteBest(kase, which) {
    if (!this.best.has(kase)) this.best.set(kase, []);
    this.best.get(kase).push(which);
  }
  sample(impl, kase, metric, value, extra = {}) {
    const key = `${impl}\0${kase}`;
    if (!this.samples.has(key)) this.samples.set(key, { impl, case: kase, metric, values: [], extra });
    this.samples.get(key).values.push(value);
  }
  /** ours / peer, per round, median over rounds; `target` is printed beside it. */
  ratio(kase, ours, peer, target) {
    this.ratios.push({ kase, ours, peer, target });
  }
  finish(title) {
    for (const s of this.samples.values()) {
      const rec = { bench: this.bench, impl: s.impl, case: s.case, metric: s.metric, value: round(median(s.values)),
        min: round(Math.min(...s.values)), max: round(Math.max(...s.values)), rounds: s.values.length, ...s.extra };
      this.rows.push(rec);
      console.log(JSON.stringify(rec));
    }
    for (const { kase, ours, peer, target } of this.ratios) {
      const a = this.samples.get(`${ours}\0${kase}`), b = this.samples.get(`${peer}\0${kase}`);
      if (!a || !b) continue;
      const per = a.values.map((v, i) => v / b.values[i]).filter(Number.isFinite);
      const rec = { bench: this.bench, impl: 'ratio', case: kase, metric: `${ours}/${peer}`, value: round(median(per)),
        min: round(Math.min(...per)), max: round(Math.max(...per)) };
      if (target) rec.target = target;
      this.rows.push(rec);
      console.log(JSON.stringify(rec));
    }
    for (const [kase, wins] of this.best) {
      const rec = { bench: this.bench, impl: 'torch-best', case: kase, metric: 'config', rounds: wins.join(',') };
      console.log(JSON.stringify(rec));
    }
    this.table(title);
    for (const [kase, wins] of this.best) console.log(`# torch-best for ${kase}: ${wins.join(', ')} (per round)`);
  }
  /** A table: one row per case, one column per impl (median [min–max]) and per ratio. */
  table(title) {
    const cases = [...new Set(this.rows.map((r) => r.case))];
    const colOf = (r) => (r.impl === 'ratio' ? `${r.metric}${r.target ? ` (${r.target})` : ''}` : `${r.impl} [${r.metric}]`);
    const cols = [...new Set(this.rows.map(colOf))];
    const cell = (kase, col) => {
      const r = this.rows.find((x) => x.case === kase && colOf(x) === col);
      if (!r) return '';
      return r.impl === 'ratio' ? `${r.value.toFixed(2)}x` : r.rounds > 1 ? `${fmtNum(r.value)} (${fmtNum(r.min)}–${fmtNum(r.max)})` : fmtNum(r.value);
    };
    const head = ['case', ...cols];
    const body = cases.map((k) => [k, ...cols.map((c) => cell(k, c))]);
    const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
    const out = [`\n${title}`, line(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...body.map(line)];
    console.log(out.join('\n'));
  }
}

/** Rounds to run: FLINT_BENCH_ROUNDS or the default. */
function rounds(def = 3) {
  const r = Number(process.env.FLINT_BENCH_ROUNDS);
  return Number.isInteger(r) && r > 0 ? r : def;
}

function round(v) {
  return Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000;
}
function fmtNum(v) {
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/**
 * Walks command-line words: fn(word, value) for each, where value() takes the next word as the
 * option's value (fail(message) when there is none). The scripts' parsers (bench/gpt.js, gpu-host.js).
 */
function eachArg(argv, fail, fn) {
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    fn(k, () => {
      if (i + 1 >= argv.length) fail(`${k} needs a value`);
      return argv[++i];
    });
  }
}

module.exports = {
  mulberry32, eachArg,
  ROOT, PYTHON, loadFlint, now, median, timeEach, timeBatches, loadTfjsWasm, runTorchPeer, runTorchPeerBoth,
  sampleTorchBest, sizeOpRounds, torchPinnedThreads, runOpenblasPeer, peerEnv, peerBlasNote, parseJsonLines, Report, rounds,
};
