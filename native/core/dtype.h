// dtype.h — the seven element types, their sizes, and the element load/store conversions (float16 and
// bfloat16 through float16.h) that the CPU backend and the GPU kernels (compat.cuh) both use.
// The numbering is shared with lib/dtype.ts (DTYPE_CODES); change both together.
#pragma once
#include <cstdint>
#include <cstring>
#include <cmath>
#include "float16.h"
#include "hd.h"

namespace flint {

enum class DType : int32_t { F32 = 0, F64 = 1, F16 = 2, BF16 = 3, I32 = 4, U8 = 5, Bool = 6 };
constexpr int kNumDTypes = 7;

inline int64_t itemsize(DType d) {
  switch (d) {
    case DType::F32: case DType::I32: return 4;
    case DType::F64: return 8;
    case DType::F16: case DType::BF16: return 2;
    case DType::U8: case DType::Bool: return 1;
  }
  return 0;
}
const char* dtypeName(DType d);

// Storage formats for the 16-bit floats: plain structs so that templates can tell them apart.
struct Half { uint16_t bits; };
struct BFloat16 { uint16_t bits; };

// ---- element load/store: one definition for the CPU loops and the GPU kernels ---------------------
// FLINT_HD: __host__ __device__ under nvcc/hipcc (native/kernels/compat.cuh includes this header),
// so the CPU backend and the kernels convert with the same code and the same bits.

// Compute type of each storage type: 16-bit floats compute in float.
template <class T> struct ComputeT { typedef T type; };
template <> struct ComputeT<Half> { typedef float type; };
template <> struct ComputeT<BFloat16> { typedef float type; };

template <class T> FLINT_HD inline typename ComputeT<T>::type load(const T& v) { return v; }
template <> FLINT_HD inline float load<Half>(const Half& v) { return halfToFloat(v.bits); }
template <> FLINT_HD inline float load<BFloat16>(const BFloat16& v) { return bf16ToFloat(v.bits); }

// Convert any arithmetic value S into storage type T: bool is "nonzero" (NaN -> true, as in
// PyTorch); float -> int32/uint8 clamps (NaN -> 0, +-inf and out-of-range -> the int32 limits; a
// plain cast would be undefined in C++); 16-bit floats round to nearest even through float.
template <class T> struct Store {
  template <class S> static FLINT_HD T from(S v) { return static_cast<T>(v); }
};
template <> struct Store<bool> {
  template <class S> static FLINT_HD bool from(S v) { return v != (S)0; }
};
template <> struct Store<int32_t> {
  static FLINT_HD int32_t fromD(double v) {
    if (!(v == v)) return 0;
    if (v >= 2147483647.0) return 2147483647;
    if (v <= -2147483648.0) return (int32_t)(-2147483647 - 1);
    return (int32_t)v;
  }
  static FLINT_HD int32_t from(double v) { return fromD(v); }
  static FLINT_HD int32_t from(float v) { return fromD((double)v); }
  template <class S> static FLINT_HD int32_t from(S v) { return static_cast<int32_t>(v); }  // integers, bool
};
template <> struct Store<uint8_t> {
  static FLINT_HD uint8_t from(double v) { return (uint8_t)Store<int32_t>::fromD(v); }
  static FLINT_HD uint8_t from(float v) { return (uint8_t)Store<int32_t>::fromD((double)v); }
  template <class S> static FLINT_HD uint8_t from(S v) { return static_cast<uint8_t>(v); }  // integers, bool
};
template <> struct Store<Half> {
  template <class S> static FLINT_HD Half from(S v) { return Half{floatToHalf((float)v)}; }
  static FLINT_HD Half from(bool v) { return Half{floatToHalf(v ? 1.f : 0.f)}; }
};
template <> struct Store<BFloat16> {
  template <class S> static FLINT_HD BFloat16 from(S v) { return BFloat16{floatToBf16((float)v)}; }
  static FLINT_HD BFloat16 from(bool v) { return BFloat16{floatToBf16(v ? 1.f : 0.f)}; }
};
template <class T, class S> FLINT_HD inline T store(S v) { return Store<T>::from(v); }

// Call f with a value of the C++ storage type that matches a runtime dtype:
//   dispatchDType(dt, [&](auto tag) { using T = decltype(tag); ... });
template <class F> inline void dispatchDType(DType d, F&& f) {
  switch (d) {
    case DType::F32: f(float{}); break;
    case DType::F64: f(double{}); break;
    case DType::F16: f(Half{}); break;
    case DType::BF16: f(BFloat16{}); break;
    case DType::I32: f(int32_t{}); break;
    case DType::U8: f(uint8_t{}); break;
    case DType::Bool: f(bool{}); break;
  }
}
template <class F> inline void dispatchFloat(DType d, F&& f) {  // floating dtypes only
  switch (d) {
    case DType::F32: f(float{}); break;
    case DType::F64: f(double{}); break;
    case DType::F16: f(Half{}); break;
    case DType::BF16: f(BFloat16{}); break;
    default: break;
  }
}

}  // namespace flint
