// matmul_checks.h — the device-independent validation of 'matmul' (t[0] out [Bt, M, N], t[1] A
// [Bt, M, K], t[2] B [Bt, K, N]), shared by the CPU kernel (native/cpu/matmul.cpp) and the GPU
// entry (native/gpu/ops_matmul.cpp) so both refuse the same calls with the same messages.
#pragma once
#include <string>
#include "dtype.h"
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

// Operand count, ranks, shapes and dtypes. Returns the operands' shapes as the messages name them.
inline std::string checkMatmul(const OpCall& c) {
  if (c.nt < 3) fail(ErrorKind::Flint, "matmul: expected 3 tensors (out, a, b), got " + std::to_string(c.nt));
  const TensorArg &out = c.t[0], &a = c.t[1], &b = c.t[2];
  std::string shapes = "a " + a.shapeStr() + ", b " + b.shapeStr() + ", out " + out.shapeStr();
  if (out.ndim != 3 || a.ndim != 3 || b.ndim != 3)
    fail(ErrorKind::Shape, "matmul: the kernel takes rank-3 [batch, rows, cols] operands; got " + shapes);
  if (a.shape[2] != b.shape[1])
    fail(ErrorKind::Shape, "matmul: inner dimensions differ (" + std::to_string(a.shape[2]) + " vs " +
                               std::to_string(b.shape[1]) + "): " + shapes);
  if (a.shape[0] != out.shape[0] || b.shape[0] != out.shape[0] || out.shape[1] != a.shape[1] ||
      out.shape[2] != b.shape[2])
    fail(ErrorKind::Shape, "matmul: output shape does not match the operands: " + shapes);
  if (a.dtype != b.dtype || out.dtype != a.dtype)
    fail(ErrorKind::DType, std::string("matmul: operands must share one dtype; got a ") + dtypeName(a.dtype) + ", b " +
                               dtypeName(b.dtype) + ", out " + dtypeName(out.dtype));
  return shapes;
}

// bool operands (refused only when there is something to compute, after the empty-output return)
[[noreturn]] inline void failBoolMatmul(const std::string& shapes) {
  fail(ErrorKind::DType, "matmul: bool tensors are not supported (" + shapes + "); cast to a number type first");
}

}  // namespace checks
}  // namespace flint
