// torch-diff-specs-nn.js — bench/torch-diff.js's specs for fl.nn.functional and the losses (the
// format of bench/torch-diff-specs.js).
//
// Conventions here: optional tensors (weights, biases, running stats) are extra inputs, passed
// (a.hw, a.hb, …) or left out on both sides; class weights and running stats are detached on both
// sides (torch 1.13 has no derivative for nll_loss's weight, and would then compare no gradients at
// all). torch 1.13 lacks F.rms_norm and F.scaled_dot_product_attention: their specs write torch
// 2.x's definitions out in Python.
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const F3 = ['float32', 'float64', 'float32', 'float64', 'float16', 'bfloat16'];  // the 16-bit dtypes less often
const specs = [];
const add = (s) => specs.push(s);
const RED = ['mean', 'sum', 'none'];

/** A tensor spec whose values are `f(k)` (k the flat index) instead of drawn ones. */
function mapT(t, f) { t.v = t.v.map((x, k) => f(x, k)); return t; }
/** Probabilities in [0.05, 0.95] (BCE's input and target). */
const prob = (r, dt, s) => mapT(r.tensor(dt, s, 'cont'), () => r.int(1, 19) / 20);
const fl_ = (fl) => fl.nn.functional;

// ---- activations through F --------------------------------------------------------------------------
const ACTS = [
  ['relu', 'F.relu(x0)', (F_, x) => F_.relu(x)],
  ['silu', 'F.silu(x0)', (F_, x) => F_.silu(x)],
  ['hardswish', 'F.hardswish(x0)', (F_, x) => F_.hardswish(x)],
  ['softplus', 'F.softplus(x0)', (F_, x) => F_.softplus(x)],
  ['tanh', 'torch.tanh(x0)', (F_, x) => F_.tanh(x)],
  ['sigmoid', 'torch.sigmoid(x0)', (F_, x) => F_.sigmoid(x)],
];
for (const [name, py, f] of ACTS) {
  add({
    name: `F.${name}`, py, gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), r.pick(['grid', 'special', 'cont']))] }), fl: (fl, [x]) => f(fl_(fl), x), tol: 2,
    // torch 1.13's hardswish gradient at NaN and at x = 3 depends on whether the element falls in its
    // vectorised kernel (NaN; g at 3) or its scalar tail (g; 1.5·g at 3); flintml: g and 1.5·g
    known: name === 'hardswish' ? (a, [x]) => (x.v.some((v) => v === 'nan' || v === 3) ? "hardswish's gradient at NaN and at 3: torch 1.13's vector and scalar kernels disagree" : null) : undefined,
  });
}
add({ name: 'F.leakyRelu', py: 'F.leaky_relu(x0, a.s)', gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'grid')], a: { s: r.pick([0.01, 0.2, 0, 1.5]) } }), fl: (fl, [x], a) => fl_(fl).leakyRelu(x, a.s) });
add({ name: 'F.gelu', py: 'F.gelu(x0, approximate=a.ap)', gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'cont')], a: { ap: r.pick(['none', 'tanh']) } }), fl: (fl, [x], a) => fl_(fl).gelu(x, a.ap), tol: 4 });

// ---- softmax / logSoftmax with dtype -----------------------------------------------------------------
for (const [name, tname] of [['softmax', 'softmax'], ['logSoftmax', 'log_softmax']]) {
  add({
    name: `F.${name}`, py: `F.${tname}(x0, a.d, dtype=(getattr(torch, a.dt) if a.dt else None))`,
    gen: (r) => {
      const s = r.shape(1, 3, 5);
      // dtype float32 from float64 input is left out: the input's gradient is then float32-rounded in
      // a float64 tensor, beyond the harness's float64 tolerance on both sides alike
      const odt = r.pick([null, null, 'float32', 'float64']);
      const dt = r.pick(odt === 'float32' ? ['float32', 'float16', 'bfloat16', 'int32'] : [...F, 'int32']);
      return { ins: [r.tensor(dt, s, r.pick(['cont', 'special']))], a: { d: r.dim(s.length), dt: odt } };
    },
    fl: (fl, [x], a) => fl_(fl)[name](x, a.d, a.dt || undefined), tol: 4,
    known: (a, [x]) => (x.dtype === 'int32' && !a.dt ? `flintml's ${name} takes integer input as float32 (test/softmax.test.ts); torch 1.13 has no Long kernel` : null),
  });
}

// ---- pointwise regression losses ------------------------------------------------------------------------
add({ name: 'F.mseLoss', py: 'F.mse_loss(x0, x1, reduction=a.red)', gen: (r) => { const s = r.shape(0, 3); const dt = r.pick(F); return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, s, 'cont')], a: { red: r.pick(RED) } }; }, fl: (fl, [x, y], a) => fl.nn.functional.mseLoss(x, y, { reduction: a.red }), tol: 8 });
add({ name: 'F.l1Loss', py: 'F.l1_loss(x0, x1, reduction=a.red)', gen: (r) => { const s = r.shape(0, 3); const dt = r.pick(F); return { ins: [r.tensor(dt, s, 'grid'), r.tensor(dt, s, 'grid')], a: { red: r.pick(RED) } }; }, fl: (fl, [x, y], a) => fl_(fl).l1Loss(x, y, { reduction: a.red }), tol: 8 });
add({
  name: 'F.smoothL1Loss', py: 'F.smooth_l1_loss(x0, x1, reduction=a.red, beta=a.beta)',
  gen: (r) => { const s = r.shape(0, 3); const dt = r.pick(F); return { ins: [r.tensor(dt, s, 'grid'), r.tensor(dt, s, 'grid')], a: { red: r.pick(RED), beta: r.pick([1, 0.5, 0, 2, 0.25]) } }; },
  fl: (fl, [x, y], a) => fl_(fl).smoothL1Loss(x, y, { reduction: a.red, beta: a.beta }), tol: 8,
});
add({
  name: 'F.huberLoss', py: 'F.huber_loss(x0, x1, reduction=a.red, delta=a.delta)',
  gen: (r) => { const s = r.shape(0, 3); const dt = r.pick(F); return { ins: [r.tensor(dt, s, 'grid'), r.tensor(dt, s, 'grid')], a: { red: r.pick(RED), delta: r.pick([1, 0.5, 2, 0.25]) } }; },
  fl: (fl, [x, y], a) => fl_(fl).huberLoss(x, y, { reduction: a.red, delta: a.delta }), tol: 8,
});

// ---- class-index losses -----------------------------------------------------------------------------
/**
 * input [N, C] / [N, C, d] / [C] (N may be 0), int32 target with some ignored entries (a.ii) and,
 * now and then, an out-of-range class; weight [C] (ins[2]) when a.hw.
 */
function classCase(r, { probTarget = false } = {}) {
  const C = r.int(1, 5);
  const form = r.pick(['NC', 'NC', 'NCd', 'C']);
  const N = r.bool(0.08) ? 0 : r.int(1, 4);
  const ishape = form === 'C' ? [C] : form === 'NC' ? [N, C] : [N, C, r.int(1, 3)];
  const tshape = form === 'C' ? [] : form === 'NC' ? [N] : [N, ishape[2]];
  const dt = r.pick(F3);
  const ii = r.pick([-100, -100, 1, -1, 0]);
  const red = r.pick(RED);
  const hw = r.bool(0.4);
  const ins = [r.tensor(dt, ishape, 'cont')];
  if (probTarget) ins.push(mapT(r.tensor(dt, ishape, 'cont'), () => r.int(0, 8) / 8));
  else {
    const t = r.tensor('int32', tshape, 'index', 0, C - 1);
    const allIgnored = r.bool(0.1);
    t.v = t.v.map((x) => (allIgnored || r.bool(0.25) ? ii : r.bool(0.03) ? C : x));
    ins.push(t);
  }
  if (hw) ins.push(r.tensor(dt, [C], 'pos'));
  return { ins, a: { ii, red, hw, ls: r.pick([0, 0, 0.1, 0.5]) } };
}
add({
  name: 'F.nllLoss', py: 'F.nll_loss(x0, x1, weight=(x2.detach() if a.hw else None), ignore_index=a.ii, reduction=a.red)',
  gen: (r) => classCase(r),
  fl: (fl, [x, t, w], a) => fl_(fl).nllLoss(x, t, { weight: a.hw ? w.detach() : null, ignoreIndex: a.ii, reduction: a.red }), tol: 8,
});
add({
  name: 'F.crossEntropy', py: 'F.cross_entropy(x0, x1, weight=(x2.detach() if a.hw else None), ignore_index=a.ii, reduction=a.red, label_smoothing=a.ls)',
  gen: (r) => classCase(r),
  fl: (fl, [x, t, w], a) => fl_(fl).crossEntropy(x, t, { weight: a.hw ? w.detach() : null, ignoreIndex: a.ii, reduction: a.red, labelSmoothing: a.ls }), tol: 16,
});
add({
  name: 'F.crossEntropy-prob', py: 'F.cross_entropy(x0, x1, weight=(x2.detach() if a.hw else None), reduction=a.red, label_smoothing=a.ls)',
  gen: (r) => classCase(r, { probTarget: true }),
  fl: (fl, [x, t, w], a) => fl_(fl).crossEntropy(x, t, { weight: a.hw ? w.detach() : null, reduction: a.red, labelSmoothing: a.ls }), tol: 16,
});

// ---- binary cross entropy -------------------------------------------------------------------------
/** input/target of one shape; weight (ins[2]) of that shape or a suffix of it when a.hw; posWeight (ins[3]) [last] when a.hp. */
function bceCase(r, logits) {
  const s = r.shape(0, 3);
  const dt = r.pick(F3);
  const ins = [logits ? r.tensor(dt, s, r.pick(['cont', 'grid'])) : prob(r, dt, s), r.bool(0.3) ? mapT(r.tensor(dt, s), () => r.int(0, 1)) : prob(r, dt, s)];
  const hw = r.bool(0.4), hp = logits && r.bool(0.4);
  // weights broadcast to the input's shape, now and then one that would widen it (torch refuses)
  ins.push(r.tensor(dt, hw ? (r.bool(0.15) ? [2, ...s] : s.slice(r.int(0, s.length))) : [1], 'pos'));
  ins.push(r.tensor(dt, hp && s.length ? [r.bool(0.8) ? s[s.length - 1] : 1] : hp && r.bool() ? [] : [1], 'pos'));
  return { ins, a: { red: r.pick(RED), hw, hp } };
}
add({
  name: 'F.binaryCrossEntropy', py: 'F.binary_cross_entropy(x0, x1, weight=(x2.detach() if a.hw else None), reduction=a.red)',
  gen: (r) => bceCase(r, false),
  fl: (fl, [x, t, w], a) => fl_(fl).binaryCrossEntropy(x, t, { weight: a.hw ? w.detach() : null, reduction: a.red }), tol: 8,
});
add({
  name: 'F.bceWithLogits', py: 'F.binary_cross_entropy_with_logits(x0, x1, weight=(x2.detach() if a.hw else None), pos_weight=(x3.detach() if a.hp else None), reduction=a.red)',
  gen: (r) => bceCase(r, true),
  fl: (fl, [x, t, w, p], a) => fl_(fl).binaryCrossEntropyWithLogits(x, t, { weight: a.hw ? w.detach() : null, posWeight: a.hp ? p.detach() : null, reduction: a.red }), tol: 8,
});

// ---- linear, embedding, dropout -------------------------------------------------------------------
add({
  name: 'F.linear', py: 'F.linear(x0, x1, x2 if a.hb else None)',
  gen: (r) => {
    const inF = r.bool(0.05) ? 0 : r.int(1, 4), out = r.int(1, 4);
    const lead = r.shape(0, 2);
    const dt = r.pick(F3);
    return { ins: [r.tensor(dt, [...lead, inF], 'cont'), r.tensor(dt, [out, inF], 'cont'), r.tensor(dt, [out], 'cont')], a: { hb: r.bool() } };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).linear(x, w, a.hb ? b : null), tol: 8,
});
add({
  name: 'F.embedding', py: 'F.embedding(x0, x1, padding_idx=a.pad)',
  gen: (r) => {
    const n = r.int(1, 5), d = r.int(1, 3);
    const idx = r.tensor('int32', r.shape(0, 2), 'index', 0, n - 1);
    if (r.bool(0.05)) idx.v = idx.v.map(() => n);  // out of range
    return { ins: [idx, r.tensor(r.pick(F3), [n, d], 'cont')], a: { pad: r.bool() ? null : r.int(-n, n - 1) } };
  },
  fl: (fl, [i, w], a) => fl_(fl).embedding(i, w, a.pad),
});
add({
  name: 'F.dropout', py: 'F.dropout(x0, a.p, a.tr)',
  gen: (r) => { const tr = r.bool(0.4); return { ins: [r.tensor(r.pick(F), r.shape(0, 3), 'grid')], a: { tr, p: tr ? r.pick([0, 1]) : r.pick([0, 0.5, 1]) } }; },
  fl: (fl, [x], a) => fl_(fl).dropout(x, a.p, a.tr),
});

// ---- norms ----------------------------------------------------------------------------------------------
add({
  name: 'F.layerNorm', py: 'F.layer_norm(x0, a.ns, x1 if a.hw else None, x2 if a.hb else None, a.eps)',
  gen: (r) => {
    const s = r.shape(1, 3, 5);
    const k = r.int(1, s.length);
    const ns = s.slice(s.length - k);
    const dt = r.pick(F3);
    // groups of 2 or 3 with a tiny eps normalise to nearly ±1 whatever x is: the input gradient is
    // then all cancellation (rounding noise of either library); eps 1e-5 only for larger groups
    const big = ns.reduce((p, q) => p * q, 1) > 3;
    return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, ns, 'cont'), r.tensor(dt, ns, 'cont')], a: { ns, hw: r.bool(), hb: r.bool(), eps: big ? r.pick([1e-5, 1e-3, 0.1]) : r.pick([0.1, 1]) } };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).layerNorm(x, a.ns, a.hw ? w : null, a.hb ? b : null, a.eps), tol: 16, gradTol: 4,
  known: (a) => (a.ns.reduce((p, q) => p * q, 1) === 1 ? "one element per normalised group: x - mean is exactly 0 in flintml, torch's fused kernel leaves a rounding residue (~1e-6·|x| in float32)" : null),
});
// torch 1.13 has no F.rms_norm: torch 2.x's definition, x·rsqrt(mean(x², dims) + eps)·w with eps
// defaulting to finfo(dtype).eps
add({
  name: 'F.rmsNorm',
  py: '(x0 * torch.rsqrt(x0.pow(2).mean(tuple(range(-len(a.ns), 0)), keepdim=True) + (a.eps if a.eps is not None else torch.finfo(x0.dtype).eps))) * (x1 if a.hw else 1)',
  gen: (r) => {
    const s = r.shape(1, 3, 5);
    const k = r.int(1, s.length);
    const ns = s.slice(s.length - k);
    const dt = r.pick(['float32', 'float64']);
    const big = ns.reduce((p, q) => p * q, 1) > 3;  // tiny eps only for larger groups, as layerNorm's
    return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, ns, 'cont')], a: { ns, hw: r.bool(), eps: big ? r.pick([null, 1e-6, 0.1]) : r.pick([0.1, 1]) } };
  },
  fl: (fl, [x, w], a) => fl_(fl).rmsNorm(x, a.ns, a.hw ? w : null, a.eps), tol: 16,
});
add({
  name: 'F.groupNorm', // torch 1.13's group_norm backward fails ("tensor does not have a device") with a bias and no
  // weight: ones stand for the missing weight there
  py: 'F.group_norm(x0, a.g, x1 if a.hw else (torch.ones(x0.size(1), dtype=x0.dtype) if a.hb else None), x2 if a.hb else None, a.eps)',
  gen: (r) => {
    const g = r.int(1, 3), C = g * r.int(1, 2) * (r.bool(0.1) ? 0 : 1) + (r.bool(0.08) ? 1 : 0);
    const s = [r.bool(0.08) ? 0 : r.int(1, 3), C, ...r.shape(0, 2, 3, false)];
    const dt = r.pick(F3);
    const big = (C / g) * s.slice(2).reduce((p, q) => p * q, 1) > 3;  // as layerNorm's eps
    return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, [C], 'cont'), r.tensor(dt, [C], 'cont')], a: { g, hw: r.bool(), hb: r.bool(), eps: big ? r.pick([1e-5, 0.1]) : r.pick([0.1, 1]) } };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).groupNorm(x, a.g, a.hw ? w : null, a.hb ? b : null, a.eps), tol: 16, gradTol: 4,
  known: (a, [x]) => (x.shape.length >= 2 && x.shape[1] % a.g === 0 && x.shape[1] / a.g * x.shape.slice(2).reduce((p, q) => p * q, 1) === 1 && x.shape[0] > 1 ? "one element per group: x - mean is exactly 0 in flintml, torch's kernel leaves a rounding residue" : null),
});
// the running stats are cloned (both sides), updated in place when training, and returned after the output
add({
  name: 'F.batchNorm',
  py: '(lambda rm, rv: [F.batch_norm(x0, rm, rv, x3 if a.hw else None, x4 if a.hb else None, a.tr, a.mom, a.eps), rm, rv])(x1.detach().clone() if a.hs else None, x2.detach().clone() if a.hs else None)',
  gen: (r) => {
    const C = r.int(1, 3);
    const s = [r.bool(0.06) ? 0 : r.int(1, 3), C, ...r.shape(0, 2, 3, false)];
    const dt = r.pick(F3);
    const tr = r.bool();
    return {
      ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, [C], 'cont'), r.tensor(dt, [C], 'pos'), r.tensor(dt, [C], 'cont'), r.tensor(dt, [C], 'cont')],
      // eps as layerNorm's: 1e-5 only with more than 3 values per channel in training
      a: { tr, hs: !tr || r.bool(0.8), hw: r.bool(), hb: r.bool(), mom: r.pick([0.1, 0.5, 1, 0]), eps: !tr || s[0] * s.slice(2).reduce((p, q) => p * q, 1) > 3 ? r.pick([1e-5, 0.1]) : r.pick([0.1, 1]) },
    };
  },
  fl: (fl, [x, m, v, w, b], a) => {
    const rm = a.hs ? m.detach().clone() : null, rv = a.hs ? v.detach().clone() : null;
    const y = fl_(fl).batchNorm(x, rm, rv, { weight: a.hw ? w : null, bias: a.hb ? b : null, training: a.tr, momentum: a.mom, eps: a.eps });
    return [y, rm, rv];
  },
  tol: 16, gradTol: 4,
});

// ---- convolution and pooling ------------------------------------------------------------------------
add({
  name: 'F.conv1d', py: 'F.conv1d(x0, x1, x2 if a.hb else None, a.st, a.pad, a.dil, a.g)',
  gen: (r) => {
    const g = r.pick([1, 1, 2]), cin = g * r.int(1, 2), cout = g * r.int(1, 2), k = r.int(1, 3);
    const dt = r.pick(F3);
    const L = r.int(1, 7);
    const xs = r.bool(0.15) ? [cin, L] : [r.bool(0.05) ? 0 : r.int(1, 2), cin, L];
    const pad = r.pick([0, 1, 2, 'same', 'valid']);
    return { ins: [r.tensor(dt, xs, 'cont'), r.tensor(dt, [cout, cin / g, k], 'cont'), r.tensor(dt, [cout], 'cont')], a: { hb: r.bool(), st: r.pick([1, 1, 2, 3]), pad, dil: r.pick([1, 1, 2]), g } };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).conv1d(x, w, a.hb ? b : null, { stride: a.st, padding: a.pad, dilation: a.dil, groups: a.g }), tol: 16,
  known: (a, [x, w]) => (x.shape[0] === 0 && x.shape.length === w.shape.length && w.layout === 't' ? 'torch 1.13 fails on a zero-size batch with a non-contiguous weight ("view size is not compatible")' : null),
});
add({
  name: 'F.conv2d', py: 'F.conv2d(x0, x1, x2 if a.hb else None, a.st, a.pad, a.dil, a.g)',
  gen: (r) => {
    const g = r.pick([1, 1, 2, 3]), cin = g * r.int(1, 2), cout = g * r.int(1, 2);
    const dt = r.pick(F3);
    const H = r.int(1, 6), W = r.int(1, 6), kh = r.int(1, 3), kw = r.int(1, 3);
    const xs = r.bool(0.15) ? [cin, H, W] : [r.bool(0.05) ? 0 : r.int(1, 2), cin, H, W];
    const pad = r.pick([0, 1, [1, 0], [0, 2], 'same', 'valid']);
    return {
      ins: [r.tensor(dt, xs, 'cont'), r.tensor(dt, [cout, cin / g, kh, kw], 'cont'), r.tensor(dt, [cout], 'cont')],
      a: { hb: r.bool(), st: r.pick([1, 1, 2, [1, 2]]), pad, dil: r.pick([1, 1, 2, [2, 1]]), g },
    };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).conv2d(x, w, a.hb ? b : null, { stride: a.st, padding: a.pad, dilation: a.dil, groups: a.g }), tol: 16,
  known: (a, [x, w]) => (x.shape[0] === 0 && x.shape.length === w.shape.length && w.layout === 't' ? 'torch 1.13 fails on a zero-size batch with a non-contiguous weight ("view size is not compatible")' : null),
});
// torch 1.13's CPU bfloat16 conv_transpose2d is wrong (it takes the weight as a forward conv's:
// wrong output sizes, "expected input to have 2 channels"): bfloat16 runs in float32 there and is
// rounded back (the input gradients come back in bfloat16 through the casts)
add({
  name: 'F.convTranspose2d', py: '(lambda c: F.conv_transpose2d(c(x0), c(x1), c(x2) if a.hb else None, a.st, a.pad, a.op, a.g, a.dil).to(x0.dtype))(lambda t: t.float() if t.dtype == torch.bfloat16 else t)',
  gen: (r) => {
    const g = r.pick([1, 1, 2]), cin = g * r.int(1, 2), cout = g * r.int(1, 2);
    const dt = r.pick(F3);
    const H = r.int(1, 4), W = r.int(1, 4), kh = r.int(1, 3), kw = r.int(1, 3);
    const xs = r.bool(0.1) ? [cin, H, W] : [r.bool(0.05) ? 0 : r.int(1, 2), cin, H, W];
    return {
      ins: [r.tensor(dt, xs, 'cont'), r.tensor(dt, [cin, cout / g, kh, kw], 'cont'), r.tensor(dt, [cout], 'cont')],
      a: { hb: r.bool(), st: r.pick([1, 2, [2, 1], 3]), pad: r.pick([0, 0, 1, [0, 1]]), op: r.pick([0, 0, 1, [1, 0], 2]), dil: r.pick([1, 1, 2]), g },
    };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).convTranspose2d(x, w, a.hb ? b : null, { stride: a.st, padding: a.pad, outputPadding: a.op, groups: a.g, dilation: a.dil }), tol: 16,
  known: (a, [x]) => (x.shape[0] === 0 ? 'torch 1.13 skips the argument checks (outputPadding < stride or dilation) for an empty batch' : null),
});
const at = (v, i) => (Array.isArray(v) ? v[i] : v);
/**
 * Whether a max pooling's windows along a dim of size n (kernel k, stride s, padding p, dilation d,
 * ceil mode) have one with no tap inside the input (torch 1.13 then reads or scatters out of
 * bounds): the specs that draw such windows avoid them. Shared by the 1-D, 2-D and 3-D tables.
 */
function poolEmptyWindow(n, k, s, p, d, ceil) {
  const span = n + 2 * p - d * (k - 1) - 1;  // may be negative: ceil mode still makes one window
  let out = Math.floor((span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  for (let o = 0; o < out; o++) {
    let any = false;
    for (let j = 0; j < k; j++) { const x = o * s - p + j * d; if (x >= 0 && x < n) any = true; }
    if (!any) return true;
  }
  return false;
}
/** poolEmptyWindow for dim i of max_pool2d's arguments `a`. */
function emptyWindow(n, a, i) {
  const k = at(a.k, i);
  return poolEmptyWindow(n, k, a.st == null ? k : at(a.st, i), at(a.pad, i), at(a.dil, i), a.ceil);
}
add({
  name: 'F.maxPool2d', py: 'F.max_pool2d(x0, a.k, a.st, a.pad, a.dil, a.ceil, a.ri)',
  gen: (r) => {
    const dt = r.pick(F3);
    const C = r.int(1, 2), H = r.int(1, 7), W = r.int(1, 7);
    const xs = r.bool(0.2) ? [C, H, W] : [r.bool(0.05) ? 0 : r.int(1, 2), C, H, W];
    const k = r.pick([1, 2, 3, [2, 3]]);
    const a = { k, st: r.pick([null, 1, 2, [1, 2]]), pad: r.pick([0, 0, 1]), dil: r.pick([1, 1, 2]), ceil: r.bool(), ri: r.bool() };
    // a window whose taps all fall in the padding (dilation with padding) corrupts torch 1.13's heap
    // ("malloc(): unaligned tcache chunk", its backward scatters to index -1): not drawn
    if (emptyWindow(H, a, 0) || emptyWindow(W, a, 1)) a.dil = 1;
    return { ins: [r.tensor(dt, xs, r.pick(['cont', 'cont', 'grid']))], a };
  },
  fl: (fl, [x], a) => fl_(fl).maxPool2d(x, a.k, { stride: a.st, padding: a.pad, dilation: a.dil, ceilMode: a.ceil, returnIndices: a.ri }),
});
add({
  name: 'F.avgPool2d', py: 'F.avg_pool2d(x0, a.k, a.st, a.pad, a.ceil, a.cip, a.div)',
  gen: (r) => {
    const dt = r.pick(F3);
    const C = r.int(1, 2), H = r.int(1, 7), W = r.int(1, 7);
    const xs = r.bool(0.2) ? [C, H, W] : [r.bool(0.05) ? 0 : r.int(1, 2), C, H, W];
    return { ins: [r.tensor(dt, xs, 'cont')], a: { k: r.pick([1, 2, 3, [2, 3]]), st: r.pick([null, 1, 2, [1, 2], 3]), pad: r.pick([0, 0, 1]), ceil: r.bool(), cip: r.bool(), div: r.pick([null, null, 1, 3]) } };
  },
  fl: (fl, [x], a) => fl_(fl).avgPool2d(x, a.k, { stride: a.st, padding: a.pad, ceilMode: a.ceil, countIncludePad: a.cip, divisorOverride: a.div }), tol: 8,
});
add({
  name: 'F.adaptiveAvgPool2d', py: 'F.adaptive_avg_pool2d(x0, a.os)',
  gen: (r) => {
    const dt = r.pick(F3);
    const C = r.int(1, 2), H = r.int(1, 7), W = r.int(1, 7);
    const xs = r.bool(0.2) ? [C, H, W] : [r.bool(0.05) ? 0 : r.int(1, 2), C, H, W];
    return { ins: [r.tensor(dt, xs, 'cont')], a: { os: r.pick([1, 2, 3, [2, 3], [null, 2], [3, null], 5]) } };
  },
  fl: (fl, [x], a) => fl_(fl).adaptiveAvgPool2d(x, a.os), tol: 8,
});

// ---- attention ----------------------------------------------------------------------------------------
// torch 1.13 has no F.scaled_dot_product_attention: torch 2.x's documented reference implementation
// (bool mask: True takes part; float mask added; is_causal: tril of ones [L, S]; scale default 1/√E)
const SDPA_PY = '(lambda q, k, v, m: torch.softmax((q @ k.transpose(-2, -1)) * (a.sc if a.sc is not None else 1 / math.sqrt(q.size(-1))) + (torch.zeros((), dtype=q.dtype) if m is None else (torch.zeros(m.shape, dtype=q.dtype).masked_fill(m.logical_not(), -math.inf) if m.dtype == torch.bool else m)), -1) @ v)(x0, x1, x2, (torch.ones(x0.size(-2), x1.size(-2), dtype=torch.bool).tril() if a.causal else (x3.detach() if a.mk == "float" else x3.detach().to(torch.bool) if a.mk == "bool" else None)))';
add({
  name: 'F.scaledDotProductAttention', py: SDPA_PY,
  gen: (r) => {
    const dt = r.pick(['float32', 'float64']);
    const B = r.shape(0, 2, 2), L = r.int(1, 4), S = r.int(1, 4), E = r.int(1, 4), Ev = r.int(1, 3);
    const mk = r.pick(['none', 'bool', 'float']);
    const causal = mk === 'none' && r.bool(0.4);
    const mshape = r.bool() ? [L, S] : [...B, L, S];
    const m = mk === 'bool' ? mapT(r.tensor(dt, mshape, 'cont'), (x, k) => (k % S === 0 ? 1 : r.int(0, 1))) : r.tensor(dt, mshape, 'grid');
    return { ins: [r.tensor(dt, [...B, L, E], 'cont'), r.tensor(dt, [...B, S, E], 'cont'), r.tensor(dt, [...B, S, Ev], 'cont'), m], a: { mk, causal, sc: r.pick([null, null, 0.5]) } };
  },
  fl: (fl, [q, k, v, m], a) => fl_(fl).scaledDotProductAttention(q, k, v, {
    attnMask: a.mk === 'float' ? m.detach() : a.mk === 'bool' ? m.detach().to('bool') : null, dropoutP: 0, isCausal: a.causal, ...(a.sc != null ? { scale: a.sc } : {}),
  }),
  tol: 8,
});

module.exports = { SPECS: specs, maxPoolEmptyWindow: emptyWindow, poolEmptyWindow };
