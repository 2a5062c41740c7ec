// softmax.cpp — CPU kernels that work along one dim of a contiguous input viewed as
// (outer, n, inner): 'softmax' and 'logsoftmax' (floating dtypes; out, in; params outer, n, inner),
// their gradient 'softmaxBackward' (gx, g, y; params log, outer, n, inner) and 'scan' (cumsum/cumprod; out, in; params code, outer, n, inner). JS makes the input
// contiguous and allocates a contiguous output of the same shape.
//
// inner == 1: each row is contiguous — max, sum of exp(x - max), then scale, all row-wise.
// inner > 1: the dim is strided, so blocks of up to 256 columns are processed together, stepping
// row by row through the dim (each pass reads contiguous memory; the column loops vectorise).
// Softmax computes in float (double for float64) with the sum of exponentials in double, float's
// exp vectorised (core/vmath.h, through libm.h's m_exp); scans
// accumulate floats in double and integers in 64 bits (stored as int32, as documented).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>
#include "../core/error.h"
#include "../core/libm.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/softmax.h"
#include "../core/tensor.h"

namespace flint {
namespace {

constexpr int64_t kColBlock = 256;

template <class T> constexpr bool isFloatT = std::is_floating_point<typename ComputeT<T>::type>::value;

using checks::AlongDim;

// ---- softmax / logSoftmax ----------------------------------------------------------------------

template <class T, bool Log>
FLINT_VM_INLINE void softmaxRow(const T* x, T* y, int64_t n) {
  using C = typename ComputeT<T>::type;
  C m = -std::numeric_limits<C>::infinity();
  auto maxNaN = [](C v, C cur) { return (v > cur || v != v) ? v : cur; };  // a NaN sticks
  double s = 0;
  if constexpr (std::is_same<T, float>::value) {
    // float: the max and the sum in 4 interleaved partials (a chain of dependent compares or
    // double adds cost more than the vectorised exp), the exponentials into y first, vectorised
    // (core/vmath.h). The partial sums are fixed (4, whatever the ISA): the same bits everywhere.
    // The max in 16 partial lanes chosen by vm::select's bit blend, which vectorises (a compare
    // and branch per element, as maxNaN compiles to, mispredicts on real data: it was most of the
    // time of the attention's 64-wide rows). A NaN need not stick in the max here: it makes the
    // sum, and so every output of the row, NaN all the same (softmax and logSoftmax).
    // (forSlices runs the rows inside vm::runVec: these loops are compiled for the CPU's vectors)
    const int64_t n16 = n & ~(int64_t)15;
    C m16[16];
    for (int k = 0; k < 16; k++) m16[k] = m;
    for (int64_t i = 0; i < n16; i += 16)
      for (int k = 0; k < 16; k++) m16[k] = x[i + k] > m16[k] ? x[i + k] : m16[k];
    for (int64_t i = n16; i < n; i++) m16[0] = x[i] > m16[0] ? x[i] : m16[0];
    for (int k = 0; k < 8; k++) m16[k] = m16[k + 8] > m16[k] ? m16[k + 8] : m16[k];
    for (int k = 0; k < 4; k++) m16[k] = m16[k + 4] > m16[k] ? m16[k + 4] : m16[k];
    for (int k = 0; k < 2; k++) m16[k] = m16[k + 2] > m16[k] ? m16[k + 2] : m16[k];
    m = m16[1] > m16[0] ? m16[1] : m16[0];
    if (Log && x == y) {  // in place: logSoftmax still needs x after the sum
      s = vm::laneSum(n, [x, m](int64_t i) FLINT_VM_INLINE_LAMBDA { return (double)m_exp(x[i] - m); });
    } else {
      for (int64_t i = 0; i < n; i++) y[i] = m_exp(x[i] - m);
      s = vm::laneSum(n, [y](int64_t i) FLINT_VM_INLINE_LAMBDA { return (double)y[i]; });
    }
    if constexpr (Log) {
      const float shift = m + (float)std::log(s);
      for (int64_t i = 0; i < n; i++) y[i] = x[i] - shift;
    } else {
      const float r = (float)(1.0 / s);
      for (int64_t i = 0; i < n; i++) y[i] *= r;
    }
  } else if constexpr (std::is_same<T, C>::value && !Log) {
    for (int64_t i = 0; i < n; i++) m = maxNaN(load(x[i]), m);
    for (int64_t i = 0; i < n; i++) { const C e = m_exp(x[i] - m); y[i] = e; s += e; }
    const C r = (C)(1.0 / s);
    for (int64_t i = 0; i < n; i++) y[i] *= r;
  } else {
    for (int64_t i = 0; i < n; i++) m = maxNaN(load(x[i]), m);
    for (int64_t i = 0; i < n; i++) s += m_exp(load(x[i]) - m);
    if constexpr (Log) {
      const C shift = m + (C)std::log(s);
      for (int64_t i = 0; i < n; i++) y[i] = store<T>(load(x[i]) - shift);
    } else {
      const C r = (C)(1.0 / s);
      for (int64_t i = 0; i < n; i++) y[i] = store<T>(m_exp(load(x[i]) - m) * r);
    }
  }
}

// Columns [0, w) of a (n, inner) block at x (row stride `inner`).
template <class T, bool Log>
void softmaxCols(const T* x, T* y, int64_t n, int64_t inner, int64_t w) {
  using C = typename ComputeT<T>::type;
  C m[kColBlock];
  double s[kColBlock];
  for (int64_t j = 0; j < w; j++) { m[j] = -std::numeric_limits<C>::infinity(); s[j] = 0; }
  for (int64_t i = 0; i < n; i++) {
    const T* r = x + i * inner;
    for (int64_t j = 0; j < w; j++) { const C v = load(r[j]); m[j] = (v > m[j] || v != v) ? v : m[j]; }
  }
  for (int64_t i = 0; i < n; i++) {
    const T* r = x + i * inner;
    for (int64_t j = 0; j < w; j++) s[j] += m_exp(load(r[j]) - m[j]);
  }
  C k[kColBlock];  // log: m + log(s); softmax: 1 / s
  for (int64_t j = 0; j < w; j++) k[j] = Log ? m[j] + (C)std::log(s[j]) : (C)(1.0 / s[j]);
  for (int64_t i = 0; i < n; i++) {
    const T* r = x + i * inner;
    T* o = y + i * inner;
    for (int64_t j = 0; j < w; j++)
      o[j] = store<T>(Log ? load(r[j]) - k[j] : m_exp(load(r[j]) - m[j]) * k[j]);
  }
}

// The slices of `a` in parallel, for softmax and its gradient alike: row(off) for each row when the
// dim is the innermost (its n elements contiguous from off), else cols(off, w) for each block of at
// most kColBlock neighbouring columns (n rows of stride inner from off).
template <class Row, class Cols>
void forSlices(const AlongDim& a, const Row& row, const Cols& cols) {
  if (a.inner == 1) {
    parallelFor(a.outer, std::max<int64_t>(1, kElementwiseGrain / a.n), [&](int64_t b, int64_t e) {
      vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {  // the rows' loops on the CPU's vectors
        for (int64_t o = b; o < e; o++) row(o * a.n);
      });
    });
    return;
  }
  const int64_t nch = (a.inner + kColBlock - 1) / kColBlock;
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / (a.n * std::min(a.inner, kColBlock)));
  parallelFor(a.outer * nch, grain, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; t++) {
      const int64_t o = t / nch, j0 = (t % nch) * kColBlock;
      cols(o * a.n * a.inner + j0, std::min(kColBlock, a.inner - j0));
    }
  });
}

template <bool Log>
void cpuSoftmaxImpl(const OpCall& c) {
  const char* op = Log ? "logSoftmax" : "softmax";
  const AlongDim a = checks::softmaxArgs(c, op);
  if (a.outer * a.n * a.inner == 0) return;
  bool done = false;
  dispatchFloat(c.t[1].dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* x = c.t[1].ptr<T>();
    T* y = c.t[0].ptr<T>();
    done = true;
    forSlices(a, [&](int64_t off) FLINT_VM_INLINE_LAMBDA { softmaxRow<T, Log>(x + off, y + off, a.n); },
              [&](int64_t off, int64_t w) { softmaxCols<T, Log>(x + off, y + off, a.n, a.inner, w); });
  });
  if (!done) fail(ErrorKind::DType, std::string(op) + ": expected a floating dtype, got " + dtypeName(c.t[1].dtype));
}

// ---- softmaxBackward: softmax gx = y·(g - Σ g·y), logSoftmax gx = g - exp(y)·Σ g ----------------
// One pass for the sum and one for the write (the composed form took four ops, each a pass). The
// sums run in eight lanes of the compute type (float for float32 and the 16-bit types, as the GPU's
// accumulator) so that the loop vectorises.

template <class T, bool Log>
FLINT_VM_INLINE void softmaxBackwardRow(const T* g, const T* y, T* gx, int64_t n) {
  using C = typename ComputeT<T>::type;
  C lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++) lane[k] += Log ? load(g[i + k]) : load(g[i + k]) * load(y[i + k]);
  C s = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
  for (; i < n; i++) s += Log ? load(g[i]) : load(g[i]) * load(y[i]);
  for (i = 0; i < n; i++) {
    const C gv = load(g[i]), yv = load(y[i]);
    gx[i] = store<T>(Log ? gv - m_exp(yv) * s : yv * (gv - s));
  }
}

// Columns [0, w) of a (n, inner) block (row stride `inner`).
template <class T, bool Log>
void softmaxBackwardCols(const T* g, const T* y, T* gx, int64_t n, int64_t inner, int64_t w) {
  using C = typename ComputeT<T>::type;
  C s[kColBlock];
  for (int64_t j = 0; j < w; j++) s[j] = 0;
  for (int64_t i = 0; i < n; i++) {
    const T *gr = g + i * inner, *yr = y + i * inner;
    for (int64_t j = 0; j < w; j++) s[j] += Log ? load(gr[j]) : load(gr[j]) * load(yr[j]);
  }
  for (int64_t i = 0; i < n; i++) {
    const T *gr = g + i * inner, *yr = y + i * inner;
    T* o = gx + i * inner;
    for (int64_t j = 0; j < w; j++) {
      const C gv = load(gr[j]), yv = load(yr[j]);
      o[j] = store<T>(Log ? gv - m_exp(yv) * s[j] : yv * (gv - s[j]));
    }
  }
}

template <bool Log, class T>
void softmaxBackwardTyped(const OpCall& c, const AlongDim& a) {
  T* gx = c.t[0].ptr<T>();
  const T* g = c.t[1].ptr<T>();
  const T* y = c.t[2].ptr<T>();
  forSlices(a, [&](int64_t off) FLINT_VM_INLINE_LAMBDA { softmaxBackwardRow<T, Log>(g + off, y + off, gx + off, a.n); },
            [&](int64_t off, int64_t w) { softmaxBackwardCols<T, Log>(g + off, y + off, gx + off, a.n, a.inner, w); });
}

void cpuSoftmaxBackward(const OpCall& c) {
  const AlongDim a = checks::softmaxBackwardArgs(c);
  const bool log = c.param(0) != 0;
  if (a.outer * a.n * a.inner == 0) return;
  bool done = false;
  dispatchFloat(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    done = true;
    if (log) softmaxBackwardTyped<true, T>(c, a);
    else softmaxBackwardTyped<false, T>(c, a);
  });
  if (!done) fail(ErrorKind::DType, std::string("softmax backward: expected a floating dtype, got ") + dtypeName(c.t[0].dtype));
}

// ---- cumsum / cumprod --------------------------------------------------------------------------

using checks::S_CUMPROD;

template <class T, class Out, bool Prod>
void scanTyped(const OpCall& c, const AlongDim& a) {
  using Acc = typename std::conditional<isFloatT<T>, double, uint64_t>::type;
  const T* x = c.t[1].ptr<T>();
  Out* y = c.t[0].ptr<Out>();
  auto conv = [](const T& v) -> Acc {
    if constexpr (isFloatT<T>) return (double)load(v);
    else return (uint64_t)(int64_t)v;
  };
  auto put = [](Acc v) -> Out {
    if constexpr (isFloatT<T>) return store<Out>(v);
    else return (Out)(int32_t)(uint32_t)v;  // wraps like int32 arithmetic
  };
  const Acc id = Prod ? 1 : 0;
  if (a.inner == 1) {
    parallelFor(a.outer, std::max<int64_t>(1, kElementwiseGrain / a.n), [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; o++) {
        const T* xr = x + o * a.n;
        Out* yr = y + o * a.n;
        Acc acc = id;
        for (int64_t i = 0; i < a.n; i++) {
          if (Prod) acc *= conv(xr[i]); else acc += conv(xr[i]);
          yr[i] = put(acc);
        }
      }
    });
    return;
  }
  const int64_t nch = (a.inner + kColBlock - 1) / kColBlock;
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / (a.n * std::min(a.inner, kColBlock)));
  parallelFor(a.outer * nch, grain, [&](int64_t b, int64_t e) {
    Acc acc[kColBlock];
    for (int64_t t = b; t < e; t++) {
      const int64_t o = t / nch, j0 = (t % nch) * kColBlock, w = std::min(kColBlock, a.inner - j0);
      const int64_t off = o * a.n * a.inner + j0;
      for (int64_t j = 0; j < w; j++) acc[j] = id;
      for (int64_t i = 0; i < a.n; i++) {
        const T* xr = x + off + i * a.inner;
        Out* yr = y + off + i * a.inner;
        for (int64_t j = 0; j < w; j++) {
          if (Prod) acc[j] *= conv(xr[j]); else acc[j] += conv(xr[j]);
          yr[j] = put(acc[j]);
        }
      }
    }
  });
}

void cpuScan(const OpCall& c) {
  const int code = (int)c.param(0);
  const AlongDim a = checks::scanArgs(c, code);
  dispatchDType(c.t[1].dtype, [&](auto tag) {
    using T = decltype(tag);
    using Out = typename std::conditional<isFloatT<T>, T, int32_t>::type;
    const DType want = isFloatT<T> ? c.t[1].dtype : DType::I32;
    checks::checkScanOut(c, want);
    if (a.outer * a.n * a.inner == 0) return;
    if (code == S_CUMPROD) scanTyped<T, Out, true>(c, a);
    else scanTyped<T, Out, false>(c, a);
  });
}

void cpuSoftmax(const OpCall& c) { cpuSoftmaxImpl<false>(c); }
void cpuLogSoftmax(const OpCall& c) { cpuSoftmaxImpl<true>(c); }

}  // namespace

FLINT_REGISTER_OP("softmax", DeviceType::CPU, cpuSoftmax);
FLINT_REGISTER_OP("logsoftmax", DeviceType::CPU, cpuLogSoftmax);
FLINT_REGISTER_OP("scan", DeviceType::CPU, cpuScan);
FLINT_REGISTER_OP("softmaxBackward", DeviceType::CPU, cpuSoftmaxBackward);

}  // namespace flint
