// ops_optim.cpp — the CUDA/HIP entries of the fused optimizer updates 'adamw' and 'sgd' (operands
// p, g[, buf]; params lr, momentum, dampening, weightDecay, nesterov, maximize), the host twins of
// native/cpu/optim.cpp, launching native/kernels/optim.cu (one elementwise pass over the flat
// parameter). Operands p, m, v, g[, vmax]; params lr, beta1, beta2, eps, weightDecay, decoupled,
// amsgrad, maximize, stepSize, bc2sqrt — validated as on the CPU.
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/optim.h"
#include "../core/tensor.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

void cudaAdamw(const OpCall& c) {
  checks::checkAdamwOperands(c);
  const TensorArg& p = c.t[0];
  if (!gpu::isFloatDType(p.dtype)) checks::failFloatDType("adamw");
  const AdamParams a = optim::adamParams(c);
  const int64_t n = p.numel();
  if (n == 0) return;
  void* vmax = a.amsgrad ? c.t[4].data : nullptr;
  gpu::launch(gpu::kernelName("flint_adamw", p.dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0, p.data,
              c.t[1].data, c.t[2].data, static_cast<const void*>(c.t[3].data), vmax, n, a);
}

void cudaSgd(const OpCall& c) {
  checks::checkSgdOperands(c);
  const TensorArg& p = c.t[0];
  if (!gpu::isFloatDType(p.dtype)) checks::failFloatDType("sgd");
  const SgdParams a = optim::sgdParams(c);
  const int64_t n = p.numel();
  if (n == 0) return;
  void* buf = c.nt == 3 ? c.t[2].data : nullptr;
  gpu::launch(gpu::kernelName("flint_sgd", p.dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0, p.data,
              static_cast<const void*>(c.t[1].data), buf, n, a);
}

}  // namespace

FLINT_REGISTER_OP("adamw", DeviceType::CUDA, cudaAdamw);
FLINT_REGISTER_OP("sgd", DeviceType::CUDA, cudaSgd);

}  // namespace flint
