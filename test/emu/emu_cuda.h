// emu_cuda.h — what CUDA gives device code, for a HOST build of native/kernels/*.cu (g++ -x c++
// -include emu_cuda.h). Part of the CPU emulation of the CUDA driver (test/emu, README.md there):
// the kernels are compiled as ordinary C++, each CUDA thread of a block runs as a fiber on one OS
// thread, and the primitives below (barriers, shuffles, votes) are implemented by the scheduler in
// emu_driver.cpp. Nothing here comes from NVIDIA's headers: it is written from the CUDA C++
// Programming Guide's description of each built-in.
//
// Semantics worth knowing:
// - The blocks of a launch run on several OS threads at once (FLINT_EMU_THREADS), each OS thread
//   running whole blocks one at a time; the threads of a block run as fibers (cooperatively) on
//   their OS thread. So `__shared__` (a function-local `static thread_local`) is per block, the
//   built-in variables (threadIdx...: macros) are per fiber, and atomics (the __atomic builtins)
//   do race across blocks as on a GPU.
// - __syncthreads() waits for every thread of the block that has not exited; warp shuffles/votes
//   wait for the lanes of `mask` that have not exited (lanes = linear thread id / 32).
// - Any trivially copyable type of up to 16 bytes can be shuffled (CUDA: the arithmetic types).
// - __trap() (and a barrier deadlock) ends the launch with CUDA_ERROR_LAUNCH_FAILED.
#pragma once

#include <cmath>
#include <cstdlib>
#include <math.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <type_traits>

#define FLINT_EMU 1

// ---- qualifiers ------------------------------------------------------------------------------------
#ifdef EMU_SCAN  // build-emu.js lists the kernels of a file from its preprocessed text
#define __global__ __emu_global__
#else
#define __global__
#endif
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __shared__ static thread_local
#define __constant__
#define __managed__
#define __align__(n) __attribute__((aligned(n)))
#define __grid_constant__
// __restrict__ is understood by g++ as is.

// ---- built-in variables ------------------------------------------------------------------------------
struct uint3 { unsigned int x, y, z; };
struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int x_ = 1, unsigned int y_ = 1, unsigned int z_ = 1) : x(x_), y(y_), z(z_) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};
struct int2 { int x, y; };
struct int4 { int x, y, z, w; };
struct uint2 { unsigned int x, y; };
struct uint4 { unsigned int x, y, z, w; };
struct __align__(8) float2 { float x, y; };
struct __align__(16) float4 { float x, y, z, w; };
struct __align__(16) double2 { double x, y; };
inline float2 make_float2(float x, float y) { return float2{x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }
inline int2 make_int2(int x, int y) { return int2{x, y}; }
inline int4 make_int4(int x, int y, int z, int w) { return int4{x, y, z, w}; }
inline uint3 make_uint3(unsigned x, unsigned y, unsigned z) { return uint3{x, y, z}; }

// The built-in variables of the running CUDA thread live in a header at the top of its fiber's
// stack: every fiber stack is EMU_STACK_SIZE bytes, aligned to its size, so the header is found
// from the stack pointer (a few instructions; no TLS access, no per-switch update). emu_driver.cpp
// fills it in when a thread starts.
struct EmuBuiltins {  // at most 64 bytes
  uint3 threadIdx;
  uint3 blockIdx;
  dim3 blockDim;
  dim3 gridDim;
  void* scheduler;  // the emulator's per-OS-thread scheduler
};
#define EMU_STACK_SIZE ((uintptr_t)256 << 10)
__attribute__((always_inline)) inline EmuBuiltins* emu_builtins() {
#if defined(__x86_64__)
  uintptr_t sp;
  __asm__("movq %%rsp, %0" : "=r"(sp));  // not volatile: the same for a whole function
#else
  const uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
#endif
  // at the stack's top, which is staggered by 64-byte steps over 64 KiB from stack to stack (by the
  // stack's address), so that the tops of hundreds of fibers do not compete for the same cache sets
  const uintptr_t r = sp & ~(EMU_STACK_SIZE - 1);
  return (EmuBuiltins*)(r + EMU_STACK_SIZE - 64 - ((r / EMU_STACK_SIZE) & 1023) * 64);
}
// The lane of the running thread (linear thread id % 32).
__attribute__((always_inline)) inline unsigned emu_lane() {
  const EmuBuiltins* b = emu_builtins();
  return (b->threadIdx.x + b->blockDim.x * (b->threadIdx.y + b->blockDim.y * b->threadIdx.z)) & 31u;
}
#ifndef EMU_DRIVER
#define threadIdx (emu_builtins()->threadIdx)
#define blockIdx (emu_builtins()->blockIdx)
#define blockDim (emu_builtins()->blockDim)
#define gridDim (emu_builtins()->gridDim)
#endif
constexpr int warpSize = 32;

// ---- synchronization (emu_driver.cpp) ----------------------------------------------------------------
extern "C" {
// A block barrier at `file`:`line` of the kernel source (op 0 count, 1 and, 2 or; the result)
int emu_syncthreads_at(int op, int pred, const char* file, int line);
// One warp-level exchange: publishes `value` (size bytes), waits for the live lanes of `mask`,
// and writes the value of lane `src` (an index in the warp) to `result`. `src` < 0: no value.
void emu_warp_exchange(unsigned mask, const void* value, int size, int src, void* result);
unsigned emu_warp_ballot(unsigned mask, int pred);
unsigned emu_lane_id();
unsigned emu_active_mask();
void* emu_dynamic_shared();
// After each static __shared__ declaration (scripts/build-emu.js adds the call): the block's first
// thread to get there fills the variable with 0xFF bytes (FLINT_EMU_POISON=0: nothing).
void emu_shared_fresh(void* p, unsigned long bytes);
[[noreturn]] void emu_trap(const char* why);
}

// Macros, so that each barrier carries its place in the source: threads of one block waiting at
// different __syncthreads (a barrier in divergent code) are an error, as CUDA says. (The place in the
// machine code would not do: the compiler may copy one barrier call into two paths.)
#define __syncthreads() ((void)emu_syncthreads_at(0, 0, __FILE__, __LINE__))
#define __syncthreads_count(p) emu_syncthreads_at(0, (p), __FILE__, __LINE__)
#define __syncthreads_and(p) emu_syncthreads_at(1, (p), __FILE__, __LINE__)
#define __syncthreads_or(p) emu_syncthreads_at(2, (p), __FILE__, __LINE__)
inline void __syncwarp(unsigned mask = 0xffffffffu) { emu_warp_exchange(mask, nullptr, 0, -1, nullptr); }
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_system() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __nanosleep(unsigned ns) {  // a hint on a GPU; here it lets other OS threads run
  const struct timespec ts = {0, (long)(ns < 1000000u ? ns : 1000000u)};
  nanosleep(&ts, nullptr);
}
[[noreturn]] inline void __trap() { emu_trap("__trap() called"); }
[[noreturn]] inline void __brkpt() { emu_trap("__brkpt() called"); }
inline unsigned __activemask() { return emu_active_mask(); }

// ---- warp shuffles and votes ---------------------------------------------------------------------------
namespace emu_detail {
template <class T> inline T shfl(unsigned mask, T v, int srcInWarp) {
  static_assert(sizeof(T) <= 16 && std::is_trivially_copyable<T>::value, "emu: shuffled type must be trivially copyable, <= 16 bytes");
  T r;
  emu_warp_exchange(mask, &v, (int)sizeof(T), srcInWarp, &r);
  return r;
}
inline int segBase(int lane, int width) { return lane & ~(width - 1); }
}  // namespace emu_detail

template <class T> inline T __shfl_sync(unsigned mask, T v, int srcLane, int width = warpSize) {
  const int lane = (int)emu_lane();
  return emu_detail::shfl(mask, v, emu_detail::segBase(lane, width) + (srcLane & (width - 1)));
}
template <class T> inline T __shfl_up_sync(unsigned mask, T v, unsigned delta, int width = warpSize) {
  const int lane = (int)emu_lane();
  const int inSeg = lane & (width - 1);
  return emu_detail::shfl(mask, v, inSeg >= (int)delta ? lane - (int)delta : lane);
}
template <class T> inline T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = warpSize) {
  const int lane = (int)emu_lane();
  const int inSeg = lane & (width - 1);
  return emu_detail::shfl(mask, v, inSeg + (int)delta < width ? lane + (int)delta : lane);
}
template <class T> inline T __shfl_xor_sync(unsigned mask, T v, int laneMask, int width = warpSize) {
  const int lane = (int)emu_lane();
  const int src = lane ^ laneMask;
  return emu_detail::shfl(mask, v, src < emu_detail::segBase(lane, width) + width ? src : lane);
}
inline unsigned __ballot_sync(unsigned mask, int pred) { return emu_warp_ballot(mask, pred); }
inline int __any_sync(unsigned mask, int pred) { return (emu_warp_ballot(mask, pred) & mask) != 0; }
inline int __all_sync(unsigned mask, int pred) {
  return (emu_warp_ballot(mask, pred) & mask & emu_active_mask()) == (mask & emu_active_mask());
}

// ---- atomics (blocks run on several OS threads: these are real atomic operations) ----------------------
#define EMU_ATOMIC_INT(T)                                                                                  \
  inline T atomicAdd(T* p, T v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }                     \
  inline T atomicSub(T* p, T v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED); }                     \
  inline T atomicAnd(T* p, T v) { return __atomic_fetch_and(p, v, __ATOMIC_RELAXED); }                     \
  inline T atomicOr(T* p, T v) { return __atomic_fetch_or(p, v, __ATOMIC_RELAXED); }                       \
  inline T atomicXor(T* p, T v) { return __atomic_fetch_xor(p, v, __ATOMIC_RELAXED); }                     \
  inline T atomicExch(T* p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }                   \
  inline T atomicCAS(T* p, T cmp, T v) {                                                                   \
    __atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);                    \
    return cmp;                                                                                            \
  }                                                                                                        \
  inline T atomicMax(T* p, T v) {                                                                          \
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);                                                          \
    while (old < v && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) { \
    }                                                                                                      \
    return old;                                                                                            \
  }                                                                                                        \
  inline T atomicMin(T* p, T v) {                                                                          \
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);                                                          \
    while (old > v && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) { \
    }                                                                                                      \
    return old;                                                                                            \
  }
EMU_ATOMIC_INT(int)
EMU_ATOMIC_INT(unsigned int)
EMU_ATOMIC_INT(unsigned long long)
EMU_ATOMIC_INT(long long)
#undef EMU_ATOMIC_INT
inline unsigned short atomicCAS(unsigned short* p, unsigned short cmp, unsigned short v) {
  __atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
  return cmp;
}
#define EMU_ATOMIC_FLOAT(T)                                                                                   \
  inline T atomicAdd(T* p, T v) {                                                                             \
    T old, sum;                                                                                               \
    __atomic_load(p, &old, __ATOMIC_RELAXED);                                                                 \
    do sum = old + v;                                                                                         \
    while (!__atomic_compare_exchange(p, &old, &sum, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));              \
    return old;                                                                                               \
  }                                                                                                           \
  inline T atomicExch(T* p, T v) {                                                                            \
    T old;                                                                                                    \
    __atomic_exchange(p, &v, &old, __ATOMIC_RELAXED);                                                        \
    return old;                                                                                               \
  }
EMU_ATOMIC_FLOAT(float)
EMU_ATOMIC_FLOAT(double)
#undef EMU_ATOMIC_FLOAT
inline unsigned atomicInc(unsigned* p, unsigned limit) {
  unsigned old = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (!__atomic_compare_exchange_n(p, &old, old >= limit ? 0u : old + 1, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
  return old;
}
inline unsigned atomicDec(unsigned* p, unsigned limit) {
  unsigned old = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (!__atomic_compare_exchange_n(p, &old, (old == 0 || old > limit) ? limit : old - 1, true, __ATOMIC_RELAXED,
                                      __ATOMIC_RELAXED)) {
  }
  return old;
}
// *_block / *_system scopes behave the same here
#define atomicAdd_block atomicAdd
#define atomicAdd_system atomicAdd
#define atomicOr_block atomicOr
#define atomicCAS_block atomicCAS
#define atomicMax_block atomicMax
#define atomicMin_block atomicMin
#define atomicExch_block atomicExch

// ---- bit reinterpretation and integer intrinsics ----------------------------------------------------------
namespace emu_detail {
template <class To, class From> inline To bitCast(From f) {
  static_assert(sizeof(To) == sizeof(From), "size");
  To t;
  memcpy(&t, &f, sizeof t);
  return t;
}
}  // namespace emu_detail
inline float __int_as_float(int x) { return emu_detail::bitCast<float>(x); }
inline int __float_as_int(float x) { return emu_detail::bitCast<int>(x); }
inline float __uint_as_float(unsigned x) { return emu_detail::bitCast<float>(x); }
inline unsigned __float_as_uint(float x) { return emu_detail::bitCast<unsigned>(x); }
inline double __longlong_as_double(long long x) { return emu_detail::bitCast<double>(x); }
inline long long __double_as_longlong(double x) { return emu_detail::bitCast<long long>(x); }
inline int __double2hiint(double x) { return (int)(emu_detail::bitCast<unsigned long long>(x) >> 32); }
inline int __double2loint(double x) { return (int)(unsigned)emu_detail::bitCast<unsigned long long>(x); }
inline double __hiloint2double(int hi, int lo) {
  return emu_detail::bitCast<double>(((unsigned long long)(unsigned)hi << 32) | (unsigned)lo);
}
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned)x); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned __brev(unsigned x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  return __builtin_bswap32(x);
}
inline unsigned long long __brevll(unsigned long long x) {
  return ((unsigned long long)__brev((unsigned)x) << 32) | __brev((unsigned)(x >> 32));
}
inline int __mul24(int a, int b) { return (int)(((long long)(a << 8 >> 8)) * (b << 8 >> 8)); }
inline unsigned __umul24(unsigned a, unsigned b) { return (a & 0xffffffu) * (b & 0xffffffu); }
inline int __mulhi(int a, int b) { return (int)(((long long)a * b) >> 32); }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a * b) >> 32); }
inline long long __mul64hi(long long a, long long b) { return (long long)(((__int128)a * b) >> 64); }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
  return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}
inline unsigned __funnelshift_l(unsigned lo, unsigned hi, unsigned s) {
  return (unsigned)((((unsigned long long)hi << 32 | lo) << (s & 31)) >> 32);
}
inline unsigned __funnelshift_r(unsigned lo, unsigned hi, unsigned s) {
  return (unsigned)(((unsigned long long)hi << 32 | lo) >> (s & 31));
}
inline unsigned __byte_perm(unsigned x, unsigned y, unsigned s) {
  const unsigned long long v = ((unsigned long long)y << 32) | x;
  unsigned r = 0;
  for (int i = 0; i < 4; i++) r |= (unsigned)((v >> (((s >> (4 * i)) & 7) * 8)) & 0xff) << (8 * i);
  return r;
}
inline int __sad(int a, int b, unsigned c) { return (int)((a > b ? a - b : b - a) + c); }
inline unsigned __usad(unsigned a, unsigned b, unsigned c) { return (a > b ? a - b : b - a) + c; }

template <class T> inline T __ldg(const T* p) { return *p; }
template <class T> inline T __ldcg(const T* p) { return *p; }
template <class T> inline T __ldca(const T* p) { return *p; }
template <class T> inline T __ldcs(const T* p) { return *p; }
template <class T> inline T __ldlu(const T* p) { return *p; }
template <class T> inline T __ldcv(const T* p) { return *p; }
template <class T> inline void __stcg(T* p, T v) { *p = v; }
template <class T> inline void __stcs(T* p, T v) { *p = v; }
template <class T> inline void __stwb(T* p, T v) { *p = v; }
template <class T> inline void __stwt(T* p, T v) { *p = v; }

// ---- min / max (CUDA's global overloads; mixed types take the common type) --------------------------------
template <class A, class B,
          class = typename std::enable_if<std::is_arithmetic<A>::value && std::is_arithmetic<B>::value>::type>
inline typename std::common_type<A, B>::type min(A a, B b) {
  typedef typename std::common_type<A, B>::type C;
  return (C)a < (C)b ? (C)a : (C)b;
}
template <class A, class B,
          class = typename std::enable_if<std::is_arithmetic<A>::value && std::is_arithmetic<B>::value>::type>
inline typename std::common_type<A, B>::type max(A a, B b) {
  typedef typename std::common_type<A, B>::type C;
  return (C)a > (C)b ? (C)a : (C)b;
}
inline unsigned umin(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned umax(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long llmin(long long a, long long b) { return a < b ? a : b; }
inline long long llmax(long long a, long long b) { return a > b ? a : b; }
inline unsigned long long ullmin(unsigned long long a, unsigned long long b) { return a < b ? a : b; }
inline unsigned long long ullmax(unsigned long long a, unsigned long long b) { return a > b ? a : b; }

// ---- device math: CUDA's libdevice functions, modelled ---------------------------------------------------
// nvcc compiles expf, tanhf, erff... in kernels to CUDA's own implementations (libdevice), whose
// results are not glibc's: each may differ from the correctly rounded result by up to a documented
// number of ulps. So that CPU-vs-GPU checks see such differences on the emulator (and not first on a
// GPU), native/core/libm.h's m_* functions use this model in emulated kernels (FLINT_EMU_DEVICE_MATH):
// the correctly rounded result (glibc's function in double for float, in long double for double),
// moved by a deterministic number of ulps k, |k| <= CUDA's bound, chosen by a hash of the input bits
// (so a rerun, and every thread, gives the same bits for the same input, as a GPU does). Not modelled:
// the exact bits of libdevice (a GPU may round a given input the other way, within the same bound).
//
// The bounds: CUDA C++ Programming Guide, appendix "Mathematical Functions" (section 5.5.7, "CUDA C++
// Mathematical Standard Library Functions": docs.nvidia.com/cuda/cuda-programming-guide/
// 05-appendices/mathematical-functions.html), "maximum ULP error ... the absolute value of the
// difference in ulps between the returned value and the correctly rounded result", float / double:
//   exp 2/1  exp2 2/1  expm1 1/1  log 1/1  log2 1/1  log10 2/1  log1p 1/1  pow 4/2  sqrt 0/0
//   sin 2/2  cos 2/2  tan 4/2  asin 2/2  acos 2/2  atan 2/2  atan2 3/2  sinh 3/2  cosh 2/1
//   tanh 2/1  erf 2/2  asinh 3/2  acosh 4/2  atanh 3/2;  fabs, fmod, floor, ceil, trunc, rint, copysign: 0 (exact).
// (nvcc without --use_fast_math, as CMakeLists.txt builds: -prec-div/-prec-sqrt true, so x / y and
// sqrt are IEEE, and expf is not __expf.)
// What stays exact, as CUDA gives it (IEEE's special values): NaN, ±inf and ±0 results, results
// that are exact (exp(0) = 1, log(1) = 0, pow(2, 3) = 8), saturated results (tanh, erf = ±1 and
// sin, cos at ±1), and overflow/underflow: a result is never moved to 0, to inf or past its range.
// FLINT_EMU_HOST_MATH (build-emu.js's off switch, test/emu/README.md) compiles kernels without it.
#ifndef FLINT_EMU_HOST_MATH
#define FLINT_EMU_DEVICE_MATH 1
#endif
namespace emu_math {
inline uint64_t mix(uint64_t z) {  // splitmix64's finaliser: every input bit moves the choice
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
inline uint64_t key(float x) { uint32_t b; memcpy(&b, &x, 4); return b; }
inline uint64_t key(double x) { uint64_t b; memcpy(&b, &x, 8); return b; }
template <class T> struct Bits;
template <> struct Bits<float> { typedef uint32_t U; typedef double Wide; enum { mant = 23, emin = -126 }; };
template <> struct Bits<double> { typedef uint64_t U; typedef long double Wide; enum { mant = 52, emin = -1022 }; };

// The device's result for the correctly rounded r of a function whose infinitely precise value is
// `wide` (computed in the wider type), with CUDA's bound in ulps, for the input hash h. |result|
// never exceeds `limit` (the largest finite value, or 1 for tanh, erf, sin, cos).
template <class T> inline T device(typename Bits<T>::Wide wide, int bound, uint64_t h, T limit) {
  typedef typename Bits<T>::U U;
  const T r = (T)wide;
  if (bound == 0 || r != r || r == 0 || r - r != 0 || (typename Bits<T>::Wide)r == wide) return r;
  U bits, lim;
  memcpy(&bits, &r, sizeof r);
  memcpy(&lim, &limit, sizeof limit);
  const U sign = bits & ~(~(U)0 >> 1);
  U mag = bits & (~(U)0 >> 1);
  if (mag >= lim) return r;  // saturated (tanh(20) = 1): CUDA gives the limit itself
  // ulps counted at the exact value (Muller's ulp(x), which CUDA's table refers to): where r was
  // rounded up to a power of two, the ulps below it are half as wide as above, so a move up from
  // there is shortened to stay within the bound
  typedef typename Bits<T>::Wide W;
  const int e = std::ilogb(wide);
  const W ulpAt = std::ldexp((W)1, (e > (int)Bits<T>::emin ? e : (int)Bits<T>::emin) - (int)Bits<T>::mant);
  for (int k = (int)(mix(h) % (uint64_t)(2 * bound + 1)) - bound; k != 0; k += k < 0 ? 1 : -1) {
    U m = mag;
    if (k < 0) m = m > (U)-k ? m - (U)-k : (U)1;  // never down to 0 (underflow is r's business)
    else m = lim - m > (U)k ? m + (U)k : lim;     // never past the limit (overflow likewise)
    bits = sign | m;
    T y;
    memcpy(&y, &bits, sizeof y);
    W d = (W)y - (W)r;
    if (d < 0) d = -d;
    if (d <= (W)bound * ulpAt) return y;
  }
  return r;
}

// One function: the float and double versions with CUDA's bounds fb, db (the table above) and the
// limit of |result| (BIG: the largest finite value; ONE: 1); `id` makes the ulp choice differ
// between functions for the same input.
#define EMU_DM_BIG_F 3.40282347e38f
#define EMU_DM_BIG_D 1.7976931348623157e308
#define EMU_DM_ONE_F 1.0f
#define EMU_DM_ONE_D 1.0
#define EMU_DM1(name, fb, db, lim, id)                                                              \
  inline float name(float x) {                                                                       \
    return device<float>(::name((double)x), fb, mix(key(x) * 64 + id), EMU_DM_##lim##_F);           \
  }                                                                                                  \
  inline double name(double x) {                                                                     \
    return device<double>(::name##l((long double)x), db, mix(key(x) * 64 + id), EMU_DM_##lim##_D);  \
  }
#define EMU_DM2(name, fb, db, id)                                                                          \
  inline float name(float x, float y) {                                                                     \
    return device<float>(::name((double)x, (double)y), fb, mix(key(x) * 64 + id) ^ key(y), EMU_DM_BIG_F);   \
  }                                                                                                         \
  inline double name(double x, double y) {                                                                  \
    return device<double>(::name##l((long double)x, (long double)y), db, mix(key(x) * 64 + id) ^ key(y),    \
                          EMU_DM_BIG_D);                                                                    \
  }
EMU_DM1(exp, 2, 1, BIG, 1) EMU_DM1(exp2, 2, 1, BIG, 2) EMU_DM1(expm1, 1, 1, BIG, 3) EMU_DM1(log, 1, 1, BIG, 4)
EMU_DM1(log2, 1, 1, BIG, 5) EMU_DM1(log10, 2, 1, BIG, 6) EMU_DM1(log1p, 1, 1, BIG, 7)
EMU_DM1(sin, 2, 2, ONE, 8) EMU_DM1(cos, 2, 2, ONE, 9) EMU_DM1(tan, 4, 2, BIG, 10) EMU_DM1(asin, 2, 2, BIG, 11)
EMU_DM1(acos, 2, 2, BIG, 12) EMU_DM1(atan, 2, 2, BIG, 13) EMU_DM1(sinh, 3, 2, BIG, 14)
EMU_DM1(cosh, 2, 1, BIG, 15) EMU_DM1(tanh, 2, 1, ONE, 16) EMU_DM1(erf, 2, 2, ONE, 17)
EMU_DM2(pow, 4, 2, 18) EMU_DM2(atan2, 3, 2, 19)
EMU_DM1(asinh, 3, 2, BIG, 20) EMU_DM1(acosh, 4, 2, BIG, 21) EMU_DM1(atanh, 3, 2, BIG, 22)
#undef EMU_DM1
#undef EMU_DM2
inline float sqrt(float x) { return ::sqrtf(x); }  // 0 ulp: IEEE (nvcc's default -prec-sqrt=true)
inline double sqrt(double x) { return ::sqrt(x); }
}  // namespace emu_math

// An operation whose result must be rounded on its own: the value passes through an empty asm, so
// that -ffp-contract=fast (build-emu.js: nvcc's -fmad=true) cannot fuse it into an FMA. CUDA's
// __fmul_rn/__fadd_rn... are never contracted; plain a * b + c in kernels is, as under nvcc.
namespace emu_detail {
template <class T> __attribute__((always_inline)) inline T rounded(T v) {
#if defined(__x86_64__)
  __asm__("" : "+x"(v));
#elif defined(__aarch64__)
  __asm__("" : "+w"(v));
#else
  __asm__("" : "+m"(v));
#endif
  return v;
}
}  // namespace emu_detail

// ---- float intrinsics (fast-math flavours computed exactly) ------------------------------------------------
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float rcbrtf(float x) { return 1.0f / cbrtf(x); }
inline double rcbrt(double x) { return 1.0 / cbrt(x); }
inline float __expf(float x) { return expf(x); }
inline float __exp10f(float x) { return powf(10.0f, x); }
inline float exp10f(float x) { return powf(10.0f, x); }
inline float __logf(float x) { return logf(x); }
inline float __log2f(float x) { return log2f(x); }
inline float __log10f(float x) { return log10f(x); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanf(float x) { return tanf(x); }
inline void __sincosf(float x, float* s, float* c) { *s = sinf(x); *c = cosf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __fdividef(float x, float y) { return x / y; }
inline float fdividef(float x, float y) { return x / y; }
inline double __ddiv_rn(double x, double y) { return x / y; }
inline float __fdiv_rn(float x, float y) { return x / y; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline double __drcp_rn(double x) { return 1.0 / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline double __dsqrt_rn(double x) { return sqrt(x); }
inline float __fadd_rn(float a, float b) { return emu_detail::rounded(emu_detail::rounded(a) + emu_detail::rounded(b)); }
inline float __fsub_rn(float a, float b) { return emu_detail::rounded(emu_detail::rounded(a) - emu_detail::rounded(b)); }
inline float __fmul_rn(float a, float b) { return emu_detail::rounded(a * b); }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline double __dadd_rn(double a, double b) { return emu_detail::rounded(emu_detail::rounded(a) + emu_detail::rounded(b)); }
inline double __dsub_rn(double a, double b) { return emu_detail::rounded(emu_detail::rounded(a) - emu_detail::rounded(b)); }
inline double __dmul_rn(double a, double b) { return emu_detail::rounded(a * b); }
inline double __fma_rn(double a, double b, double c) { return fma(a, b, c); }
inline float __saturatef(float x) { return x != x ? 0.0f : x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x; }
inline float saturate(float x) { return __saturatef(x); }
inline int __float2int_rn(float x) { return (int)nearbyintf(x); }
inline int __float2int_rz(float x) { return (int)x; }
inline int __float2int_rd(float x) { return (int)floorf(x); }
inline int __float2int_ru(float x) { return (int)ceilf(x); }
inline unsigned __float2uint_rn(float x) { return (unsigned)nearbyintf(x); }
inline unsigned __float2uint_rz(float x) { return (unsigned)x; }
inline long long __float2ll_rn(float x) { return (long long)nearbyintf(x); }
inline long long __float2ll_rz(float x) { return (long long)x; }
inline int __double2int_rn(double x) { return (int)nearbyint(x); }
inline int __double2int_rz(double x) { return (int)x; }
inline long long __double2ll_rn(double x) { return (long long)nearbyint(x); }
inline long long __double2ll_rz(double x) { return (long long)x; }
inline float __double2float_rn(double x) { return (float)x; }
inline float __int2float_rn(int x) { return (float)x; }
inline double __int2double_rn(int x) { return (double)x; }
inline float __ll2float_rn(long long x) { return (float)x; }
inline double __ll2double_rn(long long x) { return (double)x; }
inline float __uint2float_rn(unsigned x) { return (float)x; }
inline int __isnanf(float x) { return x != x; }
inline int __isinff(float x) { return isinf(x); }
inline float normcdff(float x) { return 0.5f * erfcf(-x * 0.70710678118654752f); }
inline double normcdf(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); }
inline void sincospif(float x, float* s, float* c) {
  *s = sinf(x * 3.14159265358979323846f);
  *c = cosf(x * 3.14159265358979323846f);
}
inline float sinpif(float x) { return sinf(x * 3.14159265358979323846f); }
inline float cospif(float x) { return cosf(x * 3.14159265358979323846f); }
inline double sinpi(double x) { return sin(x * 3.14159265358979323846); }
inline double cospi(double x) { return cos(x * 3.14159265358979323846); }
