// libm.h — the C math functions by precision: m_exp(float) is expf, m_exp(double) is exp, so that
// templates over the compute type pick the right one. FLINT_HD: the device math of nvcc/hipcc in
// kernels, the host libm on the CPU (the same functions the CPU loops called through std::), except
// the host's float exp, tanh and erf: vmath.h's branch-free versions, which vectorise in the CPU
// loops (glibc's are scalar calls); within 2.5 ulp, libm's special values (vmath.h).
// Kernels built for the CPU emulator (test/emu) take a third branch: a model of CUDA's device math.
// Included by the per-family op headers (elementwise.h) and by kernels (reduce.cu, softmax.cu).
#pragma once
#include <cmath>
#include "hd.h"
#if !defined(__CUDACC__) && !defined(__HIPCC__) && !defined(FLINT_EMU_DEVICE_MATH)
#include "vmath.h"
#define FLINT_HOST_VMATH 1
#endif

namespace flint {

#if defined(FLINT_EMU_DEVICE_MATH)
// Kernels compiled for the CPU emulator of the CUDA driver (test/emu; its force-included emu_cuda.h
// defines FLINT_EMU_DEVICE_MATH): a model of CUDA's device math, so that the emulated GPU's results
// differ from the CPU's as a GPU's may. emu_math's functions return the correctly rounded value
// moved by a deterministic number of ulps within CUDA's documented bound for that function (the
// table and its source are in emu_cuda.h); the exact functions are the host's.
#define FLINT_LIBM1(name)                                           \
  inline float m_##name(float x) { return name##f(x); }            \
  inline double m_##name(double x) { return name(x); }
FLINT_LIBM1(fabs) FLINT_LIBM1(floor) FLINT_LIBM1(ceil) FLINT_LIBM1(rint) FLINT_LIBM1(trunc)
#undef FLINT_LIBM1
#define FLINT_LIBM1(name)                                                  \
  inline float m_##name(float x) { return emu_math::name(x); }            \
  inline double m_##name(double x) { return emu_math::name(x); }
FLINT_LIBM1(exp) FLINT_LIBM1(log) FLINT_LIBM1(log1p) FLINT_LIBM1(expm1) FLINT_LIBM1(sqrt)
FLINT_LIBM1(sin) FLINT_LIBM1(cos) FLINT_LIBM1(tan) FLINT_LIBM1(atan) FLINT_LIBM1(asin) FLINT_LIBM1(acos)
FLINT_LIBM1(sinh) FLINT_LIBM1(cosh) FLINT_LIBM1(log2) FLINT_LIBM1(log10) FLINT_LIBM1(exp2)
FLINT_LIBM1(tanh) FLINT_LIBM1(erf) FLINT_LIBM1(asinh) FLINT_LIBM1(acosh) FLINT_LIBM1(atanh)
#undef FLINT_LIBM1
inline float m_pow(float x, float y) { return emu_math::pow(x, y); }
inline double m_pow(double x, double y) { return emu_math::pow(x, y); }
inline float m_atan2(float x, float y) { return emu_math::atan2(x, y); }
inline double m_atan2(double x, double y) { return emu_math::atan2(x, y); }
inline float m_fmod(float x, float y) { return fmodf(x, y); }
inline double m_fmod(double x, double y) { return fmod(x, y); }
inline float m_copysign(float x, float y) { return copysignf(x, y); }
inline double m_copysign(double x, double y) { return copysign(x, y); }
#else

#define FLINT_LIBM1(name)                                             \
  FLINT_HD inline float m_##name(float x) { return name##f(x); }     \
  FLINT_HD inline double m_##name(double x) { return name(x); }
FLINT_LIBM1(fabs) FLINT_LIBM1(log) FLINT_LIBM1(log1p) FLINT_LIBM1(expm1) FLINT_LIBM1(sqrt)
FLINT_LIBM1(sin) FLINT_LIBM1(cos) FLINT_LIBM1(tan) FLINT_LIBM1(atan) FLINT_LIBM1(asin) FLINT_LIBM1(acos)
FLINT_LIBM1(sinh) FLINT_LIBM1(cosh) FLINT_LIBM1(floor) FLINT_LIBM1(ceil)
FLINT_LIBM1(rint) FLINT_LIBM1(trunc) FLINT_LIBM1(log2) FLINT_LIBM1(log10) FLINT_LIBM1(exp2)
FLINT_LIBM1(asinh) FLINT_LIBM1(acosh) FLINT_LIBM1(atanh)
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
#endif

}  // namespace flint
