// complex-linalg.ts — torch.linalg on complex tensors, composed of the real linalg ops (so that every
// device that runs those runs these, and autograd comes from theirs). The generic entries (linalg.ts,
// decomp.ts, norms.ts) hand a complex operand to complexHooks.composite; this file registers the forms.
//
// The real block embedding E(A) = [[Ar, −Ai], [Ai, Ar]] (2n × 2n) is a ring homomorphism that maps
// the conjugate transpose to the transpose: E(AB) = E(A)E(B), E(A⁻¹) = E(A)⁻¹, E(Aᴴ) = E(A)ᵀ. So:
// - solve: E(A) [Xr; Xi] = [Br; Bi]; inv, matrixPower, matrixExp, pinv: the function of E(A), whose
//   left block column is [Xr; Xi] (pinv too: the Penrose conditions hold for E(P) iff for P).
// - svdvals: E(A) = E(U) E(Σ) E(V)ᴴ, so each complex singular value appears twice among E(A)'s;
//   sorted, the copies are adjacent, and the value is the mean of each pair. (The mean, not one of the
//   copies: the pair's singular vectors are any basis of a 2-D subspace, and only the pair's sum has a
//   well-defined gradient, U P Vᵀ with P the subspace's projector.) matrixNorm 'nuc' / ±2 from those.
// - eigvalsh: E(A) of a Hermitian A is symmetric with each eigenvalue twice (v = a + ib gives [a; b]
//   and [−b; a]), the mean of each adjacent pair again. torch reads one triangle of A (the imaginary
//   part of the diagonal ignored); the embedding is built from that Hermitian matrix in the forward,
//   and from A itself in the backward (E(A) + (E(Ah) − E(A)).detach()), so that the gradient is
//   torch's V diag(g) Vᴴ: with the eigenvector pair above, Gr + i·Gi = g·(aaᵀ + bbᵀ) + i·g·(baᵀ − abᵀ).
// - det / slogdet: the embedding gives det E(A) = |det A|², not the phase. So det is composed as a
//   complex LU with partial pivoting (LAPACK's: the pivot maximizes |re| + |im|), one column per step,
//   on the device (the pivot row is an argmax gathered, no host read): det = sign(P)·Πu_kk,
//   logabsdet = Σ log|u_kk|, sign = sign(P)·Π u_kk/|u_kk|. A zero pivot (its whole column is 0) gives
//   det 0 and divides by 1 instead, so the rest stays finite. The gradient is autograd's through the
//   elimination (exact for the pivots taken: g·conj(det·A⁻ᵀ) where A is invertible).
// - vector norms and the 'fro', ±1, ±inf matrix norms: those of |z| (torch's definition).
// - eigh (values and vectors): not from the embedding — a column of E's eigenvectors maps to a complex
//   eigenvector, but for a repeated eigenvalue (A = I) two columns may map to one complex direction
//   (z and i·z), and choosing among them needs the cluster, a data-dependent host decision. Instead,
//   LAPACK's zheevd route in tensor ops: Householder reflections H = I − 2vvᴴ reduce the Hermitian A to
//   a tridiagonal T = QᴴAQ (n − 2 steps, each a rank-2 update of the whole matrix and of Q, no host
//   read), a diagonal of phases D (a cumprod of the subdiagonal's t/|t|) makes DᴴTD real symmetric
//   tridiagonal, and the real eigh of that gives A's eigenvalues and, through Q·D, its eigenvectors.
//   Norms and phases at 0 (a column already reduced, a zero subdiagonal) take the reflection I and the
//   phase 1 through where()s that also keep their gradients finite. The gradient is autograd's through
//   the reduction and the real eigh's (torch's formula there: it needs distinct eigenvalues, as torch's).
// - qr: the same reflections column by column with LAPACK zgeqrf's conventions (complexQR), so Q and R
//   are torch's values, not only a QR; the modes torch cannot differentiate refuse at backward as its.
// - cholesky: the interleaved embedding E'(z) (each element a 2 × 2 block [[re, −im], [im, re]] in place)
//   maps a lower triangular L with a real diagonal to a lower triangular matrix with a positive diagonal,
//   and E'(L Lᴴ) = E'(L) E'(L)ᵀ; so by the uniqueness of the Cholesky factor, the real factor of E'(A) is
//   E'(L), read off its blocks. A leading minor of order k of E'(A) that fails lies in the complex minor
//   of order ⌈k/2⌉ (E'(A)'s minor of order 2m is PD iff A's of order m is), which is torch's info. The
//   gradient is torch's formula (its Φ has a complex diagonal: not the embedding's Hermitian gradient).
// - solveTriangular: the triangle (with a unit diagonal for unitriangular) through the complex solve;
//   the triangle mask gives torch's gradient (zero outside it). choleskySolve / choleskyInverse: two of
//   those with the conjugate transposes.
import { describeArg } from '../arity';
import { needsGrad, noGrad, record } from '../autograd';
import { componentDType, DType, isComplexDType } from '../dtype';
import { DTypeError, LinAlgError, ShapeError, ValueError } from '../errors';
import { fmt, normDim } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import { angle, complex, conj, imag, real, registerComposite } from './complex';
import { arange, empty, eye, ones, onesLike } from './creation';
import { abs, add, div, eq, gt, log, lt, mul, neg, sqrt, sub, where } from './elementwise';
import { sgn } from './pointwise';
import { gather, tril, triu } from './indexing';
import { checkInfo, choleskyEx, invEx, matrixExp, matrixPower, notPD, singularInv, solveEx } from './linalg';
import { amax, amin, argmax, mean, prod, sum } from './reduce';
import { cat, expand, narrow, permute, reshape, select, stack, transpose, unsqueeze } from './views';
import { eigh, eigvalsh, pinv, svdvals } from './decomp';
import { cumprod } from './softmax';
import { matmul } from './matmul';
import { diagEmbed } from './reshaping';
import { diagonal } from './views';
import { namedTuple } from '../named-tuple';
import { matrixNorm, vectorNormOp, normOp } from './norms';

// ---- checks and the embedding --------------------------------------------------------------------

function needComplexMatrices(x: unknown, op: string, what = 'A', square = true): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._storageHandle(op);
  if (!isComplexDType(x.dtype)) throw new DTypeError(`${op}: expected ${what} of a complex dtype like the other operand, got ${x.dtype}`);
  if (x.ndim < 2) throw new ShapeError(`${op}: The input tensor ${what} must have at least 2 dimensions, got shape ${fmt(x._shape)}`);
  const m = x._shape[x.ndim - 2], n = x._shape[x.ndim - 1];
  if (square && m !== n) throw new ShapeError(`${op}: ${what} must be batches of square matrices, but they are ${m} by ${n} matrices (shape ${fmt(x._shape)})`);
  return x;
}

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

/** E(re + i·im) = [[re, −im], [im, re]] over the last two dims. */
function embedParts(re: Tensor, im: Tensor): Tensor {
  return cat([cat([re, neg(im)], -1), cat([im, re], -1)], -2);
}
function embed(A: Tensor): Tensor { return embedParts(real(A), imag(A)); }

/** The complex m × n matrix whose embedding's left block column is X's [..., 2m, ≥ n]. */
function unembed(X: Tensor, m: number, n: number): Tensor {
  const left = narrow(X, -1, 0, n);
  return complex(narrow(left, -2, 0, m), narrow(left, -2, m, m));
}

/** The embedding of the Hermitian matrix that A's `uplo` triangle stands for (forward), and of A (backward). */
function embedHermitian(A: Tensor, uplo: 'L' | 'U'): Tensor {
  const re = real(A), im = imag(A);
  const tri = (t: Tensor, k: number): Tensor => (uplo === 'L' ? tril(t, -k) : triu(t, k));
  const hre = add(tri(re, 0), mT(tri(re, 1))), him = sub(tri(im, 1), mT(tri(im, 1)));
  const full = embedParts(re, im);
  return add(full, sub(embedParts(hre, him), full).detach());
}

/** The means of adjacent pairs along the last dim (the doubled spectra of the embedding). */
function pairMeans(s: Tensor): Tensor {
  const k = s._shape[s.ndim - 1] / 2;
  return mean(reshape(s, [...s._shape.slice(0, -1), k, 2]), -1);
}

// ---- solve, inv, powers, exp, pinv ---------------------------------------------------------------

registerComposite('linalg.solve', ([A_, B_, left, op_, check]) => scopeSync(() => {
  const op = op_ as string;
  if (!(B_ instanceof Tensor)) throw new ValueError(`${op}: B must be a Tensor, got ${describeArg(B_)}`);
  const A = needComplexMatrices(A_, op, 'A');
  if (A.dtype !== B_.dtype) throw new DTypeError(`${op}: Expected A and B to have the same dtype, but found A of type ${A.dtype} and B of type ${B_.dtype} instead`);
  const B = B_, n = A._shape[A.ndim - 1];
  const vectorShaped = B.ndim === 1 || (B.ndim === A.ndim - 1 && B._shape.every((s, i) => s === A._shape[i]));
  if (!left) {
    if (vectorShaped || B.ndim < 2) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation XA = B (${n}x${n} and ${fmt(B._shape)})`);
    // X A = B  ⇔  Aᵀ Xᵀ = Bᵀ (transposes, not conjugates)
    const [Xt, info] = solveEx(embed(mT(A)), cat([real(mT(B)), imag(mT(B))], -2), { checkErrors: check as boolean });
    return [mT(unembed(Xt, n, B._shape[B.ndim - 2])), info] as [Tensor, Tensor];
  }
  const bn = vectorShaped ? B._shape[B.ndim - 1] : B._shape[B.ndim - 2];
  if (B.ndim < 1 || bn !== n) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${fmt(B._shape)})`);
  const [X, info] = solveEx(embed(A), cat([real(B), imag(B)], vectorShaped ? -1 : -2), { checkErrors: check as boolean });
  if (vectorShaped) return [complex(narrow(X, -1, 0, n), narrow(X, -1, n, n)), info] as [Tensor, Tensor];
  return [unembed(X, n, B._shape[B.ndim - 1]), info] as [Tensor, Tensor];
}));

registerComposite('linalg.inv', ([A_, op, check]) => scopeSync(() => {
  const A = needComplexMatrices(A_, op as string), n = A._shape[A.ndim - 1];
  const [X, info] = invEx(embed(A), { checkErrors: check as boolean });
  return [unembed(X, n, n), info] as [Tensor, Tensor];
}));

registerComposite('linalg.matrixPower', ([A_, k, op]) => scopeSync(() => {
  const A = needComplexMatrices(A_, op as string), n = A._shape[A.ndim - 1];
  // k = 0: the identity, with torch's zero gradient (where's to the branch not taken)
  if (k === 0) return where(ones([n, n], { dtype: 'bool', device: A.device }), eye(n, { dtype: A.dtype, device: A.device }), A);
  return unembed(matrixPower(embed(A), k as number), n, n);
}));

registerComposite('linalg.matrixExp', ([A_, op]) => scopeSync(() => {
  const A = needComplexMatrices(A_, op as string), n = A._shape[A.ndim - 1];
  return unembed(matrixExp(embed(A)), n, n);
}));

registerComposite('linalg.pinv', ([A_, atol, rtol, hermitian]) => scopeSync(() => {
  const op = 'linalg.pinv';
  const A = needComplexMatrices(A_, op, 'A', hermitian as boolean);
  const m = A._shape[A.ndim - 2], n = A._shape[A.ndim - 1];
  // torch's default rtol, eps·max(m, n), of A's size (the embedding's is twice that)
  const eps = componentDType(A.dtype) === 'float32' ? 2 ** -23 : 2 ** -52;
  const r = rtol !== null ? rtol as number : atol !== null && (atol as number) > 0 ? 0 : eps * Math.max(m, n);
  const E = hermitian ? embedHermitian(A, 'L') : embed(A);
  return unembed(pinv(E, { atol: atol as number | null, rtol: r, hermitian: hermitian as boolean }), n, m);
}));

// ---- spectra ------------------------------------------------------------------------------------------

/** The singular values of complex matrices (descending), from the embedding's pairs. */
function complexSvdvals(A_: unknown, op: string): Tensor {
  const A = needComplexMatrices(A_, op, 'A', false);
  return scopeSync(() => pairMeans(svdvals(embed(A))));
}
registerComposite('linalg.svdvals', ([A, op]) => complexSvdvals(A, op as string));

registerComposite('linalg.eigvalsh', ([A_, uplo]) => scopeSync(() => {
  const A = needComplexMatrices(A_, 'linalg.eigvalsh');
  return pairMeans(eigvalsh(embedHermitian(A, uplo as 'L' | 'U')));
}));

/** The Hermitian matrix that A's `uplo` triangle stands for (forward), with A's own gradient (backward). */
function hermitianOf(A: Tensor, uplo: 'L' | 'U'): Tensor {
  const re = real(A), im = imag(A);
  const tri = (t: Tensor, k: number): Tensor => (uplo === 'L' ? tril(t, -k) : triu(t, k));
  const h = complex(add(tri(re, 0), mT(tri(re, 1))), sub(tri(im, 1), mT(tri(im, 1))));
  return add(A, sub(h, A).detach());
}

/** sqrt(s) where s > 0, else 0, with a finite gradient at 0 (the branch not taken gets none). */
function safeSqrt(s: Tensor): Tensor {
  const pos = gt(s, 0);
  return where(pos, sqrt(where(pos, s, 1)), 0);
}

/** |z|² of complex z, real. */
function abs2(z: Tensor): Tensor {
  const re = real(z), im = imag(z);
  return add(mul(re, re), mul(im, im));
}

/** [eigenvalues (real, ascending) [..., n], eigenvectors (complex, columns) [..., n, n]] of the Hermitian matrices of A. */
function complexEigh(A: Tensor, uplo: 'L' | 'U'): [Tensor, Tensor] {
  const n = A._shape[A.ndim - 1], dev = A.device;
  // (X + Xᴴ)/2 is X in the forward; in the backward it takes the Hermitian part of the gradient, which
  // is torch's (the reduction below reads both triangles: its own gradient is not Hermitian)
  const X = hermitianOf(A, uplo);
  let M = mul(add(X, conj(mT(X))), 0.5);
  let Q: Tensor | null = null;  // the product of the reflections; the identity until the first
  const idx = unsqueeze(arange(n, { dtype: 'int32', device: dev }), -1);  // [n, 1]
  for (let k = 0; k + 2 < n; k++) {
    // the reflection that zeroes column k below row k + 1: v ∝ x + e^{i·arg x₁}·|x|·e₁ (x: rows k+1…)
    const col = narrow(M, -1, k, 1);                                      // [..., n, 1]
    const x = where(gt(idx, k), col, 0);
    const nx = safeSqrt(sum(abs2(x), [-2, -1], true));                    // [..., 1, 1]
    const x1 = narrow(col, -2, k + 1, 1);
    const a1 = abs2(x1), nz = gt(a1, 0);
    const phase = where(nz, div(x1, where(nz, safeSqrt(a1), 1)), 1);
    const v0 = add(x, mul(mul(phase, nx), where(eq(idx, k + 1), 1, 0).to(componentDType(A.dtype))));
    const n2 = sum(abs2(v0), [-2, -1], true), vz = gt(n2, 0);
    const v = div(v0, where(vz, safeSqrt(n2), 1));                        // 0 when x = 0: H = I
    const vH = conj(mT(v));
    // M ← H M H = M − 2v wᴴ − 2w vᴴ + 4(vᴴw) v vᴴ with w = M v (M Hermitian)
    const w = matmul(M, v), c = matmul(vH, w);
    const vvH = matmul(v, vH);
    M = add(sub(sub(M, mul(matmul(v, conj(mT(w))), 2)), mul(matmul(w, vH), 2)), mul(mul(vvH, c), 4));
    Q = Q === null ? sub(eye(n, { dtype: A.dtype, device: dev }), mul(vvH, 2)) : sub(Q, mul(matmul(matmul(Q, v), vH), 2));
  }
  // T = M is tridiagonal (up to rounding); D = diag(d), d₀ = 1, d_{k+1} = d_k·t_k/|t_k|: DᴴTD is real
  const d = real(diagonal(M, 0, -2, -1));
  if (n < 2) {
    const W = ones([...A._shape.slice(0, -2), n, n], { dtype: A.dtype, device: dev });
    return [d, add(W, mul(sum(M, [-2, -1], true), 0))];  // 1x1 (or 0x0): the vector 1, in the graph
  }
  const t = diagonal(M, -1, -2, -1);
  const ta2 = abs2(t), tz = gt(ta2, 0), ta = safeSqrt(ta2);
  const p = where(tz, div(t, where(tz, ta, 1)), 1);
  const D = cat([onesLike(narrow(p, -1, 0, 1)), cumprod(p, -1)], -1);   // [..., n]
  const Tr = add(add(diagEmbed(d), diagEmbed(ta, -1)), diagEmbed(ta, 1));
  const [lam, W] = eigh(Tr);
  const V = mul(unsqueeze(D, -1), W);                                    // D·W
  return [lam, Q === null ? V : matmul(Q, V)];
}

registerComposite('linalg.eigh', ([A_, uplo]) => scopeSync(() => {
  const A = needComplexMatrices(A_, 'linalg.eigh');
  return namedTuple(['eigenvalues', 'eigenvectors'], complexEigh(A, uplo as 'L' | 'U'));
}));

/**
 * [Q, R] of the complex A [..., m, n] as LAPACK's zgeqrf + zungqr (so as torch's, value for value): step
 * k reflects column k's rows k… to β·e_k with zlarfg's convention — β = −sign(Re α)·‖x‖ (real), τ =
 * (β − α)/β, v = [1; x₂…/(α − β)], H = I − τvvᴴ, Hᴴ applied to R and H accumulated into Q; a column
 * already reduced with a real α keeps it (τ = 0, H = I). `complete`: Q is m × m and R m × n, else
 * Q m × k and R k × n (k = min(m, n)); with `computeQ` false, Q is an empty [0] tensor (mode 'r').
 */
function complexQR(A: Tensor, complete: boolean, computeQ: boolean): [Tensor, Tensor] {
  const m = A._shape[A.ndim - 2], n = A._shape[A.ndim - 1], k = Math.min(m, n), dev = A.device, comp = componentDType(A.dtype);
  let R = A;
  let Q: Tensor = eye(m, { dtype: A.dtype, device: dev });   // broadcast over the batch by the first update
  const idx = unsqueeze(arange(m, { dtype: 'int32', device: dev }), -1);   // [m, 1]
  for (let j = 0; j < k; j++) {
    const col = narrow(R, -1, j, 1);                                       // [..., m, 1]
    const alpha = narrow(col, -2, j, 1);                                   // [..., 1, 1]
    const below = where(gt(idx, j), col, 0);
    const xn2 = sum(abs2(below), [-2, -1], true);
    const ar = real(alpha), ai = imag(alpha);
    const nrm = safeSqrt(add(add(mul(ar, ar), mul(ai, ai)), xn2));
    const trivial = eq(add(xn2, mul(ai, ai)), 0);                           // x₂ = 0 and α real: H = I
    const beta = where(trivial, ar, where(lt(ar, 0), nrm, neg(nrm)));
    const betaSafe = where(eq(beta, 0), 1, beta);
    const tau = where(trivial, 0, div(sub(beta, alpha), betaSafe));         // complex [..., 1, 1]
    const den = sub(alpha, beta), dz = eq(abs2(den), 0);
    const v = add(div(below, where(dz, 1, den)), where(eq(idx, j), 1, 0).to(comp));   // v_j = 1
    const vH = conj(mT(v));
    // R ← Hᴴ R = R − conj(τ)·v(vᴴR); Q ← Q H = Q − τ·(Qv)vᴴ
    R = sub(R, mul(matmul(v, matmul(vH, R)), conj(tau)));
    if (computeQ) Q = sub(Q, mul(matmul(matmul(Q, v), vH), tau));
  }
  const kr = complete ? m : k;
  const Rout = narrow(triuComplex(R), -2, 0, kr);
  if (!computeQ) return [empty([0], { dtype: A.dtype, device: dev }), Rout];
  if (Q.ndim < A.ndim) Q = mul(expand(Q, [...A._shape.slice(0, -2), m, m]), 1);   // no reflection ran (k = 0)
  return [complete ? Q : narrow(Q, -1, 0, k), Rout];
}

/** The upper triangle of complex R (the reflections leave rounding below it), its diagonal real (β). */
function triuComplex(R: Tensor): Tensor { return complex(triu(real(R)), triu(imag(R), 1)); }

registerComposite('linalg.qr', ([A_, mode, op]) => scopeSync(() => {
  const A = needComplexMatrices(A_, op as string, 'A', false);
  const m = A._shape[A.ndim - 2], n = A._shape[A.ndim - 1];
  // torch's backward refuses these two (Q not computed; Q's last columns not determined by A)
  const refusal = mode === 'r' ? "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr."
    : mode === 'complete' && m > n ? "The QR decomposition is not differentiable when mode='complete' and nrows > ncols." : null;
  if (refusal === null || !needsGrad(A)) return namedTuple(['Q', 'R'], complexQR(A, mode === 'complete', mode !== 'r'));
  const [Q, R] = noGrad(() => complexQR(A, mode === 'complete', mode !== 'r'));
  record(op as string, [A], mode === 'r' ? [R] : [Q, R], [], () => { throw new ValueError(refusal); });
  return namedTuple(['Q', 'R'], [Q, R]);
}));

// ---- det, slogdet ---------------------------------------------------------------------------------

/**
 * [U's diagonal (complex [..., n]), the permutation's sign (real ±1 [...])] of the complex LU with
 * partial pivoting of A [..., n, n]: step k pivots the trailing block's first column (the row of the
 * largest |re| + |im| swapped to the top, by a gather), then eliminates below it.
 */
function complexLU(A: Tensor): [Tensor, Tensor] {
  const n = A._shape[A.ndim - 1], batch = A._shape.slice(0, -2) as number[], comp = componentDType(A.dtype);
  let sr: Tensor = real(A), si: Tensor = imag(A);
  let sign: Tensor = ones(batch, { dtype: comp, device: A.device });
  const pr: Tensor[] = [], pi: Tensor[] = [];
  for (let k = 0; k < n; k++) {
    const m = n - k;
    const c = add(abs(select(sr, -1, 0)), abs(select(si, -1, 0)));  // [..., m]
    const p = unsqueeze(argmax(c, -1), -1);                           // [..., 1]
    if (m > 1) {
      const idx = arange(m, { dtype: 'int32', device: A.device });
      const order = where(eq(idx, 0), p, where(eq(idx, p), 0, idx));  // rows 0 and p swapped
      const g = expand(unsqueeze(order, -1), [...batch, m, m]);
      sr = gather(sr, -2, g); si = gather(si, -2, g);
      sign = where(eq(select(p, -1, 0), 0), sign, neg(sign));
    }
    const ur = select(select(sr, -2, 0), -1, 0), ui = select(select(si, -2, 0), -1, 0);
    pr.push(ur); pi.push(ui);
    if (m === 1) break;
    // l = column below the pivot / pivot (a zero pivot: its column is zero, divide by 1)
    const den = add(mul(ur, ur), mul(ui, ui)), zero = eq(den, 0);
    const qr = unsqueeze(where(zero, 1, ur), -1), qi = unsqueeze(where(zero, 0, ui), -1), qd = unsqueeze(where(zero, 1, den), -1);
    const cr = narrow(select(sr, -1, 0), -1, 1, m - 1), ci = narrow(select(si, -1, 0), -1, 1, m - 1);
    const lr = unsqueeze(div(add(mul(cr, qr), mul(ci, qi)), qd), -1), li = unsqueeze(div(sub(mul(ci, qr), mul(cr, qi)), qd), -1);
    const tr = unsqueeze(narrow(select(sr, -2, 0), -1, 1, m - 1), -2), ti = unsqueeze(narrow(select(si, -2, 0), -1, 1, m - 1), -2);
    const rest = (t: Tensor): Tensor => narrow(narrow(t, -2, 1, m - 1), -1, 1, m - 1);
    const nr = sub(rest(sr), sub(mul(lr, tr), mul(li, ti))), ni = sub(rest(si), add(mul(lr, ti), mul(li, tr)));
    sr = nr; si = ni;
  }
  const diag = n === 0 ? sum(A, -1) : complex(stack(pr, -1), stack(pi, -1));  // n = 0: [..., 0], in the graph
  return [diag, sign];
}

// ---- cholesky, triangular solves -----------------------------------------------------------------------

/** E'(re + i·im): each element becomes the 2 × 2 block [[re, −im], [im, re]] at rows 2i, 2i+1 and columns 2j, 2j+1. */
function embedInterleaved(re: Tensor, im: Tensor): Tensor {
  const n = re._shape[re.ndim - 1];
  const blocks = stack([stack([re, neg(im)], -1), stack([im, re], -1)], -3);   // [..., n, 2, n, 2]
  return reshape(blocks, [...re._shape.slice(0, -2), 2 * n, 2 * n]);
}

registerComposite('linalg.cholesky', ([A_, upper, op_, check]) => {
  const op = op_ as string;
  const A = needComplexMatrices(A_, op), n = A._shape[A.ndim - 1];
  const [F, info] = noGrad(() => scopeSync(() => {
    // with upper, torch reads the upper triangle: U = Lᴴ, L the lower factor of Aᴴ
    const H = hermitianOf(upper ? conj(mT(A)) : A, 'L');
    const [LE, infoE] = choleskyEx(embedInterleaved(real(H), imag(H)));
    const first = select(reshape(LE, [...A._shape.slice(0, -2), n, 2, n, 2]), -1, 0);   // [..., n, 2, n]: each block's first column
    const L = complex(select(first, -2, 0), select(first, -2, 1));
    const inf = div(add(infoE, 1), 2, { roundingMode: 'floor' });
    if (check) checkInfo(inf, op, notPD);
    return [upper ? conj(mT(L)).contiguous() : L, inf] as [Tensor, Tensor];
  }));
  if (needsGrad(A)) {
    // torch 1.13's cholesky_backward, as the real op's: gA = L⁻ᴴ Φ L⁻¹, Φ = (tril(Lᴴ gL) + tril(Lᴴ gL, −1)ᴴ)/2.
    // Φ's diagonal is complex, so torch's gradient is not Hermitian (the embedding's own gradient
    // would be its Hermitian part); this is torch's, term for term.
    record(op, [A], [F], [F], ([g], [sF]) => scopeSync(() => {
      const L = upper ? conj(mT(sF)) : sF, gL = upper ? conj(mT(g!)) : g!, Lh = conj(mT(L));
      let gA = tril(matmul(Lh, gL));
      gA = mul(add(gA, conj(mT(tril(gA, -1)))), 0.5);
      gA = complexTriSolve(Lh, gA, true, true, false, op);
      return [complexTriSolve(L, gA, false, false, false, op)];
    }), true);
  }
  return [F, info];
});

function complexOperands(op: string, a: unknown, b: unknown, an: string, bn: string, square: boolean): [Tensor, Tensor] {
  if (!(a instanceof Tensor)) throw new ValueError(`${op}: ${an} must be a Tensor, got ${describeArg(a)}`);
  if (!(b instanceof Tensor)) throw new ValueError(`${op}: ${bn} must be a Tensor, got ${describeArg(b)}`);
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: Expected ${an} and ${bn} to have the same dtype, but found ${an} of type ${a.dtype} and ${bn} of type ${b.dtype} instead`);
  return [needComplexMatrices(a, op, an, square), needComplexMatrices(b, op, bn, false)];
}

/** X with A X = B (X A = B unless left) for the `upper`/lower triangle of A (its diagonal taken as 1 with unit). */
function complexTriSolve(A: Tensor, B: Tensor, upper: boolean, left: boolean, unit: boolean, op: string): Tensor {
  const n = A._shape[A.ndim - 1], bm = B._shape[B.ndim - 2], bk = B._shape[B.ndim - 1];
  if ((left ? bm : bk) !== n) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${bm}x${bk})`);
  let T = upper ? triu(A, unit ? 1 : 0) : tril(A, unit ? -1 : 0);
  if (unit) T = add(T, eye(n, { dtype: componentDType(A.dtype), device: A.device }));
  // B as a matrix of A's rank at least (linalg.solve would take a [..., n] B of rank A.ndim - 1 for vectors)
  const Bm = B.ndim < A.ndim ? reshape(B, [...Array<number>(A.ndim - B.ndim).fill(1), ...B._shape]) : B;
  return solveEx(T, Bm, { left, checkErrors: false })[0];
}

registerComposite('linalg.solveTriangular', ([A_, B_, upper, left, unit, op_]) => scopeSync(() => {
  const op = op_ as string;
  const [A, B] = complexOperands(op, A_, B_, 'A', 'B', true);
  return complexTriSolve(A, B, upper as boolean, left as boolean, unit as boolean, op);
}));

/** X = A⁻¹ B for A = L Lᴴ (or Uᴴ U with upper). */
function complexCholeskySolve(B: Tensor, L: Tensor, upper: boolean, op: string): Tensor {
  const Lh = conj(mT(L));
  if (upper) return complexTriSolve(L, complexTriSolve(Lh, B, false, true, false, op), true, true, false, op);
  return complexTriSolve(Lh, complexTriSolve(L, B, false, true, false, op), true, true, false, op);
}

registerComposite('choleskySolve', ([B_, L_, upper, op_]) => scopeSync(() => {
  const op = op_ as string;
  const [L, B] = complexOperands(op, L_, B_, 'input2', 'input', true);
  return complexCholeskySolve(B, L, upper as boolean, op);
}));

registerComposite('choleskyInverse', ([L_, upper, op_]) => scopeSync(() => {
  const op = op_ as string;
  const L = needComplexMatrices(L_, op, 'input'), n = L._shape[L.ndim - 1];
  if (L.numel > 0) {
    // torch checks the factor's diagonal (the triangular inverse's info); a host read, as the real op's
    const v = noGrad(() => eq(abs(diagonal(L, 0, -2, -1)), 0).to('int32').dataSync() as Int32Array);
    const zero = v.findIndex((x) => x !== 0);
    if (zero >= 0) {
      throw new LinAlgError(`${op}: ${L.ndim > 2 ? `(Batch element ${Math.floor(zero / n)}): ` : ''}${singularInv((zero % n) + 1)}`);
    }
  }
  const I = expand(eye(n, { dtype: L.dtype, device: L.device }), L._shape as number[]);
  return complexCholeskySolve(I, L, upper as boolean, op);
}));

registerComposite('linalg.det', ([A_, op]) => scopeSync(() => {
  const A = needComplexMatrices(A_, op as string);
  const [u, s] = complexLU(A);
  return mul(prod(u, -1), s);
}));

registerComposite('linalg.slogdet', ([A_, op]) => scopeSync(() => {
  const A = needComplexMatrices(A_, op as string);
  const [u, s] = complexLU(A);
  return [mul(prod(sgn(u), -1), s), sum(log(abs(u)), -1)] as [Tensor, Tensor];
}));

// torch.logdet of a complex matrix: log(det) = logabsdet + i·angle(sign) (−inf + 0i where singular)
registerComposite('logdet', ([A_]) => scopeSync(() => {
  const A = needComplexMatrices(A_, 'logdet');
  const [u, s] = complexLU(A);
  return complex(sum(log(abs(u)), -1), angle(mul(prod(sgn(u), -1), s)));
}));

// ---- norms ----------------------------------------------------------------------------------------

/** z cast to a complex `dtype` (torch: a complex input's norm takes a complex dtype only). */
function normInput(z: Tensor, dtype: DType | null, op: string): Tensor {
  if (dtype === null || dtype === z.dtype) return z;
  if (!isComplexDType(dtype)) throw new DTypeError(`${op}: dtype should be complex for a complex input (${z.dtype}), got ${String(dtype)}`);
  return z.to(dtype);
}

registerComposite('linalg.vectorNorm', ([x, ord, dim, keepdim, dtype, op]) => scopeSync(() => {
  const z = x as Tensor;
  return vectorNormOp(abs(normInput(z, dtype as DType | null, op as string)), ord as number, dim as number | number[] | null, keepdim as boolean, null, op as string);
}));

registerComposite('norm', ([x, p, dim, keepdim, dtype, op]) => scopeSync(() => {
  const z = x as Tensor;
  return normOp(abs(normInput(z, dtype as DType | null, op as string)), p as number, dim as number | number[] | null, keepdim as boolean, null, op as string);
}));

registerComposite('linalg.matrixNorm', ([A_, ord, dim, keepdim, dtype]) => scopeSync(() => {
  const op = 'linalg.matrixNorm';
  const A = normInput(needComplexMatrices(A_, op, 'A', false), dtype as DType | null, op);
  if (ord !== 'nuc' && ord !== 2 && ord !== -2) return matrixNorm(abs(A), { ord: ord as number | 'fro', dim: dim as number[], keepdim: keepdim as boolean });
  const d = (dim as number[]).map((x) => normDim(x, A.ndim, op));
  if (d[0] === d[1]) throw new ShapeError(`${op}: dims must be different, got ${describeArg(dim)}`);
  const rest = A._shape.map((_, i) => i).filter((i) => i !== d[0] && i !== d[1]);
  const S = complexSvdvals(permute(A, [...rest, d[0], d[1]]), op);
  if (S._shape[S.ndim - 1] === 0 && ord !== 'nuc') throw new ShapeError(`${op}: the ${String(ord)} norm of matrices of shape ${fmt([A._shape[d[0]], A._shape[d[1]]])} takes the ${ord === 2 ? 'max' : 'min'} over no singular values (input ${fmt(A._shape)})`);
  let r = ord === 'nuc' ? sum(S, -1) : ord === 2 ? amax(S, -1) : amin(S, -1);
  if (keepdim) for (const i of d.slice().sort((a, b) => a - b)) r = unsqueeze(r, i);
  return r;
}));
