// matmul_check.cpp — standalone check of the CPU "matmul" op kernel (not part of the build), called
// through the op table as the addon calls it: every dtype, operands that are row-major, column-major
// (a transposed view), strided (copied) or batch-broadcast, and a transposed output; against a
// long-double loop on the loaded values (integers: exact, modulo 2^32 / 2^8). Tolerance for floats:
// (K + 2) * 4 * eps(compute) * sum|a||b| plus half an ulp of the output type. Bad input must throw
// the right ErrorKind.
//
//   g++ -std=c++17 -O2 -Wall test/native/matmul_check.cpp native/cpu/matmul.cpp native/cpu/gemm.cpp
//       native/cpu/gemm_builtin.cpp native/core/core.cpp native/core/parallel.cpp -ldl -lpthread
//       -o /tmp/matmul_check && /tmp/matmul_check
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>
#include "../../native/core/error.h"
#include "../../native/core/optable.h"

using namespace flint;

static std::mt19937_64 rng(99);
static int failures = 0, cases = 0;

// Layouts of a [bt, rows, cols] operand inside a buffer.
enum Layout { RowMajor, ColMajor, Strided, BroadcastBatch };

struct Buf {
  std::vector<unsigned char> bytes;
  TensorArg t;
};

Buf make(DType dt, int64_t bt, int64_t rows, int64_t cols, Layout lay) {
  Buf b;
  const int64_t sz = itemsize(dt);
  int64_t s0, s1, s2, n;
  switch (lay) {
    case RowMajor: s2 = 1; s1 = cols + 1; s0 = rows * s1; n = bt * s0; break;
    case ColMajor: s1 = 1; s2 = rows; s0 = rows * cols; n = bt * s0; break;
    case Strided: s2 = 2; s1 = 2 * cols + 1; s0 = rows * s1; n = bt * s0; break;
    default: s2 = 1; s1 = cols; s0 = 0; n = rows * cols; break;
  }
  b.bytes.resize((size_t)(n + 1) * sz);
  std::uniform_int_distribution<int> I(-9, 9);
  std::uniform_real_distribution<double> U(-1, 1);
  dispatchDType(dt, [&](auto tag) {
    using T = decltype(tag);
    T* p = reinterpret_cast<T*>(b.bytes.data());
    for (int64_t i = 0; i <= n; i++) {
      if (dt == DType::I32) p[i] = store<T>(I(rng) * 40000);  // products overflow int32: wrap-around
      else if (dt == DType::U8) p[i] = store<T>((uint8_t)(I(rng) + 20));
      else p[i] = store<T>(U(rng));
    }
  });
  b.t.data = b.bytes.data(); b.t.dtype = dt; b.t.ndim = 3;
  b.t.shape[0] = bt; b.t.shape[1] = rows; b.t.shape[2] = cols;
  b.t.strides[0] = s0; b.t.strides[1] = s1; b.t.strides[2] = s2;
  return b;
}

long double at(const TensorArg& t, int64_t b, int64_t i, int64_t j) {
  long double v = 0;
  dispatchDType(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    v = (long double)load(t.ptr<T>()[b * t.strides[0] + i * t.strides[1] + j * t.strides[2]]);
  });
  return v;
}

void run(TensorArg* ts) {
  OpCall c;
  c.t = ts; c.nt = 3; c.name = "matmul";
  opEntry(opId("matmul")).fn[0](c);
}

void check(DType dt, int64_t bt, int64_t M, int64_t N, int64_t K, Layout la, Layout lb, bool outT) {
  Buf a = make(dt, bt, M, K, la), b = make(dt, bt, K, N, lb), o = make(dt, bt, M, N, outT ? ColMajor : RowMajor);
  TensorArg ts[3] = {o.t, a.t, b.t};
  run(ts);
  const double eps = dt == DType::F64 ? 2.2e-16 : 1.2e-7;
  const double outUlp = dt == DType::F16 ? 1.0 / 2048 : dt == DType::BF16 ? 1.0 / 256 : 0;
  bool bad = false;
  for (int64_t bi = 0; bi < bt && !bad; bi++)
    for (int64_t i = 0; i < M && !bad; i++)
      for (int64_t j = 0; j < N; j++) {
        long double ref = 0, mag = 0;
        uint32_t iref = 0;
        for (int64_t k = 0; k < K; k++) {
          const long double x = at(a.t, bi, i, k), y = at(b.t, bi, k, j);
          ref += x * y; mag += std::fabs((double)(x * y));
          iref += (uint32_t)(int64_t)x * (uint32_t)(int64_t)y;
        }
        const long double got = at(o.t, bi, i, j);
        bool ok;
        if (dt == DType::I32) ok = (int32_t)got == (int32_t)iref;
        else if (dt == DType::U8) ok = (uint8_t)got == (uint8_t)iref;
        else ok = std::fabs((double)(got - ref)) <= (K + 2) * 4 * eps * (double)mag + outUlp * std::fabs((double)ref) + (dt == DType::F16 ? 3e-8 : 1e-30);
        if (!ok) {
          std::printf("FAIL %s bt=%ld M=%ld N=%ld K=%ld la=%d lb=%d outT=%d at [%ld,%ld,%ld]: got %.9Lg want %.9Lg\n",
                      dtypeName(dt), (long)bt, (long)M, (long)N, (long)K, la, lb, outT, (long)bi, (long)i, (long)j, got, ref);
          bad = true;
          break;
        }
      }
  cases++;
  if (bad) failures++;
}

void expectThrow(const char* what, ErrorKind kind, TensorArg* ts) {
  cases++;
  try { run(ts); }
  catch (const Error& e) {
    if (e.kind == kind && std::string(e.what()).find("matmul") != std::string::npos) {
      std::printf("ok (%s): %s\n", what, e.what());
      return;
    }
    std::printf("FAIL %s: wrong error %s\n", what, e.what());
    failures++;
    return;
  }
  std::printf("FAIL %s: no error\n", what);
  failures++;
}

int main() {
  const DType dts[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::U8};
  const int64_t sizes[][3] = {{1, 1, 1}, {7, 5, 3}, {17, 33, 9}, {65, 63, 129}, {1, 40, 70}, {30, 1, 20}, {4, 6, 0}};
  for (DType dt : dts)
    for (auto& s : sizes)
      for (int la = 0; la < 4; la++)
        for (int lb = 0; lb < 4; lb++)
          check(dt, la == BroadcastBatch || lb == BroadcastBatch ? 3 : 2, s[0], s[1], s[2], (Layout)la, (Layout)lb,
                (la + lb) % 3 == 0);
  check(DType::F32, 1, 300, 280, 520, RowMajor, ColMajor, false);
  check(DType::F32, 40, 8, 8, 8, ColMajor, BroadcastBatch, false);  // the parallel-over-batch path
  Buf a = make(DType::F32, 2, 3, 4, RowMajor), b = make(DType::F32, 2, 5, 6, RowMajor), o = make(DType::F32, 2, 3, 6, RowMajor);
  { TensorArg ts[3] = {o.t, a.t, b.t}; expectThrow("inner mismatch", ErrorKind::Shape, ts); }
  Buf b2 = make(DType::F32, 2, 4, 6, RowMajor), o2 = make(DType::F32, 2, 3, 7, RowMajor);
  { TensorArg ts[3] = {o2.t, a.t, b2.t}; expectThrow("out mismatch", ErrorKind::Shape, ts); }
  { TensorArg ts[3] = {o.t, a.t, b2.t}; ts[1].ndim = 2; expectThrow("rank", ErrorKind::Shape, ts); }
  Buf bd = make(DType::F64, 2, 4, 6, RowMajor);
  { TensorArg ts[3] = {o.t, a.t, bd.t}; expectThrow("mixed dtypes", ErrorKind::DType, ts); }
  Buf ab = make(DType::Bool, 2, 3, 4, RowMajor), bb = make(DType::Bool, 2, 4, 6, RowMajor), ob = make(DType::Bool, 2, 3, 6, RowMajor);
  { TensorArg ts[3] = {ob.t, ab.t, bb.t}; expectThrow("bool", ErrorKind::DType, ts); }
  std::printf("%d/%d cases passed\n", cases - failures, cases);
  return failures ? 1 : 0;
}
