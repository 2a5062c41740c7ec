// gelu_backward.test.ts — GELU's fused gradient (the binary ops 'geluBackward' and
// 'geluTanhBackward': g·gelu'(x) in one native pass). References: the derivative written out in
// float64 JS (erf from optable.ts), on the dtype-rounded inputs, within helpers.TOL; central finite
// differences of gelu itself (float64); the op's own gradient (the double backward's formulas)
// against finite differences of the op; autograd's x.grad of gelu through the fused op.
import * as fl from '../lib';
import { gradcheck } from '../lib/gradcheck';
import { DEVICE, TOL, expectClose, makeLayout, randomArray, roundTo } from './helpers';
import { erf } from './optable';

const K = Math.sqrt(2 / Math.PI), KAPPA = 0.044715;
/** gelu'(x), exact: Φ(x) + x·φ(x). */
const dErf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
/** gelu'(x) of the tanh approximation 0.5x(1 + tanh(k(x + κx³))), differentiated by hand. */
const dTanh = (x: number): number => {
  const t = Math.tanh(K * (x + KAPPA * x ** 3));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * KAPPA * x * x);
};
/** gelu(x) in float64 (for the finite differences of the reference derivatives). */
const geluRef = (x: number, tanh: boolean): number => (tanh ? 0.5 * x * (1 + Math.tanh(K * (x + KAPPA * x ** 3))) : 0.5 * x * (1 + erf(x / Math.SQRT2)));

/**
 * The tanh form in float32 on a GPU: tanhf there is CUDA's, within 2 ulp of the correctly rounded
 * value (CUDA C++ Programming Guide, "Mathematical Functions" appendix; test/emu models it), and for
 * x below about -3 the formula cancels (1 + t and 1 - t² with t near -1), so t's error
 * δt <= 2 ulp(t) <= 2^-23 reaches the result times |∂/∂t| = |g|·(1/2 + |x·t|·k(1 + 3κx²)): up to
 * ~4e-6 for |x| <= 5, |g| <= 2, beyond helpers.TOL's float32 bound. That term is added to the
 * tolerance (with the CPU's own scale of 2); the CPU is held to helpers.TOL alone.
 */
function expectCloseTanhGpu(y: fl.Tensor, xs: number[], gs: number[]): void {
  const got = Array.from(y.dataSync() as Float32Array);
  const [rtol, atol] = TOL.float32;
  const bad: string[] = [];
  xs.forEach((x, i) => {
    const want = gs[i] * dTanh(x), t = Math.tanh(K * (x + KAPPA * x ** 3));
    const tanhTerm = Math.abs(gs[i]) * (0.5 + Math.abs(x * t) * K * (1 + 3 * KAPPA * x * x)) * 2 ** -23;
    const tol = 2 * (atol + rtol * Math.abs(want)) + tanhTerm;
    if (!(Math.abs(got[i] - want) <= tol)) bad.push(`element ${i} (x ${x}): expected ${want}, got ${got[i]}, tol ${tol}`);
  });
  expect(bad).toEqual([]);
}

const FLOATS: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16'];
const MODES: ['none' | 'tanh', (x: number) => number][] = [['none', dErf], ['tanh', dTanh]];

describe('geluBackward: g·gelu\'(x) against the float64 derivative', () => {
  test('the hand-written reference derivatives agree with finite differences of gelu', () => {
    for (const [mode, d] of MODES) {
      for (const x of [-6, -3.1, -1, -0.2, 0, 0.3, 1.7, 4.5]) {
        const h = 1e-5, num = (geluRef(x + h, mode === 'tanh') - geluRef(x - h, mode === 'tanh')) / (2 * h);
        expect(Math.abs(d(x) - num)).toBeLessThan(1e-8);
      }
    }
  });
  for (const [mode, d] of MODES) {
    for (const dtype of FLOATS) {
      for (const layout of ['contiguous', 'permuted', 'sliced'] as const) {
        test(`${mode} ${dtype} ${layout}`, () => fl.scope(() => {
          const shape = [4, 5, 6], n = 120;
          const xs = roundTo(randomArray(n, 31, -5, 5), dtype), gs = roundTo(randomArray(n, 32, -2, 2), dtype);
          const x = makeLayout(xs, shape, dtype, layout), g = makeLayout(gs, shape, dtype, layout, 1);
          const y = fl.geluBackward(g, x, mode);
          expect(y.dtype).toBe(dtype);
          expect(y.shape).toEqual(shape);
          if (mode === 'tanh' && dtype === 'float32' && DEVICE !== 'cpu') expectCloseTanhGpu(y, xs, gs);
          else expectClose(y, xs.map((v, i) => gs[i] * d(v)), dtype, dtype === 'float32' ? 2 : 1);
        }));
      }
    }
    test(`${mode}: broadcasting the gradient, and the extreme values (NaN propagates, tails go to 0 and 1)`, () => fl.scope(() => {
      const xs = [-30, -12, -8, 0, 8, 12, 30, NaN];
      const x = fl.tensor(xs, { dtype: 'float32', device: DEVICE });
      const g = fl.tensor([[1], [-2]], { dtype: 'float32', device: DEVICE });
      const y = fl.geluBackward(g, x, mode);
      expect(y.shape).toEqual([2, 8]);
      expectClose(y, [...xs.map((v) => d(v)), ...xs.map((v) => -2 * d(v))], 'float32');
    }));
  }
  test('autograd: x.grad of gelu(x)·w is w·gelu\'(x) (the fused op behind gelu\'s gradient), both devices\' dtypes', () => {
    for (const [mode, d] of MODES) {
      for (const dtype of ['float32', 'float64'] as const) {
        fl.scope(() => {
          const xs = roundTo(randomArray(64, 41, -4, 4), dtype), ws = roundTo(randomArray(64, 42, -1, 1), dtype);
          const x = fl.tensor(xs, { dtype, device: DEVICE }).reshape([8, 8]).requiresGrad_();
          const w = fl.tensor(ws, { dtype, device: DEVICE }).reshape([8, 8]);
          fl.gelu(x, mode).mul(w).sum().backward();
          expectClose(x.grad!, xs.map((v, i) => ws[i] * d(v)), dtype);
        });
      }
    }
  });
  test('gelu\'s gradient against finite differences (float64), both approximations', () => {
    for (const mode of ['none', 'tanh'] as const) {
      fl.scope(() => {
        const x = fl.tensor(randomArray(24, 43, -4, 4), { dtype: 'float64', device: DEVICE }).reshape([4, 6]).requiresGrad_();
        expect(gradcheck((t: fl.Tensor) => fl.gelu(t, mode), [x])).toBe(true);
      });
    }
  });
  test('the op\'s own gradient (gelu\'s second derivative, for a double backward) against finite differences (float64)', () => {
    for (const mode of ['none', 'tanh'] as const) {
      fl.scope(() => {
        const x = fl.tensor(randomArray(24, 44, -4, 4), { dtype: 'float64', device: DEVICE }).reshape([4, 6]).requiresGrad_();
        const g = fl.tensor(randomArray(24, 45, -2, 2), { dtype: 'float64', device: DEVICE }).reshape([4, 6]).requiresGrad_();
        expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.geluBackward(a, b, mode), [g, x])).toBe(true);
        // a broadcast gradient operand is summed back to its shape
        const g1 = fl.tensor(randomArray(6, 46, -2, 2), { dtype: 'float64', device: DEVICE }).requiresGrad_();
        expect(gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.geluBackward(a, b, mode), [g1, x])).toBe(true);
      });
    }
  });
  test('bad input: a typed error naming the op', () => fl.scope(() => {
    const x = fl.zeros([2, 3], { device: DEVICE }), g = fl.zeros([4], { device: DEVICE });
    expect(() => fl.geluBackward(g, x)).toThrow(fl.ShapeError);
    expect(() => fl.geluBackward(x, x, 'fast' as 'tanh')).toThrow(/geluBackward: approximate/);
    expect(() => (fl.geluBackward as (...a: unknown[]) => fl.Tensor)(x, x, 'none', 1)).toThrow(fl.ValueError);
  }));
});
