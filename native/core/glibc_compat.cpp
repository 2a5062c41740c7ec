// glibc_compat.cpp — keeps the prebuilt .node loadable on glibc 2.28 (RHEL/Rocky/Alma 8, Debian 10,
// Ubuntu 20.04 has 2.31) although it is built on a newer one (Debian 12: 2.36). A symbol reference
// is bound to the version of the glibc it was linked against, and glibc gives a symbol a new
// version whenever its ABI or its home library changes; a loader older than that version refuses
// the whole binary. `scripts/check-binary.js --max-glibc=2.28` (in `npm test`) lists what is left.
//
// What needed a newer glibc, and what this file does about it (x86-64 base version GLIBC_2.2.5,
// aarch64 GLIBC_2.17 — the versions glibc's Versions files give these symbols for each port):
//   * GLIBC_2.34: pthread_create/join/detach/once/key_*/[gs]etspecific and dlopen/dlsym/dlerror/
//     dladdr/dlclose moved from libpthread.so.0 / libdl.so.2 into libc.so.6 and got a new version.
//     Pinned to the base version, which libc.so.6 keeps as a compat symbol on 2.34+ and which
//     libpthread.so.0 / libdl.so.2 define on older glibc (so the link adds those two DT_NEEDED
//     entries: CMakeLists.txt, binding.gyp). The dynamic loader matches a versioned reference by
//     version name in every object of the lookup scope, not by the file the version was linked
//     from, so the same reference is found in libpthread.so.0 on 2.28 and in libc.so.6 on 2.34+.
//   * GLIBC_2.33: stat/fstat/lstat and their *64 forms became real functions; before, <sys/stat.h>
//     inlined them as calls to __xstat/__fxstat/__lxstat(64)(_STAT_VER, ...), which every glibc
//     still exports at the base version. _STAT_VER is 1 on x86-64 (_STAT_VER_LINUX) and 0 on
//     aarch64 (the generic stat layout), as in those ports' bits/stat.h before 2.33.
//   * GLIBC_2.29: exp/exp2/log/log2/pow got new versions without the SVID error-handling wrapper.
//     The base versions compute the same values (the wrapper only sets errno on overflow/underflow,
//     and the POSIX mode they run in since 2.27 returns the IEEE result).
//   * GLIBC_2.32: __libc_single_threaded, a variable the static libstdc++ reads to skip atomic
//     reference counts in a single-threaded process. Older glibc has no such variable; the
//     definition here is always 0 ("threads may exist"), so libstdc++ always uses atomics — the
//     safe choice, and flintml runs worker threads anyway.
//   * GLIBC_2.36: arc4random, referenced by the static libstdc++'s random_device code, which
//     flintml never calls; defined here over getrandom (GLIBC_2.25).
// Each replacement is a hidden function of the .node named after the symbol (an asm label, so that
// no libc header declaration conflicts), which the references of flintml's objects and of the static
// libstdc++ resolve to; it tail-calls the pinned version (a `.symver` alias). Hidden: the .node
// exports none of them. Only on glibc x86-64/aarch64 (musl and other ports build as before).
#include <cstddef>
#include <cstdint>
#include <sys/random.h>

extern "C" __attribute__((visibility("hidden"))) uint32_t arc4random(void) {
  uint32_t v = 0;
  while (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
  }
  return v;
}

#if defined(__GLIBC__) && (defined(__x86_64__) || defined(__aarch64__))

#if defined(__x86_64__)
#define FLINT_GLIBC_BASE "GLIBC_2.2.5"
#define FLINT_STAT_VER 1
#else
#define FLINT_GLIBC_BASE "GLIBC_2.17"
#define FLINT_STAT_VER 0
#endif

// FLINT_PIN(ret, name, params, args): `name` in this .node calls name@FLINT_GLIBC_BASE.
#define FLINT_PIN(ret, name, params, args)                                                  \
  extern "C" ret flint_glibc_##name params;                                                 \
  __asm__(".symver flint_glibc_" #name ", " #name "@" FLINT_GLIBC_BASE);                    \
  __attribute__((visibility("hidden"))) ret flint_pinned_##name params __asm__(#name);      \
  ret flint_pinned_##name params { return flint_glibc_##name args; }

// The same for the pre-2.33 stat family: `name` calls xname@FLINT_GLIBC_BASE(_STAT_VER, ...).
#define FLINT_PIN_STAT(name, xname, first)                                                  \
  extern "C" int flint_glibc_##xname(int, first, void*);                                    \
  __asm__(".symver flint_glibc_" #xname ", " #xname "@" FLINT_GLIBC_BASE);                  \
  __attribute__((visibility("hidden"))) int flint_pinned_##name(first, void*) __asm__(#name); \
  int flint_pinned_##name(first a, void* buf) { return flint_glibc_##xname(FLINT_STAT_VER, a, buf); }

// Opaque parameter types: pthread_t is an unsigned long, pthread_key_t an unsigned int and
// pthread_once_t an int on both ports; everything else is passed through as a pointer.
typedef unsigned long flint_pthread_t;
typedef void* (*flint_start_fn)(void*);
typedef void (*flint_fn)(void);
typedef void (*flint_dtor_fn)(void*);

FLINT_PIN(int, pthread_create, (flint_pthread_t* t, const void* attr, flint_start_fn f, void* arg), (t, attr, f, arg))
FLINT_PIN(int, pthread_join, (flint_pthread_t t, void** ret), (t, ret))
FLINT_PIN(int, pthread_detach, (flint_pthread_t t), (t))
FLINT_PIN(int, pthread_once, (int* once, flint_fn f), (once, f))
FLINT_PIN(int, pthread_key_create, (unsigned* key, flint_dtor_fn d), (key, d))
FLINT_PIN(int, pthread_key_delete, (unsigned key), (key))
FLINT_PIN(void*, pthread_getspecific, (unsigned key), (key))
FLINT_PIN(int, pthread_setspecific, (unsigned key, const void* v), (key, v))

FLINT_PIN(void*, dlopen, (const char* file, int mode), (file, mode))
FLINT_PIN(void*, dlsym, (void* handle, const char* name), (handle, name))
FLINT_PIN(char*, dlerror, (void), ())
FLINT_PIN(int, dladdr, (const void* addr, void* info), (addr, info))
FLINT_PIN(int, dlclose, (void* handle), (handle))

FLINT_PIN(double, exp, (double x), (x))
FLINT_PIN(double, exp2, (double x), (x))
FLINT_PIN(double, log, (double x), (x))
FLINT_PIN(double, log2, (double x), (x))
FLINT_PIN(double, pow, (double x, double y), (x, y))

FLINT_PIN_STAT(stat, __xstat, const char*)
FLINT_PIN_STAT(lstat, __lxstat, const char*)
FLINT_PIN_STAT(fstat, __fxstat, int)
FLINT_PIN_STAT(stat64, __xstat64, const char*)  // the static libstdc++ of aarch64 takes stat64
FLINT_PIN_STAT(lstat64, __lxstat64, const char*)
FLINT_PIN_STAT(fstat64, __fxstat64, int)

extern "C" {
__attribute__((visibility("hidden"))) char __libc_single_threaded = 0;
}

#endif
