// philox.h — the counter-based random number generator behind every random op, on every backend.
//
// Design
// ------
// flintml draws random numbers from Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
// as 1, 2, 3", SC'11 — the generator of Random123, cuRAND and PyTorch's CUDA backend). Philox is a
// keyed bijection of a 128-bit counter: philox(counter, key) -> four uint32 words, with no state
// carried from one call to the next. That is what makes the numbers independent of how the work is
// split: element i of a tensor needs nothing but its own counter.
//
// The generator state is two 64-bit numbers, kept in JavaScript (lib/ops/random.ts) so that it is
// the same for every device and can be saved and restored as a plain object:
//   seed    the key: key = (seed & 0xffffffff, seed >> 32)
//   offset  how many 128-bit counter blocks earlier ops have consumed
// An op that fills n elements gives element i (row-major index in the output) the counter
//   c = offset + i  (64-bit),   counter = (c & 0xffffffff, c >> 32, 0, 0)
// and then advances offset by n. So each element uses one Philox block (four words), whatever the
// thread count (parallelFor chunks) or the backend: a CUDA kernel that includes this header computes
// bit-identical words, hence bit-identical uniforms and integers. (Normals go through log/cos/sqrt,
// libm.h's m_log/m_cos/m_sqrt: the host libm on the CPU, the device's on a GPU, whose last-ulp
// rounding may differ.)
//
// From the four words w0..w3 of element i:
//   uniform float32   (w0 >> 8) * 2^-24                       24 bits, in [0, 1)
//   uniform float16   (w0 >> 21) * 2^-11, bfloat16 (w0 >> 24) * 2^-8: as many bits as the type's
//                     mantissa holds, so the value is exact and never rounds up to 1 (as PyTorch)
//   uniform float64   ((w0 << 21) | (w1 >> 11)) * 2^-53       53 bits, in [0, 1)
//   normal            Box–Muller: sqrt(-2 ln(1 - u1)) * cos(2 pi u2), one normal per element
//                     float32/16-bit: u1 from w0, u2 from w1 (24 bits each, computed in float)
//                     float64:        u1 from (w0, w1), u2 from (w2, w3) (53 bits each, in double)
//   integer in [low, high)  low + ((w0 << 32) | w1) mod (high - low): the 64-bit value makes the
//                     modulo bias at most range / 2^64 (< 2^-31 for any int32 range)
//   bernoulli(p)      uniform(float64 for float64 outputs, else float32) < p
//   randperm          64-bit key (w0 << 32) | w1 per index, indices sorted by (key, index)
//
// Functions are FLINT_HD inline so that a CUDA kernel can include this header unchanged.
#pragma once
#include <cmath>
#include <cstdint>

#include "hd.h"
#include "libm.h"

namespace flint {
namespace philox {

struct Words { uint32_t w[4]; };

constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // round multipliers
constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // Weyl key increments (golden ratio, sqrt 3)

FLINT_HD inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = (uint64_t)a * (uint64_t)b;
  hi = (uint32_t)(p >> 32);
  lo = (uint32_t)p;
}

FLINT_HD inline void round(uint32_t c[4], uint32_t k0, uint32_t k1) {
  uint32_t hi0, lo0, hi1, lo1;
  mulhilo(kM0, c[0], hi0, lo0);
  mulhilo(kM1, c[2], hi1, lo1);
  const uint32_t n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
  c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
}

// Philox4x32 with 10 rounds: the raw bijection, checked against the Random123 known-answer vectors.
FLINT_HD inline Words philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
  uint32_t c[4] = {c0, c1, c2, c3};
  for (int r = 0; r < 10; r++) {
    if (r > 0) { k0 += kW0; k1 += kW1; }
    round(c, k0, k1);
  }
  return Words{{c[0], c[1], c[2], c[3]}};
}

// The generator state one op was given; element i draws block offset + i.
struct Stream {
  uint32_t key0, key1;  // seed low / high words
  uint64_t offset;
  FLINT_HD inline Words at(uint64_t i) const {
    const uint64_t c = offset + i;
    return philox4x32_10((uint32_t)c, (uint32_t)(c >> 32), 0u, 0u, key0, key1);
  }
};

// ---- mapping words to numbers --------------------------------------------------------------------

FLINT_HD inline float uniformFloat(uint32_t w, int bits = 24) {  // [0, 1), `bits` random bits
  return (float)(w >> (32 - bits)) * (1.0f / (float)(1u << bits));
}
FLINT_HD inline double uniformDouble(uint32_t hiWord, uint32_t loWord) {  // [0, 1), 53 bits
  const uint64_t x = ((uint64_t)hiWord << 21) | (uint64_t)(loWord >> 11);
  return (double)x * (1.0 / 9007199254740992.0);
}
FLINT_HD inline uint64_t bits64(uint32_t hiWord, uint32_t loWord) { return ((uint64_t)hiWord << 32) | loWord; }

FLINT_HD inline float normalFloat(const Words& r) {
  const float u1 = 1.0f - uniformFloat(r.w[0]);  // (0, 1]: log never sees 0
  const float u2 = uniformFloat(r.w[1]);
  return m_sqrt(-2.0f * m_log(u1)) * m_cos(6.2831853071795864769f * u2);
}
FLINT_HD inline double normalDouble(const Words& r) {
  const double u1 = 1.0 - uniformDouble(r.w[0], r.w[1]);
  const double u2 = uniformDouble(r.w[2], r.w[3]);
  return m_sqrt(-2.0 * m_log(u1)) * m_cos(6.283185307179586476925 * u2);
}
// low + (64-bit value mod range), range = high - low in [1, 2^53].
FLINT_HD inline int64_t integerIn(const Words& r, int64_t low, uint64_t range) {
  return low + (int64_t)(bits64(r.w[0], r.w[1]) % range);
}

}  // namespace philox
}  // namespace flint
