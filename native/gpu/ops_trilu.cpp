// ops_trilu.cpp — the CUDA entry of triu/tril ("trilu"), the twin of native/cpu/trilu.cpp:
// t[0] out, t[1] x (same shape, any strides); p[0] diagonal, p[1] 1 = triu, 0 = tril.
// Runs flint_trilu_<dt> of native/kernels/trilu.cu, one thread per output element.
#include <cstddef>
#include <cstring>
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "ops_common.h"

namespace flint {
namespace gpu {
namespace {

/** Same layout as TriluArgs of native/kernels/trilu.cu. */
struct TriluArgs {
  int32_t ndim;
  int32_t pad;
  int64_t numel;
  int64_t shape[kMaxDims];
  int64_t strides[2][kMaxDims];  // 0 out, 1 x
};
static_assert(offsetof(TriluArgs, shape) == 16 && sizeof(TriluArgs) == 16 + 8 * kMaxDims * 3, "TriluArgs layout");

void gpuTrilu(const OpCall& c) {
  const TensorArg &out = c.t[0], &x = c.t[1];
  if (out.ndim < 2) fail(ErrorKind::Shape, "trilu: input must have at least 2 dims, got " + out.shapeStr());
  if (x.dtype != out.dtype) fail(ErrorKind::DType, "trilu: output and input dtypes differ");
  if (out.numel() == 0) return;
  const int64_t diag = (int64_t)c.param(0);
  const int upper = c.param(1) != 0 ? 1 : 0;
  TriluArgs a;
  std::memset(&a, 0, sizeof(a));
  a.ndim = out.ndim;
  a.numel = out.numel();
  for (int d = 0; d < out.ndim; d++) {
    a.shape[d] = out.shape[d];
    a.strides[0][d] = out.strides[d];
    a.strides[1][d] = x.strides[d];
  }
  launch(kernelName("flint_trilu", out.dtype).c_str(), Dim3(gridFor(a.numel)), Dim3(kBlock), 0, a, out.data,
         static_cast<const void*>(x.data), diag, upper);
}

FLINT_REGISTER_OP("trilu", DeviceType::CUDA, gpuTrilu);

}  // namespace
}  // namespace gpu
}  // namespace flint
