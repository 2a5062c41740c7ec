// linalg.cpp — CPU kernels of the "linalg" family: 'luFactor' (getrf), 'luSolve' (getrs),
// 'triangularSolve' (trsm, left side) and 'cholesky' (potrf, lower). Operands, conventions and the
// per-matrix routines: native/core/linalg.h, shared with the GPU. The factorizations run one matrix
// per task of the thread pool; the solves split (matrix, block of right-hand-side columns) pairs, so
// one large system uses every core. The triangular solves are blocked (trsmBlocked): rows of X in
// blocks of kRowBlock, each block first updated by one GEMM with the rows already solved (the BLAS of
// gemm.h), then solved by substitution within its diagonal block, which walks rows of X (contiguous
// inner loops, compiled for the CPU's widest vectors: vm::runVec). Unblocked, the substitution alone
// made solve and inv at n = 512 about 2x torch's. The LU above kLuRecursiveFrom is recursive
// (luRecursive: halves of columns, GEMM updates with a large inner dimension, unblocked leaves of
// kLuLeaf columns); a solve against the identity (inv, which says so with luSolve's `identity` param)
// runs getri's flop count (luInverse). Determinism: every BLAS call is a tile of C cut by a rule of the
// shapes alone (gemmSub: kGemmRows x kGemmCols tiles; the solves' column blocks at multiples of
// kGemmCols: overColumnBlocks), never by the thread count, so the results carry the same bits at any
// thread count whatever kernel the BLAS picks for a call's size (test/linalg-lu.test.ts checks 1
// against 2 threads).
#include <algorithm>
#include <cmath>
#include "../core/linalg.h"
#include "gemm.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/vmath.h"

namespace flint {
namespace {

constexpr int64_t kColumnBlock = 64;  // right-hand-side columns per task of a solve, at least
constexpr int64_t kRowBlock = 64;     // rows of X per diagonal block of a blocked triangular solve
constexpr int64_t kSubRows = 16;      // rows per block within a diagonal block (trsmBlocked's second level)
constexpr int64_t kLuRecursiveFrom = 64;  // LU of min(m, n) above this: luRecursive; else luFactorOne
constexpr int64_t kLuLeaf = 16;           // columns (or rows) of luRecursive's unblocked leaves
constexpr int64_t kGemmRows = 256;        // rows of C per BLAS call of gemmSub, at most
constexpr int64_t kGemmCols = 64;         // columns of C per BLAS call of gemmSub, at most (and the unit of overColumnBlocks)
constexpr double kGemmParallelWork = 2.0 * 48 * 48 * 48 * 8;  // multiply-adds below which gemmSub stays on the caller (gemm.cpp's threshold)

inline void gemmOne(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc) {
  gemmF32One(ta, tb, M, N, K, -1.0f, A, lda, B, ldb, 1.0f, C, ldc);
}
inline void gemmOne(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, const double* B, int64_t ldb, double* C, int64_t ldc) {
  gemmF64One(ta, tb, M, N, K, -1.0, A, lda, B, ldb, 1.0, C, ldc);
}

/**
 * C -= op(A) op(B) (row-major), as BLAS calls of at most kGemmRows rows and kGemmCols columns of C,
 * cut at multiples of those from C's first row and column, over the pool: the calls, and so their
 * bits, do not depend on the thread count. (gemm.h's gemmF32/gemmF64 cut by the thread count, and
 * OpenBLAS under SkylakeX picks its small-matrix kernels by a call's M·N·K: with that cut, 1 and 2
 * threads differed in up to 99% of an inverse's elements, on a host where OPENBLAS_CORETYPE was unset.)
 */
template <class T>
void gemmSub(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb, T* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  const int64_t rt = (M + kGemmRows - 1) / kGemmRows, ct = (N + kGemmCols - 1) / kGemmCols;
  auto tile = [&](int64_t t) {
    const int64_t i0 = (t / ct) * kGemmRows, j0 = (t % ct) * kGemmCols;
    const int64_t m = std::min(kGemmRows, M - i0), n = std::min(kGemmCols, N - j0);
    gemmOne(ta, tb, m, n, K, ta ? A + i0 : A + i0 * lda, lda, tb ? B + j0 * ldb : B + j0, ldb, C + i0 * ldc + j0, ldc);
  };
  if (rt * ct > 1 && (double)M * (double)N * (double)K >= kGemmParallelWork) {
    parallelFor(rt * ct, 1, [&](int64_t t0, int64_t t1) { for (int64_t t = t0; t < t1; t++) tile(t); });
  } else {
    for (int64_t t = 0; t < rt * ct; t++) tile(t);
  }
}

/**
 * linalg::trsmRows (T X = B in place for the columns [c0, c1) of the n x k row-major X; T[i, j] at
 * t[i * rs + j * cs], row-major when cs == 1, its transpose when rs == 1), blocked: each block of
 * `rows` rows subtracts T[block, solved] X[solved] with one GEMM, then solves its diagonal block, the
 * same way with blocks of kSubRows, whose substitution (trsmRows) is all that is left out of GEMMs:
 * n * kSubRows / 2 multiply-adds per column instead of the n * kRowBlock / 2 of one level.
 */
template <class T>
void trsmBlocked(const T* t, int64_t rs, int64_t cs, T* x, int64_t n, int64_t k, bool upper, bool unit, int64_t c0, int64_t c1,
                 int64_t rows = kRowBlock) {
  if (n <= kSubRows) {  // the substitution; rows of 16 and more on the CPU's widest vectors (the same bits: vmath.h's runVec)
    if (c1 - c0 >= 16) vm::runVec([&]() FLINT_VM_INLINE_LAMBDA { linalg::trsmRows(t, rs, cs, x, n, k, upper, unit, c0, c1); });
    else linalg::trsmRows(t, rs, cs, x, n, k, upper, unit, c0, c1);  // a batch of small matrices: no dispatch per matrix
    return;
  }
  if (n <= rows) rows = kSubRows;
  const bool trans = cs != 1;  // T is stored transposed: the GEMM reads it with transA
  const int64_t ld = trans ? cs : rs;
  for (int64_t s = 0; s < n; s += rows) {
    const int64_t nb = std::min(rows, n - s);
    const int64_t i0 = upper ? n - s - nb : s;  // the block's rows [i0, i0 + nb)
    const int64_t j0 = upper ? i0 + nb : 0, kk = upper ? n - j0 : i0;  // the solved rows [j0, j0 + kk)
    if (kk > 0) gemmSub(trans, false, nb, c1 - c0, kk, t + i0 * rs + j0 * cs, ld, x + j0 * k + c0, k, x + i0 * k + c0, k);
    trsmBlocked(t + i0 * rs + i0 * cs, rs, cs, x + i0 * k, nb, k, upper, unit, c0, c1, kSubRows);
  }
}

/**
 * Runs solve(b, c0, c1) over every matrix b and column block [c0, c1) of the k columns: blocks of at
 * least kColumnBlock columns, as wide as one block per thread allows, in multiples of kGemmCols
 * columns, so that gemmSub's tiles inside a block start where they would in one block: the BLAS calls
 * are the same at any thread count. (Blocks of 129 columns at 2 threads changed 759 of the 77100
 * elements of a solve (n = 257, 300 right-hand sides) against 1 thread, and 16409 of an LU's at
 * n = 515: where a column falls among a micro-kernel's register tiles changes its rounding; and
 * OpenBLAS's SkylakeX kernels pick a small-matrix kernel by a call's size.)
 */
template <class F> void overColumnBlocks(int64_t B, int64_t k, F solve) {
  const int64_t nt = std::max(1, numThreads());
  const int64_t width = (std::max(kColumnBlock, (B * k + nt - 1) / nt) + kGemmCols - 1) / kGemmCols * kGemmCols;
  const int64_t blocks = std::max<int64_t>(1, (k + width - 1) / width);
  parallelFor(B * blocks, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t b = t / blocks, c0 = (t % blocks) * width;
      solve(b, c0, std::min(k, c0 + width));
    }
  });
}

/**
 * trsmBlocked for the columns [c0, c1) of X, the columns split over the pool (overColumnBlocks; inline
 * inside a task of the pool). Each column's bits are the same whatever the split (blocks start at c0
 * plus multiples of 16).
 */
template <class T>
void trsmColumnsParallel(const T* t, int64_t rs, int64_t cs, T* x, int64_t n, int64_t k, bool upper, bool unit, int64_t c0, int64_t c1) {
  overColumnBlocks(1, c1 - c0, [&](int64_t, int64_t a0, int64_t a1) { trsmBlocked(t, rs, cs, x, n, k, upper, unit, c0 + a0, c0 + a1); });
}

template <class F> void byFloat(DType dt, const char* op, F f) {
  if (dt == DType::F32) f(float{});
  else if (dt == DType::F64) f(double{});
  else linalg::needFloat(dt, op);
}

/** Swaps the rows i and piv[i] - 1 (getrf's 1-based pivots, local to `a`) for i in [k0, k1), in order, within the columns [c0, c1). */
template <class T>
void swapRows(T* a, int64_t lda, const int32_t* piv, int64_t k0, int64_t k1, int64_t c0, int64_t c1) {
  for (int64_t i = k0; i < k1; i++) {
    const int64_t p = (int64_t)piv[i] - 1;
    if (p != i) std::swap_ranges(a + i * lda + c0, a + i * lda + c1, a + p * lda + c0);
  }
}

/**
 * The leaves of luRecursive: LU with partial pivoting of the m x n matrix `a` (row stride lda) column by
 * column (getf2, right-looking rank-1 updates), for panels of at most kLuLeaf columns (or rows). The
 * pivot is the first row of the largest |a[i, k]| (LAPACK's idamax); a zero pivot is recorded in info
 * (1-based) and its column left unscaled, the factorization going on, as getf2.
 */
template <class T>
int32_t luLeaf(T* a, int64_t lda, int64_t m, int64_t n, int32_t* piv) {
  const int64_t K = std::min(m, n);
  int32_t info = 0;
  for (int64_t k = 0; k < K; k++) {
    int64_t p = k;
    T best = std::abs(a[k * lda + k]);
    for (int64_t i = k + 1; i < m; i++) {
      const T v = std::abs(a[i * lda + k]);
      if (v > best) { best = v; p = i; }
    }
    piv[k] = (int32_t)(p + 1);
    const bool zero = a[p * lda + k] == T(0);  // no swap, no scaling; the update still runs (NaNs spread, as getf2's)
    if (zero && info == 0) info = (int32_t)(k + 1);
    if (!zero && p != k) std::swap_ranges(a + k * lda, a + k * lda + n, a + p * lda);
    const T d = a[k * lda + k];
    const T* uk = a + k * lda;
    for (int64_t i = k + 1; i < m; i++) {
      T* ai = a + i * lda;
      const T l = zero ? ai[k] : ai[k] / d;
      ai[k] = l;
      if (l == T(0)) continue;
      for (int64_t j = k + 1; j < n; j++) ai[j] -= l * uk[j];
    }
  }
  return info;
}

/**
 * LU with partial pivoting of the m x n matrix `a` (row stride lda), recursive (LAPACK's getrf2,
 * Toledo's left/right halves): factor the left n1 = min(m, n) / 2 columns, apply their row swaps to
 * the right columns, U12 = L11^-1 A12 (trsmColumnsParallel), A22 -= L21 U12 (one GEMM of gemm.h), factor
 * A22, then apply its swaps to the left columns. Most of the work is in GEMMs with inner dimension
 * n / 4 and up, where blocking by fixed 64-column panels gave every trailing update an inner
 * dimension of 64 and left the panels' columns to unblocked rank-1 updates (luFactor n = 256: 1.8x
 * torch's time). The pivots (1-based, local to `a`) and info are getrf's; every row swap of a pivot
 * reaches every column, in pieces: the columns of its half at once, the other half's after it.
 */
template <class T>
int32_t luRecursive(T* a, int64_t lda, int64_t m, int64_t n, int32_t* piv) {
  const int64_t K = std::min(m, n);
  if (K <= kLuLeaf) return luLeaf(a, lda, m, n, piv);
  const int64_t n1 = K / 2, n2 = n - n1;
  int32_t info = luRecursive(a, lda, m, n1, piv);
  swapRows(a, lda, piv, 0, n1, n1, n);
  trsmColumnsParallel(a, lda, 1, a, n1, lda, false, true, n1, n);
  gemmSub(false, false, m - n1, n2, n1, a + n1 * lda, lda, a + n1, lda, a + n1 * lda + n1, lda);
  const int32_t info2 = luRecursive(a + n1 * lda + n1, lda, m - n1, n2, piv + n1);
  if (info == 0 && info2 != 0) info = info2 + (int32_t)n1;
  for (int64_t i = n1; i < K; i++) piv[i] += (int32_t)n1;
  swapRows(a, lda, piv, n1, K, 0, n1);
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
        info[b] = K > kLuRecursiveFrom ? luRecursive(a + b * s.m * s.n, s.n, s.m, s.n, piv + b * K)
                                : linalg::luFactorOne(a + b * s.m * s.n, s.m, s.n, piv + b * K, 0, 1, [] {}, sh);
      }
    });
  });
}

/**
 * X = A^-1 (or A^-T when adjoint) for A = P L U, with X the identity on entry: getri's 4/3 n^3 flops
 * instead of the 2 n^3 of two full triangular solves against the identity.
 *  1. The factor that comes first (L in A^-1 = U^-1 L^-1 P^T, U^T in A^-T = P L^-T U^-T) is inverted
 *     against the identity by column blocks: a lower-triangular inverse is zero above the diagonal, so
 *     the block [c0, c0 + w) is the solve with the trailing triangle T[c0:, c0:] alone (n^3 / 3 flops).
 *  2. The other factor's solve over the whole of X (trsmBlocked, its columns over the pool).
 *  3. The swaps: P's rows in reverse (A^-T, as luSolve's adjoint), or for A^-1 = (U^-1 L^-1) P^T the
 *     columns, from the last pivot to the first (getri).
 * The blocks of step 1 have a fixed width, so the bits do not depend on the thread count.
 */
template <class T>
void luInverse(const T* lu, const int32_t* piv, T* x, int64_t n, bool adjoint) {
  const int64_t rs = adjoint ? 1 : n, cs = adjoint ? n : 1;  // U^T and L^T read transposed
  parallelFor((n + kColumnBlock - 1) / kColumnBlock, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const int64_t c0 = b * kColumnBlock, c1 = std::min(n, c0 + kColumnBlock);
      trsmBlocked(lu + c0 * rs + c0 * cs, rs, cs, x + c0 * n, n - c0, n, false, !adjoint, c0, c1);
    }
  });
  trsmColumnsParallel(lu, rs, cs, x, n, n, true, adjoint, 0, n);
  if (adjoint) {
    linalg::applyPivots(x, n, n, piv, true, 0, n, 1);
    return;
  }
  parallelFor(n, 16, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      T* xr = x + r * n;
      for (int64_t j = n - 1; j >= 0; j--) {
        const int64_t p = (int64_t)piv[j] - 1;
        if (p != j && p >= 0 && p < n) std::swap(xr[j], xr[p]);
      }
    }
  });
}

void cpuLuSolve(const OpCall& c) {
  const linalg::MatShape s = linalg::checkSolve(c, "luSolve", true);
  const linalg::LuSolveParams params = linalg::luSolveParams(c, s);
  const bool adjoint = params.adjoint, identity = params.identity;
  const int64_t n = s.m, k = s.n;
  const int32_t* piv = c.t[2].ptr<int32_t>();
  byFloat(c.t[0].dtype, "luSolve", [&](auto tag) {
    using T = decltype(tag);
    T* x = c.t[0].ptr<T>();
    const T* lu = c.t[1].ptr<T>();
    // X = I (linalg.inv, the caller says so): luInverse's path; below one block it saves nothing
    if (identity && n > kRowBlock) {
      parallelFor(s.B, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; b++) luInverse(lu + b * n * n, piv + b * n, x + b * n * n, n, adjoint);
      });
      return;
    }
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
