// float16.h — the bit-level float16/bfloat16 conversions, in one place for the CPU (dtype.h) and
// the GPU kernels (native/kernels/compat.cuh): FLINT_HD makes them __host__ __device__ under nvcc.
// float -> float16 and float -> bfloat16 round to nearest even; NaN stays NaN (quiet).
#pragma once
#include <cstdint>
#include <cstring>

#include "hd.h"

namespace flint {

FLINT_HD inline float bitsToFloat(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
FLINT_HD inline uint32_t floatToBits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }

FLINT_HD inline float halfToFloat(uint16_t h) {
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
  return bitsToFloat(f);
}

FLINT_HD inline uint16_t floatToHalf(float v) {
  const uint32_t x = floatToBits(v);
  const uint32_t sign = (x >> 16) & 0x8000, ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return (uint16_t)(sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0));
  if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00);  // overflow to inf (>= 65520)
  if (ax < 0x38800000u) {  // subnormal or zero in half
    if (ax < 0x33000000u) return (uint16_t)sign;  // below half of the smallest subnormal
    const uint32_t e = ax >> 23, m = (ax & 0x7fffff) | 0x800000;
    const int shift = 126 - (int)e;  // value / 2^-24 = m * 2^(e - 126)
    uint32_t r = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1))) r++;
    return (uint16_t)(sign | r);
  }
  uint32_t r = ((ax - 0x38000000u) >> 13);
  const uint32_t rem = ax & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) r++;
  return (uint16_t)(sign | r);
}

FLINT_HD inline float bf16ToFloat(uint16_t b) { return bitsToFloat((uint32_t)b << 16); }
FLINT_HD inline uint16_t floatToBf16(float v) {
  uint32_t x = floatToBits(v);
  if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40);  // quiet NaN
  x += 0x7fff + ((x >> 16) & 1);
  return (uint16_t)(x >> 16);
}

}  // namespace flint
