// rnn.cu — the fused LSTM and GRU cells, the twins of native/cpu/rnn.cpp (host side:
// native/gpu/ops_rnn.cpp). One thread per hidden unit (b, j) of a [B, H] step; the per-unit math is
// native/core/rnn.h's.
//
//   flint_lstm_cell_<dt>(h1, c1, act, xg, hg, c0, n, H)                  f32 f64 f16 bf16
//     n = B*H; xg, hg, act are [B, 4H] (gate order i, f, g, o), the rest [B, H]; all contiguous.
//   flint_lstm_cell_backward_<dt>(dg, dc0, act, c0, c1, gh, gc, n, H)    f32 f64 f16 bf16
//     dg [B, 4H] (the gradient of both pre-activation inputs), dc0 [B, H].
//   flint_gru_cell_<dt>(h1, act, xg, hg, h0, n, H)                       f32 f64 f16 bf16
//     xg, hg [B, 3H] (gate order r, z, n), act [B, 4H] (r, z, n, hn), h1 and h0 [B, H].
//   flint_gru_cell_backward_<dt>(dxg, dhg, dh0, act, h0, gh, n, H)       f32 f64 f16 bf16
//     dxg, dhg [B, 3H], dh0 [B, H] (the direct path z * gh).
//
// Launch: blockDim.x = FLINT_BLOCK, 1-D grid of gridFor(n) blocks (grid-stride loop).
#include "compat.cuh"
#include "../core/rnn.h"

namespace flint {
namespace kern {

namespace {

template <class T>
FLINT_DEV void lstmCell(void* h1p, void* c1p, void* actp, const void* xgp, const void* hgp, const void* c0p, index_t n, index_t H) {
  typedef typename ComputeT<T>::type C;
  T* h1 = static_cast<T*>(h1p);
  T* c1 = static_cast<T*>(c1p);
  T* act = static_cast<T*>(actp);
  const T* xg = static_cast<const T*>(xgp);
  const T* hg = static_cast<const T*>(hgp);
  const T* c0 = static_cast<const T*>(c0p);
  for (index_t u = (index_t)blockIdx.x * blockDim.x + threadIdx.x; u < n; u += (index_t)gridDim.x * blockDim.x) {
    const index_t b = u / H, j = u % H, r = b * 4 * H + j;
    C i, f, g, o, cc, hh;
    rnn::cellForward<C>(load(xg[r]) + load(hg[r]), load(xg[r + H]) + load(hg[r + H]), load(xg[r + 2 * H]) + load(hg[r + 2 * H]),
                        load(xg[r + 3 * H]) + load(hg[r + 3 * H]), load(c0[u]), i, f, g, o, cc, hh);
    act[r] = store<T>(i);
    act[r + H] = store<T>(f);
    act[r + 2 * H] = store<T>(g);
    act[r + 3 * H] = store<T>(o);
    c1[u] = store<T>(cc);
    h1[u] = store<T>(hh);
  }
}

template <class T>
FLINT_DEV void lstmCellBackward(void* dgp, void* dc0p, const void* actp, const void* c0p, const void* c1p, const void* ghp,
                                const void* gcp, index_t n, index_t H) {
  typedef typename ComputeT<T>::type C;
  T* dg = static_cast<T*>(dgp);
  T* dc0 = static_cast<T*>(dc0p);
  const T* act = static_cast<const T*>(actp);
  const T* c0 = static_cast<const T*>(c0p);
  const T* c1 = static_cast<const T*>(c1p);
  const T* gh = static_cast<const T*>(ghp);
  const T* gc = static_cast<const T*>(gcp);
  for (index_t u = (index_t)blockIdx.x * blockDim.x + threadIdx.x; u < n; u += (index_t)gridDim.x * blockDim.x) {
    const index_t b = u / H, j = u % H, r = b * 4 * H + j;
    C di, df, dgg, dout, dc;
    rnn::cellBackward<C>(load(act[r]), load(act[r + H]), load(act[r + 2 * H]), load(act[r + 3 * H]), load(c0[u]), load(c1[u]),
                         load(gh[u]), load(gc[u]), di, df, dgg, dout, dc);
    dg[r] = store<T>(di);
    dg[r + H] = store<T>(df);
    dg[r + 2 * H] = store<T>(dgg);
    dg[r + 3 * H] = store<T>(dout);
    dc0[u] = store<T>(dc);
  }
}

template <class T>
FLINT_DEV void gruCell(void* h1p, void* actp, const void* xgp, const void* hgp, const void* h0p, index_t n, index_t H) {
  typedef typename ComputeT<T>::type C;
  T* h1 = static_cast<T*>(h1p);
  T* act = static_cast<T*>(actp);
  const T* xg = static_cast<const T*>(xgp);
  const T* hg = static_cast<const T*>(hgp);
  const T* h0 = static_cast<const T*>(h0p);
  for (index_t u = (index_t)blockIdx.x * blockDim.x + threadIdx.x; u < n; u += (index_t)gridDim.x * blockDim.x) {
    const index_t b = u / H, j = u % H, g = b * 3 * H + j, a = b * 4 * H + j;
    const C hn = load(hg[g + 2 * H]);
    C r, z, nn, hh;
    rnn::gruForward<C>(load(xg[g]), load(xg[g + H]), load(xg[g + 2 * H]), load(hg[g]), load(hg[g + H]), hn, load(h0[u]), r, z, nn, hh);
    act[a] = store<T>(r);
    act[a + H] = store<T>(z);
    act[a + 2 * H] = store<T>(nn);
    act[a + 3 * H] = store<T>(hn);
    h1[u] = store<T>(hh);
  }
}

template <class T>
FLINT_DEV void gruCellBackward(void* dxgp, void* dhgp, void* dh0p, const void* actp, const void* h0p, const void* ghp, index_t n,
                               index_t H) {
  typedef typename ComputeT<T>::type C;
  T* dxg = static_cast<T*>(dxgp);
  T* dhg = static_cast<T*>(dhgp);
  T* dh0 = static_cast<T*>(dh0p);
  const T* act = static_cast<const T*>(actp);
  const T* h0 = static_cast<const T*>(h0p);
  const T* gh = static_cast<const T*>(ghp);
  for (index_t u = (index_t)blockIdx.x * blockDim.x + threadIdx.x; u < n; u += (index_t)gridDim.x * blockDim.x) {
    const index_t b = u / H, j = u % H, g = b * 3 * H + j, a = b * 4 * H + j;
    C dr, dz, dn, dhn, d0;
    rnn::gruBackward<C>(load(act[a]), load(act[a + H]), load(act[a + 2 * H]), load(act[a + 3 * H]), load(h0[u]), load(gh[u]),
                        dr, dz, dn, dhn, d0);
    dxg[g] = store<T>(dr);
    dxg[g + H] = store<T>(dz);
    dxg[g + 2 * H] = store<T>(dn);
    dhg[g] = store<T>(dr);
    dhg[g + H] = store<T>(dz);
    dhg[g + 2 * H] = store<T>(dhn);
    dh0[u] = store<T>(d0);
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

#define FLINT_LSTM_KERNELS(S, T)                                                                                         \
  FLINT_KERNEL void flint_lstm_cell_##S(void* h1, void* c1, void* act, const void* xg, const void* hg, const void* c0,  \
                                        index_t n, index_t H) {                                                         \
    flint::kern::lstmCell<T>(h1, c1, act, xg, hg, c0, n, H);                                                            \
  }                                                                                                                      \
  FLINT_KERNEL void flint_lstm_cell_backward_##S(void* dg, void* dc0, const void* act, const void* c0, const void* c1,  \
                                                 const void* gh, const void* gc, index_t n, index_t H) {                \
    flint::kern::lstmCellBackward<T>(dg, dc0, act, c0, c1, gh, gc, n, H);                                               \
  }
FLINT_FLOAT_DTYPES(FLINT_LSTM_KERNELS)
#undef FLINT_LSTM_KERNELS

#define FLINT_GRU_KERNELS(S, T)                                                                                          \
  FLINT_KERNEL void flint_gru_cell_##S(void* h1, void* act, const void* xg, const void* hg, const void* h0, index_t n,   \
                                       index_t H) {                                                                     \
    flint::kern::gruCell<T>(h1, act, xg, hg, h0, n, H);                                                                 \
  }                                                                                                                      \
  FLINT_KERNEL void flint_gru_cell_backward_##S(void* dxg, void* dhg, void* dh0, const void* act, const void* h0,        \
                                                const void* gh, index_t n, index_t H) {                                 \
    flint::kern::gruCellBackward<T>(dxg, dhg, dh0, act, h0, gh, n, H);                                                  \
  }
FLINT_FLOAT_DTYPES(FLINT_GRU_KERNELS)
#undef FLINT_GRU_KERNELS
