// decomp.h — DESIGN: torch.linalg's orthogonal and spectral decompositions ("linalgQr",
// "linalgEigh", "linalgSvd"), written once for both devices. Each matrix of the batch is factored
// by one serial routine below (FLINT_HD), in double whatever the storage dtype (float32 inputs are
// factored in double and rounded once when stored), on a column-major workspace of its own:
//
// - QR: Householder QR with LAPACK's conventions (dgeqr2: v[0] = 1, beta = -sign(alpha)·‖x‖,
//   tau = (beta - alpha) / beta, tau = 0 when the column below the diagonal is zero; then dorg2r
//   forms Q), so Q and R are torch's (LAPACK's) up to rounding, signs included.
// - eigh: Householder tridiagonalisation and the implicit QL method (EISPACK tred2/tql2, as in
//   JAMA), eigenvalues ascending, eigenvectors orthonormal; reads one triangle (UPLO). At most 60
//   QL iterations per eigenvalue; a non-finite input or no convergence gives NaN (as torch's NaN
//   input gives NaN), never a hang.
// - SVD: one-sided (Hestenes) Jacobi on the columns of A (of Aᵀ when A is wide): rotations until
//   every pair of columns is orthogonal to 1e-15 relative (at most 100 sweeps), singular values
//   descending, U's columns for zero singular values (and full_matrices' extra columns) completed
//   to an orthonormal basis by Gram-Schmidt on unit vectors. A non-finite input is refused as torch
//   refuses it (its LinAlgError: "The algorithm failed to converge because the input matrix
//   contained non-finite values."): bit E_DECOMP_NONFINITE of the error word (GPU) / thrown at once
//   (CPU), and NaN outputs.
//
// Who includes it: native/cpu/decomp.cpp (parallelFor over the batch, a workspace per chunk),
// native/gpu/ops_decomp.cpp (checks, DecompArgs, a device workspace) and native/kernels/decomp.cu
// (one thread per matrix — correct first; a faster GPU version would give each matrix a block and
// split the column loops (dot products, rotations, reflector applications) over its threads, or
// use cuSOLVER's batched Jacobi where available).
//
// Operands (outputs contiguous row-major, A any strides, batch dims = A's leading dims):
//   linalgQr:   t[0] Q [..., m, kq], t[1] R [..., kr, n], t[2] A [..., m, n];
//               p[0] 1 = complete (kq = kr = m) else reduced (kq = kr = k); p[1] 1 = compute Q
//               (else t[0] is not touched; mode 'r').
//   linalgEigh: t[0] w [..., n], t[1] V [..., n, n], t[2] A [..., n, n]; p[0] 1 = upper triangle
//               (UPLO 'U') else lower; p[1] 1 = compute V (else t[1] is not touched).
//   linalgSvd:  t[0] U [..., m, ku], t[1] S [..., k], t[2] Vh [..., kv, n], t[3] A [..., m, n];
//               p[0] 1 = full matrices (ku = m, kv = n) else ku = kv = k; p[1] 1 = compute U, Vh.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cmath>
#include "hd.h"
#include "tensor.h"

namespace flint {

/** Bits of the error word of linalgSvd. */
enum DecompErrBits { E_DECOMP_NONFINITE = 1 };

/** A's layout (the batch is A's leading dims) and the sizes the kernels need. */
struct DecompArgs {
  int32_t ndim;
  int32_t flags;  // bit 0: complete / full / upper; bit 1: compute Q / V / U,Vh
  int64_t batch;
  int64_t m, n;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxDims];
};
static_assert(offsetof(DecompArgs, shape) == 32 && sizeof(DecompArgs) == 32 + 16 * kMaxDims, "DecompArgs layout");

namespace decomp {

FLINT_HD inline int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }
FLINT_HD inline int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }
FLINT_HD inline double dabs(double x) { return x < 0 ? -x : x; }
FLINT_HD inline bool finite(double x) { return x - x == 0; }
FLINT_HD inline double quietNaN() { const double z = 0; return z / z; }
/** sqrt(a² + b²) without overflow; NaN when either is NaN. */
FLINT_HD inline double hypot2(double a, double b) {
  a = dabs(a); b = dabs(b);
  if (a != a || b != b) return a + b;
  const double mx = a > b ? a : b, mn = a > b ? b : a;
  if (mx == 0) return 0;
  const double r = mn / mx;
  return mx * sqrt(1 + r * r);
}

/** Offset (elements) of matrix `b` of the batch in A. */
FLINT_HD inline int64_t matrixOffset(const DecompArgs& a, int64_t b) {
  int64_t off = 0;
  for (int d = a.ndim - 3; d >= 0; d--) {
    const int64_t s = a.shape[d], q = b / s;
    off += (b - q * s) * a.strides[d];
    b = q;
  }
  return off;
}

/** Copies matrix `b` of A into `w` (column-major, ld m); false when an element is not finite. */
template <class T> FLINT_HD bool loadMatrix(const DecompArgs& a, int64_t b, const T* A, double* w) {
  const T* src = A + matrixOffset(a, b);
  const int64_t rs = a.strides[a.ndim - 2], cs = a.strides[a.ndim - 1];
  bool ok = true;
  for (int64_t j = 0; j < a.n; j++)
    for (int64_t i = 0; i < a.m; i++) {
      const double v = (double)src[i * rs + j * cs];
      ok = ok && finite(v);
      w[i + j * a.m] = v;
    }
  return ok;
}

// ---- QR ------------------------------------------------------------------------------------------

/** dgeqr2: a (m x n, column-major) holds R above the diagonal and the reflectors below; tau[k]. */
FLINT_HD inline void geqr2(double* a, int64_t m, int64_t n, double* tau) {
  const int64_t k = imin(m, n);
  for (int64_t j = 0; j < k; j++) {
    double* x = a + j + j * m;
    const int64_t len = m - j;
    double ss = 0, scale = 0;
    for (int64_t i = 1; i < len; i++) { const double v = dabs(x[i]); if (v > scale) scale = v; }
    if (scale > 0 && finite(scale)) { for (int64_t i = 1; i < len; i++) { const double v = x[i] / scale; ss += v * v; } }
    const double xnorm = scale > 0 && finite(scale) ? scale * sqrt(ss) : scale;  // NaN/inf propagate
    const double alpha = x[0];
    if (xnorm == 0) { tau[j] = 0; continue; }
    const double r = hypot2(alpha, xnorm);
    const double beta = alpha >= 0 ? -r : r;
    tau[j] = (beta - alpha) / beta;
    const double sc = 1 / (alpha - beta);
    for (int64_t i = 1; i < len; i++) x[i] *= sc;
    x[0] = beta;
    // H = I - tau v vᵀ (v = [1, x[1:]]) applied to the columns on the right
    for (int64_t c = j + 1; c < n; c++) {
      double* y = a + j + c * m;
      double w = y[0];
      for (int64_t i = 1; i < len; i++) w += x[i] * y[i];
      w *= tau[j];
      y[0] -= w;
      for (int64_t i = 1; i < len; i++) y[i] -= w * x[i];
    }
  }
}

/** dorg2r: q (m x kq, column-major) holds the k reflectors in its first k columns; forms Q there. */
FLINT_HD inline void org2r(double* q, int64_t m, int64_t kq, int64_t k, const double* tau) {
  for (int64_t j = k; j < kq; j++) {
    for (int64_t i = 0; i < m; i++) q[i + j * m] = 0;
    q[j + j * m] = 1;
  }
  for (int64_t i = k - 1; i >= 0; i--) {
    double* v = q + i + i * m;
    const int64_t len = m - i;
    if (i < kq - 1) {
      v[0] = 1;
      for (int64_t c = i + 1; c < kq; c++) {
        double* y = q + i + c * m;
        double w = 0;
        for (int64_t r = 0; r < len; r++) w += v[r] * y[r];
        w *= tau[i];
        for (int64_t r = 0; r < len; r++) y[r] -= w * v[r];
      }
    }
    for (int64_t r = 1; r < len; r++) v[r] *= -tau[i];
    v[0] = 1 - tau[i];
    for (int64_t r = 0; r < i; r++) q[r + i * m] = 0;
  }
}

inline FLINT_HD int64_t qrWorkspace(int64_t m, int64_t n, bool complete) {
  const int64_t k = imin(m, n);
  return m * n + k + m * (complete ? m : k);
}

/** QR of matrix `b`: Q [m, kq] (when computeQ) and R [kr, n], row-major. */
template <class T> FLINT_HD void qrMatrix(const DecompArgs& a, int64_t b, const T* A, T* Q, T* R, double* ws) {
  const int64_t m = a.m, n = a.n, k = imin(m, n);
  const bool complete = (a.flags & 1) != 0, computeQ = (a.flags & 2) != 0;
  const int64_t kq = complete ? m : k, kr = complete ? m : k;
  double* w = ws;
  double* tau = ws + m * n;
  double* q = tau + k;
  loadMatrix(a, b, A, w);
  geqr2(w, m, n, tau);
  T* r = R + b * kr * n;
  for (int64_t i = 0; i < kr; i++)
    for (int64_t j = 0; j < n; j++) r[i * n + j] = (T)(j >= i && i < m ? w[i + j * m] : 0.0);
  if (!computeQ) return;
  for (int64_t j = 0; j < k; j++)
    for (int64_t i = 0; i < m; i++) q[i + j * m] = w[i + j * m];
  org2r(q, m, kq, k, tau);
  T* qo = Q + b * m * kq;
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < kq; j++) qo[i * kq + j] = (T)q[i + j * m];
}

// ---- symmetric eigendecomposition ---------------------------------------------------------------

/** tred2 (EISPACK, as JAMA): V (n x n, column-major, V(i,j) = v[i + j*n]) symmetric -> tridiagonal d, e and the transform in V. */
FLINT_HD inline void tred2(double* v, int64_t n, double* d, double* e) {
#define FLINT_V(i, j) v[(i) + (j) * n]
  for (int64_t j = 0; j < n; j++) d[j] = FLINT_V(n - 1, j);
  for (int64_t i = n - 1; i > 0; i--) {
    double scale = 0, h = 0;
    for (int64_t k = 0; k < i; k++) scale += dabs(d[k]);
    if (scale == 0) {
      e[i] = d[i - 1];
      for (int64_t j = 0; j < i; j++) { d[j] = FLINT_V(i - 1, j); FLINT_V(i, j) = 0; FLINT_V(j, i) = 0; }
    } else {
      for (int64_t k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      double f = d[i - 1];
      double g = sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h = h - f * g;
      d[i - 1] = f - g;
      for (int64_t j = 0; j < i; j++) e[j] = 0;
      for (int64_t j = 0; j < i; j++) {
        f = d[j];
        FLINT_V(j, i) = f;
        g = e[j] + FLINT_V(j, j) * f;
        for (int64_t k = j + 1; k <= i - 1; k++) { g += FLINT_V(k, j) * d[k]; e[k] += FLINT_V(k, j) * f; }
        e[j] = g;
      }
      f = 0;
      for (int64_t j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const double hh = f / (h + h);
      for (int64_t j = 0; j < i; j++) e[j] -= hh * d[j];
      for (int64_t j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        for (int64_t k = j; k <= i - 1; k++) FLINT_V(k, j) -= (f * e[k] + g * d[k]);
        d[j] = FLINT_V(i - 1, j);
        FLINT_V(i, j) = 0;
      }
    }
    d[i] = h;
  }
  for (int64_t i = 0; i < n - 1; i++) {
    FLINT_V(n - 1, i) = FLINT_V(i, i);
    FLINT_V(i, i) = 1;
    const double h = d[i + 1];
    if (h != 0) {
      for (int64_t k = 0; k <= i; k++) d[k] = FLINT_V(k, i + 1) / h;
      for (int64_t j = 0; j <= i; j++) {
        double g = 0;
        for (int64_t k = 0; k <= i; k++) g += FLINT_V(k, i + 1) * FLINT_V(k, j);
        for (int64_t k = 0; k <= i; k++) FLINT_V(k, j) -= g * d[k];
      }
    }
    for (int64_t k = 0; k <= i; k++) FLINT_V(k, i + 1) = 0;
  }
  for (int64_t j = 0; j < n; j++) { d[j] = FLINT_V(n - 1, j); FLINT_V(n - 1, j) = 0; }
  FLINT_V(n - 1, n - 1) = 1;
  e[0] = 0;
}

/** tql2 (EISPACK, as JAMA): eigenvalues d ascending, eigenvectors in V's columns; false when an eigenvalue did not converge. */
FLINT_HD inline bool tql2(double* v, int64_t n, double* d, double* e) {
  for (int64_t i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  double f = 0, tst1 = 0;
  const double eps = 2.220446049250313e-16;
  for (int64_t l = 0; l < n; l++) {
    const double t = dabs(d[l]) + dabs(e[l]);
    if (t > tst1) tst1 = t;
    int64_t m = l;
    while (m < n - 1) {
      if (dabs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      int iter = 0;
      do {
        if (++iter > 60) return false;
        double g = d[l];
        double p = (d[l + 1] - g) / (2 * e[l]);
        double r = hypot2(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const double dl1 = d[l + 1];
        double h = g - d[l];
        for (int64_t i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        double c = 1, c2 = c, c3 = c;
        const double el1 = e[l + 1];
        double s = 0, s2 = 0;
        for (int64_t i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot2(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          double* vi = v + i * n;
          double* vi1 = v + (i + 1) * n;
          for (int64_t k = 0; k < n; k++) {
            h = vi1[k];
            vi1[k] = s * vi[k] + c * h;
            vi[k] = c * vi[k] - s * h;
          }
        }
        p = -s * s2 * c3 * el1 * e[l] / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(d[l] == d[l]) || !(e[l] == e[l])) return false;
      } while (dabs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
  for (int64_t i = 0; i < n - 1; i++) {
    int64_t k = i;
    double p = d[i];
    for (int64_t j = i + 1; j < n; j++) if (d[j] < p) { k = j; p = d[j]; }
    if (k != i) {
      d[k] = d[i];
      d[i] = p;
      for (int64_t j = 0; j < n; j++) { const double x = FLINT_V(j, i); FLINT_V(j, i) = FLINT_V(j, k); FLINT_V(j, k) = x; }
    }
  }
  return true;
#undef FLINT_V
}

inline FLINT_HD int64_t eighWorkspace(int64_t n) { return n * n + 2 * n; }

/** eigh of matrix `b` (one triangle read): w [n] ascending and V [n, n] row-major (columns = eigenvectors). */
template <class T> FLINT_HD void eighMatrix(const DecompArgs& a, int64_t b, const T* A, T* W, T* V, double* ws) {
  const int64_t n = a.n;
  const bool upper = (a.flags & 1) != 0, computeV = (a.flags & 2) != 0;
  double* v = ws;
  double* d = ws + n * n;
  double* e = d + n;
  const T* src = A + matrixOffset(a, b);
  const int64_t rs = a.strides[a.ndim - 2], cs = a.strides[a.ndim - 1];
  bool ok = true;
  for (int64_t j = 0; j < n; j++)
    for (int64_t i = j; i < n; i++) {  // (i, j) in the lower triangle; the upper one is its transpose
      const double x = upper ? (double)src[j * rs + i * cs] : (double)src[i * rs + j * cs];
      ok = ok && finite(x);
      v[i + j * n] = x;
      v[j + i * n] = x;
    }
  if (ok && n > 0) { tred2(v, n, d, e); ok = tql2(v, n, d, e); }
  const double nan = quietNaN();
  T* wo = W + b * n;
  for (int64_t i = 0; i < n; i++) wo[i] = (T)(ok ? d[i] : nan);
  if (!computeV) return;
  T* vo = V + b * n * n;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) vo[i * n + j] = (T)(ok ? v[i + j * n] : nan);
}

// ---- SVD -----------------------------------------------------------------------------------------

/**
 * One-sided Jacobi: w (p x q, column-major, p >= q) becomes U·diag(S) with orthogonal columns and
 * vm (q x q) accumulates V (when computeV). Returns the number of sweeps.
 */
FLINT_HD inline int jacobiSweeps(double* w, int64_t p, int64_t q, double* vm, bool computeV, double* nrm) {
  const double tol = 1e-15;
  int sweep = 0;
  for (; sweep < 100; sweep++) {
    bool rotated = false;
    // the squared column norms, recomputed each sweep and updated by each rotation in between
    for (int64_t j = 0; j < q; j++) {
      const double* x = w + j * p;
      double ss = 0;
      for (int64_t r = 0; r < p; r++) ss += x[r] * x[r];
      nrm[j] = ss;
    }
    for (int64_t i = 0; i + 1 < q; i++)
      for (int64_t j = i + 1; j < q; j++) {
        double* x = w + i * p;
        double* y = w + j * p;
        const double alpha = nrm[i], beta = nrm[j];
        if (alpha == 0 || beta == 0) continue;
        double gamma = 0;
        for (int64_t r = 0; r < p; r++) gamma += x[r] * y[r];
        if (!(dabs(gamma) > tol * sqrt(alpha) * sqrt(beta))) continue;
        rotated = true;
        const double zeta = (beta - alpha) / (2 * gamma);
        const double az = dabs(zeta);
        const double t = (zeta >= 0 ? 1.0 : -1.0) / (az > 1e150 ? 2 * az : az + sqrt(1 + zeta * zeta));
        const double c = 1 / sqrt(1 + t * t), s = c * t;
        for (int64_t r = 0; r < p; r++) { const double xr = x[r], yr = y[r]; x[r] = c * xr - s * yr; y[r] = s * xr + c * yr; }
        nrm[i] = alpha - t * gamma;  // the rotation's exact effect on the Gram matrix's diagonal
        nrm[j] = beta + t * gamma;
        if (computeV) {
          double* vx = vm + i * q;
          double* vy = vm + j * q;
          for (int64_t r = 0; r < q; r++) { const double xr = vx[r], yr = vy[r]; vx[r] = c * xr - s * yr; vy[r] = s * xr + c * yr; }
        }
      }
    if (!rotated) break;
  }
  return sweep;
}

/** Fills columns [r, ncols) of w (p rows, column-major; columns [0, r) orthonormal) with an orthonormal completion. */
FLINT_HD inline void completeBasis(double* w, int64_t p, int64_t r, int64_t ncols) {
  int64_t next = 0;
  for (int64_t j = r; j < ncols; j++) {
    double* col = w + j * p;
    int64_t best = -1;
    double bestNorm = -1;
    for (int pass = 0; pass < 2; pass++) {  // pass 0: the first candidate that is clearly new; pass 1: the best one
      for (int64_t t = 0; t < p; t++) {
        const int64_t cand = pass == 0 ? (next + t) % p : best;
        for (int64_t i = 0; i < p; i++) col[i] = i == cand ? 1.0 : 0.0;
        for (int rep = 0; rep < 2; rep++)
          for (int64_t c = 0; c < j; c++) {
            const double* u = w + c * p;
            double dot = 0;
            for (int64_t i = 0; i < p; i++) dot += u[i] * col[i];
            for (int64_t i = 0; i < p; i++) col[i] -= dot * u[i];
          }
        double nn = 0;
        for (int64_t i = 0; i < p; i++) nn += col[i] * col[i];
        nn = sqrt(nn);
        if (pass == 1 || nn > 0.5) {
          for (int64_t i = 0; i < p; i++) col[i] /= nn;
          next = cand + 1;
          best = -2;
          break;
        }
        if (nn > bestNorm) { bestNorm = nn; best = cand; }
      }
      if (best == -2) break;
    }
  }
}

inline FLINT_HD int64_t svdWorkspace(int64_t m, int64_t n) {
  const int64_t p = imax(m, n), q = imin(m, n);
  return p * p + q * q + q;
}

/** SVD of matrix `b`: U [m, ku], S [k], Vh [kv, n] (row-major); false when A has a non-finite element. */
template <class T> FLINT_HD bool svdMatrix(const DecompArgs& a, int64_t b, const T* A, T* U, T* S, T* Vh, double* ws) {
  const int64_t m = a.m, n = a.n, k = imin(m, n);
  const bool full = (a.flags & 1) != 0, computeUV = (a.flags & 2) != 0;
  const bool wide = m < n;
  const int64_t p = wide ? n : m, q = k;  // work on B = A (tall) or Aᵀ (wide), p x q
  double* w = ws;
  double* vm = w + p * p;
  double* s = vm + q * q;
  const T* src = A + matrixOffset(a, b);
  const int64_t rs = a.strides[a.ndim - 2], cs = a.strides[a.ndim - 1];
  bool ok = true;
  for (int64_t j = 0; j < q; j++)
    for (int64_t i = 0; i < p; i++) {
      const double x = wide ? (double)src[j * rs + i * cs] : (double)src[i * rs + j * cs];
      ok = ok && finite(x);
      w[i + j * p] = x;
    }
  const int64_t ku = full ? m : k, kv = full ? n : k;
  T* so = S + b * k;
  T* uo = U + b * m * ku;
  T* vo = Vh + b * kv * n;
  if (!ok) {
    const double nan = quietNaN();
    for (int64_t i = 0; i < k; i++) so[i] = (T)nan;
    if (computeUV) {
      for (int64_t i = 0; i < m * ku; i++) uo[i] = (T)nan;
      for (int64_t i = 0; i < kv * n; i++) vo[i] = (T)nan;
    }
    return false;
  }
  for (int64_t j = 0; j < q; j++)
    for (int64_t i = 0; i < q; i++) vm[i + j * q] = i == j ? 1.0 : 0.0;
  jacobiSweeps(w, p, q, vm, computeUV, s);  // s: the norm cache during the sweeps
  for (int64_t j = 0; j < q; j++) {
    double ss = 0;
    const double* x = w + j * p;
    for (int64_t i = 0; i < p; i++) ss += x[i] * x[i];
    s[j] = sqrt(ss);
  }
  // descending order (selection sort; columns of w and vm move with their values)
  for (int64_t i = 0; i + 1 < q; i++) {
    int64_t mx = i;
    for (int64_t j = i + 1; j < q; j++) if (s[j] > s[mx]) mx = j;
    if (mx == i) continue;
    const double t = s[i]; s[i] = s[mx]; s[mx] = t;
    for (int64_t r = 0; r < p; r++) { const double x = w[r + i * p]; w[r + i * p] = w[r + mx * p]; w[r + mx * p] = x; }
    if (computeUV) for (int64_t r = 0; r < q; r++) { const double x = vm[r + i * q]; vm[r + i * q] = vm[r + mx * q]; vm[r + mx * q] = x; }
  }
  for (int64_t i = 0; i < k; i++) so[i] = (T)s[i];
  if (!computeUV) return true;
  int64_t rank = 0;
  for (int64_t j = 0; j < q; j++) {
    if (!(s[j] > 1e-290)) break;
    double* x = w + j * p;
    for (int64_t i = 0; i < p; i++) x[i] /= s[j];
    rank++;
  }
  // w's columns: B's left singular vectors; completed to q columns, or p with full matrices
  completeBasis(w, p, rank, full ? p : q);  // the p x p completion is U's (tall) or Vh's (wide)
  if (!wide) {
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < ku; j++) uo[i * ku + j] = (T)w[i + j * p];
    for (int64_t i = 0; i < kv; i++)  // kv == n == q
      for (int64_t j = 0; j < n; j++) vo[i * n + j] = (T)vm[j + i * q];
  } else {
    for (int64_t i = 0; i < m; i++)  // ku == m == q
      for (int64_t j = 0; j < ku; j++) uo[i * ku + j] = (T)vm[i + j * q];
    for (int64_t i = 0; i < kv; i++)
      for (int64_t j = 0; j < n; j++) vo[i * n + j] = (T)w[j + i * p];
  }
  return true;
}

}  // namespace decomp
}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <cstring>
#include <string>
#include "error.h"

namespace flint {

/** The op's name as torch names it (for messages). */
inline const char* decompOpName(const char* op) {
  return std::strcmp(op, "linalgQr") == 0 ? "linalg.qr" : std::strcmp(op, "linalgEigh") == 0 ? "linalg.eigh" : "linalg.svd";
}

inline void checkDecompOut(const TensorArg& t, const TensorArg& A, int lead, int64_t r, int64_t c, int dims, const char* op, const char* what) {
  bool ok = t.dtype == A.dtype && t.ndim == lead + dims && t.isContiguous();
  for (int d = 0; ok && d < lead; d++) ok = t.shape[d] == A.shape[d];
  if (ok && dims == 2) ok = t.shape[lead] == r && t.shape[lead + 1] == c;
  if (ok && dims == 1) ok = t.shape[lead] == r;
  if (!ok) fail(ErrorKind::Shape, std::string(op) + ": output " + what + " " + t.shapeStr() + " does not fit A " + A.shapeStr());
}

/**
 * The checks both devices make (kind: 0 qr, 1 eigh, 2 svd) and A's DecompArgs; false when there
 * is nothing to do (an empty batch or empty matrices).
 */
inline bool checkDecomp(const OpCall& c, int kind, DecompArgs& a) {
  const char* op = kind == 0 ? "linalg.qr" : kind == 1 ? "linalg.eigh" : "linalg.svd";
  const int nt = kind == 2 ? 4 : 3;
  if (c.nt != nt) fail(ErrorKind::Flint, std::string(op) + ": expected " + std::to_string(nt) + " operands");
  const TensorArg& A = c.t[nt - 1];
  if (A.dtype != DType::F32 && A.dtype != DType::F64) fail(ErrorKind::DType, std::string(op) + ": expected a float32 or float64 input, got dtype code " + std::to_string((int)A.dtype));
  if (A.ndim < 2) fail(ErrorKind::Shape, std::string(op) + ": A must have at least 2 dims, got " + A.shapeStr());
  std::memset(&a, 0, sizeof(a));
  a.ndim = A.ndim;
  a.m = A.shape[A.ndim - 2];
  a.n = A.shape[A.ndim - 1];
  a.batch = 1;
  for (int d = 0; d < A.ndim; d++) { a.shape[d] = A.shape[d]; a.strides[d] = A.strides[d]; if (d < A.ndim - 2) a.batch *= A.shape[d]; }
  const bool f0 = c.param(0) != 0, f1 = c.param(1) != 0;
  a.flags = (f0 ? 1 : 0) | (f1 ? 2 : 0);
  const int lead = A.ndim - 2;
  const int64_t m = a.m, n = a.n, k = m < n ? m : n;
  if (kind == 0) {
    const int64_t kq = f0 ? m : k, kr = f0 ? m : k;
    if (f1) checkDecompOut(c.t[0], A, lead, m, kq, 2, op, "Q");
    checkDecompOut(c.t[1], A, lead, kr, n, 2, op, "R");
  } else if (kind == 1) {
    if (m != n) fail(ErrorKind::Shape, std::string(op) + ": A must be batches of square matrices, got " + A.shapeStr());
    checkDecompOut(c.t[0], A, lead, n, 0, 1, op, "eigenvalues");
    if (f1) checkDecompOut(c.t[1], A, lead, n, n, 2, op, "eigenvectors");
  } else {
    checkDecompOut(c.t[1], A, lead, k, 0, 1, op, "S");
    if (f1) {
      checkDecompOut(c.t[0], A, lead, m, f0 ? m : k, 2, op, "U");
      checkDecompOut(c.t[2], A, lead, f0 ? n : k, n, 2, op, "Vh");
    }
  }
  return a.batch > 0 && m > 0 && n > 0;
}

inline int64_t decompWorkspace(int kind, const DecompArgs& a) {
  return kind == 0 ? decomp::qrWorkspace(a.m, a.n, (a.flags & 1) != 0) : kind == 1 ? decomp::eighWorkspace(a.n) : decomp::svdWorkspace(a.m, a.n);
}

}  // namespace flint
#endif
