// softmax.cu — row softmax / logSoftmax and inclusive scans (cumsum, cumprod), the twins of
// native/cpu/softmax.cpp for rows that are innermost and contiguous (the host makes the input
// contiguous and moves the dim innermost when inner != 1): `rows` rows of `n` elements.
//
//   flint_softmax_<f>(out, in, rows, n), flint_logsoftmax_<f>(out, in, rows, n)   f: f32 f64 f16 bf16
//     one block per row: max reduction (NaN propagates), sum of exp(x - max), then the write
//     (float accumulation for float32/16-bit, double for float64).
//   flint_softmax_backward_<f>(gx, g, y, rows, n), flint_logsoftmax_backward_<f>(gx, g, y, rows, n)
//     one block per row: the sum of g·y (softmax) or of g (logSoftmax), then the write of
//     y·(g - s) or g - exp(y)·s (the same accumulators).
//   flint_scan_<dt>(out, in, rows, n, code): code 0 cumsum, 1 cumprod (the CPU's ScanCode);
//     out dtype = input dtype for floats, int32 for int32/uint8/bool (wrapping like int32).
//     one block per row, tiles of FLINT_BLOCK elements: warp scan with shuffles, warp totals in
//     shared memory, carry from tile to tile.
// Launch: blockDim.x = FLINT_BLOCK, grid-stride over rows (any grid size).
#include "compat.cuh"
#include "../core/libm.h"

namespace flint {
namespace kern {
namespace {



template <class T, bool Log> FLINT_DEV void softmaxRows(void* outp, const void* inp, index_t rows, index_t n) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;
  __shared__ C sM[FLINT_BLOCK / FLINT_WARP_SIZE];
  __shared__ A sS[FLINT_BLOCK / FLINT_WARP_SIZE];
  const T* in = static_cast<const T*>(inp);
  T* out = static_cast<T*>(outp);
  for (index_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* x = in + r * n;
    T* y = out + r * n;
    C m = -posInf<C>();
    for (index_t i = threadIdx.x; i < n; i += blockDim.x) { const C v = load(x[i]); m = (v > m || v != v) ? v : m; }
    m = blockReduce(m, [](C a, C b) { return (a != a) ? a : ((b > a || b != b) ? b : a); }, sM);
    A s = 0;
    for (index_t i = threadIdx.x; i < n; i += blockDim.x) s += (A)m_exp(load(x[i]) - m);
    s = blockReduce(s, [](A a, A b) { return a + b; }, sS);
    if (Log) {
      const C shift = m + (C)m_log(s);
      for (index_t i = threadIdx.x; i < n; i += blockDim.x) y[i] = store<T>(load(x[i]) - shift);
    } else {
      const C k = (C)((A)1 / s);
      for (index_t i = threadIdx.x; i < n; i += blockDim.x) y[i] = store<T>(m_exp(load(x[i]) - m) * k);
    }
  }
}

// softmax's gradient (Log false: gx = y·(g - Σ g·y)) or logSoftmax's (gx = g - exp(y)·Σ g) per row.
template <class T, bool Log> FLINT_DEV void softmaxBackwardRows(void* outp, const void* gp, const void* yp, index_t rows, index_t n) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;
  __shared__ A sS[FLINT_BLOCK / FLINT_WARP_SIZE];
  const T* gin = static_cast<const T*>(gp);
  const T* yin = static_cast<const T*>(yp);
  T* out = static_cast<T*>(outp);
  for (index_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* g = gin + r * n;
    const T* y = yin + r * n;
    T* gx = out + r * n;
    A s = 0;
    for (index_t i = threadIdx.x; i < n; i += blockDim.x) s += Log ? (A)load(g[i]) : (A)load(g[i]) * (A)load(y[i]);
    s = blockReduce(s, [](A a, A b) { return a + b; }, sS);
    const C sc = (C)s;
    for (index_t i = threadIdx.x; i < n; i += blockDim.x) {
      const C gv = load(g[i]), yv = load(y[i]);
      gx[i] = store<T>(Log ? gv - m_exp(yv) * sc : yv * (gv - sc));
    }
  }
}

// Inclusive block scan of one value per thread; returns this thread's prefix and sets *total.
template <class A, bool Prod> FLINT_DEV A blockScan(A v, A* warpTotals, A* total) {
  const int lane = threadIdx.x % FLINT_WARP_SIZE, warp = threadIdx.x / FLINT_WARP_SIZE;
  const int nwarps = blockDim.x / FLINT_WARP_SIZE;
#pragma unroll
  for (int d = 1; d < FLINT_WARP_SIZE; d <<= 1) {
    const A u = shflUp(v, d);
    if (lane >= d) v = Prod ? v * u : v + u;
  }
  __syncthreads();
  if (lane == FLINT_WARP_SIZE - 1) warpTotals[warp] = v;
  __syncthreads();
  A before = Prod ? (A)1 : (A)0, all = before;
  for (int w = 0; w < nwarps; w++) {
    if (w < warp) before = Prod ? before * warpTotals[w] : before + warpTotals[w];
    all = Prod ? all * warpTotals[w] : all + warpTotals[w];
  }
  *total = all;
  return Prod ? before * v : before + v;
}

template <class T, bool Prod> FLINT_DEV void scanRows(void* outp, const void* inp, index_t rows, index_t n) {
  constexpr bool fl = IsFloat<T>::value;
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type FA;
  typedef typename Conditional<fl, FA, uint64_t>::type A;  // ints: wrap like int32 arithmetic
  typedef typename Conditional<fl, T, int32_t>::type Out;
  __shared__ A sW[FLINT_BLOCK / FLINT_WARP_SIZE];
  const T* in = static_cast<const T*>(inp);
  Out* out = static_cast<Out*>(outp);
  for (index_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* x = in + r * n;
    Out* y = out + r * n;
    A carry = Prod ? (A)1 : (A)0;
    for (index_t base = 0; base < n; base += blockDim.x) {
      const index_t i = base + threadIdx.x;
      A v = Prod ? (A)1 : (A)0;
      if (i < n) {
        if constexpr (fl) v = (A)load(x[i]);
        else v = (A)(uint64_t)(int64_t)x[i];
      }
      A total;
      const A p = blockScan<A, Prod>(v, sW, &total);
      const A res = Prod ? carry * p : carry + p;
      if (i < n) {
        if constexpr (fl) y[i] = store<Out>(res);
        else y[i] = (Out)(int32_t)(uint32_t)res;
      }
      carry = Prod ? carry * total : carry + total;
    }
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint



#define FLINT_SOFTMAX(S, T)                                                                                       \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_softmax_##S(void* out, const void* in, index_t rows, index_t n) { \
    flint::kern::softmaxRows<T, false>(out, in, rows, n);                                                        \
  }                                                                                                              \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_logsoftmax_##S(void* out, const void* in, index_t rows, index_t n) { \
    flint::kern::softmaxRows<T, true>(out, in, rows, n);                                                         \
  }
FLINT_FLOAT_DTYPES(FLINT_SOFTMAX)

#define FLINT_SOFTMAX_BACKWARD(S, T)                                                                              \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_softmax_backward_##S(void* out, const void* g, const void* y, index_t rows, index_t n) { \
    flint::kern::softmaxBackwardRows<T, false>(out, g, y, rows, n);                                              \
  }                                                                                                              \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_logsoftmax_backward_##S(void* out, const void* g, const void* y, index_t rows, index_t n) { \
    flint::kern::softmaxBackwardRows<T, true>(out, g, y, rows, n);                                               \
  }
FLINT_FLOAT_DTYPES(FLINT_SOFTMAX_BACKWARD)

#define FLINT_SCAN(S, T)                                                                                            \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_scan_##S(void* out, const void* in, index_t rows, index_t n, int code) { \
    if (code == 1) flint::kern::scanRows<T, true>(out, in, rows, n);                                               \
    else flint::kern::scanRows<T, false>(out, in, rows, n);                                                        \
  }
FLINT_DTYPES(FLINT_SCAN)
