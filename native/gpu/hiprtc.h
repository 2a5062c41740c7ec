// hiprtc.h — AMD kernels compiled at first use: for a GPU whose gfx arch has no prebuilt code object
// in the shipped .hsaco bundles (images.h), the kernel sources that ship in the package
// (native/kernels/*.cu, compat.cuh, native/kernels/rtc/ and the native/core headers they include)
// are compiled with hiprtc — in the HIP runtime itself up to ROCm 5 (libamdhip64.so.5), in
// libhiprtc.so.<major> from ROCm 6 — and each family's code object is cached on disk:
//
//   <root>/hip/<arch>/<hash>/flint-<family>.co
//   <root> = $FLINT_KERNEL_CACHE, else $XDG_CACHE_HOME/flintml, else $HOME/.cache/flintml
//   <hash> = FNV-1a 64 of the sources, the compile options and hiprtc's release
//
// so a second process (or a second device of the same arch) loads the files without compiling.
// Files are written to a temporary name and renamed: a reader never sees half a code object, and
// two processes compiling at once both end with a whole file. Only the arch that the runtime itself
// reports for a device is ever compiled for: ROCm 5.2's hiprtc aborts the process (comgr frees an
// invalid pointer on its error path) when asked for an arch whose device library it lacks. Used by hip.cpp (the HIP Driver's
// canCompileImages / compileImages and the search log) and the test addon.
#pragma once
#include <string>
#include <vector>
#include "driver.h"

namespace flint {
namespace gpu {

/** hiprtc as found on this host (loaded once per process, on first ask). */
struct HiprtcInfo {
  bool ok = false;
  std::string library;  // the loaded file ("libhiprtc.so.6", "libamdhip64.so.5")
  std::string path;     // its full path
  std::string version;  // the release: "5.2.21153" from the library's versioned file name, else hiprtcVersion's
  std::string why;      // when !ok: what was tried and why it failed
};

/**
 * Loads hiprtc. `hipMajor` is the major version of the HIP runtime that discovery loaded (5, 6, 7; 0
 * when unknown): its own libhiprtc.so.<major> (or, for 5, libamdhip64.so.5) is tried first.
 */
const HiprtcInfo& hiprtc(int hipMajor);

/** <root>/hip (see above), or "" with *why when neither variable nor HOME is set. */
std::string hipKernelCacheDir(std::string* why);

/** The folder holding the kernel sources (…/native/kernels beside the addon's package), or "". */
std::string kernelSourceDir();

/** What compileHipImages did, for the search log and the tests. */
struct CompiledImages {
  ImageSet set;                       // dir = the cache folder, files = one .co per family
  std::vector<std::string> compiled;  // families compiled now
  std::vector<std::string> cached;    // families taken from the cache
  std::string why;                    // when it fails: one line
  std::string log;                    // hiprtc's log of the failed compile
};

/**
 * Every kernel family for `arch` ("gfx1101"; feature suffixes such as ":xnack-" are dropped, so the
 * code objects run with either setting), from the cache or compiled now. Never aborts the process
 * on a compile error: returns false with out->why (and hiprtc's log in out->log).
 */
bool compileHipImages(const std::string& arch, int hipMajor, CompiledImages* out);

}  // namespace gpu
}  // namespace flint
