#!/usr/bin/env bash
# asan.sh — the native addon under AddressSanitizer (issue 16): builds the addon alone (no kernel
# images) with -fsanitize=address into build-asan/, then runs under it, with the ASan runtime
# preloaded into node:
#   1. the API fuzzer (bench/fuzz.js; FUZZ_CALLS calls, default 20000, seed FUZZ_SEED),
#   2. the same fuzzer with the emulated GPU (FLINT_CUDA_DRIVER=build-emu/libcuda.so.1) when the
#      emulator is built, so that the GPU runtime's host side runs under ASan too,
#   3. the concurrency checks: ops and GEMMs from 4 worker_threads, and data() racing dispose().
# Any ASan report aborts the process (ASan's default), which the fuzzer reports as a crash naming
# the call. detect_leaks=0: V8 and Node keep memory until exit by design, which LeakSanitizer
# would list; use-after-free, overflows and double frees are what this run is for. Linked with lld:
# GNU ld left R_X86_64_NONE entries in .rela.plt of the ASan + static-libstdc++ addon, which
# dlopen refuses ("unexpected PLT reloc type 0x00").
#
#   bash scripts/asan.sh            # build (cached) and run; nice'd, 2 jobs
#   ASAN_ONLY_BUILD=1 bash scripts/asan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${ASAN_BUILD_DIR:-build-asan}
JOBS=${ASAN_JOBS:-2}
LIBASAN=$(gcc -print-file-name=libasan.so)
[ -e "$LIBASAN" ] || { echo "asan.sh: gcc has no libasan.so (apt-get install libasan8 or gcc's -dev package)"; exit 1; }

if [ ! -e "$OUT/Release/flintml.node" ] || [ -n "$(find native -newer "$OUT/Release/flintml.node" -name '*.[ch]*' -print -quit)" ]; then
  echo "asan.sh: building the addon with -fsanitize=address into $OUT (no kernel images)"
  nice node node_modules/cmake-js/bin/cmake-js compile --out "$OUT" --parallel "$JOBS" --target flintml \
    --CDFLINT_CUDA=OFF --CDFLINT_CUDA11=OFF --CDFLINT_HIP=OFF --CDCMAKE_BUILD_TYPE=RelWithDebInfo \
    "--CDCMAKE_CXX_FLAGS=-fsanitize=address -fno-omit-frame-pointer" \
    "--CDCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address -B/usr/lib/llvm-19/bin -fuse-ld=lld"
fi
[ -n "${ASAN_ONLY_BUILD:-}" ] && exit 0
[ -e dist/index.js ] || { echo "asan.sh: dist/ is missing: run npm run build:ts first"; exit 1; }

export FLINT_ADDON_PATH="$PWD/$OUT/Release/flintml.node"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
run() { echo "+ $*"; LD_PRELOAD="$LIBASAN" nice "$@"; }

run node bench/fuzz.js --calls "${FUZZ_CALLS:-20000}" --seed "${FUZZ_SEED:-16}" --hang-s 120
# the ASan addon has no kernel images of its own: the emulator runs its host build of the kernels
# and needs only an image set to be present (the main build's, or the stand-in of scripts/test-emu.js)
KIMAGES=""
for d in build/kernels build-emu/kernels; do [ -e "$d/status.json" ] && { KIMAGES="$PWD/$d"; break; }; done
if [ -e build-emu/libcuda.so.1 ] && [ -n "$KIMAGES" ]; then
  FLINT_KERNEL_PATH="$KIMAGES" FLINT_CUDA_DRIVER="$PWD/build-emu/libcuda.so.1" run node bench/fuzz.js --calls "${FUZZ_CALLS_GPU:-8000}" --seed "${FUZZ_SEED:-16}" --hang-s 120
fi
run node node_modules/jest/bin/jest.js --selectProjects unit -- test/concurrency.test.ts
echo "asan.sh: no AddressSanitizer report"
