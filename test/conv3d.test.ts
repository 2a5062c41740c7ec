// conv3d.test.ts — the 3-D layers (lib/nn/conv3d.ts): F.conv3d, convTranspose3d, maxPool3d, avgPool3d,
// adaptiveAvgPool3d, adaptiveMaxPool3d, dropout3d and the modules Conv3d, ConvTranspose3d, MaxPool3d,
// AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, BatchNorm3d, InstanceNorm3d, Dropout3d, ConstantPad3d,
// ZeroPad3d, ReflectionPad3d, ReplicationPad3d.
// References: PyTorch 1.13 golden values in float64 (tolerance 1e-9 relative): the inputs are
// sin(a·i + b) over the flat index on both sides (`ar`), the loss is sum(y · ar(y.shape, 0.11, 1)), and
// an output or gradient is compared by its first values and three checksums (sum, sum of squares and
// the dot with ar(n, 0.7, 0.3)), which a wrong element changes; indices are compared whole. Plus
// finite differences (fl.gradcheck, float64), torch's repr strings and refusals (typed errors naming
// the op and the shapes). Runs on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const F = fl.nn.functional;
const nn = fl.nn;

/** sin(a·i + off) over the flat index, as the golden script's ar(). */
const ar = (shape: number[], a = 0.37, off = 0): fl.Tensor => {
  const n = shape.reduce((p, q) => p * q, 1);
  return fl.tensor(Array.from({ length: n }, (_, i) => Math.sin(i * a + off)), { dtype: 'float64', device: DEVICE }).reshape(shape);
};
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const ints = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);
/** [sum, sum of squares, dot with sin(0.7·i + 0.3)]. */
function chk(t: fl.Tensor): number[] {
  const v = vals(t);
  return [v.reduce((a, b) => a + b, 0), v.reduce((a, b) => a + b * b, 0), v.reduce((a, b, i) => a + b * Math.sin(0.7 * i + 0.3), 0)];
}
function near(got: number[], want: number[], tol = 1e-9, what = ''): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => { if (!(Math.abs(g - want[i]) <= tol * Math.max(1, Math.abs(want[i])) || Object.is(g, want[i]))) throw new Error(`${what}[${i}]: expected ${want[i]}, got ${g} (all: ${got})`); });
}

// golden values: /usr/bin/python3 with torch 1.13 (the torch call of each case is beside its run below)
const GOLD = {
  // convA
  convA: { shape: [1, 4, 4, 2, 2], head: [-2.021740518, -2.020146913, 1.935119756, 1.982725891, 0.2465899294, 0.1358929915], y: [34.8523079, 95.25746125, 14.56513906], grads: [[1.595580017, 11.8478701, -3.123873342], [7.812101662, 10.50604305, -1.717388362], [6.515891209, 453.6198114, -5.328507594]] },
  // convB
  convB: { shape: [2, 4, 3, 3], head: [0.4468275105, 0.1714105986, -0.1272059337, 0.2115500217, -0.1993368268, -0.583244371], y: [-1.096344171, 56.16117318, 3.201066127], grads: [[-0.1006019658, 110.2589794, 0.1293335014], [2.852848302, 19.88854471, -4.056286337]] },
  // convC
  convC: { shape: [2, 5, 3, 2, 3], head: [-2.548646881, -1.634772909, 1.196321884, 0.8561576206, -2.917940283, -5.101148277], y: [88.53956129, 1257.833182, 1.401185569], grads: [[-11.04103721, 266.2788433, 2.517676293], [-1.210012147, 5994.905935, 7.970152757], [8.228855694, 115.9373995, -1.152079702]] },
  // ctA
  ctA: { shape: [1, 4, 4, 5, 3], head: [0, 0.3084364407, 0.1706935281, 0.3182844879, 0.7639776683, 0.4227971354], y: [131.3812321, 220.9077352, 2.656944742], grads: [[-40.97271648, 802.0391205, -34.58607272], [0.9348631305, 521.9238321, -23.82052953], [10.77007183, 29.07839249, 7.667280123]] },
  // ctB
  ctB: { shape: [2, 7, 5, 3], head: [3.054897249, 1.271027373, 1.860465559, 0.7573527709, 0.3699846119, 1.253116952], y: [-0.6461557351, 519.1559912, -3.863456931], grads: [[3.089042829, 41.39061409, -7.37831882], [57.26931971, 645.567825, 15.09806889]] },
  // maxA
  maxA: { shape: [2, 2, 3, 6, 3], head: [0.361615432, 0.8956986857, 0.9958808445, 0.961275203, 0.8956986857, 0.9958808445], y: [170.4306089, 164.5843229, 8.851750381], grads: [[-2.948415057, 217.3396461, 2.328484336]] },
  // maxB
  maxB: { shape: [1, 2, 3, 2, 3], head: [0.961275203, 0.9970241088, 0.9958808445, 0.961275203, 0.9970241088, 0.9574299116], y: [33.5975031, 31.79684534, -0.8973502123], grads: [[3.586540654, 38.39539953, 11.56106785]] },
  // avgA
  avgA: { shape: [2, 2, 3, 6, 3], head: [0.08538013902, 0.06621390402, 0.03047667261, 0.02690667804, -0.0003418021993, -0.02750474145], y: [6.164361363, 21.27957542, 14.37055066], grads: [[-2.948415057, 50.12845739, 0.9224701376]] },
  // avgB
  avgB: { shape: [2, 2, 3, 2, 2], head: [0.1766213423, 0.1895522672, -0.03831771915, 0.01401719984, -0.02277281829, 0.0005863815301], y: [0.369498946, 0.3390151503, -0.05212236102], grads: [[-2.218649987, 1.22576542, 0.04459723774]] },
  // avgC
  avgC: { shape: [2, 4, 4, 5], head: [0, -0.1205384773, -0.3453011145, -0.5233288658, -0.2985662286, -0.3319602815], y: [-5.341766233, 45.92324276, 2.447102218], grads: [[0.4274783982, 51.14612228, 0.7502774912]] },
  // aavg
  aavg: { shape: [2, 2, 3, 4, 2], head: [-0.2152723272, 0.2200572546, 0.3680985039, -0.004222448501, -0.4117400249, -0.212864812], y: [0.03656776975, 5.484708295, 0.1330475343], grads: [[0.8919670768, 9.952420543, -0.01887022808]] },
  // amax
  amax: { shape: [2, 2, 2, 3, 4], head: [0.9554405264, 0.9970241088, 0.9970241088, 0.961275203, 0.9074853616, 0.9979821685], y: [93.39858391, 91.06517522, 2.268878895], grads: [[0.8919670768, 123.2747359, 0.2182448192]] },
};


type Case = { shape: number[]; head: number[]; y: number[]; grads: number[][] };
/** Runs f on fresh inputs that require grad, backpropagates the golden loss and compares with the case. */
function against(c: Case, f: (...x: fl.Tensor[]) => fl.Tensor | [fl.Tensor, fl.Tensor], inputs: fl.Tensor[]): void {
  const xs = inputs.map((t) => t.requiresGrad_(true));
  const r = f(...xs);
  const y = Array.isArray(r) ? r[0] : r;
  expect(y.shape).toEqual(c.shape);
  near(vals(y).slice(0, 6), c.head, 1e-9, 'head');
  near(chk(y), c.y, 1e-9, 'y');
  y.mul(ar(y.shape, 0.11, 1)).sum().backward();
  xs.forEach((x, i) => near(chk(x.grad!), c.grads[i], 1e-9, `grad ${i}`));
}

describe('F forms: outputs and gradients against torch 1.13', () => {
  test('conv3d: groups, stride, padding and dilation per dim, bias', () => fl.scope(() => {
    // F.conv3d(x, w, b, (1, 2, 1), (1, 0, 1), (1, 1, 2), 2), x [1, 2, 3, 4, 4], w [4, 1, 2, 2, 3]
    against(GOLD.convA, (x, w, b) => F.conv3d(x, w, b, [1, 2, 1], [1, 0, 1], [1, 1, 2], 2), [ar([1, 2, 3, 4, 4]), ar([4, 1, 2, 2, 3], 0.53), ar([4], 0.9)]);
  }));
  test("conv3d: padding 'same' with dilation, unbatched input, no bias", () => fl.scope(() => {
    // F.conv3d(x, w, None, 1, 'same', (2, 1, 1)), x [2, 4, 3, 3]
    against(GOLD.convB, (x, w) => F.conv3d(x, w, null, { padding: 'same', dilation: [2, 1, 1] }), [ar([2, 4, 3, 3]), ar([2, 2, 2, 3, 1], 0.53)]);
  }));
  test('conv3d: stride 2, padding 1, 3x3x3 kernel, a batch of 2', () => fl.scope(() => {
    // F.conv3d(x, w, b, 2, 1), x [2, 3, 5, 4, 6], w [5, 3, 3, 3, 3]
    against(GOLD.convC, (x, w, b) => F.conv3d(x, w, b, 2, 1), [ar([2, 3, 5, 4, 6]), ar([5, 3, 3, 3, 3], 0.53), ar([5], 0.9)]);
  }));
  test('convTranspose3d: groups, stride, padding, outputPadding and dilation per dim', () => fl.scope(() => {
    // F.conv_transpose3d(x, w, b, (2, 1, 2), (1, 0, 1), (1, 0, 1), 2, (1, 2, 1)), x [1, 2, 2, 3, 2], w [2, 2, 3, 2, 2]
    against(GOLD.ctA, (x, w, b) => F.convTranspose3d(x, w, b, { stride: [2, 1, 2], padding: [1, 0, 1], outputPadding: [1, 0, 1], groups: 2, dilation: [1, 2, 1] }),
      [ar([1, 2, 2, 3, 2]), ar([2, 2, 3, 2, 2], 0.53), ar([4], 0.9)]);
  }));
  test('convTranspose3d: depth stride 3 with output padding 2, unbatched', () => fl.scope(() => {
    // F.conv_transpose3d(x, w, None, (3, 2, 1), (0, 1, 2), (2, 0, 0), 1, (1, 1, 2)), x [3, 2, 3, 3]
    against(GOLD.ctB, (x, w) => F.convTranspose3d(x, w, null, [3, 2, 1], [0, 1, 2], [2, 0, 0], 1, [1, 1, 2]), [ar([3, 2, 3, 3]), ar([3, 2, 2, 3, 3], 0.53)]);
  }));
  test('maxPool3d: padding and ceilMode; dilation', () => fl.scope(() => {
    // F.max_pool3d(x, (3, 2, 3), (2, 1, 2), (1, 1, 1), 1, True), x [2, 2, 4, 5, 5]
    against(GOLD.maxA, (x) => F.maxPool3d(x, [3, 2, 3], [2, 1, 2], [1, 1, 1], 1, true), [ar([2, 2, 4, 5, 5])]);
    // F.max_pool3d(x, 2, 1, 0, (2, 1, 2)), x [1, 2, 5, 3, 5]
    against(GOLD.maxB, (x) => F.maxPool3d(x, 2, { stride: 1, dilation: [2, 1, 2] }), [ar([1, 2, 5, 3, 5])]);
  }));
  test('avgPool3d: countIncludePad, ceilMode, divisorOverride (negative, as torch takes it), unbatched', () => fl.scope(() => {
    // F.avg_pool3d(x, (3, 2, 3), (2, 1, 2), (1, 1, 1), True, False)
    against(GOLD.avgA, (x) => F.avgPool3d(x, [3, 2, 3], [2, 1, 2], [1, 1, 1], true, false), [ar([2, 2, 4, 5, 5])]);
    // F.avg_pool3d(x, (2, 3, 2), None, (1, 1, 0), False, True)
    against(GOLD.avgB, (x) => F.avgPool3d(x, [2, 3, 2], { padding: [1, 1, 0] }), [ar([2, 2, 4, 5, 5])]);
    // F.avg_pool3d(x, 2, 1, 1, False, True, -3), x [2, 3, 3, 4]
    against(GOLD.avgC, (x) => F.avgPool3d(x, 2, 1, 1, false, true, -3), [ar([2, 3, 3, 4])]);
  }));
  test('adaptiveAvgPool3d and adaptiveMaxPool3d (uneven windows, null keeps a size)', () => fl.scope(() => {
    // F.adaptive_avg_pool3d(x, (3, None, 2)), x [2, 2, 5, 4, 7]
    against(GOLD.aavg, (x) => F.adaptiveAvgPool3d(x, [3, null, 2]), [ar([2, 2, 5, 4, 7])]);
    // F.adaptive_max_pool3d(x, (2, 3, 4))
    against(GOLD.amax, (x) => F.adaptiveMaxPool3d(x, [2, 3, 4]), [ar([2, 2, 5, 4, 7])]);
  }));
  test('max pooling indices: flat d*H*W + h*W + w, the first maximum of ties in (d, h, w) order', () => fl.scope(() => {
    const x = ar([1, 2, 4, 5, 5]).mul(3).round();  // many ties
    // F.max_pool3d(x, (3, 2, 3), (2, 1, 2), (1, 1, 1), 1, True, True)
    const [v, i] = F.maxPool3d(x, [3, 2, 3], { stride: [2, 1, 2], padding: 1, ceilMode: true, returnIndices: true });
    near(vals(v), [1, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 2, 3, 3, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 0, -2, 2, 0, -1, 1, 3, 3, 3, 3, 3, 3, 2, 0, -2, -2, -3, 2, 1, 2, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 2, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 3, 3, 3, 2, 0, 3, 2, 0, -1, 1, 2, 3, 3, 2, 3, 3, 2, 0, -1, -3]);
    expect(ints(i)).toEqual([1, 3, 3, 5, 3, 3, 5, 37, 38, 36, 37, 38, 20, 21, 19, 20, 21, 23, 75, 53, 54, 55, 56, 54, 55, 37, 38, 90, 37, 38, 71, 71, 73, 71, 71, 73, 75, 76, 78, 75, 76, 84, 86, 88, 88, 90, 88, 88, 90, 91, 93, 95, 96, 98, 25, 3, 4, 5, 6, 4, 5, 6, 39, 40, 41, 39, 40, 22, 23, 21, 22, 23, 75, 76, 54, 56, 56, 58, 56, 56, 39, 40, 41, 39, 40, 41, 73, 71, 73, 73, 75, 76, 78, 75, 76, 78, 86, 88, 89, 90, 91, 89, 90, 91, 93, 95, 96, 98]);
    expect(i.dtype).toBe('int32');
    // F.adaptive_max_pool3d(x, (2, 3, 2), True)
    const [av, ai] = F.adaptiveMaxPool3d(x, [2, 3, 2], true);
    near(vals(av), [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(ints(ai)).toEqual([5, 3, 5, 37, 20, 22, 55, 54, 55, 88, 71, 72, 5, 7, 5, 7, 22, 22, 56, 57, 56, 57, 90, 73]);
    // unbatched: the same indices without the batch dim
    expect(ints(F.maxPool3d(x.squeeze(0), [3, 2, 3], [2, 1, 2], 1, 1, true, true)[1])).toEqual(ints(i));
  }));
  test('NaN propagates, and the index is the last NaN in (d, h, w) order, as torch\'s kernel', () => fl.scope(() => {
    // F.max_pool3d(n, 2, return_indices=True) and F.adaptive_max_pool3d(n, 1, True) -> (nan, 4)
    const n = fl.tensor([[[[1, NaN], [3, 3]], [[NaN, 2], [5, 5]]]], { dtype: 'float64', device: DEVICE });
    for (const [v, i] of [F.maxPool3d(n, 2, { returnIndices: true }), F.adaptiveMaxPool3d(n, 1, true)]) {
      expect(Number.isNaN(vals(v)[0])).toBe(true);
      expect(ints(i)).toEqual([4]);
    }
  }));
  test('second derivatives through conv3d (createGraph), against torch', () => fl.scope(() => {
    // g = grad((y*y).sum(), x, create_graph=True) with y = F.conv3d(x, w, None, 1, 1); then grad((g*g).sum(), [x, w])
    const x = ar([1, 2, 3, 4, 4]).requiresGrad_(true), w = ar([3, 2, 2, 2, 2], 0.53).requiresGrad_(true);
    const y = F.conv3d(x, w, null, 1, 1);
    const [g] = fl.autograd.grad([y.mul(y).sum()], [x], { createGraph: true });
    near(chk(g!), [286.5554002, 65610.69501, 11.61406006], 1e-9);
    const [gx, gw] = fl.autograd.grad([g!.mul(g!).sum()], [x, w]);
    near(chk(gx!), [40687.24048, 1381285215, -6066.654], 1e-9);
    near(chk(gw!), [547.0281842, 4997647918, 25439.19533], 1e-9);
  }));
});

describe('gradients (finite differences in float64)', () => {
  const r = (shape: number[], a: number): fl.Tensor => ar(shape, a, 0.2).requiresGrad_(true);
  test.each([
    ['conv3d', (x: fl.Tensor, w: fl.Tensor) => F.conv3d(x, w, null, [2, 1, 1], [1, 0, 1], [1, 2, 1], 2), [2, 4, 3, 3, 3], [4, 2, 2, 2, 2]],
    ['convTranspose3d', (x: fl.Tensor, w: fl.Tensor) => F.convTranspose3d(x, w, null, [2, 1, 2], [1, 0, 0], [1, 0, 1], 2, [1, 2, 1]), [1, 4, 2, 2, 2], [4, 1, 2, 2, 2]],
  ] as [string, (x: fl.Tensor, w: fl.Tensor) => fl.Tensor, number[], number[]][])('%s (input and weight)', (_n, f, xs, ws) => fl.scope(() => {
    expect(fl.gradcheck(f, [r(xs, 0.37), r(ws, 0.53)])).toBe(true);
  }));
  test.each([
    ['maxPool3d', (x: fl.Tensor) => F.maxPool3d(x, [2, 2, 3], [1, 2, 1], [1, 1, 1], 1, true)],
    ['avgPool3d', (x: fl.Tensor) => F.avgPool3d(x, [2, 2, 3], [1, 2, 1], [1, 1, 1], true, false)],
    ['adaptiveAvgPool3d', (x: fl.Tensor) => F.adaptiveAvgPool3d(x, [2, 3, 2])],
    ['adaptiveMaxPool3d', (x: fl.Tensor) => F.adaptiveMaxPool3d(x, [2, 3, 2])],
  ] as [string, (x: fl.Tensor) => fl.Tensor][])('%s', (_n, f) => fl.scope(() => {
    expect(fl.gradcheck(f, [r([1, 2, 3, 4, 4], 0.9)])).toBe(true);
  }));
});

describe('modules against torch 1.13', () => {
  /** A layer with its weight and bias set as the golden script sets them. */
  function withWeights<M extends fl.nn.Module & { weight: fl.Tensor; bias: fl.Tensor | null }>(m: M): M {
    fl.noGrad(() => { m.weight.copy_(ar(m.weight.shape, 0.53)); m.bias?.copy_(ar(m.bias.shape, 0.9)); });
    return m;
  }
  const o64 = { dtype: 'float64' as const, device: DEVICE };
  test('Conv3d: paddingMode reflect, replicate, circular; padding same with reflect', () => fl.scope(() => {
    // nn.Conv3d(2, 3, (2, 3, 2), padding=(1, 1, 1), padding_mode=mode)(ar([1, 2, 3, 4, 4]))
    const want: Record<string, number[]> = {
      reflect: [135.1362849, 491.2083271, -10.53477942], replicate: [127.2233649, 360.7464033, -5.899661188], circular: [145.3567244, 465.6590206, 8.16841124],
    };
    for (const mode of ['reflect', 'replicate', 'circular'] as const) {
      const y = withWeights(new nn.Conv3d(2, 3, [2, 3, 2], { padding: 1, paddingMode: mode, ...o64 })).forward(ar([1, 2, 3, 4, 4]));
      expect(y.shape).toEqual([1, 3, 4, 4, 5]);
      near(chk(y), want[mode], 1e-9, mode);
    }
    // nn.Conv3d(2, 4, 3, padding='same', padding_mode='reflect', dilation=(1, 2, 1))(ar([1, 2, 3, 5, 4]))
    const y = withWeights(new nn.Conv3d(2, 4, 3, 1, 'same', [1, 2, 1], 1, true, 'reflect', o64)).forward(ar([1, 2, 3, 5, 4]));
    expect(y.shape).toEqual([1, 4, 3, 5, 4]);
    near(chk(y), [43.0171307, 6032.086791, 182.5427592]);
  }));
  test('ConvTranspose3d with outputSize', () => fl.scope(() => {
    // nn.ConvTranspose3d(2, 3, (2, 3, 2), stride=2, padding=1)(ar([1, 2, 3, 4, 4]), output_size=[5, 8, 7])
    const m = withWeights(new nn.ConvTranspose3d(2, 3, [2, 3, 2], { stride: 2, padding: 1, ...o64 }));
    const y = m.forward(ar([1, 2, 3, 4, 4]), [5, 8, 7]);
    expect(y.shape).toEqual([1, 3, 5, 8, 7]);
    near(chk(y), [477.5597777, 1293.096123, 6.119095943]);
    expect(() => m.forward(ar([1, 2, 3, 4, 4]), [7, 8, 7])).toThrow(/ConvTranspose3d: requested output size \[7, 8, 7\] is not reachable/);
  }));
  test("weight init is torch's: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn from weight.shape[1]", () => fl.scope(() => {
    fl.manualSeed(3);
    const c = new nn.Conv3d(4, 6, [2, 3, 3], { groups: 2 });
    expect(c.weight.shape).toEqual([6, 2, 2, 3, 3]);
    const bound = 1 / Math.sqrt(2 * 18);
    for (const t of [c.weight, c.bias!]) { const v = vals(t); expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound); expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound * 0.8); }
    const t = new nn.ConvTranspose3d(4, 6, 2, { groups: 2, bias: false });
    expect(t.weight.shape).toEqual([4, 3, 2, 2, 2]);
    expect(t.bias).toBeNull();
    expect(Math.max(...vals(t.weight).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(3 * 8));
  }));
  test('BatchNorm3d: training statistics, running stats, eval', () => fl.scope(() => {
    const bn = new nn.BatchNorm3d(3, o64);
    fl.noGrad(() => { bn.weight!.copy_(ar([3], 0.9)); bn.bias!.copy_(ar([3], 0.4, 1)); });
    const x = ar([2, 3, 2, 3, 2]).mul(2).add(1);
    // bn(x) in training, then bn.running_mean / running_var, then bn.eval(); bn(x)
    near(chk(bn.forward(x)), [67.2184403, 100.5488113, -7.041912878]);
    near(vals(bn.runningMean!), [0.1447425438, 0.1361372554, 0.0358132203]);
    near(vals(bn.runningVar!), [1.091555952, 1.109258094, 1.03768483]);
    expect(ints(bn.numBatchesTracked!)).toEqual([1]);
    bn.eval();
    near(chk(bn.forward(x)), [96.48403759, 198.3428948, -8.240457301]);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(() => bn.forward(ar([2, 3, 2, 3]))).toThrow(new fl.ShapeError('BatchNorm3d: expected input of shape [N, 3, D, H, W], got [2, 3, 2, 3]'));
    bn.train();
    expect(() => bn.forward(ar([1, 3, 1, 1, 1]))).toThrow(/BatchNorm3d: expected more than 1 value per channel when training/);
  }));
  test('swaUtils.updateBn recomputes a BatchNorm3d\'s running stats (the mean of the batch means)', () => fl.scope(() => {
    const bn = new nn.BatchNorm3d(2, o64);
    const batches = [ar([2, 2, 1, 2, 2]), ar([2, 2, 1, 2, 2]).add(3)];
    fl.optim.swaUtils.updateBn(batches, bn);
    // per channel: the mean over both batches (equal sizes) of each batch's mean
    const want = [0, 1].map((c) => (vals(batches[0].narrow(1, c, 1).mean()).concat(vals(batches[1].narrow(1, c, 1).mean()))).reduce((a, b) => a + b) / 2);
    near(vals(bn.runningMean!), want, 1e-12, 'updateBn');
    expect(ints(bn.numBatchesTracked!)).toEqual([2]);
  }));
  test('InstanceNorm3d: affine, running stats, unbatched', () => fl.scope(() => {
    const m = new nn.InstanceNorm3d(3, { affine: true, trackRunningStats: true, ...o64 });
    fl.noGrad(() => { m.weight!.copy_(ar([3], 0.9)); m.bias!.copy_(ar([3], 0.4, 1)); });
    const x = ar([2, 3, 2, 3, 2]).mul(2).add(1);
    near(chk(m.forward(x)), [67.2184403, 100.5487971, -7.155553433]);
    near(vals(m.runningMean!), [0.1447425438, 0.1361372554, 0.0358132203]);
    near(vals(m.runningVar!), [1.09598902, 1.113306813, 1.043287547]);
    const u = m.forward(x.select(0, 0));
    expect(u.shape).toEqual([3, 2, 3, 2]);
    near(chk(u), [33.60922015, 50.27438888, -3.750094585]);
    expect(() => m.forward(ar([2, 3, 2]))).toThrow(/InstanceNorm3d: expected 4D or 5D input, got shape \[2, 3, 2\]/);
  }));
  test('the padding modules', () => fl.scope(() => {
    // nn.ConstantPad3d((1, 0, 2, 1, 0, 1), 2.5), nn.ReflectionPad3d((1, 0, 2, 1, 0, 1)), nn.ReplicationPad3d((1, 0, 2, 1, 0, 2)), nn.ReplicationPad3d(1)
    const x = ar([1, 2, 2, 3, 3]);
    const cases: [fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor }, fl.Tensor, number[], number[]][] = [
      [new nn.ConstantPad3d([1, 0, 2, 1, 0, 1], 2.5), x, [1, 2, 3, 6, 4], [270.3813511, 692.1226171, 1.135927205]],
      [new nn.ReflectionPad3d([1, 0, 2, 1, 0, 1]), x, [1, 2, 3, 6, 4], [34.52260547, 80.35676892, -15.18244758]],
      [new nn.ReplicationPad3d([1, 0, 2, 1, 0, 2]), x, [1, 2, 4, 6, 4], [-50.79408242, 75.08689154, 2.098935334]],
      [new nn.ReplicationPad3d(1), ar([2, 2, 3, 3]), [2, 4, 5, 5], [1.85185722, 81.00217729, 13.60628491]],
    ];
    for (const [m, inp, shape, want] of cases) {
      const y = m.forward(inp);
      expect(y.shape).toEqual(shape);
      near(chk(y), want);
    }
    // ZeroPad3d (torch 2.1) is ConstantPad3d with 0
    near(vals(new nn.ZeroPad3d([1, 0, 2, 1, 0, 1]).forward(x)), vals(F.pad(x, [1, 0, 2, 1, 0, 1])));
    expect(() => new nn.ReflectionPad3d(3).forward(x)).toThrow(/ReflectionPad3d: reflect padding \(3, 3\) of dim 2 must be less than its size 2/);
    expect(() => new nn.ConstantPad3d([1, 2], 0)).toThrow(/ConstantPad3d: padding must be an integer or 6 integers/);
  }));
  test('Dropout3d and F.dropout3d: whole channels, scaled by 1/(1-p); identity in eval', () => fl.scope(() => {
    fl.manualSeed(7);
    const x = fl.ones([4, 8, 2, 3, 2], o64);
    const y = F.dropout3d(x, 0.5);
    // every [D, H, W] volume is all zeros or all 2
    const v = vals(y);
    for (let c = 0; c < 32; c++) {
      const vol = v.slice(c * 12, c * 12 + 12);
      expect(vol.every((e) => e === vol[0]) && (vol[0] === 0 || vol[0] === 2)).toBe(true);
    }
    expect(v.some((e) => e === 0) && v.some((e) => e === 2)).toBe(true);
    const d = new nn.Dropout3d(0.3);
    d.eval();
    near(vals(d.forward(x)), vals(x));
    expect(vals(new nn.Dropout3d(1).forward(x)).every((e) => e === 0)).toBe(true);
    // unbatched [C, D, H, W]: the channels are dim 0
    const u = vals(F.dropout3d(fl.ones([6, 2, 2, 2], o64), 0.5));
    for (let c = 0; c < 6; c++) expect(new Set(u.slice(c * 8, c * 8 + 8)).size).toBe(1);
    expect(() => F.dropout3d(x, 1.5)).toThrow(/dropout3d: dropout probability has to be between 0 and 1, but got 1.5/);
  }));
  test('pooling modules: forward equals the F form; returnIndices', () => fl.scope(() => {
    const x = ar([2, 2, 4, 5, 5]);
    near(vals(new nn.MaxPool3d([3, 2, 3], [2, 1, 2], 1, 1, false, true).forward(x)), vals(F.maxPool3d(x, [3, 2, 3], [2, 1, 2], 1, 1, true)));
    const [v, i] = new nn.MaxPool3d(2, { returnIndices: true }).forward(x);
    expect(ints(i)).toEqual(ints(F.maxPool3d(x, 2, { returnIndices: true })[1]));
    expect(v.shape).toEqual([2, 2, 2, 2, 2]);
    near(vals(new nn.AvgPool3d(2, 1, 1, true, false, null).forward(x)), vals(F.avgPool3d(x, 2, 1, 1, true, false)));
    near(vals(new nn.AdaptiveAvgPool3d([null, 2, 3]).forward(x)), vals(F.adaptiveAvgPool3d(x, [4, 2, 3])));
    const [av, ai] = new nn.AdaptiveMaxPool3d(2, true).forward(x);
    expect(av.shape).toEqual([2, 2, 2, 2, 2]);
    expect(ints(ai)).toEqual(ints(F.adaptiveMaxPool3d(x, 2, true)[1]));
  }));
  test('repr strings as torch 1.13 prints them', () => fl.scope(() => {
    expect(String(new nn.Conv3d(2, 4, 3))).toBe('Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))');
    expect(String(new nn.Conv3d(2, 4, [1, 3, 3], [1, 2, 2], [0, 1, 1], 2, 2, false, 'reflect')))
      .toBe('Conv3d(2, 4, kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), dilation=(2, 2, 2), groups=2, bias=False, padding_mode=reflect)');
    expect(String(new nn.Conv3d(2, 4, 3, { padding: 'same' }))).toBe('Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=same)');
    expect(String(new nn.ConvTranspose3d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1 })))
      .toBe('ConvTranspose3d(2, 4, kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1), output_padding=(1, 1, 1))');
    expect(String(new nn.MaxPool3d(3))).toBe('MaxPool3d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new nn.MaxPool3d([1, 2, 2], 2, 1, 2, true, true))).toBe('MaxPool3d(kernel_size=(1, 2, 2), stride=2, padding=1, dilation=2, ceil_mode=True)');
    expect(String(new nn.AvgPool3d(3))).toBe('AvgPool3d(kernel_size=3, stride=3, padding=0)');
    expect(String(new nn.AvgPool3d([1, 2, 2], [1, 2, 2], [0, 1, 1], true, false, 3))).toBe('AvgPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2), padding=(0, 1, 1))');
    expect(String(new nn.AdaptiveAvgPool3d([null, 7, 7]))).toBe('AdaptiveAvgPool3d(output_size=(None, 7, 7))');
    expect(String(new nn.AdaptiveMaxPool3d(2, true))).toBe('AdaptiveMaxPool3d(output_size=2)');
    expect(String(new nn.BatchNorm3d(4))).toBe('BatchNorm3d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(String(new nn.InstanceNorm3d(4))).toBe('InstanceNorm3d(4, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)');
    expect(String(new nn.Dropout3d(0.2))).toBe('Dropout3d(p=0.2, inplace=False)');
    expect(String(new nn.Dropout3d())).toBe('Dropout3d(p=0.5, inplace=False)');
    expect(String(new nn.ConstantPad3d(1, 3.5))).toBe('ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=3.5)');
    expect(String(new nn.ReflectionPad3d([1, 0, 2, 1, 0, 1]))).toBe('ReflectionPad3d((1, 0, 2, 1, 0, 1))');
    expect(String(new nn.ReplicationPad3d(2))).toBe('ReplicationPad3d((2, 2, 2, 2, 2, 2))');
  }));
});

describe('refusals: typed errors naming the op and the shapes', () => {
  test('conv3d', () => fl.scope(() => {
    const x = ar([1, 2, 3, 4, 4]), w = ar([4, 2, 2, 2, 2]);
    expect(() => F.conv3d(ar([2, 3, 4]), w)).toThrow(new fl.ShapeError('conv3d: expected a 4-D [C, D, H, W] or 5-D [N, C, D, H, W] input, got shape [2, 3, 4]'));
    expect(() => F.conv3d(x, ar([4, 2, 2, 2]))).toThrow(new fl.ShapeError('conv3d: expected a 5-D weight [out, in/groups, kD, kH, kW], got [4, 2, 2, 2]'));
    expect(() => F.conv3d(x, ar([3, 1, 2, 2, 2]), null, { groups: 2 })).toThrow(new fl.ShapeError('conv3d: out channels 3 (weight [3, 1, 2, 2, 2]) must be divisible by groups 2'));
    expect(() => F.conv3d(x, ar([4, 1, 2, 2, 2]))).toThrow(new fl.ShapeError('conv3d: weight [4, 1, 2, 2, 2] with groups=1 expects input with 1 channels, got input [1, 2, 3, 4, 4] with 2 channels'));
    expect(() => F.conv3d(x, ar([4, 2, 4, 2, 2]))).toThrow(new fl.ShapeError('conv3d: padded input size per channel [3, 4, 4] is smaller than the (dilated) kernel size [4, 2, 2]; input [1, 2, 3, 4, 4], weight [4, 2, 4, 2, 2]'));
    expect(() => F.conv3d(x, w, ar([3]))).toThrow(new fl.ShapeError('conv3d: expected bias of shape [4], got [3]'));
    expect(() => F.conv3d(x, w, null, { stride: 2, padding: 'same' })).toThrow(new fl.ValueError("conv3d: padding='same' is not supported for strided convolutions (stride [2, 2, 2])"));
    expect(() => F.conv3d(x, w, null, { stride: [1, 2] })).toThrow(/conv3d: stride must be an integer >= 1 or a list of 3 of them, got \[1, 2\]/);
    expect(() => F.conv3d(x, w.to('float32'))).toThrow(fl.DTypeError);
    expect(() => F.conv3d(x.to('int32'), w)).toThrow(new fl.DTypeError('conv3d: expected a floating input, got int32'));
    expect(() => new nn.Conv3d(3, 4, 3, { groups: 2 })).toThrow(new fl.ValueError('Conv3d: inChannels 3 must be divisible by groups 2'));
    expect(() => new nn.Conv3d(2, 4, 3, { paddingMode: 'mirror' as never })).toThrow(/Conv3d: paddingMode must be one of/);
  }));
  test('convTranspose3d', () => fl.scope(() => {
    const x = ar([1, 2, 3, 4, 4]), w = ar([2, 2, 2, 2, 2]);
    expect(() => F.convTranspose3d(x, w, null, { stride: 2, outputPadding: [0, 2, 0] })).toThrow(new fl.ValueError('convTranspose3d: outputPadding [0, 2, 0] must be smaller than either stride [2, 2, 2] or dilation [1, 1, 1]'));
    expect(() => F.convTranspose3d(x, w, null, { padding: 3 })).toThrow(/convTranspose3d: output size \[-2, -1, -1\] is too small for input \[1, 2, 3, 4, 4\] and weight \[2, 2, 2, 2, 2\]/);
    expect(() => F.convTranspose3d(ar([1, 3, 3, 4, 4]), w)).toThrow(new fl.ShapeError('convTranspose3d: weight [2, 2, 2, 2, 2] expects input with 2 channels, got input [1, 3, 3, 4, 4]'));
    expect(() => new nn.ConvTranspose3d(2, 2, 2, { paddingMode: 'reflect' as never })).toThrow(/ConvTranspose3d: paddingMode 'reflect' is not supported/);
  }));
  test('pooling', () => fl.scope(() => {
    const x = ar([1, 2, 3, 4, 4]);
    expect(() => F.maxPool3d(ar([2, 4, 4]), 2)).toThrow(new fl.ShapeError('maxPool3d: expected a 4-D [C, D, H, W] or 5-D [N, C, D, H, W] input, got shape [2, 4, 4]'));
    expect(() => F.maxPool3d(x, 2, { padding: 2 })).toThrow(new fl.ValueError('maxPool3d: padding [2, 2, 2] should be at most half of the kernel size [2, 2, 2]'));
    expect(() => F.avgPool3d(x, 4)).toThrow(/avgPool3d: input \[1, 2, 3, 4, 4\] is too small for kernel \[4, 4, 4\]/);
    expect(() => F.avgPool3d(x, 2, { divisorOverride: 0 })).toThrow(new fl.ValueError('avgPool3d: divisorOverride must be a non-zero integer, got 0'));
    expect(() => F.maxPool3d(ar([1, 0, 3, 4, 4]), 2)).toThrow(/maxPool3d: expected an input with non-zero channels, depth, height and width/);
    expect(() => F.adaptiveAvgPool3d(x, [2, 2])).toThrow(/adaptiveAvgPool3d: outputSize must be a positive integer or a list of 3 of them/);
    expect(() => F.adaptiveMaxPool3d(x, 2 ** 31)).toThrow(/adaptiveMaxPool3d: output size \[2147483648, 2147483648, 2147483648\] of input \[1, 2, 3, 4, 4\] is too large/);
    // torch's avg_pool3d wants each dim at least the kernel before padding (max_pool3d does not)
    expect(() => F.avgPool3d(x, [4, 1, 1], { padding: [2, 0, 0] })).toThrow(new fl.ShapeError('avgPool3d: input [1, 2, 3, 4, 4] is smaller than the kernel size [4, 1, 1] (size [3, 4, 4] before padding)'));
    expect(F.maxPool3d(x, [4, 1, 1], { padding: [2, 0, 0] }).shape).toEqual([1, 2, 1, 4, 4]);
    expect(() => F.maxPool3d(x, [2, 1, 1], { padding: [1, 0, 0], dilation: [4, 1, 1] })).toThrow(/maxPool3d: output position 0 of spatial dim 0 pools no element of the input/);
    // an empty batch is allowed
    expect(F.maxPool3d(ar([0, 2, 3, 4, 4]), 2).shape).toEqual([0, 2, 1, 2, 2]);
    expect(F.conv3d(ar([0, 2, 3, 4, 4]), ar([4, 2, 2, 2, 2])).shape).toEqual([0, 4, 2, 3, 3]);
  }));
});
