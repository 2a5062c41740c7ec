// kernels.test.ts — the CUDA kernel images (native/kernels/*.cu -> <build>/kernels/flint-<family>.fatbin)
// hold every kernel the loader will ask for, for every architecture the build promises.
//
// No GPU is needed: the test reads the fatbin container (header, then one entry per SASS ELF / PTX
// member, each tagged with its sm_XX) and each ELF's symbol table, and checks them against the
// kernel-name matrix generated here from the dtype/op lists (independent of the .cu macros).
// Where the build had no nvcc, CMake wrote status.json with nvcc: null and a reason; then the test
// checks that the build said so and that nvcc is indeed not on this machine.
import * as fs from 'fs';
import * as path from 'path';

const DTYPES = ['f32', 'f64', 'f16', 'bf16', 'i32', 'u8', 'bool'];
const FLOATS = ['f32', 'f64', 'f16', 'bf16'];

/** The kernel names each image must export, from the same dtype/op matrix the loader will use. */
export function expectedKernels(): Record<string, string[]> {
  const per = (families: string[], dts: string[]) => families.flatMap((f) => dts.map((d) => `flint_${f}_${d}`));
  return {
    'flint-elementwise.fatbin': [
      ...per(['unary', 'binary', 'where', 'fill', 'arange', 'linspace'], DTYPES),
      ...DTYPES.flatMap((from) => DTYPES.map((to) => `flint_copy_${from}_to_${to}`)),
    ],
    'flint-reduce.fatbin': per(['reduce', 'argreduce'], DTYPES),
    'flint-softmax.fatbin': [...per(['softmax', 'logsoftmax'], FLOATS), ...per(['scan'], DTYPES)],
    'flint-random.fatbin': [...per(['uniform', 'normal'], FLOATS), ...per(['randint'], DTYPES)],
  };
}

function kernelDir(): string {
  if (process.env.FLINT_KERNEL_DIR) return path.resolve(process.env.FLINT_KERNEL_DIR);
  if (process.env.FLINT_ADDON_PATH) return path.resolve(path.dirname(process.env.FLINT_ADDON_PATH), '..', 'kernels');
  return path.resolve(__dirname, '..', 'build', 'kernels');
}

interface Member { kind: 'elf' | 'ptx'; arch: number; data: Buffer }

/** Splits a fatbin container into its members: 16-byte header (magic 0xBA55ED50, version, header
 *  size, payload size), then entries (kind 1 PTX / 2 ELF, header size, payload size, arch). */
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
    expect(kind === 1 || kind === 2).toBe(true);
    out.push({ kind: kind === 2 ? 'elf' : 'ptx', arch, data: buf.subarray(p + hsize, p + hsize + size) });
    p += hsize + size;
  }
  return out;
}

/** Global function symbols of an ELF64 (little-endian) image. */
function elfGlobalFunctions(elf: Buffer): string[] {
  expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');  // fails if the member is compressed
  expect(elf[4]).toBe(2);  // ELFCLASS64
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a), shnum = elf.readUInt16LE(0x3c);
  const sh = (i: number) => {
    const b = shoff + i * shentsize;
    return {
      type: elf.readUInt32LE(b + 4),
      offset: Number(elf.readBigUInt64LE(b + 0x18)),
      size: Number(elf.readBigUInt64LE(b + 0x20)),
      link: elf.readUInt32LE(b + 0x28),
      entsize: Number(elf.readBigUInt64LE(b + 0x38)),
    };
  };
  const names: string[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    if (s.type !== 2) continue;  // SHT_SYMTAB
    const str = sh(s.link);
    for (let o = s.offset; o + s.entsize <= s.offset + s.size; o += s.entsize) {
      const info = elf[o + 4];
      if ((info & 0xf) !== 2 || info >> 4 !== 1) continue;  // STT_FUNC, STB_GLOBAL
      const at = str.offset + elf.readUInt32LE(o);
      names.push(elf.subarray(at, elf.indexOf(0, at)).toString('latin1'));
    }
  }
  return names.sort();
}

function nvccOnThisMachine(): boolean {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/cuda/bin'];
  if (process.env.CUDA_PATH) dirs.push(path.join(process.env.CUDA_PATH, 'bin'));
  return dirs.some((d) => d && fs.existsSync(path.join(d, 'nvcc')));
}

const dir = kernelDir();
const statusPath = path.join(dir, 'status.json');

describe('CUDA kernel images', () => {
  test('the build recorded what it did (status.json)', () => {
    expect(fs.existsSync(statusPath)).toBe(true);
    const st = JSON.parse(fs.readFileSync(statusPath, 'utf8'));
    if (st.nvcc === null) {
      expect(typeof st.reason).toBe('string');
      expect(st.images).toEqual([]);
      if (!/disabled/.test(st.reason)) expect(nvccOnThisMachine()).toBe(false);  // nvcc present must build
    } else {
      expect(st.images.slice().sort()).toEqual(Object.keys(expectedKernels()).sort());
      expect(st.archs.length).toBeGreaterThan(0);
    }
  });

  const st = fs.existsSync(statusPath) ? JSON.parse(fs.readFileSync(statusPath, 'utf8')) : null;
  const built = st !== null && st.nvcc !== null;
  const maybe = built ? test : test.skip;

  for (const [image, kernels] of Object.entries(expectedKernels())) {
    maybe(`${image}: every kernel for every architecture, plus PTX`, () => {
      const members = fatbinMembers(fs.readFileSync(path.join(dir, image)));
      const want = kernels.slice().sort();
      expect(new Set(want).size).toBe(want.length);
      const elfArchs = members.filter((m) => m.kind === 'elf').map((m) => m.arch).sort((a, b) => a - b);
      expect(elfArchs).toEqual((st.archs as number[]).slice().sort((a, b) => a - b));
      for (const m of members.filter((x) => x.kind === 'elf')) {
        const got = elfGlobalFunctions(m.data);
        expect({ arch: m.arch, kernels: got }).toEqual({ arch: m.arch, kernels: want });
      }
      const ptx = members.filter((m) => m.kind === 'ptx');
      expect(ptx.map((m) => m.arch)).toEqual([st.ptx]);
      const text = ptx[0].data.toString('latin1');
      const entries = Array.from(text.matchAll(/\.entry\s+([A-Za-z0-9_]+)/g), (x) => x[1]).sort();
      expect(entries).toEqual(want);
    });
  }
});
