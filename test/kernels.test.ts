// kernels.test.ts — the CUDA kernel images (native/kernels/*.cu -> <build>/kernels/flint-<family>.fatbin,
// and the nvcc 11.8 set in <build>/kernels/cuda-11.8/) hold every kernel the loader will ask for, for
// every architecture the build promises.
//
// No GPU is needed: the test reads the fatbin container (header, then one entry per SASS ELF / PTX
// member, each tagged with its sm_XX), decompresses each member (the build compresses them all: LZ4
// from nvcc 11/12, zstd from nvcc 13) and reads each ELF's symbol table, and checks them against the
// kernel-name matrix generated here from the dtype/op lists (independent of the .cu macros).
// Where the build had no nvcc, CMake wrote status.json with nvcc: null and a reason; then the test
// checks that the build said so and that nvcc is indeed not on this machine.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AMDGPU_MACH, bundleEntries, checkCodeObject, elfSymbols, expectedHipKernels, expectedKernels } from './kernel-images';
import { findNvcc, findNvcc11 } from './toolkits';

function kernelDir(): string {
  if (process.env.FLINT_KERNEL_DIR) return path.resolve(process.env.FLINT_KERNEL_DIR);
  if (process.env.FLINT_ADDON_PATH) return path.resolve(path.dirname(process.env.FLINT_ADDON_PATH), '..', 'kernels');
  return path.resolve(__dirname, '..', 'build', 'kernels');
}

interface Member { kind: 'elf' | 'ptx'; arch: number; compression: 'none' | 'lz4' | 'zstd'; isa: string; data: Buffer }

/**
 * A raw LZ4 block (no frame), as fatbinary writes compressed members: sequences of a token (literal
 * length high nibble, match length - 4 low nibble; 15 = more length bytes follow), the literals, a
 * 2-byte little-endian offset and the match, copied byte by byte (it may overlap its own output).
 * Written from the LZ4 Block Format description (lz4/doc/lz4_Block_format.md).
 */
export function lz4BlockDecode(src: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  let i = 0, o = 0;
  const length = (n: number) => {
    if (n !== 15) return n;
    let b: number;
    do { b = src[i++]; n += b; } while (b === 255);
    return n;
  };
  while (i < src.length) {
    const token = src[i++];
    const lit = length(token >> 4);
    src.copy(out, o, i, i + lit);
    i += lit; o += lit;
    if (i >= src.length) break;  // the last sequence has literals only
    const offset = src.readUInt16LE(i);
    i += 2;
    const match = length(token & 15) + 4;
    if (offset === 0 || offset > o) throw new Error(`lz4: bad match offset ${offset} at output ${o}`);
    for (let k = 0; k < match; k++, o++) out[o] = out[o - offset];
  }
  if (o !== size) throw new Error(`lz4: decoded ${o} bytes, the header says ${size}`);
  return out;
}

/** A zstd frame, through Debian's `zstd` command (Node 20 has no zstd in zlib). */
function zstdDecode(src: Buffer): Buffer {
  try {
    return execFileSync('zstd', ['-d', '-c', '-q'], { input: src, maxBuffer: 1 << 30 });
  } catch (e) {
    throw new Error(`zstd -d failed (is Debian's zstd package installed?): ${(e as Error).message}`);
  }
}

/** Splits a fatbin container into its members: 16-byte header (magic 0xBA55ED50, version, header
 *  size, payload size), then entries: kind (1 PTX / 2 ELF) at 0, header size at 4, payload size at 8,
 *  compressed size at 16, PTX ISA minor/major at 24/26, arch at 28, flags at 40 (0x2000: LZ4-compressed,
 *  0x8000: zstd-compressed), uncompressed size at 56. Compressed members are decompressed. */
function fatbinMembers(buf: Buffer): Member[] {
  expect(buf.readUInt32LE(0)).toBe(0xba55ed50);
  const headerSize = buf.readUInt16LE(6);
  const end = headerSize + Number(buf.readBigUInt64LE(8));
  expect(end).toBe(buf.length);
  const out: Member[] = [];
  let p = headerSize;
  while (p < end) {
    const kind = buf.readUInt16LE(p);
    const hsize = buf.readUInt32LE(p + 4);
    const size = Number(buf.readBigUInt64LE(p + 8));
    const arch = buf.readUInt32LE(p + 28);
    const flags = Number(buf.readBigUInt64LE(p + 40) & 0xffffn);
    expect(kind === 1 || kind === 2).toBe(true);
    const payload = buf.subarray(p + hsize, p + hsize + size);
    const compression = flags & 0x8000 ? 'zstd' : flags & 0x2000 ? 'lz4' : 'none';
    let data = payload;
    if (compression !== 'none') {
      const packed = payload.subarray(0, buf.readUInt32LE(p + 16));
      const full = Number(buf.readBigUInt64LE(p + 56));
      data = compression === 'lz4' ? lz4BlockDecode(packed, full) : zstdDecode(packed);
      expect(data.length).toBe(full);
    }
    const isa = `${buf.readUInt16LE(p + 26)}.${buf.readUInt16LE(p + 24)}`;
    out.push({ kind: kind === 2 ? 'elf' : 'ptx', arch, compression, isa, data });
    p += hsize + size;
  }
  return out;
}

/** Global function symbols of an ELF64 (little-endian) image, sorted. */
function elfGlobalFunctions(elf: Buffer): string[] {
  return elfSymbols(elf).filter((s) => s.type === 2 && s.bind === 1).map((s) => s.name).sort();  // STT_FUNC, STB_GLOBAL
}

const dir = kernelDir();
const statusPath = path.join(dir, 'status.json');

/** The two CUDA image sets: nvcc 13 (the kernel folder) and nvcc 11.8 (its cuda-11.8/ subfolder). */
const CUDA_SETS = [
  { name: 'main', dir, onMachine: () => findNvcc() !== null, archsAtLeast: [] as number[] },
  { name: 'nvcc 11.8', dir: path.join(dir, 'cuda-11.8'), onMachine: () => findNvcc11() !== null, archsAtLeast: [60, 70, 75, 80, 86, 89, 90] },
];

for (const set of CUDA_SETS) {
  const setStatus = path.join(set.dir, 'status.json');
  describe(`CUDA kernel images (${set.name} set, ${path.basename(set.dir)}/)`, () => {
    test('the build recorded what it did (status.json)', () => {
      expect(fs.existsSync(setStatus)).toBe(true);
      const st = JSON.parse(fs.readFileSync(setStatus, 'utf8'));
      if (st.nvcc === null) {
        expect(typeof st.reason).toBe('string');
        expect(st.images).toEqual([]);
        if (!/disabled/.test(st.reason)) expect(set.onMachine()).toBe(false);  // nvcc present must build
      } else {
        expect(st.images.slice().sort()).toEqual(Object.keys(expectedKernels()).sort());
        expect(st.archs.length).toBeGreaterThan(0);
        for (const a of set.archsAtLeast) expect(st.archs).toContain(a);
        // the driver the set needs, by the CUDA Compatibility guide's rule (native/gpu/cuda.cpp):
        // SASS of nvcc X.y from CUDA X.0, its PTX from CUDA X.y
        const [major, minor] = String(st.nvcc).split('.').map(Number);
        expect({ minDriver: st.minDriver, ptxMinDriver: st.ptxMinDriver }).toEqual({ minDriver: major * 1000, ptxMinDriver: major * 1000 + minor * 10 });
        if (set.name !== 'main') expect(major).toBe(11);
      }
    });

    const st = fs.existsSync(setStatus) ? JSON.parse(fs.readFileSync(setStatus, 'utf8')) : null;
    const built = st !== null && st.nvcc !== null;
    const maybe = built ? test : test.skip;

    for (const [image, kernels] of Object.entries(expectedKernels())) {
      maybe(`${image}: every kernel for every architecture, plus PTX; every member compressed`, () => {
        const members = fatbinMembers(fs.readFileSync(path.join(set.dir, image)));
        const want = kernels.slice().sort();
        expect(new Set(want).size).toBe(want.length);
        // nvcc >= 13 compresses with zstd (-compress-mode=size), older nvcc with LZ4 (fatbinary -compress-all)
        const major = Number(String(st.nvcc).split('.')[0]);
        expect(members.map((m) => m.compression)).toEqual(members.map(() => (major >= 13 ? 'zstd' : 'lz4')));
        const elfArchs = members.filter((m) => m.kind === 'elf').map((m) => m.arch).sort((a, b) => a - b);
        expect(elfArchs).toEqual((st.archs as number[]).slice().sort((a, b) => a - b));
        for (const m of members.filter((x) => x.kind === 'elf')) {
          const got = elfGlobalFunctions(m.data);
          expect({ arch: m.arch, kernels: got }).toEqual({ arch: m.arch, kernels: want });
        }
        const ptx = members.filter((m) => m.kind === 'ptx');
        expect(ptx.map((m) => m.arch)).toEqual([st.ptx]);
        const text = ptx[0].data.toString('latin1');
        // the PTX text's own ISA version and target agree with its fatbin entry (11.8 writes ISA 7.8)
        expect(/\.version\s+(\d+\.\d+)/.exec(text)?.[1]).toBe(ptx[0].isa);
        expect(/\.target\s+(sm_\d+)/.exec(text)?.[1]).toBe(`sm_${st.ptx}`);
        if (major === 11 && String(st.nvcc) === '11.8') expect(ptx[0].isa).toBe('7.8');
        const entries = Array.from(text.matchAll(/\.entry\s+([A-Za-z0-9_]+)/g), (x) => x[1]).sort();
        expect(entries).toEqual(want);
      });
    }
  });
}

test('lz4BlockDecode: literals, an overlapping match, long lengths (against hand-encoded blocks)', () => {
  // "abcabcabcabc!": literals "abc", then a 9-byte match at offset 3 (overlapping), then "!" alone
  const block = Buffer.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x21]);
  expect(lz4BlockDecode(block, 13).toString()).toBe('abcabcabcabc!');
  // 300 x "z": 1 literal, match length 294 (15 + 255 + 20 + 4) at offset 1, then 5 literals "zzzzz"
  const long = Buffer.from([0x1f, 0x7a, 0x01, 0x00, 0xff, 0x14, 0x50, 0x7a, 0x7a, 0x7a, 0x7a, 0x7a]);
  expect(lz4BlockDecode(long, 300).toString()).toBe('z'.repeat(300));
  expect(() => lz4BlockDecode(Buffer.from([0x10, 0x61, 0x05, 0x00]), 10)).toThrow(/bad match offset/);
});

// ---- AMD HIP images (native/kernels/*.cu -> <build>/kernels/flint-<family>.hsaco, hipcc) ---------------
// Each .hsaco is a clang offload bundle ("__CLANG_OFFLOAD_BUNDLE__", entry count, then per entry:
// offset, size, id length, id such as "hipv4-amdgcn-amd-amdhsa--gfx90a"; hipcc adds an empty
// "host-x86_64-..." entry), one AMDGPU ELF code object per gfx arch. The test reads each code object's
// header (EM_AMDGPU, HSA OS/ABI, the gfx arch in e_flags), its symbol table (every kernel as a global
// function plus its "<name>.kd" kernel descriptor, which hipModuleGetFunction looks up) and each
// descriptor's wavefront-size bit: gfx9 runs wave64, gfx10+ wave32 (compat.cuh's FLINT_WARP_SIZE
// follows __AMDGCN_WAVEFRONT_SIZE per arch, so both must be what the hardware runs).

function hipccOnThisMachine(): boolean {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/opt/rocm/bin'];
  for (const v of ['ROCM_PATH', 'HIP_PATH']) if (process.env[v]) dirs.push(path.join(process.env[v] as string, 'bin'));
  return dirs.some((d) => d && fs.existsSync(path.join(d, 'hipcc')));
}

/** The first clang >= 19 on PATH (what builds the newer AMD targets), or null. */
function newClangOnThisMachine(): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  for (const n of ['clang-21', 'clang-20', 'clang-19']) if (dirs.some((d) => d && fs.existsSync(path.join(d, n)))) return n;
  return null;
}

describe('HIP kernel images', () => {
  const st = fs.existsSync(statusPath) ? JSON.parse(fs.readFileSync(statusPath, 'utf8')) : null;
  const hip = st?.hip;

  test('the build recorded what it did for HIP (status.json "hip")', () => {
    expect(hip).toBeDefined();
    expect(Array.isArray(hip.leftOut)).toBe(true);
    for (const l of hip.leftOut) expect(l).toMatch(/^gfx[0-9a-f]+: \S/);
    if (hip.hipcc === null) {
      expect(typeof hip.reason).toBe('string');
      expect(hip.images).toEqual([]);
      expect(hip.archs).toEqual([]);
      if (!/disabled/.test(hip.reason)) expect(hipccOnThisMachine()).toBe(false);  // hipcc present must build
    } else {
      expect(hip.hipcc).toMatch(/^\d+\.\d+\.\d+$/);
      expect(hip.reason).toBeNull();
      expect(hip.images.slice().sort()).toEqual(Object.keys(expectedHipKernels()).sort());
      expect(hip.archs.length).toBeGreaterThan(0);
      const left = hip.leftOut.map((l: string) => l.split(':')[0]);
      for (const a of hip.archs) {
        expect(left).not.toContain(a);
        expect(Object.keys(AMDGPU_MACH)).toContain(a);  // an arch this test knows how to check
      }
      // ROCm 5.2 (Debian 12's hipcc, what CI installs) builds these; newer ROCm adds gfx1100.
      for (const a of ['gfx900', 'gfx906', 'gfx908', 'gfx90a', 'gfx1030']) expect(hip.archs).toContain(a);
      expect(hip.codeObjectVersion).toBe(4);
    }
  });

  test('the newer AMD targets (gfx942, gfx11, gfx12) are built by clang >= 19 when it is here (status.json "hip.newer")', () => {
    if (!hip || hip.hipcc === null) return;  // no HIP images at all: the test above says why
    const newer = hip.newer;
    expect(newer).toBeDefined();
    if (newer.clang === null) {
      expect(typeof newer.reason).toBe('string');
      expect(newer.archs).toEqual([]);
      if (/no clang >= 19/.test(newer.reason)) expect(newClangOnThisMachine()).toBeNull();  // clang-19 present must build
      for (const a of ['gfx942', 'gfx1100']) expect(hip.archs.includes(a) || hip.leftOut.some((l: string) => l.startsWith(`${a}: `))).toBe(true);
    } else {
      expect(newer.clang).toMatch(/^(19|2\d)\.\d+\.\d+$/);
      expect(newer.reason).toBeNull();
      if (hipccOnThisMachine()) expect(fs.existsSync(path.join(newer.deviceLibs, 'ocml.bc'))).toBe(true);  // the build machine
      // clang 19 knows all six and the generated oclc_isa_version files cover them: nothing is left out
      for (const a of ['gfx942', 'gfx1100', 'gfx1101', 'gfx1102', 'gfx1200', 'gfx1201']) {
        expect(newer.archs).toContain(a);
        expect(hip.archs).toContain(a);
        expect(hip.leftOut.filter((l: string) => l.startsWith(`${a}:`))).toEqual([]);
      }
      // The one-constant device library the build writes for each arch ROCm 5.2 lacks (CMakeLists.txt,
      // <build>/hip-devlibs): __oclc_ISA_version as later ROCm releases' oclc_isa_version_<arch>.bc hold it.
      const ISA_VERSION: Record<string, number> = { gfx942: 9402, gfx1100: 11000, gfx1101: 11001, gfx1102: 11002, gfx1200: 12000, gfx1201: 12001 };
      const devlibs = path.join(dir, '..', 'hip-devlibs');
      if (!process.env.FLINT_KERNEL_DIR && !process.env.FLINT_ADDON_PATH && hipccOnThisMachine()) expect(fs.existsSync(devlibs)).toBe(true);
      if (fs.existsSync(devlibs)) {
        for (const a of newer.archs as string[]) {
          const id = a.slice(3);
          if (fs.existsSync(path.join(newer.deviceLibs, `oclc_isa_version_${id}.bc`))) continue;  // ROCm's own
          expect(fs.existsSync(path.join(devlibs, `oclc_isa_version_${id}.bc`))).toBe(true);
          const ll = fs.readFileSync(path.join(devlibs, `oclc_isa_version_${id}.ll`), 'utf8');
          expect({ a, isa: /@__oclc_ISA_version = linkonce_odr .*constant i32 (\d+), align 4/.exec(ll)?.[1] })
            .toEqual({ a, isa: String(ISA_VERSION[a]) });
        }
      }
    }
  });

  const built = hip !== undefined && hip !== null && hip.hipcc !== null;
  const maybe = built ? test : test.skip;

  for (const [image, kernels] of Object.entries(expectedHipKernels())) {
    maybe(`${image}: one code object per gfx arch, each with every kernel and its descriptor`, () => {
      const entries = bundleEntries(fs.readFileSync(path.join(dir, image)));
      const device = entries.filter((e) => !e.id.startsWith('host-'));
      for (const e of entries.filter((x) => x.id.startsWith('host-'))) expect(e.data.length).toBe(0);
      const archs = device.map((e) => {
        const m = /^hipv4-amdgcn-amd-amdhsa--(gfx[0-9a-f]+)$/.exec(e.id);
        expect(m).not.toBeNull();
        return (m as RegExpExecArray)[1];
      });
      expect(archs.slice().sort()).toEqual((hip.archs as string[]).slice().sort());
      for (let k = 0; k < device.length; k++) checkCodeObject(device[k].data, archs[k], kernels, hip.codeObjectVersion);
    });
  }
});

describe('the op table', () => {
  test('every op has a CPU kernel and a GPU kernel', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { binding } = require('../lib/native') as typeof import('../lib/native');
    const table = binding.opDevices();
    const names = Object.keys(table);
    expect(names.length).toBeGreaterThan(30);
    // CPU-only fast paths that lib/ops picks by device (the GPU computes the same with the ops it has):
    // conv2d's fused CPU kernels (native/cpu/conv.cpp; the GPU runs im2col + GEMM)
    const cpuOnly = ['conv2dForward', 'conv2dBackwardInput', 'conv2dBackwardWeight'];
    for (const n of cpuOnly) expect(table[n]).toEqual(['cpu']);
    const missing = names.filter((n) => !cpuOnly.includes(n) && !(table[n].includes('cpu') && table[n].includes('cuda')));
    expect(missing).toEqual([]);
  });

  test('the production addon holds no test hook: they live in the test addon (flintml_test.node)', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { binding } = require('../lib/native') as typeof import('../lib/native');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { testAddon } = require('./test-addon') as typeof import('./test-addon');
    const hooks = Object.keys(testAddon());
    expect(hooks).toEqual(expect.arrayContaining(['_fakeAllocatorCreate', '_fakeAllocatorOp', '_fakeAllocatorDestroy', '_gpuBlasSearch', '_hipRuntimeCompile']));
    expect(hooks.filter((n) => !n.startsWith('_'))).toEqual([]);
    const exported = Object.keys(binding);
    expect(exported).toContain('run');
    expect(exported.filter((n) => n.startsWith('_') || hooks.includes(n))).toEqual([]);
    expect(binding.opNames().filter((n) => n.startsWith('_') || hooks.includes(n))).toEqual([]);
  });
});
