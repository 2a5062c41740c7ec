// glibc_compat.cpp — keeps the prebuilt .node loadable on glibc older than the build host's.
// The static libstdc++ (-static-libstdc++) references arc4random (glibc 2.36) from its
// random_device code, which flintml never calls; this hidden definition satisfies the reference
// inside the .node so that the binary does not require GLIBC_2.36 from the host.
#include <cstddef>
#include <cstdint>
#include <sys/random.h>

extern "C" __attribute__((visibility("hidden"))) uint32_t arc4random(void) {
  uint32_t v = 0;
  while (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
  }
  return v;
}
