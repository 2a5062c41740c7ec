#!/usr/bin/env node
// build-emu.js — builds the CPU emulation of the CUDA driver (test/emu, see its README.md) into
// <out>/libcuda.so.1 (default out: build-emu/ under the repository), with only g++ installed:
//
//   node scripts/build-emu.js [outDir] [--strict] [--quiet] [--jobs=N] [--host-math]
//
// Every native/kernels/*.cu is compiled as C++17 for the host (-include test/emu/emu_cuda.h), in
// parallel, with FMA contraction and a model of CUDA's device math (see kernelFlags), together with
// a generated list of its extern "C" kernels (found in the preprocessed source) that registers a
// typed trampoline per kernel. A file that does not compile is reported
// (the compiler's output is in <out>/logs/<family>.log) and left out; the others are still built,
// and the emulator names the missing files when a kernel is not found. --strict exits with 1
// then. Incremental: a family is recompiled when its .cu, anything it includes, the emulator
// headers or the flags changed (g++ -MMD dependency files). Prints the library's path on stdout.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const strict = args.includes('--strict');
const quiet = args.includes('--quiet');
const jobsArg = args.find((a) => a.startsWith('--jobs='));
const positional = args.filter((a) => !a.startsWith('--'));
const out = path.resolve(root, positional[0] ?? 'build-emu');
const jobs = jobsArg ? Math.max(1, Number(jobsArg.slice(7))) : Math.max(2, os.cpus().length);
const cxx = process.env.CXX || 'g++';

const emuDir = path.join(root, 'test', 'emu');
const kernelsDir = path.join(root, 'native', 'kernels');
const nativeDir = path.join(root, 'native');
const dirs = { gen: path.join(out, 'gen'), obj: path.join(out, 'obj'), logs: path.join(out, 'logs') };
for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });

const common = ['-std=c++17', '-O1', '-fPIC', '-pthread', '-fvisibility=hidden', '-fvisibility-inlines-hidden',
  '-fno-strict-aliasing',
  // TLS descriptors: the kernels' `__shared__` arrays are thread_local (per block: one block at a
  // time per OS thread), and this makes their access much cheaper than __tls_get_addr calls
  ...(process.arch === 'x64' ? ['-mtls-dialect=gnu2'] : [])];
// Kernel code whose answer on x86 is not a GPU's is stopped where it happens: an index past a
// fixed-size array (a __shared__ or local one: on a GPU another thread's data or a fault), a shift
// by the type's width or more (x86 masks the count, a GPU's shift does not), a float-to-int
// conversion out of range (x86 gives INT_MIN, a GPU saturates), an integer division by zero (x86
// traps, a GPU gives garbage). The checks call __ubsan_handle_* functions that emu_driver.cpp
// defines (no sanitizer runtime is linked): each fails the launch with the kernel, block, thread
// and source line, as __trap() does.
const ubChecks = ['-fsanitize=bounds,shift-exponent,float-cast-overflow,integer-divide-by-zero'];
// The kernels' floating point as nvcc gives it: a*b+c contracted into one FMA (nvcc's default
// -fmad=true; g++ does it at -O1 only with -fexpensive-optimizations, and on x86-64 only with -mfma,
// so only where this CPU has FMA: the library runs where it is built), and CUDA's device math
// (emu_cuda.h's model, FLINT_EMU_DEVICE_MATH). FLINT_EMU_HOST_MATH=1 (or --host-math) turns both off:
// the host's libm and no contraction, as the CPU backend computes (to tell a difference that the
// model causes from a bug); the flags are recorded per object, so switching rebuilds.
const hostMath = args.includes('--host-math') || ['1', 'true', 'yes'].includes(String(process.env.FLINT_EMU_HOST_MATH || '').toLowerCase());
function hostHasFma() {
  if (process.arch === 'arm64') return true;  // FMA is part of the base ISA
  if (process.arch !== 'x64') return false;
  try { return /^flags\s*:.*\bfma\b/m.test(fs.readFileSync('/proc/cpuinfo', 'utf8')); } catch { return false; }
}
const contract = hostMath || !hostHasFma() ? ['-ffp-contract=off']
  : [...(process.arch === 'x64' ? ['-mfma'] : []), '-ffp-contract=fast',
    ...(/clang/.test(path.basename(cxx)) ? [] : ['-fexpensive-optimizations'])];
const kernelFlags = [...common, ...ubChecks, ...contract, ...(hostMath ? ['-DFLINT_EMU_HOST_MATH'] : []), '-w',
  '-include', path.join(emuDir, 'emu_cuda.h'), '-I', nativeDir, '-I', kernelsDir];
const driverFlags = [...common, '-Wall', '-Wextra', '-I', emuDir];

function log(msg) { if (!quiet) process.stderr.write(`build-emu: ${msg}\n`); }

function run(cmd, argv) {
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (d) => { text += d; });
    p.stderr.on('data', (d) => { text += d; });
    p.on('error', (e) => resolve({ code: 127, text: `${cmd}: ${e.message}` }));
    p.on('close', (code) => resolve({ code, text }));
  });
}

function mtime(file) {
  try { return fs.statSync(file).mtimeMs; } catch { return -1; }
}

/** Writes `text` to `file` only when it differs (keeps mtimes stable for the incremental check). */
function writeIfChanged(file, text) {
  try { if (fs.readFileSync(file, 'utf8') === text) return; } catch { /* absent */ }
  fs.writeFileSync(file, text);
}

/** True when `obj` is missing, built with other flags, or older than a dependency in its .d file. */
function stale(obj, depFile, flagsFile, flags, extraDeps) {
  const t = mtime(obj);
  if (t < 0) return true;
  let recorded = '';
  try { recorded = fs.readFileSync(flagsFile, 'utf8'); } catch { return true; }
  if (recorded !== JSON.stringify(flags)) return true;
  let deps = [];
  try {
    deps = fs.readFileSync(depFile, 'utf8').replace(/\\\n/g, ' ').split(':').slice(1).join(':')
      .split(/(?<!\\)\s+/).filter(Boolean).map((s) => s.replace(/\\ /g, ' '));
  } catch { return true; }
  return [...deps, ...extraDeps].some((d) => mtime(d) < 0 || mtime(d) > t);
}

// `extern __shared__ T name[];` (dynamic shared memory) cannot be expressed with a macro: such
// files are compiled from a rewritten copy where the array is a pointer to the launch's buffer.
// Every static `__shared__ T name[...];` gets a call after it that fills the variable with 0xFF
// bytes when the first thread of a block reaches it (emu_shared_fresh: a GPU block's shared memory
// starts with whatever the SM held; `static thread_local` alone would start at zero and then keep
// the previous block's values). The call goes on the declaration's line.
function rewriteShared(src, file) {
  const dyn = /extern\s+((?:__align__\s*\(\s*\d+\s*\)\s*)?)__shared__\s+((?:__align__\s*\(\s*\d+\s*\)\s*)?)([A-Za-z_][\w:<>, ]*?)\s+(\w+)\s*\[\s*\]\s*;/g;
  const stat = /\b__shared__\s+((?:__align__\s*\(\s*\d+\s*\)\s*)?)([A-Za-z_][\w:<>,]*(?:\s+[A-Za-z_][\w:<>,]*)*?)\s+(\w+)\s*((?:\[[^\]\n]*\]\s*)*);/g;
  const body = src
    .replace(dyn, (_m, _a1, _a2, type, name) =>
      `\n#define ${name} (reinterpret_cast<${type.trim()}*>(emu_dynamic_shared()))\n`)
    .replace(stat, (m, _a, _type, name) => `${m} emu_shared_fresh(&${name}, sizeof(${name}));`);
  return `#line 1 "${file}"\n${body}`;
}

async function buildFamily(family, cu) {
  const gen = path.join(dirs.gen, `${family}.cpp`);
  const obj = path.join(dirs.obj, `${family}.o`);
  const dep = path.join(dirs.obj, `${family}.d`);
  const flagsFile = path.join(dirs.obj, `${family}.flags`);
  const logFile = path.join(dirs.logs, `${family}.log`);
  if (!stale(obj, dep, flagsFile, kernelFlags, [cu, __filename])) return { family, ok: true, built: false };

  // 1. the source to compile: the kernel file with its __shared__ declarations rewritten
  const source = path.join(dirs.gen, `${family}.emu.cu`);
  writeIfChanged(source, rewriteShared(fs.readFileSync(cu, 'utf8'), cu));
  // 2. its extern "C" kernels, from the preprocessed text
  const scan = await run(cxx, [...kernelFlags, '-DEMU_SCAN', '-E', '-P', '-x', 'c++', source]);
  if (scan.code !== 0) {
    fs.writeFileSync(logFile, scan.text);
    return { family, ok: false, log: logFile, text: scan.text };
  }
  const names = new Set();
  const re = /extern\s+"C"\s+__emu_global__\s+void\s+(?:__attribute__\s*\(\(.*?\)\)\s*)*([A-Za-z_]\w*)\s*\(/g;
  for (let m; (m = re.exec(scan.text));) names.add(m[1]);
  // 3. the translation unit: the kernels, then their registration
  const lines = [
    `// generated by scripts/build-emu.js from ${path.relative(root, cu)}: do not edit`,
    `#include "${source}"`,
    `#include "${path.join(emuDir, 'emu_registry.h')}"`,
    `EMU_KERNELS_BEGIN("${family}")`,
    ...[...names].sort().map((n) => `EMU_KERNEL(${n})`),
    'EMU_KERNELS_END()',
    '',
  ];
  writeIfChanged(gen, lines.join('\n'));
  const tmp = `${obj}.${process.pid}.tmp`;
  const res = await run(cxx, [...kernelFlags, '-MMD', '-MF', dep, '-MT', obj, '-c', gen, '-o', tmp]);
  if (res.code !== 0) {
    fs.rmSync(tmp, { force: true });
    fs.writeFileSync(logFile, res.text);
    return { family, ok: false, log: logFile, text: res.text };
  }
  fs.renameSync(tmp, obj);
  fs.writeFileSync(flagsFile, JSON.stringify(kernelFlags));
  fs.rmSync(logFile, { force: true });
  return { family, ok: true, built: true, kernels: names.size };
}

async function buildDriver() {
  const src = path.join(emuDir, 'emu_driver.cpp');
  const obj = path.join(dirs.obj, 'emu_driver.o');
  const dep = path.join(dirs.obj, 'emu_driver.d');
  const flagsFile = path.join(dirs.obj, 'emu_driver.flags');
  if (!stale(obj, dep, flagsFile, driverFlags, [src])) return { family: 'emu_driver', ok: true, built: false };
  const tmp = `${obj}.${process.pid}.tmp`;
  const res = await run(cxx, [...driverFlags, '-MMD', '-MF', dep, '-MT', obj, '-c', src, '-o', tmp]);
  if (res.code !== 0) return { family: 'emu_driver', ok: false, text: res.text };
  if (res.text.trim()) process.stderr.write(res.text);
  fs.renameSync(tmp, obj);
  fs.writeFileSync(flagsFile, JSON.stringify(driverFlags));
  return { family: 'emu_driver', ok: true, built: true };
}

async function pool(tasks, n) {
  const results = [];
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return results;
}

async function main() {
  const t0 = Date.now();
  // native/kernels/*.cu, and the emulator's own test kernels (test/emu/kernels/*.cu)
  const sources = new Map();
  for (const dir of [kernelsDir, path.join(emuDir, 'kernels')]) {
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cu')).sort()) {
      if (!sources.has(f.slice(0, -3))) sources.set(f.slice(0, -3), path.join(dir, f));
    }
  }
  // biggest files first: they bound the wall time
  const bySize = [...sources.keys()].sort((a, b) => fs.statSync(sources.get(b)).size - fs.statSync(sources.get(a)).size);
  const results = await pool([() => buildDriver(), ...bySize.map((f) => () => buildFamily(f, sources.get(f)))], jobs);
  const driver = results[0];
  if (!driver.ok) {
    process.stderr.write(`build-emu: test/emu/emu_driver.cpp failed to compile:\n${driver.text}\n`);
    process.exit(1);
  }
  const fams = results.slice(1);
  const failed = fams.filter((r) => !r.ok);
  for (const r of failed) {
    const first = (r.text.match(/^.*error.*$/m) || [r.text.split('\n')[0]])[0];
    process.stderr.write(`build-emu: FAILED ${path.relative(root, sources.get(r.family))} (left out of the emulator): ${first}\n` +
      `build-emu:   full compiler output: ${path.relative(root, r.log)}\n`);
  }
  // the list of failed families, linked in so that the emulator can name them
  const info = path.join(dirs.gen, 'emu_build_info.cpp');
  const infoObj = path.join(dirs.obj, 'emu_build_info.o');
  writeIfChanged(info, '// generated by scripts/build-emu.js\nextern "C" __attribute__((visibility("hidden"))) ' +
    `const char* const emu_failed_families[] = {${failed.map((r) => `"${r.family}.cu", `).join('')}nullptr};\n`);
  if (mtime(infoObj) < mtime(info)) {
    const res = await run(cxx, [...common, '-c', info, '-o', infoObj]);
    if (res.code !== 0) { process.stderr.write(res.text); process.exit(1); }
  }
  const objs = [path.join(dirs.obj, 'emu_driver.o'), infoObj,
    ...fams.filter((r) => r.ok).map((r) => path.join(dirs.obj, `${r.family}.o`))];
  const lib = path.join(out, 'libcuda.so.1');
  const manifest = path.join(dirs.obj, 'link.json');
  let linked = false;
  let prev = '';
  try { prev = fs.readFileSync(manifest, 'utf8'); } catch { /* first build */ }
  if (prev !== JSON.stringify(objs) || objs.some((o) => mtime(o) > mtime(lib))) {
    const tmp = `${lib}.${process.pid}.tmp`;
    // export only the driver API (cu*) and the emulator's own queries (flint_emu_*)
    const versionScript = path.join(dirs.gen, 'exports.map');
    writeIfChanged(versionScript, '{\n  global: cu*; flint_emu_*;\n  local: *;\n};\n');
    const res = await run(cxx, ['-shared', '-pthread', '-Wl,-soname,libcuda.so.1', '-Wl,--no-undefined',
      `-Wl,--version-script=${versionScript}`, '-o', tmp, ...objs]);
    if (res.code !== 0) { process.stderr.write(`build-emu: link failed:\n${res.text}\n`); process.exit(1); }
    fs.renameSync(tmp, lib);
    fs.writeFileSync(manifest, JSON.stringify(objs));
    linked = true;
  }
  const built = fams.filter((r) => r.built).map((r) => r.family);
  log(`${fams.length - failed.length}/${fams.length} kernel files` +
    (built.length ? ` (compiled: ${built.join(', ')})` : ' (up to date)') +
    `${linked ? ', linked' : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.stdout.write(`${lib}\n`);
  if (strict && failed.length) process.exit(1);
}

main().catch((e) => { process.stderr.write(`build-emu: ${e.stack || e}\n`); process.exit(1); });
