// fft.cpp — CPU kernel of the batched complex-to-complex 1-D FFT ("fft"): t[0] out [B, n, 2],
// t[1] x [B, n, 2] (contiguous, float32/float64, (re, im) pairs); p[0] 1 = inverse, unnormalized.
// native/core/fft.h has the plan, the butterflies and the checks shared with the GPU.
//
// The plan (radices, twiddles in double, and for Bluestein the chirp and the FFT of the conjugate
// chirp) is shared by the batch and cached for the last few lengths (planFor). Parallelism: a batch
// of at least as many transforms as threads is split over the pool (each chunk with its own
// scratch); fewer, larger transforms run one at a time with each Stockham stage's butterflies split
// over the pool.
// Correct first (1.4-2.9x pocketfft's time for complex input, 5-6x for rfft; bench/fft.js): a
// faster version would use radix-8/16 stages with SIMD over q, a cache-blocked four-step split for n
// beyond L2, and real input as an n/2-point complex transform plus one post-processing pass
// (lib/ops/fft.ts's rfft transforms the full complex signal).
#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>
#include "../core/fft.h"
#include "../core/optable.h"
#include "../core/parallel.h"

namespace flint {
namespace {

constexpr int64_t kButterflyGrain = 4096;

/** Runs fn over [0, n), split over the pool when par. */
template <class F> void forRange(int64_t n, bool par, F&& fn) {
  if (par) parallelFor(n, kButterflyGrain, fn);
  else if (n > 0) fn((int64_t)0, n);
}

/** One Stockham FFT of n points: src -> dst (distinct), w: n pairs of scratch; tw: n forward twiddles. */
template <class T>
void runStages(const T* src, T* dst, T* w, int64_t n, const FftRadices& r, const T* tw, int sign, bool par) {
  if (r.count == 0) { std::memcpy(dst, src, sizeof(T) * 2 * (size_t)n); return; }
  const T* in = src;
  int64_t s = 1;
  for (int t = 0; t < r.count; t++) {
    T* o = (r.count - 1 - t) % 2 == 0 ? dst : w;  // the last stage writes dst
    const int p = r.radix[t];
    const int64_t m = n / (s * p);
    forRange(n / p, par, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) fftButterfly<T>(in, o, tw, n, s, m, p, i, sign);
    });
    in = o;
    s *= p;
  }
}

template <class T> std::vector<T> twiddles(int64_t n) {
  std::vector<T> tw(2 * (size_t)n);
  for (int64_t t = 0; t < n; t++) fftTwiddle<T>(tw.data(), t, n);
  return tw;
}

template <class T> struct Plan {
  int64_t n = 0, M = 0;
  int sign = -1;
  bool bluestein = false;
  FftRadices r{}, rM{};
  std::vector<T> tw, twM, chirp, bhat;

  Plan(int64_t n_, int sign_) : n(n_), sign(sign_) {
    bluestein = !fftFactor(n, r);
    if (!bluestein) { tw = twiddles<T>(n); return; }
    M = fftBluesteinLength(n);
    fftFactor(M, rM);
    twM = twiddles<T>(M);
    chirp.resize(2 * (size_t)n);
    for (int64_t j = 0; j < n; j++) fftChirp<T>(chirp.data(), j, n, sign);
    // b = conj(chirp) at j and M - j, zero between; its forward FFT is what each transform multiplies by
    std::vector<T> b(2 * (size_t)M, T(0)), w(2 * (size_t)M);
    for (int64_t j = 0; j < n; j++) {
      b[2 * j] = chirp[2 * j];
      b[2 * j + 1] = -chirp[2 * j + 1];
      if (j > 0) { b[2 * (M - j)] = b[2 * j]; b[2 * (M - j) + 1] = b[2 * j + 1]; }
    }
    bhat.resize(2 * (size_t)M);
    runStages<T>(b.data(), bhat.data(), w.data(), M, rM, twM.data(), -1, n >= kButterflyGrain);
  }

  /** Scratch pairs one transform needs (beside its output). */
  size_t scratch() const { return 2 * (size_t)(bluestein ? 3 * M : n); }

  /** One transform x -> out (n pairs each); ws: scratch() values. */
  void run(const T* x, T* out, T* ws, bool par) const {
    if (!bluestein) { runStages<T>(x, out, ws, n, r, tw.data(), sign, par); return; }
    T *a = ws, *a2 = ws + 2 * M, *w = ws + 4 * M;
    const T* c = chirp.data();
    forRange(M, par, [&](int64_t b, int64_t e) {
      for (int64_t j = b; j < e; j++) {
        if (j < n) {
          const T xr = x[2 * j], xi = x[2 * j + 1], cr = c[2 * j], ci = c[2 * j + 1];
          a[2 * j] = xr * cr - xi * ci;
          a[2 * j + 1] = xr * ci + xi * cr;
        } else { a[2 * j] = T(0); a[2 * j + 1] = T(0); }
      }
    });
    runStages<T>(a, a2, w, M, rM, twM.data(), -1, par);
    const T* bh = bhat.data();
    forRange(M, par, [&](int64_t b, int64_t e) {
      for (int64_t j = b; j < e; j++) {
        const T ar = a2[2 * j], ai = a2[2 * j + 1], br = bh[2 * j], bi = bh[2 * j + 1];
        a2[2 * j] = ar * br - ai * bi;
        a2[2 * j + 1] = ar * bi + ai * br;
      }
    });
    runStages<T>(a2, a, w, M, rM, twM.data(), 1, par);
    const T inv = T(1) / (T)M;
    forRange(n, par, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; k++) {
        const T rr = a[2 * k] * inv, ri = a[2 * k + 1] * inv, cr = c[2 * k], ci = c[2 * k + 1];
        out[2 * k] = rr * cr - ri * ci;
        out[2 * k + 1] = rr * ci + ri * cr;
      }
    });
  }
};

/**
 * The plans of the last few (n, sign) per dtype, so that repeated transforms of one length (an stft's
 * frames, a training loop) do not recompute twiddles, chirps and the chirp's FFT: a Bluestein plan
 * of a 64K-point prime is 2^18 sines and cosines and one 2^18-point FFT.
 */
template <class T> std::shared_ptr<const Plan<T>> planFor(int64_t n, int sign) {
  static std::mutex mu;
  static std::vector<std::shared_ptr<const Plan<T>>> cache;  // most recent last
  constexpr size_t kCached = 8;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (size_t i = 0; i < cache.size(); i++) {
      if (cache[i]->n == n && cache[i]->sign == sign) {
        auto p = cache[i];
        cache.erase(cache.begin() + (std::ptrdiff_t)i);
        cache.push_back(p);
        return p;
      }
    }
  }
  auto p = std::make_shared<const Plan<T>>(n, sign);  // made unlocked: other lengths need not wait
  std::lock_guard<std::mutex> lock(mu);
  cache.push_back(p);
  if (cache.size() > kCached) cache.erase(cache.begin());
  return p;
}

template <class T> void fftBatch(const TensorArg& out, const TensorArg& x, int sign) {
  const int64_t B = out.shape[0], n = out.shape[1];
  const std::shared_ptr<const Plan<T>> held = planFor<T>(n, sign);
  const Plan<T>& plan = *held;
  const T* xp = x.ptr<T>();
  T* op = out.ptr<T>();
  const size_t need = plan.scratch();
  if (B >= numThreads() || (plan.bluestein ? plan.M : n) < kButterflyGrain) {
    const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / (plan.bluestein ? plan.M : n));
    parallelFor(B, grain, [&](int64_t b, int64_t e) {
      std::vector<T> ws(need);
      for (int64_t i = b; i < e; i++) plan.run(xp + 2 * n * i, op + 2 * n * i, ws.data(), false);
    });
    return;
  }
  std::vector<T> ws(need);
  for (int64_t i = 0; i < B; i++) plan.run(xp + 2 * n * i, op + 2 * n * i, ws.data(), true);
}

void cpuFft(const OpCall& c) {
  if (!checkFft(c)) return;
  const int sign = c.param(0) != 0 ? 1 : -1;
  if (c.t[0].dtype == DType::F64) fftBatch<double>(c.t[0], c.t[1], sign);
  else fftBatch<float>(c.t[0], c.t[1], sign);
}

FLINT_REGISTER_OP("fft", DeviceType::CPU, cpuFft);

}  // namespace
}  // namespace flint
