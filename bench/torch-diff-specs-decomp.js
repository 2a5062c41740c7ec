// torch-diff-specs-decomp.js — bench/torch-diff.js's specs for torch.linalg's decompositions
// (lib/ops/decomp.ts; the format of bench/torch-diff-specs.js): linalg.qr (Q and R compared
// directly: flintml follows LAPACK's Householder conventions, signs included), linalg.eigh /
// eigvalsh, linalg.svd / svdvals, the deprecated torch.svd / torch.qr and Tensor.qr, linalg.pinv,
// matrixRank, lstsq and cond.
//
// Eigenvectors and singular vectors are unique only up to sign, so those forms compare what does
// not depend on the choice (the gauge): eigenvalues, singular values, V diag(w + 1..n) Vᵀ,
// U_k diag(S²) Vh_k and U_k U_kᵀ. The harness compares the gradient of the FIRST output only, so each
// form puts first a product that depends on every factor (Q diag(1..k) R for QR). Values are continuous ('cont': distinct
// eigenvalues and singular values, full rank, as the vector gradients need); the 16-bit and integer
// dtypes are drawn now and then (both refuse), and so are zero sizes.
'use strict';

const specs = [];
const add = (s) => specs.push(s);

/** Mostly float32/float64; now and then a dtype both refuse. */
const dtOf = (r) => (r.bool(0.06) ? r.pick(['float16', 'bfloat16', 'int32']) : r.pick(['float32', 'float64']));
/** A batch of 0..2 dims and a matrix of m x n (1..5, now and then 0). */
function matShape(r, square = false) {
  const batch = r.shape(0, 2, 3);
  const m = r.bool(0.04) ? 0 : r.int(1, 5);
  const n = square ? m : r.bool(0.04) ? 0 : r.int(1, 5);
  return [...batch, m, n];
}
// float32 is factored in double by flintml and in float32 by LAPACK; gradients of the vectors
// divide by gaps between eigenvalues / singular values
const TOL = 64;
const GTOL = 256;
/** torch 1.13's harness retries a 16-bit dtype in float32 (a stand-in for a GPU kernel); torch.linalg has none on any device. */
const HALF = (a, ins) => (ins.some((x) => x.dtype === 'float16' || x.dtype === 'bfloat16')
  ? "float16/bfloat16: torch 1.13's linalg has no 16-bit kernel on any device (CPU: \"not implemented for 'Half'\", which the harness retries in float32 as a stand-in for a GPU kernel); flintml refuses with a DTypeError as torch.linalg does"
  : ins.some((x) => x.dtype === 'int32' && x.v.length === 0)
    ? 'an empty integer input: torch 1.13 returns early for some empty shapes without checking the dtype; flintml always refuses integers (DTypeError)' : null);

// ---- QR ------------------------------------------------------------------------------------------------
// Q diag(1..k) R first (its gradient goes through both factors), then Q and R themselves
const QR_PY = '(lambda r: (r[0] @ torch.diag_embed(torch.arange(1, r[0].shape[-1] + 1, dtype=x0.dtype)) @ r[1], r[0], r[1]))';
const qrParts = (fl, Q, R) => [fl.matmul(fl.mul(Q, fl.arange(1, Q.shape[Q.ndim - 1] + 1, 1, { dtype: Q.dtype, device: Q.device })), R), Q, R];
add({
  name: 'linalg.qr', py: `${QR_PY}(torch.linalg.qr(x0, a.m))`,
  gen: (r) => {
    const s = matShape(r);
    const [m, n] = s.slice(-2);
    // complete mode with m > n has no gradient (both refuse it); it is drawn in linalg.qr-nograd
    return { ins: [r.tensor(dtOf(r), s, 'cont')], a: { m: m <= n && r.bool(0.4) ? 'complete' : 'reduced' } };
  },
  fl: (fl, [x], a) => { const [Q, R] = fl.linalg.qr(x, a.m); return qrParts(fl, Q, R); }, tol: TOL, gradTol: GTOL, known: HALF,
});
add({
  name: 'linalg.qr-nograd', grad: false, py: 'tuple(torch.linalg.qr(x0, mode=a.m))',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r), 'cont')], a: { m: r.pick(['complete', 'r', 'reduced']) } }),
  fl: (fl, [x], a) => { const [Q, R] = fl.linalg.qr(x, { mode: a.m }); return [Q, R]; }, tol: TOL, known: HALF,
});
add({
  name: 'qr', py: `${QR_PY}(torch.qr(x0, a.s))`,
  gen: (r) => {
    const s = matShape(r);
    const [m, n] = s.slice(-2);
    return { ins: [r.tensor(dtOf(r), s, 'cont')], a: { s: m > n ? true : r.bool() } };
  },
  fl: (fl, [x], a) => { const [Q, R] = fl.qr(x, a.s); return qrParts(fl, Q, R); }, tol: TOL, gradTol: GTOL, known: HALF,
});
add({
  name: 'Tensor.qr', py: `${QR_PY}(x0.qr())`,
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r), 'cont')] }),
  fl: (fl, [x]) => { const [Q, R] = x.qr(); return qrParts(fl, Q, R); }, tol: TOL, gradTol: GTOL, known: HALF,
});

// ---- eigh ----------------------------------------------------------------------------------------------
const EIGH_PY = '(lambda r: (r.eigenvectors @ torch.diag_embed(r.eigenvalues + torch.arange(1, x0.shape[-1] + 1, dtype=x0.dtype)) @ r.eigenvectors.mT, r.eigenvalues))';
add({
  name: 'linalg.eigh', py: `${EIGH_PY}(torch.linalg.eigh(x0, a.u))`,
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r, true), 'cont')], a: { u: r.pick(['L', 'U']) } }),
  fl: (fl, [x], a) => {
    const [w, V] = fl.linalg.eigh(x, a.u);
    const n = x.shape[x.ndim - 1];
    const c = fl.arange(1, n + 1, 1, { dtype: x.dtype, device: x.device });
    return [fl.matmul(fl.mul(V, fl.add(w, c).unsqueeze(-2)), V.transpose(-2, -1)), w];
  },
  tol: TOL, gradTol: GTOL, known: HALF,
});
add({
  name: 'linalg.eigvalsh', py: 'torch.linalg.eigvalsh(x0, UPLO=a.u)',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r, true), r.pick(['cont', 'grid']))], a: { u: r.pick(['L', 'U']) } }),
  fl: (fl, [x], a) => fl.linalg.eigvalsh(x, { UPLO: a.u }), tol: TOL, gradTol: GTOL, known: HALF,
});

// ---- SVD -----------------------------------------------------------------------------------------------
// the k singular vectors: U_k diag(S²) Vh_k and U_k U_kᵀ (full_matrices' extra columns are any basis)
const SVD_PY = '(lambda r, k: (r[0][..., :k] @ torch.diag_embed(r[1] * r[1]) @ r[2][..., :k, :], r[1], r[0][..., :k] @ r[0][..., :k].mT, r[0].shape[-1] + 0 * r[1].sum()))';
const svdParts = (fl, U, S, Vh, k) => {
  const Uk = U.narrow(-1, 0, k);
  return [fl.matmul(fl.mul(Uk, fl.mul(S, S).unsqueeze(-2)), Vh.narrow(-2, 0, k)), S, fl.matmul(Uk, Uk.transpose(-2, -1)), fl.add(fl.mul(S.sum(), 0), U.shape[U.ndim - 1])];
};
add({
  name: 'linalg.svd', py: `${SVD_PY}(torch.linalg.svd(x0, a.f), min(x0.shape[-2:]))`,
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r), 'cont')], a: { f: r.bool() } }),
  fl: (fl, [x], a) => { const [U, S, Vh] = fl.linalg.svd(x, a.f); return svdParts(fl, U, S, Vh, Math.min(...x.shape.slice(-2))); },
  tol: TOL, gradTol: GTOL, known: HALF,
});
add({
  name: 'linalg.svdvals', py: 'torch.linalg.svdvals(x0)',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r), r.pick(['cont', 'grid']))] }),
  fl: (fl, [x]) => fl.linalg.svdvals(x), tol: TOL, gradTol: GTOL, known: HALF,
});
add({
  // torch.svd: V, not Vh; some=False gives the full U and V
  name: 'svd', py: `${SVD_PY}((lambda r: (r[0], r[1], r[2].mT))(torch.svd(x0, a.s)), min(x0.shape[-2:]))`,
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r), 'cont')], a: { s: r.bool() } }),
  fl: (fl, [x], a) => { const [U, S, V] = fl.svd(x, a.s); return svdParts(fl, U, S, V.transpose(-2, -1), Math.min(...x.shape.slice(-2))); },
  tol: TOL, gradTol: GTOL, known: HALF,
});

// ---- pinv, matrixRank, lstsq, cond -------------------------------------------------------------------
add({
  name: 'linalg.pinv', py: 'torch.linalg.pinv(x0, atol=a.at, rtol=a.rt, hermitian=a.h)',
  gen: (r) => {
    const h = r.bool(0.3);
    return { ins: [r.tensor(dtOf(r), matShape(r, h), 'cont')], a: { at: r.pick([null, null, 0, 0.05]), rt: r.pick([null, null, 0, 1e-3]), h } };
  },
  fl: (fl, [x], a) => fl.linalg.pinv(x, { atol: a.at, rtol: a.rt, hermitian: a.h }), tol: TOL, gradTol: GTOL, known: HALF,
});
add({
  name: 'linalg.matrixRank', grad: false, py: 'torch.linalg.matrix_rank(x0, atol=a.at, rtol=a.rt, hermitian=a.h)',
  gen: (r) => {
    const h = r.bool(0.3);
    // grid values give rank-deficient matrices now and then; a tolerance of 1 or 2 drops small singular values
    return { ins: [r.tensor(dtOf(r), matShape(r, h), r.pick(['cont', 'grid']))], a: { at: r.pick([null, null, 1, 2]), rt: r.pick([null, null, 0.3]), h } };
  },
  fl: (fl, [x], a) => fl.linalg.matrixRank(x, { atol: a.at, rtol: a.rt, hermitian: a.h }), known: HALF,
});
add({
  // torch CPU's drivers: what each fills (rank, singular values, residuals) is compared; A has full
  // rank ('cont'), where every driver's solution is the least-squares (minimum-norm) one
  name: 'linalg.lstsq', py: 'tuple(torch.linalg.lstsq(x0, x1, driver=a.d))',
  gen: (r) => {
    const s = matShape(r);
    const k = r.int(1, 3);
    // a B of A's shape less its last dim now and then: torch 1.13 refuses it (its vector case fails), and so does flintml
    const bshape = r.bool(0.1) ? s.slice(0, -1) : [...s.slice(0, -1), k];
    const dt = dtOf(r);
    return { ins: [r.tensor(dt, s, 'cont'), r.tensor(r.bool(0.05) ? 'float64' : dt, bshape, 'cont')], a: { d: r.pick(['gelsy', 'gelsd', 'gelss', 'gels']) } };
  },
  fl: (fl, [A, B], a) => fl.linalg.lstsq(A, B, { driver: a.d }).slice(), tol: TOL, gradTol: GTOL,
  known: (a, ins) => {
    const [A, B] = ins;
    const vectorCase = B.shape.length === A.shape.length - 1 && B.shape.every((d, i) => d === A.shape[i]);
    return HALF(a, ins) || (vectorCase
      ? "B of A's shape less its last dim (torch's vector case): torch 1.13's lstsq fails on it (a shape error) except for 1 x 1 matrices, where it returns the vector solution; flintml takes B as [..., m, k] always (and refuses a 1-D B)" : null);
  },
});
add({
  name: 'linalg.cond', py: 'torch.linalg.cond(x0, a.p)',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r, r.bool()), 'cont')], a: { p: r.pick([null, 2, -2]) } }),
  // (σ_min, and so the condition number κ, is known to κ·eps relative: the tolerance allows κ ~ 1e4)
  fl: (fl, [x], a) => fl.linalg.cond(x, a.p), tol: 2048, gradTol: GTOL * 8, known: HALF,
});
add({
  // torch 1.13's backward of cond for these p fails ("modified by an inplace operation", inside its
  // linalg_inv_ex path): the values are compared, and flintml's gradient (of its composition) is
  // checked by test/decomp.test.ts
  name: 'linalg.cond-p', grad: false, py: 'torch.linalg.cond(x0, a.p if a.p not in ("inf", "-inf") else float(a.p))',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), matShape(r, !r.bool(0.05)), 'cont')], a: { p: r.pick(['fro', 'nuc', 1, -1, 'inf', '-inf']) } }),
  fl: (fl, [x], a) => fl.linalg.cond(x, a.p === 'inf' ? Infinity : a.p === '-inf' ? -Infinity : a.p), tol: 2048,
  known: (a, ins) => HALF(a, ins) ?? (ins[0].v.length === 0 && ins[0].shape.length >= 2 && ins[0].shape[ins[0].shape.length - 1] !== ins[0].shape[ins[0].shape.length - 2]
    ? "linalg.cond with p in (±1, ±inf, 'fro', 'nuc') of empty non-square matrices: torch 1.13 returns zeros before its square check, flintml refuses them as for any non-square input (seed 4)" : null),
});

module.exports = { SPECS: specs };
