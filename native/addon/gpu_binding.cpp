// gpu_binding.cpp — N-API glue for the GPU runtime (native/gpu/device.h). gpuInfo() runs discovery
// on its first call (never at addon load) and returns every fact as one plain object, which
// lib/device.ts caches: the queries of `fl.cuda` cost one N-API crossing per process.
#include "gpu_binding.h"
#include <cstring>
#include "../gpu/backend.h"
#include "../gpu/blas_api.h"
#include "../gpu/device.h"
#include "js_errors.h"
#include "storage_table.h"

namespace {

using flint::gpu::DeviceInfo;
using flint::gpu::GpuRuntime;
using flint::gpu::Vendor;

// gpuInfo() -> { available, vendor: 'nvidia'|'amd'|'', driverVersion, driverVersionString, reason,
//                devices: [{ name, vendor, computeCapability?: [major, minor], gcnArch?, multiProcessorCount,
//                            totalMemory }], log: string[] }
Napi::Value GpuInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const GpuRuntime& rt = GpuRuntime::get();
  Napi::Object out = Napi::Object::New(env);
  out.Set("available", Napi::Boolean::New(env, rt.available()));
  out.Set("vendor", Napi::String::New(env, flint::gpu::vendorName(rt.vendor())));
  out.Set("driverVersion", Napi::Number::New(env, rt.driverVersion()));
  out.Set("driverVersionString", Napi::String::New(env, rt.driverVersionString()));
  out.Set("reason", Napi::String::New(env, rt.unavailableReason()));
  Napi::Array devices = Napi::Array::New(env, rt.devices().size());
  for (size_t i = 0; i < rt.devices().size(); i++) {
    const DeviceInfo& d = rt.devices()[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", Napi::String::New(env, d.name));
    o.Set("vendor", Napi::String::New(env, flint::gpu::vendorName(d.vendor)));
    if (d.vendor == Vendor::Nvidia) {
      Napi::Array cc = Napi::Array::New(env, 2);
      cc.Set(0u, Napi::Number::New(env, d.ccMajor));
      cc.Set(1u, Napi::Number::New(env, d.ccMinor));
      o.Set("computeCapability", cc);
    } else {
      o.Set("gcnArch", Napi::String::New(env, d.gcnArch));
    }
    o.Set("multiProcessorCount", Napi::Number::New(env, d.multiProcessorCount));
    o.Set("totalMemory", Napi::Number::New(env, (double)d.totalMemory));
    devices.Set((uint32_t)i, o);
  }
  out.Set("devices", devices);
  Napi::Array log = Napi::Array::New(env, rt.searchLog().size());
  for (size_t i = 0; i < rt.searchLog().size(); i++) log.Set((uint32_t)i, Napi::String::New(env, rt.searchLog()[i]));
  out.Set("log", log);
  return out;
}


using flint::DeviceType;
using flint::ErrorKind;
using flint::Storage;
using flint::fail;
using flint::guarded;
using flint::storageOf;
namespace gpu = flint::gpu;

// Checked: a value that is not a number is a ValueError (node-addon-api's own "A number was expected"
// would reach JS as an untyped error). Every caller runs inside guarded().
int32_t i32(const Napi::Value& v) {
  if (!v.IsNumber()) fail(ErrorKind::Value, "GPU binding: expected a number (a stream, event, device or size)");
  return v.As<Napi::Number>().Int32Value();
}
int64_t i64(const Napi::Value& v) {
  if (!v.IsNumber()) fail(ErrorKind::Value, "GPU binding: expected a number (an offset or size)");
  return v.As<Napi::Number>().Int64Value();
}

// gpuCopy(dst, dstByteOffset, src, srcByteOffset, bytes): bytes between storages on any devices, on
// the current stream. Host -> device from pinned memory is asynchronous; from pageable memory it
// returns once the source was read. Device -> host completes before returning.
Napi::Value GpuCopy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  guarded(env, [&]() -> int {
    Storage* d = storageOf(info[0], "to");
    Storage* s = storageOf(info[2], "to");
    int64_t doff = i64(info[1]), soff = i64(info[3]), n = i64(info[4]);
    if (doff < 0 || soff < 0 || n < 0 || doff + n > d->bytes || soff + n > s->bytes)
      fail(ErrorKind::Index, "to: copy range outside storage");
    char* dp = static_cast<char*>(d->ptr) + doff;
    const char* sp = static_cast<const char*>(s->ptr) + soff;
    const bool dGpu = d->device == DeviceType::CUDA, sGpu = s->device == DeviceType::CUDA;
    if (!dGpu && !sGpu) { std::memcpy(dp, sp, (size_t)n); return 0; }
    if (dGpu && sGpu) {
      if (d->deviceIndex == s->deviceIndex) {
        gpu::setCurrentDevice(d->deviceIndex);
        gpu::copyDeviceToDeviceAsync(dp, sp, (size_t)n);
      } else {  // between two GPUs: through the host
        std::vector<char> tmp((size_t)n);
        gpu::setCurrentDevice(s->deviceIndex);
        gpu::copyToHost(tmp.data(), sp, (size_t)n);
        gpu::setCurrentDevice(d->deviceIndex);
        gpu::copyToDevice(dp, tmp.data(), (size_t)n);
        gpu::synchronizeStream();
      }
      return 0;
    }
    if (dGpu) { gpu::setCurrentDevice(d->deviceIndex); gpu::copyToDevice(dp, sp, (size_t)n); }
    else { gpu::setCurrentDevice(s->deviceIndex); gpu::copyToHost(dp, sp, (size_t)n); }
    return 0;
  });
  return env.Undefined();
}

// `await t.data()`: the copy is queued on the current stream; a libuv worker waits for its event,
// so the event loop keeps running while the GPU works; the JS thread then converts the values.
class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, gpu::AsyncRead r, int64_t n, flint::DType dt)
      : Napi::AsyncWorker(env), read_(r), n_(n), dt_(dt), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      gpu::waitAsyncRead(read_);
    } catch (const flint::Error& e) {
      kind_ = e.kind;
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    try {
      gpu::finishAsyncRead(read_);
      Napi::Value v = flint::hostToTypedArray(env, static_cast<const char*>(read_.pinned), n_, dt_);
      gpu::pinnedFree(read_.pinned);
      deferred_.Resolve(v);
    } catch (const flint::Error& e) {
      gpu::pinnedFree(read_.pinned);
      reject(e.kind, e.what());
    }
  }
  void OnError(const Napi::Error& err) override {
    try { gpu::finishAsyncRead(read_); } catch (...) {}
    gpu::pinnedFree(read_.pinned);
    reject(kind_, err.Message());
  }

 private:
  void reject(ErrorKind kind, const std::string& msg) {
    Napi::Error e = Napi::Error::New(Env(), msg);
    e.Set("code", Napi::String::New(Env(), flint::errorCode(kind)));
    deferred_.Reject(e.Value());
  }
  gpu::AsyncRead read_;
  int64_t n_;
  flint::DType dt_;
  ErrorKind kind_ = ErrorKind::Flint;
  Napi::Promise::Deferred deferred_;
};

// gpuDownloadAsync(handle, elementOffset, numel, dtype) -> Promise<TypedArray>
Napi::Value GpuDownloadAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    Storage* s = storageOf(info[0], "data");
    int64_t off = i64(info[1]), n = i64(info[2]);
    flint::DType dt = (flint::DType)i32(info[3]);
    int64_t isz = flint::itemsize(dt);
    if (s->device != DeviceType::CUDA) fail(ErrorKind::Device, "data: storage is not on a GPU");
    if (off < 0 || n < 0 || (off + n) * isz > s->bytes) fail(ErrorKind::Index, "data: range outside storage");
    gpu::setCurrentDevice(s->deviceIndex);
    gpu::AsyncRead r = gpu::startAsyncRead(static_cast<const char*>(s->ptr) + off * isz, (size_t)(n * isz));
    ReadWorker* w = new ReadWorker(env, r, n, dt);
    Napi::Promise p = w->promise();
    w->Queue();
    return p;
  });
}

Napi::Value GpuIsPinned(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value { return Napi::Boolean::New(env, storageOf(info[0], "isPinned")->pinned); });
}

#define FLINT_GPU_VOID(Name, body)                                      \
  Napi::Value Name(const Napi::CallbackInfo& info) {                    \
    Napi::Env env = info.Env();                                         \
    guarded(env, [&]() -> int { body; return 0; });                     \
    return env.Undefined();                                             \
  }
#define FLINT_GPU_NUMBER(Name, expr)                                    \
  Napi::Value Name(const Napi::CallbackInfo& info) {                    \
    Napi::Env env = info.Env();                                         \
    return guarded(env, [&]() -> Napi::Value { return Napi::Number::New(env, (double)(expr)); }); \
  }
#define FLINT_GPU_BOOL(Name, expr)                                      \
  Napi::Value Name(const Napi::CallbackInfo& info) {                    \
    Napi::Env env = info.Env();                                         \
    return guarded(env, [&]() -> Napi::Value { return Napi::Boolean::New(env, (expr)); }); \
  }

FLINT_GPU_NUMBER(GpuStreamCreate, gpu::streamCreate(i32(info[0])))
FLINT_GPU_VOID(GpuStreamDestroy, gpu::streamDestroy(i32(info[0])))
FLINT_GPU_VOID(GpuStreamSynchronize, gpu::streamSynchronize(i32(info[0])))
FLINT_GPU_BOOL(GpuStreamQuery, gpu::streamQuery(i32(info[0])))
FLINT_GPU_VOID(GpuStreamWaitEvent, gpu::streamWaitEvent(i32(info[0]), i32(info[1])))
FLINT_GPU_NUMBER(GpuStreamDevice, gpu::streamDevice(i32(info[0])))
FLINT_GPU_NUMBER(GpuCurrentStream, (gpu::ensureBackend(), gpu::currentStreamId()))
FLINT_GPU_VOID(GpuSetCurrentStream, gpu::setCurrentStreamId(i32(info[0])))
FLINT_GPU_NUMBER(GpuEventCreate, gpu::eventCreate(info[0].ToBoolean()))
FLINT_GPU_VOID(GpuEventDestroy, gpu::eventDestroy(i32(info[0])))
FLINT_GPU_VOID(GpuEventRecord, gpu::eventRecord(i32(info[0]), i32(info[1])))
FLINT_GPU_VOID(GpuEventSynchronize, gpu::eventSynchronize(i32(info[0])))
FLINT_GPU_BOOL(GpuEventQuery, gpu::eventQuery(i32(info[0])))
FLINT_GPU_NUMBER(GpuEventElapsed, gpu::eventElapsedMs(i32(info[0]), i32(info[1])))
FLINT_GPU_VOID(GpuSynchronize, { gpu::setCurrentDevice(i32(info[0])); gpu::deviceSynchronize(); })
FLINT_GPU_VOID(GpuSetDevice, gpu::setCurrentDevice(i32(info[0])))
FLINT_GPU_NUMBER(GpuCurrentDevice, gpu::currentDevice())
FLINT_GPU_VOID(GpuSetMemoryLimit, gpu::setDeviceMemoryLimit((size_t)i64(info[0])))
FLINT_GPU_NUMBER(GpuMemoryLimit, gpu::deviceMemoryLimit())
FLINT_GPU_VOID(GpuSetAllowTF32, gpu::setAllowTF32(info[0].ToBoolean()))
FLINT_GPU_BOOL(GpuAllowTF32, gpu::allowTF32())
FLINT_GPU_BOOL(GpuGraphsSupported, gpu::graphsSupported())
FLINT_GPU_VOID(GpuCaptureBegin, gpu::captureBegin(i32(info[0]), i32(info[1])))
FLINT_GPU_NUMBER(GpuCaptureEnd, gpu::captureEnd())
FLINT_GPU_VOID(GpuCaptureAbort, gpu::captureAbort())
FLINT_GPU_BOOL(GpuIsCapturing, gpu::currentStreamCapturing())
FLINT_GPU_VOID(GpuGraphReplay, gpu::graphReplay(i32(info[0])))
FLINT_GPU_VOID(GpuGraphDestroy, gpu::graphDestroy(i32(info[0])))
FLINT_GPU_VOID(GpuRecordStream, {
  Storage* s = storageOf(info[0], "recordStream");
  if (s->device != DeviceType::CUDA) fail(ErrorKind::Device, "recordStream: tensor is not on a GPU");
  gpu::recordStreamUse(s->ptr, s->deviceIndex, i32(info[1]));
})

// gpuAllocatorStats(device) -> the caching allocator's full statistics
Napi::Value GpuAllocatorStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    gpu::AllocatorStats st = gpu::deviceStats(i32(info[0]));
    Napi::Object o = Napi::Object::New(env);
    o.Set("allocatedBytes", (double)st.allocatedBytes);
    o.Set("reservedBytes", (double)st.reservedBytes);
    o.Set("peakAllocatedBytes", (double)st.peakAllocatedBytes);
    o.Set("peakReservedBytes", (double)st.peakReservedBytes);
    o.Set("numAllocs", (double)st.numAllocs);
    o.Set("numFrees", (double)st.numFrees);
    o.Set("cacheHits", (double)st.cacheHits);
    o.Set("cacheMisses", (double)st.cacheMisses);
    o.Set("numSegments", (double)st.numSegments);
    o.Set("numOoms", (double)st.numOoms);
    o.Set("pinnedCachedBytes", (double)gpu::pinnedCachedBytes());
    return o;
  });
}

Napi::Value GpuBackendInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  gpu::BackendInfo b = gpu::backendInfo();
  Napi::Object o = Napi::Object::New(env);
  o.Set("imageSet", b.imageSet);
  o.Set("modules", b.modules);
  o.Set("kernelsResolved", b.kernelsResolved);
  o.Set("sync", b.syncMode);
  return o;
}

// gpuBlasInfo() -> { kind, name, path, version, summary, searchLog } of the GPU GEMM library (the
// first call runs the search; blas_api.h).
Napi::Value GpuBlasInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const std::string json = gpu::blasInfoJson(gpu::blasLibrary());
    Napi::Object JSON = env.Global().Get("JSON").As<Napi::Object>();
    return JSON.Get("parse").As<Napi::Function>().Call(JSON, {Napi::String::New(env, json)});
  });
}

// gpuSetOomHandler(fn): fn() runs (on the JS thread, inside the allocation) when the device has no
// room, before the allocator retries: JS collects garbage tensors there.
// Each thread (environment) has its own handler; an allocation calls the one of the thread it runs
// on (a JS function can only be called on its own thread).
Napi::Value GpuSetOomHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  env.GetInstanceData<flint::EnvState>()->oomHandler = Napi::Persistent(info[0].As<Napi::Function>());
  guarded(env, [&]() -> int {
    gpu::ensureBackend();
    gpu::setOutOfMemoryHook([]() {
      flint::EnvState* st = flint::currentEnvState();
      if (!st || st->oomHandler.IsEmpty()) return;  // an allocation outside a binding call, or no handler on this thread
      Napi::Env here(st->env);
      Napi::HandleScope scope(here);
      try { st->oomHandler.Call({}); } catch (...) {}
    });
    return 0;
  });
  return env.Undefined();
}

}  // namespace

void registerGpuBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("gpuInfo", flint::lockedFunction(env, GpuInfo, "gpuInfo"));
  const std::pair<const char*, Napi::Value (*)(const Napi::CallbackInfo&)> fns[] = {
      {"gpuCopy", GpuCopy}, {"gpuDownloadAsync", GpuDownloadAsync}, {"gpuIsPinned", GpuIsPinned},
      {"gpuStreamCreate", GpuStreamCreate}, {"gpuStreamDestroy", GpuStreamDestroy},
      {"gpuStreamSynchronize", GpuStreamSynchronize}, {"gpuStreamQuery", GpuStreamQuery},
      {"gpuStreamWaitEvent", GpuStreamWaitEvent}, {"gpuStreamDevice", GpuStreamDevice},
      {"gpuCurrentStream", GpuCurrentStream}, {"gpuSetCurrentStream", GpuSetCurrentStream},
      {"gpuEventCreate", GpuEventCreate}, {"gpuEventDestroy", GpuEventDestroy}, {"gpuEventRecord", GpuEventRecord},
      {"gpuEventSynchronize", GpuEventSynchronize}, {"gpuEventQuery", GpuEventQuery},
      {"gpuEventElapsed", GpuEventElapsed}, {"gpuSynchronize", GpuSynchronize}, {"gpuSetDevice", GpuSetDevice},
      {"gpuCurrentDevice", GpuCurrentDevice}, {"gpuSetMemoryLimit", GpuSetMemoryLimit},
      {"gpuMemoryLimit", GpuMemoryLimit}, {"gpuSetAllowTF32", GpuSetAllowTF32}, {"gpuAllowTF32", GpuAllowTF32},
      {"gpuRecordStream", GpuRecordStream}, {"gpuAllocatorStats", GpuAllocatorStats},
      {"gpuBackendInfo", GpuBackendInfo},
      {"gpuGraphsSupported", GpuGraphsSupported}, {"gpuCaptureBegin", GpuCaptureBegin}, {"gpuCaptureEnd", GpuCaptureEnd},
      {"gpuCaptureAbort", GpuCaptureAbort}, {"gpuIsCapturing", GpuIsCapturing}, {"gpuGraphReplay", GpuGraphReplay},
      {"gpuGraphDestroy", GpuGraphDestroy}, {"gpuSetOomHandler", GpuSetOomHandler}, {"gpuBlasInfo", GpuBlasInfo},
  };
  for (auto& f : fns) exports.Set(f.first, flint::lockedFunction(env, f.second, f.first));
}
