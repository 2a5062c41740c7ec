// conv-cpu.test.ts — the CPU's fused convolution (native/cpu/conv.cpp: conv2dForward,
// conv2dBackwardInput, conv2dBackwardWeight; lib/ops/conv.ts takes it for float32 and float64 CPU
// tensors) on each of its paths: the general one (cache-sized blocks of columns, one GEMM per image,
// group and block, straight into NCHW; its input gradient as the flipped-kernel convolution at
// stride 1 and by col2im at other strides), the pointwise one (1x1, stride 1, no padding: the image
// is its own column matrix), the direct loops for one input channel per group with groups > 1
// (depthwise, with and without a channel multiplier), a single-channel input with groups 1 (the
// GEMM path), several column blocks per image, a batch
// larger than the weight gradient's 8 fixed parts, odd sizes, padding, dilation, strides, groups and
// batch 1. CPU only: the GPU runs im2col + GEMM (test/conv.test.ts covers both devices).
// References: (1) a naive float64 loop written here (forward, input, weight and bias gradients of
// sum(y * g)); float64 compared at TOL.float64 scaled by the products summed, float32 at TOL.float32
// likewise; (2) PyTorch 1.13 golden values (sums and leading entries, pasted below with the torch
// call that made them; inputs from closed formulas, so both sides build the same tensors);
// (3) the composed path (convTuning.fusedCpu = false: im2col + GEMM); (4) finite differences
// (fl.gradcheck) through the fused kernels. Refusals of the native ops are typed errors.
import * as fl from '../lib';
import { call, opId } from '../lib/native';
import { convTuning } from '../lib/ops/conv';
import { liveTensorCount } from '../lib/tensor';
import { expectClose, randomArray, roundTo } from './helpers';

const cpu = 'cpu';

interface Case { name: string; xs: number[]; ws: number[]; stride: [number, number]; pad: [number, number]; dil: [number, number]; groups: number }

const c = (name: string, xs: number[], ws: number[], stride: number | [number, number], pad: number | [number, number], dil: number | [number, number], groups: number): Case => {
  const two = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);
  return { name, xs, ws, stride: two(stride), pad: two(pad), dil: two(dil), groups };
};

// every path of the fused kernels, with the shapes that select it
const CASES: Case[] = [
  c('general 3x3, padding 1', [2, 3, 7, 6], [4, 3, 3, 3], 1, 1, 1, 1),
  c('general: odd sizes, stride [2, 1], padding [0, 2], dilation [2, 1]', [3, 5, 9, 7], [6, 5, 2, 3], [2, 1], [0, 2], [2, 1], 1),
  c('general: groups 2, stride 2, batch 1', [1, 4, 8, 9], [6, 2, 3, 3], 2, 1, 1, 2),
  c('general: 1x1 with stride 2 (not pointwise)', [2, 6, 7, 7], [5, 6, 1, 1], 2, 0, 1, 1),
  c('general: 1x1 with padding 1 (not pointwise)', [2, 3, 4, 5], [2, 3, 1, 1], 1, 1, 1, 1),
  c('general: several column blocks per image (64 channels, 30x30)', [2, 64, 30, 30], [3, 64, 3, 3], 1, 1, 1, 1),
  c('general: 11 images (the weight gradient\'s 8 parts of unequal sizes), 5x5 kernel', [11, 3, 6, 5], [4, 3, 5, 5], 1, 2, 1, 1),
  c('general: a 2.4 MB weight (3 weight-gradient parts, not 8), 9 images of 3x3', [9, 256, 3, 3], [256, 256, 3, 3], 1, 1, 1, 1),
  c('pointwise 1x1', [3, 8, 5, 6], [7, 8, 1, 1], 1, 0, 1, 1),
  c('pointwise 1x1, groups 4, batch 1', [1, 8, 3, 7], [12, 2, 1, 1], 1, 0, 1, 4),
  c('pointwise 1x1, 9 images', [9, 4, 3, 3], [5, 4, 1, 1], 1, 0, 1, 1),
  c('depthwise 3x3 (groups = channels), padding 1', [2, 6, 7, 8], [6, 1, 3, 3], 1, 1, 1, 6),
  c('depthwise 3x3, channel multiplier 2, stride 2, dilation [1, 2]', [3, 4, 9, 10], [8, 1, 3, 3], 2, 1, [1, 2], 4),
  c('depthwise 5x5, stride [1, 3], batch 1, no padding', [1, 5, 8, 11], [5, 1, 5, 5], [1, 3], 0, 1, 5),
  c('one input channel, groups 1 (the GEMM path): the first layer of a CNN', [4, 1, 9, 8], [6, 1, 3, 3], 1, 1, 1, 1),
  c('one input channel, 7x7 stride 2 padding 3, 10 images', [10, 1, 12, 11], [3, 1, 7, 7], 2, 3, 1, 1),
];

function outSize(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/** Naive float64 conv2d and the gradients of sum(y * g): [y, gx, gw, gb]. */
function reference(k: Case, x: number[], w: number[], b: number[], g: number[]): number[][] {
  const [N, C, H, W] = k.xs, [O, Cg, kh, kw] = k.ws;
  const Ho = outSize(H, kh, k.stride[0], k.pad[0], k.dil[0]), Wo = outSize(W, kw, k.stride[1], k.pad[1], k.dil[1]);
  const Og = O / k.groups;
  const y = new Array<number>(N * O * Ho * Wo).fill(0), gx = new Array<number>(x.length).fill(0);
  const gw = new Array<number>(w.length).fill(0), gb = new Array<number>(O).fill(0);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    const yi = ((n * O + o) * Ho + i) * Wo + j;
    const grp = Math.floor(o / Og);
    let acc = b[o];
    gb[o] += g[yi];
    for (let ci = 0; ci < Cg; ci++) for (let a = 0; a < kh; a++) for (let e = 0; e < kw; e++) {
      const h = i * k.stride[0] - k.pad[0] + a * k.dil[0], q = j * k.stride[1] - k.pad[1] + e * k.dil[1];
      if (h < 0 || h >= H || q < 0 || q >= W) continue;
      const xi = ((n * C + grp * Cg + ci) * H + h) * W + q, wi = ((o * Cg + ci) * kh + a) * kw + e;
      acc += x[xi] * w[wi];
      gx[xi] += g[yi] * w[wi];
      gw[wi] += g[yi] * x[xi];
    }
    y[yi] = acc;
  }
  return [y, gx, gw, gb];
}

function run(k: Case, dtype: 'float32' | 'float64', x: number[], w: number[], b: number[], g: number[]): number[][] {
  return fl.scope(() => {
    const xt = fl.tensor(x, { dtype, device: cpu }).reshape(k.xs).requiresGrad_();
    const wt = fl.tensor(w, { dtype, device: cpu }).reshape(k.ws).requiresGrad_();
    const bt = fl.tensor(b, { dtype, device: cpu }).requiresGrad_();
    const y = fl.nn.conv2d(xt, wt, bt, { stride: k.stride, padding: k.pad, dilation: k.dil, groups: k.groups });
    y.mul(fl.tensor(g, { dtype, device: cpu }).reshape(y.shape)).sum().backward();
    return [y, xt.grad!, wt.grad!, bt.grad!].map((t) => Array.from(t.dataSync() as ArrayLike<number>));
  });
}

function inputs(k: Case, dtype: fl.DType, seed: number): number[][] {
  const [N, , H, W] = k.xs, [O, , kh, kw] = k.ws;
  const L = outSize(H, kh, k.stride[0], k.pad[0], k.dil[0]) * outSize(W, kw, k.stride[1], k.pad[1], k.dil[1]);
  return [
    roundTo(randomArray(k.xs.reduce((a, v) => a * v, 1), seed, -1, 1), dtype),
    roundTo(randomArray(k.ws.reduce((a, v) => a * v, 1), seed + 1, -1, 1), dtype),
    roundTo(randomArray(O, seed + 2, -1, 1), dtype),
    roundTo(randomArray(N * O * L, seed + 3, -1, 1), dtype),
  ];
}

function expectAllClose(got: number[][], want: number[][], dtype: fl.DType, scale: number): void {
  const what = ['output', 'input gradient', 'weight gradient', 'bias gradient'];
  got.forEach((v, i) => {
    try {
      fl.scope(() => expectClose(fl.tensor(v, { dtype: 'float64' }), want[i], dtype, scale));
    } catch (e) { throw new Error(`${what[i]}: ${(e as Error).message}`); }
  });
}

describe('fused CPU conv2d vs a naive float64 loop (output, input, weight and bias gradients)', () => {
  test.each(CASES.map((k) => [k.name, k]))('%s (float64)', (_n, k: Case) => {
    const [x, w, b, g] = inputs(k, 'float64', 7);
    // sums of up to N*Ho*Wo products (the weight gradient): scale the tolerance with them
    expectAllClose(run(k, 'float64', x, w, b, g), reference(k, x, w, b, g), 'float64', 100);
  });
  test.each(CASES.map((k) => [k.name, k]))('%s (float32)', (_n, k: Case) => {
    const [x, w, b, g] = inputs(k, 'float32', 9);
    expectAllClose(run(k, 'float32', x, w, b, g), reference(k, x, w, b, g), 'float32', 100);
  });
});

describe('fused CPU conv2d vs the composed path (im2col + GEMM) and itself', () => {
  test.each(CASES.map((k) => [k.name, k]))('%s: the same values as convTuning.fusedCpu = false (float32)', (_n, k: Case) => {
    const [x, w, b, g] = inputs(k, 'float32', 13);
    const fused = run(k, 'float32', x, w, b, g);
    convTuning.fusedCpu = false;
    let composed: number[][];
    try { composed = run(k, 'float32', x, w, b, g); } finally { convTuning.fusedCpu = true; }
    // both float32 with different summation orders: compare at float32's tolerance, scaled
    expectAllClose(fused, composed, 'float32', 100);
  });
  test('the same bits on every run and with 1 or 2 threads (fixed sums: the weight gradient\'s parts, the bias in double)', () => {
    const k = CASES[6];  // 11 images: 8 parts
    const [x, w, b, g] = inputs(k, 'float32', 17);
    const saved = fl.backend.info().threads;
    try {
      const a = run(k, 'float32', x, w, b, g), a2 = run(k, 'float32', x, w, b, g);
      fl.backend.setNumThreads(1);
      const one = run(k, 'float32', x, w, b, g);
      expect(a2).toEqual(a);
      expect(one).toEqual(a);
    } finally { fl.backend.setNumThreads(saved); }
  });
  test('non-contiguous input, weight and gradient are made dense first; nothing leaks', () => {
    const before = liveTensorCount();
    fl.scope(() => {
      const xv = randomArray(2 * 3 * 6 * 5, 21, -1, 1), wv = randomArray(4 * 3 * 3 * 2, 22, -1, 1);
      const x = fl.tensor(xv, { dtype: 'float64' }).reshape([2, 3, 6, 5]).transpose(2, 3).requiresGrad_();
      const w = fl.tensor(wv, { dtype: 'float64' }).reshape([4, 3, 2, 3]).transpose(2, 3).requiresGrad_();
      const y = fl.nn.conv2d(x, w, null, { padding: [1, 0] });
      y.transpose(2, 3).sum().backward();
      const xd = x.detach().contiguous(), wd = w.detach().contiguous();
      const k = c('dense', [2, 3, 5, 6], [4, 3, 3, 2], 1, [1, 0], 1, 1);
      const [yr, gxr, gwr] = reference(k, Array.from(xd.dataSync()), Array.from(wd.dataSync()), [0, 0, 0, 0], new Array<number>(y.numel).fill(1));
      expectClose(y, yr, 'float64', 10);
      expectClose(x.grad!.contiguous(), gxr, 'float64', 10);
      expectClose(w.grad!.contiguous(), gwr, 'float64', 100);
    });
    expect(liveTensorCount()).toBe(before);
  });
  test('empty shapes: an empty batch, zero output channels, zero input channels', () => {
    fl.scope(() => {
      const f = { dtype: 'float32' as const };
      const x0 = fl.zeros([0, 3, 5, 5], f).requiresGrad_(), w0 = fl.ones([2, 3, 3, 3], f).requiresGrad_(), b0 = fl.ones([2], f).requiresGrad_();
      const y0 = fl.nn.conv2d(x0, w0, b0);
      expect(y0.shape).toEqual([0, 2, 3, 3]);
      y0.sum().backward();
      expect(Array.from(w0.grad!.dataSync())).toEqual(new Array(54).fill(0));
      expect(Array.from(b0.grad!.dataSync())).toEqual([0, 0]);
      // no input channels: the output is the bias
      const x1 = fl.zeros([2, 0, 4, 4], f), w1 = fl.zeros([3, 0, 3, 3], f), b1 = fl.tensor([1, 2, 3], f);
      const y1 = fl.nn.conv2d(x1, w1, b1, { padding: 1 });
      expect(y1.shape).toEqual([2, 3, 4, 4]);
      expect(Array.from(y1.sum([0, 2, 3]).dataSync())).toEqual([32, 64, 96]);
      // no output channels: the input gradient is zero
      const x2 = fl.ones([1, 2, 3, 3], f).requiresGrad_();
      const y2 = fl.nn.conv2d(x2, fl.zeros([0, 2, 1, 1], f));
      expect(y2.shape).toEqual([1, 0, 3, 3]);
      y2.sum().backward();
      expect(Array.from(x2.grad!.dataSync())).toEqual(new Array(18).fill(0));
    });
  });
});

// PyTorch 1.13, float64, inputs from closed formulas (the same on both sides):
//   x[i] = sin(0.37 i + 0.1), w[i] = 0.5 cos(0.11 i), b[i] = 0.1 i - 0.2 (flat indices), y = F.conv2d(x, w, b, stride, padding,
//   dilation, groups), g[i] = sin(0.05 i + 0.3) shaped as y, loss = (y * g).sum(), loss.backward(); then y.sum(), loss,
//   (x.grad ** 2).sum(), w.grad.flatten()[:6], (w.grad ** 2).sum(), b.grad.tolist()
const GOLDEN: [Case, { shape: number[]; ysum: number; loss: number; gx2: number; gw6: number[]; gw2: number; gb: number[] }][] = [
  [c('pointwise, groups 2', [2, 6, 5, 4], [4, 3, 1, 1], 1, 0, 1, 2), {
    shape: [2, 4, 5, 4], ysum: -4.149526642376157, loss: 0.23156083803413086, gx2: 74.16371600673759,
    gw6: [-2.327384055454081, -0.3882381618384523, 1.9868624387807758, -0.548506269901625, 1.9216006259371121, 2.2339319082416242],
    gw2: 37.66404290328607, gb: [-5.72157124602216, 9.448162180534466, 15.931298870740008, 7.767272850136164] }],
  [c('depthwise x2, stride 2, padding 1, dilation (1, 2)', [2, 3, 6, 7], [6, 1, 3, 3], 2, 1, [1, 2], 3), {
    shape: [2, 6, 3, 3], ysum: 1.4829702982718582, loss: 12.672424064451537, gx2: 261.96834882124193,
    gw6: [0.9858326779172557, 0.11221806272516707, -0.5473639634965646, -1.3818938007602768, -0.8224299450177193, -0.0927799277035311],
    gw2: 514.3440845412961, gb: [3.7579612439975785, 2.915222693910592, 1.4920464108915361, -0.22820495938460184, -1.9030193997322824, -3.1989316490351296] }],
  [c('one input channel, 3x2 kernel, padding (1, 0)', [3, 1, 7, 5], [4, 1, 3, 2], 1, [1, 0], 1, 1), {
    shape: [3, 4, 7, 4], ysum: -12.31711623487865, loss: -27.890311081864834, gx2: 933.4924347220874,
    gw6: [-1.8002383743978057, -3.10659057996887, -6.354712424439851, -4.949965899463661, -2.3540184782693667, -0.9645240052866322],
    gw2: 346.3036092931018, gb: [18.914573140640755, 65.26536235902594, 3.271361200384357, -64.15331452577786] }],
  [c('general, stride (2, 1), padding 2, dilation 2, batch 1', [1, 5, 9, 8], [3, 5, 3, 3], [2, 1], 2, 2, 1), {
    shape: [1, 3, 5, 8], ysum: 105.11526583933352, loss: 170.06509205288916, gx2: 2474.99378397118,
    gw6: [7.304249856775975, 13.068093256674045, 14.778112554862172, 3.976444676805352, 10.597242630757009, 13.685281292531371],
    gw2: 10502.621686382026, gb: [32.20040070501085, -4.477495209903084, -28.473809770498544] }],
];

describe('fused CPU conv2d vs PyTorch 1.13 (golden sums, float64 and float32)', () => {
  const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
  test.each(GOLDEN.flatMap(([k, want]) => (['float64', 'float32'] as const).map((d) => [k.name, d, k, want] as const)))('%s (%s)', (_n, dtype, k, want) => {
    fl.scope(() => {
      const n = (s: number[]): number => s.reduce((a, v) => a * v, 1);
      const x = fl.tensor(seq(n(k.xs), (i) => Math.sin(0.37 * i + 0.1)), { dtype }).reshape(k.xs).requiresGrad_();
      const w = fl.tensor(seq(n(k.ws), (i) => 0.5 * Math.cos(0.11 * i)), { dtype }).reshape(k.ws).requiresGrad_();
      const b = fl.tensor(seq(k.ws[0], (i) => 0.1 * i - 0.2), { dtype }).requiresGrad_();
      const y = fl.nn.conv2d(x, w, b, { stride: k.stride, padding: k.pad, dilation: k.dil, groups: k.groups });
      expect(y.shape).toEqual(want.shape);
      const loss = y.mul(fl.tensor(seq(y.numel, (i) => Math.sin(0.05 * i + 0.3)), { dtype }).reshape(y.shape)).sum();
      loss.backward();
      const tol = dtype === 'float64' ? 1e-10 : 2e-5;
      const near = (got: number, e: number, what: string): void => {
        if (!(Math.abs(got - e) <= tol * (1 + Math.abs(e)))) throw new Error(`${what}: expected ${e}, got ${got}`);
      };
      near(y.sum().item(), want.ysum, 'y.sum()');
      near(loss.item(), want.loss, 'loss');
      near(x.grad!.square().sum().item(), want.gx2, '(x.grad ** 2).sum()');
      near(w.grad!.square().sum().item(), want.gw2, '(w.grad ** 2).sum()');
      Array.from(w.grad!.flatten().dataSync()).slice(0, 6).forEach((v, i) => near(v, want.gw6[i], `w.grad[${i}]`));
      Array.from(b.grad!.dataSync()).forEach((v, i) => near(v, want.gb[i], `b.grad[${i}]`));
    });
  });
});

describe('fused CPU conv2d: gradients by finite differences, second derivatives', () => {
  test.each([CASES[2], CASES[9], CASES[12], CASES[14]].map((k) => [k.name, k]))('gradcheck: %s', (_n, k: Case) => {
    fl.scope(() => {
      const small = { ...k, xs: [Math.min(k.xs[0], 2), ...k.xs.slice(1)] };
      const [xv, wv, bv] = inputs(small, 'float64', 31);
      const x = fl.tensor(xv, { dtype: 'float64' }).reshape(small.xs).requiresGrad_();
      const w = fl.tensor(wv, { dtype: 'float64' }).reshape(small.ws).requiresGrad_();
      const b = fl.tensor(bv, { dtype: 'float64' }).requiresGrad_();
      expect(fl.gradcheck((a, q, r) => fl.nn.conv2d(a, q, r, { stride: small.stride, padding: small.pad, dilation: small.dil, groups: small.groups }), [x, w, b])).toBe(true);
    });
  });
  test('createGraph through a fused conv2d: second derivatives equal the composed path\'s', () => {
    const second = (fused: boolean): number[][] => {
      convTuning.fusedCpu = fused;
      try {
        return fl.scope(() => {
          const x = fl.tensor(randomArray(2 * 2 * 5 * 5, 41, -1, 1), { dtype: 'float64' }).reshape([2, 2, 5, 5]).requiresGrad_();
          const w = fl.tensor(randomArray(3 * 2 * 3 * 3, 42, -1, 1), { dtype: 'float64' }).reshape([3, 2, 3, 3]).requiresGrad_();
          const y = fl.nn.conv2d(x, w, null, { padding: 1 });
          const [gx] = fl.autograd.grad([y.square().sum()], [x], { createGraph: true });
          gx!.square().sum().backward();
          return [x.grad!, w.grad!].map((t) => Array.from(t.dataSync() as Float64Array));
        });
      } finally { convTuning.fusedCpu = true; }
    };
    const a = second(true), r = second(false);
    a.forEach((v, i) => fl.scope(() => expectClose(fl.tensor(v, { dtype: 'float64' }), r[i], 'float64', 100)));
    expect(a[1].some((v) => v !== 0)).toBe(true);
  });
});

describe('fused CPU conv2d kernels refuse bad operands with typed errors naming the op', () => {
  const FWD = opId('conv2dForward'), BWD_W = opId('conv2dBackwardWeight');
  const params = [3, 3, 1, 1, 1, 1, 1, 1, 4, 4, 1, 1, 1];  // kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo, pb, pr, groups
  test('a weight that does not fit the input, an output of the wrong shape, a wrong bias', () => {
    fl.scope(() => {
      const x = fl.zeros([1, 2, 4, 4]), y = fl.empty([1, 3, 4, 4]);
      expect(() => call(FWD, 'conv2dForward', [y, x, fl.zeros([3, 3, 3, 3])], params)).toThrow(fl.ShapeError);
      expect(() => call(FWD, 'conv2dForward', [y, x, fl.zeros([3, 3, 3, 3])], params)).toThrow(/conv2dForward: weight \[3, 3, 3, 3\] does not fit input \[1, 2, 4, 4\]/);
      expect(() => call(FWD, 'conv2dForward', [fl.empty([1, 3, 5, 4]), x, fl.zeros([3, 2, 3, 3])], params)).toThrow(/conv2dForward: output \[1, 3, 5, 4\] does not match/);
      expect(() => call(FWD, 'conv2dForward', [y, x, fl.zeros([3, 2, 3, 3]), fl.zeros([4])], params)).toThrow(/conv2dForward: bias must be \[3\]/);
      expect(() => call(FWD, 'conv2dForward', [y, x, fl.zeros([3, 2, 3, 3])], [...params.slice(0, 8), 9, 4, 1, 1, 1])).toThrow(fl.ShapeError);
      expect(() => call(BWD_W, 'conv2dBackwardWeight', [fl.empty([3, 2, 3, 3]), y, x, fl.empty([2])], params)).toThrow(/the bias gradient must be \[3\]/);
    });
  });
  test('16-bit floats and mixed dtypes are DTypeErrors; a strided operand is a ValueError', () => {
    fl.scope(() => {
      const w = fl.zeros([3, 2, 3, 3]);
      expect(() => call(FWD, 'conv2dForward', [fl.empty([1, 3, 4, 4], { dtype: 'float16' }), fl.zeros([1, 2, 4, 4], { dtype: 'float16' }), w.to('float16')], params)).toThrow(fl.DTypeError);
      expect(() => call(FWD, 'conv2dForward', [fl.empty([1, 3, 4, 4]), fl.zeros([1, 2, 4, 4], { dtype: 'float64' }), w], params)).toThrow(/conv2dForward: expected float32 or float64 operands of one dtype/);
      const xt = fl.zeros([1, 2, 4, 4]).transpose(2, 3);
      expect(() => call(FWD, 'conv2dForward', [fl.empty([1, 3, 4, 4]), xt, w], params)).toThrow(fl.ValueError);
    });
  });
});
