// emu_registry.h — how the host build of a kernel file registers its extern "C" kernels with the
// emulated driver (emu_driver.cpp). scripts/build-emu.js generates, for native/kernels/<f>.cu, a
// translation unit that #includes the .cu and then this header, and lists the kernel names it
// found in the preprocessed source:
//
//   EMU_KERNELS_BEGIN("elementwise")
//     EMU_KERNEL(flint_unary_f32)
//     ...
//   EMU_KERNELS_END()
//
// Each entry gets a typed trampoline that unpacks cuLaunchKernel's `void** kernelParams` (one
// pointer to each argument) into a call with the kernel's own parameter types.
#pragma once
#include <cstddef>
#include <utility>

namespace emu {

using Trampoline = void (*)(void** params);

struct KernelEntry {
  const char* name;
  Trampoline call;
  int nparams;
  const unsigned short* paramSizes;  // sizeof each parameter, for diagnostics
};

template <class F, F fn> struct Tramp;
template <class... A, void (*fn)(A...)> struct Tramp<void (*)(A...), fn> {
  static constexpr int nparams = (int)sizeof...(A);
  static constexpr unsigned short sizes[sizeof...(A) + 1] = {(unsigned short)sizeof(A)..., 0};
  template <size_t... I> static inline void unpack(void** p, std::index_sequence<I...>) {
    fn(*static_cast<typename std::remove_reference<A>::type*>(p[I])...);
  }
  static void call(void** p) { unpack(p, std::index_sequence_for<A...>{}); }
};

}  // namespace emu

extern "C" void emu_register_kernels(const char* family, const emu::KernelEntry* entries, int n);

#define EMU_KERNELS_BEGIN(family)         \
  namespace {                             \
  const char* const emuFamily = family;   \
  const emu::KernelEntry emuEntries[] = {
#define EMU_KERNEL(name)                                                                            \
  {#name, &emu::Tramp<decltype(&name), &name>::call, emu::Tramp<decltype(&name), &name>::nparams, \
   emu::Tramp<decltype(&name), &name>::sizes},
#define EMU_KERNELS_END()                                                                                     \
  {nullptr, nullptr, 0, nullptr}};                                                                            \
  struct EmuRegistrar {                                                                                        \
    EmuRegistrar() { emu_register_kernels(emuFamily, emuEntries, (int)(sizeof emuEntries / sizeof emuEntries[0]) - 1); } \
  } emuRegistrar;                                                                                              \
  }
