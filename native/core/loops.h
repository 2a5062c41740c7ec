// loops.h — the strided N-operand loop under every elementwise kernel (PyTorch's TensorIterator,
// reduced to what we need). Operands share one shape (JS expands broadcast operands to the output's
// rank with stride 0). The loop drops size-1 dims, merges dims that are contiguous for every
// operand, splits the flat range over the thread pool, and calls the kernel's inner function on
// 1-D runs: inner(char* ptrs[N], const int64_t strides[N] /* bytes */, int64_t n).
// A kernel specialises the contiguous run (all strides == itemsize) so the compiler vectorises it.
#pragma once
#include <algorithm>
#include <cstdint>
#include "parallel.h"
#include "tensor.h"

namespace flint {

template <int N>
struct StridedLoop {
  int ndim = 0;
  int64_t shape[kMaxDims];
  int64_t strides[N][kMaxDims];  // bytes
  char* base[N];
  int64_t numel = 1;

  // ops[0..N) all have ops[0]'s shape (scalars: stride 0 everywhere).
  explicit StridedLoop(const TensorArg* const* ops) {
    const TensorArg& o = *ops[0];
    for (int k = 0; k < N; k++) base[k] = static_cast<char*>(ops[k]->data);
    for (int d = 0; d < o.ndim; d++) {
      numel *= o.shape[d];
      if (o.shape[d] == 1) continue;
      shape[ndim] = o.shape[d];
      for (int k = 0; k < N; k++)
        strides[k][ndim] = ops[k]->isScalar ? 0 : ops[k]->strides[d] * itemsize(ops[k]->dtype);
      ndim++;
    }
    // merge dim i-1 into i when, for every operand, stepping the outer dim equals a full inner run
    int w = 0;
    for (int d = 0; d < ndim; d++) {
      if (w > 0) {
        bool merge = true;
        for (int k = 0; k < N; k++)
          if (strides[k][w - 1] != strides[k][d] * shape[d]) { merge = false; break; }
        if (merge) {
          shape[w - 1] *= shape[d];
          for (int k = 0; k < N; k++) strides[k][w - 1] = strides[k][d];
          continue;
        }
      }
      shape[w] = shape[d];
      for (int k = 0; k < N; k++) strides[k][w] = strides[k][d];
      w++;
    }
    ndim = w;
    if (ndim == 0) { ndim = 1; shape[0] = 1; for (int k = 0; k < N; k++) strides[k][0] = 0; }
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
