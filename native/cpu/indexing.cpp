// indexing.cpp — CPU kernels for the index ops: gather, scatter (assign, add, or scatterReduce's
// prod / amax / amin; a tensor or a scalar source), indexSelect and maskedSelect. Index tensors are int32.
//
// Every kernel runs on StridedLoop (loops.h) by viewing the addressed tensor with the index's
// shape and a stride of 0 along `dim`: the element that index value v picks is then
// `viewPtr + v * stride(dim)`. Each index is checked against [0, size(dim)); a bad one fails with
// ErrorKind::Index naming the op, the value and the size, and nothing outside a tensor is touched.
// Workers must not throw, so checks inside parallel loops record the bad value and the op fails
// after the loop. Scatter validates all indices before writing, so a failing in-place `scatter_`
// leaves its tensor unchanged. Scatter parallelises over rows (positions of the other dims), never
// inside one, so scatterAdd with repeated indices is race-free and deterministic (last write wins
// for plain scatter, as on PyTorch's CPU).
#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <string>
#include "../core/error.h"
#include "../core/indexing.h"
#include "../core/loops.h"
#include "../core/optable.h"

namespace flint {
namespace {

// A plain unsigned type of the same size as a storage type: copies need no conversion.
template <int64_t Size> struct BitsOf;
template <> struct BitsOf<1> { using type = uint8_t; };
template <> struct BitsOf<2> { using type = uint16_t; };
template <> struct BitsOf<4> { using type = uint32_t; };
template <> struct BitsOf<8> { using type = uint64_t; };

template <class F> void dispatchBits(DType d, F&& f) {
  switch (itemsize(d)) {
    case 1: f(uint8_t{}); break;
    case 2: f(uint16_t{}); break;
    case 4: f(uint32_t{}); break;
    default: f(uint64_t{}); break;
  }
}

using checks::needInt32;

[[noreturn]] void badIndex(const char* op, int64_t v, int dim, int64_t size) {
  failBadIndex(op, v, std::to_string(dim), std::to_string(size));
}

// Records one bad index from inside a parallel loop.
struct BadIndex {
  std::atomic<bool> any{false};
  std::atomic<int64_t> value{0};
  void set(int64_t v) { if (!any.exchange(true)) value = v; }
};

// `t` viewed with `shape` (ndim dims) and stride 0 along dim.
TensorArg viewWithDimZero(const TensorArg& t, const int64_t* shape, int ndim, int dim) {
  TensorArg v = t;
  v.ndim = ndim;
  for (int d = 0; d < ndim; d++) { v.shape[d] = shape[d]; v.strides[d] = t.isScalar ? 0 : t.strides[d]; }
  v.strides[dim] = 0;
  return v;
}

// Moves dim `dim` of every operand to the end (so that flat ranges of whole rows are contiguous).
void moveDimLast(TensorArg& t, int dim) {
  int64_t s = t.shape[dim], st = t.strides[dim];
  for (int d = dim; d < t.ndim - 1; d++) { t.shape[d] = t.shape[d + 1]; t.strides[d] = t.strides[d + 1]; }
  t.shape[t.ndim - 1] = s;
  t.strides[t.ndim - 1] = st;
}

// Checks every element of an int32 tensor against [0, size), in parallel.
void checkIndices(const TensorArg& idx, int64_t size, const char* op, int dim) {
  if (idx.numel() == 0) return;
  const TensorArg* ops[1] = {&idx};
  StridedLoop<1> L(ops);
  BadIndex bad;
  L.run([&bad, size](char** p, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
      int32_t v = *reinterpret_cast<const int32_t*>(p[0] + i * s[0]);
      if (indexOutside(v, size)) { bad.set(v); return; }
    }
  });
  if (bad.any) badIndex(op, bad.value, dim, size);
}

// ---- gather: out[..., k, ...] = x[..., index[..., k, ...], ...] -------------------------------
// t[0] out (index's shape, x's dtype), t[1] x, t[2] index; p[0] dim.

void cpuGather(const OpCall& c) {
  const TensorArg &out = c.t[0], &x = c.t[1], &idx = c.t[2];
  needInt32(idx, "gather");
  const int dim = (int)c.param(0);
  if (out.numel() == 0) return;
  const int64_t size = x.shape[dim];
  const int64_t xstep = x.strides[dim] * itemsize(x.dtype);
  TensorArg xv = viewWithDimZero(x, idx.shape, idx.ndim, dim);
  const TensorArg* ops[3] = {&out, &xv, &idx};
  StridedLoop<3> L(ops);
  BadIndex bad;
  dispatchBits(x.dtype, [&](auto tag) {
    using B = decltype(tag);
    L.run([&bad, size, xstep](char** p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; i++) {
        int32_t v = *reinterpret_cast<const int32_t*>(p[2] + i * s[2]);
        if (indexOutside(v, size)) { bad.set(v); return; }
        *reinterpret_cast<B*>(p[0] + i * s[0]) = *reinterpret_cast<const B*>(p[1] + i * s[1] + v * xstep);
      }
    });
  });
  if (bad.any) badIndex("gather", bad.value, dim, size);
}

// ---- scatter: self[..., index[..., k, ...], ...] = src[..., k, ...] (or +=) -------------------
// t[0] self (written in place), t[1] index, t[2] src (tensor with size >= index's in every dim, or
// a scalar); p[0] dim, p[1] mode (ScatterMode: 0 assign, 1 add, 2 prod, 3 amax, 4 amin). JS makes
// sure self has no overlapping elements. Rows are whole per thread, so every mode is deterministic.

template <class T>
inline void addInto(T* dst, const T* src) {
  if constexpr (std::is_same<T, bool>::value) *dst = *dst || *src;
  else if constexpr (std::is_same<T, int32_t>::value) *dst = (int32_t)((uint32_t)*dst + (uint32_t)*src);
  else if constexpr (std::is_same<T, uint8_t>::value) *dst = (uint8_t)(*dst + *src);
  else *dst = store<T>(load(*dst) + load(*src));
}

void cpuScatter(const OpCall& c) {
  const TensorArg &self = c.t[0], &idx = c.t[1], &src = c.t[2];
  const auto [name, dim, mode] = checks::scatterArgs(c);
  const int64_t numel = idx.numel();
  if (numel == 0) return;
  const int64_t size = self.shape[dim];
  checkIndices(idx, size, name, dim);
  const int64_t sstep = self.strides[dim] * itemsize(self.dtype);
  TensorArg sv = viewWithDimZero(self, idx.shape, idx.ndim, dim);
  TensorArg iv = idx, srcv = viewWithDimZero(src, idx.shape, idx.ndim, dim);
  if (!src.isScalar) srcv.strides[dim] = src.strides[dim];
  moveDimLast(sv, dim); moveDimLast(iv, dim); moveDimLast(srcv, dim);
  const TensorArg* ops[3] = {&sv, &iv, &srcv};
  StridedLoop<3> L(ops);
  const int64_t rowLen = idx.shape[dim];
  const int64_t rows = numel / rowLen;
  auto rowsOf = [&](auto inner) {
    // whole rows per chunk: two threads never touch one element of self
    parallelFor(rows, std::max<int64_t>(1, kElementwiseGrain / rowLen), [&](int64_t b, int64_t e) {
      auto local = inner;
      L.runRange(b * rowLen, e * rowLen, local);
    });
  };
  if (mode == kScatterAssign) {
    dispatchBits(self.dtype, [&](auto tag) {
      using B = decltype(tag);
      rowsOf([sstep](char** p, const int64_t* s, int64_t n) {
        for (int64_t i = 0; i < n; i++) {
          int32_t v = *reinterpret_cast<const int32_t*>(p[1] + i * s[1]);
          *reinterpret_cast<B*>(p[0] + i * s[0] + v * sstep) = *reinterpret_cast<const B*>(p[2] + i * s[2]);
        }
      });
    });
    return;
  }
  if (mode == kScatterAdd) {
    dispatchDType(self.dtype, [&](auto tag) {
      using T = decltype(tag);
      rowsOf([sstep](char** p, const int64_t* s, int64_t n) {
        for (int64_t i = 0; i < n; i++) {
          int32_t v = *reinterpret_cast<const int32_t*>(p[1] + i * s[1]);
          addInto(reinterpret_cast<T*>(p[0] + i * s[0] + v * sstep), reinterpret_cast<const T*>(p[2] + i * s[2]));
        }
      });
    });
    return;
  }
  // scatterReduce's prod / amax / amin (core/indexing.h's scatterCombine, as the GPU's atomics)
  const int combine = mode;  // a structured binding cannot be captured (C++17)
  dispatchDType(self.dtype, [&](auto tag) {
    using T = decltype(tag);
    rowsOf([sstep, combine](char** p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; i++) {
        int32_t v = *reinterpret_cast<const int32_t*>(p[1] + i * s[1]);
        T* dst = reinterpret_cast<T*>(p[0] + i * s[0] + v * sstep);
        *dst = store<T>(scatterCombine(combine, load(*dst), load(*reinterpret_cast<const T*>(p[2] + i * s[2]))));
      }
    });
  });
}

// ---- indexSelect: out[..., k, ...] = x[..., index[k], ...] -------------------------------------
// t[0] out (x's shape with size(dim) = index length), t[1] x, t[2] index (1-D); p[0] dim.

void cpuIndexSelect(const OpCall& c) {
  const TensorArg &out = c.t[0], &x = c.t[1], &idx = c.t[2];
  needInt32(idx, "indexSelect");
  const int dim = (int)c.param(0);
  const int64_t size = x.shape[dim];
  checkIndices(idx, size, "indexSelect", dim);
  if (out.numel() == 0) return;
  const int64_t xstep = x.strides[dim] * itemsize(x.dtype);
  TensorArg xv = viewWithDimZero(x, out.shape, out.ndim, dim);
  TensorArg iv = out;  // index seen with out's shape: stride 0 except along dim
  iv.dtype = DType::I32;
  iv.data = idx.data;
  iv.isScalar = false;
  for (int d = 0; d < out.ndim; d++) iv.strides[d] = 0;
  iv.strides[dim] = idx.ndim ? idx.strides[0] : 0;
  const TensorArg* ops[3] = {&out, &xv, &iv};
  StridedLoop<3> L(ops);
  dispatchBits(x.dtype, [&](auto tag) {
    using B = decltype(tag);
    constexpr int64_t sz = sizeof(B);
    L.run([xstep](char** p, const int64_t* s, int64_t n) {
      if (s[2] == 0) {  // one index for the whole run: a strided (often contiguous) copy
        const char* from = p[1] + *reinterpret_cast<const int32_t*>(p[2]) * xstep;
        if (s[0] == sz && s[1] == sz) { std::memcpy(p[0], from, n * sz); return; }
        for (int64_t i = 0; i < n; i++) *reinterpret_cast<B*>(p[0] + i * s[0]) = *reinterpret_cast<const B*>(from + i * s[1]);
        return;
      }
      for (int64_t i = 0; i < n; i++) {
        int32_t v = *reinterpret_cast<const int32_t*>(p[2] + i * s[2]);
        *reinterpret_cast<B*>(p[0] + i * s[0]) = *reinterpret_cast<const B*>(p[1] + i * s[1] + v * xstep);
      }
    });
  });
}

// ---- maskedSelect ------------------------------------------------------------------------------
// p[0] = 0 (count): t[0] int32 [1] <- number of true elements of t[1] (bool mask, any strides).
// p[0] = 1 (select): t[0] 1-D out, t[1] x, t[2] mask (x's shape): the x where mask, in row-major order.

void cpuMaskedSelect(const OpCall& c) {
  if (c.param(0) == 0) {
    const TensorArg& mask = c.t[1];
    checks::needBoolMask(mask);
    std::atomic<int64_t> count{0};
    if (mask.numel() > 0) {
      const TensorArg* ops[1] = {&mask};
      StridedLoop<1> L(ops);
      L.run([&count](char** p, const int64_t* s, int64_t n) {
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++) k += *reinterpret_cast<const bool*>(p[0] + i * s[0]) ? 1 : 0;
        count += k;
      });
    }
    if (count > INT32_MAX) fail(ErrorKind::Value, "maskedSelect: more than 2^31 - 1 selected elements");
    *c.t[0].ptr<int32_t>() = (int32_t)count.load();
    return;
  }
  const TensorArg &out = c.t[0], &x = c.t[1], &mask = c.t[2];
  const int64_t cap = out.numel(), ostep = out.ndim ? out.strides[0] * itemsize(out.dtype) : 0;
  if (x.numel() == 0 || cap == 0) return;
  const TensorArg* ops[2] = {&x, &mask};
  StridedLoop<2> L(ops);
  int64_t k = 0;
  dispatchBits(x.dtype, [&](auto tag) {
    using B = decltype(tag);
    char* o = static_cast<char*>(out.data);
    auto inner = [&k, o, cap, ostep](char** p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n && k < cap; i++)
        if (*reinterpret_cast<const bool*>(p[1] + i * s[1])) *reinterpret_cast<B*>(o + (k++) * ostep) = *reinterpret_cast<const B*>(p[0] + i * s[0]);
    };
    L.runRange(0, L.numel, inner);  // serial: the output position depends on every earlier element
  });
}

FLINT_REGISTER_OP("gather", DeviceType::CPU, cpuGather);
FLINT_REGISTER_OP("scatter", DeviceType::CPU, cpuScatter);
FLINT_REGISTER_OP("indexSelect", DeviceType::CPU, cpuIndexSelect);
FLINT_REGISTER_OP("maskedSelect", DeviceType::CPU, cpuMaskedSelect);

}  // namespace
}  // namespace flint
