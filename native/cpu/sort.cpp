// sort.cpp — CPU kernels of sort and topk along one dim.
//
// JS passes a contiguous input viewed as (outer, n, inner): slice (o, i) is the n elements
// x[o * n * inner + k * inner + i]. Each slice is copied into a buffer of (key, index) pairs, keys in
// the compute type (float for float16/bfloat16), and ordered by a strict total order: by key with
// NaN above everything (as PyTorch), then by index. The index tie-break makes std::sort stable and
// makes topk exactly the first k of the stable sort. Values are written from the input itself
// (no round trip through the compute type). Slices are split over the thread pool.
//
// sort: t[0] values (x's shape), t[1] indices (int32), t[2] x; p = outer, n, inner, descending.
// topk: t[0] values, t[1] indices (shape with k along dim), t[2] x; p = outer, n, inner, k,
//       largest, sorted. Unsorted topk returns the k elements in the order its selection leaves them.
#include <algorithm>
#include <climits>
#include <cmath>
#include <vector>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/sort.h"

namespace flint {
namespace {

template <class C> struct Item { C key; int32_t idx; };

// a < b with NaN the largest value (NaNs equal among themselves).
template <class C> inline bool keyLess(C a, C b) {
  if constexpr (std::is_floating_point<C>::value) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

template <class C> struct Ascending {
  bool operator()(const Item<C>& a, const Item<C>& b) const {
    if (keyLess(a.key, b.key)) return true;
    if (keyLess(b.key, a.key)) return false;
    return a.idx < b.idx;
  }
};
template <class C> struct Descending {
  bool operator()(const Item<C>& a, const Item<C>& b) const {
    if (keyLess(b.key, a.key)) return true;
    if (keyLess(a.key, b.key)) return false;
    return a.idx < b.idx;
  }
};

using checks::Slices;
int64_t grainOf(const Slices& S) { return std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(1, S.n)); }

// Runs fn(buffer, slice, o, i) over the slices, each worker with its own buffer filled with slice's pairs.
template <class T, class F>
void forEachSlice(const Slices& S, const T* x, F fn) {
  using C = typename ComputeT<T>::type;
  checks::checkSortDim(S, "sort");
  parallelFor(S.count(), grainOf(S), [&](int64_t b, int64_t e) {
    std::vector<Item<C>> buf(S.n);
    for (int64_t s = b; s < e; s++) {
      const int64_t o = s / S.inner, i = s % S.inner;
      const T* xs = x + o * S.n * S.inner + i;
      for (int64_t k = 0; k < S.n; k++) buf[k] = Item<C>{load(xs[k * S.inner]), (int32_t)k};
      fn(buf, o, i, xs);
    }
  });
}

void cpuSort(const OpCall& c) {
  Slices S(c);
  if (S.count() == 0 || S.n == 0) return;
  const bool desc = c.param(3) != 0;
  dispatchDType(c.t[2].dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = typename ComputeT<T>::type;
    T* vals = c.t[0].ptr<T>();
    int32_t* inds = c.t[1].ptr<int32_t>();
    forEachSlice<T>(S, c.t[2].ptr<T>(), [&](std::vector<Item<C>>& buf, int64_t o, int64_t i, const T* xs) {
      if (desc) std::sort(buf.begin(), buf.end(), Descending<C>());
      else std::sort(buf.begin(), buf.end(), Ascending<C>());
      const int64_t base = o * S.n * S.inner + i;
      for (int64_t k = 0; k < S.n; k++) {
        vals[base + k * S.inner] = xs[(int64_t)buf[k].idx * S.inner];
        inds[base + k * S.inner] = buf[k].idx;
      }
    });
  });
}

// Small k: one pass keeping the best k in a heap whose front is the worst of them, so most
// elements cost one comparison. Large k: nth_element over the whole slice, then sort the first k.
template <class T, class Cmp>
void topkSlices(const OpCall& c, const Slices& S, int64_t k, bool sorted, Cmp cmp) {
  using C = typename ComputeT<T>::type;
  T* vals = c.t[0].ptr<T>();
  int32_t* inds = c.t[1].ptr<int32_t>();
  const T* x = c.t[2].ptr<T>();
  auto write = [&](const std::vector<Item<C>>& buf, int64_t o, int64_t i, const T* xs) {
    const int64_t base = o * k * S.inner + i;
    for (int64_t j = 0; j < k; j++) {
      vals[base + j * S.inner] = xs[(int64_t)buf[j].idx * S.inner];
      inds[base + j * S.inner] = buf[j].idx;
    }
  };
  if (k * 16 > S.n) {
    forEachSlice<T>(S, x, [&](std::vector<Item<C>>& buf, int64_t o, int64_t i, const T* xs) {
      if (k < S.n) std::nth_element(buf.begin(), buf.begin() + (k - 1), buf.end(), cmp);
      if (sorted) std::sort(buf.begin(), buf.begin() + k, cmp);
      write(buf, o, i, xs);
    });
    return;
  }
  parallelFor(S.count(), grainOf(S), [&](int64_t b, int64_t e) {
    std::vector<Item<C>> heap((size_t)k);
    for (int64_t s = b; s < e; s++) {
      const int64_t o = s / S.inner, i = s % S.inner;
      const T* xs = x + o * S.n * S.inner + i;
      for (int64_t j = 0; j < k; j++) heap[j] = Item<C>{load(xs[j * S.inner]), (int32_t)j};
      std::make_heap(heap.begin(), heap.end(), cmp);
      for (int64_t j = k; j < S.n; j++) {
        Item<C> it{load(xs[j * S.inner]), (int32_t)j};
        if (cmp(it, heap.front())) {
          std::pop_heap(heap.begin(), heap.end(), cmp);
          heap.back() = it;
          std::push_heap(heap.begin(), heap.end(), cmp);
        }
      }
      if (sorted) std::sort_heap(heap.begin(), heap.end(), cmp);
      write(heap, o, i, xs);
    }
  });
}

void cpuTopk(const OpCall& c) {
  Slices S(c);
  const int64_t k = checks::topkK(c, S);
  const bool largest = c.param(4) != 0, sorted = c.param(5) != 0;
  if (S.count() == 0 || k == 0) return;
  dispatchDType(c.t[2].dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = typename ComputeT<T>::type;
    if (largest) topkSlices<T>(c, S, k, sorted, Descending<C>());
    else topkSlices<T>(c, S, k, sorted, Ascending<C>());
  });
}

FLINT_REGISTER_OP("sort", DeviceType::CPU, cpuSort);
FLINT_REGISTER_OP("topk", DeviceType::CPU, cpuTopk);

}  // namespace
}  // namespace flint
