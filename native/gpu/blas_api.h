// blas_api.h — the GPU GEMM libraries, found with dlopen at run time like the drivers (cuda.cpp, hip.cpp):
// NVIDIA's cuBLASLt (libcublasLt.so.{13,12,11}) and AMD's rocBLAS (librocblas.so.{5,4,3,0}). No
// vendor header or toolkit is needed to build: every type, constant and prototype below is declared
// by hand, and each names where its value was checked:
//   [LT]  NVIDIA cuBLAS documentation, "Using the cuBLASLt API" (docs.nvidia.com/cuda/cublas, the
//         cublasLt.h declarations it documents), cross-checked with nvmath-python's generated
//         enum pages (docs.nvidia.com/cuda/nvmath-python: nvmath.bindings.cublasLt.*).
//   [LIB] NVIDIA "library_types.h" cudaDataType_t as documented in the cuBLAS docs §"CUDA
//         Datatypes Reference" and nvmath-python's nvmath.CudaDataType page.
//   [CB]  NVIDIA cuBLAS documentation, cublas_api.h types (cublasComputeType_t, cublasOperation_t,
//         cublasStatus_t).
//   [ROC] AMD rocBLAS documentation (rocm.docs.amd.com/projects/rocBLAS, "rocBLAS enumerations",
//         "rocBLAS datatypes", rocblas_gemm_strided_batched_ex) = rocblas-types.h / rocblas-functions.h,
//         cross-checked with hipfort's hipfort_rocblas_enums reference pages.
// The ABI values never change between releases of a library (they are part of its C ABI).
//
// Search order (blasLibrary() through lib_search.h, shared with NCCL/RCCL; logged line by line for `flintml doctor`):
//   1. FLINT_CUDA_LIBS: colon-separated folders, each tried for every soname (newest first);
//   2. the default loader path (dlopen by soname: LD_LIBRARY_PATH, ld.so.cache, RUNPATH);
//   3. NVIDIA only: the `nvidia/*/lib` folders of Python environments (pip's nvidia-cublas-cu12 /
//      nvidia-cublas wheels): $VIRTUAL_ENV, $CONDA_PREFIX, the prefix of every `python3` on PATH,
//      ~/.local, /usr/local and /usr (lib/python3*/site-packages and dist-packages);
//      AMD only: $ROCM_PATH/lib (default /opt/rocm/lib);
//   4. NVIDIA only: $CUDA_HOME/lib64, $CUDA_PATH/lib64 and /usr/local/cuda/lib64.
// A file that loads but lacks a required entry point is logged and skipped; the first complete one
// wins. FLINT_GPU_BLAS=off (or =builtin) skips the search: the built-in kernel runs every matmul.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>
#include "dl_table.h"

namespace flint {
namespace gpu {

// --- cuBLASLt types ------------------------------------------------------------------------------
using cublasStatus_t = int;                              // [CB] enum cublasStatus_t
using cublasLtHandle_t = struct cublasLtContext*;        // [LT] opaque handle
using cublasLtMatmulDesc_t = struct cublasLtMatmulDescOpaque*;      // [LT] pointer to a semi-opaque struct
using cublasLtMatrixLayout_t = struct cublasLtMatrixLayoutOpaque*;  // [LT]
using cublasLtMatmulPreference_t = struct cublasLtMatmulPreferenceOpaque*;  // [LT]

// [LT] cublasLtMatmulAlgo_t: "typedef struct { uint64_t data[8]; } cublasLtMatmulAlgo_t;"
struct cublasLtMatmulAlgo_t { uint64_t data[8]; };
// [LT] cublasLtMatmulHeuristicResult_t: algo, size_t workspaceSize, cublasStatus_t state,
// float wavesCount, int reserved[4] (96 bytes on LP64).
struct cublasLtMatmulHeuristicResult_t {
  cublasLtMatmulAlgo_t algo;
  size_t workspaceSize;
  cublasStatus_t state;
  float wavesCount;
  int reserved[4];
};
static_assert(sizeof(cublasLtMatmulHeuristicResult_t) == 96, "cublasLtMatmulHeuristicResult_t layout");

constexpr cublasStatus_t CUBLAS_STATUS_SUCCESS = 0;         // [CB]
constexpr cublasStatus_t CUBLAS_STATUS_NOT_SUPPORTED = 15;  // [CB]

// [CB] cublasComputeType_t
constexpr int CUBLAS_COMPUTE_32F = 68;
constexpr int CUBLAS_COMPUTE_32F_FAST_TF32 = 77;
constexpr int CUBLAS_COMPUTE_64F = 70;
// [LIB] cudaDataType_t
constexpr int CUDA_R_32F = 0;
constexpr int CUDA_R_64F = 1;
constexpr int CUDA_R_16F = 2;
constexpr int CUDA_R_16BF = 14;
// [CB] cublasOperation_t
constexpr int32_t CUBLAS_OP_N = 0;
constexpr int32_t CUBLAS_OP_T = 1;
// [LT] cublasLtMatmulDescAttributes_t (TRANSA/TRANSB take int32_t cublasOperation_t)
constexpr int CUBLASLT_MATMUL_DESC_TRANSA = 3;
constexpr int CUBLASLT_MATMUL_DESC_TRANSB = 4;
// [LT] cublasLtMatrixLayoutAttribute_t (ORDER int32_t, BATCH_COUNT int32_t, STRIDED_BATCH_OFFSET int64_t)
constexpr int CUBLASLT_MATRIX_LAYOUT_ORDER = 1;
constexpr int CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT = 5;
constexpr int CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET = 6;
// [LT] cublasLtOrder_t (the default order is COL; we never set ROW, it is declared for the fake's sake)
constexpr int32_t CUBLASLT_ORDER_COL = 0;
constexpr int32_t CUBLASLT_ORDER_ROW = 1;
// [LT] cublasLtMatmulPreferenceAttributes_t (MAX_WORKSPACE_BYTES uint64_t, MIN_ALIGNMENT_* uint32_t)
constexpr int CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES = 1;
constexpr int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES = 5;
constexpr int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES = 6;
constexpr int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES = 7;
constexpr int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES = 8;

struct CublasLtApi {
  // [LT] prototypes (cublasLt.h as documented)
  cublasStatus_t (*cublasLtCreate)(cublasLtHandle_t* handle) = nullptr;
  cublasStatus_t (*cublasLtDestroy)(cublasLtHandle_t handle) = nullptr;
  size_t (*cublasLtGetVersion)() = nullptr;
  cublasStatus_t (*cublasLtMatmulDescCreate)(cublasLtMatmulDesc_t* desc, int computeType, int scaleType) = nullptr;
  cublasStatus_t (*cublasLtMatmulDescDestroy)(cublasLtMatmulDesc_t desc) = nullptr;
  cublasStatus_t (*cublasLtMatmulDescSetAttribute)(cublasLtMatmulDesc_t desc, int attr, const void* buf, size_t size) = nullptr;
  cublasStatus_t (*cublasLtMatrixLayoutCreate)(cublasLtMatrixLayout_t* layout, int type, uint64_t rows, uint64_t cols, int64_t ld) = nullptr;
  cublasStatus_t (*cublasLtMatrixLayoutDestroy)(cublasLtMatrixLayout_t layout) = nullptr;
  cublasStatus_t (*cublasLtMatrixLayoutSetAttribute)(cublasLtMatrixLayout_t layout, int attr, const void* buf, size_t size) = nullptr;
  cublasStatus_t (*cublasLtMatmulPreferenceCreate)(cublasLtMatmulPreference_t* pref) = nullptr;
  cublasStatus_t (*cublasLtMatmulPreferenceDestroy)(cublasLtMatmulPreference_t pref) = nullptr;
  cublasStatus_t (*cublasLtMatmulPreferenceSetAttribute)(cublasLtMatmulPreference_t pref, int attr, const void* buf, size_t size) = nullptr;
  cublasStatus_t (*cublasLtMatmulAlgoGetHeuristic)(cublasLtHandle_t handle, cublasLtMatmulDesc_t desc,
                                                   cublasLtMatrixLayout_t a, cublasLtMatrixLayout_t b,
                                                   cublasLtMatrixLayout_t c, cublasLtMatrixLayout_t d,
                                                   cublasLtMatmulPreference_t pref, int requested,
                                                   cublasLtMatmulHeuristicResult_t* results, int* returned) = nullptr;
  cublasStatus_t (*cublasLtMatmul)(cublasLtHandle_t handle, cublasLtMatmulDesc_t desc, const void* alpha,
                                   const void* A, cublasLtMatrixLayout_t aDesc, const void* B,
                                   cublasLtMatrixLayout_t bDesc, const void* beta, const void* C,
                                   cublasLtMatrixLayout_t cDesc, void* D, cublasLtMatrixLayout_t dDesc,
                                   const cublasLtMatmulAlgo_t* algo, void* workspace, size_t workspaceBytes,
                                   void* stream) = nullptr;
  const char* (*cublasLtGetStatusName)(cublasStatus_t status) = nullptr;  // optional (CUDA 11.4+)
};

// --- rocBLAS types ([ROC]) -----------------------------------------------------------------------
using rocblas_status = int;
using rocblas_handle = struct _rocblas_handle*;
constexpr rocblas_status rocblas_status_success = 0;
// rocblas_operation
constexpr int rocblas_operation_none = 111;
constexpr int rocblas_operation_transpose = 112;
// rocblas_datatype
constexpr int rocblas_datatype_f16_r = 150;
constexpr int rocblas_datatype_f32_r = 151;
constexpr int rocblas_datatype_f64_r = 152;
constexpr int rocblas_datatype_bf16_r = 168;
// rocblas_gemm_algo, rocblas_gemm_flags
constexpr int rocblas_gemm_algo_standard = 0;
constexpr uint32_t rocblas_gemm_flags_none = 0;

struct RocblasApi {
  rocblas_status (*rocblas_create_handle)(rocblas_handle* handle) = nullptr;
  rocblas_status (*rocblas_destroy_handle)(rocblas_handle handle) = nullptr;
  rocblas_status (*rocblas_set_stream)(rocblas_handle handle, void* stream) = nullptr;  // hipStream_t
  // rocblas_int is int32_t (the LP64 API), rocblas_stride is int64_t; alpha/beta host pointers.
  rocblas_status (*rocblas_gemm_strided_batched_ex)(
      rocblas_handle handle, int transA, int transB, int32_t m, int32_t n, int32_t k, const void* alpha,
      const void* a, int aType, int32_t lda, int64_t strideA, const void* b, int bType, int32_t ldb, int64_t strideB,
      const void* beta, const void* c, int cType, int32_t ldc, int64_t strideC, void* d, int dType, int32_t ldd,
      int64_t strideD, int32_t batchCount, int computeType, int algo, int32_t solutionIndex, uint32_t flags) = nullptr;
  rocblas_status (*rocblas_gemm_ex)(rocblas_handle handle, int transA, int transB, int32_t m, int32_t n, int32_t k,
                                    const void* alpha, const void* a, int aType, int32_t lda, const void* b, int bType,
                                    int32_t ldb, const void* beta, const void* c, int cType, int32_t ldc, void* d,
                                    int dType, int32_t ldd, int computeType, int algo, int32_t solutionIndex,
                                    uint32_t flags) = nullptr;  // optional
  rocblas_status (*rocblas_get_version_string)(char* buf, size_t len) = nullptr;  // optional
  const char* (*rocblas_status_to_string)(rocblas_status status) = nullptr;      // optional
};

enum class BlasKind { None, CublasLt, Rocblas };

struct BlasLibrary {
  BlasKind kind = BlasKind::None;
  std::string name;     // "cuBLASLt" / "rocBLAS"; "" when none
  std::string path;     // the loaded file
  std::string version;  // "13.1.0" (cuBLASLt), rocblas_get_version_string's text; "" if unknown
  std::vector<std::string> searchLog;  // every place tried, found or not and why
  CublasLtApi lt;
  RocblasApi roc;
  LoadedTable lib;

  bool available() const { return kind != BlasKind::None; }
};

/**
 * The GEMM library of this process's GPU vendor (gpu::isAmd()), searched once on first use
 * (thread-safe; the first GPU matmul calls it). Never throws: when nothing is found, kind is None
 * and the search log says why, and matmul runs the built-in kernel.
 */
const BlasLibrary& blasLibrary();

/**
 * Runs the search for `amd` (false: cuBLASLt, true: rocBLAS) without caching, with the process's
 * environment as it is now. blasLibrary() is this, done once; tests call it (through the test
 * addon's _gpuBlasSearch hook, test/addon/blas_search_hook.cpp) with fake libraries.
 */
BlasLibrary searchBlasLibrary(bool amd);

/** "cuBLASLt 13.1.0 (/path/libcublasLt.so.13)" or "none (built-in GEMM kernel)"; for doctor lines. */
std::string blasSummary(const BlasLibrary& lib);

/** The library's name for a status code ("CUBLAS_STATUS_NOT_SUPPORTED"), or "status 15". */
std::string blasStatusText(const BlasLibrary& lib, int status);

/** JSON {"kind","name","path","version","searchLog":[...]} (for a `gpuBlasInfo()` binding). */
std::string blasInfoJson(const BlasLibrary& lib);

// --- running a GEMM through the library ------------------------------------------------------------

/**
 * One strided-batched GEMM in the libraries' column-major convention, on the current stream:
 *   D[b] = op(A[b]) * op(B[b])  (alpha 1, beta 0),  b in [0, batch)
 * op(A) is m x k, op(B) is k x n, D is m x n with leading dimension ldd; A is stored as an
 * (transA ? k x m : m x k) column-major matrix with leading dimension lda (likewise B); batch
 * strides in elements (0 broadcasts A or B). dtype: the DType code of float32, float64, float16 or
 * bfloat16 (16-bit types compute in float32; float32 may use TF32 when gpu::allowTF32()).
 */
struct BlasGemm {
  int dtype = 0;  // static_cast<int>(DType)
  bool transA = false, transB = false;
  int64_t m = 0, n = 0, k = 0;
  const void* A = nullptr; int64_t lda = 1, strideA = 0;
  const void* B = nullptr; int64_t ldb = 1, strideB = 0;
  void* D = nullptr; int64_t ldd = 1, strideD = 0;
  int64_t batch = 1;
};

/**
 * Runs `g` through blasLibrary(). Returns false — having launched nothing — when there is no
 * library, the library lacks the dtype, or a size does not fit its 32-bit arguments; the caller
 * then runs the built-in kernel. Throws (ErrorKind::Device) when the library fails a call it
 * accepted.
 */
bool blasGemm(const BlasGemm& g);

}  // namespace gpu
}  // namespace flint
