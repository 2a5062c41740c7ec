/**
 * @jest-environment ./test/onnx-environment.js
 */
// pad-resize.test.ts — F.pad (lib/nn/pad.ts), F.interpolate (lib/nn/resize.ts), the conv layers'
// paddingMode (lib/nn/conv.ts) and nn.Upsample (lib/nn/layers.ts).
//
// References: PyTorch 1.13 golden values (the torch call that made each is beside it; inputs are
// x(...shape) = arange(n)·0.5 - 1 in float64), a float64 bilinear written out here from torch's
// documented source-index formula, finite-difference gradient checks (fl.gradcheck, float64), and
// onnxruntime for the ONNX forms (Pad, Resize). bench/torch-diff-specs-resize.js compares the same
// functions with PyTorch on random draws (bench/FIDELITY.md).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { checkPadList } from '../lib/nn/pad';
import { decodeModel } from '../lib/onnx/proto';
import { DEVICE, expectClose } from './helpers';

const { nn } = fl;
const F = nn.functional;

/** arange(n)·0.5 - 1 of the given shape, float64 on the device under test (torch's `x(*s)`). */
function x(...shape: number[]): fl.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return fl.arange(n, { dtype: 'float64', device: DEVICE }).mul(0.5).sub(1).reshape(shape);
}
const vals = (t: fl.Tensor): number[] => Array.from(t.to('cpu').dataSync() as ArrayLike<number>, Number);
const rnd = (shape: number[]) => fl.randn(shape, { dtype: 'float64', device: DEVICE });
const check = (f: (a: fl.Tensor) => fl.Tensor, input: fl.Tensor) => expect(fl.gradcheck(f, [input.requiresGrad_(true)])).toBe(true);

describe('F.pad: constant', () => {
  test('negative pads crop, positive ones fill with the value, from the last dim backwards', () => {
    fl.scope(() => {
      // torch: F.pad(x(2, 3), (1, -1, 2, 0), value=7.5)
      const y = F.pad(x(2, 3), [1, -1, 2, 0], 'constant', 7.5);
      expect(y.shape).toEqual([4, 3]);
      expectClose(y, [7.5, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5, -1.0, -0.5, 7.5, 0.5, 1.0]);
      expect(F.pad(x(2, 3), [1, 1], { value: 2 }).shape).toEqual([2, 5]);
      expect(F.pad(x(2, 3), []).shape).toEqual([2, 3]);
    });
  });

  test('every dtype; the value converts as torch converts a Python float (truncated, overflow refused)', () => {
    fl.scope(() => {
      const i = fl.tensor([1, 2, 3], { dtype: 'int32', device: DEVICE });
      // torch: F.pad(torch.tensor([1, 2, 3]), (1, 1), value=1.7) -> [1, 1, 2, 3, 1]
      expect(vals(F.pad(i, [1, 1], 'constant', 1.7))).toEqual([1, 1, 2, 3, 1]);
      // torch: F.pad(torch.tensor([True, False]), (0, 1), value=0.5) -> [True, False, True]
      expect(vals(F.pad(fl.tensor([true, false], { device: DEVICE }), [0, 1], 'constant', 0.5))).toEqual([1, 0, 1]);
      // torch: F.pad(uint8 tensor, (1, 1), value=-1) -> RuntimeError: value cannot be converted to type uint8_t without overflow
      const u = i.to('uint8');
      expect(() => F.pad(u, [1, 1], 'constant', -1)).toThrow(fl.OverflowError);
      expect(() => F.pad(u, [1, 1], 'constant', 256)).toThrow(/pad: the value 256 cannot be converted to uint8 without overflow/);
      expect(vals(F.pad(u, [-1, 0], 'constant', -1))).toEqual([2, 3]);  // nothing filled, nothing converted (as torch)
      // NaN is a float32 fill like any other
      expect(vals(F.pad(fl.ones([1], { device: DEVICE }), [1, 0], 'constant', NaN))[0]).toBeNaN();
    });
  });

  test('a crop alone is a copy: writing into the result leaves the input alone', () => {
    fl.scope(() => {
      const a = x(4);
      const y = F.pad(a, [-1, -1]);
      y.fill_(9);
      expect(vals(a)).toEqual([-1, -0.5, 0, 0.5]);
    });
  });

  test('gradients flow to the kept elements (finite differences, float64)', () => {
    fl.scope(() => {
      const w = rnd([4, 6]);
      check((a) => F.pad(a, [2, -1, -1, 3], 'constant', 4).mul(w), rnd([2, 5]));
      check((a) => F.pad(a, [1, 1, 0, 0, 2, 0]), rnd([1, 2, 3]));
    });
  });

  test('torch\'s refusals: pad list, negative sizes, an empty dim beside a positive pad', () => {
    fl.scope(() => {
      const a = x(2, 3);
      expect(() => F.pad(a, [1])).toThrow(/pad: the pad length must be divisible by 2, got 1 values \[1\]/);
      expect(() => F.pad(a, [1, 1, 1, 1, 1, 1])).toThrow(fl.ShapeError);  // torch: Padding length too large
      expect(() => F.pad(a, [1.5, 1] as number[])).toThrow(fl.ValueError);
      expect(() => F.pad(a, 'x' as unknown as number[])).toThrow(/pad: pad must be an array of integers/);
      // torch: F.pad(x(3), (-2, -2)) -> RuntimeError: start (0) + length (-1) exceeds dimension size (1).
      expect(() => F.pad(x(3), [-2, -2])).toThrow(/pad: the negative padding \(-2, -2\) of dim 0 removes more than its size 3/);
      // torch: F.pad(zeros(0, 3), (1, 1, 0, 0)) -> The input size 0, plus negative padding 0 and 0 resulted in a negative output size
      expect(() => F.pad(fl.zeros([0, 3], { device: DEVICE }), [1, 1, 0, 0])).toThrow(fl.ShapeError);
      expect(F.pad(fl.zeros([0, 3], { device: DEVICE }), [1, 1]).shape).toEqual([0, 5]);
      expect(() => F.pad(a, [1, 1], 'zeros' as fl.nn.functional.PadMode)).toThrow(/pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got 'zeros'/);
      expect(() => F.pad(a, [1, 1], 'constant', 1, 2 as never)).toThrow(/pad: takes 4 positional arguments/);
    });
  });

  test('checkPadList checks a pad list without a tensor', () => {
    expect(checkPadList([1, 2, 3, 4], 2)).toEqual([1, 2, 3, 4]);
    expect(checkPadList(new Int32Array([0, 1]), 1)).toEqual([0, 1]);
    expect(() => checkPadList([1, 2, 3], 4)).toThrow(/divisible by 2/);
    expect(() => checkPadList([1, 1, 1, 1], 1, 'Conv1d')).toThrow(/Conv1d: 4 pad values pad 2 dims, but the input has 1 \(at most 2 values\)/);
    expect(() => checkPadList([1, NaN], 1)).toThrow(fl.ValueError);
  });
});

describe('F.pad: reflect, replicate, circular', () => {
  test('values as torch\'s', () => {
    fl.scope(() => {
      // torch: F.pad(x(1, 1, 3, 4), (2, 1, 1, 2), mode='reflect')
      expectClose(F.pad(x(1, 1, 3, 4), [2, 1, 1, 2], 'reflect'), [2.0, 1.5, 1.0, 1.5, 2.0, 2.5, 2.0, 0.0, -0.5, -1.0, -0.5, 0.0, 0.5, 0.0, 2.0, 1.5, 1.0, 1.5, 2.0, 2.5, 2.0,
        4.0, 3.5, 3.0, 3.5, 4.0, 4.5, 4.0, 2.0, 1.5, 1.0, 1.5, 2.0, 2.5, 2.0, 0.0, -0.5, -1.0, -0.5, 0.0, 0.5, 0.0]);
      // torch: F.pad(x(1, 2, 3), (3, -1), mode='replicate')
      const r = F.pad(x(1, 2, 3), [3, -1], 'replicate');
      expect(r.shape).toEqual([1, 2, 5]);
      expectClose(r, [-1.0, -1.0, -1.0, -1.0, -0.5, 0.5, 0.5, 0.5, 0.5, 1.0]);
      // torch: F.pad(x(1, 1, 2, 2, 3), (1, 2, 1, 0, 0, 1), mode='circular')
      const c = F.pad(x(1, 1, 2, 2, 3), [1, 2, 1, 0, 0, 1], 'circular');
      expect(c.shape).toEqual([1, 1, 3, 3, 6]);
      expectClose(c, [1.5, 0.5, 1.0, 1.5, 0.5, 1.0, 0.0, -1.0, -0.5, 0.0, -1.0, -0.5, 1.5, 0.5, 1.0, 1.5, 0.5, 1.0, 4.5, 3.5, 4.0, 4.5, 3.5, 4.0, 3.0, 2.0, 2.5, 3.0, 2.0, 2.5,
        4.5, 3.5, 4.0, 4.5, 3.5, 4.0, 1.5, 0.5, 1.0, 1.5, 0.5, 1.0, 0.0, -1.0, -0.5, 0.0, -1.0, -0.5, 1.5, 0.5, 1.0, 1.5, 0.5, 1.0]);
      // negative pads: reflect reflects about the original ends; circular wraps the cropped input
      // torch: F.pad(arange(5.).reshape(1, 5), (-1, 2), mode='reflect') -> [1, 2, 3, 4, 3, 2]
      const five = fl.arange(5, { dtype: 'float32', device: DEVICE }).reshape([1, 5]);
      expect(vals(F.pad(five, [-1, 2], 'reflect'))).toEqual([1, 2, 3, 4, 3, 2]);
      // torch: F.pad(arange(3.).reshape(1, 1, 3), (-1, 2), mode='circular') -> [1, 2, 1, 2]
      expect(vals(F.pad(five.narrow(1, 0, 3).unsqueeze(0), [-1, 2], 'circular'))).toEqual([1, 2, 1, 2]);
      // unbatched reflect/replicate, as torch's 2-D input of a 1-D pad
      expect(F.pad(x(2, 3), [1, 2], { mode: 'reflect' }).shape).toEqual([2, 6]);
    });
  });

  test('the gradient adds up at the reflected positions (torch\'s values, and finite differences)', () => {
    fl.scope(() => {
      const a = x(1, 1, 3, 4).requiresGrad_(true);
      const w = fl.arange(1, 43, { dtype: 'float64', device: DEVICE }).reshape([1, 1, 6, 7]);
      F.pad(a, [2, 1, 1, 2], 'reflect').mul(w).sum().backward();
      // torch: (F.pad(x, (2, 1, 1, 2), mode='reflect') * arange(1., 43.).reshape(1, 1, 6, 7)).sum().backward(); x.grad
      expectClose(a.grad!, [48.0, 96.0, 152.0, 54.0, 51.0, 102.0, 165.0, 60.0, 24.0, 48.0, 76.0, 27.0]);
      const w2 = rnd([2, 2, 6, 4]), w1 = rnd([1, 2, 8]);
      for (const mode of ['reflect', 'replicate', 'circular'] as const) {
        check((t) => F.pad(t, [2, -1, 1, 2], mode).mul(w2), rnd([2, 2, 3, 3]));
        check((t) => F.pad(t, [3, 1], mode).mul(w1), rnd([1, 2, 4]));
      }
      check((t) => F.pad(t, [1, 1, 2, 0, 1, 1], 'replicate'), rnd([1, 1, 2, 2, 2]));
    });
  });

  test('16-bit inputs pad as float32 does', () => {
    fl.scope(() => {
      const a = rnd([1, 2, 5]);
      for (const dt of ['float16', 'bfloat16'] as const) {
        expect(vals(F.pad(a.to(dt), [2, 3], 'reflect'))).toEqual(vals(F.pad(a.to(dt).to('float32'), [2, 3], 'reflect').to(dt)));
      }
    });
  });

  test('torch 1.13\'s rules on ranks, sizes, dtypes and values are refusals naming the op and the shapes', () => {
    fl.scope(() => {
      const a = x(1, 1, 3);
      // torch: F.pad(x(1, 3), (3, 0), mode='reflect') -> Padding size should be less than the corresponding input dimension
      expect(() => F.pad(x(1, 3), [3, 0], 'reflect')).toThrow(/pad: reflect padding \(3, 0\) of dim 1 must be less than its size 3 \(input \[1, 3\]\)/);
      expect(F.pad(x(1, 3), [3, 0], 'replicate').shape).toEqual([1, 6]);
      // torch: F.pad(x(3), (1, 1), mode='reflect') -> NotImplementedError: Only 2D, 3D, 4D, 5D padding ...
      expect(() => F.pad(x(3), [1, 1], 'reflect')).toThrow(fl.ShapeError);
      expect(() => F.pad(x(3, 3), [1, 1, 1, 1], 'replicate')).toThrow(/pad: replicate padding pads the last 1, 2 or 3 dims/);
      // torch: "reflection_pad1d" not implemented for 'Long'
      expect(() => F.pad(a.to('int32'), [1, 1], 'reflect')).toThrow(fl.DTypeError);
      expect(vals(F.pad(a.to('int32'), [1, 1], 'circular'))).toEqual([0, -1, 0, 0, -1]);  // circular copies any dtype
      // torch: F.pad(x(1, 3), (1, 2), mode='circular') -> Invalid padding size, expected 0 but got 2
      expect(() => F.pad(x(1, 3), [1, 2], 'circular')).toThrow(/pad: circular padding needs a batch and a channel dim/);
      // torch: Padding value causes wrapping around more than once.
      expect(() => F.pad(a, [4, 0], 'circular')).toThrow(/wraps around more than once/);
      // torch reads memory it never wrote here (the wrap is longer than what the crop leaves): refused
      expect(() => F.pad(a, [-2, 2], 'circular')).toThrow(/circular padding \(-2, 2\) of dim 2 wraps 2 values around the 1/);
      // torch: Padding mode "reflect" doesn't take in value argument
      expect(() => F.pad(a, [1, 1], 'reflect', 1)).toThrow(/pad: padding mode 'reflect' doesn't take a value \(got 1\)/);
      expect(F.pad(a, [1, 1], 'reflect', 0).shape).toEqual([1, 1, 5]);
      // torch: expected non-empty dims (an empty batch is fine)
      expect(() => F.pad(x(1, 0, 3), [1, 1], 'replicate')).toThrow(fl.ShapeError);
      expect(F.pad(x(0, 2, 3), [1, 1], 'replicate').shape).toEqual([0, 2, 5]);
      // torch: input (W: 3) is too small. Calculated output W: 0
      expect(() => F.pad(x(1, 3), [-2, -1], 'replicate')).toThrow(/leaves every padded dim of input \[1, 3\] empty/);
      // an output dim beyond int32 (flintml's index dtype) is refused before any host array is made
      expect(() => F.pad(x(1, 3), [0, 2 ** 31], 'replicate')).toThrow(fl.OverflowError);
    });
  });
});

/** torch's bilinear (align_corners=False, no scale factor), written out in float64 from its formula. */
function bilinearRef(input: number[], H: number, W: number, Ho: number, Wo: number): number[] {
  const axis = (n: number, o: number, j: number): [number, number, number] => {
    if (n === o) return [j, j, 0];
    const src = Math.max((n / o) * (j + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), n - 1);
    return [i0, Math.min(i0 + 1, n - 1), Math.min(src - i0, 1)];
  };
  const out: number[] = [];
  for (let i = 0; i < Ho; i++) {
    const [h0, h1, lh] = axis(H, Ho, i);
    for (let j = 0; j < Wo; j++) {
      const [w0, w1, lw] = axis(W, Wo, j);
      const at = (h: number, w: number) => input[h * W + w];
      out.push((1 - lh) * ((1 - lw) * at(h0, w0) + lw * at(h0, w1)) + lh * ((1 - lw) * at(h1, w0) + lw * at(h1, w1)));
    }
  }
  return out;
}

describe('F.interpolate', () => {
  test('nearest and nearest-exact pick torch\'s pixels (scale 1/scaleFactor when it is given)', () => {
    fl.scope(() => {
      // torch: F.interpolate(x(1, 1, 3), scale_factor=2.2) -> floor(j / 2.2), not in/out = 3/6
      expectClose(F.interpolate(x(1, 1, 3), { scaleFactor: 2.2 }), [-1.0, -1.0, -1.0, -0.5, -0.5, 0.0]);
      // with the size (or recomputeScaleFactor) it is in/out
      expectClose(F.interpolate(x(1, 1, 3), { scaleFactor: 2.2, recomputeScaleFactor: true }), [-1, -1, -0.5, -0.5, 0, 0]);
      // torch: F.interpolate(x(1, 1, 4), scale_factor=2.5, mode='nearest-exact')
      expectClose(F.interpolate(x(1, 1, 4), { scaleFactor: 2.5, mode: 'nearest-exact' }), [-1.0, -1.0, -0.5, -0.5, -0.5, 0.0, 0.0, 0.5, 0.5, 0.5]);
      // torch: F.interpolate(x(1, 2, 2, 3), size=(3, 5))
      expectClose(F.interpolate(x(1, 2, 2, 3), [3, 5]), [-1.0, -1.0, -0.5, -0.5, 0.0, -1.0, -1.0, -0.5, -0.5, 0.0, 0.5, 0.5, 1.0, 1.0, 1.5,
        2.0, 2.0, 2.5, 2.5, 3.0, 2.0, 2.0, 2.5, 2.5, 3.0, 3.5, 3.5, 4.0, 4.0, 4.5]);
      // uint8 resizes too (torch has a Byte kernel); 5-D as well
      expect(vals(F.interpolate(fl.tensor([[[1, 2, 3]]], { dtype: 'uint8', device: DEVICE }), 5))).toEqual([1, 1, 2, 2, 3]);
      expect(F.interpolate(x(1, 1, 2, 2, 2), { scaleFactor: [1, 2, 3] }).shape).toEqual([1, 1, 2, 4, 6]);
    });
  });

  test('linear, bilinear, trilinear, bicubic and area as torch\'s (align corners, scale factors, the clamp at 0)', () => {
    fl.scope(() => {
      // torch: F.interpolate(x(1, 1, 4), size=7, mode='linear') (and align_corners=True; scale_factor=1.7)
      expectClose(F.interpolate(x(1, 1, 4), 7, null, 'linear'), [-1.0, -0.821428571429, -0.535714285714, -0.25, 0.035714285714, 0.321428571429, 0.5]);
      expectClose(F.interpolate(x(1, 1, 4), 7, null, 'linear', true), [-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5]);
      expectClose(F.interpolate(x(1, 1, 4), { scaleFactor: 1.7, mode: 'linear' }), [-1.0, -0.808823529412, -0.514705882353, -0.220588235294, 0.073529411765, 0.367647058824]);
      // torch: F.interpolate(x(1, 1, 3, 4), size=(5, 3), mode='bilinear')
      expectClose(F.interpolate(x(1, 1, 3, 4), { size: [5, 3], mode: 'bilinear' }), [-0.916666666667, -0.25, 0.416666666667, -0.116666666667, 0.55, 1.216666666667,
        1.083333333333, 1.75, 2.416666666667, 2.283333333333, 2.95, 3.616666666667, 3.083333333333, 3.75, 4.416666666667]);
      // torch: F.interpolate(x(2, 1, 2, 2), scale_factor=(1.5, 2.5), mode='bilinear')
      expectClose(F.interpolate(x(2, 1, 2, 2), { scaleFactor: [1.5, 2.5], mode: 'bilinear' }), [-1.0, -0.95, -0.75, -0.55, -0.5, -0.5, -0.45, -0.25, -0.05, -0.0, 0.0, 0.05, 0.25, 0.45, 0.5,
        1.0, 1.05, 1.25, 1.45, 1.5, 1.5, 1.55, 1.75, 1.95, 2.0, 2.0, 2.05, 2.25, 2.45, 2.5]);
      // torch: F.interpolate(x(1, 1, 3, 4), size=(5, 6), mode='bicubic') (and align_corners=True)
      expectClose(F.interpolate(x(1, 1, 3, 4), { size: [5, 6], mode: 'bicubic' }), [-1.235402777778, -0.988875, -0.585518518519, -0.298481481481, 0.104875, 0.351402777778,
        -0.411402777778, -0.164875, 0.238481481481, 0.525518518519, 0.928875, 1.175402777778, 0.956597222222, 1.203125, 1.606481481481, 1.893518518519, 2.296875, 2.543402777778,
        2.324597222222, 2.571125, 2.974481481481, 3.261518518519, 3.664875, 3.911402777778, 3.148597222222, 3.395125, 3.798481481481, 4.085518518519, 4.488875, 4.735402777778]);
      expectClose(F.interpolate(x(1, 1, 3, 4), { size: [5, 6], mode: 'bicubic', alignCorners: true }), [-1.0, -0.748, -0.376, -0.124, 0.248, 0.5, -0.1875, 0.0645, 0.4365, 0.6885, 1.0605, 1.3125,
        1.0, 1.252, 1.624, 1.876, 2.248, 2.5, 2.1875, 2.4395, 2.8115, 3.0635, 3.4355, 3.6875, 3.0, 3.252, 3.624, 3.876, 4.248, 4.5]);
      // torch: F.interpolate(x(1, 1, 2, 3, 2), size=(3, 2, 4), mode='trilinear')
      expectClose(F.interpolate(x(1, 1, 2, 3, 2), { size: [3, 2, 4], mode: 'trilinear' }), [-0.75, -0.625, -0.375, -0.25, 0.75, 0.875, 1.125, 1.25, 0.75, 0.875, 1.125, 1.25,
        2.25, 2.375, 2.625, 2.75, 2.25, 2.375, 2.625, 2.75, 3.75, 3.875, 4.125, 4.25]);
      // torch: F.interpolate(x(1, 1, 5, 4), size=(3, 3), mode='area'); F.interpolate(x(1, 2, 5), scale_factor=0.5, mode='area')
      expectClose(F.interpolate(x(1, 1, 5, 4), { size: [3, 3], mode: 'area' }), [0.25, 0.75, 1.25, 3.25, 3.75, 4.25, 6.25, 6.75, 7.25]);
      expectClose(F.interpolate(x(1, 2, 5), { scaleFactor: 0.5, mode: 'area' }), [-0.5, 0.5, 2.0, 3.0]);
    });
  });

  test('bilinear matches a float64 reference written from torch\'s formula, over many sizes', () => {
    fl.scope(() => {
      for (const [H, W, Ho, Wo] of [[3, 4, 5, 3], [1, 5, 4, 1], [6, 6, 2, 9], [4, 7, 4, 7], [2, 3, 11, 8], [5, 2, 1, 1]]) {
        const a = rnd([1, 1, H, W]);
        expectClose(F.interpolate(a, { size: [Ho, Wo], mode: 'bilinear' }), bilinearRef(vals(a), H, W, Ho, Wo));
      }
    });
  });

  test('gradients: torch\'s for bilinear, and finite differences for every mode', () => {
    fl.scope(() => {
      const a = x(1, 1, 3, 4).requiresGrad_(true);
      F.interpolate(a, { size: [5, 6], mode: 'bilinear' }).mul(fl.arange(1, 31, { dtype: 'float64', device: DEVICE }).reshape([1, 1, 5, 6])).sum().backward();
      // torch: (F.interpolate(x, size=(5, 6), mode='bilinear') * arange(1., 31.).reshape(1, 1, 5, 6)).sum().backward(); x.grad
      expectClose(a.grad!, [8.6, 12.066666666667, 15.533333333333, 19.0, 36.0, 39.9, 43.8, 47.7, 55.4, 58.866666666667, 62.333333333333, 65.8]);
      check((t) => F.interpolate(t, { size: [5, 2], mode: 'bilinear', alignCorners: true }), rnd([1, 2, 3, 4]));
      check((t) => F.interpolate(t, { scaleFactor: 1.7, mode: 'bicubic' }), rnd([1, 1, 3, 3]));
      check((t) => F.interpolate(t, { size: [3, 4, 2], mode: 'trilinear' }), rnd([1, 1, 2, 2, 3]));
      check((t) => F.interpolate(t, { size: 7, mode: 'linear' }), rnd([2, 1, 3]));
      check((t) => F.interpolate(t, { size: [3, 2], mode: 'area' }), rnd([1, 1, 5, 4]));
      // nearest with an output as long as the input (scale 1/1.25): the gradient of this forward
      // (torch 1.13's backward copies there instead, unlike its own forward: bench/FIDELITY.md)
      const w = rnd([1, 2, 2, 6]);
      check((t) => F.interpolate(t, { scaleFactor: 1.25 }).mul(w), rnd([1, 2, 2, 5]));
    });
  });

  test('16-bit input is resized in float32 and rounded once', () => {
    fl.scope(() => {
      const a = rnd([1, 2, 3, 4]);
      for (const dt of ['float16', 'bfloat16'] as const) {
        const o = { scaleFactor: 1 / 3 + 1, mode: 'bilinear' as const };
        const y = F.interpolate(a.to(dt), o);
        expect(y.dtype).toBe(dt);
        expect(vals(y)).toEqual(vals(F.interpolate(a.to(dt).to('float32'), o).to(dt)));
      }
    });
  });

  test('torch\'s argument rules are typed refusals naming the op and the shapes', () => {
    fl.scope(() => {
      const a = x(1, 1, 3);
      expect(() => F.interpolate(a, { size: 2, scaleFactor: 2 })).toThrow(/interpolate: only one of size or scaleFactor should be given/);
      expect(() => F.interpolate(a, {})).toThrow(/interpolate: either size or scaleFactor should be given/);
      expect(() => F.interpolate(a, { size: 2, alignCorners: false })).toThrow(/alignCorners can only be set with the interpolating modes/);
      expect(() => F.interpolate(a, { size: 2, recomputeScaleFactor: true })).toThrow(/recomputeScaleFactor is not meaningful with an explicit size/);
      expect(() => F.interpolate(a, { size: [2, 2] })).toThrow(/the input has 1 spatial dims \(\[3\] of input \[1, 1, 3\]\), but size has 2/);
      expect(() => F.interpolate(a, { size: 2.5 })).toThrow(fl.ValueError);
      expect(() => F.interpolate(a, { size: 5, mode: 'bilinear' })).toThrow(/interpolate: mode 'bilinear' needs a 4-D input, got 3-D \[1, 1, 3\]/);
      expect(() => F.interpolate(x(3, 3), 5)).toThrow(fl.ShapeError);  // torch 1.13 has no unbatched form
      expect(() => F.interpolate(a, { size: 5, mode: 'cubic' as never })).toThrow(/interpolate: mode must be one of/);
      // torch: Input and output sizes should be greater than 0
      expect(() => F.interpolate(a, { scaleFactor: 0.3 })).toThrow(/interpolate: input and output sizes must be greater than 0, got input \[3\] and output \[0\]/);
      expect(() => F.interpolate(x(1, 0, 3), 4)).toThrow(fl.ShapeError);
      expect(F.interpolate(x(0, 1, 3), 4).shape).toEqual([0, 1, 4]);
      // torch: "compute_indices_weights_linear" not implemented for 'Long'; nearest of int64 as well
      expect(() => F.interpolate(a.to('int32'), { size: 4, mode: 'linear' })).toThrow(fl.DTypeError);
      expect(() => F.interpolate(a.to('int32'), 4)).toThrow(/mode 'nearest' takes a floating or uint8 input, got int32/);
      expect(() => F.interpolate(x(1, 1, 3, 3), { size: 2, mode: 'bilinear', antialias: true })).toThrow(/antialias=true .* is not supported yet/);
      expect(F.interpolate(x(1, 1, 2, 2, 2), { size: 1, mode: 'area' }).shape).toEqual([1, 1, 1, 1, 1]);  // 5-D 'area' is adaptiveAvgPool3d now (test/grid-sample.test.ts)
      expect(() => F.interpolate(a, { size: 2 ** 31 })).toThrow(fl.OverflowError);
    });
  });
});

describe('conv layers: paddingMode', () => {
  test('Conv2d reflect with padding \'same\' and dilation matches torch (F.pad, then no padding)', () => {
    fl.scope(() => {
      const c = new nn.Conv2d(2, 3, [3, 2], { padding: 'same', dilation: [2, 1], paddingMode: 'reflect', dtype: 'float64' }).to(DEVICE);
      fl.noGrad(() => {
        c.weight.copy_(fl.arange(36, { dtype: 'float64', device: DEVICE }).div(36).sub(0.5).reshape([3, 2, 3, 2]));
        c.bias!.copy_(fl.tensor([0.5, -1, 0.25], { dtype: 'float64', device: DEVICE }));
      });
      // torch: Conv2d(2, 3, (3, 2), padding='same', dilation=(2, 1), padding_mode='reflect') with those parameters, of x(1, 2, 5, 4)
      const y = c.forward(x(1, 2, 5, 4));
      expect(y.shape).toEqual([1, 3, 5, 4]);
      expectClose(y, [-23.277777777778, -25.361111111111, -27.444444444444, -27.527777777778, -25.166666666667, -27.25, -29.333333333333, -29.416666666667,
        -27.055555555556, -29.138888888889, -31.222222222222, -31.305555555556, -30.722222222222, -32.805555555556, -34.888888888889, -34.972222222222,
        -34.388888888889, -36.472222222222, -38.555555555556, -38.638888888889, 2.888888888889, 2.805555555556, 2.722222222222, 2.638888888889,
        3.666666666667, 3.583333333333, 3.5, 3.416666666667, 4.444444444444, 4.361111111111, 4.277777777778, 4.194444444444, 3.444444444444,
        3.361111111111, 3.277777777778, 3.194444444444, 2.444444444444, 2.361111111111, 2.277777777778, 2.194444444444, 31.805555555556,
        33.722222222222, 35.638888888889, 35.555555555556, 35.25, 37.166666666667, 39.083333333333, 39.0, 38.694444444444, 40.611111111111,
        42.527777777778, 42.444444444444, 40.361111111111, 42.277777777778, 44.194444444444, 44.111111111111, 42.027777777778, 43.944444444444,
        45.861111111111, 45.777777777778]);
      expect(c.toString()).toBe('Conv2d(2, 3, kernel_size=(3, 2), stride=(1, 1), padding=same, dilation=(2, 1), padding_mode=reflect)');
      expect(Object.keys(c.stateDict())).toEqual(['weight', 'bias']);
      // gradients reach the input through the padding
      const w = rnd([1, 3, 5, 4]);
      check((t) => c.forward(t).mul(w), rnd([1, 2, 5, 4]));
    });
  });

  test('Conv1d circular (positional paddingMode) matches torch; replicate prints as torch', () => {
    fl.scope(() => {
      const c = new nn.Conv1d(2, 2, 3, 1, 2, 1, 1, false, 'circular', { dtype: 'float64' }).to(DEVICE);
      fl.noGrad(() => c.weight.copy_(fl.arange(12, { dtype: 'float64', device: DEVICE }).div(12).sub(0.5).reshape([2, 2, 3])));
      // torch: Conv1d(2, 2, 3, padding=2, padding_mode='circular', bias=False) with that weight, of x(1, 2, 4)
      expectClose(c.forward(x(1, 2, 4)), [-0.875, -0.583333333333, 0.041666666667, -0.833333333333, -0.875, -0.583333333333,
        1.625, 1.416666666667, 1.541666666667, 2.166666666667, 1.625, 1.416666666667]);
      expect(c.toString()).toBe('Conv1d(2, 2, kernel_size=(3,), stride=(1,), padding=(2,), bias=False, padding_mode=circular)');
      // torch 1.13 refuses circular padding of an unbatched input (F.pad: "expected 0 but got 2")
      expect(() => c.forward(x(2, 4))).toThrow(/Conv1d: circular padding needs a batch and a channel dim/);
      expect(new nn.Conv2d(1, 1, 3, { padding: 1, paddingMode: 'replicate', bias: false }).toString())
        .toBe('Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False, padding_mode=replicate)');
    });
  });

  test('refusals: an unknown mode; the transposed convolution takes only zeros (as torch)', () => {
    fl.scope(() => {
      expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as never })).toThrow(/Conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'/);
      expect(() => new nn.ConvTranspose2d(1, 1, 3, { paddingMode: 'reflect' as never })).toThrow(/ConvTranspose2d: paddingMode 'reflect' is not supported/);
      // the output padding prints where torch prints it (before groups and bias)
      expect(new nn.ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 1, groups: 2, bias: false }).toString())
        .toBe('ConvTranspose2d(2, 2, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1), groups=2, bias=False)');
    });
  });
});

describe('nn.Upsample', () => {
  test('forward is F.interpolate with its arguments; prints as torch 1.13', () => {
    fl.scope(() => {
      const a = rnd([1, 2, 3, 4]);
      const up = new nn.Upsample(null, 2, 'bilinear', true);
      expect(vals(up.forward(a))).toEqual(vals(F.interpolate(a, { scaleFactor: 2, mode: 'bilinear', alignCorners: true })));
      expect(new nn.Upsample({ size: [5, 7] }).forward(a).shape).toEqual([1, 2, 5, 7]);
      // torch: print(Upsample(scale_factor=2, mode='bilinear'), Upsample(size=(4, 5)), Upsample(scale_factor=(2., 3.)))
      expect(up.toString()).toBe('Upsample(scale_factor=2.0, mode=bilinear)');
      expect(new nn.Upsample([4, 5]).toString()).toBe('Upsample(size=(4, 5), mode=nearest)');
      expect(new nn.Upsample({ scaleFactor: [2, 3] }).toString()).toBe('Upsample(scale_factor=(2.0, 3.0), mode=nearest)');
      expect(() => new nn.Upsample({ mode: 'cubic' as never })).toThrow(fl.ValueError);
      expect(() => new nn.Upsample(2).forward(x(3, 3))).toThrow(/Upsample: expected a 3-D, 4-D or 5-D input/);
    });
  });
});

// ---- ONNX: Pad and Resize nodes, checked by onnxruntime ------------------------------------------------
// eslint-disable-next-line @typescript-eslint/no-var-requires
const ort = require('onnxruntime-node') as {
  InferenceSession: { create(p: string): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, { data: ArrayLike<number>; dims: readonly number[] }>> }> };
  Tensor: new (type: string, data: ArrayLike<number>, dims: readonly number[]) => unknown;
};

describe('ONNX export', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-pad-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  class Fn extends nn.Module { constructor(readonly f: (t: fl.Tensor) => fl.Tensor) { super(); } forward(t: fl.Tensor): fl.Tensor { return this.f(t); } }

  /** Exports f at `shape` with a dynamic batch, then runs it at that shape and at batch 3 in onnxruntime: within 1e-5 of f. Returns the op types. */
  async function roundTrip(name: string, f: (t: fl.Tensor) => fl.Tensor, shape: number[]): Promise<string[]> {
    const file = path.join(tmp, `${name}.onnx`);
    const m = new Fn(f);
    const x0 = fl.randn(shape, { device: DEVICE });
    try {
      fl.onnx.export(m, [x0], file, { inputNames: ['x'], outputNames: ['y'], dynamicAxes: { x: { 0: 'batch' } } });
      const session = await ort.InferenceSession.create(file);
      for (const sh of [shape, [3, ...shape.slice(1)]]) {
        const xi = fl.randn(sh, { device: DEVICE });
        const got = (await session.run({ x: new ort.Tensor('float32', fl.scope(() => xi.to('cpu').dataSync()), sh) })).y;
        fl.scope(() => {
          const want = fl.noGrad(() => f(xi));
          expect(Array.from(got.dims)).toEqual(want.shape);
          const w = want.to('cpu').dataSync();
          let md = 0;
          for (let i = 0; i < w.length; i++) md = Math.max(md, Math.abs(got.data[i] - w[i]) / Math.max(1, Math.abs(w[i])));
          expect(md).toBeLessThanOrEqual(1e-5);
        });
        xi.dispose();
      }
    } finally { x0.dispose(); }
    const model = decodeModel(fs.readFileSync(file)) as { graph: { node: { opType: string }[] } };
    return model.graph.node.map((n) => n.opType);
  }

  test('F.pad exports as Pad (constant, reflect, edge); circular and negative pads as their parts', async () => {
    expect(await roundTrip('pad-constant', (t) => F.pad(t, [1, 2, 0, 1], 'constant', 1.5), [2, 3, 4, 5])).toContain('Pad');
    expect(await roundTrip('pad-reflect', (t) => F.pad(t, [1, 2, 2, 1], 'reflect'), [2, 3, 4, 5])).toContain('Pad');
    expect(await roundTrip('pad-replicate', (t) => F.pad(t, [2, 1], 'replicate'), [2, 3, 4])).toContain('Pad');
    expect(await roundTrip('pad-circular', (t) => F.pad(t, [1, 2, 2, 1], 'circular'), [2, 3, 4, 5])).toContain('Gather');
    expect(await roundTrip('pad-crop', (t) => F.pad(t, [-1, 2], 'constant'), [2, 3, 4])).not.toContain('Pad');
  });

  test('F.interpolate exports as Resize with torch\'s positions; area as pooling', async () => {
    for (const [name, o, shape] of [
      ['nearest-sf', { scaleFactor: 2.2 }, [2, 3, 4, 5]],
      ['nearest-size', { size: [7, 3] }, [2, 3, 4, 5]],
      ['nearest-exact', { scaleFactor: 2.5, mode: 'nearest-exact' }, [2, 3, 4]],
      ['bilinear', { size: [7, 3], mode: 'bilinear' }, [2, 3, 4, 5]],
      ['bilinear-ac', { scaleFactor: 1.7, mode: 'bilinear', alignCorners: true }, [2, 3, 4, 5]],
      ['bicubic', { size: [5, 6], mode: 'bicubic' }, [2, 1, 3, 4]],
      ['trilinear', { size: [3, 5, 2], mode: 'trilinear' }, [1, 2, 2, 3, 4]],
    ] as [string, fl.nn.functional.InterpolateOptions, number[]][]) {
      expect(await roundTrip(name, (t) => F.interpolate(t, o), shape)).toContain('Resize');
    }
    expect(await roundTrip('area', (t) => F.interpolate(t, { size: [2, 5], mode: 'area' }), [2, 3, 4, 5])).toContain('AveragePool');
    // a conv layer's paddingMode is a Pad before the Conv
    const conv = new nn.Conv2d(3, 2, 3, { padding: 1, paddingMode: 'reflect' }).to(DEVICE);
    try { expect(await roundTrip('conv-reflect', (t) => conv.forward(t), [2, 3, 5, 5])).toEqual(expect.arrayContaining(['Pad', 'Conv'])); } finally { conv.dispose(); }
  });

  test('what cannot follow a dynamic axis fails saying so', () => {
    fl.scope(() => {
      // 'area' with uneven windows exports as one Slice → ReduceMean per cell (test/onnx-coverage.test.ts);
      // those windows are constants, so the height they cut cannot be a dynamic axis
      const m = new Fn((t) => F.interpolate(t, { size: [3, 2], mode: 'area' }));
      expect(() => fl.onnx.export(m, [fl.randn([1, 1, 4, 5], { device: DEVICE })], path.join(tmp, 'area.onnx'), { dynamicAxes: { input_0: { 2: 'h' } } }))
        .toThrow(/dynamic axis 'h' .*changes value/);
    });
  });
});
