// einsum.test.ts — einsum against a naive float64 reference written here (every assignment of the
// subscripts' values is enumerated and the operands' products are summed into the output), on
// the device under test, and its gradient by central finite differences in float64 (gradcheck).
import * as fl from '../lib';
import { gradcheck } from '../lib/gradcheck';
import { DEVICE, expectClose, randomArray } from './helpers';

const dev = { device: DEVICE };

/** Naive einsum over explicit subscripts (letters only; '...' is spelled out by the caller as letters). */
function refEinsum(ins: string[], out: string, data: number[][], shapes: number[][]): number[] {
  const letters = [...new Set(ins.join(''))];
  const size = new Map<string, number>();
  ins.forEach((s, i) => [...s].forEach((c, d) => size.set(c, Math.max(size.get(c) ?? 1, shapes[i][d]))));
  const outSize = [...out].map((c) => size.get(c)!);
  const res = new Array<number>(outSize.reduce((a, b) => a * b, 1)).fill(0);
  const val = new Map<string, number>();
  const at = (i: number): number => {   // element of operand i (size-1 dims broadcast)
    let f = 0;
    [...ins[i]].forEach((c, d) => { f = f * shapes[i][d] + (shapes[i][d] === 1 ? 0 : val.get(c)!); });
    return data[i][f];
  };
  const loop = (k: number): void => {
    if (k === letters.length) {
      let p = 1;
      for (let i = 0; i < ins.length; i++) p *= at(i);
      let f = 0;
      [...out].forEach((c, d) => { f = f * outSize[d] + val.get(c)!; });
      res[f] += p;
      return;
    }
    for (let v = 0; v < size.get(letters[k])!; v++) { val.set(letters[k], v); loop(k + 1); }
  };
  loop(0);
  return res;
}

// [equation, the same with '...' spelled out and the implicit output written, operand shapes]
const CASES: [string, string, number[][]][] = [
  ['ij,jk->ik', 'ij,jk->ik', [[3, 4], [4, 5]]],
  ['ij,jk', 'ij,jk->ik', [[2, 3], [3, 2]]],
  ['bij,bjk->bik', 'bij,bjk->bik', [[2, 3, 4], [2, 4, 3]]],
  ['ii->i', 'ii->i', [[4, 4]]],
  ['ii', 'ii->', [[3, 3]]],
  ['iij->j', 'iij->j', [[3, 3, 2]]],
  ['ij->ji', 'ij->ji', [[2, 5]]],
  ['ij->', 'ij->', [[3, 4]]],
  ['i,i->', 'i,i->', [[6], [6]]],
  ['i,j->ij', 'i,j->ij', [[3], [4]]],
  ['ba', 'ba->ab', [[2, 3]]],
  ['ij,jk,kl->il', 'ij,jk,kl->il', [[2, 3], [3, 4], [4, 2]]],
  ['bn,anm,bm->ba', 'bn,anm,bm->ba', [[2, 3], [4, 3, 2], [2, 2]]],
  ['...ij,...jk->...ik', 'xij,xjk->xik', [[3, 2, 4], [3, 4, 2]]],
  ['...ij,jk->...ik (broadcast batch)', 'yxij,jk->yxik', [[2, 3, 2, 4], [4, 3]]],
  ['b...,b->...', 'bxy,b->xy', [[3, 2, 2], [3]]],
  ['ij,ij->ij (size-1 broadcast)', 'ij,ij->ij', [[3, 1], [3, 4]]],
  ['bhqd,bhkd->bhqk', 'bhqd,bhkd->bhqk', [[2, 2, 3, 4], [2, 2, 5, 4]]],
];

describe('einsum', () => {
  for (const [name, spelled, shapes] of CASES) {
    test(`${name} matches the naive reference`, () => {
      const eq = name.split(' ')[0];
      const [lhs, out] = spelled.split('->');
      const ins = lhs.split(',');
      const data = shapes.map((s, i) => randomArray(s.reduce((a, b) => a * b, 1), 10 + i));
      const want = refEinsum(ins, out, data, shapes);
      for (const dtype of ['float64', 'float32'] as const) {
        fl.scope(() => {
          const ops = data.map((d, i) => fl.tensor(d, { dtype, ...dev }).reshape(shapes[i]));
          const y = fl.einsum(eq, ...ops);
          expect(y.shape).toEqual([...out].map((c) => Math.max(...ins.flatMap((s, i) => [...s].map((x, d) => (x === c ? shapes[i][d] : 1))))));
          expectClose(y, want, dtype, dtype === 'float32' ? 10 : 1);
          expectClose(fl.einsum(eq, ops), want, dtype, dtype === 'float32' ? 10 : 1);   // operands as one array
        });
      }
    });
  }

  test('gradients (finite differences, float64)', () => {
    fl.scope(() => {
      const x = (s: number[], seed: number) => fl.tensor(randomArray(s.reduce((a, b) => a * b, 1), seed), { dtype: 'float64', ...dev }).reshape(s).requiresGrad_();
      expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.einsum('bij,bjk->bik', a, b), [x([2, 3, 4], 1), x([2, 4, 2], 2)])).toBe(true);
      expect(gradcheck((a: fl.Tensor) => fl.einsum('ii->i', a), [x([3, 3], 3)])).toBe(true);
      expect(gradcheck((a: fl.Tensor, b: fl.Tensor, c: fl.Tensor) => fl.einsum('bn,anm,bm->ba', a, b, c), [x([2, 3], 4), x([2, 3, 2], 5), x([2, 2], 6)])).toBe(true);
      expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.einsum('...ij,jk->...ik', a, b), [x([2, 2, 3], 7), x([3, 2], 8)])).toBe(true);
    });
  });

  test('bad equations and operands are ValueError/ShapeError naming einsum', () => {
    fl.scope(() => {
      const a = fl.zeros([2, 3], dev), b = fl.zeros([4, 5], dev);
      expect(() => fl.einsum('ij,jk->ik', a, b)).toThrow(/einsum: subscript 'j' has size 3 in one operand and 4 in operand 1/);
      expect(() => fl.einsum('ij,jk->ik', a)).toThrow(/einsum: 'ij,jk->ik' names 2 operand\(s\) but 1 were given/);
      expect(() => fl.einsum('ijk->i', a)).toThrow(fl.ShapeError);
      expect(() => fl.einsum('ij->q', a)).toThrow(/output subscript 'q'/);
      expect(() => fl.einsum('i1->i', a)).toThrow(/invalid subscript '1'/);
      expect(() => fl.einsum('ij->ii', a)).toThrow(/repeat a letter/);
      expect(() => fl.einsum('ij', 3 as unknown as fl.Tensor)).toThrow(/operand 0 must be a Tensor, got 3/);
    });
  });
});
