// elementwise.cu — GPU kernels of the elementwise op families, the twins of native/cpu/elementwise.cpp:
// unary (op code as an argument, same codes as the CPU enums / lib/ops/codes.ts), binary, where,
// copy/cast between any two dtypes, fill, arange and linspace.
//
// Every kernel is one strided N-d loop (up to FLINT_MAX_DIMS dims; shape and per-operand strides in
// ELEMENTS travel by value in StridedArgs<N>, like PyTorch's OffsetCalculator) with a fast path for
// the case where all operands are contiguous with one layout (StridedArgs::contiguous = 1, set by the
// host): each thread then handles kUnroll elements spaced blockDim.x apart (coalesced, no index math).
//
// Launch contract (for the loader, native/gpu): blockDim.x = FLINT_BLOCK (256), 1-D grid of
// min(ceil(numel / (FLINT_BLOCK * kUnroll)), 65535 * 8) blocks — the loops are grid-stride, so any
// grid size is correct. Pointers are already offset to each tensor's first element.
//
// Errors: kernels never trap. Integer division by zero (remainder, floorDivide), an integer raised
// to a negative power, or an op code that the dtype does not define set bits in *err (an int in
// device memory that the host zeroes, reads after the stream syncs — or lazily — and turns into the
// same ValueError / DTypeError as the CPU backend):
//   1 remainder: integer division by zero      2 floorDivide: integer division by zero
//   4 pow: integer to a negative power         8 op code not defined for this dtype
#include "compat.cuh"

namespace flint {
namespace kern {
namespace {

constexpr int kUnroll = 4;

enum Unary {
  U_NEG, U_ABS, U_SIGN, U_EXP, U_LOG, U_LOG1P, U_EXPM1, U_SQRT, U_RSQRT, U_SQUARE, U_SIN, U_COS,
  U_TANH, U_SIGMOID, U_RELU, U_GELU, U_SILU, U_ERF, U_FLOOR, U_CEIL, U_ROUND, U_RECIPROCAL,
  U_LOGICAL_NOT, U_ISNAN, U_ISFINITE, U_CLAMP, U_GELU_TANH, U_TAN, U_ATAN, U_LOG2, U_LOG10,
  U_TRUNC, U_LEAKY_RELU, U_ASIN, U_ACOS, U_SINH, U_COSH, U_EXP2, U_SOFTPLUS, U_ISINF
};
enum Binary {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
  B_LOGICAL_AND, B_LOGICAL_OR, B_LOGICAL_XOR, B_REMAINDER, B_FLOOR_DIVIDE, B_ATAN2
};
enum ErrBits { E_REM_ZERO = 1, E_FDIV_ZERO = 2, E_POW_NEG = 4, E_BAD_CODE = 8 };

}  // namespace

// The strided iteration space: numel elements of shape[0..ndim) (row-major, last dim fastest);
// operand k's element at multi-index idx is at sum(idx[d] * strides[k][d]) elements from its base.
template <int N> struct StridedArgs {
  int32_t ndim;
  int32_t contiguous;  // 1: every operand is contiguous in this shape (offset = linear index)
  index_t numel;
  index_t shape[FLINT_MAX_DIMS];
  index_t strides[N][FLINT_MAX_DIMS];
};

// Scalar parameters of unary/binary ops (p[0] is the op code on the CPU; here `code` is separate and
// p[] holds the CPU's c.p[1..5]: clamp hasLo, lo, hasHi, hi; leaky-relu slope in p[0]).
struct ElemParams { double p[4]; };

// Scalar operands of binary / where, passed by value (no device memory, no extra launch): bit k of
// `mask` set means operand k (x = 0, y = 1) is the scalar v[k], already rounded to the dtype by the host.
struct ScalarOperands { double v[2]; int32_t mask; int32_t pad; };

namespace {

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

FLINT_DEV void raise(int* err, int bit) { if (err) atomicOr(err, bit); }

// float / double overloads of the libm functions (device versions), so templates pick the precision
#define FLINT_M1(name)                                           \
  FLINT_DEV float m_##name(float x) { return name##f(x); }      \
  FLINT_DEV double m_##name(double x) { return name(x); }
FLINT_M1(fabs) FLINT_M1(exp) FLINT_M1(log) FLINT_M1(log1p) FLINT_M1(expm1) FLINT_M1(sqrt) FLINT_M1(sin)
FLINT_M1(cos) FLINT_M1(tan) FLINT_M1(atan) FLINT_M1(asin) FLINT_M1(acos) FLINT_M1(sinh) FLINT_M1(cosh)
FLINT_M1(tanh) FLINT_M1(erf) FLINT_M1(floor) FLINT_M1(ceil) FLINT_M1(rint) FLINT_M1(trunc) FLINT_M1(log2)
FLINT_M1(log10) FLINT_M1(exp2)
#undef FLINT_M1
#define FLINT_M2(name)                                                   \
  FLINT_DEV float m_##name(float x, float y) { return name##f(x, y); }  \
  FLINT_DEV double m_##name(double x, double y) { return name(x, y); }
FLINT_M2(fmod) FLINT_M2(pow) FLINT_M2(atan2) FLINT_M2(copysign)
#undef FLINT_M2

template <class C> FLINT_DEV bool isInf(C x) { return x == posInf<C>() || x == -posInf<C>(); }
template <class C> FLINT_DEV bool isFinite(C x) { return x - x == (C)0; }  // false for inf and NaN

FLINT_DEV bool isPredicate(int code) { return code == U_LOGICAL_NOT || code == U_ISNAN || code == U_ISINF || code == U_ISFINITE; }
FLINT_DEV bool isComparison(int code) { return code >= B_EQ && code <= B_LOGICAL_XOR; }

// ---- unary -----------------------------------------------------------------------------------------

template <class C> FLINT_DEV bool unaryPredicate(int code, C x) {
  switch (code) {
    case U_LOGICAL_NOT: return x == (C)0;
    case U_ISNAN: return x != x;
    case U_ISINF: if constexpr (IsFloat<C>::value) return isInf(x); else return false;
    case U_ISFINITE: if constexpr (IsFloat<C>::value) return isFinite(x); else return true;
  }
  return false;
}

template <class C> FLINT_DEV C unaryFloat(int code, C x, const ElemParams& p, int* err) {
  switch (code) {
    case U_NEG: return -x;
    case U_ABS: return m_fabs(x);
    case U_SIGN: return (C)((x > 0) - (x < 0));  // sign(NaN) = 0, as torch
    case U_EXP: return m_exp(x);
    case U_LOG: return m_log(x);
    case U_LOG1P: return m_log1p(x);
    case U_EXPM1: return m_expm1(x);
    case U_SQRT: return m_sqrt(x);
    case U_RSQRT: return (C)1 / m_sqrt(x);
    case U_SQUARE: return x * x;
    case U_SIN: return m_sin(x);
    case U_COS: return m_cos(x);
    case U_TAN: return m_tan(x);
    case U_ATAN: return m_atan(x);
    case U_ASIN: return m_asin(x);
    case U_ACOS: return m_acos(x);
    case U_SINH: return m_sinh(x);
    case U_COSH: return m_cosh(x);
    case U_TANH: return m_tanh(x);
    case U_SIGMOID: return (C)1 / ((C)1 + m_exp(-x));
    case U_RELU: return x > 0 ? x : (x != x ? x : (C)0);
    case U_GELU: return (C)0.5 * x * ((C)1 + m_erf(x * (C)0.70710678118654752440));
    case U_GELU_TANH: {
      const C k = (C)0.79788456080286535588;  // sqrt(2/pi)
      return (C)0.5 * x * ((C)1 + m_tanh(k * (x + (C)0.044715 * x * x * x)));
    }
    case U_SILU: return x / ((C)1 + m_exp(-x));
    case U_ERF: return m_erf(x);
    case U_FLOOR: return m_floor(x);
    case U_CEIL: return m_ceil(x);
    case U_ROUND: return m_rint(x);  // round half to even, as nearbyint in the default mode
    case U_TRUNC: return m_trunc(x);
    case U_RECIPROCAL: return (C)1 / x;
    case U_LOG2: return m_log2(x);
    case U_LOG10: return m_log10(x);
    case U_EXP2: return m_exp2(x);
    case U_SOFTPLUS: return x > (C)20 ? x : m_log1p(m_exp(x));  // beta 1, threshold 20
    case U_LEAKY_RELU: return x > 0 ? x : x * (C)p.p[0];
    case U_CLAMP: {
      if (x != x) return x;
      if (p.p[0] != 0 && x < (C)p.p[1]) x = (C)p.p[1];
      if (p.p[2] != 0 && x > (C)p.p[3]) x = (C)p.p[3];
      return x;
    }
  }
  raise(err, E_BAD_CODE);
  return x;
}

template <class C> FLINT_DEV C unaryInt(int code, C x, const ElemParams& p, int* err) {
  switch (code) {
    case U_NEG: return (C)(0u - (uint32_t)x);
    case U_ABS: return isNeg(x) ? (C)(0u - (uint32_t)x) : x;
    case U_SIGN: return (C)((x > 0) - isNeg(x));
    case U_SQUARE: return (C)((uint32_t)x * (uint32_t)x);
    case U_RELU: return x > 0 ? x : (C)0;
    case U_FLOOR: case U_CEIL: case U_ROUND: case U_TRUNC: return x;
    case U_CLAMP: {
      double v = (double)x;
      if (p.p[0] != 0 && v < p.p[1]) v = p.p[1];
      if (p.p[2] != 0 && v > p.p[3]) v = p.p[3];
      return (C)v;
    }
  }
  raise(err, E_BAD_CODE);
  return x;
}

// out: T, or bool for the predicates (logicalNot, isnan, isinf, isfinite)
template <class T> FLINT_DEV void unaryKernel(const StridedArgs<2>& a, void* out, const void* in, int code, const ElemParams& p, int* err) {
  typedef typename ComputeT<T>::type C;
  const T* x = static_cast<const T*>(in);
  if (isPredicate(code)) {
    bool* o = static_cast<bool*>(out);
    forEach(a, [&](const index_t* off) { o[off[0]] = unaryPredicate<C>(code, load(x[off[1]])); });
    return;
  }
  T* o = static_cast<T*>(out);
  forEach(a, [&](const index_t* off) {
    const C v = load(x[off[1]]);
    if constexpr (IsFloat<T>::value) o[off[0]] = store<T>(unaryFloat<C>(code, v, p, err));
    else o[off[0]] = store<T>(unaryInt<C>(code, v, p, err));
  });
}

// ---- binary ----------------------------------------------------------------------------------------

template <class C> FLINT_DEV C floorDivideFloat(C a, C b) {  // Python's a // b (elementwise.cpp)
  if (b == 0) return a / b;
  const C mod = m_fmod(a, b);
  C div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
  if (div == 0) return m_copysign((C)0, a / b);
  C fl = m_floor(div);
  if (div - fl > (C)0.5) fl += 1;
  return fl;
}

template <class C> FLINT_DEV bool compare(int code, C a, C b) {
  switch (code) {
    case B_EQ: return a == b;
    case B_NE: return a != b;
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_LOGICAL_AND: return a != (C)0 && b != (C)0;
    case B_LOGICAL_OR: return a != (C)0 || b != (C)0;
    case B_LOGICAL_XOR: return (a != (C)0) != (b != (C)0);
  }
  return false;
}

template <class C> FLINT_DEV C maxNaN(C a, C b) { return (a != a) ? a : (b != b) ? b : (a > b ? a : b); }
template <class C> FLINT_DEV C minNaN(C a, C b) { return (a != a) ? a : (b != b) ? b : (a < b ? a : b); }

template <class C> FLINT_DEV C binaryFloat(int code, C a, C b, int* err) {
  switch (code) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_POW: return m_pow(a, b);
    case B_MAXIMUM: return maxNaN(a, b);
    case B_MINIMUM: return minNaN(a, b);
    case B_REMAINDER: {
      C r = m_fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    }
    case B_FLOOR_DIVIDE: return floorDivideFloat(a, b);
    case B_ATAN2: return m_atan2(a, b);
  }
  raise(err, E_BAD_CODE);
  return a;
}

template <class C> FLINT_DEV C ipow(C base, C exp, int* err) {
  if (isNeg(exp)) {
    if (base == 1) return 1;
    if (base == (C)-1) return (exp % 2) ? (C)-1 : (C)1;
    raise(err, E_POW_NEG);
    return 0;
  }
  uint32_t r = 1, b = (uint32_t)base;
  for (C e = exp; e; e >>= 1) { if (e & 1) r *= b; b *= b; }
  return (C)r;
}

template <class C> FLINT_DEV C binaryInt(int code, C a, C b, int* err) {  // int32_t, uint8_t
  const bool isSigned = (C)-1 < (C)0;
  switch (code) {
    case B_ADD: return (C)((uint32_t)a + (uint32_t)b);
    case B_SUB: return (C)((uint32_t)a - (uint32_t)b);
    case B_MUL: return (C)((uint32_t)a * (uint32_t)b);
    case B_POW: return ipow<C>(a, b, err);
    case B_MAXIMUM: return a > b ? a : b;
    case B_MINIMUM: return a < b ? a : b;
    case B_REMAINDER: {
      if (b == 0) { raise(err, E_REM_ZERO); return (C)0; }
      if (isSigned && b == (C)-1) return (C)0;
      C r = a % b;
      if (r != 0 && (isNeg(r) != isNeg(b))) r += b;
      return r;
    }
    case B_FLOOR_DIVIDE: {
      if (b == 0) { raise(err, E_FDIV_ZERO); return (C)0; }
      if (isSigned && b == (C)-1) return (C)(0u - (uint32_t)a);
      C q = a / b;
      if ((a % b != 0) && (isNeg(a) != isNeg(b))) q--;
      return q;
    }
  }
  raise(err, E_BAD_CODE);  // div, atan2
  return a;
}

FLINT_DEV bool binaryBool(int code, bool a, bool b, int* err) {
  switch (code) {
    case B_ADD: return a || b;
    case B_SUB: return a != b;  // (C)((uint32_t)a - (uint32_t)b): nonzero exactly when they differ
    case B_MUL: return a && b;
    case B_MAXIMUM: return a || b;
    case B_MINIMUM: return a && b;
  }
  raise(err, E_BAD_CODE);  // div, pow, remainder, floorDivide, atan2
  return a;
}

// out: T, or bool for comparisons and logical ops
template <class T> FLINT_DEV void binaryKernel(const StridedArgs<3>& a, void* out, const void* in0, const void* in1,
                                               const ScalarOperands& s, int code, int* err) {
  typedef typename ComputeT<T>::type C;
  const T* x = static_cast<const T*>(in0);
  const T* y = static_cast<const T*>(in1);
  const bool xs = (s.mask & 1) != 0, ys = (s.mask & 2) != 0;
  const C sx = (C)s.v[0], sy = (C)s.v[1];
  if (isComparison(code)) {
    bool* o = static_cast<bool*>(out);
    forEach(a, [&](const index_t* off) {
      o[off[0]] = compare<C>(code, xs ? sx : load(x[off[1]]), ys ? sy : load(y[off[2]]));
    });
    return;
  }
  T* o = static_cast<T*>(out);
  forEach(a, [&](const index_t* off) {
    const C u = xs ? sx : load(x[off[1]]), v = ys ? sy : load(y[off[2]]);
    if constexpr (IsFloat<T>::value) o[off[0]] = store<T>(binaryFloat<C>(code, u, v, err));
    else if constexpr (IsSame<T, bool>::value) o[off[0]] = binaryBool(code, u, v, err);
    else o[off[0]] = binaryInt<C>(code, u, v, err);
  });
}

template <class T> FLINT_DEV void whereKernel(const StridedArgs<4>& a, void* out, const bool* cond, const void* in0, const void* in1,
                                              const ScalarOperands& s) {
  T* o = static_cast<T*>(out);
  const T* x = static_cast<const T*>(in0);
  const T* y = static_cast<const T*>(in1);
  const bool xs = (s.mask & 1) != 0, ys = (s.mask & 2) != 0;
  const T sx = store<T>(s.v[0]), sy = store<T>(s.v[1]);
  forEach(a, [&](const index_t* off) { o[off[0]] = cond[off[1]] ? (xs ? sx : x[off[2]]) : (ys ? sy : y[off[3]]); });
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
    o[i] = store<T>(start + (double)i * step);
}

// torch.linspace: the first half counts up from start, the second half down from end
template <class T> FLINT_DEV void linspaceKernel(void* out, index_t n, double start, double end) {
  T* o = static_cast<T*>(out);
  const double step = n > 1 ? (end - start) / (double)(n - 1) : 0.0;
  const index_t half = n / 2;
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (index_t)gridDim.x * blockDim.x)
    o[i] = store<T>(n == 1 ? start : i < half ? start + step * (double)i : end - step * (double)(n - 1 - i));
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::kern::StridedArgs;
using flint::kern::ElemParams;
using flint::kern::ScalarOperands;

// ---- the exported kernels: names flint_<family>_<dtype> ---------------------------------------------
// dtype suffixes: f32 f64 f16 bf16 i32 u8 bool (the DType enum order of native/core/dtype.h)


#define FLINT_ELEMENTWISE(S, T)                                                                                       \
  FLINT_KERNEL void flint_unary_##S(StridedArgs<2> a, void* out, const void* in, int code, ElemParams p, int* err) { \
    flint::kern::unaryKernel<T>(a, out, in, code, p, err);                                                           \
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
