// indexing.cu — GPU kernels of the index ops, the twins of native/cpu/indexing.cpp: gather, scatter
// (assign, add, or scatterReduce's prod / amax / amin; a tensor or a scalar source), indexSelect and maskedSelect (count, then an
// order-preserving compaction). Index tensors are int32.
//
// Strided N-d iteration: IndexArgs<N> carries the iteration shape (the index's shape for gather and
// scatter, the output's for indexSelect) and each operand's strides in ELEMENTS by value, with the
// addressed tensor's stride along `dim` zeroed (the CPU's viewWithDimZero): the element that index
// value v picks is then base + v * step. Pointers are already offset to each tensor's first element.
//
//   flint_gather_<dt>(a: IndexArgs<3> {out, x, index}, out, x, index, err)
//   flint_index_check(a: IndexArgs<1> {index}, index, err)            every index in [0, size)
//   flint_scatter_winner(a: IndexArgs<4> {self, index, src, winner}, index, winner, err)
//   flint_scatter_<dt>(a: IndexArgs<4>, self, index, src, srcScalarBits, srcIsScalar, mode, winner, err)
//   flint_index_select_<dt>(a: IndexArgs<2> {out, x}, out, x, index, indexStride, err)
//   flint_masked_count(a: IndexArgs<1> {mask}, mask, total: u64)
//   flint_masked_count_finish(total, out: int32[1], err)
//   flint_masked_block_count(a: IndexArgs<2> {x, mask}, mask, chunk, counts: int64[gridDim.x])
//   flint_masked_scan(counts, nb)                                               exclusive, in place
//   flint_masked_select_<dt>(a: IndexArgs<2> {x, mask}, x, mask, chunk, offsets, out, outStride, cap)
//
// Launch: blockDim.x = FLINT_BLOCK. Every kernel is a grid-stride loop (any grid size) except
// flint_masked_block_count / flint_masked_select (gridDim.x = number of chunks of `chunk` elements,
// the same grid for both) and flint_masked_scan (one block).
//
// Errors: an index v outside [0, size) is recorded in *err with atomicCAS(err, 0, v) (one bad value
// survives; v == 0, bad only when size is 0, is stored as INT32_MIN) and the element is skipped:
// nothing outside a tensor is touched. The host decoder (native/gpu/ops_indexing.cpp) turns the
// value into the CPU's IndexError message "<op>: index V is out of bounds for dim D with size S". Scatter runs
// flint_index_check first and its writing kernels return at once when *err is set (stream order
// makes the check visible), so a failing in-place scatter_ leaves its tensor unchanged, as on the
// CPU. masked_count_finish sets bit 1 when more than 2^31 - 1 elements are selected.
//
// Determinism: plain scatter with repeated indices keeps the LAST write along dim, as the CPU:
// flint_scatter_winner atomicMax-es, per target element, the position along dim of the writers
// (into an int32 buffer with self's dense layout, preset to -1), and only the winner writes. The
// host skips that pass when index.shape[dim] == 1 (no element can be written twice). scatterAdd uses
// atomics (hardware float/double/int adds; 16-bit floats, uint8 and bool through a 32-bit CAS/OR on
// the containing word): sums of floats can differ from the CPU's in the last bits (order of adds).
// scatterReduce's prod / amax / amin (modes 2-4) combine with core/indexing.h's scatterCombine inside
// a compare-and-swap loop on the element's bits (int32 amax / amin: the hardware atomicMax / Min;
// 16-bit floats, uint8, bool: the containing 32-bit word): amax and amin are order-independent, so
// deterministic; a floating prod may round differently from the CPU's in the last bits.
#include "compat.cuh"
#include "../core/indexing.h"

namespace flint {
namespace kern {

using ::flint::IndexArgs;

namespace {

// off[k] = element offset of operand k at linear index i; returns the coordinate along a.dim.
template <int N> FLINT_DEV index_t offsetsOf(const IndexArgs<N>& a, index_t i, index_t* off) {
#pragma unroll
  for (int k = 0; k < N; k++) off[k] = 0;
  index_t coord = 0;
  for (int d = a.ndim - 1; d >= 0; d--) {
    const index_t s = a.shape[d], q = i / s, r = i - q * s;
    i = q;
    if (d == a.dim) coord = r;
#pragma unroll
    for (int k = 0; k < N; k++) off[k] += r * a.strides[k][d];
  }
  return coord;
}

#define FLINT_GRID_LOOP(i, n) \
  for (index_t i = (index_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (index_t)gridDim.x * blockDim.x)

FLINT_DEV bool outside(int32_t v, index_t size) { return indexOutside(v, size); }

// Records bad index v in *err unless one is there already (0 = none; v == 0 is bad only for a dim of
// size 0 and is stored as INT32_MIN).
FLINT_DEV void recordBad(int* err, int32_t v) { atomicCAS(err, 0, v != 0 ? (int)v : (int)(-2147483647 - 1)); }

// ---- gather -----------------------------------------------------------------------------------------

template <class T>
FLINT_DEV void gatherKernel(const IndexArgs<3>& a, T* out, const T* x, const int32_t* idx, int* err) {
  index_t off[3];
  FLINT_GRID_LOOP(i, a.numel) {
    offsetsOf(a, i, off);
    const int32_t v = idx[off[2]];
    if (outside(v, a.size)) { recordBad(err, v); continue; }
    out[off[0]] = x[off[1] + (index_t)v * a.step];
  }
}

FLINT_DEV void indexCheck(const IndexArgs<1>& a, const int32_t* idx, int* err) {
  index_t off[1];
  FLINT_GRID_LOOP(i, a.numel) {
    offsetsOf(a, i, off);
    const int32_t v = idx[off[0]];
    if (outside(v, a.size)) recordBad(err, v);
  }
}

// ---- scatter ----------------------------------------------------------------------------------------

// operands of IndexArgs<4>: 0 self (dim stride zeroed, a.step), 1 index, 2 src, 3 winner (self's dense
// layout, dim stride zeroed, a.wstep)
FLINT_DEV void scatterWinner(const IndexArgs<4>& a, const int32_t* idx, int* winner, const int* err) {
  if (*err) return;
  index_t off[4];
  FLINT_GRID_LOOP(i, a.numel) {
    const index_t k = offsetsOf(a, i, off);
    const int32_t v = idx[off[1]];
    atomicMax(winner + off[3] + (index_t)v * a.wstep, (int)k);
  }
}

// *p += v with the CPU's addInto semantics, atomically.
FLINT_DEV void atomicAddInto(float* p, float v) { atomicAdd(p, v); }
FLINT_DEV void atomicAddInto(double* p, double v) { atomicAdd(p, v); }
FLINT_DEV void atomicAddInto(int32_t* p, int32_t v) { atomicAdd(reinterpret_cast<int*>(p), (int)v); }  // wraps

// 16-bit floats and bytes: compare-and-swap on the aligned 32-bit word that holds them
template <class F> FLINT_DEV void casWord(void* p, int bytes, F update) {
  const uaddr_t addr = reinterpret_cast<uaddr_t>(p);
  unsigned* w = reinterpret_cast<unsigned*>(addr & ~(uaddr_t)3);
  const unsigned shift = (unsigned)(addr & 3) * 8u;
  const unsigned mask = (bytes == 2 ? 0xffffu : 0xffu) << shift;
  unsigned old = *w, assumed;
  do {
    assumed = old;
    const unsigned cur = (assumed & mask) >> shift;
    const unsigned nxt = (update(cur) << shift) & mask;
    old = atomicCAS(w, assumed, (assumed & ~mask) | nxt);
  } while (old != assumed);
}
FLINT_DEV void atomicAddInto(Half* p, Half v) {
  const float add = load(v);
  casWord(p, 2, [add](unsigned cur) { return (unsigned)floatToHalf(halfToFloat((uint16_t)cur) + add); });
}
FLINT_DEV void atomicAddInto(BFloat16* p, BFloat16 v) {
  const float add = load(v);
  casWord(p, 2, [add](unsigned cur) { return (unsigned)floatToBf16(bf16ToFloat((uint16_t)cur) + add); });
}
FLINT_DEV void atomicAddInto(uint8_t* p, uint8_t v) {
  const unsigned add = v;
  casWord(p, 1, [add](unsigned cur) { return (cur + add) & 0xffu; });
}
FLINT_DEV void atomicAddInto(bool* p, bool v) {  // logical or
  if (!v) return;
  const uaddr_t addr = reinterpret_cast<uaddr_t>(p);
  atomicOr(reinterpret_cast<unsigned*>(addr & ~(uaddr_t)3), 1u << ((unsigned)(addr & 3) * 8u));
}

// *p = scatterCombine(mode, *p, v) atomically (modes kScatterProd, kScatterMax, kScatterMin).
FLINT_DEV void atomicCombineInto(float* p, float v, int mode) {
  int* w = reinterpret_cast<int*>(p);
  int old = *w, assumed;
  do {
    assumed = old;
    const int nxt = __float_as_int(scatterCombine(mode, __int_as_float(assumed), v));
    if (nxt == assumed) return;
    old = atomicCAS(w, assumed, nxt);
  } while (old != assumed);
}
FLINT_DEV void atomicCombineInto(double* p, double v, int mode) {
  unsigned long long* w = reinterpret_cast<unsigned long long*>(p);
  unsigned long long old = *w, assumed;
  do {
    assumed = old;
    const unsigned long long nxt = (unsigned long long)__double_as_longlong(scatterCombine(mode, __longlong_as_double((long long)assumed), v));
    if (nxt == assumed) return;
    old = atomicCAS(w, assumed, nxt);
  } while (old != assumed);
}
FLINT_DEV void atomicCombineInto(int32_t* p, int32_t v, int mode) {
  int* w = reinterpret_cast<int*>(p);
  if (mode == kScatterMax) { atomicMax(w, (int)v); return; }
  if (mode == kScatterMin) { atomicMin(w, (int)v); return; }
  int old = *w, assumed;
  do {
    assumed = old;
    old = atomicCAS(w, assumed, (int)scatterCombine(mode, (int32_t)assumed, v));
  } while (old != assumed);
}
FLINT_DEV void atomicCombineInto(Half* p, Half v, int mode) {
  const float x = load(v);
  casWord(p, 2, [x, mode](unsigned cur) { return (unsigned)floatToHalf(scatterCombine(mode, halfToFloat((uint16_t)cur), x)); });
}
FLINT_DEV void atomicCombineInto(BFloat16* p, BFloat16 v, int mode) {
  const float x = load(v);
  casWord(p, 2, [x, mode](unsigned cur) { return (unsigned)floatToBf16(scatterCombine(mode, bf16ToFloat((uint16_t)cur), x)); });
}
FLINT_DEV void atomicCombineInto(uint8_t* p, uint8_t v, int mode) {
  casWord(p, 1, [v, mode](unsigned cur) { return (unsigned)scatterCombine(mode, (uint8_t)cur, v); });
}
FLINT_DEV void atomicCombineInto(bool* p, bool v, int mode) {  // amax: or; prod, amin: and
  const uaddr_t addr = reinterpret_cast<uaddr_t>(p);
  unsigned* w = reinterpret_cast<unsigned*>(addr & ~(uaddr_t)3);
  const unsigned bit = 1u << ((unsigned)(addr & 3) * 8u);
  if (mode == kScatterMax) { if (v) atomicOr(w, bit); }
  else if (!v) atomicAnd(w, ~bit);
}

template <class T> FLINT_DEV T fromBits(uint64_t bits) {
  union { uint64_t u; T t; } c;
  c.u = bits;
  return c.t;
}

template <class T>
FLINT_DEV void scatterKernel(const IndexArgs<4>& a, T* self, const int32_t* idx, const T* src, uint64_t srcBits,
                             int srcIsScalar, int mode, const int* winner, const int* err) {
  if (*err) return;  // flint_index_check found a bad index: leave self unchanged
  const T scalar = fromBits<T>(srcBits);
  index_t off[4];
  FLINT_GRID_LOOP(i, a.numel) {
    const index_t k = offsetsOf(a, i, off);
    const int32_t v = idx[off[1]];
    const T s = srcIsScalar ? scalar : src[off[2]];
    T* dst = self + off[0] + (index_t)v * a.step;
    if (mode == kScatterAdd) atomicAddInto(dst, s);
    else if (mode != kScatterAssign) atomicCombineInto(dst, s, mode);
    else if (!winner || winner[off[3] + (index_t)v * a.wstep] == (int)k) *dst = s;
  }
}

// ---- indexSelect ------------------------------------------------------------------------------------

template <class T>
FLINT_DEV void indexSelectKernel(const IndexArgs<2>& a, T* out, const T* x, const int32_t* idx, index_t istride,
                                 int* err) {
  index_t off[2];
  FLINT_GRID_LOOP(i, a.numel) {
    const index_t k = offsetsOf(a, i, off);
    const int32_t v = idx[k * istride];
    if (outside(v, a.size)) { recordBad(err, v); continue; }
    out[off[0]] = x[off[1] + (index_t)v * a.step];
  }
}

// ---- maskedSelect -----------------------------------------------------------------------------------

// Exclusive scan of one value per thread over the block; *total gets the block's sum. Every thread
// of the block must call it (contains __syncthreads). scratch: FLINT_BLOCK / FLINT_WARP_SIZE values.
template <class V> FLINT_DEV V blockExclusiveScan(V f, V* total, V* scratch) {
  const int lane = threadIdx.x % FLINT_WARP_SIZE, warp = threadIdx.x / FLINT_WARP_SIZE;
  const int nwarps = (blockDim.x + FLINT_WARP_SIZE - 1) / FLINT_WARP_SIZE;
  V v = f;
  for (int d = 1; d < FLINT_WARP_SIZE; d <<= 1) {
    const V u = shflUp(v, d);
    if (lane >= d) v += u;
  }
  __syncthreads();  // scratch may still be read by an earlier call
  if (lane == FLINT_WARP_SIZE - 1) scratch[warp] = v;
  __syncthreads();
  V before = 0, all = 0;
  for (int w = 0; w < nwarps; w++) {
    if (w < warp) before += scratch[w];
    all += scratch[w];
  }
  *total = all;
  return before + v - f;
}

FLINT_DEV void maskedCount(const IndexArgs<1>& a, const bool* mask, unsigned long long* total) {
  __shared__ unsigned long long scratch[FLINT_BLOCK / FLINT_WARP_SIZE];
  unsigned long long k = 0;
  index_t off[1];
  FLINT_GRID_LOOP(i, a.numel) {
    offsetsOf(a, i, off);
    k += mask[off[0]] ? 1u : 0u;
  }
  k = blockReduce(k, [](unsigned long long x, unsigned long long y) { return x + y; }, scratch);
  if (threadIdx.x == 0 && k) atomicAdd(total, k);
}

FLINT_DEV void maskedCountFinish(const unsigned long long* total, int32_t* out, int* err) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  const unsigned long long n = *total;
  if (n > 2147483647ull) { atomicOr(err, 2); *out = 0; }
  else *out = (int32_t)n;
}

// Operands of IndexArgs<2>: 0 x, 1 mask. Block b owns the linear range [b * chunk, (b + 1) * chunk).
FLINT_DEV void maskedBlockCount(const IndexArgs<2>& a, const bool* mask, index_t chunk, index_t* counts) {
  __shared__ index_t scratch[FLINT_BLOCK / FLINT_WARP_SIZE];
  const index_t begin = (index_t)blockIdx.x * chunk;
  const index_t end = begin + chunk < a.numel ? begin + chunk : a.numel;
  index_t k = 0, off[2];
  for (index_t i = begin + threadIdx.x; i < end; i += blockDim.x) {
    offsetsOf(a, i, off);
    k += mask[off[1]] ? 1 : 0;
  }
  k = blockReduce(k, [](index_t x, index_t y) { return x + y; }, scratch);
  if (threadIdx.x == 0) counts[blockIdx.x] = k;
}

FLINT_DEV void maskedScan(index_t* counts, index_t nb) {
  __shared__ index_t scratch[FLINT_BLOCK / FLINT_WARP_SIZE];
  if (blockIdx.x != 0) return;  // uniform over the block
  index_t carry = 0;
  for (index_t base = 0; base < nb; base += blockDim.x) {  // same trip count for every thread
    const index_t i = base + threadIdx.x;
    const index_t v = i < nb ? counts[i] : 0;
    index_t tile;
    const index_t ex = blockExclusiveScan(v, &tile, scratch);
    if (i < nb) counts[i] = carry + ex;
    carry += tile;
  }
}

template <class T>
FLINT_DEV void maskedSelectKernel(const IndexArgs<2>& a, const T* x, const bool* mask, index_t chunk,
                                  const index_t* offsets, T* out, index_t ostride, index_t cap) {
  __shared__ index_t scratch[FLINT_BLOCK / FLINT_WARP_SIZE];
  const index_t begin = (index_t)blockIdx.x * chunk;
  const index_t end = begin + chunk < a.numel ? begin + chunk : a.numel;
  index_t pos = offsets[blockIdx.x], off[2];
  for (index_t base = begin; base < end; base += blockDim.x) {  // uniform trip count over the block
    const index_t i = base + threadIdx.x;
    bool take = false;
    if (i < end) {
      offsetsOf(a, i, off);
      take = mask[off[1]];
    }
    index_t tile;
    const index_t ex = blockExclusiveScan<index_t>(take ? 1 : 0, &tile, scratch);
    if (take && pos + ex < cap) out[(pos + ex) * ostride] = x[off[0]];
    pos += tile;
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::IndexArgs;

FLINT_KERNEL void flint_index_check(IndexArgs<1> a, const int32_t* index, int* err) {
  flint::kern::indexCheck(a, index, err);
}
FLINT_KERNEL void flint_scatter_winner(IndexArgs<4> a, const int32_t* index, int* winner, const int* err) {
  flint::kern::scatterWinner(a, index, winner, err);
}
FLINT_KERNEL void flint_masked_count(IndexArgs<1> a, const bool* mask, unsigned long long* total) {
  flint::kern::maskedCount(a, mask, total);
}
FLINT_KERNEL void flint_masked_count_finish(const unsigned long long* total, int32_t* out, int* err) {
  flint::kern::maskedCountFinish(total, out, err);
}
FLINT_KERNEL void flint_masked_block_count(IndexArgs<2> a, const bool* mask, index_t chunk, index_t* counts) {
  flint::kern::maskedBlockCount(a, mask, chunk, counts);
}
FLINT_KERNEL void flint_masked_scan(index_t* counts, index_t nb) { flint::kern::maskedScan(counts, nb); }

#define FLINT_INDEXING(S, T)                                                                                          \
  FLINT_KERNEL void flint_gather_##S(IndexArgs<3> a, void* out, const void* x, const int32_t* index,        \
                                     int* err) {                                                                     \
    flint::kern::gatherKernel<T>(a, static_cast<T*>(out), static_cast<const T*>(x), index, err);             \
  }                                                                                                                  \
  FLINT_KERNEL void flint_scatter_##S(IndexArgs<4> a, void* self, const int32_t* index, const void* src,              \
                                      uint64_t srcBits, int srcIsScalar, int mode, const int* winner,                \
                                      const int* err) {                                                              \
    flint::kern::scatterKernel<T>(a, static_cast<T*>(self), index, static_cast<const T*>(src), srcBits, srcIsScalar, \
                                  mode, winner, err);                                                                \
  }                                                                                                                  \
  FLINT_KERNEL void flint_index_select_##S(IndexArgs<2> a, void* out, const void* x, const int32_t* index,           \
                                           index_t indexStride, int* err) {                             \
    flint::kern::indexSelectKernel<T>(a, static_cast<T*>(out), static_cast<const T*>(x), index, indexStride, err);                                                                      \
  }                                                                                                                  \
  FLINT_KERNEL void flint_masked_select_##S(IndexArgs<2> a, const void* x, const bool* mask, index_t chunk,           \
                                            const index_t* offsets, void* out, index_t outStride, index_t cap) {     \
    flint::kern::maskedSelectKernel<T>(a, static_cast<const T*>(x), mask, chunk, offsets, static_cast<T*>(out),      \
                                       outStride, cap);                                                              \
  }
FLINT_DTYPES(FLINT_INDEXING)
