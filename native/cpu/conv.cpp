// conv.cpp — CPU kernels behind convolution and pooling (lib/nn/conv.ts). All take 4-D
// [N, C, H, W] images (1-D convolution arrives with H = 1) and floating dtypes; 16-bit floats
// accumulate in float. Each kernel parallelises over the N*C planes, which are independent, so
// the scatter kernels (col2im, pool backwards) need no atomics.
//
//   im2col                     t: cols [N, C*kh*kw, Ho*Wo] (any strides), x [N, C, H, W]
//                              p: kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo[, pb, pr] (ph/pw: top/left
//                              padding; pb/pr: bottom/right, default ph/pw — only bounds the output)
//   col2im                     t: img [N, C, H, W] (contiguous, fully written), cols as above
//                              p: same as im2col (sums every column entry into its pixel)
//   maxPool2d                  t: out, indices (int32, flat h*W+w in the input plane), x
//                              p: kh, kw, sh, sw, ph, pw, dh, dw
//   maxPool2dBackward          t: gx (contiguous, fully written), gOut, indices
//   avgPool2d                  t: out, x        p: kh, kw, sh, sw, ph, pw, countIncludePad, divisorOverride (0: none)
//   avgPool2dBackward          t: gx, gOut      p: same
//   adaptiveAvgPool2d          t: out, x        (windows [floor(o*I/O), ceil((o+1)*I/O)))
//   adaptiveAvgPool2dBackward  t: gx, gOut
//
// The column layout is chosen by the caller through cols' strides: lib/nn/conv.ts passes a
// [C*kh*kw, N, L] buffer viewed as [N, C*kh*kw, L], so the whole batch is one GEMM.
#include <algorithm>
#include <cmath>
#include <limits>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>
#include "../core/conv.h"
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/tensor.h"
#include "../core/vmath.h"

namespace flint {
namespace {

using std::to_string;

using namespace checks;  // native/core/conv.h: parameters, shapes, dtypes (shared with the GPU)

int64_t planeGrain(int64_t work) { return std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(work, 1)); }

// ---- im2col / col2im -------------------------------------------------------------------------

template <class T>
void im2colT(const TensorArg& cols, const TensorArg& x, const Geom& g, const ColShape& s) {
  const T* xp = x.ptr<T>();
  T* cp = cols.ptr<T>();
  const int64_t K = g.kh * g.kw, L = s.Ho * s.Wo;
  const T zero = store<T>(0.f);
  // Stride 1 with an output as wide as the input ('same'-style padding), contiguous planes and
  // column rows: a column row for tap (ki, kj) is the plane shifted by a constant, so it is one
  // copy of the rows in range (the columns that fall outside the image in w, which that copy fills
  // with the neighbouring row's pixels, are zeroed after it) instead of three loops per output row.
  const bool shifted = cols.strides[2] == 1 && x.strides[3] == 1 && x.strides[2] == s.W && g.sh == 1 && g.sw == 1 && s.Wo == s.W;
  parallelFor(s.N * s.C, planeGrain(K * L), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; p++) {
      const int64_t n = p / s.C, ch = p % s.C;
      const T* plane = xp + n * x.strides[0] + ch * x.strides[1];
      if (shifted) {
        for (int64_t ki = 0; ki < g.kh; ki++) {
          const int64_t hOff = ki * g.dh - g.ph;  // ih = oh + hOff
          const int64_t ohA = std::min(s.Ho, std::max<int64_t>(0, -hOff));
          const int64_t ohB = std::max(ohA, std::min(s.Ho, s.H - hOff));
          for (int64_t kj = 0; kj < g.kw; kj++) {
            T* row = cp + n * cols.strides[0] + (ch * K + ki * g.kw + kj) * cols.strides[1];
            const int64_t iw0 = kj * g.dw - g.pw;  // iw = ow + iw0
            const int64_t lo = std::min(s.Wo, std::max<int64_t>(0, -iw0));
            const int64_t hi = std::max(lo, std::min(s.Wo, s.W - iw0));
            std::fill(row, row + ohA * s.Wo, zero);
            std::fill(row + ohB * s.Wo, row + L, zero);
            if (ohB == ohA) continue;
            // flat source [s0, s0 + len) clipped to the plane: what falls outside is a w outside the image
            const int64_t s0 = (ohA + hOff) * s.W + iw0, len = (ohB - ohA) * s.Wo;
            const int64_t a = std::max<int64_t>(0, -s0), z = std::min(len, s.H * s.W - s0);
            T* d = row + ohA * s.Wo;
            if (z > a) std::memcpy(d + a, plane + s0 + a, (size_t)(z - a) * sizeof(T));
            for (int64_t oh = ohA; oh < ohB; oh++) {
              T* o = row + oh * s.Wo;
              for (int64_t ow = 0; ow < lo; ow++) o[ow] = zero;
              for (int64_t ow = hi; ow < s.Wo; ow++) o[ow] = zero;
            }
          }
        }
        continue;
      }
      for (int64_t ki = 0; ki < g.kh; ki++) {
        for (int64_t kj = 0; kj < g.kw; kj++) {
          T* row = cp + n * cols.strides[0] + (ch * K + ki * g.kw + kj) * cols.strides[1];
          const int64_t cs = cols.strides[2];
          for (int64_t oh = 0; oh < s.Ho; oh++) {
            const int64_t ih = oh * g.sh - g.ph + ki * g.dh;
            T* o = row + oh * s.Wo * cs;
            if (ih < 0 || ih >= s.H) { for (int64_t ow = 0; ow < s.Wo; ow++) o[ow * cs] = zero; continue; }
            const T* xr = plane + ih * x.strides[2];
            const int64_t iw0 = kj * g.dw - g.pw;
            if (cs == 1 && x.strides[3] == 1 && g.sw == 1) {
              // contiguous run: zeros left of the image, a copy, zeros right of it
              const int64_t lo = std::min<int64_t>(s.Wo, std::max<int64_t>(0, -iw0));
              const int64_t hi = std::max<int64_t>(lo, std::min<int64_t>(s.Wo, s.W - iw0));
              for (int64_t ow = 0; ow < lo; ow++) o[ow] = zero;
              for (int64_t ow = lo; ow < hi; ow++) o[ow] = xr[ow + iw0];
              for (int64_t ow = hi; ow < s.Wo; ow++) o[ow] = zero;
            } else {
              for (int64_t ow = 0; ow < s.Wo; ow++) {
                const int64_t iw = ow * g.sw + iw0;
                o[ow * cs] = (iw < 0 || iw >= s.W) ? zero : xr[iw * x.strides[3]];
              }
            }
          }
        }
      }
    }
  });
}

void cpuIm2col(const OpCall& c) {
  need(c, 2);
  const Geom g = geomOf(c);
  const TensorArg &cols = c.t[0], &x = c.t[1];
  const ColShape s = checkCols(c, x, cols, g);
  if (cols.numel() == 0) return;
  dispatchFloat(x.dtype, [&](auto tag) { im2colT<decltype(tag)>(cols, x, g, s); });
}

template <class T>
void col2imT(const TensorArg& img, const TensorArg& cols, const Geom& g, const ColShape& s) {
  using C = typename ComputeT<T>::type;
  const T* cp = cols.ptr<T>();
  T* ip = img.ptr<T>();
  const int64_t K = g.kh * g.kw, L = s.Ho * s.Wo, HW = s.H * s.W;
  parallelFor(s.N * s.C, planeGrain(K * L), [&](int64_t b, int64_t e) {
    std::vector<C> acc((size_t)HW);
    for (int64_t p = b; p < e; p++) {
      const int64_t n = p / s.C, ch = p % s.C;
      std::fill(acc.begin(), acc.end(), C(0));
      for (int64_t ki = 0; ki < g.kh; ki++) {
        for (int64_t kj = 0; kj < g.kw; kj++) {
          const T* row = cp + n * cols.strides[0] + (ch * K + ki * g.kw + kj) * cols.strides[1];
          const int64_t cs = cols.strides[2];
          for (int64_t oh = 0; oh < s.Ho; oh++) {
            const int64_t ih = oh * g.sh - g.ph + ki * g.dh;
            if (ih < 0 || ih >= s.H) continue;
            const T* o = row + oh * s.Wo * cs;
            C* a = acc.data() + ih * s.W;
            // the columns ow whose pixel iw = ow*sw + iw0 lies inside the image: [lo, hi)
            const int64_t iw0 = kj * g.dw - g.pw;
            const int64_t lo = std::min<int64_t>(s.Wo, iw0 >= 0 ? 0 : (-iw0 + g.sw - 1) / g.sw);
            const int64_t hi = std::max<int64_t>(lo, std::min<int64_t>(s.Wo, s.W - iw0 <= 0 ? 0 : (s.W - iw0 + g.sw - 1) / g.sw));
            if (cs == 1 && g.sw == 1) {
              for (int64_t ow = lo; ow < hi; ow++) a[ow + iw0] += load(o[ow]);
            } else {
              for (int64_t ow = lo; ow < hi; ow++) a[ow * g.sw + iw0] += load(o[ow * cs]);
            }
          }
        }
      }
      T* plane = ip + n * img.strides[0] + ch * img.strides[1];
      for (int64_t h = 0; h < s.H; h++)
        for (int64_t w = 0; w < s.W; w++) plane[h * img.strides[2] + w * img.strides[3]] = store<T>(acc[h * s.W + w]);
    }
  });
}

// col2im of float32 at stride 1 with an output as wide as the input (a 'same'-padded convolution's
// input gradient), contiguous planes and column rows: as in im2col's shifted copy, tap (ki, kj)'s
// column row adds into the plane shifted by a constant, so each tap is one long loop over the rows
// in range (compiled for the CPU's widest vectors) instead of a short loop per output row. The
// entries whose w falls outside the image are masked to +0 (per kj, by bits: exact, NaN included);
// the plane starts at +0 and is never -0, so adding +0 changes nothing: the same sums in the same
// order as col2imT's, which skips them. The sums go into the image itself (no accumulator).
void col2imShiftedF32(const TensorArg& img, const TensorArg& cols, const Geom& g, const ColShape& s) {
  const float* cp = cols.ptr<float>();
  float* ip = img.ptr<float>();
  const int64_t K = g.kh * g.kw, L = s.Ho * s.Wo, HW = s.H * s.W;
  std::vector<uint32_t> masks((size_t)(g.kw * L));  // [kj][oh * Wo + ow]: all ones where iw is inside
  for (int64_t kj = 0; kj < g.kw; kj++) {
    const int64_t iw0 = kj * g.dw - g.pw;
    for (int64_t j = 0; j < L; j++) {
      const int64_t iw = j % s.Wo + iw0;
      masks[(size_t)(kj * L + j)] = iw >= 0 && iw < s.W ? ~0u : 0u;
    }
  }
  parallelFor(s.N * s.C, planeGrain(K * L), [&](int64_t b, int64_t e) {
    vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
      for (int64_t p = b; p < e; p++) {
        const int64_t n = p / s.C, ch = p % s.C;
        float* plane = ip + n * img.strides[0] + ch * img.strides[1];
        std::memset(plane, 0, (size_t)HW * sizeof(float));
        for (int64_t ki = 0; ki < g.kh; ki++) {
          const int64_t hOff = ki * g.dh - g.ph;  // ih = oh + hOff
          const int64_t ohA = std::min(s.Ho, std::max<int64_t>(0, -hOff));
          const int64_t ohB = std::max(ohA, std::min(s.Ho, s.H - hOff));
          if (ohB == ohA) continue;
          for (int64_t kj = 0; kj < g.kw; kj++) {
            const float* row = cp + n * cols.strides[0] + (ch * K + ki * g.kw + kj) * cols.strides[1] + ohA * s.Wo;
            const uint32_t* m = masks.data() + kj * L + ohA * s.Wo;
            // flat target [s0, s0 + len) clipped to the plane (only masked entries fall outside it)
            const int64_t s0 = (ohA + hOff) * s.W + kj * g.dw - g.pw, len = (ohB - ohA) * s.Wo;
            const int64_t a = std::max<int64_t>(0, -s0), z = std::min(len, HW - s0);
            float* __restrict d = plane + s0 + a;
            const float* __restrict r = row + a;
            const uint32_t* __restrict mm = m + a;
            for (int64_t i = 0; i < z - a; i++) d[i] += vm::fromBits(vm::bits(r[i]) & mm[i]);
          }
        }
      }
    });
  });
}

void cpuCol2im(const OpCall& c) {
  need(c, 2);
  const Geom g = geomOf(c);
  const TensorArg &img = c.t[0], &cols = c.t[1];
  const ColShape s = checkCols(c, img, cols, g);
  if (img.numel() == 0) return;
  if (img.dtype == DType::F32 && cols.strides[2] == 1 && img.strides[3] == 1 && img.strides[2] == s.W && g.sh == 1 && g.sw == 1 &&
      s.Wo == s.W) {
    col2imShiftedF32(img, cols, g, s);
    return;
  }
  dispatchFloat(img.dtype, [&](auto tag) { col2imT<decltype(tag)>(img, cols, g, s); });
}

// ---- pooling ---------------------------------------------------------------------------------

template <class T> const T* planeOf(const TensorArg& t, int64_t n, int64_t ch) { return t.ptr<T>() + n * t.strides[0] + ch * t.strides[1]; }
template <class T> T* planeOfMut(const TensorArg& t, int64_t n, int64_t ch) { return t.ptr<T>() + n * t.strides[0] + ch * t.strides[1]; }

// float32 rows with unit column stride: L outputs of a row at once (maxPoolRow), on GCC/clang
// vector types, L = 8 where the row has 8 such outputs (the first 2x2 pool of a 28x28 CNN: 14) and
// 4 otherwise; the float32 kernel runs under vm::runVec, so these are AVX registers where the CPU has
// them (two SSE registers each on the baseline, NEON on arm64). A scalar compare-and-select of
// floats stays a branch in g++ (the ordered compare may trap unless -fno-trapping-math), and on real
// data which tap wins is unpredictable; vector compares and masks have no branch at all.
template <int L> struct PoolLanes {
  typedef float F __attribute__((vector_size(4 * L)));
  typedef int32_t I __attribute__((vector_size(4 * L)));
};

// Outputs ow0 .. ow0+L-1 of one output row, whose windows lie inside the row in w (the caller checks):
// the same taps in the same order as the scalar loop, so ties and NaNs resolve the same way.
// laneSw: {0, 1, ..., L-1} * sw.
template <int L>
FLINT_VM_INLINE void maxPoolRow(const float* xp, int64_t xsH, const Geom& g, int64_t W, int64_t h0, int64_t h1, int64_t ow0,
                                const typename PoolLanes<L>::I& laneSw, float* op, int64_t osW, int32_t* ip, int64_t isW) {
  typedef typename PoolLanes<L>::F VF;
  typedef typename PoolLanes<L>::I VI;
  const float ninf = -std::numeric_limits<float>::infinity();
  VF best = ninf - VF{};
  const int64_t wBase = ow0 * g.sw - g.pw;
  VI bi = laneSw + (int32_t)(h0 * W + wBase);
  for (int64_t h = h0; h < h1; h += g.dh) {
    const float* xr = xp + h * xsH;
    for (int64_t kj = 0; kj < g.kw; kj++) {
      const int64_t w = wBase + kj * g.dw;
      const float* q = xr + w;
      VF v;
      if (g.sw == 1) {
        std::memcpy(&v, q, sizeof v);
      } else if (g.sw == 2) {
        // q[0..L-1] and q[L-1..2L-2] (the last tap is q[2L-2]; two whole loads, no partial one through memory)
        VF lo, hi;
        std::memcpy(&lo, q, sizeof lo);
        std::memcpy(&hi, q + L - 1, sizeof hi);
        if constexpr (L == 4) v = __builtin_shufflevector(lo, hi, 0, 2, 5, 7);
        else v = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 9, 11, 13, 15);
      } else {
        for (int j = 0; j < L; j++) v[j] = q[j * g.sw];
      }
      const VI take = (v > best) | (v != v);
      best = (VF)(((VI)v & take) | ((VI)best & ~take));
      bi = ((laneSw + (int32_t)(h * W + w)) & take) | (bi & ~take);
    }
  }
  if (osW == 1 && isW == 1) {
    std::memcpy(op + ow0, &best, sizeof best);
    std::memcpy(ip + ow0, &bi, sizeof bi);
    return;
  }
  for (int j = 0; j < L; j++) {
    op[(ow0 + j) * osW] = best[j];
    ip[(ow0 + j) * isW] = bi[j];
  }
}

// The columns [vLo, vHi) of one output row in blocks of L; the last block ends at vHi (overlapping
// its neighbour: each output is a pure function of the input, written twice with the same value).
template <int L>
FLINT_VM_INLINE void maxPoolRowBlocks(const float* xp, int64_t xsH, const Geom& g, int64_t W, int64_t h0, int64_t h1, int64_t vLo,
                                      int64_t vHi, float* orow, int64_t osW, int32_t* irow, int64_t isW) {
  typename PoolLanes<L>::I laneSw;
  for (int j = 0; j < L; j++) laneSw[j] = j * (int32_t)g.sw;
  for (int64_t ow0 = vLo;; ow0 += L) {
    const int64_t at = std::min(ow0, vHi - L);
    maxPoolRow<L>(xp, xsH, g, W, h0, h1, at, laneSw, orow, osW, irow, isW);
    if (at + L >= vHi) break;
  }
}

template <class T>
void maxPoolT(const OpCall& c, const Geom& g, const Planes& s) {
  using C = typename ComputeT<T>::type;
  const TensorArg &out = c.t[0], &idx = c.t[1], &x = c.t[2];
  // the output columns whose windows need no clipping in w: [vLo, vHi)
  const int64_t vLo = std::min(s.Wo, (g.pw + g.sw - 1) / g.sw);
  const int64_t span = (g.kw - 1) * g.dw + 1;
  const int64_t vHi = std::max(vLo, std::min(s.Wo, s.W + g.pw - span < 0 ? 0 : (s.W + g.pw - span) / g.sw + 1));
  const bool vec = std::is_same<T, float>::value && x.strides[3] == 1;
  parallelFor(s.N * s.C, planeGrain(s.Ho * s.Wo * g.kh * g.kw), [&](int64_t b, int64_t e) {
    auto planes = [&]() FLINT_VM_INLINE_LAMBDA {
      for (int64_t p = b; p < e; p++) {
        const int64_t n = p / s.C, ch = p % s.C;
        const T* xp = planeOf<T>(x, n, ch);
        T* op = planeOfMut<T>(out, n, ch);
        int32_t* ip = planeOfMut<int32_t>(idx, n, ch);
        for (int64_t oh = 0; oh < s.Ho; oh++) {
          int64_t h0 = oh * g.sh - g.ph;
          const int64_t h1 = std::min(h0 + (g.kh - 1) * g.dh + 1, s.H);
          while (h0 < 0) h0 += g.dh;
          int64_t skipLo = s.Wo, skipHi = s.Wo;  // [skipLo, skipHi): outputs the vector path wrote
          if constexpr (std::is_same<T, float>::value) {
            if (vec && vHi - vLo >= 4) {
              T* orow = op + oh * out.strides[2];
              int32_t* irow = ip + oh * idx.strides[2];
              if (vHi - vLo >= 8)
                maxPoolRowBlocks<8>(xp, x.strides[2], g, s.W, h0, h1, vLo, vHi, orow, out.strides[3], irow, idx.strides[3]);
              else
                maxPoolRowBlocks<4>(xp, x.strides[2], g, s.W, h0, h1, vLo, vHi, orow, out.strides[3], irow, idx.strides[3]);
              skipLo = vLo;
              skipHi = vHi;
            }
          }
          for (int64_t ow = 0; ow < s.Wo; ow++) {
            if (ow == skipLo) { ow = skipHi - 1; continue; }
            int64_t w0 = ow * g.sw - g.pw;
            const int64_t w1 = std::min(w0 + (g.kw - 1) * g.dw + 1, s.W);
            while (w0 < 0) w0 += g.dw;
            // as PyTorch: the first maximum wins ties; a NaN wins (the last NaN seen). Selects, not
            // a branch: on real data which element wins is unpredictable (a 2x2 window of random
            // values mispredicted about once per output, most of this kernel's time).
            C best = -std::numeric_limits<C>::infinity();
            int32_t bi = (int32_t)(h0 * s.W + w0);
            for (int64_t h = h0; h < h1; h += g.dh) {
              const T* xr = xp + h * x.strides[2];
              for (int64_t w = w0; w < w1; w += g.dw) {
                const C v = load(xr[w * x.strides[3]]);
                const bool take = v > best || v != v;
                best = take ? v : best;
                bi = take ? (int32_t)(h * s.W + w) : bi;
              }
            }
            op[oh * out.strides[2] + ow * out.strides[3]] = store<T>(best);
            ip[oh * idx.strides[2] + ow * idx.strides[3]] = (int32_t)bi;
          }
        }
      }
    };
    // float32 on the CPU's widest vectors (the row kernels above); the other dtypes are scalar loops
    if constexpr (std::is_same<T, float>::value) vm::runVec(planes);
    else planes();
  });
}

void cpuMaxPool2d(const OpCall& c) {
  need(c, 3);
  const Geom g = geomOf(c);
  const Planes s = checkPool(c, c.t[2], c.t[0]);
  checkMaxPoolIndices(c);
  if (c.t[0].numel() == 0) return;
  dispatchFloat(c.t[0].dtype, [&](auto tag) { maxPoolT<decltype(tag)>(c, g, s); });
}

template <class T>
void maxPoolBackT(const OpCall& c, const Planes& s) {
  using C = typename ComputeT<T>::type;
  const TensorArg &gx = c.t[0], &go = c.t[1], &idx = c.t[2];
  const int64_t HW = s.H * s.W;
  auto badIndex = [&](int64_t i) {
    fail(ErrorKind::Index, "maxPool2dBackward: index " + to_string(i) + " is out of range for an input plane of " +
                               to_string(s.H) + "x" + to_string(s.W));
  };
  // float and double into a contiguous plane: the sums go into gx itself, zeroed first (the same
  // additions in the same order as through the accumulator), so the plane is written once instead of
  // an accumulator filled, summed into and copied out; 16-bit floats keep the float accumulator.
  const bool direct = std::is_same<T, C>::value && gx.strides[3] == 1 && gx.strides[2] == s.W;
  parallelFor(s.N * s.C, planeGrain(HW + s.Ho * s.Wo), [&](int64_t b, int64_t e) {
    std::vector<C> acc(direct ? 0 : (size_t)HW);
    for (int64_t p = b; p < e; p++) {
      const int64_t n = p / s.C, ch = p % s.C;
      const T* gp = planeOf<T>(go, n, ch);
      const int32_t* ip = planeOf<int32_t>(idx, n, ch);
      T* xp = planeOfMut<T>(gx, n, ch);
      C* sums = acc.data();
      if constexpr (std::is_same<T, C>::value) {
        if (direct) sums = xp;
      }
      std::fill(sums, sums + HW, C(0));
      for (int64_t oh = 0; oh < s.Ho; oh++)
        for (int64_t ow = 0; ow < s.Wo; ow++) {
          const int64_t i = ip[oh * idx.strides[2] + ow * idx.strides[3]];
          if (i < 0 || i >= HW) badIndex(i);
          sums[i] += load(gp[oh * go.strides[2] + ow * go.strides[3]]);
        }
      if (direct) continue;
      for (int64_t h = 0; h < s.H; h++)
        for (int64_t w = 0; w < s.W; w++) xp[h * gx.strides[2] + w * gx.strides[3]] = store<T>(acc[h * s.W + w]);
    }
  });
}

void cpuMaxPool2dBackward(const OpCall& c) {
  need(c, 3);
  const Planes s = checkPool(c, c.t[0], c.t[1]);
  checkMaxPoolBackwardIndices(c);
  if (c.t[0].numel() == 0) return;
  dispatchFloat(c.t[0].dtype, [&](auto tag) { maxPoolBackT<decltype(tag)>(c, s); });
}

// The average-pooling window of output (oh, ow) and its divisor: conv.h's avgWin, as on the GPU.
inline conv::AvgWin avgWin(const AvgParams& a, const Planes& s, int64_t oh, int64_t ow) {
  return conv::avgWin(conv::planeGeom(s, a.g), a.includePad, a.divisor, oh, ow);
}

template <class T>
void avgPoolT(const OpCall& c, const AvgParams& a, const Planes& s) {
  using C = typename ComputeT<T>::type;
  const TensorArg &out = c.t[0], &x = c.t[1];
  parallelFor(s.N * s.C, planeGrain(s.Ho * s.Wo * a.g.kh * a.g.kw), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; p++) {
      const int64_t n = p / s.C, ch = p % s.C;
      const T* xp = planeOf<T>(x, n, ch);
      T* op = planeOfMut<T>(out, n, ch);
      for (int64_t oh = 0; oh < s.Ho; oh++)
        for (int64_t ow = 0; ow < s.Wo; ow++) {
          const conv::AvgWin w = avgWin(a, s, oh, ow);
          C sum = 0;
          for (int64_t h = w.h0; h < w.h1; h++)
            for (int64_t q = w.w0; q < w.w1; q++) sum += load(xp[h * x.strides[2] + q * x.strides[3]]);
          op[oh * out.strides[2] + ow * out.strides[3]] = store<T>(w.div > 0 ? (C)(sum / (C)w.div) : C(0));
        }
    }
  });
}

template <class T>
void avgPoolBackT(const OpCall& c, const AvgParams& a, const Planes& s) {
  using C = typename ComputeT<T>::type;
  const TensorArg &gx = c.t[0], &go = c.t[1];
  const int64_t HW = s.H * s.W;
  parallelFor(s.N * s.C, planeGrain(s.Ho * s.Wo * a.g.kh * a.g.kw), [&](int64_t b, int64_t e) {
    std::vector<C> acc((size_t)HW);
    for (int64_t p = b; p < e; p++) {
      const int64_t n = p / s.C, ch = p % s.C;
      std::fill(acc.begin(), acc.end(), C(0));
      const T* gp = planeOf<T>(go, n, ch);
      for (int64_t oh = 0; oh < s.Ho; oh++)
        for (int64_t ow = 0; ow < s.Wo; ow++) {
          const conv::AvgWin w = avgWin(a, s, oh, ow);
          if (w.div <= 0) continue;
          const C v = (C)(load(gp[oh * go.strides[2] + ow * go.strides[3]]) / (C)w.div);
          for (int64_t h = w.h0; h < w.h1; h++)
            for (int64_t q = w.w0; q < w.w1; q++) acc[h * s.W + q] += v;
        }
      T* xp = planeOfMut<T>(gx, n, ch);
      for (int64_t h = 0; h < s.H; h++)
        for (int64_t w = 0; w < s.W; w++) xp[h * gx.strides[2] + w * gx.strides[3]] = store<T>(acc[h * s.W + w]);
    }
  });
}

void cpuAvgPool2d(const OpCall& c) {
  need(c, 2);
  const AvgParams a = avgParamsOf(c);
  const Planes s = checkPool(c, c.t[1], c.t[0]);
  if (c.t[0].numel() == 0) return;
  dispatchFloat(c.t[0].dtype, [&](auto tag) { avgPoolT<decltype(tag)>(c, a, s); });
}

void cpuAvgPool2dBackward(const OpCall& c) {
  need(c, 2);
  const AvgParams a = avgParamsOf(c);
  const Planes s = checkPool(c, c.t[0], c.t[1]);
  if (c.t[0].numel() == 0) return;
  dispatchFloat(c.t[0].dtype, [&](auto tag) { avgPoolBackT<decltype(tag)>(c, a, s); });
}

using conv::adEnd;
using conv::adStart;

template <class T>
void adaptiveAvgT(const OpCall& c, const Planes& s) {
  using C = typename ComputeT<T>::type;
  const TensorArg &out = c.t[0], &x = c.t[1];
  parallelFor(s.N * s.C, planeGrain(s.H * s.W + s.Ho * s.Wo), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; p++) {
      const int64_t n = p / s.C, ch = p % s.C;
      const T* xp = planeOf<T>(x, n, ch);
      T* op = planeOfMut<T>(out, n, ch);
      for (int64_t oh = 0; oh < s.Ho; oh++) {
        const int64_t h0 = adStart(oh, s.H, s.Ho), h1 = adEnd(oh, s.H, s.Ho);
        for (int64_t ow = 0; ow < s.Wo; ow++) {
          const int64_t w0 = adStart(ow, s.W, s.Wo), w1 = adEnd(ow, s.W, s.Wo);
          C sum = 0;
          for (int64_t h = h0; h < h1; h++)
            for (int64_t w = w0; w < w1; w++) sum += load(xp[h * x.strides[2] + w * x.strides[3]]);
          op[oh * out.strides[2] + ow * out.strides[3]] = store<T>(sum / (C)((h1 - h0) * (w1 - w0)));
        }
      }
    }
  });
}

template <class T>
void adaptiveAvgBackT(const OpCall& c, const Planes& s) {
  using C = typename ComputeT<T>::type;
  const TensorArg &gx = c.t[0], &go = c.t[1];
  const int64_t HW = s.H * s.W;
  parallelFor(s.N * s.C, planeGrain(HW + s.Ho * s.Wo), [&](int64_t b, int64_t e) {
    std::vector<C> acc((size_t)HW);
    for (int64_t p = b; p < e; p++) {
      const int64_t n = p / s.C, ch = p % s.C;
      std::fill(acc.begin(), acc.end(), C(0));
      const T* gp = planeOf<T>(go, n, ch);
      for (int64_t oh = 0; oh < s.Ho; oh++) {
        const int64_t h0 = adStart(oh, s.H, s.Ho), h1 = adEnd(oh, s.H, s.Ho);
        for (int64_t ow = 0; ow < s.Wo; ow++) {
          const int64_t w0 = adStart(ow, s.W, s.Wo), w1 = adEnd(ow, s.W, s.Wo);
          const C v = load(gp[oh * go.strides[2] + ow * go.strides[3]]) / (C)((h1 - h0) * (w1 - w0));
          for (int64_t h = h0; h < h1; h++)
            for (int64_t w = w0; w < w1; w++) acc[h * s.W + w] += v;
        }
      }
      T* xp = planeOfMut<T>(gx, n, ch);
      for (int64_t h = 0; h < s.H; h++)
        for (int64_t w = 0; w < s.W; w++) xp[h * gx.strides[2] + w * gx.strides[3]] = store<T>(acc[h * s.W + w]);
    }
  });
}

void cpuAdaptiveAvgPool2d(const OpCall& c) {
  need(c, 2);
  const Planes s = checkPool(c, c.t[1], c.t[0]);
  checkAdaptive(c, s);
  if (c.t[0].numel() == 0) return;
  dispatchFloat(c.t[0].dtype, [&](auto tag) { adaptiveAvgT<decltype(tag)>(c, s); });
}

void cpuAdaptiveAvgPool2dBackward(const OpCall& c) {
  need(c, 2);
  const Planes s = checkPool(c, c.t[0], c.t[1]);
  checkAdaptive(c, s);
  if (c.t[0].numel() == 0) return;
  dispatchFloat(c.t[0].dtype, [&](auto tag) { adaptiveAvgBackT<decltype(tag)>(c, s); });
}

}  // namespace

FLINT_REGISTER_OP("im2col", DeviceType::CPU, cpuIm2col);
FLINT_REGISTER_OP("col2im", DeviceType::CPU, cpuCol2im);
FLINT_REGISTER_OP("maxPool2d", DeviceType::CPU, cpuMaxPool2d);
FLINT_REGISTER_OP("maxPool2dBackward", DeviceType::CPU, cpuMaxPool2dBackward);
FLINT_REGISTER_OP("avgPool2d", DeviceType::CPU, cpuAvgPool2d);
FLINT_REGISTER_OP("avgPool2dBackward", DeviceType::CPU, cpuAvgPool2dBackward);
FLINT_REGISTER_OP("adaptiveAvgPool2d", DeviceType::CPU, cpuAdaptiveAvgPool2d);
FLINT_REGISTER_OP("adaptiveAvgPool2dBackward", DeviceType::CPU, cpuAdaptiveAvgPool2dBackward);

}  // namespace flint
