// optim.cu — fused optimizer updates, the twins of native/cpu/optim.cpp (host side:
// native/gpu/ops_optim.cpp).
//
//   flint_adamw_<dt>(p, m, v, g, vmax, n, prm)   f32 f64 f16 bf16
//     One elementwise pass over the flat contiguous parameter: p, m, v (and vmax when prm.amsgrad)
//     read and written in place, g read. Adam (L2 decay on the gradient, decoupled = 0) and AdamW
//     (decoupled decay), maximize, amsgrad; stepSize = lr / bias correction 1, bc2sqrt = sqrt(bias
//     correction 2) come from the host, as on the CPU:
//       g' = sign*g + l2*p;  p' = p*decay;  m = m*b1 + (1-b1)*g';  v = v*b2 + (1-b2)*(g'*g')
//       vmax = (vmax != vmax || vmax > v) ? vmax : v;  p = p' + (-stepSize) * (m / (sqrt(vmax|v) / bc2sqrt + eps))
//     Computes in float (double for f64), each operation rounded as the CPU rounds it: the products
//     and sums go through __fmul_rn / __fadd_rn (never contracted into FMAs), division and sqrt are
//     IEEE (nvcc's default -prec-div / -prec-sqrt), so float32/float64 results are bit-identical to
//     the CPU backend's (whose x86-64 build has no FMA contraction).
//
// Launch: blockDim.x = FLINT_BLOCK, 1-D grid of gridFor(n) blocks (grid-stride loop).
#include "compat.cuh"

namespace flint {
namespace kern {

// The options of one step (same layout as ops_optim.cpp's AdamParams): the CPU's c.p[0..9].
struct AdamParams {
  double lr, beta1, beta2, eps, weightDecay, stepSize, bc2sqrt;
  int32_t decoupled, amsgrad, maximize, pad;
};

namespace {

FLINT_DEV float mulRn(float a, float b) { return __fmul_rn(a, b); }
FLINT_DEV double mulRn(double a, double b) { return __dmul_rn(a, b); }
FLINT_DEV float addRn(float a, float b) { return __fadd_rn(a, b); }
FLINT_DEV double addRn(double a, double b) { return __dadd_rn(a, b); }
FLINT_DEV float subRn(float a, float b) { return __fsub_rn(a, b); }
FLINT_DEV double subRn(double a, double b) { return __dsub_rn(a, b); }
FLINT_DEV float sqrtRn(float x) { return sqrtf(x); }
FLINT_DEV double sqrtRn(double x) { return sqrt(x); }

template <class T>
FLINT_DEV void adamw(void* pp, void* mp, void* vp, const void* gp, void* vmaxp, index_t n, const AdamParams& a) {
  typedef typename ComputeT<T>::type C;
  T* p = static_cast<T*>(pp);
  T* m = static_cast<T*>(mp);
  T* v = static_cast<T*>(vp);
  const T* g = static_cast<const T*>(gp);
  T* vmax = static_cast<T*>(vmaxp);
  const C lr = (C)a.lr, b1 = (C)a.beta1, b2 = (C)a.beta2, eps = (C)a.eps, wd = (C)a.weightDecay;
  const bool decoupled = a.decoupled != 0, amsgrad = a.amsgrad != 0;
  const C sign = a.maximize != 0 ? (C)-1 : (C)1;
  const C negStep = -(C)a.stepSize, bc2sqrt = (C)a.bc2sqrt;
  const C decay = decoupled ? subRn((C)1, mulRn(lr, wd)) : (C)1, l2 = decoupled ? (C)0 : wd;
  const C omb1 = subRn((C)1, b1), omb2 = subRn((C)1, b2);
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (index_t)gridDim.x * blockDim.x) {
    const C p0 = load(p[i]);
    const C gi = addRn(mulRn(sign, load(g[i])), mulRn(l2, p0));
    const C pi = mulRn(p0, decay);
    const C mi = addRn(mulRn(load(m[i]), b1), mulRn(omb1, gi));
    const C vi = addRn(mulRn(load(v[i]), b2), mulRn(omb2, mulRn(gi, gi)));
    C second = vi;
    if (amsgrad) {
      const C old = load(vmax[i]);
      second = (old != old || old > vi) ? old : vi;  // NaN propagates, as torch.maximum
      vmax[i] = store<T>(second);
    }
    const C denom = addRn(sqrtRn(second) / bc2sqrt, eps);
    m[i] = store<T>(mi);
    v[i] = store<T>(vi);
    p[i] = store<T>(addRn(pi, mulRn(negStep, mi / denom)));
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::kern::AdamParams;

#define FLINT_ADAMW_KERNEL(S, T)                                                                              \
  FLINT_KERNEL void flint_adamw_##S(void* p, void* m, void* v, const void* g, void* vmax, index_t n, AdamParams a) { \
    flint::kern::adamw<T>(p, m, v, g, vmax, n, a);                                                             \
  }
FLINT_FLOAT_DTYPES(FLINT_ADAMW_KERNEL)
#undef FLINT_ADAMW_KERNEL
