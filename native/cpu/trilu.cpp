// trilu.cpp — CPU kernel of triu/tril: copies the upper (j - i >= diagonal) or lower
// (j - i <= diagonal) triangle of the last two dims and writes zeros elsewhere, for a batch of
// matrices. t[0] out, t[1] x (same shape, any strides); p[0] diagonal, p[1] 1 = triu, 0 = tril.
// Rows (batch x M of them) are split over the thread pool; each row is a zero run and a copy run
// (native/core/trilu.h says where the diagonal splits a row; its checks are shared with the GPU).
#include <algorithm>
#include <cstring>
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/trilu.h"

namespace flint {
namespace {

template <class B>
void triluRows(const TensorArg& out, const TensorArg& x, int64_t diag, bool upper) {
  const int nd = out.ndim;
  const int64_t M = out.shape[nd - 2], N = out.shape[nd - 1];
  const int64_t rows = out.numel() / N;
  const int64_t os = out.strides[nd - 1], xs = x.strides[nd - 1];
  B* obase = out.ptr<B>();
  const B* xbase = x.ptr<B>();
  parallelFor(rows, std::max<int64_t>(1, kElementwiseGrain / N), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      // offsets of row r: unravel over the dims before the last
      int64_t rem = r, oo = 0, xo = 0;
      for (int d = nd - 2; d >= 0; d--) {
        int64_t i = rem % out.shape[d];
        rem /= out.shape[d];
        oo += i * out.strides[d];
        xo += i * x.strides[d];
      }
      const int64_t i = r % M;
      // columns [0, split) are one side of the diagonal, [split, N) the other
      const int64_t split = triluSplit(i, diag, upper, N);
      const int64_t zb = upper ? 0 : split, ze = upper ? split : N;
      const int64_t cb = upper ? split : 0, ce = upper ? N : split;
      B* o = obase + oo;
      const B* xr = xbase + xo;
      for (int64_t j = zb; j < ze; j++) o[j * os] = B(0);
      if (os == 1 && xs == 1) { if (ce > cb) std::memcpy(o + cb, xr + cb, (ce - cb) * sizeof(B)); }
      else for (int64_t j = cb; j < ce; j++) o[j * os] = xr[j * xs];
    }
  });
}

void cpuTrilu(const OpCall& c) {
  if (!checkTrilu(c)) return;
  const TensorArg &out = c.t[0], &x = c.t[1];
  const int64_t diag = (int64_t)c.param(0);
  const bool upper = c.param(1) != 0;
  switch (itemsize(out.dtype)) {
    case 1: triluRows<uint8_t>(out, x, diag, upper); break;
    case 2: triluRows<uint16_t>(out, x, diag, upper); break;
    case 4: triluRows<uint32_t>(out, x, diag, upper); break;
    default: triluRows<uint64_t>(out, x, diag, upper); break;
  }
}

FLINT_REGISTER_OP("trilu", DeviceType::CPU, cpuTrilu);

}  // namespace
}  // namespace flint
