// random.cpp — CPU kernels of the random ops: uniform, normal, integer, bernoulli fills and randperm,
// all drawn from the counter-based Philox stream of core/philox.h (the design note is there).
// Every kernel writes a contiguous output (lib/ops/random.ts makes a temporary for views) and gets
// the generator state as params: seed low, seed high, offset low, offset high (uint32 halves), so
// element i depends on (seed, offset + i) only and the thread split cannot change a number.
#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/philox.h"
#include "../core/random.h"

namespace flint {
namespace {

using philox::Stream;
using philox::Words;

constexpr int64_t kRandomGrain = 16384;  // ~10 Philox rounds per element: cheaper to split early

using namespace checks;  // native/core/random.h: generator state, validation

// params: seed lo, seed hi, offset lo, offset hi, from, to
void uniformKernel(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  const Stream s = streamOf(c);
  const double from = c.param(4), to = c.param(5);
  const int64_t n = o.numel();
  bool ok = false;
  dispatchFloat(o.dtype, [&](auto tag) {
    using T = decltype(tag);
    ok = true;
    T* out = o.ptr<T>();
    parallelFor(n, kRandomGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) out[i] = rnd::uniformAt<T>(s.at((uint64_t)i), from, to);
    });
  });
  if (!ok) fail(ErrorKind::DType, std::string("uniform: expected a floating dtype, got ") + dtypeName(o.dtype));
}

// params: seed lo, seed hi, offset lo, offset hi, mean, std
void normalKernel(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  const Stream s = streamOf(c);
  const double mean = c.param(4), stdev = c.param(5);
  const int64_t n = o.numel();
  bool ok = false;
  dispatchFloat(o.dtype, [&](auto tag) {
    using T = decltype(tag);
    ok = true;
    T* out = o.ptr<T>();
    parallelFor(n, kRandomGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) out[i] = rnd::normalAt<T>(s.at((uint64_t)i), mean, stdev);
    });
  });
  if (!ok) fail(ErrorKind::DType, std::string("normal: expected a floating dtype, got ") + dtypeName(o.dtype));
}

// params: seed lo, seed hi, offset lo, offset hi, low, high (high - low in [1, 2^53])
void randintKernel(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  const Stream s = streamOf(c);
  const IntRange r = randintRange(c);
  const int64_t n = o.numel();
  dispatchDType(o.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* out = o.ptr<T>();
    parallelFor(n, kRandomGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) out[i] = rnd::integerAs<T>(philox::integerIn(s.at((uint64_t)i), r.low, r.range));
    });
  });
}

// t[0] out; t[1] p (same shape, contiguous, floating) or, without t[1], p = param 4.
// params: seed lo, seed hi, offset lo, offset hi[, p]
void bernoulliKernel(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  const Stream s = streamOf(c);
  const int64_t n = o.numel();
  const BernoulliArgs b = bernoulliArgs(c, o);
  const bool fromTensor = b.fromTensor;
  const double pScalar = b.pScalar;
  if (fromTensor) {  // its dtype and values (the shape is checked)
    const TensorArg& p = c.t[1];
    bool isFloat = false;
    dispatchFloat(p.dtype, [&](auto tag) {  // PyTorch refuses probabilities outside [0, 1]
      using P = decltype(tag);
      isFloat = true;
      const P* pp = p.ptr<P>();
      for (int64_t i = 0; i < n; i++) {
        const double v = (double)load(pp[i]);
        if (!(v >= 0.0 && v <= 1.0)) fail(ErrorKind::Value, "bernoulli: expected 0 <= p <= 1, got p = " + std::to_string(v) + " at index " + std::to_string(i));
      }
    });
    if (!isFloat) fail(ErrorKind::DType, std::string("bernoulli: p must be floating, got ") + dtypeName(p.dtype));
  }
  const bool wide = fromTensor ? c.t[1].dtype == DType::F64 : o.dtype == DType::F64;
  dispatchDType(o.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* out = o.ptr<T>();
    auto draw = [&](int64_t i, double p) -> bool { return rnd::bernoulliAt(s.at((uint64_t)i), p, wide); };
    parallelFor(n, kRandomGrain, [&](int64_t b, int64_t e) {
      if (fromTensor) {
        dispatchFloat(c.t[1].dtype, [&](auto ptag) {
          using P = decltype(ptag);
          const P* pp = c.t[1].ptr<P>();
          for (int64_t i = b; i < e; i++) out[i] = store<T>(draw(i, (double)load(pp[i])));
        });
      } else {
        for (int64_t i = b; i < e; i++) out[i] = store<T>(draw(i, pScalar));
      }
    });
  });
}

// t[0] int32 [n]; params: seed lo, seed hi, offset lo, offset hi. Index i gets a 64-bit random key;
// the permutation is the indices sorted by (key, index), the same order a GPU key-value sort gives.
void randpermKernel(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  if (o.dtype != DType::I32) fail(ErrorKind::DType, std::string("randperm: output must be int32, got ") + dtypeName(o.dtype));
  const Stream s = streamOf(c);
  const int64_t n = o.numel();
  std::vector<std::pair<uint64_t, int32_t>> keyed((size_t)n);
  parallelFor(n, kRandomGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const Words r = s.at((uint64_t)i);
      keyed[(size_t)i] = {philox::bits64(r.w[0], r.w[1]), (int32_t)i};
    }
  });
  std::sort(keyed.begin(), keyed.end());
  int32_t* out = o.ptr<int32_t>();
  for (int64_t i = 0; i < n; i++) out[i] = keyed[(size_t)i].second;
}

// Test hook: t[0] int32 [4] <- philox4x32_10(counter p0..p3, key p4, p5).
void philoxRawKernel(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  checkPhiloxRawOut(o);
  const Words r = philox::philox4x32_10(word(c.param(0)), word(c.param(1)), word(c.param(2)), word(c.param(3)),
                                        word(c.param(4)), word(c.param(5)));
  int32_t* out = o.ptr<int32_t>();
  for (int k = 0; k < 4; k++) out[k] = (int32_t)r.w[k];
}

}  // namespace

FLINT_REGISTER_OP("randomUniform", DeviceType::CPU, uniformKernel);
FLINT_REGISTER_OP("randomNormal", DeviceType::CPU, normalKernel);
FLINT_REGISTER_OP("randomInt", DeviceType::CPU, randintKernel);
FLINT_REGISTER_OP("bernoulli", DeviceType::CPU, bernoulliKernel);
FLINT_REGISTER_OP("randperm", DeviceType::CPU, randpermKernel);
FLINT_REGISTER_OP("philoxRaw", DeviceType::CPU, philoxRawKernel);

}  // namespace flint
