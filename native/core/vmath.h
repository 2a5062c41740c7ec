// vmath.h — branch-free float exp, tanh, sigmoid and erf for the CPU loops, written so that the
// compiler vectorises a loop that calls them (libm.h routes the host's float m_exp / m_tanh / m_erf
// here; double keeps libm, the GPU kernels keep the device math), and forEachVec, which runs a loop
// body compiled for the widest vector ISA the CPU has (AVX-512, AVX2, or the build's baseline).
//
// Why: glibc's expf / tanhf / erff are scalar calls (erff ~10 ns an element on the development
// machine) and a loop that calls them never vectorises; they were about a fifth of the char
// transformer's and of the LSTM's training step (bench/RESULTS.md section 0).
//
// How: each function computes every branch of its piecewise definition and selects (no branch,
// no call, no table), in plain float multiplies and adds: no FMA, so that the results are the same
// bits on every ISA and every CPU (the build's -ffp-contract=off keeps the compiler from
// contracting). The polynomials were fitted for this file (float64 least squares on Chebyshev
// nodes of the stated interval, coefficients rounded to float). Maximum error against float64,
// measured on every 31st float of the range (glibc's in brackets, same sweep):
//   exp      0.95 ulp (0.50); exp(x) = 2^n e^r, n = round(x / ln2), |r| <= ln2/2 (Cody-Waite),
//            e^r = 1 + r + r^2 P(r); 2^n applied in two halves so that denormal results round once
//   tanh     1.3 ulp (2.2); |x| < 0.625: x + x^3 P(x^2); else 1 - 2 / (exp(2|x|) + 1)
//   sigmoid  2.5 ulp (2.5: the same expression over expf); 1 / (1 + exp(-x))
//   erf      2.5 ulp (0.97); |x| < 1: x P(x^2); else 1 - exp(-x^2 + Q(x)), Q a fit of log(erfc x) + x^2
// test/vmath.test.ts checks these (with a margin) on dense sweeps on every ISA copy.
// Special values are libm's: ±0 keep their sign (exp(±0) = 1), ±inf give exp 0 / inf, tanh and erf
// ±1, sigmoid 0 / 1; NaN propagates; exp overflows to inf exactly where expf does (x > 88.7228...)
// and its denormal range rounds once.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace flint {
namespace vm {

// FLINT_VM_INLINE_LAMBDA: after a lambda's parameter list, for loop bodies that must inline into
// forEachVec's copies (g++'s heuristics may keep a large body as a call per element).
#if defined(__GNUC__) || defined(__clang__)
#define FLINT_VM_INLINE inline __attribute__((always_inline))
#define FLINT_VM_INLINE_LAMBDA __attribute__((always_inline))
#else
#define FLINT_VM_INLINE inline
#define FLINT_VM_INLINE_LAMBDA
#endif

FLINT_VM_INLINE uint32_t bits(float x) { uint32_t u; std::memcpy(&u, &x, 4); return u; }
FLINT_VM_INLINE float fromBits(uint32_t u) { float x; std::memcpy(&x, &u, 4); return x; }
// c ? a : b as a bit blend: under the default -ftrapping-math, g++ keeps a float ?: whose arms
// compute as a branch (no vectorisation below AVX-512's masks); a blend of computed values has none.
FLINT_VM_INLINE float select(bool c, float a, float b) {
  const uint32_t m = 0u - (uint32_t)c;
  return fromBits((bits(a) & m) | (bits(b) & ~m));
}
// |mag| with the sign of s (NaN stays NaN)
FLINT_VM_INLINE float withSignOf(float mag, float s) { return fromBits((bits(mag) & 0x7fffffffu) | (bits(s) & 0x80000000u)); }

// Horner's rule, highest coefficient first: poly(x, c_n, ..., c_0) = (...(c_n x + c_{n-1}) x ...) x + c_0,
// one multiply and one add per step, in that order (no FMA: -ffp-contract=off), on every ISA.
FLINT_VM_INLINE float poly(float, float p) { return p; }
template <class... C> FLINT_VM_INLINE float poly(float x, float p, float c, C... rest) { return poly(x, p * x + c, rest...); }

FLINT_VM_INLINE float exp(float x) {
  // Clamp to where the result is 0 or inf anyway (NaN fails both tests and stays NaN): then n
  // stays in [-150, 128] and every integer below is small.
  float xc = select(x > 89.0f, 89.0f, x);
  xc = select(xc < -104.0f, -104.0f, xc);
  // n = round(x / ln2) with the 1.5 * 2^23 trick: its integer sits in the low mantissa bits.
  const float magic = 12582912.0f;
  const float t = xc * 1.44269504088896341f + magic;
  const float n = t - magic;
  const int32_t ni = (int32_t)(bits(t) - bits(magic));
  // r = x - n ln2 in two parts: n * 0.693359375 is exact (n has 8 bits, the constant 9).
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440054690583e-4f;
  const float r2 = r * r;
  const float p = poly(r, 1.98264955543e-4f, 1.39460212085e-3f, 8.33342969417572e-3f, 4.16662693023682e-2f,
                       1.66666656732559e-1f, 0.5f);
  const float y = 1.0f + (r + r2 * p);
  // 2^n = 2^n1 2^n2 (each a normal float for n in [-150, 128]): y * 2^n1 is exact, the second
  // product rounds once, to a denormal, zero or inf where the result is one.
  const int32_t n1 = ni >> 1, n2 = ni - n1;
  const float s1 = fromBits((uint32_t)(n1 + 127) << 23), s2 = fromBits((uint32_t)(n2 + 127) << 23);
  return y * s1 * s2;
}

FLINT_VM_INLINE float tanh(float x) {
  const float a = withSignOf(x, 0.0f);
  const float u = a * a;
  const float p = poly(u, 2.13822629302740e-3f, -8.17178841680288e-3f, 2.16982103884220e-2f, -5.39462529122829e-2f,
                       1.33332014083862e-1f, -3.33333313465118e-1f);
  const float small = a + a * u * p;
  const float large = 1.0f - 2.0f / (vm::exp(2.0f * a) + 1.0f);  // NaN stays NaN
  return withSignOf(select(a < 0.625f, small, large), x);
}

FLINT_VM_INLINE float sigmoid(float x) { return 1.0f / (1.0f + vm::exp(-x)); }

FLINT_VM_INLINE float erf(float x) {
  const float a = withSignOf(x, 0.0f);
  const float u = a * a;
  const float p = poly(u, 7.88249744800851e-5f, -8.01885500550270e-4f, 5.18931215628982e-3f, -2.68543288111687e-2f,
                       1.12835973501205e-1f, -3.76126259565353e-1f, 1.12837910652161f);
  const float small = a * p;
  // erf rounds to 1 from 3.92 on: clamp at 4 (NaN stays NaN); Q on t = (a - 2.5) / 1.5 in [-1, 1]
  const float ac = select(a > 4.0f, 4.0f, a);
  const float t = (ac - 2.5f) * 0.666666686534881592f;
  const float q = poly(t, 4.13666348322295e-5f, -2.27403419557959e-4f, 8.81570857018232e-4f, -3.19047272205353e-3f,
                       1.09611237421632e-2f, -3.66474948823452e-2f, 1.26239314675331e-1f, -5.29021024703979e-1f,
                       -1.55681526660919f);
  const float large = 1.0f - vm::exp(q - ac * ac);
  return withSignOf(select(a < 1.0f, small, large), x);
}

// ---- running a loop on the widest vector ISA the CPU has -----------------------------------------
// The addon is compiled for the architecture's baseline (x86-64: SSE2), so that one binary runs on
// every CPU. forEachVec(n, body) runs `for i < n: body(i)` compiled three times on x86-64 (AVX-512,
// AVX2 + FMA, baseline) and picks one by the CPU at the first call: body and what it calls inline
// into each copy (a callee without a target attribute inlines into one with a wider ISA). Other
// architectures (arm64: NEON is its baseline) and compilers run the plain loop. Numerics do not
// depend on the choice: vectors and scalars round every operation alike, and -ffp-contract=off
// keeps the compiler from fusing a multiply and an add on the FMA copies.
// FLINT_CPU_ISA=base|avx2|avx512 caps the choice (for tests and comparisons; it never raises it past
// what the CPU reports; another value is ignored, and isaEnvNote() says so for backend.info() and
// `flintml doctor`, as FLINT_BACKEND's search log does for its own bad values).
enum Isa { kIsaBase = 0, kIsaAvx2 = 1, kIsaAvx512 = 2 };

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__) && !defined(__HIPCC__)
#define FLINT_VM_X86 1
#define FLINT_VM_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define FLINT_VM_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#endif

inline int detectIsa() {
  int best = kIsaBase;
#ifdef FLINT_VM_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    best = kIsaAvx2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq"))
      best = kIsaAvx512;
  }
#endif
  if (const char* e = std::getenv("FLINT_CPU_ISA")) {
    const int want = !std::strcmp(e, "base") ? kIsaBase : !std::strcmp(e, "avx2") ? kIsaAvx2 : !std::strcmp(e, "avx512") ? kIsaAvx512 : best;
    if (want < best) best = want;
  }
  return best;
}
/** The ISA forEachVec runs (kIsaBase off x86-64), chosen once. */
inline int cpuIsa() {
  static const int isa = detectIsa();
  return isa;
}
inline const char* isaName(int isa) { return isa == kIsaAvx512 ? "avx512" : isa == kIsaAvx2 ? "avx2" : "base"; }
/** "" or why FLINT_CPU_ISA did not apply as written (a value that is not one of the three). */
inline std::string isaEnvNote() {
  const char* e = std::getenv("FLINT_CPU_ISA");
  if (!e || !std::strcmp(e, "base") || !std::strcmp(e, "avx2") || !std::strcmp(e, "avx512")) return "";
  return std::string("FLINT_CPU_ISA=") + e + " is not one of base, avx2, avx512: ignored";
}

// Independent: the caller promises that no iteration reads or writes what another one writes (no
// run-time alias checks; g++ gives up on loops with more streams than its check budget, such as the
// LSTM cell's six outputs). Otherwise the compiler checks the pointers' overlap at run time. (clang
// vectorises the simple loops either way; the LSTM cell's it leaves scalar.)
#if defined(__GNUC__) && !defined(__clang__)
#define FLINT_VM_LOOP(Independent)                                  \
  if (Independent) {                                                \
    _Pragma("GCC ivdep") for (int64_t i = 0; i < n; i++) f(i);      \
  } else {                                                          \
    for (int64_t i = 0; i < n; i++) f(i);                           \
  }
#else
#define FLINT_VM_LOOP(Independent) for (int64_t i = 0; i < n; i++) f(i);
#endif

template <bool Independent, class F> void forEachBase(int64_t n, F& f) { FLINT_VM_LOOP(Independent) }
#ifdef FLINT_VM_X86
template <bool Independent, class F> FLINT_VM_TARGET_AVX2 void forEachAvx2(int64_t n, F& f) { FLINT_VM_LOOP(Independent) }
template <bool Independent, class F> FLINT_VM_TARGET_AVX512 void forEachAvx512(int64_t n, F& f) { FLINT_VM_LOOP(Independent) }
#endif
#undef FLINT_VM_LOOP

/** for (i = 0; i < n; i++) body(i), compiled for the CPU's widest vectors (above). */
template <bool Independent = false, class F> inline void forEachVec(int64_t n, F body) {
#ifdef FLINT_VM_X86
  switch (cpuIsa()) {
    case kIsaAvx512: forEachAvx512<Independent>(n, body); return;
    case kIsaAvx2: forEachAvx2<Independent>(n, body); return;
  }
#endif
  forEachBase<Independent>(n, body);
}

// runVec(body): body() compiled for the CPU's widest vectors, as forEachVec's loop is, for kernels
// made of several short loops (a layer norm's row of 96: two sums and a scale), where a dispatch
// per loop would cost more than the loop and the loops outside forEachVec would stay on the
// baseline ISA. body and everything it calls must inline (FLINT_VM_INLINE, FLINT_VM_INLINE_LAMBDA);
// the numerics rules are forEachVec's.
template <class F> void runBase(F& f) { f(); }
#ifdef FLINT_VM_X86
template <class F> FLINT_VM_TARGET_AVX2 void runAvx2(F& f) { f(); }
template <class F> FLINT_VM_TARGET_AVX512 void runAvx512(F& f) { f(); }
#endif
template <class F> inline void runVec(F body) {
#ifdef FLINT_VM_X86
  switch (cpuIsa()) {
    case kIsaAvx512: runAvx512(body); return;
    case kIsaAvx2: runAvx2(body); return;
  }
#endif
  runBase(body);
}

// Σ f(i), i < n, in double, in 8 fixed partial lanes (element i in lane i mod 8), combined pairwise:
// one chain of dependent double additions per row costs more than the row's other work, and lanes
// vectorise. The lanes are fixed, so the result is the same on every ISA.
template <class F> FLINT_VM_INLINE double laneSum(int64_t n, F f) {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++) l[k] += f(i + k);
  for (int k = 0; i < n; i++, k++) l[k] += f(i);
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

}  // namespace vm
}  // namespace flint
