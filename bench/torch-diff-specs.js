// torch-diff-specs.js — what bench/torch-diff.js calls: one entry per call form, with how its inputs
// and arguments are drawn (gen), the flintml call (fl) and the same call in torch (py, a Python
// expression over x0, x1, ... and the arguments `a`). `tol` scales the float tolerance (reductions
// over many elements round differently); `grad: false` skips the gradient comparison; `known(a, ins)`
// names a documented difference (the case is counted as known, not as a finding).
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const FI = [...F, 'int32', 'uint8'];
const ALL = [...FI, 'bool'];

const specs = [];
const add = (s) => specs.push(s);

// ---- elementwise, unary --------------------------------------------------------------------------------
const UNARY = [
  // [flint name, torch name, dtypes, value kind]
  ['neg', 'neg', ALL, 'special'], ['abs', 'abs', ALL, 'special'],
  ['sign', 'sign', ALL, 'special'], ['exp', 'exp', FI, 'grid'], ['exp2', 'exp2', FI, 'grid'],
  ['log', 'log', FI, 'special'], ['log2', 'log2', FI, 'grid'], ['log10', 'log10', FI, 'grid'],
  ['log1p', 'log1p', FI, 'grid'], ['expm1', 'expm1', FI, 'grid'], ['sqrt', 'sqrt', FI, 'special'],
  ['rsqrt', 'rsqrt', FI, 'grid'], ['square', 'square', [...F, 'int32', 'bool'], 'grid'],
  ['sin', 'sin', FI, 'grid'], ['cos', 'cos', FI, 'grid'], ['tan', 'tan', FI, 'unit'],
  ['asin', 'asin', FI, 'unit'], ['acos', 'acos', FI, 'unit'], ['atan', 'atan', FI, 'grid'],
  ['sinh', 'sinh', FI, 'grid'], ['cosh', 'cosh', FI, 'grid'], ['tanh', 'tanh', FI, 'grid'],
  ['asinh', 'asinh', FI, 'grid'], ['acosh', 'acosh', FI, 'pos'], ['atanh', 'atanh', FI, 'unit'],
  ['sigmoid', 'sigmoid', FI, 'grid'], ['relu', 'relu', ALL, 'special'],
  // hardswish on 'cont' values: at exactly x = ±3 torch 1.13's vectorized gradient and its scalar
  // tail disagree with each other (flintml is the scalar one, the documented formula)
  ['softplus', 'F.softplus', F, 'grid'], ['silu', 'F.silu', F, 'grid'], ['hardswish', 'F.hardswish', F, 'cont'],
  ['erf', 'erf', FI, 'grid'], ['floor', 'floor', ALL, 'special'],
  ['ceil', 'ceil', ALL, 'special'], ['round', 'round', ALL, 'grid'],
  ['trunc', 'trunc', ALL, 'special'], ['reciprocal', 'reciprocal', FI, 'special'],
  ['logicalNot', 'logical_not', ALL, 'special'], ['isnan', 'isnan', ALL, 'special'],
  ['isinf', 'isinf', ALL, 'special'], ['isfinite', 'isfinite', ALL, 'special'],
];
for (const [name, tname, dtypes, kind] of UNARY) {
  const py = tname.startsWith('F.') ? `${tname}(x0)` : `torch.${tname}(x0)`;
  add({ name, py, gen: (r) => ({ ins: [r.tensor(r.pick(dtypes), r.shape(0, 3), kind)] }), fl: (fl, [x]) => fl[name](x) });
}
add({ name: 'leakyRelu', py: 'F.leaky_relu(x0, a.s)', gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3))], a: { s: r.pick([0.01, 0.2, -1.5, 0]) } }), fl: (fl, [x], a) => fl.leakyRelu(x, a.s) });
add({ name: 'gelu', py: 'F.gelu(x0, approximate=a.ap)', gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'cont')], a: { ap: r.pick(['none', 'tanh']) } }), fl: (fl, [x], a) => fl.gelu(x, a.ap), tol: 4,
  // x/2·(1 + erf(x/√2)) cancels for x << 0: a last-bit difference of two libraries' erf (the kernel's
  // and torch's CPU one) grows by 1 / (1 + erf), so the error scale is the input's
  absScale: ([x]) => 1024 * Math.max(0, ...x.v.map((v) => Math.abs(Number(v)) || 0)) });

// ---- elementwise, binary, with broadcasting and scalars -----------------------------------------------
/** Two broadcastable shapes. */
function bshapes(r) {
  const s = r.shape(0, 3);
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  if (r.bool(0.3)) t.unshift(r.int(1, 3));
  return r.bool() ? [s, t] : [t, s];
}
const BINARY = [
  ['add', 'add', ALL], ['sub', 'sub', FI], ['mul', 'mul', ALL], ['div', 'div', FI],
  ['pow', 'pow', FI], ['maximum', 'maximum', ALL], ['minimum', 'minimum', ALL],
  ['remainder', 'remainder', FI], ['floorDivide', 'floor_divide', FI], ['atan2', 'atan2', FI],
  ['eq', 'eq', ALL], ['ne', 'ne', ALL], ['lt', 'lt', ALL], ['le', 'le', ALL], ['gt', 'gt', ALL], ['ge', 'ge', ALL],
  ['logicalAnd', 'logical_and', ALL], ['logicalOr', 'logical_or', ALL], ['logicalXor', 'logical_xor', ALL],
];
for (const [name, tname, dtypes] of BINARY) {
  // maximum/minimum at a NaN: torch's gradient goes to both operands (its tie rule sees no tie), a
  // corner left out; the values with NaN are compared in the other ops
  const kindFor = (dt, r) => (name === 'pow' ? r.pick(['grid', 'pos']) : name === 'maximum' || name === 'minimum' ? 'grid' : r.pick(['grid', 'special']));
  add({
    name, py: `torch.${tname}(x0, x1)`,
    gen: (r) => {
      const [s, t] = bshapes(r);
      const d0 = r.pick(dtypes);
      const d1 = r.bool(0.6) ? d0 : r.pick(dtypes);
      const lo = name === 'pow' && (d0 === 'int32' || d1 === 'int32') ? 0 : -5;
      return { ins: [r.tensor(d0, s, kindFor(d0, r), lo, 5), r.tensor(d1, t, kindFor(d1, r), lo, 4)] };
    },
    // pow of an integer base: torch takes log(base) in float32 for the exponent's gradient even beside a
    // float64 exponent, flintml in the result's dtype
    fl: (fl, [a, b]) => fl[name](a, b), tol: name === 'pow' ? 4 : 1, gradTol: name === 'pow' ? 1e7 : name === 'atan2' ? 1e3 : undefined,
    known: name === 'atan2' ? (o, ins) => (ins.some((t) => t.dtype === 'uint8' || t.dtype === 'int32') && ins.some((t) => t.dtype.startsWith('float') || t.dtype === 'bfloat16')
      ? "torch 1.13 computes atan2's gradient with the integer operand in its own dtype (-4 wraps to 252 in uint8); flintml in the gradient's" : null) : undefined,
  });
  const op = { add: '+', sub: '-', mul: '*', div: '/', pow: '**', remainder: '%', floorDivide: '//', eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' }[name];
  // torch takes a Python number where flintml takes a JS number only in these ops (the others want
  // a tensor); a number first is the reflected operator (2 - x).
  if (!op) continue;
  add({
    name: `${name}-scalar`, py: `((a.s ${op} x0) if a.flip else torch.${tname}(x0, a.s))`,
    gen: (r) => {
      const d0 = r.pick(dtypes);
      // (no bool exponent for pow: torch's gradient of x ** False is not its x ** 0's)
      const sc = r.pick(name === 'pow' ? [0, 1, 2, -3, 0.5, -1.25, 2.5] : [0, 1, 2, -3, 0.5, -1.25, 2.5, true, false]);
      return { ins: [r.tensor(d0, r.shape(0, 3), 'grid', name === 'pow' ? 0 : -5, 5)], a: { s: sc, flip: r.bool(0.3) } };
    },
    fl: (fl, [x], a) => (a.flip ? fl[name](a.s, x) : fl[name](x, a.s)),
  });
}
add({ name: 'div-rounding', py: 'torch.div(x0, x1, rounding_mode=a.m)', gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(FI); return { ins: [r.tensor(d, s, 'grid'), r.tensor(r.bool(0.7) ? d : r.pick(FI), t, 'grid')], a: { m: r.pick(['floor', 'trunc']) } }; }, fl: (fl, [a, b], o) => fl.div(a, b, o.m) });
add({ name: 'add-alpha', py: 'torch.add(x0, x1, alpha=a.al)', gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(FI); return { ins: [r.tensor(d, s), r.tensor(d, t)], a: { al: r.pick([2, -1, 0.5]) } }; }, fl: (fl, [a, b], o) => fl.add(a, b, o.al) });
add({ name: 'clamp', py: 'torch.clamp(x0, a.lo, a.hi)', gen: (r) => { const dt = r.pick(FI); const lo = r.pick(dt === 'uint8' ? [null, 0, 3] : [null, -1, 0, 0.5]); const hi = r.pick(dt === 'uint8' ? [null, 1, 5] : [null, 1, 2.5, -2]); return { ins: [r.tensor(dt, r.shape(0, 3), 'special')], a: { lo, hi } }; }, fl: (fl, [x], a) => fl.clamp(x, a.lo, a.hi) });
add({ name: 'clamp-tensor', py: 'torch.clamp(x0, x1, x2)', gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(F); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, t, 'grid'), r.tensor(d, t, 'grid')] }; }, fl: (fl, [x, lo, hi]) => fl.clamp(x, lo, hi) });
add({ name: 'where', py: 'torch.where(x0, x1, x2)', gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(FI); return { ins: [r.tensor('bool', s), r.tensor(d, t), r.tensor(r.bool(0.7) ? d : r.pick(FI), s)] }; }, fl: (fl, [c, a, b]) => fl.where(c, a, b) });
add({ name: 'where-scalar', py: 'torch.where(x0, x1, a.s)', gen: (r) => { const [s, t] = bshapes(r); return { ins: [r.tensor('bool', s), r.tensor(r.pick(FI), t)], a: { s: r.pick([0, 1.5, -2]) } }; }, fl: (fl, [c, a], o) => fl.where(c, a, o.s) });
add({ name: 'maskedFill', py: 'x0.masked_fill(x1, a.s)', gen: (r) => { const s = r.shape(0, 3); const t = s.slice(r.int(0, s.length)); return { ins: [r.tensor(r.pick(ALL), s), r.tensor('bool', t)], a: { s: r.pick([0, 1, -2.5, true]) } }; }, fl: (fl, [x, m], a) => fl.maskedFill(x, m, a.s) });

// ---- reductions --------------------------------------------------------------------------------------
/** dim argument: none, one dim, or a list of distinct dims. */
function dims(r, n) {
  const p = r.u();
  if (p < 0.25 || n === 0) return null;
  if (p < 0.7) return r.dim(n);
  const ds = [];
  for (let d = 0; d < n; d++) if (r.bool()) ds.push(r.bool() ? d - n : d);
  return ds;
}
for (const [name, tname, dtypes, kind] of [
  ['sum', 'sum', ALL, 'grid'], ['mean', 'mean', F, 'grid'], ['prod', 'prod', FI, 'unit'],
  ['amax', 'amax', FI, 'grid'], ['amin', 'amin', FI, 'grid'], ['logsumexp', 'logsumexp', F, 'grid'],
  ['all', 'all', ALL, 'grid'], ['any', 'any', ALL, 'grid'],
]) {
  add({
    name, py: `(torch.${tname}(x0) if a.d is None else torch.${tname}(x0, a.d, keepdim=a.k))`,
    gen: (r) => {
      const s = r.shape(0, 3);
      let d = dims(r, s.length);
      if (name === 'logsumexp' && (d === null || (Array.isArray(d) && !d.length))) d = s.length ? r.dim(s.length) : [];
      if (name === 'prod' && Array.isArray(d)) d = s.length ? r.dim(s.length) : null;
      if ((name === 'all' || name === 'any') && Array.isArray(d)) d = s.length ? r.dim(s.length) : null;
      return { ins: [r.tensor(r.pick(dtypes), s, kind)], a: { d, k: r.bool() } };
    },
    fl: (fl, [x], a) => (a.d === null ? fl[name](x) : fl[name](x, a.d, a.k)), tol: 8,
  });
}
add({ name: 'sum-dtype', py: 'torch.sum(x0, a.d, dtype=getattr(torch, a.dt))', gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.dim(s.length), dt: r.pick(['float32', 'float64']) } }; }, fl: (fl, [x], a) => fl.sum(x, a.d, { dtype: a.dt }), tol: 8 });
for (const name of ['var', 'std']) {
  add({
    name, py: `(torch.${name}(x0, a.d, correction=a.c, keepdim=a.k) if a.d is not None else torch.${name}(x0, dim=None, correction=a.c))`,
    gen: (r) => {
      // More elements than the correction: N - correction <= 0 divides by zero, where torch's own
      // gradients are not meaningful (and its keepdim=True without a dim fails in its backward).
      const s = r.shape(1, 3).map((d) => Math.max(d, 1));
      let d = dims(r, s.length);
      if (Array.isArray(d) && !d.length) d = null;  // torch 1.13's var(x, []) reduces all in its forward but not in its backward
      const ds = d === null || (Array.isArray(d) && !d.length) ? s.map((_, k) => k) : [].concat(d).map((k) => (k < 0 ? k + s.length : k));
      const n = ds.reduce((p, k) => p * s[k], 1);
      return { ins: [r.tensor(r.pick(F), s, 'cont')], a: { d, c: r.int(0, Math.min(2, n - 1)), k: r.bool() } };
    },
    fl: (fl, [x], a) => (a.d === null ? fl[name](x, { correction: a.c }) : fl[name](x, a.d, { correction: a.c, keepdim: a.k })), tol: 16,
  });
}
for (const [name, tname] of [['max', 'max'], ['min', 'min']]) {
  add({ name: `${name}-all`, py: `torch.${tname}(x0)`, gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), 'special')] }), fl: (fl, [x]) => fl[name](x) });
  add({ name: `${name}-dim`, py: `torch.${tname}(x0, a.d, keepdim=a.k)`, gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(ALL), s, 'grid')], a: { d: r.dim(s.length), k: r.bool() } }; }, fl: (fl, [x], a) => fl[name](x, a.d, a.k) });
}
for (const name of ['argmax', 'argmin']) {
  add({ name, py: `(torch.${name}(x0) if a.d is None else torch.${name}(x0, a.d, keepdim=a.k))`, gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(FI), s, 'grid')], a: { d: s.length && r.bool(0.7) ? r.dim(s.length) : null, k: r.bool() } }; }, fl: (fl, [x], a) => (a.d === null ? fl[name](x) : fl[name](x, a.d, a.k)) });
}
add({ name: 'softmax', py: 'torch.softmax(x0, a.d)', gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(F), s, r.pick(['grid', 'special']))], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.softmax(x, a.d), tol: 4 });
add({ name: 'logSoftmax', py: 'torch.log_softmax(x0, a.d)', gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(F), s, 'grid')], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.logSoftmax(x, a.d), tol: 4 });
add({ name: 'cumsum', py: 'torch.cumsum(x0, a.d)', gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.cumsum(x, a.d), tol: 8 });
add({ name: 'cumprod', py: 'torch.cumprod(x0, a.d)', gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(FI), s, 'grid', -2, 2)], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.cumprod(x, a.d), tol: 8 });

// ---- sorting ------------------------------------------------------------------------------------------
add({ name: 'sort', py: 'torch.sort(x0, dim=a.d, descending=a.desc, stable=True)', gen: (r) => { const s = r.shape(0, 3, 5); return { ins: [r.tensor(r.pick(FI), s, r.pick(['grid', 'special']))], a: { d: r.dim(s.length), desc: r.bool() } }; }, fl: (fl, [x], a) => fl.sort(x, a.d, a.desc, true) });
add({ name: 'argsort', py: 'torch.argsort(x0, a.d, descending=a.desc)', gen: (r) => { const s = r.shape(0, 3, 5); return { ins: [r.tensor(r.pick(FI), s, 'cont')], a: { d: r.dim(s.length), desc: r.bool() } }; }, fl: (fl, [x], a) => fl.argsort(x, a.d, a.desc) });
add({ name: 'topk', py: 'torch.topk(x0, a.k, a.d, largest=a.l)', gen: (r) => { const s = r.shape(1, 3, 5); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; return { ins: [r.tensor(r.pick(['float32', 'float64']), s, 'cont')], a: { k: r.int(0, n), d, l: r.bool() } }; }, fl: (fl, [x], a) => fl.topk(x, a.k, a.d, a.l) });
// kthvalue, median along a dim and topk draw distinct values in float32/float64 (which index a tie
// gives is torch's implementation's choice; 16-bit rounding makes ties of the 'cont' values)
add({ name: 'kthvalue', py: 'torch.kthvalue(x0, a.k, a.d, keepdim=a.kd)', gen: (r) => { const s = r.shape(1, 3, 5); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; return { ins: [r.tensor(r.pick(['float32', 'float64']), s, 'cont')], a: { k: r.int(1, Math.max(n, 1)), d, kd: r.bool() } }; }, fl: (fl, [x], a) => fl.kthvalue(x, a.k, a.d, a.kd) });
add({ name: 'median-all', py: 'torch.median(x0)', gen: (r) => ({ ins: [r.tensor(r.pick(FI), r.shape(0, 3), 'grid')] }), fl: (fl, [x]) => fl.median(x),
  known: (a, [x]) => (x.dtype !== 'float32' && x.dtype !== 'float64' && x.dtype !== 'float16' && x.dtype !== 'bfloat16' && x.v.length === 0 ? "median of an empty integer tensor: torch's value is arbitrary (INT64_MIN), flintml refuses" : null) });
add({ name: 'median-dim', py: 'torch.median(x0, a.d, keepdim=a.k)', gen: (r) => { const s = r.shape(1, 3, 5); return { ins: [r.tensor(r.pick(['float32', 'float64']), s, 'cont')], a: { d: r.dim(s.length), k: r.bool() } }; }, fl: (fl, [x], a) => fl.median(x, a.d, a.k) });

// ---- views and shape ops ---------------------------------------------------------------------------
add({ name: 'transpose', py: 'x0.transpose(a.d0, a.d1)', gen: (r) => { const s = r.shape(1, 4); return { ins: [r.tensor(r.pick(ALL), s)], a: { d0: r.dim(s.length), d1: r.dim(s.length) } }; }, fl: (fl, [x], a) => x.transpose(a.d0, a.d1) });
add({ name: 'permute', py: 'x0.permute(*a.p)', gen: (r) => { const s = r.shape(1, 4); const p = s.map((_, i) => i).sort(() => r.u() - 0.5).map((d) => (r.bool(0.3) ? d - s.length : d)); return { ins: [r.tensor(r.pick(ALL), s)], a: { p } }; }, fl: (fl, [x], a) => x.permute(a.p) });
add({ name: 'reshape', py: 'x0.reshape(a.s)', gen: (r) => { const s = r.shape(1, 3); const n = s.reduce((p, q) => p * q, 1); const t = n === 0 ? [0, r.int(1, 3)] : r.pick([[n], [-1], [1, n], [n, 1, -1], [-1, 1]]); return { ins: [r.tensor(r.pick(ALL), s)], a: { s: t } }; }, fl: (fl, [x], a) => x.reshape(a.s) });
add({ name: 'flatten', py: 'torch.flatten(x0, a.s, a.e)', gen: (r) => { const s = r.shape(0, 4); return { ins: [r.tensor(r.pick(ALL), s)], a: { s: r.dim(s.length), e: r.pick([-1, r.dim(s.length)]) } }; }, fl: (fl, [x], a) => fl.flatten(x, a.s, a.e) });
add({ name: 'squeeze', py: '(x0.squeeze() if a.d is None else x0.squeeze(a.d))', gen: (r) => { const s = r.shape(0, 4); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: s.length && r.bool(0.7) ? r.dim(s.length) : null } }; }, fl: (fl, [x], a) => (a.d === null ? x.squeeze() : x.squeeze(a.d)) });
add({ name: 'unsqueeze', py: 'x0.unsqueeze(a.d)', gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.dim(s.length + 1) } }; }, fl: (fl, [x], a) => x.unsqueeze(a.d) });
add({ name: 'expand', py: 'x0.expand(a.s)', gen: (r) => { const s = r.shape(0, 3).map((d) => (r.bool() ? 1 : d)); const t = s.map((d) => (d === 1 ? r.pick([1, 3, -1]) : r.pick([d, -1]))); if (r.bool(0.3)) t.unshift(2); return { ins: [r.tensor(r.pick(ALL), s)], a: { s: t } }; }, fl: (fl, [x], a) => x.expand(a.s) });
add({ name: 'narrow', py: 'x0.narrow(a.d, a.st, a.len)', gen: (r) => { const s = r.shape(1, 3, 5); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; const st = r.int(-n, n); return { ins: [r.tensor(r.pick(ALL), s)], a: { d, st, len: r.int(0, Math.max(0, n - (st < 0 ? st + n : st))) } }; }, fl: (fl, [x], a) => x.narrow(a.d, a.st, a.len) });
add({ name: 'select', py: 'x0.select(a.d, a.i)', gen: (r) => { const s = r.shape(1, 3, 5); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; return { ins: [r.tensor(r.pick(ALL), s)], a: { d, i: r.int(-n, Math.max(n - 1, 0)) } }; }, fl: (fl, [x], a) => x.select(a.d, a.i) });
add({ name: 'slice', py: 'x0[(slice(None),) * (a.d % x0.dim()) + (slice(a.st, a.en, a.sp),)]', gen: (r) => { const s = r.shape(1, 3, 6); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.dim(s.length), st: r.pick([null, 0, 1, -2, 7, -9]), en: r.pick([null, 2, -1, 9, -7]), sp: r.pick([1, 2, 3]) } }; }, fl: (fl, [x], a) => fl.slice(x, a.d, a.st, a.en, a.sp) });
add({ name: 'diagonal', py: 'torch.diagonal(x0, a.o, a.d1, a.d2)', gen: (r) => { const s = r.shape(2, 4); let d1 = r.dim(s.length), d2 = r.dim(s.length); return { ins: [r.tensor(r.pick(ALL), s)], a: { o: r.int(-2, 2), d1, d2 } }; }, fl: (fl, [x], a) => fl.diagonal(x, a.o, a.d1, a.d2) });
add({ name: 'cat', py: 'torch.cat(xs, a.d)', gen: (r) => { const s = r.shape(1, 3); const d = r.dim(s.length); const n = r.int(1, 3); const ins = []; for (let k = 0; k < n; k++) { const t = s.slice(); t[d < 0 ? d + s.length : d] = r.int(0, 3); ins.push(r.tensor(r.bool(0.8) ? 'float32' : r.pick(ALL), t)); } return { ins, a: { d } }; }, fl: (fl, xs, a) => fl.cat(xs, a.d) });
add({ name: 'stack', py: 'torch.stack(xs, a.d)', gen: (r) => { const s = r.shape(0, 3); const n = r.int(1, 3); const dt = r.pick(ALL); const ins = []; for (let k = 0; k < n; k++) ins.push(r.tensor(r.bool(0.85) ? dt : r.pick(ALL), s)); return { ins, a: { d: r.dim(s.length + 1) } }; }, fl: (fl, xs, a) => fl.stack(xs, a.d) });
add({ name: 'split', py: 'torch.split(x0, a.s, a.d)', gen: (r) => { const s = r.shape(1, 3, 6); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; let sz = r.int(1, 4); if (r.bool(0.4)) { sz = []; let left = n; while (left > 0) { const k = r.int(0, left); sz.push(k); left -= k; } } return { ins: [r.tensor(r.pick(ALL), s)], a: { s: sz, d } }; }, fl: (fl, [x], a) => fl.split(x, a.s, a.d) });
add({ name: 'chunk', py: 'torch.chunk(x0, a.c, a.d)', gen: (r) => { const s = r.shape(1, 3, 7); return { ins: [r.tensor(r.pick(ALL), s)], a: { c: r.int(1, 5), d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.chunk(x, a.c, a.d) });
add({ name: 'unbind', py: 'torch.unbind(x0, a.d)', gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.unbind(x, a.d) });
add({ name: 'repeat', py: 'x0.repeat(*a.s)', gen: (r) => { const s = r.shape(0, 3); const t = []; for (let k = 0; k < s.length + r.int(0, 2); k++) t.push(r.int(0, 3)); return { ins: [r.tensor(r.pick(ALL), s)], a: { s: t.length ? t : [2] } }; }, fl: (fl, [x], a) => x.repeat(a.s) });
add({ name: 'roll', py: '(torch.roll(x0, a.s) if a.d is None else torch.roll(x0, a.s, a.d))', gen: (r) => { const s = r.shape(1, 3); const d = r.bool(0.3) ? null : r.dim(s.length); return { ins: [r.tensor(r.pick(ALL), s)], a: { s: r.int(-7, 7), d } }; }, fl: (fl, [x], a) => fl.roll(x, a.s, a.d) });
add({ name: 'flip', py: 'torch.flip(x0, a.d)', gen: (r) => { const s = r.shape(1, 3); const d = []; for (let k = 0; k < s.length; k++) if (r.bool()) d.push(r.bool() ? k - s.length : k); return { ins: [r.tensor(r.pick(ALL), s)], a: { d } }; }, fl: (fl, [x], a) => fl.flip(x, a.d) });
add({ name: 'triu', py: 'torch.triu(x0, a.o)', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(2, 3, 5))], a: { o: r.int(-3, 3) } }), fl: (fl, [x], a) => fl.triu(x, a.o) });
add({ name: 'tril', py: 'torch.tril(x0, a.o)', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(2, 3, 5))], a: { o: r.int(-3, 3) } }), fl: (fl, [x], a) => fl.tril(x, a.o) });

// ---- indexing ------------------------------------------------------------------------------------
add({ name: 'gather', py: 'torch.gather(x0, a.d, x1)', gen: (r) => { const s = r.shape(1, 3, 4); const d = r.dim(s.length); const dd = d < 0 ? d + s.length : d; const t = s.map((n, k) => (k === dd ? r.int(0, 4) : r.int(Math.min(n, 1), n))); return { ins: [r.tensor(r.pick(ALL), s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0))], a: { d } }; }, fl: (fl, [x, i], a) => fl.gather(x, a.d, i) });
add({ name: 'scatter', py: 'torch.scatter(x0, a.d, x1, x2)', gen: (r) => { const s = r.shape(1, 3, 4); const d = r.dim(s.length); const dd = d < 0 ? d + s.length : d; const t = s.map((n, k) => (k === dd ? Math.min(n, r.int(0, 1)) : r.int(Math.min(n, 1), n))); const dt = r.pick(ALL); return { ins: [r.tensor(dt, s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0)), r.tensor(dt, t)], a: { d } }; }, fl: (fl, [x, i, src], a) => fl.scatter(x, a.d, i, src) });
add({ name: 'scatterAdd', py: 'torch.scatter_add(x0, a.d, x1, x2)', gen: (r) => { const s = r.shape(1, 3, 4); const d = r.dim(s.length); const dd = d < 0 ? d + s.length : d; const t = s.map((n, k) => (k === dd ? r.int(0, 5) : r.int(Math.min(n, 1), n))); const dt = r.pick(FI); return { ins: [r.tensor(dt, s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0)), r.tensor(dt, t)], a: { d } }; }, fl: (fl, [x, i, src], a) => fl.scatterAdd(x, a.d, i, src), tol: 4 });
add({ name: 'indexSelect', py: 'torch.index_select(x0, a.d, x1)', gen: (r) => { const s = r.shape(1, 3, 4); const d = r.dim(s.length); const dd = d < 0 ? d + s.length : d; return { ins: [r.tensor(r.pick(ALL), s), r.tensor('int32', [r.int(0, 5)], 'index', 0, Math.max(s[dd] - 1, 0))], a: { d } }; }, fl: (fl, [x, i], a) => fl.indexSelect(x, a.d, i) });
add({ name: 'takeAlongDim', py: 'torch.take_along_dim(x0, x1, a.d)', gen: (r) => { const s = r.shape(1, 3, 4); const d = r.dim(s.length); const dd = d < 0 ? d + s.length : d; const t = s.map((n, k) => (k === dd ? r.int(0, 4) : r.pick([n, 1]))); return { ins: [r.tensor(r.pick(ALL), s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0))], a: { d } }; }, fl: (fl, [x, i], a) => fl.takeAlongDim(x, i, a.d) });
// a 0-dim tensor value: its gradient (the output's summed over the masked elements) as torch's
add({ name: 'maskedFill-tensorValue', py: 'x0.masked_fill(x1, x2)', gen: (r) => { const s = r.shape(0, 3); const t = s.slice(r.int(0, s.length)); const dt = r.pick(['float32', 'float64']); return { ins: [r.tensor(dt, s), r.tensor('bool', t), r.tensor(dt, [])] }; }, fl: (fl, [x, m, v]) => x.maskedFill(m, v) });
add({ name: 'maskedSelect', py: 'torch.masked_select(x0, x1)', gen: (r) => { const [s, t] = bshapes(r); return { ins: [r.tensor(r.pick(ALL), s), r.tensor('bool', t)] }; }, fl: (fl, [x, m]) => fl.maskedSelect(x, m) });
add({ name: 'nonzero', py: 'torch.nonzero(x0)', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), 'int', -1, 1)] }), fl: (fl, [x]) => fl.nonzero(x) });
add({ name: 'index-int', py: 'x0[a.i]', gen: (r) => { const s = r.shape(1, 3, 5); return { ins: [r.tensor(r.pick(ALL), s)], a: { i: r.int(-s[0], Math.max(s[0] - 1, 0)) } }; }, fl: (fl, [x], a) => x.index(a.i) });
add({ name: 'index-tensor', py: 'x0[x1]', gen: (r) => { const s = r.shape(1, 3, 5); return { ins: [r.tensor(r.pick(F), s), r.tensor('int32', r.shape(1, 2, 3), 'int', -s[0], s[0] - 1)] }; }, fl: (fl, [x, i]) => x.index(i) });
add({ name: 'index-bool', py: 'x0[x1]', gen: (r) => { const s = r.shape(1, 3, 4); return { ins: [r.tensor(r.pick(F), s), r.tensor('bool', s.slice(0, r.int(1, s.length)))] }; }, fl: (fl, [x, m]) => x.index(m) });

// ---- matmul family ---------------------------------------------------------------------------------
/** The products' absolute error scale: K·max|a|·max|b| (a sum that cancels to 0 keeps the rounding of its terms). */
const productScale = (ins) => {
  const m = (t) => Math.max(0, ...t.v.map((v) => Math.abs(Number(v)) || 0));
  const k = Math.max(1, ...ins.map((t) => t.shape[t.shape.length - 1] || 1));
  return ins.length === 2 ? k * m(ins[0]) * m(ins[1]) : 0;
};
add({ name: 'matmul', py: 'torch.matmul(x0, x1)', gen: (r) => { const k = r.int(1, 4); const a = r.int(1, 3), b = r.int(1, 3); const batch = r.shape(0, 2, 3, false); const pre = (d) => (d === 1 ? [k] : [...batch.slice(r.int(0, batch.length)), r.int(1, 3), k]); const s0 = r.bool(0.2) ? [k] : [...batch, a, k]; const s1 = r.bool(0.2) ? [k] : [...batch.map((d) => (r.bool(0.3) ? 1 : d)), k, b]; const dt = r.pick(F); return { ins: [r.tensor(dt, s0, 'cont'), r.tensor(dt, s1, 'cont')] }; }, fl: (fl, [a, b]) => fl.matmul(a, b), tol: 16, absScale: productScale });
add({ name: 'mm', py: 'torch.mm(x0, x1)', gen: (r) => { const [m, k, n] = [r.int(0, 4), r.int(0, 4), r.int(0, 4)]; const dt = r.pick(F); return { ins: [r.tensor(dt, [m, k], 'cont'), r.tensor(dt, [k, n], 'cont')] }; }, fl: (fl, [a, b]) => fl.mm(a, b), tol: 16, absScale: productScale });
add({ name: 'bmm', py: 'torch.bmm(x0, x1)', gen: (r) => { const [bt, m, k, n] = [r.int(0, 3), r.int(1, 4), r.int(1, 4), r.int(1, 4)]; const dt = r.pick(F); return { ins: [r.tensor(dt, [bt, m, k], 'cont'), r.tensor(dt, [bt, k, n], 'cont')] }; }, fl: (fl, [a, b]) => fl.bmm(a, b), tol: 16, absScale: productScale });
add({ name: 'mv', py: 'torch.mv(x0, x1)', gen: (r) => { const [m, k] = [r.int(0, 4), r.int(0, 4)]; const dt = r.pick(F); return { ins: [r.tensor(dt, [m, k], 'cont'), r.tensor(dt, [k], 'cont')] }; }, fl: (fl, [a, b]) => fl.mv(a, b), tol: 16, absScale: productScale });
add({ name: 'dot', py: 'torch.dot(x0, x1)', gen: (r) => { const k = r.int(0, 6); const dt = r.pick(F); return { ins: [r.tensor(dt, [k], 'cont'), r.tensor(dt, [k], 'cont')] }; }, fl: (fl, [a, b]) => fl.dot(a, b), tol: 16, absScale: productScale });
add({ name: 'outer', py: 'torch.outer(x0, x1)', gen: (r) => { const dt = r.pick(FI); return { ins: [r.tensor(dt, [r.int(0, 4)]), r.tensor(dt, [r.int(0, 4)])] }; }, fl: (fl, [a, b]) => fl.outer(a, b) });

// ---- casts and creation ----------------------------------------------------------------------------
add({ name: 'to', py: 'x0.to(getattr(torch, a.dt if a.dt != "int32" else "int64"))', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), r.pick(['grid', 'special']))], a: { dt: r.pick(ALL) } }), fl: (fl, [x], a) => x.to(a.dt),
  known: (a, [x]) => ((a.dt === 'int32' || a.dt === 'uint8') && x.v.some((v) => v === 'nan' || v === 'inf' || v === '-inf' || (a.dt === 'uint8' && v < 0))
    ? 'a float cast to an integer dtype out of its range (NaN, ±inf, negative to uint8) is undefined in C++: torch gives what its CPU does, flintml saturates' : null) });
add({ name: 'arange', grad: false, py: 'torch.arange(a.s, a.e, a.st)', gen: (r) => ({ ins: [], a: { s: r.pick([0, 1, -2, 0.5]), e: r.pick([5, 3.5, -1, 10]), st: r.pick([1, 2, -1, 0.5, 0.3]) } }), fl: (fl, _, a) => fl.arange(a.s, a.e, a.st) });
add({ name: 'linspace', grad: false, py: 'torch.linspace(a.s, a.e, a.n)', gen: (r) => ({ ins: [], a: { s: r.pick([0, 1, -2, 0.5]), e: r.pick([5, 3.5, -1, 10]), n: r.int(0, 7) } }), fl: (fl, _, a) => fl.linspace(a.s, a.e, a.n) });
add({ name: 'full', grad: false, py: 'torch.full(a.s, a.v)', gen: (r) => ({ ins: [], a: { s: r.shape(0, 3), v: r.pick([0, 1, 2.5, -3, true, false]) } }), fl: (fl, _, a) => fl.full(a.s, a.v),
  known: (a) => (typeof a.v === 'number' && Number.isInteger(a.v) ? "fl.full's dtype is the default dtype (float32) for every number, as its doc comment says (JS has no 1 vs 1.0); torch.full's is int64 for a Python int" : null) });
add({ name: 'eye', grad: false, py: 'torch.eye(a.n, a.m)', gen: (r) => ({ ins: [], a: { n: r.int(0, 4), m: r.int(0, 4) } }), fl: (fl, _, a) => fl.eye(a.n, a.m) });
add({ name: 'tensor-infer', grad: false, py: 'torch.tensor(a.v)', gen: (r) => ({ ins: [], a: { v: r.pick([[1, 2, 3], [1.5, 2], [true, false], [[1, 2], [3, 4]], 3, 2.5, true, [], [[]]]) } }), fl: (fl, _, a) => fl.tensor(a.v) });

// ---- in-place ops: the result must fit self's dtype and shape (torch refuses a float result into an
// integer tensor, and a broadcast that would grow self); grad off (flintml refuses in-place ops on
// tensors that require grad while grad is enabled, a documented difference)
for (const [name, tname, dtypes] of [['add_', 'add_', ALL], ['sub_', 'sub_', FI], ['mul_', 'mul_', ALL], ['div_', 'div_', FI], ['pow_', 'pow_', FI]]) {
  add({
    name: `inplace.${name}`, grad: false, py: `x0.clone().${tname}(x1)`,
    gen: (r) => {
      const [s, t] = bshapes(r);
      const d0 = r.pick(dtypes), d1 = r.bool(0.5) ? d0 : r.pick(dtypes);
      return { ins: [r.tensor(d0, s, 'grid', name === 'pow_' ? 0 : -5, 5), r.tensor(d1, t, name === 'pow_' ? 'pos' : 'grid', name === 'pow_' ? 0 : -5, 4)] };
    },
    fl: (fl, [a, b]) => a.clone()[name](b),
  });
  add({
    name: `inplace.${name}-scalar`, grad: false, py: `x0.clone().${tname}(a.s)`,
    gen: (r) => ({ ins: [r.tensor(r.pick(dtypes), r.shape(0, 3), 'grid', name === 'pow_' ? 0 : -5, 5)], a: { s: r.pick(name === 'pow_' ? [0, 1, 2, 0.5] : [0, 1, 2, -3, 0.5, -1.25, true, false]) } }),
    fl: (fl, [a], o) => a.clone()[name](o.s),
  });
}
for (const name of ['neg_', 'abs_', 'exp_', 'log_', 'sqrt_', 'tanh_', 'sigmoid_', 'relu_', 'floor_', 'ceil_', 'round_', 'reciprocal_', 'zero_']) {
  add({ name: `inplace.${name}`, grad: false, py: `x0.clone().${name}()`, gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), 'special')] }), fl: (fl, [a]) => a.clone()[name]() });
}
add({ name: 'inplace.clamp_', grad: false, py: 'x0.clone().clamp_(a.lo, a.hi)', gen: (r) => ({ ins: [r.tensor(r.pick(FI), r.shape(0, 3), 'special')], a: { lo: r.pick([null, 0, -1.5]), hi: r.pick([1, 2.5, null]) } }), fl: (fl, [a], o) => a.clone().clamp_(o.lo, o.hi) });
add({ name: 'inplace.fill_', grad: false, py: 'x0.clone().fill_(a.v)', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3))], a: { v: r.pick([0, 1, -2, 2.5, true, 300]) } }), fl: (fl, [a], o) => a.clone().fill_(o.v) });
add({
  name: 'inplace.copy_', grad: false, py: 'x0.clone().copy_(x1)',
  gen: (r) => { const [s, t] = bshapes(r); return { ins: [r.tensor(r.pick(ALL), s, 'grid'), r.tensor(r.pick(ALL), t, r.pick(['grid', 'special']))] }; },
  fl: (fl, [a, b]) => a.clone().copy_(b),
  known: (o, [a, b]) => ((a.dtype === 'int32' || a.dtype === 'uint8') && b.v.some((v) => v === 'nan' || v === 'inf' || v === '-inf' || (a.dtype === 'uint8' && Number(v) < 0))
    ? 'a float copied into an integer dtype out of its range (NaN, ±inf, negative to uint8) is undefined in C++: torch gives what its CPU does, flintml saturates' : null),
});

// ---- other call forms of the same ops -------------------------------------------------------------
for (const name of ['max', 'min']) {
  add({ name: `${name}-binary`, py: `torch.${name}(x0, x1)`, gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(FI); return { ins: [r.tensor(d, s), r.tensor(r.bool(0.7) ? d : r.pick(FI), t)] }; }, fl: (fl, [a, b]) => fl[name](a, b) });
}
for (const name of ['cumsum', 'cumprod']) {
  // (cumprod's gradient with a dtype fails inside torch 1.13: masked_scatter of two dtypes; values only)
  add({ name: `${name}-dtype`, grad: name === 'cumsum', py: `torch.${name}(x0, a.d, dtype=getattr(torch, a.dt))`, gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(ALL), s, 'grid', -2, 2)], a: { d: r.dim(s.length), dt: r.pick(['float32', 'float64']) } }; }, fl: (fl, [x], a) => fl[name](x, a.d, a.dt), tol: 8 });
}
for (const name of ['var', 'std']) {
  add({
    name: `${name}-unbiased`, py: `torch.${name}(x0, a.d, a.u, a.k)`,
    gen: (r) => { const s = r.shape(1, 3).map((d) => d + 1); return { ins: [r.tensor(r.pick(F), s, 'cont')], a: { d: r.dim(s.length), u: r.bool(), k: r.bool() } }; },
    fl: (fl, [x], a) => fl[name](x, a.d, { unbiased: a.u, keepdim: a.k }), tol: 16,
  });
  // the positional form ported code uses: torch.var(x, dim, unbiased[, keepdim]), and x.var(unbiased)
  add({
    name: `${name}-positional`, py: `(x0.${name}(a.u) if a.d is None else torch.${name}(x0, a.d, a.u) if a.k is None else torch.${name}(x0, a.d, a.u, a.k))`,
    // (2 or more elements: torch 1.13's backward of std over a single element fails on its own shapes)
    gen: (r) => { const s = r.shape(1, 3).map((d) => d + 2); return { ins: [r.tensor(r.pick(F), s, 'cont')], a: { d: r.bool(0.2) ? null : r.dim(s.length), u: r.bool(), k: r.pick([null, true, false]) } }; },
    fl: (fl, [x], a) => (a.d === null ? x[name](a.u) : a.k === null ? fl[name](x, a.d, a.u) : fl[name](x, a.d, a.u, a.k)), tol: 16,
  });
}
for (const name of ['sum', 'mean', 'prod']) {
  add({ name: `${name}-empty`, py: `(torch.${name}(x0) if a.d is None else torch.${name}(x0, a.d, keepdim=a.k))`, gen: (r) => { const s = r.shape(1, 3); s[r.int(0, s.length - 1)] = 0; return { ins: [r.tensor(r.pick(F), s)], a: { d: r.bool() ? null : r.dim(s.length), k: r.bool() } }; }, fl: (fl, [x], a) => (a.d === null ? fl[name](x) : fl[name](x, a.d, a.k)) });
}
for (const name of ['zerosLike', 'onesLike']) {
  const t = name === 'zerosLike' ? 'zeros_like' : 'ones_like';
  add({ name, grad: false, py: `(torch.${t}(x0) if a.dt is None else torch.${t}(x0, dtype=getattr(torch, a.dt if a.dt != 'int32' else 'int64')))`, gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3))], a: { dt: r.pick([null, ...ALL]) } }), fl: (fl, [x], a) => (a.dt === null ? fl[name](x) : fl[name](x, { dtype: a.dt })) });
}
add({ name: 'fullLike', grad: false, py: 'torch.full_like(x0, a.v)', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3))], a: { v: r.pick([0, 1, 2.5, -3, true]) } }), fl: (fl, [x], a) => fl.fullLike(x, a.v) });
add({ name: 'arange-dtype', grad: false, py: "torch.arange(a.s, a.e, a.st, dtype=getattr(torch, a.dt if a.dt != 'int32' else 'int64'))", gen: (r) => ({ ins: [], a: { s: r.pick([0, 1, -2, 0.5]), e: r.pick([5, 3.5, -1, 10]), st: r.pick([1, 2, -1, 0.5]), dt: r.pick(['float32', 'float64', 'int32', 'float16', 'bfloat16']) } }), fl: (fl, _, a) => fl.arange(a.s, a.e, a.st, { dtype: a.dt }) });
add({ name: 'linspace-dtype', grad: false, py: "torch.linspace(a.s, a.e, a.n, dtype=getattr(torch, a.dt if a.dt != 'int32' else 'int64'))", gen: (r) => ({ ins: [], a: { s: r.pick([0, 1, -2, 0.5]), e: r.pick([5, 3.5, -1, 10]), n: r.int(0, 7), dt: r.pick(['float32', 'float64', 'int32', 'float16', 'bfloat16']) } }), fl: (fl, _, a) => fl.linspace(a.s, a.e, a.n, { dtype: a.dt }) });

// ---- Tensor methods and conversions ----------------------------------------------------------------
add({ name: 'T', py: 'x0.T', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 4))] }), fl: (fl, [x]) => x.T });
add({ name: 'mT', py: 'x0.mT', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 4))] }), fl: (fl, [x]) => x.mT });
add({ name: 't', py: 'x0.t()', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3))] }), fl: (fl, [x]) => x.t() });
// (contiguous only: torch's inputs here always are, and whether a view exists depends on the layout)
add({ name: 'view-1', py: 'x0.view(-1)', gen: (r) => ({ ins: [{ ...r.tensor(r.pick(ALL), r.shape(0, 3)), layout: 'c' }] }), fl: (fl, [x]) => x.view(-1) });
add({ name: 'item', grad: false, py: 'x0.item()', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.pick([[], [1], [1, 1], [2], [0]]), 'special')] }), fl: (fl, [x]) => x.item() });
add({ name: 'tolist', grad: false, py: 'x0.tolist()', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), 'grid')] }), fl: (fl, [x]) => x.tolist() });
add({ name: 'size', grad: false, py: '(x0.size() if a.d is None else x0.size(a.d))', gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor('float32', s)], a: { d: r.bool() || !s.length ? null : r.dim(s.length) } }; }, fl: (fl, [x], a) => (a.d === null ? x.size() : x.size(a.d)) });
add({ name: 'dim-numel', grad: false, py: '[x0.dim(), x0.numel()]', gen: (r) => ({ ins: [r.tensor('float32', r.shape(0, 4))] }), fl: (fl, [x]) => [x.dim(), x.numel] });
for (const [name, dt] of [['float', 'float32'], ['double', 'float64'], ['half', 'float16'], ['bfloat16', 'bfloat16'], ['int', 'int32'], ['long', 'int32'], ['byte', 'uint8'], ['bool', 'bool']]) {
  const tname = name === 'int' ? 'long' : name;  // flintml's int32 stands for torch's int64
  add({
    name: `cast.${name}`, py: `x0.${tname}()`, grad: name === 'float' || name === 'double',
    gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), r.pick(['grid', 'cont']))] }),
    fl: (fl, [x]) => x[name](),
    known: (a, [x]) => ((dt === 'uint8' && x.v.some((v) => Number(v) <= -1)) ? 'a negative float cast to uint8 is undefined in C++ (torch gives what its CPU does); flintml saturates' : null),
  });
}
add({ name: 'where-scalars', grad: false, py: 'torch.where(x0, a.p, a.q)', gen: (r) => ({ ins: [r.tensor('bool', r.shape(0, 3))], a: { p: r.pick([1, 2.5, true, -3]), q: r.pick([0, -1.5, false, 7]) } }), fl: (fl, [c], a) => fl.where(c, a.p, a.q) });

// ---- nn.init's deterministic parts (the random fills draw from other generators) ------------------
add({
  name: 'init.calculateGain', grad: false, py: '(torch.nn.init.calculate_gain(a.n) if a.p is None else torch.nn.init.calculate_gain(a.n, a.p))',
  gen: (r) => ({ ins: [], a: { n: r.pick(['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu', 'gelu']), p: r.pick([null, null, 0.2, 0, -1]) } }),
  fl: (fl, _, a) => (a.p === null ? fl.nn.init.calculateGain(a.n) : fl.nn.init.calculateGain(a.n, a.p)),
});
add({
  name: 'init.calculateFans', grad: false, py: 'list(torch.nn.init._calculate_fan_in_and_fan_out(x0))',
  gen: (r) => ({ ins: [r.tensor('float32', r.shape(0, 5, 4))] }),
  fl: (fl, [x]) => { const f = fl.nn.init.calculateFans(x); return Array.isArray(f) ? f : [f.fanIn, f.fanOut]; },
});
add({
  name: 'init.constant_', grad: false, py: '[torch.nn.init.constant_(x0.clone(), a.v), torch.nn.init.ones_(x0.clone()), torch.nn.init.zeros_(x0.clone())]',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3))], a: { v: r.pick([0, 1.5, -2]) } }),
  fl: (fl, [x], a) => [fl.nn.init.constant_(x.clone(), a.v), fl.nn.init.ones_(x.clone()), fl.nn.init.zeros_(x.clone())],
});

// nn.functional and the losses; advanced indexing and einsum; the optimizers and LR schedulers
specs.push(...require('./torch-diff-specs-nn').SPECS);
specs.push(...require('./torch-diff-specs-index').SPECS);
specs.push(...require('./torch-diff-specs-optim').SPECS);
specs.push(...require('./torch-diff-specs-optim2').SPECS);  // Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD, LBFGS, the newer schedulers, swaUtils
// nn modules with the same weights (attention, transformer layers, …); data utilities and autograd semantics
specs.push(...require('./torch-diff-specs-modules').SPECS);
specs.push(...require('./torch-diff-specs-data').SPECS);
specs.push(...require('./torch-diff-specs-datautils').SPECS);  // Subset, ConcatDataset, randomSplit, the samplers, batchSampler, batchSize null
specs.push(...require('./torch-diff-specs-iterable').SPECS);  // IterableDataset through the DataLoader (refused options, len), ChainDataset (lib/data/iterable.ts)
// the norms and distances (linalg.vectorNorm, matrixNorm, norm, cdist, F.normalize, F.oneHot, …)
specs.push(...require('./torch-diff-specs-norms').SPECS);
specs.push(...require('./torch-diff-specs-resize').SPECS);  // F.pad, F.interpolate, conv paddingMode, nn.Upsample
// fl.autograd: grad, backward({ inputs }), tensor hooks, custom Functions
specs.push(...require('./torch-diff-specs-autograd').SPECS);
specs.push(...require('./torch-diff-specs-functional').SPECS);  // fl.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp
specs.push(...require('./torch-diff-specs-decomp').SPECS);  // torch.linalg's qr, eigh, eigvalsh, svd, svdvals, pinv, matrix_rank, lstsq, cond; torch.svd / torch.qr
specs.push(...require('./torch-diff-specs-linalg').SPECS);  // torch.linalg's solvers and factorizations, their aliases and methods
specs.push(...require('./torch-diff-specs-eig').SPECS);  // torch.linalg.eig / eigvals (real and complex input), through order- and phase-invariant functions
specs.push(...require('./torch-diff-specs-cumulative').SPECS);  // cummax, cummin, logcumsumexp (functions and methods)
specs.push(...require('./torch-diff-specs-kw').SPECS);  // torch's keyword arguments as options objects: sort/topk/kthvalue, the scans, softmax, gelu, clamp/clip
specs.push(...require('./torch-diff-specs-pointwise').SPECS);  // lerp, addcmul, hypot, xlogy, fmod, nanToNum, addmm, nansum, aminmax, isclose, cov, quantile, … (lib/ops/pointwise.ts)
specs.push(...require('./torch-diff-specs-shapes').SPECS);  // diff, meshgrid, tensordot, kron, diag*, stacks, scatters, unique, searchsorted, … (lib/ops/reshaping.ts, counting.ts)
specs.push(...require('./torch-diff-specs-actloss').SPECS);  // the activations and losses of lib/nn/activation.ts and loss-extra.ts
specs.push(...require('./torch-diff-specs-transformer').SPECS);  // TransformerDecoderLayer, TransformerEncoder/Decoder, Transformer, its causal mask
specs.push(...require('./torch-diff-specs-layers').SPECS);  // the extra nn layers: 1-D/adaptive max/LP pooling, shuffles, fold/unfold, instance norm, dropouts, EmbeddingBag, … (pooling.ts, shuffle.ts, extra-layers.ts)
specs.push(...require('./torch-diff-specs-distributions').SPECS);  // fl.distributions: logProb/cdf/icdf/entropy/moments of each family, klDivergence, Independent (lib/distributions/)
specs.push(...require('./torch-diff-specs-distributions2').SPECS);  // fl.distributions, part two: transforms, TransformedDistribution and its families, FisherSnedecor, NegativeBinomial, ContinuousBernoulli, cross-family KLs
specs.push(...require('./torch-diff-specs-nd3').SPECS);  // the 3-D layers: conv3d, convTranspose3d, 3-D max/avg/adaptive pooling, dropout3d, Conv3d, BatchNorm3d, InstanceNorm3d, the 3-D pads (lib/nn/conv3d.ts)
specs.push(...require('./torch-diff-specs-packed').SPECS);  // fl.nn.utils.rnn: padSequence, packPaddedSequence, padPackedSequence, packSequence, unpackSequence, unpadSequence (lib/nn/packed.ts)
specs.push(...require('./torch-diff-specs-parametrize').SPECS);  // nn.utils.parametrize / parametrizations, the legacy weightNorm / spectralNorm, parametersToVector, fusion, functionalCall
specs.push(...require('./torch-diff-specs-prune').SPECS);  // nn.utils.prune: l1Unstructured, lnStructured, iterative pruning, globalUnstructured, remove (lib/nn/prune.ts)
specs.push(...require('./torch-diff-specs-grid').SPECS);  // F.gridSample (4-D, 5-D, every mode and padding), F.affineGrid, the two composed, interpolate 'area' on 5-D (lib/nn/grid.ts)
specs.push(...require('./torch-diff-specs-generator').SPECS);  // the `generator` option (fl.Generator): shapes, dtypes, fixed draws and refusals of rand/randn/normal/randint/randperm/bernoulli/multinomial
specs.push(...require('./torch-diff-specs-special').SPECS);  // lgamma, digamma, polygamma, erfc, erfinv, i0, mvlgamma and fl.special (native/core/special.h, lib/ops/special.ts)
specs.push(...require('./torch-diff-specs-nnx').SPECS);  // F.maxUnpool1d/2d/3d, F.fractionalMaxPool2d/3d with given samples, nn.CrossMapLRN2d (lib/nn/unpool.ts, lib/nn/more.ts)
specs.push(...require('./torch-diff-specs-misc').SPECS);  // broadcastShapes/Tensors, isin, argwhere, the aliases (clip, absolute, arccos, multiply, ger, trapz, …), mode, nanmedian, renorm, vander, histogram, gradient, chainMatmul, vdot, inner, dist, pdist, maskedScatter, asStrided (lib/ops/misc.ts)
specs.push(...require('./torch-diff-specs-fft').SPECS);  // torch.fft (every transform, fftfreq, fftshift), the window functions, stft / istft (lib/ops/fft.ts, windows.ts, stft.ts)
specs.push(...require('./torch-diff-specs-complex').SPECS);  // complex64/complex128: arithmetic with complex, real and number operands, unary functions, pow, sum/mean, matmul, vdot, the views, polar, to, where, cat (lib/ops/complex.ts)
specs.push(...require('./torch-diff-specs-conv').SPECS);  // F.conv2d on the shapes of the CPU's fused convolution paths (native/cpu/conv.cpp): pointwise, depthwise, strided, many images, several column blocks
specs.push(...require('./torch-diff-specs-bits').SPECS);  // bitwise ops, shifts, gcd, lcm, nextafter, ldexp, frexp, igamma(c) (lib/ops/bitwise.ts) and scatterReduce
specs.push(...require('./torch-diff-specs-misc2').SPECS);  // the API-gap survey's torch names: unfold, fmax/fmin, sumToSize, expandAs, new*, finfo, the aliases, pinverse, rsub, asTensor, randintLike, gumbelSoftmax, truncNormal_/eye_/dirac_ (lib/ops/misc2.ts, lib/nn/init-gumbel.ts)
specs.push(...require('./torch-diff-specs-misc3').SPECS);  // the second API-gap round: the in-place forms (cos_, eq_, addmm_, cumsum_, transpose_, …), detach_, splitWithSizes, cfloat/cdouble, the predicates, torch.conv2d & co. (lib/ops/misc3.ts, lib/index.ts)
specs.push(...require('./torch-diff-specs-misc4').SPECS);  // luUnpack, linalg.vander/tensorinv/tensorsolve, resize_/resizeAs_, and the keyword forms of pow, tensordot, tile, hsplit/vsplit/dsplit, F.relu/silu/hardswish (lib/ops/linalg.ts, misc4.ts)
specs.push(...require('./torch-diff-specs-defaults').SPECS);  // the default dtype (fl.setDefaultDtype): factories, promotions and nn modules under float64, and what follows its input instead (lib/defaults.ts)

specs.push(...require('./torch-diff-specs-debug').SPECS);  // detectAnomaly, gradgradcheck and useDeterministicAlgorithms' index-add ops (lib/anomaly.ts, lib/gradcheck.ts, lib/ops/scatter-deterministic.ts)
specs.push(...require('./torch-diff-specs-reduce-adversarial').SPECS);  // kthvalue, median, nanmedian, topk, sort, max/min, arg*, cummax/cummin, logsumexp, quantile with one NaN/±inf per slice (adversarial)
module.exports = { SPECS: specs };
