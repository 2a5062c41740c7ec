// lib_search.h — the one search for the GPU vendors' libraries that are not drivers: the GEMM
// libraries (blas_api.cpp: cuBLASLt, rocBLAS) and the collective libraries (nccl_api.cpp: NCCL,
// RCCL). Each caller says which file names it wants and how to load and check one candidate; the
// search says where to look, in this order, and logs every place in plain words (what
// `flintml doctor` prints and what a user pastes into a bug):
//   1. FLINT_CUDA_LIBS: colon-separated folders, each tried for every soname (in the given order);
//   2. the default loader path (dlopen by soname: LD_LIBRARY_PATH, ld.so.cache, RUNPATH);
//   3. NVIDIA: the `nvidia/*/lib` folders of Python environments (pip's CUDA wheels: nvidia-cublas,
//      nvidia-nccl, ...): $VIRTUAL_ENV, $CONDA_PREFIX, the prefix of every `python3` on PATH,
//      ~/.local, /usr/local and /usr (lib/python3*/site-packages and dist-packages);
//      AMD: $ROCM_PATH/lib (default /opt/rocm/lib);
//   4. NVIDIA: $CUDA_HOME/lib64, $CUDA_PATH/lib64 and /usr/local/cuda/lib64.
// The first candidate that the caller accepts wins.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace flint {
namespace gpu {

struct LibrarySearchSpec {
  std::string label;                 // "cuBLASLt", "NCCL": the first word of every log line
  std::vector<std::string> sonames;  // tried in this order in every folder
  bool amd = false;                  // ROCm's folder instead of Python wheels and CUDA toolkits
};

/**
 * Tries one candidate: `file` is a path, or a bare soname for the loader path; `where` names the
 * search step ("FLINT_CUDA_LIBS", "loader path", "python", "ROCM_PATH", "toolkit") and `prefix` is
 * "<label>: <where>: ", the start of the line the callback logs about it. Returns true to accept.
 */
using LibraryCandidate = std::function<bool(const std::string& file, const char* where, const std::string& prefix)>;

/**
 * Runs the search, appending to `log`. Returns true as soon as `candidate` accepts a file; false
 * when every place was tried (the caller logs its own "not found" line).
 */
bool searchLibrary(const LibrarySearchSpec& spec, const LibraryCandidate& candidate, std::vector<std::string>& log);

/** `s` as a JSON string literal (quotes, escapes): the libraries' describe() output for doctor. */
std::string jsonString(const std::string& s);

/** The environment variable, or "" when unset. */
std::string envOr(const char* name);

}  // namespace gpu
}  // namespace flint
