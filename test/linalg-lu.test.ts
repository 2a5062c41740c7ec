// linalg-lu.test.ts — the CPU LU of native/cpu/linalg.cpp above one block (luRecursive: recursive
// halves with GEMM updates; min(m, n) > 64) and the inverse from the LU (luInverse: linalg.inv's
// solve against the identity), through fl.linalg.luFactor(Ex), lu, inv(Ex), solve(Ex), slogdet.
// References: PyTorch 1.13 (LAPACK getrf/getri through OpenBLAS) golden values, pasted below with
// the torch call that made them, on matrices built by a formula that is exact in float64 on both
// sides (hashed integers / 64, the Hilbert matrix 1 / (i + j + 1)): the pivots must be torch's exactly,
// info as torch's, values within 1e-9 relative; float64 reconstructions with naive loops written
// here (P L U = A, A X = I) within 1e-11 of the largest entry; bit equality between a batch and its
// entries, a strided input and its contiguous copy, and 1 and 2 threads (the kernel's promise).
// The sizes are not multiples of the leaves (16) or of the blocks (64): 65, 100, 150, 257.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, randomArray } from './helpers';
import { hashed, ints, near, t64, vals } from './linalg-fixtures';

const L = fl.linalg;

/** max |P L U - A| / max |A| for one m x n matrix from getrf's packed LU and 1-based pivots (naive float64). */
function pluError(a: number[], lu: number[], piv: number[], m: number, n: number): number {
  const K = Math.min(m, n);
  const prod = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p <= Math.min(i, j, K - 1); p++) s += (p === i ? 1 : lu[i * n + p]) * lu[p * n + j];
      prod[i * n + j] = s;
    }
  }
  for (let i = K - 1; i >= 0; i--) {  // A = P (L U): undo the swaps, last first
    const p = piv[i] - 1;
    for (let j = 0; j < n; j++) { const t = prod[i * n + j]; prod[i * n + j] = prod[p * n + j]; prod[p * n + j] = t; }
  }
  let err = 0, big = 0;
  for (let e = 0; e < m * n; e++) { err = Math.max(err, Math.abs(prod[e] - a[e])); big = Math.max(big, Math.abs(a[e])); }
  return err / big;
}
/** max |A X - I| for row-major n x n A and X (naive float64). */
function inverseResidual(a: number[], x: number[], n: number): number {
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += a[i * n + p] * x[p * n + j];
      err = Math.max(err, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return err;
}
const bitsEqual = (a: fl.Tensor, b: fl.Tensor, what = ''): void => {
  expect(a.dtype).toBe(b.dtype);
  const x = a.dataSync() as Float64Array | Float32Array, y = b.dataSync() as Float64Array | Float32Array;
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) throw new Error(`${what}[${i}]: ${x[i]} against ${y[i]}`);
};

// torch.linalg.lu_factor_ex(A) of hashed(m, n): pivots, info 0, LU.abs().sum(), LU[i, i] for
// i = 0, 1, K // 2, K - 1; for square A also torch.linalg.inv(A)[i, j] at (0, 0), (3, 7), (m - 1, 0),
// (m // 2, m - 2) and torch.linalg.slogdet(A)
const GOLDEN: { m: number; n: number; piv: number[]; luAbsSum: number; diag: number[]; inv?: number[]; slogdet?: number[] }[] = [
  { m: 65, n: 65, piv: [1, 62, 61, 60, 52, 57, 50, 62, 48, 57, 38, 27, 49, 33, 41, 30, 57, 42, 57, 56, 40, 38, 45, 33, 47, 49, 33, 56, 34, 43, 31, 56, 48, 34, 36, 49, 57, 56, 52, 54, 50, 64, 58, 58, 59, 56, 55, 55, 61, 61, 54, 53, 63, 59, 59, 64, 64, 58, 65, 64, 64, 65, 63, 65, 65], luAbsSum: 21912.23693085612, diag: [-7.875, 12.545386904761905, 75.93790931612466, 0.3674221398770575], inv: [0.12620427053086422, 1.2471218648883693, 0.40492955751882653, -0.4266401768247583], slogdet: [1.0, 198.7658432658202] },
  { m: 100, n: 100, piv: [1, 78, 77, 60, 52, 85, 80, 78, 40, 25, 71, 34, 31, 38, 74, 27, 97, 43, 71, 71, 60, 51, 94, 67, 44, 37, 67, 48, 75, 83, 37, 44, 45, 64, 66, 37, 45, 50, 54, 77, 53, 56, 75, 76, 59, 54, 95, 57, 92, 87, 86, 68, 72, 86, 62, 56, 70, 75, 60, 92, 91, 81, 92, 73, 75, 90, 93, 97, 76, 89, 80, 95, 89, 91, 84, 82, 95, 96, 91, 80, 95, 87, 97, 94, 91, 96, 97, 100, 95, 91, 95, 95, 97, 98, 98, 96, 98, 100, 100, 100], luAbsSum: 54040.66167056517, diag: [-7.875, -13.01860119047619, -39.52981859001131, -0.13254474515235426], inv: [-0.1820854706583853, 2.488226152809633, -0.6655853294567647, -2.842030798384368], slogdet: [-1.0, 330.14259531824655] },
  { m: 150, n: 100, piv: [1, 78, 144, 135, 145, 57, 80, 78, 109, 13, 52, 121, 34, 38, 74, 77, 50, 89, 25, 103, 22, 125, 44, 63, 41, 75, 117, 110, 34, 83, 96, 50, 70, 116, 75, 125, 113, 116, 76, 44, 53, 129, 43, 150, 55, 103, 105, 141, 86, 107, 81, 69, 93, 81, 143, 139, 62, 74, 127, 80, 103, 90, 97, 149, 81, 150, 85, 143, 84, 97, 83, 110, 146, 129, 104, 146, 133, 80, 130, 113, 141, 111, 108, 132, 127, 140, 89, 143, 114, 96, 109, 116, 148, 104, 104, 147, 123, 130, 136, 139], luAbsSum: 56042.068074483366, diag: [-7.875, -13.01860119047619, 37.15203154988442, -42.65985767701706] },
  { m: 100, n: 150, piv: [1, 78, 77, 60, 52, 85, 80, 78, 40, 25, 71, 34, 31, 38, 74, 27, 97, 43, 71, 71, 60, 51, 94, 67, 44, 37, 67, 48, 75, 83, 37, 44, 45, 64, 66, 37, 45, 50, 54, 77, 53, 56, 75, 76, 59, 54, 95, 57, 92, 87, 86, 68, 72, 86, 62, 56, 70, 75, 60, 92, 91, 81, 92, 73, 75, 90, 93, 97, 76, 89, 80, 95, 89, 91, 84, 82, 95, 96, 91, 80, 95, 87, 97, 94, 91, 96, 97, 100, 95, 91, 95, 95, 97, 98, 98, 96, 98, 100, 100, 100], luAbsSum: 116262.63451640775, diag: [-7.875, -13.01860119047619, -39.52981859001131, -0.13254474515235426] },
  { m: 257, n: 257, piv: [1, 78, 223, 153, 145, 57, 237, 127, 22, 88, 26, 144, 190, 131, 218, 33, 147, 193, 55, 163, 217, 25, 198, 147, 168, 174, 234, 100, 242, 123, 81, 228, 223, 200, 117, 127, 51, 105, 43, 44, 143, 77, 200, 52, 198, 200, 225, 238, 89, 185, 165, 84, 98, 102, 154, 78, 61, 206, 84, 113, 110, 188, 200, 159, 197, 122, 229, 106, 77, 213, 85, 143, 84, 135, 217, 146, 203, 226, 91, 249, 169, 184, 90, 131, 103, 172, 134, 253, 226, 143, 164, 132, 202, 196, 182, 160, 219, 141, 117, 102, 110, 193, 175, 188, 229, 244, 245, 139, 245, 237, 234, 149, 147, 220, 237, 152, 243, 182, 155, 216, 217, 138, 244, 182, 243, 136, 148, 169, 218, 133, 131, 189, 210, 157, 156, 235, 142, 199, 221, 196, 177, 151, 222, 208, 243, 212, 209, 148, 218, 189, 186, 223, 221, 195, 206, 237, 160, 234, 193, 207, 174, 184, 251, 245, 213, 186, 231, 217, 216, 216, 190, 197, 226, 252, 183, 209, 216, 233, 228, 182, 213, 214, 231, 251, 188, 198, 197, 194, 235, 202, 251, 223, 194, 222, 199, 200, 228, 214, 249, 232, 251, 216, 243, 226, 225, 240, 236, 251, 244, 218, 240, 225, 231, 232, 240, 229, 234, 244, 228, 233, 255, 243, 234, 231, 237, 229, 237, 229, 250, 239, 232, 252, 257, 238, 241, 240, 245, 249, 252, 240, 246, 252, 253, 251, 250, 256, 250, 257, 256, 250, 257, 254, 253, 256, 256, 257, 257], luAbsSum: 539277.973834976, diag: [-7.875, -13.01860119047619, 55.980806113763805, -24.901662683286553], inv: [0.06335095368240781, -0.05547844259633794, -0.028890876586818763, -0.019410587798676642], slogdet: [1.0, 984.2020490822928] },
]

describe('luFactor above one block: torch 1.13\'s pivots and values', () => {
  test.each(GOLDEN.map((g) => [`${g.m}x${g.n}`, g] as const))('%s (float64)', (_, g) => fl.scope(() => {
    const a = hashed(g.m, g.n);
    const [LU, piv, info] = L.luFactorEx(t64(a, [g.m, g.n]));
    expect(ints(piv)).toEqual(g.piv);
    expect(ints(info)).toEqual([0]);
    const lu = vals(LU);
    near([lu.reduce((s, v) => s + Math.abs(v), 0)], [g.luAbsSum], 1e-9, 'sum |LU|');
    const K = Math.min(g.m, g.n);
    near([0, 1, K >> 1, K - 1].map((i) => lu[i * g.n + i]), g.diag, 1e-9, 'diag');
    expect(pluError(a, lu, g.piv, g.m, g.n)).toBeLessThan(1e-13);
  }));
  test('float32 (100x100): torch.linalg.lu_factor(A.float()).pivots, P L U = A', () => fl.scope(() => {
    const a = hashed(100, 100);
    const [LU, piv] = L.luFactor(t64(a, [100, 100], 'float32'));
    expect(ints(piv)).toEqual([1, 78, 77, 60, 52, 85, 80, 78, 40, 25, 71, 34, 31, 38, 74, 27, 97, 43, 71, 71, 60, 51, 94, 67, 44, 37, 67, 48, 75, 83, 37, 44, 45, 64, 66, 37, 45, 50, 54, 77, 53, 56, 75, 76, 59, 54, 95, 57, 92, 87, 86, 68, 72, 86, 62, 56, 70, 75, 60, 92, 91, 81, 92, 73, 75, 90, 93, 97, 76, 89, 80, 95, 89, 91, 84, 82, 95, 96, 91, 80, 95, 87, 97, 94, 91, 96, 97, 100, 95, 91, 95, 95, 97, 98, 98, 96, 98, 100, 100, 100]);
    expect(pluError(a, vals(LU), ints(piv), 100, 100)).toBeLessThan(1e-5);
  }));
  test('nearly singular (100x100, column 99 = column 0 + column 1 + 1e-9 v, cond 1.8e12): torch\'s pivots, slogdet, a backward-stable solve', () => fl.scope(() => {
    const n = 100, a = hashed(n, n);
    for (let i = 0; i < n; i++) a[i * n + 99] = (a[i * n] + a[i * n + 1]) + 1e-9 * (((i * 7) % 13) - 6) / 8;
    const A = t64(a, [n, n]);
    const [LU, piv, info] = L.luFactorEx(A);
    // torch.linalg.lu_factor_ex(A): info 0, these pivots, LU[99, 99] = 2.93e-10; slogdet (1, 310.2126720259552)
    expect(ints(info)).toEqual([0]);
    expect(ints(piv)).toEqual([1, 78, 77, 60, 52, 85, 80, 78, 40, 25, 71, 34, 31, 38, 74, 27, 97, 43, 71, 71, 60, 51, 94, 67, 44, 37, 67, 48, 75, 83, 37, 44, 45, 64, 66, 37, 45, 50, 54, 77, 53, 56, 75, 76, 59, 54, 95, 57, 92, 87, 86, 68, 72, 86, 62, 56, 70, 75, 60, 92, 91, 81, 92, 73, 75, 90, 93, 97, 76, 89, 80, 95, 89, 91, 84, 82, 95, 96, 91, 80, 95, 87, 97, 94, 91, 96, 97, 100, 95, 91, 95, 95, 97, 98, 98, 96, 98, 100, 100, 100]);
    expect(pluError(a, vals(LU), ints(piv), n, n)).toBeLessThan(1e-14);
    const [s, la] = L.slogdet(A);
    expect(vals(s)).toEqual([1]);
    near(vals(la), [310.2126720259552], 1e-6, 'logabsdet');  // its last pivot carries cond * eps of relative error
    // torch's x has |x| up to 8.3e9; the backward error |A x - b| / (|A| |x|) of a stable solve is ~eps whatever cond(A)
    const b = Array.from({ length: n }, (_, i) => (((i * 5) % 11) - 5) / 4);
    const x = vals(L.solve(A, t64(b, [n])));
    let r = 0;
    for (let i = 0; i < n; i++) { let v = -b[i]; for (let j = 0; j < n; j++) v += a[i * n + j] * x[j]; r = Math.max(r, Math.abs(v)); }
    expect(r / (Math.max(...a.map(Math.abs)) * Math.max(...x.map(Math.abs)))).toBeLessThan(1e-14);
    expect(Math.max(...x.map(Math.abs))).toBeGreaterThan(1e9);
  }));
  test('ill-conditioned: the Hilbert matrix (n = 80, cond 2e19): P L U = A, |L| <= 1', () => fl.scope(() => {
    // (torch's pivots, made of rounding noise past the 14th column, differ from flintml's, blocked or recursive)
    const n = 80, h: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h.push(1 / (i + j + 1));
    const [LU, piv, info] = L.luFactorEx(t64(h, [n, n]));
    expect(ints(info)).toEqual([0]);
    const lu = vals(LU);
    expect(pluError(h, lu, ints(piv), n, n)).toBeLessThan(1e-14);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(Math.abs(lu[i * n + j])).toBeLessThanOrEqual(1);
  }));
});

describe('inv from the LU (getri\'s path), slogdet', () => {
  test.each(GOLDEN.filter((g) => g.inv).map((g) => [g.m, g] as const))('n = %d: torch\'s entries, A X = I, A and Aᵀ (strided) paths', (n, g) => fl.scope(() => {
    const a = hashed(n, n);
    const A = t64(a, [n, n]);
    const X = L.inv(A);  // contiguous A: the kernel inverts Aᵀ's LU and transposes (luSolve adjoint)
    const x = vals(X);
    const at = [[0, 0], [3, 7], [n - 1, 0], [n >> 1, n - 2]];
    near(at.map(([i, j]) => x[i * n + j]), g.inv!, 1e-9, 'inv');
    expect(inverseResidual(a, x, n)).toBeLessThan(1e-9);
    // inv(Aᵀ) of a strided view: the kernel factors Aᵀ itself and swaps columns (getri)
    const xt = vals(L.inv(A.mT));
    near(at.map(([i, j]) => xt[j * n + i]), g.inv!, 1e-9, 'inv of Aᵀ');
    const [s, la] = L.slogdet(A);
    near([...vals(s), ...vals(la)], g.slogdet!, 1e-10, 'slogdet');
    // the same inverse through the general solve (a right-hand side that is not the identity)
    near(vals(fl.div(L.solve(A, fl.mul(fl.eye(n, { dtype: 'float64', device: DEVICE }), 2)), 2)), x, 1e-9, 'solve(A, 2I) / 2');
    // float32 (tolerance from cond(A) <= 3.2e4 times float32's epsilon)
    const x32 = vals(L.inv(A.to('float32')));
    expect(inverseResidual(a, x32, n)).toBeLessThan(5e-2);
  }));
  test('ill-conditioned: inv of ten 10x10 Hilbert blocks (cond 1.6e13) against the exact inverse', () => fl.scope(() => {
    // the exact inverse of the Hilbert matrix (integers): (-1)^(i+j) (i+j-1) C(n+i-1, n-j) C(n+j-1, n-i) C(i+j-2, i-1)^2, 1-based
    const h = 10, n = 100;
    const choose = (a: number, b: number): number => { let r = 1; for (let k = 1; k <= b; k++) r = (r * (a - b + k)) / k; return r; };
    const exact = (i: number, j: number): number => (((i + j) % 2 ? -1 : 1) * (i + j - 1) * choose(h + i - 1, h - j) * choose(h + j - 1, h - i) * choose(i + j - 2, i - 1) ** 2);
    const a = new Array<number>(n * n).fill(0), want = new Array<number>(n * n).fill(0);
    for (let b = 0; b < n / h; b++) {
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < h; j++) {
          a[(b * h + i) * n + b * h + j] = 1 / (i + j + 1);
          want[(b * h + i) * n + b * h + j] = exact(i + 1, j + 1);
        }
      }
    }
    const big = Math.max(...want.map(Math.abs));  // 3.48e12
    // cond(H) * eps = 1.8e-3 of the largest entry bounds a backward-stable inverse (torch's: 1.7e-5)
    for (const x of [vals(L.inv(t64(a, [n, n]))), vals(L.inv(t64(a, [n, n]).mT)).map((_, e, all) => all[(e % n) * n + Math.floor(e / n)])]) {
      const err = Math.max(...x.map((v, e) => Math.abs(v - want[e])));
      expect(err / big).toBeLessThan(2e-3);
    }
  }));
});

describe('singular matrices: info and LinAlgError as torch\'s', () => {
  test('a zero row (130x130, row 37) and a zero column (150x150, column 100)', () => fl.scope(() => {
    const a = hashed(130, 130);
    for (let j = 0; j < 130; j++) a[37 * 130 + j] = 0;
    const A = t64(a, [130, 130]);
    // torch: lu_factor_ex(A).info 130, inv_ex(A).info 38, solve_ex(A, ones(130, 3)).info 38
    expect(ints(L.luFactorEx(A).info)).toEqual([130]);
    expect(ints(L.invEx(A).info)).toEqual([38]);
    expect(ints(L.solveEx(A, fl.ones([130, 3], { dtype: 'float64', device: DEVICE })).info)).toEqual([38]);
    expect(() => L.inv(A)).toThrow(fl.LinAlgError);
    expect(() => L.inv(A)).toThrow('linalg.inv: The diagonal element 38 is zero, the inversion could not be completed because the input matrix is singular.');
    const c = hashed(150, 150);
    for (let i = 0; i < 150; i++) c[i * 150 + 100] = 0;
    const C = t64(c, [150, 150]);
    // torch: lu_factor_ex(C).info 101, inv_ex(C).info 150, inv_ex(C.mT).info 150
    expect(ints(L.luFactorEx(C).info)).toEqual([101]);
    expect(ints(L.invEx(C).info)).toEqual([150]);
    expect(ints(L.invEx(C.mT).info)).toEqual([150]);
    expect(() => L.luFactor(C)).toThrow(fl.LinAlgError);
  }));
});

describe('batches, strided inputs, threads: the same bits', () => {
  test('a batch of three 150x150 matrices equals each one factored alone; a strided input its copy', () => fl.scope(() => {
    const a = hashed(150, 150);
    const A = t64(a, [150, 150]);
    const R = t64(randomArray(150 * 150, 41), [150, 150]);
    const batch = fl.stack([A, R, A.mT.contiguous()]);
    const [LU, piv] = L.luFactor(batch);
    const inv = L.inv(batch);
    [A, R, A.mT.contiguous()].forEach((M, b) => {
      const [lu1, p1] = L.luFactor(M);
      bitsEqual(LU.index(b), lu1);
      expect(ints(piv.index(b))).toEqual(ints(p1));
      bitsEqual(inv.index(b), L.inv(M));
    });
    // strided: A.mT (the kernel copies it) against its contiguous copy
    const [luT, pT] = L.luFactor(A.mT);
    bitsEqual(luT, LU.index(2));
    expect(ints(pT)).toEqual(ints(piv.index(2)));
    // every other row of a 300-row matrix
    const tall = t64(randomArray(300 * 150, 42), [300, 150]);
    const strided = fl.narrow(tall.reshape([150, 2, 150]), 1, 0, 1).squeeze(1);
    bitsEqual(L.luFactor(strided)[0], L.luFactor(strided.contiguous())[0]);
  }));
  test('batches of small matrices (4x4 .. 32x32, below the recursion): P L U = A, inv', () => fl.scope(() => {
    for (const n of [4, 9, 16, 17, 32]) {
      const B = 40;
      const a = randomArray(B * n * n, 50 + n);
      const [LU, piv] = L.luFactor(t64(a, [B, n, n]));
      const lu = vals(LU), p = ints(piv);
      for (let b = 0; b < B; b++) {
        expect(pluError(a.slice(b * n * n, (b + 1) * n * n), lu.slice(b * n * n, (b + 1) * n * n), p.slice(b * n, (b + 1) * n), n, n)).toBeLessThan(1e-13);
      }
    }
  }));
  test('1 and 2 threads give the same bits: luFactor (257, 515, 150x100, 100x150), inv (A, Aᵀ), solve, solveTriangular', () => fl.scope(() => {
    const before = fl.backend.info().threads;
    // (before the column blocks of the solves were cut at multiples of 16, luFactor 515 differed in 16409 of its
    // elements between 1 and 2 threads, and solve in 759 of 77100)
    const run = (): fl.Tensor[] => {
      const A = t64(hashed(257, 257), [257, 257]), A5 = t64(hashed(515, 515), [515, 515]);
      const B = t64(randomArray(257 * 300, 43), [257, 300]);
      return [L.luFactor(A)[0], L.luFactor(A5)[0], L.luFactor(t64(hashed(150, 100), [150, 100]))[0], L.luFactor(t64(hashed(100, 150), [100, 150]))[0],
        L.inv(A), L.inv(A.mT), L.solve(A, B), L.solveTriangular(fl.triu(A5), t64(randomArray(515 * 515, 44), [515, 515]), { upper: true })];
    };
    try {
      fl.backend.setNumThreads(1);
      const one = run();
      fl.backend.setNumThreads(2);
      const two = run();
      one.forEach((t, i) => bitsEqual(t, two[i], `result ${i}`));
    } finally { fl.backend.setNumThreads(before); }
  }));
});
