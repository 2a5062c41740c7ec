// ops_matmul.cpp — the GPU "matmul" op, twin of native/cpu/matmul.cpp (same operands, same
// validation and messages): t[0] out [Bt, M, N], t[1] A [Bt, M, K], t[2] B [Bt, K, N]; JS has already
// broadcast the batch dims (a batch stride of 0 means one matrix for all entries).
//
// float32/float64/float16/bfloat16 go to the GEMM library (cuBLASLt / rocBLAS, blas_api.h) when one
// was found; int32/uint8, a host without the library, or a case the library declines run the
// built-in tiled kernel (native/kernels/gemm.cu), which reads any strides directly.
//
// Row-major onto the libraries' column-major API, without copies: a row-major M x N matrix with
// row stride ld is, read column-major, its N x M transpose with leading dimension ld. So
//   C = A @ B  (row-major)   <=>   C^T = B^T @ A^T  (column-major),
// i.e. the library computes an N x M product with B as its first operand and A as its second.
// An operand with unit column stride is row-major (op N in the swapped product); one with unit
// row stride is column-major, i.e. already transposed (op T). A view with neither unit stride (a
// general strided view) is first copied into a contiguous temporary with the elementwise copy
// kernel (flint_copy_<s>_to_<s>); a broadcast batch (stride 0) is copied once and stays broadcast.
// An output that is not row-major with non-overlapping rows and batch entries is computed into a
// contiguous temporary and copied out.
#include <algorithm>
#include <cstring>
#include <memory>
#include <cstdlib>
#include <string>
#include <vector>
#include "../core/error.h"
#include "../core/matmul.h"
#include "../core/optable.h"
#include "blas_api.h"
#include "launch.h"
#include "ops_common.h"

namespace flint {
namespace {

// ---- the built-in kernel ---------------------------------------------------------------------------

constexpr int64_t kTile = kGemmTile;
constexpr int64_t kMaxGridYZ = 65535;

void kernelGemm(DType dt, int64_t bt, int64_t M, int64_t N, int64_t K, const void* a, const int64_t* as,
                const void* b, const int64_t* bs, void* c, const int64_t* cs) {
  GemmArgs g;
  g.M = M; g.N = N; g.K = K; g.batch = bt;
  g.aBatch = bt > 1 ? as[0] : 0; g.aRow = as[1]; g.aCol = as[2];
  g.bBatch = bt > 1 ? bs[0] : 0; g.bRow = bs[1]; g.bCol = bs[2];
  g.cBatch = bt > 1 ? cs[0] : 0; g.cRow = cs[1]; g.cCol = cs[2];
  const int64_t gx = (N + kTile - 1) / kTile, gy = std::min<int64_t>((M + kTile - 1) / kTile, kMaxGridYZ);
  const int64_t gz = std::min<int64_t>(bt, kMaxGridYZ);
  if (gx > (int64_t)gpu::kMaxGridX) fail(ErrorKind::Shape, "matmul: " + std::to_string(N) + " output columns exceed the GPU grid");
  gpu::launch(gpu::kernelName("flint_gemm", dt).c_str(), gpu::Dim3((unsigned)gx, (unsigned)gy, (unsigned)gz), gpu::Dim3(gpu::kBlock), 0, g, a, b, c);
}

// ---- copies through the elementwise copy kernel ---------------------------------------------------

// dst[i] <- src[i] over a [nb, rows, cols] walk with strides ds (dst) and ss (src), through the
// elementwise copy kernel (a device memcpy when both are contiguous).
void copy3(DType dt, void* dst, const int64_t* ds, const void* src, const int64_t* ss, int64_t nb, int64_t rows, int64_t cols) {
  const int64_t shape[3] = {nb, rows, cols};
  gpu::stridedCopy(dst, dt, src, dt, gpu::stridedArgs2(3, shape, ds, ss));
}

// One input operand as the library sees it: a device pointer, its layout and its batch stride;
// `temp` holds a contiguous copy when the view was general.
struct Operand {
  const void* data = nullptr;
  bool rowMajor = true;
  int64_t ld = 1, batchStride = 0;
  std::unique_ptr<gpu::DeviceBuffer> temp;
};

void prepare(const TensorArg& t, Operand& op) {
  const int64_t bt = t.shape[0], rows = t.shape[1], cols = t.shape[2];
  MatView v = viewOf(rows, cols, t.strides[1], t.strides[2]);
  if (v.direct) {
    op.data = t.data;
    op.rowMajor = v.rowMajor; op.ld = v.ld;
    op.batchStride = bt > 1 ? t.strides[0] : 0;
    return;
  }
  const int64_t nb = (bt > 1 && t.strides[0] == 0) ? 1 : bt;
  op.temp.reset(new gpu::DeviceBuffer((size_t)(nb * rows * cols * itemsize(t.dtype))));
  const int64_t ds[3] = {rows * cols, cols, 1};
  copy3(t.dtype, op.temp->get(), ds, t.data, t.strides, nb, rows, cols);
  op.data = op.temp->get();
  op.rowMajor = true; op.ld = std::max<int64_t>(cols, 1);
  op.batchStride = nb == 1 ? 0 : rows * cols;
}

// Through the library; false when it declined (nothing was launched then, except harmless copies).
bool libraryMatmul(const OpCall& c) {
  const TensorArg &out = c.t[0], &a = c.t[1], &b = c.t[2];
  const int64_t bt = out.shape[0], M = out.shape[1], N = out.shape[2], K = a.shape[2];
  // The output is written in place when it is row-major and its rows and batch entries do not overlap.
  const int64_t ldc = M <= 1 ? std::max<int64_t>(N, 1) : out.strides[1];
  const bool outDirect = (N <= 1 || out.strides[2] == 1) && ldc >= N && (bt <= 1 || out.strides[0] >= (M - 1) * ldc + N);
  Operand A, B;
  prepare(a, A);
  prepare(b, B);
  std::unique_ptr<gpu::DeviceBuffer> tmp;
  gpu::BlasGemm g;
  g.dtype = static_cast<int>(out.dtype);
  // C^T (N x M) = B^T (N x K) @ A^T (K x M): the library's A is our B, its B is our A.
  g.m = N; g.n = M; g.k = K;
  g.A = B.data; g.transA = !B.rowMajor; g.lda = B.ld; g.strideA = B.batchStride;
  g.B = A.data; g.transB = !A.rowMajor; g.ldb = A.ld; g.strideB = A.batchStride;
  g.batch = bt;
  if (outDirect) {
    g.D = out.data; g.ldd = ldc; g.strideD = bt > 1 ? out.strides[0] : 0;
  } else {
    tmp.reset(new gpu::DeviceBuffer((size_t)(bt * M * N * itemsize(out.dtype))));
    g.D = tmp->get(); g.ldd = std::max<int64_t>(N, 1); g.strideD = M * N;
  }
  if (!gpu::blasGemm(g)) return false;
  if (!outDirect) {
    const int64_t ss[3] = {M * N, N, 1};
    copy3(out.dtype, out.data, out.strides, tmp->get(), ss, bt, M, N);
  }
  return true;
}

void gpuMatmul(const OpCall& c) {
  const std::string shapes = checks::checkMatmul(c);
  const TensorArg &out = c.t[0], &a = c.t[1], &b = c.t[2];
  if (out.numel() == 0) return;
  if (a.dtype == DType::Bool) checks::failBoolMatmul(shapes);
  const int64_t bt = out.shape[0], M = out.shape[1], N = out.shape[2], K = a.shape[2];
  if (K == 0) {  // an empty sum: zeros (the CPU's GEMM writes them too)
    if (out.isContiguous()) {
      gpu::memsetAsync(out.data, 0, (size_t)(out.numel() * itemsize(out.dtype)));
      return;
    }
  }
  const bool floating = a.dtype == DType::F32 || a.dtype == DType::F64 || a.dtype == DType::F16 || a.dtype == DType::BF16;
  if (floating && K > 0 && gpu::blasLibrary().available() && libraryMatmul(c)) return;
  kernelGemm(a.dtype, bt, M, N, K, a.data, a.strides, b.data, b.strides, out.data, out.strides);
}

}  // namespace

FLINT_REGISTER_OP("matmul", DeviceType::CUDA, gpuMatmul);

}  // namespace flint
