// gpu-blas.test.ts — the GPU GEMM library (native/gpu/blas_api.cpp) and the GPU matmul wiring
// (native/gpu/ops_matmul.cpp), testable without a GPU.
//
// 1. The library search: fake libcublasLt / librocblas files (test/fixtures/fake_cublaslt.c, and a
//    tiny rocBLAS written here) are compiled with gcc into temp folders laid out like
//    FLINT_CUDA_LIBS folders, a Python virtualenv with pip's nvidia wheels and a python3 on PATH;
//    the test addon's _gpuBlasSearch hook (test/addon/blas_search_hook.cpp) runs the same search as
//    the first GPU matmul, with the environment as the test sets it, and returns the chosen file and
//    the search log.
// 2. On the GPU (FLINT_TEST_DEVICE=cuda, e.g. on the CPU emulator of the CUDA driver, test/emu):
//    matmul layouts against a float64 triple loop; when the process found a cuBLASLt (e.g.
//    FLINT_CUDA_LIBS pointing at the compiled fake), the fake's call log shows which calls went
//    through it and with which transposes, and that the other dtypes fell back to the built-in kernel.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { binding } from '../lib/native';
import { DEVICE, randomArray, roundTo } from './helpers';
import { testAddon } from './test-addon';

const fixtures = path.join(__dirname, 'fixtures');
interface BlasInfo { kind: string; name: string; path: string; version: string; summary: string; searchLog: string[] }

/**
 * Runs the search hook: mode 0 searches for cuBLASLt, 1 for rocBLAS, with `env` applied to the C
 * environment during the search (jest's process.env is a copy that native code does not see, so the
 * changes travel to the hook as an object); mode 2 returns the process's own library (the production
 * addon's gpuBlasInfo()).
 */
function search(env: Record<string, string | undefined>, mode = 0): BlasInfo {
  if (mode === 2) return binding.gpuBlasInfo();
  return JSON.parse(testAddon()._gpuBlasSearch(mode, env)) as BlasInfo;
}

let tmp = '';
const dirs: Record<string, string> = {};

function compile(dir: string, file: string, source: string, defines: string[] = []): string {
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, file);
  execFileSync('gcc', ['-shared', '-fPIC', '-O1', ...defines, '-o', out, source]);
  return out;
}

const FAKE_ROCBLAS = `
typedef struct h* rocblas_handle;
static int token;
int rocblas_create_handle(rocblas_handle* h) { *h = (rocblas_handle)&token; return 0; }
int rocblas_destroy_handle(rocblas_handle h) { (void)h; return 0; }
int rocblas_set_stream(rocblas_handle h, void* s) { (void)h; (void)s; return 0; }
int rocblas_gemm_strided_batched_ex(void) { return 2; }
int rocblas_get_version_string(char* buf, unsigned long len) {
  const char* v = "4.4.0.fake"; unsigned long i = 0;
  for (; v[i] && i + 1 < len; i++) buf[i] = v[i];
  buf[i] = 0; return 0;
}
`;

/** True when this host has a real GEMM library where the search looks after FLINT_CUDA_LIBS (then "not found" cannot be asserted). */
function hostHas(re: RegExp): boolean {
  let cache = '';
  try { cache = execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }); } catch { /* no ldconfig */ }
  return re.test(cache) || (process.env.LD_LIBRARY_PATH ?? '').split(':').some((d) => d && fs.existsSync(d) && fs.readdirSync(d).some((f) => re.test(f)));
}
const hostHasCublas = hostHas(/libcublasLt\.so\.1[123]/) || fs.existsSync('/usr/local/cuda/lib64/libcublasLt.so.13') ||
  fs.existsSync('/usr/local/cuda/lib64/libcublasLt.so.12');
const hostHasRocblas = hostHas(/librocblas\.so\.[0345]/) || fs.existsSync('/opt/rocm/lib');

/** An environment where no Python prefix of the host is searched except those named. */
function isolated(extra: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    FLINT_CUDA_LIBS: undefined, FLINT_GPU_BLAS: undefined, VIRTUAL_ENV: undefined, CONDA_PREFIX: undefined,
    CUDA_HOME: undefined, CUDA_PATH: undefined, HOME: path.join(tmp, 'home'), PATH: path.join(tmp, 'emptybin'), ...extra,
  };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-fake-blas-'));
  fs.mkdirSync(path.join(tmp, 'home'));
  fs.mkdirSync(path.join(tmp, 'emptybin'));
  const lt = path.join(fixtures, 'fake_cublaslt.c');
  dirs.a = path.join(tmp, 'a');
  compile(dirs.a, 'libcublasLt.so.13', lt);
  dirs.b = path.join(tmp, 'b');
  compile(dirs.b, 'libcublasLt.so.12', lt, ['-DFAKE_VERSION=120403']);
  dirs.noHeuristic = path.join(tmp, 'noheuristic');
  compile(dirs.noHeuristic, 'libcublasLt.so.13', lt, ['-DFAKE_OMIT_HEURISTIC']);
  // a virtualenv with pip's nvidia-cublas wheel
  dirs.venv = path.join(tmp, 'venv');
  dirs.venvLib = path.join(dirs.venv, 'lib', 'python3.12', 'site-packages', 'nvidia', 'cublas', 'lib');
  compile(dirs.venvLib, 'libcublasLt.so.13', lt);
  // a Python install found through the python3 on PATH (CUDA 13 wheels: nvidia/cu13/lib)
  dirs.pyPrefix = path.join(tmp, 'pyprefix');
  dirs.pyLib = path.join(dirs.pyPrefix, 'lib', 'python3.11', 'dist-packages', 'nvidia', 'cu13', 'lib');
  compile(dirs.pyLib, 'libcublasLt.so.12', lt, ['-DFAKE_VERSION=120901']);
  fs.mkdirSync(path.join(dirs.pyPrefix, 'bin'));
  fs.writeFileSync(path.join(dirs.pyPrefix, 'bin', 'python3'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  // rocBLAS
  const rocSrc = path.join(tmp, 'fake_rocblas.c');
  fs.writeFileSync(rocSrc, FAKE_ROCBLAS);
  dirs.roc = path.join(tmp, 'rocm', 'lib');
  compile(dirs.roc, 'librocblas.so.4', rocSrc);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('GEMM library search (fake libraries)', () => {
  test('FLINT_CUDA_LIBS first: the newest soname in the folder, with its version', () => {
    const info = search(isolated({ FLINT_CUDA_LIBS: dirs.a }));
    expect(info.kind).toBe('cublaslt');
    expect(info.name).toBe('cuBLASLt');
    expect(fs.realpathSync(info.path)).toBe(fs.realpathSync(path.join(dirs.a, 'libcublasLt.so.13')));
    expect(info.version).toBe('13.1.0');
    expect(info.summary).toContain('cuBLASLt 13.1.0');
    const last = info.searchLog[info.searchLog.length - 1];
    expect(last).toContain(`FLINT_CUDA_LIBS: ${path.join(dirs.a, 'libcublasLt.so.13')}: loaded from`);
    expect(last).toMatch(/\(cuBLASLt 13\.1\.0, 15 symbols resolved\)$/);
  });

  test('every folder is logged: missing, lacking an entry point (skipped), then found', () => {
    const missing = path.join(tmp, 'does-not-exist');
    const info = search(isolated({ FLINT_CUDA_LIBS: `${missing}:${dirs.noHeuristic}::${dirs.b}` }));
    expect(fs.realpathSync(info.path)).toBe(fs.realpathSync(path.join(dirs.b, 'libcublasLt.so.12')));
    expect(info.version).toBe('12.4.3');
    const log = info.searchLog.join('\n');
    expect(log).toContain(`cuBLASLt: FLINT_CUDA_LIBS: ${missing}: no such folder`);
    expect(log).toMatch(new RegExp(`${path.join(dirs.noHeuristic, 'libcublasLt.so.13').replace(/\./g, '\\.')}: loaded from .*, but it lacks cublasLtMatmulAlgoGetHeuristic; skipped`));
    expect(log).toContain(`${dirs.noHeuristic}: no libcublasLt.so.12, libcublasLt.so.11`);
    expect(log).toContain(`${dirs.b}: no libcublasLt.so.13`);
    // the order of the log is the search order
    expect(log.indexOf(missing)).toBeLessThan(log.indexOf(dirs.noHeuristic));
    expect(log.indexOf(dirs.noHeuristic)).toBeLessThan(log.indexOf(`${dirs.b}/libcublasLt.so.12: loaded`));
  });

  test('then the loader path, then a virtualenv\'s nvidia/*/lib', () => {
    const info = search(isolated({ VIRTUAL_ENV: dirs.venv }));
    const log = info.searchLog.join('\n');
    expect(log).toContain('FLINT_CUDA_LIBS not set');
    if (hostHasCublas) return;  // a real cuBLASLt on this host is found before the virtualenv
    for (const v of ['13', '12', '11']) expect(log).toContain(`cuBLASLt: loader path: libcublasLt.so.${v}: not found (`);
    expect(info.kind).toBe('cublaslt');
    expect(fs.realpathSync(info.path)).toBe(fs.realpathSync(path.join(dirs.venvLib, 'libcublasLt.so.13')));
    expect(log.indexOf('loader path')).toBeLessThan(log.indexOf('python:'));
  });

  test('the prefix of a python3 on PATH (CUDA 13 wheel layout nvidia/cu13/lib)', () => {
    const info = search(isolated({ PATH: `${path.join(tmp, 'emptybin')}:${path.join(dirs.pyPrefix, 'bin')}` }));
    if (hostHasCublas) return;
    expect(info.kind).toBe('cublaslt');
    expect(fs.realpathSync(info.path)).toBe(fs.realpathSync(path.join(dirs.pyLib, 'libcublasLt.so.12')));
    expect(info.version).toBe('12.9.1');
    expect(info.searchLog.join('\n')).toContain(`${path.join(tmp, 'home')}/.local/lib/python3*/{site,dist}-packages/nvidia/*/lib: no such folder`);
  });

  test('nothing found: kind none, and the log says the built-in kernel runs', () => {
    const info = search(isolated({}));
    if (hostHasCublas) return;
    expect(info.kind).toBe('none');
    expect(info.path).toBe('');
    expect(info.summary).toBe('none (built-in GEMM kernel)');
    const log = info.searchLog.join('\n');
    expect(log).toContain('cuBLASLt: toolkit: /usr/local/cuda/lib64');
    expect(info.searchLog[info.searchLog.length - 1]).toMatch(/^cuBLASLt: not found; matmul runs the built-in GEMM kernel/);
  });

  test('FLINT_GPU_BLAS=off skips the search', () => {
    const info = search(isolated({ FLINT_CUDA_LIBS: dirs.a, FLINT_GPU_BLAS: 'off' }));
    expect(info.kind).toBe('none');
    expect(info.searchLog).toEqual(['FLINT_GPU_BLAS=off: GEMM library search skipped; matmul runs the built-in kernel']);
  });

  test('rocBLAS: FLINT_CUDA_LIBS, then the loader path, then $ROCM_PATH/lib', () => {
    const viaLibs = search(isolated({ FLINT_CUDA_LIBS: dirs.roc }), 1);
    expect(viaLibs.kind).toBe('rocblas');
    expect(fs.realpathSync(viaLibs.path)).toBe(fs.realpathSync(path.join(dirs.roc, 'librocblas.so.4')));
    expect(viaLibs.version).toBe('4.4.0.fake');
    expect(viaLibs.searchLog.join('\n')).toContain(`${dirs.roc}: no librocblas.so.5`);
    if (hostHasRocblas) return;
    const viaRocm = search(isolated({ ROCM_PATH: path.join(tmp, 'rocm') }), 1);
    expect(viaRocm.kind).toBe('rocblas');
    expect(viaRocm.searchLog.join('\n')).toContain('rocBLAS: loader path: librocblas.so.5: not found (');
    expect(viaRocm.searchLog[viaRocm.searchLog.length - 1]).toContain(`rocBLAS: ROCM_PATH: ${dirs.roc}/librocblas.so.4: loaded from`);
    const none = search(isolated({ ROCM_PATH: path.join(tmp, 'no-rocm') }), 1);
    expect(none.kind).toBe('none');
    expect(none.searchLog.join('\n')).toContain(`rocBLAS: ROCM_PATH: ${path.join(tmp, 'no-rocm')}/lib: no such folder`);
  });
});

// ---- on the GPU --------------------------------------------------------------------------------

/** float64 reference of A[b] @ B[b] for row-major [bt, M, K] x [bt, K, N] arrays (bt 1 broadcasts). */
function ref(a: number[], b: number[], ab: number, bb: number, bt: number, M: number, K: number, N: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < bt; t++) {
    const oa = (ab === 1 ? 0 : t) * M * K, ob = (bb === 1 ? 0 : t) * K * N;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[oa + i * K + k] * b[ob + k * N + j];
      out.push(s);
    }
  }
  return out;
}

type Layout = 'row' | 'col' | 'strided';
/** A tensor with logical shape `shape` (last two dims a matrix) holding `values` row-major, stored in `layout`. */
function make(values: number[], shape: number[], dtype: fl.DType, layout: Layout): fl.Tensor {
  const nd = shape.length;
  if (layout === 'row') return fl.tensor(values, { dtype, device: DEVICE }).reshape(shape);
  if (layout === 'col') {
    const swapped = [...shape.slice(0, nd - 2), shape[nd - 1], shape[nd - 2]];
    const base = fl.tensor(values, { dtype, device: DEVICE }).reshape(shape).transpose(-1, -2).contiguous();
    expect(base.shape).toEqual(swapped);
    return base.transpose(-1, -2);  // column-major view: unit row stride
  }
  // neither stride 1: every other element of a twice-as-wide matrix
  const wide = [...shape.slice(0, nd - 1), shape[nd - 1] * 2];
  const n = wide.reduce((p, q) => p * q, 1);
  const big = fl.zeros([n], { dtype, device: DEVICE }).reshape(wide);
  const view = big.slice(-1, 0, shape[nd - 1] * 2, 2);
  view.copy_(fl.tensor(values, { dtype, device: DEVICE }).reshape(shape));
  return view;
}

// These run where DEVICE is a GPU: on a real one, and in `npm test` on the emulator (scripts/test-emu.js runs
// this file twice: with the fake cuBLASLt on FLINT_CUDA_LIBS, and without a library: the built-in kernel).
const gpu = (name: string, body: () => void): void => { if (DEVICE === 'cuda') describe(name, body); };

gpu('GPU matmul: layouts, batches, dtypes (library when found, else the built-in kernel)', () => {
  let info: BlasInfo;
  let logFile = '';
  const lines = (): string[] => (logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l) : []);
  // a library named like the fixture and answering the fake's version: the fake's call log is checked
  const isFake = (): boolean => info.kind === 'cublaslt' && (info.version === '13.1.0' || info.version === '12.4.3');

  beforeAll(() => {
    info = search({}, 2);  // the process's own library (searched now if no matmul ran before)
    // the fake logs its calls into this file when it exists next to it
    if (isFake()) logFile = path.join(path.dirname(info.path), 'fake_cublaslt_calls.log');
  });
  afterAll(() => { if (logFile) fs.rmSync(logFile, { force: true }); });

  const layouts: [Layout, Layout][] = [['row', 'row'], ['col', 'row'], ['row', 'col'], ['col', 'col'], ['strided', 'row'], ['row', 'strided']];
  for (const dtype of ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8'] as fl.DType[]) {
    test(`${dtype}: every operand layout, batched and broadcast`, () => {
      const [rtol, atol] = dtype === 'float16' ? [4e-3, 4e-3] : dtype === 'bfloat16' ? [3e-2, 3e-2] : dtype === 'float32' ? [1e-5, 1e-4] : [1e-12, 1e-12];
      const isInt = dtype === 'int32' || dtype === 'uint8';
      for (const [bt, ab, bb, M, K, N] of [[1, 1, 1, 70, 33, 65], [3, 3, 3, 5, 7, 9], [4, 1, 4, 17, 64, 3], [2, 2, 1, 1, 5, 1]]) {
        for (const [la, lb] of layouts) {
          if (logFile) fs.writeFileSync(logFile, '');
          fl.scope(() => {
            const lo = isInt ? 0 : -2, hi = isInt ? (dtype === 'uint8' ? 4 : 50) : 2;
            let av = randomArray(ab * M * K, 7 + M, lo, hi), bv = randomArray(bb * K * N, 11 + N, lo, hi);
            if (isInt) { av = av.map(Math.floor); bv = bv.map(Math.floor); }
            av = roundTo(av, dtype); bv = roundTo(bv, dtype);
            const A = make(av, ab > 1 || bt > 1 ? [ab, M, K] : [M, K], dtype, la);
            const B = make(bv, bb > 1 || bt > 1 ? [bb, K, N] : [K, N], dtype, lb);
            const out = fl.matmul(A, B);
            let want = ref(av, bv, ab, bb, bt, M, K, N);
            if (dtype === 'uint8') want = want.map((v) => ((v % 256) + 256) % 256);
            if (dtype === 'int32') want = want.map((v) => v | 0);
            const got = Array.from(out.dataSync() as ArrayLike<number>);
            expect(got.length).toBe(want.length);
            const bad = got.findIndex((g, i) => !(Math.abs(g - want[i]) <= atol + rtol * Math.abs(want[i])));
            if (bad >= 0) throw new Error(`${dtype} ${la}/${lb} [${bt}, ${M}, ${K}, ${N}]: element ${bad}: got ${got[bad]}, want ${want[bad]}`);
          });
          const calls = lines();
          if (isFake() && (dtype === 'float32' || dtype === 'float64')) {
            // one library call, C^T = B^T A^T: the library's A is our B (op T when B is column-major)
            expect(calls.length).toBe(1);
            expect(calls[0]).toContain(`m=${N} n=${M} k=${K}`);
            // (a matrix with one row or column reads either way: its flags are not predicted here;
            // general strided views were copied into row-major temporaries)
            if (M > 1 && K > 1 && N > 1) expect(calls[0]).toContain(`transa=${lb === 'col' ? 1 : 0} transb=${la === 'col' ? 1 : 0}`);
            expect(calls[0]).toContain(`batch=${bt}`);
            expect(calls[0]).toContain(`type=${dtype === 'float32' ? 0 : 1}`);
          } else {
            expect(calls).toEqual([]);  // the built-in kernel ran
          }
        }
      }
    });
  }

  test('float32 uses CUBLAS_COMPUTE_32F (68), or 32F_FAST_TF32 (77) only with backends.matmul.allowTF32', () => {
    if (!isFake()) return;
    const run = (): string[] => {
      fs.writeFileSync(logFile, '');
      fl.scope(() => { fl.matmul(fl.ones([4, 8], { device: DEVICE }), fl.ones([8, 3], { device: DEVICE })).dataSync(); });
      return lines();
    };
    expect(run()[0]).toContain('type=0 compute=68 ');
    fl.backends.matmul.allowTF32 = true;
    try {
      expect(run()[0]).toContain('type=0 compute=77 ');
    } finally {
      fl.backends.matmul.allowTF32 = false;
    }
    expect(run()[0]).toContain('type=0 compute=68 ');
  });

  test('bool is a DTypeError naming matmul; empty shapes are fine', () => {
    fl.scope(() => {
      const a = fl.ones([2, 3], { dtype: 'bool', device: DEVICE });
      expect(() => fl.matmul(a, a.transpose(0, 1))).toThrow(fl.DTypeError);
      const e = fl.matmul(fl.ones([0, 3], { device: DEVICE }), fl.ones([3, 4], { device: DEVICE }));
      expect(e.shape).toEqual([0, 4]);
      const z = fl.matmul(fl.ones([2, 0], { device: DEVICE }), fl.ones([0, 4], { device: DEVICE }));
      expect(Array.from(z.dataSync() as Float32Array)).toEqual(new Array(8).fill(0));
    });
  });
});
