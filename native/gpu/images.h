// images.h — finding and choosing the GPU kernel images (native/kernels/*.cu compiled by CMake).
//
// Layout: a folder `kernels/` next to the addon's folder (build/kernels for build/Release/*.node,
// prebuilds/<platform>/kernels for prebuilds) or named by FLINT_KERNEL_PATH. The folder, and each
// subfolder of it, is one "image set" described by its status.json: the CUDA images
// (flint-<family>.fatbin, nvcc version, SASS archs, PTX arch) and the HIP images
// (flint-<family>.hsaco, hipcc version, gfx archs). Several sets may be shipped (images built
// by an older nvcc for older drivers); the loader picks, per vendor, the newest set that the
// driver and the GPU can run — a rule of each vendor's, Driver::imageFits (cuda.cpp, hip.cpp):
//   NVIDIA: a set built by nvcc X.Y needs a driver of CUDA major X (driver version >= X*1000;
//     CUDA 13 = driver 580 or newer); the GPU of compute capability M.m runs SASS sm_Mk with
//     k <= m, or JIT-compiles the PTX when the PTX arch is <= M.m.
//   AMD: the device's gfx arch (without feature suffixes) must be one of the set's archs.
// Included by device.cpp (discovery: does device 0 have a set?) and backend.cpp (which set to load).
#pragma once
#include <string>
#include <vector>
#include "driver.h"

namespace flint {
namespace gpu {

/** Every image set found for `vendor`, newest toolkit first; `log` gets one line per place searched. */
std::vector<ImageSet> findImageSets(Vendor vendor, std::vector<std::string>* log);

/**
 * The set to load for `device` under `driverVersion`, or nullptr with *why saying in one line what is
 * missing and what fixes it.
 */
const ImageSet* chooseImageSet(const std::vector<ImageSet>& sets, const Driver& driver, int driverVersion,
                               const DeviceInfo& device, std::string* why);

}  // namespace gpu
}  // namespace flint
