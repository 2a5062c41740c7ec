// dtype.h — the seven element types, their sizes, and float16/bfloat16 conversions.
// The numbering is shared with lib/dtype.ts (DTYPE_CODES); change both together.
#pragma once
#include <cstdint>
#include <cstring>
#include <cmath>
#include "float16.h"

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

// Compute type of each storage type: 16-bit floats compute in float.
template <class T> struct ComputeT { using type = T; };
template <> struct ComputeT<Half> { using type = float; };
template <> struct ComputeT<BFloat16> { using type = float; };

template <class T> inline typename ComputeT<T>::type load(const T& v) { return v; }
template <> inline float load<Half>(const Half& v) { return halfToFloat(v.bits); }
template <> inline float load<BFloat16>(const BFloat16& v) { return bf16ToFloat(v.bits); }

// Convert any arithmetic value into storage type T (bool: nonzero; NaN -> true, as in PyTorch).
template <class T, class S> inline T store(S v) { return static_cast<T>(v); }
template <> inline bool store<bool, float>(float v) { return v != 0.f; }
template <> inline bool store<bool, double>(double v) { return v != 0.0; }
template <class T, class S> inline T convert(S v) { return store<T>(v); }
template <> inline Half store<Half, float>(float v) { return Half{floatToHalf(v)}; }
template <> inline Half store<Half, double>(double v) { return Half{floatToHalf((float)v)}; }
template <> inline BFloat16 store<BFloat16, float>(float v) { return BFloat16{floatToBf16(v)}; }
template <> inline BFloat16 store<BFloat16, double>(double v) { return BFloat16{floatToBf16((float)v)}; }
template <> inline Half store<Half, int32_t>(int32_t v) { return Half{floatToHalf((float)v)}; }
template <> inline BFloat16 store<BFloat16, int32_t>(int32_t v) { return BFloat16{floatToBf16((float)v)}; }
template <> inline Half store<Half, uint8_t>(uint8_t v) { return Half{floatToHalf((float)v)}; }
template <> inline BFloat16 store<BFloat16, uint8_t>(uint8_t v) { return BFloat16{floatToBf16((float)v)}; }
template <> inline Half store<Half, bool>(bool v) { return Half{floatToHalf(v ? 1.f : 0.f)}; }
template <> inline BFloat16 store<BFloat16, bool>(bool v) { return BFloat16{floatToBf16(v ? 1.f : 0.f)}; }
// float -> int conversions of out-of-range values are undefined in C++; clamp NaN/inf to 0 / limits.
template <> inline int32_t store<int32_t, double>(double v) {
  if (!(v == v)) return 0;
  if (v >= 2147483647.0) return INT32_MAX;
  if (v <= -2147483648.0) return INT32_MIN;
  return (int32_t)v;
}
template <> inline int32_t store<int32_t, float>(float v) { return store<int32_t, double>((double)v); }
template <> inline uint8_t store<uint8_t, float>(float v) { return (uint8_t)store<int32_t>(v); }
template <> inline uint8_t store<uint8_t, double>(double v) { return (uint8_t)store<int32_t>(v); }

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
