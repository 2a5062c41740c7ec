// mpi_binding.h — the addon's MPI exports (mpi_binding.cpp), registered by addon.cpp's Module().
#pragma once
#include <napi.h>

namespace flint {
void registerMpiBindings(Napi::Env env, Napi::Object exports);
}  // namespace flint
