// special.h — DESIGN: the special functions of torch.special (lgamma, digamma, polygamma, Hurwitz
// zeta, erfc, erfcx, erfinv, ndtri, log_ndtr, the modified Bessel functions i0, i0e, i1, i1e) for
// the elementwise unary/binary rows of elementwise.h, written once for the host and the GPU (FLINT_HD).
//
// Every function computes in double; the float rows (float32, and float16/bfloat16 through float)
// call the double version and round once, so float results are within one rounding of the exact
// value (torch 1.13's float kernels are within a few ulps). On the GPU each function is a real call
// (FLINT_SP_NOINLINE): the unary kernel switches on the op code per element, and inlining these
// loops there would raise the register count, and so lower the occupancy, of every other unary op.
//
// Methods (derived from the mathematics; constants are exact Bernoulli-number values or cited):
// - lgamma: the C library's (lgamma_r on the host, thread-safe; the device libm on the GPU).
// - digamma: ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the asymptotic series
//   ψ(x) ~ ln x − 1/(2x) − Σ B_2k / (2k x^2k) (k ≤ 7; remainder < 1e-17 there); x < 0 by the
//   reflection ψ(x) = ψ(1−x) − π cot(πx), with πx reduced by the nearest integer so that it is exact.
// - zeta(s, q) = Σ_{k≥0} (q+k)^−s: the direct sum up to w = q+N ≥ max(10, s), then Euler–Maclaurin,
//   (q+N)^{1−s}/(s−1) + (q+N)^{−s}/2 + Σ_j B_2j/(2j)! · s(s+1)…(s+2j−2) · (q+N)^{−s−2j+1}, j ≤ 12.
//   Below 0 (integer s), s = 2, 3 by reflection formulas and s ≥ 4 without the negligible far terms,
//   so that no q costs |q| steps. polygamma(n, x) = (−1)^{n+1} n! ζ(n+1, x) for n ≥ 1; n = 0 is digamma.
// - erfcx(x) = e^{x²} erfc(x): e^{x²} with x² split exactly (fma), times the library's erfc, for
//   x < 26; the asymptotic series 1/(x√π) Σ (−1)^k (2k−1)!!/(2x²)^k above (terms < 1e-19 by k = 9);
//   x < 0 by erfcx(x) = 2e^{x²} − erfcx(−x).
// - erfinv / ndtri: a starting value, then Halley steps on erf(y) − a (or, for a > 1/2, on the
//   exactly known 1 − a minus erfc(y), so that no digit of 1 − a is lost), or for 1 − a < 1e-7
//   Newton steps on log erfc(y) − log(1 − a) = log erfcx(y) − y² − log(1 − a) (which stays finite
//   down to the smallest subnormal). The starting value is M. Giles' single-precision polynomial
//   ("Approximating the erfinv function", GPU Computing Gems Jade Edition, 2011, ch. 10; the
//   published coefficients), or y² ≈ L − ½ln(πL), L = −ln(1 − a), from erfc(y) ~ e^{−y²}/(y√π).
// - log_ndtr(x) = log Φ(x): log1p(−erfc(x/√2)/2) for x ≥ −1, else log(erfcx(−x/√2)/2) − x²/2.
// - I0, I1 (and the scaled e^{−|x|} forms): the power series Σ (x²/4)^k / (k!(k+ν)!) (all terms
//   positive) for |x| ≤ 20, else the asymptotic series e^x/√(2πx) Σ_k t_k, t_k = t_{k−1}·((2k−1)² −
//   4ν²)/(8kx) (Abramowitz & Stegun 9.7.1), summed while its terms decrease (< 1e-17 for |x| > 20).
//   As torch 1.13: i0(±inf) and i1(±inf) are NaN, the scaled forms 0.
//
// Special values follow torch 1.13 (checked in test/special.test.ts): lgamma at 0 and the negative
// integers +inf; digamma(±0) = ∓inf, NaN at the negative integers and −inf; erfinv(±1) = ±inf, NaN
// beyond; ndtri(0) = −inf, ndtri(1) = inf; zeta(1, q) = inf, zeta(s < 1, q) = NaN, zeta(s, q ≤ 0
// integer) = inf, zeta(s non-integer, q < 0) = NaN. Deliberate differences are listed in bench/FIDELITY.md.
#pragma once
#include <cmath>
#include "hd.h"
#include "libm.h"

#if defined(__CUDACC__) || defined(__HIPCC__)
#define FLINT_SP_NOINLINE __noinline__
#else
#define FLINT_SP_NOINLINE
#endif

namespace flint {
namespace sp {

constexpr double kPi = 3.14159265358979323846;
constexpr double kSqrtPi = 1.77245385090551602730;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kLn2 = 0.69314718055994530942;
constexpr double kEps = 1.1102230246251565e-16;  // 2^-53

// compiler builtins, not <cmath>'s HUGE_VAL / NAN macros: hiprtc and NVRTC compile these kernels
// without the C library's headers
FLINT_HD inline double inf() { return __builtin_huge_val(); }
FLINT_HD inline double nan() { return __builtin_nan(""); }

FLINT_HD inline double lgammaD(double x) {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
  return ::lgamma(x);
#else
  int sign;
  return ::lgamma_r(x, &sign);  // glibc's lgamma writes the global signgam: a race across the CPU's threads
#endif
}

FLINT_HD FLINT_SP_NOINLINE inline double digammaD(double x) {
  if (x != x) return x;
  if (x == 0) return ::copysign(inf(), -x);
  if (x == inf()) return x;
  double acc = 0;
  if (x < 0) {
    if (x == ::floor(x)) return nan();  // the poles, and −inf
    const double f = x - ::rint(x);  // exact, in [-1/2, 1/2]; tan(πx) = tan(πf)
    acc = f == 0.5 || f == -0.5 ? 0 : -kPi / ::tan(kPi * f);  // cot(±π/2) = 0 exactly
    x = 1 - x;
  }
  while (x < 10) { acc -= 1 / x; x += 1; }
  const double z = 1 / (x * x);
  // −Σ_{k=1..7} B_2k/(2k) z^k, B_2..B_14 = 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730, 7/6
  const double tail = z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
  return acc + ::log(x) - 0.5 / x - tail;
}

/** Σ_{k≥0} (q+k)^−s for s > 1 and q not a pole: the direct sum, then Euler–Maclaurin (no recursion). */
FLINT_HD inline double zetaSum(double s, double q) {
  // B_2j / (2j)!, j = 1..12
  const double c[12] = {8.3333333333333329e-02, -1.3888888888888889e-03, 3.3068783068783071e-05, -8.2671957671957675e-07,
                        2.08767569878681e-08, -5.2841901386874932e-10, 1.3382536530684679e-11, -3.3896802963225827e-13,
                        8.5860620562778452e-15, -2.1748686985580619e-16, 5.5090028283602295e-18, -1.3954464685812525e-19};
  double sum = 0, w = q;
  const double wmin = s > 10 ? s : 10;
  while (w < wmin) {
    const double t = ::pow(w, -s);
    sum += t;
    w += 1;
    if (w > 1 && ::fabs(t) <= kEps * 0.25 * ::fabs(sum)) return sum;  // large s: the rest is below the last bit
  }
  const double ws = ::pow(w, -s);
  sum += w * ws / (s - 1) + 0.5 * ws;
  double fac = s, pw = ws / w;
  const double w2 = w * w;
  for (int j = 0; j < 12; j++) {
    const double t = c[j] * fac * pw;
    sum += t;
    if (::fabs(t) <= kEps * 0.25 * ::fabs(sum)) break;
    fac *= (s + 2 * j + 1) * (s + 2 * j + 2);
    pw /= w2;
  }
  return sum;
}

/** Hurwitz zeta ζ(s, q) = Σ_{k≥0} (q+k)^−s (torch.special.zeta(s, q)). */
FLINT_HD FLINT_SP_NOINLINE inline double zetaD(double s, double q) {
  // torch 1.13's order: s = 1 is inf and s < 1 NaN whatever q is
  if (s == 1) return inf();
  if (s < 1 || s != s) return nan();
  if (q != q) return q;
  if (q < 0) {
    if (q == ::floor(q)) return inf();
    if (s != ::floor(s)) return nan();  // (q+k)^−s of a negative base
    // far below 0 the sum would take |q| terms: s = 2, 3 by the reflections (from ψ(1−x) − ψ(x) = π cot πx)
    //   ζ(2, q) = π²/sin²(πq) − ζ(2, 1−q),   ζ(3, q) = ζ(3, 1−q) + π³ cos(πq)/sin³(πq)
    // with πq reduced exactly; s ≥ 4 leaves out the terms |q+k| > R, which sum to < eps·2^s (the term
    // nearest the pole is ≥ 2^s)
    const double f = q - ::rint(q), sn = ::sin(kPi * f);
    if (s == 2) return kPi * kPi / (sn * sn) - zetaSum(2, 1 - q);
    // cos(πf) as sin(π(1/2 − |f|)), exact at the half-integers (where the term is 0) and near them
    if (s == 3) return zetaSum(3, 1 - q) + kPi * kPi * kPi * ::sin(kPi * (0.5 - ::fabs(f))) / (sn * sn * sn);
    const double R = ::pow(kEps * (s - 1) * 0.5, -1 / (s - 1)) + 1;
    if (-q > R) q += ::floor(-q - R);  // exact: an integer added to q, toward 0
  } else if (q == 0) {
    return inf();
  }
  return zetaSum(s, q);
}

/** ψ^(n)(x): digamma for n = 0, else (−1)^{n+1} n! ζ(n+1, x); n a non-negative integer (checked in lib/). */
FLINT_HD inline double polygammaD(double n, double x) {
  if (n == 0) return digammaD(x);
  if (n == 1 && (x == inf() || x == -inf())) return x > 0 ? 0 : nan();  // torch 1.13's trigamma (ζ(s, inf) is NaN there)
  double fact = 1;
  for (double k = 2; k <= n && fact < inf(); k += 1) fact *= k;
  const double z = zetaD(n + 1, x);
  return (::fmod(n, 2.0) == 1 ? fact : -fact) * z;
}

/** erfc in double (the C library's, host and device). */
FLINT_HD inline double erfcD(double x) { return ::erfc(x); }

/** erfcx(x) for x ≥ 0 (no recursion: a recursive device function has no static stack size for ptxas). */
FLINT_HD inline double erfcxNonNeg(double x) {
  if (x < 26) {
    const double hi = x * x, lo = ::fma(x, x, -hi);
    return ::erfc(x) * ::exp(hi) * (1 + lo);
  }
  // 1/(x√π) Σ_k (−1)^k (2k−1)!!/(2x²)^k
  const double r = 1 / (2 * x * x);
  double t = 1, sum = 1;
  for (int k = 1; k <= 10; k++) { t *= -(2 * k - 1) * r; sum += t; }
  return sum / (x * kSqrtPi);
}

FLINT_HD FLINT_SP_NOINLINE inline double erfcxD(double x) {
  if (x != x) return x;
  if (x >= 0) return erfcxNonNeg(x);
  if (x < -26.7) return inf();  // 2e^{x²} overflows
  const double hi = x * x, lo = ::fma(x, x, -hi);
  return 2 * ::exp(hi) * (1 + lo) - erfcxNonNeg(-x);
}

/** y ≥ 0 with erf(y) = a, given a = |x| ≤ 1 and c = 1 − a (exact where a > 1/2). */
FLINT_HD FLINT_SP_NOINLINE inline double erfinvCore(double a, double c) {
  if (a == 0) return 0;
  if (c <= 0) return inf();
  double y;
  if (c < 1e-7) {
    // Newton on h(y) = log erfcx(y) − y² − log c, h'(y) = −2 / (√π erfcx(y))
    const double L = -::log(c);
    y = ::sqrt(L - 0.5 * ::log(kPi * L));
    for (int i = 0; i < 8; i++) {
      const double ex = erfcxD(y);
      const double hi = y * y, lo = ::fma(y, y, -hi);
      const double h = ::log(ex) - hi - lo + L;
      const double d = h * kSqrtPi * ex * 0.5;
      y += d;
      if (::fabs(d) <= 1e-17 * y) break;
    }
    return y;
  }
  // M. Giles (2011), single precision: erfinv(a) ≈ a·p(w), w = −log((1−a)(1+a))
  double w = -::log(c) - ::log1p(a), p;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w; p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w; p = -0.00417768164 + p * w; p = 0.246640727 + p * w; p = 1.50140941 + p * w;
  } else {
    w = ::sqrt(w) - 3;
    p = -0.000200214257;
    p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w; p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w; p = 0.00943887047 + p * w; p = 1.00167406 + p * w; p = 2.83297682 + p * w;
  }
  y = p * a;
  // Halley on f(y) = erf(y) − a (= c − erfc(y)), f' = 2/√π e^{−y²}, f'' = −2y f'
  for (int i = 0; i < 3; i++) {
    const double f = a <= 0.5 ? ::erf(y) - a : c - ::erfc(y);
    const double u = f / (kTwoOverSqrtPi * ::exp(-y * y));
    const double d = u / (1 + y * u);
    y -= d;
    if (::fabs(d) <= 1e-17 * y) break;
  }
  return y;
}

FLINT_HD inline double erfinvD(double x) {
  if (x != x) return x;
  const double a = ::fabs(x);
  if (a > 1) return nan();
  if (x == 0) return x;  // keeps −0
  const double y = erfinvCore(a, 1 - a);
  return x < 0 ? -y : y;
}

/** Φ⁻¹(p) = √2 erfinv(2p − 1), with 2p (or 2(1 − p)) as the exact distance to the ends. */
FLINT_HD inline double ndtriD(double p) {
  if (p != p) return p;
  if (p < 0 || p > 1) return nan();
  if (p == 0.5) return 0;
  if (p < 0.5) return -kSqrt2 * erfinvCore(1 - 2 * p, 2 * p);
  return kSqrt2 * erfinvCore(2 * p - 1, 2 * (1 - p));
}

FLINT_HD inline double logNdtrD(double x) {
  if (x != x) return x;
  if (x < -1) return ::log(erfcxD(-x * kSqrt1_2) * 0.5) - x * x * 0.5;
  return ::log1p(-0.5 * ::erfc(x * kSqrt1_2));
}

/** I_ν(x) for ν = 0, 1, times e^{−|x|} when `scaled`. */
FLINT_HD FLINT_SP_NOINLINE inline double besselI(int nu, double x, bool scaled) {
  if (x != x) return x;
  const double ax = ::fabs(x);
  double v;
  if (ax <= 20) {
    const double q = 0.25 * x * x;
    double t = 1, sum = 1;
    for (int k = 1; k < 200; k++) {
      t *= q / ((double)k * (double)(k + nu));
      sum += t;
      if (t <= kEps * 0.25 * sum) break;
    }
    v = nu ? 0.5 * ax * sum : sum;
    if (scaled) v *= ::exp(-ax);
  } else {
    const double mu = 4.0 * nu * nu;
    double t = 1, sum = 1;
    for (int k = 1; k < 100; k++) {
      const double next = t * ((2 * k - 1) * (2 * k - 1) - mu) / (8 * k * ax);
      if (::fabs(next) >= ::fabs(t)) break;  // the asymptotic series' smallest term
      t = next;
      sum += t;
      if (::fabs(t) <= kEps * 0.25 * ::fabs(sum)) break;
    }
    const double s = sum / ::sqrt(2 * kPi * ax);
    if (scaled) v = s;
    else { const double e = ::exp(0.5 * ax); v = e * (e * s); }
  }
  return nu && x < 0 ? -v : v;
}

/**
 * The regularized incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) (`upper` false) and Q = 1 − P
 * (torch.special.gammainc / gammaincc). x < a + 1: the series γ(a, x) = x^a e^{−x} Σ_n x^n / (a(a+1)…(a+n));
 * else Legendre's continued fraction Γ(a, x) = x^a e^{−x} / (x+1−a − 1(1−a)/(x+3−a − 2(2−a)/(x+5−a − …)))
 * by the modified Lentz method; the other one as 1 minus it (it is the larger there, so no digit is lost).
 * The prefactor x^a e^{−x}/Γ(a) is exp(a ln x − x − lgamma(a)): ~1e-13 relative for a ≤ 100, and its
 * exponent's rounding (~1e-16·a·ln a) beyond (torch uses Temme's uniform expansion there).
 */
FLINT_HD FLINT_SP_NOINLINE inline double igammaD(double a, double x, bool upper) {
  if (a != a || x != x || a < 0 || x < 0) return nan();
  if (a == 0) return x > 0 ? (upper ? 0.0 : 1.0) : nan();
  if (x == 0) return upper ? 1.0 : 0.0;
  if (a == inf()) return x == inf() ? nan() : (upper ? 1.0 : 0.0);
  if (x == inf()) return upper ? 0.0 : 1.0;
  const double lpre = a * ::log(x) - x - lgammaD(a);
  if (x < a + 1) {
    double term = 1 / a, sum = term;
    for (int n = 1; n < 100000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term <= kEps * 0.25 * sum) break;
    }
    const double p = ::exp(lpre) * sum;
    return upper ? 1 - p : p;
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; i++) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (::fabs(del - 1) <= kEps) break;
  }
  const double q = ::exp(lpre) * h;
  return upper ? q : 1 - q;
}

}  // namespace sp
}  // namespace flint
