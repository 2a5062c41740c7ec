// norm.cu — the fused layer normalisation, the twin of native/cpu/norm.cpp (host side:
// native/gpu/ops_norm.cpp; operands and math: native/core/norm.h). Rows of N contiguous elements.
//
//   flint_layernorm_<f>(y, mean, rstd, x, w, b, R, N, eps)      f: f32 f64 f16 bf16
//     one block per row: sum, then sum of squared deviations (block reductions), then the write;
//     w and b may be null.
//   flint_layernorm_backward_<f>(gx, gy, x, mean, rstd, w, R, N)
//     one block per row: sum(g) and sum(g * xhat), then gx; w may be null.
//   flint_layernorm_affine_backward_<f>(gw, gb, gy, x, mean, rstd, R, N)
//     one block per warp-width group of adjacent columns (adjacent lanes read adjacent addresses);
//     the block's warps split the rows (warp w takes rows w, w + warps, ...) and their partial sums
//     are combined in warp order (deterministic). One thread per column walking all R rows alone
//     made N / 256 blocks (3 for GPT-2's N = 768) that left most of a GPU idle.
// Accumulation in float for float32/16-bit, double for float64 (AccT). Launch: blockDim.x =
// FLINT_BLOCK; grid-stride over rows (the affine backward: over groups of columns).
#include "compat.cuh"
#include "../core/libm.h"

namespace flint {
namespace kern {
namespace {

template <class T>
FLINT_DEV void layerNorm(void* yp, void* meanp, void* rstdp, const void* xp, const void* wp, const void* bp, index_t R, index_t N, double eps) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;
  __shared__ A sA[FLINT_BLOCK / FLINT_WARP_SIZE];
  const T* x = static_cast<const T*>(xp);
  const T* w = static_cast<const T*>(wp);
  const T* b = static_cast<const T*>(bp);
  T* y = static_cast<T*>(yp);
  for (index_t r = blockIdx.x; r < R; r += gridDim.x) {
    const T* xr = x + r * N;
    A s = 0;
    for (index_t i = threadIdx.x; i < N; i += blockDim.x) s += (A)load(xr[i]);
    s = blockReduce(s, [](A a, A c) { return a + c; }, sA);
    const C mu = (C)(s / (A)N);
    A q = 0;
    for (index_t i = threadIdx.x; i < N; i += blockDim.x) { const A d = (A)load(xr[i]) - (A)mu; q += d * d; }
    q = blockReduce(q, [](A a, A c) { return a + c; }, sA);
    const C rs = (C)((A)1 / m_sqrt(q / (A)N + (A)eps));
    T* yr = y + r * N;
    for (index_t i = threadIdx.x; i < N; i += blockDim.x) {
      C v = (load(xr[i]) - mu) * rs;
      if (w) v = v * load(w[i]);
      if (b) v = v + load(b[i]);
      yr[i] = store<T>(v);
    }
    if (threadIdx.x == 0) {
      static_cast<T*>(meanp)[r] = store<T>(mu);
      static_cast<T*>(rstdp)[r] = store<T>(rs);
    }
  }
}

template <class T>
FLINT_DEV void layerNormBackward(void* gxp, const void* gyp, const void* xp, const void* meanp, const void* rstdp, const void* wp, index_t R, index_t N) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;
  __shared__ A sA[FLINT_BLOCK / FLINT_WARP_SIZE];
  const T* gy = static_cast<const T*>(gyp);
  const T* x = static_cast<const T*>(xp);
  const T* w = static_cast<const T*>(wp);
  T* gx = static_cast<T*>(gxp);
  for (index_t r = blockIdx.x; r < R; r += gridDim.x) {
    const T* xr = x + r * N;
    const T* gr = gy + r * N;
    const C mu = load(static_cast<const T*>(meanp)[r]), rs = load(static_cast<const T*>(rstdp)[r]);
    A s1 = 0, s2 = 0;
    for (index_t i = threadIdx.x; i < N; i += blockDim.x) {
      const C g = w ? load(gr[i]) * load(w[i]) : load(gr[i]);
      s1 += (A)g;
      s2 += (A)g * (A)((load(xr[i]) - mu) * rs);
    }
    s1 = blockReduce(s1, [](A a, A c) { return a + c; }, sA);
    s2 = blockReduce(s2, [](A a, A c) { return a + c; }, sA);
    const C m1 = (C)(s1 / (A)N), m2 = (C)(s2 / (A)N);
    T* o = gx + r * N;
    for (index_t i = threadIdx.x; i < N; i += blockDim.x) {
      const C g = w ? load(gr[i]) * load(w[i]) : load(gr[i]);
      const C xh = (load(xr[i]) - mu) * rs;
      o[i] = store<T>(rs * (g - m1 - xh * m2));
    }
  }
}

template <class T>
FLINT_DEV void layerNormAffineBackward(void* gwp, void* gbp, const void* gyp, const void* xp, const void* meanp, const void* rstdp, index_t R, index_t N) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;
  const T* gy = static_cast<const T*>(gyp);
  const T* x = static_cast<const T*>(xp);
  const T* mean = static_cast<const T*>(meanp);
  const T* rstd = static_cast<const T*>(rstdp);
  __shared__ A sW[FLINT_BLOCK];
  __shared__ A sB[FLINT_BLOCK];
  const int lane = threadIdx.x % FLINT_WARP_SIZE, warp = threadIdx.x / FLINT_WARP_SIZE;
  const int nwarps = blockDim.x / FLINT_WARP_SIZE;
  // every thread of a block takes the same turns (the barriers); a lane past the last column folds nothing
  for (index_t base = (index_t)blockIdx.x * FLINT_WARP_SIZE; base < N; base += (index_t)gridDim.x * FLINT_WARP_SIZE) {
    const index_t j = base + lane;
    A aw = 0, ab = 0;
    if (j < N)
      for (index_t r = warp; r < R; r += nwarps) {
        const C g = load(gy[r * N + j]);
        aw += (A)(g * ((load(x[r * N + j]) - load(mean[r])) * load(rstd[r])));
        ab += (A)g;
      }
    const auto add = [](A a, A b) { return a + b; };
    aw = columnReduce(aw, add, sW);
    ab = columnReduce(ab, add, sB);
    if (warp == 0 && j < N) {
      static_cast<T*>(gwp)[j] = store<T>((C)aw);
      static_cast<T*>(gbp)[j] = store<T>((C)ab);
    }
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

#define FLINT_NORM_KERNELS(S, T)                                                                                          \
  FLINT_KERNEL void flint_layernorm_##S(void* y, void* mean, void* rstd, const void* x, const void* w, const void* b,    \
                                        index_t R, index_t N, double eps) {                                              \
    flint::kern::layerNorm<T>(y, mean, rstd, x, w, b, R, N, eps);                                                        \
  }                                                                                                                       \
  FLINT_KERNEL void flint_layernorm_backward_##S(void* gx, const void* gy, const void* x, const void* mean,              \
                                                 const void* rstd, const void* w, index_t R, index_t N) {                \
    flint::kern::layerNormBackward<T>(gx, gy, x, mean, rstd, w, R, N);                                                   \
  }                                                                                                                       \
  FLINT_KERNEL void flint_layernorm_affine_backward_##S(void* gw, void* gb, const void* gy, const void* x,               \
                                                        const void* mean, const void* rstd, index_t R, index_t N) {      \
    flint::kern::layerNormAffineBackward<T>(gw, gb, gy, x, mean, rstd, R, N);                                            \
  }
FLINT_FLOAT_DTYPES(FLINT_NORM_KERNELS)
#undef FLINT_NORM_KERNELS
