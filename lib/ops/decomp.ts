// decomp.ts — torch.linalg's orthogonal and spectral decompositions and what is built on them:
// `fl.linalg.qr`, `eigh`, `eigvalsh`, `svd`, `svdvals`, `pinv`, `matrixRank`, `lstsq`, `cond`, and the
// deprecated `fl.svd` / `fl.qr` (torch.svd, torch.qr) with their Tensor methods. Kernels:
// native/cpu/decomp.cpp and native/kernels/decomp.cu (algorithms in native/core/decomp.h: LAPACK's
// Householder QR, tred2 + implicit QL, one-sided Jacobi SVD; float32 is factored in double).
//
// Inputs are float32 or float64 (torch.linalg refuses float16, bfloat16 and integers), with any
// batch of leading dims. Gradients are torch 1.13's formulas written with differentiable flintml ops,
// so a backward with createGraph differentiates through them:
// - qr (reduced mode; complete mode only when m <= n; not mode 'r', as torch): linalg_qr_backward,
//   with R⁻ᵀ through pinv (R is square and invertible where the gradient exists).
// - eigh: V (diag(gL) + ½(VᵀgV − gVᵀV) / (λⱼ − λᵢ)) Vᵀ; eigvalsh: V diag(gL) Vᵀ.
// - svd (full_matrices narrowed to the k singular vectors, as torch): svd_backward; svdvals: U diag(gS) Vh.
// - pinv: pinv_backward; lstsq, matrixRank's inputs, cond: compositions.
// Repeated eigenvalues / singular values make the vector gradients infinite or NaN, as in torch.
import { describeArg } from '../arity';
import { runFloat32 } from '../amp';
import * as A from '../args';
import { ArgsThenOptions, Check, optional, required, signature } from '../args';
import { needsGrad, noGrad, record } from '../autograd';
import { DType } from '../dtype';
import { DeviceError, DTypeError, ShapeError, ValueError } from '../errors';
import { namedTuple } from '../named-tuple';
import { call, opId } from '../native';
import { broadcastShapes, fmt, numel } from '../shape';
import { complexHook, complexOperand, emptyTensor, scopeSync, Tensor } from '../tensor';
import { eye, zeros } from './creation';
import { tril } from './indexing';
import { abs, add, div, eq, gt, mul, sub, where } from './elementwise';
import { matmul } from './matmul';
import { amax, amin, sum } from './reduce';
import { cat, contiguous, diagonal, expand, narrow, transpose, unsqueeze } from './views';

const QR = opId('linalgQr');
const EIGH = opId('linalgEigh');
const SVD = opId('linalgSvd');

/** `[Q, R]` of linalg.qr, with `.Q` and `.R`. */
export type QRResult = readonly [Q: Tensor, R: Tensor] & { readonly Q: Tensor; readonly R: Tensor };
/** `[eigenvalues, eigenvectors]` of linalg.eigh, with the same names as fields. */
export type EighResult = readonly [eigenvalues: Tensor, eigenvectors: Tensor] & { readonly eigenvalues: Tensor; readonly eigenvectors: Tensor };
/** `[U, S, Vh]` of linalg.svd, with `.U`, `.S`, `.Vh`. */
export type SVDResult = readonly [U: Tensor, S: Tensor, Vh: Tensor] & { readonly U: Tensor; readonly S: Tensor; readonly Vh: Tensor };
/** `[U, S, V]` of the deprecated torch.svd (V, not Vh), with `.U`, `.S`, `.V`. */
export type SVDVResult = readonly [U: Tensor, S: Tensor, V: Tensor] & { readonly U: Tensor; readonly S: Tensor; readonly V: Tensor };
/** `[solution, residuals, rank, singularValues]` of linalg.lstsq, with the same names as fields. */
export type LstsqResult = readonly [solution: Tensor, residuals: Tensor, rank: Tensor, singularValues: Tensor]
  & { readonly solution: Tensor; readonly residuals: Tensor; readonly rank: Tensor; readonly singularValues: Tensor };
/** The `p` of linalg.cond: null (2), 2, -2, 'fro', 'nuc', 1, -1, Infinity, -Infinity. */
export type CondP = number | 'fro' | 'nuc' | null;

// ---- helpers ------------------------------------------------------------------------------------

function need(x: unknown, op: string, what = 'A'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

/** torch.linalg's input rules: a batch of matrices of float32 or float64. */
function checkMatrix(x: Tensor, op: string, what = 'A'): void {
  if (x.ndim < 2) throw new ShapeError(`${op}: ${what} must have at least 2 dimensions, got shape ${fmt(x._shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`${op}: expected a float32 or float64 tensor as ${what} (low precision and integer dtypes are not supported, as in torch.linalg), got ${x.dtype}`);
  }
}

function checkSquare(x: Tensor, op: string): void {
  const s = x._shape;
  if (s[s.length - 1] !== s[s.length - 2]) throw new ShapeError(`${op}: A must be batches of square matrices, but they are ${s[s.length - 2]} by ${s[s.length - 1]} matrices (shape ${fmt(s)})`);
}

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

/** diag_embed of the last dim: [..., k] -> [..., k, k]. */
function diagEmbed(v: Tensor): Tensor {
  const k = v._shape[v.ndim - 1];
  return mul(unsqueeze(v, -1), eye(k, { dtype: v.dtype, device: v.device }));
}

/** A batch of identity-like r x c matrices, contiguous. */
function eyeBatch(batch: readonly number[], r: number, c: number, dtype: DType, device: string): Tensor {
  return scopeSync(() => contiguous(expand(eye(r, c, { dtype, device }), [...batch, r, c])));
}

function out(shape: readonly number[], like: Tensor, op: string, zero = false): Tensor {
  return emptyTensor(shape, like.dtype, like._storage.device, zero, op);
}

/** eps of the dtype (torch.finfo(dtype).eps). */
const epsOf = (dt: DType): number => (dt === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);

// ---- the three kernels, each one recorded node ----------------------------------------------------

/** QR of a checked A: [Q, R] (Q is an empty [0] tensor in mode 'r'). */
function qrOp(a: Tensor, mode: 'reduced' | 'complete' | 'r', op: string): [Tensor, Tensor] {
  const nd = a.ndim, m = a._shape[nd - 2], n = a._shape[nd - 1], k = Math.min(m, n), batch = a._shape.slice(0, -2);
  const complete = mode === 'complete', computeQ = mode !== 'r';
  const kq = complete ? m : k, kr = complete ? m : k;
  const empty = numel(batch) === 0 || m === 0 || n === 0;
  const R = out([...batch, kr, n], a, op, empty);
  let Q: Tensor;
  try {
    Q = !computeQ ? out([0], a, op) : empty ? eyeBatch(batch, m, kq, a.dtype, a.device) : out([...batch, m, kq], a, op);
  } catch (e) { R.dispose(); throw e; }
  try {
    if (!empty) call(QR, op, [Q, R, a], [complete ? 1 : 0, computeQ ? 1 : 0]);
  } catch (e) { Q.dispose(); R.dispose(); throw e; }
  if (needsGrad(a)) {
    record(op, [a], [Q, R], computeQ ? [Q, R] : [], ([gQ, gR], saved) => {
      if (!computeQ) throw new ValueError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
      if (complete && m > n) throw new ValueError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
      return scopeSync(() => [qrBackward(gQ, gR, saved[0], saved[1], m, n)]);
    }, true);
  }
  return [Q, R];
}

/** torch 1.13's linalg_qr_backward (reduced, or m <= n): the m >= n formula, then A = [X | Y] for m < n. */
function qrBackward(gQ: Tensor | null, gR: Tensor | null, Q: Tensor, R: Tensor, m: number, n: number): Tensor {
  // m >= n: gA = (gQ + Q copyltu(M)) R⁻ᵀ with M = R gRᵀ − gQᵀ Q, copyltu(M) = tril(M) + tril(M, -1)ᵀ
  const square = (gQs: Tensor | null, gRs: Tensor | null, Qs: Tensor, Rs: Tensor): Tensor => {
    let M: Tensor | null = null;
    if (gRs) M = matmul(Rs, mT(gRs));
    if (gQs) { const t = matmul(mT(gQs), Qs); M = M ? sub(M, t) : mul(t, -1); }
    const low = tril(M!);
    const sym = sub(add(low, mT(low)), diagEmbed(diagonal(M!, 0, -2, -1)));
    let b = matmul(Qs, sym);
    if (gQs) b = add(b, gQs);
    return matmul(b, mT(pinvNode(Rs, 'linalg.qr')));
  };
  if (m >= n) return square(gQ, gR, Q, R);
  // A = [X | Y], R = [U | V]: X = Q U (square case), Y = Q V
  const U = narrow(R, -1, 0, m), V = narrow(R, -1, m, n - m);
  const gU = gR ? narrow(gR, -1, 0, m) : null, gV = gR ? narrow(gR, -1, m, n - m) : null;
  let gQx = gQ;
  if (gV) { const t = matmul(matmul(Q, V), mT(gV)); gQx = gQx ? add(gQx, t) : t; }
  const gX = gQx || gU ? square(gQx, gU, Q, U) : mul(matmul(Q, U), 0);
  const gY = gV ? matmul(Q, gV) : mul(matmul(Q, V), 0);
  return cat([gX, gY], -1);
}

/** eigh of a checked square A: [w, V] (V is an empty [0] tensor when not computed). */
function eighOp(a: Tensor, upper: boolean, computeV: boolean, op: string): [Tensor, Tensor] {
  checkSquare(a, op);
  const nd = a.ndim, n = a._shape[nd - 1], batch = a._shape.slice(0, -2);
  const empty = numel(batch) === 0 || n === 0;
  const w = out([...batch, n], a, op);
  let V: Tensor;
  try { V = computeV ? out([...batch, n, n], a, op) : out([0], a, op); } catch (e) { w.dispose(); throw e; }
  try {
    if (!empty) call(EIGH, op, [w, V, a], [upper ? 1 : 0, computeV ? 1 : 0]);
  } catch (e) { w.dispose(); V.dispose(); throw e; }
  if (computeV && needsGrad(a)) {
    record(op, [a], [w, V], [w, V], ([gL, gV], [L0, V0]) => scopeSync(() => {
      const L = L0, Vs = V0;
      // torch's linalg_eig_backward, hermitian: V (diag(gL) + skew(VᵀgV)/E) Vᵀ, E_ij = λ_j − λ_i (1 on the diagonal)
      let inner: Tensor | null = null;
      if (gV) {
        const X = matmul(mT(Vs), gV);
        const skew = mul(sub(X, mT(X)), 0.5);
        const E = add(sub(unsqueeze(L, -2), unsqueeze(L, -1)), eye(n, { dtype: L.dtype, device: L.device }));
        inner = div(skew, E);
      }
      if (gL) inner = inner ? add(inner, diagEmbed(gL)) : diagEmbed(gL);
      return [matmul(Vs, matmul(inner!, mT(Vs)))];
    }), true);
  }
  return [w, V];
}

/** SVD of a checked A: [U, S, Vh] (U and Vh are empty [0] tensors when not computed). */
function svdOp(a: Tensor, fullMatrices: boolean, computeUV: boolean, op: string): [Tensor, Tensor, Tensor] {
  const nd = a.ndim, m = a._shape[nd - 2], n = a._shape[nd - 1], k = Math.min(m, n), batch = a._shape.slice(0, -2);
  const ku = fullMatrices ? m : k, kv = fullMatrices ? n : k;
  const empty = numel(batch) === 0 || m === 0 || n === 0;
  const made: Tensor[] = [];
  let U: Tensor, S: Tensor, Vh: Tensor;
  try {
    S = out([...batch, k], a, op); made.push(S);
    U = !computeUV ? out([0], a, op) : empty ? eyeBatch(batch, m, ku, a.dtype, a.device) : out([...batch, m, ku], a, op); made.push(U);
    Vh = !computeUV ? out([0], a, op) : empty ? eyeBatch(batch, kv, n, a.dtype, a.device) : out([...batch, kv, n], a, op); made.push(Vh);
    if (!empty) call(SVD, op, [U, S, Vh, a], [fullMatrices ? 1 : 0, computeUV ? 1 : 0]);
  } catch (e) { for (const t of made) t.dispose(); throw e; }
  if (computeUV && needsGrad(a)) {
    record(op, [a], [U, S, Vh], [U, S, Vh], ([gU, gS, gVh], [U0, S0, Vh0]) => scopeSync(() => {
      let Us = U0, Vhs = Vh0;
      const Ss = S0;
      // full matrices: only the first k singular vectors carry a gradient (torch narrows them too)
      if (fullMatrices) {
        Us = narrow(Us, -1, 0, k); Vhs = narrow(Vhs, -2, 0, k);
        if (gU) gU = narrow(gU, -1, 0, k);
        if (gVh) gVh = narrow(gVh, -2, 0, k);
      }
      return [svdBackward(gU, gS, gVh, Us, Ss, Vhs, m, n)];
    }), true);
  }
  return [U, S, Vh];
}

/** torch 1.13's svd_backward (full_matrices = False). */
function svdBackward(gU: Tensor | null, gS: Tensor | null, gVh: Tensor | null, U: Tensor, S: Tensor, Vh: Tensor, m: number, n: number): Tensor {
  if (!gU && !gVh) return m >= n ? matmul(U, mul(unsqueeze(gS!, -1), Vh)) : matmul(mul(U, unsqueeze(gS!, -2)), Vh);
  const skew = (X: Tensor): Tensor => sub(X, mT(X));
  const UhgU = gU ? skew(matmul(mT(U), gU)) : null;
  const VhgV = gVh ? skew(matmul(Vh, mT(gVh))) : null;
  const S2 = mul(S, S);
  const k = S._shape[S.ndim - 1];
  const E = add(sub(unsqueeze(S2, -2), unsqueeze(S2, -1)), eye(k, { dtype: S.dtype, device: S.device }));
  let gA: Tensor;
  if (UhgU && VhgV) gA = div(add(mul(UhgU, unsqueeze(S, -2)), mul(unsqueeze(S, -1), VhgV)), E);
  else if (UhgU) gA = mul(div(UhgU, E), unsqueeze(S, -2));
  else gA = mul(unsqueeze(S, -1), div(VhgV!, E));
  if (gS) gA = add(gA, diagEmbed(gS));
  if (m > n && gU) {
    gA = matmul(U, gA);
    const gUSinv = div(gU, unsqueeze(S, -2));
    gA = sub(add(gA, gUSinv), matmul(U, matmul(mT(U), gUSinv)));
    return matmul(gA, Vh);
  }
  if (m < n && gVh) {
    gA = matmul(gA, Vh);
    const SinvgVh = div(gVh, unsqueeze(S, -1));
    gA = sub(add(gA, SinvgVh), matmul(matmul(SinvgVh, mT(Vh)), Vh));
    return matmul(U, gA);
  }
  return m >= n ? matmul(U, matmul(gA, Vh)) : matmul(matmul(U, gA), Vh);
}

/** The singular values (or |eigenvalues| when hermitian), differentiable: one svd/eigh node. */
function singularValues(a: Tensor, hermitian: boolean, op: string): Tensor {
  if (hermitian) {
    checkSquare(a, op);
    const grad = needsGrad(a);
    const [w, V] = eighOp(a, false, grad, op);
    V.dispose();
    return scopeSync(() => { try { return abs(w); } finally { w.dispose(); } });
  }
  const grad = needsGrad(a);
  const [U, S, Vh] = svdOp(a, false, grad, op);
  U.dispose(); Vh.dispose();
  return S;
}

/** pinv as one node: V diag(1/σ where σ > tol) Uᵀ (or V diag(1/λ) Vᵀ when hermitian), with torch's pinv_backward. */
function pinvNode(a: Tensor, op: string, atol: number | null = 0, rtol: number | null = 0, hermitian = false): Tensor {
  const nd = a.ndim, m = a._shape[nd - 2], n = a._shape[nd - 1];
  if (hermitian) checkSquare(a, op);
  const P = noGrad(() => scopeSync(() => {
    if (m === 0 || n === 0 || numel(a._shape.slice(0, -2)) === 0) return zeros([...a._shape.slice(0, -2), n, m], { dtype: a.dtype, device: a.device });
    let S: Tensor, L: Tensor, Rt: Tensor;  // P = L diag(1/S) Rt
    if (hermitian) {
      const [w, V] = eighOp(a, false, true, op);
      S = w; L = V; Rt = mT(V);
    } else {
      const [U, Sv, Vh] = svdOp(a, false, true, op);
      S = Sv; L = mT(Vh); Rt = mT(U);
    }
    const absS = abs(S);
    const smax = amax(absS, -1, true);
    const tol = tolerance(smax, atol, rtol, a.dtype, m, n);
    const inv = where(gt(absS, tol), div(1, S), 0);
    return matmul(mul(L, unsqueeze(inv, -2)), Rt);
  }));
  if (needsGrad(a)) record(op, [a], [P], [a, P], ([g], [As, Ps]) => scopeSync(() => [pinvBackward(g!, Ps, As)]), true);
  return P;
}

/** max(atol, rtol · smax) with torch 1.13's defaults (rtol = eps · max(m, n) when neither is given or atol ≤ 0). */
function tolerance(smax: Tensor, atol: number | null, rtol: number | null, dt: DType, m: number, n: number): Tensor {
  const r = rtol !== null ? rtol : atol !== null && atol > 0 ? 0 : epsOf(dt) * Math.max(m, n);
  const rel = mul(smax, r);
  return atol !== null && atol > 0 ? where(gt(rel, atol), rel, atol) : rel;
}

/** torch 1.13's pinv_backward. */
function pinvBackward(g: Tensor, P: Tensor, a: Tensor): Tensor {
  const m = a._shape[a.ndim - 2], n = a._shape[a.ndim - 1];
  const Ph = mT(P), gh = mT(g);
  if (m <= n) {
    const K = matmul(gh, P);
    const KPh = matmul(K, Ph);
    return add(sub(add(mul(mT(matmul(P, K)), -1), KPh), matmul(matmul(a, P), KPh)), matmul(matmul(Ph, P), sub(gh, matmul(K, a))));
  }
  const K = matmul(P, gh);
  const PhK = matmul(Ph, K);
  return sub(add(add(mul(mT(matmul(K, P)), -1), matmul(matmul(sub(gh, matmul(a, K)), P), Ph)), PhK), matmul(matmul(PhK, P), a));
}

// ---- argument checks ----------------------------------------------------------------------------

const T = required(A.anyValue<Tensor>());
/** A tolerance: a non-negative number, or null for torch's default. */
const TOL: Check<number | null> = (v, where) => {
  if (v === null) return null;
  if (typeof v !== 'number' || !(v >= 0)) throw new ValueError(`${where} must be a non-negative number or null, got ${describeArg(v)}`);
  return v;
};
const COND_P: Check<CondP> = (v, where) => {
  if (v === null || v === 'fro' || v === 'nuc') return v;
  if (typeof v === 'number' && (v === 2 || v === -2 || v === 1 || v === -1 || Math.abs(v) === Infinity)) return v;
  throw new ValueError(`${where} must be null, 2, -2, 1, -1, Infinity, -Infinity, 'fro' or 'nuc', got ${describeArg(v)}`);
};
const DRIVER = optional(A.nullable(A.oneOf('gesvd', 'gesvdj', 'gesvda')), null);

const ARGS = {
  qr: signature('linalg.qr', ['A', 'mode'], { A: T, mode: optional(A.oneOf('reduced', 'complete', 'r'), 'reduced') }),
  eigh: signature('linalg.eigh', ['A', 'UPLO'], { A: T, UPLO: optional(A.oneOf('L', 'U'), 'L') }),
  eigvalsh: signature('linalg.eigvalsh', ['A', 'UPLO'], { A: T, UPLO: optional(A.oneOf('L', 'U'), 'L') }),
  svd: signature('linalg.svd', ['A', 'fullMatrices'], { A: T, fullMatrices: optional(A.bool, true), driver: DRIVER }),
  svdvals: signature('linalg.svdvals', ['A'], { A: T, driver: DRIVER }),
  pinv: signature('linalg.pinv', ['A', 'rcond', 'hermitian'], {
    A: T, rcond: optional(TOL, null), hermitian: optional(A.bool, false), atol: optional(TOL, null), rtol: optional(TOL, null),
  }),
  matrixRank: signature('linalg.matrixRank', ['A', 'tol', 'hermitian'], {
    A: T, tol: optional(TOL, null), hermitian: optional(A.bool, false), atol: optional(TOL, null), rtol: optional(TOL, null),
  }),
  lstsq: signature('linalg.lstsq', ['A', 'B', 'rcond'], {
    A: T, B: T, rcond: optional(TOL, null), driver: optional(A.nullable(A.oneOf('gels', 'gelsy', 'gelsd', 'gelss')), null),
  }),
  cond: signature('linalg.cond', ['A', 'p'], { A: T, p: optional(COND_P, null) }),
  svdOld: signature('svd', ['input', 'some', 'computeUv'], { input: T, some: optional(A.bool, true), computeUv: optional(A.bool, true) }),
  qrOld: signature('qr', ['input', 'some'], { input: T, some: optional(A.bool, true) }),
};

// ---- the public functions -----------------------------------------------------------------------

/** Options of linalg.qr. */
export interface QrOptions {
  /** 'reduced' (Q [m, k], R [k, n]; the default), 'complete' (Q [m, m], R [m, n]) or 'r' (R only; Q is empty). */
  mode?: 'reduced' | 'complete' | 'r';
}

/**
 * The QR decomposition A = Q R of each matrix of `A` [..., m, n], as `torch.linalg.qr(A,
 * mode='reduced')`: Householder reflections with LAPACK's conventions, so Q and R are torch's
 * (R's diagonal may be negative). Differentiable in modes 'reduced' and (for m <= n) 'complete'.
 * ```ts
 * const [Q, R] = fl.linalg.qr(A);   // fl.matmul(Q, R) ≈ A
 * ```
 */
export function qr(A_: Tensor, ...args: ArgsThenOptions<[mode: 'reduced' | 'complete' | 'r'], QrOptions>): QRResult;
export function qr(...args: unknown[]): QRResult {
  const o = ARGS.qr.parse(args);
  const r = runFloat32(qrPublic, [o.A, o.mode, 'linalg.qr']); if (r) return r;
  return qrPublic(o.A, o.mode, 'linalg.qr');
}

function qrPublic(a: Tensor, mode: 'reduced' | 'complete' | 'r', op: string): QRResult {
  { const cx = complexOperand(a); if (cx !== null) return complexHook('composite', op, cx)('linalg.qr', [a, mode, op]) as QRResult; }
  need(a, op); checkMatrix(a, op);
  return namedTuple(['Q', 'R'], qrOp(a, mode, op)) as QRResult;
}

/** Options of linalg.eigh and linalg.eigvalsh. */
export interface EighOptions {
  /** Which triangle of A is read: 'L' (lower, the default) or 'U'. */
  UPLO?: 'L' | 'U';
}

/**
 * The eigenvalues (ascending) and orthonormal eigenvectors (the columns of `eigenvectors`) of each
 * symmetric matrix of `A` [..., n, n], as `torch.linalg.eigh(A, UPLO='L')`; only the triangle UPLO
 * is read. Eigenvectors are unique up to sign (and within repeated eigenvalues). A NaN gives NaNs.
 * ```ts
 * const [w, V] = fl.linalg.eigh(A);   // V diag(w) Vᵀ ≈ A
 * ```
 */
export function eigh(A_: Tensor, ...args: ArgsThenOptions<[UPLO: 'L' | 'U'], EighOptions>): EighResult;
export function eigh(...args: unknown[]): EighResult {
  const o = ARGS.eigh.parse(args);
  const r = runFloat32(eighPublic, [o.A, o.UPLO]); if (r) return r;
  return eighPublic(o.A, o.UPLO);
}

function eighPublic(a: Tensor, uplo: 'L' | 'U'): EighResult {
  const op = 'linalg.eigh';
  { const cx = complexOperand(a); if (cx !== null) return complexHook('composite', op, cx)('linalg.eigh', [a, uplo]) as EighResult; }
  need(a, op); checkMatrix(a, op);
  return namedTuple(['eigenvalues', 'eigenvectors'], eighOp(a, uplo === 'U', true, op)) as EighResult;
}

/**
 * The eigenvalues (ascending) of each symmetric matrix of `A` [..., n, n], as
 * `torch.linalg.eigvalsh(A, UPLO='L')`.
 * ```ts
 * const w = fl.linalg.eigvalsh(A);
 * ```
 */
export function eigvalsh(A_: Tensor, ...args: ArgsThenOptions<[UPLO: 'L' | 'U'], EighOptions>): Tensor;
export function eigvalsh(...args: unknown[]): Tensor {
  const o = ARGS.eigvalsh.parse(args);
  const r = runFloat32(eigvalshPublic, [o.A, o.UPLO]); if (r) return r;
  return eigvalshPublic(o.A, o.UPLO);
}

function eigvalshPublic(a: Tensor, uplo: 'L' | 'U'): Tensor {
  const op = 'linalg.eigvalsh';
  { const cx = complexOperand(a); if (cx !== null) return complexHook('composite', op, cx)('linalg.eigvalsh', [a, uplo]) as Tensor; }
  need(a, op); checkMatrix(a, op);
  const [w, V] = eighOp(a, uplo === 'U', needsGrad(a), op);
  V.dispose();
  return w;
}

/** Options of linalg.svd and linalg.svdvals. */
export interface SvdOptions {
  /** U [m, m] and Vh [n, n] (true, torch's default) or the k = min(m, n) singular vectors only. */
  fullMatrices?: boolean;
  /** torch's CUDA solver choice; checked and ignored (flintml has one algorithm on every device). */
  driver?: 'gesvd' | 'gesvdj' | 'gesvda' | null;
}

/**
 * The singular value decomposition A = U diag(S) Vh of each matrix of `A` [..., m, n], as
 * `torch.linalg.svd(A, full_matrices=True)`: S descending, U and Vh with orthonormal columns /
 * rows (unique up to sign). A NaN or infinite input is refused (torch's LinAlgError, here a ValueError).
 * ```ts
 * const [U, S, Vh] = fl.linalg.svd(A, false);   // U [m, k], S [k], Vh [k, n]
 * ```
 */
export function svd(A_: Tensor, ...args: ArgsThenOptions<[fullMatrices: boolean], SvdOptions>): SVDResult;
export function svd(...args: unknown[]): SVDResult {
  const o = ARGS.svd.parse(args);
  const r = runFloat32(svdPublic, [o.A, o.fullMatrices]); if (r) return r;
  return svdPublic(o.A, o.fullMatrices);
}

function svdPublic(a: Tensor, fullMatrices: boolean): SVDResult {
  const op = 'linalg.svd';
  need(a, op); checkMatrix(a, op);
  return namedTuple(['U', 'S', 'Vh'], svdOp(a, fullMatrices, true, op)) as SVDResult;
}

/**
 * The singular values (descending) of each matrix of `A` [..., m, n], as `torch.linalg.svdvals(A)`.
 * ```ts
 * const S = fl.linalg.svdvals(A);
 * ```
 */
export function svdvals(A_: Tensor, options?: Pick<SvdOptions, 'driver'>): Tensor;
export function svdvals(...args: unknown[]): Tensor {
  const o = ARGS.svdvals.parse(args);
  const r = runFloat32(svdvalsPublic, [o.A]); if (r) return r;
  return svdvalsPublic(o.A);
}

function svdvalsPublic(a: Tensor): Tensor {
  const op = 'linalg.svdvals';
  { const cx = complexOperand(a); if (cx !== null) return complexHook('composite', op, cx)('linalg.svdvals', [a, op]) as Tensor; }
  need(a, op); checkMatrix(a, op);
  return singularValues(a, false, op);
}

/** Options of linalg.pinv. */
export interface PinvOptions {
  /** Deprecated torch spelling of rtol (positional in torch.linalg.pinv(A, rcond)). */
  rcond?: number | null;
  /** Treat A as symmetric (reads its lower triangle) and use eigh. */
  hermitian?: boolean;
  /** Singular values at or below atol are treated as zero. */
  atol?: number | null;
  /** Singular values at or below rtol · σ_max are treated as zero (default eps · max(m, n) when atol is not given). */
  rtol?: number | null;
}

/**
 * The Moore–Penrose pseudo-inverse of each matrix of `A` [..., m, n] -> [..., n, m], as
 * `torch.linalg.pinv(A, *, atol=None, rtol=None, hermitian=False)`, from the SVD (eigh when
 * hermitian). Singular values ≤ max(atol, rtol · σ_max) count as zero. The gradient is torch's.
 * ```ts
 * const P = fl.linalg.pinv(A);   // A P A ≈ A
 * ```
 */
export function pinv(A_: Tensor, ...args: ArgsThenOptions<[rcond: number | null, hermitian: boolean], PinvOptions>): Tensor;
export function pinv(...args: unknown[]): Tensor {
  const o = ARGS.pinv.parse(args);
  const r = runFloat32(pinvPublic, [o.A, o.atol, o.rtol ?? o.rcond, o.hermitian]); if (r) return r;
  return pinvPublic(o.A, o.atol, o.rtol ?? o.rcond, o.hermitian);
}

function pinvPublic(a: Tensor, atol: number | null, rtol: number | null, hermitian: boolean): Tensor {
  const op = 'linalg.pinv';
  { const cx = complexOperand(a); if (cx !== null) return complexHook('composite', op, cx)('linalg.pinv', [a, atol, rtol, hermitian]) as Tensor; }
  need(a, op); checkMatrix(a, op);
  return pinvNode(a, op, atol, rtol, hermitian);
}

/** Options of linalg.matrixRank. */
export interface MatrixRankOptions {
  /** Deprecated torch spelling: an absolute tolerance (rtol is then 0). */
  tol?: number | null;
  hermitian?: boolean;
  atol?: number | null;
  rtol?: number | null;
}

/**
 * The numerical rank of each matrix of `A` [..., m, n]: the number of singular values above
 * max(atol, rtol · σ_max), as `torch.linalg.matrix_rank(A, *, atol=None, rtol=None,
 * hermitian=False)`. int32 (torch's int64; flintml's index dtype).
 * ```ts
 * fl.linalg.matrixRank(fl.ones([3, 3])).item();   // 1
 * ```
 */
export function matrixRank(A_: Tensor, ...args: ArgsThenOptions<[tol: number | null, hermitian: boolean], MatrixRankOptions>): Tensor;
export function matrixRank(...args: unknown[]): Tensor {
  const o = ARGS.matrixRank.parse(args);
  const atol = o.tol !== null ? o.tol : o.atol, rtol = o.tol !== null ? 0 : o.rtol;
  const r = runFloat32(matrixRankPublic, [o.A, atol, rtol, o.hermitian]); if (r) return r;
  return matrixRankPublic(o.A, atol, rtol, o.hermitian);
}

function matrixRankPublic(a: Tensor, atol: number | null, rtol: number | null, hermitian: boolean): Tensor {
  const op = 'linalg.matrixRank';
  need(a, op); checkMatrix(a, op);
  const m = a._shape[a.ndim - 2], n = a._shape[a.ndim - 1];
  return noGrad(() => scopeSync(() => {
    const S = singularValues(a, hermitian, op);
    if (S._shape[S.ndim - 1] === 0) return zeros(a._shape.slice(0, -2), { dtype: 'int32', device: a.device });
    const tol = tolerance(amax(S, -1, true), atol, rtol, a.dtype, m, n);
    return sum(gt(S, tol), -1).to('int32');
  }));
}

/** Options of linalg.lstsq. */
export interface LstsqOptions {
  /** Singular values ≤ rcond · σ_max count as zero (default eps · max(m, n)). */
  rcond?: number | null;
  /**
   * What the result holds, as torch's LAPACK drivers: 'gelsy' (torch's CPU default: rank), 'gels'
   * (torch's CUDA default: residuals), 'gelsd' / 'gelss' (rank, singular values, residuals).
   */
  driver?: 'gels' | 'gelsy' | 'gelsd' | 'gelss' | null;
}

/**
 * The least-squares solution X of A X ≈ B for each matrix of `A` [..., m, n] and `B` [..., m, k]
 * (batch dims broadcast), as `torch.linalg.lstsq(A, B, rcond=None, *, driver=None)`: the
 * minimum-norm solution from the SVD (B must be [..., m, k]: torch 1.13's vector case fails, so it is
 * refused here). `residuals` (‖AX − B‖² per column) is filled when m > n, A has
 * full rank and the driver is not 'gelsy'; `rank` by every driver but 'gels'; `singularValues` by
 * 'gelsd' and 'gelss'; the others are empty, as torch returns them.
 * ```ts
 * const { solution } = fl.linalg.lstsq(A, B);
 * ```
 */
export function lstsq(A_: Tensor, B: Tensor, ...args: ArgsThenOptions<[rcond: number | null], LstsqOptions>): LstsqResult;
export function lstsq(...args: unknown[]): LstsqResult {
  const o = ARGS.lstsq.parse(args);
  const r = runFloat32(lstsqPublic, [o.A, o.B, o.rcond, o.driver]); if (r) return r;
  return lstsqPublic(o.A, o.B, o.rcond, o.driver);
}

function lstsqPublic(a: Tensor, b: Tensor, rcond: number | null, driver: 'gels' | 'gelsy' | 'gelsd' | 'gelss' | null): LstsqResult {
  const op = 'linalg.lstsq';
  need(a, op); need(b, op, 'B'); checkMatrix(a, op);
  // torch 1.13 documents B [..., m] as a vector case, but its lstsq fails on it (IndexError / a shape error): refused here too
  if (b.ndim < 2) throw new ShapeError(`${op}: B must have at least 2 dimensions (shape [..., m, k]), got A ${fmt(a._shape)} and B ${fmt(b._shape)}`);
  if (b.dtype !== a.dtype) throw new DTypeError(`${op}: expected A and B to have the same dtype, but got A with dtype ${a.dtype} and B with dtype ${b.dtype}`);
  if (b.device !== a.device) throw new DeviceError(`${op}: A and B must be on the same device, got ${a.device} and ${b.device}`);
  const m = a._shape[a.ndim - 2], n = a._shape[a.ndim - 1];
  const rows = b._shape[b.ndim - 2];
  if (rows !== m) throw new ShapeError(`${op}: incompatible shapes of A and B for the equation AX = B (${fmt(a._shape)} and ${fmt(b._shape)})`);
  const drv = driver ?? (a.device === 'cpu' ? 'gelsy' : 'gels');
  broadcastShapes(op, a._shape.slice(0, -2), b._shape.slice(0, -2));
  const rc = rcond !== null ? rcond : epsOf(a.dtype) * Math.max(m, n);
  const made: Tensor[] = [];
  const keepT = (t: Tensor): Tensor => { made.push(t); return t; };
  try {
    const X = keepT(scopeSync(() => matmul(pinvNode(a, op, null, rc), b)));
    const withRank = drv !== 'gels', withS = drv === 'gelsd' || drv === 'gelss';
    const empty = (dt: DType): Tensor => keepT(emptyTensor([0], dt, a._storage.device, false, op));
    const result = noGrad(() => scopeSync(() => {
      const S = singularValues(a, false, op);
      const rank = S._shape[S.ndim - 1] > 0 ? sum(gt(S, mul(amax(S, -1, true), rc)), -1).to('int32') : zeros(a._shape.slice(0, -2), { dtype: 'int32', device: a.device });
      // residuals: m > n and every matrix of full rank (torch: not with gelsy)
      const full = drv !== 'gelsy' && m > n && rank.eq(n).all().item() !== 0;
      // (n = 0: torch's gels leaves them 0; gelsd and gelss give ‖B‖², the formula's value)
      const res = !full ? null : n === 0 && drv === 'gels' ? mul(sum(b, -2), 0) : sum(sub(matmul(a, X), b).pow(2), -2);
      return [res, withRank ? rank : null, withS ? S : null] as const;
    }));
    const residuals = result[0] ? keepT(result[0]) : empty(a.dtype);
    const rank = result[1] ? keepT(result[1]) : empty('int32');
    const sv = result[2] ? keepT(result[2]) : empty(a.dtype);
    return namedTuple(['solution', 'residuals', 'rank', 'singularValues'], [X, residuals, rank, sv]) as LstsqResult;
  } catch (e) { for (const t of made) t.dispose(); throw e; }
}

/**
 * The condition number of each matrix of `A` in the norm `p`, as `torch.linalg.cond(A, p=None)`:
 * σ_max / σ_min for p = null or 2 (σ_min / σ_max for -2; any shape), else
 * ‖A‖_p · ‖A⁻¹‖_p for square A ('fro', 'nuc', ±1, ±Infinity; Infinity for a singular A).
 * ```ts
 * fl.linalg.cond(A);          // 2-norm condition number
 * fl.linalg.cond(A, 'fro');
 * ```
 */
export function cond(A_: Tensor, p?: CondP): Tensor;
export function cond(...args: unknown[]): Tensor {
  const o = ARGS.cond.parse(args);
  const r = runFloat32(condPublic, [o.A, o.p]); if (r) return r;
  return condPublic(o.A, o.p);
}

function condPublic(a: Tensor, p: CondP): Tensor {
  const op = 'linalg.cond';
  need(a, op); checkMatrix(a, op);
  // an empty input: zeros of the batch shape, outside the graph (as torch's early return)
  const none = (): Tensor => zeros(a._shape.slice(0, -2), { dtype: a.dtype, device: a.device });
  if (p === null || p === 2 || p === -2) {
    if (a.numel === 0) return none();
    return scopeSync(() => {
      const S = singularValues(a, false, op);
      if (S._shape[S.ndim - 1] === 0) return zeros(a._shape.slice(0, -2), { dtype: a.dtype, device: a.device });
      const k = S._shape[S.ndim - 1];
      const big = narrow(S, -1, 0, 1).squeeze(-1), small = narrow(S, -1, k - 1, 1).squeeze(-1);
      return p === -2 ? div(small, big) : div(big, small);
    });
  }
  checkSquare(a, op);
  if (a.numel === 0) return none();
  return scopeSync(() => {
    const [U, S, Vh] = svdOp(a, false, true, op);
    const inv = matmul(mul(mT(Vh), unsqueeze(div(1, S), -2)), mT(U));
    const r = mul(matrixNormFn(a, p), matrixNormFn(inv, p));
    // a singular A (σ_min = 0) has condition number inf, as torch
    return where(eq(amin(S, -1), 0), Infinity, r);
  });
}

/** The matrix norm used by cond (norms.ts registers linalg.matrixNorm here: it imports this file). */
let matrixNormFn: (x: Tensor, ord: number | 'fro' | 'nuc') => Tensor = () => { throw new ValueError('linalg.cond: matrix norms are not loaded'); };
/** @internal */
export function setMatrixNorm(f: (x: Tensor, ord: number | 'fro' | 'nuc') => Tensor): void { matrixNormFn = f; }

/** @internal The singular values for the 'nuc' and ±2 matrix norms (differentiable). */
export function svdvalsOf(a: Tensor, op: string): Tensor {
  { const cx = complexOperand(a); if (cx !== null) return complexHook('composite', op, cx)('linalg.svdvals', [a, op]) as Tensor; }
  if (a.dtype !== 'float32' && a.dtype !== 'float64') throw new DTypeError(`${op}: the 'nuc' and ±2 norms need a singular value decomposition, which takes float32 or float64, got ${a.dtype}`);
  return singularValues(a, false, op);
}

/**
 * The deprecated `torch.svd(input, some=True, compute_uv=True)`: [U, S, V] with V (not Vh),
 * reduced (some) by default; with computeUv false, U and V are zero matrices [m, m] and [n, n].
 * Prefer {@link svd} (fl.linalg.svd).
 * ```ts
 * const [U, S, V] = fl.svd(A);   // U diag(S) Vᵀ ≈ A
 * ```
 */
export function svdOld(input: Tensor, ...args: ArgsThenOptions<[some: boolean, computeUv: boolean], { some?: boolean; computeUv?: boolean }>): SVDVResult;
export function svdOld(...args: unknown[]): SVDVResult {
  const o = ARGS.svdOld.parse(args);
  const r = runFloat32(svdOldOp, [o.input, o.some, o.computeUv]); if (r) return r;
  return svdOldOp(o.input, o.some, o.computeUv);
}

function svdOldOp(a: Tensor, some: boolean, computeUv: boolean): SVDVResult {
  const op = 'svd';
  need(a, op, 'input'); checkMatrix(a, op, 'input');
  const m = a._shape[a.ndim - 2], n = a._shape[a.ndim - 1], batch = a._shape.slice(0, -2);
  if (!computeUv) {
    const S = singularValues(a, false, op);
    const U = zeros([...batch, m, m], { dtype: a.dtype, device: a.device }), V = zeros([...batch, n, n], { dtype: a.dtype, device: a.device });
    return namedTuple(['U', 'S', 'V'], [U, S, V]) as SVDVResult;
  }
  const [U, S, Vh] = svdOp(a, !some, true, op);
  const V = mT(Vh);
  Vh.dispose();
  return namedTuple(['U', 'S', 'V'], [U, S, V]) as SVDVResult;
}

/**
 * The deprecated `torch.qr(input, some=True)`: linalg.qr in mode 'reduced' (some) or 'complete'.
 * ```ts
 * const [Q, R] = fl.qr(A);
 * ```
 */
export function qrOld(input: Tensor, ...args: ArgsThenOptions<[some: boolean], { some?: boolean }>): QRResult;
export function qrOld(...args: unknown[]): QRResult {
  const o = ARGS.qrOld.parse(args);
  const r = runFloat32(qrPublic, [o.input, o.some ? 'reduced' : 'complete', 'qr']); if (r) return r;
  return qrPublic(o.input, o.some ? 'reduced' : 'complete', 'qr');
}

// ---- Tensor.svd, Tensor.qr -------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link svdOld} (torch's Tensor.svd): `const [U, S, V] = A.svd()`. */
    svd(...args: ArgsThenOptions<[some: boolean, computeUv: boolean], { some?: boolean; computeUv?: boolean }>): SVDVResult;
    /** See {@link qrOld} (torch's Tensor.qr): `const [Q, R] = A.qr()`. */
    qr(...args: ArgsThenOptions<[some: boolean], { some?: boolean }>): QRResult;
  }
}
Tensor.prototype.svd = function (this: Tensor, ...args: unknown[]) { return (svdOld as (...a: unknown[]) => SVDVResult)(this, ...args); };
Tensor.prototype.qr = function (this: Tensor, ...args: unknown[]) { return (qrOld as (...a: unknown[]) => QRResult)(this, ...args); };
