// test_addon.cpp — flintml_test.node: the test-only hooks, in an addon of their own so that the
// production binary (flintml.node, and the prebuild made from binding.gyp) holds production code
// only. CMakeLists.txt builds it into build/Release/test/ when this folder exists (a clone: the
// published package has no test/), from the same host objects plus the files of this folder; it
// shares no state with the production addon at run time (its own copy of every native global).
// Loaded by test/test-addon.ts. Every export starts with an underscore:
//   _fakeAllocatorCreate / _fakeAllocatorOp / _fakeAllocatorDestroy   allocator_hooks.cpp
//   _gpuBlasSearch(mode, env)                                         blas_search_hook.cpp
//   _hipRuntimeCompile(arch, env)                                     hiprtc_hook.cpp
//   _vmath(fn, isa, x) / _vmathIsa()                                  vmath_hook.cpp
//   _errorCodes()  the JS class name of every ErrorKind, in enum order (core/error.h's list, as
//                  compiled: test/errors.test.ts checks it against the header and lib/errors.ts)
#include <napi.h>
#include "core/error.h"
#include "hooks.h"

namespace {

Napi::Value ErrorCodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
#define FLINT_ERROR_KIND_CODE(kind, code) out.Set(i++, Napi::String::New(env, flint::errorCode(flint::ErrorKind::kind)));
  FLINT_ERROR_KINDS(FLINT_ERROR_KIND_CODE)
#undef FLINT_ERROR_KIND_CODE
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  registerAllocatorHooks(env, exports);
  registerBlasSearchHook(env, exports);
  registerHiprtcHook(env, exports);
  registerVmathHook(env, exports);
  exports.Set("_errorCodes", Napi::Function::New(env, ErrorCodes));
  return exports;
}

}  // namespace

NODE_API_MODULE(flintml_test, Init)
