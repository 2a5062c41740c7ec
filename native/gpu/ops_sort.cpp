// ops_sort.cpp — the CUDA entries of sort and topk (twins of native/cpu/sort.cpp) and randperm (twin
// of randpermKernel in native/cpu/random.cpp), running native/kernels/sort.cu.
//
// sort: t[0] values (x's shape), t[1] indices (int32), t[2] x (contiguous); p = outer, n, inner, descending.
// topk: t[0] values, t[1] indices (k along dim), t[2] x; p = outer, n, inner, k, largest, sorted.
//       topk is the first k of the stable sort (descending for largest): for sorted = false it also
//       returns them in sorted order, which is one valid order.
// randperm: t[0] int32 [n] (contiguous); p = seed lo, seed hi, offset lo, offset hi. Index i gets
//       the 64-bit Philox key of block offset + i and the indices are sorted by (key, index) on the
//       device: the same permutation as the CPU for the same generator state. Not registered here
//       (native/gpu/ops_random.cpp owns the "randperm" CUDA entry, sorting on the host today): it is
//       exported as flint::gpu::randpermOnDevice(const OpCall&) for that entry to call.
//
// Rows of up to CAP elements (4096; 2048 for float64, whose items are 16 bytes) are sorted by one
// kernel in shared memory, several short rows per block; longer rows are sorted as CAP-element tiles
// and then merged in global memory (log2(n / CAP) passes, two scratch buffers of n items per row).
#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/sort.h"
#include "ops_common.h"

namespace flint {
namespace gpu {
namespace {

using checks::Slices;

// sort.cu's item types: uint64 (32-bit key, index) for every dtype but float64, KeyPair (16 bytes) for it
int64_t capOf(DType dt) { return dt == DType::F64 ? 2048 : 4096; }
size_t itemBytes(DType dt) { return dt == DType::F64 ? 16 : 8; }
const char* mergeKernel(bool pairs) { return pairs ? "flint_sort_merge_pair" : "flint_sort_merge_u64"; }
constexpr int64_t kPairCap = 2048;

/**
 * Sorts tiles already written to `a` (count rows of n items) by merge passes; returns the buffer
 * that holds the result (a or b).
 */
void* mergeAll(void* a, void* b, int64_t count, int64_t n, int64_t cap, bool pairs) {
  for (int64_t w = cap; w < n; w *= 2) {
    launch(mergeKernel(pairs), Dim3(gridFor(count * n)), Dim3(kBlock), 0, static_cast<const void*>(a), b, count, n, w);
    std::swap(a, b);
  }
  return a;
}

/** The first kOut of each row's stable sort (descending when desc) -> values t[0], indices t[1]. */
void sortRows(const OpCall& c, const Slices& S, int64_t kOut, bool desc) {
  const TensorArg &vals = c.t[0], &inds = c.t[1], &x = c.t[2];
  const DType dt = x.dtype;
  const int64_t cap = capOf(dt), count = S.count(), n = S.n;
  const int d = desc ? 1 : 0;
  int32_t* ip = static_cast<int32_t*>(inds.data);
  const void* xp = x.data;
  if (n <= cap) {
    int P = 1;
    while (P < n) P *= 2;
    const int64_t R = std::min<int64_t>(cap / P, count);
    const int64_t groups = (count + R - 1) / R;
    launch(kernelName("flint_sort_small", dt).c_str(), Dim3(rowGrid(groups)), Dim3(kBlock), 0, vals.data, ip, xp,
           count, n, S.inner, kOut, d, P);
    return;
  }
  const size_t bytes = (size_t)count * (size_t)n * itemBytes(dt);
  DeviceBuffer a(bytes), b(bytes);
  const int64_t tiles = count * ((n + cap - 1) / cap);
  launch(kernelName("flint_sort_tiles", dt).c_str(), Dim3(rowGrid(tiles)), Dim3(kBlock), 0, a.get(), xp, count, n,
         S.inner, d);
  void* sorted = mergeAll(a.get(), b.get(), count, n, cap, dt == DType::F64);
  launch(kernelName("flint_sort_write", dt).c_str(), Dim3(gridFor(count * kOut)), Dim3(kBlock), 0, vals.data, ip, xp,
         static_cast<const void*>(sorted), count, n, S.inner, kOut);
}

void gpuSort(const OpCall& c) {
  Slices S(c);
  if (S.count() == 0 || S.n == 0) return;
  checks::checkSortDim(S, "sort");
  sortRows(c, S, S.n, c.param(3) != 0);
}

void gpuTopk(const OpCall& c) {
  Slices S(c);
  const int64_t k = checks::topkK(c, S);
  const bool largest = c.param(4) != 0;
  if (S.count() == 0 || k == 0) return;
  sortRows(c, S, k, largest);
}

uint32_t word(double v) { return (uint32_t)(uint64_t)v; }

FLINT_REGISTER_OP("sort", DeviceType::CUDA, gpuSort);
FLINT_REGISTER_OP("topk", DeviceType::CUDA, gpuTopk);

}  // namespace

// ---- randperm ----------------------------------------------------------------------------------------

void randpermOnDevice(const OpCall& c);  // declared here: no header of its own yet
void randpermOnDevice(const OpCall& c) {
  if (c.nt < 1) fail(ErrorKind::Value, std::string(c.name) + ": missing output tensor");
  const TensorArg& o = c.t[0];
  if (!o.isContiguous()) fail(ErrorKind::Value, std::string(c.name) + ": output must be contiguous, got shape " + o.shapeStr());
  if (o.dtype != DType::I32) fail(ErrorKind::DType, std::string("randperm: output must be int32, got ") + dtypeName(o.dtype));
  const uint32_t key0 = word(c.param(0)), key1 = word(c.param(1));
  const uint64_t offset = ((uint64_t)word(c.param(3)) << 32) | word(c.param(2));
  const int64_t n = o.numel();
  if (n == 0) return;
  const size_t bytes = (size_t)n * 16;
  DeviceBuffer a(bytes), b(bytes);
  launch("flint_randperm_tiles", Dim3(rowGrid((n + kPairCap - 1) / kPairCap)), Dim3(kBlock), 0, a.get(), n, key0, key1,
         offset);
  void* sorted = mergeAll(a.get(), b.get(), 1, n, kPairCap, true);
  launch("flint_randperm_write", Dim3(gridFor(n)), Dim3(kBlock), 0, static_cast<int32_t*>(o.data),
         static_cast<const void*>(sorted), n);
}

}  // namespace gpu
}  // namespace flint
