// test-addon.ts — loads flintml_test.node: the test-only hooks (test/addon/*.cpp), an addon of their
// own so that the production addon (and the prebuild) exports none. CMakeLists.txt builds it in a
// clone (npm install, npm run build:native) into test/ beside the addon: build/Release/test/, or the
// test/ folder beside FLINT_ADDON_PATH when that is set. It shares no state with the production
// addon: hooks that need a native object (an allocator, a library search) make their own.
import * as fs from 'fs';
import * as path from 'path';

export interface FakeAllocatorConfig { capacity: number; limit?: number | string; limitFromEnv?: boolean; onOutOfMemory?: (bytes: number) => void }

export interface HipRuntimeCompile {
  ok: boolean; why: string; log: string; dir: string; toolkit: string; archs: string[]; files: string[];
  compiled: string[]; cached: string[]; cacheDir: string; sourceDir: string;
  hiprtc: { ok: boolean; library: string; path: string; version: string; why: string };
}

export interface TestAddon {
  _fakeAllocatorCreate(cfg: FakeAllocatorConfig): number;
  _fakeAllocatorOp(id: number, op: Record<string, unknown>): unknown;
  _fakeAllocatorDestroy(id: number): void;
  /** The GEMM library search (mode 0: cuBLASLt, 1: rocBLAS) with `env` applied to the C environment; JSON text. */
  _gpuBlasSearch(mode: number, env: Record<string, string | undefined>): string;
  /** AMD kernels compiled at first use (native/gpu/hiprtc.h) for `arch`, with `env` applied to the C environment. */
  _hipRuntimeCompile(arch: string, env?: Record<string, string | undefined>): HipRuntimeCompile;
  /** core/vmath.h's float `fn` over x on one ISA copy of its loop; null when this CPU has no such copy. */
  _vmath(fn: 'exp' | 'tanh' | 'sigmoid' | 'erf', isa: 'base' | 'avx2' | 'avx512', x: Float32Array): Float32Array | null;
  /** The ISA copy the CPU ops run ('base', 'avx2' or 'avx512'). */
  _vmathIsa(): string;
  /** The JS class name of every native ErrorKind, in enum order (native/core/error.h as compiled). */
  _errorCodes(): string[];
}

/** Where flintml_test.node is (it may be absent: a build without the test folder, or node-gyp's). */
export function testAddonPath(): string {
  const root = path.resolve(__dirname, '..');
  const dir = process.env.FLINT_ADDON_PATH ? path.dirname(path.resolve(root, process.env.FLINT_ADDON_PATH)) : path.join(root, 'build', 'Release');
  return path.join(dir, 'test', 'flintml_test.node');
}

let loaded: TestAddon | undefined;

export function testAddon(): TestAddon {
  if (!loaded) {
    const file = testAddonPath();
    if (!fs.existsSync(file)) {
      throw new Error(`${file} not found: the test hooks are built by the cmake-js build of a clone (npm run build:native)`);
    }
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    loaded = require(file) as TestAddon;
  }
  return loaded;
}
