// linalg.cu — GPU kernels of the "linalg" family, the twins of native/cpu/linalg.cpp (host side:
// native/gpu/ops_linalg.cpp; operands and the per-matrix routines: native/core/linalg.h).
//
//   flint_lu_factor_<f>(a, piv, info, B, m, n)          getrf, one block per matrix
//   flint_lu_solve_<f>(x, lu, piv, B, n, k, adjoint)     getrs, one block per matrix, a thread per column of X
//   flint_tri_solve_<f>(x, t, B, n, k, upper, trans, unit)   trsm (left), as lu_solve
//   flint_cholesky_<f>(a, info, B, n)                    potrf (lower), one block per matrix
// f: f32 f64. Grid-stride over the batch (any grid size); blockDim.x = FLINT_BLOCK.
//
// Correct first: a block factors its matrix with rank-1 updates through global memory, and a solve
// gives each column of the right-hand side to one thread. A faster version would factor in blocked
// panels (a panel in shared memory, the trailing update as a GEMM through cuBLAS/rocBLAS, as
// MAGMA/cuSOLVER's getrf do), batch small matrices several per block in shared memory, and split a
// single right-hand side's substitution across a warp (a dot product per row).
#include "compat.cuh"
#include "../core/linalg.h"

namespace flint {
namespace kern {
namespace {

/** The team's meeting point: the block's barrier. */
struct BlockSync {
  FLINT_DEV void operator()() const { __syncthreads(); }
};

template <class T>
FLINT_DEV void luFactorKernel(T* a, int32_t* piv, int32_t* info, index_t B, index_t m, index_t n) {
  __shared__ int64_t sh[2];
  const index_t K = m < n ? m : n;
  for (index_t b = blockIdx.x; b < B; b += gridDim.x) {
    const int32_t r = linalg::luFactorOne(a + b * m * n, m, n, piv + b * K, (int)threadIdx.x, (int)blockDim.x, BlockSync(), sh);
    if (threadIdx.x == 0) info[b] = r;
    __syncthreads();
  }
}

template <class T>
FLINT_DEV void luSolveKernel(T* x, const T* lu, const int32_t* piv, index_t B, index_t n, index_t k, int adjoint) {
  for (index_t b = blockIdx.x; b < B; b += gridDim.x) {
    T* xb = x + b * n * k;
    const T* ab = lu + b * n * n;
    const int32_t* pb = piv + b * n;
    const index_t c0 = threadIdx.x, step = blockDim.x;
    if (!adjoint) {
      linalg::applyPivots(xb, n, k, pb, false, c0, k, step);
      linalg::trsmColumns(ab, n, (index_t)1, xb, n, k, false, true, c0, step);
      linalg::trsmColumns(ab, n, (index_t)1, xb, n, k, true, false, c0, step);
    } else {
      linalg::trsmColumns(ab, (index_t)1, n, xb, n, k, false, false, c0, step);
      linalg::trsmColumns(ab, (index_t)1, n, xb, n, k, true, true, c0, step);
      linalg::applyPivots(xb, n, k, pb, true, c0, k, step);
    }
  }
}

template <class T>
FLINT_DEV void triSolveKernel(T* x, const T* t, index_t B, index_t n, index_t k, int upper, int trans, int unit) {
  for (index_t b = blockIdx.x; b < B; b += gridDim.x)
    linalg::trsmColumns(t + b * n * n, trans ? (index_t)1 : n, trans ? n : (index_t)1, x + b * n * k, n, k, upper != 0, unit != 0,
                        (index_t)threadIdx.x, (index_t)blockDim.x);
}

template <class T>
FLINT_DEV void choleskyKernel(T* a, int32_t* info, index_t B, index_t n) {
  __shared__ int64_t sh[1];
  for (index_t b = blockIdx.x; b < B; b += gridDim.x) {
    const int32_t r = linalg::choleskyOne(a + b * n * n, n, (int)threadIdx.x, (int)blockDim.x, BlockSync(), sh);
    if (threadIdx.x == 0) info[b] = r;
    __syncthreads();
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

#define FLINT_LINALG_KERNELS(S, T)                                                                                        \
  FLINT_KERNEL void flint_lu_factor_##S(void* a, int32_t* piv, int32_t* info, index_t B, index_t m, index_t n) {          \
    flint::kern::luFactorKernel<T>(static_cast<T*>(a), piv, info, B, m, n);                                               \
  }                                                                                                                       \
  FLINT_KERNEL void flint_lu_solve_##S(void* x, const void* lu, const int32_t* piv, index_t B, index_t n, index_t k,      \
                                       int adjoint) {                                                                     \
    flint::kern::luSolveKernel<T>(static_cast<T*>(x), static_cast<const T*>(lu), piv, B, n, k, adjoint);                 \
  }                                                                                                                       \
  FLINT_KERNEL void flint_tri_solve_##S(void* x, const void* t, index_t B, index_t n, index_t k, int upper, int trans,   \
                                        int unit) {                                                                       \
    flint::kern::triSolveKernel<T>(static_cast<T*>(x), static_cast<const T*>(t), B, n, k, upper, trans, unit);           \
  }                                                                                                                       \
  FLINT_KERNEL void flint_cholesky_##S(void* a, int32_t* info, index_t B, index_t n) {                                    \
    flint::kern::choleskyKernel<T>(static_cast<T*>(a), info, B, n);                                                       \
  }
FLINT_LINALG_KERNELS(f32, float)
FLINT_LINALG_KERNELS(f64, double)
#undef FLINT_LINALG_KERNELS
