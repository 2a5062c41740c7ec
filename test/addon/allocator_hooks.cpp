// allocator_hooks.cpp — test hooks of flintml_test.node (test/caching-allocator.test.ts): drive a
// gpu::CachingAllocator over a fake device, so that CI checks the allocator's logic on the CPU.
// Not part of the public API; the exports start with an underscore:
//
//   _fakeAllocatorCreate({ capacity, limit?: number | string, limitFromEnv?: bool,
//                          onOutOfMemory?: (bytes) => void }) -> id
//   _fakeAllocatorOp(id, { op, ... }) -> result, where op is one of
//     alloc {bytes, stream} -> {ptr, size}     free {ptr}          recordStream {ptr, stream}
//     completeStream {stream}  (all work queued on the stream so far is done)
//     failDevice {count}       (the next `count` raw allocations fail; -1: all, 0: none)
//     emptyCache   resetPeak   setLimit {bytes}   stats -> {...allocator, memoryLimit, device: {...}}
//     snapshot -> [{ptr, size, stream, small, blocks: [{ptr, size, state}]}]
//   _fakeAllocatorDestroy(id)
//
// The fake device hands out addresses (never memory: nothing is read or written) from a range
// that starts at 2^40, with a gap after each segment so that neighbouring segments never touch.
// Its events complete only when the test says completeStream, or when the allocator waits on one
// (eventSynchronize: the host blocks until the stream got there, which the fake does at once).
#include "hooks.h"
#include <map>
#include <memory>
#include <set>
#include <string>
#include "core/error.h"
#include "gpu/caching_allocator.h"
#include "addon/js_errors.h"

using namespace flint;
using namespace flint::gpu;

namespace {

class FakeDevice : public DeviceMemory {
 public:
  struct Event { StreamId stream = 0; uint64_t ticket = 0; };
  explicit FakeDevice(size_t capacity) : capacity_(capacity) {}
  ~FakeDevice() override {
    for (Event* e : events_) delete e;
  }

  std::string name() const override { return "fake device"; }
  void* rawAlloc(size_t bytes) override {
    if (failNext != 0) {
      if (failNext > 0) failNext--;
      return nullptr;
    }
    if (used + bytes > capacity_) return nullptr;
    uintptr_t p = next_;
    next_ += (bytes + kRoundLarge - 1) / kRoundLarge * kRoundLarge + kRoundLarge;
    raw_[p] = bytes;
    used += bytes;
    rawAllocs++;
    return reinterpret_cast<void*>(p);
  }
  void rawFree(void* ptr) override {
    auto it = raw_.find(reinterpret_cast<uintptr_t>(ptr));
    if (it == raw_.end()) { badCalls++; return; }
    used -= it->second;
    raw_.erase(it);
    rawFrees++;
  }
  EventId eventCreate() override {
    Event* e = new Event;
    events_.insert(e);
    return e;
  }
  void eventRecord(EventId id, StreamId s) override {
    Event* e = check(id);
    if (!e) return;
    e->stream = s;
    e->ticket = ++streams_[s].submitted;
  }
  bool eventQuery(EventId id) override {
    Event* e = check(id);
    return !e || streams_[e->stream].completed >= e->ticket;
  }
  void eventSynchronize(EventId id) override {
    Event* e = check(id);
    if (!e) return;
    syncs++;
    uint64_t& done = streams_[e->stream].completed;
    if (done < e->ticket) done = e->ticket;
  }
  void eventDestroy(EventId id) override {
    Event* e = check(id);
    if (!e) return;
    events_.erase(e);
    delete e;
  }
  void completeStream(StreamId s) { streams_[s].completed = streams_[s].submitted; }
  size_t liveEvents() const { return events_.size(); }

  size_t used = 0;
  int64_t rawAllocs = 0, rawFrees = 0, badCalls = 0, syncs = 0, failNext = 0;

 private:
  Event* check(EventId id) {
    Event* e = static_cast<Event*>(id);
    if (!events_.count(e)) { badCalls++; return nullptr; }
    return e;
  }
  struct Stream { uint64_t submitted = 0, completed = 0; };
  size_t capacity_;
  uintptr_t next_ = uintptr_t(1) << 40;
  std::map<uintptr_t, size_t> raw_;
  std::map<StreamId, Stream> streams_;
  std::set<Event*> events_;
};

struct Instance {
  explicit Instance(size_t capacity) : device(capacity) {}
  FakeDevice device;  // declared first: outlives the allocator
  std::unique_ptr<CachingAllocator> alloc;
  Napi::FunctionReference onOom;
  int busy = 0;       // > 0 while a call is running (the callback may re-enter)
};

std::map<int, std::unique_ptr<Instance>> gInstances;
int gNextId = 1;

double number(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) fail(ErrorKind::Value, std::string("_fakeAllocatorOp: '") + key + "' must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

void* ptrOf(const Napi::Object& o) { return reinterpret_cast<void*>((uintptr_t)number(o, "ptr")); }

Instance& instanceOf(const Napi::Value& v) {
  auto it = v.IsNumber() ? gInstances.find(v.As<Napi::Number>().Int32Value()) : gInstances.end();
  if (it == gInstances.end()) fail(ErrorKind::Value, "_fakeAllocatorOp: no such fake allocator");
  return *it->second;
}

Napi::Value Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsObject()) fail(ErrorKind::Value, "_fakeAllocatorCreate: expected a config object");
    Napi::Object cfg = info[0].As<Napi::Object>();
    auto inst = std::make_unique<Instance>((size_t)number(cfg, "capacity"));
    size_t limit = 0;
    Napi::Value l = cfg.Get("limit");
    if (l.IsNumber()) limit = (size_t)l.As<Napi::Number>().DoubleValue();
    else if (l.IsString()) limit = parseMemorySize(l.As<Napi::String>().Utf8Value(), "limit");
    if (cfg.Get("limitFromEnv").ToBoolean()) limit = memoryLimitFromEnv();
    inst->alloc = std::make_unique<CachingAllocator>(inst->device, limit);
    Napi::Value cb = cfg.Get("onOutOfMemory");
    if (cb.IsFunction()) {
      inst->onOom = Napi::Persistent(cb.As<Napi::Function>());
      Instance* self = inst.get();
      inst->alloc->setOutOfMemoryCallback([self, env](size_t bytes) {
        self->onOom.Call({Napi::Number::New(env, (double)bytes)});  // a JS throw propagates as Napi::Error
      });
    }
    int id = gNextId++;
    gInstances[id] = std::move(inst);
    return Napi::Number::New(env, id);
  });
}

Napi::Object statsObject(Napi::Env env, Instance& in) {
  AllocatorStats st = in.alloc->stats();
  Napi::Object o = Napi::Object::New(env);
  auto set = [&](const char* k, double v) { o.Set(k, Napi::Number::New(env, v)); };
  set("allocatedBytes", (double)st.allocatedBytes);
  set("reservedBytes", (double)st.reservedBytes);
  set("peakAllocatedBytes", (double)st.peakAllocatedBytes);
  set("peakReservedBytes", (double)st.peakReservedBytes);
  set("numAllocs", (double)st.numAllocs);
  set("numFrees", (double)st.numFrees);
  set("cacheHits", (double)st.cacheHits);
  set("cacheMisses", (double)st.cacheMisses);
  set("numSegments", (double)st.numSegments);
  set("numOoms", (double)st.numOoms);
  set("memoryLimit", (double)in.alloc->memoryLimit());
  Napi::Object d = Napi::Object::New(env);
  d.Set("usedBytes", Napi::Number::New(env, (double)in.device.used));
  d.Set("rawAllocs", Napi::Number::New(env, (double)in.device.rawAllocs));
  d.Set("rawFrees", Napi::Number::New(env, (double)in.device.rawFrees));
  d.Set("syncs", Napi::Number::New(env, (double)in.device.syncs));
  d.Set("badCalls", Napi::Number::New(env, (double)in.device.badCalls));
  d.Set("liveEvents", Napi::Number::New(env, (double)in.device.liveEvents()));
  o.Set("device", d);
  return o;
}

Napi::Value snapshotArray(Napi::Env env, Instance& in) {
  static const char* states[] = {"allocated", "free", "pendingFree"};
  Napi::Array segs = Napi::Array::New(env);
  uint32_t i = 0;
  for (const SegmentInfo& s : in.alloc->snapshot()) {
    Napi::Object so = Napi::Object::New(env);
    so.Set("ptr", Napi::Number::New(env, (double)s.ptr));
    so.Set("size", Napi::Number::New(env, (double)s.size));
    so.Set("stream", Napi::Number::New(env, (double)s.stream));
    so.Set("small", Napi::Boolean::New(env, s.small));
    Napi::Array blocks = Napi::Array::New(env);
    uint32_t j = 0;
    for (const BlockInfo& b : s.blocks) {
      Napi::Object bo = Napi::Object::New(env);
      bo.Set("ptr", Napi::Number::New(env, (double)b.ptr));
      bo.Set("size", Napi::Number::New(env, (double)b.size));
      bo.Set("state", Napi::String::New(env, states[b.state]));
      blocks.Set(j++, bo);
    }
    so.Set("blocks", blocks);
    segs.Set(i++, so);
  }
  return segs;
}

Napi::Value Op(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    Instance& in = instanceOf(info[0]);
    if (!info[1].IsObject()) fail(ErrorKind::Value, "_fakeAllocatorOp: expected an op object");
    Napi::Object o = info[1].As<Napi::Object>();
    std::string op = o.Get("op").ToString().Utf8Value();
    struct Busy {
      int& n;
      explicit Busy(int& c) : n(c) { n++; }
      ~Busy() { n--; }
    } busy(in.busy);
    CachingAllocator& a = *in.alloc;
    if (op == "alloc") {
      void* p = a.allocate((size_t)number(o, "bytes"), (StreamId)number(o, "stream"));
      Napi::Object r = Napi::Object::New(env);
      r.Set("ptr", Napi::Number::New(env, (double)reinterpret_cast<uintptr_t>(p)));
      r.Set("size", Napi::Number::New(env, p ? (double)a.blockSize(p) : 0.0));
      return r;
    }
    if (op == "free") a.free(ptrOf(o));
    else if (op == "recordStream") a.recordStream(ptrOf(o), (StreamId)number(o, "stream"));
    else if (op == "completeStream") in.device.completeStream((StreamId)number(o, "stream"));
    else if (op == "failDevice") in.device.failNext = (int64_t)number(o, "count");
    else if (op == "emptyCache") a.emptyCache();
    else if (op == "resetPeak") a.resetPeakStats();
    else if (op == "setLimit") a.setMemoryLimit((size_t)number(o, "bytes"));
    else if (op == "stats") return statsObject(env, in);
    else if (op == "snapshot") return snapshotArray(env, in);
    else fail(ErrorKind::Value, "_fakeAllocatorOp: unknown op '" + op + "'");
    return env.Undefined();
  });
}

Napi::Value Destroy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    Instance& in = instanceOf(info[0]);
    if (in.busy) fail(ErrorKind::Value, "_fakeAllocatorDestroy: the allocator is in use");
    gInstances.erase(info[0].As<Napi::Number>().Int32Value());
    return env.Undefined();
  });
}

}  // namespace

void registerAllocatorHooks(Napi::Env env, Napi::Object exports) {
  exports.Set("_fakeAllocatorCreate", Napi::Function::New(env, Create));
  exports.Set("_fakeAllocatorOp", Napi::Function::New(env, Op));
  exports.Set("_fakeAllocatorDestroy", Napi::Function::New(env, Destroy));
}
