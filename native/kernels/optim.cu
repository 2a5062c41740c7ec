// optim.cu — fused optimizer updates, the twins of native/cpu/optim.cpp (host side:
// native/gpu/ops_optim.cpp).
//
//   flint_sgd_<dt>(p, g, buf, n, prm)           f32 f64 f16 bf16
//     One pass: p (and buf when not null) in place, g read; native/core/optim.h's sgdUpdate.
//   flint_adamw_<dt>(p, m, v, g, vmax, n, prm)   f32 f64 f16 bf16
//     One elementwise pass over the flat contiguous parameter: p, m, v (and vmax when prm.amsgrad)
//     read and written in place, g read. The update, its constants and AdamParams are
//     native/core/optim.h's, shared with the CPU and bit-identical to it for float32/float64
//     (no FMA contraction: see that header).
//
//   flint_grad_norms_<dt>(list, norms, parts, code, p), flint_grad_norms_finish_<dt>(parts, norms,
//   first, chunks, code, p), flint_grad_scale_<dt>(list, total, maxNorm)   f32 f64 f16 bf16
//     clipGradNorm ('gradNorm', 'gradScale'; native/core/optim.h): a GradList of up to
//     kGradListMax gradients per launch, blockIdx.y the gradient. With one block per gradient
//     (gridDim.x 1, parts null) the block reduces its gradient's norm into norms[first + y]. With
//     gridDim.x = chunks > 1 (a gradient of millions of elements: one block reading all of it left the
//     rest of the GPU idle) block x folds the elements x * blockDim.x + t, grid-strided, into the
//     partial parts[y * chunks + x] (float; double for float64), and the finish kernel, a block per
//     gradient, combines a gradient's partials in order (deterministic) and finishes its norm. The
//     scale grid-strides over each gradient with blockIdx.x.
// Launch: blockDim.x = FLINT_BLOCK, 1-D grid of gridFor(n) blocks (grid-stride loop).
#include "compat.cuh"
#include "../core/optim.h"

namespace flint {
namespace kern {

namespace {

template <class T>
FLINT_DEV void adamw(void* pp, void* mp, void* vp, const void* gp, void* vmaxp, index_t n, const AdamParams& a) {
  typedef typename ComputeT<T>::type C;
  T* p = static_cast<T*>(pp);
  T* m = static_cast<T*>(mp);
  T* v = static_cast<T*>(vp);
  const T* g = static_cast<const T*>(gp);
  T* vmax = static_cast<T*>(vmaxp);
  const optim::AdamConsts<C> k = optim::adamConsts<C>(a);
  const bool amsgrad = a.amsgrad != 0;
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (index_t)gridDim.x * blockDim.x) {
    C pi = load(p[i]), mi = load(m[i]), vi = load(v[i]);
    if (amsgrad) {
      C vm = load(vmax[i]);
      optim::adamwUpdate<true, C>(k, pi, mi, vi, load(g[i]), vm);
      vmax[i] = store<T>(vm);
    } else {
      C unused = 0;
      optim::adamwUpdate<false, C>(k, pi, mi, vi, load(g[i]), unused);
    }
    m[i] = store<T>(mi);
    v[i] = store<T>(vi);
    p[i] = store<T>(pi);
  }
}

template <class T>
FLINT_DEV void sgd(void* pp, const void* gp, void* bufp, index_t n, const SgdParams& a) {
  typedef typename ComputeT<T>::type C;
  T* p = static_cast<T*>(pp);
  const T* g = static_cast<const T*>(gp);
  T* buf = static_cast<T*>(bufp);
  const optim::SgdConsts<C> k = optim::sgdConsts<C>(a);
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (index_t)gridDim.x * blockDim.x) {
    C pi = load(p[i]);
    if (buf) {
      C bi = load(buf[i]);
      optim::sgdUpdate<true, C>(k, pi, load(g[i]), bi);
      buf[i] = store<T>(bi);
    } else {
      C unused = 0;
      optim::sgdUpdate<false, C>(k, pi, load(g[i]), unused);
    }
    p[i] = store<T>(pi);
  }
}

// clipGradNorm's gradients in one launch per GradList chunk (blockIdx.y picks the gradient).
template <class T, int Code>
FLINT_DEV void gradNorms(const GradList& l, void* normsp, void* partsp, double p) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;
  __shared__ A sS[FLINT_BLOCK / FLINT_WARP_SIZE];
  const int k = blockIdx.y;
  const T* x = static_cast<const T*>(l.ptr[k]);
  const index_t n = l.n[k];
  A s = 0;
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (index_t)gridDim.x * blockDim.x)
    s = optim::normCombine<A>(Code, s, optim::normTerm<A>(Code, (A)load(x[i]), (A)p));
  s = blockReduce(s, [](A a, A b) { return optim::normCombine<A>(Code, a, b); }, sS);
  if (threadIdx.x != 0) return;
  if (partsp) static_cast<A*>(partsp)[(index_t)k * gridDim.x + blockIdx.x] = s;
  else static_cast<T*>(normsp)[l.first + k] = store<T>(optim::normFinish<A>(Code, s, (A)p));
}

// The norm of gradient blockIdx.x from its `chunks` partials (gradNorms with parts).
template <class T, int Code>
FLINT_DEV void gradNormsFinish(const void* partsp, void* normsp, index_t first, index_t chunks, double p) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;
  __shared__ A sS[FLINT_BLOCK / FLINT_WARP_SIZE];
  const A* parts = static_cast<const A*>(partsp) + (index_t)blockIdx.x * chunks;
  A s = 0;
  for (index_t i = threadIdx.x; i < chunks; i += blockDim.x) s = optim::normCombine<A>(Code, s, parts[i]);
  s = blockReduce(s, [](A a, A b) { return optim::normCombine<A>(Code, a, b); }, sS);
  if (threadIdx.x == 0) static_cast<T*>(normsp)[first + blockIdx.x] = store<T>(optim::normFinish<A>(Code, s, (A)p));
}

template <class T>
FLINT_DEV void gradScale(const GradList& l, const void* totalp, double maxNorm) {
  typedef typename ComputeT<T>::type C;
  const C coef = optim::clipCoef<T>(static_cast<const T*>(totalp)[0], maxNorm);
  T* g = static_cast<T*>(l.ptr[blockIdx.y]);
  const index_t n = l.n[blockIdx.y];
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (index_t)gridDim.x * blockDim.x) g[i] = store<T>(load(g[i]) * coef);
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::AdamParams;
using flint::GradList;
using flint::SgdParams;

#define FLINT_ADAMW_KERNEL(S, T)                                                                              \
  FLINT_KERNEL void flint_adamw_##S(void* p, void* m, void* v, const void* g, void* vmax, index_t n, AdamParams a) { \
    flint::kern::adamw<T>(p, m, v, g, vmax, n, a);                                                             \
  }
FLINT_FLOAT_DTYPES(FLINT_ADAMW_KERNEL)
#undef FLINT_ADAMW_KERNEL

#define FLINT_SGD_KERNEL(S, T)                                                                 \
  FLINT_KERNEL void flint_sgd_##S(void* p, const void* g, void* buf, index_t n, SgdParams a) { \
    flint::kern::sgd<T>(p, g, buf, n, a);                                                      \
  }
FLINT_FLOAT_DTYPES(FLINT_SGD_KERNEL)
#undef FLINT_SGD_KERNEL

// code: optim::NormCode (a switch per launch, the element loop specialised)
#define FLINT_GRAD_NORM_KERNELS(S, T)                                                                         \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_grad_norms_##S(GradList l, void* norms, void* parts, int code, \
                                                                        double p) {                            \
    switch (code) {                                                                                             \
      case 0: flint::kern::gradNorms<T, 0>(l, norms, parts, p); break;                                          \
      case 1: flint::kern::gradNorms<T, 1>(l, norms, parts, p); break;                                          \
      case 2: flint::kern::gradNorms<T, 2>(l, norms, parts, p); break;                                          \
      default: flint::kern::gradNorms<T, 3>(l, norms, parts, p); break;                                         \
    }                                                                                                           \
  }                                                                                                             \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_grad_norms_finish_##S(const void* parts, void* norms,    \
                                                                               index_t first, index_t chunks,   \
                                                                               int code, double p) {            \
    switch (code) {                                                                                             \
      case 0: flint::kern::gradNormsFinish<T, 0>(parts, norms, first, chunks, p); break;                        \
      case 1: flint::kern::gradNormsFinish<T, 1>(parts, norms, first, chunks, p); break;                        \
      case 2: flint::kern::gradNormsFinish<T, 2>(parts, norms, first, chunks, p); break;                        \
      default: flint::kern::gradNormsFinish<T, 3>(parts, norms, first, chunks, p); break;                       \
    }                                                                                                           \
  }                                                                                                             \
  FLINT_KERNEL void flint_grad_scale_##S(GradList l, const void* total, double maxNorm) {                      \
    flint::kern::gradScale<T>(l, total, maxNorm);                                                               \
  }
FLINT_FLOAT_DTYPES(FLINT_GRAD_NORM_KERNELS)
#undef FLINT_GRAD_NORM_KERNELS
