// ops_fft.cpp — the CUDA entries of the batched 1-D FFTs ("fft", "fft_r2c", "fft_c2r"), the twins of
// native/cpu/fft.cpp: fft t[0] out [B, n, 2], t[1] x [B, n, 2] (contiguous, float32/float64);
// p[0] 1 = inverse, unnormalized. Runs native/kernels/fft.cu: a twiddle table made on the device
// (in double), then one launch per Stockham stage over the whole batch, ping-ponging between out and
// one scratch buffer so that the last stage lands in out; lengths with a prime factor above 5 go
// through Bluestein (chirp, the FFT of the conjugate chirp, and per transform two power-of-two FFTs
// of M >= 2n - 1 points). The real forms (even n = 2N): r2c is the N-point transform of the input read
// as pairs into a scratch buffer, then one split-pass launch into out; c2r the split pass into
// scratch, then the N-point inverse transform into out read as pairs. The checks are native/core/fft.h's.
// Kernels cannot fail: no error word.
#include <algorithm>
#include "../core/fft.h"
#include "../core/optable.h"
#include "ops_common.h"

namespace flint {
namespace gpu {
namespace {

/** Stockham FFT of B transforms of n points: src -> dst (distinct), w: scratch of B * n pairs. */
void runStages(const std::string& stage, const void* src, void* dst, void* w, const void* tw, int64_t B, int64_t n,
               const FftRadices& r, int sign, size_t pairBytes) {
  if (r.count == 0) { copyDeviceToDeviceAsync(dst, src, (size_t)(B * n) * pairBytes); return; }
  const void* in = src;
  int64_t s = 1;
  for (int t = 0; t < r.count; t++) {
    void* o = (r.count - 1 - t) % 2 == 0 ? dst : w;  // the last stage writes dst
    const int p = r.radix[t];
    const int64_t m = n / (s * p);
    launch(stage.c_str(), Dim3(gridFor(B * (n / p))), Dim3(kBlock), 0, in, o, tw, B, n, s, m, p, sign);
    in = o;
    s *= p;
  }
}

/** The unnormalized transform of B contiguous transforms of n points: x -> out (distinct device buffers). */
void c2c(const void* x, void* out, int64_t B, int64_t n, int sign, DType dt) {
  const size_t pairBytes = 2 * (size_t)itemsize(dt);
  const std::string stage = kernelName("flint_fft_stage", dt);
  FftRadices r;
  if (fftFactor(n, r)) {
    DeviceBuffer tw((size_t)n * pairBytes), w((size_t)(B * n) * pairBytes);
    launch(kernelName("flint_fft_twiddle", dt).c_str(), Dim3(gridFor(n)), Dim3(kBlock), 0, tw.get(), n);
    runStages(stage, x, out, w.get(), tw.get(), B, n, r, sign, pairBytes);
    return;
  }
  const int64_t M = fftBluesteinLength(n);
  FftRadices rM;
  fftFactor(M, rM);
  DeviceBuffer tw((size_t)M * pairBytes), chirp((size_t)n * pairBytes), bhat((size_t)M * pairBytes);
  DeviceBuffer a((size_t)(B * M) * pairBytes), a2((size_t)(B * M) * pairBytes), w((size_t)(B * M) * pairBytes);
  launch(kernelName("flint_fft_twiddle", dt).c_str(), Dim3(gridFor(M)), Dim3(kBlock), 0, tw.get(), M);
  launch(kernelName("flint_fft_chirp", dt).c_str(), Dim3(gridFor(n)), Dim3(kBlock), 0, chirp.get(), n, sign);
  // bhat = FFT(conj chirp at j and M - j); a holds b until the batch's data arrives
  launch(kernelName("flint_fft_bluestein_b", dt).c_str(), Dim3(gridFor(M)), Dim3(kBlock), 0, a.get(),
         static_cast<const void*>(chirp.get()), n, M);
  runStages(stage, a.get(), bhat.get(), w.get(), tw.get(), 1, M, rM, -1, pairBytes);
  launch(kernelName("flint_fft_bluestein_pre", dt).c_str(), Dim3(gridFor(B * M)), Dim3(kBlock), 0, a.get(), x,
         static_cast<const void*>(chirp.get()), B, n, M);
  runStages(stage, a.get(), a2.get(), w.get(), tw.get(), B, M, rM, -1, pairBytes);
  launch(kernelName("flint_fft_cmul", dt).c_str(), Dim3(gridFor(B * M)), Dim3(kBlock), 0, a2.get(),
         static_cast<const void*>(bhat.get()), B, M);
  runStages(stage, a2.get(), a.get(), w.get(), tw.get(), B, M, rM, 1, pairBytes);
  launch(kernelName("flint_fft_bluestein_post", dt).c_str(), Dim3(gridFor(B * n)), Dim3(kBlock), 0, out,
         static_cast<const void*>(a.get()), static_cast<const void*>(chirp.get()), B, n, M);
}

void gpuFft(const OpCall& c) {
  if (!checkFft(c)) return;
  const TensorArg &out = c.t[0], &x = c.t[1];
  c2c(x.data, out.data, out.shape[0], out.shape[1], c.param(0) != 0 ? 1 : -1, out.dtype);
}

/** r2c: the N-point FFT of x's pairs into scratch, then the split pass into out [B, N + 1, 2]. */
void gpuFftR2c(const OpCall& c) {
  if (!checkFftReal(c, false)) return;
  const TensorArg &out = c.t[0], &x = c.t[1];
  const DType dt = out.dtype;
  const int64_t B = x.shape[0], N = x.shape[1] / 2;
  const size_t pairBytes = 2 * (size_t)itemsize(dt);
  DeviceBuffer Z((size_t)(B * N) * pairBytes), rtw((size_t)(N / 2 + 1) * pairBytes);
  launch(kernelName("flint_fft_rtwiddle", dt).c_str(), Dim3(gridFor(N / 2 + 1)), Dim3(kBlock), 0, rtw.get(), N);
  c2c(x.data, Z.get(), B, N, -1, dt);
  launch(kernelName("flint_fft_r2c_post", dt).c_str(), Dim3(gridFor(B * (N / 2 + 1))), Dim3(kBlock), 0, out.data,
         static_cast<const void*>(Z.get()), static_cast<const void*>(rtw.get()), B, N);
}

/** c2r: the split pass of X [B, N + 1, 2] into scratch, then the N-point inverse FFT into out's pairs. */
void gpuFftC2r(const OpCall& c) {
  if (!checkFftReal(c, true)) return;
  const TensorArg &out = c.t[0], &x = c.t[1];
  const DType dt = out.dtype;
  const int64_t B = out.shape[0], N = out.shape[1] / 2;
  const size_t pairBytes = 2 * (size_t)itemsize(dt);
  DeviceBuffer Z((size_t)(B * N) * pairBytes), rtw((size_t)(N / 2 + 1) * pairBytes);
  launch(kernelName("flint_fft_rtwiddle", dt).c_str(), Dim3(gridFor(N / 2 + 1)), Dim3(kBlock), 0, rtw.get(), N);
  launch(kernelName("flint_fft_c2r_pre", dt).c_str(), Dim3(gridFor(B * (N / 2 + 1))), Dim3(kBlock), 0, Z.get(),
         static_cast<const void*>(x.data), static_cast<const void*>(rtw.get()), B, N);
  c2c(Z.get(), out.data, B, N, 1, dt);
}

FLINT_REGISTER_OP("fft", DeviceType::CUDA, gpuFft);
FLINT_REGISTER_OP("fft_r2c", DeviceType::CUDA, gpuFftR2c);
FLINT_REGISTER_OP("fft_c2r", DeviceType::CUDA, gpuFftC2r);

}  // namespace
}  // namespace gpu
}  // namespace flint
