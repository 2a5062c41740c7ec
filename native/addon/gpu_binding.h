// gpu_binding.h — the addon's GPU exports (gpu_binding.cpp), registered by addon.cpp's Module().
#pragma once
#include <napi.h>

/** Adds the GPU functions (gpuInfo, ...) to the addon's exports. Does no discovery by itself. */
void registerGpuBindings(Napi::Env env, Napi::Object exports);

/** Adds the NCCL/RCCL communicator functions (ncclInfo, ncclComm*; nccl_binding.cpp). Searches nothing by itself. */
void registerNcclBindings(Napi::Env env, Napi::Object exports);
