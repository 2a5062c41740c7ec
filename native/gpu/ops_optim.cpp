// ops_optim.cpp — the CUDA/HIP entries of the fused optimizer updates 'adamw' and 'sgd' (operands
// p, g[, buf]; params lr, momentum, dampening, weightDecay, nesterov, maximize), the host twins of
// native/cpu/optim.cpp, launching native/kernels/optim.cu (one elementwise pass over the flat
// parameter). Operands p, m, v, g[, vmax]; params lr, beta1, beta2, eps, weightDecay, decoupled,
// amsgrad, maximize, stepSize, bc2sqrt — validated as on the CPU. And clipGradNorm's 'gradNorm'
// (norms; g1..gk) and 'gradScale' (total; g1..gk), launched per chunk of kGradListMax gradients.
#include <algorithm>
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

// clipGradNorm: the gradients in GradList chunks of kGradListMax, gradient y in blockIdx.y.
template <class F>
void forChunks(const OpCall& c, F f) {
  for (int first = 1; first < c.nt; first += kGradListMax) {
    GradList l{};
    const int count = std::min(kGradListMax, c.nt - first);
    int64_t most = 0;
    for (int k = 0; k < count; k++) {
      l.ptr[k] = c.t[first + k].data;
      l.n[k] = c.t[first + k].numel();
      most = std::max(most, l.n[k]);
    }
    l.first = first - 1;
    f(l, count, most);
  }
}

void cudaGradNorm(const OpCall& c) {
  checks::checkGradList(c, "gradNorm", true);
  const int code = checks::gradNormCode(c);
  const double p = c.param(1);
  const DType dt = c.t[0].dtype;
  if (!gpu::isFloatDType(dt)) checks::failFloatDType("gradNorm");
  const std::string k = gpu::kernelName("flint_grad_norms", dt), fin = gpu::kernelName("flint_grad_norms_finish", dt);
  void* norms = c.t[0].data;
  forChunks(c, [&](const GradList& l, int n, int64_t most) {
    // a block per 64 x 256 elements of the largest gradient, at most 256 per gradient: one block per
    // gradient read GPT-2's 38.6M-element embedding gradient alone while the rest of the GPU idled
    const int64_t chunks = std::min<int64_t>(256, std::max<int64_t>(1, (most + 64 * gpu::kBlock - 1) / (64 * gpu::kBlock)));
    if (chunks == 1) {
      void* none = nullptr;
      gpu::launch(k.c_str(), gpu::Dim3(1, (unsigned)n), gpu::Dim3(gpu::kBlock), 0, l, norms, none, code, p);
      return;
    }
    gpu::DeviceBuffer parts((size_t)(n * chunks) * (dt == DType::F64 ? sizeof(double) : sizeof(float)));
    void* pp = parts.get();
    gpu::launch(k.c_str(), gpu::Dim3((unsigned)chunks, (unsigned)n), gpu::Dim3(gpu::kBlock), 0, l, norms, pp, code, p);
    const int64_t first = l.first;
    gpu::launch(fin.c_str(), gpu::Dim3((unsigned)n), gpu::Dim3(gpu::kBlock), 0, static_cast<const void*>(pp), norms, first, chunks, code, p);
  });
}

void cudaGradScale(const OpCall& c) {
  checks::checkGradList(c, "gradScale", false);
  const double maxNorm = c.param(0);
  const DType dt = c.t[0].dtype;
  if (!gpu::isFloatDType(dt)) checks::failFloatDType("gradScale");
  const std::string k = gpu::kernelName("flint_grad_scale", dt);
  const void* total = c.t[0].data;
  forChunks(c, [&](const GradList& l, int n, int64_t most) {
    if (most == 0) return;
    gpu::launch(k.c_str(), gpu::Dim3(gpu::gridFor(most), (unsigned)n), gpu::Dim3(gpu::kBlock), 0, l, total, maxNorm);
  });
}

}  // namespace

FLINT_REGISTER_OP("gradNorm", DeviceType::CUDA, cudaGradNorm);
FLINT_REGISTER_OP("gradScale", DeviceType::CUDA, cudaGradScale);
FLINT_REGISTER_OP("adamw", DeviceType::CUDA, cudaAdamw);
FLINT_REGISTER_OP("sgd", DeviceType::CUDA, cudaSgd);

}  // namespace flint
