// lib_search.cpp — see lib_search.h.
#include "lib_search.h"
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include "dl_table.h"

namespace flint {
namespace gpu {

std::string jsonString(const std::string& s) {
  std::string o = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      default:
        if (ch < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", ch); o += b; }
        else o += (char)ch;
    }
  }
  return o + "\"";
}

std::string envOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

namespace {

bool exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}
bool isDir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
std::string realPath(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}
std::vector<std::string> splitColon(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(':', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}
std::vector<std::string> globDirs(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g;
  std::memset(&g, 0, sizeof g);
  if (glob(pattern.c_str(), GLOB_ONLYDIR, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; i++) out.push_back(g.gl_pathv[i]);
  globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}
// Folders in order, each once (by real path).
std::vector<std::string> unique(const std::vector<std::string>& in) {
  std::vector<std::string> out, seen;
  for (const std::string& d : in) {
    const std::string r = realPath(d);
    if (std::find(seen.begin(), seen.end(), r) != seen.end()) continue;
    seen.push_back(r);
    out.push_back(d);
  }
  return out;
}

class Search {
 public:
  Search(const LibrarySearchSpec& spec, const LibraryCandidate& candidate, std::vector<std::string>& log)
      : spec_(spec), candidate_(candidate), log_(log) {}

  bool run() {
    // 1. FLINT_CUDA_LIBS
    const std::string libs = envOr("FLINT_CUDA_LIBS");
    if (libs.empty()) log_.push_back("FLINT_CUDA_LIBS not set");
    for (const std::string& dir : splitColon(libs)) if (tryDir(dir, "FLINT_CUDA_LIBS")) return true;
    // 2. the loader path
    for (const std::string& so : spec_.sonames) if (tryFile(so, "loader path")) return true;
    if (spec_.amd) {
      // 3. ROCm's own folder, which is not always on the loader path
      const std::string rocm = envOr("ROCM_PATH").empty() ? "/opt/rocm" : envOr("ROCM_PATH");
      return tryDir(rocm + "/lib", "ROCM_PATH");
    }
    // 3. pip wheels in Python environments
    for (const std::string& d : pythonLibDirs()) if (tryDir(d, "python")) return true;
    // 4. CUDA toolkits
    std::vector<std::string> toolkits;
    for (const char* v : {"CUDA_HOME", "CUDA_PATH"}) if (!envOr(v).empty()) toolkits.push_back(envOr(v) + "/lib64");
    toolkits.push_back("/usr/local/cuda/lib64");
    for (const std::string& d : unique(toolkits)) if (tryDir(d, "toolkit")) return true;
    return false;
  }

 private:
  // Python prefixes, each expanded to <prefix>/lib/python3*/{site,dist}-packages/nvidia/*/lib.
  std::vector<std::string> pythonLibDirs() {
    std::vector<std::string> prefixes;
    for (const char* v : {"VIRTUAL_ENV", "CONDA_PREFIX"}) if (!envOr(v).empty()) prefixes.push_back(envOr(v));
    for (const std::string& dir : splitColon(envOr("PATH"))) {
      const std::string py = dir + "/python3";
      if (access(py.c_str(), X_OK) != 0) continue;
      prefixes.push_back(dir + "/..");
      const std::string real = realPath(py);  // a symlinked interpreter (venv) points at its base install
      const size_t slash = real.rfind('/');
      if (slash != std::string::npos && slash > 0) prefixes.push_back(real.substr(0, slash) + "/..");
    }
    if (!envOr("HOME").empty()) prefixes.push_back(envOr("HOME") + "/.local");
    prefixes.push_back("/usr/local");
    prefixes.push_back("/usr");
    std::vector<std::string> dirs;
    for (const std::string& p : unique(prefixes)) {
      const std::string prefix = realPath(p);
      std::vector<std::string> found;
      for (const char* pkgs : {"site-packages", "dist-packages"}) {
        std::vector<std::string> g = globDirs(prefix + "/lib/python3*/" + pkgs + "/nvidia/*/lib");
        found.insert(found.end(), g.begin(), g.end());
      }
      if (found.empty()) log_.push_back(spec_.label + ": python: " + prefix + "/lib/python3*/{site,dist}-packages/nvidia/*/lib: no such folder");
      dirs.insert(dirs.end(), found.begin(), found.end());
    }
    return unique(dirs);
  }

  // Tries every soname in `dir`; true when one was accepted.
  bool tryDir(const std::string& dir, const char* where) {
    const std::string prefix = spec_.label + ": " + where + ": ";
    if (!isDir(dir)) {
      log_.push_back(prefix + dir + ": no such folder");
      return false;
    }
    std::vector<std::string> absent;  // logged in search order, as one line per run of absent names
    auto flush = [&] {
      if (!absent.empty()) log_.push_back(prefix + dir + ": no " + joined(absent, ", "));
      absent.clear();
    };
    for (const std::string& so : spec_.sonames) {
      const std::string path = dir + "/" + so;
      if (!exists(path)) { absent.push_back(so); continue; }
      flush();
      if (tryFile(path, where)) return true;
    }
    flush();
    return false;
  }

  bool tryFile(const std::string& file, const char* where) { return candidate_(file, where, spec_.label + ": " + where + ": "); }

  const LibrarySearchSpec& spec_;
  const LibraryCandidate& candidate_;
  std::vector<std::string>& log_;
};

}  // namespace

bool searchLibrary(const LibrarySearchSpec& spec, const LibraryCandidate& candidate, std::vector<std::string>& log) {
  return Search(spec, candidate, log).run();
}

}  // namespace gpu
}  // namespace flint
