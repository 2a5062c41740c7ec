// vmath_hook.cpp — test hook of flintml_test.node (test/vmath.test.ts): runs core/vmath.h's float
// functions over an array on one chosen ISA copy of vm::forEachVec's loop, so that CI checks the
// baseline, AVX2 and AVX-512 copies alike (the ops run only the widest one the CPU has).
//   _vmath(fn: 'exp' | 'tanh' | 'sigmoid' | 'erf', isa: 'base' | 'avx2' | 'avx512', x: Float32Array)
//     -> Float32Array, or null when this CPU (or build) has no such copy
//   _vmathIsa() -> the ISA the ops use ('base' | 'avx2' | 'avx512')
#include "hooks.h"
#include <cstring>
#include <string>
#include "core/vmath.h"

using namespace flint;

namespace {

template <class Fn> bool runOn(const std::string& isa, int64_t n, Fn& body) {
  if (isa == "base") { vm::forEachBase<false>(n, body); return true; }
#ifdef FLINT_VM_X86
  if (isa == "avx2" && vm::detectIsa() >= vm::kIsaAvx2) { vm::forEachAvx2<false>(n, body); return true; }
  if (isa == "avx512" && vm::detectIsa() >= vm::kIsaAvx512) { vm::forEachAvx512<false>(n, body); return true; }
#endif
  return false;
}

Napi::Value Vmath(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsTypedArray())
    throw Napi::TypeError::New(env, "_vmath(fn, isa, Float32Array)");
  const std::string fn = info[0].As<Napi::String>().Utf8Value(), isa = info[1].As<Napi::String>().Utf8Value();
  Napi::Float32Array in = info[2].As<Napi::Float32Array>();
  const int64_t n = (int64_t)in.ElementLength();
  Napi::Float32Array out = Napi::Float32Array::New(env, (size_t)n);
  const float* x = in.Data();
  float* y = out.Data();
  bool ok;
  if (fn == "exp") { auto b = [x, y](int64_t i) { y[i] = vm::exp(x[i]); }; ok = runOn(isa, n, b); }
  else if (fn == "tanh") { auto b = [x, y](int64_t i) { y[i] = vm::tanh(x[i]); }; ok = runOn(isa, n, b); }
  else if (fn == "sigmoid") { auto b = [x, y](int64_t i) { y[i] = vm::sigmoid(x[i]); }; ok = runOn(isa, n, b); }
  else if (fn == "erf") { auto b = [x, y](int64_t i) { y[i] = vm::erf(x[i]); }; ok = runOn(isa, n, b); }
  else throw Napi::TypeError::New(env, "_vmath: unknown function " + fn);
  return ok ? (Napi::Value)out : env.Null();
}

Napi::Value VmathIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), vm::isaName(vm::cpuIsa())); }

}  // namespace

void registerVmathHook(Napi::Env env, Napi::Object exports) {
  exports.Set("_vmath", Napi::Function::New(env, Vmath));
  exports.Set("_vmathIsa", Napi::Function::New(env, VmathIsa));
}
