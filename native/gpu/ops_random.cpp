// ops_random.cpp — the CUDA/HIP entries of the random ops: the host twins of native/cpu/random.cpp
// (same operands, params, validation and messages), running native/kernels/random.cu. Element i of
// an output draws Philox block offset + i on both backends, so uniforms, integers, bernoulli draws,
// permutations and philoxRaw words equal the CPU's for the same seed and offset (normals may differ
// in the last bits: device libm).
//
// bernoulli with a probability tensor validates p as the CPU does, before drawing (so a refused call
// leaves the generator where it was): a check kernel finds the first p outside [0, 1], and the host
// waits for that one int — the only synchronization of these ops. randperm sorts on the device
// (native/gpu/ops_sort.cpp).
#include <cstring>
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/philox.h"
#include "../core/random.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace gpu {
void randpermOnDevice(const OpCall& c);  // native/gpu/ops_sort.cpp
}  // namespace gpu
namespace {

using philox::Stream;

using namespace checks;  // native/core/random.h: generator state, validation

gpu::Dim3 fillGrid(int64_t n) { return gpu::Dim3(gpu::gridFor(n)); }

// params: seed lo, seed hi, offset lo, offset hi, from, to
void cudaUniform(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  const Stream s = streamOf(c);
  const double from = c.param(4), to = c.param(5);
  if (!gpu::isFloatDType(o.dtype)) fail(ErrorKind::DType, std::string("uniform: expected a floating dtype, got ") + dtypeName(o.dtype));
  const int64_t n = o.numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_uniform", o.dtype).c_str(), fillGrid(n), gpu::Dim3(gpu::kBlock), 0, o.data, n, s.key0, s.key1,
              s.offset, from, to);
}

// params: seed lo, seed hi, offset lo, offset hi, mean, std
void cudaNormal(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  const Stream s = streamOf(c);
  const double mean = c.param(4), stdev = c.param(5);
  if (!gpu::isFloatDType(o.dtype)) fail(ErrorKind::DType, std::string("normal: expected a floating dtype, got ") + dtypeName(o.dtype));
  const int64_t n = o.numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_normal", o.dtype).c_str(), fillGrid(n), gpu::Dim3(gpu::kBlock), 0, o.data, n, s.key0, s.key1,
              s.offset, mean, stdev);
}

// params: seed lo, seed hi, offset lo, offset hi, low, high (high - low in [1, 2^53])
void cudaRandint(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  const Stream s = streamOf(c);
  const IntRange r = randintRange(c);
  const int64_t n = o.numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_randint", o.dtype).c_str(), fillGrid(n), gpu::Dim3(gpu::kBlock), 0, o.data, n, s.key0, s.key1,
              s.offset, r.low, r.range);
}

// The CPU's check of a probability tensor: the first value outside [0, 1] (or NaN) is a ValueError
// naming it and its index. Waits for the check kernel (bernoulli with a tensor p is no hot path).
void checkProbabilities(const TensorArg& p, int64_t n) {
  constexpr int kNoBadIndex = 0x7f7f7f7f;  // random.cu's "none" (a memset of 0x7f bytes)
  gpu::DeviceBuffer first(sizeof(int));
  gpu::memsetAsync(first.get(), 0x7f, sizeof(int));
  gpu::launch(gpu::kernelName("flint_bernoulli_check", p.dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0,
              static_cast<const void*>(p.data), n, first.as<int>());
  int bad = kNoBadIndex;
  gpu::copyDeviceToHostAsync(&bad, first.get(), sizeof(int));
  gpu::synchronizeStream();
  if (bad == kNoBadIndex) return;
  unsigned char raw[8] = {};
  gpu::copyDeviceToHostAsync(raw, static_cast<const char*>(p.data) + (int64_t)bad * itemsize(p.dtype), (size_t)itemsize(p.dtype));
  gpu::synchronizeStream();
  double v = 0;
  dispatchFloat(p.dtype, [&](auto tag) {
    using P = decltype(tag);
    P x;
    std::memcpy(&x, raw, sizeof(P));
    v = (double)load(x);
  });
  fail(ErrorKind::Value, "bernoulli: expected 0 <= p <= 1, got p = " + std::to_string(v) + " at index " + std::to_string(bad));
}

// t[0] out; t[1] p (same shape, contiguous, floating) or, without t[1], p = param 4.
// params: seed lo, seed hi, offset lo, offset hi[, p]
void cudaBernoulli(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  const Stream s = streamOf(c);
  const int64_t n = o.numel();
  const BernoulliArgs b = bernoulliArgs(c, o);
  const bool fromTensor = b.fromTensor;
  const double pScalar = b.pScalar;
  if (fromTensor) {  // its dtype and values (the shape is checked)
    const TensorArg& p = c.t[1];
    if (!gpu::isFloatDType(p.dtype)) fail(ErrorKind::DType, std::string("bernoulli: p must be floating, got ") + dtypeName(p.dtype));
    if (n > 0) checkProbabilities(p, n);
  }
  if (n == 0) return;
  const int wide = (fromTensor ? c.t[1].dtype == DType::F64 : o.dtype == DType::F64) ? 1 : 0;
  const void* p = fromTensor ? c.t[1].data : nullptr;
  const int pType = fromTensor ? (int)c.t[1].dtype : -1;  // F32 0, F64 1, F16 2, BF16 3: the kernel's codes
  gpu::launch(gpu::kernelName("flint_bernoulli", o.dtype).c_str(), fillGrid(n), gpu::Dim3(gpu::kBlock), 0, o.data, n, s.key0,
              s.key1, s.offset, p, pType, pScalar, wide);
}

// t[0] int32 [n]; params: seed lo, seed hi, offset lo, offset hi. The CPU's keys and (key, index)
// order, sorted on the device by native/gpu/ops_sort.cpp (which validates as the CPU does).
void cudaRandperm(const OpCall& c) { gpu::randpermOnDevice(c); }

// Test hook: t[0] int32 [4] <- philox4x32_10(counter p0..p3, key p4, p5), computed by the device.
void cudaPhiloxRaw(const OpCall& c) {
  const TensorArg& o = contiguousOut(c);
  checkPhiloxRawOut(o);
  const uint32_t c0 = word(c.param(0)), c1 = word(c.param(1)), c2 = word(c.param(2)), c3 = word(c.param(3));
  const uint32_t k0 = word(c.param(4)), k1 = word(c.param(5));
  gpu::launch("flint_philox_raw", gpu::Dim3(1), gpu::Dim3(gpu::kBlock), 0, static_cast<int32_t*>(o.data), c0, c1, c2, c3, k0, k1);
}

}  // namespace

FLINT_REGISTER_OP("randomUniform", DeviceType::CUDA, cudaUniform);
FLINT_REGISTER_OP("randomNormal", DeviceType::CUDA, cudaNormal);
FLINT_REGISTER_OP("randomInt", DeviceType::CUDA, cudaRandint);
FLINT_REGISTER_OP("bernoulli", DeviceType::CUDA, cudaBernoulli);
FLINT_REGISTER_OP("randperm", DeviceType::CUDA, cudaRandperm);
FLINT_REGISTER_OP("philoxRaw", DeviceType::CUDA, cudaPhiloxRaw);

}  // namespace flint
