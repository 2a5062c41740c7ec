// conv.test.ts — conv1d / conv2d / convTranspose2d, max / avg / adaptive-avg pooling and their
// Module classes.
// References: (1) PyTorch 1.13 golden values (test/golden/conv.json, made by scripts/golden/conv.py):
// outputs and input/weight/bias gradients of sum(y * g) in float64, compared at 1e-9 (the file holds
// 12 significant digits) and in float32 at 1e-4; (2) central finite differences in float64 on tiny
// shapes (eps 1e-6, tolerance 1e-6); (3) a naive float64 convolution loop written here for the
// 16-bit dtypes (tolerances from helpers.TOL, scaled by the number of products summed).
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { call, opId } from '../lib/native';
import { convTuning } from '../lib/ops/conv';
import { liveTensorCount } from '../lib/tensor';
import { DEVICE, expectClose, randomArray, roundTo } from './helpers';

const GOLDEN = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'conv.json'), 'utf8')).cases as any[];
const f64 = { dtype: 'float64' as const, device: DEVICE };

function t(data: number[], shape: number[], dtype: fl.DType = 'float64'): fl.Tensor {
  return fl.tensor(data, { dtype, device: DEVICE }).reshape(shape);
}

function expectNear(actual: fl.Tensor, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  const got = Array.from(actual.dataSync() as ArrayLike<number>);
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
      throw new Error(`${what}: element ${i}: expected ${expected[i]}, got ${got[i]}`);
    }
  }
}

/** Python keyword options -> flintml options. */
function jsOpts(o: Record<string, unknown>): any {
  const names: Record<string, string> = {
    output_padding: 'outputPadding', ceil_mode: 'ceilMode', count_include_pad: 'countIncludePad',
    divisor_override: 'divisorOverride', kernel_size: 'kernelSize', output_size: 'outputSize',
  };
  const out: any = {};
  for (const [k, v] of Object.entries(o)) out[names[k] ?? k] = v;
  return out;
}

function runConv(c: any, x: fl.Tensor, w: fl.Tensor, b: fl.Tensor | null): fl.Tensor {
  const o = jsOpts(c.opts);
  if (c.kind === 'conv2d') return fl.nn.conv2d(x, w, b, o);
  if (c.kind === 'conv1d') return fl.nn.conv1d(x, w, b, o);
  return fl.nn.convTranspose2d(x, w, b, o);
}

function runPool(c: any, x: fl.Tensor): fl.Tensor {
  const { kernelSize, outputSize, ...o } = jsOpts(c.opts);
  if (c.kind === 'maxPool2d') return fl.nn.maxPool2d(x, kernelSize, o as fl.nn.MaxPool2dOptions);
  if (c.kind === 'avgPool2d') return fl.nn.avgPool2d(x, kernelSize, o);
  return fl.nn.adaptiveAvgPool2d(x, outputSize);
}

// ---- golden values -------------------------------------------------------------------------------

describe('convolution vs PyTorch (golden, forward and gradients)', () => {
  const convCases = GOLDEN.filter((c) => c.w);
  test.each(convCases.map((c) => [c.kind, c.name, c]))('%s %s (float64)', (_k, _n, c: any) => {
    fl.scope(() => {
      const x = t(c.x.data, c.x.shape).requiresGrad_();
      const w = t(c.w.data, c.w.shape).requiresGrad_();
      const b = c.b ? t(c.b, [c.b.length]).requiresGrad_() : null;
      const y = runConv(c, x, w, b);
      expect(y.shape).toEqual(c.out.shape);
      expectNear(y, c.out.data, 1e-9, 1e-9, 'output');
      y.mul(t(c.g, c.out.shape)).sum().backward();
      expectNear(x.grad!, c.gx, 1e-9, 1e-9, 'grad input');
      expectNear(w.grad!, c.gw, 1e-9, 1e-9, 'grad weight');
      if (b) expectNear(b.grad!, c.gb, 1e-9, 1e-9, 'grad bias');
    });
  });
  test.each(convCases.map((c) => [c.kind, c.name, c]))('%s %s (float32)', (_k, _n, c: any) => {
    fl.scope(() => {
      const x = t(c.x.data, c.x.shape, 'float32').requiresGrad_();
      const w = t(c.w.data, c.w.shape, 'float32').requiresGrad_();
      const b = c.b ? t(c.b, [c.b.length], 'float32').requiresGrad_() : null;
      const y = runConv(c, x, w, b);
      expect(y.dtype).toBe('float32');
      expectNear(y, c.out.data, 1e-4, 1e-4, 'output');
      y.mul(t(c.g, c.out.shape, 'float32')).sum().backward();
      expectNear(x.grad!, c.gx, 1e-4, 1e-4, 'grad input');
      expectNear(w.grad!, c.gw, 1e-4, 1e-4, 'grad weight');
      if (b) expectNear(b.grad!, c.gb, 1e-4, 1e-4, 'grad bias');
    });
  });
});

describe('pooling vs PyTorch (golden, forward and gradients)', () => {
  const poolCases = GOLDEN.filter((c) => !c.w);
  test.each(poolCases.map((c) => [c.kind, c.name, c]))('%s %s', (_k, _n, c: any) => {
    fl.scope(() => {
      for (const dtype of ['float64', 'float32'] as const) {
        const tol = dtype === 'float64' ? 1e-9 : 1e-5;
        const x = t(c.x.data, c.x.shape, dtype).requiresGrad_();
        const y = runPool(c, x);
        expect(y.shape).toEqual(c.out.shape);
        expectNear(y, c.out.data, tol, tol, `${dtype} output`);
        y.mul(t(c.g, c.out.shape, dtype)).sum().backward();
        expectNear(x.grad!, c.gx, tol, tol, `${dtype} grad input`);
        if (c.indices) {
          const { kernelSize, ...o } = jsOpts(c.opts);
          const [, idx] = fl.nn.maxPool2d(x.detach(), kernelSize, { ...o, returnIndices: true });
          expect(idx.dtype).toBe('int32');
          expect(Array.from(idx.dataSync())).toEqual(c.indices);  // ties: the first maximum, as PyTorch
        }
      }
    });
  });
});

// ---- finite differences --------------------------------------------------------------------------

/** Checks autograd's gradients of sum(f(inputs) * g) against central differences, in float64. */
function fdCheck(f: (...xs: fl.Tensor[]) => fl.Tensor, shapes: number[][], seed: number): void {
  fl.scope(() => {
    const vals = shapes.map((s, i) => randomArray(s.reduce((a, b) => a * b, 1), seed + i, -1, 1));
    const xs = vals.map((v, i) => t(v, shapes[i]).requiresGrad_());
    const y = f(...xs);
    const g = t(randomArray(y.numel, seed + 99, -1, 1), y.shape);
    y.mul(g).sum().backward();
    const gv = Array.from(g.dataSync());
    const eps = 1e-6;
    const objective = (vs: number[][]): number => fl.scope(() => {
      const out = Array.from(f(...vs.map((v, i) => t(v, shapes[i]))).dataSync());
      return out.reduce((a, o, k) => a + o * gv[k], 0);
    });
    xs.forEach((x, i) => {
      const analytic = Array.from(x.grad!.dataSync());
      for (let j = 0; j < vals[i].length; j++) {
        const plus = vals.map((v) => v.slice()), minus = vals.map((v) => v.slice());
        plus[i][j] += eps; minus[i][j] -= eps;
        const num = (objective(plus) - objective(minus)) / (2 * eps);
        if (!(Math.abs(num - analytic[j]) <= 1e-6 + 1e-6 * Math.abs(num))) {
          throw new Error(`input ${i} element ${j}: finite difference ${num}, autograd ${analytic[j]}`);
        }
      }
    });
  });
}

describe('gradients vs finite differences (float64, tiny shapes)', () => {
  test('conv2d: stride 2, padding 1, dilation [1, 2], groups 2', () => {
    fdCheck((x, w, b) => fl.nn.conv2d(x, w, b, { stride: 2, padding: 1, dilation: [1, 2], groups: 2 }), [[1, 4, 4, 5], [2, 2, 2, 2], [2]], 1);
  });
  test("conv2d: padding 'same' with an even kernel", () => {
    fdCheck((x, w) => fl.nn.conv2d(x, w, null, { padding: 'same' }), [[2, 1, 3, 4], [2, 1, 2, 2]], 2);
  });
  test('conv1d', () => {
    fdCheck((x, w, b) => fl.nn.conv1d(x, w, b, { stride: 2, padding: 1 }), [[2, 2, 5], [3, 2, 3], [3]], 3);
  });
  test('convTranspose2d: stride 2, outputPadding 1, groups 2', () => {
    fdCheck((x, w, b) => fl.nn.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), [[1, 2, 3, 2], [2, 1, 3, 2], [2]], 4);
  });
  test('avgPool2d and adaptiveAvgPool2d', () => {
    fdCheck((x) => fl.nn.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [[1, 2, 5, 4]], 5);
    fdCheck((x) => fl.nn.adaptiveAvgPool2d(x, [3, 2]), [[1, 2, 5, 3]], 6);
  });
  test('maxPool2d (distinct values, so the max is differentiable)', () => {
    fdCheck((x) => fl.nn.maxPool2d(x, [2, 3], { stride: 1, padding: 1 }), [[1, 2, 4, 4]], 7);
  });
  test('conv2d with the columns rebuilt in the backward (those past convTuning.keepColsMax are not kept)', () => {
    const saved = convTuning.keepColsMax;
    convTuning.keepColsMax = 0;
    try {
      fdCheck((x, w, b) => fl.nn.conv2d(x, w, b, { stride: 2, padding: 1, dilation: [1, 2], groups: 2 }), [[1, 4, 4, 5], [2, 2, 2, 2], [2]], 9);
    } finally { convTuning.keepColsMax = saved; }
  });
  test('composition: conv2d -> maxPool2d -> convTranspose2d', () => {
    fdCheck((x, w, w2) => fl.nn.convTranspose2d(fl.nn.maxPool2d(fl.nn.conv2d(x, w, null, { padding: 1 }), 2), w2, null, { stride: 2 }),
      [[1, 2, 4, 4], [2, 2, 3, 3], [2, 1, 2, 2]], 8);
  });
});

// ---- other properties ----------------------------------------------------------------------------

/** Naive float64 conv2d (padding symmetric). */
/** The input gradient of convRef (groups 1) for the output gradient gy, by the same loop scattered back (float64). */
function convInputGradRef(gy: number[], xs: number[], w: number[], ws: number[], s: number, p: number, d: number): number[] {
  const [N, C, H, W] = xs, [O, , kh, kw] = ws;
  const Ho = Math.floor((H + 2 * p - d * (kh - 1) - 1) / s) + 1, Wo = Math.floor((W + 2 * p - d * (kw - 1) - 1) / s) + 1;
  const gx = new Array<number>(N * C * H * W).fill(0);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    const g = gy[((n * O + o) * Ho + i) * Wo + j];
    for (let c = 0; c < C; c++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const h = i * s - p + a * d, q = j * s - p + b * d;
      if (h < 0 || h >= H || q < 0 || q >= W) continue;
      gx[((n * C + c) * H + h) * W + q] += g * w[((o * C + c) * kh + a) * kw + b];
    }
  }
  return gx;
}

function convRef(x: number[], xs: number[], w: number[], ws: number[], s: number, p: number, d: number, groups: number): number[] {
  const [N, C, H, W] = xs, [O, Cg, kh, kw] = ws;
  const Ho = Math.floor((H + 2 * p - d * (kh - 1) - 1) / s) + 1, Wo = Math.floor((W + 2 * p - d * (kw - 1) - 1) / s) + 1;
  const out: number[] = [];
  const Og = O / groups;
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    let acc = 0;
    const g = Math.floor(o / Og);
    for (let c = 0; c < Cg; c++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const h = i * s - p + a * d, q = j * s - p + b * d;
      if (h < 0 || h >= H || q < 0 || q >= W) continue;
      acc += x[((n * C + g * Cg + c) * H + h) * W + q] * w[((o * Cg + c) * kh + a) * kw + b];
    }
    out.push(acc);
  }
  return out;
}

describe('conv2d: dtypes, layouts and shapes', () => {
  test('the weight gradient from the forward\'s kept columns equals the one from columns rebuilt in the backward; nothing leaks', () => {
    const run = (keepMax: number): number[][] => {
      const saved = convTuning.keepColsMax;
      convTuning.keepColsMax = keepMax;
      try {
        return fl.scope(() => {
          const x = fl.tensor(randomArray(2 * 4 * 6 * 7, 51, -1, 1), { device: DEVICE }).reshape([2, 4, 6, 7]).requiresGrad_();
          const w = fl.tensor(randomArray(6 * 2 * 3 * 2, 52, -1, 1), { device: DEVICE }).reshape([6, 2, 3, 2]).requiresGrad_();
          const b = fl.tensor(randomArray(6, 53, -1, 1), { device: DEVICE }).requiresGrad_();
          const y = fl.nn.conv2d(x, w, b, { stride: [1, 2], padding: 1, dilation: [2, 1], groups: 2 });
          y.mul(fl.tensor(randomArray(y.numel, 54, -1, 1), { device: DEVICE }).reshape(y.shape)).sum().backward();
          return [x.grad!, w.grad!, b.grad!].map((g) => Array.from(g.dataSync() as Float32Array));
        });
      } finally { convTuning.keepColsMax = saved; }
    };
    const before = liveTensorCount();
    const kept = run(1 << 24), rebuilt = run(0);
    expect(liveTensorCount()).toBe(before);
    expect(kept).toEqual(rebuilt);
    expect(kept[1].some((v) => v !== 0)).toBe(true);
  });
  test.each(['float32', 'float64', 'float16', 'bfloat16'] as fl.DType[])('%s vs a naive float64 loop', (dtype) => {
    fl.scope(() => {
      const xs = [2, 4, 6, 5], ws = [6, 2, 3, 3];
      const xv = roundTo(randomArray(240, 11, -1, 1), dtype), wv = roundTo(randomArray(108, 12, -1, 1), dtype);
      const y = fl.nn.conv2d(t(xv, xs, dtype), t(wv, ws, dtype), null, { stride: 2, padding: 1, dilation: 1, groups: 2 });
      expect(y.dtype).toBe(dtype);
      // 18 products per output: allow their rounding (and the output's) in the low precisions
      expectClose(y, convRef(xv, xs, wv, ws, 2, 1, 1, 2), dtype, dtype === 'float16' || dtype === 'bfloat16' ? 4 : 10);
    });
  });

  // conv.cpp's im2col copies a whole shifted plane per kernel tap when the stride is 1 and the output
  // is as wide as the input (then zeroes the columns outside the image); other shapes take the
  // per-row loop. Both against the naive float64 loop; the input is not square, and a strided input
  // on a selecting shape takes the per-row loop and must agree too.
  test.each(['float64', 'float32'] as const)('conv2d %s: stride-1 shapes whose output is as wide as the input, and shapes that are not, vs the naive loop (output and input gradient)', (dtype) => {
    fl.scope(() => {
      const xs = [2, 3, 7, 9];
      const xv = roundTo(randomArray(2 * 3 * 7 * 9, 55, -1, 1), dtype);
      const cases: [number[], number, number, number][] = [
        [[5, 3, 3, 3], 1, 1, 1], [[4, 3, 5, 5], 1, 2, 1], [[4, 3, 3, 3], 1, 2, 2], [[4, 3, 1, 1], 1, 0, 1], [[2, 3, 7, 7], 1, 3, 1],
        [[4, 3, 3, 3], 1, 0, 1], [[4, 3, 3, 3], 2, 1, 1], [[4, 3, 3, 3], 1, 1, 2],
      ];
      for (const [ws, st, pad, dil] of cases) {
        const wv = roundTo(randomArray(ws.reduce((a, b) => a * b, 1), 56, -1, 1), dtype);
        const y = fl.nn.conv2d(t(xv, xs, dtype), t(wv, ws, dtype), null, { stride: st, padding: pad, dilation: dil });
        expectClose(y, convRef(xv, xs, wv, ws, st, pad, dil, 1), dtype, 10);
        // the input gradient (col2im: float32 at stride 1 with an output as wide as the input adds
        // each tap's columns as one shifted row, the other shapes and dtypes row by row)
        const x = t(xv, xs, dtype).requiresGrad_();
        const y2 = fl.nn.conv2d(x, t(wv, ws, dtype), null, { stride: st, padding: pad, dilation: dil });
        const gv = roundTo(randomArray(y2.numel, 58, -1, 1), dtype);
        y2.mul(t(gv, y2.shape, dtype)).sum().backward();
        expectClose(x.grad!, convInputGradRef(gv, xs, wv, ws, st, pad, dil), dtype, 10);
      }
      const strided = channelsLast(xv, xs, dtype);
      const wv = roundTo(randomArray(135, 57, -1, 1), dtype);
      expectClose(fl.nn.conv2d(strided, t(wv, [5, 3, 3, 3], dtype), null, { padding: 1 }), convRef(xv, xs, wv, [5, 3, 3, 3], 1, 1, 1, 1), dtype, 10);
    });
  });

  test('non-contiguous input and weight give the same result as contiguous copies', () => {
    fl.scope(() => {
      const x = t(randomArray(2 * 3 * 5 * 6, 21), [2, 3, 6, 5]).transpose(2, 3);  // [2, 3, 5, 6] strided
      const w = t(randomArray(4 * 3 * 3 * 2, 22), [4, 3, 2, 3]).transpose(2, 3);
      const a = fl.nn.conv2d(x, w, null, { padding: [1, 0] });
      const b = fl.nn.conv2d(x.contiguous(), w.contiguous(), null, { padding: [1, 0] });
      expectClose(a, Array.from(b.dataSync()), 'float64');
      const xs = t(randomArray(1 * 2 * 6 * 6, 23), [1, 2, 6, 6]).slice(2, 1, null, 2);  // strided rows
      const p = fl.nn.maxPool2d(xs, 2), q = fl.nn.maxPool2d(xs.contiguous(), 2);
      expectClose(p, Array.from(q.dataSync()), 'float64');
    });
  });

  test('unbatched [C, H, W] input matches the batch of one, gradients included', () => {
    fl.scope(() => {
      const xv = randomArray(3 * 5 * 5, 31);
      const x3 = t(xv, [3, 5, 5]).requiresGrad_();
      const w = t(randomArray(2 * 3 * 3 * 3, 32), [2, 3, 3, 3]);
      const y3 = fl.nn.conv2d(x3, w, null, { padding: 1 });
      expect(y3.shape).toEqual([2, 5, 5]);
      y3.sum().backward();
      expect(x3.grad!.shape).toEqual([3, 5, 5]);
      const y4 = fl.nn.conv2d(t(xv, [1, 3, 5, 5]), w, null, { padding: 1 });
      expectClose(y3, Array.from(y4.dataSync()), 'float64');
      expect(fl.nn.maxPool2d(x3, 2).shape).toEqual([3, 2, 2]);
      const [v, i] = fl.nn.maxPool2d(x3, 2, { returnIndices: true });
      expect(v.shape).toEqual([3, 2, 2]); expect(i.shape).toEqual([3, 2, 2]);
      expect(fl.nn.avgPool2d(x3, 2).shape).toEqual([3, 2, 2]);
      expect(fl.nn.adaptiveAvgPool2d(x3, [1, null]).shape).toEqual([3, 1, 5]);
      expect(fl.nn.convTranspose2d(x3, t(randomArray(3 * 2 * 2 * 2, 33), [3, 2, 2, 2]), null, { stride: 2 }).shape).toEqual([2, 10, 10]);
    });
  });

  test('an empty batch gives an empty output', () => {
    fl.scope(() => {
      const y = fl.nn.conv2d(fl.zeros([0, 3, 5, 5], f64), fl.zeros([2, 3, 3, 3], f64), fl.zeros([2], f64));
      expect(y.shape).toEqual([0, 2, 3, 3]);
      expect(fl.nn.maxPool2d(fl.zeros([0, 3, 4, 4], f64), 2).shape).toEqual([0, 3, 2, 2]);
    });
  });

  test('one graph node per convolution; no grad recorded under noGrad', () => {
    fl.scope(() => {
      const x = fl.randn([1, 2, 4, 4]).requiresGrad_();
      const w = fl.randn([3, 2, 3, 3]).requiresGrad_();
      expect(fl.nn.conv2d(x, w).gradFn).toBe('conv2d');
      expect(fl.noGrad(() => fl.nn.conv2d(x, w)).requiresGrad).toBe(false);
    });
  });
});

// ---- modules -------------------------------------------------------------------------------------

describe('modules', () => {
  test('Conv2d: parameters, PyTorch init bounds, forward = functional', () => {
    fl.scope(() => {
      fl.manualSeed(0);
      const m = new fl.nn.Conv2d(8, 16, [3, 5], { stride: 2, padding: 1, groups: 2 });
      try {
        expect(m.weight.shape).toEqual([16, 4, 3, 5]);
        expect(m.bias!.shape).toEqual([16]);
        expect(m.namedParameters().map(([k]) => k)).toEqual(['weight', 'bias']);
        const bound = 1 / Math.sqrt(4 * 3 * 5);
        const wv = Array.from(m.weight.dataSync());
        expect(Math.max(...wv.map(Math.abs))).toBeLessThanOrEqual(bound);
        expect(Math.max(...wv.map(Math.abs))).toBeGreaterThan(0.9 * bound);  // 960 draws fill U(-b, b)
        expect(Math.max(...Array.from(m.bias!.dataSync()).map(Math.abs))).toBeLessThanOrEqual(bound);
        expect(m.toString()).toBe('Conv2d(8, 16, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), groups=2)');
        const x = fl.randn([2, 8, 9, 9]);
        expectClose(m.forward(x), Array.from(fl.nn.conv2d(x, m.weight, m.bias, { stride: 2, padding: 1, groups: 2 }).dataSync()), 'float32');
      } finally { m.dispose(); }
    });
  });

  test('Conv1d and ConvTranspose2d: shapes, init bounds (fan-in from weight.shape[1]) and repr', () => {
    fl.scope(() => {
      const c1 = new fl.nn.Conv1d(4, 6, 3, { padding: 'same', bias: false });
      const ct = new fl.nn.ConvTranspose2d(6, 4, 4, { stride: 2, padding: 1, groups: 2, dtype: 'float64', device: DEVICE });
      try {
        expect(c1.weight.shape).toEqual([6, 4, 3]);
        expect(c1.bias).toBeNull();
        expect(c1.toString()).toBe('Conv1d(4, 6, kernel_size=(3,), stride=(1,), padding=same, bias=False)');
        expect(c1.forward(fl.randn([2, 4, 10])).shape).toEqual([2, 6, 10]);
        expect(ct.weight.shape).toEqual([6, 2, 4, 4]);
        expect(ct.weight.dtype).toBe('float64');
        const bound = 1 / Math.sqrt(2 * 16);
        expect(Math.max(...Array.from(ct.weight.dataSync()).map(Math.abs))).toBeLessThanOrEqual(bound);
        expect(ct.forward(fl.randn([1, 6, 5, 5], f64)).shape).toEqual([1, 4, 10, 10]);
        expect(ct.forward(fl.randn([1, 6, 5, 5], f64), [11, 11]).shape).toEqual([1, 4, 11, 11]);
        expect(() => ct.forward(fl.randn([1, 6, 5, 5], f64), [13, 13])).toThrow(fl.ValueError);
      } finally { c1.dispose(); ct.dispose(); }
    });
  });

  test('pooling modules', () => {
    fl.scope(() => {
      const x = fl.randn([2, 3, 8, 8], { device: DEVICE });
      const mp = new fl.nn.MaxPool2d(2);
      expect(mp.forward(x).shape).toEqual([2, 3, 4, 4]);
      expect(mp.toString()).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
      const [v, i] = new fl.nn.MaxPool2d(3, { stride: 2, returnIndices: true }).forward(x);
      expect(v.shape).toEqual([2, 3, 3, 3]); expect(i.dtype).toBe('int32');
      expect(new fl.nn.AvgPool2d(3, { stride: 1, padding: 1 }).forward(x).shape).toEqual([2, 3, 8, 8]);
      const gap = new fl.nn.AdaptiveAvgPool2d(1);
      expect(gap.forward(x).shape).toEqual([2, 3, 1, 1]);
      expect(gap.toString()).toBe('AdaptiveAvgPool2d(output_size=1)');
      expect(mp.parameters()).toEqual([]);
    });
  });
});

// ---- bad input -----------------------------------------------------------------------------------

describe('bad input gets typed errors naming the op', () => {
  test('conv2d', () => {
    fl.scope(() => {
      const x = fl.zeros([2, 3, 5, 5]);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 2, 3, 3]))).toThrow(/conv2d.*expects input with 2 channels.*\[2, 3, 5, 5\]/);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 2, 3, 3]))).toThrow(fl.ShapeError);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 3, 7, 3]))).toThrow(/conv2d: padded input size.*smaller than.*kernel/);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 3, 3, 3]), null, { padding: 1, dilation: 4 })).toThrow(fl.ShapeError);
      expect(() => fl.nn.conv2d(fl.zeros([3, 5]), fl.zeros([4, 3, 3, 3]))).toThrow(fl.ShapeError);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 3, 3]))).toThrow(/conv2d: expected a 4-D weight/);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 3, 3, 3]), fl.zeros([3]))).toThrow(/conv2d: expected bias of shape \[4\]/);
      expect(() => fl.nn.conv2d(x, fl.zeros([3, 1, 3, 3]), null, { groups: 2 })).toThrow(fl.ShapeError);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 3, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow(fl.ValueError);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 3, 3, 3]), null, { stride: 0 })).toThrow(/conv2d: stride/);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 3, 3, 3]), null, { padding: -1 })).toThrow(fl.ValueError);
      expect(() => fl.nn.conv2d(x, fl.zeros([4, 3, 3, 3], { dtype: 'float64' }))).toThrow(fl.DTypeError);
      expect(() => fl.nn.conv2d(fl.zeros([2, 3, 5, 5], { dtype: 'int32' }), fl.zeros([4, 3, 3, 3], { dtype: 'int32' }))).toThrow(fl.DTypeError);
      expect(() => fl.nn.conv2d(null as any, fl.zeros([4, 3, 3, 3]))).toThrow(fl.ValueError);
    });
  });

  test('conv1d, convTranspose2d and modules', () => {
    fl.scope(() => {
      expect(() => fl.nn.conv1d(fl.zeros([2, 3, 5]), fl.zeros([4, 3, 3, 3]))).toThrow(/conv1d: expected a 3-D weight/);
      expect(() => fl.nn.convTranspose2d(fl.zeros([1, 3, 4, 4]), fl.zeros([2, 3, 3, 3]))).toThrow(/convTranspose2d.*2 channels.*\[1, 3, 4, 4\]/);
      expect(() => fl.nn.convTranspose2d(fl.zeros([1, 3, 4, 4]), fl.zeros([3, 3, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding/);
      expect(() => new fl.nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(fl.ValueError);
      expect(() => new fl.nn.Conv2d(4, 4, 0)).toThrow(fl.ValueError);
      expect(() => new fl.nn.Conv2d(4, 4, 3, { paddingMode: 'mirror' as any })).toThrow(/paddingMode/);  // reflect, replicate, circular: test/pad-resize.test.ts
    });
  });

  test('pooling', () => {
    fl.scope(() => {
      const x = fl.zeros([1, 2, 4, 4]);
      expect(() => fl.nn.maxPool2d(x, 2, { padding: 2 })).toThrow(/maxPool2d: padding .* at most half/);
      expect(() => fl.nn.maxPool2d(x, 5)).toThrow(fl.ShapeError);
      expect(() => fl.nn.maxPool2d(fl.zeros([4, 4]), 2)).toThrow(/maxPool2d: expected a 3-D/);
      expect(() => fl.nn.maxPool2d(fl.zeros([1, 1, 4, 4], { dtype: 'int32' }), 2)).toThrow(fl.DTypeError);
      expect(() => fl.nn.avgPool2d(x, 2, { divisorOverride: 0 })).toThrow(fl.ValueError);
      expect(() => fl.nn.adaptiveAvgPool2d(x, 0)).toThrow(/adaptiveAvgPool2d: outputSize/);
      expect(() => fl.nn.adaptiveAvgPool2d(x, [2, 2, 2] as any)).toThrow(fl.ValueError);
    });
  });
});

// ---- the native pooling kernels on DEVICE: 16-bit dtypes, strided inputs, NaN/ties, direct calls --------

const NATIVE_DTYPES: fl.DType[] = ['float64', 'float32', 'float16', 'bfloat16'];
interface PoolG { kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number }

/** conv.cpp's max pooling, in float64: the first maximum wins ties, a NaN wins (the last NaN). */
function maxPoolRef(x: number[], [N, C, H, W]: number[], g: PoolG, Ho: number, Wo: number): { out: number[]; idx: number[] } {
  const out: number[] = [], idx: number[] = [];
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
    let h0 = oh * g.sh - g.ph; const h1 = Math.min(h0 + (g.kh - 1) * g.dh + 1, H); while (h0 < 0) h0 += g.dh;
    let w0 = ow * g.sw - g.pw; const w1 = Math.min(w0 + (g.kw - 1) * g.dw + 1, W); while (w0 < 0) w0 += g.dw;
    let best = -Infinity, bi = h0 * W + w0;
    for (let h = h0; h < h1; h += g.dh) for (let w = w0; w < w1; w += g.dw) {
      const v = x[p * H * W + h * W + w];
      if (v > best || Number.isNaN(v)) { best = v; bi = h * W + w; }
    }
    out.push(best); idx.push(bi);
  }
  return { out, idx };
}

/** PyTorch's average-pooling windows (conv.cpp avgWin) as [h0, h1, w0, w1, divisor]. */
function avgWin(g: PoolG, H: number, W: number, oh: number, ow: number, includePad: boolean, divisor: number): number[] {
  let h0 = oh * g.sh - g.ph, w0 = ow * g.sw - g.pw;
  let h1 = Math.min(h0 + g.kh, H + g.ph), w1 = Math.min(w0 + g.kw, W + g.pw);
  const pool = (h1 - h0) * (w1 - w0);
  h0 = Math.max(h0, 0); w0 = Math.max(w0, 0); h1 = Math.min(h1, H); w1 = Math.min(w1, W);
  return [h0, h1, w0, w1, divisor || (includePad ? pool : (h1 - h0) * (w1 - w0))];
}

/** Windows of an average pooling (plain or adaptive) for output (oh, ow): [h0, h1, w0, w1, divisor]. */
type WinFn = (oh: number, ow: number) => number[];
function adaptiveWin(H: number, W: number, Ho: number, Wo: number): WinFn {
  return (oh, ow) => {
    const h0 = Math.floor(oh * H / Ho), h1 = Math.ceil((oh + 1) * H / Ho), w0 = Math.floor(ow * W / Wo), w1 = Math.ceil((ow + 1) * W / Wo);
    return [h0, h1, w0, w1, (h1 - h0) * (w1 - w0)];
  };
}
function avgRef(x: number[], [N, C, H, W]: number[], Ho: number, Wo: number, win: WinFn): number[] {
  const out: number[] = [];
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
    const [h0, h1, w0, w1, d] = win(oh, ow);
    let s = 0;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += x[p * H * W + h * W + w];
    out.push(d > 0 ? s / d : 0);
  }
  return out;
}
function avgBackRef(gy: number[], [N, C, H, W]: number[], Ho: number, Wo: number, win: WinFn): number[] {
  const gx = new Array(N * C * H * W).fill(0);
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
    const [h0, h1, w0, w1, d] = win(oh, ow);
    if (d <= 0) continue;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) gx[p * H * W + h * W + w] += gy[(p * Ho + oh) * Wo + ow] / d;
  }
  return gx;
}

/** values (row-major [N, C, H, W]) as a DEVICE tensor whose memory is laid out [N, H, W, C] (strided). */
function channelsLast(v: number[], [N, C, H, W]: number[], dtype: fl.DType): fl.Tensor {
  const nhwc = new Array(v.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    nhwc[((n * H + h) * W + w) * C + c] = v[((n * C + c) * H + h) * W + w];
  }
  return fl.tensor(nhwc, { dtype, device: DEVICE }).reshape([N, H, W, C]).permute([0, 3, 1, 2]);
}

describe('pooling kernels: dtypes, strided inputs, overlapping windows (forward and backward)', () => {
  const shape = [2, 3, 7, 6];
  const numel = 2 * 3 * 7 * 6;

  test.each(NATIVE_DTYPES)('maxPool2d %s: values, indices (ties, NaN, -inf) and gradients, dilation and padding', (dtype) => {
    fl.scope(() => {
      // few distinct values (ties), a NaN, and -inf entries
      const v = roundTo(randomArray(numel, 41, -2, 2).map((a) => Math.round(a * 2) / 2), dtype);
      v[5] = NaN; v[17] = -Infinity; v[100] = -Infinity;
      const g: PoolG = { kh: 3, kw: 2, sh: 2, sw: 1, ph: 1, pw: 1, dh: 1, dw: 2 };
      const x = channelsLast(v, shape, dtype).requiresGrad_();
      const [y, idx] = fl.nn.maxPool2d(x, [3, 2], { stride: [2, 1], padding: [1, 1], dilation: [1, 2], returnIndices: true });
      const [, , Ho, Wo] = y.shape;
      const ref = maxPoolRef(v, shape, g, Ho, Wo);
      expect(Array.from(idx.dataSync())).toEqual(ref.idx);
      expectClose(y, ref.out, dtype);
      const gy = roundTo(randomArray(y.numel, 42, -1, 1), dtype);
      y.mul(fl.tensor(gy, { dtype, device: DEVICE }).reshape(y.shape)).sum().backward();
      const gx = new Array(numel).fill(0);
      for (let i = 0; i < gy.length; i++) gx[Math.floor(i / (Ho * Wo)) * 42 + ref.idx[i]] += gy[i];
      expectClose(x.grad!, gx, dtype, 4);
    });
  });

  test.each(NATIVE_DTYPES)('avgPool2d %s: countIncludePad false, ceilMode, divisorOverride, with gradients', (dtype) => {
    fl.scope(() => {
      const v = roundTo(randomArray(numel, 43, -2, 2), dtype);
      const g: PoolG = { kh: 3, kw: 2, sh: 2, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1 };
      for (const [includePad, divisor, ceilMode] of [[false, 0, true], [true, 0, false], [true, 5, true]] as [boolean, number, boolean][]) {
        const x = channelsLast(v, shape, dtype).requiresGrad_();
        const y = fl.nn.avgPool2d(x, [3, 2], { stride: [2, 1], padding: [1, 1], countIncludePad: includePad, ceilMode, divisorOverride: divisor || undefined });
        const [, , Ho, Wo] = y.shape;
        const win: WinFn = (oh, ow) => avgWin(g, 7, 6, oh, ow, includePad, divisor);
        expectClose(y, avgRef(v, shape, Ho, Wo, win), dtype, 4);
        const gy = roundTo(randomArray(y.numel, 44, -1, 1), dtype);
        y.mul(fl.tensor(gy, { dtype, device: DEVICE }).reshape(y.shape)).sum().backward();
        expectClose(x.grad!, avgBackRef(gy, shape, Ho, Wo, win), dtype, 4);
      }
    });
  });

  test.each(NATIVE_DTYPES)('adaptiveAvgPool2d %s: overlapping windows (7x6 -> 4x4, 7x6 -> 3x5), with gradients', (dtype) => {
    fl.scope(() => {
      const v = roundTo(randomArray(numel, 45, -2, 2), dtype);
      for (const [Ho, Wo] of [[4, 4], [3, 5], [1, 1]]) {
        const x = channelsLast(v, shape, dtype).requiresGrad_();
        const y = fl.nn.adaptiveAvgPool2d(x, [Ho, Wo]);
        const win = adaptiveWin(7, 6, Ho, Wo);
        expectClose(y, avgRef(v, shape, Ho, Wo, win), dtype, 4);
        const gy = roundTo(randomArray(y.numel, 46, -1, 1), dtype);
        y.mul(fl.tensor(gy, { dtype, device: DEVICE }).reshape(y.shape)).sum().backward();
        expectClose(x.grad!, avgBackRef(gy, shape, Ho, Wo, win), dtype, 4);
      }
    });
  });

  // conv.cpp runs eight outputs of a float32 row at once where the row is contiguous and the windows
  // need no clipping in w (stride 1, 2 and others load differently); the rest of the row, other
  // dtypes and strided rows take the scalar loop. Wide rows select it, with ties, NaN and -inf
  // inside it and at its edges; float64 and a strided float32 input cover the same shapes without it.
  const WIDE: [string, number[], PoolG][] = [
    ['2x2 stride 2', [2, 3, 6, 41], { kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1 }],
    ['3x3 stride 1 padding 1', [1, 2, 5, 37], { kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1 }],
    ['[2, 3] stride [1, 3] padding [1, 1] dilation [1, 2]', [1, 2, 5, 64], { kh: 2, kw: 3, sh: 1, sw: 3, ph: 1, pw: 1, dh: 1, dw: 2 }],
    ['3x2 stride [2, 2] padding 1 dilation [2, 1]', [2, 2, 9, 35], { kh: 3, kw: 2, sh: 2, sw: 2, ph: 1, pw: 1, dh: 2, dw: 1 }],
  ];
  const WIDE_CASES = WIDE.flatMap(([name, shp, g]) => (['float32', 'float64', 'strided float32'] as const).map((kind) => [`${name}, ${kind}`, shp, g, kind] as const));
  test.each(WIDE_CASES)('maxPool2d on wide rows (%s): values, indices and gradients vs float64 reference', (_name, shp, g, kind) => {
    fl.scope(() => {
      const n = shp.reduce((a, b) => a * b, 1);
      const dtype = kind === 'float64' ? 'float64' : 'float32';
      const v = roundTo(randomArray(n, 49, -2, 2).map((a) => Math.round(a * 4) / 4), dtype);
      for (const i of [3, 50, 51, n - 2]) v[i] = NaN;
      for (const i of [7, 60, 61, 62]) v[i] = -Infinity;
      const x = (kind === 'strided float32' ? channelsLast(v, shp, dtype) : fl.tensor(v, { dtype, device: DEVICE }).reshape(shp)).requiresGrad_();
      const [y, idx] = fl.nn.maxPool2d(x, [g.kh, g.kw], { stride: [g.sh, g.sw], padding: [g.ph, g.pw], dilation: [g.dh, g.dw], returnIndices: true });
      const [, , Ho, Wo] = y.shape;
      const ref = maxPoolRef(v, shp, g, Ho, Wo);
      expect(Array.from(idx.dataSync())).toEqual(ref.idx);
      expect(Array.from(y.dataSync() as ArrayLike<number>)).toEqual(ref.out);
      const gy = roundTo(randomArray(y.numel, 50, -1, 1), dtype);
      y.mul(fl.tensor(gy, { dtype, device: DEVICE }).reshape(y.shape)).sum().backward();
      const plane = shp[2] * shp[3], gx = new Array(n).fill(0);
      for (let i = 0; i < gy.length; i++) gx[Math.floor(i / (Ho * Wo)) * plane + ref.idx[i]] += gy[i];
      expectClose(x.grad!, gx, dtype, 4);
    });
  });

  test('maxPool2dBackward called directly: with and without the window geometry, and a strided gradient', () => {
    fl.scope(() => {
      const v = roundTo(randomArray(numel, 47, -2, 2), 'float32');
      const g: PoolG = { kh: 3, kw: 3, sh: 1, sw: 2, ph: 1, pw: 1, dh: 2, dw: 1 };
      const x = fl.tensor(v, { dtype: 'float32', device: DEVICE }).reshape(shape);
      const [y, idx] = fl.nn.maxPool2d(x, 3, { stride: [1, 2], padding: 1, dilation: [2, 1], returnIndices: true });
      const [, , Ho, Wo] = y.shape;
      const ref = maxPoolRef(v, shape, g, Ho, Wo);
      expect(Array.from(idx.dataSync())).toEqual(ref.idx);
      const gyv = randomArray(y.numel, 48, -1, 1);
      // the gradient as a transposed (strided) view
      const gy = fl.tensor(gyv, { dtype: 'float32', device: DEVICE }).reshape(y.shape).transpose(2, 3).contiguous().transpose(2, 3);
      const want = new Array(numel).fill(0);
      for (let i = 0; i < gyv.length; i++) want[Math.floor(i / (Ho * Wo)) * 42 + ref.idx[i]] += Math.fround(gyv[i]);
      const id = opId('maxPool2dBackward');
      for (const params of [[], [g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw]]) {
        const gx = fl.zeros(shape, { device: DEVICE });
        call(id, 'maxPool2dBackward', [gx, gy, idx], params);
        expectClose(gx, want, 'float32');
      }
    });
  });

  test('maxPool2dBackward: an index outside the plane is an IndexError naming the op', () => {
    fl.scope(() => {
      const id = opId('maxPool2dBackward');
      for (const params of [[], [2, 2, 2, 2, 0, 0, 1, 1]]) {
        const gx = fl.zeros([1, 2, 2, 2], { device: DEVICE });
        const gy = fl.ones([1, 2, 1, 1], { device: DEVICE });
        const idx = fl.tensor([0, 4], { dtype: 'int32', device: DEVICE }).reshape([1, 2, 1, 1]);
        expect(() => { call(id, 'maxPool2dBackward', [gx, gy, idx], params); gx.dataSync(); }).toThrow(fl.IndexError);
        const neg = fl.tensor([-1, 0], { dtype: 'int32', device: DEVICE }).reshape([1, 2, 1, 1]);
        expect(() => { call(id, 'maxPool2dBackward', [gx, gy, neg], params); gx.dataSync(); }).toThrow(/maxPool2dBackward/);
      }
    });
  });

  test('conv2d, convTranspose2d and pooling give the CPU backend\'s results bit for bit', () => {
    fl.scope(() => {
      for (const dtype of ['float32', 'float16'] as fl.DType[]) {
        const xs = [2, 4, 7, 6], ws = [4, 2, 3, 2];
        const xv = roundTo(randomArray(2 * 4 * 7 * 6, 51, -1, 1), dtype), wv = roundTo(randomArray(48, 52, -1, 1), dtype);
        const run = (device: string): number[][] => fl.scope(() => {
          const x = fl.tensor(xv, { dtype, device }).reshape(xs).requiresGrad_();
          const w = fl.tensor(wv, { dtype, device }).reshape(ws).requiresGrad_();
          const y = fl.nn.conv2d(x, w, null, { stride: [2, 1], padding: [2, 1], dilation: [1, 2], groups: 2 });
          const z = fl.nn.convTranspose2d(x, w.transpose(0, 1).contiguous().reshape([4, 2, 3, 2]), null, { stride: 2, padding: 1, groups: 2 });
          const xp = fl.tensor(xv, { dtype, device }).reshape(xs).requiresGrad_();
          const m = fl.nn.maxPool2d(xp, 3, { stride: 1, padding: 1 });
          const a = fl.nn.avgPool2d(xp, 3, { stride: [1, 2], padding: 1, countIncludePad: false });
          const ad = fl.nn.adaptiveAvgPool2d(xp, [4, 5]);
          const gw = (t: fl.Tensor, seed: number): fl.Tensor => fl.tensor(roundTo(randomArray(t.numel, seed, -1, 1), dtype), { dtype, device }).reshape(t.shape);
          fl.add(y.mul(gw(y, 53)).sum(), z.mul(gw(z, 54)).sum()).backward();
          // three backward passes into xp.grad: each is an exact elementwise sum of pooling gradients
          m.mul(gw(m, 55)).sum().backward();
          a.mul(gw(a, 56)).sum().backward();
          ad.mul(gw(ad, 57)).sum().backward();
          return [y, z, m, a, ad, x.grad!, w.grad!, xp.grad!].map((t) => Array.from(t.dataSync() as ArrayLike<number>));
        });
        // matmul may differ in the last bits between backends: the pooling outputs and gradients must
        // be identical, the convolutions within tolerance
        const [dev, cpu] = [run(DEVICE), run('cpu')];
        for (const k of [2, 3, 4, 7]) expect(dev[k]).toEqual(cpu[k]);
        for (const k of [0, 1, 5, 6]) {
          const [rt, at] = dtype === 'float32' ? [1e-5, 1e-5] : [4e-3, 4e-3];
          dev[k].forEach((d, i) => { if (!(Math.abs(d - cpu[k][i]) <= at + rt * Math.abs(cpu[k][i]))) throw new Error(`output ${k} element ${i}: ${d} vs cpu ${cpu[k][i]}`); });
        }
      }
    });
  });
});
