// ops_elementwise.cpp — the CUDA/HIP entries of the elementwise ops (unary, binary, where, copy,
// fill, arange, linspace): the host twins of native/cpu/elementwise.cpp, launching the kernels of
// native/kernels/elementwise.cu. Operands and params are the CPU op's; op codes that a dtype does
// not define are refused here, before any launch, with the CPU's DType error. What only the data can
// tell (integer division by zero, an integer to a negative power) comes back through an error word
// and is thrown, with the CPU's message, at the next synchronization point (or at once with
// FLINT_SYNC=1).
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

using gpu::StridedArgs;

// The codes of lib/ops/codes.ts (same enums as the CPU file and the kernels).
enum Unary {
  U_NEG, U_ABS, U_SIGN, U_EXP, U_LOG, U_LOG1P, U_EXPM1, U_SQRT, U_RSQRT, U_SQUARE, U_SIN, U_COS,
  U_TANH, U_SIGMOID, U_RELU, U_GELU, U_SILU, U_ERF, U_FLOOR, U_CEIL, U_ROUND, U_RECIPROCAL,
  U_LOGICAL_NOT, U_ISNAN, U_ISFINITE, U_CLAMP, U_GELU_TANH, U_TAN, U_ATAN, U_LOG2, U_LOG10,
  U_TRUNC, U_LEAKY_RELU, U_ASIN, U_ACOS, U_SINH, U_COSH, U_EXP2, U_SOFTPLUS, U_ISINF, U_COUNT
};
enum Binary {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
  B_LOGICAL_AND, B_LOGICAL_OR, B_LOGICAL_XOR, B_REMAINDER, B_FLOOR_DIVIDE, B_ATAN2, B_COUNT
};
// elementwise.cu's error bits
enum ErrBits { E_REM_ZERO = 1, E_FDIV_ZERO = 2, E_POW_NEG = 4, E_BAD_CODE = 8 };

// Same layout as the kernels' ElemParams: the CPU's c.p[1..5).
struct ElemParams { double p[4]; };
// Same layout as the kernels' ScalarOperands: scalar operands by value (bit k of mask: operand k).
struct ScalarOperands { double v[2]; int32_t mask; int32_t pad; };
static_assert(sizeof(ScalarOperands) == 24, "ScalarOperands layout");

// Scalar operands x (k = 0) and y (k = 1) travel by value; their TensorArg keeps stride 0 and no pointer.
const void* byValue(const TensorArg& t, int k, ScalarOperands& s) {
  if (!t.isScalar) return t.data;
  s.v[k] = gpu::scalarValue(t);
  s.mask |= 1 << k;
  return nullptr;
}

constexpr int kUnroll = 4;  // elementwise.cu's per-thread count in the contiguous path

gpu::Dim3 elementGrid(int64_t numel) { return gpu::Dim3(gpu::gridFor(numel, kUnroll)); }

// ---- unary -------------------------------------------------------------------------------------

// The codes unaryInt of the CPU file defines (int32, uint8, bool); floats define every code.
bool unaryIntDefined(int code) {
  switch (code) {
    case U_NEG: case U_ABS: case U_SIGN: case U_SQUARE: case U_RELU: case U_FLOOR: case U_CEIL: case U_ROUND:
    case U_TRUNC: case U_LOGICAL_NOT: case U_ISNAN: case U_ISINF: case U_ISFINITE: case U_CLAMP:
      return true;
  }
  return false;
}

void cudaUnary(const OpCall& c) {
  const int code = (int)c.param(0);
  const DType dt = c.t[1].dtype;
  const bool fl = gpu::isFloatDType(dt);
  if (code < 0 || code >= U_COUNT || (!fl && !unaryIntDefined(code)))
    fail(ErrorKind::DType, std::string("unary op ") + std::to_string(code) + " is not defined for " + dtypeName(dt));
  ElemParams p{};
  if (!fl && code == U_CLAMP) {  // the CPU's integer clamp requires its four params
    for (int i = 0; i < 4; i++) p.p[i] = c.param(i + 1);
  } else {
    for (int i = 0; i < 4; i++) p.p[i] = i + 1 < c.np ? c.p[i + 1] : 0.0;
  }
  gpu::DeviceScalars scalars;
  const TensorArg x = scalars.dev(c.t[1]);
  const TensorArg* ops[2] = {&c.t[0], &x};
  const StridedArgs<2> a = gpu::stridedArgs<2>(ops);
  if (a.numel == 0) return;
  int* err = nullptr;  // every code reaching the kernel is defined for the dtype: nothing to report
  gpu::launch(gpu::kernelName("flint_unary", dt).c_str(), elementGrid(a.numel), gpu::Dim3(gpu::kBlock), 0, a,
              c.t[0].data, static_cast<const void*>(x.data), code, p, err);
}

// ---- binary ------------------------------------------------------------------------------------

// binaryTyped of the CPU file: which codes each dtype class defines.
bool binaryDefined(int code, DType dt) {
  if (code < 0 || code >= B_COUNT) return false;
  if (gpu::isFloatDType(dt)) return true;
  if (code >= B_EQ && code <= B_LOGICAL_XOR) return true;
  if (dt == DType::Bool)
    return code == B_ADD || code == B_SUB || code == B_MUL || code == B_MAXIMUM || code == B_MINIMUM;
  return code != B_DIV && code != B_ATAN2;  // int32, uint8
}

void decodeBinaryError(int bits, const char*) {
  if (bits & E_REM_ZERO) fail(ErrorKind::Value, "remainder: integer division by zero");
  if (bits & E_FDIV_ZERO) fail(ErrorKind::Value, "floorDivide: integer division by zero");
  if (bits & E_POW_NEG) fail(ErrorKind::Value, "pow: integers to negative integer powers are not allowed");
  fail(ErrorKind::DType, "binary: op code not defined for the operands' dtype");
}

void cudaBinary(const OpCall& c) {
  const int code = (int)c.param(0);
  const DType dt = c.t[1].dtype;
  if (!binaryDefined(code, dt))
    fail(ErrorKind::DType, std::string("binary op ") + std::to_string(code) + " is not defined for " + dtypeName(dt));
  const TensorArg &x = c.t[1], &y = c.t[2];
  const TensorArg* ops[3] = {&c.t[0], &x, &y};
  const StridedArgs<3> a = gpu::stridedArgs<3>(ops);
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
  gpu::DeviceScalars scalars;  // a scalar condition (rare) goes to device memory
  const TensorArg cond = scalars.dev(c.t[1]);
  const TensorArg &x = c.t[2], &y = c.t[3];
  const TensorArg* ops[4] = {&c.t[0], &cond, &x, &y};
  const StridedArgs<4> a = gpu::stridedArgs<4>(ops);
  if (a.numel == 0) return;
  ScalarOperands s{};
  const void* xp = byValue(x, 0, s);
  const void* yp = byValue(y, 1, s);
  gpu::launch(gpu::kernelName("flint_where", c.t[0].dtype).c_str(), elementGrid(a.numel), gpu::Dim3(gpu::kBlock), 0, a,
              c.t[0].data, static_cast<const bool*>(cond.data), xp, yp, s);
}

// ---- copy(out, src): strided copy with cast ----------------------------------------------------

void cudaCopy(const OpCall& c) {
  gpu::DeviceScalars scalars;
  const TensorArg src = scalars.dev(c.t[1]);
  const TensorArg* ops[2] = {&c.t[0], &src};
  const StridedArgs<2> a = gpu::stridedArgs<2>(ops);
  gpu::stridedCopy(c.t[0].data, c.t[0].dtype, src.data, src.dtype, a);
}

// ---- fill(out; value) --------------------------------------------------------------------------

void cudaFill(const OpCall& c) {
  const double v = c.param(0);
  const TensorArg* ops[1] = {&c.t[0]};
  const StridedArgs<1> a = gpu::stridedArgs<1>(ops);
  if (a.numel == 0) return;
  gpu::launch(gpu::kernelName("flint_fill", c.t[0].dtype).c_str(), elementGrid(a.numel), gpu::Dim3(gpu::kBlock), 0, a,
              c.t[0].data, v);
}

// ---- arange(out; start, step) and linspace(out; start, end): contiguous 1-D outputs -------------

void cudaArange(const OpCall& c) {
  const double start = c.param(0), step = c.param(1);
  const int64_t n = c.t[0].numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_arange", c.t[0].dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, n, start, step);
}

void cudaLinspace(const OpCall& c) {
  const double start = c.param(0), end = c.param(1);
  const int64_t n = c.t[0].numel();
  if (n == 0) return;
  gpu::launch(gpu::kernelName("flint_linspace", c.t[0].dtype).c_str(), gpu::Dim3(gpu::gridFor(n)), gpu::Dim3(gpu::kBlock), 0,
              c.t[0].data, n, start, end);
}

}  // namespace

FLINT_REGISTER_OP("arange", DeviceType::CUDA, cudaArange);
FLINT_REGISTER_OP("linspace", DeviceType::CUDA, cudaLinspace);
FLINT_REGISTER_OP("unary", DeviceType::CUDA, cudaUnary);
FLINT_REGISTER_OP("binary", DeviceType::CUDA, cudaBinary);
FLINT_REGISTER_OP("where", DeviceType::CUDA, cudaWhere);
FLINT_REGISTER_OP("copy", DeviceType::CUDA, cudaCopy);
FLINT_REGISTER_OP("fill", DeviceType::CUDA, cudaFill);

}  // namespace flint
