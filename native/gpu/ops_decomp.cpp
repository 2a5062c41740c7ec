// ops_decomp.cpp — the CUDA entries of torch.linalg's decompositions ("linalgQr", "linalgEigh",
// "linalgSvd"), the twins of native/cpu/decomp.cpp: the checks and DecompArgs are
// native/core/decomp.h's; each runs flint_linalg_<qr|eigh|svd>_<dt> of native/kernels/decomp.cu
// with one thread per matrix and a stream-ordered double workspace (batch x the per-matrix size).
// A non-finite input of the SVD comes back through an error word (a ValueError at the next
// synchronization, with the CPU's message).
#include "../core/decomp.h"
#include "../core/optable.h"
#include "ops_common.h"

namespace flint {
namespace gpu {
namespace {

void decodeSvdError(int bits, const char*) {
  if (bits & E_DECOMP_NONFINITE) fail(ErrorKind::LinAlg, "linalg.svd: The algorithm failed to converge because the input matrix contained non-finite values.");
  fail(ErrorKind::Flint, "linalg.svd: unknown kernel error " + std::to_string(bits));
}

/** Blocks of FLINT_BLOCK threads, one thread per matrix. */
unsigned matrixGrid(int64_t batch) { return (unsigned)std::max<int64_t>(1, std::min<int64_t>((batch + kBlock - 1) / kBlock, 65535)); }

void gpuQr(const OpCall& c) {
  DecompArgs a;
  if (!checkDecomp(c, 0, a)) return;
  const int64_t ws = decompWorkspace(0, a);
  DeviceBuffer work((size_t)(a.batch * ws) * sizeof(double));
  launch(kernelName("flint_linalg_qr", c.t[2].dtype).c_str(), Dim3(matrixGrid(a.batch)), Dim3(kBlock), 0, a, c.t[0].data,
         c.t[1].data, static_cast<const void*>(c.t[2].data), work.as<double>(), ws);
}

void gpuEigh(const OpCall& c) {
  DecompArgs a;
  if (!checkDecomp(c, 1, a)) return;
  const int64_t ws = decompWorkspace(1, a);
  DeviceBuffer work((size_t)(a.batch * ws) * sizeof(double));
  launch(kernelName("flint_linalg_eigh", c.t[2].dtype).c_str(), Dim3(matrixGrid(a.batch)), Dim3(kBlock), 0, a, c.t[0].data,
         c.t[1].data, static_cast<const void*>(c.t[2].data), work.as<double>(), ws);
}

void gpuSvd(const OpCall& c) {
  DecompArgs a;
  if (!checkDecomp(c, 2, a)) return;
  const int64_t ws = decompWorkspace(2, a);
  DeviceBuffer work((size_t)(a.batch * ws) * sizeof(double));
  int* err = errorWord("linalg.svd", decodeSvdError);
  launch(kernelName("flint_linalg_svd", c.t[3].dtype).c_str(), Dim3(matrixGrid(a.batch)), Dim3(kBlock), 0, a, c.t[0].data,
         c.t[1].data, c.t[2].data, static_cast<const void*>(c.t[3].data), work.as<double>(), ws, err);
}

FLINT_REGISTER_OP("linalgQr", DeviceType::CUDA, gpuQr);
FLINT_REGISTER_OP("linalgEigh", DeviceType::CUDA, gpuEigh);
FLINT_REGISTER_OP("linalgSvd", DeviceType::CUDA, gpuSvd);

}  // namespace
}  // namespace gpu
}  // namespace flint
