// reduce.cu — GPU reductions over the innermost contiguous block, the twins of native/cpu/reduce.cpp
// for the common case: the host permutes/copies the input so that the reduced dims are innermost and
// contiguous, giving `rows` independent rows of `n` elements (row r starts at in + r * n).
//
//   flint_reduce_<dt>(out, in, rows, n, code, correction, err)
//     code: 0 sum, 1 prod, 2 mean, 3 amax, 4 amin, 5 var, 6 std, 7 logsumexp, 8 all, 9 any
//     (the CPU's ReduceCode). out[r] has dtype: sum/prod of int32/uint8/bool -> int32 (wrapping like
//     int32 arithmetic); all/any -> bool; everything else the input dtype. mean/var/std/logsumexp
//     are float-only (err bit 8 otherwise). n == 0 writes the identity (sum 0, prod 1, mean NaN,
//     amax -inf, all true, ...), as the CPU does.
//   flint_argreduce_<dt>(vals, idx, in, rows, n, code): code 0 argmax, 1 argmin; idx int32; ties keep
//     the first index; NaN wins (the first NaN), as the CPU. n == 0 is refused by the host.
//
//   flint_reduce_warp_<dt>, flint_argreduce_warp_<dt>: the same arguments and results, one row per
//     warp instead of one per block, for short rows (the host takes them for n <= 128): a block per
//     row of a few elements left most of its threads idle and paid two barriers per row (a sum over
//     dim 0 of [2, 140000] was 140000 blocks). For n <= the warp size both give the same bits.
//   flint_reduce_cols_<dt>(out, in, cols, n, code, correction, err): the same reductions down the
//     columns of an [n, cols] row-major input (out[c] folds in[c], in[cols + c], ...): a reduction
//     over leading dims (a Linear's bias gradient: [tokens, features] summed over the tokens) read
//     in place, where the row kernels needed a transposing copy of the whole input first. Each block
//     takes a warp-width group of adjacent columns (adjacent lanes read adjacent addresses); its warps
//     split the rows (warp w folds rows w, w + warps, ...) and their partial results are combined in
//     warp order. The host takes it for cols >= 32.
//
// Launch: blockDim.x = FLINT_BLOCK, one block (or one warp) per row, grid-stride over rows (any grid
// size: a warp kernel covers blockIdx.x * warps + warp, whatever the device's warp size).
// Accumulation: float for float32/float16/bfloat16 (float32 accumulation of 16-bit floats, as
// PyTorch's CUDA backend), double for float64, int64 (sum) / uint64 (prod) for integers; var/std use
// Chan's parallel Welford merge; logsumexp an online (max, sum) pair. The block combines its warps in
// warp order, so results are deterministic run to run (they can differ from the CPU in the last bits
// because the order of additions differs).
#include "compat.cuh"
#include "../core/libm.h"
#include "../core/reduce.h"

namespace flint {
namespace kern {


struct WelfordF { float n, mean, m2; };
struct WelfordD { double n, mean, m2; };
struct LseF { float m, s; };
struct LseD { double m, s; };
template <class C> struct ArgAcc { C v; index_t i; };

// shuffles of the accumulator structs, member by member (found by ADL from warpReduce)
FLINT_DEV WelfordF shflXor(WelfordF v, int m) { return WelfordF{shflXor(v.n, m), shflXor(v.mean, m), shflXor(v.m2, m)}; }
FLINT_DEV WelfordD shflXor(WelfordD v, int m) { return WelfordD{shflXor(v.n, m), shflXor(v.mean, m), shflXor(v.m2, m)}; }
FLINT_DEV LseF shflXor(LseF v, int m) { return LseF{shflXor(v.m, m), shflXor(v.s, m)}; }
FLINT_DEV LseD shflXor(LseD v, int m) { return LseD{shflXor(v.m, m), shflXor(v.s, m)}; }
template <class C> FLINT_DEV ArgAcc<C> shflXor(ArgAcc<C> v, int m) { return ArgAcc<C>{shflXor(v.v, m), shflXor(v.i, m)}; }

template <class A> struct WelfordOf;
template <> struct WelfordOf<float> { typedef WelfordF type; };
template <> struct WelfordOf<double> { typedef WelfordD type; };
template <class A> struct LseOf;
template <> struct LseOf<float> { typedef LseF type; };
template <> struct LseOf<double> { typedef LseD type; };

namespace {

enum ErrBits { E_BAD_CODE = 8 };


template <bool IsMax, class C> FLINT_DEV bool takes(C x, C a) {  // NaN always wins
  if constexpr (IsMax) return x > a || x != x;
  else return x < a || x != x;
}

template <class C, bool IsMax> FLINT_DEV C extremeInit() {
  if constexpr (IsSame<C, bool>::value) return !IsMax;
  else if constexpr (IsSame<C, float>::value || IsSame<C, double>::value) return IsMax ? -posInf<C>() : posInf<C>();
  else if constexpr (IsSame<C, int32_t>::value) return IsMax ? (int32_t)(-2147483647 - 1) : (int32_t)2147483647;
  else return IsMax ? (C)0 : (C)255;  // uint8_t
}

// How a launch covers its rows: a block per row, a warp per row, or (S_COLS) a warp-width group of
// columns per block, each lane folding its own column down the rows.
enum Shape { S_BLOCK = 0, S_WARP = 1, S_COLS = 2 };

// Fold x[0], x[stride], ..., x[(n - 1) * stride] with step(acc, value, index) and combine.
// S_BLOCK / S_WARP: one row (stride 1) strided over the block / warp; every thread of it gets the
// result. S_COLS: this lane's column (stride = the row length), its rows split over the block's
// warps (warp w folds rows w, w + warps, ...), the warps' partial results combined in warp order in
// `scratch` (FLINT_BLOCK values); the lanes of warp 0 get their column's result. A lane past the last
// column (`active` false) folds nothing but takes part in the barriers.
template <int S, class T, class Acc, class Step, class Comb>
FLINT_DEV Acc fold(const T* x, index_t n, index_t stride, bool active, Acc init, Step step, Comb comb, Acc* scratch) {
  Acc a = init;
  if constexpr (S == S_WARP) {
    for (index_t i = threadIdx.x % FLINT_WARP_SIZE; i < n; i += FLINT_WARP_SIZE) step(a, load(x[i]), i);
    return warpReduce(a, comb);
  } else if constexpr (S == S_BLOCK) {
    for (index_t i = threadIdx.x; i < n; i += blockDim.x) step(a, load(x[i]), i);
    return blockReduce(a, comb, scratch);
  } else {
    const int warp = threadIdx.x / FLINT_WARP_SIZE, nwarps = blockDim.x / FLINT_WARP_SIZE;
    if (active)
      for (index_t i = warp; i < n; i += nwarps) step(a, load(x[i * stride]), i);
    return columnReduce(a, comb, scratch);
  }
}

// The rows a block (S_WARP: each warp of it; S_COLS: each lane, a column) takes: first + offset,
// first + step + offset, ... while first < rows (every thread of a block takes the same number of
// turns: the column fold has barriers); `lead` writes results.
template <int S> struct RowWalk {
  index_t first, step, offset;
  bool lead;
  FLINT_DEV RowWalk() {
    const int lane = threadIdx.x % FLINT_WARP_SIZE, warp = threadIdx.x / FLINT_WARP_SIZE;
    if (S == S_COLS) {
      first = (index_t)blockIdx.x * FLINT_WARP_SIZE;
      step = (index_t)gridDim.x * FLINT_WARP_SIZE;
      offset = lane;
      lead = warp == 0;
    } else {
      const index_t per = S == S_WARP ? blockDim.x / FLINT_WARP_SIZE : 1;
      first = blockIdx.x * per + (S == S_WARP ? warp : 0);
      step = (index_t)gridDim.x * per;
      offset = 0;
      lead = (S == S_WARP ? lane : (int)threadIdx.x) == 0;
    }
  }
};

template <class T, int S> FLINT_DEV void reduceRows(void* outp, const void* inp, index_t rows, index_t n, int code, double correction, int* err) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;  // floats only
  constexpr bool fl = IsFloat<T>::value;
  typedef typename WelfordOf<A>::type W;
  typedef typename LseOf<A>::type L;
  constexpr int NS = S == S_COLS ? FLINT_BLOCK : FLINT_BLOCK / FLINT_WARP_SIZE;  // scratch values
  __shared__ A sA[NS];
  __shared__ int64_t sI[NS];
  __shared__ uint64_t sU[NS];
  __shared__ C sC[NS];
  __shared__ bool sB[NS];
  __shared__ W sW[NS];
  __shared__ L sL[NS];
  const T* in = static_cast<const T*>(inp);
  const RowWalk<S> walk;
  const index_t stride = S == S_COLS ? rows : 1;  // S_COLS: `rows` columns of n elements, row-major [n, rows]
  for (index_t base = walk.first; base < rows; base += walk.step) {
    const index_t r = base + walk.offset;
    const bool active = r < rows;
    const bool lead = walk.lead && active;
    const T* x = S == S_COLS ? in + (active ? r : 0) : in + r * n;
    switch (code) {
      case R_SUM: case R_MEAN: {
        if constexpr (fl) {
          const A s = fold<S, T>(x, n, stride, active, (A)0, [](A& a, C v, index_t) { a += (A)v; }, [](A a, A b) { return a + b; }, sA);
          if (lead) static_cast<T*>(outp)[r] = store<T>(code == R_MEAN ? s / (A)n : s);  // 0 / 0: NaN
        } else {
          if (code == R_MEAN) { if (lead) atomicOr(err, E_BAD_CODE); return; }
          const int64_t s = fold<S, T>(x, n, stride, active, (int64_t)0, [](int64_t& a, C v, index_t) { a += (int64_t)v; },
                                       [](int64_t a, int64_t b) { return a + b; }, sI);
          if (lead) static_cast<int32_t*>(outp)[r] = (int32_t)(uint32_t)(uint64_t)s;
        }
        break;
      }
      case R_PROD: {
        if constexpr (fl) {
          const A s = fold<S, T>(x, n, stride, active, (A)1, [](A& a, C v, index_t) { a *= (A)v; }, [](A a, A b) { return a * b; }, sA);
          if (lead) static_cast<T*>(outp)[r] = store<T>(s);
        } else {
          const uint64_t s = fold<S, T>(x, n, stride, active, (uint64_t)1, [](uint64_t& a, C v, index_t) { a *= (uint64_t)(int64_t)v; },
                                        [](uint64_t a, uint64_t b) { return a * b; }, sU);
          if (lead) static_cast<int32_t*>(outp)[r] = (int32_t)(uint32_t)s;
        }
        break;
      }
      case R_AMAX: {
        const C m = fold<S, T>(x, n, stride, active, extremeInit<C, true>(), [](C& a, C v, index_t) { a = takes<true>(v, a) ? v : a; },
                               [](C a, C b) { return (a != a) ? a : (takes<true>(b, a) ? b : a); }, sC);
        if (lead) static_cast<T*>(outp)[r] = store<T>(m);
        break;
      }
      case R_AMIN: {
        const C m = fold<S, T>(x, n, stride, active, extremeInit<C, false>(), [](C& a, C v, index_t) { a = takes<false>(v, a) ? v : a; },
                               [](C a, C b) { return (a != a) ? a : (takes<false>(b, a) ? b : a); }, sC);
        if (lead) static_cast<T*>(outp)[r] = store<T>(m);
        break;
      }
      case R_VAR: case R_STD: {
        if constexpr (fl) {
          const W w = fold<S, T>(
              x, n, stride, active, W{0, 0, 0},
              [](W& a, C v, index_t) {
                const A xv = (A)v;
                a.n += 1;
                const A d = xv - a.mean;
                a.mean += d / a.n;
                a.m2 += d * (xv - a.mean);
              },
              [](W a, W b) {  // Chan et al.
                if (b.n == 0) return a;
                if (a.n == 0) return b;
                const A nn = a.n + b.n, d = b.mean - a.mean;
                return W{nn, a.mean + d * b.n / nn, a.m2 + b.m2 + d * d * a.n * b.n / nn};
              },
              sW);
          if (lead) {
            const A dof = w.n - (A)correction;
            const A v = w.m2 / (dof > 0 ? dof : (A)0);
            static_cast<T*>(outp)[r] = store<T>(code == R_STD ? m_sqrt(v) : v);
          }
        } else {
          if (lead) atomicOr(err, E_BAD_CODE);
          return;
        }
        break;
      }
      case R_LOGSUMEXP: {
        if constexpr (fl) {
          const L l = fold<S, T>(
              x, n, stride, active, L{-posInf<A>(), 0},
              [](L& a, C v, index_t) {
                const A xv = (A)v;
                if (xv > a.m) { a.s = a.s * m_exp(a.m - xv) + 1; a.m = xv; }
                else if (xv == a.m) a.s += 1;
                else a.s += m_exp(xv - a.m);  // NaN makes s NaN
              },
              [](L a, L b) {
                if (b.m == a.m) return L{a.m, a.s + b.s};
                if (b.m > a.m) return L{b.m, a.s * m_exp(a.m - b.m) + b.s};
                return L{a.m, a.s + b.s * m_exp(b.m - a.m)};
              },
              sL);
          if (lead) static_cast<T*>(outp)[r] = store<T>(m_log(l.s) + l.m);
        } else {
          if (lead) atomicOr(err, E_BAD_CODE);
          return;
        }
        break;
      }
      case R_ALL: {
        const bool b = fold<S, T>(x, n, stride, active, true, [](bool& a, C v, index_t) { a = a && (v != (C)0); }, [](bool a, bool b) { return a && b; }, sB);
        if (lead) static_cast<bool*>(outp)[r] = b;
        break;
      }
      case R_ANY: {
        const bool b = fold<S, T>(x, n, stride, active, false, [](bool& a, C v, index_t) { a = a || (v != (C)0); }, [](bool a, bool b) { return a || b; }, sB);
        if (lead) static_cast<bool*>(outp)[r] = b;
        break;
      }
      default:
        if (lead) atomicOr(err, E_BAD_CODE);
        return;
    }
  }
}

template <class T, bool IsMax, int S> FLINT_DEV void argRows(void* valsp, int32_t* idx, const void* inp, index_t rows, index_t n) {
  static_assert(S != S_COLS, "argreduce has no column kernel");
  typedef typename ComputeT<T>::type C;
  typedef ArgAcc<C> G;
  __shared__ G sG[FLINT_BLOCK / FLINT_WARP_SIZE];
  const T* in = static_cast<const T*>(inp);
  const RowWalk<S> walk;
  for (index_t r = walk.first; r < rows; r += walk.step) {
    const G g = fold<S, T>(
        in + r * n, n, 1, true, G{C{}, -1},
        [](G& a, C v, index_t i) {  // indices rise within a thread: strictly better only
          if (a.i < 0 || (!(a.v != a.v) && takes<IsMax>(v, a.v))) { a.v = v; a.i = i; }
        },
        [](G a, G b) {  // order-free: better value, or the same value (both NaN) at a smaller index
          if (b.i < 0) return a;
          if (a.i < 0) return b;
          const bool an = a.v != a.v, bn = b.v != b.v;
          if (an || bn) return (an && bn) ? (b.i < a.i ? b : a) : (an ? a : b);
          if (takes<IsMax>(b.v, a.v)) return b;
          if (b.v == a.v && b.i < a.i) return b;
          return a;
        },
        sG);
    if (walk.lead) {
      static_cast<T*>(valsp)[r] = store<T>(g.v);
      idx[r] = (int32_t)g.i;
    }
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint



#define FLINT_REDUCE_ONLY(S, T, NAME, SHAPE)                                                                         \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_reduce##NAME##S(void* out, const void* in, index_t rows,      \
                                                                         index_t n, int code, double correction,     \
                                                                         int* err) {                                 \
    flint::kern::reduceRows<T, SHAPE>(out, in, rows, n, code, correction, err);                                      \
  }
#define FLINT_REDUCE_AS(S, T, NAME, SHAPE)                                                                           \
  FLINT_REDUCE_ONLY(S, T, NAME, SHAPE)                                                                               \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_argreduce##NAME##S(void* vals, int32_t* idx, const void* in,  \
                                                                            index_t rows, index_t n, int code) {      \
    if (code == 0) flint::kern::argRows<T, true, SHAPE>(vals, idx, in, rows, n);                                     \
    else flint::kern::argRows<T, false, SHAPE>(vals, idx, in, rows, n);                                              \
  }
#define FLINT_REDUCE(S, T)                                                                                          \
  FLINT_REDUCE_AS(S, T, _, flint::kern::S_BLOCK)                                                                     \
  FLINT_REDUCE_AS(S, T, _warp_, flint::kern::S_WARP) FLINT_REDUCE_ONLY(S, T, _cols_, flint::kern::S_COLS)
FLINT_DTYPES(FLINT_REDUCE)
