// norm.h — DESIGN: the fused layer normalisation over the last N elements of each of R rows
// ('layerNorm', 'layerNormBackward', 'layerNormAffineBackward'): the operand layout and the checks,
// shared by native/cpu/norm.cpp (the CPU loops), native/gpu/ops_norm.cpp (validation and the
// launches) and native/kernels/norm.cu (a block per row; a thread per column for the affine sums).
//
// Why: composed from elementwise ops and reductions, one LayerNorm was ~8 native calls forward and
// ~20 backward over the activation (mean, var, sub, rsqrt, mul, add, and their gradients), each
// a full pass and an autograd node. The fused forward is two passes over a row in cache; the
// backward one read of gy and x per row for gx, and one for the weight and bias gradients.
//
//   layerNorm                t: y [R,N], mean [R], rstd [R], x [R,N][, w [N]][, b [N]]
//                            p: eps, hasW, hasB (w, when present, comes before b)
//       mean = sum(x)/N, var = sum((x-mean)^2)/N (biased, as PyTorch), rstd = 1/sqrt(var + eps),
//       y = (x - mean) * rstd [* w] [+ b]: the composed ops' order of operations.
//   layerNormBackward        t: gx [R,N], gy [R,N], x [R,N], mean [R], rstd [R][, w [N]]   p: hasW
//       xhat = (x - mean) * rstd, g = gy [* w]:  gx = rstd * (g - sum(g)/N - xhat * sum(g*xhat)/N)
//   layerNormAffineBackward  t: gw [N], gb [N], gy [R,N], x [R,N], mean [R], rstd [R]
//       gw = sum over rows of gy * xhat, gb = sum over rows of gy
// Every operand contiguous and of one floating dtype (16-bit floats computed in float).
#pragma once
#include <cstdint>

#ifndef FLINT_KERNELS
#include <string>
#include "error.h"
#include "optable.h"
#include "tensor.h"

namespace flint {
namespace checks {

struct NormShape { int64_t R, N; };

// t[k] must be contiguous, of t[ref]'s dtype, with `want` elements.
inline void needNormOperand(const OpCall& c, const char* op, int k, const TensorArg& ref, int64_t want, const char* what) {
  const TensorArg& t = c.t[k];
  if (t.isScalar || !t.isContiguous() || t.numel() != want || t.dtype != ref.dtype)
    fail(ErrorKind::Shape, std::string(op) + ": " + what + " must be a contiguous tensor of " + std::to_string(want) +
                               " elements of x's dtype, got " + t.shapeStr() + " (x " + ref.shapeStr() + ")");
}

// x at operand xi, N its last-dims size (from the stats' length R: N = numel / R).
inline NormShape normShape(const OpCall& c, const char* op, int xi, int meanIdx) {
  const TensorArg& x = c.t[xi];
  const TensorArg& m = c.t[meanIdx];
  if (x.isScalar || m.isScalar) fail(ErrorKind::Shape, std::string(op) + ": x and the row statistics must be tensors");
  const int64_t R = m.numel(), n = x.numel();
  if (R <= 0 ? n != 0 : n % R != 0)
    fail(ErrorKind::Shape, std::string(op) + ": x " + x.shapeStr() + " does not split into " + std::to_string(R) + " rows");
  return NormShape{R, R > 0 ? n / R : 0};
}

inline NormShape checkLayerNorm(const OpCall& c, bool& hasW, bool& hasB) {
  hasW = c.param(1) != 0;
  hasB = c.param(2) != 0;
  const int nt = 4 + (hasW ? 1 : 0) + (hasB ? 1 : 0);
  if (c.nt != nt) fail(ErrorKind::Value, "layerNorm: expected " + std::to_string(nt) + " operands for hasW=" + std::to_string(hasW) + " hasB=" + std::to_string(hasB) + ", got " + std::to_string(c.nt));
  const NormShape s = normShape(c, "layerNorm", 3, 1);
  const TensorArg& x = c.t[3];
  needNormOperand(c, "layerNorm", 0, x, s.R * s.N, "y");
  needNormOperand(c, "layerNorm", 1, x, s.R, "mean");
  needNormOperand(c, "layerNorm", 2, x, s.R, "rstd");
  needNormOperand(c, "layerNorm", 3, x, s.R * s.N, "x");
  if (hasW) needNormOperand(c, "layerNorm", 4, x, s.N, "weight");
  if (hasB) needNormOperand(c, "layerNorm", hasW ? 5 : 4, x, s.N, "bias");
  return s;
}

inline NormShape checkLayerNormBackward(const OpCall& c, bool& hasW) {
  hasW = c.param(0) != 0;
  const int nt = hasW ? 6 : 5;
  if (c.nt != nt) fail(ErrorKind::Value, "layerNormBackward: expected " + std::to_string(nt) + " operands, got " + std::to_string(c.nt));
  const NormShape s = normShape(c, "layerNormBackward", 2, 3);
  const TensorArg& x = c.t[2];
  needNormOperand(c, "layerNormBackward", 0, x, s.R * s.N, "gx");
  needNormOperand(c, "layerNormBackward", 1, x, s.R * s.N, "gy");
  needNormOperand(c, "layerNormBackward", 3, x, s.R, "mean");
  needNormOperand(c, "layerNormBackward", 4, x, s.R, "rstd");
  if (hasW) needNormOperand(c, "layerNormBackward", 5, x, s.N, "weight");
  return s;
}

inline NormShape checkLayerNormAffineBackward(const OpCall& c) {
  if (c.nt != 6) fail(ErrorKind::Value, "layerNormAffineBackward: expected 6 operands, got " + std::to_string(c.nt));
  const NormShape s = normShape(c, "layerNormAffineBackward", 3, 4);
  const TensorArg& x = c.t[3];
  needNormOperand(c, "layerNormAffineBackward", 0, x, s.N, "gw");
  needNormOperand(c, "layerNormAffineBackward", 1, x, s.N, "gb");
  needNormOperand(c, "layerNormAffineBackward", 2, x, s.R * s.N, "gy");
  needNormOperand(c, "layerNormAffineBackward", 4, x, s.R, "mean");
  needNormOperand(c, "layerNormAffineBackward", 5, x, s.R, "rstd");
  return s;
}

[[noreturn]] inline void failNormDType(const char* op) { fail(ErrorKind::DType, std::string(op) + ": expected a floating dtype"); }

}  // namespace checks
}  // namespace flint
#endif
