// gpt.js — a GPT-2-small training step, flintml against PyTorch on the same GPU in the same run
// (issue 9). The model is examples/gpt.js (pre-norm blocks, causal self-attention written out with
// matmul + mask + softmax, a GELU MLP), and bench/peers/torch_gpt.py is the same model in PyTorch,
// module for module. A step: zeroGrad, forward and cross-entropy (inside autocast for bfloat16),
// backward, AdamW (lr 3e-4, weight decay 0.01). Figures: ms per step (wall time over `steps` steps
// after `warmup` steps, one synchronize at the end), tokens per second, peak GPU memory allocated
// over the timed steps; then torch eager, and torch.compile's figure as the next target; then (GPU
// only, after the peers so that their figures come first within --deadline) a "flintml graphed" row:
// forward and backward captured once with fl.cuda.graph and replayed each step, AdamW eager (flintml
// refuses to capture it: its bias corrections follow a host step count), with its ratio to
// torch.compile. One round
// each (the steps are long; flintml first, then the peer, on the same GPU).
//
// Full size: 12 layers, d 768, 12 heads, context 256, vocabulary 50304 (GPT-2's 50257 rounded up to
// a multiple of 64, as nanoGPT does), batch 16 (4096 tokens a step; about 10 GB on either side in
// float32): 124M parameters. `--quick` (or FLINT_BENCH_QUICK=1): 2 layers, d 32, context 16 — a
// smoke test of the script on the CPU or the CUDA driver emulator, not results.
//
// --breakdown: where the time goes, per op family. flintml: one extra step under fl.profiler
// (`{ cuda: true }`: CUDA events around every op on its stream), its op times summed per op and per
// family, beside the host time spent in the calls (on the CPU device, host time only). PyTorch:
// torch.profiler over one step, its kernel table, grouped into the same families by kernel name.
//
//   npm run build:ts                                   # the bench loads dist/
//   node bench/gpt.js [--breakdown] [--json FILE]      # GPU, PyTorch peer (FLINT_BENCH_PYTHON, default python3)
//   node bench/gpt.js --quick --device cpu --no-peer   # the CPU smoke test (test/bench-smoke.test.ts)
//   FLINT_CUDA_DRIVER=$PWD/build-emu/libcuda.so.1 node bench/gpt.js --quick --no-peer   # the emulator
//   node bench/gpt.js --summarize FILE                 # the lines gpu-check.sh puts in summary.txt
// Options: --device cuda|cpu --dtypes float32,bfloat16 --steps N --warmup N --batch B --context T
// --layers L --d D --heads H --vocab V --no-peer (or FLINT_BENCH_NO_PEER=1) --no-compile
// --compile-timeout SECONDS (default 75: torch.compile's first step compiles for tens of seconds)
// --deadline SECONDS (the whole script's time: the peers get what is left of it; gpu-check.sh sets it).
// The JSON lines are appended to FILE as each figure is measured, so a killed run keeps what it did.
'use strict';
const path = require('path');
const fs = require('fs');
const cp = require('child_process');
const { eachArg, loadFlint, now, parseJsonLines, ROOT } = require('./common');

const FULL = { vocab: 50304, layers: 12, d: 768, heads: 12, context: 256, batch: 16, warmup: 2, steps: 6 };
const QUICK = { vocab: 96, layers: 2, d: 32, heads: 2, context: 16, batch: 2, warmup: 1, steps: 1 };
const LR = 3e-4, WEIGHT_DECAY = 0.01;

// ---- arguments ----

function parseArgs(argv) {
  const a = { quick: process.env.FLINT_BENCH_QUICK === '1', device: 'cuda', dtypes: 'float32,bfloat16', breakdown: false, json: null,
    peer: process.env.FLINT_BENCH_NO_PEER !== '1', compile: true, compileTimeout: 75, deadline: Infinity, summarize: null };
  const nums = {};
  eachArg(argv, fail, (k, val) => {
    if (k === '--quick') a.quick = true;
    else if (k === '--breakdown') a.breakdown = true;
    else if (k === '--no-peer') a.peer = false;
    else if (k === '--no-compile') a.compile = false;
    else if (k === '--device') a.device = val();
    else if (k === '--dtypes') a.dtypes = val();
    else if (k === '--json') a.json = val();
    else if (k === '--summarize') a.summarize = val();
    else if (k === '--compile-timeout') a.compileTimeout = Number(val());
    else if (k === '--deadline') a.deadline = Number(val());
    else if (/^--(steps|warmup|batch|context|layers|d|heads|vocab)$/.test(k)) {
      const v = val(), n = Number(v);
      if (!Number.isInteger(n) || n < 1) fail(`${k} takes a positive integer, got ${v}`);
      nums[k.slice(2)] = n;
    } else fail(`unknown argument ${k}`);
  });
  a.cfg = { ...(a.quick ? QUICK : FULL), ...nums };
  a.dtypes = a.dtypes.split(',').filter(Boolean);
  for (const dt of a.dtypes) if (dt !== 'float32' && dt !== 'bfloat16') fail(`--dtypes: float32 and/or bfloat16, got ${dt}`);
  if (a.cfg.d % a.cfg.heads) fail(`--d ${a.cfg.d} is not a multiple of --heads ${a.cfg.heads}`);
  if (!['cuda', 'cpu'].includes(a.device)) fail(`--device: cuda or cpu, got ${a.device}`);
  return a;
}

function fail(msg) {
  console.error(`gpt.js: ${msg} (see the header of bench/gpt.js)`);
  process.exit(2);
}

// ---- op families (both sides) ----

// flintml's op names (lib/ops: the name each op passes to the addon) and PyTorch's kernel names,
// sorted into the same families; the first pattern that matches wins.
const FAMILIES = [
  ['gemm', /matmul|gemm|bmm|linear|addmm|cublas|cutlass|xmma|sm\d+_|ampere|hopper|wgmma/i],
  ['softmax', /softmax/i],
  ['layernorm', /layer_?norm|layerNorm/i],
  ['loss', /cross_?entropy|crossEntropy|nll/i],
  ['optimizer', /adam|multi_tensor|foreach|fused/i],
  ['embedding/indexing', /embedding|index|gather|scatter|take/i],
  ['reduction', /reduce|sum|mean|argmax|max|min|var|norm/i],
  ['copy/cast/layout', /copy|contiguous|cat|stack|cast|clone|^to$|transpose|permute|reshape|trilu|triu|fill|zero|ones|full|arange|empty/i],
  ['random', /rand|philox|bernoulli|normal|uniform/i],
  ['elementwise', /elementwise|unary|binary|add|sub|mul|div|gelu|erf|exp|log|sqrt|square|pow|neg|abs|tanh|sigmoid|relu|where|^(eq|ne|lt|le|gt|ge)$|vectorized|unrolled/i],
];
function family(name) {
  for (const [f, re] of FAMILIES) if (re.test(name)) return f;
  return 'other';
}

// ---- output ----

let jsonFile = null;
const emitted = [];
function emit(rec) {
  emitted.push(rec);
  const line = JSON.stringify(rec);
  console.log(line);
  if (jsonFile) fs.appendFileSync(jsonFile, line + '\n');
}
const mib = (b) => (b == null ? 'n/a' : `${(b / 2 ** 20).toFixed(0)} MiB`);
const caseName = (c) => `GPT ${c.layers}x${c.d}, ${c.heads} heads, T ${c.context}, V ${c.vocab}, batch ${c.batch}`;

// ---- flintml ----

/**
 * The step's loss, in a scope of its own so that the logits (batch x context x vocabulary: 786 MiB
 * at full size in float32) are freed before backward: log-softmax saves its output, not its input,
 * and PyTorch frees the logits there by reference count. Only the loss leaves the scope.
 */
function lossOf(fl, model, idx, tgt, cfg) {
  return fl.scope(() => fl.nn.functional.crossEntropy(model.forward(idx).reshape(-1, cfg.vocab), tgt.reshape(-1)));
}

/** Trains `warmup + steps` steps; returns the figures, and with `breakdown` one more step's op times. */
function runFlint(fl, cfg, dtype, device, breakdown) {
  const { nn, optim } = fl;
  const onGpu = device !== 'cpu';
  const sync = () => { if (onGpu) fl.cuda.synchronize(); };
  fl.manualSeed(0);
  const { GPT } = require(path.join(ROOT, 'examples', 'gpt.js'))(fl);
  const model = new GPT(cfg.vocab, cfg.d, cfg.heads, cfg.layers, cfg.context);
  if (onGpu) model.to(device);
  const params = model.parameters();
  const nParams = params.reduce((s, p) => s + p.numel, 0);
  const opt = new optim.AdamW(params, { lr: LR, weightDecay: WEIGHT_DECAY });
  const idx = fl.randint(0, cfg.vocab, [cfg.batch, cfg.context], { device });
  const tgt = fl.randint(0, cfg.vocab, [cfg.batch, cfg.context], { device });
  const step = () => fl.scope(() => {
    opt.zeroGrad();
    const forward = () => lossOf(fl, model, idx, tgt, cfg);
    const loss = dtype === 'float32' ? forward() : fl.autocast(dtype, forward);
    loss.backward();
    opt.step();
    return loss.detach();
  });
  const made = [idx, tgt];
  try {
    let loss = step();
    const firstLoss = loss.item();
    for (let i = 1; i < cfg.warmup; i++) { loss.dispose(); loss = step(); }
    sync();
    fl.memory.resetPeakStats(device);
    const t0 = now();
    for (let i = 0; i < cfg.steps; i++) { loss.dispose(); loss = step(); }
    sync();
    const secs = (now() - t0) / cfg.steps;
    const lastLoss = loss.item();
    loss.dispose();
    const mem = fl.memory.stats(device);
    const out = {
      ms: secs * 1e3, tokensPerS: (cfg.batch * cfg.context) / secs, peakBytes: mem.peakAllocatedBytes, reservedBytes: mem.reservedBytes,
      firstLoss, lastLoss, params: nParams,
    };
    if (breakdown) out.breakdown = opTimes(fl, onGpu, () => step().dispose());
    return out;
  } finally {
    for (const t of made) t.dispose();
    opt.dispose?.();
    model.dispose();
    if (onGpu) fl.memory.emptyCache(device);
  }
}

/**
 * The same training, with forward, loss and backward captured once into a CUDA graph
 * (fl.cuda.graph) and replayed each step; AdamW runs eagerly after each replay (its bias corrections
 * follow a host step count, so flintml refuses to capture it). Warm-up steps run eagerly on a side
 * stream first, as PyTorch's CUDA-graphs docs do. GPU only.
 */
function runFlintGraphed(fl, cfg, dtype, device) {
  const { nn, optim } = fl;
  fl.manualSeed(0);
  const { GPT } = require(path.join(ROOT, 'examples', 'gpt.js'))(fl);
  const model = new GPT(cfg.vocab, cfg.d, cfg.heads, cfg.layers, cfg.context);
  model.to(device);
  const params = model.parameters();
  const opt = new optim.AdamW(params, { lr: LR, weightDecay: WEIGHT_DECAY });
  const idx = fl.randint(0, cfg.vocab, [cfg.batch, cfg.context], { device });
  const tgt = fl.randint(0, cfg.vocab, [cfg.batch, cfg.context], { device });
  const forwardBackward = () => fl.scope(() => {
    opt.zeroGrad();
    const forward = () => lossOf(fl, model, idx, tgt, cfg);
    const loss = dtype === 'float32' ? forward() : fl.autocast(dtype, forward);
    loss.backward();
    return loss.detach();
  });
  const g = new fl.cuda.CUDAGraph();
  const side = new fl.cuda.Stream();
  let staticLoss = null;
  try {
    side.waitStream(fl.cuda.currentStream());
    const firstLoss = fl.cuda.withStream(side, () => {
      let first = null;
      for (let i = 0; i < Math.max(1, cfg.warmup); i++) {
        const l = forwardBackward();
        if (first === null) first = l.item();
        l.dispose();
        opt.step();
      }
      return first;
    });
    fl.cuda.currentStream().waitStream(side);
    staticLoss = fl.cuda.graph(g, forwardBackward);
    fl.cuda.synchronize();
    fl.memory.resetPeakStats(device);
    const t0 = now();
    for (let i = 0; i < cfg.steps; i++) { g.replay(); opt.step(); }
    fl.cuda.synchronize();
    const secs = (now() - t0) / cfg.steps;
    const lastLoss = staticLoss.item();
    const mem = fl.memory.stats(device);
    return { ms: secs * 1e3, tokensPerS: (cfg.batch * cfg.context) / secs, peakBytes: mem.peakAllocatedBytes, reservedBytes: mem.reservedBytes, firstLoss, lastLoss };
  } finally {
    staticLoss?.dispose();
    g.reset();
    side.destroy();
    idx.dispose(); tgt.dispose();
    opt.dispose?.();
    model.dispose();
    fl.memory.emptyCache(device);
  }
}

/**
 * Runs fn once under fl.profiler (GPU times from CUDA events around each op on its stream, read
 * after one synchronize); returns per-op rows {op, family, calls, gpuMs, hostMs} from the profile's
 * op and copy events (ranges — modules, backward nodes — would count their ops twice), the step's
 * wall time and the GPU time from its first op's start to its last op's end. On the CPU device,
 * host times only (a CPU op runs inside its call).
 */
function opTimes(fl, onGpu, fn) {
  const prof = fl.profiler.profile(fn, { cuda: onGpu });
  const byOp = new Map();
  let first = Infinity, last = -Infinity, calls = 0;
  for (const e of prof.events) {
    if (e.kind !== 'op' && e.kind !== 'copy') continue;
    calls++;
    if (!byOp.has(e.name)) byOp.set(e.name, { op: e.name, family: e.kind === 'copy' ? 'host<->device copy' : family(e.name), calls: 0, gpuMs: onGpu ? 0 : null, hostMs: 0 });
    const r = byOp.get(e.name);
    r.calls++;
    r.hostMs += e.cpuTime / 1e3;
    if (onGpu && e.cudaStart >= 0) {
      r.gpuMs += e.cudaTime / 1e3;
      first = Math.min(first, e.cudaStart);
      last = Math.max(last, e.cudaStart + e.cudaTime);
    }
  }
  const table = prof.table({ sortBy: onGpu ? 'selfCudaTime' : 'selfCpuTime', rowLimit: 15 });
  return { ops: [...byOp.values()], wallMs: prof.stepTime / 1e3, gpuMs: onGpu && last > first ? (last - first) / 1e3 : null, calls, table };
}

// ---- the PyTorch peer ----

function peerArgs(cfg, a, mode) {
  // torch.compile: bfloat16 first, the figure the next speed work aims at, in case time runs out
  const dtypes = mode === 'compile' ? [...a.dtypes].sort((x, y) => (y === 'bfloat16') - (x === 'bfloat16')) : a.dtypes;
  const kv = { ...cfg, dtypes: dtypes.join(','), device: a.device, mode, profile: a.breakdown ? 1 : 0, lr: LR, weight_decay: WEIGHT_DECAY };
  return Object.entries(kv).map(([k, v]) => `${k}=${v}`);
}

/** Runs bench/peers/torch_gpt.py; its JSON lines (those printed before a timeout too). */
function runPeer(cfg, a, mode, timeoutS) {
  const python = process.env.FLINT_BENCH_PYTHON || 'python3';
  const script = path.join(__dirname, 'peers', 'torch_gpt.py');
  const r = cp.spawnSync(python, [script, ...peerArgs(cfg, a, mode)], {
    encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutS ? timeoutS * 1e3 : undefined, killSignal: 'SIGKILL',
  });
  const lines = parseJsonLines(r.stdout || '');
  let error = null;
  if (r.error && r.error.code === 'ETIMEDOUT') error = `did not finish in ${timeoutS} s (killed)`;
  else if (r.error) error = `cannot run ${python} ${script}: ${r.error.message} (FLINT_BENCH_PYTHON names the python with CUDA torch)`;
  else if (r.status !== 0) error = `exited with code ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-6).join(' | ')}`;
  return { lines, error };
}

// ---- report ----

function printBreakdown(title, rows, totalMs) {
  const fams = new Map();
  for (const r of rows) {
    const f = fams.get(r.family) || { family: r.family, ms: 0, n: 0 };
    f.ms += r.ms; f.n += r.n;
    fams.set(r.family, f);
  }
  const sorted = [...fams.values()].sort((x, y) => y.ms - x.ms);
  const sum = sorted.reduce((s, f) => s + f.ms, 0);
  console.log(`\n${title}: ${sum.toFixed(1)} ms in ops${totalMs ? ` of ${totalMs.toFixed(1)} ms for the step` : ''}`);
  for (const f of sorted) console.log(`  ${f.family.padEnd(20)} ${f.ms.toFixed(2).padStart(10)} ms ${(100 * f.ms / (sum || 1)).toFixed(1).padStart(5)}%  ${String(f.n).padStart(6)} ${f.unit || 'calls'}`);
  return sorted;
}

/** --summarize FILE: the few lines gpu-check.sh writes into summary.txt. */
function summarize(file) {
  const recs = parseJsonLines(fs.readFileSync(file, 'utf8'));
  const info = recs.find((r) => r.impl === 'info');
  if (info) console.log(`  gpt: ${info.case}${info.mode ? ` [${info.mode}]` : ''}`);
  for (const r of recs) {
    if (r.bench === 'gpt' && r.metric === 'ms_per_step') {
      console.log(`  gpt ${r.impl} ${r.dtype}: ${r.value.toFixed(1)} ms/step, ${Math.round(r.tokens_per_s)} tok/s, peak ${mib(r.peak_bytes)}, loss ${r.first_loss?.toFixed(3)} -> ${r.last_loss?.toFixed(3)}${r.compile_s ? `, compile ${r.compile_s.toFixed(0)} s` : ''}`);
    } else if (r.bench === 'gpt' && r.impl === 'ratio') {
      console.log(`  gpt ${r.dtype} ${r.metric}: ${r.value.toFixed(2)}x${r.target ? ` (target ${r.target})` : ''}`);
    } else if (r.status === 'skipped') {
      console.log(`  gpt skipped ${r.impl} ${r.dtype || ''}: ${String(r.error).slice(0, 200)}`);
    } else if (r.status === 'failed') {
      console.log(`  gpt FAILED ${r.impl} ${r.dtype || ''}: ${String(r.error).slice(0, 200)}`);
    } else if (r.bench === 'gpt_families') {
      const top = r.families.slice(0, 4).map((f) => `${f.family} ${f.ms.toFixed(1)}`).join(', ');
      console.log(`  gpt ${r.impl} ${r.dtype} time by family (ms): ${top}`);
    }
  }
}

// ---- main ----

const started = now();

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.summarize) return summarize(a.summarize);
  const cfg = a.cfg;
  if (a.json) { jsonFile = a.json; fs.writeFileSync(jsonFile, ''); }
  const fl = loadFlint();
  let gpu = null;
  if (a.device === 'cuda') {
    if (!fl.cuda.isAvailable()) {
      console.error(`gpt.js: no usable GPU: ${fl.cuda.unavailableReason()} (--device cpu runs it on the CPU)`);
      process.exit(2);
    }
    const p = fl.cuda.getDeviceProperties(0);
    gpu = `${p.name}, driver ${fl.cuda.driverVersion()}`;
  }
  const smoke = a.quick || !a.peer;
  const mode = [a.quick && 'quick sizes', !a.peer && 'no peer'].filter(Boolean).join(', ');
  console.log(`# ${new Date().toISOString()} | node ${process.version} | ${a.device}${gpu ? `: ${gpu}` : ''}${process.env.FLINT_CUDA_DRIVER ? ` (FLINT_CUDA_DRIVER=${process.env.FLINT_CUDA_DRIVER})` : ''}`);
  if (smoke) console.log(`# SMOKE TEST, NOT RESULTS: ${mode}`);
  emit({ bench: 'gpt', impl: 'info', case: caseName(cfg), config: cfg, device: a.device, gpu, dtypes: a.dtypes, lr: LR, weight_decay: WEIGHT_DECAY, ...(smoke ? { mode: 'smoke' } : {}) });

  let failed = false;
  const ours = {};
  for (const dtype of a.dtypes) {
    try {
      const r = runFlint(fl, cfg, dtype, a.device, a.breakdown);
      ours[dtype] = r;
      emit({ bench: 'gpt', impl: 'flintml', dtype, case: caseName(cfg), metric: 'ms_per_step', value: r.ms, tokens_per_s: r.tokensPerS,
        peak_bytes: r.peakBytes, reserved_bytes: r.reservedBytes, first_loss: r.firstLoss, last_loss: r.lastLoss, params: r.params, steps: cfg.steps });
      if (!(Number.isFinite(r.firstLoss) && Number.isFinite(r.lastLoss))) {
        failed = true;
        emit({ bench: 'gpt', impl: 'flintml', dtype, status: 'failed', error: `the loss is not finite: ${r.firstLoss} -> ${r.lastLoss}` });
      }
      if (r.breakdown) {
        const b = r.breakdown;
        const rows = b.ops.map((o) => ({ ...o, ms: a.device === 'cpu' ? o.hostMs : o.gpuMs, n: o.calls }));
        const fams = printBreakdown(`flintml ${dtype}, ${a.device === 'cpu' ? 'host' : 'GPU (CUDA events)'} time per op family, one step`, rows, a.device === 'cpu' ? b.wallMs : b.gpuMs);
        const hostMs = b.ops.reduce((s, o) => s + o.hostMs, 0);
        console.log(`  (${b.calls} ops and copies; host time inside them ${hostMs.toFixed(1)} ms; the profiled step's wall time ${b.wallMs.toFixed(1)} ms)`);
        console.log(`fl.profiler's table for that step:\n${b.table}`);
        emit({ bench: 'gpt_families', impl: 'flintml', dtype, clock: a.device === 'cpu' ? 'host' : 'cuda_events', step_ms: a.device === 'cpu' ? b.wallMs : b.gpuMs,
          host_ms_in_calls: hostMs, calls: b.calls, families: fams.map((f) => ({ family: f.family, ms: f.ms, calls: f.n })) });
        emit({ bench: 'gpt_ops', impl: 'flintml', dtype, ops: b.ops.sort((x, y) => (y.gpuMs ?? y.hostMs) - (x.gpuMs ?? x.hostMs)) });
      }
    } catch (e) {
      failed = true;
      emit({ bench: 'gpt', impl: 'flintml', dtype, status: 'failed', error: `${e.name}: ${e.message}`.split('\n')[0] });
      try { if (a.device !== 'cpu') { fl.cuda.synchronize(); fl.memory.emptyCache(a.device); } } catch { /* reported */ }
    }
  }
  const compiled = { eager: {}, compile: {} };
  if (a.peer) {
    const modes = ['eager', ...(a.compile ? ['compile'] : [])];
    const theirs = compiled;
    for (const m of modes) {
      const t0 = now();
      const left = a.deadline - (t0 - started);
      const timeout = Math.floor(Math.min(m === 'compile' ? a.compileTimeout : Infinity, left - 2));
      if (timeout < 5) {
        emit({ bench: 'gpt', impl: m === 'eager' ? 'torch' : 'torch.compile', status: 'failed', error: `not run: ${left.toFixed(0)} s of --deadline ${a.deadline} left` });
        failed = failed || m === 'eager';
        continue;
      }
      const { lines, error } = runPeer(cfg, a, m, Number.isFinite(timeout) ? timeout : 0);
      for (const l of lines) {
        if (l.info) { emit({ bench: 'gpt', impl: 'torch_info', mode: m, ...l }); continue; }
        const impl = m === 'eager' ? 'torch' : 'torch.compile';
        if (l.kind === 'step') {
          theirs[m][l.dtype] = l;
          emit({ bench: 'gpt', impl, dtype: l.dtype, case: caseName(cfg), metric: 'ms_per_step', value: l.ms, tokens_per_s: l.tokens_per_s,
            peak_bytes: l.peak_bytes, reserved_bytes: l.reserved_bytes, first_loss: l.first_loss, last_loss: l.last_loss, params: l.params,
            steps: l.steps, ...(l.compile_s != null ? { compile_s: l.compile_s } : {}) });
        } else if (l.kind === 'kernels') {
          const rows = l.kernels.map((k) => ({ ...k, family: family(k.name), n: k.count }));
          const fams = printBreakdown(`${impl} ${l.dtype}, ${l.clock} time per family (torch.profiler), one step`, rows, null);
          fams.forEach((f) => { f.unit = 'kernels'; });
          console.log(`  top kernels (${l.clock} ms, count):`);
          for (const k of l.kernels.slice(0, 15)) console.log(`    ${k.ms.toFixed(2).padStart(9)} ${String(k.count).padStart(5)}  ${k.name.slice(0, 110)}`);
          emit({ bench: 'gpt_families', impl, dtype: l.dtype, clock: l.clock, families: fams.map((f) => ({ family: f.family, ms: f.ms, kernels: f.n })) });
          emit({ bench: 'gpt_kernels', impl, dtype: l.dtype, clock: l.clock, kernels: l.kernels.slice(0, 60) });
        } else if (l.kind === 'error') {
          failed = failed || m === 'eager';
          emit({ bench: 'gpt', impl, dtype: l.dtype, status: 'failed', error: l.error });
        }
      }
      if (error) {
        failed = failed || m === 'eager';
        emit({ bench: 'gpt', impl: m === 'eager' ? 'torch' : 'torch.compile', status: 'failed', error: `torch_gpt.py (${m}) ${error}` });
      }
      console.log(`# torch ${m}: ${(now() - t0).toFixed(1)} s`);
    }
    for (const dtype of a.dtypes) {
      const f = ours[dtype], t = theirs.eager[dtype], c = theirs.compile[dtype];
      if (!f || !t) continue;
      emit({ bench: 'gpt', impl: 'ratio', dtype, metric: 'time flintml/torch', value: f.ms / t.ms, target: '<=1.0' });
      if (t.peak_bytes) emit({ bench: 'gpt', impl: 'ratio', dtype, metric: 'peak memory flintml/torch', value: f.peakBytes / t.peak_bytes, target: '<=1.1' });
      if (c) emit({ bench: 'gpt', impl: 'ratio', dtype, metric: 'time flintml/torch.compile', value: f.ms / c.ms });
    }
  }

  // the graphed step (GPU only), after the peers so that their figures come first within --deadline:
  // forward + backward replayed from a CUDA graph, AdamW eager
  const graphed = {};
  if (a.device !== 'cpu') {
    for (const dtype of a.dtypes) {
      const left = a.deadline - (now() - started), eager = ours[dtype];
      // its warm-up, capture and timed steps take about as long as the eager run's steps, plus the model
      const need = eager ? 2 * (eager.ms / 1e3) * (cfg.warmup + cfg.steps) + 5 : 0;
      if (left < need) {
        emit({ bench: 'gpt', impl: 'flintml graphed', dtype, status: 'skipped', error: `not run: ${left.toFixed(0)} s of --deadline ${a.deadline} left` });
        continue;
      }
      try {
        const r = runFlintGraphed(fl, cfg, dtype, a.device);
        graphed[dtype] = r;
        emit({ bench: 'gpt', impl: 'flintml graphed', dtype, case: caseName(cfg), metric: 'ms_per_step', value: r.ms, tokens_per_s: r.tokensPerS,
          peak_bytes: r.peakBytes, reserved_bytes: r.reservedBytes, first_loss: r.firstLoss, last_loss: r.lastLoss, steps: cfg.steps,
          note: 'forward+backward replayed from a CUDA graph, AdamW eager' });
        const c = compiled.compile[dtype];
        if (c) emit({ bench: 'gpt', impl: 'ratio', dtype, metric: 'time flintml graphed/torch.compile', value: r.ms / c.ms });
      } catch (e) {
        emit({ bench: 'gpt', impl: 'flintml graphed', dtype, status: 'failed', error: `${e.name}: ${e.message}`.split('\n')[0] });
        try { fl.cuda.synchronize(); fl.memory.emptyCache(a.device); } catch { /* reported */ }
      }
    }
  }

  // the table
  console.log(`\n${smoke ? 'SMOKE TEST, NOT RESULTS — ' : ''}${caseName(cfg)}, AdamW; ms per training step (lower is better)`);
  for (const r of emitted) {
    if (r.metric === 'ms_per_step') {
      console.log(`| ${r.impl.padEnd(15)} | ${r.dtype.padEnd(8)} | ${r.value.toFixed(1).padStart(9)} ms | ${String(Math.round(r.tokens_per_s)).padStart(8)} tok/s | peak ${mib(r.peak_bytes).padStart(10)} | loss ${r.first_loss?.toFixed(3)} -> ${r.last_loss?.toFixed(3)} |`);
    }
  }
  if (failed) process.exitCode = 1;
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
// bench/gpu-host.js runs the same step on the emulator without kernel execution
module.exports = { runFlint, family, FULL, QUICK };
