// pooling.test.ts — the 1-D, adaptive max and LP poolings (lib/nn/pooling.ts): F.maxPool1d,
// avgPool1d, adaptiveAvgPool1d, adaptiveMaxPool1d/2d, lpPool1d/2d and their modules. References:
// PyTorch 1.13 golden values (the torch call beside each, float64, printed to 10 digits: tolerance
// 1e-9), a float64 naive loop over torch's adaptive windows, finite differences (fl.gradcheck in
// float64), and torch's repr strings. Runs on DEVICE (the CPU, or the emulated GPU under
// scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, randomArray } from './helpers';

const F = fl.nn.functional;
const nn = fl.nn;
const on = (v: number[], shape: number[], dtype: fl.DType = 'float64'): fl.Tensor => fl.tensor(v, { dtype, device: DEVICE }).reshape(shape);
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const ints = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);
function near(got: number[], want: number[], tol = 1e-9): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => { if (!(Math.abs(g - want[i]) <= tol * Math.max(1, Math.abs(want[i])) || Object.is(g, want[i]))) throw new Error(`[${i}]: expected ${want[i]}, got ${g} (all: ${got})`); });
}

// x = torch.tensor([[[0.5,-1.25,2.0,3.5,-0.75,1.0,0.25]],[[1.5,2.5,-3.0,0.0,4.0,-2.0,1.75]]], dtype=torch.float64)
const X1 = [0.5, -1.25, 2.0, 3.5, -0.75, 1.0, 0.25, 1.5, 2.5, -3.0, 0.0, 4.0, -2.0, 1.75];
const x1 = (): fl.Tensor => on(X1, [2, 1, 7]);
// y = torch.arange(30, dtype=torch.float64).reshape(1, 1, 5, 6).sin()
const y2 = (): fl.Tensor => on(Array.from({ length: 30 }, (_, i) => Math.sin(i)), [1, 1, 5, 6]);

describe('F forms against torch 1.13', () => {
  test('maxPool1d: stride, padding, ceilMode, returnIndices', () => fl.scope(() => {
    // F.max_pool1d(x, 3, 2, 1, 1, True, True)
    const [v, i] = F.maxPool1d(x1(), 3, 2, 1, 1, true, true);
    near(vals(v), [0.5, 3.5, 3.5, 1.0, 2.5, 2.5, 4.0, 1.75]);
    expect(ints(i)).toEqual([0, 3, 3, 5, 1, 1, 4, 6]);
    expect(i.dtype).toBe('int32');
    // the keyword form is the same call
    near(vals(F.maxPool1d(x1(), 3, { stride: 2, padding: 1, ceilMode: true })), [0.5, 3.5, 3.5, 1.0, 2.5, 2.5, 4.0, 1.75]);
  }));
  test('avgPool1d: countIncludePad false, ceilMode', () => fl.scope(() => {
    // F.avg_pool1d(x, 3, 2, 1, True, False)
    near(vals(F.avgPool1d(x1(), 3, 2, 1, true, false)), [-0.375, 1.4166666667, 1.25, 0.625, 2.0, -0.1666666667, 0.6666666667, -0.125]);
  }));
  test('adaptiveAvgPool1d and adaptiveMaxPool1d (uneven windows)', () => fl.scope(() => {
    // F.adaptive_avg_pool1d(x, 3)
    near(vals(F.adaptiveAvgPool1d(x1(), 3)), [0.4166666667, 1.5833333333, 0.1666666667, 0.3333333333, 0.3333333333, 1.25]);
    // F.adaptive_max_pool1d(x, 3, True)
    const [v, i] = F.adaptiveMaxPool1d(x1(), 3, true);
    near(vals(v), [2.0, 3.5, 1.0, 2.5, 4.0, 4.0]);
    expect(ints(i)).toEqual([2, 3, 5, 1, 4, 4]);
  }));
  test('adaptiveMaxPool2d: values and flat indices h*W+w', () => fl.scope(() => {
    // F.adaptive_max_pool2d(y, (3, 4), True)
    const [v, i] = F.adaptiveMaxPool2d(y2(), [3, 4], true);
    near(vals(v), [0.8414709848, 0.9893582466, 0.4121184852, -0.5440211109, 0.6569865987, 0.9906073557, 0.8366556385, -0.0088513093,
      0.1498772097, 0.9129452507, 0.9563759284, 0.2709057883]);
    expect(ints(i)).toEqual([1, 8, 9, 10, 7, 14, 21, 22, 19, 20, 27, 28]);
    // null keeps that size; an int is both sizes; unbatched [C, H, W]
    expect(F.adaptiveMaxPool2d(y2(), [null, 2]).shape).toEqual([1, 1, 5, 2]);
    expect(F.adaptiveMaxPool2d(y2().squeeze(0), 2).shape).toEqual([1, 2, 2]);
    // an output too large to index is a ShapeError, before any window is built (2^31 windows ended the
    // process out of JS heap); also through the 1-D form, which pools as 2-D
    expect(() => F.adaptiveMaxPool2d(y2(), 2 ** 31)).toThrow(/adaptiveMaxPool2d: output size \[2147483648, 2147483648\] .* is too large/);
    expect(() => F.adaptiveMaxPool1d(fl.ones([1, 1, 4], { device: DEVICE }), 2 ** 31)).toThrow(fl.ShapeError);
  }));
  test('NaN: the first maximum, but the last NaN of a window (torch\'s kernel)', () => fl.scope(() => {
    // F.adaptive_max_pool1d(torch.tensor([[-2, nan, nan, 0.25, 0.25], [2.75, -0., -1.25, 1.5, -2.5]]), 2, True)
    //   -> ([[nan, nan], [2.75, 1.5]], [[2, 2], [0, 3]])
    const [v, i] = F.adaptiveMaxPool1d(on([-2, NaN, NaN, 0.25, 0.25, 2.75, -0, -1.25, 1.5, -2.5], [2, 5]), 2, true);
    const got = vals(v);
    expect([Number.isNaN(got[0]), Number.isNaN(got[1]), got[2], got[3]]).toEqual([true, true, 2.75, 1.5]);
    expect(ints(i)).toEqual([2, 2, 0, 3]);
  }));
  test('lpPool1d and lpPool2d', () => fl.scope(() => {
    // F.lp_pool1d(x.abs(), 2.5, 3, 2, True)
    near(vals(F.lpPool1d(x1().abs(), 2.5, 3, 2, true)), [2.2484358129, 3.8488242263, 1.1818252177, 3.8041819372, 4.6881408423, 4.4472179741]);
    // F.lp_pool2d(y, 2, (2, 3), (1, 2))
    near(vals(F.lpPool2d(y2(), 2, [2, 3], [1, 2])), [1.7388011331, 1.6923702429, 1.7129763338, 1.7122195779, 1.6928283498, 1.7379889418, 1.6849328175, 1.7615562117]);
  }));
  test('empty batches and lengths as torch', () => fl.scope(() => {
    expect(F.maxPool1d(fl.zeros([0, 2, 5], { device: DEVICE }), 2).shape).toEqual([0, 2, 2]);
    expect(F.adaptiveMaxPool2d(fl.zeros([0, 2, 3, 3], { device: DEVICE }), 2).shape).toEqual([0, 2, 2, 2]);
    // F.adaptive_avg_pool1d(torch.zeros(2, 1, 0), 1) -> nan (the mean of nothing)
    expect(vals(F.adaptiveAvgPool1d(fl.zeros([2, 1, 0], { device: DEVICE }), 1)).every(Number.isNaN)).toBe(true);
  }));
});

describe('adaptive max pooling against a float64 naive loop over torch\'s windows', () => {
  function naive(x: number[], [N, C, H, W]: number[], Ho: number, Wo: number): number[] {
    const out: number[] = [];
    for (let p = 0; p < N * C; p++) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          let m = -Infinity;
          for (let h = Math.floor((i * H) / Ho); h < Math.ceil(((i + 1) * H) / Ho); h++) {
            for (let w = Math.floor((j * W) / Wo); w < Math.ceil(((j + 1) * W) / Wo); w++) m = Math.max(m, x[p * H * W + h * W + w]);
          }
          out.push(m);
        }
      }
    }
    return out;
  }
  test.each([[7, 5, 3, 2], [9, 4, 4, 4], [6, 6, 3, 3], [5, 11, 5, 4], [3, 8, 7, 8]])('H=%i W=%i -> %ix%i', (H, W, Ho, Wo) => fl.scope(() => {
    const shape = [2, 3, H, W];
    const x = randomArray(2 * 3 * H * W, H * 100 + W);
    near(vals(F.adaptiveMaxPool2d(on(x, shape), [Ho, Wo])), naive(x, shape, Ho, Wo), 0);
    // float32 agrees too (max is exact)
    near(vals(F.adaptiveMaxPool2d(on(x, shape, 'float32'), [Ho, Wo])), naive(Array.from(new Float32Array(x)), shape, Ho, Wo), 0);
  }));
});

describe('gradients (finite differences in float64)', () => {
  // positive values for the LP poolings (a window whose sum of x^p is <= 0 has no derivative there)
  const r = (shape: number[], seed: number, lo = -2): fl.Tensor => on(randomArray(shape.reduce((a, b) => a * b, 1), seed, lo), shape).requiresGrad_(true);
  test.each([
    ['maxPool1d', (x: fl.Tensor) => F.maxPool1d(x, 3, 2, 1, 1, true)],
    ['avgPool1d', (x: fl.Tensor) => F.avgPool1d(x, 3, 2, 1, true, false)],
    ['adaptiveAvgPool1d', (x: fl.Tensor) => F.adaptiveAvgPool1d(x, 3)],
    ['adaptiveMaxPool1d', (x: fl.Tensor) => F.adaptiveMaxPool1d(x, 3)],
    ['lpPool1d', (x: fl.Tensor) => F.lpPool1d(x, 2, 3, 2)],
  ] as [string, (x: fl.Tensor) => fl.Tensor][])('%s', (_n, f) => fl.scope(() => {
    expect(fl.gradcheck(f, [r([2, 2, 7], 3, _n.startsWith('lp') ? 0.5 : -2)])).toBe(true);
  }));
  test.each([
    ['adaptiveMaxPool2d uneven', (x: fl.Tensor) => F.adaptiveMaxPool2d(x, [3, 2])],
    ['adaptiveMaxPool2d even', (x: fl.Tensor) => F.adaptiveMaxPool2d(x, [2, 2])],
    ['lpPool2d', (x: fl.Tensor) => F.lpPool2d(x, 3, [2, 2], 1)],
  ] as [string, (x: fl.Tensor) => fl.Tensor][])('%s', (_n, f) => fl.scope(() => {
    expect(fl.gradcheck(f, [r([1, 2, 4, 4], 5, _n.startsWith('lp') ? 0.5 : -2)])).toBe(true);
  }));
  test('the adaptive max gradient goes to the argmax (torch: grad of sum is one-hot at the indices)', () => fl.scope(() => {
    const x = on(X1, [2, 1, 7]).requiresGrad_(true);
    F.adaptiveMaxPool1d(x, 3).sum().backward();
    // x.grad of F.adaptive_max_pool1d(x, 3).sum(): 1 at [2, 3, 5] and 2 at index 4 of the second row (two windows share it)
    near(vals(x.grad!), [0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 2, 0, 0]);
  }));
});

describe('modules: torch\'s defaults, repr and forward', () => {
  test('repr strings as torch 1.13 prints them', () => {
    // str(torch.nn.MaxPool1d(3)), …
    expect(String(new nn.MaxPool1d(3))).toBe('MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new nn.MaxPool1d(3, 2, 1, 2, true, true))).toBe('MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)');
    expect(String(new nn.MaxPool1d([3]))).toBe('MaxPool1d(kernel_size=(3,), stride=(3,), padding=0, dilation=1, ceil_mode=False)');
    expect(String(new nn.AvgPool1d(3))).toBe('AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))');
    expect(String(new nn.AvgPool1d(3, 2, 1, true, false))).toBe('AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))');
    expect(String(new nn.AdaptiveAvgPool1d(3))).toBe('AdaptiveAvgPool1d(output_size=3)');
    expect(String(new nn.AdaptiveMaxPool1d(3))).toBe('AdaptiveMaxPool1d(output_size=3)');
    expect(String(new nn.AdaptiveMaxPool2d([null, 3]))).toBe('AdaptiveMaxPool2d(output_size=(None, 3))');
    expect(String(new nn.AdaptiveMaxPool2d(3, true))).toBe('AdaptiveMaxPool2d(output_size=3)');
    expect(String(new nn.LPPool1d(2, 3))).toBe('LPPool1d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)');
    expect(String(new nn.LPPool1d(2.5, 3, 2, true))).toBe('LPPool1d(norm_type=2.5, kernel_size=3, stride=2, ceil_mode=True)');
    expect(String(new nn.LPPool2d(2, [2, 3]))).toBe('LPPool2d(norm_type=2, kernel_size=(2, 3), stride=None, ceil_mode=False)');
  });
  test('no parameters or buffers; forward equals the F form; returnIndices', () => fl.scope(() => {
    for (const m of [new nn.MaxPool1d(2), new nn.AvgPool1d(2), new nn.AdaptiveAvgPool1d(2), new nn.AdaptiveMaxPool1d(2), new nn.LPPool1d(2, 2)]) {
      expect(Object.keys(m.stateDict())).toEqual([]);
      expect(m.forward(x1()).shape).toEqual([2, 1, m instanceof nn.AdaptiveAvgPool1d || m instanceof nn.AdaptiveMaxPool1d ? 2 : 3]);
    }
    const [v, i] = new nn.MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true }).forward(x1());
    near(vals(v), [0.5, 3.5, 3.5, 1.0, 2.5, 2.5, 4.0, 1.75]);
    expect(ints(i)).toEqual([0, 3, 3, 5, 1, 1, 4, 6]);
    const [v2, i2] = new nn.AdaptiveMaxPool2d([3, 4], true).forward(y2());
    expect(v2.shape).toEqual([1, 1, 3, 4]);
    expect(ints(i2)).toEqual([1, 8, 9, 10, 7, 14, 21, 22, 19, 20, 27, 28]);
    near(vals(new nn.LPPool2d(2, [2, 3], [1, 2]).forward(y2())), vals(F.lpPool2d(y2(), 2, [2, 3], [1, 2])));
  }));
});

describe('refusals: typed errors naming the op and the shapes', () => {
  test('ranks, sizes, padding limit, dtypes', () => fl.scope(() => {
    expect(() => F.maxPool1d(fl.ones([1, 1, 1, 4], { device: DEVICE }), 2)).toThrow(new fl.ShapeError('maxPool1d: expected a 2-D [C, L] or 3-D [N, C, L] input, got shape [1, 1, 1, 4]'));
    expect(() => F.maxPool1d(fl.ones([1, 1, 2], { device: DEVICE }), 3)).toThrow(/^maxPool1d: input \[1, 1, 1, 2\] is too small for kernel \[1, 3\].*\(maxPool1d of input \[1, 1, 2\], computed as maxPool2d with a height of 1\)$/);
    expect(() => F.maxPool1d(fl.ones([1, 1, 4], { device: DEVICE }), 2, 1, 2)).toThrow(fl.ValueError);
    expect(() => F.maxPool1d(fl.ones([1, 1, 4], { device: DEVICE }), [2, 2] as any)).toThrow(/maxPool1d: kernelSize must be an integer or a one-element array/);
    expect(() => F.avgPool1d(fl.ones([1, 0], { device: DEVICE }), 1)).toThrow(fl.ShapeError);
    expect(() => F.avgPool1d(fl.ones([1, 4], { dtype: 'int32', device: DEVICE }), 2)).toThrow(new fl.DTypeError('avgPool1d: expected a floating input, got int32'));
    expect(() => F.adaptiveMaxPool2d(fl.ones([1, 0, 3], { device: DEVICE }), 2)).toThrow(/adaptiveMaxPool2d: expected input to have non-zero size for non-batch dimensions, got input \[1, 0, 3\]/);
    expect(() => F.adaptiveMaxPool1d(fl.ones([1, 4], { device: DEVICE }), 0)).toThrow(/adaptiveMaxPool1d: outputSize must be a positive integer/);
    expect(() => F.lpPool2d(fl.ones([1, 4, 4], { device: DEVICE }), 'x' as any, 2)).toThrow(new fl.ValueError("lpPool2d: normType must be a number, got 'x'"));
    expect(() => new nn.MaxPool1d(0)).toThrow(/MaxPool1d: kernelSize must be an integer >= 1/);
    expect(() => new nn.AdaptiveMaxPool2d([1, 2, 3] as any)).toThrow(fl.ValueError);
    expect(() => new nn.LPPool2d(2, 2, { stide: 1 } as any)).toThrow(new fl.ValueError("LPPool2d: unknown option 'stide' (did you mean 'stride'?)"));
  }));
});
