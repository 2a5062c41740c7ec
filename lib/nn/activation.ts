// activation.ts — the activations of torch.nn that are compositions of flintml's elementwise ops:
// the functions of `fl.nn.functional` (elu, selu, celu, mish, hardtanh, relu6, logsigmoid, softsign,
// hardsigmoid, glu, softmin, tanhshrink, softshrink, hardshrink, threshold, prelu, rrelu, and
// softplus with torch's beta and threshold) and their modules (`nn.ELU`, …, `nn.PReLU` with its
// weight parameter, `nn.Softmax2d`, `nn.Softplus`).
//
// Each is written with where/clamp/exp/… so it runs on every device and takes its gradient (and
// its second derivative) from those ops; the branches are chosen so that the gradient at a kink is
// torch's (hardtanh and the shrinks pass none at their bounds, elu passes alpha at 0, logsigmoid
// 1/2 at 0) and so that an untaken branch cannot turn into inf·0 = NaN in the backward pass.
// float16 and bfloat16 inputs are computed in float32 and rounded once, as torch's kernels do.
//
// `inplace` (torch's flag on the functions and modules) writes the result into the input and returns
// the input when no gradient is recorded for it; while the input requires grad (and grad is
// enabled) the result is computed out of place, as flintml refuses in-place ops on such tensors.
import { describeArg } from '../arity';
import { runFloat32 } from '../amp';
import { DType, isFloating } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { fmt, normDim } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import {
  abs, add, clamp, div, exp, expm1, ge, gt, le, leakyRelu, log1p, logicalAnd, logicalOr, lt, mul, neg, sigmoid,
  softplus as softplusOp, sub, tanh, where, relu as reluOp, silu as siluOp, hardswish as hardswishOp,
} from '../ops/elementwise';
import { rand } from '../ops/random';
import { softmax } from '../ops/softmax';
import { narrow, reshape } from '../ops/views';
import { Module } from './module';
import { inplaceResult } from './inplace';
import { newParameter, pyBool, pyFloat } from './params';
import type { FactoryOptions } from './params';
import * as A from '../args';
import { factoryKeywords as FACTORY, optional, required, signature } from '../args';

const T = required(A.anyValue<Tensor>());
const INPLACE = optional(A.bool, false);
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

const F_ARGS = {
  // F.relu / F.silu / F.hardswish(input, inplace=False) (fl.relu, fl.silu, fl.hardswish are torch's, without it)
  relu: signature('relu', ['input', 'inplace'], { input: T, inplace: INPLACE }),
  silu: signature('silu', ['input', 'inplace'], { input: T, inplace: INPLACE }),
  hardswish: signature('hardswish', ['input', 'inplace'], { input: T, inplace: INPLACE }),
  elu: signature('elu', ['input', 'alpha', 'inplace'], { input: T, alpha: optional(A.num(), 1), inplace: INPLACE }),
  selu: signature('selu', ['input', 'inplace'], { input: T, inplace: INPLACE }),
  celu: signature('celu', ['input', 'alpha', 'inplace'], { input: T, alpha: optional(A.num(), 1), inplace: INPLACE }),
  mish: signature('mish', ['input', 'inplace'], { input: T, inplace: INPLACE }),
  hardtanh: signature('hardtanh', ['input', 'minVal', 'maxVal', 'inplace'], { input: T, minVal: optional(A.num(), -1), maxVal: optional(A.num(), 1), inplace: INPLACE }),
  relu6: signature('relu6', ['input', 'inplace'], { input: T, inplace: INPLACE }),
  logsigmoid: signature('logsigmoid', ['input'], { input: T }),
  softsign: signature('softsign', ['input'], { input: T }),
  hardsigmoid: signature('hardsigmoid', ['input', 'inplace'], { input: T, inplace: INPLACE }),
  glu: signature('glu', ['input', 'dim'], { input: T, dim: optional(A.int(), -1) }),
  softmin: signature('softmin', ['input', 'dim'], { input: T, dim: required(A.int()), dtype: optional(A.nullable(A.dtype), null) }),
  tanhshrink: signature('tanhshrink', ['input'], { input: T }),
  softshrink: signature('softshrink', ['input', 'lambd'], { input: T, lambd: optional(A.num(), 0.5) }),
  hardshrink: signature('hardshrink', ['input', 'lambd'], { input: T, lambd: optional(A.num(), 0.5) }),
  threshold: signature('threshold', ['input', 'threshold', 'value', 'inplace'], { input: T, threshold: required(A.num()), value: required(A.num()), inplace: INPLACE }),
  prelu: signature('prelu', ['input', 'weight'], { input: T, weight: T }),
  rrelu: signature('rrelu', ['input', 'lower', 'upper', 'training', 'inplace'], {
    input: T, lower: optional(A.num(), 1 / 8), upper: optional(A.num(), 1 / 3), training: optional(A.bool, false), inplace: INPLACE,
  }),
  softplus: signature('softplus', ['input', 'beta', 'threshold'], { input: T, beta: optional(A.num(), 1), threshold: optional(A.num(), 20) }),
};

function needTensor(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}
function needFloat(x: Tensor, op: string, what = 'input'): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: ${what} must be floating (float32, float64, float16, bfloat16), got ${x.dtype}`);
}
function needNotBool(x: Tensor, op: string): void {
  if (x.dtype === 'bool') throw new DTypeError(`${op}: input must be a number tensor, got bool`);
}

/** f(x) in float32 for a 16-bit float x, rounded once to x's dtype (torch's kernels compute so). */
function wide(x: Tensor, f: (x: Tensor) => Tensor): Tensor {
  if (x.dtype !== 'float16' && x.dtype !== 'bfloat16') return scopeSync(() => f(x));
  const dt = x.dtype;
  return scopeSync(() => f(x.to('float32')).to(dt));
}

/** x for x > 0, alpha·(e^(x·s) - 1) elsewhere (elu, selu and celu's shared form; gradient alpha·s at 0). */
function eluCore(x: Tensor, alpha: number, inputScale: number, scale: number): Tensor {
  const neg = le(x, 0);
  const e = mul(expm1(mul(clamp(x, null, 0), inputScale)), alpha);
  const y = where(neg, e, x);
  return scale === 1 ? y : mul(y, scale);
}

/**
 * max(x, 0), as `torch.nn.functional.relu(input, inplace=False)`: `fl.relu` (torch.relu) with torch's
 * `inplace` (lib/nn/inplace.ts: written into the input unless a gradient is recorded for it).
 * ```ts
 * const y = F.relu(x, { inplace: true });   // y is x
 * ```
 */
export function relu(input: Tensor, inplace?: boolean): Tensor;
export function relu(input: Tensor, options: { inplace?: boolean }): Tensor;
export function relu(...args: unknown[]): Tensor {
  if (args.length === 1) return reluOp(args[0] as Tensor);
  const o = F_ARGS.relu.parse(args);
  return inplaceResult(o.input, reluOp(o.input), o.inplace);
}
/**
 * x·sigmoid(x), as `torch.nn.functional.silu(input, inplace=False)`: `fl.silu` with torch's `inplace`.
 * ```ts
 * const y = F.silu(x, { inplace: true });
 * ```
 */
export function silu(input: Tensor, inplace?: boolean): Tensor;
export function silu(input: Tensor, options: { inplace?: boolean }): Tensor;
export function silu(...args: unknown[]): Tensor {
  if (args.length === 1) return siluOp(args[0] as Tensor);
  const o = F_ARGS.silu.parse(args);
  return inplaceResult(o.input, siluOp(o.input), o.inplace);
}
/**
 * x·relu6(x + 3)/6, as `torch.nn.functional.hardswish(input, inplace=False)`: `fl.hardswish` with torch's `inplace`.
 * ```ts
 * const y = F.hardswish(x, { inplace: true });
 * ```
 */
export function hardswish(input: Tensor, inplace?: boolean): Tensor;
export function hardswish(input: Tensor, options: { inplace?: boolean }): Tensor;
export function hardswish(...args: unknown[]): Tensor {
  if (args.length === 1) return hardswishOp(args[0] as Tensor);
  const o = F_ARGS.hardswish.parse(args);
  return inplaceResult(o.input, hardswishOp(o.input), o.inplace);
}

/**
 * Exponential linear unit: x for x > 0, alpha·(eˣ - 1) elsewhere, as
 * `torch.nn.functional.elu(input, alpha=1.0, inplace=False)`: `F.elu(x, 0.5)`.
 */
export function elu(input: Tensor, alpha?: number, inplace?: boolean): Tensor;
export function elu(input: Tensor, options: { alpha?: number; inplace?: boolean }): Tensor;
export function elu(...args: unknown[]): Tensor {
  const o = F_ARGS.elu.parse(args);
  return eluOp(o.input, o.alpha, o.inplace, 'elu');
}
/** @internal elu naming the calling layer. */
function eluOp(x: Tensor, alpha: number, inplace: boolean, op: string): Tensor {
  needTensor(x, op); needFloat(x, op);
  return inplaceResult(x, wide(x, (v) => eluCore(v, alpha, 1, 1)), inplace);
}

/**
 * Scaled ELU, scale·elu(x, α) with torch's constants (α ≈ 1.6733, scale ≈ 1.0507), as
 * `torch.nn.functional.selu(input, inplace=False)`: `F.selu(x)`.
 */
export function selu(input: Tensor, inplace?: boolean): Tensor;
export function selu(input: Tensor, options: { inplace?: boolean }): Tensor;
export function selu(...args: unknown[]): Tensor {
  const o = F_ARGS.selu.parse(args);
  return seluOp(o.input, o.inplace, 'selu');
}
function seluOp(x: Tensor, inplace: boolean, op: string): Tensor {
  needTensor(x, op); needFloat(x, op);
  return inplaceResult(x, wide(x, (v) => eluCore(v, SELU_ALPHA, 1, SELU_SCALE)), inplace);
}

/**
 * Continuously differentiable ELU, max(0, x) + min(0, α·(e^(x/α) - 1)), as
 * `torch.nn.functional.celu(input, alpha=1.0, inplace=False)` (α = 0 is refused): `F.celu(x, 2)`.
 */
export function celu(input: Tensor, alpha?: number, inplace?: boolean): Tensor;
export function celu(input: Tensor, options: { alpha?: number; inplace?: boolean }): Tensor;
export function celu(...args: unknown[]): Tensor {
  const o = F_ARGS.celu.parse(args);
  return celuOp(o.input, o.alpha, o.inplace, 'celu');
}
function celuOp(x: Tensor, alpha: number, inplace: boolean, op: string): Tensor {
  needTensor(x, op);
  if (alpha === 0) throw new ValueError(`${op}: alpha cannot be 0 for CELU`);
  needFloat(x, op);
  return inplaceResult(x, wide(x, (v) => eluCore(v, alpha, 1 / alpha, 1)), inplace);
}

/** x·tanh(softplus(x)), as `torch.nn.functional.mish(input, inplace=False)`: `F.mish(x)`. */
export function mish(input: Tensor, inplace?: boolean): Tensor;
export function mish(input: Tensor, options: { inplace?: boolean }): Tensor;
export function mish(...args: unknown[]): Tensor {
  const o = F_ARGS.mish.parse(args);
  return mishOp(o.input, o.inplace, 'mish');
}
function mishOp(x: Tensor, inplace: boolean, op: string): Tensor {
  needTensor(x, op); needFloat(x, op);
  return inplaceResult(x, wide(x, (v) => mul(v, tanh(softplusOp(v)))), inplace);
}

/**
 * min(max(x, minVal), maxVal), as `torch.nn.functional.hardtanh(input, min_val=-1.0, max_val=1.0,
 * inplace=False)`, with its gradient: 1 strictly between the bounds, 0 at and beyond them.
 * Integer inputs keep their dtype (the bounds truncated to integers, as torch): `F.hardtanh(x, -2, 2)`.
 */
export function hardtanh(input: Tensor, minVal?: number, maxVal?: number, inplace?: boolean): Tensor;
export function hardtanh(input: Tensor, options: { minVal?: number; maxVal?: number; inplace?: boolean }): Tensor;
export function hardtanh(...args: unknown[]): Tensor {
  const o = F_ARGS.hardtanh.parse(args);
  return hardtanhOp(o.input, o.minVal, o.maxVal, o.inplace, 'hardtanh');
}
function hardtanhOp(x: Tensor, lo: number, hi: number, inplace: boolean, op: string): Tensor {
  needTensor(x, op); needNotBool(x, op);
  if (!isFloating(x.dtype)) { lo = Math.trunc(lo); hi = Math.trunc(hi); }
  const y = wide(x, (v) => {
    const c = clamp(clamp(v, lo), null, hi);  // min(max(x, lo), hi): hi wins when lo > hi, as torch
    if (!isFloating(v.dtype) || !v.requiresGrad) return c;
    // torch's (x <= lo || x >= hi) ? 0 : g: a NaN passes its gradient
    return where(logicalOr(le(v, lo), ge(v, hi)), c.detach(), v);
  });
  return inplaceResult(x, y, inplace);
}

/** min(max(x, 0), 6), as `torch.nn.functional.relu6(input, inplace=False)` (hardtanh(x, 0, 6)): `F.relu6(x)`. */
export function relu6(input: Tensor, inplace?: boolean): Tensor;
export function relu6(input: Tensor, options: { inplace?: boolean }): Tensor;
export function relu6(...args: unknown[]): Tensor {
  const o = F_ARGS.relu6.parse(args);
  return hardtanhOp(o.input, 0, 6, o.inplace, 'relu6');
}

/** log(sigmoid(x)) computed stably, as `torch.nn.functional.logsigmoid(input)`: `F.logsigmoid(x)`. */
export function logsigmoid(input: Tensor): Tensor;
export function logsigmoid(...args: unknown[]): Tensor {
  const o = F_ARGS.logsigmoid.parse(args);
  return logsigmoidOp(o.input, 'logsigmoid');
}
function logsigmoidOp(x: Tensor, op: string): Tensor {
  needTensor(x, op); needFloat(x, op);
  // min(x, 0) - log1p(e^-|x|), with -|x| written as a branch so that the gradient at 0 is torch's 1/2
  return wide(x, (v) => {
    const n = lt(v, 0);
    return sub(where(n, v, 0), log1p(exp(where(n, v, neg(v)))));
  });
}

/** x / (1 + |x|), as `torch.nn.functional.softsign(input)`: `F.softsign(x)`. */
export function softsign(input: Tensor): Tensor;
export function softsign(...args: unknown[]): Tensor {
  const o = F_ARGS.softsign.parse(args);
  return softsignOp(o.input, 'softsign');
}
function softsignOp(x: Tensor, op: string): Tensor {
  needTensor(x, op); needNotBool(x, op);
  return wide(x, (v) => div(v, add(abs(v), 1)));
}

/**
 * relu6(x + 3) / 6, as `torch.nn.functional.hardsigmoid(input, inplace=False)` (gradient 1/6
 * strictly inside (-3, 3), 0 elsewhere): `F.hardsigmoid(x)`.
 */
export function hardsigmoid(input: Tensor, inplace?: boolean): Tensor;
export function hardsigmoid(input: Tensor, options: { inplace?: boolean }): Tensor;
export function hardsigmoid(...args: unknown[]): Tensor {
  const o = F_ARGS.hardsigmoid.parse(args);
  return hardsigmoidOp(o.input, o.inplace, 'hardsigmoid');
}
function hardsigmoidOp(x: Tensor, inplace: boolean, op: string): Tensor {
  needTensor(x, op); needFloat(x, op);
  const y = wide(x, (v) => {
    const inside = logicalAnd(gt(v, -3), lt(v, 3));
    return where(inside, div(add(v, 3), 6), div(clamp(add(v, 3).detach(), 0, 6), 6));
  });
  return inplaceResult(x, y, inplace);
}

/**
 * Gated linear unit: the input halved along `dim` into a and b, a·sigmoid(b), as
 * `torch.nn.functional.glu(input, dim=-1)`: `F.glu(x, 1)` ([N, 2C] → [N, C]).
 */
export function glu(input: Tensor, dim?: number): Tensor;
export function glu(input: Tensor, options: { dim?: number }): Tensor;
export function glu(...args: unknown[]): Tensor {
  const o = F_ARGS.glu.parse(args);
  return gluOp(o.input, o.dim, 'glu');
}
function gluOp(x: Tensor, dim: number, op: string): Tensor {
  needTensor(x, op);
  if (x.ndim === 0) throw new ShapeError(`${op}: glu does not support scalars because halving size must be even`);
  needFloat(x, op);
  const d = normDim(dim, x.ndim, op);
  const n = x._shape[d];
  if (n % 2 !== 0) throw new ShapeError(`${op}: halving dimension must be even, but dimension ${d} is size ${n} (input of shape ${fmt(x._shape)})`);
  return wide(x, (v) => mul(narrow(v, d, 0, n / 2), sigmoid(narrow(v, d, n / 2, n / 2))));
}

/** Options of softmin. */
export interface SoftminOptions {
  /** Cast the input to this dtype first (torch's `dtype`). */
  dtype?: DType | null;
}

/**
 * softmax(-x) along `dim`, as `torch.nn.functional.softmin(input, dim, dtype=None)` (`dim` is
 * required: torch's implicit dim is deprecated there): `F.softmin(x, 1)`.
 */
export function softmin(input: Tensor, dim: number, options?: SoftminOptions): Tensor;
export function softmin(...args: unknown[]): Tensor {
  const lowp = runFloat32(softmin, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.softmin.parse(args);
  return softminOp(o.input, o.dim, o.dtype, 'softmin');
}
function softminOp(x: Tensor, dim: number, dtype: DType | null, op: string): Tensor {
  needTensor(x, op);
  if (dtype == null) needFloat(x, op);
  else if (!isFloating(dtype)) throw new DTypeError(`${op}: dtype must be floating, got ${dtype}`);
  return scopeSync(() => {
    const v = dtype != null && dtype !== x.dtype ? x.to(dtype) : x;
    return softmax(neg(v), dim);
  });
}

/** x - tanh(x), as `torch.nn.functional.tanhshrink(input)`: `F.tanhshrink(x)`. */
export function tanhshrink(input: Tensor): Tensor;
export function tanhshrink(...args: unknown[]): Tensor {
  const o = F_ARGS.tanhshrink.parse(args);
  return tanhshrinkOp(o.input, 'tanhshrink');
}
function tanhshrinkOp(x: Tensor, op: string): Tensor {
  needTensor(x, op); needNotBool(x, op);
  return wide(x, (v) => sub(v, tanh(v)));
}

function checkLambd(lambd: number, op: string): void {
  if (!(lambd >= 0)) throw new ValueError(`${op}: lambda must be greater or equal to 0, but found to be ${describeArg(lambd)}`);
}

/**
 * x - λ above λ, x + λ below -λ, 0 between, as `torch.nn.functional.softshrink(input, lambd=0.5)`
 * (λ >= 0): `F.softshrink(x, 1)`.
 */
export function softshrink(input: Tensor, lambd?: number): Tensor;
export function softshrink(input: Tensor, options: { lambd?: number }): Tensor;
export function softshrink(...args: unknown[]): Tensor {
  const o = F_ARGS.softshrink.parse(args);
  return softshrinkOp(o.input, o.lambd, 'softshrink');
}
function softshrinkOp(x: Tensor, l: number, op: string): Tensor {
  needTensor(x, op); needFloat(x, op); checkLambd(l, op);
  return wide(x, (v) => where(logicalAnd(ge(v, -l), le(v, l)), 0, where(gt(v, l), sub(v, l), add(v, l))));
}

/** 0 for -λ <= x <= λ, x elsewhere, as `torch.nn.functional.hardshrink(input, lambd=0.5)`: `F.hardshrink(x)`. */
export function hardshrink(input: Tensor, lambd?: number): Tensor;
export function hardshrink(input: Tensor, options: { lambd?: number }): Tensor;
export function hardshrink(...args: unknown[]): Tensor {
  const o = F_ARGS.hardshrink.parse(args);
  return hardshrinkOp(o.input, o.lambd, 'hardshrink');
}
function hardshrinkOp(x: Tensor, l: number, op: string): Tensor {
  needTensor(x, op); needFloat(x, op);
  return wide(x, (v) => where(logicalAnd(ge(v, -l), le(v, l)), 0, v));
}

/**
 * `value` where x <= threshold, x elsewhere, as `torch.nn.functional.threshold(input, threshold,
 * value, inplace=False)`; integer inputs keep their dtype: `F.threshold(x, 0.1, 20)`.
 */
export function threshold(input: Tensor, threshold: number, value: number, inplace?: boolean): Tensor;
export function threshold(input: Tensor, threshold: number, value: number, options: { inplace?: boolean }): Tensor;
export function threshold(...args: unknown[]): Tensor {
  const o = F_ARGS.threshold.parse(args);
  return thresholdOp(o.input, o.threshold, o.value, o.inplace, 'threshold');
}
function thresholdOp(x: Tensor, th: number, value: number, inplace: boolean, op: string): Tensor {
  needTensor(x, op); needNotBool(x, op);
  const y = scopeSync(() => {
    if (isFloating(x.dtype)) return where(le(x, th), value, x);
    // the value in x's integer dtype (C++'s truncation of the scalar); uint8 wraps as torch's cast
    const v = x.dtype === 'uint8' ? ((Math.trunc(value) % 256) + 256) % 256 : Math.trunc(value);
    const r = where(le(x, th), v, x);
    return r.dtype === x.dtype ? r : r.to(x.dtype);
  });
  return inplaceResult(x, y, inplace);
}

/**
 * Parametric ReLU: x for x > 0, weight·x elsewhere, with one weight or one per channel (dim 1), as
 * `torch.nn.functional.prelu(input, weight)`: `F.prelu(x, fl.full([C], 0.25))`.
 */
export function prelu(input: Tensor, weight: Tensor): Tensor;
export function prelu(...args: unknown[]): Tensor {
  const o = F_ARGS.prelu.parse(args);
  return preluOp(o.input, o.weight, 'prelu');
}
function preluOp(x: Tensor, w: Tensor, op: string): Tensor {
  needTensor(x, op); needTensor(w, op, 'weight');
  needFloat(x, op);
  if (w.dtype !== x.dtype) throw new DTypeError(`${op}: weight must have the input's dtype ${x.dtype}, got ${w.dtype}`);
  if (w.ndim > 1) throw new ShapeError(`${op}: expected weight to be a scalar or 1D tensor, but got shape ${fmt(w._shape)}`);
  const c = x.ndim >= 2 ? x._shape[1] : 1;
  const n = w.numel;
  if (n !== 1 && n !== c) {
    throw new ShapeError(`${op}: mismatch of parameter numbers and input channel size: found parameter numbers = ${n} and channel size = ${c} (input of shape ${fmt(x._shape)})`);
  }
  return wide(x, (v) => {
    const wv = w.dtype === v.dtype ? w : w.to(v.dtype);
    const ws = n === 1 || v.ndim < 2 ? reshape(wv, []) : reshape(wv, [1, c, ...new Array<number>(v.ndim - 2).fill(1)]);
    // the slope multiplies 0 where x > 0, so that an infinite x adds no inf·0 = NaN to the weight's gradient
    const pos = gt(v, 0);
    return where(pos, v, mul(ws, where(pos, 0, v)));
  });
}

function checkBounds(lower: number, upper: number, op: string): void {
  if (!(lower <= upper)) throw new ValueError(`${op}: lower bound should be less than or equal to the upper bound, got lower=${describeArg(lower)}, upper=${describeArg(upper)}`);
}

/**
 * Randomized leaky ReLU, as `torch.nn.functional.rrelu(input, lower=1/8, upper=1/3,
 * training=False, inplace=False)`: in training each x <= 0 is multiplied by a slope drawn from
 * U(lower, upper) (`fl.manualSeed` repeats it); otherwise by (lower + upper) / 2: `F.rrelu(x)`.
 */
export function rrelu(input: Tensor, lower?: number, upper?: number, training?: boolean, inplace?: boolean): Tensor;
export function rrelu(input: Tensor, options: { lower?: number; upper?: number; training?: boolean; inplace?: boolean }): Tensor;
export function rrelu(...args: unknown[]): Tensor {
  const o = F_ARGS.rrelu.parse(args);
  return rreluOp(o.input, o.lower, o.upper, o.training, o.inplace, 'rrelu');
}
function rreluOp(x: Tensor, lower: number, upper: number, training: boolean, inplace: boolean, op: string): Tensor {
  needTensor(x, op); needFloat(x, op); checkBounds(lower, upper, op);
  const y = training
    ? wide(x, (v) => {
      const slope = add(mul(rand(v._shape, { dtype: v.dtype, device: v.device }), upper - lower), lower);
      return where(le(v, 0), mul(v, slope), v);
    })
    : wide(x, (v) => leakyRelu(v, (lower + upper) / 2));
  return inplaceResult(x, y, inplace);
}

/**
 * log(1 + e^(β·x)) / β, and x itself where β·x > threshold, as
 * `torch.nn.functional.softplus(input, beta=1, threshold=20)`: `F.softplus(x, 2, 10)`.
 */
export function softplus(input: Tensor, beta?: number, threshold?: number): Tensor;
export function softplus(input: Tensor, options: { beta?: number; threshold?: number }): Tensor;
export function softplus(...args: unknown[]): Tensor {
  const lowp = runFloat32(softplus, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.softplus.parse(args);
  return softplusFn(o.input, o.beta, o.threshold, 'softplus');
}
function softplusFn(x: Tensor, beta: number, th: number, op: string): Tensor {
  needTensor(x, op); needFloat(x, op);
  if (beta === 1 && th === 20) return softplusOp(x);  // the native kernel: torch's defaults
  return wide(x, (v) => {
    const bx = mul(v, beta);
    const above = gt(bx, th);
    // the untaken branch sees 0, not a large β·x (whose e^(β·x) = inf would make its gradient NaN)
    return where(above, v, div(log1p(exp(where(above, 0, bx))), beta));
  });
}

// ---- modules -----------------------------------------------------------------------------------------

const M_ARGS = {
  ELU: signature('ELU', ['alpha', 'inplace'], { alpha: optional(A.num(), 1), inplace: INPLACE }),
  SELU: signature('SELU', ['inplace'], { inplace: INPLACE }),
  CELU: signature('CELU', ['alpha', 'inplace'], { alpha: optional(A.num(), 1), inplace: INPLACE }),
  Mish: signature('Mish', ['inplace'], { inplace: INPLACE }),
  Hardtanh: signature('Hardtanh', ['minVal', 'maxVal', 'inplace'], { minVal: optional(A.num(), -1), maxVal: optional(A.num(), 1), inplace: INPLACE }),
  ReLU6: signature('ReLU6', ['inplace'], { inplace: INPLACE }),
  LogSigmoid: signature('LogSigmoid', [], {}),
  Softsign: signature('Softsign', [], {}),
  Hardsigmoid: signature('Hardsigmoid', ['inplace'], { inplace: INPLACE }),
  GLU: signature('GLU', ['dim'], { dim: optional(A.int(), -1) }),
  Softmin: signature('Softmin', ['dim'], { dim: optional(A.int(), -1) }),
  Softmax2d: signature('Softmax2d', [], {}),
  Tanhshrink: signature('Tanhshrink', [], {}),
  Softshrink: signature('Softshrink', ['lambd'], { lambd: optional(A.num(), 0.5) }),
  Hardshrink: signature('Hardshrink', ['lambd'], { lambd: optional(A.num(), 0.5) }),
  Threshold: signature('Threshold', ['threshold', 'value', 'inplace'], { threshold: required(A.num()), value: required(A.num()), inplace: INPLACE }),
  PReLU: signature('PReLU', ['numParameters', 'init'], { numParameters: optional(A.int({ min: 0 }), 1), init: optional(A.num(), 0.25), ...FACTORY }),
  RReLU: signature('RReLU', ['lower', 'upper', 'inplace'], { lower: optional(A.num(), 1 / 8), upper: optional(A.num(), 1 / 3), inplace: INPLACE }),
  Softplus: signature('Softplus', ['beta', 'threshold'], { beta: optional(A.num(), 1), threshold: optional(A.num(), 20) }),
};

/** Python's repr of a number as torch prints an argument: an integer as `20`, others as floats. */
function pyNum(v: number): string { return Number.isInteger(v) ? String(v) : pyFloat(v); }
const inplaceText = (inplace: boolean): string => (inplace ? `, inplace=${pyBool(true)}` : '');

/** alpha·(eˣ - 1) for x <= 0, x elsewhere: `new nn.ELU()`, `new nn.ELU(0.5)` (see `F.elu`). */
export class ELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(alpha?: number, inplace?: boolean);
  constructor(options: { alpha?: number; inplace?: boolean });
  constructor(...args: unknown[]) { super(); const o = M_ARGS.ELU.parse(args); this.alpha = o.alpha; this.inplace = o.inplace; }
  forward(x: Tensor): Tensor { return eluOp(x, this.alpha, this.inplace, 'ELU'); }
  extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${inplaceText(this.inplace)}`; }
}

/** Scaled ELU with torch's constants: `new nn.SELU()` (see `F.selu`). */
export class SELU extends Module {
  readonly inplace: boolean;
  constructor(inplace?: boolean);
  constructor(options: { inplace?: boolean });
  constructor(...args: unknown[]) { super(); this.inplace = M_ARGS.SELU.parse(args).inplace; }
  forward(x: Tensor): Tensor { return seluOp(x, this.inplace, 'SELU'); }
  extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}

/** max(0, x) + min(0, α·(e^(x/α) - 1)): `new nn.CELU(2)` (see `F.celu`). */
export class CELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(alpha?: number, inplace?: boolean);
  constructor(options: { alpha?: number; inplace?: boolean });
  constructor(...args: unknown[]) { super(); const o = M_ARGS.CELU.parse(args); this.alpha = o.alpha; this.inplace = o.inplace; }
  forward(x: Tensor): Tensor { return celuOp(x, this.alpha, this.inplace, 'CELU'); }
  extraRepr(): string { return `alpha=${pyFloat(this.alpha)}${inplaceText(this.inplace)}`; }
}

/** x·tanh(softplus(x)): `new nn.Mish()` (see `F.mish`). */
export class Mish extends Module {
  readonly inplace: boolean;
  constructor(inplace?: boolean);
  constructor(options: { inplace?: boolean });
  constructor(...args: unknown[]) { super(); this.inplace = M_ARGS.Mish.parse(args).inplace; }
  forward(x: Tensor): Tensor { return mishOp(x, this.inplace, 'Mish'); }
  extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}

/** x clamped to [minVal, maxVal] (default [-1, 1]): `new nn.Hardtanh(-2, 2)` (see `F.hardtanh`). */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;
  constructor(minVal?: number, maxVal?: number, inplace?: boolean);
  constructor(options: { minVal?: number; maxVal?: number; inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const o = M_ARGS.Hardtanh.parse(args);
    this.minVal = o.minVal; this.maxVal = o.maxVal; this.inplace = o.inplace;
  }
  forward(x: Tensor): Tensor { return hardtanhOp(x, this.minVal, this.maxVal, this.inplace, 'Hardtanh'); }
  extraRepr(): string { return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceText(this.inplace)}`; }
}

/** x clamped to [0, 6]: `new nn.ReLU6()` (see `F.relu6`). */
export class ReLU6 extends Module {
  readonly inplace: boolean;
  constructor(inplace?: boolean);
  constructor(options: { inplace?: boolean });
  constructor(...args: unknown[]) { super(); this.inplace = M_ARGS.ReLU6.parse(args).inplace; }
  forward(x: Tensor): Tensor { return hardtanhOp(x, 0, 6, this.inplace, 'ReLU6'); }
  extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}

/** log(sigmoid(x)): `new nn.LogSigmoid()` (see `F.logsigmoid`). */
export class LogSigmoid extends Module {
  /** Takes no arguments. */
  constructor(...args: never[]) { super(); M_ARGS.LogSigmoid.parse(args); }
  forward(x: Tensor): Tensor { return logsigmoidOp(x, 'LogSigmoid'); }
}

/** x / (1 + |x|): `new nn.Softsign()` (see `F.softsign`). */
export class Softsign extends Module {
  /** Takes no arguments. */
  constructor(...args: never[]) { super(); M_ARGS.Softsign.parse(args); }
  forward(x: Tensor): Tensor { return softsignOp(x, 'Softsign'); }
}

/** relu6(x + 3) / 6: `new nn.Hardsigmoid()` (see `F.hardsigmoid`; torch prints no `inplace` here). */
export class Hardsigmoid extends Module {
  readonly inplace: boolean;
  constructor(inplace?: boolean);
  constructor(options: { inplace?: boolean });
  constructor(...args: unknown[]) { super(); this.inplace = M_ARGS.Hardsigmoid.parse(args).inplace; }
  forward(x: Tensor): Tensor { return hardsigmoidOp(x, this.inplace, 'Hardsigmoid'); }
}

/** Gated linear unit along `dim` (default -1): `new nn.GLU(1)` (see `F.glu`). */
export class GLU extends Module {
  readonly dim: number;
  constructor(dim?: number);
  constructor(options: { dim?: number });
  constructor(...args: unknown[]) { super(); this.dim = M_ARGS.GLU.parse(args).dim; }
  forward(x: Tensor): Tensor { return gluOp(x, this.dim, 'GLU'); }
  extraRepr(): string { return `dim=${this.dim}`; }
}

/**
 * softmax(-x) along `dim`: `new nn.Softmin(1)`. As flintml's `nn.Softmax`, `dim` defaults to -1
 * (torch's implicit dim is deprecated there).
 */
export class Softmin extends Module {
  readonly dim: number;
  constructor(dim?: number);
  constructor(options: { dim?: number });
  constructor(...args: unknown[]) { super(); this.dim = M_ARGS.Softmin.parse(args).dim; }
  forward(x: Tensor): Tensor { return softminOp(x, this.dim, null, 'Softmin'); }
  extraRepr(): string { return `dim=${this.dim}`; }
}

/** Softmax over the channels (dim -3) of a [C, H, W] or [N, C, H, W] input: `new nn.Softmax2d()`. */
export class Softmax2d extends Module {
  /** Takes no arguments. */
  constructor(...args: never[]) { super(); M_ARGS.Softmax2d.parse(args); }
  forward(x: Tensor): Tensor {
    needTensor(x, 'Softmax2d');
    if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`Softmax2d: expected input of 3 or 4 dims ([C, H, W] or [N, C, H, W]), got shape ${fmt(x._shape)}`);
    needFloat(x, 'Softmax2d');
    return softmax(x, -3);
  }
}

/** x - tanh(x): `new nn.Tanhshrink()` (see `F.tanhshrink`). */
export class Tanhshrink extends Module {
  /** Takes no arguments. */
  constructor(...args: never[]) { super(); M_ARGS.Tanhshrink.parse(args); }
  forward(x: Tensor): Tensor { return tanhshrinkOp(x, 'Tanhshrink'); }
}

/** Soft shrinkage by λ (default 0.5, >= 0): `new nn.Softshrink(1)` (see `F.softshrink`). */
export class Softshrink extends Module {
  readonly lambd: number;
  constructor(lambd?: number);
  constructor(options: { lambd?: number });
  constructor(...args: unknown[]) {
    super();
    this.lambd = M_ARGS.Softshrink.parse(args).lambd;
    checkLambd(this.lambd, 'Softshrink');
  }
  forward(x: Tensor): Tensor { return softshrinkOp(x, this.lambd, 'Softshrink'); }
  extraRepr(): string { return pyFloat(this.lambd); }
}

/** Hard shrinkage by λ (default 0.5): `new nn.Hardshrink()` (see `F.hardshrink`). */
export class Hardshrink extends Module {
  readonly lambd: number;
  constructor(lambd?: number);
  constructor(options: { lambd?: number });
  constructor(...args: unknown[]) { super(); this.lambd = M_ARGS.Hardshrink.parse(args).lambd; }
  forward(x: Tensor): Tensor { return hardshrinkOp(x, this.lambd, 'Hardshrink'); }
  extraRepr(): string { return pyFloat(this.lambd); }
}

/** `value` where x <= threshold, x elsewhere: `new nn.Threshold(0.1, 20)` (see `F.threshold`). */
export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;
  readonly inplace: boolean;
  constructor(threshold: number, value: number, inplace?: boolean);
  constructor(threshold: number, value: number, options: { inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const o = M_ARGS.Threshold.parse(args);
    this.threshold = o.threshold; this.value = o.value; this.inplace = o.inplace;
  }
  forward(x: Tensor): Tensor { return thresholdOp(x, this.threshold, this.value, this.inplace, 'Threshold'); }
  extraRepr(): string { return `threshold=${pyNum(this.threshold)}, value=${pyNum(this.value)}${inplaceText(this.inplace)}`; }
}

/** Options of PReLU. */
export interface PReLUOptions extends FactoryOptions {
  /** Number of slopes: 1, or the input's channel count (dim 1). Default 1. */
  numParameters?: number;
  /** Initial slope (default 0.25). */
  init?: number;
}

/**
 * Parametric ReLU with learnable slopes `weight` [numParameters] (all `init`), as
 * `torch.nn.PReLU(num_parameters=1, init=0.25)`: `new nn.PReLU(64)` for 64 channels.
 */
export class PReLU extends Module {
  readonly numParameters: number;
  weight: Tensor;
  constructor(numParameters?: number, init?: number, options?: FactoryOptions);
  constructor(options: PReLUOptions);
  constructor(...args: unknown[]) {
    super();
    const o = M_ARGS.PReLU.parse(args);
    this.numParameters = o.numParameters;
    const init = o.init;
    this.weight = newParameter([o.numParameters], o, (t) => { t.fill_(init); });
  }
  forward(x: Tensor): Tensor { return preluOp(needTensor(x, 'PReLU'), this.weight, 'PReLU'); }
  extraRepr(): string { return `num_parameters=${this.numParameters}`; }
}

/**
 * Randomized leaky ReLU: a random slope in [lower, upper] per element while training, their mean
 * in eval: `new nn.RReLU()`, `new nn.RReLU(0.1, 0.3)` (see `F.rrelu`).
 */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  readonly inplace: boolean;
  constructor(lower?: number, upper?: number, inplace?: boolean);
  constructor(options: { lower?: number; upper?: number; inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const o = M_ARGS.RReLU.parse(args);
    this.lower = o.lower; this.upper = o.upper; this.inplace = o.inplace;
  }
  forward(x: Tensor): Tensor { return rreluOp(x, this.lower, this.upper, this.training, this.inplace, 'RReLU'); }
  extraRepr(): string { return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceText(this.inplace)}`; }
}

/** log(1 + e^(β·x)) / β, linear above `threshold`: `new nn.Softplus()`, `new nn.Softplus(2, 10)` (see `F.softplus`). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta?: number, threshold?: number);
  constructor(options: { beta?: number; threshold?: number });
  constructor(...args: unknown[]) {
    super();
    const o = M_ARGS.Softplus.parse(args);
    this.beta = o.beta; this.threshold = o.threshold;
  }
  forward(x: Tensor): Tensor { return softplusFn(x, this.beta, this.threshold, 'Softplus'); }
  extraRepr(): string { return `beta=${pyNum(this.beta)}, threshold=${pyNum(this.threshold)}`; }
}
