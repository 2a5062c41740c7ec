// fft.h — DESIGN: the batched 1-D FFTs, written once for both devices: the complex-to-complex
// transform ("fft") and the real-input forms of even length ("fft_r2c", "fft_c2r"): the plan (which
// radices, or Bluestein), the twiddle and chirp values, one radix-p butterfly of a Stockham stage,
// the real forms' split passes, and the host-side checks. Who includes it: native/cpu/fft.cpp
// (stages looped over the thread pool), native/gpu/ops_fft.cpp (checks, buffers, one launch per
// stage) and native/kernels/fft.cu (one thread per butterfly).
//
//   fft      t[0] out [B, n, 2], t[1] x [B, n, 2]: both contiguous, float32 or float64, one dtype;
//            the last dim holds (re, im). p[0] 1 = inverse (exponent sign +), 0 = forward (sign -).
//            Unnormalized both ways: out[k] = sum_j x[j] exp(sign 2 pi i j k / n); scaling is lib/ops/fft.ts's.
//   fft_r2c  t[0] out [B, n/2 + 1, 2], t[1] x [B, n] real, n even: out[k] = sum_j x[j] exp(-2 pi i j k / n),
//            k <= n/2 (the one-sided forward transform), unnormalized.
//   fft_c2r  t[0] out [B, n] real, t[1] X [B, n/2 + 1, 2], n even: out[j] = sum_{k<n} Xh[k] exp(2 pi i j k / n)
//            with Xh the Hermitian extension of X (Xh[k] = conj X[n - k] for k > n/2) whose zero and
//            n/2 bins are real (their imaginary parts ignored, as torch/pocketfft), unnormalized.
//
// Algorithm: Stockham autosort (no bit reversal; out-of-place stages ping-pong between two
// buffers). n = p_1 * ... * p_k with p in {4, 2, 3, 5}: stage t (radix p, current length L = n / s,
// m = L / p, stride s = p_1 * ... * p_{t-1}) reads a_u = src[q + s (j + u m)] for j < m, q < s and
// writes dst[q + s (p j + v)] = w_L^{j v} * sum_u a_u w_p^{u v} (decimation in frequency): the output
// of the last stage is in natural order. w_L^{j v} = tw[j v s] from one table of n twiddles
// exp(-2 pi i t / n), computed in double (inverse: their conjugates). Other prime factors: Bluestein's
// chirp-z, X[k] = c_k sum_j (x_j c_j) conj(c_{k-j}) with c_j = exp(sign pi i j^2 / n), the
// convolution by a power-of-two FFT of M >= 2n - 1 points. Both O(n log n); values computed in the
// tensor's dtype (float32 in float, as PyTorch's pocketfft/cuFFT), twiddles and chirps in double.
// Real input (even n = 2N): the N complex points z[j] = x[2j] + i x[2j+1] (the input's own memory
// read as pairs) get one N-point complex FFT Z; then, with w = exp(-2 pi i / n), for k <= N/2,
// E = (Z[k] + conj Z[N-k]) / 2, O = -i (Z[k] - conj Z[N-k]) / 2 (Z[N] = Z[0]): X[k] = E + w^k O and
// X[N-k] = conj(E - w^k O) (fftR2cPost: one pass, in place or not). c2r runs the mirror: S = X[k] +
// conj X[N-k], P = conj(w^k) (X[k] - conj X[N-k]), Z[k] = S + i P, Z[N-k] = conj S + i conj P
// (fftC2rPre), then one N-point inverse FFT whose pairs are the n real outputs. Half the work and
// half the memory of transforming (x, 0); the w^k (k <= N/2) come from a table made in double.
#pragma once
#include <cstdint>
#include "hd.h"
#include "libm.h"

namespace flint {

/** The radices of a Stockham plan: at most 64 stages (n < 2^63). */
struct FftRadices {
  int count;
  int radix[64];
};

/** Splits n into radices 4, 2, 3, 5 (4s first); false when n has another prime factor. */
FLINT_HD inline bool fftFactor(int64_t n, FftRadices& r) {
  r.count = 0;
  while (n % 4 == 0) { r.radix[r.count++] = 4; n /= 4; }
  while (n % 2 == 0) { r.radix[r.count++] = 2; n /= 2; }
  while (n % 3 == 0) { r.radix[r.count++] = 3; n /= 3; }
  while (n % 5 == 0) { r.radix[r.count++] = 5; n /= 5; }
  return n == 1;
}

/** The Bluestein convolution length: the least power of two >= 2n - 1. */
FLINT_HD inline int64_t fftBluesteinLength(int64_t n) {
  int64_t m = 1;
  while (m < 2 * n - 1) m *= 2;
  return m;
}

constexpr double kFftPi = 3.14159265358979323846;

/** Twiddle t of n (forward): exp(-2 pi i t / n) in double, written as (re, im) of T. */
template <class T> FLINT_HD inline void fftTwiddle(T* tw, int64_t t, int64_t n) {
  const double a = 2.0 * kFftPi * (double)t / (double)n;
  tw[2 * t] = (T)m_cos(a);
  tw[2 * t + 1] = (T)(-m_sin(a));
}

/** Chirp j of n: exp(sign pi i j^2 / n), with j^2 reduced mod 2n exactly (in 64 bits) before the angle. */
template <class T> FLINT_HD inline void fftChirp(T* c, int64_t j, int64_t n, int sign) {
  const int64_t twoN = 2 * n;
  const int64_t jm = j % twoN;
  // (jm * jm) mod 2n without overflow for n < 2^31; larger n use the two-step reduction below
  int64_t sq;
  if (jm < (int64_t)3037000499LL) sq = (jm * jm) % twoN;
  else {
    // jm^2 mod 2n by doubling (n this large never fits a tensor today; kept exact anyway)
    int64_t acc = 0, a = jm, b = jm;
    while (b > 0) {
      if (b & 1) { acc += a; if (acc >= twoN) acc -= twoN; }
      a += a; if (a >= twoN) a -= twoN;
      b >>= 1;
    }
    sq = acc;
  }
  const double ang = kFftPi * (double)sq / (double)n;
  c[2 * j] = (T)m_cos(ang);
  c[2 * j + 1] = (T)((double)sign * m_sin(ang));
}

/**
 * The radix-p DFT (p in {2, 4, 3, 5}) of a_u = (ar[u], ai[u]): y_v = sum_u a_u exp(sign 2 pi i u v / p),
 * sg = sign as T. Called with a constant p, the other branches fold away (the CPU's stage loops).
 */
template <class T>
FLINT_HD inline void fftSmallDft(const T* ar, const T* ai, T* yr, T* yi, int p, T sg) {
  if (p == 2) {
    yr[0] = ar[0] + ar[1]; yi[0] = ai[0] + ai[1];
    yr[1] = ar[0] - ar[1]; yi[1] = ai[0] - ai[1];
  } else if (p == 4) {
    const T s0r = ar[0] + ar[2], s0i = ai[0] + ai[2], d0r = ar[0] - ar[2], d0i = ai[0] - ai[2];
    const T s1r = ar[1] + ar[3], s1i = ai[1] + ai[3], d1r = ar[1] - ar[3], d1i = ai[1] - ai[3];
    // (sign i) * d1 = sign * (-d1i + i d1r)
    const T rr = -sg * d1i, ri = sg * d1r;
    yr[0] = s0r + s1r; yi[0] = s0i + s1i;
    yr[1] = d0r + rr;  yi[1] = d0i + ri;
    yr[2] = s0r - s1r; yi[2] = s0i - s1i;
    yr[3] = d0r - rr;  yi[3] = d0i - ri;
  } else if (p == 3) {
    const T h = (T)0.86602540378443864676;  // sin(2 pi / 3)
    const T tr = ar[1] + ar[2], ti = ai[1] + ai[2], dr = ar[1] - ar[2], di = ai[1] - ai[2];
    const T br = ar[0] - (T)0.5 * tr, bi = ai[0] - (T)0.5 * ti;
    // i * sign * h * d = sign h (-di + i dr)
    const T rr = -sg * h * di, ri = sg * h * dr;
    yr[0] = ar[0] + tr; yi[0] = ai[0] + ti;
    yr[1] = br + rr;    yi[1] = bi + ri;
    yr[2] = br - rr;    yi[2] = bi - ri;
  } else {  // p == 5
    const T c1 = (T)0.30901699437494742410, c2 = (T)-0.80901699437494742410;  // cos(2 pi/5), cos(4 pi/5)
    const T s1 = (T)0.95105651629515357212, s2 = (T)0.58778525229247312917;   // sin(2 pi/5), sin(4 pi/5)
    const T t1r = ar[1] + ar[4], t1i = ai[1] + ai[4], d1r = ar[1] - ar[4], d1i = ai[1] - ai[4];
    const T t2r = ar[2] + ar[3], t2i = ai[2] + ai[3], d2r = ar[2] - ar[3], d2i = ai[2] - ai[3];
    const T b1r = ar[0] + c1 * t1r + c2 * t2r, b1i = ai[0] + c1 * t1i + c2 * t2i;
    const T b2r = ar[0] + c2 * t1r + c1 * t2r, b2i = ai[0] + c2 * t1i + c1 * t2i;
    const T e1r = s1 * d1r + s2 * d2r, e1i = s1 * d1i + s2 * d2i;  // y1 = b1 + i sign e1
    const T e2r = s2 * d1r - s1 * d2r, e2i = s2 * d1i - s1 * d2i;  // y2 = b2 + i sign e2
    yr[0] = ar[0] + t1r + t2r; yi[0] = ai[0] + t1i + t2i;
    yr[1] = b1r - sg * e1i; yi[1] = b1i + sg * e1r;
    yr[4] = b1r + sg * e1i; yi[4] = b1i - sg * e1r;
    yr[2] = b2r - sg * e2i; yi[2] = b2i + sg * e2r;
    yr[3] = b2r + sg * e2i; yi[3] = b2i - sg * e2r;
  }
}

/**
 * Butterfly i (i < n / p) of one Stockham stage over one transform of n points (T pairs): reads src,
 * writes dst (distinct buffers). s: the stage's stride (product of the earlier radices), m = n / (s p).
 * tw: the n forward twiddles; sign -1 forward, +1 inverse (the twiddles are conjugated).
 */
template <class T>
FLINT_HD inline void fftButterfly(const T* src, T* dst, const T* tw, int64_t n, int64_t s, int64_t m, int p, int64_t i, int sign) {
  const int64_t j = i / s, q = i - j * s;
  T ar[5], ai[5];
  for (int u = 0; u < p; u++) {
    const int64_t at = 2 * (q + s * (j + u * m));
    ar[u] = src[at];
    ai[u] = src[at + 1];
  }
  const T sg = (T)sign;
  T yr[5], yi[5];
  fftSmallDft<T>(ar, ai, yr, yi, p, sg);
  const int64_t base = q + s * p * j;
  dst[2 * base] = yr[0];
  dst[2 * base + 1] = yi[0];
  for (int v = 1; v < p; v++) {
    const int64_t t = j * v * s;  // < n
    const T wr = tw[2 * t], wi = -sg * tw[2 * t + 1];  // forward table: conj for sign = -1 gives itself
    const int64_t at = 2 * (base + s * v);
    dst[at] = yr[v] * wr - yi[v] * wi;
    dst[at + 1] = yr[v] * wi + yi[v] * wr;
  }
}

/**
 * The r2c split pass for k (0 <= k <= N/2) of one transform: Z (N pairs: the N-point FFT of the packed
 * pairs) -> X (N + 1 pairs), writing X[k] and X[N - k] (k = 0: X[0] and X[N]). Reads Z[k] and Z[N - k]
 * before writing, so Z == X (in place) is allowed. rtw[k] = exp(-2 pi i k / (2N)) for k <= N/2.
 */
template <class T> FLINT_HD inline void fftR2cPost(const T* Z, T* X, const T* rtw, int64_t N, int64_t k) {
  if (k == 0) {
    const T zr = Z[0], zi = Z[1];
    X[0] = zr + zi; X[1] = T(0);
    X[2 * N] = zr - zi; X[2 * N + 1] = T(0);
    return;
  }
  const T ar = Z[2 * k], ai = Z[2 * k + 1], br = Z[2 * (N - k)], bi = -Z[2 * (N - k) + 1];  // A = Z[k], B = conj Z[N-k]
  const T er = (ar + br) * T(0.5), ei = (ai + bi) * T(0.5);
  const T or_ = (ai - bi) * T(0.5), oi = (br - ar) * T(0.5);  // O = -i (A - B) / 2
  const T wr = rtw[2 * k], wi = rtw[2 * k + 1];
  const T tr = wr * or_ - wi * oi, ti = wr * oi + wi * or_;  // w^k O
  X[2 * k] = er + tr; X[2 * k + 1] = ei + ti;
  X[2 * (N - k)] = er - tr; X[2 * (N - k) + 1] = ti - ei;
}

/**
 * The c2r split pass for k (0 <= k <= N/2): X (N + 1 pairs, a one-sided spectrum) -> Z (N pairs, the
 * input of the N-point inverse FFT), writing Z[k] and Z[N - k]. The imaginary parts of X[0] and X[N]
 * are ignored. rtw as fftR2cPost's.
 */
template <class T> FLINT_HD inline void fftC2rPre(const T* X, T* Z, const T* rtw, int64_t N, int64_t k) {
  if (k == 0) {
    const T a = X[0], b = X[2 * N];
    Z[0] = a + b; Z[1] = a - b;
    return;
  }
  const T ar = X[2 * k], ai = X[2 * k + 1], br = X[2 * (N - k)], bi = -X[2 * (N - k) + 1];  // A = X[k], B = conj X[N-k]
  const T sr = ar + br, si = ai + bi, dr = ar - br, di = ai - bi;
  const T wr = rtw[2 * k], wi = -rtw[2 * k + 1];  // conj(w^k)
  const T pr = wr * dr - wi * di, pi = wr * di + wi * dr;
  Z[2 * k] = sr - pi; Z[2 * k + 1] = si + pr;                   // S + i P
  Z[2 * (N - k)] = sr + pi; Z[2 * (N - k) + 1] = pr - si;       // conj S + i conj P
}

}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <string>
#include "error.h"
#include "tensor.h"

namespace flint {

/** The checks both devices make; false when there is nothing to do (an empty batch). */
inline bool checkFft(const OpCall& c) {
  if (c.nt < 2) fail(ErrorKind::Value, "fft: expected 2 tensors (out, x)");
  const TensorArg &out = c.t[0], &x = c.t[1];
  if (out.ndim != 3 || out.shape[2] != 2 || x.ndim != 3 || x.shape[0] != out.shape[0] || x.shape[1] != out.shape[1] ||
      x.shape[2] != 2)
    fail(ErrorKind::Shape, "fft: out and x must both have shape [batch, n, 2], got " + out.shapeStr() + " and " + x.shapeStr());
  if (!out.isContiguous() || !x.isContiguous()) fail(ErrorKind::Value, "fft: out and x must be contiguous");
  if (x.dtype != out.dtype) fail(ErrorKind::DType, "fft: output and input dtypes differ");
  if (x.dtype != DType::F32 && x.dtype != DType::F64)
    fail(ErrorKind::DType, std::string("fft: expected float32 or float64 (re, im) pairs, got ") + dtypeName(x.dtype));
  if (x.shape[1] < 1) fail(ErrorKind::Value, "fft: the transform length must be at least 1, got " + x.shapeStr());
  return x.shape[0] != 0;
}


/**
 * The checks of "fft_r2c" (c2r false: t[0] out [B, n/2 + 1, 2], t[1] x [B, n]) and "fft_c2r" (c2r true:
 * t[0] out [B, n], t[1] X [B, n/2 + 1, 2]), n even; false when there is nothing to do.
 */
inline bool checkFftReal(const OpCall& c, bool c2r) {
  const char* op = c2r ? "fft_c2r" : "fft_r2c";
  if (c.nt < 2) fail(ErrorKind::Value, std::string(op) + ": expected 2 tensors (out, x)");
  const TensorArg &out = c.t[0], &x = c.t[1];
  const TensorArg &re = c2r ? out : x, &cx = c2r ? x : out;
  if (re.ndim != 2 || cx.ndim != 3 || cx.shape[2] != 2 || re.shape[0] != cx.shape[0] || re.shape[1] % 2 != 0 ||
      re.shape[1] < 2 || cx.shape[1] != re.shape[1] / 2 + 1)
    fail(ErrorKind::Shape, std::string(op) + ": expected a real [batch, n] (n even, >= 2) and a complex [batch, n/2 + 1, 2], got out " +
                               out.shapeStr() + " and x " + x.shapeStr());
  if (!out.isContiguous() || !x.isContiguous()) fail(ErrorKind::Value, std::string(op) + ": out and x must be contiguous");
  if (x.dtype != out.dtype) fail(ErrorKind::DType, std::string(op) + ": output and input dtypes differ");
  if (x.dtype != DType::F32 && x.dtype != DType::F64)
    fail(ErrorKind::DType, std::string(op) + ": expected float32 or float64, got " + dtypeName(x.dtype));
  return x.shape[0] != 0;
}

}  // namespace flint
#endif
