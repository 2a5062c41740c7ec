// emutest.cu — kernels that exercise the emulator's scheduler itself (barriers with exited threads,
// warp shuffles with widths and divergent masks, votes, atomics, dynamic shared memory, multi-dim
// blocks, a deadlock, a trap, an out-of-bounds write). Compiled into the emulator only (by
// scripts/build-emu.js, next to native/kernels/*.cu); run by test/emu/selftest.cpp.
// Plain CUDA C++: nvcc would compile it too.
#include "core/libm.h"

// out[t] = s[n - 1 - t] * 10000 + (number of live threads with odd t), where every third thread
// exits before the counting barrier. Any block shape.
extern "C" __global__ void flint_emutest_barriers(int* out) {
  __shared__ int s[1024];
  const int n = blockDim.x * blockDim.y * blockDim.z;
  const int t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  int* o = out + (blockIdx.x + gridDim.x * blockIdx.y) * n;
  s[t] = t + blockIdx.x;
  __syncthreads();
  const int v = s[n - 1 - t];
  __syncthreads();  // nobody writes s again, but keep the pattern of a real kernel
  if (t % 3 == 2) {
    o[t] = v * 10000;
    return;
  }
  const int c = __syncthreads_count(t % 2);
  o[t] = v * 10000 + c;
}

// Five shuffles and a ballot per thread; one block of 1-D threads; out has 8 ints per thread.
extern "C" __global__ void flint_emutest_warp(int* out) {
  const int t = threadIdx.x;
  int* o = out + 8 * t;
  o[0] = __shfl_down_sync(0xffffffffu, t, 3);
  o[1] = __shfl_sync(0xffffffffu, t, 5, 8);
  o[2] = __shfl_xor_sync(0xffffffffu, t, 16);
  o[3] = __shfl_up_sync(0xffffffffu, t, 1, 16);
  o[4] = (int)__ballot_sync(0xffffffffu, t % 5 == 0);
  const double d = __shfl_xor_sync(0xffffffffu, (double)t * 0.5, 1);  // 8-byte values
  o[5] = (int)(d * 2);
  const int lane = t % 32;
  // divergent halves, each with its own mask
  if (lane < 16) o[6] = __shfl_xor_sync(0x0000ffffu, t, 1);
  else o[6] = __shfl_xor_sync(0xffff0000u, t, 2);
  // lanes >= 20 leave; the others shuffle among the active lanes
  if (lane >= 20) { o[7] = -1; return; }
  o[7] = __shfl_xor_sync(__activemask(), t, 4);
}

// Contended atomics from every thread of every block: sum[0] += 1 (float), sum[1] += t (int),
// sum[2] = max(t), sum[3] |= 1 << (t % 31).
extern "C" __global__ void flint_emutest_atomics(float* f, int* i) {
  const int t = blockIdx.x * blockDim.x + threadIdx.x;
  atomicAdd(f, 1.0f);
  atomicAdd(i, t);
  atomicMax(i + 1, t);
  atomicOr(i + 2, 1 << (t % 31));
  __syncthreads();
  atomicAdd(i + 3, 1);
}

// Dynamic shared memory: out[t] = n - 1 - t through a reversal in shared memory.
extern "C" __global__ void flint_emutest_dynshared(float* out) {
  extern __shared__ float dyn[];
  const int t = threadIdx.x;
  dyn[t] = (float)t;
  __syncthreads();
  out[blockIdx.x * blockDim.x + t] = dyn[blockDim.x - 1 - t];
}

// Thread 0 waits for lane 1 at a warp sync while lane 1 waits at __syncthreads: a deadlock.
extern "C" __global__ void flint_emutest_deadlock(int* out) {
  if (threadIdx.x == 0) __syncwarp(3u);
  else __syncthreads();
  out[threadIdx.x] = 1;
}

// Traps in block 1, thread 7 (after a barrier, so that other threads are suspended).
extern "C" __global__ void flint_emutest_trap(int* out) {
  __syncthreads();
  if (blockIdx.x == 1 && threadIdx.x == 7) __trap();
  out[blockIdx.x * blockDim.x + threadIdx.x] = 1;
}

// Writes out[0..n) with a grid-stride loop: with n past the allocation this writes out of bounds.
extern "C" __global__ void flint_emutest_write(float* out, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    out[i] = 1.0f;
}

// Deep-ish stack use on every thread (a 16 KiB local array), with a barrier in between.
extern "C" __global__ void flint_emutest_stack(int* out) {
  volatile int local[4096];
  for (int i = 0; i < 4096; i++) local[i] = i + threadIdx.x;
  __syncthreads();
  int s = 0;
  for (int i = 0; i < 4096; i++) s += local[i];
  out[threadIdx.x] = s;
}

// Holds its stream: spins until the host sets *flag (host memory; a GPU needs it mapped), then
// *out = *flag. The tests of the asynchronous model use it to keep work queued behind it.
extern "C" __global__ void flint_emutest_hold(const volatile int* flag, int* out) {
  while (*flag == 0) __nanosleep(100000);
  *out = *flag;
}

// out[0] = in[0] + add (one thread): a kernel whose result shows whether it ran after another.
extern "C" __global__ void flint_emutest_add(const int* in, int* out, int add) { out[0] = in[0] + add; }

// Every block copies its 256 values through shared memory, reversed, with a barrier in between,
// and counts into shared memory with atomics: out[b * 256 + t] = in[b * 256 + 255 - t] + count.
// Many blocks at once on several OS threads: __shared__ must be per block.
extern "C" __global__ void flint_emutest_shared(const int* in, int* out) {
  __shared__ int s[256];
  __shared__ int count;
  const int t = threadIdx.x, b = blockIdx.x;
  if (t == 0) count = 0;
  s[t] = in[b * 256 + t];
  __syncthreads();
  atomicAdd(&count, 1);
  const int v = s[255 - t];
  __syncthreads();
  out[b * 256 + t] = v + count;
}

// The order in which the threads of each block start and resume after a barrier (FLINT_EMU_ORDER):
// start[b * n + k] is the k-th thread of block b to start, resume[b * n + k] the k-th to pass the
// barrier. counters: 2 zeroed ints per block.
extern "C" __global__ void flint_emutest_order(int* counters, int* start, int* resume) {
  const int n = blockDim.x, b = blockIdx.x, t = threadIdx.x;
  start[b * n + atomicAdd(&counters[2 * b], 1)] = t;
  __syncthreads();
  resume[b * n + atomicAdd(&counters[2 * b + 1], 1)] = t;
}

// A race: every thread writes s[t] = t + 1 and reads its neighbour's s[(t + 1) % n] with no barrier
// in between. On a GPU the value read depends on timing; on the emulator, on the thread order.
extern "C" __global__ void flint_emutest_race(int* out) {
  __shared__ int s[1024];
  const int t = threadIdx.x, n = blockDim.x;
  s[t] = t + 1;
  out[blockIdx.x * n + t] = s[(t + 1) % n];
}

// Reads shared memory (static, or dynamic when `dynamic`) before anything was written to it in this
// block, then writes 7 there: out = what the block found.
extern "C" __global__ void flint_emutest_uninit(int* out, int dynamic) {
  __shared__ int u[256];
  extern __shared__ int du[];
  int* p = dynamic ? du : u;
  const int t = threadIdx.x;
  out[blockIdx.x * blockDim.x + t] = p[t];
  __syncthreads();
  p[t] = 7;
}

// The order in which blocks run: out[k] = the k-th block to start (one thread per block counts).
extern "C" __global__ void flint_emutest_blockorder(int* counter, int* out) {
  if (threadIdx.x == 0) out[atomicAdd(counter, 1)] = blockIdx.x;
}

// A barrier in divergent code: threads below 16 wait at one __syncthreads, the others at another
// (undefined in CUDA: the condition of a barrier's branch must be the same for the whole block).
extern "C" __global__ void flint_emutest_divergent(int* out) {
  const int t = threadIdx.x;
  if (t < 16) {
    out[t] = 1;
    __syncthreads();
    out[t] += 10;
  } else {
    out[t] = 2;
    __syncthreads();
    out[t] += 20;
  }
}

// Code whose answer on x86 is not a GPU's, one kind per `which` (64 threads; k = 0 is harmless for
// 0-2): 0 an index past a __shared__ array (k = 1: thread 63 reads s[64]), 1 a shift by k (32: the
// type's width), 2 a float-to-int conversion of k * 1e10, 3 a division by k (0).
extern "C" __global__ void flint_emutest_ub(int* out, int which, int k) {
  __shared__ int s[64];
  const int t = threadIdx.x;
  s[t] = t;
  __syncthreads();
  if (which == 0) out[t] = s[t + k];
  else if (which == 1) out[t] = 1 << k;
  else if (which == 2) out[t] = (int)((float)k * 1e10f);
  else out[t] = t / k;
}

// The kernels' math, as flintml's kernels call it (core/libm.h: CUDA's expf... under nvcc; on the
// emulator, emu_cuda.h's model of them): out[4 * i + k] = exp, tanh, erf, log(|x|) of x[i].
template <class T> __device__ void emutestMath(const T* x, T* out, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    out[4 * i] = flint::m_exp(x[i]);
    out[4 * i + 1] = flint::m_tanh(x[i]);
    out[4 * i + 2] = flint::m_erf(x[i]);
    out[4 * i + 3] = flint::m_log(flint::m_fabs(x[i]));
  }
}
extern "C" __global__ void flint_emutest_math_f32(const float* x, float* out, int n) { emutestMath(x, out, n); }
extern "C" __global__ void flint_emutest_math_f64(const double* x, double* out, int n) { emutestMath(x, out, n); }

// a * b + c as a kernel writes it, which nvcc contracts into one FMA (one rounding; -fmad=true is its
// default), and __fmul_rn(a, b) + c, which it never contracts (two roundings), in float and double
// (one thread). mode[0] = 0 when the emulator was built with its off switch (FLINT_EMU_HOST_MATH:
// no contraction, the host's libm), 1 otherwise.
extern "C" __global__ void flint_emutest_fma(const float* f, const double* d, float* fo, double* dout, int* mode) {
  fo[0] = f[0] * f[1] + f[2];
  fo[1] = __fmul_rn(f[0], f[1]) + f[2];
  dout[0] = d[0] * d[1] + d[2];
  dout[1] = __dmul_rn(d[0], d[1]) + d[2];
#if defined(FLINT_EMU) && !defined(FLINT_EMU_DEVICE_MATH)
  mode[0] = 0;
#else
  mode[0] = 1;
#endif
}
