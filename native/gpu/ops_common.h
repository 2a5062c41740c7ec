// ops_common.h — what the host side of GPU ops (native/gpu/ops_*.cpp) shares: kernel names by dtype,
// the values of scalar operands (they reach the kernels by value), and strided device copies used
// to permute inputs/outputs around row kernels. The StridedArgs<N> iteration space and its planner
// are native/core/strided.h's, shared with the CPU loops and the kernels.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include "../core/dtype.h"
#include "../core/error.h"
#include "../core/strided.h"
#include "../core/tensor.h"
#include "launch.h"

namespace flint {
namespace gpu {

/** The dtype suffix of kernel names (compat.cuh FLINT_DTYPES order): f32 f64 f16 bf16 i32 u8 bool. */
inline const char* dtypeSuffix(DType dt) {
  switch (dt) {
    case DType::F32: return "f32";
    case DType::F64: return "f64";
    case DType::F16: return "f16";
    case DType::BF16: return "bf16";
    case DType::I32: return "i32";
    case DType::U8: return "u8";
    case DType::Bool: return "bool";
  }
  fail(ErrorKind::DType, "cuda: unknown dtype code " + std::to_string((int)dt));
}

/** kernelName("flint_unary", DType::F32) == "flint_unary_f32". */
inline std::string kernelName(const char* base, DType dt) { return std::string(base) + "_" + dtypeSuffix(dt); }

/** The copy/cast kernel from `from` to `to`: flint_copy_<from>_to_<to>. */
inline std::string copyKernelName(DType from, DType to) {
  return std::string("flint_copy_") + dtypeSuffix(from) + "_to_" + dtypeSuffix(to);
}

inline bool isFloatDType(DType dt) { return dt == DType::F32 || dt == DType::F64 || dt == DType::F16 || dt == DType::BF16; }

inline bool isRowMajor(int ndim, const int64_t* shape, const int64_t* strides);

/** StridedArgs<2> of a plain (not merged) N-d walk: out[idx] <- in[idx] with the given strides. */
inline StridedArgs<2> stridedArgs2(int ndim, const int64_t* shape, const int64_t* outStrides, const int64_t* inStrides) {
  StridedArgs<2> a;
  std::memset(&a, 0, sizeof(a));
  a.numel = 1;
  for (int d = 0; d < ndim; d++) {
    a.shape[d] = shape[d];
    a.strides[0][d] = outStrides[d];
    a.strides[1][d] = inStrides[d];
    a.numel *= shape[d];
  }
  a.ndim = ndim;
  a.contiguous = isRowMajor(ndim, shape, outStrides) && isRowMajor(ndim, shape, inStrides) ? 1 : 0;
  if (ndim == 0) { a.ndim = 1; a.shape[0] = 1; a.contiguous = 1; }
  return a;
}

/** Row-major (contiguous) strides of `shape`. */
inline void rowMajorStrides(int ndim, const int64_t* shape, int64_t* strides) {
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
}

/** True when `strides` address `shape` row-major without gaps (size-1 dims ignored). */
inline bool isRowMajor(int ndim, const int64_t* shape, const int64_t* strides) {
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; d--) {
    if (shape[d] != 1 && strides[d] != s) return false;
    s *= shape[d];
  }
  return true;
}

/**
 * Strided device copy with cast (flint_copy_<from>_to_<to>): dst[idx] <- src[idx] over `a`
 * (operand 0 = dst, operand 1 = src). Same-dtype contiguous runs become one device memcpy.
 */
inline void stridedCopy(void* dst, DType dstType, const void* src, DType srcType, const StridedArgs<2>& a) {
  if (a.numel == 0) return;
  if (dstType == srcType && a.contiguous) {
    copyDeviceToDeviceAsync(dst, src, (size_t)a.numel * (size_t)itemsize(dstType));
    return;
  }
  launch(copyKernelName(srcType, dstType).c_str(), Dim3(gridFor(a.numel, 4)), Dim3(kBlock), 0, a, dst, src);
}

/** The value of a scalar operand (TensorArg::isScalar: data points at its host `scalar` bytes). */
inline double scalarValue(const TensorArg& t) {
  double v = 0;
  dispatchDType(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    T x;
    std::memcpy(&x, t.scalar, sizeof(T));
    v = (double)load(x);
  });
  return v;
}

/** Grid of a one-block-per-row kernel (grid-stride over rows, so any size is correct). */
inline unsigned rowGrid(int64_t rows) {
  return (unsigned)std::max<int64_t>(1, std::min<int64_t>(rows, 65535LL * 8));
}

}  // namespace gpu
}  // namespace flint
