// gpu.js — flintml against PyTorch on the same GPU in the same run (issue 4). Every flintml figure
// is paired with PyTorch's from bench/peers/torch_gpu.py (a child process, called once per round);
// the two take turns for FLINT_BENCH_ROUNDS rounds (default 3; the order flips every round), figures
// are medians over rounds with min–max, and each ratio (ours / torch) is the median of the
// per-round ratios, printed with its target. A GPU is required: without one the script says why
// and exits with code 2; it never falls back to the CPU.
//
// Cases (both sides alike; sizes in brackets are FLINT_BENCH_QUICK=1's):
// 1. gemm: square n x n matmul, n = 1024, 2048, 4096, 8192 [64], float32, tf32 (float32 with
//    fl.backends.matmul.allowTF32 = true / torch.backends.cuda.matmul TF32 on), bfloat16, float16.
//    TFLOP/s = 2n³ / time. Timed with GPU events around a loop of k matmuls (results disposed),
//    after 3 warm-up calls (1 if a call takes > 0.5 s), k grown until one loop takes >= 50 ms [20];
//    median of 3 [2] loops. Target >= 0.95x.
// 2. small_op: 10,000 [256] `fl.add(a, b).dispose()` on 1,024-element float32 GPU tensors, then
//    fl.cuda.synchronize(); wall µs per op, median of 5 batches after one untimed batch (torch:
//    torch.add, result dropped, torch.cuda.synchronize()). Target <= 1.0x (aim 0.5x).
// 3. bandwidth, 256 MiB [4 MiB] float32 operands, event-timed loops as in gemm: add of two 64Mi-element
//    tensors (GB/s = 3 x 256 MiB / time), sum to a scalar (256 MiB / time), softmax over the last dim
//    of [65536, 1024] [[1024, 1024]] (2 x 256 MiB / time). GB = 1e9 bytes. Target >= 0.9x.
// 4. transfer, 256 MiB [4 MiB], median of 5 after 2 warm-ups:
//    h2d   `pinned.to('cuda', { nonBlocking: true })` + fl.cuda.synchronize(), wall time
//          (torch: x_pinned.to('cuda', non_blocking=True) + synchronize). Target >= 0.9x.
//    d2h   flintml has no copy into a caller's pinned tensor (copy_ across devices is refused), so:
//          `t.data()` (the async read: a DMA into flintml's pooled pinned staging buffer, then a
//          conversion into a JS TypedArray), timed with GPU events around the queued DMA only
//          (torch: out_pinned.copy_(y, non_blocking=True) between events). Target >= 0.9x.
//          Also, flintml only: `await t.data()` wall time (DMA + the host copy into the TypedArray),
//          and `t.to('cpu')` wall time (blocking, pageable result) against torch's y.to('cpu').
// 5. overlap: 8 chunks of [2048, 4096] float32 (32 MiB) [[64, 256]] in pinned memory; stream A
//    copies chunk i to the GPU and records event i; stream B waits for event i and multiplies the
//    chunk by a [4096, 4096] weight. Event-timed: copies alone (A), matmuls alone (B, on chunks
//    already there), both on the two streams; fraction = (copy + compute − both) / min(copy, compute):
//    1 = the shorter phase is hidden entirely, 0 = no overlap; speedup = (copy + compute) / both.
//    Medians of 3 timelines each, after one untimed timeline. Reported for both; no ratio, no target.
//
// A case that throws (an op missing on the GPU, out of memory, …) is reported as FAILED with its
// error, in the JSON lines and under the table, and not run again in later rounds; the other cases go
// on; the exit code is then 1. A figure is printed only when it was measured in every round.
//
//   npm run build:ts                      # dist/ (the scripts load flintml from there)
//   node bench/gpu.js                     # all sections, 3 rounds; or: node bench/gpu.js gemm transfer
//   FLINT_BENCH_ROUNDS=5 node bench/gpu.js --json gpu.jsonl   # also writes the JSON lines to a file
// Environment: FLINT_ADDON_PATH (which addon), FLINT_BENCH_PYTHON (the python with CUDA torch;
// default `python3` on PATH), FLINT_BENCH_QUICK=1 (tiny sizes, 1 round: a check that the script
// runs, not results), FLINT_BENCH_NO_PEER=1 (no torch child: flintml figures only, labelled a smoke
// test). Smoke test on the CPU emulation of the CUDA driver (no GPU needed; slow, so quick sizes):
//   FLINT_CUDA_DRIVER=$PWD/build-emu/libcuda.so.1 FLINT_BENCH_QUICK=1 FLINT_BENCH_NO_PEER=1 node bench/gpu.js
'use strict';
const path = require('path');
const fs = require('fs');
const cp = require('child_process');
const { loadFlint, now, median, Report, rounds, parseJsonLines } = require('./common');

const QUICK = process.env.FLINT_BENCH_QUICK === '1';
const NO_PEER = process.env.FLINT_BENCH_NO_PEER === '1';
const PYTHON = process.env.FLINT_BENCH_PYTHON || 'python3';
const SECTIONS = ['gemm', 'small_op', 'bandwidth', 'transfer', 'overlap'];
const MAX_K = 100000;

// The parameters both sides run with (passed to the peer as key=value words).
const CFG = QUICK ? {
  gemm_n: [64], gemm_dtypes: ['float32', 'tf32', 'bfloat16', 'float16'],
  small_ops: 256, small_numel: 1024, small_runs: 3,
  bw_numel: 1 << 20, softmax_rows: 1024, softmax_cols: 1024,
  xfer_numel: 1 << 20, xfer_reps: 3,
  ov_chunks: 8, ov_rows: 64, ov_cols: 256,
  min_ms: 20, reps: 2,
} : {
  gemm_n: [1024, 2048, 4096, 8192], gemm_dtypes: ['float32', 'tf32', 'bfloat16', 'float16'],
  small_ops: 10000, small_numel: 1024, small_runs: 5,
  bw_numel: 1 << 26, softmax_rows: 65536, softmax_cols: 1024,
  xfer_numel: 1 << 26, xfer_reps: 5,
  ov_chunks: 8, ov_rows: 2048, ov_cols: 4096,
  min_ms: 50, reps: 3,
};

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : null;
const unknown = args.filter((a, i) => !SECTIONS.includes(a) && a !== '--json' && (jsonAt < 0 || i !== jsonAt + 1));
if (unknown.length) {
  console.error(`gpu.js: unknown argument(s) ${unknown.join(' ')} (sections: ${SECTIONS.join(' ')}; --json FILE)`);
  process.exit(1);
}
const picked = args.filter((a) => SECTIONS.includes(a));
const sections = picked.length ? SECTIONS.filter((s) => picked.includes(s)) : SECTIONS;

// ---- case names: built here from the fields both sides report, so the two cannot drift apart ----

const MiB = (bytes) => `${bytes / 2 ** 20} MiB`;
function caseLabel(r) {
  switch (r.section) {
    case 'gemm': return `${r.dtype} n=${r.n}`;
    case 'small_op': return `${r.op} ${r.numel} x float32, ${r.ops} ops + sync`;
    case 'bandwidth': return `${r.op} [${r.shape.join(', ')}] float32${r.op === 'softmax' ? ', dim -1' : ''}`;
    case 'transfer': return {
      h2d: `h2d ${MiB(r.bytes)}: pinned to('cuda', nonBlocking) + sync`,
      d2h_dma: `d2h ${MiB(r.bytes)}: DMA into pinned (event-timed)`,
      d2h_data_wall: `d2h ${MiB(r.bytes)}: await data() wall`,
      d2h_pageable: `d2h ${MiB(r.bytes)}: to('cpu') wall, pageable`,
    }[r.dir] || `transfer ${r.dir}`;
    case 'overlap': return `${r.chunks} x [${r.rows}, ${r.cols}] f32: ${{
      copy: 'copies alone (ms)', compute: 'matmuls alone (ms)', both: 'both, two streams (ms)', fraction: 'overlap fraction',
      speedup: '(copies + matmuls) / both',
    }[r.part] || r.part}`;
    default: return JSON.stringify(r);
  }
}

// Ratios (ours / torch) with their targets.
function ratioTarget(r) {
  switch (r.section) {
    case 'gemm': return '>=0.95';
    case 'small_op': return '<=1.0, aim 0.5';
    case 'bandwidth': return '>=0.9';
    case 'transfer': return r.dir === 'h2d' || r.dir === 'd2h_dma' ? '>=0.9' : r.dir === 'd2h_pageable' ? '' : null;
    default: return null;  // overlap: both reported, no ratio
  }
}

function errMsg(e) {
  const m = e && e.message ? e.message : String(e);
  return `${e && e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${m}`.split('\n')[0];
}

// ---- flintml ----

/** GPU event timing: ms for k calls of body, then the median ms per call of CFG.reps loops. */
function makeTimer(fl) {
  const start = new fl.cuda.Event({ enableTiming: true });
  const end = new fl.cuda.Event({ enableTiming: true });
  function loopMs(body, k) {
    start.record();
    for (let i = 0; i < k; i++) body();
    end.record();
    end.synchronize();
    return start.elapsedTime(end);
  }
  function timedLoop(body) {
    // warm-up: 3 calls, or 1 when a call takes over 0.5 s (a slow path must not run for many minutes)
    const t0 = now();
    body();
    fl.cuda.synchronize();
    if (now() - t0 < 0.5) { body(); body(); fl.cuda.synchronize(); }
    let k = 1;
    for (;;) {
      const ms = loopMs(body, k);
      if (ms >= CFG.min_ms || k >= MAX_K) break;
      k = Math.min(MAX_K, Math.ceil(k * Math.min(100, Math.max(2, (1.25 * CFG.min_ms) / Math.max(ms, 1e-3)))));
    }
    const per = [];
    for (let r = 0; r < CFG.reps; r++) per.push(loopMs(body, k) / k);
    return { ms: median(per), k };
  }
  return { start, end, loopMs, timedLoop };
}

/** Runs fn (sync or async) for one case; its record, or the case's fields with the error. */
async function attempt(out, skip, fields, fn) {
  if (skip.has(caseLabel(fields))) return;
  const fl = loadFlint();
  const live = fl.memory.stats().liveTensors;
  try {
    out.push({ ...fields, ...(await fn()) });
    const left = fl.memory.stats().liveTensors - live;
    if (left !== 0) out.push({ ...fields, error: `the case left ${left} live tensor(s) (a leak in the benchmark or in flintml)` });
  } catch (e) {
    out.push({ ...fields, error: errMsg(e) });
    try { fl.cuda.synchronize(); } catch { /* the error is reported already */ }
  }
}

/** One round of every picked section with flintml; records as the peer prints them. */
async function runFlint(fl, timer, skip) {
  const out = [];
  const { timedLoop } = timer;
  const dev = { device: 'cuda' };
  /** Tensors made in fn are disposed when it returns or throws (it must return plain data). */
  const scoped = (fn) => async () => {
    const made = [];
    const keep = (t) => { made.push(t); return t; };
    try { return await fn(keep); } finally { for (const t of made) t.dispose(); }
  };

  if (sections.includes('gemm')) {
    for (const dt of CFG.gemm_dtypes) {
      for (const n of CFG.gemm_n) {
        await attempt(out, skip, { section: 'gemm', dtype: dt, n }, scoped((keep) => {
          const dtype = dt === 'tf32' ? 'float32' : dt;
          const a = keep(fl.randn([n, n], { ...dev, dtype })), b = keep(fl.randn([n, n], { ...dev, dtype }));
          fl.backends.matmul.allowTF32 = dt === 'tf32';
          if (fl.backends.matmul.allowTF32 !== (dt === 'tf32')) throw new Error(`fl.backends.matmul.allowTF32 did not take the value ${dt === 'tf32'}`);
          let t;
          try { t = timedLoop(() => fl.matmul(a, b).dispose()); } finally { fl.backends.matmul.allowTF32 = false; }
          return { metric: 'tflops', value: (2 * n ** 3) / (t.ms * 1e-3) / 1e12, ms: t.ms, k: t.k };
        }));
      }
    }
  }

  if (sections.includes('small_op')) {
    const { small_ops: ops, small_numel: numel, small_runs: runs } = CFG;
    await attempt(out, skip, { section: 'small_op', op: 'add', numel, ops }, scoped((keep) => {
      const a = keep(fl.randn([numel], dev)), b = keep(fl.randn([numel], dev));
      fl.cuda.synchronize();
      for (let i = 0; i < ops; i++) fl.add(a, b).dispose();
      fl.cuda.synchronize();
      const per = [];
      for (let r = 0; r < runs; r++) {
        const t0 = now();
        for (let i = 0; i < ops; i++) fl.add(a, b).dispose();
        fl.cuda.synchronize();
        per.push((now() - t0) / ops);
      }
      return { metric: 'us', value: median(per) * 1e6, runs };
    }));
  }

  if (sections.includes('bandwidth')) {
    const n = CFG.bw_numel, rows = CFG.softmax_rows, cols = CFG.softmax_cols;
    const gbps = (bytes, ms) => bytes / (ms * 1e-3) / 1e9;
    await attempt(out, skip, { section: 'bandwidth', op: 'add', shape: [n] }, scoped((keep) => {
      const a = keep(fl.randn([n], dev)), b = keep(fl.randn([n], dev));
      const t = timedLoop(() => fl.add(a, b).dispose());
      return { metric: 'GB/s', value: gbps(3 * 4 * n, t.ms), ms: t.ms, k: t.k };
    }));
    await attempt(out, skip, { section: 'bandwidth', op: 'sum', shape: [n] }, scoped((keep) => {
      const a = keep(fl.randn([n], dev));
      const t = timedLoop(() => fl.sum(a).dispose());
      return { metric: 'GB/s', value: gbps(4 * n, t.ms), ms: t.ms, k: t.k };
    }));
    await attempt(out, skip, { section: 'bandwidth', op: 'softmax', shape: [rows, cols] }, scoped((keep) => {
      const x = keep(fl.randn([rows, cols], dev));
      const t = timedLoop(() => fl.softmax(x, -1).dispose());
      return { metric: 'GB/s', value: gbps(2 * 4 * rows * cols, t.ms), ms: t.ms, k: t.k };
    }));
  }

  if (sections.includes('transfer')) {
    const n = CFG.xfer_numel, bytes = 4 * n, reps = CFG.xfer_reps;
    const result = (per) => ({ metric: 'GB/s', value: bytes / median(per) / 1e9, reps });
    await attempt(out, skip, { section: 'transfer', dir: 'h2d', bytes }, scoped((keep) => {
      const host = keep(fl.empty([n], { pinned: true }));
      if (!host.isPinned()) throw new Error('fl.empty(…, { pinned: true }) did not return pinned memory');
      const per = [];
      for (let i = 0; i < 2 + reps; i++) {
        fl.cuda.synchronize();
        const t0 = now();
        const d = host.to('cuda', { nonBlocking: true });
        fl.cuda.synchronize();
        const s = now() - t0;
        d.dispose();
        if (i >= 2) per.push(s);
      }
      return result(per);
    }));
    await attempt(out, skip, { section: 'transfer', dir: 'd2h_dma', bytes }, scoped(async (keep) => {
      const y = keep(fl.randn([n], dev));
      const per = [];
      for (let i = 0; i < 2 + reps; i++) {
        fl.cuda.synchronize();
        timer.start.record();
        const p = y.data();  // queues the DMA before its first await
        timer.end.record();
        const values = await p;
        if (values.length !== n) throw new Error(`data() returned ${values.length} values, expected ${n}`);
        if (i >= 2) per.push(timer.start.elapsedTime(timer.end) * 1e-3);
      }
      return result(per);
    }));
    await attempt(out, skip, { section: 'transfer', dir: 'd2h_data_wall', bytes }, scoped(async (keep) => {
      const y = keep(fl.randn([n], dev));
      const per = [];
      for (let i = 0; i < 2 + reps; i++) {
        fl.cuda.synchronize();
        const t0 = now();
        const values = await y.data();
        const s = now() - t0;
        if (values.length !== n) throw new Error(`data() returned ${values.length} values, expected ${n}`);
        if (i >= 2) per.push(s);
      }
      return result(per);
    }));
    await attempt(out, skip, { section: 'transfer', dir: 'd2h_pageable', bytes }, scoped((keep) => {
      const y = keep(fl.randn([n], dev));
      const per = [];
      for (let i = 0; i < 2 + reps; i++) {
        fl.cuda.synchronize();
        const t0 = now();
        const h = y.to('cpu');
        const s = now() - t0;
        h.dispose();
        if (i >= 2) per.push(s);
      }
      return result(per);
    }));
  }

  if (sections.includes('overlap')) {
    const { ov_chunks: chunks, ov_rows: rows, ov_cols: cols } = CFG;
    const fields = { section: 'overlap', chunks, rows, cols };
    const parts = ['copy', 'compute', 'both', 'fraction', 'speedup'];
    if (!skip.has(caseLabel({ ...fields, part: 'both' }))) {
      const live = fl.memory.stats().liveTensors;
      const made = [];
      const keep = (t) => { made.push(t); return t; };
      try {
        const host = [];
        for (let i = 0; i < chunks; i++) {
          const c = fl.randn([rows, cols]);
          host.push(keep(c.pin()));
          if (host[i] !== c) c.dispose();
        }
        const w = keep(fl.randn([cols, cols], dev));
        const sa = new fl.cuda.Stream(), sb = new fl.cuda.Stream();
        const copied = Array.from({ length: chunks }, () => new fl.cuda.Event());
        const { start, end } = timer;
        fl.cuda.synchronize();
        const copiesAlone = () => {
          fl.cuda.synchronize();
          start.record(sa);
          const d = fl.cuda.withStream(sa, () => host.map((h) => h.to('cuda', { nonBlocking: true })));
          end.record(sa);
          end.synchronize();
          return { ms: start.elapsedTime(end), d };
        };
        const computeAlone = (d) => {
          fl.cuda.synchronize();
          start.record(sb);
          fl.cuda.withStream(sb, () => { for (const x of d) fl.matmul(x, w).dispose(); });
          end.record(sb);
          end.synchronize();
          return start.elapsedTime(end);
        };
        const both = () => {
          fl.cuda.synchronize();
          start.record(sa);
          sb.waitEvent(start);
          const d = [];
          for (let i = 0; i < chunks; i++) {
            fl.cuda.withStream(sa, () => { d.push(host[i].to('cuda', { nonBlocking: true })); copied[i].record(sa); });
            fl.cuda.withStream(sb, () => { sb.waitEvent(copied[i]); fl.matmul(d[i], w).dispose(); });
          }
          end.record(sb);
          end.synchronize();
          fl.cuda.synchronize();
          for (const x of d) x.dispose();
          return start.elapsedTime(end);
        };
        both();  // warm-up
        const c = [], p = [], b = [];
        for (let r = 0; r < CFG.reps; r++) {
          const ca = copiesAlone();
          c.push(ca.ms);
          try { p.push(computeAlone(ca.d)); } finally { for (const x of ca.d) x.dispose(); }
          b.push(both());
        }
        for (const e of copied) e.destroy();
        sa.destroy(); sb.destroy();
        const cm = median(c), pm = median(p), bm = median(b);
        out.push({ ...fields, part: 'copy', metric: 'ms', value: cm });
        out.push({ ...fields, part: 'compute', metric: 'ms', value: pm });
        out.push({ ...fields, part: 'both', metric: 'ms', value: bm });
        out.push({ ...fields, part: 'fraction', metric: 'fraction', value: (cm + pm - bm) / Math.min(cm, pm) });
        out.push({ ...fields, part: 'speedup', metric: 'x', value: (cm + pm) / bm });
      } catch (e) {
        for (const part of parts) out.push({ ...fields, part, error: errMsg(e) });
        try { fl.cuda.synchronize(); } catch { /* reported */ }
      } finally {
        for (const t of made) t.dispose();
      }
      const left = fl.memory.stats().liveTensors - live;
      if (left !== 0) for (const part of parts) out.push({ ...fields, part, error: `the case left ${left} live tensor(s)` });
    }
  }
  return out;
}

// ---- the torch peer ----

function peerArgs() {
  const a = { sections: sections.join(',') };
  for (const [k, v] of Object.entries(CFG)) a[k] = Array.isArray(v) ? v.join(',') : String(v);
  return Object.entries(a).map(([k, v]) => `${k}=${v}`);
}

/** Runs bench/peers/torch_gpu.py; returns {info, records} or throws with its stderr. */
function runPeer(extra = []) {
  const script = path.join(__dirname, 'peers', 'torch_gpu.py');
  const r = cp.spawnSync(PYTHON, [script, ...peerArgs(), ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw new Error(`cannot run ${PYTHON} ${script}: ${r.error.message} (set FLINT_BENCH_PYTHON to the python that has CUDA torch)`);
  if (r.status !== 0) throw new Error(`torch_gpu.py exited with code ${r.status}:\n${(r.stderr || '').trim().split('\n').slice(-15).join('\n')}`);
  const lines = parseJsonLines(r.stdout);
  const info = lines.find((l) => l.info);
  if (!info) throw new Error(`torch_gpu.py printed no info line:\n${r.stdout}\n${r.stderr}`);
  return { info, records: lines.filter((l) => !l.info), stderr: r.stderr };
}

// ---- main ----

async function main() {
  const fl = loadFlint();
  if (!fl.cuda.isAvailable()) {
    console.error(`gpu.js: no usable GPU: ${fl.cuda.unavailableReason() || 'fl.cuda.isAvailable() is false'}\n` +
      'gpu.js: the GPU benchmarks need a GPU (they never fall back to the CPU); `npx flintml doctor` shows the search log');
    process.exit(2);
  }
  const props = fl.cuda.getDeviceProperties(0);
  const gib = (b) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const arch = props.computeCapability ? `cc ${props.computeCapability.join('.')}` : props.gcnArch;
  console.log(`# ${new Date().toISOString()} | node ${process.version} | flintml GPU 0: ${props.name} (${props.vendor}, ${arch}, ` +
    `${props.multiProcessorCount} SMs, ${gib(props.totalMemory)}), driver ${fl.cuda.driverVersion()}, ${fl.cuda.deviceCount()} GPU(s)`);
  const gpuBackend = () => { try { return fl.backend.gpu(); } catch (e) { return { error: errMsg(e) }; } };
  if ((process.env.FLINT_SYNC && process.env.FLINT_SYNC !== '0') || gpuBackend().sync) console.log('# WARNING: FLINT_SYNC is on: every GPU op waits for its kernel; these are not async figures');
  if (process.env.FLINT_ADDON_PATH) console.log(`# addon: ${process.env.FLINT_ADDON_PATH}`);
  if (process.env.FLINT_CUDA_DRIVER) console.log(`# FLINT_CUDA_DRIVER=${process.env.FLINT_CUDA_DRIVER}`);

  const smoke = QUICK || NO_PEER;
  if (smoke) {
    console.log(`# SMOKE TEST, NOT RESULTS:${QUICK ? ' FLINT_BENCH_QUICK=1 (tiny sizes)' : ''}${NO_PEER ? ' FLINT_BENCH_NO_PEER=1 (no PyTorch peer, no ratios)' : ''}`);
  }
  let peerOk = !NO_PEER, torchInfo = null;
  if (peerOk) {
    // A first call with no cases: torch and its GPU must be there before anything is measured.
    try {
      torchInfo = runPeer(['sections=']).info;
    } catch (e) {
      console.error(`gpu.js: the PyTorch peer cannot run: ${e.message}\n` +
        'gpu.js: fix it (FLINT_BENCH_PYTHON=/path/to/python3 with CUDA torch) or run FLINT_BENCH_NO_PEER=1 for flintml figures alone');
      process.exit(1);
    }
    console.log(`# torch ${torchInfo.torch} (CUDA ${torchInfo.cuda}, ${torchInfo.python}): ${torchInfo.device} ` +
      `(cc ${torchInfo.capability.join('.')}, ${torchInfo.multiprocessors} SMs, ${gib(torchInfo.total_memory)}); TF32 switch: ${torchInfo.tf32_api}; ` +
      `reduced-precision reductions fp16 ${torchInfo.fp16_reduced_precision_reduction}, bf16 ${torchInfo.bf16_reduced_precision_reduction}`);
    if (torchInfo.device !== props.name) {
      console.log(`# WARNING: torch sees '${torchInfo.device}' as GPU 0, flintml '${props.name}': the two may not run on the same GPU`);
    }
  }
  console.log(`# sections: ${sections.join(' ')}; sizes: ${JSON.stringify(CFG)}`);
  const json = [];
  const infoLine = JSON.stringify({
    bench: 'gpu', impl: 'info', device: props.name, capability: props.computeCapability || props.gcnArch,
    driver: fl.cuda.driverVersion(), node: process.version, addon: process.env.FLINT_ADDON_PATH || null,
    ...(torchInfo ? { torch: torchInfo.torch, torch_cuda: torchInfo.cuda, torch_device: torchInfo.device, torch_tf32_api: torchInfo.tf32_api } : {}),
    sections, sizes: CFG, ...(smoke ? { mode: 'smoke' } : {}),
  });
  console.log(infoLine);
  json.push(infoLine);

  const R = rounds(QUICK ? 1 : 3);
  const timer = makeTimer(fl);
  // samples: impl -> label -> {fields, metric, values[round], error}
  const samples = { flintml: new Map(), torch: new Map() };
  const skip = { flintml: new Set(), torch: new Set() };  // torch's is filled, never read: the peer reruns all
  const note = (impl, round, recs) => {
    for (const r of recs) {
      const label = caseLabel(r);
      const m = samples[impl];
      if (!m.has(label)) m.set(label, { fields: r, metric: r.metric, values: [], error: null });
      const s = m.get(label);
      if (r.error) {
        if (!s.error) {
          s.error = `round ${round + 1}: ${r.error}`;
          console.log(`# FAILED ${impl} ${r.section} ${label}: ${s.error}`);
        }
        skip[impl].add(label);
      } else if (!s.error) {
        if (!s.metric) s.metric = r.metric;
        s.values[round] = r.value;
      }
    }
  };

  for (let round = 0; round < R; round++) {
    const order = round % 2 === 0 ? ['flintml', 'torch'] : ['torch', 'flintml'];
    for (const impl of order) {
      const t0 = now();
      if (impl === 'flintml') {
        note('flintml', round, await runFlint(fl, timer, skip.flintml));
        // hand the cached GPU memory back so the peer finds the GPU as flintml did
        try { fl.memory.emptyCache('cuda'); } catch { /* an old addon: the cache stays */ }
      } else if (peerOk) {
        try {
          const peer = runPeer();
          note('torch', round, peer.records);
        } catch (e) {
          console.log(`# FAILED torch peer, round ${round + 1}: ${e.message}`);
          for (const [, s] of samples.torch) if (!s.error) s.error = `round ${round + 1}: the peer failed`;
          samples.torch.set('(peer)', { fields: { section: '(peer)' }, values: [], error: `round ${round + 1}: ${e.message.split('\n')[0]}` });
          peerOk = false;
        }
      } else continue;
      console.log(`# round ${round + 1}/${R}: ${impl} took ${(now() - t0).toFixed(1)} s`);
    }
  }
  const gb = gpuBackend();
  console.log(`# flintml GPU backend: ${gb.error ? `(backend.gpu() failed: ${gb.error})` : `kernels ${gb.imageSet}, GEMM ${gb.blas || '(the addon does not report its GEMM library)'}${gb.sync ? ', FLINT_SYNC on' : ''}`}`);

  // Reports: one per section; a figure only where every round measured it.
  const log = console.log;
  console.log = (...a) => { if (typeof a[0] === 'string' && a[0].startsWith('{')) json.push(a[0]); log(...a); };
  const extra = smoke ? { mode: 'smoke' } : {};
  const failures = [];
  const titles = {
    gemm: 'GEMM, TFLOP/s (2n³ / time), GPU events around k matmuls; higher is better',
    small_op: 'small-op dispatch, µs per op (wall, ending with a synchronize); lower is better',
    bandwidth: 'memory bandwidth, GB/s (bytes moved / time), GPU events around k ops; higher is better',
    transfer: 'host <-> device, GB/s; higher is better (d2h DMA: event-timed; the rest: wall time)',
    overlap: 'copy/compute overlap on two streams (ms; fraction 1 = shorter phase hidden, 0 = serial)',
  };
  for (const sec of sections) {
    const rep = new Report(`gpu_${sec}`);
    const labels = [];
    for (const impl of ['flintml', 'torch']) {
      for (const [label, s] of samples[impl]) {
        if (s.fields.section !== sec) continue;
        if (!labels.includes(label)) labels.push(label);
        const complete = s.values.length === R && s.values.every((v) => Number.isFinite(v));
        if (s.error || !complete) {
          failures.push({ bench: `gpu_${sec}`, impl, case: label, status: 'failed', error: s.error || `measured in ${s.values.filter(Number.isFinite).length} of ${R} rounds` });
          continue;
        }
        for (const v of s.values) rep.sample(impl, label, s.metric, v, extra);
      }
    }
    if (!NO_PEER) {
      for (const label of labels) {
        const f = (samples.flintml.get(label) || samples.torch.get(label)).fields;
        const target = ratioTarget(f);
        if (target !== null) rep.ratio(label, 'flintml', 'torch', target || undefined);
      }
    }
    if (rep.samples.size) rep.finish(`${smoke ? 'SMOKE TEST, NOT RESULTS — ' : ''}${titles[sec]}; median (min–max) of ${R} interleaved round(s)`);
    else console.log(`\n${titles[sec]}: nothing measured`);
  }
  for (const s of samples.torch.values()) {
    if (s.fields.section === '(peer)') failures.push({ bench: 'gpu', impl: 'torch', case: '(peer)', status: 'failed', error: s.error });
  }
  if (failures.length) {
    console.log('\nFAILED (no figure printed for these):');
    for (const f of failures) console.log(JSON.stringify(f));
  }
  console.log = log;
  if (jsonFile) fs.writeFileSync(jsonFile, json.join('\n') + '\n');
  if (torchInfo === null && !NO_PEER) process.exitCode = 1;
  if (failures.length) process.exitCode = 1;
}

main().catch((e) => { console.error(e); process.exit(1); });
