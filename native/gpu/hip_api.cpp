// hip_api.cpp — loads libamdhip64 and fills the HipApi table (see hip_api.h).
#include "hip_api.h"

namespace flint {
namespace gpu {

bool loadHipApi(HipApi& api, const char* file, std::string* error) {
  HipApi& a = api;
  const SymbolEntry table[] = {
      {{"hipInit"}, (void**)&a.hipInit, Need::Discovery},
      {{"hipDriverGetVersion"}, (void**)&a.hipDriverGetVersion, Need::Discovery},
      {{"hipGetErrorName"}, (void**)&a.hipGetErrorName, Need::Discovery},
      {{"hipGetErrorString"}, (void**)&a.hipGetErrorString, Need::Discovery},
      {{"hipGetDeviceCount"}, (void**)&a.hipGetDeviceCount, Need::Discovery},
      {{"hipDeviceGet"}, (void**)&a.hipDeviceGet, Need::Discovery},
      {{"hipDeviceGetName"}, (void**)&a.hipDeviceGetName, Need::Discovery},
      {{"hipDeviceGetAttribute"}, (void**)&a.hipDeviceGetAttribute, Need::Discovery},
      {{"hipDeviceTotalMem"}, (void**)&a.hipDeviceTotalMem, Need::Discovery},
      {{"hipGetDevicePropertiesR0600", "hipGetDeviceProperties"}, (void**)&a.hipGetDeviceProperties, Need::Optional},
      {{"hipSetDevice"}, (void**)&a.hipSetDevice, Need::Required},
      {{"hipDeviceSynchronize"}, (void**)&a.hipDeviceSynchronize, Need::Required},
      {{"hipModuleLoadData"}, (void**)&a.hipModuleLoadData, Need::Required},
      {{"hipModuleGetFunction"}, (void**)&a.hipModuleGetFunction, Need::Required},
      {{"hipModuleUnload"}, (void**)&a.hipModuleUnload, Need::Required},
      {{"hipModuleLaunchKernel"}, (void**)&a.hipModuleLaunchKernel, Need::Required},
      {{"hipMalloc"}, (void**)&a.hipMalloc, Need::Required},
      {{"hipFree"}, (void**)&a.hipFree, Need::Required},
      {{"hipMemGetInfo"}, (void**)&a.hipMemGetInfo, Need::Required},
      {{"hipMemcpyHtoDAsync"}, (void**)&a.hipMemcpyHtoDAsync, Need::Required},
      {{"hipMemcpyDtoHAsync"}, (void**)&a.hipMemcpyDtoHAsync, Need::Required},
      {{"hipMemcpyDtoDAsync"}, (void**)&a.hipMemcpyDtoDAsync, Need::Required},
      {{"hipMemsetD8Async"}, (void**)&a.hipMemsetD8Async, Need::Required},
      {{"hipHostMalloc"}, (void**)&a.hipHostMalloc, Need::Required},
      {{"hipHostFree"}, (void**)&a.hipHostFree, Need::Required},
      {{"hipMallocAsync"}, (void**)&a.hipMallocAsync, Need::Optional},
      {{"hipFreeAsync"}, (void**)&a.hipFreeAsync, Need::Optional},
      {{"hipStreamCreateWithFlags"}, (void**)&a.hipStreamCreateWithFlags, Need::Required},
      {{"hipStreamDestroy"}, (void**)&a.hipStreamDestroy, Need::Required},
      {{"hipStreamSynchronize"}, (void**)&a.hipStreamSynchronize, Need::Required},
      {{"hipStreamQuery"}, (void**)&a.hipStreamQuery, Need::Required},
      {{"hipStreamWaitEvent"}, (void**)&a.hipStreamWaitEvent, Need::Required},
      {{"hipEventCreateWithFlags"}, (void**)&a.hipEventCreateWithFlags, Need::Required},
      {{"hipEventDestroy"}, (void**)&a.hipEventDestroy, Need::Required},
      {{"hipEventRecord"}, (void**)&a.hipEventRecord, Need::Required},
      {{"hipEventSynchronize"}, (void**)&a.hipEventSynchronize, Need::Required},
      {{"hipEventQuery"}, (void**)&a.hipEventQuery, Need::Required},
      {{"hipEventElapsedTime"}, (void**)&a.hipEventElapsedTime, Need::Required},
  };
  return loadTable(file, table, sizeof table / sizeof table[0], &a.lib, error);
}

std::string hipErrorText(const HipApi& api, hipError_t r) {
  const char* name = api.hipGetErrorName ? api.hipGetErrorName(r) : nullptr;
  const char* text = api.hipGetErrorString ? api.hipGetErrorString(r) : nullptr;
  std::string s = name && *name ? name : "hipError_t " + std::to_string(r);
  if (text && *text) s += std::string(" (") + text + ")";
  return s;
}

}  // namespace gpu
}  // namespace flint
