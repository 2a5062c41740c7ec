// backend.cpp — the GPU backend runtime (backend.h) and the implementation of launch.h, written
// once for both vendors: every driver call goes through the Driver (driver.h) that discovery made
// (device.cpp with cuda.cpp / hip.cpp). Per device: the loaded kernel images, a caching allocator
// (caching_allocator.h) over the Driver, the current stream and the error words; per process:
// streams and events as small ids, and the pinned host pool (pinned_pool.h).
#include "backend.h"
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include "../core/storage.h"
#include "device.h"
#include "driver.h"
#include "images.h"
#include "pinned_pool.h"

namespace flint {
namespace gpu {

namespace {

bool gCapturingFlag();

// The caching allocator's view of one device.
struct DeviceMem : DeviceMemory {
  Driver& d;
  int index;
  std::string label;
  DeviceMem(Driver& drv, int i, std::string l) : d(drv), index(i), label(std::move(l)) {}
  std::string name() const override { return label; }
  void* rawAlloc(size_t bytes) override {
    d.makeCurrent(index);
    if (!gCapturingFlag()) return d.alloc(bytes);
    // a new segment of a graph's private pool: cuMemAlloc is "potentially unsafe" in a global-mode
    // capture; in relaxed mode it is allowed (the graph never sees it freed before its replays)
    const int prev = d.exchangeCaptureMode(2);
    void* p = nullptr;
    try {
      p = d.alloc(bytes);
    } catch (...) {
      d.exchangeCaptureMode(prev);
      throw;
    }
    d.exchangeCaptureMode(prev);
    return p;
  }
  void rawFree(void* p) override { d.makeCurrent(index); d.free(p); }
  EventId eventCreate() override { return d.eventCreate(false); }
  void eventRecord(EventId e, StreamId s) override { d.eventRecord(e, (void*)s); }
  bool eventQuery(EventId e) override { return d.eventQuery(e); }
  void eventSynchronize(EventId e) override { d.eventSync(e); }
  void eventDestroy(EventId e) override { d.eventDestroy(e); }
};

constexpr int kErrorWords = 1024;

struct PendingError {
  std::string op;
  ErrorDecoder decode;
  void* stream;  // where the kernel that writes the word was queued
  bool owned = false;  // the slot belongs to a captured graph: reading it does not free it
};

// A captured graph (CUDA graphs): the driver's graph and executable graph, the private pool of the
// caching allocator that holds the memory its kernels use, and the error-word slots of its kernels
// (reserved for the graph's lifetime; each replay makes them pending, so the next synchronization
// reports an error a replayed kernel found).
struct GraphRec {
  void* graph = nullptr;
  void* exec = nullptr;
  int device = 0;
  int pool = 0;
  std::vector<std::pair<int, PendingError>> slots;
  bool alive = false;
};

// The capture in progress (one per process at a time).
struct CaptureState {
  bool active = false;
  int device = 0;
  int streamId = 0;
  void* stream = nullptr;
  int pool = 0;
  std::vector<std::pair<int, PendingError>> slots;
};

struct DeviceState {
  bool ready = false;
  std::string imageSet;
  std::vector<void*> modules;
  std::unordered_map<std::string, void*> functions;
  std::unique_ptr<DeviceMem> mem;
  std::unique_ptr<CachingAllocator> alloc;
  int stream = 0;           // current stream id
  int* words = nullptr;     // kErrorWords ints of device memory
  std::vector<int> freeSlots;
  std::map<int, PendingError> pending;  // slot -> op
  void* sideStream = nullptr;           // private stream for reading error words off the JS thread's order
};

struct StreamRec {
  void* handle = nullptr;
  int device = 0;
  bool alive = false;
};
struct EventRec {
  void* handle = nullptr;
  int device = 0;
  bool alive = false;
};

struct Backend {
  Driver* driver = nullptr;
  std::vector<DeviceState> devices;
  int current = 0;
  bool sync = false;
  std::vector<StreamRec> streams{StreamRec{nullptr, 0, true}};  // id 0: the default stream
  std::vector<EventRec> events{EventRec{}};                      // id 0 unused
  std::function<void()> oomHook;
  size_t memoryLimit = 0;
  std::unique_ptr<PinnedPool> pinned;
  std::vector<GraphRec> graphs{GraphRec{}};  // id 0 unused
  CaptureState capture;
};

Backend* gBackend = nullptr;
std::atomic<bool> gAllowTF32{false};
bool gCapturing = false;  // a stream capture is in progress (Backend::capture); read on every op
bool gCapturingFlag() { return gCapturing; }

// Host <-> device traffic, synchronization and pinned allocations cannot be part of a captured graph:
// they are refused while a capture is in progress (before the driver would invalidate it).
void refuseInCapture(const char* what) {
  if (gCapturing)
    fail(ErrorKind::Capture, std::string("CUDA graph capture: ") + what +
                                 " cannot be captured (a graph replays GPU work only; do host reads, "
                                 "copies from the CPU and synchronization outside fl.cuda.graph)");
}

Backend& be() {
  ensureBackend();
  return *gBackend;
}

void initDevice(Backend& b, int i) {
  DeviceState& ds = b.devices[i];
  if (ds.ready) return;
  ds.modules.clear();  // a retry after a failed start
  const GpuRuntime& rt = GpuRuntime::get();
  const DeviceInfo& info = rt.devices()[i];
  std::string why;
  const ImageSet* set = chooseImageSet(rt.imageSets(), *b.driver, rt.driverVersion(), info, &why);
  std::string how, compileWhy;
  if (!set && b.driver->canCompileImages(info, &how)) {
    set = b.driver->compileImages(info, &compileWhy);  // AMD: hiprtc, cached on disk (hiprtc.h)
    if (!set) why += "; " + compileWhy;
  }
  if (!set) fail(ErrorKind::BackendUnavailable, "cuda:" + std::to_string(i) + ": " + why);
  b.driver->makeCurrent(i);
  for (const std::string& file : set->files) {
    std::ifstream f(file, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string image = ss.str();
    if (!f || image.empty()) fail(ErrorKind::BackendUnavailable, "cuda:" + std::to_string(i) + ": cannot read kernel image " + file);
    void* m = nullptr;
    int r = b.driver->loadModule(image.data(), &m);
    if (r != 0)
      fail(ErrorKind::BackendUnavailable, "cuda:" + std::to_string(i) + ": loading kernel image " + file + " (" + set->toolkit +
                                              ") failed: " + b.driver->errorText(r) + " — the driver cannot run these images on " +
                                              info.name + "; update the driver or rebuild flintml for this GPU");
    ds.modules.push_back(m);
  }
  ds.imageSet = set->dir + " (" + set->toolkit + ")";
  ds.mem.reset(new DeviceMem(*b.driver, i, "cuda:" + std::to_string(i) + " (" + info.name + ")"));
  ds.alloc.reset(new CachingAllocator(*ds.mem, b.memoryLimit));
  ds.alloc->setOutOfMemoryCallback([&b](size_t) { if (b.oomHook) b.oomHook(); });
  ds.words = static_cast<int*>(ds.alloc->allocate(kErrorWords * sizeof(int), 0));
  b.driver->memset8(ds.words, 0, kErrorWords * sizeof(int), nullptr);
  b.driver->streamSync(nullptr);
  for (int s = kErrorWords - 1; s >= 0; s--) ds.freeSlots.push_back(s);
  ds.sideStream = b.driver->streamCreate();
  ds.ready = true;
}

// initDevice, with a failure of the driver (no context, no module) reported as the backend being
// unavailable on that device — the discovery could not know it without creating a context.
void initDeviceChecked(Backend& b, int i) {
  try {
    initDevice(b, i);
  } catch (const Error& e) {
    if (e.kind == ErrorKind::BackendUnavailable || e.kind == ErrorKind::OutOfMemory) throw;
    fail(ErrorKind::BackendUnavailable, "cuda:" + std::to_string(i) + ": the GPU backend cannot start: " + e.what());
  }
}

DeviceState& cur() {
  Backend& b = be();
  DeviceState& ds = b.devices[b.current];
  if (!ds.ready) initDeviceChecked(b, b.current);
  return ds;
}

void* streamHandle(int id) {
  Backend& b = *gBackend;
  if (id < 0 || (size_t)id >= b.streams.size() || !b.streams[id].alive) fail(ErrorKind::Value, "cuda: stream was destroyed");
  return b.streams[id].handle;
}
void* curStream() { return streamHandle(cur().stream); }

EventRec& eventRec(int id) {
  Backend& b = be();
  if (id <= 0 || (size_t)id >= b.events.size() || !b.events[id].alive) fail(ErrorKind::Value, "cuda: event was destroyed");
  return b.events[id];
}

// Reads the error words of `slots` (the kernels that wrote them have completed), zeroes them,
// releases the slots and throws the first error.
void drainSlots(DeviceState& ds, const std::vector<int>& slots, void* stream) {
  Backend& b = *gBackend;
  if (slots.empty()) return;
  std::vector<int> host(kErrorWords, 0);
  b.driver->copyDtoH(host.data(), ds.words, kErrorWords * sizeof(int), stream);
  b.driver->streamSync(stream);
  std::string op;
  ErrorDecoder decode = nullptr;
  int bits = 0;
  for (int s : slots) {
    auto it = ds.pending.find(s);
    if (it == ds.pending.end()) continue;
    if (host[s] != 0) {
      if (!bits) { bits = host[s]; op = it->second.op; decode = it->second.decode; }
      b.driver->memset8(ds.words + s, 0, sizeof(int), stream);
    }
    const bool owned = it->second.owned;
    ds.pending.erase(it);
    if (!owned) ds.freeSlots.push_back(s);
  }
  b.driver->streamSync(stream);
  if (bits) {
    if (decode) decode(bits, op.c_str());
    fail(ErrorKind::Flint, op + ": a GPU kernel reported error bits " + std::to_string(bits));
  }
}

void checkDevice(DeviceState& ds) {
  if (ds.pending.empty()) return;
  refuseInCapture("reading the error words of kernels (a synchronization)");
  Backend& b = *gBackend;
  b.driver->deviceSync();
  std::vector<int> slots;
  for (auto& kv : ds.pending) slots.push_back(kv.first);
  drainSlots(ds, slots, ds.sideStream);
}

struct GpuStorageAllocator : Allocator {
  void* allocate(int64_t bytes, bool zero, int deviceIndex) override {
    Backend& b = be();
    if (deviceIndex < 0 || (size_t)deviceIndex >= b.devices.size())
      fail(ErrorKind::Device, "cuda:" + std::to_string(deviceIndex) + ": no such device (" +
                                  std::to_string(b.devices.size()) + " visible)");
    void* p = deviceAlloc((size_t)bytes, deviceIndex);
    if (zero && bytes > 0) {
      int saved = b.current;
      setCurrentDevice(deviceIndex);
      b.driver->memset8(p, 0, (size_t)bytes, curStream());
      setCurrentDevice(saved);
    }
    return p;
  }
  void deallocate(void* p, int64_t, int deviceIndex) override { deviceFree(p, deviceIndex); }
  void fillStats(MemStats& st) override {
    if (!gBackend) return;
    AllocatorStats a;
    int64_t own = 0;  // the backend's error words: not tensors
    for (size_t i = 0; i < gBackend->devices.size(); i++) {
      if (!gBackend->devices[i].ready) continue;
      AllocatorStats s = gBackend->devices[i].alloc->stats();
      a.allocatedBytes += s.allocatedBytes; a.reservedBytes += s.reservedBytes;
      a.peakAllocatedBytes += s.peakAllocatedBytes; a.numAllocs += s.numAllocs; a.numFrees += s.numFrees;
      a.cacheHits += s.cacheHits;
      own += (int64_t)gBackend->devices[i].alloc->blockSize(gBackend->devices[i].words);
      a.numAllocs -= 1;
    }
    st.allocatedBytes = a.allocatedBytes - own;
    st.peakAllocatedBytes = a.peakAllocatedBytes - own;
    st.numAllocs = a.numAllocs;
    st.numFrees = a.numFrees;
    st.cacheHits = a.cacheHits;
    st.cachedBytes = a.reservedBytes - a.allocatedBytes;
  }
  void emptyCache() override { if (gBackend) deviceEmptyCache(); }
  void resetPeak() override { resetDevicePeak(); }
};

struct PinnedStorageAllocator : Allocator {
  void* allocate(int64_t bytes, bool zero, int) override {
    void* p = pinnedAlloc((size_t)bytes);
    if (zero) std::memset(p, 0, (size_t)bytes);
    return p;
  }
  void deallocate(void* p, int64_t, int) override { pinnedFree(p); }
};

}  // namespace

// ================================================================================================
// backend.h
// ================================================================================================

void ensureBackend() {
  if (gBackend) return;
  GpuRuntime& rt = GpuRuntime::get();
  if (!rt.available()) fail(ErrorKind::BackendUnavailable, "cuda: the GPU backend is unavailable: " + rt.unavailableReason());
  Backend* b = new Backend();
  b->driver = rt.driver();
  b->pinned.reset(new PinnedPool(*b->driver));
  b->devices.resize(rt.deviceCount());
  const char* s = std::getenv("FLINT_SYNC");
  b->sync = s && *s && std::string(s) != "0";
  b->memoryLimit = memoryLimitFromEnv();
  gBackend = b;
  static GpuStorageAllocator storageAlloc;
  static PinnedStorageAllocator pinnedAllocator;
  setAllocator(DeviceType::CUDA, &storageAlloc);
  setPinnedAllocator(&pinnedAllocator);
  cur();  // device 0; on failure the backend object stays and the device is retried on next use
}

// The driver's current context is per thread: a JS worker thread (or any thread that calls in) must
// make it current itself, so the shortcut below also checks that this thread did.
thread_local int tBoundDevice = -1;

void setCurrentDevice(int index) {
  Backend& b = be();
  if (index < 0 || (size_t)index >= b.devices.size())
    fail(ErrorKind::Device, "cuda:" + std::to_string(index) + ": no such device (" + std::to_string(b.devices.size()) + " visible)");
  if (index == b.current && b.devices[index].ready && tBoundDevice == index) return;
  b.current = index;
  if (!b.devices[index].ready) initDeviceChecked(b, index);
  b.driver->makeCurrent(index);
  tBoundDevice = index;
}

void bindCallingThread() {
  if (!gBackend || gBackend->devices.empty() || tBoundDevice == gBackend->current) return;
  if (gBackend->devices[gBackend->current].ready) setCurrentDevice(gBackend->current);
}
int currentDevice() { return gBackend ? gBackend->current : 0; }

void* deviceAlloc(size_t bytes, int device) {
  Backend& b = be();
  int saved = b.current;
  setCurrentDevice(device);
  DeviceState& ds = b.devices[device];
  if (gCapturing && device != b.capture.device)
    fail(ErrorKind::Capture, "CUDA graph capture: an allocation on cuda:" + std::to_string(device) +
                                 " while cuda:" + std::to_string(b.capture.device) + " captures would come from outside the graph's private pool");
  void* p = ds.alloc->allocate(bytes, (StreamId)streamHandle(ds.stream));
  setCurrentDevice(saved);
  return p;
}
void deviceFree(void* ptr, int device) {
  if (!gBackend || !ptr) return;
  DeviceState& ds = gBackend->devices[device];
  if (ds.ready) ds.alloc->free(ptr);
}
void recordStreamUse(void* ptr, int device, int streamId) {
  Backend& b = be();
  DeviceState& ds = b.devices[device];
  if (ds.ready) ds.alloc->recordStream(ptr, (StreamId)streamHandle(streamId));
}
AllocatorStats deviceStats(int device) {
  Backend& b = be();
  DeviceState& ds = b.devices[device];
  return ds.ready ? ds.alloc->stats() : AllocatorStats();
}
void deviceEmptyCache() {
  if (!gBackend) return;
  for (auto& ds : gBackend->devices) if (ds.ready) ds.alloc->emptyCache();
  gBackend->pinned->emptyCache();
}
void setDeviceMemoryLimit(size_t bytes) {
  Backend& b = be();
  b.memoryLimit = bytes;
  for (auto& ds : b.devices) if (ds.ready) ds.alloc->setMemoryLimit(bytes);
}
size_t deviceMemoryLimit() { return gBackend ? gBackend->memoryLimit : memoryLimitFromEnv(); }
void resetDevicePeak() {
  if (!gBackend) return;
  for (auto& ds : gBackend->devices) if (ds.ready) ds.alloc->resetPeakStats();
}
void setOutOfMemoryHook(std::function<void()> hook) {
  if (gBackend) gBackend->oomHook = std::move(hook);
}

void* pinnedAlloc(size_t bytes) {
  Backend& b = be();
  refuseInCapture("a pinned host allocation");
  void* p = b.pinned->tryAlloc(bytes);
  if (!p) {
    deviceEmptyCache();
    p = b.pinned->tryAlloc(bytes);
  }
  if (!p) fail(ErrorKind::OutOfMemory, "pinned: out of page-locked host memory allocating " + formatBytes((double)bytes));
  return p;
}
void pinnedFree(void* ptr) {
  if (!gBackend || !ptr) return;
  Backend& b = *gBackend;
  b.pinned->free(ptr, streamHandle(b.devices[b.current].stream));
}

// Notes that the current stream queued a copy touching host memory `p` (if it is pinned).
static void notePinnedUse(const void* p) {
  Backend& b = *gBackend;
  b.pinned->noteUse(p, b.streams[b.devices[b.current].stream].handle);
}

bool isPinned(const void* ptr) { return gBackend && gBackend->pinned->contains(ptr); }
int64_t pinnedCachedBytes() { return gBackend ? gBackend->pinned->cachedBytes() : 0; }

int streamCreate(int device) {
  Backend& b = be();
  int saved = b.current;
  setCurrentDevice(device);
  void* h = b.driver->streamCreate();
  setCurrentDevice(saved);
  b.streams.push_back(StreamRec{h, device, true});
  return (int)b.streams.size() - 1;
}
void streamDestroy(int id) {
  Backend& b = be();
  if (id <= 0 || (size_t)id >= b.streams.size() || !b.streams[id].alive) return;
  for (auto& ds : b.devices) if (ds.stream == id) ds.stream = 0;
  b.driver->streamSync(b.streams[id].handle);
  // the allocators remember streams that used a block, to record an event there at its free; the
  // stream's work is done now, and an event recorded on a destroyed stream fails (in a free called
  // from a finalizer, that aborted the process)
  for (auto& ds : b.devices) if (ds.ready) ds.alloc->forgetStream((StreamId)b.streams[id].handle);
  b.pinned->forgetStream(b.streams[id].handle);
  b.driver->streamDestroy(b.streams[id].handle);
  b.streams[id].alive = false;
}
void streamSynchronize(int id) {
  Backend& b = be();
  refuseInCapture("stream.synchronize()");
  b.driver->streamSync(streamHandle(id));
  checkDevice(b.devices[b.current]);
}
bool streamQuery(int id) { be(); return gBackend->driver->streamQuery(streamHandle(id)); }
void streamWaitEvent(int stream, int event) { be(); gBackend->driver->streamWait(streamHandle(stream), eventRec(event).handle); }
int currentStreamId() { return gBackend ? gBackend->devices[gBackend->current].stream : 0; }
void setCurrentStreamId(int id) {
  Backend& b = be();
  streamHandle(id);
  if (id != 0) setCurrentDevice(b.streams[id].device);
  b.devices[b.current].stream = id;
}
void* streamNativeHandle(int id) { be(); return streamHandle(id); }
int streamDevice(int id) { be(); streamHandle(id); return id == 0 ? gBackend->current : gBackend->streams[id].device; }

int eventCreate(bool timing) {
  Backend& b = be();
  b.events.push_back(EventRec{b.driver->eventCreate(timing), b.current, true});
  return (int)b.events.size() - 1;
}
void eventDestroy(int id) {
  Backend& b = be();
  if (id <= 0 || (size_t)id >= b.events.size() || !b.events[id].alive) return;
  b.driver->eventDestroy(b.events[id].handle);
  b.events[id].alive = false;
}
void eventRecord(int id, int stream) { eventRec(id); gBackend->driver->eventRecord(gBackend->events[id].handle, streamHandle(stream)); }
void eventSynchronize(int id) { refuseInCapture("event.synchronize()"); gBackend->driver->eventSync(eventRec(id).handle); }
bool eventQuery(int id) { return gBackend->driver->eventQuery(eventRec(id).handle); }
float eventElapsedMs(int start, int end) {
  void* a = eventRec(start).handle;
  void* e = eventRec(end).handle;
  return gBackend->driver->eventElapsed(a, e);
}
void deviceSynchronize() {
  refuseInCapture("cuda.synchronize()");
  DeviceState& ds = cur();
  gBackend->driver->deviceSync();
  checkDevice(ds);
}

void copyToDevice(void* dst, const void* src, size_t bytes) {
  if (!bytes) return;
  refuseInCapture("a copy from host memory to the GPU (a CPU tensor)");
  cur();
  notePinnedUse(src);
  gBackend->driver->copyHtoD(dst, src, bytes, curStream());
  if (gBackend->sync) synchronizeStream();
}
void copyToHost(void* dst, const void* src, size_t bytes) {
  refuseInCapture("a copy from the GPU to host memory (a host read)");
  DeviceState& ds = cur();
  checkDevice(ds);
  if (!bytes) return;
  gBackend->driver->copyDtoH(dst, src, bytes, curStream());
  gBackend->driver->streamSync(curStream());
}

AsyncRead startAsyncRead(const void* src, size_t bytes) {
  refuseInCapture("await data() (a host read)");
  DeviceState& ds = cur();
  AsyncRead r;
  r.device = gBackend->current;
  r.pinned = pinnedAlloc(bytes ? bytes : 1);
  notePinnedUse(r.pinned);
  if (bytes) gBackend->driver->copyDtoH(r.pinned, src, bytes, curStream());
  r.event = gBackend->driver->eventCreate(false);
  gBackend->driver->eventRecord(r.event, curStream());
  // Only the words of kernels queued on this stream are complete when the copy is; the others are
  // read at the next synchronization.
  void* st = curStream();
  for (auto& kv : ds.pending) if (kv.second.stream == st) r.errorSlots.push_back(kv.first);
  return r;
}
void waitAsyncRead(const AsyncRead& r) {
  gBackend->driver->makeCurrent(r.device);
  gBackend->driver->eventSync(r.event);
}
void finishAsyncRead(AsyncRead& r) {
  Backend& b = be();
  if (r.event) { b.driver->eventDestroy(r.event); r.event = nullptr; }
  DeviceState& ds = b.devices[r.device];
  // The kernels behind these words ran before the copy (same stream) — or on another stream, whose
  // errors the next synchronization reports.
  std::vector<int> slots;
  slots.swap(r.errorSlots);
  drainSlots(ds, slots, ds.sideStream);
}

// ---- CUDA graphs ---------------------------------------------------------------------------------

bool graphsSupported() { return be().driver->hasGraphs(); }
bool captureActive() { return gCapturing; }
bool currentStreamCapturing() { return gCapturing && gBackend->devices[gBackend->current].stream == gBackend->capture.streamId; }

void captureBegin(int streamId, int mode) {
  Backend& b = be();
  DeviceState& ds = cur();
  if (gCapturing) fail(ErrorKind::Capture, "CUDA graph capture: a capture is already in progress (captures do not nest)");
  if (streamId == 0) fail(ErrorKind::Capture, "CUDA graph capture: the default stream cannot capture; capture on a fl.cuda.Stream");
  void* h = streamHandle(streamId);
  if (!b.driver->hasGraphs())
    fail(ErrorKind::BackendUnavailable, std::string(b.driver->vendor()) + ": this driver has no graph entry points "
                                        "(stream capture needs CUDA 11.4+ or HIP 5.3+): update the driver");
  // everything queued so far must not be mistaken for capturable state: kernel errors are read now
  checkDevice(ds);
  const int pool = ds.alloc->beginPool((StreamId)h);
  try {
    b.driver->captureBegin(h, mode);
  } catch (...) {
    ds.alloc->endPool();
    ds.alloc->releasePool(pool);
    throw;
  }
  b.capture = CaptureState{true, b.current, streamId, h, pool, {}};
  gCapturing = true;
}

// Ends the capture in the driver and the allocator; the graph (null if the capture failed) and the
// driver's code are returned. The pool and the error slots stay with the caller.
static int endCapture(void** graph) {
  Backend& b = *gBackend;
  gCapturing = false;
  *graph = nullptr;
  int r = 0;
  try {
    r = b.driver->captureEnd(b.capture.stream, graph);
  } catch (const Error&) {
    r = -1;
  }
  b.devices[b.capture.device].alloc->endPool();
  b.capture.active = false;
  return r;
}

// Frees the error slots of a graph that never ran (their words are still zero).
static void releaseGraphSlots(DeviceState& ds, std::vector<std::pair<int, PendingError>>& slots) {
  for (auto& s : slots) {
    auto it = ds.pending.find(s.first);
    if (it != ds.pending.end()) it->second.owned = false;  // pending from a replay: freed when read
    else ds.freeSlots.push_back(s.first);
  }
  slots.clear();
}

void captureAbort() {
  if (!gBackend || !gBackend->capture.active) return;
  Backend& b = *gBackend;
  DeviceState& ds = b.devices[b.capture.device];
  void* g = nullptr;
  endCapture(&g);
  try {
    if (g) b.driver->graphDestroy(g);
  } catch (const Error&) {
    // the partial graph is the driver's to clean up
  }
  try {
    ds.alloc->releasePool(b.capture.pool);
  } catch (const Error&) {
    // a failing driver: the pool's memory stays reserved, the process goes on
  }
  releaseGraphSlots(ds, b.capture.slots);
}

int captureEnd() {
  Backend& b = be();
  if (!b.capture.active) fail(ErrorKind::Capture, "CUDA graph capture: no capture is in progress");
  DeviceState& ds = b.devices[b.capture.device];
  void* g = nullptr;
  const int r = endCapture(&g);
  GraphRec rec;
  rec.graph = g;
  rec.device = b.capture.device;
  rec.pool = b.capture.pool;
  rec.slots.swap(b.capture.slots);
  try {
    if (r != 0 || !g) {
      fail(ErrorKind::Capture, std::string("CUDA graph capture: ") + b.driver->vendor() + ": ending the capture failed: " +
                                   (r > 0 ? b.driver->errorText(r) : std::string("the driver call failed")) +
                                   " (an operation that cannot be captured ran on the capturing stream)");
    }
    rec.exec = b.driver->graphInstantiate(g);
  } catch (...) {
    try { if (g) b.driver->graphDestroy(g); } catch (const Error&) {}
    ds.alloc->releasePool(rec.pool);
    releaseGraphSlots(ds, rec.slots);
    throw;
  }
  rec.alive = true;
  b.graphs.push_back(std::move(rec));
  return (int)b.graphs.size() - 1;
}

static GraphRec& graphRec(int id) {
  Backend& b = be();
  if (id <= 0 || (size_t)id >= b.graphs.size() || !b.graphs[id].alive)
    fail(ErrorKind::Value, "cuda graph: the graph was reset (capture it again)");
  return b.graphs[id];
}

void graphReplay(int id) {
  GraphRec& g = graphRec(id);
  Backend& b = *gBackend;
  if (gCapturing) fail(ErrorKind::Capture, "CUDA graph capture: replay() inside a capture (graphs do not nest here)");
  setCurrentDevice(g.device);
  DeviceState& ds = cur();
  void* st = curStream();
  b.driver->graphLaunch(g.exec, st);
  for (auto& s : g.slots) {
    PendingError pe = s.second;
    pe.stream = st;
    ds.pending[s.first] = pe;
  }
  if (b.sync) synchronizeStream();
}

void graphDestroy(int id) {
  Backend& b = be();
  if (id <= 0 || (size_t)id >= b.graphs.size() || !b.graphs[id].alive) return;
  if (gCapturing) fail(ErrorKind::Capture, "CUDA graph capture: reset() of a graph inside a capture");
  GraphRec& g = b.graphs[id];
  // replays may still be running: their memory is released once they are done
  b.driver->makeCurrent(g.device);
  b.driver->deviceSync();
  b.driver->graphExecDestroy(g.exec);
  b.driver->graphDestroy(g.graph);
  DeviceState& ds = b.devices[g.device];
  ds.alloc->releasePool(g.pool);
  releaseGraphSlots(ds, g.slots);
  g = GraphRec{};
}

BackendInfo backendInfo() {
  BackendInfo i;
  if (!gBackend) return i;
  const DeviceState& ds = gBackend->devices[gBackend->current];
  i.imageSet = ds.imageSet;
  i.modules = (int)ds.modules.size();
  i.kernelsResolved = (int)ds.functions.size();
  i.syncMode = gBackend->sync;
  return i;
}

// ================================================================================================
// launch.h
// ================================================================================================

void launchRaw(const char* kernel, Dim3 grid, Dim3 block, unsigned sharedBytes, void** params) {
  DeviceState& ds = cur();
  Backend& b = *gBackend;
  if (grid.x == 0 || grid.y == 0 || grid.z == 0) return;
  void* f = nullptr;
  auto it = ds.functions.find(kernel);
  if (it != ds.functions.end()) f = it->second;
  else {
    for (void* m : ds.modules) if ((f = b.driver->getFunction(m, kernel))) break;
    if (!f)
      fail(ErrorKind::BackendUnavailable, std::string("cuda: kernel ") + kernel + " is not in the kernel images " + ds.imageSet +
                                              " (they are older than this addon: rebuild flintml)");
    ds.functions.emplace(kernel, f);
  }
  int r = b.driver->launch(f, grid, block, sharedBytes, curStream(), params);
  if (r != 0)
    fail(r == 2 ? ErrorKind::OutOfMemory : ErrorKind::Flint,
         std::string(b.driver->vendor()) + ": launching kernel " + kernel + " (grid " + std::to_string(grid.x) + "x" +
             std::to_string(grid.y) + "x" + std::to_string(grid.z) + ", block " + std::to_string(block.x) + ") failed: " +
             b.driver->errorText(r));
  if (b.sync && !gCapturing) {  // FLINT_SYNC=1: nothing runs during a capture
    try {
      b.driver->streamSync(curStream());
    } catch (const Error& e) {
      fail(e.kind, std::string("FLINT_SYNC: kernel ") + kernel + " failed: " + e.what());
    }
    checkDevice(ds);
  }
}

unsigned gridFor(int64_t n, int perThread) {
  if (n <= 0) return 0;
  if (perThread < 1) perThread = 1;
  const int64_t per = (int64_t)kBlock * perThread;
  int64_t blocks = (n + per - 1) / per;
  int64_t cap = 65535LL * 8;
  const int sms = multiProcessorCount();
  if (sms > 0) cap = std::min<int64_t>(cap, (int64_t)sms * 32);
  return (unsigned)std::max<int64_t>(1, std::min(blocks, cap));
}

int multiProcessorCount() {
  const GpuRuntime& rt = GpuRuntime::get();
  int d = currentDevice();
  return d < rt.deviceCount() ? rt.devices()[d].multiProcessorCount : 0;
}

int* errorWord(const char* op, ErrorDecoder decode) {
  DeviceState& ds = cur();
  if (ds.freeSlots.empty()) checkDevice(ds);
  int slot = ds.freeSlots.back();
  ds.freeSlots.pop_back();
  if (gCapturing) {  // the graph's own slot, made pending by each replay
    gBackend->capture.slots.push_back({slot, PendingError{op, decode, curStream(), true}});
    return ds.words + slot;
  }
  ds.pending[slot] = PendingError{op, decode, curStream()};
  return ds.words + slot;
}

DeviceBuffer::DeviceBuffer(size_t bytes) { if (bytes) ptr_ = deviceAlloc(bytes, currentDevice()); }
DeviceBuffer::~DeviceBuffer() {
  if (ptr_) deviceFree(ptr_, currentDevice());
}

void memsetAsync(void* dst, int byte, size_t bytes) {
  if (!bytes) return;
  cur();
  gBackend->driver->memset8(dst, byte, bytes, curStream());
}
void copyDeviceToDeviceAsync(void* dst, const void* src, size_t bytes) {
  if (!bytes) return;
  cur();
  gBackend->driver->copyDtoD(dst, src, bytes, curStream());
}
void copyDeviceToHostAsync(void* dst, const void* src, size_t bytes) {
  if (!bytes) return;
  refuseInCapture("a copy from the GPU to host memory (a host read)");
  cur();
  notePinnedUse(dst);
  gBackend->driver->copyDtoH(dst, src, bytes, curStream());
}
void synchronizeStream() {
  refuseInCapture("an op that waits for the GPU (a synchronization)");
  DeviceState& ds = cur();
  gBackend->driver->streamSync(curStream());
  checkDevice(ds);
}
void* currentStreamHandle() { cur(); return curStream(); }
bool isAmd() { return GpuRuntime::get().vendor() == Vendor::Amd; }
bool allowTF32() { return gAllowTF32.load(); }
void setAllowTF32(bool on) { gAllowTF32.store(on); }

}  // namespace gpu
}  // namespace flint
