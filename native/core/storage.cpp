// storage.cpp — storage lifetime, per-device statistics, and the CPU allocator.
//
// CPU allocator: small blocks (< 128 KiB) come from malloc/calloc. Larger blocks are mapped with
// mmap and cached by size when freed: a fresh 64 MiB mapping costs ~16k page faults (80 ms) on
// first touch, far more than the op that fills it, so a training loop that allocates the same
// shapes every step reuses them (PyTorch's GPU caching allocator, reduced to exact size classes).
// Sizes: from 2 MiB up, multiples of 2 MiB advised for transparent huge pages; below, multiples of
// 64 KiB. The mid-sized blocks are cached too because glibc's malloc does not keep them: past its
// mmap threshold it maps and unmaps each one, and once that threshold has risen it trims the heap
// whenever more than ~2x a block is free at its top, so each call of an op that makes and frees a
// few 512 KiB tensors faulted them in again (linalg.inv at n = 256 took 5.0-7.5 ms of CPU per call,
// 1.5-2.7 of them in the kernel, against 1.6-1.7 ms with these blocks cached; bench/RESULTS.md
// 0-linalg3). The cache holds at most FLINT_CPU_CACHE_LIMIT bytes (default 1 GiB);
// memory.emptyCache() returns it to the system, and an allocation that fails empties the cache and
// retries once before OutOfMemoryError.
#include "storage.h"
#include <sys/mman.h>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <string>
#include "error.h"

namespace flint {
namespace {

constexpr int64_t kCachedBlock = 128 << 10;  // from here up: mmap and the cache (glibc's default mmap threshold)
constexpr int64_t kMidRound = 64 << 10;      // the size classes below kHugeRound
constexpr int64_t kHugeRound = 2 << 20;      // the size classes from here up, advised for huge pages

MemStats stats[2];

struct CpuAllocator : Allocator {
  std::multimap<int64_t, void*> cache;  // rounded size -> mapped block
  int64_t cachedBytes = 0;
  int64_t cacheLimit;

  CpuAllocator() {
    const char* env = std::getenv("FLINT_CPU_CACHE_LIMIT");
    cacheLimit = env ? std::atoll(env) : (int64_t)1 << 30;
  }
  static int64_t rounded(int64_t bytes) {
    const int64_t r = bytes >= kHugeRound ? kHugeRound : kMidRound;
    return (bytes + r - 1) / r * r;
  }

  void* mapFresh(int64_t size) {
    void* p = mmap(nullptr, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
#ifdef MADV_HUGEPAGE
    if (size >= kHugeRound) madvise(p, (size_t)size, MADV_HUGEPAGE);
#endif
    return p;
  }

  void* allocate(int64_t bytes, bool zero, int) override {
    if (bytes < kCachedBlock) {
      size_t n = (size_t)(bytes > 0 ? bytes : 1);
      void* p = zero ? std::calloc(n, 1) : std::malloc(n);
      if (!p) { emptyCache(); p = zero ? std::calloc(n, 1) : std::malloc(n); }
      if (!p) fail(ErrorKind::OutOfMemory, "cpu: out of memory allocating " + std::to_string(bytes) + " bytes");
      return p;
    }
    const int64_t size = rounded(bytes);
    const auto range = cache.equal_range(size);
    if (range.first != range.second) {
      const auto it = std::prev(range.second);  // the block freed last (multimap keeps equal keys in insertion order): still in cache
      void* p = it->second;
      cache.erase(it);
      cachedBytes -= size;
      stats[0].cacheHits++;
      if (zero) std::memset(p, 0, (size_t)bytes);
      return p;
    }
    void* p = mapFresh(size);  // fresh anonymous pages are zero
    if (!p) { emptyCache(); p = mapFresh(size); }
    if (!p) fail(ErrorKind::OutOfMemory, "cpu: out of memory allocating " + std::to_string(bytes) + " bytes");
    return p;
  }

  void deallocate(void* p, int64_t bytes, int) override {
    if (bytes < kCachedBlock) { std::free(p); return; }
    const int64_t size = rounded(bytes);
    if (cachedBytes + size > cacheLimit) { munmap(p, (size_t)size); return; }
    cache.emplace(size, p);
    cachedBytes += size;
  }

  void emptyCache() override {
    for (auto& kv : cache) munmap(kv.second, (size_t)kv.first);
    cache.clear();
    cachedBytes = 0;
  }
  int64_t cached() const { return cachedBytes; }
};

CpuAllocator* cpuAllocator = new CpuAllocator();
Allocator* allocators[2] = {cpuAllocator, nullptr};
Allocator* pinnedAllocator = nullptr;

}  // namespace

void setAllocator(DeviceType dev, Allocator* a) { allocators[(int)dev] = a; }
void setPinnedAllocator(Allocator* a) { pinnedAllocator = a; }

Storage* newPinnedStorage(int64_t bytes, bool zero) {
  if (!pinnedAllocator) fail(ErrorKind::BackendUnavailable, "pinned memory needs the GPU backend");
  if (bytes < 0) fail(ErrorKind::Value, "negative allocation size");
  Storage* s = new Storage();
  try {
    s->ptr = pinnedAllocator->allocate(bytes, zero, 0);
  } catch (...) {
    delete s;
    throw;
  }
  s->bytes = bytes; s->pinned = true;
  MemStats& st = stats[0];
  st.allocatedBytes += bytes; st.numAllocs++;
  if (st.allocatedBytes > st.peakAllocatedBytes) st.peakAllocatedBytes = st.allocatedBytes;
  return s;
}

Storage* newStorage(DeviceType dev, int deviceIndex, int64_t bytes, bool zero) {
  Allocator* a = allocators[(int)dev];
  if (!a) fail(ErrorKind::BackendUnavailable, "no allocator for this device");
  if (bytes < 0) fail(ErrorKind::Value, "negative allocation size");
  Storage* s = new Storage();
  try {
    s->ptr = a->allocate(bytes, zero, deviceIndex);
  } catch (...) {
    delete s;
    throw;
  }
  s->bytes = bytes; s->device = dev; s->deviceIndex = deviceIndex;
  MemStats& st = stats[(int)dev];
  st.allocatedBytes += bytes; st.numAllocs++;
  if (st.allocatedBytes > st.peakAllocatedBytes) st.peakAllocatedBytes = st.allocatedBytes;
  return s;
}

void releaseStorage(Storage* s) {
  if (!s || s->freed) return;
  if (s->pinned) pinnedAllocator->deallocate(s->ptr, s->bytes, 0);
  else allocators[(int)s->device]->deallocate(s->ptr, s->bytes, s->deviceIndex);
  MemStats& st = stats[(int)s->device];
  st.allocatedBytes -= s->bytes; st.numFrees++;
  s->ptr = nullptr; s->freed = true;
}

MemStats& memStats(DeviceType dev) {
  MemStats& st = stats[(int)dev];
  if (dev == DeviceType::CPU) st.cachedBytes = cpuAllocator->cached();
  else if (allocators[(int)dev]) allocators[(int)dev]->fillStats(st);
  return st;
}
void resetPeak(DeviceType dev) {
  stats[(int)dev].peakAllocatedBytes = stats[(int)dev].allocatedBytes;
  if (allocators[(int)dev]) allocators[(int)dev]->resetPeak();
}
void emptyCache(DeviceType dev) {
  if (allocators[(int)dev]) allocators[(int)dev]->emptyCache();
}

}  // namespace flint
