// torch-diff-specs-norms.js — bench/torch-diff.js's specs for the norms and distances (the format of
// bench/torch-diff-specs.js): fl.linalg.vectorNorm / matrixNorm, fl.norm and Tensor.norm, fl.cdist,
// F.oneHot, F.normalize, F.cosineSimilarity, F.pairwiseDistance and their modules.
//
// Conventions here: a norm order travels as a number or the string 'inf' / '-inf' (the arguments
// pass through JSON, which has no Infinity): `ordJs` reads it on flintml's side, Python's float()
// on torch's. The orders that need an SVD ('nuc', matrix ±2) are drawn now and then (linalg.svdvals,
// lib/ops/decomp.ts).
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const F3 = ['float32', 'float64', 'float32', 'float64', 'float16', 'bfloat16'];  // the 16-bit dtypes less often
const specs = [];
const add = (s) => specs.push(s);

const ordJs = (v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const ORD_PY = '(a.o if a.o is None or a.o in ("fro", "nuc") else float(a.o))';
const VORDS = [2, 2, 1, 'inf', '-inf', 0, 3, 0.5, -1, 1.5, -0.5];
const DT_PY = '(getattr(torch, a.dt) if a.dt else None)';
const AMAX_NAN = "amax/amin's gradient where the result is NaN: flintml's goes to the NaN elements (torch's max() rule), torch 1.13's amax gives the whole slice NaN";

/**
 * torch 1.13's torch.norm(x, 'fro', dim) with two dims is sqrt(sum(x * x)) (at::frobenius_norm), whose
 * gradient at a zero norm is NaN; flintml gives 0 there, as torch 1.13 does for 'fro' over one dim or
 * all dims and as linalg.vector_norm (and torch 2's torch.norm) do.
 */
function froTwoDims(a, x) {
  return a.o === 'fro' && Array.isArray(a.d) && a.d.length === 2 && x.v.some((v) => v === 0 || v === '-0')
    ? "torch.norm 'fro' over two dims: torch 1.13's sqrt(sum(x²)) has a NaN gradient at a zero norm, flintml 0 (as linalg.vector_norm)" : null;
}
/** A dim argument for a tensor of n dims: none, one dim, or a list of distinct dims (maybe empty). */
function dims(r, n) {
  const p = r.u();
  if (p < 0.3 || n === 0) return r.bool(0.8) || n === 0 ? null : [];
  if (p < 0.7) return r.dim(n);
  const ds = [];
  for (let d = 0; d < n; d++) if (r.bool()) ds.push(r.bool() ? d - n : d);
  return ds;
}
/** Two broadcastable shapes (now and then two that are not). */
function bshapes(r, lo = 0) {
  const s = r.shape(lo, 3);
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  if (r.bool(0.3)) t.unshift(r.int(1, 3));
  if (r.bool(0.05) && t.length) t[t.length - 1] += 1;  // mismatched
  return r.bool() ? [s, t] : [t, s];
}
const kind = (r) => r.pick(['grid', 'grid', 'cont', 'special']);

// ---- linalg.vectorNorm, norm, Tensor.norm -------------------------------------------------------------
add({
  name: 'linalg.vectorNorm', py: `torch.linalg.vector_norm(x0, float(a.o), a.d, a.k, dtype=${DT_PY})`,
  gen: (r) => {
    const s = r.shape(0, 3);
    const dt = r.bool(0.05) ? 'int32' : r.pick(F3);
    const wide = r.bool(0.15);
    return { ins: [r.tensor(dt, s, kind(r))], a: { o: r.pick(VORDS), d: dims(r, s.length), k: r.bool(), dt: wide ? r.pick(['float64', 'float32', 'float16']) : null } };
  },
  fl: (fl, [x], a) => fl.linalg.vectorNorm(x, ordJs(a.o), a.d, a.k, { dtype: a.dt }), tol: 8,
});
// magnitudes where a naive sum of powers overflows or underflows float32 (1e25² > 3.4e38, 1e-25² < 1.4e-45)
// and ±inf/NaN among them:
// both must agree on inf/0 and on where a NaN wins over an inf
add({
  name: 'linalg.vectorNorm-adversarial', py: 'torch.linalg.vector_norm(x0, float(a.o), a.d, a.k)',
  gen: (r) => {
    const s = r.shape(1, 3);
    const t = r.tensor(r.pick(['float32', 'float64']), s, 'special');
    const m = r.pick([1, 1e25, 1e-25, 1e160, 1e-160]);
    t.v = t.v.map((v) => (typeof v === 'number' ? v * m : v));
    return { ins: [t], a: { o: r.pick(VORDS), d: dims(r, s.length), k: r.bool() } };
  },
  fl: (fl, [x], a) => fl.linalg.vectorNorm(x, ordJs(a.o), a.d, a.k), tol: 8, grad: false,
});
add({
  name: 'norm', py: `torch.norm(x0, ${ORD_PY}, a.d, a.k, dtype=${DT_PY})`,
  gen: (r) => {
    const s = r.shape(0, 3);
    const withDt = r.bool(0.15);
    const dt = withDt ? r.pick(['int32', 'uint8', ...F]) : r.bool(0.05) ? 'int32' : r.pick(F3);
    const o = r.pick(['fro', 'fro', null, ...VORDS, 'nuc']);
    // 'fro' with a list of 3 dims (refused on both sides) now and then
    const d = o === 'fro' && s.length === 3 && r.bool(0.2) ? [0, 1, 2] : dims(r, s.length);
    // a dtype that narrows a floating input is left out (torch.norm takes it): the gradient is then
    // rounded to the narrow dtype in the input's, beyond the harness's tolerance on both sides alike
    // (test/norms.test.ts checks the narrowing values)
    const wider = { float64: ['float64'], float32: ['float32', 'float64'], float16: ['float16', 'float32', 'float64'], bfloat16: ['bfloat16', 'float32', 'float64'] }[dt];
    return { ins: [r.tensor(dt, s, kind(r))], a: { o, d, k: r.bool(), dt: withDt ? r.pick(wider || F) : null } };
  },
  fl: (fl, [x], a) => fl.norm(x, ordJs(a.o), a.d, a.k, { dtype: a.dt }), tol: 8,
  known: (a, [x]) => froTwoDims(a, x),
});
add({
  name: 'Tensor.norm', py: `x0.norm(${ORD_PY}, a.d, a.k)`,
  gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(F3), s, kind(r))], a: { o: r.pick(['fro', 2, 1, 'inf', 0, 3]), d: dims(r, s.length), k: r.bool() } }; },
  fl: (fl, [x], a) => x.norm(ordJs(a.o), a.d, a.k), tol: 8, known: (a, [x]) => froTwoDims(a, x),
});

// ---- linalg.matrixNorm ------------------------------------------------------------------------------
add({
  name: 'linalg.matrixNorm', py: `torch.linalg.matrix_norm(x0, ${ORD_PY}, tuple(a.d), a.k, dtype=${DT_PY})`,
  gen: (r) => {
    const s = r.shape(r.bool(0.05) ? 1 : 2, 4);
    const n = s.length;
    const d = r.bool(0.6) ? [-2, -1] : [r.dim(n), r.dim(n)];
    const dt = r.bool(0.04) ? 'int32' : r.pick(F3);
    const o = r.pick(['fro', 'fro', 1, -1, 'inf', '-inf', 'nuc', 2, -2, 3, 0]);
    // no NaN or inf for the SVD orders: torch 1.13's LAPACK SVD of such a matrix never returns
    const k = o === 'nuc' || o === 2 || o === -2 ? r.pick(['grid', 'cont']) : kind(r);
    return { ins: [r.tensor(dt, s, k)], a: { o, d, k: r.bool(), dt: r.bool(0.1) ? r.pick(['float64', 'float32']) : null } };
  },
  fl: (fl, [x], a) => fl.linalg.matrixNorm(x, ordJs(a.o), a.d, a.k, { dtype: a.dt }), tol: 8,
  known: (a, [x]) => (x.v.includes('nan') && a.o !== 'fro' ? AMAX_NAN : null),
});

// ---- cdist --------------------------------------------------------------------------------------------
add({
  name: 'cdist', py: 'torch.cdist(x0, x1, float(a.p))',
  gen: (r) => {
    const B = r.shape(0, 2, 3);
    const B2 = r.bool(0.3) ? B.slice(r.int(0, B.length)).map((d) => (r.bool(0.4) ? 1 : d)) : B;
    const M = r.bool(0.05) ? 0 : r.int(1, 4);
    const dt = r.bool(0.04) ? 'int32' : r.pick(F3);
    const x1 = [...B, r.bool(0.05) ? 0 : r.int(1, 4), M];
    const x2 = [...B2, r.int(1, 4), r.bool(0.04) ? M + 1 : M];
    const k = r.pick(['grid', 'grid', 'cont']);
    return { ins: [r.tensor(dt, r.bool(0.04) ? [M] : x1, k), r.tensor(r.bool(0.04) ? 'float64' : dt, x2, k)], a: { p: r.pick([2, 2, 1, 'inf', 0, 0.5, 1.5, 3]) } };
  },
  fl: (fl, [x, y], a) => fl.cdist(x, y, ordJs(a.p)), tol: 8,
  known: (a, [x, y]) => (x.dtype !== y.dtype && [x, y].some((t) => t.shape.includes(0)) ? "cdist of two dtypes with an empty operand: torch 1.13 checks the dtypes only when there is something to compute; flintml always refuses" : null),
});

// ---- nn.functional ---------------------------------------------------------------------------------
add({
  name: 'F.oneHot', grad: false, py: 'F.one_hot(x0, a.n)',
  gen: (r) => {
    const s = r.shape(0, 3);
    const C = r.int(1, 5);
    const t = r.tensor(r.bool(0.05) ? 'float32' : 'int32', s, 'index', 0, C - 1);
    if (r.bool(0.1)) t.v = t.v.map((v) => (r.bool(0.3) ? r.pick([-1, C, C + 3]) : v));
    return { ins: [t], a: { n: r.pick([-1, -1, C, C + 2, 0, -2]) } };
  },
  fl: (fl, [x], a) => fl.nn.functional.oneHot(x, a.n),
});
add({
  name: 'F.normalize', py: 'F.normalize(x0, float(a.o), a.d, a.eps)',
  gen: (r) => {
    const s = r.shape(1, 3);
    const d = r.bool(0.15) ? [r.dim(s.length)] : r.dim(s.length);
    const dt = r.bool(0.04) ? 'int32' : r.pick(F3);
    return { ins: [r.tensor(dt, s, r.pick(['grid', 'cont', 'special']))], a: { o: r.pick([2, 2, 1, 'inf', 0, 3, -1, 0.5]), d, eps: r.pick([1e-12, 1e-12, 0.1, 1]) } };
  },
  fl: (fl, [x], a) => fl.nn.functional.normalize(x, ordJs(a.o), a.d, a.eps), tol: 8,
  // torch 1.13 has no CPU clamp_min for float16: the harness runs the case in float32, where eps 1e-12
  // stays; in float16 (flintml, and torch's GPU kernels) it underflows to 0, so a zero norm gives 0/0
  known: (a, [x]) => (x.dtype === 'float16' && a.eps < 6e-8 && x.v.some((v) => v === 0 || v === '-0') ? 'float16 with eps below its smallest subnormal: eps is 0 in float16 (0/0 at a zero norm, as on torch\'s GPU); the harness\'s float32 fallback keeps it' : null),
});
/** Inputs of the two-input distances: broadcastable shapes, float dtypes (an integer one now and then). */
function pairCase(r) {
  const [s, t] = bshapes(r);
  const d0 = r.bool(0.05) ? 'int32' : r.pick(F3);
  const d1 = r.bool(0.7) ? d0 : r.pick([...F, 'int32']);
  const k = r.pick(['grid', 'grid', 'cont']);
  return [r.tensor(d0, s, k), r.tensor(d1, t, k)];
}
/**
 * One element along the cosine's dim: the result is sign(x1)·sign(x2), whose exact gradient 0 is a
 * cancellation of terms of size 1/|x|; torch leaves a rounding residue there, flintml gets 0.
 */
function oneAlong([x, y], d) {
  const n = Math.max(x.shape.length, y.shape.length);
  const size = (t) => { const k = (d < 0 ? d + n : d) - (n - t.shape.length); return k >= 0 && k < t.shape.length ? t.shape[k] : 1; };
  return n === 0 || Math.max(size(x), size(y)) === 1 ? 'one element along dim: an exact 0 gradient in flintml, a rounding residue (~1e-14/|x|) in torch' : null;
}
add({
  name: 'F.cosineSimilarity', py: 'F.cosine_similarity(x0, x1, a.d, a.eps)',
  gen: (r) => {
    const ins = pairCase(r);
    const n = Math.max(ins[0].shape.length, ins[1].shape.length);
    return { ins, a: { d: r.bool(0.7) ? r.dim(n) : 1, eps: r.pick([1e-8, 1e-8, 0.5, 0]) } };
  },
  fl: (fl, [x, y], a) => fl.nn.functional.cosineSimilarity(x, y, a.d, a.eps), tol: 16, known: (a, ins) => oneAlong(ins, a.d),
});
add({
  name: 'F.pairwiseDistance', py: 'F.pairwise_distance(x0, x1, float(a.o), a.eps, a.k)',
  gen: (r) => ({ ins: pairCase(r), a: { o: r.pick([2, 2, 1, 'inf', 0, 3, -1, 0.5]), eps: r.pick([1e-6, 1e-6, 0, 0.5]), k: r.bool() } }),
  fl: (fl, [x, y], a) => fl.nn.functional.pairwiseDistance(x, y, ordJs(a.o), a.eps, a.k), tol: 8,
  // x1 == x2 leaves eps: 1e-6 is a float16 subnormal, whose square torch 1.13's CPU norm kernel
  // takes in float16 (0); flintml accumulates in float32, as torch's GPU kernels do
  known: (a, [x, y]) => ([x, y].some((t) => t.dtype === 'float16') && a.eps > 0 && a.eps < 1e-4 && x.v.some((v) => y.v.includes(v))
    ? "float16 norm of a subnormal (x1 == x2 leaves eps = 1e-6): torch 1.13's CPU kernel squares it in float16 to 0, flintml accumulates in float32 (as torch's GPU)" : null),
});
add({
  name: 'nn.CosineSimilarity', py: 'torch.nn.CosineSimilarity(a.d, a.eps)(x0, x1)',
  gen: (r) => { const [s] = bshapes(r, 1); const dt = r.pick(F3); return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, s, 'cont')], a: { d: r.dim(s.length), eps: r.pick([1e-8, 0.5]) } }; },
  fl: (fl, [x, y], a) => new fl.nn.CosineSimilarity(a.d, a.eps).forward(x, y), tol: 16, known: (a, ins) => oneAlong(ins, a.d),
});
add({
  name: 'nn.PairwiseDistance', py: 'torch.nn.PairwiseDistance(float(a.o), a.eps, a.k)(x0, x1)',
  gen: (r) => { const [s] = bshapes(r, 1); const dt = r.pick(F3); return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, s, 'cont')], a: { o: r.pick([2, 1, 'inf', 3]), eps: r.pick([1e-6, 0.5]), k: r.bool() } }; },
  fl: (fl, [x, y], a) => new fl.nn.PairwiseDistance(ordJs(a.o), a.eps, a.k).forward(x, y), tol: 8,
});

module.exports = { SPECS: specs };
