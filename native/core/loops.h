// loops.h — the strided N-operand loop under every elementwise kernel (PyTorch's TensorIterator,
// reduced to what we need). Operands share one shape (JS expands broadcast operands to the output's
// rank with stride 0). The dims are planned by strided.h (size-1 dims dropped, dims contiguous for
// every operand merged: the GPU kernels get the same plan); the loop splits the flat range over the
// thread pool and calls the kernel's inner function on 1-D runs: inner(char* ptrs[N], const int64_t strides[N] /* bytes */, int64_t n).
// A kernel specialises the contiguous run (all strides == itemsize) so the compiler vectorises it.
#pragma once
#include <algorithm>
#include <cstdint>
#include "parallel.h"
#include "strided.h"
#include "tensor.h"

namespace flint {

template <int N>
struct StridedLoop {
  int ndim = 0;
  int64_t shape[kMaxDims];
  int64_t strides[N][kMaxDims];  // bytes
  char* base[N];
  int64_t numel = 1;

  // ops[0..N) all have ops[0]'s shape (scalars: stride 0 everywhere). The plan is strided.h's, the
  // same as the GPU kernels get; here the strides are scaled to bytes.
  explicit StridedLoop(const TensorArg* const* ops) {
    const StridedArgs<N> a = planStrided<N>(ops);
    ndim = a.ndim;
    numel = a.numel;
    for (int k = 0; k < N; k++) {
      base[k] = static_cast<char*>(ops[k]->data);
      const int64_t size = itemsize(ops[k]->dtype);
      for (int d = 0; d < ndim; d++) strides[k][d] = a.strides[k][d] * size;
    }
    for (int d = 0; d < ndim; d++) shape[d] = a.shape[d];
  }

  // Runs inner over the flat index range [begin, end).
  template <class Inner>
  void runRange(int64_t begin, int64_t end, Inner& inner) const {
    int64_t idx[kMaxDims];
    int64_t rem = begin;
    char* ptrs[N];
    for (int k = 0; k < N; k++) ptrs[k] = base[k];
    for (int d = ndim - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      for (int k = 0; k < N; k++) ptrs[k] += idx[d] * strides[k][d];
    }
    int64_t inner_strides[N];
    for (int k = 0; k < N; k++) inner_strides[k] = strides[k][ndim - 1];
    int64_t pos = begin;
    const int last = ndim - 1;
    while (pos < end) {
      int64_t n = std::min(shape[last] - idx[last], end - pos);
      inner(ptrs, inner_strides, n);
      pos += n;
      // advance: move the innermost by n, then carry
      for (int k = 0; k < N; k++) ptrs[k] += n * strides[k][last];
      idx[last] += n;
      for (int d = last; d > 0 && idx[d] == shape[d]; d--) {
        for (int k = 0; k < N; k++) ptrs[k] += strides[k][d - 1] - shape[d] * strides[k][d];
        idx[d] = 0;
        idx[d - 1]++;
      }
    }
  }

  template <class Inner>
  void run(Inner inner, int64_t grain = kElementwiseGrain) const {
    if (numel == 0) return;
    parallelFor(numel, grain, [&](int64_t b, int64_t e) { Inner local = inner; runRange(b, e, local); });
  }
};

// Fill a TensorArg describing a scalar operand of dtype dt with value v (converted), shaped like ref.
void makeScalarArg(TensorArg& t, DType dt, double v, const TensorArg& ref);

}  // namespace flint
