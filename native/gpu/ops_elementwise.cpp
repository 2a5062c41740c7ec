// ops_elementwise.cpp — the CUDA/HIP entries of the elementwise ops (unary, binary, where, copy,
// fill, arange, linspace): the host twins of native/cpu/elementwise.cpp, launching the kernels of
// native/kernels/elementwise.cu. Codes, argument structs and dtype rules are native/core/
// elementwise.h's; op codes that a dtype does not define are refused here, before any launch, with
// the CPU's DType error. Scalar operands travel by value (ScalarOperands). What only the data can
// tell (integer division by zero, an integer to a negative power) comes back through an error word
// and is thrown, with the CPU's message, at the next synchronization point (or at once with
// FLINT_SYNC=1).
#include <string>
#include "../core/elementwise.h"
#include "../core/error.h"
#include "../core/strided.h"
#include "../core/optable.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

using namespace ew;

// Input k (see ScalarOperands) travels by value when it is a scalar: its TensorArg keeps stride 0
// and the kernel gets no pointer.
const void* byValue(const TensorArg& t, int k, ScalarOperands& s) {
  if (!t.isScalar) return t.data;
  s.v[k] = gpu::scalarValue(t);
  s.mask |= 1 << k;
  return nullptr;
}

constexpr int kUnroll = 4;  // elementwise.cu's per-thread count in the contiguous path

gpu::Dim3 elementGrid(int64_t numel) { return gpu::Dim3(gpu::gridFor(numel, kUnroll)); }

// ---- unary -------------------------------------------------------------------------------------

void cudaUnary(const OpCall& c) {
  const int code = (int)c.param(0);
  const DType dt = c.t[1].dtype;
  const bool floating = isFloating(dt);
  if (!unaryDefined(code, floating)) failUndefined("unary", code, dt);
  const ElemParams p = elemParams(c, code, floating);
  const TensorArg* ops[2] = {&c.t[0], &c.t[1]};
  const StridedArgs<2> a = planStrided<2>(ops);
  if (a.numel == 0) return;
  ScalarOperands s{};
  const void* xp = byValue(c.t[1], 0, s);
  int* err = nullptr;  // every code reaching the kernel is defined for the dtype: nothing to report
  gpu::launch(gpu::kernelName("flint_unary", dt).c_str(), elementGrid(a.numel), gpu::Dim3(gpu::kBlock), 0, a,
              c.t[0].data, xp, s, code, p, err);
}

// ---- binary ------------------------------------------------------------------------------------

void decodeBinaryError(int bits, const char*) { failElementwiseBits(bits); }

void cudaBinary(const OpCall& c) {
  const int code = (int)c.param(0);
  const DType dt = c.t[1].dtype;
  if (!binaryDefined(code, isFloating(dt), dt == DType::Bool)) failUndefined("binary", code, dt);
  const TensorArg &x = c.t[1], &y = c.t[2];
  const TensorArg* ops[3] = {&c.t[0], &x, &y};
  const StridedArgs<3> a = planStrided<3>(ops);
  if (a.numel == 0) return;
  ScalarOperands s{};
  const void* xp = byValue(x, 0, s);
  const void* yp = byValue(y, 1, s);
  // only integer remainder / floorDivide / pow can fail, and only by their data
  int* err = nullptr;
  if ((dt == DType::I32 || dt == DType::U8) && (code == B_REMAINDER || code == B_FLOOR_DIVIDE || code == B_POW))
    err = gpu::errorWord("binary", decodeBinaryError);
  gpu::launch(gpu::kernelName("flint_binary", dt).c_str(), elementGrid(a.numel), gpu::Dim3(gpu::kBlock), 0, a,
              c.t[0].data, xp, yp, s, code, err);
}

// ---- where(out, cond, a, b) --------------------------------------------------------------------

void cudaWhere(const OpCall& c) {
  const TensorArg &cond = c.t[1], &x = c.t[2], &y = c.t[3];
  const TensorArg* ops[4] = {&c.t[0], &cond, &x, &y};
  const StridedArgs<4> a = planStrided<4>(ops);
  if (a.numel == 0) return;
  ScalarOperands s{};
  const void* cp = byValue(cond, 0, s);
  const void* xp = byValue(x, 1, s);
  const void* yp = byValue(y, 2, s);
  gpu::launch(gpu::kernelName("flint_where", c.t[0].dtype).c_str(), elementGrid(a.numel), gpu::Dim3(gpu::kBlock), 0, a,
              c.t[0].data, static_cast<const bool*>(cp), xp, yp, s);
}

// ---- fill(out; value) and copy(out, src): strided copy with cast ---------------------------------

void fillWith(const TensorArg& out, double v) {
  const TensorArg* ops[1] = {&out};
  const StridedArgs<1> a = planStrided<1>(ops);
  if (a.numel == 0) return;
  gpu::launch(gpu::kernelName("flint_fill", out.dtype).c_str(), elementGrid(a.numel), gpu::Dim3(gpu::kBlock), 0, a,
              out.data, v);
}

void cudaFill(const OpCall& c) { fillWith(c.t[0], c.param(0)); }

// A scalar source is a fill with its value: store<TO>(v) of the exact double equals the copy's
// store<TO>(load(x)) for every pair of dtypes.
void cudaCopy(const OpCall& c) {
  const TensorArg& src = c.t[1];
  if (src.isScalar) return fillWith(c.t[0], gpu::scalarValue(src));
  const TensorArg* ops[2] = {&c.t[0], &src};
  const StridedArgs<2> a = planStrided<2>(ops);
  gpu::stridedCopy(c.t[0].data, c.t[0].dtype, src.data, src.dtype, a);
}

// ---- arange(out; start, step) and linspace(out; start, end): contiguous 1-D outputs -------------

// flint_arange_<dt>(out, n, start, step) / flint_linspace_<dt>(out, n, start, end): params 0, 1.
void launchRange(const OpCall& c, const char* kernel) {
  const double p0 = c.param(0), p1 = c.param(1);
  const int64_t n = c.t[0].numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName(kernel, c.t[0].dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, n, p0, p1);
}

void cudaArange(const OpCall& c) { launchRange(c, "flint_arange"); }
void cudaLinspace(const OpCall& c) { launchRange(c, "flint_linspace"); }

}  // namespace

FLINT_REGISTER_OP("arange", DeviceType::CUDA, cudaArange);
FLINT_REGISTER_OP("linspace", DeviceType::CUDA, cudaLinspace);
FLINT_REGISTER_OP("unary", DeviceType::CUDA, cudaUnary);
FLINT_REGISTER_OP("binary", DeviceType::CUDA, cudaBinary);
FLINT_REGISTER_OP("where", DeviceType::CUDA, cudaWhere);
FLINT_REGISTER_OP("copy", DeviceType::CUDA, cudaCopy);
FLINT_REGISTER_OP("fill", DeviceType::CUDA, cudaFill);

}  // namespace flint
