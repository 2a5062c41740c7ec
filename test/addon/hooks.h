// hooks.h — the register functions of flintml_test.node's hook files (see test_addon.cpp).
#pragma once
#include <napi.h>
#include <cstdlib>
#include <string>
#include <vector>

void registerAllocatorHooks(Napi::Env env, Napi::Object exports);  // allocator_hooks.cpp
void registerBlasSearchHook(Napi::Env env, Napi::Object exports);  // blas_search_hook.cpp
void registerHiprtcHook(Napi::Env env, Napi::Object exports);      // hiprtc_hook.cpp
void registerVmathHook(Napi::Env env, Napi::Object exports);       // vmath_hook.cpp

/**
 * Applies `env` ({ NAME: value }; undefined or null unsets NAME) to the C environment for its
 * lifetime (a test runner's process.env is not the C environment), then restores it.
 */
class ScopedEnv {
 public:
  explicit ScopedEnv(const Napi::Object& env) {
    Napi::Array names = env.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); i++) {
      const std::string name = names.Get(i).ToString().Utf8Value();
      const Napi::Value v = env.Get(name);
      const char* old = std::getenv(name.c_str());
      saved_.push_back({name, old != nullptr, old ? old : ""});
      if (v.IsUndefined() || v.IsNull()) unsetenv(name.c_str());
      else setenv(name.c_str(), v.ToString().Utf8Value().c_str(), 1);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->had) setenv(it->name.c_str(), it->value.c_str(), 1);
      else unsetenv(it->name.c_str());
    }
  }

 private:
  struct Saved { std::string name; bool had; std::string value; };
  std::vector<Saved> saved_;
};
