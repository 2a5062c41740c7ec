// golden.test.ts — flintml against answers recorded from PyTorch (test/golden/elementwise.json,
// made by scripts/golden.py): binary and unary elementwise ops with broadcasting in float32 and
// float64, int32 arithmetic, where/maskedFill, the type-promotion table, arange/linspace, and the
// layout ops. Float results are compared with the tolerances of helpers.TOL (NaN and ±inf exactly);
// booleans, integers, shapes, dtypes and strides exactly.
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, expectClose } from './helpers';

type Num = number | string | boolean;
interface Result { shape: number[]; dtype: fl.DType; values: Num[] }
type PerDType<T = Result> = { float32: T; float64: T };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const G: any = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'elementwise.json'), 'utf8'));
const FLOATS = ['float32', 'float64'] as const;
const dev = { device: DEVICE };

/** JSON value → number ("nan"/"inf"/"-inf" strings, booleans as 0/1). */
function num(v: Num): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}
const nums = (vs: Num[]): number[] => vs.map(num);

function input(values: Num[], shape: number[], dtype: fl.DType): fl.Tensor {
  return fl.tensor(nums(values), { ...dev, dtype }).reshape(shape);
}

/** Checks shape, dtype and values (float dtypes within TOL of the result's dtype, others exactly). */
function check(got: fl.Tensor, want: Result): void {
  expect({ shape: got.shape, dtype: got.dtype }).toEqual({ shape: want.shape, dtype: want.dtype });
  if (fl.isFloating(want.dtype)) expectClose(got, nums(want.values), want.dtype);
  else expect(Array.from(got.dataSync() as ArrayLike<number>)).toEqual(nums(want.values));
}

type BinaryFn = (a: fl.Tensor, b: fl.TensorLike) => fl.Tensor;
const BINARY: Record<string, BinaryFn> = {
  add: fl.add, sub: fl.sub, mul: fl.mul, div: fl.div, pow: fl.pow, maximum: fl.maximum, minimum: fl.minimum,
  remainder: fl.remainder, floorDivide: fl.floorDivide, atan2: fl.atan2, eq: fl.eq, ne: fl.ne, lt: fl.lt,
  le: fl.le, gt: fl.gt, ge: fl.ge, logicalAnd: fl.logicalAnd, logicalOr: fl.logicalOr, logicalXor: fl.logicalXor,
};
const UNARY: Record<string, (x: fl.Tensor) => fl.Tensor> = {
  neg: fl.neg, abs: fl.abs, sign: fl.sign, exp: fl.exp, log: fl.log, log1p: fl.log1p, expm1: fl.expm1,
  sqrt: fl.sqrt, rsqrt: fl.rsqrt, square: fl.square, sin: fl.sin, cos: fl.cos, tanh: fl.tanh,
  sigmoid: fl.sigmoid, relu: fl.relu, gelu: (x) => fl.gelu(x), geluTanh: (x) => fl.gelu(x, 'tanh'), silu: fl.silu,
  erf: fl.erf, floor: fl.floor, ceil: fl.ceil, round: fl.round, reciprocal: fl.reciprocal,
  logicalNot: fl.logicalNot, isnan: fl.isnan, isfinite: fl.isfinite, isinf: fl.isinf, trunc: fl.trunc,
  clampBoth: (x) => fl.clamp(x, -1, 2), clampMin: (x) => fl.clamp(x, 0.5), clampMax: (x) => fl.clamp(x, undefined, -0.5),
};

const { A, A_shape, B, B_shape, U, IA, IA_shape, IB, IB_shape } = G.inputs;

describe('binary ops vs PyTorch, [3,1,4] with [2,4]', () => {
  const cases = Object.keys(G.binary).flatMap((op) => FLOATS.map((dt) => [op, dt] as const));
  test.each(cases)('%s %s', (op, dt) => fl.scope(() => {
    check(BINARY[op](input(A, A_shape, dt), input(B, B_shape, dt)), (G.binary[op] as PerDType)[dt]);
  }));

  const nanCases = Object.keys(G.binaryNaN.ops).flatMap((op) => FLOATS.map((dt) => [op, dt] as const));
  test.each(nanCases)('NaN handling: %s %s', (op, dt) => fl.scope(() => {
    check(BINARY[op](input(G.binaryNaN.a, [4], dt), input(G.binaryNaN.b, [4], dt)), (G.binaryNaN.ops[op] as PerDType)[dt]);
  }));

  test.each(Object.keys(G.binaryInt))('int32 %s, [2,1,3] with [2,3]', (op) => fl.scope(() => {
    check(BINARY[op](input(IA, IA_shape, 'int32'), input(IB, IB_shape, 'int32')), G.binaryInt[op]);
  }));

  const scalarCases = Object.keys(G.binaryScalar).flatMap((op) => FLOATS.map((dt) => [op, dt] as const));
  test.each(scalarCases)('tensor %s scalar, %s', (op, dt) => fl.scope(() => {
    const want = (G.binaryScalar[op] as PerDType<Result & { scalar: number }>)[dt];
    check(BINARY[op](input(A, A_shape, dt), want.scalar), want);
  }));
});

describe('unary ops vs PyTorch (signs, halves, tiny, large, ±inf, NaN)', () => {
  const cases = Object.keys(G.unary).flatMap((op) => FLOATS.map((dt) => [op, dt] as const));
  test.each(cases)('%s %s', (op, dt) => fl.scope(() => {
    check(UNARY[op](input(U, [U.length], dt)), (G.unary[op] as PerDType)[dt]);
  }));
});

describe('where and maskedFill vs PyTorch', () => {
  test.each(FLOATS)('where(A > 0, A, B) %s', (dt) => fl.scope(() => {
    const a = input(A, A_shape, dt);
    check(fl.where(fl.gt(a, 0), a, input(B, B_shape, dt)), G.where[dt]);
  }));
  test.each(FLOATS)('maskedFill %s', (dt) => fl.scope(() => {
    const mask = fl.tensor(G.maskedFill.mask as boolean[], dev);
    check(fl.maskedFill(input(A, A_shape, dt), mask, G.maskedFill.value), G.maskedFill[dt]);
  }));
});

describe('type promotion vs torch.result_type (int64 read as int32)', () => {
  const DT = fl.DTYPES.filter((d) => !d.startsWith('complex'));  // the complex dtypes' promotion: test/complex.test.ts (the golden file predates them)
  test('tensor with tensor (both with dims)', () => {
    const got: Record<string, string> = {};
    for (const a of DT) for (const b of DT) got[`${a},${b}`] = fl.resultType({ dtype: a, ndim: 1 }, { dtype: b, ndim: 1 });
    expect(got).toEqual(G.promotion.dimDim);
  });
  test('tensor with a 0-dim tensor', () => {
    const got: Record<string, string> = {};
    for (const a of DT) for (const b of DT) got[`${a},${b}`] = fl.resultType({ dtype: a, ndim: 1 }, { dtype: b, ndim: 0 });
    expect(got).toEqual(G.promotion.zeroDim);
  });
  test('tensor with a JS scalar (3, 2.5, true)', () => {
    const got: Record<string, string> = {};
    for (const a of DT) {
      for (const [s, name] of [[3, 'int'], [2.5, 'float'], [true, 'bool']] as const) got[`${a},${name}`] = fl.resultType({ dtype: a, ndim: 1 }, s);
    }
    expect(got).toEqual(G.promotion.scalar);
  });
  test('promoteTypes agrees with the dim-dim table', () => {
    for (const a of DT) for (const b of DT) expect(`${a},${b}:${fl.promoteTypes(a, b)}`).toBe(`${a},${b}:${G.promotion.dimDim[`${a},${b}`]}`);
  });
});

describe('arange and linspace vs PyTorch', () => {
  test.each((G.arange as (Result & { args: number[] })[]).map((c) => [JSON.stringify(c.args), c] as const))('arange%s', (_, c) => fl.scope(() => {
    const [a, b, s] = c.args;
    check(b === undefined ? fl.arange(a, undefined, undefined, dev) : fl.arange(a, b, s ?? 1, dev), c);
  }));
  const lin = (G.linspace as ({ args: number[] } & PerDType)[]).flatMap((c) => FLOATS.map((dt) => [JSON.stringify(c.args), dt, c] as const));
  test.each(lin)('linspace%s %s', (_, dt, c) => fl.scope(() => {
    const [s, e, n] = c.args;
    check(fl.linspace(s, e, n, { ...dev, dtype: dt }), c[dt]);
  }));
});

describe('layout ops vs PyTorch', () => {
  const L = G.layout;
  const X = (): fl.Tensor => input(L.X, L.X_shape, 'float64');
  const Y = (): fl.Tensor => input(L.Y, L.Y_shape, 'float64');
  const Z = (): fl.Tensor => input(L.Z, L.Z_shape, 'float64');
  const parts = (got: fl.Tensor[], want: Result[]): void => {
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => check(g, want[i]));
  };
  const view = (got: fl.Tensor, want: Result & { strides: number[]; offset: number }): void => {
    check(got, want);
    expect({ strides: got.strides, offset: got.storageOffset }).toEqual({ strides: want.strides, offset: want.offset });
  };
  test('cat', () => fl.scope(() => {
    check(fl.cat([X(), Y()], 1), L.catXY1);
    check(fl.cat([X(), Z()], -1), L.catXZm1);
    check(fl.cat([X(), X()], 0), L.catXX0);
  }));
  test('stack', () => fl.scope(() => {
    check(fl.stack([X(), X()], 0), L.stackXX0);
    check(fl.stack([X(), X()], 2), L.stackXX2);
    check(fl.stack([X(), X()], -1), L.stackXXm1);
  }));
  test('split', () => fl.scope(() => {
    parts(fl.split(X(), 2, 2), L.split2d2);
    parts(fl.split(X(), [1, 2], 1), L.split12d1);
    parts(fl.split(X(), 5, 0), L.split5d0);
  }));
  test('chunk', () => fl.scope(() => {
    parts(fl.chunk(X(), 3, 2), L.chunk3d2);
    parts(fl.chunk(X(), 2, 1), L.chunk2d1);
    parts(fl.chunk(X(), 4, -1), L.chunk4dm1);
  }));
  test('transpose and permute: values, strides and offset of the view', () => fl.scope(() => {
    view(fl.transpose(X(), 0, 2), L.transpose02);
    view(fl.transpose(X(), -1, -2), L.transposem1m2);
    view(fl.permute(X(), [2, 0, 1]), L.permute201);
    view(fl.permute(X(), [1, 2, 0]), L.permute120);
  }));
});
