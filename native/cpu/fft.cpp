// fft.cpp — CPU kernels of the batched 1-D FFTs: "fft" (t[0] out [B, n, 2], t[1] x [B, n, 2],
// contiguous float32/float64 (re, im) pairs; p[0] 1 = inverse, unnormalized) and the real forms of
// even n, "fft_r2c" (x [B, n] -> out [B, n/2 + 1, 2]) and "fft_c2r" (X [B, n/2 + 1, 2] -> out [B, n]).
// native/core/fft.h has the plan, the butterflies, the split passes and the checks shared with the GPU.
//
// The plan (radices, twiddles in double, and for Bluestein the chirp and the FFT of the conjugate
// chirp; for the real forms the n/2-point plan and the split pass's twiddles) is shared by the batch
// and cached for the last few lengths (cachedPlan). Parallelism: a batch of at least as many
// transforms as threads is split over the pool (each chunk with its own scratch); fewer, larger
// transforms run one at a time with each Stockham stage's butterflies (and the split pass) split over
// the pool. Every butterfly computes the same operations in the same order however the work is split:
// the same bits at any thread count.
// Speed (bench/RESULTS.md 0-fft2): each stage walks its butterflies j-outer, q-inner (stageRange), so
// that nothing is divided per butterfly and the twiddles of j are read once; the real forms transform
// n/2 points. Tried and left out: radix-8 stages (no gain measured: the scalar 8-point butterfly
// spills registers on SSE2), and the loops compiled for AVX2/AVX-512 with vmath.h's runVec (1.2-1.4x
// faster, but g++ 12 then emits vfmaddsub for the complex products despite -ffp-contract=off, so the
// bits would depend on the CPU). Next steps: a cache-blocked four-step split for n beyond L2 (2^20) and
// explicit SIMD over q.
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

/**
 * Butterflies [b, e) of one radix-P Stockham stage (fft.h's fftButterfly, the same arithmetic in the
 * same order): i = j s + q walked as j outer, q inner, so that there is no division per butterfly,
 * the P - 1 twiddles of j are read once for its s butterflies, and the inner loop over q is
 * unit-stride in src and dst.
 */
template <class T, int P>
void stageRange(const T* src, T* dst, const T* tw, int64_t s, int64_t m, int sign, int64_t b, int64_t e) {
  const T sg = (T)sign;
  int64_t j = b / s, q = b - j * s, i = b;
  while (i < e) {
    const int64_t qe = std::min<int64_t>(s, q + (e - i));
    T wr[P], wi[P];
    for (int v = 1; v < P; v++) {
      const int64_t t = j * v * s;
      wr[v] = tw[2 * t];
      wi[v] = -sg * tw[2 * t + 1];
    }
    const T* sp = src + 2 * s * j;
    T* dp = dst + 2 * s * P * j;
    for (int64_t r = q; r < qe; r++) {
      T ar[P], ai[P], yr[P], yi[P];
      for (int u = 0; u < P; u++) {
        ar[u] = sp[2 * (r + s * u * m)];
        ai[u] = sp[2 * (r + s * u * m) + 1];
      }
      fftSmallDft<T>(ar, ai, yr, yi, P, sg);
      dp[2 * r] = yr[0];
      dp[2 * r + 1] = yi[0];
      for (int v = 1; v < P; v++) {
        dp[2 * (r + s * v)] = yr[v] * wr[v] - yi[v] * wi[v];
        dp[2 * (r + s * v) + 1] = yr[v] * wi[v] + yi[v] * wr[v];
      }
    }
    i += qe - q;
    q = 0;
    j++;
  }
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
      switch (p) {
        case 2: stageRange<T, 2>(in, o, tw, s, m, sign, b, e); break;
        case 3: stageRange<T, 3>(in, o, tw, s, m, sign, b, e); break;
        case 4: stageRange<T, 4>(in, o, tw, s, m, sign, b, e); break;
        default: stageRange<T, 5>(in, o, tw, s, m, sign, b, e); break;
      }
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
 * The plans of the last few (n, sign) per plan type, so that repeated transforms of one length (an
 * stft's frames, a training loop) do not recompute twiddles, chirps and the chirp's FFT: a Bluestein
 * plan of a 64K-point prime is 2^18 sines and cosines and one 2^18-point FFT.
 */
template <class P> std::shared_ptr<const P> cachedPlan(int64_t n, int sign) {
  static std::mutex mu;
  static std::vector<std::shared_ptr<const P>> cache;  // most recent last
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
  auto p = std::make_shared<const P>(n, sign);  // made unlocked: other lengths need not wait
  std::lock_guard<std::mutex> lock(mu);
  cache.push_back(p);
  if (cache.size() > kCached) cache.erase(cache.begin());
  return p;
}

template <class T> std::shared_ptr<const Plan<T>> planFor(int64_t n, int sign) { return cachedPlan<Plan<T>>(n, sign); }

/**
 * A real transform of even n = 2N (sign -1: r2c, +1: c2r): the N-point complex plan and the split
 * pass's twiddles rtw[k] = exp(-2 pi i k / n), k <= N/2 (native/core/fft.h's fftR2cPost / fftC2rPre).
 */
template <class T> struct RealPlan {
  int64_t n = 0;
  int sign = -1;
  std::shared_ptr<const Plan<T>> inner;
  std::vector<T> rtw;

  RealPlan(int64_t n_, int sign_) : n(n_), sign(sign_), inner(planFor<T>(n_ / 2, sign_)), rtw(2 * (size_t)(n_ / 4 + 1)) {
    for (int64_t k = 0; k <= n / 4; k++) fftTwiddle<T>(rtw.data(), k, n);
  }
};

/**
 * Runs one(i, scratch, parallel) for the B transforms of a batch, each `work` points of FFT with
 * `need` elements of scratch: whole transforms over the pool when the batch is large or the
 * transforms small, else one after another with the pool inside each (parallel = true).
 */
template <class T, class F> void forBatch(int64_t B, int64_t work, size_t need, const F& one) {
  if (B >= numThreads() || work < kButterflyGrain) {
    parallelFor(B, std::max<int64_t>(1, kElementwiseGrain / work), [&](int64_t b, int64_t e) {
      std::vector<T> ws(need);
      for (int64_t i = b; i < e; i++) one(i, ws.data(), false);
    });
    return;
  }
  std::vector<T> ws(need);
  for (int64_t i = 0; i < B; i++) one(i, ws.data(), true);
}

template <class T> void fftBatch(const TensorArg& out, const TensorArg& x, int sign) {
  const int64_t B = out.shape[0], n = out.shape[1];
  const std::shared_ptr<const Plan<T>> held = planFor<T>(n, sign);
  const Plan<T>& plan = *held;
  const T* xp = x.ptr<T>();
  T* op = out.ptr<T>();
  forBatch<T>(B, plan.bluestein ? plan.M : n, plan.scratch(), [&](int64_t i, T* ws, bool par) { plan.run(xp + 2 * n * i, op + 2 * n * i, ws, par); });
}

/** The r2c of B real rows of n = 2N points: each row's pairs FFT'd into its output, then split in place. */
template <class T> void r2cBatch(const TensorArg& out, const TensorArg& x) {
  const int64_t B = x.shape[0], n = x.shape[1], N = n / 2;
  const std::shared_ptr<const RealPlan<T>> held = cachedPlan<RealPlan<T>>(n, -1);
  const Plan<T>& plan = *held->inner;
  const T* rtw = held->rtw.data();
  const T* xp = x.ptr<T>();
  T* op = out.ptr<T>();
  const size_t need = plan.scratch();
  auto one = [&](int64_t i, T* ws, bool par) {
    T* X = op + 2 * (N + 1) * i;
    plan.run(xp + n * i, X, ws, par);
    forRange(N / 2 + 1, par, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; k++) fftR2cPost<T>(X, X, rtw, N, k);
    });
  };
  forBatch<T>(B, plan.bluestein ? plan.M : N, need, one);
}

/** The c2r of B one-sided spectra into rows of n = 2N reals: the split pass into scratch, then the inverse FFT. */
template <class T> void c2rBatch(const TensorArg& out, const TensorArg& x) {
  const int64_t B = out.shape[0], n = out.shape[1], N = n / 2;
  const std::shared_ptr<const RealPlan<T>> held = cachedPlan<RealPlan<T>>(n, 1);
  const Plan<T>& plan = *held->inner;
  const T* rtw = held->rtw.data();
  const T* xp = x.ptr<T>();
  T* op = out.ptr<T>();
  const size_t need = plan.scratch() + 2 * (size_t)N;
  auto one = [&](int64_t i, T* ws, bool par) {
    T* Z = ws + plan.scratch();
    const T* X = xp + 2 * (N + 1) * i;
    forRange(N / 2 + 1, par, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; k++) fftC2rPre<T>(X, Z, rtw, N, k);
    });
    plan.run(Z, op + n * i, ws, par);
  };
  forBatch<T>(B, plan.bluestein ? plan.M : N, need, one);
}

void cpuFftR2c(const OpCall& c) {
  if (!checkFftReal(c, false)) return;
  if (c.t[0].dtype == DType::F64) r2cBatch<double>(c.t[0], c.t[1]);
  else r2cBatch<float>(c.t[0], c.t[1]);
}

void cpuFftC2r(const OpCall& c) {
  if (!checkFftReal(c, true)) return;
  if (c.t[0].dtype == DType::F64) c2rBatch<double>(c.t[0], c.t[1]);
  else c2rBatch<float>(c.t[0], c.t[1]);
}

void cpuFft(const OpCall& c) {
  if (!checkFft(c)) return;
  const int sign = c.param(0) != 0 ? 1 : -1;
  if (c.t[0].dtype == DType::F64) fftBatch<double>(c.t[0], c.t[1], sign);
  else fftBatch<float>(c.t[0], c.t[1], sign);
}

FLINT_REGISTER_OP("fft", DeviceType::CPU, cpuFft);
FLINT_REGISTER_OP("fft_r2c", DeviceType::CPU, cpuFftR2c);
FLINT_REGISTER_OP("fft_c2r", DeviceType::CPU, cpuFftC2r);

}  // namespace
}  // namespace flint
