// softmax.test.ts — softmax, logSoftmax, cumsum and cumprod along every dim, over the dtypes they
// accept, on contiguous, permuted and sliced inputs, 0-dim and empty tensors.
// References: naive float64 JS loops written here (integer scans with BigInt, wrapped to int32 as
// documented), PyTorch 1.13 golden values (test/golden/reduce.json), stability and NaN/-inf cases,
// fast-check properties, and typed errors for bad input. Tolerances: helpers.TOL of the output dtype.
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import * as fl from '../lib';
import { DEVICE, Layout, expectClose, makeLayout, randomArray, ravel, testValues, unravel } from './helpers';

const G = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'reduce.json'), 'utf8')).cases;
const opts = (dtype: fl.DType) => ({ dtype, device: DEVICE });
const FLOATS: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16'];

/** Applies rowFn to every line along `dim` of row-major values of `shape`; returns row-major output. */
function alongDim(values: readonly number[], shape: readonly number[], dim: number, rowFn: (row: number[]) => number[]): number[] {
  if (shape.length === 0) return rowFn([values[0]]);
  const out = new Array(values.length);
  const n = shape[dim];
  for (let i = 0; i < values.length; i++) {
    const idx = unravel(i, shape);
    if (idx[dim] !== 0) continue;
    const pos = Array.from({ length: n }, (_, k) => { const j = idx.slice(); j[dim] = k; return ravel(j, shape); });
    const r = rowFn(pos.map((p) => values[p]));
    pos.forEach((p, k) => { out[p] = r[k]; });
  }
  return out;
}

const softmaxRef = (row: number[]) => {
  const m = row.reduce((a, v) => (v > a || Number.isNaN(v) ? v : a), -Infinity);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
};
const logSoftmaxRef = (row: number[]) => {
  const m = row.reduce((a, v) => (v > a || Number.isNaN(v) ? v : a), -Infinity);
  const ls = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return row.map((v) => v - m - ls);
};
function scanRef(row: number[], prod: boolean, isInt: boolean): number[] {
  if (isInt) {
    let acc = prod ? 1n : 0n;
    return row.map((v) => { acc = prod ? acc * BigInt(v) : acc + BigInt(v); return Number(BigInt.asIntN(32, acc)); });
  }
  let acc = prod ? 1 : 0;
  return row.map((v) => (acc = prod ? acc * v : acc + v));
}

const inputs = (n: number, seed: number, dtype: fl.DType, lo = -3, hi = 3) => testValues(n, seed, dtype, lo, hi);
const make = (values: number[], shape: number[], dtype: fl.DType, layout: Layout) => makeLayout(values, shape, dtype, layout, 0);

interface Case {
  name: string;
  dtypes: fl.DType[];
  out: (dt: fl.DType) => fl.DType;
  run: (x: fl.Tensor, dim: number) => fl.Tensor;
  ref: (row: number[], dt: fl.DType) => number[];
  domain?: [number, number];
}
const floatOut = (dt: fl.DType): fl.DType => (fl.isFloating(dt) ? dt : 'float32');
const scanOut = (dt: fl.DType): fl.DType => (fl.isFloating(dt) ? dt : 'int32');
const ALL: fl.DType[] = [...FLOATS, 'int32', 'uint8', 'bool'];

const CASES: Case[] = [
  { name: 'softmax', dtypes: [...FLOATS, 'int32'], out: floatOut, run: (x, d) => fl.softmax(x, d), ref: softmaxRef },
  { name: 'logSoftmax', dtypes: [...FLOATS, 'int32'], out: floatOut, run: (x, d) => x.logSoftmax(d), ref: logSoftmaxRef },
  { name: 'cumsum', dtypes: ALL, out: scanOut, run: (x, d) => x.cumsum(d), ref: (r, dt) => scanRef(r, false, !fl.isFloating(dt)) },
  { name: 'cumprod', dtypes: ALL, out: scanOut, run: (x, d) => fl.cumprod(x, d), ref: (r, dt) => scanRef(r, true, !fl.isFloating(dt)), domain: [0.9, 1.1] },
];

const SHAPES: number[][] = [[], [9], [3, 4, 5], [2, 1, 300], [4, 0, 3], [0]];

describe('along-dim ops against float64 references', () => {
  for (const c of CASES) {
    for (const dt of c.dtypes) {
      test(`${c.name} ${dt}`, () => {
        for (const shape of SHAPES) {
          const n = shape.reduce((a, b) => a * b, 1);
          const vals = inputs(n, 3 + shape.length, dt, ...(c.domain ?? [-3, 3]));
          for (const layout of ['contiguous', 'permuted', 'sliced'] as Layout[]) {
            const dims = shape.length === 0 ? [0, -1] : shape.map((_, i) => i).concat([-1]);
            for (const d of dims) {
              fl.scope(() => {
                const y = c.run(make(vals, shape, dt, layout), d);
                expect(y.shape).toEqual(shape);
                expect(y.dtype).toBe(c.out(dt));
                if (n === 0) return;
                const dd = d < 0 ? d + Math.max(shape.length, 1) : d;
                const ref = alongDim(vals, shape, dd, (r) => c.ref(r, dt));
                // long float scans: the error grows with the running magnitude
                const scale = c.name === 'cumsum' && fl.isFloating(dt) ? 4 : 1;
                expectClose(y, ref, c.out(dt), scale);
              });
            }
          }
        }
      });
    }
  }
});

describe('stability, infinities and NaN', () => {
  test('softmax of large values is finite and exact; logSoftmax keeps the differences', () => {
    fl.scope(() => {
      for (const dt of ['float32', 'float16', 'bfloat16'] as fl.DType[]) {
        const big = dt === 'float32' ? 1000 : 200;
        const x = fl.tensor([big, big + 1, big - 1], opts(dt));
        expectClose(x.softmax(0), softmaxRef([0, 1, -1]), dt);
        expectClose(x.logSoftmax(0), logSoftmaxRef([0, 1, -1]), dt, 4);
      }
    });
  });

  test('-inf entries get probability 0; a row of only -inf gives NaN (as PyTorch); NaN propagates', () => {
    fl.scope(() => {
      const x = fl.tensor([[-Infinity, 0, -Infinity], [-Infinity, -Infinity, -Infinity], [1, NaN, 2]], opts('float32'));
      const s = x.softmax(1).toArray();
      expect(s[0]).toEqual([0, 1, 0]);
      expect(s[1].every(Number.isNaN)).toBe(true);
      expect(s[2].every(Number.isNaN)).toBe(true);
      const l = x.logSoftmax(1).toArray();
      expect(l[0]).toEqual([-Infinity, 0, -Infinity]);
      // the same along dim 0 (the strided, column-block kernel)
      const t = x.T.softmax(0).T.toArray();
      expect(t[0]).toEqual([0, 1, 0]);
      expect(t[2].every(Number.isNaN)).toBe(true);
    });
  });

  test('cumsum/cumprod propagate NaN and wrap int32 (documented)', () => {
    fl.scope(() => {
      expect(fl.tensor([1, NaN, 2]).cumsum(0).toArray().slice(1).every(Number.isNaN)).toBe(true);
      expect(fl.full([3], 2 ** 30, opts('int32')).cumsum(0).toArray()).toEqual([2 ** 30, -(2 ** 31), -(2 ** 30)]);
      expect(fl.tensor([true, true, false, true]).cumsum(0).toArray()).toEqual([1, 2, 2, 3]);
      expect(fl.tensor([3, 4], opts('uint8')).cumprod(0).dtype).toBe('int32');
    });
  });

  test('long rows and wide columns (threads, column blocks) match references', () => {
    fl.scope(() => {
      for (const [r, c] of [[3, 3000], [3000, 3], [40, 700]]) {
        const vals = Array.from(Float32Array.from(randomArray(r * c, r + c, -4, 4)));
        const x = fl.tensor(Float32Array.from(vals), opts('float32')).reshape([r, c]);
        for (const d of [0, 1]) {
          expectClose(x.softmax(d), alongDim(vals, [r, c], d, softmaxRef), 'float32');
          expectClose(x.logSoftmax(d), alongDim(vals, [r, c], d, logSoftmaxRef), 'float32');
          expectClose(x.cumsum(d), alongDim(vals, [r, c], d, (row) => scanRef(row, false, false)), 'float32', 20);
        }
      }
    });
  });

  test('dtype option casts first', () => {
    fl.scope(() => {
      const x = fl.tensor([1, 2, 3], opts('int32'));
      expect(x.softmax(0, 'float64').dtype).toBe('float64');
      expect(x.cumsum(0, 'float32').dtype).toBe('float32');
      expect(x.cumsum(0, 'float32').toArray()).toEqual([1, 3, 6]);
    });
  });
});

describe('PyTorch golden values', () => {
  const x64 = () => fl.tensor(Array.from({ length: 60 }, (_, i) => Math.sin(i * 0.7) * 3), opts('float64')).reshape([3, 4, 5]);
  const cases: [string, (x: fl.Tensor) => fl.Tensor][] = [
    ['softmax_1', (x) => x.softmax(1)],
    ['softmax_m1', (x) => fl.softmax(x, -1)],
    ['log_softmax_0', (x) => x.logSoftmax(0)],
    ['cumsum_1', (x) => x.cumsum(1)],
    ['cumprod_2', (x) => x.cumprod(2)],
  ];
  for (const [name, fn] of cases) {
    test(name, () => {
      fl.scope(() => {
        expectClose(fn(x64()), G[name], 'float64');
        expectClose(fn(x64().float()), G[name], 'float32', 2);
      });
    });
  }
  test('int_cumsum_2', () => {
    fl.scope(() => {
      const xi = fl.tensor(Array.from({ length: 60 }, (_, i) => (i % 7) - 3), opts('int32')).reshape([3, 4, 5]);
      expect(Array.from(xi.cumsum(2).dataSync())).toEqual(G.int_cumsum_2);
    });
  });
});

describe('properties (fast-check)', () => {
  const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 });

  test('softmax rows sum to 1, exp(logSoftmax) == softmax, last cumsum == sum', () => {
    fc.assert(fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), fc.nat(), (shape, seed, k) => {
      const d = k % shape.length;
      fl.scope(() => {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = fl.tensor(inputs(n, seed, 'float64'), opts('float64')).reshape(shape);
        const s = x.softmax(d);
        expectClose(s.sum(d), new Array(n / shape[d]).fill(1), 'float64');
        expectClose(x.logSoftmax(d).exp(), Array.from(s.dataSync()), 'float64');
        const last = x.cumsum(d).narrow(d, shape[d] - 1, 1).squeeze(d);
        expectClose(last, Array.from(x.sum(d).dataSync()), 'float64', 10);
      });
    }), { numRuns: 60 });
  });

  test('softmax is invariant to adding a constant along the dim', () => {
    fc.assert(fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), fc.double({ min: -50, max: 50, noNaN: true }), (shape, seed, c) => {
      fl.scope(() => {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = fl.tensor(inputs(n, seed, 'float64'), opts('float64')).reshape(shape);
        expectClose(x.add(c).softmax(-1), Array.from(x.softmax(-1).dataSync()), 'float64', 1e3);
      });
    }), { numRuns: 40 });
  });
});

describe('bad input', () => {
  test('dim out of range → IndexError naming the op', () => {
    fl.scope(() => {
      const x = fl.zeros([2, 3]);
      expect(() => x.softmax(2)).toThrow(fl.IndexError);
      expect(() => x.softmax(2)).toThrow(/softmax/);
      expect(() => fl.logSoftmax(x, -3)).toThrow(/logSoftmax/);
      expect(() => x.cumsum(5)).toThrow(fl.IndexError);
      expect(() => x.cumprod(-3)).toThrow(/cumprod/);
    });
  });

  test('missing or non-integer dim, non-floating dtype option → ValueError; unknown dtype → DTypeError', () => {
    fl.scope(() => {
      const x = fl.zeros([2, 3]);
      expect(() => (x as any).softmax()).toThrow(fl.ValueError);
      expect(() => x.cumsum(0.5)).toThrow(fl.ValueError);
      expect(() => x.softmax(0, 'int32')).toThrow(fl.ValueError);
      expect(() => x.cumsum(0, 'int64' as any)).toThrow(fl.DTypeError);
      expect(() => fl.softmax(null as any, 0)).toThrow(fl.ValueError);
    });
  });

  test('a disposed tensor → DisposedError', () => {
    const x = fl.zeros([3]);
    x.dispose();
    expect(() => x.softmax(0)).toThrow(fl.DisposedError);
    expect(() => fl.cumsum(x, 0)).toThrow(fl.DisposedError);
  });
});

