// blas_search_hook.cpp — test hook of flintml_test.node (test/gpu-blas.test.ts): the GPU GEMM
// library search (native/gpu/blas_api.cpp), run without a GPU and with the environment the test sets.
//
//   _gpuBlasSearch(mode, env) -> JSON text of blasInfoJson(): mode 0 runs a fresh search for
//     cuBLASLt, 1 for rocBLAS — the same code as blasLibrary() — with `env` ({ NAME: value }, a
//     value of undefined or null unsets NAME) applied to the C environment around the search and
//     undone after it.
//
// The changes go through setenv() because a test runner's process.env (jest) is not the C
// environment; the search runs on the calling thread and nothing else reads these variables
// meanwhile. The process's own library (what the first GPU matmul found) is the production
// addon's gpuBlasInfo().
#include <string>
#include "addon/js_errors.h"
#include "core/error.h"
#include "gpu/blas_api.h"
#include "hooks.h"

using namespace flint;

namespace {

Napi::Value BlasSearch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsNumber() || (info.Length() > 1 && !info[1].IsObject() && !info[1].IsUndefined()))
      fail(ErrorKind::Value, "_gpuBlasSearch: expects (mode: 0 | 1, env?: object)");
    const int mode = info[0].As<Napi::Number>().Int32Value();
    if (mode != 0 && mode != 1) fail(ErrorKind::Value, "_gpuBlasSearch: mode must be 0 (cuBLASLt) or 1 (rocBLAS)");
    std::string json;
    {
      ScopedEnv scoped(info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env));
      json = gpu::blasInfoJson(gpu::searchBlasLibrary(mode == 1));
    }
    return Napi::String::New(env, json);
  });
}

}  // namespace

void registerBlasSearchHook(Napi::Env env, Napi::Object exports) {
  exports.Set("_gpuBlasSearch", Napi::Function::New(env, BlasSearch));
}
