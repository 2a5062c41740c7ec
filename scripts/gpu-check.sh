#!/usr/bin/env bash
# gpu-check.sh OUTDIR — the one prepared check of flintml on a real NVIDIA GPU (issue 9): the
# doctor, the whole unit suite on the GPU, the benchmarks against PyTorch on the same GPU, Python
# safetensors interop both ways and compute-sanitizer (memcheck, racecheck, synccheck) over a small
# op subset. It is what a user's CUDA CI runner runs (README, "GPUs"), and what a session lent a GPU
# runs from the offline bundle:
#
#   node node_modules/cmake-js/bin/cmake-js compile --out build --CDFLINT_CUDA_ARCHS=90 --CDFLINT_HIP=OFF
#   npm run build:ts                         # here, with nvcc: sm_90 kernels only keep the bundle small
#   ../shared/gpu-bundle/pack.sh             # .gpu-bundle/: node, node_modules, build/, dist/ (~50 MiB)
#   # the device run: carry [".gpu-bundle"], timeout_s 480
#   bash .gpu-bundle/enter.sh bash scripts/gpu-check.sh "$OUT"
# pack.sh needs a checkout whose .git is a folder (in a `git worktree` it stops at .git/info/exclude)
# and whose node_modules is a folder (a symlink is packed as the link): a plain clone with
# node_modules copied in does (`tar -C /work/main -cf - --exclude=./node_modules/@tensorflow
# ./node_modules | tar -xf -`). Then read OUTDIR/summary.txt; fix on the CPU (a regression test on
# the emulator where it can show the bug); rerun only what failed: GPU_CHECK_STAGES=jest,bench-gpt.
#
# Rehearsal on the CUDA driver emulator (no GPU): the same command with FLINT_CUDA_DRIVER set, which
# makes it default to quick sizes, no PyTorch peer, three test files and 5x the timeouts:
#   node scripts/build-emu.js                # a fresh emulator: a stale one fails the image-set tests
#   FLINT_CUDA_DRIVER=build-emu/libcuda.so.1 bash .gpu-bundle/enter.sh bash scripts/gpu-check.sh /tmp/gpucheck-out
# (2026-12-06, the loaded 2-core machine: build-ts 30 s (it rebuilt dist/ after a touch of lib/),
# doctor 1 s, interop 6 s, jest 87 s for three files, bench-gpu 6 s, bench-gpt 6 s, sanitizer 3 s
# (the op subset without the tool): 2 min 40 s with the bundle's unpacking; every stage OK, jest once
# the emulator was rebuilt.)
#
# Every stage runs under its own `timeout` (the defaults below sum to 420 s: bench-gpu and bench-gpt
# gave 25 s to hf, jest 12 s to the sanitizer's racecheck and synccheck and 15 s to torch-diff), inside the device
# run's 480 s with the bundle's unpacking), so one hang costs one stage. OUTDIR gets at most 8
# files: summary.txt (first; a line per stage as it ends, so a killed run still leaves what it did),
# log.txt (every stage's output, each capped at GPU_CHECK_LOG_CAP bytes), jest.json, gpu.jsonl,
# gpt.jsonl and loader.jsonl; two names are left for stages that others add. A stage ends "OK", "FAILED",
# "TIMEOUT" or "SKIPPED (why)" (a stage function's exit code 3); the script exits 1 when any
# stage failed or timed out. A stage is a function stage_NAME, a name in STAGES and a timeout in T;
# post_NAME, if defined, writes the stage's figures into summary.txt outside its timeout.
#
# Environment:
#   GPU_CHECK_STAGES   comma-separated stages to run (default: all, in this order):
#                      build-ts doctor interop jest torch-diff bench-gpu bench-loader bench-gpt sanitizer hf
#   GPU_CHECK_QUICK=1  tiny benchmark sizes, one round (the emulator's default; not results)
#   GPU_CHECK_TESTS    jest test path patterns for the jest stage (default: the whole unit project)
#   GPU_CHECK_JEST_WORKERS  jest workers (default: the cores, at most 16: each has its own GPU context)
#   GPU_CHECK_T_<STAGE> a stage's timeout in seconds (capitals, '-' as '_': GPU_CHECK_T_BENCH_GPT=120)
#   GPU_CHECK_T_SCALE  multiplies the default timeouts (emulator: 5)
#   GPU_CHECK_NO_PEER=1 no PyTorch peer in the benchmarks (flintml figures only)
#   FLINT_CUDA_LIBS    when unset, set from python3's nvidia/*/lib folders (PyTorch's cuBLASLt
#                      and NCCL: with nvidia/nccl/lib among them, test/distributed-nccl.test.ts
#                      requires libnccl.so.2 to be found and runs its world-of-one tests on it)
#   FLINT_BENCH_PYTHON the python with CUDA PyTorch and safetensors (default python3)
#   FLINT_BENCH_ROUNDS bench/gpu.js's interleaved rounds (here 2 by default, to fit the stage)
set -uo pipefail

usage() { echo "usage: bash scripts/gpu-check.sh OUTDIR   (see the header of this script)" >&2; exit 2; }
[[ $# -eq 1 && -n $1 ]] || usage
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p "$1" || exit 2
out=$(cd "$1" && pwd)
summary=$out/summary.txt
log=$out/log.txt
: > "$summary"
: > "$log"
PY=${FLINT_BENCH_PYTHON:-python3}
export FLINT_BENCH_PYTHON=$PY
emulator=0
[[ -n ${FLINT_CUDA_DRIVER:-} ]] && emulator=1
# On the emulator (FLINT_CUDA_DRIVER): quick sizes, no PyTorch peer (torch cannot see an emulated
# GPU), a few test files and 5x the timeouts (kernels run on the CPU) unless said otherwise.
quick=${GPU_CHECK_QUICK:-$emulator}
if [[ $emulator == 1 ]]; then
  : "${GPU_CHECK_NO_PEER:=1}" "${GPU_CHECK_T_SCALE:=5}"
  : "${GPU_CHECK_TESTS:=test/gpu-runtime.test.ts test/softmax.test.ts test/amp.test.ts}"
  export GPU_CHECK_TESTS
fi
T_SCALE=${GPU_CHECK_T_SCALE:-1}
LOG_CAP=${GPU_CHECK_LOG_CAP:-3000000}   # bytes of one stage's output kept in log.txt

# stage name and default timeout (seconds), in running order; the sum is the GPU host's budget
STAGES=(build-ts doctor interop jest torch-diff bench-gpu bench-loader bench-gpt sanitizer hf)
declare -A T=([build-ts]=25 [doctor]=10 [interop]=20 [jest]=113 [torch-diff]=15 [bench-gpu]=73 [bench-loader]=20 [bench-gpt]=82 [sanitizer]=37 [hf]=25)

say() { printf '%s\n' "$*" | tee -a "$summary" >&2; }
now() { date +%s.%N; }
if command -v awk >/dev/null; then
  secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
  # cap STDIN at LOG_CAP bytes into log.txt, draining the rest (a producer must never block or die of SIGPIPE)
  capped() { awk -v max="$LOG_CAP" '{ n += length($0) + 1; if (n <= max) { print; fflush() } else if (!cut) { print "[gpu-check: output cut at " max " bytes]"; fflush(); cut = 1 } }' >> "$log"; }
else  # a host without awk: whole seconds, no cap
  secs() { echo $(( ${2%.*} - ${1%.*} )); }
  capped() { cat >> "$log"; }
fi
selected() { [[ -z ${GPU_CHECK_STAGES:-} ]] || [[ ",$GPU_CHECK_STAGES," == *",$1,"* ]]; }
limit() { local v="GPU_CHECK_T_$(echo "$1" | tr 'a-z-' 'A-Z_')"; [[ -n ${!v:-} ]] && echo "${!v}" || echo $(( T[$1] * T_SCALE )); }

# run_stage NAME FUNC: runs the shell function FUNC under `timeout` (which signals its whole process
# group: jest's workers and the benchmarks' python children too) with its output in log.txt, and
# records the outcome. FUNC's exit code 3 means "skipped: a prerequisite is missing" (its last line
# says which).
failed=0
export out log summary quick PY LOG_CAP
export -f say capped
run_stage() {
  local name=$1 fn=$2
  local t; t=$(limit "$name")
  printf '\n===== %s (timeout %ss) %s\n' "$name" "$t" "$(date -u +%H:%M:%S)" >> "$log"
  export -f "$fn"
  local t0; t0=$(now)
  STAGE_LIMIT=$t timeout -k 10 "$t" bash -c "$fn" 2>&1 | capped
  local rc=${PIPESTATUS[0]}
  local dt; dt=$(secs "$t0" "$(now)")
  local status
  case $rc in
    0) status=OK ;;
    3) status="SKIPPED ($(grep -v '^$' "$log" | tail -n 1 | cut -c1-160))" ;;
    124|137) status="TIMEOUT after ${t}s"; failed=1 ;;
    *) status="FAILED (exit $rc)"; failed=1 ;;
  esac
  printf '===== %s: %s in %ss\n' "$name" "$status" "$dt" >> "$log"
  printf '%-10s %-44s %7ss\n' "$name" "$status" "$dt" >> "$summary"
  # post_NAME: the stage's figures into summary.txt, outside its timeout (a killed stage's files still count)
  if declare -F "post_${fn#stage_}" >/dev/null; then
    export -f "post_${fn#stage_}"
    timeout -k 5 20 bash -c "post_${fn#stage_}" >> "$summary" 2>> "$log"
  fi
  printf '%s: %s\n' "$name" "$status" >&2
  return 0
}

# ---- the header: where, what, with which libraries ----
say "gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$([[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]] && echo ' (modified)')"
smi=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -n1)
say "node $(node --version 2>&1) | ${smi:-no nvidia-smi}${FLINT_CUDA_DRIVER:+ | FLINT_CUDA_DRIVER=$FLINT_CUDA_DRIVER (emulator)}"
if [[ -z ${FLINT_CUDA_LIBS:-} ]]; then
  # PyTorch's CUDA wheels bring cuBLASLt, NVRTC and NCCL in nvidia/*/lib of its site-packages
  FLINT_CUDA_LIBS=$("$PY" -c 'import glob, os, nvidia; print(":".join(sorted(d for p in nvidia.__path__ for d in glob.glob(os.path.join(p, "*", "lib")))))' 2>/dev/null || true)
  [[ -n $FLINT_CUDA_LIBS ]] && export FLINT_CUDA_LIBS || unset FLINT_CUDA_LIBS
fi
say "FLINT_CUDA_LIBS=${FLINT_CUDA_LIBS:-(none: no nvidia package in $PY)}"
say "python: $("$PY" -c 'import sys; v = sys.version.split()[0]
try:
    import torch; t = f"torch {torch.__version__} (CUDA {torch.version.cuda}, cuda available: {torch.cuda.is_available()})"
except Exception as e:
    t = f"no torch ({type(e).__name__})"
try:
    import safetensors; s = f"safetensors {safetensors.__version__}"
except Exception as e:
    s = "no safetensors"
print(f"{sys.executable} {v}, {t}, {s}")' 2>&1 | tail -n 1)"
# compute-sanitizer: on PATH or in the CUDA toolkit's usual places
SANITIZER=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer 2>/dev/null | head -n 1)
export SANITIZER
[[ -n $SANITIZER ]] && say "compute-sanitizer: $SANITIZER, $("$SANITIZER" --version 2>/dev/null | grep -i version | head -n1)"
[[ $quick == 1 ]] && say "GPU_CHECK_QUICK=1: tiny benchmark sizes — a rehearsal of the plumbing, NOT RESULTS"
[[ $emulator == 1 ]] && say "the CUDA driver emulator: no PyTorch peer, GPU_CHECK_TESTS=${GPU_CHECK_TESTS:-all}, timeouts x$T_SCALE"
total=$(for s in "${STAGES[@]}"; do selected "$s" && limit "$s"; done | awk '{ t += $1 } END { print t + 0 }')
say "stages: $(for s in "${STAGES[@]}"; do selected "$s" && printf '%s(%ss) ' "$s" "$(limit "$s")"; done)= ${total}s at most"
say ""

# ---- the stages: each a function, run by run_stage in its own bash under timeout ----
# (other issues' GPU checks: prefer a jest test, which runs under FLINT_TEST_DEVICE=cuda in the jest
# stage; a stage of its own is a function here, a name in STAGES and a timeout in T)

stage_build_ts() {
  # The device run copies the working tree (lib/ gets the copy's times) and unpacks dist/ with its
  # build times: the suite's docs and types tests then find dist/ "older than lib/". Rebuild it
  # here when that is so (tsc from the bundle's node_modules; about 10 s on 16 cores).
  local newer
  newer=$(find lib -name '*.ts' ! -name '*.d.ts' -newer dist/index.js -print -quit 2>/dev/null)
  if [[ -f dist/index.js && -z $newer ]]; then echo "dist/ is newer than every lib/ source: kept"; return 0; fi
  echo "dist/ is missing or older than ${newer:-lib/}: rebuilding it (npm run build:ts)"
  node node_modules/typescript/bin/tsc -p tsconfig.json && node scripts/esm-wrapper.js
}

stage_doctor() {
  # GPU, driver, the kernel image set and the GEMM library chosen
  local o rc
  o=$(node dist/cli.js doctor 2>&1); rc=$?
  printf '%s\n' "$o"
  printf '%s\n' "$o" | grep -E '^(cuda|  driver|  kernel images|  GPU GEMM|cuda matmul)' | sed 's/^ */  doctor: /' >> "$summary"
  return $rc
}

stage_interop() {
  bash scripts/gpu-check/interop.sh "$out/interop.txt"
}

stage_jest() {
  local workers=${GPU_CHECK_JEST_WORKERS:-$(nproc)}
  (( workers > 16 )) && workers=16
  local tests=()
  [[ -n ${GPU_CHECK_TESTS:-} ]] && read -r -a tests <<< "$GPU_CHECK_TESTS"
  # the unit project on the GPU through `npm run test:gpu` (scripts/test-gpu.js: it fails with the
  # doctor's reason when no GPU backend is usable); each worker is a process with its own context on
  # the one GPU. A bundle without npm runs the same script with node.
  local a=(--ci --silent --maxWorkers="$workers" --testTimeout=60000 --json --outputFile="$out/jest.json" ${tests[@]+"${tests[@]}"})
  if command -v npm >/dev/null; then
    FLINT_TEST_DEVICE=cuda npm run --silent test:gpu -- "${a[@]}"
  else
    echo "gpu-check: npm is not on PATH: node scripts/test-gpu.js (what npm run test:gpu runs)"
    FLINT_TEST_DEVICE=cuda node scripts/test-gpu.js "${a[@]}"
  fi
}
post_jest() {
  node scripts/gpu-check/jest-summary.js "$out/jest.json"
  # jest writes jest.json only at its end: after a timeout, count the files it reported in log.txt
  if [[ ! -f $out/jest.json ]]; then
    local files; files=$(sed -n '/^===== jest (/,$p' "$log" | grep -E '^(PASS|FAIL) ')
    echo "  jest (from log.txt): $(grep -c '^PASS' <<< "$files") files passed, $(grep -c '^FAIL' <<< "$files") failed before it ended"
    grep '^FAIL' <<< "$files" | head -n 30 | sed 's/^/  /'
  fi
}

stage_torch_diff() {
  # flintml on the GPU against PyTorch on the CPU: bench/torch-diff.js's call forms (values, dtypes,
  # shapes, refusals and gradients; bench/FIDELITY.md). A finding fails the stage: a GPU kernel that
  # differs, or a PyTorch newer than the 1.13 the tables were written against (then the table's
  # `known` list grows). Exit 3: no torch in $PY.
  # 4 cases per form: the 1,006 forms at 6 cases took 13.2 s of the 15 s timeout on the emulator (2026-12-07)
  "$PY" -c 'import torch' 2>/dev/null || { echo "no torch in $PY"; return 3; }
  node bench/torch-diff.js --device cuda --cases "${GPU_CHECK_TORCH_DIFF_CASES:-4}" --seed 1 --json --show 2
}
post_torch_diff() {
  sed -n '/^===== torch-diff (/,$p' "$log" | grep -m1 '^{"seed"' | sed 's/^/  torch-diff: /'
}

stage_bench_gpu() {
  # two interleaved rounds (not gpu.js's default three) keep the stage inside its timeout
  local rounds=2; [[ $quick == 1 ]] && rounds=1
  env FLINT_BENCH_ROUNDS="${FLINT_BENCH_ROUNDS:-$rounds}" $BENCH_ENV node bench/gpu.js --json "$out/gpu.jsonl"
}
post_bench_gpu() {
  # the ratios against PyTorch and the failures, one line each
  [[ -f $out/gpu.jsonl ]] || { echo "  bench-gpu: no gpu.jsonl"; return 0; }
  node -e '
    for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
      if (!l.startsWith("{")) continue; const r = JSON.parse(l);
      if (r.impl === "ratio") console.log(`  ${r.bench} ${r.case}: ${r.value}x${r.target ? ` (target ${r.target})` : ""}`);
      else if (r.status === "failed") console.log(`  FAILED ${r.bench} ${r.impl} ${r.case}: ${String(r.error).slice(0, 160)}`);
    }' "$out/gpu.jsonl"
}

stage_bench_loader() {
  # does the DataLoader's copy stream hide the host-to-GPU copies behind compute? (issue 13; no peer)
  local q=0; [[ $quick == 1 ]] && q=1
  env FLINT_BENCH_QUICK="$q" FLINT_BENCH_ROUNDS="${FLINT_BENCH_ROUNDS:-2}" node bench/dataloader_gpu.js --json "$out/loader.jsonl"
}
post_bench_loader() {
  [[ -f $out/loader.jsonl ]] || { echo "  bench-loader: no loader.jsonl"; return 0; }
  node -e '
    for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
      if (!l.startsWith("{")) continue; const r = JSON.parse(l);
      console.log(`  loader ${r.impl}: ${r.value} ${r.metric} [${r.min}-${r.max}]`);
    }' "$out/loader.jsonl"
}

stage_bench_gpt() {
  # the peer's torch.compile gets what is left of the stage's time (its first step compiles)
  local a=(--json "$out/gpt.jsonl" --breakdown --deadline $(( ${STAGE_LIMIT%.*} - 8 )))
  [[ $quick == 1 ]] && a+=(--quick)
  env $BENCH_ENV node bench/gpt.js "${a[@]}"
}
post_bench_gpt() {
  [[ -f $out/gpt.jsonl ]] || { echo "  bench-gpt: no gpt.jsonl"; return 0; }
  node bench/gpt.js --summarize "$out/gpt.jsonl"
}

stage_sanitizer() {
  if [[ -z $SANITIZER ]]; then
    # still run the op subset (without the tool), so that the script itself is proven
    node scripts/gpu-check/ops-subset.js || return 1
    echo "compute-sanitizer is not on PATH: the op subset ran without it"
    return 3
  fi
  # Three tools over the same op subset, each within its share of the stage's time: memcheck
  # (out-of-bounds and misaligned accesses; FLINT_SYNC=1 so that a fault is reported at its op; the
  # caching allocator rounds blocks up, so an overrun into a block's slack is not seen), racecheck
  # (shared-memory hazards: a missing __syncthreads between a write and another thread's read) and
  # synccheck (barriers a block does not reach as a whole). A tool that finds an error fails the
  # stage; racecheck or synccheck running out of their share is said (sanitizer-figure), not failed.
  local tool share t rc=0 r t0
  for tool in memcheck racecheck synccheck; do
    case $tool in memcheck) share=45 ;; racecheck) share=35 ;; *) share=20 ;; esac
    t=$(( STAGE_LIMIT * share / 100 ))
    t0=$SECONDS
    FLINT_SYNC=1 timeout -k 5 "$t" "$SANITIZER" --tool "$tool" --error-exitcode 4 --print-limit 30 \
      $([[ $tool == memcheck ]] && echo --leak-check no) node scripts/gpu-check/ops-subset.js
    r=$?
    case $r in
      0) echo "sanitizer-figure: $tool OK ($(( SECONDS - t0 )) s)" ;;
      124|137) echo "sanitizer-figure: $tool did not finish in its ${t} s (inconclusive)"
               [[ $tool == memcheck ]] && rc=124 ;;
      4) echo "sanitizer-figure: $tool FOUND ERRORS (see log.txt)"; rc=1 ;;
      *) echo "sanitizer-figure: $tool exit $r (the op subset failed or the tool did not run)"; rc=1 ;;
    esac
  done
  return $rc
}
post_sanitizer() {
  sed -n '/^===== sanitizer (/,$p' "$log" | grep '^sanitizer-figure: ' | sed 's/^sanitizer-figure: /  sanitizer: /'
}

stage_hf() {
  # transformers' own tiny GPT-2 and Llama (and a trained BPE tokenizer) against flintml's loading,
  # logits, greedy generation and tokenizer, on the CPU and the GPU (issue 15; exit 3: no transformers)
  local d; d=$(mktemp -d)
  "$PY" scripts/gpu-check/hf.py "$d" || { local rc=$?; rm -rf "$d"; return $rc; }
  node scripts/gpu-check/hf.js "$d"; local rc=$?
  rm -rf "$d"
  return $rc
}
post_hf() {
  sed -n '/^===== hf (/,$p' "$log" | grep '^hf-figure: ' | sed 's/^hf-figure: /  hf: /'
}

BENCH_ENV=""
[[ $quick == 1 ]] && BENCH_ENV+="FLINT_BENCH_QUICK=1 "
[[ ${GPU_CHECK_NO_PEER:-0} == 1 ]] && BENCH_ENV+="FLINT_BENCH_NO_PEER=1 "
export BENCH_ENV
for s in "${STAGES[@]}"; do
  selected "$s" && run_stage "$s" "stage_${s//-/_}"
done

say ""
say "done $(date -u +%H:%M:%S): $([[ $failed == 0 ]] && echo 'every stage OK or SKIPPED' || echo 'some stage FAILED or TIMED OUT (see log.txt)'); files: $(cd "$out" && ls | tr '\n' ' ')"
exit $failed
