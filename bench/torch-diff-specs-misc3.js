// torch-diff-specs-misc3.js — bench/torch-diff.js's specs for lib/ops/misc3.ts and the top-level
// functional names of lib/index.ts (the format of bench/torch-diff-specs.js): the in-place unary,
// comparison, logical and binary forms, addmm_/addmv_/addr_/baddbmm_/addbmm_, cumsum_/cumprod_,
// logit_/floatPower_, the in-place view methods, detach_, splitWithSizes, cfloat/cdouble, the
// predicates, and torch.conv2d / max_pool2d / dropout / layer_norm / selu … (F's functions).
// The in-place forms run on a clone of the input without gradients (flintml refuses in-place ops on
// tensors that require grad, DESIGN §8), so they compare values, dtypes and refusals.
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const FI = [...F, 'int32', 'uint8'];
const ALL = [...FI, 'bool'];
const specs = [];
const add = (s) => specs.push(s);

/** Two broadcastable shapes (the second may be larger than the first: an in-place op then refuses). */
function bshapes(r) {
  const s = r.shape(0, 3);
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  if (r.bool(0.2)) t.unshift(r.int(1, 3));
  return r.bool(0.8) ? [s, t] : [t, s];
}

// ---- in-place unary -----------------------------------------------------------------------------------
const UNARY = [
  // [flint name, torch name, dtypes, value kind]
  ['acos', 'acos', [...F, 'int32'], 'unit'], ['asin', 'asin', [...F, 'int32'], 'unit'], ['atan', 'atan', [...F, 'int32'], 'grid'],
  ['cos', 'cos', [...F, 'int32'], 'grid'], ['cosh', 'cosh', [...F, 'int32'], 'grid'], ['sin', 'sin', [...F, 'int32'], 'grid'],
  ['sinh', 'sinh', [...F, 'int32'], 'grid'], ['tan', 'tan', [...F, 'int32'], 'unit'], ['log10', 'log10', [...F, 'int32'], 'pos'],
  ['log1p', 'log1p', [...F, 'int32'], 'grid'], ['log2', 'log2', [...F, 'int32'], 'pos'], ['rsqrt', 'rsqrt', [...F, 'int32'], 'pos'],
  ['square', 'square', [...F, 'int32', 'bool'], 'grid'], ['sign', 'sign', ALL, 'special'], ['sgn', 'sgn', [...F, 'int32'], 'special'],
  ['trunc', 'trunc', [...F, 'int32'], 'special'], ['frac', 'frac', F, 'cont'], ['erf', 'erf', [...F, 'int32'], 'grid'],
  ['expm1', 'expm1', [...F, 'int32'], 'grid'], ['exp2', 'exp2', [...F, 'int32'], 'grid'], ['sinc', 'sinc', F, 'grid'],
  ['deg2rad', 'deg2rad', F, 'grid'], ['rad2deg', 'rad2deg', F, 'grid'], ['logicalNot', 'logical_not', ALL, 'special'],
];
for (const [name, tname, dtypes, kind] of UNARY) {
  add({
    name: `${name}_`, grad: false, py: `(lambda y: [y.${tname}_(), y])(x0.clone())`,
    gen: (r) => ({ ins: [r.tensor(r.pick(dtypes), r.shape(0, 3), kind)] }),
    fl: (fl, [x]) => { const y = x.clone(); return [y[`${name}_`](), y]; },
    tol: name === 'sinc' ? 8 : 1,   // as the sinc form of torch-diff-specs-pointwise.js (bfloat16 near x = 1)
  });
}
add({
  name: 'logit_', grad: false, py: '(lambda y: [y.logit_(a.eps), y])(x0.clone())',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'unit')], a: { eps: r.pick([null, 0.1, 0.25]) } }),
  fl: (fl, [x], a) => { const y = x.clone(); return [y.logit_(a.eps), y]; },
});

// ---- in-place binary, with broadcasting -----------------------------------------------------------------
const BINARY = [
  ['eq', 'eq', ALL], ['ne', 'ne', ALL], ['lt', 'lt', ALL], ['le', 'le', ALL], ['gt', 'gt', ALL], ['ge', 'ge', ALL],
  ['greater', 'greater', ALL], ['greaterEqual', 'greater_equal', ALL], ['less', 'less', ALL], ['lessEqual', 'less_equal', ALL],
  ['notEqual', 'not_equal', ALL], ['logicalAnd', 'logical_and', ALL], ['logicalOr', 'logical_or', ALL], ['logicalXor', 'logical_xor', ALL],
  ['remainder', 'remainder', [...F, 'int32']], ['atan2', 'atan2', [...F, 'int32']], ['hypot', 'hypot', F], ['copysign', 'copysign', [...F, 'int32']],
  ['floorDivide', 'floor_divide', [...F, 'int32']], ['trueDivide', 'true_divide', [...F, 'int32']], ['xlogy', 'xlogy', F], ['heaviside', 'heaviside', [...F, 'int32']],
];
for (const [name, tname, dtypes] of BINARY) {
  add({
    name: `${name}_`, grad: false, py: `(lambda y: [y.${tname}_(x1), y])(x0.clone())`,
    gen: (r) => {
      const [s, t] = bshapes(r);
      const dt = r.pick(dtypes);
      // heaviside wants one dtype on both sides in torch 1.13; the rest promote
      const dt2 = name === 'heaviside' || r.bool(0.6) ? dt : r.pick(dtypes);
      const kind = name === 'xlogy' ? 'pos' : 'grid';
      return { ins: [r.tensor(dt, s, kind), r.tensor(dt2, t, name === 'remainder' || name === 'floorDivide' ? 'pos' : kind)] };
    },
    fl: (fl, [x, o]) => { const y = x.clone(); return [y[`${name}_`](o), y]; },
  });
}
add({
  name: 'floatPower_', grad: false, py: '(lambda y: [y.float_power_(x1), y])(x0.clone())',
  gen: (r) => { const s = r.shape(0, 2); return { ins: [r.tensor(r.pick(['float64', 'float64', 'float32']), s, 'pos'), r.tensor(r.pick(F), s, 'grid')] }; },
  fl: (fl, [x, e]) => { const y = x.clone(); return [y.floatPower_(e), y]; },
});

// ---- matmul-and-add in place, cumsum_/cumprod_ ------------------------------------------------------------
add({
  name: 'addmm_-addmv_-addr_', grad: false,
  py: '[(lambda y: [y.addmm_(x1, x2, beta=a.b, alpha=a.al), y])(x0.clone()), (lambda y: y.addmv_(x1, x3, alpha=a.al))(x0[:, 0].clone()), (lambda y: y.addr_(x0[:, 0], x4, beta=a.b))(x0.clone())]',
  gen: (r) => {
    const n = r.int(1, 3), k = r.int(1, 3), m = r.int(1, 3);
    const dt = r.pick(['float32', 'float64']);
    const bad = r.bool(0.1) ? 1 : 0;
    return {
      ins: [r.tensor(dt, [n, m]), r.tensor(dt, [n, k]), r.tensor(dt, [k + bad, m]), r.tensor(dt, [k]), r.tensor(dt, [m])],
      a: { b: r.pick([1, 0.5, -2]), al: r.pick([1, 2, -0.5]) },
    };
  },
  fl: (fl, [x, m1, m2, v, w], a) => {
    const y = x.clone();
    const col = x.select(1, 0).clone();
    return [[y.addmm_(m1, m2, { beta: a.b, alpha: a.al }), y], col.addmv_(m1, v, { alpha: a.al }), x.clone().addr_(x.select(1, 0), w, { beta: a.b })];
  },
  tol: 4,
});
add({
  name: 'baddbmm_-addbmm_', grad: false,
  py: '[x0.clone().baddbmm_(x1, x2, beta=a.b, alpha=a.al), x0[0].clone().addbmm_(x1, x2, alpha=a.al)]',
  gen: (r) => {
    const b = r.int(1, 3), n = r.int(1, 3), k = r.int(1, 3), m = r.int(1, 3);
    const dt = r.pick(['float32', 'float64']);
    return { ins: [r.tensor(dt, [b, n, m]), r.tensor(dt, [b, n, k]), r.tensor(dt, [b, k, m])], a: { b: r.pick([1, 0.5, 0]), al: r.pick([1, 2, -0.5]) } };
  },
  fl: (fl, [x, b1, b2], a) => [x.clone().baddbmm_(b1, b2, { beta: a.b, alpha: a.al }), x.select(0, 0).clone().addbmm_(b1, b2, { alpha: a.al })],
  tol: 4,
});
add({
  name: 'cumsum_-cumprod_', grad: false, py: '[x0.clone().cumsum_(a.d), x0.clone().cumprod_(a.d)]',
  gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick([...F, 'int32']), s, r.pick(['grid', 'pos']))], a: { d: r.dim(s.length) } }; },
  fl: (fl, [x], a) => [x.clone().cumsum_(a.d), x.clone().cumprod_(a.d)], tol: 4,
});

// ---- in-place views, detach_, splitWithSizes, casts and predicates ---------------------------------------
add({
  name: 'transpose_-swapaxes_-t_', grad: false,
  py: '[(lambda y: [y.transpose_(a.d0, a.d1), list(y.shape)])(x0.clone()), x0.clone().swapaxes_(a.d0, a.d1), x0.clone().swapdims_(a.d1, a.d0), (x0.clone().t_() if x0.dim() <= 2 else None)]',
  gen: (r) => { const s = r.shape(0, 3); const n = Math.max(s.length, 1); return { ins: [r.tensor(r.pick(ALL), s)], a: { d0: r.bool(0.05) ? n : r.dim(n), d1: r.dim(n) } }; },
  fl: (fl, [x], a) => {
    const y = x.clone();
    return [[y.transpose_(a.d0, a.d1), y.shape], x.clone().swapaxes_(a.d0, a.d1), x.clone().swapdims_(a.d1, a.d0), x.ndim <= 2 ? x.clone().t_() : null];
  },
});
add({
  name: 'unsqueeze_-squeeze_', grad: false,
  py: '[(lambda y: [y.unsqueeze_(a.u), list(y.shape)])(x0.clone()), (lambda y: [y.squeeze_(), list(y.shape)])(x0.clone()), (lambda y: [y.squeeze_(a.s), list(y.shape)])(x0.clone())]',
  gen: (r) => {
    const s = r.shape(0, 3).map((d) => (r.bool(0.3) ? 1 : d));
    const n = s.length;
    return { ins: [r.tensor(r.pick(ALL), s)], a: { u: r.bool(0.05) ? n + 2 : r.int(-n - 1, n), s: n === 0 ? 0 : r.dim(n) } };
  },
  fl: (fl, [x], a) => {
    const u = x.clone(), s = x.clone(), s1 = x.clone();
    return [[u.unsqueeze_(a.u), u.shape], [s.squeeze_(), s.shape], [s1.squeeze_(a.s), s1.shape]];
  },
});
add({
  name: 'detach_', grad: false,
  py: '(lambda y: [y.detach_(), y.requires_grad, y.grad_fn is None, y.is_leaf])(x0.detach().requires_grad_(True) * 2)',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), r.shape(0, 3))] }),
  fl: (fl, [x]) => { const y = x.detach().requiresGrad_(true).mul(2); return [y.detach_(), y.requiresGrad, y.gradFn === null, y.isLeaf]; },
});
add({
  name: 'splitWithSizes', py: '[torch.split_with_sizes(x0, a.sizes, a.d), x0.split_with_sizes(a.sizes, dim=a.d)]',
  gen: (r) => {
    const s = r.shape(1, 3);
    const d = r.dim(s.length);
    const n = s[(d + s.length) % s.length];
    const sizes = [];
    for (let left = n; left > 0;) { const k = r.int(0, left); sizes.push(k); left -= k; }
    if (r.bool(0.2)) sizes.push(0);
    if (r.bool(0.1)) sizes.push(1);
    return { ins: [r.tensor(r.pick(F), s)], a: { sizes, d } };
  },
  fl: (fl, [x], a) => [fl.splitWithSizes(x, a.sizes, a.d), x.splitWithSizes(a.sizes, a.d)],
});
add({
  name: 'cfloat-cdouble-predicates', grad: false,
  py: '[torch.view_as_real(x0.cfloat()), torch.view_as_real(x0.cdouble()), x0.is_neg(), torch.is_neg(x0), x0.is_inference(), torch.is_inference(x0), x0.is_sparse, x0.is_quantized, x0.is_meta, torch.is_conj(x0), torch.is_signed(x0), torch.resolve_neg(x0), torch.detach(x0)]',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3))] }),
  fl: (fl, [x]) => [fl.viewAsReal(x.cfloat()), fl.viewAsReal(x.cdouble()), x.isNeg(), fl.isNeg(x), x.isInference(), fl.isInference(x), x.isSparse, x.isQuantized, x.isMeta, fl.isConj(x), fl.isSigned(x), fl.resolveNeg(x), fl.detach(x)],
});

add({
  name: 'put-put_', py: '[torch.put(x0, x1, x2, accumulate=a.acc), (lambda y: [y.put_(x1, x2.detach(), accumulate=a.acc), y])(x0.detach().clone())]',
  gen: (r) => {
    const s = r.shape(0, 3);
    const n = s.reduce((p, q) => p * q, 1);
    const acc = r.bool();
    const k = n === 0 ? 0 : r.int(0, acc ? 5 : Math.min(n, 4));
    // distinct positions without accumulate (torch leaves the winner of a repeat unspecified); one out of range now and then
    const pos = [];
    while (pos.length < k) { const p = r.int(-n, n - 1); if (acc || !pos.some((q) => (q + n) % n === (p + n) % n)) pos.push(p); }
    if (r.bool(0.05)) pos.push(n);
    const dt = r.pick(F);
    const idx = { dtype: 'int32', shape: [pos.length], v: pos, layout: 'c' };
    return { ins: [r.tensor(dt, s), idx, r.tensor(r.bool(0.05) ? 'float64' : dt, [pos.length + (r.bool(0.05) ? 1 : 0)])], a: { acc } };
  },
  fl: (fl, [x, i, src], a) => { const y = x.detach().clone(); return [fl.put(x, i, src, { accumulate: a.acc }), [y.put_(i, src.detach(), { accumulate: a.acc }), y]]; },
  tol: 4,
});

// ---- torch's top-level names of F's functions -------------------------------------------------------------
add({
  name: 'top.conv2d-convTranspose2d', py: '[torch.conv2d(x0, x1, x2, a.st, a.p), torch.conv_transpose2d(x0, x1.transpose(0, 1).contiguous(), None, a.st, a.p)]',
  gen: (r) => {
    const dt = r.pick(['float32', 'float64']);
    const n = r.int(1, 2), ci = r.int(1, 3), co = r.int(1, 3), h = r.int(3, 5), w = r.int(3, 5), k = r.int(1, 3);
    return { ins: [r.tensor(dt, [n, ci, h, w]), r.tensor(dt, [co, ci, k, k]), r.tensor(dt, [co])], a: { st: r.int(1, 2), p: r.int(0, 1) } };
  },
  fl: (fl, [x, w, b], a) => [fl.conv2d(x, w, b, a.st, a.p), fl.convTranspose2d(x, w.transpose(0, 1).contiguous(), null, a.st, a.p)], tol: 8,
});
add({
  name: 'top.conv1d-maxPool-avgPool1d', py: '[torch.conv1d(x0, x1), torch.max_pool1d(x0, a.k), torch.max_pool2d(x0.unsqueeze(0), a.k), torch.avg_pool1d(x0, a.k), torch.adaptive_avg_pool1d(x0, 2)]',
  gen: (r) => {
    const dt = r.pick(['float32', 'float64']);
    const ci = r.int(1, 3);
    return { ins: [r.tensor(dt, [r.int(1, 2), ci, r.int(3, 6)], 'cont'), r.tensor(dt, [r.int(1, 3), ci, r.int(1, 3)])], a: { k: r.int(1, 3) } };
  },
  fl: (fl, [x, w], a) => [fl.conv1d(x, w), fl.maxPool1d(x, a.k), fl.maxPool2d(x.unsqueeze(0), a.k), fl.avgPool1d(x, a.k), fl.adaptiveAvgPool1d(x, 2)], tol: 8,
});
add({
  name: 'top.activations', py: '[torch.selu(x0), torch.celu(x0, a.al), torch.hardshrink(x0, a.l), torch.threshold(x0, a.l, -1.0), torch.dropout(x0, 0.5, False), torch.alpha_dropout(x0, 0.3, False), torch.feature_alpha_dropout(x0, 0.3, False), torch.rrelu(x0, 0.1, 0.3, False)]',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'cont')], a: { al: r.pick([1, 0.5, 2]), l: r.pick([0.5, 1, 0]) } }),
  fl: (fl, [x], a) => [fl.selu(x), fl.celu(x, a.al), fl.hardshrink(x, a.l), fl.threshold(x, a.l, -1), fl.dropout(x, 0.5, false), fl.alphaDropout(x, 0.3, false), fl.featureAlphaDropout(x, 0.3, false), fl.rrelu(x, 0.1, 0.3, false)],
  tol: 4,
});
add({
  name: 'top.inplace-activations', grad: false, py: '[torch.relu_(x0.clone()), torch.selu_(x0.clone()), torch.celu_(x0.clone(), a.al), torch.threshold_(x0.clone(), a.l, 2.0), torch.rrelu_(x0.clone(), 0.1, 0.3, False)]',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), r.shape(0, 3), 'cont')], a: { al: r.pick([1, 0.5]), l: r.pick([0.5, 0]) } }),
  fl: (fl, [x], a) => [fl.relu_(x.clone()), fl.selu_(x.clone()), fl.celu_(x.clone(), a.al), fl.threshold_(x.clone(), a.l, 2), fl.rrelu_(x.clone(), 0.1, 0.3, false)],
});
add({
  name: 'top.norms-shuffles-prelu-bilinear',
  py: '[torch.layer_norm(x0, [x0.shape[-1]], x1, x2, 1e-5), torch.group_norm(x0, a.g, x3, x3), torch.prelu(x0, x4), torch.bilinear(x0, x0, x5)]',
  gen: (r) => {
    const dt = r.pick(['float32', 'float64']);
    // groups of more than 3 elements, as F.layerNorm's and F.groupNorm's forms (smaller ones normalise to ±1: all cancellation)
    const c = 4, l = r.int(4, 5);
    return { ins: [r.tensor(dt, [r.int(1, 2), c, l], 'cont'), r.tensor(dt, [l]), r.tensor(dt, [l]), r.tensor(dt, [c]), r.tensor(dt, [1]), r.tensor(dt, [2, l, l])], a: { g: r.pick([1, 2]) } };
  },
  fl: (fl, [x, w, b, g, pw, bw], a) => [fl.layerNorm(x, [x.shape[2]], w, b, 1e-5), fl.groupNorm(x, a.g, g, g), fl.prelu(x, pw), fl.bilinear(x, x, bw)],
  tol: 16, gradTol: 4,
});
add({
  name: 'top.pixelShuffle-channelShuffle', py: '[torch.pixel_shuffle(x0, 2), torch.pixel_unshuffle(torch.pixel_shuffle(x0, 2), 2), torch.channel_shuffle(x0, 2)]',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), [r.int(1, 2), r.pick([4, 8]), r.int(1, 3), r.int(1, 3)])] }),
  fl: (fl, [x]) => [fl.pixelShuffle(x, 2), fl.pixelUnshuffle(fl.pixelShuffle(x, 2), 2), fl.channelShuffle(x, 2)],
});

module.exports = { SPECS: specs };
