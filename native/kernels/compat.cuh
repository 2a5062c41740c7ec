// compat.cuh — the portability header of the GPU kernels (native/kernels/*.cu).
//
// Kernels are written once in CUDA C++. This header maps the few names that differ between CUDA
// (nvcc) and HIP (hipcc, HIP_PLATFORM=amd), in the style of ggml's vendor headers, and gives the
// kernels the 16-bit float storage types and load/store of native/core/dtype.h (FLINT_HD, one
// definition for both sides), so that no cuda_fp16.h / hip_fp16.h is needed and the bits match the
// CPU backend exactly.
//
// Both sides are compiled by the build (CMakeLists.txt) and in CI: nvcc 13 for sm_75..120, nvcc 11.8
// for sm_60..90 (the image set for older drivers: no sm_60/70 guard is needed so far, as the 16-bit
// floats are dtype.h's integer-bit types and the atomics used exist from sm_60), Debian 12's hipcc (ROCm
// 5.2, clang 15, HIP_PLATFORM=amd, --genco) for gfx900/906/908/90a/1030, Debian 12's clang-19 with
// ROCm 5.2's device libraries for gfx942/1100/1101/1102/1200/1201, and, for any other AMD GPU, the
// HIP runtime's hiprtc at first use (__HIPCC_RTC__ below; native/gpu/hiprtc.h).
// A kernel that needs something vendor-specific gets it from here, never from an #if in its .cu.
// HIP notes for kernel writers:
//  - FLINT_WARP_SIZE is a per-arch compile-time constant: 64 on gfx9 (wave64), 32 on gfx10+
//    (wave32), 32 on NVIDIA. One .hsaco holds code objects of both kinds, so host code must never
//    assume a warp size (ask the device, gpu::warpSize()), and kernels must only use it through this
//    macro (warp-level loops, scratch arrays of FLINT_BLOCK / FLINT_WARP_SIZE).
//  - Lanes of a wave run in lockstep on AMD; shuffles take no mask there. Use shflXor/shflUp and
//    syncWarp() below, not __shfl_*_sync / __syncwarp / __ballot_sync / __activemask (a 64-bit mask
//    on AMD), which ROCm 5.2 does not have.
//  - atomicAdd/atomicOr/atomicCAS on int/unsigned/unsigned long long/float/double, __int_as_float,
//    __longlong_as_double, the libm names (expf, exp, ...), __launch_bounds__(FLINT_BLOCK) and static
//    __shared__ arrays work unchanged with HIP.
#pragma once

// hipcc (clang in HIP mode) defines __HIP__; <hip/hip_runtime.h> then defines __HIP_PLATFORM_AMD__,
// __forceinline__, the shuffles, atomics and device math. FLINT_HIP is what the rest of this header
// tests. nvcc never defines __HIP__.
#if defined(__HIPCC_RTC__)
// hiprtc (compiled at first use, native/gpu/hiprtc.cpp) has the HIP runtime built in and must not
// see system headers: its built-in std::is_same / int64_t clash with theirs. It defines int32_t,
// int64_t and their unsigned twins; the rest is declared here, and native/kernels/rtc/ holds empty
// stand-ins for the <cmath>, <cstdint>, ... that the shared native/core headers include.
#define FLINT_HIP 1
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
namespace std {
using ::memcpy;
using ::memset;
}
#if !defined(offsetof)
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
#elif defined(__HIP__)
#include <hip/hip_runtime.h>
#define FLINT_HIP 1
#endif

#if !defined(__HIPCC_RTC__)
#include <stdint.h>
#endif
// The kernels share host headers of native/core (dtype.h, the per-family op headers); FLINT_KERNELS
// keeps out of those headers what only the host side uses (OpCall helpers, typed errors).
#define FLINT_KERNELS 1
#include "../core/dtype.h"

// FLINT_HD comes from native/core/hd.h (through dtype.h), shared with the host headers.
#define FLINT_DEV __device__ __forceinline__

// Kernels are exported with C linkage so that the loader finds them by a predictable name
// (cuModuleGetFunction / hipModuleGetFunction).
#define FLINT_KERNEL extern "C" __global__

#if defined(FLINT_HIP)
// clang defines the wavefront size for each --offload-arch it compiles device code for (newer clang
// spells it with trailing underscores as well). The host pass of a HIP compile has neither; it
// compiles no kernel body, and 64 there only keeps declarations well-formed.
#if defined(__AMDGCN_WAVEFRONT_SIZE__)
#define FLINT_WARP_SIZE __AMDGCN_WAVEFRONT_SIZE__
#elif defined(__AMDGCN_WAVEFRONT_SIZE)
#define FLINT_WARP_SIZE __AMDGCN_WAVEFRONT_SIZE  // 64 on gfx9 (wave64), 32 on gfx10+ (wave32)
#elif defined(__HIP_DEVICE_COMPILE__)
#error "compat.cuh: this hipcc does not say the wavefront size of the target"
#else
#define FLINT_WARP_SIZE 64
#endif
#else
#define FLINT_WARP_SIZE 32
#endif

// Threads per block used by every kernel of this folder; the loader launches with this many.
#define FLINT_BLOCK 256
#define FLINT_MAX_DIMS 16

namespace flint {
namespace kern {

typedef int64_t index_t;  // element counts and strides (in elements)
typedef unsigned long long uaddr_t;  // a device pointer as an integer (uintptr_t, which hiprtc lacks)
static_assert(sizeof(uaddr_t) == sizeof(void*), "uaddr_t holds a pointer");

// ---- warp shuffles -------------------------------------------------------------------------------

// Every lane of the warp must call them (all kernels here keep whole warps converged around
// shuffles). T: int, unsigned, int64_t, uint64_t, float, double (both vendors overload these).
#if defined(FLINT_HIP)
template <class T> FLINT_DEV T shflXor(T v, int mask) { return __shfl_xor(v, mask, FLINT_WARP_SIZE); }
template <class T> FLINT_DEV T shflUp(T v, int delta) { return __shfl_up(v, delta, FLINT_WARP_SIZE); }
// Orders the warp's shared-memory accesses (lanes of a wave already run in lockstep on AMD).
FLINT_DEV void syncWarp() { __builtin_amdgcn_wave_barrier(); }
#else
template <class T> FLINT_DEV T shflXor(T v, int mask) { return __shfl_xor_sync(0xffffffffu, v, mask, FLINT_WARP_SIZE); }
template <class T> FLINT_DEV T shflUp(T v, int delta) { return __shfl_up_sync(0xffffffffu, v, delta, FLINT_WARP_SIZE); }
FLINT_DEV void syncWarp() { __syncwarp(); }
#endif
// bool has no shuffle overload: go through int
template <> FLINT_DEV bool shflXor<bool>(bool v, int mask) { return shflXor<int>((int)v, mask) != 0; }

// ---- 16-bit float storage, compute types, load and store -----------------------------------------
// One definition with the CPU backend: native/core/dtype.h (FLINT_HD functions, bit-exact on both).
using ::flint::Half;
using ::flint::BFloat16;
using ::flint::bitsToFloat;
using ::flint::floatToBits;
using ::flint::halfToFloat;
using ::flint::floatToHalf;
using ::flint::bf16ToFloat;
using ::flint::floatToBf16;
using ::flint::ComputeT;
using ::flint::load;
using ::flint::store;

template <class T> struct IsFloat { static constexpr bool value = false; };
template <> struct IsFloat<float> { static constexpr bool value = true; };
template <> struct IsFloat<double> { static constexpr bool value = true; };
template <> struct IsFloat<Half> { static constexpr bool value = true; };
template <> struct IsFloat<BFloat16> { static constexpr bool value = true; };

// The accumulator type of reductions (reduce.cu, softmax.cu): float for every compute type but double.
template <class T> struct AccT { typedef float type; };
template <> struct AccT<double> { typedef double type; };

template <class A, class B> struct IsSame { static constexpr bool value = false; };
template <class A> struct IsSame<A, A> { static constexpr bool value = true; };

template <bool B, class X, class Y> struct Conditional { typedef X type; };
template <class X, class Y> struct Conditional<false, X, Y> { typedef Y type; };

template <class T> FLINT_DEV T posInf();
template <> FLINT_DEV float posInf<float>() { return __int_as_float(0x7f800000); }
template <> FLINT_DEV double posInf<double>() { return __longlong_as_double(0x7ff0000000000000LL); }

// ---- block-wide helpers ---------------------------------------------------------------------------

// Reduce `v` over the warp with `f` (butterfly: every lane ends with the result).
template <class T, class F> FLINT_DEV T warpReduce(T v, F f) {
  for (int m = FLINT_WARP_SIZE / 2; m > 0; m >>= 1) v = f(v, shflXor(v, m));
  return v;
}

// Reduce over the block (blockDim.x a multiple of the warp size, <= FLINT_BLOCK); every thread gets
// the result. `scratch` holds FLINT_BLOCK / FLINT_WARP_SIZE values. Contains __syncthreads.
template <class T, class F> FLINT_DEV T blockReduce(T v, F f, T* scratch) {
  const int lane = threadIdx.x % FLINT_WARP_SIZE, warp = threadIdx.x / FLINT_WARP_SIZE;
  const int nwarps = blockDim.x / FLINT_WARP_SIZE;
  v = warpReduce(v, f);
  __syncthreads();  // scratch may still be read by an earlier call
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = scratch[0];
  for (int w = 1; w < nwarps; w++) v = f(v, scratch[w]);  // in warp order: deterministic
  return v;
}

// The column-group layout (a block per warp-width group of adjacent columns, lane l of every warp
// folding column l over that warp's share of the rows): combine the warps' partials of each column
// with `f` in warp order (deterministic); the lanes of warp 0 get their column's result, the others
// their own partial. `scratch` holds FLINT_BLOCK values. Contains __syncthreads: every thread of the
// block calls it.
template <class T, class F> FLINT_DEV T columnReduce(T v, F f, T* scratch) {
  const int lane = threadIdx.x % FLINT_WARP_SIZE, warp = threadIdx.x / FLINT_WARP_SIZE;
  const int nwarps = blockDim.x / FLINT_WARP_SIZE;
  __syncthreads();  // scratch may still be read by an earlier call
  scratch[threadIdx.x] = v;
  __syncthreads();
  if (warp == 0)
    for (int w = 1; w < nwarps; w++) v = f(v, scratch[w * FLINT_WARP_SIZE + lane]);
  return v;
}

}  // namespace kern
}  // namespace flint

// ---- what every kernel file's extern "C" entry points share --------------------------------------
// The dtype suffixes of kernel names, in DType order; a kernel file instantiates its entry points
// with FLINT_DTYPES(MACRO) or FLINT_FLOAT_DTYPES(MACRO), MACRO(suffix, storage type).
using flint::kern::index_t;
using flint::Half;
using flint::BFloat16;
#define FLINT_FLOAT_DTYPES(X) X(f32, float) X(f64, double) X(f16, Half) X(bf16, BFloat16)
#define FLINT_DTYPES(X) FLINT_FLOAT_DTYPES(X) X(i32, int32_t) X(u8, uint8_t) X(bool, bool)
