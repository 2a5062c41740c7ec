// gemm_native.cpp — times flintml's CPU GEMM without the JS layer: gemmF32 (the BLAS path, i.e.
// whatever dlopen found) and the built-in GEMM (what FLINT_BLAS=builtin selects), row-major
// C = A * B at n = 256, 512, 1024, 2048 float32, with the method of bench/gemm_openblas.c (one
// warm-up, repetitions for at least 0.5 s, median). JSON lines: {"impl", "n", "gflops", "ms"}.
//
//   g++ -std=c++17 -O3 -fno-math-errno bench/gemm_native.cpp -o /tmp/gemm_native -ldl -lpthread
//   /tmp/gemm_native [builtin|blas]   # default: both
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>
#include "../native/core/parallel.cpp"
#include "../native/cpu/gemm.cpp"
#include "../native/cpu/gemm_builtin.cpp"

using Gemm = void (*)(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, int64_t, const float*,
                      int64_t, int64_t, float, float*, int64_t, int64_t, int64_t);

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static void bench(const char* impl, Gemm gemm, int n) {
  std::vector<float> A((size_t)n * n), B((size_t)n * n), C((size_t)n * n);
  for (size_t i = 0; i < A.size(); i++) { A[i] = (float)((i * 7 % 13) - 6.f) / 8; B[i] = (float)((i * 5 % 11) - 5.f) / 8; }
  auto call = [&] { gemm(false, false, n, n, n, 1.f, A.data(), n, 0, B.data(), n, 0, 0.f, C.data(), n, 0, 1); };
  call();
  std::vector<double> times;
  const double start = now();
  while (times.size() < 4096 && (times.size() < 3 || now() - start < 0.5)) {
    const double t0 = now();
    call();
    times.push_back(now() - t0);
  }
  std::sort(times.begin(), times.end());
  const double t = times[times.size() / 2];
  std::printf("{\"impl\":\"%s\",\"n\":%d,\"gflops\":%.2f,\"ms\":%.3f,\"reps\":%zu}\n", impl, n, 2.0 * n * n * n / t * 1e-9,
              t * 1e3, times.size());
  std::fflush(stdout);
}

int main(int argc, char** argv) {
  const char* which = argc > 1 ? argv[1] : "both";
  std::fprintf(stderr, "blas backend: %s; %d threads\n", flint::blasBackendName(), flint::numThreads());
  for (int n : {256, 512, 1024, 2048}) {
    if (std::strcmp(which, "builtin")) bench("flint-blas", flint::gemmF32, n);
    if (std::strcmp(which, "blas")) bench("flint-builtin", flint::gemmBuiltinF32, n);
  }
  return 0;
}
