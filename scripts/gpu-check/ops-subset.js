#!/usr/bin/env node
// ops-subset.js — a small subset of the GPU ops (a few hundred kernel launches over every kernel
// family: elementwise with broadcasting and casts, reductions, softmax, GEMM, indexing, sort, conv,
// random, the optimizers, a transformer block's and the recurrent layers' forward and backward)
// for gpu-check.sh's compute-sanitizer stage. Each result is also compared with the CPU's, so that
// the run is a check of its own; the exit code is 1 on a mismatch or an error. Sizes are odd on
// purpose (tails of vector loops and tiles). Runs on the CPU emulator as well (the rehearsal).
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
const fl = require(path.join(root, 'dist'));
const native = require(path.join(root, 'dist', 'native.js'));

if (!fl.cuda.isAvailable()) {
  console.log(`ops-subset.js: no GPU: ${fl.cuda.unavailableReason()}`);
  process.exit(1);
}
// count the native op calls (each is one or a few kernel launches)
let calls = 0;
const call = native.call;
native.call = function countedCall(...a) { calls++; return call.apply(this, a); };

fl.manualSeed(7);
const failures = [];
let checks = 0;
/** fn(device) on the CPU and on the GPU; the results must agree within tol (max abs error / scale). */
function same(name, fn, tol = 1e-5) {
  checks++;
  try {
    fl.scope(() => {
      const a = [].concat(fn('cpu')), b = [].concat(fn('cuda'));
      a.forEach((x, i) => {
        const y = b[i].to('cpu');
        if (JSON.stringify(x.shape) !== JSON.stringify(y.shape)) throw new Error(`shape [${y.shape}] on the GPU, [${x.shape}] on the CPU`);
        const p = x.to('float64').dataSync(), q = y.to('float64').dataSync();
        let err = 0, scale = 1;
        for (let k = 0; k < p.length; k++) { err = Math.max(err, Math.abs(p[k] - q[k])); scale = Math.max(scale, Math.abs(p[k])); }
        if (!(err <= tol * scale)) throw new Error(`output ${i}: max error ${err} (scale ${scale}, tolerance ${tol})`);
      });
    });
  } catch (e) {
    failures.push(`${name}: ${e.message.split('\n')[0]}`);
  }
}
// the same random inputs on both devices (made on first use, outside every scope; each use gets a copy)
const inputs = {};
const input = (key, shape, device, opts = {}) => {
  if (!inputs[key]) throw new Error(`input ${key} was not made`);
  const t = inputs[key].to(device);
  const c = device === 'cpu' ? t.clone() : t;
  return opts.grad ? c.requiresGrad_() : c;
};
for (const [key, shape, int] of [['a', [37, 129]], ['b', [129]], ['c', [5, 67, 33]], ['m1', [3, 65, 47]], ['m2', [47, 33]],
  ['g', [31, 17]], ['gi', [31, 5], 17], ['si', [9], 31], ['s', [7, 300]], ['x4', [2, 3, 17, 19]], ['w4', [5, 3, 3, 3]],
  ['tb', [2, 16, 48]], ['rnn', [4, 3, 5]], ['ce', [13, 50]], ['cet', [13], 50], ['p', [200]], ['col', [300, 45]], ['big', [70001]]]) {
  inputs[key] = int ? fl.randint(0, int, shape) : fl.randn(shape);
}

same('add broadcast', (d) => fl.add(input('a', [37, 129], d), input('b', [129], d)));
same('mul, exp, gelu, tanh', (d) => fl.gelu(input('a', [37, 129], d).mul(0.5).exp()).tanh());
same('where, clamp, pow', (d) => fl.where(input('a', [37, 129], d).gt(0), input('a', [37, 129], d).clamp(-1, 0.5), input('a', [37, 129], d).abs().pow(1.5)));
same('casts f16/bf16/int32', (d) => [input('a', [37, 129], d).to('float16').to('float32'), input('a', [37, 129], d).to('bfloat16').to('float32'), input('a', [37, 129], d).mul(10).to('int32')], 0);
same('sum, mean, max over dims', (d) => { const x = input('c', [5, 67, 33], d); return [x.sum(), x.sum(1), x.mean(-1), x.max(0).values, x.argmax(2)]; }, 1e-5);
same('var, logsumexp, cumsum', (d) => { const x = input('c', [5, 67, 33], d); return [x.var(1), x.logsumexp(-1), x.cumsum(1)]; }, 1e-4);
same('softmax, logSoftmax', (d) => { const x = input('c', [5, 67, 33], d); return [fl.softmax(x, -1), fl.logSoftmax(x, 1)]; });
same('matmul float32', (d) => fl.matmul(input('m1', [3, 65, 47], d), input('m2', [47, 33], d)), 1e-4);
same('matmul bfloat16', (d) => fl.matmul(input('m1', [3, 65, 47], d).to('bfloat16'), input('m2', [47, 33], d).to('bfloat16')).to('float32'), 2e-2);
same('transpose + contiguous, cat, narrow', (d) => { const x = input('c', [5, 67, 33], d); return [x.transpose(0, 2).contiguous(), fl.cat([x, x.mul(2)], 1).narrow(1, 3, 100)]; }, 0);
same('gather, scatterAdd, indexSelect', (d) => {
  const x = input('g', [31, 17], d), idx = input('gi', [31, 5], d, { int: 17 });
  return [x.gather(1, idx), fl.zeros([31, 17], { device: d }).scatterAdd(1, idx, x.narrow(1, 0, 5)), x.indexSelect(0, input('si', [9], d, { int: 31 }))];
});
same('sort, topk', (d) => { const x = input('s', [7, 300], d); return [x.sort(-1).values, x.topk(5, -1).values]; }, 0);
same('conv2d, maxPool2d', (d) => {
  const x = input('x4', [2, 3, 17, 19], d), w = input('w4', [5, 3, 3, 3], d);
  return [fl.nn.functional.conv2d(x, w, undefined, { padding: 1 }), fl.nn.functional.maxPool2d(x, 2)];
}, 1e-4);
same('triu, flip, roll', (d) => { const x = input('g', [31, 17], d); return [fl.triu(x, 1), x.flip(0), x.roll(3, 1)]; }, 0);
same('transformer block forward + backward', (d) => {
  fl.manualSeed(3);
  const { Block } = require(path.join(root, 'examples', 'gpt.js'))(fl);
  const blk = new Block(48, 4, 16);
  if (d !== 'cpu') blk.to(d);
  const x = input('tb', [2, 16, 48], d, { grad: true });
  const y = blk.forward(x);
  y.square().mean().backward();
  const grads = [y, x.grad, ...blk.parameters().map((p) => p.grad)];
  return grads;
}, 1e-3);
// the recurrent layers' sequence nodes: the fused LSTM and GRU cells forward and backward per step
same('LSTM and GRU sequences forward + backward', (d) => {
  const outs = [];
  for (const Layer of [fl.nn.LSTM, fl.nn.GRU]) {
    fl.manualSeed(5);
    const m = new Layer(5, 6);
    if (d !== 'cpu') m.to(d);
    const x = input('rnn', [4, 3, 5], d, { grad: true });
    const [y] = m.forward(x);
    y.square().mean().backward();
    outs.push(y, x.grad, ...m.parameters().map((p) => p.grad));
  }
  return outs;
}, 1e-4);
// the column kernels (reductions over leading dims; layerNorm's weight and bias gradients) and
// clipGradNorm's multi-block norm of a large gradient
same('sum, var, amax over dim 0; layerNorm affine backward; clipGradNorm', (d) => {
  const x = input('col', [300, 45], d);
  const ln = new fl.nn.LayerNorm(45);
  if (d !== 'cpu') ln.to(d);
  ln.forward(input('col', [300, 45], d, { grad: true })).square().sum().backward();
  const g = input('big', [70001], d, { grad: true });
  g.square().sum().backward();
  const total = fl.nn.utils.clipGradNorm([g, ln.weight, ln.bias], 1.0);
  return [x.sum(0), x.var(0), fl.amax(x, 0), ln.weight.grad, ln.bias.grad, g.grad, total];
}, 1e-4);
same('crossEntropy backward, AdamW step', (d) => {
  const logits = input('ce', [13, 50], d, { grad: true });
  const tgt = input('cet', [13], d, { int: 50 });
  fl.nn.functional.crossEntropy(logits, tgt).backward();
  const p = input('p', [200], d, { grad: true });
  p.square().sum().backward();
  const opt = new fl.optim.AdamW([p], { lr: 0.01, weightDecay: 0.1 });
  opt.step(); opt.step();
  return [logits.grad, p.detach()];
}, 1e-5);
// random numbers: not comparable with the CPU's stream, only checked for range
checks++;
try {
  fl.scope(() => {
    const u = fl.rand([1001], { device: 'cuda' }), n = fl.randn([1001], { device: 'cuda' }), r = fl.randint(0, 7, [1001], { device: 'cuda' });
    const [umin, umax] = [u.min().item(), u.max().item()];
    if (!(umin >= 0 && umax < 1)) throw new Error(`rand outside [0, 1): ${umin}..${umax}`);
    if (!Number.isFinite(n.sum().item())) throw new Error('randn is not finite');
    if (!(r.min().item() >= 0 && r.max().item() < 7)) throw new Error('randint outside [0, 7)');
    fl.randperm(257, { device: 'cuda' }).sort().values.dataSync();
  });
} catch (e) {
  failures.push(`random: ${e.message.split('\n')[0]}`);
}
fl.cuda.synchronize();
for (const t of Object.values(inputs)) t.dispose();
console.log(`ops-subset.js: ${checks} checks, ${calls} native op calls (CPU and GPU together), ${failures.length} failed`);
for (const f of failures) console.log(`  FAILED ${f}`);
process.exitCode = failures.length ? 1 : 0;
