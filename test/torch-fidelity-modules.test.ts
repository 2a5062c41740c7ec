// torch-fidelity-modules.test.ts — regressions for the differences from PyTorch 1.13 that
// bench/torch-diff.js (bench/torch-diff-specs-modules.js: modules with the same weights on both
// sides) found in fl.nn's modules. Expected values come from PyTorch 1.13 (CPU), with the code that
// made them beside each.
import * as fl from '../lib';
import { DEVICE } from './helpers';

const { nn } = fl;
const dev = { device: DEVICE };
const f64 = (v: number[], shape: number[]) => fl.tensor(v, { dtype: 'float64', ...dev }).reshape(shape);
const vals = (t: fl.Tensor): number[] => Array.from(t.to('cpu').reshape([-1]).toArray() as ArrayLike<number>);

describe('MultiheadAttention: a row with every key masked', () => {
  // m = torch.nn.MultiheadAttention(2, 1, dtype=torch.float64), weights as below;
  // q [2, 1, 2], k, v [2, 1, 2]; attn_mask = [[False, False], [True, True]] (row 1: every key masked)
  // y, w = m(q, k, v, attn_mask=am); (y * [[[1, -1]], [[0.5, 2]]]).sum().backward()
  // -> y[0] = [0.04185541440537721, -0.49898645139585501], y[1] = NaN, w[0] = [0.0558072192071697, 0.9441927807928303]
  //    q.grad[0] = [-0.00800495296893134, -0.01000619121116418], q.grad[1] = NaN, k.grad = NaN (all)
  // torch adds a bool mask as 0/-inf, so the NaN of the masked row reaches q's and k's gradients;
  // flintml applied it by masked_fill, whose gradient is 0 there: q.grad[1] was 0 and k.grad finite.
  test('the gradients are NaN as PyTorch\'s (bool mask added as 0/-inf)', () => {
    fl.scope(() => {
      const m = new nn.MultiheadAttention(2, 1, { dtype: 'float64', ...dev });
      m.loadStateDict({
        in_proj_weight: f64([0.5, -0.25, 0.25, 0.75, -0.5, 1.0, 1.0, 0.5, 0.25, -0.75, 0.5, 0.5], [6, 2]),
        in_proj_bias: f64([0.1, -0.2, 0.3, 0.0, 0.25, -0.5], [6]),
        'out_proj.weight': f64([1.0, -0.5, 0.25, 0.5], [2, 2]),
        'out_proj.bias': f64([0.5, -0.25], [2]),
      });
      const q = f64([1.0, 2.0, -1.0, 0.5], [2, 1, 2]).requiresGrad_(true);
      const k = f64([0.5, -1.0, 2.0, 1.0], [2, 1, 2]).requiresGrad_(true);
      const v = f64([1.5, 0.25, -0.5, 1.0], [2, 1, 2]).requiresGrad_(true);
      const am = fl.tensor([false, false, true, true], { dtype: 'bool', ...dev }).reshape([2, 2]);
      const [y, w] = m.forward(q, k, v, { attnMask: am });
      const yv = vals(y);
      expect(yv[0]).toBeCloseTo(0.04185541440537721, 12);
      expect(yv[1]).toBeCloseTo(-0.49898645139585501, 12);
      expect(Number.isNaN(yv[2]) && Number.isNaN(yv[3])).toBe(true);
      const wv = vals(w!);
      expect(wv[0]).toBeCloseTo(0.05580721920716974, 12);
      expect(wv[1]).toBeCloseTo(0.94419278079283031, 12);
      y.mul(f64([1, -1, 0.5, 2], [2, 1, 2])).sum().backward();
      const gq = vals(q.grad!);
      expect(gq[0]).toBeCloseTo(-0.00800495296893134, 12);
      expect(gq[1]).toBeCloseTo(-0.01000619121116418, 12);
      expect(gq.slice(2).every(Number.isNaN)).toBe(true);
      expect(vals(k.grad!).every(Number.isNaN)).toBe(true);
    });
  });

  test('a bool mask with no fully masked row still gives finite gradients', () => {
    fl.scope(() => {
      const m = new nn.MultiheadAttention(2, 1, { dtype: 'float64', ...dev });
      const q = f64([1.0, 2.0, -1.0, 0.5], [2, 1, 2]).requiresGrad_(true);
      const am = fl.tensor([false, true, false, false], { dtype: 'bool', ...dev }).reshape([2, 2]);
      const kpm = fl.tensor([false, false], { dtype: 'bool', ...dev }).reshape([1, 2]);
      const [y] = m.forward(q, q, q, { attnMask: am, keyPaddingMask: kpm });
      y.sum().backward();
      expect(vals(q.grad!).every(Number.isFinite)).toBe(true);
    });
  });
});

describe('ConvTranspose2d.forward(x, outputSize): the sizes PyTorch accepts', () => {
  // m = torch.nn.ConvTranspose2d(1, 2, (1, 2), stride=(1, 3), padding=(1, 2), dilation=(2, 1)); x = zeros(1, 1, 4, 4)
  // m(x, output_size=[3, 9])  -> ValueError: requested an output size of [3, 9], but valid sizes range from [2, 7] to [2, 9]
  // m(x, output_size=[2, 10]) -> ValueError (same)
  // m(x, output_size=[2, 9]).shape == [1, 2, 2, 9];  m(x, output_size=[7, 2, 2, 9]).shape == [1, 2, 2, 9]
  // m(x, output_size=[2, 2, 9]) -> ValueError: ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements (got 3)
  // m(zeros(1, 4, 4), output_size=[5, 2, 9]).shape == [2, 2, 9]
  // flintml took sizes up to min + max(stride, dilation) - 1 ([3, 9] gave [1, 2, 3, 9]) and any
  // number of elements (their last two)
  test('an extra size of stride or more is refused, even below the dilation', () => {
    fl.scope(() => {
      const m = new nn.ConvTranspose2d(1, 2, [1, 2], { stride: [1, 3], padding: [1, 2], dilation: [2, 1], ...dev });
      const x = fl.zeros([1, 1, 4, 4], dev);
      expect(() => m.forward(x, [3, 9])).toThrow(fl.ValueError);
      expect(() => m.forward(x, [3, 9])).toThrow(/ConvTranspose2d: requested output size \[3, 9\] is not reachable from input \[1, 1, 4, 4\] \(sizes from 2 to 2 along dim 0\)/);
      expect(() => m.forward(x, [2, 10])).toThrow(/sizes from 7 to 9 along dim 1/);
      expect(m.forward(x, [2, 9]).shape).toEqual([1, 2, 2, 9]);
    });
  });

  test('outputSize has 2 elements or the whole output shape\'s', () => {
    fl.scope(() => {
      const m = new nn.ConvTranspose2d(1, 2, [1, 2], { stride: [1, 3], padding: [1, 2], dilation: [2, 1], ...dev });
      const x = fl.zeros([1, 1, 4, 4], dev);
      expect(m.forward(x, [7, 2, 2, 9]).shape).toEqual([1, 2, 2, 9]);
      expect(() => m.forward(x, [2, 2, 9])).toThrow(/ConvTranspose2d: for 4-D input \[1, 1, 4, 4\], outputSize must have 2 or 4 elements, got \[2, 2, 9\]/);
      expect(() => m.forward(x, [9])).toThrow(fl.ValueError);
      expect(m.forward(fl.zeros([1, 4, 4], dev), [5, 2, 9]).shape).toEqual([2, 2, 9]);
      expect(() => m.forward(fl.zeros([1, 4, 4], dev), [1, 5, 2, 9])).toThrow(fl.ValueError);
    });
  });
});

describe('pooling windows that lie in the padding, and conv1d errors in its own terms', () => {
  // torch.nn.functional.max_pool2d(torch.zeros(1, 1, 1, 1), (2, 1), 1, (1, 0), (2, 1)) -> tensor([[[[-inf]]]])
  // with an argmax outside the plane (its backward writes there: heap corruption). flintml refuses the
  // window in the forward (its backward refused the index with an internal message before).
  test('maxPool2d: a window whose every tap is padding is a ValueError naming it', () => fl.scope(() => {
    const x = fl.zeros([1, 1, 1, 1], dev);
    expect(() => fl.nn.maxPool2d(x, [2, 1], { stride: 1, padding: [1, 0], dilation: [2, 1] }))
      .toThrow(/^maxPool2d: output height position 0 pools no element of the input \[1, 1, 1, 1\] \(kernel \[2, 1\], stride \[1, 1\], padding \[1, 0\], dilation \[2, 1\]\): every tap of its window is padding$/);
    expect(() => new fl.nn.MaxPool2d([2, 1], { stride: 1, padding: [1, 0], dilation: [2, 1] }).forward(x)).toThrow(fl.ValueError);
    // dilation whose windows all reach the input still pools
    expect(fl.nn.maxPool2d(fl.ones([1, 1, 1, 5], dev), [1, 2], { stride: 1, padding: [0, 1], dilation: [1, 4], ceilMode: true }).shape).toEqual([1, 1, 1, 3]);
  }));
  // conv1d's refusals named conv2d and its internal 4-D shapes
  test('conv1d: a refusal names conv1d and the caller\'s shapes', () => fl.scope(() => {
    expect(() => fl.nn.conv1d(fl.zeros([2, 1, 1], dev), fl.zeros([1, 1, 2], dev))).toThrow(/^conv1d: .*\(conv1d of input \[2, 1, 1\] with weight \[1, 1, 2\], computed as conv2d with a height of 1\)$/);
    expect(() => fl.nn.conv1d(fl.zeros([2, 1, 1], dev), fl.zeros([1, 1, 2], dev))).toThrow(fl.ShapeError);
  }));
});
