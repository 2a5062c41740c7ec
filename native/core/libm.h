// libm.h — the C math functions by precision: m_exp(float) is expf, m_exp(double) is exp, so that
// templates over the compute type pick the right one. FLINT_HD: the device math of nvcc/hipcc in
// kernels, the host libm on the CPU (the same functions the CPU loops called through std::), except
// the host's float exp, tanh and erf: vmath.h's branch-free versions, which vectorise in the CPU
// loops (glibc's are scalar calls); within 2.5 ulp, libm's special values (vmath.h).
// Included by the per-family op headers (elementwise.h) and by kernels (reduce.cu, softmax.cu).
#pragma once
#include <cmath>
#include "hd.h"
#if !defined(__CUDACC__) && !defined(__HIPCC__)
#include "vmath.h"
#define FLINT_HOST_VMATH 1
#endif

namespace flint {

#define FLINT_LIBM1(name)                                             \
  FLINT_HD inline float m_##name(float x) { return name##f(x); }     \
  FLINT_HD inline double m_##name(double x) { return name(x); }
FLINT_LIBM1(fabs) FLINT_LIBM1(log) FLINT_LIBM1(log1p) FLINT_LIBM1(expm1) FLINT_LIBM1(sqrt)
FLINT_LIBM1(sin) FLINT_LIBM1(cos) FLINT_LIBM1(tan) FLINT_LIBM1(atan) FLINT_LIBM1(asin) FLINT_LIBM1(acos)
FLINT_LIBM1(sinh) FLINT_LIBM1(cosh) FLINT_LIBM1(floor) FLINT_LIBM1(ceil)
FLINT_LIBM1(rint) FLINT_LIBM1(trunc) FLINT_LIBM1(log2) FLINT_LIBM1(log10) FLINT_LIBM1(exp2)
#undef FLINT_LIBM1
#ifdef FLINT_HOST_VMATH
FLINT_VM_INLINE float m_exp(float x) { return vm::exp(x); }
FLINT_VM_INLINE float m_tanh(float x) { return vm::tanh(x); }
FLINT_VM_INLINE float m_erf(float x) { return vm::erf(x); }
#else
FLINT_HD inline float m_exp(float x) { return expf(x); }
FLINT_HD inline float m_tanh(float x) { return tanhf(x); }
FLINT_HD inline float m_erf(float x) { return erff(x); }
#endif
FLINT_HD inline double m_exp(double x) { return exp(x); }
FLINT_HD inline double m_tanh(double x) { return tanh(x); }
FLINT_HD inline double m_erf(double x) { return erf(x); }
#define FLINT_LIBM2(name)                                                       \
  FLINT_HD inline float m_##name(float x, float y) { return name##f(x, y); }  \
  FLINT_HD inline double m_##name(double x, double y) { return name(x, y); }
FLINT_LIBM2(fmod) FLINT_LIBM2(pow) FLINT_LIBM2(atan2) FLINT_LIBM2(copysign)
#undef FLINT_LIBM2

}  // namespace flint
