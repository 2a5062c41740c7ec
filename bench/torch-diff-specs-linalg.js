// torch-diff-specs-linalg.js — bench/torch-diff.js's specs for torch.linalg's solvers and
// factorizations of lib/ops/linalg.ts (the format of bench/torch-diff-specs.js): luFactor(Ex), lu,
// luSolve, solve(Ex), inv(Ex), det, slogdet, cholesky(Ex), solveTriangular, matrixPower, matrixExp,
// multiDot, cross, vecdot, the top-level aliases (inverse, det, logdet, slogdet, choleskySolve,
// choleskyInverse, cross, matrixPower, matrixExp) and the Tensor methods.
//
// Inputs: batches of 0..2 dims (zero sizes now and then), n in 0..4, transposed layouts, float32 and
// float64 (now and then int32: both refuse). The matrices are made well conditioned on
// both sides by the same composition, so that the outputs compare within rounding:
// A = x0 + c·I with c = 3n + 1 (strictly diagonally dominant for entries in [-3, 3]) or
// S = x0 x0ᵀ + n·I (positive-definite). The factorizations' outputs are unique for such inputs (no
// ties in the pivot search for continuous values), so LU, the pivots, P, L and U are compared
// as they are; where an Ex function meets a singular or indefinite matrix, only `info` and the
// factor of the matrices with info == 0 are compared (LAPACK leaves the rest unspecified).
'use strict';

const specs = [];
const add = (s) => specs.push(s);

/**
 * A dtype: float32/float64, now and then int32 (both refuse). Not the 16-bit floats: torch 1.13 has
 * no CPU kernel for them (the harness would run them in float32), and torch.linalg refuses them on
 * the GPU, as flintml does everywhere (test/linalg.test.ts checks that refusal).
 */
const dtOf = (r) => (r.bool(0.05) ? 'int32' : r.pick(['float32', 'float64']));
/** A batch shape of 0..2 dims (sizes 0..3). */
const batchOf = (r) => r.shape(0, 2, 3);
/** n in 0..4 (0 one time in twenty-five). */
const nOf = (r) => (r.bool(0.04) ? 0 : r.int(1, 4));
const mat = (r, dt, shape, kind = 'cont') => r.tensor(dt, shape, kind);

// the well-conditioned compositions, on both sides
const WC_PY = '(x0 + (3 * x0.shape[-1] + 1) * torch.eye(x0.shape[-1], dtype=x0.dtype))';
const SPD_PY = '(x0 @ x0.mT + x0.shape[-1] * torch.eye(x0.shape[-1], dtype=x0.dtype))';
const eyeOf = (fl, x) => fl.eye(x.shape[x.ndim - 1], { dtype: x.dtype, device: x.device });
const wc = (fl, x) => fl.add(x, fl.mul(eyeOf(fl, x), 3 * x.shape[x.ndim - 1] + 1));
const spd = (fl, x) => fl.add(fl.matmul(x, x.mT), fl.mul(eyeOf(fl, x), x.shape[x.ndim - 1]));
/** Square matrices [...batch, n, n] (a non-square one now and then: both refuse). */
function square(r, dt = dtOf(r)) {
  const n = nOf(r);
  return mat(r, dt, [...batchOf(r), n, r.bool(0.04) ? n + 1 : n]);
}
const TOL = 64;
/**
 * torch's pivots and infos are int32 (the harness marks a torch int32 apart from its int64, which
 * flintml's int32 stands for); flintml's are int32 too: the torch side compares them as integers.
 */
const I = (e) => `(${e}).long()`;
/** A non-square LU's gradient: torch has one, flintml refuses it (typed). */
const RECT_GRAD = "the gradient of a non-square LU (luFactor, lu): torch 1.13 has one, flintml refuses it (FlintError naming the op): not implemented";
const rectGrad = (a, [x]) => (x.shape.length >= 2 && x.shape[x.shape.length - 1] !== x.shape[x.shape.length - 2] && (x.dtype === 'float32' || x.dtype === 'float64') ? RECT_GRAD : null);
/** torch 1.13's linalg.lu, lu_factor(_ex) and Tensor.cholesky of an empty integer tensor return empty results without checking the dtype (seeds 3, 4). */
const EMPTY_INT = "linalg.lu of an integer tensor with no elements: torch 1.13 returns empty factors without checking the dtype, flintml refuses it (DTypeError) as for any integer input";
const emptyInt = (a, [x]) => (x.dtype === 'int32' && x.v.length === 0 ? EMPTY_INT : null);  // solves and factorizations: the condition number (≤ ~10 here) times a few roundings per entry

// ---- LU ----------------------------------------------------------------------------------------------
add({
  name: 'linalg.luFactor', py: `(lambda r: (r.LU, ${I('r.pivots')}))(torch.linalg.lu_factor(x0))`,
  gen: (r) => ({ ins: [square(r)] }),
  fl: (fl, [x]) => { const [LU, p] = fl.linalg.luFactor(x); return [LU, p]; }, tol: TOL, known: (a, ins) => emptyInt(a, ins) ?? rectGrad(a, ins),
});
add({
  name: 'linalg.luFactorEx', py: `(lambda r: (torch.where((r.info == 0)[..., None, None], r.LU, torch.zeros_like(r.LU)), ${I('r.pivots')}, ${I('r.info')}))(torch.linalg.lu_factor_ex(x0))`, known: (a, ins) => emptyInt(a, ins) ?? rectGrad(a, ins),
  // grid values and zero rows: exactly singular matrices now and then (info > 0)
  gen: (r) => {
    const x = square(r);
    if (r.bool(0.3) && x.shape[x.shape.length - 1] > 1 && x.v.length) { const n = x.shape[x.shape.length - 1]; for (let j = 0; j < n; j++) x.v[j] = 0; }
    return { ins: [x] };
  },
  fl: (fl, [x]) => { const [LU, p, info] = fl.linalg.luFactorEx(x); return [fl.where(fl.eq(info, 0).unsqueeze(-1).unsqueeze(-1), LU, fl.zerosLike(LU)), p, info]; }, tol: TOL,
});
add({
  name: 'linalg.lu', py: '(lambda r: (r.U, r.L, r.P))(torch.linalg.lu(x0))', known: emptyInt,
  gen: (r) => { const n = nOf(r); return { ins: [mat(r, dtOf(r), [...batchOf(r), n, n])] }; },
  fl: (fl, [x]) => { const [P, L, U] = fl.linalg.lu(x); return [U, L, P]; }, tol: TOL,
});
add({
  name: 'linalg.lu-rect', py: '(lambda r: (r.L, r.U, r.P))(torch.linalg.lu(x0))', grad: false, known: emptyInt,
  gen: (r) => ({ ins: [mat(r, dtOf(r), [...batchOf(r), r.int(1, 5), r.int(1, 5)])] }),
  fl: (fl, [x]) => { const [P, L, U] = fl.linalg.lu(x); return [L, U, P]; }, tol: TOL,
});
add({
  name: 'linalg.luSolve', py: `torch.linalg.lu_solve(*torch.linalg.lu_factor(${WC_PY}), x1, left=a.l, adjoint=a.adj)`,
  gen: (r) => {
    const dt = dtOf(r), x = square(r, dt), n = x.shape[x.shape.length - 1], k = r.int(1, 3), l = r.bool(0.7);
    return { ins: [x, mat(r, dt, [...(r.bool() ? batchOf(r) : []), l ? n : k, l ? k : n])], a: { l, adj: r.bool() } };
  },
  fl: (fl, [x, b], a) => { const [LU, p] = fl.linalg.luFactor(wc(fl, x)); return fl.linalg.luSolve(LU, p, b, { left: a.l, adjoint: a.adj }); }, tol: TOL,
});

// ---- solve and inv ---------------------------------------------------------------------------------------
/** B for A [...batch, n, n]: a vector, a batch of vectors, or matrices whose batch broadcasts. */
function rhs(r, dt, x) {
  const n = x.shape[x.shape.length - 1], batch = x.shape.slice(0, -2), p = r.u();
  // (torch 1.13 bug, stepped around: with n = 1 a vector B makes solve's backward return B's
  // gradient in the matrix shape, "LinalgSolveExBackward0 returned an invalid gradient")
  if (n !== 1 && p < 0.2) return mat(r, dt, [n]);
  if (n !== 1 && p < 0.4 && batch.length) return mat(r, dt, [...batch, n]);
  const b = r.bool() ? batch.map((s) => (r.bool(0.3) ? 1 : s)) : [];
  if (r.bool(0.3)) b.unshift(r.int(1, 2));
  return mat(r, dt, [...b, n, n === 1 ? r.int(2, 3) : r.int(1, 3)]);  // (n = 1: not of A's shape less its last dim, the vector case)
}
add({
  name: 'linalg.solve', py: `torch.linalg.solve(${WC_PY}, x1, left=a.l)`,
  gen: (r) => {
    const dt = dtOf(r), x = square(r, dt), l = r.bool(0.8);
    let b = rhs(r, dt, x);
    if (!l && b.shape.length >= 2) { const s = b.shape.slice(); [s[s.length - 2], s[s.length - 1]] = [s[s.length - 1], s[s.length - 2]]; b = mat(r, dt, s); }
    return { ins: [x, b], a: { l } };
  },
  fl: (fl, [x, b], a) => fl.linalg.solve(wc(fl, x), b, { left: a.l }), tol: TOL,
});
add({
  name: 'linalg.solveEx', py: `(lambda r: (r.result, ${I('r.info')}))(torch.linalg.solve_ex(${WC_PY}, x1))`,
  gen: (r) => { const dt = dtOf(r), x = square(r, dt); return { ins: [x, rhs(r, dt, x)] }; },
  fl: (fl, [x, b]) => { const [X, info] = fl.linalg.solveEx(wc(fl, x), b); return [X, info]; }, tol: TOL,
});
add({
  name: 'linalg.inv', py: `torch.linalg.inv(${WC_PY})`,
  gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => fl.linalg.inv(wc(fl, x)), tol: TOL,
});
add({
  name: 'linalg.invEx', py: `(lambda r: (torch.where((r.info == 0)[..., None, None], r.inverse, torch.zeros_like(r.inverse)), ${I('r.info')}))(torch.linalg.inv_ex(x0))`, grad: false,
  // raw grid matrices: singular ones now and then (info > 0); the inverse compared where info == 0
  // (row-major only: torch factors Aᵀ of a row-major A, and the harness gives torch contiguous copies,
  // so a transposed input's info would name another zero pivot on each side; test/linalg.test.ts
  // checks both layouts against torch)
  gen: (r) => { const n = r.int(1, 3); const x = r.tensor(r.pick(['float32', 'float64']), [...batchOf(r), n, n], 'int', -1, 1); x.layout = 'c'; return { ins: [x] }; },
  fl: (fl, [x]) => { const [X, info] = fl.linalg.invEx(x); return [fl.where(fl.eq(info, 0).unsqueeze(-1).unsqueeze(-1), X, fl.zerosLike(X)), info]; }, tol: TOL,
});
add({
  name: 'inverse', py: `torch.inverse(${WC_PY})`,
  gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => fl.inverse(wc(fl, x)), tol: TOL,
});
add({
  name: 'inverse-method', py: `${WC_PY}.inverse()`,
  gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => wc(fl, x).inverse(), tol: TOL,
});

// ---- det, slogdet, logdet ------------------------------------------------------------------------------
// det of raw continuous matrices (never exactly singular); its gradient at an exactly singular
// matrix differs (torch's SVD): not drawn, see FIDELITY.md.
add({ name: 'linalg.det', py: 'torch.linalg.det(x0)', gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => fl.linalg.det(x), tol: TOL });
add({ name: 'det', py: 'torch.det(x0)', gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => fl.det(x), tol: TOL });
add({ name: 'det-method', py: 'x0.det()', gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => x.det(), tol: TOL });
add({
  name: 'linalg.slogdet', py: '(lambda r: (r.logabsdet, r.sign))(torch.linalg.slogdet(x0))',
  gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => { const [s, l] = fl.linalg.slogdet(x); return [l, s]; }, tol: TOL, absScale: () => 1,
});
add({
  name: 'slogdet', py: '(lambda r: (r.logabsdet, r.sign))(torch.slogdet(x0))',
  gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => { const [s, l] = fl.slogdet(x); return [l, s]; }, tol: TOL, absScale: () => 1,
});
add({
  name: 'slogdet-method', py: '(lambda r: (r.logabsdet, r.sign))(x0.slogdet())',
  gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => { const [s, l] = x.slogdet(); return [l, s]; }, tol: TOL, absScale: () => 1,
});
add({ name: 'logdet', py: 'torch.logdet(x0)', gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => fl.logdet(x), tol: TOL, absScale: () => 1 });
add({ name: 'logdet-method', py: 'x0.logdet()', gen: (r) => ({ ins: [square(r)] }), fl: (fl, [x]) => x.logdet(), tol: TOL, absScale: () => 1 });

// ---- cholesky ----------------------------------------------------------------------------------------
add({
  name: 'linalg.cholesky', py: `torch.linalg.cholesky(${SPD_PY}, upper=a.u)`,
  gen: (r) => ({ ins: [square(r)], a: { u: r.bool() } }), fl: (fl, [x], a) => fl.linalg.cholesky(spd(fl, x), { upper: a.u }), tol: TOL,
});
// A not symmetric: torch reads the lower triangle, or the upper one with upper (flintml read the lower for both until 2026-12-08)
add({
  name: 'linalg.cholesky-triangle', py: `torch.linalg.cholesky(${SPD_PY} + 5 * (torch.triu(x1, 1) if a.u else torch.tril(x1, -1)).abs(), upper=a.u)`,
  gen: (r) => { const x = square(r); return { ins: [x, r.tensor(x.dtype, x.shape)], a: { u: r.bool() } }; },
  fl: (fl, [x, j], a) => fl.linalg.cholesky(fl.add(spd(fl, x), fl.mul(fl.abs(a.u ? fl.triu(j, 1) : fl.tril(j, -1)), 5)), { upper: a.u }), tol: TOL,
});
add({
  name: 'cholesky-method', py: `${SPD_PY}.cholesky(a.u)`,
  gen: (r) => ({ ins: [square(r)], a: { u: r.bool() } }), fl: (fl, [x], a) => spd(fl, x).cholesky(a.u), tol: TOL, known: emptyInt,
});
add({
  name: 'linalg.choleskyEx', py: `(lambda r: (torch.where((r.info == 0)[..., None, None], r.L, torch.zeros_like(r.L)), ${I('r.info')}))(torch.linalg.cholesky_ex(x0 @ x0.mT + a.s * torch.eye(x0.shape[-1], dtype=x0.dtype)))`,
  // a shift of -1 makes indefinite matrices now and then (info > 0)
  gen: (r) => ({ ins: [square(r)], a: { s: r.pick([-1, 0.5, 4]) } }),
  fl: (fl, [x], a) => {
    const [L, info] = fl.linalg.choleskyEx(fl.add(fl.matmul(x, x.mT), fl.mul(eyeOf(fl, x), a.s)));
    return [fl.where(fl.eq(info, 0).unsqueeze(-1).unsqueeze(-1), L, fl.zerosLike(L)), info];
  },
  tol: TOL, grad: false,
});
add({
  name: 'choleskySolve', py: `torch.cholesky_solve(x1, torch.linalg.cholesky(${SPD_PY}, upper=a.u), a.u)`,
  gen: (r) => { const dt = dtOf(r), x = square(r, dt), n = x.shape[x.shape.length - 1]; return { ins: [x, mat(r, dt, [...(r.bool() ? x.shape.slice(0, -2) : []), n, r.int(1, 3)])], a: { u: r.bool() } }; },
  fl: (fl, [x, b], a) => fl.choleskySolve(b, fl.linalg.cholesky(spd(fl, x), { upper: a.u }), a.u), tol: TOL,
});
add({
  name: 'choleskyInverse', py: `torch.cholesky_inverse(torch.linalg.cholesky(${SPD_PY}, upper=a.u), a.u)`,
  gen: (r) => ({ ins: [square(r)], a: { u: r.bool() } }),
  fl: (fl, [x], a) => fl.choleskyInverse(fl.linalg.cholesky(spd(fl, x), { upper: a.u }), a.u), tol: TOL,
});

// A factor that is not triangular (a leaf, not cholesky's output): torch reads only its lower (upper with
// upper=True) triangle; the main forms above only ever pass cholesky's triangular factor. Forward only:
// torch 1.13's gradient of the factor is its full-matrix formula, nonzero on the triangle it never
// reads (torch's own gradcheck fails there); flintml's is the derivative of what it computes (zero there).
const FACTOR_PY = '(x0 + (3 * x0.shape[-1] + 1) * torch.eye(x0.shape[-1], dtype=x0.dtype) * (1 if a.s else -1))';
const factor = (fl, x, a) => fl.add(x, fl.mul(eyeOf(fl, x), (3 * x.shape[x.ndim - 1] + 1) * (a.s ? 1 : -1)));
add({
  name: 'choleskySolve-factor-adversarial', py: `torch.cholesky_solve(x1, ${FACTOR_PY}, a.u)`, grad: false,
  gen: (r) => { const dt = dtOf(r), x = square(r, dt), n = x.shape[x.shape.length - 1]; return { ins: [x, mat(r, dt, [...(r.bool() ? x.shape.slice(0, -2) : []), n, r.int(1, 3)])], a: { u: r.bool(), s: r.bool() } }; },
  fl: (fl, [x, b], a) => fl.choleskySolve(b, factor(fl, x, a), a.u), tol: TOL,
});
add({
  name: 'choleskyInverse-factor-adversarial', py: `torch.cholesky_inverse(${FACTOR_PY}, a.u)`, grad: false,
  gen: (r) => ({ ins: [square(r)], a: { u: r.bool(), s: r.bool() } }),
  fl: (fl, [x], a) => fl.choleskyInverse(factor(fl, x, a), a.u), tol: TOL, known: emptyInt,
});
// the gradient through the triangle torch reads (tril/triu of a leaf): both are the true derivative
add({
  name: 'choleskySolve-factor-grad-adversarial', py: `torch.cholesky_solve(x1, (torch.triu(x0) if a.u else torch.tril(x0)) + (3 * x0.shape[-1] + 1) * torch.eye(x0.shape[-1], dtype=x0.dtype), a.u)`,
  gen: (r) => { const dt = dtOf(r), x = square(r, dt), n = x.shape[x.shape.length - 1]; return { ins: [x, mat(r, dt, [n, r.int(1, 3)])], a: { u: r.bool() } }; },
  fl: (fl, [x, b], a) => fl.choleskySolve(b, fl.add(a.u ? fl.triu(x) : fl.tril(x), fl.mul(eyeOf(fl, x), 3 * x.shape[x.ndim - 1] + 1)), a.u), tol: TOL,
});

// ---- triangular solve --------------------------------------------------------------------------------
add({
  name: 'linalg.solveTriangular', py: `torch.linalg.solve_triangular(${WC_PY}, x1, upper=a.u, left=a.l, unitriangular=a.un)`,
  gen: (r) => {
    const dt = dtOf(r), x = square(r, dt), n = x.shape[x.shape.length - 1], k = r.int(1, 3), l = r.bool(0.7);
    return { ins: [x, mat(r, dt, [...(r.bool() ? batchOf(r) : []), l ? n : k, l ? k : n])], a: { u: r.bool(), l, un: r.bool(0.3) } };
  },
  fl: (fl, [x, b], a) => fl.linalg.solveTriangular(wc(fl, x), b, { upper: a.u, left: a.l, unitriangular: a.un }), tol: TOL,
});

// ---- powers, exponential, products ---------------------------------------------------------------------
add({
  name: 'linalg.matrixPower', py: `torch.linalg.matrix_power(${WC_PY} / (3 * x0.shape[-1] + 1) if x0.is_floating_point() else x0, a.k)`,
  gen: (r) => ({ ins: [square(r, r.bool(0.1) ? 'int32' : dtOf(r))], a: { k: r.int(-3, 4) } }),
  fl: (fl, [x], a) => fl.linalg.matrixPower(fl.isFloating(x.dtype) ? fl.div(wc(fl, x), 3 * x.shape[x.ndim - 1] + 1) : x, a.k), tol: TOL,
});
add({
  name: 'matrixPower', py: 'torch.matrix_power(x0, a.k)',
  gen: (r) => ({ ins: [square(r, r.pick(['float32', 'float64']))], a: { k: r.int(0, 3) } }),
  fl: (fl, [x], a) => fl.matrixPower(x, a.k), tol: TOL,
});
add({
  name: 'matrixPower-method', py: 'x0.matrix_power(a.k)',
  gen: (r) => ({ ins: [square(r, r.pick(['float32', 'float64']))], a: { k: r.int(0, 3) } }),
  fl: (fl, [x], a) => x.matrixPower(a.k), tol: TOL,
});
// matrix_exp: torch 1.13 uses a Taylor approximant of degree up to 18, flintml Padé 13; entries in
// [-3, 3] scaled by a.s (scaling and squaring when ‖A‖₁ is large). Not smaller scales: at ‖A‖₁ ≈ 0.03
// torch 1.13's float64 result is off by ~1e-11 relative (flintml's agrees with a 40-digit mpmath.expm
// to the last bit; FIDELITY.md), which no rounding tolerance covers.
add({
  name: 'linalg.matrixExp', py: 'torch.linalg.matrix_exp(x0 * a.s)',
  gen: (r) => ({ ins: [square(r)], a: { s: r.pick([0.1, 0.3, 1, 2]) } }),
  fl: (fl, [x], a) => fl.linalg.matrixExp(fl.mul(x, a.s)), tol: 256,
});
add({
  name: 'matrixExp', py: 'torch.matrix_exp(x0 * a.s)',
  // (not 0.1: seed 4 met torch's small-norm inaccuracy above, 2.8e-11 relative at ‖A‖ ≈ 0.3)
  gen: (r) => ({ ins: [square(r)], a: { s: r.pick([0.5, 1]) } }), fl: (fl, [x], a) => fl.matrixExp(fl.mul(x, a.s)), tol: 256,
});
add({
  name: 'matrixExp-method', py: '(x0 * a.s).matrix_exp()',
  gen: (r) => ({ ins: [square(r)], a: { s: r.pick([0.5, 1]) } }), fl: (fl, [x], a) => fl.mul(x, a.s).matrixExp(), tol: 256,
});
add({
  name: 'linalg.multiDot', py: 'torch.linalg.multi_dot(list(xs))',
  gen: (r) => {
    const dt = r.pick(['float32', 'float64']), k = r.int(2, 4), dims = Array.from({ length: k + 1 }, () => r.int(1, 4));
    if (r.bool(0.05)) dims[1] = 0;
    const ins = [];
    for (let i = 0; i < k; i++) {
      let s = [dims[i], dims[i + 1]];
      if (i === 0 && r.bool(0.3)) s = [dims[1]];
      else if (i === k - 1 && r.bool(0.3)) s = [dims[i]];
      ins.push(mat(r, dt, s, 'grid'));
    }
    if (r.bool(0.05)) ins[0] = mat(r, dt, [ins[0].shape[0] + 1, 2], 'grid');  // a mismatch: both refuse
    return { ins };
  },
  fl: (fl, xs) => fl.linalg.multiDot(xs), tol: 8,
});
/** Two shapes of one rank with a dim of size 3 at `d` (broadcasting 1s now and then). */
function crossShapes(r) {
  const s = r.shape(1, 3, 3);
  const d = r.int(0, s.length - 1);
  s[d] = 3;
  const t = s.map((x, i) => (i !== d && r.bool(0.3) ? 1 : x));
  if (r.bool(0.04)) t[d] = 2;  // not 3: both refuse
  return { s, t, d: r.bool() ? d : d - s.length };
}
add({
  name: 'linalg.cross', py: 'torch.linalg.cross(x0, x1, dim=a.d)',
  gen: (r) => { const { s, t, d } = crossShapes(r); const dt = r.pick(['float32', 'float64']); return { ins: [mat(r, dt, s, 'grid'), mat(r, dt, t, 'grid')], a: { d } }; },
  fl: (fl, [x, y], a) => fl.linalg.cross(x, y, { dim: a.d }),
});
add({
  name: 'cross', py: 'torch.cross(x0, x1, a.d)',
  gen: (r) => { const { s, d } = crossShapes(r); const dt = r.pick(['float32', 'float64', 'int32']); return { ins: [mat(r, dt, s, 'grid'), mat(r, dt, s, 'grid')], a: { d: r.bool(0.3) ? null : d } }; },
  fl: (fl, [x, y], a) => fl.cross(x, y, a.d),
});
add({
  name: 'cross-method', py: 'x0.cross(x1, a.d)',
  gen: (r) => { const { s, d } = crossShapes(r); const dt = r.pick(['float32', 'float64']); return { ins: [mat(r, dt, s, 'grid'), mat(r, dt, s, 'grid')], a: { d } }; },
  fl: (fl, [x, y], a) => x.cross(y, a.d),
});
add({
  name: 'linalg.vecdot', py: 'torch.linalg.vecdot(x0, x1, dim=a.d)',
  gen: (r) => {
    const s = r.shape(1, 3, 4), t = s.slice(r.int(0, s.length - 1)).map((x) => (r.bool(0.2) ? 1 : x));
    const dt = r.bool(0.05) ? 'int32' : r.pick(['float32', 'float64']);
    return { ins: [mat(r, dt, s, 'grid'), mat(r, dt, t, 'grid')], a: { d: -r.int(1, t.length) } };
  },
  fl: (fl, [x, y], a) => fl.linalg.vecdot(x, y, { dim: a.d }), tol: 8,
});

module.exports = { SPECS: specs };
