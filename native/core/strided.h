// strided.h — DESIGN: the one dimension planner of the elementwise loops, for both devices.
//
// StridedArgs<N> is the iteration space of N operands that share one shape (JS expands broadcast
// operands to the output's rank with stride 0; scalar operands get stride 0 everywhere): shape and
// per-operand strides in ELEMENTS after the plan — size-1 dims dropped, and a dim merged into the
// next one when, for every operand, stepping it equals a full run of the inner dim. Fewer dims mean
// fewer divisions per element on the GPU and longer contiguous runs on the CPU.
//
// Who includes it: native/core/loops.h (StridedLoop, the CPU loop, scales the strides to bytes),
// native/gpu/ops_*.cpp (through ops_common.h: the plan travels by value to the kernel), and
// native/kernels/*.cu (the kernels read it; the layout is therefore declared only here:
// int32 ndim, int32 contiguous, int64 numel, int64 shape[16], int64 strides[N][16], no padding).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include "tensor.h"

namespace flint {

template <int N> struct StridedArgs {
  int32_t ndim;
  int32_t contiguous;  // 1: every operand is contiguous in this shape (offset = linear index)
  int64_t numel;
  int64_t shape[kMaxDims];
  int64_t strides[N][kMaxDims];  // in elements
};
static_assert(offsetof(StridedArgs<1>, numel) == 8 && offsetof(StridedArgs<1>, shape) == 16, "StridedArgs layout");
static_assert(offsetof(StridedArgs<3>, strides) == 16 + 8 * kMaxDims, "StridedArgs layout");
static_assert(sizeof(StridedArgs<4>) == 16 + 8 * kMaxDims * 5, "StridedArgs layout");

/**
 * The plan of operands that all have ops[0]'s shape (scalars: stride 0). Unused dims are zero, so
 * the bytes a kernel receives are deterministic. A single element (or a 0-dim tensor) is one dim of
 * size 1 with stride 0. `contiguous` = 1 when one linear index addresses every operand.
 */
template <int N> inline StridedArgs<N> planStrided(const TensorArg* const* ops) {
  StridedArgs<N> a;
  std::memset(&a, 0, sizeof(a));
  const TensorArg& o = *ops[0];
  a.numel = 1;
  int nd = 0;
  for (int d = 0; d < o.ndim; d++) {
    a.numel *= o.shape[d];
    if (o.shape[d] == 1) continue;
    a.shape[nd] = o.shape[d];
    for (int k = 0; k < N; k++) a.strides[k][nd] = ops[k]->isScalar ? 0 : ops[k]->strides[d];
    nd++;
  }
  int w = 0;
  for (int d = 0; d < nd; d++) {
    if (w > 0) {
      bool merge = true;
      for (int k = 0; k < N; k++)
        if (a.strides[k][w - 1] != a.strides[k][d] * a.shape[d]) { merge = false; break; }
      if (merge) {
        a.shape[w - 1] *= a.shape[d];
        for (int k = 0; k < N; k++) a.strides[k][w - 1] = a.strides[k][d];
        continue;
      }
    }
    a.shape[w] = a.shape[d];
    for (int k = 0; k < N; k++) a.strides[k][w] = a.strides[k][d];
    w++;
  }
  for (int d = w; d < kMaxDims; d++) { a.shape[d] = 0; for (int k = 0; k < N; k++) a.strides[k][d] = 0; }
  if (w == 0) {  // a single element (or 0-dim): every offset is 0
    a.ndim = 1;
    a.shape[0] = 1;
    a.contiguous = 1;
    return a;
  }
  a.ndim = w;
  bool contiguous = w == 1;
  for (int k = 0; k < N && contiguous; k++) contiguous = a.strides[k][0] == 1;
  a.contiguous = contiguous ? 1 : 0;
  return a;
}

}  // namespace flint
