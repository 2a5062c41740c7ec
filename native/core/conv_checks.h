// conv_checks.h — the device-independent parameter parsing and validation of the convolution and
// pooling ops (im2col, col2im, maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward,
// adaptiveAvgPool2d, adaptiveAvgPool2dBackward), shared by the CPU kernels (native/cpu/conv.cpp)
// and the GPU entries (native/gpu/ops_conv.cpp) so both check the same things in the same order
// with the same messages. Operands and params: see native/cpu/conv.cpp.
#pragma once
#include <cstdint>
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
}  // namespace flint
