// indexing_checks.h — the device-independent validation of the index ops (gather, scatter,
// indexSelect, maskedSelect), shared by the CPU kernels (native/cpu/indexing.cpp) and the GPU
// entries (native/gpu/ops_indexing.cpp) so both refuse the same calls with the same messages.
// Index values themselves are checked where they live (host loop / device kernel).
#pragma once
#include <string>
#include "dtype.h"
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

inline void needInt32(const TensorArg& idx, const char* op) {
  if (idx.dtype != DType::I32) fail(ErrorKind::DType, std::string(op) + ": index must be int32, got " + dtypeName(idx.dtype));
}

// scatter: t[0] self, t[1] index, t[2] src (tensor or scalar); p[0] dim, p[1] mode (0 assign, 1 add).
struct ScatterArgs { const char* name; int dim; bool add; };

inline ScatterArgs scatterArgs(const OpCall& c) {
  const TensorArg &self = c.t[0], &idx = c.t[1], &src = c.t[2];
  const char* name = c.param(1) == 1 ? "scatterAdd" : "scatter";
  needInt32(idx, name);
  const int dim = (int)c.param(0);
  const bool add = c.param(1) == 1;
  if (!src.isScalar && src.dtype != self.dtype) {
    fail(ErrorKind::DType, std::string(name) + ": src dtype " + dtypeName(src.dtype) + " differs from self dtype " + dtypeName(self.dtype));
  }
  return ScatterArgs{name, dim, add};
}

// maskedSelect's count pass: the mask must be bool.
inline void needBoolMask(const TensorArg& mask) {
  if (mask.dtype != DType::Bool) fail(ErrorKind::DType, std::string("maskedSelect: mask must be bool, got ") + dtypeName(mask.dtype));
}

}  // namespace checks
}  // namespace flint
