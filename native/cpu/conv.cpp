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
//   conv2dForward, conv2dBackwardInput, conv2dBackwardWeight: the fused convolution (float32 and
//                              float64, CPU only), described at its section below
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
#include "gemm.h"

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

// ---- the fused CPU convolution (float32, float64) ----------------------------------------------
//
// conv2d on the CPU without the whole batch's column matrix: lib/ops/conv.ts used to write the
// columns of every image ([C*kh*kw, N*Ho*Wo]: kh*kw times the input, 226 MB for a [128, 48, 32, 32]
// 3x3 layer), multiply, and permute the [O, N*L] product back to [N, O, Ho, Wo]; each of those
// passes went through main memory, and the GEMMs read their columns from there. Here the work is
// cut into units of one image, one group and a block of output rows whose columns fit in the
// core's cache (kColBlockBytes); each unit writes its block of columns into a per-thread buffer and
// multiplies it straight into the output image (NCHW: no permute). Units run over the thread pool
// when there are enough of them (each GEMM then runs on its unit's thread); otherwise they run one
// by one and the GEMM and the column copies split over the pool. Special shapes:
//   - pointwise (1x1, stride 1, no padding): an image's group IS its column matrix: no copy at all;
//   - one input channel per group with groups > 1 (depthwise, with any channel multiplier): direct
//     loops over the kernel taps, one output plane at a time, instead of per-group GEMMs with M = 1
//     (a single-channel input with groups 1, a CNN's first layer, stays on the GEMM: measured faster);
//   - the input gradient at stride 1 with at least 32 input channels per group: the forward's units
//     again, on gy with the flipped, transposed kernel (a GEMM with K = Og*kh*kw and no scatter);
//     otherwise W^T times a block of gy (K = Og), its columns added back into the image (col2im,
//     per image: blocks overlap);
//   - small images (a whole image in one block, under kBatchCols pixels): several per GEMM;
//   - float32 3x3 at stride 1, dilation 1, groups 1 (forward, input and weight gradients): Winograd
//     F(2x2, 3x3) or F(4x4, 3x3) where it measured faster (its section below, winogradTile).
// What a faster version would do: its own AVX-512 micro-kernels reading the image directly (oneDNN's
// direct convolution: torch's forward reaches ~160 GFLOP/s on one core of this host where OpenBLAS's
// sgemm on these M = 48..256 products reaches 115-150).
// Sums: every output element's sums run in an order fixed by the shapes and the thread count (never
// by which thread took which unit; a GEMM split over the pool is cut as native/cpu/gemm.cpp says). The weight gradient sums the batch in up to kWgradParts fixed parts (each part's
// images in order, into its own buffer) added in part order; the bias gradient in double.
//
//   conv2dForward         t: y [N, O, Ho, Wo], x [N, C, H, W], w [O, C/groups, kh, kw][, bias [O]]
//   conv2dBackwardInput   t: gx [N, C, H, W], gy [N, O, Ho, Wo], w
//   conv2dBackwardWeight  t: gw [O, C/groups, kh, kw], gy [N, O, Ho, Wo], x[, gb [O]]
//                         p (all three): kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, pb, pr, groups[, Winograd
//                         mode: float32 3x3 stride 1; see winogradTile]
// All operands contiguous, one dtype (float32 or float64); outputs are fully written.

// a unit's columns: a quarter of a core's L2 on the 2-core development host (256 KB-1 MB measured alike on
// the [128, 48, 32, 32] and ResNet-18 layers, 2 MB and more 10-30% slower: the GEMM packs them once more)
constexpr int64_t kColBlockBytes = 512 << 10;
constexpr int64_t kMinBlockCols = 256;       // ... but at least this many output pixels per GEMM
constexpr int64_t kWgradParts = 8;           // the weight gradient's fixed parts of the batch ...
constexpr int64_t kWgradPartBytes = 8 << 20;  // ... fewer when their partial sums would pass this (large O x K)
// Small images (a whole image's columns in one block, fewer than kBatchCols pixels) are batched: a
// forward unit takes several images (one GEMM of up to kBatchCols columns, then copied into NCHW),
// and the weight gradient multiplies several images' columns at once (up to kWgradBatchBytes of
// them: fewer passes over its Og x K partial sums). 28x28 CNN layers ran one 0.1 ms GEMM per image.
constexpr int64_t kBatchCols = 1024;
constexpr int64_t kFlipMinChannels = 32;  // the stride-1 input gradient as a flipped-kernel convolution from Cg = 32
constexpr int64_t kWgradBatchBytes = 4 << 20;

struct Fused {
  int64_t N, C, H, W, O, Ho, Wo, G, Cg, Og, K, L;
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
  bool pointwise;  // 1x1, stride 1, no padding: a group of an image is its own column matrix
  bool direct;     // one input channel per group: direct loops over the taps
  int64_t rows, blocks;  // output rows per column block, blocks per image
  int64_t imgs, wimgs;   // images per forward unit, per weight-gradient GEMM (1 unless blocks == 1)
};

// Output rows per column block: the block's columns within kColBlockBytes, at least kMinBlockCols pixels.
void planBlocks(Fused& f, int64_t item) {
  f.rows = std::max<int64_t>(1, kColBlockBytes / std::max<int64_t>(1, f.K * f.Wo * item));
  f.rows = std::max(f.rows, (kMinBlockCols + f.Wo - 1) / std::max<int64_t>(1, f.Wo));
  f.rows = f.pointwise ? std::max<int64_t>(1, f.Ho) : std::min(f.rows, std::max<int64_t>(1, f.Ho));
  f.blocks = f.Ho == 0 ? 0 : (f.Ho + f.rows - 1) / f.rows;
  f.imgs = f.wimgs = 1;
  if (!f.pointwise && f.blocks == 1 && f.L > 0 && f.K > 0) {
    const int64_t img = f.K * f.L * item;
    f.imgs = std::max<int64_t>(1, std::min({f.N, kBatchCols / f.L, kColBlockBytes / img}));
    f.wimgs = std::max<int64_t>(1, std::min(f.N, kWgradBatchBytes / img));
  }
}

// img: [N, C, H, W]; out: [N, O, Ho, Wo]; w: [O, C/groups, kh, kw]; the checks of checkCols plus the
// channel counts, contiguity and dtype (float32/float64: lib/ops/conv.ts routes the others elsewhere).
Fused fusedOf(const OpCall& c, const TensorArg& img, const TensorArg& out, const TensorArg& w) {
  const Geom g = geomOf(c);
  need4d(c, img, "the input");
  need4d(c, out, "the output");
  need4d(c, w, "the weight");
  const int64_t Ho = (int64_t)c.param(8), Wo = (int64_t)c.param(9), pb = (int64_t)c.param(10), pr = (int64_t)c.param(11);
  const int64_t G = (int64_t)c.param(12);
  Fused f{};
  f.N = img.shape[0]; f.C = img.shape[1]; f.H = img.shape[2]; f.W = img.shape[3];
  f.O = w.shape[0]; f.Ho = Ho; f.Wo = Wo; f.G = G;
  f.kh = g.kh; f.kw = g.kw; f.sh = g.sh; f.sw = g.sw; f.ph = g.ph; f.pw = g.pw; f.dh = g.dh; f.dw = g.dw;
  if (G < 1 || f.C % G != 0 || f.O % G != 0 || w.shape[1] * G != f.C || w.shape[2] != g.kh || w.shape[3] != g.kw)
    fail(ErrorKind::Shape, std::string(c.name) + ": weight " + w.shapeStr() + " does not fit input " + img.shapeStr() + " with groups " +
                               to_string(G) + " and a " + to_string(g.kh) + "x" + to_string(g.kw) + " kernel");
  if (out.shape[0] != f.N || out.shape[1] != f.O || out.shape[2] != Ho || out.shape[3] != Wo)
    fail(ErrorKind::Shape, std::string(c.name) + ": output " + out.shapeStr() + " does not match input " + img.shapeStr() + " and weight " +
                               w.shapeStr() + " (expected [" + to_string(f.N) + ", " + to_string(f.O) + ", " + to_string(Ho) + ", " + to_string(Wo) + "])");
  if (pb < 0 || pr < 0 || Ho < 0 || Wo < 0 || (Ho > 0 && (Ho - 1) * g.sh + (g.kh - 1) * g.dh >= f.H + g.ph + pb) ||
      (Wo > 0 && (Wo - 1) * g.sw + (g.kw - 1) * g.dw >= f.W + g.pw + pr))
    fail(ErrorKind::Shape, std::string(c.name) + ": output " + to_string(Ho) + "x" + to_string(Wo) + " is too large for input " + img.shapeStr());
  for (const TensorArg* t : {&img, &out, &w})
    if (t->dtype != img.dtype || (img.dtype != DType::F32 && img.dtype != DType::F64))
      fail(ErrorKind::DType, std::string(c.name) + ": expected float32 or float64 operands of one dtype, got " + dtypeName(img.dtype) + " and " +
                                 dtypeName(t->dtype));
  for (int i = 0; i < c.nt; i++)
    if (c.t[i].numel() > 0 && !c.t[i].isContiguous()) fail(ErrorKind::Value, std::string(c.name) + ": operand " + to_string(i) + " " + c.t[i].shapeStr() + " must be contiguous");
  f.Cg = f.C / G; f.Og = f.O / G;
  f.K = f.Cg * g.kh * g.kw; f.L = Ho * Wo;
  f.pointwise = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && Ho == f.H && Wo == f.W;
  f.direct = f.Cg == 1 && G > 1 && !f.pointwise;
  planBlocks(f, img.dtype == DType::F32 ? 4 : 8);
  return f;
}

void checkBias(const OpCall& c, const TensorArg& b, const Fused& f, const char* what) {
  if (b.ndim != 1 || b.shape[0] != f.O)
    fail(ErrorKind::Shape, std::string(c.name) + ": " + what + " must be [" + to_string(f.O) + "], got " + b.shapeStr());
  if (b.dtype != c.t[0].dtype) fail(ErrorKind::DType, std::string(c.name) + ": " + what + " must be " + dtypeName(c.t[0].dtype) + ", got " + dtypeName(b.dtype));
}

void gemmT(bool tA, bool tB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
           float* C, int64_t ldc) {
  gemmF32(tA, tB, M, N, K, 1.f, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}
void gemmT(bool tA, bool tB, int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, const double* B, int64_t ldb, double beta,
           double* C, int64_t ldc) {
  gemmF64(tA, tB, M, N, K, 1.0, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}

// A per-thread scratch buffer (kept between calls: a fresh one per unit would page-fault each time).
// Slot 0 is runUnits' unit buffer; slot 1 a call's own (the Winograd kernel transform).
template <class T, int Slot = 0> T* scratch(int64_t elems) {
  thread_local std::vector<double> buf;
  const size_t need = (size_t)((elems * (int64_t)sizeof(T) + 7) / 8);
  if (buf.size() < need) buf.resize(need);
  return reinterpret_cast<T*>(buf.data());
}

// The output columns ow of a row whose input column iw = ow*sw + iw0 lies inside [0, W): [lo, hi).
inline void validCols(int64_t iw0, int64_t sw, int64_t W, int64_t Wo, int64_t& lo, int64_t& hi) {
  lo = std::min<int64_t>(Wo, iw0 >= 0 ? 0 : (-iw0 + sw - 1) / sw);
  hi = std::max<int64_t>(lo, std::min<int64_t>(Wo, W - iw0 <= 0 ? 0 : (W - iw0 + sw - 1) / sw));
}

// Columns of output rows [oh0, oh1) of the Cg planes at xg ([Cg, H, W]) into cols [Cg*kh*kw, (oh1-oh0)*Wo].
template <class T>
void im2colBlock(T* cols, const T* xg, const Fused& f, int64_t oh0, int64_t oh1, int64_t ld = -1) {
  const int64_t Lc = (oh1 - oh0) * f.Wo, taps = f.kh * f.kw;
  if (ld < 0) ld = Lc;  // the row stride of cols: wider when several images share the buffer
  parallelFor(f.Cg, planeGrain(taps * Lc), [&](int64_t c0, int64_t c1) {
    for (int64_t ch = c0; ch < c1; ch++) {
      const T* plane = xg + ch * f.H * f.W;
      for (int64_t ki = 0; ki < f.kh; ki++)
        for (int64_t kj = 0; kj < f.kw; kj++) {
          T* row = cols + (ch * taps + ki * f.kw + kj) * ld;
          const int64_t iw0 = kj * f.dw - f.pw;
          int64_t lo, hi;
          validCols(iw0, f.sw, f.W, f.Wo, lo, hi);
          for (int64_t oh = oh0; oh < oh1; oh++) {
            T* o = row + (oh - oh0) * f.Wo;
            const int64_t ih = oh * f.sh - f.ph + ki * f.dh;
            if (ih < 0 || ih >= f.H) { std::fill(o, o + f.Wo, T(0)); continue; }
            const T* xr = plane + ih * f.W + iw0;
            std::fill(o, o + lo, T(0));
            if (f.sw == 1) std::memcpy(o + lo, xr + lo, (size_t)(hi - lo) * sizeof(T));
            else for (int64_t ow = lo; ow < hi; ow++) o[ow] = xr[ow * f.sw];
            std::fill(o + hi, o + f.Wo, T(0));
          }
        }
    }
  });
}

// The adjoint: adds cols [Cg*kh*kw, (oh1-oh0)*Wo] into the planes at gxg ([Cg, H, W]).
template <class T>
void col2imBlock(T* gxg, const T* cols, const Fused& f, int64_t oh0, int64_t oh1) {
  const int64_t Lc = (oh1 - oh0) * f.Wo, taps = f.kh * f.kw;
  parallelFor(f.Cg, planeGrain(taps * Lc), [&](int64_t c0, int64_t c1) {
    for (int64_t ch = c0; ch < c1; ch++) {
      T* plane = gxg + ch * f.H * f.W;
      for (int64_t ki = 0; ki < f.kh; ki++)
        for (int64_t kj = 0; kj < f.kw; kj++) {
          const T* row = cols + (ch * taps + ki * f.kw + kj) * Lc;
          const int64_t iw0 = kj * f.dw - f.pw;
          int64_t lo, hi;
          validCols(iw0, f.sw, f.W, f.Wo, lo, hi);
          for (int64_t oh = oh0; oh < oh1; oh++) {
            const int64_t ih = oh * f.sh - f.ph + ki * f.dh;
            if (ih < 0 || ih >= f.H) continue;
            const T* __restrict o = row + (oh - oh0) * f.Wo;
            T* __restrict xr = plane + ih * f.W + iw0;
            if (f.sw == 1) for (int64_t ow = lo; ow < hi; ow++) xr[ow] += o[ow];
            else for (int64_t ow = lo; ow < hi; ow++) xr[ow * f.sw] += o[ow];
          }
        }
    }
  });
}

// Runs units 0..n-1 (each given a per-thread scratch buffer of bufElems): over the pool when there
// are at least two per thread, else one by one (their GEMMs and column copies then split over the pool).
template <class T, class F>
void runUnits(int64_t n, int64_t bufElems, F&& unit) {
  if (numThreads() > 1 && n >= 2 * numThreads()) {
    parallelFor(n, 1, [&](int64_t b, int64_t e) {
      T* buf = scratch<T>(bufElems);
      for (int64_t u = b; u < e; u++) unit(u, buf);
    });
    return;
  }
  T* buf = scratch<T>(bufElems);
  for (int64_t u = 0; u < n; u++) unit(u, buf);
}

int64_t blockElems(const Fused& f) { return f.pointwise ? 1 : f.K * f.rows * f.Wo; }
// the forward's scratch: a block's columns, or imgs images' columns and their [Og, imgs*L] product
int64_t forwardElems(const Fused& f) { return f.imgs > 1 ? (f.K + f.Og) * f.imgs * f.L : blockElems(f); }
// the weight gradient's: a block's columns, or wimgs images' columns and their [Og, wimgs*L] gradient
int64_t wgradElems(const Fused& f) { return f.wimgs > 1 ? (f.K + f.Og) * f.wimgs * f.L : blockElems(f); }

// ---- direct loops: one input channel per group ----

// y[n, o] for output channels [o0, o1) of image n: bias (or 0), then the taps in order.
template <class T>
FLINT_VM_INLINE void directForwardPlane(T* __restrict yo, const T* __restrict xp, const T* __restrict wk, T bias, const Fused& f) {
  for (int64_t oh = 0; oh < f.Ho; oh++) {
    T* __restrict row = yo + oh * f.Wo;
    for (int64_t ow = 0; ow < f.Wo; ow++) row[ow] = bias;
    for (int64_t ki = 0; ki < f.kh; ki++) {
      const int64_t ih = oh * f.sh - f.ph + ki * f.dh;
      if (ih < 0 || ih >= f.H) continue;
      for (int64_t kj = 0; kj < f.kw; kj++) {
        const int64_t iw0 = kj * f.dw - f.pw;
        int64_t lo, hi;
        validCols(iw0, f.sw, f.W, f.Wo, lo, hi);
        const T wv = wk[ki * f.kw + kj];
        const T* __restrict xr = xp + ih * f.W + iw0;
        if (f.sw == 1) for (int64_t ow = lo; ow < hi; ow++) row[ow] += wv * xr[ow];
        else for (int64_t ow = lo; ow < hi; ow++) row[ow] += wv * xr[ow * f.sw];
      }
    }
  }
}

template <class T>
FLINT_VM_INLINE void directInputPlane(T* __restrict gxp, const T* __restrict gyp, const T* __restrict wk, const Fused& f) {
  for (int64_t oh = 0; oh < f.Ho; oh++) {
    const T* __restrict gr = gyp + oh * f.Wo;
    for (int64_t ki = 0; ki < f.kh; ki++) {
      const int64_t ih = oh * f.sh - f.ph + ki * f.dh;
      if (ih < 0 || ih >= f.H) continue;
      for (int64_t kj = 0; kj < f.kw; kj++) {
        const int64_t iw0 = kj * f.dw - f.pw;
        int64_t lo, hi;
        validCols(iw0, f.sw, f.W, f.Wo, lo, hi);
        const T wv = wk[ki * f.kw + kj];
        T* __restrict xr = gxp + ih * f.W + iw0;
        if (f.sw == 1) for (int64_t ow = lo; ow < hi; ow++) xr[ow] += wv * gr[ow];
        else for (int64_t ow = lo; ow < hi; ow++) xr[ow * f.sw] += wv * gr[ow];
      }
    }
  }
}

// Σ over one image of gy[o] * (tap t's shifted input plane), per tap, added into acc[t] (double):
// each tap's products in 16 fixed lanes of T (lane = position in the row's run mod 16, so they
// vectorise and give the same sums on every ISA) and one more for the runs' tails, added in double.
template <class T>
FLINT_VM_INLINE void directWeightPlane(double* acc, const T* __restrict gyp, const T* __restrict xp, const Fused& f) {
  for (int64_t ki = 0; ki < f.kh; ki++)
    for (int64_t kj = 0; kj < f.kw; kj++) {
      const int64_t iw0 = kj * f.dw - f.pw;
      int64_t lo, hi;
      validCols(iw0, f.sw, f.W, f.Wo, lo, hi);
      T l[16] = {}, tail = 0;  // the rows' runs in 16-wide steps into l, their last len % 16 products into tail
      const int64_t len = hi - lo;
      for (int64_t oh = 0; oh < f.Ho; oh++) {
        const int64_t ih = oh * f.sh - f.ph + ki * f.dh;
        if (ih < 0 || ih >= f.H) continue;
        const T* __restrict gr = gyp + oh * f.Wo + lo;
        const T* __restrict xr = xp + ih * f.W + iw0 + lo * f.sw;
        int64_t i = 0;
        if (f.sw == 1) {
          for (; i + 16 <= len; i += 16)
            for (int k = 0; k < 16; k++) l[k] += gr[i + k] * xr[i + k];
          for (; i < len; i++) tail += gr[i] * xr[i];
        } else {
          for (; i + 16 <= len; i += 16)
            for (int k = 0; k < 16; k++) l[k] += gr[i + k] * xr[(i + k) * f.sw];
          for (; i < len; i++) tail += gr[i] * xr[i * f.sw];
        }
      }
      double s = (double)tail;
      for (int k = 0; k < 16; k++) s += (double)l[k];
      acc[ki * f.kw + kj] += s;
    }
}

// ---- Winograd F(m x m, 3x3): float32 3x3 convolutions at stride 1 ----
//
// A 3x3 stride-1 convolution computes each m x m tile of output from an (m+2) x (m+2) patch of input;
// in the Winograd domain that is an elementwise product per channel pair (Lavin and Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2016):
//   Y[o] = Aᵀ ( Σ_c (G g[o,c] Gᵀ) ⊙ (Bᵀ d[c] B) ) A
// so that, with the (m+2)² transformed positions ξ as a batch, the sum over channels is (m+2)²
// independent GEMMs: M[ξ] (Cout x tiles) = U[ξ] (Cout x Cin) · V[ξ] (Cin x tiles). That is
// (m+2)²/(9m²) of the direct form's multiply-adds: 16/36 for F(2x2), 36/144 for F(4x4); the transforms
// are additions and a few multiplies per patch, linear in Cin and in Cout.
//   - The kernel is transformed once per call (U: (m+2)² x Cout x Cin floats, computed in double and
//     rounded once). The input gradient at stride 1 is the convolution of gy with the kernel flipped
//     in h and w and its in/out channels swapped, padded by 2 - p: the same kernel, with U built
//     from the flipped, transposed weight.
//   - Tiles are taken in groups of up to 16 along one tile row of one image (16 SIMD lanes, one tile
//     each: a group's patch rows are loaded once and split into the m phases of the column by
//     shuffles; the transforms are then lane-wise vector arithmetic, the same code on every ISA, no
//     FMA). Units of work are blocks of consecutive groups (whole tile rows, images mixed), sized by
//     kWinoBlockBytes so that a block's V and M stay near the core's cache; each unit transforms its
//     input, makes one batched GEMM call and transforms its output straight into NCHW (bias added).
//   - Sums: a block's composition depends on the shapes only, and its GEMMs are the same BLAS calls
//     at any thread count (whole batch entries: native/cpu/gemm.cpp, splitGemm); the transforms are
//     per lane. So the result has the same bits at 1 and 2 threads.
//   - Accuracy: the transforms amplify float32 rounding (F(4x4)'s points ±2 more than F(2x2)'s ±1);
//     the measured errors and the choice between the two are in winogradTile below.
//   - Non-finite values: a NaN or Inf in a patch would reach every output of its tile through the
//     transforms (Inf - Inf), and inputs near float's range can overflow the transformed values. A
//     tile whose outputs come out non-finite is recomputed by the direct sum (winoDirectTile), so the
//     outputs are NaN or Inf where the GEMM path's are, and nowhere else.
// Used by conv2dForward and conv2dBackwardInput (and, through its adjoint below, conv2dBackwardWeight)
// for float32 3x3 kernels, stride 1, dilation 1, groups 1 (any padding), where winogradTile's measured
// heuristic says it pays; float64 keeps the GEMM path.

typedef float WinoVec __attribute__((vector_size(64)));  // 16 lanes: 16 tiles of one tile row
constexpr int kWinoLanes = 16;

FLINT_VM_INLINE void winoLoad(WinoVec& v, const float* p) { std::memcpy(&v, p, sizeof v); }

FLINT_VM_INLINE void winoStore(float* p, const WinoVec& v) { std::memcpy(p, &v, sizeof v); }

// n floats from src to dst (not overlapping) in whole vectors: the last one ends at n and overlaps its
// neighbour (the same values twice). A memcpy of a size known only at run time is a library call.
FLINT_VM_INLINE void winoCopy(float* __restrict dst, const float* __restrict src, int64_t n) {
  if (n < kWinoLanes) {
    for (int64_t i = 0; i < n; i++) dst[i] = src[i];
    return;
  }
  WinoVec v;
  for (int64_t i = 0; i + kWinoLanes < n; i += kWinoLanes) {
    winoLoad(v, src + i);
    winoStore(dst + i, v);
  }
  winoLoad(v, src + n - kWinoLanes);
  winoStore(dst + n - kWinoLanes, v);
}

#define WINO_EVEN 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define WINO_ODD 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define WINO_NEXT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#define WINO_LO 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define WINO_HI 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31

// A patch row r (16m + 16 floats; tile l's columns are r[m*l .. m*l + m + 1]) split into its m + 2
// columns: P[j][l] = r[m*l + j].
template <int m>
FLINT_VM_INLINE void winoColumns(const float* r, WinoVec (&P)[m + 2]) {
  if constexpr (m == 2) {
    WinoVec a0, a1, a2;
    winoLoad(a0, r); winoLoad(a1, r + 16); winoLoad(a2, r + 32);
    P[0] = __builtin_shufflevector(a0, a1, WINO_EVEN);
    P[1] = __builtin_shufflevector(a0, a1, WINO_ODD);
    P[2] = __builtin_shufflevector(P[0], a2, WINO_NEXT, 16);
    P[3] = __builtin_shufflevector(P[1], a2, WINO_NEXT, 17);
  } else {
    WinoVec a0, a1, a2, a3, a4;
    winoLoad(a0, r); winoLoad(a1, r + 16); winoLoad(a2, r + 32); winoLoad(a3, r + 48); winoLoad(a4, r + 64);
    const WinoVec e01 = __builtin_shufflevector(a0, a1, WINO_EVEN), o01 = __builtin_shufflevector(a0, a1, WINO_ODD);
    const WinoVec e23 = __builtin_shufflevector(a2, a3, WINO_EVEN), o23 = __builtin_shufflevector(a2, a3, WINO_ODD);
    P[0] = __builtin_shufflevector(e01, e23, WINO_EVEN);
    P[1] = __builtin_shufflevector(o01, o23, WINO_EVEN);
    P[2] = __builtin_shufflevector(e01, e23, WINO_ODD);
    P[3] = __builtin_shufflevector(o01, o23, WINO_ODD);
    P[4] = __builtin_shufflevector(P[0], a4, WINO_NEXT, 16);
    P[5] = __builtin_shufflevector(P[1], a4, WINO_NEXT, 17);
  }
}

// The inverse for an output row: Y[s][l] (s < m) into r[m*l + s], 16m floats.
template <int m>
FLINT_VM_INLINE void winoInterleave(const WinoVec (&Y)[m], float* r) {
  if constexpr (m == 2) {
    const WinoVec lo = __builtin_shufflevector(Y[0], Y[1], WINO_LO), hi = __builtin_shufflevector(Y[0], Y[1], WINO_HI);
    std::memcpy(r, &lo, sizeof lo);
    std::memcpy(r + 16, &hi, sizeof hi);
  } else {
    // (Y0, Y2) and (Y1, Y3) interleaved, then the two results: Y0[l], Y1[l], Y2[l], Y3[l], ...
    const WinoVec z0 = __builtin_shufflevector(Y[0], Y[2], WINO_LO), z1 = __builtin_shufflevector(Y[0], Y[2], WINO_HI);
    const WinoVec w0 = __builtin_shufflevector(Y[1], Y[3], WINO_LO), w1 = __builtin_shufflevector(Y[1], Y[3], WINO_HI);
    const WinoVec r0 = __builtin_shufflevector(z0, w0, WINO_LO), r1 = __builtin_shufflevector(z0, w0, WINO_HI);
    const WinoVec r2 = __builtin_shufflevector(z1, w1, WINO_LO), r3 = __builtin_shufflevector(z1, w1, WINO_HI);
    std::memcpy(r, &r0, sizeof r0);
    std::memcpy(r + 16, &r1, sizeof r1);
    std::memcpy(r + 32, &r2, sizeof r2);
    std::memcpy(r + 48, &r3, sizeof r3);
  }
}

#undef WINO_EVEN
#undef WINO_ODD
#undef WINO_NEXT
#undef WINO_LO
#undef WINO_HI

// Bᵀ d for one column of m + 2 values (F(2x2): points 0, ±1; F(4x4): 0, ±1, ±2; Lavin and Gray's matrices)
template <int m>
FLINT_VM_INLINE void winoInput1d(const WinoVec (&d)[m + 2], WinoVec (&o)[m + 2]) {
  if constexpr (m == 2) {
    o[0] = d[0] - d[2];
    o[1] = d[1] + d[2];
    o[2] = d[2] - d[1];
    o[3] = d[1] - d[3];
  } else {
    const WinoVec s12 = d[1] + d[2], s34 = d[3] + d[4], t12 = d[1] - d[2], t34 = d[4] - d[3];
    const WinoVec u = d[4] - d[2], v = d[3] - d[1];
    o[0] = (4.f * d[0] - 5.f * d[2]) + d[4];
    o[1] = s34 - 4.f * s12;
    o[2] = t34 + 4.f * t12;
    o[3] = u + 2.f * v;
    o[4] = u - 2.f * v;
    o[5] = (4.f * d[1] - 5.f * d[3]) + d[5];
  }
}

// Aᵀ x for one column of m + 2 values (m results)
template <int m>
FLINT_VM_INLINE void winoOutput1d(const WinoVec (&x)[m + 2], WinoVec (&y)[m]) {
  if constexpr (m == 2) {
    y[0] = (x[0] + x[1]) + x[2];
    y[1] = (x[1] - x[2]) - x[3];
  } else {
    const WinoVec s12 = x[1] + x[2], t12 = x[1] - x[2], s34 = x[3] + x[4], t34 = x[3] - x[4];
    y[0] = (x[0] + s12) + s34;
    y[1] = t12 + 2.f * t34;
    y[2] = s12 + 4.f * s34;
    y[3] = (t12 + 8.f * t34) + x[5];
  }
}

// G (the kernel transform's (m+2) x 3 matrix)
template <int m> constexpr double kWinoG[m + 2][3] = {};
template <> constexpr double kWinoG<2>[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
template <> constexpr double kWinoG<4>[6][3] = {{1.0 / 4, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                                {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6},  {0, 0, 1}};

// One Winograd convolution's problem: x [N, Cin, H, W] -> y [N, Cout, Ho, Wo], output (oh, ow) from
// input rows oh - ph + i and columns ow - pw + j (i, j < 3; outside the image: 0).
struct WinoProblem {
  int64_t N, Cin, H, W, Cout, Ho, Wo, ph, pw;
  int m;                        // output tile side: 2 or 4
  int64_t tilesH, tilesW, rowGroups, groups, groupsPerBlock, blockTiles;  // planned by winoPlan
};

// Tiles per block: kWinoBlockTiles, fewer where a block's V and M would pass kWinoBlockBytes (a GEMM's
// B operand is packed once per call, so short blocks repack U: at 16x256x14x14, 28-tile blocks spent
// a quarter of the time packing; 64..512 tiles measured within noise of each other at 64..512 channels)
constexpr int64_t kWinoBlockTiles = 256;
constexpr int64_t kWinoBlockBytes = 8 << 20;

void winoPlan(WinoProblem& p) {
  const int64_t a = p.m + 2;
  p.tilesH = (p.Ho + p.m - 1) / p.m;
  p.tilesW = (p.Wo + p.m - 1) / p.m;
  p.rowGroups = (p.tilesW + kWinoLanes - 1) / kWinoLanes;
  p.groups = p.N * p.tilesH * p.rowGroups;
  const int64_t perTile = a * a * (p.Cin + p.Cout) * (int64_t)sizeof(float);
  int64_t want = std::min(kWinoBlockTiles, std::max<int64_t>(kWinoLanes, kWinoBlockBytes / perTile));  // tiles per block
  p.groupsPerBlock = std::max<int64_t>(1, want / std::min<int64_t>(kWinoLanes, p.tilesW));
  p.blockTiles = p.groupsPerBlock * std::min<int64_t>(kWinoLanes, p.tilesW);
}

// U[ξ][p][q] = (G g Gᵀ)[ξ] for the Winograd convolution's output channel p < P and input channel q < Q;
// g = w[p][q] (forward: w is [P, Q, 3, 3]) or, with flip, w[q][p] rotated by 180 degrees (the input
// gradient: w is [Q, P, 3, 3]). In double, rounded once; 16 input channels at a time (vectorised).
template <int m>
void winoKernel(float* U, const float* w, int64_t P, int64_t Q, bool flip) {
  constexpr int a = m + 2;
  const auto& G = kWinoG<m>;
  parallelFor(P, planeGrain(Q * a * a * 12), [&](int64_t p0, int64_t p1) {
    vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
      for (int64_t p = p0; p < p1; p++)
        for (int64_t q0 = 0; q0 < Q; q0 += kWinoLanes) {
          const int64_t n = std::min<int64_t>(kWinoLanes, Q - q0);
          double g[9][kWinoLanes] = {}, t[a][3][kWinoLanes];
          for (int64_t k = 0; k < n; k++)
            for (int i = 0; i < 9; i++)
              g[i][k] = flip ? (double)w[((q0 + k) * P + p) * 9 + (8 - i)] : (double)w[(p * Q + q0 + k) * 9 + i];
          for (int r = 0; r < a; r++)
            for (int j = 0; j < 3; j++)
              for (int k = 0; k < kWinoLanes; k++) t[r][j][k] = (G[r][0] * g[j][k] + G[r][1] * g[3 + j][k]) + G[r][2] * g[6 + j][k];
          for (int r = 0; r < a; r++)
            for (int c = 0; c < a; c++) {
              float* dst = U + ((r * a + c) * P + p) * Q + q0;
              for (int64_t k = 0; k < n; k++) dst[k] = (float)((G[c][0] * t[r][0][k] + G[c][1] * t[r][1][k]) + G[c][2] * t[r][2][k]);
            }
        }
    });
  });
}

// Group gi's image, tile row and first tile column, and its tile count.
struct WinoGroup { int64_t n, th, tw0; int cnt; };
inline WinoGroup winoGroup(const WinoProblem& p, int64_t gi) {
  WinoGroup g;
  const int64_t row = gi / p.rowGroups;
  g.n = row / p.tilesH; g.th = row % p.tilesH; g.tw0 = (gi % p.rowGroups) * kWinoLanes;
  g.cnt = (int)std::min<int64_t>(kWinoLanes, p.tilesW - g.tw0);
  return g;
}

// Bᵀ d B of one group's tiles of one input plane into V (lane l: tile tw0 + l; position ξ at V + ξ*vs).
template <int m>
FLINT_VM_INLINE void winoInputGroup(const float* plane, const WinoProblem& p, const WinoGroup& g, float* V, int64_t vs) {
  constexpr int a = m + 2, span = kWinoLanes * m + kWinoLanes;
  // the patch rows, zero-padded: all written before any is read (a vector load that straddles
  // stores still in flight stalls; measured a fifth of the input transform when done row by row)
  alignas(64) float rows[a][span];
  WinoVec d[a][a], t[a][a];
  const int64_t iw0 = g.tw0 * m - p.pw, need = (int64_t)g.cnt * m + 2;  // the patch columns [iw0, iw0 + need)
  const int64_t lo = std::min(need, std::max<int64_t>(0, -iw0)), hi = std::max(lo, std::min(need, p.W - iw0));
  std::memset(rows, 0, sizeof rows);
  for (int i = 0; i < a; i++) {
    const int64_t ih = g.th * m - p.ph + i;
    if (ih >= 0 && ih < p.H && hi > lo) winoCopy(rows[i] + lo, plane + ih * p.W + iw0 + lo, hi - lo);
  }
  for (int i = 0; i < a; i++) {
    WinoVec cols[a];
    winoColumns<m>(rows[i], cols);
    for (int j = 0; j < a; j++) d[j][i] = cols[j];  // d[j]: column j of the patches, by row
  }
  for (int j = 0; j < a; j++) winoInput1d<m>(d[j], t[j]);  // t[j][k] = (Bᵀ d)[k][j]
  for (int k = 0; k < a; k++) {
    WinoVec row[a], o[a];
    for (int j = 0; j < a; j++) row[j] = t[j][k];
    winoInput1d<m>(row, o);
    for (int l = 0; l < a; l++) winoStore(V + (k * a + l) * vs, o[l]);  // 16 lanes: the row's slack takes the extra
  }
}

// Output channel o of tile (n, th, tw) by the direct sum, in float (a tile whose Winograd outputs were
// not finite): x, w and flip as winoKernel's.
void winoDirectTile(float* plane, const float* x, const float* w, bool flip, float bias, const WinoProblem& p, int64_t n, int64_t o,
                    int64_t th, int64_t tw) {
  for (int64_t oh = th * p.m; oh < std::min(p.Ho, (th + 1) * p.m); oh++)
    for (int64_t ow = tw * p.m; ow < std::min(p.Wo, (tw + 1) * p.m); ow++) {
      float acc = bias;
      for (int64_t c = 0; c < p.Cin; c++) {
        const float* xc = x + (n * p.Cin + c) * p.H * p.W;
        for (int i = 0; i < 3; i++) {
          const int64_t ih = oh - p.ph + i;
          if (ih < 0 || ih >= p.H) continue;
          for (int j = 0; j < 3; j++) {
            const int64_t iw = ow - p.pw + j;
            if (iw < 0 || iw >= p.W) continue;
            const float wv = flip ? w[(c * p.Cout + o) * 9 + (2 - i) * 3 + (2 - j)] : w[(o * p.Cin + c) * 9 + i * 3 + j];
            acc += wv * xc[ih * p.W + iw];
          }
        }
      }
      plane[oh * p.Wo + ow] = acc;
    }
}

// Aᵀ M A of one group's tiles of one output channel into its plane (bias added, clipped to Ho x Wo).
// Returns a mask of the lanes (tiles) with a non-finite output.
template <int m>
FLINT_VM_INLINE uint32_t winoOutputGroup(float* plane, const WinoProblem& p, const WinoGroup& g, const float* M, int64_t ms, float bias) {
  constexpr int a = m + 2;
  typedef int32_t WinoMask __attribute__((vector_size(64)));
  WinoMask keep;  // the group's lanes (the others read the next group's or the row's slack: zeroed)
  for (int l = 0; l < kWinoLanes; l++) keep[l] = l < g.cnt ? -1 : 0;
  WinoVec x[a][a], u[a][m];
  for (int k = 0; k < a; k++)
    for (int l = 0; l < a; l++) {
      winoLoad(x[l][k], M + (k * a + l) * ms);
      x[l][k] = (WinoVec)((WinoMask)x[l][k] & keep);
    }
  for (int l = 0; l < a; l++) winoOutput1d<m>(x[l], u[l]);  // u[l][r] = (Aᵀ M)[r][l]
  float row[kWinoLanes * m];
  const int64_t ow0 = g.tw0 * m, wn = std::min<int64_t>((int64_t)g.cnt * m, p.Wo - ow0);
  WinoVec nonFinite{};  // y - y: 0 where y is finite, NaN where it is not (the tile's rows and columns summed)
  for (int r = 0; r < m; r++) {
    const int64_t oh = g.th * m + r;
    if (oh >= p.Ho) break;
    WinoVec col[a], y[m];
    for (int l = 0; l < a; l++) col[l] = u[l][r];
    winoOutput1d<m>(col, y);
    for (int s = 0; s < m; s++) {
      y[s] += bias;
      nonFinite += y[s] - y[s];
    }
    winoInterleave<m>(y, row);
    winoCopy(plane + oh * p.Wo + ow0, row, wn);
  }
  uint32_t bad = 0;
  for (int l = 0; l < g.cnt; l++) bad |= nonFinite[l] != 0.f ? 1u << l : 0u;  // NaN != 0 too
  return bad;
}

// The whole convolution: U prepared by winoKernel ([(m+2)², Cout, Cin]); bias may be null.
template <int m>
void winoConvT(float* y, const float* x, const float* U, const float* w, bool flip, const float* bias, const WinoProblem& p) {
  constexpr int64_t a = m + 2;
  const int64_t blocks = (p.groups + p.groupsPerBlock - 1) / p.groupsPerBlock;
  // V and M rows: a block's tiles and 16 lanes of slack (a group's stores and loads are whole vectors)
  const int64_t rowMax = p.blockTiles + kWinoLanes;
  const int64_t vElems = a * a * p.Cin * rowMax, mElems = a * a * p.Cout * rowMax;
  runUnits<float>(blocks, vElems + mElems, [&](int64_t b, float* buf) {
    const int64_t g0 = b * p.groupsPerBlock, g1 = std::min(p.groups, g0 + p.groupsPerBlock);
    int64_t T = 0;  // the block's tiles
    for (int64_t gi = g0; gi < g1; gi++) T += winoGroup(p, gi).cnt;
    const int64_t Tp = T + kWinoLanes;  // row stride of V and M
    float* V = buf;          // [ξ][Cin][Tp]
    float* M = buf + vElems;  // [ξ][Cout][Tp]
    parallelFor(p.Cin, planeGrain(T * a * a * 8), [&](int64_t c0, int64_t c1) {
      vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
        for (int64_t c = c0; c < c1; c++) {
          int64_t off = 0;
          for (int64_t gi = g0; gi < g1; gi++) {
            const WinoGroup g = winoGroup(p, gi);
            winoInputGroup<m>(x + (g.n * p.Cin + c) * p.H * p.W, p, g, V + c * Tp + off, p.Cin * Tp);
            off += g.cnt;
          }
        }
      });
    });
    gemmF32(false, false, p.Cout, T, p.Cin, 1.f, U, p.Cin, p.Cout * p.Cin, V, Tp, p.Cin * Tp, 0.f, M, Tp, p.Cout * Tp, a * a);
    parallelFor(p.Cout, planeGrain(T * a * a * 8), [&](int64_t o0, int64_t o1) {
      vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
        for (int64_t o = o0; o < o1; o++) {
          int64_t off = 0;
          for (int64_t gi = g0; gi < g1; gi++) {
            const WinoGroup g = winoGroup(p, gi);
            float* plane = y + (g.n * p.Cout + o) * p.Ho * p.Wo;
            const float bv = bias ? bias[o] : 0.f;
            const uint32_t bad = winoOutputGroup<m>(plane, p, g, M + o * Tp + off, p.Cout * Tp, bv);
            if (bad)
              for (int l = 0; l < g.cnt; l++)
                if (bad >> l & 1u) winoDirectTile(plane, x, w, flip, bv, p, g.n, o, g.th, g.tw0 + l);
            off += g.cnt;
          }
        }
      });
    });
  });
}

// conv2d's Winograd call: y [N, Cout, Ho, Wo] from x [N, Cin, H, W] and w ([Cout, Cin, 3, 3], or with
// flip the input gradient's [Cin, Cout, 3, 3], rotated and transposed).
void winoConv(float* y, const float* x, const float* w, const float* bias, WinoProblem p, bool flip) {
  winoPlan(p);
  const int64_t a = p.m + 2;
  float* U = scratch<float, 1>(a * a * p.Cout * p.Cin);  // fully written by winoKernel
  if (p.m == 2) {
    winoKernel<2>(U, w, p.Cout, p.Cin, flip);
    winoConvT<2>(y, x, U, w, flip, bias, p);
  } else {
    winoKernel<4>(U, w, p.Cout, p.Cin, flip);
    winoConvT<4>(y, x, U, w, flip, bias, p);
  }
}

// ---- the Winograd weight gradient ----
//
// The forward above is linear in each U[o][c] = G g Gᵀ: with gY a tile's output gradient (zero where
// the tile overhangs Ho x Wo), Y = Aᵀ M A gives ∂/∂M = A gY Aᵀ =: Z, so
//   ∂/∂U[ξ][o][c] = Σ_tiles Z[ξ][o, tile] V[ξ][c, tile]      (V = Bᵀ d B, the forward's input transform)
//   gw[o][c] = Gᵀ (∂/∂U[o][c]) G
// which is exact in exact arithmetic: the Winograd forward is the convolution. Per block of tiles
// (winoPlan's, as in the forward) it is (m+2)² GEMMs Cout x Cin with the block's tiles as the inner
// dimension, accumulated over blocks; the same multiply-add count per output pixel as the forward.
//   - Sums: the blocks are split into P fixed parts (by the shapes only, kWgradParts at most, fewer
//     where the parts' (m+2)² x Cout x Cin sums would pass kWinoWgradPartBytes; they live in the
//     calling thread's scratch); a part sums its blocks in order (one batched GEMM call per block:
//     native/cpu/gemm.cpp never cuts a batched product along its inner dimension), the parts are added
//     in part order in double, and Gᵀ(.)G runs in double, rounded once. So the bits are the same at
//     any thread count.
//   - Non-finite values: a NaN or Inf anywhere in an (o, c) pair's tiles reaches all of its sums
//     (Inf - Inf, Inf x 0), and transformed values can overflow where the direct sums do not; a pair
//     whose sums come out non-finite is recomputed by the direct sum in float (winoDirectWeight), so
//     gw is NaN or Inf where the GEMM path's is, and nowhere else.
//   - Accuracy and the choice of tile: winogradTile below (the forward's problem, the forward's tile).

constexpr int64_t kWinoWgradPartBytes = 32 << 20;

// A y for one column of m values (m + 2 results): the adjoint of winoOutput1d (Aᵀ x).
template <int m>
FLINT_VM_INLINE void winoOutputAdj1d(const WinoVec (&y)[m], WinoVec (&x)[m + 2]) {
  if constexpr (m == 2) {
    x[0] = y[0];
    x[1] = y[0] + y[1];
    x[2] = y[0] - y[1];
    x[3] = -y[1];
  } else {
    const WinoVec e1 = y[0] + y[2], o1 = y[1] + y[3], e2 = y[0] + 4.f * y[2], o2 = 2.f * y[1] + 8.f * y[3];
    x[0] = y[0];
    x[1] = e1 + o1;
    x[2] = e1 - o1;
    x[3] = e2 + o2;
    x[4] = e2 - o2;
    x[5] = y[3];
  }
}

// Z = A gY Aᵀ of one group's tiles of one output-gradient plane ([Ho, Wo]) into Z (lane l: tile
// tw0 + l; position ξ at Z + ξ*zs, laid out as winoInputGroup's V). Outputs past Ho x Wo read as 0.
template <int m>
FLINT_VM_INLINE void winoGradOutputGroup(const float* plane, const WinoProblem& p, const WinoGroup& g, float* Z, int64_t zs) {
  constexpr int a = m + 2, span = kWinoLanes * m + kWinoLanes;
  alignas(64) float rows[m][span];
  std::memset(rows, 0, sizeof rows);
  const int64_t ow0 = g.tw0 * m, wn = std::min<int64_t>((int64_t)g.cnt * m, p.Wo - ow0);
  for (int r = 0; r < m; r++) {
    const int64_t oh = g.th * m + r;
    if (oh < p.Ho) winoCopy(rows[r], plane + oh * p.Wo + ow0, wn);
  }
  WinoVec t[a][m];  // t[j][r] = (gY Aᵀ)[r][j]
  for (int r = 0; r < m; r++) {
    WinoVec cols[a], y[m], x[a];
    winoColumns<m>(rows[r], cols);  // cols[s][l] = row r's output s of tile l (s < m; the other two unused)
    for (int s = 0; s < m; s++) y[s] = cols[s];
    winoOutputAdj1d<m>(y, x);
    for (int j = 0; j < a; j++) t[j][r] = x[j];
  }
  for (int j = 0; j < a; j++) {
    WinoVec z[a];
    winoOutputAdj1d<m>(t[j], z);
    for (int k = 0; k < a; k++) winoStore(Z + (k * a + j) * zs, z[k]);
  }
}

// gw[o][c] (3x3) by the direct sum over the batch in float (a pair whose Winograd sums were not finite).
void winoDirectWeight(float* gw, const float* gy, const float* x, const WinoProblem& p, int64_t o, int64_t c) {
  float acc[9] = {};
  for (int64_t n = 0; n < p.N; n++) {
    const float* gp = gy + (n * p.Cout + o) * p.Ho * p.Wo;
    const float* xp = x + (n * p.Cin + c) * p.H * p.W;
    for (int64_t oh = 0; oh < p.Ho; oh++)
      for (int64_t ow = 0; ow < p.Wo; ow++) {
        const float gv = gp[oh * p.Wo + ow];
        for (int i = 0; i < 3; i++) {
          const int64_t ih = oh - p.ph + i;
          if (ih < 0 || ih >= p.H) continue;
          for (int j = 0; j < 3; j++) {
            const int64_t iw = ow - p.pw + j;
            if (iw >= 0 && iw < p.W) acc[i * 3 + j] += gv * xp[ih * p.W + iw];
          }
        }
      }
  }
  std::memcpy(gw + (o * p.Cin + c) * 9, acc, sizeof acc);
}

// gw [Cout, Cin, 3, 3] of y = conv(x, w) (the forward's problem p) from gy [N, Cout, Ho, Wo].
template <int m>
void winoWeightT(float* gw, const float* gy, const float* x, WinoProblem p) {
  constexpr int64_t a = m + 2;
  winoPlan(p);
  const int64_t blocks = (p.groups + p.groupsPerBlock - 1) / p.groupsPerBlock;
  const int64_t uElems = a * a * p.Cout * p.Cin;
  const int64_t P = std::max<int64_t>(1, std::min({blocks, kWgradParts, kWinoWgradPartBytes / (uElems * (int64_t)sizeof(float))}));
  float* parts = scratch<float, 1>(P * uElems);  // part q's sums at parts + q*uElems: [ξ][Cout][Cin], fully written
  const int64_t rowMax = p.blockTiles + kWinoLanes;
  const int64_t vElems = a * a * p.Cin * rowMax, zElems = a * a * p.Cout * rowMax;
  runUnits<float>(P, vElems + zElems, [&](int64_t q, float* buf) {
    float* dU = parts + q * uElems;
    for (int64_t b = q * blocks / P; b < (q + 1) * blocks / P; b++) {
      const int64_t g0 = b * p.groupsPerBlock, g1 = std::min(p.groups, g0 + p.groupsPerBlock);
      int64_t T = 0;
      for (int64_t gi = g0; gi < g1; gi++) T += winoGroup(p, gi).cnt;
      const int64_t Tp = T + kWinoLanes;
      float* V = buf;           // [ξ][Cin][Tp]
      float* Z = buf + vElems;  // [ξ][Cout][Tp]
      parallelFor(p.Cin + p.Cout, planeGrain(T * a * a * 8), [&](int64_t c0, int64_t c1) {
        vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
          for (int64_t c = c0; c < c1; c++) {
            int64_t off = 0;
            for (int64_t gi = g0; gi < g1; gi++) {
              const WinoGroup g = winoGroup(p, gi);
              if (c < p.Cin) winoInputGroup<m>(x + (g.n * p.Cin + c) * p.H * p.W, p, g, V + c * Tp + off, p.Cin * Tp);
              else {
                const int64_t o = c - p.Cin;
                winoGradOutputGroup<m>(gy + (g.n * p.Cout + o) * p.Ho * p.Wo, p, g, Z + o * Tp + off, p.Cout * Tp);
              }
              off += g.cnt;
            }
          }
        });
      });
      gemmF32(false, true, p.Cout, p.Cin, T, 1.f, Z, Tp, p.Cout * Tp, V, Tp, p.Cin * Tp, b == q * blocks / P ? 0.f : 1.f, dU,
              p.Cin, p.Cout * p.Cin, a * a);
    }
  });
  // the parts in order and Gᵀ(.)G, in double, 16 input channels at a time
  const auto& G = kWinoG<m>;
  parallelFor(p.Cout, planeGrain(p.Cin * a * a * (P + 12)), [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; o++)
      for (int64_t c0 = 0; c0 < p.Cin; c0 += kWinoLanes) {
        const int64_t n = std::min<int64_t>(kWinoLanes, p.Cin - c0);
        double u[a * a][kWinoLanes] = {}, t[3][a][kWinoLanes];
        for (int64_t xi = 0; xi < a * a; xi++)
          for (int64_t q = 0; q < P; q++) {
            const float* src = parts + q * uElems + (xi * p.Cout + o) * p.Cin + c0;
            for (int64_t k = 0; k < n; k++) u[xi][k] += (double)src[k];
          }
        uint32_t bad = 0;
        for (int xi = 0; xi < a * a; xi++)
          for (int64_t k = 0; k < n; k++) bad |= std::isfinite(u[xi][k]) ? 0u : 1u << k;
        for (int i = 0; i < 3; i++)  // t = Gᵀ u (rows: h)
          for (int c = 0; c < a; c++)
            for (int k = 0; k < kWinoLanes; k++) {
              double s = 0;
              for (int r = 0; r < a; r++) s += G[r][i] * u[r * a + c][k];
              t[i][c][k] = s;
            }
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++)
            for (int64_t k = 0; k < n; k++) {
              double s = 0;
              for (int c = 0; c < a; c++) s += t[i][c][k] * G[c][j];
              gw[(o * p.Cin + c0 + k) * 9 + i * 3 + j] = (float)s;
            }
        for (int64_t k = 0; k < n; k++)
          if (bad >> k & 1u) winoDirectWeight(gw, gy, x, p, o, c0 + k);
      }
  });
}

// The Winograd tile for a 3x3 stride-1 float32 convolution (of Cin planes into Cout planes of Ho x Wo),
// or 0 for the GEMM path. mode (conv2d's param 13, lib/ops/conv.ts convTuning.winogradCpu): 0 never,
// 1 by the heuristic below, 2 or 4 that tile wherever the kernel applies (tests).
// Measured (2026-12-07, AMD EPYC KVM guest, OpenBLAS 0.3.21 with OPENBLAS_CORETYPE=Haswell as the host
// sets it, one thread, process CPU ms of the forward, GEMM path / F(2x2) / F(4x4)):
//   16x64x56x56 -> 64: 46 / 34 / 18;  16x128x28x28: 44 / 25 / 17;  128x48x32x32: 72 / 44 / 37;
//   8x64x20x20: 3.0 / 1.8 / 1.6;  16x256x14x14: 45 / 23-31 / 25-36;  64x16x14x14 -> 32: 2.2 / 1.6 / 1.7;
//   16x512x7x7: 53 / 32 / 36;  16x64x6x6: 0.70 / 0.55 / 1.08;  16x256x4x4: 4.1 / 3.2 / 5.4;
//   16x256x3x3: 2.7 / 3.3 / 5.6;  64x8x28x28 -> 16: 2.4 / 2.1 / 1.9;  64x3x28x28 -> 16: 1.1 / 1.7 / 1.3.
// F(4x4) wastes lanes and output rows on small planes (a 14x14 plane is 4x4 tiles of 16x16); below 8
// channels a side, or 4 pixels, the transforms cost more than the GEMM saves.
// Accuracy (forward, He-init weights, unit normal inputs, against a float64 direct sum; max |error| /
// max |y|, and rms error / rms y, Cin = 16..512): the GEMM path 3.4-4.6e-7 and 2.0-2.9e-7; F(2x2)
// 1.8-6.4e-7 and 1.5-4.6e-7 (about the GEMM path's); F(4x4) 2.1-8.8e-6 and 0.9-2.6e-6 (about 10x the
// GEMM path's rms, 20x its max). For scale: float32's unit roundoff is 6.0e-8; TF32, which PyTorch
// uses by default for float32 convolutions on NVIDIA GPUs since Ampere, rounds operands to 4.9e-4.
// test/conv-winograd.test.ts bounds both against a float64 sum (F(2x2) at 8 u Σ|terms|, F(4x4) at 64 u).
// F(4x4) is taken for planes of at least 16x16, where it is the faster.
// The weight gradient (winoWeightT) takes the tile of its forward's problem: measured alike (2026-12-07
// 20:23, same host, load 7-8, one thread, process CPU ms of conv2dBackwardWeight, GEMM path / F(2x2) /
// F(4x4)): 16x64x56x56 -> 64: 45 / 31 / 18;  16x128x28x28: 42 / 24 / 23;  128x48x32x32: 72 / 40 / 28;
// 8x64x20x20: 3.1 / 1.8 / 1.7;  16x256x14x14: 41 / 26 / 30;  64x16x14x14 -> 32: 2.3 / 1.6 / 2.1;
// 16x512x7x7: 40 / 35 / 39;  16x64x6x6: 0.76 / 0.71 / 1.4;  16x256x4x4: 4.3 / 4.2 / 6.8;
// 16x256x3x3: 2.8 / 4.2 / 6.8;  64x8x28x28 -> 16: 2.8 / 2.2 / 1.7;  64x3x28x28 -> 16: 1.3 / 2.0 / 1.6.
// Its accuracy (weights do not enter it: unit normal x and gy, batch 16, Cin = Cout = 16..512, and a
// [4, 64, 30, 30] -> 32 layer, against torch 1.13's float64 weight gradient; max |error| / max |gw|, rms
// error / rms gw): the GEMM path 3.0-3.8e-7 and 2.3-3.1e-7; F(2x2) 5.1-6.9e-7 and 3.3-4.8e-7 (about 2x
// the GEMM path's); F(4x4) 3.2-7.8e-6 and 1.1-3.0e-6 (about 10x, as in the forward).
int winogradTile(int64_t Cin, int64_t Cout, int64_t Ho, int64_t Wo, int mode) {
  if (mode == 0 || Cin < 1 || Cout < 1 || Ho < 1 || Wo < 1) return 0;
  if (mode == 2 || mode == 4) return mode;
  if (Cin < 8 || Cout < 8 || Ho < 4 || Wo < 4) return 0;
  return std::min(Ho, Wo) >= 16 ? 4 : 2;
}

// conv2d's param 13 (lib/ops/conv.ts): absent means 1 (the heuristic)
int winogradMode(const OpCall& c) {
  const double mode = c.np > 13 ? c.param(13) : 1;
  if (!(mode == 0 || mode == 1 || mode == 2 || mode == 4))
    fail(ErrorKind::Value, std::string(c.name) + ": Winograd mode must be 0, 1, 2 or 4, got " +
                               (std::isfinite(mode) && mode == std::floor(mode) ? to_string((int64_t)mode) : to_string(mode)));
  return (int)mode;
}
bool winogradShape(const Fused& f) { return f.kh == 3 && f.kw == 3 && f.sh == 1 && f.sw == 1 && f.dh == 1 && f.dw == 1 && f.G == 1; }

// ---- the three ops ----

template <class T> void forwardUnits(T* y, const T* x, const T* w, const T* bias, const Fused& f);

template <class T>
void convForwardT(const OpCall& c, const Fused& f) {
  T* y = c.t[0].ptr<T>();
  const T* x = c.t[1].ptr<T>();
  const T* w = c.t[2].ptr<T>();
  const T* bias = c.nt > 3 ? c.t[3].ptr<T>() : nullptr;
  const int64_t HW = f.H * f.W, taps = f.kh * f.kw;
  if constexpr (std::is_same_v<T, float>) {
    const int mode = winogradMode(c), m = winogradShape(f) ? winogradTile(f.C, f.O, f.Ho, f.Wo, mode) : 0;
    if (m) {
      winoConv(y, x, w, bias, WinoProblem{f.N, f.C, f.H, f.W, f.O, f.Ho, f.Wo, f.ph, f.pw, m}, false);
      return;
    }
  }
  if (f.direct) {
    parallelFor(f.N * f.O, planeGrain(taps * f.L), [&](int64_t b, int64_t e) {
      vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
        for (int64_t p = b; p < e; p++) {
          const int64_t n = p / f.O, o = p % f.O;
          directForwardPlane<T>(y + p * f.L, x + (n * f.C + o / f.Og) * HW, w + o * taps, bias ? bias[o] : T(0), f);
        }
      });
    });
    return;
  }
  forwardUnits<T>(y, x, w, bias, f);
}

// The general and pointwise forward: units of (image, group, block of output rows).
template <class T>
void forwardUnits(T* y, const T* x, const T* w, const T* bias, const Fused& f) {
  const int64_t HW = f.H * f.W;
  if (f.imgs > 1) {
    // units of (imgs images, group): their columns side by side, one GEMM, the product copied per image
    const int64_t chunks = (f.N + f.imgs - 1) / f.imgs;
    runUnits<T>(chunks * f.G, forwardElems(f), [&](int64_t u, T* buf) {
      const int64_t n0 = (u / f.G) * f.imgs, g = u % f.G, nb = std::min(f.imgs, f.N - n0), ld = nb * f.L;
      T* prod = buf + f.K * f.imgs * f.L;
      for (int64_t j = 0; j < nb; j++) im2colBlock<T>(buf + j * f.L, x + ((n0 + j) * f.C + g * f.Cg) * HW, f, 0, f.Ho, ld);
      gemmT(false, false, f.Og, ld, f.K, w + g * f.Og * f.K, f.K, buf, ld, T(0), prod, ld);
      for (int64_t j = 0; j < nb; j++)
        for (int64_t o = 0; o < f.Og; o++) {
          const T* src = prod + o * ld + j * f.L;
          T* dst = y + ((n0 + j) * f.O + g * f.Og + o) * f.L;
          if (bias) { const T bv = bias[g * f.Og + o]; for (int64_t i = 0; i < f.L; i++) dst[i] = src[i] + bv; }
          else std::memcpy(dst, src, (size_t)f.L * sizeof(T));
        }
    });
    return;
  }
  runUnits<T>(f.N * f.G * f.blocks, blockElems(f), [&](int64_t u, T* buf) {
    const int64_t n = u / (f.G * f.blocks), g = (u / f.blocks) % f.G, bl = u % f.blocks;
    const int64_t oh0 = bl * f.rows, oh1 = std::min(f.Ho, oh0 + f.rows), Lc = (oh1 - oh0) * f.Wo;
    const T* xg = x + (n * f.C + g * f.Cg) * HW;
    T* yo = y + (n * f.O + g * f.Og) * f.L + oh0 * f.Wo;
    if (f.K == 0) {
      for (int64_t o = 0; o < f.Og; o++) std::fill(yo + o * f.L, yo + o * f.L + Lc, T(0));
    } else if (f.pointwise) {
      gemmT(false, false, f.Og, Lc, f.K, w + g * f.Og * f.K, f.K, xg + oh0 * f.Wo, f.L, T(0), yo, f.L);
    } else {
      im2colBlock<T>(buf, xg, f, oh0, oh1);
      gemmT(false, false, f.Og, Lc, f.K, w + g * f.Og * f.K, f.K, buf, Lc, T(0), yo, f.L);
    }
    if (bias)
      for (int64_t o = 0; o < f.Og; o++) {
        const T bv = bias[g * f.Og + o];
        T* r = yo + o * f.L;
        for (int64_t j = 0; j < Lc; j++) r[j] += bv;
      }
  });
}

void cpuConv2dForward(const OpCall& c) {
  if (c.nt != 3 && c.nt != 4) fail(ErrorKind::Value, std::string(c.name) + ": expected 3 or 4 tensors, got " + to_string(c.nt));
  const Fused f = fusedOf(c, c.t[1], c.t[0], c.t[2]);
  if (c.nt == 4) checkBias(c, c.t[3], f, "bias");
  if (c.t[0].numel() == 0) return;
  if (c.t[0].dtype == DType::F32) convForwardT<float>(c, f);
  else convForwardT<double>(c, f);
}

template <class T>
void convBackwardInputT(const OpCall& c, const Fused& f) {
  T* gx = c.t[0].ptr<T>();
  const T* gy = c.t[1].ptr<T>();
  const T* w = c.t[2].ptr<T>();
  const int64_t HW = f.H * f.W, taps = f.kh * f.kw;
  if (f.direct || f.Og == 0 || f.L == 0) {
    parallelFor(f.N * f.C, planeGrain(taps * f.L * std::max<int64_t>(1, f.Og)), [&](int64_t b, int64_t e) {
      vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
        for (int64_t p = b; p < e; p++) {
          const int64_t n = p / f.C, ch = p % f.C;
          T* gxp = gx + p * HW;
          std::fill(gxp, gxp + HW, T(0));
          if (!f.direct) continue;  // nothing flows back (no output channels or pixels)
          for (int64_t o = ch * f.Og; o < (ch + 1) * f.Og; o++) directInputPlane<T>(gxp, gy + (n * f.O + o) * f.L, w + o * taps, f);
        }
      });
    });
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    // Winograd on the same identity as the flipped-kernel form below: gy padded by 2 - p, the kernel
    // rotated and transposed (winoKernel's flip)
    const int mode = winogradMode(c), m = winogradShape(f) ? winogradTile(f.O, f.C, f.H, f.W, mode) : 0;
    if (m) {
      winoConv(gx, gy, w, nullptr, WinoProblem{f.N, f.O, f.Ho, f.Wo, f.C, f.H, f.W, 2 - f.ph, 2 - f.pw, m}, true);
      return;
    }
  }
  if (f.sh == 1 && f.sw == 1 && !f.pointwise && f.Cg >= kFlipMinChannels) {
    // stride 1: the input gradient is the convolution of gy with the kernel flipped in h and w and
    // its in/out channels swapped, padded by (k-1)*d - p (negative padding crops; the output size is
    // the input's): the forward's GEMMs, K = Og*kh*kw, and no scatter. Their M is Cg: with fewer
    // input channels the col2im form below (M = Cg*kh*kw) is faster (64x16x14x14 -> 32: 1.6 against
    // 2.9 CPU-ms); from 48 to 256 channels the two measured within 10% of each other
    Fused t = f;
    t.C = f.O; t.H = f.Ho; t.W = f.Wo; t.O = f.C; t.Ho = f.H; t.Wo = f.W;
    t.Cg = f.Og; t.Og = f.Cg; t.K = f.Og * taps; t.L = f.H * f.W;
    t.ph = (f.kh - 1) * f.dh - f.ph; t.pw = (f.kw - 1) * f.dw - f.pw;
    planBlocks(t, (int64_t)sizeof(T));
    std::vector<T> wf((size_t)(f.O * f.Cg * taps));  // [G][Cg][Og * kh * kw]
    for (int64_t g = 0; g < f.G; g++)
      for (int64_t o = 0; o < f.Og; o++)
        for (int64_t ch = 0; ch < f.Cg; ch++)
          for (int64_t ki = 0; ki < f.kh; ki++)
            for (int64_t kj = 0; kj < f.kw; kj++)
              wf[(size_t)(((g * f.Cg + ch) * f.Og + o) * taps + (f.kh - 1 - ki) * f.kw + (f.kw - 1 - kj))] =
                  w[((g * f.Og + o) * f.Cg + ch) * taps + ki * f.kw + kj];
    forwardUnits<T>(gx, gy, wf.data(), nullptr, t);
    return;
  }
  runUnits<T>(f.N * f.G, blockElems(f), [&](int64_t u, T* buf) {
    const int64_t n = u / f.G, g = u % f.G;
    T* gxg = gx + (n * f.C + g * f.Cg) * HW;
    const T* wg = w + g * f.Og * f.K;
    const T* gyg = gy + (n * f.O + g * f.Og) * f.L;
    if (f.pointwise) {
      gemmT(true, false, f.K, f.L, f.Og, wg, f.K, gyg, f.L, T(0), gxg, f.L);
      return;
    }
    std::fill(gxg, gxg + f.Cg * HW, T(0));
    for (int64_t bl = 0; bl < f.blocks; bl++) {
      const int64_t oh0 = bl * f.rows, oh1 = std::min(f.Ho, oh0 + f.rows), Lc = (oh1 - oh0) * f.Wo;
      gemmT(true, false, f.K, Lc, f.Og, wg, f.K, gyg + oh0 * f.Wo, f.L, T(0), buf, Lc);
      col2imBlock<T>(gxg, buf, f, oh0, oh1);
    }
  });
}

void cpuConv2dBackwardInput(const OpCall& c) {
  need(c, 3);
  const Fused f = fusedOf(c, c.t[0], c.t[1], c.t[2]);
  if (c.t[0].numel() == 0) return;
  if (c.t[0].dtype == DType::F32) convBackwardInputT<float>(c, f);
  else convBackwardInputT<double>(c, f);
}

template <class T>
void convBackwardWeightT(const OpCall& c, const Fused& f) {
  T* gw = c.t[0].ptr<T>();
  const T* gy = c.t[1].ptr<T>();
  const T* x = c.t[2].ptr<T>();
  T* gb = c.nt > 3 ? c.t[3].ptr<T>() : nullptr;
  const int64_t HW = f.H * f.W, taps = f.kh * f.kw, wElems = f.O * f.K;
  if constexpr (std::is_same_v<T, float>) {
    const int mode = winogradMode(c), m = winogradShape(f) && f.N > 0 ? winogradTile(f.C, f.O, f.Ho, f.Wo, mode) : 0;
    if (m) {
      const WinoProblem p{f.N, f.C, f.H, f.W, f.O, f.Ho, f.Wo, f.ph, f.pw, m};
      if (m == 2) winoWeightT<2>(gw, gy, x, p);
      else winoWeightT<4>(gw, gy, x, p);
      if (gb)
        parallelFor(f.O, planeGrain(f.N * f.L), [&](int64_t o0, int64_t o1) {
          for (int64_t o = o0; o < o1; o++) {
            double s = 0;
            for (int64_t n = 0; n < f.N; n++) {
              const T* r = gy + (n * f.O + o) * f.L;
              for (int64_t j = 0; j < f.L; j++) s += (double)r[j];
            }
            gb[o] = (T)s;
          }
        });
      return;
    }
  }
  if (f.direct) {
    // one output channel per unit, its sums over the whole batch in order
    parallelFor(f.O, planeGrain(f.N * taps * f.L), [&](int64_t b, int64_t e) {
      std::vector<double> acc((size_t)taps);
      vm::runVec([&]() FLINT_VM_INLINE_LAMBDA {
        for (int64_t o = b; o < e; o++) {
          std::fill(acc.begin(), acc.end(), 0.0);
          double bs = 0;
          for (int64_t n = 0; n < f.N; n++) {
            const T* gyp = gy + (n * f.O + o) * f.L;
            directWeightPlane<T>(acc.data(), gyp, x + (n * f.C + o / f.Og) * HW, f);
            if (gb) for (int64_t j = 0; j < f.L; j++) bs += (double)gyp[j];
          }
          for (int64_t t = 0; t < taps; t++) gw[o * taps + t] = (T)acc[(size_t)t];
          if (gb) gb[o] = (T)bs;
        }
      });
    });
    return;
  }
  // the batch in P fixed parts (by the shapes only): part p sums its images in order into its own
  // buffer (part 0: gw); a large weight gets fewer parts (each GEMM reads and writes all of it)
  const int64_t P = std::min({f.N, kWgradParts, std::max<int64_t>(1, kWgradPartBytes / std::max<int64_t>(1, wElems * (int64_t)sizeof(T)))});
  std::vector<T> parts((size_t)(std::max<int64_t>(0, P - 1) * wElems));
  std::vector<double> bparts((size_t)(gb ? std::max<int64_t>(1, P) * f.O : 0));
  std::fill(gw, gw + wElems, T(0));
  std::fill(parts.begin(), parts.end(), T(0));
  runUnits<T>(P * f.G, wgradElems(f), [&](int64_t u, T* buf) {
    const int64_t p = u / f.G, g = u % f.G;
    T* part = (p == 0 ? gw : parts.data() + (p - 1) * wElems) + g * f.Og * f.K;
    const int64_t n0 = p * f.N / P, n1 = (p + 1) * f.N / P;
    if (f.wimgs > 1 && f.K > 0) {
      // the part's images wimgs at a time: their columns and gy rows side by side, one GEMM
      T* gyb = buf + f.K * f.wimgs * f.L;
      for (int64_t m0 = n0; m0 < n1; m0 += f.wimgs) {
        const int64_t nb = std::min(f.wimgs, n1 - m0), ld = nb * f.L;
        for (int64_t j = 0; j < nb; j++) {
          im2colBlock<T>(buf + j * f.L, x + ((m0 + j) * f.C + g * f.Cg) * HW, f, 0, f.Ho, ld);
          for (int64_t o = 0; o < f.Og; o++) std::memcpy(gyb + o * ld + j * f.L, gy + ((m0 + j) * f.O + g * f.Og + o) * f.L, (size_t)f.L * sizeof(T));
        }
        gemmT(false, true, f.Og, f.K, ld, gyb, ld, buf, ld, T(1), part, f.K);
      }
    }
    for (int64_t n = n0; n < n1; n++) {
      const T* xg = x + (n * f.C + g * f.Cg) * HW;
      const T* gyg = gy + (n * f.O + g * f.Og) * f.L;
      if (gb)
        for (int64_t o = 0; o < f.Og; o++) {
          double s = 0;
          const T* r = gyg + o * f.L;
          for (int64_t j = 0; j < f.L; j++) s += (double)r[j];
          bparts[(size_t)(p * f.O + g * f.Og + o)] += s;
        }
      if (f.K == 0 || f.wimgs > 1) continue;
      if (f.pointwise) {
        gemmT(false, true, f.Og, f.K, f.L, gyg, f.L, xg, f.L, T(1), part, f.K);
        continue;
      }
      for (int64_t bl = 0; bl < f.blocks; bl++) {
        const int64_t oh0 = bl * f.rows, oh1 = std::min(f.Ho, oh0 + f.rows), Lc = (oh1 - oh0) * f.Wo;
        im2colBlock<T>(buf, xg, f, oh0, oh1);
        gemmT(false, true, f.Og, f.K, Lc, gyg + oh0 * f.Wo, f.L, buf, Lc, T(1), part, f.K);
      }
    }
  });
  if (P > 1)
    parallelFor(wElems, kElementwiseGrain, [&](int64_t b, int64_t e) {
      for (int64_t p = 1; p < P; p++) {
        const T* src = parts.data() + (p - 1) * wElems;
        for (int64_t i = b; i < e; i++) gw[i] += src[i];
      }
    });
  if (gb)
    for (int64_t o = 0; o < f.O; o++) {
      double s = 0;
      for (int64_t p = 0; p < P; p++) s += bparts[(size_t)(p * f.O + o)];
      gb[o] = (T)s;
    }
}

void cpuConv2dBackwardWeight(const OpCall& c) {
  if (c.nt != 3 && c.nt != 4) fail(ErrorKind::Value, std::string(c.name) + ": expected 3 or 4 tensors, got " + to_string(c.nt));
  const Fused f = fusedOf(c, c.t[2], c.t[1], c.t[0]);
  if (c.nt == 4) checkBias(c, c.t[3], f, "the bias gradient");
  if (c.t[0].dtype == DType::F32) convBackwardWeightT<float>(c, f);
  else convBackwardWeightT<double>(c, f);
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
// CPU only: the GPU runs conv2d as im2col + GEMM (lib/ops/conv.ts picks by device)
FLINT_REGISTER_OP("conv2dForward", DeviceType::CPU, cpuConv2dForward);
FLINT_REGISTER_OP("conv2dBackwardInput", DeviceType::CPU, cpuConv2dBackwardInput);
FLINT_REGISTER_OP("conv2dBackwardWeight", DeviceType::CPU, cpuConv2dBackwardWeight);

}  // namespace flint
