// conv.cu — GPU kernels behind convolution and pooling, the twins of native/cpu/conv.cpp (host side:
// native/gpu/ops_conv.cpp). 4-D [N, C, H, W] images of a floating dtype (f32 f64 f16 bf16); 16-bit
// floats compute in float. Every tensor travels as a base pointer (already offset) plus its four
// strides in ELEMENTS (Strides4 / Strides3), so any layout works. ConvGeom, the strides structs and
// the window rules are native/core/conv.h's, shared with the CPU.
//
//   flint_im2col_<dt>(g, cols, cs, x, xs)            one thread per column entry (n, row, l), l fastest
//   flint_col2im_<dt>(g, img, is, cols, cs)          one thread per image pixel: GATHERS its kernel taps
//   flint_maxpool2d_<dt>(g, out, os, idx, ids, x, xs)                 one thread per output
//   flint_maxpool2d_backward_<dt>(g, gx, gs, go, os, idx, ids, err)   with the pooling geometry: one
//       thread per input pixel gathers the outputs whose window covers it and whose index names it
//   flint_maxpool2d_backward_planes_<dt>(g, gx, gs, go, os, idx, ids, acc, err)   without geometry:
//       one block per plane walks the outputs in order, 256 at a time (see the kernel)
//   flint_avgpool2d_<dt>(g, out, os, x, xs, includePad, divisor)      one thread per output
//   flint_avgpool2d_backward_<dt>(g, gx, gs, go, os, includePad, divisor)  one thread per input pixel
//   flint_adaptive_avgpool2d_<dt>(g, out, os, x, xs)                  one thread per output
//   flint_adaptive_avgpool2d_backward_<dt>(g, gx, gs, go, os)         one thread per input pixel
//
// Determinism and parity with the CPU: no kernel uses atomics for data. Each gather adds a pixel's
// contributions in exactly the order the CPU's scatter loop adds them (col2im: kernel tap (ki, kj)
// ascending; pooling backwards: output (oh, ow) ascending), starting from 0 in the compute type, so
// the results are bit-identical to the CPU backend. The forward kernels run the CPU's loops per
// output. None of these expressions has a multiply feeding an add, so FMA contraction cannot change
// a result.
//
// Launch (native/gpu/ops_conv.cpp): blockDim.x = FLINT_BLOCK, 1-D grid of gridFor(total) blocks
// (grid-stride loops: any grid size is correct); the _planes kernel takes one block per plane
// (grid-stride over planes).
//
// Errors: maxpool2d backward sets bit 1 of *err for an index outside [0, H*W).
#include "compat.cuh"
#include "../core/conv.h"

namespace flint {
namespace kern {

using conv::ConvGeom;
using conv::Strides3;
using conv::Strides4;
using conv::E_INDEX;
using conv::AvgWin;
using conv::avgWin;
using conv::adStart;
using conv::adEnd;

namespace {

template <class T> struct Neg { static FLINT_DEV T inf() { return -posInf<T>(); } };

FLINT_DEV index_t gstride() { return (index_t)gridDim.x * blockDim.x; }
FLINT_DEV index_t gfirst() { return (index_t)blockIdx.x * blockDim.x + threadIdx.x; }

// floor(a / b) and ceil(a / b) for b > 0 and any sign of a
FLINT_DEV index_t floorDiv(index_t a, index_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
FLINT_DEV index_t ceilDiv(index_t a, index_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }
FLINT_DEV index_t imin(index_t a, index_t b) { return a < b ? a : b; }

// The (n, c, h, w) of row-major linear index i over [N, C, H, W] (the one-thread-per-element loops).
struct Nchw { index_t n, c, h, w; };
FLINT_DEV Nchw unravelNchw(index_t i, index_t C, index_t H, index_t W) {
  const index_t w = i % W, r = i / W;
  const index_t h = r % H, p = r / H;
  return Nchw{p / C, p % C, h, w};
}
FLINT_DEV index_t imax(index_t a, index_t b) { return a > b ? a : b; }

// ---- im2col / col2im ---------------------------------------------------------------------------

template <class T>
FLINT_DEV void im2col(const ConvGeom& g, void* colsp, const Strides3& cs, const void* xp, const Strides4& xs) {
  T* cols = static_cast<T*>(colsp);
  const T* x = static_cast<const T*>(xp);
  const index_t K = g.kh * g.kw, L = g.Ho * g.Wo, CK = g.C * K;
  const index_t total = g.N * CK * L;
  const T zero = store<T>(0.f);
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const index_t l = i % L, r = i / L;
    const index_t row = r % CK, n = r / CK;
    const index_t ch = row / K, k = row - ch * K;
    const index_t ki = k / g.kw, kj = k - ki * g.kw;
    const index_t oh = l / g.Wo, ow = l - oh * g.Wo;
    const index_t ih = oh * g.sh - g.ph + ki * g.dh, iw = ow * g.sw - g.pw + kj * g.dw;
    T v = zero;
    if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) v = x[n * xs.s[0] + ch * xs.s[1] + ih * xs.s[2] + iw * xs.s[3]];
    cols[n * cs.s[0] + row * cs.s[1] + l * cs.s[2]] = v;
  }
}

template <class T>
FLINT_DEV void col2im(const ConvGeom& g, void* imgp, const Strides4& is, const void* colsp, const Strides3& cs) {
  typedef typename ComputeT<T>::type C;
  T* img = static_cast<T*>(imgp);
  const T* cols = static_cast<const T*>(colsp);
  const index_t K = g.kh * g.kw, HW = g.H * g.W;
  const index_t total = g.N * g.C * HW;
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const Nchw o = unravelNchw(i, g.C, g.H, g.W);
    const index_t n = o.n, ch = o.c, h = o.h, w = o.w;
    const T* base = cols + n * cs.s[0] + ch * K * cs.s[1];
    C acc = 0;
    // the CPU adds tap (ki, kj) in this order; each tap reaches pixel (h, w) from at most one (oh, ow)
    for (index_t ki = 0; ki < g.kh; ki++) {
      const index_t th = h + g.ph - ki * g.dh;
      if (th < 0 || th % g.sh != 0) continue;
      const index_t oh = th / g.sh;
      if (oh >= g.Ho) continue;
      for (index_t kj = 0; kj < g.kw; kj++) {
        const index_t tw = w + g.pw - kj * g.dw;
        if (tw < 0 || tw % g.sw != 0) continue;
        const index_t ow = tw / g.sw;
        if (ow >= g.Wo) continue;
        acc += load(base[(ki * g.kw + kj) * cs.s[1] + (oh * g.Wo + ow) * cs.s[2]]);
      }
    }
    img[n * is.s[0] + ch * is.s[1] + h * is.s[2] + w * is.s[3]] = store<T>(acc);
  }
}

// ---- max pooling -------------------------------------------------------------------------------

template <class T>
FLINT_DEV void maxPool(const ConvGeom& g, void* outp, const Strides4& os, int32_t* idx, const Strides4& ids,
                       const void* xp, const Strides4& xs) {
  typedef typename ComputeT<T>::type C;
  T* out = static_cast<T*>(outp);
  const T* x = static_cast<const T*>(xp);
  const index_t total = g.N * g.C * g.Ho * g.Wo;
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const Nchw o = unravelNchw(i, g.C, g.Ho, g.Wo);
    const index_t n = o.n, ch = o.c, oh = o.h, ow = o.w;
    const T* plane = x + n * xs.s[0] + ch * xs.s[1];
    index_t h0 = oh * g.sh - g.ph;
    const index_t h1 = imin(h0 + (g.kh - 1) * g.dh + 1, g.H);
    while (h0 < 0) h0 += g.dh;
    index_t w0 = ow * g.sw - g.pw;
    const index_t w1 = imin(w0 + (g.kw - 1) * g.dw + 1, g.W);
    while (w0 < 0) w0 += g.dw;
    // as the CPU (and PyTorch): the first maximum wins ties; a NaN wins (the last NaN seen)
    C best = Neg<C>::inf();
    index_t bi = h0 * g.W + w0;
    for (index_t h = h0; h < h1; h += g.dh)
      for (index_t w = w0; w < w1; w += g.dw) {
        const C v = load(plane[h * xs.s[2] + w * xs.s[3]]);
        if (v > best || v != v) { best = v; bi = h * g.W + w; }
      }
    out[n * os.s[0] + ch * os.s[1] + oh * os.s[2] + ow * os.s[3]] = store<T>(best);
    idx[n * ids.s[0] + ch * ids.s[1] + oh * ids.s[2] + ow * ids.s[3]] = (int32_t)bi;
  }
}

// Flags every index outside [0, H*W) (the CPU's Index error).
FLINT_DEV void checkIndices(const ConvGeom& g, const int32_t* idx, const Strides4& ids, int* err) {
  const index_t total = g.N * g.C * g.Ho * g.Wo, HW = g.H * g.W;
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const Nchw o = unravelNchw(i, g.C, g.Ho, g.Wo);
    const index_t n = o.n, ch = o.c, oh = o.h, ow = o.w;
    const index_t j = idx[n * ids.s[0] + ch * ids.s[1] + oh * ids.s[2] + ow * ids.s[3]];
    if (j < 0 || j >= HW) atomicOr(err, E_INDEX);
  }
}

// With the forward's geometry: pixel (h, w) can only be named by outputs whose window covers it,
// oh in [ceil((h + ph - (kh-1) dh) / sh), floor((h + ph) / sh)] (likewise ow), visited in (oh, ow)
// order — the CPU's order of additions.
template <class T>
FLINT_DEV void maxPoolBack(const ConvGeom& g, void* gxp, const Strides4& gs, const void* gop, const Strides4& os,
                           const int32_t* idx, const Strides4& ids, int* err) {
  typedef typename ComputeT<T>::type C;
  checkIndices(g, idx, ids, err);
  T* gx = static_cast<T*>(gxp);
  const T* go = static_cast<const T*>(gop);
  const index_t total = g.N * g.C * g.H * g.W;
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const Nchw o = unravelNchw(i, g.C, g.H, g.W);
    const index_t n = o.n, ch = o.c, h = o.h, w = o.w;
    const index_t oh0 = imax(0, ceilDiv(h + g.ph - (g.kh - 1) * g.dh, g.sh)), oh1 = imin(g.Ho - 1, floorDiv(h + g.ph, g.sh));
    const index_t ow0 = imax(0, ceilDiv(w + g.pw - (g.kw - 1) * g.dw, g.sw)), ow1 = imin(g.Wo - 1, floorDiv(w + g.pw, g.sw));
    const int32_t self = (int32_t)(h * g.W + w);
    const int32_t* ip = idx + n * ids.s[0] + ch * ids.s[1];
    const T* gp = go + n * os.s[0] + ch * os.s[1];
    C acc = 0;
    for (index_t oh = oh0; oh <= oh1; oh++)
      for (index_t ow = ow0; ow <= ow1; ow++)
        if (ip[oh * ids.s[2] + ow * ids.s[3]] == self) acc += load(gp[oh * os.s[2] + ow * os.s[3]]);
    gx[n * gs.s[0] + ch * gs.s[1] + h * gs.s[2] + w * gs.s[3]] = store<T>(acc);
  }
}

// Without the geometry an output may name any pixel of its plane. One block per plane walks the
// outputs in (oh, ow) order, FLINT_BLOCK at a time: for each distinct target in a chunk, the lowest
// thread naming it adds the chunk's values for it in thread order into acc (the plane's H*W
// accumulators of the compute type, in device memory); chunks are separated by __syncthreads. So
// every pixel receives its values one by one in output order, as on the CPU, without atomics.
template <class T>
FLINT_DEV void maxPoolBackPlanes(const ConvGeom& g, void* gxp, const Strides4& gs, const void* gop, const Strides4& os,
                                 const int32_t* idx, const Strides4& ids, void* accp, int* err) {
  typedef typename ComputeT<T>::type C;
  __shared__ int64_t sTarget[FLINT_BLOCK];
  __shared__ C sValue[FLINT_BLOCK];
  T* gx = static_cast<T*>(gxp);
  const T* go = static_cast<const T*>(gop);
  const index_t HW = g.H * g.W, L = g.Ho * g.Wo, planes = g.N * g.C;
  const int t = threadIdx.x, nt = blockDim.x;
  for (index_t p = blockIdx.x; p < planes; p += gridDim.x) {
    const index_t ch = p % g.C, n = p / g.C;
    C* acc = static_cast<C*>(accp) + p * HW;
    for (index_t i = t; i < HW; i += nt) acc[i] = (C)0;
    const int32_t* ip = idx + n * ids.s[0] + ch * ids.s[1];
    const T* gp = go + n * os.s[0] + ch * os.s[1];
    for (index_t base = 0; base < L; base += nt) {
      __syncthreads();  // acc zeroed / the previous chunk's additions done, shared slots free
      const index_t j = base + t;
      int64_t target = -1;
      if (j < L) {
        const index_t oh = j / g.Wo, ow = j - oh * g.Wo;
        const int64_t k = ip[oh * ids.s[2] + ow * ids.s[3]];
        if (k < 0 || k >= HW) atomicOr(err, E_INDEX);
        else { target = k; sValue[t] = load(gp[oh * os.s[2] + ow * os.s[3]]); }
      }
      sTarget[t] = target;
      __syncthreads();
      if (target >= 0) {
        const int m = (int)imin(nt, L - base);
        bool leader = true;
        for (int u = 0; u < t && leader; u++) leader = sTarget[u] != target;
        if (leader) {
          C a = acc[target];
          for (int u = t; u < m; u++)
            if (sTarget[u] == target) a += sValue[u];
          acc[target] = a;
        }
      }
    }
    __syncthreads();
    for (index_t i = t; i < HW; i += nt) {
      const index_t h = i / g.W, w = i - h * g.W;
      gx[n * gs.s[0] + ch * gs.s[1] + h * gs.s[2] + w * gs.s[3]] = store<T>(acc[i]);
    }
    __syncthreads();
  }
}

// ---- average pooling ---------------------------------------------------------------------------

template <class T>
FLINT_DEV void avgPool(const ConvGeom& g, void* outp, const Strides4& os, const void* xp, const Strides4& xs, int includePad, index_t divisor) {
  typedef typename ComputeT<T>::type C;
  T* out = static_cast<T*>(outp);
  const T* x = static_cast<const T*>(xp);
  const index_t total = g.N * g.C * g.Ho * g.Wo;
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const Nchw o = unravelNchw(i, g.C, g.Ho, g.Wo);
    const index_t n = o.n, ch = o.c, oh = o.h, ow = o.w;
    const T* plane = x + n * xs.s[0] + ch * xs.s[1];
    const AvgWin w = avgWin(g, includePad, divisor, oh, ow);
    C sum = 0;
    for (index_t h = w.h0; h < w.h1; h++)
      for (index_t q = w.w0; q < w.w1; q++) sum += load(plane[h * xs.s[2] + q * xs.s[3]]);
    out[n * os.s[0] + ch * os.s[1] + oh * os.s[2] + ow * os.s[3]] = store<T>(w.div > 0 ? (C)(sum / (C)w.div) : C(0));
  }
}

// Pixel (h, w) lies in the unclipped window of oh iff oh*sh - ph <= h < oh*sh - ph + kh (clipping to
// the image never removes a pixel of the image), so oh in [ceil((h + ph - kh + 1) / sh), floor((h + ph) / sh)].
template <class T>
FLINT_DEV void avgPoolBack(const ConvGeom& g, void* gxp, const Strides4& gs, const void* gop, const Strides4& os, int includePad, index_t divisor) {
  typedef typename ComputeT<T>::type C;
  T* gx = static_cast<T*>(gxp);
  const T* go = static_cast<const T*>(gop);
  const index_t total = g.N * g.C * g.H * g.W;
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const Nchw o = unravelNchw(i, g.C, g.H, g.W);
    const index_t n = o.n, ch = o.c, h = o.h, w = o.w;
    const index_t oh0 = imax(0, ceilDiv(h + g.ph - g.kh + 1, g.sh)), oh1 = imin(g.Ho - 1, floorDiv(h + g.ph, g.sh));
    const index_t ow0 = imax(0, ceilDiv(w + g.pw - g.kw + 1, g.sw)), ow1 = imin(g.Wo - 1, floorDiv(w + g.pw, g.sw));
    const T* gp = go + n * os.s[0] + ch * os.s[1];
    C acc = 0;
    for (index_t oh = oh0; oh <= oh1; oh++)
      for (index_t ow = ow0; ow <= ow1; ow++) {
        const AvgWin win = avgWin(g, includePad, divisor, oh, ow);
        if (win.div <= 0 || h < win.h0 || h >= win.h1 || w < win.w0 || w >= win.w1) continue;
        const C v = (C)(load(gp[oh * os.s[2] + ow * os.s[3]]) / (C)win.div);
        acc += v;
      }
    gx[n * gs.s[0] + ch * gs.s[1] + h * gs.s[2] + w * gs.s[3]] = store<T>(acc);
  }
}

// ---- adaptive average pooling ------------------------------------------------------------------


template <class T>
FLINT_DEV void adaptiveAvg(const ConvGeom& g, void* outp, const Strides4& os, const void* xp, const Strides4& xs) {
  typedef typename ComputeT<T>::type C;
  T* out = static_cast<T*>(outp);
  const T* x = static_cast<const T*>(xp);
  const index_t total = g.N * g.C * g.Ho * g.Wo;
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const Nchw o = unravelNchw(i, g.C, g.Ho, g.Wo);
    const index_t n = o.n, ch = o.c, oh = o.h, ow = o.w;
    const T* plane = x + n * xs.s[0] + ch * xs.s[1];
    const index_t h0 = adStart(oh, g.H, g.Ho), h1 = adEnd(oh, g.H, g.Ho);
    const index_t w0 = adStart(ow, g.W, g.Wo), w1 = adEnd(ow, g.W, g.Wo);
    C sum = 0;
    for (index_t h = h0; h < h1; h++)
      for (index_t q = w0; q < w1; q++) sum += load(plane[h * xs.s[2] + q * xs.s[3]]);
    out[n * os.s[0] + ch * os.s[1] + oh * os.s[2] + ow * os.s[3]] = store<T>(sum / (C)((h1 - h0) * (w1 - w0)));
  }
}

// Pixel h lies in window o iff adStart(o) <= h < adEnd(o), i.e. floor(h*O/I) <= o <= ceil((h+1)*O/I) - 1.
template <class T>
FLINT_DEV void adaptiveAvgBack(const ConvGeom& g, void* gxp, const Strides4& gs, const void* gop, const Strides4& os) {
  typedef typename ComputeT<T>::type C;
  T* gx = static_cast<T*>(gxp);
  const T* go = static_cast<const T*>(gop);
  const index_t total = g.N * g.C * g.H * g.W;
  for (index_t i = gfirst(); i < total; i += gstride()) {
    const Nchw o = unravelNchw(i, g.C, g.H, g.W);
    const index_t n = o.n, ch = o.c, h = o.h, w = o.w;
    const index_t oh0 = (h * g.Ho) / g.H, oh1 = imin(g.Ho - 1, ((h + 1) * g.Ho + g.H - 1) / g.H - 1);
    const index_t ow0 = (w * g.Wo) / g.W, ow1 = imin(g.Wo - 1, ((w + 1) * g.Wo + g.W - 1) / g.W - 1);
    const T* gp = go + n * os.s[0] + ch * os.s[1];
    C acc = 0;
    for (index_t oh = oh0; oh <= oh1; oh++) {
      const index_t h0 = adStart(oh, g.H, g.Ho), h1 = adEnd(oh, g.H, g.Ho);
      if (h < h0 || h >= h1) continue;
      for (index_t ow = ow0; ow <= ow1; ow++) {
        const index_t w0 = adStart(ow, g.W, g.Wo), w1 = adEnd(ow, g.W, g.Wo);
        if (w < w0 || w >= w1) continue;
        const C v = load(gp[oh * os.s[2] + ow * os.s[3]]) / (C)((h1 - h0) * (w1 - w0));
        acc += v;
      }
    }
    gx[n * gs.s[0] + ch * gs.s[1] + h * gs.s[2] + w * gs.s[3]] = store<T>(acc);
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::conv::ConvGeom;
using flint::conv::Strides3;
using flint::conv::Strides4;

#define FLINT_CONV_KERNELS(S, T)                                                                                        \
  FLINT_KERNEL void flint_im2col_##S(ConvGeom g, void* cols, Strides3 cs, const void* x, Strides4 xs) {                \
    flint::kern::im2col<T>(g, cols, cs, x, xs);                                                                         \
  }                                                                                                                     \
  FLINT_KERNEL void flint_col2im_##S(ConvGeom g, void* img, Strides4 is, const void* cols, Strides3 cs) {              \
    flint::kern::col2im<T>(g, img, is, cols, cs);                                                                       \
  }                                                                                                                     \
  FLINT_KERNEL void flint_maxpool2d_##S(ConvGeom g, void* out, Strides4 os, int32_t* idx, Strides4 ids, const void* x,  \
                                        Strides4 xs) {                                                                  \
    flint::kern::maxPool<T>(g, out, os, idx, ids, x, xs);                                                               \
  }                                                                                                                     \
  FLINT_KERNEL void flint_maxpool2d_backward_##S(ConvGeom g, void* gx, Strides4 gs, const void* go, Strides4 os,        \
                                                 const int32_t* idx, Strides4 ids, int* err) {                          \
    flint::kern::maxPoolBack<T>(g, gx, gs, go, os, idx, ids, err);                                                      \
  }                                                                                                                     \
  FLINT_KERNEL void flint_maxpool2d_backward_planes_##S(ConvGeom g, void* gx, Strides4 gs, const void* go, Strides4 os, \
                                                        const int32_t* idx, Strides4 ids, void* acc, int* err) {        \
    flint::kern::maxPoolBackPlanes<T>(g, gx, gs, go, os, idx, ids, acc, err);                                           \
  }                                                                                                                     \
  FLINT_KERNEL void flint_avgpool2d_##S(ConvGeom g, void* out, Strides4 os, const void* x, Strides4 xs, int includePad, \
                                        index_t divisor) {                                                              \
    flint::kern::avgPool<T>(g, out, os, x, xs, includePad, divisor);                                                    \
  }                                                                                                                     \
  FLINT_KERNEL void flint_avgpool2d_backward_##S(ConvGeom g, void* gx, Strides4 gs, const void* go, Strides4 os,        \
                                                 int includePad, index_t divisor) {                                     \
    flint::kern::avgPoolBack<T>(g, gx, gs, go, os, includePad, divisor);                                                \
  }                                                                                                                     \
  FLINT_KERNEL void flint_adaptive_avgpool2d_##S(ConvGeom g, void* out, Strides4 os, const void* x, Strides4 xs) {      \
    flint::kern::adaptiveAvg<T>(g, out, os, x, xs);                                                                     \
  }                                                                                                                     \
  FLINT_KERNEL void flint_adaptive_avgpool2d_backward_##S(ConvGeom g, void* gx, Strides4 gs, const void* go,            \
                                                          Strides4 os) {                                                \
    flint::kern::adaptiveAvgBack<T>(g, gx, gs, go, os);                                                                 \
  }

FLINT_FLOAT_DTYPES(FLINT_CONV_KERNELS)
#undef FLINT_CONV_KERNELS
