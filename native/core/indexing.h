// indexing.h — DESIGN: the index ops (gather, scatter / scatterAdd / scatterReduce, indexSelect,
// maskedSelect) declared once for both devices: the iteration-space struct that travels to the kernels (IndexArgs<N>), the bounds
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
#include <type_traits>
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

/**
 * The scatter op's modes (p[1]): assign, add (scatterAdd and scatterReduce's 'sum'), and the
 * scatterReduce combiners 'prod', 'amax', 'amin' ('mean' is a sum divided by counts, in lib/ops).
 */
enum ScatterMode { kScatterAssign = 0, kScatterAdd = 1, kScatterProd = 2, kScatterMax = 3, kScatterMin = 4 };

/**
 * cur combined with v by a scatterReduce mode, in compute type C, as torch's ReduceMultiply /
 * ReduceMaximum / ReduceMinimum: NaN wins in amax and amin (from either side), integers wrap in prod,
 * bool is and/or/and. The result does not depend on the order of the combines (amax, amin), except
 * for the rounding of a floating prod.
 */
template <class C> FLINT_HD inline C scatterCombine(int mode, C cur, C v) {
  if constexpr (std::is_same<C, bool>::value) return mode == kScatterMax ? (cur || v) : (cur && v);
  else if constexpr (std::is_floating_point<C>::value) {
    if (mode == kScatterProd) return cur * v;
    if (v != v) return v;
    if (mode == kScatterMax) return cur < v ? v : cur;
    return v < cur ? v : cur;
  } else {
    if (mode == kScatterProd) return (C)((uint32_t)cur * (uint32_t)v);
    if (mode == kScatterMax) return cur < v ? v : cur;
    return v < cur ? v : cur;
  }
}

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

// scatter: t[0] self, t[1] index, t[2] src (tensor or scalar); p[0] dim, p[1] mode (ScatterMode),
// optional p[2] = 1: the call is part of scatterReduce (its errors name that op; scatterReduce with
// includeSelf false first assigns the reduction's identity at the indexed positions).
struct ScatterArgs { const char* name; int dim; int mode; };

inline ScatterArgs scatterArgs(const OpCall& c) {
  const TensorArg &self = c.t[0], &idx = c.t[1], &src = c.t[2];
  const double m = c.param(1);
  if (!(m == 0 || m == 1 || m == 2 || m == 3 || m == 4)) fail(ErrorKind::Value, "scatter: mode must be 0 (assign) to 4 (amin)");
  const int mode = (int)m;
  const bool reduce = mode >= kScatterProd || (c.np > 2 && c.param(2) == 1);
  const char* name = reduce ? "scatterReduce" : mode == kScatterAssign ? "scatter" : "scatterAdd";
  needInt32(idx, name);
  const int dim = (int)c.param(0);
  if (!src.isScalar && src.dtype != self.dtype) {
    fail(ErrorKind::DType, std::string(name) + ": src dtype " + dtypeName(src.dtype) + " differs from self dtype " + dtypeName(self.dtype));
  }
  return ScatterArgs{name, dim, mode};
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
