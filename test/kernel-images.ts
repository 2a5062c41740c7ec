// kernel-images.ts — what the GPU kernel images must hold and how the tests read them: the kernel-name
// matrix (from the dtype/op lists, independent of the .cu macros), and readers of the AMD formats (a
// clang offload bundle, an AMDGPU ELF code object). Used by kernels.test.ts (the images the build
// made) and hiprtc.test.ts (the code objects compiled at first use).

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
    'flint-reduce.fatbin': per(['reduce', 'argreduce', 'reduce_warp', 'argreduce_warp', 'reduce_cols'], DTYPES),
    'flint-softmax.fatbin': [...per(['softmax', 'logsoftmax', 'softmax_backward', 'logsoftmax_backward'], FLOATS), ...per(['scan'], DTYPES)],
    'flint-random.fatbin': [
      ...per(['uniform', 'normal', 'bernoulli_check'], FLOATS), ...per(['randint', 'bernoulli'], DTYPES), 'flint_philox_raw',
    ],
    'flint-indexing.fatbin': [
      ...per(['gather', 'scatter', 'index_select', 'masked_select'], DTYPES),
      'flint_index_check', 'flint_scatter_winner', 'flint_masked_count', 'flint_masked_count_finish',
      'flint_masked_block_count', 'flint_masked_scan',
    ],
    'flint-sort.fatbin': [
      ...per(['sort_small', 'sort_tiles', 'sort_write'], DTYPES),
      'flint_sort_merge_u64', 'flint_sort_merge_pair', 'flint_randperm_tiles', 'flint_randperm_write',
    ],
    'flint-trilu.fatbin': per(['trilu'], DTYPES),
    'flint-decomp.fatbin': per(['linalg_qr', 'linalg_eigh', 'linalg_svd'], ['f32', 'f64']),
    'flint-gemm.fatbin': per(['gemm'], [...FLOATS, 'i32', 'u8']),
    'flint-conv.fatbin': per(['im2col', 'col2im', 'maxpool2d', 'maxpool2d_backward', 'maxpool2d_backward_planes',
      'avgpool2d', 'avgpool2d_backward', 'adaptive_avgpool2d', 'adaptive_avgpool2d_backward'], FLOATS),
    'flint-optim.fatbin': per(['adamw', 'sgd', 'grad_norms', 'grad_norms_finish', 'grad_scale'], FLOATS),
    'flint-rnn.fatbin': per(['lstm_cell', 'lstm_cell_backward', 'gru_cell', 'gru_cell_backward'], FLOATS),
    'flint-norm.fatbin': per(['layernorm', 'layernorm_backward', 'layernorm_affine_backward'], FLOATS),
    'flint-linalg.fatbin': per(['lu_factor', 'lu_solve', 'tri_solve', 'cholesky'], ['f32', 'f64']),
    'flint-fft.fatbin': per(['fft_twiddle', 'fft_stage', 'fft_chirp', 'fft_bluestein_b', 'fft_bluestein_pre', 'fft_cmul', 'fft_bluestein_post', 'fft_rtwiddle', 'fft_r2c_post', 'fft_c2r_pre'], ['f32', 'f64']),
  };
}

/** e_flags & EF_AMDGPU_MACH (0xff) of each gfx arch (LLVM's ELF.h, EF_AMDGPU_MACH_AMDGCN_GFX*). */
export const AMDGPU_MACH: Record<string, number> = {
  gfx900: 0x2c, gfx906: 0x2f, gfx908: 0x30, gfx90a: 0x3f, gfx1030: 0x36, gfx1100: 0x41,
  gfx942: 0x4c, gfx1101: 0x46, gfx1102: 0x47, gfx1200: 0x48, gfx1201: 0x4e,
};
/** e_ident[EI_ABIVERSION] of an HSA code object: 2 = code object v4, 3 = v5 (LLVM's AMDGPUUsage). */
export const HSA_ABI_VERSION: Record<number, number> = { 4: 2, 5: 3 };

export interface BundleEntry { id: string; data: Buffer }

export function bundleEntries(buf: Buffer): BundleEntry[] {
  const magic = '__CLANG_OFFLOAD_BUNDLE__';
  expect(buf.subarray(0, magic.length).toString('latin1')).toBe(magic);
  const n = Number(buf.readBigUInt64LE(24));
  const out: BundleEntry[] = [];
  let p = 32;
  for (let k = 0; k < n; k++) {
    const offset = Number(buf.readBigUInt64LE(p)), size = Number(buf.readBigUInt64LE(p + 8));
    const idLen = Number(buf.readBigUInt64LE(p + 16));
    const id = buf.subarray(p + 24, p + 24 + idLen).toString('latin1');
    expect(offset + size).toBeLessThanOrEqual(buf.length);
    out.push({ id, data: buf.subarray(offset, offset + size) });
    p += 24 + idLen;
  }
  return out;
}

export interface ElfSymbol { name: string; type: number; bind: number; bytes: Buffer | null }

/** Symbols of an ELF64 little-endian object, each with the bytes it covers (null for NOBITS/undefined). */
export function elfSymbols(elf: Buffer): ElfSymbol[] {
  expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  expect(elf[4]).toBe(2);  // ELFCLASS64
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a), shnum = elf.readUInt16LE(0x3c);
  const sh = (i: number) => {
    const b = shoff + i * shentsize;
    return {
      type: elf.readUInt32LE(b + 4), addr: Number(elf.readBigUInt64LE(b + 0x10)),
      offset: Number(elf.readBigUInt64LE(b + 0x18)), size: Number(elf.readBigUInt64LE(b + 0x20)),
      link: elf.readUInt32LE(b + 0x28), entsize: Number(elf.readBigUInt64LE(b + 0x38)),
    };
  };
  const out: ElfSymbol[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    if (s.type !== 2) continue;  // SHT_SYMTAB
    const str = sh(s.link);
    for (let o = s.offset + s.entsize; o + s.entsize <= s.offset + s.size; o += s.entsize) {
      const at = str.offset + elf.readUInt32LE(o);
      const info = elf[o + 4], shndx = elf.readUInt16LE(o + 6);
      const value = Number(elf.readBigUInt64LE(o + 8)), size = Number(elf.readBigUInt64LE(o + 16));
      let bytes: Buffer | null = null;
      if (shndx > 0 && shndx < shnum) {
        const t = sh(shndx);
        if (t.type !== 8) bytes = elf.subarray(t.offset + value - t.addr, t.offset + value - t.addr + size);  // not NOBITS
      }
      out.push({ name: elf.subarray(at, elf.indexOf(0, at)).toString('latin1'), type: info & 0xf, bind: info >> 4, bytes });
    }
  }
  return out;
}

/**
 * One AMDGPU code object for `arch`: its header (EM_AMDGPU, HSA OS/ABI, code object `cov`, the
 * arch in e_flags), every kernel of `want` as a global function with its "<name>.kd" descriptor,
 * each descriptor's wavefront size (gfx9 wave64, gfx10+ wave32), and no undefined symbol (the device
 * libraries were linked in whole).
 */
export function checkCodeObject(elf: Buffer, arch: string, want: string[], cov: number): void {
  expect({ arch, machine: elf.readUInt16LE(0x12), osabi: elf[7], abiVersion: elf[8], mach: elf.readUInt32LE(0x30) & 0xff })
    .toEqual({ arch, machine: 224, osabi: 64, abiVersion: HSA_ABI_VERSION[cov], mach: AMDGPU_MACH[arch] });  // EM_AMDGPU, ELFOSABI_AMDGPU_HSA
  const all = elfSymbols(elf);
  expect({ arch, undefined: all.filter((s) => s.name !== '' && s.bytes === null && s.type !== 1).map((s) => s.name) })
    .toEqual({ arch, undefined: [] });
  const syms = all.filter((s) => s.bind === 1);  // STB_GLOBAL
  const funcs = syms.filter((s) => s.type === 2).map((s) => s.name).sort();  // STT_FUNC
  expect({ arch, kernels: funcs }).toEqual({ arch, kernels: want.slice().sort() });
  const kd = new Map(syms.filter((s) => s.type === 1 && s.name.endsWith('.kd')).map((s) => [s.name.slice(0, -3), s.bytes]));
  expect({ arch, descriptors: [...kd.keys()].sort() }).toEqual({ arch, descriptors: want.slice().sort() });
  // kernel_descriptor_t: 64 bytes; kernel_code_properties (u16 at 56), bit 10 ENABLE_WAVEFRONT_SIZE32
  const wave32 = /^gfx1\d/.test(arch);
  for (const [name, bytes] of kd) {
    expect(bytes?.length).toBe(64);
    const w32 = ((bytes as Buffer).readUInt16LE(56) >> 10) & 1;
    if (w32 !== (wave32 ? 1 : 0)) expect({ arch, name, wavefrontSize: w32 ? 32 : 64 }).toEqual({ arch, name, wavefrontSize: wave32 ? 32 : 64 });
  }
}

/** The HIP images the build must produce: the same families and kernels as the CUDA ones. */
export function expectedHipKernels(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(expectedKernels()).map(([k, v]) => [k.replace(/\.fatbin$/, '.hsaco'), v]));
}
