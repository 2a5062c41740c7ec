// indexing.h — DESIGN: the index ops (gather, scatter, indexSelect, maskedSelect) declared once for
// both devices: the iteration-space struct that travels to the kernels (IndexArgs<N>), the bounds
// rule of an index value, and the host side that both devices share — the validation (namespace
// checks: the same calls refused with the same messages), IndexArgs construction and the IndexError
// text for an index out of bounds. Index values themselves are checked where they live (the CPU
// loop / the kernel, which reports through an error word).
//
// Who includes it: native/cpu/indexing.cpp, native/gpu/ops_indexing.cpp and
// native/kernels/indexing.cu (the host-only part is left out there).
#pragma once
#include <cstddef>
#include <cstdint>
#include "hd.h"
#include "tensor.h"

namespace flint {

/** The strided iteration space of the index kernels: shape and per-operand strides in ELEMENTS. */
template <int N> struct IndexArgs {
  int32_t ndim;
  int32_t dim;     // the indexed dim
  int64_t numel;   // elements of the iteration shape
  int64_t size;    // the addressed tensor's size along dim (valid indices: [0, size))
  int64_t step;    // the addressed tensor's stride along dim
  int64_t wstep;   // scatter: the winner buffer's stride along dim
  int64_t shape[kMaxDims];
  int64_t strides[N][kMaxDims];
};
static_assert(offsetof(IndexArgs<1>, shape) == 40 && sizeof(IndexArgs<4>) == 40 + 8 * kMaxDims * 5, "IndexArgs layout");

/** An index value outside [0, size) (int32 indices; no negative wrap-around, as the JS layer normalises). */
FLINT_HD inline bool indexOutside(int64_t v, int64_t size) { return v < 0 || v >= size; }

}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <cstring>
#include <string>
#include "dtype.h"
#include "error.h"

namespace flint {
namespace checks {

inline void needInt32(const TensorArg& idx, const char* op) {
  if (idx.dtype != DType::I32) fail(ErrorKind::DType, std::string(op) + ": index must be int32, got " + dtypeName(idx.dtype));
}

// scatter: t[0] self, t[1] index, t[2] src (tensor or scalar); p[0] dim, p[1] mode (0 assign, 1 add).
struct ScatterArgs { const char* name; int dim; bool add; };

inline ScatterArgs scatterArgs(const OpCall& c) {
  const TensorArg &self = c.t[0], &idx = c.t[1], &src = c.t[2];
  const char* name = c.param(1) == 1 ? "scatterAdd" : "scatter";
  needInt32(idx, name);
  const int dim = (int)c.param(0);
  const bool add = c.param(1) == 1;
  if (!src.isScalar && src.dtype != self.dtype) {
    fail(ErrorKind::DType, std::string(name) + ": src dtype " + dtypeName(src.dtype) + " differs from self dtype " + dtypeName(self.dtype));
  }
  return ScatterArgs{name, dim, add};
}

// maskedSelect's count pass: the mask must be bool.
inline void needBoolMask(const TensorArg& mask) {
  if (mask.dtype != DType::Bool) fail(ErrorKind::DType, std::string("maskedSelect: mask must be bool, got ") + dtypeName(mask.dtype));
}

}  // namespace checks

/** The iteration space of `shapeOf` (a 0-dim tensor: one element) along `dim`; strides left zero. */
template <int N> IndexArgs<N> indexArgs(const TensorArg& shapeOf, int dim) {
  IndexArgs<N> a;
  std::memset(&a, 0, sizeof(a));
  a.ndim = shapeOf.ndim;
  a.dim = dim;
  a.numel = shapeOf.numel();
  for (int d = 0; d < shapeOf.ndim; d++) a.shape[d] = shapeOf.shape[d];
  if (a.ndim == 0) { a.ndim = 1; a.shape[0] = 1; }
  return a;
}

/** The IndexError of an index out of bounds (both devices). */
[[noreturn]] inline void failBadIndex(const std::string& op, int64_t v, const std::string& dim, const std::string& size) {
  fail(ErrorKind::Index, op + ": index " + std::to_string(v) + " is out of bounds for dim " + dim + " with size " + size);
}

}  // namespace flint
#endif
