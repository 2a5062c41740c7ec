// nccl_comm.cpp — see nccl_comm.h.
#include "nccl_comm.h"
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include "../core/dtype.h"
#include "../core/error.h"
#include "backend.h"
#include "device.h"
#include "driver.h"
#include "nccl_api.h"

namespace flint {
namespace gpu {

int ncclTypeOf(int flintDType, int versionCode) {
  switch ((DType)flintDType) {
    case DType::F32: return ncclFloat32;
    case DType::F64: return ncclFloat64;
    case DType::F16: return ncclFloat16;
    case DType::I32: return ncclInt32;
    case DType::BF16: return versionCode >= kNcclVersionAvgBf16 ? ncclBfloat16 : -1;
    default: return -1;
  }
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(5);  // watchdog period while collectives are in flight

const char* opName(CollectiveOp op) {
  switch (op) {
    case CollectiveOp::AllReduce: return "ncclAllReduce";
    case CollectiveOp::Broadcast: return "ncclBroadcast";
    case CollectiveOp::AllGather: return "ncclAllGather";
    case CollectiveOp::ReduceScatter: return "ncclReduceScatter";
    case CollectiveOp::Send: return "ncclSend";
    case CollectiveOp::Recv: return "ncclRecv";
  }
  return "?";
}

enum class JobKind { UniqueId, Init, Collective, Synchronize, Destroy };

struct Job {
  JobKind kind;
  uint64_t ticket = 0;
  CollectiveCall call;
  void* waitEvent = nullptr;  // recorded on the compute stream at submission
  std::vector<uint8_t> id;
  int nranks = 0, rank = 0;
  uint64_t upTo = 0;          // Synchronize/Destroy: the collectives queued before it
};

// The completion of a collective whose submitter waits for it on its own thread (collectiveQueued).
struct SyncSlot {
  bool done = false, ok = false;
  std::string message;
};

struct InFlight {
  uint64_t seq;
  const char* what;
  void* doneEvent;
  void* waitEvent;
  Clock::time_point queued;
};

}  // namespace

struct Communicator::State {
  const CollectiveLibrary& lib;
  Driver& driver;
  int device = 0;
  int streamId = 0;
  void* stream = nullptr;
  int64_t timeoutMs = 0;
  Done done;
  Failed failedCb;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Job> queue;
  std::vector<Job> waiting;      // Synchronize/Destroy jobs waiting for in-flight collectives
  std::deque<InFlight> inFlight;  // in queue order (one stream: they complete in this order)
  uint64_t nextTicket = 1;
  uint64_t queuedSeq = 0;         // collectives queued on the stream so far
  bool stop = false;
  bool failed = false;
  std::string failure;
  ncclComm_t comm = nullptr;
  bool inNccl = false;            // the thread is inside an NCCL call (abort() must not wait for it)
  bool commAborted = false;

  // collectiveQueued's waiters, by ticket. Its own mutex, taken after `mu` where both are held
  // (complete() runs with and without `mu`), never before it.
  std::mutex syncMu;
  std::condition_variable syncCv;
  std::map<uint64_t, std::shared_ptr<SyncSlot>> syncSlots;

  State(const CollectiveLibrary& l, Driver& d) : lib(l), driver(d) {}
};

namespace {

using State = Communicator::State;

void complete(State& s, uint64_t ticket, bool ok, const std::string& msg, std::vector<uint8_t> payload = {}) {
  {
    std::lock_guard<std::mutex> g(s.syncMu);
    auto it = s.syncSlots.find(ticket);
    if (it != s.syncSlots.end()) {  // a blocking submitter's (or an abandoned one's): not the callback's
      it->second->done = true;
      it->second->ok = ok;
      it->second->message = msg;
      s.syncSlots.erase(it);
      s.syncCv.notify_all();
      return;
    }
  }
  if (ticket && s.done) s.done(ticket, ok, msg, std::move(payload));
}

// Calls ncclCommAbort once (lock held). The communicator is freed by it: s.comm is cleared, and
// nothing touches it again. From a helper thread when the communicator's thread is blocked inside
// NCCL, or when the owner (the JavaScript thread) asked: nobody waits for NCCL's teardown there.
void abortCommLocked(State& s, std::unique_lock<std::mutex>& lock, bool fromOwner) {
  if (!s.comm || s.commAborted) return;
  s.commAborted = true;
  ncclComm_t c = s.comm;
  s.comm = nullptr;
  const NcclApi& api = s.lib.api;
  if (s.inNccl || fromOwner) {
    std::thread([&api, c] { api.ncclCommAbort(c); }).detach();
    return;
  }
  lock.unlock();
  api.ncclCommAbort(c);
  lock.lock();
}

// Marks the communicator failed (lock held): every pending job fails; the owner hears of it once.
void failLocked(State& s, std::unique_lock<std::mutex>& lock, const std::string& msg, bool fromOwner = false) {
  if (s.failed) return;
  s.failed = true;
  s.failure = msg;
  std::vector<uint64_t> tickets;
  for (const Job& j : s.queue) tickets.push_back(j.ticket);
  for (const Job& j : s.waiting) tickets.push_back(j.ticket);
  s.queue.clear();
  s.waiting.clear();
  abortCommLocked(s, lock, fromOwner);
  Communicator::Failed cb = s.failedCb;
  lock.unlock();
  if (cb) cb(msg);  // first: the owner knows the communicator failed before it hears of any ticket
  for (uint64_t t : tickets) complete(s, t, false, msg);
  lock.lock();
  s.cv.notify_all();
}

std::string resultText(const State& s, ncclResult_t r) {
  std::string t = ncclResultText(s.lib, r);
  if (s.lib.api.ncclGetLastError && s.comm) {
    const char* last = s.lib.api.ncclGetLastError(s.comm);
    if (last && *last) t += ": " + std::string(last);
  }
  return t;
}

// Runs one NCCL call with inNccl set (abort() then aborts from a helper thread).
template <class F>
ncclResult_t ncclCall(State& s, std::unique_lock<std::mutex>& lock, F f) {
  s.inNccl = true;
  lock.unlock();
  ncclResult_t r = f();
  lock.lock();
  s.inNccl = false;
  return r;
}

void runCollective(State& s, std::unique_lock<std::mutex>& lock, Job& j) {
  const CollectiveCall& c = j.call;
  const NcclApi& a = s.lib.api;
  const int type = ncclTypeOf(c.dtype, s.lib.versionCode);
  void* doneEvent = nullptr;
  try {
    lock.unlock();
    s.driver.streamWait(s.stream, j.waitEvent);  // the tensor's producers, on its compute stream
    doneEvent = s.driver.eventCreate(false);
    lock.lock();
  } catch (const Error& e) {
    lock.lock();
    complete(s, j.ticket, false, std::string(opName(c.op)) + ": " + e.what());
    return;
  }
  ncclComm_t comm = s.comm;
  void* st = s.stream;
  const ncclResult_t r = ncclCall(s, lock, [&]() -> ncclResult_t {
    switch (c.op) {
      case CollectiveOp::AllReduce: return a.ncclAllReduce(c.send, c.recv, c.count, type, c.redop, comm, st);
      case CollectiveOp::Broadcast: return a.ncclBroadcast(c.send, c.recv, c.count, type, c.peer, comm, st);
      case CollectiveOp::AllGather: return a.ncclAllGather(c.send, c.recv, c.count, type, comm, st);
      case CollectiveOp::ReduceScatter: return a.ncclReduceScatter(c.send, c.recv, c.count, type, c.redop, comm, st);
      case CollectiveOp::Send: return a.ncclSend(c.send, c.count, type, c.peer, comm, st);
      case CollectiveOp::Recv: return a.ncclRecv(c.recv, c.count, type, c.peer, comm, st);
    }
    return 4;
  });
  if (s.failed) {  // aborted while inside the call
    complete(s, j.ticket, false, s.failure);
    return;
  }
  if (r != ncclSuccess && r != ncclInProgress) {
    const std::string msg = std::string(opName(c.op)) + " failed: " + resultText(s, r);
    lock.unlock();
    s.driver.eventDestroy(doneEvent);
    s.driver.eventDestroy(j.waitEvent);
    lock.lock();
    if (r == 4 || r == 5) {  // ncclInvalidArgument / ncclInvalidUsage: this call was wrong, the communicator is fine
      complete(s, j.ticket, false, msg);
      return;
    }
    failLocked(s, lock, msg);
    complete(s, j.ticket, false, msg);
    return;
  }
  try {
    lock.unlock();
    s.driver.eventRecord(doneEvent, s.stream);
    s.driver.streamWait(c.computeStream, doneEvent);  // later work on the compute stream sees the result
    lock.lock();
  } catch (const Error& e) {
    lock.lock();
    failLocked(s, lock, std::string(opName(c.op)) + ": " + e.what());
    complete(s, j.ticket, false, s.failure);
    return;
  }
  s.inFlight.push_back(InFlight{++s.queuedSeq, opName(c.op), doneEvent, j.waitEvent, Clock::now()});
  complete(s, j.ticket, true, "");
}

// Retires the completed collectives, completes the Synchronize/Destroy jobs they release, and
// fails the communicator on an asynchronous error or a collective past its timeout (lock held).
void watch(State& s, std::unique_lock<std::mutex>& lock) {
  while (!s.inFlight.empty() && !s.failed) {
    InFlight f = s.inFlight.front();
    bool doneNow = false;
    lock.unlock();
    try {
      doneNow = s.driver.eventQuery(f.doneEvent);
    } catch (const Error& e) {
      lock.lock();
      failLocked(s, lock, std::string(f.what) + ": " + e.what());
      return;
    }
    if (doneNow) {
      s.driver.eventDestroy(f.doneEvent);
      s.driver.eventDestroy(f.waitEvent);
    }
    lock.lock();
    if (!doneNow) break;
    s.inFlight.pop_front();
  }
  if (s.failed) return;
  if (s.comm && !s.inFlight.empty()) {
    ncclResult_t async = ncclSuccess;
    ncclComm_t comm = s.comm;
    const ncclResult_t r = ncclCall(s, lock, [&] { return s.lib.api.ncclCommGetAsyncError(comm, &async); });
    if (s.failed) return;
    if (r != ncclSuccess) async = r;
    if (async != ncclSuccess && async != ncclInProgress) {
      failLocked(s, lock, std::string(s.inFlight.front().what) + ": asynchronous " + s.lib.name + " error: " + resultText(s, async) +
                              "; the communicator was aborted");
      return;
    }
    const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - s.inFlight.front().queued).count();
    if (s.timeoutMs > 0 && age > s.timeoutMs) {
      failLocked(s, lock, std::string(s.inFlight.front().what) + " did not complete within " + std::to_string(s.timeoutMs) +
                              " ms (a peer died, hangs or never called it); the communicator was aborted");
      return;
    }
  }
  const uint64_t completed = s.queuedSeq - s.inFlight.size();
  for (size_t i = 0; i < s.waiting.size();) {
    if (s.waiting[i].upTo > completed) { i++; continue; }
    Job j = std::move(s.waiting[i]);
    s.waiting.erase(s.waiting.begin() + (long)i);
    if (j.kind == JobKind::Synchronize) {
      lock.unlock();
      complete(s, j.ticket, true, "");
      lock.lock();
      continue;
    }
    // Destroy: every collective has run
    ncclComm_t comm = s.comm;
    ncclResult_t r = ncclSuccess;
    if (comm) r = ncclCall(s, lock, [&] { return s.lib.api.ncclCommDestroy(comm); });
    s.comm = nullptr;
    s.stop = true;
    lock.unlock();
    complete(s, j.ticket, r == ncclSuccess, r == ncclSuccess ? "" : "ncclCommDestroy failed: " + ncclResultText(s.lib, r));
    lock.lock();
    return;
  }
}

void run(std::shared_ptr<State> sp) {
  State& s = *sp;
  std::unique_lock<std::mutex> lock(s.mu);
  try {
    s.driver.makeCurrent(s.device);  // NCCL works on the calling thread's current device
  } catch (const Error& e) {
    failLocked(s, lock, std::string("cuda:") + std::to_string(s.device) + ": " + e.what());
  }
  while (!s.stop) {
    if (s.queue.empty()) {
      if (s.inFlight.empty()) s.cv.wait(lock, [&] { return s.stop || !s.queue.empty() || !s.inFlight.empty(); });
      // system_clock, not wait_for's steady_clock: the static libstdc++ turns a steady wait into
      // pthread_cond_clockwait (GLIBC_2.34), and the addon must load on glibc 2.28 (glibc_compat.cpp);
      // a clock jump only moves one 5 ms poll
      else s.cv.wait_until(lock, std::chrono::system_clock::now() + kPoll, [&] { return s.stop || !s.queue.empty(); });
    }
    if (s.stop) break;
    if (!s.queue.empty()) {
      Job j = std::move(s.queue.front());
      s.queue.pop_front();
      if (s.failed) {
        lock.unlock();
        complete(s, j.ticket, false, s.failure);
        lock.lock();
        continue;
      }
      switch (j.kind) {
        case JobKind::UniqueId: {
          ncclUniqueId id;
          std::memset(&id, 0, sizeof id);
          const ncclResult_t r = ncclCall(s, lock, [&] { return s.lib.api.ncclGetUniqueId(&id); });
          lock.unlock();
          if (r != ncclSuccess) complete(s, j.ticket, false, "ncclGetUniqueId failed: " + ncclResultText(s.lib, r));
          else complete(s, j.ticket, true, "", std::vector<uint8_t>(id.internal, id.internal + sizeof id.internal));
          lock.lock();
          break;
        }
        case JobKind::Init: {
          ncclUniqueId id;
          std::memcpy(id.internal, j.id.data(), sizeof id.internal);
          ncclComm_t comm = nullptr;
          const ncclResult_t r = ncclCall(s, lock, [&] { return s.lib.api.ncclCommInitRank(&comm, j.nranks, id, j.rank); });
          if (s.failed) {  // aborted (timeout) while joining: the late communicator goes too
            if (r == ncclSuccess && comm) {
              lock.unlock();
              s.lib.api.ncclCommAbort(comm);
              lock.lock();
            }
            lock.unlock();
            complete(s, j.ticket, false, s.failure);
            lock.lock();
            break;
          }
          if (r != ncclSuccess) {
            const std::string msg = "ncclCommInitRank (rank " + std::to_string(j.rank) + " of " + std::to_string(j.nranks) +
                                    ") failed: " + ncclResultText(s.lib, r);
            failLocked(s, lock, msg);
            lock.unlock();
            complete(s, j.ticket, false, msg);  // popped already: failLocked did not see it
            lock.lock();
            break;
          }
          s.comm = comm;
          lock.unlock();
          complete(s, j.ticket, true, "");
          lock.lock();
          break;
        }
        case JobKind::Collective:
          if (!s.comm) {
            lock.unlock();
            complete(s, j.ticket, false, std::string(opName(j.call.op)) + ": the communicator was not initialized");
            lock.lock();
            break;
          }
          runCollective(s, lock, j);
          break;
        case JobKind::Synchronize:
        case JobKind::Destroy:
          j.upTo = s.queuedSeq;
          s.waiting.push_back(std::move(j));
          break;
      }
    }
    watch(s, lock);
  }
}

}  // namespace

Communicator::Communicator(int device, int64_t timeoutMs, Done done, Failed failed) {
  const CollectiveLibrary& lib = collectiveLibrary();
  if (!lib.found) fail(ErrorKind::BackendUnavailable, lib.reason);
  ensureBackend();
  Driver* d = GpuRuntime::get().driver();
  s_ = std::make_shared<State>(lib, *d);
  s_->device = device;
  s_->timeoutMs = timeoutMs;
  s_->done = std::move(done);
  s_->failedCb = std::move(failed);
  s_->streamId = streamCreate(device);
  s_->stream = streamNativeHandle(s_->streamId);
  std::thread(run, s_).detach();
}

Communicator::~Communicator() {
  std::lock_guard<std::mutex> lock(s_->mu);
  s_->stop = true;  // done/failed stay callable: the owner's callbacks must survive a late call
  s_->cv.notify_all();
}

int Communicator::device() const { return s_->device; }
int Communicator::streamId() const { return s_->streamId; }
const std::string& Communicator::libraryName() const { return s_->lib.name; }

namespace {
uint64_t submit(State& s, Job j, std::shared_ptr<SyncSlot> slot = nullptr) {
  std::lock_guard<std::mutex> lock(s.mu);
  j.ticket = s.nextTicket++;
  const uint64_t t = j.ticket;
  if (slot) {
    std::lock_guard<std::mutex> g(s.syncMu);
    s.syncSlots[t] = std::move(slot);
  }
  s.queue.push_back(std::move(j));
  s.cv.notify_all();
  return t;
}
}  // namespace

uint64_t Communicator::uniqueId() { Job j; j.kind = JobKind::UniqueId; return submit(*s_, std::move(j)); }

uint64_t Communicator::init(const std::vector<uint8_t>& id, int nranks, int rank) {
  if (id.size() != (size_t)NCCL_UNIQUE_ID_BYTES)
    fail(ErrorKind::Value, "ncclCommInitRank: the unique id must be " + std::to_string(NCCL_UNIQUE_ID_BYTES) + " bytes, got " +
                               std::to_string(id.size()));
  Job j;
  j.kind = JobKind::Init;
  j.id = id;
  j.nranks = nranks;
  j.rank = rank;
  return submit(*s_, std::move(j));
}

namespace {
/** The collective's job, checked, with the producers' event recorded on its compute stream. */
Job collectiveJob(State& s, const CollectiveCall& call) {
  if (ncclTypeOf(call.dtype, s.lib.versionCode) < 0)
    fail(ErrorKind::DType, std::string(opName(call.op)) + ": " + s.lib.name + " " + s.lib.version + " has no " +
                               dtypeName((DType)call.dtype) + " type" + ((DType)call.dtype == DType::BF16 ? " (bfloat16 needs 2.10+)" : ""));
  if (call.redop == ncclAvg && !s.lib.hasAvgAndBf16())
    fail(ErrorKind::Value, std::string(opName(call.op)) + ": " + s.lib.name + " " + s.lib.version + " has no 'avg' reduction (2.10+)");
  if (captureActive()) fail(ErrorKind::Capture, std::string("CUDA graph capture: ") + opName(call.op) + " cannot be captured");
  Job j;
  j.kind = JobKind::Collective;
  j.call = call;
  // the producers: everything queued on the compute stream so far
  Driver& d = s.driver;
  j.waitEvent = d.eventCreate(false);
  try {
    d.eventRecord(j.waitEvent, call.computeStream);
  } catch (...) {
    d.eventDestroy(j.waitEvent);
    throw;
  }
  return j;
}
}  // namespace

uint64_t Communicator::collective(const CollectiveCall& call) { return submit(*s_, collectiveJob(*s_, call)); }

Communicator::Queued Communicator::collectiveQueued(const CollectiveCall& call, int64_t timeoutMs, std::string* message) {
  auto slot = std::make_shared<SyncSlot>();
  submit(*s_, collectiveJob(*s_, call), slot);
  // system_clock: see run()'s wait (glibc 2.28)
  const auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(timeoutMs);
  std::unique_lock<std::mutex> g(s_->syncMu);
  if (!s_->syncCv.wait_until(g, deadline, [&] { return slot->done; })) return Queued::TimedOut;  // the slot stays: a late completion is dropped
  if (slot->ok) return Queued::Yes;
  if (message) *message = slot->message;
  return Queued::Failed;
}

uint64_t Communicator::synchronize() { Job j; j.kind = JobKind::Synchronize; return submit(*s_, std::move(j)); }
uint64_t Communicator::destroy() { Job j; j.kind = JobKind::Destroy; return submit(*s_, std::move(j)); }

void Communicator::abort(const std::string& reason) {
  std::unique_lock<std::mutex> lock(s_->mu);
  failLocked(*s_, lock, reason, /*fromOwner=*/true);
}

bool Communicator::failed() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->failed;
}
std::string Communicator::failure() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->failure;
}

}  // namespace gpu
}  // namespace flint
