#!/usr/bin/env bash
# interop.sh — gpu-check.sh's safetensors interop stage: flintml writes, Python's safetensors reads
# and checks, Python writes, flintml reads and checks (interop.js, interop.py). Exit 3: no safetensors.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
node "$here/interop.js" write "$d/from-flint.safetensors" || exit 1
"${FLINT_BENCH_PYTHON:-python3}" "$here/interop.py" "$d"; rc=$?
[[ $rc == 0 ]] || exit $rc
node "$here/interop.js" read "$d/from-python.safetensors"
