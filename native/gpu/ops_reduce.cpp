// ops_reduce.cpp — the CUDA/HIP entries of 'reduce' and 'argreduce': the host twins of
// native/cpu/reduce.cpp (same operands, params, validation and messages), running the row kernels
// of native/kernels/reduce.cu.
//
// Those kernels reduce `rows` contiguous rows of `n` elements into a contiguous out[rows]. The host
// therefore lays the problem out as [kept dims..., reduced dims...]:
//   1. kept and reduced dims (size-1 dims dropped), each list sorted by input stride, outer to inner
//      (argreduce keeps the reduced dims in logical order: its index counts the flattened reduced
//      dims), then merged where contiguous with each other — the CPU's plan;
//   2. when the input, read in that order, is already row-major (a plain last-dims reduction of a
//      contiguous tensor, or any reduction whose dims happen to be innermost in memory) the kernel
//      reads it in place; when it is row-major read as [reduced dims..., kept dims...] (a reduction
//      over leading dims: a bias gradient summed over the tokens) and K >= 32, the column kernel
//      (flint_reduce_cols_*) reads it in place down the columns; otherwise one strided copy gathers
//      it into a [K, R] temporary (argreduce: always rows);
//   3. likewise the outputs: written in place when the kept dims of `out` are row-major in that
//      order, else into a temporary scattered back into `out` by a strided copy.
// Every code that reaches a kernel is defined for the dtype (checked here), so the kernels' error
// word can never be set and none is passed.
#include <algorithm>
#include <memory>
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/reduce.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

using namespace checks;  // native/core/reduce.h: codes, the CPU's plan (without its placeholder dims), validation

// Rows of up to 128 elements go one per warp (flint_reduce_warp_*: no barriers, no idle block), longer
// ones one per block. At most 4 elements a lane on a 32-wide warp; rows of <= 32 give the block
// kernel's bits.
constexpr int64_t kWarpRowMax = 128;
bool rowsPerWarp(int64_t n) { return n <= kWarpRowMax; }
gpu::Dim3 rowsGrid(int64_t rows, bool perWarp) {
  // a warp kernel covers (blocks x warps) rows a pass; 32-wide warps assumed for the size only (the
  // kernel's grid-stride loop is right for any warp size and grid)
  return gpu::Dim3(gpu::rowGrid(perWarp ? (rows + gpu::kBlock / 32 - 1) / (gpu::kBlock / 32) : rows));
}

// The column kernel pays off from a warp's width of columns (fewer leave most lanes idle: the
// transposing copy and the row kernels are faster there).
constexpr int64_t kColsMin = 32;

// The input's dims in the order [kept..., reduced...] (reducedFirst: [reduced..., kept...]), with
// their input strides; returns their count.
int inputDims(const Plan& P, bool reducedFirst, int64_t* shape, int64_t* strides) {
  int nd = 0;
  for (int pass = 0; pass < 2; pass++) {
    if ((pass == 0) != reducedFirst)
      for (int i = 0; i < P.nk; i++) { shape[nd] = P.kept[i].size; strides[nd++] = P.kept[i].in; }
    else
      for (int i = 0; i < P.nr; i++) { shape[nd] = P.red[i].size; strides[nd++] = P.red[i].in; }
  }
  return nd;
}

// Whether the input, read in that order, is row-major.
bool inputRowMajor(const Plan& P, bool reducedFirst) {
  int64_t shape[kMaxDims], strides[kMaxDims];
  const int nd = inputDims(P, reducedFirst, shape, strides);
  return gpu::isRowMajor(nd, shape, strides);
}

// Whether the column kernel reads the input in place: a row-major [R, K] with K >= kColsMin, and
// not already K row-major rows (the row kernels' in-place case, also taken when K or R is 1).
bool columnsInPlace(const Plan& P) {
  return P.K >= kColsMin && P.K * P.R > 0 && !inputRowMajor(P, false) && inputRowMajor(P, true);
}

// The input as K contiguous rows of R elements: in place, or gathered into `tmp`.
const void* rowsOfInput(const TensorArg& in, const Plan& P, std::unique_ptr<gpu::DeviceBuffer>& tmp) {
  if (P.K * P.R == 0) return in.data;  // nothing is read
  int64_t shape[kMaxDims], strides[kMaxDims], dense[kMaxDims];
  const int nd = inputDims(P, false, shape, strides);
  if (gpu::isRowMajor(nd, shape, strides)) return in.data;
  tmp.reset(new gpu::DeviceBuffer((size_t)(P.K * P.R * itemsize(in.dtype))));
  gpu::rowMajorStrides(nd, shape, dense);
  gpu::stridedCopy(tmp->get(), in.dtype, in.data, in.dtype, gpu::stridedArgs2(nd, shape, dense, strides));
  return tmp->get();
}

// Where the kernel writes out[K]: `out` itself when its kept dims are row-major in plan order,
// else a temporary that scatterOutput() copies into `out` afterwards.
struct OutRows {
  int nd = 0;
  int64_t shape[kMaxDims], strides[kMaxDims];
  std::unique_ptr<gpu::DeviceBuffer> tmp;

  OutRows(const Plan& P) {
    for (int i = 0; i < P.nk; i++) { shape[nd] = P.kept[i].size; strides[nd++] = P.kept[i].out; }
  }
  bool direct() const { return gpu::isRowMajor(nd, shape, strides); }
  void* target(const TensorArg& out, int64_t K) {
    if (direct()) return out.data;
    tmp.reset(new gpu::DeviceBuffer((size_t)(K * itemsize(out.dtype))));
    return tmp->get();
  }
  void scatter(const TensorArg& out, const void* rows) {
    if (direct()) return;
    int64_t dense[kMaxDims];
    gpu::rowMajorStrides(nd, shape, dense);
    gpu::stridedCopy(out.data, out.dtype, rows, out.dtype, gpu::stridedArgs2(nd, shape, strides, dense));
  }
};

void cudaReduce(const OpCall& c) {
  const ReduceArgs r = reduceArgs(c);
  const TensorArg &out = c.t[0], &in = c.t[1];
  const int code = r.code;
  const Plan& P = r.P;
  const bool fl = gpu::isFloatDType(in.dtype);
  const DType sumOut = fl ? in.dtype : DType::I32;
  double correction = 0;
  bool defined = true;
  switch (code) {
    case R_SUM: case R_MEAN:
      if (code == R_MEAN && !fl) { defined = false; break; }
      expectDType(out, sumOut, "sum", "output");
      break;
    case R_PROD: expectDType(out, sumOut, "prod", "output"); break;
    case R_AMAX: case R_AMIN: expectDType(out, in.dtype, "amax", "output"); break;
    case R_VAR: case R_STD:
      if (!fl) { defined = false; break; }
      expectDType(out, in.dtype, "var", "output");
      correction = c.param(1);
      break;
    case R_LOGSUMEXP:
      if (!fl) { defined = false; break; }
      expectDType(out, in.dtype, "logsumexp", "output");
      break;
    case R_ALL: case R_ANY: expectDType(out, DType::Bool, "all", "output"); break;
    default: defined = false;
  }
  if (!defined) fail(ErrorKind::DType, "reduce: op " + std::to_string(code) + " is not defined for " + dtypeName(in.dtype));
  if (P.K == 0) return;
  std::unique_ptr<gpu::DeviceBuffer> inTmp;
  const bool cols = columnsInPlace(P);
  const void* src = cols ? in.data : rowsOfInput(in, P, inTmp);
  OutRows o(P);
  void* dst = o.target(out, P.K);
  int* err = nullptr;  // E_BAD_CODE only: excluded above
  if (cols) {
    // a 32-wide group of columns per block (the kernel's grid-stride loop takes any warp size and grid)
    gpu::launch(gpu::kernelName("flint_reduce_cols", in.dtype).c_str(), gpu::Dim3(gpu::rowGrid((P.K + 31) / 32)),
                gpu::Dim3(gpu::kBlock), 0, dst, src, P.K, P.R, code, correction, err);
  } else {
    const bool warp = rowsPerWarp(P.R);
    gpu::launch(gpu::kernelName(warp ? "flint_reduce_warp" : "flint_reduce", in.dtype).c_str(), rowsGrid(P.K, warp),
                gpu::Dim3(gpu::kBlock), 0, dst, src, P.K, P.R, code, correction, err);
  }
  o.scatter(out, dst);
}

void cudaArgReduce(const OpCall& c) {
  if (c.nt != 3) fail(ErrorKind::Value, "argreduce: expected (values, indices, in)");
  const TensorArg &vals = c.t[0], &idx = c.t[1], &in = c.t[2];
  const int code = (int)c.param(0);
  const Plan P = argReducePlan(vals, idx, in);
  if (P.K == 0) return;
  std::unique_ptr<gpu::DeviceBuffer> inTmp;
  const void* rows = rowsOfInput(in, P, inTmp);
  OutRows ov(P), oi(P);  // one layout (checked above): both direct or both through temporaries
  void* v = ov.target(vals, P.K);
  void* i = oi.target(idx, P.K);
  const bool warp = rowsPerWarp(P.R);
  gpu::launch(gpu::kernelName(warp ? "flint_argreduce_warp" : "flint_argreduce", in.dtype).c_str(), rowsGrid(P.K, warp),
              gpu::Dim3(gpu::kBlock), 0, v, static_cast<int32_t*>(i), rows, P.K, P.R, code == A_MAX ? 0 : 1);
  ov.scatter(vals, v);
  oi.scatter(idx, i);
}

}  // namespace

FLINT_REGISTER_OP("reduce", DeviceType::CUDA, cudaReduce);
FLINT_REGISTER_OP("argreduce", DeviceType::CUDA, cudaArgReduce);

}  // namespace flint
