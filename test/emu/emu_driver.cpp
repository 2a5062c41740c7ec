// emu_driver.cpp — a CPU emulation of the NVIDIA CUDA driver (libcuda.so.1) that EXECUTES the
// kernels of native/kernels/*.cu, compiled for the host (see README.md in this folder and
// scripts/build-emu.js). It exports the driver entry points that native/gpu/cuda.cpp resolves,
// with the ABI documented in NVIDIA's CUDA Driver API reference (declared by hand, as in
// native/gpu/cuda.cpp; no CUDA header is used).
//
// Execution model: asynchronous, like a GPU. Every stream (the legacy default stream included) is a
// queue served by its own worker thread: launches, async copies, memsets, event records and
// stream waits are queued and the call returns at once; synchronize calls block, queries do not.
// The legacy default stream synchronizes with blocking streams (not with CU_STREAM_NON_BLOCKING
// ones). A copy from pageable host memory reads it before returning, a copy into pageable memory
// completes before returning; copies from/to cuMemHostAlloc memory happen when the stream gets
// there. cuMemFree and cuMemFreeHost synchronize the device. A kernel that fails (trap, barrier
// deadlock) makes the context unusable: every later call returns CUDA_ERROR_LAUNCH_FAILED.
//
// A launch runs its blocks on up to FLINT_EMU_THREADS OS threads (the worker and pool helpers),
// each running whole blocks one at a time; the threads of a block are fibers on small reusable
// stacks, switched by a hand-written context switch (x86-64; ucontext elsewhere). Threads start in
// order on a "runner" fiber that calls one thread after the other, so a block whose threads never
// wait costs two context switches; a thread that waits at a barrier keeps the runner's stack, and a
// new runner continues with the next threads.
//
// Test aids (environment):
//   FLINT_EMU_SYNC=1                 the old synchronous model: every call runs its work at call
//                                    time on the calling thread; a failed launch returns 719 from
//                                    cuLaunchKernel and later calls work (for debugging).
//   FLINT_EMU_THREADS=<n>            OS threads per launch (default: the CPUs, at most 4).
//   FLINT_EMU_MEMORY=<bytes>[K|M|G]  device memory size (default 2G): allocations beyond it fail with
//                                    CUDA_ERROR_OUT_OF_MEMORY; cuMemGetInfo/cuDeviceTotalMem report it.
//   FLINT_EMU_GUARD=1                every device allocation ends at an inaccessible page, so that a
//                                    kernel reading or writing past its end faults (the SIGSEGV
//                                    handler names the kernel, block and thread, then re-raises).
//   FLINT_EMU_POISON=0               do not fill new device allocations with 0xFF bytes (NaN / -1);
//                                    poisoning (default on, allocations <= 256 MiB) exposes reads of
//                                    memory that was never written.
//   FLINT_EMU_MEMPOOLS=0             report CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED = 0.
//   FLINT_EMU_TRACE=1                print each launch (name, grid, block, time) to stderr.
//   FLINT_EMU_EXEC=0                 the host side alone: launches, memsets over 64 KiB and
//                                    device-to-device copies are checked and counted, not run or
//                                    queued (host<->device copies and small memsets, such as the
//                                    error words', still run), and new allocations are not poisoned,
//                                    so untouched device memory costs no RAM. Results are garbage;
//                                    what it measures is the host's time per op, the launches per
//                                    step and the caching allocator's peak at full model sizes
//                                    (bench/gpu-host.js).
//   FLINT_EMU_STATS=<file>           at exit, write a JSON object to <file>: launches per kernel
//                                    name, memsets and copies (count, bytes) by kind.
//   FLINT_EMU_DRIVER_VERSION=<n>     what cuDriverGetVersion reports (default 13000 = CUDA 13.0).
//   FLINT_EMU_ORDER=shuffle|reverse|forward
//                                    the order in which the threads of a block start, and in which
//                                    a barrier or warp exchange releases them (default shuffle: a
//                                    permutation per block, from FLINT_EMU_SEED, the kernel's name
//                                    and the block index). A GPU promises no order between the
//                                    threads of a block, so a kernel that reads shared memory
//                                    another thread writes without a barrier between them (or
//                                    that relies on warp-synchronous execution without __syncwarp)
//                                    gets an answer that depends on it; forward order (thread 0
//                                    first) hid every such race whose reader has the higher index.
//                                    Blocks, too, are taken forward, reversed or in a permutation
//                                    per launch.
//   FLINT_EMU_SEED=<n>               the shuffle's seed (default 1): the same seed gives the same
//                                    order, so a failure reproduces.
// __shared__ memory, static and dynamic, is filled with 0xFF bytes at the start of every block
// (unless FLINT_EMU_POISON=0), as a GPU gives a block whatever its SM's shared memory held: a kernel
// that reads shared memory before writing it sees NaN / -1, not zeros or the previous block's data.
// Every copy and memset checks, when it is queued, that its device range lies inside ONE live
// allocation (CUDA_ERROR_INVALID_VALUE otherwise, with a message on stderr).
#include <dlfcn.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#define EMU_DRIVER 1  // no threadIdx... macros here: the scheduler fills in EmuBuiltins
#include "emu_cuda.h"
#include "emu_registry.h"

#define EMU_EXPORT extern "C" __attribute__((visibility("default")))
// Thread-local state. Not initial-exec TLS: a module with any initial-exec variable must fit all
// its TLS (the kernels' `__shared__` arrays included) in the static TLS reserve, and dlopen fails.
#define EMU_TLS __thread __attribute__((visibility("hidden")))

// ================================================================================================
// Context switching
// ================================================================================================
#if defined(__x86_64__) && !defined(EMU_USE_UCONTEXT)
// emu_ctx_switch(save, to): saves the callee-saved registers on the current stack, stores the stack
// pointer in *save, and continues the context saved at `to`. MXCSR and the x87 control word are
// not switched (saving them costs more than the rest of the switch): kernels never change them.
asm(R"(
  .text
  .p2align 4
  .type emu_ctx_switch,@function
emu_ctx_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size emu_ctx_switch, .-emu_ctx_switch
  .p2align 4
  .type emu_ctx_start,@function
emu_ctx_start:
  movq %r12, %rdi
  callq *%rbx
  ud2
  .size emu_ctx_start, .-emu_ctx_start
)");
extern "C" void emu_ctx_switch(void** save, void* to) __attribute__((visibility("hidden")));
extern "C" void emu_ctx_start() __attribute__((visibility("hidden")));

namespace {
struct Context {
  void* sp = nullptr;
};
inline void ctxSwitch(Context* save, Context* to) { emu_ctx_switch(&save->sp, to->sp); }
// A context that calls fn(arg) on the stack [base, base + size) (fn must never return).
inline void ctxMake(Context* c, void* base, size_t size, void (*fn)(void*), void* arg) {
  uintptr_t top = ((uintptr_t)base + size) & ~(uintptr_t)15;
  // 6 saved registers and the return address; after `ret` into emu_ctx_start rsp is 16-aligned
  uint64_t* sp = (uint64_t*)(top - 72);
  sp[0] = 0;                   // r15
  sp[1] = 0;                   // r14
  sp[2] = 0;                   // r13
  sp[3] = (uint64_t)arg;       // r12
  sp[4] = (uint64_t)fn;        // rbx
  sp[5] = 0;                   // rbp
  sp[6] = (uint64_t)&emu_ctx_start;  // return address
  c->sp = sp;
}
}  // namespace
#else
#include <ucontext.h>
namespace {
struct Context {
  ucontext_t uc;
};
inline void ctxSwitch(Context* save, Context* to) { swapcontext(&save->uc, &to->uc); }
__thread void (*g_ucFn)(void*);  // per OS thread: several run blocks at once
__thread void* g_ucArg;
void ucEntry() { g_ucFn(g_ucArg); }
inline void ctxMake(Context* c, void* base, size_t size, void (*fn)(void*), void* arg) {
  getcontext(&c->uc);
  c->uc.uc_stack.ss_sp = base;
  c->uc.uc_stack.ss_size = size;
  c->uc.uc_link = nullptr;
  g_ucFn = fn;  // read by ucEntry when the context first runs (right after ctxMake)
  g_ucArg = arg;
  makecontext(&c->uc, ucEntry, 0);
}
}  // namespace
#endif

namespace {

// copies of shuffled values (1..16 bytes): the common sizes without a call to memcpy
inline void copySmall(void* d, const void* s, int size) {
  switch (size) {
    case 4: memcpy(d, s, 4); break;
    case 8: memcpy(d, s, 8); break;
    case 16: memcpy(d, s, 16); break;
    default: memcpy(d, s, (size_t)size);
  }
}

using CUresult = int;
constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_INVALID_VALUE = 1;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr CUresult CUDA_ERROR_NOT_INITIALIZED = 3;
constexpr CUresult CUDA_ERROR_INVALID_DEVICE = 101;
constexpr CUresult CUDA_ERROR_INVALID_CONTEXT = 201;
constexpr CUresult CUDA_ERROR_INVALID_HANDLE = 400;
constexpr CUresult CUDA_ERROR_NOT_FOUND = 500;
constexpr CUresult CUDA_ERROR_NOT_READY = 600;
constexpr CUresult CUDA_ERROR_LAUNCH_FAILED = 719;
constexpr CUresult CUDA_ERROR_NOT_SUPPORTED = 801;
constexpr CUresult CUDA_ERROR_ILLEGAL_STATE = 401;
constexpr CUresult CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900;
constexpr CUresult CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901;
constexpr CUresult CUDA_ERROR_STREAM_CAPTURE_ISOLATION = 905;
constexpr CUresult CUDA_ERROR_CAPTURED_EVENT = 907;

void warn(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char buf[1024];
  int n = snprintf(buf, sizeof buf, "flintml emu: ");
  vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
  va_end(ap);
  // one write per message: lines of different threads do not interleave
  fprintf(stderr, "%s\n", buf);
}

bool envFlag(const char* name, bool dflt) {
  const char* v = getenv(name);
  if (!v || !*v) return dflt;
  return !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

// The file name of a source path (for messages that name a kernel's line).
const char* baseName(const char* path) {
  const char* b = strrchr(path, '/');
  return b ? b + 1 : path;
}

// FLINT_EMU_ORDER / FLINT_EMU_SEED / FLINT_EMU_POISON for the block scheduler, read once.
enum Order : uint8_t { O_FORWARD, O_REVERSE, O_SHUFFLE };
struct SchedConfig {
  Order order = O_SHUFFLE;
  uint64_t seed = 1;
  bool poison = true;  // fill __shared__ memory with 0xFF at the start of each block
};
const SchedConfig& schedConfig() {
  static const SchedConfig c = [] {
    SchedConfig r;
    const char* o = getenv("FLINT_EMU_ORDER");
    if (o && *o) {
      if (strcmp(o, "forward") == 0) r.order = O_FORWARD;
      else if (strcmp(o, "reverse") == 0) r.order = O_REVERSE;
      else if (strcmp(o, "shuffle") == 0) r.order = O_SHUFFLE;
      else warn("FLINT_EMU_ORDER=%s: expected shuffle, reverse or forward; using shuffle", o);
    }
    const char* sd = getenv("FLINT_EMU_SEED");
    if (sd && *sd) r.seed = strtoull(sd, nullptr, 0);
    r.poison = envFlag("FLINT_EMU_POISON", true);
    return r;
  }();
  return c;
}
inline uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
// Shuffles a[0..n) (Fisher-Yates) with the block's generator.
inline void shuffleInts(int* a, int n, uint64_t& rng) {
  for (int i = n - 1; i > 0; i--) {
    const int j = (int)(splitmix64(rng) % (uint64_t)(i + 1));
    const int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

// ================================================================================================
// The block scheduler (one per OS thread that runs blocks)
// ================================================================================================
constexpr size_t kStackSize = EMU_STACK_SIZE;  // virtual, aligned to its size; pages are touched on demand
constexpr int kMaxThreads = 1024;

enum WaitKind : uint8_t { W_NONE, W_BLOCK, W_WARP };

struct alignas(16) Thread {
  Context ctx;
  uint3 idx;
  WaitKind wait;
  uint8_t op;  // warp exchange: 0 value, 1 ballot
  int8_t src;  // warp exchange: source lane (-1 none)
  int size;
  unsigned mask;
  int pred;
  unsigned char pub[16];  // published value
  unsigned char res[16];  // received value / reduction result
};

struct Warp {
  unsigned live = 0;     // lanes not exited
  unsigned arrived = 0;  // lanes waiting in an exchange
};

struct Stack {
  void* mapBase = nullptr;  // the mapping: kStackSize bytes aligned to kStackSize, guard page first
  void* base = nullptr;     // lowest usable address
  EmuBuiltins* hdr = nullptr;  // at the top of the stack (see emu_builtins()), the stack below it
};

// What the threads of a block run (one per OS thread and launch).
struct Launch {
  const emu::KernelEntry* kernel = nullptr;
  void** params = nullptr;
  const char* error = nullptr;  // set by a trap or a deadlock
  char errorText[256];
};

struct Scheduler {
  // the block being run
  int n = 0;  // threads per block
  Thread threads[kMaxThreads];
  Warp warps[kMaxThreads / 32];
  int cur = -1;
  int nextUnstarted = 0;
  int live = 0, done = 0;
  // block barrier
  int blockArrived = 0;
  const char* blockFile = "";  // where the first waiter called __syncthreads (source file and line)
  int blockLine = 0;
  int blockAcc = 0;
  int nBlockWaiters = 0;
  int blockWaiters[kMaxThreads];
  // ready queue (threads released from a barrier)
  int readyQ[kMaxThreads];
  int readyHead = 0, readyCount = 0;
  // fibers
  Context sched;
  std::vector<Stack> stacks;
  std::vector<int> freeStacks;
  std::vector<uint8_t> stackInUse;  // by a fiber of the block being run
  size_t pageSize = (size_t)sysconf(_SC_PAGESIZE);
  bool aborted = false;
  Launch* launch = nullptr;
  std::vector<unsigned char> dynShared;
  // thread order (FLINT_EMU_ORDER): order[k] is the k-th thread to start
  int order[kMaxThreads];
  uint64_t rng = 0;              // the block's shuffle state (splitmix64)
  uint64_t kernelHash = 0;       // of the running kernel's name
  // static __shared__ variables already poisoned in this block (emu_shared_fresh)
  std::vector<void*> freshShared;
  // the block's built-in variables (copied into each fiber's EmuBuiltins)
  uint3 blockIdx{0, 0, 0};
  dim3 blockDim, gridDim;

  void pushReady(int i) {
    readyQ[(readyHead + readyCount) & (kMaxThreads - 1)] = i;
    readyCount++;
  }
  int popReady() {
    const int i = readyQ[readyHead];
    readyHead = (readyHead + 1) & (kMaxThreads - 1);
    readyCount--;
    return i;
  }
  int allocStack() {
    if (!freeStacks.empty()) {
      const int s = freeStacks.back();
      freeStacks.pop_back();
      return s;
    }
    const size_t page = pageSize;
    // map twice the size and keep the aligned middle
    char* m = (char*)mmap(nullptr, 2 * kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == (char*)MAP_FAILED) {
      warn("cannot map a fiber stack");
      abort();
    }
    char* a = (char*)(((uintptr_t)m + kStackSize - 1) & ~(uintptr_t)(kStackSize - 1));
    if (a > m) munmap(m, (size_t)(a - m));
    if (a + kStackSize < m + 2 * kStackSize) munmap(a + kStackSize, (size_t)(m + 2 * kStackSize - (a + kStackSize)));
    mprotect(a, page, PROT_NONE);  // overflow guard
    Stack st;
    st.mapBase = a;
    st.base = a + page;
    st.hdr = (EmuBuiltins*)(a + kStackSize - 64 - (((uintptr_t)a / kStackSize) & 1023) * 64);  // see emu_builtins()
    st.hdr->scheduler = this;
    stacks.push_back(st);
    stackInUse.push_back(0);
    return (int)stacks.size() - 1;
  }
  ~Scheduler() {
    for (auto& s : stacks) munmap(s.mapBase, kStackSize);
  }
};

// The scheduler of this OS thread (created when it first runs a block).
EMU_TLS Scheduler* tSched;
// The scheduler of the running fiber (kernel code only: found through its stack's header).
inline Scheduler& fiberSched() { return *static_cast<Scheduler*>(emu_builtins()->scheduler); }
#define S fiberSched()
// The kernel this OS thread is running, for the SIGSEGV handler of FLINT_EMU_GUARD=1.
EMU_TLS const char* tRunningKernel;

inline void setCurrent(Scheduler& s, int i) { s.cur = i; }

void threadExited(Scheduler& s, int i);

// The body of a runner fiber: runs not-yet-started threads one after the other.
void runnerMain(void* stackId) {
  const int myStack = (int)(intptr_t)stackId;
  Scheduler& s = S;
  EmuBuiltins* const hdr = s.stacks[myStack].hdr;
  hdr->blockIdx = s.blockIdx;
  hdr->blockDim = s.blockDim;
  hdr->gridDim = s.gridDim;
  const emu::Trampoline call = s.launch->kernel->call;
  void** const params = s.launch->params;
  while (s.nextUnstarted < s.n && !s.aborted) {
    const int i = s.order[s.nextUnstarted++];
    s.threads[i].wait = W_NONE;
    setCurrent(s, i);
    hdr->threadIdx = s.threads[i].idx;
    call(params);
    threadExited(s, s.cur);
  }
  // This stack is free as soon as we leave it (the switch below saves nothing that is read again);
  // continue with a released thread directly when there is one.
  s.stackInUse[(size_t)myStack] = 0;
  s.freeStacks.push_back(myStack);
  Context dummy;
  if (s.readyCount > 0 && !s.aborted) {
    const int i = s.popReady();
    setCurrent(s, i);
    ctxSwitch(&dummy, &s.threads[i].ctx);
  } else {
    ctxSwitch(&dummy, &s.sched);
  }
  __builtin_unreachable();
}

// Prepares a runner fiber (on a free stack) in *c.
void startRunner(Scheduler& s, Context* c) {
  const int st = s.allocStack();
  s.stackInUse[(size_t)st] = 1;
  const Stack& k = s.stacks[st];
  ctxMake(c, k.base, (size_t)((char*)k.hdr - (char*)k.base), runnerMain, (void*)(intptr_t)st);
}

// Suspends the running thread until a barrier releases it.
void waitHere(Scheduler& s) {
  Thread& t = s.threads[s.cur];
  if (s.readyCount > 0) {  // straight to the next released thread, without the scheduler's round trip
    const int i = s.popReady();
    setCurrent(s, i);
    ctxSwitch(&t.ctx, &s.threads[i].ctx);
  } else if (s.nextUnstarted < s.n) {  // straight to a new runner for the threads not started yet
    Context c;
    startRunner(s, &c);
    ctxSwitch(&t.ctx, &c);
  } else {
    ctxSwitch(&t.ctx, &s.sched);
  }
  // resumed: the scheduler has made this thread current again
  if (s.aborted) {  // a trap in another thread: never continue (the scheduler abandons us)
    Context dummy;
    ctxSwitch(&dummy, &s.sched);
  }
}

void releaseBlock(Scheduler& s) {
  const int result = s.blockAcc;
  const int cur = s.cur;
  // they resume in arrival order (which follows the start order), or in a new random order
  if (schedConfig().order == O_SHUFFLE) shuffleInts(s.blockWaiters, s.nBlockWaiters, s.rng);
  for (int k = 0; k < s.nBlockWaiters; k++) {
    const int w = s.blockWaiters[k];
    Thread& t = s.threads[w];
    memcpy(t.res, &result, sizeof result);
    t.wait = W_NONE;
    if (w != cur) s.pushReady(w);
  }
  s.nBlockWaiters = 0;
  s.blockArrived = 0;
}

void releaseWarp(Scheduler& s, int wi, unsigned group) {
  Warp& w = s.warps[wi];
  const int base = wi * 32;
  Thread* const th = s.threads + base;
  unsigned ballot = 0;
  for (unsigned m = group; m; m &= m - 1) {
    const int lane = __builtin_ctz(m);
    if (th[lane].pred) ballot |= 1u << lane;
  }
  const int nInWarp = s.n - base;  // lanes that exist (may exceed 32)
  // the released lanes resume in the scheduler's order: ascending, descending or shuffled
  int lanes[32];
  int nl = 0;
  for (unsigned m = group; m; m &= m - 1) lanes[nl++] = __builtin_ctz(m);
  const Order order = schedConfig().order;
  if (order == O_REVERSE) std::reverse(lanes, lanes + nl);
  else if (order == O_SHUFFLE) shuffleInts(lanes, nl, s.rng);
  for (int k = 0; k < nl; k++) {
    const int lane = lanes[k];
    Thread& t = th[lane];
    if (t.op == 1) memcpy(t.res, &ballot, sizeof ballot);
    else if (t.src >= 0 && t.size > 0) copySmall(t.res, t.src < nInWarp ? th[t.src].pub : t.pub, t.size);
    t.wait = W_NONE;
    if (base + lane != s.cur) s.pushReady(base + lane);
  }
  w.arrived &= ~group;
}

// After lanes exited: any warp group whose remaining live lanes have all arrived is released.
void recheckWarp(Scheduler& s, int wi) {
  Warp& w = s.warps[wi];
  for (bool again = true; again;) {
    again = false;
    for (unsigned m = w.arrived; m; m &= m - 1) {
      const int lane = __builtin_ctz(m);
      const unsigned group = s.threads[wi * 32 + lane].mask & w.live;
      if ((w.arrived & group) == group) {
        releaseWarp(s, wi, group);
        again = true;
        break;
      }
    }
  }
}

void threadExited(Scheduler& s, int i) {
  s.done++;
  s.live--;
  s.warps[i / 32].live &= ~(1u << (i % 32));
  if (s.blockArrived > 0 && s.blockArrived == s.live) releaseBlock(s);
  if (s.warps[i / 32].arrived) recheckWarp(s, i / 32);
}

[[noreturn]] void abortLaunch(const char* why) {
  Scheduler& s = S;
  if (s.cur < 0 || !s.launch) {  // not inside a kernel: cannot happen
    warn("%s (outside a kernel)", why);
    abort();
  }
  snprintf(s.launch->errorText, sizeof s.launch->errorText, "%s", why);
  s.launch->error = s.launch->errorText;
  s.aborted = true;
  Context dummy;
  ctxSwitch(&dummy, &s.sched);
  __builtin_unreachable();
}

// Runs one block (blockIdx set); returns false when the launch was aborted.
bool runBlock(Scheduler& s) {
  s.nextUnstarted = 0;
  s.live = s.n;
  s.done = 0;
  s.blockArrived = 0;
  s.nBlockWaiters = 0;
  s.readyHead = s.readyCount = 0;
  // the order in which threads start (FLINT_EMU_ORDER)
  const SchedConfig& cfg = schedConfig();
  for (int i = 0; i < s.n; i++) s.order[i] = cfg.order == O_REVERSE ? s.n - 1 - i : i;
  if (cfg.order == O_SHUFFLE) {
    s.rng = cfg.seed * 0x9E3779B97F4A7C15ull ^ s.kernelHash ^
            (((uint64_t)s.blockIdx.z << 42) | ((uint64_t)s.blockIdx.y << 21) | s.blockIdx.x) * 0xD1B54A32D192ED03ull;
    shuffleInts(s.order, s.n, s.rng);
  }
  // shared memory holds garbage at the start of a block on a GPU
  s.freshShared.clear();
  if (cfg.poison && !s.dynShared.empty()) memset(s.dynShared.data(), 0xFF, s.dynShared.size());
  const int nw = (s.n + 31) / 32;
  for (int w = 0; w < nw; w++) {
    const int lanes = s.n - w * 32 < 32 ? s.n - w * 32 : 32;
    s.warps[w].live = lanes == 32 ? 0xffffffffu : ((1u << lanes) - 1);
    s.warps[w].arrived = 0;
  }
  while (s.done < s.n && !s.aborted) {
    if (s.readyCount > 0) {
      const int i = s.popReady();
      setCurrent(s, i);
      ctxSwitch(&s.sched, &s.threads[i].ctx);
    } else if (s.nextUnstarted < s.n) {
      Context c;
      startRunner(s, &c);
      ctxSwitch(&s.sched, &c);
    } else {
      int atBlock = 0, atWarp = 0;
      for (int i = 0; i < s.n; i++) {
        atBlock += s.threads[i].wait == W_BLOCK;
        atWarp += s.threads[i].wait == W_WARP;
      }
      snprintf(s.launch->errorText, sizeof s.launch->errorText,
               "deadlock in block (%u,%u,%u): %d thread(s) wait at __syncthreads, %d at a warp shuffle/sync, %d exited",
               s.blockIdx.x, s.blockIdx.y, s.blockIdx.z, atBlock, atWarp, s.done);
      s.launch->error = s.launch->errorText;
      s.aborted = true;
      break;
    }
  }
  s.cur = -1;
  if (s.aborted) {  // abandon every fiber of the block
    for (size_t st = 0; st < s.stacks.size(); st++)
      if (s.stackInUse[st]) {
        s.stackInUse[st] = 0;
        s.freeStacks.push_back((int)st);
      }
    return false;
  }
  return true;
}

// ================================================================================================
// Launches: the blocks of one launch run on up to FLINT_EMU_THREADS OS threads (the thread that
// executes the launch and pool helpers); each OS thread runs whole blocks, one at a time, so that
// `__shared__` (a function-local `static thread_local`) is per block.
// ================================================================================================
struct Job {
  const emu::KernelEntry* kernel = nullptr;
  void** params = nullptr;
  unsigned gx = 1, gy = 1, gz = 1, bx = 1, by = 1, bz = 1, sharedBytes = 0;
  unsigned long long total = 0;
  std::atomic<unsigned long long> next{0};
  std::atomic<bool> failed{false};
  std::mutex errMu;
  std::string error;  // the first failure
  int helpers = 0;    // pool threads inside runBlocks (under Pool::mu)
  // the order in which blocks are taken (FLINT_EMU_ORDER): the n-th block run is
  // (blockMul * n + blockAdd) % total, a bijection (blockMul is coprime to total)
  unsigned long long blockMul = 1, blockAdd = 0;
  uint64_t kernelHash = 0;
};

// FNV-1a of a kernel's name: each kernel its own thread and block orders.
uint64_t nameHash(const char* name) {
  uint64_t h = 1469598103934665603ull;
  for (const char* c = name; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ull;
  return h;
}

// A GPU runs the blocks of a launch in no promised order: forward, reversed or an affine
// permutation (the kernel's and the seed's) per launch, so a kernel that relies on block 0 running
// first, or on blocks finishing in order, gets another answer here too.
void chooseBlockOrder(Job& j) {
  const SchedConfig& cfg = schedConfig();
  j.kernelHash = nameHash(j.kernel->name);
  const unsigned long long t = j.total;
  if (t < 2 || cfg.order == O_FORWARD) return;
  if (cfg.order == O_REVERSE) {
    j.blockMul = t - 1;  // -1 (mod t)
    j.blockAdd = t - 1;
    return;
  }
  uint64_t r = cfg.seed ^ j.kernelHash ^ (t * 0xA24BAED4963EE407ull);
  unsigned long long a = (splitmix64(r) % t) | 1;
  while (std::gcd(a, t) != 1) a += 2;
  j.blockMul = a % t;
  j.blockAdd = splitmix64(r) % t;
}

// Runs blocks of `j` on the calling OS thread until none is left (or the launch failed).
void runBlocks(Job& j) {
  if (!tSched) tSched = new Scheduler;
  Scheduler& s = *tSched;
  if (s.launch) {  // a launch inside a launch: cannot happen from the host
    j.failed = true;
    return;
  }
  Launch launch;
  launch.kernel = j.kernel;
  launch.params = j.params;
  s.launch = &launch;
  s.aborted = false;
  s.n = (int)(j.bx * j.by * j.bz);
  if (j.sharedBytes) s.dynShared.assign(j.sharedBytes, 0xFF);
  int i = 0;
  for (unsigned z = 0; z < j.bz; z++)
    for (unsigned y = 0; y < j.by; y++)
      for (unsigned x = 0; x < j.bx; x++) s.threads[i++].idx = uint3{x, y, z};
  s.blockDim = dim3(j.bx, j.by, j.bz);
  s.gridDim = dim3(j.gx, j.gy, j.gz);
  tRunningKernel = j.kernel->name;
  s.kernelHash = j.kernelHash;
  const unsigned long long gxy = (unsigned long long)j.gx * j.gy;
  while (!j.failed.load(std::memory_order_relaxed)) {
    const unsigned long long b = j.next.fetch_add(1, std::memory_order_relaxed);
    if (b >= j.total) break;
    const unsigned long long bo = j.blockMul == 1 && j.blockAdd == 0
        ? b : (unsigned long long)(((unsigned __int128)j.blockMul * b + j.blockAdd) % j.total);
    s.blockIdx = uint3{(unsigned)(bo % j.gx), (unsigned)(bo % gxy / j.gx), (unsigned)(bo / gxy)};
    if (!runBlock(s)) {
      std::lock_guard<std::mutex> lock(j.errMu);
      if (!j.failed) j.error = launch.error ? launch.error : "aborted";
      j.failed = true;
      break;
    }
  }
  tRunningKernel = nullptr;
  s.launch = nullptr;
}

void setupAltStack();  // for FLINT_EMU_GUARD's SIGSEGV handler, on every thread that runs kernels

// Helper threads that join launches with more than one block.
struct Pool {
  std::mutex mu;
  std::condition_variable work, idle;
  std::vector<Job*> jobs;
  int threads = 1;  // FLINT_EMU_THREADS: OS threads per launch (the launching one included)
  int started = 0;  // helpers running
};
Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: helpers may still wait on it at exit
  return *p;
}

void helperMain() {
  setupAltStack();
  Pool& p = pool();
  std::unique_lock<std::mutex> lock(p.mu);
  for (;;) {
    Job* j = nullptr;
    p.work.wait(lock, [&] {
      for (Job* c : p.jobs)
        if (!c->failed.load(std::memory_order_relaxed) && c->next.load(std::memory_order_relaxed) < c->total) {
          j = c;
          return true;
        }
      return false;
    });
    j->helpers++;
    lock.unlock();
    runBlocks(*j);
    lock.lock();
    if (--j->helpers == 0) p.idle.notify_all();
  }
}

// Runs every block of `j` (the calling thread takes part) and returns when all are done.
void runJob(Job& j) {
  Pool& p = pool();
  const bool shared = p.threads > 1 && j.total > 1;
  if (shared) {
    std::lock_guard<std::mutex> lock(p.mu);
    while (p.started < p.threads - 1) {
      std::thread(helperMain).detach();
      p.started++;
    }
    p.jobs.push_back(&j);
    p.work.notify_all();
  }
  runBlocks(j);
  if (shared) {
    std::unique_lock<std::mutex> lock(p.mu);
    p.jobs.erase(std::find(p.jobs.begin(), p.jobs.end(), &j));
    p.idle.wait(lock, [&] { return j.helpers == 0; });
  }
}

// ================================================================================================
// The kernel registry
// ================================================================================================
struct Registry {
  std::unordered_map<std::string, const emu::KernelEntry*> byName;
  std::vector<std::string> families;
};
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

// ---- device-side primitives (emu_cuda.h) ---------------------------------------------------------
extern "C" {

__attribute__((visibility("hidden"))) void emu_register_kernels(const char* family, const emu::KernelEntry* e, int n) {
  Registry& r = registry();
  r.families.push_back(family);
  for (int i = 0; i < n; i++) r.byName[e[i].name] = &e[i];
}

// `file`:`line`: the barrier's place in the kernel source. CUDA allows __syncthreads in conditional
// code only where the condition is the same for the whole block; threads waiting at two different
// barriers is an error here (a GPU may hang, or let the barriers release each other; compute-
// sanitizer's synccheck reports it), so a kernel with a divergent barrier fails on the emulator too.
// (A barrier in a device function called from two places is one place here: that divergence is not
// seen.)
int emu_syncthreads_at(int op, int pred, const char* file, int line) {
  Scheduler& s = S;
  if (s.cur < 0) abortLaunch("__syncthreads outside a kernel");
  const int me = s.cur;
  Thread& t = s.threads[me];
  if (s.blockArrived == 0) {
    s.blockAcc = op == 1 ? 1 : 0;
    s.blockFile = file;
    s.blockLine = line;
  } else if (line != s.blockLine || (file != s.blockFile && strcmp(file, s.blockFile) != 0)) {
    const uint3 a = s.threads[s.blockWaiters[0]].idx, b = t.idx;
    char why[240];
    snprintf(why, sizeof why,
             "divergent __syncthreads in block (%u,%u,%u): thread (%u,%u,%u) waits at %s:%d, thread (%u,%u,%u) at %s:%d",
             s.blockIdx.x, s.blockIdx.y, s.blockIdx.z, a.x, a.y, a.z, baseName(s.blockFile), s.blockLine, b.x, b.y, b.z,
             baseName(file), line);
    abortLaunch(why);
  }
  if (op == 0) s.blockAcc += pred != 0;
  else if (op == 1) s.blockAcc = s.blockAcc && pred;
  else s.blockAcc = s.blockAcc || pred;
  s.blockArrived++;
  t.wait = W_BLOCK;
  s.blockWaiters[s.nBlockWaiters++] = me;
  if (s.blockArrived == s.live) releaseBlock(s);
  else waitHere(s);
  int r;
  memcpy(&r, t.res, sizeof r);
  return r;
}

static void warpSync(unsigned mask, int op, const void* value, int size, int src, int pred, void* result) {
  Scheduler& s = S;
  const int ti = s.cur;
  Thread& t = s.threads[ti];
  const int wi = ti / 32, lane = ti % 32;
  Warp& w = s.warps[wi];
  mask |= 1u << lane;
  t.op = (uint8_t)op;
  t.src = (int8_t)(src >= 0 && src < 32 ? src : -1);
  t.size = size;
  t.mask = mask;
  t.pred = pred;
  if (value && size > 0) copySmall(t.pub, value, size);
  t.wait = W_WARP;
  w.arrived |= 1u << lane;
  const unsigned group = mask & w.live;
  if ((w.arrived & group) == group) releaseWarp(s, wi, group);
  else waitHere(s);
  if (result && size > 0) copySmall(result, t.res, size);
}

void emu_warp_exchange(unsigned mask, const void* value, int size, int src, void* result) {
  if (S.cur < 0) abortLaunch("warp shuffle outside a kernel");
  if (size > 16) abortLaunch("shuffle of a value larger than 16 bytes");
  warpSync(mask, 0, value, size, src, 0, result);
}

unsigned emu_warp_ballot(unsigned mask, int pred) {
  unsigned r = 0;
  warpSync(mask, 1, nullptr, (int)sizeof r, -1, pred != 0, &r);
  return r;
}

unsigned emu_lane_id() { return (unsigned)(S.cur % 32); }

unsigned emu_active_mask() { return S.cur < 0 ? 0u : S.warps[S.cur / 32].live; }

void* emu_dynamic_shared() { return S.dynShared.empty() ? nullptr : S.dynShared.data(); }
// The checks build-emu.js compiles into kernels (-fsanitize=bounds,shift-exponent,
// float-cast-overflow,integer-divide-by-zero) call these, with g++'s data blocks, whose first member
// is the source location; no sanitizer runtime is linked. Each fails the launch like __trap().
struct UbsanLocation {
  const char* file;
  uint32_t line, column;
};
[[noreturn]] static void ubsanFail(const void* data, const char* what) {
  const UbsanLocation* l = static_cast<const UbsanLocation*>(data);
  Scheduler& s = S;
  const uint3 t = s.cur >= 0 ? s.threads[s.cur].idx : uint3{0, 0, 0};
  char why[240];
  snprintf(why, sizeof why, "%s at %s:%u in block (%u,%u,%u), thread (%u,%u,%u)", what, baseName(l && l->file ? l->file : "?"),
           l ? l->line : 0,
           s.blockIdx.x, s.blockIdx.y, s.blockIdx.z, t.x, t.y, t.z);
  abortLaunch(why);
}
// each check's handler and its _abort twin (-fno-sanitize-recover): the data, then one or two values
// (three parameters for all: a check that passes one value leaves the last unread)
#define EMU_UBSAN(check, what)                                                     \
  void __ubsan_handle_##check(void* d, void*, void*) { ubsanFail(d, what); }       \
  void __ubsan_handle_##check##_abort(void* d, void*, void*) { ubsanFail(d, what); }
EMU_UBSAN(out_of_bounds, "an index past the end of a fixed-size array")
EMU_UBSAN(shift_out_of_bounds, "a shift by a negative count or by the type's width or more")
EMU_UBSAN(float_cast_overflow, "a float-to-integer conversion out of range")
EMU_UBSAN(divrem_overflow, "an integer division by zero")
#undef EMU_UBSAN

// A static __shared__ variable's declaration was reached (build-emu.js adds this call after each):
// the first thread of the block to reach it fills it with 0xFF bytes, as the memory of a GPU block
// starts with whatever the SM held. Later threads (and later passes in the same block) leave it.
void emu_shared_fresh(void* p, unsigned long bytes) {
  Scheduler& s = S;
  if (!schedConfig().poison) return;
  for (void* q : s.freshShared)
    if (q == p) return;
  s.freshShared.push_back(p);
  memset(p, 0xFF, bytes);
}

void emu_trap(const char* why) {
  char text[200];
  const EmuBuiltins* b = emu_builtins();
  snprintf(text, sizeof text, "%s in block (%u,%u,%u), thread (%u,%u,%u)", why, b->blockIdx.x, b->blockIdx.y,
           b->blockIdx.z, b->threadIdx.x, b->threadIdx.y, b->threadIdx.z);
  abortLaunch(text);
}

}  // extern "C"

// ================================================================================================
// The driver
// ================================================================================================
namespace {

struct Alloc {
  size_t size;       // bytes asked for
  void* mapBase;     // what to free / munmap (null: malloc'd at the address itself)
  size_t mapSize;
};

struct CUctx_st { int device; };
struct CUmod_st { bool loaded; };

// ---- streams: a queue of operations served by a worker thread ------------------------------------
struct Queue;
struct Dep {  // "wait until op `seq` of `q` has completed"
  std::shared_ptr<Queue> q;
  uint64_t seq;
};
struct Op {
  uint64_t seq = 0;
  std::vector<Dep> deps;
  std::function<CUresult()> fn;  // runs on the worker; an error is sticky
};
// A stream capture in progress (cuStreamBeginCapture_v2 .. cuStreamEndCapture): the work queued on
// the capturing stream is appended to `nodes` instead of running. Under Engine::mu.
struct Capture {
  int mode = 0;  // CUstreamCaptureMode: 0 global, 1 thread-local, 2 relaxed
  std::thread::id owner;
  std::vector<std::function<CUresult()>> nodes;
  CUresult invalid = CUDA_SUCCESS;  // set by an unsupported or unsafe call: the capture is void
};
struct Queue {
  std::shared_ptr<Capture> capture;  // non-null while the stream captures
  unsigned flags = 0;  // CU_STREAM_NON_BLOCKING (1): no implicit synchronization with the legacy stream
  bool legacy = false;
  std::deque<Op> ops;  // ops[0] is running or next
  uint64_t enqueued = 0, completed = 0;  // op sequence numbers (ops complete in order)
  std::condition_variable cv;  // the worker waits here for work
  bool destroyed = false, workerStarted = false;
};
struct CUstream_st {
  std::shared_ptr<Queue> q;
};
struct CUevent_st {
  unsigned flags;
  // under Engine::mu:
  bool recorded = false;
  std::shared_ptr<Queue> q;  // where it was last recorded, and the record's sequence number
  uint64_t seq = 0;
  uint64_t gen = 0;      // records so far (a pending record of an older one does not stamp)
  std::shared_ptr<Capture> capture;  // recorded into this capture (its last record was captured)
  bool stamped = false;  // the record has executed: `when` is its completion time
  std::chrono::steady_clock::time_point when;
};

// All queue state is guarded by one mutex; completions are broadcast on one condition variable.
struct Engine {
  std::mutex mu;
  std::condition_variable done;
  std::vector<std::shared_ptr<Queue>> queues;  // every queue with a worker or with work (legacy first)
  std::shared_ptr<Queue> legacy;
  bool sync = false;  // FLINT_EMU_SYNC=1: every operation runs at call time on the calling thread
  std::atomic<int> sticky{0};  // a failed asynchronous kernel: the context is unusable
  std::vector<std::shared_ptr<Capture>> captures;  // in progress
};
Engine& E() {
  static Engine* e = new Engine;  // never destroyed: workers may still wait on it at exit
  return *e;
}

struct Driver {
  std::recursive_mutex mu;
  bool initialized = false;
  size_t limit = (size_t)2 << 30;
  std::atomic<size_t> used{0};
  bool guard = false, poison = true, mempools = true, trace = false;
  bool exec = true;                         // FLINT_EMU_EXEC
  std::string statsPath;                    // FLINT_EMU_STATS
  std::map<std::string, uint64_t> launches; // kernel name -> launches (counted when statsPath is set)
  std::map<std::string, std::pair<uint64_t, uint64_t>> transfers;  // "memset", "HtoD", ... -> (count, bytes)
  std::map<uintptr_t, Alloc> allocs;        // live device allocations, by address
  std::map<uintptr_t, size_t> hostAllocs;   // cuMemHostAlloc'd (page-locked) host memory
  std::set<CUmod_st*> modules;
  std::set<CUstream_st*> streams;
  std::map<CUevent_st*, std::shared_ptr<CUevent_st>> events;
  CUctx_st primary{0};
  int primaryRefs = 0;
  std::map<std::string, int> funcAttrs;
  std::vector<std::string> failedFamilies;
};

Driver& D() {
  static Driver* d = new Driver;  // never destroyed: the host may call us during its own teardown
  return *d;
}

thread_local CUctx_st* tCurrent = nullptr;

size_t parseSize(const char* s, size_t dflt) {
  if (!s || !*s) return dflt;
  char* end = nullptr;
  const double v = strtod(s, &end);
  if (end == s || v < 0) return dflt;
  double mul = 1;
  switch (*end) {
    case 'k': case 'K': mul = 1024.0; break;
    case 'm': case 'M': mul = 1024.0 * 1024; break;
    case 'g': case 'G': mul = 1024.0 * 1024 * 1024; break;
    default: break;
  }
  return (size_t)(v * mul);
}

bool validStream(CUstream_st* s) {
  // 0 (legacy default), CU_STREAM_LEGACY (0x1) and CU_STREAM_PER_THREAD (0x2) are always valid
  return (uintptr_t)s <= 2 || D().streams.count(s) > 0;
}

// The queue of a stream handle (validated by the caller). The per-thread default stream is served
// by the legacy stream's queue (a stricter order, hence still a legal schedule).
std::shared_ptr<Queue> queueOf(CUstream_st* s) { return (uintptr_t)s <= 2 ? E().legacy : s->q; }

CUevent_st* findEvent(CUevent_st* e) { return D().events.count(e) ? e : nullptr; }

// The allocation that holds [p, p + bytes), or null.
const Alloc* findRange(uintptr_t p, size_t bytes, uintptr_t* base) {
  auto& m = D().allocs;
  auto it = m.upper_bound(p);
  if (it == m.begin()) return nullptr;
  --it;
  if (p < it->first || p - it->first > it->second.size || bytes > it->second.size - (p - it->first)) return nullptr;
  *base = it->first;
  return &it->second;
}

CUresult checkRange(const char* fn, uintptr_t p, size_t bytes) {
  uintptr_t base = 0;
  if (findRange(p, bytes, &base)) return CUDA_SUCCESS;
  // say what is there, to make the bug easy to find
  auto& m = D().allocs;
  auto it = m.upper_bound(p);
  if (it != m.begin()) {
    --it;
    if (p >= it->first && p - it->first <= it->second.size) {
      warn("%s: device range [0x%llx, +%zu) runs %zu byte(s) past the end of its allocation (0x%llx, %zu bytes)", fn,
           (unsigned long long)p, bytes, (size_t)(p - it->first) + bytes - it->second.size,
           (unsigned long long)it->first, it->second.size);
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  warn("%s: 0x%llx (%zu bytes) is not inside any live device allocation", fn, (unsigned long long)p, bytes);
  return CUDA_ERROR_INVALID_VALUE;
}

// True when [p, p + bytes) lies in page-locked memory from cuMemHostAlloc.
bool isPinned(const void* p, size_t bytes) {
  auto& m = D().hostAllocs;
  auto it = m.upper_bound((uintptr_t)p);
  if (it == m.begin()) return false;
  --it;
  return (uintptr_t)p - it->first <= it->second && bytes <= it->second - ((uintptr_t)p - it->first);
}

#define EMU_LOCK std::lock_guard<std::recursive_mutex> lock_(D().mu)
#define EMU_NEED_INIT \
  if (!D().initialized) return CUDA_ERROR_NOT_INITIALIZED
// A context is current; after a failed kernel every such call reports the failure (as CUDA does).
#define EMU_NEED_CTX                                                  \
  if (!D().initialized) return CUDA_ERROR_NOT_INITIALIZED;            \
  if (!tCurrent) return CUDA_ERROR_INVALID_CONTEXT;                   \
  if (const CUresult sticky_ = E().sticky.load()) return sticky_

// ---- the engine: queues, workers, waits ----------------------------------------------------------
void setupAltStack();

void workerMain(std::shared_ptr<Queue> q) {
  setupAltStack();
  Engine& e = E();
  std::unique_lock<std::mutex> lock(e.mu);
  for (;;) {
    q->cv.wait(lock, [&] { return !q->ops.empty() || q->destroyed; });
    if (q->ops.empty()) break;  // destroyed and drained
    Op& op = q->ops.front();    // stays valid: the deque only grows at the back meanwhile
    e.done.wait(lock, [&] {
      for (const Dep& d : op.deps)
        if (d.q->completed < d.seq) return false;
      return true;
    });
    std::function<CUresult()> fn = std::move(op.fn);
    lock.unlock();
    // after a failure nothing runs any more (a real context is dead); the ops still complete
    const CUresult r = e.sticky.load() ? CUDA_SUCCESS : fn();
    fn = nullptr;  // frees staging buffers and kernel arguments outside the lock
    lock.lock();
    if (r != CUDA_SUCCESS) {
      int expected = 0;
      e.sticky.compare_exchange_strong(expected, r);
    }
    q->ops.pop_front();
    q->completed++;
    e.done.notify_all();
  }
  e.queues.erase(std::find(e.queues.begin(), e.queues.end(), q));
  lock.unlock();
  if (tSched) {  // this thread ends: release its fiber stacks
    delete tSched;
    tSched = nullptr;
  }
}

// Queues `fn` on `q` after `deps` (and the implicit order of the legacy stream); E().mu is held.
// Returns the op's sequence number.
uint64_t enqueueLocked(const std::shared_ptr<Queue>& q, std::function<CUresult()> fn, std::vector<Dep> deps = {}) {
  Engine& e = E();
  if (q->legacy) {
    // the legacy stream waits for the work queued so far on every blocking stream
    for (auto& o : e.queues)
      if (o != q && !(o->flags & 1) && o->enqueued > o->completed) deps.push_back(Dep{o, o->enqueued});
  } else if (!(q->flags & 1)) {
    // a blocking stream waits for the work queued so far on the legacy stream
    if (e.legacy->enqueued > e.legacy->completed) deps.push_back(Dep{e.legacy, e.legacy->enqueued});
  }
  Op op;
  op.seq = ++q->enqueued;
  op.deps = std::move(deps);
  op.fn = std::move(fn);
  q->ops.push_back(std::move(op));
  if (!q->workerStarted) {
    q->workerStarted = true;
    if (std::find(e.queues.begin(), e.queues.end(), q) == e.queues.end()) e.queues.push_back(q);
    std::thread(workerMain, q).detach();
  }
  q->cv.notify_one();
  return q->ops.back().seq;
}

// Queues `fn` on stream `s` (FLINT_EMU_SYNC=1: runs it now and returns its result). *seq: its number.
CUresult enqueue(CUstream_st* s, std::function<CUresult()> fn, uint64_t* seq = nullptr) {
  Engine& e = E();
  {
    std::lock_guard<std::mutex> lock(e.mu);
    if (const std::shared_ptr<Capture> c = queueOf(s)->capture) {  // recorded, not run
      if (c->invalid) return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
      c->nodes.push_back(std::move(fn));
      if (seq) *seq = 0;
      return CUDA_SUCCESS;
    }
  }
  if (e.sync) {
    if (seq) *seq = 0;
    return fn();
  }
  std::lock_guard<std::mutex> lock(e.mu);
  if (const CUresult r = e.sticky.load()) return r;
  const uint64_t n = enqueueLocked(queueOf(s), std::move(fn));
  if (seq) *seq = n;
  return CUDA_SUCCESS;
}

// Blocks until op `seq` of `q` has completed; returns the sticky error, if any.
CUresult waitFor(const std::shared_ptr<Queue>& q, uint64_t seq) {
  Engine& e = E();
  if (e.sync) return CUDA_SUCCESS;
  std::unique_lock<std::mutex> lock(e.mu);
  e.done.wait(lock, [&] { return q->completed >= seq; });
  return e.sticky.load();
}

// Blocks until everything queued so far on every stream has completed.
CUresult waitAll() {
  Engine& e = E();
  if (e.sync) return CUDA_SUCCESS;
  std::unique_lock<std::mutex> lock(e.mu);
  std::vector<Dep> targets;
  for (auto& q : e.queues) targets.push_back(Dep{q, q->enqueued});
  for (auto& t : targets) e.done.wait(lock, [&] { return t.q->completed >= t.seq; });
  return e.sticky.load();
}

bool eventDone(const CUevent_st* ev) { return !ev->recorded || ev->q->completed >= ev->seq; }

// Stream capture. A call that cannot be captured on a capturing stream voids that capture
// (cuStreamEndCapture then fails with CUDA_ERROR_STREAM_CAPTURE_INVALIDATED) and returns `r`.
CUresult invalidate(const std::shared_ptr<Capture>& c, CUresult r) {
  if (!c->invalid) c->invalid = r;
  return r;
}
// The capture of stream `s`, or null (E().mu held).
std::shared_ptr<Capture> captureOf(CUstream_st* s) { return queueOf(s)->capture; }
// A "potentially unsafe" call (one that synchronizes, or frees memory): refused, and the capture
// voided, when a global-mode capture is in progress on any thread, or a thread-local one on this
// thread (CUstreamCaptureMode). Returns 0 when the call may go on.
// The calling thread's mode (cuThreadExchangeStreamCaptureMode): relaxed allows every such call,
// thread-local only refuses it during this thread's own (non-relaxed) capture.
thread_local int tCaptureMode = 0;
CUresult unsafeCall(const char* fn) {
  if (tCaptureMode == 2) return CUDA_SUCCESS;
  std::lock_guard<std::mutex> lock(E().mu);
  for (auto& c : E().captures)
    if (c->owner == std::this_thread::get_id() ? c->mode != 2 : (tCaptureMode == 0 && c->mode == 0)) {
      warn("%s: not permitted while a stream captures (the capture is invalidated)", fn);
      for (auto& o : E().captures) invalidate(o, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
      return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
  return CUDA_SUCCESS;
}

// ---- guard mode: a SIGSEGV handler that says which kernel faulted ----------------------------------
struct sigaction g_oldSegv;

void segvHandler(int sig, siginfo_t* info, void* uctx) {
  const char* k = tRunningKernel;
  if (k) {
    char buf[512];
    const uintptr_t a = (uintptr_t)info->si_addr;
    std::string where;
    {
      // lock-free best effort: scan allocations
      auto& m = D().allocs;
      auto it = m.upper_bound(a);
      if (it != m.begin()) {
        --it;
        const size_t past = a - it->first;
        snprintf(buf, sizeof buf, " (%zu bytes past the start of the %zu-byte allocation at 0x%llx)", past,
                 it->second.size, (unsigned long long)it->first);
        where = buf;
      }
    }
    // (on the signal stack: the fiber's header is not reachable from here, the scheduler is)
    const Scheduler* s = tSched;
    const uint3 bi = s ? s->blockIdx : uint3{0, 0, 0};
    const uint3 ti = s && s->cur >= 0 ? s->threads[s->cur].idx : uint3{0, 0, 0};
    snprintf(buf, sizeof buf,
             "flintml emu: kernel %s faulted at address 0x%llx%s, block (%u,%u,%u), thread (%u,%u,%u)\n", k,
             (unsigned long long)a, where.c_str(), bi.x, bi.y, bi.z, ti.x, ti.y, ti.z);
    ssize_t ignored = write(2, buf, strlen(buf));
    (void)ignored;
  }
  sigaction(SIGSEGV, &g_oldSegv, nullptr);
  (void)sig;
  (void)uctx;
  // returning re-executes the faulting access under the previous handler (default: core dump)
}

// Signal handlers run on an alternate stack (a fiber's stack may be the one that overflowed).
void setupAltStack() {
  if (!D().guard) return;
  const size_t size = 64 << 10;
  stack_t ss{};
  ss.ss_sp = malloc(size);  // lives as long as the thread (workers and helpers rarely end)
  ss.ss_size = size;
  if (ss.ss_sp) sigaltstack(&ss, nullptr);
}

void installSegvHandler() {
  static bool done = false;
  if (done) return;
  done = true;
  setupAltStack();
  struct sigaction sa {};
  sa.sa_sigaction = segvHandler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &g_oldSegv);
}

const char* errorName(CUresult e) {
  switch (e) {
    case 0: return "CUDA_SUCCESS";
    case 1: return "CUDA_ERROR_INVALID_VALUE";
    case 2: return "CUDA_ERROR_OUT_OF_MEMORY";
    case 3: return "CUDA_ERROR_NOT_INITIALIZED";
    case 4: return "CUDA_ERROR_DEINITIALIZED";
    case 100: return "CUDA_ERROR_NO_DEVICE";
    case 101: return "CUDA_ERROR_INVALID_DEVICE";
    case 200: return "CUDA_ERROR_INVALID_IMAGE";
    case 201: return "CUDA_ERROR_INVALID_CONTEXT";
    case 209: return "CUDA_ERROR_NO_BINARY_FOR_GPU";
    case 400: return "CUDA_ERROR_INVALID_HANDLE";
    case 500: return "CUDA_ERROR_NOT_FOUND";
    case 600: return "CUDA_ERROR_NOT_READY";
    case 700: return "CUDA_ERROR_ILLEGAL_ADDRESS";
    case 701: return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
    case 719: return "CUDA_ERROR_LAUNCH_FAILED";
    case 801: return "CUDA_ERROR_NOT_SUPPORTED";
    case 401: return "CUDA_ERROR_ILLEGAL_STATE";
    case 900: return "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
    case 901: return "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED";
    case 905: return "CUDA_ERROR_STREAM_CAPTURE_ISOLATION";
    case 907: return "CUDA_ERROR_CAPTURED_EVENT";
    default: return nullptr;
  }
}
const char* errorString(CUresult e) {
  switch (e) {
    case 0: return "no error";
    case 1: return "invalid argument";
    case 2: return "out of memory";
    case 3: return "initialization error";
    case 4: return "driver shutting down";
    case 35: return "CUDA driver version is insufficient for CUDA runtime version";
    case 100: return "no CUDA-capable device is detected";
    case 101: return "invalid device ordinal";
    case 200: return "device kernel image is invalid";
    case 201: return "invalid device context";
    case 209: return "no kernel image is available for execution on the device";
    case 400: return "invalid resource handle";
    case 500: return "named symbol not found";
    case 600: return "device not ready";
    case 700: return "an illegal memory access was encountered";
    case 701: return "too many resources requested for launch";
    case 719: return "unspecified launch failure";
    case 801: return "operation not supported";
    case 401: return "the operation cannot be performed in the present state";
    case 900: return "operation not permitted when stream is capturing";
    case 901: return "operation failed due to a previous error during capture";
    case 905: return "dependency created on uncaptured work in another stream";
    case 907: return "operation not permitted on an event last recorded in a capturing stream";
    default: return nullptr;
  }
}

// FLINT_EMU_EXEC=0 still runs memsets up to this size (the error words the host reads back).
constexpr size_t kExecMemsetBytes = 64 << 10;

// FLINT_EMU_STATS: a memset or copy of `bytes` (under the driver's lock).
void countTransfer(const char* kind, size_t bytes) {
  Driver& d = D();
  if (d.statsPath.empty()) return;
  auto& c = d.transfers[kind];
  c.first++;
  c.second += bytes;
}

// FLINT_EMU_STATS: {"exec": bool, "launches": {name: n, ...}, "launchTotal": n, "transfers": {kind: [n, bytes]}}
void writeStats() {
  Driver& d = D();
  std::unique_lock<std::recursive_mutex> lock(d.mu, std::try_to_lock);  // never wait at exit
  FILE* f = fopen(d.statsPath.c_str(), "w");
  if (!f) return;
  uint64_t total = 0;
  fprintf(f, "{\"exec\": %s, \"launches\": {", d.exec ? "true" : "false");
  const char* sep = "";
  for (auto& kv : d.launches) {
    fprintf(f, "%s\"%s\": %llu", sep, kv.first.c_str(), (unsigned long long)kv.second);
    total += kv.second;
    sep = ", ";
  }
  fprintf(f, "}, \"launchTotal\": %llu, \"transfers\": {", (unsigned long long)total);
  sep = "";
  for (auto& kv : d.transfers) {
    fprintf(f, "%s\"%s\": [%llu, %llu]", sep, kv.first.c_str(), (unsigned long long)kv.second.first,
            (unsigned long long)kv.second.second);
    sep = ", ";
  }
  fprintf(f, "}}\n");
  fclose(f);
}

}  // namespace

// Families that failed to build for the host (a weak default; build-emu.js links a generated list).
extern "C" __attribute__((weak, visibility("hidden"))) const char* const emu_failed_families[] = {nullptr};

// ---- initialization, version, errors -------------------------------------------------------------------
EMU_EXPORT CUresult cuInit(unsigned int flags) {
  if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  Driver& d = D();
  if (!d.initialized) {
    d.limit = parseSize(getenv("FLINT_EMU_MEMORY"), (size_t)2 << 30);
    d.guard = envFlag("FLINT_EMU_GUARD", false);
    d.exec = envFlag("FLINT_EMU_EXEC", true);
    d.poison = envFlag("FLINT_EMU_POISON", d.exec);
    if (const char* st = getenv("FLINT_EMU_STATS")) {
      d.statsPath = st;
      if (!d.statsPath.empty()) atexit(writeStats);
    }
    d.mempools = envFlag("FLINT_EMU_MEMPOOLS", true);
    d.trace = envFlag("FLINT_EMU_TRACE", false);
    for (const char* const* f = emu_failed_families; *f; f++) d.failedFamilies.push_back(*f);
    if (d.guard) installSegvHandler();
    Engine& e = E();
    e.sync = envFlag("FLINT_EMU_SYNC", false);
    e.legacy = std::make_shared<Queue>();
    e.legacy->legacy = true;
    e.queues.push_back(e.legacy);
    // OS threads per launch: FLINT_EMU_THREADS, else the CPUs this process may use (at most 4)
    const char* t = getenv("FLINT_EMU_THREADS");
    int n = t && *t ? atoi(t) : 0;
    if (n <= 0) {
      cpu_set_t set;
      n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : (int)std::thread::hardware_concurrency();
      n = std::max(1, std::min(n, 4));
    }
    pool().threads = std::min(n, 64);
    d.initialized = true;
  }
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuDriverGetVersion(int* v) {
  if (!v) return CUDA_ERROR_INVALID_VALUE;
  // FLINT_EMU_DRIVER_VERSION=12020: report an older driver, to test which kernel image set is chosen
  const char* e = getenv("FLINT_EMU_DRIVER_VERSION");
  *v = e && *e ? atoi(e) : 13000;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuGetErrorName(CUresult e, const char** s) {
  if (!s) return CUDA_ERROR_INVALID_VALUE;
  *s = errorName(e);
  return *s ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}
EMU_EXPORT CUresult cuGetErrorString(CUresult e, const char** s) {
  if (!s) return CUDA_ERROR_INVALID_VALUE;
  *s = errorString(e);
  return *s ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

// ---- devices ------------------------------------------------------------------------------------------
EMU_EXPORT CUresult cuDeviceGetCount(int* n) {
  EMU_NEED_INIT;
  if (!n) return CUDA_ERROR_INVALID_VALUE;
  *n = 1;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuDeviceGet(int* dev, int ordinal) {
  EMU_NEED_INIT;
  if (!dev) return CUDA_ERROR_INVALID_VALUE;
  if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE;
  *dev = 0;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuDeviceGetName(char* name, int len, int dev) {
  EMU_NEED_INIT;
  if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
  if (!name || len <= 0) return CUDA_ERROR_INVALID_VALUE;
  snprintf(name, (size_t)len, "%s", "flintml CPU emulator");
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuDeviceGetAttribute(int* pi, int attrib, int dev) {
  EMU_NEED_INIT;
  if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
  if (!pi) return CUDA_ERROR_INVALID_VALUE;
  int v;
  switch (attrib) {
    case 1: v = 1024; break;         // MAX_THREADS_PER_BLOCK
    case 2: v = 1024; break;         // MAX_BLOCK_DIM_X
    case 3: v = 1024; break;         // MAX_BLOCK_DIM_Y
    case 4: v = 64; break;           // MAX_BLOCK_DIM_Z
    case 5: v = 2147483647; break;   // MAX_GRID_DIM_X
    case 6: v = 65535; break;        // MAX_GRID_DIM_Y
    case 7: v = 65535; break;        // MAX_GRID_DIM_Z
    case 8: v = 49152; break;        // MAX_SHARED_MEMORY_PER_BLOCK
    case 9: v = 65536; break;        // TOTAL_CONSTANT_MEMORY
    case 10: v = 32; break;          // WARP_SIZE
    case 11: v = 2147483647; break;  // MAX_PITCH
    case 12: v = 65536; break;       // MAX_REGISTERS_PER_BLOCK
    case 13: v = 1755000; break;     // CLOCK_RATE (kHz)
    case 14: v = 512; break;         // TEXTURE_ALIGNMENT
    case 15: v = 1; break;           // GPU_OVERLAP
    case 16: v = 132; break;         // MULTIPROCESSOR_COUNT
    case 17: v = 0; break;           // KERNEL_EXEC_TIMEOUT
    case 18: v = 0; break;           // INTEGRATED
    case 19: v = 1; break;           // CAN_MAP_HOST_MEMORY
    case 20: v = 0; break;           // COMPUTE_MODE (default)
    case 31: v = 1; break;           // CONCURRENT_KERNELS
    case 32: v = 0; break;           // ECC_ENABLED
    case 33: v = 0; break;           // PCI_BUS_ID
    case 34: v = 0; break;           // PCI_DEVICE_ID
    case 36: v = 2619000; break;     // MEMORY_CLOCK_RATE
    case 37: v = 5120; break;        // GLOBAL_MEMORY_BUS_WIDTH
    case 38: v = 50 << 20; break;    // L2_CACHE_SIZE
    case 39: v = 2048; break;        // MAX_THREADS_PER_MULTIPROCESSOR
    case 40: v = 2; break;           // ASYNC_ENGINE_COUNT
    case 41: v = 1; break;           // UNIFIED_ADDRESSING
    case 50: v = 0; break;           // PCI_DOMAIN_ID
    case 75: v = 9; break;           // COMPUTE_CAPABILITY_MAJOR
    case 76: v = 0; break;           // COMPUTE_CAPABILITY_MINOR
    case 81: v = 233472; break;      // MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
    case 82: v = 65536; break;       // MAX_REGISTERS_PER_MULTIPROCESSOR
    case 83: v = 0; break;           // MANAGED_MEMORY
    case 97: v = 232448; break;      // MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
    case 106: v = 32; break;         // MAX_BLOCKS_PER_MULTIPROCESSOR
    case 115: v = D().mempools ? 1 : 0; break;  // MEMORY_POOLS_SUPPORTED
    default: return CUDA_ERROR_INVALID_VALUE;
  }
  *pi = v;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuDeviceTotalMem_v2(size_t* bytes, int dev) {
  EMU_NEED_INIT;
  if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
  if (!bytes) return CUDA_ERROR_INVALID_VALUE;
  *bytes = D().limit;
  return CUDA_SUCCESS;
}

// ---- contexts ------------------------------------------------------------------------------------------
EMU_EXPORT CUresult cuDevicePrimaryCtxRetain(CUctx_st** pctx, int dev) {
  EMU_NEED_INIT;
  if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
  if (!pctx) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  D().primaryRefs++;
  *pctx = &D().primary;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuDevicePrimaryCtxRelease_v2(int dev) {
  EMU_NEED_INIT;
  if (dev != 0) return CUDA_ERROR_INVALID_DEVICE;
  EMU_LOCK;
  if (D().primaryRefs <= 0) return CUDA_ERROR_INVALID_CONTEXT;
  D().primaryRefs--;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuCtxSetCurrent(CUctx_st* ctx) {
  EMU_NEED_INIT;
  if (ctx && ctx != &D().primary) return CUDA_ERROR_INVALID_CONTEXT;
  tCurrent = ctx;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuCtxGetCurrent(CUctx_st** pctx) {
  EMU_NEED_INIT;
  if (!pctx) return CUDA_ERROR_INVALID_VALUE;
  *pctx = tCurrent;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuStreamSynchronize(CUstream_st* s);
EMU_EXPORT CUresult cuCtxSynchronize() {
  EMU_NEED_CTX;
  if (CUresult r = unsafeCall("cuCtxSynchronize")) return r;
  return waitAll();
}

// ---- modules -------------------------------------------------------------------------------------------
EMU_EXPORT CUresult cuModuleLoadData(CUmod_st** mod, const void* image) {
  EMU_NEED_CTX;
  if (!mod || !image) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  CUmod_st* m = new CUmod_st{true};
  D().modules.insert(m);
  *mod = m;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuModuleGetFunction(void** hfunc, CUmod_st* mod, const char* name) {
  EMU_NEED_CTX;
  if (!hfunc || !name) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  if (!D().modules.count(mod)) return CUDA_ERROR_INVALID_HANDLE;
  auto& r = registry().byName;
  auto it = r.find(name);
  if (it == r.end()) {
    if (!D().failedFamilies.empty()) {
      std::string list;
      for (auto& f : D().failedFamilies) list += (list.empty() ? "" : ", ") + f;
      warn("kernel %s not found; these kernel files failed to build for the emulator: %s (see build-emu/logs/)", name,
           list.c_str());
    }
    return CUDA_ERROR_NOT_FOUND;
  }
  *hfunc = (void*)it->second;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuModuleUnload(CUmod_st* mod) {
  EMU_NEED_INIT;
  EMU_LOCK;
  if (!D().modules.erase(mod)) return CUDA_ERROR_INVALID_HANDLE;
  delete mod;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuFuncSetAttribute(void* f, int attrib, int value) {
  EMU_NEED_CTX;
  if (!f) return CUDA_ERROR_INVALID_HANDLE;
  if (attrib == 8 && (value < 0 || value > 232448)) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  D().funcAttrs[std::string(static_cast<const emu::KernelEntry*>(f)->name) + "#" + std::to_string(attrib)] = value;
  return CUDA_SUCCESS;
}

// ---- launches ------------------------------------------------------------------------------------------
namespace {
// A queued launch: the kernel, its dimensions and a copy of its arguments.
struct LaunchArgs {
  const emu::KernelEntry* kernel;
  unsigned gx, gy, gz, bx, by, bz, sharedBytes;
  std::vector<max_align_t> storage;  // the argument values, each at a 16-byte aligned offset
  std::vector<void*> params;
};

CUresult executeLaunch(LaunchArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  Job j;
  j.kernel = a.kernel;
  j.params = a.params.data();
  j.gx = a.gx; j.gy = a.gy; j.gz = a.gz;
  j.bx = a.bx; j.by = a.by; j.bz = a.bz;
  j.sharedBytes = a.sharedBytes;
  j.total = (unsigned long long)a.gx * a.gy * a.gz;
  chooseBlockOrder(j);
  runJob(j);
  if (D().trace) {
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    warn("launch %s grid (%u,%u,%u) block (%u,%u,%u) shared %u: %.1f us", a.kernel->name, a.gx, a.gy, a.gz, a.bx, a.by,
         a.bz, a.sharedBytes, us);
  }
  if (j.failed) {
    warn("%s: launch failed: %s", a.kernel->name, j.error.c_str());
    return CUDA_ERROR_LAUNCH_FAILED;
  }
  return CUDA_SUCCESS;
}
}  // namespace

EMU_EXPORT CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                                   unsigned sharedBytes, CUstream_st* stream, void** params, void** extra) {
  EMU_NEED_CTX;
  if (!f) return CUDA_ERROR_INVALID_HANDLE;
  const emu::KernelEntry* k = static_cast<const emu::KernelEntry*>(f);
  {
    EMU_LOCK;
    Driver& d = D();
    if (!validStream(stream)) return CUDA_ERROR_INVALID_HANDLE;
    if (extra) {
      warn("%s: the `extra` launch argument is not supported by the emulator", k->name);
      return CUDA_ERROR_NOT_SUPPORTED;
    }
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || gx > 2147483647u || gy > 65535 ||
        gz > 65535 || bx > 1024 || by > 1024 || bz > 64) {
      warn("%s: invalid launch dimensions grid (%u,%u,%u) block (%u,%u,%u)", k->name, gx, gy, gz, bx, by, bz);
      return CUDA_ERROR_INVALID_VALUE;
    }
    const unsigned long long threads = (unsigned long long)bx * by * bz;
    if (threads > 1024) {
      warn("%s: %llu threads per block (at most 1024)", k->name, threads);
      return CUDA_ERROR_INVALID_VALUE;
    }
    auto it = d.funcAttrs.find(std::string(k->name) + "#8");
    const unsigned maxDyn = it == d.funcAttrs.end() ? 49152u : (unsigned)it->second;
    if (sharedBytes > maxDyn) {
      warn("%s: %u bytes of dynamic shared memory (the limit is %u; raise it with cuFuncSetAttribute)", k->name,
           sharedBytes, maxDyn);
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  if (k->nparams > 0 && !params) {
    warn("%s: expects %d arguments, got no kernelParams", k->name, k->nparams);
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (int i = 0; i < k->nparams; i++)
    if (!params[i]) {  // launch.h terminates kernelParams with a null pointer: too few arguments
      warn("%s: expects %d arguments, kernelParams[%d] is null", k->name, k->nparams, i);
      return CUDA_ERROR_INVALID_VALUE;
    }
  // the arguments are read now, as a real launch does (the caller's variables may change next)
  auto a = std::make_shared<LaunchArgs>();
  a->kernel = k;
  a->gx = gx; a->gy = gy; a->gz = gz;
  a->bx = bx; a->by = by; a->bz = bz;
  a->sharedBytes = sharedBytes;
  size_t words = 0;
  std::vector<size_t> offsets((size_t)k->nparams);
  for (int i = 0; i < k->nparams; i++) {
    offsets[(size_t)i] = words;
    words += (k->paramSizes[i] + sizeof(max_align_t) - 1) / sizeof(max_align_t);
  }
  a->storage.resize(words ? words : 1);
  a->params.resize((size_t)k->nparams + 1, nullptr);
  for (int i = 0; i < k->nparams; i++) {
    void* p = a->storage.data() + offsets[(size_t)i];
    memcpy(p, params[i], k->paramSizes[i]);
    a->params[(size_t)i] = p;
  }
  {
    EMU_LOCK;
    Driver& d = D();
    if (!d.statsPath.empty()) d.launches[k->name]++;
    // FLINT_EMU_EXEC=0: checked and counted, not queued (an empty op would still wake the stream's
    // worker, a futex call per launch that a driver does not make and the host-time figure would count)
    if (!d.exec) return CUDA_SUCCESS;
  }
  return enqueue(stream, [a] { return executeLaunch(*a); });
}

// ---- memory --------------------------------------------------------------------------------------------
namespace {
CUresult allocDevice(unsigned long long* dptr, size_t bytes) {
  if (!dptr) return CUDA_ERROR_INVALID_VALUE;
  if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  Driver& d = D();
  const size_t rounded = (bytes + 255) & ~(size_t)255;
  if (rounded < bytes || rounded > d.limit - std::min(d.limit, d.used.load())) return CUDA_ERROR_OUT_OF_MEMORY;
  Alloc a{bytes, nullptr, 0};
  uintptr_t addr;
  if (d.guard) {
    // [data, rounded up to 16][guard page]: the data ends 0..15 bytes before the guard
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t data = (bytes + 15) & ~(size_t)15;
    const size_t span = (data + page - 1) / page * page;
    void* m = mmap(nullptr, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
    mprotect((char*)m + span, page, PROT_NONE);
    a.mapBase = m;
    a.mapSize = span + page;
    addr = (uintptr_t)m + span - data;
  } else {
    void* p = aligned_alloc(256, rounded);
    if (!p) return CUDA_ERROR_OUT_OF_MEMORY;
    addr = (uintptr_t)p;
  }
  if (d.poison && bytes <= ((size_t)256 << 20)) memset((void*)addr, 0xFF, bytes);
  d.used += rounded;
  d.allocs[addr] = a;
  *dptr = addr;
  return CUDA_SUCCESS;
}
// Returns the memory of an allocation that is no longer in D().allocs.
void releaseDevice(uintptr_t addr, const Alloc& a) {
  D().used -= (a.size + 255) & ~(size_t)255;
  if (a.mapBase) munmap(a.mapBase, a.mapSize);
  else free((void*)addr);
}
// Takes `dptr` out of the live allocations (later copies and frees of it are errors); *a: what it was.
CUresult unlinkDevice(unsigned long long dptr, Alloc* a, const char* fn) {
  Driver& d = D();
  auto it = d.allocs.find((uintptr_t)dptr);
  if (it == d.allocs.end()) {
    warn("%s: 0x%llx is not the start of a live device allocation", fn, dptr);
    return CUDA_ERROR_INVALID_VALUE;
  }
  *a = it->second;
  d.allocs.erase(it);
  return CUDA_SUCCESS;
}
}  // namespace

EMU_EXPORT CUresult cuMemAlloc_v2(unsigned long long* dptr, size_t bytes) {
  EMU_NEED_CTX;
  if (CUresult r = unsafeCall("cuMemAlloc")) return r;  // not stream-ordered: a capture cannot see it
  EMU_LOCK;
  return allocDevice(dptr, bytes);
}
EMU_EXPORT CUresult cuMemFree_v2(unsigned long long dptr) {
  EMU_NEED_CTX;
  if (dptr == 0) return CUDA_SUCCESS;  // cuMemFree(0) is a no-op
  {
    EMU_LOCK;
    if (!D().allocs.count((uintptr_t)dptr)) {
      warn("cuMemFree: 0x%llx is not the start of a live device allocation", dptr);
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  // like the real driver: the device is synchronized first (work queued earlier may still use it)
  if (CUresult r = unsafeCall("cuMemFree")) return r;
  if (CUresult r = waitAll()) return r;
  Alloc a{};
  {
    EMU_LOCK;
    if (CUresult r = unlinkDevice(dptr, &a, "cuMemFree")) return r;
  }
  releaseDevice((uintptr_t)dptr, a);
  return CUDA_SUCCESS;
}
// Stream-ordered allocation: the memory exists at once (nothing else can use it before the stream
// reaches the allocation); a stream-ordered free releases it when the stream reaches the free, and
// any use queued after the free (on any stream) is refused as a use of freed memory.
EMU_EXPORT CUresult cuMemAllocAsync(unsigned long long* dptr, size_t bytes, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  return allocDevice(dptr, bytes);
}
EMU_EXPORT CUresult cuMemFreeAsync(unsigned long long dptr, CUstream_st* s) {
  EMU_NEED_CTX;
  if (dptr == 0) return CUDA_SUCCESS;
  Alloc a{};
  {
    EMU_LOCK;
    if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
    {
      std::lock_guard<std::mutex> lock(E().mu);
      if (auto c = captureOf(s)) {  // no memory nodes in the emulator's graphs
        warn("cuMemFreeAsync: not supported on a capturing stream by the emulator");
        return invalidate(c, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
      }
    }
    if (CUresult r = unlinkDevice(dptr, &a, "cuMemFreeAsync")) return r;
  }
  return enqueue(s, [dptr, a] {
    releaseDevice((uintptr_t)dptr, a);
    return CUDA_SUCCESS;
  });
}
EMU_EXPORT CUresult cuMemGetInfo_v2(size_t* freeBytes, size_t* total) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!freeBytes || !total) return CUDA_ERROR_INVALID_VALUE;
  *total = D().limit;
  *freeBytes = D().limit - std::min(D().limit, D().used.load());
  return CUDA_SUCCESS;
}

// Copies. Host -> device: from page-locked memory (cuMemHostAlloc) the copy reads the source when
// the stream reaches it; from pageable memory the source is read before the call returns (into a
// staging buffer). Device -> host: into page-locked memory the copy is asynchronous; into pageable
// memory the call returns once the copy (and the work before it on the stream) has completed.
EMU_EXPORT CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void* src, size_t bytes, CUstream_st* s) {
  EMU_NEED_CTX;
  bool pinned;
  {
    EMU_LOCK;
    if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
    if (bytes == 0) return CUDA_SUCCESS;
    if (!src) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult r = checkRange("cuMemcpyHtoDAsync (dst)", dst, bytes)) return r;
    countTransfer("HtoD", bytes);
    pinned = isPinned(src, bytes);
    std::lock_guard<std::mutex> lock(E().mu);
    if (auto c = captureOf(s))
      if (!pinned) {  // a graph would read the caller's pageable buffer at every launch
        warn("cuMemcpyHtoDAsync: a copy from pageable host memory cannot be captured");
        return invalidate(c, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
      }
  }
  if (pinned || E().sync)
    return enqueue(s, [dst, src, bytes] {
      memcpy((void*)dst, src, bytes);
      return CUDA_SUCCESS;
    });
  std::shared_ptr<unsigned char> staging((unsigned char*)malloc(bytes), free);
  if (!staging) return CUDA_ERROR_OUT_OF_MEMORY;
  memcpy(staging.get(), src, bytes);
  return enqueue(s, [dst, staging, bytes] {
    memcpy((void*)dst, staging.get(), bytes);
    return CUDA_SUCCESS;
  });
}
EMU_EXPORT CUresult cuMemcpyDtoHAsync_v2(void* dst, unsigned long long src, size_t bytes, CUstream_st* s) {
  EMU_NEED_CTX;
  bool pinned;
  {
    EMU_LOCK;
    if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
    if (bytes == 0) return CUDA_SUCCESS;
    if (!dst) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult r = checkRange("cuMemcpyDtoHAsync (src)", src, bytes)) return r;
    countTransfer("DtoH", bytes);
    pinned = isPinned(dst, bytes);
    std::lock_guard<std::mutex> lock(E().mu);
    if (auto c = captureOf(s))
      if (!pinned) {  // the call would wait for the copy: work that a capture never runs
        warn("cuMemcpyDtoHAsync: a copy into pageable host memory cannot be captured");
        return invalidate(c, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
      }
  }
  uint64_t seq = 0;
  CUresult r = enqueue(s, [dst, src, bytes] {
    memcpy(dst, (const void*)src, bytes);
    return CUDA_SUCCESS;
  }, &seq);
  if (r != CUDA_SUCCESS || pinned) return r;
  return waitFor(queueOf(s), seq);
}
EMU_EXPORT CUresult cuMemcpyDtoDAsync_v2(unsigned long long dst, unsigned long long src, size_t bytes, CUstream_st* s) {
  EMU_NEED_CTX;
  {
    EMU_LOCK;
    if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
    if (bytes == 0) return CUDA_SUCCESS;
    if (CUresult r = checkRange("cuMemcpyDtoDAsync (dst)", dst, bytes)) return r;
    if (CUresult r = checkRange("cuMemcpyDtoDAsync (src)", src, bytes)) return r;
    countTransfer("DtoD", bytes);
    if (!D().exec) return CUDA_SUCCESS;  // FLINT_EMU_EXEC=0: device-side work is not run
  }
  return enqueue(s, [dst, src, bytes] {
    memmove((void*)dst, (const void*)src, bytes);
    return CUDA_SUCCESS;
  });
}
// cuLaunchHostFunc: fn(userData) runs on the stream's worker when the stream gets there, blocking
// the stream while it runs (test/fixtures/fake_libnccl.c queues its collectives this way, and a
// "hung" collective is a host function that waits until the communicator is aborted).
EMU_EXPORT CUresult cuLaunchHostFunc(CUstream_st* s, void (*fn)(void*), void* userData) {
  EMU_NEED_CTX;
  if (!fn) return CUDA_ERROR_INVALID_VALUE;
  {
    EMU_LOCK;
    if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  }
  return enqueue(s, [fn, userData] {
    fn(userData);
    return CUDA_SUCCESS;
  });
}
// The synchronous copies and memset: on the legacy stream, complete on return.
EMU_EXPORT CUresult cuMemcpyHtoD_v2(unsigned long long dst, const void* src, size_t bytes) {
  CUresult r = cuMemcpyHtoDAsync_v2(dst, src, bytes, nullptr);
  if (r != CUDA_SUCCESS) return r;
  std::shared_ptr<Queue> q;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(E().mu);
    q = E().legacy;
    seq = q ? q->enqueued : 0;
  }
  return q ? waitFor(q, seq) : CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemcpyDtoH_v2(void* dst, unsigned long long src, size_t bytes) {
  CUresult r = cuMemcpyDtoHAsync_v2(dst, src, bytes, nullptr);
  if (r != CUDA_SUCCESS) return r;
  std::shared_ptr<Queue> q;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(E().mu);
    q = E().legacy;
    seq = q ? q->enqueued : 0;
  }
  return q ? waitFor(q, seq) : CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemcpyDtoD_v2(unsigned long long dst, unsigned long long src, size_t bytes) {
  CUresult r = cuMemcpyDtoDAsync_v2(dst, src, bytes, nullptr);
  if (r != CUDA_SUCCESS) return r;
  return cuStreamSynchronize(nullptr);
}
EMU_EXPORT CUresult cuMemsetD8Async(unsigned long long dst, unsigned char value, size_t n, CUstream_st* s) {
  EMU_NEED_CTX;
  {
    EMU_LOCK;
    if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
    if (n == 0) return CUDA_SUCCESS;
    if (CUresult r = checkRange("cuMemsetD8Async", dst, n)) return r;
    countTransfer("memset", n);
    if (!D().exec && n > kExecMemsetBytes) return CUDA_SUCCESS;
  }
  return enqueue(s, [dst, value, n] {
    memset((void*)dst, value, n);
    return CUDA_SUCCESS;
  });
}
EMU_EXPORT CUresult cuMemsetD8_v2(unsigned long long dst, unsigned char value, size_t n) {
  CUresult r = cuMemsetD8Async(dst, value, n, nullptr);
  if (r != CUDA_SUCCESS) return r;
  return cuStreamSynchronize(nullptr);
}
EMU_EXPORT CUresult cuMemsetD32Async(unsigned long long dst, unsigned int value, size_t n, CUstream_st* s) {
  EMU_NEED_CTX;
  {
    EMU_LOCK;
    if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
    if (n == 0) return CUDA_SUCCESS;
    if (dst % 4) return CUDA_ERROR_INVALID_VALUE;
    if (CUresult r = checkRange("cuMemsetD32Async", dst, n * 4)) return r;
    countTransfer("memset", n * 4);
    if (!D().exec && n * 4 > kExecMemsetBytes) return CUDA_SUCCESS;
  }
  return enqueue(s, [dst, value, n] {
    for (size_t i = 0; i < n; i++) memcpy((char*)dst + 4 * i, &value, 4);
    return CUDA_SUCCESS;
  });
}
EMU_EXPORT CUresult cuMemHostAlloc(void** pp, size_t bytes, unsigned int flags) {
  EMU_NEED_CTX;
  (void)flags;
  if (!pp || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  const size_t rounded = (bytes + 255) & ~(size_t)255;
  void* p = aligned_alloc(256, rounded);
  if (!p) return CUDA_ERROR_OUT_OF_MEMORY;
  D().hostAllocs[(uintptr_t)p] = bytes;
  *pp = p;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemFreeHost(void* p) {
  EMU_NEED_INIT;
  {
    EMU_LOCK;
    if (!D().hostAllocs.count((uintptr_t)p)) {
      warn("cuMemFreeHost: %p was not allocated by cuMemHostAlloc", p);
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  if (CUresult r = unsafeCall("cuMemFreeHost")) return r;
  waitAll();  // like the real driver: queued copies from or into it finish first
  EMU_LOCK;
  if (!D().hostAllocs.erase((uintptr_t)p)) return CUDA_ERROR_INVALID_VALUE;
  free(p);
  return CUDA_SUCCESS;
}

// ---- streams and events ---------------------------------------------------------------------------------
EMU_EXPORT CUresult cuStreamCreate(CUstream_st** ps, unsigned int flags) {
  EMU_NEED_CTX;
  if (!ps || (flags & ~1u)) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  CUstream_st* s = new CUstream_st{std::make_shared<Queue>()};
  s->q->flags = flags;
  D().streams.insert(s);
  *ps = s;
  return CUDA_SUCCESS;
}
// Work queued on a destroyed stream still completes (its worker drains the queue, then ends).
EMU_EXPORT CUresult cuStreamDestroy_v2(CUstream_st* s) {
  EMU_NEED_INIT;
  if (!tCurrent) return CUDA_ERROR_INVALID_CONTEXT;
  EMU_LOCK;
  if (!D().streams.erase(s)) return CUDA_ERROR_INVALID_HANDLE;
  {
    std::lock_guard<std::mutex> lock(E().mu);
    s->q->destroyed = true;
    s->q->cv.notify_one();
  }
  delete s;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuStreamSynchronize(CUstream_st* s) {
  EMU_NEED_CTX;
  std::shared_ptr<Queue> q;
  {
    EMU_LOCK;
    if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
    q = queueOf(s);
  }
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(E().mu);
    if (q->capture) {
      warn("cuStreamSynchronize: the stream is capturing (the capture is invalidated)");
      return invalidate(q->capture, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
    }
    seq = q->enqueued;
  }
  return waitFor(q, seq);
}
EMU_EXPORT CUresult cuStreamQuery(CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  std::shared_ptr<Queue> q = queueOf(s);
  std::lock_guard<std::mutex> lock(E().mu);
  if (const CUresult r = E().sticky.load()) return r;
  if (q->capture) return invalidate(q->capture, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
  return q->completed == q->enqueued ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}
EMU_EXPORT CUresult cuStreamWaitEvent(CUstream_st* s, CUevent_st* e, unsigned int flags) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s) || !findEvent(e)) return CUDA_ERROR_INVALID_HANDLE;
  (void)flags;
  std::shared_ptr<Queue> q = queueOf(s);
  std::lock_guard<std::mutex> lock(E().mu);
  if (const CUresult r = E().sticky.load()) return r;
  if (q->capture) {
    // one capturing stream: an event recorded earlier in the same capture is already in order;
    // one recorded outside it would tie the graph to uncaptured work
    if (e->capture == q->capture) return CUDA_SUCCESS;
    warn("cuStreamWaitEvent: the event was not recorded in this stream's capture");
    return invalidate(q->capture, CUDA_ERROR_STREAM_CAPTURE_ISOLATION);
  }
  if (e->capture) {  // would fork the capture into this stream: not supported by the emulator
    warn("cuStreamWaitEvent: waiting on an event recorded in a capture (multi-stream capture) is not supported by the emulator");
    return invalidate(e->capture, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
  }
  if (E().sync) return CUDA_SUCCESS;
  // an event never recorded, or one whose work is done, is no wait; on its own stream the order holds anyway
  if (eventDone(e) || e->q == q) return CUDA_SUCCESS;
  enqueueLocked(q, [] { return CUDA_SUCCESS; }, {Dep{e->q, e->seq}});
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuEventCreate(CUevent_st** pe, unsigned int flags) {
  EMU_NEED_CTX;
  if (!pe || (flags & ~0xFu)) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  auto e = std::make_shared<CUevent_st>();
  e->flags = flags;
  D().events[e.get()] = e;
  *pe = e.get();
  return CUDA_SUCCESS;
}
// A pending record of a destroyed event still completes (the record holds the event).
EMU_EXPORT CUresult cuEventDestroy_v2(CUevent_st* e) {
  EMU_NEED_INIT;
  if (!tCurrent) return CUDA_ERROR_INVALID_CONTEXT;
  EMU_LOCK;
  if (!D().events.erase(e)) return CUDA_ERROR_INVALID_HANDLE;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuEventRecord(CUevent_st* e, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!findEvent(e) || !validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  std::shared_ptr<CUevent_st> ev = D().events[e];
  std::lock_guard<std::mutex> lock(E().mu);
  if (const CUresult r = E().sticky.load()) return r;
  if (auto c = captureOf(s)) {  // a marker inside the graph: nothing to run (one stream, in order)
    if (c->invalid) return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    ev->capture = c;
    return CUDA_SUCCESS;
  }
  ev->capture = nullptr;
  const uint64_t gen = ++ev->gen;
  ev->recorded = true;
  ev->stamped = false;
  if (E().sync) {
    ev->q = E().legacy;
    ev->seq = 0;
    ev->stamped = true;
    ev->when = std::chrono::steady_clock::now();
    return CUDA_SUCCESS;
  }
  ev->q = queueOf(s);
  ev->seq = enqueueLocked(ev->q, [ev, gen] {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> l(E().mu);
    if (ev->gen == gen) {
      ev->when = now;
      ev->stamped = true;
    }
    return CUDA_SUCCESS;
  });
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuEventSynchronize(CUevent_st* e) {
  EMU_NEED_CTX;
  std::shared_ptr<CUevent_st> ev;
  {
    EMU_LOCK;
    if (!findEvent(e)) return CUDA_ERROR_INVALID_HANDLE;
    ev = D().events[e];
  }
  Engine& en = E();
  std::unique_lock<std::mutex> lock(en.mu);
  if (ev->capture) return invalidate(ev->capture, CUDA_ERROR_CAPTURED_EVENT);
  if (!ev->recorded) return en.sticky.load();
  const std::shared_ptr<Queue> q = ev->q;
  const uint64_t seq = ev->seq;
  en.done.wait(lock, [&] { return q->completed >= seq; });
  return en.sticky.load();
}
EMU_EXPORT CUresult cuEventQuery(CUevent_st* e) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!findEvent(e)) return CUDA_ERROR_INVALID_HANDLE;
  std::lock_guard<std::mutex> lock(E().mu);
  if (const CUresult r = E().sticky.load()) return r;
  if (e->capture) return invalidate(e->capture, CUDA_ERROR_CAPTURED_EVENT);
  return eventDone(e) ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}
// The time between the completions of the two records. CUDA 12.8's cuda.h maps cuEventElapsedTime to
// the _v2 symbol; drivers keep exporting the older one (same arguments), and so does the emulator.
EMU_EXPORT CUresult cuEventElapsedTime_v2(float* ms, CUevent_st* a, CUevent_st* b) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!ms) return CUDA_ERROR_INVALID_VALUE;
  if (!findEvent(a) || !findEvent(b)) return CUDA_ERROR_INVALID_HANDLE;
  if ((a->flags & 2) || (b->flags & 2)) return CUDA_ERROR_INVALID_HANDLE;  // CU_EVENT_DISABLE_TIMING
  std::lock_guard<std::mutex> lock(E().mu);
  if (!a->recorded || !b->recorded) return CUDA_ERROR_INVALID_HANDLE;
  if (!eventDone(a) || !eventDone(b) || !a->stamped || !b->stamped) return CUDA_ERROR_NOT_READY;
  *ms = std::chrono::duration<float, std::milli>(b->when - a->when).count();
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuEventElapsedTime(float* ms, CUevent_st* a, CUevent_st* b) { return cuEventElapsedTime_v2(ms, a, b); }

// ---- stream capture and graphs -------------------------------------------------------------------------
// A graph is the list of operations a capture recorded, in stream order; an executable graph shares
// it, and a launch queues one operation that runs them all, in order, on the launch stream. The
// operations are the same closures an uncaptured call would have queued (kernel arguments copied at
// capture time; pinned host buffers read when the launch gets there), so every launch repeats them.
struct CUgraph_st {
  std::shared_ptr<const std::vector<std::function<CUresult()>>> nodes;
};
struct CUgraphExec_st {
  std::shared_ptr<const std::vector<std::function<CUresult()>>> nodes;
};
namespace {
std::set<CUgraph_st*>& graphs() { static auto* g = new std::set<CUgraph_st*>; return *g; }
std::set<CUgraphExec_st*>& graphExecs() { static auto* g = new std::set<CUgraphExec_st*>; return *g; }
}  // namespace

EMU_EXPORT CUresult cuStreamBeginCapture_v2(CUstream_st* s, int mode) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  if (mode < 0 || mode > 2) return CUDA_ERROR_INVALID_VALUE;
  if ((uintptr_t)s <= 2) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;  // the legacy stream cannot capture
  std::lock_guard<std::mutex> lock(E().mu);
  if (s->q->capture) return CUDA_ERROR_ILLEGAL_STATE;
  auto c = std::make_shared<Capture>();
  c->mode = mode;
  c->owner = std::this_thread::get_id();
  s->q->capture = c;
  E().captures.push_back(c);
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuThreadExchangeStreamCaptureMode(int* mode) {
  EMU_NEED_INIT;
  if (!mode || *mode < 0 || *mode > 2) return CUDA_ERROR_INVALID_VALUE;
  std::swap(*mode, tCaptureMode);
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuStreamEndCapture(CUstream_st* s, CUgraph_st** pg) {
  EMU_NEED_CTX;
  if (!pg) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  *pg = nullptr;
  std::lock_guard<std::mutex> lock(E().mu);
  const std::shared_ptr<Capture> c = queueOf(s)->capture;
  if (!c) return CUDA_ERROR_ILLEGAL_STATE;
  queueOf(s)->capture = nullptr;
  auto& all = E().captures;
  all.erase(std::find(all.begin(), all.end(), c));
  if (c->invalid) return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
  auto* g = new CUgraph_st{std::make_shared<const std::vector<std::function<CUresult()>>>(std::move(c->nodes))};
  graphs().insert(g);
  *pg = g;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuStreamIsCapturing(CUstream_st* s, int* status) {
  EMU_NEED_CTX;
  if (!status) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  std::lock_guard<std::mutex> lock(E().mu);
  const std::shared_ptr<Capture> c = queueOf(s)->capture;
  *status = !c ? 0 : c->invalid ? 2 : 1;  // CU_STREAM_CAPTURE_STATUS_NONE / _ACTIVE / _INVALIDATED
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuGraphInstantiateWithFlags(CUgraphExec_st** pe, CUgraph_st* g, unsigned long long flags) {
  EMU_NEED_CTX;
  if (!pe || flags != 0) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  if (!graphs().count(g)) return CUDA_ERROR_INVALID_HANDLE;
  auto* e = new CUgraphExec_st{g->nodes};
  graphExecs().insert(e);
  *pe = e;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuGraphLaunch(CUgraphExec_st* e, CUstream_st* s) {
  EMU_NEED_CTX;
  std::shared_ptr<const std::vector<std::function<CUresult()>>> nodes;
  {
    EMU_LOCK;
    if (!graphExecs().count(e) || !validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
    nodes = e->nodes;
  }
  return enqueue(s, [nodes] {
    for (const auto& fn : *nodes)
      if (const CUresult r = fn()) return r;
    return CUDA_SUCCESS;
  });
}
EMU_EXPORT CUresult cuGraphDestroy(CUgraph_st* g) {
  EMU_NEED_INIT;
  EMU_LOCK;
  if (!graphs().erase(g)) return CUDA_ERROR_INVALID_HANDLE;
  delete g;
  return CUDA_SUCCESS;
}
// A launch still queued keeps its operations (it holds them), as a real exec's pending launch completes.
EMU_EXPORT CUresult cuGraphExecDestroy(CUgraphExec_st* e) {
  EMU_NEED_INIT;
  EMU_LOCK;
  if (!graphExecs().erase(e)) return CUDA_ERROR_INVALID_HANDLE;
  delete e;
  return CUDA_SUCCESS;
}

// ---- for tests of the emulator itself -------------------------------------------------------------------
// Number of registered kernels, and the name of the i-th family (null past the end).
EMU_EXPORT int flint_emu_kernel_count() { return (int)registry().byName.size(); }
EMU_EXPORT const char* flint_emu_family(int i) {
  auto& f = registry().families;
  return i >= 0 && (size_t)i < f.size() ? f[(size_t)i].c_str() : nullptr;
}
// OS threads that run the blocks of one launch (FLINT_EMU_THREADS), and whether FLINT_EMU_SYNC=1.
EMU_EXPORT int flint_emu_threads() { return pool().threads; }
EMU_EXPORT int flint_emu_sync() { return E().sync ? 1 : 0; }
