// hiprtc_hook.cpp — test hook of flintml_test.node (test/hiprtc.test.ts): the AMD kernels compiled at
// first use (native/gpu/hiprtc.h), run without a GPU: hiprtc needs none to compile.
//
//   _hipRuntimeCompile(arch, env?) -> { ok, why, log, dir, toolkit, archs, files, compiled, cached,
//     cacheDir, sourceDir, hiprtc: { ok, library, path, version, why } }
//   The same compileHipImages() that the HIP driver calls for a GPU without a prebuilt code object,
//   with `env` ({ NAME: value }, as _gpuBlasSearch) applied around it: FLINT_KERNEL_CACHE,
//   XDG_CACHE_HOME, HOME.
#include <string>
#include <vector>
#include "addon/js_errors.h"
#include "core/error.h"
#include "gpu/hiprtc.h"
#include "hooks.h"

using namespace flint;

namespace {

Napi::Array strings(Napi::Env env, const std::vector<std::string>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); i++) a.Set((uint32_t)i, Napi::String::New(env, v[i]));
  return a;
}

Napi::Value RuntimeCompile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsString() || (info.Length() > 1 && !info[1].IsObject() && !info[1].IsUndefined()))
      fail(ErrorKind::Value, "_hipRuntimeCompile: expects (arch: string, env?: object)");
    const std::string arch = info[0].As<Napi::String>().Utf8Value();
    Napi::Object out = Napi::Object::New(env);
    ScopedEnv scoped(info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env));
    gpu::CompiledImages r;
    const bool ok = gpu::compileHipImages(arch, 0, &r);
    std::string why;
    out.Set("ok", ok);
    out.Set("why", r.why);
    out.Set("log", r.log);
    out.Set("dir", r.set.dir);
    out.Set("toolkit", r.set.toolkit);
    out.Set("archs", strings(env, r.set.archs));
    out.Set("files", strings(env, r.set.files));
    out.Set("compiled", strings(env, r.compiled));
    out.Set("cached", strings(env, r.cached));
    out.Set("cacheDir", gpu::hipKernelCacheDir(&why));
    out.Set("sourceDir", gpu::kernelSourceDir());
    const gpu::HiprtcInfo& rtc = gpu::hiprtc(0);
    Napi::Object h = Napi::Object::New(env);
    h.Set("ok", rtc.ok);
    h.Set("library", rtc.library);
    h.Set("path", rtc.path);
    h.Set("version", rtc.version);
    h.Set("why", rtc.why);
    out.Set("hiprtc", h);
    return out;
  });
}

}  // namespace

void registerHiprtcHook(Napi::Env env, Napi::Object exports) {
  exports.Set("_hipRuntimeCompile", Napi::Function::New(env, RuntimeCompile));
}
