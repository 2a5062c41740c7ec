// dl_table.h — the one dlopen/dlsym loop behind both driver tables (cuda_api, hip_api): opens a
// library, resolves each entry by its first name the library exports (versioned names first), and
// sorts what is missing into "needed for discovery", "needed by the backend" and optional.
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

}  // namespace gpu
}  // namespace flint
