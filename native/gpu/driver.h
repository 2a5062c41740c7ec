// driver.h — the seam between the vendor-neutral GPU runtime and the two vendors.
//
// What lives here: the Driver interface (one object per process, made by the vendor whose driver
// sees a GPU), the facts discovery reports (Vendor, DeviceInfo, ImageSet), and the two discovery
// entry points, one per vendor file:
//
//   cuda.cpp  NVIDIA: the libcuda.so.1 table (declared by hand from the CUDA Driver API reference),
//             probeNvidia() and the CUDA Driver (primary contexts, cuModule*, cuLaunchKernel, ...)
//   hip.cpp   AMD: the libamdhip64.so.{7,6,5} table (from the HIP Runtime API reference), probeAmd()
//             and the HIP Driver (hipSetDevice, hipModule*, hipModuleLaunchKernel, ...)
//
// Nothing outside those two files names a vendor call or type. Who includes this: device.h
// (GpuRuntime holds the Driver that discovery made), backend.cpp and pinned_pool.cpp (they run
// everything through it), images.cpp (asks the Driver whether an image set fits a device) and the
// two vendor files. The GEMM libraries (cuBLASLt, rocBLAS) have their own tables in blas_api.*.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "../core/error.h"
#include "launch.h"

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
  int minDriver = 0;                // CUDA: the driver version its SASS needs (13000); AMD: 0
  int ptxMinDriver = 0;             // CUDA: the driver version that JIT-compiles its PTX (11080)
  std::vector<std::string> archs;   // "75", "80", ... or "gfx90a", ...
  int ptx = 0;                      // CUDA PTX arch (120), 0 when none
  std::vector<std::string> files;   // full paths of the images
};

/**
 * The vendor-neutral face of the CUDA driver API and the HIP module API. Every call either succeeds
 * or throws flint::Error naming the call and the driver's error text (driverFail), except where a
 * comment says it returns a code or nullptr. Handles (streams, events, modules, functions) are the
 * driver's own, as void*; device pointers are void* on both vendors.
 */
class Driver {
 public:
  virtual ~Driver() = default;
  virtual const char* vendor() const = 0;  // "cuda" / "hip": the prefix of error messages
  virtual std::string errorText(int r) const = 0;
  /**
   * Whether `set` (status.json's facts) runs on `device` under `driverVersion`; if not, *why says in
   * one line what is missing and what fixes it (images.cpp: chooseImageSet).
   */
  virtual bool imageFits(const ImageSet& set, int driverVersion, const DeviceInfo& device, std::string* why) const = 0;
  /**
   * When no shipped set fits `device`: whether the kernels can be compiled for it at first use (AMD:
   * hiprtc, hiprtc.h); *how says with what and where they are cached. Only a check: compiles nothing.
   */
  virtual bool canCompileImages(const DeviceInfo& device, std::string* how) const { (void)device; (void)how; return false; }
  /** Compiles (or takes from the disk cache) the kernels for `device`; nullptr with *why on failure. */
  virtual const ImageSet* compileImages(const DeviceInfo& device, std::string* why) { (void)device; (void)why; return nullptr; }

  virtual void makeCurrent(int device) = 0;  // on the calling thread
  virtual int loadModule(const void* image, void** module) = 0;  // returns the driver's result code
  virtual void* getFunction(void* module, const char* name) = 0;  // nullptr when absent
  virtual int launch(void* f, Dim3 g, Dim3 b, unsigned shm, void* stream, void** params) = 0;  // result code
  virtual void* alloc(size_t bytes) = 0;  // nullptr when the device has no room
  virtual void free(void* p) = 0;
  virtual void* hostAlloc(size_t bytes) = 0;  // page-locked; nullptr when no room
  virtual void hostFree(void* p) = 0;
  virtual void copyHtoD(void* dst, const void* src, size_t n, void* stream) = 0;
  virtual void copyDtoH(void* dst, const void* src, size_t n, void* stream) = 0;
  virtual void copyDtoD(void* dst, const void* src, size_t n, void* stream) = 0;
  virtual void memset8(void* dst, int byte, size_t n, void* stream) = 0;
  virtual void* streamCreate() = 0;  // non-blocking (does not synchronize with the default stream)
  virtual void streamDestroy(void* s) = 0;
  virtual void streamSync(void* s) = 0;
  virtual bool streamQuery(void* s) = 0;  // true when idle
  virtual void streamWait(void* s, void* e) = 0;
  virtual void* eventCreate(bool timing) = 0;
  virtual void eventDestroy(void* e) = 0;
  virtual void eventRecord(void* e, void* s) = 0;
  virtual void eventSync(void* e) = 0;
  virtual bool eventQuery(void* e) = 0;  // true when complete
  virtual float eventElapsed(void* a, void* b) = 0;
  virtual void deviceSync() = 0;

  // ---- stream capture and graphs (CUDA graphs; hipGraph on AMD) ---------------------------------
  // Optional entry points (CUDA 11.4+ / HIP 5.3+): hasGraphs() says whether the driver has them all;
  // the calls below throw (driverFail) when it does not. A graph is captured from the work queued
  // on one stream between captureBegin and captureEnd (nothing runs meanwhile), instantiated once
  // and launched any number of times on any stream.
  virtual bool hasGraphs() const = 0;
  /** mode: 0 global, 1 thread-local, 2 relaxed (CUstreamCaptureMode / hipStreamCaptureMode). */
  virtual void captureBegin(void* stream, int mode) = 0;
  /** Ends the capture and returns the graph; returns the driver's code (nonzero: the capture was invalidated). */
  virtual int captureEnd(void* stream, void** graph) = 0;
  /** 0 none, 1 active, 2 invalidated (CUstreamCaptureStatus / hipStreamCaptureStatus). */
  virtual int captureStatus(void* stream) = 0;
  virtual void* graphInstantiate(void* graph) = 0;
  virtual void graphLaunch(void* exec, void* stream) = 0;
  virtual void graphDestroy(void* graph) = 0;
  virtual void graphExecDestroy(void* exec) = 0;
  /**
   * Sets the calling thread's capture interaction mode (cuThreadExchangeStreamCaptureMode) and
   * returns the previous one: the caching allocator's device allocation during a capture runs in
   * relaxed mode, as PyTorch's does (cuMemAlloc is "potentially unsafe" in global mode; the graph
   * never frees the memory before its replays). A no-op returning `mode` without the entry point.
   */
  virtual int exchangeCaptureMode(int mode) = 0;
};

/** Throws for a failed driver call: OutOfMemoryError for result 2 (both vendors' out-of-memory), else FlintError. */
[[noreturn]] inline void driverFail(const Driver& d, const char* what, int r) {
  fail(r == 2 ? ErrorKind::OutOfMemory : ErrorKind::Flint, std::string(d.vendor()) + ": " + what + " failed: " + d.errorText(r));
}

/**
 * One vendor's discovery (probeNvidia in cuda.cpp, probeAmd in hip.cpp), run by GpuRuntime
 * (device.cpp) in DESIGN.md §1's order. A probe appends to `log` every library it tried and why it
 * was, or was not, usable. It returns true when the vendor's driver sees at least one GPU, with the
 * fields below filled; otherwise `failure` says why a driver that was found cannot be used, or,
 * when no library could be opened, `notFound` holds each one's dlerror text.
 */
struct Probe {
  std::vector<std::string>& log;
  std::string failure;
  std::vector<std::string> notFound;
  // on success
  const char* label = "";       // "NVIDIA" / "AMD": how the log names the vendor
  const char* driverNoun = "";  // "driver" / "HIP runtime"
  const char* updateHint = "";  // what to update when a required entry point is missing
  Vendor vendor = Vendor::None;
  std::unique_ptr<Driver> driver;  // lives for the whole process (GpuRuntime is never destroyed)
  std::vector<DeviceInfo> devices;
  std::vector<std::string> deviceFacts;  // per device, the vendor's words: "compute capability 9.0, 132 SMs"
  int version = 0;                       // as the driver reports it (13000 = CUDA 13.0)
  std::string versionString;             // "13.0" / "6.4.43482"
  std::string library;                   // the file name that was loaded
  std::vector<std::string> missingRequired;  // entry points the backend needs that the library lacks

  explicit Probe(std::vector<std::string>& l) : log(l) {}
  bool fail(const std::string& why) {
    failure = why;
    log.push_back(why);
    return false;
  }
};

bool probeNvidia(Probe& p);
bool probeAmd(Probe& p);

}  // namespace gpu
}  // namespace flint
