// torch-diff-specs-defaults.js — bench/torch-diff.js's specs for the default dtype (lib/defaults.ts):
// each case runs under set_default_dtype(float64) on both sides and restores float32 after it, even
// when the call throws (torch's side through exec's try/finally, the harness evaluating one
// expression). The forms: the factories that follow the default (zeros, ones, full with a float,
// arange/linspace/logspace with float arguments, eye, tensor of floats and of nothing, rand/randn
// times 0), the promotions that give it (an integer tensor with a float scalar, integer input of
// floating ops, integer fft), the ones that must not (*Like, float32 and float16 tensors with a
// float scalar, int64 factories), and nn modules' parameters and buffers.
'use strict';

const specs = [];
const add = (s) => specs.push(s);

/** torch's side of a case: `expr` under the float64 default, float32 restored whatever happens. */
const py64 = (expr) => `(exec("torch.set_default_dtype(torch.float64)\\ntry:\\n    r = ${expr}\\nfinally:\\n    torch.set_default_dtype(torch.float32)", globals()), r)[1]`;
/** flintml's side alike. */
const fl64 = (f) => (fl, xs, a) => {
  fl.setDefaultDtype('float64');
  try { return f(fl, xs, a); } finally { fl.setDefaultDtype('float32'); }
};

const FACTORIES = [
  // [name, torch expression, flintml call, arguments]
  ['zeros', 'torch.zeros(a.s)', (fl, a) => fl.zeros(a.s), (r) => ({ s: r.shape(0, 3) })],
  ['ones', 'torch.ones(a.s)', (fl, a) => fl.ones(a.s), (r) => ({ s: r.shape(0, 3) })],
  ['full', 'torch.full(a.s, a.v)', (fl, a) => fl.full(a.s, a.v), (r) => ({ s: r.shape(0, 3), v: r.pick([0.5, -2.25, 1e-3, true, false]) })],
  ['arange', 'torch.arange(a.s, a.e, a.st)', (fl, a) => fl.arange(a.s, a.e, a.st), (r) => ({ s: r.pick([0, 1, -2, 0.5]), e: r.pick([5, 3.5, -1, 10]), st: r.pick([1, 2, -1, 0.5, 0.3]) })],
  ['linspace', 'torch.linspace(a.s, a.e, a.n)', (fl, a) => fl.linspace(a.s, a.e, a.n), (r) => ({ s: r.pick([0, 1, -2, 0.5]), e: r.pick([5, 3.5, -1, 10]), n: r.int(0, 7) })],
  ['logspace', 'torch.logspace(a.s, a.e, a.n)', (fl, a) => fl.logspace(a.s, a.e, a.n), (r) => ({ s: r.pick([0, 1, -2, 0.5]), e: r.pick([2, 1.5, -1]), n: r.int(0, 6) })],
  ['eye', 'torch.eye(a.n, a.m)', (fl, a) => fl.eye(a.n, a.m), (r) => ({ n: r.int(0, 4), m: r.int(0, 4) })],
  ['tensor', 'torch.tensor(a.v)', (fl, a) => fl.tensor(a.v), (r) => ({ v: r.pick([[1.5, 2], [0.1, 0.2, 0.3], [[0.5], [1.25]], 2.5, [], [[]], [1, 2], [true, false], 3]) })],
  ['rand', 'torch.rand(a.s) * 0', (fl, a) => fl.mul(fl.rand(a.s), 0), (r) => ({ s: r.shape(0, 3) })],
  ['randn', 'torch.randn(a.s) * 0', (fl, a) => fl.mul(fl.randn(a.s), 0), (r) => ({ s: r.shape(0, 3) })],
  ['randperm', 'torch.randperm(a.n).sort().values', (fl, a) => fl.randperm(a.n).sort().values, (r) => ({ n: r.int(0, 6) })],
  ['hannWindow', 'torch.hann_window(a.n)', (fl, a) => fl.hannWindow(a.n), (r) => ({ n: r.int(0, 6) })],
];
for (const [name, py, f, args] of FACTORIES) {
  add({ name: `default64-${name}`, grad: false, py: py64(py), gen: (r) => ({ ins: [], a: args(r) }), fl: fl64((fl, _x, a) => f(fl, a)) });
}

// promotions: an integer (or bool) operand meets a float scalar, or a floating op
const INT_OPS = [
  ['mul-float', 'x0 * a.v', (fl, x, a) => fl.mul(x, a.v), (r) => ({ v: r.pick([2.5, -0.5, 1e-3]) })],
  ['add-float', 'x0 + a.v', (fl, x, a) => fl.add(x, a.v), (r) => ({ v: r.pick([2.5, -0.5]) })],
  ['div', 'x0 / a.v', (fl, x, a) => fl.div(x, a.v), (r) => ({ v: r.pick([2, 3, -4]) })],
  ['sqrt', 'torch.sqrt(x0)', (fl, x) => fl.sqrt(x), () => ({})],
  ['sin', 'torch.sin(x0)', (fl, x) => fl.sin(x), () => ({})],
  ['sigmoid', 'torch.sigmoid(x0)', (fl, x) => fl.sigmoid(x), () => ({})],
  ['pow-float', 'torch.pow(x0, a.v)', (fl, x, a) => fl.pow(x, a.v), (r) => ({ v: r.pick([0.5, 2.5]) })],
  ['atan2', 'torch.atan2(x0, x0)', (fl, x) => fl.atan2(x, x), () => ({})],
  ['logsumexp', 'torch.logsumexp(x0, 0)', (fl, x) => fl.logsumexp(x, 0), () => ({})],
  ['fft', 'torch.fft.fft(x0)', (fl, x) => fl.fft.fft(x), () => ({})],
];
for (const [name, py, f, args] of INT_OPS) {
  add({
    name: `default64-int-${name}`, grad: false, py: py64(py),
    gen: (r) => ({ ins: [r.tensor(r.pick(['int32', 'uint8', 'bool']), [r.int(1, 4)], 'int', 0, 5)], a: args(r) }),
    fl: fl64((fl, [x], a) => f(fl, x, a)),
  });
}

// what follows its input, not the default
add({
  name: 'default64-follows-input', grad: false,
  py: py64('[x0 * 2.5, torch.zeros_like(x0), torch.full_like(x0, 1.5), torch.rand_like(x0) * 0, torch.sqrt(x0.abs())]'),
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float16', 'bfloat16', 'float64']), r.shape(0, 3), 'grid')] }),
  fl: fl64((fl, [x]) => [fl.mul(x, 2.5), fl.zerosLike(x), fl.fullLike(x, 1.5), fl.mul(fl.randLike(x), 0), fl.sqrt(fl.abs(x))]),
});

// nn modules made under the default: their parameters and buffers (values zeroed: inits draw from different streams)
add({
  name: 'default64-modules', grad: false,
  py: py64('[t * 0 for t in [torch.nn.Linear(a.i, a.o).weight, torch.nn.Conv1d(a.i, a.o, 1).bias, torch.nn.LayerNorm(a.o).weight, torch.nn.BatchNorm1d(a.o).running_var, torch.nn.BatchNorm1d(a.o).num_batches_tracked, torch.nn.Embedding(a.i, a.o).weight]]'),
  gen: (r) => ({ ins: [], a: { i: r.int(1, 3), o: r.int(1, 3) } }),
  fl: fl64((fl, _x, a) => [new fl.nn.Linear(a.i, a.o).weight, new fl.nn.Conv1d(a.i, a.o, 1).bias, new fl.nn.LayerNorm(a.o).weight,
    new fl.nn.BatchNorm1d(a.o).running_var, new fl.nn.BatchNorm1d(a.o).num_batches_tracked, new fl.nn.Embedding(a.i, a.o).weight].map((t) => fl.mul(t, 0))),
});

module.exports = { SPECS: specs };
