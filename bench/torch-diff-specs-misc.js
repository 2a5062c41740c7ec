// torch-diff-specs-misc.js — bench/torch-diff.js's specs for lib/ops/misc.ts (the format of
// bench/torch-diff-specs.js): broadcastShapes / broadcastTensors, isin, argwhere, torch's aliases
// (clip, absolute, negative, fix, arccos, arcsin, arctan, arctan2, multiply, divide, subtract, ger,
// trapz), isSameSize, isNonzero, canCast, msort, mode, nanmedian, renorm, vander, histogram,
// gradient, chainMatmul, vdot, inner, dist, pdist, the top-level cosineSimilarity and
// pairwiseDistance, maskedScatter (and maskedScatter_), asStrided and emptyStrided (its strides).
//
// Values come on the grid (ties: mode's runs, pdist's equal rows, the histogram's bin edges) and
// with NaN/±inf where the op has a rule for them (nanmedian, isin, the aliases). Documented
// differences (`known`): nanmedian along a dim of a slice that holds only NaNs (torch's index is
// whatever nth_element leaves; flintml's is 0), mode of a slice that holds NaN (torch sorts NaN with
// `<`, which is no ordering; flintml sorts NaN last and counts each NaN as a run of one).
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const F32 = ['float32', 'float64'];
const FI = [...F, 'int32', 'uint8'];
const ALL = [...FI, 'bool'];
const specs = [];
/** A norm order travels as a number or 'inf' / '-inf' (JSON has no Infinity): Python's float() reads it. */
const ordJs = (v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const add = (s) => specs.push(s);

/** Two broadcastable shapes (one of them incompatible now and then: both refuse). */
function bshapes(r, bad = 0) {
  const s = r.shape(0, 3);
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  if (r.bool(0.3)) t.unshift(r.int(1, 3));
  if (bad && r.bool(bad) && t.length) t[t.length - 1] += 2;
  return r.bool() ? [s, t] : [t, s];
}
/** A dim of an n-dim tensor; out of range one time in twenty. */
const dimOf = (r, n) => (r.bool(0.05) ? r.pick([n + 1, -n - 2]) : r.dim(n));
/** The logical slices of a row-major shape along d: does any hold only NaN? */
function someSliceAllNaN(x, d) {
  const s = x.shape;
  if (s.length === 0) return x.v.length === 1 && x.v[0] === 'nan';
  const dd = d < 0 ? d + s.length : d;
  const n = s[dd], inner = s.slice(dd + 1).reduce((a, b) => a * b, 1), outer = s.slice(0, dd).reduce((a, b) => a * b, 1);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let all = n > 0;
      for (let k = 0; k < n; k++) if (x.v[(o * n + k) * inner + i] !== 'nan') { all = false; break; }
      if (all) return true;
    }
  }
  return false;
}

const bf16Isin = (ins) => (ins.some((t) => t.dtype === 'bfloat16') ? 'torch 1.13 has no bfloat16 isin kernel (it refuses); flintml compares in bfloat16' : null);

// ---- broadcasting, isin, argwhere --------------------------------------------------------------------------
add({
  name: 'broadcastShapes', py: 'torch.broadcast_shapes(*a.sh)',
  gen: (r) => { const [s, t] = bshapes(r, 0.1); const sh = r.bool(0.3) ? [s, t, r.shape(0, 2)] : [s, t]; return { ins: [], a: { sh } }; },
  fl: (fl, _, a) => fl.broadcastShapes(...a.sh),
});
add({
  name: 'broadcastTensors', py: 'torch.broadcast_tensors(x0, x1)',
  gen: (r) => { const [s, t] = bshapes(r, 0.1); return { ins: [r.tensor(r.pick(ALL), s), r.tensor(r.pick(ALL), t)] }; },
  fl: (fl, [a, b]) => fl.broadcastTensors(a, b),
});
add({
  name: 'isin', py: 'torch.isin(x0, x1, invert=a.inv)',
  gen: (r) => {
    const d = r.pick(FI);
    return { ins: [r.tensor(d, r.shape(0, 3), 'special', -2, 2), r.tensor(r.bool(0.7) ? d : r.pick(FI), r.shape(0, 2), 'special', -2, 2)], a: { inv: r.bool() } };
  },
  fl: (fl, [a, b], o) => fl.isin(a, b, { invert: o.inv }), known: (a, ins) => bf16Isin(ins),
});
add({
  name: 'isin-scalar', py: '(torch.isin(a.s, x0) if a.flip else torch.isin(x0, a.s))',
  gen: (r) => ({ ins: [r.tensor(r.pick(FI), r.shape(0, 3), 'grid', -2, 2)], a: { s: r.pick([0, 1, -0.5, 2]), flip: r.bool() } }),
  fl: (fl, [x], o) => (o.flip ? fl.isin(o.s, x) : fl.isin(x, o.s)), known: (a, ins) => bf16Isin(ins),
});
add({
  name: 'argwhere', py: 'torch.argwhere(x0)',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), 'special', -1, 1)] }), fl: (fl, [x]) => fl.argwhere(x),
});
add({ name: 'argwhere-method', py: 'x0.argwhere()', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), 'grid', -1, 1)] }), fl: (fl, [x]) => x.argwhere() });

// ---- aliases ---------------------------------------------------------------------------------------------------------
for (const [name, tname, dtypes, kind] of [
  ['absolute', 'absolute', FI, 'special'], ['negative', 'negative', FI, 'special'], ['fix', 'fix', ALL, 'special'],
  ['arccos', 'arccos', FI, 'unit'], ['arcsin', 'arcsin', FI, 'unit'], ['arctan', 'arctan', FI, 'grid'],
]) {
  add({ name, py: `torch.${tname}(x0)`, gen: (r) => ({ ins: [r.tensor(r.pick(dtypes), r.shape(0, 3), kind)] }), fl: (fl, [x]) => fl[name](x) });
  add({ name: `${name}-method`, py: `x0.${tname}()`, gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), kind)] }), fl: (fl, [x]) => x[name]() });
}
add({
  name: 'absolute_-negative_', py: '(x0.detach().clone().absolute_() if a.abs else x0.detach().clone().negative_())', grad: false,
  gen: (r) => ({ ins: [r.tensor(r.pick(FI), r.shape(0, 3), 'special')], a: { abs: r.bool() } }),
  fl: (fl, [x], a) => (a.abs ? x.detach().clone().absolute_() : x.detach().clone().negative_()),
});
// (x1 of x0's dtype: torch 1.13's CPU has no float16 acos/asin/atan, and the harness's float32 stand-in rounds back only when every operand is float16)
add({
  name: 'inplace-aliases', py: 'getattr(x0.detach().clone(), a.op + "_")(*([x1.detach()] if a.op == "arctan2" else []))', grad: false,
  gen: (r) => { const s = r.shape(0, 3); const d = r.pick(FI); return { ins: [r.tensor(d, s, 'unit'), r.tensor(F.includes(d) ? d : r.pick(F), s.slice(r.int(0, s.length)), 'unit')], a: { op: r.pick(['fix', 'arccos', 'arcsin', 'arctan', 'arctan2']) } }; },
  fl: (fl, [x, y], a) => x.detach().clone()[`${a.op}_`](...(a.op === 'arctan2' ? [y.detach()] : [])),
});
add({
  name: 'clip', py: '(x0.clip(a.lo, a.hi) if a.m else torch.clip(x0, a.lo, a.hi))',
  // (no negative bound of a uint8 input: torch casts it to uint8 first, 255 for -1, flintml's clamp compares the numbers)
  gen: (r) => { const dt = r.pick(FI); return { ins: [r.tensor(dt, r.shape(0, 3), 'special')], a: { lo: r.pick(dt === 'uint8' ? [null, 0, 3] : [null, -1, 0, 0.5]), hi: r.pick(dt === 'uint8' ? [null, 1, 5] : [null, 1, 2.5, -2]), m: r.bool() } }; },
  fl: (fl, [x], a) => (a.m ? x.clip(a.lo, a.hi) : fl.clip(x, a.lo, a.hi)),
});
add({
  name: 'clip_', py: 'x0.detach().clone().clip_(a.lo, a.hi)', grad: false,
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'special')], a: { lo: r.pick([null, -1, 0.5]), hi: r.pick([1, 2.5]) } }),
  fl: (fl, [x], a) => x.detach().clone().clip_(a.lo, a.hi),
});
for (const [name, tname] of [['arctan2', 'arctan2'], ['multiply', 'multiply'], ['divide', 'divide'], ['subtract', 'subtract']]) {
  add({
    name, py: `(x0.${tname}(x1) if a.m else torch.${tname}(x0, x1))`,
    gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(name === 'subtract' ? FI : F); return { ins: [r.tensor(d, s, 'grid'), r.tensor(r.bool(0.7) ? d : r.pick(F), t, 'grid')], a: { m: r.bool() } }; },
    fl: (fl, [a, b], o) => (o.m ? a[name](b) : fl[name](a, b)),
    gradTol: name === 'arctan2' ? 1e3 : undefined,
  });
}
add({
  name: 'divide-rounding', py: 'torch.divide(x0, x1, rounding_mode=a.rm)',
  gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(FI); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, t, 'grid')], a: { rm: r.pick(['floor', 'trunc']) } }; },
  fl: (fl, [a, b], o) => fl.divide(a, b, o.rm),
});
add({
  name: 'subtract-alpha', py: '(x0.subtract(x1, alpha=a.al) if a.m else torch.subtract(x0, x1, alpha=a.al))',
  gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(F); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, t, 'grid')], a: { al: r.pick([2, -1, 0.5]), m: r.bool() } }; },
  fl: (fl, [a, b], o) => (o.m ? a.subtract(b, o.al) : fl.subtract(a, b, o.al)),
});
add({
  name: 'inplace-arith', py: '{"m": lambda: x0.detach().clone().multiply_(x1), "d": lambda: x0.detach().clone().divide_(x1, rounding_mode=a.rm), "s": lambda: x0.detach().clone().subtract_(x1, alpha=2)}[a.op]()', grad: false,
  gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(F32), s, 'grid'), r.tensor('float32', s.slice(r.int(0, s.length)), 'grid')], a: { op: r.pick(['m', 'd', 's']), rm: r.pick([null, 'floor', 'trunc']) } }; },
  fl: (fl, [x, y], a) => { const c = x.detach().clone(); return a.op === 'm' ? c.multiply_(y) : a.op === 'd' ? (a.rm === null ? c.divide_(y) : c.divide_(y, a.rm)) : c.subtract_(y, 2); },
});
add({
  name: 'ger', py: '(x0.ger(x1) if a.m else torch.ger(x0, x1))',
  gen: (r) => { const d = r.pick(F); return { ins: [r.tensor(d, [r.int(0, 4)]), r.tensor(d, r.bool(0.1) ? [2, 2] : [r.int(0, 4)])], a: { m: r.bool() } }; },
  fl: (fl, [a, b], o) => (o.m ? a.ger(b) : fl.ger(a, b)),
});
add({
  name: 'trapz', py: '(torch.trapz(x0, dim=a.d) if a.f == 0 else torch.trapz(x0, dx=a.dx, dim=a.d) if a.f == 1 else torch.trapz(x0, x1, dim=a.d))',
  gen: (r) => {
    const s = r.shape(1, 3); const d = r.dim(s.length);
    return { ins: [r.tensor(r.pick(F), s, 'grid'), r.tensor('float64', [s[d < 0 ? d + s.length : d]], 'grid')], a: { d, f: r.int(0, 2), dx: r.pick([0.5, 2, -1]) } };
  },
  fl: (fl, [y, x], a) => (a.f === 0 ? fl.trapz(y, { dim: a.d }) : a.f === 1 ? fl.trapz(y, { dx: a.dx, dim: a.d }) : fl.trapz(y, x, { dim: a.d })),
});

// ---- predicates -------------------------------------------------------------------------------------------------------
add({
  name: 'isSameSize', py: '(x0.is_same_size(x1) if a.m else torch.is_same_size(x0, x1))',
  gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(ALL), s), r.tensor(r.pick(ALL), r.bool() ? s : r.shape(0, 3))], a: { m: r.bool() } }; },
  fl: (fl, [a, b], o) => (o.m ? a.isSameSize(b) : fl.isSameSize(a, b)),
});
add({
  name: 'isNonzero', py: '(x0.is_nonzero() if a.m else torch.is_nonzero(x0))',
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.pick([[], [1], [1, 1], [2], [0]]), 'special', -1, 1)], a: { m: r.bool() } }),
  fl: (fl, [x], o) => (o.m ? x.isNonzero() : fl.isNonzero(x)),
});
add({
  name: 'canCast', py: 'torch.can_cast(getattr(torch, a.f), getattr(torch, a.t))',
  gen: (r) => ({ ins: [], a: { f: r.pick(ALL), t: r.pick(ALL) } }), fl: (fl, _, a) => fl.canCast(a.f, a.t),
});

// ---- msort, mode, nanmedian, renorm ------------------------------------------------------------------------------------
add({
  name: 'msort', py: '(x0.msort() if a.m else torch.msort(x0))',
  gen: (r) => ({ ins: [r.tensor(r.pick(FI), r.shape(0, 3), 'grid')], a: { m: r.bool() } }),
  fl: (fl, [x], o) => (o.m ? x.msort() : fl.msort(x)),
});
add({
  name: 'mode', py: '(x0.mode(a.d, a.k) if a.m else torch.mode(x0, a.d, keepdim=a.k))',
  gen: (r) => { const s = r.shape(0, 3, 6); return { ins: [r.tensor(r.pick(ALL), s, 'int', -2, 2)], a: { d: dimOf(r, s.length), k: r.bool(), m: r.bool() } }; },
  fl: (fl, [x], o) => (o.m ? x.mode(o.d, o.k) : fl.mode(x, o.d, o.k)),
});
add({
  name: 'mode-default', py: 'torch.mode(x0)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 2, 8), 'int', -1, 1)] }), fl: (fl, [x]) => fl.mode(x),
});
add({
  name: 'nanmedian-all', py: '(x0.nanmedian() if a.m else torch.nanmedian(x0))',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'special')], a: { m: r.bool() } }),
  fl: (fl, [x], o) => (o.m ? x.nanmedian() : fl.nanmedian(x)),
});
add({
  name: 'nanmedian-int', py: 'torch.nanmedian(x0, a.d)',
  gen: (r) => { const s = r.shape(1, 3, 5, false); return { ins: [r.tensor(r.pick(['int32', 'uint8']), s, 'int', -20, 20)], a: { d: r.dim(s.length) } }; },
  fl: (fl, [x], a) => fl.nanmedian(x, a.d),
  known: (a, [x]) => (new Set(x.v).size < x.v.length ? 'nanmedian along a dim with ties: torch returns the index nth_element leaves (any of the tied ones), flintml the first in sorted order' : null),
});
add({
  name: 'nanmedian-dim', py: '(x0.nanmedian(a.d, a.k) if a.m else torch.nanmedian(x0, a.d, keepdim=a.k))',
  gen: (r) => {
    const s = r.shape(1, 3, 5);
    const x = r.tensor(r.pick(F32), s, 'cont');
    x.v = x.v.map((v) => (r.bool(0.25) ? 'nan' : v));
    return { ins: [x], a: { d: r.dim(s.length), k: r.bool(), m: r.bool() } };
  },
  fl: (fl, [x], o) => (o.m ? x.nanmedian(o.d, o.k) : fl.nanmedian(x, o.d, o.k)),
  known: (a, [x]) => (someSliceAllNaN(x, a.d) ? "nanmedian of a slice of NaNs only: torch's index is whatever nth_element leaves, flintml's is 0 (the values agree: NaN)" : null),
});
add({
  name: 'renorm', py: '(x0.renorm(float(a.p), a.d, a.mx) if a.m else torch.renorm(x0, float(a.p), a.d, a.mx))',
  gen: (r) => {
    const s = r.shape(r.bool(0.1) ? 1 : 2, 3);
    return { ins: [r.tensor(r.bool(0.05) ? 'int32' : r.pick(F), s, 'grid')], a: { p: r.pick([1, 2, 3, 0.5, 'inf', 2, r.bool(0.1) ? 0 : 2]), d: s.length ? r.dim(s.length) : 0, mx: r.pick([0, 0.5, 1, 3, 20]), m: r.bool() } };
  },
  fl: (fl, [x], o) => (o.m ? x.renorm(ordJs(o.p), o.d, o.mx) : fl.renorm(x, ordJs(o.p), o.d, o.mx)), tol: 4,
});

// ---- vander, histogram, gradient -------------------------------------------------------------------------------------
add({
  // (no gradient comparison: torch 1.13's vander backward fails, its cumprod output modified in place; test/ops-misc.test.ts gradchecks flintml's)
  name: 'vander', py: 'torch.vander(x0, a.N, a.inc)', grad: false,
  gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.bool(0.05) ? r.shape(0, 2) : [r.int(0, 4)], 'grid', -3, 3)], a: { N: r.pick([null, 0, 1, 2, 3, 5]), inc: r.bool() } }),
  fl: (fl, [x], a) => fl.vander(x, a.N, a.inc), tol: 4,
});
add({
  name: 'histogram', grad: false,
  py: 'torch.histogram(x0, a.b, range=(tuple(a.rg) if a.rg is not None else None), weight=(x1 if a.w else None), density=a.den)',
  gen: (r) => {
    const dt = r.pick(['float32', 'float64', 'float32', 'float16']); const s = r.shape(0, 3);
    return { ins: [r.tensor(dt, s, r.bool(0.1) ? 'special' : 'grid'), r.tensor(dt, s, 'pos')], a: { b: r.pick([1, 2, 3, 4, 7, 10]), rg: r.pick([null, null, [-1, 1], [0, 2.5], [1, 1], [-3.5, 4]]), w: r.bool(0.3), den: r.bool(0.3) } };
  },
  fl: (fl, [x, w], a) => fl.histogram(x, a.b, { range: a.rg, weight: a.w ? w : null, density: a.den }), tol: 4,
  known: (a, [x]) => (a.rg !== null && x.v.includes('nan') ? "histogram of a NaN with a given range: torch 1.13's range test lets NaN through and bins it at int64(NaN) (undefined behaviour); flintml ignores it, as numpy" : null),
});
add({
  name: 'histogram-edges', grad: false, py: '(x0.histogram(x1, density=a.den) if a.m else torch.histogram(x0, x1, density=a.den))',
  gen: (r) => {
    const dt = r.pick(F32); const n = r.int(1, 5);
    const edges = [r.int(-20, 0) / 4]; for (let i = 1; i < n; i++) edges.push(edges[i - 1] + r.int(1, 8) / 4);
    return { ins: [r.tensor(dt, r.shape(0, 3), 'grid'), { dtype: dt, shape: [n], v: edges, layout: 'c' }], a: { den: r.bool(0.3), m: r.bool() } };
  },
  fl: (fl, [x, e], a) => (a.m ? x.histogram(e, { density: a.den }) : fl.histogram(x, e, { density: a.den })),
});
add({
  name: 'gradient', py: 'torch.gradient(x0, spacing=(a.sp if not isinstance(a.sp, list) else a.sp), dim=a.d, edge_order=a.eo)',
  gen: (r) => {
    const s = r.shape(1, 3, 5).map((v) => (r.bool(0.9) ? Math.max(v, 3) : v));
    const eo = r.pick([1, 2]);
    const d = r.pick([null, r.dim(s.length), s.length > 1 ? [0, s.length - 1] : [0]]);
    const nd = d === null ? s.length : Array.isArray(d) ? d.length : 1;
    const sp = r.bool() ? r.pick([1, 2, 0.5, -1.5]) : Array.from({ length: nd }, () => r.pick([1, 2, 0.25]));
    return { ins: [r.tensor(r.pick(ALL), s, 'grid')], a: { sp, d, eo } };
  },
  fl: (fl, [x], a) => fl.gradient(x, { spacing: a.sp, dim: a.d, edgeOrder: a.eo }), tol: 4,
});
add({
  name: 'gradient-coords', py: 'torch.gradient(x0, spacing=(x1,), dim=a.d, edge_order=a.eo)',
  gen: (r) => {
    const s = r.shape(1, 3, 5).map((v) => Math.max(v, 3)); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d];
    const c = [r.int(-8, 8) / 4]; for (let i = 1; i < n; i++) c.push(c[i - 1] + r.int(1, 6) / 4);
    const dt = r.pick(F32);
    return { ins: [r.tensor(dt, s, 'grid'), { dtype: dt, shape: [n], v: c, layout: 'c' }], a: { d, eo: r.pick([1, 2]) } };
  },
  fl: (fl, [x, c], a) => fl.gradient(x, { spacing: [c], dim: a.d, edgeOrder: a.eo }), tol: 16, gradTol: 64,
});

// ---- products and distances -------------------------------------------------------------------------------------------
add({
  name: 'chainMatmul', py: 'torch.chain_matmul(*xs)',
  gen: (r) => {
    const k = r.int(1, 4), dims = Array.from({ length: k + 1 }, () => r.int(1, 4)); const dt = r.pick(F32);
    return { ins: Array.from({ length: k }, (_, i) => r.tensor(dt, [dims[i], dims[i + 1]], 'grid')) };
  },
  fl: (fl, xs) => fl.chainMatmul(...xs), tol: 4,
});
add({
  name: 'vdot', py: '(x0.vdot(x1) if a.m else torch.vdot(x0, x1))',
  gen: (r) => { const n = r.int(0, 5); const d = r.pick(F32); return { ins: [r.tensor(d, [n], 'grid'), r.tensor(r.bool(0.8) ? d : r.pick(F32), r.bool(0.9) ? [n] : [n + 1], 'grid')], a: { m: r.bool() } }; },
  fl: (fl, [a, b], o) => (o.m ? a.vdot(b) : fl.vdot(a, b)),
});
add({
  name: 'inner', py: '(x0.inner(x1) if a.m else torch.inner(x0, x1))',
  gen: (r) => {
    const k = r.int(0, 3); const sa = [...r.shape(0, 2), k], sb = [...r.shape(0, 2), r.bool(0.9) ? k : k + 1]; const d = r.pick(F32);
    return { ins: [r.tensor(d, r.bool(0.1) ? [] : sa, 'grid'), r.tensor(d, sb, 'grid')], a: { m: r.bool() } };
  },
  fl: (fl, [a, b], o) => (o.m ? a.inner(b) : fl.inner(a, b)), tol: 4,
});
add({
  name: 'dist', py: '(x0.dist(x1, float(a.p)) if a.m else torch.dist(x0, x1, float(a.p)))',
  gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(F); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, t, 'grid')], a: { p: r.pick([2, 1, 0, 3, 0.5, 'inf', '-inf']), m: r.bool() } }; },
  fl: (fl, [a, b], o) => (o.m ? a.dist(b, ordJs(o.p)) : fl.dist(a, b, ordJs(o.p))), tol: 8,
  known: (a, ins) => (a.p === 0 && ins.every((t) => t.dtype !== 'int32') ? "dist's gradient at p = 0: torch 1.13's backward fails (norm_backward returns an undefined tensor); flintml's is 0" : null),
});
add({
  name: 'pdist', py: 'F.pdist(x0, float(a.p))',
  // (at least one row: torch 1.13's pdist of a [0, M] input crashes the process, SIGSEGV)
  gen: (r) => { const s = r.bool(0.05) ? r.shape(1, 3, 4, false) : [r.int(1, 5), r.int(0, 3)]; return { ins: [r.tensor(r.pick(F32), s, 'int', -1, 1)], a: { p: r.pick([2, 1, 0, 3, 0.5, 1.5, 'inf']), f: r.bool() } }; },
  fl: (fl, [x], a) => (a.f ? fl.nn.functional.pdist(x, ordJs(a.p)) : fl.pdist(x, ordJs(a.p))), tol: 8,
});
add({
  name: 'cosineSimilarity-top', py: 'torch.cosine_similarity(x0, x1, a.d)',
  gen: (r) => { const s = r.shape(1, 3); const d = r.pick(F32); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, s, 'grid')], a: { d: r.dim(s.length) } }; },
  fl: (fl, [a, b], o) => fl.cosineSimilarity(a, b, o.d), tol: 8,
});
add({
  name: 'pairwiseDistance-top', py: 'torch.pairwise_distance(x0, x1, a.p)',
  gen: (r) => { const s = r.shape(1, 2); const d = r.pick(F32); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, s, 'grid')], a: { p: r.pick([1, 2, 3]) } }; },
  fl: (fl, [a, b], o) => fl.pairwiseDistance(a, b, o.p), tol: 8,
});

add({
  name: 'frobeniusNorm', py: '(torch.frobenius_norm(x0) if a.d is None else torch.frobenius_norm(x0, a.d, a.k))',
  gen: (r) => { const s = r.shape(0, 3); const n = s.length; const d = r.pick([null, n ? [r.dim(n)] : null, n > 1 ? [0, n - 1] : null, n > 2 && r.bool(0.2) ? [0, 1, 2] : null]); return { ins: [r.tensor(r.bool(0.05) ? 'int32' : r.pick(F), s, 'grid')], a: { d, k: r.bool() } }; },
  fl: (fl, [x], a) => (a.d === null ? fl.frobeniusNorm(x) : fl.frobeniusNorm(x, a.d, a.k)), tol: 8,
});
add({
  name: 'nuclearNorm', py: '(torch.nuclear_norm(x0, a.k) if a.d is None else torch.nuclear_norm(x0, a.d, a.k))',
  gen: (r) => { const s = r.shape(r.bool(0.1) ? 1 : 2, 3, 4, false); const n = s.length; return { ins: [r.tensor(r.pick(F32), s, 'cont')], a: { d: n > 2 || r.bool(0.3) ? [0, n - 1] : null, k: r.bool() } }; },
  fl: (fl, [x], a) => (a.d === null ? fl.nuclearNorm(x, a.k) : fl.nuclearNorm(x, a.d, a.k)), tol: 64, gradTol: 1e4,
});

// ---- maskedScatter, asStrided, emptyStrided ---------------------------------------------------------------------------------
add({
  name: 'maskedScatter', py: '(x0.masked_scatter(x1, x2) if a.m else torch.masked_scatter(x0, x1, x2))',
  gen: (r) => {
    const [s, t] = bshapes(r); const d = r.pick(FI); const n = [...s, ...t].reduce((a, b) => a * b, 1) * 2;
    return { ins: [r.tensor(d, s, 'grid'), r.tensor('bool', t), r.tensor(r.bool(0.95) ? d : r.pick(FI), r.bool(0.9) ? [n] : [r.int(0, 2)], 'grid')], a: { m: r.bool() } };
  },
  fl: (fl, [x, m, s], a) => (a.m ? x.maskedScatter(m, s) : fl.maskedScatter(x, m, s)),
});
add({
  name: 'maskedScatter_', py: 'x0.detach().clone().masked_scatter_(x1, x2.detach())', grad: false,
  gen: (r) => {
    const s = r.shape(0, 3); const t = s.slice(r.int(0, s.length)); const d = r.pick(F);
    return { ins: [r.tensor(d, s, 'grid'), r.tensor('bool', r.bool(0.9) ? t : [...t, 2]), r.tensor(d, [s.reduce((a, b) => a * b, 1)], 'grid')] };
  },
  fl: (fl, [x, m, s]) => x.detach().clone().maskedScatter_(m, s.detach()),
});
add({
  name: 'asStrided', py: '(x0.as_strided(a.sz, a.st, a.off) if a.m else torch.as_strided(x0, a.sz, a.st, a.off))',
  gen: (r) => {
    const s = r.shape(1, 3); const n = s.reduce((a, b) => a * b, 1);
    const k = r.int(0, 3); const sz = Array.from({ length: k }, () => r.int(0, 3)); const st = sz.map(() => r.int(0, 3));
    return { ins: [r.tensor(r.pick(F), s, 'grid')], a: { sz, st, off: r.int(0, Math.max(0, n - 1)), m: r.bool() } };
  },
  // (on the contiguous input: the harness stores a 't' input transposed, torch's always contiguous, and asStrided reads the storage)
  fl: (fl, [x], a) => { const c = x.contiguous(); return a.m ? c.asStrided(a.sz, a.st, a.off) : fl.asStrided(c, a.sz, a.st, a.off); },
});
add({
  name: 'emptyStrided', py: 'torch.empty_strided(a.sz, a.st, dtype=getattr(torch, a.dt)).stride()',
  gen: (r) => { const k = r.int(0, 3); const sz = Array.from({ length: k }, () => r.int(0, 4)); return { ins: [], a: { sz, st: sz.map(() => r.int(0, 5)), dt: r.pick(ALL) } }; },
  fl: (fl, _, a) => fl.emptyStrided(a.sz, a.st, { dtype: a.dt }).strides,
});

module.exports = { SPECS: specs };
