// eig.ts — torch.linalg.eig and linalg.eigvals: eigenvalues and eigenvectors of general (non-symmetric)
// square matrices [..., n, n], real (float32/float64) or complex (complex64/complex128). The outputs are
// always complex: complex64 for float32/complex64 input, complex128 for float64/complex128.
//
// Like torch's CUDA path (which copies the matrix to the host for MAGMA's geev), the matrix is read to the host (one
// synchronization), factored in float64 in TypeScript, and the results are written back to the input's
// device. There is no kernel: eig of a general matrix is a sequential, data-dependent iteration, and the
// sizes users call it on are small.
// - real input: EISPACK's orthes (Householder reduction to Hessenberg form) and hqr2 (Francis double-
//   shift QR to the real Schur form, eigenvectors by back-substitution on it and the back-transform),
//   after the public-domain JAMA port. Complex pairs come out as LAPACK dgeev gives them: adjacent, the
//   one with positive imaginary part first, exactly conjugate, with conjugate eigenvectors.
// - complex input: Householder reduction to Hessenberg form, the complex single-shift QR algorithm
//   (Wilkinson shift; an exceptional shift every 10th iteration, zlahqr's formula) to the triangular
//   Schur form, eigenvectors by back-substitution on it (ztrevc's perturbation of a zero pivot).
// - normalization as LAPACK's geev: each vector has unit 2-norm and its component of largest modulus
//   is real (zgeev: real positive; dgeev rotates a complex pair's vector so that component is real and
//   leaves a real vector's sign as computed, so a real vector may differ from torch's by its sign).
//   The order of the eigenvalues is the diagonal of our Schur form, which is often not LAPACK's:
//   dgeev balances the matrix first and dlahqr shifts and deflates differently (a real 2×2 shift pair
//   is replaced by the real root nearer H(i,i), twice), so the same eigenvalues can converge at other
//   places. torch documents neither the order nor the phase; tests and torch-diff compare eigenvalues
//   as sets and eigenvectors up to a unit factor, or functions invariant under both.
// - NaN or ±inf input is a ValueError, as torch's "input tensor should not contain infs or NaNs"; no
//   convergence in 30·max(n, 10) iterations for one eigenvalue is a LinAlgError, as LAPACK's info > 0 in torch.
//
// Gradients: torch 1.13's linalg_eig_backward, composed of complex flintml ops (so both devices):
//   gA = V⁻ᴴ (diag(gL) + (VᴴgV − VᴴV diag(Re diag(VᴴgV))) / E*) Vᴴ,  E_ij = λ_j − λ_i (diagonal replaced),
// with the two solves as one linalg.solve(Vᴴ, · Vᴴ), and eigvals' V⁻ᴴ diag(gL) Vᴴ. As torch, the backward
// refuses a loss that depends on the eigenvectors' phases (|Im diag(VᴴgV)| > 1e-2: one host read), and
// real input takes the real part of gA (torch's handle_r_to_c). Repeated eigenvalues make E singular:
// the vector gradient is then inf/NaN, as torch's.
import { runFloat32 } from '../amp';
import { required, signature } from '../args';
import * as A from '../args';
import { needsGrad, noGrad, record } from '../autograd';
import { componentDType, isComplexDType } from '../dtype';
import { DTypeError, LinAlgError, ShapeError, ValueError } from '../errors';
import { namedTuple } from '../named-tuple';
import { fmt, numel } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import { conj, imag, real, viewAsComplex, viewAsReal } from './complex';
import { eye, tensor } from './creation';
import { abs, add, div, mul, sub } from './elementwise';
import { solve } from './linalg';
import { matmul } from './matmul';
import { amax } from './reduce';
import { diagEmbed } from './reshaping';
import { contiguous, diagonal, reshape, transpose, unsqueeze } from './views';

/** `[eigenvalues, eigenvectors]` of linalg.eig, with the same names as fields. */
export type EigResult = readonly [eigenvalues: Tensor, eigenvectors: Tensor] & { readonly eigenvalues: Tensor; readonly eigenvectors: Tensor };

const T = required(A.anyValue<Tensor>());
const ARGS = {
  eig: signature('linalg.eig', ['A'], { A: T }),
  eigvals: signature('linalg.eigvals', ['A'], { A: T }),
};

const EPS = 2.220446049250313e-16;

/** One matrix's eigen-decomposition on the host: eigenvalues (wr, wi) and, when asked, the vectors
 *  (vr, vi: n×n row-major, column k the vector of eigenvalue k). */
interface HostEig { wr: Float64Array; wi: Float64Array; vr: Float64Array | null; vi: Float64Array | null }

const noConvergence = (op: string, k: number): LinAlgError => new LinAlgError(
  `${op}: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: ${k}).`);

// ---- real input: orthes + hqr2 ---------------------------------------------------------------------

/** Eigenvalues (and vectors) of a real n×n matrix `a` (row-major, overwritten). */
function realEig(a: Float64Array, n: number, wantV: boolean, op: string): HostEig {
  const H = a, V = new Float64Array(n * n), ort = new Float64Array(n);
  const d = new Float64Array(n), e = new Float64Array(n);
  const high = n - 1;
  // orthes: Householder similarity transformations to Hessenberg form, accumulated in V
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(H[i * n + m - 1]);
    if (scale === 0) continue;
    let h = 0;
    for (let i = high; i >= m; i--) { ort[i] = H[i * n + m - 1] / scale; h += ort[i] * ort[i]; }
    let g = Math.sqrt(h);
    if (ort[m] > 0) g = -g;
    h -= ort[m] * g;
    ort[m] -= g;
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = high; i >= m; i--) f += ort[i] * H[i * n + j];
      f /= h;
      for (let i = m; i <= high; i++) H[i * n + j] -= f * ort[i];
    }
    for (let i = 0; i <= high; i++) {
      let f = 0;
      for (let j = high; j >= m; j--) f += ort[j] * H[i * n + j];
      f /= h;
      for (let j = m; j <= high; j++) H[i * n + j] -= f * ort[j];
    }
    ort[m] *= scale;
    H[m * n + m - 1] = scale * g;
  }
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let m = high - 1; m >= 1; m--) {
    if (H[m * n + m - 1] === 0) continue;
    for (let i = m + 1; i <= high; i++) ort[i] = H[i * n + m - 1];
    for (let j = m; j <= high; j++) {
      let g = 0;
      for (let i = m; i <= high; i++) g += ort[i] * V[i * n + j];
      g = g / ort[m] / H[m * n + m - 1];  // two divisions avoid an underflow
      for (let i = m; i <= high; i++) V[i * n + j] += g * ort[i];
    }
  }

  // hqr2: the Francis double-shift QR iteration to the real Schur form
  let norm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) norm += Math.abs(H[i * n + j]);
  let nn = n - 1, iter = 0, exshift = 0;
  let p = 0, q = 0, r = 0, s = 0, z = 0, w = 0, x = 0, y = 0, t = 0;
  while (nn >= 0) {
    let l = nn;
    while (l > 0) {
      s = Math.abs(H[(l - 1) * n + l - 1]) + Math.abs(H[l * n + l]);
      if (s === 0) s = norm;
      if (Math.abs(H[l * n + l - 1]) < EPS * s) break;
      l--;
    }
    if (l === nn) {  // one root
      H[nn * n + nn] += exshift;
      d[nn] = H[nn * n + nn]; e[nn] = 0;
      nn--; iter = 0;
    } else if (l === nn - 1) {  // two roots
      w = H[nn * n + nn - 1] * H[(nn - 1) * n + nn];
      p = (H[(nn - 1) * n + nn - 1] - H[nn * n + nn]) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      H[nn * n + nn] += exshift;
      H[(nn - 1) * n + nn - 1] += exshift;
      x = H[nn * n + nn];
      if (q >= 0) {  // a real pair: rotate it to upper triangular form
        z = p >= 0 ? p + z : p - z;
        d[nn - 1] = x + z;
        d[nn] = z !== 0 ? x - w / z : d[nn - 1];
        e[nn - 1] = 0; e[nn] = 0;
        x = H[nn * n + nn - 1];
        s = Math.abs(x) + Math.abs(z);
        p = x / s; q = z / s;
        r = Math.sqrt(p * p + q * q);
        p /= r; q /= r;
        for (let j = nn - 1; j < n; j++) {
          z = H[(nn - 1) * n + j];
          H[(nn - 1) * n + j] = q * z + p * H[nn * n + j];
          H[nn * n + j] = q * H[nn * n + j] - p * z;
        }
        for (let i = 0; i <= nn; i++) {
          z = H[i * n + nn - 1];
          H[i * n + nn - 1] = q * z + p * H[i * n + nn];
          H[i * n + nn] = q * H[i * n + nn] - p * z;
        }
        for (let i = 0; i <= high; i++) {
          z = V[i * n + nn - 1];
          V[i * n + nn - 1] = q * z + p * V[i * n + nn];
          V[i * n + nn] = q * V[i * n + nn] - p * z;
        }
      } else {  // a complex pair, positive imaginary part first
        d[nn - 1] = x + p; d[nn] = x + p;
        e[nn - 1] = z; e[nn] = -z;
      }
      nn -= 2; iter = 0;
    } else {  // no convergence yet: form the shift
      x = H[nn * n + nn]; y = 0; w = 0;
      if (l < nn) { y = H[(nn - 1) * n + nn - 1]; w = H[nn * n + nn - 1] * H[(nn - 1) * n + nn]; }
      if (iter === 10) {  // Wilkinson's exceptional shift
        exshift += x;
        for (let i = 0; i <= nn; i++) H[i * n + i] -= x;
        s = Math.abs(H[nn * n + nn - 1]) + Math.abs(H[(nn - 1) * n + nn - 2]);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {  // MATLAB's exceptional shift
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= nn; i++) H[i * n + i] -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > 30 * Math.max(n, 10)) throw noConvergence(op, nn + 1);
      // two consecutive small subdiagonal elements
      let m = nn - 2;
      while (m >= l) {
        z = H[m * n + m];
        r = x - z; s = y - z;
        p = (r * s - w) / H[(m + 1) * n + m] + H[m * n + m + 1];
        q = H[(m + 1) * n + m + 1] - z - r - s;
        r = H[(m + 2) * n + m + 1];
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s; q /= s; r /= s;
        if (m === l) break;
        if (Math.abs(H[m * n + m - 1]) * (Math.abs(q) + Math.abs(r)) <
          EPS * (Math.abs(p) * (Math.abs(H[(m - 1) * n + m - 1]) + Math.abs(z) + Math.abs(H[(m + 1) * n + m + 1])))) break;
        m--;
      }
      for (let i = m + 2; i <= nn; i++) {
        H[i * n + i - 2] = 0;
        if (i > m + 2) H[i * n + i - 3] = 0;
      }
      // the double QR step on rows l..nn and columns m..nn
      for (let k = m; k <= nn - 1; k++) {
        const notlast = k !== nn - 1;
        if (k !== m) {
          p = H[k * n + k - 1]; q = H[(k + 1) * n + k - 1]; r = notlast ? H[(k + 2) * n + k - 1] : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x; q /= x; r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) H[k * n + k - 1] = -s * x;
        else if (l !== m) H[k * n + k - 1] = -H[k * n + k - 1];
        p += s;
        x = p / s; y = q / s; z = r / s;
        q /= p; r /= p;
        for (let j = k; j < n; j++) {
          p = H[k * n + j] + q * H[(k + 1) * n + j];
          if (notlast) { p += r * H[(k + 2) * n + j]; H[(k + 2) * n + j] -= p * z; }
          H[k * n + j] -= p * x;
          H[(k + 1) * n + j] -= p * y;
        }
        for (let i = 0; i <= Math.min(nn, k + 3); i++) {
          p = x * H[i * n + k] + y * H[i * n + k + 1];
          if (notlast) { p += z * H[i * n + k + 2]; H[i * n + k + 2] -= p * r; }
          H[i * n + k] -= p;
          H[i * n + k + 1] -= p * q;
        }
        for (let i = 0; i <= high; i++) {
          p = x * V[i * n + k] + y * V[i * n + k + 1];
          if (notlast) { p += z * V[i * n + k + 2]; V[i * n + k + 2] -= p * r; }
          V[i * n + k] -= p;
          V[i * n + k + 1] -= p * q;
        }
      }
    }
  }
  if (!wantV) return { wr: d, wi: e, vr: null, vi: null };
  if (norm === 0) return realVectors(d, e, V, n);  // the zero matrix: V = I

  // back-substitution for the vectors of the quasi-triangular Schur form (in H's columns)
  let cr = 0, ci = 0;
  const cdiv = (xr: number, xi: number, yr: number, yi: number): void => {
    if (Math.abs(yr) > Math.abs(yi)) { const rr = yi / yr, dd = yr + rr * yi; cr = (xr + rr * xi) / dd; ci = (xi - rr * xr) / dd; }
    else { const rr = yr / yi, dd = yi + rr * yr; cr = (rr * xr + xi) / dd; ci = (rr * xi - xr) / dd; }
  };
  for (nn = n - 1; nn >= 0; nn--) {
    p = d[nn]; q = e[nn];
    if (q === 0) {  // a real vector
      let l = nn;
      H[nn * n + nn] = 1;
      for (let i = nn - 1; i >= 0; i--) {
        w = H[i * n + i] - p;
        r = 0;
        for (let j = l; j <= nn; j++) r += H[i * n + j] * H[j * n + nn];
        if (e[i] < 0) { z = w; s = r; continue; }
        l = i;
        if (e[i] === 0) H[i * n + nn] = w !== 0 ? -r / w : -r / (EPS * norm);
        else {
          x = H[i * n + i + 1]; y = H[(i + 1) * n + i];
          q = (d[i] - p) * (d[i] - p) + e[i] * e[i];
          t = (x * s - z * r) / q;
          H[i * n + nn] = t;
          H[(i + 1) * n + nn] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
        }
        t = Math.abs(H[i * n + nn]);
        if (EPS * t * t > 1) for (let j = i; j <= nn; j++) H[j * n + nn] /= t;
      }
    } else if (q < 0) {  // a complex vector: real part in column nn − 1, imaginary part in nn
      let l = nn - 1;
      if (Math.abs(H[nn * n + nn - 1]) > Math.abs(H[(nn - 1) * n + nn])) {
        H[(nn - 1) * n + nn - 1] = q / H[nn * n + nn - 1];
        H[(nn - 1) * n + nn] = -(H[nn * n + nn] - p) / H[nn * n + nn - 1];
      } else {
        cdiv(0, -H[(nn - 1) * n + nn], H[(nn - 1) * n + nn - 1] - p, q);
        H[(nn - 1) * n + nn - 1] = cr; H[(nn - 1) * n + nn] = ci;
      }
      H[nn * n + nn - 1] = 0; H[nn * n + nn] = 1;
      for (let i = nn - 2; i >= 0; i--) {
        let ra = 0, sa = 0;
        for (let j = l; j <= nn; j++) { ra += H[i * n + j] * H[j * n + nn - 1]; sa += H[i * n + j] * H[j * n + nn]; }
        w = H[i * n + i] - p;
        if (e[i] < 0) { z = w; r = ra; s = sa; continue; }
        l = i;
        if (e[i] === 0) { cdiv(-ra, -sa, w, q); H[i * n + nn - 1] = cr; H[i * n + nn] = ci; }
        else {
          x = H[i * n + i + 1]; y = H[(i + 1) * n + i];
          let vr = (d[i] - p) * (d[i] - p) + e[i] * e[i] - q * q;
          const vi = (d[i] - p) * 2 * q;
          if (vr === 0 && vi === 0) vr = EPS * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
          cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
          H[i * n + nn - 1] = cr; H[i * n + nn] = ci;
          if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
            H[(i + 1) * n + nn - 1] = (-ra - w * H[i * n + nn - 1] + q * H[i * n + nn]) / x;
            H[(i + 1) * n + nn] = (-sa - w * H[i * n + nn] - q * H[i * n + nn - 1]) / x;
          } else {
            cdiv(-r - y * H[i * n + nn - 1], -s - y * H[i * n + nn], z, q);
            H[(i + 1) * n + nn - 1] = cr; H[(i + 1) * n + nn] = ci;
          }
        }
        t = Math.max(Math.abs(H[i * n + nn - 1]), Math.abs(H[i * n + nn]));
        if (EPS * t * t > 1) for (let j = i; j <= nn; j++) { H[j * n + nn - 1] /= t; H[j * n + nn] /= t; }
      }
    }
  }
  // back-transform: V ← V · (the Schur form's vectors, upper triangular)
  for (let j = n - 1; j >= 0; j--) {
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let k = 0; k <= j; k++) acc += V[i * n + k] * H[k * n + j];
      V[i * n + j] = acc;
    }
  }
  return realVectors(d, e, V, n);
}

/** hqr2's real V (a complex pair as [re | im] columns) to complex unit vectors, normalized as dgeev. */
function realVectors(d: Float64Array, e: Float64Array, V: Float64Array, n: number): HostEig {
  const vr = new Float64Array(n * n), vi = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    if (e[k] === 0) {
      let s = 0;
      for (let i = 0; i < n; i++) s += V[i * n + k] * V[i * n + k];
      const inv = s > 0 ? 1 / Math.sqrt(s) : 1;
      for (let i = 0; i < n; i++) vr[i * n + k] = V[i * n + k] * inv;
      continue;
    }
    // the pair (k, k + 1): u + i·w for λ_k (Im > 0), u − i·w for λ_{k+1}
    let s = 0, big = -1, at = 0;
    for (let i = 0; i < n; i++) {
      const a = V[i * n + k], b = V[i * n + k + 1], m2 = a * a + b * b;
      s += m2;
      if (m2 > big) { big = m2; at = i; }
    }
    const inv = s > 0 ? 1 / Math.sqrt(s) : 1;
    // dgeev's rotation (dlartg): the largest component becomes real, keeping the sign of its real part
    const f = V[at * n + k], g = V[at * n + k + 1];
    let c = 1, sn = 0;
    if (g !== 0) {
      if (f === 0) { c = 0; sn = Math.sign(g); } else { const dd = Math.hypot(f, g), rr = f < 0 ? -dd : dd; c = Math.abs(f) / dd; sn = g / rr; }
    }
    for (let i = 0; i < n; i++) {
      const a = V[i * n + k], b = V[i * n + k + 1];
      const re = (c * a + sn * b) * inv, im = i === at ? 0 : (c * b - sn * a) * inv;
      vr[i * n + k] = re; vi[i * n + k] = im;
      vr[i * n + k + 1] = re; vi[i * n + k + 1] = -im;
    }
    k++;
  }
  return { wr: d, wi: e, vr, vi };
}

// ---- complex input: Householder Hessenberg + complex shifted QR -----------------------------------

/** Eigenvalues (and vectors) of a complex n×n matrix (re, im row-major, overwritten). */
function complexEig(hr: Float64Array, hi: Float64Array, n: number, wantV: boolean, op: string): HostEig {
  const qr = new Float64Array(n * n), qi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qr[i * n + i] = 1;
  const ur = new Float64Array(n), ui = new Float64Array(n);
  // Householder reduction to Hessenberg form: H ← P H P, Q ← Q P with P = I − u uᴴ / h
  for (let m = 1; m < n - 1; m++) {
    let nrm2 = 0;
    for (let i = m; i < n; i++) nrm2 += hr[i * n + m - 1] ** 2 + hi[i * n + m - 1] ** 2;
    const tail = nrm2 - hr[m * n + m - 1] ** 2 - hi[m * n + m - 1] ** 2;
    if (tail === 0) continue;
    const nrm = Math.sqrt(nrm2), x0r = hr[m * n + m - 1], x0i = hi[m * n + m - 1], a0 = Math.hypot(x0r, x0i);
    const phr = a0 === 0 ? 1 : x0r / a0, phi = a0 === 0 ? 0 : x0i / a0;
    for (let i = m; i < n; i++) { ur[i] = hr[i * n + m - 1]; ui[i] = hi[i * n + m - 1]; }
    ur[m] += phr * nrm; ui[m] += phi * nrm;  // u = x + e^{iθ}‖x‖ e₁
    let h = 0;
    for (let i = m; i < n; i++) h += ur[i] * ur[i] + ui[i] * ui[i];
    h /= 2;
    // rows: H ← H − u (uᴴ H) / h
    for (let j = 0; j < n; j++) {
      let fr = 0, fi = 0;
      for (let i = m; i < n; i++) { fr += ur[i] * hr[i * n + j] + ui[i] * hi[i * n + j]; fi += ur[i] * hi[i * n + j] - ui[i] * hr[i * n + j]; }
      fr /= h; fi /= h;
      for (let i = m; i < n; i++) { hr[i * n + j] -= ur[i] * fr - ui[i] * fi; hi[i * n + j] -= ur[i] * fi + ui[i] * fr; }
    }
    // columns: H ← H − (H u) uᴴ / h, and the same on Q
    for (const [mr, mi] of [[hr, hi], [qr, qi]]) {
      for (let i = 0; i < n; i++) {
        let fr = 0, fi = 0;
        for (let j = m; j < n; j++) { fr += mr[i * n + j] * ur[j] - mi[i * n + j] * ui[j]; fi += mr[i * n + j] * ui[j] + mi[i * n + j] * ur[j]; }
        fr /= h; fi /= h;
        for (let j = m; j < n; j++) { mr[i * n + j] -= fr * ur[j] + fi * ui[j]; mi[i * n + j] -= fi * ur[j] - fr * ui[j]; }
      }
    }
    for (let i = m + 1; i < n; i++) { hr[i * n + m - 1] = 0; hi[i * n + m - 1] = 0; }
  }
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += Math.hypot(hr[i], hi[i]);
  // the QR iteration on the active window [l, top], deflating from the bottom
  const cs = new Float64Array(n), snr = new Float64Array(n), sni = new Float64Array(n);
  const cabs = (i: number): number => Math.abs(hr[i]) + Math.abs(hi[i]);
  let top = n - 1, iter = 0;
  while (top > 0) {
    let l = top;
    while (l > 0) {
      let s = cabs((l - 1) * n + l - 1) + cabs(l * n + l);
      if (s === 0) s = norm;
      if (cabs(l * n + l - 1) <= EPS * s) { hr[l * n + l - 1] = 0; hi[l * n + l - 1] = 0; break; }
      l--;
    }
    if (l === top) { top--; iter = 0; continue; }
    iter++;
    if (iter > 30 * Math.max(n, 10)) throw noConvergence(op, top + 1);
    let mur: number, mui: number;
    if (iter % 10 === 0) {  // exceptional shift (zlahqr's)
      mur = 0.75 * Math.abs(hr[top * n + top - 1]) + hr[top * n + top]; mui = hi[top * n + top];
    } else {  // Wilkinson: the eigenvalue of the trailing 2×2 nearer its last diagonal element
      const ar = hr[(top - 1) * n + top - 1], ai = hi[(top - 1) * n + top - 1], dr = hr[top * n + top], di = hi[top * n + top];
      const br = hr[(top - 1) * n + top], bi = hi[(top - 1) * n + top], cr = hr[top * n + top - 1], ci = hi[top * n + top - 1];
      const pr = (ar - dr) / 2, pi = (ai - di) / 2;  // λ = d + p ± sqrt(p² + bc)
      const zr = pr * pr - pi * pi + br * cr - bi * ci, zi = 2 * pr * pi + br * ci + bi * cr;
      const zm = Math.hypot(zr, zi);
      let sr = Math.sqrt((zm + zr) / 2), si = Math.sqrt(Math.max((zm - zr) / 2, 0));
      if (zi < 0) si = -si;
      if (sr * pr + si * pi < 0) { sr = -sr; si = -si; }  // p + sqrt has the larger modulus: λ = d − bc/(p + sqrt)
      const denr = pr + sr, deni = pi + si, den2 = denr * denr + deni * deni;
      if (den2 === 0) { mur = dr; mui = di; }
      else {
        const bcr = br * cr - bi * ci, bci = br * ci + bi * cr;
        mur = dr - (bcr * denr + bci * deni) / den2; mui = di - (bci * denr - bcr * deni) / den2;
      }
    }
    for (let k = l; k <= top; k++) { hr[k * n + k] -= mur; hi[k * n + k] -= mui; }
    // H − μI = QR by Givens rotations on rows (over every column to the right: the full Schur form)
    for (let k = l; k < top; k++) {
      const ar = hr[k * n + k], ai = hi[k * n + k], br = hr[(k + 1) * n + k], bi = hi[(k + 1) * n + k];
      const aa = Math.hypot(ar, ai), rr = Math.hypot(aa, Math.hypot(br, bi));
      let c: number, sr: number, si: number;
      if (rr === 0) { c = 1; sr = 0; si = 0; }
      else if (aa === 0) { c = 0; sr = br / rr; si = -bi / rr; }
      else { c = aa / rr; const pr = ar / aa, pi = ai / aa; sr = (pr * br + pi * bi) / rr; si = (pi * br - pr * bi) / rr; }  // s = (a/|a|)·conj(b)/r
      cs[k] = c; snr[k] = sr; sni[k] = si;
      for (let j = k; j < n; j++) {
        const xr = hr[k * n + j], xi = hi[k * n + j], yr = hr[(k + 1) * n + j], yi = hi[(k + 1) * n + j];
        hr[k * n + j] = c * xr + sr * yr - si * yi; hi[k * n + j] = c * xi + sr * yi + si * yr;
        hr[(k + 1) * n + j] = -(sr * xr + si * xi) + c * yr; hi[(k + 1) * n + j] = -(sr * xi - si * xr) + c * yi;
      }
    }
    // R Gᴴ on the columns (every row above), accumulated into Q
    for (let k = l; k < top; k++) {
      const c = cs[k], sr = snr[k], si = sni[k];
      for (const [mr, mi, rows] of [[hr, hi, Math.min(k + 2, top + 1)], [qr, qi, n]] as const) {
        for (let i = 0; i < rows; i++) {
          const xr = mr[i * n + k], xi = mi[i * n + k], yr = mr[i * n + k + 1], yi = mi[i * n + k + 1];
          mr[i * n + k] = c * xr + sr * yr + si * yi; mi[i * n + k] = c * xi + sr * yi - si * yr;  // x c + y s̄
          mr[i * n + k + 1] = -(sr * xr - si * xi) + c * yr; mi[i * n + k + 1] = -(sr * xi + si * xr) + c * yi;  // −x s + y c
        }
      }
    }
    for (let k = l; k <= top; k++) { hr[k * n + k] += mur; hi[k * n + k] += mui; }
  }
  const wr = new Float64Array(n), wi = new Float64Array(n);
  for (let k = 0; k < n; k++) { wr[k] = hr[k * n + k]; wi[k] = hi[k * n + k]; }
  if (!wantV) return { wr, wi, vr: null, vi: null };
  // eigenvectors of the triangular T by back-substitution (ztrevc), then v = Q x, normalized as zgeev
  const vr = new Float64Array(n * n), vi = new Float64Array(n * n), xr = new Float64Array(n), xi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const lr = wr[k], li = wi[k];
    const smin = Math.max(EPS * (Math.abs(lr) + Math.abs(li)), 1e-300);
    xr.fill(0); xi.fill(0); xr[k] = 1;
    for (let i = k - 1; i >= 0; i--) {
      let sr = 0, si = 0;
      for (let j = i + 1; j <= k; j++) { sr += hr[i * n + j] * xr[j] - hi[i * n + j] * xi[j]; si += hr[i * n + j] * xi[j] + hi[i * n + j] * xr[j]; }
      let dr = hr[i * n + i] - lr, di = hi[i * n + i] - li;
      if (Math.abs(dr) + Math.abs(di) < smin) { dr = smin; di = 0; }
      const d2 = dr * dr + di * di;
      xr[i] = -(sr * dr + si * di) / d2; xi[i] = -(si * dr - sr * di) / d2;
    }
    let s = 0, big = -1, at = 0;
    for (let i = 0; i < n; i++) {
      let ar = 0, ai = 0;
      for (let j = 0; j <= k; j++) { ar += qr[i * n + j] * xr[j] - qi[i * n + j] * xi[j]; ai += qr[i * n + j] * xi[j] + qi[i * n + j] * xr[j]; }
      vr[i * n + k] = ar; vi[i * n + k] = ai;
      const m2 = ar * ar + ai * ai;
      s += m2;
      if (m2 > big) { big = m2; at = i; }
    }
    // unit norm, and the largest component real positive: times conj(v_at)/|v_at|
    const am = Math.sqrt(big), pr = vr[at * n + k] / am, pi = -vi[at * n + k] / am, inv = 1 / Math.sqrt(s);
    for (let i = 0; i < n; i++) {
      const ar = vr[i * n + k], ai = vi[i * n + k];
      vr[i * n + k] = (ar * pr - ai * pi) * inv; vi[i * n + k] = i === at ? 0 : (ar * pi + ai * pr) * inv;
    }
  }
  return { wr, wi, vr, vi };
}

// ---- the op ------------------------------------------------------------------------------------------

/** eig of a checked A on the host: [L, V] on A's device (V is an empty [0] tensor when not computed). */
function eigForward(a: Tensor, wantV: boolean, op: string): [Tensor, Tensor] {
  const s = a._shape, nd = s.length;
  if (nd < 2) throw new ShapeError(`${op}: The input tensor A must have at least 2 dimensions.`);
  if (s[nd - 1] !== s[nd - 2]) throw new ShapeError(`${op}: A must be batches of square matrices, but they are ${s[nd - 2]} by ${s[nd - 1]} matrices (shape ${fmt(s)})`);
  const cplx = isComplexDType(a.dtype);
  const part = cplx ? componentDType(a.dtype) : a.dtype;
  if (part !== 'float32' && part !== 'float64') {
    throw new DTypeError(`${op}: Expected a floating point or complex tensor as input. Got ${String(a.dtype)}`);
  }
  const n = s[nd - 1], batch = s.slice(0, -2), count = numel(batch);
  const Lh = new Float64Array(2 * count * n), Vh = new Float64Array(wantV ? 2 * count * n * n : 0);
  if (count * n > 0) {
    const host = scopeSync(() => noGrad(() => contiguous(cplx ? viewAsReal(a) : a).dataSync())) as Float32Array | Float64Array;
    for (let i = 0; i < host.length; i++) {
      if (!Number.isFinite(host[i])) throw new ValueError(`${op}: input tensor should not contain infs or NaNs (shape ${fmt(s)})`);
    }
    const nn = n * n;
    for (let b = 0; b < count; b++) {
      let r: HostEig;
      if (cplx) {
        const re = new Float64Array(nn), im = new Float64Array(nn);
        for (let i = 0; i < nn; i++) { re[i] = host[2 * (b * nn + i)]; im[i] = host[2 * (b * nn + i) + 1]; }
        r = complexEig(re, im, n, wantV, op);
      } else {
        r = realEig(Float64Array.from(host.subarray(b * nn, (b + 1) * nn)), n, wantV, op);
      }
      for (let k = 0; k < n; k++) { Lh[2 * (b * n + k)] = r.wr[k]; Lh[2 * (b * n + k) + 1] = r.wi[k]; }
      if (wantV) for (let i = 0; i < nn; i++) { Vh[2 * (b * nn + i)] = r.vr![i]; Vh[2 * (b * nn + i) + 1] = r.vi![i]; }
    }
  }
  const upload = (data: Float64Array, shape: readonly number[]): Tensor => {
    const flat = tensor(part === 'float64' ? data : Float32Array.from(data), { dtype: part, device: a.device });
    return viewAsComplex(reshape(flat, [...shape, 2]));
  };
  return scopeSync(() => noGrad((): [Tensor, Tensor] => {  // the real staging tensors are disposed, the complex views kept
    const L = upload(Lh, [...batch, n]);
    const V = wantV ? upload(Vh, [...batch, n, n]) : upload(new Float64Array(0), [0]);
    return [L, V];
  }));
}

const mH = (x: Tensor): Tensor => conj(transpose(x, -2, -1));

/** torch 1.13's linalg_eig_backward (not Hermitian), real part for real input. */
function eigBackward(gL: Tensor | null, gV: Tensor | null, L: Tensor, V: Tensor, realInput: boolean): Tensor {
  const Vh = mH(V);
  let gA: Tensor;
  if (!gV) {
    gA = solve(Vh, mul(unsqueeze(gL!, -1), Vh));
  } else {
    const VhgV = matmul(Vh, gV);
    const dg = diagonal(VhgV, 0, -2, -1);
    // the loss must not depend on the vectors' phases (torch: allclose(Im diag(VᴴgV), 0, 1e-2, 1e-2))
    if (dg.numel > 0 && amax(abs(imag(dg))).item() > 1e-2) {
      throw new ValueError('linalg_eig_backward: The eigenvectors in the complex case are specified up to multiplication by e^{i phi}. The specified loss function depends on this quantity, so it is ill-defined.');
    }
    const n = L._shape[L.ndim - 1];
    const I = eye(n, { dtype: componentDType(L.dtype), device: L.device });
    const Lc = conj(L);
    const Econj = add(sub(unsqueeze(Lc, -2), unsqueeze(Lc, -1)), I);  // conj(λ_j − λ_i), 1 on the diagonal
    const inner = div(sub(VhgV, matmul(Vh, mul(V, unsqueeze(real(dg), -2)))), Econj);
    gA = mul(inner, sub(1, I));  // (1 − I) keeps an infinite off-diagonal entry infinite  // the diagonal is replaced by gL (or 0)
    if (gL) gA = add(gA, diagEmbed(gL));
    gA = solve(Vh, matmul(gA, Vh));
  }
  return realInput ? real(gA) : gA;
}

function eigPublic(a: Tensor): EigResult {
  const op = 'linalg.eig';
  const [L, V] = eigForward(a, true, op);
  if (needsGrad(a)) {
    const realInput = !isComplexDType(a.dtype);
    record(op, [a], [L, V], [L, V], ([gL, gV], [L0, V0]) => scopeSync(() => [eigBackward(gL, gV, L0, V0, realInput)]), true);
  }
  return namedTuple(['eigenvalues', 'eigenvectors'], [L, V]) as EigResult;
}

function eigvalsPublic(a: Tensor): Tensor {
  const op = 'linalg.eigvals';
  const grad = needsGrad(a);
  const [L, V] = eigForward(a, grad, op);
  if (grad) {
    const realInput = !isComplexDType(a.dtype);
    record(op, [a], [L], [L, V], ([gL], [L0, V0]) => scopeSync(() => [eigBackward(gL, null, L0, V0, realInput)]), true);
  } else V.dispose();
  return L;
}

/**
 * The eigenvalues and eigenvectors of general square matrices A [..., n, n] (real or complex), as
 * `torch.linalg.eig(A)`: complex outputs (complex64 for float32/complex64, complex128 for float64/
 * complex128), A V = V diag(L), each eigenvector (a column of V) of unit norm with its largest
 * component real. Computed on the host in float64 (one synchronization, as torch's CUDA eig);
 * differentiable when the loss does not depend on the eigenvectors' phases.
 * ```ts
 * const A = fl.tensor([[0, -1], [1, 0]], { dtype: 'float64' });
 * const [L, V] = fl.linalg.eig(A);   // L = [i, −i]; A·V ≈ V·diag(L)
 * ```
 */
export function eig(A_: Tensor): EigResult;
export function eig(...args: unknown[]): EigResult {
  const o = ARGS.eig.parse(args);
  const r = runFloat32(eigPublic, [o.A]); if (r) return r;
  return eigPublic(o.A);
}

/**
 * The eigenvalues of general square matrices A [..., n, n], as `torch.linalg.eigvals(A)`: complex
 * (complex64 for float32/complex64 input, complex128 for float64/complex128), in linalg.eig's order.
 * ```ts
 * const L = fl.linalg.eigvals(fl.tensor([[2, 1], [0, 3]], { dtype: 'float64' }));   // [2, 3] as complex128
 * ```
 */
export function eigvals(A_: Tensor): Tensor;
export function eigvals(...args: unknown[]): Tensor {
  const o = ARGS.eigvals.parse(args);
  const r = runFloat32(eigvalsPublic, [o.A]); if (r) return r;
  return eigvalsPublic(o.A);
}

/** The entries of fl.linalg that this file adds. */
export const linalgEig = { eig, eigvals };
