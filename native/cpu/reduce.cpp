// reduce.cpp — CPU reductions: 'reduce' (sum, prod, mean, amax, amin, var, std, logsumexp, all,
// any; code in p[0], var/std correction in p[1]) and 'argreduce' (argmax/argmin with their values).
//
// Operands: 'reduce' (out, in); 'argreduce' (values, indices, in). `out` has the input's rank with
// size 1 on every reduced dim (keepdim shape; JS views it without those dims), so a dim is reduced
// exactly when out.shape[d] != in.shape[d]. The kernel then:
//   1. splits the dims into kept and reduced lists (size-1 dims dropped), sorts each by input
//      stride (outer to inner) — argreduce keeps reduced dims in logical order, so that the index
//      it reports counts elements of the flattened reduced dims — and merges dims that are
//      contiguous with each other;
//   2. picks a loop:
//      (a) the innermost reduced dim has stride 1: each output reduces contiguous runs with a
//          vectorisable row routine (several accumulator lanes, combined in double for floats);
//      (b) else the innermost kept dim has stride 1: rows of the input are accumulated into a
//          block of per-column accumulators (dim 0 of a matrix reads rows, never columns);
//      (c) else a strided walk per output;
//   3. parallelises over outputs when there are enough of them, otherwise splits the reduced range
//      over the threads and combines the partial accumulators in order (ties keep the first index).
// Floats accumulate in double (16-bit floats and float32 in float lanes per 1024-element block for
// sums), integer sums/products in 64-bit wrapped to int32 (documented: PyTorch gives int64).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/reduce.h"
#include "../core/tensor.h"

namespace flint {
namespace {

using namespace checks;  // native/core/reduce.h: codes, the plan, validation

template <class T> constexpr bool isFloatT = std::is_floating_point<typename ComputeT<T>::type>::value;

template <class T> constexpr DType dtypeOf();
template <> constexpr DType dtypeOf<float>() { return DType::F32; }
template <> constexpr DType dtypeOf<double>() { return DType::F64; }
template <> constexpr DType dtypeOf<Half>() { return DType::F16; }
template <> constexpr DType dtypeOf<BFloat16>() { return DType::BF16; }
template <> constexpr DType dtypeOf<int32_t>() { return DType::I32; }
template <> constexpr DType dtypeOf<uint8_t>() { return DType::U8; }
template <> constexpr DType dtypeOf<bool>() { return DType::Bool; }

// ---- the plan: kept and reduced dims, sorted and merged (native/core/reduce.h) --------

// The shared plan plus the placeholder dims the loops below rely on.
Plan makePlan(const TensorArg& out, const TensorArg& in, bool ordered, const char* op) {
  Plan P = checks::makePlan(out, in, ordered, op);
  checks::addPlaceholders(P);
  return P;
}

// Walks a flat index range over dims (outer to inner), tracking the input and output offsets.
struct Walk {
  const Dim* d;
  int n;
  int64_t idx[kMaxDims + 1];
  int64_t in = 0, out = 0;
  Walk(const Dim* dims, int nd, int64_t flat) : d(dims), n(nd) {
    for (int i = n - 1; i >= 0; i--) {
      idx[i] = flat % d[i].size;
      flat /= d[i].size;
      in += idx[i] * d[i].in;
      out += idx[i] * d[i].out;
    }
  }
  void next() {
    for (int i = n - 1; i >= 0; i--) {
      in += d[i].in; out += d[i].out;
      if (++idx[i] < d[i].size) return;
      in -= d[i].size * d[i].in; out -= d[i].size * d[i].out;
      idx[i] = 0;
    }
  }
};

// ---- the reduction ops -------------------------------------------------------------------------
// Each op: Acc, init(), step(acc, x, index), combine(acc, later), row(acc, p, n, index0) for a
// contiguous run, col(buf, p, n, index) to fold one input row into per-column accumulators, and
// write(acc, count, outOffset).

template <class Op, class T>
inline void rowSteps(Op& op, typename Op::Acc& a, const T* p, int64_t n, int64_t i0) {
  for (int64_t i = 0; i < n; i++) op.step(a, load(p[i]), i0 + i);
}
template <class Op, class T>
inline void colSteps(Op& op, typename Op::Acc* buf, const T* p, int64_t n, int64_t r) {
  for (int64_t j = 0; j < n; j++) op.step(buf[j], load(p[j]), r);
}

// Float sums: float (or double) lanes per 1024-element block, blocks added in double.
template <class T>
inline void sumRowFloat(double& a, const T* p, int64_t n) {
  using C = typename ComputeT<T>::type;
  constexpr int L = 16;
  constexpr int64_t B = 1024;
  int64_t i = 0;
  for (; i + B <= n; i += B) {
    C l[L] = {};
    const T* q = p + i;
    for (int64_t j = 0; j < B; j += L)
      for (int k = 0; k < L; k++) l[k] += load(q[j + k]);
    double s = 0;
    for (int k = 0; k < L; k++) s += l[k];
    a += s;
  }
  if (i < n) {
    C l[L] = {};
    int64_t j = i;
    for (; j + L <= n; j += L)
      for (int k = 0; k < L; k++) l[k] += load(p[j + k]);
    double s = 0;
    for (int k = 0; k < L; k++) s += l[k];
    for (; j < n; j++) s += load(p[j]);
    a += s;
  }
}

template <class T, class Out>
struct SumOp {
  using C = typename ComputeT<T>::type;
  using Acc = typename std::conditional<isFloatT<T>, double, int64_t>::type;
  Out* o;
  bool mean;
  Acc init() const { return 0; }
  void step(Acc& a, C x, int64_t) const { a += (Acc)x; }
  void combine(Acc& a, const Acc& b) const { a += b; }
  void row(Acc& a, const T* p, int64_t n, int64_t i0) {
    if constexpr (isFloatT<T>) sumRowFloat(a, p, n);
    else rowSteps(*this, a, p, n, i0);
  }
  void col(Acc* buf, const T* p, int64_t n, int64_t r) { colSteps(*this, buf, p, n, r); }
  void write(const Acc& a, int64_t count, int64_t off) const {
    if constexpr (isFloatT<T>) o[off] = store<Out>(mean ? a / (double)count : a);
    else o[off] = (Out)(int32_t)(uint32_t)(uint64_t)a;  // wraps like int32 arithmetic
  }
};

template <class T, class Out>
struct ProdOp {
  using C = typename ComputeT<T>::type;
  using Acc = typename std::conditional<isFloatT<T>, double, uint64_t>::type;
  Out* o;
  Acc init() const { return 1; }
  void step(Acc& a, C x, int64_t) const {
    if constexpr (isFloatT<T>) a *= (double)x;
    else a *= (uint64_t)(int64_t)x;
  }
  void combine(Acc& a, const Acc& b) const { a *= b; }
  void row(Acc& a, const T* p, int64_t n, int64_t i0) { rowSteps(*this, a, p, n, i0); }
  void col(Acc* buf, const T* p, int64_t n, int64_t r) { colSteps(*this, buf, p, n, r); }
  void write(const Acc& a, int64_t, int64_t off) const {
    if constexpr (isFloatT<T>) o[off] = store<Out>(a);
    else o[off] = (Out)(int32_t)(uint32_t)a;
  }
};

// max/min keeping NaN (once an accumulator is NaN it stays NaN).
template <bool IsMax, class C> inline bool takes(C x, C a) {
  if constexpr (IsMax) return x > a || x != x;
  else return x < a || x != x;
}

template <class T, bool IsMax>
struct ExtremeOp {
  using C = typename ComputeT<T>::type;
  using Acc = C;
  T* o;
  Acc init() const {
    if constexpr (std::is_same<C, bool>::value) return !IsMax;
    else if constexpr (std::numeric_limits<C>::has_infinity)
      return IsMax ? -std::numeric_limits<C>::infinity() : std::numeric_limits<C>::infinity();
    else return IsMax ? std::numeric_limits<C>::lowest() : std::numeric_limits<C>::max();
  }
  void step(Acc& a, C x, int64_t) const { a = takes<IsMax>(x, a) ? x : a; }
  void combine(Acc& a, const Acc& b) const { if (!(a != a)) a = takes<IsMax>(b, a) ? b : a; }
  void row(Acc& a, const T* p, int64_t n, int64_t i0) {
    constexpr int L = 16;
    if (n < 2 * L) return rowSteps(*this, a, p, n, i0);
    C l[L];
    for (int k = 0; k < L; k++) l[k] = a;
    int64_t i = 0;
    for (; i + L <= n; i += L)
      for (int k = 0; k < L; k++) { C x = load(p[i + k]); l[k] = takes<IsMax>(x, l[k]) ? x : l[k]; }
    for (int k = 0; k < L; k++) combine(a, l[k]);
    for (; i < n; i++) step(a, load(p[i]), 0);
  }
  void col(Acc* buf, const T* p, int64_t n, int64_t r) { colSteps(*this, buf, p, n, r); }
  void write(const Acc& a, int64_t, int64_t off) const { o[off] = store<T>(a); }
};

struct Welford { double n, mean, m2; };

template <class T>
struct VarOp {
  using C = typename ComputeT<T>::type;
  using Acc = Welford;
  T* o;
  double correction;
  bool sqrtOut;
  Acc init() const { return Welford{0, 0, 0}; }
  void step(Acc& a, C x, int64_t) const {
    const double v = (double)x;
    a.n += 1;
    const double d = v - a.mean;
    a.mean += d / a.n;
    a.m2 += d * (v - a.mean);
  }
  void combine(Acc& a, const Acc& b) const {  // Chan et al.
    if (b.n == 0) return;
    if (a.n == 0) { a = b; return; }
    const double n = a.n + b.n, d = b.mean - a.mean;
    a.m2 += b.m2 + d * d * a.n * b.n / n;
    a.mean += d * b.n / n;
    a.n = n;
  }
  void row(Acc& a, const T* p, int64_t run, int64_t) {
    // two passes (mean, then squared deviations) over cache-sized blocks, merged with Chan's rule
    constexpr int64_t B = 2048;
    for (int64_t b0 = 0; b0 < run; b0 += B) {
      const T* q = p + b0;
      const int64_t n = std::min(B, run - b0);
      double s = 0;
      for (int64_t i = 0; i < n; i++) s += (double)load(q[i]);
      Welford b{(double)n, s / (double)n, 0};
      double m2 = 0;
      for (int64_t i = 0; i < n; i++) { const double d = (double)load(q[i]) - b.mean; m2 += d * d; }
      b.m2 = m2;
      combine(a, b);
    }
  }
  void col(Acc* buf, const T* p, int64_t n, int64_t r) { colSteps(*this, buf, p, n, r); }
  void write(const Acc& a, int64_t, int64_t off) const {
    const double v = a.m2 / std::max(0.0, a.n - correction);
    o[off] = store<T>(sqrtOut ? std::sqrt(v) : v);
  }
};

// Online logsumexp: (running max m, sum of exp(x - m)); equal maxima (including ±inf) add counts.
struct Lse { double m, s; };

template <class T>
struct LogSumExpOp {
  using C = typename ComputeT<T>::type;
  using Acc = Lse;
  T* o;
  Acc init() const { return Lse{-std::numeric_limits<double>::infinity(), 0}; }
  void step(Acc& a, C xc, int64_t) const {
    const double x = (double)xc;
    if (x > a.m) { a.s = a.s * std::exp(a.m - x) + 1; a.m = x; }
    else if (x == a.m) a.s += 1;
    else a.s += std::exp(x - a.m);  // NaN x makes s NaN
  }
  void combine(Acc& a, const Acc& b) const {
    if (b.m == a.m) a.s += b.s;
    else if (b.m > a.m) { a.s = a.s * std::exp(a.m - b.m) + b.s; a.m = b.m; }
    else a.s += b.s * std::exp(b.m - a.m);
  }
  void row(Acc& a, const T* p, int64_t n, int64_t i0) { rowSteps(*this, a, p, n, i0); }
  void col(Acc* buf, const T* p, int64_t n, int64_t r) { colSteps(*this, buf, p, n, r); }
  void write(const Acc& a, int64_t, int64_t off) const { o[off] = store<T>(std::log(a.s) + a.m); }
};

template <class T, bool IsAll>
struct LogicalOp {
  using C = typename ComputeT<T>::type;
  using Acc = bool;
  bool* o;
  Acc init() const { return IsAll; }
  void step(Acc& a, C x, int64_t) const {
    if constexpr (IsAll) a = a && (x != (C)0);
    else a = a || (x != (C)0);
  }
  void combine(Acc& a, const Acc& b) const { if (IsAll) a = a && b; else a = a || b; }
  void row(Acc& a, const T* p, int64_t n, int64_t) {
    if (a != IsAll) return;  // already decided
    for (int64_t i = 0; i < n; i++)
      if ((load(p[i]) != (C)0) != IsAll) { a = !IsAll; return; }
  }
  void col(Acc* buf, const T* p, int64_t n, int64_t r) { colSteps(*this, buf, p, n, r); }
  void write(const Acc& a, int64_t, int64_t off) const { o[off] = a; }
};

template <class T, bool IsMax>
struct ArgOp {
  using C = typename ComputeT<T>::type;
  struct Acc { C v; int64_t i; };
  T* vals;
  int32_t* idx;
  Acc init() const { return Acc{C{}, -1}; }
  static bool better(C x, C a) { return !(a != a) && takes<IsMax>(x, a); }
  void step(Acc& a, C x, int64_t i) const { if (a.i < 0 || better(x, a.v)) { a.v = x; a.i = i; } }
  void combine(Acc& a, const Acc& b) const { if (b.i >= 0 && (a.i < 0 || better(b.v, a.v))) a = b; }
  void row(Acc& a, const T* p, int64_t n, int64_t i0) {
    if constexpr (std::is_same<T, bool>::value) return rowSteps(*this, a, p, n, i0);
    // per block: the extreme value with vector lanes; only a block that beats the running value is
    // searched for the first position of that value (NaN: the first NaN)
    constexpr int64_t B = 1024;
    ExtremeOp<T, IsMax> ext{nullptr};
    for (int64_t b0 = 0; b0 < n; b0 += B) {
      if (a.i >= 0 && a.v != a.v) return;  // nothing beats NaN
      const int64_t m = std::min(B, n - b0);
      C bv = ext.init();
      ext.row(bv, p + b0, m, 0);
      if (a.i >= 0 && !better(bv, a.v)) continue;
      for (int64_t j = 0; j < m; j++) {
        const C x = load(p[b0 + j]);
        if (bv != bv ? x != x : x == bv) { a.v = x; a.i = i0 + b0 + j; break; }
      }
    }
  }
  void col(Acc* buf, const T* p, int64_t n, int64_t r) { colSteps(*this, buf, p, n, r); }
  void write(const Acc& a, int64_t, int64_t off) const {
    vals[off] = store<T>(a.v);
    idx[off] = (int32_t)a.i;
  }
};

// ---- the loops ---------------------------------------------------------------------------------

// Folds reduced elements [begin, end) (flat, over P.red) of the input at `base` into a.
template <class T, class Op>
void reduceRange(Op& op, const T* base, const Plan& P, int64_t begin, int64_t end, typename Op::Acc& a) {
  const Dim& inner = P.red[P.nr - 1];
  const int64_t L = inner.size, s = inner.in;
  Walk w(P.red, P.nr - 1, begin / L);
  int64_t j = begin % L, flat = begin;
  while (flat < end) {
    const int64_t n = std::min(L - j, end - flat);
    const T* p = base + w.in + j * s;
    if (s == 1) op.row(a, p, n, flat);
    else for (int64_t i = 0; i < n; i++) op.step(a, load(p[i * s]), flat + i);
    flat += n;
    j = 0;
    w.next();
  }
}

template <class T, class Op>
void runPerOutput(Op& op, const T* in, const Plan& P) {
  using Acc = typename Op::Acc;
  const int64_t K = P.K, R = P.R, work = K * std::max<int64_t>(R, 1);
  const int nt = numThreads();
  if (work <= kElementwiseGrain || K >= 4 * (int64_t)nt || R < 4 * kElementwiseGrain) {
    parallelFor(K, std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(R, 1)), [&](int64_t kb, int64_t ke) {
      Walk w(P.kept, P.nk, kb);
      for (int64_t k = kb; k < ke; k++) {
        Acc a = op.init();
        reduceRange(op, in + w.in, P, 0, R, a);
        op.write(a, R, w.out);
        w.next();
      }
    });
    return;
  }
  // few outputs, long reductions: split each reduction over the threads
  std::unique_ptr<Acc[]> part(new Acc[nt]);  // not vector: vector<bool> has no elements to bind
  Walk w(P.kept, P.nk, 0);
  for (int64_t k = 0; k < K; k++) {
    parallelFor(nt, 1, [&](int64_t cb, int64_t ce) {
      for (int64_t c = cb; c < ce; c++) {
        part[c] = op.init();
        reduceRange(op, in + w.in, P, R * c / nt, R * (c + 1) / nt, part[c]);
      }
    });
    Acc a = part[0];
    for (int c = 1; c < nt; c++) op.combine(a, part[c]);
    op.write(a, R, w.out);
    w.next();
  }
}

// Innermost kept dim contiguous: fold whole input rows into blocks of column accumulators.
template <class T, class Op>
void runColumns(Op& op, const T* in, const Plan& P) {
  using Acc = typename Op::Acc;
  // column block: about 16 KB of accumulators, so each row read is long (few pages per row)
  constexpr int64_t CB = std::max<int64_t>(256, 16384 / (int64_t)sizeof(Acc));
  const Dim& kin = P.kept[P.nk - 1];
  const int64_t nch = (kin.size + CB - 1) / CB, tasks = (P.K / kin.size) * nch, R = P.R;
  const int nt = numThreads();
  // folds reduced rows [rb, re) of columns [j0, j0 + n) into buf
  auto fold = [&](Acc* buf, const T* base, int64_t j0, int64_t n, int64_t rb, int64_t re) {
    Walk wr(P.red, P.nr, rb);
    for (int64_t r = rb; r < re; r++) {
      op.col(buf, base + wr.in + j0, n, r);
      wr.next();
    }
  };
  if (tasks >= nt || tasks * CB * R <= 4 * kElementwiseGrain) {
    parallelFor(tasks, std::max<int64_t>(1, kElementwiseGrain / (CB * std::max<int64_t>(R, 1))), [&](int64_t tb, int64_t te) {
      Acc buf[CB];
      for (int64_t t = tb; t < te; t++) {
        const int64_t o = t / nch, j0 = (t % nch) * CB, n = std::min(CB, kin.size - j0);
        Walk wk(P.kept, P.nk - 1, o);
        for (int64_t j = 0; j < n; j++) buf[j] = op.init();
        fold(buf, in + wk.in, j0, n, 0, R);
        for (int64_t j = 0; j < n; j++) op.write(buf[j], R, wk.out + (j0 + j) * kin.out);
      }
    });
    return;
  }
  // few column blocks, many rows: each thread folds a share of the rows, then combine in order
  std::unique_ptr<Acc[]> part(new Acc[(size_t)nt * CB]);
  for (int64_t t = 0; t < tasks; t++) {
    const int64_t o = t / nch, j0 = (t % nch) * CB, n = std::min(CB, kin.size - j0);
    Walk wk(P.kept, P.nk - 1, o);
    parallelFor(nt, 1, [&](int64_t cb, int64_t ce) {
      for (int64_t c = cb; c < ce; c++) {
        Acc* buf = part.get() + c * CB;
        for (int64_t j = 0; j < n; j++) buf[j] = op.init();
        fold(buf, in + wk.in, j0, n, R * c / nt, R * (c + 1) / nt);
      }
    });
    for (int64_t j = 0; j < n; j++) {
      Acc a = part[j];
      for (int c = 1; c < nt; c++) op.combine(a, part[c * CB + j]);
      op.write(a, R, wk.out + (j0 + j) * kin.out);
    }
  }
}

template <class T, class Op>
void runReduce(Op op, const TensorArg& in, const Plan& P) {
  if (P.K == 0) return;
  const T* base = in.ptr<T>();
  if (P.R == 0) {  // empty reductions: the identity (sum 0, prod 1, mean NaN, ...)
    Walk w(P.kept, P.nk, 0);
    for (int64_t k = 0; k < P.K; k++) { op.write(op.init(), 0, w.out); w.next(); }
    return;
  }
  const Dim& rin = P.red[P.nr - 1];
  const Dim& kin = P.kept[P.nk - 1];
  if (rin.in != 1 && kin.in == 1 && kin.size > 1) runColumns<T>(op, base, P);
  else runPerOutput<T>(op, base, P);
}

void cpuReduce(const OpCall& c) {
  ReduceArgs r = reduceArgs(c);
  addPlaceholders(r.P);
  const TensorArg &out = c.t[0], &in = c.t[1];
  const int code = r.code;
  const Plan& P = r.P;
  dispatchDType(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    constexpr bool fl = isFloatT<T>;
    using SumOut = typename std::conditional<fl, T, int32_t>::type;
    switch (code) {
      case R_SUM: case R_MEAN:
        if (code == R_MEAN && !fl) break;
        expectDType(out, dtypeOf<SumOut>(), "sum", "output");
        return runReduce<T>(SumOp<T, SumOut>{out.ptr<SumOut>(), code == R_MEAN}, in, P);
      case R_PROD:
        expectDType(out, dtypeOf<SumOut>(), "prod", "output");
        return runReduce<T>(ProdOp<T, SumOut>{out.ptr<SumOut>()}, in, P);
      case R_AMAX: case R_AMIN:
        expectDType(out, in.dtype, "amax", "output");
        if (code == R_AMAX) return runReduce<T>(ExtremeOp<T, true>{out.ptr<T>()}, in, P);
        return runReduce<T>(ExtremeOp<T, false>{out.ptr<T>()}, in, P);
      case R_VAR: case R_STD:
        if constexpr (fl) {
          expectDType(out, in.dtype, "var", "output");
          return runReduce<T>(VarOp<T>{out.ptr<T>(), c.param(1), code == R_STD}, in, P);
        }
        break;
      case R_LOGSUMEXP:
        if constexpr (fl) {
          expectDType(out, in.dtype, "logsumexp", "output");
          return runReduce<T>(LogSumExpOp<T>{out.ptr<T>()}, in, P);
        }
        break;
      case R_ALL: case R_ANY:
        expectDType(out, DType::Bool, "all", "output");
        if (code == R_ALL) return runReduce<T>(LogicalOp<T, true>{out.ptr<bool>()}, in, P);
        return runReduce<T>(LogicalOp<T, false>{out.ptr<bool>()}, in, P);
    }
    fail(ErrorKind::DType, "reduce: op " + std::to_string(code) + " is not defined for " + dtypeName(in.dtype));
  });
}

void cpuArgReduce(const OpCall& c) {
  if (c.nt != 3) fail(ErrorKind::Value, "argreduce: expected (values, indices, in)");
  const TensorArg &vals = c.t[0], &idx = c.t[1], &in = c.t[2];
  const int code = (int)c.param(0);
  Plan P = argReducePlan(vals, idx, in);
  addPlaceholders(P);
  dispatchDType(in.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (code == A_MAX) runReduce<T>(ArgOp<T, true>{vals.ptr<T>(), idx.ptr<int32_t>()}, in, P);
    else runReduce<T>(ArgOp<T, false>{vals.ptr<T>(), idx.ptr<int32_t>()}, in, P);
  });
}

}  // namespace

FLINT_REGISTER_OP("reduce", DeviceType::CPU, cpuReduce);
FLINT_REGISTER_OP("argreduce", DeviceType::CPU, cpuArgReduce);

}  // namespace flint
