// device.cpp — GPU discovery (see device.h). Everything found, or not, goes into the search log
// in plain words, because this log is what a user pastes into a bug report.
#include "device.h"
#include "images.h"
#include <sys/stat.h>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace flint {
namespace gpu {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); i++) s += (i ? sep : "") + v[i];
  return s;
}

std::string gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

std::string plural(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

// CUDA encodes 1000 * major + 10 * minor (cuDriverGetVersion).
std::string cudaVersionString(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

// HIP encodes 10000000 * major + 100000 * minor + patch (HIP_VERSION).
std::string hipVersionString(int v) {
  if (v < 10000000) return std::to_string(v);
  return std::to_string(v / 10000000) + "." + std::to_string((v / 100000) % 100) + "." + std::to_string(v % 100000);
}

// dlerror texts start with the file's name; the log names it already.
std::string withoutPrefix(const std::string& err, const std::string& file) {
  return err.compare(0, file.size() + 2, file + ": ") == 0 ? err.substr(file.size() + 2) : err;
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

std::string deviceLine(const char* vendor, int i, const DeviceInfo& d) {
  std::string s = std::string(vendor) + ": device " + std::to_string(i) + ": " + d.name + ", ";
  if (d.vendor == Vendor::Nvidia)
    s += "compute capability " + std::to_string(d.ccMajor) + "." + std::to_string(d.ccMinor) + ", " +
         plural(d.multiProcessorCount, "SM", "SMs");
  else
    s += (d.gcnArch.empty() ? std::string("gfx arch unknown") : d.gcnArch) + ", " +
         plural(d.multiProcessorCount, "compute unit", "compute units");
  return s + ", " + gib(d.totalMemory);
}

std::string libraryLine(const char* vendor, const char* file, const LoadedTable& t) {
  std::string s = std::string(vendor) + ": " + file + ": loaded from " + t.path + " (" + std::to_string(t.resolved) +
                  " symbols resolved";
  if (!t.missingRequired.empty()) s += "; MISSING: " + join(t.missingRequired, ", ");
  if (!t.missingOptional.empty()) s += "; optional, missing: " + join(t.missingOptional, ", ");
  return s + ")";
}

}  // namespace

const char* vendorName(Vendor v) { return v == Vendor::Nvidia ? "nvidia" : v == Vendor::Amd ? "amd" : ""; }

GpuRuntime& GpuRuntime::get() {
  // Never destroyed: GPU drivers run threads of their own, and tearing down at exit races them.
  static GpuRuntime* runtime = [] {
    GpuRuntime* r = new GpuRuntime();
    r->discover();
    return r;
  }();
  return *runtime;
}

void GpuRuntime::discover() {
  const char* env = std::getenv("FLINT_BACKEND");
  const std::string want = env ? env : "";
  if (want == "cpu") {
    log_.push_back("FLINT_BACKEND=cpu: GPU search skipped");
    reason_ = "FLINT_BACKEND=cpu forces the CPU backend";
    return;
  }
  if (!want.empty() && want != "cuda" && want != "hip") {
    log_.push_back("FLINT_BACKEND=" + want + ": not one of cuda, hip, cpu; GPU search skipped");
    reason_ = "FLINT_BACKEND=" + want + " is not one of cuda, hip, cpu";
    return;
  }
  log_.push_back(want.empty() ? "FLINT_BACKEND not set: trying NVIDIA, then AMD"
                              : "FLINT_BACKEND=" + want + ": trying " + (want == "cuda" ? "NVIDIA" : "AMD") + " only");
  // Per vendor: why its driver, when found, cannot be used, or the dlerror texts of its libraries.
  std::string nvidiaFailure, amdFailure;
  std::vector<std::string> nvidiaNotFound, amdNotFound;
  const bool tryNvidia = want != "hip", tryAmd = want != "cuda";
  if (tryNvidia && probeNvidia(nvidiaFailure, nvidiaNotFound)) return;
  if (tryAmd && probeAmd(amdFailure, amdNotFound)) return;

  if (tryNvidia && tryAmd && nvidiaFailure.empty() && amdFailure.empty()) {
    nvidiaNotFound.insert(nvidiaNotFound.end(), amdNotFound.begin(), amdNotFound.end());
    reason_ = "no NVIDIA or AMD driver found (" + join(nvidiaNotFound, "; ") + ")";
  } else {
    std::vector<std::string> parts;
    if (tryNvidia) parts.push_back(nvidiaFailure.empty() ? "no NVIDIA driver found (" + join(nvidiaNotFound, "; ") + ")" : nvidiaFailure);
    if (tryAmd) parts.push_back(amdFailure.empty() ? "no AMD driver found (" + join(amdNotFound, "; ") + ")" : amdFailure);
    reason_ = join(parts, "; ");
  }
  if (!want.empty()) reason_ = "FLINT_BACKEND=" + want + ": " + reason_;
}

bool GpuRuntime::probeNvidia(std::string& failure, std::vector<std::string>& notFound) {
  // FLINT_CUDA_DRIVER names another driver library (a test double such as test/emu's emulator).
  const char* envDriver = std::getenv("FLINT_CUDA_DRIVER");
  const char* file = envDriver && *envDriver ? envDriver : "libcuda.so.1";
  std::string err;
  if (!loadCudaApi(cuda_, file, &err)) {
    log_.push_back(std::string("NVIDIA: ") + file + ": not found (" + withoutPrefix(err, file) + ")");
    notFound.push_back(err);
    return false;
  }
  const CudaApi& cu = cuda_;
  log_.push_back(libraryLine("NVIDIA", file, cu.lib));
  auto fail = [&](const std::string& why) {
    failure = why;
    log_.push_back(why);
    return false;
  };
  if (!cu.lib.canEnumerate)
    return fail(std::string("NVIDIA driver found (") + cu.lib.path + "), but it lacks " + join(cu.lib.missingRequired, ", ") +
                " (not an NVIDIA driver, or one too old)");
  int version = 0;
  if (cu.cuDriverGetVersion(&version) != CUDA_SUCCESS) version = 0;
  const std::string found = "NVIDIA driver " + (version ? cudaVersionString(version) + " " : std::string()) + "found";
  CUresult r = cu.cuInit(0);
  if (r != CUDA_SUCCESS) return fail(found + ", but cuInit failed: " + cudaErrorText(cu, r));
  int n = 0;
  r = cu.cuDeviceGetCount(&n);
  if (r != CUDA_SUCCESS) return fail(found + ", but cuDeviceGetCount failed: " + cudaErrorText(cu, r));
  if (n <= 0) return fail(found + ", but it sees no GPU");
  std::vector<DeviceInfo> devices;
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
      return fail(found + ", but " + call + " failed for device " + std::to_string(i) + ": " + cudaErrorText(cu, r));
    d.name = name;
    d.totalMemory = bytes;
    devices.push_back(d);
  }
  vendor_ = Vendor::Nvidia;
  devices_ = std::move(devices);
  driverVersion_ = version;
  driverVersionString_ = version ? cudaVersionString(version) : "";
  log_.push_back("NVIDIA: driver " + (version ? driverVersionString_ : std::string("version unknown")) + ", " +
                 plural(n, "device", "devices"));
  for (int i = 0; i < n; i++) log_.push_back(deviceLine("NVIDIA", i, devices_[i]));
  finish("NVIDIA", cu.lib.missingRequired, file);
  return true;
}

bool GpuRuntime::probeAmd(std::string& failure, std::vector<std::string>& notFound) {
  // The loader path first; then ROCm's own folder, which is not always on it.
  std::vector<std::string> files = {"libamdhip64.so.7", "libamdhip64.so.6", "libamdhip64.so.5"};
  const char* rocmEnv = std::getenv("ROCM_PATH");
  const std::string rocmLib = std::string(rocmEnv && *rocmEnv ? rocmEnv : "/opt/rocm") + "/lib";
  std::string file;
  std::vector<std::string> errors;
  for (size_t k = 0; k < files.size() && file.empty(); k++) {
    const std::string f = files[k];  // a copy: files grows below
    std::string err;
    hip_ = HipApi();
    if (loadHipApi(hip_, f.c_str(), &err)) { file = f; break; }
    log_.push_back("AMD: " + f + ": not found (" + withoutPrefix(err, f) + ")");
    errors.push_back(err);
    if (k == 2) {
      if (isDir(rocmLib)) for (const char* v : {"7", "6", "5"}) files.push_back(rocmLib + "/libamdhip64.so." + v);
      else log_.push_back("AMD: " + rocmLib + ": no such folder (set ROCM_PATH if ROCm is installed elsewhere)");
    }
  }
  if (file.empty()) {
    notFound.insert(notFound.end(), errors.begin(), errors.end());
    return false;
  }
  const HipApi& hip = hip_;
  log_.push_back(libraryLine("AMD", file.c_str(), hip.lib));
  auto fail = [&](const std::string& why) {
    failure = why;
    log_.push_back(why);
    return false;
  };
  if (!hip.lib.canEnumerate)
    return fail("AMD HIP runtime found (" + hip.lib.path + "), but it lacks " + join(hip.lib.missingRequired, ", ") +
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
  if (noDevice(r)) return fail(found + ", but it sees no GPU: hipInit: " + hipErrorText(hip, r));
  if (r != hipSuccess) return fail(found + ", but hipInit failed: " + hipErrorText(hip, r));
  int n = 0;
  r = hip.hipGetDeviceCount(&n);
  if (noDevice(r)) return fail(found + ", but it sees no GPU: hipGetDeviceCount: " + hipErrorText(hip, r));
  if (r != hipSuccess) return fail(found + ", but hipGetDeviceCount failed: " + hipErrorText(hip, r));
  if (n <= 0) return fail(found + ", but it sees no GPU");
  std::vector<DeviceInfo> devices;
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
      return fail(found + ", but " + call + " failed for device " + std::to_string(i) + ": " + hipErrorText(hip, r));
    d.name = name;
    d.totalMemory = bytes;
    d.gcnArch = gcnArchOf(hip, i);
    devices.push_back(d);
  }
  vendor_ = Vendor::Amd;
  devices_ = std::move(devices);
  driverVersion_ = version;
  driverVersionString_ = version ? hipVersionString(version) : "";
  log_.push_back("AMD: HIP runtime " + (version ? driverVersionString_ : std::string("version unknown")) + ", " +
                 plural(n, "device", "devices"));
  for (int i = 0; i < n; i++) log_.push_back(deviceLine("AMD", i, devices_[i]));
  finish("AMD", hip.lib.missingRequired, file);
  return true;
}

// The selected vendor's driver sees devices; say whether the backend can run on them.
void GpuRuntime::finish(const std::string& vendor, const std::vector<std::string>& missingRequired, const std::string& libName) {
  const std::string driver = vendor + (vendor == "AMD" ? " HIP runtime " : " driver ") +
                             (driverVersionString_.empty() ? std::string() : driverVersionString_ + " ") + "found (" +
                             plural(deviceCount(), "device", "devices") + ")";
  if (!missingRequired.empty()) {
    reason_ = driver + ", but " + libName + " lacks " + join(missingRequired, ", ") + " (update the " +
              (vendor == "AMD" ? "ROCm installation" : "NVIDIA driver") + ")";
  } else {
    // Every device needs a kernel image set it can run (images.h); device 0 decides availability,
    // the others are checked when first used.
    imageSets_ = findImageSets(vendor_, &log_);
    std::string why;
    if (chooseImageSet(imageSets_, vendor_, driverVersion_, devices_[0], &why)) available_ = true;
    else reason_ = driver + ", but " + why;
  }
  log_.push_back(available_ ? vendor + ": GPU backend ready" : reason_);
}

}  // namespace gpu
}  // namespace flint
