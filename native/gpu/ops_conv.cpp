// ops_conv.cpp — the CUDA/HIP entries of the convolution and pooling ops (im2col, col2im, maxPool2d,
// maxPool2dBackward, avgPool2d, avgPool2dBackward, adaptiveAvgPool2d, adaptiveAvgPool2dBackward):
// the host twins of native/cpu/conv.cpp, launching native/kernels/conv.cu. Operands, params and
// validation (error kinds and messages) are the CPU op's; every kernel takes each tensor as a base
// pointer plus its four (or three) strides, so no operand needs to be made contiguous.
//
// The scatters of the CPU (col2im, the pooling backwards) are gathers here: one thread per input
// pixel adds its contributions in the CPU's order — deterministic, no atomics, bit-identical to the
// CPU. maxPool2dBackward has no geometry operands on the CPU (its indices may name any pixel of the
// plane); when the caller passes the forward's geometry as params (kh, kw, sh, sw, ph, pw, dh, dw —
// the CPU ignores them) the windowed gather runs, otherwise a per-plane kernel that walks the outputs
// in order. An index outside the plane is reported through an error word (IndexError at the next
// synchronization), as the CPU's Index error.
#include <algorithm>
#include <string>
#include "../core/conv.h"
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/tensor.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

using std::to_string;

using namespace checks;  // native/core/conv.h: parameters, shapes, dtypes (shared with the CPU)
using conv::ConvGeom;
using conv::convGeom;
using conv::E_INDEX;
using conv::planeGeom;
using conv::strides3;
using conv::strides4;

gpu::Dim3 gridOf(int64_t n) { return gpu::Dim3(gpu::gridFor(n)); }
const gpu::Dim3 kBlock3(gpu::kBlock);

// ---- im2col / col2im -------------------------------------------------------------------------

void cudaIm2col(const OpCall& c) {
  need(c, 2);
  const Geom g = geomOf(c);
  const TensorArg &cols = c.t[0], &x = c.t[1];
  const ColShape s = checkCols(c, x, cols, g);
  const int64_t total = cols.numel();
  if (total == 0) return;
  const ConvGeom cg = convGeom(s.N, s.C, s.H, s.W, s.Ho, s.Wo, g);
  gpu::launch(gpu::kernelName("flint_im2col", x.dtype).c_str(), gridOf(total), kBlock3, 0, cg, cols.data, strides3(cols),
              static_cast<const void*>(x.data), strides4(x));
}

void cudaCol2im(const OpCall& c) {
  need(c, 2);
  const Geom g = geomOf(c);
  const TensorArg &img = c.t[0], &cols = c.t[1];
  const ColShape s = checkCols(c, img, cols, g);
  const int64_t total = img.numel();
  if (total == 0) return;
  const ConvGeom cg = convGeom(s.N, s.C, s.H, s.W, s.Ho, s.Wo, g);
  gpu::launch(gpu::kernelName("flint_col2im", img.dtype).c_str(), gridOf(total), kBlock3, 0, cg, img.data, strides4(img),
              static_cast<const void*>(cols.data), strides3(cols));
}

// ---- pooling ---------------------------------------------------------------------------------

void cudaMaxPool2d(const OpCall& c) {
  need(c, 3);
  const Geom g = geomOf(c);
  const Planes s = checkPool(c, c.t[2], c.t[0]);
  checkMaxPoolIndices(c);
  const int64_t total = c.t[0].numel();
  if (total == 0) return;
  const TensorArg &out = c.t[0], &idx = c.t[1], &x = c.t[2];
  gpu::launch(gpu::kernelName("flint_maxpool2d", x.dtype).c_str(), gridOf(total), kBlock3, 0, planeGeom(s, g), out.data,
              strides4(out), static_cast<int32_t*>(idx.data), strides4(idx), static_cast<const void*>(x.data), strides4(x));
}

void decodeMaxPoolBackward(int bits, const char*) {
  if (bits & E_INDEX) fail(ErrorKind::Index, "maxPool2dBackward: an index is out of range for its input plane");
  fail(ErrorKind::Flint, "maxPool2dBackward: unknown kernel error " + to_string(bits));
}

void cudaMaxPool2dBackward(const OpCall& c) {
  need(c, 3);
  const Planes s = checkPool(c, c.t[0], c.t[1]);
  checkMaxPoolBackwardIndices(c);
  const int64_t total = c.t[0].numel();
  if (total == 0) return;
  const TensorArg &gx = c.t[0], &go = c.t[1], &idx = c.t[2];
  int* err = s.Ho * s.Wo > 0 ? gpu::errorWord("maxPool2dBackward", decodeMaxPoolBackward) : nullptr;
  const int32_t* ip = static_cast<const int32_t*>(idx.data);
  if (c.np >= 8) {  // the forward's window: every input pixel gathers from the outputs covering it
    const Geom g = geomOf(c);
    gpu::launch(gpu::kernelName("flint_maxpool2d_backward", gx.dtype).c_str(), gridOf(std::max(total, go.numel())), kBlock3, 0,
                planeGeom(s, g), gx.data, strides4(gx), static_cast<const void*>(go.data), strides4(go), ip, strides4(idx), err);
    return;
  }
  const Geom none{1, 1, 1, 1, 0, 0, 1, 1};
  const int64_t planes = s.N * s.C;
  const size_t accBytes = (size_t)total * (gx.dtype == DType::F64 ? 8 : 4);
  gpu::DeviceBuffer acc(accBytes);
  gpu::launch(gpu::kernelName("flint_maxpool2d_backward_planes", gx.dtype).c_str(), gpu::Dim3(gpu::rowGrid(planes)), kBlock3, 0,
              planeGeom(s, none), gx.data, strides4(gx), static_cast<const void*>(go.data), strides4(go), ip, strides4(idx),
              acc.get(), err);
}

void cudaAvgPool2d(const OpCall& c) {
  need(c, 2);
  const AvgParams a = avgParamsOf(c);
  const Planes s = checkPool(c, c.t[1], c.t[0]);
  const int64_t total = c.t[0].numel();
  if (total == 0) return;
  const TensorArg &out = c.t[0], &x = c.t[1];
  gpu::launch(gpu::kernelName("flint_avgpool2d", x.dtype).c_str(), gridOf(total), kBlock3, 0, planeGeom(s, a.g), out.data,
              strides4(out), static_cast<const void*>(x.data), strides4(x), (int32_t)(a.includePad ? 1 : 0), a.divisor);
}

void cudaAvgPool2dBackward(const OpCall& c) {
  need(c, 2);
  const AvgParams a = avgParamsOf(c);
  const Planes s = checkPool(c, c.t[0], c.t[1]);
  const int64_t total = c.t[0].numel();
  if (total == 0) return;
  const TensorArg &gx = c.t[0], &go = c.t[1];
  gpu::launch(gpu::kernelName("flint_avgpool2d_backward", gx.dtype).c_str(), gridOf(total), kBlock3, 0, planeGeom(s, a.g), gx.data,
              strides4(gx), static_cast<const void*>(go.data), strides4(go), (int32_t)(a.includePad ? 1 : 0), a.divisor);
}

const Geom kUnitGeom{1, 1, 1, 1, 0, 0, 1, 1};

void cudaAdaptiveAvgPool2d(const OpCall& c) {
  need(c, 2);
  const Planes s = checkPool(c, c.t[1], c.t[0]);
  checkAdaptive(c, s);
  const int64_t total = c.t[0].numel();
  if (total == 0) return;
  const TensorArg &out = c.t[0], &x = c.t[1];
  gpu::launch(gpu::kernelName("flint_adaptive_avgpool2d", x.dtype).c_str(), gridOf(total), kBlock3, 0, planeGeom(s, kUnitGeom),
              out.data, strides4(out), static_cast<const void*>(x.data), strides4(x));
}

void cudaAdaptiveAvgPool2dBackward(const OpCall& c) {
  need(c, 2);
  const Planes s = checkPool(c, c.t[0], c.t[1]);
  checkAdaptive(c, s);
  const int64_t total = c.t[0].numel();
  if (total == 0) return;
  const TensorArg &gx = c.t[0], &go = c.t[1];
  gpu::launch(gpu::kernelName("flint_adaptive_avgpool2d_backward", gx.dtype).c_str(), gridOf(total), kBlock3, 0,
              planeGeom(s, kUnitGeom), gx.data, strides4(gx), static_cast<const void*>(go.data), strides4(go));
}

}  // namespace

FLINT_REGISTER_OP("im2col", DeviceType::CUDA, cudaIm2col);
FLINT_REGISTER_OP("col2im", DeviceType::CUDA, cudaCol2im);
FLINT_REGISTER_OP("maxPool2d", DeviceType::CUDA, cudaMaxPool2d);
FLINT_REGISTER_OP("maxPool2dBackward", DeviceType::CUDA, cudaMaxPool2dBackward);
FLINT_REGISTER_OP("avgPool2d", DeviceType::CUDA, cudaAvgPool2d);
FLINT_REGISTER_OP("avgPool2dBackward", DeviceType::CUDA, cudaAvgPool2dBackward);
FLINT_REGISTER_OP("adaptiveAvgPool2d", DeviceType::CUDA, cudaAdaptiveAvgPool2d);
FLINT_REGISTER_OP("adaptiveAvgPool2dBackward", DeviceType::CUDA, cudaAdaptiveAvgPool2dBackward);

}  // namespace flint
