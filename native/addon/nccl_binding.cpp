// nccl_binding.cpp — N-API glue for the NCCL/RCCL communicators (native/gpu/nccl_comm.h), used by
// lib/distributed/nccl.ts only. A communicator is a small integer id; each request returns a ticket
// at once, and the communicator's callback later receives (kind, ticket, message, payload) on the
// JavaScript thread through a thread-safe function: kind 0 = the ticket completed, 1 = it failed
// (message), 2 = the communicator failed (watchdog or abort; message). The thread-safe function
// keeps the event loop alive only while tickets are outstanding, so a process with an idle (or
// abandoned, hung) communicator can still exit.
//
//   ncclInfo() -> { found, name, path, version, versionCode, avg, bfloat16, reason, searchLog }
//   ncclCommCreate(device, timeoutMs, callback) -> id        (BackendUnavailableError: no library)
//   ncclCommUniqueId(id) -> ticket                            (payload: the 128-byte ncclUniqueId)
//   ncclCommInit(id, uniqueId: Uint8Array, nranks, rank) -> ticket
//   ncclCommCollective(id, op, sendHandle, sendByteOffset, recvHandle, recvByteOffset, count, dtype, redop, peer) -> ticket
//       op: 0 allReduce, 1 broadcast, 2 allGather, 3 reduceScatter, 4 send, 5 recv (nccl_comm.h's
//       CollectiveOp); a handle of -1 for the side an op has not; counts as NCCL's
//   ncclCommCollectiveSync(id, op, …the same…, peer, timeoutMs) -> true once the collective is queued on the
//       communication stream (no wait for the GPU), false when timeoutMs passed first; throws the failure
//       (SyncBatchNorm: a forward or backward cannot await a ticket; see nccl_comm.h collectiveQueued)
//   ncclCommSynchronize(id) -> ticket, ncclCommDestroy(id) -> ticket, ncclCommAbort(id, reason)
//   ncclCommRelease(id, destroyStream): forgets the communicator (after destroy or abort)
//   ncclCommStream(id) -> the communication stream's id (fl.cuda streams' ids)
#include <napi.h>
#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include "../core/dtype.h"
#include "../gpu/backend.h"
#include "../gpu/nccl_api.h"
#include "../gpu/nccl_comm.h"
#include "js_errors.h"
#include "storage_table.h"

namespace {

using flint::DeviceType;
using flint::ErrorKind;
using flint::Storage;
using flint::fail;
using flint::guarded;
namespace gpu = flint::gpu;

struct Msg {
  int kind;
  uint64_t ticket;
  std::string message;
  std::vector<uint8_t> payload;
};

struct Record {
  std::unique_ptr<gpu::Communicator> comm;
  Napi::ThreadSafeFunction tsfn;
  int outstanding = 0;  // tickets not yet reported to JS (the tsfn is referenced while > 0)
  int nranks = 1;
  bool released = false;
};

std::map<int, std::shared_ptr<Record>> gComms;
int gNextId = 1;
// Set when Node tears the environment down: a communicator's thread still running then (blocked in
// NCCL, reporting late) must not touch the thread-safe functions Node is closing.
std::atomic<bool> gClosing{false};

std::shared_ptr<Record> recordOf(const Napi::Value& v) {
  const int id = v.As<Napi::Number>().Int32Value();
  auto it = gComms.find(id);
  if (it == gComms.end()) fail(ErrorKind::Value, "nccl: the communicator was destroyed");
  return it->second;
}

// One more ticket outstanding (JS thread): the event loop stays alive until it is reported.
uint64_t track(Napi::Env env, Record& r, uint64_t ticket) {
  if (r.outstanding++ == 0) r.tsfn.Ref(env);
  return ticket;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const std::string json = gpu::collectiveInfoJson(gpu::collectiveLibrary());
    Napi::Object JSON = env.Global().Get("JSON").As<Napi::Object>();
    return JSON.Get("parse").As<Napi::Function>().Call(JSON, {Napi::String::New(env, json)});
  });
}

Napi::Value Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const int device = info[0].As<Napi::Number>().Int32Value();
    const int64_t timeoutMs = info[1].As<Napi::Number>().Int64Value();
    if (!info[2].IsFunction()) fail(ErrorKind::Value, "ncclCommCreate: expects a callback");
    auto rec = std::make_shared<Record>();
    std::weak_ptr<Record> weak = rec;
    rec->tsfn = Napi::ThreadSafeFunction::New(env, info[2].As<Napi::Function>(), "flintml-nccl", 0, 1);
    rec->tsfn.Unref(env);
    Napi::ThreadSafeFunction tsfn = rec->tsfn;
    // Runs on the JS thread for each message.
    auto deliver = [weak](Napi::Env env, Napi::Function cb, Msg* m) {
      std::unique_ptr<Msg> owned(m);
      if (!env || !cb) return;
      if (auto r = weak.lock()) {
        if (m->kind != 2 && --r->outstanding == 0 && !r->released) r->tsfn.Unref(env);
      }
      Napi::Value payload = env.Undefined();
      if (!m->payload.empty()) {
        Napi::Uint8Array a = Napi::Uint8Array::New(env, m->payload.size());
        std::memcpy(a.Data(), m->payload.data(), m->payload.size());
        payload = a;
      }
      try {
        cb.Call({Napi::Number::New(env, m->kind), Napi::Number::New(env, (double)m->ticket), Napi::String::New(env, m->message), payload});
      } catch (...) {
      }
    };
    auto post = [tsfn, deliver](Msg* m) mutable {
      if (gClosing.load() || tsfn.NonBlockingCall(m, deliver) != napi_ok) delete m;
    };
    rec->comm.reset(new gpu::Communicator(
        device, timeoutMs,
        [post](uint64_t ticket, bool ok, const std::string& msg, std::vector<uint8_t> payload) mutable {
          post(new Msg{ok ? 0 : 1, ticket, msg, std::move(payload)});
        },
        [post](const std::string& msg) mutable { post(new Msg{2, 0, msg, {}}); }));
    const int id = gNextId++;
    gComms[id] = rec;
    return Napi::Number::New(env, id);
  });
}

Napi::Value UniqueId(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto r = recordOf(info[0]);
    return Napi::Number::New(env, (double)track(env, *r, r->comm->uniqueId()));
  });
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto r = recordOf(info[0]);
    if (!info[1].IsTypedArray()) fail(ErrorKind::Value, "ncclCommInitRank: the unique id must be a Uint8Array");
    Napi::Uint8Array a = info[1].As<Napi::Uint8Array>();
    std::vector<uint8_t> id(a.Data(), a.Data() + a.ByteLength());
    const int nranks = info[2].As<Napi::Number>().Int32Value(), rank = info[3].As<Napi::Number>().Int32Value();
    if (nranks < 1 || rank < 0 || rank >= nranks)
      fail(ErrorKind::Value, "ncclCommInitRank: rank " + std::to_string(rank) + " is not in a world of " + std::to_string(nranks));
    r->nranks = nranks;
    return Napi::Number::New(env, (double)track(env, *r, r->comm->init(id, nranks, rank)));
  });
}

// The device bytes [offset, offset + bytes) of a storage on the communicator's GPU.
char* deviceRange(const Napi::Value& handle, int64_t offset, int64_t bytes, int device, const char* op, const char* which) {
  Storage* s = flint::storageOf(handle, op);
  if (s->device != DeviceType::CUDA || s->deviceIndex != device)
    fail(ErrorKind::Device, std::string(op) + ": the " + which + " tensor is not on cuda:" + std::to_string(device) +
                                " (the communicator's GPU)");
  if (offset < 0 || bytes < 0 || offset + bytes > s->bytes) fail(ErrorKind::Index, std::string(op) + ": " + which + " range outside its storage");
  return static_cast<char*>(s->ptr) + offset;
}

// The collective of arguments 1-9 (op, send, sendByteOffset, recv, recvByteOffset, count, dtype, redop,
// peer), checked, on the current stream of the communicator's GPU; `used`: the storages it reads or writes.
gpu::CollectiveCall collectiveCall(const Napi::CallbackInfo& info, Record& r, std::vector<Storage*>& used) {
  gpu::CollectiveCall c;
  const int op = info[1].As<Napi::Number>().Int32Value();
  if (op < 0 || op > 5) fail(ErrorKind::Value, "nccl: unknown collective " + std::to_string(op));
  c.op = (gpu::CollectiveOp)op;
  const int64_t count = info[6].As<Napi::Number>().Int64Value();
  c.dtype = info[7].As<Napi::Number>().Int32Value();
  c.redop = info[8].As<Napi::Number>().Int32Value();
  c.peer = info[9].As<Napi::Number>().Int32Value();
  if (count < 0 || c.dtype < 0 || c.dtype >= flint::kNumDTypes) fail(ErrorKind::Value, "nccl: bad count or dtype");
  c.count = (size_t)count;
  const int64_t isz = flint::itemsize((flint::DType)c.dtype);
  const int dev = r.comm->device();
  const int64_t n = r.nranks;
  const char* name = op == 0 ? "allReduce" : op == 1 ? "broadcast" : op == 2 ? "allGather" : op == 3 ? "reduceScatter" : op == 4 ? "send" : "recv";
  const int64_t sendBytes = count * isz * (c.op == gpu::CollectiveOp::ReduceScatter ? n : 1);
  const int64_t recvBytes = count * isz * (c.op == gpu::CollectiveOp::AllGather ? n : 1);
  if (c.op != gpu::CollectiveOp::Recv) {
    c.send = deviceRange(info[2], info[3].As<Napi::Number>().Int64Value(), sendBytes, dev, name, "input");
    used.push_back(flint::storageOf(info[2], name));
  }
  if (c.op != gpu::CollectiveOp::Send) {
    c.recv = deviceRange(info[4], info[5].As<Napi::Number>().Int64Value(), recvBytes, dev, name, "output");
    used.push_back(flint::storageOf(info[4], name));
  }
  gpu::setCurrentDevice(dev);
  c.computeStream = gpu::streamNativeHandle(gpu::currentStreamId());
  return c;
}

// the blocks are used on the communication stream too: not reused before it is done with them
void recordUse(Record& r, const std::vector<Storage*>& used) {
  for (Storage* s : used) gpu::recordStreamUse(s->ptr, r.comm->device(), r.comm->streamId());
}

Napi::Value Collective(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto r = recordOf(info[0]);
    std::vector<Storage*> used;
    const gpu::CollectiveCall c = collectiveCall(info, *r, used);
    const uint64_t ticket = r->comm->collective(c);
    recordUse(*r, used);
    return Napi::Number::New(env, (double)track(env, *r, ticket));
  });
}

Napi::Value CollectiveSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto r = recordOf(info[0]);
    const int64_t timeoutMs = info[10].As<Napi::Number>().Int64Value();
    if (timeoutMs < 1) fail(ErrorKind::Value, "nccl: timeoutMs must be at least 1");
    std::vector<Storage*> used;
    const gpu::CollectiveCall c = collectiveCall(info, *r, used);
    std::string message;
    // recorded after the wait, where the asynchronous path records right after submitting: nothing
    // can be freed meanwhile (this thread is the one that frees)
    const gpu::Communicator::Queued q = r->comm->collectiveQueued(c, timeoutMs, &message);
    recordUse(*r, used);
    if (q == gpu::Communicator::Queued::Failed) fail(ErrorKind::Flint, message);
    return Napi::Boolean::New(env, q == gpu::Communicator::Queued::Yes);
  });
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto r = recordOf(info[0]);
    return Napi::Number::New(env, (double)track(env, *r, r->comm->synchronize()));
  });
}

Napi::Value Destroy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto r = recordOf(info[0]);
    return Napi::Number::New(env, (double)track(env, *r, r->comm->destroy()));
  });
}

Napi::Value Abort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  guarded(env, [&]() -> int {
    auto r = recordOf(info[0]);
    r->comm->abort(info[1].ToString().Utf8Value());
    return 0;
  });
  return env.Undefined();
}

Napi::Value Stream(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value { return Napi::Number::New(env, recordOf(info[0])->comm->streamId()); });
}

// After destroy (destroyStream: the stream is idle) or abort (the stream is left: it may never drain).
Napi::Value Release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  guarded(env, [&]() -> int {
    const int id = info[0].As<Napi::Number>().Int32Value();
    auto it = gComms.find(id);
    if (it == gComms.end()) return 0;
    std::shared_ptr<Record> r = it->second;
    gComms.erase(it);
    r->released = true;
    r->tsfn.Unref(env);
    const int stream = r->comm->streamId();
    if (info[1].ToBoolean()) gpu::streamDestroy(stream);
    // the Communicator's state (its thread, and the callbacks holding the tsfn, which is never
    // released) lives on while a thread still blocked in NCCL may report late
    r.reset();
    return 0;
  });
  return env.Undefined();
}

}  // namespace

void registerNcclBindings(Napi::Env env, Napi::Object exports) {
  const std::pair<const char*, Napi::Value (*)(const Napi::CallbackInfo&)> fns[] = {
      {"ncclInfo", Info}, {"ncclCommCreate", Create}, {"ncclCommUniqueId", UniqueId}, {"ncclCommInit", Init},
      {"ncclCommCollective", Collective}, {"ncclCommCollectiveSync", CollectiveSync}, {"ncclCommSynchronize", Synchronize}, {"ncclCommDestroy", Destroy},
      {"ncclCommAbort", Abort}, {"ncclCommStream", Stream}, {"ncclCommRelease", Release},
  };
  for (auto& f : fns) exports.Set(f.first, Napi::Function::New(env, f.second, f.first));
  env.AddCleanupHook([]() { gClosing = true; });
}
