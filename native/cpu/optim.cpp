// optim.cpp — fused optimizer updates. 'sgd': one pass over a parameter (p, g, momentum buffer),
// the update of native/core/optim.h. 'adamw': one pass over a parameter updating p, m, v (and
// vmax for amsgrad) in place, for Adam (L2 weight decay on the gradient) and AdamW (decoupled
// decay), in PyTorch's operation order; the update itself, AdamParams and the step constants are
// native/core/optim.h's, shared with the GPU kernel (bit-identical for float32/float64).
// Operands (all contiguous, same shape and floating dtype; JS checks and otherwise composes ops):
//   p, m, v, g[, vmax]. Params: lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize,
//   stepSize (lr / bias correction 1), bc2sqrt (sqrt of bias correction 2).
// Computes in float (double for float64).
// 'gradNorm' (norms; g1..gk; params code, p) and 'gradScale' (total; g1..gk; params maxNorm):
// clipGradNorm's ops, see native/core/optim.h (the norms' sums in double).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>
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

// ---- gradNorm / gradScale (clipGradNorm) ------------------------------------------------------
// Each gradient's sum runs over fixed chunks (in parallel, then added in chunk order: the result does
// not depend on the thread count), in eight double lanes per chunk so that the loop vectorises.
constexpr int64_t kNormChunk = 1 << 16;

template <class T, int Code>
double normOf(const T* x, int64_t n, double p) {
  const int64_t chunks = (n + kNormChunk - 1) / kNormChunk;
  std::vector<double> part((size_t)std::max<int64_t>(chunks, 1), 0.0);
  parallelFor(chunks, 1, [&](int64_t b, int64_t e) {
    for (int64_t ch = b; ch < e; ch++) {
      const int64_t i0 = ch * kNormChunk, i1 = std::min(n, i0 + kNormChunk);
      double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t i = i0;
      for (; i + 8 <= i1; i += 8)
        for (int l = 0; l < 8; l++) lane[l] = optim::normCombine<double>(Code, lane[l], optim::normTerm<double>(Code, (double)load(x[i + l]), p));
      double s = lane[0];
      for (int l = 1; l < 8; l++) s = optim::normCombine<double>(Code, s, lane[l]);
      for (; i < i1; i++) s = optim::normCombine<double>(Code, s, optim::normTerm<double>(Code, (double)load(x[i]), p));
      part[(size_t)ch] = s;
    }
  });
  double s = 0;
  for (double v : part) s = optim::normCombine<double>(Code, s, v);
  return s;
}

template <class T, int Code>
void gradNormTyped(const OpCall& c, double p) {
  T* norms = c.t[0].ptr<T>();
  for (int k = 1; k < c.nt; k++) norms[k - 1] = store<T>(optim::normFinish<double>(Code, normOf<T, Code>(c.t[k].ptr<T>(), c.t[k].numel(), p), p));
}

void gradNorm(const OpCall& c) {
  checks::checkGradList(c, "gradNorm", true);
  const int code = checks::gradNormCode(c);
  const double p = c.param(1);
  bool ok = false;
  dispatchFloat(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    switch (code) {
      case optim::NORM_2: gradNormTyped<T, optim::NORM_2>(c, p); break;
      case optim::NORM_1: gradNormTyped<T, optim::NORM_1>(c, p); break;
      case optim::NORM_INF: gradNormTyped<T, optim::NORM_INF>(c, p); break;
      default: gradNormTyped<T, optim::NORM_P>(c, p); break;
    }
    ok = true;
  });
  if (!ok) checks::failFloatDType("gradNorm");
}

void gradScale(const OpCall& c) {
  checks::checkGradList(c, "gradScale", false);
  const double maxNorm = c.param(0);
  bool ok = false;
  dispatchFloat(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = typename ComputeT<T>::type;
    const C coef = optim::clipCoef<T>(c.t[0].ptr<T>()[0], maxNorm);
    for (int k = 1; k < c.nt; k++) {
      T* __restrict g = c.t[k].ptr<T>();
      parallelFor(c.t[k].numel(), kOptimGrain, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; i++) g[i] = store<T>(load(g[i]) * coef);
      });
    }
    ok = true;
  });
  if (!ok) checks::failFloatDType("gradScale");
}

}  // namespace

FLINT_REGISTER_OP("gradNorm", DeviceType::CPU, gradNorm);
FLINT_REGISTER_OP("gradScale", DeviceType::CPU, gradScale);
FLINT_REGISTER_OP("adamw", DeviceType::CPU, adamw);
FLINT_REGISTER_OP("sgd", DeviceType::CPU, sgd);

}  // namespace flint
