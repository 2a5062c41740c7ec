// everyday-api.test.ts — the small PyTorch-isms: tuple results of max/min/sort/topk, size(dim),
// t(), tolist(), long() (int32 with an OverflowError), repeat, roll, zeroGrad({ setToNone }),
// and the decision on callable modules. References: naive float64 loops written here (repeat,
// roll, the argmax of each row), PyTorch's documented results worked by hand, and central finite
// differences in float64 (gradcheck) for the gradients.
import * as fl from '../lib';
import { gradcheck } from '../lib/gradcheck';
import { DEVICE, randomArray, ravel, unravel } from './helpers';

const dev = { device: DEVICE };
const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

describe('values/indices results destructure like PyTorch tuples', () => {
  test('max/min(dim), sort, topk: [values, indices] and .values/.indices are the same tensors', () => {
    fl.scope(() => {
      const rows = [[3, 9, 1], [7, 2, 8]];
      const x = fl.tensor(rows, dev);
      const r = x.max(1);
      const [values, indices] = r;
      expect(values).toBe(r.values);
      expect(indices).toBe(r.indices);
      expect(values.toArray()).toEqual(rows.map((row) => Math.max(...row)));
      expect(indices.toArray()).toEqual(rows.map((row) => row.indexOf(Math.max(...row))));
      const [mv, mi] = fl.min(x, 0);
      expect(mv.toArray()).toEqual([3, 2, 1]);
      expect(mi.toArray()).toEqual([0, 1, 0]);
      const [sv, si] = x.sort(1, true);
      expect(sv.toArray()).toEqual([[9, 3, 1], [8, 7, 2]]);
      expect(si.toArray()).toEqual([[1, 0, 2], [2, 0, 1]]);
      const t = fl.topk(x, 2);
      const [tv, ti] = t;
      expect(tv).toBe(t.values);
      expect(ti.toArray()).toEqual([[1, 0], [2, 0]]);
      expect(r.length).toBe(2);
      expect(Array.isArray(r)).toBe(true);
      expect(Object.keys(r)).toEqual(['0', '1']);   // prints and compares as [values, indices]
    });
  });

  test('a scope keeps both tensors of a returned pair', () => {
    const before = fl.memory.stats().liveTensors;
    const [v, i] = fl.scope(() => fl.tensor([[1, 5], [6, 2]], dev).max(1));
    expect(v.isDisposed || i.isDisposed).toBe(false);
    expect(v.toArray()).toEqual([5, 6]);
    v.dispose(); i.dispose();
    expect(fl.memory.stats().liveTensors).toBe(before);
  });

  test('gradients still flow through a destructured max(dim) and sort', () => {
    fl.scope(() => {
      const x = fl.tensor(randomArray(12, 2), { dtype: 'float64', ...dev }).reshape(3, 4).requiresGrad_();
      expect(gradcheck((a: fl.Tensor) => { const [v] = a.max(1); return v; }, [x])).toBe(true);
      expect(gradcheck((a: fl.Tensor) => { const [v] = a.sort(0); return v; }, [x])).toBe(true);
    });
  });
});

describe('size, dim, t, tolist, long', () => {
  test('size() is the shape, size(dim) one size (negative dims from the end)', () => {
    fl.scope(() => {
      const x = fl.zeros([2, 3, 4], dev);
      expect(x.size()).toEqual([2, 3, 4]);
      expect(x.size(1)).toBe(3);
      expect(x.size(-1)).toBe(4);
      expect(() => x.size(3)).toThrow(fl.IndexError);
      expect(() => fl.tensor(1, dev).size(0)).toThrow(fl.IndexError);
      expect(x.dim()).toBe(3);
      expect(fl.tensor(1, dev).dim()).toBe(0);
    });
  });

  test('t() transposes 2-D, keeps 0-D and 1-D, refuses 3-D; with a gradient', () => {
    fl.scope(() => {
      expect(fl.tensor([[1, 2, 3], [4, 5, 6]], dev).t().toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
      expect(fl.tensor([1, 2], dev).t().toArray()).toEqual([1, 2]);
      expect(fl.tensor(7, dev).t().item()).toBe(7);
      expect(() => fl.zeros([1, 2, 3], dev).t()).toThrow(/t: expects a tensor with at most 2 dims, got shape \[1, 2, 3\]/);
      const w = fl.tensor(randomArray(6, 1), { dtype: 'float64', ...dev }).reshape(2, 3).requiresGrad_();
      const c = fl.tensor(randomArray(6, 9), { dtype: 'float64', ...dev }).reshape(3, 2);
      expect(gradcheck((a: fl.Tensor) => a.t().mul(c), [w])).toBe(true);
    });
  });

  test('tolist() is toArray()', () => {
    fl.scope(() => {
      expect(fl.tensor([[1, 2], [3, 4]], dev).tolist()).toEqual([[1, 2], [3, 4]]);
      expect(fl.tensor([true, false], dev).tolist()).toEqual([true, false]);
      expect(fl.tensor(2.5, dev).tolist()).toBe(2.5);
    });
  });

  test('long() casts to int32 (truncating) and throws OverflowError where a value does not fit', () => {
    fl.scope(() => {
      const y = fl.tensor([1.7, -2.5, 2147483647, -2147483648], { dtype: 'float64', ...dev }).long();
      expect(y.dtype).toBe('int32');
      expect(y.toArray()).toEqual([1, -2, 2147483647, -2147483648]);
      expect(fl.tensor([true, false], dev).long().toArray()).toEqual([1, 0]);
      expect(fl.tensor([3, 4], { dtype: 'int32', ...dev }).long().toArray()).toEqual([3, 4]);
      for (const bad of [3e9, -2147483649, NaN, Infinity]) {
        const x = fl.tensor([1, bad], { dtype: 'float64', ...dev });
        expect(() => x.long()).toThrow(fl.OverflowError);
        expect(() => x.long()).toThrow(/long: the value .* does not fit int32, flintml's integer dtype \(there is no int64\)/);
      }
      expect(new fl.OverflowError('x')).toBeInstanceOf(fl.ValueError);
    });
  });
});

describe('repeat and roll', () => {
  /** Naive torch.repeat: out[i] = x[i mod shape] over the left-padded shape. */
  function refRepeat(data: number[], shape: number[], reps: number[]): [number[], number[]] {
    const src = [...new Array(reps.length - shape.length).fill(1), ...shape];
    const out = src.map((s, i) => s * reps[i]);
    return [Array.from({ length: numel(out) }, (_, k) => data[ravel(unravel(k, out).map((v, i) => v % src[i]), src)]), out];
  }
  /** Naive torch.roll along the given dims (or the flattened tensor). */
  function refRoll(data: number[], shape: number[], shifts: number[], dims: number[] | null): number[] {
    if (dims === null) return data.map((_, k) => data[(((k - shifts[0]) % data.length) + data.length) % data.length]);
    return data.map((_, k) => {
      const o = unravel(k, shape);
      dims.forEach((d, j) => { const dd = (d + shape.length) % shape.length; o[dd] = (((o[dd] - shifts[j]) % shape[dd]) + shape[dd]) % shape[dd]; });
      return data[ravel(o, shape)];
    });
  }

  test('repeat matches the naive reference (varargs and array), gradients sum the copies', () => {
    fl.scope(() => {
      const data = Array.from({ length: 6 }, (_, i) => i + 1);
      const x = fl.tensor(data, { dtype: 'float64', ...dev }).reshape(2, 3);
      for (const reps of [[1, 1], [2, 1], [1, 3], [2, 2], [3, 1, 2], [2, 0]]) {
        const [want, shape] = refRepeat(data, [2, 3], reps);
        const y = x.repeat(...reps);
        expect(y.shape).toEqual(shape);
        expect(Array.from(y.dataSync())).toEqual(want);
        expect(Array.from(x.repeat(reps).dataSync())).toEqual(want);
      }
      expect(fl.tensor([1, 2], dev).repeat(2, 2).toArray()).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);   // PyTorch docs
      expect(() => x.repeat(2)).toThrow(fl.ShapeError);
      expect(() => x.repeat(2, -1)).toThrow(fl.ValueError);
      const w = fl.tensor(randomArray(6, 4), { dtype: 'float64', ...dev }).reshape(2, 3).requiresGrad_();
      const c = fl.tensor(randomArray(36, 5), { dtype: 'float64', ...dev }).reshape(2, 6, 3);
      expect(gradcheck((a: fl.Tensor) => a.repeat(2, 3, 1).mul(c), [w])).toBe(true);
    });
  });

  test('roll matches the naive reference, with a gradient', () => {
    fl.scope(() => {
      const data = Array.from({ length: 12 }, (_, i) => i);
      const x = fl.tensor(data, { dtype: 'float64', ...dev }).reshape(3, 4);
      const cases: [number | number[], number | number[] | undefined][] = [[1, 0], [-1, 1], [5, 1], [[1, 2], [0, 1]], [3, undefined], [-13, undefined], [0, 0]];
      for (const [s, d] of cases) {
        const want = refRoll(data, [3, 4], typeof s === 'number' ? [s] : s, d === undefined ? null : typeof d === 'number' ? [d] : d);
        expect(Array.from(x.roll(s, d).dataSync())).toEqual(want);
        expect(Array.from(fl.roll(x, s, d).dataSync())).toEqual(want);
      }
      expect(fl.roll(fl.tensor([1, 2, 3, 4], dev), 1).toArray()).toEqual([4, 1, 2, 3]);   // PyTorch docs
      expect(() => x.roll([1, 2], 0)).toThrow(fl.ValueError);
      const w = fl.tensor(randomArray(12, 6), { dtype: 'float64', ...dev }).reshape(3, 4).requiresGrad_();
      const c = fl.tensor(randomArray(12, 7), { dtype: 'float64', ...dev }).reshape(3, 4);
      expect(gradcheck((a: fl.Tensor) => a.roll([1, -1], [0, 1]).mul(c), [w])).toBe(true);
    });
  });
});

describe('zeroGrad({ setToNone }) and callable modules', () => {
  function withGrads(m: fl.nn.Module): void {
    fl.scope(() => { fl.sum(m.call(fl.ones([2, 3], dev)) as fl.Tensor).backward(); });
  }

  test('Module.zeroGrad and Optimizer.zeroGrad: setToNone by default (as PyTorch), zeros with { setToNone: false }', () => {
    const m = new fl.nn.Linear(3, 2).to(DEVICE);
    const opt = new fl.optim.SGD(m.parameters(), { lr: 0.1 });
    try {
      withGrads(m);
      m.zeroGrad({ setToNone: false });
      for (const p of m.parameters()) expect(Array.from(p.grad!.dataSync()).every((v) => v === 0)).toBe(true);
      m.zeroGrad();
      for (const p of m.parameters()) expect(p.grad).toBeNull();
      withGrads(m);
      opt.zeroGrad({ setToNone: false });
      for (const p of m.parameters()) expect(Array.from(p.grad!.dataSync()).every((v) => v === 0)).toBe(true);
      opt.zeroGrad({ setToNone: true });
      for (const p of m.parameters()) expect(p.grad).toBeNull();
      expect(() => m.zeroGrad({ setToNon: true } as unknown as { setToNone: boolean })).toThrow(/unknown option 'setToNon' \(did you mean 'setToNone'\?\)/);
      expect(() => opt.zeroGrad({ set_to_none: true } as unknown as { setToNone: boolean })).toThrow(fl.ValueError);
    } finally {
      opt.zeroGrad();
      for (const p of m.parameters()) p.dispose();
    }
  });

  test('modules are objects called with .call(x) or .forward(x), not functions (README "Callable modules")', () => {
    const m = new fl.nn.Linear(3, 2).to(DEVICE);
    try {
      fl.scope(() => {
        const x = fl.ones([1, 3], dev);
        expect(typeof m).toBe('object');
        expect(m).toBeInstanceOf(fl.nn.Module);
        expect((m.call(x) as fl.Tensor).toArray()).toEqual(m.forward(x).toArray());
        expect(() => (m as unknown as (x: fl.Tensor) => fl.Tensor)(x)).toThrow(TypeError);
      });
    } finally { for (const p of m.parameters()) p.dispose(); }
  });
});

describe('what the PyTorch tutorials also used: multinomial, Module.apply', () => {
  test('multinomial with replacement: frequencies match the weights (20000 draws, ±0.015), zero weights never drawn', () => {
    fl.scope(() => {
      fl.manualSeed(1);
      const w = [1, 2, 0, 7];   // unnormalised, as PyTorch allows
      const draws = fl.multinomial(fl.tensor(w, { dtype: 'float32', ...dev }), 20000, true);
      expect(draws.dtype).toBe('int32');
      expect(draws.shape).toEqual([20000]);
      const counts = [0, 0, 0, 0];
      for (const v of draws.dataSync() as Int32Array) counts[v]++;
      expect(counts[2]).toBe(0);
      counts.forEach((c, i) => expect(Math.abs(c / 20000 - w[i] / 10)).toBeLessThan(0.015));
      // 2-D: one row per distribution; the same seed gives the same draws
      fl.manualSeed(7);
      const a = fl.tensor([[0, 1], [1, 0]], { dtype: 'float32', ...dev }).multinomial(3, true).toArray();
      fl.manualSeed(7);
      const b = fl.tensor([[0, 1], [1, 0]], { dtype: 'float32', ...dev }).multinomial(3, true).toArray();
      expect(a).toEqual([[1, 1, 1], [0, 0, 0]]);
      expect(b).toEqual(a);
    });
  });

  test('multinomial without replacement: distinct draws, pair frequencies p_i p_j / (1 - p_i)', () => {
    fl.scope(() => {
      fl.manualSeed(2);
      const p = [0.5, 0.3, 0.2];
      const rows = 6000;
      const d = fl.multinomial(fl.tensor(p, { dtype: 'float64', ...dev }).expand(rows, 3), 2).toArray() as number[][];
      const pair = new Map<string, number>();
      for (const [i, j] of d) { expect(i).not.toBe(j); pair.set(`${i}${j}`, (pair.get(`${i}${j}`) ?? 0) + 1); }
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          if (i !== j) expect(Math.abs((pair.get(`${i}${j}`) ?? 0) / rows - (p[i] * p[j]) / (1 - p[i]))).toBeLessThan(0.02);
        }
      }
      expect(fl.multinomial(fl.tensor([0, 3, 0, 1], { dtype: 'float32', ...dev }), 2).toArray().sort()).toEqual([1, 3]);
    });
  });

  test('multinomial refuses what is not a distribution', () => {
    fl.scope(() => {
      expect(() => fl.multinomial(fl.tensor([0.5, -0.1], dev), 1)).toThrow(/finite and non-negative/);
      expect(() => fl.multinomial(fl.tensor([0.5, NaN], dev), 1)).toThrow(fl.ValueError);
      expect(() => fl.multinomial(fl.tensor([[0, 0], [1, 1]], { dtype: 'float32', ...dev }), 1)).toThrow(/sums to 0/);
      expect(() => fl.multinomial(fl.tensor([0, 1, 1], { dtype: 'float32', ...dev }), 3)).toThrow(/2 nonzero weights/);
      expect(() => fl.multinomial(fl.tensor([1, 1], { dtype: 'float32', ...dev }), 3)).toThrow(/without replacement/);
      expect(() => fl.multinomial(fl.tensor([1, 1], { dtype: 'int32', ...dev }), 1)).toThrow(fl.DTypeError);
      expect(() => fl.multinomial(fl.zeros([2, 2, 2], dev), 1)).toThrow(fl.ShapeError);
    });
  });

  test('Module.apply visits every sub-module, children first, and returns the module', () => {
    const model = new fl.nn.Sequential(new fl.nn.Linear(2, 3), new fl.nn.ReLU(), new fl.nn.Sequential(new fl.nn.Linear(3, 1)));
    try {
      const seen: string[] = [];
      expect(model.apply((m) => { seen.push(m.constructor.name); })).toBe(model);
      expect(seen).toEqual(['Linear', 'ReLU', 'Linear', 'Sequential', 'Sequential']);
      model.apply((m) => { if (m instanceof fl.nn.Linear) fl.nn.init.zeros_(m.weight); });
      for (const [name, p] of model.namedParameters()) if (name.endsWith('weight')) expect(Array.from(p.dataSync()).every((v) => v === 0)).toBe(true);
      expect(() => model.apply(3 as unknown as () => void)).toThrow(fl.ValueError);
    } finally { model.dispose(); }
  });
});

describe('kthvalue and median', () => {
  /** Naive: sort a slice with NaN as the largest, stable. */
  const sorted = (xs: number[]): number[] => xs.map((v, i) => [v, i]).sort((a, b) => {
    const an = Number.isNaN(a[0]), bn = Number.isNaN(b[0]);
    if (an || bn) return an && bn ? a[1] - b[1] : an ? 1 : -1;
    return a[0] - b[0] || a[1] - b[1];
  }).map((p) => p[0]);
  const same = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || a === b;

  test('match a naive sort of each slice (values exact; the index points at the value), with NaN and ties', () => {
    fl.scope(() => {
      const data = [5, 1, 3, 3, NaN, 2, 8, 0, 7, 7, 4, 6, 1, NaN, NaN, 9, 2, 2, 5, 3];   // [4, 5]
      for (const dtype of ['float32', 'float64', 'int32'] as const) {
        const vals = dtype === 'int32' ? data.map((v) => (Number.isNaN(v) ? 11 : v)) : data;
        const x = fl.tensor(vals, { dtype, ...dev }).reshape(4, 5);
        for (const dim of [0, 1, -1]) {
          const d = (dim + 2) % 2, n = [4, 5][d];
          const slices = Array.from({ length: [4, 5][1 - d] }, (_, j) => Array.from({ length: n }, (_, k) => vals[d === 1 ? j * 5 + k : k * 5 + j]));
          for (let k = 1; k <= n; k++) {
            const [v, i] = x.kthvalue(k, dim);
            const got = Array.from(v.dataSync()), idx = Array.from(i.dataSync());
            slices.forEach((sl, j) => {
              expect(same(got[j], sorted(sl)[k - 1])).toBe(true);
              expect(same(sl[idx[j]], got[j])).toBe(true);
            });
          }
          const [mv, mi] = fl.median(x, dim, true);
          expect(mv.shape).toEqual(d === 0 ? [1, 5] : [4, 1]);
          const mg = Array.from(mv.dataSync()), mix = Array.from(mi.dataSync());
          slices.forEach((sl, j) => {
            const want = sl.some(Number.isNaN) ? NaN : sorted(sl)[(n - 1) >> 1];
            expect(same(mg[j], want)).toBe(true);
            expect(same(sl[mix[j]], mg[j])).toBe(true);
          });
        }
      }
      expect(fl.median(fl.tensor([3, 1, 4, 2], dev)).item()).toBe(2);        // PyTorch: the lower median
      expect(fl.tensor([[3, 1], [4, 2]], dev).median().item()).toBe(2);
      expect(Number.isNaN(fl.tensor([1, NaN, 2], dev).median().item())).toBe(true);
      expect(fl.kthvalue(fl.tensor([4, 1, 3], dev), 2).values.item()).toBe(3);
      expect(() => fl.kthvalue(fl.tensor([1, 2], dev), 3)).toThrow(fl.IndexError);
      // torch.median(torch.tensor([])) is nan; of an empty integer tensor an arbitrary value, which flintml refuses
      expect(Number.isNaN(fl.median(fl.zeros([0], dev)).item())).toBe(true);
      expect(() => fl.median(fl.zeros([0], { dtype: 'int32', ...dev }))).toThrow(fl.IndexError);
    });
  });

  test('gradients go to the picked element (finite differences, float64)', () => {
    fl.scope(() => {
      const w = fl.tensor(randomArray(15, 21), { dtype: 'float64', ...dev }).reshape(3, 5).requiresGrad_();
      expect(gradcheck((a: fl.Tensor) => a.kthvalue(2, 1)[0], [w])).toBe(true);
      expect(gradcheck((a: fl.Tensor) => a.median(0)[0], [w])).toBe(true);
      expect(gradcheck((a: fl.Tensor) => a.median(), [w])).toBe(true);
    });
  });
});

describe('int64: int32 with loud errors', () => {
  test('integer data that int32/uint8 cannot hold is an OverflowError, and int64 is named in the dtype error', () => {
    expect(() => fl.tensor([1, 3e9], { dtype: 'int32', ...dev })).toThrow(fl.OverflowError);
    expect(() => fl.tensor([1, 3e9], { dtype: 'int32', ...dev })).toThrow(/tensor: the value 3000000000 does not fit int32 \(range \[-2147483648, 2147483647\]\); flintml has no int64/);
    expect(() => fl.tensor([-1], { dtype: 'uint8', ...dev })).toThrow(/does not fit uint8/);
    expect(() => fl.tensor([256], { dtype: 'uint8', ...dev })).toThrow(fl.OverflowError);
    fl.scope(() => {
      expect(fl.tensor([2147483647, -2147483648, 2.9], { dtype: 'int32', ...dev }).toArray()).toEqual([2147483647, -2147483648, 2]);
      expect(fl.tensor([0, 255], { dtype: 'uint8', ...dev }).toArray()).toEqual([0, 255]);
      expect(fl.tensor([3e9], dev).dtype).toBe('float32');   // inferred: too large for int32, so a float (no wrap)
    });
    expect(() => fl.zeros(2, { dtype: 'int64' as fl.DType })).toThrow(/unknown dtype 'int64' .*flintml has no int64: integer and index tensors are int32/);
  });
});
