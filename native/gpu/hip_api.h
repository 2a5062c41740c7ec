// hip_api.h — the libamdhip64 table: every HIP Runtime API type, constant and prototype that
// flintml calls, declared by hand from AMD's public "HIP Runtime API reference"
// (rocm.docs.amd.com/projects/HIP); no ROCm header or SDK is needed to build. hip.cpp resolves the
// table and is its only user. It mirrors cuda_api.h entry for entry (cuMemAlloc <-> hipMalloc, ...).
//
// Checked against the vendor's own header: test/vendor-abi.test.ts compiles this file beside the
// hip_runtime_api.h on the build machine (Debian's ROCm 5.2 in CI) and checks each prototype's ABI,
// each constant's value and each resolved name, as for CUDA.
#pragma once
#include <cstddef>
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
using hipGraph_t = struct ihipGraph*;
using hipGraphExec_t = struct hipGraphExec*;
using hipGraphNode_t = struct hipGraphNode*;

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
  // Stream capture, graph management (optional: fl.cuda.graph needs them)
  hipError_t (*hipStreamBeginCapture)(hipStream_t stream, int mode) = nullptr;  // hipStreamCaptureMode
  hipError_t (*hipStreamEndCapture)(hipStream_t stream, hipGraph_t* pGraph) = nullptr;
  hipError_t (*hipStreamIsCapturing)(hipStream_t stream, int* pCaptureStatus) = nullptr;  // hipStreamCaptureStatus*
  hipError_t (*hipGraphInstantiate)(hipGraphExec_t* pGraphExec, hipGraph_t graph, hipGraphNode_t* pErrorNode,
                                    char* pLogBuffer, size_t bufferSize) = nullptr;
  hipError_t (*hipGraphLaunch)(hipGraphExec_t graphExec, hipStream_t stream) = nullptr;
  hipError_t (*hipGraphDestroy)(hipGraph_t graph) = nullptr;
  hipError_t (*hipGraphExecDestroy)(hipGraphExec_t graphExec) = nullptr;
  hipError_t (*hipThreadExchangeStreamCaptureMode)(int* mode) = nullptr;  // hipStreamCaptureMode*

  LoadedTable lib;  // the dlopen handle, the loaded path, what was resolved and what is missing
};

}  // namespace gpu
}  // namespace flint
