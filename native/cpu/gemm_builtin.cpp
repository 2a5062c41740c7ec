// gemm_builtin.cpp — the built-in blocked GEMM, used when no BLAS library is found, when
// FLINT_BLAS=builtin, and for sizes past BLAS's 32-bit integers. (Batches of small matrices went
// here too until OpenBLAS, single-threaded with the batch over flintml's pool, was measured faster
// for every batch shape tried, 2048 x 4x4x4 included: gemm.cpp.)
//
// The design is GotoBLAS/BLIS's, reduced to what one file needs:
//   for jc in N step NC:            B block (KC x NC) packed into NR-wide panels, lives in L3
//     for pc in K step KC:
//       pack B(pc.., jc..)
//       for ic in M step MC:        A block (MC x KC) packed into MR-tall panels, lives in L2
//         pack A(ic.., pc..)
//         for jr in NC step NR:     one B micro-panel (KC x NR) stays in L1 ...
//           for ir in MC step MR:   ... while the micro-kernel streams A panels past it
//             C[MR x NR] (+)= A panel * B panel   (register-tiled, FMA)
// Packing absorbs the transposes and zero-pads the edges, so the micro-kernel only ever sees full
// MR x NR tiles; an edge tile is computed into a scratch tile and the valid part copied out.
// beta is applied on the first KC step only (beta == 0 never reads C, as in BLAS, so NaNs in an
// uninitialised C do not leak through).
//
// Kernels: AVX-512F for float (12x16, the same per-element arithmetic as AVX2's: the same bits),
// AVX2+FMA (6x16 float, 6x8 double; 12 accumulators of 16 ymm registers) compiled with
// __attribute__((target)) and chosen at run time with __builtin_cpu_supports, so the binary still
// runs on any x86-64; otherwise a portable kernel (4x8 float, 4x4 double) on 128-bit GCC vector
// types, which is SSE2 on any x86-64 and NEON on arm64 (there with explicit fused multiply-adds,
// vfmaq: the build turns off FMA contraction, -ffp-contract=off, for the rest of the host code).
//
// Threads: one matrix is cut into a grid of rectangles (as square as the thread count allows), one
// per thread, each running the whole loop nest above with its own pack buffers; a batch of small
// matrices is split over batch entries instead. The single-threaded driver never calls
// parallelFor, so nothing nests.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include "../core/parallel.h"
#include "../core/vmath.h"
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define FLINT_GEMM_X86 1
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace flint {
namespace {

template <class T>
using KernelFn = void (*)(int64_t kc, const T* A, const T* B, T* C, int64_t ldc, T alpha, T beta);

// ---- micro-kernels -----------------------------------------------------------------------------

// Writes one MR x NR tile: C = alpha * acc + beta * C (C not read when beta == 0).
template <class T, int MR, int NR>
inline void storeTile(const T (&acc)[MR][NR], T* C, int64_t ldc, T alpha, T beta) {
  for (int i = 0; i < MR; i++) {
    T* c = C + i * ldc;
    if (beta == T(0)) for (int j = 0; j < NR; j++) c[j] = alpha * acc[i][j];
    else for (int j = 0; j < NR; j++) c[j] = alpha * acc[i][j] + beta * c[j];
  }
}

// Portable: 128-bit GCC vector types (SSE2 on x86-64, NEON elsewhere), 8 accumulators
// (SSE has 16 registers and two-operand instructions: 12 would spill). Every
// loop over the tile is unrolled so that the accumulators stay in registers.
template <class V, class T> inline V splat(T x) {
  V v = {};
  for (size_t e = 0; e < sizeof(V) / sizeof(T); e++) v[e] = x;
  return v;
}

// acc + a * b per lane: one fused vfmaq on arm64 (every AArch64 CPU has it), a multiply and an add
// elsewhere (SSE2 has no FMA).
template <class V> inline V madd(V acc, V a, V b) {
#if defined(__aarch64__)
  if constexpr (sizeof(acc[0]) == 4) return (V)vfmaq_f32((float32x4_t)acc, (float32x4_t)a, (float32x4_t)b);
  else return (V)vfmaq_f64((float64x2_t)acc, (float64x2_t)a, (float64x2_t)b);
#else
  return acc + a * b;
#endif
}

template <class T, int MR, int NR>
void kernelPortable(int64_t kc, const T* A, const T* B, T* C, int64_t ldc, T alpha, T beta) {
  typedef T V __attribute__((vector_size(16)));
  constexpr int W = 16 / (int)sizeof(T), NV = NR / W;
  V acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR * NV; i++) acc[i / NV][i % NV] = V{};
  for (int64_t k = 0; k < kc; k++, A += MR, B += NR) {
    V b[NV];
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) b[j] = *reinterpret_cast<const V*>(B + j * W);  // packed panels: 64-byte aligned
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      const V a = splat<V>(A[i]);
#pragma GCC unroll 8
      for (int j = 0; j < NV; j++) acc[i][j] = madd(acc[i][j], a, b[j]);
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++) {
#pragma GCC unroll 8
    for (int j = 0; j < NV; j++) {
      T* c = C + i * ldc + j * W;
      V r = acc[i][j] * alpha;
      if (beta != T(0)) { V old; std::memcpy(&old, c, sizeof old); r += old * beta; }
      std::memcpy(c, &r, sizeof r);
    }
  }
}

#ifdef FLINT_GEMM_X86
#define FLINT_AVX2 __attribute__((target("avx2,fma")))

FLINT_AVX2 inline void storeRowF32(float* c, __m256 acc, __m256 va, __m256 vb, int betaKind) {
  if (betaKind == 0) _mm256_storeu_ps(c, _mm256_mul_ps(va, acc));
  else if (betaKind == 1) _mm256_storeu_ps(c, _mm256_fmadd_ps(va, acc, _mm256_loadu_ps(c)));
  else _mm256_storeu_ps(c, _mm256_fmadd_ps(va, acc, _mm256_mul_ps(vb, _mm256_loadu_ps(c))));
}

FLINT_AVX2 void kernelF32Avx2(int64_t kc, const float* A, const float* B, float* C, int64_t ldc,
                              float alpha, float beta) {
  for (int i = 0; i < 6; i++) {
    _mm_prefetch((const char*)(C + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char*)(C + i * ldc + 15), _MM_HINT_T0);
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_load_ps(B), b1 = _mm256_load_ps(B + 8);
    __m256 a;
    a = _mm256_broadcast_ss(A + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(A + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(A + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(A + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(A + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(A + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
    A += 6; B += 16;
  }
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  const int bk = beta == 0.f ? 0 : beta == 1.f ? 1 : 2;
  storeRowF32(C + 0 * ldc, c00, va, vb, bk); storeRowF32(C + 0 * ldc + 8, c01, va, vb, bk);
  storeRowF32(C + 1 * ldc, c10, va, vb, bk); storeRowF32(C + 1 * ldc + 8, c11, va, vb, bk);
  storeRowF32(C + 2 * ldc, c20, va, vb, bk); storeRowF32(C + 2 * ldc + 8, c21, va, vb, bk);
  storeRowF32(C + 3 * ldc, c30, va, vb, bk); storeRowF32(C + 3 * ldc + 8, c31, va, vb, bk);
  storeRowF32(C + 4 * ldc, c40, va, vb, bk); storeRowF32(C + 4 * ldc + 8, c41, va, vb, bk);
  storeRowF32(C + 5 * ldc, c50, va, vb, bk); storeRowF32(C + 5 * ldc + 8, c51, va, vb, bk);
}

// AVX-512F float kernel: 12x16, one zmm accumulator per row (12 of 32 registers), one B load and
// 12 broadcast FMAs per k. Each element's arithmetic is the AVX2 kernel's (one fused multiply-add per
// k in k order, then alpha and beta), so the two give the same bits; only the tile is taller.
#define FLINT_AVX512 __attribute__((target("avx512f,avx2,fma")))
FLINT_AVX512 inline void storeRowF32x16(float* c, __m512 acc, __m512 va, __m512 vb, int betaKind) {
  if (betaKind == 0) _mm512_storeu_ps(c, _mm512_mul_ps(va, acc));
  else if (betaKind == 1) _mm512_storeu_ps(c, _mm512_fmadd_ps(va, acc, _mm512_loadu_ps(c)));
  else _mm512_storeu_ps(c, _mm512_fmadd_ps(va, acc, _mm512_mul_ps(vb, _mm512_loadu_ps(c))));
}

FLINT_AVX512 void kernelF32Avx512(int64_t kc, const float* A, const float* B, float* C, int64_t ldc,
                                  float alpha, float beta) {
  for (int i = 0; i < 12; i++) _mm_prefetch((const char*)(C + i * ldc), _MM_HINT_T0);
  __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  __m512 c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; k++) {
    const __m512 b = _mm512_load_ps(B);
    c0 = _mm512_fmadd_ps(_mm512_set1_ps(A[0]), b, c0);
    c1 = _mm512_fmadd_ps(_mm512_set1_ps(A[1]), b, c1);
    c2 = _mm512_fmadd_ps(_mm512_set1_ps(A[2]), b, c2);
    c3 = _mm512_fmadd_ps(_mm512_set1_ps(A[3]), b, c3);
    c4 = _mm512_fmadd_ps(_mm512_set1_ps(A[4]), b, c4);
    c5 = _mm512_fmadd_ps(_mm512_set1_ps(A[5]), b, c5);
    c6 = _mm512_fmadd_ps(_mm512_set1_ps(A[6]), b, c6);
    c7 = _mm512_fmadd_ps(_mm512_set1_ps(A[7]), b, c7);
    c8 = _mm512_fmadd_ps(_mm512_set1_ps(A[8]), b, c8);
    c9 = _mm512_fmadd_ps(_mm512_set1_ps(A[9]), b, c9);
    c10 = _mm512_fmadd_ps(_mm512_set1_ps(A[10]), b, c10);
    c11 = _mm512_fmadd_ps(_mm512_set1_ps(A[11]), b, c11);
    A += 12; B += 16;
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  const int bk = beta == 0.f ? 0 : beta == 1.f ? 1 : 2;
  storeRowF32x16(C + 0 * ldc, c0, va, vb, bk); storeRowF32x16(C + 1 * ldc, c1, va, vb, bk);
  storeRowF32x16(C + 2 * ldc, c2, va, vb, bk); storeRowF32x16(C + 3 * ldc, c3, va, vb, bk);
  storeRowF32x16(C + 4 * ldc, c4, va, vb, bk); storeRowF32x16(C + 5 * ldc, c5, va, vb, bk);
  storeRowF32x16(C + 6 * ldc, c6, va, vb, bk); storeRowF32x16(C + 7 * ldc, c7, va, vb, bk);
  storeRowF32x16(C + 8 * ldc, c8, va, vb, bk); storeRowF32x16(C + 9 * ldc, c9, va, vb, bk);
  storeRowF32x16(C + 10 * ldc, c10, va, vb, bk); storeRowF32x16(C + 11 * ldc, c11, va, vb, bk);
}

FLINT_AVX2 inline void storeRowF64(double* c, __m256d acc, __m256d va, __m256d vb, int betaKind) {
  if (betaKind == 0) _mm256_storeu_pd(c, _mm256_mul_pd(va, acc));
  else if (betaKind == 1) _mm256_storeu_pd(c, _mm256_fmadd_pd(va, acc, _mm256_loadu_pd(c)));
  else _mm256_storeu_pd(c, _mm256_fmadd_pd(va, acc, _mm256_mul_pd(vb, _mm256_loadu_pd(c))));
}

FLINT_AVX2 void kernelF64Avx2(int64_t kc, const double* A, const double* B, double* C, int64_t ldc,
                              double alpha, double beta) {
  for (int i = 0; i < 6; i++) _mm_prefetch((const char*)(C + i * ldc), _MM_HINT_T0);
  __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; k++) {
    const __m256d b0 = _mm256_load_pd(B), b1 = _mm256_load_pd(B + 4);
    __m256d a;
    a = _mm256_broadcast_sd(A + 0); c00 = _mm256_fmadd_pd(a, b0, c00); c01 = _mm256_fmadd_pd(a, b1, c01);
    a = _mm256_broadcast_sd(A + 1); c10 = _mm256_fmadd_pd(a, b0, c10); c11 = _mm256_fmadd_pd(a, b1, c11);
    a = _mm256_broadcast_sd(A + 2); c20 = _mm256_fmadd_pd(a, b0, c20); c21 = _mm256_fmadd_pd(a, b1, c21);
    a = _mm256_broadcast_sd(A + 3); c30 = _mm256_fmadd_pd(a, b0, c30); c31 = _mm256_fmadd_pd(a, b1, c31);
    a = _mm256_broadcast_sd(A + 4); c40 = _mm256_fmadd_pd(a, b0, c40); c41 = _mm256_fmadd_pd(a, b1, c41);
    a = _mm256_broadcast_sd(A + 5); c50 = _mm256_fmadd_pd(a, b0, c50); c51 = _mm256_fmadd_pd(a, b1, c51);
    A += 6; B += 8;
  }
  const __m256d va = _mm256_set1_pd(alpha), vb = _mm256_set1_pd(beta);
  const int bk = beta == 0.0 ? 0 : beta == 1.0 ? 1 : 2;
  storeRowF64(C + 0 * ldc, c00, va, vb, bk); storeRowF64(C + 0 * ldc + 4, c01, va, vb, bk);
  storeRowF64(C + 1 * ldc, c10, va, vb, bk); storeRowF64(C + 1 * ldc + 4, c11, va, vb, bk);
  storeRowF64(C + 2 * ldc, c20, va, vb, bk); storeRowF64(C + 2 * ldc + 4, c21, va, vb, bk);
  storeRowF64(C + 3 * ldc, c30, va, vb, bk); storeRowF64(C + 3 * ldc + 4, c31, va, vb, bk);
  storeRowF64(C + 4 * ldc, c40, va, vb, bk); storeRowF64(C + 4 * ldc + 4, c41, va, vb, bk);
  storeRowF64(C + 5 * ldc, c50, va, vb, bk); storeRowF64(C + 5 * ldc + 4, c51, va, vb, bk);
}
#endif

#ifdef FLINT_GEMM_X86
bool haveAvx2Fma() {
  static const bool ok = [] {
    __builtin_cpu_init();
    const char* force = std::getenv("FLINT_GEMM_KERNEL");  // "portable": test the fallback here
    if (force && std::strcmp(force, "portable") == 0) return false;
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return ok;
}
// The float AVX-512 kernel: where the CPU has AVX-512F and neither FLINT_CPU_ISA (vm::cpuIsa: a cap
// of avx2 or base) nor FLINT_GEMM_KERNEL (avx2, portable) asks for less.
bool haveAvx512() {
  static const bool ok = [] {
    const char* force = std::getenv("FLINT_GEMM_KERNEL");
    if (force && (std::strcmp(force, "portable") == 0 || std::strcmp(force, "avx2") == 0)) return false;
    return haveAvx2Fma() && vm::cpuIsa() == vm::kIsaAvx512;
  }();
  return ok;
}
#endif

// ---- packing -----------------------------------------------------------------------------------

// Element (i, k) of op(A) and (k, j) of op(B), given the stored matrix and its row stride.
template <class T> inline const T* atA(const T* A, int64_t lda, bool trans, int64_t i, int64_t k) {
  return trans ? A + k * lda + i : A + i * lda + k;
}

// A block (mc x kc, origin at A) into MR-tall panels: panel p holds rows [p*MR, p*MR+MR), stored
// k-major (MR values per k), zero-padded below the last row.
template <class T, int MR>
void packA(bool trans, int64_t mc, int64_t kc, const T* A, int64_t lda, T* dst) {
  for (int64_t ir = 0; ir < mc; ir += MR, dst += MR * kc) {
    const int mr = (int)std::min<int64_t>(MR, mc - ir);
    if (!trans) {
      const T* rows[MR];
      for (int i = 0; i < MR; i++) rows[i] = A + (ir + std::min(i, mr - 1)) * lda;
      if (mr == MR) {
        for (int64_t k = 0; k < kc; k++)
          for (int i = 0; i < MR; i++) dst[k * MR + i] = rows[i][k];
      } else {
        for (int64_t k = 0; k < kc; k++)
          for (int i = 0; i < MR; i++) dst[k * MR + i] = i < mr ? rows[i][k] : T(0);
      }
    } else {
      for (int64_t k = 0; k < kc; k++) {
        const T* src = A + k * lda + ir;
        T* d = dst + k * MR;
        if (mr == MR) for (int i = 0; i < MR; i++) d[i] = src[i];
        else for (int i = 0; i < MR; i++) d[i] = i < mr ? src[i] : T(0);
      }
    }
  }
}

// B block (kc x nc, origin at B) into NR-wide panels, k-major (NR values per k), zero-padded.
template <class T, int NR>
void packB(bool trans, int64_t kc, int64_t nc, const T* B, int64_t ldb, T* dst) {
  for (int64_t jr = 0; jr < nc; jr += NR, dst += NR * kc) {
    const int nr = (int)std::min<int64_t>(NR, nc - jr);
    if (!trans) {
      for (int64_t k = 0; k < kc; k++) {
        const T* src = B + k * ldb + jr;
        T* d = dst + k * NR;
        if (nr == NR) for (int j = 0; j < NR; j++) d[j] = src[j];
        else for (int j = 0; j < NR; j++) d[j] = j < nr ? src[j] : T(0);
      }
    } else {
      // stored N x K: column j of op(B) is row j of the stored matrix, contiguous in k
      for (int j = 0; j < NR; j++) {
        if (j < nr) {
          const T* src = B + (jr + j) * ldb;
          for (int64_t k = 0; k < kc; k++) dst[k * NR + j] = src[k];
        } else {
          for (int64_t k = 0; k < kc; k++) dst[k * NR + j] = T(0);
        }
      }
    }
  }
}

// A growing, 64-byte aligned scratch buffer per thread (pool threads live as long as the process).
template <class T> T* scratch(int slot, size_t n) {
  struct Buf { void* p = nullptr; size_t bytes = 0; ~Buf() { std::free(p); } };
  static thread_local Buf bufs[2];
  Buf& b = bufs[slot];
  const size_t need = (n * sizeof(T) + 63) / 64 * 64;
  if (b.bytes < need) {
    std::free(b.p);
    b.p = std::aligned_alloc(64, need);
    if (!b.p) throw std::bad_alloc();
    b.bytes = need;
  }
  return static_cast<T*>(b.p);
}

// ---- the loop nest (one thread, one matrix) ----------------------------------------------------

template <class T, int MR, int NR, int KC, int MC, int NC>
struct Blocked {
  static constexpr int kMR = MR, kNR = NR;
  static void run(KernelFn<T> kernel, bool transA, bool transB, int64_t M, int64_t N, int64_t K, T alpha,
                  const T* A, int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0 || alpha == T(0)) { scaleC(M, N, beta, C, ldc); return; }
    const int64_t kcMax = std::min<int64_t>(KC, K), ncMax = std::min<int64_t>(NC, (N + NR - 1) / NR * NR);
    const int64_t mcMax = std::min<int64_t>(MC, (M + MR - 1) / MR * MR);
    T* Bp = scratch<T>(0, (size_t)(kcMax * ncMax));
    T* Ap = scratch<T>(1, (size_t)(kcMax * mcMax));
    alignas(64) T tile[MR * NR];
    for (int64_t jc = 0; jc < N; jc += NC) {
      const int64_t nc = std::min<int64_t>(NC, N - jc);
      for (int64_t pc = 0; pc < K; pc += KC) {
        const int64_t kc = std::min<int64_t>(KC, K - pc);
        const T betaStep = pc == 0 ? beta : T(1);
        packB<T, NR>(transB, kc, nc, transB ? B + jc * ldb + pc : B + pc * ldb + jc, ldb, Bp);
        for (int64_t ic = 0; ic < M; ic += MC) {
          const int64_t mc = std::min<int64_t>(MC, M - ic);
          packA<T, MR>(transA, mc, kc, atA(A, lda, transA, ic, pc), lda, Ap);
          for (int64_t jr = 0; jr < nc; jr += NR) {
            const int64_t nr = std::min<int64_t>(NR, nc - jr);
            const T* bp = Bp + jr * kc;
            for (int64_t ir = 0; ir < mc; ir += MR) {
              const int64_t mr = std::min<int64_t>(MR, mc - ir);
              T* c = C + (ic + ir) * ldc + jc + jr;
              if (mr == MR && nr == NR) {
                kernel(kc, Ap + ir * kc, bp, c, ldc, alpha, betaStep);
              } else {
                kernel(kc, Ap + ir * kc, bp, tile, NR, alpha, T(0));
                for (int64_t i = 0; i < mr; i++)
                  for (int64_t j = 0; j < nr; j++)
                    c[i * ldc + j] = betaStep == T(0) ? tile[i * NR + j] : tile[i * NR + j] + betaStep * c[i * ldc + j];
              }
            }
          }
        }
      }
    }
  }

  static void scaleC(int64_t M, int64_t N, T beta, T* C, int64_t ldc) {
    for (int64_t i = 0; i < M; i++) {
      T* c = C + i * ldc;
      if (beta == T(0)) for (int64_t j = 0; j < N; j++) c[j] = T(0);
      else if (beta != T(1)) for (int64_t j = 0; j < N; j++) c[j] *= beta;
    }
  }
};

// ---- threading ---------------------------------------------------------------------------------

// Below this many multiply-adds a matrix runs on one thread: waking the pool costs more.
constexpr int64_t kParallelMinFma = 48 * 48 * 48;

template <class Nest, class T>
void runBatched(KernelFn<T> kernel, bool transA, bool transB, int64_t M, int64_t N, int64_t K, T alpha,
                const T* A, int64_t lda, int64_t strideA, const T* B, int64_t ldb, int64_t strideB,
                T beta, T* C, int64_t ldc, int64_t strideC, int64_t batch) {
  constexpr int MR = Nest::kMR, NR = Nest::kNR;
  auto one = [kernel](bool tA, bool tB, int64_t m, int64_t n, int64_t k, T al, const T* a, int64_t la, const T* b,
                      int64_t lb, T be, T* c, int64_t lc) { Nest::run(kernel, tA, tB, m, n, k, al, a, la, b, lb, be, c, lc); };
  if (M <= 0 || N <= 0 || batch <= 0) return;
  const int threads = numThreads();
  const int64_t fma = M * N * std::max<int64_t>(K, 1);
  // Many entries: one thread per group of entries (each entry single-threaded).
  if (threads > 1 && batch > 1 && (batch >= 2 * threads || fma * threads < (int64_t)1 << 24) &&
      fma * batch >= kParallelMinFma) {
    const int64_t grain = std::max<int64_t>(1, kParallelMinFma / fma);
    parallelFor(batch, grain, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; b++)
        one(transA, transB, M, N, K, alpha, A + b * strideA, lda, B + b * strideB, ldb, beta, C + b * strideC, ldc);
    });
    return;
  }
  // Otherwise: each entry cut into a tm x tn grid of rectangles, one per thread.
  int tm = 1, tn = 1;
  if (threads > 1 && fma >= kParallelMinFma) {
    double best = 1e300;
    for (int d = 1; d <= threads; d++) {
      if (threads % d) continue;
      const int e = threads / d;
      if ((M + MR - 1) / MR < d || (N + NR - 1) / NR < e) continue;
      const double pm = (double)M / d, pn = (double)N / e;
      // cost ~ packing + edge waste: favour square pieces, and cutting M (A packing is the dearer)
      const double cost = pm / pn + pn / pm + (e > 1 ? 0.25 : 0.0);
      if (cost < best) { best = cost; tm = d; tn = e; }
    }
  }
  for (int64_t b = 0; b < batch; b++) {
    const T* a = A + b * strideA; const T* bb = B + b * strideB; T* c = C + b * strideC;
    if (tm * tn == 1) { one(transA, transB, M, N, K, alpha, a, lda, bb, ldb, beta, c, ldc); continue; }
    // piece boundaries rounded to whole micro-tiles
    const int64_t mStep = ((M + tm - 1) / tm + MR - 1) / MR * MR, nStep = ((N + tn - 1) / tn + NR - 1) / NR * NR;
    parallelFor(tm * tn, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; p++) {
        const int64_t i0 = (p / tn) * mStep, j0 = (p % tn) * nStep;
        if (i0 >= M || j0 >= N) continue;
        const int64_t m = std::min(mStep, M - i0), n = std::min(nStep, N - j0);
        one(transA, transB, m, n, K, alpha, atA(a, lda, transA, i0, 0), lda,
            transB ? bb + j0 * ldb : bb + j0, ldb, beta, c + i0 * ldc + j0, ldc);
      }
    });
  }
}

}  // namespace

// Float32: 12x16 AVX-512 or 6x16 AVX2 tiles (portable: 4x8), KC=256 (B micro-panel 16 KiB in L1), MC=144 (A block 144 KiB in L2).
void gemmBuiltinF32(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha,
                    const float* A, int64_t lda, int64_t strideA, const float* B, int64_t ldb, int64_t strideB,
                    float beta, float* C, int64_t ldc, int64_t strideC, int64_t batch) {
#ifdef FLINT_GEMM_X86
  if (haveAvx512()) {
    runBatched<Blocked<float, 12, 16, 256, 144, 2048>>(kernelF32Avx512, transA, transB, M, N, K, alpha, A, lda,
                                                       strideA, B, ldb, strideB, beta, C, ldc, strideC, batch);
    return;
  }
  if (haveAvx2Fma()) {
    runBatched<Blocked<float, 6, 16, 256, 144, 2048>>(kernelF32Avx2, transA, transB, M, N, K, alpha, A, lda, strideA,
                                                      B, ldb, strideB, beta, C, ldc, strideC, batch);
    return;
  }
#endif
  runBatched<Blocked<float, 4, 8, 256, 128, 2048>>(kernelPortable<float, 4, 8>, transA, transB, M, N, K, alpha, A, lda,
                                                   strideA, B, ldb, strideB, beta, C, ldc, strideC, batch);
}

// Float64: 6x8 AVX2 tiles (portable: 4x4), KC=256 (B micro-panel 16 KiB), MC=72 (A block 144 KiB).
void gemmBuiltinF64(bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha,
                    const double* A, int64_t lda, int64_t strideA, const double* B, int64_t ldb, int64_t strideB,
                    double beta, double* C, int64_t ldc, int64_t strideC, int64_t batch) {
#ifdef FLINT_GEMM_X86
  if (haveAvx2Fma()) {
    runBatched<Blocked<double, 6, 8, 256, 72, 1024>>(kernelF64Avx2, transA, transB, M, N, K, alpha, A, lda, strideA,
                                                     B, ldb, strideB, beta, C, ldc, strideC, batch);
    return;
  }
#endif
  runBatched<Blocked<double, 4, 4, 256, 64, 1024>>(kernelPortable<double, 4, 4>, transA, transB, M, N, K, alpha, A,
                                                   lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batch);
}

}  // namespace flint
