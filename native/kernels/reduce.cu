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

// Fold row [0, n) of x with step(acc, value, index), strided over the block (PerWarp: over the
// warp), then combine; every thread of the block (warp) gets the result.
template <bool PerWarp, class T, class Acc, class Step, class Comb>
FLINT_DEV Acc foldRow(const T* x, index_t n, Acc init, Step step, Comb comb, Acc* scratch) {
  Acc a = init;
  if constexpr (PerWarp) {
    for (index_t i = threadIdx.x % FLINT_WARP_SIZE; i < n; i += FLINT_WARP_SIZE) step(a, load(x[i]), i);
    return warpReduce(a, comb);
  } else {
    for (index_t i = threadIdx.x; i < n; i += blockDim.x) step(a, load(x[i]), i);
    return blockReduce(a, comb, scratch);
  }
}

// The rows a block (PerWarp: each warp of it) takes: first, first + step, ...; `lead` writes results.
template <bool PerWarp> struct RowWalk {
  index_t first, step;
  bool lead;
  FLINT_DEV RowWalk() {
    const index_t per = PerWarp ? blockDim.x / FLINT_WARP_SIZE : 1;
    first = blockIdx.x * per + (PerWarp ? threadIdx.x / FLINT_WARP_SIZE : 0);
    step = (index_t)gridDim.x * per;
    lead = (PerWarp ? threadIdx.x % FLINT_WARP_SIZE : threadIdx.x) == 0;
  }
};

template <class T, bool PerWarp> FLINT_DEV void reduceRows(void* outp, const void* inp, index_t rows, index_t n, int code, double correction, int* err) {
  typedef typename ComputeT<T>::type C;
  typedef typename AccT<C>::type A;  // floats only
  constexpr bool fl = IsFloat<T>::value;
  typedef typename WelfordOf<A>::type W;
  typedef typename LseOf<A>::type L;
  __shared__ A sA[FLINT_BLOCK / FLINT_WARP_SIZE];
  __shared__ int64_t sI[FLINT_BLOCK / FLINT_WARP_SIZE];
  __shared__ uint64_t sU[FLINT_BLOCK / FLINT_WARP_SIZE];
  __shared__ C sC[FLINT_BLOCK / FLINT_WARP_SIZE];
  __shared__ bool sB[FLINT_BLOCK / FLINT_WARP_SIZE];
  __shared__ W sW[FLINT_BLOCK / FLINT_WARP_SIZE];
  __shared__ L sL[FLINT_BLOCK / FLINT_WARP_SIZE];
  const T* in = static_cast<const T*>(inp);
  const RowWalk<PerWarp> walk;
  const bool lead = walk.lead;
  for (index_t r = walk.first; r < rows; r += walk.step) {
    const T* x = in + r * n;
    switch (code) {
      case R_SUM: case R_MEAN: {
        if constexpr (fl) {
          const A s = foldRow<PerWarp, T>(x, n, (A)0, [](A& a, C v, index_t) { a += (A)v; }, [](A a, A b) { return a + b; }, sA);
          if (lead) static_cast<T*>(outp)[r] = store<T>(code == R_MEAN ? s / (A)n : s);  // 0 / 0: NaN
        } else {
          if (code == R_MEAN) { if (lead) atomicOr(err, E_BAD_CODE); return; }
          const int64_t s = foldRow<PerWarp, T>(x, n, (int64_t)0, [](int64_t& a, C v, index_t) { a += (int64_t)v; },
                                       [](int64_t a, int64_t b) { return a + b; }, sI);
          if (lead) static_cast<int32_t*>(outp)[r] = (int32_t)(uint32_t)(uint64_t)s;
        }
        break;
      }
      case R_PROD: {
        if constexpr (fl) {
          const A s = foldRow<PerWarp, T>(x, n, (A)1, [](A& a, C v, index_t) { a *= (A)v; }, [](A a, A b) { return a * b; }, sA);
          if (lead) static_cast<T*>(outp)[r] = store<T>(s);
        } else {
          const uint64_t s = foldRow<PerWarp, T>(x, n, (uint64_t)1, [](uint64_t& a, C v, index_t) { a *= (uint64_t)(int64_t)v; },
                                        [](uint64_t a, uint64_t b) { return a * b; }, sU);
          if (lead) static_cast<int32_t*>(outp)[r] = (int32_t)(uint32_t)s;
        }
        break;
      }
      case R_AMAX: {
        const C m = foldRow<PerWarp, T>(x, n, extremeInit<C, true>(), [](C& a, C v, index_t) { a = takes<true>(v, a) ? v : a; },
                               [](C a, C b) { return (a != a) ? a : (takes<true>(b, a) ? b : a); }, sC);
        if (lead) static_cast<T*>(outp)[r] = store<T>(m);
        break;
      }
      case R_AMIN: {
        const C m = foldRow<PerWarp, T>(x, n, extremeInit<C, false>(), [](C& a, C v, index_t) { a = takes<false>(v, a) ? v : a; },
                               [](C a, C b) { return (a != a) ? a : (takes<false>(b, a) ? b : a); }, sC);
        if (lead) static_cast<T*>(outp)[r] = store<T>(m);
        break;
      }
      case R_VAR: case R_STD: {
        if constexpr (fl) {
          const W w = foldRow<PerWarp, T>(
              x, n, W{0, 0, 0},
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
          const L l = foldRow<PerWarp, T>(
              x, n, L{-posInf<A>(), 0},
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
        const bool b = foldRow<PerWarp, T>(x, n, true, [](bool& a, C v, index_t) { a = a && (v != (C)0); }, [](bool a, bool b) { return a && b; }, sB);
        if (lead) static_cast<bool*>(outp)[r] = b;
        break;
      }
      case R_ANY: {
        const bool b = foldRow<PerWarp, T>(x, n, false, [](bool& a, C v, index_t) { a = a || (v != (C)0); }, [](bool a, bool b) { return a || b; }, sB);
        if (lead) static_cast<bool*>(outp)[r] = b;
        break;
      }
      default:
        if (lead) atomicOr(err, E_BAD_CODE);
        return;
    }
  }
}

template <class T, bool IsMax, bool PerWarp> FLINT_DEV void argRows(void* valsp, int32_t* idx, const void* inp, index_t rows, index_t n) {
  typedef typename ComputeT<T>::type C;
  typedef ArgAcc<C> G;
  __shared__ G sG[FLINT_BLOCK / FLINT_WARP_SIZE];
  const T* in = static_cast<const T*>(inp);
  const RowWalk<PerWarp> walk;
  for (index_t r = walk.first; r < rows; r += walk.step) {
    const G g = foldRow<PerWarp, T>(
        in + r * n, n, G{C{}, -1},
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



#define FLINT_REDUCE_AS(S, T, NAME, PER_WARP)                                                                        \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_reduce##NAME##S(void* out, const void* in, index_t rows,      \
                                                                         index_t n, int code, double correction,     \
                                                                         int* err) {                                 \
    flint::kern::reduceRows<T, PER_WARP>(out, in, rows, n, code, correction, err);                                   \
  }                                                                                                                  \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK) flint_argreduce##NAME##S(void* vals, int32_t* idx, const void* in,  \
                                                                            index_t rows, index_t n, int code) {      \
    if (code == 0) flint::kern::argRows<T, true, PER_WARP>(vals, idx, in, rows, n);                                  \
    else flint::kern::argRows<T, false, PER_WARP>(vals, idx, in, rows, n);                                           \
  }
#define FLINT_REDUCE(S, T) FLINT_REDUCE_AS(S, T, _, false) FLINT_REDUCE_AS(S, T, _warp_, true)
FLINT_DTYPES(FLINT_REDUCE)
