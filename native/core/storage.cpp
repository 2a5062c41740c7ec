// storage.cpp — storage lifetime and per-device statistics; the CPU allocator.
#include "storage.h"
#include <cstdlib>
#include <string>
#include "error.h"

namespace flint {
namespace {

struct CpuAllocator : Allocator {
  void* allocate(int64_t bytes, bool zero) override {
    size_t n = (size_t)(bytes > 0 ? bytes : 1);
    void* p = zero ? std::calloc(n, 1) : std::malloc(n);
    if (!p) fail(ErrorKind::OutOfMemory, "cpu: out of memory allocating " + std::to_string(bytes) + " bytes");
    return p;
  }
  void deallocate(void* p, int64_t) override { std::free(p); }
};

Allocator* allocators[2] = {new CpuAllocator(), nullptr};
MemStats stats[2];

}  // namespace

void setAllocator(DeviceType dev, Allocator* a) { allocators[(int)dev] = a; }

Storage* newStorage(DeviceType dev, int deviceIndex, int64_t bytes, bool zero) {
  Allocator* a = allocators[(int)dev];
  if (!a) fail(ErrorKind::BackendUnavailable, "no allocator for this device");
  if (bytes < 0) fail(ErrorKind::Value, "negative allocation size");
  Storage* s = new Storage();
  s->ptr = a->allocate(bytes, zero);
  s->bytes = bytes; s->device = dev; s->deviceIndex = deviceIndex;
  MemStats& st = stats[(int)dev];
  st.allocatedBytes += bytes; st.numAllocs++;
  if (st.allocatedBytes > st.peakAllocatedBytes) st.peakAllocatedBytes = st.allocatedBytes;
  return s;
}

void releaseStorage(Storage* s) {
  if (!s || s->freed) return;
  allocators[(int)s->device]->deallocate(s->ptr, s->bytes);
  MemStats& st = stats[(int)s->device];
  st.allocatedBytes -= s->bytes; st.numFrees++;
  s->ptr = nullptr; s->freed = true;
}

MemStats& memStats(DeviceType dev) { return stats[(int)dev]; }
void resetPeak(DeviceType dev) { stats[(int)dev].peakAllocatedBytes = stats[(int)dev].allocatedBytes; }

}  // namespace flint
