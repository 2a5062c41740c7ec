// random_checks.h — the device-independent parameter parsing and validation of the random ops
// (randomUniform, randomNormal, randomInt, bernoulli, randperm, philoxRaw), shared by the CPU
// kernels (native/cpu/random.cpp) and the GPU entries (native/gpu/ops_random.cpp) so both read the
// generator state the same way and refuse the same calls with the same messages.
#pragma once
#include <cstdint>
#include <string>
#include "error.h"
#include "philox.h"
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
