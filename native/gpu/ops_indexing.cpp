// ops_indexing.cpp — the CUDA entries of gather, scatter (assign / add / prod / amax / amin, tensor or scalar source),
// indexSelect and maskedSelect: the twins of native/cpu/indexing.cpp (same operands, params,
// validation and messages), running native/kernels/indexing.cu.
//
// Index values are only known on the device: a kernel that meets one outside [0, size) records it
// in an error word, and the decoder throws the CPU's IndexError ("<op>: index V is out of bounds
// for dim D with size S") at the next synchronization point (or at once with FLINT_SYNC=1). The
// dim and size travel in the error word's op string ("<op>\x1f<dim>\x1f<size>", which the backend
// keeps as a std::string), the value in the word itself.
#include <climits>
#include <memory>
#include <string>
#include "../core/error.h"
#include "../core/indexing.h"
#include "../core/optable.h"
#include "ops_common.h"

namespace flint {
namespace gpu {
namespace {

/** Operand k's strides (0 for a scalar), with the stride along `zeroDim` zeroed when zeroDim >= 0. */
template <int N> void setStrides(IndexArgs<N>& a, int k, const TensorArg& t, int zeroDim = -1) {
  for (int d = 0; d < t.ndim; d++) a.strides[k][d] = t.isScalar ? 0 : t.strides[d];
  if (zeroDim >= 0) a.strides[k][zeroDim] = 0;
}

using checks::needInt32;

void decodeBadIndex(int bits, const char* ctx) {
  std::string s(ctx), name = s, dim = "?", size = "?";
  const size_t a = s.find('\x1f');
  if (a != std::string::npos) {
    name = s.substr(0, a);
    const size_t b = s.find('\x1f', a + 1);
    dim = s.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    if (b != std::string::npos) size = s.substr(b + 1);
  }
  const int64_t v = (bits == INT_MIN && size == "0") ? 0 : (int64_t)bits;  // see recordBad in indexing.cu
  failBadIndex(name, v, dim, size);
}

int* badIndexWord(const char* op, int dim, int64_t size) {
  const std::string ctx = std::string(op) + '\x1f' + std::to_string(dim) + '\x1f' + std::to_string(size);
  return errorWord(ctx.c_str(), decodeBadIndex);
}

void decodeTooMany(int, const char* op) {
  fail(ErrorKind::Value, std::string(op) + ": more than 2^31 - 1 selected elements");
}

// ---- gather: t[0] out (index's shape), t[1] x, t[2] index; p[0] dim --------------------------------

void gpuGather(const OpCall& c) {
  const TensorArg &out = c.t[0], &x = c.t[1], &idx = c.t[2];
  needInt32(idx, "gather");
  const int dim = (int)c.param(0);
  if (out.numel() == 0) return;
  IndexArgs<3> a = indexArgs<3>(idx, dim);
  a.size = x.shape[dim];
  a.step = x.strides[dim];
  setStrides(a, 0, out);
  setStrides(a, 1, x, dim);
  setStrides(a, 2, idx);
  int* err = badIndexWord("gather", dim, a.size);
  launch(kernelName("flint_gather", x.dtype).c_str(), Dim3(gridFor(a.numel)), Dim3(kBlock), 0, a, out.data,
         static_cast<const void*>(x.data), static_cast<const int32_t*>(idx.data), err);
}

// ---- scatter: t[0] self (in place), t[1] index, t[2] src (tensor or scalar); p[0] dim, p[1] mode ---

void gpuScatter(const OpCall& c) {
  const TensorArg &self = c.t[0], &idx = c.t[1], &src = c.t[2];
  const auto [name, dim, mode] = checks::scatterArgs(c);
  const int64_t numel = idx.numel();
  if (numel == 0) return;
  const int64_t size = self.shape[dim];
  int* err = badIndexWord(name, dim, size);
  const unsigned grid = gridFor(numel);

  // every index is checked before anything is written (the writers return when *err is set)
  IndexArgs<1> ck = indexArgs<1>(idx, dim);
  ck.size = size;
  setStrides(ck, 0, idx);
  launch("flint_index_check", Dim3(grid), Dim3(kBlock), 0, ck, static_cast<const int32_t*>(idx.data), err);

  IndexArgs<4> a = indexArgs<4>(idx, dim);
  a.size = size;
  a.step = self.strides[dim];
  setStrides(a, 0, self, dim);
  setStrides(a, 1, idx);
  setStrides(a, 2, src);
  // operand 3: the winner buffer, self's shape row-major
  int64_t dense[kMaxDims];
  rowMajorStrides(self.ndim, self.shape, dense);
  for (int d = 0; d < self.ndim; d++) a.strides[3][d] = dense[d];
  a.strides[3][dim] = 0;
  a.wstep = dense[dim];

  // plain scatter: the last write along dim wins, as on the CPU (only one write per element when the
  // index has one position along dim)
  std::unique_ptr<DeviceBuffer> winner;
  if (mode == kScatterAssign && idx.shape[dim] > 1 && !src.isScalar) {  // (a scalar: every write is the same)
    const size_t bytes = (size_t)self.numel() * sizeof(int32_t);
    winner.reset(new DeviceBuffer(bytes));
    memsetAsync(winner->get(), 0xff, bytes);  // -1: no writer yet
    launch("flint_scatter_winner", Dim3(grid), Dim3(kBlock), 0, a, static_cast<const int32_t*>(idx.data),
           winner->as<int>(), static_cast<const int*>(err));
  }
  uint64_t srcBits = 0;
  if (src.isScalar) std::memcpy(&srcBits, src.scalar, (size_t)std::min<int64_t>(8, itemsize(src.dtype)));
  const void* srcPtr = src.isScalar ? nullptr : src.data;
  const int srcIsScalar = src.isScalar ? 1 : 0;
  const int* win = winner ? winner->as<int>() : nullptr;
  launch(kernelName("flint_scatter", self.dtype).c_str(), Dim3(grid), Dim3(kBlock), 0, a, self.data,
         static_cast<const int32_t*>(idx.data), srcPtr, srcBits, srcIsScalar, mode, win, static_cast<const int*>(err));
}

// ---- indexSelect: t[0] out, t[1] x, t[2] index (1-D); p[0] dim -------------------------------------

void gpuIndexSelect(const OpCall& c) {
  const TensorArg &out = c.t[0], &x = c.t[1], &idx = c.t[2];
  needInt32(idx, "indexSelect");
  const int dim = (int)c.param(0);
  const int64_t size = x.shape[dim];
  if (out.numel() == 0) {
    // nothing to copy, but the indices are still checked (as the CPU)
    if (idx.numel() == 0) return;
    IndexArgs<1> ck = indexArgs<1>(idx, 0);
    ck.size = size;
    setStrides(ck, 0, idx);
    launch("flint_index_check", Dim3(gridFor(ck.numel)), Dim3(kBlock), 0, ck, static_cast<const int32_t*>(idx.data),
           badIndexWord("indexSelect", dim, size));
    return;
  }
  IndexArgs<2> a = indexArgs<2>(out, dim);
  a.size = size;
  a.step = x.strides[dim];
  setStrides(a, 0, out);
  setStrides(a, 1, x, dim);
  const int64_t istride = idx.ndim ? idx.strides[0] : 0;
  launch(kernelName("flint_index_select", x.dtype).c_str(), Dim3(gridFor(a.numel)), Dim3(kBlock), 0, a, out.data,
         static_cast<const void*>(x.data), static_cast<const int32_t*>(idx.data), istride,
         badIndexWord("indexSelect", dim, size));
}

// ---- maskedSelect ------------------------------------------------------------------------------------
// p[0] = 0 (count): t[0] int32 [1] <- number of true elements of t[1] (bool mask, any strides).
// p[0] = 1 (select): t[0] 1-D out, t[1] x, t[2] mask (x's shape): the x where mask, in row-major order.
// JS reads the count (a host sync, as PyTorch's) to allocate the output.

void gpuMaskedSelect(const OpCall& c) {
  if (c.param(0) == 0) {
    const TensorArg& mask = c.t[1];
    checks::needBoolMask(mask);
    DeviceBuffer total(sizeof(unsigned long long));
    memsetAsync(total.get(), 0, sizeof(unsigned long long));
    if (mask.numel() > 0) {
      IndexArgs<1> a = indexArgs<1>(mask, -1);
      setStrides(a, 0, mask);
      launch("flint_masked_count", Dim3(gridFor(a.numel, 4)), Dim3(kBlock), 0, a, static_cast<const bool*>(mask.data),
             total.as<unsigned long long>());
    }
    launch("flint_masked_count_finish", Dim3(1), Dim3(kBlock), 0, static_cast<const unsigned long long*>(total.get()),
           static_cast<int32_t*>(c.t[0].data), errorWord("maskedSelect", decodeTooMany));
    return;
  }
  const TensorArg &out = c.t[0], &x = c.t[1], &mask = c.t[2];
  const int64_t cap = out.numel(), ostride = out.ndim ? out.strides[0] : 0;
  if (x.numel() == 0 || cap == 0) return;
  IndexArgs<2> a = indexArgs<2>(x, -1);
  setStrides(a, 0, x);
  setStrides(a, 1, mask);
  // chunks of whole tiles, at most 1024 of them (one scan block walks the chunk counts)
  const int64_t tile = kBlock;
  int64_t chunk = std::max<int64_t>(tile * 4, (a.numel + 1023) / 1024);
  chunk = (chunk + tile - 1) / tile * tile;
  const int64_t nb = (a.numel + chunk - 1) / chunk;
  DeviceBuffer counts((size_t)nb * sizeof(int64_t));
  launch("flint_masked_block_count", Dim3((unsigned)nb), Dim3(kBlock), 0, a, static_cast<const bool*>(mask.data), chunk,
         counts.as<int64_t>());
  launch("flint_masked_scan", Dim3(1), Dim3(kBlock), 0, counts.as<int64_t>(), nb);
  launch(kernelName("flint_masked_select", x.dtype).c_str(), Dim3((unsigned)nb), Dim3(kBlock), 0, a,
         static_cast<const void*>(x.data), static_cast<const bool*>(mask.data), chunk,
         static_cast<const int64_t*>(counts.get()), out.data, ostride, cap);
}

FLINT_REGISTER_OP("gather", DeviceType::CUDA, gpuGather);
FLINT_REGISTER_OP("scatter", DeviceType::CUDA, gpuScatter);
FLINT_REGISTER_OP("indexSelect", DeviceType::CUDA, gpuIndexSelect);
FLINT_REGISTER_OP("maskedSelect", DeviceType::CUDA, gpuMaskedSelect);

}  // namespace
}  // namespace gpu
}  // namespace flint
