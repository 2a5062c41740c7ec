// conv.js — the CPU convolution, float32, ms per call (lower is better): `fl.nn.conv2d` forward
// (under noGrad) and forward + backward (input, weight and bias gradients, from a gradient of ones)
// on the shapes CNN users train: the [128, 48, 32, 32] 3x3 layer, ResNet-18's layers at batch 16
// (3x3 at 56x56x64, 28x28x128, 14x14x256; the 1x1 64->256 at 56x56; the stride-2 3x3 64->128;
// the 7x7 stride-2 stem 3->64 at 224, batch 8), a depthwise 3x3 (groups = channels = 128 at 56x56)
// and the two layers of the 28x28 CNN of bench/train_models.js (batch 64). Against PyTorch CPU
// (bench/peers/torch_conv.py: oneDNN, torch.backends.mkldnn as default) at its best (default thread
// count and pinned to the cores, the faster per round: common.js, runTorchPeerBoth). 'flintml' is the
// fused CPU convolution (native/cpu/conv.cpp); 'flintml-nowgrad' the same build with the Winograd
// weight gradient turned off (convTuning.winogradWgradCpu = false: the weight gradient on the GEMM
// path, the path before it), so that before and after come from the same rounds (the im2col path
// before the fused one, convTuning.fusedCpu = false, is left out: bench/RESULTS.md 0-conv2 has it);
// 'flintml-nowino' the fused path
// with Winograd off (convTuning.winogradCpu = 'off': the 3x3 stride-1 layers on the GEMM path, the
// path before native/cpu/conv.cpp's Winograd F(m x m, 3x3)); 'flintml-1thread' is the fused
// path with flintml's pool set to one thread (torch's default here is one thread: on a host whose
// cores are shared with other jobs, a parallel op waits for its slowest thread). Method for every side: two
// warm-up calls, then calls until 0.4 s has passed (3 at least); per round the median (and the
// minimum, in the 'round' JSON lines). Implementations take turns in each of FLINT_BENCH_ROUNDS
// rounds (default 3); figures are medians over rounds and ratios the median of per-round ratios.
//
//   node bench/conv.js              # all, JSON lines then a table
//   node bench/conv.js --flint      # flintml only (both paths), JSON lines
//   node bench/conv.js --only stem,depthwise   # cases whose name contains one of the words
//   node bench/conv.js --ops [--cpu-time]  # flintml only: where forward + backward goes, the three native
//                                   # ops (conv2dForward, conv2dBackwardInput, conv2dBackwardWeight with the
//                                   # bias gradient) timed apart, Winograd 'auto' and 'off', at 1 and 2 threads
//   node bench/conv.js --cpu-time   # one thread each (flintml's pool at 1, torch at its default), and
//                                   # process CPU time instead of wall time: the work each side does,
//                                   # robust to a host whose cores other jobs share (torch-pinned left out)
'use strict';
const { loadFlint, now, median, runTorchPeer, runTorchPeerBoth, sampleTorchBest, Report, rounds } = require('./common');

const CPU_TIME = process.argv.includes('--cpu-time');
/** Milliseconds: wall time, or with --cpu-time this process's CPU time (user + system, every thread). */
const clock = CPU_TIME ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; } : () => now() * 1e3;

// name, [N, C, H, W], out channels, kernel, stride, padding, groups
const CASES = [
  ['cifar 128x48x32x32 3x3', [128, 48, 32, 32], 48, 3, 1, 1, 1],
  ['r18 16x64x56x56 3x3', [16, 64, 56, 56], 64, 3, 1, 1, 1],
  ['r18 16x128x28x28 3x3', [16, 128, 28, 28], 128, 3, 1, 1, 1],
  ['r18 16x256x14x14 3x3', [16, 256, 14, 14], 256, 3, 1, 1, 1],
  ['r18 1x1 64->256 56x56', [16, 64, 56, 56], 256, 1, 1, 0, 1],
  ['r18 3x3 s2 64->128 56->28', [16, 64, 56, 56], 128, 3, 2, 1, 1],
  ['stem 7x7 s2 8x3x224x224', [8, 3, 224, 224], 64, 7, 2, 3, 1],
  ['depthwise 16x128x56x56 3x3', [16, 128, 56, 56], 128, 3, 1, 1, 128],
  ['cnn1 64x1x28x28 ->16', [64, 1, 28, 28], 16, 3, 1, 1, 1],
  ['cnn2 64x16x14x14 ->32', [64, 16, 14, 14], 32, 3, 1, 1, 1],
];

function picked() {
  const i = process.argv.indexOf('--only');
  if (i < 0) return CASES;
  const words = process.argv[i + 1].split(',');
  return CASES.filter((c) => words.some((w) => c[0].includes(w)));
}

/** Two warm-up calls, then calls until minTime seconds (3 at least): { med, min } in ms, reps. */
function timed(fn, minTime = 0.4) {
  fn(); fn();
  const ts = [];
  const start = now();
  while (ts.length < 3 || now() - start < minTime) {
    const t0 = clock();
    fn();
    ts.push(clock() - t0);
  }
  return { med: median(ts), min: Math.min(...ts), reps: ts.length };
}

function benchFlint(cases, fused, threads = 0, winograd = 'auto', wgrad = true) {
  const fl = loadFlint();
  const { convTuning } = require('../dist/ops/conv');
  const was = convTuning.fusedCpu, wasWino = convTuning.winogradCpu, wasThreads = fl.backend.info().threads;
  convTuning.fusedCpu = fused;
  convTuning.winogradCpu = winograd;
  convTuning.winogradWgradCpu = wgrad;
  if (threads) fl.backend.setNumThreads(threads);
  fl.manualSeed(0);
  const out = [];
  try {
    for (const [name, shape, O, k, s, p, g] of cases) {
      const x = fl.randn(shape).requiresGrad_();
      const w = fl.mul(fl.randn([O, shape[1] / g, k, k]), 0.1).requiresGrad_();
      const b = fl.randn([O]).requiresGrad_();
      const conv = () => fl.nn.conv2d(x, w, b, { stride: s, padding: p, groups: g });
      const fwd = timed(() => fl.noGrad(() => conv().dispose()));
      const both = timed(() => fl.scope(() => {
        const y = conv();
        y.backward(fl.onesLike(y));
        for (const t of [x, w, b]) { t.grad.dispose(); t.grad = null; }
      }));
      out.push({ name, pass: 'fwd', ...fwd }, { name, pass: 'fwd+bwd', ...both });
      for (const t of [x, w, b]) t.dispose();
    }
  } finally { convTuning.fusedCpu = was; convTuning.winogradCpu = wasWino; convTuning.winogradWgradCpu = true; }
  const threadsUsed = fl.backend.info().threads;
  fl.backend.setNumThreads(wasThreads);
  return { blas: fl.backend.info().blas, threads: threadsUsed, results: out };
}

/** The three native ops of each case timed apart (ms per call, median of `timed`), per Winograd mode and thread count. */
function benchOps(cases) {
  const fl = loadFlint();
  const { call, opId } = require('../dist/native');
  const MODE = { off: 0, auto: 1 };
  const ops = [['fwd', opId('conv2dForward'), 'conv2dForward'], ['gx', opId('conv2dBackwardInput'), 'conv2dBackwardInput'],
    ['gw', opId('conv2dBackwardWeight'), 'conv2dBackwardWeight']];
  const wasThreads = fl.backend.info().threads;
  const rows = [];
  fl.manualSeed(0);
  try {
    for (const [name, shape, O, k, s, p, g] of cases) {
      const [N, C, H, W] = shape, Ho = Math.floor((H + 2 * p - k) / s) + 1, Wo = Math.floor((W + 2 * p - k) / s) + 1;
      const x = fl.randn(shape), w = fl.mul(fl.randn([O, C / g, k, k]), 0.1), b = fl.randn([O]);
      const y = fl.empty([N, O, Ho, Wo]), gy = fl.randn([N, O, Ho, Wo]), gx = fl.empty(shape), gw = fl.empty(w.shape), gb = fl.empty([O]);
      const operands = { fwd: [y, x, w, b], gx: [gx, gy, w], gw: [gw, gy, x, gb] };
      for (const threads of CPU_TIME ? [1] : [1, 2]) {
        fl.backend.setNumThreads(threads);
        for (const wino of ['auto', 'off']) {
          const params = [k, k, s, s, p, p, 1, 1, Ho, Wo, p, p, g, MODE[wino]];
          const r = { name, threads, wino };
          for (const [pass, id, opName] of ops) r[pass] = timed(() => call(id, opName, operands[pass], params)).med;
          console.log(JSON.stringify({ bench: 'conv-ops', impl: 'flintml', metric: CPU_TIME ? 'cpu-ms' : 'ms', ...r, blas: fl.backend.info().blas }));
          rows.push(r);
        }
      }
      for (const t of [x, w, b, y, gy, gx, gw, gb]) t.dispose();
    }
  } finally { fl.backend.setNumThreads(wasThreads); }
  const f = (v) => v.toPrecision(3).padStart(7);
  console.log(`# ${CPU_TIME ? 'process CPU' : 'wall'} ms per call; sum = fwd + gx + gw`);
  console.log('case                                thr wino    fwd      gx      gw     sum');
  for (const r of rows) console.log(`${r.name.padEnd(36)}${String(r.threads).padStart(3)} ${r.wino.padEnd(5)}${f(r.fwd)} ${f(r.gx)} ${f(r.gw)} ${f(r.fwd + r.gx + r.gw)}`);
}

function main() {
  const cases = picked();
  if (process.argv.includes('--ops')) { benchOps(cases); return; }
  if (process.argv.includes('--flint')) {
    for (const [impl, threads, wino, wgrad] of [['flintml', 0, 'auto', true], ['flintml-nowgrad', 0, 'auto', false], ['flintml-nowino', 0, 'off', true], ['flintml-1thread', 1, 'auto', true]]) {
      const r = benchFlint(cases, true, threads, wino, wgrad);
      for (const x of r.results) console.log(JSON.stringify({ impl, ...x, blas: r.blas, threads: r.threads }));
    }
    return;
  }
  const rep = new Report('conv');
  const R = rounds(3);
  const peerArgs = [JSON.stringify(cases)];
  let info = '';
  for (let round = 0; round < R; round++) {
    const ours = benchFlint(cases, true, CPU_TIME ? 1 : 0);
    const before = benchFlint(cases, true, CPU_TIME ? 1 : 0, 'auto', false);
    const nowino = benchFlint(cases, true, CPU_TIME ? 1 : 0, 'off');
    const one = CPU_TIME ? ours : benchFlint(cases, true, 1);
    const torch = CPU_TIME ? { default: runTorchPeer('torch_conv.py', [...peerArgs, 'cpu-time']), pinned: null, pinnedThreads: '-' } : runTorchPeerBoth('torch_conv.py', peerArgs);
    if (CPU_TIME) { torch.defaultThreads = torch.default[0] ? torch.default[0].threads : '?'; torch.version = torch.default[0] ? torch.default[0].torch : '?'; }
    info = `flintml: ${ours.blas}, ${ours.threads} thread(s) (flintml-1thread: ${one.threads}); torch ${torch.version}: torch-default = ${torch.defaultThreads} thread(s), torch-pinned = ${torch.pinnedThreads}, mkldnn ${torch.default[0] ? torch.default[0].mkldnn : '?'}; torch-best = the faster per round`;
    const pick = (rs, name, pass) => rs.find((r) => r.name === name && r.pass === pass);
    for (const [name] of cases) {
      for (const pass of ['fwd', 'fwd+bwd']) {
        const k = `${name} ${pass}`;
        const a = pick(ours.results, name, pass), o = pick(before.results, name, pass), a1 = pick(one.results, name, pass);
        const nw = pick(nowino.results, name, pass);
        const d = pick(torch.default, name, pass), q = CPU_TIME ? null : pick(torch.pinned, name, pass);
        const metric = CPU_TIME ? 'cpu-ms' : 'ms';
        for (const [impl, r] of [['flintml', a], ['flintml-nowgrad', o], ['flintml-nowino', nw], ['flintml-1thread', CPU_TIME ? null : a1], ['torch-default', d], ['torch-pinned', q]]) {
          if (r) console.log(JSON.stringify({ bench: 'conv', impl, case: k, metric: `round-${metric}`, round, med: r.med, min: r.min, reps: r.reps }));
        }
        rep.sample('flintml', k, metric, a.med);
        rep.sample('flintml-nowgrad', k, metric, o.med);
        rep.sample('flintml-nowino', k, metric, nw.med);
        if (CPU_TIME) rep.sample('torch-default', k, metric, d.med);
        else {
          rep.sample('flintml-1thread', k, metric, a1.med);
          sampleTorchBest(rep, k, metric, d.med, q.med, false);
        }
      }
    }
  }
  for (const [name] of cases) {
    for (const pass of ['fwd', 'fwd+bwd']) {
      rep.ratio(`${name} ${pass}`, 'flintml', 'flintml-nowgrad', '');
      rep.ratio(`${name} ${pass}`, 'flintml-nowgrad', 'torch-default', '');
      if (CPU_TIME) rep.ratio(`${name} ${pass}`, 'flintml', 'torch-default', '<=1.0');
      else {
        rep.ratio(`${name} ${pass}`, 'flintml', 'torch-best', '<=1.0');
        rep.ratio(`${name} ${pass}`, 'flintml-1thread', 'torch-default', '<=1.0');
      }
    }
  }
  console.log(`# ${info}`);
  rep.finish(CPU_TIME ? `conv2d float32, process CPU ms per call at one thread, median (min–max) of ${R} interleaved rounds; lower is better`
    : `conv2d float32, ms per call, median (min–max) of ${R} interleaved rounds; lower is better`);
}

main();
