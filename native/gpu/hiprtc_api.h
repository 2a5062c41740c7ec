// hiprtc_api.h — the hiprtc table (libhiprtc.so.<major> from ROCm 6, inside libamdhip64.so.5 before):
// the entry points hiprtc.cpp calls, declared by hand from AMD's "HIP Runtime Compilation (HIPRTC)"
// API reference (rocm.docs.amd.com/projects/HIP, hiprtc.h). hiprtcProgram is an opaque handle,
// hiprtcResult an int enum whose HIPRTC_SUCCESS is 0. test/vendor-abi.test.ts checks every line
// against the hiprtc.h on the build machine (ROCm 5.2 in CI).
#pragma once
#include <cstddef>
#include "dl_table.h"

namespace flint {
namespace gpu {

using hiprtcResult = int;
using hiprtcProgram = struct _hiprtcProgram*;
constexpr hiprtcResult HIPRTC_SUCCESS = 0;

struct HiprtcApi {
  hiprtcResult (*hiprtcVersion)(int* major, int* minor) = nullptr;
  const char* (*hiprtcGetErrorString)(hiprtcResult result) = nullptr;
  hiprtcResult (*hiprtcCreateProgram)(hiprtcProgram* prog, const char* src, const char* name, int numHeaders,
                                      const char** headers, const char** includeNames) = nullptr;
  hiprtcResult (*hiprtcCompileProgram)(hiprtcProgram prog, int numOptions, const char** options) = nullptr;
  hiprtcResult (*hiprtcGetProgramLogSize)(hiprtcProgram prog, size_t* logSizeRet) = nullptr;
  hiprtcResult (*hiprtcGetProgramLog)(hiprtcProgram prog, char* log) = nullptr;
  hiprtcResult (*hiprtcGetCodeSize)(hiprtcProgram prog, size_t* codeSizeRet) = nullptr;
  hiprtcResult (*hiprtcGetCode)(hiprtcProgram prog, char* code) = nullptr;
  hiprtcResult (*hiprtcDestroyProgram)(hiprtcProgram* prog) = nullptr;
  LoadedTable lib;
};

}  // namespace gpu
}  // namespace flint
