// ops_linalg.cpp — the CUDA/HIP entries of the "linalg" family ('luFactor', 'luSolve',
// 'triangularSolve', 'cholesky'), the host twins of native/cpu/linalg.cpp: the same checks
// (native/core/linalg.h), then one launch of native/kernels/linalg.cu (a block per matrix).
// Singular and not-positive-definite matrices come back in the `info` operand (LAPACK's words),
// which the TS layer reads, as torch's non-Ex functions do (they synchronize to check it).
#include <algorithm>
#include "../core/linalg.h"
#include "../core/optable.h"
#include "ops_common.h"

namespace flint {
namespace gpu {
namespace {

unsigned matrixGrid(int64_t B) { return (unsigned)std::max<int64_t>(1, std::min<int64_t>(B, 65535)); }

void gpuLuFactor(const OpCall& c) {
  const linalg::MatShape s = linalg::checkLuFactor(c);
  if (s.B == 0) return;
  launch(kernelName("flint_lu_factor", c.t[0].dtype).c_str(), Dim3(matrixGrid(s.B)), Dim3(kBlock), 0, c.t[0].data,
         static_cast<int32_t*>(c.t[1].data), static_cast<int32_t*>(c.t[2].data), s.B, s.m, s.n);
}

void gpuLuSolve(const OpCall& c) {
  const linalg::MatShape s = linalg::checkSolve(c, "luSolve", true);
  const int adjoint = linalg::luSolveParams(c, s).adjoint ? 1 : 0;  // identity: X is I, which the kernel solves as any X
  if (s.B * s.m * s.n == 0) return;
  launch(kernelName("flint_lu_solve", c.t[0].dtype).c_str(), Dim3(matrixGrid(s.B)), Dim3(kBlock), 0, c.t[0].data,
         static_cast<const void*>(c.t[1].data), static_cast<const int32_t*>(c.t[2].data), s.B, s.m, s.n, adjoint);
}

void gpuTriangularSolve(const OpCall& c) {
  const linalg::MatShape s = linalg::checkSolve(c, "triangularSolve", false);
  const int upper = c.param(0) != 0 ? 1 : 0, trans = c.param(1) != 0 ? 1 : 0, unit = c.param(2) != 0 ? 1 : 0;
  if (s.B * s.m * s.n == 0) return;
  launch(kernelName("flint_tri_solve", c.t[0].dtype).c_str(), Dim3(matrixGrid(s.B)), Dim3(kBlock), 0, c.t[0].data,
         static_cast<const void*>(c.t[1].data), s.B, s.m, s.n, upper, trans, unit);
}

void gpuCholesky(const OpCall& c) {
  const linalg::MatShape s = linalg::checkCholesky(c);
  if (s.B == 0) return;
  launch(kernelName("flint_cholesky", c.t[0].dtype).c_str(), Dim3(matrixGrid(s.B)), Dim3(kBlock), 0, c.t[0].data,
         static_cast<int32_t*>(c.t[1].data), s.B, s.n);
}

FLINT_REGISTER_OP("luFactor", DeviceType::CUDA, gpuLuFactor);
FLINT_REGISTER_OP("luSolve", DeviceType::CUDA, gpuLuSolve);
FLINT_REGISTER_OP("triangularSolve", DeviceType::CUDA, gpuTriangularSolve);
FLINT_REGISTER_OP("cholesky", DeviceType::CUDA, gpuCholesky);

}  // namespace
}  // namespace gpu
}  // namespace flint
