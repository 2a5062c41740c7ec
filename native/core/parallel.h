// parallel.h — a small persistent thread pool for large elementwise ops and reductions.
// parallelFor splits [0, n) into chunks of at least `grain` items (a few per thread, claimed
// dynamically; parallel.cpp says why) and runs them on the calling thread and the pool's workers.
// Up to one grain it runs inline: small ops pay nothing, not even a wake-up.
// An exception thrown by a chunk (e.g. flint::Error for a bad index) is rethrown on the caller after
// all chunks finish.
#pragma once
#include <cstdint>
#include <functional>

namespace flint {

/** The most threads the pool runs (setNumThreads and FLINT_NUM_THREADS are capped to it). */
constexpr int kMaxThreads = 1024;
int numThreads();
void setNumThreads(int n);  // 1 disables the pool
void parallelForImpl(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

template <class F> inline void parallelFor(int64_t n, int64_t grain, F&& fn) {
  if (n <= grain || numThreads() <= 1) { if (n > 0) fn((int64_t)0, n); return; }
  parallelForImpl(n, grain, std::function<void(int64_t, int64_t)>(fn));
}

constexpr int64_t kElementwiseGrain = 32768;

}  // namespace flint
