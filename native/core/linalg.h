// linalg.h — DESIGN: the dense factorizations and solvers of torch.linalg ("linalg" family), written
// once for both devices: LU with partial pivoting (LAPACK's getrf), the solve with an LU (getrs),
// the triangular solve (trsm, left side) and Cholesky (potrf, lower). Who includes it:
// native/cpu/linalg.cpp (one matrix per task of the thread pool), native/gpu/ops_linalg.cpp (the
// checks, the launches) and native/kernels/linalg.cu (one thread block per matrix).
//
// Every routine works on ONE row-major matrix and is written for a team of `nth` threads numbered
// `tid` that meet at `sync()` (the CPU passes a team of one and a no-op; a GPU block passes its
// threads and __syncthreads). Every thread of the team calls every routine (the syncs must match).
//
// Operands (every tensor contiguous, batch-major; the TS layer makes copies and broadcasts):
//   luFactor         t: LU [B,m,n] (A on entry, L\U on exit), pivots int32 [B,min(m,n)], info int32 [B]
//                    LAPACK's getrf: 1-based pivots (row i swapped with pivots[i]), info = the first
//                    k (1-based) with U[k,k] == 0, 0 when none (the factorization still completes).
//   luSolve          t: X [B,n,k] (the right-hand sides on entry), LU [B,n,n], pivots [B,n]  p: adjoint, identity
//                    getrs: A X = B with A = P L U, or A^H X = B when adjoint. identity: the caller
//                    says that X is the identity (k = n: an inverse, which the CPU runs as getri).
//   triangularSolve  t: X [B,n,k] (B on entry), T [B,n,n]  p: upper, transpose, unitDiagonal
//                    M X = B where M = T (or T^T when transpose) is triangular (upper/lower is M's
//                    shape); only M's triangle is read; a unit diagonal is not read.
//   cholesky         t: L [B,n,n] (A on entry, L on exit with zeros above the diagonal), info int32 [B]
//                    potrf: info = the order of the first leading minor that is not positive-definite
//                    (a pivot <= 0 or NaN); the columns before it are L's.
// float32 and float64 only (torch.linalg refuses the 16-bit floats); the errors that the kernels
// find (a zero pivot, a matrix that is not positive-definite) are their `info` words, which the TS
// layer turns into torch's LinAlgError (or returns, for the *Ex variants).
#pragma once
#include <cstdint>
#include "hd.h"
#include "libm.h"

namespace flint {
namespace linalg {

/**
 * In-place LU of the m x n matrix `a` (row-major) with partial pivoting; writes the min(m, n)
 * 1-based pivots and returns info. `sh` is two ints of memory the team shares (the pivot row and
 * whether it is zero).
 */
template <class T, class Sync>
FLINT_HD int32_t luFactorOne(T* a, int64_t m, int64_t n, int32_t* piv, int tid, int nth, Sync sync, int64_t* sh) {
  const int64_t K = m < n ? m : n;
  int32_t info = 0;
  for (int64_t k = 0; k < K; k++) {
    if (tid == 0) {  // the first row of the largest |a[i,k]|, i >= k (LAPACK's idamax)
      int64_t p = k;
      T best = m_fabs(a[k * n + k]);
      for (int64_t i = k + 1; i < m; i++) {
        const T v = m_fabs(a[i * n + k]);
        if (v > best) { best = v; p = i; }
      }
      piv[k] = (int32_t)(p + 1);
      sh[0] = p;
      sh[1] = a[p * n + k] == T(0) ? 1 : 0;
    }
    sync();
    const int64_t p = sh[0];
    const bool zero = sh[1] != 0;
    if (zero) {
      if (info == 0) info = (int32_t)(k + 1);
    } else {
      if (p != k)
        for (int64_t j = tid; j < n; j += nth) { const T t = a[k * n + j]; a[k * n + j] = a[p * n + j]; a[p * n + j] = t; }
      sync();
      const T d = a[k * n + k];
      for (int64_t i = k + 1 + tid; i < m; i += nth) a[i * n + k] /= d;
    }
    sync();
    // the trailing update a[i, j] -= l[i, k] * u[k, j], row by row (contiguous inner loop)
    const int64_t rows = m - k - 1, cols = n - k - 1;
    if (rows > 0 && cols > 0) {
      if (nth == 1) {
        const T* uk = a + k * n + k + 1;
        for (int64_t i = k + 1; i < m; i++) {
          T* ai = a + i * n + k + 1;
          const T l = a[i * n + k];
          if (l == T(0)) continue;
          for (int64_t j = 0; j < cols; j++) ai[j] -= l * uk[j];
        }
      } else {
        for (int64_t e = tid; e < rows * cols; e += nth) {
          const int64_t i = k + 1 + e / cols, j = k + 1 + e % cols;
          a[i * n + j] -= a[i * n + k] * a[k * n + j];
        }
      }
    }
    sync();
  }
  return info;
}

/**
 * Solves M X = B in place for the n x k row-major X (B on entry), M[i][j] = t[i*rs + j*cs]
 * triangular (upper or lower), for the columns c = c0, c0 + step, ... of X: each column is an
 * independent substitution, so a team splits the columns and needs no sync.
 */
template <class T>
FLINT_HD void trsmColumns(const T* t, int64_t rs, int64_t cs, T* x, int64_t n, int64_t k, bool upper, bool unit,
                          int64_t c0, int64_t step) {
  for (int64_t c = c0; c < k; c += step) {
    if (!upper) {
      for (int64_t i = 0; i < n; i++) {
        T s = x[i * k + c];
        for (int64_t j = 0; j < i; j++) s -= t[i * rs + j * cs] * x[j * k + c];
        x[i * k + c] = unit ? s : s / t[i * rs + i * cs];
      }
    } else {
      for (int64_t i = n - 1; i >= 0; i--) {
        T s = x[i * k + c];
        for (int64_t j = i + 1; j < n; j++) s -= t[i * rs + j * cs] * x[j * k + c];
        x[i * k + c] = unit ? s : s / t[i * rs + i * cs];
      }
    }
  }
}

/**
 * The same solve by rows (the CPU's form: the inner loop runs along contiguous rows of X), for the
 * columns [c0, c1) of X.
 */
template <class T>
inline void trsmRows(const T* t, int64_t rs, int64_t cs, T* x, int64_t n, int64_t k, bool upper, bool unit, int64_t c0, int64_t c1) {
  for (int64_t s = 0; s < n; s++) {
    const int64_t i = upper ? n - 1 - s : s;
    T* xi = x + i * k;
    const int64_t jb = upper ? i + 1 : 0, je = upper ? n : i;
    for (int64_t j = jb; j < je; j++) {
      const T m = t[i * rs + j * cs];
      if (m == T(0)) continue;
      const T* xj = x + j * k;
      for (int64_t c = c0; c < c1; c++) xi[c] -= m * xj[c];
    }
    if (!unit) {
      const T d = t[i * rs + i * cs];
      for (int64_t c = c0; c < c1; c++) xi[c] /= d;
    }
  }
}

/** Applies getrf's row swaps to the columns c0, c0 + step, ... of X (forward, or in reverse order). */
template <class T>
FLINT_HD void applyPivots(T* x, int64_t n, int64_t k, const int32_t* piv, bool reverse, int64_t c0, int64_t c1, int64_t step) {
  for (int64_t s = 0; s < n; s++) {
    const int64_t i = reverse ? n - 1 - s : s;
    const int64_t p = (int64_t)piv[i] - 1;
    if (p == i || p < 0 || p >= n) continue;
    for (int64_t c = c0; c < c1; c += step) { const T t = x[i * k + c]; x[i * k + c] = x[p * k + c]; x[p * k + c] = t; }
  }
}

/**
 * Cholesky of the n x n row-major `a` in place (lower; the upper triangle is zeroed); returns info.
 * Left-looking by columns: L[j,j] = sqrt(a[j,j] - sum_k L[j,k]^2), then L[i,j] for i > j, which the
 * team splits. `sh` is one int64 the team shares (the failure flag).
 */
template <class T, class Sync>
FLINT_HD int32_t choleskyOne(T* a, int64_t n, int tid, int nth, Sync sync, int64_t* sh) {
  for (int64_t j = 0; j < n; j++) {
    if (tid == 0) {
      T s = a[j * n + j];
      for (int64_t k = 0; k < j; k++) s -= a[j * n + k] * a[j * n + k];
      if (!(s > T(0))) {  // <= 0 or NaN: LAPACK leaves the failing diagonal as computed
        a[j * n + j] = s;
        sh[0] = j + 1;
      } else {
        a[j * n + j] = m_sqrt(s);
        sh[0] = 0;
      }
    }
    sync();
    const int64_t bad = sh[0];
    sync();
    if (bad) {
      // zero the upper triangle (LAPACK leaves it untouched; torch returns tril of the work array)
      for (int64_t e = tid; e < n * n; e += nth) if (e % n > e / n) a[e] = T(0);
      sync();
      return (int32_t)bad;
    }
    const T d = a[j * n + j];
    const T* lj = a + j * n;
    for (int64_t i = j + 1 + tid; i < n; i += nth) {
      T* li = a + i * n;
      T s = li[j];
      for (int64_t k = 0; k < j; k++) s -= li[k] * lj[k];
      li[j] = s / d;
    }
    sync();
  }
  for (int64_t e = tid; e < n * n; e += nth) if (e % n > e / n) a[e] = T(0);
  sync();
  return 0;
}

}  // namespace linalg
}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <string>
#include "error.h"
#include "tensor.h"

namespace flint {
namespace linalg {

/** The checks both devices make: contiguous operands of the expected shapes and dtypes. */
inline void needOperand(const OpCall& c, const char* op, int k, int64_t numel, bool isInt, DType ref, const char* what) {
  if (k >= c.nt) fail(ErrorKind::Value, std::string(op) + ": expected operand " + what);
  const TensorArg& t = c.t[k];
  if (t.isScalar || !t.isContiguous() || t.numel() != numel || (isInt ? t.dtype != DType::I32 : t.dtype != ref))
    fail(ErrorKind::Shape, std::string(op) + ": " + what + " must be a contiguous tensor of " + std::to_string(numel) +
                               " elements (" + (isInt ? "int32" : "the matrices' dtype") + "), got " + t.shapeStr());
}

inline void needFloat(DType dt, const char* op) {
  if (dt != DType::F32 && dt != DType::F64) fail(ErrorKind::DType, std::string(op) + ": expected a float32 or float64 tensor");
}

/** The matrices of t: batch, rows, cols (t has >= 2 dims). */
struct MatShape { int64_t B, m, n; };
inline MatShape matShape(const OpCall& c, const char* op, int k) {
  if (c.nt <= k) fail(ErrorKind::Value, std::string(op) + ": too few operands");
  const TensorArg& t = c.t[k];
  if (t.isScalar || t.ndim < 2) fail(ErrorKind::Shape, std::string(op) + ": expected a batch of matrices, got " + t.shapeStr());
  MatShape s{1, t.shape[t.ndim - 2], t.shape[t.ndim - 1]};
  for (int d = 0; d < t.ndim - 2; d++) s.B *= t.shape[d];
  return s;
}

/** luFactor: LU [B,m,n], pivots [B,min], info [B]. */
inline MatShape checkLuFactor(const OpCall& c) {
  const MatShape s = matShape(c, "luFactor", 0);
  const DType dt = c.t[0].dtype;
  needFloat(dt, "luFactor");
  needOperand(c, "luFactor", 0, s.B * s.m * s.n, false, dt, "LU");
  needOperand(c, "luFactor", 1, s.B * (s.m < s.n ? s.m : s.n), true, dt, "pivots");
  needOperand(c, "luFactor", 2, s.B, true, dt, "info");
  return s;
}

/** luSolve / triangularSolve: X [B,n,k], the matrices [B,n,n] (and pivots [B,n]); returns {B, n, k}. */
inline MatShape checkSolve(const OpCall& c, const char* op, bool pivots) {
  const MatShape x = matShape(c, op, 0);
  const DType dt = c.t[0].dtype;
  needFloat(dt, op);
  needOperand(c, op, 0, x.B * x.m * x.n, false, dt, "X");
  needOperand(c, op, 1, x.B * x.m * x.m, false, dt, "the matrices");
  if (pivots) needOperand(c, op, 2, x.B * x.m, true, dt, "pivots");
  return x;
}

/**
 * luSolve's params: adjoint, and identity: X holds the identity on entry (linalg.inv says so; the CPU
 * then runs getri's flop count, the GPU its solve as for any X). X must then be square.
 */
struct LuSolveParams { bool adjoint, identity; };
inline LuSolveParams luSolveParams(const OpCall& c, const MatShape& x) {
  const LuSolveParams p{c.param(0) != 0, c.param(1) != 0};
  if (p.identity && x.m != x.n)
    fail(ErrorKind::Shape, "luSolve: X must be square when it holds the identity (an inverse), got " + c.t[0].shapeStr());
  return p;
}

/** cholesky: L [B,n,n], info [B]. */
inline MatShape checkCholesky(const OpCall& c) {
  const MatShape s = matShape(c, "cholesky", 0);
  const DType dt = c.t[0].dtype;
  needFloat(dt, "cholesky");
  if (s.m != s.n) fail(ErrorKind::Shape, "cholesky: expected square matrices, got " + c.t[0].shapeStr());
  needOperand(c, "cholesky", 0, s.B * s.n * s.n, false, dt, "L");
  needOperand(c, "cholesky", 1, s.B, true, dt, "info");
  return s;
}

}  // namespace linalg
}  // namespace flint
#endif
