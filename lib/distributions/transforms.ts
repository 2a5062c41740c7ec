// transforms.ts — torch.distributions.transforms: invertible maps y = f(x) with the log of the
// absolute determinant of their Jacobian, the building blocks of TransformedDistribution and of the
// bijectTo / transformTo registries (constraint-registry.ts). Formulas are torch 1.13's.
//
// A Transform has `call(x)` (torch's t(x)), `inv` (its inverse: a Transform, `t.inv.inv === t`),
// `logAbsDetJacobian(x, y)`, `domain` / `codomain` (constraints, whose eventDim says how many
// rightmost dims one event has), `bijective`, `sign`, `forwardShape` / `inverseShape`, and an
// optional cache of the last (x, y) pair (cacheSize 1): `t.inv.call(t.call(x))` is then `x` itself
// (the same tensor object, as torch returns the cached one; do not dispose it twice).
//
// Parameters (AffineTransform's loc and scale, PowerTransform's exponent) stay the caller's tensors.
import { Tensor, scopeSync } from '../tensor';
import { describeArg, tooManyArgs } from '../arity';
import { ShapeError, ValueError } from '../errors';
import { anyValue, int, optional, required, signature } from '../args';
import { fmt, broadcastShapes } from '../shape';
import {
  abs, add, all, amax, cat, clamp, cumprod, cumsum, diagEmbed, diagonal, div, eq, exp, expand, eye, full, fullLike, indexSelect, log, log1p, mul,
  narrow, neg, ones, pow, reshape, sigmoid, sign, softplus, sqrt, square, sub, sum, tanh, tensor, tril, zeros, zerosLike,
} from '../ops';
import { Distribution, NotImplementedError, sumRightmost } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';

const TINY: Record<string, number> = { float64: 2.2250738585072014e-308, float16: 6.103515625e-05, bfloat16: 1.1754943508222875e-38 };
const EPS: Record<string, number> = { float64: 2.220446049250313e-16, float16: 0.0009765625, bfloat16: 0.0078125 };
const tinyOf = (t: Tensor): number => TINY[t.dtype] ?? 1.1754943508222875e-38;
const epsOf = (t: Tensor): number => EPS[t.dtype] ?? 1.1920928955078125e-07;

const cacheSizeCheck = int({ min: 0, max: 1 });
const tensorOrNum = (v: unknown, where: string): Tensor | number => {
  if (v instanceof Tensor || typeof v === 'number') return v;
  throw new ValueError(`${where} must be a Tensor or a number, got ${describeArg(v)}`);
};
const shapeOfParam = (v: Tensor | number): number[] => (v instanceof Tensor ? v.shape : []);

/**
 * The base class of the transforms (torch.distributions.transforms.Transform): `call(x)`,
 * `inv.call(y)`, `logAbsDetJacobian(x, y)`. Subclass it and override `_call`, `_inverse`,
 * `_logAbsDetJacobian`, `domain` and `codomain` for a transform of your own.
 * ```ts
 * const t = new fl.distributions.transforms.ExpTransform();
 * const y = t.call(x), x2 = t.inv.call(y);
 * ```
 */
export abstract class Transform {
  /** @internal */ readonly _cacheSize: number;
  /** @internal */ _cached: [Tensor | null, Tensor | null] = [null, null];
  /** @internal */ _inv: Transform | null = null;
  /** @internal The class's name, for messages. */
  readonly _name: string;
  /** A subclass names itself and sets its cache size (0: none, 1: the last pair). */
  protected constructor(name: string, cacheSize = 0) {
    this._name = name;
    this._cacheSize = cacheSize;
  }
  /** The set of inputs (a constraint; its eventDim is the input's event dims). */
  get domain(): Constraint { return C.real; }
  /** The set of outputs. */
  get codomain(): Constraint { return C.real; }
  /** Whether the transform is invertible (torch's bijective). */
  get bijective(): boolean { return false; }
  /** The sign of the Jacobian's determinant (a number, or a Tensor for a tensor AffineTransform's scale). */
  get sign(): number | Tensor { throw new NotImplementedError(`${this._name}.sign: not defined`); }
  /** The event dims of a transform whose domain and codomain agree on them (torch's event_dim). */
  get eventDim(): number {
    const d = this.domain.eventDim;
    if (d === this.codomain.eventDim) return d;
    throw new ValueError(`${this._name}.eventDim: the domain and the codomain have different event dims (${d} and ${this.codomain.eventDim}); use domain.eventDim or codomain.eventDim`);
  }
  /** The inverse transform (`t.inv.inv === t`): `t.inv.call(y)`. */
  get inv(): Transform {
    if (this._inv === null) {
      const inv = new InverseTransform(this);
      this._inv = inv;
    }
    return this._inv;
  }
  /** The cache size (0 or 1). */
  get cacheSize(): number { return this._cacheSize; }
  /** The same transform with another cache size (torch's with_cache): `t.withCache(1)`. */
  withCache(cacheSize = 1): Transform {
    if (arguments.length > 1) tooManyArgs(`${this._name}.withCache`, 'cacheSize', arguments);
    const n = cacheSizeCheck(cacheSize, `${this._name}.withCache: cacheSize`);
    return n === this._cacheSize ? this : this._withCache(n);
  }
  /** @internal */ _withCache(cacheSize: number): Transform {
    throw new NotImplementedError(`${this._name}.withCache is not implemented`);
  }
  /** Whether `other` is the same transform (torch's ==): the same class and equal parameters. */
  equals(other: Transform): boolean {
    if (arguments.length > 1) tooManyArgs(`${this._name}.equals`, 'other', arguments);
    return this === other;
  }

  /** y = f(x) (torch's `t(x)`): `t.call(x)`. With cacheSize 1, the last x gives back the last y. */
  call(x: Tensor): Tensor {
    if (arguments.length > 1) tooManyArgs(`${this._name}.call`, 'x', arguments);
    if (!(x instanceof Tensor)) throw new ValueError(`${this._name}.call: x must be a Tensor, got ${describeArg(x)}`);
    return this._cachedCall(x);
  }
  /** @internal */ _cachedCall(x: Tensor): Tensor {
    if (this._cacheSize === 0) return scopeSync(() => this._call(x));
    const [xo, yo] = this._cached;
    if (x === xo && yo !== null && !yo.isDisposed) return yo;
    const y = scopeSync(() => this._call(x));
    this._cached = [x, y];
    return y;
  }
  /** @internal x = f⁻¹(y), through the cache. */
  _invCall(y: Tensor): Tensor {
    if (this._cacheSize === 0) return scopeSync(() => this._inverse(y));
    const [xo, yo] = this._cached;
    if (y === yo && xo !== null && !xo.isDisposed) return xo;
    const x = scopeSync(() => this._inverse(y));
    this._cached = [x, y];
    return x;
  }
  /** log |det J| of the map at (x, y = f(x)), one per event of the domain: `t.logAbsDetJacobian(x, y)`. */
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    if (arguments.length > 2) tooManyArgs(`${this._name}.logAbsDetJacobian`, 'x, y', arguments);
    if (!(x instanceof Tensor)) throw new ValueError(`${this._name}.logAbsDetJacobian: x must be a Tensor, got ${describeArg(x)}`);
    if (!(y instanceof Tensor)) throw new ValueError(`${this._name}.logAbsDetJacobian: y must be a Tensor, got ${describeArg(y)}`);
    return scopeSync(() => this._logAbsDetJacobian(x, y));
  }
  /** The shape of f(x) for x of `shape` (torch's forward_shape). */
  forwardShape(shape: readonly number[]): number[] {
    if (arguments.length > 1) tooManyArgs(`${this._name}.forwardShape`, 'shape', arguments);
    return this._forwardShape(checkShape(`${this._name}.forwardShape`, shape));
  }
  /** The shape of f⁻¹(y) for y of `shape` (torch's inverse_shape). */
  inverseShape(shape: readonly number[]): number[] {
    if (arguments.length > 1) tooManyArgs(`${this._name}.inverseShape`, 'shape', arguments);
    return this._inverseShape(checkShape(`${this._name}.inverseShape`, shape));
  }
  /** @internal */ _call(x: Tensor): Tensor { throw new NotImplementedError(`${this._name}.call: not implemented`); }
  /** @internal */ _inverse(y: Tensor): Tensor { throw new NotImplementedError(`${this._name}.inv: not implemented (the transform is not invertible)`); }
  /** @internal */ _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { throw new NotImplementedError(`${this._name}.logAbsDetJacobian: not implemented`); }
  /** @internal */ _forwardShape(shape: number[]): number[] { return shape; }
  /** @internal */ _inverseShape(shape: number[]): number[] { return shape; }
  /** torch's repr: `ExpTransform()`. */
  toString(): string { return `${this._name}()`; }
}

function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new ValueError(`${op}: shape must be an array of non-negative integers, got ${describeArg(shape)}`);
  }
  return (shape as number[]).slice();
}

/** The inverse of a transform (torch's _InverseTransform), made by `t.inv`. */
class InverseTransform extends Transform {
  /** @internal */ readonly _base: Transform;
  constructor(base: Transform) {
    super('InverseTransform', base._cacheSize);
    this._base = base;
    this._inv = base;
  }
  get domain(): Constraint { return this._base.codomain; }
  get codomain(): Constraint { return this._base.domain; }
  get bijective(): boolean { return this._base.bijective; }
  get sign(): number | Tensor { return this._base.sign; }
  get inv(): Transform { return this._base; }
  /** @internal */ _withCache(n: number): Transform { return this._base.withCache(n).inv; }
  equals(other: Transform): boolean { return other instanceof InverseTransform && this._base.equals(other._base); }
  /** @internal */ _cachedCall(x: Tensor): Tensor { return this._base._invCall(x); }
  /** @internal */ _invCall(y: Tensor): Tensor { return this._base._cachedCall(y); }
  /** @internal */ _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { return neg(this._base._logAbsDetJacobian(y, x)); }
  /** @internal */ _forwardShape(shape: number[]): number[] { return this._base._inverseShape(shape); }
  /** @internal */ _inverseShape(shape: number[]): number[] { return this._base._forwardShape(shape); }
  toString(): string { return `_InverseTransform(${this._base.toString()})`; }
}

const cacheOnly = (name: string) => signature(`transforms.${name}`, ['cacheSize'], { cacheSize: optional(cacheSizeCheck, 0) });
const EXP_ARGS = cacheOnly('ExpTransform');
const SIGMOID_ARGS = cacheOnly('SigmoidTransform');
const SOFTPLUS_ARGS = cacheOnly('SoftplusTransform');
const TANH_ARGS = cacheOnly('TanhTransform');
const ABS_ARGS = cacheOnly('AbsTransform');
const SOFTMAX_ARGS = cacheOnly('SoftmaxTransform');
const STICK_ARGS = cacheOnly('StickBreakingTransform');
const LOWER_CHOL_ARGS = cacheOnly('LowerCholeskyTransform');

/**
 * y = exp(x) (torch's ExpTransform): real → positive.
 * ```ts
 * const t = new fl.distributions.transforms.ExpTransform();
 * ```
 */
export class ExpTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('ExpTransform', EXP_ARGS.parse(args).cacheSize); }
  get codomain(): Constraint { return C.positive; }
  get bijective(): boolean { return true; }
  get sign(): number { return 1; }
  /** @internal */ _withCache(n: number): Transform { return new ExpTransform(n); }
  equals(other: Transform): boolean { return other instanceof ExpTransform; }
  /** @internal */ _call(x: Tensor): Tensor { return exp(x); }
  /** @internal */ _inverse(y: Tensor): Tensor { return log(y); }
  /** @internal */ _logAbsDetJacobian(x: Tensor): Tensor { return mul(x, 1); }
}

const POWER_ARGS = signature('transforms.PowerTransform', ['exponent', 'cacheSize'], { exponent: required(tensorOrNum), cacheSize: optional(cacheSizeCheck, 0) });
/**
 * y = x^exponent (torch's PowerTransform): positive → positive.
 * ```ts
 * const t = new fl.distributions.transforms.PowerTransform(2);
 * ```
 */
export class PowerTransform extends Transform {
  /** The exponent (a number or the caller's tensor). */
  readonly exponent: Tensor | number;
  constructor(exponent: Tensor | number, cacheSize?: number);
  constructor(exponent: Tensor | number, options: { cacheSize?: number });
  constructor(...args: unknown[]) {
    const o = POWER_ARGS.parse(args);
    super('PowerTransform', o.cacheSize);
    this.exponent = o.exponent;
  }
  get domain(): Constraint { return C.positive; }
  get codomain(): Constraint { return C.positive; }
  get bijective(): boolean { return true; }
  get sign(): number { return 1; }
  /** @internal */ _withCache(n: number): Transform { return new PowerTransform(this.exponent, n); }
  equals(other: Transform): boolean { return other instanceof PowerTransform && sameParam(this.exponent, other.exponent); }
  /** @internal */ _call(x: Tensor): Tensor { return pow(x, this.exponent); }
  /** @internal */ _inverse(y: Tensor): Tensor { const e = this.exponent; return pow(y, typeof e === 'number' ? 1 / e : div(1, e)); }
  /** @internal */ _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor { return log(abs(div(mul(y, this.exponent), x))); }
  /** @internal */ _forwardShape(shape: number[]): number[] { return broadcastShapes('PowerTransform.forwardShape', shape, shapeOfParam(this.exponent)); }
  /** @internal */ _inverseShape(shape: number[]): number[] { return broadcastShapes('PowerTransform.inverseShape', shape, shapeOfParam(this.exponent)); }
}

/** Whether two parameters (numbers or tensors) are equal everywhere (torch's (a == b).all()). */
function sameParam(a: Tensor | number, b: Tensor | number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return scopeSync(() => {
    const e = eq(a instanceof Tensor ? a : b as Tensor, a instanceof Tensor ? b : a);
    return e.numel === 0 || !!all(e).item();
  });
}

/** torch's _clipped_sigmoid: sigmoid(x) clamped to [tiny, 1 - eps]. */
function clippedSigmoid(x: Tensor): Tensor { return clamp(sigmoid(x), tinyOf(x), 1 - epsOf(x)); }

/**
 * y = sigmoid(x), clamped to [tiny, 1 - eps] as torch's (SigmoidTransform): real → unit interval.
 * ```ts
 * const t = new fl.distributions.transforms.SigmoidTransform();
 * ```
 */
export class SigmoidTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('SigmoidTransform', SIGMOID_ARGS.parse(args).cacheSize); }
  get codomain(): Constraint { return C.unitInterval; }
  get bijective(): boolean { return true; }
  get sign(): number { return 1; }
  /** @internal */ _withCache(n: number): Transform { return new SigmoidTransform(n); }
  equals(other: Transform): boolean { return other instanceof SigmoidTransform; }
  /** @internal */ _call(x: Tensor): Tensor { return clippedSigmoid(x); }
  /** @internal */ _inverse(y: Tensor): Tensor {
    const yc = clamp(y, tinyOf(y), 1 - epsOf(y));
    return sub(log(yc), log1p(neg(yc)));
  }
  /** @internal */ _logAbsDetJacobian(x: Tensor): Tensor { return sub(neg(softplus(neg(x))), softplus(x)); }
}

/**
 * y = log(1 + exp(x)) (torch's SoftplusTransform): real → positive.
 * ```ts
 * const t = new fl.distributions.transforms.SoftplusTransform();
 * ```
 */
export class SoftplusTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('SoftplusTransform', SOFTPLUS_ARGS.parse(args).cacheSize); }
  get codomain(): Constraint { return C.positive; }
  get bijective(): boolean { return true; }
  get sign(): number { return 1; }
  /** @internal */ _withCache(n: number): Transform { return new SoftplusTransform(n); }
  equals(other: Transform): boolean { return other instanceof SoftplusTransform; }
  /** @internal */ _call(x: Tensor): Tensor { return softplus(x); }
  /** @internal */ _inverse(y: Tensor): Tensor { return add(log(neg(sub(exp(neg(y)), 1))), y); }
  /** @internal */ _logAbsDetJacobian(x: Tensor): Tensor { return neg(softplus(neg(x))); }
}

/**
 * y = tanh(x) (torch's TanhTransform): real → (-1, 1); its inverse is not clamped (as torch's).
 * ```ts
 * const squashed = new fl.distributions.TransformedDistribution(new fl.distributions.Normal(mu, sigma), [new fl.distributions.transforms.TanhTransform()]);
 * ```
 */
export class TanhTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('TanhTransform', TANH_ARGS.parse(args).cacheSize); }
  get codomain(): Constraint { return C.interval(-1, 1); }
  get bijective(): boolean { return true; }
  get sign(): number { return 1; }
  /** @internal */ _withCache(n: number): Transform { return new TanhTransform(n); }
  equals(other: Transform): boolean { return other instanceof TanhTransform; }
  /** @internal */ _call(x: Tensor): Tensor { return tanh(x); }
  /** @internal atanh(y) = (log1p(y) - log1p(-y)) / 2 */
  _inverse(y: Tensor): Tensor { return mul(sub(log1p(y), log1p(neg(y))), 0.5); }
  /** @internal torch's stable form: 2·(log 2 - x - softplus(-2x)) */
  _logAbsDetJacobian(x: Tensor): Tensor { return mul(sub(sub(Math.LN2, x), softplus(mul(x, -2))), 2); }
}

/**
 * y = |x| (torch's AbsTransform): real → positive, not invertible (its inverse returns y).
 * ```ts
 * const t = new fl.distributions.transforms.AbsTransform();
 * ```
 */
export class AbsTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('AbsTransform', ABS_ARGS.parse(args).cacheSize); }
  get codomain(): Constraint { return C.positive; }
  /** @internal */ _withCache(n: number): Transform { return new AbsTransform(n); }
  equals(other: Transform): boolean { return other instanceof AbsTransform; }
  /** @internal */ _call(x: Tensor): Tensor { return abs(x); }
  /** @internal */ _inverse(y: Tensor): Tensor { return mul(y, 1); }
}

const AFFINE_ARGS = signature('transforms.AffineTransform', ['loc', 'scale', 'eventDim', 'cacheSize'], {
  loc: required(tensorOrNum), scale: required(tensorOrNum), eventDim: optional(int({ min: 0 }), 0), cacheSize: optional(cacheSizeCheck, 0),
});
/**
 * y = loc + scale·x (torch's AffineTransform(loc, scale, event_dim=0)); `eventDim` events of that
 * many dims (their log-Jacobians summed).
 * ```ts
 * const t = new fl.distributions.transforms.AffineTransform(1, 2);
 * ```
 */
export class AffineTransform extends Transform {
  /** The shift (a number or the caller's tensor). */
  readonly loc: Tensor | number;
  /** The scale (a number or the caller's tensor). */
  readonly scale: Tensor | number;
  /** @internal */ readonly _eventDim: number;
  constructor(loc: Tensor | number, scale: Tensor | number, eventDim?: number, cacheSize?: number);
  constructor(loc: Tensor | number, scale: Tensor | number, options: { eventDim?: number; cacheSize?: number });
  constructor(...args: unknown[]) {
    const o = AFFINE_ARGS.parse(args);
    super('AffineTransform', o.cacheSize);
    this.loc = o.loc;
    this.scale = o.scale;
    this._eventDim = o.eventDim;
  }
  get eventDim(): number { return this._eventDim; }
  get domain(): Constraint { return this._eventDim === 0 ? C.real : C.independent(C.real, this._eventDim); }
  get codomain(): Constraint { return this.domain; }
  get bijective(): boolean { return true; }
  get sign(): number | Tensor {
    const s = this.scale;
    if (typeof s === 'number') return s > 0 ? 1 : s < 0 ? -1 : 0;
    return sign(s);
  }
  /** @internal */ _withCache(n: number): Transform { return new AffineTransform(this.loc, this.scale, this._eventDim, n); }
  equals(other: Transform): boolean {
    return other instanceof AffineTransform && sameParam(this.loc, other.loc) && sameParam(this.scale, other.scale);
  }
  /** @internal */ _call(x: Tensor): Tensor { return add(mul(x, this.scale), this.loc); }
  /** @internal */ _inverse(y: Tensor): Tensor { return div(sub(y, this.loc), this.scale); }
  /** @internal */ _logAbsDetJacobian(x: Tensor): Tensor {
    let shape = x.shape;
    const s = this.scale;
    let r = typeof s === 'number' ? fullLike(x, Math.log(Math.abs(s))) : log(abs(s));
    const ed = this._eventDim;
    if (ed) {
      r = sum(reshape(r, [...r.shape.slice(0, Math.max(0, r.ndim - ed)), -1]), -1);
      shape = shape.slice(0, shape.length - ed);
    }
    return expand(r, shape);
  }
  /** @internal */ _forwardShape(shape: number[]): number[] {
    return broadcastShapes('AffineTransform.forwardShape', shape, shapeOfParam(this.loc), shapeOfParam(this.scale));
  }
  /** @internal */ _inverseShape(shape: number[]): number[] { return this._forwardShape(shape); }
}

/**
 * y = softmax(x) over the last dim (torch's SoftmaxTransform): real vectors → the simplex; not
 * bijective, and has no log-Jacobian (as torch's).
 * ```ts
 * const t = new fl.distributions.transforms.SoftmaxTransform();
 * ```
 */
export class SoftmaxTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('SoftmaxTransform', SOFTMAX_ARGS.parse(args).cacheSize); }
  get domain(): Constraint { return C.realVector; }
  get codomain(): Constraint { return C.simplex; }
  /** @internal */ _withCache(n: number): Transform { return new SoftmaxTransform(n); }
  equals(other: Transform): boolean { return other instanceof SoftmaxTransform; }
  /** @internal */ _call(x: Tensor): Tensor {
    const p = exp(sub(x, amax(x, -1, true)));
    return div(p, sum(p, -1, true));
  }
  /** @internal */ _inverse(y: Tensor): Tensor { return log(y); }
  /** @internal */ _forwardShape(shape: number[]): number[] { return atLeast1(this._name, shape); }
  /** @internal */ _inverseShape(shape: number[]): number[] { return atLeast1(this._name, shape); }
}
function atLeast1(name: string, shape: number[]): number[] {
  if (shape.length < 1) throw new ValueError(`${name}: too few dimensions on input (shape ${fmt(shape)}, expected at least 1)`);
  return shape;
}

/** torch's offset of the stick-breaking transform: K - i for i = 0 … K-1 (log taken by the caller). */
function stickOffset(x: Tensor, K: number, plusOne: number): Tensor {
  return sub(K + plusOne, cumsum(ones([K], { dtype: x.dtype, device: x.device }), -1));
}

/**
 * Real vectors of K entries → the simplex of K + 1 by stick breaking (torch's
 * StickBreakingTransform): bijective, the base of LogisticNormal and of bijectTo(simplex).
 * ```ts
 * const t = new fl.distributions.transforms.StickBreakingTransform();
 * ```
 */
export class StickBreakingTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('StickBreakingTransform', STICK_ARGS.parse(args).cacheSize); }
  get domain(): Constraint { return C.realVector; }
  get codomain(): Constraint { return C.simplex; }
  get bijective(): boolean { return true; }
  /** @internal */ _withCache(n: number): Transform { return new StickBreakingTransform(n); }
  equals(other: Transform): boolean { return other instanceof StickBreakingTransform; }
  /** @internal */ _call(x: Tensor): Tensor {
    const K = x.shape[x.ndim - 1];
    const z = clippedSigmoid(sub(x, log(stickOffset(x, K, 1))));
    const zc = cumprod(sub(1, z), -1);
    const lead = x.shape.slice(0, -1);
    const one = ones([...lead, 1], { dtype: x.dtype, device: x.device });
    return mul(cat([z, one], -1), cat([one, zc], -1));
  }
  /** @internal */ _inverse(y: Tensor): Tensor {
    const K = y.shape[y.ndim - 1] - 1;
    const crop = narrow(y, -1, 0, K);
    const offset = stickOffset(y, K, 1);
    const sf = clamp(sub(1, cumsum(crop, -1)), tinyOf(y), null);
    return add(sub(log(crop), log(sf)), log(offset));
  }
  /** @internal */ _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const K = x.shape[x.ndim - 1];
    const xs = sub(x, log(stickOffset(x, K, 1)));
    // log sigmoid(x) = -softplus(-x)
    return sum(add(sub(neg(xs), softplus(neg(xs))), log(narrow(y, -1, 0, K))), -1);
  }
  /** @internal */ _forwardShape(shape: number[]): number[] { atLeast1(this._name, shape); return [...shape.slice(0, -1), shape[shape.length - 1] + 1]; }
  /** @internal */ _inverseShape(shape: number[]): number[] { atLeast1(this._name, shape); return [...shape.slice(0, -1), shape[shape.length - 1] - 1]; }
}

/**
 * Unconstrained square matrices → lower-triangular ones with a positive diagonal: the strict lower
 * triangle kept, the diagonal exponentiated (torch's LowerCholeskyTransform; not bijective).
 * ```ts
 * const L = new fl.distributions.transforms.LowerCholeskyTransform().call(fl.randn([3, 3]));
 * ```
 */
export class LowerCholeskyTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('LowerCholeskyTransform', LOWER_CHOL_ARGS.parse(args).cacheSize); }
  get domain(): Constraint { return C.independent(C.real, 2); }
  get codomain(): Constraint { return C.lowerCholesky; }
  /** @internal */ _withCache(n: number): Transform { return new LowerCholeskyTransform(n); }
  equals(other: Transform): boolean { return other instanceof LowerCholeskyTransform; }
  /** @internal */ _call(x: Tensor): Tensor { return add(tril(x, -1), diagEmbed(exp(diagonal(x, 0, -2, -1)))); }
  /** @internal */ _inverse(y: Tensor): Tensor { return add(tril(y, -1), diagEmbed(log(diagonal(y, 0, -2, -1)))); }
}

const COMPOSE_ARGS = signature('transforms.ComposeTransform', ['parts', 'cacheSize'], { parts: required(anyValue<Transform[]>()), cacheSize: optional(cacheSizeCheck, 0) });
function checkParts(op: string, parts: unknown): Transform[] {
  if (!Array.isArray(parts) || !parts.every((p) => p instanceof Transform)) throw new ValueError(`${op}: parts must be an array of Transforms, got ${describeArg(parts)}`);
  return (parts as Transform[]).slice();
}

/**
 * Applies `parts` in order (torch's ComposeTransform); an empty list is the identity
 * (`transforms.identityTransform`). Log-Jacobians are summed over the event dims of the chain.
 * ```ts
 * const t = new fl.distributions.transforms.ComposeTransform([new ExpTransform(), new AffineTransform(0, 2)]);
 * ```
 */
export class ComposeTransform extends Transform {
  /** The transforms, applied first to last. */
  readonly parts: readonly Transform[];
  constructor(parts: readonly Transform[], cacheSize?: number);
  constructor(parts: readonly Transform[], options: { cacheSize?: number });
  constructor(...args: unknown[]) {
    const o = COMPOSE_ARGS.parse(args);
    super('ComposeTransform', o.cacheSize);
    let parts = checkParts('transforms.ComposeTransform', o.parts);
    if (o.cacheSize) parts = parts.map((p) => p.withCache(o.cacheSize));
    this.parts = Object.freeze(parts);
  }
  get domain(): Constraint {
    const parts = this.parts;
    if (!parts.length) return C.real;
    const domain = parts[0].domain;
    let ev = parts[parts.length - 1].codomain.eventDim;
    for (let i = parts.length - 1; i >= 0; i--) {
      ev += parts[i].domain.eventDim - parts[i].codomain.eventDim;
      ev = Math.max(ev, parts[i].domain.eventDim);
    }
    return ev > domain.eventDim ? C.independent(domain, ev - domain.eventDim) : domain;
  }
  get codomain(): Constraint {
    const parts = this.parts;
    if (!parts.length) return C.real;
    const codomain = parts[parts.length - 1].codomain;
    let ev = parts[0].domain.eventDim;
    for (const p of parts) {
      ev += p.codomain.eventDim - p.domain.eventDim;
      ev = Math.max(ev, p.codomain.eventDim);
    }
    return ev > codomain.eventDim ? C.independent(codomain, ev - codomain.eventDim) : codomain;
  }
  get bijective(): boolean { return this.parts.every((p) => p.bijective); }
  get sign(): number | Tensor {
    let s: number | Tensor = 1;
    for (const p of this.parts) {
      const ps = p.sign;
      s = typeof s === 'number' && typeof ps === 'number' ? s * ps : scopeSync(() => mul(s as Tensor, ps));
    }
    return s;
  }
  get inv(): Transform {
    if (this._inv === null) {
      const inv = new ComposeTransform(this.parts.slice().reverse().map((p) => p.inv));
      inv._inv = this;
      this._inv = inv;
    }
    return this._inv;
  }
  /** @internal */ _withCache(n: number): Transform { return new ComposeTransform(this.parts, n); }
  equals(other: Transform): boolean {
    return other instanceof ComposeTransform && other.parts.length === this.parts.length && this.parts.every((p, i) => p.equals(other.parts[i]));
  }
  /** @internal */ _cachedCall(x: Tensor): Tensor {
    return scopeSync(() => {
      let y = x;
      for (const p of this.parts) y = p._cachedCall(y);
      return y === x ? mul(x, 1) : y;
    });
  }
  /** @internal */ _invCall(y: Tensor): Tensor { return this.inv._cachedCall(y); }
  /** @internal */ _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const parts = this.parts;
    if (!parts.length) return zerosLike(x);
    const xs = [x];
    for (const p of parts.slice(0, -1)) xs.push(p._cachedCall(xs[xs.length - 1]));
    xs.push(y);
    let ev = this.domain.eventDim;
    let total: Tensor | null = null;
    parts.forEach((p, i) => {
      const term = sumRightmost(p._logAbsDetJacobian(xs[i], xs[i + 1]), ev - p.domain.eventDim);
      total = total === null ? term : add(total, term);
      ev += p.codomain.eventDim - p.domain.eventDim;
    });
    return total as unknown as Tensor;
  }
  /** @internal */ _forwardShape(shape: number[]): number[] { for (const p of this.parts) shape = p._forwardShape(shape); return shape; }
  /** @internal */ _inverseShape(shape: number[]): number[] { for (const p of this.parts.slice().reverse()) shape = p._inverseShape(shape); return shape; }
  toString(): string { return `ComposeTransform(${this.parts.map((p) => p.toString()).join(', ')})`; }
}

const INDEPENDENT_ARGS = signature('transforms.IndependentTransform', ['baseTransform', 'reinterpretedBatchNdims', 'cacheSize'], {
  baseTransform: required(anyValue<Transform>()), reinterpretedBatchNdims: required(int({ min: 0 })), cacheSize: optional(cacheSizeCheck, 0),
});
/**
 * `baseTransform` with `reinterpretedBatchNdims` more rightmost dims in each event (their
 * log-Jacobians summed), as torch's IndependentTransform.
 * ```ts
 * const t = new fl.distributions.transforms.IndependentTransform(new ExpTransform(), 1);
 * ```
 */
export class IndependentTransform extends Transform {
  /** The wrapped transform. */
  readonly baseTransform: Transform;
  /** The extra event dims. */
  readonly reinterpretedBatchNdims: number;
  constructor(baseTransform: Transform, reinterpretedBatchNdims: number, cacheSize?: number);
  constructor(baseTransform: Transform, reinterpretedBatchNdims: number, options: { cacheSize?: number });
  constructor(...args: unknown[]) {
    const o = INDEPENDENT_ARGS.parse(args);
    super('IndependentTransform', o.cacheSize);
    if (!(o.baseTransform instanceof Transform)) throw new ValueError(`transforms.IndependentTransform: baseTransform must be a Transform, got ${describeArg(o.baseTransform)}`);
    this.baseTransform = o.baseTransform.withCache(o.cacheSize);
    this.reinterpretedBatchNdims = o.reinterpretedBatchNdims;
  }
  get domain(): Constraint { return C.independent(this.baseTransform.domain, this.reinterpretedBatchNdims); }
  get codomain(): Constraint { return C.independent(this.baseTransform.codomain, this.reinterpretedBatchNdims); }
  get bijective(): boolean { return this.baseTransform.bijective; }
  get sign(): number | Tensor { return this.baseTransform.sign; }
  /** @internal */ _withCache(n: number): Transform { return new IndependentTransform(this.baseTransform, this.reinterpretedBatchNdims, n); }
  equals(other: Transform): boolean {
    return other instanceof IndependentTransform && other.reinterpretedBatchNdims === this.reinterpretedBatchNdims && this.baseTransform.equals(other.baseTransform);
  }
  /** @internal */ _call(x: Tensor): Tensor {
    if (x.ndim < this.domain.eventDim) throw new ValueError(`IndependentTransform.call: too few dimensions on input (shape ${fmt(x.shape)}, event dims ${this.domain.eventDim})`);
    return this.baseTransform._cachedCall(x);
  }
  /** @internal */ _inverse(y: Tensor): Tensor {
    if (y.ndim < this.codomain.eventDim) throw new ValueError(`IndependentTransform.inv: too few dimensions on input (shape ${fmt(y.shape)}, event dims ${this.codomain.eventDim})`);
    return this.baseTransform._invCall(y);
  }
  /** @internal */ _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return sumRightmost(this.baseTransform._logAbsDetJacobian(x, y), this.reinterpretedBatchNdims);
  }
  /** @internal */ _forwardShape(shape: number[]): number[] { return this.baseTransform._forwardShape(shape); }
  /** @internal */ _inverseShape(shape: number[]): number[] { return this.baseTransform._inverseShape(shape); }
  toString(): string { return `IndependentTransform(${this.baseTransform.toString()}, ${this.reinterpretedBatchNdims})`; }
}

const sizes = (v: unknown, where: string): number[] => {
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) throw new ValueError(`${where} must be an array of non-negative integers, got ${describeArg(v)}`);
  return (v as number[]).slice();
};
const RESHAPE_ARGS = signature('transforms.ReshapeTransform', ['inShape', 'outShape', 'cacheSize'], {
  inShape: required(sizes), outShape: required(sizes), cacheSize: optional(cacheSizeCheck, 0),
});
/**
 * Reshapes the rightmost dims of each event from `inShape` to `outShape` (torch's
 * ReshapeTransform): bijective, log-Jacobian 0.
 * ```ts
 * const t = new fl.distributions.transforms.ReshapeTransform([4], [2, 2]);
 * ```
 */
export class ReshapeTransform extends Transform {
  /** The event shape of the input. */
  readonly inShape: readonly number[];
  /** The event shape of the output. */
  readonly outShape: readonly number[];
  constructor(inShape: readonly number[], outShape: readonly number[], cacheSize?: number);
  constructor(inShape: readonly number[], outShape: readonly number[], options: { cacheSize?: number });
  constructor(...args: unknown[]) {
    const o = RESHAPE_ARGS.parse(args);
    super('ReshapeTransform', o.cacheSize);
    const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
    if (n(o.inShape) !== n(o.outShape)) throw new ValueError(`transforms.ReshapeTransform: inShape ${fmt(o.inShape)} and outShape ${fmt(o.outShape)} have different numbers of elements`);
    this.inShape = Object.freeze(o.inShape);
    this.outShape = Object.freeze(o.outShape);
  }
  get domain(): Constraint { return C.independent(C.real, this.inShape.length); }
  get codomain(): Constraint { return C.independent(C.real, this.outShape.length); }
  get bijective(): boolean { return true; }
  get sign(): number { return 1; }
  /** @internal */ _withCache(n: number): Transform { return new ReshapeTransform(this.inShape, this.outShape, n); }
  equals(other: Transform): boolean {
    return other instanceof ReshapeTransform && fmt(other.inShape) === fmt(this.inShape) && fmt(other.outShape) === fmt(this.outShape);
  }
  /** @internal */ _call(x: Tensor): Tensor { return reshape(x, [...this._batch(x.shape, this.inShape), ...this.outShape]); }
  /** @internal */ _inverse(y: Tensor): Tensor { return reshape(y, [...this._batch(y.shape, this.outShape), ...this.inShape]); }
  /** @internal */ _logAbsDetJacobian(x: Tensor): Tensor { return zeros(this._batch(x.shape, this.inShape), { dtype: x.dtype, device: x.device }); }
  private _batch(shape: readonly number[], ev: readonly number[]): number[] {
    const cut = shape.length - ev.length;
    if (cut < 0 || fmt(shape.slice(cut)) !== fmt(ev)) throw new ShapeError(`ReshapeTransform: shape ${fmt(shape)} does not end with the event shape ${fmt(ev)}`);
    return shape.slice(0, cut);
  }
  /** @internal */ _forwardShape(shape: number[]): number[] { return [...this._batch(shape, this.inShape), ...this.outShape]; }
  /** @internal */ _inverseShape(shape: number[]): number[] { return [...this._batch(shape, this.outShape), ...this.inShape]; }
  toString(): string { return `ReshapeTransform(${fmt(this.inShape)}, ${fmt(this.outShape)})`; }
}

const CDF_ARGS = signature('transforms.CumulativeDistributionTransform', ['distribution', 'cacheSize'], {
  distribution: required(anyValue<Distribution>()), cacheSize: optional(cacheSizeCheck, 0),
});
/**
 * y = distribution.cdf(x) (torch's CumulativeDistributionTransform): the support → [0, 1]; its
 * inverse is the icdf, its log-Jacobian the log-density.
 * ```ts
 * const t = new fl.distributions.transforms.CumulativeDistributionTransform(new fl.distributions.Normal(0, 1));
 * ```
 */
export class CumulativeDistributionTransform extends Transform {
  /** The distribution whose cdf this is (the caller's). */
  readonly distribution: Distribution;
  constructor(distribution: Distribution, cacheSize?: number);
  constructor(distribution: Distribution, options: { cacheSize?: number });
  constructor(...args: unknown[]) {
    const o = CDF_ARGS.parse(args);
    super('CumulativeDistributionTransform', o.cacheSize);
    if (!(o.distribution instanceof Distribution)) throw new ValueError(`transforms.CumulativeDistributionTransform: distribution must be a Distribution, got ${describeArg(o.distribution)}`);
    this.distribution = o.distribution;
  }
  get domain(): Constraint { return this.distribution.support; }
  get codomain(): Constraint { return C.unitInterval; }
  get bijective(): boolean { return true; }
  get sign(): number { return 1; }
  /** @internal */ _withCache(n: number): Transform { return new CumulativeDistributionTransform(this.distribution, n); }
  /** @internal */ _call(x: Tensor): Tensor { return this.distribution.cdf(x); }
  /** @internal */ _inverse(y: Tensor): Tensor { return this.distribution.icdf(y); }
  /** @internal */ _logAbsDetJacobian(x: Tensor): Tensor { return this.distribution.logProb(x); }
}

/** The row-major positions of the entries of a D × D matrix below diagonal `diag` (torch's tril mask). */
function trilPositions(n: number, diag: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j < i + diag + 1) out.push(i * n + j);
  return out;
}
/** torch's tril_matrix_to_vec: the entries of the lower triangle (below `diag`), row by row. */
function trilMatrixToVec(mat: Tensor, diag = 0): Tensor {
  const n = mat.shape[mat.ndim - 1];
  const idx = tensor(trilPositions(n, diag), { dtype: 'int32', device: mat.device });
  return indexSelect(reshape(mat, [...mat.shape.slice(0, -2), n * n]), -1, idx);
}
/** torch's vec_to_tril_matrix: a D × D matrix whose lower triangle (below `diag`) holds vec's entries, row by row, zeros elsewhere. */
function vecToTrilMatrix(vec: Tensor, diag = 0): Tensor {
  const N = vec.shape[vec.ndim - 1];
  const nf = (-(1 + 2 * diag) + Math.sqrt((1 + 2 * diag) ** 2 + 8 * N + 4 * Math.abs(diag) * (diag + 1))) / 2;
  const n = Math.round(nf);
  if (Math.abs(n - nf) > 1e-9) throw new ValueError(`vecToTrilMatrix: the size of the last dimension is ${N}, which cannot be expressed as the lower triangular part of a square D x D matrix`);
  const pos = trilPositions(n, diag);
  const src = new Array<number>(n * n).fill(N);   // N: the appended zero
  pos.forEach((p, k) => { src[p] = k; });
  const padded = cat([vec, zeros([...vec.shape.slice(0, -1), 1], { dtype: vec.dtype, device: vec.device })], -1);
  const idx = tensor(src, { dtype: 'int32', device: vec.device });
  return reshape(indexSelect(padded, -1, idx), [...vec.shape.slice(0, -1), n, n]);
}
/** [1, x[..., :-1]] along the last dim (torch's pad(x[..., :-1], [1, 0], value=1)). */
function shiftRightOne(x: Tensor): Tensor {
  const k = x.shape[x.ndim - 1];
  return cat([ones([...x.shape.slice(0, -1), 1], { dtype: x.dtype, device: x.device }), narrow(x, -1, 0, k - 1)], -1);
}

const CORR_ARGS = signature('transforms.CorrCholeskyTransform', ['cacheSize'], { cacheSize: optional(cacheSizeCheck, 0) });
/**
 * Real vectors of D(D-1)/2 entries → lower Cholesky factors of D × D correlation matrices (torch's
 * CorrCholeskyTransform): tanh, then stick breaking on the squares of each row; bijective. Its
 * log-Jacobian is that of x and the flattened strict lower triangle of y (torch's).
 * ```ts
 * const L = new fl.distributions.transforms.CorrCholeskyTransform().call(fl.randn([3]));   // 3 × 3
 * ```
 */
export class CorrCholeskyTransform extends Transform {
  constructor(cacheSize?: number);
  constructor(options: { cacheSize?: number });
  constructor(...args: unknown[]) { super('CorrCholeskyTransform', CORR_ARGS.parse(args).cacheSize); }
  get domain(): Constraint { return C.realVector; }
  get codomain(): Constraint { return C.corrCholesky; }
  get bijective(): boolean { return true; }
  /** @internal */ _withCache(n: number): Transform { return new CorrCholeskyTransform(n); }
  equals(other: Transform): boolean { return other instanceof CorrCholeskyTransform; }
  /** @internal */ _call(x0: Tensor): Tensor {
    const eps = epsOf(x0);
    const x = clamp(tanh(x0), -1 + eps, 1 - eps);
    const r = vecToTrilMatrix(x, -1);
    const z1m = cumprod(sqrt(sub(1, square(r))), -1);
    const n = r.shape[r.ndim - 1];
    return mul(add(r, eye(n, { dtype: r.dtype, device: r.device })), shiftRightOne(z1m));
  }
  /** @internal */ _inverse(y: Tensor): Tensor {
    const yc = sub(1, cumsum(square(y), -1));
    const t = div(trilMatrixToVec(y, -1), sqrt(trilMatrixToVec(shiftRightOne(yc), -1)));
    return div(log(div(add(t, 1), sub(1, t))), 2);
  }
  /** @internal */ _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const y1m = sub(1, cumsum(square(y), -1));
    const stick = mul(sum(log(trilMatrixToVec(y1m, -2)), -1), 0.5);
    const tanhLd = mul(sum(sub(add(x, softplus(mul(x, -2))), Math.LN2), -1), -2);
    return add(stick, tanhLd);
  }
  /** @internal */ _forwardShape(shape: number[]): number[] {
    if (shape.length < 1) throw new ValueError(`CorrCholeskyTransform: too few dimensions on input (shape ${fmt(shape)})`);
    const N = shape[shape.length - 1], D = Math.round(Math.sqrt(0.25 + 2 * N) + 0.5);
    if ((D * (D - 1)) / 2 !== N) throw new ValueError(`CorrCholeskyTransform: the input's last dim (${N}) is not a flattened lower-diagonal number`);
    return [...shape.slice(0, -1), D, D];
  }
  /** @internal */ _inverseShape(shape: number[]): number[] {
    if (shape.length < 2) throw new ValueError(`CorrCholeskyTransform.inv: too few dimensions on input (shape ${fmt(shape)})`);
    const D = shape[shape.length - 1];
    if (shape[shape.length - 2] !== D) throw new ValueError(`CorrCholeskyTransform.inv: the input is not square (shape ${fmt(shape)})`);
    return [...shape.slice(0, -2), (D * (D - 1)) / 2];
  }
}

/** The identity (torch's transforms.identity_transform: an empty ComposeTransform). */
export const identityTransform: Transform = new ComposeTransform([]);

