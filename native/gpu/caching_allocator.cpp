// caching_allocator.cpp — the caching device allocator; the design note is at the head of
// caching_allocator.h. Everything below runs under State::mu except the out-of-memory callback.
#include "caching_allocator.h"
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include "../core/error.h"

namespace flint {
namespace gpu {

namespace {

struct Block {
  int pool = 0;                   // 0: the general pools; > 0: a CUDA graph's private pool
  std::uintptr_t ptr = 0;
  size_t size = 0;
  StreamId stream = 0;
  bool small = false;
  bool allocated = false;
  int pendingEvents = 0;          // events still to complete before the block may be reused
  Block* prev = nullptr;          // neighbours in the same segment
  Block* next = nullptr;
  std::vector<StreamId> uses;     // other streams that used the block (recordStream)
  bool isFree() const { return !allocated && pendingEvents == 0; }
};

struct BlockOrder {  // pool, stream, then size (best fit), then address (determinism)
  bool operator()(const Block* a, const Block* b) const {
    if (a->pool != b->pool) return a->pool < b->pool;
    if (a->stream != b->stream) return a->stream < b->stream;
    if (a->size != b->size) return a->size < b->size;
    return a->ptr < b->ptr;
  }
};
using Pool = std::set<Block*, BlockOrder>;

size_t roundSize(size_t bytes) {
  return bytes < kMinBlockSize ? kMinBlockSize : (bytes + kMinBlockSize - 1) / kMinBlockSize * kMinBlockSize;
}

size_t segmentSize(size_t rounded) {
  if (rounded <= kSmallSize) return kSmallBuffer;
  if (rounded < kMinLargeAlloc) return kLargeBuffer;
  return (rounded + kRoundLarge - 1) / kRoundLarge * kRoundLarge;
}

}  // namespace

std::string formatBytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) { bytes /= 1024; u++; }
  char buf[48];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
  return buf;
}

struct CachingAllocator::State {
  explicit State(DeviceMemory& d) : dev(d) {}
  DeviceMemory& dev;
  mutable std::mutex mu;
  Pool small, large;
  std::unordered_map<std::uintptr_t, Block*> live;     // allocated blocks by address
  std::map<std::uintptr_t, size_t> segments;           // base address -> size
  struct Pending { EventId event; Block* block; };
  std::vector<Pending> pending;                        // frees waiting on other streams
  std::vector<EventId> idleEvents;
  AllocatorStats st;
  size_t limit = 0;
  std::function<void(size_t)> onOom;
  std::string lastFailure;                             // why the last new segment was refused
  // Private pools: while `capturePool` > 0, requests on `captureStream` are served from that pool
  // and requests on other streams are refused; blocks of the general pools freed meanwhile are held
  // (the graph may use them) until the pool is released.
  int capturePool = 0, lastPool = 0;
  StreamId captureStream = 0;
  std::map<int, std::vector<Block*>> held;            // pool -> general blocks freed during its capture

  Pool& poolOf(const Block* b) { return b->small ? small : large; }

  EventId takeEvent() {
    if (idleEvents.empty()) return dev.eventCreate();
    EventId e = idleEvents.back();
    idleEvents.pop_back();
    return e;
  }

  // Puts a block that nobody uses any more into its pool, merged with free neighbours.
  void insertFree(Block* b) {
    Pool& pool = poolOf(b);
    if (b->prev && b->prev->isFree()) {
      Block* p = b->prev;
      pool.erase(p);
      b->ptr = p->ptr;
      b->size += p->size;
      b->prev = p->prev;
      if (b->prev) b->prev->next = b;
      delete p;
    }
    if (b->next && b->next->isFree()) {
      Block* n = b->next;
      pool.erase(n);
      b->size += n->size;
      b->next = n->next;
      if (b->next) b->next->prev = b;
      delete n;
    }
    pool.insert(b);
  }

  // A block nobody holds any more: back to its pool, after events on the other streams that used it.
  // `count`: also takes it out of the live blocks and the allocated bytes (a held block already is).
  void release(Block* b, bool count) {
    // record events first, so that a failing event call leaves the block live
    std::vector<EventId> events;
    for (StreamId use : b->uses) {
      EventId e = takeEvent();
      events.push_back(e);
      dev.eventRecord(e, use);
    }
    if (count) {
      live.erase(b->ptr);
      st.allocatedBytes -= (int64_t)b->size;
      st.numFrees++;
    }
    b->allocated = false;
    b->uses.clear();
    if (events.empty()) {
      insertFree(b);
      return;
    }
    b->pendingEvents = (int)events.size();
    for (EventId e : events) pending.push_back({e, b});
  }

  void retire(const Pending& p) {
    idleEvents.push_back(p.event);
    if (--p.block->pendingEvents == 0) insertFree(p.block);
  }

  // Moves blocks whose events have completed back to their pools (never blocks).
  void processEvents() {
    if (pending.empty()) return;
    std::vector<Pending> still;
    for (const Pending& p : pending) {
      if (dev.eventQuery(p.event)) retire(p);
      else still.push_back(p);
    }
    pending.swap(still);
  }

  void synchronizeEvents() {
    std::vector<Pending> all;
    all.swap(pending);
    for (const Pending& p : all) {
      dev.eventSynchronize(p.event);
      retire(p);
    }
  }

  // Returns every wholly free segment of the general pools (or, with `only` > 0, of that private
  // pool) to the device. Nothing during a capture: freeing device memory synchronizes the device.
  void releaseCached(int only = 0) {
    if (capturePool) return;
    synchronizeEvents();
    for (Pool* pool : {&small, &large}) {
      for (auto it = pool->begin(); it != pool->end();) {
        Block* b = *it;
        if (b->prev || b->next || b->pool != only) { ++it; continue; }
        it = pool->erase(it);
        dev.rawFree(reinterpret_cast<void*>(b->ptr));
        segments.erase(b->ptr);
        st.reservedBytes -= (int64_t)b->size;
        st.numSegments--;
        delete b;
      }
    }
  }

  Block* findFree(int poolId, bool isSmall, StreamId stream, size_t rounded) {
    Pool& pool = isSmall ? small : large;
    Block key;
    key.pool = poolId;
    key.stream = stream;
    key.size = rounded;
    auto it = pool.lower_bound(&key);
    if (it == pool.end() || (*it)->pool != poolId || (*it)->stream != stream) return nullptr;
    Block* b = *it;
    pool.erase(it);
    return b;
  }

  Block* newSegment(int poolId, size_t size, bool isSmall, StreamId stream) {
    if (limit && (size_t)st.reservedBytes + size > limit) {
      lastFailure = "a new segment of " + formatBytes((double)size) + " would pass the memory limit of " +
                    formatBytes((double)limit) + " (setMemoryLimit / FLINT_GPU_MEMORY_LIMIT)";
      return nullptr;
    }
    void* p = dev.rawAlloc(size);
    if (!p) {
      lastFailure = dev.name() + " has no room for a new segment of " + formatBytes((double)size);
      return nullptr;
    }
    Block* b = new Block;
    b->ptr = reinterpret_cast<std::uintptr_t>(p);
    b->size = size;
    b->stream = stream;
    b->small = isSmall;
    b->pool = poolId;
    segments[b->ptr] = size;
    st.reservedBytes += (int64_t)size;
    st.peakReservedBytes = std::max(st.peakReservedBytes, st.reservedBytes);
    st.numSegments++;
    return b;
  }

  // One attempt to serve `rounded` bytes: a free block, else a new segment, else the same after
  // releasing the cache. nullptr when all fail; the state is then unchanged apart from the cache.
  Block* tryAllocate(size_t rounded, StreamId stream) {
    processEvents();
    const int poolId = capturePool;
    bool isSmall = rounded <= kSmallSize;
    bool hit = true;
    Block* b = findFree(poolId, isSmall, stream, rounded);
    if (!b) {
      hit = false;
      size_t seg = segmentSize(rounded);
      b = newSegment(poolId, seg, isSmall, stream);
      if (!b && !pending.empty() && !capturePool) {  // wait for frees pending on other streams: one may fit
        synchronizeEvents();
        b = findFree(poolId, isSmall, stream, rounded);
        hit = b != nullptr;
      }
      if (!b && !capturePool) {
        releaseCached();
        b = newSegment(poolId, seg, isSmall, stream);
      }
      if (!b) return nullptr;
    }
    size_t rest = b->size - rounded;
    if (isSmall ? rest >= kMinBlockSize : rest > kSmallSize) {
      Block* r = new Block;
      r->ptr = b->ptr + rounded;
      r->size = rest;
      r->stream = b->stream;
      r->small = b->small;
      r->pool = b->pool;
      r->prev = b;
      r->next = b->next;
      if (r->next) r->next->prev = r;
      b->next = r;
      b->size = rounded;
      poolOf(r).insert(r);  // its neighbours are in use (b, and whatever followed b): no merge
    }
    b->allocated = true;
    live[b->ptr] = b;
    st.allocatedBytes += (int64_t)b->size;
    st.peakAllocatedBytes = std::max(st.peakAllocatedBytes, st.allocatedBytes);
    st.numAllocs++;
    (hit ? st.cacheHits : st.cacheMisses)++;
    return b;
  }

  Block* liveBlock(void* ptr, const char* op) const {
    auto it = live.find(reinterpret_cast<std::uintptr_t>(ptr));
    if (it == live.end())
      fail(ErrorKind::Value, std::string("caching allocator: ") + op + ": " + dev.name() +
                                 " address was not allocated by this allocator, or was already freed");
    return it->second;
  }

  std::string describe() const {
    const int64_t cached = st.reservedBytes - st.allocatedBytes;
    return formatBytes((double)st.allocatedBytes) + " allocated, " + formatBytes((double)st.reservedBytes) +
           " reserved in " + std::to_string(st.numSegments) + " segments (" + formatBytes((double)cached) +
           " of it free in the cache), peak " + formatBytes((double)st.peakAllocatedBytes) + " allocated / " +
           formatBytes((double)st.peakReservedBytes) + " reserved; " + std::to_string(st.numAllocs) +
           " allocations, " + std::to_string(st.cacheHits) + " cache hits, " + std::to_string(st.numOoms) +
           " out-of-memory errors" + (limit ? "; limit " + formatBytes((double)limit) : std::string());
  }
};

CachingAllocator::CachingAllocator(DeviceMemory& device, size_t memoryLimit) : s_(new State(device)) {
  s_->limit = memoryLimit;
}

CachingAllocator::~CachingAllocator() {
  State& s = *s_;
  try {
    s.synchronizeEvents();
  } catch (...) {
    // a broken device at teardown: the memory goes with the context
  }
  for (Pool* pool : {&s.small, &s.large})
    for (Block* b : *pool) delete b;
  for (auto& kv : s.live) delete kv.second;
  for (auto& kv : s.segments) s.dev.rawFree(reinterpret_cast<void*>(kv.first));
  for (EventId e : s.idleEvents) s.dev.eventDestroy(e);
}

void* CachingAllocator::allocate(size_t bytes, StreamId stream) {
  if (bytes == 0) return nullptr;
  State& s = *s_;
  const size_t maxRequest = size_t(1) << 56;  // far past any device; keeps the rounding from overflowing
  size_t rounded = bytes <= maxRequest ? roundSize(bytes) : 0;
  std::function<void(size_t)> callback;
  if (rounded) {
    {
      std::lock_guard<std::mutex> lock(s.mu);
      if (s.capturePool && stream != s.captureStream)
        fail(ErrorKind::Capture, "CUDA graph capture: an allocation of " + formatBytes((double)bytes) + " on " + s.dev.name() +
                                     " on a stream other than the capturing one would come from outside the graph's private"
                                     " pool; allocate on the capturing stream (do not switch streams inside the captured function)");
      if (Block* b = s.tryAllocate(rounded, stream)) return reinterpret_cast<void*>(b->ptr);
      callback = s.capturePool ? nullptr : s.onOom;  // no garbage collection into a capture
    }
    if (callback) {
      callback(rounded);  // may free blocks: runs without the lock
      std::lock_guard<std::mutex> lock(s.mu);
      if (Block* b = s.tryAllocate(rounded, stream)) return reinterpret_cast<void*>(b->ptr);
    }
  }
  std::lock_guard<std::mutex> lock(s.mu);
  s.st.numOoms++;
  std::string why = rounded ? s.lastFailure : "the request is larger than any device";
  fail(ErrorKind::OutOfMemory,
       "out of memory on " + s.dev.name() + ": tried to allocate " + formatBytes((double)bytes) + " (" +
           std::to_string(bytes) + " bytes); " + why + (callback ? ", also after freeing garbage tensors" : "") +
           ". Allocator: " + s.describe() +
           ". Dispose of tensors you no longer need (dispose(), scope()) or lower the batch size.");
}

void CachingAllocator::free(void* ptr) {
  if (!ptr) return;
  State& s = *s_;
  std::lock_guard<std::mutex> lock(s.mu);
  Block* b = s.liveBlock(ptr, "free");
  if (s.capturePool && b->pool != s.capturePool) {
    // freed during a capture that may have used it: out of every pool (still marked allocated, so
    // that no neighbour merges with it) until the graph's pool is released
    s.live.erase(b->ptr);
    s.st.allocatedBytes -= (int64_t)b->size;
    s.st.numFrees++;
    s.held[s.capturePool].push_back(b);
    return;
  }
  if (s.capturePool) b->uses.clear();  // one stream captures: later users are in its order, no events
  s.release(b, true);
}

int CachingAllocator::beginPool(StreamId stream) {
  State& s = *s_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.capturePool) fail(ErrorKind::Capture, "CUDA graph capture: " + s.dev.name() + " is already capturing into a private pool");
  s.capturePool = ++s.lastPool;
  s.captureStream = stream;
  return s.capturePool;
}

void CachingAllocator::endPool() {
  std::lock_guard<std::mutex> lock(s_->mu);
  s_->capturePool = 0;
  s_->captureStream = 0;
}

void CachingAllocator::releasePool(int pool) {
  State& s = *s_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (pool <= 0 || pool == s.capturePool) return;
  // the general blocks freed during the capture
  auto h = s.held.find(pool);
  if (h != s.held.end()) {
    std::vector<Block*> blocks;
    blocks.swap(h->second);
    s.held.erase(h);
    for (Block* b : blocks) s.release(b, false);
  }
  // wholly free segments go back to the device; the others (a tensor made during the capture is
  // still alive) join the general pools, block by block
  s.releaseCached(pool);
  std::vector<Block*> moved;
  for (Pool* p : {&s.small, &s.large})
    for (auto it = p->begin(); it != p->end();) {
      if ((*it)->pool == pool) { moved.push_back(*it); it = p->erase(it); }
      else ++it;
    }
  for (auto& kv : s.live) if (kv.second->pool == pool) kv.second->pool = 0;
  for (auto& pe : s.pending) if (pe.block->pool == pool) pe.block->pool = 0;
  for (Block* b : moved) { b->pool = 0; s.poolOf(b).insert(b); }
}

bool CachingAllocator::capturing() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->capturePool != 0;
}

void CachingAllocator::recordStream(void* ptr, StreamId stream) {
  State& s = *s_;
  std::lock_guard<std::mutex> lock(s.mu);
  Block* b = s.liveBlock(ptr, "recordStream");
  if (stream == b->stream || std::find(b->uses.begin(), b->uses.end(), stream) != b->uses.end()) return;
  b->uses.push_back(stream);
}

void CachingAllocator::forgetStream(StreamId stream) {
  State& s = *s_;
  std::lock_guard<std::mutex> lock(s.mu);
  for (auto& kv : s.live) {
    auto& uses = kv.second->uses;
    uses.erase(std::remove(uses.begin(), uses.end(), stream), uses.end());
  }
  for (auto& kv : s.held)  // blocks freed during a capture, released with their pool
    for (Block* b : kv.second) b->uses.erase(std::remove(b->uses.begin(), b->uses.end(), stream), b->uses.end());
}

size_t CachingAllocator::blockSize(void* ptr) const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->liveBlock(ptr, "blockSize")->size;
}

void CachingAllocator::emptyCache() {
  std::lock_guard<std::mutex> lock(s_->mu);
  s_->releaseCached();
}

AllocatorStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->st;
}

void CachingAllocator::resetPeakStats() {
  std::lock_guard<std::mutex> lock(s_->mu);
  s_->st.peakAllocatedBytes = s_->st.allocatedBytes;
  s_->st.peakReservedBytes = s_->st.reservedBytes;
}

void CachingAllocator::setMemoryLimit(size_t bytes) {
  std::lock_guard<std::mutex> lock(s_->mu);
  s_->limit = bytes;
}

size_t CachingAllocator::memoryLimit() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->limit;
}

void CachingAllocator::setOutOfMemoryCallback(std::function<void(size_t)> fn) {
  std::lock_guard<std::mutex> lock(s_->mu);
  s_->onOom = std::move(fn);
}

std::vector<SegmentInfo> CachingAllocator::snapshot() const {
  const State& s = *s_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::map<std::uintptr_t, const Block*> blocks;
  for (const Pool* pool : {&s.small, &s.large})
    for (const Block* b : *pool) blocks[b->ptr] = b;
  for (auto& kv : s.live) blocks[kv.first] = kv.second;
  for (auto& p : s.pending) blocks[p.block->ptr] = p.block;
  std::vector<SegmentInfo> out;
  for (auto& seg : s.segments) {
    SegmentInfo info{seg.first, seg.second, 0, false, {}};
    for (auto it = blocks.lower_bound(seg.first); it != blocks.end() && it->first < seg.first + seg.second; ++it) {
      const Block* b = it->second;
      info.stream = b->stream;
      info.small = b->small;
      info.blocks.push_back({b->ptr, b->size,
                             b->allocated ? BlockInfo::Allocated
                                          : b->pendingEvents ? BlockInfo::PendingFree : BlockInfo::Free});
    }
    out.push_back(std::move(info));
  }
  return out;
}

size_t parseMemorySize(const std::string& text, const std::string& what) {
  auto bad = [&]() -> size_t {
    fail(ErrorKind::Value, what + ": cannot read '" + text + "' as a size in bytes (examples: 8G, 512M, 1.5GiB, 1073741824)");
  };
  size_t i = 0, n = text.size();
  while (i < n && std::isspace((unsigned char)text[i])) i++;
  size_t start = i;
  while (i < n && (std::isdigit((unsigned char)text[i]) || text[i] == '.')) i++;
  if (i == start) return bad();
  std::string number = text.substr(start, i - start);
  if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") return bad();
  double value = std::strtod(number.c_str(), nullptr);
  while (i < n && std::isspace((unsigned char)text[i])) i++;
  std::string unit;
  while (i < n && !std::isspace((unsigned char)text[i])) unit += (char)std::tolower((unsigned char)text[i++]);
  while (i < n && std::isspace((unsigned char)text[i])) i++;
  if (i != n) return bad();
  double scale;
  if (unit.empty() || unit == "b") scale = 1;
  else {
    static const char* prefixes = "kmgt";
    const char* p = std::strchr(prefixes, unit[0]);
    std::string tail = unit.substr(1);
    if (!p || !(tail.empty() || tail == "b" || tail == "ib")) return bad();
    scale = std::pow(1024.0, (double)(p - prefixes + 1));
  }
  double bytes = std::floor(value * scale);
  if (!std::isfinite(bytes) || bytes >= 9.0e18) return bad();
  return (size_t)bytes;
}

size_t memoryLimitFromEnv() {
  const char* v = std::getenv("FLINT_GPU_MEMORY_LIMIT");
  if (!v || !*v) return 0;
  return parseMemorySize(v, "FLINT_GPU_MEMORY_LIMIT");
}

}  // namespace gpu
}  // namespace flint
