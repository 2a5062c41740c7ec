// images.cpp — see images.h.
#include "images.h"
#include <dirent.h>
#include <dlfcn.h>
#include <sys/stat.h>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace flint {
namespace gpu {
namespace {

bool isFile(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A minimal reader for the flat status.json that CMake writes: string, number, null, arrays of
// those, and nested objects. Values are kept as their text (strings unquoted).
struct Json {
  std::string text;                       // scalar text
  std::vector<Json> items;                // array items
  std::vector<std::pair<std::string, Json>> fields;  // object fields
  bool isNull = false;
  const Json* get(const std::string& k) const {
    for (auto& f : fields) if (f.first == k) return &f.second;
    return nullptr;
  }
};

struct Parser {
  const std::string& s;
  size_t i = 0;
  bool ok = true;
  void ws() { while (i < s.size() && std::isspace((unsigned char)s[i])) i++; }
  std::string str() {
    std::string out;
    i++;  // opening quote
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) i++;
      out += s[i++];
    }
    if (i >= s.size()) ok = false;
    i++;
    return out;
  }
  Json value() {
    Json v;
    ws();
    if (i >= s.size()) { ok = false; return v; }
    char c = s[i];
    if (c == '{') {
      i++;
      ws();
      if (i < s.size() && s[i] == '}') { i++; return v; }
      while (ok && i < s.size()) {
        ws();
        if (i >= s.size() || s[i] != '"') { ok = false; break; }
        std::string k = str();
        ws();
        if (i >= s.size() || s[i] != ':') { ok = false; break; }
        i++;
        v.fields.emplace_back(k, value());
        ws();
        if (i < s.size() && s[i] == ',') { i++; continue; }
        if (i < s.size() && s[i] == '}') { i++; break; }
        ok = false;
      }
    } else if (c == '[') {
      i++;
      ws();
      if (i < s.size() && s[i] == ']') { i++; return v; }
      while (ok && i < s.size()) {
        v.items.push_back(value());
        ws();
        if (i < s.size() && s[i] == ',') { i++; continue; }
        if (i < s.size() && s[i] == ']') { i++; break; }
        ok = false;
      }
    } else if (c == '"') {
      v.text = str();
    } else {
      size_t j = i;
      while (j < s.size() && s[j] != ',' && s[j] != '}' && s[j] != ']' && !std::isspace((unsigned char)s[j])) j++;
      v.text = s.substr(i, j - i);
      v.isNull = v.text == "null";
      i = j;
    }
    return v;
  }
};

std::string addonDir() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&findImageSets), &info) && info.dli_fname) {
    std::string p = info.dli_fname;
    size_t slash = p.rfind('/');
    if (slash != std::string::npos) return p.substr(0, slash);
  }
  return ".";
}

std::vector<std::string> subdirs(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      struct stat st;
      if (stat((dir + "/" + n).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(dir + "/" + n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "13.0" -> 13000
int versionNumber(const std::string& v) {
  int major = std::atoi(v.c_str());
  size_t dot = v.find('.');
  int minor = dot == std::string::npos ? 0 : std::atoi(v.c_str() + dot + 1);
  return major * 1000 + minor * 10;
}

bool readSet(const std::string& dir, Vendor vendor, ImageSet* out, std::string* note) {
  const std::string statusPath = dir + "/status.json";
  std::ifstream f(statusPath);
  if (!f) { *note = "no status.json"; return false; }
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  Parser p{text};
  Json root = p.value();
  if (!p.ok) { *note = "status.json is not valid JSON"; return false; }
  const Json* sec = vendor == Vendor::Nvidia ? &root : root.get("hip");
  const char* toolKey = vendor == Vendor::Nvidia ? "nvcc" : "hipcc";
  const Json* tool = sec ? sec->get(toolKey) : nullptr;
  if (!sec || !tool || tool->isNull) {
    const Json* reason = sec ? sec->get("reason") : nullptr;
    *note = std::string("no ") + (vendor == Vendor::Nvidia ? "CUDA" : "HIP") + " images" +
            (reason && !reason->isNull && !reason->text.empty() ? " (" + reason->text + ")" : "");
    return false;
  }
  ImageSet s;
  s.dir = dir;
  s.toolkit = std::string(toolKey) + " " + tool->text;
  if (vendor == Vendor::Nvidia) {
    // status.json states what the set needs (CMakeLists.txt: flint_cuda_min_driver); a status.json
    // from before those fields gets the same rule (cuda.cpp, imageFits): SASS of nvcc X.y needs a
    // driver of CUDA X.0, its PTX one of CUDA X.y.
    const Json* sassMin = sec->get("minDriver");
    const Json* ptxMin = sec->get("ptxMinDriver");
    s.minDriver = sassMin && !sassMin->isNull ? std::atoi(sassMin->text.c_str()) : (versionNumber(tool->text) / 1000) * 1000;
    s.ptxMinDriver = ptxMin && !ptxMin->isNull ? std::atoi(ptxMin->text.c_str()) : versionNumber(tool->text);
  }
  if (const Json* a = sec->get("archs")) for (auto& x : a->items) s.archs.push_back(x.text);
  if (const Json* x = sec->get("ptx")) if (!x->isNull) s.ptx = std::atoi(x->text.c_str());
  if (const Json* imgs = sec->get("images")) {
    for (auto& x : imgs->items) {
      const std::string path = dir + "/" + x.text;
      if (!isFile(path)) { *note = "listed image " + x.text + " is missing"; return false; }
      s.files.push_back(path);
    }
  }
  if (s.files.empty()) { *note = "status.json lists no images"; return false; }
  *out = s;
  return true;
}

}  // namespace

std::string cudaVersion(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

std::string describe(const ImageSet& s, Vendor vendor) {
  std::string out = s.toolkit + ", " + std::to_string(s.files.size()) + " images";
  if (vendor != Vendor::Nvidia) return out;
  std::string archs;
  for (auto& a : s.archs) archs += (archs.empty() ? "sm_" : ", sm_") + a;
  out += " (" + archs + (s.ptx ? " + PTX compute_" + std::to_string(s.ptx) : "") + "); needs driver >= CUDA " +
         cudaVersion(s.minDriver) + " (" + nvidiaDriverBranch(s.minDriver) + ")";
  if (s.ptx && s.ptxMinDriver > s.minDriver)
    out += ", its PTX >= CUDA " + cudaVersion(s.ptxMinDriver) + " (" + nvidiaDriverBranch(s.ptxMinDriver) + ")";
  return out;
}

std::string nvidiaDriverBranch(int v) {
  // The Linux driver of each CUDA version, from the CUDA Toolkit Release Notes (table 3, "CUDA Toolkit
  // and Corresponding Driver Versions"); x.0 of 11, 12 and 13 are the minor-version-compatibility
  // floors of the CUDA Compatibility guide.
  static const struct { int cuda; const char* driver; } table[] = {
      {13000, "580"}, {12020, "535.54.03"}, {12000, "525.60.13"}, {11080, "520.61.05"}, {11000, "450.80.02"}};
  for (auto& t : table)
    if (v == t.cuda) return std::string("NVIDIA ") + t.driver + " or newer";
  return "an NVIDIA driver of CUDA " + cudaVersion(v) + " or newer";
}

std::vector<ImageSet> findImageSets(Vendor vendor, std::vector<std::string>* log) {
  // FLINT_KERNEL_PATH names the one folder to use; otherwise the addon's neighbourhood is searched.
  std::vector<std::string> roots;
  if (const char* env = std::getenv("FLINT_KERNEL_PATH"); env && *env) {
    roots.push_back(env);
  } else {
    const std::string here = addonDir();
    roots.push_back(here + "/kernels");
    roots.push_back(here + "/../kernels");
  }
  std::vector<ImageSet> sets;
  const char* what = vendor == Vendor::Nvidia ? "CUDA" : "HIP";
  for (const std::string& r : roots) {
    std::vector<std::string> dirs = {r};
    for (auto& d : subdirs(r)) dirs.push_back(d);
    bool any = false;
    for (const std::string& d : dirs) {
      if (!isFile(d + "/status.json")) continue;
      any = true;
      ImageSet s;
      std::string note;
      if (readSet(d, vendor, &s, &note)) {
        if (log) log->push_back(std::string(what) + " kernel images: " + d + ": " + describe(s, vendor));
        sets.push_back(s);
      } else if (log) {
        log->push_back(std::string(what) + " kernel images: " + d + ": " + note);
      }
    }
    if (!any && log) log->push_back(std::string(what) + " kernel images: " + r + ": not found");
  }
  std::stable_sort(sets.begin(), sets.end(), [](const ImageSet& a, const ImageSet& b) { return a.minDriver > b.minDriver; });
  return sets;
}

const ImageSet* chooseImageSet(const std::vector<ImageSet>& sets, const Driver& driver, int driverVersion,
                               const DeviceInfo& device, std::string* why, std::vector<std::string>* notes) {
  if (sets.empty()) {
    *why = std::string("no ") + (device.vendor == Vendor::Nvidia ? "CUDA" : "HIP") +
           " kernel images were found (the search log lists where; reinstall flintml, or build it from source with " +
           (device.vendor == Vendor::Nvidia ? "nvcc" : "hipcc") + ")";
    return nullptr;
  }
  // `sets` is newest first (findImageSets): the first that fits is the newest this host can run.
  std::vector<std::string> reasons;
  for (const ImageSet& s : sets) {
    std::string r;
    if (driver.imageFits(s, driverVersion, device, &r)) {
      if (notes) notes->push_back("using " + s.dir + " (" + s.toolkit + ") for " + device.name + (r.empty() ? "" : ": " + r));
      return &s;
    }
    if (notes) notes->push_back("skipped " + s.dir + " (" + s.toolkit + "): " + r);
    reasons.push_back(r);
  }
  if (reasons.size() == 1) {
    *why = reasons[0];
  } else {
    *why = "none of the " + std::to_string(reasons.size()) + " kernel image sets runs here: ";
    for (size_t i = 0; i < reasons.size(); i++) *why += (i ? "; " : "") + reasons[i];
  }
  return nullptr;
}

}  // namespace gpu
}  // namespace flint
