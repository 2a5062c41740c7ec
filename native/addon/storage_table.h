// storage_table.h — the addon's storage handles (addon.cpp), for the other binding files, and what
// makes the addon safe to load in several threads (worker_threads): each Node environment (the main
// thread, each worker) has its own EnvState, owns the handles it made (another thread's handle is
// refused), and every binding call runs under one process-wide lock, because the native state
// under it (the handle table, the CPU allocator's cache, the GPU runtime) is shared and unlocked.
// Ops from several threads therefore run one at a time natively (each still uses the thread pool).
#pragma once
#include <napi.h>
#include "../core/storage.h"

namespace flint {

/** Per-environment (per JS thread) state of the addon. */
struct EnvState {
  napi_env env = nullptr;
  double* meta = nullptr;  // this thread's call-descriptor buffer (init)
  size_t metaLen = 0;
  Napi::Reference<Napi::Float64Array> metaRef;
  Napi::FunctionReference oomHandler;  // gpuSetOomHandler's function, called only on its own thread
  int64_t pendingExternal = 0;  // bytes not yet reported to this environment's V8 heap
};
/** The state of the environment of the binding call running on this thread (set by the lock wrapper). */
EnvState* currentEnvState();

using BindingFn = Napi::Value (*)(const Napi::CallbackInfo&);
/** A JS function that runs f under the addon's lock (every exported binding is made with it). */
Napi::Function lockedFunction(Napi::Env env, BindingFn f, const char* name);

/** The storage of a JS handle; DisposedError when it was freed. */
Storage* storageOf(const Napi::Value& v, const char* op);
/** Registers a storage made elsewhere and returns its handle. */
int32_t adoptStorage(Napi::Env env, Storage* s);
/** A new TypedArray with n host elements of dtype dt (16-bit floats widen to Float32Array, bool is Uint8Array). */
Napi::Value hostToTypedArray(Napi::Env env, const char* src, int64_t n, DType dt);

}  // namespace flint
