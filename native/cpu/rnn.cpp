// rnn.cpp — CPU kernels of the fused recurrent cells ('lstmCell', 'lstmCellBackward', 'gruCell',
// 'gruCellBackward'): one pass over the [B, H] hidden units of one time step, the per-unit math of
// native/core/rnn.h (shared with the GPU kernels). Operands and layout: rnn.h. Rows are independent; a step's [32, 128] cell is a few
// few tens of microseconds of transcendental math, so rows are split across the pool from ~2k units.
#include <cmath>
#include <type_traits>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/rnn.h"
#include "../core/tensor.h"

namespace flint {
namespace {

// The activations: rnn.h's, whose m_exp / m_tanh are core/vmath.h's branch-free versions for float
// (libm for double), so the per-row loops below vectorise on the CPU's widest vectors.
using CpuMath = rnn::LibmMath;

// j = 0 .. H-1 of one row: float on the widest vectors, other dtypes a plain loop. Units are
// independent (the outputs are fresh tensors, unit j touches column j of each operand).
template <class T, class F> inline void forEachUnit(int64_t H, F body) {
  if constexpr (std::is_same<T, float>::value) vm::forEachVec<true>(H, body);
  else for (int64_t j = 0; j < H; j++) body(j);
}

int64_t rowGrain(int64_t H) { return std::max<int64_t>(1, 2048 / std::max<int64_t>(H, 1)); }

template <class T>
void cellT(const OpCall& c, int64_t B, int64_t H) {
  using C = typename ComputeT<T>::type;
  T* __restrict h1 = c.t[0].ptr<T>();
  T* __restrict c1 = c.t[1].ptr<T>();
  T* __restrict act = c.t[2].ptr<T>();
  const T* xg = c.t[3].ptr<T>();
  const T* hg = c.t[4].ptr<T>();
  const T* c0 = c.t[5].ptr<T>();
  parallelFor(B, rowGrain(H), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const T* x = xg + b * 4 * H;
      const T* r = hg + b * 4 * H;
      T* a = act + b * 4 * H;
      forEachUnit<T>(H, [=](int64_t j) FLINT_VM_INLINE_LAMBDA {
        C i, f, g, o, cc, hh;
        rnn::cellForward<C, CpuMath>(load(x[j]) + load(r[j]), load(x[H + j]) + load(r[H + j]), load(x[2 * H + j]) + load(r[2 * H + j]),
                            load(x[3 * H + j]) + load(r[3 * H + j]), load(c0[b * H + j]), i, f, g, o, cc, hh);
        a[j] = store<T>(i);
        a[H + j] = store<T>(f);
        a[2 * H + j] = store<T>(g);
        a[3 * H + j] = store<T>(o);
        c1[b * H + j] = store<T>(cc);
        h1[b * H + j] = store<T>(hh);
      });
    }
  });
}

template <class T>
void cellBackT(const OpCall& c, int64_t B, int64_t H) {
  using C = typename ComputeT<T>::type;
  T* __restrict dg = c.t[0].ptr<T>();
  T* __restrict dc0 = c.t[1].ptr<T>();
  const T* act = c.t[2].ptr<T>();
  const T* c0 = c.t[3].ptr<T>();
  const T* c1 = c.t[4].ptr<T>();
  const T* gh = c.t[5].ptr<T>();
  const T* gc = c.t[6].ptr<T>();
  parallelFor(B, rowGrain(H), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const T* a = act + b * 4 * H;
      T* d = dg + b * 4 * H;
      forEachUnit<T>(H, [=](int64_t j) FLINT_VM_INLINE_LAMBDA {
        const int64_t u = b * H + j;
        C di, df, dgg, dout, dc;
        rnn::cellBackward<C, CpuMath>(load(a[j]), load(a[H + j]), load(a[2 * H + j]), load(a[3 * H + j]), load(c0[u]), load(c1[u]),
                             load(gh[u]), load(gc[u]), di, df, dgg, dout, dc);
        d[j] = store<T>(di);
        d[H + j] = store<T>(df);
        d[2 * H + j] = store<T>(dgg);
        d[3 * H + j] = store<T>(dout);
        dc0[u] = store<T>(dc);
      });
    }
  });
}

template <class T>
void gruT(const OpCall& c, int64_t B, int64_t H) {
  using C = typename ComputeT<T>::type;
  T* __restrict h1 = c.t[0].ptr<T>();
  T* __restrict act = c.t[1].ptr<T>();
  const T* xg = c.t[2].ptr<T>();
  const T* hg = c.t[3].ptr<T>();
  const T* h0 = c.t[4].ptr<T>();
  parallelFor(B, rowGrain(H), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const T* x = xg + b * 3 * H;
      const T* r = hg + b * 3 * H;
      T* a = act + b * 4 * H;
      forEachUnit<T>(H, [=](int64_t j) FLINT_VM_INLINE_LAMBDA {
        const C hn = load(r[2 * H + j]);
        C rr, z, n, hh;
        rnn::gruForward<C, CpuMath>(load(x[j]), load(x[H + j]), load(x[2 * H + j]), load(r[j]), load(r[H + j]), hn,
                                    load(h0[b * H + j]), rr, z, n, hh);
        a[j] = store<T>(rr);
        a[H + j] = store<T>(z);
        a[2 * H + j] = store<T>(n);
        a[3 * H + j] = store<T>(hn);
        h1[b * H + j] = store<T>(hh);
      });
    }
  });
}

template <class T>
void gruBackT(const OpCall& c, int64_t B, int64_t H) {
  using C = typename ComputeT<T>::type;
  T* __restrict dxg = c.t[0].ptr<T>();
  T* __restrict dhg = c.t[1].ptr<T>();
  T* __restrict dh0 = c.t[2].ptr<T>();
  const T* act = c.t[3].ptr<T>();
  const T* h0 = c.t[4].ptr<T>();
  const T* gh = c.t[5].ptr<T>();
  parallelFor(B, rowGrain(H), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const T* a = act + b * 4 * H;
      T* dx = dxg + b * 3 * H;
      T* dh = dhg + b * 3 * H;
      forEachUnit<T>(H, [=](int64_t j) FLINT_VM_INLINE_LAMBDA {
        const int64_t u = b * H + j;
        C dr, dz, dn, dhn, d0;
        rnn::gruBackward<C>(load(a[j]), load(a[H + j]), load(a[2 * H + j]), load(a[3 * H + j]), load(h0[u]), load(gh[u]),
                            dr, dz, dn, dhn, d0);
        dx[j] = store<T>(dr);
        dx[H + j] = store<T>(dz);
        dx[2 * H + j] = store<T>(dn);
        dh[j] = store<T>(dr);
        dh[H + j] = store<T>(dz);
        dh[2 * H + j] = store<T>(dhn);
        dh0[u] = store<T>(d0);
      });
    }
  });
}

void lstmCell(const OpCall& c) {
  const int64_t H = checks::checkLstmCell(c);
  const int64_t B = c.t[5].shape[0];
  bool ok = false;
  dispatchFloat(c.t[5].dtype, [&](auto tag) { ok = true; if (B * H > 0) cellT<decltype(tag)>(c, B, H); });
  if (!ok) checks::failCellDType("lstmCell");
}

void lstmCellBackward(const OpCall& c) {
  const int64_t H = checks::checkLstmCellBackward(c);
  const int64_t B = c.t[6].shape[0];
  bool ok = false;
  dispatchFloat(c.t[6].dtype, [&](auto tag) { ok = true; if (B * H > 0) cellBackT<decltype(tag)>(c, B, H); });
  if (!ok) checks::failCellDType("lstmCellBackward");
}

void gruCell(const OpCall& c) {
  const int64_t H = checks::checkGruCell(c);
  const int64_t B = c.t[4].shape[0];
  bool ok = false;
  dispatchFloat(c.t[4].dtype, [&](auto tag) { ok = true; if (B * H > 0) gruT<decltype(tag)>(c, B, H); });
  if (!ok) checks::failCellDType("gruCell");
}

void gruCellBackward(const OpCall& c) {
  const int64_t H = checks::checkGruCellBackward(c);
  const int64_t B = c.t[5].shape[0];
  bool ok = false;
  dispatchFloat(c.t[5].dtype, [&](auto tag) { ok = true; if (B * H > 0) gruBackT<decltype(tag)>(c, B, H); });
  if (!ok) checks::failCellDType("gruCellBackward");
}

}  // namespace

FLINT_REGISTER_OP("lstmCell", DeviceType::CPU, lstmCell);
FLINT_REGISTER_OP("lstmCellBackward", DeviceType::CPU, lstmCellBackward);
FLINT_REGISTER_OP("gruCell", DeviceType::CPU, gruCell);
FLINT_REGISTER_OP("gruCellBackward", DeviceType::CPU, gruCellBackward);

}  // namespace flint
