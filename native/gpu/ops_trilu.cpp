// ops_trilu.cpp — the CUDA entry of triu/tril ("trilu"), the twin of native/cpu/trilu.cpp:
// t[0] out, t[1] x (same shape, any strides); p[0] diagonal, p[1] 1 = triu, 0 = tril.
// Runs flint_trilu_<dt> of native/kernels/trilu.cu, one thread per output element; the checks and
// TriluArgs are native/core/trilu.h's.
#include "../core/optable.h"
#include "../core/trilu.h"
#include "ops_common.h"

namespace flint {
namespace gpu {
namespace {

void gpuTrilu(const OpCall& c) {
  if (!checkTrilu(c)) return;
  const TensorArg &out = c.t[0], &x = c.t[1];
  const int64_t diag = (int64_t)c.param(0);
  const int upper = c.param(1) != 0 ? 1 : 0;
  const TriluArgs a = triluArgs(out, x);
  launch(kernelName("flint_trilu", out.dtype).c_str(), Dim3(gridFor(a.numel)), Dim3(kBlock), 0, a, out.data,
         static_cast<const void*>(x.data), diag, upper);
}

FLINT_REGISTER_OP("trilu", DeviceType::CUDA, gpuTrilu);

}  // namespace
}  // namespace gpu
}  // namespace flint
