// torch-fidelity-index.test.ts — where flintml's indexing and einsum differed from PyTorch, found by
// the differential fuzzer bench/torch-diff.js (specs in bench/torch-diff-specs-index.js). Each expected
// value is PyTorch 1.13's, from the torch call in the comment beside it.
import * as fl from '../lib';
import { DEVICE } from './helpers';

const dev = { device: DEVICE };
const vals = (t: fl.Tensor | null): number[] => Array.from((t as fl.Tensor).to('float64').dataSync() as Float64Array);
const ar = (shape: number[]) => fl.arange(shape.reduce((a, b) => a * b, 1), undefined, 1, { dtype: 'float32', ...dev }).reshape(shape);
const ix = (v: number | number[] | number[][]) => fl.tensor(v as number[], { dtype: 'int32', ...dev });

describe('index: a 0-dim int32 index tensor is an integer, as in PyTorch and NumPy', () => {
  test('it takes no part in where the other index tensors put their dims', () => fl.scope(() => {
    // x = torch.arange(24.).reshape(2, 3, 4); x[torch.tensor(1), :, torch.tensor([3, 0])] -> shape [3, 2]
    // [[15, 12], [19, 16], [23, 20]] (flintml put [2] first: shape [2, 3])
    const x = ar([2, 3, 4]).requiresGrad_();
    const y = x.index(ix(1), ':', ix([3, 0]));
    expect(y.shape).toEqual([3, 2]);
    expect(vals(y)).toEqual([15, 12, 19, 16, 23, 20]);
    // (y * torch.tensor([[1., 2.], [3., 4.], [5., 6.]])).sum().backward(); x.grad[1] -> [[2, 0, 0, 1], [4, 0, 0, 3], [6, 0, 0, 5]]
    y.mul(fl.tensor([[1, 2], [3, 4], [5, 6]], dev)).sum().backward();
    expect(vals(x.grad)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 4, 0, 0, 3, 6, 0, 0, 5]);
    // x[torch.tensor([1, 0]), :, torch.tensor(3)] -> shape [2, 3] [[15, 19, 23], [3, 7, 11]]
    const z = ar([2, 3, 4]).index(ix([1, 0]), ':', ix(3));
    expect(z.shape).toEqual([2, 3]);
    expect(vals(z)).toEqual([15, 19, 23, 3, 7, 11]);
    // x[:, torch.tensor(2), torch.tensor([1, 3])] -> shape [2, 2] [[9, 11], [21, 23]] (unchanged: adjacent)
    const w = ar([2, 3, 4]).index(':', ix(2), ix([1, 3]));
    expect(w.shape).toEqual([2, 2]);
    expect(vals(w)).toEqual([9, 11, 21, 23]);
  }));

  test('the same in an assignment (indexPut_)', () => fl.scope(() => {
    // v = torch.zeros(2, 3, 4); v[torch.tensor(0), :, torch.tensor([1, 2])] = torch.tensor([[1., 2.], [3., 4.], [5., 6.]])
    // -> v[0] = [[0, 1, 2, 0], [0, 3, 4, 0], [0, 5, 6, 0]], v[1] = 0 (flintml refused the [3, 2] values for its [2, 3])
    const v = fl.zeros([2, 3, 4], dev);
    v.indexPut_([ix(0), ':', ix([1, 2])], fl.tensor([[1, 2], [3, 4], [5, 6]], dev));
    expect(vals(v)).toEqual([0, 1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0, ...new Array<number>(12).fill(0)]);
  }));
});

describe('indexPut_ is Python assignment: values drop leading size-1 dims', () => {
  test('x[i] = v with v of more dims than the indexed shape, all leading ones', () => fl.scope(() => {
    // t = torch.zeros(4); t[2] = torch.tensor([5.]) -> [0, 0, 5, 0]
    let t = fl.zeros([4], dev);
    t.indexPut_([2], fl.tensor([5], dev));
    expect(vals(t)).toEqual([0, 0, 5, 0]);
    // t = torch.zeros(2, 3); t[torch.tensor([1]), 1:] = torch.ones(1, 1, 2) * 7 -> [[0, 0, 0], [0, 7, 7]]
    t = fl.zeros([2, 3], dev);
    t.indexPut_([ix([1]), '1:'], fl.full([1, 1, 2], 7, dev));
    expect(vals(t)).toEqual([0, 0, 0, 0, 7, 7]);
    // t = torch.zeros(3); t[torch.tensor([0, 2])] = torch.tensor([[1., 2.]]) -> [1, 0, 2]
    t = fl.zeros([3], dev);
    t.indexPut_([ix([0, 2])], fl.tensor([[1, 2]], dev));
    expect(vals(t)).toEqual([1, 0, 2]);
  }));

  test('indexPut (torch.index_put) still refuses them', () => fl.scope(() => {
    // torch.zeros(3).index_put((torch.tensor([0, 2]),), torch.tensor([[1., 2.]]))
    // -> RuntimeError: shape mismatch: value tensor of shape [1, 2] cannot be broadcast to indexing result of shape [2]
    expect(() => fl.indexPut(fl.zeros([3], dev), [ix([0, 2])], fl.tensor([[1, 2]], dev))).toThrow(fl.ShapeError);
    // a value with a leading dim that is not 1 is refused by both forms
    expect(() => fl.zeros([3], dev).indexPut_([ix([0, 2])], fl.ones([2, 2], dev))).toThrow(/indexPut_: values of shape \[2, 2\]/);
  }));
});

describe('gather / scatter / scatterAdd with an empty index: no shape checks (PyTorch checks only a non-empty index)', () => {
  test('gather', () => fl.scope(() => {
    // torch.gather(torch.zeros(2, 3), 1, torch.zeros(3, 0, dtype=torch.long)).shape -> [3, 0]
    const x = fl.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32', ...dev }).requiresGrad_();
    const g = fl.gather(x, 1, fl.zeros([3, 0], { dtype: 'int32', ...dev }));
    expect(g.shape).toEqual([3, 0]);
    // g.sum().backward(); x.grad -> zeros
    g.sum().backward();
    expect(vals(x.grad)).toEqual([0, 0, 0, 0, 0, 0]);
    // torch.gather(torch.zeros(1, 0, 1), 2, torch.zeros(2, 0, dtype=torch.long)).shape -> [2, 0] (another rank)
    expect(fl.gather(fl.zeros([1, 0, 1], dev), 2, fl.zeros([2, 0], { dtype: 'int32', ...dev })).shape).toEqual([2, 0]);
    // a dim out of range is still refused: torch.gather(torch.zeros(2, 3), 2, torch.zeros(3, 0, dtype=torch.long)) -> IndexError
    expect(() => fl.gather(fl.zeros([2, 3], dev), 2, fl.zeros([3, 0], { dtype: 'int32', ...dev }))).toThrow(fl.IndexError);
  }));

  test('scatter, scatterAdd and their in-place forms', () => fl.scope(() => {
    const a = () => fl.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32', ...dev });
    const e = (...s: number[]) => fl.zeros(s, { dtype: 'int32', ...dev });
    // a.scatter(1, torch.zeros(3, 0, dtype=torch.long), 0.5) -> a unchanged
    const x = a().requiresGrad_();
    const o = fl.scatter(x, 1, e(3, 0), 0.5);
    expect(vals(o)).toEqual([1, 2, 3, 4, 5, 6]);
    // (o * torch.tensor([[1., 2, 3], [4, 5, 6]])).sum().backward(); a.grad -> [[1, 2, 3], [4, 5, 6]]
    o.mul(a()).sum().backward();
    expect(vals(x.grad)).toEqual([1, 2, 3, 4, 5, 6]);
    // a.scatter_add(0, torch.zeros(0, 5, dtype=torch.long), torch.ones(1, 1)) -> a unchanged
    expect(vals(fl.scatterAdd(a(), 0, e(0, 5), fl.ones([1, 1], dev)))).toEqual([1, 2, 3, 4, 5, 6]);
    // a.clone().scatter_(1, torch.zeros(4, 0, dtype=torch.long), 1.5) -> a unchanged
    expect(vals(a().scatter_(1, e(4, 0), 1.5))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(vals(a().scatterAdd_(1, e(0, 2, 2), fl.ones([1, 1, 1], dev)))).toEqual([1, 2, 3, 4, 5, 6]);
    // the src dtype is still checked: a.scatter_add(0, torch.zeros(0, 5, dtype=torch.long), torch.ones(1, 1, dtype=torch.float64)) -> RuntimeError
    expect(() => fl.scatterAdd(a(), 0, e(0, 5), fl.ones([1, 1], { dtype: 'float64', ...dev }))).toThrow(fl.DTypeError);
  }));
});

describe('einsum: a letter repeated in one operand needs equal sizes there (no broadcasting)', () => {
  test('ii on a [2, 1] operand is refused', () => fl.scope(() => {
    // torch.einsum('ii', torch.zeros(2, 1)) -> RuntimeError: einsum(): subscript i is repeated for operand 0 but the sizes don't match, 1 != 2
    // (flintml took the diagonal of length 1: a silent value)
    expect(() => fl.einsum('ii', fl.zeros([2, 1], dev))).toThrow(fl.ShapeError);
    expect(() => fl.einsum('ii', fl.zeros([2, 1], dev))).toThrow(/einsum: subscript 'i' is repeated in operand 0 \(shape \[2, 1\]\) with sizes 2 and 1/);
    // torch.einsum('ii->i', torch.zeros(1, 3)), torch.einsum('iij->j', torch.zeros(2, 1, 3)), torch.einsum('ii->', torch.zeros(0, 1)) -> the same error
    expect(() => fl.einsum('ii->i', fl.zeros([1, 3], dev))).toThrow(fl.ShapeError);
    expect(() => fl.einsum('iij->j', fl.zeros([2, 1, 3], dev))).toThrow(fl.ShapeError);
    expect(() => fl.einsum('ii->', fl.zeros([0, 1], dev))).toThrow(fl.ShapeError);
    // torch.einsum('ij,jj->i', torch.ones(2, 3), torch.ones(1, 3)) -> the same error for operand 1
    expect(() => fl.einsum('ij,jj->i', fl.ones([2, 3], dev), fl.ones([1, 3], dev))).toThrow(/operand 1/);
    // a size-1 dim still broadcasts across operands: torch.einsum('ij,jk->ik', torch.ones(2, 1), torch.ones(3, 3)) -> 3s
    expect(vals(fl.einsum('ij,jk->ik', fl.ones([2, 1], dev), fl.ones([3, 3], dev)))).toEqual([3, 3, 3, 3, 3, 3]);
  }));
});
