// js_errors.h — how native errors cross into JS, shared by every binding file: a flint::Error
// becomes a JS Error whose `code` names its class in lib/errors.ts (ShapeError, …).
#pragma once
#include <napi.h>
#include <new>
#include <string>
#include "../core/error.h"

namespace flint {

[[noreturn]] inline void throwJs(Napi::Env env, const std::string& code, const std::string& msg) {
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  throw e;
}

/** Runs f, turning flint::Error and std::bad_alloc into typed JS errors. */
template <class F> auto guarded(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const flint::Error& e) {
    throwJs(env, errorCode(e.kind), e.what());
  } catch (const std::bad_alloc&) {
    throwJs(env, errorCode(ErrorKind::OutOfMemory), "out of host memory");
  }
}

}  // namespace flint
