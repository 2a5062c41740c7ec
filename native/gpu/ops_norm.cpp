// ops_norm.cpp — the CUDA/HIP entries of the fused layer normalisation ('layerNorm',
// 'layerNormBackward', 'layerNormAffineBackward'), the host twins of native/cpu/norm.cpp: the same
// checks (native/core/norm.h), then one launch of native/kernels/norm.cu.
#include <string>
#include "../core/error.h"
#include "../core/norm.h"
#include "../core/optable.h"
#include "../core/tensor.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

void cudaLayerNorm(const OpCall& c) {
  bool hasW, hasB;
  const checks::NormShape s = checks::checkLayerNorm(c, hasW, hasB);
  const TensorArg& x = c.t[3];
  if (!gpu::isFloatDType(x.dtype)) checks::failNormDType("layerNorm");
  if (s.R * s.N == 0) return;
  const void* w = hasW ? c.t[4].data : nullptr;
  const void* b = hasB ? c.t[hasW ? 5 : 4].data : nullptr;
  const double eps = c.param(0);
  gpu::launch(gpu::kernelName("flint_layernorm", x.dtype).c_str(), gpu::Dim3(gpu::rowGrid(s.R)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, c.t[1].data, c.t[2].data, static_cast<const void*>(x.data), w, b, s.R, s.N, eps);
}

void cudaLayerNormBackward(const OpCall& c) {
  bool hasW;
  const checks::NormShape s = checks::checkLayerNormBackward(c, hasW);
  const TensorArg& x = c.t[2];
  if (!gpu::isFloatDType(x.dtype)) checks::failNormDType("layerNormBackward");
  if (s.R * s.N == 0) return;
  const void* w = hasW ? c.t[5].data : nullptr;
  gpu::launch(gpu::kernelName("flint_layernorm_backward", x.dtype).c_str(), gpu::Dim3(gpu::rowGrid(s.R)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, static_cast<const void*>(c.t[1].data), static_cast<const void*>(x.data),
              static_cast<const void*>(c.t[3].data), static_cast<const void*>(c.t[4].data), w, s.R, s.N);
}

void cudaLayerNormAffineBackward(const OpCall& c) {
  const checks::NormShape s = checks::checkLayerNormAffineBackward(c);
  const TensorArg& x = c.t[3];
  if (!gpu::isFloatDType(x.dtype)) checks::failNormDType("layerNormAffineBackward");
  if (s.N == 0) return;
  // a block per 32 adjacent columns, its warps splitting the rows (the kernel's grid-stride loop takes any warp size)
  gpu::launch(gpu::kernelName("flint_layernorm_affine_backward", x.dtype).c_str(), gpu::Dim3(gpu::rowGrid((s.N + 31) / 32)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, c.t[1].data, static_cast<const void*>(c.t[2].data), static_cast<const void*>(x.data),
              static_cast<const void*>(c.t[4].data), static_cast<const void*>(c.t[5].data), s.R, s.N);
}

}  // namespace

FLINT_REGISTER_OP("layerNorm", DeviceType::CUDA, cudaLayerNorm);
FLINT_REGISTER_OP("layerNormBackward", DeviceType::CUDA, cudaLayerNormBackward);
FLINT_REGISTER_OP("layerNormAffineBackward", DeviceType::CUDA, cudaLayerNormAffineBackward);

}  // namespace flint
