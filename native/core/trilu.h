// trilu.h — DESIGN: the triu/tril op ("trilu") written once for both devices: the argument struct
// that travels to the kernel (TriluArgs), the per-row rule that says which columns are kept, and
// the host-side validation. Who includes it: native/cpu/trilu.cpp (one zero run and one copy run
// per row), native/gpu/ops_trilu.cpp (checks, builds TriluArgs) and native/kernels/trilu.cu (one
// thread per element). Operands: t[0] out, t[1] x (same shape, any strides); p[0] diagonal,
// p[1] 1 = triu, 0 = tril.
#pragma once
#include <cstddef>
#include <cstdint>
#include "hd.h"
#include "tensor.h"

namespace flint {

/** The kernel's iteration space: out and x have one shape; strides in ELEMENTS (0 out, 1 x). */
struct TriluArgs {
  int32_t ndim;
  int32_t pad;
  int64_t numel;
  int64_t shape[kMaxDims];
  int64_t strides[2][kMaxDims];
};
static_assert(offsetof(TriluArgs, shape) == 16 && sizeof(TriluArgs) == 16 + 8 * kMaxDims * 3, "TriluArgs layout");

/**
 * Row `row` of a matrix with N columns keeps the columns [split, N) for triu (j - i >= diagonal)
 * and [0, split) for tril (j - i <= diagonal); the others are zero.
 */
FLINT_HD inline int64_t triluSplit(int64_t row, int64_t diag, bool upper, int64_t N) {
  const int64_t split = upper ? row + diag : row + diag + 1;
  return split < 0 ? 0 : split > N ? N : split;
}

}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <cstring>
#include "error.h"

namespace flint {

/** The checks both devices make; false when there is nothing to do (an empty output). */
inline bool checkTrilu(const OpCall& c) {
  const TensorArg &out = c.t[0], &x = c.t[1];
  if (out.ndim < 2) fail(ErrorKind::Shape, "trilu: input must have at least 2 dims, got " + out.shapeStr());
  if (x.dtype != out.dtype) fail(ErrorKind::DType, "trilu: output and input dtypes differ");
  return out.numel() != 0;
}

inline TriluArgs triluArgs(const TensorArg& out, const TensorArg& x) {
  TriluArgs a;
  std::memset(&a, 0, sizeof(a));
  a.ndim = out.ndim;
  a.numel = out.numel();
  for (int d = 0; d < out.ndim; d++) {
    a.shape[d] = out.shape[d];
    a.strides[0][d] = out.strides[d];
    a.strides[1][d] = x.strides[d];
  }
  return a;
}

}  // namespace flint
#endif
