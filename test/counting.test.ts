// counting.test.ts — bincount, histc, unique, uniqueConsecutive, searchsorted and bucketize
// (lib/ops/counting.ts). References: PyTorch 1.13 golden values (the torch call beside each; exact
// integers), a float64 naive binary search (torch's loop) over random sorted rows, and torch's
// treatment of NaN (searchsorted, histc). Counting ops have no gradient, as in torch.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, rng } from './helpers';

const T = (v: unknown, dtype: fl.DType = 'float32'): fl.Tensor => fl.tensor(v as number[], { dtype, device: DEVICE });
const I = (v: unknown): fl.Tensor => T(v, 'int32');
const arr = (t: fl.Tensor | fl.Tensor[]): unknown => (Array.isArray(t) ? t.map((x) => x.toArray()) : t.toArray());
const sc = (f: () => void) => () => fl.scope(f);

test('bincount', sc(() => {
  expect(arr(fl.bincount(I([0, 1, 1, 3])))).toEqual([1, 2, 0, 1]);
  expect(arr(fl.bincount(I([2, 2, 0]), { minlength: 5 }))).toEqual([1, 0, 2, 0, 0]);             // torch.bincount(t, minlength=5)
  const w = fl.bincount(I([0, 1, 1]), T([1, 2, 3]));
  expect([w.dtype, arr(w)]).toEqual(['float32', [1, 5]]);
  expect(fl.bincount(I([0, 1]), I([1, 2])).dtype).toBe('float64');                              // int weights: double, as torch
  expect(arr(fl.bincount(I([]), null, 3))).toEqual([0, 0, 0]);
  expect(fl.bincount(I([1, 2])).dtype).toBe('int32');
  expect(() => fl.bincount(I([-1]))).toThrow(fl.ValueError);
  expect(() => fl.bincount(T([1]))).toThrow(fl.DTypeError);
  expect(() => fl.bincount(I([[1]]))).toThrow(fl.ShapeError);
}));

test('histc', sc(() => {
  expect(arr(fl.histc(T([1, 2, 1]), 4, 0, 3))).toEqual([0, 2, 1, 0]);
  // a value on a bin edge falls as in torch's (x - min) * bins / (max - min): histc(tensor([-1.531127], float64), 4, 0, 0)
  // -> [0, 1, 0, 0] (the range is [x - 1, x + 1]; x * (bins / range) put it in bin 2; torch-diff seed 3)
  expect(arr(fl.histc(fl.tensor([-1.531127], { dtype: 'float64', device: DEVICE }), 4, 0, 0))).toEqual([0, 1, 0, 0]);
  expect(arr(fl.histc(T([0, 0.5, 1, 1.5, 2, 2]), 4))).toEqual([1, 1, 1, 3]);                       // torch.histc(t, bins=4): the data's range
  expect(arr(fl.histc(T([1, 2, 3, 5]), 4, 1, 3))).toEqual([1, 0, 1, 1]);                           // 5 outside
  expect(arr(fl.histc(T([NaN, NaN, 3, 5]), 4, 1, 3))).toEqual([2, 0, 0, 1]);                       // torch 1.13 counts NaN in bin 0
  expect(arr(fl.histc(T([2, 2]), 4))).toEqual([0, 0, 2, 0]);                                       // min == max: [1, 3]
  expect(arr(fl.histc(T([]), 2))).toEqual([0, 0]);
  expect(() => fl.histc(T([NaN]), 2)).toThrow(fl.ValueError);                                       // range not finite
  expect(() => fl.histc(T([1]), 2, 3, 1)).toThrow(fl.ValueError);
  expect(() => fl.histc(I([1]), 2)).toThrow(fl.DTypeError);
}));

test('unique, uniqueConsecutive', sc(() => {
  expect(arr(fl.unique(I([2, 1, 2])))).toEqual([1, 2]);
  expect(arr(fl.unique(I([2, 1, 2]), { returnInverse: true, returnCounts: true }))).toEqual([[1, 2], [1, 0, 1], [1, 2]]);
  // torch.unique(tensor([[1,2],[1,2],[0,5]]), dim=0, return_inverse=True, return_counts=True)
  expect(arr(fl.unique(I([[1, 2], [1, 2], [0, 5]]), { dim: 0, returnInverse: true, returnCounts: true }))).toEqual([[[0, 5], [1, 2]], [1, 1, 0], [1, 2]]);
  expect(fl.unique(T(3)).shape).toEqual([1]);
  expect(arr(fl.unique(T([1, NaN, 1]), { returnCounts: true }))).toEqual([[1, NaN], [2, 1]]);
  const [v, inv] = fl.unique(I([[3, 1], [1, 3]]), { returnInverse: true }) as fl.Tensor[];
  expect([arr(v), inv.shape]).toEqual([[1, 3], [2, 2]]);
  // torch.unique_consecutive(tensor([1,1,2,2,1]), return_inverse=True, return_counts=True)
  expect(arr(fl.uniqueConsecutive(I([1, 1, 2, 2, 1]), { returnInverse: true, returnCounts: true }))).toEqual([[1, 2, 1], [0, 0, 1, 1, 2], [2, 2, 1]]);
  expect(fl.unique(I([])).shape).toEqual([0]);
  expect(() => fl.unique(I([1]), { dim: 1 })).toThrow(fl.IndexError);
}));

test('searchsorted, bucketize', sc(() => {
  // torch.searchsorted(tensor([1., 2., nan]), tensor([nan, 1.5, 0., 5.])): torch's binary search
  expect(arr(fl.searchsorted(T([1, 2, NaN]), T([NaN, 1.5, 0, 5])))).toEqual([3, 1, 0, 3]);
  expect(arr(fl.searchsorted(T([[1, 3, 5], [2, 4, 6]]), T([[3, 6], [1, 7]]), { side: 'right' }))).toEqual([[2, 3], [0, 3]]);
  expect(arr(fl.searchsorted(T([3, 1, 2]), T([2.5]), { sorter: I([1, 2, 0]) }))).toEqual([2]);
  const s = fl.searchsorted(T([1, 2]), 1.5);
  expect([s.shape, s.item(), s.dtype]).toEqual([[], 1, 'int32']);
  expect(arr(fl.bucketize(I([1, 5, 9]), I([1, 3, 5, 7])))).toEqual([0, 2, 4]);
  expect(fl.bucketize(2.5, I([1, 2, 3])).item()).toBe(2);                                          // torch.bucketize(2.5, tensor([1,2,3]))
  expect(arr(fl.bucketize(I([1, 5, 9]), I([1, 3, 5, 7]), { right: true }))).toEqual([1, 3, 4]);  // torch.bucketize(.., right=True)
  expect(() => fl.searchsorted(T([1]), T([1]), { side: 'left', right: true })).toThrow(fl.ValueError);
  expect(() => fl.searchsorted(T([[1, 2]]), T([1]))).toThrow(fl.ShapeError);
  expect(() => fl.bucketize(T([1]), T([[1]]))).toThrow(fl.ShapeError);
  // against a naive loop of torch's binary search, random sorted rows of odd lengths
  const r = rng(3);
  for (const n of [1, 2, 5, 17, 64]) {
    const seq = Array.from({ length: n }, () => Math.floor(r() * 10)).sort((a, b) => a - b);
    const vals = Array.from({ length: 20 }, () => Math.floor(r() * 12) - 1);
    for (const right of [false, true]) {
      const want = vals.map((v) => { let lo = 0, hi = n; while (lo < hi) { const m = lo + ((hi - lo) >> 1); if (!(right ? seq[m] > v : seq[m] >= v)) lo = m + 1; else hi = m; } return lo; });
      expect(arr(fl.searchsorted(I(seq), I(vals), { right }))).toEqual(want);
    }
  }
}));

test('onnx.export refuses the data-dependent ops (they read the data) with its typed error', () => {
  const dir = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'flint-counting-'));
  class UniqueSum extends fl.nn.Module { forward(x: fl.Tensor): fl.Tensor { return (fl.unique(x) as fl.Tensor).sum(); } }
  class Bins extends fl.nn.Module { forward(x: fl.Tensor): fl.Tensor { return fl.histc(x, 3).sum(); } }
  try {
    for (const m of [new UniqueSum(), new Bins()]) {
      fl.scope(() => expect(() => fl.onnx.export(m, [fl.tensor([1, 2, 2], { dtype: 'float32' })], `${dir}/m.onnx`)).toThrow(fl.OnnxExportError));
    }
  } finally { require('fs').rmSync(dir, { recursive: true, force: true }); }
});
