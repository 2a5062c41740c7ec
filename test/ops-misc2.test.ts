// ops-misc2.test.ts — lib/ops/misc2.ts and lib/nn/init-gumbel.ts: the torch names of the API-gap
// survey (finfo/iinfo, isTensor, numel, isFloatingPoint, isposinf/isneginf/isreal, fmax/fmin, the
// comparison and cat aliases, t, pinverse, rsub, asTensor, randintLike, inferenceMode; the Tensor
// methods expandAs, viewAs, reshapeAs, typeAs, new*, unfold, stride, ravel, sumToSize, …;
// nn.init.truncNormal_/eye_/dirac_ and F.gumbelSoftmax).
// References: PyTorch 1.13 golden values (the torch call beside each; gradients are those of
// sum(out * W) with W_i = ((i * 7919) % 13 - 6) / 4, torch-diff's weights), float64 naive code
// written here (the Gumbel-softmax of the same uniform draws; truncNormal_'s inverse CDF checked
// through fl.special.ndtr), and finite differences (fl.gradcheck, float64). Tolerance: 1e-12
// relative for float64 goldens. The tests run on DEVICE (the CPU, or the emulated GPU).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const F = fl.nn.functional;
const f64 = (v: number[], shape?: number[]): fl.Tensor => {
  const t = fl.tensor(v, { dtype: 'float64', device: DEVICE });
  return shape ? t.reshape(shape) : t;
};
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const W = (y: fl.Tensor): fl.Tensor => f64(Array.from({ length: y.numel }, (_, i) => (((i * 7919) % 13) - 6) / 4), y.shape);
function near(got: number[], want: number[], rel = 1e-12): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (Number.isNaN(w) ? Number.isNaN(g) : (g === w || Math.abs(g - w) <= rel * (1 + Math.abs(w)))) return;
    throw new Error(`[${i}]: expected ${w}, got ${g} (all: ${got})`);
  });
}
function grads(f: (...xs: fl.Tensor[]) => fl.Tensor, ...xs: fl.Tensor[]): { y: number[]; shape: number[]; g: number[][] } {
  const leaves = xs.map((x) => x.detach().requiresGrad_(true));
  const y = f(...leaves);
  y.mul(W(y)).sum().backward();
  return { y: vals(y), shape: y.shape.slice(), g: leaves.map((l) => vals(l.grad!)) };
}
const check = (f: (...xs: fl.Tensor[]) => fl.Tensor, ...xs: fl.Tensor[]): boolean => fl.gradcheck(f, xs.map((x) => x.detach().requiresGrad_(true)));
const X = (): fl.Tensor => f64([0.5, -1.25, 2.0, 3.5, 1.5, 0.25, -2.5, 4.0, -0.75, 1.0, 2.25, -3.0], [3, 4]);

describe('Tensor.unfold (torch 1.13 goldens)', () => {
  test('windows along a dim, overlapping gradients, a transposed view', () => fl.scope(() => {
    let r = grads((a) => a.unfold(1, 2, 1), X());
    expect(r.shape).toEqual([3, 3, 2]);
    near(r.y, [0.5, -1.25, -1.25, 2.0, 2.0, 3.5, 1.5, 0.25, 0.25, -2.5, -2.5, 4.0, -0.75, 1.0, 1.0, 2.25, 2.25, -3.0]);
    near(r.g[0], [-1.5, -1.5, 0.5, 1.0, 1.5, -2.0, 0.0, 0.75, 1.25, -2.5, -0.5, 0.5]);
    r = grads((a) => a.unfold(0, 2, 1), X());
    expect(r.shape).toEqual([2, 4, 2]);
    near(r.y, [0.5, 1.5, -1.25, 0.25, 2.0, -2.5, 3.5, 4.0, 1.5, -0.75, 0.25, 1.0, -2.5, 2.25, 4.0, -3.0]);
    near(r.g[0], [-1.5, -0.5, 0.5, 1.5, -1.75, 0.25, 2.25, -2.25, -0.25, 0.75, -1.5, -0.5]);
    r = grads((a) => a.t().unfold(0, 3, 1), X());   // torch: x.t().unfold(0, 3, 1)
    expect(r.shape).toEqual([2, 3, 3]);
    near(r.y, [0.5, -1.25, 2.0, 1.5, 0.25, -2.5, -0.75, 1.0, 2.25, -1.25, 2.0, 3.5, 0.25, -2.5, 4.0, 1.0, 2.25, -3.0]);
    near(r.g[0], [-1.5, -1.25, -0.25, 0.75, 0.0, 1.75, -0.5, -1.0, 1.5, -1.75, -0.75, 0.5]);
    expect(check((a) => a.unfold(1, 3, 1).mul(a.unfold(1, 3, 1)), X())).toBe(true);
  }));
  test('a view: writes show through; step and 0-D', () => fl.scope(() => {
    const x = X();
    const u = x.unfold(1, 2, 2);
    expect(u.shape).toEqual([3, 2, 2]);
    u.fill_(7);
    expect(vals(x)).toEqual(new Array(12).fill(7));
    expect(f64([5]).reshape([]).unfold(0, 1, 1).shape).toEqual([1]);   // torch.tensor(5.).unfold(0, 1, 1): [1]
  }));
  test('refusals name the op and shapes', () => fl.scope(() => {
    expect(() => X().unfold(1, 5, 1)).toThrow(new fl.ShapeError('unfold: size 5 exceeds the size 4 of dimension 1 of the input of shape [3, 4]'));
    expect(() => X().unfold(1, 2, 0)).toThrow(/unfold: step must be a positive integer, got 0/);
    expect(() => X().unfold(2, 1, 1)).toThrow(fl.IndexError);
  }));
});

describe('fmax, fmin (torch 1.13 goldens)', () => {
  const a = (): fl.Tensor => f64([1.0, NaN, NaN, 2.0, -1.0, 3.0]);
  const b = (): fl.Tensor => f64([2.0, 3.0, NaN, 2.0, NaN, -4.0]);
  test('values and gradients: NaN loses, ties go to the first operand', () => fl.scope(() => {
    let r = grads((p, q) => fl.fmax(p, q), a(), b());
    near(r.y, [2.0, 3.0, NaN, 2.0, -1.0, 3.0]);
    near(r.g[0], [0.0, 0.0, -0.5, 0.0, 0.5, 1.0]);
    near(r.g[1], [-1.5, -1.0, 0.0, 0.0, 0.0, 0.0]);
    r = grads((p, q) => p.fmin(q), a(), b());
    near(r.y, [1.0, 3.0, NaN, 2.0, -1.0, -4.0]);
    near(r.g[0], [-1.5, 0.0, -0.5, 0.0, 0.5, 0.0]);
    near(r.g[1], [0.0, -1.0, 0.0, 0.0, 0.0, 1.0]);
    r = grads((p, q) => fl.fmax(p, q), X(), f64([0.5, 0.0, 2.0, 5.0]));
    near(r.y, [0.5, 0.0, 2.0, 5.0, 1.5, 0.25, 2.0, 5.0, 0.5, 1.0, 2.25, 5.0]);
    near(r.g[0], [-1.5, 0.0, -0.5, 0.0, 0.5, 1.0, 0.0, 0.0, 0.0, -0.25, 0.25, 0.0]);
    near(r.g[1], [-0.75, -1.0, 1.5, -0.5]);
    // ±0: torch returns the first operand (fmax(0, -0) = 0, fmax(-0, 0) = -0)
    const z = vals(fl.fmax(f64([0, -0]), f64([-0, 0])));
    expect(Object.is(z[0], 0) && Object.is(z[1], -0)).toBe(true);
    expect(fl.fmax(fl.tensor([1, 5], { device: DEVICE }), f64([2, 3])).dtype).toBe('float64');
  }));
  test('refusals', () => fl.scope(() => {
    expect(() => fl.fmax(f64([1, 2]), f64([1, 2, 3]))).toThrow(fl.ShapeError);
    expect(() => fl.fmin(f64([1]), 2 as unknown as fl.Tensor)).toThrow(/fmin: other must be a Tensor, got 2/);
  }));
});

describe('sumToSize, expandAs, viewAs, reshapeAs, typeAs, ravel, stride (torch 1.13 goldens)', () => {
  test('values and gradients', () => fl.scope(() => {
    let r = grads((a) => a.sumToSize(1, 4), X());
    expect(r.shape).toEqual([1, 4]);
    near(r.y, [1.25, 0.0, 1.75, 4.5]);
    near(r.g[0], [-1.5, -1.0, -0.5, 0.0, -1.5, -1.0, -0.5, 0.0, -1.5, -1.0, -0.5, 0.0]);
    expect(vals(X().sumToSize([4]))).toEqual([1.25, 0.0, 1.75, 4.5]);
    expect(X().sumToSize([3, 4]).shape).toEqual([3, 4]);
    r = grads((a) => a.expandAs(X()), f64([1, 2, 3], [3, 1]));
    near(r.y, [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    near(r.g[0], [-3.0, 1.75, 0.0]);
    const x = X();
    expect(x.viewAs(fl.zeros([6, 2], { device: DEVICE })).shape).toEqual([6, 2]);
    expect(x.t().reshapeAs(fl.zeros([2, 6], { device: DEVICE })).shape).toEqual([2, 6]);
    expect(vals(x.t().ravel())).toEqual([0.5, 1.5, -0.75, -1.25, 0.25, 1.0, 2.0, -2.5, 2.25, 3.5, 4.0, -3.0]);
    expect(fl.ravel(X()).shape).toEqual([12]);
    const i = fl.tensor([1, 2], { device: DEVICE });
    expect(i.typeAs(x).dtype).toBe('float64');
    expect(x.typeAs(x)).toBe(x);
    expect(check((a) => a.sumToSize(3, 1).mul(a.sum()), X())).toBe(true);
    expect(check((a) => a.typeAs(f64([1])).expandAs(X()), f64([1, 2, 3], [3, 1]))).toBe(true);
    // stride: torch.zeros(2,3,4).stride() = (12, 4, 1); .transpose(0, 2).stride() = (1, 4, 12)
    const z = fl.zeros([2, 3, 4], { device: DEVICE });
    expect(z.stride()).toEqual([12, 4, 1]);
    expect(z.transpose(0, 2).stride()).toEqual([1, 4, 12]);
    expect(z.stride(-1)).toBe(1);
  }));
  test('refusals', () => fl.scope(() => {
    expect(() => X().sumToSize(2, 4)).toThrow(new fl.ShapeError('sumToSize: size [2, 4] is not expandable to the tensor\'s size [3, 4]'));
    expect(() => X().expandAs(f64([1, 2]))).toThrow(fl.ShapeError);
    expect(() => X().viewAs(f64([1, 2]))).toThrow(fl.ShapeError);
    expect(() => X().stride(3)).toThrow(fl.IndexError);
    expect(() => X().typeAs(3 as unknown as fl.Tensor)).toThrow(/typeAs: other must be a Tensor/);
  }));
});

describe('the new* factories, predicates and facts', () => {
  test('new* take the dtype and device of self unless given', () => fl.scope(() => {
    const x = X();
    const z = x.newZeros(2, 3);
    expect([z.shape, z.dtype, z.device]).toEqual([[2, 3], 'float64', x.device]);
    expect(vals(x.newOnes([2], { dtype: 'int32' }))).toEqual([1, 1]);
    expect(x.newOnes([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(vals(x.newFull([2, 2], 7))).toEqual([7, 7, 7, 7]);
    expect(x.newEmpty(4).shape).toEqual([4]);
    const t = x.newTensor([1, 2], { requiresGrad: true });
    expect([t.dtype, t.requiresGrad, vals(t)]).toEqual(['float64', true, [1, 2]]);
    expect(() => x.newZeros(2, { dtyp: 'int32' } as never)).toThrow(/newZeros: unknown option 'dtyp' \(did you mean 'dtype'\?\)/);
    expect(() => x.newFull([2], 'a' as never)).toThrow(fl.ValueError);
  }));
  test('predicates (torch 1.13: is_signed of float32, int32, uint8, bool = T, T, F, F)', () => fl.scope(() => {
    const on = (d: fl.DType): fl.Tensor => fl.zeros([1], { dtype: d, device: DEVICE });
    expect(['float32', 'int32', 'uint8', 'bool'].map((d) => on(d as fl.DType).isSigned())).toEqual([true, true, false, false]);
    expect(fl.isFloatingPoint(on('bfloat16'))).toBe(true);
    expect(on('int32').isFloatingPoint()).toBe(false);
    expect(fl.isTensor(on('int32'))).toBe(true);
    expect(fl.isTensor([1])).toBe(false);
    expect(fl.numel(X())).toBe(12);
    expect([X().nelement(), X().ndimension(), X().elementSize(), on('float16').elementSize()]).toEqual([12, 2, 8, 2]);
    const onGpu = DEVICE !== 'cpu';
    expect([X().isCuda, X().isCpu, X().getDevice()]).toEqual([onGpu, !onGpu, onGpu ? 0 : -1]);
    // torch.isposinf / isneginf of [1, inf, -inf, nan]
    const s = f64([1, Infinity, -Infinity, NaN]);
    expect(fl.isposinf(s).toArray()).toEqual([false, true, false, false]);
    expect(s.isneginf().toArray()).toEqual([false, false, true, false]);
    expect(fl.isposinf(fl.tensor([1, 2], { device: DEVICE })).toArray()).toEqual([false, false]);
    expect(fl.isreal(s).toArray()).toEqual([true, true, true, true]);
    expect(() => fl.numel([1] as never)).toThrow(/numel: input must be a Tensor/);
  }));
  test('finfo / iinfo (torch 1.13 values)', () => {
    expect(fl.finfo('float32')).toEqual({ dtype: 'float32', bits: 32, eps: 1.1920928955078125e-07, max: 3.4028234663852886e+38, min: -3.4028234663852886e+38, tiny: 1.1754943508222875e-38, smallestNormal: 1.1754943508222875e-38, resolution: 1e-06 });
    expect(fl.finfo()).toEqual(fl.finfo('float32'));
    expect(fl.finfo('float64').eps).toBe(2.220446049250313e-16);
    expect(fl.finfo('float64').tiny).toBe(2.2250738585072014e-308);
    expect([fl.finfo('float16').max, fl.finfo('float16').tiny, fl.finfo('float16').eps]).toEqual([65504, 6.103515625e-05, 0.0009765625]);
    expect([fl.finfo('bfloat16').max, fl.finfo('bfloat16').eps, fl.finfo('bfloat16').resolution]).toEqual([3.3895313892515355e+38, 0.0078125, 0.01]);
    expect(fl.finfo('complex64').eps).toBe(1.1920928955078125e-07);
    expect(fl.iinfo('int32')).toEqual({ dtype: 'int32', bits: 32, max: 2147483647, min: -2147483648 });
    expect(fl.iinfo('uint8')).toEqual({ dtype: 'uint8', bits: 8, max: 255, min: 0 });
    expect(() => fl.finfo('int32')).toThrow(new fl.DTypeError('finfo: int32 is not a floating dtype (use fl.iinfo for integer dtypes)'));
    expect(() => fl.iinfo('bool')).toThrow(fl.DTypeError);
    expect(() => fl.finfo('float8' as fl.DType)).toThrow(fl.DTypeError);
  });
});

describe('aliases, rsub, pinverse, asTensor, randintLike, inferenceMode', () => {
  test('the comparison and cat aliases are the ops they name', () => fl.scope(() => {
    const x = f64([1, 2, 3]);
    expect(fl.greater(x, 2).toArray()).toEqual([false, false, true]);
    expect(fl.greaterEqual(x, 2).toArray()).toEqual([false, true, true]);
    expect(x.less(2).toArray()).toEqual([true, false, false]);
    expect(x.lessEqual(2).toArray()).toEqual([true, true, false]);
    expect(fl.notEqual(x, 2).toArray()).toEqual([true, false, true]);
    expect(x.greater(f64([0, 5, 3])).toArray()).toEqual([true, false, false]);
    expect(vals(fl.concat([x, x]))).toEqual([1, 2, 3, 1, 2, 3]);
    expect(fl.concatenate([x.reshape(1, 3), x.reshape(1, 3)], 1).shape).toEqual([1, 6]);
    expect(fl.t(X()).shape).toEqual([4, 3]);
    expect(fl.t(x).shape).toEqual([3]);
    expect(() => fl.t(fl.zeros([1, 2, 3], { device: DEVICE }))).toThrow(fl.ShapeError);
  }));
  test('rsub and pinverse (torch 1.13 goldens)', () => fl.scope(() => {
    let r = grads((a) => fl.rsub(a, 10, 2), f64([1, 2.5]));   // torch.rsub(a, 10.0, alpha=2)
    near(r.y, [8, 5]);
    near(r.g[0], [3, 2]);
    expect(vals(fl.rsub(f64([1, 2]), f64([5, 7])))).toEqual([4, 5]);
    r = grads((a) => fl.pinverse(a), f64([1, 2, 3, 4, 5, 6.5], [3, 2]));
    near(r.y, [-1.8636363636363635, 0.04545454545454605, 0.5454545454545451, 1.4242424242424243, 0.030303030303029863, -0.30303030303030276], 1e-10);
    near(r.g[0], [3.986225895316807, -3.4788797061524277, -1.3808539944903586, 1.0339761248852164, -0.46418732782368544, 0.47842056932965454], 1e-9);
    near(vals(f64([1, 0, 0, 1e-10], [2, 2]).pinverse(1e-5)), [1, 0, 0, 0]);   // torch.pinverse(…, rcond=1e-5)
    expect(() => fl.rsub(f64([1]), 2, NaN)).toThrow(/rsub: alpha must be a number/);
  }));
  test('asTensor: no copy when nothing changes', () => fl.scope(() => {
    const x = X();
    expect(fl.asTensor(x)).toBe(x);
    expect(fl.asTensor(x, { dtype: 'float64', device: DEVICE })).toBe(x);
    const c = fl.asTensor(x, { dtype: 'float32' });
    expect([c.dtype, vals(c)]).toEqual(['float32', vals(x)]);
    const j = fl.asTensor([[1, 2]], { device: DEVICE });
    expect([j.dtype, j.shape]).toEqual(['int32', [1, 2]]);
    const g = grads((a) => fl.asTensor(a, { dtype: 'float32' }).to('float64'), f64([1, 2]));
    near(g.g[0], [-1.5, -1]);   // the weights W themselves: the cast's gradient is the identity
    expect(() => fl.asTensor(x, { dtyp: 'float32' } as never)).toThrow(/asTensor: unknown option 'dtyp'/);
  }));
  test('randintLike: the input\'s dtype (torch: randint_like(zeros(2), 5) is float32), ranges, generator', () => fl.scope(() => {
    const x = fl.zeros([2000], { device: DEVICE });
    const r = fl.randintLike(x, 5);
    expect([r.dtype, r.shape]).toEqual(['float32', [2000]]);
    const v = vals(r);
    expect(v.every((e) => Number.isInteger(e) && e >= 0 && e < 5)).toBe(true);
    expect(new Set(v).size).toBe(5);
    const w = vals(fl.randintLike(x, -3, -1, { dtype: 'int32' }));
    expect(w.every((e) => e === -3 || e === -2)).toBe(true);
    const g1 = new fl.Generator({ device: DEVICE }).manualSeed(3), g2 = new fl.Generator({ device: DEVICE }).manualSeed(3);
    expect(vals(fl.randintLike(x, 0, 100, { generator: g1 }))).toEqual(vals(fl.randintLike(x, 0, 100, { generator: g2 })));
    expect(() => fl.randintLike(x, 5, 5)).toThrow(/expected low < high/);
    expect(() => fl.randintLike(fl.zeros([2], { dtype: 'uint8', device: DEVICE }), 0, 300)).toThrow(/does not fit dtype uint8/);
  }));
  test('inferenceMode records nothing and nests', () => fl.scope(() => {
    const x = f64([1, 2]).requiresGrad_(true);
    const y = fl.inferenceMode(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(fl.inferenceMode(() => fl.isInferenceModeEnabled())).toBe(true);
    expect(fl.inferenceMode(false, () => fl.isInferenceModeEnabled())).toBe(false);
    expect(fl.inferenceMode(false, () => x.mul(2)).requiresGrad).toBe(true);
    expect(fl.isInferenceModeEnabled()).toBe(false);
    expect(() => fl.inferenceMode(1 as never, () => 0)).toThrow(/inferenceMode: mode must be a boolean/);
  }));
});

describe('nn.init.truncNormal_, eye_, dirac_', () => {
  test('truncNormal_: inside [a, b]; Φ((y-μ)/σ) is the affine image of the uniform draws (float64)', () => fl.scope(() => {
    const [mean, std, a, b] = [0.5, 2, -1, 3];
    fl.manualSeed(11);
    const y = fl.nn.init.truncNormal_(fl.empty([4000], { dtype: 'float64', device: DEVICE }), mean, std, a, b);
    const yv = vals(y);
    expect(yv.every((v) => v >= a && v <= b)).toBe(true);
    // the same uniform draws: U(2l - 1, 2u - 1) with l = Φ((a-μ)/σ), u = Φ((b-μ)/σ); y = μ + σ√2·erfinv(U), so Φ((y-μ)/σ) = (1 + U) / 2
    const [l, u] = vals(fl.special.ndtr(fl.tensor([(a - mean) / std, (b - mean) / std], { dtype: 'float64' })));
    fl.manualSeed(11);
    const U = vals(fl.empty([4000], { dtype: 'float64', device: DEVICE }).uniform_(2 * l - 1, 2 * u - 1));
    const phi = vals(fl.special.ndtr(f64(yv.map((v) => (v - mean) / std))));
    near(phi, U.map((x) => (1 + x) / 2), 1e-9);
    // the sample mean of N(0.5, 2²) truncated to [-1, 3]: μ + σ(φ(α) − φ(β)) / (Φ(β) − Φ(α)) = 0.8549027639677396
    // (α = -0.75, β = 1.25; variance 1.1534, so the mean of 4000 draws has standard deviation 0.017)
    const m = yv.reduce((s, v) => s + v, 0) / yv.length;
    expect(Math.abs(m - 0.8549027639677396)).toBeLessThan(0.07);
    const wf = fl.nn.init.truncNormal_(fl.empty([3, 3], { device: DEVICE }), 0, 0.02);
    expect(vals(wf).every((v) => Math.abs(v) < 0.2)).toBe(true);
    expect(() => fl.nn.init.truncNormal_(fl.empty([2], { device: DEVICE }), 0, 1, 2, 1)).toThrow(/truncNormal_: expected a < b/);
    expect(() => fl.nn.init.truncNormal_(fl.empty([2], { device: DEVICE }), 0, 0)).toThrow(/truncNormal_: std must be a positive finite number/);
    expect(() => fl.nn.init.truncNormal_(fl.empty([2], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
  }));
  test('eye_ and dirac_ (torch 1.13: the nonzero positions)', () => fl.scope(() => {
    expect(fl.nn.init.eye_(fl.empty([2, 3], { device: DEVICE })).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    const w = fl.nn.init.dirac_(fl.empty([4, 2, 3, 3], { device: DEVICE }), 2);
    expect(fl.nonzero(w).toArray()).toEqual([[0, 0, 1, 1], [1, 1, 1, 1], [2, 0, 1, 1], [3, 1, 1, 1]]);
    expect(fl.nonzero(fl.nn.init.dirac_(fl.empty([3, 5, 2], { device: DEVICE }))).toArray()).toEqual([[0, 0, 1], [1, 1, 1], [2, 2, 1]]);
    expect(vals(w.sum())).toEqual([4]);
    expect(() => fl.nn.init.eye_(fl.empty([2], { device: DEVICE }))).toThrow(new fl.ShapeError('eye_: only 2-D tensors are supported, got shape [2]'));
    expect(() => fl.nn.init.dirac_(fl.empty([3, 2, 3], { device: DEVICE }), 2)).toThrow(/dirac_: the output channels 3 of the weight of shape \[3, 2, 3\] are not divisible by groups=2/);
    expect(() => fl.nn.init.dirac_(fl.empty([3, 2], { device: DEVICE }))).toThrow(fl.ShapeError);
  }));
});

describe('F.gumbelSoftmax', () => {
  const logits = (): fl.Tensor => f64([0.5, -1.0, 2.0, 0.25, 1.5, -0.5, 0.0, 1.0], [2, 4]);
  /** float64 reference from the same uniform draws: g = -log(-log(1 - U)), softmax((logits + g) / tau) per row. */
  function reference(seed: number, tau: number): number[] {
    fl.manualSeed(seed);
    const U = vals(fl.rand([2, 4], { dtype: 'float64', device: DEVICE }));
    const lv = vals(logits());
    const z = lv.map((l, i) => (l - Math.log(-Math.log(1 - U[i]))) / tau);
    const out: number[] = [];
    for (let r = 0; r < 2; r++) {
      const row = z.slice(4 * r, 4 * r + 4), m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m)), s = e.reduce((p, q) => p + q, 0);
      out.push(...e.map((v) => v / s));
    }
    return out;
  }
  test('soft samples equal the float64 softmax of the same Gumbel noise; hard ones are one-hot with the soft gradient', () => fl.scope(() => {
    const want = reference(5, 0.7);
    fl.manualSeed(5);
    near(vals(F.gumbelSoftmax(logits(), { tau: 0.7 })), want, 1e-12);
    fl.manualSeed(5);
    const soft = grads((l) => F.gumbelSoftmax(l, 0.7), logits());
    fl.manualSeed(5);
    const hard = grads((l) => F.gumbelSoftmax(l, { tau: 0.7, hard: true }), logits());
    const oneHot = [0, 1].flatMap((r) => { const row = want.slice(4 * r, 4 * r + 4); const k = row.indexOf(Math.max(...row)); return [0, 1, 2, 3].map((j) => (j === k ? 1 : 0)); });
    near(hard.y, oneHot, 1e-15);
    near(hard.g[0], soft.g[0], 1e-12);
    fl.manualSeed(5);
    const alongDim0 = F.gumbelSoftmax(logits(), { dim: 0 });
    near(vals(alongDim0.sum(0)), [1, 1, 1, 1], 1e-12);
    expect(() => F.gumbelSoftmax(logits(), { tau: 0 })).toThrow(/gumbelSoftmax: tau must be a number > 0, got 0/);
    expect(() => F.gumbelSoftmax(fl.tensor([1, 2], { device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => F.gumbelSoftmax(logits(), { dim: 2 })).toThrow(fl.IndexError);
  }));
});

describe('in place: tril_, triu_, fillDiagonal_, F.relu_ … (torch 1.13 goldens)', () => {
  const M = (): fl.Tensor => f64([-1.5, 0.5, 2.0, 3.0, -0.25, -4.0], [2, 3]);
  test('tril_, triu_ write into self and refuse a leaf that requires grad', () => fl.scope(() => {
    const a = M();
    expect(a.tril_()).toBe(a);
    expect(vals(a)).toEqual([-1.5, 0, 0, 3, -0.25, 0]);
    const b = M().t();   // a transposed view: written through its strides
    b.triu_(1);
    expect(vals(b)).toEqual([0, 3, 0, 0, 0, 0]);
    expect(vals(M().triu_(1))).toEqual([0, 0.5, 2, 0, 0, -4]);
    expect(() => M().requiresGrad_(true).tril_()).toThrow(fl.AutogradError);
  }));
  test('fillDiagonal_: 2-D, wrap, n-D, views', () => fl.scope(() => {
    // torch.arange(12.).reshape(4, 3).fill_diagonal_(-1, wrap=True): positions 0, 4, 8
    const a = fl.arange(12, { dtype: 'float64', device: DEVICE }).reshape(4, 3);
    expect(a.fillDiagonal_(-1, true)).toBe(a);
    expect(vals(a)).toEqual([-1, 1, 2, 3, -1, 5, 6, 7, -1, 9, 10, 11]);
    // torch.zeros(7, 3).fill_diagonal_(5, wrap=True): rows 0-2 and 4-6
    expect(fl.nonzero(fl.zeros([7, 3], { device: DEVICE }).fillDiagonal_(5, true)).toArray()).toEqual([[0, 0], [1, 1], [2, 2], [4, 0], [5, 1], [6, 2]]);
    expect(fl.nonzero(fl.zeros([7, 3], { device: DEVICE }).fillDiagonal_(5)).toArray()).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(vals(fl.arange(12, { dtype: 'float64', device: DEVICE }).reshape(3, 4).fillDiagonal_(-1, true))).toEqual([-1, 1, 2, 3, 4, -1, 6, 7, 8, 9, -1, 11]);
    expect(fl.nonzero(fl.zeros([2, 2, 2], { device: DEVICE }).fillDiagonal_(1)).toArray()).toEqual([[0, 0, 0], [1, 1, 1]]);
    const t = fl.zeros([3, 2], { dtype: 'float64', device: DEVICE });
    t.t().fillDiagonal_(7);   // a non-contiguous view: the write reaches the base
    expect(vals(t)).toEqual([7, 0, 0, 7, 0, 0]);
    expect(() => fl.zeros([2, 3, 2], { device: DEVICE }).fillDiagonal_(1)).toThrow(new fl.ShapeError('fillDiagonal_: all dims of an n-D tensor must be equal, got shape [2, 3, 2]'));
    expect(() => fl.zeros([3], { device: DEVICE }).fillDiagonal_(1)).toThrow(fl.ShapeError);
    // torch: "value cannot be converted to type uint8_t without overflow"
    expect(() => fl.zeros([2, 2], { dtype: 'uint8', device: DEVICE }).fillDiagonal_(-2.5)).toThrow(fl.OverflowError);
    expect(() => fl.zeros([2, 2], { device: DEVICE }).requiresGrad_(true).fillDiagonal_(1)).toThrow(fl.AutogradError);
  }));
  test('F.relu_ … write into the input and return it', () => fl.scope(() => {
    const want: [string, (t: fl.Tensor) => fl.Tensor, number[]][] = [
      ['relu_', (t) => F.relu_(t), [0.0, 0.5, 2.0, 3.0, 0.0, 0.0]],
      ['leakyRelu_', (t) => F.leakyRelu_(t, 0.2), [-0.30000000000000004, 0.5, 2.0, 3.0, -0.05, -0.8]],
      ['elu_', (t) => F.elu_(t, 1.5), [-1.1653047597773554, 0.5, 2.0, 3.0, -0.3317988253928927, -1.4725265416668987]],
      ['selu_', (t) => F.selu_(t), [-1.3658143533672527, 0.5253504936777402, 2.101401974710961, 3.1521029620664414, -0.388890197478119, -1.7258986281898945]],
      ['celu_', (t) => F.celu_(t, 0.5), [-0.475106465816068, 0.5, 2.0, 3.0, -0.1967346701436833, -0.49983226868604874]],
      ['hardtanh_', (t) => F.hardtanh_(t, -1, 1.5), [-1.0, 0.5, 1.5, 1.5, -0.25, -1.0]],
      ['threshold_', (t) => F.threshold_(t, 0.4, -9.0), [-9.0, 0.5, 2.0, 3.0, -9.0, -9.0]],
    ];
    for (const [name, f, w] of want) {
      const t = M();
      const r = f(t);
      if (r !== t) throw new Error(`${name}: did not return its input`);
      try { near(vals(t), w, 1e-14); } catch (e) { throw new Error(`${name}: ${(e as Error).message}`); }
    }
    const e = M();
    expect(vals(F.rrelu_(e))).toEqual(vals(F.leakyRelu(M(), (1 / 8 + 1 / 3) / 2)));   // eval mode: the mean slope
    // a leaf that requires grad: a new tensor (flintml's inplace rule), the gradient that of relu
    const leaf = M().requiresGrad_(true);
    const y = F.relu_(leaf);
    expect(y).not.toBe(leaf);
    y.sum().backward();
    expect(vals(leaf.grad!)).toEqual([0, 1, 1, 1, 0, 0]);
    expect(() => F.relu_([1] as never)).toThrow(/relu_: input must be a Tensor/);
  }));
});

describe('in-place random fills: the distributions of float64 uniform draws (the same stream, float64 reference)', () => {
  const N = 2000;
  const uniform = (seed: number): number[] => { fl.manualSeed(seed); return vals(fl.empty([N], { dtype: 'float64', device: DEVICE }).uniform_(0, 1)); };
  test('exponential_, cauchy_, geometric_ are the inverse CDFs of the uniform draws', () => fl.scope(() => {
    const U = uniform(21);
    fl.manualSeed(21);
    const e = fl.empty([N], { dtype: 'float64', device: DEVICE });
    expect(e.exponential_(2)).toBe(e);
    near(vals(e), U.map((u) => -Math.log1p(-u) / 2), 1e-13);
    fl.manualSeed(21);
    near(vals(fl.empty([N], { dtype: 'float64', device: DEVICE }).cauchy_(1, 0.5)), U.map((u) => 1 + 0.5 * Math.tan(Math.PI * (u - 0.5))), 1e-9);
    fl.manualSeed(21);
    expect(vals(fl.empty([N], { dtype: 'float64', device: DEVICE }).geometric_(0.3))).toEqual(U.map((u) => Math.max(1, Math.ceil(Math.log1p(-u) / Math.log1p(-0.3)))));
    // float32: the float64 values rounded; the sample mean of Exp(1) near 1
    fl.manualSeed(21);
    const f = vals(fl.empty([N], { device: DEVICE }).exponential_());
    near(f, U.map((u) => Math.fround(-Math.log1p(-u))), 1e-7);
    expect(Math.abs(f.reduce((s, v) => s + v, 0) / N - 1)).toBeLessThan(0.1);
    // the generator keyword
    const g1 = new fl.Generator({ device: DEVICE }).manualSeed(5), g2 = new fl.Generator({ device: DEVICE }).manualSeed(5);
    expect(vals(fl.empty([8], { device: DEVICE }).exponential_(1, { generator: g1 }))).toEqual(vals(fl.empty([8], { device: DEVICE }).exponential_(1, { generator: g2 })));
  }));
  test('logNormal_ is exp of normal_ draws; random_ ranges', () => fl.scope(() => {
    fl.manualSeed(9);
    const z = vals(fl.empty([N], { dtype: 'float64', device: DEVICE }).normal_(0.5, 0.25));
    fl.manualSeed(9);
    near(vals(fl.empty([N], { dtype: 'float64', device: DEVICE }).logNormal_(0.5, 0.25)), z.map(Math.exp), 1e-14);
    const r = vals(fl.empty([N], { device: DEVICE }).random_(3, 7));
    expect(r.every((v) => Number.isInteger(v) && v >= 3 && v < 7)).toBe(true);
    expect(new Set(r).size).toBe(4);
    expect(vals(fl.empty([N], { dtype: 'int32', device: DEVICE }).random_(5)).every((v) => v >= 0 && v < 5)).toBe(true);
    const b = fl.empty([N], { dtype: 'bool', device: DEVICE }).random_();
    expect(new Set(vals(b)).size).toBe(2);
    const u8 = vals(fl.empty([N], { dtype: 'uint8', device: DEVICE }).random_());
    expect(u8.every((v) => v >= 0 && v <= 255) && Math.max(...u8) > 200).toBe(true);
    const h = vals(fl.empty([N], { dtype: 'float16', device: DEVICE }).random_());
    expect(h.every((v) => Number.isInteger(v) && v >= 0 && v <= 2048)).toBe(true);
  }));
  test('refusals (torch 1.13\'s rules)', () => fl.scope(() => {
    const x = (): fl.Tensor => fl.empty([3], { device: DEVICE });
    expect(() => x().exponential_(-1)).toThrow(/exponential_: expects lambd >= 0, got -1/);
    expect(() => x().geometric_(1)).toThrow(/geometric_: expects p in \(0, 1\), got 1/);
    expect(() => x().cauchy_(0, 0)).toThrow(/cauchy_: expects sigma > 0/);
    expect(() => x().logNormal_(1, 0)).toThrow(/logNormal_: expects std > 0/);
    expect(() => fl.empty([3], { dtype: 'int32', device: DEVICE }).exponential_()).toThrow(fl.DTypeError);
    expect(() => x().random_(5, 5)).toThrow(/expected low < high/);
    expect(() => x().exponential_(1, { generater: null } as never)).toThrow(/exponential_: unknown option 'generater' \(did you mean 'generator'\?\)/);
    expect(() => x().requiresGrad_(true).exponential_()).toThrow(fl.AutogradError);
  }));
});

describe('adjoint, mH, H (torch 1.13 goldens)', () => {
  test('the conjugate transpose; its gradient; refusals', () => fl.scope(() => {
    const r = grads((a) => a.mH, f64([1, 2, 3, 4, 5, 6], [2, 3]));
    expect(r.shape).toEqual([3, 2]);
    near(r.y, [1, 4, 2, 5, 3, 6]);
    near(r.g[0], [-1.5, -0.5, 0.5, -1.0, 0.0, 1.0]);
    // torch.view_as_real(z.mH.resolve_conj()) of z = [[1+2j, 3-1j], [0.5j, -2], [1, 1j]]
    const z = fl.complex(f64([1, 3, 0, -2, 1, 0], [3, 2]), f64([2, -1, 0.5, 0, 0, 1], [3, 2]));
    const want = [1.0, -2.0, 0.0, -0.5, 1.0, -0.0, 3.0, 1.0, -2.0, -0.0, 0.0, -1.0];
    near(vals(fl.viewAsReal(z.mH)), want);
    near(vals(fl.viewAsReal(z.H)), want);
    near(vals(fl.viewAsReal(fl.adjoint(z))), want);
    expect(fl.zeros([2, 3, 4], { device: DEVICE }).adjoint().shape).toEqual([2, 4, 3]);
    expect(f64([3]).reshape([]).H.shape).toEqual([]);
    expect(vals(fl.adjoint(f64([3]).reshape([])))).toEqual([3]);   // torch.adjoint(torch.tensor(3.)): tensor(3.)
    expect(() => fl.zeros([2, 3, 4], { device: DEVICE }).H).toThrow(new fl.ShapeError('H: expected a matrix or a 0-D tensor, got shape [2, 3, 4] (use mH for batches of matrices)'));
    expect(() => fl.adjoint(fl.zeros([3], { device: DEVICE }))).toThrow(fl.ShapeError);
    expect(() => fl.zeros([3], { device: DEVICE }).H).toThrow(fl.ShapeError);
  }));
});

describe('threads and the nn.utils names', () => {
  test('setNumThreads / getNumThreads', () => {
    const n = fl.getNumThreads();
    try {
      fl.setNumThreads(1);
      expect(fl.getNumThreads()).toBe(1);
      expect(() => fl.setNumThreads(0)).toThrow(fl.ValueError);
    } finally { fl.setNumThreads(n); }
    expect(fl.getNumThreads()).toBe(n);
  });
  test('clipGradNorm_ and clipGradValue_ are torch\'s names of clipGradNorm and clipGradValue', () => {
    expect(fl.nn.utils.clipGradNorm_).toBe(fl.nn.utils.clipGradNorm);
    expect(fl.nn.utils.clipGradValue_).toBe(fl.nn.utils.clipGradValue);
  });
});
