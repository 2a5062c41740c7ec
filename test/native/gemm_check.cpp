// gemm_check.cpp — standalone correctness check of the CPU GEMM (not part of the build): the BLAS
// path (gemmF32/gemmF64) and the built-in GEMM, against a naive long-double loop, on random sizes
// with odd edges, both transposes, padded leading dimensions, batches (with a broadcast A) and
// alpha/beta (beta == 0 must ignore NaNs already in C). Tolerance: a forward error bound,
// |c - ref| <= (K + 2) * 4 * eps * (|alpha| * sum_k |a||b| + |beta * c0|).
//
//   g++ -std=c++17 -O2 -Wall test/native/gemm_check.cpp native/cpu/gemm.cpp native/cpu/gemm_builtin.cpp
//       native/core/parallel.cpp -ldl -lpthread -o /tmp/gemm_check && /tmp/gemm_check
//   FLINT_GEMM_KERNEL=portable /tmp/gemm_check     # the non-AVX2 kernels
//   FLINT_NUM_THREADS=1 /tmp/gemm_check            # no threading
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>
#include "../../native/core/error.h"
#include "../../native/cpu/gemm.h"

namespace flint {
void gemmBuiltinF32(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, int64_t, const float*,
                    int64_t, int64_t, float, float*, int64_t, int64_t, int64_t);
void gemmBuiltinF64(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t, int64_t, const double*,
                    int64_t, int64_t, double, double*, int64_t, int64_t, int64_t);
}  // namespace flint

using namespace flint;

static std::mt19937_64 rng(1234);
static int failures = 0, cases = 0;

template <class T>
using GemmFn = void (*)(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, int64_t, const T*, int64_t,
                        int64_t, T, T*, int64_t, int64_t, int64_t);

template <class T>
void check(const char* path, GemmFn<T> gemm, bool tA, bool tB, int64_t M, int64_t N, int64_t K, int64_t batch,
           T alpha, T beta, bool broadcastA, int64_t pad) {
  std::uniform_real_distribution<double> U(-1, 1);
  const int64_t aRows = tA ? K : M, aCols = tA ? M : K, bRows = tB ? N : K, bCols = tB ? K : N;
  const int64_t lda = aCols + pad, ldb = bCols + pad, ldc = N + pad;
  const int64_t sA = broadcastA ? 0 : aRows * lda + 3, sB = bRows * ldb + 1, sC = M * ldc + 2;
  std::vector<T> A((broadcastA ? 1 : batch) * (aRows * lda + 3) + 1), B(batch * sB + 1), C(batch * sC + 1);
  for (auto& v : A) v = (T)U(rng);
  for (auto& v : B) v = (T)U(rng);
  for (auto& v : C) v = beta == T(0) ? std::numeric_limits<T>::quiet_NaN() : (T)U(rng);
  std::vector<T> C0 = C;
  gemm(tA, tB, M, N, K, alpha, A.data(), lda, sA, B.data(), ldb, sB, beta, C.data(), ldc, sC, batch);
  const double eps = std::numeric_limits<T>::epsilon();
  double worst = 0;
  bool bad = false;
  for (int64_t b = 0; b < batch && !bad; b++)
    for (int64_t i = 0; i < M && !bad; i++)
      for (int64_t j = 0; j < N; j++) {
        long double ref = 0, mag = 0;
        for (int64_t k = 0; k < K; k++) {
          const long double a = tA ? A[b * sA + k * lda + i] : A[b * sA + i * lda + k];
          const long double x = tB ? B[b * sB + j * ldb + k] : B[b * sB + k * ldb + j];
          ref += a * x; mag += std::fabs((double)(a * x));
        }
        const double c0 = C0[b * sC + i * ldc + j];
        ref = (long double)alpha * ref + (beta == T(0) ? 0.0L : (long double)beta * c0);
        const double bound = (K + 2) * 4 * eps * (std::fabs((double)alpha) * (double)mag + (beta == T(0) ? 0 : std::fabs(beta * c0))) + 1e-30;
        const double got = C[b * sC + i * ldc + j], err = std::fabs(got - (double)ref);
        if (!(err <= bound)) {
          std::printf("FAIL %s %s tA=%d tB=%d M=%ld N=%ld K=%ld batch=%ld alpha=%g beta=%g bcastA=%d pad=%ld at "
                      "[%ld,%ld,%ld]: got %.9g want %.9g (bound %.3g)\n",
                      sizeof(T) == 4 ? "f32" : "f64", path, tA, tB, (long)M, (long)N, (long)K, (long)batch,
                      (double)alpha, (double)beta, broadcastA, (long)pad, (long)b, (long)i, (long)j, got, (double)ref, bound);
          bad = true;
          break;
        }
        worst = std::max(worst, err / bound);
      }
  // padding between rows and after each entry must be untouched
  for (int64_t b = 0; b < batch && !bad; b++)
    for (int64_t i = 0; i < M && !bad; i++)
      for (int64_t j = N; j < ldc; j++) {
        const T g = C[b * sC + i * ldc + j], w = C0[b * sC + i * ldc + j];
        if (!(g == w || (g != g && w != w))) { std::printf("FAIL %s wrote padding\n", path); bad = true; break; }
      }
  cases++;
  if (bad) failures++;
}

template <class T>
void suite(const char* path, GemmFn<T> gemm) {
  const int64_t edges[] = {1, 2, 5, 6, 7, 16, 17, 63, 65, 129, 257};
  std::uniform_int_distribution<int> pick(0, 10), coin(0, 1);
  const T alphas[] = {T(1), T(-0.5), T(2), T(0)}, betas[] = {T(0), T(1), T(0.25)};
  for (int t = 0; t < 4; t++)
    for (int64_t s : {1, 7, 63, 65, 129}) check<T>(path, gemm, t & 1, t & 2, s, s, s, 1, T(1), T(0), false, 0);
  for (int it = 0; it < 220; it++) {
    const int64_t M = edges[pick(rng)], N = edges[pick(rng)], K = edges[pick(rng)];
    const int64_t batch = 1 + (it % 3 == 0 ? pick(rng) % 4 : 0);
    check<T>(path, gemm, coin(rng), coin(rng), M, N, K, batch, alphas[it % 4], betas[it % 3], batch > 1 && coin(rng),
             coin(rng) ? 3 : 0);
  }
  // big enough to cross every block size (KC=256, MC, NC) and to be split over threads
  check<T>(path, gemm, false, false, 300, 2100, 520, 1, T(1), T(0.5), false, 1);
  check<T>(path, gemm, true, true, 517, 301, 300, 1, T(1.5), T(0), false, 0);
  check<T>(path, gemm, false, true, 1031, 33, 700, 1, T(1), T(1), false, 0);
  // K == 0: C = beta * C; many tiny entries (the parallel-over-batch path)
  check<T>(path, gemm, false, false, 5, 7, 0, 2, T(1), T(0.5), false, 0);
  check<T>(path, gemm, false, false, 9, 13, 0, 1, T(1), T(0), false, 0);
  check<T>(path, gemm, true, false, 8, 8, 8, 300, T(1), T(0), true, 0);
  check<T>(path, gemm, false, true, 3, 17, 5, 257, T(0.5), T(1), false, 1);
}

int main() {
  std::printf("backend: %s\n", blasBackendName());
  std::printf("search log: %s\n", blasSearchLog());
  suite<float>("blas", gemmF32);
  suite<double>("blas", gemmF64);
  suite<float>("builtin", gemmBuiltinF32);
  suite<double>("builtin", gemmBuiltinF64);
  // a one-row matrix with a nonsense row stride is fine; a real too-small stride is a ValueError
  {
    std::vector<float> a(8, 1.f), b(8 * 3, 1.f), c(3, 0.f);
    gemmF32(false, false, 1, 3, 8, 1.f, a.data(), 0, 0, b.data(), 3, 0, 0.f, c.data(), 0, 0, 1);
    if (c[0] != 8.f) { std::printf("FAIL one-row lda\n"); failures++; }
    bool threw = false;
    try { gemmF32(false, false, 2, 3, 8, 1.f, a.data(), 4, 0, b.data(), 3, 0, 0.f, c.data(), 3, 0, 1); }
    catch (const Error& e) { threw = e.kind == ErrorKind::Value; }
    if (!threw) { std::printf("FAIL small lda did not throw\n"); failures++; }
    cases += 2;
  }
  std::printf("%d/%d cases passed\n", cases - failures, cases);
  return failures ? 1 : 0;
}
