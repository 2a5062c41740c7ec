// pinned_pool.cpp — the pinned host memory pool (see pinned_pool.h).
#include "pinned_pool.h"
#include <algorithm>

namespace flint {
namespace gpu {

namespace {
size_t roundPinned(size_t n) {
  size_t r = 4096;
  while (r < n) r <<= 1;
  return r;
}
}  // namespace

bool PinnedPool::completed(const Cached& c) const {
  for (void* e : c.events) if (!d_.eventQuery(e)) return false;
  return true;
}

void PinnedPool::releaseEvents(Cached& c) {
  for (void* e : c.events) d_.eventDestroy(e);
  c.events.clear();
}

void* PinnedPool::tryAlloc(size_t bytes) {
  const size_t size = roundPinned(bytes);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < cached_.size(); i++) {
      Cached& c = cached_[i];
      if (c.size != size || !completed(c)) continue;
      void* p = c.ptr;
      releaseEvents(c);
      cached_.erase(cached_.begin() + (long)i);
      cachedBytes_ -= (int64_t)size;
      live_[(uintptr_t)p] = Live{size, {}};
      return p;
    }
  }
  void* p = d_.hostAlloc(size);
  if (!p) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  live_[(uintptr_t)p] = Live{size, {}};
  return p;
}

void PinnedPool::free(void* ptr, void* currentStream) {
  std::vector<void*> streams;
  size_t size = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live_.find((uintptr_t)ptr);
    if (it == live_.end()) return;
    size = it->second.size;
    streams = it->second.streams;
    live_.erase(it);
  }
  // Copies queued so far from or into this buffer, on every stream that used it and on the current
  // one, must finish before the block is handed out again.
  if (std::find(streams.begin(), streams.end(), currentStream) == streams.end()) streams.push_back(currentStream);
  Cached c{ptr, size, {}};
  for (void* st : streams) {
    void* ev = d_.eventCreate(false);
    d_.eventRecord(ev, st);
    c.events.push_back(ev);
  }
  std::lock_guard<std::mutex> lock(mu_);
  cached_.push_back(c);
  cachedBytes_ += (int64_t)size;
}

void PinnedPool::noteUse(const void* p, void* stream) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.upper_bound((uintptr_t)p);
  if (it == live_.begin()) return;
  --it;
  if ((uintptr_t)p >= it->first + it->second.size) return;
  auto& v = it->second.streams;
  if (std::find(v.begin(), v.end(), stream) == v.end()) v.push_back(stream);
}

void PinnedPool::forgetStream(void* stream) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& kv : live_) {
    auto& v = kv.second.streams;
    v.erase(std::remove(v.begin(), v.end(), stream), v.end());
  }
}

bool PinnedPool::contains(const void* p) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.upper_bound((uintptr_t)p);
  if (it == live_.begin()) return false;
  --it;
  return (uintptr_t)p < it->first + it->second.size;
}

int64_t PinnedPool::cachedBytes() {
  std::lock_guard<std::mutex> lock(mu_);
  return cachedBytes_;
}

void PinnedPool::emptyCache() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Cached> keep;
  for (auto& c : cached_) {
    if (!completed(c)) { keep.push_back(c); continue; }
    releaseEvents(c);
    d_.hostFree(c.ptr);
    cachedBytes_ -= (int64_t)c.size;
  }
  cached_.swap(keep);
}

}  // namespace gpu
}  // namespace flint
