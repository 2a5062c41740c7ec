// mpi_binding.cpp — N-API glue of the MPI engine (lib/distributed/mpi.ts): one dedicated thread
// runs every MPI call (native/cpu/mpi.cpp) from a FIFO queue, so blocking collectives never block
// the event loop and reach MPI in the order JS issued them (a libuv pool would reorder them across
// its threads, and collectives must match across ranks). Each job resolves a Promise through a
// thread-safe function. The thread is never joined (a collective whose peer died never returns):
// after mpiAbort() the engine refuses new jobs and stops keeping the event loop alive, so the
// process can still exit.
//
//   mpiInfo() -> { loaded, path, version, log[] }
//   mpiSubmit(kind, handle|null, byteOffset, count, dtype, op, peer, parts: [handle, byteOffset][]) -> Promise<{ rank, size }>
//   mpiAbort()
#include "mpi_binding.h"
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include "../cpu/mpi_api.h"
#include "js_errors.h"
#include "storage_table.h"

namespace flint {
namespace {

struct Pending {
  mpi::Job job;
  Napi::Promise::Deferred deferred;
  explicit Pending(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

// Never destroyed: a static with a detached thread blocked in MPI must not run destructors at exit.
struct Queue {
  std::mutex m;
  std::condition_variable cv;
  std::deque<Pending*> jobs;
  bool started = false;
  bool aborted = false;   // JS thread only
  int inflight = 0;       // JS thread only
  Napi::ThreadSafeFunction tsfn;
};
Queue* const q = new Queue;

void complete(Napi::Env env, Napi::Function, Pending* p) {
  if (--q->inflight == 0 && !q->aborted) q->tsfn.Unref(env);
  if (p->job.error.empty()) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("rank", Napi::Number::New(env, p->job.rank));
    o.Set("size", Napi::Number::New(env, p->job.size));
    p->deferred.Resolve(o);
  } else {
    p->deferred.Reject(Napi::Error::New(env, p->job.error).Value());
  }
  delete p;
}

void worker() {
  for (;;) {
    Pending* p;
    {
      std::unique_lock<std::mutex> lk(q->m);
      q->cv.wait(lk, [] { return !q->jobs.empty(); });
      p = q->jobs.front();
      q->jobs.pop_front();
    }
    mpi::run(p->job);
    // after teardown of the environment the call fails (napi_closing): the job is dropped
    if (q->tsfn.BlockingCall(p, complete) != napi_ok) delete p;
  }
}

int32_t i32(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }
int64_t i64(const Napi::Value& v) { return v.As<Napi::Number>().Int64Value(); }

/** The address of `bytes` bytes at byteOffset in a storage, bounds-checked. */
char* pointerInto(const Napi::Value& handle, const Napi::Value& offset, int64_t bytes) {
  Storage* s = storageOf(handle, "distributed");
  int64_t off = i64(offset);
  if (s->device != DeviceType::CPU) fail(ErrorKind::Device, "distributed (mpi): the MPI engine takes CPU tensors");
  if (off < 0 || bytes < 0 || off + bytes > s->bytes) fail(ErrorKind::Index, "distributed (mpi): range outside storage");
  return static_cast<char*>(s->ptr) + off;
}

Napi::Value MpiInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const mpi::LoadInfo& li = mpi::load();
  Napi::Object o = Napi::Object::New(env);
  o.Set("loaded", Napi::Boolean::New(env, li.loaded));
  o.Set("path", Napi::String::New(env, li.path));
  o.Set("version", Napi::String::New(env, li.version));
  Napi::Array log = Napi::Array::New(env, li.log.size());
  for (size_t i = 0; i < li.log.size(); i++) log.Set((uint32_t)i, Napi::String::New(env, li.log[i]));
  o.Set("log", log);
  return o;
}

Napi::Value MpiSubmit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!mpi::load().loaded) fail(ErrorKind::BackendUnavailable, "distributed (mpi): OpenMPI (libmpi.so.40) was not found");
    if (q->aborted) fail(ErrorKind::Flint, "distributed (mpi): the engine was aborted");
    Pending* p = new Pending(env);
    mpi::Job& j = p->job;
    try {
      j.kind = (mpi::JobKind)i32(info[0]);
      j.count = i64(info[3]);
      j.dtype = (DType)i32(info[4]);
      j.op = (mpi::ReduceOp)i32(info[5]);
      j.peer = i32(info[6]);
      int64_t bytes = j.count * itemsize(j.dtype);
      if (!info[1].IsNull() && !info[1].IsUndefined()) j.buf = pointerInto(info[1], info[2], bytes);
      if (info[7].IsArray()) {
        Napi::Array parts = info[7].As<Napi::Array>();
        for (uint32_t i = 0; i < parts.Length(); i++) {
          Napi::Array hp = parts.Get(i).As<Napi::Array>();
          j.parts.push_back(pointerInto(hp.Get(0u), hp.Get(1u), bytes));
        }
      }
    } catch (...) {
      delete p;
      throw;
    }
    Napi::Promise promise = p->deferred.Promise();
    if (!q->started) {
      q->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "flintml-mpi", 0, 1);
      q->tsfn.Unref(env);
      std::thread(worker).detach();
      q->started = true;
    }
    if (q->inflight++ == 0) q->tsfn.Ref(env);
    {
      std::lock_guard<std::mutex> lk(q->m);
      q->jobs.push_back(p);
    }
    q->cv.notify_one();
    return promise;
  });
}

// After a timeout: the thread may be blocked in MPI for good. New jobs are refused and the pending
// ones no longer keep the event loop alive, so the process can report the error and exit.
Napi::Value MpiAbort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (q->started && !q->aborted && q->inflight > 0) q->tsfn.Unref(env);
  q->aborted = true;
  return env.Undefined();
}

}  // namespace

void registerMpiBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("mpiInfo", Napi::Function::New(env, MpiInfo));
  exports.Set("mpiSubmit", Napi::Function::New(env, MpiSubmit));
  exports.Set("mpiAbort", Napi::Function::New(env, MpiAbort));
}

}  // namespace flint
