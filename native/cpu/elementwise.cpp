// elementwise.cpp — CPU kernels for the elementwise op families: unary (code in p[0]), binary
// (code in p[0]), where, clamp (inside unary), copy/cast and fill. The codes, the per-element
// math and the dtype rules are native/core/elementwise.h's, shared with the GPU kernels. Every
// kernel runs on StridedLoop (loops.h) with one instantiation per op code, so each inner function
// has a contiguous branch that the compiler vectorises and a strided branch for views and broadcasts.
#include <atomic>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>
#include "../core/elementwise.h"
#include "../core/error.h"
#include "../core/loops.h"
#include "../core/optable.h"

namespace flint {
namespace {

using namespace ew;

// ---- the generic loops -------------------------------------------------------------------------

template <class TO, class TI, class F>
void unaryLoop(const OpCall& c, F f) {
  const TensorArg* ops[2] = {&c.t[0], &c.t[1]};
  StridedLoop<2> L(ops);
  L.run([f](char** p, const int64_t* s, int64_t n) {
    TO* o = reinterpret_cast<TO*>(p[0]);
    const TI* a = reinterpret_cast<const TI*>(p[1]);
    if (s[0] == (int64_t)sizeof(TO) && s[1] == (int64_t)sizeof(TI)) {
      // float -> float (exp, tanh, sigmoid, gelu, erf, silu ... from core/vmath.h): the widest vectors
      if constexpr (std::is_same<TO, float>::value && std::is_same<TI, float>::value)
        vm::forEachVec(n, [o, a, &f](int64_t i) FLINT_VM_INLINE_LAMBDA { o[i] = f(a[i]); });
      else
        for (int64_t i = 0; i < n; i++) o[i] = store<TO>(f(load(a[i])));
    } else {
      for (int64_t i = 0; i < n; i++)
        *reinterpret_cast<TO*>(p[0] + i * s[0]) = store<TO>(f(load(*reinterpret_cast<const TI*>(p[1] + i * s[1]))));
    }
  });
}

template <class TO, class TI, class F>
void binaryLoop(const OpCall& c, F f) {
  const TensorArg* ops[3] = {&c.t[0], &c.t[1], &c.t[2]};
  StridedLoop<3> L(ops);
  L.run([f](char** p, const int64_t* s, int64_t n) {
    TO* o = reinterpret_cast<TO*>(p[0]);
    const TI* a = reinterpret_cast<const TI*>(p[1]);
    const TI* b = reinterpret_cast<const TI*>(p[2]);
    constexpr int64_t so = sizeof(TO), si = sizeof(TI);
    if (s[0] == so && s[1] == si && s[2] == si) {
      if constexpr (std::is_same<TO, float>::value && std::is_same<TI, float>::value)  // the widest vectors
        vm::forEachVec(n, [o, a, b, &f](int64_t i) FLINT_VM_INLINE_LAMBDA { o[i] = f(a[i], b[i]); });
      else
        for (int64_t i = 0; i < n; i++) o[i] = store<TO>(f(load(a[i]), load(b[i])));
    } else if (s[0] == so && s[1] == si && s[2] == 0) {
      const auto bv = load(*b);
      for (int64_t i = 0; i < n; i++) o[i] = store<TO>(f(load(a[i]), bv));
    } else if (s[0] == so && s[1] == 0 && s[2] == si) {
      const auto av = load(*a);
      for (int64_t i = 0; i < n; i++) o[i] = store<TO>(f(av, load(b[i])));
    } else {
      for (int64_t i = 0; i < n; i++)
        *reinterpret_cast<TO*>(p[0] + i * s[0]) = store<TO>(f(load(*reinterpret_cast<const TI*>(p[1] + i * s[1])),
                                                             load(*reinterpret_cast<const TI*>(p[2] + i * s[2]))));
    }
  });
}

template <class T> constexpr bool isFloatT = std::is_floating_point<typename ComputeT<T>::type>::value;

// ---- unary: one loop instantiation per code (FLINT_UNARY_OPS rows) --------------------------------

template <class T>
void unaryTyped(const OpCall& c, int code, const ElemParams& p) {
  using C = typename ComputeT<T>::type;
  if constexpr (isFloatT<T>) {
#define FLINT_CPU_F(E, js, f) case U_##E: return unaryLoop<T, T>(c, [p](C x) FLINT_VM_INLINE_LAMBDA { return uf_##E<C>(x, p); });
#define FLINT_CPU_I(E, js, f, i) FLINT_CPU_F(E, js, f)
#define FLINT_CPU_P(E, js, f, i) case U_##E: return unaryLoop<bool, T>(c, [p](C x) { return uf_##E<C>(x, p); });
    switch (code) { FLINT_UNARY_OPS(FLINT_CPU_F, FLINT_CPU_I, FLINT_CPU_P) }
#undef FLINT_CPU_F
#undef FLINT_CPU_I
#undef FLINT_CPU_P
  } else {
#define FLINT_CPU_F(E, js, f)
#define FLINT_CPU_I(E, js, f, i) case U_##E: return unaryLoop<T, T>(c, [p](C x) { return ui_##E<C>(x, p); });
#define FLINT_CPU_P(E, js, f, i) case U_##E: return unaryLoop<bool, T>(c, [p](C x) { return ui_##E<C>(x, p); });
    switch (code) { FLINT_UNARY_OPS(FLINT_CPU_F, FLINT_CPU_I, FLINT_CPU_P) }
#undef FLINT_CPU_F
#undef FLINT_CPU_I
#undef FLINT_CPU_P
  }
}

void cpuUnary(const OpCall& c) {
  const int code = (int)c.param(0);
  const DType dt = c.t[1].dtype;
  const bool floating = isFloating(dt);
  if (!unaryDefined(code, floating)) failUndefined("unary", code, dt);
  const ElemParams p = elemParams(c, code, floating);
  dispatchDType(dt, [&](auto tag) { unaryTyped<decltype(tag)>(c, code, p); });
}

// ---- binary: one loop instantiation per code (FLINT_BINARY_OPS rows) ------------------------------

template <class T>
void binaryTyped(const OpCall& c, int code) {
  using C = typename ComputeT<T>::type;
  if constexpr (isStorage16<T>) {
    // nextafter steps in the storage type's bits (float's neighbours round back to x)
    if (code == B_NEXTAFTER) return binaryLoop<T, T>(c, [](C a, C b) { return load(nextAfter16(store<T>(a), store<T>(b))); });
  }
  std::atomic<int> bad{0};  // the integer ops' error bits (ew::ErrBits)
// Floating codes set no error bit (binaryDefined refused the rest before the loop): their loops
// carry no atomic, so that they vectorise (the GELU gradients: core/vmath.h's erf, exp, tanh).
#define FLINT_CPU_A(E, js)                                                                       \
  case B_##E:                                                                                    \
    if constexpr (std::is_floating_point<C>::value)                                              \
      binaryLoop<T, T>(c, [](C a, C b) FLINT_VM_INLINE_LAMBDA { int e = 0; return binaryValue<C>(B_##E, a, b, e); }); \
    else                                                                                         \
      binaryLoop<T, T>(c, [&bad](C a, C b) {                                                     \
        int e = 0;                                                                               \
        const C r = binaryValue<C>(B_##E, a, b, e);                                              \
        if (e) bad.fetch_or(e, std::memory_order_relaxed);                                       \
        return r;                                                                                \
      });                                                                                        \
    break;
#define FLINT_CPU_C(E, js) case B_##E: binaryLoop<bool, T>(c, [](C a, C b) { return compare<C>(B_##E, a, b); }); break;
  switch (code) { FLINT_BINARY_OPS(FLINT_CPU_A, FLINT_CPU_C) }
#undef FLINT_CPU_A
#undef FLINT_CPU_C
  if (const int bits = bad.load()) failElementwiseBits(bits);
}

void cpuBinary(const OpCall& c) {
  const int code = (int)c.param(0);
  const DType dt = c.t[1].dtype;
  if (!binaryDefined(code, isFloating(dt), dt == DType::Bool)) failUndefined("binary", code, dt);
  dispatchDType(dt, [&](auto tag) { binaryTyped<decltype(tag)>(c, code); });
}

// ---- where(out, cond, a, b) --------------------------------------------------------------------

// m ? a : b as a bit blend of the two values: no branch for the compiler to keep (a data-dependent
// mask such as relu's gradient or dropout's mispredicts half the time, ~5 ns an element) and a form
// that vectorises. Exact for every dtype: bits are copied, never converted.
template <class T>
inline T selectBits(bool m, T a, T b) {
  using U = std::conditional_t<sizeof(T) == 8, uint64_t, std::conditional_t<sizeof(T) == 4, uint32_t,
                               std::conditional_t<sizeof(T) == 2, uint16_t, uint8_t>>>;
  static_assert(sizeof(U) == sizeof(T), "selectBits: unexpected dtype size");
  U ua, ub;
  std::memcpy(&ua, &a, sizeof(T));
  std::memcpy(&ub, &b, sizeof(T));
  const U mask = (U)0 - (U)m;
  const U r = (ua & mask) | (ub & ~mask);
  T out;
  std::memcpy(&out, &r, sizeof(T));
  return out;
}

void cpuWhere(const OpCall& c) {
  const TensorArg* ops[4] = {&c.t[0], &c.t[1], &c.t[2], &c.t[3]};
  StridedLoop<4> L(ops);
  dispatchDType(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    L.run([](char** p, const int64_t* s, int64_t n) {
      constexpr int64_t sz = sizeof(T);
      if (s[0] == sz && s[1] == 1 && s[2] == sz && (s[3] == sz || s[3] == 0)) {  // dense (b may be a scalar)
        T* o = reinterpret_cast<T*>(p[0]);
        const bool* m = reinterpret_cast<const bool*>(p[1]);
        const T* a = reinterpret_cast<const T*>(p[2]);
        const T* b = reinterpret_cast<const T*>(p[3]);
        if (s[3] == 0) {
          const T bv = *b;
          for (int64_t i = 0; i < n; i++) o[i] = selectBits<T>(m[i], a[i], bv);
        } else {
          for (int64_t i = 0; i < n; i++) o[i] = selectBits<T>(m[i], a[i], b[i]);
        }
        return;
      }
      for (int64_t i = 0; i < n; i++) {
        const bool m = *reinterpret_cast<const bool*>(p[1] + i * s[1]);
        const T av = *reinterpret_cast<const T*>(p[2] + i * s[2]), bv = *reinterpret_cast<const T*>(p[3] + i * s[3]);
        *reinterpret_cast<T*>(p[0] + i * s[0]) = selectBits<T>(m, av, bv);
      }
    });
  });
}

// ---- copy(out, src): strided copy with cast ----------------------------------------------------

void cpuCopy(const OpCall& c) {
  const TensorArg* ops[2] = {&c.t[0], &c.t[1]};
  StridedLoop<2> L(ops);
  if (c.t[0].dtype == c.t[1].dtype) {
    const int64_t sz = itemsize(c.t[0].dtype);
    if (L.ndim == 1 && L.strides[0][0] == sz && L.strides[1][0] == sz) {  // one block: memcpy in parallel
      char* dst = L.base[0]; const char* src = L.base[1];
      parallelFor(L.numel * sz, 1 << 20, [&](int64_t b, int64_t e) { std::memcpy(dst + b, src + b, e - b); });
      return;
    }
  }
  dispatchDType(c.t[0].dtype, [&](auto otag) {
    using TO = decltype(otag);
    dispatchDType(c.t[1].dtype, [&](auto itag) {
      using TI = decltype(itag);
      unaryLoop<TO, TI>(c, [](typename ComputeT<TI>::type x) { return x; });
    });
  });
}

// ---- fill(out; value) --------------------------------------------------------------------------

void cpuFill(const OpCall& c) {
  const double v = c.param(0);
  TensorArg src;
  makeScalarArg(src, c.t[0].dtype, v, c.t[0]);
  TensorArg args[2] = {c.t[0], src};
  OpCall cc = c;
  cc.t = args; cc.nt = 2;
  cpuCopy(cc);
}

// ---- arange(out; start, step) and linspace(out; start, end): contiguous 1-D outputs -------------

void cpuArange(const OpCall& c) {
  const double start = c.param(0), step = c.param(1);
  dispatchDType(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = c.t[0].ptr<T>();
    parallelFor(c.t[0].numel(), kElementwiseGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) o[i] = store<T>(arangeAt(start, step, i));
    });
  });
}

void cpuLinspace(const OpCall& c) {
  const double start = c.param(0), end = c.param(1);
  const int64_t n = c.t[0].numel();
  dispatchDType(c.t[0].dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = c.t[0].ptr<T>();
    for (int64_t i = 0; i < n; i++) o[i] = store<T>(linspaceAt(start, end, n, i));
  });
}

}  // namespace

FLINT_REGISTER_OP("arange", DeviceType::CPU, cpuArange);
FLINT_REGISTER_OP("linspace", DeviceType::CPU, cpuLinspace);
FLINT_REGISTER_OP("unary", DeviceType::CPU, cpuUnary);
FLINT_REGISTER_OP("binary", DeviceType::CPU, cpuBinary);
FLINT_REGISTER_OP("where", DeviceType::CPU, cpuWhere);
FLINT_REGISTER_OP("copy", DeviceType::CPU, cpuCopy);
FLINT_REGISTER_OP("fill", DeviceType::CPU, cpuFill);

}  // namespace flint
