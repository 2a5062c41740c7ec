// matmul.test.ts — matmul and friends against a naive float64 triple loop: 1-D to batched N-D
// with broadcasting, transposed (non-contiguous) operands that reach the GEMM without copies,
// odd sizes that cross the built-in GEMM's blocks, K = 0 and empty shapes, every dtype; then the
// same checks in a child process with FLINT_BLAS=builtin, so both GEMM paths are tested.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, expectClose, randomArray, roundTo, unravel } from './helpers';

/** Reference: torch.matmul semantics on flat row-major arrays, in float64. */
function refMatmul(a: number[], as: number[], b: number[], bs: number[]): { out: number[]; shape: number[] } {
  const aVec = as.length === 1, bVec = bs.length === 1;
  const A = aVec ? [1, as[0]] : as, B = bVec ? [bs[0], 1] : bs;
  const M = A[A.length - 2], K = A[A.length - 1], N = B[B.length - 1];
  const ba = A.slice(0, -2), bb = B.slice(0, -2);
  const nd = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < nd; i++) {
    const x = ba[ba.length - nd + i] ?? 1, y = bb[bb.length - nd + i] ?? 1;
    batch.push(Math.max(x, y));
  }
  const nb = batch.reduce((p, q) => p * q, 1);
  const out: number[] = [];
  const off = (shape: number[], idx: number[]) => {
    let o = 0;
    const s = shape.slice(0, -2);
    for (let i = 0; i < s.length; i++) { const j = idx[idx.length - s.length + i]; o = o * s[i] + (s[i] === 1 ? 0 : j); }
    return o;
  };
  for (let bi = 0; bi < nb; bi++) {
    const idx = unravel(bi, batch);
    const oa = off(A, idx) * M * K, ob = off(B, idx) * K * N;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[oa + i * K + k] * b[ob + k * N + j];
      out.push(s);
    }
  }
  return { out, shape: [...batch, ...(aVec ? [] : [M]), ...(bVec ? [] : [N])] };
}

const CASES: [number[], number[]][] = [
  [[3], [3]], [[4], [4, 5]], [[4, 5], [5]], [[2, 3], [3, 4]], [[7, 13], [13, 9]], [[65, 33], [33, 70]],
  [[130, 17], [17, 129]], [[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 6]], [[2, 1, 3, 4], [5, 4, 2]], [[3], [2, 3, 4]],
  [[2, 5, 0], [0, 3]], [[0, 4], [4, 2]], [[1, 1], [1, 1]],
];

describe('matmul against a float64 triple loop', () => {
  for (const dtype of ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8'] as fl.DType[]) {
    test(`${dtype}: shapes, broadcasting, vectors, K = 0`, () => {
      fl.scope(() => {
        CASES.forEach(([as, bs], c) => {
          const na = as.reduce((p, q) => p * q, 1), nb = bs.reduce((p, q) => p * q, 1);
          const int = dtype === 'int32' || dtype === 'uint8';
          const av = int ? randomArray(na, c, 0, 4).map(Math.floor) : roundTo(randomArray(na, c), dtype);
          const bv = int ? randomArray(nb, c + 100, 0, 4).map(Math.floor) : roundTo(randomArray(nb, c + 100), dtype);
          const y = fl.matmul(fl.tensor(av, { dtype, device: DEVICE }).reshape(as), fl.tensor(bv, { dtype, device: DEVICE }).reshape(bs));
          const ref = refMatmul(av, as, bv, bs);
          expect(y.shape).toEqual(ref.shape);
          const K = as[as.length - 1];
          const want = dtype === 'uint8' ? ref.out.map((v) => v % 256) : ref.out;
          expectClose(y, want, dtype, Math.max(1, Math.sqrt(K)));
        });
      });
    });
  }

  test('transposed and strided operands give the same result as contiguous ones', () => {
    fl.scope(() => {
      const a = fl.tensor(randomArray(6 * 5, 1), { dtype: 'float64', device: DEVICE }).reshape(6, 5);
      const b = fl.tensor(randomArray(5 * 4, 2), { dtype: 'float64', device: DEVICE }).reshape(5, 4);
      const ref = refMatmul(Array.from(a.dataSync()), [6, 5], Array.from(b.dataSync()), [5, 4]).out;
      expectClose(fl.matmul(a.T.contiguous().T, b), ref);          // column-major A
      expectClose(fl.matmul(a, b.T.contiguous().T), ref);          // column-major B
      const wide = fl.tensor(randomArray(6 * 10, 3), { dtype: 'float64', device: DEVICE }).reshape(6, 10);
      const strided = wide.slice(1, 0, null, 2);                     // [6, 5] with row stride 10, col stride 2
      const r2 = refMatmul(Array.from(strided.contiguous().dataSync()), [6, 5], Array.from(b.dataSync()), [5, 4]).out;
      expectClose(fl.matmul(strided, b), r2);
      // batch broadcast with a stride-0 batch dim
      const bb = b.unsqueeze(0).expand(3, 5, 4);
      expectClose(fl.matmul(a, bb).select(0, 2), ref);
      expectClose(fl.mm(a, b), ref);
      expectClose(fl.bmm(a.unsqueeze(0), b.unsqueeze(0)).squeeze(0), ref);
      expect(fl.outer(fl.tensor([1, 2], { device: DEVICE }), fl.tensor([3, 4, 5], { device: DEVICE })).toArray()).toEqual([[3, 4, 5], [6, 8, 10]]);
      expect(fl.dot(fl.tensor([1, 2, 3], { device: DEVICE }), fl.tensor([4, 5, 6], { device: DEVICE })).item()).toBe(32);
      expect(fl.mv(fl.tensor([[1, 2], [3, 4]], { device: DEVICE }), fl.tensor([1, 1], { device: DEVICE })).toArray()).toEqual([3, 7]);
    });
  });

  test('bad input: typed errors naming the op and the shapes', () => {
    fl.scope(() => {
      const a = fl.zeros([2, 3], { device: DEVICE });
      expect(() => fl.matmul(a, fl.zeros([4, 2], { device: DEVICE }))).toThrow(/matmul: shapes \[2, 3\] and \[4, 2\] cannot be multiplied/);
      expect(() => fl.matmul(a, fl.zeros([3, 2], { dtype: 'float64', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => fl.matmul(fl.zeros([2, 2], { dtype: 'bool', device: DEVICE }), fl.zeros([2, 2], { dtype: 'bool', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => fl.matmul(fl.tensor(1.5, { device: DEVICE }), a)).toThrow(fl.ShapeError);
      expect(() => fl.matmul(fl.zeros([2, 2, 3]), fl.zeros([3, 3, 2]))).toThrow(fl.ShapeError);
      expect(() => fl.mm(fl.zeros([2]), a)).toThrow(fl.ShapeError);
    });
  });
});

test('the built-in GEMM (FLINT_BLAS=builtin) gives the same results, and its AVX-512 and AVX2 float kernels the same bits', () => {
  const root = path.resolve(__dirname, '..');
  const code = `
    const fl = require(${JSON.stringify(path.join(root, 'dist'))});
    const h = require('crypto').createHash('sha256');
    if (fl.backend.info().blas !== 'builtin') throw new Error('expected the built-in GEMM, got ' + fl.backend.info().blas);
    fl.manualSeed(5);
    let worst = 0;
    for (const [m, k, n, bt] of [[1, 1, 1, 1], [7, 13, 9, 1], [65, 33, 70, 2], [130, 257, 129, 1], [31, 64, 6, 5], [300, 40, 300, 1]]) {
      for (const dtype of ['float32', 'float64']) {
        const a = fl.randn([bt, m, k], { dtype }), b = fl.randn([bt, n, k], { dtype }).transpose(1, 2);
        const y = fl.matmul(a, b).dataSync();
        h.update(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
        const A = a.dataSync(), B = b.contiguous().dataSync();
        for (let q = 0; q < bt; q++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let s = 0, mag = 0;
          for (let t = 0; t < k; t++) { const p = A[(q * m + i) * k + t] * B[(q * k + t) * n + j]; s += p; mag += Math.abs(p); }
          const err = Math.abs(y[(q * m + i) * n + j] - s) / (mag + 1e-30);
          worst = Math.max(worst, dtype === 'float32' ? err / 1e-6 : err / 1e-14);
        }
      }
    }
    console.log(JSON.stringify({ worst, hash: h.digest('hex') }));`;
  const run = (kernel: string | null): { worst: number; hash: string } => {
    const env: NodeJS.ProcessEnv = { ...process.env, FLINT_BLAS: 'builtin' };
    delete env.FLINT_GEMM_KERNEL;
    if (kernel !== null) env.FLINT_GEMM_KERNEL = kernel;
    if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(env.FLINT_ADDON_PATH);
    return JSON.parse(execFileSync(process.execPath, ['-e', code], { env, encoding: 'utf8' }));
  };
  // the CPU's widest kernel (AVX-512 where it has it), the AVX2 one, the portable one
  const [best, avx2, portable] = [run(null), run('avx2'), run('portable')];
  // relative to the sum of |terms|: within a few float32 / float64 roundings per term
  for (const r of [best, avx2, portable]) expect(r.worst).toBeLessThan(10);
  // one fused multiply-add per k in the same order on both x86 kernels: the same bits (float32 and
  // float64; where the CPU lacks AVX-512 both runs are the AVX2 kernel)
  expect(best.hash).toBe(avx2.hash);
});

test("OpenBLAS's kernel family: named from the CPU's ISA while OPENBLAS_CORETYPE is unset, a user's value left alone, the variable gone afterwards", () => {
  const root = path.resolve(__dirname, '..');
  const code = `
    const fl = require(${JSON.stringify(path.join(root, 'dist'))});
    fl.matmul(fl.randn([8, 8]), fl.randn([8, 8])).dataSync();
    console.log(JSON.stringify({ blas: fl.backend.info().blas, search: fl.backend.info().blasSearch, env: process.env.OPENBLAS_CORETYPE ?? null }));`;
  const runWith = (coretype: string | null): { blas: string; search: string; env: string | null } => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.FLINT_BLAS;
    delete env.OPENBLAS_CORETYPE;
    if (coretype !== null) env.OPENBLAS_CORETYPE = coretype;
    if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(env.FLINT_ADDON_PATH);
    return JSON.parse(execFileSync(process.execPath, ['-e', code], { env, encoding: 'utf8' }));
  };
  // what gemm.cpp's CoreTypeHint should pick, from the flags the kernel reports
  let want: string | null = null;
  if (process.arch === 'x64') {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
    const has = (f: string): boolean => line.split(/\s+/).includes(f);
    if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl', 'avx512cd'].every(has)) want = 'SkylakeX';
    else if (has('avx2') && has('fma')) want = 'Haswell';
  }
  const plain = runWith(null);
  expect(plain.env).toBeNull();
  if (want !== null && plain.blas.startsWith('openblas')) expect(plain.search).toContain(`OPENBLAS_CORETYPE unset: ${want} named`);
  else expect(plain.search).not.toContain('OPENBLAS_CORETYPE');
  if (process.arch === 'x64') {
    // Prescott (SSE3) runs on every x86-64
    const user = runWith('Prescott');
    expect(user.env).toBe('Prescott');
    expect(user.search).not.toContain('OPENBLAS_CORETYPE');
  }
});

// The GEMM front (native/cpu/gemm.cpp) keeps the BLAS library single-threaded and cuts a product
// over flintml's pool: by rows of C, by columns, by the inner dimension (each K slice into its own
// buffer, added afterwards) or by batch entries. Each shape below takes one of those cuts at some
// thread count (batches of small matrices too: attention's per-head products, one BLAS call per
// entry); every result is checked against float64 and against the one-thread result.
test('GEMM slices over the thread pool (M, N, K cuts, batches, transposed operands) match float64 at every thread count', () => {
  const threads0 = fl.backend.info().threads;
  // [batch, M, K, N, A stored transposed, B stored transposed]
  const shapes: [number, number, number, number, boolean, boolean][] = [
    [1, 300, 200, 100, false, false], [1, 40, 150, 700, false, true], [1, 16, 20000, 9, false, false],
    [1, 9, 20000, 16, true, false], [1, 12, 30000, 10, true, true], [1, 33, 5000, 17, true, true], [3, 100, 120, 90, false, false],
    [5, 70, 64, 200, true, false], [64, 64, 24, 64, false, true], [300, 4, 5, 3, false, false],
  ];
  try {
    for (const dtype of ['float32', 'float64'] as fl.DType[]) {
      for (const [bt, m, k, n, ta, tb] of shapes) {
        fl.scope(() => {
          const a = ta ? fl.randn([bt, k, m], { dtype }).transpose(1, 2) : fl.randn([bt, m, k], { dtype });
          const b = tb ? fl.randn([bt, n, k], { dtype }).transpose(1, 2) : fl.randn([bt, k, n], { dtype });
          const A = a.contiguous().dataSync(), B = b.contiguous().dataSync();
          const ref = new Float64Array(bt * m * n), mag = new Float64Array(bt * m * n);
          for (let q = 0; q < bt; q++) for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) {
            const av = A[(q * m + i) * k + t];
            const row = (q * k + t) * n, o = (q * m + i) * n;
            for (let j = 0; j < n; j++) { const p = av * B[row + j]; ref[o + j] += p; mag[o + j] += Math.abs(p); }
          }
          let one: Float32Array | Float64Array | null = null;
          for (const nt of [1, 2, 3, 5]) {
            fl.backend.setNumThreads(nt);
            const y = fl.matmul(a, b).dataSync() as Float32Array | Float64Array;
            let worst = 0, vsOne = 0;
            for (let i = 0; i < y.length; i++) {
              worst = Math.max(worst, Math.abs(y[i] - ref[i]) / (mag[i] + 1e-30));
              if (one) vsOne = Math.max(vsOne, Math.abs(y[i] - one[i]) / (mag[i] + 1e-30));
            }
            const unit = dtype === 'float32' ? 1e-6 : 1e-14;  // a few roundings per term, relative to sum |terms|
            if (worst / unit >= 10 || vsOne / unit >= 10)
              throw new Error(`${dtype} [${bt},${m},${k}]x[${k},${n}] ta=${ta} tb=${tb} threads=${nt}: error ${worst}, against one thread ${vsOne}`);
            if (!one) one = y;
          }
        });
      }
    }
  } finally {
    fl.backend.setNumThreads(threads0);
  }
});
