// optim.cpp — fused optimizer updates. 'adamw': one pass over a parameter updating p, m, v (and
// vmax for amsgrad) in place, for Adam (L2 weight decay on the gradient) and AdamW (decoupled
// decay), in PyTorch's operation order (torch.optim._single_tensor_adam/adamw):
//   g' = maximize ? -g : g;  decoupled ? p *= 1 - lr*wd : g' += wd*p
//   m = b1 m + (1-b1) g';  v = b2 v + (1-b2) g'²;  vmax = max(vmax, v)
//   p += -stepSize * m / (sqrt(vmax or v) / bc2sqrt + eps)
// Operands (all contiguous, same shape and floating dtype; JS checks and otherwise composes ops):
//   p, m, v, g[, vmax]. Params: lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize,
//   stepSize (lr / bias correction 1), bc2sqrt (sqrt of bias correction 2).
// Computes in float (double for float64).
#include <cmath>
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/optim_checks.h"
#include "../core/parallel.h"
#include "../core/tensor.h"

namespace flint {
namespace {

// Branch-free inner loop (the options become constants: sign, decay, l2) so that it vectorises.
template <class T, bool Amsgrad>
void adamwTyped(const OpCall& c) {
  using C = typename ComputeT<T>::type;
  T* __restrict p = c.t[0].ptr<T>();
  T* __restrict m = c.t[1].ptr<T>();
  T* __restrict v = c.t[2].ptr<T>();
  const T* __restrict g = c.t[3].ptr<T>();
  T* __restrict vmax = Amsgrad ? c.t[4].ptr<T>() : nullptr;
  const C lr = (C)c.param(0), b1 = (C)c.param(1), b2 = (C)c.param(2), eps = (C)c.param(3), wd = (C)c.param(4);
  const bool decoupled = c.param(5) != 0;
  const C sign = c.param(7) != 0 ? (C)-1 : (C)1;
  const C negStep = -(C)c.param(8), bc2sqrt = (C)c.param(9);
  const C decay = decoupled ? (C)1 - lr * wd : (C)1, l2 = decoupled ? (C)0 : wd;
  const C omb1 = (C)1 - b1, omb2 = (C)1 - b2;
  parallelFor(c.t[0].numel(), 32768, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const C p0 = load(p[i]);
      const C gi = sign * load(g[i]) + l2 * p0;   // l2 == 0 for AdamW (exactly g when wd is 0)
      const C pi = p0 * decay;                     // decay == 1 for Adam
      const C mi = load(m[i]) * b1 + omb1 * gi;
      const C vi = load(v[i]) * b2 + omb2 * (gi * gi);
      C second = vi;
      if constexpr (Amsgrad) {
        const C old = load(vmax[i]);
        second = (old != old || old > vi) ? old : vi;  // NaN propagates, as torch.maximum
        vmax[i] = store<T>(second);
      }
      const C denom = std::sqrt(second) / bc2sqrt + eps;
      m[i] = store<T>(mi);
      v[i] = store<T>(vi);
      p[i] = store<T>(pi + negStep * (mi / denom));
    }
  });
}

void adamw(const OpCall& c) {
  checks::checkAdamwOperands(c);
  const TensorArg& p = c.t[0];
  bool ok = false;
  const bool amsgrad = c.param(6) != 0;
  dispatchFloat(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (amsgrad) adamwTyped<T, true>(c); else adamwTyped<T, false>(c);
    ok = true;
  });
  if (!ok) checks::failAdamwDType();
}

}  // namespace

FLINT_REGISTER_OP("adamw", DeviceType::CPU, adamw);

}  // namespace flint
