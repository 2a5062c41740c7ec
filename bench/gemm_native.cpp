// gemm_native.cpp — times flintml's CPU GEMM without the JS layer: gemmF32 (the BLAS path, i.e.
// whatever dlopen found) against the built-in GEMM (what FLINT_BLAS=builtin selects), row-major
// float32 C = A * B at n = 256, 512, 1024, 2048. Per size: one warm-up call each, then the two are
// called alternately (so that background load hits both alike) until each has run for 0.5 s
// (3 calls at least); the median of each is reported, with the builtin/BLAS ratio. JSON lines:
//   {"impl":"flint-blas"|"flint-builtin", "n", "gflops", "ms", "reps"}  and  {"n", "ratio_builtin_vs_blas"}
//
//   g++ -std=c++17 -O3 -fno-math-errno bench/gemm_native.cpp -o /tmp/gemm_native -ldl -lpthread
//   /tmp/gemm_native            # FLINT_NUM_THREADS=1 for one thread (OpenBLAS follows it)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>
#include "../native/core/parallel.cpp"
#include "../native/cpu/gemm.cpp"
#include "../native/cpu/gemm_builtin.cpp"

using Gemm = void (*)(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, int64_t, const float*,
                      int64_t, int64_t, float, float*, int64_t, int64_t, int64_t);

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main() {
  std::fprintf(stderr, "blas backend: %s; %d threads\n", flint::blasBackendName(), flint::numThreads());
  const char* names[2] = {"flint-blas", "flint-builtin"};
  const Gemm fns[2] = {flint::gemmF32, flint::gemmBuiltinF32};
  for (int n : {256, 512, 1024, 2048}) {
    std::vector<float> A((size_t)n * n), B((size_t)n * n), C((size_t)n * n);
    for (size_t i = 0; i < A.size(); i++) { A[i] = (float)((i * 7 % 13) - 6.f) / 8; B[i] = (float)((i * 5 % 11) - 5.f) / 8; }
    auto call = [&](int f) { fns[f](false, false, n, n, n, 1.f, A.data(), n, 0, B.data(), n, 0, 0.f, C.data(), n, 0, 1); };
    call(0); call(1);
    std::vector<double> times[2];
    double spent[2] = {0, 0};
    while (times[0].size() < 4096 && (times[0].size() < 3 || spent[0] < 0.5 || spent[1] < 0.5)) {
      for (int f = 0; f < 2; f++) {
        const double t0 = now();
        call(f);
        const double t = now() - t0;
        times[f].push_back(t); spent[f] += t;
      }
    }
    double gf[2];
    for (int f = 0; f < 2; f++) {
      const double t = median(times[f]);
      gf[f] = 2.0 * n * n * n / t * 1e-9;
      std::printf("{\"impl\":\"%s\",\"n\":%d,\"gflops\":%.2f,\"ms\":%.3f,\"reps\":%zu}\n", names[f], n, gf[f], t * 1e3,
                  times[f].size());
    }
    std::printf("{\"n\":%d,\"ratio_builtin_vs_blas\":%.3f}\n", n, gf[1] / gf[0]);
    std::fflush(stdout);
  }
  return 0;
}
