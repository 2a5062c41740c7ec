// mpi_binding.cpp — N-API glue of the MPI engine (lib/distributed/mpi.ts): one dedicated thread
// runs every MPI call (native/cpu/mpi.cpp) from a FIFO queue, so blocking collectives never block
// the event loop and reach MPI in the order JS issued them (a libuv pool would reorder them across
// its threads, and collectives must match across ranks). Each job resolves a Promise through a
// thread-safe function. The thread is never joined (a collective whose peer died never returns):
// after mpiAbort() the engine refuses new jobs and stops keeping the event loop alive, so the
// process can still exit.
//
// mpiRunSync is the blocking form that SyncBatchNorm needs (a forward or an autograd backward
// cannot await): the job goes into the same FIFO (after the asynchronous jobs already queued, so
// the order across ranks holds), and the JavaScript thread waits on a condition variable with a
// deadline (timeoutMs). MPI's blocking calls cannot be interrupted, so the wait, not the call, is
// bounded: past the deadline it returns false and leaves the job to the MPI thread (abandoned: the
// thread frees it if the call ever returns); the process group then aborts the engine, exactly as
// when an asynchronous call times out, and the program gets its DistributedError.
//
//   mpiInfo() -> { loaded, path, version, log[] }
//   mpiSubmit(kind, handle|null, byteOffset, count, dtype, op, peer, parts: [handle, byteOffset][]) -> Promise<{ rank, size }>
//   mpiRunSync(kind, handle|null, byteOffset, count, dtype, op, peer, parts|null, timeoutMs) -> true (done) | false (timed out);
//       throws Error(MPI's message) when the call failed
//   mpiAbort()
#include "mpi_binding.h"
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include "../cpu/mpi_api.h"
#include "js_errors.h"
#include "storage_table.h"

namespace flint {
namespace {

struct Pending {
  mpi::Job job;
  std::unique_ptr<Napi::Promise::Deferred> deferred;  // null: a blocking job (mpiRunSync)
  bool done = false;       // blocking job: run; under Queue::m
  bool abandoned = false;  // blocking job: its waiter gave up (deadline); under Queue::m
};

// Never destroyed: a static with a detached thread blocked in MPI must not run destructors at exit.
struct Queue {
  std::mutex m;
  std::condition_variable cv;
  std::condition_variable doneCv;  // a blocking job was run
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
    p->deferred->Resolve(o);
  } else {
    p->deferred->Reject(Napi::Error::New(env, p->job.error).Value());
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
    if (!p->deferred) {
      std::lock_guard<std::mutex> lk(q->m);
      if (p->abandoned) delete p;
      else p->done = true;
      q->doneCv.notify_all();
      continue;
    }
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

/** A job from the arguments (kind, handle|null, byteOffset, count, dtype, op, peer, parts|null), checked. */
void parseJob(const Napi::CallbackInfo& info, mpi::Job& j) {
  if (!mpi::load().loaded) fail(ErrorKind::BackendUnavailable, "distributed (mpi): OpenMPI (libmpi.so.40) was not found");
  if (q->aborted) fail(ErrorKind::Flint, "distributed (mpi): the engine was aborted");
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
}

/** Starts the MPI thread (and the thread-safe function that completes asynchronous jobs) once. */
void ensureWorker(Napi::Env env) {
  if (q->started) return;
  q->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "flintml-mpi", 0, 1);
  q->tsfn.Unref(env);
  std::thread(worker).detach();
  q->started = true;
}

void enqueue(Pending* p) {
  {
    std::lock_guard<std::mutex> lk(q->m);
    q->jobs.push_back(p);
  }
  q->cv.notify_one();
}

Napi::Value MpiSubmit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    std::unique_ptr<Pending> p(new Pending);
    parseJob(info, p->job);
    p->deferred.reset(new Napi::Promise::Deferred(Napi::Promise::Deferred::New(env)));
    Napi::Promise promise = p->deferred->Promise();
    ensureWorker(env);
    if (q->inflight++ == 0) q->tsfn.Ref(env);
    enqueue(p.release());
    return promise;
  });
}

Napi::Value MpiRunSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    std::unique_ptr<Pending> owned(new Pending);
    parseJob(info, owned->job);
    const int64_t timeoutMs = i64(info[8]);
    if (timeoutMs < 1) fail(ErrorKind::Value, "distributed (mpi): timeoutMs must be at least 1");
    ensureWorker(env);
    Pending* p = owned.release();
    enqueue(p);
    // system_clock, not a steady wait: the static libstdc++ turns a steady wait into
    // pthread_cond_clockwait (GLIBC_2.34), and the addon must load on glibc 2.28 (glibc_compat.cpp)
    const auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(timeoutMs);
    std::unique_lock<std::mutex> lk(q->m);
    if (!q->doneCv.wait_until(lk, deadline, [p] { return p->done; })) {
      p->abandoned = true;  // the MPI thread frees it if its call ever returns
      return Napi::Boolean::New(env, false);
    }
    lk.unlock();
    std::unique_ptr<Pending> done(p);
    if (!done->job.error.empty()) throw Napi::Error::New(env, done->job.error);
    return Napi::Boolean::New(env, true);
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
  exports.Set("mpiRunSync", Napi::Function::New(env, MpiRunSync));
  exports.Set("mpiAbort", Napi::Function::New(env, MpiAbort));
}

}  // namespace flint
