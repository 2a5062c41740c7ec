// linalg-inv.test.ts — the inverse's route to the kernel: linalg.inv (and invEx) tells the 'luSolve'
// kernel that its right-hand side is the identity (the `identity` param; the CPU then runs getri's
// flops, native/cpu/linalg.cpp luInverse), and nothing else does: a user's own identity given to
// solve or luSolve is an ordinary right-hand side, and so is one that differs from I in two entries
// (a route taken by mistake would return A⁻¹ for it). Singular input reports as torch's, on both
// routes (n = 130 above the kernel's 64-row block, n = 40 below it), alone and in a batch.
// References: PyTorch 1.13 golden values (the torch calls are quoted beside them) on the matrices of
// test/linalg-lu.test.ts (hashed integers / 64, exact in float64 on both sides; cond 200 at n = 130),
// within 1e-10 relative; A X = B checked with naive float64 loops written here.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { call, opId } from '../lib/native';
import { DEVICE } from './helpers';
import { hashed, ints, near, t64, vals } from './linalg-fixtures';

const L = fl.linalg;
const eye = (n: number, dtype: fl.DType = 'float64'): fl.Tensor => fl.eye(n, { dtype, device: DEVICE });
/** max |A X - B| for row-major n x n A, X and B (naive float64). */
function residual(a: number[], x: number[], b: number[], n: number): number {
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += a[i * n + p] * x[p * n + j];
      err = Math.max(err, Math.abs(s - b[i * n + j]));
    }
  }
  return err;
}

const n = 130;
const AT = [[0, 0], [3, 7], [n - 1, 0], [n >> 1, n - 2], [64, 65]];
const pick = (x: number[], at: number[][]): number[] => at.map(([i, j]) => x[i * n + j]);
// torch: X = linalg.solve(A, eye(130)) at AT (the same entries as linalg.inv(A))
const SOLVE_I = [-0.0021501098193250166, -0.01781828286596586, 0.009415829307072472, -0.0051484859718394374, 0.0033803333767324457];
// torch: linalg.solve(A.mT, eye(130)) at AT
const SOLVE_AT_I = [-0.002150109819324991, 0.01162697735480067, -0.0035403147908437825, -0.029020928280296305, -0.004786929842808107];

describe('a user\'s identity is an ordinary right-hand side', () => {
  test('solve(A, I), solve(A, I, left: false), luSolve(LU, piv, I): torch\'s A⁻¹, A X = I', () => fl.scope(() => {
    const a = hashed(n, n), A = t64(a, [n, n]), I = eye(n), ident = vals(I);
    const x = vals(L.solve(A, I));
    near(pick(x, AT), SOLVE_I, 1e-10, 'solve(A, I)');
    expect(residual(a, x, ident, n)).toBeLessThan(1e-12);
    near(pick(vals(L.solve(A, I, { left: false })), AT), SOLVE_I, 1e-10, 'solve(A, I, left: false)');
    const [LU, piv] = L.luFactor(A);
    near(pick(vals(L.luSolve(LU, piv, I)), AT), SOLVE_I, 1e-10, 'luSolve(LU, piv, I)');
    // Aᴴ X = I through luSolve's adjoint: (Aᵀ)⁻¹
    near(pick(vals(L.luSolve(LU, piv, I, { adjoint: true })), AT), SOLVE_AT_I, 1e-10, 'luSolve(LU, piv, I, adjoint)');
    // inv takes the other route and agrees
    near(vals(L.inv(A)), x, 1e-10, 'inv(A) against solve(A, I)');
  }));

  test('a right-hand side two entries away from I is solved as itself, not inverted (A and a strided Aᵀ)', () => fl.scope(() => {
    // B[0, 100] lies above the diagonal in a later column block (getri's route would take it for 0)
    const a = hashed(n, n), A = t64(a, [n, n]);
    const b = vals(eye(n));
    b[100] = 3;              // B[0, 100]
    b[(n - 1) * n] = -2;     // B[129, 0]
    const B = t64(b, [n, n]), at = [[0, 100], [7, 0], [n - 1, n - 1], [64, 100], [3, 7]];
    const x = vals(L.solve(A, B));
    // torch: B = eye(130); B[0, 100] = 3; B[129, 0] = -2; linalg.solve(A, B) at (0, 100), (7, 0), (129, 129), (64, 100), (3, 7)
    near(pick(x, at), [-0.0007807901772169459, -0.005561091015567319, 0.011169767867408305, -0.08788564692294792, -0.01781828286596586], 1e-10, 'solve(A, B)');
    expect(residual(a, x, b, n)).toBeLessThan(1e-12);
    // a strided Aᵀ: the kernel factors it as it is and applies the pivots to B's rows first
    // torch: linalg.solve(A.mT, B) at the same entries
    near(pick(vals(L.solve(A.mT, B)), at), [0.0009634806393805862, -0.050830821079686644, 0.011169767867408356, 0.05452509181544992, 0.01162697735480067], 1e-10, 'solve(Aᵀ, B)');
  }));

  test('batched: [A, Aᵀ] against an expanded I, and float32', () => fl.scope(() => {
    const a = hashed(n, n), A = t64(a, [n, n]);
    const x = vals(L.solve(fl.stack([A, A.mT]), eye(n).expand([2, n, n])));
    near(pick(x.slice(0, n * n), AT), SOLVE_I, 1e-10, 'batch element 0');
    near(pick(x.slice(n * n), AT), SOLVE_AT_I, 1e-10, 'batch element 1');
    // float32: both routes within cond(A) (200) times float32's epsilon of torch's float64 values
    const A32 = A.to('float32');
    near(pick(vals(L.solve(A32, eye(n, 'float32'))), AT), SOLVE_I, 2e-4, 'solve float32');
    near(pick(vals(L.inv(A32)), AT), SOLVE_I, 2e-4, 'inv float32');
  }));
});

describe('inv of singular matrices reports as torch\'s on both routes', () => {
  test('n = 130 (getri\'s route): alone and in a batch, float64 and float32; invEx returns the info', () => fl.scope(() => {
    const s = hashed(n, n);
    for (let j = 0; j < n; j++) s[37 * n + j] = 0;  // row 37 zero
    const ok = t64(hashed(n, n), [n, n]), S = t64(s, [n, n]);
    expect(() => L.inv(S)).toThrow('linalg.inv: The diagonal element 38 is zero, the inversion could not be completed because the input matrix is singular.');
    // torch: linalg.inv_ex(stack([A, S])).info == [0, 38], float32 too; linalg.inv's message:
    for (const dtype of ['float64', 'float32'] as const) {
      const batch = fl.stack([ok, S]).to(dtype);
      expect(ints(L.invEx(batch).info)).toEqual([0, 38]);
      expect(() => L.inv(batch)).toThrow(fl.LinAlgError);
      expect(() => L.inv(batch)).toThrow('linalg.inv: (Batch element 1): The diagonal element 38 is zero, the inversion could not be completed because the input matrix is singular.');
    }
    expect(() => fl.inverse(S)).toThrow(fl.LinAlgError);
  }));

  test('n = 40 (below one block: the ordinary solve route)', () => fl.scope(() => {
    const s = hashed(40, 40);
    for (let j = 0; j < 40; j++) s[11 * 40 + j] = 0;  // row 11 zero
    const S = t64(s, [40, 40]);
    // torch: linalg.inv_ex(S).info == 12, and linalg.inv(S)'s message
    expect(ints(L.invEx(S).info)).toEqual([12]);
    expect(() => L.inv(S)).toThrow('linalg.inv: The diagonal element 12 is zero, the inversion could not be completed because the input matrix is singular.');
  }));
});

describe('the kernel\'s identity param', () => {
  test('refuses a non-square X with a typed error naming the op and the shape', () => fl.scope(() => {
    const [LU, piv] = L.luFactor(t64(hashed(8, 8), [8, 8]));
    const X = fl.zeros([8, 3], { dtype: 'float64', device: DEVICE });
    const LUSOLVE = opId('luSolve');
    expect(() => call(LUSOLVE, 'luSolve', [X, LU, piv], [0, 1])).toThrow(fl.ShapeError);
    expect(() => call(LUSOLVE, 'luSolve', [X, LU, piv], [0, 1])).toThrow(/luSolve: X must be square when it holds the identity \(an inverse\), got \[8, 3\]/);
    // without the flag the same operands are an ordinary solve
    expect(() => call(LUSOLVE, 'luSolve', [X, LU, piv], [0, 0])).not.toThrow();
  }));
});
