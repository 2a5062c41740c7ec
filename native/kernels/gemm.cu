// gemm.cu — our own tiled GEMM, the GPU twin of native/cpu/matmul.cpp when no GEMM library
// (cuBLASLt / rocBLAS, native/gpu/blas_api.cpp) is found or the library lacks the dtype:
//   C[b] = A[b] @ B[b],  b in [0, batch),  A[b] is M x K, B[b] is K x N, C[b] is M x N.
//
// Every matrix is addressed through (row stride, column stride, batch stride) in ELEMENTS, so
// transposed or otherwise strided views need no copy; a batch stride of 0 broadcasts one matrix
// to every batch entry. Pointers are already offset to each operand's first element.
//
// Tiling: a block of FLINT_BLOCK (256) threads computes a kTileM x kTileN (64 x 64) tile of C,
// walking K in steps of kTileK (16): each step stages a 64 x 16 tile of A and a 16 x 64 tile of B in
// shared memory (each thread loads 4 + 4 elements, mapped so that neighbouring threads read
// neighbouring addresses for either layout of A and B), then every thread accumulates a 4 x 4
// micro-tile of C in registers (rows ty + 16 i, columns tx + 16 j: conflict-free shared reads).
// Edges are bounds-checked (zero-filled loads, guarded stores), so any M, N, K >= 0 works.
//
// Accumulation: float for float32 / float16 / bfloat16 (16-bit inputs are converted on load and
// the result is rounded once on store, as the CPU backend does), double for float64, and uint32
// for int32 / uint8 (wrap-around modulo 2^32, truncated to the storage type on store — the CPU's
// and PyTorch's integer semantics).
//
// Launch contract (native/gpu/ops_matmul.cpp): blockDim = (FLINT_BLOCK, 1, 1),
// grid = (ceil(N / 64), min(ceil(M / 64), 65535), min(batch, 65535)); the y (row tiles) and z
// (batch) loops are grid-stride, so a clamped grid is still correct.
//
// Only compat.cuh and plain CUDA C++ are used (no CUDA headers), so hipcc compiles this file too.
#include "compat.cuh"
#include "../core/matmul.h"

namespace flint {
namespace kern {

using ::flint::GemmArgs;

namespace {

constexpr int kTileM = kGemmTile, kTileN = kGemmTile, kTileK = 16;
constexpr int kThreadsX = 16, kThreadsY = 16;  // 16 x 16 = FLINT_BLOCK threads
constexpr int kMicro = 4;                      // 4 x 4 outputs per thread
constexpr int kLoads = kTileM * kTileK / FLINT_BLOCK;  // 4 elements of A (and of B) per thread per step
static_assert(kThreadsX * kThreadsY == FLINT_BLOCK, "one thread per micro-tile");
static_assert(kTileM == kThreadsY * kMicro && kTileN == kThreadsX * kMicro, "tile = threads x micro-tile");

template <class T> struct Acc { typedef typename ComputeT<T>::type type; };
template <> struct Acc<int32_t> { typedef uint32_t type; };
template <> struct Acc<uint8_t> { typedef uint32_t type; };

template <class T, class A> FLINT_DEV A loadAs(const T* p) {
  if constexpr (IsFloat<T>::value) return (A)load(*p);
  else return (A)(uint32_t)(*p);  // int32 -> uint32 keeps the bits (wrap-around arithmetic)
}

template <class T, class A> FLINT_DEV T storeFrom(A v) {
  if constexpr (IsSame<T, int32_t>::value) return (int32_t)v;  // two's complement truncation
  else if constexpr (IsSame<T, uint8_t>::value) return (uint8_t)(v & 0xffu);
  else return store<T>(v);
}

template <class T>
FLINT_DEV void gemmTiled(const GemmArgs& g, const T* __restrict__ A, const T* __restrict__ B, T* __restrict__ C) {
  typedef typename Acc<T>::type Ac;
  // +1 column: the A tile is written with m fastest for column-major A and k fastest for row-major
  // A; the padding keeps both write patterns free of bank conflicts.
  __shared__ Ac As[kTileK][kTileM + 1];
  __shared__ Ac Bs[kTileK][kTileN + 1];

  const int tid = threadIdx.x;
  const int tx = tid % kThreadsX, ty = tid / kThreadsX;
  const index_t n0 = (index_t)blockIdx.x * kTileN;
  // Which index is fastest between neighbouring threads while loading: the one with unit stride.
  const bool aKFast = g.aCol == 1 && g.aRow != 1;  // row-major A: k contiguous
  const bool bKFast = g.bRow == 1 && g.bCol != 1;  // column-major (transposed) B: k contiguous

  for (index_t b = blockIdx.z; b < g.batch; b += gridDim.z) {
    const T* Ab = A + b * g.aBatch;
    const T* Bb = B + b * g.bBatch;
    T* Cb = C + b * g.cBatch;
    for (index_t m0 = (index_t)blockIdx.y * kTileM; m0 < g.M; m0 += (index_t)gridDim.y * kTileM) {
      Ac acc[kMicro][kMicro];
#pragma unroll
      for (int i = 0; i < kMicro; i++)
#pragma unroll
        for (int j = 0; j < kMicro; j++) acc[i][j] = (Ac)0;

      for (index_t k0 = 0; k0 < g.K; k0 += kTileK) {
#pragma unroll
        for (int l = 0; l < kLoads; l++) {
          const int e = tid + l * FLINT_BLOCK;  // 0 .. kTileM * kTileK
          // A tile: kTileM rows (m) x kTileK cols (k)
          int mm, kk;
          if (aKFast) { kk = e % kTileK; mm = e / kTileK; }
          else { mm = e % kTileM; kk = e / kTileM; }
          const index_t am = m0 + mm, ak = k0 + kk;
          As[kk][mm] = (am < g.M && ak < g.K) ? loadAs<T, Ac>(Ab + am * g.aRow + ak * g.aCol) : (Ac)0;
          // B tile: kTileK rows (k) x kTileN cols (n)
          int bk, bn;
          if (bKFast) { bk = e % kTileK; bn = e / kTileK; }
          else { bn = e % kTileN; bk = e / kTileN; }
          const index_t gk = k0 + bk, gn = n0 + bn;
          Bs[bk][bn] = (gk < g.K && gn < g.N) ? loadAs<T, Ac>(Bb + gk * g.bRow + gn * g.bCol) : (Ac)0;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < kTileK; k++) {
          Ac a[kMicro], bv[kMicro];
#pragma unroll
          for (int i = 0; i < kMicro; i++) a[i] = As[k][ty + i * kThreadsY];
#pragma unroll
          for (int j = 0; j < kMicro; j++) bv[j] = Bs[k][tx + j * kThreadsX];
#pragma unroll
          for (int i = 0; i < kMicro; i++)
#pragma unroll
            for (int j = 0; j < kMicro; j++) acc[i][j] += a[i] * bv[j];
        }
        __syncthreads();  // the tiles are overwritten by the next step
      }

#pragma unroll
      for (int i = 0; i < kMicro; i++) {
        const index_t m = m0 + ty + i * kThreadsY;
        if (m >= g.M) continue;
#pragma unroll
        for (int j = 0; j < kMicro; j++) {
          const index_t n = n0 + tx + j * kThreadsX;
          if (n < g.N) Cb[m * g.cRow + n * g.cCol] = storeFrom<T, Ac>(acc[i][j]);
        }
      }
    }
  }
}

}  // namespace
}  // namespace kern
}  // namespace flint

using flint::GemmArgs;

// flint_gemm_<dtype>: float32, float64, float16, bfloat16, int32, uint8 (bool is rejected by the host,
// as on the CPU).
#define FLINT_GEMM_ENTRY(S, T)                                                                  \
  FLINT_KERNEL void __launch_bounds__(FLINT_BLOCK)                                              \
      flint_gemm_##S(GemmArgs g, const void* a, const void* b, void* c) {                       \
    flint::kern::gemmTiled<T>(g, static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(c)); \
  }
FLINT_FLOAT_DTYPES(FLINT_GEMM_ENTRY)
FLINT_GEMM_ENTRY(i32, int32_t)
FLINT_GEMM_ENTRY(u8, uint8_t)
#undef FLINT_GEMM_ENTRY
