// sort.test.ts — sort, argsort, topk. Reference: a naive stable sort of each slice in JS (NaN as
// the largest value, ties in index order — what PyTorch's stable sort gives) and PyTorch 1.13
// golden values (test/golden/indexing.json). Values are exact in their dtype, so results must
// match exactly, indices included.
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, rng, unravel } from './helpers';

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden/indexing.json'), 'utf8'));
const ALL: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8', 'bool'];
const FLOATS = new Set<fl.DType>(['float32', 'float64', 'float16', 'bfloat16']);

function numel(shape: readonly number[]): number { return shape.reduce((a, b) => a * b, 1); }
function ravel(idx: readonly number[], shape: readonly number[]): number {
  let r = 0;
  for (let d = 0; d < shape.length; d++) r = r * shape[d] + idx[d];
  return r;
}
function data(t: fl.Tensor): number[] { return Array.from(t.dataSync() as ArrayLike<number>); }

/** Small values with many ties; floats also get NaN, ±inf and -0. */
function values(n: number, seed: number, dtype: fl.DType): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    if (dtype === 'bool') return r() < 0.5 ? 1 : 0;
    const u = r();
    if (FLOATS.has(dtype)) {
      if (u < 0.06) return NaN;
      if (u < 0.09) return Infinity;
      if (u < 0.12) return -Infinity;
      if (u < 0.15) return -0;
      return Math.floor(r() * 16) - 8 + (r() < 0.5 ? 0.5 : 0);
    }
    return dtype === 'uint8' ? Math.floor(u * 256) : Math.floor(u * 20) - 10;
  });
}

function make(vals: number[], shape: number[], dtype: fl.DType, transposed = false): fl.Tensor {
  const opts = { dtype, device: DEVICE };
  if (!transposed || shape.length < 2) return fl.tensor(vals, opts).reshape(shape);
  const rev = shape.slice().reverse();
  const t = new Array<number>(vals.length);
  for (let i = 0; i < vals.length; i++) t[ravel(unravel(i, shape).reverse(), rev)] = vals[i];
  return fl.tensor(t, opts).reshape(rev).permute(rev.map((_, i) => rev.length - 1 - i));
}

/** NaN-largest comparison; ties broken by index (a stable sort). */
function cmp(a: [number, number], b: [number, number], desc: boolean): number {
  const na = Number.isNaN(a[0]), nb = Number.isNaN(b[0]);
  let c = na && nb ? 0 : na ? 1 : nb ? -1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
  if (desc) c = -c;
  return c !== 0 ? c : a[1] - b[1];
}

/** Reference: the first k of the stable sort of every slice along d → values, indices (row-major). */
function refSort(xv: number[], shape: number[], d: number, desc: boolean, k = shape.length ? shape[d] : 1): { values: number[]; indices: number[]; shape: number[] } {
  if (shape.length === 0) return { values: xv.slice(), indices: [0], shape: [] };
  const os = shape.slice(); os[d] = k;
  const values = new Array<number>(numel(os)), indices = new Array<number>(numel(os));
  const outerShape = shape.slice(); outerShape[d] = 1;
  for (let s = 0; s < numel(outerShape); s++) {
    const m = unravel(s, outerShape);
    const row: [number, number][] = [];
    for (let j = 0; j < shape[d]; j++) { m[d] = j; row.push([xv[ravel(m, shape)], j]); }
    row.sort((a, b) => cmp(a, b, desc));
    for (let j = 0; j < k; j++) { m[d] = j; values[ravel(m, os)] = row[j][0]; indices[ravel(m, os)] = row[j][1]; }
  }
  return { values, indices, shape: os };
}

/** Values compare with NaN == NaN and -0 == 0 (the sort does not order them). */
function sameValues(got: number[], want: number[]): void {
  expect(got.map((v) => (Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v))).toEqual(want.map((v) => (Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v)));
}

const arbShape = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 3 });

describe('sort and argsort', () => {
  test('match a stable reference sort for random shapes, dims, dtypes and layouts', () => {
    fc.assert(fc.property(arbShape, fc.nat(), fc.constantFrom(...ALL), fc.boolean(), fc.boolean(), fc.nat(),
      (shape, dimSeed, dtype, desc, transposed, seed) => fl.scope(() => {
        const d = shape.length ? dimSeed % shape.length : 0;
        const xv = make(values(numel(shape), seed, dtype), shape, dtype).to('float64').dataSync();
        const x = make(Array.from(xv), shape, dtype, transposed);
        const ref = refSort(Array.from(xv), shape, d, desc);
        const { values: v, indices: i } = desc ? x.sort(d, true) : fl.sort(x, d - Math.max(shape.length, 1));
        expect(v.shape).toEqual(shape); expect(v.dtype).toBe(dtype);
        expect(i.shape).toEqual(shape); expect(i.dtype).toBe('int32');
        sameValues(data(v), ref.values);
        expect(data(i)).toEqual(ref.indices);
        expect(data(fl.argsort(x, d, desc))).toEqual(ref.indices);
      })), { numRuns: 200 });
  });

  test('properties: values non-decreasing, indices a permutation that gathers the values', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 300 }), fc.nat(), (rows, n, seed) => fl.scope(() => {
      const r = rng(seed);
      const x = fl.tensor(Array.from({ length: rows * n }, () => r() * 2 - 1), { device: DEVICE }).reshape([rows, n]);
      const { values: v, indices: i } = x.sort();
      const vv = data(v), iv = data(i);
      let bad = 0;
      for (let row = 0; row < rows; row++) {
        const seen = new Uint8Array(n);
        for (let j = 0; j < n; j++) {
          if (j > 0 && !(vv[row * n + j - 1] <= vv[row * n + j])) bad++;
          const k = iv[row * n + j];
          if (k >= 0 && k < n) seen[k]++;
        }
        for (let j = 0; j < n; j++) if (seen[j] !== 1) bad++;
      }
      expect(bad).toBe(0);
      expect(data(fl.gather(x, 1, i))).toEqual(vv);
    })), { numRuns: 25 });
  });

  test('large input (parallel over rows, and along a non-last dim)', () => fl.scope(() => {
    const rows = 16, n = 3000, r = rng(3);
    const xv = Array.from({ length: rows * n }, () => Math.floor(r() * 1000) / 8);
    const x = fl.tensor(xv, { dtype: 'float64', device: DEVICE }).reshape([rows, n]);
    const ref = refSort(xv, [rows, n], 1, true);
    const { values: v, indices: i } = x.sort(1, true);
    expect(data(v)).toEqual(ref.values);
    expect(data(i)).toEqual(ref.indices);
    const ref0 = refSort(xv, [rows, n], 0, false);
    expect(data(fl.argsort(x, 0))).toEqual(ref0.indices);
  }));

  // On a GPU, rows of more than 4096 elements (2048 for float64) are sorted as tiles in shared memory
  // and merged in global memory; short rows are packed several to a block. Both must stay stable.
  test('long rows (tiles + merges on a GPU) and many short rows, with ties, NaN, ±inf and -0', () => fl.scope(() => {
    const cases: [fl.DType, number[], number][] = [
      ['float32', [2, 9000], 1], ['int32', [2, 5000, 2], 1], ['bfloat16', [4097], 0], ['float64', [4500, 1], 0],
      ['uint8', [700, 3], 1], ['float16', [50, 33], 1], ['bool', [300, 1], 1], ['float32', [3, 7, 5], 1],
    ];
    let seed = 100;
    for (const [dtype, shape, d] of cases) {
      const xv = Array.from(make(values(numel(shape), seed++, dtype), shape, dtype).to('float64').dataSync());
      const x = make(xv, shape, dtype);
      for (const desc of [false, true]) {
        const ref = refSort(xv, shape, d, desc);
        const r = fl.sort(x, d, desc);
        sameValues(data(r.values), ref.values);
        expect(data(r.indices)).toEqual(ref.indices);
      }
      const k = Math.min(5, shape[d]);
      const top = refSort(xv, shape, d, true, k);
      const t = fl.topk(x, k, d);
      sameValues(data(t.values), top.values);
      expect(data(t.indices)).toEqual(top.indices);
    }
  }));

  test('NaN sorts last ascending and first descending; 0-dim and empty inputs', () => fl.scope(() => {
    const x = fl.tensor([2, NaN, -1, NaN, Infinity], { dtype: 'float16', device: DEVICE });
    sameValues(data(x.sort().values), [-1, 2, Infinity, NaN, NaN]);
    expect(data(x.sort().indices)).toEqual([2, 0, 4, 1, 3]);
    expect(data(x.sort(0, true).indices)).toEqual([1, 3, 4, 0, 2]);
    const s = fl.tensor(3, { device: DEVICE });
    const r = s.sort(-1);
    expect(r.values.shape).toEqual([]); expect(r.values.item()).toBe(3); expect(r.indices.item()).toBe(0);
    const e = fl.zeros([3, 0], { device: DEVICE });
    expect(e.sort().values.shape).toEqual([3, 0]);
    expect(e.sort(0).indices.shape).toEqual([3, 0]);
  }));

  test('bad input', () => fl.scope(() => {
    const x = fl.zeros([2, 3], { device: DEVICE });
    expect(() => fl.sort(x, 2)).toThrow(fl.IndexError);
    expect(() => fl.sort(x, 2)).toThrow(/sort: dim 2 out of range/);
    expect(() => fl.sort(x, 0, 1 as any)).toThrow(fl.ValueError);
    expect(() => fl.argsort(x, -3)).toThrow(fl.IndexError);
    expect(() => fl.sort(null as any)).toThrow(/sort: expected a Tensor/);
  }));
});

describe('topk', () => {
  test('equals the first k of a stable sort (descending for largest) for random inputs', () => {
    fc.assert(fc.property(arbShape, fc.nat(), fc.nat(), fc.constantFrom(...ALL), fc.boolean(), fc.boolean(), fc.nat(),
      (shape, dimSeed, kSeed, dtype, largest, transposed, seed) => fl.scope(() => {
        const d = shape.length ? dimSeed % shape.length : 0;
        const n = shape.length ? shape[d] : 1;
        const k = kSeed % (n + 1);
        const xv = Array.from(make(values(numel(shape), seed, dtype), shape, dtype).to('float64').dataSync());
        const x = make(xv, shape, dtype, transposed);
        const ref = refSort(xv, shape, d, largest, k);
        const { values: v, indices: i } = largest ? fl.topk(x, k, d) : x.topk(k, d, false);
        expect(v.shape).toEqual(ref.shape); expect(v.dtype).toBe(dtype); expect(i.dtype).toBe('int32');
        sameValues(data(v), ref.values);
        expect(data(i)).toEqual(ref.indices);
        // unsorted: the same set of (index, value) pairs per slice, in any order
        const u = fl.topk(x, k, d, largest, false);
        if (shape.length > 0 && numel(ref.shape) > 0) {
          const sorted = fl.sort(u.indices, d);
          const us = refSort(ref.indices, ref.shape, d, false);
          expect(data(sorted.values)).toEqual(us.values);
          sameValues(data(fl.takeAlongDim(x, sorted.values, d)), us.values.map((j, p) => xv[ravel((() => { const m = unravel(p, ref.shape); m[d] = j; return m; })(), shape)]));
        }
      })), { numRuns: 200 });
  });

  test('small k of long rows (the heap path) with ties and NaN', () => {
    fc.assert(fc.property(fc.integer({ min: 16, max: 300 }), fc.nat(), fc.constantFrom<fl.DType>('float32', 'float16', 'int32', 'uint8', 'bool'), fc.boolean(), fc.boolean(), fc.nat(),
      (n, kSeed, dtype, largest, sorted, seed) => fl.scope(() => {
        const k = 1 + (kSeed % Math.floor(n / 16));
        const xv = Array.from(make(values(2 * n, seed, dtype), [2, n], dtype).to('float64').dataSync());
        const x = make(xv, [2, n], dtype);
        const ref = refSort(xv, [2, n], 1, largest, k);
        const r = fl.topk(x, k, 1, largest, sorted);
        if (sorted) {
          sameValues(data(r.values), ref.values);
          expect(data(r.indices)).toEqual(ref.indices);
        } else {
          const si = fl.sort(r.indices, 1).values;
          expect(data(si)).toEqual(refSort(ref.indices, [2, k], 1, false).values);
        }
      })), { numRuns: 60 });
  });

  test('large rows (nth_element path, parallel)', () => fl.scope(() => {
    const rows = 24, n = 4000, k = 10, r = rng(11);
    const xv = Array.from({ length: rows * n }, () => Math.floor(r() * 4096) / 16);
    const x = fl.tensor(xv, { device: DEVICE }).reshape([rows, n]);
    const ref = refSort(xv, [rows, n], 1, true, k);
    const { values: v, indices: i } = x.topk(k);
    expect(data(v)).toEqual(ref.values);
    expect(data(i)).toEqual(ref.indices);
    expect(data(fl.takeAlongDim(x, i, 1))).toEqual(ref.values);
    const big = refSort(xv, [rows, n], 1, false, 1000);
    const b = x.topk(1000, 1, false);
    expect(data(b.values)).toEqual(big.values);
    expect(data(b.indices)).toEqual(big.indices);
  }));

  test('k = 0, k = n, 0-dim, NaN counts as largest', () => fl.scope(() => {
    const x = fl.tensor([[1, NaN, 3], [5, 4, 6]], { device: DEVICE });
    expect(fl.topk(x, 0).values.shape).toEqual([2, 0]);
    expect(data(fl.topk(x, 3).indices)).toEqual([1, 2, 0, 2, 0, 1]);
    sameValues(data(fl.topk(x, 1).values), [NaN, 6]);
    expect(data(fl.topk(x, 1, 1, false).values)).toEqual([1, 4]);
    for (const k of [0, 1]) {
      const s = fl.topk(fl.tensor(2.5, { device: DEVICE }), k);
      expect(s.values.shape).toEqual([]); expect(s.values.item()).toBe(2.5); expect(s.indices.item()).toBe(0);
    }
    expect(() => fl.topk(fl.tensor(2.5, { device: DEVICE }), 2)).toThrow(fl.IndexError);
  }));

  test('bad input', () => fl.scope(() => {
    const x = fl.zeros([2, 3], { device: DEVICE });
    expect(() => fl.topk(x, 4)).toThrow(fl.IndexError);
    expect(() => fl.topk(x, 4)).toThrow(/topk: k 4 is out of range for dim 1 of size 3/);
    expect(() => fl.topk(x, -1)).toThrow(fl.IndexError);
    expect(() => fl.topk(x, 1.5)).toThrow(fl.ValueError);
    expect(() => fl.topk(x, 1, 2)).toThrow(fl.IndexError);
    expect(() => fl.topk(x, 1, 0, 'yes' as any)).toThrow(fl.ValueError);
  }));
});

// ---- PyTorch golden values -------------------------------------------------------------------------

type Enc = { shape: number[]; dtype: fl.DType; data: (number | boolean | string | null)[] };
const dec = (e: Enc): number[] => e.data.map((v) => (v === null ? NaN : typeof v === 'string' ? (v === 'inf' ? Infinity : -Infinity) : typeof v === 'boolean' ? (v ? 1 : 0) : v));

describe('PyTorch golden values', () => {
  const cases = (golden as { cases: any[] }).cases.filter((c) => c.op === 'sort' || c.op === 'topk');
  test.each(cases.map((c, i) => [`${c.op} #${i}`, c]))('%s', (_name, c: any) => fl.scope(() => {
    const x = make(dec(c.x), c.x.shape, c.x.dtype);
    const r = c.op === 'sort' ? fl.sort(x, c.dim, c.descending, true) : fl.topk(x, c.k, c.dim, c.largest);
    expect(r.values.shape).toEqual(c.values.shape);
    sameValues(data(r.values), dec(c.values));
    expect(data(r.indices)).toEqual(dec(c.indices));
  }));
});
