// pinned_pool.h — the pinned (page-locked) host memory pool (DESIGN.md §3): `empty(shape, { pinned:
// true })`, `t.pin()`, the staging buffers of `await t.data()`. Vendor-neutral: blocks come from
// Driver::hostAlloc (cuMemHostAlloc / hipHostMalloc). Owned by the backend (backend.cpp), which
// wraps it as pinnedAlloc/pinnedFree/isPinned (backend.h); nothing else includes this.
//
// Blocks are rounded up to a power of two (at least 4 KiB) and cached by size. A freed block may
// still be read or written by copies queued before the free, on any stream that used it: free()
// records one event per such stream (the streams noteUse() saw, and the one current at the free),
// and the block is handed out again, or given back to the driver, only once all have completed.
// Thread-safe: the worker of `await t.data()` frees its staging buffer off the JS thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>
#include "driver.h"

namespace flint {
namespace gpu {

class PinnedPool {
 public:
  explicit PinnedPool(Driver& driver) : d_(driver) {}
  /** A block of at least `bytes`: a cached one whose last uses completed, else a new one; nullptr when the driver has no room. */
  void* tryAlloc(size_t bytes);
  /** Caches the block at `p` (no-op for a pointer that is not a live block of this pool). */
  void free(void* p, void* currentStream);
  /** Notes that `stream` queued a copy touching host memory `p`, if `p` lies in a live block. */
  void noteUse(const void* p, void* stream);
  /** `stream` is being destroyed after a synchronize: its copies are done, and no event may be recorded on it. */
  void forgetStream(void* stream);
  bool contains(const void* p);
  int64_t cachedBytes();
  /** Gives the cached blocks whose last uses completed back to the driver. */
  void emptyCache();

 private:
  struct Cached {
    void* ptr;
    size_t size;
    std::vector<void*> events;  // recorded at free, one per stream that used it; reusable once all completed
  };
  struct Live {
    size_t size;
    std::vector<void*> streams;  // streams whose copies read or write it (besides the one current at free)
  };
  bool completed(const Cached& c) const;
  void releaseEvents(Cached& c);

  Driver& d_;
  std::mutex mu_;
  std::map<uintptr_t, Live> live_;  // base -> rounded size, streams that used it
  std::vector<Cached> cached_;
  int64_t cachedBytes_ = 0;
};

}  // namespace gpu
}  // namespace flint
