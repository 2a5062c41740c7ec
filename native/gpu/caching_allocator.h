// caching_allocator.h — the caching device allocator (DESIGN.md §3), backend-neutral. It asks a
// DeviceMemory for large segments and serves tensors from them; the backend provides one per device
// over the Driver (backend.cpp), and the tests drive it with a fake device (the test addon's
// test/addon/allocator_hooks.cpp).
//
// Design (PyTorch's c10 CUDACachingAllocator, reduced to what flintml needs)
// --------------------------------------------------------------------------
// Why cache: cuMemAlloc/cuMemFree (and hipMalloc/hipFree) synchronize the device and cost tens of
// microseconds to milliseconds. A training step allocates and frees the same shapes every step, so
// freed memory is kept and handed out again; the device sees a few large allocations ("segments").
//
// Sizes. A request is rounded up to a multiple of 512 B (kMinBlockSize). Requests up to 1 MiB
// (kSmallSize) go to the small pool and are carved out of 2 MiB segments (kSmallBuffer); larger
// requests go to the large pool: below 10 MiB (kMinLargeAlloc) they are carved out of 20 MiB
// segments (kLargeBuffer), from 10 MiB on they get a segment of their own size rounded up to
// 2 MiB (kRoundLarge). Two pools keep small tensors from fragmenting the big segments.
//
// Blocks. A segment is a doubly linked list of blocks (prev/next are neighbours in memory). A free
// block sits in its pool, a std::set ordered by (stream, size, address): the best fit for a request
// on stream S is one lower_bound. A block larger than the request is split, and the remainder
// stays free in the pool (small pool: if it is at least 512 B; large pool: if it is over 1 MiB, so
// that large segments are not cut into small pieces). When a block is freed it merges with free
// neighbours of its segment, so a segment whose tensors are all gone is one free block again.
//
// Streams. GPU work is asynchronous: when JS frees a tensor, kernels that read it may still be
// queued. Every block belongs to the stream it was allocated on, and kernels on one stream run in
// order, so a block freed on stream S can be handed out again at once for more work on S — the
// new user's kernels run after the old ones. Free blocks are only served to requests on their
// own stream. A block used on another stream is declared with recordStream(ptr, S2); when it is
// freed, an event is recorded on each such stream, and the block stays out of the pool until all
// these events have completed (checked without blocking at the start of each allocate()).
// The device interface is therefore CUDA's event API: create, record on a stream, query,
// synchronize, destroy. Events are pooled and reused.
//
// Statistics. allocatedBytes counts blocks in use (their rounded size), reservedBytes counts
// segments held from the device; both have peaks. numAllocs/numFrees, cacheHits (served from a
// free block) and cacheMisses (needed a new segment), numSegments, numOoms.
//
// Limit. setMemoryLimit(bytes) (or FLINT_GPU_MEMORY_LIMIT=8G at start-up, see memoryLimitFromEnv)
// caps reservedBytes: a new segment that would pass the limit is treated like a device that has no
// room. 0 means no limit. Lowering the limit below what is reserved releases nothing by itself.
//
// Out of memory. When neither a free block nor a new segment can serve a request: (1) wait for
// pending cross-stream frees and look for a free block again, then release every wholly free
// segment (emptyCache) and try a new segment again;
// (2) call the out-of-memory callback (the addon asks JS to run the garbage collector so that the
// FinalizationRegistry frees forgotten tensors) and try once more (including step 1); (3) throw
// flint::Error(OutOfMemory) naming the request, the reason (device full or limit) and the stats.
// Nothing is left half-done, so the allocator stays usable after the throw.
//
// emptyCache() waits for pending cross-stream frees (eventSynchronize, as PyTorch does), then
// returns every segment that is wholly free to the device. Segments holding a live block stay.
//
// Private pools (CUDA graphs, as PyTorch's graph pools). A captured graph replays its kernels on
// the addresses they had at capture time, so that memory must stay the graph's until the graph is
// destroyed. beginPool(S) routes every request on the capturing stream S to a new private pool
// (its own segments; blocks are tagged with the pool id, which orders first in the free sets):
// a block freed during the capture may be reused by a later request of the same capture (stream
// order makes that safe), but nothing of the pool is served to anyone else. A request on another
// stream meanwhile is refused (Error(Capture)): its memory would come from outside the pool. A
// block of the general pools freed during the capture is held out of every pool (the graph may
// read it) until releasePool. No segment is returned to the device and no event is recorded or
// waited for while a pool is active (both would be illegal inside a capture). releasePool(P)
// returns P's wholly free segments to the device; segments that still hold a live tensor made
// during the capture join the general pools.
//
// Threads. One mutex guards all state. The out-of-memory callback runs without it held, so that
// the callback may free blocks (re-entering free()). A request of 0 bytes returns nullptr.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace flint {
namespace gpu {

using StreamId = std::uintptr_t;  // a CUstream / hipStream_t as an integer; 0 is the default stream
using EventId = void*;            // a CUevent / hipEvent_t

/** What a vendor runtime (or the test's fake device) gives the allocator. */
struct DeviceMemory {
  virtual ~DeviceMemory() = default;
  virtual std::string name() const = 0;            // "cuda:0 (NVIDIA H100)", for messages
  virtual void* rawAlloc(size_t bytes) = 0;        // nullptr when the device has no room
  virtual void rawFree(void* ptr) = 0;
  virtual EventId eventCreate() = 0;
  virtual void eventRecord(EventId e, StreamId s) = 0;  // marks all work queued on s so far
  virtual bool eventQuery(EventId e) = 0;          // true once that work has completed
  virtual void eventSynchronize(EventId e) = 0;    // blocks the host until then
  virtual void eventDestroy(EventId e) = 0;
};

constexpr size_t kMinBlockSize = 512;               // every size is a multiple of this
constexpr size_t kSmallSize = 1 << 20;              // largest request served by the small pool
constexpr size_t kSmallBuffer = 2 << 20;            // small pool segments
constexpr size_t kLargeBuffer = 20 << 20;           // large pool segments for requests < kMinLargeAlloc
constexpr size_t kMinLargeAlloc = 10 << 20;
constexpr size_t kRoundLarge = 2 << 20;             // larger requests get their own segment, rounded

struct AllocatorStats {
  int64_t allocatedBytes = 0, reservedBytes = 0, peakAllocatedBytes = 0, peakReservedBytes = 0;
  int64_t numAllocs = 0, numFrees = 0, cacheHits = 0, cacheMisses = 0, numSegments = 0, numOoms = 0;
};

/** One block of a segment, as snapshot() reports it (tests and debugging). */
struct BlockInfo {
  enum State { Allocated, Free, PendingFree };  // PendingFree: waiting for events on other streams
  std::uintptr_t ptr;
  size_t size;
  State state;
};
struct SegmentInfo {
  std::uintptr_t ptr;
  size_t size;
  StreamId stream;
  bool small;                   // which pool
  std::vector<BlockInfo> blocks;  // in address order, covering the segment
};

class CachingAllocator {
 public:
  explicit CachingAllocator(DeviceMemory& device, size_t memoryLimit = 0);
  // Waits for pending frees and returns every segment to the device (live blocks included).
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  void* allocate(size_t bytes, StreamId stream);  // throws Error(OutOfMemory); 0 bytes -> nullptr
  void free(void* ptr);                           // nullptr is ignored; unknown pointer -> Error(Value)
  void recordStream(void* ptr, StreamId stream);  // ptr is also used by work on `stream`
  // `stream` is being destroyed after a synchronize: its uses need no event at free (and may get none:
  // recording on a destroyed stream fails)
  void forgetStream(StreamId stream);
  size_t blockSize(void* ptr) const;              // the rounded size of a live block
  void emptyCache();
  AllocatorStats stats() const;
  void resetPeakStats();
  void setMemoryLimit(size_t bytes);              // on reservedBytes; 0 = no limit
  size_t memoryLimit() const;
  // Called (without the allocator's lock) with the rounded size when a request cannot be served.
  void setOutOfMemoryCallback(std::function<void(size_t bytes)> fn);
  std::vector<SegmentInfo> snapshot() const;

  // ---- private pools (CUDA graphs) ---------------------------------------------------------------
  /** Starts serving requests on `stream` from a new private pool (returned, > 0); Error(Capture) if one is active. */
  int beginPool(StreamId stream);
  /** Requests go to the general pools again; the pool keeps its memory for the graph. */
  void endPool();
  /** The graph is gone: its pool's free memory returns to the device, its live blocks join the general pools. */
  void releasePool(int pool);
  bool capturing() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

/** "8G", "512M", "1.5GiB", "64k", "1048576" -> bytes (K/M/G/T are powers of 1024). Error(Value) naming `what`. */
size_t parseMemorySize(const std::string& text, const std::string& what);
/** FLINT_GPU_MEMORY_LIMIT parsed, or 0 when it is unset or empty. */
size_t memoryLimitFromEnv();
/** "12.00 MiB" */
std::string formatBytes(double bytes);

}  // namespace gpu
}  // namespace flint
