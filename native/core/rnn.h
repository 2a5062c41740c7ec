// rnn.h — DESIGN: the fused LSTM cell ('lstmCell', 'lstmCellBackward') written once for both
// devices: the per-unit forward and backward math and the operand checks. Who includes it:
// native/cpu/rnn.cpp (the CPU loops), native/gpu/ops_rnn.cpp (validation and the launch) and
// native/kernels/rnn.cu (one thread per hidden unit).
//
// Why a fused op: lib/nn/rnn.ts runs an LSTM's time loop in TypeScript. Composed from elementwise
// ops, one step's gate math was 11 native calls forward and about 20 backward, each paying the JS
// dispatch and an autograd node, on [B, H] tensors far too small to amortise either. The cell
// reads the step's two gate pre-activations (input projection and recurrent GEMM, PyTorch's gate
// order i, f, g, o) and the previous cell state once and writes h and c; its backward is one
// pass too.
//
//   lstmCell          t: h1 [B,H], c1 [B,H], act [B,4H] (outputs: act keeps sigmoid(i), sigmoid(f),
//                        tanh(g), sigmoid(o) for the backward), xg [B,4H], hg [B,4H], c0 [B,H]
//   lstmCellBackward  t: dgates [B,4H], dc0 [B,H] (outputs), act [B,4H], c0 [B,H], c1 [B,H],
//                        gh [B,H], gc [B,H] (the gradients of h1 and c1; zeros when unused)
// Every operand contiguous, one floating dtype (16-bit floats computed in float). dgates is the
// gradient of both xg and hg (their sum feeds the gates).
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

}  // namespace rnn
}  // namespace flint

#ifndef FLINT_KERNELS
#include <string>
#include "error.h"
#include "optable.h"
#include "tensor.h"

namespace flint {
namespace checks {

// Shapes: t[k] must be [B, cols] and contiguous, all of one dtype; returns H.
inline int64_t checkLstmOperands(const OpCall& c, int nt, const char* op, const int* wide) {
  if (c.nt != nt) fail(ErrorKind::Value, std::string(op) + ": expected " + std::to_string(nt) + " operands, got " + std::to_string(c.nt));
  const TensorArg& ref = c.t[nt - 1];  // c0 (forward) / gc (backward): [B, H]
  if (ref.isScalar || ref.ndim != 2) fail(ErrorKind::Shape, std::string(op) + ": expected a [B, H] state, got " + ref.shapeStr());
  const int64_t B = ref.shape[0], H = ref.shape[1];
  for (int k = 0; k < nt; k++) {
    const TensorArg& t = c.t[k];
    const int64_t cols = wide[k] ? 4 * H : H;
    if (t.isScalar || t.ndim != 2 || t.shape[0] != B || t.shape[1] != cols || !t.isContiguous() || t.dtype != ref.dtype)
      fail(ErrorKind::Shape, std::string(op) + ": operand " + std::to_string(k) + " must be a contiguous [" + std::to_string(B) + ", " +
                                 std::to_string(cols) + "] tensor of the state's dtype, got " + t.shapeStr() + " (state " + ref.shapeStr() + ")");
  }
  return H;
}

inline int64_t checkLstmCell(const OpCall& c) {
  static const int wide[6] = {0, 0, 1, 1, 1, 0};  // h1, c1, act, xg, hg, c0
  return checkLstmOperands(c, 6, "lstmCell", wide);
}

inline int64_t checkLstmCellBackward(const OpCall& c) {
  static const int wide[7] = {1, 0, 1, 0, 0, 0, 0};  // dgates, dc0, act, c0, c1, gh, gc
  return checkLstmOperands(c, 7, "lstmCellBackward", wide);
}

[[noreturn]] inline void failLstmDType(const char* op) { fail(ErrorKind::DType, std::string(op) + ": expected a floating dtype"); }

}  // namespace checks
}  // namespace flint
#endif
