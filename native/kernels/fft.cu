// fft.cu — GPU kernels of the batched 1-D FFTs (complex, and the real forms' split passes), the twin
// of native/cpu/fft.cpp (host side: native/gpu/ops_fft.cpp; plan, butterflies, split passes and
// checks: native/core/fft.h). Buffers hold B transforms of n (re, im) pairs of T (f32 or f64), contiguous.
//
//   flint_fft_twiddle_<f>(tw, n)                         tw[t] = exp(-2 pi i t / n), in double
//   flint_fft_stage_<f>(src, dst, tw, B, n, s, m, p, sign)   one Stockham stage: a thread per butterfly
//   flint_fft_chirp_<f>(c, n, sign)                      c[j] = exp(sign pi i j^2 / n)
//   flint_fft_bluestein_b_<f>(b, c, n, M)                b[j] = b[M - j] = conj(c[j]) (j < n), else 0
//   flint_fft_bluestein_pre_<f>(a, x, c, B, n, M)        a[j] = x[j] c[j] (j < n), else 0
//   flint_fft_cmul_<f>(a, bhat, B, M)                    a[j] *= bhat[j] (bhat shared by the batch)
//   flint_fft_bluestein_post_<f>(out, r, c, B, n, M)     out[k] = r[k] c[k] / M
//   flint_fft_rtwiddle_<f>(rtw, N)                       rtw[k] = exp(-2 pi i k / (2N)), k <= N/2, in double
//   flint_fft_r2c_post_<f>(X, Z, rtw, B, N)              X [B, N+1] from Z [B, N] (fftR2cPost), a thread per k <= N/2
//   flint_fft_c2r_pre_<f>(Z, X, rtw, B, N)               Z [B, N] from X [B, N+1] (fftC2rPre), a thread per k <= N/2
//
// Every kernel is grid-stride over its items (any grid), blockDim.x = FLINT_BLOCK. Correct first:
// each stage is one launch over all B * n / p butterflies, ping-ponging through global memory.
// A faster version would run transforms of up to a few thousand points in one kernel, a block per
// transform with the stages in shared memory (radix 8/16 per thread in registers), and for larger n
// a four-step (n = n1 * n2) split whose column and row passes each fit shared memory.
#include "compat.cuh"
#include "../core/fft.h"

namespace flint {
namespace kern {
namespace {

FLINT_DEV index_t gtid() { return (index_t)blockIdx.x * blockDim.x + threadIdx.x; }
FLINT_DEV index_t gstride() { return (index_t)gridDim.x * blockDim.x; }

template <class T> FLINT_DEV void twiddleKernel(T* tw, index_t n) {
  for (index_t t = gtid(); t < n; t += gstride()) fftTwiddle<T>(tw, t, n);
}

template <class T>
FLINT_DEV void stageKernel(const T* src, T* dst, const T* tw, index_t B, index_t n, index_t s, index_t m, int p, int sign) {
  const index_t per = n / p, total = B * per;
  for (index_t e = gtid(); e < total; e += gstride()) {
    const index_t b = e / per, i = e - b * per;
    fftButterfly<T>(src + 2 * n * b, dst + 2 * n * b, tw, n, s, m, p, i, sign);
  }
}

template <class T> FLINT_DEV void chirpKernel(T* c, index_t n, int sign) {
  for (index_t j = gtid(); j < n; j += gstride()) fftChirp<T>(c, j, n, sign);
}

template <class T> FLINT_DEV void bluesteinB(T* b, const T* c, index_t n, index_t M) {
  for (index_t j = gtid(); j < M; j += gstride()) {
    const index_t k = j < n ? j : (M - j < n ? M - j : -1);
    b[2 * j] = k >= 0 ? c[2 * k] : T(0);
    b[2 * j + 1] = k >= 0 ? -c[2 * k + 1] : T(0);
  }
}

template <class T> FLINT_DEV void bluesteinPre(T* a, const T* x, const T* c, index_t B, index_t n, index_t M) {
  for (index_t e = gtid(); e < B * M; e += gstride()) {
    const index_t b = e / M, j = e - b * M;
    T re = T(0), im = T(0);
    if (j < n) {
      const T xr = x[2 * (b * n + j)], xi = x[2 * (b * n + j) + 1], cr = c[2 * j], ci = c[2 * j + 1];
      re = xr * cr - xi * ci;
      im = xr * ci + xi * cr;
    }
    a[2 * e] = re;
    a[2 * e + 1] = im;
  }
}

template <class T> FLINT_DEV void cmulKernel(T* a, const T* bh, index_t B, index_t M) {
  for (index_t e = gtid(); e < B * M; e += gstride()) {
    const index_t j = e % M;
    const T ar = a[2 * e], ai = a[2 * e + 1], br = bh[2 * j], bi = bh[2 * j + 1];
    a[2 * e] = ar * br - ai * bi;
    a[2 * e + 1] = ar * bi + ai * br;
  }
}

template <class T> FLINT_DEV void bluesteinPost(T* out, const T* r, const T* c, index_t B, index_t n, index_t M) {
  const T inv = T(1) / (T)M;
  for (index_t e = gtid(); e < B * n; e += gstride()) {
    const index_t b = e / n, k = e - b * n;
    const T rr = r[2 * (b * M + k)] * inv, ri = r[2 * (b * M + k) + 1] * inv, cr = c[2 * k], ci = c[2 * k + 1];
    out[2 * e] = rr * cr - ri * ci;
    out[2 * e + 1] = rr * ci + ri * cr;
  }
}

template <class T> FLINT_DEV void rtwiddleKernel(T* rtw, index_t N) {
  for (index_t k = gtid(); k <= N / 2; k += gstride()) fftTwiddle<T>(rtw, k, 2 * N);
}

template <class T> FLINT_DEV void r2cPostKernel(T* X, const T* Z, const T* rtw, index_t B, index_t N) {
  const index_t per = N / 2 + 1;
  for (index_t e = gtid(); e < B * per; e += gstride()) {
    const index_t b = e / per, k = e - b * per;
    fftR2cPost<T>(Z + 2 * N * b, X + 2 * (N + 1) * b, rtw, N, k);
  }
}

template <class T> FLINT_DEV void c2rPreKernel(T* Z, const T* X, const T* rtw, index_t B, index_t N) {
  const index_t per = N / 2 + 1;
  for (index_t e = gtid(); e < B * per; e += gstride()) {
    const index_t b = e / per, k = e - b * per;
    fftC2rPre<T>(X + 2 * (N + 1) * b, Z + 2 * N * b, rtw, N, k);
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

#define FLINT_FFT(S, T)                                                                                               \
  FLINT_KERNEL void flint_fft_twiddle_##S(void* tw, index_t n) { flint::kern::twiddleKernel<T>(static_cast<T*>(tw), n); } \
  FLINT_KERNEL void flint_fft_stage_##S(const void* src, void* dst, const void* tw, index_t B, index_t n, index_t s,     \
                                        index_t m, int p, int sign) {                                                 \
    flint::kern::stageKernel<T>(static_cast<const T*>(src), static_cast<T*>(dst), static_cast<const T*>(tw), B, n, s, m, \
                                p, sign);                                                                             \
  }                                                                                                                   \
  FLINT_KERNEL void flint_fft_chirp_##S(void* c, index_t n, int sign) { flint::kern::chirpKernel<T>(static_cast<T*>(c), n, sign); } \
  FLINT_KERNEL void flint_fft_bluestein_b_##S(void* b, const void* c, index_t n, index_t M) {                         \
    flint::kern::bluesteinB<T>(static_cast<T*>(b), static_cast<const T*>(c), n, M);                                   \
  }                                                                                                                   \
  FLINT_KERNEL void flint_fft_bluestein_pre_##S(void* a, const void* x, const void* c, index_t B, index_t n, index_t M) { \
    flint::kern::bluesteinPre<T>(static_cast<T*>(a), static_cast<const T*>(x), static_cast<const T*>(c), B, n, M);     \
  }                                                                                                                   \
  FLINT_KERNEL void flint_fft_cmul_##S(void* a, const void* bh, index_t B, index_t M) {                               \
    flint::kern::cmulKernel<T>(static_cast<T*>(a), static_cast<const T*>(bh), B, M);                                  \
  }                                                                                                                   \
  FLINT_KERNEL void flint_fft_bluestein_post_##S(void* out, const void* r, const void* c, index_t B, index_t n, index_t M) { \
    flint::kern::bluesteinPost<T>(static_cast<T*>(out), static_cast<const T*>(r), static_cast<const T*>(c), B, n, M);  \
  }                                                                                                                   \
  FLINT_KERNEL void flint_fft_rtwiddle_##S(void* rtw, index_t N) { flint::kern::rtwiddleKernel<T>(static_cast<T*>(rtw), N); } \
  FLINT_KERNEL void flint_fft_r2c_post_##S(void* X, const void* Z, const void* rtw, index_t B, index_t N) {          \
    flint::kern::r2cPostKernel<T>(static_cast<T*>(X), static_cast<const T*>(Z), static_cast<const T*>(rtw), B, N);     \
  }                                                                                                                   \
  FLINT_KERNEL void flint_fft_c2r_pre_##S(void* Z, const void* X, const void* rtw, index_t B, index_t N) {            \
    flint::kern::c2rPreKernel<T>(static_cast<T*>(Z), static_cast<const T*>(X), static_cast<const T*>(rtw), B, N);      \
  }
FLINT_FFT(f32, float)
FLINT_FFT(f64, double)
