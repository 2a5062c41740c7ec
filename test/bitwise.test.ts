// bitwise.test.ts — torch's integer and bit-level elementwise ops (lib/ops/bitwise.ts: bitwiseAnd /
// Or / Xor / Not, the shifts, gcd, lcm, nextafter, ldexp, frexp, igamma / igammac) and
// scatterReduce (lib/ops/indexing.ts). References: PyTorch 1.13 golden values (the torch call beside
// each; integer results are exact, floats compared bit for bit where torch's result is exact),
// float64 naive loops written here (gcd, the shifts' defined semantics, scatterReduce over random
// indices with duplicates), and finite differences (fl.gradcheck) for the differentiable ones.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, expectClose, rng } from './helpers';

const on = (v: number[] | boolean[], dtype: fl.DType, shape?: number[]): fl.Tensor => {
  const t = fl.tensor(v as number[], { dtype, device: DEVICE });
  return shape ? t.reshape(shape) : t;
};
const vals = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number | boolean>, Number);
const f64 = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const i32 = (v: number[]): fl.Tensor => on(v, 'int32');
const u8 = (v: number[]): fl.Tensor => on(v, 'uint8');
/** Exact equality, NaN with NaN and the sign of zero included. */
function same(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => { if (!Object.is(g, want[i])) throw new Error(`[${i}]: expected ${want[i]}, got ${g} (all: ${got})`); });
}
const bitsF32 = (t: fl.Tensor): number[] => Array.from(new Uint32Array(new Float32Array(t.dataSync() as Float32Array).buffer));
const INT_MIN = -2147483648, INT_MAX = 2147483647;

describe('bitwiseAnd / Or / Xor / Not', () => {
  test('int32 against torch 1.13, INT_MIN and negatives included', () => fl.scope(() => {
    const a = i32([0, 1, -1, 5, -6, INT_MAX, INT_MIN, 12345]), b = i32([0, 3, -1, -3, 7, INT_MIN, -1, -54321]);
    // torch.bitwise_and(a, b) (int32)
    same(vals(fl.bitwiseAnd(a, b)), [0, 1, -1, 5, 2, 0, INT_MIN, 8201]);
    same(vals(a.bitwiseOr(b)), [0, 3, -1, -3, -1, -1, -1, -50177]);
    same(vals(fl.bitwiseXor(a, b)), [0, 2, 0, -8, -3, -1, INT_MAX, -58378]);
    same(vals(fl.bitwiseNot(a)), [-1, -2, 0, -6, 5, INT_MIN, INT_MAX, -12346]);
    expect(fl.bitwiseAnd(a, b).dtype).toBe('int32');
  }));
  test('uint8 (wraps) and bool (logical)', () => fl.scope(() => {
    const a = u8([0, 1, 255, 128, 77, 200]), b = u8([0, 255, 255, 1, 100, 56]);
    same(vals(fl.bitwiseAnd(a, b)), [0, 1, 255, 0, 68, 8]);
    same(vals(fl.bitwiseOr(a, b)), [0, 255, 255, 129, 109, 248]);
    same(vals(fl.bitwiseXor(a, b)), [0, 254, 0, 129, 41, 240]);
    same(vals(a.bitwiseNot()), [255, 254, 0, 127, 178, 55]);
    const p = on([true, true, false], 'bool'), q = on([true, false, false], 'bool');
    const x = fl.bitwiseXor(p, q);
    expect(x.dtype).toBe('bool');
    same(vals(x), [0, 1, 0]);
    same(vals(fl.bitwiseAnd(p, q)), [1, 0, 0]);
    same(vals(fl.bitwiseOr(p, q)), [1, 1, 0]);
    same(vals(fl.bitwiseNot(p)), [0, 0, 1]);  // torch.bitwise_not(bool) is logical
  }));
  test('numbers, promotion and broadcasting as torch', () => fl.scope(() => {
    // torch.bitwise_and(torch.tensor([[1], [6]]), torch.tensor([3, 5, 7]))
    const r = fl.bitwiseAnd(i32([1, 6]).reshape([2, 1]), i32([3, 5, 7]));
    expect(r.shape).toEqual([2, 3]);
    same(vals(r), [1, 1, 1, 2, 4, 6]);
    // torch.bitwise_and(torch.tensor([True, False]), 3) -> int64 [1, 0]
    const bi = fl.bitwiseAnd(on([true, false], 'bool'), 3);
    expect(bi.dtype).toBe('int32');
    same(vals(bi), [1, 0]);
    // uint8 & -1 keeps uint8 (-1 wraps to 255); 3 & uint8 is uint8
    same(vals(fl.bitwiseAnd(u8([5, 200]), -1)), [5, 200]);
    expect(fl.bitwiseAnd(3, u8([5])).dtype).toBe('uint8');
    same(vals(fl.bitwiseAnd(3, u8([5]))), [1]);
    // uint8 | int32 promotes to int32: [261, 201]
    const m = fl.bitwiseOr(u8([5, 200]), i32([256, 1]));
    expect(m.dtype).toBe('int32');
    same(vals(m), [261, 201]);
    expect(fl.bitwiseAnd(on([true], 'bool'), true).dtype).toBe('bool');
    // 0-dim and empty
    same(vals(fl.bitwiseXor(i32([6]).reshape([]), 3)), [5]);
    expect(fl.bitwiseOr(on([], 'int32'), 1).shape).toEqual([0]);
  }));
  test('in-place forms', () => fl.scope(() => {
    const a = i32([12, 10]);
    expect(a.bitwiseAnd_(i32([10, 6]))).toBe(a);
    same(vals(a), [8, 2]);
    a.bitwiseOr_(1); same(vals(a), [9, 3]);
    a.bitwiseXor_(3); same(vals(a), [10, 0]);
    a.bitwiseNot_(); same(vals(a), [-11, -1]);
    a.bitwiseLeftShift_(2); same(vals(a), [-44, -4]);
    a.bitwiseRightShift_(1); same(vals(a), [-22, -2]);
    const g = i32([12, 9]);
    g.gcd_(i32([18, 6])); same(vals(g), [6, 3]);
    g.lcm_(i32([4, 4])); same(vals(g), [12, 12]);
  }));
  test('refusals: floating operands, a float number, bool shifts, gcd of numbers', () => fl.scope(() => {
    const x = on([1.5], 'float32');
    expect(() => fl.bitwiseAnd(x, x)).toThrow(fl.DTypeError);
    expect(() => fl.bitwiseAnd(x, x)).toThrow(/bitwiseAnd: not implemented for float32/);
    expect(() => fl.bitwiseOr(u8([1]), 3.5)).toThrow(/bitwiseOr: not implemented for float32/);
    expect(() => fl.bitwiseNot(x)).toThrow(/bitwiseNot: not implemented for float32/);
    expect(() => x.bitwiseNot_()).toThrow(fl.DTypeError);
    expect(() => fl.bitwiseLeftShift(on([true], 'bool'), on([true], 'bool'))).toThrow(/bitwiseLeftShift: not implemented for bool/);
    expect(() => fl.bitwiseRightShift(x, 1)).toThrow(fl.DTypeError);
    expect(() => fl.gcd(on([true], 'bool'), on([true], 'bool'))).toThrow(/gcd: not implemented for bool/);
    expect(() => fl.gcd(x, x)).toThrow(fl.DTypeError);
    expect(() => fl.gcd(i32([12]), 8 as unknown as fl.Tensor)).toThrow(/gcd: input and other must be Tensors/);
    expect(() => fl.lcm(i32([1, 2]), i32([1, 2, 3]))).toThrow(fl.ShapeError);
    expect(() => (fl.bitwiseAnd as (...a: unknown[]) => fl.Tensor)(i32([1]), 1, 2)).toThrow(/bitwiseAnd/);
    expect(() => i32([1]).bitwiseAnd_(on([1.5], 'float32'))).toThrow(fl.DTypeError);
  }));
});

describe('bitwiseLeftShift / bitwiseRightShift', () => {
  test('in-range counts against torch 1.13', () => fl.scope(() => {
    // torch.bitwise_left_shift(int32 [1, -1, 5, 3, 2**30, -7], [0, 31, 2, 4, 1, 3])
    same(vals(fl.bitwiseLeftShift(i32([1, -1, 5, 3, 2 ** 30, -7]), i32([0, 31, 2, 4, 1, 3]))), [1, INT_MIN, 20, 48, INT_MIN, -56]);
    // torch.bitwise_right_shift: arithmetic for int32
    same(vals(fl.bitwiseRightShift(i32([-8, -1, 5, INT_MAX, INT_MIN, 100]), i32([1, 31, 2, 30, 31, 0]))), [-4, -1, 1, 1, -1, 100]);
    same(vals(fl.bitwiseLeftShift(u8([1, 255, 5, 3]), u8([7, 1, 6, 0]))), [128, 254, 64, 3]);
    same(vals(u8([128, 255, 5, 3]).bitwiseRightShift(u8([7, 1, 6, 0]))), [1, 127, 0, 3]);
    // a number count; torch.bitwise_left_shift(3, uint8 tensor [1]) is uint8 [6]
    same(vals(fl.bitwiseLeftShift(3, u8([1]))), [6]);
    same(vals(fl.bitwiseLeftShift(u8([5]), 9)), [0]);  // torch 1.13 too: 5 << 9 does not fit a byte
  }));
  test('counts < 0 or >= the width: all bits shifted out (torch >= 2.1 semantics)', () => fl.scope(() => {
    // a naive reference of the defined semantics (torch 1.13 left these to x86, which took them mod 32)
    const shl = (a: number, b: number, w: number): number => (b < 0 || b >= w ? 0 : w === 32 ? (a << b) | 0 : (a << b) & 255);
    const shr = (a: number, b: number, w: number): number => (b < 0 || b >= w ? (a < 0 ? -1 : 0) : a >> b);
    const a = [1, -1, 5, 7, INT_MIN, 2 ** 30], b = [32, 33, -1, 40, 100, -5];
    same(vals(fl.bitwiseLeftShift(i32(a), i32(b))), a.map((x, i) => shl(x, b[i], 32)));
    same(vals(fl.bitwiseRightShift(i32(a), i32(b))), a.map((x, i) => shr(x, b[i], 32)));
    same(vals(fl.bitwiseRightShift(i32(a), i32(b))), [0, -1, 0, 0, -1, 0]);
    const ua = [1, 255, 5, 7], ub = [8, 9, 200, 33];
    same(vals(fl.bitwiseLeftShift(u8(ua), u8(ub))), [0, 0, 0, 0]);
    same(vals(fl.bitwiseRightShift(u8(ua), u8(ub))), [0, 0, 0, 0]);
    // a naive loop over every count from -3 to 40
    const counts = Array.from({ length: 44 }, (_, i) => i - 3);
    same(vals(fl.bitwiseLeftShift(i32(counts.map(() => -3)), i32(counts))), counts.map((c) => shl(-3, c, 32)));
    same(vals(fl.bitwiseRightShift(i32(counts.map(() => -12345)), i32(counts))), counts.map((c) => shr(-12345, c, 32)));
  }));
});

describe('gcd / lcm', () => {
  test('against torch 1.13: zeros, negatives, INT_MIN', () => fl.scope(() => {
    const a = i32([0, 0, -4, 6, INT_MIN, 7, 12, -15, INT_MAX, INT_MIN]), b = i32([0, -6, -6, 0, 0, INT_MIN, 18, -25, INT_MAX, 1]);
    // torch.gcd(a, b) (int32): gcd(INT_MIN, 0) stays INT_MIN (|INT_MIN| wraps)
    same(vals(fl.gcd(a, b)), [0, 6, 2, 6, INT_MIN, 1, 6, 5, INT_MAX, 1]);
    // torch.lcm(a, b): |a / g * b| wrapping
    same(vals(a.lcm(b)), [0, 0, 12, 0, 0, INT_MIN, 36, 75, INT_MAX, INT_MIN]);
    // torch.lcm(int32 [2**16], [2**16 + 1]) wraps to 65536
    same(vals(fl.lcm(i32([65536, -3, 7]), i32([65537, 5, -3]))), [65536, 15, 21]);
    same(vals(fl.gcd(u8([12, 0, 255, 200]), u8([200, 0, 17, 0]))), [4, 0, 17, 200]);
    same(vals(fl.lcm(u8([12, 0, 255, 200]), u8([200, 0, 17, 3]))), [88, 0, 255, 88]);
  }));
  test('a naive Euclid over random pairs, broadcast', () => fl.scope(() => {
    const r = rng(5);
    const a = Array.from({ length: 40 }, () => Math.floor((r() - 0.5) * 2000)), b = Array.from({ length: 5 }, () => Math.floor((r() - 0.5) * 600));
    const g = (x: number, y: number): number => { x = Math.abs(x); y = Math.abs(y); while (x) [x, y] = [y % x, x]; return y; };
    const got = vals(fl.gcd(i32(a).reshape([8, 5]), i32(b)));
    same(got, a.map((x, i) => g(x, b[i % 5])));
    const l = vals(fl.lcm(i32(a).reshape([8, 5]), i32(b)));
    same(l, a.map((x, i) => { const d = g(x, b[i % 5]); return d === 0 ? 0 : Math.abs((x / d) * b[i % 5]); }));
  }));
});

describe('nextafter', () => {
  test('float32 bits and float64 values against torch 1.13 (0, ±inf, NaN, the largest float)', () => fl.scope(() => {
    const x = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1, 3.4028234663852886e38, 1e-45];
    const y = [1, -1, 2, 0, 0, 0, 1, NaN, Infinity, 0];
    // torch.nextafter(x, y) in float32, as the bits of each result
    same(bitsF32(fl.nextafter(on(x, 'float32'), on(y, 'float32'))),
      [1, 2147483649, 1065353217, 3212836863, 2139095039, 4286578687, 2143289344, 2143289344, 2139095040, 0]);
    // (torch's float64 call took the float32 values: 1e-45 is the float32 subnormal 2^-149 there)
    same(f64(fl.nextafter(on(x.map(Math.fround), 'float64'), on(y, 'float64'))),
      [5e-324, -5e-324, 1.0000000000000002, -0.9999999999999999, 1.7976931348623157e308, -1.7976931348623157e308, NaN, NaN, 3.402823466385289e38, 1.4012984643248169e-45]);
    // bfloat16 steps in its own bits: torch.nextafter(bf16 [1, 0, -1, 2.5, inf, -0], [0, -1, 2, 2.5, 0, 1])
    const b = fl.nextafter(on([1, 0, -1, 2.5, Infinity, -0], 'bfloat16'), on([0, -1, 2, 2.5, 0, 1], 'bfloat16'));
    expect(b.dtype).toBe('bfloat16');
    same(f64(b), [0.99609375, -9.183549615799121e-41, -0.99609375, 2.5, 3.3895313892515355e38, 9.183549615799121e-41]);
    // promotion: float32 beside float64 gives float64; x == y gives y
    const p = fl.nextafter(on([2], 'float32'), on([2], 'float64'));
    expect(p.dtype).toBe('float64');
    same(f64(p), [2]);
    const t = on([1, 2], 'float64');
    t.nextafter_(on([0], 'float64'));
    same(f64(t), [0.9999999999999999, 1.9999999999999998]);
  }));
  test('refusals and a backward that fails as torch 1.13\'s', () => fl.scope(() => {
    expect(() => fl.nextafter(i32([1]), i32([2]))).toThrow(/nextafter: not implemented for int32/);
    expect(() => fl.nextafter(on([1], 'float16'), on([2], 'float16'))).toThrow(fl.DTypeError);
    expect(() => fl.nextafter(on([1], 'float32'), 2 as unknown as fl.Tensor)).toThrow(/nextafter: input and other must be Tensors/);
    const x = on([1], 'float64').requiresGrad_();
    const y = fl.nextafter(x, on([2], 'float64'));
    expect(() => y.sum().backward()).toThrow(/nextafter: the derivative is not implemented/);
  }));
});

describe('ldexp / frexp', () => {
  test('ldexp against torch 1.13, with its gradients', () => fl.scope(() => {
    // torch.ldexp(int32 [1, 2, -3], int32 [3, -1, 0]) -> float32 [8, 1, -3]
    const r = fl.ldexp(i32([1, 2, -3]), i32([3, -1, 0]));
    expect(r.dtype).toBe('float32');
    same(f64(r), [8, 1, -3]);
    // torch.ldexp(float64 [1.5], int [-1074]) is 0: 2^other is float32 there
    same(f64(fl.ldexp(on([1.5], 'float64'), i32([-1074]))), [0]);
    // d/dx = 2^e, d/de = x·2^e·ln 2: torch.autograd.grad(ldexp(x, e), [x, e], [1, 3])
    const x = on([1.5, -2], 'float64').requiresGrad_(), e = on([2, -1], 'float64').requiresGrad_();
    const [gx, ge] = fl.autograd.grad(fl.ldexp(x, e), [x, e], { gradOutputs: on([1, 3], 'float64') });
    expectClose(gx!, [4, 1.5], 'float64');
    expectClose(ge!, [4.1588830833596715, -2.0794415416798357], 'float64');
    expect(fl.gradcheck((a: fl.Tensor, b: fl.Tensor) => a.ldexp(b), [on([0.3, -1.2], 'float64').requiresGrad_(), on([1.5, -0.5], 'float64').requiresGrad_()])).toBe(true);
    const t = on([1, 2], 'float32');
    t.ldexp_(i32([2, -1]));
    same(f64(t), [4, 1]);
    expect(() => i32([1]).ldexp_(i32([1]))).toThrow(fl.DTypeError);
    expect(() => fl.ldexp(on([1], 'float32'), 3 as unknown as fl.Tensor)).toThrow(/ldexp: other must be a Tensor/);
  }));
  test('frexp against torch 1.13: 0, -0, ±inf, NaN, subnormals, float16', () => fl.scope(() => {
    const x = on([0, -0, Infinity, -Infinity, NaN, 1e-40, 8, -3, 0.1, 1, 3.4e38], 'float32');
    const { mantissa, exponent } = fl.frexp(x);
    expect(mantissa.dtype).toBe('float32');
    expect(exponent.dtype).toBe('int32');
    same(f64(mantissa), [0, -0, Infinity, -Infinity, NaN, 0.5444488525390625, 0.5, -0.75, 0.800000011920929, 0.5, 0.999170184135437]);
    same(vals(exponent), [0, 0, 0, 0, 0, -132, 4, 2, -3, 1, 128]);
    // torch.frexp(float64 [5e-324, 1e-310, -2.5, 1e300, 0.75])
    const [m64, e64] = on([5e-324, 1e-310, -2.5, 1e300, 0.75], 'float64').frexp();
    same(f64(m64), [0.5, 0.5752618031559393, -0.625, 0.7466108948025751, 0.75]);
    same(vals(e64), [-1073, -1029, 2, 997, 0]);
    const [m16, e16] = fl.frexp(on([6e-8, 1000, -0.1], 'float16'));
    expect(m16.dtype).toBe('float16');
    same(f64(m16), [0.5, 0.9765625, -0.7998046875]);
    same(vals(e16), [-23, 10, -3]);
    // mantissa · 2^exponent gives x back (a naive check over random values)
    const r = rng(3), v = Array.from({ length: 64 }, () => (r() - 0.5) * 10 ** Math.floor(r() * 60 - 30));
    const [m, e] = fl.frexp(on(v, 'float64'));
    same(f64(fl.ldexp(m, e)), v);
    expect(() => fl.frexp(i32([1]))).toThrow(/frexp: only floating-point dtypes are supported/);
  }));
  test('frexp\'s gradient: g / 2^exponent', () => fl.scope(() => {
    // torch.autograd.grad(torch.frexp(x).mantissa, x, [1, 2, 3]) for x = [0, 3, -0.1]
    const x = on([0, 3, -0.1], 'float64').requiresGrad_();
    const [g] = fl.autograd.grad(fl.frexp(x).mantissa, [x], { gradOutputs: on([1, 2, 3], 'float64') });
    expectClose(g!, [1, 0.5, 24], 'float64');
  }));
});

describe('igamma / igammac', () => {
  test('the top-level names of fl.special.gammainc / gammaincc', () => fl.scope(() => {
    const a = on([0.5, 2, 3], 'float64'), x = on([1, 0.5, 4], 'float64');
    // torch.igamma(a, x), torch.igammac(a, x)
    expectClose(fl.igamma(a, x), [0.8427007929497151, 0.09020401043104986, 0.7618966944464557], 'float64');
    expectClose(a.igammac(x), [0.15729920705028505, 0.9097959895689501, 0.2381033055535443], 'float64');
    const t = a.clone();
    t.igamma_(x);
    expectClose(t, [0.8427007929497151, 0.09020401043104986, 0.7618966944464557], 'float64');
    expect(() => fl.igamma(i32([1]), i32([1]))).toThrow(fl.DTypeError);
  }));
});

// ---- scatterReduce -------------------------------------------------------------------------------------

describe('scatterReduce', () => {
  // x [2, 4], index [2, 5] with duplicates, src [2, 5]; along dim 1, loss sum(out * W)
  const X = [1, -2, 3, 0.5, 4, 0, -1, 2], IDX = [0, 2, 0, 3, 0, 1, 1, 3, 3, 3];
  const SRC = [5, -1, 2, 2, 0.5, -3, 0, 4, -2, 4], W = [1, 2, 3, 4, -1, 0.5, 2, 3];
  // [reduce, includeSelf, out, dL/dx, dL/dsrc]: x.scatter_reduce(1, idx, src, reduce, include_self=…), torch.autograd.grad((r * W).sum(), [x, src])
  const GOLDEN: [fl.ScatterReduceOp, boolean, number[], number[], number[]][] = [
    ['sum', true, [8.5, -2.0, 2.0, 2.5, 4.0, -3.0, -1.0, 8.0], [1.0, 2.0, 3.0, 4.0, -1.0, 0.5, 2.0, 3.0], [1.0, 3.0, 1.0, 4.0, 1.0, 0.5, 0.5, 3.0, 3.0, 3.0]],
    ['sum', false, [7.5, -2.0, -1.0, 2.0, 4.0, -3.0, -1.0, 6.0], [0.0, 2.0, 0.0, 0.0, -1.0, 0.0, 2.0, 0.0], [1.0, 3.0, 1.0, 4.0, 1.0, 0.5, 0.5, 3.0, 3.0, 3.0]],
    ['prod', true, [5.0, -2.0, -3.0, 1.0, 4.0, -0.0, -1.0, -64.0], [5.0, 2.0, -3.0, 8.0, -1.0, -0.0, 2.0, -96.0], [1.0, 9.0, 2.5, 2.0, 10.0, 0.0, -0.0, -48.0, 96.0, -48.0]],
    ['prod', false, [5.0, -2.0, -1.0, 2.0, 4.0, -0.0, -1.0, -32.0], [0.0, 2.0, 0.0, 0.0, -1.0, 0.0, 2.0, 0.0], [1.0, 3.0, 2.5, 4.0, 10.0, 0.0, -1.5, -24.0, 48.0, -24.0]],
    ['mean', true, [2.125, -2.0, 1.0, 1.25, 4.0, -1.0, -1.0, 2.0], [0.25, 2.0, 1.5, 2.0, -1.0, 0.16666666666666666, 2.0, 0.75], [0.25, 1.5, 0.25, 2.0, 0.25, 0.16666666666666666, 0.16666666666666666, 0.75, 0.75, 0.75]],
    ['mean', false, [2.5, -2.0, -1.0, 2.0, 4.0, -1.5, -1.0, 2.0], [0.0, 2.0, 0.0, 0.0, -1.0, 0.0, 2.0, 0.0], [0.3333333333333333, 3.0, 0.3333333333333333, 4.0, 0.3333333333333333, 0.25, 0.25, 1.0, 1.0, 1.0]],
    ['amax', true, [5.0, -2.0, 3.0, 2.0, 4.0, 0.0, -1.0, 4.0], [0.0, 2.0, 3.0, 0.0, -1.0, 0.25, 2.0, 0.0], [1.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.25, 1.5, 0.0, 1.5]],
    ['amax', false, [5.0, -2.0, -1.0, 2.0, 4.0, 0.0, -1.0, 4.0], [0.0, 2.0, 0.0, 0.0, -1.0, 0.0, 2.0, 0.0], [1.0, 3.0, 0.0, 4.0, 0.0, 0.0, 0.25, 1.5, 0.0, 1.5]],
    ['amin', true, [0.5, -2.0, -1.0, 0.5, 4.0, -3.0, -1.0, -2.0], [0.0, 2.0, 0.0, 4.0, -1.0, 0.0, 2.0, 0.0], [0.0, 3.0, 0.0, 0.0, 1.0, 0.5, 0.0, 0.0, 3.0, 0.0]],
    ['amin', false, [0.5, -2.0, -1.0, 2.0, 4.0, -3.0, -1.0, -2.0], [0.0, 2.0, 0.0, 0.0, -1.0, 0.0, 2.0, 0.0], [0.0, 3.0, 0.0, 4.0, 1.0, 0.5, 0.0, 0.0, 3.0, 0.0]],
  ];
  test.each(GOLDEN)('%s includeSelf=%s: values and gradients against torch 1.13', (reduce, includeSelf, out, gx, gs) => fl.scope(() => {
    const x = on(X, 'float64', [2, 4]).requiresGrad_(), src = on(SRC, 'float64', [2, 5]).requiresGrad_();
    const r = fl.scatterReduce(x, 1, on(IDX, 'int32', [2, 5]), src, reduce, { includeSelf });
    expectClose(r, out, 'float64');
    const [ga, gb] = fl.autograd.grad(r.mul(on(W, 'float64', [2, 4])).sum(), [x, src]);
    expectClose(ga!, gx, 'float64');
    expectClose(gb!, gs, 'float64');
    // the float32 forward, and the method form with a negative dim
    expectClose(on(X, 'float32', [2, 4]).scatterReduce(-1, on(IDX, 'int32', [2, 5]), on(SRC, 'float32', [2, 5]), reduce, { includeSelf }), out, 'float32');
  }));
  test('integer and bool dtypes against torch 1.13 (mean floors, uint8 wraps)', () => fl.scope(() => {
    const xi = on([7, -3, 0, 2, 9, -8], 'int32', [2, 3]), ii = on([0, 0, 2, 2, 1, 0, 1, 1], 'int32', [2, 4]), si = on([4, -5, 6, 1, 3, -7, 2, 10], 'int32', [2, 4]);
    const want: Record<string, [number[], number[]]> = {  // torch: xi.scatter_reduce(1, ii, si, r, include_self=True / False)
      sum: [[6, -3, 7, -5, 24, -8], [-1, -3, 7, -7, 15, -8]],
      prod: [[-140, -3, 0, -14, 540, -8], [-20, -3, 6, -7, 60, -8]],
      mean: [[2, -3, 2, -3, 6, -8], [-1, -3, 3, -7, 5, -8]],
      amax: [[7, -3, 6, 2, 10, -8], [4, -3, 6, -7, 10, -8]],
      amin: [[-5, -3, 0, -7, 2, -8], [-5, -3, 1, -7, 2, -8]],
    };
    const wantU8: Record<string, [number[], number[]]> = {  // torch uint8 [7, 200, 0], index [0, 0, 1, 1], src [40, 9, 100, 3]
      sum: [[56, 47, 0], [49, 103, 0]], prod: [[216, 96, 0], [104, 44, 0]], mean: [[18, 15, 0], [24, 51, 0]],
      amax: [[40, 200, 0], [40, 100, 0]], amin: [[7, 3, 0], [9, 3, 0]],
    };
    for (const r of Object.keys(want) as fl.ScatterReduceOp[]) {
      for (const inc of [true, false]) {
        const o = fl.scatterReduce(xi, 1, ii, si, r, { includeSelf: inc });
        expect(o.dtype).toBe('int32');
        same(vals(o), want[r][inc ? 0 : 1]);
        same(vals(fl.scatterReduce(u8([7, 200, 0]), 0, i32([0, 0, 1, 1]), u8([40, 9, 100, 3]), r, { includeSelf: inc })), wantU8[r][inc ? 0 : 1]);
      }
    }
    // torch bool: sum/amax are or, prod/amin and
    const xb = on([true, false, true], 'bool'), ib = i32([0, 1, 1, 2]), sb = on([false, true, false, false], 'bool');
    same(vals(fl.scatterReduce(xb, 0, ib, sb, 'sum')), [1, 1, 1]);
    same(vals(fl.scatterReduce(xb, 0, ib, sb, 'amax', { includeSelf: false })), [0, 1, 0]);
    same(vals(fl.scatterReduce(xb, 0, ib, sb, 'amin')), [0, 0, 0]);
  }));
  test('NaN wins amax / amin, ±inf, float16 mean', () => fl.scope(() => {
    // torch.tensor([1., 2., 3.]).scatter_reduce(0, [0, 0, 1, 2], [nan, 5, inf, -inf], 'amax', include_self=False)
    same(f64(fl.scatterReduce(on([1, 2, 3], 'float32'), 0, i32([0, 0, 1, 2]), on([NaN, 5, Infinity, -Infinity], 'float32'), 'amax', { includeSelf: false })), [NaN, Infinity, -Infinity]);
    same(f64(fl.scatterReduce(on([NaN, 2, 3], 'float32'), 0, i32([0, 0, 1, 2]), on([1, 5, Infinity, -Infinity], 'float32'), 'amin')), [NaN, 2, -Infinity]);
    same(f64(fl.scatterReduce(on([1, 2, 3], 'float16'), 0, i32([0, 0, 1]), on([2, 3.5, 1], 'float16'), 'mean')), [2.166015625, 1.5, 3]);
  }));
  test('a float64 naive reference over random indices with many duplicates, 3-D, every dim', () => fl.scope(() => {
    const r = rng(11), shape = [3, 4, 5];
    const x = Array.from({ length: 60 }, () => Math.round((r() - 0.5) * 8) / 2);
    for (const d of [0, 1, 2]) {
      const ishape = shape.slice(); ishape[d] = 7;
      const n = ishape.reduce((a, b) => a * b, 1);
      const idx = Array.from({ length: n }, () => Math.floor(r() * shape[d]));
      const src = Array.from({ length: n }, () => Math.round((r() - 0.5) * 8) / 2);
      for (const reduce of ['sum', 'prod', 'mean', 'amax', 'amin'] as fl.ScatterReduceOp[]) {
        for (const inc of [true, false]) {
          const acc = x.map((v) => [v]), touched = x.map(() => false);
          for (let i = 0; i < n; i++) {
            const c = [Math.floor(i / (ishape[1] * ishape[2])), Math.floor(i / ishape[2]) % ishape[1], i % ishape[2]];
            c[d] = idx[i];
            const t = (c[0] * shape[1] + c[1]) * shape[2] + c[2];
            if (!inc && !touched[t]) acc[t] = [];
            touched[t] = true;
            acc[t].push(src[i]);
          }
          const want = acc.map((vs) => (reduce === 'sum' ? vs.reduce((a, b) => a + b, 0) : reduce === 'prod' ? vs.reduce((a, b) => a * b, 1)
            : reduce === 'mean' ? vs.reduce((a, b) => a + b, 0) / vs.length : reduce === 'amax' ? Math.max(...vs) : Math.min(...vs)));
          const got = fl.scatterReduce(on(x, 'float64', shape), d, on(idx, 'int32', ishape), on(src, 'float64', ishape), reduce, { includeSelf: inc });
          expectClose(got, want, 'float64');
        }
      }
    }
  }));
  test('gradcheck of every reduction (float64, distinct values), src larger than the index', () => fl.scope(() => {
    const x = on([0.3, -1.1, 0.7, 1.9, -0.4, 0.8], 'float64', [2, 3]).requiresGrad_();
    const src = on([1.3, -0.6, 0.45, -1.7, 2.2, 0.9, 1.05, -0.35], 'float64', [2, 4]).requiresGrad_();
    const idx = on([0, 2, 0, 1, 1, 1], 'int32', [2, 3]);
    for (const reduce of ['sum', 'prod', 'mean', 'amax', 'amin'] as fl.ScatterReduceOp[]) {
      for (const includeSelf of [true, false]) {
        expect(fl.gradcheck((a: fl.Tensor, s: fl.Tensor) => fl.scatterReduce(a, 1, idx, s, reduce, { includeSelf }), [x, src])).toBe(true);
      }
    }
  }));
  test('prod gradients with zeros in src and self (torch 1.13)', () => fl.scope(() => {
    // x = [0, 2, 3], index [1, 0, 2, 2], src [0, 4, 0, 5]; grad [1, 2, 3]
    const want: [boolean, number[], number[], number[]][] = [
      [true, [0, 0, 0], [4, 0, 0], [4, 0, 45, 0]],
      [false, [4, 0, 0], [0, 0, 0], [2, 1, 15, 0]],
    ];
    for (const [includeSelf, out, gx, gs] of want) {
      const x = on([0, 2, 3], 'float64').requiresGrad_(), s = on([0, 4, 0, 5], 'float64').requiresGrad_();
      const r = fl.scatterReduce(x, 0, i32([1, 0, 2, 2]), s, 'prod', { includeSelf });
      expectClose(r, out, 'float64');
      const [a, b] = fl.autograd.grad(r, [x, s], { gradOutputs: on([1, 2, 3], 'float64') });
      expectClose(a!, gx, 'float64');
      expectClose(b!, gs, 'float64');
    }
  }));
  test('second derivatives flow through sum / mean / amax (createGraph), against central differences of the first', () => fl.scope(() => {
    const xv = [0.3, -1.1, 0.7], s = on([1.3, -0.6, 0.45, -1.7], 'float64'), idx = i32([0, 2, 0, 1]);
    for (const reduce of ['sum', 'mean', 'amax'] as fl.ScatterReduceOp[]) {
      const f = (a: fl.Tensor) => fl.scatterReduce(a, 0, idx, s, reduce).square().sum();
      // Σ_i ∂f/∂x_i at x, by autograd (a number)
      const firstSum = (v: number[]): number => fl.scope(() => {
        const a = on(v, 'float64').requiresGrad_();
        return fl.autograd.grad(f(a), [a])[0]!.sum().item();
      });
      const x = on(xv, 'float64').requiresGrad_();
      const [ga] = fl.autograd.grad(f(x), [x], { createGraph: true });
      const [gg] = fl.autograd.grad(ga!.sum(), [x]);
      const h = 1e-6;
      const want = xv.map((_, i) => (firstSum(xv.map((v, j) => v + (i === j ? h : 0))) - firstSum(xv.map((v, j) => v - (i === j ? h : 0)))) / (2 * h));
      expectClose(gg!, want, 'float32');
    }
  }));
  test('in place, empty index, 0-dim, and refusals', () => fl.scope(() => {
    const t = on([1, 2, 3], 'float32');
    expect(t.scatterReduce_(0, i32([0, 0, 2]), on([4, 5, 6], 'float32'), 'amax')).toBe(t);
    same(f64(t), [5, 2, 6]);
    t.scatterReduce_(0, i32([1, 1]), on([4, 5], 'float32'), 'mean', { includeSelf: false });
    same(f64(t), [5, 4.5, 6]);
    // torch: an empty index leaves the input; 0-dim input, index and src
    same(f64(fl.scatterReduce(on([1, 2], 'float32'), 0, on([], 'int32'), on([], 'float32'), 'mean')), [1, 2]);
    const z = fl.scatterReduce(on([1], 'float32').reshape([]), 0, i32([0]).reshape([]), on([3], 'float32').reshape([]), 'sum');
    expect(z.shape).toEqual([]);
    same(f64(z), [4]);
    const x = on([1, 2], 'float32');
    expect(() => fl.scatterReduce(x, 0, i32([0, 5]), on([3, 1], 'float32'), 'sum').dataSync()).toThrow(fl.IndexError);
    expect(() => fl.scatterReduce(x, 0, i32([0, 5]), on([3, 1], 'float32'), 'amax', { includeSelf: false }).dataSync()).toThrow(/scatterReduce: index 5 is out of bounds for dim 0 with size 2/);
    expect(() => fl.scatterReduce(x, 0, i32([0, -1]), on([3, 1], 'float32'), 'prod').dataSync()).toThrow(/scatterReduce: index -1 is out of bounds/);
    expect(() => fl.scatterReduce(x, 0, i32([0, 1]), on([3, 1], 'float32'), 'max' as fl.ScatterReduceOp)).toThrow(fl.ValueError);
    expect(() => fl.scatterReduce(x, 0, i32([0, 1]), i32([3, 1]), 'sum')).toThrow(fl.DTypeError);
    expect(() => fl.scatterReduce(x, 0, on([0, 1], 'float32'), on([3, 1], 'float32'), 'sum')).toThrow(/scatterReduce: index must be an int32 tensor/);
    expect(() => fl.scatterReduce(x, 0, i32([0, 0]), on([3], 'float32'), 'amax')).toThrow(fl.ShapeError);
    expect(() => fl.scatterReduce(x, 2, i32([0]), on([3], 'float32'), 'sum')).toThrow(fl.IndexError);
    expect(() => fl.scatterReduce(x, 0, i32([0]), on([3], 'float32'), 'sum', { includeSelf: 1 as unknown as boolean })).toThrow(fl.ValueError);
    expect(() => fl.scatterReduce(x, 0, i32([0]), on([3], 'float32'), 'sum', { inclusive: true } as never)).toThrow(/scatterReduce: unknown option 'inclusive'/);
    // an in-place scatterReduce_ that fails leaves its tensor unchanged
    const u = on([1, 2], 'float32');
    expect(() => { u.scatterReduce_(0, i32([1, 7]), on([3, 1], 'float32'), 'amax', { includeSelf: false }); u.dataSync(); }).toThrow(fl.IndexError);
    same(f64(u), [1, 2]);
  }));
});
