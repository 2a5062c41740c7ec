// elementwise.cu — GPU kernels of the elementwise op families, the twins of native/cpu/elementwise.cpp:
// unary (op code as an argument), binary, where, copy/cast between any two dtypes, fill, arange and
// linspace. The codes, argument structs and per-element math are native/core/elementwise.h's (one
// definition with the CPU); this file holds the GPU loop and the exported entry points.
//
// Every kernel is one strided N-d loop (up to FLINT_MAX_DIMS dims; shape and per-operand strides in
// ELEMENTS travel by value in StridedArgs<N> of native/core/strided.h, like PyTorch's
// OffsetCalculator) with a fast path for the case where all operands are contiguous with one layout
// (StridedArgs::contiguous = 1, set by the host): each thread then handles kUnroll elements spaced
// blockDim.x apart (coalesced, no index math). Scalar operands come by value (ScalarOperands).
//
// Launch contract (for the loader, native/gpu): blockDim.x = FLINT_BLOCK (256), 1-D grid of
// min(ceil(numel / (FLINT_BLOCK * kUnroll)), 65535 * 8) blocks — the loops are grid-stride, so any
// grid size is correct. Pointers are already offset to each tensor's first element.
//
// Errors: kernels never trap. Integer division by zero (remainder, floorDivide), an integer raised
// to a negative power, or an op code that the dtype does not define set ew::ErrBits in *err (an int
// in device memory that the host zeroes, reads after the stream syncs — or lazily — and turns into
// the same ValueError / DTypeError as the CPU backend).
#include "compat.cuh"
#include "../core/elementwise.h"
#include "../core/strided.h"

namespace flint {
namespace kern {
namespace {

using namespace ::flint::ew;
using ::flint::StridedArgs;

constexpr int kUnroll = 4;

template <int N> FLINT_DEV void offsetsOf(const StridedArgs<N>& a, index_t i, index_t* off) {
#pragma unroll
  for (int k = 0; k < N; k++) off[k] = 0;
  for (int d = a.ndim - 1; d >= 0; d--) {
    const index_t s = a.shape[d], q = i / s, r = i - q * s;
    i = q;
#pragma unroll
    for (int k = 0; k < N; k++) off[k] += r * a.strides[k][d];
  }
}

// Calls f(off) with off[k] = element offset of operand k, for every element.
template <int N, class F> FLINT_DEV void forEach(const StridedArgs<N>& a, F f) {
  index_t off[N];
  if (a.contiguous) {
    const index_t tile = (index_t)blockDim.x * kUnroll;
    for (index_t base = (index_t)blockIdx.x * tile + threadIdx.x; base < a.numel; base += (index_t)gridDim.x * tile) {
#pragma unroll
      for (int u = 0; u < kUnroll; u++) {
        const index_t i = base + (index_t)u * blockDim.x;
        if (i < a.numel) {
#pragma unroll
          for (int k = 0; k < N; k++) off[k] = i;
          f(off);
        }
      }
    }
  } else {
    for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < a.numel; i += (index_t)gridDim.x * blockDim.x) {
      offsetsOf(a, i, off);
      f(off);
    }
  }
}

// The special functions' loop (ew::isSpecialUnary, isSpecialBinary): one element per step. Their bodies are long
// loops in double; unrolled four times they only grow the code, and hipcc, which inlines every call,
// could not unroll the other codes' loop while it held them.
template <int N, class F> FLINT_DEV void forEachOne(const StridedArgs<N>& a, F f) {
  index_t off[N];
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < a.numel; i += (index_t)gridDim.x * blockDim.x) {
    if (a.contiguous) {
#pragma unroll
      for (int k = 0; k < N; k++) off[k] = i;
    } else {
      offsetsOf(a, i, off);
    }
    f(off);
  }
}

FLINT_DEV void raise(int* err, int bits) { if (err && bits) atomicOr(err, bits); }

// Input k of an op: the scalar of ScalarOperands when its mask bit is set, else element `off` of x.
template <class T> FLINT_DEV typename ComputeT<T>::type input(const ScalarOperands& s, int k, const T* x, index_t off) {
  typedef typename ComputeT<T>::type C;
  return (s.mask >> k) & 1 ? (C)s.v[k] : load(x[off]);
}

// out: T, or bool for the predicates (logicalNot, isnan, isinf, isfinite)
template <class T> FLINT_DEV void unaryKernel(const StridedArgs<2>& a, void* out, const void* in, const ScalarOperands& s,
                                              int code, const ElemParams& p, int* err) {
  typedef typename ComputeT<T>::type C;
  const T* x = static_cast<const T*>(in);
  if (unaryKind(code) == kUnaryPredicate) {
    bool* o = static_cast<bool*>(out);
    forEach(a, [&](const index_t* off) { o[off[0]] = unaryPredicate<IsFloat<T>::value, C>(code, input(s, 0, x, off[1]), p); });
    return;
  }
  T* o = static_cast<T*>(out);
  if constexpr (IsFloat<T>::value) {
    if (isSpecialUnary(code)) {
      forEachOne(a, [&](const index_t* off) { int e = 0; o[off[0]] = store<T>(unaryFloat<C>(code, input(s, 0, x, off[1]), p, e)); });
      return;
    }
  }
  forEach(a, [&](const index_t* off) {
    const C v = input(s, 0, x, off[1]);
    int e = 0;
    if constexpr (IsFloat<T>::value) o[off[0]] = store<T>(unaryFloat<C, false>(code, v, p, e));
    else o[off[0]] = store<T>(unaryInt<C>(code, v, p, e));
    raise(err, e);
  });
}

// out: T, or bool for comparisons and logical ops
template <class T> FLINT_DEV void binaryKernel(const StridedArgs<3>& a, void* out, const void* in0, const void* in1,
                                               const ScalarOperands& s, int code, int* err) {
  typedef typename ComputeT<T>::type C;
  const T* x = static_cast<const T*>(in0);
  const T* y = static_cast<const T*>(in1);
  if (isComparison(code)) {
    bool* o = static_cast<bool*>(out);
    forEach(a, [&](const index_t* off) { o[off[0]] = compare<C>(code, input(s, 0, x, off[1]), input(s, 1, y, off[2])); });
    return;
  }
  T* o = static_cast<T*>(out);
  if constexpr (isStorage16<T>) {
    if (code == B_NEXTAFTER) {  // steps in the storage type's bits (float's neighbours round back to x)
      forEach(a, [&](const index_t* off) { o[off[0]] = nextAfter16(store<T>(input(s, 0, x, off[1])), store<T>(input(s, 1, y, off[2]))); });
      return;
    }
  }
  if constexpr (IsFloat<T>::value) {
    if (isSpecialBinary(code)) {
      forEachOne(a, [&](const index_t* off) { int e = 0; o[off[0]] = store<T>(binaryValue<C>(code, input(s, 0, x, off[1]), input(s, 1, y, off[2]), e)); });
      return;
    }
  }
  forEach(a, [&](const index_t* off) {
    int e = 0;
    o[off[0]] = store<T>(binaryValue<C, false>(code, input(s, 0, x, off[1]), input(s, 1, y, off[2]), e));
    raise(err, e);
  });
}

template <class T> FLINT_DEV void whereKernel(const StridedArgs<4>& a, void* out, const bool* cond, const void* in0, const void* in1,
                                              const ScalarOperands& s) {
  T* o = static_cast<T*>(out);
  const T* x = static_cast<const T*>(in0);
  const T* y = static_cast<const T*>(in1);
  const bool cs = (s.mask & 1) != 0, xs = (s.mask & 2) != 0, ys = (s.mask & 4) != 0;
  const bool sc = s.v[0] != 0;
  const T sx = store<T>(s.v[1]), sy = store<T>(s.v[2]);
  forEach(a, [&](const index_t* off) {
    o[off[0]] = (cs ? sc : cond[off[1]]) ? (xs ? sx : x[off[2]]) : (ys ? sy : y[off[3]]);
  });
}

template <class TO, class TI> FLINT_DEV void copyKernel(const StridedArgs<2>& a, void* out, const void* in) {
  TO* o = static_cast<TO*>(out);
  const TI* x = static_cast<const TI*>(in);
  forEach(a, [&](const index_t* off) { o[off[0]] = store<TO>(load(x[off[1]])); });
}

template <class T> FLINT_DEV void fillKernel(const StridedArgs<1>& a, void* out, double value) {
  T* o = static_cast<T*>(out);
  const T v = store<T>(value);
  forEach(a, [&](const index_t* off) { o[off[0]] = v; });
}

// contiguous 1-D outputs
template <class T> FLINT_DEV void arangeKernel(void* out, index_t n, double start, double step) {
  T* o = static_cast<T*>(out);
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (index_t)gridDim.x * blockDim.x)
    o[i] = store<T>(arangeAt(start, step, i));
}

template <class T> FLINT_DEV void linspaceKernel(void* out, index_t n, double start, double end) {
  T* o = static_cast<T*>(out);
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (index_t)gridDim.x * blockDim.x)
    o[i] = store<T>(linspaceAt(start, end, n, i));
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::StridedArgs;
using flint::ew::ElemParams;
using flint::ew::ScalarOperands;

// ---- the exported kernels: names flint_<family>_<dtype> ---------------------------------------------
// dtype suffixes: f32 f64 f16 bf16 i32 u8 bool (the DType enum order of native/core/dtype.h)

#define FLINT_ELEMENTWISE(S, T)                                                                                       \
  FLINT_KERNEL void flint_unary_##S(StridedArgs<2> a, void* out, const void* in, ScalarOperands s, int code,        \
                                    ElemParams p, int* err) {                                                        \
    flint::kern::unaryKernel<T>(a, out, in, s, code, p, err);                                                        \
  }                                                                                                                  \
  FLINT_KERNEL void flint_binary_##S(StridedArgs<3> a, void* out, const void* x, const void* y, ScalarOperands s,    \
                                     int code, int* err) {                                                           \
    flint::kern::binaryKernel<T>(a, out, x, y, s, code, err);                                                        \
  }                                                                                                                  \
  FLINT_KERNEL void flint_where_##S(StridedArgs<4> a, void* out, const bool* cond, const void* x, const void* y,      \
                                    ScalarOperands s) {                                                              \
    flint::kern::whereKernel<T>(a, out, cond, x, y, s);                                                              \
  }                                                                                                                  \
  FLINT_KERNEL void flint_fill_##S(StridedArgs<1> a, void* out, double value) { flint::kern::fillKernel<T>(a, out, value); } \
  FLINT_KERNEL void flint_arange_##S(void* out, index_t n, double start, double step) {                              \
    flint::kern::arangeKernel<T>(out, n, start, step);                                                               \
  }                                                                                                                  \
  FLINT_KERNEL void flint_linspace_##S(void* out, index_t n, double start, double end) {                             \
    flint::kern::linspaceKernel<T>(out, n, start, end);                                                              \
  }
FLINT_DTYPES(FLINT_ELEMENTWISE)

// copy/cast: flint_copy_<from>_to_<to>, all 7 x 7 pairs (same-dtype copies included: strided gathers)
#define FLINT_COPY_TO(SI, TI, SO, TO)                                                 \
  FLINT_KERNEL void flint_copy_##SI##_to_##SO(StridedArgs<2> a, void* out, const void* in) { \
    flint::kern::copyKernel<TO, TI>(a, out, in);                                      \
  }
#define FLINT_COPY_FROM(SI, TI)                                                                            \
  FLINT_COPY_TO(SI, TI, f32, float) FLINT_COPY_TO(SI, TI, f64, double) FLINT_COPY_TO(SI, TI, f16, Half)    \
  FLINT_COPY_TO(SI, TI, bf16, BFloat16) FLINT_COPY_TO(SI, TI, i32, int32_t) FLINT_COPY_TO(SI, TI, u8, uint8_t) \
  FLINT_COPY_TO(SI, TI, bool, bool)
FLINT_DTYPES(FLINT_COPY_FROM)
