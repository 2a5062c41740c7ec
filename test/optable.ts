// optable.ts — the elementwise op table: each op with an independent float64 reference written
// here (plain Math), the dtypes it accepts and its input domain. test/elementwise.test.ts runs
// every entry on every dtype, shape and layout on DEVICE; the GPU backend runs the same table.
// Entries with `gradAt` also get a finite-difference gradcheck (test/gradcheck.test.ts).
import * as fl from '../lib';

export interface UnaryCase {
  name: string;
  fn: (x: fl.Tensor) => fl.Tensor;
  ref: (x: number) => number;
  dtypes: fl.DType[];
  domain?: [number, number];
  outBool?: boolean;
  /** Points (float64, away from kinks and poles) where test/gradcheck.test.ts checks the gradient by finite differences. */
  gradAt?: number[];
}
export interface BinaryCase {
  name: string;
  fn: (a: fl.Tensor, b: fl.Tensor | number) => fl.Tensor;
  ref: (a: number, b: number) => number;
  dtypes: fl.DType[];
  domainA?: [number, number];
  domainB?: [number, number];
  outBool?: boolean;
  /** result dtype for int inputs when not the input dtype */
  floatResult?: boolean;
}

const F: fl.DType[] = ['float32', 'float64', 'float16', 'bfloat16'];
const FI: fl.DType[] = [...F, 'int32', 'uint8'];

/** erf in float64 (a reference for the tests). */
export function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is too coarse; use a series / continued fraction in float64.
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = x, term = x;
    for (let n = 1; n < 100; n++) {
      term *= -x * x / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // continued fraction for erfc
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const roundHalfEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

export const UNARY_CASES: UnaryCase[] = [
  { name: 'neg', fn: fl.neg, ref: (x) => -x, dtypes: [...F, 'int32'] },
  { name: 'abs', fn: fl.abs, ref: Math.abs, dtypes: [...F, 'int32'] },
  { name: 'sign', fn: fl.sign, ref: Math.sign, dtypes: [...F, 'int32'] },
  { name: 'exp', fn: fl.exp, ref: Math.exp, dtypes: F, domain: [-5, 5] },
  { name: 'log', fn: fl.log, ref: Math.log, dtypes: F, domain: [0.01, 10] },
  { name: 'log1p', fn: fl.log1p, ref: Math.log1p, dtypes: F, domain: [-0.9, 10] },
  { name: 'expm1', fn: fl.expm1, ref: Math.expm1, dtypes: F, domain: [-3, 3] },
  { name: 'sqrt', fn: fl.sqrt, ref: Math.sqrt, dtypes: F, domain: [0, 10] },
  { name: 'rsqrt', fn: fl.rsqrt, ref: (x) => 1 / Math.sqrt(x), dtypes: F, domain: [0.1, 10] },
  { name: 'square', fn: fl.square, ref: (x) => x * x, dtypes: [...F, 'int32'] },
  { name: 'sin', fn: fl.sin, ref: Math.sin, dtypes: F },
  { name: 'cos', fn: fl.cos, ref: Math.cos, dtypes: F },
  { name: 'tanh', fn: fl.tanh, ref: Math.tanh, dtypes: F },
  { name: 'sigmoid', fn: fl.sigmoid, ref: sigmoid, dtypes: F, domain: [-8, 8] },
  { name: 'relu', fn: fl.relu, ref: (x) => Math.max(x, 0), dtypes: [...F, 'int32'] },
  { name: 'gelu', fn: (x) => fl.gelu(x), ref: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), dtypes: F },
  {
    name: 'gelu-tanh', fn: (x) => fl.gelu(x, 'tanh'),
    ref: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))), dtypes: F,
  },
  { name: 'silu', fn: fl.silu, ref: (x) => x * sigmoid(x), dtypes: F },
  { name: 'erf', fn: fl.erf, ref: erf, dtypes: F },
  { name: 'erfc', fn: fl.erfc, ref: (x) => 1 - erf(x), dtypes: F, domain: [-2, 2] },
  { name: 'floor', fn: fl.floor, ref: Math.floor, dtypes: FI },
  { name: 'ceil', fn: fl.ceil, ref: Math.ceil, dtypes: FI },
  { name: 'round', fn: fl.round, ref: roundHalfEven, dtypes: FI },
  { name: 'reciprocal', fn: fl.reciprocal, ref: (x) => 1 / x, dtypes: F, domain: [0.1, 5] },
  { name: 'logicalNot', fn: fl.logicalNot, ref: (x) => (x === 0 ? 1 : 0), dtypes: [...FI, 'bool'], outBool: true },
  { name: 'isnan', fn: fl.isnan, ref: (x) => (Number.isNaN(x) ? 1 : 0), dtypes: FI, outBool: true },
  { name: 'isfinite', fn: fl.isfinite, ref: (x) => (Number.isFinite(x) ? 1 : 0), dtypes: FI, outBool: true },
  { name: 'clamp', fn: (x) => fl.clamp(x, -1, 1.5), ref: (x) => Math.min(Math.max(x, -1), 1.5), dtypes: F },
  {
    name: 'hardswish', fn: fl.hardswish, ref: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6, dtypes: F, domain: [-5, 5],
    gradAt: [-4.5, -3.2, -2.9, -1.1, 0, 0.4, 2.95, 3.1, 4.7],
  },
  { name: 'clamp-int', fn: (x) => fl.clamp(x, 1, 3), ref: (x) => Math.min(Math.max(x, 1), 3), dtypes: ['int32', 'uint8'] },
];

const floorDiv = (a: number, b: number) => Math.floor(a / b);
const pyMod = (a: number, b: number) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; };

export const BINARY_CASES: BinaryCase[] = [
  { name: 'add', fn: fl.add, ref: (a, b) => a + b, dtypes: FI },
  { name: 'sub', fn: fl.sub, ref: (a, b) => a - b, dtypes: [...F, 'int32'] },
  { name: 'mul', fn: fl.mul, ref: (a, b) => a * b, dtypes: FI },
  { name: 'div', fn: fl.div, ref: (a, b) => a / b, dtypes: [...F, 'int32'], domainB: [0.5, 3], floatResult: true },
  { name: 'pow', fn: fl.pow, ref: (a, b) => a ** b, dtypes: F, domainA: [0.1, 3], domainB: [-2, 2] },
  { name: 'pow-int', fn: fl.pow, ref: (a, b) => a ** b, dtypes: ['int32'], domainA: [-4, 4], domainB: [0, 5] },
  { name: 'maximum', fn: fl.maximum, ref: Math.max, dtypes: FI },
  { name: 'minimum', fn: fl.minimum, ref: Math.min, dtypes: FI },
  { name: 'remainder', fn: fl.remainder, ref: pyMod, dtypes: [...F, 'int32'], domainB: [0.5, 3] },
  { name: 'floorDivide', fn: fl.floorDivide, ref: floorDiv, dtypes: ['float32', 'float64', 'int32'], domainB: [0.5, 3] },
  { name: 'atan2', fn: fl.atan2, ref: Math.atan2, dtypes: F },
  { name: 'eq', fn: fl.eq, ref: (a, b) => +(a === b), dtypes: FI, outBool: true },
  { name: 'ne', fn: fl.ne, ref: (a, b) => +(a !== b), dtypes: FI, outBool: true },
  { name: 'lt', fn: fl.lt, ref: (a, b) => +(a < b), dtypes: FI, outBool: true },
  { name: 'le', fn: fl.le, ref: (a, b) => +(a <= b), dtypes: FI, outBool: true },
  { name: 'gt', fn: fl.gt, ref: (a, b) => +(a > b), dtypes: FI, outBool: true },
  { name: 'ge', fn: fl.ge, ref: (a, b) => +(a >= b), dtypes: FI, outBool: true },
  { name: 'logicalAnd', fn: fl.logicalAnd, ref: (a, b) => +(a !== 0 && b !== 0), dtypes: [...FI, 'bool'], outBool: true },
  { name: 'logicalOr', fn: fl.logicalOr, ref: (a, b) => +(a !== 0 || b !== 0), dtypes: [...FI, 'bool'], outBool: true },
  // torch's integer ops (lib/ops/bitwise.ts; integers only: floats are refused, test/bitwise.test.ts)
  { name: 'bitwiseAnd', fn: fl.bitwiseAnd, ref: (a, b) => a & b, dtypes: ['int32', 'uint8'], domainA: [-40, 40], domainB: [-40, 40] },
  { name: 'bitwiseOr', fn: fl.bitwiseOr, ref: (a, b) => a | b, dtypes: ['int32', 'uint8'], domainA: [-40, 40], domainB: [-40, 40] },
  { name: 'bitwiseXor', fn: fl.bitwiseXor, ref: (a, b) => a ^ b, dtypes: ['int32', 'uint8'], domainA: [-40, 40], domainB: [-40, 40] },
  { name: 'bitwiseLeftShift', fn: fl.bitwiseLeftShift, ref: (a, b) => a << b, dtypes: ['int32', 'uint8'], domainA: [0, 5], domainB: [0, 1] },
  { name: 'bitwiseRightShift', fn: fl.bitwiseRightShift, ref: (a, b) => a >> b, dtypes: ['int32', 'uint8'], domainA: [-15, 15], domainB: [0, 2] },
];
