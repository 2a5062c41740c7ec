// backend.h — the GPU backend's runtime state, for the addon (native/addon/gpu_binding.cpp) and for
// launch.h's implementation: per device a context, the loaded kernel images, a caching allocator,
// the current stream and the error words; the pinned host pool; streams and events as small ids.
//
// One vendor-neutral Driver interface (driver.h; CUDA driver API in cuda.cpp, HIP module API in
// hip.cpp, both through dlopen'd tables) sits under everything, so that backend.cpp and the op
// wrappers (ops_*.cpp) never see a vendor. Included by the addon (gpu_binding.cpp, addon.cpp),
// blas_api.cpp and the ops that need more than launch.h.
//
// Threads: ops run on the JS thread. The only other thread that touches the GPU is a worker of
// `await t.data()`, which waits for an event and copies from a pinned buffer (gpu_binding.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include "caching_allocator.h"
#include "launch.h"

namespace flint {
namespace gpu {

/** The backend, initializing it (context, images) on first use; throws BackendUnavailableError with the reason. */
void ensureBackend();
/** Makes device `index` current for the following launches and allocations (throws for a bad index). */
void setCurrentDevice(int index);
/** Makes the current device's context current on the calling thread (a worker thread's first call). */
void bindCallingThread();
int currentDevice();

// ---- memory ------------------------------------------------------------------------------------
void* deviceAlloc(size_t bytes, int device);  // on the device's current stream; OutOfMemoryError
void deviceFree(void* ptr, int device);
void recordStreamUse(void* ptr, int device, int streamId);
AllocatorStats deviceStats(int device);
void deviceEmptyCache();
void setDeviceMemoryLimit(size_t bytes);
size_t deviceMemoryLimit();
void resetDevicePeak();
/** Called when an allocation cannot be served, before the retry (the addon asks JS to collect garbage). */
void setOutOfMemoryHook(std::function<void()> hook);

void* pinnedAlloc(size_t bytes);  // page-locked host memory from the pool
void pinnedFree(void* ptr);       // reused once the work queued so far on the current stream is done
bool isPinned(const void* ptr);
int64_t pinnedCachedBytes();

// ---- streams and events (ids: 0 is the default stream; ids are per process) ---------------------
int streamCreate(int device);
void streamDestroy(int id);
void streamSynchronize(int id);
bool streamQuery(int id);
void streamWaitEvent(int stream, int event);
int currentStreamId();
void setCurrentStreamId(int id);  // also selects the stream's device
int streamDevice(int id);
/** The driver's handle of stream `id` (CUstream / hipStream_t; nullptr for the default stream), for vendor libraries (NCCL). */
void* streamNativeHandle(int id);
int eventCreate(bool timing);
void eventDestroy(int id);
void eventRecord(int id, int stream);
void eventSynchronize(int id);
bool eventQuery(int id);
float eventElapsedMs(int start, int end);
/** Blocks until every stream of the current device is idle, then checks error words. */
void deviceSynchronize();

// ---- copies that cross the host boundary --------------------------------------------------------
/** Host -> device on the current stream; async when `src` is pinned, else returns once `src` was read. */
void copyToDevice(void* dst, const void* src, size_t bytes);
/** Device -> host, complete on return (synchronizes the current stream; checks error words first). */
void copyToHost(void* dst, const void* src, size_t bytes);

/**
 * For `await t.data()`: queues a device -> pinned copy on the current stream and an event after it.
 * wait() (any thread) blocks until the copy is done; finish() (JS thread) checks the error words
 * that were in flight when the copy was queued and releases the event. The pinned buffer belongs
 * to the caller (pinnedFree).
 */
struct AsyncRead {
  void* pinned = nullptr;
  int device = 0;
  void* event = nullptr;
  std::vector<int> errorSlots;
};
AsyncRead startAsyncRead(const void* src, size_t bytes);
void waitAsyncRead(const AsyncRead& r);  // worker thread
void finishAsyncRead(AsyncRead& r);      // JS thread; throws the error a kernel reported

// ---- CUDA graphs (stream capture into a graph, replayed as one launch) ----------------------------
// One capture at a time, on a stream other than the default one; its allocations come from a
// private pool of the caching allocator (caching_allocator.h). While it is in progress, host
// copies, synchronization and pinned allocations throw Error(Capture) naming what was refused.
bool graphsSupported();
bool captureActive();            // any capture in progress (a flag: cheap)
bool currentStreamCapturing();   // the current stream is the capturing one
/** mode: 0 global, 1 thread-local, 2 relaxed (the driver's capture modes). */
void captureBegin(int streamId, int mode);
/** Ends the capture and instantiates the graph; returns its id. On failure releases everything and throws. */
int captureEnd();
/** Abandons a capture in progress: ends it, destroys the partial graph, releases the pool. Never throws. */
void captureAbort();
/** Launches graph `id` on the current stream. */
void graphReplay(int id);
/** Waits for the device, destroys graph `id` and releases its private pool (a reset graph id is ignored). */
void graphDestroy(int id);

// ---- facts for doctor ---------------------------------------------------------------------------
struct BackendInfo {
  std::string imageSet;  // the folder and toolkit of the loaded images
  int modules = 0, kernelsResolved = 0;
  bool syncMode = false;  // FLINT_SYNC=1
};
BackendInfo backendInfo();

}  // namespace gpu
}  // namespace flint
