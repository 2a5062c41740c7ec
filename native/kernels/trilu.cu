// trilu.cu — GPU kernel of triu/tril, the twin of native/cpu/trilu.cpp: out keeps x where the element
// (i, j) of the last two dims lies on the kept side of the diagonal (triu: j - i >= diagonal,
// tril: j - i <= diagonal; native/core/trilu.h's triluSplit) and is zero elsewhere, for a batch of
// matrices.
//
//   flint_trilu_<dt>(a: TriluArgs {out, x strides}, out, x, diagonal, upper)
//
// out and x have the same shape (ndim >= 2, any strides, in ELEMENTS); one thread per output
// element, grid-stride (any grid size), blockDim.x = FLINT_BLOCK. Values are copied bit for bit.
#include "compat.cuh"
#include "../core/trilu.h"

namespace flint {
namespace kern {

namespace {

template <class T> FLINT_DEV void triluKernel(const TriluArgs& a, T* out, const T* x, index_t diag, int upper) {
  const index_t M = a.shape[a.ndim - 2], N = a.shape[a.ndim - 1];
  for (index_t e = (index_t)blockIdx.x * blockDim.x + threadIdx.x; e < a.numel; e += (index_t)gridDim.x * blockDim.x) {
    index_t i = e, oo = 0, xo = 0;
    for (int d = a.ndim - 1; d >= 0; d--) {
      const index_t s = a.shape[d], q = i / s, r = i - q * s;
      i = q;
      oo += r * a.strides[0][d];
      xo += r * a.strides[1][d];
    }
    const index_t col = e % N, row = (e / N) % M, split = triluSplit(row, diag, upper != 0, N);
    const bool keep = upper ? col >= split : col < split;
    out[oo] = keep ? x[xo] : T{};  // T{}: all-zero bits (+0, false)
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::TriluArgs;

#define FLINT_TRILU(S, T)                                                                                  \
  FLINT_KERNEL void flint_trilu_##S(TriluArgs a, void* out, const void* x, index_t diagonal, int upper) { \
    flint::kern::triluKernel<T>(a, static_cast<T*>(out), static_cast<const T*>(x), diagonal, upper);       \
  }
FLINT_DTYPES(FLINT_TRILU)
