// linalg.test.ts — torch.linalg's solvers and factorizations (lib/ops/linalg.ts; kernels
// native/cpu/linalg.cpp and native/kernels/linalg.cu): fl.linalg.luFactor(Ex), lu, luSolve, solve(Ex),
// inv(Ex), det, slogdet, cholesky(Ex), solveTriangular, matrixPower, matrixExp, multiDot, cross,
// vecdot, the top-level aliases and the Tensor methods.
// References: PyTorch 1.13 golden values (the torch call beside each, float64), float64
// reconstructions checked with naive loops written here (P L U = A, L Lᵀ = A, A X = B) on random
// batches, and finite differences (fl.gradcheck, float64) for every gradient, first and second order.
// Tolerances: 1e-10 (float64 goldens, reconstructions), 1e-4 relative (float32).
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, randomArray } from './helpers';

const L = fl.linalg;
const t64 = (v: number[][] | number[], shape?: number[]): fl.Tensor => {
  const t = fl.tensor(v as number[][], { dtype: 'float64', device: DEVICE });
  return shape ? t.reshape(shape) : t;
};
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const ints = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);
function near(got: number[], want: number[], tol = 1e-10, what = ''): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)))) {
      throw new Error(`${what}[${i}]: expected ${w}, got ${g} (all: ${got.join(', ')})`);
    }
  });
}
/** Random matrices [..., n, n] that are well conditioned: M + n·I (diagonally dominant enough). */
function wellConditioned(shape: number[], seed: number, dtype: fl.DType = 'float64', spd = false): fl.Tensor {
  const n = shape[shape.length - 1];
  const count = shape.reduce((a, b) => a * b, 1);
  const M = fl.tensor(randomArray(count, seed, -1, 1), { dtype: 'float64', device: DEVICE }).reshape(shape);
  const I = fl.eye(n, { dtype: 'float64', device: DEVICE });
  const out = spd ? fl.add(fl.matmul(M, M.mT), fl.mul(I, n)) : fl.add(M, fl.mul(I, n));
  return out.to(dtype);
}
/** Naive float64 matrix product of row-major [n, k] · [k, m]. */
function naiveMatmul(a: number[], b: number[], n: number, k: number, m: number): number[] {
  const out = new Array<number>(n * m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) { let s = 0; for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * m + j]; out[i * m + j] = s; }
  return out;
}

// A = [[2, 1, -1], [-3, -1, 2], [-2, 1, 2]], B = [[8, 1], [-11, 0], [-3, 2]], S symmetric positive-definite
const A0 = [[2, 1, -1], [-3, -1, 2], [-2, 1, 2]];
const B0 = [[8, 1], [-11, 0], [-3, 2]];
const S0 = [[4, 12, -16], [12, 37, -43], [-16, -43, 98]];
const W0 = [[0.5, -1, 2], [1.5, 0.25, -0.75], [1, 2, -3]];
/** sum(out * W) with W cut to out's shape: the loss of the torch golden gradients. */
const weighted = (out: fl.Tensor): fl.Tensor => {
  if (out.ndim === 0) return out;
  const [r, c] = out.shape;
  return fl.sum(fl.mul(out, t64(W0.slice(0, r).map((row) => row.slice(0, c)))));
};

describe('values against torch 1.13 (float64)', () => {
  test('luFactor, lu', () => fl.scope(() => {
    const [LU, piv] = L.luFactor(t64(A0));  // torch.linalg.lu_factor(A)
    near(vals(LU), [-3, -1, 2, 2 / 3, 5 / 3, 2 / 3, -2 / 3, 0.2, 0.2]);
    expect([piv.dtype, ints(piv)]).toEqual(['int32', [2, 3, 3]]);
    const r = L.luFactor(t64(A0));
    expect(r.LU.shape).toEqual([3, 3]);
    const [P, Lo, U] = L.lu(t64(A0));  // torch.linalg.lu(A).P
    near(vals(P), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
    near(vals(Lo), [1, 0, 0, 2 / 3, 1, 0, -2 / 3, 0.2, 1]);
    near(vals(U), [-3, -1, 2, 0, 5 / 3, 2 / 3, 0, 0, 0.2]);
  }));
  test('solve, inv, det, slogdet, logdet', () => fl.scope(() => {
    near(vals(L.solve(t64(A0), t64(B0))), [2, 2, 3, 0, -1, 3]);        // torch.linalg.solve(A, B)
    near(vals(L.inv(t64(A0))), [4, 3, -1, -2, -2, 1, 5, 4, -1]);       // torch.linalg.inv(A)
    near(vals(fl.inverse(t64(A0))), [4, 3, -1, -2, -2, 1, 5, 4, -1]);
    near([L.det(t64(A0)).item()], [-1]);                                // torch.linalg.det(A)
    const [s, l] = L.slogdet(t64(A0));                                  // (-1, 0)
    near([s.item(), l.item()], [-1, 0]);
    expect(Number.isNaN(fl.logdet(t64(A0)).item())).toBe(true);         // torch.logdet(A): nan (det < 0)
    near([fl.logdet(t64(S0)).item()], [3.583518938456108]);             // torch.logdet(S)
    near([t64(S0).det().item()], [36], 1e-10);
  }));
  test('cholesky, choleskySolve, choleskyInverse', () => fl.scope(() => {
    near(vals(L.cholesky(t64(S0))), [2, 0, 0, 6, 1, 0, -8, 5, 3]);      // torch.linalg.cholesky(S)
    near(vals(L.cholesky(t64(S0), { upper: true })), [2, 6, -8, 0, 1, 5, 0, 0, 3]);
    near(vals(t64(S0).cholesky()), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
    const Lf = L.cholesky(t64(S0));
    // torch.cholesky_solve(B, L)
    near(vals(fl.choleskySolve(t64(B0), Lf)), [537.6666666666666, 53.58333333333333, -148.33333333333331, -14.666666666666664, 22.666666666666664, 2.333333333333333]);
    near(vals(fl.choleskySolve(t64(B0), Lf.mT, true)), [537.6666666666666, 53.58333333333333, -148.33333333333331, -14.666666666666664, 22.666666666666664, 2.333333333333333]);
    // torch.cholesky_inverse(L)
    near(vals(fl.choleskyInverse(Lf)), [49.36111111111111, -13.555555555555554, 2.111111111111111, -13.555555555555554, 3.777777777777777, -0.555555555555555, 2.111111111111111, -0.555555555555555, 0.111111111111111]);
  }));
  test('solveTriangular, luSolve', () => fl.scope(() => {
    // torch.linalg.solve_triangular(S.triu(), B, upper=True): only the upper triangle is read
    near(vals(L.solveTriangular(t64(S0), t64(B0), { upper: true })), [2.876172090457805, 0.260479867622725, -0.332873690016547, 0.023717595146167, -0.030612244897959, 0.020408163265306]);
    // torch.linalg.solve_triangular(S, B.T, upper=False, left=False, unitriangular=True)
    near(vals(L.solveTriangular(t64(S0), t64(B0).mT, { upper: false, left: false, unitriangular: true })), [1640, -140, -3, -999, 86, 2]);
    const [LU, piv] = L.luFactor(t64(A0));
    near(vals(L.luSolve(LU, piv, t64(B0))), [2, 2, 3, 0, -1, 3]);
    near(vals(L.luSolve(LU, piv, t64(B0), { adjoint: true })), [39, 14, 34, 11, -16, -3]);  // lu_solve(..., adjoint=True)
    near(vals(L.luSolve(LU, piv, t64(B0).mT, { left: false })), [39, 34, -16, 14, 11, -3]); // lu_solve(..., B.T, left=False)
  }));
  test('matrixExp, matrixPower, multiDot, cross, vecdot', () => fl.scope(() => {
    // torch.linalg.matrix_exp(A / 3) (a Padé degree below 13) and (A * 2) (scaling and squaring)
    near(vals(L.matrixExp(fl.div(t64(A0), 3))), [1.915156989476245, 0.340824366686904, -0.501917013175066, -1.586297362769277, 0.65104491968329, 1.084380349594212, -1.567658289058696, 0.260278043442823, 2.317888605696648], 1e-12);
    near(vals(fl.matrixExp(fl.mul(t64(A0), 2))), [183.5302346121426, 14.218741969168661, -128.38756770874917, -442.2471159960379, -30.379229904734277, 313.8595482872885, -656.3660255060304, -42.86567090062172, 468.9522989610936], 1e-12);
    near(vals(L.matrixPower(t64(A0), -2)), [5, 2, 0, 1, 2, -1, 7, 3, 0]);   // torch.linalg.matrix_power(A, -2)
    near(vals(t64(A0).matrixPower(3)), [10, 1, -7, -24, -2, 17, -35, -2, 25]);
    near(vals(fl.matrixPower(t64(A0), 0)), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    { // k = 0: a zero gradient (torch's), and the backward does not hold A (it may be disposed before backward)
      const A = t64(A0).requiresGrad_();
      const B = fl.mul(A, 2);
      const P = fl.matrixPower(B, 0);
      B.dispose();
      P.sum().backward();
      near(vals(A.grad!), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
    near(vals(L.multiDot([t64(A0), t64(A0), t64(A0)])), [10, 1, -7, -24, -2, 17, -35, -2, 25]);
    expect(L.multiDot([t64([1, 2, 3]), t64(A0), t64([1, 1, 1])]).shape).toEqual([]);
    // torch's order (the matrix-chain program): [4,1]·([1,4]·[4,1]) costs 8 multiply-adds, left to
    // right 32; in float32 the left-to-right outer product overflows to inf (then nan), torch's order gives
    // 0: torch.linalg.multi_dot([full((4,1),1e10), tensor([[1e30,1e30,-1e30,-1e30]]), ones(4,1)]) = zeros
    const big = fl.tensor([[1e30, 1e30, -1e30, -1e30]], { device: DEVICE });
    expect(vals(L.multiDot([fl.full([4, 1], 1e10, { device: DEVICE }), big, fl.ones([4, 1], { device: DEVICE })]))).toEqual([0, 0, 0, 0]);
    near(vals(L.cross(t64([1, 0, 0]), t64([0, 1, 0]))), [0, 0, 1]);
    near(vals(fl.cross(t64([[1, 2], [3, 4], [5, 6]]), t64([[0, 1], [1, 0], [2, 2]]))), [1, 8, -2, 2, 1, -4]);  // torch.cross: dim 0 (the first of size 3)
    near(vals(L.vecdot(t64([[1, 2, 3], [4, 5, 6]]), t64([1, 0, -1]))), [-2, -2]);
  }));
});

describe('reconstructions on random batches (float64 and float32)', () => {
  test.each(['float64', 'float32'] as const)('P L U = A, L Lᵀ = A, A X = B (%s)', (dtype) => fl.scope(() => {
    const tol = dtype === 'float64' ? 1e-10 : 2e-4;
    const n = 7;
    const A = wellConditioned([2, 3, n, n], 11, dtype);
    const a = vals(A);
    const [P, Lo, U] = L.lu(A);
    const plu = vals(fl.matmul(P, fl.matmul(Lo, U)));
    near(plu, a, tol, 'PLU');
    // naive check of one matrix
    near(naiveMatmul(vals(Lo.index(1, 2)), vals(U.index(1, 2)), n, n, n), vals(fl.matmul(P.index(1, 2).mT, A.index(1, 2))), tol, 'LU');
    const S = wellConditioned([3, n, n], 12, dtype, true);
    const C = L.cholesky(S);
    near(vals(fl.matmul(C, C.mT)), vals(S), tol, 'LLt');
    near(vals(fl.triu(C, 1)), new Array(3 * n * n).fill(0), 0, 'upper zeros');
    // solve with broadcasting: A [2, 3, n, n], B [3, n, 4] and a batch of vectors
    const B = fl.tensor(randomArray(3 * n * 4, 13), { dtype, device: DEVICE }).reshape([3, n, 4]);
    const X = L.solve(A, B);
    expect(X.shape).toEqual([2, 3, n, 4]);
    near(vals(fl.matmul(A, X)), vals(fl.expand(B, [2, 3, n, 4])), tol, 'AX');
    const v = fl.tensor(randomArray(2 * 3 * n, 14), { dtype, device: DEVICE }).reshape([2, 3, n]);
    const xv = L.solve(A, v);
    expect(xv.shape).toEqual([2, 3, n]);
    near(vals(fl.matmul(A, xv.unsqueeze(-1)).squeeze(-1)), vals(v), tol, 'Ax vector');
    const Xr = L.solve(A, fl.tensor(randomArray(5 * n, 15), { dtype, device: DEVICE }).reshape([5, n]), { left: false });
    expect(Xr.shape).toEqual([2, 3, 5, n]);
    // inverse of a transposed (strided) input, triangular solves on both sides
    const Ai = L.inv(A.mT);
    near(vals(fl.matmul(Ai, A.mT)), vals(fl.expand(fl.eye(n, { dtype, device: DEVICE }), [2, 3, n, n])), tol, 'inv');
    const T = fl.triu(A);
    const Y = L.solveTriangular(T, B, { upper: true });
    near(vals(fl.matmul(T, Y)), vals(fl.expand(B, [2, 3, n, 4])), tol, 'TY');
    const Yr = L.solveTriangular(fl.tril(A), B.mT, { upper: false, left: false, unitriangular: true });
    const Lu = fl.add(fl.tril(A, -1), fl.eye(n, { dtype, device: DEVICE }));
    near(vals(fl.matmul(Yr, Lu)), vals(fl.expand(B.mT, [2, 3, 4, n])), tol, 'YL');
    // det = product of the LU's diagonal times the permutation's sign, checked against slogdet
    const [s, la] = L.slogdet(A);
    near(vals(L.det(A)), vals(fl.mul(s, fl.exp(la))), tol, 'det');
  }));
  test('rectangular LU (tall and wide)', () => fl.scope(() => {
    for (const [m, n] of [[5, 3], [3, 5]]) {
      const A = fl.tensor(randomArray(2 * m * n, m * 10 + n), { dtype: 'float64', device: DEVICE }).reshape([2, m, n]);
      const [P, Lo, U] = L.lu(A);
      expect([P.shape, Lo.shape, U.shape]).toEqual([[2, m, m], [2, m, Math.min(m, n)], [2, Math.min(m, n), n]]);
      near(vals(fl.matmul(P, fl.matmul(Lo, U))), vals(A), 1e-12, `lu ${m}x${n}`);
      expect(L.luFactor(A).pivots.shape).toEqual([2, Math.min(m, n)]);
    }
  }));
  test('a larger system (n = 64) on both sides', () => fl.scope(() => {
    const A = wellConditioned([64, 64], 21);
    const B = fl.tensor(randomArray(64 * 70, 22), { dtype: 'float64', device: DEVICE }).reshape([64, 70]);
    near(vals(fl.matmul(A, L.solve(A, B))), vals(B), 1e-10, 'n=64');
    const [LU, piv] = L.luFactor(A);
    near(vals(fl.matmul(A.mT, L.luSolve(LU, piv, B, { adjoint: true }))), vals(B), 1e-10, 'adjoint n=64');
  }));
});

describe('the blocked triangular solves of the CPU kernel (n = 150: three blocks of 64 rows)', () => {
  // a naive float64 substitution: T X = B for a row-major n x n T, X n x k
  function naiveTrsm(t: number[], b: number[], n: number, k: number, upper: boolean, unit: boolean): number[] {
    const x = b.slice();
    for (let s = 0; s < n; s++) {
      const i = upper ? n - 1 - s : s;
      for (let c = 0; c < k; c++) {
        let v = x[i * k + c];
        for (let j = upper ? i + 1 : 0; j < (upper ? n : i); j++) v -= t[i * n + j] * x[j * k + c];
        x[i * k + c] = unit ? v : v / t[i * n + i];
      }
    }
    return x;
  }
  test.each([[true, false], [false, true], [false, false], [true, true]])('upper %s, unitriangular %s: solveTriangular against the naive substitution; transposed T; luSolve both ways', (upper, unit) => fl.scope(() => {
    const n = 150, k = 70;
    // off-diagonals of about 1/n, so that the unit-triangular systems stay well conditioned too
    const A = fl.div(wellConditioned([n, n], 31), n);
    const T = upper ? fl.triu(A) : fl.tril(A);
    const B = fl.tensor(randomArray(n * k, 32), { dtype: 'float64', device: DEVICE }).reshape([n, k]);
    const x = naiveTrsm(vals(T), vals(B), n, k, upper, unit);
    near(vals(L.solveTriangular(T, B, { upper, unitriangular: unit })), x, 1e-9, 'TX = B');
    // the same system with T stored transposed (T.mT's transpose is a strided view: the kernel reads it with transA)
    const Tt = (upper ? fl.tril(A.mT) : fl.triu(A.mT)).contiguous();
    near(vals(L.solveTriangular(Tt.mT, B, { upper, unitriangular: unit })), x, 1e-9, 'transposed T');
    // X T = B^T on the right
    const xr = naiveTrsm(vals(T.mT.contiguous()), vals(B), n, k, !upper, unit);
    near(vals(L.solveTriangular(T, B.mT, { upper, left: false, unitriangular: unit }).mT), xr, 1e-9, 'XT = B');
    const [LU, piv] = L.luFactor(A);
    near(vals(fl.matmul(A, L.luSolve(LU, piv, B))), vals(B), 1e-9, 'luSolve');
    near(vals(fl.matmul(A.mT, L.luSolve(LU, piv, B, { adjoint: true }))), vals(B), 1e-9, 'luSolve adjoint');
    // float32 through the same path
    const T32 = T.to('float32'), B32 = B.to('float32');
    near(vals(L.solveTriangular(T32, B32, { upper, unitriangular: unit })), x, 1e-3, 'float32');
  }));
  test.each(['float64', 'float32'] as const)('blocked LU and Cholesky (n = 150; 150x100 and 100x150): P L U = A, L Lᵀ = A (%s)', (dtype) => fl.scope(() => {
    const tol = dtype === 'float64' ? 1e-9 : 2e-3;
    const A = wellConditioned([150, 150], 34, dtype);
    const [P, Lo, U] = L.lu(A);
    near(vals(fl.matmul(P, fl.matmul(Lo, U))), vals(A), tol, 'PLU n=150');
    for (const [m, n] of [[150, 100], [100, 150]]) {
      const R = fl.tensor(randomArray(m * n, m + n), { dtype, device: DEVICE }).reshape([m, n]);
      const [p, lo, u] = L.lu(R);
      near(vals(fl.matmul(p, fl.matmul(lo, u))), vals(R), tol, `PLU ${m}x${n}`);
      // |L| <= 1 below the diagonal: the pivots are the largest of their columns
      expect(Math.max(...vals(fl.abs(lo)))).toBeLessThanOrEqual(1);
    }
    const S = wellConditioned([150, 150], 35, dtype, true);
    const C = L.cholesky(S);
    near(vals(fl.matmul(C, C.mT)), vals(S), dtype === 'float64' ? 1e-9 : 0.05, 'LLt n=150');
    near(vals(fl.triu(C, 1)), new Array(150 * 150).fill(0), 0, 'upper zeros');
  }));
  test('blocked factorizations that fail: info as torch\'s, the columns before it L\'s', () => fl.scope(() => {
    // torch.linalg.lu_factor_ex(A).info = 71 for a 100x100 A whose column 70 is zero
    const A = fl.mul(wellConditioned([100, 100], 36), fl.ne(fl.arange(100, { device: DEVICE }), 70).to('float64'));
    expect(ints(L.luFactorEx(A).info)).toEqual([71]);
    // torch.linalg.cholesky_ex(S).info = 101 for an SPD S with S[100, 100] = -1e6
    const S = wellConditioned([150, 150], 37, 'float64', true);
    const bad = fl.where(fl.eq(fl.arange(150 * 150, { device: DEVICE }), 100 * 150 + 100).reshape([150, 150]), -1e6, S);
    const [Lb, info] = L.choleskyEx(bad);
    expect(ints(info)).toEqual([101]);
    near(vals(fl.narrow(Lb, 1, 0, 100)), vals(fl.narrow(L.cholesky(S), 1, 0, 100)), 1e-12, 'the columns before 101');
  }));
  test('inv (n = 200) against the identity', () => fl.scope(() => {
    const A = wellConditioned([200, 200], 33);
    near(vals(fl.matmul(A, L.inv(A))), vals(fl.eye(200, { dtype: 'float64', device: DEVICE })), 1e-9, 'A inv(A)');
  }));
});

describe('empty batches and 0×0 matrices (torch\'s results)', () => {
  test('0×0 and empty batches', () => fl.scope(() => {
    const e = fl.zeros([0, 0], { dtype: 'float64', device: DEVICE });
    expect(L.det(e).item()).toBe(1);                        // torch.linalg.det(zeros(0, 0)) = 1
    const [s, l] = L.slogdet(e);
    expect([s.item(), l.item()]).toEqual([1, 0]);
    expect(L.inv(fl.zeros([2, 0, 0], { device: DEVICE })).shape).toEqual([2, 0, 0]);
    expect(L.cholesky(fl.zeros([0, 3, 3], { device: DEVICE })).shape).toEqual([0, 3, 3]);
    expect(L.solve(fl.zeros([0, 3, 3], { device: DEVICE }), fl.zeros([3, 2], { device: DEVICE })).shape).toEqual([0, 3, 2]);
    expect(ints(L.solveEx(fl.zeros([0, 3, 3], { device: DEVICE }), fl.zeros([3], { device: DEVICE })).info)).toEqual([]);
    expect(L.matrixExp(e).shape).toEqual([0, 0]);
    const [LU, piv, info] = L.luFactorEx(fl.zeros([2, 0, 0], { device: DEVICE }));
    expect([LU.shape, piv.shape, ints(info)]).toEqual([[2, 0, 0], [2, 0], [0, 0]]);
    expect(vals(L.det(fl.zeros([2, 0, 0], { device: DEVICE })))).toEqual([1, 1]);
  }));
});

describe('singular and not positive-definite matrices: LinAlgError and the Ex infos', () => {
  // singular, with exact multipliers (powers of two) in both A's and Aᵀ's LU, so that every device
  // finds the exact zero pivot (a GPU's fused multiply-add rounds otherwise)
  const sing = [[4, 2, 2], [2, 1, 1], [1, 3, 5]];
  test('inv, solve, luFactor, cholesky throw torch\'s messages', () => fl.scope(() => {
    // torch factors Aᵀ of a row-major A (solve_ex's use_A_T): its element 2 here; of a column-major A, element 3
    expect(() => L.inv(t64(sing).mT.contiguous().mT)).toThrow(/The diagonal element 3 is zero/);
    expect(() => L.inv(t64(sing))).toThrow(new fl.LinAlgError('linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.'));
    const batch = fl.stack([fl.eye(3, { dtype: 'float64', device: DEVICE }), t64(sing)]);
    expect(() => L.inv(batch)).toThrow(new fl.LinAlgError('linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.'));
    expect(() => L.solve(batch, t64([1, 1, 1]))).toThrow(new fl.LinAlgError('linalg.solve: (Batch element 1): The solver failed because the input matrix is singular.'));
    expect(() => L.luFactor(t64(sing))).toThrow(new fl.LinAlgError('linalg.luFactor: U[3,3] is zero and using it on luSolve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.luFactorEx(A, pivot)'));
    expect(() => L.cholesky(t64([[1, 0, 0], [0, 1, 0], [0, 0, -1]]))).toThrow(new fl.LinAlgError('linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 3 is not positive-definite).'));
    expect(() => t64([[1, 0], [0, Number.NaN]]).cholesky()).toThrow(fl.LinAlgError);
    expect(() => fl.choleskyInverse(fl.zeros([3, 3], { dtype: 'float64', device: DEVICE }))).toThrow(new fl.LinAlgError('choleskyInverse: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.'));
    expect(new fl.LinAlgError('x')).toBeInstanceOf(fl.FlintError);
  }));
  test('Ex variants return info (torch: lu_factor_ex(A).info == 3, inv_ex 2, cholesky_ex 2)', () => fl.scope(() => {
    const [LU, piv, info] = L.luFactorEx(t64(sing));
    expect([ints(piv), ints(info), info.dtype, info.shape]).toEqual([[1, 3, 3], [3], 'int32', []]);
    near(vals(LU), [4, 2, 2, 0.25, 2.5, 4.5, 0.5, 0, 0]);   // torch.linalg.lu_factor_ex(A).LU
    const batch = fl.stack([fl.eye(3, { dtype: 'float64', device: DEVICE }), t64(sing)]);
    expect(ints(L.invEx(batch).info)).toEqual([0, 2]);
    expect(ints(L.solveEx(batch, t64([1, 1, 1])).info)).toEqual([0, 2]);
    const neg = fl.stack([fl.eye(3, { dtype: 'float64', device: DEVICE }), t64([[1, 0, 0], [0, -1, 0], [0, 0, -1]])]);
    expect(ints(L.choleskyEx(neg).info)).toEqual([0, 2]);
    expect(() => L.choleskyEx(neg, { checkErrors: true })).toThrow(/Batch element 1.*order 2/);
    // a singular matrix's det and slogdet: 0 (sign 0, logabsdet -inf), as torch
    expect(Math.abs(L.det(t64(sing)).item())).toBe(0);  // torch: -0
    const [s, l] = L.slogdet(t64(sing));
    expect([Math.abs(s.item()), l.item()]).toEqual([0, -Infinity]);
    expect(fl.logdet(fl.zeros([2, 2], { dtype: 'float64', device: DEVICE })).item()).toBe(-Infinity);
  }));
});

describe('gradients', () => {
  const g1 = (f: (...x: fl.Tensor[]) => fl.Tensor, ins: number[][][]): number[][] => fl.scope(() => {
    const leaves = ins.map((v) => fl.tensor(v, { dtype: 'float64', device: DEVICE, requiresGrad: true }));
    weighted(f(...leaves)).backward();
    return leaves.map((t) => vals(t.grad!));
  });
  test('against torch 1.13 golden gradients of sum(out * W)', () => {
    const [gA, gB] = g1((a, b) => L.solve(a, b), [A0, B0]);   // torch.linalg.solve(A, B)
    near(gA, [-19, -12, -12.5, -14, -7.5, -11, 1.5, 0, 2.25]);
    near(gB, [4, 5.5, 2.5, 4.5, 0, -0.75]);
    near(g1((a) => L.inv(a), [A0])[0], [-38, 24.5, -47.5, -28, 18.5, -35, 2.5, -1.75, 3.25]);
    near(g1((a) => L.det(a), [A0])[0], [-4, 2, -5, -3, 2, -4, 1, -1, 1]);
    near(g1((a) => L.slogdet(a)[1], [A0])[0], [4, -2, 5, 3, -2, 4, -1, 1, -1]);
    near(g1((a) => L.cholesky(a), [S0])[0], [-248.375, 66.5, -12.25, 66.5, -17.375, 3.5, -12.25, 3.5, -0.5], 1e-9);
    near(g1((a) => L.luFactor(a)[0], [A0])[0], [-3.133333333333333, 2.4, -3, -1.24, 0.753333333333334, 0.1, -0.523333333333333, -0.23, -0.15], 1e-9);
    near(g1((a) => L.matrixExp(fl.div(a, 3)), [A0])[0], [-0.730089805787898, -0.186293726330879, 2.297398300800868, 0.764810428717216, -0.358166744661259, -0.656620722755734, 1.395853340577838, -0.048915978783918, -2.717682780881063], 1e-9);
    const [sA, sB] = g1((a, b) => L.solveTriangular(a, b, { upper: true }), [S0, B0]);
    near(sA, [-0.294401544401544, 0.04753861003861, 0.008928571428571, 0, -0.002083302276352, -0.001792608935466, 0, 0, 0.0005670497653], 1e-9);
    near(sB, [0.125, -0.25, 0, 0.087837837837838, 0.030612244897959, 0.018132928847215], 1e-9);
  });

  const A = () => wellConditioned([2, 3, 3], 31).requiresGrad_(true);
  const Bm = () => fl.tensor(randomArray(3 * 2, 32), { dtype: 'float64', device: DEVICE }).reshape([3, 2]).requiresGrad_(true);
  const spd = () => wellConditioned([2, 3, 3], 33, 'float64', true);
  const cases: [string, () => fl.Tensor[], (...x: fl.Tensor[]) => fl.Tensor][] = [
    ['solve (broadcast B)', () => [A(), Bm()], (a, b) => L.solve(a, b)],
    // (B [4, 3], not [2, 3]: a B of A's shape less its last dim is a vector to torch, refused with left: false)
    ['solve left: false', () => [A(), fl.tensor(randomArray(4 * 3, 32), { dtype: 'float64', device: DEVICE }).reshape([4, 3]).requiresGrad_(true)], (a, b) => L.solve(a, b, { left: false })],
    ['inv', () => [A()], (a) => L.inv(a)],
    ['det', () => [A()], (a) => L.det(a)],
    ['slogdet', () => [A()], (a) => L.slogdet(a)[1]],
    ['cholesky (symmetrised input)', () => [spd().requiresGrad_(true)], (a) => L.cholesky(fl.mul(fl.add(a, a.mT), 0.5))],
    ['cholesky upper', () => [spd().requiresGrad_(true)], (a) => L.cholesky(fl.mul(fl.add(a, a.mT), 0.5), { upper: true })],
    ['solveTriangular lower left', () => [A(), Bm()], (a, b) => L.solveTriangular(a, b, { upper: false })],
    ['solveTriangular upper right unit', () => [A(), Bm().mT.contiguous().detach().requiresGrad_(true)], (a, b) => L.solveTriangular(a, b, { upper: true, left: false, unitriangular: true })],
    ['luFactor', () => [A()], (a) => L.luFactor(a)[0]],
    ['lu (L and U)', () => [A()], (a) => { const [, l, u] = L.lu(a); return fl.add(l, fl.mul(u, 2)); }],
    ['luSolve (LU and B, adjoint)', () => [A(), Bm()], (a, b) => { const [lu, p] = L.luFactor(a); return L.luSolve(lu, p, b, { adjoint: true }); }],
    ['matrixExp', () => [A()], (a) => L.matrixExp(fl.div(a, 4))],
    ['matrixPower -2', () => [A()], (a) => L.matrixPower(a, -2)],
    ['choleskySolve', () => [spd(), Bm()], (a, b) => fl.choleskySolve(b, L.cholesky(fl.mul(fl.add(a, a.mT), 0.5)))],
    ['cross, vecdot', () => [A()], (a) => fl.add(L.cross(a, fl.flip(a, [2])), L.vecdot(a, a).unsqueeze(-1))],
  ];
  test.each(cases)('gradcheck: %s', (_name, make, f) => fl.scope(() => {
    expect(fl.gradcheck(f, make())).toBe(true);
  }));
  test.each(cases.filter(([n]) => !n.startsWith('cross')))('second derivatives (createGraph) by gradcheck: %s', (_name, make, f) => fl.scope(() => {
    const ins = make();
    // the first derivative of sum(out²) with createGraph; gradcheck's finite differences call it
    // with plain tensors (under noGrad), which become leaves here
    const firstGrad = (...x: fl.Tensor[]): fl.Tensor => fl.enableGrad(() => {
      const xs = x.map((t) => (t.requiresGrad ? t : t.detach().requiresGrad_(true)));
      const out = f(...xs);
      return fl.autograd.grad(fl.sum(fl.mul(out, out)), xs, { createGraph: true })[0]!;
    });
    expect(fl.gradcheck(firstGrad, ins)).toBe(true);
  }));
});

describe('refusals', () => {
  test('dtypes, shapes, devices, arguments', () => fl.scope(() => {
    expect(() => L.det(fl.ones([2, 2], { dtype: 'int32', device: DEVICE }))).toThrow(new fl.DTypeError('linalg.det: Expected a floating point tensor as A, got int32 (shape [2, 2])'));
    expect(() => L.inv(fl.ones([2, 2], { dtype: 'float16', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => L.cholesky(fl.ones([2, 2], { dtype: 'bfloat16', device: DEVICE }))).toThrow(/linalg.cholesky: bfloat16 is not supported/);
    expect(() => L.solve(fl.ones([2, 2], { dtype: 'bool', device: DEVICE }), fl.ones([2], { device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => L.det(fl.ones([2, 3], { device: DEVICE }))).toThrow(new fl.ShapeError('linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices (shape [2, 3])'));
    expect(() => L.inv(fl.ones([3], { device: DEVICE }))).toThrow(/linalg.inv: The input tensor A must have at least 2 dimensions/);
    expect(() => L.solve(fl.eye(3, { device: DEVICE }), fl.ones([2], { device: DEVICE }))).toThrow(new fl.ShapeError('linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)'));
    // torch 1.13 takes a B of A's shape less its last dim as a vector with left: false too, then refuses XA = B (torch-diff seed 5)
    expect(() => L.solve(fl.eye(2, { device: DEVICE }).unsqueeze(0), fl.ones([1, 2], { device: DEVICE }), { left: false })).toThrow(new fl.ShapeError('linalg.solve: Incompatible shapes of A and B for the equation XA = B (2x2 and 2x1)'));
    expect(() => L.solve(fl.eye(3, { device: DEVICE }), fl.ones([3], { dtype: 'float64', device: DEVICE }))).toThrow(/linalg.solve: Expected A and B to have the same dtype/);
    expect(() => (L.solveTriangular as any)(fl.eye(3, { device: DEVICE }), fl.ones([3, 1], { device: DEVICE }))).toThrow(/linalg.solveTriangular: missing required argument 'upper'/);
    expect(() => L.solveTriangular(fl.eye(3, { device: DEVICE }), fl.ones([3], { device: DEVICE }), { upper: true })).toThrow(/B must have at least 2 dimensions/);
    expect(() => L.luFactor(fl.eye(2, { device: DEVICE }), { pivot: false })).toThrow(fl.ValueError);
    expect(() => L.cross(fl.ones([2], { device: DEVICE }), fl.ones([2], { device: DEVICE }))).toThrow(/linalg.cross: inputs dimension -1 must have length 3/);
    expect(() => L.multiDot([fl.ones([2], { device: DEVICE })])).toThrow(/expected at least 2 tensors/);
    expect(() => L.multiDot([fl.ones([2, 3], { device: DEVICE }), fl.ones([2, 3], { device: DEVICE })])).toThrow(fl.ShapeError);
    expect(() => L.vecdot(fl.ones([3], { dtype: 'int32', device: DEVICE }), fl.ones([3], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => L.matrixExp(fl.ones([2, 2], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => L.matrixPower(fl.ones([2, 3], { device: DEVICE }), 2)).toThrow(fl.ShapeError);
    const [LU, piv] = L.luFactor(fl.eye(3, { device: DEVICE }));
    expect(() => L.luSolve(LU, piv.to('float32'), fl.ones([3, 1], { device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => L.luSolve(LU, piv, fl.ones([3], { device: DEVICE }))).toThrow(fl.ShapeError);
    expect(() => L.inv('x' as any)).toThrow(fl.ValueError);
    if (DEVICE !== 'cpu') expect(() => L.solve(fl.eye(2, { device: DEVICE }), fl.ones([2]))).toThrow(fl.DeviceError);
  }));
});
