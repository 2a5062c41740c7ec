// cuda_api.cpp — loads libcuda.so.1 and fills the CudaApi table (see cuda_api.h).
#include "cuda_api.h"

namespace flint {
namespace gpu {

bool loadCudaApi(CudaApi& api, const char* file, std::string* error) {
  CudaApi& a = api;
  // Discovery needs the first block; the backend needs every `Required` entry.
  const SymbolEntry table[] = {
      {{"cuInit"}, (void**)&a.cuInit, Need::Discovery},
      {{"cuDriverGetVersion"}, (void**)&a.cuDriverGetVersion, Need::Discovery},
      {{"cuGetErrorName"}, (void**)&a.cuGetErrorName, Need::Discovery},
      {{"cuGetErrorString"}, (void**)&a.cuGetErrorString, Need::Discovery},
      {{"cuDeviceGetCount"}, (void**)&a.cuDeviceGetCount, Need::Discovery},
      {{"cuDeviceGet"}, (void**)&a.cuDeviceGet, Need::Discovery},
      {{"cuDeviceGetName"}, (void**)&a.cuDeviceGetName, Need::Discovery},
      {{"cuDeviceGetAttribute"}, (void**)&a.cuDeviceGetAttribute, Need::Discovery},
      {{"cuDeviceTotalMem_v2", "cuDeviceTotalMem"}, (void**)&a.cuDeviceTotalMem, Need::Discovery},
      {{"cuDevicePrimaryCtxRetain"}, (void**)&a.cuDevicePrimaryCtxRetain, Need::Required},
      {{"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"}, (void**)&a.cuDevicePrimaryCtxRelease, Need::Required},
      {{"cuCtxSetCurrent"}, (void**)&a.cuCtxSetCurrent, Need::Required},
      {{"cuCtxSynchronize"}, (void**)&a.cuCtxSynchronize, Need::Required},
      {{"cuModuleLoadData"}, (void**)&a.cuModuleLoadData, Need::Required},
      {{"cuModuleGetFunction"}, (void**)&a.cuModuleGetFunction, Need::Required},
      {{"cuModuleUnload"}, (void**)&a.cuModuleUnload, Need::Required},
      {{"cuFuncSetAttribute"}, (void**)&a.cuFuncSetAttribute, Need::Optional},
      {{"cuLaunchKernel"}, (void**)&a.cuLaunchKernel, Need::Required},
      {{"cuMemAlloc_v2"}, (void**)&a.cuMemAlloc, Need::Required},
      {{"cuMemFree_v2"}, (void**)&a.cuMemFree, Need::Required},
      {{"cuMemGetInfo_v2"}, (void**)&a.cuMemGetInfo, Need::Required},
      {{"cuMemcpyHtoDAsync_v2"}, (void**)&a.cuMemcpyHtoDAsync, Need::Required},
      {{"cuMemcpyDtoHAsync_v2"}, (void**)&a.cuMemcpyDtoHAsync, Need::Required},
      {{"cuMemcpyDtoDAsync_v2"}, (void**)&a.cuMemcpyDtoDAsync, Need::Required},
      {{"cuMemsetD8Async"}, (void**)&a.cuMemsetD8Async, Need::Required},
      {{"cuMemHostAlloc"}, (void**)&a.cuMemHostAlloc, Need::Required},
      {{"cuMemFreeHost"}, (void**)&a.cuMemFreeHost, Need::Required},
      {{"cuMemAllocAsync"}, (void**)&a.cuMemAllocAsync, Need::Optional},
      {{"cuMemFreeAsync"}, (void**)&a.cuMemFreeAsync, Need::Optional},
      {{"cuStreamCreate"}, (void**)&a.cuStreamCreate, Need::Required},
      {{"cuStreamDestroy_v2", "cuStreamDestroy"}, (void**)&a.cuStreamDestroy, Need::Required},
      {{"cuStreamSynchronize"}, (void**)&a.cuStreamSynchronize, Need::Required},
      {{"cuStreamQuery"}, (void**)&a.cuStreamQuery, Need::Required},
      {{"cuStreamWaitEvent"}, (void**)&a.cuStreamWaitEvent, Need::Required},
      {{"cuEventCreate"}, (void**)&a.cuEventCreate, Need::Required},
      {{"cuEventDestroy_v2", "cuEventDestroy"}, (void**)&a.cuEventDestroy, Need::Required},
      {{"cuEventRecord"}, (void**)&a.cuEventRecord, Need::Required},
      {{"cuEventSynchronize"}, (void**)&a.cuEventSynchronize, Need::Required},
      {{"cuEventQuery"}, (void**)&a.cuEventQuery, Need::Required},
      {{"cuEventElapsedTime"}, (void**)&a.cuEventElapsedTime, Need::Required},
  };
  return loadTable(file, table, sizeof table / sizeof table[0], &a.lib, error);
}

std::string cudaErrorText(const CudaApi& api, CUresult r) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (api.cuGetErrorName && api.cuGetErrorName(r, &name) != CUDA_SUCCESS) name = nullptr;
  if (api.cuGetErrorString && api.cuGetErrorString(r, &text) != CUDA_SUCCESS) text = nullptr;
  std::string s = name ? name : "CUresult " + std::to_string(r);
  if (text && *text) s += std::string(" (") + text + ")";
  return s;
}

}  // namespace gpu
}  // namespace flint
