// blas_api.cpp — finds cuBLASLt / rocBLAS (see blas_api.h for the search order) and runs GEMMs
// through them. Every place tried goes into the search log in plain words, as device.cpp does for
// the drivers, because this log is what `flintml doctor` prints and what a user pastes into a bug.
#include "blas_api.h"
#include <dlfcn.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include "../core/dtype.h"
#include "../core/error.h"
#include "backend.h"
#include "launch.h"
#include "lib_search.h"

namespace flint {
namespace gpu {

namespace {

constexpr size_t kWorkspaceBytes = size_t(32) << 20;  // cuBLASLt workspace limit (PyTorch uses 32 MiB on Hopper)

struct VendorSpec {
  const char* vendor;  // "cuBLASLt" / "rocBLAS"
  std::vector<std::string> sonames;
};

VendorSpec specFor(bool amd) {
  if (amd) return {"rocBLAS", {"librocblas.so.5", "librocblas.so.4", "librocblas.so.3", "librocblas.so.0"}};
  return {"cuBLASLt", {"libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11"}};
}

bool loadCublasLt(BlasLibrary& L, const std::string& file, std::string* error) {
  CublasLtApi& a = L.lt;
  const SymbolEntry table[] = {
      {{"cublasLtCreate"}, (void**)&a.cublasLtCreate, Need::Required},
      {{"cublasLtDestroy"}, (void**)&a.cublasLtDestroy, Need::Required},
      {{"cublasLtGetVersion"}, (void**)&a.cublasLtGetVersion, Need::Required},
      {{"cublasLtMatmulDescCreate"}, (void**)&a.cublasLtMatmulDescCreate, Need::Required},
      {{"cublasLtMatmulDescDestroy"}, (void**)&a.cublasLtMatmulDescDestroy, Need::Required},
      {{"cublasLtMatmulDescSetAttribute"}, (void**)&a.cublasLtMatmulDescSetAttribute, Need::Required},
      {{"cublasLtMatrixLayoutCreate"}, (void**)&a.cublasLtMatrixLayoutCreate, Need::Required},
      {{"cublasLtMatrixLayoutDestroy"}, (void**)&a.cublasLtMatrixLayoutDestroy, Need::Required},
      {{"cublasLtMatrixLayoutSetAttribute"}, (void**)&a.cublasLtMatrixLayoutSetAttribute, Need::Required},
      {{"cublasLtMatmulPreferenceCreate"}, (void**)&a.cublasLtMatmulPreferenceCreate, Need::Required},
      {{"cublasLtMatmulPreferenceDestroy"}, (void**)&a.cublasLtMatmulPreferenceDestroy, Need::Required},
      {{"cublasLtMatmulPreferenceSetAttribute"}, (void**)&a.cublasLtMatmulPreferenceSetAttribute, Need::Required},
      {{"cublasLtMatmulAlgoGetHeuristic"}, (void**)&a.cublasLtMatmulAlgoGetHeuristic, Need::Required},
      {{"cublasLtMatmul"}, (void**)&a.cublasLtMatmul, Need::Required},
      {{"cublasLtGetStatusName"}, (void**)&a.cublasLtGetStatusName, Need::Optional},
  };
  return loadTable(file.c_str(), table, sizeof table / sizeof table[0], &L.lib, error);
}

bool loadRocblas(BlasLibrary& L, const std::string& file, std::string* error) {
  RocblasApi& a = L.roc;
  const SymbolEntry table[] = {
      {{"rocblas_create_handle"}, (void**)&a.rocblas_create_handle, Need::Required},
      {{"rocblas_destroy_handle"}, (void**)&a.rocblas_destroy_handle, Need::Required},
      {{"rocblas_set_stream"}, (void**)&a.rocblas_set_stream, Need::Required},
      {{"rocblas_gemm_strided_batched_ex"}, (void**)&a.rocblas_gemm_strided_batched_ex, Need::Required},
      {{"rocblas_gemm_ex"}, (void**)&a.rocblas_gemm_ex, Need::Optional},
      {{"rocblas_get_version_string"}, (void**)&a.rocblas_get_version_string, Need::Optional},
      {{"rocblas_status_to_string"}, (void**)&a.rocblas_status_to_string, Need::Optional},
  };
  return loadTable(file.c_str(), table, sizeof table / sizeof table[0], &L.lib, error);
}

// cublasLtGetVersion(): major * 10000 + minor * 100 + patch (CUBLAS_VERSION's encoding).
std::string ltVersionString(size_t v) {
  return std::to_string(v / 10000) + "." + std::to_string((v / 100) % 100) + "." + std::to_string(v % 100);
}

class Searcher {
 public:
  explicit Searcher(bool amd) : amd_(amd), spec_(specFor(amd)) {}

  BlasLibrary run() {
    const std::string off = envOr("FLINT_GPU_BLAS");
    if (off == "off" || off == "builtin" || off == "0") {
      log("FLINT_GPU_BLAS=" + off + ": GEMM library search skipped; matmul runs the built-in kernel");
      return done();
    }
    const LibrarySearchSpec spec{spec_.vendor, spec_.sonames, amd_};
    if (searchLibrary(spec, [this](const std::string& file, const char*, const std::string& prefix) { return tryFile(file, prefix); }, log_))
      return done();
    log(std::string(spec_.vendor) + ": not found; matmul runs the built-in GEMM kernel (set FLINT_CUDA_LIBS to the folder of " +
        spec_.sonames[0] + " to use it)");
    return done();
  }

 private:
  void log(const std::string& s) { log_.push_back(s); }
  BlasLibrary done() {
    out_.searchLog = std::move(log_);
    return std::move(out_);
  }

  bool tryFile(const std::string& file, const std::string& prefix) {
    BlasLibrary cand;
    std::string err;
    const bool opened = amd_ ? loadRocblas(cand, file, &err) : loadCublasLt(cand, file, &err);
    if (!opened) {
      log(prefix + file + ": not found (" + withoutFilePrefix(err, file) + ")");
      return false;
    }
    if (!cand.lib.missingRequired.empty()) {
      log(prefix + file + ": loaded from " + cand.lib.path + ", but it lacks " + joined(cand.lib.missingRequired, ", ") +
          "; skipped");
      return false;
    }
    cand.kind = amd_ ? BlasKind::Rocblas : BlasKind::CublasLt;
    cand.name = spec_.vendor;
    cand.path = cand.lib.path;
    if (amd_) {
      char buf[256] = {0};
      if (cand.roc.rocblas_get_version_string &&
          cand.roc.rocblas_get_version_string(buf, sizeof buf - 1) == rocblas_status_success)
        cand.version = buf;
    } else {
      cand.version = ltVersionString(cand.lt.cublasLtGetVersion());
    }
    std::string line = prefix + file + ": loaded from " + cand.path + " (" + spec_.vendor +
                       (cand.version.empty() ? "" : " " + cand.version) + ", " + std::to_string(cand.lib.resolved) +
                       " symbols resolved";
    if (!cand.lib.missingOptional.empty()) line += "; optional, missing: " + joined(cand.lib.missingOptional, ", ");
    out_ = std::move(cand);
    log(line + ")");
    return true;
  }

  bool amd_;
  VendorSpec spec_;
  BlasLibrary out_;
  std::vector<std::string> log_;
};


// ---- running GEMMs ------------------------------------------------------------------------------

std::mutex gMutex;  // handles and the algo cache

// The device a handle belongs to: rocBLAS handles are bound to the device current at creation;
// cuBLASLt handles are kept per device as well (as PyTorch does).
int deviceKey() { return currentDevice(); }

uint32_t alignmentOf(const void* p) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  uint32_t al = 256;
  while (al > 1 && (a % al) != 0) al >>= 1;
  return al;
}

bool fitsInt32(int64_t v) { return v >= 0 && v <= INT32_MAX; }

struct LtCacheEntry {
  bool ok = false;
  cublasLtMatmulAlgo_t algo{};
  size_t workspace = 0;
};

// Destroys cuBLASLt descriptors on every exit path.
struct LtDescs {
  const CublasLtApi& a;
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, ld = nullptr;
  cublasLtMatmulPreference_t pref = nullptr;
  explicit LtDescs(const CublasLtApi& api) : a(api) {}
  ~LtDescs() {
    if (pref) a.cublasLtMatmulPreferenceDestroy(pref);
    if (ld) a.cublasLtMatrixLayoutDestroy(ld);
    if (lb) a.cublasLtMatrixLayoutDestroy(lb);
    if (la) a.cublasLtMatrixLayoutDestroy(la);
    if (op) a.cublasLtMatmulDescDestroy(op);
  }
};

[[noreturn]] void blasFail(const BlasLibrary& L, const char* call, int status) {
  fail(ErrorKind::Device, std::string("matmul: ") + call + " failed: " + blasStatusText(L, status) + " (" + L.name + " " +
                              L.version + ", " + L.path + "; FLINT_GPU_BLAS=off runs the built-in GEMM kernel instead)");
}

bool ltGemm(const BlasLibrary& L, const BlasGemm& g) {
  const CublasLtApi& a = L.lt;
  int type, compute, scale;
  switch (static_cast<DType>(g.dtype)) {
    case DType::F32: type = CUDA_R_32F; compute = allowTF32() ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F; scale = CUDA_R_32F; break;
    case DType::F64: type = CUDA_R_64F; compute = CUBLAS_COMPUTE_64F; scale = CUDA_R_64F; break;
    case DType::F16: type = CUDA_R_16F; compute = CUBLAS_COMPUTE_32F; scale = CUDA_R_32F; break;
    case DType::BF16: type = CUDA_R_16BF; compute = CUBLAS_COMPUTE_32F; scale = CUDA_R_32F; break;
    default: return false;
  }
  if (!fitsInt32(g.m) || !fitsInt32(g.n) || !fitsInt32(g.k) || !fitsInt32(g.batch)) return false;

  static std::map<int, cublasLtHandle_t> handles;
  static std::map<std::array<int64_t, 20>, LtCacheEntry> cache;
  cublasLtHandle_t handle = nullptr;
  const uint32_t alA = alignmentOf(g.A), alB = alignmentOf(g.B), alD = alignmentOf(g.D);
  const std::array<int64_t, 20> key = {g.dtype, compute, g.transA, g.transB, g.m, g.n, g.k, g.lda, g.ldb, g.ldd,
                                       g.strideA, g.strideB, g.strideD, g.batch, alA, alB, alD, deviceKey(), 0, 0};
  LtCacheEntry entry;
  bool cached = false;
  {
    std::lock_guard<std::mutex> lock(gMutex);
    auto h = handles.find(deviceKey());
    if (h == handles.end()) {
      cublasLtHandle_t created = nullptr;
      const int st = a.cublasLtCreate(&created);
      if (st != CUBLAS_STATUS_SUCCESS) blasFail(L, "cublasLtCreate", st);
      h = handles.emplace(deviceKey(), created).first;
    }
    handle = h->second;
    auto c = cache.find(key);
    if (c != cache.end()) { entry = c->second; cached = true; }
  }
  if (cached && !entry.ok) return false;

  LtDescs d(a);
  int st;
  auto check = [&](const char* call) { if (st != CUBLAS_STATUS_SUCCESS) blasFail(L, call, st); };
  st = a.cublasLtMatmulDescCreate(&d.op, compute, scale); check("cublasLtMatmulDescCreate");
  const int32_t opA = g.transA ? CUBLAS_OP_T : CUBLAS_OP_N, opB = g.transB ? CUBLAS_OP_T : CUBLAS_OP_N;
  st = a.cublasLtMatmulDescSetAttribute(d.op, CUBLASLT_MATMUL_DESC_TRANSA, &opA, sizeof opA); check("cublasLtMatmulDescSetAttribute");
  st = a.cublasLtMatmulDescSetAttribute(d.op, CUBLASLT_MATMUL_DESC_TRANSB, &opB, sizeof opB); check("cublasLtMatmulDescSetAttribute");
  // stored shapes (column-major): A is (transA ? k x m : m x k), B is (transB ? n x k : k x n)
  st = a.cublasLtMatrixLayoutCreate(&d.la, type, g.transA ? g.k : g.m, g.transA ? g.m : g.k, g.lda); check("cublasLtMatrixLayoutCreate");
  st = a.cublasLtMatrixLayoutCreate(&d.lb, type, g.transB ? g.n : g.k, g.transB ? g.k : g.n, g.ldb); check("cublasLtMatrixLayoutCreate");
  st = a.cublasLtMatrixLayoutCreate(&d.ld, type, g.m, g.n, g.ldd); check("cublasLtMatrixLayoutCreate");
  if (g.batch > 1) {
    const int32_t count = (int32_t)g.batch;
    const std::pair<cublasLtMatrixLayout_t, int64_t> layouts[] = {{d.la, g.strideA}, {d.lb, g.strideB}, {d.ld, g.strideD}};
    for (const auto& l : layouts) {
      st = a.cublasLtMatrixLayoutSetAttribute(l.first, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count, sizeof count);
      check("cublasLtMatrixLayoutSetAttribute");
      st = a.cublasLtMatrixLayoutSetAttribute(l.first, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &l.second, sizeof l.second);
      check("cublasLtMatrixLayoutSetAttribute");
    }
  }
  if (!cached) {
    st = a.cublasLtMatmulPreferenceCreate(&d.pref); check("cublasLtMatmulPreferenceCreate");
    const uint64_t ws = kWorkspaceBytes;
    st = a.cublasLtMatmulPreferenceSetAttribute(d.pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws);
    check("cublasLtMatmulPreferenceSetAttribute");
    // Views start anywhere: tell the heuristic how aligned each pointer really is (default: 256).
    const std::pair<int, uint32_t> aligns[] = {{CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, alA},
                                               {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, alB},
                                               {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, alD},
                                               {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, alD}};
    for (const auto& al : aligns) {
      st = a.cublasLtMatmulPreferenceSetAttribute(d.pref, al.first, &al.second, sizeof al.second);
      check("cublasLtMatmulPreferenceSetAttribute");
    }
    cublasLtMatmulHeuristicResult_t result;
    std::memset(&result, 0, sizeof result);
    int returned = 0;
    st = a.cublasLtMatmulAlgoGetHeuristic(handle, d.op, d.la, d.lb, d.ld, d.ld, d.pref, 1, &result, &returned);
    entry.ok = st == CUBLAS_STATUS_SUCCESS && returned > 0 && result.state == CUBLAS_STATUS_SUCCESS &&
               result.workspaceSize <= kWorkspaceBytes;
    if (entry.ok) { entry.algo = result.algo; entry.workspace = result.workspaceSize; }
    std::lock_guard<std::mutex> lock(gMutex);
    cache[key] = entry;
    if (!entry.ok) return false;  // no algorithm for this case (a dtype this GPU lacks): the built-in kernel
  }
  const float one32 = 1.f, zero32 = 0.f;
  const double one64 = 1.0, zero64 = 0.0;
  const bool dbl = static_cast<DType>(g.dtype) == DType::F64;
  const void* alpha = dbl ? (const void*)&one64 : (const void*)&one32;
  const void* beta = dbl ? (const void*)&zero64 : (const void*)&zero32;
  if (entry.workspace > 0) {
    DeviceBuffer ws(entry.workspace);
    st = a.cublasLtMatmul(handle, d.op, alpha, g.A, d.la, g.B, d.lb, beta, g.D, d.ld, g.D, d.ld, &entry.algo, ws.get(),
                          entry.workspace, currentStreamHandle());
  } else {
    st = a.cublasLtMatmul(handle, d.op, alpha, g.A, d.la, g.B, d.lb, beta, g.D, d.ld, g.D, d.ld, &entry.algo, nullptr, 0,
                          currentStreamHandle());
  }
  check("cublasLtMatmul");
  return true;
}

bool rocGemm(const BlasLibrary& L, const BlasGemm& g) {
  const RocblasApi& a = L.roc;
  int type, compute;
  switch (static_cast<DType>(g.dtype)) {
    case DType::F32: type = rocblas_datatype_f32_r; compute = rocblas_datatype_f32_r; break;
    case DType::F64: type = rocblas_datatype_f64_r; compute = rocblas_datatype_f64_r; break;
    case DType::F16: type = rocblas_datatype_f16_r; compute = rocblas_datatype_f32_r; break;
    case DType::BF16: type = rocblas_datatype_bf16_r; compute = rocblas_datatype_f32_r; break;
    default: return false;
  }
  for (int64_t v : {g.m, g.n, g.k, g.lda, g.ldb, g.ldd, g.batch}) if (!fitsInt32(v)) return false;
  static std::map<int, rocblas_handle> handles;
  rocblas_handle handle = nullptr;
  {
    std::lock_guard<std::mutex> lock(gMutex);
    auto h = handles.find(deviceKey());
    if (h == handles.end()) {
      rocblas_handle created = nullptr;
      const int st = a.rocblas_create_handle(&created);
      if (st != rocblas_status_success) blasFail(L, "rocblas_create_handle", st);
      h = handles.emplace(deviceKey(), created).first;
    }
    handle = h->second;
  }
  int st = a.rocblas_set_stream(handle, currentStreamHandle());
  if (st != rocblas_status_success) blasFail(L, "rocblas_set_stream", st);
  const float one32 = 1.f, zero32 = 0.f;
  const double one64 = 1.0, zero64 = 0.0;
  const bool dbl = static_cast<DType>(g.dtype) == DType::F64;
  const void* alpha = dbl ? (const void*)&one64 : (const void*)&one32;
  const void* beta = dbl ? (const void*)&zero64 : (const void*)&zero32;
  st = a.rocblas_gemm_strided_batched_ex(
      handle, g.transA ? rocblas_operation_transpose : rocblas_operation_none,
      g.transB ? rocblas_operation_transpose : rocblas_operation_none, (int32_t)g.m, (int32_t)g.n, (int32_t)g.k, alpha, g.A,
      type, (int32_t)g.lda, g.strideA, g.B, type, (int32_t)g.ldb, g.strideB, beta, g.D, type, (int32_t)g.ldd, g.strideD,
      g.D, type, (int32_t)g.ldd, g.strideD, (int32_t)g.batch, compute, rocblas_gemm_algo_standard, 0,
      rocblas_gemm_flags_none);
  if (st != rocblas_status_success) blasFail(L, "rocblas_gemm_strided_batched_ex", st);
  return true;
}

}  // namespace

BlasLibrary searchBlasLibrary(bool amd) { return Searcher(amd).run(); }

const BlasLibrary& blasLibrary() {
  // Never destroyed (as the driver tables): the libraries' own threads outlive static destructors.
  static const BlasLibrary* lib = new BlasLibrary(searchBlasLibrary(isAmd()));
  return *lib;
}

std::string blasSummary(const BlasLibrary& lib) {
  if (!lib.available()) return "none (built-in GEMM kernel)";
  return lib.name + (lib.version.empty() ? "" : " " + lib.version) + " (" + lib.path + ")";
}

std::string blasStatusText(const BlasLibrary& lib, int status) {
  const char* name = nullptr;
  if (lib.kind == BlasKind::CublasLt && lib.lt.cublasLtGetStatusName) name = lib.lt.cublasLtGetStatusName(status);
  if (lib.kind == BlasKind::Rocblas && lib.roc.rocblas_status_to_string) name = lib.roc.rocblas_status_to_string(status);
  return name && *name ? std::string(name) : "status " + std::to_string(status);
}

std::string blasInfoJson(const BlasLibrary& lib) {
  std::string s = "{\"kind\":";
  s += jsonString(lib.kind == BlasKind::CublasLt ? "cublaslt" : lib.kind == BlasKind::Rocblas ? "rocblas" : "none");
  s += ",\"name\":" + jsonString(lib.name) + ",\"path\":" + jsonString(lib.path) + ",\"version\":" + jsonString(lib.version);
  s += ",\"summary\":" + jsonString(blasSummary(lib)) + ",\"searchLog\":[";
  for (size_t i = 0; i < lib.searchLog.size(); i++) s += (i ? "," : "") + jsonString(lib.searchLog[i]);
  return s + "]}";
}

bool blasGemm(const BlasGemm& g) {
  const BlasLibrary& L = blasLibrary();
  if (L.kind == BlasKind::CublasLt) return ltGemm(L, g);
  if (L.kind == BlasKind::Rocblas) return rocGemm(L, g);
  return false;
}

}  // namespace gpu
}  // namespace flint
