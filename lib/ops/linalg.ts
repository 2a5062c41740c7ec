// linalg.ts — torch.linalg's solvers and factorizations (`fl.linalg.solve`, `inv`, `det`, `slogdet`,
// `cholesky`, `luFactor`, `lu`, `luSolve`, `solveTriangular`, `matrixPower`, `matrixExp`,
// `multiDot`, `cross`, `vecdot`, `vander`, `tensorinv`, `tensorsolve` and the *Ex variants), the
// top-level aliases torch users call (`fl.inverse`, `fl.det`, `fl.logdet`, `fl.slogdet`,
// `fl.choleskySolve`, `fl.choleskyInverse`, `fl.cross`, `fl.matrixPower`, `fl.matrixExp`), torch.lu_unpack
// (`fl.luUnpack`) and their Tensor methods.
//
// Kernels (the "linalg" family: native/core/linalg.h, native/cpu/linalg.cpp, native/kernels/linalg.cu):
// 'luFactor' (getrf), 'luSolve' (getrs), 'triangularSolve' (trsm) and 'cholesky' (potrf), on
// contiguous batches of float32/float64 matrices; this file broadcasts batches and makes the copies.
// Everything else is composed: det and slogdet from the LU's diagonal and the pivots' parity, inv as
// a solve with the identity (which it tells the kernel: luSolve's `identity` param), matrixExp as
// scaling and squaring of a Padé approximant (matmul and solve), choleskySolve as two triangular solves.
//
// Errors: a singular matrix or one that is not positive-definite is found by the kernel and comes
// back as LAPACK's `info` word per matrix. The *Ex functions return it (int32, the batch's shape); the
// others read it (a synchronization on the GPU, as torch's non-Ex functions do) and throw torch's
// LinAlgError with torch's message.
//
// Gradients are torch 1.13's formulas, each written with differentiable flintml ops (recorded with
// twice = true, so createGraph gives second derivatives): solve (gB = solve(Aᴴ, gX), gA = -gB Xᴴ;
// inv is a solve), det (g·det·A⁻ᴴ) and slogdet (g·A⁻ᴴ), cholesky (Iain Murray's formula, as torch),
// solveTriangular, luFactor and lu (square matrices), luSolve (through its two triangular solves).
// matrixExp, matrixPower, multiDot, cross and vecdot are compositions. Difference: torch 1.13 takes
// det's gradient at an exactly singular matrix from an SVD; flintml has none, and gives det·A⁻ᴴ
// there (inf/NaN). bench/FIDELITY.md lists it.
import { describeArg } from '../arity';
import { needsGrad, noGrad, record, sumToShape } from '../autograd';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature, tooManyArgs } from '../args';
import { sameDevice } from '../device';
import { isComplexDType, isFloating } from '../dtype';
import { DeviceError, DTypeError, FlintError, IndexError, LinAlgError, ShapeError, ValueError } from '../errors';
import { namedTuple } from '../named-tuple';
import { call, opId } from '../native';
import { broadcastShapes, fmt, normDim } from '../shape';
import { complexHook, complexOperand, contiguousCopy, emptyTensor, scopeSync, Tensor } from '../tensor';
import { arange, eye, ones, zeros } from './creation';
import { abs, add, div, eq, gt, log, logicalOr, lt, mul, ne, neg, remainder, sign, sub, where } from './elementwise';
import { tril, triu } from './indexing';
import { matmul } from './matmul';
import { amax, any, prod, sum } from './reduce';
import { cumprod } from './softmax';
import { cat, diagonal, expand, narrow, permute, reshape, squeeze, unsqueeze } from './views';

// ---- the native kernels ------------------------------------------------------------------------------

let OPS: { lu: number; luSolve: number; tri: number; chol: number } | null = null;
function ops(): { lu: number; luSolve: number; tri: number; chol: number } {
  if (OPS === null) OPS = { lu: opId('luFactor'), luSolve: opId('luSolve'), tri: opId('triangularSolve'), chol: opId('cholesky') };
  return OPS;
}

const batchOf = (t: Tensor): number[] => t._shape.slice(0, -2) as number[];
const rows = (t: Tensor): number => t._shape[t.ndim - 2];
const cols = (t: Tensor): number => t._shape[t.ndim - 1];

/** [LU, pivots, info] of A (>= 2 dims, float32/64), no autograd. */
function luFactorRaw(A_: Tensor, op: string): [Tensor, Tensor, Tensor] {
  const m = rows(A_), n = cols(A_), K = Math.min(m, n), dev = A_._storage.device;
  const LU = contiguousCopy(A_, op);
  const piv = emptyTensor([...batchOf(A_), K], 'int32', dev, false, op);
  const info = emptyTensor(batchOf(A_), 'int32', dev, true, op);
  try {
    if (LU.numel > 0) call(ops().lu, op, [LU, piv, info], []);
  } catch (e) { LU.dispose(); piv.dispose(); info.dispose(); throw e; }
  return [LU, piv, info];
}

/**
 * X with A X = B (or Aᴴ X = B) for A = P L U from luFactorRaw; LU [..., n, n], pivots, B [..., n, k] of
 * one batch shape. `identity`: B is the identity (an inverse; the CPU kernel then runs getri's flops).
 */
function luSolveRaw(LU: Tensor, piv: Tensor, B: Tensor, adjoint: boolean, op: string, identity = false): Tensor {
  const X = contiguousCopy(B, op);
  try {
    if (X.numel > 0) {
      const lu = LU.isContiguous() ? LU : contiguousCopy(LU, op), p = piv.isContiguous() ? piv : contiguousCopy(piv, op);
      try { call(ops().luSolve, op, [X, lu, p], [adjoint ? 1 : 0, identity ? 1 : 0]); } finally { if (lu !== LU) lu.dispose(); if (p !== piv) p.dispose(); }
    }
  } catch (e) { X.dispose(); throw e; }
  return X;
}

/** X with M X = B, M = T (or Tᵀ when `trans`) triangular (`upper` is M's shape); T [..., n, n], B [..., n, k] of one batch shape. */
function triSolveRaw(T: Tensor, B: Tensor, upper: boolean, trans: boolean, unit: boolean, op: string): Tensor {
  const X = contiguousCopy(B, op);
  try {
    if (X.numel > 0) {
      const t = T.isContiguous() ? T : contiguousCopy(T, op);
      try { call(ops().tri, op, [X, t], [upper ? 1 : 0, trans ? 1 : 0, unit ? 1 : 0]); } finally { if (t !== T) t.dispose(); }
    }
  } catch (e) { X.dispose(); throw e; }
  return X;
}

/** [L, info]: the lower Cholesky factor of each matrix of A, no autograd. */
function choleskyRaw(A_: Tensor, op: string): [Tensor, Tensor] {
  const L = contiguousCopy(A_, op);
  const info = emptyTensor(batchOf(A_), 'int32', A_._storage.device, true, op);
  try {
    if (L.numel > 0) call(ops().chol, op, [L, info], []);
  } catch (e) { L.dispose(); info.dispose(); throw e; }
  return [L, info];
}

/** @internal Throws torch's LinAlgError for the first nonzero info (a synchronization on the GPU). */
export function checkInfo(info: Tensor, op: string, message: (k: number) => string): void {
  if (info.numel === 0) return;
  const v = info.dataSync() as Int32Array;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0) throw new LinAlgError(`${op}: ${info.ndim > 0 ? `(Batch element ${i}): ` : ''}${message(v[i])}`);
  }
}

/** @internal */
export const singularInv = (k: number): string => `The diagonal element ${k} is zero, the inversion could not be completed because the input matrix is singular.`;
const singularSolve = (): string => 'The solver failed because the input matrix is singular.';
/** @internal */
export const notPD = (k: number): string => `The factorization could not be completed because the input is not positive-definite (the leading minor of order ${k} is not positive-definite).`;

// ---- argument checks ---------------------------------------------------------------------------------

function needTensor(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

/** torch.linalg's dtype rule: float32 or float64 (the 16-bit floats, integers and bool are refused). */
function needLinalgDType(x: Tensor, op: string, what: string): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: Expected a floating point tensor as ${what}, got ${x.dtype} (shape ${fmt(x._shape)})`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`${op}: ${x.dtype} is not supported (linear algebra runs in float32 or float64), got ${what} of shape ${fmt(x._shape)}`);
}

/** A batch of matrices (>= 2 dims) of float32/64, square unless `square` is false. */
function needMatrices(x: unknown, op: string, what = 'A', square = true): Tensor {
  const t = needTensor(x, op, what);
  if (t.ndim < 2) throw new ShapeError(`${op}: The input tensor ${what} must have at least 2 dimensions, got shape ${fmt(t._shape)}`);
  needLinalgDType(t, op, what);
  if (square && rows(t) !== cols(t)) throw new ShapeError(`${op}: ${what} must be batches of square matrices, but they are ${rows(t)} by ${cols(t)} matrices (shape ${fmt(t._shape)})`);
  return t;
}

function sameDTypeDevice(a: Tensor, b: Tensor, op: string, an = 'A', bn = 'B'): void {
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: Expected ${an} and ${bn} to have the same dtype, but found ${an} of type ${a.dtype} and ${bn} of type ${b.dtype} instead`);
  if (!sameDevice(a._storage.device, b._storage.device)) throw new DeviceError(`${op}: ${an} is on ${a.device} and ${bn} on ${b.device}: move them to one device`);
}

const eyeLike = (n: number, x: Tensor, m = n): Tensor => eye(n, m, { dtype: x.dtype, device: x.device });

/** The permutation matrices P (A = P L U) of getrf's pivots [..., K], as [..., m, m] of `like`'s dtype. */
function permutationFromPivots(piv: Tensor, m: number, like: Tensor, op: string): Tensor {
  return noGrad(() => scopeSync(() => {
    const batch = piv._shape.slice(0, -1) as number[];
    const K = piv._shape[piv.ndim - 1];
    let p = piv;
    if (K < m) p = cat([piv, expand(arange(K + 1, m + 1, { dtype: 'int32', device: piv.device }), [...batch, m - K])], -1);
    const I = expand(eyeLike(m, like), [...batch, m, m]);
    // getrs with L = U = I applies the row swaps: Pᵀ I
    return luSolveRaw(I, p, I, false, op).mT.contiguous();
  }));
}

// ---- triangular solve --------------------------------------------------------------------------------

function solveTriangularOp(A_: Tensor, B: Tensor, upper: boolean, left: boolean, unit: boolean, op: string): Tensor {
  { const cx = complexOperand(A_, B); if (cx !== null) return complexHook('composite', op, cx)('linalg.solveTriangular', [A_, B, upper, left, unit, op]) as Tensor; }
  needMatrices(A_, op, 'A');
  const Bm = needMatrices(B, op, 'B', false);
  sameDTypeDevice(A_, Bm, op);
  const n = rows(A_), bm = rows(Bm), bn = cols(Bm);
  if ((left ? bm : bn) !== n) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${bm}x${bn})`);
  const batch = broadcastShapes(op, batchOf(A_), batchOf(Bm));
  const X = noGrad(() => scopeSync(() => {
    const Ae = expand(A_, [...batch, n, n]), Be = expand(Bm, [...batch, bm, bn]);
    if (left) return triSolveRaw(Ae, Be, upper, false, unit, op);
    // X A = B  <=>  Aᵀ Xᵀ = Bᵀ, Aᵀ the other triangle
    return triSolveRaw(Ae, Be.mT, !upper, true, unit, op).mT.contiguous();
  }));
  if (needsGrad(A_, Bm)) {
    record(op, [A_, Bm], [X], [A_, X], ([g], [sA, sX]) => scopeSync(() => {
      const gB = solveTriangularOp(sA.mT, g!, !upper, left, unit, op);
      let gA: Tensor | null = null;
      if (A_.requiresGrad) {
        const t = neg(left ? matmul(gB, sX.mT) : matmul(sX.mT, gB));
        gA = sumToShape(upper ? triu(t, unit ? 1 : 0) : tril(t, unit ? -1 : 0), A_._shape);
      }
      return [gA, Bm.requiresGrad ? sumToShape(gB, Bm._shape) : null];
    }), true);
  }
  return X;
}

// ---- solve and inv -------------------------------------------------------------------------------------

/**
 * [X, info] with A X = B for matrices B [..., n, k] (batches broadcast); `message` throws on a singular
 * A (null: the info is returned). `identity`: B is the identity (inv; luSolveRaw). Records solve's gradient.
 */
function solveMatrices(A_: Tensor, B: Tensor, op: string, message: ((k: number) => string) | null, identity = false): [Tensor, Tensor] {
  const n = rows(A_), k = cols(B);
  const batch = broadcastShapes(op, batchOf(A_), batchOf(B));
  // torch 1.13 factors Aᵀ when A is row-major contiguous (no copy into LAPACK's column order) and
  // solves with the adjoint; the same here, so that `info` names the same diagonal element as torch's
  const useT = A_.isContiguous();
  const [X, info] = noGrad(() => scopeSync(() => {
    const [LU, piv, inf] = luFactorRaw(useT ? A_.mT : A_, op);
    if (message) checkInfo(inf, op, message);
    const x = luSolveRaw(expand(LU, [...batch, n, n]), expand(piv, [...batch, n]), expand(B, [...batch, n, k]), useT, op, identity);
    return [x, inf] as [Tensor, Tensor];
  }));
  if (needsGrad(A_, B)) {
    record(op, [A_, B], [X], [A_, X], ([g], [sA, sX]) => scopeSync(() => {
      const [gB] = solveMatrices(sA.mT, g!, op, null);
      const gA = A_.requiresGrad ? sumToShape(neg(matmul(gB, sX.mT)), A_._shape) : null;
      return [gA, B.requiresGrad ? sumToShape(gB, B._shape) : null];
    }), true);
  }
  return [X, info];
}

function solveOp(A_: unknown, B_: unknown, left: boolean, op: string, check: boolean): [Tensor, Tensor] {
  { const cx = complexOperand(A_, B_); if (cx !== null) return complexHook('composite', op, cx)('linalg.solve', [A_, B_, left, op, check]) as [Tensor, Tensor]; }
  const Am = needMatrices(A_, op, 'A');
  const B = needTensor(B_, op, 'B');
  needLinalgDType(B, op, 'B');
  sameDTypeDevice(Am, B, op);
  const n = rows(Am);
  // torch's vector case: B [n], or B of A's shape without its last dim
  const vectorShaped = B.ndim === 1 || (B.ndim === Am.ndim - 1 && B._shape.every((s, i) => s === Am._shape[i]));
  // torch 1.13 takes such a B as a vector with left: false too, and then XA = B has no solution
  if (vectorShaped && !left) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation XA = B (${n}x${n} and ${B._shape[B.ndim - 1]}x1)`);
  const vector = left && vectorShaped;
  if (B.ndim < 1 || (!vector && B.ndim < 2)) throw new ShapeError(`${op}: The input tensor B must have at least 1 dimension, got shape ${fmt(B._shape)}`);
  const message = check ? (op === 'linalg.inv' ? singularInv : singularSolve) : null;
  if (vector) {
    if (B._shape[B.ndim - 1] !== n) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${B._shape[B.ndim - 1]}x1)`);
    const [X, info] = solveMatrices(Am, unsqueeze(B, -1), op, message);
    return [squeeze(X, -1), info];
  }
  const bm = rows(B), bn = cols(B);
  if ((left ? bm : bn) !== n) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${bm}x${bn})`);
  if (left) return solveMatrices(Am, B, op, message);
  const [Xt, info] = solveMatrices(Am.mT, B.mT, op, message);
  return [Xt.mT, info];
}

function invOp(A_: unknown, op: string, check: boolean): [Tensor, Tensor] {
  { const cx = complexOperand(A_); if (cx !== null) return complexHook('composite', op, cx)('linalg.inv', [A_, op, check]) as [Tensor, Tensor]; }
  const Am = needMatrices(A_, op, 'A');
  const n = rows(Am);
  const I = eyeLike(n, Am);
  try {
    return solveMatrices(Am, I, op, check ? singularInv : null, true);
  } finally { I.dispose(); }
}

// ---- det, slogdet ------------------------------------------------------------------------------------

/** A⁻ᴴ for the gradients of det and slogdet (inf/NaN where A is singular), differentiable. */
function invAdjoint(A_: Tensor, op: string): Tensor {
  const [X, info] = solveMatrices(A_.mT, eyeLike(rows(A_), A_), op, null, true);
  info.dispose();
  return X;
}

/** [the LU's diagonal, the permutation's sign (±1 of A's dtype)] of A, no autograd. */
function luDiagonalAndSign(A_: Tensor, op: string): [Tensor, Tensor] {
  return noGrad(() => scopeSync(() => {
    const [LU, piv] = luFactorRaw(A_, op);
    const K = piv._shape[piv.ndim - 1];
    const swaps = sum(ne(piv, arange(1, K + 1, { dtype: 'int32', device: piv.device })), { dim: -1 });
    const s = sub(1, mul(remainder(swaps, 2), 2)).to(A_.dtype);
    return [diagonal(LU, 0, -2, -1).contiguous(), s] as [Tensor, Tensor];
  }));
}

function detOp(A_: unknown, op: string): Tensor {
  { const cx = complexOperand(A_); if (cx !== null) return complexHook('composite', op, cx)('linalg.det', [A_, op]) as Tensor; }
  const Am = needMatrices(A_, op, 'A');
  const d = noGrad(() => scopeSync(() => {
    const [diag, s] = luDiagonalAndSign(Am, op);
    return mul(prod(diag, { dim: -1 }), s);
  }));
  if (needsGrad(Am)) {
    record(op, [Am], [d], [Am, d], ([g], [sA, sd]) => scopeSync(() => [mul(unsqueeze(unsqueeze(mul(g!, sd), -1), -1), invAdjoint(sA, op))]), true);
  }
  return d;
}

function slogdetOp(A_: unknown, op: string): [Tensor, Tensor] {
  { const cx = complexOperand(A_); if (cx !== null) return complexHook('composite', op, cx)('linalg.slogdet', [A_, op]) as [Tensor, Tensor]; }
  const Am = needMatrices(A_, op, 'A');
  const [sgn, lad] = noGrad(() => scopeSync(() => {
    const [diag, s] = luDiagonalAndSign(Am, op);
    return [mul(prod(sign(diag), { dim: -1 }), s), sum(log(abs(diag)), { dim: -1 })] as [Tensor, Tensor];
  }));
  if (needsGrad(Am)) {
    record(op, [Am], [lad], [Am], ([g], [sA]) => scopeSync(() => [mul(unsqueeze(unsqueeze(g!, -1), -1), invAdjoint(sA, op))]), true);
  }
  return [sgn, lad];
}

// ---- cholesky --------------------------------------------------------------------------------------------

function choleskyOp(A_: unknown, upper: boolean, op: string, check: boolean): [Tensor, Tensor] {
  { const cx = complexOperand(A_); if (cx !== null) return complexHook('composite', op, cx)('linalg.cholesky', [A_, upper, op, check]) as [Tensor, Tensor]; }
  const Am = needMatrices(A_, op, 'A');
  // With upper, torch reads A's upper triangle: U = Lᵀ, L the lower factor of Aᵀ (whose lower
  // triangle that is). Until 2026-12-08 flintml read the lower triangle for both, which differs from
  // torch's result whenever A is not symmetric (torch 1.13: linalg.cholesky(A, upper=True) of a matrix
  // with junk below the diagonal succeeds; junk above it is read).
  if (upper) {
    return scopeSync(() => {
      const [L, info] = choleskyOp(Am.mT, false, op, check);
      return [L.mT.contiguous(), info] as [Tensor, Tensor];
    });
  }
  const [L, info] = noGrad(() => scopeSync(() => {
    const [l, inf] = choleskyRaw(Am, op);
    if (check) checkInfo(inf, op, notPD);
    return [l, inf] as [Tensor, Tensor];
  }));
  if (needsGrad(Am)) {
    // torch 1.13's cholesky_backward: gA = L⁻ᴴ Φ(Lᴴ gL) L⁻¹, Φ the lower triangle with half the diagonal
    record(op, [Am], [L], [L], ([g], [sL]) => scopeSync(() => {
      const Lo = sL, gL = g!;
      let gA = tril(matmul(Lo.mT, gL));
      gA = mul(add(gA, tril(gA, -1).mT), 0.5);
      gA = solveTriangularOp(Lo.mT, gA, true, true, false, op);
      return [solveTriangularOp(Lo, gA, false, false, false, op)];
    }), true);
  }
  return [L, info];
}

// ---- LU ------------------------------------------------------------------------------------------------

function luFactorOp(A_: unknown, pivot: boolean, op: string, check: boolean): [Tensor, Tensor, Tensor] {
  const Am = needMatrices(A_, op, 'A', false);
  if (!pivot) throw new ValueError(`${op}: LU without pivoting is not implemented (pivot: false); use pivot: true`);
  const [LU, piv, info] = noGrad(() => luFactorRaw(Am, op));
  if (check) {
    try {
      checkInfo(info, op, (k) => `U[${k},${k}] is zero and using it on luSolve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.luFactorEx(A, pivot)`);
    } catch (e) { LU.dispose(); piv.dispose(); info.dispose(); throw e; }
  }
  if (needsGrad(Am)) {
    const m = rows(Am), n = cols(Am);
    record(op, [Am], [LU], [LU, piv], ([g], [sLU, sp]) => scopeSync(() => {
      if (m !== n) throw new FlintError(`${op}: the gradient of the LU of non-square matrices (${m} by ${n}) is not implemented in flintml`);
      // torch 1.13's linalg_lu_backward (square): gA = P L⁻ᴴ [(Lᴴ gL)∘1_L + (gU Uᴴ)∘1_U] U⁻ᴴ
      const L = add(tril(sLU, -1), eyeLike(n, sLU)), U = triu(sLU);
      const phi = add(tril(matmul(L.mT, tril(g!, -1)), -1), triu(matmul(triu(g!), U.mT)));
      let gA = solveTriangularOp(U.mT, phi, false, false, false, op);
      gA = solveTriangularOp(L.mT, gA, true, true, true, op);
      return [matmul(permutationFromPivots(sp, n, sLU, op), gA)];
    }), true);
  }
  return [LU, piv, info];
}

function luOp(A_: unknown, pivot: boolean, op: string): [Tensor, Tensor, Tensor] {
  const Am = needMatrices(A_, op, 'A', false);
  const m = rows(Am), n = cols(Am), K = Math.min(m, n);
  const [LU, piv, info] = luFactorOp(Am, pivot, op, false);
  info.dispose();
  try {
    return scopeSync(() => {
      const L = add(tril(narrow(LU, -1, 0, K), -1), eyeLike(m, Am, K));
      const U = triu(narrow(LU, -2, 0, K));
      return [permutationFromPivots(piv, m, Am, op), L, U] as [Tensor, Tensor, Tensor];
    });
  } finally { LU.dispose(); piv.dispose(); }
}

/** luSolve with differentiable ops: the row swaps as a product with P, then the two triangular solves. */
function luSolveComposed(LU: Tensor, piv: Tensor, B: Tensor, left: boolean, adjoint: boolean, op: string): Tensor {
  if (!left) return luSolveComposed(LU, piv, B.mT, true, !adjoint, op).mT;
  const P = permutationFromPivots(piv, rows(LU), LU, op);
  if (!adjoint) {
    const Y = solveTriangularOp(LU, matmul(P.mT, B), false, true, true, op);
    return solveTriangularOp(LU, Y, true, true, false, op);
  }
  const Y = solveTriangularOp(LU.mT, B, false, true, false, op);
  return matmul(P, solveTriangularOp(LU.mT, Y, true, true, true, op));
}

function luSolveOp(LU_: unknown, piv_: unknown, B_: unknown, left: boolean, adjoint: boolean, op: string): Tensor {
  const LU = needMatrices(LU_, op, 'LU');
  const piv = needTensor(piv_, op, 'pivots');
  const B = needMatrices(B_, op, 'B', false);
  sameDTypeDevice(LU, B, op, 'LU', 'B');
  const n = rows(LU);
  if (piv.dtype !== 'int32') throw new DTypeError(`${op}: pivots must be int32 (as luFactor returns), got ${piv.dtype}`);
  if (piv.ndim !== LU.ndim - 1 || piv._shape[piv.ndim - 1] !== n || !piv._shape.slice(0, -1).every((s, i) => s === LU._shape[i])) {
    throw new ShapeError(`${op}: pivots of shape ${fmt(piv._shape)} do not fit LU of shape ${fmt(LU._shape)} (expected ${fmt([...batchOf(LU), n])})`);
  }
  if (!sameDevice(piv._storage.device, LU._storage.device)) throw new DeviceError(`${op}: pivots are on ${piv.device} and LU on ${LU.device}`);
  const bm = rows(B), bn = cols(B);
  if ((left ? bm : bn) !== n) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${bm}x${bn})`);
  const batch = broadcastShapes(op, batchOf(LU), batchOf(B));
  if (needsGrad(LU, B)) return luSolveComposed(LU, piv, B, left, adjoint, op);
  return scopeSync(() => {
    const LUe = expand(LU, [...batch, n, n]), pe = expand(piv, [...batch, n]);
    if (left) return luSolveRaw(LUe, pe, expand(B, [...batch, bm, bn]), adjoint, op);
    return luSolveRaw(LUe, pe, expand(B, [...batch, bm, bn]).mT, !adjoint, op).mT.contiguous();
  });
}

// ---- compositions -------------------------------------------------------------------------------------

/** Padé coefficients b_0..b_m of exp (Higham 2005) and the 1-norm bounds θ_m in double precision. */
const PADE: readonly (readonly number[])[] = [
  [120, 60, 12, 1],
  [30240, 15120, 3360, 420, 30, 1],
  [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
];
const PADE13 = [64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
  10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1];
const THETA = [1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1, 2.097847961257068, 5.371920351148152];

function matrixExpOp(A_: unknown, op: string): Tensor {
  { const cx = complexOperand(A_); if (cx !== null) return complexHook('composite', op, cx)('linalg.matrixExp', [A_, op]) as Tensor; }
  const Am = needMatrices(A_, op, 'A');
  const n = rows(Am);
  if (Am.numel === 0) return Am.clone();
  // one degree and scaling for the whole batch, from the largest 1-norm (a host read, as torch's)
  const norm1 = noGrad(() => scopeSync(() => amax(sum(abs(Am), { dim: -2 })).item()));
  return scopeSync(() => {
    const I = eyeLike(n, Am);
    let deg = PADE.findIndex((_, i) => norm1 <= THETA[i]);
    let s = 0;
    let X = Am;
    if (deg < 0) {
      s = Number.isFinite(norm1) ? Math.max(0, Math.ceil(Math.log2(norm1 / THETA[4]))) : 0;
      if (s > 0) X = div(Am, 2 ** s);
    }
    const X2 = matmul(X, X);
    let U: Tensor, V: Tensor;
    if (deg >= 0) {
      const b = PADE[deg];
      const pows = [I, X2];
      for (let k = 4; k < b.length; k += 2) pows.push(matmul(pows[pows.length - 1], X2));
      let u: Tensor = mul(I, b[1]), v: Tensor = mul(I, b[0]);
      for (let j = 1; 2 * j < b.length; j++) {
        v = add(v, mul(pows[j], b[2 * j]));
        if (2 * j + 1 < b.length) u = add(u, mul(pows[j], b[2 * j + 1]));
      }
      U = matmul(X, u); V = v;
    } else {
      deg = 4;
      const b = PADE13, X4 = matmul(X2, X2), X6 = matmul(X4, X2);
      const lin = (c6: number, c4: number, c2: number, c0: number | null): Tensor => {
        const t = add(add(mul(X6, c6), mul(X4, c4)), mul(X2, c2));
        return c0 === null ? t : add(t, mul(I, c0));
      };
      U = matmul(X, add(matmul(X6, lin(b[13], b[11], b[9], null)), lin(b[7], b[5], b[3], b[1])));
      V = add(matmul(X6, lin(b[12], b[10], b[8], null)), lin(b[6], b[4], b[2], b[0]));
    }
    let R = solveMatrices(sub(V, U), add(V, U), op, null)[0];
    for (let i = 0; i < s; i++) R = matmul(R, R);
    return R;
  });
}

function matrixPowerOp(A_: unknown, k: number, op: string): Tensor {
  { const cx = complexOperand(A_); if (cx !== null) return complexHook('composite', op, cx)('linalg.matrixPower', [A_, k, op]) as Tensor; }
  const Am = needTensor(A_, op, 'A');
  if (Am.ndim < 2) throw new ShapeError(`${op}: The input tensor A must have at least 2 dimensions, got shape ${fmt(Am._shape)}`);
  if (rows(Am) !== cols(Am)) throw new ShapeError(`${op}: A must be batches of square matrices, but they are ${rows(Am)} by ${cols(Am)} matrices (shape ${fmt(Am._shape)})`);
  if (k === 0) {
    // the identity, in the graph with a zero gradient (as torch's)
    const I = scopeSync(() => expand(eyeLike(rows(Am), Am), Am._shape as number[]).contiguous());
    // the backward keeps A's shape, dtype and device, not A (disposing A before backward() is allowed)
    const [shape, dtype, device] = [Am._shape as number[], Am.dtype, Am.device];
    if (needsGrad(Am)) record(op, [Am], [I], [], () => [zeros(shape, { dtype, device })], true);
    return I;
  }
  return scopeSync(() => {
    let base = k < 0 ? invOp(Am, 'linalg.inv', true)[0] : Am;
    let e = Math.abs(k), acc: Tensor | null = null;
    // binary powering, as torch
    for (;;) {
      if (e & 1) acc = acc === null ? base : matmul(acc, base);
      e = Math.floor(e / 2);
      if (e === 0) break;
      base = matmul(base, base);
    }
    return acc === Am ? Am.clone() : acc!;
  });
}

function multiDotOp(tensors: unknown, op: string): Tensor {
  if (!Array.isArray(tensors)) throw new ValueError(`${op}: tensors must be an array of Tensors, got ${describeArg(tensors)}`);
  if (tensors.length < 2) throw new ValueError(`${op}: expected at least 2 tensors but got ${tensors.length}`);
  const ts = tensors.map((t, i) => needTensor(t, op, `tensors[${i}]`));
  const last = ts.length - 1;
  ts.forEach((t, i) => {
    const ok = i === 0 || i === last ? t.ndim === 1 || t.ndim === 2 : t.ndim === 2;
    if (!ok) throw new ShapeError(`${op}: tensor ${i} must be ${i === 0 || i === last ? '1D or 2D' : '2D'} but got shape ${fmt(t._shape)}`);
    if (t.dtype !== ts[0].dtype) throw new DTypeError(`${op}: all tensors must have the same dtype but tensor 0 is ${ts[0].dtype} and tensor ${i} ${t.dtype}`);
  });
  for (let i = 0; i < last; i++) {
    const a = ts[i], b = ts[i + 1];
    if (a._shape[a.ndim - 1] !== b._shape[0]) throw new ShapeError(`${op}: tensors ${i} and ${i + 1} with shapes ${fmt(a._shape)} and ${fmt(b._shape)} cannot be multiplied`);
  }
  if (ts.length === 2) return matmul(ts[0], ts[1]);
  // torch's order: the cheapest parenthesization by the matrix-chain dynamic program (its number of
  // multiply-adds), a 1-D first tensor as a row and a 1-D last tensor as a column
  const dims = [ts[0].ndim === 1 ? 1 : ts[0]._shape[0], ...ts.map((t) => t._shape[t.ndim - 1])];
  if (ts[last].ndim === 1) dims[dims.length - 1] = 1;
  const n = ts.length;
  const cost: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const split: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let len = 1; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      cost[i][j] = Infinity;
      for (let k = i; k < j; k++) {
        const c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1];
        if (c < cost[i][j]) { cost[i][j] = c; split[i][j] = k; }
      }
    }
  }
  const chain = (i: number, j: number): Tensor => i === j ? ts[i] : matmul(chain(i, split[i][j]), chain(split[i][j] + 1, j));
  return scopeSync(() => chain(0, last));
}

function crossOp(a_: unknown, b_: unknown, dim: number | null, op: string): Tensor {
  const a = needTensor(a_, op, 'input'), b = needTensor(b_, op, 'other');
  if (a.ndim !== b.ndim) throw new ShapeError(`${op}: inputs must have the same number of dimensions, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  if (a.dtype === 'bool' || b.dtype === 'bool') throw new DTypeError(`${op}: bool tensors are not supported, got ${a.dtype} and ${b.dtype}`);
  const shape = broadcastShapes(op, a._shape, b._shape);
  let d: number;
  if (dim === null) {  // torch.cross without dim: the first dim of size 3
    d = shape.findIndex((s) => s === 3);
    if (d < 0) throw new ShapeError(`${op}: no dimension of size 3 in inputs of shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  } else {
    d = normDim(dim, shape.length, op);
    if (a._shape[d] !== 3 || b._shape[d] !== 3) throw new ShapeError(`${op}: inputs dimension ${dim} must have length 3. Got ${a._shape[d]} and ${b._shape[d]}`);
  }
  return scopeSync(() => {
    const x = expand(a, shape), y = expand(b, shape);
    const c = (t: Tensor, i: number): Tensor => narrow(t, d, i, 1);
    const part = (i: number, j: number): Tensor => sub(mul(c(x, i), c(y, j)), mul(c(x, j), c(y, i)));
    return cat([part(1, 2), part(2, 0), part(0, 1)], d);
  });
}

function vecdotOp(x_: unknown, y_: unknown, dim: number, op: string): Tensor {
  const x = needTensor(x_, op, 'x'), y = needTensor(y_, op, 'y');
  if (!isFloating(x.dtype) || !isFloating(y.dtype)) throw new DTypeError(`${op}: Expected a floating point tensor as input, got ${x.dtype} and ${y.dtype}`);
  if (x.dtype !== y.dtype) throw new DTypeError(`${op}: x and y must have the same dtype, got ${x.dtype} and ${y.dtype}`);
  // two vectors are a dot product in torch 1.13: their lengths must match (no broadcasting)
  if (x.ndim === 1 && y.ndim === 1 && x._shape[0] !== y._shape[0]) throw new ShapeError(`${op}: inconsistent tensor size, expected vectors of one length, got shapes ${fmt(x._shape)} and ${fmt(y._shape)}`);
  const shape = broadcastShapes(op, x._shape, y._shape);
  const d = normDim(dim, shape.length, op);
  return scopeSync(() => sum(mul(x, y), { dim: d - shape.length }));
}

function choleskySolveOp(B_: unknown, L_: unknown, upper: boolean, op: string): Tensor {
  { const cx = complexOperand(B_, L_); if (cx !== null) return complexHook('composite', op, cx)('choleskySolve', [B_, L_, upper, op]) as Tensor; }
  const B = needMatrices(B_, op, 'input', false);
  const L = needMatrices(L_, op, 'input2');
  sameDTypeDevice(B, L, op, 'input', 'input2');
  return scopeSync(() => {
    // A = L Lᴴ (or Uᴴ U): X = A⁻¹ B by two triangular solves
    if (upper) return solveTriangularOp(L, solveTriangularOp(L.mT, B, false, true, false, op), true, true, false, op);
    return solveTriangularOp(L.mT, solveTriangularOp(L, B, false, true, false, op), true, true, false, op);
  });
}

function choleskyInverseOp(L_: unknown, upper: boolean, op: string): Tensor {
  { const cx = complexOperand(L_); if (cx !== null) return complexHook('composite', op, cx)('choleskyInverse', [L_, upper, op]) as Tensor; }
  const L = needMatrices(L_, op, 'input');
  const n = rows(L);
  // torch checks the factor's diagonal (the triangular inverse's info)
  if (L.numel > 0) {
    const zero = noGrad(() => scopeSync(() => {
      const v = eq(diagonal(L, 0, -2, -1), 0).to('int32').dataSync() as Int32Array;
      return v.findIndex((x) => x !== 0);
    }));
    if (zero >= 0) {
      const bi = Math.floor(zero / n);
      throw new LinAlgError(`${op}: ${L.ndim > 2 ? `(Batch element ${bi}): ` : ''}${singularInv((zero % n) + 1)}`);
    }
  }
  return scopeSync(() => choleskySolveOp(expand(eyeLike(n, L), L._shape as number[]), L, upper, op));
}

// ---- argument signatures -----------------------------------------------------------------------------

const T = required(A.anyValue<Tensor>());
const INT = A.int();
const ARGS = {
  solve: signature('linalg.solve', ['A', 'B'], { A: T, B: T, left: optional(A.bool, true) }),
  solveEx: signature('linalg.solveEx', ['A', 'B'], { A: T, B: T, left: optional(A.bool, true), checkErrors: optional(A.bool, false) }),
  inv: signature('linalg.inv', ['A'], { A: T }),
  invEx: signature('linalg.invEx', ['A'], { A: T, checkErrors: optional(A.bool, false) }),
  det: signature('linalg.det', ['A'], { A: T }),
  slogdet: signature('linalg.slogdet', ['A'], { A: T }),
  cholesky: signature('linalg.cholesky', ['A'], { A: T, upper: optional(A.bool, false) }),
  choleskyEx: signature('linalg.choleskyEx', ['A'], { A: T, upper: optional(A.bool, false), checkErrors: optional(A.bool, false) }),
  luFactor: signature('linalg.luFactor', ['A'], { A: T, pivot: optional(A.bool, true) }),
  luFactorEx: signature('linalg.luFactorEx', ['A'], { A: T, pivot: optional(A.bool, true), checkErrors: optional(A.bool, false) }),
  lu: signature('linalg.lu', ['A'], { A: T, pivot: optional(A.bool, true) }),
  luSolve: signature('linalg.luSolve', ['LU', 'pivots', 'B'], { LU: T, pivots: T, B: T, left: optional(A.bool, true), adjoint: optional(A.bool, false) }),
  solveTriangular: signature('linalg.solveTriangular', ['A', 'B'], { A: T, B: T, upper: required(A.bool), left: optional(A.bool, true), unitriangular: optional(A.bool, false) }),
  matrixPower: signature('linalg.matrixPower', ['A', 'n'], { A: T, n: required(INT) }),
  matrixExp: signature('linalg.matrixExp', ['A'], { A: T }),
  multiDot: signature('linalg.multiDot', ['tensors'], { tensors: required(A.anyValue<Tensor[]>()) }),
  cross: signature('linalg.cross', ['input', 'other'], { input: T, other: T, dim: optional(INT, -1) }),
  vecdot: signature('linalg.vecdot', ['x', 'y'], { x: T, y: T, dim: optional(INT, -1) }),
  choleskySolve: signature('choleskySolve', ['input', 'input2', 'upper'], { input: T, input2: T, upper: optional(A.bool, false) }),
  choleskyInverse: signature('choleskyInverse', ['input', 'upper'], { input: T, upper: optional(A.bool, false) }),
  torchCross: signature('cross', ['input', 'other', 'dim'], { input: T, other: T, dim: optional(A.nullable(INT), null) }),
  torchCholesky: signature('cholesky', ['input', 'upper'], { input: T, upper: optional(A.bool, false) }),
  triangularSolve: signature('triangularSolve', ['input', 'A', 'upper', 'transpose', 'unitriangular'], {
    input: T, A: T, upper: optional(A.bool, true), transpose: optional(A.bool, false), unitriangular: optional(A.bool, false),
  }),
  torchMatrixPower: signature('matrixPower', ['input', 'n'], { input: T, n: required(INT) }),
};

// ---- the public functions ----------------------------------------------------------------------------

/** `[LU, pivots]` of {@link luFactor} (torch.return_types.linalg_lu_factor). */
export type LUFactorResult = readonly [LU: Tensor, pivots: Tensor] & { readonly LU: Tensor; readonly pivots: Tensor };
/** `[LU, pivots, info]` of {@link luFactorEx}. */
export type LUFactorExResult = readonly [LU: Tensor, pivots: Tensor, info: Tensor] & { readonly LU: Tensor; readonly pivots: Tensor; readonly info: Tensor };
/** `[P, L, U]` of {@link lu}. */
export type LUResult = readonly [P: Tensor, L: Tensor, U: Tensor] & { readonly P: Tensor; readonly L: Tensor; readonly U: Tensor };
/** `[result, info]` of {@link solveEx}. */
export type SolveExResult = readonly [result: Tensor, info: Tensor] & { readonly result: Tensor; readonly info: Tensor };
/** `[inverse, info]` of {@link invEx}. */
export type InvExResult = readonly [inverse: Tensor, info: Tensor] & { readonly inverse: Tensor; readonly info: Tensor };
/** `[L, info]` of {@link choleskyEx}. */
export type CholeskyExResult = readonly [L: Tensor, info: Tensor] & { readonly L: Tensor; readonly info: Tensor };
/** `[sign, logabsdet]` of {@link slogdet}. */
export type SlogdetResult = readonly [sign: Tensor, logabsdet: Tensor] & { readonly sign: Tensor; readonly logabsdet: Tensor };

/** Options of linalg.solve. */
export interface SolveOptions { /** Solve A X = B (true, the default) or X A = B. */ left?: boolean }
/** Options of the *Ex functions: `checkErrors` throws as the non-Ex function would. */
export interface CheckErrorsOptions { checkErrors?: boolean }
/** Options of linalg.cholesky. */
export interface CholeskyOptions { /** Return the upper factor U = Lᴴ (A = Uᴴ U). */ upper?: boolean }
/** Options of linalg.luFactor and linalg.lu. */
export interface LUOptions { /** Partial pivoting (the only form flintml implements: false is refused). */ pivot?: boolean }
/** Options of linalg.luSolve. */
export interface LUSolveOptions { left?: boolean; /** Solve with Aᴴ instead of A. */ adjoint?: boolean }
/** Options of linalg.solveTriangular (`upper` is required, as in torch). */
export interface SolveTriangularOptions { upper: boolean; left?: boolean; /** Take the diagonal to be ones (not read). */ unitriangular?: boolean }
/** The dim of linalg.cross and linalg.vecdot (the vectors lie along it). */
export interface VectorDimOptions { dim?: number }

/**
 * The solution X of A X = B (or X A = B with `left: false`), as `torch.linalg.solve(A, B, *, left=True)`.
 * Batches broadcast; B may be a vector [n] or a batch of vectors of A's shape without its last dim.
 * A singular A throws LinAlgError. Gradients for A and B.
 * ```ts
 * const x = fl.linalg.solve(A, b);     // A [n, n], b [n] -> x [n]
 * ```
 */
export function solve(A: Tensor, B: Tensor, options?: SolveOptions): Tensor;
export function solve(...args: unknown[]): Tensor {
  const o = ARGS.solve.parse(args);
  const [X, info] = solveOp(o.A, o.B, o.left, 'linalg.solve', true);
  info.dispose();
  return X;
}

/**
 * `[result, info]`: linalg.solve without the throw, as `torch.linalg.solve_ex(A, B, *, left=True,
 * check_errors=False)`; info (int32, A's batch shape) is > 0 where A is singular.
 * ```ts
 * const [x, info] = fl.linalg.solveEx(A, b);
 * ```
 */
export function solveEx(A: Tensor, B: Tensor, options?: SolveOptions & CheckErrorsOptions): SolveExResult;
export function solveEx(...args: unknown[]): SolveExResult {
  const o = ARGS.solveEx.parse(args);
  return namedTuple(['result', 'info'], solveOp(o.A, o.B, o.left, 'linalg.solveEx', o.checkErrors)) as unknown as SolveExResult;
}

/**
 * The inverse of each square matrix of A, as `torch.linalg.inv(A)`; a singular matrix throws
 * LinAlgError ("The diagonal element k is zero…"). Gradient: -A⁻ᴴ G A⁻ᴴ.
 * ```ts
 * const Ai = fl.linalg.inv(A);
 * ```
 */
export function inv(A: Tensor): Tensor;
export function inv(...args: unknown[]): Tensor {
  const o = ARGS.inv.parse(args);
  const [X, info] = invOp(o.A, 'linalg.inv', true);
  info.dispose();
  return X;
}

/**
 * `[inverse, info]`: linalg.inv without the throw, as `torch.linalg.inv_ex(A, *, check_errors=False)`.
 * ```ts
 * const [Ai, info] = fl.linalg.invEx(A);
 * ```
 */
export function invEx(A: Tensor, options?: CheckErrorsOptions): InvExResult;
export function invEx(...args: unknown[]): InvExResult {
  const o = ARGS.invEx.parse(args);
  return namedTuple(['inverse', 'info'], invOp(o.A, 'linalg.invEx', o.checkErrors)) as unknown as InvExResult;
}

/**
 * The determinant of each square matrix of A, as `torch.linalg.det(A)` (from an LU; the det of a
 * 0×0 matrix is 1). Gradient: g·det·A⁻ᴴ (inf/NaN at an exactly singular A, where torch uses an SVD).
 * ```ts
 * fl.linalg.det(fl.eye(3)).item();  // 1
 * ```
 */
export function det(A: Tensor): Tensor;
export function det(...args: unknown[]): Tensor {
  const o = ARGS.det.parse(args);
  return detOp(o.A, 'linalg.det');
}

/**
 * `[sign, logabsdet]` of each square matrix of A, as `torch.linalg.slogdet(A)`: det = sign·exp(logabsdet);
 * a singular matrix gives sign 0 and logabsdet -Infinity. Gradient through logabsdet.
 * ```ts
 * const [sign, logabsdet] = fl.linalg.slogdet(A);
 * ```
 */
export function slogdet(A: Tensor): SlogdetResult;
export function slogdet(...args: unknown[]): SlogdetResult {
  const o = ARGS.slogdet.parse(args);
  return namedTuple(['sign', 'logabsdet'], slogdetOp(o.A, 'linalg.slogdet')) as unknown as SlogdetResult;
}

/**
 * The Cholesky factor L (A = L Lᴴ, lower) of each symmetric positive-definite matrix of A, or
 * U = Lᴴ with `upper: true`, as `torch.linalg.cholesky(A, *, upper=False)`. Only the lower triangle
 * of A is read. A matrix that is not positive-definite throws LinAlgError.
 * ```ts
 * const L = fl.linalg.cholesky(A);
 * ```
 */
export function cholesky(A: Tensor, options?: CholeskyOptions): Tensor;
export function cholesky(...args: unknown[]): Tensor {
  const o = ARGS.cholesky.parse(args);
  const [L, info] = choleskyOp(o.A, o.upper, 'linalg.cholesky', true);
  info.dispose();
  return L;
}

/**
 * `[L, info]`: linalg.cholesky without the throw, as `torch.linalg.cholesky_ex(A, *, upper=False,
 * check_errors=False)`; info > 0 is the order of the leading minor that is not positive-definite.
 * ```ts
 * const [L, info] = fl.linalg.choleskyEx(A);
 * ```
 */
export function choleskyEx(A: Tensor, options?: CholeskyOptions & CheckErrorsOptions): CholeskyExResult;
export function choleskyEx(...args: unknown[]): CholeskyExResult {
  const o = ARGS.choleskyEx.parse(args);
  return namedTuple(['L', 'info'], choleskyOp(o.A, o.upper, 'linalg.choleskyEx', o.checkErrors)) as unknown as CholeskyExResult;
}

/**
 * `[LU, pivots]`: the LU factorization with partial pivoting of each m×n matrix of A (LAPACK's
 * getrf, as `torch.linalg.lu_factor(A, *, pivot=True)`): L (unit lower, below the diagonal) and U
 * packed in LU, and the 1-based int32 row swaps. A zero pivot throws LinAlgError (use luFactorEx).
 * ```ts
 * const [LU, pivots] = fl.linalg.luFactor(A);
 * ```
 */
export function luFactor(A: Tensor, options?: LUOptions): LUFactorResult;
export function luFactor(...args: unknown[]): LUFactorResult {
  const o = ARGS.luFactor.parse(args);
  const [LU, piv, info] = luFactorOp(o.A, o.pivot, 'linalg.luFactor', true);
  info.dispose();
  return namedTuple(['LU', 'pivots'], [LU, piv]) as unknown as LUFactorResult;
}

/**
 * `[LU, pivots, info]`: linalg.luFactor without the throw, as `torch.linalg.lu_factor_ex(A, *,
 * pivot=True, check_errors=False)`; info > 0 is the first zero pivot (1-based).
 * ```ts
 * const [LU, pivots, info] = fl.linalg.luFactorEx(A);
 * ```
 */
export function luFactorEx(A: Tensor, options?: LUOptions & CheckErrorsOptions): LUFactorExResult;
export function luFactorEx(...args: unknown[]): LUFactorExResult {
  const o = ARGS.luFactorEx.parse(args);
  return namedTuple(['LU', 'pivots', 'info'], luFactorOp(o.A, o.pivot, 'linalg.luFactorEx', o.checkErrors)) as unknown as LUFactorExResult;
}

/**
 * `[P, L, U]` with A = P L U for each m×n matrix of A, as `torch.linalg.lu(A, *, pivot=True)`:
 * P a permutation matrix [m, m], L unit lower [m, k], U upper [k, n], k = min(m, n).
 * ```ts
 * const [P, L, U] = fl.linalg.lu(A);
 * ```
 */
export function lu(A: Tensor, options?: LUOptions): LUResult;
export function lu(...args: unknown[]): LUResult {
  const o = ARGS.lu.parse(args);
  return namedTuple(['P', 'L', 'U'], luOp(o.A, o.pivot, 'linalg.lu')) as unknown as LUResult;
}

/**
 * The solution of A X = B given A's LU from luFactor, as `torch.linalg.lu_solve(LU, pivots, B, *,
 * left=True, adjoint=False)` (`adjoint`: Aᴴ X = B; `left: false`: X A = B). B has >= 2 dims.
 * ```ts
 * const [LU, piv] = fl.linalg.luFactor(A);
 * const X = fl.linalg.luSolve(LU, piv, B);
 * ```
 */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, options?: LUSolveOptions): Tensor;
export function luSolve(...args: unknown[]): Tensor {
  const o = ARGS.luSolve.parse(args);
  return luSolveOp(o.LU, o.pivots, o.B, o.left, o.adjoint, 'linalg.luSolve');
}

/**
 * The solution of A X = B (X A = B with `left: false`) for triangular A, as
 * `torch.linalg.solve_triangular(A, B, *, upper, left=True, unitriangular=False)`: only A's upper
 * (or lower) triangle is read, and not its diagonal with `unitriangular`. No singularity check (as torch).
 * ```ts
 * const X = fl.linalg.solveTriangular(U, B, { upper: true });
 * ```
 */
export function solveTriangular(A: Tensor, B: Tensor, options: SolveTriangularOptions): Tensor;
export function solveTriangular(...args: unknown[]): Tensor {
  const o = ARGS.solveTriangular.parse(args);
  // (a keyword-only required option is checked here: Signature.parse lets it pass when absent)
  if (o.upper === undefined) throw new ValueError("linalg.solveTriangular: missing required argument 'upper'");
  return solveTriangularOp(o.A as Tensor, o.B as Tensor, o.upper, o.left, o.unitriangular, 'linalg.solveTriangular');
}

/**
 * A raised to the integer power n (n = 0: the identity; n < 0: the inverse's power), as
 * `torch.linalg.matrix_power(A, n)`, by repeated squaring.
 * ```ts
 * const A3 = fl.linalg.matrixPower(A, 3);
 * ```
 */
export function matrixPower(A: Tensor, n: number): Tensor;
export function matrixPower(...args: unknown[]): Tensor {
  const o = ARGS.matrixPower.parse(args);
  return matrixPowerOp(o.A, o.n, 'linalg.matrixPower');
}

/**
 * The matrix exponential of each square matrix of A, as `torch.linalg.matrix_exp(A)`: scaling and
 * squaring of a Padé approximant (Higham 2005), composed of matmul and solve (so it has gradients).
 * ```ts
 * const E = fl.linalg.matrixExp(A);
 * ```
 */
export function matrixExp(A: Tensor): Tensor;
export function matrixExp(...args: unknown[]): Tensor {
  const o = ARGS.matrixExp.parse(args);
  return matrixExpOp(o.A, 'linalg.matrixExp');
}

/**
 * The product of a chain of matrices, as `torch.linalg.multi_dot(tensors)`: the first and last may
 * be vectors (then the result drops that dim). The order is torch's: the parenthesization with the fewest multiply-adds.
 * ```ts
 * const y = fl.linalg.multiDot([A, B, v]);
 * ```
 */
export function multiDot(tensors: readonly Tensor[]): Tensor;
export function multiDot(...args: unknown[]): Tensor {
  const o = ARGS.multiDot.parse(args);
  return multiDotOp(o.tensors, 'linalg.multiDot');
}

/**
 * The cross product of 3-vectors along `dim` (default -1), as `torch.linalg.cross(input, other, *,
 * dim=-1)`; the inputs have the same number of dims and broadcast.
 * ```ts
 * fl.linalg.cross(fl.tensor([1, 0, 0]), fl.tensor([0, 1, 0]));  // [0, 0, 1]
 * ```
 */
export function cross(input: Tensor, other: Tensor, options?: VectorDimOptions): Tensor;
export function cross(...args: unknown[]): Tensor {
  const o = ARGS.cross.parse(args);
  return crossOp(o.input, o.other, o.dim, 'linalg.cross');
}

/**
 * The dot product of x and y along `dim` (default -1), broadcasting, as `torch.linalg.vecdot(x, y, *, dim=-1)`.
 * ```ts
 * const d = fl.linalg.vecdot(x, y);   // [..., n] · [..., n] -> [...]
 * ```
 */
export function vecdot(x: Tensor, y: Tensor, options?: VectorDimOptions): Tensor;
export function vecdot(...args: unknown[]): Tensor {
  const o = ARGS.vecdot.parse(args);
  return vecdotOp(o.x, o.y, o.dim, 'linalg.vecdot');
}

/**
 * The torch.linalg functions of this file, spread into `fl.linalg` (lib/ops/norms.ts).
 * ```ts
 * const x = fl.linalg.solve(A, b);
 * ```
 */
export const linalgSolvers = {
  solve, solveEx, inv, invEx, det, slogdet, cholesky, choleskyEx, luFactor, luFactorEx, lu, luSolve,
  solveTriangular, matrixPower, matrixExp, multiDot, cross, vecdot,
  vander, tensorinv, tensorsolve,  // torch.linalg's compositions (luUnpack's section below)
} as const;

// ---- luUnpack; torch.linalg's vander, tensorinv, tensorsolve ---------------------------------------------
// Compositions: luUnpack's L and U are tril/triu of LU's columns/rows (their gradient is torch's
// lu_unpack_backward: tril(gL, -1) and triu(gU) placed back into LU's shape), P the row swaps applied to
// the identity (as linalg.lu's); vander is torch 1.13's cumprod of the powers after a column of ones;
// tensorinv and tensorsolve reshape to one square matrix for inv / solve (their gradients).

/** `[P, L, U]` of {@link luUnpack} (torch.return_types.lu_unpack). */
export type LUUnpackResult = readonly [P: Tensor, L: Tensor, U: Tensor] & { readonly P: Tensor; readonly L: Tensor; readonly U: Tensor };
/** Options of luUnpack (torch.lu_unpack's keywords). */
export interface LUUnpackOptions {
  /** Unpack L and U (default true; false gives them as empty tensors, as torch). */
  unpackData?: boolean;
  /** Unpack P (default true; false gives it as an empty tensor and leaves the pivots unread, as torch). */
  unpackPivots?: boolean;
}
/** Options of linalg.vander. */
export interface VanderOptions {
  /** The number of columns, more than 1 (default, or null: x's last size). */
  N?: number | null;
}
/** Options of linalg.tensorinv. */
export interface TensorinvOptions {
  /** How many leading dims of A index the rows of the matrix it stands for (default 2). */
  ind?: number;
}
/** Options of linalg.tensorsolve. */
export interface TensorsolveOptions {
  /** Dims of A moved to the end, in this order, before the solve (default, or null: none). */
  dims?: readonly number[] | null;
}

const MORE_ARGS = {
  luUnpack: signature('luUnpack', ['LUData', 'LUPivots', 'unpackData', 'unpackPivots'], {
    LUData: T, LUPivots: T, unpackData: optional(A.bool, true), unpackPivots: optional(A.bool, true),
  }),
  // torch.linalg.vander(x, *, N=None); N listed first, so that a misspelled `N` names N (closest() takes
  // the first of two names one edit away, and `x` is one edit from any one-letter key too)
  vander: signature('linalg.vander', ['x'], { N: optional(A.nullable(A.int()), null), x: T }),
  tensorinv: signature('linalg.tensorinv', ['A', 'ind'], { A: T, ind: optional(A.int(), 2) }),
  tensorsolve: signature('linalg.tensorsolve', ['A', 'B', 'dims'], { A: T, B: T, dims: optional(A.nullable(A.arrayOf(A.int())), null) }),
};

/** A tensor of any dtype, complex included (needTensor's _handleFor refuses complex ones; the ops below take them). */
function needOperand(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._storageHandle(op);
  return x;
}

/** P [..., m, m] (LU's dtype, no gradient) of pivots [..., ≥k] (1-based int32 row swaps, checked in range). */
function unpackPivots(LU: Tensor, piv: Tensor, op: string): Tensor {
  const m = rows(LU), K = Math.min(m, cols(LU)), batch = batchOf(LU);
  if (piv.dtype !== 'int32') throw new DTypeError(`${op}: LUPivots must be an int32 tensor (as linalg.luFactor returns), got ${piv.dtype} (shape ${fmt(piv._shape)})`);
  if (!sameDevice(piv._storage.device, LU._storage.device)) throw new DeviceError(`${op}: LUPivots are on ${piv.device} and LUData on ${LU.device}`);
  // torch 1.13 reads the first k pivots of each matrix; shorter pivots (or other batch dims) it reads
  // out of bounds or pairs with the wrong matrix, so they are refused here
  if (piv.ndim !== LU.ndim - 1 || piv._shape[piv.ndim - 1] < K || !batch.every((s, i) => piv._shape[i] === s)) {
    throw new ShapeError(`${op}: LUPivots of shape ${fmt(piv._shape)} do not fit LUData of shape ${fmt(LU._shape)} (expected ${fmt([...batch, K])})`);
  }
  return noGrad(() => scopeSync(() => {
    const p = piv._shape[piv.ndim - 1] === K ? piv : narrow(piv, -1, 0, K);
    // one host read (a sync on the GPU): a pivot out of range would swap a row that is not there
    if (p.numel > 0 && any(logicalOr(lt(p, 1), gt(p, m))).item()) {
      throw new ValueError(`${op}: pivots passed to luUnpack must be between 1 and LU.size(-2) = ${m} inclusive; did you pass the pivots of linalg.luFactor?`);
    }
    // the row swaps run in the luSolve kernel (float32/float64): other dtypes get a float32 P, converted
    const real = LU.dtype === 'float32' || LU.dtype === 'float64';
    const P = permutationFromPivots(p, m, real ? LU : zeros([], { dtype: 'float32', device: LU.device }), op);
    return real ? P : P.to(LU.dtype);
  }));
}

/**
 * `[P, L, U]` from linalg.luFactor's `[LU, pivots]`, as `torch.lu_unpack(LU_data, LU_pivots,
 * unpack_data=True, unpack_pivots=True)`: A = P L U with P [..., m, m], L unit lower [..., m, k] and
 * U upper [..., k, n] (k = min(m, n)); batches, wide and tall matrices. The pivots are 1-based int32
 * row swaps, each checked to lie in 1..m. `unpackData: false` (`unpackPivots: false`) returns L and U
 * (P) as empty tensors. Gradients flow to LU through L and U (P has none), as torch's.
 * ```ts
 * const [LU, pivots] = fl.linalg.luFactor(A);
 * const [P, L, U] = fl.luUnpack(LU, pivots);   // P.matmul(L).matmul(U) equals A
 * ```
 */
export function luUnpack(LUData: Tensor, LUPivots: Tensor, ...args: ArgsThenOptions<[unpackData: boolean, unpackPivots: boolean], LUUnpackOptions>): LUUnpackResult;
export function luUnpack(...args: unknown[]): LUUnpackResult {
  const o = MORE_ARGS.luUnpack.parse(args);
  const op = 'luUnpack';
  const LU = needOperand(o.LUData, op, 'LUData');
  const piv = needTensor(o.LUPivots, op, 'LUPivots');
  if (LU.ndim < 2) throw new ShapeError(`${op}: Expected LUData with 2 or more dimensions, got shape ${fmt(LU._shape)}`);
  const m = rows(LU), K = Math.min(m, cols(LU)), dev = LU._storage.device;
  const empty = (): Tensor => emptyTensor([0], LU.dtype, dev, false, op);
  const out: Tensor[] = [];
  try {
    out.push(o.unpackPivots ? unpackPivots(LU, piv, op) : empty());
    if (o.unpackData) {
      out.push(...scopeSync(() => [
        add(tril(narrow(LU, -1, 0, K), -1), eye(m, K, { dtype: LU.dtype, device: LU.device })),
        triu(narrow(LU, -2, 0, K)),
      ]));
    } else out.push(empty(), empty());
  } catch (e) { out.forEach((t) => t.dispose()); throw e; }
  return namedTuple(['P', 'L', 'U'], out) as unknown as LUUnpackResult;
}

/**
 * The Vandermonde matrices of x [..., n] with increasing powers, as `torch.linalg.vander(x, *, N=None)`:
 * [..., n, N], column j holding x^j (N defaults to n and must be more than 1; a 0-dim x is one point).
 * Floating, complex and integer inputs (integers give int32, torch's int64; bool, float16 and bfloat16
 * are refused, as torch). Gradient through the running product (torch's cumprod).
 * ```ts
 * fl.linalg.vander(fl.tensor([1, 2, 3]), { N: 4 }).toArray();  // [[1, 1, 1, 1], [1, 2, 4, 8], [1, 3, 9, 27]]
 * ```
 */
export function vander(x: Tensor, options?: VanderOptions): Tensor;
export function vander(...args: unknown[]): Tensor {
  const o = MORE_ARGS.vander.parse(args);
  const op = 'linalg.vander';
  const x = needOperand(o.x, op, 'x');
  if (x.dtype === 'bool' || x.dtype === 'float16' || x.dtype === 'bfloat16') {
    throw new DTypeError(`${op}: supports floating point, complex, and integer tensors, but got ${x.dtype} (shape ${fmt(x._shape)})`);
  }
  const shape = x.ndim === 0 ? [1] : (x._shape as number[]);
  const N = o.N ?? shape[shape.length - 1];
  if (N <= 1) throw new ValueError(`${op}: N must be greater than 1, got ${N} (x of shape ${fmt(x._shape)})`);
  return scopeSync(() => {
    const xs = x.ndim === 0 ? reshape(x, [1]) : x;
    const xi = isFloating(xs.dtype) || isComplexDType(xs.dtype) ? xs : xs.to('int32');
    const powers = cumprod(expand(unsqueeze(xi, -1), [...shape, N - 1]), -1);
    return cat([ones([...shape, 1], { dtype: powers.dtype, device: x.device }), powers], -1);
  });
}

const product = (s: readonly number[]): number => s.reduce((p, v) => p * v, 1);

/**
 * The inverse of A under tensordot with `ind` dims, as `torch.linalg.tensorinv(A, ind=2)`: A [...s, ...t]
 * (s its first `ind` dims, prod(s) = prod(t)) is taken as one square matrix, inverted, and shaped
 * [...t, ...s], so that `fl.tensordot(fl.linalg.tensorinv(A, ind), A, ind)` is the identity. A
 * singular A throws LinAlgError. Gradient through inv.
 * ```ts
 * const Ainv = fl.linalg.tensorinv(A, { ind: 1 });   // A [4, 2, 2] -> [2, 2, 4]
 * ```
 */
export function tensorinv(A: Tensor, ...args: ArgsThenOptions<[ind: number], TensorinvOptions>): Tensor;
export function tensorinv(...args: unknown[]): Tensor {
  const o = MORE_ARGS.tensorinv.parse(args);
  const op = 'linalg.tensorinv', ind = o.ind;
  const a = needOperand(o.A, op, 'A');
  if (ind <= 0) throw new ValueError(`${op}: Expected a strictly positive integer for 'ind', but got ${ind}`);
  if (!isComplexDType(a.dtype)) needLinalgDType(a, op, 'A');
  if (ind > a.ndim) throw new ShapeError(`${op}: ind = ${ind} is more than the number of dims of A (shape ${fmt(a._shape)})`);
  const head = a._shape.slice(0, ind), tail = a._shape.slice(ind);
  const p = product(tail);
  if (p !== product(head)) {
    throw new ShapeError(`${op}: Expected A to satisfy the requirement prod(A.shape[ind:]) == prod(A.shape[:ind]), but got ${p} != ${product(head)} (shape ${fmt(a._shape)}, ind ${ind})`);
  }
  return scopeSync(() => {
    const [X, info] = invOp(reshape(a, [p, p]), op, true);
    info.dispose();
    return reshape(X, [...tail, ...head]);
  });
}

/**
 * X with tensordot(A, X, X.ndim) = B, as `torch.linalg.tensorsolve(A, B, dims=None)`: the dims `dims`
 * of A move to the end, then A [...B.shape', ...X.shape] (its leading B.ndim dims' product equal to
 * B's size and to X's) is solved as one square system with B flattened. A singular A throws
 * LinAlgError. Gradients through solve.
 * ```ts
 * const X = fl.linalg.tensorsolve(A, B);   // A [2, 3, 6], B [2, 3] -> X [6]
 * ```
 */
export function tensorsolve(A: Tensor, B: Tensor, ...args: ArgsThenOptions<[dims: readonly number[] | null], TensorsolveOptions>): Tensor;
export function tensorsolve(...args: unknown[]): Tensor {
  const o = MORE_ARGS.tensorsolve.parse(args);
  const op = 'linalg.tensorsolve';
  const a = needOperand(o.A, op, 'A'), b = needOperand(o.B, op, 'B');
  let perm: number[] | null = null;
  if (o.dims !== null) {
    const nd = a.ndim;
    const ds = o.dims.map((d) => {
      if (d < -nd || d >= nd) throw new IndexError(`${op}: dim ${d} of dims out of range for A of ${nd} dims (shape ${fmt(a._shape)})`);
      return d < 0 ? d + nd : d;
    });
    if (new Set(ds).size !== ds.length) throw new ValueError(`${op}: repeated dim in dims ${fmt(o.dims)}`);
    perm = [...a._shape.map((_, k) => k).filter((k) => !ds.includes(k)), ...ds];
  }
  const shape = perm === null ? (a._shape as number[]) : perm.map((k) => a._shape[k]);
  if (b.ndim > a.ndim) throw new ShapeError(`${op}: B has more dims than A (shapes ${fmt(b._shape)} and ${fmt(a._shape)})`);
  const resultShape = shape.slice(b.ndim), p = product(resultShape);
  if (p !== b.numel) {
    throw new ShapeError(`${op}: Expected A to satisfy the requirement prod(A.shape[B.ndim:]) == prod(B.shape), but got ${p} != ${b.numel} (A of shape ${fmt(a._shape)}${perm ? ` with dims ${fmt(o.dims!)} moved to the end` : ''}, B of shape ${fmt(b._shape)})`);
  }
  if (a.numel !== p * p) throw new ShapeError(`${op}: A of shape ${fmt(a._shape)} is not a square system for B of shape ${fmt(b._shape)} (${a.numel} elements, ${p} unknowns)`);
  return scopeSync(() => {
    const Am = reshape(perm === null ? a : permute(a, perm), [p, p]);
    const [X, info] = solveOp(Am, reshape(b, [p]), true, op, true);
    info.dispose();
    return reshape(X, resultShape);
  });
}

// ---- top-level aliases -------------------------------------------------------------------------------

/**
 * `torch.inverse(A)`: the same as {@link inv}.
 * ```ts
 * const Ai = fl.inverse(A);
 * ```
 */
export function inverse(A: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('inverse', 'input', arguments);
  const [X, info] = invOp(A, 'linalg.inv', true);
  info.dispose();
  return X;
}

/**
 * `torch.cholesky(input, upper=False)` (deprecated in torch for {@link cholesky} of fl.linalg, which it
 * equals): the lower factor, or the upper one (reading input's upper triangle) with `upper`.
 * ```ts
 * const L = fl.cholesky(A);
 * ```
 */
export function choleskyTop(input: Tensor, ...args: ArgsThenOptions<[upper: boolean], { upper?: boolean }>): Tensor;
export function choleskyTop(...args: unknown[]): Tensor {
  const o = ARGS.torchCholesky.parse(args);
  const [L, info] = choleskyOp(o.input, o.upper, 'cholesky', true);
  info.dispose();
  return L;
}

/** `[solution, clonedCoefficient]` of {@link triangularSolve}. */
export type TriangularSolveResult = readonly [solution: Tensor, clonedCoefficient: Tensor] & { readonly solution: Tensor; readonly clonedCoefficient: Tensor };

/**
 * `torch.triangular_solve(b, A, upper=True, transpose=False, unitriangular=False)` (deprecated in torch
 * for {@link solveTriangular}, whose arguments are the other way round): X with op(A) X = b, op(A) = A or
 * Aᵀ (a transpose, not the conjugate one, for complex A, as torch's), only A's upper (or lower)
 * triangle read; `[solution, clonedCoefficient]`, the second a copy of A, as torch's.
 * ```ts
 * const { solution } = fl.triangularSolve(b, U);
 * ```
 */
export function triangularSolve(input: Tensor, A: Tensor, ...args: ArgsThenOptions<[upper: boolean, transpose: boolean, unitriangular: boolean], { upper?: boolean; transpose?: boolean; unitriangular?: boolean }>): TriangularSolveResult;
export function triangularSolve(...args: unknown[]): TriangularSolveResult {
  const o = ARGS.triangularSolve.parse(args);
  const op = 'triangularSolve';
  const b = o.input, Am = o.A;
  if (!(b instanceof Tensor)) throw new ValueError(`${op}: b must be a Tensor, got ${describeArg(b)}`);
  if (!(Am instanceof Tensor)) throw new ValueError(`${op}: A must be a Tensor, got ${describeArg(Am)}`);
  if (b.ndim < 2) throw new ShapeError(`${op}: Expected b to have at least 2 dimensions, but it has ${b.ndim} dimensions instead (shape ${fmt(b._shape)})`);
  if (Am.ndim < 2) throw new ShapeError(`${op}: Expected A to have at least 2 dimensions, but it has ${Am.ndim} dimensions instead (shape ${fmt(Am._shape)})`);
  return scopeSync(() => {
    const X = solveTriangularOp(o.transpose ? Am.mT : Am, b, o.transpose ? !o.upper : o.upper, true, o.unitriangular, op);
    return namedTuple(['solution', 'clonedCoefficient'], [X, Am.clone()]) as unknown as TriangularSolveResult;
  });
}

/**
 * `torch.det(A)`: the same as {@link det}.
 * ```ts
 * const d = fl.det(A);
 * ```
 */
export function detTop(A: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('det', 'input', arguments);
  return detOp(A, 'linalg.det');
}

/**
 * `torch.logdet(A)`: log(det A) — NaN where det < 0, -Infinity where A is singular.
 * ```ts
 * const ld = fl.logdet(A);
 * ```
 */
export function logdet(A: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('logdet', 'input', arguments);
  { const cx = complexOperand(A); if (cx !== null) return complexHook('composite', 'logdet', cx)('logdet', [A]) as Tensor; }
  const [s, l] = slogdetOp(A, 'logdet');
  try {
    return where(lt(s, 0), NaN, l);
  } finally { s.dispose(); l.dispose(); }
}

/**
 * `torch.slogdet(A)`: the same as {@link slogdet}.
 * ```ts
 * const [sign, logabsdet] = fl.slogdet(A);
 * ```
 */
export function slogdetTop(A: Tensor): SlogdetResult {
  if (arguments.length > 1) tooManyArgs('slogdet', 'input', arguments);
  return namedTuple(['sign', 'logabsdet'], slogdetOp(A, 'linalg.slogdet')) as unknown as SlogdetResult;
}

/**
 * `torch.cholesky_solve(input, input2, upper=False)`: X with A X = input, given A's Cholesky factor
 * input2 (lower, or upper with `upper`). Batches broadcast.
 * ```ts
 * const X = fl.choleskySolve(B, fl.linalg.cholesky(A));
 * ```
 */
export function choleskySolve(input: Tensor, input2: Tensor, ...args: ArgsThenOptions<[upper: boolean], { upper?: boolean }>): Tensor;
export function choleskySolve(...args: unknown[]): Tensor {
  const o = ARGS.choleskySolve.parse(args);
  return choleskySolveOp(o.input, o.input2, o.upper, 'choleskySolve');
}

/**
 * `torch.cholesky_inverse(input, upper=False)`: A⁻¹ given A's Cholesky factor (lower, or upper with `upper`).
 * ```ts
 * const Ai = fl.choleskyInverse(fl.linalg.cholesky(A));
 * ```
 */
export function choleskyInverse(input: Tensor, ...args: ArgsThenOptions<[upper: boolean], { upper?: boolean }>): Tensor;
export function choleskyInverse(...args: unknown[]): Tensor {
  const o = ARGS.choleskyInverse.parse(args);
  return choleskyInverseOp(o.input, o.upper, 'choleskyInverse');
}

/**
 * `torch.cross(input, other, dim=None)`: the cross product along `dim`, or along the first dim of
 * size 3 when dim is null (torch's deprecated default); see {@link cross} for linalg.cross.
 * ```ts
 * const c = fl.cross(a, b, 1);
 * ```
 */
export function crossTop(input: Tensor, other: Tensor, ...args: ArgsThenOptions<[dim: number | null], { dim?: number | null }>): Tensor;
export function crossTop(...args: unknown[]): Tensor {
  const o = ARGS.torchCross.parse(args);
  return crossOp(o.input, o.other, o.dim, 'cross');
}

/**
 * `torch.matrix_power(input, n)`: the same as {@link matrixPower}.
 * ```ts
 * const A3 = fl.matrixPower(A, 3);
 * ```
 */
export function matrixPowerTop(input: Tensor, n: number): Tensor;
export function matrixPowerTop(...args: unknown[]): Tensor {
  const o = ARGS.torchMatrixPower.parse(args);
  return matrixPowerOp(o.input, o.n, 'matrixPower');
}

/**
 * `torch.matrix_exp(input)`: the same as {@link matrixExp}.
 * ```ts
 * const E = fl.matrixExp(A);
 * ```
 */
export function matrixExpTop(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('matrixExp', 'input', arguments);
  return matrixExpOp(input, 'matrixExp');
}

// ---- Tensor methods ----------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link inverse}: `A.inverse()`. */
    inverse(): Tensor;
    /** See {@link det}: `A.det()`. */
    det(): Tensor;
    /** See {@link logdet}: `A.logdet()`. */
    logdet(): Tensor;
    /** See {@link slogdet}: `const [sign, logabsdet] = A.slogdet()`. */
    slogdet(): SlogdetResult;
    /** torch's Tensor.cholesky(upper=False): see {@link cholesky}. `A.cholesky()`. */
    cholesky(...args: ArgsThenOptions<[upper: boolean], { upper?: boolean }>): Tensor;
    /** See {@link matrixPower}: `A.matrixPower(3)`. */
    matrixPower(n: number): Tensor;
    /** See {@link matrixExp}: `A.matrixExp()`. */
    matrixExp(): Tensor;
    /** torch's Tensor.triangular_solve(A, upper=True, transpose=False, unitriangular=False) on b: see {@link triangularSolve}. `b.triangularSolve(U)`. */
    triangularSolve(A: Tensor, ...args: ArgsThenOptions<[upper: boolean, transpose: boolean, unitriangular: boolean], { upper?: boolean; transpose?: boolean; unitriangular?: boolean }>): TriangularSolveResult;
    /** torch's Tensor.cross(other, dim=None): see {@link crossTop}. `a.cross(b)`. */
    cross(other: Tensor, ...args: ArgsThenOptions<[dim: number | null], { dim?: number | null }>): Tensor;
  }
}

const P = Tensor.prototype;
P.inverse = function (this: Tensor, ...args: unknown[]) { if (args.length > 0) tooManyArgs('inverse', '', args); return inverse(this); };
P.det = function (this: Tensor, ...args: unknown[]) { if (args.length > 0) tooManyArgs('det', '', args); return detOp(this, 'linalg.det'); };
P.logdet = function (this: Tensor, ...args: unknown[]) { if (args.length > 0) tooManyArgs('logdet', '', args); return logdet(this); };
P.slogdet = function (this: Tensor, ...args: unknown[]) { if (args.length > 0) tooManyArgs('slogdet', '', args); return slogdetTop(this); };
P.cholesky = function (this: Tensor, ...args: unknown[]) {
  const o = ARGS.torchCholesky.parse([this, ...args]);
  const [L, info] = choleskyOp(this, o.upper, 'cholesky', true);
  info.dispose();
  return L;
};
P.triangularSolve = function (this: Tensor, ...args: unknown[]) { return (triangularSolve as (...a: unknown[]) => TriangularSolveResult)(this, ...args); };
P.matrixPower = function (this: Tensor, ...args: unknown[]) { const o = ARGS.torchMatrixPower.parse([this, ...args]); return matrixPowerOp(this, o.n, 'matrixPower'); };
P.matrixExp = function (this: Tensor, ...args: unknown[]) { if (args.length > 0) tooManyArgs('matrixExp', '', args); return matrixExpOp(this, 'matrixExp'); };
P.cross = function (this: Tensor, ...args: unknown[]) { const o = ARGS.torchCross.parse([this, ...args]); return crossOp(this, o.other, o.dim, 'cross'); };
