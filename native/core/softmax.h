// softmax.h — DESIGN: what 'softmax', 'logsoftmax', 'softmaxBackward' and 'scan' (cumsum/cumprod) share on both
// devices: the (outer, n, inner) view of an op call's contiguous operands (out, in), the scan codes,
// and the validation, so that the CPU kernels (native/cpu/softmax.cpp) and the GPU entries
// (native/gpu/ops_softmax.cpp) refuse the same calls with the same messages. The kernels
// (native/kernels/softmax.cu) take plain (rows, n) arguments and keep their warp accumulators
// (float, double for float64), so they do not include it.
#pragma once
#include <cstdint>
#include <string>
#include "dtype.h"
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

struct AlongDim { int64_t outer, n, inner; };

// params first .. first + 2: outer, n, inner
inline AlongDim alongDim(const OpCall& c, int first, const char* op) {
  if (c.nt != 2) fail(ErrorKind::Value, std::string(op) + ": expected (out, in)");
  AlongDim a{(int64_t)c.param(first), (int64_t)c.param(first + 1), (int64_t)c.param(first + 2)};
  const int64_t total = a.outer * a.n * a.inner;
  if (a.outer < 0 || a.n < 0 || a.inner < 0 || total != c.t[1].numel() || total != c.t[0].numel() ||
      !c.t[0].isContiguous() || !c.t[1].isContiguous())
    fail(ErrorKind::Shape, std::string(op) + ": expected contiguous tensors of " + std::to_string(total) +
                               " elements, got " + c.t[0].shapeStr() + " and " + c.t[1].shapeStr());
  return a;
}

// softmax / logSoftmax: the layout and one dtype for out and in (the floating check comes after
// the empty-tensor return, where the kernel is chosen).
inline AlongDim softmaxArgs(const OpCall& c, const char* op) {
  const AlongDim a = alongDim(c, 0, op);
  if (c.t[0].dtype != c.t[1].dtype) fail(ErrorKind::DType, std::string(op) + ": output dtype must match input");
  return a;
}

// softmaxBackward (gx, g, y; params log, outer, n, inner): the gradient of softmax (log 0) or
// logSoftmax (log 1) from the output's gradient g and the saved output y, all three contiguous,
// of one floating dtype (checked where the kernel is chosen) and the same numel.
inline AlongDim softmaxBackwardArgs(const OpCall& c) {
  const char* op = "softmax backward";
  if (c.nt != 3) fail(ErrorKind::Value, std::string(op) + ": expected (gradInput, grad, output)");
  AlongDim a{(int64_t)c.param(1), (int64_t)c.param(2), (int64_t)c.param(3)};
  const int64_t total = a.outer * a.n * a.inner;
  bool ok = a.outer >= 0 && a.n >= 0 && a.inner >= 0;
  for (int k = 0; k < 3; k++) ok = ok && c.t[k].numel() == total && c.t[k].isContiguous();
  if (!ok)
    fail(ErrorKind::Shape, std::string(op) + ": expected contiguous tensors of " + std::to_string(total) + " elements, got " +
                               c.t[0].shapeStr() + ", " + c.t[1].shapeStr() + " and " + c.t[2].shapeStr());
  if (c.t[0].dtype != c.t[1].dtype || c.t[0].dtype != c.t[2].dtype)
    fail(ErrorKind::DType, std::string(op) + ": gradInput, grad and output must share a dtype, got " + dtypeName(c.t[0].dtype) +
                               ", " + dtypeName(c.t[1].dtype) + " and " + dtypeName(c.t[2].dtype));
  return a;
}

enum ScanCode { S_CUMSUM, S_CUMPROD };

// scan: param 0 the code, params 1..3 the layout.
inline AlongDim scanArgs(const OpCall& c, int code) {
  const AlongDim a = alongDim(c, 1, code == S_CUMPROD ? "cumprod" : "cumsum");
  if (code != S_CUMSUM && code != S_CUMPROD) fail(ErrorKind::Value, "scan: unknown code " + std::to_string(code));
  return a;
}

// scan's output dtype: the input's for floats, int32 otherwise (`want`, chosen by the caller).
inline void checkScanOut(const OpCall& c, DType want) {
  if (c.t[0].dtype != want)
    fail(ErrorKind::DType, std::string("cumsum: output must be ") + dtypeName(want) + ", got " + dtypeName(c.t[0].dtype));
}

}  // namespace checks
}  // namespace flint
