// nccl_api.cpp — finds NCCL / RCCL (nccl_api.h; the search order is lib_search.h's) and logs
// every place tried, for `flintml doctor` and for the error a process group gives when none is found.
#include "nccl_api.h"
#include <cstdio>
#include <mutex>
#include "device.h"
#include "lib_search.h"
#include "launch.h"

namespace flint {
namespace gpu {

namespace {

bool loadNccl(CollectiveLibrary& L, const std::string& file, std::string* error) {
  NcclApi& a = L.api;
  const SymbolEntry table[] = {
      {{"ncclGetVersion"}, (void**)&a.ncclGetVersion, Need::Required},
      {{"ncclGetUniqueId"}, (void**)&a.ncclGetUniqueId, Need::Required},
      {{"ncclCommInitRank"}, (void**)&a.ncclCommInitRank, Need::Required},
      {{"ncclCommDestroy"}, (void**)&a.ncclCommDestroy, Need::Required},
      {{"ncclCommAbort"}, (void**)&a.ncclCommAbort, Need::Required},
      {{"ncclCommGetAsyncError"}, (void**)&a.ncclCommGetAsyncError, Need::Required},
      {{"ncclGetErrorString"}, (void**)&a.ncclGetErrorString, Need::Required},
      {{"ncclGetLastError"}, (void**)&a.ncclGetLastError, Need::Optional},
      {{"ncclAllReduce"}, (void**)&a.ncclAllReduce, Need::Required},
      {{"ncclBroadcast"}, (void**)&a.ncclBroadcast, Need::Required},
      {{"ncclAllGather"}, (void**)&a.ncclAllGather, Need::Required},
      {{"ncclReduceScatter"}, (void**)&a.ncclReduceScatter, Need::Required},
      {{"ncclSend"}, (void**)&a.ncclSend, Need::Required},
      {{"ncclRecv"}, (void**)&a.ncclRecv, Need::Required},
      {{"ncclGroupStart"}, (void**)&a.ncclGroupStart, Need::Required},
      {{"ncclGroupEnd"}, (void**)&a.ncclGroupEnd, Need::Required},
  };
  return loadTable(file.c_str(), table, sizeof table / sizeof table[0], &L.lib, error);
}


}  // namespace

std::string ncclVersionString(int code) {
  if (code <= 0) return "";
  // NCCL_VERSION(X,Y,Z): X*1000+Y*100+Z up to 2.8, X*10000+Y*100+Z from 2.9 on
  if (code < 10000) return std::to_string(code / 1000) + "." + std::to_string((code % 1000) / 100) + "." + std::to_string(code % 100);
  return std::to_string(code / 10000) + "." + std::to_string((code / 100) % 100) + "." + std::to_string(code % 100);
}

CollectiveLibrary searchCollectiveLibrary(bool amd) {
  CollectiveLibrary out;
  out.amd = amd;
  const std::string label = amd ? "RCCL" : "NCCL";
  const std::string soname = amd ? "librccl.so.1" : "libnccl.so.2";
  std::vector<std::string> log;
  auto candidate = [&](const std::string& file, const char*, const std::string& prefix) {
    CollectiveLibrary cand;
    std::string err;
    if (!loadNccl(cand, file, &err)) {
      log.push_back(prefix + file + ": not found (" + withoutFilePrefix(err, file) + ")");
      return false;
    }
    if (!cand.lib.missingRequired.empty()) {
      log.push_back(prefix + file + ": loaded from " + cand.lib.path + ", but it lacks " + joined(cand.lib.missingRequired, ", ") +
                    "; skipped");
      return false;
    }
    int code = 0;
    const ncclResult_t r = cand.api.ncclGetVersion(&code);
    if (r != ncclSuccess || code < kNcclVersionMin) {
      log.push_back(prefix + file + ": loaded from " + cand.lib.path + ", but " +
                    (r != ncclSuccess ? "ncclGetVersion failed (" + std::to_string(r) + ")"
                                      : "its version " + ncclVersionString(code) + " is older than 2.7 (no ncclSend/ncclRecv)") +
                    "; skipped");
      return false;
    }
    cand.found = true;
    cand.amd = amd;
    cand.name = label;
    cand.path = cand.lib.path;
    cand.versionCode = code;
    cand.version = ncclVersionString(code);
    std::string line = prefix + file + ": loaded from " + cand.path + " (" + label + " " + cand.version + ", " +
                       std::to_string(cand.lib.resolved) + " symbols resolved";
    if (!cand.lib.missingOptional.empty()) line += "; optional, missing: " + joined(cand.lib.missingOptional, ", ");
    if (!cand.hasAvgAndBf16()) line += "; before 2.10: no 'avg' reduction and no bfloat16";
    out = std::move(cand);
    log.push_back(line + ")");
    return true;
  };
  const LibrarySearchSpec spec{label, {soname}, amd};
  if (!searchLibrary(spec, candidate, log)) {
    out.reason = label + ": " + soname + " not found (set FLINT_CUDA_LIBS to its folder" +
                 (amd ? ", or install RCCL with ROCm" : ", or `pip install nvidia-nccl-cu12`") + ")";
    log.push_back(out.reason);
  }
  out.searchLog = std::move(log);
  return out;
}

const CollectiveLibrary& collectiveLibrary() {
  static std::once_flag once;
  static const CollectiveLibrary* lib = nullptr;
  std::call_once(once, [] { lib = new CollectiveLibrary(searchCollectiveLibrary(GpuRuntime::get().vendor() == Vendor::Amd)); });
  return *lib;
}

std::string ncclResultText(const CollectiveLibrary& lib, ncclResult_t r) {
  const char* s = lib.api.ncclGetErrorString ? lib.api.ncclGetErrorString(r) : nullptr;
  return std::string(s ? s : "error") + " (" + lib.name + " result " + std::to_string(r) + ")";
}

std::string collectiveInfoJson(const CollectiveLibrary& lib) {
  std::string s = "{\"found\":" + std::string(lib.found ? "true" : "false") + ",\"name\":" + jsonString(lib.name.empty() ? (lib.amd ? "RCCL" : "NCCL") : lib.name) +
                  ",\"path\":" + jsonString(lib.path) + ",\"version\":" + jsonString(lib.version) +
                  ",\"versionCode\":" + std::to_string(lib.versionCode) + ",\"avg\":" + (lib.hasAvgAndBf16() ? "true" : "false") +
                  ",\"bfloat16\":" + (lib.hasAvgAndBf16() ? "true" : "false") + ",\"reason\":" + jsonString(lib.reason) + ",\"searchLog\":[";
  for (size_t i = 0; i < lib.searchLog.size(); i++) s += (i ? "," : "") + jsonString(lib.searchLog[i]);
  return s + "]}";
}

}  // namespace gpu
}  // namespace flint
