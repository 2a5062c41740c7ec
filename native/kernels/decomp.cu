// decomp.cu — GPU kernels of torch.linalg's decompositions, the twins of native/cpu/decomp.cpp:
// the serial per-matrix routines of native/core/decomp.h (Householder QR with LAPACK's conventions,
// tred2 + implicit QL for eigh, one-sided Jacobi for the SVD), one thread per matrix of the batch
// (grid-stride), each with `ws` doubles of the device workspace.
//
//   flint_linalg_qr_<dt>(a: DecompArgs, Q, R, A, workspace, ws)
//   flint_linalg_eigh_<dt>(a, W, V, A, workspace, ws)
//   flint_linalg_svd_<dt>(a, U, S, Vh, A, workspace, ws, err)   err: E_DECOMP_NONFINITE
//
// One thread per matrix is correct first and slow for big matrices: a faster version would give
// each matrix a block and split the column loops (dot products, rotations, reflector updates)
// over its threads, with the Jacobi pairs in a round-robin order so that a block rotates n/2
// disjoint pairs at once.
#include "compat.cuh"
#include "../core/decomp.h"

using flint::DecompArgs;

#define FLINT_DECOMP(S, T)                                                                                      \
  FLINT_KERNEL void flint_linalg_qr_##S(DecompArgs a, void* Q, void* R, const void* A, double* work, index_t ws) {   \
    for (index_t b = (index_t)blockIdx.x * blockDim.x + threadIdx.x; b < a.batch; b += (index_t)gridDim.x * blockDim.x) \
      flint::decomp::qrMatrix<T>(a, b, static_cast<const T*>(A), static_cast<T*>(Q), static_cast<T*>(R), work + b * ws); \
  }                                                                                                              \
  FLINT_KERNEL void flint_linalg_eigh_##S(DecompArgs a, void* W, void* V, const void* A, double* work, index_t ws) { \
    for (index_t b = (index_t)blockIdx.x * blockDim.x + threadIdx.x; b < a.batch; b += (index_t)gridDim.x * blockDim.x) \
      flint::decomp::eighMatrix<T>(a, b, static_cast<const T*>(A), static_cast<T*>(W), static_cast<T*>(V), work + b * ws); \
  }                                                                                                              \
  FLINT_KERNEL void flint_linalg_svd_##S(DecompArgs a, void* U, void* Sv, void* Vh, const void* A, double* work,   \
                                         index_t ws, int* err) {                                                 \
    for (index_t b = (index_t)blockIdx.x * blockDim.x + threadIdx.x; b < a.batch; b += (index_t)gridDim.x * blockDim.x) \
      if (!flint::decomp::svdMatrix<T>(a, b, static_cast<const T*>(A), static_cast<T*>(U), static_cast<T*>(Sv),    \
                                       static_cast<T*>(Vh), work + b * ws))                                      \
        atomicOr(err, (int)flint::E_DECOMP_NONFINITE);                                                           \
  }
FLINT_DECOMP(f32, float)
FLINT_DECOMP(f64, double)
