// ops_common.h — what the host side of GPU ops (native/gpu/ops_*.cpp) shares: kernel names by dtype,
// the StridedArgs<N> iteration space that the strided kernels take by value, scalar operands moved
// to device memory, and strided device copies used to permute inputs/outputs around row kernels.
//
// StridedArgs<N> is declared twice, here and in native/kernels/elementwise.cu; the layouts must stay
// identical (static_asserts below pin this side: int32 ndim, int32 contiguous, int64 numel,
// int64 shape[16], int64 strides[N][16], 8-byte aligned, no padding).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include "../core/dtype.h"
#include "../core/error.h"
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

/** The iteration space of the strided kernels (elementwise.cu): shape and per-operand strides in ELEMENTS. */
template <int N> struct StridedArgs {
  int32_t ndim;
  int32_t contiguous;  // 1: every operand is contiguous in this shape (offset = linear index)
  int64_t numel;
  int64_t shape[kMaxDims];
  int64_t strides[N][kMaxDims];
};
static_assert(offsetof(StridedArgs<1>, numel) == 8 && offsetof(StridedArgs<1>, shape) == 16, "StridedArgs layout");
static_assert(offsetof(StridedArgs<3>, strides) == 16 + 8 * kMaxDims, "StridedArgs layout");
static_assert(sizeof(StridedArgs<4>) == 16 + 8 * kMaxDims * 5, "StridedArgs layout");

/**
 * The StridedArgs of operands that all have ops[0]'s shape (scalars: stride 0), as StridedLoop builds
 * its plan: size-1 dims dropped, dims that are contiguous with each other for every operand merged
 * (fewer divisions per element), `contiguous` = 1 when one linear index addresses every operand.
 */
template <int N> StridedArgs<N> stridedArgs(const TensorArg* const* ops) {
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

/**
 * Scalar operands in device memory for one op call: each scalar gets a one-element device buffer,
 * written by the fill kernel (value by value, so nothing is read from host memory later and nothing
 * synchronizes). Every dtype's values are exact in double, so the stored bits equal the scalar's.
 * `dev(t)` returns t itself for tensors, and for scalars a copy whose data is the device element
 * (strides stay 0). The buffers live as long as this object (stream-ordered frees).
 */
class DeviceScalars {
 public:
  TensorArg dev(const TensorArg& t) {
    if (!t.isScalar) return t;
    if (n_ == kMax) fail(ErrorKind::Flint, "cuda: too many scalar operands");
    bufs_[n_].reset(new DeviceBuffer((size_t)itemsize(t.dtype)));
    void* p = bufs_[n_]->get();
    n_++;
    StridedArgs<1> one;
    std::memset(&one, 0, sizeof(one));
    one.ndim = 1; one.contiguous = 1; one.numel = 1; one.shape[0] = 1;
    launch(kernelName("flint_fill", t.dtype).c_str(), Dim3(1), Dim3(kBlock), 0, one, p, scalarValue(t));
    TensorArg r = t;
    r.data = p;
    for (int d = 0; d < r.ndim; d++) r.strides[d] = 0;
    return r;
  }

 private:
  static constexpr int kMax = 4;
  std::unique_ptr<DeviceBuffer> bufs_[kMax];
  int n_ = 0;
};

/** Grid of a one-block-per-row kernel (grid-stride over rows, so any size is correct). */
inline unsigned rowGrid(int64_t rows) {
  return (unsigned)std::max<int64_t>(1, std::min<int64_t>(rows, 65535LL * 8));
}

}  // namespace gpu
}  // namespace flint
