// views.test.ts — shape ops and views, checked against a float64 reference that indexes the
// source by explicit multi-indices; fast-check properties over random shapes, permutations,
// slices and broadcasts; cat/stack/split/chunk; bad input.
import fc from 'fast-check';
import * as fl from '../lib';
import { DEVICE, unravel } from './helpers';

const dev = { device: DEVICE };
const numelOf = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Reference: element at multi-index idx of a contiguous arange tensor of `shape`. */
const at = (shape: number[], idx: number[]) => idx.reduce((acc, v, d) => acc * shape[d] + v, 0);

describe('views share storage and read the right elements', () => {
  test('permute of random shapes equals index remapping (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }).chain((shape) =>
        fc.tuple(fc.constant(shape), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length }))),
      ([shape, perm]) => fl.scope(() => {
        const x = fl.arange(numelOf(shape), undefined, 1, { dtype: 'float64', ...dev }).reshape(shape);
        const y = x.permute(perm);
        const got = Array.from(y.contiguous().dataSync());
        const pshape = perm.map((p) => shape[p]);
        const ref = got.map((_, i) => {
          const j = unravel(i, pshape);
          const src = new Array(shape.length);
          perm.forEach((p, k) => { src[p] = j[k]; });
          return at(shape, src);
        });
        expect(got).toEqual(ref);
        // reshape of the permuted (non-contiguous) view copies correctly
        expect(Array.from(y.reshape([-1]).dataSync())).toEqual(ref);
      })), { numRuns: 60 });
  });

  test('slice with steps and narrow match Python slicing (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 12 }), fc.integer({ min: -14, max: 14 }), fc.integer({ min: -14, max: 14 }), fc.integer({ min: 1, max: 4 }),
      (n, s, e, step) => fl.scope(() => {
        const x = fl.arange(n, undefined, 1, dev);
        const norm = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
        const ref: number[] = [];
        for (let i = norm(s); i < norm(e); i += step) ref.push(i);
        expect(Array.from(x.slice(0, s, e, step).dataSync())).toEqual(ref);
      })), { numRuns: 100 });
  });

  test('expand/broadcastTo read with zero strides and writes through views reach the base', () => {
    fl.scope(() => {
      const x = fl.tensor([[1], [2], [3]], dev);
      const e = x.expand(3, 4);
      expect(e.strides).toEqual([1, 0]);
      expect(e.toArray()).toEqual([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]]);
      expect(fl.broadcastTo(fl.tensor([1, 2], dev), [2, 2]).toArray()).toEqual([[1, 2], [1, 2]]);
      const base = fl.zeros([3, 4], dev);
      base.narrow(1, 1, 2).fill_(5);
      base.select(0, 2).add_(1);
      expect(base.toArray()).toEqual([[0, 5, 5, 0], [0, 5, 5, 0], [1, 6, 6, 1]]);
      expect(() => x.expand(3, 4).expand(2, 3, 4).contiguous().shape).not.toThrow();
      expect(() => x.expand(4, 4)).toThrow(fl.ShapeError);
    });
  });

  test('view vs reshape: view refuses non-viewable layouts, reshape copies', () => {
    fl.scope(() => {
      const x = fl.arange(6, undefined, 1, dev).reshape(2, 3);
      const t = x.T;
      expect(() => t.view(6)).toThrow(fl.ShapeError);
      expect(t.reshape(6).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
      expect(x.view(3, -1).shape).toEqual([3, 2]);
      expect(x.flatten().shape).toEqual([6]);
      expect(fl.zeros([2, 3, 4], dev).flatten(1).shape).toEqual([2, 12]);
      expect(fl.zeros([1, 3, 1], dev).squeeze().shape).toEqual([3]);
      expect(fl.zeros([1, 3, 1], dev).squeeze(0).shape).toEqual([3, 1]);
      expect(fl.zeros([3], dev).unsqueeze(-1).shape).toEqual([3, 1]);
      expect(() => x.reshape(4, -1)).toThrow(fl.ShapeError);
      expect(() => x.reshape(-1, -1)).toThrow(fl.ShapeError);
    });
  });

  test('index() is NumPy basic indexing', () => {
    fl.scope(() => {
      const x = fl.arange(24, undefined, 1, dev).reshape(2, 3, 4);
      expect(x.index(1, ':', '1::2').toArray()).toEqual([[13, 15], [17, 19], [21, 23]]);
      expect(x.index('...', -1).toArray()).toEqual([[3, 7, 11], [15, 19, 23]]);
      expect(x.index(0, null).shape).toEqual([1, 3, 4]);
      expect(() => x.index(0, 0, 0, 0)).toThrow(fl.IndexError);
      expect(() => x.index(5)).toThrow(fl.IndexError);
      expect(fl.diagonal(fl.arange(9, undefined, 1, dev).reshape(3, 3)).toArray()).toEqual([0, 4, 8]);
      expect(fl.diagonal(fl.arange(9, undefined, 1, dev).reshape(3, 3), 1).toArray()).toEqual([1, 5]);
    });
  });
});

describe('slice strings in index() (Python slices)', () => {
  /** Python's slice(start, stop, step).indices(n) for step > 0, written out, as the list of positions taken. */
  function pyRange(n: number, start: number | null, stop: number | null, step: number): number[] {
    const adjust = (v: number | null, dflt: number): number => {
      if (v === null) return dflt;
      if (v < 0) return v + n < 0 ? 0 : v + n;
      return v > n ? n : v;
    };
    const out: number[] = [];
    for (let i = adjust(start, 0); i < adjust(stop, n); i += step) out.push(i);
    return out;
  }

  test('every start:stop:step of a grid (negatives, out of range, open ends) takes what Python takes', () => {
    fl.scope(() => {
      const n = 6;
      const x = fl.arange(n * 2, undefined, 1, { dtype: 'float64', ...dev }).reshape(n, 2);
      const bounds: (number | null)[] = [null, -9, -6, -3, -1, 0, 1, 3, 5, 6, 9];
      const show = (v: number | null): string => (v === null ? '' : String(v));
      let checked = 0;
      for (const a of bounds) {
        for (const b of bounds) {
          for (const st of [null, 1, 2, 4]) {
            const str = `${show(a)}:${show(b)}${st === null ? '' : `:${String(st)}`}` as fl.SliceString;
            const rows = pyRange(n, a, b, st ?? 1);
            const y = x.index(str, 1);
            expect([str, y.shape]).toEqual([str, [rows.length]]);
            expect([str, Array.from(y.dataSync())]).toEqual([str, rows.map((r) => r * 2 + 1)]);
            checked++;
          }
        }
      }
      expect(checked).toBe(11 * 11 * 4);
      // two-colon forms with an open step and whitespace, as Python accepts them
      expect(x.index('1::', 0).toArray()).toEqual([2, 4, 6, 8, 10]);
      expect(x.index(' 1 : 3 ', 0).toArray()).toEqual([2, 4]);
    });
  });

  test('slice strings are views, and write through', () => {
    fl.scope(() => {
      const x = fl.zeros([4, 3], dev);
      x.index('1::2', '-2:').fill_(1);
      expect(x.toArray()).toEqual([[0, 0, 0], [0, 1, 1], [0, 0, 0], [0, 1, 1]]);
    });
  });

  test('a non-positive step and a malformed string are ValueErrors naming index and the string', () => {
    fl.scope(() => {
      const x = fl.zeros([4, 3], dev);
      expect(() => x.index('::-1')).toThrow(fl.ValueError);
      expect(() => x.index('::-1')).toThrow("index: slice '::-1' has step -1; the step must be positive (PyTorch also refuses negative steps: use flip)");
      expect(() => x.index(':', '1:2:0')).toThrow(/index: slice '1:2:0' has step 0/);
      for (const bad of ['1:2:3:4', 'a:', '1.5:', '', '1', '..', '0x1:', ': :-']) {
        const f = () => x.index(bad as fl.SliceString);
        expect(f).toThrow(fl.ValueError);
        expect(f).toThrow(`index: '${bad}' is not an index`);
      }
      expect(() => x.indexPut_(['1:x'] as unknown as fl.IndexSpec[], 1)).toThrow(/^index(Put_)?: '1:x' is not an index/);
    });
  });
});

describe('cat, stack, split, chunk', () => {
  test('cat along each dim equals the reference concatenation', () => {
    fl.scope(() => {
      const a = fl.arange(6, undefined, 1, dev).reshape(2, 3), b = fl.arange(6, 12, 1, dev).reshape(2, 3);
      expect(fl.cat([a, b], 0).toArray()).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]);
      expect(fl.cat([a, b.T.T], 1).toArray()).toEqual([[0, 1, 2, 6, 7, 8], [3, 4, 5, 9, 10, 11]]);
      expect(fl.cat([a, fl.ones([2, 1], { dtype: 'float64', ...dev })], -1).dtype).toBe('float64');
      expect(fl.stack([a, b], 1).shape).toEqual([2, 2, 3]);
      expect(fl.stack([a, b], 1).index(':', 1).toArray()).toEqual(b.toArray());
      expect(fl.cat([fl.zeros([0], dev), a.flatten()]).shape).toEqual([6]);
      expect(() => fl.cat([a, fl.zeros([3, 3], dev)], 1)).toThrow(fl.ShapeError);
      expect(() => fl.stack([a, b.T])).toThrow(fl.ShapeError);
      expect(() => fl.cat([])).toThrow(fl.ValueError);
    });
  });
  test('split and chunk are views that cover the tensor', () => {
    fl.scope(() => {
      const x = fl.arange(10, undefined, 1, dev);
      expect(x.split(4).map((t) => t.toArray())).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
      expect(x.split([3, 7]).map((t) => t.shape[0])).toEqual([3, 7]);
      expect(x.chunk(3).map((t) => t.shape[0])).toEqual([4, 4, 2]);
      expect(() => x.split([3, 3])).toThrow(fl.ShapeError);
      expect(fl.unbind(fl.eye(2, 2, dev)).map((t) => t.toArray())).toEqual([[1, 0], [0, 1]]);
    });
  });
});

describe('casts with to()', () => {
  test('round trips and conversions', () => {
    fl.scope(() => {
      const x = fl.tensor([1.7, -2.2, 300.5, 0], { dtype: 'float32', ...dev });
      expect(x.to('int32').toArray()).toEqual([1, -2, 300, 0]);
      expect(x.to('bool').toArray()).toEqual([true, true, true, false]);
      expect(x.to('float16').toArray()).toEqual([1.7001953125, -2.19921875, 300.5, 0]);
      expect(x.to('bfloat16').toArray()).toEqual([1.703125, -2.203125, 300, 0]);
      expect(fl.tensor([65520, 1e-8], { dtype: 'float32' }).to('float16').toArray()).toEqual([Infinity, 0]);
      expect(fl.tensor([6e-8], { dtype: 'float32' }).to('float16').toArray()[0]).toBeCloseTo(5.960464477539063e-8, 20);
      expect(x.to({ dtype: 'float64' }).dtype).toBe('float64');
      expect(x.to('cpu').dtype).toBe('float32');
      expect(() => x.to('float8' as any)).toThrow(fl.DeviceError);
    });
  });
});

// torch 1.13: tensor(3.).transpose(0, -1) and (-1, 0) are the tensor; transpose(1, 0) is an IndexError ("expected to be in range of [-1, 0]")
describe('transpose of a 0-dim tensor', () => {
  test('dims -1 and 0 are the tensor; others are refused, as torch', () => {
    fl.scope(() => {
      const s = fl.tensor(3, { device: DEVICE });
      expect(s.transpose(0, -1).item()).toBe(3);
      expect(fl.transpose(s, { dim0: -1, dim1: 0 }).item()).toBe(3);
      expect(() => s.transpose(1, 0)).toThrow(new fl.IndexError('transpose: dim 1 out of range for a tensor of 0 dims'));
      expect(() => fl.transpose(s, 0, -2)).toThrow(fl.IndexError);
    });
  });
});
