// norm.cpp — CPU kernels of the fused layer normalisation ('layerNorm', 'layerNormBackward',
// 'layerNormAffineBackward'; operands and math: native/core/norm.h). Rows are independent and
// split across the pool; the affine gradients are column sums, split across the pool by column
// ranges, each walking the rows in order (so the result does not depend on the thread count).
// Accumulation in double for float32 and the 16-bit floats, as reductions here do.
#include <cmath>
#include <vector>
#include "../core/dtype.h"
#include "../core/norm.h"
#include "../core/parallel.h"
#include "../core/vmath.h"

namespace flint {
namespace {

template <class C> struct Acc { typedef double type; };

int64_t rowGrain(int64_t N) { return std::max<int64_t>(1, kElementwiseGrain / 4 / std::max<int64_t>(N, 1)); }

template <class T>
void layerNormT(const OpCall& c, const checks::NormShape& s, bool hasW, bool hasB, double eps) {
  using C = typename ComputeT<T>::type;
  using A = typename Acc<C>::type;
  T* y = c.t[0].ptr<T>();
  T* mean = c.t[1].ptr<T>();
  T* rstd = c.t[2].ptr<T>();
  const T* x = c.t[3].ptr<T>();
  const T* w = hasW ? c.t[4].ptr<T>() : nullptr;
  const T* b = hasB ? c.t[hasW ? 5 : 4].ptr<T>() : nullptr;
  const int64_t N = s.N;
  parallelFor(s.R, rowGrain(N), [&](int64_t r0, int64_t r1) {
    vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
      for (int64_t r = r0; r < r1; r++) {
        const T* xr = x + r * N;
        T* yr = y + r * N;
        const A sum = vm::laneSum(N, [xr](int64_t i) FLINT_VM_INLINE_LAMBDA { return (A)load(xr[i]); });
        const C mu = (C)(sum / (A)N);
        const A sq = vm::laneSum(N, [xr, mu](int64_t i) FLINT_VM_INLINE_LAMBDA {
          const A d = (A)load(xr[i]) - (A)mu;
          return d * d;
        });
        const C rs = (C)(1 / std::sqrt(sq / (A)N + (A)eps));
        if (w && b)
          for (int64_t i = 0; i < N; i++) yr[i] = store<T>((load(xr[i]) - mu) * rs * load(w[i]) + load(b[i]));
        else
          for (int64_t i = 0; i < N; i++) {
            C v = (load(xr[i]) - mu) * rs;
            if (w) v = v * load(w[i]);
            if (b) v = v + load(b[i]);
            yr[i] = store<T>(v);
          }
        mean[r] = store<T>(mu);
        rstd[r] = store<T>(rs);
      }
    });
  });
}

template <class T>
void layerNormBackT(const OpCall& c, const checks::NormShape& s, bool hasW) {
  using C = typename ComputeT<T>::type;
  using A = typename Acc<C>::type;
  T* gx = c.t[0].ptr<T>();
  const T* gy = c.t[1].ptr<T>();
  const T* x = c.t[2].ptr<T>();
  const T* mean = c.t[3].ptr<T>();
  const T* rstd = c.t[4].ptr<T>();
  const T* w = hasW ? c.t[5].ptr<T>() : nullptr;
  const int64_t N = s.N;
  parallelFor(s.R, rowGrain(N), [&](int64_t r0, int64_t r1) {
    vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
      for (int64_t r = r0; r < r1; r++) {
        const T* xr = x + r * N;
        const T* gr = gy + r * N;
        const C mu = load(mean[r]), rs = load(rstd[r]);
        T* o = gx + r * N;
        // the weight tested once per row, not per element: the branch-free loops vectorise
        auto row = [&](auto gAt) FLINT_VM_INLINE_LAMBDA {
          const A s1 = vm::laneSum(N, [&](int64_t i) FLINT_VM_INLINE_LAMBDA { return (A)gAt(i); });
          const A s2 = vm::laneSum(N, [&](int64_t i) FLINT_VM_INLINE_LAMBDA { return (A)gAt(i) * (A)((load(xr[i]) - mu) * rs); });
          const C m1 = (C)(s1 / (A)N), m2 = (C)(s2 / (A)N);
          for (int64_t i = 0; i < N; i++) {
            const C xh = (load(xr[i]) - mu) * rs;
            o[i] = store<T>(rs * (gAt(i) - m1 - xh * m2));
          }
        };
        if (w) row([gr, w](int64_t i) FLINT_VM_INLINE_LAMBDA { return load(gr[i]) * load(w[i]); });
        else row([gr](int64_t i) FLINT_VM_INLINE_LAMBDA { return load(gr[i]); });
      }
    });
  });
}

template <class T>
void layerNormAffineBackT(const OpCall& c, const checks::NormShape& s) {
  using C = typename ComputeT<T>::type;
  using A = typename Acc<C>::type;
  T* gw = c.t[0].ptr<T>();
  T* gb = c.t[1].ptr<T>();
  const T* gy = c.t[2].ptr<T>();
  const T* x = c.t[3].ptr<T>();
  const T* mean = c.t[4].ptr<T>();
  const T* rstd = c.t[5].ptr<T>();
  const int64_t N = s.N, R = s.R;
  // column ranges of at least 16 columns (a cache line of float32), each summing every row
  parallelFor(N, std::max<int64_t>(16, kElementwiseGrain / 4 / std::max<int64_t>(R, 1)), [&](int64_t j0, int64_t j1) {
    std::vector<A> awv((size_t)(j1 - j0), A(0)), abv((size_t)(j1 - j0), A(0));
    A* aw = awv.data();
    A* ab = abv.data();
    vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
      for (int64_t r = 0; r < R; r++) {
        const C mu = load(mean[r]), rs = load(rstd[r]);
        const T* xr = x + r * N + j0;
        const T* gr = gy + r * N + j0;
        for (int64_t j = 0; j < j1 - j0; j++) {
          const C g = load(gr[j]);
          aw[j] += (A)(g * ((load(xr[j]) - mu) * rs));
          ab[j] += (A)g;
        }
      }
    });
    for (int64_t j = j0; j < j1; j++) {
      gw[j] = store<T>((C)aw[j - j0]);
      gb[j] = store<T>((C)ab[j - j0]);
    }
  });
}

void layerNorm(const OpCall& c) {
  bool hasW, hasB;
  const checks::NormShape s = checks::checkLayerNorm(c, hasW, hasB);
  const double eps = c.param(0);
  bool ok = false;
  dispatchFloat(c.t[3].dtype, [&](auto tag) { ok = true; if (s.R * s.N > 0) layerNormT<decltype(tag)>(c, s, hasW, hasB, eps); });
  if (!ok) checks::failNormDType("layerNorm");
}

void layerNormBackward(const OpCall& c) {
  bool hasW;
  const checks::NormShape s = checks::checkLayerNormBackward(c, hasW);
  bool ok = false;
  dispatchFloat(c.t[2].dtype, [&](auto tag) { ok = true; if (s.R * s.N > 0) layerNormBackT<decltype(tag)>(c, s, hasW); });
  if (!ok) checks::failNormDType("layerNormBackward");
}

void layerNormAffineBackward(const OpCall& c) {
  const checks::NormShape s = checks::checkLayerNormAffineBackward(c);
  bool ok = false;
  dispatchFloat(c.t[3].dtype, [&](auto tag) {
    using T = decltype(tag);
    ok = true;
    if (s.N == 0) return;
    if (s.R == 0) {  // no rows: the sums are zero
      for (int64_t j = 0; j < s.N; j++) { c.t[0].ptr<T>()[j] = store<T>(0.f); c.t[1].ptr<T>()[j] = store<T>(0.f); }
      return;
    }
    layerNormAffineBackT<T>(c, s);
  });
  if (!ok) checks::failNormDType("layerNormAffineBackward");
}

}  // namespace

FLINT_REGISTER_OP("layerNorm", DeviceType::CPU, layerNorm);
FLINT_REGISTER_OP("layerNormBackward", DeviceType::CPU, layerNormBackward);
FLINT_REGISTER_OP("layerNormAffineBackward", DeviceType::CPU, layerNormAffineBackward);

}  // namespace flint
