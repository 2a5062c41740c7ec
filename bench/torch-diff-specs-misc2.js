// torch-diff-specs-misc2.js — bench/torch-diff.js's specs for lib/ops/misc2.ts and lib/nn/init-gumbel.ts
// (the format of bench/torch-diff-specs.js): Tensor.unfold, fmax / fmin, sumToSize, expandAs, viewAs,
// reshapeAs, typeAs, the new* factories, stride and the small predicates, isposinf / isneginf / isreal,
// the comparison and cat aliases, t, ravel, pinverse, rsub, asTensor, finfo / iinfo, randintLike (its
// shape, dtype and range), F.gumbelSoftmax (what does not depend on the draw: the row sums, one-hot-ness),
// nn.init.truncNormal_ (the range), eye_ and dirac_.
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const FI = [...F, 'int32', 'uint8'];
const ALL = [...FI, 'bool'];
const specs = [];
const add = (s) => specs.push(s);
// A dtype argument on torch's side goes through PYDT: flintml's int32 stands for torch's int64 (the harness reads them as one).

/** Two broadcastable shapes (incompatible now and then: both refuse). */
function bshapes(r, bad = 0) {
  const s = r.shape(0, 3);
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  if (r.bool(0.3)) t.unshift(r.int(1, 3));
  if (bad && r.bool(bad) && t.length) t[t.length - 1] += 2;
  return r.bool() ? [s, t] : [t, s];
}

// ---- views ---------------------------------------------------------------------------------------------
add({
  name: 'unfold', py: 'x0.unfold(a.d, a.size, a.step)',
  gen: (r) => {
    const s = r.shape(0, 3, 5);
    const nd = s.length;
    const d = r.bool(0.05) ? nd + 1 : r.dim(nd);
    const n = nd === 0 ? 1 : s[(d + nd) % Math.max(nd, 1)] ?? 1;
    return { ins: [r.tensor(r.pick(ALL), s, 'grid')], a: { d, size: r.int(0, n + (r.bool(0.1) ? 1 : 0)), step: r.bool(0.05) ? 0 : r.int(1, 3) } };
  },
  fl: (fl, [x], a) => x.unfold(a.d, a.size, a.step),
});
add({
  name: 'sumToSize', py: 'x0.sum_to_size(a.size)',
  gen: (r) => {
    const s = r.shape(1, 3);
    let size = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.4) ? 1 : d));
    if (r.bool(0.1)) size = [...size.slice(0, -1), (size[size.length - 1] ?? 1) + 1];
    return { ins: [r.tensor(r.pick(F), s, 'grid')], a: { size } };
  },
  fl: (fl, [x], a) => x.sumToSize(a.size), tol: 4,
});
add({
  name: 'expandAs', py: 'x0.expand_as(x1)',
  gen: (r) => { const [s, t] = bshapes(r, 0.1); return { ins: [r.tensor(r.pick(ALL), t), r.tensor(r.pick(ALL), s)] }; },
  fl: (fl, [a, b]) => a.expandAs(b),
});
add({
  name: 'viewAs-reshapeAs', py: '[x0.reshape_as(x1), x0.contiguous().view_as(x1)]',
  gen: (r) => {
    const s = r.shape(0, 3);
    const n = s.reduce((p, q) => p * q, 1);
    const t = r.bool(0.1) ? [n + 1] : r.pick([[n], [1, n], [n, 1], s.slice().reverse()]);
    return { ins: [r.tensor(r.pick(F), s), r.tensor('float32', t)] };
  },
  fl: (fl, [a, b]) => [a.reshapeAs(b), a.contiguous().viewAs(b)],
});
add({
  name: 'typeAs', py: 'x0.type_as(x1)',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3)), r.tensor(r.pick(ALL), r.shape(0, 1))] }),
  fl: (fl, [a, b]) => a.typeAs(b),
});
add({
  name: 'ravel-t', py: '[torch.ravel(x0), x0.ravel(), torch.t(x0)]',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3))] }),
  fl: (fl, [x]) => [fl.ravel(x), x.ravel(), fl.t(x)],
});

// ---- factories and facts -----------------------------------------------------------------------------------
add({
  name: 'newZeros-newOnes-newFull', grad: false,
  py: '(lambda PYDT: [x0.new_zeros(a.s), x0.new_ones(a.s, dtype=(getattr(torch, PYDT.get(a.dt, a.dt)) if a.dt else None)), x0.new_full(a.s, a.v), list(x0.new_empty(a.s).shape), x0.new_empty(a.s).dtype])({"int32": "int64"})',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 2))], a: { s: r.shape(0, 3), dt: r.pick([null, 'float64', 'int32']), v: r.pick([0, 1, 2.5, -1]) } }),
  fl: (fl, [x], a) => [x.newZeros(a.s), x.newOnes(a.s, { dtype: a.dt ?? undefined }), x.newFull(a.s, a.v), x.newEmpty(a.s).shape, x.newEmpty(a.s).dtype],
  // torch 1.13's new_full of a bool tensor with a non-bool value stores value != 0 (true): the same here
});
add({
  name: 'newTensor', grad: false, py: 'x0.new_tensor(a.data)',
  gen: (r) => ({ ins: [r.tensor(r.pick(FI), r.shape(0, 2))], a: { data: r.pick([[1, 2, 3], [[0.5, -1], [2, 3]], [0], []]) } }),
  fl: (fl, [x], a) => x.newTensor(a.data),
  known: (a, ins) => (ins[0].dtype === 'uint8' && JSON.stringify(a.data).includes('-') ? 'torch 1.13 wraps -1 into uint8 (255); flintml\'s tensor() refuses a value its dtype cannot hold (OverflowError)' : null),
});
add({
  name: 'predicates', grad: false,
  py: '[x0.is_floating_point(), torch.is_floating_point(x0), x0.is_signed(), list(x0.stride()), x0.element_size(), x0.nelement(), x0.ndimension(), torch.numel(x0), torch.is_tensor(x0)]',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3))] }),
  // the harness builds torch's tensors contiguous and ours sometimes transposed ('t' layout), so the
  // strides compared are those of a fresh tensor of the shape; torch's int64 is 8 bytes, flintml's int32 4
  fl: (fl, [x]) => [x.isFloatingPoint(), fl.isFloatingPoint(x), x.isSigned(), fl.zeros(x.shape).stride(), x.elementSize(), x.nelement(), x.ndimension(), fl.numel(x), fl.isTensor(x)],
  known: (a, ins) => (ins[0].dtype === 'int32' ? 'element size: flintml\'s int32 (4 bytes) stands for torch\'s int64 (8)' : null),
});
add({
  name: 'isposinf-isneginf-isreal', grad: false, py: '[torch.isposinf(x0), x0.isneginf(), torch.isreal(x0)]',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), 'special')] }),
  fl: (fl, [x]) => [fl.isposinf(x), x.isneginf(), fl.isreal(x)],
});
add({
  name: 'finfo-iinfo', grad: false,
  py: '([torch.finfo(getattr(torch, a.d)).bits, torch.finfo(getattr(torch, a.d)).eps, torch.finfo(getattr(torch, a.d)).max, torch.finfo(getattr(torch, a.d)).min, torch.finfo(getattr(torch, a.d)).tiny, torch.finfo(getattr(torch, a.d)).resolution] if a.d.startswith("float") or a.d.startswith("bfloat") else [torch.iinfo(getattr(torch, a.d)).bits, torch.iinfo(getattr(torch, a.d)).max, torch.iinfo(getattr(torch, a.d)).min])',
  gen: (r) => ({ ins: [], a: { d: r.pick([...F, 'int32', 'uint8', 'bool']) } }),
  fl: (fl, _, a) => { if (a.d.includes('float')) { const f = fl.finfo(a.d); return [f.bits, f.eps, f.max, f.min, f.tiny, f.resolution]; } const i = fl.iinfo(a.d); return [i.bits, i.max, i.min]; },
});

// ---- binary ------------------------------------------------------------------------------------------------
for (const [name, tname] of [['fmax', 'fmax'], ['fmin', 'fmin']]) {
  add({
    name, py: `torch.${tname}(x0, x1)`,
    gen: (r) => { const [s, t] = bshapes(r, 0.05); const d = r.pick(FI); return { ins: [r.tensor(d, s, 'special'), r.tensor(r.bool(0.7) ? d : r.pick(FI), t, 'special')] }; },
    fl: (fl, [a, b]) => fl[name](a, b),
  });
}
for (const [name, tname] of [['greater', 'greater'], ['greaterEqual', 'greater_equal'], ['less', 'less'], ['lessEqual', 'less_equal'], ['notEqual', 'not_equal']]) {
  add({
    name, grad: false, py: `[torch.${tname}(x0, x1), x0.${tname}(a.s)]`,
    gen: (r) => { const [s, t] = bshapes(r, 0.05); return { ins: [r.tensor(r.pick(ALL), s, 'special'), r.tensor(r.pick(ALL), t, 'special')], a: { s: r.pick([0, 1, -0.5]) } }; },
    fl: (fl, [a, b], o) => [fl[name](a, b), a[name](o.s)],
  });
}
add({
  name: 'concat-concatenate', py: '[torch.concat([x0, x1], a.d), torch.concatenate([x0, x1], a.d)] if hasattr(torch, "concatenate") else [torch.concat([x0, x1], a.d), torch.cat([x0, x1], a.d)]',
  gen: (r) => {
    const s = r.shape(1, 3);
    const d = r.dim(s.length);
    const t = s.slice(); t[(d + s.length) % s.length] = r.int(0, 3);
    if (r.bool(0.05)) t.push(2);
    const dt = r.pick(F);
    return { ins: [r.tensor(dt, s), r.tensor(dt, t)], a: { d } };
  },
  fl: (fl, [a, b], o) => [fl.concat([a, b], o.d), fl.concatenate([a, b], o.d)],
});
add({
  name: 'adjoint-mH-H', py: '[torch.adjoint(x0), x0.mH, x0.H if x0.dim() in (0, 2) else x0.adjoint()]',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(r.bool(0.1) ? 0 : 1, 4))] }),
  fl: (fl, [x]) => [fl.adjoint(x), x.mH, x.ndim === 0 || x.ndim === 2 ? x.H : x.adjoint()],
});
add({
  name: 'rsub', py: 'torch.rsub(x0, x1, alpha=a.al) if a.t else torch.rsub(x0, a.s, alpha=a.al)',
  gen: (r) => { const [s, t] = bshapes(r, 0.05); const d = r.pick(F); return { ins: [r.tensor(d, s), r.tensor(d, t)], a: { t: r.bool(), s: r.pick([0, 2, -1.5]), al: r.pick([1, 2, -0.5]) } }; },
  fl: (fl, [a, b], o) => (o.t ? fl.rsub(a, b, o.al) : fl.rsub(a, o.s, o.al)),
});
add({
  name: 'pinverse', py: 'torch.pinverse(x0, a.rc) if a.rc is not None else x0.pinverse()',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), [...(r.bool(0.3) ? [2] : []), r.int(1, 4), r.int(1, 4)], 'cont')], a: { rc: r.pick([null, 1e-15, 0.1]) } }),
  fl: (fl, [x], o) => (o.rc !== null ? fl.pinverse(x, o.rc) : x.pinverse()), tol: 64,
});
add({
  name: 'asTensor', py: '(lambda PYDT: torch.as_tensor(x0, dtype=(getattr(torch, PYDT.get(a.dt, a.dt)) if a.dt else None)))({"int32": "int64"})',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3))], a: { dt: r.pick([null, 'float64', 'float32', 'int32']) } }),
  fl: (fl, [x], o) => fl.asTensor(x, { dtype: o.dt ?? undefined }),
});
add({
  name: 'asTensor-data', grad: false, py: 'torch.as_tensor(a.data, dtype=(getattr(torch, a.dt) if a.dt else None))',
  gen: (r) => ({ ins: [], a: { data: r.pick([[1, 2, 3], [[0.5, -1], [2, 3]], [true, false], 3.5]), dt: r.pick([null, 'float64']) } }),
  fl: (fl, _, o) => fl.asTensor(o.data, { dtype: o.dt ?? undefined }),
});

// ---- random: what does not depend on the draw ------------------------------------------------------------------
add({
  name: 'randintLike', grad: false,
  py: '(lambda PYDT: (lambda y: [list(y.shape), y.dtype, bool(((y >= a.lo) & (y < a.hi)).all())])(torch.randint_like(x0, a.lo, a.hi, dtype=(getattr(torch, PYDT.get(a.dt, a.dt)) if a.dt else None))))({"int32": "int64"})',
  gen: (r) => ({ ins: [r.tensor(r.pick(FI), r.shape(0, 3))], a: { lo: r.pick([0, -3, 2]), hi: r.pick([1, 5, 300, 2]), dt: r.pick([null, 'int32', 'float64']) } }),
  fl: (fl, [x], o) => { const y = fl.randintLike(x, o.lo, o.hi, { dtype: o.dt ?? undefined }); return [y.shape, y.dtype, fl.logicalAnd(fl.ge(y, o.lo), fl.lt(y, o.hi)).all().item()]; },
  // fl.randint refuses a range its dtype cannot hold exactly (uint8: 0..255, bfloat16: ±256, float16: ±2048);
  // torch 1.13 wraps it into uint8 (values mod 256) or rounds it in the half types
  known: (a, ins) => {
    const [mn, mx] = { uint8: [0, 255], bfloat16: [-256, 256], float16: [-2048, 2048] }[a.dt ?? ins[0].dtype] ?? [-Infinity, Infinity];
    return a.lo < mn || a.hi - 1 > mx ? 'a range the dtype cannot hold exactly: torch 1.13 wraps (uint8) or rounds (half types), flintml refuses, as fl.randint' : null;
  },
});
add({
  name: 'gumbelSoftmax', grad: false,
  py: '(lambda y: [y.sum(a.d), list(y.shape), bool(((y == 0) | (y == 1)).all()) if a.hard else True])(F.gumbel_softmax(x0, tau=a.tau, hard=a.hard, dim=a.d))',
  gen: (r) => { const s = r.shape(1, 3, 4, false); return { ins: [r.tensor(r.pick(['float32', 'float64']), s, 'cont')], a: { tau: r.pick([1, 0.5, 2]), hard: r.bool(), d: r.dim(s.length) } }; },
  fl: (fl, [x], o) => { const y = fl.nn.functional.gumbelSoftmax(x, { tau: o.tau, hard: o.hard, dim: o.d }); return [y.sum(o.d), y.shape, o.hard ? fl.logicalOr(fl.eq(y, 0), fl.eq(y, 1)).all().item() : true]; },
  tol: 16,
});
add({
  name: 'init.truncNormal_', grad: false,
  py: '(lambda y: [list(y.shape), bool(((y >= a.lo) & (y <= a.hi)).all())])(torch.nn.init.trunc_normal_(x0.clone(), a.m, a.s, a.lo, a.hi))',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), r.shape(1, 3, 6))], a: { m: r.pick([0, 1, -0.5]), s: r.pick([1, 0.02, 3]), lo: r.pick([-2, -1, 0]), hi: r.pick([2, 0.5, 3]) } }),
  fl: (fl, [x], o) => { const y = fl.nn.init.truncNormal_(x.clone(), o.m, o.s, o.lo, o.hi); return [y.shape, fl.logicalAnd(fl.ge(y, o.lo), fl.le(y, o.hi)).all().item()]; },
});
add({
  name: 'init.eye_-dirac_', grad: false,
  py: 'torch.nn.init.eye_(x0.clone()) if x0.dim() == 2 else torch.nn.init.dirac_(x0.clone(), a.g)',
  gen: (r) => {
    const nd = r.pick([2, 3, 4, 5, 1]);
    const s = Array.from({ length: nd }, () => r.int(1, 4));
    return { ins: [r.tensor(r.pick(['float32', 'float64']), s)], a: { g: r.pick([1, 1, 2]) } };
  },
  fl: (fl, [x], o) => (x.ndim === 2 ? fl.nn.init.eye_(x.clone()) : fl.nn.init.dirac_(x.clone(), o.g)),
});

// ---- in place: tril_, triu_, fillDiagonal_, the F.*_ activations, the random fills ----------------------------
add({
  name: 'tril_-triu_', grad: false, py: '[x0.clone().tril_(a.k), x0.clone().triu_(a.k)]',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(r.bool(0.05) ? 1 : 2, 4))], a: { k: r.int(-2, 2) } }),
  fl: (fl, [x], a) => [x.clone().tril_(a.k), x.clone().triu_(a.k)],
});
add({
  name: 'fillDiagonal_', grad: false, py: 'x0.clone().fill_diagonal_(a.v, wrap=a.w)',
  gen: (r) => {
    const nd = r.pick([2, 2, 2, 3, 4, 1]);
    const n = r.int(1, 4);
    const s = nd === 2 ? [r.int(0, 7), r.int(0, 4)] : Array.from({ length: nd }, () => (r.bool(0.1) ? n + 1 : n));
    return { ins: [r.tensor(r.pick(FI), s)], a: { v: r.pick([0, 1, -2.5]), w: r.bool() } };
  },
  fl: (fl, [x], a) => x.clone().fillDiagonal_(a.v, a.w),
});
const F_INPLACE = [
  ['relu_', 'F.relu_(x0.clone())', (F, x) => F.relu_(x.clone())],
  ['leakyRelu_', 'F.leaky_relu_(x0.clone(), 0.2)', (F, x) => F.leakyRelu_(x.clone(), 0.2)],
  ['elu_', 'F.elu_(x0.clone(), 1.5)', (F, x) => F.elu_(x.clone(), 1.5)],
  ['selu_', 'F.selu_(x0.clone())', (F, x) => F.selu_(x.clone())],
  ['celu_', 'F.celu_(x0.clone(), 0.5)', (F, x) => F.celu_(x.clone(), 0.5)],
  ['hardtanh_', 'F.hardtanh_(x0.clone(), -1.0, 1.5)', (F, x) => F.hardtanh_(x.clone(), -1, 1.5)],
  ['threshold_', 'F.threshold_(x0.clone(), 0.5, -3.0)', (F, x) => F.threshold_(x.clone(), 0.5, -3)],
  ['rrelu_', 'F.rrelu_(x0.clone())', (F, x) => F.rrelu_(x.clone())],
];
for (const [name, py, f] of F_INPLACE) {
  add({ name: `F.${name}`, grad: false, py, gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), r.shape(0, 3), 'special')] }), fl: (fl, [x]) => f(fl.nn.functional, x) });
}
// the random fills: shape, dtype, and the support of the distribution (not the draws, which differ by design)
add({
  name: 'random-fills', grad: false,
  py: '[(lambda y: [y.dtype, list(y.shape), bool((y >= 0).all())])(x0.clone().exponential_(a.l)), (lambda y: bool((y >= 1).all() and (y == y.floor()).all()))(x0.clone().geometric_(a.p)), (lambda y: bool((y > 0).all()))(x0.clone().log_normal_(0.5, 0.25)), (lambda y: [bool(((y >= a.lo) & (y < a.hi)).all()), bool((y == y.floor()).all())])(x0.clone().random_(a.lo, a.hi)), x0.clone().cauchy_().shape]',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), r.shape(0, 3, 5))], a: { l: r.pick([1, 0.5, 3]), p: r.pick([0.2, 0.5, 0.9]), lo: r.pick([0, -3, 2]), hi: r.pick([3, 10]) } }),
  fl: (fl, [x], a) => {
    const e = x.clone().exponential_(a.l), g = x.clone().geometric_(a.p), ln = x.clone().logNormal_(0.5, 0.25), rd = x.clone().random_(a.lo, a.hi);
    return [[e.dtype, e.shape, fl.ge(e, 0).all().item()], fl.logicalAnd(fl.ge(g, 1), fl.eq(g, g.floor())).all().item(), fl.gt(ln, 0).all().item(),
      [fl.logicalAnd(fl.ge(rd, a.lo), fl.lt(rd, a.hi)).all().item(), fl.eq(rd, rd.floor()).all().item()], x.clone().cauchy_().shape];
  },
});

module.exports = { SPECS: specs };
