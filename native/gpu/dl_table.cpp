// dl_table.cpp — see dl_table.h.
#include "dl_table.h"
#include <dlfcn.h>

namespace flint {
namespace gpu {

bool loadTable(const char* file, const SymbolEntry* entries, size_t n, LoadedTable* out, std::string* error) {
  dlerror();
  void* h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* msg = dlerror();
    const std::string e = msg ? msg : "dlopen failed";
    *error = e.compare(0, std::char_traits<char>::length(file), file) == 0 ? e : std::string(file) + ": " + e;
    return false;
  }
  out->handle = h;
  out->canEnumerate = true;
  for (size_t i = 0; i < n; i++) {
    const SymbolEntry& s = entries[i];
    void* p = nullptr;
    for (const char* name : s.names)
      if (name && (p = dlsym(h, name)) != nullptr) break;
    *s.slot = p;
    if (p) {
      out->resolved++;
      if (out->path.empty()) {
        Dl_info info;
        if (dladdr(p, &info) && info.dli_fname) out->path = info.dli_fname;
      }
      continue;
    }
    if (s.need == Need::Optional) {
      out->missingOptional.push_back(s.names[0]);
    } else {
      out->missingRequired.push_back(s.names[0]);
      if (s.need == Need::Discovery) out->canEnumerate = false;
    }
  }
  if (out->path.empty()) out->path = file;
  return true;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); i++) s += (i ? sep : "") + v[i];
  return s;
}

std::string plural(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

std::string withoutFilePrefix(const std::string& err, const std::string& file) {
  return err.compare(0, file.size() + 2, file + ": ") == 0 ? err.substr(file.size() + 2) : err;
}

std::string describeLoaded(const char* label, const std::string& file, const LoadedTable& t) {
  std::string s = std::string(label) + ": " + file + ": loaded from " + t.path + " (" + std::to_string(t.resolved) +
                  " symbols resolved";
  if (!t.missingRequired.empty()) s += "; MISSING: " + joined(t.missingRequired, ", ");
  if (!t.missingOptional.empty()) s += "; optional, missing: " + joined(t.missingOptional, ", ");
  return s + ")";
}

}  // namespace gpu
}  // namespace flint
