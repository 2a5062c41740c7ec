// rnn.h — DESIGN: the fused recurrent cells, the LSTM's ('lstmCell', 'lstmCellBackward') and the
// GRU's ('gruCell', 'gruCellBackward'), written once for both devices: the per-unit forward and
// backward math and the operand checks. Who includes it: native/cpu/rnn.cpp (the CPU loops),
// native/gpu/ops_rnn.cpp (validation and the launch) and native/kernels/rnn.cu (one thread per
// hidden unit).
//
// Why a fused op: lib/nn/rnn.ts runs a recurrent layer's time loop in TypeScript. Composed from
// elementwise ops, one LSTM step's gate math was 11 native calls forward and about 20 backward (a
// GRU step's 13 and about 30), each paying the JS dispatch, an autograd node and on a GPU a launch,
// on [B, H] tensors far too small to amortise any of them. A cell reads the step's two gate
// pre-activations (the input projection and the recurrent GEMM) and the previous state once and
// writes the new state; its backward is one pass too.
//
// LSTM (PyTorch's gate order i, f, g, o):
//   lstmCell          t: h1 [B,H], c1 [B,H], act [B,4H] (outputs: act keeps sigmoid(i), sigmoid(f),
//                        tanh(g), sigmoid(o) for the backward), xg [B,4H], hg [B,4H], c0 [B,H]
//   lstmCellBackward  t: dgates [B,4H], dc0 [B,H] (outputs), act [B,4H], c0 [B,H], c1 [B,H],
//                        gh [B,H], gc [B,H] (the gradients of h1 and c1; zeros when unused)
// dgates is the gradient of both xg and hg (their sum feeds the gates).
//
// GRU (PyTorch's gate order r, z, n; xg = x·W_ihᵀ + b_ih, hg = h0·W_hhᵀ + b_hh):
//   r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn), h1 = (1 − z)·n + z·h0 = n + z·(h0 − n)
// The recurrent bias of n stays inside r·hn, so hg cannot be folded into xg and the two get
// different gradients (d hn = d(xn)·r).
//   gruCell           t: h1 [B,H], act [B,4H] (outputs: act keeps r, z, n and hn for the backward),
//                        xg [B,3H], hg [B,3H], h0 [B,H]
//   gruCellBackward   t: dxg [B,3H], dhg [B,3H], dh0 [B,H] (outputs; dh0 is the direct path
//                        z·gh only, the path through hg is hg's GEMM's), act [B,4H], h0 [B,H], gh [B,H]
// Every operand contiguous, one floating dtype (16-bit floats computed in float).
#pragma once
#include "hd.h"
#include "libm.h"

namespace flint {
namespace rnn {

// The activations: libm.h's (float on the CPU: core/vmath.h's), the device math in kernels. A
// template parameter so that a caller can pass others with the same static sigmoid(x), tanh(x).
struct LibmMath {
  template <class C> static FLINT_HD C sigmoid(C x) { return (C)1 / ((C)1 + m_exp(-x)); }
  template <class C> static FLINT_HD C tanh(C x) { return m_tanh(x); }
};

// One hidden unit forward: pre-activations a (i, f, g, o) and c0 -> act (i, f, g, o), c1, h1.
template <class C, class M = LibmMath>
FLINT_HD inline void cellForward(C ai, C af, C ag, C ao, C c0, C& i, C& f, C& g, C& o, C& c1, C& h1) {
  i = M::sigmoid(ai);
  f = M::sigmoid(af);
  g = M::tanh(ag);
  o = M::sigmoid(ao);
  c1 = f * c0 + i * g;
  h1 = o * M::tanh(c1);
}

// One hidden unit backward: from act, c0, c1 and the incoming gh, gc -> the gradients of the four
// pre-activations and of c0 (sigmoid' = s(1-s), tanh' = 1-t^2, as the composed ops' gradients).
template <class C, class M = LibmMath>
FLINT_HD inline void cellBackward(C i, C f, C g, C o, C c0, C c1, C gh, C gc, C& dai, C& daf, C& dag, C& dao, C& dc0) {
  const C tc = M::tanh(c1);
  const C dc = gc + gh * o * ((C)1 - tc * tc);
  dao = gh * tc * o * ((C)1 - o);
  dai = dc * g * i * ((C)1 - i);
  daf = dc * c0 * f * ((C)1 - f);
  dag = dc * i * ((C)1 - g * g);
  dc0 = dc * f;
}

// One GRU hidden unit forward: the six pre-activation parts and h0 -> r, z, n, h1 (the composed
// ops' order: n + z * (h0 - n)).
template <class C, class M = LibmMath>
FLINT_HD inline void gruForward(C xr, C xz, C xn, C hr, C hz, C hn, C h0, C& r, C& z, C& n, C& h1) {
  r = M::sigmoid(xr + hr);
  z = M::sigmoid(xz + hz);
  n = M::tanh(xn + r * hn);
  h1 = n + z * (h0 - n);
}

// One GRU hidden unit backward: from r, z, n, hn, h0 and the incoming gh -> the gradients of xr,
// xz, xn (those of hr and hz are the same), of hn, and h0's direct part.
template <class C>
FLINT_HD inline void gruBackward(C r, C z, C n, C hn, C h0, C gh, C& dxr, C& dxz, C& dxn, C& dhn, C& dh0) {
  const C dn = gh * ((C)1 - z);
  const C dz = gh * (h0 - n);
  dh0 = gh * z;
  dxn = dn * ((C)1 - n * n);
  dhn = dxn * r;
  dxr = dxn * hn * r * ((C)1 - r);
  dxz = dz * z * ((C)1 - z);
}

}  // namespace rnn
}  // namespace flint

#ifndef FLINT_KERNELS
#include <string>
#include "error.h"
#include "optable.h"
#include "tensor.h"

namespace flint {
namespace checks {

// Shapes: t[k] must be [B, width[k]·H] and contiguous, all of one dtype, where the last operand is a
// [B, H] state; returns H.
inline int64_t checkCellOperands(const OpCall& c, int nt, const char* op, const int* width) {
  if (c.nt != nt) fail(ErrorKind::Value, std::string(op) + ": expected " + std::to_string(nt) + " operands, got " + std::to_string(c.nt));
  const TensorArg& ref = c.t[nt - 1];  // c0 / h0 (forward), gc / gh (backward): [B, H]
  if (ref.isScalar || ref.ndim != 2) fail(ErrorKind::Shape, std::string(op) + ": expected a [B, H] state, got " + ref.shapeStr());
  const int64_t B = ref.shape[0], H = ref.shape[1];
  for (int k = 0; k < nt; k++) {
    const TensorArg& t = c.t[k];
    const int64_t cols = width[k] * H;
    if (t.isScalar || t.ndim != 2 || t.shape[0] != B || t.shape[1] != cols || !t.isContiguous() || t.dtype != ref.dtype)
      fail(ErrorKind::Shape, std::string(op) + ": operand " + std::to_string(k) + " must be a contiguous [" + std::to_string(B) + ", " +
                                 std::to_string(cols) + "] tensor of the state's dtype, got " + t.shapeStr() + " (state " + ref.shapeStr() + ")");
  }
  return H;
}

inline int64_t checkLstmCell(const OpCall& c) {
  static const int width[6] = {1, 1, 4, 4, 4, 1};  // h1, c1, act, xg, hg, c0
  return checkCellOperands(c, 6, "lstmCell", width);
}

inline int64_t checkLstmCellBackward(const OpCall& c) {
  static const int width[7] = {4, 1, 4, 1, 1, 1, 1};  // dgates, dc0, act, c0, c1, gh, gc
  return checkCellOperands(c, 7, "lstmCellBackward", width);
}

inline int64_t checkGruCell(const OpCall& c) {
  static const int width[5] = {1, 4, 3, 3, 1};  // h1, act, xg, hg, h0
  return checkCellOperands(c, 5, "gruCell", width);
}

inline int64_t checkGruCellBackward(const OpCall& c) {
  static const int width[6] = {3, 3, 1, 4, 1, 1};  // dxg, dhg, dh0, act, h0, gh
  return checkCellOperands(c, 6, "gruCellBackward", width);
}

[[noreturn]] inline void failCellDType(const char* op) { fail(ErrorKind::DType, std::string(op) + ": expected a floating dtype"); }

}  // namespace checks
}  // namespace flint
#endif
