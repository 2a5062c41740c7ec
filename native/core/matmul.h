// matmul.h — DESIGN: 'matmul' (t[0] out [Bt, M, N], t[1] A [Bt, M, K], t[2] B [Bt, K, N]) declared
// once for both devices: the built-in GEMM kernel's arguments (GemmArgs, with its tile size), the
// rule that says how a strided matrix can be handed to a GEMM without a copy (viewOf), and the
// host-side validation (namespace checks: the same calls refused with the same messages).
//
// Who includes it: native/cpu/matmul.cpp (BLAS or the built-in CPU GEMM), native/gpu/ops_matmul.cpp
// (cuBLASLt / rocBLAS, else the built-in kernel) and native/kernels/gemm.cu (the host-only part is
// left out there).
#pragma once
#include <cstdint>
#include "hd.h"

namespace flint {

/** The built-in GEMM kernel's arguments: 13 int64 fields (element strides; batch stride 0: broadcast). */
struct GemmArgs {
  int64_t M, N, K, batch;
  int64_t aRow, aCol, aBatch;  // A: element (m, k) of batch b at b * aBatch + m * aRow + k * aCol
  int64_t bRow, bCol, bBatch;  // B: element (k, n)
  int64_t cRow, cCol, cBatch;  // C: element (m, n)
};
static_assert(sizeof(GemmArgs) == 13 * 8, "GemmArgs layout");

/** The output tile of one block of the built-in kernel (kGemmTile x kGemmTile; the host sizes the grid with it). */
constexpr int kGemmTile = 64;

/**
 * How a stored rows x cols matrix (element (i, j) at i * sRow + j * sCol) reads as a GEMM operand:
 * `rowMajor` (unit column stride, ld = row stride) or column-major (unit row stride, ld = column
 * stride: the GEMM reads the transpose); `direct` false when neither fits (the caller copies).
 */
struct MatView {
  bool direct = false;
  bool rowMajor = true;
  int64_t ld = 1;
};
FLINT_HD inline MatView viewOf(int64_t rows, int64_t cols, int64_t sRow, int64_t sCol) {
  MatView v;
  if ((cols <= 1 || sCol == 1) && (rows <= 1 || sRow >= cols)) {
    v.direct = true; v.rowMajor = true; v.ld = rows <= 1 ? (cols > 1 ? cols : 1) : sRow;
  } else if ((rows <= 1 || sRow == 1) && (cols <= 1 || sCol >= rows)) {
    v.direct = true; v.rowMajor = false; v.ld = cols <= 1 ? (rows > 1 ? rows : 1) : sCol;
  }
  return v;
}

}  // namespace flint

#if !defined(FLINT_KERNELS)
#include <string>
#include "dtype.h"
#include "error.h"
#include "tensor.h"

namespace flint {
namespace checks {

// Operand count, ranks, shapes and dtypes. Returns the operands' shapes as the messages name them.
inline std::string checkMatmul(const OpCall& c) {
  if (c.nt < 3) fail(ErrorKind::Flint, "matmul: expected 3 tensors (out, a, b), got " + std::to_string(c.nt));
  const TensorArg &out = c.t[0], &a = c.t[1], &b = c.t[2];
  std::string shapes = "a " + a.shapeStr() + ", b " + b.shapeStr() + ", out " + out.shapeStr();
  if (out.ndim != 3 || a.ndim != 3 || b.ndim != 3)
    fail(ErrorKind::Shape, "matmul: the kernel takes rank-3 [batch, rows, cols] operands; got " + shapes);
  if (a.shape[2] != b.shape[1])
    fail(ErrorKind::Shape, "matmul: inner dimensions differ (" + std::to_string(a.shape[2]) + " vs " +
                               std::to_string(b.shape[1]) + "): " + shapes);
  if (a.shape[0] != out.shape[0] || b.shape[0] != out.shape[0] || out.shape[1] != a.shape[1] ||
      out.shape[2] != b.shape[2])
    fail(ErrorKind::Shape, "matmul: output shape does not match the operands: " + shapes);
  if (a.dtype != b.dtype || out.dtype != a.dtype)
    fail(ErrorKind::DType, std::string("matmul: operands must share one dtype; got a ") + dtypeName(a.dtype) + ", b " +
                               dtypeName(b.dtype) + ", out " + dtypeName(out.dtype));
  return shapes;
}

// bool operands (refused only when there is something to compute, after the empty-output return)
[[noreturn]] inline void failBoolMatmul(const std::string& shapes) {
  fail(ErrorKind::DType, "matmul: bool tensors are not supported (" + shapes + "); cast to a number type first");
}

}  // namespace checks
}  // namespace flint
#endif
