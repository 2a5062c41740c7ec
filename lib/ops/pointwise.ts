// pointwise.ts — the pointwise math and small reductions of torch that PyTorch code uses beside the
// elementwise table: lerp, addcmul/addcdiv, hypot, logaddexp(2), xlogy, logit, sinc, fmod, copysign,
// nanToNum, clampMin/clampMax, deg2rad/rad2deg, frac, heaviside, signbit, sgn, floatPower,
// trueDivide, positive; the fused matrix products addmm, addmv, addbmm, baddbmm, addr; nansum,
// nanmean, aminmax, stdMean/varMean, countNonzero; isclose, allclose, equal; cov, corrcoef;
// quantile and nanquantile. Every one is a composition of existing ops (so it runs on every device
// they run on, with no kernel of its own).
//
// Gradients: a plain composition where its chain rule is torch's (lerp's branches, addcmul, the
// matrix products, nansum, quantile's gather and lerp). Where torch's formula differs from what the
// composition's chain rule gives at a corner (hypot and logaddexp at ties and infinities, xlogy at
// x = 0, logit outside [0, 1], sinc at 0, fmod's divisor, copysign), the forward runs without a
// graph and one node records torch's derivatives.yaml formula, written with differentiable ops
// (createGraph flows through it). heaviside and aminmax have no derivative in torch 1.13: their
// node refuses backward with the error torch gives.
//
// dtypes: the float ops compute integer and bool inputs in float32 (torch's default dtype); lerp,
// hypot, logaddexp, frac and nanmean refuse integers as torch's kernels do; addcdiv refuses integer
// division; heaviside, lerp and isclose want one dtype. A fractional `value`/`beta`/`alpha` with an
// integer result is truncated, as torch's conversion of the Scalar to the integer type.
import { describeArg } from '../arity';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature, tooManyArgs } from '../args';
import { AutogradError, needsGrad, noGrad, record, sumToShape } from '../autograd';
import { DType, isFloating, resultType, PromoteArg } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { namedTuple } from '../named-tuple';
import { broadcastShapes, fmt, normDim, normDims, range } from '../shape';
import { complexHook, isComplexTensor, scopeSync, Tensor, TensorLike } from '../tensor';
import { tensor, zerosLike } from './creation';
import {
  abs, add, checkFillValue, clamp, commonDevice, cos, div, eq, exp, exp2, gt, isfinite, isinf, isnan, le, log, log1p,
  logicalAnd, logicalNot, logicalOr, logicalXor, lt, maximum, minimum, mul, ne, neg, pow, remainder, round, sign,
  sin, sqrt, sub, trunc, where, ceil, floor,
} from './elementwise';
import { gather } from './indexing';
import { bmm, mm, mv, outer } from './matmul';
import { all, amax, amin, mean, std, sum, var as variance } from './reduce';
import type { Dims, VarOptions } from './reduce';
import { sort } from './sort';
import { diagonal, expand, permute, reshape, squeeze, unsqueeze } from './views';

const P = Tensor.prototype;

// ---- helpers ----------------------------------------------------------------------------------------

function need(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}
function needArg(x: unknown, op: string, what: string): TensorLike {
  if (x instanceof Tensor) { x._handleFor(op); return x; }
  if (typeof x === 'number' || typeof x === 'boolean') return x;
  throw new ValueError(`${op}: ${what} must be a Tensor, a number or a boolean, got ${describeArg(x)}`);
}
const promo = (x: TensorLike): PromoteArg => (x instanceof Tensor ? { dtype: x.dtype, ndim: x._shape.length } : x);
/** torch's result type of the operands. */
function promote(...xs: TensorLike[]): DType { return resultType(...xs.map(promo)); }
/** The result type, integers and bool computed in the default float dtype (lib/defaults.ts). */
function floatType(...xs: TensorLike[]): DType { const dt = promote(...xs); return isFloating(dt) ? dt : getDefaultDtype(); }
/** A tensor operand cast to dt (a number as it is). */
function as(x: TensorLike, dt: DType): TensorLike { return x instanceof Tensor && x.dtype !== dt ? x.to(dt) : x; }
/** A tensor or a number in the gradient's dtype. */
function inGrad(x: TensorLike, g: Tensor): TensorLike { return as(x, g.dtype); }
/** The dtype half-precision math runs in (torch's opmath): float32 for float16 and bfloat16. */
function opmath(dt: DType): DType { return dt === 'float16' || dt === 'bfloat16' ? 'float32' : dt; }
function refuseIntegers(op: string, dt: DType, what = ''): void {
  if (!isFloating(dt)) throw new DTypeError(`${op}: not implemented for ${String(dt)}${what}; use a floating dtype`);
}
/** A Scalar converted to the result's dtype, as torch does: truncated for integers, a boolean for bool. */
function scalarFor(v: number, dt: DType): number { return isFloating(dt) ? v : dt === 'bool' ? +(v !== 0) : Math.trunc(v); }

/**
 * Runs `forward` without a graph and records one node whose backward is `backward` (torch's
 * formula, written with differentiable ops: second derivatives flow through it). `backward` gets the
 * output's gradient, the inputs (saved tensors, or the numbers) and the output, and returns one
 * gradient (or null) per input; each is summed to its input's shape and cast to its dtype.
 */
function node(name: string, inputs: TensorLike[], forward: () => Tensor,
  backward: (g: Tensor, xs: TensorLike[], y: Tensor) => (Tensor | null)[]): Tensor {
  const out = noGrad(() => scopeSync(forward));
  if (!needsGrad(...inputs)) return out;
  const saved = inputs.filter((t): t is Tensor => t instanceof Tensor);
  record(name, inputs, [out], [...saved, out], ([g], sv) => scopeSync(() => {
    let k = 0;
    // half precision computes in float32 (torch's opmath); the gradients are cast back below
    const up = (t: Tensor): Tensor => (opmath(t.dtype) === t.dtype ? t : t.to(opmath(t.dtype)));
    const xs = inputs.map((v) => (v instanceof Tensor ? up(sv[k++]) : v));
    const gs = backward(up(g!), xs, up(sv[k]));
    return inputs.map((v, i) => {
      const r = gs[i];
      if (!(v instanceof Tensor) || !v._requiresGrad || !r) return null;
      const s = sumToShape(r, v._shape);
      // the engine disposes g after this function: a gradient that is g itself is copied
      return s.dtype !== v.dtype ? s.to(v.dtype) : s === g ? s.clone() : s;
    });
  }), true);
  return out;
}

/** A node for an op that torch 1.13 cannot differentiate: its backward refuses, as torch's does. */
function notDifferentiable(name: string, inputs: TensorLike[], outputs: Tensor[]): void {
  if (!needsGrad(...inputs)) return;
  record(name, inputs, outputs, [], () => {
    throw new AutogradError(`${name}: the derivative is not implemented (torch 1.13 has none either); detach the input`);
  });
}

/** In place: checks like the elementwise in-place ops, computes out of place, writes back. */
function inplace(self: Tensor, op: string, others: unknown[], compute: () => Tensor): Tensor {
  need(self, op, 'self');
  if (needsGrad(self, ...others)) {
    throw new AutogradError(`${op}: in-place ops on tensors that require grad are not supported while grad is enabled (${self.isLeaf ? 'a leaf' : 'a graph tensor'} of shape ${fmt(self._shape)}); use the out-of-place op, or noGrad() for parameter updates`);
  }
  let r: Tensor;
  try { r = compute(); } catch (e) {
    // the out-of-place op's argument errors name the in-place method the user called
    const base = op.slice(0, -1);
    if (e instanceof Error && e.message.startsWith(`${base}: `)) (e as { message: string }).message = `${op}${e.message.slice(base.length)}`;
    throw e;
  }
  try {
    if (r._shape.length !== self._shape.length || r._shape.some((s, i) => s !== self._shape[i])) {
      throw new ShapeError(`${op}: result shape ${fmt(r._shape)} does not match the in-place tensor's shape ${fmt(self._shape)}`);
    }
    const cat = (d: DType) => (d === 'bool' ? 0 : isFloating(d) ? 2 : 1);
    if (cat(r.dtype) > cat(self.dtype)) throw new DTypeError(`${op}: result type ${String(r.dtype)} can't be cast to the in-place tensor's dtype ${String(self.dtype)}`);
    self.copy_(r);
  } finally { r.dispose(); }
  return self;
}

/** Checks a reduction's dims against x (errors name op; a dim named twice is refused, as torch). */
function checkDims(x: Tensor, dim: Dims | null | undefined, op: string): void {
  if (dim === undefined || dim === null) return;
  const list = normDims(dim, x.ndim, op);
  if (new Set(list).size !== list.length) throw new ValueError(`${op}: dim ${describeArg(dim)} names a dim more than once (input shape ${fmt(x._shape)})`);
}

/** PyTorch's dim argument of a reduction: an integer, an array of integers, or null (every dim). */
const dimsArg: A.Check<number | number[] | null> = A.nullable(A.either(A.int(), A.arrayOf(A.int())));

// ---- lerp, addcmul, addcdiv ---------------------------------------------------------------------------

// torch's lerp(input, end, weight), logit(input, eps=None) and count_nonzero(input, dim=None): positional or keyword
// (`fl.lerp(a, b, { weight: 0.5 })`); the values are checked by the ops, as for a positional call
const KW = {
  lerp: signature('lerp', ['input', 'end', 'weight'], { input: required(A.anyValue<Tensor>()), end: optional(A.anyValue<Tensor>()) as A.Param<Tensor>, weight: optional(A.anyValue<number | Tensor>()) as A.Param<number | Tensor> }),
  logit: signature('logit', ['input', 'eps'], { input: required(A.anyValue<Tensor>()), eps: optional(A.anyValue<number | null>()) }),
  countNonzero: signature('countNonzero', ['input', 'dim'], { input: required(A.anyValue<Tensor>()), dim: optional(A.anyValue<Dims | null>()) }),
};
const argsOf = (a: IArguments): unknown[] => a as unknown as unknown[];

/**
 * Linear interpolation `input + weight * (end - input)` (torch.lerp, with torch's two-sided formula
 * for accuracy near weight 1). `input`, `end` and a tensor `weight` must share one floating dtype;
 * all three broadcast. `fl.lerp(a, b, 0.25)`
 */
export function lerp(input: Tensor, end: Tensor, weight: number | Tensor): Tensor;
export function lerp(input: Tensor, end: Tensor, options: { weight: number | Tensor }): Tensor;
export function lerp(input: Tensor, options: { end: Tensor; weight: number | Tensor }): Tensor;
export function lerp(): Tensor {
  const { input, end, weight } = KW.lerp.parse(argsOf(arguments));
  const op = 'lerp';
  need(input, op); need(end, op, 'end');
  if (!(weight instanceof Tensor) && typeof weight !== 'number') throw new ValueError(`${op}: weight must be a number or a Tensor, got ${describeArg(weight)}`);
  if (weight instanceof Tensor) weight._handleFor(op);
  refuseIntegers(op, input.dtype);
  if (end.dtype !== input.dtype) throw new DTypeError(`${op}: expected dtype ${String(input.dtype)} for end but got ${String(end.dtype)}`);
  if (weight instanceof Tensor && weight.dtype !== input.dtype) throw new DTypeError(`${op}: expected dtype ${String(input.dtype)} for weight but got ${String(weight.dtype)}`);
  commonDevice(op, input, end, weight);
  broadcastShapes(op, input._shape, end._shape, weight instanceof Tensor ? weight._shape : []);
  const w = weight;
  return node(op, [input, end, w], () => {
    const d = sub(end, input);
    // torch 1.13's branch test is weight < 0.5 (not |weight|): the two agree in exact arithmetic,
    // not at infinities (lerp(1, -inf, -1.5) is inf, not inf - inf)
    if (typeof w === 'number') return w < 0.5 ? add(input, mul(d, w)) : sub(end, mul(d, 1 - w));
    // (the output's shape is the three's broadcast: the where takes it from every operand)
    return where(lt(w, 0.5), add(input, mul(d, w)), sub(end, mul(d, sub(1, w))));
  }, (g, [x, e, wt]) => [
    mul(g, typeof wt === 'number' ? 1 - wt : sub(1, wt)), mul(g, wt), wt instanceof Tensor ? mul(g, sub(e, x)) : null,
  ]);
}

const VALUE = { value: optional(A.num(), 1) };
const ADDC_ARGS = {
  addcmul: signature('addcmul', ['input', 'tensor1', 'tensor2'], { input: required(A.tensor), tensor1: required(A.tensor), tensor2: required(A.tensor), ...VALUE }),
  addcdiv: signature('addcdiv', ['input', 'tensor1', 'tensor2'], { input: required(A.tensor), tensor1: required(A.tensor), tensor2: required(A.tensor), ...VALUE }),
};
/** addcmul/addcdiv's keyword option. */
export interface AddcOptions { /** The scale of the product or quotient (default 1). */ value?: number }

/** `input + value * tensor1 * tensor2`, broadcasting all three (torch.addcmul). `fl.addcmul(x, a, b, { value: 0.5 })` */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
export function addcmul(...args: unknown[]): Tensor {
  const o = ADDC_ARGS.addcmul.parse(args);
  return addc('addcmul', o.input, o.tensor1, o.tensor2, o.value);
}

/**
 * `input + value * tensor1 / tensor2`, broadcasting all three (torch.addcdiv). Integer division
 * (two integer tensors) is refused, as torch does. `fl.addcdiv(p, m, v.sqrt().add(1e-8), { value: -lr })`
 */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
export function addcdiv(...args: unknown[]): Tensor {
  const o = ADDC_ARGS.addcdiv.parse(args);
  return addc('addcdiv', o.input, o.tensor1, o.tensor2, o.value);
}

function addc(op: 'addcmul' | 'addcdiv', input: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  need(input, op); need(t1, op, 'tensor1'); need(t2, op, 'tensor2');
  commonDevice(op, input, t1, t2);
  broadcastShapes(op, input._shape, t1._shape, t2._shape);
  if (op === 'addcdiv' && !isFloating(t1.dtype) && !isFloating(t2.dtype)) {
    throw new DTypeError(`addcdiv: integer division (tensor1 ${String(t1.dtype)}, tensor2 ${String(t2.dtype)}) is not supported, as in torch; use a floating tensor1 or tensor2 (or floorDivide)`);
  }
  if (op === 'addcmul' && (input.dtype === 'bool' || t1.dtype === 'bool' || t2.dtype === 'bool') && promote(input, t1, t2) === 'bool') {
    throw new DTypeError('addcmul: not implemented for bool tensors');
  }
  const dt = op === 'addcdiv' ? floatType(input, t1, t2) : promote(input, t1, t2);
  checkFillValue(value, dt, op);  // torch converts value to the result type: -0.25 does not fit uint8
  const v = scalarFor(value, dt);
  return scopeSync(() => {
    const term = op === 'addcmul' ? mul(as(t1, dt) as Tensor, as(t2, dt)) : div(as(t1, dt) as Tensor, as(t2, dt));
    return add(as(input, dt) as Tensor, v === 1 ? term : mul(term, v));
  });
}

// ---- binary math ------------------------------------------------------------------------------------

/** sqrt(a² + b²) without overflow or underflow (torch.hypot; floating tensors only). `fl.hypot(x, y)` */
export function hypot(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('hypot', 'input, other', arguments);
  const op = 'hypot';
  need(input, op); need(other, op, 'other');
  const dt = promote(input, other);
  refuseIntegers(op, dt);
  commonDevice(op, input, other);
  broadcastShapes(op, input._shape, other._shape);
  const cdt = opmath(dt);
  return node(op, [input, other], () => {
    const a = abs(as(input, cdt) as Tensor), b = abs(as(other, cdt) as Tensor);
    // max·sqrt(1 + (min/max)²): no square overflows; the max is NaN when either is
    const m = maximum(a, b), n = minimum(a, b);
    const q = div(n, where(eq(m, 0), 1, m));
    const r = mul(m, sqrt(add(mul(q, q), 1)));
    return where(logicalOr(isinf(a), isinf(b)), Infinity, r).to(dt);  // hypot(inf, NaN) is inf, as C's
  }, (g, [a, b], y) => [div(mul(g, inGrad(a, g)), y), div(mul(g, inGrad(b, g)), y)]);  // torch's: NaN at (0, 0)
}

/** log(e^a + e^b), computed stably (torch.logaddexp; floating only). `fl.logaddexp(logP, logQ)` */
export function logaddexp(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('logaddexp', 'input, other', arguments);
  return logAddExp('logaddexp', input, other, false);
}

/** log2(2^a + 2^b), computed stably (torch.logaddexp2; floating only). `fl.logaddexp2(a, b)` */
export function logaddexp2(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('logaddexp2', 'input, other', arguments);
  return logAddExp('logaddexp2', input, other, true);
}

function logAddExp(op: string, input: Tensor, other: Tensor, base2: boolean): Tensor {
  need(input, op); need(other, op, 'other');
  const dt = promote(input, other);
  refuseIntegers(op, dt);
  if (input.dtype === 'bool' || other.dtype === 'bool') throw new DTypeError(`${op}: bool operands are not supported (as torch: its a - b refuses bool)`);
  commonDevice(op, input, other);
  broadcastShapes(op, input._shape, other._shape);
  const ex = base2 ? exp2 : exp, cdt = opmath(dt);
  return node(op, [input, other], () => {
    const a = as(input, cdt) as Tensor, b = as(other, cdt) as Tensor;
    const m = maximum(a, b);
    const soft = log1p(ex(neg(abs(sub(a, b)))));
    const r = add(m, base2 ? div(soft, Math.LN2) : soft);
    return where(logicalAnd(isinf(a), eq(a, b)), a, r).to(dt);  // inf and inf, -inf and -inf (not inf - inf)
  }, (g, [a, b]) => {  // torch's: g / (1 + e^(b - a)) and g / (1 + e^(a - b))
    const A_ = inGrad(a, g), B_ = inGrad(b, g);
    return [div(g, add(ex(sub(B_, A_)), 1)), div(g, add(ex(sub(A_, B_)), 1))];
  });
}

/**
 * `x · log(y)`, 0 where x is 0 (unless y is NaN), as torch.xlogy; either operand may be a number.
 * Integers compute in float32. `fl.xlogy(p, q)`
 */
export function xlogy(input: Tensor | number, other: Tensor | number): Tensor {
  if (arguments.length > 2) tooManyArgs('xlogy', 'input, other', arguments);
  const op = 'xlogy';
  const x = needArg(input, op, 'input'), y = needArg(other, op, 'other');
  if (!(x instanceof Tensor) && !(y instanceof Tensor)) throw new ValueError(`${op}: at least one of input and other must be a Tensor`);
  const dt = floatType(x, y);
  broadcastShapes(op, x instanceof Tensor ? x._shape : [], y instanceof Tensor ? y._shape : []);
  commonDevice(op, x, y);
  const dev = (x instanceof Tensor ? x : y as Tensor).device;
  const t = (v: TensorLike, d: DType): Tensor => (v instanceof Tensor ? as(v, d) as Tensor : tensor(+v, { dtype: d, device: dev }));
  // 0 where x is 0, x·log(y) elsewhere; NaN wherever y is NaN
  const xlogyOf = (a: Tensor, b: Tensor): Tensor => where(isnan(b), NaN, where(eq(a, 0), 0, mul(a, log(b))));
  return node(op, [x, y], () => xlogyOf(t(x, opmath(dt)), t(y, opmath(dt))).to(dt), (g, [a, b]) => {
    const A_ = t(a, g.dtype), B_ = t(b, g.dtype);
    // torch 1.13's derivatives.yaml: xlogy(g, y), 0 where x == 0 and y <= 0; and g·x / y
    return [where(logicalAnd(eq(A_, 0), le(B_, 0)), 0, xlogyOf(g, B_)), div(mul(g, A_), B_)];
  });
}

/**
 * The log-odds `log(p / (1 - p))` (torch.logit); with `eps`, p is clamped to [eps, 1 - eps] first
 * (a negative or null eps clamps nothing). Integers compute in float32. `fl.logit(p, 1e-6)`
 */
export function logit(input: Tensor, ...args: ArgsThenOptions<[eps: number | null], { eps?: number | null }>): Tensor;
export function logit(): Tensor {
  const { input, eps } = KW.logit.parse(argsOf(arguments));
  const op = 'logit';
  need(input, op);
  if (eps !== undefined && eps !== null && (typeof eps !== 'number' || Number.isNaN(eps))) throw new ValueError(`${op}: eps must be a number or null, got ${describeArg(eps)}`);
  const e = eps ?? -1, dt = floatType(input);
  return node(op, [input], () => {
    const x = as(input, opmath(dt)) as Tensor;
    const z = e < 0 ? x : clamp(x, e, 1 - e);
    return log(div(z, sub(1, z))).to(dt);
  }, (g, [x]) => {
    const X = inGrad(x, g) as Tensor;
    const d = div(g, mul(X, sub(1, X)));
    // torch's logit_backward: NaN outside [0, 1] without eps; 0 outside [eps, 1 - eps] with it
    return [e < 0 ? where(logicalOr(lt(X, 0), gt(X, 1)), NaN, d) : where(logicalOr(lt(X, e), gt(X, 1 - e)), 0, d)];
  });
}

/** The normalized sinc `sin(πx) / (πx)`, 1 at 0 (torch.sinc). Integers compute in float32. `fl.sinc(x)` */
export function sinc(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('sinc', 'input', arguments);
  const op = 'sinc';
  need(input, op);
  const dt = floatType(input);
  return node(op, [input], () => {
    const x = as(input, opmath(dt)) as Tensor, px = mul(x, Math.PI);
    return where(eq(x, 0), 1, div(sin(px), px)).to(dt);
  }, (g, [x]) => {
    const X = inGrad(x, g) as Tensor, px = mul(X, Math.PI);
    const d = div(sub(mul(px, cos(px)), sin(px)), mul(px, X));
    return [mul(where(eq(X, 0), 0, d), g)];
  });
}

/**
 * The remainder of truncated division, with the sign of the dividend (C's fmod; torch.fmod), unlike
 * `remainder` (the divisor's sign). Integer division by zero is refused. `fl.fmod(fl.tensor([-3, 3]), 2) // [-1, 1]`
 */
export function fmod(input: Tensor, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('fmod', 'input, other', arguments);
  const op = 'fmod';
  need(input, op); const b = needArg(other, op, 'other');
  const dt = promote(input, b);
  if (dt === 'bool') throw new DTypeError('fmod: not implemented for bool tensors');
  commonDevice(op, input, b);
  // a number divisor is converted to the result's dtype, as torch's Scalar: -3 is 253 in uint8
  const bb: TensorLike = typeof b === 'number' && dt === 'uint8' && Number.isInteger(b) ? ((b % 256) + 256) % 256 : b;
  return node(op, [input, bb], () => {
    const x = as(input, dt) as Tensor, y = as(bb, dt);
    let r: Tensor;
    try { r = remainder(x, y); } catch (e) {
      if (e instanceof ValueError && /division by zero/.test(e.message)) throw new ValueError(`fmod: integer division by zero (${String(dt)} operands)`);
      throw e;
    }
    // remainder has the divisor's sign: where it is nonzero and the signs differ, step back by one divisor
    const isNeg = (v: TensorLike): TensorLike => (v instanceof Tensor ? lt(v, 0) : +v < 0);
    const fix = logicalAnd(ne(r, 0), logicalXor(isNeg(x), isNeg(y)));
    const out = where(fix, sub(r, y), r);
    if (!isFloating(dt)) return out;
    return where(logicalAnd(isfinite(x), y instanceof Tensor ? isinf(y) : Math.abs(+y) === Infinity), x, out);  // fmod(x, ±inf) = x
  }, (g, [x, y]) => [g, mul(neg(g), div(inGrad(x, g), inGrad(y, g), 'trunc'))]);
}

/** @internal The sign bit of x (bool): true for negative numbers and -0 (not readable for NaN: false). */
function signBit(x: TensorLike): TensorLike {
  if (!(x instanceof Tensor)) return +x < 0 || Object.is(+x, -0);
  if (!isFloating(x.dtype)) return lt(x, 0);
  return logicalOr(lt(x, 0), logicalAnd(eq(x, 0), lt(div(1, x), 0)));
}

/** |input| with the sign of `other` (torch.copysign; -0 counts as negative). Integers compute in float32. `fl.copysign(x, -1)` */
export function copysign(input: Tensor, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('copysign', 'input, other', arguments);
  const op = 'copysign';
  need(input, op); const b = needArg(other, op, 'other');
  const dt = floatType(input, b);
  commonDevice(op, input, b);
  broadcastShapes(op, input._shape, b instanceof Tensor ? b._shape : []);
  return node(op, [input, b], () => {
    const a = abs(as(input, dt) as Tensor), s = signBit(as(b, dt));
    return s instanceof Tensor ? where(s, neg(a), a) : s ? neg(a) : a;
  }, (g, [x], y) => {  // torch: g·y/x where x != 0 (else 0); other gets zeros
    const X = inGrad(x, g) as Tensor;
    return [where(eq(X, 0), 0, div(mul(g, y), X)), zerosLike(g)];
  });
}

// ---- unary ------------------------------------------------------------------------------------------

const FINFO: Partial<Record<DType, number>> = { float16: 65504, bfloat16: 3.3895313892515355e38, float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };
const NAN_TO_NUM_ARGS = signature('nanToNum', ['input', 'nan', 'posinf', 'neginf'], {
  input: required(A.tensor), nan: optional(A.num(), 0), posinf: optional(A.nullable(A.num())), neginf: optional(A.nullable(A.num())),
});
/** nanToNum's replacements. */
export interface NanToNumOptions {
  /** What NaN becomes (default 0). */ nan?: number;
  /** What +inf becomes (default: the dtype's largest finite value). */ posinf?: number | null;
  /** What -inf becomes (default: the dtype's smallest finite value). */ neginf?: number | null;
}

/**
 * NaN, +inf and -inf replaced by `nan` (0), `posinf` and `neginf` (the dtype's largest and smallest
 * finite values by default), as torch.nan_to_num; integer and bool inputs are copied unchanged.
 * `fl.nanToNum(x, 0, 1e4, -1e4)`, `fl.nanToNum(x, { posinf: 1 })`
 */
export function nanToNum(input: Tensor, ...args: ArgsThenOptions<[nan: number, posinf: number | null, neginf: number | null], NanToNumOptions>): Tensor;
export function nanToNum(...args: unknown[]): Tensor {
  const o = NAN_TO_NUM_ARGS.parse(args);
  return nanToNumOp(o.input, o.nan, o.posinf ?? undefined, o.neginf ?? undefined);
}
function nanToNumOp(x: Tensor, nan: number, posinf: number | undefined, neginf: number | undefined): Tensor {
  need(x, 'nanToNum');
  if (!isFloating(x.dtype)) return x.clone();
  const big = FINFO[x.dtype]!;
  return scopeSync(() => where(isnan(x), nan, where(eq(x, Infinity), posinf ?? big, where(eq(x, -Infinity), neginf ?? -big, x))));
}

/** max(input, min), as torch.clamp_min (a number or a broadcasting tensor). `fl.clampMin(x, 0)` */
export function clampMin(input: Tensor, min: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('clampMin', 'input, min', arguments);
  if (min === undefined || min === null) throw new ValueError(`clampMin: min must be a number or a Tensor, got ${describeArg(min)}`);
  // torch.clamp_min(x, nan) is NaN everywhere (unlike torch.clamp(x, min=nan), which leaves x): clamp with two NaN bounds
  if (typeof min === 'number' && Number.isNaN(min)) return clamp(input, min, min);
  return clamp(input, min);
}
/** min(input, max), as torch.clamp_max. `fl.clampMax(x, 6)` */
export function clampMax(input: Tensor, max: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('clampMax', 'input, max', arguments);
  if (max === undefined || max === null) throw new ValueError(`clampMax: max must be a number or a Tensor, got ${describeArg(max)}`);
  if (typeof max === 'number' && Number.isNaN(max)) return clamp(input, max, max);  // as clampMin's NaN
  return clamp(input, null, max);
}

/** Degrees to radians (torch.deg2rad; integers and bool in float32). `fl.deg2rad(fl.tensor([180])) // [π]` */
export function deg2rad(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('deg2rad', 'input', arguments);
  need(input, 'deg2rad');
  return scopeSync(() => mul(as(input, floatType(input)) as Tensor, Math.PI / 180));
}
/** Radians to degrees (torch.rad2deg; integers and bool in float32). `fl.rad2deg(x)` */
export function rad2deg(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('rad2deg', 'input', arguments);
  need(input, 'rad2deg');
  return scopeSync(() => mul(as(input, floatType(input)) as Tensor, 180 / Math.PI));
}

/** The fractional part `x - trunc(x)`, with x's sign (torch.frac; floating only). `fl.frac(fl.tensor([-1.25])) // [-0.25]` */
export function frac(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('frac', 'input', arguments);
  need(input, 'frac');
  refuseIntegers('frac', input.dtype);
  return scopeSync(() => sub(input, trunc(input)));
}

/**
 * The Heaviside step: 0 where input < 0, `values` where input == 0, 1 where input > 0 (NaN gives 0),
 * as torch.heaviside. Both must have one dtype; not differentiable (as in torch, backward refuses).
 * `fl.heaviside(x, fl.tensor(0.5))`
 */
export function heaviside(input: Tensor, values: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('heaviside', 'input, values', arguments);
  const op = 'heaviside';
  need(input, op); need(values, op, 'values');
  if (input.dtype !== values.dtype) throw new DTypeError(`${op}: input and values must have one dtype, got ${String(input.dtype)} and ${String(values.dtype)} (as torch)`);
  commonDevice(op, input, values);
  broadcastShapes(op, input._shape, values._shape);
  const out = noGrad(() => scopeSync(() => {
    const step = gt(input, 0);
    return where(eq(input, 0), values, input.dtype === 'bool' ? step : step.to(input.dtype));
  }));
  notDifferentiable(op, [input, values], [out]);
  return out;
}

/** Whether the sign bit is set (bool; true for -0 and negative numbers), as torch.signbit. `fl.signbit(fl.tensor([-0, 1]))` */
export function signbit(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('signbit', 'input', arguments);
  need(input, 'signbit');
  if (input.dtype === 'bool' || input.dtype === 'uint8') return noGrad(() => ne(input, input));
  return noGrad(() => scopeSync(() => signBit(input) as Tensor));
}

/** The sign of each element (torch.sgn; for real tensors the same as `sign`). `fl.sgn(x)` */
export function sgn(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('sgn', 'input', arguments);
  if (isComplexTensor(input)) return complexHook('unary', 'sgn', input.dtype)('sgn', input);
  need(input, 'sgn');
  return sign(input);
}

/** `input ** exponent` computed in float64 (torch.float_power); either may be a number. `fl.floatPower(x, 2).dtype // 'float64'` */
export function floatPower(input: TensorLike, exponent: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('floatPower', 'input, exponent', arguments);
  const op = 'floatPower';
  const a = needArg(input, op, 'input'), b = needArg(exponent, op, 'exponent');
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new ValueError(`${op}: at least one of input and exponent must be a Tensor`);
  commonDevice(op, a, b);
  return scopeSync(() => pow(as(typeof a === 'boolean' ? +a : a, 'float64'), as(typeof b === 'boolean' ? +b : b, 'float64')));
}

/** True division, as torch.true_divide (an alias of `div` without a rounding mode). `fl.trueDivide(a, b)` */
export function trueDivide(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('trueDivide', 'input, other', arguments);
  return div(input, other);
}

/** The input itself (torch.positive: unary plus; bool is refused, as torch). `fl.positive(x) === x` */
export function positive(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('positive', 'input', arguments);
  need(input, 'positive');
  if (input.dtype === 'bool') throw new DTypeError('positive: the unary plus is not supported for bool tensors (as torch)');
  return input;
}

// ---- fused matrix products ------------------------------------------------------------------------------

const BETA_ALPHA = { beta: optional(A.num(), 1), alpha: optional(A.num(), 1) };
const MAT_ARGS = {
  addmm: signature('addmm', ['input', 'mat1', 'mat2'], { input: required(A.tensor), mat1: required(A.tensor), mat2: required(A.tensor), ...BETA_ALPHA }),
  addmv: signature('addmv', ['input', 'mat', 'vec'], { input: required(A.tensor), mat: required(A.tensor), vec: required(A.tensor), ...BETA_ALPHA }),
  addbmm: signature('addbmm', ['input', 'batch1', 'batch2'], { input: required(A.tensor), batch1: required(A.tensor), batch2: required(A.tensor), ...BETA_ALPHA }),
  baddbmm: signature('baddbmm', ['input', 'batch1', 'batch2'], { input: required(A.tensor), batch1: required(A.tensor), batch2: required(A.tensor), ...BETA_ALPHA }),
  addr: signature('addr', ['input', 'vec1', 'vec2'], { input: required(A.tensor), vec1: required(A.tensor), vec2: required(A.tensor), ...BETA_ALPHA }),
};
/** The scales of the fused products: `beta * input + alpha * product`. */
export interface BetaAlphaOptions {
  /** The input's scale (default 1; with 0 the input is ignored, NaN included). */ beta?: number;
  /** The product's scale (default 1). */ alpha?: number;
}

/** `beta * input + alpha * (mat1 @ mat2)` (torch.addmm; input broadcasts to the product's shape). `fl.addmm(bias, x, w.t())` */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options?: BetaAlphaOptions): Tensor;
export function addmm(...args: unknown[]): Tensor {
  const o = MAT_ARGS.addmm.parse(args);
  return fused('addmm', o.input, o.mat1, o.mat2, o.beta, o.alpha, [2, 2], ['mat1', 'mat2'], (a, b) => {
    if (a._shape[1] !== b._shape[0]) throw new ShapeError(`addmm: mat1 and mat2 shapes cannot be multiplied (${fmt(a._shape)} and ${fmt(b._shape)})`);
    return [a._shape[0], b._shape[1]];
  }, mm);
}
/** `beta * input + alpha * (mat @ vec)` (torch.addmv). `fl.addmv(b, A, x)` */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options?: BetaAlphaOptions): Tensor;
export function addmv(...args: unknown[]): Tensor {
  const o = MAT_ARGS.addmv.parse(args);
  return fused('addmv', o.input, o.mat, o.vec, o.beta, o.alpha, [2, 1], ['mat', 'vec'], (a, b) => {
    if (a._shape[1] !== b._shape[0]) throw new ShapeError(`addmv: size mismatch, mat ${fmt(a._shape)} and vec ${fmt(b._shape)}`);
    return [a._shape[0]];
  }, mv);
}
/** `beta * input + alpha * Σ_b batch1[b] @ batch2[b]` (torch.addbmm: the batch is summed). `fl.addbmm(c, a, b)` */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): Tensor;
export function addbmm(...args: unknown[]): Tensor {
  const o = MAT_ARGS.addbmm.parse(args);
  return fused('addbmm', o.input, o.batch1, o.batch2, o.beta, o.alpha, [3, 3], ['batch1', 'batch2'], (a, b) => {
    bmmShapes('addbmm', a, b);
    return [a._shape[1], b._shape[2]];
  }, (a, b) => sum(bmm(a, b), 0));
}
/** `beta * input + alpha * (batch1 @ batch2)`, batch by batch (torch.baddbmm). `fl.baddbmm(bias, q, k.mT, { alpha: scale })` */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): Tensor;
export function baddbmm(...args: unknown[]): Tensor {
  const o = MAT_ARGS.baddbmm.parse(args);
  return fused('baddbmm', o.input, o.batch1, o.batch2, o.beta, o.alpha, [3, 3], ['batch1', 'batch2'], (a, b) => {
    bmmShapes('baddbmm', a, b);
    return [a._shape[0], a._shape[1], b._shape[2]];
  }, bmm);
}
/** `beta * input + alpha * outer(vec1, vec2)` (torch.addr). `fl.addr(m, u, v)` */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, options?: BetaAlphaOptions): Tensor;
export function addr(...args: unknown[]): Tensor {
  const o = MAT_ARGS.addr.parse(args);
  return fused('addr', o.input, o.vec1, o.vec2, o.beta, o.alpha, [1, 1], ['vec1', 'vec2'], (a, b) => [a._shape[0], b._shape[0]], outer);
}
function bmmShapes(op: string, a: Tensor, b: Tensor): void {
  if (a._shape[0] !== b._shape[0] || a._shape[2] !== b._shape[1]) {
    throw new ShapeError(`${op}: batch1 and batch2 shapes do not match for a batched product (${fmt(a._shape)} and ${fmt(b._shape)})`);
  }
}

function fused(op: string, input: Tensor, a: Tensor, b: Tensor, beta: number, alpha: number, ranks: [number, number], names: [string, string],
  shapeOf: (a: Tensor, b: Tensor) => number[], product: (a: Tensor, b: Tensor) => Tensor): Tensor {
  need(input, op); need(a, op, names[0]); need(b, op, names[1]);
  if (a.ndim !== ranks[0] || b.ndim !== ranks[1]) {
    throw new ShapeError(`${op}: expected ${names[0]} of ${ranks[0]} dims and ${names[1]} of ${ranks[1]} dims, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  }
  if (a.dtype !== b.dtype || input.dtype !== a.dtype) {
    throw new DTypeError(`${op}: input, ${names[0]} and ${names[1]} must have the same dtype, got ${String(input.dtype)}, ${String(a.dtype)} and ${String(b.dtype)}`);
  }
  if (a.dtype === 'bool') throw new DTypeError(`${op}: not implemented for bool tensors`);
  commonDevice(op, input, a, b);
  const shape = shapeOf(a, b);
  const full = broadcastShapes(op, input._shape, shape);
  if (full.length !== shape.length || full.some((s, i) => s !== shape[i])) {
    throw new ShapeError(`${op}: input of shape ${fmt(input._shape)} does not broadcast to the product's shape ${fmt(shape)}`);
  }
  const dt = a.dtype;
  checkFillValue(beta, dt, op); checkFillValue(alpha, dt, op);
  const be = scalarFor(beta, dt), al = scalarFor(alpha, dt);
  return scopeSync(() => {
    let p = product(a, b);
    if (al !== 1) p = mul(p, al);
    if (be === 0) return p;  // torch ignores the input (NaN included)
    return add(be === 1 ? input : mul(input, be), p);
  });
}

// ---- reductions ---------------------------------------------------------------------------------------

const NAN_ARGS = {
  nansum: signature('nansum', ['input', 'dim', 'keepdim'], { input: required(A.tensor), dim: optional(dimsArg), keepdim: optional(A.bool, false), dtype: optional(A.dtype) }),
  nanmean: signature('nanmean', ['input', 'dim', 'keepdim'], { input: required(A.tensor), dim: optional(dimsArg), keepdim: optional(A.bool, false), dtype: optional(A.dtype) }),
};
/** nansum/nanmean's keyword option. */
export interface NanReduceOptions { /** Cast the input to this dtype first (torch's `dtype=`). */ dtype?: DType }

/** The sum with NaN taken as 0 (torch.nansum; integers and bool give int32). `fl.nansum(x, 1)`, `x.nansum({ dim: 0, keepdim: true })` */
export function nansum(input: Tensor, ...args: ArgsThenOptions<[dim: Dims | null, keepdim: boolean], NanReduceOptions>): Tensor;
export function nansum(...args: unknown[]): Tensor {
  const o = NAN_ARGS.nansum.parse(args);
  need(o.input, 'nansum');
  checkDims(o.input, o.dim, 'nansum');
  return nansumOp(o.input, o.dim ?? null, o.keepdim, o.dtype);
}
function nansumOp(x: Tensor, dim: Dims | null, keepdim: boolean, dtype: DType | undefined): Tensor {
  if (!isFloating(x.dtype)) return sum(x, { dim, keepdim, dtype });
  const xShape = x._shape;
  const dims = dim === null || (Array.isArray(dim) && dim.length === 0) ? range(x.ndim) : x.ndim === 0 ? [] : normDims(dim, x.ndim, 'nansum');
  const kept = xShape.map((s, i) => (dims.includes(i) ? 1 : s));
  // torch's gradient: g · !isnan(x) (a product: an infinite g, as nanmean's of an all-NaN slice, gives NaN there)
  return node('nansum', [x], () => sum(where(isnan(x), 0, x), { dim, keepdim, dtype }),
    (g, [sx]) => [mul(expand(reshape(g, kept), xShape), logicalNot(isnan(sx as Tensor)))]);
}

/** The mean of the elements that are not NaN (torch.nanmean; floating only; NaN where all are). `fl.nanmean(x, 0)` */
export function nanmean(input: Tensor, ...args: ArgsThenOptions<[dim: Dims | null, keepdim: boolean], NanReduceOptions>): Tensor;
export function nanmean(...args: unknown[]): Tensor {
  const o = NAN_ARGS.nanmean.parse(args);
  const x = need(o.input, 'nanmean');
  if (!isFloating(x.dtype)) throw new DTypeError(`nanmean: expected a floating input, got ${String(x.dtype)}`);
  if (o.dtype !== undefined && !isFloating(o.dtype)) throw new DTypeError(`nanmean: dtype must be floating, got ${String(o.dtype)}`);
  const dim = o.dim ?? null;
  checkDims(x, dim, 'nanmean');
  return scopeSync(() => div(nansumOp(x, dim, o.keepdim, o.dtype), sum(logicalNot(isnan(x)), { dim, keepdim: o.keepdim })));
}

/** What aminmax returns, as torch's named tuple: `[min, max]` with `.min` and `.max`. */
export type MinMax = readonly [min: Tensor, max: Tensor] & { readonly min: Tensor; readonly max: Tensor };
const AMINMAX_ARGS = signature('aminmax', ['input'], { input: required(A.tensor), dim: optional(A.nullable(A.int())), keepdim: optional(A.bool, false) });
/** aminmax's keyword options. */
export interface AminmaxOptions { /** The dim to reduce (default: every dim). */ dim?: number | null; /** Keep it with size 1 (default false). */ keepdim?: boolean }

/**
 * The smallest and largest elements (over `dim`, or all), as torch.aminmax: `[min, max]` with
 * `.min` and `.max`. Refuses an empty reduction; not differentiable (as in torch, backward refuses).
 * `const { min, max } = fl.aminmax(x, { dim: 1 })`
 */
export function aminmax(input: Tensor, options?: AminmaxOptions): MinMax;
export function aminmax(...args: unknown[]): MinMax {
  const o = AMINMAX_ARGS.parse(args);
  const x = need(o.input, 'aminmax');
  const dim = o.dim ?? null;
  const empty = dim === null ? x.numel === 0 : x.ndim > 0 && x._shape[normDim(dim, x.ndim, 'aminmax')] === 0;
  if (dim !== null && x.ndim === 0) normDim(dim, 0, 'aminmax');
  if (empty) throw new ValueError(`aminmax: cannot compute aminmax over an empty dimension (input shape ${fmt(x._shape)}, dim ${describeArg(dim)}): the operation has no identity`);
  const [lo, hi] = noGrad(() => scopeSync(() => {
    // torch 1.13: a 0-dim input along dim 0 with keepdim gives shape [1]
    const src = x.ndim === 0 && dim !== null && o.keepdim ? reshape(x, [1]) : x;
    const opts = { dim, keepdim: o.keepdim };
    return [amin(src, opts), amax(src, opts)];
  }));
  notDifferentiable('aminmax', [x], [lo, hi]);
  return namedTuple(['min', 'max'], [lo, hi]) as unknown as MinMax;
}

/** stdMean/varMean's arguments in torch 1.13's forms: (dim?, unbiased?, keepdim?, options?) or (unbiased). */
type VarArgs = [dim?: Dims | VarOptions | boolean | null, unbiased?: boolean | VarOptions, keepdim?: boolean];

/** The dims and keepdim of a var/std call (the call itself checks the arguments). */
function meanArgs(dim: unknown, opts: unknown, keepdim: unknown): { dim: Dims | null; keepdim: boolean } {
  const obj = (v: unknown): VarOptions | null => (A.isPlainObject(v) ? v as VarOptions : null);
  const d = obj(dim)?.dim ?? (typeof dim === 'number' || Array.isArray(dim) ? dim as Dims : obj(opts)?.dim ?? null);
  const k = typeof keepdim === 'boolean' ? keepdim : obj(opts)?.keepdim ?? obj(dim)?.keepdim ?? false;
  return { dim: d, keepdim: k };
}

/**
 * `[std, mean]` over `dim` (or all), in one call, as torch.std_mean: the arguments are std's
 * (`unbiased` or `{ correction }`, keepdim). `const [s, m] = fl.stdMean(x, 1, { keepdim: true })`
 */
export function stdMean(input: Tensor, ...args: VarArgs): readonly [std: Tensor, mean: Tensor] {
  if (arguments.length > 4) tooManyArgs('stdMean', 'input, dim, unbiased, keepdim', arguments);
  return spreadMean('stdMean', input, args, false);
}
/** `[var, mean]` over `dim` (or all), as torch.var_mean (var's arguments). `const [v, m] = fl.varMean(x, 0, false)` */
export function varMean(input: Tensor, ...args: VarArgs): readonly [variance: Tensor, mean: Tensor] {
  if (arguments.length > 4) tooManyArgs('varMean', 'input, dim, unbiased, keepdim', arguments);
  return spreadMean('varMean', input, args, true);
}
function spreadMean(op: string, x: Tensor, args: VarArgs, isVar: boolean): readonly [Tensor, Tensor] {
  need(x, op);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: only floating dtypes are supported, got ${String(x.dtype)}`);
  const [a, b, c] = args;
  let s: Tensor;
  try {
    s = (isVar ? variance : std)(x, a, b, c);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(isVar ? 'var:' : 'std:')) (e as { message: string }).message = `${op}:${e.message.slice(isVar ? 4 : 4)}`;
    throw e;
  }
  const { dim, keepdim } = meanArgs(a, b, c);
  try {
    return Object.freeze([s, mean(x, { dim: typeof a === 'boolean' ? null : dim, keepdim })]) as readonly [Tensor, Tensor];
  } catch (e) { s.dispose(); throw e; }
}

/** The number of nonzero elements over `dim` (one or several; all when omitted), int32 (torch: int64). `fl.countNonzero(x, 0)` */
export function countNonzero(input: Tensor, ...args: ArgsThenOptions<[dim: Dims | null], { dim?: Dims | null }>): Tensor;
export function countNonzero(): Tensor {
  const { input, dim } = KW.countNonzero.parse(argsOf(arguments));
  need(input, 'countNonzero');
  if (dim !== undefined && dim !== null) dimsArg(dim, 'countNonzero: dim');
  checkDims(input, dim, 'countNonzero');
  return scopeSync(() => sum(ne(input, 0), { dim: dim ?? null }));
}

// ---- closeness --------------------------------------------------------------------------------------

const CLOSE = { rtol: optional(A.num(), 1e-5), atol: optional(A.num(), 1e-8), equalNan: optional(A.bool, false) };
const CLOSE_ARGS = {
  isclose: signature('isclose', ['input', 'other', 'rtol', 'atol', 'equalNan'], { input: required(A.tensor), other: required(A.tensor), ...CLOSE }),
  allclose: signature('allclose', ['input', 'other', 'rtol', 'atol', 'equalNan'], { input: required(A.tensor), other: required(A.tensor), ...CLOSE }),
};
/** isclose/allclose's tolerances. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */ rtol?: number;
  /** Absolute tolerance (default 1e-8). */ atol?: number;
  /** NaN equals NaN (default false). */ equalNan?: boolean;
}

/**
 * Elementwise `|input - other| <= atol + rtol·|other|` (equal infinities too; NaN with `equalNan`),
 * as torch.isclose: a bool tensor. Both must have one dtype. `fl.isclose(a, b, { atol: 1e-6 })`
 */
export function isclose(input: Tensor, other: Tensor, ...args: ArgsThenOptions<[rtol: number, atol: number, equalNan: boolean], CloseOptions>): Tensor;
export function isclose(...args: unknown[]): Tensor {
  const o = CLOSE_ARGS.isclose.parse(args);
  return iscloseOp('isclose', o.input, o.other, o.rtol, o.atol, o.equalNan);
}
function iscloseOp(op: string, a: Tensor, b: Tensor, rtol: number, atol: number, equalNan: boolean): Tensor {
  if (isComplexTensor(a) || isComplexTensor(b)) {
    if (a.dtype !== b.dtype) throw new DTypeError(`${op}: input and other must have one dtype, got ${String(a.dtype)} and ${String(b.dtype)}`);
    if (!(rtol >= 0) || !(atol >= 0)) throw new ValueError(`${op}: rtol and atol must be greater than or equal to zero, got ${describeArg(rtol)} and ${describeArg(atol)}`);
    return complexHook('isclose', op, a.dtype)(op, a, b, rtol, atol, equalNan);
  }
  need(a, op); need(b, op, 'other');
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: input and other must have one dtype, got ${String(a.dtype)} and ${String(b.dtype)}`);
  if (!(rtol >= 0)) throw new ValueError(`${op}: rtol must be greater than or equal to zero, got ${describeArg(rtol)}`);
  if (!(atol >= 0)) throw new ValueError(`${op}: atol must be greater than or equal to zero, got ${describeArg(atol)}`);
  commonDevice(op, a, b);
  const shape = broadcastShapes(op, a._shape, b._shape);
  if (equalNan && isFloating(a.dtype) && (shape.length !== a._shape.length || shape.some((s, i) => s !== a._shape[i]))) {
    // torch 1.13 ors the NaN test into a tensor of input's shape in place: it refuses a smaller input
    throw new ShapeError(`${op}: with equalNan, input's shape ${fmt(a._shape)} must be the broadcast shape ${fmt(shape)} (as torch 1.13)`);
  }
  return noGrad(() => scopeSync(() => {
    let close = eq(a, b);
    if (equalNan && isFloating(a.dtype)) close = logicalOr(close, logicalAnd(isnan(a), isnan(b)));
    if (rtol === 0 && atol === 0) return close;
    const A_ = isFloating(a.dtype) ? a : a.to('float32'), B_ = isFloating(b.dtype) ? b : b.to('float32');
    const allowed = add(abs(mul(B_, rtol)), atol), actual = abs(sub(A_, B_));
    return logicalOr(close, logicalAnd(isfinite(actual), le(actual, allowed)));
  }));
}

/** Whether every element is close (see {@link isclose}): a JavaScript boolean, as torch.allclose's Python bool. `fl.allclose(a, b)` */
export function allclose(input: Tensor, other: Tensor, ...args: ArgsThenOptions<[rtol: number, atol: number, equalNan: boolean], CloseOptions>): boolean;
export function allclose(...args: unknown[]): boolean {
  const o = CLOSE_ARGS.allclose.parse(args);
  return scopeSync(() => !!all(iscloseOp('allclose', o.input, o.other, o.rtol, o.atol, o.equalNan)).item());
}

/** Whether both have the same shape and elements (NaN is unequal): a JavaScript boolean, as torch.equal. `fl.equal(a, b)` */
export function equal(input: Tensor, other: Tensor): boolean {
  if (arguments.length > 2) tooManyArgs('equal', 'input, other', arguments);
  if (isComplexTensor(input) || isComplexTensor(other)) { input._storageHandle('equal'); other._storageHandle('equal'); } else { need(input, 'equal'); need(other, 'equal', 'other'); }
  commonDevice('equal', input, other);
  if (input._shape.length !== other._shape.length || input._shape.some((s, i) => s !== other._shape[i])) return false;
  return noGrad(() => scopeSync(() => !!all(eq(input, other)).item()));
}

// ---- covariance ---------------------------------------------------------------------------------------

const COV_ARGS = signature('cov', ['input'], {
  input: required(A.tensor), correction: optional(A.int(), 1), fweights: optional(A.nullable(A.tensor)), aweights: optional(A.nullable(A.tensor)),
});
/** cov's keyword options. */
export interface CovOptions {
  /** Subtracted from the (weighted) number of observations in the divisor (default 1; 0: population). */ correction?: number;
  /** Integer frequency weights, one per observation. */ fweights?: Tensor | null;
  /** Floating observation weights, one per observation. */ aweights?: Tensor | null;
}

/**
 * The covariance matrix of the variables in the rows of `input` (observations in the columns; a
 * 1-D input is one variable), as torch.cov, with optional frequency and observation weights.
 * Integers compute in float32. `fl.cov(x)`, `fl.cov(x, { correction: 0, aweights: w })`
 */
export function cov(input: Tensor, options?: CovOptions): Tensor;
export function cov(...args: unknown[]): Tensor {
  const o = COV_ARGS.parse(args);
  return covOp('cov', o.input, o.correction, o.fweights ?? null, o.aweights ?? null);
}

function covOp(op: string, x: Tensor, correction: number, fw: Tensor | null, aw: Tensor | null): Tensor {
  need(x, op);
  if (x.ndim > 2) throw new ShapeError(`${op}: expected input with two or fewer dimensions, got shape ${fmt(x._shape)}`);
  const n = x.ndim < 2 ? x.numel : x._shape[1];
  const checkW = (w: Tensor, name: string, integral: boolean) => {
    need(w, op, name);
    if (w.ndim > 1) throw new ShapeError(`${op}: expected ${name} to have one or fewer dimensions, got shape ${fmt(w._shape)}`);
    if (w.numel !== n) throw new ShapeError(`${op}: expected ${name} to have the same number of elements as the observations (${n}), got shape ${fmt(w._shape)}`);
    if (integral && isFloating(w.dtype)) throw new DTypeError(`${op}: expected fweights to have an integral dtype, got ${String(w.dtype)}`);
    if (!integral && !isFloating(w.dtype)) throw new DTypeError(`${op}: expected aweights to have a floating dtype, got ${String(w.dtype)}`);
    commonDevice(op, x, w);
    if (n > 0 && noGrad(() => scopeSync(() => amin(w).item() as number)) < 0) throw new ValueError(`${op}: ${name} cannot be negative`);
  };
  if (fw) checkW(fw, 'fweights', true);
  if (aw) checkW(aw, 'aweights', false);
  const dt = floatType(x, ...(aw ? [aw] : []));
  return scopeSync(() => {
    const X = reshape(as(x, dt) as Tensor, x.ndim < 2 ? [1, x.numel] : x._shape);
    let w: Tensor | null = fw ? fw.to(dt) : null;
    const a = aw ? aw.to(dt) : null;
    if (a) w = w ? mul(w, a) : a;
    const wSum: TensorLike = w ? sum(w) : n;
    if (w && (wSum as Tensor).item() === 0) throw new ValueError(`${op}: the weights sum to zero, the covariance cannot be normalized`);
    const avg = div(sum(w ? mul(X, w) : X, 1), wSum);
    let norm: TensorLike;
    if (w && correction !== 0) norm = a ? sub(wSum, div(mul(sum(mul(w, a)), correction), wSum)) : sub(wSum, correction);
    else norm = typeof wSum === 'number' ? wSum - correction : sub(wSum, correction);
    norm = typeof norm === 'number' ? Math.max(norm, 0) : clamp(norm, 0);
    const centered = sub(X, unsqueeze(avg, 1));
    const c = mm(centered, (w ? mul(centered, w) : centered).t());
    return squeeze(div(c, norm));
  });
}

/** The Pearson correlation coefficients of the rows of `input` (torch.corrcoef), clipped to [-1, 1]. `fl.corrcoef(x)` */
export function corrcoef(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('corrcoef', 'input', arguments);
  const c = covOp('corrcoef', input, 1, null, null);
  if (c.ndim === 0) { try { return div(c, c); } finally { c.dispose(); } }
  try {
    return scopeSync(() => {
      const s = sqrt(diagonal(c));
      return clamp(div(div(c, unsqueeze(s, 1)), unsqueeze(s, 0)), -1, 1);
    });
  } finally { c.dispose(); }
}

// ---- quantiles ------------------------------------------------------------------------------------------

/** How a quantile between two elements is read. */
export type QuantileInterpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';
const INTERPOLATION = A.oneOf<QuantileInterpolation>('linear', 'lower', 'higher', 'midpoint', 'nearest');
const Q_PARAMS = {
  input: required(A.tensor), q: required(A.either<number, Tensor>(A.num(), A.tensor)), dim: optional(A.nullable(A.int())),
  keepdim: optional(A.bool, false), interpolation: optional(INTERPOLATION, 'linear' as QuantileInterpolation),
};
const Q_ARGS = {
  quantile: signature('quantile', ['input', 'q', 'dim', 'keepdim'], Q_PARAMS),
  nanquantile: signature('nanquantile', ['input', 'q', 'dim', 'keepdim'], Q_PARAMS),
};
/** quantile's keyword option. */
export interface QuantileOptions { /** Between two elements: 'linear' (default), 'lower', 'higher', 'midpoint' or 'nearest'. */ interpolation?: QuantileInterpolation }

/**
 * The q-th quantiles over `dim` (or of all elements), as torch.quantile: `q` is a number or a 0-D
 * or 1-D tensor in [0, 1] (a 1-D q adds a leading dim); a slice with a NaN gives NaN. float32 and
 * float64 only. The gradient goes to the elements read. `fl.quantile(x, 0.5, 1)`, `fl.quantile(x, q, { interpolation: 'nearest' })`
 */
export function quantile(input: Tensor, q: number | Tensor, ...args: ArgsThenOptions<[dim: number | null, keepdim: boolean], QuantileOptions>): Tensor;
export function quantile(...args: unknown[]): Tensor {
  const o = Q_ARGS.quantile.parse(args);
  return quantileOp('quantile', o.input, o.q, o.dim ?? null, o.keepdim, o.interpolation, false);
}
/** As {@link quantile}, ignoring NaN (a slice of NaN only gives NaN), as torch.nanquantile. `fl.nanquantile(x, 0.9, 0)` */
export function nanquantile(input: Tensor, q: number | Tensor, ...args: ArgsThenOptions<[dim: number | null, keepdim: boolean], QuantileOptions>): Tensor;
export function nanquantile(...args: unknown[]): Tensor {
  const o = Q_ARGS.nanquantile.parse(args);
  return quantileOp('nanquantile', o.input, o.q, o.dim ?? null, o.keepdim, o.interpolation, true);
}

function quantileOp(op: string, x: Tensor, q: number | Tensor, dim: number | null, keepdim: boolean, mode: QuantileInterpolation, ignoreNan: boolean): Tensor {
  need(x, op);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`${op}: input must be float32 or float64, got ${String(x.dtype)}`);
  if (x.numel === 0) throw new ValueError(`${op}: input tensor must be non-empty (shape ${fmt(x._shape)})`);
  let qs: number[];
  if (q instanceof Tensor) {
    need(q, op, 'q');
    if (q.ndim > 1) throw new ShapeError(`${op}: q must be a scalar or a 1-D tensor, got shape ${fmt(q._shape)}`);
    if (q.dtype !== x.dtype) throw new DTypeError(`${op}: q must have the input's dtype ${String(x.dtype)}, got ${String(q.dtype)}`);
    commonDevice(op, x, q);
    qs = Array.from(q.detach().to('float64').dataSync() as Float64Array);
  } else qs = [q];
  if (!qs.every((v) => v >= 0 && v <= 1)) throw new ValueError(`${op}: q values must be in the range [0, 1], got ${describeArg(qs)}`);
  const d = dim === null ? null : normDim(dim, x.ndim, op);
  const vector = q instanceof Tensor && q.ndim === 1;
  return scopeSync(() => {
    // the reduced dim last: [...rest, n]
    const xt = d === null ? reshape(x, [x.numel]) : x.ndim === 0 ? reshape(x, [1]) : permute(x, [...range(x.ndim).filter((i) => i !== d), d]);
    const sorted = sort(xt, -1)[0];  // NaN sorts last
    const rest = sorted._shape.slice(0, -1), n = sorted._shape[sorted.ndim - 1];
    const Q = qs.length;
    // (q is differentiable too, as torch's: through the ranks and the interpolation weights)
    const qt = (q instanceof Tensor ? q : tensor([q], { dtype: x.dtype, device: x.device })).reshape([Q, ...rest.map(() => 1), 1]);
    let ranks: Tensor;
    const nanCount = sum(isnan(sorted), { dim: -1, keepdim: true });
    if (ignoreNan) {
      ranks = mul(qt, sub(sub(n, nanCount), 1).to(x.dtype));
      ranks = where(lt(ranks, 0), 0, ranks);
    } else {
      ranks = maximum(mul(qt, n - 1), mul(gt(nanCount, 0).to(x.dtype), n - 1));
    }
    if (mode === 'lower') ranks = floor(ranks);
    else if (mode === 'higher') ranks = ceil(ranks);
    else if (mode === 'nearest') ranks = round(ranks);
    const full = [Q, ...rest, n];
    const src = expand(unsqueeze(sorted, 0), full);
    const below = floor(ranks);
    let r = gather(src, -1, below.to('int32'));
    if (mode === 'linear' || mode === 'midpoint') {
      const above = gather(src, -1, ceil(ranks).to('int32'));
      const w: number | Tensor = mode === 'midpoint' ? 0.5 : sub(ranks, below);
      // torch's at::lerp, two-sided (b − (b − a)(1 − w) from w = 0.5): between −inf and a finite value
      // at w ≥ 0.5 it gives −inf, where a + w(b − a) gives NaN (quantile([−inf, 1, 2, inf], 0.2))
      r = lerp(r, above, w);
    }
    r = squeeze(r, -1);  // [Q, ...rest]
    if (keepdim) {
      if (d === null) r = reshape(r, [Q, ...x._shape.map(() => 1)]);
      else if (x.ndim > 0) r = unsqueeze(r, d + 1);
    }
    return vector ? r : squeeze(r, 0);
  });
}

// ---- methods ------------------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link lerp}. */
    lerp(end: Tensor, weight: number | Tensor): Tensor;
    lerp(end: Tensor, options: { weight: number | Tensor }): Tensor;
    lerp(options: { end: Tensor; weight: number | Tensor }): Tensor;
    /** In place: see {@link lerp}. */ lerp_(end: Tensor, weight: number | Tensor): Tensor;
    /** See {@link addcmul}. */ addcmul(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
    /** In place: see {@link addcmul}. */ addcmul_(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
    /** See {@link addcdiv}. */ addcdiv(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
    /** In place: see {@link addcdiv}. */ addcdiv_(tensor1: Tensor, tensor2: Tensor, options?: AddcOptions): Tensor;
    /** See {@link hypot}. */ hypot(other: Tensor): Tensor;
    /** See {@link logaddexp}. */ logaddexp(other: Tensor): Tensor;
    /** See {@link logaddexp2}. */ logaddexp2(other: Tensor): Tensor;
    /** See {@link xlogy}. */ xlogy(other: Tensor | number): Tensor;
    /** See {@link logit}. */ logit(...args: ArgsThenOptions<[eps: number | null], { eps?: number | null }>): Tensor;
    /** See {@link sinc}. */ sinc(): Tensor;
    /** See {@link fmod}. */ fmod(other: TensorLike): Tensor;
    /** In place: see {@link fmod}. */ fmod_(other: TensorLike): Tensor;
    /** See {@link copysign}. */ copysign(other: TensorLike): Tensor;
    /** See {@link nanToNum}. */ nanToNum(...args: ArgsThenOptions<[nan: number, posinf: number | null, neginf: number | null], NanToNumOptions>): Tensor;
    /** In place: see {@link nanToNum}. */ nanToNum_(...args: ArgsThenOptions<[nan: number, posinf: number | null, neginf: number | null], NanToNumOptions>): Tensor;
    /** See {@link clampMin}. */ clampMin(min: TensorLike): Tensor;
    /** In place (a number bound): see {@link clampMin}. */ clampMin_(min: number): Tensor;
    /** See {@link clampMax}. */ clampMax(max: TensorLike): Tensor;
    /** In place (a number bound): see {@link clampMax}. */ clampMax_(max: number): Tensor;
    /** See {@link deg2rad}. */ deg2rad(): Tensor;
    /** See {@link rad2deg}. */ rad2deg(): Tensor;
    /** See {@link frac}. */ frac(): Tensor;
    /** See {@link heaviside}. */ heaviside(values: Tensor): Tensor;
    /** See {@link signbit}. */ signbit(): Tensor;
    /** See {@link sgn}. */ sgn(): Tensor;
    /** See {@link floatPower}. */ floatPower(exponent: TensorLike): Tensor;
    /** See {@link trueDivide}. */ trueDivide(other: TensorLike): Tensor;
    /** See {@link positive}. */ positive(): Tensor;
    /** See {@link addmm}. */ addmm(mat1: Tensor, mat2: Tensor, options?: BetaAlphaOptions): Tensor;
    /** See {@link addmv}. */ addmv(mat: Tensor, vec: Tensor, options?: BetaAlphaOptions): Tensor;
    /** See {@link addbmm}. */ addbmm(batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): Tensor;
    /** See {@link baddbmm}. */ baddbmm(batch1: Tensor, batch2: Tensor, options?: BetaAlphaOptions): Tensor;
    /** See {@link addr}. */ addr(vec1: Tensor, vec2: Tensor, options?: BetaAlphaOptions): Tensor;
    /** See {@link nansum}. */ nansum(...args: ArgsThenOptions<[dim: Dims | null, keepdim: boolean], NanReduceOptions>): Tensor;
    /** See {@link nanmean}. */ nanmean(...args: ArgsThenOptions<[dim: Dims | null, keepdim: boolean], NanReduceOptions>): Tensor;
    /** See {@link aminmax}. */ aminmax(options?: AminmaxOptions): MinMax;
    /** See {@link countNonzero}. */ countNonzero(...args: ArgsThenOptions<[dim: Dims | null], { dim?: Dims | null }>): Tensor;
    /** See {@link isclose}. */ isclose(other: Tensor, ...args: ArgsThenOptions<[rtol: number, atol: number, equalNan: boolean], CloseOptions>): Tensor;
    /** See {@link allclose}. */ allclose(other: Tensor, ...args: ArgsThenOptions<[rtol: number, atol: number, equalNan: boolean], CloseOptions>): boolean;
    /** See {@link equal}. */ equal(other: Tensor): boolean;
    /** See {@link cov}. */ cov(options?: CovOptions): Tensor;
    /** See {@link corrcoef}. */ corrcoef(): Tensor;
    /** See {@link quantile}. */ quantile(q: number | Tensor, ...args: ArgsThenOptions<[dim: number | null, keepdim: boolean], QuantileOptions>): Tensor;
    /** See {@link nanquantile}. */ nanquantile(q: number | Tensor, ...args: ArgsThenOptions<[dim: number | null, keepdim: boolean], QuantileOptions>): Tensor;
  }
}

P.lerp = function (this: Tensor, ...a: unknown[]) { return (lerp as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['lerp'];
P.lerp_ = function (end, weight) {
  if (arguments.length > 2) tooManyArgs('lerp_', 'end, weight', arguments);
  return inplace(this, 'lerp_', [end, weight], () => lerp(this, end, weight));
};
P.addcmul = function (this: Tensor, ...args: unknown[]) { return (addcmul as (...a: unknown[]) => Tensor)(this, ...args); } as Tensor['addcmul'];
P.addcmul_ = function (this: Tensor, ...args: unknown[]) {
  return inplace(this, 'addcmul_', args, () => (addcmul as (...a: unknown[]) => Tensor)(this, ...args));
} as Tensor['addcmul_'];
P.addcdiv = function (this: Tensor, ...args: unknown[]) { return (addcdiv as (...a: unknown[]) => Tensor)(this, ...args); } as Tensor['addcdiv'];
P.addcdiv_ = function (this: Tensor, ...args: unknown[]) {
  return inplace(this, 'addcdiv_', args, () => (addcdiv as (...a: unknown[]) => Tensor)(this, ...args));
} as Tensor['addcdiv_'];
P.hypot = function (o) { if (arguments.length > 1) tooManyArgs('hypot', 'other', arguments); return hypot(this, o); };
P.logaddexp = function (o) { if (arguments.length > 1) tooManyArgs('logaddexp', 'other', arguments); return logaddexp(this, o); };
P.logaddexp2 = function (o) { if (arguments.length > 1) tooManyArgs('logaddexp2', 'other', arguments); return logaddexp2(this, o); };
P.xlogy = function (o) { if (arguments.length > 1) tooManyArgs('xlogy', 'other', arguments); return xlogy(this, o); };
P.logit = function (this: Tensor, ...a: unknown[]) { return (logit as (...b: unknown[]) => Tensor)(this, ...a); };
P.sinc = function () { if (arguments.length > 0) tooManyArgs('sinc', '', arguments); return sinc(this); };
P.fmod = function (o) { if (arguments.length > 1) tooManyArgs('fmod', 'other', arguments); return fmod(this, o); };
P.fmod_ = function (o) { if (arguments.length > 1) tooManyArgs('fmod_', 'other', arguments); return inplace(this, 'fmod_', [o], () => fmod(this, o)); };
P.copysign = function (o) { if (arguments.length > 1) tooManyArgs('copysign', 'other', arguments); return copysign(this, o); };
P.nanToNum = function (this: Tensor, ...args: unknown[]) { return (nanToNum as (...a: unknown[]) => Tensor)(this, ...args); } as Tensor['nanToNum'];
P.nanToNum_ = function (this: Tensor, ...args: unknown[]) {
  return inplace(this, 'nanToNum_', [], () => (nanToNum as (...a: unknown[]) => Tensor)(this, ...args));
} as Tensor['nanToNum_'];
P.clampMin = function (m) { if (arguments.length > 1) tooManyArgs('clampMin', 'min', arguments); return clampMin(this, m); };
P.clampMax = function (m) { if (arguments.length > 1) tooManyArgs('clampMax', 'max', arguments); return clampMax(this, m); };
P.clampMin_ = function (m) {
  if (arguments.length > 1) tooManyArgs('clampMin_', 'min', arguments);
  if (typeof m !== 'number') throw new ValueError(`clampMin_: min must be a number, got ${describeArg(m)}`);
  return Number.isNaN(m) ? this.clamp_(m, m) : this.clamp_(m);  // NaN: as clampMin
};
P.clampMax_ = function (m) {
  if (arguments.length > 1) tooManyArgs('clampMax_', 'max', arguments);
  if (typeof m !== 'number') throw new ValueError(`clampMax_: max must be a number, got ${describeArg(m)}`);
  return this.clamp_(Number.isNaN(m) ? m : null, m);  // NaN: as clampMax
};
P.deg2rad = function () { if (arguments.length > 0) tooManyArgs('deg2rad', '', arguments); return deg2rad(this); };
P.rad2deg = function () { if (arguments.length > 0) tooManyArgs('rad2deg', '', arguments); return rad2deg(this); };
P.frac = function () { if (arguments.length > 0) tooManyArgs('frac', '', arguments); return frac(this); };
P.heaviside = function (v) { if (arguments.length > 1) tooManyArgs('heaviside', 'values', arguments); return heaviside(this, v); };
P.signbit = function () { if (arguments.length > 0) tooManyArgs('signbit', '', arguments); return signbit(this); };
P.sgn = function () { if (arguments.length > 0) tooManyArgs('sgn', '', arguments); return sgn(this); };
P.floatPower = function (e) { if (arguments.length > 1) tooManyArgs('floatPower', 'exponent', arguments); return floatPower(this, e); };
P.trueDivide = function (o) { if (arguments.length > 1) tooManyArgs('trueDivide', 'other', arguments); return trueDivide(this, o); };
P.positive = function () { if (arguments.length > 0) tooManyArgs('positive', '', arguments); return positive(this); };
for (const name of ['addmm', 'addmv', 'addbmm', 'baddbmm', 'addr', 'nansum', 'nanmean', 'aminmax', 'isclose', 'allclose', 'cov', 'quantile', 'nanquantile'] as const) {
  const f = ({ addmm, addmv, addbmm, baddbmm, addr, nansum, nanmean, aminmax, isclose, allclose, cov, quantile, nanquantile } as Record<string, unknown>)[name] as (...a: unknown[]) => unknown;
  (P as unknown as Record<string, unknown>)[name] = function (this: Tensor, ...args: unknown[]) { return f(this, ...args); };
}
P.countNonzero = function (this: Tensor, ...a: unknown[]) { return (countNonzero as (...b: unknown[]) => Tensor)(this, ...a); };
P.equal = function (o) { if (arguments.length > 1) tooManyArgs('equal', 'other', arguments); return equal(this, o); };
P.corrcoef = function () { if (arguments.length > 0) tooManyArgs('corrcoef', '', arguments); return corrcoef(this); };
