// linalg.cpp — CPU kernels of the "linalg" family: 'luFactor' (getrf), 'luSolve' (getrs),
// 'triangularSolve' (trsm, left side) and 'cholesky' (potrf, lower). Operands, conventions and the
// per-matrix routines: native/core/linalg.h, shared with the GPU. The factorizations run one matrix
// per task of the thread pool; the solves split (matrix, block of right-hand-side columns) pairs, so
// one large system uses every core. The substitutions walk rows of X (contiguous inner loops).
#include <algorithm>
#include "../core/linalg.h"
#include "../core/optable.h"
#include "../core/parallel.h"

namespace flint {
namespace {

constexpr int64_t kColumnBlock = 64;  // right-hand-side columns per task of a solve

template <class F> void byFloat(DType dt, const char* op, F f) {
  if (dt == DType::F32) f(float{});
  else if (dt == DType::F64) f(double{});
  else linalg::needFloat(dt, op);
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
        info[b] = linalg::luFactorOne(a + b * s.m * s.n, s.m, s.n, piv + b * K, 0, 1, [] {}, sh);
      }
    });
  });
}

/** Runs solve(b, c0, c1) over every matrix b and column block [c0, c1) of the k columns. */
template <class F> void overColumnBlocks(int64_t B, int64_t k, F solve) {
  const int64_t blocks = (k + kColumnBlock - 1) / kColumnBlock;
  parallelFor(B * blocks, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t b = t / blocks, c0 = (t % blocks) * kColumnBlock;
      solve(b, c0, std::min(k, c0 + kColumnBlock));
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
        linalg::trsmRows(ab, n, 1, xb, n, k, false, true, c0, c1);
        linalg::trsmRows(ab, n, 1, xb, n, k, true, false, c0, c1);
      } else {  // U^T L^T P^T X = B: X = P L^-T U^-T B
        linalg::trsmRows(ab, 1, n, xb, n, k, false, false, c0, c1);
        linalg::trsmRows(ab, 1, n, xb, n, k, true, true, c0, c1);
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
      linalg::trsmRows(t + b * n * n, trans ? 1 : n, trans ? n : 1, x + b * n * k, n, k, upper, unit, c0, c1);
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
        info[b] = linalg::choleskyOne(a + b * s.n * s.n, s.n, 0, 1, [] {}, sh);
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
