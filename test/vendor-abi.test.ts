// vendor-abi.test.ts — flintml's hand-written vendor declarations against the vendors' own headers.
//
// flintml builds without any GPU SDK: native/gpu/cuda_api.h, hip_api.h, hiprtc_api.h and blas_api.h
// declare by hand the few CUDA driver, HIP, hiprtc and cuBLASLt/rocBLAS types, constants and
// prototypes it calls, and cuda.cpp / hip.cpp / hiprtc.cpp / blas_api.cpp resolve them with dlsym. Neither the emulator (test/emu) nor
// the fake libraries (test/fixtures) can catch a wrong declaration there: they implement the
// declarations as written. A wrong one would show only on a GPU, as a crash or a wrong value. So
// this test compiles each of our headers beside the vendor header of every toolkit on this machine
// (the build machine's: nvcc 13's cuda.h, nvcc 11.8's cuda.h and cublasLt.h, ROCm's
// hip_runtime_api.h and hiprtc.h; rocblas.h where installed) and checks, for each API:
//   - every prototype: the same number of arguments, each of the same size and class, pointers to
//     the same (vendor_abi.h's text; our `void*` may stand for any pointer, an opaque handle's
//     target for any struct);
//   - every constant: the same value as the vendor's enumerator or macro;
//   - every struct we lay out ourselves: the same size and member offsets;
//   - versioned entry points: the first name our table resolves that this header declares is the
//     one the header maps the plain name to (cuda.h: #define cuMemAlloc cuMemAlloc_v2), so flintml
//     calls what a program compiled against that header calls; and every name we resolve is
//     declared by some header checked here (or is listed below as newer than them).
// In CI (CI=true) each header that CI installs must be found; elsewhere a missing toolkit is
// reported as not checked.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cudaIncludeDir, findHipIncludeDir, findNvcc, findNvcc11 } from './toolkits';

const root = path.resolve(__dirname, '..');
const gpuDir = path.join(root, 'native', 'gpu');

/** One of our API tables: the header declaring it, the struct of function pointers, the file with the dlsym table. */
interface Api {
  name: string;
  header: string;
  struct: string;
  table: string;
  constants: RegExp;       // which of the header's constexpr constants belong to this API
  layouts: string[];       // structs whose layout we declare (size and member offsets must match)
}
/** A vendor header set found on this machine, and which of our APIs it declares. */
interface VendorSet {
  name: string;
  includeDir: string;
  includes: string[];
  defines: string[];
  apis: Api[];
}

const CUDA: Api = { name: 'CUDA driver', header: 'cuda_api.h', struct: 'CudaApi', table: 'cuda.cpp', constants: /^CU/, layouts: [] };
const CUBLASLT: Api = {
  name: 'cuBLASLt', header: 'blas_api.h', struct: 'CublasLtApi', table: 'blas_api.cpp', constants: /^(CUBLAS|CUDA_R_)/,
  layouts: ['cublasLtMatmulAlgo_t', 'cublasLtMatmulHeuristicResult_t'],
};
const HIP: Api = { name: 'HIP runtime', header: 'hip_api.h', struct: 'HipApi', table: 'hip.cpp', constants: /^hip/, layouts: [] };
const HIPRTC: Api = { name: 'hiprtc', header: 'hiprtc_api.h', struct: 'HiprtcApi', table: 'hiprtc.cpp', constants: /^HIPRTC_/, layouts: [] };
const ROCBLAS: Api = { name: 'rocBLAS', header: 'blas_api.h', struct: 'RocblasApi', table: 'blas_api.cpp', constants: /^rocblas_/, layouts: [] };

/** Fields we deliberately resolve by another name than an older header maps them to, and why. */
const OTHER_THAN_MAPPED: Record<string, string> = {
  cuGraphInstantiate: "cuda.h before 12.0 maps it to cuGraphInstantiate_v2 (error node and log buffer); we call cuGraphInstantiateWithFlags (CUDA 11.4+), what 12.0's cuda.h maps the name to, type-checked against every header here",
};

/** Names we resolve that no header checked here declares, and why that is right. */
const NEWER_THAN_CHECKED_HEADERS: Record<string, string> = {
  hipGetDevicePropertiesR0600: 'ROCm 6.0 renamed hipGetDeviceProperties (its hipDeviceProp_t grew); CI has ROCm 5.2, and the entry passes an oversized buffer either way',
};

// --- the sets on this machine ------------------------------------------------------------------
const sets: VendorSet[] = [];
const missing: string[] = [];  // what CI must have and this machine lacks
const nvccs = [['nvcc', findNvcc()], ['nvcc 11.x (FLINT_NVCC_11)', findNvcc11()]] as const;
for (const [label, nvcc] of nvccs) {
  if (!nvcc) { missing.push(`${label}: cuda.h and cublasLt.h`); continue; }
  const inc = cudaIncludeDir(nvcc);
  sets.push({ name: `${label} cuda.h (${inc})`, includeDir: inc, includes: ['cuda.h'], defines: [], apis: [CUDA] });
  if (fs.existsSync(path.join(inc, 'cublasLt.h'))) {
    sets.push({ name: `${label} cublasLt.h (${inc})`, includeDir: inc, includes: ['cublasLt.h'], defines: [], apis: [CUBLASLT] });
  } else if (label !== 'nvcc') {
    missing.push(`${label}: cublasLt.h`);  // nvcc 13 here is the compiler alone (no cuBLAS); nvcc 11.8's headers come with it
  }
}
const hipInc = findHipIncludeDir();
if (hipInc) {
  sets.push({ name: `hip_runtime_api.h (${hipInc})`, includeDir: hipInc, includes: ['hip/hip_runtime_api.h'], defines: ['__HIP_PLATFORM_AMD__'], apis: [HIP] });
  sets.push({ name: `hip/hiprtc.h (${hipInc})`, includeDir: hipInc, includes: ['hip/hiprtc.h'], defines: ['__HIP_PLATFORM_AMD__'], apis: [HIPRTC] });
  if (fs.existsSync(path.join(hipInc, 'rocblas', 'rocblas.h'))) {
    sets.push({ name: `rocblas.h (${hipInc})`, includeDir: hipInc, includes: ['rocblas/rocblas.h'], defines: ['__HIP_PLATFORM_AMD__'], apis: [ROCBLAS] });
  }
} else {
  missing.push('hip_runtime_api.h');
}

// --- reading our declarations --------------------------------------------------------------------
const read = (f: string) => fs.readFileSync(path.join(gpuDir, f), 'utf8');

/** The function-pointer fields of `struct name { ... };` in a header. */
function structFields(src: string, name: string): string[] {
  const start = src.indexOf(`struct ${name} {`);
  expect(start).toBeGreaterThanOrEqual(0);
  const body = src.slice(start, src.indexOf('\n};', start));
  return [...body.matchAll(/\(\*(\w+)\)\s*\(/g)].map((m) => m[1]);
}

/** The data members of `struct name { ... };` (for layouts). */
function structMembers(src: string, name: string): string[] {
  const m = new RegExp(`struct ${name} \\{([^}]*)\\};`).exec(src);
  expect(m).not.toBeNull();
  return [...m![1].matchAll(/(\w+)(\[\d+\])?;/g)].map((x) => x[1]);
}

/** field -> the names the dlsym table tries, in order. */
function tableNames(src: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of src.matchAll(/\{\{([^}]*)\},\s*\(void\*\*\)&a\.(\w+)/g)) {
    out.set(m[2], [...m[1].matchAll(/"(\w+)"/g)].map((x) => x[1]));
  }
  return out;
}

function constants(src: string, which: RegExp): string[] {
  return [...src.matchAll(/constexpr\s+[\w:]+\s+(\w+)\s*=/g)].map((m) => m[1]).filter((c) => which.test(c));
}

// --- compiling ------------------------------------------------------------------------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-vendor-abi-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function gxx(args: string[]): string {
  const r = spawnSync('g++', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`g++ ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

/**
 * The vendor header's view of our names, preprocessed as C (a C API's own declarations, without the
 * C++ overloads some headers add): each name's macro expansion, each function's declared prototype
 * ("RESULT (PARAMS)", attributes dropped), and every identifier it mentions.
 */
function probe(set: VendorSet, names: string[]): { expand: Map<string, string>; prototypes: Map<string, string>; identifiers: Set<string> } {
  const file = path.join(work, `probe-${sets.indexOf(set)}.c`);
  const marker = 'FLINT_VENDOR_ABI_PROBE';
  fs.writeFileSync(file, [...set.includes.map((h) => `#include <${h}>`), `${marker}_START`,
    ...names.map((n) => `${marker} "${n}" ${n}`)].join('\n') + '\n');
  const text = gxx(['-E', '-P', '-x', 'c', `-I${set.includeDir}`, ...set.defines.map((d) => `-D${d}`), file]);
  const [header, tail] = text.split(`${marker}_START`);
  const expand = new Map<string, string>();
  for (const m of tail.matchAll(new RegExp(`${marker} "(\\w+)" (.*)`, 'g'))) expand.set(m[1], m[2].trim());
  const prototypes = new Map<string, string>();
  for (const n of new Set(expand.values())) {
    if (!/^\w+$/.test(n)) continue;
    // a declaration: what follows the previous ; { or }, the name, its parameter list, and ;
    const m = new RegExp(`(?:^|[;{}])([^;{}]*?)\\b${n}\\s*\\(([^;{}]*)\\)[^;{}()]*(?:\\(\\([^;{}]*\\)\\))?\\s*;`).exec(header);
    if (!m || /\btypedef\b/.test(m[1])) continue;
    const result = withoutAttributes(m[1]).replace(/\b(extern|static|inline)\b/g, '').trim();
    prototypes.set(n, `${result} (${m[2].trim()})`);
  }
  return { expand, prototypes, identifiers: new Set([...header.matchAll(/\b([A-Za-z_]\w*)\b/g)].map((m) => m[1])) };
}

/** `s` without its __attribute__((...)) and __declspec(...) groups. */
function withoutAttributes(s: string): string {
  for (;;) {
    const at = s.search(/__attribute__\s*\(|__declspec\s*\(/);
    if (at < 0) return s;
    let i = s.indexOf('(', at);
    let depth = 0;
    do { if (s[i] === '(') depth++; else if (s[i] === ')') depth--; i++; } while (depth > 0 && i < s.length);
    s = s.slice(0, at) + s.slice(i);
  }
}

// --- comparing ABI texts (test/native/vendor_abi.h) ----------------------------------------------
type AbiNode = { kind: string; args: AbiNode[] };
function parseAbi(s: string): AbiNode {
  let i = 0;
  const node = (): AbiNode => {
    const m = /^\w+/.exec(s.slice(i))!;
    i += m[0].length;
    const args: AbiNode[] = [];
    if (s[i] === '(') {
      i++;
      for (;;) { args.push(node()); if (s[i++] === ')') break; }
    }
    return { kind: m[0], args };
  };
  return node();
}
/** Ours against the vendor's: equal, except that our void* matches any pointer and an opaque target any struct. */
function abiMatches(ours: AbiNode, vendor: AbiNode, underPointer = false): boolean {
  if (ours.kind === 'ptr' && vendor.kind === 'ptr') {
    const [o, v] = [ours.args[0], vendor.args[0]];
    if (o.kind === 'void') return true;
    return abiMatches(o, v, true);
  }
  if (underPointer && ours.kind === 'opaque' && (vendor.kind === 'opaque' || vendor.kind.startsWith('struct'))) return true;
  return ours.kind === vendor.kind && ours.args.length === vendor.args.length &&
    ours.args.every((a, k) => abiMatches(a, vendor.args[k]));
}

// --- the check ------------------------------------------------------------------------------------
/** Which names each set declares (non-macro), for the "declared somewhere" rule. */
const declaredBy = new Map<string, Set<string>>();  // api name -> names declared by some header of it
const checkedFields = new Map<string, Set<string>>();  // api name -> fields whose prototype was compared
const checkedConstants = new Map<string, Set<string>>();

function checkSet(set: VendorSet, api: Api): { failures: string[]; checks: number; fields: number } {
  const header = read(api.header);
  const fields = structFields(header, api.struct);
  const table = tableNames(read(api.table));
  const consts = constants(header, api.constants);
  const failures: string[] = [];
  for (const f of fields) if (!table.has(f)) failures.push(`${api.struct}.${f}: no entry in ${api.table}'s dlsym table`);
  const allNames = [...new Set(fields.flatMap((f) => table.get(f) ?? []))];
  const p = probe(set, [...fields, ...allNames, ...consts]);
  const isMacro = (n: string) => p.expand.has(n) && p.expand.get(n) !== n;
  const declares = (n: string) => !isMacro(n) && p.prototypes.has(n);
  const declared = declaredBy.get(api.name) ?? new Set<string>();
  declaredBy.set(api.name, declared);

  // Versioned names: the symbol this header maps each field's plain name to must be one we try,
  // and no name we try before it may be one this header declares (we would bind the older one).
  const lines: string[] = [];
  const vendorTypes: string[] = [];  // each resolved function's type, from the header's own declaration
  for (const f of fields) {
    const names = table.get(f) ?? [];
    const mapped = p.expand.get(f)!;
    const at = names.indexOf(mapped);
    if (!/^\w+$/.test(mapped)) failures.push(`${f}: this header maps it to \`${mapped}\`, not a symbol name`);
    else if (at < 0 && declares(mapped) && !(f in OTHER_THAN_MAPPED)) failures.push(`${f}: this header maps it to ${mapped}, which ${api.table} never tries (it tries ${names.join(', ')})`);
    else if (at > 0) {
      const earlier = names.slice(0, at).filter(declares);
      if (earlier.length) failures.push(`${f}: ${api.table} tries ${earlier.join(', ')} before ${mapped}, the symbol this header maps it to`);
    }
    for (const n of names) {
      if (!declares(n)) continue;
      declared.add(n);
      lines.push(`  std::printf("FN ${f} ${n} %s %s\\n", vendor_abi::abiOf<decltype(flint::gpu::${api.struct}::${f})>().c_str(), vendor_abi::abiOf<${n}_vendor_type*>().c_str());`);
      vendorTypes.push(`using ${n}_vendor_type = ${p.prototypes.get(n)};`);
    }
  }
  // Constants: enumerators by name; macros captured before our header is included (then #undef'd,
  // since our header declares a constexpr of the same name).
  const captures: string[] = [];
  for (const c of consts) {
    let vendor: string;
    if (isMacro(c)) {
      captures.push(`constexpr long long flint_vendor_${c} = (long long)(${c});`, `#undef ${c}`);
      vendor = `flint_vendor_${c}`;
    } else if (p.identifiers.has(c)) {
      vendor = `(long long)(::${c})`;
    } else {
      continue;  // not this header's (checked by another set, or counted below)
    }
    lines.push(`  std::printf("CONST ${c} %lld %lld\\n", (long long)flint::gpu::${c}, ${vendor});`);
  }
  for (const s of api.layouts) {
    if (!p.identifiers.has(s)) { failures.push(`${s}: not declared by this header`); continue; }
    lines.push(`  std::printf("LAYOUT ${s} size %zu %zu\\n", sizeof(flint::gpu::${s}), sizeof(::${s}));`);
    for (const m of structMembers(header, s)) {
      lines.push(`  std::printf("LAYOUT ${s}.${m} offset %zu %zu\\n", offsetof(flint::gpu::${s}, ${m}), offsetof(::${s}, ${m}));`);
      lines.push(`  std::printf("LAYOUT ${s}.${m} size %zu %zu\\n", sizeof(flint::gpu::${s}::${m}), sizeof(::${s}::${m}));`);
    }
  }
  const src = path.join(work, `check-${sets.indexOf(set)}-${api.struct}.cpp`);
  fs.writeFileSync(src, [
    '#include <cstddef>', '#include <cstdio>', ...set.includes.map((h) => `#include <${h}>`), ...vendorTypes, ...captures,
    `#include "${path.join(root, 'test', 'native', 'vendor_abi.h')}"`, `#include "${path.join(gpuDir, api.header)}"`,
    'int main() {', ...lines, '  return 0;', '}', '',
  ].join('\n'));
  const exe = src.replace(/\.cpp$/, '');
  gxx(['-std=c++17', '-w', `-I${set.includeDir}`, ...set.defines.map((d) => `-D${d}`), src, '-o', exe]);
  const out = spawnSync(exe, { encoding: 'utf8' });
  expect(out.status).toBe(0);
  const fieldsSeen = checkedFields.get(api.name) ?? new Set<string>();
  checkedFields.set(api.name, fieldsSeen);
  const constsSeen = checkedConstants.get(api.name) ?? new Set<string>();
  checkedConstants.set(api.name, constsSeen);
  let checks = 0;
  for (const line of out.stdout.trim().split('\n')) {
    const [what, ...rest] = line.split(' ');
    checks++;
    if (what === 'FN') {
      const [f, n, ours, vendor] = rest;
      fieldsSeen.add(f);
      if (!abiMatches(parseAbi(ours), parseAbi(vendor))) failures.push(`${f} (as ${n}): ours ${ours}, the header's ${vendor}`);
    } else if (what === 'CONST') {
      const [c, ours, vendor] = rest;
      constsSeen.add(c);
      if (ours !== vendor) failures.push(`${c}: ours ${ours}, the header's ${vendor}`);
    } else if (what === 'LAYOUT') {
      const [s, prop, ours, vendor] = rest;
      if (ours !== vendor) failures.push(`${s} ${prop}: ours ${ours}, the header's ${vendor}`);
    }
  }
  return { failures, checks, fields: fields.length };
}

// In CI this bites; on a developer's machine without a toolkit it says what was not checked.
test('the vendor headers CI installs are on this machine (else: said, and not CI)', () => {
  if (process.env.CI) expect(missing).toEqual([]);
  else if (missing.length) process.stderr.write(`vendor-abi: not checked here (no header): ${missing.join('; ')}\n`);
});

describe.each(sets.map((s) => [s.name, s] as const))('%s', (_name, set) => {
  test.each(set.apis.map((a) => [a.name, a] as const))('%s: prototypes, constants, layouts and versioned names match', (_api, api) => {
    const { failures, checks, fields } = checkSet(set, api);
    expect(failures).toEqual([]);
    expect(fields).toBeGreaterThan(5);
    expect(checks).toBeGreaterThanOrEqual(fields);  // a prototype line per field at least (and the constants)
  }, 60_000);
});

// After every set: each name we resolve is declared by some header (or is newer than all of them),
// each prototype was compared at least once, each constant was compared at least once.
test('every resolved name, prototype and constant was checked against some header', () => {
  if (missing.length) { expect(process.env.CI).toBeFalsy(); return; }  // needs every header; said above
  const unchecked: string[] = [];
  for (const api of [CUDA, CUBLASLT, HIP, HIPRTC]) {
    const header = read(api.header);
    const table = tableNames(read(api.table));
    const fields = structFields(header, api.struct);
    for (const f of fields) {
      if (!checkedFields.get(api.name)?.has(f)) unchecked.push(`${api.name}: ${f}'s prototype`);
      for (const n of table.get(f) ?? []) {
        if (!declaredBy.get(api.name)?.has(n) && !(n in NEWER_THAN_CHECKED_HEADERS)) unchecked.push(`${api.name}: ${n} (no header here declares it)`);
      }
    }
    for (const c of constants(header, api.constants)) if (!checkedConstants.get(api.name)?.has(c)) unchecked.push(`${api.name}: constant ${c}`);
  }
  expect(unchecked).toEqual([]);
});
