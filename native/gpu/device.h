// device.h — GpuRuntime: which GPU driver this host has, what devices it sees, and whether the
// GPU backend can run here. Discovery runs once, on first use (the first `fl.cuda.*` call or
// 'cuda' device request), never at addon load, so CPU users pay nothing. Included by backend.cpp
// (which takes the Driver from here), images.cpp and the addon's gpu_binding.cpp (gpuInfo).
//
// Order (DESIGN.md §1): NVIDIA (probeNvidia in cuda.cpp: libcuda.so.1), then AMD (probeAmd in
// hip.cpp: libamdhip64.so.{7,6,5}, then the same names in $ROCM_PATH/lib or /opt/rocm/lib). The
// first vendor whose driver sees at least one device is selected, and its Driver kept for the
// process. FLINT_BACKEND=cuda|hip forces one vendor, FLINT_BACKEND=cpu skips the search.
//
// Facts versus availability (as PyTorch's deviceCount): the devices a driver sees are reported even
// when the backend cannot run on them (a required driver symbol missing, no kernel image for the
// GPU, kernels not built). available() says whether ops can run; unavailableReason() says why not
// in one line; searchLog() keeps every library tried, found or not and why, for `flintml doctor`.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "driver.h"

namespace flint {
namespace gpu {

class GpuRuntime {
 public:
  /** The process-wide runtime; the first call runs discovery (thread-safe). */
  static GpuRuntime& get();

  bool available() const { return available_; }
  Vendor vendor() const { return vendor_; }
  int deviceCount() const { return (int)devices_.size(); }
  const std::vector<DeviceInfo>& devices() const { return devices_; }
  /** The selected vendor's driver version as the driver reports it (13000 = CUDA 13.0); 0 if none. */
  int driverVersion() const { return driverVersion_; }
  /** "13.0" (NVIDIA) or "6.4.43482" (AMD); empty if none. */
  const std::string& driverVersionString() const { return driverVersionString_; }
  const std::string& unavailableReason() const { return reason_; }
  const std::vector<std::string>& searchLog() const { return log_; }
  /** The selected vendor's Driver (null when no driver sees a GPU); never destroyed. */
  Driver* driver() const { return driver_.get(); }

 private:
  GpuRuntime() = default;
  void discover();
  void select(Probe& p);  // the probed vendor sees devices: keep its facts and say whether the backend can run

  bool available_ = false;
  Vendor vendor_ = Vendor::None;
  std::vector<DeviceInfo> devices_;
  int driverVersion_ = 0;
  std::string driverVersionString_;
  std::string reason_;
  std::vector<std::string> log_;
  std::unique_ptr<Driver> driver_;
  std::vector<ImageSet> imageSets_;

 public:
  /** The kernel image sets found for the selected vendor (see images.h). */
  const std::vector<ImageSet>& imageSets() const { return imageSets_; }
};

const char* vendorName(Vendor v);  // "nvidia", "amd" or ""

}  // namespace gpu
}  // namespace flint
