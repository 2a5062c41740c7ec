// dl_table.h — the one dlopen/dlsym loop behind every vendor table (the drivers in cuda.cpp and
// hip.cpp, the GEMM libraries in blas_api.cpp): opens a library, resolves each entry by its first
// name the library exports (versioned names first), and sorts what is missing into "needed for
// discovery", "needed by the backend" and optional. Also the few phrases that the search logs of
// device discovery (device.cpp, cuda.cpp, hip.cpp) and of the GEMM search (blas_api.cpp) share.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace flint {
namespace gpu {

enum class Need { Discovery, Required, Optional };

struct SymbolEntry {
  const char* names[3];  // tried in order; unused slots are null
  void** slot;           // the table field to fill
  Need need;
};

struct LoadedTable {
  void* handle = nullptr;
  std::string path;      // the loaded file, from dladdr of the first symbol found
  int resolved = 0;
  std::vector<std::string> missingRequired;  // Discovery and Required entries not found (first name)
  std::vector<std::string> missingOptional;
  bool canEnumerate = false;                 // every Discovery entry was found
};

/**
 * dlopen()s `file` (RTLD_NOW | RTLD_LOCAL) and resolves `entries`. Returns false, with dlerror's
 * text in *error, when the library cannot be opened; a missing symbol is recorded, never fatal.
 * The handle is never closed: a GPU driver starts threads that outlive any dlclose.
 */
bool loadTable(const char* file, const SymbolEntry* entries, size_t n, LoadedTable* out, std::string* error);

// ---- search-log wording ------------------------------------------------------------------------
std::string joined(const std::vector<std::string>& v, const char* sep);
/** "1 device", "2 devices". */
std::string plural(int n, const char* one, const char* many);
/** dlerror texts start with the file's name; the log names it already. */
std::string withoutFilePrefix(const std::string& err, const std::string& file);
/** "NVIDIA: libcuda.so.1: loaded from /usr/lib/.../libcuda.so.1 (41 symbols resolved; MISSING: ...)". */
std::string describeLoaded(const char* label, const std::string& file, const LoadedTable& t);

}  // namespace gpu
}  // namespace flint
