// rnn.cpp — CPU kernels of the fused LSTM cell ('lstmCell', 'lstmCellBackward'): one pass over the
// [B, H] hidden units of one time step, the per-unit math of native/core/rnn.h (shared with the
// GPU kernel). Operands and layout: rnn.h. Rows are independent; a step's [32, 128] cell is a few
// few tens of microseconds of transcendental math, so rows are split across the pool from ~2k units.
#include <cmath>
#include "../core/error.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/rnn.h"
#include "../core/tensor.h"

namespace flint {
namespace {

// float: tanh from expf, 1 - 2 / (e^2|x| + 1), about 3x cheaper than glibc's tanhf (two of them
// per unit forward, one backward: the cell's main cost); below |x| = 1/4, where that form loses
// relative precision, tanh's series to x^9 (truncation < 1e-8 relative). Within 3.3e-7 relative
// of tanh over every float (checked exhaustively against double when written; the cell's outputs
// are tested against float64 in test/seq.test.ts). double: libm. sigmoid: libm's expf either way.
struct CpuMath {
  static float tanh(float x) {
    const float a = std::fabs(x);
    if (a < 0.25f) {
      const float u = x * x;
      return x + x * u * (-1.0f / 3.0f + u * (2.0f / 15.0f + u * (-17.0f / 315.0f + u * (62.0f / 2835.0f))));
    }
    const float t = 1.0f - 2.0f / (std::exp(2.0f * a) + 1.0f);
    return std::copysign(t, x);
  }
  static double tanh(double x) { return rnn::LibmMath::tanh(x); }
  template <class C> static C sigmoid(C x) { return rnn::LibmMath::sigmoid(x); }
};


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
      for (int64_t j = 0; j < H; j++) {
        C i, f, g, o, cc, hh;
        rnn::cellForward<C, CpuMath>(load(x[j]) + load(r[j]), load(x[H + j]) + load(r[H + j]), load(x[2 * H + j]) + load(r[2 * H + j]),
                            load(x[3 * H + j]) + load(r[3 * H + j]), load(c0[b * H + j]), i, f, g, o, cc, hh);
        a[j] = store<T>(i);
        a[H + j] = store<T>(f);
        a[2 * H + j] = store<T>(g);
        a[3 * H + j] = store<T>(o);
        c1[b * H + j] = store<T>(cc);
        h1[b * H + j] = store<T>(hh);
      }
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
      for (int64_t j = 0; j < H; j++) {
        const int64_t u = b * H + j;
        C di, df, dgg, dout, dc;
        rnn::cellBackward<C, CpuMath>(load(a[j]), load(a[H + j]), load(a[2 * H + j]), load(a[3 * H + j]), load(c0[u]), load(c1[u]),
                             load(gh[u]), load(gc[u]), di, df, dgg, dout, dc);
        d[j] = store<T>(di);
        d[H + j] = store<T>(df);
        d[2 * H + j] = store<T>(dgg);
        d[3 * H + j] = store<T>(dout);
        dc0[u] = store<T>(dc);
      }
    }
  });
}

void lstmCell(const OpCall& c) {
  const int64_t H = checks::checkLstmCell(c);
  const int64_t B = c.t[5].shape[0];
  bool ok = false;
  dispatchFloat(c.t[5].dtype, [&](auto tag) { ok = true; if (B * H > 0) cellT<decltype(tag)>(c, B, H); });
  if (!ok) checks::failLstmDType("lstmCell");
}

void lstmCellBackward(const OpCall& c) {
  const int64_t H = checks::checkLstmCellBackward(c);
  const int64_t B = c.t[6].shape[0];
  bool ok = false;
  dispatchFloat(c.t[6].dtype, [&](auto tag) { ok = true; if (B * H > 0) cellBackT<decltype(tag)>(c, B, H); });
  if (!ok) checks::failLstmDType("lstmCellBackward");
}

}  // namespace

FLINT_REGISTER_OP("lstmCell", DeviceType::CPU, lstmCell);
FLINT_REGISTER_OP("lstmCellBackward", DeviceType::CPU, lstmCellBackward);

}  // namespace flint
