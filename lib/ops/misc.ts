// misc.ts — torch's remaining tensor functions that are compositions of flintml's ops (so they run on
// every device those run on, and their gradients come from the ops they are made of): broadcasting
// helpers (broadcastShapes, broadcastTensors), isin, argwhere, torch's aliases (clip, absolute,
// negative, fix, arccos, arcsin, arctan, arctan2, multiply, divide, subtract, ger, trapz), the
// predicates isSameSize, isNonzero and canCast; msort, mode, nanmedian, renorm; vander, histogram,
// gradient; chainMatmul, inner (vdot: complex.ts), dist, pdist, the deprecated frobeniusNorm and nuclearNorm;
// maskedScatter; asStrided and emptyStrided; arcsinh, arccosh, arctanh (aliases of the asinh, acosh,
// atanh rows) and the in-place asinh_, acosh_, atanh_.
//
// Decisions (torch 1.13 is the reference; each is tested in test/ops-misc.test.ts):
// - mode: torch's CPU kernel sorts each slice and takes the first of the longest runs, so the
//   smallest of the most frequent values; its index is the last occurrence of that value (the end
//   of the run in a stable sort). NaNs never compare equal, so each NaN is a run of its own.
// - nanmedian: the lower median of the non-NaN values ((count - 1) / 2 in sorted order); a slice of
//   NaNs only gives NaN. The whole-tensor form shares its gradient among the elements equal to the
//   result, as torch's evenly_distribute_backward; the dim form gives it to the returned index.
// - renorm: torch's forward (the norm in float32 for the half types, factor maxnorm / (norm + 1e-7)
//   where norm > maxnorm); the gradient of that composition is torch's renorm_backward.
// - histogram: torch.histogram's edges (linspace of the range in the input's dtype, computed as
//   torch's CPU linspace does; an empty range widened by ±0.5; an empty input's range [0, 1]); each
//   element falls in the bin whose left edge is the last one <= it, the last bin includes its right
//   edge, elements outside are ignored. No gradient (torch has none).
// - pdist: the p-norm of every row difference i < j, with cdist's gradient (torch's pdist backward).
// - asStrided: a view of the input's storage; a size/stride/offset that reaches outside the storage
//   is an IndexError. Its gradient adds the incoming gradient into a buffer shaped like the storage
//   and reads the input's elements back (divided by how often the input's own view repeats each).
import { describeArg } from '../arity';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature, tooManyArgs } from '../args';
import { needsGrad, noGrad, record } from '../autograd';
import { parseDevice } from '../device';
import { DType, checkDType, category, isFloating, resultType, PromoteArg } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { namedTuple } from '../named-tuple';
import { broadcastShapes as shapeBroadcast, fmt, normDim, normDims, numel, range } from '../shape';
import { emptyTensor, scopeSync, Tensor, TensorLike } from '../tensor';
import { full, ones, tensor, zeros } from './creation';
import { withGrad } from './factory';
import {
  abs, acos, acosh, add, asin, asinh, atan, atan2, atanh, checkInplace, clamp, ClampOptions, div, eq, floorDivide, ge, gt, isnan, le, logicalAnd, logicalNot, mul, ne, neg, sub, trunc, where,
} from './elementwise';
import { cummax } from './cumulative';
import { gather, indexSelect, nonzero, flip } from './indexing';
import { dot, matmul, mm, outer } from './matmul';
import { norm, normOp, pNorm } from './norms';
import { any, argmax, sum, ValuesIndices, valuesIndices } from './reduce';
import { diff, indexAdd, take, trapezoid, triuIndices } from './reshaping';
import { searchsorted } from './counting';
import { cumprod, cumsum } from './softmax';
import { sort } from './sort';
import { cat, expand, narrow, reshape, squeeze, transpose, unsqueeze } from './views';

const P = Tensor.prototype;

function need(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}
function flag(v: unknown, name: string, op: string): boolean {
  if (typeof v !== 'boolean') throw new ValueError(`${op}: ${name} must be a boolean, got ${describeArg(v)}`);
  return v;
}
function intArg(v: unknown, name: string, op: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ValueError(`${op}: ${name} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${describeArg(v)}`);
  }
  return v;
}
function numArg(v: unknown, name: string, op: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`${op}: ${name} must be a number, got ${describeArg(v)}`);
  return v;
}
/** A shape argument: an array of non-negative integers. */
function sizeArg(v: unknown, name: string, op: string): number[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 0)) {
    throw new ValueError(`${op}: ${name} must be an array of non-negative integers, got ${describeArg(v)}`);
  }
  return (v as number[]).slice();
}
/** `t` without dim d when keepdim is false. */
const dropDim = (t: Tensor, d: number, keepdim: boolean): Tensor => (keepdim ? t : squeeze(t, d));

// ---- broadcasting ----------------------------------------------------------------------------------

/**
 * The shape that the given shapes broadcast to, as `torch.broadcast_shapes` (a number stands for a
 * 1-D shape). Incompatible shapes are a ShapeError.
 * ```ts
 * fl.broadcastShapes([2, 1], [3]);  // [2, 3]
 * ```
 */
export function broadcastShapes(...shapes: (number | readonly number[])[]): number[] {
  const list = shapes.map((s, i) => (typeof s === 'number' && Number.isInteger(s) && s >= 0 ? [s] : sizeArg(s, `shape ${i}`, 'broadcastShapes')));
  return shapeBroadcast('broadcastShapes', ...list);
}

/**
 * The tensors expanded to their common broadcast shape, as `torch.broadcast_tensors`: views, no
 * copies (gradients sum back over the broadcast dims).
 * ```ts
 * const [a, b] = fl.broadcastTensors(fl.ones([2, 1]), fl.ones([3]));  // both [2, 3]
 * ```
 */
export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  tensors.forEach((t, i) => need(t, 'broadcastTensors', `tensor ${i}`));
  const shape = shapeBroadcast('broadcastTensors', ...tensors.map((t) => t._shape));
  return tensors.map((t) => expand(t, shape));
}

// ---- isin, argwhere --------------------------------------------------------------------------------

/** Options of isin (torch.isin's keywords). */
export interface IsinOptions {
  /** Accepted for PyTorch compatibility (the result is the same either way). */
  assumeUnique?: boolean;
  /** Return the negation: which elements are NOT in testElements. */
  invert?: boolean;
}
// torch's keyword arguments (`fl.mode(x, { dim: 0, keepdim: true })`, `fl.dist(a, b, { p: 1 })`): the positional forms as
// before, or the same names in a trailing options object; the values are checked by the ops, as for a positional call.
const KW = {
  mode: signature('mode', ['input', 'dim', 'keepdim'], { input: required(A.anyValue<Tensor>()), dim: optional(A.anyValue<number>(), -1), keepdim: optional(A.anyValue<boolean>(), false) }),
  nanmedian: signature('nanmedian', ['input', 'dim', 'keepdim'], { input: required(A.anyValue<Tensor>()), dim: optional(A.anyValue<number>()), keepdim: optional(A.anyValue<boolean>(), false) }),
  renorm: signature('renorm', ['input', 'p', 'dim', 'maxnorm'], { input: required(A.anyValue<Tensor>()), p: optional(A.anyValue<number>()) as A.Param<number>, dim: optional(A.anyValue<number>()) as A.Param<number>, maxnorm: optional(A.anyValue<number>()) as A.Param<number> }),
  dist: signature('dist', ['input', 'other', 'p'], { input: required(A.anyValue<Tensor>()), other: optional(A.anyValue<Tensor>()) as A.Param<Tensor>, p: optional(A.anyValue<number>(), 2) }),
  divide: signature('divide', ['input', 'other', 'roundingMode'], { input: required(A.anyValue<TensorLike>()), other: optional(A.anyValue<TensorLike>()) as A.Param<TensorLike>, roundingMode: optional(A.anyValue<'floor' | 'trunc' | null>()) }),
  subtract: signature('subtract', ['input', 'other', 'alpha'], { input: required(A.anyValue<TensorLike>()), other: optional(A.anyValue<TensorLike>()) as A.Param<TensorLike>, alpha: optional(A.anyValue<number>()) }),
  pdist: signature('pdist', ['input', 'p'], { input: required(A.anyValue<Tensor>()), p: optional(A.anyValue<number>(), 2) }),
};
const argsOf = (a: IArguments): unknown[] => a as unknown as unknown[];

const ISIN = signature('isin', ['elements', 'testElements'], {
  elements: required(A.anyValue<TensorLike>()), testElements: required(A.anyValue<TensorLike>()),
  assumeUnique: optional(A.bool, false), invert: optional(A.bool, false),
});
function tensorOrScalar(v: unknown, what: string, op: string): Tensor | number | boolean {
  if (v instanceof Tensor) return need(v, op, what);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  throw new ValueError(`${op}: ${what} must be a Tensor or a number, got ${describeArg(v)}`);
}

/**
 * Whether each element of `elements` occurs in `testElements`, as `torch.isin` (bool, shaped like
 * `elements`; either may be a number). Values compare after type promotion; NaN is in nothing.
 * Every pair is compared, so the work is numel(elements) · numel(testElements).
 * ```ts
 * fl.isin(fl.tensor([1, 2, 3]), fl.tensor([2, 5])).toArray();  // [false, true, false]
 * ```
 */
export function isin(elements: TensorLike, testElements: TensorLike, options?: IsinOptions): Tensor;
export function isin(...args: unknown[]): Tensor {
  const o = ISIN.parse(args);
  const e = tensorOrScalar(o.elements, 'elements', 'isin'), t = tensorOrScalar(o.testElements, 'testElements', 'isin');
  if (!(e instanceof Tensor) && !(t instanceof Tensor)) throw new ValueError('isin: elements or testElements must be a Tensor');
  const dev = e instanceof Tensor ? e.device : (t as Tensor).device;
  return noGrad(() => scopeSync(() => {
    const et = e instanceof Tensor ? e.detach() : full([], e, { dtype: resultType(e as PromoteArg, t as Tensor), device: dev });
    const tt = t instanceof Tensor ? reshape(t.detach(), [-1]) : full([1], t, { dtype: resultType(t as PromoteArg, e as Tensor), device: dev });
    const found = tt.numel === 0 ? zeros(et._shape, { dtype: 'bool', device: dev }) : any(eq(unsqueeze(et, -1), tt), -1);
    return o.invert ? logicalNot(found) : found;
  }));
}

/**
 * The indices of the non-zero elements, one row per element (int32, shape [count, ndim]), as
 * `torch.argwhere` (the same as `nonzero`).
 * ```ts
 * fl.argwhere(fl.tensor([[0, 1], [1, 0]])).toArray();  // [[0, 1], [1, 0]]
 * ```
 */
export function argwhere(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('argwhere', 'input', arguments);
  return nonzero(need(input, 'argwhere'));
}

// ---- aliases -----------------------------------------------------------------------------------------

// torch's clip(input, min=None, max=None) and clip_: bounds positional or keyword, checked by clamp
const CLIP_BOUND = optional(A.anyValue<TensorLike | null>());
const CLIP_ARGS = {
  clip: signature('clip', ['input', 'min', 'max'], { input: required(A.anyValue<unknown>()), min: CLIP_BOUND, max: CLIP_BOUND }),
  clip_: signature('clip_', ['min', 'max'], { min: CLIP_BOUND, max: CLIP_BOUND }),
};
/** `torch.clip`, the alias of {@link clamp}: `fl.clip(x, -1, 1)`, `fl.clip(x, { min: 0 })`. */
export function clip(input: Tensor, ...bounds: A.ArgsThenOptions<[min: TensorLike | null, max: TensorLike | null], ClampOptions>): Tensor {
  const o = CLIP_ARGS.clip.parse(arguments as unknown as unknown[]);
  return (clamp as (x: unknown, lo?: TensorLike | null, hi?: TensorLike | null) => Tensor)(o.input, o.min, o.max);
}
/** `torch.absolute`, the alias of `abs`: `fl.absolute(x)`. */
export function absolute(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('absolute', 'input', arguments); return abs(input); }
/** `torch.negative`, the alias of `neg`: `fl.negative(x)`. */
export function negative(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('negative', 'input', arguments); return neg(input); }
/** `torch.fix`, the alias of `trunc` (rounds toward zero): `fl.fix(x)`. */
export function fix(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('fix', 'input', arguments); return trunc(input); }
/** `torch.arccos`, the alias of `acos`: `fl.arccos(x)`. */
export function arccos(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('arccos', 'input', arguments); return acos(input); }
/** `torch.arcsin`, the alias of `asin`: `fl.arcsin(x)`. */
export function arcsin(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('arcsin', 'input', arguments); return asin(input); }
/** `torch.arcsinh`, the alias of `asinh`: `fl.arcsinh(x)`. */
export function arcsinh(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('arcsinh', 'input', arguments); return asinh(input); }
/** `torch.arccosh`, the alias of `acosh`: `fl.arccosh(x)`. */
export function arccosh(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('arccosh', 'input', arguments); return acosh(input); }
/** `torch.arctanh`, the alias of `atanh`: `fl.arctanh(x)`. */
export function arctanh(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('arctanh', 'input', arguments); return atanh(input); }
/** `torch.arctan`, the alias of `atan`: `fl.arctan(x)`. */
export function arctan(input: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('arctan', 'input', arguments); return atan(input); }
/** `torch.arctan2`, the alias of `atan2`: `fl.arctan2(y, x)`. */
export function arctan2(input: TensorLike, other: TensorLike): Tensor { if (arguments.length > 2) tooManyArgs('arctan2', 'input, other', arguments); return atan2(input, other); }
/** `torch.multiply`, the alias of `mul`: `fl.multiply(a, b)`. */
export function multiply(input: TensorLike, other: TensorLike): Tensor { if (arguments.length > 2) tooManyArgs('multiply', 'input, other', arguments); return mul(input, other); }
/** `torch.divide`, the alias of `div` (with its `roundingMode`): `fl.divide(a, b, 'floor')`. */
export function divide(input: TensorLike, other: TensorLike, ...args: ArgsThenOptions<[roundingMode: 'floor' | 'trunc' | null], { roundingMode?: 'floor' | 'trunc' | null }>): Tensor;
export function divide(input: TensorLike, options: { other: TensorLike; roundingMode?: 'floor' | 'trunc' | null }): Tensor;
export function divide(): Tensor {
  const { input, other, roundingMode } = KW.divide.parse(argsOf(arguments));
  return div(input, other, roundingMode);
}
/** `torch.subtract`, the alias of `sub` (with its `alpha`): `fl.subtract(a, b, 2)` is a - 2b. */
export function subtract(input: TensorLike, other: TensorLike, ...args: ArgsThenOptions<[alpha: number], { alpha?: number }>): Tensor;
export function subtract(input: TensorLike, options: { other: TensorLike; alpha?: number }): Tensor;
export function subtract(): Tensor {
  const { input, other, alpha } = KW.subtract.parse(argsOf(arguments));
  if (alpha === undefined) return sub(input, other);
  const a = numArg(alpha, 'alpha', 'subtract');
  // (a number `other` is scaled here: sub's alpha needs a tensor to scale)
  return typeof other === 'number' ? sub(input, other * a) : sub(input, other, a);
}
/** `torch.ger`, the alias of `outer`: `fl.ger(a, b)` is the [a.numel, b.numel] outer product. */
export function ger(input: Tensor, vec2: Tensor): Tensor { if (arguments.length > 2) tooManyArgs('ger', 'input, vec2', arguments); return outer(input, vec2); }

/** Options of trapz (torch.trapz's keywords). */
export interface TrapzOptions {
  /** The spacing of the samples when `x` is not given (default 1). */
  dx?: number | null;
  /** The dim to integrate along (default -1). */
  dim?: number;
}
const TRAPZ = signature('trapz', ['y', 'x'], {
  y: required(A.tensor), x: optional(A.nullable(A.tensor), null), dx: optional(A.nullable(A.num()), null), dim: optional(A.int(), -1),
});
/**
 * `torch.trapz`, the alias of `trapezoid`: the integral of `y` along `dim` by the trapezoidal rule,
 * at sample points `x` or with spacing `dx`.
 * ```ts
 * fl.trapz(fl.tensor([1, 2, 3])).item();  // 4
 * ```
 */
export function trapz(y: Tensor, x?: Tensor | null, options?: TrapzOptions): Tensor;
export function trapz(y: Tensor, options?: TrapzOptions): Tensor;
export function trapz(...args: unknown[]): Tensor {
  const o = TRAPZ.parse(args);
  if (o.x !== null && o.dx !== null) throw new ValueError('trapz: give x or dx, not both');
  return o.dx !== null ? trapezoid(o.y, { dx: o.dx, dim: o.dim }) : trapezoid(o.y, o.x, { dim: o.dim });
}

// ---- predicates --------------------------------------------------------------------------------------

/**
 * Whether the two tensors have the same shape, as `torch.is_same_size`.
 * ```ts
 * fl.isSameSize(fl.ones([2, 3]), fl.zeros([2, 3]));  // true
 * ```
 */
export function isSameSize(input: Tensor, other: Tensor): boolean {
  if (arguments.length > 2) tooManyArgs('isSameSize', 'input, other', arguments);
  const a = need(input, 'isSameSize'), b = need(other, 'isSameSize', 'other');
  return a._shape.length === b._shape.length && a._shape.every((s, i) => s === b._shape[i]);
}

/**
 * Whether the one element of `input` is non-zero (NaN counts as non-zero), as `torch.is_nonzero`;
 * a tensor of no or several elements is a ValueError (its truth is ambiguous).
 * ```ts
 * fl.isNonzero(fl.tensor([0.5]));  // true
 * ```
 */
export function isNonzero(input: Tensor): boolean {
  if (arguments.length > 1) tooManyArgs('isNonzero', 'input', arguments);
  const x = need(input, 'isNonzero');
  if (x.numel !== 1) throw new ValueError(`isNonzero: the truth value of a tensor with ${x.numel === 0 ? 'no values' : 'more than one value'} is ambiguous (shape ${fmt(x._shape)})`);
  const v = x.item();
  return typeof v === 'boolean' ? v : v !== 0;
}

/**
 * Whether a value of dtype `from` may be cast to `to` under torch's casting rules, as
 * `torch.can_cast`: never to a lower category (floating > integer > bool); within one, always.
 * ```ts
 * fl.canCast('float32', 'int32');  // false
 * ```
 */
export function canCast(from: DType, to: DType): boolean {
  if (arguments.length > 2) tooManyArgs('canCast', 'from, to', arguments);
  return category(checkDType(to, 'canCast')) >= category(checkDType(from, 'canCast'));
}

// ---- msort, mode, nanmedian, renorm ----------------------------------------------------------------------

/**
 * `input` sorted along its first dim (ascending, NaN last), as `torch.msort`.
 * ```ts
 * fl.msort(fl.tensor([[3, 1], [1, 2]])).toArray();  // [[1, 1], [3, 2]]
 * ```
 */
export function msort(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('msort', 'input', arguments);
  const [v, i] = sort(need(input, 'msort'), 0);
  i.dispose();
  return v;
}

/** The positions 0..n-1 along dim d of an ndim-dim tensor (int32, size 1 elsewhere). */
function positions(n: number, d: number, ndim: number, device: string): Tensor {
  return reshape(tensor(Int32Array.from(range(n)), { device }), range(ndim).map((k) => (k === d ? n : 1)));
}

/**
 * The most frequent value along `dim` (default the last) and its index, as `torch.mode`: among
 * values equally frequent, the smallest; its index is that of its last occurrence (torch's CPU
 * kernel). NaNs never count as equal. Returns `[values, indices]` (int32 indices), with
 * `.values`/`.indices`; the gradient goes to the returned index.
 * ```ts
 * const [v, i] = fl.mode(fl.tensor([1, 2, 2, 3, 3]));  // v = 2, i = 2
 * ```
 */
export function mode(input: Tensor, ...args: ArgsThenOptions<[dim: number, keepdim: boolean], { dim?: number; keepdim?: boolean }>): ValuesIndices;
export function mode(): ValuesIndices {
  const { input, dim, keepdim } = KW.mode.parse(argsOf(arguments));
  const x = need(input, 'mode');
  flag(keepdim, 'keepdim', 'mode');
  const d = normDim(dim, x.ndim, 'mode');
  if (x.ndim === 0) return valuesIndices(x.clone(), zeros([], { dtype: 'int32', device: x.device }));
  const n = x._shape[d];
  if (n === 0) throw new IndexError(`mode: expected reduction dim ${d} to have non-zero size (shape ${fmt(x._shape)})`);
  const idx = noGrad(() => scopeSync(() => {
    const [sv, si] = sort(x.detach(), d);
    if (n === 1) return narrow(si, d, 0, 1).clone();
    // runs of equal values in sorted order: where each starts and ends
    const newRun = ne(narrow(sv, d, 1, n - 1), narrow(sv, d, 0, n - 1));
    const edge = full(narrow(sv, d, 0, 1)._shape, true, { dtype: 'bool', device: x.device });
    const start = cat([edge, newRun], d), end = cat([newRun, edge], d);
    const pos = expand(positions(n, d, x.ndim, x.device), sv._shape);
    const runStart = cummax(where(start, pos, 0), d)[0];
    const length = where(end, add(sub(pos, runStart), 1), 0);
    // the first longest run (the smallest value), read at its end (the last occurrence)
    return gather(si, d, argmax(length, d, true));
  }));
  const values = gather(x, d, idx);
  return valuesIndices(dropDim(values, d, keepdim), dropDim(idx, d, keepdim));
}

/**
 * The lower median of the non-NaN values, as `torch.nanmedian` (`median` that ignores NaN): of all
 * elements as a 0-dim tensor, or along `dim` with its index (`[values, indices]`). A slice of NaNs
 * only has the median NaN.
 * ```ts
 * fl.nanmedian(fl.tensor([1, NaN, 3, 2])).item();  // 2
 * const [v, i] = fl.nanmedian(x, 1);
 * ```
 */
export function nanmedian(input: Tensor): Tensor;
export function nanmedian(input: Tensor, dim: number, ...args: ArgsThenOptions<[keepdim: boolean], { keepdim?: boolean }>): ValuesIndices;
/** torch's keywords: `fl.nanmedian(x, { dim: 1, keepdim: true })`. */
export function nanmedian(input: Tensor, options: { dim: number; keepdim?: boolean }): ValuesIndices;
export function nanmedian(): Tensor | ValuesIndices {
  const { input, dim, keepdim } = KW.nanmedian.parse(argsOf(arguments));
  const x = need(input, 'nanmedian');
  if (dim === undefined) {
    if (x.numel === 0 && !isFloating(x.dtype)) throw new IndexError(`nanmedian: the input is empty (shape ${fmt(x._shape)}); an empty floating tensor's median is NaN`);
    const v = x.numel === 0 ? full([], NaN, { dtype: x.dtype, device: x.device }) : scopeSync(() => {
      const [m, i] = nanmedian(reshape(x.detach(), [-1]), 0);
      i.dispose();
      return m;
    });
    // torch's evenly_distribute_backward: the elements equal to the result (the NaNs when it is NaN) share it
    if (isFloating(x.dtype) && needsGrad(x)) {
      record('nanmedian', [x], [v], [x, v], ([g], [sx, sv]) => scopeSync(() => {
        if (sx.numel === 0) return [sx.clone()];
        const hit = where(isnan(sv), isnan(sx), eq(sx, sv));
        return [where(hit, div(g!, sum(hit)), 0)];
      }), true);
    }
    return v;
  }
  flag(keepdim, 'keepdim', 'nanmedian');
  const d = normDim(dim, x.ndim, 'nanmedian');
  if (x.ndim === 0) return valuesIndices(x.clone(), zeros([], { dtype: 'int32', device: x.device }));
  const n = x._shape[d];
  if (n === 0) throw new IndexError(`nanmedian: expected reduction dim ${d} to have non-zero size (shape ${fmt(x._shape)})`);
  const idx = noGrad(() => scopeSync(() => {
    const [, si] = sort(x.detach(), d);  // NaN sorts last
    const count = sub(n, sum(isnan(x.detach()), d, true));
    const at = where(gt(count, 0), floorDivide(sub(count, 1), 2), 0);
    return gather(si, d, at.to('int32'));
  }));
  const values = gather(x, d, idx);
  return valuesIndices(dropDim(values, d, keepdim), dropDim(idx, d, keepdim));
}

/**
 * Each slice of `input` along `dim` (input.select(dim, i)) whose `p`-norm exceeds `maxnorm`, scaled
 * to norm `maxnorm` (by maxnorm / (norm + 1e-7)); the others unchanged, as `torch.renorm`. The
 * input has at least 2 dims; p > 0, maxnorm >= 0.
 * ```ts
 * fl.renorm(fl.tensor([[3, 4], [0.3, 0.4]]), 2, 0, 1).toArray();  // [[0.6, 0.8], [0.3, 0.4]]
 * ```
 */
export function renorm(input: Tensor, p: number, dim: number, maxnorm: number): Tensor;
export function renorm(input: Tensor, p: number, dim: number, options: { maxnorm: number }): Tensor;
export function renorm(input: Tensor, p: number, options: { dim: number; maxnorm: number }): Tensor;
export function renorm(input: Tensor, options: { p: number; dim: number; maxnorm: number }): Tensor;
export function renorm(): Tensor {
  const { input, p, dim, maxnorm } = KW.renorm.parse(argsOf(arguments));
  const x = need(input, 'renorm');
  const pp = numArg(p, 'p', 'renorm'), mx = numArg(maxnorm, 'maxnorm', 'renorm');
  if (x.ndim < 2) throw new ShapeError(`renorm: input needs at least 2 dimensions, got ${x.ndim} (shape ${fmt(x._shape)})`);
  if (!(pp > 0)) throw new ValueError(`renorm: p must be positive (non-positive norms are not supported), got ${describeArg(p)}`);
  if (mx < 0) throw new ValueError(`renorm: maxnorm must be >= 0, got ${describeArg(maxnorm)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`renorm: expected a floating point input, got ${x.dtype}`);
  const d = normDim(dim, x.ndim, 'renorm');
  if (pp === Infinity && x._shape.some((s, k) => k !== d && s === 0)) {
    throw new ValueError(`renorm: cannot compute the inf norm of the empty slices of shape ${fmt(x._shape)} along dim ${d}: the operation has no identity`);
  }
  return scopeSync(() => {
    const half = x.dtype === 'float16' || x.dtype === 'bfloat16';
    const xa = half ? x.to('float32') : x;  // torch's norm and factor in the accumulate type
    const norm = pNorm(xa, pp, range(x.ndim).filter((k) => k !== d), true, 'split', 'renorm');
    const factor = where(gt(norm, mx), div(mx, add(norm, 1e-7)), 1);
    return mul(x, half ? factor.to(x.dtype) : factor);
  });
}

// ---- vander, histogram, gradient ---------------------------------------------------------------------------

/**
 * The Vandermonde matrix of the 1-D `x`, as `torch.vander`: N columns (default x's length) of the
 * powers x^(N-1) … x^0, or x^0 … x^(N-1) with `increasing`. Integer and bool inputs give int32
 * (torch's int64).
 * ```ts
 * fl.vander(fl.tensor([1, 2, 3]), 3).toArray();  // [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
 * ```
 */
export function vander(x: Tensor, N?: number | null, increasing = false): Tensor {
  if (arguments.length > 3) tooManyArgs('vander', 'x, N, increasing', arguments);
  const v = need(x, 'vander', 'x');
  flag(increasing, 'increasing', 'vander');
  if (v.ndim !== 1) throw new ShapeError(`vander: x must be a one-dimensional tensor, got shape ${fmt(v._shape)}`);
  const n = v._shape[0];
  const cols = N === undefined || N === null ? n : intArg(N, 'N', 'vander', 0);
  const dt: DType = isFloating(v.dtype) ? v.dtype : 'int32';
  if (cols <= 1) return ones([n, cols], { dtype: dt, device: v.device });
  return scopeSync(() => {
    const xs = v.dtype === dt ? v : v.to(dt);
    const powers = cumprod(cat([ones([n, 1], { dtype: dt, device: v.device }), expand(unsqueeze(xs, 1), [n, cols - 1])], 1), 1);
    return increasing ? powers : flip(powers, [1]);
  });
}

/** Options of histogram (torch.histogram's keywords). */
export interface HistogramOptions {
  /** The [min, max] of the bins when `bins` is a number (default: the input's min and max). */
  range?: readonly [number, number] | null;
  /** A weight per element (the input's shape and dtype); each element counts its weight. */
  weight?: Tensor | null;
  /** Normalize so that the histogram integrates to 1 (counts / (total · bin width)). */
  density?: boolean;
}
/** What histogram returns: `[hist, binEdges]`, with `.hist` and `.binEdges`. */
export type HistogramResult = readonly [hist: Tensor, binEdges: Tensor] & { readonly hist: Tensor; readonly binEdges: Tensor };
const HISTOGRAM = signature('histogram', ['input', 'bins'], {
  input: required(A.anyValue<Tensor>()), bins: optional(A.anyValue<number | Tensor>(), 100),
  range: optional(A.nullable(A.arrayOf(A.num(), 2)), null), weight: optional(A.nullable(A.tensor), null), density: optional(A.bool, false),
});

/** torch's CPU linspace(lo, hi, steps) in float32 (each step rounded as torch rounds it), or float64. */
function linspaceEdges(lo: number, hi: number, steps: number, f32: boolean): number[] {
  const r = f32 ? Math.fround : (v: number) => v;
  const s = r(lo), e = r(hi), step = r(r(e - s) / (steps - 1)), half = Math.floor(steps / 2);
  return range(steps).map((i) => (i < half ? r(s + r(step * i)) : r(e - r(step * (steps - i - 1)))));
}

/**
 * A histogram of `input`, as `torch.histogram`: `bins` equal-width bins over `range` (default the
 * input's min and max; an empty range is widened by 0.5 each side), or the bins between the edges
 * of the 1-D tensor `bins`. Each bin includes its left edge, the last also its right edge;
 * elements outside are ignored. Returns `[hist, binEdges]` in the input's (floating) dtype.
 * ```ts
 * const [hist, edges] = fl.histogram(fl.tensor([1, 2, 1]), 2);  // hist [2, 1], edges [1, 1.5, 2]
 * ```
 */
export function histogram(input: Tensor, bins?: number | Tensor, options?: HistogramOptions): HistogramResult;
export function histogram(input: Tensor, options?: HistogramOptions): HistogramResult;
export function histogram(...args: unknown[]): HistogramResult {
  const o = HISTOGRAM.parse(args);
  const x = need(o.input, 'histogram');
  if (!isFloating(x.dtype)) throw new DTypeError(`histogram: expected a floating point input, got ${x.dtype}`);
  const w = o.weight;
  if (w !== null) {
    need(w, 'histogram', 'weight');
    if (w.dtype !== x.dtype) throw new DTypeError(`histogram: weight must have the input's dtype ${x.dtype}, got ${w.dtype}`);
    if (w._shape.length !== x._shape.length || w._shape.some((s, i) => s !== x._shape[i])) throw new ShapeError(`histogram: weight of shape ${fmt(w._shape)} must have the input's shape ${fmt(x._shape)}`);
  }
  const [hist, edges] = noGrad(() => scopeSync(() => {
    let e: Tensor;
    if (o.bins instanceof Tensor) {
      const b = need(o.bins, 'histogram', 'bins');
      if (o.range !== null) throw new ValueError('histogram: range cannot be given with bin edges (bins as a Tensor)');
      if (b.ndim !== 1 || b.numel < 2) throw new ShapeError(`histogram: bins must be a 1-D tensor of at least two edges (one bin), got shape ${fmt(b._shape)}`);
      if (b.dtype !== x.dtype) throw new DTypeError(`histogram: the bin edges must have the input's dtype ${x.dtype}, got ${b.dtype}`);
      e = b.detach().contiguous();
    } else {
      const nb = intArg(o.bins, 'bins', 'histogram', 1);
      let lo = 0, hi = 1;
      if (o.range !== null) [lo, hi] = o.range;
      else if (x.numel > 0) { const [a, z] = x.detach().aminmax(); lo = Number(a.item()); hi = Number(z.item()); }
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new ValueError(`histogram: the range [${lo}, ${hi}] is not finite`);
      if (lo > hi) throw new ValueError(`histogram: min should not exceed max, got min ${lo} and max ${hi}`);
      if (lo === hi) { lo -= 0.5; hi += 0.5; }
      const vals = linspaceEdges(lo, hi, nb + 1, x.dtype !== 'float64');
      e = tensor(Float64Array.from(vals), { dtype: 'float64', device: x.device }).to(x.dtype);
    }
    const nb = e.numel - 1;
    const flat = reshape(x.detach(), [-1]);
    const first = narrow(e, 0, 0, 1), last = narrow(e, 0, nb, 1);
    const inside = logicalAnd(ge(flat, first), le(flat, last));  // (NaN is outside)
    const bin = clamp(sub(searchsorted(e, flat, { right: true }), 1), 0, Math.max(nb - 1, 0));
    const src = w === null ? inside.to(x.dtype) : where(inside, reshape(w.detach(), [-1]), 0);
    let h = nb === 0 ? zeros([0], { dtype: x.dtype, device: x.device }) : zeros([nb], { dtype: x.dtype, device: x.device }).scatterAdd(0, bin, src);
    if (o.density && nb > 0) h = div(h, mul(sum(h), diff(e)));
    return [h, e.clone()];
  }));
  return namedTuple(['hist', 'binEdges'], [hist, edges]) as HistogramResult;
}

/** Options of gradient (torch.gradient's keywords). */
export interface GradientOptions {
  /**
   * The sample spacing: one number for every dim (default 1), a number per dim, or a 1-D tensor of
   * coordinates per dim.
   */
  spacing?: number | readonly number[] | readonly Tensor[];
  /** The dim(s) to differentiate along (default every dim). */
  dim?: number | readonly number[] | null;
  /** The accuracy order at the boundaries: 1 (default) or 2. */
  edgeOrder?: number;
}
const GRADIENT = signature('gradient', ['input'], {
  input: required(A.anyValue<Tensor>()), spacing: optional(A.anyValue<number | readonly number[] | readonly Tensor[]>(), 1),
  dim: optional(A.anyValue<number | readonly number[] | null>(), null), edgeOrder: optional(A.anyValue<number>(), 1),
});

/**
 * The gradient of `input` estimated by central differences in the interior and one-sided ones (of
 * order `edgeOrder`) at the ends, along each dim in `dim`, as `torch.gradient`; one tensor per dim.
 * Each dim needs at least edgeOrder + 1 samples.
 * ```ts
 * const [g] = fl.gradient(fl.tensor([1, 4, 9, 16]));  // [3, 4, 6, 7]
 * ```
 */
export function gradient(input: Tensor, options?: GradientOptions): Tensor[];
export function gradient(...args: unknown[]): Tensor[] {
  const o = GRADIENT.parse(args);
  const x = need(o.input, 'gradient');
  if (x.dtype === 'uint8' || x.dtype === 'bool') throw new DTypeError(`gradient: ${x.dtype} inputs are not supported (as torch, which subtracts in the input's dtype)`);
  const order = intArg(o.edgeOrder, 'edgeOrder', 'gradient');
  if (order !== 1 && order !== 2) throw new ValueError(`gradient: only edgeOrder 1 and 2 are supported, got ${describeArg(o.edgeOrder)}`);
  let dims: number[];
  if (o.dim === null) dims = range(x.ndim);
  else if (typeof o.dim === 'number') dims = [normDim(o.dim, x.ndim, 'gradient')];
  else if (Array.isArray(o.dim)) dims = normDims(o.dim as number[], x.ndim, 'gradient');
  else throw new ValueError(`gradient: dim must be an integer, an array of integers or null, got ${describeArg(o.dim)}`);
  if (x.ndim === 0 && o.dim === null) return [];  // torch: an empty tuple
  for (const d of dims) {
    if (x._shape[d] < order + 1) throw new ShapeError(`gradient: each dim needs at least edgeOrder + 1 = ${order + 1} samples, dim ${d} of shape ${fmt(x._shape)} has ${x._shape[d]}`);
  }
  const sp = o.spacing;
  let steps: (number | Tensor)[];
  if (typeof sp === 'number' && !Number.isNaN(sp)) steps = dims.map(() => sp);
  else if (Array.isArray(sp) && sp.every((s) => typeof s === 'number' && !Number.isNaN(s))) steps = sp.slice() as number[];
  else if (Array.isArray(sp) && sp.every((s) => s instanceof Tensor)) steps = (sp as Tensor[]).map((s) => need(s, 'gradient', 'spacing'));
  else throw new ValueError(`gradient: spacing must be a number, an array of numbers or an array of 1-D tensors, got ${describeArg(sp)}`);
  if (steps.length !== dims.length) throw new ValueError(`gradient: spacing has ${steps.length} entries for ${dims.length} dims (give one number, or one entry per dim)`);
  steps.forEach((s, k) => {
    if (s instanceof Tensor && (s.ndim !== 1 || s.numel !== x._shape[dims[k]])) {
      throw new ShapeError(`gradient: the coordinates for dim ${dims[k]} must be a 1-D tensor of ${x._shape[dims[k]]} values, got shape ${fmt(s._shape)}`);
    }
  });
  return dims.map((d, k) => scopeSync(() => gradientAlong(x, d, steps[k], order)));
}

/** One dim of torch.gradient (gradient_helper_float / gradient_helper of torch 1.13). */
function gradientAlong(f: Tensor, d: number, h: number | Tensor, order: number): Tensor {
  const n = f._shape[d];
  const at = (start: number, len: number): Tensor => narrow(f, d, start < 0 ? n + start : start, len);
  let center: Tensor, first: Tensor, last: Tensor;
  if (typeof h === 'number') {
    center = div(div(sub(at(2, n - 2), at(0, n - 2)), h), 2);
    if (order === 1) {
      first = div(sub(at(1, 1), at(0, 1)), h);
      last = div(sub(at(-1, 1), at(-2, 1)), h);
    } else {
      first = div(sub(add(mul(at(0, 1), -1.5), mul(at(1, 1), 2)), mul(at(2, 1), 0.5)), h);
      last = div(add(sub(mul(at(-3, 1), 0.5), mul(at(-2, 1), 2)), mul(at(-1, 1), 1.5)), h);
    }
  } else {
    const shape = f._shape.map((_, k) => (k === d ? -1 : 1));
    const dx = diff(h, 1, 0);
    const dx1 = narrow(dx, 0, 0, n - 2), dx2 = narrow(dx, 0, 1, n - 2);
    const a = reshape(div(neg(dx2), mul(dx1, add(dx1, dx2))), shape);
    const b = reshape(div(sub(dx2, dx1), mul(dx1, dx2)), shape);
    const c = reshape(div(dx1, mul(dx2, add(dx1, dx2))), shape);
    center = add(add(mul(a, at(0, n - 2)), mul(b, at(1, n - 2))), mul(c, at(2, n - 2)));
    const e = (i: number): Tensor => reshape(narrow(dx, 0, i < 0 ? n - 1 + i : i, 1), []);
    if (order === 1) {
      first = div(sub(at(1, 1), at(0, 1)), e(0));
      last = div(sub(at(-1, 1), at(-2, 1)), e(-1));
    } else {
      const d0 = e(0), d1 = e(1), l1 = e(-1), l2 = e(-2);
      const fa = div(neg(add(mul(d0, 2), d1)), mul(d0, add(d0, d1)));
      const fb = div(add(d0, d1), mul(d0, d1));
      const fc = div(neg(d0), mul(d1, add(d0, d1)));
      first = add(add(mul(fa, at(0, 1)), mul(fb, at(1, 1))), mul(fc, at(2, 1)));
      const la = div(l1, mul(l2, add(l1, l2)));
      const lb = div(neg(add(l1, l2)), mul(l1, l2));
      const lc = div(add(mul(l1, 2), l2), mul(l1, add(l1, l2)));
      last = add(add(mul(la, at(-3, 1)), mul(lb, at(-2, 1))), mul(lc, at(-1, 1)));
    }
  }
  return cat([first, center, last], d);
}

// ---- products and distances ---------------------------------------------------------------------------------

/**
 * The product of the 2-D matrices in order, as `torch.chain_matmul` (deprecated there for
 * linalg.multi_dot); one matrix is returned as a copy.
 * ```ts
 * fl.chainMatmul(a, b, c);  // a @ b @ c
 * ```
 */
export function chainMatmul(...matrices: Tensor[]): Tensor {
  if (matrices.length === 0) throw new ValueError('chainMatmul: expected one or more matrices');
  matrices.forEach((m, i) => {
    need(m, 'chainMatmul', `matrix ${i}`);
    if (m.ndim !== 2) throw new ShapeError(`chainMatmul: matrix ${i} must be 2-D, got shape ${fmt(m._shape)}`);
  });
  if (matrices.length === 1) return matrices[0].clone();
  return scopeSync(() => matrices.slice(1).reduce((acc, m) => mm(acc, m), matrices[0]));
}

/**
 * The inner product over the last dims, as `torch.inner`: shape input.shape[:-1] + other.shape[:-1]
 * (a 0-dim operand multiplies).
 * ```ts
 * fl.inner(fl.ones([2, 3]), fl.ones([4, 3])).shape;  // [2, 4]
 * ```
 */
export function inner(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('inner', 'input, other', arguments);
  const a = need(input, 'inner'), b = need(other, 'inner', 'other');
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  const k = a._shape[a.ndim - 1];
  if (b._shape[b.ndim - 1] !== k) throw new ShapeError(`inner: the last dims must match, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  if (a.dtype !== b.dtype) throw new DTypeError(`inner: expected both inputs to have the same dtype, got ${a.dtype} and ${b.dtype}`);
  const ra = a._shape.slice(0, -1), rb = b._shape.slice(0, -1);
  return scopeSync(() => reshape(matmul(reshape(a, [numel(ra), k]), transpose(reshape(b, [numel(rb), k]), 0, 1)), [...ra, ...rb]));
}

/**
 * The p-norm of input - other (broadcast), as `torch.dist`: `Infinity` is the largest |difference|,
 * 0 the count of non-zero differences. Floating inputs; torch's gradient (norm_backward).
 * ```ts
 * fl.dist(fl.tensor([0, 0]), fl.tensor([3, 4])).item();  // 5
 * ```
 */
export function dist(input: Tensor, other: Tensor, ...args: ArgsThenOptions<[p: number], { p?: number }>): Tensor;
export function dist(input: Tensor, options: { other: Tensor; p?: number }): Tensor;
export function dist(): Tensor {
  const { input, other, p } = KW.dist.parse(argsOf(arguments));
  const a = need(input, 'dist'), b = need(other, 'dist', 'other');
  if (typeof p !== 'number') throw new ValueError(`dist: p must be a number, got ${describeArg(p)}`);
  return scopeSync(() => normOp(sub(a, b), p, null, false, null, 'dist'));
}

/**
 * The p-norm distance between every pair of rows i < j of the 2-D `input` ([N, M]), in the order
 * of the upper triangle, as `torch.nn.functional.pdist`: N(N-1)/2 values. p >= 0.
 * ```ts
 * fl.pdist(fl.tensor([[0, 0], [3, 4], [6, 8]])).toArray();  // [5, 10, 5]
 * ```
 */
export function pdist(input: Tensor, ...args: ArgsThenOptions<[p: number], { p?: number }>): Tensor;
export function pdist(): Tensor {
  const { input, p } = KW.pdist.parse(argsOf(arguments));
  const x = need(input, 'pdist');
  if (typeof p !== 'number' || Number.isNaN(p) || p < 0) throw new ValueError(`pdist: p must be a non-negative number, got ${describeArg(p)}`);
  if (x.ndim !== 2) throw new ShapeError(`pdist: only supports 2-D tensors, got shape ${fmt(x._shape)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`pdist: only supports floating point inputs, got ${x.dtype}`);
  const n = x._shape[0];
  return scopeSync(() => {
    const ij = triuIndices(n, n, 1, { device: x.device });
    const pairs = sub(indexSelect(x, 0, ij.select(0, 0)), indexSelect(x, 0, ij.select(0, 1)));
    return pNorm(pairs, p, [1], false, 'all', 'pdist');
  });
}

/**
 * The Frobenius norm (the 2-norm of the elements) over `dim` (at most two dims; every dim by
 * default), as torch's deprecated `torch.frobenius_norm`.
 * ```ts
 * fl.frobeniusNorm(fl.tensor([[3, 4], [1, 2]])).item();  // √30
 * ```
 */
export function frobeniusNorm(input: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  if (arguments.length > 3) tooManyArgs('frobeniusNorm', 'input, dim, keepdim', arguments);
  const x = need(input, 'frobeniusNorm');
  flag(keepdim, 'keepdim', 'frobeniusNorm');
  if (Array.isArray(dim) && dim.length > 2) throw new ShapeError(`frobeniusNorm: expected at most 2 dims, got dim ${describeArg(dim)}`);
  return normOp(x, 2, Array.isArray(dim) && dim.length === 0 ? null : (dim ?? null) as number | number[] | null, keepdim, null, 'frobeniusNorm');
}

/**
 * The nuclear norm (the sum of the singular values) of the 2-D `input`, or of the matrices over the
 * two dims `dim`, as torch's deprecated `torch.nuclear_norm` (`nuclearNorm(x, keepdim)` or
 * `nuclearNorm(x, dim, keepdim)`). float32/float64.
 * ```ts
 * fl.nuclearNorm(fl.eye(3)).item();  // 3
 * ```
 */
export function nuclearNorm(input: Tensor, keepdim?: boolean): Tensor;
export function nuclearNorm(input: Tensor, dim: readonly number[], keepdim?: boolean): Tensor;
export function nuclearNorm(input: Tensor, dimOrKeepdim?: readonly number[] | boolean, keepdim?: boolean): Tensor {
  if (arguments.length > 3 || (arguments.length === 3 && !Array.isArray(dimOrKeepdim))) tooManyArgs('nuclearNorm', Array.isArray(dimOrKeepdim) ? 'input, dim, keepdim' : 'input, keepdim', arguments);
  const x = need(input, 'nuclearNorm');
  const dims = Array.isArray(dimOrKeepdim) ? dimOrKeepdim : null;
  const kd = flag(Array.isArray(dimOrKeepdim) ? keepdim ?? false : dimOrKeepdim ?? false, 'keepdim', 'nuclearNorm');
  if (dims === null && x.ndim !== 2) throw new ShapeError(`nuclearNorm: expected a 2-D tensor, got shape ${fmt(x._shape)}`);
  if (dims !== null && dims.length !== 2) throw new ShapeError(`nuclearNorm: dim must name two dims, got ${describeArg(dims)}`);
  return norm(x, 'nuc', dims ?? [0, 1], kd);
}

// ---- maskedScatter -------------------------------------------------------------------------------------------

/**
 * `input` with the positions where `mask` is true filled, in order, with the first elements of
 * `source`, as `torch.masked_scatter` (`input` and `mask` broadcast together; `source` has the
 * input's dtype and at least as many elements as the mask selects).
 * ```ts
 * fl.maskedScatter(fl.zeros([4]), fl.tensor([true, false, true, false]), fl.tensor([7, 8])).toArray();  // [7, 0, 8, 0]
 * ```
 */
export function maskedScatter(input: Tensor, mask: Tensor, source: Tensor): Tensor {
  if (arguments.length > 3) tooManyArgs('maskedScatter', 'input, mask, source', arguments);
  return maskedScatterAs(input, mask, source, 'maskedScatter');
}
function maskedScatterAs(input: Tensor, mask: Tensor, source: Tensor, op: string): Tensor {
  const x = need(input, op), m = need(mask, op, 'mask'), s = need(source, op, 'source');
  if (m.dtype !== 'bool') throw new DTypeError(`${op}: expected a bool mask, got ${m.dtype}`);
  if (s.dtype !== x.dtype) throw new DTypeError(`${op}: expected source to have the input's dtype ${x.dtype}, got ${s.dtype}`);
  const shape = shapeBroadcast(op, x._shape, m._shape);
  return scopeSync(() => {
    const mb = expand(m, shape), xb = expand(x, shape);
    const count = cumsum(reshape(mb, [-1]).to('int32'), 0);
    const total = count.numel === 0 ? 0 : Number(count.select(0, count.numel - 1).item());
    if (total > s.numel) throw new ValueError(`${op}: the mask (shape ${fmt(m._shape)}) selects ${total} elements but source (shape ${fmt(s._shape)}) has ${s.numel}`);
    if (total === 0) return mul(xb, 1).to(x.dtype);
    const at = reshape(clamp(sub(count, 1), 0, null), shape);
    return where(mb, take(s, at), xb);
  });
}

// ---- asStrided, emptyStrided ----------------------------------------------------------------------------------

/** The number of elements a storage holds for dtype-size elements. */
const storageElements = (t: Tensor): number => Math.floor(t._storage.bytes / t.itemsize);
/** One past the last element a view of (size, stride, offset) reads (offset when it reads none). */
function extent(size: readonly number[], stride: readonly number[], offset: number): number {
  if (numel(size) === 0) return offset;
  return offset + 1 + size.reduce((acc, s, i) => acc + (s - 1) * stride[i], 0);
}
/** The storage index of each element of a view (int32, shaped like the view). */
function stridedIndex(size: readonly number[], stride: readonly number[], offset: number, device: string): Tensor {
  let idx: Tensor = full([], offset, { dtype: 'int32', device });
  size.forEach((s, k) => {
    const shape = size.map((_, j) => (j === k ? s : 1));
    idx = add(idx, reshape(mul(tensor(Int32Array.from(range(s)), { device }), stride[k]), shape));
  });
  return expand(idx, size.slice()).contiguous();
}

/**
 * A view of `input`'s storage with the given size, strides (in elements, >= 0) and storage offset
 * (default the input's), as `torch.as_strided`. It shares memory with the input; a view that would
 * reach outside the storage is an IndexError. Gradients flow back to the input's elements.
 * ```ts
 * fl.asStrided(fl.arange(6), [2, 2], [1, 2]).toArray();  // [[0, 2], [1, 3]]
 * ```
 */
export function asStrided(input: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number | null): Tensor {
  if (arguments.length > 4) tooManyArgs('asStrided', 'input, size, stride, storageOffset', arguments);
  const x = need(input, 'asStrided');
  const sz = sizeArg(size, 'size', 'asStrided'), st = sizeArg(stride, 'stride', 'asStrided');
  if (sz.length !== st.length) throw new ShapeError(`asStrided: size ${fmt(sz)} and stride ${fmt(st)} differ in length`);
  const off = storageOffset === undefined || storageOffset === null ? x._offset : intArg(storageOffset, 'storageOffset', 'asStrided', 0);
  const have = storageElements(x), reach = extent(sz, st, off);
  if (reach > have) {
    throw new IndexError(`asStrided: size ${fmt(sz)}, stride ${fmt(st)} and storage offset ${off} reach element ${reach - 1} of a storage of ${have} elements (input shape ${fmt(x._shape)})`);
  }
  const out = x._view(sz, st, off);
  if (needsGrad(x)) {
    const inShape = x._shape, inStrides = x._strides, inOff = x._offset, dev = x.device;
    record('asStrided', [x], [out], [], ([g]) => scopeSync(() => {
      const len = Math.max(extent(inShape, inStrides, inOff), extent(sz, st, off));
      const buf = indexAdd(zeros([len], { dtype: g!.dtype, device: dev }), 0, reshape(stridedIndex(sz, st, off, dev), [-1]), reshape(g!, [-1]));
      const inIdx = stridedIndex(inShape, inStrides, inOff, dev);
      const times = indexAdd(zeros([len], { dtype: g!.dtype, device: dev }), 0, reshape(inIdx, [-1]), ones([numel(inShape)], { dtype: g!.dtype, device: dev }));
      return [div(take(buf, inIdx), take(times, inIdx))];
    }), true);
  }
  return out;
}

/** Options of emptyStrided (torch.empty_strided's keywords). */
export interface EmptyStridedOptions {
  dtype?: DType;
  device?: string;
  requiresGrad?: boolean;
}
const EMPTY_STRIDED = signature('emptyStrided', ['size', 'stride'], {
  size: required(A.anyValue<readonly number[]>()), stride: required(A.anyValue<readonly number[]>()),
  dtype: optional(A.dtype), device: optional(A.device), requiresGrad: optional(A.bool, false),
});
/**
 * An uninitialised tensor with the given size and strides (in elements), on a storage just large
 * enough for them, as `torch.empty_strided`.
 * ```ts
 * fl.emptyStrided([2, 3], [1, 2]).strides;  // [1, 2]
 * ```
 */
export function emptyStrided(size: readonly number[], stride: readonly number[], options?: EmptyStridedOptions): Tensor;
export function emptyStrided(...args: unknown[]): Tensor {
  const o = EMPTY_STRIDED.parse(args);
  const sz = sizeArg(o.size, 'size', 'emptyStrided'), st = sizeArg(o.stride, 'stride', 'emptyStrided');
  if (sz.length !== st.length) throw new ShapeError(`emptyStrided: size ${fmt(sz)} and stride ${fmt(st)} differ in length`);
  const base = emptyTensor([extent(sz, st, 0)], o.dtype ?? getDefaultDtype(), parseDevice(o.device, 'emptyStrided'), false, 'emptyStrided');
  const t = base._view(sz, st, 0);
  base.dispose();
  return withGrad(t, o.requiresGrad);
}

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link clip}. */ clip(...args: A.ArgsThenOptions<[min: TensorLike | null, max: TensorLike | null], ClampOptions>): Tensor;
    /** In place {@link clip} (numbers only, as clamp_). */ clip_(...args: A.ArgsThenOptions<[min: number | null, max: number | null], { min?: number | null; max?: number | null }>): Tensor;
    /** See {@link absolute}. */ absolute(): Tensor;
    /** In place {@link absolute}. */ absolute_(): Tensor;
    /** See {@link negative}. */ negative(): Tensor;
    /** In place {@link negative}. */ negative_(): Tensor;
    /** See {@link fix}. */ fix(): Tensor;
    /** In place {@link fix}. */ fix_(): Tensor;
    /** In place {@link arccos}. */ arccos_(): Tensor;
    /** In place {@link arcsin}. */ arcsin_(): Tensor;
    /** In place {@link arctan}. */ arctan_(): Tensor;
    /** See {@link arcsinh}. */ arcsinh(): Tensor;
    /** In place {@link arcsinh}. */ arcsinh_(): Tensor;
    /** See {@link arccosh}. */ arccosh(): Tensor;
    /** In place {@link arccosh}. */ arccosh_(): Tensor;
    /** See {@link arctanh}. */ arctanh(): Tensor;
    /** In place {@link arctanh}. */ arctanh_(): Tensor;
    /** In place `asinh`. */ asinh_(): Tensor;
    /** In place `acosh`. */ acosh_(): Tensor;
    /** In place `atanh`. */ atanh_(): Tensor;
    /** In place {@link arctan2}. */ arctan2_(other: TensorLike): Tensor;
    /** See {@link arccos}. */ arccos(): Tensor;
    /** See {@link arcsin}. */ arcsin(): Tensor;
    /** See {@link arctan}. */ arctan(): Tensor;
    /** See {@link arctan2}. */ arctan2(other: TensorLike): Tensor;
    /** See {@link multiply}. */ multiply(other: TensorLike): Tensor;
    /** In place {@link multiply}. */ multiply_(other: TensorLike): Tensor;
    /** See {@link divide}. */
    divide(other: TensorLike, ...args: ArgsThenOptions<[roundingMode: 'floor' | 'trunc' | null], { roundingMode?: 'floor' | 'trunc' | null }>): Tensor;
    divide(options: { other: TensorLike; roundingMode?: 'floor' | 'trunc' | null }): Tensor;
    /** In place {@link divide}. */ divide_(other: TensorLike, roundingMode?: 'floor' | 'trunc'): Tensor;
    /** See {@link subtract}. */
    subtract(other: TensorLike, ...args: ArgsThenOptions<[alpha: number], { alpha?: number }>): Tensor;
    subtract(options: { other: TensorLike; alpha?: number }): Tensor;
    /** In place {@link subtract}. */ subtract_(other: TensorLike, alpha?: number): Tensor;
    /** See {@link ger}. */ ger(vec2: Tensor): Tensor;
    /** See {@link isSameSize}. */ isSameSize(other: Tensor): boolean;
    /** See {@link isNonzero}. */ isNonzero(): boolean;
    /** See {@link argwhere}. */ argwhere(): Tensor;
    /** See {@link msort}. */ msort(): Tensor;
    /** See {@link mode}. */ mode(...args: ArgsThenOptions<[dim: number, keepdim: boolean], { dim?: number; keepdim?: boolean }>): ValuesIndices;
    /** See {@link nanmedian}: `x.nanmedian()` → 0-dim tensor; `x.nanmedian(dim, keepdim?)` → `[values, indices]`. */
    nanmedian(): Tensor;
    nanmedian(dim: number, ...args: ArgsThenOptions<[keepdim: boolean], { keepdim?: boolean }>): ValuesIndices;
    nanmedian(options: { dim: number; keepdim?: boolean }): ValuesIndices;
    /** See {@link renorm}. */
    renorm(p: number, dim: number, maxnorm: number): Tensor;
    renorm(p: number, dim: number, options: { maxnorm: number }): Tensor;
    renorm(p: number, options: { dim: number; maxnorm: number }): Tensor;
    renorm(options: { p: number; dim: number; maxnorm: number }): Tensor;
    /** See {@link histogram}. */ histogram(bins?: number | Tensor, options?: HistogramOptions): HistogramResult;
    /** See {@link inner}. */ inner(other: Tensor): Tensor;
    /** See {@link dist}. */
    dist(other: Tensor, ...args: ArgsThenOptions<[p: number], { p?: number }>): Tensor;
    dist(options: { other: Tensor; p?: number }): Tensor;
    /** See {@link maskedScatter}. */ maskedScatter(mask: Tensor, source: Tensor): Tensor;
    /** In place {@link maskedScatter}: the mask broadcasts to this tensor's shape. */ maskedScatter_(mask: Tensor, source: Tensor): Tensor;
    /** See {@link asStrided}. */ asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number | null): Tensor;
  }
}

/** @internal In place: the out-of-place result written back (checked as every in-place op: no autograd leaf or view in a graph). */
export function writeBack(self: Tensor, op: string, others: unknown[], compute: () => Tensor): Tensor {
  checkInplace(self, op, ...others);
  const out = compute();
  try {
    if (out._shape.length !== self._shape.length || out._shape.some((v, i) => v !== self._shape[i])) {
      throw new ShapeError(`${op}: result shape ${fmt(out._shape)} does not match the in-place tensor's shape ${fmt(self._shape)}`);
    }
    if (category(out.dtype) > category(self.dtype)) throw new DTypeError(`${op}: result type ${out.dtype} can't be cast to the in-place tensor's dtype ${self.dtype}`);
    return self.copy_(out);
  } finally { out.dispose(); }
}
P.clip = function (this: Tensor, ...a: unknown[]) { return (clip as (...b: unknown[]) => Tensor)(this, ...a); };
P.clip_ = function (this: Tensor, ...a: unknown[]) { const { min, max } = CLIP_ARGS.clip_.parse(a); return this.clamp_(min as number | null | undefined, max as number | null | undefined); };
P.absolute = function () { if (arguments.length > 0) tooManyArgs('absolute', '', arguments); return abs(this); };
P.absolute_ = function () { if (arguments.length > 0) tooManyArgs('absolute_', '', arguments); return this.abs_(); };
P.negative = function () { if (arguments.length > 0) tooManyArgs('negative', '', arguments); return neg(this); };
P.negative_ = function () { if (arguments.length > 0) tooManyArgs('negative_', '', arguments); return this.neg_(); };
P.fix = function () { if (arguments.length > 0) tooManyArgs('fix', '', arguments); return trunc(this); };
P.fix_ = function () { if (arguments.length > 0) tooManyArgs('fix_', '', arguments); return writeBack(this, 'fix_', [], () => trunc(this)); };
P.arccos_ = function () { if (arguments.length > 0) tooManyArgs('arccos_', '', arguments); return writeBack(this, 'arccos_', [], () => acos(this)); };
P.arcsin_ = function () { if (arguments.length > 0) tooManyArgs('arcsin_', '', arguments); return writeBack(this, 'arcsin_', [], () => asin(this)); };
for (const [alias, name, f] of [['arcsinh', 'asinh', asinh], ['arccosh', 'acosh', acosh], ['arctanh', 'atanh', atanh]] as const) {
  P[alias] = function () { if (arguments.length > 0) tooManyArgs(alias, '', arguments); return f(this); };
  P[`${alias}_`] = function () { if (arguments.length > 0) tooManyArgs(`${alias}_`, '', arguments); return writeBack(this, `${alias}_`, [], () => f(this)); };
  P[`${name}_`] = function () { if (arguments.length > 0) tooManyArgs(`${name}_`, '', arguments); return writeBack(this, `${name}_`, [], () => f(this)); };
}
P.arctan_ = function () { if (arguments.length > 0) tooManyArgs('arctan_', '', arguments); return writeBack(this, 'arctan_', [], () => atan(this)); };
P.arctan2_ = function (o) { if (arguments.length > 1) tooManyArgs('arctan2_', 'other', arguments); return writeBack(this, 'arctan2_', [o], () => atan2(this, o)); };
P.arccos = function () { if (arguments.length > 0) tooManyArgs('arccos', '', arguments); return acos(this); };
P.arcsin = function () { if (arguments.length > 0) tooManyArgs('arcsin', '', arguments); return asin(this); };
P.arctan = function () { if (arguments.length > 0) tooManyArgs('arctan', '', arguments); return atan(this); };
P.arctan2 = function (o) { if (arguments.length > 1) tooManyArgs('arctan2', 'other', arguments); return atan2(this, o); };
P.multiply = function (o) { if (arguments.length > 1) tooManyArgs('multiply', 'other', arguments); return mul(this, o); };
P.multiply_ = function (o) { if (arguments.length > 1) tooManyArgs('multiply_', 'other', arguments); return this.mul_(o); };
P.divide = function (this: Tensor, ...a: unknown[]) { return (divide as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['divide'];
P.divide_ = function (o, mode) {
  if (arguments.length > 2) tooManyArgs('divide_', 'other, roundingMode', arguments);
  if (mode === undefined) return this.div_(o);
  return writeBack(this, 'divide_', [o], () => div(this, o, mode));
};
P.subtract = function (this: Tensor, ...a: unknown[]) { return (subtract as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['subtract'];
P.subtract_ = function (o, alpha) {
  if (arguments.length > 2) tooManyArgs('subtract_', 'other, alpha', arguments);
  if (alpha === undefined) return this.sub_(o);
  const a = numArg(alpha, 'alpha', 'subtract_');
  return typeof o === 'number' ? this.sub_(o * a) : this.sub_(o, a);
};
P.ger = function (v) { if (arguments.length > 1) tooManyArgs('ger', 'vec2', arguments); return outer(this, v); };
P.isSameSize = function (o) { if (arguments.length > 1) tooManyArgs('isSameSize', 'other', arguments); return isSameSize(this, o); };
P.isNonzero = function () { if (arguments.length > 0) tooManyArgs('isNonzero', '', arguments); return isNonzero(this); };
P.argwhere = function () { if (arguments.length > 0) tooManyArgs('argwhere', '', arguments); return argwhere(this); };
P.msort = function () { if (arguments.length > 0) tooManyArgs('msort', '', arguments); return msort(this); };
P.mode = function (this: Tensor, ...a: unknown[]) { return (mode as (...b: unknown[]) => ValuesIndices)(this, ...a); };
P.nanmedian = function (this: Tensor, ...a: unknown[]) { return (nanmedian as (...b: unknown[]) => Tensor | ValuesIndices)(this, ...a); } as Tensor['nanmedian'];
P.renorm = function (this: Tensor, ...a: unknown[]) { return (renorm as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['renorm'];
P.histogram = function (...a: unknown[]) { return (histogram as (...x: unknown[]) => HistogramResult)(this, ...a); };
P.inner = function (o) { if (arguments.length > 1) tooManyArgs('inner', 'other', arguments); return inner(this, o); };
P.dist = function (this: Tensor, ...a: unknown[]) { return (dist as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['dist'];
P.maskedScatter = function (m, s) { if (arguments.length > 2) tooManyArgs('maskedScatter', 'mask, source', arguments); return maskedScatterAs(this, m, s, 'maskedScatter'); };
P.maskedScatter_ = function (m, s) {
  if (arguments.length > 2) tooManyArgs('maskedScatter_', 'mask, source', arguments);
  need(this, 'maskedScatter_');
  const mk = need(m, 'maskedScatter_', 'mask');
  const shape = shapeBroadcast('maskedScatter_', this._shape, mk._shape);
  if (shape.length !== this._shape.length || shape.some((v, i) => v !== this._shape[i])) {
    throw new ShapeError(`maskedScatter_: the mask of shape ${fmt(mk._shape)} must broadcast to the in-place tensor's shape ${fmt(this._shape)}`);
  }
  return writeBack(this, 'maskedScatter_', [mk, s], () => maskedScatterAs(this, mk, s, 'maskedScatter_'));
};
P.asStrided = function (size, stride, off) { if (arguments.length > 3) tooManyArgs('asStrided', 'size, stride, storageOffset', arguments); return asStrided(this, size, stride, off); };
