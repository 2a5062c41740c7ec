// gpu_binding.cpp — N-API glue for the GPU runtime (native/gpu/device.h). gpuInfo() runs discovery
// on its first call (never at addon load) and returns every fact as one plain object, which
// lib/device.ts caches: the queries of `fl.cuda` cost one N-API crossing per process.
#include "gpu_binding.h"
#include "../gpu/device.h"

namespace {

using flint::gpu::DeviceInfo;
using flint::gpu::GpuRuntime;
using flint::gpu::Vendor;

// gpuInfo() -> { available, vendor: 'nvidia'|'amd'|'', driverVersion, driverVersionString, reason,
//                devices: [{ name, vendor, computeCapability?: [major, minor], gcnArch?, multiProcessorCount,
//                            totalMemory }], log: string[] }
Napi::Value GpuInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const GpuRuntime& rt = GpuRuntime::get();
  Napi::Object out = Napi::Object::New(env);
  out.Set("available", Napi::Boolean::New(env, rt.available()));
  out.Set("vendor", Napi::String::New(env, flint::gpu::vendorName(rt.vendor())));
  out.Set("driverVersion", Napi::Number::New(env, rt.driverVersion()));
  out.Set("driverVersionString", Napi::String::New(env, rt.driverVersionString()));
  out.Set("reason", Napi::String::New(env, rt.unavailableReason()));
  Napi::Array devices = Napi::Array::New(env, rt.devices().size());
  for (size_t i = 0; i < rt.devices().size(); i++) {
    const DeviceInfo& d = rt.devices()[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", Napi::String::New(env, d.name));
    o.Set("vendor", Napi::String::New(env, flint::gpu::vendorName(d.vendor)));
    if (d.vendor == Vendor::Nvidia) {
      Napi::Array cc = Napi::Array::New(env, 2);
      cc.Set(0u, Napi::Number::New(env, d.ccMajor));
      cc.Set(1u, Napi::Number::New(env, d.ccMinor));
      o.Set("computeCapability", cc);
    } else {
      o.Set("gcnArch", Napi::String::New(env, d.gcnArch));
    }
    o.Set("multiProcessorCount", Napi::Number::New(env, d.multiProcessorCount));
    o.Set("totalMemory", Napi::Number::New(env, (double)d.totalMemory));
    devices.Set((uint32_t)i, o);
  }
  out.Set("devices", devices);
  Napi::Array log = Napi::Array::New(env, rt.searchLog().size());
  for (size_t i = 0; i < rt.searchLog().size(); i++) log.Set((uint32_t)i, Napi::String::New(env, rt.searchLog()[i]));
  out.Set("log", log);
  return out;
}

}  // namespace

void registerGpuBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("gpuInfo", Napi::Function::New(env, GpuInfo));
}
