// torch-diff-specs-pointwise.js — bench/torch-diff.js's specs for lib/ops/pointwise.ts (the format of
// bench/torch-diff-specs.js): torch's pointwise math (lerp, addcmul, addcdiv, hypot, logaddexp(2),
// xlogy, logit, sinc, fmod, copysign, nan_to_num, clamp_min/max, deg2rad/rad2deg, frac, heaviside,
// signbit, sgn, float_power, true_divide, positive), the fused products (addmm, addmv, addbmm,
// baddbmm, addr), the small reductions (nansum, nanmean, aminmax, std_mean/var_mean,
// count_nonzero), closeness (isclose, allclose, equal), cov/corrcoef and quantile/nanquantile, as
// functions and (some) as methods. Dtypes are drawn at random, integer and bool included (where
// torch refuses, both must); shapes broadcast, with zero sizes and 0-dim tensors; values come with
// ties, ±inf, NaN and -0 ('special') where the op defines them. Gradients are compared wherever
// torch has one.
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const F3264 = ['float32', 'float64'];
const FI = [...F, 'int32', 'uint8'];
const ALL = [...FI, 'bool'];
const specs = [];
const add = (s) => specs.push(s);

/** Two broadcastable shapes (0..3 dims). */
function bshapes(r) {
  const s = r.shape(0, 3);
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  if (r.bool(0.3)) t.unshift(r.int(1, 3));
  return r.bool() ? [s, t] : [t, s];
}
/** A shape that broadcasts to `s` (a suffix of it, some sizes 1). */
const toward = (r, s) => s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
/** dim argument: none, one dim, or a list of distinct dims. */
function dimsOf(r, n) {
  const p = r.u();
  if (p < 0.25 || n === 0) return null;
  if (p < 0.7) return r.dim(n);
  const ds = [];
  for (let d = 0; d < n; d++) if (r.bool()) ds.push(r.bool() ? d - n : d);
  return ds.length ? ds : [0];
}
/** One dtype for the first tensor, the other the same most of the time. */
const pair = (r, dts) => { const d = r.pick(dts); return [d, r.bool(0.6) ? d : r.pick(dts)]; };
/** torch 1.13's CPU has no float16 kernel for these ops (its CUDA kernels have): flintml computes them, as torch on the GPU. */
const HALF_CPU = (what) => (a, ins) => (ins.some((t) => t.dtype === 'float16') && ins.every((t) => t.dtype === 'float16' || !t.dtype.startsWith('float'))
  ? `torch 1.13's CPU has no float16 ${what} (its CUDA kernel has); flintml computes it on every device` : null);

// ---- lerp, addcmul, addcdiv ----------------------------------------------------------------------------
add({
  name: 'lerp', py: 'torch.lerp(x0, x1, a.w)',
  gen: (r) => { const [s, t] = bshapes(r); const d = r.bool(0.1) ? r.pick(['int32', 'bool']) : r.pick(F); return { ins: [r.tensor(d, s, 'special'), r.tensor(r.bool(0.9) ? d : r.pick(F), t, 'special')], a: { w: r.pick([0, 0.25, 0.5, 0.75, 1, -1.5, 2]) } }; },
  fl: (fl, [a, b], o) => fl.lerp(a, b, o.w), tol: 4, known: HALF_CPU('lerp'),
});
add({
  name: 'lerp-tensor', py: 'x0.lerp(x1, x2)',
  gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(F); return { ins: [r.tensor(d, s), r.tensor(d, t), r.tensor(d, toward(r, s), 'unit')] }; },
  fl: (fl, [a, b, w]) => a.lerp(b, w), tol: 4, known: HALF_CPU('lerp'),
});
for (const name of ['addcmul', 'addcdiv']) {
  add({
    name, py: `torch.${name}(x0, x1, x2, value=a.v)`,
    gen: (r) => {
      const [s, t] = bshapes(r);
      const ds = [r.pick(FI), r.pick(FI), r.pick(FI)];
      if (r.bool(0.5)) ds[1] = ds[2] = ds[0];
      return { ins: [r.tensor(ds[0], s), r.tensor(ds[1], t), r.tensor(ds[2], toward(r, t), name === 'addcdiv' ? r.pick(['pos', 'grid']) : 'grid')], a: { v: r.pick([1, 2, -1, 0.5, -0.25]) } };
    },
    fl: (fl, [a, b, c], o) => fl[name](a, b, c, { value: o.v }), tol: 4,
    // (torch converts a fractional value to the integer result type, 0.5 -> 0; flintml the same)
    known: (a, [x, t1, t2]) => (name === 'addcdiv' && ['int32', 'uint8', 'bool'].includes(t2.dtype) && [x, t1].some((t) => t.dtype.includes('float'))
      ? "torch 1.13's addcdiv backward fails for an integer tensor2 (it computes value / tensor2 into tensor2's dtype: 'result type Float can't be cast to the desired output type Long', or value -0.25 'cannot be converted to uint8_t'); the forward agrees, and flintml's gradient is the formula's (gradcheck-tested)"
      : a.v < 0 && [t1, t2].some((t) => t.dtype === 'uint8') ? "torch 1.13 computes the gradient's value * other operand in that operand's dtype (-1 * 2 wraps to 254 in uint8); flintml in the gradient's"
      : name === 'addcdiv' && t2.v.some((v) => Number(v) === 0) ? "a zero in tensor2 makes a broadcast operand's gradient a sum of infinities of both signs: torch divides, then sums (NaN); flintml's division sums the incoming gradient, then divides (±inf) (seed 3)" : null),
  });
}
add({ name: 'addcmul-method', py: 'x0.addcmul(x1, x2)', gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(F); return { ins: [r.tensor(d, s), r.tensor(d, t), r.tensor(d, t)] }; }, fl: (fl, [a, b, c]) => a.addcmul(b, c), tol: 4 });

// ---- binary math ---------------------------------------------------------------------------------------
for (const [name, tname, dts, kind] of [['hypot', 'hypot', F, 'special'], ['logaddexp', 'logaddexp', F, 'special'], ['logaddexp2', 'logaddexp2', F, 'special'],
  ['xlogy', 'xlogy', ALL, 'special'], ['fmod', 'fmod', FI, 'special'], ['copysign', 'copysign', ALL, 'special'], ['floatPower', 'float_power', FI, 'grid'],
  ['trueDivide', 'true_divide', ALL, 'special']]) {
  add({
    name, py: `torch.${tname}(x0, x1)`,
    gen: (r) => {
      const [s, t] = bshapes(r);
      const [d0, d1] = r.bool(0.1) ? pair(r, ['int32', 'uint8', 'bool', ...F]) : pair(r, dts);
      return { ins: [r.tensor(d0, s, name === 'floatPower' ? 'pos' : kind), r.tensor(d1, t, kind)] };
    },
    fl: (fl, [a, b]) => fl[name](a, b), tol: 4,
    known: name === 'hypot' ? HALF_CPU('hypot') : undefined,
  });
}
for (const [name, tname, dts, scalars] of [['xlogy', 'xlogy', FI, [0, 2, 0.5, -1]], ['fmod', 'fmod', FI, [2, -3, 1.5, -0.5]], ['copysign', 'copysign', FI, [1, -1, 0, 2.5]]  /* (no -0: JSON hands torch 0) */,
  ['floatPower', 'float_power', FI, [2, 0.5, -1, 0, 3]]]) {
  add({
    name: `${name}-scalar`, py: `torch.${tname}(x0, a.s)`,
    gen: (r) => ({ ins: [r.tensor(r.pick(dts), r.shape(0, 3), name === 'floatPower' ? 'pos' : 'special')], a: { s: r.pick(scalars) } }),
    fl: (fl, [x], a) => fl[name](x, a.s), tol: 4,
  });
}
add({ name: 'xlogy-scalar-self', py: 'torch.xlogy(a.s, x0)', gen: (r) => ({ ins: [r.tensor(r.pick(FI), r.shape(0, 3), 'special')], a: { s: r.pick([0, 1, 2.5, -1]) } }), fl: (fl, [x], a) => fl.xlogy(a.s, x), tol: 4 });
add({ name: 'fmod-method', py: 'x0.fmod(x1)', gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(F); return { ins: [r.tensor(d, s, 'cont'), r.tensor(d, t, 'pos')] }; }, fl: (fl, [a, b]) => a.fmod(b), tol: 4 });
add({ name: 'logaddexp-method', py: 'x0.logaddexp(x1)', gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(F); return { ins: [r.tensor(d, s, 'cont'), r.tensor(d, t, 'cont')] }; }, fl: (fl, [a, b]) => a.logaddexp(b), tol: 4 });

/** signbit of a NaN: torch reads the bit (its NaNs converted to bfloat16/float16 carry it), flintml has no bitwise view of a float. */
function nanSign(a, ins) { return ins[0].v.includes('nan') ? "the sign bit of a NaN: torch reads the bit (a NaN it converts to a narrower float may carry it), flintml cannot and gives false" : null; }
// ---- unary -----------------------------------------------------------------------------------------------
add({
  name: 'logit', py: 'torch.logit(x0, a.eps)',
  gen: (r) => ({ ins: [r.tensor(r.bool(0.15) ? r.pick(['int32', 'bool']) : r.pick(F), r.shape(0, 3), r.pick(['unit', 'unit', 'special']))], a: { eps: r.pick([null, 0.1, 0.25, -1, 0]) } }),
  fl: (fl, [x], a) => fl.logit(x, a.eps), tol: 8,
  known: (a, [x]) => (x.v.includes('nan') && a.eps !== null && a.eps >= 0 ? "logit's gradient at a NaN input with eps: torch 1.13 gives 0 in its vectorized loop and NaN in its scalar tail (and for small tensors); flintml gives NaN"
    : x.v.includes('-0') && (a.eps === null || a.eps <= 0) ? "the sign of logit's infinite gradient at x = -0 (1 / (x(1 - x)) with a signed zero): torch 1.13's vectorized loop and flintml differ" : null),
});
for (const [name, tname, dts, kind] of [['sinc', 'sinc', ALL, 'special'], ['deg2rad', 'deg2rad', ALL, 'special'], ['rad2deg', 'rad2deg', ALL, 'special'],
  ['frac', 'frac', FI, 'special'], ['signbit', 'signbit', ALL, 'special'], ['sgn', 'sgn', ALL, 'special'], ['positive', 'positive', ALL, 'special']]) {
  // sgn's gradient is zeros that torch 1.13 does not materialize (the harness cannot read them): compared in test/pointwise.test.ts
  const more = { tol: name === 'sinc' ? 8 : 1, grad: name === 'sgn' ? false : undefined, known: name === 'signbit' ? nanSign : undefined };
  add({ name, py: `torch.${tname}(x0)`, gen: (r) => ({ ins: [r.tensor(r.pick(dts), r.shape(0, 3), name === 'sinc' ? r.pick(['cont', kind]) : kind)] }), fl: (fl, [x]) => fl[name](x), ...more });
  add({ name: `${name}-method`, py: `x0.${tname}()`, gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 2), kind)] }), fl: (fl, [x]) => x[name](), ...more });
}
add({
  name: 'nanToNum', py: 'torch.nan_to_num(x0, a.nan, a.pos, a.neg)',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), 'special')], a: { nan: r.pick([0, 1.5, -2]), pos: r.pick([null, 100, 1e30]), neg: r.pick([null, -100, -1e30]) } }),
  fl: (fl, [x], a) => fl.nanToNum(x, a.nan, a.pos, a.neg),
});
add({ name: 'nanToNum-method', py: 'x0.nan_to_num(posinf=a.pos)', gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'special')], a: { pos: r.pick([null, 7]) } }), fl: (fl, [x], a) => x.nanToNum({ posinf: a.pos }) });
for (const [name, tname] of [['clampMin', 'clamp_min'], ['clampMax', 'clamp_max']]) {
  add({ name, py: `torch.${tname}(x0, a.s)`, gen: (r) => { const d = r.pick(FI); return { ins: [r.tensor(d, r.shape(0, 3), 'special')], a: { s: r.pick(d === 'uint8' ? [0, 3] : [-1, 0, 0.5, 2]) } }; }, fl: (fl, [x], a) => fl[name](x, a.s) });
  add({ name: `${name}-tensor`, py: `x0.${tname}(x1)`, gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(F); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, t, 'grid')] }; }, fl: (fl, [x, b]) => x[name](b) });
}
add({
  name: 'heaviside', py: 'torch.heaviside(x0, x1)', grad: false,
  gen: (r) => { const [s, t] = bshapes(r); const [d0, d1] = r.bool(0.85) ? [r.pick(ALL), null] : pair(r, ALL); return { ins: [r.tensor(d0, s, 'special'), r.tensor(d1 || d0, t, 'special')] }; },
  fl: (fl, [a, b]) => fl.heaviside(a, b),
});

// ---- fused matrix products -----------------------------------------------------------------------------
const BA = (r, dt) => (dt === 'int32' ? { beta: r.pick([1, 0, 2]), alpha: r.pick([1, 3, -1]) } : { beta: r.pick([1, 0, 0.5, -2]), alpha: r.pick([1, 2, -0.5]) });
/** torch.addmm and friends want one dtype; a mix now and then (both refuse). */
const matDtypes = (r) => { const d = r.pick(['float32', 'float64', 'float32', 'float64', 'int32']); return r.bool(0.1) ? [d, r.pick(F3264), d] : [d, d, d]; };
add({
  name: 'addmm', py: 'torch.addmm(x0, x1, x2, beta=a.beta, alpha=a.alpha)',
  gen: (r) => { const [n, k, m] = [r.int(0, 4), r.int(0, 4), r.int(1, 4)]; const [di, d1, d2] = matDtypes(r); return { ins: [r.tensor(di, toward(r, [n, m]), 'special'), r.tensor(d1, [n, k]), r.tensor(d2, [r.bool(0.05) ? k + 1 : k, m])], a: BA(r, di) }; },
  fl: (fl, [c, a, b], o) => fl.addmm(c, a, b, { beta: o.beta, alpha: o.alpha }), tol: 4,
});
add({
  name: 'addmv', py: 'torch.addmv(x0, x1, x2, beta=a.beta, alpha=a.alpha)',
  gen: (r) => { const [n, k] = [r.int(0, 4), r.int(0, 4)]; const [di, d1, d2] = matDtypes(r); return { ins: [r.tensor(di, toward(r, [n])), r.tensor(d1, [n, k]), r.tensor(d2, [k])], a: BA(r, di) }; },
  fl: (fl, [c, a, b], o) => fl.addmv(c, a, b, { beta: o.beta, alpha: o.alpha }), tol: 4,
  known: (a, [c, m]) => (m.v.length === 0 ? "torch 1.13's addmv with an empty mat returns beta * input without broadcasting it (and without its dtype check), and its backward fails; flintml gives the product's shape and checks the dtypes" : null),
});
add({
  name: 'addbmm', py: 'torch.addbmm(x0, x1, x2, beta=a.beta, alpha=a.alpha)',
  gen: (r) => { const [b, n, k, m] = [r.int(0, 3), r.int(1, 3), r.int(0, 3), r.int(1, 3)]; const [di, d1, d2] = matDtypes(r); return { ins: [r.tensor(di, toward(r, [n, m])), r.tensor(d1, [b, n, k]), r.tensor(d2, [b, k, m])], a: BA(r, di) }; },
  fl: (fl, [c, a, b], o) => fl.addbmm(c, a, b, { beta: o.beta, alpha: o.alpha }), tol: 4,
  known: (a, [c, b1, b2]) => ((b1.v.length === 0 || b2.v.length === 0) && new Set([c.dtype, b1.dtype, b2.dtype]).size > 1
    ? "torch 1.13's addbmm skips its dtype check for an empty product; flintml refuses mixed dtypes always (seed 4)" : null),
});
add({
  name: 'baddbmm', py: 'x0.baddbmm(x1, x2, beta=a.beta, alpha=a.alpha)',
  gen: (r) => { const [b, n, k, m] = [r.int(1, 3), r.int(0, 3), r.int(0, 3), r.int(1, 3)]; const [di, d1, d2] = matDtypes(r); return { ins: [r.tensor(di, toward(r, [b, n, m])), r.tensor(d1, [b, n, k]), r.tensor(d2, [b, k, m])], a: BA(r, di) }; },
  fl: (fl, [c, a, b], o) => c.baddbmm(a, b, { beta: o.beta, alpha: o.alpha }), tol: 4,
  known: (a, [c, b1, b2]) => (a.beta === 0
    ? "torch 1.13's CPU baddbmm at beta = 0 can return NaN where the product is finite (it reads its output before writing it: seen with finite inputs) and propagates NaN of input, against its documentation; flintml ignores input, as documented (and as addmm)"
    : (b1.v.length === 0 || b2.v.length === 0) && new Set([c.dtype, b1.dtype, b2.dtype]).size > 1 ? "torch 1.13's baddbmm skips its dtype check for an empty product; flintml refuses mixed dtypes always" : null),
});
add({
  name: 'addr', py: 'torch.addr(x0, x1, x2, beta=a.beta, alpha=a.alpha)',
  gen: (r) => { const [n, m] = [r.int(0, 4), r.int(1, 4)]; const [di, d1, d2] = matDtypes(r); return { ins: [r.tensor(di, toward(r, [n, m])), r.tensor(d1, [n]), r.tensor(d2, [m])], a: BA(r, di) }; },
  fl: (fl, [c, a, b], o) => fl.addr(c, a, b, { beta: o.beta, alpha: o.alpha }), tol: 4,
  known: (a, [c, u, v]) => ((u.v.length === 0 || v.v.length === 0) && new Set([c.dtype, u.dtype, v.dtype]).size > 1 ? "torch 1.13's addr skips its dtype check for an empty product; flintml refuses mixed dtypes always" : null),
});

// ---- reductions -----------------------------------------------------------------------------------------
add({
  name: 'nansum', py: 'torch.nansum(x0, a.d, a.k) if a.dt is None else torch.nansum(x0, a.d, a.k, dtype=getattr(torch, a.dt))',
  gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(ALL), s, 'special')], a: { d: dimsOf(r, s.length), k: r.bool(), dt: r.pick([null, null, 'float64', 'float32']) } }; },
  fl: (fl, [x], a) => fl.nansum(x, a.d, a.k, { dtype: a.dt ?? undefined }), tol: 8,
});
add({
  name: 'nanmean', py: 'x0.nanmean(a.d, a.k)',
  gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.bool(0.1) ? 'int32' : r.pick(F), s, 'special')], a: { d: dimsOf(r, s.length), k: r.bool() } }; },
  fl: (fl, [x], a) => x.nanmean(a.d, a.k), tol: 8,
});
add({
  name: 'aminmax', py: 'tuple(torch.aminmax(x0, dim=a.d, keepdim=a.k))', grad: false,
  gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(ALL), s, 'special')], a: { d: r.bool(0.3) ? null : r.dim(Math.max(s.length, 1)), k: r.bool() } }; },
  fl: (fl, [x], a) => [...fl.aminmax(x, { dim: a.d, keepdim: a.k })],
});
/** torch 1.13's std_mean/var_mean: its corners that flintml does not copy. */
function spreadKnown(a, [x]) {
  if (a.d === null && x.shape.length > 0) return "torch 1.13's std_mean/var_mean backward over all dims of an input with dims fails ('returned an invalid gradient … got []'); flintml's gradient is gradcheck-tested";
  if (x.v.some((v) => v === 'inf' || v === '-inf')) return "torch's std_mean/var_mean return Welford's running mean, NaN for a slice holding ±inf (order-dependent) where torch.mean gives ±inf; flintml returns torch.mean's value";
  const n = a.d === null ? x.v.length : [].concat(a.d).reduce((p, d) => p * (x.shape[(d + Math.max(x.shape.length, 1)) % Math.max(x.shape.length, 1)] ?? 1), 1);
  const c = a.c !== undefined ? a.c : a.u === false ? 0 : 1;
  if (n <= c) return 'the gradient where n - correction <= 0 (a NaN or infinite variance): torch gives ±inf where flintml gives NaN';
  return null;
}
for (const [name, tname] of [['stdMean', 'std_mean'], ['varMean', 'var_mean']]) {
  add({
    name, py: `tuple(torch.${tname}(x0, a.d, unbiased=a.u, keepdim=a.k))`,
    gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.bool(0.1) ? 'int32' : r.pick(F), s, r.pick(['grid', 'special']))], a: { d: dimsOf(r, s.length), u: r.bool(), k: r.bool() } }; },
    fl: (fl, [x], a) => [...fl[name](x, a.d, a.u, a.k)], tol: 8, known: spreadKnown,
  });
  add({
    name: `${name}-correction`, py: `tuple(torch.${tname}(x0, dim=a.d, correction=a.c))`,
    gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(F3264), s, 'cont')], a: { d: dimsOf(r, s.length), c: r.pick([0, 1, 2]) } }; },
    fl: (fl, [x], a) => [...fl[name](x, { dim: a.d, correction: a.c })], tol: 8, known: spreadKnown,
  });
}
add({
  name: 'countNonzero', py: 'torch.count_nonzero(x0, a.d)', grad: false,
  gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(ALL), s, 'special')], a: { d: dimsOf(r, s.length) } }; },
  fl: (fl, [x], a) => fl.countNonzero(x, a.d),
});

// ---- closeness --------------------------------------------------------------------------------------------
const closeArgs = (r) => ({ rt: r.pick([1e-5, 0, 0.1, 1]), at: r.pick([1e-8, 0, 0.5, 2]), en: r.bool() });
const closeIns = (r) => { const [s, t] = bshapes(r); const [d0, d1] = r.bool(0.9) ? [r.pick(ALL), null] : pair(r, ALL); return [r.tensor(d0, s, 'special'), r.tensor(d1 || d0, t, 'special')]; };
add({ name: 'isclose', py: 'torch.isclose(x0, x1, a.rt, a.at, a.en)', grad: false, gen: (r) => ({ ins: closeIns(r), a: closeArgs(r) }), fl: (fl, [x, y], a) => fl.isclose(x, y, a.rt, a.at, a.en) });
add({ name: 'allclose', py: 'torch.allclose(x0, x1, a.rt, a.at, a.en)', grad: false, gen: (r) => ({ ins: closeIns(r), a: closeArgs(r) }), fl: (fl, [x, y], a) => x.allclose(y, { rtol: a.rt, atol: a.at, equalNan: a.en }) });
add({
  name: 'equal', py: 'torch.equal(x0, x1)', grad: false,
  gen: (r) => { const s = r.shape(0, 3); const t = r.bool(0.7) ? s : r.shape(0, 3); const [d0, d1] = pair(r, ALL); const a = r.tensor(d0, s, 'grid'); return { ins: [a, r.bool(0.5) && d0 === d1 && t === s ? { ...a } : r.tensor(d1, t, 'grid')] }; },
  fl: (fl, [x, y]) => fl.equal(x, y),
});

// ---- cov, corrcoef ---------------------------------------------------------------------------------------
add({
  name: 'cov', py: 'torch.cov(x0, correction=a.c, fweights=(x1 if a.fw else None), aweights=(x2 if a.aw else None))',
  gen: (r) => {
    const s = r.bool(0.3) ? [r.int(0, 6)] : [r.int(1, 3), r.int(0, 6)];
    const n = s[s.length - 1];
    return { ins: [r.tensor(r.bool(0.15) ? 'int32' : r.pick(F3264), s, 'cont'), r.tensor('int32', [n], 'index', 0, 3), r.tensor('float64', [n], 'pos')], a: { c: r.pick([1, 0, 2]), fw: r.bool(0.4), aw: r.bool(0.4) } };
  },
  fl: (fl, [x, f, w], a) => fl.cov(x, { correction: a.c, fweights: a.fw ? f : null, aweights: a.aw ? w : null }), tol: 16,
});
add({
  name: 'corrcoef', py: 'x0.corrcoef()',
  gen: (r) => ({ ins: [r.tensor(r.pick(F3264), r.bool(0.3) ? [r.int(1, 6)] : [r.int(1, 3), r.int(1, 6)], 'cont')] }),
  fl: (fl, [x]) => x.corrcoef(), tol: 64,
});

// ---- quantile, nanquantile ---------------------------------------------------------------------------------
for (const name of ['quantile', 'nanquantile']) {
  add({
    name, py: `torch.${name}(x0, (x1 if a.qt else a.q), a.d, a.k, interpolation=a.m)`,
    gen: (r) => {
      const s = r.shape(0, 3, 5);
      const dt = r.bool(0.05) ? 'int32' : r.pick(F3264);
      const qs = r.bool(0.3) ? [] : [r.int(0, 4)];
      const qv = Array.from({ length: qs.length ? qs[0] : 1 }, () => r.int(0, 8) / 8);
      return {
        ins: [r.tensor(dt, s, r.pick(['grid', 'special', 'cont'])), { dtype: dt === 'int32' ? 'float32' : dt, shape: qs, v: qv, layout: 'c' }],
        a: { qt: r.bool(0.4), q: r.pick([0, 0.25, 0.5, 0.9, 1, 0.375]), d: r.bool(0.3) ? null : r.dim(Math.max(s.length, 1)), k: r.bool(), m: r.pick(['linear', 'lower', 'higher', 'midpoint', 'nearest']) },
      };
    },
    fl: (fl, [x, q], a) => fl[name](x, a.qt ? q : a.q, a.d, a.k, { interpolation: a.m }), tol: 4,
    // (values agree on ties; which of equal elements gets the gradient follows each sort's order)
    known: (a, [x]) => (new Set(x.v).size < x.v.length ? "ties: which of equal elements receives the gradient follows the sort's order (torch 1.13's CPU sort is not stable, flintml's is)" : null),
  });
}

// ---- edges the forms above never drew (fidelity hunt) ---------------------------------------------
// A NaN scalar bound: torch 1.13's clamp with both bounds and one NaN is NaN everywhere, with one bound
// it keeps x; clamp_min / clamp_max with NaN are NaN everywhere (flintml ignored the NaN bound).
// The bounds travel as strings ('nan') so that the case stays JSON: float('nan') / Number('nan').
const nb = (v) => (v === null ? null : Number(v));
add({
  name: 'clamp-nan-bound', py: '(lambda lo, hi: (x0.detach().clone().clamp_(lo, hi) if a.form == "clamp_" else torch.clip(x0, lo, hi) if a.form == "clip" else torch.clamp_min(x0, lo) if a.form == "clampMin" else torch.clamp_max(x0, hi) if a.form == "clampMax" else torch.clamp(x0, lo, hi)))(None if a.lo is None else float(a.lo), None if a.hi is None else float(a.hi))',
  gen: (r) => {
    const form = r.pick(['clamp', 'clamp', 'clip', 'clamp_', 'clampMin', 'clampMax']);
    const [lo, hi] = form === 'clampMin' ? ['nan', null] : form === 'clampMax' ? [null, 'nan']
      : r.pick([['nan', '1'], ['-1', 'nan'], ['nan', 'nan'], ['nan', null], [null, 'nan'], ['0.5', '-0.5']]);
    const d = form === 'clamp_' ? r.pick(F) : r.pick(FI);
    return { ins: [r.tensor(d, r.shape(0, 3), 'special')], a: { form, lo, hi } };
  },
  grad: true,
  fl: (fl, [x], a) => {
    const lo = nb(a.lo), hi = nb(a.hi);
    if (a.form === 'clamp_') return x.detach().clone().clamp_(lo, hi);
    if (a.form === 'clampMin') return fl.clampMin(x, lo);
    if (a.form === 'clampMax') return fl.clampMax(x, hi);
    return fl[a.form](x, lo, hi);
  },
});
// In-place ops on an expanded (stride-0) tensor: torch refuses them ("more than one element of the
// written-to tensor refers to a single memory location") but for fill_, zero_ and masked_fill_, which
// write one value to every alias; flintml wrote add_ once per alias. (index_fill_ / index_put_ /
// uniform_ & co: see bench/FIDELITY.md.)
const EXP_OPS = {
  add_: ['t.add_(x1)', (t, y) => t.add_(y)], mul_: ['t.mul_(2)', (t) => t.mul_(2)], sub_: ['t.sub_(x1)', (t, y) => t.sub_(y)],
  exp_: ['t.exp_()', (t) => t.exp_()], neg_: ['t.neg_()', (t) => t.neg_()], clamp_: ['t.clamp_(0, 1)', (t) => t.clamp_(0, 1)],
  copy_: ['t.copy_(x1)', (t, y) => t.copy_(y)], lerp_: ['t.lerp_(x1, 0.5)', (t, y) => t.lerp_(y, 0.5)], relu_: ['t.relu_()', (t) => t.relu_()],
  fill_: ['t.fill_(3)', (t) => t.fill_(3)], zero_: ['t.zero_()', (t) => t.zero_()],
  masked_fill_: ['t.masked_fill_(x1 > 0, 2)', (t, y) => t.maskedFill_(y.gt(0), 2)],
};
add({
  name: 'inplace-expanded', grad: false,
  py: `(lambda t: (${Object.entries(EXP_OPS).map(([k, [e]]) => `${e} if a.op == "${k}" else `).join('')}None, t.clone())[1])(x0.detach().clone().expand(*a.shape))`,
  gen: (r) => {
    const shape = [r.int(1, 3), r.int(2, 4)];
    const base = r.bool() ? [1, shape[1]] : [shape[0], 1];
    const d = r.pick(F3264);
    return { ins: [r.tensor(d, base, 'grid'), r.tensor(d, shape, 'grid')], a: { op: r.pick(Object.keys(EXP_OPS)), shape } };
  },
  fl: (fl, [x, y], a) => { const t = x.detach().clone().expand(a.shape); EXP_OPS[a.op][1](t, y); return t.clone(); },
});

module.exports = { SPECS: specs };
