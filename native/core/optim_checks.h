// optim_checks.h — the device-independent validation of the fused optimizer update 'adamw'
// (operands p, m, v, g[, vmax]; param 6 amsgrad), shared by the CPU kernel (native/cpu/optim.cpp)
// and the GPU entry (native/gpu/ops_optim.cpp) so both refuse the same calls with the same messages.
#pragma once
#include <string>
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

// Operand count, the vmax operand amsgrad needs, and one contiguous layout, dtype and size for
// all operands (the floating-dtype check follows in the caller).
inline void checkAdamwOperands(const OpCall& c) {
  if (c.nt != 4 && c.nt != 5) fail(ErrorKind::Value, "adamw: expected (p, m, v, g[, vmax])");
  const TensorArg& p = c.t[0];
  if (c.param(6) != 0 && c.nt != 5) fail(ErrorKind::Value, "adamw: amsgrad needs a vmax operand");
  for (int i = 0; i < c.nt; i++) {
    const TensorArg& t = c.t[i];
    if (t.isScalar || t.dtype != p.dtype || t.numel() != p.numel() || !t.isContiguous())
      fail(ErrorKind::Shape, "adamw: operands must be contiguous tensors of one dtype and size, got " + p.shapeStr() +
                                 " and " + t.shapeStr() + " (operand " + std::to_string(i) + ")");
  }
}

[[noreturn]] inline void failAdamwDType() { fail(ErrorKind::DType, "adamw: parameters must be floating point"); }

}  // namespace checks
}  // namespace flint
