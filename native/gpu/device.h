// device.h — GpuRuntime: which GPU driver this host has, what devices it sees, and whether the
// GPU backend can run here. Discovery runs once, on first use (the first `fl.cuda.*` call or
// 'cuda' device request), never at addon load, so CPU users pay nothing.
//
// Order (DESIGN.md §1): NVIDIA (libcuda.so.1), then AMD (libamdhip64.so.{7,6,5}, then the same
// names in $ROCM_PATH/lib or /opt/rocm/lib). The first vendor whose driver sees at least one device
// is selected. FLINT_BACKEND=cuda|hip forces one vendor, FLINT_BACKEND=cpu skips the search.
//
// Facts versus availability (as PyTorch's deviceCount): the devices a driver sees are reported even
// when the backend cannot run on them (a required driver symbol missing, no kernel image for the
// GPU, kernels not built). available() says whether ops can run; unavailableReason() says why not
// in one line; searchLog() keeps every library tried, found or not and why, for `flintml doctor`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "cuda_api.h"
#include "hip_api.h"

namespace flint {
namespace gpu {

enum class Vendor { None, Nvidia, Amd };

struct DeviceInfo {
  std::string name;
  Vendor vendor = Vendor::None;
  int ccMajor = 0, ccMinor = 0;  // NVIDIA compute capability (AMD: the driver's major/minor of the gfx arch)
  std::string gcnArch;           // AMD: "gfx90a:sramecc+:xnack-"; empty on NVIDIA
  int multiProcessorCount = 0;   // SMs (NVIDIA) or compute units (AMD)
  uint64_t totalMemory = 0;      // bytes
};

/** One set of kernel images (see images.h). */
struct ImageSet {
  std::string dir;                  // folder holding the images
  std::string toolkit;              // "nvcc 13.0" / "hipcc 5.2.21153"
  int minDriver = 0;                // CUDA: the driver version it needs (13000); AMD: 0
  std::vector<std::string> archs;   // "75", "80", ... or "gfx90a", ...
  int ptx = 0;                      // CUDA PTX arch (120), 0 when none
  std::vector<std::string> files;   // full paths of the images
};

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
  /** The driver tables (null unless that vendor was selected). */
  const CudaApi* cuda() const { return vendor_ == Vendor::Nvidia ? &cuda_ : nullptr; }
  const HipApi* hip() const { return vendor_ == Vendor::Amd ? &hip_ : nullptr; }

 private:
  GpuRuntime() = default;
  void discover();
  // Each returns true when the vendor's driver sees at least one device (the vendor is selected).
  // Otherwise `failure` says why a driver that was found cannot be used, or, when no library could
  // be opened, `notFound` holds each one's dlerror text.
  bool probeNvidia(std::string& failure, std::vector<std::string>& notFound);
  bool probeAmd(std::string& failure, std::vector<std::string>& notFound);
  void finish(const std::string& vendorName, const std::vector<std::string>& missingRequired, const std::string& libName);

  bool available_ = false;
  Vendor vendor_ = Vendor::None;
  std::vector<DeviceInfo> devices_;
  int driverVersion_ = 0;
  std::string driverVersionString_;
  std::string reason_;
  std::vector<std::string> log_;
  CudaApi cuda_;
  HipApi hip_;
  std::vector<ImageSet> imageSets_;

 public:
  /** The kernel image sets found for the selected vendor (see images.h). */
  const std::vector<ImageSet>& imageSets() const { return imageSets_; }
};

const char* vendorName(Vendor v);  // "nvidia", "amd" or ""

}  // namespace gpu
}  // namespace flint
