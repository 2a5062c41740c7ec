// images.h — finding and choosing the GPU kernel images (native/kernels/*.cu compiled by CMake).
//
// Layout: a folder `kernels/` next to the addon's folder (build/kernels for build/Release/*.node,
// prebuilds/<platform>/kernels for prebuilds) or named by FLINT_KERNEL_PATH. The folder, and each
// subfolder of it, is one "image set" described by its status.json: the CUDA images
// (flint-<family>.fatbin, nvcc version, SASS archs, PTX arch) and the HIP images
// (flint-<family>.hsaco, hipcc version, gfx archs). Several sets may be shipped (images built
// by an older nvcc for older drivers); the loader picks, per vendor, the newest set that the
// driver and the GPU can run — a rule of each vendor's, Driver::imageFits (cuda.cpp, hip.cpp):
//   NVIDIA (CUDA Compatibility guide, minor version compatibility; details in cuda.cpp): SASS built
//     by nvcc X.y runs on a driver of CUDA X.0 or newer (11.x: 450.80.02+, 12.x: 525.60.13+, 13.x:
//     580+) on a GPU of compute capability M.m when the set has sm_Mk with k <= m; otherwise the
//     set's PTX (arch <= M.m) is JIT-compiled, which needs a driver of CUDA X.y or newer. status.json
//     states both driver numbers (minDriver, ptxMinDriver).
//   AMD: the device's gfx arch (without feature suffixes) must be one of the set's archs.
// The builds ship up to two CUDA sets: nvcc 13 in kernels/ and nvcc 11.8 in kernels/cuda-11.8/.
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
 * The set to load for `device` under `driverVersion` (the first of `sets` that fits: the newest), or
 * nullptr with *why saying in one line what is missing and what fixes it. `notes`, when given, gets a
 * line per set tried: "using DIR (nvcc X): how" or "skipped DIR (nvcc X): why".
 */
const ImageSet* chooseImageSet(const std::vector<ImageSet>& sets, const Driver& driver, int driverVersion,
                               const DeviceInfo& device, std::string* why, std::vector<std::string>* notes = nullptr);

/** One line on a set for the search log: toolkit, images and (CUDA) archs and the driver it needs. */
std::string describe(const ImageSet& set, Vendor vendor);

/** "11.8" for a cuDriverGetVersion number (11080). */
std::string cudaVersion(int cudaVersion);

/** "NVIDIA 520.61.05 or newer" for a cuDriverGetVersion number (11080): the Linux driver of that CUDA. */
std::string nvidiaDriverBranch(int cudaVersion);

}  // namespace gpu
}  // namespace flint
