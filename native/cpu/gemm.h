// gemm.h — the CPU GEMM front: BLAS found at run time with dlopen (OpenBLAS, MKL, BLIS), or the
// built-in blocked GEMM when none is found or FLINT_BLAS=builtin. Row-major, batched with strides:
//   C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b],  b in [0, batch)
// op(X) = X or X^T; A is M x K after op, B is K x N after op, C is M x N. ld* are row strides of
// the stored (pre-op) matrices in elements; stride* step between batch entries.
#pragma once
#include <cstdint>

namespace flint {

void gemmF32(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha,
             const float* A, int64_t lda, int64_t strideA, const float* B, int64_t ldb, int64_t strideB,
             float beta, float* C, int64_t ldc, int64_t strideC, int64_t batch);
void gemmF64(bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha,
             const double* A, int64_t lda, int64_t strideA, const double* B, int64_t ldb, int64_t strideB,
             double beta, double* C, int64_t ldc, int64_t strideC, int64_t batch);

// One product as one BLAS call (the library single-threaded), never cut over the pool: for callers
// that cut their products themselves by a rule that does not depend on the thread count, because a
// BLAS may pick its kernel by a call's size (OpenBLAS's SkylakeX small-matrix kernels by M·N·K), and
// kernels round differently, so gemmF32/gemmF64's thread-count cut can change an element's bits
// (native/cpu/linalg.cpp's gemmSub). The built-in GEMM (no BLAS) is the same either way.
void gemmF32One(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
void gemmF64One(bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
                const double* B, int64_t ldb, double beta, double* C, int64_t ldc);

// "openblas (libopenblas.so.0)", "mkl (libmkl_rt.so)", "blis (libblis.so.4)" or "builtin".
const char* blasBackendName();
// The libraries tried before the one in use (or all, when none loaded) and why each failed, for
// `doctor`; "" when the first candidate loaded (plus a line when flintml named OpenBLAS's kernel
// family through OPENBLAS_CORETYPE for its load: gemm.cpp, CoreTypeHint).
const char* blasSearchLog();

}  // namespace flint
