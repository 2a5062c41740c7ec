// random.h — DESIGN: the random ops (randomUniform, randomNormal, randomInt, bernoulli, randperm,
// philoxRaw) declared once for both devices: the per-element draws (element i of a fill is a
// function of Philox block i of the stream, core/philox.h, so the CPU and the GPU give the same
// values), and the host side both share — how the op call's params become the generator state, and
// the validation (namespace checks: the same calls refused with the same messages).
//
// Who includes it: native/cpu/random.cpp, native/gpu/ops_random.cpp and native/kernels/random.cu
// (the host-only part is left out there).
#pragma once
#include <cstdint>
#include <type_traits>
#include "dtype.h"
#include "hd.h"
#include "philox.h"

namespace flint {
namespace rnd {

/** Uniform bits of a float draw: as many as the type's mantissa holds (philox.h's uniformFloat). */
template <class T> FLINT_HD constexpr int uniformBits() {
  return std::is_same<T, Half>::value ? 11 : std::is_same<T, BFloat16>::value ? 8 : 24;
}

// from + (to - from) * u with the product rounded on its own: nvcc (and hipcc) contract a*b+c into
// an FMA by default, which rounds once and so would give other bits than the CPU (built with
// -ffp-contract=off); __fmul_rn is never contracted. The CPU emulator (FLINT_EMU) contracts as nvcc
// does and has the same intrinsic, so it shows the difference that this prevents.
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__) || defined(FLINT_EMU)
FLINT_HD inline float lerpRn(float from, float span, float u) { return from + __fmul_rn(span, u); }
FLINT_HD inline double lerpRn(double from, double span, double u) { return from + __dmul_rn(span, u); }
#else
FLINT_HD inline float lerpRn(float from, float span, float u) { return from + span * u; }
FLINT_HD inline double lerpRn(double from, double span, double u) { return from + span * u; }
#endif

/** Element of a uniform [from, to) fill from its Philox block (float64: 53 bits; others in float):
 * bit-identical on every device (lerpRn). */
template <class T> FLINT_HD inline T uniformAt(const philox::Words& r, double from, double to) {
  if constexpr (std::is_same<T, double>::value) {
    return lerpRn(from, to - from, philox::uniformDouble(r.w[0], r.w[1]));
  } else {
    typedef typename ComputeT<T>::type C;
    const C u = philox::uniformFloat(r.w[0], uniformBits<T>());
    return store<T>(lerpRn((C)from, (C)to - (C)from, u));
  }
}

/** Element of a normal(mean, std) fill from its Philox block. */
template <class T> FLINT_HD inline T normalAt(const philox::Words& r, double mean, double stdev) {
  typedef typename ComputeT<T>::type C;
  if constexpr (std::is_same<T, double>::value) return mean + stdev * philox::normalDouble(r);
  else return store<T>((C)mean + (C)stdev * philox::normalFloat(r));
}

/** A drawn integer in the output's dtype (bool: nonzero). */
template <class T> FLINT_HD inline T integerAs(int64_t v) {
  if constexpr (std::is_same<T, bool>::value) return v != 0;
  else if constexpr (std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value) return store<T>((float)v);
  else return (T)v;
}

/** bernoulli: uniform < p, the uniform in float64 when `wide`, else float32. */
FLINT_HD inline bool bernoulliAt(const philox::Words& r, double p, bool wide) {
  return wide ? philox::uniformDouble(r.w[0], r.w[1]) < p : (double)philox::uniformFloat(r.w[0]) < p;
}

}  // namespace rnd
}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <string>
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

inline uint32_t word(double v) { return (uint32_t)(uint64_t)v; }

// params 0..3: seed lo, seed hi, offset lo, offset hi (uint32 halves)
inline philox::Stream streamOf(const OpCall& c) {
  philox::Stream s;
  s.key0 = word(c.param(0));
  s.key1 = word(c.param(1));
  s.offset = ((uint64_t)word(c.param(3)) << 32) | word(c.param(2));
  return s;
}

inline const TensorArg& contiguousOut(const OpCall& c) {
  if (c.nt < 1) fail(ErrorKind::Value, std::string(c.name) + ": missing output tensor");
  const TensorArg& o = c.t[0];
  if (!o.isContiguous()) fail(ErrorKind::Value, std::string(c.name) + ": output must be contiguous, got shape " + o.shapeStr());
  return o;
}

// randomInt's params 4, 5: low, high (high - low in [1, 2^53]) as low and the range high - low.
struct IntRange { int64_t low; uint64_t range; };

inline IntRange randintRange(const OpCall& c) {
  const double lowD = c.param(4), highD = c.param(5);
  if (!(highD > lowD) || highD - lowD > 9007199254740992.0) {
    fail(ErrorKind::Value, "randint: expected low < high with high - low <= 2^53, got low " + std::to_string(lowD) + ", high " + std::to_string(highD));
  }
  const int64_t low = (int64_t)lowD;
  return IntRange{low, (uint64_t)((int64_t)highD - low)};
}

// bernoulli: t[1] the probability tensor p, or without it p = param 4. Checks p's shape (contiguous,
// the output's) or the scalar's range; a tensor's dtype and values are checked by the caller next,
// where they are read.
struct BernoulliArgs { bool fromTensor; double pScalar; };

inline BernoulliArgs bernoulliArgs(const OpCall& c, const TensorArg& o) {
  const bool fromTensor = c.nt >= 2;
  const double pScalar = fromTensor ? 0.0 : c.param(4);
  if (fromTensor) {
    const TensorArg& p = c.t[1];
    if (!p.isContiguous() || p.numel() != o.numel()) fail(ErrorKind::Shape, "bernoulli: p must be contiguous with the output's shape " + o.shapeStr() + ", got " + p.shapeStr());
  } else if (!(pScalar >= 0.0 && pScalar <= 1.0)) {
    fail(ErrorKind::Value, "bernoulli: expected 0 <= p <= 1, got p = " + std::to_string(pScalar));
  }
  return BernoulliArgs{fromTensor, pScalar};
}

inline void checkPhiloxRawOut(const TensorArg& o) {
  if (o.dtype != DType::I32 || o.numel() != 4) fail(ErrorKind::Shape, "philoxRaw: output must be int32 of 4 elements, got " + o.shapeStr());
}

}  // namespace checks
}  // namespace flint
#endif
