// sort.h — DESIGN: what 'sort' and 'topk' share on both devices before any element is touched: the
// slices an op call describes (params outer, n, inner: n elements along the sorted dim, `inner`
// apart) and the checks, so that both refuse the same calls with the same messages. The orderings
// themselves differ by design (the CPU compares keys with NaN last; native/kernels/sort.cu sorts
// order-preserving integer encodings of the keys), so the kernel does not include this header.
// Who includes it: native/cpu/sort.cpp and native/gpu/ops_sort.cpp.
#pragma once
#include <climits>
#include <cstdint>
#include <string>
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

/** The independent slices of a sort/topk call: outer * inner of them, n elements each. */
struct Slices {
  int64_t outer, n, inner;
  explicit Slices(const OpCall& c) : outer((int64_t)c.param(0)), n((int64_t)c.param(1)), inner((int64_t)c.param(2)) {}
  int64_t count() const { return outer * inner; }
};

/** Indices are int32: a sorted dim holds at most 2^31 - 1 elements. */
inline void checkSortDim(const Slices& S, const char* op) {
  if (S.n > INT32_MAX) fail(ErrorKind::Shape, std::string(op) + ": a dim of more than 2^31 - 1 elements cannot be indexed with int32");
}

/** topk's k (param 3), checked against the dim; the dim's size next. */
inline int64_t topkK(const OpCall& c, const Slices& S) {
  const int64_t k = (int64_t)c.param(3);
  if (k < 0 || k > S.n) fail(ErrorKind::Index, "topk: k " + std::to_string(k) + " is out of range for a dim of size " + std::to_string(S.n));
  checkSortDim(S, "topk");
  return k;
}

}  // namespace checks
}  // namespace flint
