// hip_api.h — the AMD HIP table: the entry points of libamdhip64.so.{7,6,5} that flintml uses,
// found with dlopen/dlsym at run time. No ROCm header or SDK is needed to build.
//
// Every type, constant and prototype below is declared by hand from AMD's public "HIP Runtime API
// reference" (rocm.docs.amd.com/projects/HIP); each line names the documented function or enum it
// mirrors. Handles are opaque pointers. No struct layout is relied on: device facts come from
// hipDeviceGetName / hipDeviceGetAttribute / hipDeviceTotalMem. The one exception is the gfx
// architecture string, which HIP exposes only inside hipDeviceProp_t (gcnArchName); the discovery
// code reads it layout-free (see gcnArchOf in device.cpp).
//
// The table mirrors CudaApi field for field (cuMemAlloc <-> hipMalloc, ...), so the backend code
// above it is written once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>
#include "dl_table.h"

namespace flint {
namespace gpu {

// --- Types --------------------------------------------------------------------------------------
using hipError_t = int;  // enum hipError_t
using hipDevice_t = int;
using hipDeviceptr_t = void*;
using hipModule_t = struct ihipModule_t*;
using hipFunction_t = struct ihipModuleSymbol_t*;
using hipStream_t = struct ihipStream_t*;
using hipEvent_t = struct ihipEvent_t*;

// hipError_t values used by name (HIP keeps CUDA's numbers for these).
constexpr hipError_t hipSuccess = 0;
constexpr hipError_t hipErrorNoDevice = 100;
constexpr hipError_t hipErrorInvalidDevice = 101;
constexpr hipError_t hipErrorNotReady = 600;
constexpr hipError_t hipErrorNotSupported = 801;

// hipDeviceAttribute_t values used (the CUDA-compatible block of the enum).
constexpr int hipDeviceAttributeComputeCapabilityMajor = 23;
constexpr int hipDeviceAttributeComputeCapabilityMinor = 61;
constexpr int hipDeviceAttributeMultiprocessorCount = 63;

// Flags (hipStreamCreateWithFlags, hipEventCreateWithFlags, hipHostMalloc).
constexpr unsigned hipStreamNonBlocking = 0x1;
constexpr unsigned hipEventDisableTiming = 0x2;
constexpr unsigned hipHostMallocPortable = 0x1;

// hipGetDevicePropertiesR0600 / hipGetDeviceProperties write a hipDeviceProp_t (about 1.5 KB in
// ROCm 5 and 6); discovery passes a zeroed buffer this large so that any version fits.
constexpr size_t kHipDevicePropBufferBytes = 16384;

struct HipApi {
  // Initialization, version, errors
  hipError_t (*hipInit)(unsigned int flags) = nullptr;
  hipError_t (*hipDriverGetVersion)(int* driverVersion) = nullptr;
  const char* (*hipGetErrorName)(hipError_t error) = nullptr;
  const char* (*hipGetErrorString)(hipError_t error) = nullptr;
  // Device management
  hipError_t (*hipGetDeviceCount)(int* count) = nullptr;
  hipError_t (*hipDeviceGet)(hipDevice_t* device, int ordinal) = nullptr;
  hipError_t (*hipDeviceGetName)(char* name, int len, hipDevice_t device) = nullptr;
  hipError_t (*hipDeviceGetAttribute)(int* pi, int attr, int deviceId) = nullptr;
  hipError_t (*hipDeviceTotalMem)(size_t* bytes, hipDevice_t device) = nullptr;
  hipError_t (*hipGetDeviceProperties)(void* prop, int deviceId) = nullptr;  // ...R0600 (ROCm 6+), or the plain name
  hipError_t (*hipSetDevice)(int deviceId) = nullptr;
  hipError_t (*hipDeviceSynchronize)() = nullptr;
  // Module management, launch
  hipError_t (*hipModuleLoadData)(hipModule_t* module, const void* image) = nullptr;
  hipError_t (*hipModuleGetFunction)(hipFunction_t* function, hipModule_t module, const char* kname) = nullptr;
  hipError_t (*hipModuleUnload)(hipModule_t module) = nullptr;
  hipError_t (*hipModuleLaunchKernel)(hipFunction_t f, unsigned gridDimX, unsigned gridDimY, unsigned gridDimZ,
                                      unsigned blockDimX, unsigned blockDimY, unsigned blockDimZ,
                                      unsigned sharedMemBytes, hipStream_t stream, void** kernelParams,
                                      void** extra) = nullptr;
  // Memory management
  hipError_t (*hipMalloc)(void** ptr, size_t size) = nullptr;
  hipError_t (*hipFree)(void* ptr) = nullptr;
  hipError_t (*hipMemGetInfo)(size_t* free, size_t* total) = nullptr;
  hipError_t (*hipMemcpyHtoDAsync)(hipDeviceptr_t dst, void* src, size_t bytes, hipStream_t s) = nullptr;
  hipError_t (*hipMemcpyDtoHAsync)(void* dst, hipDeviceptr_t src, size_t bytes, hipStream_t s) = nullptr;
  hipError_t (*hipMemcpyDtoDAsync)(hipDeviceptr_t dst, hipDeviceptr_t src, size_t bytes, hipStream_t s) = nullptr;
  hipError_t (*hipMemsetD8Async)(hipDeviceptr_t dst, unsigned char value, size_t n, hipStream_t s) = nullptr;
  hipError_t (*hipHostMalloc)(void** ptr, size_t size, unsigned int flags) = nullptr;
  hipError_t (*hipHostFree)(void* ptr) = nullptr;
  // Stream ordered memory allocator (optional)
  hipError_t (*hipMallocAsync)(void** ptr, size_t size, hipStream_t s) = nullptr;
  hipError_t (*hipFreeAsync)(void* ptr, hipStream_t s) = nullptr;
  // Stream management, event management
  hipError_t (*hipStreamCreateWithFlags)(hipStream_t* stream, unsigned int flags) = nullptr;
  hipError_t (*hipStreamDestroy)(hipStream_t stream) = nullptr;
  hipError_t (*hipStreamSynchronize)(hipStream_t stream) = nullptr;
  hipError_t (*hipStreamQuery)(hipStream_t stream) = nullptr;
  hipError_t (*hipStreamWaitEvent)(hipStream_t stream, hipEvent_t event, unsigned int flags) = nullptr;
  hipError_t (*hipEventCreateWithFlags)(hipEvent_t* event, unsigned int flags) = nullptr;
  hipError_t (*hipEventDestroy)(hipEvent_t event) = nullptr;
  hipError_t (*hipEventRecord)(hipEvent_t event, hipStream_t stream) = nullptr;
  hipError_t (*hipEventSynchronize)(hipEvent_t event) = nullptr;
  hipError_t (*hipEventQuery)(hipEvent_t event) = nullptr;
  hipError_t (*hipEventElapsedTime)(float* ms, hipEvent_t start, hipEvent_t stop) = nullptr;

  LoadedTable lib;  // the dlopen handle, the loaded path, what was resolved and what is missing
};

/** dlopen()s `file` and resolves the table. On failure returns false with dlerror's text in *error. */
bool loadHipApi(HipApi& api, const char* file, std::string* error);

/** "hipErrorNoDevice (no ROCm-capable device is detected)", or "hipError_t 123" without names. */
std::string hipErrorText(const HipApi& api, hipError_t r);

}  // namespace gpu
}  // namespace flint
