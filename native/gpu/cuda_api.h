// cuda_api.h — the NVIDIA driver API table: the few entry points of libcuda.so.1 that flintml
// uses, found with dlopen/dlsym at run time. No CUDA header or toolkit is needed to build.
//
// Every type, constant and prototype below is declared by hand from NVIDIA's public "CUDA Driver
// API" reference (docs.nvidia.com/cuda/cuda-driver-api); each line names the documented function
// or enum it mirrors. Handles are opaque pointers, CUdeviceptr is a 64-bit integer, and enum
// values are the ABI values the driver documents (they never change between driver releases).
//
// Versioned entry points: cuda.h #defines several public names to a versioned symbol
// (cuMemAlloc -> cuMemAlloc_v2, ...). The table resolves the versioned symbol first and falls back
// to the plain one, and keeps the plain name as its field name.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>
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

// CUresult values used by name (enum cudaError_enum).
constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_INVALID_VALUE = 1;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr CUresult CUDA_ERROR_NOT_INITIALIZED = 3;
constexpr CUresult CUDA_ERROR_INSUFFICIENT_DRIVER = 35;
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
// A null field means the symbol was not found. `required` symbols are needed by the backend; a
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

  LoadedTable lib;  // the dlopen handle, the loaded path, what was resolved and what is missing
};

/** dlopen()s `file` and resolves the table. On failure returns false with dlerror's text in *error. */
bool loadCudaApi(CudaApi& api, const char* file, std::string* error);

/** "CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)", or "CUresult 123" without names. */
std::string cudaErrorText(const CudaApi& api, CUresult r);

}  // namespace gpu
}  // namespace flint
