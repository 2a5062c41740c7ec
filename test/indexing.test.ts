// indexing.test.ts — gather, scatter/scatterAdd (+ in place), indexSelect, takeAlongDim,
// maskedSelect, triu/tril. References: naive float64 loops over multi-indices written here, and
// PyTorch 1.13 golden values (test/golden/indexing.json, made by scripts/golden/indexing.py).
// Values are small integers, exact in every dtype, so results must match exactly.
import fc from 'fast-check';
import * as fl from '../lib';
import { DEVICE, expectClose, rng, unravel } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden/indexing.json'), 'utf8'));

type Layout = 'contig' | 'transposed' | 'sliced';
const ALL: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8', 'bool'];

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let r = 0;
  for (let d = 0; d < shape.length; d++) r = r * shape[d] + idx[d];
  return r;
}
function numel(shape: readonly number[]): number { return shape.reduce((a, b) => a * b, 1); }

/** Values in [0, 8) (0/1 for bool): exact in every dtype. */
function values(n: number, seed: number, dtype: fl.DType, hi = 8): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => (dtype === 'bool' ? (r() < 0.5 ? 1 : 0) : Math.floor(r() * hi)));
}

/** A tensor with row-major values `vals` and shape `shape`, laid out as asked (call inside fl.scope). */
function make(vals: number[], shape: number[], dtype: fl.DType, layout: Layout = 'contig'): fl.Tensor {
  const opts = { dtype, device: DEVICE };
  if (layout === 'contig' || shape.length === 0) return fl.tensor(vals, opts).reshape(shape);
  if (layout === 'transposed') {
    const rev = shape.slice().reverse();
    const t = new Array<number>(vals.length);
    for (let i = 0; i < vals.length; i++) t[ravel(unravel(i, shape).reverse(), rev)] = vals[i];
    return fl.tensor(t, opts).reshape(rev).permute(rev.map((_, i) => rev.length - 1 - i));
  }
  // sliced: every other element of a last dim twice as long
  const wide = shape.slice(); wide[wide.length - 1] *= 2;
  const t = new Array<number>(numel(wide)).fill(99);
  for (let i = 0; i < vals.length; i++) { const m = unravel(i, shape); m[m.length - 1] *= 2; t[ravel(m, wide)] = vals[i]; }
  return fl.tensor(t, opts).reshape(wide).slice(-1, 0, null, 2);
}

function data(t: fl.Tensor): number[] { return Array.from(t.dataSync() as ArrayLike<number>); }

/**
 * `f` and a read of its result: a bad index is found by the kernel, which on a GPU reports it at the
 * next synchronization point rather than inside the op call.
 */
function synced(f: () => fl.Tensor): () => void { return () => { f().dataSync(); }; }

function expectExact(t: fl.Tensor, shape: number[], expected: number[], dtype: fl.DType): void {
  expect(t.shape).toEqual(shape);
  expect(t.dtype).toBe(dtype);
  expect(data(t)).toEqual(expected);
}

const arbShape = (minNd = 1) => fc.array(fc.integer({ min: 0, max: 4 }), { minLength: minNd, maxLength: 3 });
const arbDType = fc.constantFrom(...ALL);
const arbLayout = fc.constantFrom<Layout>('contig', 'transposed', 'sliced');

// ---- references --------------------------------------------------------------------------------

function refGather(xv: number[], xs: number[], d: number, iv: number[], is: number[]): number[] {
  return iv.map((v, i) => { const m = unravel(i, is); m[d] = v; return xv[ravel(m, xs)]; });
}

function refScatter(xv: number[], xs: number[], d: number, iv: number[], is: number[], src: number[] | number, ss: number[], add: boolean, dtype: fl.DType): number[] {
  const out = xv.slice();
  for (let i = 0; i < iv.length; i++) {
    const m = unravel(i, is);
    const s = typeof src === 'number' ? src : src[ravel(m, ss)];
    m[d] = iv[i];
    const j = ravel(m, xs);
    out[j] = add ? out[j] + s : s;
    if (dtype === 'bool') out[j] = out[j] ? 1 : 0;
    if (dtype === 'uint8') out[j] &= 255;
  }
  return out;
}

/** index shape for gather/scatter on x: sizes <= x's except along d; values in [0, size(d)). */
function indexFor(xs: number[], d: number, sizes: number[], seed: number): { shape: number[]; vals: number[] } {
  const shape = xs.map((s, i) => (i === d ? sizes[i] % 5 : Math.min(s, sizes[i])));
  if (xs[d] === 0) shape[d] = 0;
  const r = rng(seed);
  return { shape, vals: Array.from({ length: numel(shape) }, () => Math.floor(r() * xs[d])) };
}

// ---- gather ------------------------------------------------------------------------------------

describe('gather', () => {
  test('matches a naive loop for random shapes, dims, dtypes and layouts', () => {
    fc.assert(fc.property(arbShape(), fc.nat(), arbDType, arbLayout, arbLayout, fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), fc.nat(),
      (xs, dimSeed, dtype, lx, li, sizes, seed) => fl.scope(() => {
        const d = dimSeed % xs.length;
        const xv = values(numel(xs), seed, dtype);
        const { shape: is, vals: iv } = indexFor(xs, d, sizes, seed + 1);
        const x = make(xv, xs, dtype, lx), idx = make(iv, is, 'int32', li);
        expectExact(fl.gather(x, d - xs.length, idx), is, refGather(xv, xs, d, iv, is), dtype);
      })), { numRuns: 150 });
  });

  test('method form, 0-dim input and index, empty index', () => fl.scope(() => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    expectExact(x.gather(1, make([2, 0, 1, 1], [2, 2], 'int32')), [2, 2], [3, 1, 5, 5], 'float32');
    const s = make([7], [], 'float32');
    expectExact(fl.gather(s, 0, make([0], [], 'int32')), [], [7], 'float32');
    expectExact(fl.gather(s, -1, make([0, 0], [2], 'int32')), [2], [7, 7], 'float32');
    expectExact(fl.gather(make([1, 2, 3], [3], 'int32'), 0, make([2], [], 'int32')), [], [3], 'int32');
    expectExact(fl.gather(x, 0, make([], [0, 3], 'int32')), [0, 3], [], 'float32');
  }));

  test('bad input: index range, dtype, rank, sizes', () => fl.scope(() => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    expect(synced(() => fl.gather(x, 1, make([0, 3], [1, 2], 'int32')))).toThrow(fl.IndexError);
    expect(synced(() => fl.gather(x, 1, make([0, 3], [1, 2], 'int32')))).toThrow(/gather: index 3 is out of bounds for dim 1 with size 3/);
    expect(synced(() => fl.gather(x, 0, make([-1], [1, 1], 'int32')))).toThrow(/gather: index -1 is out of bounds for dim 0 with size 2/);
    expect(() => fl.gather(x, 1, make([0], [1, 1], 'uint8'))).toThrow(fl.DTypeError);
    expect(() => fl.gather(x, 1, make([1], [1, 1], 'bool'))).toThrow(/gather: index must be an int32 tensor, got bool/);
    expect(() => fl.gather(x, 1, make([0, 1], [2], 'int32'))).toThrow(fl.ShapeError);
    expect(() => fl.gather(x, 1, make([0, 0, 0], [3, 1], 'int32'))).toThrow(/gather: index \[3, 1\] is larger than the input \[2, 3\] in dim 0/);
    expect(() => fl.gather(x, 2, make([0], [1, 1], 'int32'))).toThrow(fl.IndexError);
    expect(synced(() => fl.gather(make([], [2, 0], 'float32'), 1, make([0], [1, 1], 'int32')))).toThrow(/out of bounds for dim 1 with size 0/);
  }));
});

// ---- scatter / scatterAdd --------------------------------------------------------------------------

describe('scatter and scatterAdd', () => {
  test('match a naive loop (tensor src, scalar src, add) for random cases', () => {
    fc.assert(fc.property(arbShape(), fc.nat(), arbDType, arbLayout, arbLayout, fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), fc.nat(), fc.constantFrom('src', 'value', 'add'),
      (xs, dimSeed, dtype, lx, ls, sizes, seed, mode) => fl.scope(() => {
        const d = dimSeed % xs.length;
        const xv = values(numel(xs), seed, dtype);
        let { shape: is, vals: iv } = indexFor(xs, d, sizes, seed + 1);
        if (mode === 'src') {
          // unique indices along d for assignment (PyTorch leaves repeats unspecified): reversed positions
          is = is.slice(); is[d] = Math.min(is[d], xs[d]);
          iv = Array.from({ length: numel(is) }, (_, i) => xs[d] - 1 - unravel(i, is)[d]);
        }
        const ss = is.map((s, i) => s + (i === 0 ? 1 : 0));  // src may be larger than the index
        const sv = values(numel(ss), seed + 2, dtype, mode === 'add' ? 4 : 8);
        const x = make(xv, xs, dtype, lx), idx = make(iv, is, 'int32'), src = make(sv, ss, dtype, ls);
        if (mode === 'value') {
          const v = dtype === 'bool' ? 1 : 5;
          expectExact(fl.scatter(x, d, idx, dtype === 'bool' ? true : v), xs, refScatter(xv, xs, d, iv, is, v, ss, false, dtype), dtype);
        } else if (mode === 'src') {
          expectExact(x.scatter(d, idx, src), xs, refScatter(xv, xs, d, iv, is, sv, ss, false, dtype), dtype);
        } else {
          expectExact(fl.scatterAdd(x, d, idx, src), xs, refScatter(xv, xs, d, iv, is, sv, ss, true, dtype), dtype);
        }
        expect(data(x)).toEqual(xv);  // out of place: input untouched
      })), { numRuns: 150 });
  });

  test('scatterAdd of ones counts the indices (repeats accumulate, large enough to run in parallel)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 3000 }), fc.nat(), (bins, n, seed) => fl.scope(() => {
      const r = rng(seed);
      const iv = Array.from({ length: n }, () => Math.floor(r() * bins));
      const counts = new Array(bins).fill(0);
      for (const v of iv) counts[v]++;
      const out = fl.scatterAdd(fl.zeros([bins], { dtype: 'int32', device: DEVICE }), 0, make(iv, [n], 'int32'), fl.ones([n], { dtype: 'int32', device: DEVICE }));
      expect(data(out)).toEqual(counts);
    })), { numRuns: 30 });
    fl.scope(() => {  // 2-D, many rows: each column counts its own indices
      const rows = 400, cols = 300, r = rng(5);
      const iv = Array.from({ length: rows * cols }, () => Math.floor(r() * 7));
      const out = fl.zeros([7, cols], { dtype: 'float32', device: DEVICE }).scatterAdd(0, make(iv, [rows, cols], 'int32'), fl.ones([rows, cols], { device: DEVICE }));
      const ref = new Array(7 * cols).fill(0);
      iv.forEach((v, i) => { ref[v * cols + (i % cols)]++; });
      expect(data(out)).toEqual(ref);
    });
  });

  test('in place: scatter_ and scatterAdd_ write into the (strided) tensor and return it', () => fl.scope(() => {
    const x = make([0, 0, 0, 0, 0, 0], [2, 3], 'float32', 'transposed');
    const r = x.scatter_(1, make([2, 0], [2, 1], 'int32'), 4);
    expect(r).toBe(x);
    expect(x.toArray()).toEqual([[0, 0, 4], [4, 0, 0]]);
    x.scatterAdd_(0, make([1, 1, 0], [1, 3], 'int32'), make([1, 2, 3], [1, 3], 'float32'));
    expect(x.toArray()).toEqual([[0, 0, 7], [5, 2, 0]]);
    // a failing scatter_ leaves the tensor unchanged (indices are checked before any write)
    expect(synced(() => x.scatter_(1, make([0, 1, 3], [1, 3], 'int32'), 9))).toThrow(fl.IndexError);
    expect(x.toArray()).toEqual([[0, 0, 7], [5, 2, 0]]);
    // 0-dim
    const s = make([1], [], 'float64');
    s.scatter_(0, make([0], [], 'int32'), make([3], [], 'float64'));
    expect(s.item()).toBe(3);
  }));

  test('float16/bfloat16 scatterAdd rounds each step like the dtype; bool adds as or', () => fl.scope(() => {
    const x = make([1, 0], [2], 'bool');
    expect(fl.scatterAdd(x, 0, make([1, 1, 0], [3], 'int32'), make([1, 0, 0], [3], 'bool')).toArray()).toEqual([true, true]);
    // each add rounds to the dtype: 2048 + 1 is 2048 in float16 (256 + 1 is 256 in bfloat16), so the
    // two adds of 1 leave the value where it was, in whichever order they land (accumulating in
    // float32 and rounding once would give 2050 / 258)
    for (const [dtype, big] of [['float16', 2048], ['bfloat16', 256]] as const) {
      const t = fl.scatterAdd(fl.full([1], big, { dtype, device: DEVICE }), 0, make([0, 0], [2], 'int32'), fl.tensor([1, 1], { dtype, device: DEVICE }));
      expect(t.item()).toBe(big);
    }
    // The order of the adds: the CPU adds in index order (2048 + 1 + 1 = 2048); the GPU adds with
    // atomics in no fixed order, as PyTorch's CUDA scatter_add_ (1 + 1 + 2048 = 2050 is as right)
    const h = fl.scatterAdd(fl.zeros([1], { dtype: 'float16', device: DEVICE }), 0, make([0, 0, 0], [3], 'int32'), fl.tensor([2048, 1, 1], { dtype: 'float16', device: DEVICE }));
    if (DEVICE === 'cpu') expect(h.item()).toBe(2048);
    else expect([2048, 2050]).toContain(h.item());
  }));

  test('bad input', () => fl.scope(() => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    const src = make([1, 1, 1, 1, 1, 1], [2, 3], 'float32');
    expect(synced(() => fl.scatter(x, 1, make([0, 3], [1, 2], 'int32'), src))).toThrow(/scatter: index 3 is out of bounds for dim 1 with size 3/);
    expect(synced(() => fl.scatterAdd(x, 0, make([-2], [1, 1], 'int32'), src))).toThrow(fl.IndexError);
    expect(synced(() => fl.scatterAdd(x, 0, make([-2], [1, 1], 'int32'), src))).toThrow(/scatterAdd: index -2/);
    expect(() => fl.scatter(x, 1, make([0], [1, 1], 'bool'), src)).toThrow(fl.DTypeError);
    expect(() => fl.scatter(x, 1, make([0], [1, 1], 'int32'), make([1], [1, 1], 'float64'))).toThrow(/scatter: src dtype float64 must equal the input's dtype float32/);
    expect(() => fl.scatter(x, 1, make([0, 0, 0, 0], [1, 4], 'int32'), make([1, 1, 1], [1, 3], 'float32'))).toThrow(fl.ShapeError);
    expect(() => fl.scatter(x, 1, make([0, 0, 0], [3, 1], 'int32'), 0)).toThrow(/scatter: index \[3, 1\] is larger than the input/);
    expect(() => fl.scatter(x, 1, make([0], [1], 'int32'), 0)).toThrow(fl.ShapeError);
    expect(() => fl.scatterAdd(x, 1, make([0], [1, 1], 'int32'), 1 as any)).toThrow(fl.ValueError);
    const e = fl.zeros([3], { device: DEVICE }).expand([2, 3]);
    expect(() => e.scatter_(0, make([0], [1, 1], 'int32'), 1)).toThrow(/scatter_: .*share memory/);
  }));
});

// ---- indexSelect -----------------------------------------------------------------------------------

describe('indexSelect', () => {
  test('matches a naive loop for random shapes, dims, dtypes, layouts and repeated indices', () => {
    fc.assert(fc.property(arbShape(), fc.nat(), arbDType, arbLayout, fc.integer({ min: 0, max: 6 }), fc.nat(),
      (xs, dimSeed, dtype, lx, n, seed) => fl.scope(() => {
        const d = dimSeed % xs.length;
        if (xs[d] === 0) n = 0;
        const xv = values(numel(xs), seed, dtype);
        const r = rng(seed + 1);
        const iv = Array.from({ length: n }, () => Math.floor(r() * xs[d]));
        const os = xs.slice(); os[d] = n;
        const ref = Array.from({ length: numel(os) }, (_, i) => { const m = unravel(i, os); m[d] = iv[m[d]]; return xv[ravel(m, xs)]; });
        const idx = lx === 'sliced' && n > 0 ? make(iv, [n], 'int32', 'sliced') : make(iv, [n], 'int32');
        expectExact(fl.indexSelect(make(xv, xs, dtype, lx), d, idx), os, ref, dtype);
      })), { numRuns: 150 });
  });

  test('0-dim input and index, large copy', () => fl.scope(() => {
    expectExact(fl.indexSelect(make([5], [], 'float32'), 0, make([0], [1], 'int32')), [], [5], 'float32');
    expectExact(make([1, 2, 3], [3], 'int32').indexSelect(0, make([1], [], 'int32')), [1], [2], 'int32');
    const x = fl.arange(0, 200 * 300, 1, { dtype: 'float32', device: DEVICE }).reshape([200, 300]);
    const out = fl.indexSelect(x, 0, make([199, 0, 7], [3], 'int32'));
    const got = data(out);
    expect(got.slice(0, 3)).toEqual([59700, 59701, 59702]);
    expect(got[300]).toBe(0);
    expect(got[600 + 299]).toBe(7 * 300 + 299);
  }));

  test('bad input', () => fl.scope(() => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    expect(synced(() => fl.indexSelect(x, 1, make([0, 5], [2], 'int32')))).toThrow(/indexSelect: index 5 is out of bounds for dim 1 with size 3/);
    expect(synced(() => fl.indexSelect(x, 0, make([-1], [1], 'int32')))).toThrow(fl.IndexError);
    expect(synced(() => fl.indexSelect(make([], [0, 3], 'float32'), 0, make([0], [1], 'int32')))).toThrow(fl.IndexError);
    expect(() => fl.indexSelect(x, 0, make([0, 1], [1, 2], 'int32'))).toThrow(fl.ShapeError);
    expect(() => fl.indexSelect(x, 0, make([0], [1], 'uint8'))).toThrow(/indexSelect: index must be an int32 tensor, got uint8/);
    expect(() => fl.indexSelect(x, -3, make([0], [1], 'int32'))).toThrow(fl.IndexError);
  }));
});

// ---- takeAlongDim, maskedSelect --------------------------------------------------------------------

describe('takeAlongDim and maskedSelect', () => {
  test('takeAlongDim broadcasts the other dims; without dim it indexes the flattened input', () => fl.scope(() => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3], 'float32', 'transposed');
    expectExact(fl.takeAlongDim(x, make([2, 0], [1, 2], 'int32'), 1), [2, 2], [3, 1, 6, 4], 'float32');
    expectExact(x.takeAlongDim(make([5, 0, 3], [3], 'int32')), [3], [6, 1, 4], 'float32');
    expectExact(fl.takeAlongDim(x, make([1, 0, 1], [1, 3], 'int32'), 0), [1, 3], [4, 2, 6], 'float32');
    // on a GPU the kernel's error surfaces at the read, named by the op that ran (gather)
    expect(synced(() => fl.takeAlongDim(x, make([3], [1, 1], 'int32'), 1))).toThrow(DEVICE === 'cpu' ? /takeAlongDim: .*index 3 is out of bounds/ : /index 3 is out of bounds/);
    expect(() => fl.takeAlongDim(x, make([0], [1], 'int32'), 1)).toThrow(fl.ShapeError);
  }));

  test('maskedSelect matches a naive filter, with broadcasting, all dtypes', () => {
    fc.assert(fc.property(arbShape(), arbDType, arbLayout, fc.boolean(), fc.nat(), (xs, dtype, lx, bcast, seed) => fl.scope(() => {
      const xv = values(numel(xs), seed, dtype);
      const ms = bcast ? [1, ...xs.slice(1)] : xs.slice();
      const mv = values(numel(ms), seed + 1, 'bool');
      const ref: number[] = [];
      xv.forEach((v, i) => { const m = unravel(i, xs); if (bcast) m[0] = 0; if (mv[ravel(m, ms)]) ref.push(v); });
      expectExact(fl.maskedSelect(make(xv, xs, dtype, lx), make(mv, ms, 'bool', lx)), [ref.length], ref, dtype);
    })), { numRuns: 80 });
  });

  test('maskedSelect bad input', () => fl.scope(() => {
    const x = make([1, 2, 3], [3], 'float32');
    expect(() => fl.maskedSelect(x, make([1, 0, 1], [3], 'uint8'))).toThrow(/maskedSelect: mask must be a bool tensor, got uint8/);
    expect(() => fl.maskedSelect(x, make([1, 0], [2], 'bool'))).toThrow(fl.ShapeError);
    expectExact(x.maskedSelect(make([1], [], 'bool')), [3], [1, 2, 3], 'float32');
  }));
});

// ---- triu / tril ---------------------------------------------------------------------------------

describe('triu and tril', () => {
  test('match a naive mask for random batched shapes, diagonals, dtypes and layouts', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: -6, max: 6 }), arbDType, arbLayout, fc.boolean(), fc.nat(),
      (xs, diag, dtype, lx, upper, seed) => fl.scope(() => {
        const xv = values(numel(xs), seed, dtype, 8).map((v) => (dtype === 'bool' ? v : v + 1));
        const nd = xs.length;
        const ref = xv.map((v, i) => { const m = unravel(i, xs); const k = m[nd - 1] - m[nd - 2]; return (upper ? k >= diag : k <= diag) ? v : 0; });
        const x = make(xv, xs, dtype, lx);
        expectExact(upper ? fl.triu(x, diag) : x.tril(diag), xs, ref, dtype);
      })), { numRuns: 150 });
  });

  test('large (parallel) causal mask', () => fl.scope(() => {
    const n = 300;
    const m = fl.tril(fl.ones([2, n, n], { device: DEVICE }));
    const got = data(m);
    let bad = 0;
    for (let i = 0; i < 2 * n * n; i++) { const r = Math.floor(i / n) % n, c = i % n; if (got[i] !== (c <= r ? 1 : 0)) bad++; }
    expect(bad).toBe(0);
  }));

  test('bad input', () => fl.scope(() => {
    expect(() => fl.triu(make([1, 2], [2], 'float32'))).toThrow(/triu: input must have at least 2 dims, got shape \[2\]/);
    expect(() => fl.tril(make([1], [], 'float32'))).toThrow(fl.ShapeError);
    expect(() => fl.tril(make([1], [1, 1], 'float32'), 0.5)).toThrow(fl.ValueError);
  }));
});

// ---- PyTorch golden values -------------------------------------------------------------------------

type Enc = { shape: number[]; dtype: fl.DType; data: (number | boolean | string | null)[] };
const dec = (e: Enc): number[] => e.data.map((v) => (v === null ? NaN : typeof v === 'string' ? (v === 'inf' ? Infinity : -Infinity) : typeof v === 'boolean' ? (v ? 1 : 0) : v));
const input = (e: Enc): fl.Tensor => make(dec(e), e.shape, e.dtype);

describe('PyTorch golden values', () => {
  const cases = (golden as { cases: any[] }).cases.filter((c) => c.op !== 'sort' && c.op !== 'topk');
  test.each(cases.map((c, i) => [`${c.op} #${i}`, c]))('%s', (_name, c: any) => fl.scope(() => {
    let out: fl.Tensor;
    switch (c.op) {
      case 'gather': out = fl.gather(input(c.x), c.dim, input(c.index)); break;
      case 'scatter': out = fl.scatter(input(c.x), c.dim, input(c.index), input(c.src)); break;
      case 'scatterValue': out = fl.scatter(input(c.x), c.dim, input(c.index), c.value); break;
      case 'scatterAdd': out = fl.scatterAdd(input(c.x), c.dim, input(c.index), input(c.src)); break;
      case 'indexSelect': out = fl.indexSelect(input(c.x), c.dim, input(c.index)); break;
      case 'maskedSelect': out = fl.maskedSelect(input(c.x), input(c.mask)); break;
      case 'takeAlongDim': out = fl.takeAlongDim(input(c.x), input(c.index), c.dim); break;
      case 'triu': out = fl.triu(input(c.x), c.diagonal); break;
      case 'tril': out = fl.tril(input(c.x), c.diagonal); break;
      default: throw new Error(`unknown golden op ${c.op}`);
    }
    expect(out.shape).toEqual(c.out.shape);
    expectClose(out, dec(c.out), out.dtype);
  }));
});
