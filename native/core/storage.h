// storage.h — a block of memory on one device, owned by JS through an external handle.
// Allocation goes through the device's Allocator (CPU: malloc/calloc; GPU: the caching allocator
// in native/gpu when it lands). Statistics per device feed memory.stats() in JS.
#pragma once
#include <cstdint>
#include "tensor.h"

namespace flint {

struct Storage {
  void* ptr = nullptr;
  int64_t bytes = 0;
  DeviceType device = DeviceType::CPU;
  int deviceIndex = 0;
  bool pinned = false;  // page-locked host memory (device CPU) from the GPU backend's pinned pool
  bool freed = false;
};

struct MemStats {
  int64_t allocatedBytes = 0, peakAllocatedBytes = 0, numAllocs = 0, numFrees = 0;
  int64_t cachedBytes = 0;  // freed blocks the allocator keeps for reuse
  int64_t cacheHits = 0;    // allocations served from that cache
};

struct Allocator {
  virtual ~Allocator() = default;
  virtual void* allocate(int64_t bytes, bool zero, int deviceIndex) = 0;  // throws Error(OutOfMemory) on failure
  virtual void deallocate(void* p, int64_t bytes, int deviceIndex) = 0;
  virtual void fillStats(MemStats&) {}  // a device allocator with its own statistics overrides them
  virtual void emptyCache() {}
  virtual void resetPeak() {}  // an allocator with its own statistics resets its peaks
};


void setAllocator(DeviceType dev, Allocator* a);
void setPinnedAllocator(Allocator* a);  // the GPU backend's pinned host pool
Storage* newPinnedStorage(int64_t bytes, bool zero);
Storage* newStorage(DeviceType dev, int deviceIndex, int64_t bytes, bool zero);
void releaseStorage(Storage* s);  // frees the memory; the Storage object stays (marked freed)
MemStats& memStats(DeviceType dev);
void resetPeak(DeviceType dev);
void emptyCache(DeviceType dev);  // returns cached blocks to the system

}  // namespace flint
