// reduce.h — DESIGN: the reductions 'reduce' and 'argreduce' declared once for both devices: the op
// codes (FLINT_REDUCE_OPS: position = code; lib/ops/codes.ts's REDUCE is generated from it by
// scripts/gen-codes.js), and on the host side the validation and planning, so that the CPU kernels
// (native/cpu/reduce.cpp) and the GPU entries (native/gpu/ops_reduce.cpp) check the same things in
// the same order with the same messages. native/kernels/reduce.cu includes the codes (the host part
// is left out there). The accumulators stay with each device's loop, because they differ on
// purpose: the CPU accumulates floats in double in input order, the GPU in float (double for
// float64) in warp order.
//
// The plan: kept and reduced dims (size-1 dims dropped), each list sorted by input stride, outer to
// inner (argreduce keeps the reduced dims in logical order: its index counts the flattened reduced
// dims), then merged where contiguous with each other. makePlan() adds no placeholder dims; the
// CPU adds them with addPlaceholders() (the arrays have room for one more than kMaxDims).
#pragma once

namespace flint {

// The value reductions, in code order: X(CODE, jsName).
#define FLINT_REDUCE_OPS(X) \
  X(SUM, sum) X(PROD, prod) X(MEAN, mean) X(AMAX, amax) X(AMIN, amin) X(VAR, var) X(STD, std) X(LOGSUMEXP, logsumexp) X(ALL, all) X(ANY, any)
#define FLINT_REDUCE_ENUM(E, js) R_##E,
enum ReduceCode { FLINT_REDUCE_OPS(FLINT_REDUCE_ENUM) R_COUNT };
#undef FLINT_REDUCE_ENUM
// argreduce's param 0
enum ArgCode { A_MAX, A_MIN };

}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <algorithm>
#include <cstdint>
#include <string>
#include "dtype.h"
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

struct Dim { int64_t size, in, out; };  // strides in elements

struct Plan {
  int nk = 0, nr = 0;
  Dim kept[kMaxDims + 1], red[kMaxDims + 1];
  int64_t K = 1, R = 1;
};

inline int mergeDims(Dim* d, int n) {
  int w = 0;
  for (int i = 0; i < n; i++) {
    if (w > 0 && d[w - 1].in == d[i].in * d[i].size && d[w - 1].out == d[i].out * d[i].size) {
      d[w - 1].size *= d[i].size;
      d[w - 1].in = d[i].in;
      d[w - 1].out = d[i].out;
      continue;
    }
    d[w++] = d[i];
  }
  return w;
}

inline Plan makePlan(const TensorArg& out, const TensorArg& in, bool ordered, const char* op) {
  if (out.ndim != in.ndim) fail(ErrorKind::Shape, std::string(op) + ": output rank does not match input " + in.shapeStr());
  Plan P;
  for (int d = 0; d < in.ndim; d++) {
    const int64_t s = in.shape[d];
    const bool reduced = out.shape[d] != s;
    if (reduced && out.shape[d] != 1) fail(ErrorKind::Shape, std::string(op) + ": output " + out.shapeStr() + " does not fit input " + in.shapeStr());
    if (reduced) P.R *= s; else P.K *= s;
    if (s == 1) continue;
    if (reduced) P.red[P.nr++] = Dim{s, in.strides[d], 0};
    else P.kept[P.nk++] = Dim{s, in.strides[d], out.strides[d]};
  }
  auto byStride = [](const Dim& a, const Dim& b) { return a.in > b.in; };
  std::stable_sort(P.kept, P.kept + P.nk, byStride);
  if (!ordered) std::stable_sort(P.red, P.red + P.nr, byStride);
  P.nk = mergeDims(P.kept, P.nk);
  P.nr = mergeDims(P.red, P.nr);
  return P;
}

// The CPU loops want at least one kept and one reduced dim: a size-1 placeholder where a list is empty.
inline void addPlaceholders(Plan& P) {
  if (P.nk == 0) P.kept[P.nk++] = Dim{1, 0, 0};
  if (P.nr == 0) P.red[P.nr++] = Dim{1, 0, 0};
}

inline void expectDType(const TensorArg& t, DType want, const char* op, const char* what) {
  if (t.dtype != want)
    fail(ErrorKind::DType, std::string(op) + ": " + what + " must be " + dtypeName(want) + ", got " + dtypeName(t.dtype));
}

// 'reduce' (out, in); param 0 the code: the operand count and the plan.
struct ReduceArgs { int code; Plan P; };

inline ReduceArgs reduceArgs(const OpCall& c) {
  if (c.nt != 2) fail(ErrorKind::Value, "reduce: expected (out, in)");
  const TensorArg& out = c.t[0];
  const TensorArg& in = c.t[1];
  const int code = (int)c.param(0);
  return ReduceArgs{code, makePlan(out, in, false, "reduce")};
}

// 'argreduce' (values, indices, in): dtypes, one layout for values and indices, the plan (reduced
// dims in logical order) and no reduction over an empty dim unless there is nothing to write.
inline Plan argReducePlan(const TensorArg& vals, const TensorArg& idx, const TensorArg& in) {
  expectDType(vals, in.dtype, "argreduce", "values");
  expectDType(idx, DType::I32, "argreduce", "indices");
  for (int d = 0; d < vals.ndim; d++)
    if (idx.ndim != vals.ndim || idx.shape[d] != vals.shape[d] || (vals.shape[d] != 1 && idx.strides[d] != vals.strides[d]))
      fail(ErrorKind::Shape, "argreduce: values and indices must have one layout");
  const Plan P = makePlan(vals, in, true, "argreduce");
  if (P.R == 0 && P.K > 0) fail(ErrorKind::Index, "argreduce: cannot reduce over an empty dim of " + in.shapeStr());
  return P;
}

}  // namespace checks
}  // namespace flint
#endif
