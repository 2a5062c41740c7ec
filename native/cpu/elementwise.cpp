// elementwise.cpp — CPU kernels for the elementwise op families: unary (code in p[0]), binary
// (code in p[0]), where, clamp (inside unary), copy/cast and fill. Codes are shared with
// lib/ops/codes.ts. Every kernel runs on StridedLoop (loops.h); each inner function has a
// contiguous branch that the compiler vectorises and a strided branch for views and broadcasts.
#include <atomic>
#include <cmath>
#include <cstring>
#include <string>
#include "../core/error.h"
#include "../core/loops.h"
#include "../core/optable.h"

namespace flint {
namespace {

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

// ---- the generic loops -------------------------------------------------------------------------

template <class TO, class TI, class F>
void unaryLoop(const OpCall& c, F f) {
  const TensorArg* ops[2] = {&c.t[0], &c.t[1]};
  StridedLoop<2> L(ops);
  L.run([f](char** p, const int64_t* s, int64_t n) {
    TO* o = reinterpret_cast<TO*>(p[0]);
    const TI* a = reinterpret_cast<const TI*>(p[1]);
    if (s[0] == (int64_t)sizeof(TO) && s[1] == (int64_t)sizeof(TI)) {
      for (int64_t i = 0; i < n; i++) o[i] = store<TO>(f(load(a[i])));
    } else {
      for (int64_t i = 0; i < n; i++)
        *reinterpret_cast<TO*>(p[0] + i * s[0]) = store<TO>(f(load(*reinterpret_cast<const TI*>(p[1] + i * s[1]))));
    }
  });
}

template <class TO, class TI, class F>
void binaryLoop(const OpCall& c, F f) {
  const TensorArg* ops[3] = {&c.t[0], &c.t[1], &c.t[2]};
  StridedLoop<3> L(ops);
  L.run([f](char** p, const int64_t* s, int64_t n) {
    TO* o = reinterpret_cast<TO*>(p[0]);
    const TI* a = reinterpret_cast<const TI*>(p[1]);
    const TI* b = reinterpret_cast<const TI*>(p[2]);
    constexpr int64_t so = sizeof(TO), si = sizeof(TI);
    if (s[0] == so && s[1] == si && s[2] == si) {
      for (int64_t i = 0; i < n; i++) o[i] = store<TO>(f(load(a[i]), load(b[i])));
    } else if (s[0] == so && s[1] == si && s[2] == 0) {
      const auto bv = load(*b);
      for (int64_t i = 0; i < n; i++) o[i] = store<TO>(f(load(a[i]), bv));
    } else if (s[0] == so && s[1] == 0 && s[2] == si) {
      const auto av = load(*a);
      for (int64_t i = 0; i < n; i++) o[i] = store<TO>(f(av, load(b[i])));
    } else {
      for (int64_t i = 0; i < n; i++)
        *reinterpret_cast<TO*>(p[0] + i * s[0]) = store<TO>(f(load(*reinterpret_cast<const TI*>(p[1] + i * s[1])),
                                                             load(*reinterpret_cast<const TI*>(p[2] + i * s[2]))));
    }
  });
}

template <class T> constexpr bool isFloatT = std::is_floating_point<typename ComputeT<T>::type>::value;

// ---- unary -------------------------------------------------------------------------------------

template <class T>
void unaryFloat(const OpCall& c, int code) {
  using C = typename ComputeT<T>::type;
  auto P = [&](int i) { return i < c.np ? c.p[i] : 0.0; };
  const C lo = (C)P(2), hi = (C)P(4), slope = (C)P(1);
  const bool hasLo = P(1) != 0, hasHi = P(3) != 0;
  switch (code) {
    case U_NEG: return unaryLoop<T, T>(c, [](C x) { return -x; });
    case U_ABS: return unaryLoop<T, T>(c, [](C x) { return std::fabs(x); });
    case U_SIGN: return unaryLoop<T, T>(c, [](C x) { return (C)((x > 0) - (x < 0)); });  // sign(NaN) = 0, as torch
    case U_EXP: return unaryLoop<T, T>(c, [](C x) { return std::exp(x); });
    case U_LOG: return unaryLoop<T, T>(c, [](C x) { return std::log(x); });
    case U_LOG1P: return unaryLoop<T, T>(c, [](C x) { return std::log1p(x); });
    case U_EXPM1: return unaryLoop<T, T>(c, [](C x) { return std::expm1(x); });
    case U_SQRT: return unaryLoop<T, T>(c, [](C x) { return std::sqrt(x); });
    case U_RSQRT: return unaryLoop<T, T>(c, [](C x) { return (C)1 / std::sqrt(x); });
    case U_SQUARE: return unaryLoop<T, T>(c, [](C x) { return x * x; });
    case U_SIN: return unaryLoop<T, T>(c, [](C x) { return std::sin(x); });
    case U_COS: return unaryLoop<T, T>(c, [](C x) { return std::cos(x); });
    case U_TAN: return unaryLoop<T, T>(c, [](C x) { return std::tan(x); });
    case U_ATAN: return unaryLoop<T, T>(c, [](C x) { return std::atan(x); });
    case U_ASIN: return unaryLoop<T, T>(c, [](C x) { return std::asin(x); });
    case U_ACOS: return unaryLoop<T, T>(c, [](C x) { return std::acos(x); });
    case U_SINH: return unaryLoop<T, T>(c, [](C x) { return std::sinh(x); });
    case U_COSH: return unaryLoop<T, T>(c, [](C x) { return std::cosh(x); });
    case U_TANH: return unaryLoop<T, T>(c, [](C x) { return std::tanh(x); });
    case U_SIGMOID: return unaryLoop<T, T>(c, [](C x) { return (C)1 / ((C)1 + std::exp(-x)); });
    case U_RELU: return unaryLoop<T, T>(c, [](C x) { return x > 0 ? x : (x != x ? x : (C)0); });
    case U_GELU: return unaryLoop<T, T>(c, [](C x) { return (C)0.5 * x * ((C)1 + std::erf(x * (C)0.70710678118654752440)); });
    case U_GELU_TANH:
      return unaryLoop<T, T>(c, [](C x) {
        const C k = (C)0.79788456080286535588;  // sqrt(2/pi)
        return (C)0.5 * x * ((C)1 + std::tanh(k * (x + (C)0.044715 * x * x * x)));
      });
    case U_SILU: return unaryLoop<T, T>(c, [](C x) { return x / ((C)1 + std::exp(-x)); });
    case U_ERF: return unaryLoop<T, T>(c, [](C x) { return std::erf(x); });
    case U_FLOOR: return unaryLoop<T, T>(c, [](C x) { return std::floor(x); });
    case U_CEIL: return unaryLoop<T, T>(c, [](C x) { return std::ceil(x); });
    case U_ROUND: return unaryLoop<T, T>(c, [](C x) { return std::nearbyint(x); });
    case U_TRUNC: return unaryLoop<T, T>(c, [](C x) { return std::trunc(x); });
    case U_RECIPROCAL: return unaryLoop<T, T>(c, [](C x) { return (C)1 / x; });
    case U_LOG2: return unaryLoop<T, T>(c, [](C x) { return std::log2(x); });
    case U_LOG10: return unaryLoop<T, T>(c, [](C x) { return std::log10(x); });
    case U_EXP2: return unaryLoop<T, T>(c, [](C x) { return std::exp2(x); });
    case U_SOFTPLUS:  // beta = 1, threshold = 20, as torch.nn.functional.softplus
      return unaryLoop<T, T>(c, [](C x) { return x > (C)20 ? x : std::log1p(std::exp(x)); });
    case U_LEAKY_RELU: return unaryLoop<T, T>(c, [slope](C x) { return x > 0 ? x : x * slope; });
    case U_LOGICAL_NOT: return unaryLoop<bool, T>(c, [](C x) { return x == (C)0; });
    case U_ISNAN: return unaryLoop<bool, T>(c, [](C x) { return x != x; });
    case U_ISINF: return unaryLoop<bool, T>(c, [](C x) { return std::isinf(x); });
    case U_ISFINITE: return unaryLoop<bool, T>(c, [](C x) { return std::isfinite(x); });
    case U_CLAMP:
      return unaryLoop<T, T>(c, [=](C x) {
        if (x != x) return x;
        if (hasLo && x < lo) x = lo;
        if (hasHi && x > hi) x = hi;
        return x;
      });
  }
  fail(ErrorKind::DType, std::string("unary op ") + std::to_string(code) + " is not defined for " + dtypeName(c.t[1].dtype));
}

template <class T>
void unaryInt(const OpCall& c, int code) {
  using C = T;
  switch (code) {
    case U_NEG: return unaryLoop<T, T>(c, [](C x) { return (C)(0u - (uint32_t)x); });
    case U_ABS: return unaryLoop<T, T>(c, [](C x) { return x < 0 ? (C)(0u - (uint32_t)x) : x; });
    case U_SIGN: return unaryLoop<T, T>(c, [](C x) { return (C)((x > 0) - (x < 0)); });
    case U_SQUARE: return unaryLoop<T, T>(c, [](C x) { return (C)((uint32_t)x * (uint32_t)x); });
    case U_RELU: return unaryLoop<T, T>(c, [](C x) { return x > 0 ? x : (C)0; });
    case U_FLOOR: case U_CEIL: case U_ROUND: case U_TRUNC: return unaryLoop<T, T>(c, [](C x) { return x; });
    case U_LOGICAL_NOT: return unaryLoop<bool, T>(c, [](C x) { return x == 0; });
    case U_ISNAN: case U_ISINF: return unaryLoop<bool, T>(c, [](C) { return false; });
    case U_ISFINITE: return unaryLoop<bool, T>(c, [](C) { return true; });
    case U_CLAMP: {
      const bool hasLo = c.param(1) != 0, hasHi = c.param(3) != 0;
      const double lo = c.param(2), hi = c.param(4);
      return unaryLoop<T, T>(c, [=](C x) {
        double v = (double)x;
        if (hasLo && v < lo) v = lo;
        if (hasHi && v > hi) v = hi;
        return (C)v;
      });
    }
  }
  fail(ErrorKind::DType, std::string("unary op ") + std::to_string(code) + " is not defined for " + dtypeName(c.t[1].dtype));
}

void cpuUnary(const OpCall& c) {
  int code = (int)c.param(0);
  dispatchDType(c.t[1].dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (isFloatT<T>) unaryFloat<T>(c, code);
    else unaryInt<T>(c, code);
  });
}

// ---- binary ------------------------------------------------------------------------------------

template <class C> inline C ipow(C base, C exp, std::atomic<bool>& bad) {
  if (exp < 0) {
    if (base == 1) return 1;
    if (base == (C)-1) return (exp % 2) ? (C)-1 : (C)1;
    bad = true; return 0;
  }
  uint32_t r = 1, b = (uint32_t)base;
  for (C e = exp; e; e >>= 1) { if (e & 1) r *= b; b *= b; }
  return (C)r;
}

// Python's a // b for floats: floor((a - fmod(a, b)) / b) with the sign fix-ups, so that
// 7 // -0.7 is -11 (a plain floor(a / b) rounds a / b to -10 first).
template <class C> inline C floorDivideFloat(C a, C b) {
  if (b == 0) return a / b;
  C mod = std::fmod(a, b);
  C div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
  if (div == 0) return std::copysign((C)0, a / b);
  C fl = std::floor(div);
  if (div - fl > (C)0.5) fl += 1;
  return fl;
}

template <class T>
void binaryTyped(const OpCall& c, int code) {
  using C = typename ComputeT<T>::type;
  constexpr bool fl = isFloatT<T>;
  switch (code) {
    case B_ADD:
      if constexpr (std::is_same<T, bool>::value) return binaryLoop<T, T>(c, [](bool a, bool b) { return a || b; });
      else if constexpr (fl) return binaryLoop<T, T>(c, [](C a, C b) { return a + b; });
      else return binaryLoop<T, T>(c, [](C a, C b) { return (C)((uint32_t)a + (uint32_t)b); });
    case B_SUB:
      if constexpr (fl) return binaryLoop<T, T>(c, [](C a, C b) { return a - b; });
      else return binaryLoop<T, T>(c, [](C a, C b) { return (C)((uint32_t)a - (uint32_t)b); });
    case B_MUL:
      if constexpr (std::is_same<T, bool>::value) return binaryLoop<T, T>(c, [](bool a, bool b) { return a && b; });
      else if constexpr (fl) return binaryLoop<T, T>(c, [](C a, C b) { return a * b; });
      else return binaryLoop<T, T>(c, [](C a, C b) { return (C)((uint32_t)a * (uint32_t)b); });
    case B_DIV:
      if constexpr (fl) return binaryLoop<T, T>(c, [](C a, C b) { return a / b; });
      break;
    case B_POW:
      if constexpr (fl) return binaryLoop<T, T>(c, [](C a, C b) { return std::pow(a, b); });
      else if constexpr (!std::is_same<T, bool>::value) {
        std::atomic<bool> bad{false};
        binaryLoop<T, T>(c, [&bad](C a, C b) { return ipow<C>(a, b, bad); });
        if (bad) fail(ErrorKind::Value, "pow: integers to negative integer powers are not allowed");
        return;
      }
      break;
    case B_MAXIMUM: return binaryLoop<T, T>(c, [](C a, C b) { return (a != a) ? a : (b != b) ? b : (a > b ? a : b); });
    case B_MINIMUM: return binaryLoop<T, T>(c, [](C a, C b) { return (a != a) ? a : (b != b) ? b : (a < b ? a : b); });
    case B_EQ: return binaryLoop<bool, T>(c, [](C a, C b) { return a == b; });
    case B_NE: return binaryLoop<bool, T>(c, [](C a, C b) { return a != b; });
    case B_LT: return binaryLoop<bool, T>(c, [](C a, C b) { return a < b; });
    case B_LE: return binaryLoop<bool, T>(c, [](C a, C b) { return a <= b; });
    case B_GT: return binaryLoop<bool, T>(c, [](C a, C b) { return a > b; });
    case B_GE: return binaryLoop<bool, T>(c, [](C a, C b) { return a >= b; });
    case B_LOGICAL_AND: return binaryLoop<bool, T>(c, [](C a, C b) { return a != (C)0 && b != (C)0; });
    case B_LOGICAL_OR: return binaryLoop<bool, T>(c, [](C a, C b) { return a != (C)0 || b != (C)0; });
    case B_LOGICAL_XOR: return binaryLoop<bool, T>(c, [](C a, C b) { return (a != (C)0) != (b != (C)0); });
    case B_REMAINDER:
      if constexpr (fl) return binaryLoop<T, T>(c, [](C a, C b) {
          C r = std::fmod(a, b);
          if (r != 0 && ((r < 0) != (b < 0))) r += b;
          return r;
        });
      else if constexpr (!std::is_same<T, bool>::value) {
        std::atomic<bool> bad{false};
        binaryLoop<T, T>(c, [&bad](C a, C b) {
          if (b == 0) { bad = true; return (C)0; }
          if (std::is_signed<C>::value && b == (C)-1) return (C)0;
          C r = a % b;
          if (r != 0 && ((r < 0) != (b < 0))) r += b;
          return r;
        });
        if (bad) fail(ErrorKind::Value, "remainder: integer division by zero");
        return;
      }
      break;
    case B_FLOOR_DIVIDE:
      if constexpr (fl) return binaryLoop<T, T>(c, [](C a, C b) { return floorDivideFloat(a, b); });
      else if constexpr (!std::is_same<T, bool>::value) {
        std::atomic<bool> bad{false};
        binaryLoop<T, T>(c, [&bad](C a, C b) {
          if (b == 0) { bad = true; return (C)0; }
          if (std::is_signed<C>::value && b == (C)-1) return (C)(0u - (uint32_t)a);
          C q = a / b;
          if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
          return q;
        });
        if (bad) fail(ErrorKind::Value, "floorDivide: integer division by zero");
        return;
      }
      break;
    case B_ATAN2:
      if constexpr (fl) return binaryLoop<T, T>(c, [](C a, C b) { return std::atan2(a, b); });
      break;
  }
  fail(ErrorKind::DType, std::string("binary op ") + std::to_string(code) + " is not defined for " + dtypeName(c.t[1].dtype));
}

void cpuBinary(const OpCall& c) {
  int code = (int)c.param(0);
  dispatchDType(c.t[1].dtype, [&](auto tag) { binaryTyped<decltype(tag)>(c, code); });
}

// ---- where(out, cond, a, b) --------------------------------------------------------------------

void cpuWhere(const OpCall& c) {
  const TensorArg* ops[4] = {&c.t[0], &c.t[1], &c.t[2], &c.t[3]};
  StridedLoop<4> L(ops);
  dispatchDType(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    L.run([](char** p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; i++) {
        bool m = *reinterpret_cast<const bool*>(p[1] + i * s[1]);
        *reinterpret_cast<T*>(p[0] + i * s[0]) = m ? *reinterpret_cast<const T*>(p[2] + i * s[2])
                                                   : *reinterpret_cast<const T*>(p[3] + i * s[3]);
      }
    });
  });
}

// ---- copy(out, src): strided copy with cast ----------------------------------------------------

void cpuCopy(const OpCall& c) {
  const TensorArg* ops[2] = {&c.t[0], &c.t[1]};
  StridedLoop<2> L(ops);
  if (c.t[0].dtype == c.t[1].dtype) {
    const int64_t sz = itemsize(c.t[0].dtype);
    if (L.ndim == 1 && L.strides[0][0] == sz && L.strides[1][0] == sz) {  // one block: memcpy in parallel
      char* dst = L.base[0]; const char* src = L.base[1];
      parallelFor(L.numel * sz, 1 << 20, [&](int64_t b, int64_t e) { std::memcpy(dst + b, src + b, e - b); });
      return;
    }
  }
  dispatchDType(c.t[0].dtype, [&](auto otag) {
    using TO = decltype(otag);
    dispatchDType(c.t[1].dtype, [&](auto itag) {
      using TI = decltype(itag);
      unaryLoop<TO, TI>(c, [](typename ComputeT<TI>::type x) { return x; });
    });
  });
}

// ---- fill(out; value) --------------------------------------------------------------------------

void cpuFill(const OpCall& c) {
  const double v = c.param(0);
  TensorArg src;
  makeScalarArg(src, c.t[0].dtype, v, c.t[0]);
  TensorArg args[2] = {c.t[0], src};
  OpCall cc = c;
  cc.t = args; cc.nt = 2;
  cpuCopy(cc);
}

// ---- arange(out; start, step) and linspace(out; start, end): contiguous 1-D outputs -------------

void cpuArange(const OpCall& c) {
  const double start = c.param(0), step = c.param(1);
  dispatchDType(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = c.t[0].ptr<T>();
    parallelFor(c.t[0].numel(), kElementwiseGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) o[i] = store<T>(start + (double)i * step);
    });
  });
}

// torch.linspace: the first half counts up from start, the second half down from end, so both
// ends are exact.
void cpuLinspace(const OpCall& c) {
  const double start = c.param(0), end = c.param(1);
  const int64_t n = c.t[0].numel();
  const double step = n > 1 ? (end - start) / (double)(n - 1) : 0.0;
  const int64_t half = n / 2;
  dispatchDType(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = c.t[0].ptr<T>();
    for (int64_t i = 0; i < n; i++)
      o[i] = store<T>(n == 1 ? start : i < half ? start + step * (double)i : end - step * (double)(n - 1 - i));
  });
}

}  // namespace

FLINT_REGISTER_OP("arange", DeviceType::CPU, cpuArange);
FLINT_REGISTER_OP("linspace", DeviceType::CPU, cpuLinspace);
FLINT_REGISTER_OP("unary", DeviceType::CPU, cpuUnary);
FLINT_REGISTER_OP("binary", DeviceType::CPU, cpuBinary);
FLINT_REGISTER_OP("where", DeviceType::CPU, cpuWhere);
FLINT_REGISTER_OP("copy", DeviceType::CPU, cpuCopy);
FLINT_REGISTER_OP("fill", DeviceType::CPU, cpuFill);

}  // namespace flint
