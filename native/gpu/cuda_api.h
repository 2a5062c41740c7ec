// cuda_api.h — the libcuda.so.1 table: every CUDA Driver API type, constant and prototype that
// flintml calls, declared by hand from NVIDIA's public "CUDA Driver API" reference
// (docs.nvidia.com/cuda/cuda-driver-api); no CUDA header or toolkit is needed to build. cuda.cpp
// resolves the table (dlopen/dlsym, versioned names first) and is its only user.
//
// Checked against the vendor's own header: test/vendor-abi.test.ts compiles this file beside the
// cuda.h of every toolkit on the build machine (nvcc 13's and nvcc 11.8's in CI) and checks each
// prototype's ABI (argument count, each argument's size and kind), each constant's value, and that
// the symbol cuda.cpp resolves first is the one that header maps the name to (cuMemAlloc ->
// cuMemAlloc_v2). A line here that disagrees with NVIDIA's header fails CI, not the first GPU run.
#pragma once
#include <cstddef>
#include "dl_table.h"

namespace flint {
namespace gpu {

// --- Types (Driver API "Data types used by CUDA driver") ----------------------------------------
using CUresult = int;                  // enum cudaError_enum
using CUdevice = int;                  // typedef int CUdevice
using CUdeviceptr = unsigned long long;  // CUdeviceptr_v2 (64-bit on every supported platform)
using CUcontext = struct CUctx_st*;
using CUmodule = struct CUmod_st*;
using CUfunction = struct CUfunc_st*;
using CUstream = struct CUstream_st*;
using CUevent = struct CUevent_st*;
using CUgraph = struct CUgraph_st*;
using CUgraphExec = struct CUgraphExec_st*;

// CUresult values used by name (enum cudaError_enum).
constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_INVALID_VALUE = 1;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr CUresult CUDA_ERROR_NOT_INITIALIZED = 3;
constexpr CUresult CUDA_ERROR_NO_DEVICE = 100;
constexpr CUresult CUDA_ERROR_INVALID_DEVICE = 101;
constexpr CUresult CUDA_ERROR_NO_BINARY_FOR_GPU = 209;
constexpr CUresult CUDA_ERROR_NOT_FOUND = 500;
constexpr CUresult CUDA_ERROR_NOT_READY = 600;
constexpr CUresult CUDA_ERROR_NOT_SUPPORTED = 801;

// CUdevice_attribute values used (enum CUdevice_attribute_enum).
constexpr int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED = 115;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
// CUfunction_attribute (cuFuncSetAttribute)
constexpr int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

// Flags (CUstream_flags, CUevent_flags, cuMemHostAlloc flags).
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
constexpr unsigned CU_EVENT_DISABLE_TIMING = 0x2;
constexpr unsigned CU_MEMHOSTALLOC_PORTABLE = 0x1;

// --- The table ----------------------------------------------------------------------------------
// A null field means the symbol was not found. `Required` symbols are needed by the backend; a
// missing one makes it unavailable (missingRequired names it). Optional ones have a fallback
// (cuMemAllocAsync -> cuMemAlloc_v2), and are only recorded.
struct CudaApi {
  // Initialization, version, errors
  CUresult (*cuInit)(unsigned int flags) = nullptr;
  CUresult (*cuDriverGetVersion)(int* driverVersion) = nullptr;
  CUresult (*cuGetErrorName)(CUresult error, const char** pStr) = nullptr;
  CUresult (*cuGetErrorString)(CUresult error, const char** pStr) = nullptr;
  // Device management
  CUresult (*cuDeviceGetCount)(int* count) = nullptr;
  CUresult (*cuDeviceGet)(CUdevice* device, int ordinal) = nullptr;
  CUresult (*cuDeviceGetName)(char* name, int len, CUdevice dev) = nullptr;
  CUresult (*cuDeviceGetAttribute)(int* pi, int attrib, CUdevice dev) = nullptr;
  CUresult (*cuDeviceTotalMem)(size_t* bytes, CUdevice dev) = nullptr;  // cuDeviceTotalMem_v2
  // Primary context management, context management
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext* pctx, CUdevice dev) = nullptr;
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice dev) = nullptr;  // cuDevicePrimaryCtxRelease_v2
  CUresult (*cuCtxSetCurrent)(CUcontext ctx) = nullptr;
  CUresult (*cuCtxSynchronize)() = nullptr;
  // Module management, execution control
  CUresult (*cuModuleLoadData)(CUmodule* module, const void* image) = nullptr;
  CUresult (*cuModuleGetFunction)(CUfunction* hfunc, CUmodule hmod, const char* name) = nullptr;
  CUresult (*cuModuleUnload)(CUmodule hmod) = nullptr;
  CUresult (*cuFuncSetAttribute)(CUfunction hfunc, int attrib, int value) = nullptr;
  CUresult (*cuLaunchKernel)(CUfunction f, unsigned gridDimX, unsigned gridDimY, unsigned gridDimZ,
                             unsigned blockDimX, unsigned blockDimY, unsigned blockDimZ,
                             unsigned sharedMemBytes, CUstream hStream, void** kernelParams,
                             void** extra) = nullptr;
  // Memory management
  CUresult (*cuMemAlloc)(CUdeviceptr* dptr, size_t bytesize) = nullptr;  // cuMemAlloc_v2
  CUresult (*cuMemFree)(CUdeviceptr dptr) = nullptr;                     // cuMemFree_v2
  CUresult (*cuMemGetInfo)(size_t* free, size_t* total) = nullptr;       // cuMemGetInfo_v2
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr dst, const void* src, size_t bytes, CUstream s) = nullptr;  // _v2
  CUresult (*cuMemcpyDtoHAsync)(void* dst, CUdeviceptr src, size_t bytes, CUstream s) = nullptr;        // _v2
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream s) = nullptr;   // _v2
  CUresult (*cuMemsetD8Async)(CUdeviceptr dst, unsigned char value, size_t n, CUstream s) = nullptr;
  CUresult (*cuMemHostAlloc)(void** pp, size_t bytesize, unsigned int flags) = nullptr;
  CUresult (*cuMemFreeHost)(void* p) = nullptr;
  // Stream ordered memory allocator (CUDA 11.2+; optional)
  CUresult (*cuMemAllocAsync)(CUdeviceptr* dptr, size_t bytesize, CUstream s) = nullptr;
  CUresult (*cuMemFreeAsync)(CUdeviceptr dptr, CUstream s) = nullptr;
  // Stream management, event management
  CUresult (*cuStreamCreate)(CUstream* phStream, unsigned int flags) = nullptr;
  CUresult (*cuStreamDestroy)(CUstream hStream) = nullptr;  // cuStreamDestroy_v2
  CUresult (*cuStreamSynchronize)(CUstream hStream) = nullptr;
  CUresult (*cuStreamQuery)(CUstream hStream) = nullptr;
  CUresult (*cuStreamWaitEvent)(CUstream hStream, CUevent hEvent, unsigned int flags) = nullptr;
  CUresult (*cuEventCreate)(CUevent* phEvent, unsigned int flags) = nullptr;
  CUresult (*cuEventDestroy)(CUevent hEvent) = nullptr;  // cuEventDestroy_v2
  CUresult (*cuEventRecord)(CUevent hEvent, CUstream hStream) = nullptr;
  CUresult (*cuEventSynchronize)(CUevent hEvent) = nullptr;
  CUresult (*cuEventQuery)(CUevent hEvent) = nullptr;
  CUresult (*cuEventElapsedTime)(float* pMilliseconds, CUevent hStart, CUevent hEnd) = nullptr;
  // Stream capture, graph management (optional: fl.cuda.graph needs them). cuda.h maps
  // cuStreamBeginCapture to cuStreamBeginCapture_v2 (the one with a CUstreamCaptureMode; the
  // unversioned symbol is CUDA 10.0's, without it) and cuGraphInstantiate to
  // cuGraphInstantiateWithFlags (CUDA 11.4+), so only those names are resolved.
  CUresult (*cuStreamBeginCapture)(CUstream hStream, int mode) = nullptr;                        // _v2
  CUresult (*cuStreamEndCapture)(CUstream hStream, CUgraph* phGraph) = nullptr;
  CUresult (*cuStreamIsCapturing)(CUstream hStream, int* captureStatus) = nullptr;              // CUstreamCaptureStatus*
  CUresult (*cuGraphInstantiate)(CUgraphExec* phGraphExec, CUgraph hGraph, unsigned long long flags) = nullptr;  // ...WithFlags
  CUresult (*cuGraphLaunch)(CUgraphExec hGraphExec, CUstream hStream) = nullptr;
  CUresult (*cuGraphDestroy)(CUgraph hGraph) = nullptr;
  CUresult (*cuGraphExecDestroy)(CUgraphExec hGraphExec) = nullptr;
  CUresult (*cuThreadExchangeStreamCaptureMode)(int* mode) = nullptr;  // CUstreamCaptureMode*

  LoadedTable lib;  // the dlopen handle, the loaded path, what was resolved and what is missing
};

}  // namespace gpu
}  // namespace flint
