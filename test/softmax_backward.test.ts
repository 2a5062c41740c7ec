// softmax_backward.test.ts — the fused gradient of softmax and logSoftmax (the native op
// 'softmaxBackward': one call, two passes over a row, where the composed form took four ops).
// References: the gradient written out in float64 JS from the op's own (dtype-rounded) output y and
// the upstream gradient w (softmax: y·(w - Σ w·y); logSoftmax: w - exp(y)·Σ w), within helpers.TOL,
// along the last dim (rows) and an inner dim (columns); finite differences in float64.
import * as fl from '../lib';
import { gradcheck } from '../lib/gradcheck';
import { DEVICE, expectClose, randomArray, roundTo, unravel, ravel } from './helpers';

const FLOATS: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16'];

/** The float64 gradient along dim d of `shape` from y and w (row-major arrays). */
function reference(y: number[], w: number[], shape: number[], d: number, log: boolean): number[] {
  const sums = new Map<string, number>();
  const key = (i: number) => { const idx = unravel(i, shape); idx[d] = 0; return ravel(idx, shape); };
  y.forEach((v, i) => { const k = String(key(i)); sums.set(k, (sums.get(k) ?? 0) + (log ? w[i] : w[i] * v)); });
  return y.map((v, i) => { const s = sums.get(String(key(i)))!; return log ? w[i] - Math.exp(v) * s : v * (w[i] - s); });
}

describe('softmax / logSoftmax backward against the float64 gradient', () => {
  const shapes: [number[], number][] = [[[6, 37], 1], [[3, 5, 7], 1], [[2, 300, 3], 1], [[4, 9], 0], [[130], 0]];
  for (const log of [false, true]) {
    for (const dtype of FLOATS) {
      for (const [shape, d] of shapes) {
        test(`${log ? 'logSoftmax' : 'softmax'} ${dtype} [${shape.join(',')}] dim ${d}`, () => fl.scope(() => {
          const n = shape.reduce((a, b) => a * b, 1);
          const xs = roundTo(randomArray(n, 51, -4, 4), dtype), ws = roundTo(randomArray(n, 52, -1, 1), dtype);
          const x = fl.tensor(xs, { dtype, device: DEVICE }).reshape(shape).requiresGrad_();
          const w = fl.tensor(ws, { dtype, device: DEVICE }).reshape(shape);
          const y = log ? fl.logSoftmax(x, d) : fl.softmax(x, d);
          y.mul(w).sum().backward();
          const yv = Array.from(y.dataSync() as ArrayLike<number>);
          // the sums run in the compute type (float for the 16-bit dtypes) over up to 300 terms
          expectClose(x.grad!, reference(yv, ws, shape, d, log), dtype, dtype === 'float32' ? 4 : 2);
        }));
      }
    }
  }
  test('a non-contiguous upstream gradient of another dtype (softmax with dtype: float64 output of a float32 input)', () => fl.scope(() => {
    const xs = roundTo(randomArray(24, 53, -3, 3), 'float32');
    const x = fl.tensor(xs, { dtype: 'float32', device: DEVICE }).reshape([4, 6]).requiresGrad_();
    const w = fl.tensor(randomArray(24, 54, -1, 1), { dtype: 'float64', device: DEVICE }).reshape([6, 4]).t();
    const y = fl.softmax(x, 1, 'float64');
    y.mul(w).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    const yv = Array.from(y.dataSync() as ArrayLike<number>), wv = Array.from(w.contiguous().dataSync() as ArrayLike<number>);
    expectClose(x.grad!, reference(yv, wv, [4, 6], 1, false), 'float32');
  }));
  test('finite differences (float64), rows and columns', () => {
    for (const [shape, d] of [[[3, 7], 1], [[3, 4, 5], 1], [[5, 2], 0]] as [number[], number][]) {
      fl.scope(() => {
        const x = fl.tensor(randomArray(shape.reduce((a, b) => a * b, 1), 55, -2, 2), { dtype: 'float64', device: DEVICE }).reshape(shape).requiresGrad_();
        const w = fl.tensor(randomArray(shape.reduce((a, b) => a * b, 1), 56, -1, 1), { dtype: 'float64', device: DEVICE }).reshape(shape);
        expect(gradcheck((t: fl.Tensor) => fl.softmax(t, d).mul(w), [x])).toBe(true);
        expect(gradcheck((t: fl.Tensor) => fl.logSoftmax(t, d).mul(w), [x])).toBe(true);
      });
    }
  });
});
