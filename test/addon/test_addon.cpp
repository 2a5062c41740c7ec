// test_addon.cpp — flintml_test.node: the test-only hooks, in an addon of their own so that the
// production binary (flintml.node, and the prebuild made from binding.gyp) holds production code
// only. CMakeLists.txt builds it next to flintml.node when this folder exists (a clone: the
// published package has no test/), from the same host objects plus the files of this folder; it
// shares no state with the production addon at run time (its own copy of every native global).
// Loaded by test/test-addon.ts. Every export starts with an underscore:
//   _fakeAllocatorCreate / _fakeAllocatorOp / _fakeAllocatorDestroy   allocator_hooks.cpp
//   _gpuBlasSearch(mode, env)                                         blas_search_hook.cpp
#include <napi.h>
#include "hooks.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  registerAllocatorHooks(env, exports);
  registerBlasSearchHook(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(flintml_test, Init)
