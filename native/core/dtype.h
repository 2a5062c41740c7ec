// dtype.h — the seven element types, their sizes, and float16/bfloat16 conversions.
// The numbering is shared with lib/dtype.ts (DTYPE_CODES); change both together.
#pragma once
#include <cstdint>
#include <cstring>
#include <cmath>

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

inline float halfToFloat(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, f;
  if (exp == 0) {
    if (man == 0) f = sign;
    else {  // subnormal: normalise
      exp = 127 - 15 + 1;
      while (!(man & 0x400)) { man <<= 1; exp--; }
      man &= 0x3ff;
      f = sign | (exp << 23) | (man << 13);
    }
  } else if (exp == 31) f = sign | 0x7f800000u | (man << 13);
  else f = sign | ((exp + 127 - 15) << 23) | (man << 13);
  float out; std::memcpy(&out, &f, 4); return out;
}

inline uint16_t floatToHalf(float v) {  // round to nearest even
  uint32_t x; std::memcpy(&x, &v, 4);
  uint32_t sign = (x >> 16) & 0x8000, ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return (uint16_t)(sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0));
  if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00);  // overflow to inf (>= 65520)
  if (ax < 0x38800000u) {  // subnormal or zero in half
    if (ax < 0x33000000u) return (uint16_t)sign;  // below half of the smallest subnormal
    uint32_t e = ax >> 23, m = (ax & 0x7fffff) | 0x800000;
    int shift = 126 - (int)e;  // value / 2^-24 = m * 2^(e - 126)
    uint32_t r = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1))) r++;
    return (uint16_t)(sign | r);
  }
  uint32_t r = ((ax - 0x38000000u) >> 13), rem = ax & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) r++;
  return (uint16_t)(sign | r);
}

inline float bf16ToFloat(uint16_t b) { uint32_t f = (uint32_t)b << 16; float o; std::memcpy(&o, &f, 4); return o; }
inline uint16_t floatToBf16(float v) {
  uint32_t x; std::memcpy(&x, &v, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40);  // quiet NaN
  x += 0x7fff + ((x >> 16) & 1);
  return (uint16_t)(x >> 16);
}

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
