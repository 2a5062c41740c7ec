// decomp.cpp — CPU kernels of torch.linalg's decompositions: "linalgQr" (Householder QR with
// LAPACK's conventions), "linalgEigh" (tred2 + implicit QL), "linalgSvd" (one-sided Jacobi).
// The algorithms, operands and checks are native/core/decomp.h's, shared with the GPU; here the
// batch is split over the thread pool, each chunk with a double workspace of its own. A non-finite
// input of linalgSvd throws at once (torch's LinAlgError message, as a ValueError).
#include <atomic>
#include <vector>
#include "../core/decomp.h"
#include "../core/optable.h"
#include "../core/parallel.h"

namespace flint {
namespace {

/** Runs fn(b, workspace) for each matrix b of the batch, chunks of matrices per thread. */
template <class F> void forEachMatrix(const DecompArgs& a, int64_t ws, F&& fn) {
  // about 2^16 flops of work per chunk at least: small matrices are grouped
  const int64_t per = std::max<int64_t>(1, a.m * a.n * std::max(a.m, a.n));
  const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 16) / per);
  parallelFor(a.batch, grain, [&](int64_t b0, int64_t b1) {
    std::vector<double> work((size_t)ws);
    for (int64_t b = b0; b < b1; b++) fn(b, work.data());
  });
}

template <class T> void qrTyped(const OpCall& c, const DecompArgs& a) {
  const T* A = c.t[2].ptr<T>();
  T* Q = c.t[0].ptr<T>();
  T* R = c.t[1].ptr<T>();
  forEachMatrix(a, decompWorkspace(0, a), [&](int64_t b, double* ws) { decomp::qrMatrix<T>(a, b, A, Q, R, ws); });
}

template <class T> void eighTyped(const OpCall& c, const DecompArgs& a) {
  const T* A = c.t[2].ptr<T>();
  T* W = c.t[0].ptr<T>();
  T* V = c.t[1].ptr<T>();
  forEachMatrix(a, decompWorkspace(1, a), [&](int64_t b, double* ws) { decomp::eighMatrix<T>(a, b, A, W, V, ws); });
}

template <class T> void svdTyped(const OpCall& c, const DecompArgs& a) {
  const T* A = c.t[3].ptr<T>();
  T* U = c.t[0].ptr<T>();
  T* S = c.t[1].ptr<T>();
  T* Vh = c.t[2].ptr<T>();
  std::atomic<bool> nonfinite{false};
  forEachMatrix(a, decompWorkspace(2, a), [&](int64_t b, double* ws) {
    if (!decomp::svdMatrix<T>(a, b, A, U, S, Vh, ws)) nonfinite = true;
  });
  if (nonfinite) fail(ErrorKind::LinAlg, "linalg.svd: The algorithm failed to converge because the input matrix contained non-finite values.");
}

void cpuQr(const OpCall& c) {
  DecompArgs a;
  if (!checkDecomp(c, 0, a)) return;
  if (c.t[2].dtype == DType::F32) qrTyped<float>(c, a); else qrTyped<double>(c, a);
}
void cpuEigh(const OpCall& c) {
  DecompArgs a;
  if (!checkDecomp(c, 1, a)) return;
  if (c.t[2].dtype == DType::F32) eighTyped<float>(c, a); else eighTyped<double>(c, a);
}
void cpuSvd(const OpCall& c) {
  DecompArgs a;
  if (!checkDecomp(c, 2, a)) return;
  if (c.t[3].dtype == DType::F32) svdTyped<float>(c, a); else svdTyped<double>(c, a);
}

FLINT_REGISTER_OP("linalgQr", DeviceType::CPU, cpuQr);
FLINT_REGISTER_OP("linalgEigh", DeviceType::CPU, cpuEigh);
FLINT_REGISTER_OP("linalgSvd", DeviceType::CPU, cpuSvd);

}  // namespace
}  // namespace flint
