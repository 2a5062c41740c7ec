// hiprtc.cpp — see hiprtc.h.
//
// No ROCm header is needed: the hiprtc entry points are declared by hand in hiprtc_api.h.
#include "hiprtc.h"
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include "dl_table.h"
#include "hiprtc_api.h"

namespace flint {
namespace gpu {
namespace {

bool loadHiprtc(HiprtcApi& a, const char* file, std::string* error) {
  const SymbolEntry table[] = {
      {{"hiprtcVersion"}, (void**)&a.hiprtcVersion, Need::Discovery},
      {{"hiprtcGetErrorString"}, (void**)&a.hiprtcGetErrorString, Need::Discovery},
      {{"hiprtcCreateProgram"}, (void**)&a.hiprtcCreateProgram, Need::Discovery},
      {{"hiprtcCompileProgram"}, (void**)&a.hiprtcCompileProgram, Need::Discovery},
      {{"hiprtcGetProgramLogSize"}, (void**)&a.hiprtcGetProgramLogSize, Need::Discovery},
      {{"hiprtcGetProgramLog"}, (void**)&a.hiprtcGetProgramLog, Need::Discovery},
      {{"hiprtcGetCodeSize"}, (void**)&a.hiprtcGetCodeSize, Need::Discovery},
      {{"hiprtcGetCode"}, (void**)&a.hiprtcGetCode, Need::Discovery},
      {{"hiprtcDestroyProgram"}, (void**)&a.hiprtcDestroyProgram, Need::Discovery},
  };
  return loadTable(file, table, sizeof table / sizeof table[0], &a.lib, error);
}

std::mutex gMutex;  // hiprtc() and compileHipImages may be reached from the test addon's threads
HiprtcApi gApi;
HiprtcInfo gInfo;
bool gTried = false;

bool isFile(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool readFile(const std::string& p, std::string* out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return (bool)f || f.eof();
}

// Sorted names of the regular files of `dir` whose name ends with one of `suffixes` ("" = any).
std::vector<std::string> listFiles(const std::string& dir, const std::vector<std::string>& suffixes) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.empty() || n[0] == '.' || !isFile(dir + "/" + n)) continue;
      for (const std::string& s : suffixes)
        if (n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0) { out.push_back(n); break; }
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// mkdir -p; false with errno's text in *why on failure.
bool makeDirs(const std::string& path, std::string* why) {
  for (size_t i = 1; i <= path.size(); i++) {
    if (i < path.size() && path[i] != '/') continue;
    const std::string p = path.substr(0, i);
    if (mkdir(p.c_str(), 0755) != 0 && errno != EEXIST) {
      *why = "cannot create " + p + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void add(const std::string& s) {
    for (unsigned char c : s) { h ^= c; h *= 1099511628211ull; }
    h ^= 0xff;  // a separator, so that ("ab","c") and ("a","bc") differ
    h *= 1099511628211ull;
  }
  std::string hex() const {
    char b[17];
    std::snprintf(b, sizeof b, "%016llx", (unsigned long long)h);
    return b;
  }
};

// An AMDGPU code object: ELF64, EM_AMDGPU (224). A cached file that is not one is compiled again.
bool looksLikeCodeObject(const std::string& bytes) {
  return bytes.size() > 64 && bytes.compare(0, 4, "\x7f" "ELF") == 0 && (unsigned char)bytes[4] == 2 &&
         (unsigned char)bytes[0x12] == 224 && (unsigned char)bytes[0x13] == 0;
}

bool writeAtomically(const std::string& path, const std::string& bytes, std::string* why) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) { *why = "cannot write " + tmp + ": " + std::strerror(errno); return false; }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *why = "cannot write " + tmp + ": " + std::strerror(errno);
      close(fd);
      unlink(tmp.c_str());
      return false;
    }
    done += (size_t)n;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    *why = "cannot write " + tmp + ": " + std::strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    *why = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

// The first "error: ..." line of a compiler log (or its first line).
std::string firstError(const std::string& log) {
  size_t at = log.find("error:");
  size_t start = at == std::string::npos ? 0 : log.rfind('\n', at);
  start = start == std::string::npos ? 0 : start + (at == std::string::npos ? 0 : 1);
  size_t end = log.find('\n', start);
  std::string line = log.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return line.size() > 300 ? line.substr(0, 300) + "..." : line;
}

}  // namespace

const HiprtcInfo& hiprtc(int hipMajor) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (gTried) return gInfo;
  gTried = true;
  // The hiprtc of the runtime that will load the code: ROCm 6+ ships it as libhiprtc.so.<major>; up
  // to ROCm 5 it lives in libamdhip64.so.5 itself (some 5.x also as libhiprtc.so.5). A compiler of
  // another ROCm release is never mixed in. Unknown major (the test hook): any, newest first.
  std::vector<std::string> files;
  if (hipMajor >= 6) files = {"libhiprtc.so." + std::to_string(hipMajor)};
  else if (hipMajor == 5) files = {"libamdhip64.so.5", "libhiprtc.so.5"};
  else files = {"libhiprtc.so.7", "libhiprtc.so.6", "libamdhip64.so.5", "libhiprtc.so.5"};
  const char* rocm = std::getenv("ROCM_PATH");
  const std::string rocmLib = std::string(rocm && *rocm ? rocm : "/opt/rocm") + "/lib/";
  const size_t plain = files.size();
  for (size_t k = 0; k < plain; k++) files.push_back(rocmLib + files[k]);
  std::vector<std::string> errors;
  for (const std::string& f : files) {
    std::string err;
    HiprtcApi a;
    if (!loadHiprtc(a, f.c_str(), &err)) { errors.push_back(err); continue; }
    if (!a.lib.canEnumerate) {
      errors.push_back(f + ": lacks " + joined(a.lib.missingRequired, ", "));
      continue;
    }
    gApi = a;
    gInfo.ok = true;
    gInfo.library = f.substr(f.rfind('/') == std::string::npos ? 0 : f.rfind('/') + 1);
    gInfo.path = a.lib.path;
    // hiprtcVersion is NVRTC-compatible and says little (ROCm 5.2's answers 9.0); the versioned
    // name of the library file (libamdhip64.so.5.2.21153, libhiprtc.so.6.2.60200) names the release.
    int major = 0, minor = 0;
    if (gApi.hiprtcVersion(&major, &minor) == HIPRTC_SUCCESS)
      gInfo.version = std::to_string(major) + "." + std::to_string(minor);
    char real[4096];
    if (!gInfo.path.empty() && realpath(gInfo.path.c_str(), real)) {
      const std::string base = std::strrchr(real, '/') ? std::strrchr(real, '/') + 1 : real;
      const size_t so = base.rfind(".so.");
      const std::string v = so == std::string::npos ? "" : base.substr(so + 4);
      if (std::count(v.begin(), v.end(), '.') >= 1 && std::isdigit((unsigned char)v[0])) gInfo.version = v;
    }
    return gInfo;
  }
  gInfo.why = "hiprtc not found (" + joined(errors, "; ") + ")";
  return gInfo;
}

std::string hipKernelCacheDir(std::string* why) {
  auto env = [](const char* n) -> std::string {
    const char* v = std::getenv(n);
    return v && *v ? v : "";
  };
  std::string root = env("FLINT_KERNEL_CACHE");
  if (root.empty() && !env("XDG_CACHE_HOME").empty()) root = env("XDG_CACHE_HOME") + "/flintml";
  if (root.empty() && !env("HOME").empty()) root = env("HOME") + "/.cache/flintml";
  if (root.empty()) {
    *why = "no folder to cache compiled kernels in (set FLINT_KERNEL_CACHE, XDG_CACHE_HOME or HOME)";
    return "";
  }
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root + "/hip";
}

std::string kernelSourceDir() {
  // The package root is one (prebuilds/<platform>/x.node: two) or more folders above the addon's;
  // the test addon sits one folder deeper (build/Release/test/).
  Dl_info info;
  if (!dladdr(reinterpret_cast<void*>(&kernelSourceDir), &info) || !info.dli_fname) return "";
  std::string dir = info.dli_fname;
  dir = dir.substr(0, dir.rfind('/') == std::string::npos ? 0 : dir.rfind('/'));
  if (dir.empty()) dir = ".";
  std::string up = dir;
  for (int k = 0; k < 4; k++) {
    up += "/..";
    const std::string cand = up + "/native/kernels";
    if (isFile(cand + "/compat.cuh") && isFile(cand + "/rtc/cstdint")) {
      char real[4096];
      return realpath(cand.c_str(), real) ? std::string(real) : cand;
    }
  }
  return "";
}

bool compileHipImages(const std::string& archIn, int hipMajor, CompiledImages* out) {
  *out = CompiledImages();
  const std::string arch = archIn.substr(0, archIn.find(':'));
  bool archOk = arch.size() > 3 && arch.compare(0, 3, "gfx") == 0;
  for (size_t i = 3; i < arch.size(); i++) archOk = archOk && std::isxdigit((unsigned char)arch[i]);
  if (!archOk) { out->why = "'" + archIn + "' is not a gfx architecture"; return false; }
  const HiprtcInfo& rtc = hiprtc(hipMajor);
  if (!rtc.ok) { out->why = rtc.why; return false; }
  const std::string src = kernelSourceDir();
  if (src.empty()) { out->why = "the kernel sources (native/kernels) are not beside the addon"; return false; }
  const std::string native = src.substr(0, src.rfind('/'));
  std::string root = hipKernelCacheDir(&out->why);
  if (root.empty()) return false;

  // The options (and so the hash) never hold this host's paths: the same sources give the same
  // cache folder wherever the package is installed.
  const std::vector<std::string> families = listFiles(src, {".cu"});
  if (families.empty()) { out->why = "no kernel sources in " + src; return false; }
  const std::vector<std::string> fixed = {"--gpu-architecture=" + arch, "-O3", "-std=c++17"};
  Fnv h;
  h.add("flintml hiprtc cache v1");
  h.add(rtc.library);
  h.add(rtc.version);
  for (const std::string& o : fixed) h.add(o);
  struct Dir { std::string rel, abs; std::vector<std::string> suffixes; };
  const Dir dirs[] = {{"kernels", src, {".cu", ".cuh"}}, {"kernels/rtc", src + "/rtc", {""}}, {"core", native + "/core", {".h"}}};
  for (const Dir& d : dirs) {
    for (const std::string& n : listFiles(d.abs, d.suffixes)) {
      std::string bytes;
      if (!readFile(d.abs + "/" + n, &bytes)) { out->why = "cannot read " + d.abs + "/" + n; return false; }
      h.add(d.rel + "/" + n);
      h.add(bytes);
    }
  }
  const std::string dir = root + "/" + arch + "/" + h.hex();
  if (!makeDirs(dir, &out->why)) return false;

  const std::string inc[] = {"-I" + src + "/rtc", "-I" + src, "-I" + native};
  std::vector<const char*> opts;
  for (const std::string& o : fixed) opts.push_back(o.c_str());
  for (const std::string& o : inc) opts.push_back(o.c_str());

  out->set.dir = dir;
  out->set.toolkit = "hiprtc " + (rtc.version.empty() ? std::string("(version unknown)") : rtc.version) +
                     ", compiled at first use";
  out->set.archs = {arch};
  std::lock_guard<std::mutex> lock(gMutex);
  for (const std::string& file : families) {
    const std::string family = file.substr(0, file.size() - 3);
    const std::string path = dir + "/flint-" + family + ".co";
    std::string bytes;
    if (readFile(path, &bytes) && looksLikeCodeObject(bytes)) {
      out->cached.push_back(family);
      out->set.files.push_back(path);
      continue;
    }
    std::string text;
    if (!readFile(src + "/" + file, &text)) { out->why = "cannot read " + src + "/" + file; return false; }
    hiprtcProgram prog = nullptr;
    hiprtcResult r = gApi.hiprtcCreateProgram(&prog, text.c_str(), file.c_str(), 0, nullptr, nullptr);
    if (r != HIPRTC_SUCCESS) {
      out->why = "hiprtcCreateProgram failed for " + file + ": " + gApi.hiprtcGetErrorString(r);
      return false;
    }
    r = gApi.hiprtcCompileProgram(prog, (int)opts.size(), opts.data());
    size_t logSize = 0;
    std::string log;
    if (gApi.hiprtcGetProgramLogSize(prog, &logSize) == HIPRTC_SUCCESS && logSize > 1) {
      log.resize(logSize);
      if (gApi.hiprtcGetProgramLog(prog, &log[0]) != HIPRTC_SUCCESS) log.clear();
      while (!log.empty() && log.back() == '\0') log.pop_back();
    }
    size_t codeSize = 0;
    std::string code;
    if (r == HIPRTC_SUCCESS && gApi.hiprtcGetCodeSize(prog, &codeSize) == HIPRTC_SUCCESS && codeSize > 0) {
      code.resize(codeSize);
      if (gApi.hiprtcGetCode(prog, &code[0]) != HIPRTC_SUCCESS) code.clear();
    }
    gApi.hiprtcDestroyProgram(&prog);
    if (r != HIPRTC_SUCCESS || !looksLikeCodeObject(code)) {
      out->why = "hiprtc " + rtc.version + " could not compile " + file + " for " + arch + ": " +
                 (r != HIPRTC_SUCCESS ? std::string(gApi.hiprtcGetErrorString(r)) + (log.empty() ? "" : "; " + firstError(log))
                                      : std::string("it returned no AMDGPU code object"));
      out->log = log;
      return false;
    }
    if (!writeAtomically(path, code, &out->why)) return false;
    out->compiled.push_back(family);
    out->set.files.push_back(path);
  }
  return true;
}

}  // namespace gpu
}  // namespace flint
