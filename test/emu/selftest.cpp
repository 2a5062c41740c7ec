// selftest.cpp — checks the CUDA driver emulator (test/emu) through the driver API only, as the
// GPU backend uses it: dlopen()s the emulator's libcuda.so.1, allocates, copies, launches kernels of
// native/kernels (with the argument layouts those files declare) and of test/emu/kernels/emutest.cu,
// and compares with naive host references written here. Built and run by test/emu.test.ts:
//
//   g++ -std=c++17 -O1 -Inative -o selftest test/emu/selftest.cpp -ldl
//   ./selftest build-emu/libcuda.so.1            all checks; prints PASS/FAIL lines, exit 1 on failure
//   ./selftest build-emu/libcuda.so.1 oob        (with FLINT_EMU_GUARD=1) a kernel writes past its
//                                                allocation: the process must die of SIGSEGV
//   ./selftest build-emu/libcuda.so.1 bench      launch overhead figures only
// The full run also checks the asynchronous model (streams, events, the legacy stream, pinned and
// pageable copies, sticky kernel failures) and runs itself again, in child processes, for what
// must start from a fresh context: `sticky`, `trap` (a failed kernel kills the context), and
// `syncmode` (FLINT_EMU_SYNC=1: failed launches return 719 at once and later calls work).
#include <dlfcn.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "core/philox.h"

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
typedef void* Handle;

struct Api {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int*);
  CUresult (*cuGetErrorName)(CUresult, const char**);
  CUresult (*cuDeviceGetCount)(int*);
  CUresult (*cuDeviceGet)(int*, int);
  CUresult (*cuDeviceGetName)(char*, int, int);
  CUresult (*cuDeviceGetAttribute)(int*, int, int);
  CUresult (*cuDeviceTotalMem_v2)(size_t*, int);
  CUresult (*cuDevicePrimaryCtxRetain)(Handle*, int);
  CUresult (*cuCtxSetCurrent)(Handle);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadData)(Handle*, const void*);
  CUresult (*cuModuleGetFunction)(Handle*, Handle, const char*);
  CUresult (*cuLaunchKernel)(Handle, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, Handle,
                             void**, void**);
  CUresult (*cuMemAlloc_v2)(CUdeviceptr*, size_t);
  CUresult (*cuMemFree_v2)(CUdeviceptr);
  CUresult (*cuMemGetInfo_v2)(size_t*, size_t*);
  CUresult (*cuMemcpyHtoDAsync_v2)(CUdeviceptr, const void*, size_t, Handle);
  CUresult (*cuMemcpyDtoHAsync_v2)(void*, CUdeviceptr, size_t, Handle);
  CUresult (*cuMemcpyDtoDAsync_v2)(CUdeviceptr, CUdeviceptr, size_t, Handle);
  CUresult (*cuMemsetD8Async)(CUdeviceptr, unsigned char, size_t, Handle);
  CUresult (*cuStreamCreate)(Handle*, unsigned);
  CUresult (*cuStreamDestroy_v2)(Handle);
  CUresult (*cuEventCreate)(Handle*, unsigned);
  CUresult (*cuEventRecord)(Handle, Handle);
  CUresult (*cuEventElapsedTime)(float*, Handle, Handle);
  CUresult (*cuFuncSetAttribute)(Handle, int, int);
  CUresult (*cuStreamSynchronize)(Handle);
  CUresult (*cuStreamQuery)(Handle);
  CUresult (*cuStreamWaitEvent)(Handle, Handle, unsigned);
  CUresult (*cuEventQuery)(Handle);
  CUresult (*cuEventSynchronize)(Handle);
  CUresult (*cuEventDestroy_v2)(Handle);
  CUresult (*cuMemHostAlloc)(void**, size_t, unsigned);
  CUresult (*cuMemFreeHost)(void*);
  int (*flint_emu_threads)();
  int (*flint_emu_sync)();
};
Api api;
Handle module;
int failures = 0;

#define LOAD(name)                                                    \
  do {                                                                \
    *(void**)&api.name = dlsym(lib, #name);                           \
    if (!api.name) { fprintf(stderr, "missing symbol %s\n", #name); exit(2); } \
  } while (0)

#define CK(call)                                                                         \
  do {                                                                                   \
    CUresult r_ = (call);                                                                \
    if (r_ != 0) {                                                                       \
      const char* n_ = nullptr;                                                          \
      api.cuGetErrorName(r_, &n_);                                                       \
      fprintf(stderr, "%s:%d: %s -> %d %s\n", __FILE__, __LINE__, #call, r_, n_ ? n_ : ""); \
      exit(3);                                                                           \
    }                                                                                    \
  } while (0)

void check(bool ok, const std::string& name, const std::string& detail = "") {
  printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name.c_str(), detail.empty() ? "" : ": ", detail.c_str());
  if (!ok) failures++;
}

Handle fn(const char* name) {
  static std::map<std::string, Handle> cache;
  Handle& f = cache[name];
  if (!f) CK(api.cuModuleGetFunction(&f, module, name));
  return f;
}

template <class... A>
CUresult launchOn(Handle stream, const char* name, unsigned grid, unsigned block, unsigned shared, const A&... a) {
  void* params[] = {const_cast<void*>(static_cast<const void*>(&a))..., nullptr};
  return api.cuLaunchKernel(fn(name), grid, 1, 1, block, 1, 1, shared, stream, params, nullptr);
}
template <class... A> CUresult launch(const char* name, unsigned grid, unsigned block, unsigned shared, const A&... a) {
  return launchOn(nullptr, name, grid, block, shared, a...);
}

template <class T> CUdeviceptr toDevice(const std::vector<T>& v) {
  CUdeviceptr p = 0;
  CK(api.cuMemAlloc_v2(&p, v.size() * sizeof(T) + 1));
  CK(api.cuMemcpyHtoDAsync_v2(p, v.data(), v.size() * sizeof(T), nullptr));
  return p;
}
template <class T> std::vector<T> toHost(CUdeviceptr p, size_t n) {
  std::vector<T> v(n);
  CK(api.cuMemcpyDtoHAsync_v2(v.data(), p, n * sizeof(T), nullptr));
  return v;
}

// native/kernels/elementwise.cu: StridedArgs<N>
template <int N> struct StridedArgs {
  int32_t ndim;
  int32_t contiguous;
  int64_t numel;
  int64_t shape[16];
  int64_t strides[N][16];
};
// elementwise.cu's ScalarOperands (binary/where scalars by value): none here
struct ScalarOperands { double v[2]; int32_t mask; int32_t pad; };
const ScalarOperands kNoScalars{};

bool close(double a, double b, double rtol, double atol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= atol + rtol * std::fabs(b);
}

std::vector<float> randomFloats(size_t n, unsigned seed, float lo = -3, float hi = 3) {
  std::vector<float> v(n);
  uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (auto& x : v) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    x = lo + (hi - lo) * (float)((s >> 40) & 0xffffff) / 16777216.0f;
  }
  return v;
}

// ---- native/kernels checks -------------------------------------------------------------------------------
void testBinary() {
  // contiguous: out = x + y over 3000 elements (several blocks, partial tiles)
  const size_t n = 3000;
  auto x = randomFloats(n, 1), y = randomFloats(n, 2);
  CUdeviceptr dx = toDevice(x), dy = toDevice(y), dout = 0, err = 0;
  CK(api.cuMemAlloc_v2(&dout, n * 4));
  CK(api.cuMemAlloc_v2(&err, 4));
  CK(api.cuMemsetD8Async(err, 0, 4, nullptr));
  StridedArgs<3> a{};
  a.ndim = 1;
  a.contiguous = 1;
  a.numel = (int64_t)n;
  a.shape[0] = (int64_t)n;
  for (int k = 0; k < 3; k++) a.strides[k][0] = 1;
  void* pout = (void*)dout;
  const void* px = (const void*)dx;
  const void* py = (const void*)dy;
  int code = 0;  // B_ADD
  int* perr = (int*)err;
  CK(launch("flint_binary_f32", 2, 256, 0, a, pout, px, py, kNoScalars, code, perr));
  auto o = toHost<float>(dout, n);
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) bad += o[i] != x[i] + y[i];
  check(bad == 0, "flint_binary_f32 add, contiguous, grid 2 x 256 over 3000", std::to_string(bad) + " wrong");

  // strided with broadcasting: out[i][j] = x[i][j] * y[j] for a 30 x 100 view of x transposed
  StridedArgs<3> b{};
  b.ndim = 2;
  b.contiguous = 0;
  b.numel = 3000;
  b.shape[0] = 30;
  b.shape[1] = 100;
  b.strides[0][0] = 100; b.strides[0][1] = 1;   // out contiguous
  b.strides[1][0] = 1;   b.strides[1][1] = 30;  // x read transposed (x is 100 x 30)
  b.strides[2][0] = 0;   b.strides[2][1] = 1;   // y broadcast along rows (first 100 of y)
  code = 2;  // B_MUL
  CK(launch("flint_binary_f32", 3, 256, 0, b, pout, px, py, kNoScalars, code, perr));
  o = toHost<float>(dout, n);
  bad = 0;
  for (int i = 0; i < 30; i++)
    for (int j = 0; j < 100; j++) bad += o[i * 100 + j] != x[j * 30 + i] * y[j];
  check(bad == 0, "flint_binary_f32 mul, transposed + broadcast operands", std::to_string(bad) + " wrong");

  // integer division by zero sets error bit 2 (floorDivide)
  std::vector<int32_t> xi = {7, -7, 3, 9}, yi = {2, 2, 0, -4};
  CUdeviceptr dxi = toDevice(xi), dyi = toDevice(yi), douti = 0;
  CK(api.cuMemAlloc_v2(&douti, 16));
  StridedArgs<3> c{};
  c.ndim = 1; c.contiguous = 1; c.numel = 4; c.shape[0] = 4;
  for (int k = 0; k < 3; k++) c.strides[k][0] = 1;
  code = 17;  // B_FLOOR_DIVIDE
  void* pouti = (void*)douti;
  const void* pxi = (const void*)dxi;
  const void* pyi = (const void*)dyi;
  CK(launch("flint_binary_i32", 1, 256, 0, c, pouti, pxi, pyi, kNoScalars, code, perr));
  auto oi = toHost<int32_t>(douti, 4);
  auto e = toHost<int32_t>(err, 1);
  check(oi[0] == 3 && oi[1] == -4 && oi[3] == -3 && e[0] == 2, "flint_binary_i32 floorDivide and its error word",
        std::to_string(oi[0]) + "," + std::to_string(oi[1]) + "," + std::to_string(oi[3]) + " err " + std::to_string(e[0]));
  for (CUdeviceptr p : {dx, dy, dout, err, dxi, dyi, douti}) CK(api.cuMemFree_v2(p));
}

void testReduce() {
  const int64_t rows = 7, n = 1000;
  auto x = randomFloats((size_t)(rows * n), 3);
  x[5 * n + 17] = 50.0f;  // a clear maximum in row 5
  CUdeviceptr dx = toDevice(x), dout = 0, didx = 0, err = 0;
  CK(api.cuMemAlloc_v2(&dout, rows * 4));
  CK(api.cuMemAlloc_v2(&didx, rows * 4));
  CK(api.cuMemAlloc_v2(&err, 4));
  CK(api.cuMemsetD8Async(err, 0, 4, nullptr));
  void* pout = (void*)dout;
  const void* px = (const void*)dx;
  int* perr = (int*)err;
  const char* names[] = {"sum", "prod", "mean", "amax", "amin", "var", "std"};
  for (int code : {0, 2, 3, 4, 5, 6}) {
    double correction = 1.0;
    CK(launch("flint_reduce_f32", (unsigned)rows, 256, 0, pout, px, rows, n, code, correction, perr));
    auto o = toHost<float>(dout, (size_t)rows);
    int bad = 0;
    std::string detail;
    for (int64_t r = 0; r < rows; r++) {
      double s = 0, mx = -INFINITY, mn = INFINITY;
      for (int64_t i = 0; i < n; i++) {
        const double v = x[(size_t)(r * n + i)];
        s += v;
        mx = std::max(mx, v);
        mn = std::min(mn, v);
      }
      const double mean = s / n;
      double m2 = 0;
      for (int64_t i = 0; i < n; i++) m2 += (x[(size_t)(r * n + i)] - mean) * (x[(size_t)(r * n + i)] - mean);
      const double ref = code == 0 ? s : code == 2 ? mean : code == 3 ? mx : code == 4 ? mn
                       : code == 5 ? m2 / (n - 1) : std::sqrt(m2 / (n - 1));
      if (!close(o[(size_t)r], ref, 1e-4, 1e-4)) {
        bad++;
        detail = "row " + std::to_string(r) + ": " + std::to_string(o[(size_t)r]) + " vs " + std::to_string(ref);
      }
    }
    check(bad == 0, std::string("flint_reduce_f32 ") + names[code] + " (blockReduce: shuffles + __syncthreads), 7 rows x 1000", detail);
  }
  // fewer blocks than rows: the grid-stride loop over rows
  {
    int code = 0;
    double correction = 0;
    CK(launch("flint_reduce_f32", 2, 256, 0, pout, px, rows, n, code, correction, perr));
    auto o = toHost<float>(dout, (size_t)rows);
    int bad = 0;
    for (int64_t r = 0; r < rows; r++) {
      double s = 0;
      for (int64_t i = 0; i < n; i++) s += x[(size_t)(r * n + i)];
      bad += !close(o[(size_t)r], s, 1e-4, 1e-3);
    }
    check(bad == 0, "flint_reduce_f32 sum with grid 2 < rows 7");
  }
  {
    int code = 0;  // argmax
    CK(launch("flint_argreduce_f32", (unsigned)rows, 256, 0, pout, (int32_t*)didx, px, rows, n, code));
    auto idx = toHost<int32_t>(didx, (size_t)rows);
    int bad = 0;
    for (int64_t r = 0; r < rows; r++) {
      int64_t best = 0;
      for (int64_t i = 1; i < n; i++)
        if (x[(size_t)(r * n + i)] > x[(size_t)(r * n + best)]) best = i;
      bad += idx[(size_t)r] != best;
    }
    check(bad == 0 && idx[5] == 17, "flint_argreduce_f32 argmax (shuffled structs)");
  }
  for (CUdeviceptr p : {dx, dout, didx, err}) CK(api.cuMemFree_v2(p));
}

void testSoftmaxScan() {
  const int64_t rows = 5, n = 300;
  auto x = randomFloats((size_t)(rows * n), 4, -10, 10);
  CUdeviceptr dx = toDevice(x), dout = 0;
  CK(api.cuMemAlloc_v2(&dout, rows * n * 4));
  void* pout = (void*)dout;
  const void* px = (const void*)dx;
  CK(launch("flint_softmax_f32", 3, 256, 0, pout, px, rows, n));
  auto o = toHost<float>(dout, (size_t)(rows * n));
  int bad = 0;
  for (int64_t r = 0; r < rows; r++) {
    double m = -INFINITY, s = 0;
    for (int64_t i = 0; i < n; i++) m = std::max(m, (double)x[(size_t)(r * n + i)]);
    for (int64_t i = 0; i < n; i++) s += std::exp(x[(size_t)(r * n + i)] - m);
    for (int64_t i = 0; i < n; i++) bad += !close(o[(size_t)(r * n + i)], std::exp(x[(size_t)(r * n + i)] - m) / s, 1e-5, 1e-7);
  }
  check(bad == 0, "flint_softmax_f32, 5 rows x 300, grid 3", std::to_string(bad) + " wrong");

  // inclusive cumsum of int32 over 1000 elements: 4 tiles of 256 with shflUp scans and carries
  const int64_t m = 1000;
  std::vector<int32_t> xi((size_t)m);
  for (int64_t i = 0; i < m; i++) xi[(size_t)i] = (int32_t)((i * 7919) % 23) - 11;
  CUdeviceptr dxi = toDevice(xi), douti = 0;
  CK(api.cuMemAlloc_v2(&douti, m * 4));
  int code = 0;
  int64_t one = 1;
  CK(launch("flint_scan_i32", 1, 256, 0, (void*)douti, (const void*)dxi, one, m, code));
  auto oi = toHost<int32_t>(douti, (size_t)m);
  int64_t acc = 0;
  bad = 0;
  for (int64_t i = 0; i < m; i++) {
    acc += xi[(size_t)i];
    bad += oi[(size_t)i] != acc;
  }
  check(bad == 0, "flint_scan_i32 cumsum (shflUp warp scan), 1000 elements", std::to_string(bad) + " wrong");
  for (CUdeviceptr p : {dx, dout, dxi, douti}) CK(api.cuMemFree_v2(p));
}

void testUniform() {
  const int64_t n = 5000;
  CUdeviceptr dout = 0;
  CK(api.cuMemAlloc_v2(&dout, n * 4));
  uint32_t key0 = 1234, key1 = 0;
  uint64_t offset = 40;
  double from = -2, to = 3;
  CK(launch("flint_uniform_f32", 4, 256, 0, (void*)dout, n, key0, key1, offset, from, to));
  auto o = toHost<float>(dout, (size_t)n);
  flint::philox::Stream s;
  s.key0 = key0;
  s.key1 = key1;
  s.offset = offset;
  int bad = 0;
  for (int64_t i = 0; i < n; i++) {
    const float u = flint::philox::uniformFloat(s.at((uint64_t)i).w[0], 24);
    bad += o[(size_t)i] != (float)from + ((float)to - (float)from) * u;
  }
  check(bad == 0, "flint_uniform_f32 matches philox.h bit for bit, 5000 values", std::to_string(bad) + " wrong");
  CK(api.cuMemFree_v2(dout));
}

// ---- the device math model and FMA contraction (emu_cuda.h, build-emu.js) ----------------------------------
// Distance in ulps between two finite values of one type (0 for +0 / -0).
template <class T> int64_t ulpDistance(T a, T b) {
  auto ordered = [](T v) {  // monotonic map of the bit patterns onto the integers
    typedef typename std::conditional<sizeof(T) == 4, int32_t, int64_t>::type I;
    I i;
    memcpy(&i, &v, sizeof v);
    return i < 0 ? -(int64_t)(i & std::numeric_limits<I>::max()) : (int64_t)i;
  };
  const int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}
std::string hexf(double v) {
  char buf[40];
  snprintf(buf, sizeof buf, "%a", v);
  return buf;
}
bool sameValue(double a, double b) {  // bit for bit up to NaN payloads (signed zeros differ)
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

// Launches flint_emutest_math_<S> over x and checks each function against the correctly rounded
// value (the host's, one precision up): within CUDA's bound (the Programming Guide's table, as
// emu_cuda.h states it: float exp, tanh, erf 2, log 1; double exp, tanh, log 1, erf 2), and moved by a
// nonzero number of ulps for a good share of the inputs (a model that is the identity would pass
// every CPU-vs-GPU test without showing anything).
template <class T, class W> void checkDeviceMath(const char* kernel, const std::vector<T>& x, const int bounds[4]) {
  const int n = (int)x.size();
  CUdeviceptr dx = toDevice(x), dout = 0;
  CK(api.cuMemAlloc_v2(&dout, 4 * x.size() * sizeof(T)));
  CK(launch(kernel, 8, 128, 0, (const void*)dx, (void*)dout, n));
  auto o = toHost<T>(dout, 4 * x.size());
  const char* names[4] = {"exp", "tanh", "erf", "log|x|"};
  for (int k = 0; k < 4; k++) {
    int64_t worst = 0;
    int moved = 0, finite = 0;
    for (int i = 0; i < n; i++) {
      const W w = (W)x[(size_t)i];
      const T cr = (T)(k == 0 ? std::exp(w) : k == 1 ? std::tanh(w) : k == 2 ? std::erf(w) : std::log(std::fabs(w)));
      const T got = o[4 * (size_t)i + k];
      if (!std::isfinite(cr) || !std::isfinite(got)) { worst = std::max<int64_t>(worst, sameValue(got, cr) ? 0 : 1 << 30); continue; }
      const int64_t d = ulpDistance(got, cr);
      worst = std::max(worst, d);
      if (std::fabs(cr) == 1) continue;  // saturated tanh, erf: kept (counted in worst only)
      finite++;
      moved += d != 0;
    }
    const std::string name = std::string(kernel) + " " + names[k];
    check(worst <= bounds[k], name + ": within " + std::to_string(bounds[k]) + " ulp of the correctly rounded value",
          "worst " + std::to_string(worst) + " ulp");
    check(moved * 10 >= finite * 3, name + ": the model moves >= 30% of the results off the correctly rounded value",
          std::to_string(moved) + " of " + std::to_string(finite));
  }
  CK(api.cuMemFree_v2(dx));
  CK(api.cuMemFree_v2(dout));
}

// IEEE's special values and the exact and saturated results stay what CUDA gives.
template <class T> void checkDeviceMathSpecials(const char* kernel) {
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  const std::vector<T> x = {nan, inf, -inf, (T)0, -(T)0, (T)1, (T)1000, (T)-1000, (T)20, (T)-20, (T)10, (T)-10};
  // exp, tanh, erf, log|x| of each
  const T want[][4] = {{nan, nan, nan, nan},        {inf, 1, 1, inf},        {0, -1, -1, inf},
                       {1, 0, 0, -inf},            {1, -(T)0, -(T)0, -inf}, {(T)std::exp((long double)1), (T)std::tanh((long double)1), (T)std::erf((long double)1), 0},
                       {inf, 1, 1, (T)std::log((long double)1000)}, {0, -1, -1, (T)std::log((long double)1000)},
                       {(T)std::exp((long double)20), 1, 1, (T)std::log((long double)20)},
                       {(T)std::exp((long double)-20), -1, -1, (T)std::log((long double)20)},
                       {(T)std::exp((long double)10), (T)std::tanh((long double)10), 1, (T)std::log((long double)10)},
                       {(T)std::exp((long double)-10), (T)std::tanh((long double)-10), -1, (T)std::log((long double)10)}};
  CUdeviceptr dx = toDevice(x), dout = 0;
  CK(api.cuMemAlloc_v2(&dout, 4 * x.size() * sizeof(T)));
  CK(launch(kernel, 1, 32, 0, (const void*)dx, (void*)dout, (int)x.size()));
  auto o = toHost<T>(dout, 4 * x.size());
  std::string bad;
  for (size_t i = 0; i < x.size(); i++)
    for (int k = 0; k < 4; k++) {
      const T w = want[i][k], g = o[4 * i + k];
      // the special values (and exact or saturated results) bit for bit; the rest within CUDA's bound
      const bool special = !std::isfinite(w) || w == 0 || w == 1 || w == -1;
      if (special ? !sameValue(g, w) : ulpDistance(g, w) > 2)
        bad += " f" + std::to_string(k) + "(" + std::to_string((double)x[i]) + ")=" + std::to_string((double)g);
    }
  check(bad.empty(), std::string(kernel) + ": special values, exact and saturated results as CUDA gives them", bad);
  CK(api.cuMemFree_v2(dx));
  CK(api.cuMemFree_v2(dout));
}

void testDeviceMath() {
  int mode = 1;
  {  // FMA contraction: a * b + c rounds once (as under nvcc), __fmul_rn(a, b) + c twice
    const float f1 = 1.0f + std::ldexp(1.0f, -23);
    const double d1 = 1.0 + std::ldexp(1.0, -52);
    // (1 + e)^2 - (1 + 2e) = e^2: exact with one rounding, 0 with two (the product rounds to 1 + 2e)
    const std::vector<float> f = {f1, f1, -(1.0f + std::ldexp(1.0f, -22))};
    const std::vector<double> d = {d1, d1, -(1.0 + std::ldexp(1.0, -51))};
    CUdeviceptr df = toDevice(f), dd = toDevice(d), dfo = 0, ddo = 0, dmode = 0;
    CK(api.cuMemAlloc_v2(&dfo, 8));
    CK(api.cuMemAlloc_v2(&ddo, 16));
    CK(api.cuMemAlloc_v2(&dmode, 4));
    CK(launch("flint_emutest_fma", 1, 1, 0, (const void*)df, (const void*)dd, (void*)dfo, (void*)ddo, (void*)dmode));
    auto fo = toHost<float>(dfo, 2);
    auto dout = toHost<double>(ddo, 2);
    mode = toHost<int32_t>(dmode, 1)[0];
    printf("device math model: %s\n", mode ? "on" : "off (FLINT_EMU_HOST_MATH build)");
    const float fWant = mode ? std::ldexp(1.0f, -46) : 0.0f;
    const double dWant = mode ? std::ldexp(1.0, -104) : 0.0;
    check(fo[0] == fWant && dout[0] == dWant, std::string("a * b + c in a kernel ") + (mode ? "is contracted into one FMA, as nvcc does" : "is not contracted (off switch)"),
          hexf(fo[0]) + " " + hexf(dout[0]));
    check(fo[1] == 0.0f && dout[1] == 0.0, "__fmul_rn(a, b) + c / __dmul_rn(a, b) + c are never contracted",
          hexf(fo[1]) + " " + hexf(dout[1]));
    for (CUdeviceptr p : {df, dd, dfo, ddo, dmode}) CK(api.cuMemFree_v2(p));
  }
  // 4096 inputs over [-12, 12] (exp neither overflows nor underflows there; tanh and erf are not
  // all saturated)
  const std::vector<float> xf = randomFloats(4096, 7, -12, 12);
  const std::vector<double> xd(xf.begin(), xf.end());
  std::vector<double> xd2 = xd;
  for (size_t i = 0; i < xd2.size(); i++) xd2[i] += xd[(i * 7 + 3) % xd.size()] * 1e-9;  // use all 53 bits
  const int fb[4] = {2, 2, 2, 1}, db[4] = {1, 1, 2, 1};
  if (!mode) {  // the host's own functions (vmath.h, glibc): nothing of CUDA's to check
    printf("SKIP the device math model's checks: FLINT_EMU_HOST_MATH build\n");
    return;
  }
  checkDeviceMath<float, double>("flint_emutest_math_f32", xf, fb);
  checkDeviceMath<double, long double>("flint_emutest_math_f64", xd2, db);
  checkDeviceMathSpecials<float>("flint_emutest_math_f32");
  checkDeviceMathSpecials<double>("flint_emutest_math_f64");
}

// ---- emulator semantics (test/emu/kernels/emutest.cu) ---------------------------------------------------
void testBarriers(unsigned bx, unsigned by, unsigned bz, unsigned gx, unsigned gy) {
  const int n = (int)(bx * by * bz);
  CUdeviceptr dout = 0;
  CK(api.cuMemAlloc_v2(&dout, (size_t)n * gx * gy * 4));
  int* p = (int*)dout;
  void* params[] = {&p, nullptr};
  CK(api.cuLaunchKernel(fn("flint_emutest_barriers"), gx, gy, 1, bx, by, bz, 0, nullptr, params, nullptr));
  auto o = toHost<int32_t>(dout, (size_t)n * gx * gy);
  int count = 0;
  for (int t = 0; t < n; t++) count += (t % 3 != 2) && (t % 2 == 1);
  int bad = 0;
  for (unsigned by_ = 0; by_ < gy; by_++)
    for (unsigned bx_ = 0; bx_ < gx; bx_++)
      for (int t = 0; t < n; t++) {
        const int v = (n - 1 - t) + (int)bx_;
        const int ref = t % 3 == 2 ? v * 10000 : v * 10000 + count;
        bad += o[(size_t)((bx_ + gx * by_) * n + t)] != ref;
      }
  char name[160];
  snprintf(name, sizeof name, "__syncthreads / __syncthreads_count with exited threads, block (%u,%u,%u), grid (%u,%u)",
           bx, by, bz, gx, gy);
  check(bad == 0, name, std::to_string(bad) + " wrong");
  CK(api.cuMemFree_v2(dout));
}

void testWarp(int n) {
  CUdeviceptr dout = 0;
  CK(api.cuMemAlloc_v2(&dout, (size_t)n * 8 * 4));
  CK(launch("flint_emutest_warp", 1, (unsigned)n, 0, (int*)dout));
  auto o = toHost<int32_t>(dout, (size_t)n * 8);
  int bad = 0;
  std::string detail;
  for (int t = 0; t < n; t++) {
    const int lane = t % 32, base = t - lane;
    const int warpLanes = std::min(32, n - base);
    auto has = [&](int l) { return l < warpLanes; };
    int ref[8];
    ref[0] = lane + 3 < 32 && has(lane + 3) ? t + 3 : (lane + 3 < 32 ? -999 : t);
    ref[1] = has((lane & ~7) + 5) ? base + (lane & ~7) + 5 : -999;
    ref[2] = has(lane ^ 16) ? t ^ 16 : -999;
    ref[3] = (lane & 15) >= 1 ? t - 1 : t;
    unsigned bal = 0;
    for (int l = 0; l < warpLanes; l++) if ((base + l) % 5 == 0) bal |= 1u << l;
    ref[4] = (int)bal;
    ref[5] = has(lane ^ 1) ? (t ^ 1) : -999;
    ref[6] = lane < 16 ? (has(lane ^ 1) ? t ^ 1 : -999) : (has(lane ^ 2) ? t ^ 2 : -999);
    ref[7] = lane >= 20 ? -1 : (has(lane ^ 4) ? t ^ 4 : -999);
    for (int k = 0; k < 8; k++) {
      if (ref[k] == -999) continue;  // source lane does not exist: undefined
      if (o[(size_t)(8 * t + k)] != ref[k]) {
        bad++;
        detail = "thread " + std::to_string(t) + " value " + std::to_string(k) + ": " +
                 std::to_string(o[(size_t)(8 * t + k)]) + " vs " + std::to_string(ref[k]);
      }
    }
  }
  check(bad == 0, "warp shuffles (down, width 8, xor, up width 16, double), ballot, divergent masks, exited lanes, " +
                      std::to_string(n) + " threads", detail);
  CK(api.cuMemFree_v2(dout));
}

void testEmuMisc() {
  // atomics
  {
    CUdeviceptr f = 0, i = 0;
    CK(api.cuMemAlloc_v2(&f, 4));
    CK(api.cuMemAlloc_v2(&i, 16));
    CK(api.cuMemsetD8Async(f, 0, 4, nullptr));
    CK(api.cuMemsetD8Async(i, 0, 16, nullptr));
    CK(launch("flint_emutest_atomics", 10, 128, 0, (float*)f, (int*)i));
    auto vf = toHost<float>(f, 1);
    auto vi = toHost<int32_t>(i, 4);
    const int n = 1280;
    check(vf[0] == 1280.0f && vi[0] == n * (n - 1) / 2 && vi[1] == n - 1 && vi[2] == 0x7fffffff && vi[3] == n,
          "atomicAdd (float, int), atomicMax, atomicOr from 1280 threads");
    CK(api.cuMemFree_v2(f));
    CK(api.cuMemFree_v2(i));
  }
  // dynamic shared memory
  {
    CUdeviceptr d = 0;
    CK(api.cuMemAlloc_v2(&d, 2 * 200 * 4));
    CK(launch("flint_emutest_dynshared", 2, 200, 200 * 4, (float*)d));
    auto o = toHost<float>(d, 400);
    int bad = 0;
    for (int b = 0; b < 2; b++)
      for (int t = 0; t < 200; t++) bad += o[(size_t)(b * 200 + t)] != (float)(199 - t);
    check(bad == 0, "extern __shared__ (dynamic shared memory), 2 blocks of 200");
    check(launch("flint_emutest_dynshared", 1, 32, 100000, (float*)d) == 1,
          "dynamic shared memory above 48 KiB without cuFuncSetAttribute is refused");
    CK(api.cuFuncSetAttribute(fn("flint_emutest_dynshared"), 8, 100000));
    check(launch("flint_emutest_dynshared", 1, 32, 100000, (float*)d) == 0, "... and allowed after cuFuncSetAttribute");
    CK(api.cuMemFree_v2(d));
  }
  // big stack frames on every thread, with a barrier while 256 of them are live
  {
    CUdeviceptr d = 0;
    CK(api.cuMemAlloc_v2(&d, 256 * 4));
    CK(launch("flint_emutest_stack", 1, 256, 0, (int*)d));
    auto o = toHost<int32_t>(d, 256);
    int bad = 0;
    for (int t = 0; t < 256; t++) bad += o[(size_t)t] != 4095 * 4096 / 2 + 4096 * t;
    check(bad == 0, "16 KiB of locals per thread across a barrier");
    CK(api.cuMemFree_v2(d));
  }
  // (deadlocks and traps: the child processes of main, since they end an asynchronous context)
  // launch validation
  {
    CUdeviceptr d = 0;
    CK(api.cuMemAlloc_v2(&d, 4));
    check(launch("flint_emutest_write", 1, 1025, 0, (float*)d, 1LL) == 1, "a block of 1025 threads is refused");
    void* params[] = {&d, nullptr};  // one argument where two are expected
    check(api.cuLaunchKernel(fn("flint_emutest_write"), 1, 1, 1, 32, 1, 1, 0, nullptr, params, nullptr) == 1,
          "too few kernelParams (null-terminated, as launch.h passes them) are refused");
    Handle f = nullptr;
    check(api.cuModuleGetFunction(&f, module, "flint_no_such_kernel") == 500, "an unknown kernel name is CUDA_ERROR_NOT_FOUND");
    CK(api.cuMemFree_v2(d));
  }
}

void testMemory() {
  CUdeviceptr a = 0, b = 0;
  CK(api.cuMemAlloc_v2(&a, 100));
  CK(api.cuMemAlloc_v2(&b, 100));
  check(a % 256 == 0 || getenv("FLINT_EMU_GUARD"), "allocations are 256-byte aligned");
  std::vector<unsigned char> h(200, 7);
  fprintf(stderr, "(expected range errors follow)\n");
  check(api.cuMemcpyHtoDAsync_v2(a, h.data(), 101, nullptr) == 1, "cuMemcpyHtoD past the end of an allocation is refused");
  check(api.cuMemcpyDtoHAsync_v2(h.data(), a + 50, 51, nullptr) == 1, "cuMemcpyDtoH past the end is refused");
  check(api.cuMemcpyDtoDAsync_v2(b, a, 100, nullptr) == 0, "cuMemcpyDtoD inside allocations works");
  check(api.cuMemsetD8Async(a + 99, 0, 2, nullptr) == 1, "cuMemsetD8 past the end is refused");
  check(api.cuMemcpyHtoDAsync_v2(0x1000, h.data(), 4, nullptr) == 1, "a copy to a non-device address is refused");
  check(api.cuMemFree_v2(a + 4) == 1, "cuMemFree of a pointer inside an allocation is refused");
  CK(api.cuMemFree_v2(a));
  check(api.cuMemFree_v2(a) == 1, "a double cuMemFree is refused");
  CK(api.cuMemFree_v2(b));
  // the memory limit (this process runs with FLINT_EMU_MEMORY=64M)
  size_t freeB = 0, total = 0;
  CK(api.cuMemGetInfo_v2(&freeB, &total));
  check(total == (64u << 20) && freeB == total, "cuMemGetInfo reports FLINT_EMU_MEMORY",
        std::to_string(freeB) + " / " + std::to_string(total));
  CUdeviceptr big = 0, big2 = 0;
  CK(api.cuMemAlloc_v2(&big, 40u << 20));
  check(api.cuMemAlloc_v2(&big2, 40u << 20) == 2, "allocating beyond FLINT_EMU_MEMORY is CUDA_ERROR_OUT_OF_MEMORY");
  CK(api.cuMemGetInfo_v2(&freeB, &total));
  check(freeB == (24u << 20), "cuMemGetInfo's free memory counts live allocations");
  CK(api.cuMemFree_v2(big));
  CK(api.cuMemAlloc_v2(&big2, 40u << 20));
  check(true, "freed memory can be allocated again");
  std::vector<unsigned char> poison(16);
  CK(api.cuMemcpyDtoHAsync_v2(poison.data(), big2, 16, nullptr));
  check(poison[0] == 0xFF && poison[15] == 0xFF, "new allocations are poisoned with 0xFF (NaN / -1)");
  CK(api.cuMemFree_v2(big2));
}

// ---- the asynchronous model ------------------------------------------------------------------------------
double nowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Flags that flint_emutest_hold spins on. MAP_SHARED, so that a child process can set one later
// (releaseLater) while this process is blocked in a driver call.
volatile int* flags() {
  static volatile int* f = (volatile int*)mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return f;
}
// Sets *flag = value after `ms` milliseconds, from a child process; returns its pid (for reap()).
pid_t releaseLater(volatile int* flag, int value, int ms) {
  fflush(stdout);
  fflush(stderr);
  const pid_t p = fork();
  if (p == 0) {
    usleep((useconds_t)ms * 1000);
    __atomic_store_n((int*)flag, value, __ATOMIC_SEQ_CST);
    _exit(0);
  }
  return p;
}
void reap(pid_t p) { waitpid(p, nullptr, 0); }
void release(volatile int* flag, int value) { __atomic_store_n((int*)flag, value, __ATOMIC_SEQ_CST); }

// Holds stream `s` until *flag is set: everything queued on `s` after this waits.
void hold(Handle s, volatile int* flag, CUdeviceptr scratch) {
  *flag = 0;
  CK(launchOn(s, "flint_emutest_hold", 1, 1, 0, (const int*)flag, (int*)scratch));
}

void testAsync() {
  volatile int* f = flags();
  const int kNotReady = 600;
  CUdeviceptr d = 0, five = 0;
  CK(api.cuMemAlloc_v2(&d, 64 * 4));
  five = toDevice(std::vector<int32_t>{5});
  const int* pfive = (const int*)five;
  int* pd = (int*)d;
  Handle A = nullptr, B = nullptr, C = nullptr, N = nullptr;
  CK(api.cuStreamCreate(&A, 1));  // CU_STREAM_NON_BLOCKING
  CK(api.cuStreamCreate(&B, 1));
  CK(api.cuStreamCreate(&C, 0));  // blocking: ordered with the legacy stream
  CK(api.cuStreamCreate(&N, 1));

  // a long kernel on A, an event after it, B waits for the event
  {
    Handle eA = nullptr;
    CK(api.cuEventCreate(&eA, 0));
    volatile int hostOut = -1;  // written by a kernel on B: shows whether B ran
    hold(A, &f[0], d);
    CK(api.cuEventRecord(eA, A));
    CK(api.cuStreamWaitEvent(B, eA, 0));
    CK(launchOn(B, "flint_emutest_add", 1, 1, 0, (const int*)pd, pd + 1, 1));
    CK(launchOn(B, "flint_emutest_add", 1, 1, 0, (const int*)(pd + 1), (int*)&hostOut, 100));
    usleep(50000);
    check(api.cuStreamQuery(A) == kNotReady && api.cuEventQuery(eA) == kNotReady && api.cuStreamQuery(B) == kNotReady &&
              hostOut == -1,
          "async: launches return at once; stream A busy, its event and stream B (waiting for the event) not ready");
    release(&f[0], 7);
    CK(api.cuStreamSynchronize(B));
    const int got = hostOut;
    auto o = toHost<int32_t>(d, 2);
    check(got == 108 && o[0] == 7 && o[1] == 8 && api.cuStreamQuery(A) == 0 && api.cuEventQuery(eA) == 0 &&
              api.cuStreamQuery(B) == 0,
          "async: after the release, B ran after A's kernel (cuStreamWaitEvent), queries report done",
          std::to_string(got) + " " + std::to_string(o[0]) + " " + std::to_string(o[1]));
    Handle never = nullptr;
    CK(api.cuEventCreate(&never, 0));
    check(api.cuEventQuery(never) == 0 && api.cuEventSynchronize(never) == 0 && api.cuStreamWaitEvent(B, never, 0) == 0,
          "async: an event never recorded is complete");
    CK(api.cuEventDestroy_v2(never));
    CK(api.cuEventDestroy_v2(eA));
  }
  // the legacy default stream waits for blocking streams, not for non-blocking ones
  {
    volatile int hostL = -1, hostN = -1;
    hold(C, &f[1], d + 8);
    CK(launchOn(nullptr, "flint_emutest_add", 1, 1, 0, pfive, (int*)&hostL, 0));
    CK(launchOn(N, "flint_emutest_add", 1, 1, 0, pfive, (int*)&hostN, 0));
    CK(api.cuStreamSynchronize(N));
    usleep(30000);
    check(hostN == 5 && hostL == -1 && api.cuStreamQuery(nullptr) == kNotReady,
          "legacy stream: waits for a busy blocking stream; a non-blocking stream does not wait for it");
    release(&f[1], 1);
    CK(api.cuStreamSynchronize(nullptr));
    check(hostL == 5 && api.cuStreamQuery(C) == 0, "legacy stream: runs once the blocking stream is done");
  }
  {
    volatile int hostC = -1, hostN = -1;
    hold(nullptr, &f[2], d + 12);
    CK(launchOn(C, "flint_emutest_add", 1, 1, 0, pfive, (int*)&hostC, 0));
    CK(launchOn(N, "flint_emutest_add", 1, 1, 0, pfive, (int*)&hostN, 0));
    CK(api.cuStreamSynchronize(N));
    usleep(30000);
    check(hostN == 5 && hostC == -1, "legacy stream: a blocking stream waits for it; a non-blocking one does not");
    release(&f[2], 1);
    CK(api.cuStreamSynchronize(C));
    check(hostC == 5, "legacy stream: the blocking stream runs once it is done");
  }
  // host -> device: pageable sources are read by the call, page-locked ones when the stream gets there
  {
    CUdeviceptr d1 = 0, d2 = 0;
    CK(api.cuMemAlloc_v2(&d1, 16));
    CK(api.cuMemAlloc_v2(&d2, 16));
    std::vector<int32_t> pageable(4, 1);
    int32_t* pinned = nullptr;
    CK(api.cuMemHostAlloc((void**)&pinned, 16, 0));
    for (int i = 0; i < 4; i++) pinned[i] = 1;
    hold(A, &f[3], d);
    CK(api.cuMemcpyHtoDAsync_v2(d1, pageable.data(), 16, A));
    CK(api.cuMemcpyHtoDAsync_v2(d2, pinned, 16, A));
    for (int i = 0; i < 4; i++) pageable[i] = pinned[i] = 2;
    release(&f[3], 1);
    CK(api.cuStreamSynchronize(A));
    auto o1 = toHost<int32_t>(d1, 4), o2 = toHost<int32_t>(d2, 4);
    check(o1[0] == 1 && o1[3] == 1, "cuMemcpyHtoDAsync from pageable memory reads it before returning");
    check(o2[0] == 2 && o2[3] == 2, "cuMemcpyHtoDAsync from cuMemHostAlloc memory reads it when the stream gets there");
    // device -> host: into page-locked memory asynchronous, into pageable memory complete on return
    int32_t* pinnedOut = nullptr;
    CK(api.cuMemHostAlloc((void**)&pinnedOut, 16, 0));
    for (int i = 0; i < 4; i++) pinnedOut[i] = -1;
    std::vector<int32_t> pageOut(4, -1);
    hold(A, &f[4], d);
    CK(api.cuMemcpyDtoHAsync_v2(pinnedOut, d2, 16, A));
    const bool early = pinnedOut[0] == -1 && api.cuStreamQuery(A) == kNotReady;
    const pid_t p = releaseLater(&f[4], 1, 120);
    const double t0 = nowMs();
    CK(api.cuMemcpyDtoHAsync_v2(pageOut.data(), d1, 16, A));
    const double waited = nowMs() - t0;
    reap(p);
    check(early, "cuMemcpyDtoHAsync into cuMemHostAlloc memory returns before the copy");
    check(waited > 60 && pageOut[0] == 1 && pageOut[3] == 1 && pinnedOut[0] == 2,
          "cuMemcpyDtoHAsync into pageable memory returns once the copy (and the work before it) is done",
          std::to_string(waited) + " ms");
    CK(api.cuMemFreeHost(pinned));
    CK(api.cuMemFreeHost(pinnedOut));
    CK(api.cuMemFree_v2(d1));
    CK(api.cuMemFree_v2(d2));
  }
  // kernel arguments are read by cuLaunchKernel
  {
    int add = 1;
    hold(A, &f[5], d);
    CK(launchOn(A, "flint_emutest_add", 1, 1, 0, pfive, pd + 3, add));
    add = 1000;
    release(&f[5], 1);
    CK(api.cuStreamSynchronize(A));
    check(toHost<int32_t>(d + 12, 1)[0] == 6, "kernel arguments are copied at launch");
  }
  // elapsed time between the completions of two events
  {
    Handle s = nullptr, e = nullptr;
    CK(api.cuEventCreate(&s, 0));
    CK(api.cuEventCreate(&e, 0));
    CK(api.cuEventRecord(s, A));
    hold(A, &f[6], d);
    CK(api.cuEventRecord(e, A));
    float ms = -1;
    const int early = api.cuEventElapsedTime(&ms, s, e);
    CK(api.cuEventSynchronize(s));  // the start is stamped before the release is even scheduled
    const pid_t p = releaseLater(&f[6], 1, 80);
    CK(api.cuEventSynchronize(e));
    reap(p);
    CK(api.cuEventElapsedTime(&ms, s, e));
    check(early == kNotReady && ms >= 60 && ms < 10000,
          "cuEventElapsedTime: CUDA_ERROR_NOT_READY before the end event completes, then the time of a long kernel",
          std::to_string(ms) + " ms");
    CK(api.cuEventDestroy_v2(s));
    CK(api.cuEventDestroy_v2(e));
  }
  // cuMemFree synchronizes the device
  {
    CUdeviceptr tmp = 0;
    CK(api.cuMemAlloc_v2(&tmp, 64));
    hold(N, &f[7], d);
    const pid_t p = releaseLater(&f[7], 1, 100);
    const double t0 = nowMs();
    CK(api.cuMemFree_v2(tmp));
    const double waited = nowMs() - t0;
    reap(p);
    check(waited > 50 && api.cuStreamQuery(N) == 0, "cuMemFree waits for the work queued on every stream",
          std::to_string(waited) + " ms");
  }
  // a destroyed stream still runs what was queued on it
  {
    Handle X = nullptr;
    volatile int hostX = -1;
    CK(api.cuStreamCreate(&X, 1));
    hold(X, &f[8], d);
    CK(launchOn(X, "flint_emutest_add", 1, 1, 0, pfive, (int*)&hostX, 2));
    CK(api.cuStreamDestroy_v2(X));
    const bool pending = hostX == -1;
    release(&f[8], 1);
    CK(api.cuCtxSynchronize());
    check(pending && hostX == 7, "cuStreamDestroy returns at once; the work queued on the stream still completes");
  }
  for (Handle s : {A, B, C, N}) CK(api.cuStreamDestroy_v2(s));
  CK(api.cuMemFree_v2(d));
  CK(api.cuMemFree_v2(five));
}

// Many blocks with __shared__ arrays at once (on FLINT_EMU_THREADS OS threads).
void testParallelBlocks() {
  const int blocks = 300;
  std::vector<int32_t> in((size_t)blocks * 256);
  for (size_t i = 0; i < in.size(); i++) in[i] = (int32_t)(i * 7 % 1000);
  CUdeviceptr din = toDevice(in), dout = 0;
  CK(api.cuMemAlloc_v2(&dout, in.size() * 4));
  CK(launch("flint_emutest_shared", blocks, 256, 0, (const int*)din, (int*)dout));
  auto o = toHost<int32_t>(dout, in.size());
  int bad = 0;
  for (int b = 0; b < blocks; b++)
    for (int t = 0; t < 256; t++) bad += o[(size_t)(b * 256 + t)] != in[(size_t)(b * 256 + 255 - t)] + 256;
  check(bad == 0, "__shared__ is per block with " + std::to_string(api.flint_emu_threads()) + " OS thread(s) running " +
                      std::to_string(blocks) + " blocks", std::to_string(bad) + " wrong");
  CK(api.cuMemFree_v2(din));
  CK(api.cuMemFree_v2(dout));
}

// Mode `order`: what the scheduler did under this process's FLINT_EMU_ORDER / FLINT_EMU_SEED /
// FLINT_EMU_POISON, printed for test/emu.test.ts (which runs it under each setting and compares).
void printOrder() {
  const int blocks = 3, n = 64;
  CUdeviceptr c = 0, st = 0, rs = 0;
  CK(api.cuMemAlloc_v2(&c, 2 * blocks * 4));
  CK(api.cuMemAlloc_v2(&st, blocks * n * 4));
  CK(api.cuMemAlloc_v2(&rs, blocks * n * 4));
  CK(api.cuMemsetD8Async(c, 0, 2 * blocks * 4, nullptr));
  CK(launch("flint_emutest_order", blocks, n, 0, (int*)c, (int*)st, (int*)rs));
  auto line = [](const char* tag, int b, const int32_t* v, int m) {
    printf("%s %d:", tag, b);
    for (int i = 0; i < m; i++) printf(" %d", v[i]);
    printf("\n");
  };
  auto so = toHost<int32_t>(st, blocks * n), ro = toHost<int32_t>(rs, blocks * n);
  for (int b = 0; b < blocks; b++) line("START", b, &so[(size_t)b * n], n);
  for (int b = 0; b < blocks; b++) line("RESUME", b, &ro[(size_t)b * n], n);
  CK(launch("flint_emutest_race", 2, n, 0, (int*)st));
  auto race = toHost<int32_t>(st, 2 * n);
  for (int b = 0; b < 2; b++) line("RACE", b, &race[(size_t)b * n], n);
  // many blocks, so that each OS thread runs several one after the other
  const int ub = 40, un = 256;
  CUdeviceptr u = 0;
  CK(api.cuMemAlloc_v2(&u, ub * un * 4));
  for (int dyn = 0; dyn < 2; dyn++) {
    CK(launch("flint_emutest_uninit", ub, un, dyn ? un * 4 : 0, (int*)u, dyn));
    auto v = toHost<int32_t>(u, ub * un);
    int poison = 0, zero = 0, seven = 0;
    for (int32_t x : v) {
      poison += x == -1;
      zero += x == 0;
      seven += x == 7;
    }
    printf("UNINIT %s: %d poisoned, %d zero, %d seven, of %d\n", dyn ? "dynamic" : "static", poison, zero, seven, ub * un);
  }
  // the order of blocks (deterministic with FLINT_EMU_THREADS=1)
  CK(api.cuMemsetD8Async(c, 0, 4, nullptr));
  CK(launch("flint_emutest_blockorder", 16, 32, 0, (int*)c, (int*)st));
  line("BLOCKS", 0, toHost<int32_t>(st, 16).data(), 16);
  for (CUdeviceptr p : {c, st, rs, u}) CK(api.cuMemFree_v2(p));
}

// ---- child processes: what needs a fresh context -----------------------------------------------------------
// A failed kernel (deadlock) in the asynchronous model: the launch returns 0, the next
// synchronization returns 719, and so does every later call.
void childSticky() {
  CUdeviceptr d = 0;
  CK(api.cuMemAlloc_v2(&d, 4 * 256));
  fn("flint_emutest_trap");  // looked up now: cuModuleGetFunction fails too once the context is dead
  fprintf(stderr, "(an expected launch failure follows)\n");
  check(launch("flint_emutest_deadlock", 1, 2, 0, (int*)d) == 0, "sticky: a failing launch is queued (returns 0)");
  check(api.cuCtxSynchronize() == 719, "sticky: a barrier deadlock is reported by the next synchronization (719)");
  CUdeviceptr e = 0;
  check(api.cuMemAlloc_v2(&e, 4) == 719 && launch("flint_emutest_trap", 1, 64, 0, (int*)d) == 719 &&
            api.cuStreamQuery(nullptr) == 719 && api.cuStreamSynchronize(nullptr) == 719,
        "sticky: the context stays unusable (later calls return 719)");
}
void childTrap() {
  CUdeviceptr d = 0;
  CK(api.cuMemAlloc_v2(&d, 4 * 256));
  fprintf(stderr, "(an expected launch failure follows)\n");
  check(launch("flint_emutest_trap", 3, 64, 0, (int*)d) == 0 && api.cuStreamSynchronize(nullptr) == 719,
        "__trap() fails the launch: 719 at the next synchronization");
}
// A barrier in divergent code fails the launch, like a deadlock; a uniform branch around one does not.
void childDivergent() {
  CUdeviceptr d = 0;
  CK(api.cuMemAlloc_v2(&d, 4 * 64));
  CK(launch("flint_emutest_barriers", 1, 64, 0, (int*)d));
  check(api.cuCtxSynchronize() == 0, "barriers that every thread reaches at the same place pass");
  fprintf(stderr, "(an expected launch failure follows)\n");
  check(launch("flint_emutest_divergent", 1, 64, 0, (int*)d) == 0 && api.cuStreamSynchronize(nullptr) == 719,
        "a __syncthreads in divergent code fails the launch: 719 at the next synchronization");
}
// Mode ub-N: flint_emutest_ub with `which` N runs once harmlessly, then fails the launch where the
// x86 answer would not be a GPU's (the message on stderr is checked by emu.test.ts).
void childUb(int which) {
  CUdeviceptr d = 0;
  CK(api.cuMemAlloc_v2(&d, 4 * 64));
  CK(launch("flint_emutest_ub", 1, 64, 0, (int*)d, which, which == 3 ? 1 : 0));
  check(api.cuCtxSynchronize() == 0, "ub-" + std::to_string(which) + ": the harmless launch passes");
  fprintf(stderr, "(an expected launch failure follows)\n");
  const int k = which == 0 ? 1 : which == 1 ? 32 : which == 2 ? 1 : 0;
  check(launch("flint_emutest_ub", 1, 64, 0, (int*)d, which, k) == 0 && api.cuStreamSynchronize(nullptr) == 719,
        "ub-" + std::to_string(which) + ": the launch fails (719 at the next synchronization)");
}
// FLINT_EMU_SYNC=1: the synchronous model of old.
void childSyncMode() {
  check(api.flint_emu_sync() == 1, "FLINT_EMU_SYNC=1 is in effect");
  CUdeviceptr d = 0;
  CK(api.cuMemAlloc_v2(&d, 4 * 256));
  fprintf(stderr, "(two expected launch failures follow)\n");
  check(launch("flint_emutest_deadlock", 1, 2, 0, (int*)d) == 719, "FLINT_EMU_SYNC=1: a barrier deadlock fails the launch (719)");
  check(launch("flint_emutest_trap", 3, 64, 0, (int*)d) == 719, "FLINT_EMU_SYNC=1: __trap() fails the launch (719)");
  CK(launch("flint_emutest_trap", 1, 64, 0, (int*)d));
  check(api.cuCtxSynchronize() == 0, "FLINT_EMU_SYNC=1: launches work again after failed ones");
  CK(api.cuMemFree_v2(d));
}

extern char** environ;
// Runs this program again with `mode` (and FLINT_EMU_SYNC=1 when `syncEnv`); its output goes to ours.
void runChild(const char* self, const char* lib, const char* mode, bool syncEnv) {
  fflush(stdout);
  fflush(stderr);
  std::vector<std::string> env;
  for (char** e = environ; *e; e++)
    if (strncmp(*e, "FLINT_EMU_SYNC=", 15) != 0) env.push_back(*e);
  if (syncEnv) env.push_back("FLINT_EMU_SYNC=1");
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>(self), const_cast<char*>(lib), const_cast<char*>(mode), nullptr};
  pid_t pid = 0;
  int status = 0;
  const bool ok = posix_spawn(&pid, self, nullptr, nullptr, argv, envp.data()) == 0 && waitpid(pid, &status, 0) == pid &&
                  WIFEXITED(status) && WEXITSTATUS(status) == 0;
  check(ok, std::string("child process `") + mode + "` exits with 0", "status " + std::to_string(status));
}

double bench(const char* name, int iters, const std::function<void()>& f) {
  // CPU time of this process (the host may be busy with other work: wall time would say more about it)
  auto cpu = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
  };
  f();
  CK(api.cuCtxSynchronize());
  const double t0 = cpu(), w0 = nowMs();
  for (int i = 0; i < iters; i++) f();
  CK(api.cuCtxSynchronize());  // the launches run asynchronously: until they are done
  const double us = (cpu() - t0) / iters;
  const double wall = (nowMs() - w0) * 1000 / iters;
  printf("BENCH %s: %.1f us CPU per launch (%.1f us wall; %d OS thread(s) per launch%s)\n", name, us, wall,
         api.flint_emu_threads(), api.flint_emu_sync() ? ", FLINT_EMU_SYNC=1" : "");
  return us;
}

// flint_binary_f32's operand layout for a contiguous 1-D operation on n elements.
StridedArgs<3> contiguous1d(int64_t n) {
  StridedArgs<3> a{};
  a.ndim = 1; a.contiguous = 1; a.numel = n; a.shape[0] = n;
  for (int k = 0; k < 3; k++) a.strides[k][0] = 1;
  return a;
}

void benchmarks() {
  const int64_t n = 1024;
  CUdeviceptr dx = 0, dout = 0, err = 0;
  CK(api.cuMemAlloc_v2(&dx, n * n * 4));
  CK(api.cuMemAlloc_v2(&dout, n * n * 4));
  CK(api.cuMemAlloc_v2(&err, 4));
  CK(api.cuMemsetD8Async(dx, 0, n * n * 4, nullptr));
  StridedArgs<3> a = contiguous1d(n);
  void* po = (void*)dout;
  const void* px = (const void*)dx;
  int code = 0;
  int* pe = (int*)err;
  const double small = bench("flint_binary_f32 add, 1024 elements (1 block of 256)", 2000,
                             [&] { CK(launch("flint_binary_f32", 1, 256, 0, a, po, px, px, kNoScalars, code, pe)); });
  a.numel = a.shape[0] = n * n;
  bench("flint_binary_f32 add, 1M elements (1024 blocks)", 5,
        [&] { CK(launch("flint_binary_f32", 1024, 256, 0, a, po, px, px, kNoScalars, code, pe)); });
  double corr = 0;
  int64_t rows = 4, cols = 256;
  bench("flint_reduce_f32 sum, 4 rows x 256 (4 blocks with barriers)", 200,
        [&] { CK(launch("flint_reduce_f32", 4, 256, 0, po, px, rows, cols, code, corr, pe)); });
  rows = 1024;
  cols = 1024;
  bench("flint_reduce_f32 sum, 1024 rows x 1024", 2,
        [&] { CK(launch("flint_reduce_f32", 1024, 256, 0, po, px, rows, cols, code, corr, pe)); });
  bench("flint_softmax_f32, 1024 rows x 1024", 2,
        [&] { CK(launch("flint_softmax_f32", 1024, 256, 0, po, px, rows, cols)); });
  check(small < 1000, "a one-block launch without barriers takes well under a millisecond");
  for (CUdeviceptr p : {dx, dout, err}) CK(api.cuMemFree_v2(p));
}

// Mode "noexec", run with FLINT_EMU_EXEC=0 and FLINT_EMU_STATS (emu.test.ts reads the stats file):
// launches, memsets over 64 KiB and device-to-device copies are queued but not run; host<->device
// copies and small memsets run.
void noexec() {
  const int64_t n = 1024;
  CUdeviceptr dx = 0, dout = 0, err = 0, big = 0;
  CK(api.cuMemAlloc_v2(&dx, n * 4));
  CK(api.cuMemAlloc_v2(&dout, n * 4));
  CK(api.cuMemAlloc_v2(&err, 4));
  CK(api.cuMemAlloc_v2(&big, 1 << 20));
  std::vector<float> ones((size_t)n, 1.0f), got((size_t)n, -1.0f);
  CK(api.cuMemcpyHtoDAsync_v2(dx, ones.data(), n * 4, nullptr));
  CK(api.cuMemsetD8Async(dout, 0, n * 4, nullptr));  // 4 KiB: runs
  CK(api.cuMemsetD8Async(err, 0, 4, nullptr));
  CK(api.cuMemsetD8Async(big, 0x11, 1 << 20, nullptr));  // 1 MiB: not run
  StridedArgs<3> a = contiguous1d(n);
  void* po = (void*)dout;
  const void* px = (const void*)dx;
  int code = 0;
  int* pe = (int*)err;
  for (int i = 0; i < 3; i++) CK(launch("flint_binary_f32", 4, 256, 0, a, po, px, px, kNoScalars, code, pe));
  CK(api.cuMemcpyDtoDAsync_v2(dout, dx, 16, nullptr));  // not run
  CK(api.cuStreamSynchronize(nullptr));
  CK(api.cuMemcpyDtoHAsync_v2(got.data(), dx, n * 4, nullptr));
  CK(api.cuStreamSynchronize(nullptr));
  check(got == ones, "FLINT_EMU_EXEC=0: a host-to-device copy runs (read back)");
  CK(api.cuMemcpyDtoHAsync_v2(got.data(), dout, n * 4, nullptr));
  CK(api.cuStreamSynchronize(nullptr));
  check(std::all_of(got.begin(), got.end(), [](float v) { return v == 0.0f; }),
        "FLINT_EMU_EXEC=0: launches and device-to-device copies are queued, not run (the output keeps its memset)");
  uint32_t word = 0;
  CK(api.cuMemcpyDtoHAsync_v2(&word, big + 4096, 4, nullptr));
  CK(api.cuStreamSynchronize(nullptr));
  check(word != 0x11111111u, "FLINT_EMU_EXEC=0: a memset over 64 KiB is not run");
  for (CUdeviceptr p : {dx, dout, err, big}) CK(api.cuMemFree_v2(p));
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: selftest <libcuda.so.1> [oob|bench|noexec|order|sticky|trap|divergent|ub-0..3|syncmode]\n");
    return 2;
  }
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string mode = argc > 2 ? argv[2] : "all";
  if (mode == "all") setenv("FLINT_EMU_MEMORY", "64M", 1);
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 2;
  }
  LOAD(cuInit); LOAD(cuDriverGetVersion); LOAD(cuGetErrorName); LOAD(cuDeviceGetCount); LOAD(cuDeviceGet);
  LOAD(cuDeviceGetName); LOAD(cuDeviceGetAttribute); LOAD(cuDeviceTotalMem_v2); LOAD(cuDevicePrimaryCtxRetain);
  LOAD(cuCtxSetCurrent); LOAD(cuCtxSynchronize); LOAD(cuModuleLoadData); LOAD(cuModuleGetFunction);
  LOAD(cuLaunchKernel); LOAD(cuMemAlloc_v2); LOAD(cuMemFree_v2); LOAD(cuMemGetInfo_v2); LOAD(cuMemcpyHtoDAsync_v2);
  LOAD(cuMemcpyDtoHAsync_v2); LOAD(cuMemcpyDtoDAsync_v2); LOAD(cuMemsetD8Async); LOAD(cuStreamCreate);
  LOAD(cuStreamDestroy_v2); LOAD(cuEventCreate); LOAD(cuEventRecord); LOAD(cuEventElapsedTime);
  LOAD(cuFuncSetAttribute); LOAD(cuStreamSynchronize); LOAD(cuStreamQuery); LOAD(cuStreamWaitEvent);
  LOAD(cuEventQuery); LOAD(cuEventSynchronize); LOAD(cuEventDestroy_v2); LOAD(cuMemHostAlloc); LOAD(cuMemFreeHost);
  LOAD(flint_emu_threads); LOAD(flint_emu_sync);

  int count = 0;
  check(api.cuDeviceGetCount(&count) == 3, "calls before cuInit are CUDA_ERROR_NOT_INITIALIZED");
  CK(api.cuInit(0));
  int version = 0, dev = -1, major = 0, minor = -1, sms = 0;
  char name[64] = {0};
  CK(api.cuDriverGetVersion(&version));
  CK(api.cuDeviceGetCount(&count));
  CK(api.cuDeviceGet(&dev, 0));
  CK(api.cuDeviceGetName(name, sizeof name, dev));
  CK(api.cuDeviceGetAttribute(&major, 75, dev));
  CK(api.cuDeviceGetAttribute(&minor, 76, dev));
  CK(api.cuDeviceGetAttribute(&sms, 16, dev));
  check(version == 13000 && count == 1 && std::string(name) == "flintml CPU emulator" && major == 9 && minor == 0 && sms == 132,
        "device discovery: 1 device 'flintml CPU emulator', cc 9.0, 132 SMs, driver 13000");
  CUdeviceptr dummy = 0;
  check(api.cuMemAlloc_v2(&dummy, 4) == 201, "allocation without a current context is CUDA_ERROR_INVALID_CONTEXT");
  Handle ctx = nullptr;
  CK(api.cuDevicePrimaryCtxRetain(&ctx, dev));
  CK(api.cuCtxSetCurrent(ctx));
  static const char image[] = "any image";
  CK(api.cuModuleLoadData(&module, image));

  if (mode == "oob") {
    CUdeviceptr d = 0;
    CK(api.cuMemAlloc_v2(&d, 1000 * 4));
    long long n = 1000;
    CK(launch("flint_emutest_write", 4, 256, 0, (float*)d, n));
    CK(api.cuCtxSynchronize());
    printf("in bounds ok\n");
    fflush(stdout);
    n = 1001;
    launch("flint_emutest_write", 4, 256, 0, (float*)d, n);
    api.cuCtxSynchronize();  // the launch runs on a stream's worker thread
    printf("out of bounds write was not detected\n");
    return 0;
  }
  if (mode == "order") {
    printOrder();
    return failures ? 1 : 0;
  }
  if (mode == "bench") {
    benchmarks();
    return failures ? 1 : 0;
  }
  if (mode == "noexec") {
    noexec();
    return failures ? 1 : 0;
  }
  if (mode.rfind("ub-", 0) == 0) {
    childUb(atoi(mode.c_str() + 3));
    return failures ? 1 : 0;
  }
  if (mode == "sticky" || mode == "trap" || mode == "syncmode" || mode == "divergent") {
    if (mode == "sticky") childSticky();
    else if (mode == "trap") childTrap();
    else if (mode == "divergent") childDivergent();
    else childSyncMode();
    return failures ? 1 : 0;
  }
  testBinary();
  testReduce();
  testSoftmaxScan();
  testUniform();
  testDeviceMath();
  testBarriers(256, 1, 1, 3, 1);
  testBarriers(100, 1, 1, 2, 2);
  testBarriers(8, 4, 3, 1, 1);
  testBarriers(1024, 1, 1, 1, 1);
  testBarriers(1, 1, 1, 2, 1);
  testWarp(256);
  testWarp(50);
  testEmuMisc();
  testParallelBlocks();
  testMemory();
  if (!api.flint_emu_sync()) testAsync();
  {
    Handle s = nullptr, e0 = nullptr, e1 = nullptr;
    CK(api.cuStreamCreate(&s, 1));
    CK(api.cuEventCreate(&e0, 0));
    CK(api.cuEventCreate(&e1, 0));
    CK(api.cuEventRecord(e0, s));
    CK(api.cuEventRecord(e1, s));
    CK(api.cuEventSynchronize(e1));
    float ms = -1;
    CK(api.cuEventElapsedTime(&ms, e0, e1));
    CK(api.cuStreamDestroy_v2(s));
    check(ms >= 0 && ms < 1000 && api.cuStreamDestroy_v2(s) == 400, "streams and events (elapsed time, invalid handles)");
  }
  CK(api.cuCtxSynchronize());
  runChild(argv[0], argv[1], "sticky", false);
  runChild(argv[0], argv[1], "trap", false);
  runChild(argv[0], argv[1], "divergent", false);
  for (const char* m : {"ub-0", "ub-1", "ub-2", "ub-3"}) runChild(argv[0], argv[1], m, false);
  runChild(argv[0], argv[1], "syncmode", true);
  printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
  return failures ? 1 : 0;
}
