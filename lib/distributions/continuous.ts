// continuous.ts — the location-scale families of fl.distributions and their relatives, with
// torch 1.13's formulas: Normal, LogNormal, HalfNormal, Laplace, Cauchy, Gumbel, Uniform and
// Exponential. Each has a reparameterized sampler (rsample) built on fl.rand / fl.randn.
import { Tensor, scopeSync } from '../tensor';
import { DType } from '../dtype';
import { ValueError } from '../errors';
import { optional, required, signature } from '../args';
import {
  abs, add, atan, clamp, div, erf, exp, expm1, full, ge, gt, le, log, log1p, logicalAnd, lt, mul, neg, rand, randn, sign,
  sqrt, square, sub, tan, where, zerosLike, to,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, params, tensorOrNumber } from './distribution';
import * as C from './constraints';
import { erfinv, allTrue } from './special';
import type { Constraint } from './constraints';

/** @internal torch.finfo(dtype): eps, tiny, min. */
export function finfo(dt: DType): { eps: number; tiny: number; min: number } {
  switch (dt) {
    case 'float64': return { eps: 2.220446049250313e-16, tiny: 2.2250738585072014e-308, min: -1.7976931348623157e308 };
    case 'float16': return { eps: 0.0009765625, tiny: 6.103515625e-05, min: -65504 };
    case 'bfloat16': return { eps: 0.0078125, tiny: 1.1754943508222875e-38, min: -3.3895313892515355e38 };
    default: return { eps: 1.1920928955078125e-07, tiny: 1.1754943508222875e-38, min: -3.4028234663852886e38 };
  }
}
/** @internal Options for new tensors like `t` (dtype and device). */
export const like = (t: Tensor): { dtype: DType; device: string } => ({ dtype: t.dtype, device: t.device });
/** @internal Takes the broadcast parameters into `d` (owned) and returns them. */
export function take(d: Distribution, op: string, names: readonly string[], values: readonly (Tensor | number)[], eventDims?: readonly number[]): Tensor[] {
  const ts = scopeSync(() => params(op, names, values, eventDims));
  for (const t of ts) d._own(t);
  return ts;
}
/** @internal `_init` that frees what the constructor made when the validation throws. */
export function init(d: Distribution, batch: readonly number[], event: readonly number[], validate: boolean | undefined, given: Record<string, Tensor>): void {
  try { d._init(batch, event, validate, given); } catch (e) { d.dispose(); throw e; }
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EULER_GAMMA = 0.5772156649015329;

const locScaleSignature = (name: string) =>
  signature(name, ['loc', 'scale', 'validateArgs'], { loc: required(tensorOrNumber), scale: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const LOC_SCALE_ARGS = new Map(['Normal', 'Laplace', 'Cauchy', 'Gumbel', 'LogNormal'].map((n) => [n, locScaleSignature(n)]));
const locScale = (name: string) => LOC_SCALE_ARGS.get(name)!;
const LOC_SCALE_CONSTRAINTS = Object.freeze({ loc: C.real, scale: C.positive });

/** The shared part of the (loc, scale) families. */
abstract class LocScale extends Distribution {
  /** The location parameter (the distribution's own tensor, batchShape). */
  declare readonly loc: Tensor;
  /** The scale parameter (> 0). */
  declare readonly scale: Tensor;
  /** @internal */
  constructor(name: string, args: unknown[]) {
    super(name);
    const o = locScale(name).parse(args);
    const [loc, scale] = take(this, name, ['loc', 'scale'], [o.loc, o.scale]);
    Object.assign(this, { loc, scale });
    init(this, loc.shape, [], o.validateArgs, { loc, scale });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return LOC_SCALE_CONSTRAINTS; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['loc', 0], ['scale', 0]]; }
  /** @internal */ _like(): Tensor { return this.loc; }
}

/**
 * The normal (Gaussian) distribution N(loc, scale²), as `torch.distributions.Normal(loc, scale)`.
 * ```ts
 * const d = new fl.distributions.Normal(fl.zeros([4]), fl.ones([4]));
 * const z = d.rsample();          // differentiable in loc and scale
 * ```
 */
export class Normal extends LocScale {
  constructor(loc: Tensor | number, scale: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) { super('Normal', args); }
  get support(): Constraint { return C.real; }
  /** @internal */ _mean(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _mode(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _stddev(): Tensor { return mul(this.scale, 1); }
  /** @internal */ _variance(): Tensor { return square(this.scale); }
  /** @internal */ _rsample(shape: number[]): Tensor { return add(this.loc, mul(randn(shape, like(this.loc)), this.scale)); }
  /** @internal */ _logProb(v: Tensor): Tensor {
    return sub(sub(div(neg(square(sub(v, this.loc))), mul(square(this.scale), 2)), log(this.scale)), LOG_SQRT_2PI);
  }
  /** @internal */ _cdf(v: Tensor): Tensor { return mul(add(erf(div(sub(v, this.loc), mul(this.scale, Math.SQRT2))), 1), 0.5); }
  /** @internal */ _icdf(v: Tensor): Tensor { return add(this.loc, mul(this.scale, mul(erfinv(sub(mul(v, 2), 1)), Math.SQRT2))); }
  /** @internal */ _entropy(): Tensor { return add(log(this.scale), 0.5 + LOG_SQRT_2PI); }
}

/**
 * The Laplace distribution, as `torch.distributions.Laplace(loc, scale)`: density exp(-|x-loc|/scale)/(2·scale).
 * ```ts
 * const d = new fl.distributions.Laplace(0, 1);
 * ```
 */
export class Laplace extends LocScale {
  constructor(loc: Tensor | number, scale: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) { super('Laplace', args); }
  get support(): Constraint { return C.real; }
  /** @internal */ _mean(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _mode(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _stddev(): Tensor { return mul(this.scale, Math.SQRT2); }
  /** @internal */ _variance(): Tensor { return mul(square(this.scale), 2); }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const eps = finfo(this.loc.dtype).eps;
    const u = add(mul(rand(shape, like(this.loc)), 2 - eps), eps - 1);   // uniform on [eps - 1, 1)
    return sub(this.loc, mul(mul(this.scale, sign(u)), log1p(neg(abs(u)))));
  }
  /** @internal */ _logProb(v: Tensor): Tensor { return sub(neg(log(mul(this.scale, 2))), div(abs(sub(v, this.loc)), this.scale)); }
  /** @internal */ _cdf(v: Tensor): Tensor {
    const z = sub(v, this.loc);
    return sub(0.5, mul(mul(sign(z), 0.5), expm1(div(neg(abs(z)), this.scale))));
  }
  /** @internal */ _icdf(v: Tensor): Tensor {
    const t = sub(v, 0.5);
    return sub(this.loc, mul(mul(this.scale, sign(t)), log1p(mul(abs(t), -2))));
  }
  /** @internal */ _entropy(): Tensor { return add(log(mul(this.scale, 2)), 1); }
}

/**
 * The Cauchy (Lorentz) distribution, as `torch.distributions.Cauchy(loc, scale)` (its mean is NaN, its variance inf).
 * ```ts
 * const d = new fl.distributions.Cauchy(0, 1);
 * ```
 */
export class Cauchy extends LocScale {
  constructor(loc: Tensor | number, scale: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) { super('Cauchy', args); }
  get support(): Constraint { return C.real; }
  /** @internal */ _mean(): Tensor { return full(this._batchShape, NaN, like(this.loc)); }
  /** @internal */ _mode(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _variance(): Tensor { return full(this._batchShape, Infinity, like(this.loc)); }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const eps = tan(mul(sub(rand(shape, like(this.loc)), 0.5), Math.PI));
    return add(this.loc, mul(eps, this.scale));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    return sub(sub(-Math.log(Math.PI), log(this.scale)), log1p(square(div(sub(v, this.loc), this.scale))));
  }
  /** @internal */ _cdf(v: Tensor): Tensor { return add(div(atan(div(sub(v, this.loc), this.scale)), Math.PI), 0.5); }
  /** @internal */ _icdf(v: Tensor): Tensor { return add(mul(tan(mul(sub(v, 0.5), Math.PI)), this.scale), this.loc); }
  /** @internal */ _entropy(): Tensor { return add(log(this.scale), Math.log(4 * Math.PI)); }
}

/**
 * The Gumbel (type-I extreme value) distribution, as `torch.distributions.Gumbel(loc, scale)`.
 * ```ts
 * const d = new fl.distributions.Gumbel(0, 1);
 * ```
 */
export class Gumbel extends LocScale {
  constructor(loc: Tensor | number, scale: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) { super('Gumbel', args); }
  get support(): Constraint { return C.real; }
  /** @internal */ _mean(): Tensor { return add(this.loc, mul(this.scale, EULER_GAMMA)); }
  /** @internal */ _mode(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _stddev(): Tensor { return mul(this.scale, Math.PI / Math.sqrt(6)); }
  /** @internal */ _variance(): Tensor { return square(mul(this.scale, Math.PI / Math.sqrt(6))); }
  /** The uniform base of torch's transformed form: Uniform(tiny, 1 - eps). */
  private base(): [number, number] { const f = finfo(this.loc.dtype); return [f.tiny, 1 - f.eps]; }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const [lo, hi] = this.base();
    const u = add(mul(rand(shape, like(this.loc)), hi - lo), lo);
    return sub(this.loc, mul(this.scale, log(neg(log(u)))));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const y = div(sub(this.loc, v), this.scale);
    return sub(sub(y, exp(y)), log(this.scale));
  }
  /** @internal */ _cdf(v: Tensor): Tensor {
    const [lo, hi] = this.base();
    const u = exp(neg(exp(neg(div(sub(v, this.loc), this.scale)))));
    return clamp(div(sub(u, lo), hi - lo), 0, 1);
  }
  /** @internal */ _icdf(v: Tensor): Tensor {
    const [lo, hi] = this.base();
    const u = add(mul(v, hi - lo), lo);
    return sub(this.loc, mul(this.scale, log(neg(log(u)))));
  }
  /** @internal */ _entropy(): Tensor { return add(log(this.scale), 1 + EULER_GAMMA); }
}

/**
 * exp(X) for X ~ Normal(loc, scale), as `torch.distributions.LogNormal(loc, scale)` (loc and scale are X's).
 * ```ts
 * const d = new fl.distributions.LogNormal(0, 0.5);
 * ```
 */
export class LogNormal extends LocScale {
  constructor(loc: Tensor | number, scale: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) { super('LogNormal', args); }
  get support(): Constraint { return C.positive; }
  /** @internal */ _mean(): Tensor { return exp(add(this.loc, div(square(this.scale), 2))); }
  /** @internal */ _mode(): Tensor { return exp(sub(this.loc, square(this.scale))); }
  /** @internal */ _variance(): Tensor { const s2 = square(this.scale); return mul(expm1(s2), exp(add(mul(this.loc, 2), s2))); }
  /** @internal */ _rsample(shape: number[]): Tensor { return exp(add(this.loc, mul(randn(shape, like(this.loc)), this.scale))); }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const x = log(v);
    const normal = sub(sub(div(neg(square(sub(x, this.loc))), mul(square(this.scale), 2)), log(this.scale)), LOG_SQRT_2PI);
    return sub(normal, x);
  }
  /** @internal */ _cdf(v: Tensor): Tensor { return mul(add(erf(div(sub(log(v), this.loc), mul(this.scale, Math.SQRT2))), 1), 0.5); }
  /** @internal */ _icdf(v: Tensor): Tensor { return exp(add(this.loc, mul(this.scale, mul(erfinv(sub(mul(v, 2), 1)), Math.SQRT2)))); }
  /** @internal */ _entropy(): Tensor { return add(add(log(this.scale), 0.5 + LOG_SQRT_2PI), this.loc); }
}

const SCALE_ARGS = signature('HalfNormal', ['scale', 'validateArgs'], { scale: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const SCALE_CONSTRAINTS = Object.freeze({ scale: C.positive });
/**
 * |X| for X ~ Normal(0, scale), as `torch.distributions.HalfNormal(scale)`.
 * ```ts
 * const d = new fl.distributions.HalfNormal(fl.ones([3]));
 * ```
 */
export class HalfNormal extends Distribution {
  /** The scale of the normal folded at 0. */
  declare readonly scale: Tensor;
  constructor(scale: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('HalfNormal');
    const o = SCALE_ARGS.parse(args);
    const [scale] = take(this, 'HalfNormal', ['scale'], [o.scale]);
    Object.assign(this, { scale });
    init(this, scale.shape, [], o.validateArgs, { scale });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return SCALE_CONSTRAINTS; }
  get support(): Constraint { return C.nonnegative; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['scale', 0]]; }
  /** @internal */ _like(): Tensor { return this.scale; }
  /** @internal */ _mean(): Tensor { return mul(this.scale, Math.sqrt(2 / Math.PI)); }
  /** @internal */ _mode(): Tensor { return zerosLike(this.scale); }
  /** @internal */ _variance(): Tensor { return mul(square(this.scale), 1 - 2 / Math.PI); }
  /** @internal */ _rsample(shape: number[]): Tensor { return abs(mul(randn(shape, like(this.scale)), this.scale)); }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const lp = add(sub(sub(div(neg(square(v)), mul(square(this.scale), 2)), log(this.scale)), LOG_SQRT_2PI), Math.LN2);
    return where(ge(v, 0), lp, -Infinity);
  }
  /** @internal */ _cdf(v: Tensor): Tensor { return erf(div(v, mul(this.scale, Math.SQRT2))); }
  /** @internal */ _icdf(v: Tensor): Tensor { return mul(this.scale, mul(erfinv(v), Math.SQRT2)); }
  /** @internal */ _entropy(): Tensor { return add(log(this.scale), 0.5 + LOG_SQRT_2PI - Math.LN2); }
}

const UNIFORM_ARGS = signature('Uniform', ['low', 'high', 'validateArgs'], { low: required(tensorOrNumber), high: required(tensorOrNumber), validateArgs: optional(maybeBool) });
/**
 * The uniform distribution on [low, high), as `torch.distributions.Uniform(low, high)`.
 * ```ts
 * const d = new fl.distributions.Uniform(-1, 1);
 * ```
 */
export class Uniform extends Distribution {
  /** The lower bound (inclusive). */
  declare readonly low: Tensor;
  /** The upper bound (exclusive). */
  declare readonly high: Tensor;
  constructor(low: Tensor | number, high: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('Uniform');
    const o = UNIFORM_ARGS.parse(args);
    const [low, high] = take(this, 'Uniform', ['low', 'high'], [o.low, o.high]);
    Object.assign(this, { low, high });
    init(this, low.shape, [], o.validateArgs, {});
    if (this._validate && !scopeSync(() => allTrue(lt(low, high)))) {
      this.dispose();
      throw new ValueError('Uniform: Uniform is not defined when low >= high');
    }
  }
  get support(): Constraint { return C.tensorInterval('Interval(lower_bound=low, upper_bound=high)', this.low, this.high); }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['low', 0], ['high', 0]]; }
  /** @internal */ _like(): Tensor { return this.low; }
  /** @internal */ _mean(): Tensor { return div(add(this.high, this.low), 2); }
  /** @internal */ _mode(): Tensor { return mul(this.high, NaN); }   // torch's nan * high (a NaN gradient for high)
  /** @internal */ _stddev(): Tensor { return div(sub(this.high, this.low), Math.sqrt(12)); }
  /** @internal */ _variance(): Tensor { return div(square(sub(this.high, this.low)), 12); }
  /** @internal */ _rsample(shape: number[]): Tensor { return add(this.low, mul(rand(shape, like(this.low)), sub(this.high, this.low))); }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const inside = to(logicalAnd(le(this.low, v), gt(this.high, v)), this.low.dtype);
    return sub(log(inside), log(sub(this.high, this.low)));
  }
  /** @internal */ _cdf(v: Tensor): Tensor { return clamp(div(sub(v, this.low), sub(this.high, this.low)), 0, 1); }
  /** @internal */ _icdf(v: Tensor): Tensor { return add(mul(v, sub(this.high, this.low)), this.low); }
  /** @internal */ _entropy(): Tensor { return log(sub(this.high, this.low)); }
}

const RATE_ARGS = signature('Exponential', ['rate', 'validateArgs'], { rate: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const RATE_CONSTRAINTS = Object.freeze({ rate: C.positive });
/**
 * The exponential distribution with the given rate (1/mean), as `torch.distributions.Exponential(rate)`.
 * ```ts
 * const d = new fl.distributions.Exponential(fl.tensor([0.5, 2]));
 * ```
 */
export class Exponential extends Distribution {
  /** The rate λ (> 0). */
  declare readonly rate: Tensor;
  constructor(rate: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('Exponential');
    const o = RATE_ARGS.parse(args);
    const [rate] = take(this, 'Exponential', ['rate'], [o.rate]);
    Object.assign(this, { rate });
    init(this, rate.shape, [], o.validateArgs, { rate });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return RATE_CONSTRAINTS; }
  get support(): Constraint { return C.nonnegative; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['rate', 0]]; }
  /** @internal */ _like(): Tensor { return this.rate; }
  /** @internal */ _mean(): Tensor { return div(1, this.rate); }
  /** @internal */ _mode(): Tensor { return zerosLike(this.rate); }
  /** @internal */ _stddev(): Tensor { return div(1, this.rate); }
  /** @internal */ _variance(): Tensor { return div(1, square(this.rate)); }
  /** @internal */ _rsample(shape: number[]): Tensor { return div(neg(log1p(neg(rand(shape, like(this.rate))))), this.rate); }
  /** @internal */ _logProb(v: Tensor): Tensor { return sub(log(this.rate), mul(this.rate, v)); }
  /** @internal */ _cdf(v: Tensor): Tensor { return sub(1, exp(mul(neg(this.rate), v))); }
  /** @internal */ _icdf(v: Tensor): Tensor { return div(neg(log1p(neg(v))), this.rate); }
  /** @internal */ _entropy(): Tensor { return sub(1, log(this.rate)); }
}
