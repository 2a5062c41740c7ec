// conv.h — DESIGN: the convolution and pooling family (im2col, col2im, maxPool2d, maxPool2dBackward,
// avgPool2d, avgPool2dBackward, adaptiveAvgPool2d, adaptiveAvgPool2dBackward) declared once for
// both devices: the geometry struct that travels to the kernels (ConvGeom, with Strides4/Strides3
// for the operands), the window rules (average-pooling windows and divisors, adaptive windows), the
// kernels' error bits, and the host-side parameter parsing and validation (namespace checks: both
// devices check the same things in the same order with the same messages).
//
// Who includes it: native/cpu/conv.cpp (the CPU loops), native/gpu/ops_conv.cpp (checks, ConvGeom,
// launches) and native/kernels/conv.cu (the kernels; the host-only part is left out there).
// Operands and params of each op: see native/cpu/conv.cpp.
#pragma once
#include <cstdint>
#include "hd.h"

namespace flint {
namespace conv {

/** The image geometry and the kernel window (int64 fields only: no padding). */
struct ConvGeom {
  int64_t N, C, H, W, Ho, Wo;
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
};
/** A tensor's strides in ELEMENTS: [N, C, H, W] images, [N, rows, L] columns. */
struct Strides4 { int64_t s[4]; };
struct Strides3 { int64_t s[3]; };
static_assert(sizeof(ConvGeom) == 14 * 8 && sizeof(Strides4) == 32 && sizeof(Strides3) == 24, "conv layouts");

/** maxPool2dBackward: an index outside [0, H*W) (the GPU's error word; the CPU throws at once). */
enum ErrBits { E_INDEX = 1 };

/** One average-pooling window, clipped to the image, and its divisor (PyTorch's rules). */
struct AvgWin { int64_t h0, h1, w0, w1; double div; };
FLINT_HD inline AvgWin avgWin(const ConvGeom& g, bool includePad, int64_t divisor, int64_t oh, int64_t ow) {
  int64_t h0 = oh * g.sh - g.ph, w0 = ow * g.sw - g.pw;
  int64_t h1 = h0 + g.kh < g.H + g.ph ? h0 + g.kh : g.H + g.ph, w1 = w0 + g.kw < g.W + g.pw ? w0 + g.kw : g.W + g.pw;
  const int64_t poolSize = (h1 - h0) * (w1 - w0);
  h0 = h0 > 0 ? h0 : 0;
  w0 = w0 > 0 ? w0 : 0;
  h1 = h1 < g.H ? h1 : g.H;
  w1 = w1 < g.W ? w1 : g.W;
  const double div = divisor ? (double)divisor : includePad ? (double)poolSize : (double)((h1 - h0) * (w1 - w0));
  return AvgWin{h0, h1, w0, w1, div};
}

/** Adaptive pooling: output o of O over I inputs averages [adStart, adEnd) = [floor(o*I/O), ceil((o+1)*I/O)). */
FLINT_HD inline int64_t adStart(int64_t o, int64_t I, int64_t O) { return (o * I) / O; }
FLINT_HD inline int64_t adEnd(int64_t o, int64_t I, int64_t O) { return ((o + 1) * I + O - 1) / O; }

}  // namespace conv
}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <string>
#include "dtype.h"
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

struct Geom { int64_t kh, kw, sh, sw, ph, pw, dh, dw; };

// params 0..7: kh, kw, sh, sw, ph, pw, dh, dw
inline Geom geomOf(const OpCall& c) {
  Geom g{(int64_t)c.param(0), (int64_t)c.param(1), (int64_t)c.param(2), (int64_t)c.param(3),
         (int64_t)c.param(4), (int64_t)c.param(5), (int64_t)c.param(6), (int64_t)c.param(7)};
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.ph < 0 || g.pw < 0)
    fail(ErrorKind::Value, std::string(c.name) + ": kernel size, stride and dilation must be >= 1 and padding >= 0");
  return g;
}

inline void need(const OpCall& c, int nt) {
  if (c.nt != nt) fail(ErrorKind::Value, std::string(c.name) + ": expected " + std::to_string(nt) + " tensors, got " + std::to_string(c.nt));
}

inline void need4d(const OpCall& c, const TensorArg& t, const char* what) {
  if (t.ndim != 4) fail(ErrorKind::Shape, std::string(c.name) + ": " + what + " must be 4-D [N, C, H, W], got " + t.shapeStr());
}

inline bool isFloat(DType d) { return d == DType::F32 || d == DType::F64 || d == DType::F16 || d == DType::BF16; }

inline void sameFloat(const OpCall& c, const TensorArg& a, const TensorArg& b) {
  if (a.dtype != b.dtype || !isFloat(a.dtype))
    fail(ErrorKind::DType, std::string(c.name) + ": expected tensors of one floating dtype, got " + dtypeName(a.dtype) +
                               " and " + dtypeName(b.dtype));
}

// ---- im2col / col2im -------------------------------------------------------------------------

struct ColShape { int64_t N, C, H, W, Ho, Wo; };

// params 8, 9: Ho, Wo; 10, 11 (optional): bottom/right padding
inline ColShape checkCols(const OpCall& c, const TensorArg& img, const TensorArg& cols, const Geom& g) {
  using std::to_string;
  need4d(c, img, "the image");
  const int64_t Ho = (int64_t)c.param(8), Wo = (int64_t)c.param(9);
  ColShape s{img.shape[0], img.shape[1], img.shape[2], img.shape[3], Ho, Wo};
  if (cols.ndim != 3 || cols.shape[0] != s.N || cols.shape[1] != s.C * g.kh * g.kw || cols.shape[2] != Ho * Wo)
    fail(ErrorKind::Shape, std::string(c.name) + ": columns " + cols.shapeStr() + " do not match image " + img.shapeStr() +
                               " with a " + to_string(g.kh) + "x" + to_string(g.kw) + " kernel and output " + to_string(Ho) + "x" + to_string(Wo));
  // the last window must start inside the padded image
  // padding below/right (params 10, 11) may exceed the top/left one: padding='same' with even kernels
  const int64_t pb = c.np > 10 ? (int64_t)c.param(10) : g.ph, pr = c.np > 11 ? (int64_t)c.param(11) : g.pw;
  if (Ho < 0 || Wo < 0 || (Ho > 0 && (Ho - 1) * g.sh + (g.kh - 1) * g.dh >= s.H + g.ph + pb) ||
      (Wo > 0 && (Wo - 1) * g.sw + (g.kw - 1) * g.dw >= s.W + g.pw + pr))
    fail(ErrorKind::Shape, std::string(c.name) + ": output " + to_string(Ho) + "x" + to_string(Wo) + " is too large for image " + img.shapeStr());
  sameFloat(c, img, cols);
  return s;
}

// ---- pooling ---------------------------------------------------------------------------------

struct Planes { int64_t N, C, H, W, Ho, Wo; };

// (big, small): big is the input image shape, small the pooled shape; N and C must agree.
inline Planes checkPool(const OpCall& c, const TensorArg& big, const TensorArg& small) {
  need4d(c, big, "the input");
  need4d(c, small, "the output");
  if (big.shape[0] != small.shape[0] || big.shape[1] != small.shape[1])
    fail(ErrorKind::Shape, std::string(c.name) + ": input " + big.shapeStr() + " and output " + small.shapeStr() + " differ in N or C");
  sameFloat(c, big, small);
  return Planes{big.shape[0], big.shape[1], big.shape[2], big.shape[3], small.shape[2], small.shape[3]};
}

// maxPool2d's indices (t[1]) against its output (t[0]).
inline void checkMaxPoolIndices(const OpCall& c) {
  need4d(c, c.t[1], "the indices");
  if (c.t[1].dtype != DType::I32) fail(ErrorKind::DType, "maxPool2d: indices must be int32");
  for (int d = 0; d < 4; d++)
    if (c.t[1].shape[d] != c.t[0].shape[d]) fail(ErrorKind::Shape, "maxPool2d: indices " + c.t[1].shapeStr() + " differ from output " + c.t[0].shapeStr());
}

// maxPool2dBackward's indices (t[2]) against the output grad (t[1]).
inline void checkMaxPoolBackwardIndices(const OpCall& c) {
  need4d(c, c.t[2], "the indices");
  if (c.t[2].dtype != DType::I32) fail(ErrorKind::DType, "maxPool2dBackward: indices must be int32");
  for (int d = 0; d < 4; d++)
    if (c.t[2].shape[d] != c.t[1].shape[d]) fail(ErrorKind::Shape, "maxPool2dBackward: indices " + c.t[2].shapeStr() + " differ from grad " + c.t[1].shapeStr());
}

struct AvgParams { Geom g; bool includePad; int64_t divisor; };

// params: kh, kw, sh, sw, ph, pw, countIncludePad, divisorOverride (0: none)
inline AvgParams avgParamsOf(const OpCall& c) {
  AvgParams a;
  a.g = Geom{(int64_t)c.param(0), (int64_t)c.param(1), (int64_t)c.param(2), (int64_t)c.param(3), (int64_t)c.param(4), (int64_t)c.param(5), 1, 1};
  if (a.g.kh < 1 || a.g.kw < 1 || a.g.sh < 1 || a.g.sw < 1 || a.g.ph < 0 || a.g.pw < 0)
    fail(ErrorKind::Value, std::string(c.name) + ": kernel size and stride must be >= 1 and padding >= 0");
  a.includePad = c.param(6) != 0;
  a.divisor = (int64_t)c.param(7);
  return a;
}

inline void checkAdaptive(const OpCall& c, const Planes& s) {
  using std::to_string;
  if ((s.Ho == 0 || s.Wo == 0) && s.N * s.C > 0)
    fail(ErrorKind::Shape, std::string(c.name) + ": output size must be positive, got " + to_string(s.Ho) + "x" + to_string(s.Wo));
  if ((s.H == 0 || s.W == 0) && s.N * s.C * s.Ho * s.Wo > 0)
    fail(ErrorKind::Shape, std::string(c.name) + ": input planes are empty: " + to_string(s.H) + "x" + to_string(s.W));
}

}  // namespace checks

namespace conv {

inline ConvGeom convGeom(int64_t N, int64_t C, int64_t H, int64_t W, int64_t Ho, int64_t Wo, const checks::Geom& g) {
  return ConvGeom{N, C, H, W, Ho, Wo, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw};
}
inline ConvGeom planeGeom(const checks::Planes& s, const checks::Geom& g) { return convGeom(s.N, s.C, s.H, s.W, s.Ho, s.Wo, g); }
inline Strides4 strides4(const TensorArg& t) { return Strides4{{t.strides[0], t.strides[1], t.strides[2], t.strides[3]}}; }
inline Strides3 strides3(const TensorArg& t) { return Strides3{{t.strides[0], t.strides[1], t.strides[2]}}; }

}  // namespace conv
}  // namespace flint
#endif
