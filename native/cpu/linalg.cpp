// linalg.cpp — CPU kernels of the "linalg" family: 'luFactor' (getrf), 'luSolve' (getrs),
// 'triangularSolve' (trsm, left side) and 'cholesky' (potrf, lower). Operands, conventions and the
// per-matrix routines: native/core/linalg.h, shared with the GPU. The factorizations run one matrix
// per task of the thread pool; the solves split (matrix, block of right-hand-side columns) pairs, so
// one large system uses every core. The triangular solves are blocked (trsmBlocked): rows of X in
// blocks of kRowBlock, each block first updated by one GEMM with the rows already solved (the BLAS of
// gemm.h), then solved by substitution within its diagonal block, which walks rows of X (contiguous
// inner loops). Unblocked, the substitution alone made solve and inv at n = 512 about 2x torch's.
#include <algorithm>
#include <cmath>
#include "../core/linalg.h"
#include "gemm.h"
#include "../core/optable.h"
#include "../core/parallel.h"

namespace flint {
namespace {

constexpr int64_t kColumnBlock = 64;  // right-hand-side columns per task of a solve, at least
constexpr int64_t kRowBlock = 64;     // rows of X per diagonal block of a blocked triangular solve

/** C -= op(A) op(B) (one row-major product of gemm.h). */
inline void gemmSub(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc) {
  gemmF32(ta, tb, M, N, K, -1.0f, A, lda, 0, B, ldb, 0, 1.0f, C, ldc, 0, 1);
}
inline void gemmSub(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, const double* B, int64_t ldb, double* C, int64_t ldc) {
  gemmF64(ta, tb, M, N, K, -1.0, A, lda, 0, B, ldb, 0, 1.0, C, ldc, 0, 1);
}

/**
 * linalg::trsmRows (T X = B in place for the columns [c0, c1) of the n x k row-major X; T[i, j] at
 * t[i * rs + j * cs], row-major when cs == 1, its transpose when rs == 1), blocked: each block of
 * rows subtracts T[block, solved] X[solved] with one GEMM, then substitutes within its diagonal block.
 */
template <class T>
void trsmBlocked(const T* t, int64_t rs, int64_t cs, T* x, int64_t n, int64_t k, bool upper, bool unit, int64_t c0, int64_t c1) {
  if (n <= kRowBlock) { linalg::trsmRows(t, rs, cs, x, n, k, upper, unit, c0, c1); return; }
  const bool trans = cs != 1;  // T is stored transposed: the GEMM reads it with transA
  const int64_t ld = trans ? cs : rs;
  for (int64_t s = 0; s < n; s += kRowBlock) {
    const int64_t nb = std::min(kRowBlock, n - s);
    const int64_t i0 = upper ? n - s - nb : s;  // the block's rows [i0, i0 + nb)
    const int64_t j0 = upper ? i0 + nb : 0, kk = upper ? n - j0 : i0;  // the solved rows [j0, j0 + kk)
    if (kk > 0) gemmSub(trans, false, nb, c1 - c0, kk, t + i0 * rs + j0 * cs, ld, x + j0 * k + c0, k, x + i0 * k + c0, k);
    linalg::trsmRows(t + i0 * rs + i0 * cs, rs, cs, x + i0 * k, nb, k, upper, unit, c0, c1);
  }
}

template <class F> void byFloat(DType dt, const char* op, F f) {
  if (dt == DType::F32) f(float{});
  else if (dt == DType::F64) f(double{});
  else linalg::needFloat(dt, op);
}

/**
 * LU with partial pivoting of the m x n row-major `a` (LAPACK's getrf, right-looking by panels of
 * kRowBlock columns): each panel is factored column by column (the pivot row swapped whole, so the
 * swaps reach the columns left and right of the panel too), then U's rows right of it are solved
 * with the panel's unit-lower L11 and the trailing matrix gets one GEMM. Pivots 1-based; info the
 * first zero pivot (1-based), the factorization going on past it, as getrf and luFactorOne.
 */
template <class T>
int32_t luBlocked(T* a, int64_t m, int64_t n, int32_t* piv) {
  const int64_t K = std::min(m, n);
  int32_t info = 0;
  for (int64_t j0 = 0; j0 < K; j0 += kRowBlock) {
    const int64_t jb = std::min(kRowBlock, K - j0), je = j0 + jb;
    for (int64_t k = j0; k < je; k++) {
      int64_t p = k;
      T best = std::abs(a[k * n + k]);
      for (int64_t i = k + 1; i < m; i++) {
        const T v = std::abs(a[i * n + k]);
        if (v > best) { best = v; p = i; }
      }
      piv[k] = (int32_t)(p + 1);
      if (a[p * n + k] == T(0)) {
        if (info == 0) info = (int32_t)(k + 1);
      } else {
        if (p != k) std::swap_ranges(a + k * n, a + k * n + n, a + p * n);
        const T d = a[k * n + k];
        for (int64_t i = k + 1; i < m; i++) a[i * n + k] /= d;
      }
      const T* uk = a + k * n;
      for (int64_t i = k + 1; i < m; i++) {
        T* ai = a + i * n;
        const T l = ai[k];
        if (l == T(0)) continue;
        for (int64_t j = k + 1; j < je; j++) ai[j] -= l * uk[j];
      }
    }
    if (je < n) {
      linalg::trsmRows(a + j0 * n + j0, n, 1, a + j0 * n, jb, n, false, true, je, n);
      if (je < m) gemmSub(false, false, m - je, n - je, jb, a + je * n + j0, n, a + j0 * n + je, n, a + je * n + je, n);
    }
  }
  return info;
}

/**
 * Cholesky (lower) of the n x n row-major `a` in place by panels of kRowBlock columns (potrf,
 * right-looking): the diagonal block by choleskyOne's column rule, the rows below it by substitution
 * with that block (rows split over the pool), then the trailing matrix minus one GEMM. info: the
 * order of the first minor that is not positive-definite, with every column before it L's (as
 * choleskyOne). The upper triangle is zeroed.
 */
template <class T>
int32_t choleskyBlocked(T* a, int64_t n) {
  int32_t info = 0;
  for (int64_t j0 = 0; j0 < n && info == 0; j0 += kRowBlock) {
    const int64_t jb = std::min(kRowBlock, n - j0), je = j0 + jb;
    int64_t done = je;  // the columns of this panel that are L's
    for (int64_t j = j0; j < je; j++) {
      T* lj = a + j * n;
      T s = lj[j];
      for (int64_t k = j0; k < j; k++) s -= lj[k] * lj[k];
      if (!(s > T(0))) {  // <= 0 or NaN: left as computed, as LAPACK
        lj[j] = s;
        info = (int32_t)(j + 1);
        done = j;
        break;
      }
      const T d = std::sqrt(s);
      lj[j] = d;
      for (int64_t i = j + 1; i < je; i++) {
        T* li = a + i * n;
        T v = li[j];
        for (int64_t k = j0; k < j; k++) v -= li[k] * lj[k];
        li[j] = v / d;
      }
    }
    // the rows below the panel: X L11^T = A21, row by row, for the columns that are L's
    if (je < n && done > j0) {
      parallelFor(n - je, 16, [&](int64_t r0, int64_t r1) {
        for (int64_t r = je + r0; r < je + r1; r++) {
          T* x = a + r * n;
          for (int64_t c = j0; c < done; c++) {
            const T* lc = a + c * n;
            T v = x[c];
            for (int64_t k = j0; k < c; k++) v -= x[k] * lc[k];
            x[c] = v / lc[c];
          }
        }
      });
      if (info == 0) {
        // A22 -= A21 A21^T (the whole square; the upper triangle is zeroed at the end)
        gemmSub(false, true, n - je, n - je, jb, a + je * n + j0, n, a + je * n + j0, n, a + je * n + je, n);
      }
    }
  }
  for (int64_t i = 0; i < n; i++) std::fill(a + i * n + i + 1, a + i * n + n, T(0));
  return info;
}

void cpuLuFactor(const OpCall& c) {
  const linalg::MatShape s = linalg::checkLuFactor(c);
  const int64_t K = std::min(s.m, s.n);
  int32_t* piv = c.t[1].ptr<int32_t>();
  int32_t* info = c.t[2].ptr<int32_t>();
  byFloat(c.t[0].dtype, "luFactor", [&](auto tag) {
    using T = decltype(tag);
    T* a = c.t[0].ptr<T>();
    parallelFor(s.B, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; b++) {
        int64_t sh[2];
        info[b] = K > kRowBlock ? luBlocked(a + b * s.m * s.n, s.m, s.n, piv + b * K)
                                : linalg::luFactorOne(a + b * s.m * s.n, s.m, s.n, piv + b * K, 0, 1, [] {}, sh);
      }
    });
  });
}

/**
 * Runs solve(b, c0, c1) over every matrix b and column block [c0, c1) of the k columns: blocks of at
 * least kColumnBlock columns, as wide as one block per thread allows (the blocked solves' GEMMs are
 * faster on wide blocks).
 */
template <class F> void overColumnBlocks(int64_t B, int64_t k, F solve) {
  const int64_t nt = std::max(1, numThreads());
  const int64_t width = std::max(kColumnBlock, (B * k + nt - 1) / nt);
  const int64_t blocks = std::max<int64_t>(1, (k + width - 1) / width);
  parallelFor(B * blocks, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t b = t / blocks, c0 = (t % blocks) * width;
      solve(b, c0, std::min(k, c0 + width));
    }
  });
}

void cpuLuSolve(const OpCall& c) {
  const linalg::MatShape s = linalg::checkSolve(c, "luSolve", true);
  const bool adjoint = c.param(0) != 0;
  const int64_t n = s.m, k = s.n;
  const int32_t* piv = c.t[2].ptr<int32_t>();
  byFloat(c.t[0].dtype, "luSolve", [&](auto tag) {
    using T = decltype(tag);
    T* x = c.t[0].ptr<T>();
    const T* lu = c.t[1].ptr<T>();
    overColumnBlocks(s.B, k, [&](int64_t b, int64_t c0, int64_t c1) {
      T* xb = x + b * n * k;
      const T* ab = lu + b * n * n;
      const int32_t* pb = piv + b * n;
      if (!adjoint) {  // P L U X = B: X = U^-1 L^-1 P^T B
        linalg::applyPivots(xb, n, k, pb, false, c0, c1, 1);
        trsmBlocked(ab, n, 1, xb, n, k, false, true, c0, c1);
        trsmBlocked(ab, n, 1, xb, n, k, true, false, c0, c1);
      } else {  // U^T L^T P^T X = B: X = P L^-T U^-T B
        trsmBlocked(ab, 1, n, xb, n, k, false, false, c0, c1);
        trsmBlocked(ab, 1, n, xb, n, k, true, true, c0, c1);
        linalg::applyPivots(xb, n, k, pb, true, c0, c1, 1);
      }
    });
  });
}

void cpuTriangularSolve(const OpCall& c) {
  const linalg::MatShape s = linalg::checkSolve(c, "triangularSolve", false);
  const bool upper = c.param(0) != 0, trans = c.param(1) != 0, unit = c.param(2) != 0;
  const int64_t n = s.m, k = s.n;
  byFloat(c.t[0].dtype, "triangularSolve", [&](auto tag) {
    using T = decltype(tag);
    T* x = c.t[0].ptr<T>();
    const T* t = c.t[1].ptr<T>();
    overColumnBlocks(s.B, k, [&](int64_t b, int64_t c0, int64_t c1) {
      trsmBlocked(t + b * n * n, trans ? 1 : n, trans ? n : 1, x + b * n * k, n, k, upper, unit, c0, c1);
    });
  });
}

void cpuCholesky(const OpCall& c) {
  const linalg::MatShape s = linalg::checkCholesky(c);
  int32_t* info = c.t[1].ptr<int32_t>();
  byFloat(c.t[0].dtype, "cholesky", [&](auto tag) {
    using T = decltype(tag);
    T* a = c.t[0].ptr<T>();
    parallelFor(s.B, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; b++) {
        int64_t sh[1];
        info[b] = s.n > kRowBlock ? choleskyBlocked(a + b * s.n * s.n, s.n)
                                  : linalg::choleskyOne(a + b * s.n * s.n, s.n, 0, 1, [] {}, sh);
      }
    });
  });
}

FLINT_REGISTER_OP("luFactor", DeviceType::CPU, cpuLuFactor);
FLINT_REGISTER_OP("luSolve", DeviceType::CPU, cpuLuSolve);
FLINT_REGISTER_OP("triangularSolve", DeviceType::CPU, cpuTriangularSolve);
FLINT_REGISTER_OP("cholesky", DeviceType::CPU, cpuCholesky);

}  // namespace
}  // namespace flint
