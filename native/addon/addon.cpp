// addon.cpp — the N-API glue, and nothing else: storage handles, the op call, uploads/downloads,
// statistics. Every op goes through run(opId, ...handles): JS writes the call's tensor
// descriptors and params into one shared Float64Array (`meta`, registered once by init), so a
// call crosses N-API with a few handles and no arrays. Native errors become JS errors whose
// `code` names the class in lib/errors.ts.
//
// meta layout:  [nt, (kind, dtype, ndim, offset, shape[ndim], strides[ndim]) x nt, np, params[np]]
//   kind 0: a tensor whose storage handle is argument 1+i;  kind 1: a scalar (kind, dtype, value),
//   shaped like tensor 0 with zero strides.
#include <napi.h>
#include "js_errors.h"
#include <cstring>
#include <mutex>
#include <string>
#include <vector>
#include "../core/error.h"
#include "../core/loops.h"
#include "../core/optable.h"
#include "../core/parallel.h"
#include "../core/storage.h"
#include "../core/vmath.h"
#include "../cpu/gemm.h"
#include "../gpu/backend.h"
#include "gpu_binding.h"
#include "mpi_binding.h"
#include "storage_table.h"

using namespace flint;

namespace {

// Storage handles are small integers indexing gStorages (not napi externals): creating an external
// with a finalizer per tensor costs more than the op itself for small tensors. JS owns lifetime
// (dispose / scope / FinalizationRegistry) and calls free(); ids of freed slots are reused.
// gOwner[id] is the environment (JS thread) that made the handle: only it may use or free it, and
// its teardown (a worker's exit) frees what it still holds. All of this is guarded by gAddonMutex.
std::vector<Storage*> gStorages;
std::vector<napi_env> gOwner;
std::vector<int32_t> gFreeIds;

// Recursive: a binding call may re-enter another one on the same thread (the GPU out-of-memory
// handler runs JS that frees tensors inside an allocation).
std::recursive_mutex gAddonMutex;
thread_local EnvState* tCurrent = nullptr;

Napi::Value callLocked(const Napi::CallbackInfo& info) {
  BindingFn f = reinterpret_cast<BindingFn>(info.Data());
  std::lock_guard<std::recursive_mutex> lock(gAddonMutex);
  EnvState* saved = tCurrent;
  tCurrent = info.Env().GetInstanceData<EnvState>();
  struct Restore { EnvState* s; ~Restore() { tCurrent = s; } } restore{saved};
  try { gpu::bindCallingThread(); } catch (...) {}  // a broken device: the call itself reports it
  return f(info);
}

void reportExternal(Napi::Env env, int64_t delta) {
  EnvState* st = env.GetInstanceData<EnvState>();
  st->pendingExternal += delta;
  if (st->pendingExternal > (1 << 20) || st->pendingExternal < -(1 << 20)) {
    Napi::MemoryManagement::AdjustExternalMemory(env, st->pendingExternal);
    st->pendingExternal = 0;
  }
}

void releaseHandle(int32_t id) {
  Storage* s = gStorages[id];
  releaseStorage(s);
  delete s;
  gStorages[id] = nullptr;
  gOwner[id] = nullptr;
  gFreeIds.push_back(id);
}

}  // namespace

EnvState* flint::currentEnvState() { return tCurrent; }

Napi::Function flint::lockedFunction(Napi::Env env, BindingFn f, const char* name) {
  return Napi::Function::New(env, callLocked, name, reinterpret_cast<void*>(f));
}

Storage* flint::storageOf(const Napi::Value& v, const char* op) {
  if (!v.IsNumber()) fail(ErrorKind::Flint, std::string(op) + ": expected a storage handle");
  int32_t id = v.As<Napi::Number>().Int32Value();
  if (id < 0 || (size_t)id >= gStorages.size() || !gStorages[id])
    fail(ErrorKind::Disposed, std::string(op) + ": tensor was disposed");
  if (gOwner[id] != (napi_env)v.Env())
    fail(ErrorKind::Disposed, std::string(op) + ": the tensor belongs to another thread (tensors cannot cross worker_threads)");
  return gStorages[id];
}

namespace {

int32_t addStorage(Napi::Env env, Storage* s) {
  if (s->device == DeviceType::CPU) reportExternal(env, s->bytes);
  int32_t id;
  if (!gFreeIds.empty()) { id = gFreeIds.back(); gFreeIds.pop_back(); gStorages[id] = s; gOwner[id] = env; }
  else { id = (int32_t)gStorages.size(); gStorages.push_back(s); gOwner.push_back(env); }
  return id;
}

// alloc(bytes, device, deviceIndex, zero, pinned?) -> handle
Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    int64_t bytes = info[0].As<Napi::Number>().Int64Value();
    DeviceType dev = (DeviceType)info[1].As<Napi::Number>().Int32Value();
    int index = info[2].As<Napi::Number>().Int32Value();
    bool zero = info[3].ToBoolean();
    bool pinned = info.Length() > 4 && info[4].ToBoolean();
    if (dev == DeviceType::CUDA || pinned) gpu::ensureBackend();
    Storage* s = pinned ? newPinnedStorage(bytes, zero) : newStorage(dev, index, bytes, zero);
    return Napi::Number::New(env, addStorage(env, s));
  });
}

// free(handle): releases the memory now and recycles the id.
Napi::Value Free(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info[0].IsNumber()) {
    int32_t id = info[0].As<Napi::Number>().Int32Value();
    if (id >= 0 && (size_t)id < gStorages.size() && gStorages[id] && gOwner[id] == (napi_env)env) {
      if (gStorages[id]->device == DeviceType::CPU) reportExternal(env, -gStorages[id]->bytes);
      releaseHandle(id);
    }
  }
  return env.Undefined();
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Float64Array m = info[0].As<Napi::Float64Array>();
  EnvState* st = info.Env().GetInstanceData<EnvState>();
  st->meta = m.Data();
  st->metaLen = m.ElementLength();
  st->metaRef = Napi::Persistent(m);
  return info.Env().Undefined();
}

Napi::Value OpId(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), opId(info[0].As<Napi::String>().Utf8Value()));
}

Napi::Value OpNames(const Napi::CallbackInfo& info) {
  Napi::Array a = Napi::Array::New(info.Env());
  for (int i = 0; i < opCount(); i++) a.Set((uint32_t)i, Napi::String::New(info.Env(), opEntry(i).name));
  return a;
}

// opDevices() -> { name: ['cpu', 'cuda'] }: which backends have a kernel for each op.
Napi::Value OpDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  for (int i = 0; i < opCount(); i++) {
    const OpEntry& e = opEntry(i);
    Napi::Array d = Napi::Array::New(env);
    uint32_t k = 0;
    if (e.fn[(int)DeviceType::CPU]) d.Set(k++, Napi::String::New(env, "cpu"));
    if (e.fn[(int)DeviceType::CUDA]) d.Set(k++, Napi::String::New(env, "cuda"));
    o.Set(e.name, d);
  }
  return o;
}

constexpr int kMaxOperands = 12;

Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  guarded(env, [&]() -> int {
    int id = info[0].As<Napi::Number>().Int32Value();
    if (id < 0 || id >= opCount()) fail(ErrorKind::Flint, "unknown op id " + std::to_string(id));
    const OpEntry& entry = opEntry(id);
    const char* name = entry.name.c_str();
    const EnvState* st = env.GetInstanceData<EnvState>();
    const double* m = st->meta;
    const size_t metaLen = st->metaLen;
    if (!m) fail(ErrorKind::Flint, std::string(name) + ": init() was not called on this thread");
    size_t pos = 0;
    auto next = [&]() -> double {
      if (pos >= metaLen) fail(ErrorKind::Flint, std::string(name) + ": call descriptor overflows meta buffer");
      return m[pos++];
    };
    int nt = (int)next();
    if (nt < 0 || nt > kMaxOperands) fail(ErrorKind::Flint, std::string(name) + ": bad operand count");
    TensorArg args[kMaxOperands];
    int device = -1, deviceIndex = 0;
    for (int i = 0; i < nt; i++) {
      TensorArg& t = args[i];
      int kind = (int)next();
      int dt = (int)next();
      if (dt < 0 || dt >= kNumDTypes) fail(ErrorKind::DType, std::string(name) + ": bad dtype code");
      t.dtype = (DType)dt;
      if (kind == 1) {
        if (i == 0) fail(ErrorKind::Flint, std::string(name) + ": operand 0 cannot be a scalar");
        makeScalarArg(t, t.dtype, next(), args[0]);
        continue;
      }
      int ndim = (int)next();
      if (ndim < 0 || ndim > kMaxDims)
        fail(ErrorKind::Shape, std::string(name) + ": tensors have at most " + std::to_string(kMaxDims) + " dims");
      int64_t offset = (int64_t)next();
      t.ndim = ndim;
      bool empty = false;
      int64_t maxIndex = offset;
      for (int d = 0; d < ndim; d++) t.shape[d] = (int64_t)next();
      for (int d = 0; d < ndim; d++) t.strides[d] = (int64_t)next();
      for (int d = 0; d < ndim; d++) {
        if (t.shape[d] < 0 || t.strides[d] < 0) fail(ErrorKind::Shape, std::string(name) + ": negative size or stride");
        if (t.shape[d] == 0) empty = true;
        else maxIndex += (t.shape[d] - 1) * t.strides[d];
      }
      if ((size_t)(i + 1) >= info.Length()) fail(ErrorKind::Flint, std::string(name) + ": missing storage handle");
      Storage* s = storageOf(info[i + 1], name);
      if (device < 0) { device = (int)s->device; deviceIndex = s->deviceIndex; }
      else if (device != (int)s->device || deviceIndex != s->deviceIndex)
        fail(ErrorKind::Device, std::string(name) + ": operands are on different devices");
      if (offset < 0 || (!empty && (maxIndex + 1) * itemsize(t.dtype) > s->bytes))
        fail(ErrorKind::Index, std::string(name) + ": view " + t.shapeStr() + " reaches past its storage");
      t.data = static_cast<char*>(s->ptr) + offset * itemsize(t.dtype);
    }
    int np = (int)next();
    if (np < 0 || pos + (size_t)np > metaLen) fail(ErrorKind::Flint, std::string(name) + ": bad param count");
    OpCall call;
    call.t = args; call.nt = nt; call.p = m + pos; call.np = np; call.name = name;
    if (device < 0) device = 0;
    OpFn fn = entry.fn[device];
    if (!fn)
      fail(ErrorKind::BackendUnavailable, std::string(name) + ": no kernel for device " + (device == 0 ? "cpu" : "cuda"));
    if (device == (int)DeviceType::CUDA) gpu::setCurrentDevice(deviceIndex);
    else if (gpu::captureActive())  // the graph would not contain it: it would run once, now, never on replay
      fail(ErrorKind::Capture, std::string(name) + ": an op on CPU tensors inside CUDA graph capture (fl.cuda.graph) "
                               "cannot be captured; move its operands to the GPU before the capture");
    fn(call);
    return 0;
  });
  return env.Undefined();
}

// upload(handle, byteOffset, src TypedArray, dstDtype): copy host values into storage. A
// Float32Array source converts into float16/bfloat16 storage; otherwise bytes are copied.
Napi::Value Upload(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  guarded(env, [&]() -> int {
    Storage* s = storageOf(info[0], "upload");
    int64_t off = info[1].As<Napi::Number>().Int64Value();
    Napi::TypedArray src = info[2].As<Napi::TypedArray>();
    DType dt = (DType)info[3].As<Napi::Number>().Int32Value();
    const char* data = static_cast<const char*>(src.ArrayBuffer().Data()) + src.ByteOffset();
    int64_t n = (int64_t)src.ElementLength();
    const bool onGpu = s->device != DeviceType::CPU;
    if (off < 0) fail(ErrorKind::Index, "upload: negative offset");
    char* dst = static_cast<char*>(s->ptr) + off;
    std::vector<uint16_t> staged;  // converted 16-bit values bound for a GPU
    if ((dt == DType::F16 || dt == DType::BF16) && src.TypedArrayType() == napi_float32_array) {
      if (off + n * 2 > s->bytes) fail(ErrorKind::Index, "upload: source larger than storage");
      const float* f = reinterpret_cast<const float*>(data);
      if (onGpu) staged.resize((size_t)n);
      uint16_t* h = onGpu ? staged.data() : reinterpret_cast<uint16_t*>(dst);
      if (dt == DType::F16) for (int64_t i = 0; i < n; i++) h[i] = floatToHalf(f[i]);
      else for (int64_t i = 0; i < n; i++) h[i] = floatToBf16(f[i]);
      if (onGpu) { gpu::setCurrentDevice(s->deviceIndex); gpu::copyToDevice(dst, staged.data(), (size_t)n * 2); }
    } else {
      int64_t bytes = (int64_t)src.ByteLength();
      if (off + bytes > s->bytes) fail(ErrorKind::Index, "upload: source larger than storage");
      if (onGpu) { gpu::setCurrentDevice(s->deviceIndex); gpu::copyToDevice(dst, data, (size_t)bytes); }
      else std::memcpy(dst, data, (size_t)bytes);
    }
    return 0;
  });
  return env.Undefined();
}

// download(handle, elementOffset, numel, dtype) -> a new TypedArray with a copy of contiguous
// elements. float16/bfloat16 come back as Float32Array; bool as Uint8Array.
Napi::Value Download(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    Storage* s = storageOf(info[0], "download");
    int64_t off = info[1].As<Napi::Number>().Int64Value();
    int64_t n = info[2].As<Napi::Number>().Int64Value();
    DType dt = (DType)info[3].As<Napi::Number>().Int32Value();
    int64_t isz = itemsize(dt);
    if (off < 0 || n < 0 || (off + n) * isz > s->bytes) fail(ErrorKind::Index, "download: range outside storage");
    const char* src = static_cast<const char*>(s->ptr) + off * isz;
    std::vector<char> staged;
    if (s->device != DeviceType::CPU) {
      gpu::setCurrentDevice(s->deviceIndex);
      staged.resize((size_t)(n * isz));
      gpu::copyToHost(staged.data(), src, (size_t)(n * isz));
      src = staged.data();
    }
    return hostToTypedArray(env, src, n, dt);
  });
}

}  // namespace

Napi::Value flint::hostToTypedArray(Napi::Env env, const char* src, int64_t n, DType dt) {
  const int64_t isz = itemsize(dt);
  if (dt == DType::F16 || dt == DType::BF16) {
    Napi::Float32Array out = Napi::Float32Array::New(env, (size_t)n);
    const uint16_t* h = reinterpret_cast<const uint16_t*>(src);
    float* f = out.Data();
    if (dt == DType::F16) for (int64_t i = 0; i < n; i++) f[i] = halfToFloat(h[i]);
    else for (int64_t i = 0; i < n; i++) f[i] = bf16ToFloat(h[i]);
    return out;
  }
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, (size_t)(n * isz));
  std::memcpy(buf.Data(), src, (size_t)(n * isz));
  switch (dt) {
    case DType::F32: return Napi::Float32Array::New(env, (size_t)n, buf, 0);
    case DType::F64: return Napi::Float64Array::New(env, (size_t)n, buf, 0);
    case DType::I32: return Napi::Int32Array::New(env, (size_t)n, buf, 0);
    default: return Napi::Uint8Array::New(env, (size_t)n, buf, 0);
  }
}

int32_t flint::adoptStorage(Napi::Env env, Storage* s) { return addStorage(env, s); }

namespace {

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeviceType dev = (DeviceType)info[0].As<Napi::Number>().Int32Value();
  MemStats& st = memStats(dev);
  Napi::Object o = Napi::Object::New(env);
  o.Set("allocatedBytes", Napi::Number::New(env, (double)st.allocatedBytes));
  o.Set("peakAllocatedBytes", Napi::Number::New(env, (double)st.peakAllocatedBytes));
  o.Set("numAllocs", Napi::Number::New(env, (double)st.numAllocs));
  o.Set("numFrees", Napi::Number::New(env, (double)st.numFrees));
  o.Set("cachedBytes", Napi::Number::New(env, (double)st.cachedBytes));
  o.Set("reservedBytes", Napi::Number::New(env, (double)(st.allocatedBytes + st.cachedBytes)));
  o.Set("cacheHits", Napi::Number::New(env, (double)st.cacheHits));
  return o;
}

Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  emptyCache((DeviceType)info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value ResetPeak(const Napi::CallbackInfo& info) {
  resetPeak((DeviceType)info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("blas", Napi::String::New(env, blasBackendName()));
  o.Set("blasSearch", Napi::String::New(env, blasSearchLog()));
  o.Set("threads", Napi::Number::New(env, numThreads()));
  o.Set("maxDims", Napi::Number::New(env, kMaxDims));
  o.Set("cpuIsa", Napi::String::New(env, vm::isaName(vm::cpuIsa())));
  o.Set("cpuIsaNote", Napi::String::New(env, vm::isaEnvNote()));
  return o;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  setNumThreads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

// The environment's teardown (a worker's exit, the end of the process) frees the storages it still
// holds: a worker's tensors are never finalized by its GC once it stops.
void finalizeEnv(Napi::Env env, EnvState* st) {
  {
    std::lock_guard<std::recursive_mutex> lock(gAddonMutex);
    for (size_t id = 0; id < gStorages.size(); id++)
      if (gStorages[id] && gOwner[id] == (napi_env)env) {
        try { releaseHandle((int32_t)id); } catch (...) {}  // a broken device at exit: the memory goes with the context
      }
  }
  st->metaRef.SuppressDestruct();
  st->oomHandler.SuppressDestruct();
  delete st;
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  EnvState* st = new EnvState();
  st->env = env;
  env.SetInstanceData<EnvState, finalizeEnv>(st);
  exports.Set("init", lockedFunction(env, Init, "init"));
  exports.Set("alloc", lockedFunction(env, Alloc, "alloc"));
  exports.Set("free", lockedFunction(env, Free, "free"));
  exports.Set("opId", lockedFunction(env, OpId, "opId"));
  exports.Set("opNames", lockedFunction(env, OpNames, "opNames"));
  exports.Set("opDevices", lockedFunction(env, OpDevices, "opDevices"));
  exports.Set("run", lockedFunction(env, Run, "run"));
  exports.Set("upload", lockedFunction(env, Upload, "upload"));
  exports.Set("download", lockedFunction(env, Download, "download"));
  exports.Set("stats", lockedFunction(env, Stats, "stats"));
  exports.Set("resetPeak", lockedFunction(env, ResetPeak, "resetPeak"));
  exports.Set("emptyCache", lockedFunction(env, EmptyCache, "emptyCache"));
  exports.Set("info", lockedFunction(env, Info, "info"));
  exports.Set("setNumThreads", lockedFunction(env, SetNumThreads, "setNumThreads"));
  registerGpuBindings(env, exports);
  registerNcclBindings(env, exports);
  registerMpiBindings(env, exports);
  // Release the persistent references while the environment is alive: left to a destructor after
  // Node has torn the environment down, napi_delete_reference segfaults at exit on Node 18.
  env.AddCleanupHook([st]() {
    st->metaRef.Reset();
    st->oomHandler.Reset();
    st->meta = nullptr;
    st->metaLen = 0;
  });
  return exports;
}

}  // namespace

NODE_API_MODULE(flintml, Module)
