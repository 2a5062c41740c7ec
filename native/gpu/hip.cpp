// hip.cpp — AMD, in one file: the libamdhip64 table, its discovery (probeAmd) and the HIP Driver
// (driver.h). Nothing else in flintml names a HIP call; device.cpp runs the discovery and
// backend.cpp runs everything through the Driver this file makes. It mirrors cuda.cpp section for
// section (cuMemAlloc <-> hipMalloc, ...).
//
// No ROCm header or SDK is needed to build: the types, constants and prototypes are declared by
// hand in hip_api.h (and checked there against AMD's hip_runtime_api.h by test/vendor-abi.test.ts).
// No struct layout is relied on: device facts come from hipDeviceGetName / hipDeviceGetAttribute /
// hipDeviceTotalMem. The one exception is the gfx architecture string, which HIP exposes only
// inside hipDeviceProp_t (gcnArchName); gcnArchOf reads it layout-free.
//
// Devices: HIP has no explicit contexts in its module API; makeCurrent() is hipSetDevice.
#include <sys/stat.h>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>
#include "dl_table.h"
#include "hip_api.h"
#include "driver.h"
#include "hiprtc.h"

namespace flint {
namespace gpu {
namespace {

// dlopen()s `file` and resolves the table. On failure returns false with dlerror's text in *error.
bool loadHipApi(HipApi& a, const char* file, std::string* error) {
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
      {{"hipStreamBeginCapture"}, (void**)&a.hipStreamBeginCapture, Need::Optional},
      {{"hipStreamEndCapture"}, (void**)&a.hipStreamEndCapture, Need::Optional},
      {{"hipStreamIsCapturing"}, (void**)&a.hipStreamIsCapturing, Need::Optional},
      {{"hipGraphInstantiate"}, (void**)&a.hipGraphInstantiate, Need::Optional},
      {{"hipGraphLaunch"}, (void**)&a.hipGraphLaunch, Need::Optional},
      {{"hipGraphDestroy"}, (void**)&a.hipGraphDestroy, Need::Optional},
      {{"hipGraphExecDestroy"}, (void**)&a.hipGraphExecDestroy, Need::Optional},
      {{"hipThreadExchangeStreamCaptureMode"}, (void**)&a.hipThreadExchangeStreamCaptureMode, Need::Optional},
  };
  return loadTable(file, table, sizeof table / sizeof table[0], &a.lib, error);
}

// "hipErrorNoDevice (no ROCm-capable device is detected)", or "hipError_t 123" without names.
std::string hipErrorText(const HipApi& api, hipError_t r) {
  const char* name = api.hipGetErrorName ? api.hipGetErrorName(r) : nullptr;
  const char* text = api.hipGetErrorString ? api.hipGetErrorString(r) : nullptr;
  std::string s = name && *name ? name : "hipError_t " + std::to_string(r);
  if (text && *text) s += std::string(" (") + text + ")";
  return s;
}

// HIP encodes 10000000 * major + 100000 * minor + patch (HIP_VERSION).
std::string hipVersionString(int v) {
  if (v < 10000000) return std::to_string(v);
  return std::to_string(v / 10000000) + "." + std::to_string((v / 100000) % 100) + "." + std::to_string(v % 100000);
}

bool isDir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// HIP gives the gfx architecture ("gfx90a:sramecc+:xnack-") only as hipDeviceProp_t::gcnArchName,
// and the struct's layout differs between ROCm 5 (hipGetDeviceProperties) and 6+ (...R0600). So
// that no layout is hard-coded, the properties are written into an oversized zeroed buffer and the
// field is found by its content: the first NUL-terminated "gfx<hex digits>[:features]" string after
// the leading name[256] field.
std::string gcnArchOf(const HipApi& hip, int device) {
  if (!hip.hipGetDeviceProperties) return "";
  std::vector<unsigned char> buf(kHipDevicePropBufferBytes, 0);
  if (hip.hipGetDeviceProperties(buf.data(), device) != hipSuccess) return "";
  for (size_t i = 256; i + 4 < buf.size(); i++) {
    if (buf[i] != 'g' || buf[i + 1] != 'f' || buf[i + 2] != 'x' || !std::isxdigit(buf[i + 3])) continue;
    if (buf[i - 1] != 0) continue;  // the field starts the string
    size_t j = i;
    while (j < buf.size() && j - i < 256 && buf[j] != 0 && std::isprint(buf[j])) j++;
    if (j < buf.size() && buf[j] == 0) return std::string(reinterpret_cast<const char*>(&buf[i]), j - i);
  }
  return "";
}

class HipDriver : public Driver {
 public:
  HipApi a;           // filled by probeAmd
  int hipMajor = 0;   // the runtime's major version (5, 6, 7): which hiprtc goes with it
  std::vector<std::unique_ptr<ImageSet>> compiled;  // compileImages' sets, one per gfx arch

  const char* vendor() const override { return "hip"; }
  void ck(hipError_t r, const char* what) const { if (r != hipSuccess) driverFail(*this, what, r); }
  std::string errorText(int r) const override { return hipErrorText(a, r); }

  // The device's gfx arch (without feature suffixes) must be one of the set's archs.
  bool imageFits(const ImageSet& s, int, const DeviceInfo& device, std::string* why) const override {
    std::string arch = device.gcnArch.substr(0, device.gcnArch.find(':'));
    for (auto& x : s.archs) if (x == arch) return true;
    std::string list;
    for (auto& x : s.archs) list += (list.empty() ? "" : ", ") + x;
    *why = "no kernel image for " + (arch.empty() ? std::string("this GPU (gfx arch unknown)") : arch) + " (" +
           device.name + "); the images (" + s.toolkit + ") cover " + list +
           ": build flintml from source with FLINT_HIP_ARCHS including it";
    return false;
  }

  // A GPU without a prebuilt code object: hiprtc compiles the shipped kernel sources (hiprtc.h).
  bool canCompileImages(const DeviceInfo& device, std::string* how) const override {
    const std::string arch = device.gcnArch.substr(0, device.gcnArch.find(':'));
    if (arch.empty()) return false;
    const HiprtcInfo& rtc = hiprtc(hipMajor);
    std::string why;
    const std::string cache = hipKernelCacheDir(&why);
    if (!rtc.ok || cache.empty() || kernelSourceDir().empty()) return false;
    *how = "the kernels for " + arch + " will be compiled at first use with hiprtc " + rtc.version + " (" + rtc.library +
           ") and cached in " + cache + "/" + arch;
    return true;
  }
  const ImageSet* compileImages(const DeviceInfo& device, std::string* why) override {
    const std::string arch = device.gcnArch.substr(0, device.gcnArch.find(':'));
    for (auto& s : compiled) if (s->archs.size() == 1 && s->archs[0] == arch) return s.get();
    CompiledImages r;
    if (!compileHipImages(arch, hipMajor, &r)) {
      *why = "compiling the kernels for " + (arch.empty() ? std::string("this GPU (gfx arch unknown)") : arch) +
             " at first use failed: " + r.why;
      return nullptr;
    }
    compiled.push_back(std::make_unique<ImageSet>(r.set));
    return compiled.back().get();
  }

  void makeCurrent(int d) override { ck(a.hipSetDevice(d), "hipSetDevice"); }
  int loadModule(const void* image, void** m) override { return a.hipModuleLoadData((hipModule_t*)m, image); }
  void* getFunction(void* m, const char* name) override {
    hipFunction_t f = nullptr;
    return a.hipModuleGetFunction(&f, (hipModule_t)m, name) == hipSuccess ? (void*)f : nullptr;
  }
  int launch(void* f, Dim3 g, Dim3 b, unsigned shm, void* s, void** p) override {
    return a.hipModuleLaunchKernel((hipFunction_t)f, g.x, g.y, g.z, b.x, b.y, b.z, shm, (hipStream_t)s, p, nullptr);
  }
  void* alloc(size_t n) override {
    void* p = nullptr;
    hipError_t r = a.hipMalloc(&p, n);
    if (r == 2) return nullptr;  // hipErrorOutOfMemory keeps CUDA's number
    ck(r, "hipMalloc");
    return p;
  }
  void free(void* p) override { ck(a.hipFree(p), "hipFree"); }
  void* hostAlloc(size_t n) override {
    void* p = nullptr;
    hipError_t r = a.hipHostMalloc(&p, n, hipHostMallocPortable);
    if (r == 2) return nullptr;
    ck(r, "hipHostMalloc");
    return p;
  }
  void hostFree(void* p) override { ck(a.hipHostFree(p), "hipHostFree"); }
  void copyHtoD(void* d, const void* s, size_t n, void* st) override {
    ck(a.hipMemcpyHtoDAsync(d, const_cast<void*>(s), n, (hipStream_t)st), "hipMemcpyHtoDAsync");
  }
  void copyDtoH(void* d, const void* s, size_t n, void* st) override {
    ck(a.hipMemcpyDtoHAsync(d, const_cast<void*>(s), n, (hipStream_t)st), "hipMemcpyDtoHAsync");
  }
  void copyDtoD(void* d, const void* s, size_t n, void* st) override {
    ck(a.hipMemcpyDtoDAsync(d, const_cast<void*>(s), n, (hipStream_t)st), "hipMemcpyDtoDAsync");
  }
  void memset8(void* d, int v, size_t n, void* st) override {
    ck(a.hipMemsetD8Async(d, (unsigned char)v, n, (hipStream_t)st), "hipMemsetD8Async");
  }
  void* streamCreate() override {
    hipStream_t s = nullptr;
    ck(a.hipStreamCreateWithFlags(&s, hipStreamNonBlocking), "hipStreamCreateWithFlags");
    return s;
  }
  void streamDestroy(void* s) override { ck(a.hipStreamDestroy((hipStream_t)s), "hipStreamDestroy"); }
  void streamSync(void* s) override { ck(a.hipStreamSynchronize((hipStream_t)s), "hipStreamSynchronize"); }
  bool streamQuery(void* s) override {
    hipError_t r = a.hipStreamQuery((hipStream_t)s);
    if (r == hipErrorNotReady) return false;
    ck(r, "hipStreamQuery");
    return true;
  }
  void streamWait(void* s, void* e) override { ck(a.hipStreamWaitEvent((hipStream_t)s, (hipEvent_t)e, 0), "hipStreamWaitEvent"); }
  void* eventCreate(bool timing) override {
    hipEvent_t e = nullptr;
    ck(a.hipEventCreateWithFlags(&e, timing ? 0 : hipEventDisableTiming), "hipEventCreateWithFlags");
    return e;
  }
  void eventDestroy(void* e) override { ck(a.hipEventDestroy((hipEvent_t)e), "hipEventDestroy"); }
  void eventRecord(void* e, void* s) override { ck(a.hipEventRecord((hipEvent_t)e, (hipStream_t)s), "hipEventRecord"); }
  void eventSync(void* e) override { ck(a.hipEventSynchronize((hipEvent_t)e), "hipEventSynchronize"); }
  bool eventQuery(void* e) override {
    hipError_t r = a.hipEventQuery((hipEvent_t)e);
    if (r == hipErrorNotReady) return false;
    ck(r, "hipEventQuery");
    return true;
  }
  float eventElapsed(void* x, void* y) override {
    float ms = 0;
    ck(a.hipEventElapsedTime(&ms, (hipEvent_t)x, (hipEvent_t)y), "hipEventElapsedTime");
    return ms;
  }
  void deviceSync() override { ck(a.hipDeviceSynchronize(), "hipDeviceSynchronize"); }

  bool hasGraphs() const override {
    return a.hipStreamBeginCapture && a.hipStreamEndCapture && a.hipStreamIsCapturing && a.hipGraphInstantiate &&
           a.hipGraphLaunch && a.hipGraphDestroy && a.hipGraphExecDestroy;
  }
  void needGraphs(const char* what) const { if (!hasGraphs()) driverFail(*this, what, hipErrorNotSupported); }
  void captureBegin(void* s, int mode) override {
    needGraphs("hipStreamBeginCapture");
    ck(a.hipStreamBeginCapture((hipStream_t)s, mode), "hipStreamBeginCapture");
  }
  int captureEnd(void* s, void** graph) override {
    needGraphs("hipStreamEndCapture");
    *graph = nullptr;
    return a.hipStreamEndCapture((hipStream_t)s, (hipGraph_t*)graph);
  }
  int captureStatus(void* s) override {
    if (!hasGraphs()) return 0;
    int st = 0;
    ck(a.hipStreamIsCapturing((hipStream_t)s, &st), "hipStreamIsCapturing");
    return st;
  }
  void* graphInstantiate(void* g) override {
    needGraphs("hipGraphInstantiate");
    hipGraphExec_t e = nullptr;
    ck(a.hipGraphInstantiate(&e, (hipGraph_t)g, nullptr, nullptr, 0), "hipGraphInstantiate");
    return e;
  }
  void graphLaunch(void* e, void* s) override { needGraphs("hipGraphLaunch"); ck(a.hipGraphLaunch((hipGraphExec_t)e, (hipStream_t)s), "hipGraphLaunch"); }
  void graphDestroy(void* g) override { needGraphs("hipGraphDestroy"); ck(a.hipGraphDestroy((hipGraph_t)g), "hipGraphDestroy"); }
  void graphExecDestroy(void* e) override { needGraphs("hipGraphExecDestroy"); ck(a.hipGraphExecDestroy((hipGraphExec_t)e), "hipGraphExecDestroy"); }
  int exchangeCaptureMode(int mode) override {
    if (!a.hipThreadExchangeStreamCaptureMode) return mode;
    ck(a.hipThreadExchangeStreamCaptureMode(&mode), "hipThreadExchangeStreamCaptureMode");
    return mode;
  }
};

}  // namespace

bool probeAmd(Probe& p) {
  // The loader path first; then ROCm's own folder, which is not always on it.
  std::vector<std::string> files = {"libamdhip64.so.7", "libamdhip64.so.6", "libamdhip64.so.5"};
  const char* rocmEnv = std::getenv("ROCM_PATH");
  const std::string rocmLib = std::string(rocmEnv && *rocmEnv ? rocmEnv : "/opt/rocm") + "/lib";
  std::string file;
  std::vector<std::string> errors;
  auto driver = std::make_unique<HipDriver>();
  for (size_t k = 0; k < files.size() && file.empty(); k++) {
    const std::string f = files[k];  // a copy: files grows below
    std::string err;
    driver->a = HipApi();
    if (loadHipApi(driver->a, f.c_str(), &err)) { file = f; break; }
    p.log.push_back("AMD: " + f + ": not found (" + withoutFilePrefix(err, f) + ")");
    errors.push_back(err);
    if (k == 2) {
      if (isDir(rocmLib)) for (const char* v : {"7", "6", "5"}) files.push_back(rocmLib + "/libamdhip64.so." + v);
      else p.log.push_back("AMD: " + rocmLib + ": no such folder (set ROCM_PATH if ROCm is installed elsewhere)");
    }
  }
  if (file.empty()) {
    p.notFound.insert(p.notFound.end(), errors.begin(), errors.end());
    return false;
  }
  const HipApi& hip = driver->a;
  p.log.push_back(describeLoaded("AMD", file, hip.lib));
  driver->hipMajor = std::atoi(file.substr(file.rfind(".so.") + 4).c_str());
  {
    // For doctor: what a GPU without a prebuilt code object would get (hiprtc.h).
    const HiprtcInfo& rtc = hiprtc(driver->hipMajor);
    std::string why;
    const std::string cache = hipKernelCacheDir(&why);
    const std::string src = kernelSourceDir();
    if (!rtc.ok) p.log.push_back("AMD: GPUs without a prebuilt code object: unsupported (" + rtc.why + ")");
    else if (src.empty()) p.log.push_back("AMD: GPUs without a prebuilt code object: unsupported (the kernel sources are not beside the addon)");
    else if (cache.empty()) p.log.push_back("AMD: GPUs without a prebuilt code object: unsupported (" + why + ")");
    else p.log.push_back("AMD: GPUs without a prebuilt code object: kernels compiled at first use with hiprtc " + rtc.version + " (" +
                         rtc.path + ") from " + src + ", cached in " + cache);
  }
  if (!hip.lib.canEnumerate)
    return p.fail("AMD HIP runtime found (" + hip.lib.path + "), but it lacks " + joined(hip.lib.missingRequired, ", ") +
                " (ROCm too old?)");
  int version = 0;
  if (hip.hipDriverGetVersion(&version) != hipSuccess) version = 0;
  const std::string found =
      "AMD HIP runtime " + (version ? hipVersionString(version) + " " : std::string()) + "found (" + hip.lib.path + ")";
  // A HIP runtime without an AMD GPU is common: Debian's hipcc package installs libamdhip64.so.5 to
  // compile kernels. There hipInit answers hipErrorInvalidDevice (ROCm 5) or hipErrorNoDevice: that
  // is "no GPU", not a broken installation.
  auto noDevice = [](hipError_t e) { return e == hipErrorNoDevice || e == hipErrorInvalidDevice; };
  hipError_t r = hip.hipInit(0);
  if (noDevice(r)) return p.fail(found + ", but it sees no GPU: hipInit: " + hipErrorText(hip, r));
  if (r != hipSuccess) return p.fail(found + ", but hipInit failed: " + hipErrorText(hip, r));
  int n = 0;
  r = hip.hipGetDeviceCount(&n);
  if (noDevice(r)) return p.fail(found + ", but it sees no GPU: hipGetDeviceCount: " + hipErrorText(hip, r));
  if (r != hipSuccess) return p.fail(found + ", but hipGetDeviceCount failed: " + hipErrorText(hip, r));
  if (n <= 0) return p.fail(found + ", but it sees no GPU");
  for (int i = 0; i < n; i++) {
    DeviceInfo d;
    d.vendor = Vendor::Amd;
    hipDevice_t dev = 0;
    char name[256] = {0};
    size_t bytes = 0;
    const char* call = "hipDeviceGet";
    r = hip.hipDeviceGet(&dev, i);
    if (r == hipSuccess) { call = "hipDeviceGetName"; r = hip.hipDeviceGetName(name, (int)sizeof name - 1, dev); }
    if (r == hipSuccess) { call = "hipDeviceGetAttribute"; r = hip.hipDeviceGetAttribute(&d.ccMajor, hipDeviceAttributeComputeCapabilityMajor, i); }
    if (r == hipSuccess) r = hip.hipDeviceGetAttribute(&d.ccMinor, hipDeviceAttributeComputeCapabilityMinor, i);
    if (r == hipSuccess) r = hip.hipDeviceGetAttribute(&d.multiProcessorCount, hipDeviceAttributeMultiprocessorCount, i);
    if (r == hipSuccess) { call = "hipDeviceTotalMem"; r = hip.hipDeviceTotalMem(&bytes, dev); }
    if (r != hipSuccess)
      return p.fail(found + ", but " + call + " failed for device " + std::to_string(i) + ": " + hipErrorText(hip, r));
    d.name = name;
    d.totalMemory = bytes;
    d.gcnArch = gcnArchOf(hip, i);
    p.devices.push_back(d);
    p.deviceFacts.push_back((d.gcnArch.empty() ? std::string("gfx arch unknown") : d.gcnArch) + ", " +
                            plural(d.multiProcessorCount, "compute unit", "compute units"));
  }
  p.label = "AMD";
  p.driverNoun = "HIP runtime";
  p.updateHint = "ROCm installation";
  p.vendor = Vendor::Amd;
  p.version = version;
  p.versionString = version ? hipVersionString(version) : "";
  p.library = file;
  p.missingRequired = hip.lib.missingRequired;
  p.driver = std::move(driver);
  return true;
}

}  // namespace gpu
}  // namespace flint
