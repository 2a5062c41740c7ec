// nccl_comm.h — one NCCL/RCCL communicator of this process (one rank on one GPU), with its own
// thread and its own communication stream (lib/distributed/nccl.ts drives it through the addon's
// nccl_binding.cpp).
//
// Why a thread: NCCL calls can block the caller (ncclCommInitRank until every rank has joined; a
// collective's first use of a peer while it connects), and the JavaScript thread must stay free so
// that the process group's timeouts can fire. Every NCCL call of a communicator runs on its thread,
// in submission order, which also gives NCCL the single-threaded use per communicator it asks for.
// The JavaScript thread only queues "tickets" and gets each one's completion through the callback.
//
// Streams and memory (as PyTorch's ProcessGroupNCCL): a collective is queued on the communicator's
// stream after a wait for an event recorded on the tensor's compute stream when it was submitted
// (the tensor's producers), and the compute stream then waits for an event recorded after the
// collective (later kernels see the result). The submitter records the communication stream on the
// tensors' allocator blocks (caching_allocator.h recordStream), so that a tensor freed meanwhile is
// not handed out again before the collective has finished with it. A collective's ticket completes
// when it is queued that way — not when it has run; synchronize() completes when everything queued
// so far has run.
//
// Watchdog: while collectives are in flight the thread polls their completion events and
// ncclCommGetAsyncError every few milliseconds. An asynchronous error, or a collective still
// running after timeoutMs, aborts the communicator (ncclCommAbort: NCCL's kernels return, so the
// streams drain) and fails every ticket then pending and every later one with the message; the
// failure callback tells the owner at once. abort() does the same on request (a timeout seen by the
// process group), from any thread, without waiting for anything: ncclCommAbort then runs on a helper
// thread (as it also does when the communicator's thread is blocked inside NCCL).
//
// collectiveQueued() is the blocking form for callers that cannot wait for a callback (SyncBatchNorm's
// forward and backward): the same collective, queued behind the tickets already submitted, and a
// wait on the calling thread — with a deadline — until the communicator's thread has put it on the
// communication stream (the point where the asynchronous ticket completes). It never waits for the
// GPU. Its completion goes to the waiter, not to the Done callback; a waiter that gave up (deadline)
// leaves its slot behind, so a late completion is dropped rather than reported as an unknown ticket.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace flint {
namespace gpu {

enum class CollectiveOp { AllReduce, Broadcast, AllGather, ReduceScatter, Send, Recv };

/** One collective, in NCCL's terms (counts in elements; pointers are device addresses). */
struct CollectiveCall {
  CollectiveOp op = CollectiveOp::AllReduce;
  const void* send = nullptr;
  void* recv = nullptr;
  size_t count = 0;    // AllGather: per rank (sendcount); ReduceScatter: per rank (recvcount)
  int dtype = 0;       // flint DType code
  int redop = 0;       // ncclRedOp_t (AllReduce, ReduceScatter)
  int peer = 0;        // Broadcast: root; Send/Recv: the peer
  void* computeStream = nullptr;  // the driver's handle of the tensor's compute stream (set by the submitter)
};

class Communicator {
 public:
  /** ticket, ok, message (the error when !ok), payload (uniqueId: the 128 bytes). Called on any thread. */
  using Done = std::function<void(uint64_t ticket, bool ok, const std::string& message, std::vector<uint8_t> payload)>;
  /** Called once, on any thread, when the communicator fails (watchdog or abort). */
  using Failed = std::function<void(const std::string& message)>;

  /** JS thread: checks that the library was found; makes the communication stream on `device`; starts the thread. */
  Communicator(int device, int64_t timeoutMs, Done done, Failed failed);
  /** Stops the thread when it is free (it is detached: a thread blocked in NCCL is not waited for). */
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int device() const;
  int streamId() const;          // the communication stream (backend.h ids)
  const std::string& libraryName() const;

  uint64_t uniqueId();                                                  // payload: ncclUniqueId's 128 bytes
  uint64_t init(const std::vector<uint8_t>& id, int nranks, int rank);  // ncclCommInitRank on the thread
  /** JS thread: records the producers' event on call.computeStream and queues the collective. */
  uint64_t collective(const CollectiveCall& call);
  enum class Queued { Yes, Failed, TimedOut };
  /**
   * JS thread: collective(), then waits at most timeoutMs until the communicator's thread has queued
   * it on the communication stream (Yes), failed it (Failed, with the message), or neither (TimedOut:
   * the owner aborts the communicator).
   */
  Queued collectiveQueued(const CollectiveCall& call, int64_t timeoutMs, std::string* message);
  uint64_t synchronize();  // completes when every collective queued before it has run
  uint64_t destroy();      // synchronize, then ncclCommDestroy; the thread ends
  void abort(const std::string& reason);
  bool failed() const;
  std::string failure() const;

  struct State;

 private:
  std::shared_ptr<State> s_;
};

/** Flint DType code -> ncclDataType_t, or -1 when NCCL has no such type (or the library is too old for it). */
int ncclTypeOf(int flintDType, int versionCode);

}  // namespace gpu
}  // namespace flint
