// torch-diff-specs-autograd.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js)
// for fl.autograd: grad() against torch.autograd.grad, Tensor.registerHook against register_hook,
// backward({ inputs }), fl.autograd.backward over several roots, and custom Functions against
// torch.autograd.Function. The functions applied are those of the data table's autograd specs
// (bench/torch-diff-specs-data.js: FNS). Every spec has `grad: false`: the gradients are the result.
//
// torch 1.13 and PyTorch 2 differ on one point these specs reach: a leaf's tensor hooks in
// autograd.grad (1.13 does not run them; PyTorch 2 runs a tensor's hooks whenever its gradient is
// computed, and so does flintml). Cases where that shows are counted as known.
'use strict';

const { FNS, PY_FNS, NAMES, fin } = require('./torch-diff-specs-data');

const specs = [];
const add = (s) => specs.push(s);

// the inputs autograd.grad is asked for: x (the leaf), y = f(x) (a graph tensor), both, or x and a
// leaf the output does not use (u: an error, or None with allow_unused)
const TARGETS_PY = "([x] if a.t == 'x' else [y] if a.t == 'y' else [y, x] if a.t == 'yx' else [x, x] if a.t == 'xx' else [x, u])";
const targetsFl = (a, x, y, u) => (a.t === 'x' ? [x] : a.t === 'y' ? [y] : a.t === 'yx' ? [y, x] : a.t === 'xx' ? [x, x] : [x, u]);

add({
  name: 'autograd.grad',
  grad: false,
  gen: (r) => {
    const x = fin(r);
    const ns = r.bool(0.3);          // a non-scalar output with gradOutputs
    const ins = [x];
    if (ns) ins.push(r.tensor(r.bool(0.9) ? x.dtype : r.pick(['float32', 'float64']), x.shape, 'grid'));
    return { ins, a: { f: r.pick(NAMES), g: r.pick(NAMES), t: r.pick(['x', 'x', 'y', 'yx', 'xx', 'xu']), au: r.bool(0.5), ns, twice: r.bool(0.2) } };
  },
  // the gradients, then x.grad (None: autograd.grad accumulates nothing)
  py: `(lambda FS, x, u: (lambda y: (lambda z: (lambda G: [[list(G()) for k in range(2 if a.twice else 1)][-1], x.grad])(lambda: torch.autograd.grad(z if a.ns else z.sum(), ${TARGETS_PY}, grad_outputs=(x1 if a.ns else None), allow_unused=a.au, retain_graph=a.twice)))(FS[a.g](y)))(FS[a.f](x)))(${PY_FNS}, x0.detach().clone().requires_grad_(), torch.zeros(2, dtype=x0.dtype).requires_grad_())`,
  fl: (fl, xs, a) => {
    const x = xs[0].detach().clone().requiresGrad_();
    const u = fl.zeros([2], { dtype: x.dtype }).requiresGrad_();
    const y = FNS[a.f][1](x);
    const z = FNS[a.g][1](y);
    let gs;
    for (let k = 0; k < (a.twice ? 2 : 1); k++) {
      gs = fl.autograd.grad(a.ns ? z : z.sum(), targetsFl(a, x, y, u), { gradOutputs: a.ns ? xs[1] : null, allowUnused: a.au, retainGraph: a.twice });
    }
    return [gs, x.grad];
  },
  tol: 8,
});

// register_hook on the leaf, on y = f(x), or both, with one or two hooks each (scale, shift, observe
// only); optional retain_grad on y; then backward, or autograd.grad with respect to x
const HOOKS = { mul3: ['lambda g: g * 3', (g) => g.mul(3)], add1: ['lambda g: g + 1', (g) => g.add(1)], none: ['lambda g: None', () => undefined], neg: ['lambda g: -g', (g) => g.neg()] };
const PY_HOOKS = `{${Object.entries(HOOKS).map(([k, [p]]) => `'${k}': (${p})`).join(', ')}}`;
add({
  name: 'autograd.registerHook',
  grad: false,
  gen: (r) => {
    const hooks = () => Array.from({ length: r.int(0, 2) }, () => r.pick(Object.keys(HOOKS)));
    return { ins: [fin(r)], a: { f: r.pick(NAMES), g: r.pick(NAMES), hx: hooks(), hy: hooks(), retain: r.bool(0.4), mode: r.pick(['backward', 'backward', 'grad']), noGradX: r.bool(0.05) } };
  },
  py: `(lambda FS, H, x: (lambda y: [[x.register_hook(H[h]) for h in a.hx], [y.register_hook(H[h]) for h in a.hy], y.retain_grad() if a.retain else None, (lambda z: z.backward() if a.mode == 'backward' else [torch.autograd.grad(z, [x])[0]])(FS[a.g](y).sum()), x.grad, y.grad if a.retain else None][3:])(FS[a.f](x)))(${PY_FNS}, ${PY_HOOKS}, x0.detach().clone().requires_grad_(not a.noGradX))`,
  fl: (fl, [x0], a) => {
    const x = x0.detach().clone().requiresGrad_(!a.noGradX);
    const y = FNS[a.f][1](x);
    for (const h of a.hx) x.registerHook(HOOKS[h][1]);
    for (const h of a.hy) y.registerHook(HOOKS[h][1]);
    if (a.retain) y.retainGrad();
    const z = FNS[a.g][1](y).sum();
    const res = a.mode === 'backward' ? (z.backward(), null) : [fl.autograd.grad(z, [x])[0]];
    return [res, x.grad, a.retain ? y.grad : null];
  },
  tol: 8,
  known: (a) => (a.mode === 'grad' && a.hx.some((h) => h !== 'none')
    ? "a leaf's hooks in autograd.grad: torch 1.13 skips them, PyTorch 2 and flintml run them (a hook runs whenever its tensor's gradient is computed)" : null),
});

// backward(inputs=...): only the listed tensors get .grad
add({
  name: 'autograd.backwardInputs',
  grad: false,
  gen: (r) => ({ ins: [fin(r), fin(r)], a: { f: r.pick(NAMES), g: r.pick(NAMES), which: r.pick(['a', 'b', 'ab', 'y', 'ya']) } }),
  py: `(lambda FS, p, q: (lambda y: [(y * FS[a.g](q).sum()).sum().backward(inputs=({'a': [p], 'b': [q], 'ab': [p, q], 'y': [y], 'ya': [y, p]})[a.which]), p.grad, q.grad, y.grad if 'y' in a.which else None][1:])(FS[a.f](p)))(${PY_FNS}, x0.detach().clone().requires_grad_(), x1.detach().clone().requires_grad_())`,
  fl: (fl, [p0, q0], a) => {
    const p = p0.detach().clone().requiresGrad_(), q = q0.detach().clone().requiresGrad_();
    const y = FNS[a.f][1](p);
    const inputs = { a: [p], b: [q], ab: [p, q], y: [y], ya: [y, p] }[a.which];
    y.mul(FNS[a.g][1](q).sum()).sum().backward({ inputs });
    return [p.grad, q.grad, a.which.includes('y') ? y.grad : null];
  },
  tol: 8,
});

// torch.autograd.backward over several roots with their gradients
add({
  name: 'autograd.backwardMany',
  grad: false,
  gen: (r) => {
    const x = fin(r);
    const fs = Array.from({ length: r.int(1, 3) }, () => r.pick(NAMES));
    const ins = [x];
    const gi = fs.map(() => (r.bool(0.5) ? ins.push(r.tensor(x.dtype, x.shape, 'grid')) - 1 : -1));
    return { ins, a: { fs, gi } };
  },
  // a root without its own gradient is summed first (a scalar); with one, it is the output itself
  py: `(lambda FS, x: [torch.autograd.backward([FS[f](x) if a.gi[k] >= 0 else FS[f](x).sum() for k, f in enumerate(a.fs)], [xs[a.gi[k]] if a.gi[k] >= 0 else None for k in range(len(a.fs))]), x.grad][1])(${PY_FNS}, x0.detach().clone().requires_grad_())`,
  fl: (fl, xs, a) => {
    const x = xs[0].detach().clone().requiresGrad_();
    fl.autograd.backward(a.fs.map((f, k) => (a.gi[k] >= 0 ? FNS[f][1](x) : FNS[f][1](x).sum())), a.fs.map((f, k) => (a.gi[k] >= 0 ? xs[a.gi[k]] : null)));
    return x.grad;
  },
  tol: 8,
});

// a custom Function: y = f(x) * k with its derivative written by hand (the same formula on both
// sides), a second, non-differentiable output (sign as an integer), a saved tensor, a non-tensor
// argument and, sometimes, an output that is returned through an identity backward
const DERIVS = {
  sq: ['2 * x', (x) => x.mul(2)], sin: ['torch.cos(x)', (x) => x.cos()], exp: ['torch.exp(x)', (x) => x.exp()],
  cube: ['3 * x * x', (x) => x.mul(x).mul(3)], tanh: ['1 - torch.tanh(x) ** 2', (x) => x.tanh().square().neg().add(1)], lin: ['2 + 0 * x', (x) => x.mul(0).add(2)],
};
const PY_DERIVS = `{${Object.entries(DERIVS).map(([k, [p]]) => `'${k}': (lambda x: ${p})`).join(', ')}}`;
add({
  name: 'autograd.Function',
  grad: false,
  gen: (r) => ({ ins: [fin(r)], a: { f: r.pick(NAMES), k: r.pick([1, -0.5, 2.5]), two: r.bool(0.4), then: r.pick(NAMES), useSign: r.bool(0.3) } }),
  py: `(lambda FS, D, x: (lambda C: (lambda o: [(FS[a.then](o[0]).sum() + (o[1].float().sum() * 0 if a.two and a.useSign else 0)).backward(), x.grad, o[0].detach(), [t.detach() for t in o[1:]], int(o[0].requires_grad), int(o[1].requires_grad) if a.two else None][1:])((lambda r: list(r) if isinstance(r, tuple) else [r])(C.apply(x, a.k))))(type('Fn', (torch.autograd.Function,), {'forward': staticmethod(lambda ctx, x, k: [ctx.save_for_backward(x), setattr(ctx, 'k', k), (lambda y: [ctx.mark_non_differentiable(y[1]) if a.two else None, tuple(y) if a.two else y[0]][1])([FS[a.f](x) * k, torch.sign(x).to(torch.int64)])][2]), 'backward': staticmethod(lambda ctx, g, *rest: (g * D[a.f](ctx.saved_tensors[0]) * ctx.k, None))})))(${PY_FNS}, ${PY_DERIVS}, x0.detach().clone().requires_grad_())`,
  fl: (fl, [x0], a) => {
    const x = x0.detach().clone().requiresGrad_();
    class Fn extends fl.autograd.Function {
      static forward(ctx, t, k) {
        ctx.saveForBackward(t);
        ctx.k = k;
        const y = [FNS[a.f][1](t).mul(k), t.sign().to('int32')];
        if (a.two) { ctx.markNonDifferentiable(y[1]); return y; }
        return y[0];
      }
      static backward(ctx, g) { return [g.mul(DERIVS[a.f][1](ctx.savedTensors[0])).mul(ctx.k), null]; }
    }
    const r = Fn.apply(x, a.k);
    const o = Array.isArray(r) ? r : [r];
    let loss = FNS[a.then][1](o[0]).sum();
    if (a.two && a.useSign) loss = loss.add(o[1].to('float32').sum().mul(0));
    loss.backward();
    return [x.grad, o[0].detach(), o.slice(1).map((t) => t.detach()), o[0].requiresGrad ? 1 : 0, a.two ? (o[1].requiresGrad ? 1 : 0) : null];
  },
  tol: 8,
  // tanh'(y) = 1 - tanh(y)²: near saturation a last-bit difference in y is one of order 1 - t²
  absScale: () => 1,
});

// createGraph: the gradient of f(g(x)) (optionally times a weight), then the gradient of a weighted
// sum of that gradient: second derivatives, through a reduction (sum, mean, softmax) now and then
const REDUCE = { sum: ['y.sum()', (y) => y.sum()], mean: ['y.mean()', (y) => y.mean()], softmax: ['(torch.softmax(y.reshape(-1), 0) * y.reshape(-1)).sum()', (y) => y.reshape([-1]).softmax(0).mul(y.reshape([-1])).sum()], sq: ['(y * y).sum()', (y) => y.mul(y).sum()] };
const PY_REDUCE = `{${Object.entries(REDUCE).map(([k, [p]]) => `'${k}': (lambda y: ${p})`).join(', ')}}`;
add({
  name: 'autograd.createGraph',
  grad: false,
  gen: (r) => {
    const x = fin(r);
    return { ins: [x, r.tensor(x.dtype, x.shape, 'grid')], a: { f: r.pick(NAMES), g: r.pick(NAMES), red: r.pick(Object.keys(REDUCE)), how: r.pick(['grad', 'grad', 'backward']) } };
  },
  // [g, h]: g = d red(f(g(x))) / dx (create_graph), h = d sum(g * w) / dx (None where g does not depend on x)
  py: `(lambda FS, R, x: (lambda g: [g.detach(), (torch.autograd.grad((g * x1).sum(), [x], allow_unused=True)[0] if a.how == 'grad' else [(g * x1).sum().backward(), x.grad][1]) if g.requires_grad else None])(torch.autograd.grad(R[a.red](FS[a.f](FS[a.g](x))), [x], create_graph=True)[0] if a.how == 'grad' else [R[a.red](FS[a.f](FS[a.g](x))).backward(create_graph=True), (lambda gg: [setattr(x, 'grad', None), gg][1])(x.grad)][1]))(${PY_FNS}, ${PY_REDUCE}, x0.detach().clone().requires_grad_())`,
  fl: (fl, [x0, w], a) => {
    const x = x0.detach().clone().requiresGrad_();
    const root = REDUCE[a.red][1](FNS[a.f][1](FNS[a.g][1](x)));
    let g;
    if (a.how === 'grad') [g] = fl.autograd.grad(root, [x], { createGraph: true });
    else { root.backward({ createGraph: true }); g = x.grad; x.grad = null; }
    if (!g.requiresGrad) return [g.detach(), null];
    if (a.how === 'grad') return [g.detach(), fl.autograd.grad(g.mul(w).sum(), [x], { allowUnused: true })[0]];
    g.mul(w).sum().backward();
    return [g.detach(), x.grad];
  },
  tol: 16,
});

// createGraph through a convolution (or its transpose), an activation and a pooling: the gradient
// with respect to x, then the gradient of a weighted sum of it with respect to x and the weight
add({
  name: 'autograd.createGraph-conv',
  grad: false,
  gen: (r) => {
    const dt = r.pick(['float32', 'float64']);
    const n = r.int(1, 2), c = r.int(1, 2), o = r.int(1, 3), k = r.int(1, 3), hw = r.int(3, 6);
    const t = r.bool(0.3);  // conv_transpose2d
    const st = r.pick([1, 1, 2]), pd = r.int(0, Math.min(1, k - 1)), dl = t ? 1 : r.pick([1, 1, 2]);
    const x = r.tensor(dt, [n, c, hw, hw], 'unit');
    const w = r.tensor(dt, t ? [c, o, k, k] : [o, c, k, k], 'unit');
    return { ins: [x, w], a: { t, st, pd, dl, act: r.pick(['tanh', 'sq', 'sigmoid']), pool: r.pick(['none', 'max', 'avg', 'adaptive']) } };
  },
  py: `(lambda x, w: (lambda y: (lambda g: [g.detach(), list(torch.autograd.grad((g * torch.arange(g.numel(), dtype=g.dtype).reshape(g.shape).remainder(5).sub(2)).sum(), [x, w]))])(torch.autograd.grad(y.sum(), [x], create_graph=True)[0]))((lambda h: h if a.pool == 'none' else F.max_pool2d(h, 2) if a.pool == 'max' else F.avg_pool2d(h, 2) if a.pool == 'avg' else F.adaptive_avg_pool2d(h, 1))((lambda z: torch.tanh(z) if a.act == 'tanh' else z * z if a.act == 'sq' else torch.sigmoid(z))(F.conv_transpose2d(x, w, stride=a.st, padding=a.pd) if a.t else F.conv2d(x, w, stride=a.st, padding=a.pd, dilation=a.dl)))))(x0.detach().clone().requires_grad_(), x1.detach().clone().requires_grad_())`,
  fl: (fl, [x0, w0], a) => {
    const F = fl.nn.functional;
    const x = x0.detach().clone().requiresGrad_(), w = w0.detach().clone().requiresGrad_();
    const z = a.t ? F.convTranspose2d(x, w, null, { stride: a.st, padding: a.pd }) : F.conv2d(x, w, null, { stride: a.st, padding: a.pd, dilation: a.dl });
    const h = a.act === 'tanh' ? z.tanh() : a.act === 'sq' ? z.mul(z) : z.sigmoid();
    const y = a.pool === 'none' ? h : a.pool === 'max' ? F.maxPool2d(h, 2) : a.pool === 'avg' ? F.avgPool2d(h, 2) : F.adaptiveAvgPool2d(h, 1);
    const [g] = fl.autograd.grad(y.sum(), [x], { createGraph: true });
    const wt = fl.arange(g.numel, { dtype: g.dtype, device: g.device }).reshape(g.shape).remainder(5).sub(2);
    return [g.detach(), fl.autograd.grad(g.mul(wt).sum(), [x, w])];
  },
  tol: 32,
});

module.exports = { SPECS: specs };
