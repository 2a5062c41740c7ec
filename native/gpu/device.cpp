// device.cpp — GPU discovery (see device.h): the vendor-neutral part. The vendors' probes (cuda.cpp,
// hip.cpp) load their driver and list its devices; this file orders them, words the outcome and
// checks the kernel images. Everything found, or not, goes into the search log in plain words,
// because this log is what a user pastes into a bug report.
#include "device.h"
#include <cstdio>
#include <cstdlib>
#include "dl_table.h"
#include "images.h"

namespace flint {
namespace gpu {

namespace {

std::string gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
  return buf;
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
  Probe nvidia(log_), amd(log_);
  const bool tryNvidia = want != "hip", tryAmd = want != "cuda";
  if (tryNvidia && probeNvidia(nvidia)) return select(nvidia);
  if (tryAmd && probeAmd(amd)) return select(amd);

  if (tryNvidia && tryAmd && nvidia.failure.empty() && amd.failure.empty()) {
    nvidia.notFound.insert(nvidia.notFound.end(), amd.notFound.begin(), amd.notFound.end());
    reason_ = "no NVIDIA or AMD driver found (" + joined(nvidia.notFound, "; ") + ")";
  } else {
    std::vector<std::string> parts;
    if (tryNvidia) parts.push_back(nvidia.failure.empty() ? "no NVIDIA driver found (" + joined(nvidia.notFound, "; ") + ")" : nvidia.failure);
    if (tryAmd) parts.push_back(amd.failure.empty() ? "no AMD driver found (" + joined(amd.notFound, "; ") + ")" : amd.failure);
    reason_ = joined(parts, "; ");
  }
  if (!want.empty()) reason_ = "FLINT_BACKEND=" + want + ": " + reason_;
  // No usable GPU: the log (doctor) still lists the CUDA image sets and the driver each needs, so
  // that the driver to install can be read off this host.
  if (tryNvidia) {
    std::vector<ImageSet> sets = findImageSets(Vendor::Nvidia, &log_);
    int oldest = 0;
    for (auto& s : sets) if (!oldest || s.minDriver < oldest) oldest = s.minDriver;
    if (oldest)
      log_.push_back("CUDA kernel images: none used (no usable NVIDIA driver); the oldest driver a set runs on: CUDA " +
                     cudaVersion(oldest) + " (" + nvidiaDriverBranch(oldest) + ")");
  }
}

// The probed vendor's driver sees devices: keep its facts and Driver, and say whether the backend
// can run on them.
void GpuRuntime::select(Probe& p) {
  vendor_ = p.vendor;
  devices_ = std::move(p.devices);
  driverVersion_ = p.version;
  driverVersionString_ = p.versionString;
  driver_ = std::move(p.driver);
  const std::string vendor = p.label;
  log_.push_back(vendor + ": " + p.driverNoun + " " + (p.version ? driverVersionString_ : std::string("version unknown")) +
                 ", " + plural(deviceCount(), "device", "devices"));
  for (int i = 0; i < deviceCount(); i++)
    log_.push_back(vendor + ": device " + std::to_string(i) + ": " + devices_[i].name + ", " + p.deviceFacts[i] + ", " +
                   gib(devices_[i].totalMemory));
  const std::string driver = vendor + " " + p.driverNoun + " " +
                             (driverVersionString_.empty() ? std::string() : driverVersionString_ + " ") + "found (" +
                             plural(deviceCount(), "device", "devices") + ")";
  if (!p.missingRequired.empty()) {
    reason_ = driver + ", but " + p.library + " lacks " + joined(p.missingRequired, ", ") + " (update the " + p.updateHint + ")";
  } else {
    // Every device needs a kernel image set it can run (images.h); device 0 decides availability,
    // the others are checked when first used.
    imageSets_ = findImageSets(vendor_, &log_);
    std::string why;
    std::vector<std::string> notes;  // which set device 0 would use, and why the newer ones not
    std::string how;
    if (chooseImageSet(imageSets_, *driver_, driverVersion_, devices_[0], &why, &notes)) {
      available_ = true;
    } else if (driver_->canCompileImages(devices_[0], &how)) {
      available_ = true;  // backend.cpp compiles them when the device is first used
      log_.push_back(vendor + ": " + why + "; " + how);
    } else {
      reason_ = driver + ", but " + why;
    }
    const std::string what = vendor_ == Vendor::Nvidia ? "CUDA" : "HIP";
    for (auto& n : notes) log_.push_back(what + " kernel images: " + n);
  }
  log_.push_back(available_ ? vendor + ": GPU backend ready" : reason_);
}

}  // namespace gpu
}  // namespace flint
