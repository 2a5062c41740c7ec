// matmul.cpp — the CPU "matmul" kernel: out[b] = A[b] @ B[b] for rank-3 operands.
//   t[0] out [Bt, M, N] (any strides, normally contiguous), t[1] A [Bt, M, K], t[2] B [Bt, K, N].
// JS has already broadcast the batch dims (a batch stride of 0 means one matrix for all entries).
//
// float32/float64 go straight to the GEMM front (gemm.h) whenever each matrix is row- or
// column-major in memory (the transpose is free: BLAS reads it with trans); other views are
// first copied into a contiguous temporary. float16/bfloat16 compute in float32 (convert in,
// GEMM, round once on the way out), as PyTorch's CPU matmul does. int32/uint8 use a plain loop with
// wrap-around arithmetic modulo 2^32 / 2^8 (PyTorch's semantics). bool is a DTypeError.
#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>
#include "../core/error.h"
#include "../core/matmul.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "gemm.h"

namespace flint {
namespace {

// One operand as GEMM sees it: a pointer, its layout, its batch stride and (when copied) the
// storage that holds the copy.
template <class C>
struct Operand {
  const C* data = nullptr;
  bool trans = false;
  int64_t ld = 0, batchStride = 0;
  std::vector<C> copy;
};

// Copies/converts t (shape [Bt, rows, cols], any strides, storage type S) into a contiguous C
// buffer; a broadcast batch (stride 0) is copied once.
template <class C, class S>
void gather(const TensorArg& t, std::vector<C>& dst, int64_t& batchStride) {
  const int64_t bt = t.shape[0], rows = t.shape[1], cols = t.shape[2];
  const int64_t nb = (bt > 1 && t.strides[0] == 0) ? 1 : bt;
  batchStride = nb == 1 ? 0 : rows * cols;
  dst.resize((size_t)(nb * rows * cols));
  const S* src = t.ptr<S>();
  C* out = dst.data();
  const int64_t s0 = t.strides[0], s1 = t.strides[1], s2 = t.strides[2];
  parallelFor(nb * rows, std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(cols, 1)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const S* s = src + (r / rows) * s0 + (r % rows) * s1;
      C* d = out + r * cols;
      if (s2 == 1) for (int64_t j = 0; j < cols; j++) d[j] = (C)load(s[j]);
      else for (int64_t j = 0; j < cols; j++) d[j] = (C)load(s[j * s2]);
    }
  });
}

template <class C, class S>
void prepare(const TensorArg& t, Operand<C>& op) {
  MatView v = viewOf(t.shape[1], t.shape[2], t.strides[1], t.strides[2]);
  if (std::is_same<C, S>::value && v.direct) {
    op.data = reinterpret_cast<const C*>(t.data);
    op.trans = !v.rowMajor; op.ld = v.ld;
    op.batchStride = t.shape[0] > 1 ? t.strides[0] : 0;
    return;
  }
  gather<C, S>(t, op.copy, op.batchStride);
  op.data = op.copy.data();
  op.trans = false; op.ld = std::max<int64_t>(t.shape[2], 1);
}

void gemm(bool tA, bool tB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, int64_t sA,
          const float* B, int64_t ldb, int64_t sB, float* C, int64_t ldc, int64_t sC, int64_t batch) {
  gemmF32(tA, tB, M, N, K, 1.f, A, lda, sA, B, ldb, sB, 0.f, C, ldc, sC, batch);
}
void gemm(bool tA, bool tB, int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, int64_t sA,
          const double* B, int64_t ldb, int64_t sB, double* C, int64_t ldc, int64_t sC, int64_t batch) {
  gemmF64(tA, tB, M, N, K, 1.0, A, lda, sA, B, ldb, sB, 0.0, C, ldc, sC, batch);
}

// S: storage type; C: compute type (float for the 16-bit floats).
template <class S, class C>
void floatMatmul(const OpCall& c) {
  const TensorArg &out = c.t[0], &a = c.t[1], &b = c.t[2];
  const int64_t bt = out.shape[0], M = out.shape[1], N = out.shape[2], K = a.shape[2];
  Operand<C> A, B;
  prepare<C, S>(a, A);
  prepare<C, S>(b, B);
  // The output is written in place when it is row-major and its rows and batch entries do not overlap.
  const int64_t ldc = M <= 1 ? std::max<int64_t>(N, 1) : out.strides[1];
  const bool outDirect = std::is_same<C, S>::value && (N <= 1 || out.strides[2] == 1) && ldc >= N &&
                         (bt <= 1 || out.strides[0] >= (M - 1) * ldc + N);
  if (outDirect) {
    gemm(A.trans, B.trans, M, N, K, A.data, A.ld, A.batchStride, B.data, B.ld, B.batchStride,
         reinterpret_cast<C*>(out.data), ldc, out.strides[0], bt);
    return;
  }
  std::vector<C> tmp((size_t)(bt * M * N));
  gemm(A.trans, B.trans, M, N, K, A.data, A.ld, A.batchStride, B.data, B.ld, B.batchStride, tmp.data(),
       std::max<int64_t>(N, 1), M * N, bt);
  S* o = out.ptr<S>();
  const int64_t s0 = out.strides[0], s1 = out.strides[1], s2 = out.strides[2];
  parallelFor(bt * M, std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(N, 1)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      S* d = o + (r / M) * s0 + (r % M) * s1;
      const C* s = tmp.data() + r * N;
      for (int64_t j = 0; j < N; j++) d[j * s2] = store<S>(s[j]);
    }
  });
}

// Integers: accumulate in uint32 (wrap-around is defined there), then truncate to the storage type.
template <class S>
void intMatmul(const OpCall& c) {
  const TensorArg &out = c.t[0], &a = c.t[1], &b = c.t[2];
  const int64_t M = out.shape[1], N = out.shape[2], K = a.shape[2];
  const S* pa = a.ptr<S>(); const S* pb = b.ptr<S>(); S* po = out.ptr<S>();
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(1, N * std::max<int64_t>(K, 1)));
  parallelFor(out.shape[0] * M, grain, [&](int64_t r0, int64_t r1) {
    std::vector<uint32_t> acc((size_t)N);
    for (int64_t r = r0; r < r1; r++) {
      const int64_t bi = r / M, i = r % M;
      std::fill(acc.begin(), acc.end(), 0u);
      const S* arow = pa + bi * a.strides[0] + i * a.strides[1];
      const S* bmat = pb + bi * b.strides[0];
      for (int64_t k = 0; k < K; k++) {
        const uint32_t av = (uint32_t)arow[k * a.strides[2]];
        const S* brow = bmat + k * b.strides[1];
        if (b.strides[2] == 1) for (int64_t j = 0; j < N; j++) acc[j] += av * (uint32_t)brow[j];
        else for (int64_t j = 0; j < N; j++) acc[j] += av * (uint32_t)brow[j * b.strides[2]];
      }
      S* orow = po + bi * out.strides[0] + i * out.strides[1];
      for (int64_t j = 0; j < N; j++) orow[j * out.strides[2]] = (S)acc[j];
    }
  });
}

void cpuMatmul(const OpCall& c) {
  const std::string shapes = checks::checkMatmul(c);
  const TensorArg &out = c.t[0], &a = c.t[1];
  if (out.numel() == 0) return;
  switch (a.dtype) {
    case DType::F32: floatMatmul<float, float>(c); break;
    case DType::F64: floatMatmul<double, double>(c); break;
    case DType::F16: floatMatmul<Half, float>(c); break;
    case DType::BF16: floatMatmul<BFloat16, float>(c); break;
    case DType::I32: intMatmul<int32_t>(c); break;
    case DType::U8: intMatmul<uint8_t>(c); break;
    case DType::Bool: checks::failBoolMatmul(shapes);
  }
}

}  // namespace

FLINT_REGISTER_OP("matmul", DeviceType::CPU, cpuMatmul);

}  // namespace flint
