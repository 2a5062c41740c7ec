// relu_backward.test.ts — relu's fused gradient (the binary op 'reluBackward': 0 where x <= 0, g
// elsewhere (a NaN x passes g, as torch's threshold_backward), in one native pass). References: the rule written out in JS on the dtype-rounded
// inputs (the result is one of g's values or 0, so it is exact in every dtype); central finite
// differences of relu itself (float64, inputs kept away from the kink at 0); the op's own gradient
// against finite differences of the op; autograd's x.grad of relu through the fused op.
import * as fl from '../lib';
import { gradcheck } from '../lib/gradcheck';
import { DEVICE, expectClose, makeLayout, randomArray, roundTo } from './helpers';

const FLOATS: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16'];
/** relu'(x)·g by torch's rule (threshold_backward on the output): the non-positive x give 0, a NaN x passes g. */
const ref = (g: number, x: number): number => (x <= 0 ? 0 : g);
/** Random values with no |x| below 0.05 (finite differences of relu need a step away from its kink). */
const offKink = (n: number, seed: number): number[] => randomArray(n, seed, -2, 2).map((v) => (Math.abs(v) < 0.05 ? v + Math.sign(v || 1) * 0.1 : v));

describe('reluBackward: 0 where x <= 0, g elsewhere, against the rule in JS', () => {
  for (const dtype of FLOATS) {
    for (const layout of ['contiguous', 'permuted', 'sliced'] as const) {
      test(`${dtype} ${layout}`, () => fl.scope(() => {
        const shape = [4, 5, 6], n = 120;
        const xs = roundTo(randomArray(n, 51, -3, 3), dtype), gs = roundTo(randomArray(n, 52, -2, 2), dtype);
        xs[3] = 0; xs[7] = -0;  // the kink gives 0, as PyTorch's threshold_backward
        const x = makeLayout(xs, shape, dtype, layout), g = makeLayout(gs, shape, dtype, layout, 1);
        const y = fl.reluBackward(g, x);
        expect(y.dtype).toBe(dtype);
        expect(y.shape).toEqual(shape);
        expect(Array.from(y.dataSync() as ArrayLike<number>)).toEqual(xs.map((v, i) => ref(gs[i], v)));
      }));
    }
  }
  test('broadcasting the gradient; NaN, infinities and a long row (the vector loop and its tail)', () => fl.scope(() => {
    const xs = [-Infinity, -1, 0, 1e-30, 1, Infinity, NaN];
    const x = fl.tensor(xs, { dtype: 'float32', device: DEVICE });
    const g = fl.tensor([[1.5], [-2]], { dtype: 'float32', device: DEVICE });
    const y = fl.reluBackward(g, x);
    expect(y.shape).toEqual([2, 7]);
    expect(Array.from(y.dataSync() as Float32Array)).toEqual([...xs.map((v) => ref(1.5, v)), ...xs.map((v) => ref(-2, v))]);
    // a NaN gradient passes where x > 0 and is dropped elsewhere, as the composed where(x > 0, g, 0)
    const gn = fl.tensor([NaN, NaN], { dtype: 'float32', device: DEVICE }), xn = fl.tensor([1, -1], { dtype: 'float32', device: DEVICE });
    const yn = Array.from(fl.reluBackward(gn, xn).dataSync() as Float32Array);
    expect(Number.isNaN(yn[0])).toBe(true);
    expect(yn[1]).toBe(0);
    const n = 1037, xl = randomArray(n, 53, -1, 1), gl = roundTo(randomArray(n, 54, -1, 1), 'float32');
    const yl = fl.reluBackward(fl.tensor(gl, { dtype: 'float32', device: DEVICE }), fl.tensor(xl, { dtype: 'float32', device: DEVICE }));
    expect(Array.from(yl.dataSync() as Float32Array)).toEqual(gl.map((v, i) => ref(v, Math.fround(xl[i]))));
  }));
  test('autograd: x.grad of relu(x)·w is w where x > 0 (the fused op behind relu\'s gradient)', () => {
    for (const dtype of ['float32', 'float64', 'float16', 'bfloat16'] as const) {
      fl.scope(() => {
        const xs = roundTo(randomArray(64, 55, -4, 4), dtype), ws = roundTo(randomArray(64, 56, -1, 1), dtype);
        const x = fl.tensor(xs, { dtype, device: DEVICE }).reshape([8, 8]).requiresGrad_();
        const w = fl.tensor(ws, { dtype, device: DEVICE }).reshape([8, 8]);
        fl.relu(x).mul(w).sum().backward();
        expectClose(x.grad!, xs.map((v, i) => ref(ws[i], v)), dtype);
      });
    }
  });
  test('relu\'s gradient against finite differences (float64, away from the kink)', () => fl.scope(() => {
    const x = fl.tensor(offKink(24, 57), { dtype: 'float64', device: DEVICE }).reshape([4, 6]).requiresGrad_();
    expect(gradcheck((t: fl.Tensor) => fl.relu(t).mul(t), [x])).toBe(true);
  }));
  test('the op\'s own gradient (a double backward) against finite differences (float64)', () => fl.scope(() => {
    const x = fl.tensor(offKink(24, 58), { dtype: 'float64', device: DEVICE }).reshape([4, 6]).requiresGrad_();
    const g = fl.tensor(randomArray(24, 59, -2, 2), { dtype: 'float64', device: DEVICE }).reshape([4, 6]).requiresGrad_();
    expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.reluBackward(a, b), [g, x])).toBe(true);
    // a broadcast gradient operand is summed back to its shape
    const g1 = fl.tensor(randomArray(6, 60, -2, 2), { dtype: 'float64', device: DEVICE }).requiresGrad_();
    expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.reluBackward(a, b), [g1, x])).toBe(true);
  }));
  test('bad input: a typed error naming the op', () => fl.scope(() => {
    const x = fl.zeros([2, 3], { device: DEVICE }), g = fl.zeros([4], { device: DEVICE });
    expect(() => fl.reluBackward(g, x)).toThrow(fl.ShapeError);
    expect(() => fl.reluBackward(g, x)).toThrow(/reluBackward/);
    expect(() => (fl.reluBackward as (...a: unknown[]) => fl.Tensor)(x, x, 1)).toThrow(fl.ValueError);
    if (DEVICE !== 'cpu') expect(() => fl.reluBackward(x, fl.zeros([2, 3]))).toThrow(fl.DeviceError);
  }));
});
