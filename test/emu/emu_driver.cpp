// emu_driver.cpp — a CPU emulation of the NVIDIA CUDA driver (libcuda.so.1) that EXECUTES the
// kernels of native/kernels/*.cu, compiled for the host (see README.md in this folder and
// scripts/build-emu.js). It exports the driver entry points that native/gpu/cuda_api.cpp resolves,
// with the ABI documented in NVIDIA's CUDA Driver API reference (declared by hand, as in
// native/gpu/cuda_api.h; no CUDA header is used).
//
// Execution model: everything runs synchronously at call time on the calling thread (a legal
// schedule of any stream). A launch runs its blocks one after another; the threads of a block are
// fibers on small reusable stacks, switched by a hand-written context switch (x86-64; ucontext
// elsewhere). Threads start in order on a "runner" fiber that calls one thread after the other, so
// a block whose threads never wait costs two context switches; a thread that waits at a barrier
// keeps the runner's stack, and a new runner continues with the next threads.
//
// Test aids (environment):
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
// Every copy and memset checks that its device range lies inside ONE live allocation
// (CUDA_ERROR_INVALID_VALUE otherwise, with a message on stderr).
#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "emu_cuda.h"
#include "emu_registry.h"

#define EMU_EXPORT extern "C" __attribute__((visibility("default")))

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
void (*g_ucFn)(void*);
void* g_ucArg;
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

// ================================================================================================
// Built-in variables of the running thread
// ================================================================================================
uint3 threadIdx;
uint3 blockIdx;
dim3 blockDim;
dim3 gridDim;

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
constexpr CUresult CUDA_ERROR_LAUNCH_FAILED = 719;
constexpr CUresult CUDA_ERROR_NOT_SUPPORTED = 801;

void warn(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("flintml emu: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

bool envFlag(const char* name, bool dflt) {
  const char* v = getenv(name);
  if (!v || !*v) return dflt;
  return !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

// ================================================================================================
// The block scheduler
// ================================================================================================
constexpr size_t kStackSize = 256 << 10;  // virtual; pages are touched on demand
constexpr int kMaxThreads = 1024;

enum ThreadState : uint8_t { T_UNSTARTED, T_RUNNING, T_WAITING, T_READY, T_DONE };
enum WaitKind : uint8_t { W_NONE, W_BLOCK, W_WARP };

struct alignas(16) Thread {
  Context ctx;
  uint3 idx;
  ThreadState state;
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
  void* base = nullptr;  // lowest usable address (a guard page lies below)
};

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
  int blockAcc = 0;
  int blockOp = 0;
  std::vector<int> blockWaiters;
  // ready queue (threads released from a barrier)
  int readyQ[kMaxThreads];
  int readyHead = 0, readyCount = 0;
  // fibers
  Context sched;
  std::vector<Stack> stacks;
  std::vector<int> freeStacks;
  int exitingStack = -1;  // set by a runner fiber that finished
  std::vector<int> usedStacks;  // stacks of the block's live fibers
  bool aborted = false;
  Launch* launch = nullptr;
  std::vector<unsigned char> dynShared;

  void pushReady(int i) {
    threads[i].state = T_READY;
    readyQ[(readyHead + readyCount) % kMaxThreads] = i;
    readyCount++;
  }
  int popReady() {
    const int i = readyQ[readyHead];
    readyHead = (readyHead + 1) % kMaxThreads;
    readyCount--;
    return i;
  }
  int allocStack() {
    if (!freeStacks.empty()) {
      const int s = freeStacks.back();
      freeStacks.pop_back();
      return s;
    }
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void* m = mmap(nullptr, kStackSize + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
      warn("cannot map a fiber stack");
      abort();
    }
    mprotect(m, page, PROT_NONE);  // overflow guard
    stacks.push_back(Stack{(char*)m + page});
    return (int)stacks.size() - 1;
  }
};

Scheduler S;

void setCurrent(int i) {
  S.cur = i;
  threadIdx = S.threads[i].idx;
}

void threadExited(int i);
void runnerMain(void* stackId);

// The body of a runner fiber: runs not-yet-started threads one after the other.
void runnerMain(void* stackId) {
  const int myStack = (int)(intptr_t)stackId;
  while (S.nextUnstarted < S.n && !S.aborted) {
    const int i = S.nextUnstarted++;
    Thread& t = S.threads[i];
    t.state = T_RUNNING;
    setCurrent(i);
    S.launch->kernel->call(S.launch->params);
    threadExited(S.cur);
  }
  S.exitingStack = myStack;
  Context dummy;
  ctxSwitch(&dummy, &S.sched);
  __builtin_unreachable();
}

// Prepares a runner fiber (on a free stack) in *c.
void startRunner(Context* c) {
  const int s = S.allocStack();
  S.usedStacks.push_back(s);
  // stack tops at different offsets within a page, so that they do not share cache sets
  ctxMake(c, S.stacks[s].base, kStackSize - (size_t)(s % 64) * 64, runnerMain, (void*)(intptr_t)s);
}

// Suspends the running thread until a barrier releases it.
void waitHere() {
  Thread& t = S.threads[S.cur];
  t.state = T_WAITING;
  if (S.readyCount > 0) {  // straight to the next released thread, without the scheduler's round trip
    const int i = S.popReady();
    setCurrent(i);
    S.threads[i].state = T_RUNNING;
    ctxSwitch(&t.ctx, &S.threads[i].ctx);
  } else if (S.nextUnstarted < S.n) {  // straight to a new runner for the threads not started yet
    Context c;
    startRunner(&c);
    ctxSwitch(&t.ctx, &c);
  } else {
    ctxSwitch(&t.ctx, &S.sched);
  }
  // resumed: the scheduler has made this thread current again
  if (S.aborted) {  // a trap in another thread: never continue (the scheduler abandons us)
    Context dummy;
    ctxSwitch(&dummy, &S.sched);
  }
}

void releaseBlock() {
  const int result = S.blockAcc;
  for (int w : S.blockWaiters) {
    Thread& t = S.threads[w];
    memcpy(t.res, &result, sizeof result);
    t.wait = W_NONE;
    if (w != S.cur) S.pushReady(w);
  }
  S.blockWaiters.clear();
  S.blockArrived = 0;
}

void releaseWarp(int wi, unsigned group) {
  Warp& w = S.warps[wi];
  const int base = wi * 32;
  unsigned ballot = 0;
  for (unsigned m = group; m; m &= m - 1) {
    const int lane = __builtin_ctz(m);
    if (S.threads[base + lane].pred) ballot |= 1u << lane;
  }
  for (unsigned m = group; m; m &= m - 1) {
    const int lane = __builtin_ctz(m);
    const int ti = base + lane;
    Thread& t = S.threads[ti];
    if (t.op == 1) memcpy(t.res, &ballot, sizeof ballot);
    else if (t.src >= 0 && t.size > 0) {
      const int si = base + t.src;
      copySmall(t.res, si < S.n ? S.threads[si].pub : t.pub, t.size);
    }
    t.wait = W_NONE;
    if (ti != S.cur) S.pushReady(ti);
  }
  w.arrived &= ~group;
}

// After lanes exited: any warp group whose remaining live lanes have all arrived is released.
void recheckWarp(int wi) {
  Warp& w = S.warps[wi];
  for (bool again = true; again;) {
    again = false;
    for (unsigned m = w.arrived; m; m &= m - 1) {
      const int lane = __builtin_ctz(m);
      const unsigned group = S.threads[wi * 32 + lane].mask & w.live;
      if ((w.arrived & group) == group) {
        releaseWarp(wi, group);
        again = true;
        break;
      }
    }
  }
}

void threadExited(int i) {
  Thread& t = S.threads[i];
  t.state = T_DONE;
  S.done++;
  S.live--;
  const int lin = i;
  S.warps[lin / 32].live &= ~(1u << (lin % 32));
  if (S.blockArrived > 0 && S.blockArrived == S.live) releaseBlock();
  if (S.warps[lin / 32].arrived) recheckWarp(lin / 32);
}

[[noreturn]] void abortLaunch(const char* why) {
  snprintf(S.launch->errorText, sizeof S.launch->errorText, "%s", why);
  S.launch->error = S.launch->errorText;
  S.aborted = true;
  if (S.cur < 0) abort();  // not inside a kernel: cannot happen
  Context dummy;
  ctxSwitch(&dummy, &S.sched);
  __builtin_unreachable();
}

// Runs one block; returns false when the launch was aborted.
bool runBlock() {
  S.nextUnstarted = 0;
  S.live = S.n;
  S.done = 0;
  S.blockArrived = 0;
  S.blockWaiters.clear();
  S.readyHead = S.readyCount = 0;
  const int nw = (S.n + 31) / 32;
  for (int w = 0; w < nw; w++) {
    const int lanes = S.n - w * 32 < 32 ? S.n - w * 32 : 32;
    S.warps[w].live = lanes == 32 ? 0xffffffffu : ((1u << lanes) - 1);
    S.warps[w].arrived = 0;
  }
  for (int i = 0; i < S.n; i++) {
    S.threads[i].state = T_UNSTARTED;
    S.threads[i].wait = W_NONE;
  }
  while (S.done < S.n && !S.aborted) {
    if (S.readyCount > 0) {
      const int i = S.popReady();
      setCurrent(i);
      S.threads[i].state = T_RUNNING;
      ctxSwitch(&S.sched, &S.threads[i].ctx);
    } else if (S.nextUnstarted < S.n) {
      Context c;
      startRunner(&c);
      ctxSwitch(&S.sched, &c);
    } else {
      int atBlock = 0, atWarp = 0;
      for (int i = 0; i < S.n; i++) {
        atBlock += S.threads[i].wait == W_BLOCK;
        atWarp += S.threads[i].wait == W_WARP;
      }
      char why[200];
      snprintf(why, sizeof why,
               "deadlock in block (%u,%u,%u): %d thread(s) wait at __syncthreads, %d at a warp shuffle/sync, %d exited",
               blockIdx.x, blockIdx.y, blockIdx.z, atBlock, atWarp, S.done);
      snprintf(S.launch->errorText, sizeof S.launch->errorText, "%s", why);
      S.launch->error = S.launch->errorText;
      S.aborted = true;
      break;
    }
    if (S.exitingStack >= 0) {
      S.freeStacks.push_back(S.exitingStack);
      for (size_t k = 0; k < S.usedStacks.size(); k++)
        if (S.usedStacks[k] == S.exitingStack) { S.usedStacks[k] = S.usedStacks.back(); S.usedStacks.pop_back(); break; }
      S.exitingStack = -1;
    }
  }
  if (S.aborted) {  // abandon every fiber of the block
    for (int s : S.usedStacks) S.freeStacks.push_back(s);
    S.usedStacks.clear();
    return false;
  }
  return true;
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

void emu_syncthreads() { emu_syncthreads_reduce(0, 0); }

int emu_syncthreads_reduce(int op, int pred) {
  if (S.cur < 0) abortLaunch("__syncthreads outside a kernel");
  Thread& t = S.threads[S.cur];
  if (S.blockArrived == 0) {
    S.blockOp = op;
    S.blockAcc = op == 1 ? 1 : 0;
  }
  if (op == 0) S.blockAcc += pred != 0;
  else if (op == 1) S.blockAcc = S.blockAcc && pred;
  else S.blockAcc = S.blockAcc || pred;
  S.blockArrived++;
  t.wait = W_BLOCK;
  S.blockWaiters.push_back(S.cur);
  if (S.blockArrived == S.live) releaseBlock();
  else waitHere();
  int r;
  memcpy(&r, S.threads[S.cur].res, sizeof r);
  return r;
}

static void warpSync(unsigned mask, int op, const void* value, int size, int src, int pred, void* result) {
  const int ti = S.cur;
  Thread& t = S.threads[ti];
  const int wi = ti / 32, lane = ti % 32;
  Warp& w = S.warps[wi];
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
  if ((w.arrived & group) == group) releaseWarp(wi, group);
  else waitHere();
  Thread& me = S.threads[S.cur];
  if (result && size > 0) copySmall(result, me.res, size);
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

void emu_trap(const char* why) {
  char text[200];
  snprintf(text, sizeof text, "%s in block (%u,%u,%u), thread (%u,%u,%u)", why, blockIdx.x, blockIdx.y, blockIdx.z,
           threadIdx.x, threadIdx.y, threadIdx.z);
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
struct CUstream_st { unsigned flags; };
struct CUevent_st {
  unsigned flags;
  bool recorded;
  std::chrono::steady_clock::time_point when;
};

struct Driver {
  std::recursive_mutex mu;
  bool initialized = false;
  size_t limit = (size_t)2 << 30;
  size_t used = 0;
  bool guard = false, poison = true, mempools = true, trace = false;
  std::map<uintptr_t, Alloc> allocs;  // by device address
  std::set<void*> hostAllocs;
  std::set<CUmod_st*> modules;
  std::set<CUstream_st*> streams;
  std::set<CUevent_st*> events;
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

#define EMU_LOCK std::lock_guard<std::recursive_mutex> lock_(D().mu)
#define EMU_NEED_INIT \
  if (!D().initialized) return CUDA_ERROR_NOT_INITIALIZED
#define EMU_NEED_CTX                                 \
  if (!D().initialized) return CUDA_ERROR_NOT_INITIALIZED; \
  if (!tCurrent) return CUDA_ERROR_INVALID_CONTEXT

// ---- guard mode: a SIGSEGV handler that says which kernel faulted ----------------------------------
struct sigaction g_oldSegv;
const char* volatile g_runningKernel = nullptr;

void segvHandler(int sig, siginfo_t* info, void* uctx) {
  const char* k = g_runningKernel;
  if (k) {
    char buf[512];
    const uintptr_t a = (uintptr_t)info->si_addr;
    std::string where;
    {
      // lock-free best effort: scan allocations (the lock is held by the launching thread)
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
    snprintf(buf, sizeof buf,
             "flintml emu: kernel %s faulted at address 0x%llx%s, block (%u,%u,%u), thread (%u,%u,%u)\n", k,
             (unsigned long long)a, where.c_str(), blockIdx.x, blockIdx.y, blockIdx.z, threadIdx.x, threadIdx.y,
             threadIdx.z);
    ssize_t ignored = write(2, buf, strlen(buf));
    (void)ignored;
  }
  sigaction(SIGSEGV, &g_oldSegv, nullptr);
  (void)sig;
  (void)uctx;
  // returning re-executes the faulting access under the previous handler (default: core dump)
}

void installSegvHandler() {
  static bool done = false;
  if (done) return;
  done = true;
  static char altStack[64 << 10];
  stack_t ss{};
  ss.ss_sp = altStack;
  ss.ss_size = sizeof altStack;
  sigaltstack(&ss, nullptr);
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
    case 35: return "CUDA_ERROR_INSUFFICIENT_DRIVER";
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
    default: return nullptr;
  }
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
    d.poison = envFlag("FLINT_EMU_POISON", true);
    d.mempools = envFlag("FLINT_EMU_MEMPOOLS", true);
    d.trace = envFlag("FLINT_EMU_TRACE", false);
    for (const char* const* f = emu_failed_families; *f; f++) d.failedFamilies.push_back(*f);
    if (d.guard) installSegvHandler();
    d.initialized = true;
  }
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuDriverGetVersion(int* v) {
  if (!v) return CUDA_ERROR_INVALID_VALUE;
  *v = 13000;
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
EMU_EXPORT CUresult cuCtxSynchronize() {
  EMU_NEED_CTX;
  return CUDA_SUCCESS;
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
EMU_EXPORT CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                                   unsigned sharedBytes, CUstream_st* stream, void** params, void** extra) {
  EMU_NEED_CTX;
  if (!f) return CUDA_ERROR_INVALID_HANDLE;
  EMU_LOCK;
  Driver& d = D();
  const emu::KernelEntry* k = static_cast<const emu::KernelEntry*>(f);
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
  {
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
  // a launch from a kernel (not possible on the host path) or a re-entrant call would corrupt S
  if (S.launch) return CUDA_ERROR_NOT_SUPPORTED;

  const auto t0 = std::chrono::steady_clock::now();
  Launch launch;
  launch.kernel = k;
  launch.params = params;
  S.launch = &launch;
  S.aborted = false;
  S.n = (int)threads;
  S.dynShared.assign(sharedBytes, 0xFF);
  int i = 0;
  for (unsigned z = 0; z < bz; z++)
    for (unsigned y = 0; y < by; y++)
      for (unsigned x = 0; x < bx; x++) S.threads[i++].idx = uint3{x, y, z};
  blockDim = dim3(bx, by, bz);
  gridDim = dim3(gx, gy, gz);
  g_runningKernel = k->name;
  bool ok = true;
  for (unsigned z = 0; z < gz && ok; z++)
    for (unsigned y = 0; y < gy && ok; y++)
      for (unsigned x = 0; x < gx && ok; x++) {
        blockIdx = uint3{x, y, z};
        ok = runBlock();
      }
  g_runningKernel = nullptr;
  S.cur = -1;
  S.launch = nullptr;
  if (d.trace) {
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    warn("launch %s grid (%u,%u,%u) block (%u,%u,%u) shared %u: %.1f us", k->name, gx, gy, gz, bx, by, bz,
         sharedBytes, us);
  }
  if (!ok) {
    warn("%s: launch failed: %s", k->name, launch.error ? launch.error : "aborted");
    return CUDA_ERROR_LAUNCH_FAILED;
  }
  return CUDA_SUCCESS;
}

// ---- memory --------------------------------------------------------------------------------------------
namespace {
CUresult allocDevice(unsigned long long* dptr, size_t bytes) {
  if (!dptr) return CUDA_ERROR_INVALID_VALUE;
  if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  Driver& d = D();
  const size_t rounded = (bytes + 255) & ~(size_t)255;
  if (rounded < bytes || rounded > d.limit - d.used) return CUDA_ERROR_OUT_OF_MEMORY;
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
CUresult freeDevice(unsigned long long dptr) {
  Driver& d = D();
  auto it = d.allocs.find((uintptr_t)dptr);
  if (it == d.allocs.end()) {
    if (dptr == 0) return CUDA_SUCCESS;  // cuMemFree(0) is a no-op
    warn("cuMemFree: 0x%llx is not the start of a live device allocation", dptr);
    return CUDA_ERROR_INVALID_VALUE;
  }
  const Alloc a = it->second;
  d.allocs.erase(it);
  d.used -= (a.size + 255) & ~(size_t)255;
  if (a.mapBase) munmap(a.mapBase, a.mapSize);
  else free((void*)dptr);
  return CUDA_SUCCESS;
}
}  // namespace

EMU_EXPORT CUresult cuMemAlloc_v2(unsigned long long* dptr, size_t bytes) {
  EMU_NEED_CTX;
  EMU_LOCK;
  return allocDevice(dptr, bytes);
}
EMU_EXPORT CUresult cuMemFree_v2(unsigned long long dptr) {
  EMU_NEED_CTX;
  EMU_LOCK;
  return freeDevice(dptr);
}
EMU_EXPORT CUresult cuMemAllocAsync(unsigned long long* dptr, size_t bytes, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  return allocDevice(dptr, bytes);
}
EMU_EXPORT CUresult cuMemFreeAsync(unsigned long long dptr, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  return freeDevice(dptr);
}
EMU_EXPORT CUresult cuMemGetInfo_v2(size_t* freeBytes, size_t* total) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!freeBytes || !total) return CUDA_ERROR_INVALID_VALUE;
  *total = D().limit;
  *freeBytes = D().limit - D().used;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void* src, size_t bytes, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  if (bytes == 0) return CUDA_SUCCESS;
  if (!src) return CUDA_ERROR_INVALID_VALUE;
  if (CUresult r = checkRange("cuMemcpyHtoDAsync (dst)", dst, bytes)) return r;
  memcpy((void*)dst, src, bytes);
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemcpyDtoHAsync_v2(void* dst, unsigned long long src, size_t bytes, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  if (bytes == 0) return CUDA_SUCCESS;
  if (!dst) return CUDA_ERROR_INVALID_VALUE;
  if (CUresult r = checkRange("cuMemcpyDtoHAsync (src)", src, bytes)) return r;
  memcpy(dst, (const void*)src, bytes);
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemcpyDtoDAsync_v2(unsigned long long dst, unsigned long long src, size_t bytes, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  if (bytes == 0) return CUDA_SUCCESS;
  if (CUresult r = checkRange("cuMemcpyDtoDAsync (dst)", dst, bytes)) return r;
  if (CUresult r = checkRange("cuMemcpyDtoDAsync (src)", src, bytes)) return r;
  memmove((void*)dst, (const void*)src, bytes);
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemcpyHtoD_v2(unsigned long long dst, const void* src, size_t bytes) {
  return cuMemcpyHtoDAsync_v2(dst, src, bytes, nullptr);
}
EMU_EXPORT CUresult cuMemcpyDtoH_v2(void* dst, unsigned long long src, size_t bytes) {
  return cuMemcpyDtoHAsync_v2(dst, src, bytes, nullptr);
}
EMU_EXPORT CUresult cuMemcpyDtoD_v2(unsigned long long dst, unsigned long long src, size_t bytes) {
  return cuMemcpyDtoDAsync_v2(dst, src, bytes, nullptr);
}
EMU_EXPORT CUresult cuMemsetD8Async(unsigned long long dst, unsigned char value, size_t n, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  if (n == 0) return CUDA_SUCCESS;
  if (CUresult r = checkRange("cuMemsetD8Async", dst, n)) return r;
  memset((void*)dst, value, n);
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemsetD8_v2(unsigned long long dst, unsigned char value, size_t n) {
  return cuMemsetD8Async(dst, value, n, nullptr);
}
EMU_EXPORT CUresult cuMemsetD32Async(unsigned long long dst, unsigned int value, size_t n, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  if (n == 0) return CUDA_SUCCESS;
  if (dst % 4) return CUDA_ERROR_INVALID_VALUE;
  if (CUresult r = checkRange("cuMemsetD32Async", dst, n * 4)) return r;
  for (size_t i = 0; i < n; i++) memcpy((char*)dst + 4 * i, &value, 4);
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemHostAlloc(void** pp, size_t bytes, unsigned int flags) {
  EMU_NEED_CTX;
  (void)flags;
  if (!pp || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  void* p = aligned_alloc(256, (bytes + 255) & ~(size_t)255);
  if (!p) return CUDA_ERROR_OUT_OF_MEMORY;
  D().hostAllocs.insert(p);
  *pp = p;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuMemFreeHost(void* p) {
  EMU_NEED_INIT;
  EMU_LOCK;
  if (!D().hostAllocs.erase(p)) {
    warn("cuMemFreeHost: %p was not allocated by cuMemHostAlloc", p);
    return CUDA_ERROR_INVALID_VALUE;
  }
  free(p);
  return CUDA_SUCCESS;
}

// ---- streams and events ---------------------------------------------------------------------------------
EMU_EXPORT CUresult cuStreamCreate(CUstream_st** ps, unsigned int flags) {
  EMU_NEED_CTX;
  if (!ps || (flags & ~1u)) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  CUstream_st* s = new CUstream_st{flags};
  D().streams.insert(s);
  *ps = s;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuStreamDestroy_v2(CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!D().streams.erase(s)) return CUDA_ERROR_INVALID_HANDLE;
  delete s;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuStreamSynchronize(CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  return validStream(s) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}
EMU_EXPORT CUresult cuStreamQuery(CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  return validStream(s) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}
EMU_EXPORT CUresult cuStreamWaitEvent(CUstream_st* s, CUevent_st* e, unsigned int flags) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!validStream(s) || !D().events.count(e)) return CUDA_ERROR_INVALID_HANDLE;
  (void)flags;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuEventCreate(CUevent_st** pe, unsigned int flags) {
  EMU_NEED_CTX;
  if (!pe || (flags & ~0xFu)) return CUDA_ERROR_INVALID_VALUE;
  EMU_LOCK;
  CUevent_st* e = new CUevent_st{flags, false, {}};
  D().events.insert(e);
  *pe = e;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuEventDestroy_v2(CUevent_st* e) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!D().events.erase(e)) return CUDA_ERROR_INVALID_HANDLE;
  delete e;
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuEventRecord(CUevent_st* e, CUstream_st* s) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!D().events.count(e) || !validStream(s)) return CUDA_ERROR_INVALID_HANDLE;
  e->recorded = true;
  e->when = std::chrono::steady_clock::now();
  return CUDA_SUCCESS;
}
EMU_EXPORT CUresult cuEventSynchronize(CUevent_st* e) {
  EMU_NEED_CTX;
  EMU_LOCK;
  return D().events.count(e) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}
EMU_EXPORT CUresult cuEventQuery(CUevent_st* e) {
  EMU_NEED_CTX;
  EMU_LOCK;
  return D().events.count(e) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}
EMU_EXPORT CUresult cuEventElapsedTime(float* ms, CUevent_st* a, CUevent_st* b) {
  EMU_NEED_CTX;
  EMU_LOCK;
  if (!ms) return CUDA_ERROR_INVALID_VALUE;
  if (!D().events.count(a) || !D().events.count(b)) return CUDA_ERROR_INVALID_HANDLE;
  if ((a->flags & 2) || (b->flags & 2)) return CUDA_ERROR_INVALID_HANDLE;  // CU_EVENT_DISABLE_TIMING
  if (!a->recorded || !b->recorded) return CUDA_ERROR_INVALID_HANDLE;
  *ms = std::chrono::duration<float, std::milli>(b->when - a->when).count();
  return CUDA_SUCCESS;
}

// ---- for tests of the emulator itself -------------------------------------------------------------------
// Number of registered kernels, and the name of the i-th family (null past the end).
EMU_EXPORT int flint_emu_kernel_count() { return (int)registry().byName.size(); }
EMU_EXPORT const char* flint_emu_family(int i) {
  auto& f = registry().families;
  return i >= 0 && (size_t)i < f.size() ? f[(size_t)i].c_str() : nullptr;
}
