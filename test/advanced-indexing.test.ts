// advanced-indexing.test.ts — index() with int32 index tensors and bool masks mixed with basic
// specs, indexPut / indexPut_, nonzero, where(cond), flip. References: (1) a naive float64
// implementation of PyTorch's indexing rules written here on flat arrays (basic specs first, then
// the index tensors broadcast to B, which replaces adjacent indexed dims in place or goes first);
// (2) a few results worked out by hand from PyTorch's documented behaviour; (3) gradients by
// central finite differences in float64 (gradcheck).
import * as fl from '../lib';
import { gradcheck } from '../lib/gradcheck';
import { DEVICE, flat, randomArray, ravel, unravel } from './helpers';

const dev = { device: DEVICE };
const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** A spec of the reference: basic specs as in index(), or an index array / a mask with its shape. */
type RefSpec = number | ':' | '...' | fl.SliceString | null | { idx: number[]; shape: number[] } | { mask: boolean[]; shape: number[] };

/** Python's slice(start, stop, step).indices(n) for step > 0, as a list of the positions it takes. */
function pySlice(n: number, start: number | null, stop: number | null, step: number): number[] {
  const adj = (v: number | null, d: number): number => (v === null ? d : v < 0 ? Math.max(v + n, 0) : Math.min(v, n));
  const out: number[] = [];
  for (let i = adj(start, 0); i < adj(stop, n); i += step) out.push(i);
  return out;
}

/** Naive PyTorch indexing of (data, shape) by specs: returns [values, shape]. */
function refIndex(data: readonly number[], shape: readonly number[], specs: RefSpec[]): [number[], number[]] {
  // 1. masks become one index array per dim (their nonzero coordinates); '...' becomes ':'s
  const s1: RefSpec[] = [];
  const consumed = specs.reduce<number>((a, s) => a + (s === null || s === '...' ? 0 : typeof s === 'object' && 'mask' in s ? s.shape.length : 1), 0);
  for (const s of specs) {
    if (s === '...') { for (let i = 0; i < shape.length - consumed; i++) s1.push(':'); continue; }
    if (s !== null && typeof s === 'object' && 'mask' in s) {
      const coords: number[][] = s.shape.map(() => []);
      s.mask.forEach((m, i) => { if (m) unravel(i, s.shape).forEach((c, d) => coords[d].push(c)); });
      for (const c of coords) s1.push({ idx: c, shape: [c.length] });
      continue;
    }
    s1.push(s);
  }
  // 2. the view's dims: ranges of a source dim, new dims, or advanced (index arrays); integers fix a source dim
  type VDim = { kind: 'range'; src: number; list: number[] } | { kind: 'new' } | { kind: 'adv'; src: number; idx: number[]; shape: number[] };
  const vdims: VDim[] = [];
  const fixed = new Map<number, number>();
  let src = 0;
  for (const s of s1) {
    if (s === null) vdims.push({ kind: 'new' });
    else if (typeof s === 'number') { fixed.set(src, s < 0 ? s + shape[src] : s); src++; }
    else if (s === ':') { vdims.push({ kind: 'range', src, list: Array.from({ length: shape[src] }, (_, i) => i) }); src++; }
    else if (typeof s === 'string') {
      const [a, b, st] = s.split(':').map((t) => (t === '' ? null : Number(t)));
      vdims.push({ kind: 'range', src, list: pySlice(shape[src], a, b, st ?? 1) }); src++;
    } else if (s !== null && typeof s === 'object' && 'idx' in s) { vdims.push({ kind: 'adv', src, idx: s.idx.map((v) => (v < 0 ? v + shape[src] : v)), shape: s.shape }); src++; }
  }
  for (; src < shape.length; src++) vdims.push({ kind: 'range', src, list: Array.from({ length: shape[src] }, (_, i) => i) });
  // 3. B, and where it goes
  const advAt = vdims.map((v, i) => (v.kind === 'adv' ? i : -1)).filter((i) => i >= 0);
  const advs = advAt.map((i) => vdims[i] as Extract<VDim, { kind: 'adv' }>);
  const nb = Math.max(0, ...advs.map((a) => a.shape.length));
  const B = Array.from({ length: nb }, (_, i) => {
    const sizes = advs.map((a) => a.shape[i - (nb - a.shape.length)] ?? 1).filter((s) => s !== 1);
    return sizes.length ? sizes[0] : 1;
  });
  const adjacent = advAt.every((d, i) => d === advAt[0] + i);
  const others = vdims.map((v, i) => i).filter((i) => vdims[i].kind !== 'adv');
  const at = adjacent ? advAt[0] : 0;
  const sizeOf = (i: number): number => { const v = vdims[i]; return v.kind === 'new' ? 1 : v.kind === 'range' ? v.list.length : 0; };
  const outShape = others.map(sizeOf);
  outShape.splice(at, 0, ...B);
  const out: number[] = [];
  for (let k = 0; k < numel(outShape); k++) {
    const o = unravel(k, outShape);
    const b = o.slice(at, at + nb);
    const rest = [...o.slice(0, at), ...o.slice(at + nb)];
    const srcIdx = new Array<number>(shape.length).fill(0);
    fixed.forEach((v, d) => { srcIdx[d] = v; });
    others.forEach((vi, j) => { const v = vdims[vi]; if (v.kind === 'range') srcIdx[v.src] = v.list[rest[j]]; });
    for (const a of advs) {
      const ai = a.shape.map((s, i) => (s === 1 ? 0 : b[i + nb - a.shape.length]));
      srcIdx[a.src] = a.idx[ravel(ai, a.shape)];
    }
    out.push(data[ravel(srcIdx, shape)]);
  }
  return [out, outShape];
}

function toFl(s: RefSpec): fl.IndexSpec {
  if (s !== null && typeof s === 'object' && 'idx' in s) return fl.tensor(s.idx, { dtype: 'int32', ...dev }).reshape(s.shape);
  if (s !== null && typeof s === 'object' && 'mask' in s) return fl.tensor(s.mask, { dtype: 'bool', ...dev }).reshape(s.shape);
  return s as fl.IndexSpec;
}

const X_SHAPE = [3, 4, 5];
const X = Array.from({ length: 60 }, (_, i) => i * 1.5 - 7);
const M = [true, false, true, true, false, false, true, false, true, false, false, true];  // 3 x 4
const CASES: [string, RefSpec[]][] = [
  ['x[idx]', [{ idx: [2, 0, 2], shape: [3] }]],
  ['x[:, idx]', [':', { idx: [3, -1, 0], shape: [3] }]],
  ['x[..., idx2d]', ['...', { idx: [4, 0, 1, 1], shape: [2, 2] }]],
  ['x[i, j] (pairs, adjacent)', [{ idx: [0, 2, 1], shape: [3] }, { idx: [3, 0, 2], shape: [3] }]],
  ['x[i, :, k] (separated: B first)', [{ idx: [1, 0], shape: [2] }, ':', { idx: [2, 4], shape: [2] }]],
  ['x[0, :, k] (an integer is a basic index, as PyTorch)', [0, ':', { idx: [1, 3], shape: [2] }]],
  ['x[:, j, k] broadcast', [':', { idx: [0, 3], shape: [2, 1] }, { idx: [1, 2, 4], shape: [3] }]],
  ['x[1:, j, ::2]', ['1:', { idx: [2, 2, 1], shape: [3] }, '::2']],
  ['x[None, i]', [null, { idx: [1, 1], shape: [2] }]],
  ['x[i, None, k] (new dim between: B first)', [{ idx: [0, 2], shape: [2] }, null, ':', { idx: [1, 3], shape: [2] }]],
  ['x[mask2d]', [{ mask: M, shape: [3, 4] }]],
  ['x[mask2d, k]', [{ mask: M, shape: [3, 4] }, { idx: [4], shape: [1] }]],
  ['x[:, mask1d]', [':', { mask: [false, true, true, false], shape: [4] }]],
  ['x[mask of all false]', [{ mask: [false, false, false], shape: [3] }]],
  ['x[empty idx]', [':', { idx: [], shape: [0] }]],
  ['x[0-dim idx]', [{ idx: [2], shape: [] }, 1]],
];

describe('index with tensors (advanced indexing)', () => {
  for (const [name, specs] of CASES) {
    test(`${name} matches the naive reference, float32 and float64`, () => {
      const [want, wantShape] = refIndex(X, X_SHAPE, specs);
      for (const dtype of ['float32', 'float64'] as const) {
        fl.scope(() => {
          const x = fl.tensor(X, { dtype, ...dev }).reshape(X_SHAPE);
          const y = x.index(...specs.map(toFl));
          expect(y.shape).toEqual(wantShape);
          expect(Array.from(y.dataSync())).toEqual(want);
        });
      }
    });
  }

  test('hand-worked PyTorch results', () => {
    fl.scope(() => {
      const x = fl.arange(24, undefined, 1, dev).reshape(2, 3, 4);
      // torch.arange(24).reshape(2,3,4)[[1, 0], :, [2, 3]] → [[14, 18, 22], [3, 7, 11]]
      expect(x.index(fl.tensor([1, 0], dev), ':', fl.tensor([2, 3], dev)).toArray()).toEqual([[14, 18, 22], [3, 7, 11]]);
      // x[0, :, [0, 1]] has shape [3, 2] in PyTorch (the integer is applied first), [2, 3] in NumPy
      expect(x.index(0, ':', fl.tensor([0, 1], dev)).shape).toEqual([3, 2]);
      const m = fl.tensor([[1, -2], [-3, 4]], dev);
      expect(m.index(m.gt(0)).toArray()).toEqual([1, 4]);
      expect(m.index(fl.tensor([true, false], dev)).toArray()).toEqual([[1, -2]]);
      expect(m.index(fl.tensor(true, dev)).shape).toEqual([1, 2, 2]);
      expect(m.index(fl.tensor(false, dev)).shape).toEqual([0, 2, 2]);
      expect(fl.index(m, ':', fl.tensor([-1], dev)).toArray()).toEqual([[-2], [4]]);
    });
  });

  test('int and bool tensors index int, uint8 and bool tensors too', () => {
    fl.scope(() => {
      for (const dtype of ['int32', 'uint8', 'bool'] as const) {
        const x = fl.tensor([[1, 0, 3], [0, 5, 6]], { dtype, ...dev });
        const want = dtype === 'bool' ? [[true, true], [true, false]] : [[3, 1], [6, 0]];
        expect(x.index(':', fl.tensor([2, 0], dev)).toArray()).toEqual(want);
      }
    });
  });

  test('gradients flow through tensor indices and masks (finite differences, float64)', () => {
    fl.scope(() => {
      const x = fl.tensor(randomArray(60, 11), { dtype: 'float64', ...dev }).reshape(X_SHAPE).requiresGrad_();
      const i = fl.tensor([2, 0, 2, -1], { dtype: 'int32', ...dev });
      const k = fl.tensor([[1], [4]], { dtype: 'int32', ...dev });
      const mask = fl.tensor(M, { dtype: 'bool', ...dev }).reshape(3, 4);
      expect(gradcheck((a: fl.Tensor) => a.index(i), [x])).toBe(true);                     // repeated rows add up
      expect(gradcheck((a: fl.Tensor) => a.index(':', i.index('0:2'), k), [x])).toBe(true);
      expect(gradcheck((a: fl.Tensor) => a.index(i.index('0:2'), ':', k), [x])).toBe(true);
      expect(gradcheck((a: fl.Tensor) => a.index(mask), [x])).toBe(true);
      expect(gradcheck((a: fl.Tensor) => a.index(1, '1:', i.index('1:3')), [x])).toBe(true);
    });
  });

  test('bad indices are typed errors naming index, without internal JSON', () => {
    fl.scope(() => {
      const x = fl.zeros([3, 4], dev);
      const grab = (f: () => unknown): Error => { try { f(); } catch (e) { return e as Error; } throw new Error('did not throw'); };
      const bad = [
        grab(() => x.index(fl.tensor([1.5], { dtype: 'float32', ...dev }))),
        grab(() => x.index(fl.tensor([true, false], dev))),
        grab(() => x.index({ a: 1 } as unknown as fl.IndexSpec)),
        grab(() => x.index(0, 0, fl.tensor([0], dev))),
        grab(() => x.index(fl.tensor([3], dev)).dataSync()),
        grab(() => x.index(fl.tensor([0], dev), fl.tensor([-5], dev)).dataSync()),
        grab(() => x.index(fl.tensor([0, 1], dev), fl.tensor([0, 1, 2], dev))),
      ];
      expect(bad.map((e) => e.constructor.name)).toEqual(['DTypeError', 'IndexError', 'IndexError', 'IndexError', 'IndexError', 'IndexError', 'ShapeError']);
      for (const e of bad) {
        expect(e).toBeInstanceOf(fl.FlintError);
        // a GPU kernel's bad-index error arrives at the next sync, under the kernel's name
        expect(e.message).toMatch(DEVICE === 'cpu' ? /^index: / : /^(index|indexSelect): /);
        expect(e.message).not.toMatch(/_storage|_shape|\{"/);
      }
      expect(bad[1].message).toMatch(/mask \[2\] does not match the shape \[3\]/);
      expect(bad[4].message).toMatch(/index 3 is out of bounds/);
    });
  });
});

describe('lists as indices (a JS array means what a Python list means in x[...])', () => {
  test('x.index([0, 2]) gathers rows 0 and 2, as x.index(fl.tensor([0, 2])) and a float64 naive reference', () => {
    fl.scope(() => {
      const x = fl.tensor(X, { dtype: 'float64', ...dev }).reshape(X_SHAPE);
      const got = x.index([0, 2]);
      const [want, wantShape] = refIndex(X, X_SHAPE, [{ idx: [0, 2], shape: [2] }]);
      // the naive gather, written out: rows 0 and 2 of a [3, 4, 5] tensor
      expect(want).toEqual([...X.slice(0, 20), ...X.slice(40, 60)]);
      expect(got.shape).toEqual(wantShape);
      expect(Array.from(got.dataSync())).toEqual(want);
      expect(got.toArray()).toEqual(x.index(fl.tensor([0, 2], dev)).toArray());
      expect(got.device).toEqual(x.device);
    });
  });

  test("x.index(':', [2, 0]), nested lists and negative entries follow PyTorch's shapes and values", () => {
    fl.scope(() => {
      const x = fl.tensor(X, { dtype: 'float32', ...dev }).reshape(X_SHAPE);
      const cases: [fl.IndexSpec[], RefSpec[]][] = [
        [[':', [2, 0]], [':', { idx: [2, 0], shape: [2] }]],
        [[[[0, 1], [1, 0]]], [{ idx: [0, 1, 1, 0], shape: [2, 2] }]],        // x[[[0, 1], [1, 0]]]: shape [2, 2, 4, 5]
        [[[-1, 0], '1:', [4, -5]], [{ idx: [-1, 0], shape: [2] }, '1:', { idx: [4, -5], shape: [2] }]],
        [[0, ':', [3, 3, 1]], [0, ':', { idx: [3, 3, 1], shape: [3] }]],
        [[[]], [{ idx: [], shape: [0] }]],
      ];
      for (const [specs, ref] of cases) {
        const [want, wantShape] = refIndex(X, X_SHAPE, ref);
        const y = x.index(...specs);
        expect(y.shape).toEqual(wantShape);
        expect(Array.from(y.dataSync())).toEqual(want);
      }
      expect(x.index([[0, 1], [1, 0]]).shape).toEqual([2, 2, 4, 5]);
    });
  });

  test('a list of booleans is a mask, as a bool tensor made from it', () => {
    fl.scope(() => {
      const x = fl.tensor(X, { dtype: 'float32', ...dev }).reshape(X_SHAPE);
      const [want, wantShape] = refIndex(X, X_SHAPE, [':', { mask: [false, true, true, false], shape: [4] }]);
      const y = x.index(':', [false, true, true, false]);
      expect(y.shape).toEqual(wantShape);
      expect(Array.from(y.dataSync())).toEqual(want);
      const m2 = [[true, false, true, true], [false, false, true, false], [true, false, false, true]];
      expect(x.index(m2).toArray()).toEqual(x.index(fl.tensor(m2, { dtype: 'bool', ...dev })).toArray());
    });
  });

  test('gradients flow through a list index (finite differences, float64)', () => {
    fl.scope(() => {
      const x = fl.tensor(randomArray(60, 12), { dtype: 'float64', ...dev }).reshape(X_SHAPE).requiresGrad_();
      expect(gradcheck((a: fl.Tensor) => a.index([2, 0, 2]), [x])).toBe(true);                   // repeated rows add up
      expect(gradcheck((a: fl.Tensor) => a.index('1:', [[3], [0]], [1, 4]), [x])).toBe(true);
      expect(gradcheck((a: fl.Tensor) => a.index(':', [true, false, true, true]), [x])).toBe(true);
    });
  });

  test('the old array-slice form and malformed lists are ValueErrors naming index', () => {
    fl.scope(() => {
      const x = fl.zeros([3, 4], dev);
      const old = () => x.index(':', [1, null, 2] as unknown as fl.IndexSpec);
      expect(old).toThrow(fl.ValueError);
      expect(old).toThrow("index: [1, null, 2] is not an index list (null inside); slices are strings now: write the slice 1::2 as '1::2'");
      expect(() => x.index([1, null] as unknown as fl.IndexSpec)).toThrow(/write the slice 1: as '1:'/);
      expect(() => x.index([null, 2] as unknown as fl.IndexSpec)).toThrow(/write the slice :2 as ':2'/);
      expect(() => x.index([undefined, undefined, 2] as unknown as fl.IndexSpec)).toThrow(/\(undefined inside\).*'::2'/);
      expect(() => x.indexPut_([[1, null]] as unknown as fl.IndexSpec[], 1)).toThrow(/^indexPut_: \[1, null\] is not an index list/);
      expect(() => x.index([[0], [1, 2]])).toThrow(/index: the index list .* is ragged/);
      expect(() => x.index([0, true])).toThrow(/mixes integers and booleans/);
      expect(() => x.index([0.5])).toThrow(/index: an index list holds integers or booleans, got 0.5/);
      expect(() => x.index(['a'] as unknown as fl.IndexSpec)).toThrow(fl.ValueError);
      expect(() => x.index([3])).toThrow(fl.IndexError);
      expect(() => x.index([3])).toThrow('index: index 3 is out of bounds for dim 0 with size 3');
      expect(() => x.index(':', [-5])).toThrow('index: index -5 is out of bounds for dim 1 with size 4');
    });
  });

  test('indexPut_ takes lists as index takes them', () => {
    fl.scope(() => {
      const y = fl.zeros([3, 4], dev);
      y.indexPut_([[2, 0]], fl.tensor([1, 2, 3, 4], dev));            // y[[2, 0]] = [1, 2, 3, 4]
      y.indexPut_([1, [0, 3]], 7);                                       // y[1, [0, 3]] = 7
      y.indexPut_(['1:', [true, false, false, false]], 5);               // y[1:, [True, False, False, False]] = 5
      expect(y.toArray()).toEqual([[1, 2, 3, 4], [5, 0, 0, 7], [5, 2, 3, 4]]);
      const acc = fl.indexPut(fl.zeros([3], dev), [[0, 0, 2]], 1, { accumulate: true });
      expect(acc.toArray()).toEqual([2, 0, 1]);
    });
  });
});

describe('indexPut / indexPut_', () => {
  /** The reference of x[specs] = v (or += with accumulate): every position of the indexed result gets the value. */
  function refPut(data: number[], shape: number[], specs: RefSpec[], values: (k: number) => number, accumulate: boolean): number[] {
    const pos = Array.from({ length: numel(shape) }, (_, i) => i);
    const [where] = refIndex(pos, shape, specs);
    const out = data.slice();
    where.forEach((p, k) => { out[p] = accumulate ? out[p] + values(k) : values(k); });
    return out;
  }

  const PUT_CASES = CASES.filter(([name]) => !name.includes('empty') && !name.includes('all false'));
  for (const [name, specs] of PUT_CASES) {
    test(`${name} = values (and +=) matches the reference`, () => {
      fl.scope(() => {
        const [, rshape] = refIndex(X, X_SHAPE, specs);
        const vals = Array.from({ length: numel(rshape) }, (_, i) => 100 + i);
        // repeated positions: the reference's last write is only one allowed answer, so assign with
        // values that are equal wherever positions repeat (here: a function of the position)
        const pos = refIndex(Array.from({ length: 60 }, (_, i) => i), X_SHAPE, specs)[0];
        const byPos = pos.map((p) => 1000 + p);
        const x = fl.tensor(X, { dtype: 'float64', ...dev }).reshape(X_SHAPE);
        const v = fl.tensor(byPos, { dtype: 'float64', ...dev }).reshape(rshape);
        const y = x.indexPut(specs.map(toFl), v);
        expect(Array.from(y.dataSync())).toEqual(refPut(X, X_SHAPE, specs, (k) => byPos[k], false));
        const z = x.clone();
        z.indexPut_(specs.map(toFl), fl.tensor(vals, { dtype: 'float64', ...dev }).reshape(rshape), { accumulate: true });
        expect(Array.from(z.dataSync())).toEqual(refPut(X, X_SHAPE, specs, (k) => vals[k], true));
        expect(Array.from(x.dataSync())).toEqual(X);   // indexPut did not write into x
      });
    });
  }

  test('scalar values, broadcast values, a strided target and the x[mask] = 0 idiom', () => {
    fl.scope(() => {
      const x = fl.tensor([[1, -2, 3], [-4, 5, -6]], dev);
      x.indexPut_([x.lt(0)], 0);
      expect(x.toArray()).toEqual([[1, 0, 3], [0, 5, 0]]);
      const y = fl.zeros([3, 4], dev);
      y.indexPut_([fl.tensor([2, 0], dev)], fl.tensor([1, 2, 3, 4], dev));  // values broadcast over the rows
      expect(y.toArray()).toEqual([[1, 2, 3, 4], [0, 0, 0, 0], [1, 2, 3, 4]]);
      const big = fl.zeros([4, 6], dev);
      const t = big.T;   // a strided view: the indexed dims do not merge, the write goes through a copy
      t.indexPut_([fl.tensor([0, 5], dev), fl.tensor([1, 3], dev)], fl.tensor([7, 8], dev));
      expect(big.index(1, 0).item()).toBe(7);
      expect(big.index(3, 5).item()).toBe(8);
      expect(flat(big.toArray()).reduce((a, b) => a + b, 0)).toBe(15);
      const acc = fl.zeros([3], dev).indexPut_([fl.tensor([0, 2, 0, 0], dev)], 1, true);
      expect(acc.toArray()).toEqual([3, 0, 1]);
      const basic = fl.zeros([2, 3], dev).indexPut_([1, '1:'], 5);
      expect(basic.toArray()).toEqual([[0, 0, 0], [0, 5, 5]]);
    });
  });

  test('gradients of indexPut in x and values (finite differences, float64)', () => {
    fl.scope(() => {
      const x = fl.tensor(randomArray(12, 3), { dtype: 'float64', ...dev }).reshape(3, 4).requiresGrad_();
      const v = fl.tensor(randomArray(3, 4), { dtype: 'float64', ...dev }).requiresGrad_();
      const i = fl.tensor([2, 0, 1], dev), j = fl.tensor([1, 3, 3], dev);
      expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.indexPut(a, [i, j], b), [x, v])).toBe(true);
      expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.indexPut(a, [fl.tensor([0, 0, 2], dev)], b.unsqueeze(1), { accumulate: true }), [x, v])).toBe(true);
      const mask = fl.tensor([true, false, true], dev);
      expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.indexPut(a, [mask, 1], b.index('0:2')), [x, v])).toBe(true);
    });
  });

  test('errors: shapes, options, and in-place writes into tensors that require grad', () => {
    fl.scope(() => {
      const x = fl.zeros([3], dev);
      expect(() => x.indexPut_([fl.tensor([0, 1], dev)], fl.tensor([1, 2, 3], dev))).toThrow(/indexPut_: values of shape \[3\] cannot be broadcast to the indexed shape \[2\]/);
      expect(() => x.indexPut_([fl.tensor([0], dev)], 1, { acumulate: true } as unknown as fl.IndexPutOptions)).toThrow(/unknown option 'acumulate'/);
      expect(() => x.indexPut_(fl.tensor([0], dev) as unknown as fl.IndexSpec[], 1)).toThrow(fl.ValueError);
      const w = fl.zeros([3], { ...dev, dtype: 'float64' }).requiresGrad_();
      expect(() => w.indexPut_([fl.tensor([0], dev)], 1)).toThrow(fl.AutogradError);
      expect(() => fl.zeros([2], dev).expand(3, 2).indexPut_([fl.tensor([0], dev)], 1)).toThrow(/share memory/);
    });
  });
});

describe('nonzero, where(cond), flip', () => {
  test('nonzero and where(cond) match a naive scan, every dtype', () => {
    fl.scope(() => {
      const vals = [0, 3, -1, 0, 0, NaN, 2, 0, 0, 0, 1, 0];
      for (const dtype of ['float32', 'float64', 'int32', 'uint8', 'bool'] as const) {
        const data = vals.map((v) => (Number.isNaN(v) && dtype === 'int32') || ((dtype === 'uint8' || dtype === 'bool') && (Number.isNaN(v) || v < 0)) ? 1 : v);
        const x = fl.tensor(data, { dtype, ...dev }).reshape(2, 3, 2);
        const want: number[][] = [];
        data.forEach((v, i) => { if (v !== 0) want.push(unravel(i, [2, 3, 2])); });
        const nz = fl.nonzero(x);
        expect(nz.dtype).toBe('int32');
        expect(nz.toArray()).toEqual(want);
        const tup = x.nonzero({ asTuple: true });
        expect(tup.map((t) => t.toArray())).toEqual([0, 1, 2].map((d) => want.map((w) => w[d])));
        expect(fl.where(x.ne(0)).map((t) => t.toArray())).toEqual([0, 1, 2].map((d) => want.map((w) => w[d])));
        // the tuple indexes x back (what PyTorch users do with it)
        expect(Array.from(x.index(...tup).to('float64').dataSync())).toEqual(data.filter((v) => v !== 0).map((v) => (dtype === 'bool' ? 1 : v)));
      }
      expect(fl.nonzero(fl.tensor(5, dev)).shape).toEqual([1, 0]);
      expect(fl.nonzero(fl.zeros([0, 3], dev)).shape).toEqual([0, 2]);
      expect(fl.where(fl.gt(fl.tensor([1, -1], dev), 0), 1, 2).toArray()).toEqual([1, 2]);
      expect(() => fl.nonzero(fl.zeros([2], dev), { as_tuple: true } as unknown as fl.NonzeroOptions)).toThrow(/unknown option 'as_tuple'/);
    });
  });

  test('flip matches a reversed copy and has a gradient', () => {
    fl.scope(() => {
      const data = Array.from({ length: 24 }, (_, i) => i);
      const x = fl.tensor(data, { dtype: 'float64', ...dev }).reshape(2, 3, 4);
      for (const dims of [[0], [2], [0, 2], [-1, 1], [0, 1, 2]]) {
        const want = data.map((_, k) => {
          const o = unravel(k, [2, 3, 4]);
          const s = o.map((v, d) => (dims.map((q) => (q + 3) % 3).includes(d) ? [2, 3, 4][d] - 1 - v : v));
          return data[ravel(s, [2, 3, 4])];
        });
        expect(Array.from(x.flip(dims).dataSync())).toEqual(want);
      }
      expect(fl.flip(x, 1).toArray()).toEqual(x.flip([1]).toArray());
      expect(x.flip(0, 2).toArray()).toEqual(x.flip([0, 2]).toArray());
      const w = fl.tensor(randomArray(12, 5), { dtype: 'float64', ...dev }).reshape(3, 4).requiresGrad_();
      expect(gradcheck((a: fl.Tensor) => a.flip(0, 1).mul(fl.arange(12, undefined, 1, { dtype: 'float64', ...dev }).reshape(3, 4)), [w])).toBe(true);
      expect(() => x.flip([0, 0])).toThrow(fl.ValueError);
    });
  });
});
