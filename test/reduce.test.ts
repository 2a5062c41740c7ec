// reduce.test.ts — reductions (sum, prod, mean, amax/amin, max/min, argmax/argmin, var/std,
// logsumexp, all/any) over every dtype they accept, on contiguous, permuted and sliced inputs,
// 0-dim and empty tensors, with dims none / single / negative / several and keepdim.
// References: naive float64 JS reductions written here (integer sums and products with BigInt,
// wrapped to int32 as documented), PyTorch 1.13 golden values (test/golden/reduce.json, made by
// scripts/golden/reduce.py), fast-check properties, and typed errors for bad input.
// Tolerance: helpers.TOL of the output dtype, applied to |result| + sum |x| for sums (cancellation).
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import * as fl from '../lib';
import { DEVICE, Layout, TOL, makeLayout, randomArray, ravel, testValues, unravel } from './helpers';

const G = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'reduce.json'), 'utf8')).cases;
const opts = (dtype: fl.DType) => ({ dtype, device: DEVICE });
const FLOATS: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16'];

// ---- reference machinery -------------------------------------------------------------------------

/** Groups the row-major values of `shape` by output element; each group in flattened reduced order. */
function groups(values: readonly number[], shape: readonly number[], dims: readonly number[]): { outShape: number[]; groups: number[][] } {
  const keptDims = shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const outShape = keptDims.map((d) => shape[d]);
  const redShape = dims.map((d) => shape[d]);
  const nOut = outShape.reduce((a, b) => a * b, 1);
  const nRed = redShape.reduce((a, b) => a * b, 1);
  const gs: number[][] = Array.from({ length: nOut }, () => new Array(nRed));
  for (let i = 0; i < values.length; i++) {
    const idx = unravel(i, shape);
    gs[ravel(keptDims.map((d) => idx[d]), outShape)][ravel(dims.map((d) => idx[d]), redShape)] = values[i];
  }
  return { outShape, groups: gs };
}

const inputs = (n: number, seed: number, dtype: fl.DType, lo = -2, hi = 2) => testValues(n, seed, dtype, lo, hi);

/** A tensor of `shape` with the given logical values, laid out contiguously or as a view. */
function make(values: number[], shape: number[], dtype: fl.DType, layout: Layout): fl.Tensor {
  const t = makeLayout(values, shape, dtype, layout, 1);
  if (layout === 'permuted' && shape.length >= 2 && values.length > 0) expect(t.isContiguous()).toBe(shape.filter((s) => s > 1).length < 2);
  return t;
}

const sumAbs = (g: number[]) => g.reduce((a, v) => a + Math.abs(v), 0);
const sumOf = (g: number[]) => g.reduce((a, v) => a + v, 0);
const meanOf = (g: number[]) => sumOf(g) / g.length;
function varOf(g: number[], correction: number): number {
  const m = meanOf(g);
  return g.reduce((a, v) => a + (v - m) * (v - m), 0) / Math.max(0, g.length - correction);
}
function lse(g: number[]): number {
  if (g.length === 0) return -Infinity;
  const m = g.reduce((a, v) => (v > a ? v : a), -Infinity);
  if (!Number.isFinite(m)) return m === -Infinity ? -Infinity : g.some(Number.isNaN) ? NaN : m;
  return m + Math.log(g.reduce((a, v) => a + Math.exp(v - m), 0));
}
function firstExtreme(g: number[], isMax: boolean): number {
  let best = 0;
  for (let i = 0; i < g.length; i++) {
    if (Number.isNaN(g[best])) break;
    if (Number.isNaN(g[i]) || (isMax ? g[i] > g[best] : g[i] < g[best])) best = i;
  }
  return best;
}
const wrap32 = (v: bigint) => Number(BigInt.asIntN(32, v));

/** got vs expected with TOL[dtype] relative to |e| + mag (mag: the sum of |x| behind a sum). */
function check(got: ArrayLike<number>, expected: number[], dtype: fl.DType, mags?: number[], what = ''): void {
  expect(got.length).toBe(expected.length);
  const [rtol, atol] = TOL[dtype];
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], g = got[i];
    if (Number.isNaN(e)) { if (!Number.isNaN(g)) throw new Error(`${what} element ${i}: expected NaN, got ${g}`); continue; }
    if (!Number.isFinite(e)) { if (g !== e) throw new Error(`${what} element ${i}: expected ${e}, got ${g}`); continue; }
    const tol = atol + rtol * (Math.abs(e) + (mags ? mags[i] : 0));
    if (!(Math.abs(g - e) <= tol)) throw new Error(`${what} element ${i}: expected ${e}, got ${g} (tol ${tol}, ${dtype})`);
  }
}

// ---- the op table ------------------------------------------------------------------------------------

interface Case {
  name: string;
  dtypes: fl.DType[];
  out: (dt: fl.DType) => fl.DType;
  run: (x: fl.Tensor, dim: number | number[] | undefined, keepdim: boolean) => fl.Tensor;
  ref: (g: number[], dt: fl.DType) => number;
  mag?: (g: number[]) => number;
  domain?: [number, number];
  emptyOk: boolean;  // reduction over nothing is defined
}

const ALL: fl.DType[] = [...FLOATS, 'int32', 'uint8', 'bool'];
const sumOut = (dt: fl.DType): fl.DType => (fl.isFloating(dt) ? dt : 'int32');
const same = (dt: fl.DType) => dt;

const CASES: Case[] = [
  { name: 'sum', dtypes: ALL, out: sumOut, run: (x, d, k) => fl.sum(x, d, k), emptyOk: true, mag: sumAbs,
    ref: (g, dt) => (fl.isFloating(dt) ? sumOf(g) : wrap32(g.reduce((a, v) => a + BigInt(v), 0n))) },
  { name: 'prod', dtypes: ALL, out: sumOut, run: (x, d, k) => x.prod(d, k), emptyOk: true, domain: [0.6, 1.5],
    ref: (g, dt) => (fl.isFloating(dt) ? g.reduce((a, v) => a * v, 1) : wrap32(g.reduce((a, v) => a * BigInt(v), 1n))),
    mag: (g) => g.reduce((a, v) => a * Math.abs(v), 1) * g.length * 1e-3 },
  { name: 'mean', dtypes: FLOATS, out: same, run: (x, d, k) => x.mean(d, k), emptyOk: true, ref: meanOf,
    mag: (g) => sumAbs(g) / Math.max(g.length, 1) },
  { name: 'amax', dtypes: ALL, out: same, run: (x, d, k) => fl.amax(x, d, k), emptyOk: false, ref: (g) => g[firstExtreme(g, true)] },
  { name: 'amin', dtypes: ALL, out: same, run: (x, d, k) => x.amin(d, k), emptyOk: false, ref: (g) => g[firstExtreme(g, false)] },
  { name: 'var', dtypes: FLOATS, out: same, run: (x, d, k) => fl.var(x, d, true, k), emptyOk: true, ref: (g) => varOf(g, 1), mag: (g) => varOf(g, 0) * 1e-3 },
  { name: 'var(correction 0)', dtypes: FLOATS, out: same, run: (x, d, k) => x.var(d, { keepdim: k, correction: 0 }), emptyOk: true,
    ref: (g) => varOf(g, 0) },
  { name: 'std(unbiased false)', dtypes: FLOATS, out: same, run: (x, d, k) => fl.std(x, { dim: d, keepdim: k, unbiased: false }), emptyOk: true,
    ref: (g) => Math.sqrt(varOf(g, 0)) },
  { name: 'std', dtypes: FLOATS, out: same, run: (x, d, k) => x.std(d, { keepdim: k }), emptyOk: true, ref: (g) => Math.sqrt(varOf(g, 1)) },
  { name: 'logsumexp', dtypes: [...FLOATS, 'int32'], out: (dt) => (fl.isFloating(dt) ? dt : 'float32'), run: (x, d, k) => x.logsumexp(d, k),
    emptyOk: true, ref: lse },
  // all/any: bool, but uint8 for uint8 (torch's rule)
  { name: 'all', dtypes: ALL, out: (dt) => (dt === 'uint8' ? 'uint8' : 'bool'), run: (x, d, k) => x.all(d, k), emptyOk: true, ref: (g) => (g.every((v) => v !== 0) ? 1 : 0) },
  { name: 'any', dtypes: ALL, out: (dt) => (dt === 'uint8' ? 'uint8' : 'bool'), run: (x, d, k) => fl.any(x, d, k), emptyOk: true, ref: (g) => (g.some((v) => v !== 0) ? 1 : 0) },
];

const SHAPES: number[][] = [[], [7], [3, 4, 5], [2, 1, 6], [0], [3, 0, 2]];
const DIMS: (number | number[] | undefined)[] = [undefined, 0, -1, 1, [0, 2], [2, 0], [], [1, 2]];

function dimsFor(shape: number[], dim: number | number[] | undefined): number[] | null {
  const nd = shape.length;
  if (dim === undefined || (Array.isArray(dim) && dim.length === 0)) return shape.map((_, i) => i);
  const list = Array.isArray(dim) ? dim : [dim];
  if (nd === 0) return list.every((d) => d === 0 || d === -1) && list.length === 1 ? [] : null;
  if (list.some((d) => d < -nd || d >= nd)) return null;
  return list.map((d) => (d < 0 ? d + nd : d)).sort((a, b) => a - b);
}

describe('reductions against float64 references', () => {
  for (const c of CASES) {
    for (const dt of c.dtypes) {
      test(`${c.name} ${dt}`, () => {
        let n = 0;
        for (const shape of SHAPES) {
          const count = shape.reduce((a, b) => a * b, 1);
          const vals = inputs(count, 11 + shape.length, dt, ...(c.domain ?? [-2, 2]));
          for (const layout of ['contiguous', 'permuted', 'sliced'] as Layout[]) {
            for (const dim of DIMS) {
              const dims = dimsFor(shape, dim);
              if (dims === null) continue;
              if (!c.emptyOk && dims.some((d) => shape[d] === 0)) continue;
              for (const keepdim of [false, true]) {
                fl.scope(() => {
                  const x = make(vals, shape, dt, layout);
                  const y = c.run(x, dim, keepdim);
                  const { outShape, groups: gs } = groups(vals, shape, dims);
                  const what = `${c.name} ${dt} ${layout} shape [${shape}] dim ${JSON.stringify(dim)} keepdim ${keepdim}`;
                  expect({ what, shape: y.shape }).toEqual({ what, shape: keepdim ? shape.map((s, i) => (dims.includes(i) ? 1 : s)) : outShape });
                  expect({ what, dtype: y.dtype }).toEqual({ what, dtype: c.out(dt) });
                  check(y.dataSync(), gs.map((g) => c.ref(g, dt)), c.out(dt), c.mag ? gs.map(c.mag) : undefined, what);
                  n++;
                });
              }
            }
          }
        }
        expect(n).toBeGreaterThan(50);
      });
    }
  }
});

// Reductions over leading dims of a contiguous input with >= 32 kept elements read the input down
// its columns on a GPU (flint_reduce_cols_*: a bias gradient summed over the tokens), where smaller
// cases above take the row kernels; the same references. Rows fewer and more than a block's warps,
// columns a warp's width and not, a row-major [reduced, kept] input of 3 dims.
describe('reductions over leading dims (the GPU column kernel) against float64 references', () => {
  const COL_CASES: [number[], number[]][] = [[[37, 45], [0]], [[3, 40], [0]], [[300, 33], [0]], [[2, 3, 40], [0, 1]], [[5, 64], [0]], [[6, 2, 50], [0]]];
  for (const c of CASES) {
    for (const dt of c.dtypes) {
      test(`${c.name} ${dt}`, () => {
        for (const [shape, dims] of COL_CASES) {
          // a product of 300 values in [0.6, 1.5] leaves float16's range: products over 40 rows at most
          if (c.name === 'prod' && dims.reduce((a, d) => a * shape[d], 1) > 40) continue;
          const count = shape.reduce((a, b) => a * b, 1);
          const vals = inputs(count, 17 + shape[0], dt, ...(c.domain ?? [-2, 2]));
          fl.scope(() => {
            const x = make(vals, shape, dt, 'contiguous');
            const y = c.run(x, dims.length === 1 ? dims[0] : dims, false);
            const { outShape, groups: gs } = groups(vals, shape, dims);
            const what = `${c.name} ${dt} shape [${shape}] dims ${JSON.stringify(dims)}`;
            expect({ what, shape: y.shape }).toEqual({ what, shape: outShape });
            check(y.dataSync(), gs.map((g) => c.ref(g, dt)), c.out(dt), c.mag ? gs.map(c.mag) : undefined, what);
          });
        }
      });
    }
  }
});

describe('max/min/argmax/argmin against first-index references', () => {
  for (const isMax of [true, false]) {
    for (const dt of ALL) {
      test(`${isMax ? 'max' : 'min'} ${dt}`, () => {
        for (const shape of [[7], [3, 4, 5], [2, 1, 6], [4, 0]]) {
          const count = shape.reduce((a, b) => a * b, 1);
          const vals = inputs(count, 5, dt);
          for (const layout of ['contiguous', 'permuted', 'sliced'] as Layout[]) {
            fl.scope(() => {
              const x = make(vals, shape, dt, layout);
              for (let d = -shape.length; d < shape.length; d++) {
                const dd = d < 0 ? d + shape.length : d;
                if (shape[dd] === 0) continue;
                const { groups: gs, outShape } = groups(vals, shape, [dd]);
                const idx = gs.map((g) => firstExtreme(g, isMax));
                for (const keepdim of [false, true]) {
                  const r = isMax ? x.max(d, keepdim) : fl.min(x, { dim: d, keepdim });
                  const want = keepdim ? shape.map((s, i) => (i === dd ? 1 : s)) : outShape;
                  expect(r.values.shape).toEqual(want);
                  expect(r.indices.dtype).toBe('int32');
                  expect(r.values.dtype).toBe(dt);
                  expect(Array.from(r.indices.dataSync())).toEqual(idx);
                  check(r.values.dataSync(), gs.map((g, i) => g[idx[i]]), dt);
                  const a = isMax ? fl.argmax(x, d, keepdim) : x.argmin(d, keepdim);
                  expect(a.shape).toEqual(want);
                  expect(Array.from(a.dataSync())).toEqual(idx);
                }
              }
              if (count > 0) {  // flattened
                const i = firstExtreme(vals, isMax);
                const a = isMax ? x.argmax() : fl.argmin(x);
                expect(a.shape).toEqual([]);
                expect(a.item()).toBe(i);
                expect((isMax ? fl.argmax(x, null, true) : x.argmin(null, true)).shape).toEqual(shape.map(() => 1));
                const m = isMax ? fl.max(x) : x.min();
                expect(m.shape).toEqual([]);
                expect(m.item()).toBe(vals[i]);
              }
            });
          }
        }
      });
    }
  }

  test('0-dim input: max(x, 0) gives the value and index 0', () => {
    fl.scope(() => {
      const x = fl.tensor(2.5, opts('float32'));
      const r = x.max(0);
      expect(r.values.shape).toEqual([]);
      expect(r.values.item()).toBe(2.5);
      expect(r.indices.item()).toBe(0);
      expect(x.argmax().item()).toBe(0);
      expect(x.sum(0).item()).toBe(2.5);
      expect(x.sum(0, true).shape).toEqual([]);
    });
  });

  test('max(x, other) is the elementwise maximum', () => {
    fl.scope(() => {
      const a = fl.tensor([1, 5, 3]), b = fl.tensor([4, 2, 3]);
      expect(fl.max(a, b).toArray()).toEqual([4, 5, 3]);
      expect(a.min(b).toArray()).toEqual([1, 2, 3]);
    });
  });
});

describe('NaN, infinities and empty reductions', () => {
  test('NaN propagates through max/min/argmax/sum; the first NaN wins', () => {
    fl.scope(() => {
      const x = fl.tensor([1, NaN, 7, NaN, -3], opts('float32'));
      expect(x.max().item()).toBeNaN();
      expect(x.min().item()).toBeNaN();
      expect(x.argmax().item()).toBe(1);
      expect(x.argmin().item()).toBe(1);
      expect(x.sum().item()).toBeNaN();
      expect(x.logsumexp().item()).toBeNaN();
      expect(x.any().item()).toBe(1);
      const r = x.reshape([5, 1]).max(0);
      expect(r.values.item()).toBeNaN();
      expect(r.indices.item()).toBe(1);
    });
  });

  test('logsumexp with infinities', () => {
    fl.scope(() => {
      expect(fl.tensor([-Infinity, -Infinity]).logsumexp().item()).toBe(-Infinity);
      expect(fl.tensor([Infinity, 1, Infinity]).logsumexp().item()).toBe(Infinity);
      expect(fl.tensor([-Infinity, 0]).logsumexp().item()).toBeCloseTo(0, 6);
      expect(fl.tensor([1000, 1000], opts('float32')).logsumexp().item()).toBeCloseTo(1000 + Math.log(2), 3);
    });
  });

  test('reductions over nothing: sum 0, prod 1, mean/var NaN, logsumexp -inf, all true, any false', () => {
    fl.scope(() => {
      const e = fl.zeros([0, 3], opts('float32'));
      expect(e.sum(0).toArray()).toEqual([0, 0, 0]);
      expect(e.prod(0).toArray()).toEqual([1, 1, 1]);
      expect(e.mean().item()).toBeNaN();
      expect(e.var(0).toArray().every(Number.isNaN)).toBe(true);
      expect(e.logsumexp(0).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
      expect(e.all().item()).toBe(1);
      expect(e.any().item()).toBe(0);
      expect(e.sum(1).shape).toEqual([0]);
      expect(e.max(1).values.shape).toEqual([0]);
      expect(fl.zeros([0], opts('int32')).sum().dtype).toBe('int32');
    });
  });

  test('var of one element is NaN with correction 1, 0 with correction 0', () => {
    fl.scope(() => {
      const x = fl.tensor([3], opts('float64'));
      expect(x.var().item()).toBeNaN();
      expect(x.var(false).item()).toBe(0);
    });
  });
});

describe('large and strided inputs (vector lanes, column blocks, threads)', () => {
  test('sum/mean of 1M float32 matches float64 to float32 accuracy', () => {
    fl.scope(() => {
      const n = 1 << 20;
      const vals = Array.from(Float32Array.from(randomArray(n, 3, -1, 3)));  // float32-exact inputs
      const x = fl.tensor(Float32Array.from(vals), opts('float32'));
      const ref = sumOf(vals);
      check([x.sum().item()], [ref], 'float32', [sumAbs(vals) * 0.05]);
      expect(Math.abs(x.sum().item() - ref)).toBeLessThan(Math.abs(ref) * 1e-6);
      expect(Math.abs(x.mean().item() - ref / n)).toBeLessThan(Math.abs(ref / n) * 1e-6);
      // an offset view (not 16-aligned, odd length)
      const v = x.slice(0, 3, n - 5);
      const r2 = sumOf(vals.slice(3, n - 5));
      expect(Math.abs(v.sum().item() - r2)).toBeLessThan(Math.abs(r2) * 1e-6);
    });
  });

  test('float16/bfloat16 sums accumulate in float (1M ones sum exactly)', () => {
    fl.scope(() => {
      for (const dt of ['float16', 'bfloat16'] as fl.DType[]) {
        const x = fl.ones([1 << 12, 256], opts(dt));
        expect(x.sum(1).toArray().every((v: number) => v === 256)).toBe(true);
        expect(x.mean().item()).toBe(1);
        expect(x.sum(0).amax().item()).toBe(dt === 'float16' ? 4096 : 4096);
      }
    });
  });

  test('2-D reductions on rows, columns and transposes match references', () => {
    fl.scope(() => {
      // shapes that reach every loop: rows, column blocks (several, and one split over threads),
      // and one long reduction split over threads
      for (const [r, c] of [[100, 300], [300, 100], [3, 5000], [5000, 3], [2, 140000]]) {
        const f32 = Float32Array.from(randomArray(r * c, r));
        const vals = Array.from(f32);
        const x = fl.tensor(f32, opts('float32')).reshape([r, c]);
        for (const [t, rows, cols, at] of [[x, r, c, (i: number, j: number) => vals[i * c + j]], [x.T, c, r, (i: number, j: number) => vals[j * c + i]]] as
          [fl.Tensor, number, number, (i: number, j: number) => number][]) {
          for (const d of [0, 1]) {
            const gs: number[][] = d === 0
              ? Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => at(i, j)))
              : Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => at(i, j)));
            const shape = [rows, cols];
            check(t.sum(d).dataSync(), gs.map(sumOf), 'float32', gs.map(sumAbs), `sum ${shape} dim ${d}`);
            check(t.var(d).dataSync(), gs.map((g) => varOf(g, 1)), 'float32', undefined, `var ${shape} dim ${d}`);
            const idx = gs.map((g) => firstExtreme(g, true));
            const got = t.max(d).indices.dataSync();
            const bad = idx.findIndex((v, i) => got[i] !== v);
            expect({ shape, d, bad }).toEqual({ shape, d, bad: -1 });
            check(t.logsumexp(d).dataSync(), gs.map(lse), 'float32', undefined, `lse ${shape} dim ${d}`);
          }
        }
      }
    });
  });

  test('argmax over a long run finds the first maximum in any block, and the first NaN', () => {
    fl.scope(() => {
      const n = 3_000_001;
      const vals = new Float32Array(n);
      for (let i = 0; i < n; i++) vals[i] = (i % 1000) / 1000;
      vals[2_500_123] = 5; vals[2_900_000] = 5;
      const x = fl.tensor(vals, opts('float32'));
      expect(x.argmax().item()).toBe(2_500_123);
      expect(x.argmin().item()).toBe(0);
      expect(x.max().item()).toBe(5);
      vals[2_000_000] = NaN; vals[2_700_000] = NaN;
      const y = fl.tensor(vals, opts('float32'));
      expect(y.argmax().item()).toBe(2_000_000);
      expect(y.amax().item()).toBeNaN();
    });
  });

  test('integer sums wrap like int32 (documented), bool sums count', () => {
    fl.scope(() => {
      const x = fl.full([4], 2 ** 30, opts('int32'));
      expect(x.sum().item()).toBe(0);
      expect(fl.tensor([true, false, true, true]).sum().item()).toBe(3);
      expect(fl.tensor([200, 100], opts('uint8')).sum().item()).toBe(300);
    });
  });
});

describe('PyTorch golden values', () => {
  const x64 = () => fl.tensor(Array.from({ length: 60 }, (_, i) => Math.sin(i * 0.7) * 3), opts('float64')).reshape([3, 4, 5]);
  const xi = () => fl.tensor(Array.from({ length: 60 }, (_, i) => (i % 7) - 3), opts('int32')).reshape([3, 4, 5]);
  const cases: [string, (x: fl.Tensor, i: fl.Tensor) => fl.Tensor][] = [
    ['sum', (x) => x.sum()],
    ['sum_1', (x) => x.sum(1)],
    ['sum_02_keep', (x) => x.sum([0, 2], true)],
    ['mean_m1', (x) => x.mean(-1)],
    ['prod_2', (x) => x.prod(2)],
    ['var_1', (x) => x.var(1)],
    ['var_02_c0', (x) => x.var([0, 2], { unbiased: false })],
    ['std_0', (x) => x.std(0)],
    ['logsumexp_2', (x) => x.logsumexp(2)],
    ['amax_01', (x) => x.amax([0, 1])],
    ['max_1_values', (x) => x.max(1).values],
    ['max_1_indices', (x) => x.max(1).indices],
    ['argmin', (x) => x.argmin()],
    ['argmax_2', (x) => x.argmax(2)],
    ['int_sum_1', (_, i) => i.sum(1)],
    ['int_argmax_0', (_, i) => i.argmax(0)],
    ['int_prod_2', (_, i) => i.prod(2)],
  ];
  for (const [name, fn] of cases) {
    test(name, () => {
      fl.scope(() => {
        for (const dt of ['float64', 'float32'] as fl.DType[]) {
          const y = fn(x64().to(dt), xi());
          const tolDt = y.dtype === 'float64' || y.dtype === 'float32' ? y.dtype : 'int32';
          check(y.dataSync(), G[name], tolDt, undefined, name);
        }
      });
    });
  }
});

describe('properties (fast-check)', () => {
  const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

  test('sum over [a, b] equals sum over b then a; mean * n equals sum', () => {
    fc.assert(fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), fc.nat(), fc.nat(), (shape, seed, p, q) => {
      const nd = shape.length;
      const a = p % nd, b = q % nd;
      fl.scope(() => {
        const n = shape.reduce((u, v) => u * v, 1);
        const x = fl.tensor(inputs(n, seed, 'float64'), opts('float64')).reshape(shape);
        if (a !== b) {
          const both = x.sum([a, b]);
          const hi = Math.max(a, b), lo = Math.min(a, b);
          const twice = x.sum(hi).sum(lo);
          check(both.dataSync(), Array.from(twice.dataSync()), 'float64', undefined, 'sum [a,b]');
        }
        const cnt = shape[a];
        check(x.mean(a).mul(cnt).dataSync(), Array.from(x.sum(a).dataSync()), 'float64', undefined, 'mean * n');
      });
    }), { numRuns: 60 });
  });

  test('reductions of a permuted tensor equal the permuted reductions', () => {
    fc.assert(fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), fc.nat(), (shape, seed, k) => {
      const nd = shape.length;
      const perm = shape.map((_, i) => i).sort((u, v) => ((u * 7 + k) % 5) - ((v * 7 + k) % 5));
      const d = k % nd;
      fl.scope(() => {
        const n = shape.reduce((u, v) => u * v, 1);
        const x = fl.tensor(inputs(n, seed, 'float64'), opts('float64')).reshape(shape);
        const xp = x.permute(perm);
        const dp = perm.indexOf(d);  // dim d of x is dim dp of xp
        // keepdim results: permuting x's result gives xp's result
        for (const f of [(t: fl.Tensor, dd: number) => t.sum(dd, true), (t: fl.Tensor, dd: number) => t.amax(dd, true),
          (t: fl.Tensor, dd: number) => t.var(dd, { keepdim: true, correction: 0 })]) {
          const want = Array.from(f(x, d).permute(perm).contiguous().dataSync());
          check(f(xp, dp).dataSync(), want, 'float64', undefined, 'permuted');
        }
        const rest = perm.filter((i) => i !== d).map((i) => (i > d ? i - 1 : i));  // x's dims, in xp's order
        expect(xp.argmax(dp).permute(rest.map((_, j) => rest.indexOf(j))).contiguous().toArray())
          .toEqual(x.argmax(d).toArray());
      });
    }), { numRuns: 60 });
  });
});

describe('bad input', () => {
  test('dim out of range → IndexError naming the op', () => {
    fl.scope(() => {
      const x = fl.zeros([2, 3]);
      expect(() => x.sum(2)).toThrow(fl.IndexError);
      expect(() => x.sum(2)).toThrow(/sum/);
      expect(() => fl.mean(x, -3)).toThrow(fl.IndexError);
      expect(() => x.max(5)).toThrow(/max/);
      expect(() => x.argmax(-3)).toThrow(fl.IndexError);
      expect(() => x.var([0, 7])).toThrow(fl.IndexError);
    });
  });

  test('mean/var/std of integers → DTypeError; mean with dtype works', () => {
    fl.scope(() => {
      const x = fl.tensor([1, 2, 3, 4], opts('int32'));
      expect(() => x.mean()).toThrow(fl.DTypeError);
      expect(() => x.mean()).toThrow(/mean.*int32/);
      expect(() => x.var()).toThrow(fl.DTypeError);
      expect(() => fl.std(fl.tensor([true]))).toThrow(fl.DTypeError);
      expect(x.mean({ dtype: 'float32' }).item()).toBe(2.5);
      expect(x.sum({ dtype: 'float64' }).dtype).toBe('float64');
    });
  });

  test('max/min/argmax over an empty dim → IndexError; without dim on empty input → ValueError / IndexError', () => {
    fl.scope(() => {
      const e = fl.zeros([0, 3]);
      expect(() => e.max(0)).toThrow(fl.IndexError);
      expect(() => e.amin(0)).toThrow(fl.IndexError);
      expect(() => e.argmax(0)).toThrow(fl.IndexError);
      expect(() => e.max()).toThrow(fl.ValueError);
      expect(() => e.argmax()).toThrow(fl.IndexError);
    });
  });

  test('repeated dims, non-integer dims, bad keepdim and bad options → ValueError', () => {
    fl.scope(() => {
      const x = fl.zeros([2, 3]);
      expect(() => x.sum([1, -1])).toThrow(fl.ValueError);
      expect(() => x.sum(0.5)).toThrow(fl.ValueError);
      expect(() => x.sum(0, 'yes' as any)).toThrow(fl.ValueError);
      expect(() => x.max([0, 1] as any)).toThrow(fl.ValueError);
      expect(() => x.var(0, { correction: 1, unbiased: true })).toThrow(fl.ValueError);
      expect(() => fl.sum('x' as any)).toThrow(fl.ValueError);
    });
  });

  test('a disposed tensor → DisposedError', () => {
    const x = fl.zeros([3]);
    x.dispose();
    expect(() => x.sum()).toThrow(fl.DisposedError);
    expect(() => fl.argmax(x)).toThrow(fl.DisposedError);
  });
});

describe('what the reductions keep for backward', () => {
  test('sum and mean save nothing: the reduced tensor is freed with its scope, before backward', () => {
    const w = fl.ones([1], { requiresGrad: true });
    for (const red of ['sum', 'mean'] as const) {
      const before = fl.memory.stats('cpu').allocatedBytes;
      // add saves no operand; the [65536] float32 sum of w and a constant is freed when the scope ends
      const loss = fl.scope(() => fl.add(w, fl.zeros([1 << 16]))[red]());
      expect(fl.memory.stats('cpu').allocatedBytes - before).toBeLessThan(4096);
      loss.backward();
      expect(w.grad!.item()).toBeCloseTo(red === 'sum' ? 65536 : 1, 6);
      loss.dispose(); w.grad!.dispose(); w.grad = null;
    }
    w.dispose();
  });
});

describe('what cumsum keeps for backward', () => {
  test('nothing: its gradient is the reversed cumsum of the incoming one', () => {
    const w = fl.ones([1], { requiresGrad: true });
    const before = fl.memory.stats('cpu').allocatedBytes;
    // the [65536] cumsum is freed when the scope ends (only the scalar loss is kept)
    const loss = fl.scope(() => fl.add(w, fl.zeros([1 << 16])).cumsum(0).sum());
    expect(fl.memory.stats('cpu').allocatedBytes - before).toBeLessThan(4096);
    loss.backward();
    expect(w.grad!.item()).toBe(65536 * 65537 / 2);
    loss.dispose(); w.dispose();
  });
});
