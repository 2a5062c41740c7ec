// sort.cu — GPU kernels of sort and topk along one dim (the twins of native/cpu/sort.cpp) and of
// randperm's sort (native/cpu/random.cpp's randpermKernel).
//
// The input is contiguous, seen as (outer, n, inner): slice s = o * inner + i holds the n elements
// x[o * n * inner + k * inner + i]. Every element becomes one sort ITEM that packs an order-preserving
// unsigned key and its index k, so that plain unsigned comparison of items is the CPU's strict total
// order (by key with NaN above everything, NaNs equal, -0 == +0; then by index):
//   float32 / float16 / bfloat16 (via float), int32, uint8, bool: a 32-bit key, the item is the
//     uint64 (key << 32) | k;
//   float64 and randperm's 64-bit Philox keys: a KeyPair {uint64 key, uint32 k}.
// Float keys: NaN -> all ones, +-0 -> 0x80..0, else the sign-flipped bits; int32: bits ^ 0x80000000.
// Descending sorts complement the key (NaN first, as PyTorch) and keep the index tie-break ascending,
// so both directions are stable. Items are unique within a slice, so any correct sort of them gives
// exactly the CPU's order; values are then written from the input itself (no round trip).
//
// Kernels (blockDim.x = FLINT_BLOCK):
//   flint_sort_small_<dt>(vals, inds, x, count, n, inner, kOut, desc, P)
//       n <= CAP (4096 items; 2048 for float64): rows padded to P = next power of two >= n, R =
//       min(CAP / P, count) rows per block sorted together in shared memory by one bitonic network
//       of segment size P; writes the first kOut (n for sort, k for topk) of each row. Grid: any
//       (grid-stride over groups of R rows; the host launches ceil(count / R), capped).
//   flint_sort_tiles_<dt>(items, x, count, n, inner, desc)
//       n > CAP: each block sorts one CAP-item tile of one slice in shared memory and stores it in
//       items[s * n + ...] (global scratch). Grid: any (grid-stride over count * ceil(n / CAP) tiles).
//   flint_sort_merge_u64 / flint_sort_merge_pair(in, out, count, n, width)
//       one merge pass: sorted runs of `width` items -> runs of 2 * width; each item finds its place
//       by a binary search in the other run (items are unique). Grid-stride over count * n.
//   flint_sort_write_<dt>(vals, inds, x, items, count, n, inner, kOut)
//       the first kOut sorted items of each slice -> values / int32 indices. Grid-stride.
//   flint_randperm_tiles(items, n, key0, key1, offset), flint_randperm_write(out, items, n)
//       randperm: item k = {bits64(w0, w1) of Philox block offset + k, k} (core/philox.h), sorted as
//       above (tiles + merge passes over one slice), out[j] = index of item j: the permutation the
//       CPU's std::sort of (key, index) pairs gives, bit for bit.
//
// topk is "sort, then keep the first k" (the first k of the stable sort, as the CPU's sorted topk;
// unsorted topk also returns them sorted, a valid order). A block-level selection for k << n would
// be faster and is left for later.
#include "compat.cuh"
#include "core/philox.h"

namespace flint {
namespace kern {

struct KeyPair {
  uint64_t k;
  uint32_t i;
  uint32_t pad;
};

namespace {

// ---- items ----------------------------------------------------------------------------------------

FLINT_DEV bool itemLess(uint64_t a, uint64_t b) { return a < b; }
FLINT_DEV bool itemLess(const KeyPair& a, const KeyPair& b) { return a.k < b.k || (a.k == b.k && a.i < b.i); }
FLINT_DEV uint32_t itemIndex(uint64_t a) { return (uint32_t)a; }
FLINT_DEV uint32_t itemIndex(const KeyPair& a) { return a.i; }
template <class Item> FLINT_DEV Item padItem();  // above every real item (real indices are < 2^31)
template <> FLINT_DEV uint64_t padItem<uint64_t>() { return ~0ull; }
template <> FLINT_DEV KeyPair padItem<KeyPair>() { return KeyPair{~0ull, ~0u, 0u}; }

template <class Item> struct Cap { static constexpr int value = 4096; };  // 32 KiB of shared memory
template <> struct Cap<KeyPair> { static constexpr int value = 2048; };

template <class T> struct ItemOf { typedef uint64_t type; };
template <> struct ItemOf<double> { typedef KeyPair type; };

FLINT_DEV uint32_t floatKey(float f) {
  if (f != f) return 0xffffffffu;
  if (f == 0.0f) return 0x80000000u;
  const uint32_t b = __float_as_uint(f);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}
FLINT_DEV uint64_t doubleKey(double f) {
  if (f != f) return ~0ull;
  if (f == 0.0) return 0x8000000000000000ull;
  const uint64_t b = (uint64_t)__double_as_longlong(f);
  return (b & 0x8000000000000000ull) ? ~b : (b | 0x8000000000000000ull);
}

template <class T> FLINT_DEV uint32_t key32(T v) {
  if constexpr (IsFloat<T>::value) return floatKey(load(v));  // float, Half, BFloat16
  else if constexpr (IsSame<T, int32_t>::value) return (uint32_t)v ^ 0x80000000u;
  else if constexpr (IsSame<T, bool>::value) return v ? 1u : 0u;
  else return (uint32_t)v;  // uint8_t
}

template <class T> FLINT_DEV typename ItemOf<T>::type makeItem(T v, uint32_t k, int desc) {
  if constexpr (IsSame<T, double>::value) {
    const uint64_t key = doubleKey(v);
    return KeyPair{desc ? ~key : key, k, 0u};
  } else {
    const uint32_t key = key32(v);
    return ((uint64_t)(desc ? ~key : key) << 32) | k;
  }
}

// ---- bitonic sort in shared memory ----------------------------------------------------------------

// Sorts each aligned segment of P items (P a power of two) of s[0, total) ascending; total is a
// multiple of P. Every thread of the block must call it; the caller synchronizes after filling s.
// Ends with __syncthreads.
template <class Item> FLINT_DEV void bitonicSegments(Item* s, int P, int total) {
  const int pairs = total / 2;
  for (int k = 2; k <= P; k <<= 1) {
    for (int j = k >> 1; j > 0; j >>= 1) {
      for (int t = threadIdx.x; t < pairs; t += blockDim.x) {
        const int i = 2 * t - (t & (j - 1));  // t with a 0 bit inserted at log2(j)
        const int l = i + j;
        const bool up = k == P || (i & k) == 0;  // the last merge of each segment is ascending
        const Item a = s[i], b = s[l];
        if (itemLess(b, a) == up) {
          s[i] = b;
          s[l] = a;
        }
      }
      __syncthreads();
    }
  }
}

// ---- small rows: one bitonic network over R rows per block ------------------------------------------

template <class T>
FLINT_DEV void sortSmall(T* vals, int32_t* inds, const T* x, index_t count, index_t n, index_t inner, index_t kOut,
                         int desc, int P) {
  typedef typename ItemOf<T>::type Item;
  constexpr int CAP = Cap<Item>::value;
  __shared__ Item s[CAP];
  const index_t R = (index_t)(CAP / P) < count ? (index_t)(CAP / P) : count;
  const int active = (int)R * P;
  const index_t groups = (count + R - 1) / R;
  for (index_t g = blockIdx.x; g < groups; g += gridDim.x) {  // uniform over the block
    for (int t = threadIdx.x; t < active; t += blockDim.x) {
      const index_t slice = g * R + t / P;
      const int r = t % P;
      if (slice < count && r < n) {
        const index_t o = slice / inner, i = slice - o * inner;
        s[t] = makeItem<T>(x[o * n * inner + (index_t)r * inner + i], (uint32_t)r, desc);
      } else {
        s[t] = padItem<Item>();
      }
    }
    __syncthreads();
    bitonicSegments(s, P, active);
    for (int t = threadIdx.x; t < active; t += blockDim.x) {
      const index_t slice = g * R + t / P;
      const int r = t % P;
      if (slice < count && r < kOut) {
        const index_t o = slice / inner, i = slice - o * inner;
        const index_t k = itemIndex(s[t]);
        const index_t dst = o * kOut * inner + (index_t)r * inner + i;
        vals[dst] = x[o * n * inner + k * inner + i];
        inds[dst] = (int32_t)k;
      }
    }
    __syncthreads();  // s is refilled by the next group
  }
}

// ---- long rows: tiles sorted in shared memory, then merge passes in global memory --------------------

// items[s * n + j] for the tiles of CAP items; load(slice, j) makes item j of a slice.
template <class Item, class Load> FLINT_DEV void sortTiles(Item* items, index_t count, index_t n, Load load) {
  constexpr int CAP = Cap<Item>::value;
  __shared__ Item s[CAP];
  const index_t tilesPer = (n + CAP - 1) / CAP;
  const index_t tiles = count * tilesPer;
  for (index_t b = blockIdx.x; b < tiles; b += gridDim.x) {  // uniform over the block
    const index_t slice = b / tilesPer, start = (b - slice * tilesPer) * CAP;
    const index_t len = n - start < CAP ? n - start : CAP;
    for (int t = threadIdx.x; t < CAP; t += blockDim.x) s[t] = t < len ? load(slice, start + t) : padItem<Item>();
    __syncthreads();
    bitonicSegments(s, CAP, CAP);
    Item* row = items + slice * n + start;
    for (int t = threadIdx.x; t < len; t += blockDim.x) row[t] = s[t];
    __syncthreads();
  }
}

template <class Item> FLINT_DEV void mergePass(const Item* in, Item* out, index_t count, index_t n, index_t width) {
  const index_t total = count * n;
  for (index_t e = (index_t)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (index_t)gridDim.x * blockDim.x) {
    const index_t slice = e / n, p = e - slice * n;
    const Item* row = in + slice * n;
    const index_t start = p / (2 * width) * (2 * width);
    const index_t mid = start + width < n ? start + width : n;
    const index_t end = start + 2 * width < n ? start + 2 * width : n;
    const Item item = row[p];
    index_t lo, hi, own, other;
    if (p < mid) { lo = mid; hi = end; own = p - start; other = mid; }
    else { lo = start; hi = mid; own = p - mid; other = start; }
    while (lo < hi) {  // first position in the other run whose item is not less than this one
      const index_t m = lo + (hi - lo) / 2;
      if (itemLess(row[m], item)) lo = m + 1;
      else hi = m;
    }
    out[slice * n + start + own + (lo - other)] = item;
  }
}

template <class T>
FLINT_DEV void sortWrite(T* vals, int32_t* inds, const T* x, const typename ItemOf<T>::type* items, index_t count,
                         index_t n, index_t inner, index_t kOut) {
  const index_t total = count * kOut;
  for (index_t e = (index_t)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (index_t)gridDim.x * blockDim.x) {
    const index_t slice = e / kOut, j = e - slice * kOut;
    const index_t k = itemIndex(items[slice * n + j]);
    const index_t o = slice / inner, i = slice - o * inner;
    const index_t dst = o * kOut * inner + j * inner + i;
    vals[dst] = x[o * n * inner + k * inner + i];
    inds[dst] = (int32_t)k;
  }
}

template <class T>
FLINT_DEV void sortTilesOf(typename ItemOf<T>::type* items, const T* x, index_t count, index_t n, index_t inner, int desc) {
  sortTiles(items, count, n, [=](index_t slice, index_t j) {
    const index_t o = slice / inner, i = slice - o * inner;
    return makeItem<T>(x[o * n * inner + j * inner + i], (uint32_t)j, desc);
  });
}

FLINT_DEV void randpermTiles(KeyPair* items, index_t n, uint32_t key0, uint32_t key1, uint64_t offset) {
  philox::Stream st;
  st.key0 = key0;
  st.key1 = key1;
  st.offset = offset;
  sortTiles(items, (index_t)1, n, [=](index_t, index_t j) {
    const philox::Words r = st.at((uint64_t)j);
    return KeyPair{philox::bits64(r.w[0], r.w[1]), (uint32_t)j, 0u};
  });
}

FLINT_DEV void randpermWrite(int32_t* out, const KeyPair* items, index_t n) {
  for (index_t e = (index_t)blockIdx.x * blockDim.x + threadIdx.x; e < n; e += (index_t)gridDim.x * blockDim.x)
    out[e] = (int32_t)items[e].i;
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::kern::KeyPair;

FLINT_KERNEL void flint_sort_merge_u64(const uint64_t* in, uint64_t* out, index_t count, index_t n, index_t width) {
  flint::kern::mergePass(in, out, count, n, width);
}
FLINT_KERNEL void flint_sort_merge_pair(const KeyPair* in, KeyPair* out, index_t count, index_t n, index_t width) {
  flint::kern::mergePass(in, out, count, n, width);
}
FLINT_KERNEL void flint_randperm_tiles(KeyPair* items, index_t n, uint32_t key0, uint32_t key1, uint64_t offset) {
  flint::kern::randpermTiles(items, n, key0, key1, offset);
}
FLINT_KERNEL void flint_randperm_write(int32_t* out, const KeyPair* items, index_t n) {
  flint::kern::randpermWrite(out, items, n);
}

#define FLINT_SORT(S, T)                                                                                           \
  FLINT_KERNEL void flint_sort_small_##S(void* vals, int32_t* inds, const void* x, index_t count, index_t n,       \
                                         index_t inner, index_t kOut, int desc, int P) {                           \
    flint::kern::sortSmall<T>(static_cast<T*>(vals), inds, static_cast<const T*>(x), count, n, inner, kOut, desc, \
                              P);                                                                                  \
  }                                                                                                                \
  FLINT_KERNEL void flint_sort_tiles_##S(void* items, const void* x, index_t count, index_t n, index_t inner,      \
                                         int desc) {                                                               \
    flint::kern::sortTilesOf<T>(static_cast<flint::kern::ItemOf<T>::type*>(items), static_cast<const T*>(x),      \
                                count, n, inner, desc);                                                            \
  }                                                                                                                \
  FLINT_KERNEL void flint_sort_write_##S(void* vals, int32_t* inds, const void* x, const void* items,             \
                                         index_t count, index_t n, index_t inner, index_t kOut) {                  \
    flint::kern::sortWrite<T>(static_cast<T*>(vals), inds, static_cast<const T*>(x),                              \
                              static_cast<const flint::kern::ItemOf<T>::type*>(items), count, n, inner, kOut);     \
  }
FLINT_DTYPES(FLINT_SORT)
