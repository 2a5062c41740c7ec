// gemm.cpp — the CPU GEMM front (see gemm.h): finds a CBLAS with dlopen at first use and sends
// each call to it, or to the built-in blocked GEMM (gemm_builtin.cpp).
//
// Search order: $FLINT_BLAS when it names a file, then OpenBLAS, MKL, BLIS, and the generic
// reference-named libblas/libcblas last (on Debian these are alternatives that often point at
// OpenBLAS). FLINT_BLAS=builtin skips the search. Every library tried, and why it was refused
// (dlerror), goes into blasSearchLog() for `doctor`.
//
// Routing: BLAS takes 32-bit ints, so a problem with a dimension or stride past INT_MAX goes to
// the built-in GEMM. Everything
// else goes to cblas_?gemm, which flintml keeps single-threaded: the front cuts each product (or a
// batch, by entries) into slices over flintml's own thread pool (splitGemm says how), so that one set
// of threads serves the GEMMs and the elementwise ops between them. (With the library's own threads,
// OpenBLAS's idle workers yield-spun for a while after every GEMM on the cores that flintml's pool
// then wanted: a quarter of the char transformer step's samples in perf were their sched_yield.)
// A library whose thread count cannot be set threads itself, one call per batch entry. Leading dimensions
// that do not matter (a matrix with a single row) are normalised, because BLAS libraries reject
// lda < max(1, cols) even then. OpenBLAS's kernel family: see CoreTypeHint.
#include "gemm.h"
#include <dlfcn.h>
#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>
#include "../core/error.h"
#include "../core/parallel.h"

namespace flint {

// Defined in gemm_builtin.cpp, same contract as gemmF32/gemmF64.
void gemmBuiltinF32(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha,
                    const float* A, int64_t lda, int64_t strideA, const float* B, int64_t ldb, int64_t strideB,
                    float beta, float* C, int64_t ldc, int64_t strideC, int64_t batch);
void gemmBuiltinF64(bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha,
                    const double* A, int64_t lda, int64_t strideA, const double* B, int64_t ldb, int64_t strideB,
                    double beta, double* C, int64_t ldc, int64_t strideC, int64_t batch);

namespace {

// CBLAS, from the reference CBLAS documentation (Netlib cblas.h): enum values and prototypes.
enum CblasOrder { CblasRowMajor = 101, CblasColMajor = 102 };
enum CblasTranspose { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113 };
using SgemmFn = void (*)(int order, int transA, int transB, int M, int N, int K, float alpha, const float* A,
                         int lda, const float* B, int ldb, float beta, float* C, int ldc);
using DgemmFn = void (*)(int order, int transA, int transB, int M, int N, int K, double alpha, const double* A,
                         int lda, const double* B, int ldb, double beta, double* C, int ldc);
using SetThreadsFn = void (*)(int);

struct Blas {
  void* handle = nullptr;
  SgemmFn sgemm = nullptr;
  DgemmFn dgemm = nullptr;
  SetThreadsFn setThreads = nullptr;  // openblas_set_num_threads / MKL_Set_Num_Threads / bli_thread_set_num_threads
  std::atomic<int> threadsSet{0};     // 1 once the library was told to run single-threaded
  std::string name = "builtin";
  std::string log;
};

std::string vendorOf(void* h, const std::string& file, SetThreadsFn* setThreads) {
  if (dlsym(h, "openblas_get_config")) {
    *setThreads = (SetThreadsFn)dlsym(h, "openblas_set_num_threads");
    return "openblas";
  }
  if (dlsym(h, "MKL_Get_Version")) {
    *setThreads = (SetThreadsFn)dlsym(h, "MKL_Set_Num_Threads");
    return "mkl";
  }
  if (dlsym(h, "bli_info_get_version_str")) {
    *setThreads = (SetThreadsFn)dlsym(h, "bli_thread_set_num_threads");
    return "blis";
  }
  (void)file;
  return "blas";
}

bool tryLoad(Blas& b, const std::string& file) {
  dlerror();
  void* h = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* msg = dlerror();
    const std::string e = msg ? msg : "dlopen failed";
    b.log += (e.compare(0, file.size(), file) == 0 ? e : file + ": " + e) + "\n";  // dlerror often names the file
    return false;
  }
  auto s = (SgemmFn)dlsym(h, "cblas_sgemm");
  auto d = (DgemmFn)dlsym(h, "cblas_dgemm");
  if (!s || !d) {
    b.log += file + ": loaded, but has no " + (s ? "cblas_dgemm" : "cblas_sgemm") + " (not a CBLAS)\n";
    dlclose(h);
    return false;
  }
  b.handle = h; b.sgemm = s; b.dgemm = d;
  b.name = vendorOf(h, file, &b.setThreads) + " (" + file + ")";
  return true;
}

// OpenBLAS built with DYNAMIC_ARCH picks its kernels from a table of CPU models when it loads, and
// falls back to its oldest x86-64 kernels (Prescott: SSE3) for a model newer than its release: 0.3.21
// (Debian 12) does so on Emerald Rapids (family 6, model 207), where its sgemm then runs at about a
// third of its AVX-512 kernels' speed (the CNN bench's [32,144]x[144,12544] product: 5.1 ms of one
// core against 1.7 ms with SkylakeX's). Its kernels are chosen by ISA, so while OPENBLAS_CORETYPE is
// unset, flintml names the family that this CPU's features support (checked with cpuid and the OS's
// saved register state, as __builtin_cpu_supports does) for the time of the search: the library reads
// it while it loads, the variable is removed again afterwards, and a value the user set is left alone.
// The core OpenBLAS would have picked on a CPU it knows uses the same sgemm kernels.
struct CoreTypeHint {
  bool set = false;
  std::string note;
  CoreTypeHint() {
#if defined(__x86_64__)
    if (std::getenv("OPENBLAS_CORETYPE")) return;
    __builtin_cpu_init();
    const char* core = nullptr;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd"))
      core = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      core = "Haswell";
    if (!core || setenv("OPENBLAS_CORETYPE", core, 0) != 0) return;
    set = true;
    note = std::string("OPENBLAS_CORETYPE unset: ") + core + " named while the library loads (this CPU's ISA)\n";
#endif
  }
  ~CoreTypeHint() {
    if (set) unsetenv("OPENBLAS_CORETYPE");
  }
};

Blas& blas() {
  static Blas* instance = [] {
    Blas* b = new Blas();  // never freed: a dlclose at exit would race the library's own threads
    const char* env = std::getenv("FLINT_BLAS");
    std::string want = env ? env : "";
    if (want == "builtin" || want == "none") { b->log = "FLINT_BLAS=" + want + ": BLAS search skipped\n"; return b; }
    std::vector<std::string> candidates;
    if (!want.empty()) candidates.push_back(want);
    for (const char* f : {"libopenblas.so.0", "libopenblas.so", "libmkl_rt.so.2", "libmkl_rt.so", "libblis.so.4",
                          "libblis.so", "libcblas.so.3", "libblas.so.3"})
      candidates.push_back(f);
    CoreTypeHint hint;
    for (const auto& f : candidates)
      if (tryLoad(*b, f)) {
        if (hint.set && b->name.compare(0, 8, "openblas") == 0) b->log += hint.note;
        return b;
      }
    b->log += "no CBLAS found: using the built-in GEMM\n";
    return b;
  }();
  return *instance;
}

// The library runs single-threaded (set once, at first use) and the front splits each product over
// flintml's own pool (see splitGemm). A library whose thread count cannot be set (a generic libblas)
// keeps its own threading, and the front calls it once per batch entry from the calling thread.
void singleThreaded(Blas& b) {
  if (!b.setThreads || b.threadsSet.load(std::memory_order_acquire) == 1) return;
  static std::mutex mu;
  std::lock_guard<std::mutex> l(mu);
  if (b.threadsSet.load() != 1) { b.setThreads(1); b.threadsSet.store(1, std::memory_order_release); }
}

bool fitsInt(int64_t v) { return v >= 0 && v <= INT_MAX; }

// The row stride that a stored rows x cols matrix needs; a one-row or empty matrix gets the
// minimum BLAS accepts. A real stride that is too small is the caller's bug.
int64_t fixLd(const char* what, int64_t rows, int64_t cols, int64_t ld) {
  const int64_t need = std::max<int64_t>(1, cols);
  if (rows <= 1 || cols == 0) return std::max(ld, need);
  if (ld < need)
    fail(ErrorKind::Value, std::string("gemm: ") + what + " row stride " + std::to_string(ld) + " is smaller than its " +
                               std::to_string(cols) + " columns");
  return ld;
}

// How one product is cut over the pool: `tiles` slices per batch entry, each `step` rows of C (M),
// columns of C (N) or terms of the inner dimension (K) wide. Slices run as separate single-threaded
// BLAS calls, so each one packs the whole of the operand it shares with the others: cutting the
// larger of M and N keeps that repeated packing (K x the smaller side, per slice) small against the
// arithmetic. A product with a small C and a long K (a convolution's weight gradient,
// [16, 50176] x [50176, 9]) has nothing to cut in M or N: it is cut in K, each slice into its own
// buffer, and the buffers are added into C in slice order afterwards (so the result depends on the
// thread count, as a threaded BLAS's does, but not on scheduling). Slices are multiples of 16 (the
// micro-kernels' widths divide 16: full register tiles), at least kMinTileWork multiply-adds each,
// so that a small product stays on the calling thread (a wake-up costs more than it), and one per
// thread: every further slice packs the shared operand once more and shortens the micro-kernel's
// runs (two per thread made the MLP step ~10% slower, measured), while the pool's claiming
// (parallel.h) already lets the caller take a slice that a late worker has not started. A batch
// gives the pool one item per entry.
enum class Cut { M, N, K };
struct GemmSplit { Cut cut = Cut::M; int64_t tiles = 1, step = 0; bool parallel = false; };
constexpr double kMinTileWork = 48.0 * 48 * 48 * 8;  // ~0.9M multiply-adds: ~20 us on one core
constexpr int64_t kMinKSlice = 256;
constexpr int64_t kMaxKPartials = int64_t(1) << 22;  // elements of the K slices' buffers
GemmSplit splitGemm(int64_t M, int64_t N, int64_t K, int64_t batch, int threads) {
  GemmSplit s;
  s.step = M;  // one slice: the whole entry
  const double work = (double)M * (double)N * (double)K;
  if (threads <= 1 || work * (double)batch < 2 * kMinTileWork) return s;
  int64_t want = batch >= threads ? 1 : (threads + batch - 1) / batch;  // slices per entry
  want = std::min<int64_t>(want, (int64_t)(work / kMinTileWork));
  if (want > 1) {
    const int64_t dim = std::max(M, N), byDim = std::min(want, (dim + 15) / 16);
    int64_t byK = std::min(want, K / kMinKSlice);
    if (batch == 1 && byK > byDim) byK = std::min<int64_t>(byK, 1 + kMaxKPartials / (M * N));
    if (batch == 1 && byK > byDim) {
      s.cut = Cut::K;
      s.step = ((K + byK - 1) / byK + 15) / 16 * 16;
      s.tiles = (K + s.step - 1) / s.step;
    } else if (byDim > 1) {
      s.cut = M >= N ? Cut::M : Cut::N;
      s.step = ((dim + byDim - 1) / byDim + 15) / 16 * 16;
      s.tiles = (dim + s.step - 1) / s.step;
    }
  }
  s.parallel = s.tiles * batch >= 2;
  return s;
}

template <class T, class BlasFn, class BuiltinFn>
void gemmFront(BlasFn Blas::*fnMember, BuiltinFn builtin, bool transA, bool transB, int64_t M, int64_t N, int64_t K,
               T alpha, const T* A, int64_t lda, int64_t strideA, const T* B, int64_t ldb, int64_t strideB, T beta,
               T* C, int64_t ldc, int64_t strideC, int64_t batch, bool split = true) {
  if (M < 0 || N < 0 || K < 0 || batch < 0) fail(ErrorKind::Value, "gemm: negative size");
  if (M == 0 || N == 0 || batch == 0) return;
  lda = fixLd("A", transA ? K : M, transA ? M : K, lda);
  ldb = fixLd("B", transB ? N : K, transB ? K : N, ldb);
  ldc = fixLd("C", M, N, ldc);
  Blas& b = blas();
  const auto fn = b.*fnMember;
  const bool useBlas = fn && K > 0 && fitsInt(M) && fitsInt(N) && fitsInt(K) &&
                       fitsInt(lda) && fitsInt(ldb) && fitsInt(ldc);
  if (!useBlas) {
    builtin(transA, transB, M, N, K, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batch);
    return;
  }
  const int ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans;
  // One BLAS call: rows [m0, m0+m), columns [n0, n0+n) and inner terms [k0, k0+k) of batch entry i,
  // into c (row stride ldOut). A's rows are its columns when it is stored transposed, B's columns
  // its rows likewise.
  auto call = [&](int64_t i, int64_t m0, int64_t m, int64_t n0, int64_t n, int64_t k0, int64_t k, T bt, T* c,
                  int64_t ldOut) {
    const T* a = A + i * strideA + (transA ? m0 + k0 * lda : m0 * lda + k0);
    const T* bb = B + i * strideB + (transB ? n0 * ldb + k0 : k0 * ldb + n0);
    fn(CblasRowMajor, ta, tb, (int)m, (int)n, (int)k, alpha, a, (int)lda, bb, (int)ldb, bt, c, (int)ldOut);
  };
  auto whole = [&](int64_t i) { call(i, 0, M, 0, N, 0, K, beta, C + i * strideC, ldc); };
  if (!b.setThreads) {  // a library that threads itself
    for (int64_t i = 0; i < batch; i++) whole(i);
    return;
  }
  singleThreaded(b);
  const GemmSplit s = split ? splitGemm(M, N, K, batch, numThreads()) : GemmSplit{};
  if (!s.parallel) {
    for (int64_t i = 0; i < batch; i++) whole(i);
    return;
  }
  if (s.cut == Cut::K) {  // one entry (splitGemm): slice 0 into C with beta, the others into partials
    std::vector<T> partial((size_t)((s.tiles - 1) * M * N));
    parallelFor(s.tiles, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; p++) {
        const int64_t k0 = p * s.step, k = std::min(s.step, K - k0);
        if (p == 0) call(0, 0, M, 0, N, k0, k, beta, C, ldc);
        else call(0, 0, M, 0, N, k0, k, T(0), partial.data() + (p - 1) * M * N, N);
      }
    });
    for (int64_t r = 0; r < M; r++)
      for (int64_t p = 1; p < s.tiles; p++) {
        const T* src = partial.data() + (p - 1) * M * N + r * N;
        T* dst = C + r * ldc;
        for (int64_t j = 0; j < N; j++) dst[j] += src[j];
      }
    return;
  }
  // Slices are claimed one at a time by the calling thread and the pool's workers (parallel.h).
  const int64_t dim = s.cut == Cut::M ? M : N;
  parallelFor(s.tiles * batch, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t i = t / s.tiles, lo = (t % s.tiles) * s.step, len = std::min(s.step, dim - lo);
      if (s.cut == Cut::M) call(i, lo, len, 0, N, 0, K, beta, C + i * strideC + lo * ldc, ldc);
      else call(i, 0, M, lo, len, 0, K, beta, C + i * strideC + lo, ldc);
    }
  });
}

}  // namespace

void gemmF32(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha,
             const float* A, int64_t lda, int64_t strideA, const float* B, int64_t ldb, int64_t strideB,
             float beta, float* C, int64_t ldc, int64_t strideC, int64_t batch) {
  gemmFront<float>(&Blas::sgemm, gemmBuiltinF32, transA, transB, M, N, K, alpha, A, lda, strideA, B, ldb, strideB,
                   beta, C, ldc, strideC, batch);
}

void gemmF64(bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha,
             const double* A, int64_t lda, int64_t strideA, const double* B, int64_t ldb, int64_t strideB,
             double beta, double* C, int64_t ldc, int64_t strideC, int64_t batch) {
  gemmFront<double>(&Blas::dgemm, gemmBuiltinF64, transA, transB, M, N, K, alpha, A, lda, strideA, B, ldb, strideB,
                    beta, C, ldc, strideC, batch);
}

void gemmF32One(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  gemmFront<float>(&Blas::sgemm, gemmBuiltinF32, transA, transB, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1, false);
}

void gemmF64One(bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
                const double* B, int64_t ldb, double beta, double* C, int64_t ldc) {
  gemmFront<double>(&Blas::dgemm, gemmBuiltinF64, transA, transB, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1, false);
}

const char* blasBackendName() { return blas().name.c_str(); }
// Every failed candidate, one per line: "" when the first one loaded; with a library found later
// (say FLINT_BLAS named a file that did not load) it still tells `doctor` what was skipped.
const char* blasSearchLog() { return blas().log.c_str(); }

}  // namespace flint
