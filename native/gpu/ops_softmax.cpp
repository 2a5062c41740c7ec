// ops_softmax.cpp — the CUDA/HIP entries of 'softmax', 'logsoftmax', 'softmaxBackward' and 'scan' (cumsum/cumprod): the
// host twins of native/cpu/softmax.cpp (same operands, params, validation and messages), running
// the row kernels of native/kernels/softmax.cu.
//
// The CPU gets contiguous (outer, n, inner) tensors. The kernels work on contiguous rows of n, so for
// inner == 1 they run in place on the operands; otherwise the input is transposed into an
// (outer, inner, n) temporary, the kernel writes a second one, and a strided copy transposes the
// result back into `out` (two extra passes over the data; a column kernel would avoid them).
#include <memory>
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/softmax.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

using checks::AlongDim;

// Runs the row kernel `kernel(out, in, rows, n[, code])` over the (outer, n, inner) layout.
template <class... Extra>
void alongRows(const char* kernel, const AlongDim& a, const TensorArg& out, const TensorArg& in, const Extra&... extra) {
  const gpu::Dim3 block(gpu::kBlock);
  if (a.inner == 1) {
    gpu::launch(kernel, gpu::Dim3(gpu::rowGrid(a.outer)), block, 0, out.data, static_cast<const void*>(in.data), a.outer, a.n, extra...);
    return;
  }
  const int64_t total = a.outer * a.n * a.inner, rows = a.outer * a.inner;
  gpu::DeviceBuffer tin((size_t)(total * itemsize(in.dtype))), tout((size_t)(total * itemsize(out.dtype)));
  // (outer, n, inner) <-> (outer, inner, n): iterate over (outer, inner, n)
  const int64_t shape[3] = {a.outer, a.inner, a.n};
  const int64_t rowStrides[3] = {a.inner * a.n, a.n, 1};     // the (outer, inner, n) temporaries
  const int64_t dimStrides[3] = {a.n * a.inner, 1, a.inner};  // the (outer, n, inner) tensors
  gpu::stridedCopy(tin.get(), in.dtype, in.data, in.dtype, gpu::stridedArgs2(3, shape, rowStrides, dimStrides));
  gpu::launch(kernel, gpu::Dim3(gpu::rowGrid(rows)), block, 0, tout.get(), static_cast<const void*>(tin.get()), rows, a.n, extra...);
  gpu::stridedCopy(out.data, out.dtype, tout.get(), out.dtype, gpu::stridedArgs2(3, shape, dimStrides, rowStrides));
}

// softmaxBackward: (gx, g, y) rows; for inner != 1, g and y are transposed into (outer, inner, n)
// temporaries and the result back, as alongRows does for one input.
void cudaSoftmaxBackward(const OpCall& c) {
  const AlongDim a = checks::softmaxBackwardArgs(c);
  const bool log = c.param(0) != 0;
  if (a.outer * a.n * a.inner == 0) return;
  const DType dt = c.t[0].dtype;
  if (!gpu::isFloatDType(dt)) fail(ErrorKind::DType, std::string("softmax backward: expected a floating dtype, got ") + dtypeName(dt));
  const std::string kernel = gpu::kernelName(log ? "flint_logsoftmax_backward" : "flint_softmax_backward", dt);
  const gpu::Dim3 block(gpu::kBlock);
  if (a.inner == 1) {
    gpu::launch(kernel.c_str(), gpu::Dim3(gpu::rowGrid(a.outer)), block, 0, c.t[0].data, static_cast<const void*>(c.t[1].data),
                static_cast<const void*>(c.t[2].data), a.outer, a.n);
    return;
  }
  const int64_t total = a.outer * a.n * a.inner, rows = a.outer * a.inner;
  const size_t bytes = (size_t)(total * itemsize(dt));
  gpu::DeviceBuffer tg(bytes), ty(bytes), tout(bytes);
  const int64_t shape[3] = {a.outer, a.inner, a.n};
  const int64_t rowStrides[3] = {a.inner * a.n, a.n, 1};     // the (outer, inner, n) temporaries
  const int64_t dimStrides[3] = {a.n * a.inner, 1, a.inner};  // the (outer, n, inner) tensors
  gpu::stridedCopy(tg.get(), dt, c.t[1].data, dt, gpu::stridedArgs2(3, shape, rowStrides, dimStrides));
  gpu::stridedCopy(ty.get(), dt, c.t[2].data, dt, gpu::stridedArgs2(3, shape, rowStrides, dimStrides));
  gpu::launch(kernel.c_str(), gpu::Dim3(gpu::rowGrid(rows)), block, 0, tout.get(), static_cast<const void*>(tg.get()),
              static_cast<const void*>(ty.get()), rows, a.n);
  gpu::stridedCopy(c.t[0].data, dt, tout.get(), dt, gpu::stridedArgs2(3, shape, dimStrides, rowStrides));
}

template <bool Log>
void cudaSoftmaxImpl(const OpCall& c) {
  const char* op = Log ? "logSoftmax" : "softmax";
  const AlongDim a = checks::softmaxArgs(c, op);
  if (a.outer * a.n * a.inner == 0) return;
  if (!gpu::isFloatDType(c.t[1].dtype))
    fail(ErrorKind::DType, std::string(op) + ": expected a floating dtype, got " + dtypeName(c.t[1].dtype));
  alongRows(gpu::kernelName(Log ? "flint_logsoftmax" : "flint_softmax", c.t[1].dtype).c_str(), a, c.t[0], c.t[1]);
}

void cudaScan(const OpCall& c) {
  const int code = (int)c.param(0);
  const AlongDim a = checks::scanArgs(c, code);
  const DType in = c.t[1].dtype;
  const DType want = gpu::isFloatDType(in) ? in : DType::I32;
  checks::checkScanOut(c, want);
  if (a.outer * a.n * a.inner == 0) return;
  alongRows(gpu::kernelName("flint_scan", in).c_str(), a, c.t[0], c.t[1], code);
}

void cudaSoftmax(const OpCall& c) { cudaSoftmaxImpl<false>(c); }
void cudaLogSoftmax(const OpCall& c) { cudaSoftmaxImpl<true>(c); }

}  // namespace

FLINT_REGISTER_OP("softmax", DeviceType::CUDA, cudaSoftmax);
FLINT_REGISTER_OP("logsoftmax", DeviceType::CUDA, cudaLogSoftmax);
FLINT_REGISTER_OP("scan", DeviceType::CUDA, cudaScan);
FLINT_REGISTER_OP("softmaxBackward", DeviceType::CUDA, cudaSoftmaxBackward);

}  // namespace flint
