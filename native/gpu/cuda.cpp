// cuda.cpp — NVIDIA, in one file: the libcuda.so.1 table, its discovery (probeNvidia) and the CUDA
// Driver (driver.h). Nothing else in flintml names a CUDA call; device.cpp runs the discovery and
// backend.cpp runs everything through the Driver this file makes.
//
// No CUDA header or toolkit is needed to build: the types, constants and prototypes are declared
// by hand in cuda_api.h (and checked there against NVIDIA's cuda.h by test/vendor-abi.test.ts).
// test/emu (the CPU emulation of this driver) and test/fixtures/fake_libcuda.c export every entry
// point of the table below; test/emu.test.ts reads this file to check that.
//
// Versioned entry points: cuda.h #defines several public names to a versioned symbol
// (cuMemAlloc -> cuMemAlloc_v2; CUDA 12.8 added cuEventElapsedTime -> cuEventElapsedTime_v2). The
// table resolves the symbol the newest cuda.h maps the name to first, then the older ones that
// drivers before it export, and keeps the plain name as its field name. test/vendor-abi.test.ts
// checks the order against each toolkit's cuda.h.
//
// Contexts: one primary context per device (cuDevicePrimaryCtxRetain, as the CUDA runtime and
// PyTorch use), retained on first use and made current on the calling thread by makeCurrent().
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>
#include "cuda_api.h"
#include "dl_table.h"
#include "driver.h"
#include "images.h"

namespace flint {
namespace gpu {
namespace {

// dlopen()s `file` and resolves the table. On failure returns false with dlerror's text in *error.
bool loadCudaApi(CudaApi& a, const char* file, std::string* error) {
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
      {{"cuDeviceTotalMem_v2"}, (void**)&a.cuDeviceTotalMem, Need::Discovery},
      {{"cuDevicePrimaryCtxRetain"}, (void**)&a.cuDevicePrimaryCtxRetain, Need::Required},
      {{"cuDevicePrimaryCtxRelease_v2"}, (void**)&a.cuDevicePrimaryCtxRelease, Need::Required},
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
      {{"cuStreamDestroy_v2"}, (void**)&a.cuStreamDestroy, Need::Required},
      {{"cuStreamSynchronize"}, (void**)&a.cuStreamSynchronize, Need::Required},
      {{"cuStreamQuery"}, (void**)&a.cuStreamQuery, Need::Required},
      {{"cuStreamWaitEvent"}, (void**)&a.cuStreamWaitEvent, Need::Required},
      {{"cuEventCreate"}, (void**)&a.cuEventCreate, Need::Required},
      {{"cuEventDestroy_v2"}, (void**)&a.cuEventDestroy, Need::Required},
      {{"cuEventRecord"}, (void**)&a.cuEventRecord, Need::Required},
      {{"cuEventSynchronize"}, (void**)&a.cuEventSynchronize, Need::Required},
      {{"cuEventQuery"}, (void**)&a.cuEventQuery, Need::Required},
      {{"cuEventElapsedTime_v2", "cuEventElapsedTime"}, (void**)&a.cuEventElapsedTime, Need::Required},
      {{"cuStreamBeginCapture_v2"}, (void**)&a.cuStreamBeginCapture, Need::Optional},
      {{"cuStreamEndCapture"}, (void**)&a.cuStreamEndCapture, Need::Optional},
      {{"cuStreamIsCapturing"}, (void**)&a.cuStreamIsCapturing, Need::Optional},
      {{"cuGraphInstantiateWithFlags"}, (void**)&a.cuGraphInstantiate, Need::Optional},
      {{"cuGraphLaunch"}, (void**)&a.cuGraphLaunch, Need::Optional},
      {{"cuGraphDestroy"}, (void**)&a.cuGraphDestroy, Need::Optional},
      {{"cuGraphExecDestroy"}, (void**)&a.cuGraphExecDestroy, Need::Optional},
      {{"cuThreadExchangeStreamCaptureMode"}, (void**)&a.cuThreadExchangeStreamCaptureMode, Need::Optional},
  };
  return loadTable(file, table, sizeof table / sizeof table[0], &a.lib, error);
}

// "CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)", or "CUresult 123" without names.
std::string cudaErrorText(const CudaApi& api, CUresult r) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (api.cuGetErrorName && api.cuGetErrorName(r, &name) != CUDA_SUCCESS) name = nullptr;
  if (api.cuGetErrorString && api.cuGetErrorString(r, &text) != CUDA_SUCCESS) text = nullptr;
  std::string s = name ? name : "CUresult " + std::to_string(r);
  if (text && *text) s += std::string(" (") + text + ")";
  return s;
}

// CUDA encodes 1000 * major + 10 * minor (cuDriverGetVersion).
std::string cudaVersionString(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

class CudaDriver : public Driver {
 public:
  CudaApi a;                   // filled by probeNvidia
  std::vector<CUcontext> ctx;  // each device's primary context, retained on first use

  const char* vendor() const override { return "cuda"; }
  void ck(CUresult r, const char* what) const { if (r != CUDA_SUCCESS) driverFail(*this, what, r); }
  std::string errorText(int r) const override { return cudaErrorText(a, r); }

  // Which image set runs here, by NVIDIA's published rules:
  //  - CUDA Compatibility guide (docs.nvidia.com/deploy/cuda-compatibility), "Minor Version
  //    Compatibility": from CUDA 11 on, code built by any toolkit X.y runs on every driver of the same
  //    major X or newer (binary backward compatibility) — SASS of nvcc 11.x from driver 450.80.02
  //    (cuDriverGetVersion 11000; 450.36 reports 11000 too, which this check cannot tell apart),
  //    12.x from 525.60.13 (12000), 13.x from 580 (13000). Its listed limitation: PTX is
  //    JIT-compiled only by a driver at least as new as the toolkit that wrote it (an older one fails
  //    with CUDA_ERROR_UNSUPPORTED_PTX_VERSION), so nvcc 11.8's PTX (ISA 7.8) needs 11080, driver 520.
  //    status.json states both numbers (minDriver, ptxMinDriver; CMakeLists.txt flint_cuda_min_driver).
  //  - CUDA C++ Programming Guide, "Binary Compatibility" / "Application Compatibility": SASS for
  //    sm_Mk runs on compute capability M.m with k <= m (same major); any newer GPU runs PTX of an
  //    arch <= its own after JIT compilation.
  // On success *why says how (SASS or PTX JIT), for the search log.
  bool imageFits(const ImageSet& s, int driverVersion, const DeviceInfo& device, std::string* why) const override {
    const int cc = device.ccMajor * 10 + device.ccMinor;
    std::string sassArch;
    for (auto& arch : s.archs) {
      int v = std::atoi(arch.c_str());
      if (v / 10 == device.ccMajor && v % 10 <= device.ccMinor) sassArch = arch;
    }
    const bool ptx = s.ptx && s.ptx <= cc;
    const std::string gpu = device.name + ", compute capability " + std::to_string(device.ccMajor) + "." +
                            std::to_string(device.ccMinor);
    if (sassArch.empty() && !ptx) {
      std::string list;
      for (auto& arch : s.archs) list += (list.empty() ? "sm_" : ", sm_") + arch;
      *why = "no kernel image for compute capability " + std::to_string(device.ccMajor) + "." +
             std::to_string(device.ccMinor) + " (" + device.name + "); the images (" + s.toolkit + ") cover " + list +
             (s.ptx ? " and PTX " + std::to_string(s.ptx) : "") +
             ": build flintml from source with FLINT_CUDA_ARCHS including " + std::to_string(cc);
      return false;
    }
    const std::string driver = "this driver is CUDA " + cudaVersionString(driverVersion) + ": update the NVIDIA driver";
    if (!sassArch.empty()) {
      if (driverVersion && driverVersion < s.minDriver) {
        *why = "the kernel images (" + s.toolkit + ") need a CUDA " + std::to_string(s.minDriver / 1000) + " driver" +
               branch(s.minDriver) + ", " + driver;
        return false;
      }
      *why = "SASS sm_" + sassArch + " runs on " + gpu;
      return true;
    }
    // only the PTX fits this GPU (one newer than every SASS of the set)
    if (driverVersion && driverVersion < std::max(s.minDriver, s.ptxMinDriver)) {
      const int need = std::max(s.minDriver, s.ptxMinDriver);
      *why = "the kernel images (" + s.toolkit + ") have no SASS for " + gpu + "; their PTX (compute_" +
             std::to_string(s.ptx) + ") needs a CUDA " + cudaVersionString(need) + " driver" + branch(need) +
             " to JIT-compile it, " + driver;
      return false;
    }
    *why = "PTX compute_" + std::to_string(s.ptx) + " JIT-compiled by the driver for " + gpu;
    return true;
  }
  // " (NVIDIA 520.61.05 or newer)" where the driver of that CUDA version is known (images.cpp)
  static std::string branch(int v) {
    std::string b = nvidiaDriverBranch(v);
    return b.rfind("NVIDIA ", 0) == 0 ? " (" + b + ")" : "";
  }

  void makeCurrent(int d) override {
    if (!ctx[d]) {
      CUdevice dev;
      ck(a.cuDeviceGet(&dev, d), "cuDeviceGet");
      ck(a.cuDevicePrimaryCtxRetain(&ctx[d], dev), "cuDevicePrimaryCtxRetain");
    }
    ck(a.cuCtxSetCurrent(ctx[d]), "cuCtxSetCurrent");
  }
  int loadModule(const void* image, void** m) override { return a.cuModuleLoadData((CUmodule*)m, image); }
  void* getFunction(void* m, const char* name) override {
    CUfunction f = nullptr;
    return a.cuModuleGetFunction(&f, (CUmodule)m, name) == CUDA_SUCCESS ? (void*)f : nullptr;
  }
  int launch(void* f, Dim3 g, Dim3 b, unsigned shm, void* s, void** p) override {
    return a.cuLaunchKernel((CUfunction)f, g.x, g.y, g.z, b.x, b.y, b.z, shm, (CUstream)s, p, nullptr);
  }
  void* alloc(size_t n) override {
    CUdeviceptr p = 0;
    CUresult r = a.cuMemAlloc(&p, n);
    if (r == CUDA_ERROR_OUT_OF_MEMORY) return nullptr;
    ck(r, "cuMemAlloc");
    return (void*)(uintptr_t)p;
  }
  void free(void* p) override { ck(a.cuMemFree((CUdeviceptr)(uintptr_t)p), "cuMemFree"); }
  void* hostAlloc(size_t n) override {
    void* p = nullptr;
    CUresult r = a.cuMemHostAlloc(&p, n, CU_MEMHOSTALLOC_PORTABLE);
    if (r == CUDA_ERROR_OUT_OF_MEMORY) return nullptr;
    ck(r, "cuMemHostAlloc");
    return p;
  }
  void hostFree(void* p) override { ck(a.cuMemFreeHost(p), "cuMemFreeHost"); }
  void copyHtoD(void* d, const void* s, size_t n, void* st) override {
    ck(a.cuMemcpyHtoDAsync((CUdeviceptr)(uintptr_t)d, s, n, (CUstream)st), "cuMemcpyHtoDAsync");
  }
  void copyDtoH(void* d, const void* s, size_t n, void* st) override {
    ck(a.cuMemcpyDtoHAsync(d, (CUdeviceptr)(uintptr_t)s, n, (CUstream)st), "cuMemcpyDtoHAsync");
  }
  void copyDtoD(void* d, const void* s, size_t n, void* st) override {
    ck(a.cuMemcpyDtoDAsync((CUdeviceptr)(uintptr_t)d, (CUdeviceptr)(uintptr_t)s, n, (CUstream)st), "cuMemcpyDtoDAsync");
  }
  void memset8(void* d, int v, size_t n, void* st) override {
    ck(a.cuMemsetD8Async((CUdeviceptr)(uintptr_t)d, (unsigned char)v, n, (CUstream)st), "cuMemsetD8Async");
  }
  void* streamCreate() override {
    CUstream s = nullptr;
    ck(a.cuStreamCreate(&s, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    return s;
  }
  void streamDestroy(void* s) override { ck(a.cuStreamDestroy((CUstream)s), "cuStreamDestroy"); }
  void streamSync(void* s) override { ck(a.cuStreamSynchronize((CUstream)s), "cuStreamSynchronize"); }
  bool streamQuery(void* s) override {
    CUresult r = a.cuStreamQuery((CUstream)s);
    if (r == CUDA_ERROR_NOT_READY) return false;
    ck(r, "cuStreamQuery");
    return true;
  }
  void streamWait(void* s, void* e) override { ck(a.cuStreamWaitEvent((CUstream)s, (CUevent)e, 0), "cuStreamWaitEvent"); }
  void* eventCreate(bool timing) override {
    CUevent e = nullptr;
    ck(a.cuEventCreate(&e, timing ? 0 : CU_EVENT_DISABLE_TIMING), "cuEventCreate");
    return e;
  }
  void eventDestroy(void* e) override { ck(a.cuEventDestroy((CUevent)e), "cuEventDestroy"); }
  void eventRecord(void* e, void* s) override { ck(a.cuEventRecord((CUevent)e, (CUstream)s), "cuEventRecord"); }
  void eventSync(void* e) override { ck(a.cuEventSynchronize((CUevent)e), "cuEventSynchronize"); }
  bool eventQuery(void* e) override {
    CUresult r = a.cuEventQuery((CUevent)e);
    if (r == CUDA_ERROR_NOT_READY) return false;
    ck(r, "cuEventQuery");
    return true;
  }
  float eventElapsed(void* x, void* y) override {
    float ms = 0;
    ck(a.cuEventElapsedTime(&ms, (CUevent)x, (CUevent)y), "cuEventElapsedTime");
    return ms;
  }
  void deviceSync() override { ck(a.cuCtxSynchronize(), "cuCtxSynchronize"); }

  bool hasGraphs() const override {
    return a.cuStreamBeginCapture && a.cuStreamEndCapture && a.cuStreamIsCapturing && a.cuGraphInstantiate &&
           a.cuGraphLaunch && a.cuGraphDestroy && a.cuGraphExecDestroy;
  }
  // Without the entry points every graph call fails as the driver would for an unsupported call.
  void needGraphs(const char* what) const { if (!hasGraphs()) driverFail(*this, what, CUDA_ERROR_NOT_SUPPORTED); }
  void captureBegin(void* s, int mode) override {
    needGraphs("cuStreamBeginCapture_v2");
    ck(a.cuStreamBeginCapture((CUstream)s, mode), "cuStreamBeginCapture_v2");
  }
  int captureEnd(void* s, void** graph) override {
    needGraphs("cuStreamEndCapture");
    *graph = nullptr;
    return a.cuStreamEndCapture((CUstream)s, (CUgraph*)graph);
  }
  int captureStatus(void* s) override {
    if (!hasGraphs()) return 0;
    int st = 0;
    ck(a.cuStreamIsCapturing((CUstream)s, &st), "cuStreamIsCapturing");
    return st;
  }
  void* graphInstantiate(void* g) override {
    needGraphs("cuGraphInstantiateWithFlags");
    CUgraphExec e = nullptr;
    ck(a.cuGraphInstantiate(&e, (CUgraph)g, 0), "cuGraphInstantiateWithFlags");
    return e;
  }
  void graphLaunch(void* e, void* s) override { needGraphs("cuGraphLaunch"); ck(a.cuGraphLaunch((CUgraphExec)e, (CUstream)s), "cuGraphLaunch"); }
  void graphDestroy(void* g) override { needGraphs("cuGraphDestroy"); ck(a.cuGraphDestroy((CUgraph)g), "cuGraphDestroy"); }
  void graphExecDestroy(void* e) override { needGraphs("cuGraphExecDestroy"); ck(a.cuGraphExecDestroy((CUgraphExec)e), "cuGraphExecDestroy"); }
  int exchangeCaptureMode(int mode) override {
    if (!a.cuThreadExchangeStreamCaptureMode) return mode;
    ck(a.cuThreadExchangeStreamCaptureMode(&mode), "cuThreadExchangeStreamCaptureMode");
    return mode;
  }
};

}  // namespace

bool probeNvidia(Probe& p) {
  // FLINT_CUDA_DRIVER names another driver library (a test double such as test/emu's emulator).
  const char* envDriver = std::getenv("FLINT_CUDA_DRIVER");
  const char* file = envDriver && *envDriver ? envDriver : "libcuda.so.1";
  auto driver = std::make_unique<CudaDriver>();
  const CudaApi& cu = driver->a;
  std::string err;
  if (!loadCudaApi(driver->a, file, &err)) {
    p.log.push_back(std::string("NVIDIA: ") + file + ": not found (" + withoutFilePrefix(err, file) + ")");
    p.notFound.push_back(err);
    return false;
  }
  p.log.push_back(describeLoaded("NVIDIA", file, cu.lib));
  if (!cu.lib.canEnumerate)
    return p.fail(std::string("NVIDIA driver found (") + cu.lib.path + "), but it lacks " + joined(cu.lib.missingRequired, ", ") +
                  " (not an NVIDIA driver, or one too old)");
  int version = 0;
  if (cu.cuDriverGetVersion(&version) != CUDA_SUCCESS) version = 0;
  const std::string found = "NVIDIA driver " + (version ? cudaVersionString(version) + " " : std::string()) + "found";
  CUresult r = cu.cuInit(0);
  if (r != CUDA_SUCCESS) return p.fail(found + ", but cuInit failed: " + cudaErrorText(cu, r));
  int n = 0;
  r = cu.cuDeviceGetCount(&n);
  if (r != CUDA_SUCCESS) return p.fail(found + ", but cuDeviceGetCount failed: " + cudaErrorText(cu, r));
  if (n <= 0) return p.fail(found + ", but it sees no GPU");
  for (int i = 0; i < n; i++) {
    DeviceInfo d;
    d.vendor = Vendor::Nvidia;
    CUdevice dev = 0;
    char name[256] = {0};
    size_t bytes = 0;
    const char* call = "cuDeviceGet";
    r = cu.cuDeviceGet(&dev, i);
    if (r == CUDA_SUCCESS) { call = "cuDeviceGetName"; r = cu.cuDeviceGetName(name, (int)sizeof name - 1, dev); }
    if (r == CUDA_SUCCESS) { call = "cuDeviceGetAttribute"; r = cu.cuDeviceGetAttribute(&d.ccMajor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev); }
    if (r == CUDA_SUCCESS) r = cu.cuDeviceGetAttribute(&d.ccMinor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
    if (r == CUDA_SUCCESS) r = cu.cuDeviceGetAttribute(&d.multiProcessorCount, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev);
    if (r == CUDA_SUCCESS) { call = "cuDeviceTotalMem_v2"; r = cu.cuDeviceTotalMem(&bytes, dev); }
    if (r != CUDA_SUCCESS)
      return p.fail(found + ", but " + call + " failed for device " + std::to_string(i) + ": " + cudaErrorText(cu, r));
    d.name = name;
    d.totalMemory = bytes;
    p.devices.push_back(d);
    p.deviceFacts.push_back("compute capability " + std::to_string(d.ccMajor) + "." + std::to_string(d.ccMinor) + ", " +
                            plural(d.multiProcessorCount, "SM", "SMs"));
  }
  p.label = "NVIDIA";
  p.driverNoun = "driver";
  p.updateHint = "NVIDIA driver";
  p.vendor = Vendor::Nvidia;
  p.version = version;
  p.versionString = version ? cudaVersionString(version) : "";
  p.library = file;
  p.missingRequired = cu.lib.missingRequired;
  driver->ctx.assign(n, nullptr);
  p.driver = std::move(driver);
  return true;
}

}  // namespace gpu
}  // namespace flint
