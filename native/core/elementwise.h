// elementwise.h — DESIGN: the elementwise op family (unary, binary, where, copy, fill, arange,
// linspace) written once for both devices.
//
// What lives here: the op lists (FLINT_UNARY_OPS, FLINT_BINARY_OPS: their order IS the op code, and
// lib/ops/codes.ts is generated from them by scripts/gen-codes.js, checked by test/codes.test.ts),
// the argument structs that travel to the kernels (ElemParams, ScalarOperands), which codes each
// dtype class defines, the error bits of the integer ops, and every per-element function. All of
// them are FLINT_HD (core/hd.h): __host__ __device__ under nvcc/hipcc, plain inline for g++.
//
// Who includes it: native/cpu/elementwise.cpp (the CPU loops: one instantiation per op code, so
// the contiguous runs vectorise), native/gpu/ops_elementwise.cpp (validation and the launch) and
// native/kernels/elementwise.cu (one kernel per dtype that switches on the code per element). The
// host-only helpers at the end (OpCall -> ElemParams, the typed errors) are left out of the kernel
// builds (compat.cuh defines FLINT_KERNELS).
//
// Adding a unary op: one line in FLINT_UNARY_OPS (at the end: codes are positions), then
// `node scripts/gen-codes.js`, a table entry in lib/ops/elementwise.ts and a reference in the test
// table. Numerics: the CPU build (x86-64 g++, no FMA) and nvcc/hipcc (which contract a*b+c into
// FMAs) compile the same expressions; that is why GPU results are compared with the CPU within
// per-dtype tolerances, not bit for bit. Code that must be bit-identical (optim.h) says so.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include "dtype.h"
#include "hd.h"
#include "libm.h"
#include "special.h"

namespace flint {
namespace ew {

// x < 0 without "pointless comparison of unsigned integer with zero" for uint8_t / bool
template <class C> FLINT_HD inline bool isNeg(C x) {
  if constexpr ((C)-1 < (C)0) return x < (C)0;
  else return false;
}
template <class C> FLINT_HD inline bool isInf(C x) { return x == x && x - x != x - x; }
template <class C> FLINT_HD inline bool isFinite(C x) { return x - x == (C)0; }  // false for inf and NaN

// ---- parameters and scalar operands (one layout on both devices) ---------------------------------

// The unary ops' scalar parameters: clamp (hasLo, lo, hasHi, hi), leakyRelu (slope in p[0]). The op
// call carries the code in p[0] and these in p[1..5); both devices read this struct.
struct ElemParams { double p[4]; };

// Scalar operands reach the kernels by value (no device memory, no extra launch): bit k of `mask`
// set means input k (unary x = 0; binary x = 0, y = 1; where cond = 0, x = 1, y = 2) is the scalar
// v[k], exact in double for every dtype.
struct ScalarOperands { double v[3]; int32_t mask; int32_t pad; };
static_assert(sizeof(ScalarOperands) == 32 && sizeof(ElemParams) == 32, "elementwise argument layouts");

// Bits that the integer ops report (the GPU through an error word, the CPU from its loop).
enum ErrBits { E_REM_ZERO = 1, E_FDIV_ZERO = 2, E_POW_NEG = 4, E_BAD_CODE = 8 };

// ---- unary ------------------------------------------------------------------------------------------

// The per-element functions: on the host, forced inline, so that the CPU loop of each op is one
// function that g++ vectorises (core/vmath.h's exp, tanh, erf are branch-free for that; left to its
// heuristics, g++ kept uf_TANH and uf_ERF as calls once those had inlined into them).
#if defined(__CUDACC__) || defined(__HIPCC__) || !defined(__GNUC__)
#define FLINT_EW_INLINE FLINT_HD inline
#else
#define FLINT_EW_INLINE inline __attribute__((always_inline))
#endif

template <class C> FLINT_HD inline C clampFloat(C x, const ElemParams& p) {
  if (x != x) return x;
  if (p.p[0] != 0 && x < (C)p.p[1]) x = (C)p.p[1];
  if (p.p[2] != 0 && x > (C)p.p[3]) x = (C)p.p[3];
  return x;
}
template <class C> FLINT_HD inline C clampInt(C x, const ElemParams& p) {
  double v = (double)x;
  if (p.p[0] != 0 && v < p.p[1]) v = p.p[1];
  if (p.p[2] != 0 && v > p.p[3]) v = p.p[3];
  return (C)v;
}
template <class C> FLINT_EW_INLINE C geluTanh(C x) {
  const C k = (C)0.79788456080286535588;  // sqrt(2/pi)
  return (C)0.5 * x * ((C)1 + m_tanh(k * (x + (C)0.044715 * x * x * x)));
}

// ~x for integers, !x for bool (torch.bitwise_not of a bool tensor is logical).
template <class C> FLINT_HD inline C bitNot(C x) {
  if constexpr (std::is_same<C, bool>::value) return !x;
  else return (C)~x;
}

// torch.frexp: x = mantissa · 2^exponent with |mantissa| in [0.5, 1); 0, ±inf and NaN give
// (x, 0). Read from the bits (no libm frexp: hiprtc has no <cmath>), subnormals scaled up first.
// `mantissa` picks which half is returned; the exponent comes back as a value of C.
FLINT_HD inline float frexpParts(float x, bool mantissa) {
  if (!(x == x) || x == 0.f || x - x != 0.f) return mantissa ? x : 0.f;
  int adj = 0;
  uint32_t u; std::memcpy(&u, &x, 4);
  if (((u >> 23) & 0xffu) == 0) { x *= 16777216.f; adj = -24; std::memcpy(&u, &x, 4); }  // 2^24
  const int e = (int)((u >> 23) & 0xffu) - 126 + adj;
  if (!mantissa) return (float)e;
  u = (u & 0x807fffffu) | (126u << 23);
  float m; std::memcpy(&m, &u, 4);
  return m;
}
FLINT_HD inline double frexpParts(double x, bool mantissa) {
  if (!(x == x) || x == 0.0 || x - x != 0.0) return mantissa ? x : 0.0;
  int adj = 0;
  uint64_t u; std::memcpy(&u, &x, 8);
  if (((u >> 52) & 0x7ffu) == 0) { x *= 18014398509481984.0; adj = -54; std::memcpy(&u, &x, 8); }  // 2^54
  const int e = (int)((u >> 52) & 0x7ffu) - 1022 + adj;
  if (!mantissa) return (double)e;
  u = (u & 0x800fffffffffffffull) | (1022ull << 52);
  double m; std::memcpy(&m, &u, 8);
  return m;
}

// The unary ops, one line each, in code order. Each row is one of
//   F(CODE, jsName, float expression)                       floating dtypes only
//   I(CODE, jsName, float expression, integer expression)   every dtype (int32, uint8, bool: integer)
//   P(CODE, jsName, float expression, integer expression)   predicates: the output is bool
// with x the input in its compute type C (float for float16/bfloat16) and p the ElemParams.
#define FLINT_UNARY_OPS(F, I, P)                                                         \
  I(NEG, neg, -x, (C)(0u - (uint32_t)x))                                                 \
  I(ABS, abs, m_fabs(x), isNeg(x) ? (C)(0u - (uint32_t)x) : x)                           \
  I(SIGN, sign, (C)((x > 0) - (x < 0)), (C)((x > 0) - isNeg(x))) /* sign(NaN) = 0 */     \
  F(EXP, exp, m_exp(x))                                                                  \
  F(LOG, log, m_log(x))                                                                  \
  F(LOG1P, log1p, m_log1p(x))                                                            \
  F(EXPM1, expm1, m_expm1(x))                                                            \
  F(SQRT, sqrt, m_sqrt(x))                                                               \
  F(RSQRT, rsqrt, (C)1 / m_sqrt(x))                                                      \
  I(SQUARE, square, x * x, (C)((uint32_t)x * (uint32_t)x))                               \
  F(SIN, sin, m_sin(x))                                                                  \
  F(COS, cos, m_cos(x))                                                                  \
  F(TANH, tanh, m_tanh(x))                                                               \
  F(SIGMOID, sigmoid, (C)1 / ((C)1 + m_exp(-x)))                                         \
  I(RELU, relu, x > 0 ? x : (x != x ? x : (C)0), x > 0 ? x : (C)0)                       \
  F(GELU, gelu, (C)0.5 * x * ((C)1 + m_erf(x * (C)0.70710678118654752440)))             \
  F(SILU, silu, x / ((C)1 + m_exp(-x)))                                                  \
  F(ERF, erf, m_erf(x))                                                                  \
  I(FLOOR, floor, m_floor(x), x)                                                         \
  I(CEIL, ceil, m_ceil(x), x)                                                            \
  I(ROUND, round, m_rint(x), x) /* half to even */                                       \
  F(RECIPROCAL, reciprocal, (C)1 / x)                                                    \
  P(LOGICAL_NOT, logicalNot, x == (C)0, x == (C)0)                                       \
  P(ISNAN, isnan, x != x, false)                                                         \
  P(ISFINITE, isfinite, isFinite(x), true)                                               \
  I(CLAMP, clamp, clampFloat(x, p), clampInt(x, p))                                      \
  F(GELU_TANH, geluTanh, geluTanh(x))                                                    \
  F(TAN, tan, m_tan(x))                                                                  \
  F(ATAN, atan, m_atan(x))                                                               \
  F(LOG2, log2, m_log2(x))                                                               \
  F(LOG10, log10, m_log10(x))                                                            \
  I(TRUNC, trunc, m_trunc(x), x)                                                         \
  F(LEAKY_RELU, leakyRelu, x > 0 ? x : x * (C)p.p[0])                                    \
  F(ASIN, asin, m_asin(x))                                                               \
  F(ACOS, acos, m_acos(x))                                                               \
  F(SINH, sinh, m_sinh(x))                                                               \
  F(COSH, cosh, m_cosh(x))                                                               \
  F(EXP2, exp2, m_exp2(x))                                                               \
  F(SOFTPLUS, softplus, x > (C)20 ? x : m_log1p(m_exp(x))) /* beta 1, threshold 20 */   \
  P(ISINF, isinf, isInf(x), false)                                                      \
  F(HARDSWISH, hardswish, x * (x + 3 < 0 ? (C)0 : x + 3 > 6 ? (C)6 : x + (C)3) / (C)6) /* NaN stays NaN */ \
  F(LGAMMA, lgamma, (C)sp::lgammaD((double)x)) /* the special functions: special.h, in double */      \
  F(DIGAMMA, digamma, (C)sp::digammaD((double)x))                                        \
  F(POLYGAMMA, polygamma, (C)sp::polygammaD(p.p[0], (double)x)) /* n in p[0] */          \
  F(ERFC, erfc, (C)sp::erfcD((double)x))                                                 \
  F(ERFINV, erfinv, (C)sp::erfinvD((double)x))                                           \
  F(I0, i0, (C)sp::besselI(0, (double)x, false))                                         \
  F(I0E, i0e, (C)sp::besselI(0, (double)x, true))                                        \
  F(I1, i1, (C)sp::besselI(1, (double)x, false))                                         \
  F(I1E, i1e, (C)sp::besselI(1, (double)x, true))                                        \
  F(NDTRI, ndtri, (C)sp::ndtriD((double)x))                                              \
  F(LOG_NDTR, logNdtr, (C)sp::logNdtrD((double)x))                                       \
  F(ERFCX, erfcx, (C)sp::erfcxD((double)x))                                             \
  I(BITWISE_NOT, bitwiseNot, x /* integers and bool only: unaryDefined */, bitNot(x))   \
  F(FREXP_MANTISSA, frexpMantissa, frexpParts(x, true)) /* torch.frexp, in two passes */ \
  F(FREXP_EXPONENT, frexpExponent, frexpParts(x, false)) /* the exponent as a float */ \
  F(ASINH, asinh, m_asinh(x))                                                           \
  F(ACOSH, acosh, m_acosh(x))                                                           \
  F(ATANH, atanh, m_atanh(x))

// The codes U_NEG, U_ABS, ... in list order.
#define FLINT_EW_ENUM3(E, js, f) U_##E,
#define FLINT_EW_ENUM4(E, js, f, i) U_##E,
enum Unary { FLINT_UNARY_OPS(FLINT_EW_ENUM3, FLINT_EW_ENUM4, FLINT_EW_ENUM4) U_COUNT };

// Per op E: uf_E<C>(x, p) on floating compute types, ui_E<C>(x, p) on integer ones (I and P rows).
#define FLINT_EW_FN_F(E, js, f) \
  template <class C> FLINT_EW_INLINE C uf_##E(C x, const ElemParams& p) { (void)p; return f; }
#define FLINT_EW_FN_I(E, js, f, i) FLINT_EW_FN_F(E, js, f) \
  template <class C> FLINT_HD inline C ui_##E(C x, const ElemParams& p) { (void)p; return i; }
#define FLINT_EW_FN_P(E, js, f, i)                                                                    \
  template <class C> FLINT_HD inline bool uf_##E(C x, const ElemParams& p) { (void)p; return f; }    \
  template <class C> FLINT_HD inline bool ui_##E(C x, const ElemParams& p) { (void)p; (void)x; return i; }
FLINT_UNARY_OPS(FLINT_EW_FN_F, FLINT_EW_FN_I, FLINT_EW_FN_P)
#undef FLINT_EW_FN_F
#undef FLINT_EW_FN_I
#undef FLINT_EW_FN_P

enum UnaryKind { kUnaryFloatOnly, kUnaryAll, kUnaryPredicate, kUnaryUnknown };
FLINT_HD inline int unaryKind(int code) {
#define FLINT_EW_KIND_F(E, js, f) case U_##E: return kUnaryFloatOnly;
#define FLINT_EW_KIND_I(E, js, f, i) case U_##E: return kUnaryAll;
#define FLINT_EW_KIND_P(E, js, f, i) case U_##E: return kUnaryPredicate;
  switch (code) { FLINT_UNARY_OPS(FLINT_EW_KIND_F, FLINT_EW_KIND_I, FLINT_EW_KIND_P) }
#undef FLINT_EW_KIND_F
#undef FLINT_EW_KIND_I
#undef FLINT_EW_KIND_P
  return kUnaryUnknown;
}
/** Whether a unary code is defined for a dtype class (floating: every code; integers and bool: I, P rows). */
FLINT_HD inline bool unaryDefined(int code, bool floating) {
  const int k = unaryKind(code);
  if (floating && code == U_BITWISE_NOT) return false;  // torch.bitwise_not: integers and bool
  return k != kUnaryUnknown && (floating || k != kUnaryFloatOnly);
}

/**
 * The special functions' codes (special.h: long loops in double), one block of the list. The GPU runs
 * them in a loop of their own (elementwise.cu), so that the other codes' kernel loop stays small
 * enough to unroll (hipcc inlines every call).
 */
FLINT_HD constexpr bool isSpecialUnary(int code) { return code >= U_LGAMMA && code <= U_ERFCX; }

#define FLINT_EW_NONE3(E, js, f)
#define FLINT_EW_NONE4(E, js, f, i)
/**
 * A non-predicate unary op on a floating compute type, by code (the kernels' per-element switch);
 * without `WithSpecial` the special functions' cases are left out (an E_BAD_CODE there).
 */
template <class C, bool WithSpecial = true> FLINT_HD inline C unaryFloat(int code, C x, const ElemParams& p, int& err) {
#define FLINT_EW_CASE3(E, js, f) case U_##E: if constexpr (WithSpecial || !isSpecialUnary(U_##E)) return uf_##E<C>(x, p); else break;
#define FLINT_EW_CASE4(E, js, f, i) case U_##E: return uf_##E<C>(x, p);
  switch (code) { FLINT_UNARY_OPS(FLINT_EW_CASE3, FLINT_EW_CASE4, FLINT_EW_NONE4) }
#undef FLINT_EW_CASE3
#undef FLINT_EW_CASE4
  err |= E_BAD_CODE;
  return x;
}
/** A non-predicate unary op on an integer compute type (int32, uint8, bool). */
template <class C> FLINT_HD inline C unaryInt(int code, C x, const ElemParams& p, int& err) {
#define FLINT_EW_CASE(E, js, f, i) case U_##E: return ui_##E<C>(x, p);
  switch (code) { FLINT_UNARY_OPS(FLINT_EW_NONE3, FLINT_EW_CASE, FLINT_EW_NONE4) }
#undef FLINT_EW_CASE
  err |= E_BAD_CODE;
  return x;
}
/** A predicate (P row) on compute type C: the floating expression for floating C, else the integer one. */
template <bool Floating, class C> FLINT_HD inline bool unaryPredicate(int code, C x, const ElemParams& p) {
#define FLINT_EW_CASE(E, js, f, i) case U_##E: if constexpr (Floating) return uf_##E<C>(x, p); else return ui_##E<C>(x, p);
  switch (code) { FLINT_UNARY_OPS(FLINT_EW_NONE3, FLINT_EW_NONE4, FLINT_EW_CASE) }
#undef FLINT_EW_CASE
  return false;
}

// ---- binary -----------------------------------------------------------------------------------------

// The binary ops in code order: A rows compute in the operands' dtype, C rows (comparisons and
// logical ops) give bool. Their per-element functions follow.
#define FLINT_BINARY_OPS(A, C)                                                                          \
  A(ADD, add) A(SUB, sub) A(MUL, mul) A(DIV, div) A(POW, pow) A(MAXIMUM, maximum) A(MINIMUM, minimum) \
  C(EQ, eq) C(NE, ne) C(LT, lt) C(LE, le) C(GT, gt) C(GE, ge)                                          \
  C(LOGICAL_AND, logicalAnd) C(LOGICAL_OR, logicalOr) C(LOGICAL_XOR, logicalXor)                       \
  A(REMAINDER, remainder) A(FLOOR_DIVIDE, floorDivide) A(ATAN2, atan2)                                \
  A(GELU_BACKWARD, geluBackward) A(GELU_TANH_BACKWARD, geluTanhBackward) A(RELU_BACKWARD, reluBackward) \
  A(ZETA, zeta) A(GAMMAINC, gammainc) A(GAMMAINCC, gammaincc)                                          \
  A(BITWISE_AND, bitwiseAnd) A(BITWISE_OR, bitwiseOr) A(BITWISE_XOR, bitwiseXor)                       \
  A(BITWISE_LEFT_SHIFT, bitwiseLeftShift) A(BITWISE_RIGHT_SHIFT, bitwiseRightShift)                    \
  A(GCD, gcd) A(LCM, lcm) A(NEXTAFTER, nextafter)

#define FLINT_EW_ENUM2(E, js) B_##E,
enum Binary { FLINT_BINARY_OPS(FLINT_EW_ENUM2, FLINT_EW_ENUM2) B_COUNT };
#undef FLINT_EW_ENUM2

FLINT_HD inline bool isComparison(int code) { return code >= B_EQ && code <= B_LOGICAL_XOR; }
/** The activations' fused gradients (a = the output's gradient, b = the activation's input): floating dtypes only. */
FLINT_HD inline bool isFloatOnlyGrad(int code) { return code == B_GELU_BACKWARD || code == B_GELU_TANH_BACKWARD || code == B_RELU_BACKWARD; }

/** The special functions of the binary list (special.h: zeta, gammainc, gammaincc): floating dtypes only. */
FLINT_HD constexpr bool isSpecialBinary(int code) { return code >= B_ZETA && code <= B_GAMMAINCC; }

/** The integer-only codes (torch's bitwise ops, shifts, gcd, lcm): no floating kernel. */
FLINT_HD inline bool isIntegerOnly(int code) { return code >= B_BITWISE_AND && code <= B_LCM; }

/** Whether a binary code is defined for a dtype class (the CPU and the GPU refuse the rest alike). */
FLINT_HD inline bool binaryDefined(int code, bool floating, bool isBool) {
  if (code < 0 || code >= B_COUNT) return false;
  if (isComparison(code)) return true;
  if (floating) return !isIntegerOnly(code);
  if (isBool) return code == B_ADD || code == B_SUB || code == B_MUL || code == B_MAXIMUM || code == B_MINIMUM ||
                     code == B_BITWISE_AND || code == B_BITWISE_OR || code == B_BITWISE_XOR;
  return code != B_DIV && code != B_ATAN2 && code != B_NEXTAFTER && !isSpecialBinary(code) && !isFloatOnlyGrad(code);  // int32, uint8
}

template <class C> FLINT_HD inline bool compare(int code, C a, C b) {
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

// Python's a // b for floats: floor((a - fmod(a, b)) / b) with the sign fix-ups, so that
// 7 // -0.7 is -11 (a plain floor(a / b) rounds a / b to -10 first).
template <class C> FLINT_HD inline C floorDivideFloat(C a, C b) {
  if (b == 0) return a / b;
  const C mod = m_fmod(a, b);
  C div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
  if (div == 0) return m_copysign((C)0, a / b);
  C fl = m_floor(div);
  if (div - fl > (C)0.5) fl += 1;
  return fl;
}

template <class C> FLINT_HD inline C maxNaN(C a, C b) { return (a != a) ? a : (b != b) ? b : (a > b ? a : b); }
template <class C> FLINT_HD inline C minNaN(C a, C b) { return (a != a) ? a : (b != b) ? b : (a < b ? a : b); }

// GELU's gradients, g·gelu'(x) in one pass (PyTorch's gelu_backward; the composed form was ~9 passes):
//   exact:  gelu'(x) = Φ(x) + x·φ(x), Φ(x) = (1 + erf(x/√2))/2, φ(x) = exp(-x²/2)/√(2π)
//   tanh:   with u = √(2/π)(x + 0.044715x³), t = tanh(u):
//           gelu'(x) = (1 + t)/2 + (x/2)(1 - t²)·√(2/π)(1 + 3·0.044715x²)
template <class C> FLINT_EW_INLINE C geluGrad(C g, C x) {
  const C cdf = (C)0.5 * ((C)1 + m_erf(x * (C)0.70710678118654752440));
  const C pdf = m_exp((C)-0.5 * x * x) * (C)0.39894228040143267794;  // 1/√(2π)
  return g * (cdf + x * pdf);
}
template <class C> FLINT_EW_INLINE C geluTanhGrad(C g, C x) {
  const C k = (C)0.79788456080286535588, kappa = (C)0.044715;  // √(2/π)
  const C x2 = x * x;
  const C t = m_tanh(k * (x + kappa * x2 * x));
  const C dinner = k * ((C)1 + (C)3 * kappa * x2);
  return g * ((C)0.5 * ((C)1 + t) + (C)0.5 * x * ((C)1 - t * t) * dinner);
}

// C's nextafter from the bits (hiprtc has no <cmath>): NaN if either is NaN, y if x == y, the
// smallest subnormal with y's sign from ±0.
FLINT_HD inline float nextAfter(float x, float y) {
  if (!(x == x) || !(y == y)) return x + y;
  if (x == y) return y;
  uint32_t u;
  if (x == 0.f) { u = 1u | (y < 0.f ? 0x80000000u : 0u); }
  else { std::memcpy(&u, &x, 4); if ((x < y) == (x > 0.f)) u++; else u--; }
  float r; std::memcpy(&r, &u, 4);
  return r;
}
FLINT_HD inline double nextAfter(double x, double y) {
  if (!(x == x) || !(y == y)) return x + y;
  if (x == y) return y;
  uint64_t u;
  if (x == 0.0) { u = 1ull | (y < 0.0 ? 0x8000000000000000ull : 0ull); }
  else { std::memcpy(&u, &x, 8); if ((x < y) == (x > 0.0)) u++; else u--; }
  double r; std::memcpy(&r, &u, 8);
  return r;
}

/**
 * nextafter in a 16-bit storage type (bfloat16; float16 is refused by the TS layer, as torch): the
 * compute type float has other neighbours, so the CPU loop and the GPU kernel take this path for
 * T = Half / BFloat16 (both are sign and magnitude bits, ordered as the values).
 */
template <class T> FLINT_HD inline T nextAfter16(T x, T y) {
  const float a = load(x), b = load(y);
  if (!(a == a) || !(b == b)) return store<T>(a + b);
  if (a == b) return y;
  T r;
  if (a == 0.f) r.bits = (uint16_t)(1u | (b < 0.f ? 0x8000u : 0u));
  else r.bits = (uint16_t)((a < b) == (a > 0.f) ? x.bits + 1u : x.bits - 1u);
  return r;
}
template <class T> constexpr bool isStorage16 = std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value;

/** Without `WithSpecial`, the special functions' cases are left out (the GPU's kernel runs them in a loop of their own, as isSpecialUnary's). */
template <class C, bool WithSpecial = true> FLINT_EW_INLINE C binaryFloat(int code, C a, C b, int& err) {
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
    case B_GELU_BACKWARD: return geluGrad(a, b);
    case B_GELU_TANH_BACKWARD: return geluTanhGrad(a, b);
    // relu's gradient, 0 where x <= 0 and g elsewhere (a NaN x passes g on, as torch's threshold_backward
    // does, so a NaN stays visible in the gradients): one pass over g and x where gt + where were two
    // and a bool mask between them
    case B_RELU_BACKWARD: return b <= (C)0 ? (C)0 : a;
    case B_ZETA:  // Hurwitz zeta(s = a, q = b), special.h
      if constexpr (WithSpecial) return (C)sp::zetaD((double)a, (double)b); else break;
    case B_GAMMAINC:  // P(a, x)
      if constexpr (WithSpecial) return (C)sp::igammaD((double)a, (double)b, false); else break;
    case B_GAMMAINCC:  // Q(a, x)
      if constexpr (WithSpecial) return (C)sp::igammaD((double)a, (double)b, true); else break;
    case B_NEXTAFTER: return nextAfter(a, b);  // float32 / float64 (the TS layer refuses 16-bit floats, as torch)
  }
  err |= E_BAD_CODE;
  return a;
}

template <class C> FLINT_HD inline C ipow(C base, C exp, int& err) {
  if (isNeg(exp)) {
    if (base == 1) return 1;
    if (base == (C)-1) return (exp % 2) ? (C)-1 : (C)1;
    err |= E_POW_NEG;
    return 0;
  }
  uint32_t r = 1, b = (uint32_t)base;
  for (C e = exp; e; e >>= 1) { if (e & 1) r *= b; b *= b; }
  return (C)r;
}

// torch's calc_gcd: Euclid on |a|, |b| (|INT_MIN| wraps to INT_MIN, so gcd(INT_MIN, 0) is INT_MIN, as
// torch's); a % -1 is taken as 0 (INT_MIN % -1 traps on x86).
template <class C> FLINT_HD inline C gcdInt(C a, C b) {
  a = isNeg(a) ? (C)(0u - (uint32_t)a) : a;
  b = isNeg(b) ? (C)(0u - (uint32_t)b) : b;
  while (a != 0) {
    const C c = a;
    a = (C)-1 < (C)0 && a == (C)-1 ? (C)0 : (C)(b % a);
    b = c;
  }
  return b;
}
// torch's lcm: |a / gcd · b| with the product wrapping (lcm(65536, 65537) is 65536 in int32)
template <class C> FLINT_HD inline C lcmInt(C a, C b) {
  const C g = gcdInt(a, b);
  if (g == 0) return 0;
  const C q = (C)-1 < (C)0 && g == (C)-1 ? (C)(0u - (uint32_t)a) : (C)(a / g);
  const C r = (C)((uint32_t)q * (uint32_t)b);
  return isNeg(r) ? (C)(0u - (uint32_t)r) : r;
}
// Shifts as torch >= 2.1 defines them (1.13 left counts >= the width to the CPU: x86 took them mod
// 32): a count < 0 or >= the width (32 for int32, 8 for uint8) shifts every bit out: 0 for <<, the
// sign (0 or -1) for >>. The left shift wraps (two's complement).
template <class C> FLINT_HD inline C shiftLeft(C a, C b) {
  const int width = (int)sizeof(C) * 8;
  if (isNeg(b) || (int64_t)b >= width) return (C)0;
  return (C)((uint32_t)a << (uint32_t)b);
}
template <class C> FLINT_HD inline C shiftRight(C a, C b) {
  const int width = (int)sizeof(C) * 8;
  if (isNeg(b) || (int64_t)b >= width) return isNeg(a) ? (C)-1 : (C)0;
  return (C)(a >> b);
}

template <class C> FLINT_HD inline C binaryInt(int code, C a, C b, int& err) {  // int32_t, uint8_t
  const bool isSigned = (C)-1 < (C)0;
  switch (code) {
    case B_ADD: return (C)((uint32_t)a + (uint32_t)b);
    case B_SUB: return (C)((uint32_t)a - (uint32_t)b);
    case B_MUL: return (C)((uint32_t)a * (uint32_t)b);
    case B_POW: return ipow<C>(a, b, err);
    case B_MAXIMUM: return a > b ? a : b;
    case B_MINIMUM: return a < b ? a : b;
    case B_REMAINDER: {
      if (b == 0) { err |= E_REM_ZERO; return (C)0; }
      if (isSigned && b == (C)-1) return (C)0;
      C r = a % b;
      if (r != 0 && (isNeg(r) != isNeg(b))) r += b;
      return r;
    }
    case B_FLOOR_DIVIDE: {
      if (b == 0) { err |= E_FDIV_ZERO; return (C)0; }
      if (isSigned && b == (C)-1) return (C)(0u - (uint32_t)a);
      C q = a / b;
      if ((a % b != 0) && (isNeg(a) != isNeg(b))) q--;
      return q;
    }
    case B_BITWISE_AND: return (C)(a & b);
    case B_BITWISE_OR: return (C)(a | b);
    case B_BITWISE_XOR: return (C)(a ^ b);
    case B_BITWISE_LEFT_SHIFT: return shiftLeft(a, b);
    case B_BITWISE_RIGHT_SHIFT: return shiftRight(a, b);
    case B_GCD: return gcdInt(a, b);
    case B_LCM: return lcmInt(a, b);
  }
  err |= E_BAD_CODE;  // div, atan2, zeta, gammainc(c), nextafter, the activations' gradients
  return a;
}

FLINT_HD inline bool binaryBool(int code, bool a, bool b, int& err) {
  switch (code) {
    case B_ADD: return a || b;
    case B_SUB: return a != b;  // (bool)((uint32_t)a - (uint32_t)b): nonzero exactly when they differ
    case B_MUL: return a && b;
    case B_MAXIMUM: return a || b;
    case B_MINIMUM: return a && b;
    case B_BITWISE_AND: return a && b;  // torch.bitwise_and of bool tensors is logical
    case B_BITWISE_OR: return a || b;
    case B_BITWISE_XOR: return a != b;
  }
  err |= E_BAD_CODE;  // div, pow, remainder, floorDivide, atan2, zeta, gammainc(c), the activations' gradients
  return a;
}

/** A non-comparison binary op in compute type C (floating, integer or bool). */
template <class C, bool WithSpecial = true> FLINT_EW_INLINE C binaryValue(int code, C a, C b, int& err) {
  if constexpr (std::is_floating_point<C>::value) return binaryFloat<C, WithSpecial>(code, a, b, err);
  else if constexpr (std::is_same<C, bool>::value) return binaryBool(code, a, b, err);
  else return binaryInt<C>(code, a, b, err);
}

// ---- fill-like outputs ------------------------------------------------------------------------------

FLINT_HD inline double arangeAt(double start, double step, int64_t i) { return start + (double)i * step; }
// torch.linspace: the first half counts up from start, the second half down from end, so both
// ends are exact.
FLINT_HD inline double linspaceAt(double start, double end, int64_t n, int64_t i) {
  const double step = n > 1 ? (end - start) / (double)(n - 1) : 0.0;
  return n == 1 ? start : i < n / 2 ? start + step * (double)i : end - step * (double)(n - 1 - i);
}

#undef FLINT_EW_NONE3
#undef FLINT_EW_NONE4
#undef FLINT_EW_ENUM3
#undef FLINT_EW_ENUM4

}  // namespace ew
}  // namespace flint

// ---- host side: what the CPU op and the GPU entry share before any element is touched --------------
#if !defined(FLINT_KERNELS)
#include <string>
#include "error.h"
#include "tensor.h"

namespace flint {
namespace ew {

inline bool isFloating(DType dt) { return dt == DType::F32 || dt == DType::F64 || dt == DType::F16 || dt == DType::BF16; }

/** The ElemParams of a unary call (p[0] is the code); integer clamp needs all four (param() throws). */
inline ElemParams elemParams(const OpCall& c, int code, bool floating) {
  ElemParams p{};
  for (int i = 0; i < 4; i++) p.p[i] = !floating && code == U_CLAMP ? c.param(i + 1) : i + 1 < c.np ? c.p[i + 1] : 0.0;
  return p;
}

[[noreturn]] inline void failUndefined(const char* kind, int code, DType dt) {
  fail(ErrorKind::DType, std::string(kind) + " op " + std::to_string(code) + " is not defined for " + dtypeName(dt));
}

/** Throws the error that the integer ops' bits stand for (both devices say the same). */
[[noreturn]] inline void failElementwiseBits(int bits) {
  if (bits & E_REM_ZERO) fail(ErrorKind::Value, "remainder: integer division by zero");
  if (bits & E_FDIV_ZERO) fail(ErrorKind::Value, "floorDivide: integer division by zero");
  if (bits & E_POW_NEG) fail(ErrorKind::Value, "pow: integers to negative integer powers are not allowed");
  fail(ErrorKind::DType, "binary: op code not defined for the operands' dtype");
}

}  // namespace ew
}  // namespace flint
#endif
