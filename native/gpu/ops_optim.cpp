// ops_optim.cpp — the CUDA/HIP entry of the fused optimizer update 'adamw', the host twin of
// native/cpu/optim.cpp, launching native/kernels/optim.cu (one elementwise pass over the flat
// parameter). Operands p, m, v, g[, vmax]; params lr, beta1, beta2, eps, weightDecay, decoupled,
// amsgrad, maximize, stepSize, bc2sqrt — validated as on the CPU.
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/optim_checks.h"
#include "../core/tensor.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

// optim.cu's AdamParams: 7 doubles, 4 int32 (72 bytes, no padding)
struct AdamParams {
  double lr, beta1, beta2, eps, weightDecay, stepSize, bc2sqrt;
  int32_t decoupled, amsgrad, maximize, pad;
};
static_assert(sizeof(AdamParams) == 72, "optim.cu AdamParams layout");

void cudaAdamw(const OpCall& c) {
  checks::checkAdamwOperands(c);
  const TensorArg& p = c.t[0];
  if (!gpu::isFloatDType(p.dtype)) checks::failAdamwDType();
  AdamParams a{};
  a.lr = c.param(0);
  a.beta1 = c.param(1);
  a.beta2 = c.param(2);
  a.eps = c.param(3);
  a.weightDecay = c.param(4);
  a.decoupled = c.param(5) != 0 ? 1 : 0;
  a.amsgrad = c.param(6) != 0 ? 1 : 0;
  a.maximize = c.param(7) != 0 ? 1 : 0;
  a.stepSize = c.param(8);
  a.bc2sqrt = c.param(9);
  const int64_t n = p.numel();
  if (n == 0) return;
  void* vmax = a.amsgrad ? c.t[4].data : nullptr;
  gpu::launch(gpu::kernelName("flint_adamw", p.dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0, p.data,
              c.t[1].data, c.t[2].data, static_cast<const void*>(c.t[3].data), vmax, n, a);
}

}  // namespace

FLINT_REGISTER_OP("adamw", DeviceType::CUDA, cudaAdamw);

}  // namespace flint
