// optim.cpp — fused optimizer updates. 'sgd': one pass over a parameter (p, g, momentum buffer),
// the update of native/core/optim.h. 'adamw': one pass over a parameter updating p, m, v (and
// vmax for amsgrad) in place, for Adam (L2 weight decay on the gradient) and AdamW (decoupled
// decay), in PyTorch's operation order; the update itself, AdamParams and the step constants are
// native/core/optim.h's, shared with the GPU kernel (bit-identical for float32/float64).
// Operands (all contiguous, same shape and floating dtype; JS checks and otherwise composes ops):
//   p, m, v, g[, vmax]. Params: lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize,
//   stepSize (lr / bias correction 1), bc2sqrt (sqrt of bias correction 2).
// Computes in float (double for float64).
#include <cmath>
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/optim.h"
#include "../core/parallel.h"
#include "../core/tensor.h"

namespace flint {
namespace {

// An update reads and writes several streams per element: worth a second thread from ~64k on.
constexpr int64_t kOptimGrain = 32768;

// Branch-free inner loop (the options become constants: sign, decay, l2) so that it vectorises.
template <class T, bool Amsgrad>
void adamwTyped(const OpCall& c, const AdamParams& a) {
  using C = typename ComputeT<T>::type;
  T* __restrict p = c.t[0].ptr<T>();
  T* __restrict m = c.t[1].ptr<T>();
  T* __restrict v = c.t[2].ptr<T>();
  const T* __restrict g = c.t[3].ptr<T>();
  T* __restrict vmax = Amsgrad ? c.t[4].ptr<T>() : nullptr;
  const optim::AdamConsts<C> k = optim::adamConsts<C>(a);
  parallelFor(c.t[0].numel(), kOptimGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      C pi = load(p[i]), mi = load(m[i]), vi = load(v[i]), vm = Amsgrad ? load(vmax[i]) : (C)0;
      optim::adamwUpdate<Amsgrad, C>(k, pi, mi, vi, load(g[i]), vm);
      if constexpr (Amsgrad) vmax[i] = store<T>(vm);
      m[i] = store<T>(mi);
      v[i] = store<T>(vi);
      p[i] = store<T>(pi);
    }
  });
}

void adamw(const OpCall& c) {
  checks::checkAdamwOperands(c);
  const TensorArg& p = c.t[0];
  bool ok = false;
  const AdamParams a = optim::adamParams(c);
  dispatchFloat(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (a.amsgrad) adamwTyped<T, true>(c, a); else adamwTyped<T, false>(c, a);
    ok = true;
  });
  if (!ok) checks::failFloatDType("adamw");
}

template <class T, bool Momentum>
void sgdTyped(const OpCall& c, const SgdParams& a) {
  using C = typename ComputeT<T>::type;
  T* __restrict p = c.t[0].ptr<T>();
  const T* __restrict g = c.t[1].ptr<T>();
  T* __restrict buf = Momentum ? c.t[2].ptr<T>() : nullptr;
  const optim::SgdConsts<C> k = optim::sgdConsts<C>(a);
  parallelFor(c.t[0].numel(), kOptimGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      C pi = load(p[i]), bi = Momentum ? load(buf[i]) : (C)0;
      optim::sgdUpdate<Momentum, C>(k, pi, load(g[i]), bi);
      if constexpr (Momentum) buf[i] = store<T>(bi);
      p[i] = store<T>(pi);
    }
  });
}

void sgd(const OpCall& c) {
  checks::checkSgdOperands(c);
  bool ok = false;
  const SgdParams a = optim::sgdParams(c);
  dispatchFloat(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    if (c.nt == 3) sgdTyped<T, true>(c, a); else sgdTyped<T, false>(c, a);
    ok = true;
  });
  if (!ok) checks::failFloatDType("sgd");
}

}  // namespace

FLINT_REGISTER_OP("adamw", DeviceType::CPU, adamw);
FLINT_REGISTER_OP("sgd", DeviceType::CPU, sgd);

}  // namespace flint
