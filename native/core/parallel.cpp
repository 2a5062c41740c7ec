// parallel.cpp — the thread pool behind parallelFor: workers sleep on a condition variable; a job
// is cut into up to kChunksPerThread chunks per thread, which the caller and the woken workers
// claim one at a time (an atomic ticket that carries the job's number: Pool::ticket), the caller
// first.
//
// Why several chunks per thread: on a loaded machine a woken worker may start late or be preempted
// mid-chunk. With one chunk per thread the caller would then finish its half and sleep until that worker runs again (a scheduler time
// slice, milliseconds); with small chunks the caller takes whatever is still unclaimed and waits
// at most for the one chunk a worker holds. It then sleeps on a condition variable: no spinning or
// yielding, which on a loaded machine would hand its core to other processes.
#include "parallel.h"
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace flint {
namespace {

constexpr int kChunksPerThread = 4;

// Set on a thread while it runs a job's chunks: a parallelFor called from inside a chunk runs inline
// on that thread instead of waiting for the pool that is busy with its caller (a deadlock on callMu
// otherwise). No kernel nests today (the GEMM slices call a single-threaded BLAS); this keeps a
// future one from hanging.
thread_local bool inJob = false;
struct InJob {
  bool prev;
  InJob() : prev(inJob) { inJob = true; }
  ~InJob() { inJob = prev; }
};

// One parallelFor call as the workers see it: copied under the pool's lock when they wake.
struct Job {
  const std::function<void(int64_t, int64_t)>* fn = nullptr;
  int64_t n = 0, chunk = 0;
  uint32_t chunks = 0;
};

struct Pool {
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable wake, done;
  Job job;             // the current job (guarded by mu)
  uint32_t epoch = 0;  // its number (guarded by mu)
  // Claims: (epoch << 32) | the next unclaimed chunk. A chunk is claimed by a compare-and-swap that
  // also checks the epoch, so a worker still looping over an earlier job (preempted between its
  // last chunk and its next claim) can never take, or count down, a chunk of the next one: with a
  // plain counter reset per job it could, and a chunk was then lost and the caller waited for it
  // forever (seen once in a few thousand char transformer steps on this 2-core machine).
  std::atomic<uint64_t> ticket{0};
  std::atomic<int> remaining{0};
  std::exception_ptr error;  // the first exception a chunk threw; rethrown on the calling thread
  bool stop = false;
  int threads = 1;

  Pool() {
    int hw = (int)std::thread::hardware_concurrency();
    const char* env = std::getenv("FLINT_NUM_THREADS");
    threads = std::min(kMaxThreads, env ? std::max(1, std::atoi(env)) : std::max(1, hw));
  }
  ~Pool() {
    { std::lock_guard<std::mutex> l(mu); stop = true; }
    wake.notify_all();
    for (auto& w : workers) w.detach();  // process exit: do not join inside static destruction
  }
  // A thread the system refuses to start (EAGAIN: a process or memory limit) lowers the pool to the
  // threads it has, instead of an exception that would end the process inside a kernel call.
  void ensureWorkers() {
    while ((int)workers.size() < threads - 1) {
      try {
        workers.emplace_back([this] { loop(); });
      } catch (const std::system_error&) {
        threads = (int)workers.size() + 1;
        break;
      }
    }
  }
  // Runs chunks of job j (number e) until none is left unclaimed; j.fn is only touched for a
  // chunk claimed under e, and job e's caller waits for every such chunk before it returns.
  void runChunks(const Job& j, uint32_t e) {
    for (;;) {
      uint64_t t = ticket.load();
      for (;;) {
        if ((uint32_t)(t >> 32) != e || (uint32_t)t >= j.chunks) return;
        if (ticket.compare_exchange_weak(t, t + 1)) break;
      }
      const int64_t b = (int64_t)(uint32_t)t * j.chunk, end = std::min(j.n, b + j.chunk);
      try {
        (*j.fn)(b, end);
      } catch (...) {
        std::lock_guard<std::mutex> l(mu);
        if (!error) error = std::current_exception();
      }
      if (remaining.fetch_sub(1) == 1) { std::lock_guard<std::mutex> l(mu); done.notify_all(); }
    }
  }
  void loop() {
    uint32_t seen = 0;
    for (;;) {
      Job j;
      uint32_t e;
      {
        std::unique_lock<std::mutex> l(mu);
        wake.wait(l, [&] { return stop || epoch != seen; });
        if (stop) return;
        seen = e = epoch;
        j = job;
      }
      InJob mark;
      runChunks(j, e);
    }
  }
};

Pool& pool() { static Pool* p = new Pool(); return *p; }
std::mutex callMu;  // one parallel job at a time (JS calls come from one thread anyway)

}  // namespace

int numThreads() { return pool().threads; }
void setNumThreads(int n) { std::lock_guard<std::mutex> l(callMu); pool().threads = std::min(kMaxThreads, std::max(1, n)); }

void parallelForImpl(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (inJob) { fn(0, n); return; }
  std::lock_guard<std::mutex> guard(callMu);
  Pool& p = pool();
  p.ensureWorkers();
  // chunks of at least one grain, several per thread (see the file comment)
  int64_t maxChunks = std::max<int64_t>(1, n / std::max<int64_t>(1, grain));
  int chunks = (int)std::min<int64_t>((int64_t)p.threads * kChunksPerThread, maxChunks);
  const int64_t chunk = (n + chunks - 1) / chunks;
  chunks = (int)((n + chunk - 1) / chunk);  // no empty chunk at the end
  if (chunks <= 1) { fn(0, n); return; }
  Job j;
  j.fn = &fn; j.n = n; j.chunk = chunk; j.chunks = (uint32_t)chunks;
  uint32_t e;
  {
    std::lock_guard<std::mutex> l(p.mu);
    p.job = j;
    p.remaining = chunks;
    p.error = nullptr;
    e = ++p.epoch;
    p.ticket.store((uint64_t)e << 32);  // last: opens the job's chunks to claims
  }
  p.wake.notify_all();
  {
    InJob mark;
    p.runChunks(j, e);
  }
  std::unique_lock<std::mutex> l(p.mu);
  p.done.wait(l, [&] { return p.remaining.load() == 0; });
  p.job = Job();
  if (p.error) { std::exception_ptr e = p.error; p.error = nullptr; std::rethrow_exception(e); }
}

}  // namespace flint
