// profile_mlp.js — where the time of the MLP training step goes (bench/train_mlp.js's step:
// 784-512-512-10, batch 128, SGD momentum): every native op call timed one by one, grouped by op
// and operand shapes, as µs per step (median call time x calls per step), beside torch.profiler's
// self-CPU table of the same step (bench/peers/torch_profile_mlp.py, torch at its default thread
// count unless FLINT_BENCH_TORCH_THREADS says otherwise). The TypeScript side (argument checks,
// dispatch, allocation, autograd, scopes) is measured as the step with the kernel calls stubbed
// out; the gap between the step and the sum of the timed calls overstates it, since it also holds
// the per-call cost of that timing. A diagnostic: not part
// of `npm run bench`. `--model cnn|lstm|transformer` profiles bench/train_models.js's step of that
// model instead (the torch side builds it from bench/peers/torch_train_models.py).
//
//   node bench/profile_mlp.js [--model cnn|lstm|transformer] [--no-torch]
'use strict';
const path = require('path');
const { ROOT, loadFlint, median, runTorchPeer } = require('./common');

function modelArg() {
  const i = process.argv.indexOf('--model');
  return i >= 0 ? process.argv[i + 1] : 'mlp';
}

function mlp(fl) {
  const { nn, optim } = fl;
  const model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 512), new nn.ReLU(), new nn.Linear(512, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = fl.randn([128, 784]), y = fl.randint(0, 10, [128]);
  const step = () => fl.scope(() => {
    opt.zeroGrad();
    nn.functional.crossEntropy(model.forward(x), y).backward();
    opt.step();
  });
  return { step };
}

function profileFlint(name) {
  const native = require(path.join(ROOT, 'dist', 'native'));
  const fl = loadFlint();
  const orig = native.call;
  const stats = new Map();
  let on = false;
  // every op module calls native.call through the module object, so this sees each call
  native.call = function (id, name, ops, params) {
    if (!on) return orig(id, name, ops, params);
    const shapes = ops.map((o) => (o._shape ? `[${o._shape.join(',')}]` : 's')).join(' ');
    const key = `${name} ${shapes}`;
    const t0 = process.hrtime.bigint();
    orig(id, name, ops, params);
    const us = Number(process.hrtime.bigint() - t0) / 1e3;
    if (!stats.has(key)) stats.set(key, []);
    stats.get(key).push(us);
  };
  fl.manualSeed(0);
  const makers = { mlp, ...require('./train_models').MAKERS };
  if (!(name in makers)) throw new Error(`profile_mlp: unknown model '${name}' (${Object.keys(makers).join(', ')})`);
  const { step } = makers[name](fl);
  for (let i = 0; i < 100; i++) step();
  const S = 100;
  const plain = [];
  for (let i = 0; i < S; i++) { const t0 = process.hrtime.bigint(); step(); plain.push(Number(process.hrtime.bigint() - t0) / 1e3); }
  on = true;
  for (let i = 0; i < S; i++) step();
  on = false;
  native.call = orig;
  const rows = [...stats].map(([key, ts]) => ({ key, calls: ts.length / S, us: median(ts) * ts.length / S }));
  rows.sort((a, b) => b.us - a.us);
  // The TypeScript side measured directly: the same step with every kernel call stubbed out
  // (binding.run returns at once; argument checks, dispatch, allocation, autograd, scopes and GC run
  // as usual). The values are garbage from here on, so this runs last.
  const run = native.binding.run;
  native.binding.run = () => {};
  const tsOnly = [];
  try {
    for (let i = 0; i < 20; i++) step();
    for (let i = 0; i < S; i++) { const t0 = process.hrtime.bigint(); step(); tsOnly.push(Number(process.hrtime.bigint() - t0) / 1e3); }
  } finally {
    native.binding.run = run;
  }
  return { rows, stepUs: median(plain), tsUs: median(tsOnly) };
}

function main() {
  const name = modelArg();
  const f = profileFlint(name);
  const nativeSum = f.rows.reduce((s, r) => s + r.us, 0);
  console.log(`flintml: step ${f.stepUs.toFixed(0)} µs (median of 100, unprofiled); native op calls ${nativeSum.toFixed(0)} µs; the rest ~${(f.stepUs - nativeSum).toFixed(0)} µs`);
  // the rest also holds the profiler's own cost per call (a clock read, a key string, a map entry)
  console.log(`TypeScript side: ${f.tsUs.toFixed(0)} µs (median of 100 steps with the kernel calls stubbed out: argument checks, dispatch, allocation, autograd, scopes, GC)`);
  console.log('| µs/step | calls/step | native op and operand shapes |\n|---|---|---|');
  for (const r of f.rows) if (r.us >= 1) console.log(`| ${r.us.toFixed(1)} | ${r.calls} | ${r.key} |`);
  if (process.argv.includes('--no-torch')) return;
  const t = runTorchPeer('torch_profile_mlp.py', [name], process.env.FLINT_BENCH_TORCH_THREADS || 'default');
  const last = t.pop();
  const sum = t.reduce((s, r) => s + r.self_us_per_step, 0);
  console.log(`\ntorch (${last.threads} thread(s)): step ${last.step_us.toFixed(0)} µs (unprofiled); profiler self-CPU total ${sum.toFixed(0)} µs/step`);
  console.log('| µs/step (self) | calls/step | torch op |\n|---|---|---|');
  for (const r of t) if (r.self_us_per_step >= 1) console.log(`| ${r.self_us_per_step.toFixed(1)} | ${r.calls_per_step} | ${r.op} |`);
}

main();
