// transformed.ts — TransformedDistribution (torch.distributions.TransformedDistribution: a base
// distribution pushed through a list of transforms) and torch 1.13's families built on it:
// HalfCauchy, Pareto, Weibull, Kumaraswamy and LogisticNormal. Shapes, event dims, logProb (the
// Jacobians summed over the right dims), cdf / icdf of monotone chains and the validation follow
// torch's code line by line; the families add torch's closed-form moments and entropies.
//
// Lifetime: a TransformedDistribution made by the user does not own its base distribution or its
// transforms (dispose them yourself); the base it had to expand or wrap in Independent, and
// everything a family makes (its base, its parameters), it owns.
import { Tensor } from '../tensor';
import { describeArg } from '../arity';
import { ValueError } from '../errors';
import { anyValue, optional, required, signature } from '../args';
import { fmt } from '../shape';
import {
  add, clampMin, digamma, div, exp, full, fullLike, ge, lgamma, log, log1p, logicalOr, lt, mul, neg, onesLike, pow, reciprocal, square, sub,
  where, zerosLike,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, sumRightmost, tensorOrNumber } from './distribution';
import { Independent } from './multivariate';
import { Cauchy, Exponential, Normal, Uniform, init, like, take } from './continuous';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { AbsTransform, AffineTransform, ComposeTransform, ExpTransform, PowerTransform, StickBreakingTransform, Transform } from './transforms';

const EULER_GAMMA = 0.5772156649015329;

const TD_ARGS = signature('TransformedDistribution', ['baseDistribution', 'transforms', 'validateArgs'], {
  baseDistribution: required(anyValue<Distribution>()), transforms: required(anyValue<Transform | Transform[]>()), validateArgs: optional(maybeBool),
});

/**
 * A base distribution pushed through transforms (torch.distributions.TransformedDistribution(
 * base_distribution, transforms)): samples are `transforms` applied to the base's samples, logProb
 * subtracts the log-Jacobians, cdf and icdf go through monotone chains. The base and the
 * transforms stay the caller's.
 * ```ts
 * const logNormal = new fl.distributions.TransformedDistribution(new fl.distributions.Normal(0, 1), [new fl.distributions.transforms.ExpTransform()]);
 * logNormal.logProb(fl.tensor([1.5]));
 * ```
 */
export class TransformedDistribution extends Distribution {
  /** The base distribution (an Independent over it when the transforms need more event dims). */
  declare readonly baseDist: Distribution;
  /** The transforms, applied first to last. */
  declare readonly transforms: readonly Transform[];
  /** @internal whether cdf validates the value in the base's space only (torch's TransformedDistribution.cdf) */
  _cdfInBase = true;
  constructor(baseDistribution: Distribution, transforms: Transform | readonly Transform[], options?: DistributionOptions);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    super('TransformedDistribution');
    if (new.target !== TransformedDistribution) return;   // a family calls _setup itself
    const o = TD_ARGS.parse(args);
    if (!(o.baseDistribution instanceof Distribution)) throw new ValueError(`TransformedDistribution: baseDistribution must be a Distribution, got ${describeArg(o.baseDistribution)}`);
    const ts = o.transforms;
    let list: Transform[];
    if (ts instanceof Transform) list = [ts];
    else if (Array.isArray(ts) && ts.every((t) => t instanceof Transform)) list = ts.slice();
    else throw new ValueError(`TransformedDistribution: transforms must be a Transform or an array of Transforms, got ${describeArg(ts)}`);
    this._setup(o.baseDistribution, list, o.validateArgs, {});
  }

  /** @internal torch's __init__: the base reshaped for the transforms, the batch and event shapes. */
  _setup(base: Distribution, transforms: Transform[], validateArgs: boolean | undefined, given: Record<string, Tensor>): void {
    const op = this._name;
    const baseShape = [...base.batchShape, ...base.eventShape];
    const baseEv = base.eventShape.length;
    const t = new ComposeTransform(transforms);
    const domEv = t.domain.eventDim;
    if (baseShape.length < domEv) {
      this.dispose();
      throw new ValueError(`${op}: baseDistribution needs a shape of at least ${domEv} dims, but got ${fmt(baseShape)}`);
    }
    let shape: number[], expanded: number[];
    try {
      shape = t.forwardShape(baseShape);
      expanded = t.inverseShape(shape);
    } catch (e) { this.dispose(); throw e; }
    if (fmt(expanded) !== fmt(baseShape)) {
      base = base.expand(expanded.slice(0, expanded.length - baseEv));
      this._subs.push(base);
    }
    const rb = domEv - baseEv;
    if (rb > 0) {
      base = new Independent(base, rb);
      this._subs.push(base);
    }
    const ev = t.codomain.eventDim + Math.max(baseEv - domEv, 0);
    const cut = shape.length - ev;
    Object.assign(this, { baseDist: base, transforms: Object.freeze(transforms.slice()) });
    init(this, shape.slice(0, cut), shape.slice(cut), validateArgs, given);
  }

  get support(): Constraint {
    if (!this.transforms.length) return this.baseDist.support;
    let s = this.transforms[this.transforms.length - 1].codomain;
    if (this._eventShape.length > s.eventDim) s = C.independent(s, this._eventShape.length - s.eventDim);
    return s;
  }
  get hasRsample(): boolean { return this.baseDist.hasRsample; }
  /** @internal */ _like(): Tensor { return this.baseDist._like(); }
  /** @internal torch's expand: the base expanded to the inverse shape of batchShape + eventShape. */
  _afterExpand(from: Distribution): void {
    const f = from as TransformedDistribution;
    let shape = [...this._batchShape, ...this._eventShape];
    for (const t of f.transforms.slice().reverse()) shape = t.inverseShape(shape);
    const base = f.baseDist.expand(shape.slice(0, shape.length - f.baseDist.eventShape.length));
    this._subs.push(base);
    Object.assign(this, { baseDist: base });
  }
  private _sampleShapeOf(shape: number[]): number[] { return shape.slice(0, shape.length - this._batchShape.length - this._eventShape.length); }
  /** @internal */ _sample(shape: number[]): Tensor {
    let x = this.baseDist._sample(this.baseDist._extendedShape(this._sampleShapeOf(shape)));
    for (const t of this.transforms) x = t._cachedCall(x);
    return x;
  }
  /** @internal */ _rsample(shape: number[]): Tensor {
    let x = this.baseDist._rsample(this.baseDist._extendedShape(this._sampleShapeOf(shape)));
    for (const t of this.transforms) x = t._cachedCall(x);
    return x;
  }
  /** @internal torch's log_prob: each transform inverted, its log-Jacobian summed over the event dims it adds. */
  _logProb(value: Tensor): Tensor {
    let ev = this._eventShape.length;
    let lp: Tensor | number = 0;
    let y = value;
    for (const t of this.transforms.slice().reverse()) {
      const x = t._invCall(y);
      ev += t.domain.eventDim - t.codomain.eventDim;
      lp = sub(lp, sumRightmost(t._logAbsDetJacobian(x, y), ev - t.domain.eventDim));
      y = x;
    }
    return add(lp, sumRightmost(this.baseDist.logProb(y), ev - this.baseDist.eventShape.length));
  }
  /** The product of the transforms' signs (torch's _monotonize_cdf). */
  private _monotonize(v: Tensor): Tensor {
    let s: number | Tensor = 1;
    for (const t of this.transforms) {
      const ts = t.sign;
      s = typeof s === 'number' && typeof ts === 'number' ? s * ts : mul(s as Tensor, ts);
    }
    if (s === 1) return v;
    return add(mul(sub(v, 0.5), s), 0.5);
  }
  /** @internal */ _checkValue(method: string, value: unknown): asserts value is Tensor {
    if (method === 'cdf' && this._cdfInBase) {
      if (!(value instanceof Tensor)) throw new ValueError(`${this._name}.cdf: value must be a Tensor, got ${describeArg(value)}`);
      return;
    }
    super._checkValue(method, value);
  }
  /** @internal */ _cdf(value: Tensor): Tensor {
    let v = value;
    for (const t of this.transforms.slice().reverse()) v = t._invCall(v);
    return this._monotonize(this.baseDist.cdf(v));
  }
  /** @internal */ _icdf(value: Tensor): Tensor {
    let v = this.baseDist.icdf(this._monotonize(value));
    for (const t of this.transforms) v = t._cachedCall(v);
    return v;
  }
  toString(): string { return `${this._name}(${this.baseDist.toString()})`; }
}

const HALF_CAUCHY_ARGS = signature('HalfCauchy', ['scale', 'validateArgs'], { scale: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const SCALE_CONSTRAINTS = Object.freeze({ scale: C.positive });
/**
 * |X| for X ~ Cauchy(0, scale), as `torch.distributions.HalfCauchy(scale)`.
 * ```ts
 * const d = new fl.distributions.HalfCauchy(fl.tensor([1, 2]));
 * ```
 */
export class HalfCauchy extends TransformedDistribution {
  constructor(scale: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super();
    (this as { _name: string })._name = 'HalfCauchy';
    this._cdfInBase = false;
    const o = HALF_CAUCHY_ARGS.parse(args);
    const base = new Cauchy(0, o.scale, { validateArgs: false });
    this._subs.push(base);
    this._setup(base, [new AbsTransform()], o.validateArgs, { scale: base.scale });
  }
  /** The scale of the folded Cauchy (its base's). */
  get scale(): Tensor { return (this.baseDist as Cauchy).scale; }
  get argConstraints(): Readonly<Record<string, Constraint>> { return SCALE_CONSTRAINTS; }
  get support(): Constraint { return C.nonnegative; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _mean(): Tensor { return full(this._batchShape, Infinity, like(this.scale)); }
  /** @internal */ _mode(): Tensor { return zerosLike(this.scale); }
  /** @internal */ _variance(): Tensor { return this.baseDist._variance(); }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const lp = add(this.baseDist._logProb(v), Math.LN2);
    return where(ge(v, 0), lp, -Infinity);
  }
  /** @internal */ _cdf(v: Tensor): Tensor { return sub(mul(this.baseDist._cdf(v), 2), 1); }
  /** @internal */ _icdf(p: Tensor): Tensor { return this.baseDist._icdf(div(add(p, 1), 2)); }
  /** @internal */ _entropy(): Tensor { return sub(this.baseDist._entropy(), Math.LN2); }
  toString(): string { return `HalfCauchy(scale: ${fmt(this.scale.shape)})`; }
}

const PARETO_ARGS = signature('Pareto', ['scale', 'alpha', 'validateArgs'], { scale: required(tensorOrNumber), alpha: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const PARETO_CONSTRAINTS = Object.freeze({ alpha: C.positive, scale: C.positive });
/**
 * The Pareto (type I) distribution with minimum `scale` and tail index `alpha`, as
 * `torch.distributions.Pareto(scale, alpha)`: scale·exp(E) for E ~ Exponential(alpha).
 * ```ts
 * const d = new fl.distributions.Pareto(1, fl.tensor([1.5, 3]));
 * ```
 */
export class Pareto extends TransformedDistribution {
  /** The minimum value x_m (> 0). */
  declare readonly scale: Tensor;
  /** The tail index α (> 0). */
  declare readonly alpha: Tensor;
  constructor(scale: Tensor | number, alpha: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super();
    (this as { _name: string })._name = 'Pareto';
    const o = PARETO_ARGS.parse(args);
    const [scale, alpha] = take(this, 'Pareto', ['scale', 'alpha'], [o.scale, o.alpha]);
    Object.assign(this, { scale, alpha });
    this._build(o.validateArgs);
  }
  private _build(validateArgs: boolean | undefined): void {
    let base: Exponential;
    try { base = new Exponential(this.alpha, { validateArgs }); } catch (e) { this.dispose(); throw e; }
    this._subs.push(base);
    this._setup(base, [new ExpTransform(), new AffineTransform(0, this.scale)], validateArgs, { scale: this.scale, alpha: this.alpha });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return PARETO_CONSTRAINTS; }
  get support(): Constraint { return C.tensorInterval('GreaterThanEq(lower_bound=scale)', this.scale, Infinity); }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['scale', 0], ['alpha', 0]]; }
  /** @internal */ _afterExpand(): void {
    const base = new Exponential(this.alpha, { validateArgs: false });
    this._subs.push(base);
    Object.assign(this, { baseDist: base, transforms: Object.freeze([new ExpTransform(), new AffineTransform(0, this.scale)]) });
  }
  /** @internal */ _mean(): Tensor { const a = clampMin(this.alpha, 1); return div(mul(a, this.scale), sub(a, 1)); }
  /** @internal */ _mode(): Tensor { return mul(this.scale, 1); }
  /** @internal */ _variance(): Tensor {
    const a = clampMin(this.alpha, 2);
    return div(mul(square(this.scale), a), mul(square(sub(a, 1)), sub(a, 2)));
  }
  /** @internal */ _entropy(): Tensor { return add(log(div(this.scale, this.alpha)), add(reciprocal(this.alpha), 1)); }
  toString(): string { return `Pareto(scale: ${fmt(this.scale.shape)}, alpha: ${fmt(this.alpha.shape)})`; }
}

const WEIBULL_ARGS = signature('Weibull', ['scale', 'concentration', 'validateArgs'], { scale: required(tensorOrNumber), concentration: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const WEIBULL_CONSTRAINTS = Object.freeze({ scale: C.positive, concentration: C.positive });
/**
 * The Weibull distribution, as `torch.distributions.Weibull(scale, concentration)`:
 * scale·E^(1/concentration) for E ~ Exponential(1).
 * ```ts
 * const d = new fl.distributions.Weibull(1, fl.tensor([0.5, 2]));
 * ```
 */
export class Weibull extends TransformedDistribution {
  /** The scale λ (> 0). */
  declare readonly scale: Tensor;
  /** The shape k (> 0). */
  declare readonly concentration: Tensor;
  /** 1 / concentration. */
  declare readonly concentrationReciprocal: Tensor;
  constructor(scale: Tensor | number, concentration: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super();
    (this as { _name: string })._name = 'Weibull';
    const o = WEIBULL_ARGS.parse(args);
    const [scale, concentration] = take(this, 'Weibull', ['scale', 'concentration'], [o.scale, o.concentration]);
    const concentrationReciprocal = this._own(reciprocal(concentration));
    Object.assign(this, { scale, concentration, concentrationReciprocal });
    const base = new Exponential(this._own(onesLike(scale)), { validateArgs: o.validateArgs });
    this._subs.push(base);
    this._setup(base, this._transforms(), o.validateArgs, { scale, concentration });
  }
  private _transforms(): Transform[] { return [new PowerTransform(this.concentrationReciprocal), new AffineTransform(0, this.scale)]; }
  get argConstraints(): Readonly<Record<string, Constraint>> { return WEIBULL_CONSTRAINTS; }
  get support(): Constraint { return C.positive; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['scale', 0], ['concentration', 0], ['concentrationReciprocal', 0]]; }
  /** @internal */ _afterExpand(from: Distribution): void {
    const base = (from as Weibull).baseDist.expand(this._batchShape);
    this._subs.push(base);
    Object.assign(this, { baseDist: base, transforms: Object.freeze(this._transforms()) });
  }
  /** @internal */ _mean(): Tensor { return mul(this.scale, exp(lgamma(add(this.concentrationReciprocal, 1)))); }
  /** @internal */ _mode(): Tensor {
    const c = this.concentration;
    return mul(this.scale, pow(div(sub(c, 1), c), reciprocal(c)));
  }
  /** @internal */ _variance(): Tensor {
    const r = this.concentrationReciprocal;
    return mul(square(this.scale), sub(exp(lgamma(add(mul(r, 2), 1))), exp(mul(lgamma(add(r, 1)), 2))));
  }
  /** @internal */ _entropy(): Tensor {
    const r = this.concentrationReciprocal;
    return add(add(mul(sub(1, r), EULER_GAMMA), log(mul(this.scale, r))), 1);
  }
  toString(): string { return `Weibull(scale: ${fmt(this.scale.shape)}, concentration: ${fmt(this.concentration.shape)})`; }
}

const KUMARASWAMY_ARGS = signature('Kumaraswamy', ['concentration1', 'concentration0', 'validateArgs'], {
  concentration1: required(tensorOrNumber), concentration0: required(tensorOrNumber), validateArgs: optional(maybeBool),
});
const KUMARASWAMY_CONSTRAINTS = Object.freeze({ concentration1: C.positive, concentration0: C.positive });
/** torch's _moments: b·B(1 + n/a, b), the n-th moment of Kumaraswamy(a, b). */
function kumaraswamyMoment(a: Tensor, b: Tensor, n: number): Tensor {
  const arg1 = add(div(n, a), 1);
  return mul(b, exp(sub(add(lgamma(arg1), lgamma(b)), lgamma(add(arg1, b)))));
}
/**
 * The Kumaraswamy distribution on [0, 1], as `torch.distributions.Kumaraswamy(concentration1,
 * concentration0)`: (1 - U^(1/b))^(1/a) for U ~ Uniform(0, 1).
 * ```ts
 * const d = new fl.distributions.Kumaraswamy(2, 5);
 * ```
 */
export class Kumaraswamy extends TransformedDistribution {
  /** a (> 0). */
  declare readonly concentration1: Tensor;
  /** b (> 0). */
  declare readonly concentration0: Tensor;
  constructor(concentration1: Tensor | number, concentration0: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super();
    (this as { _name: string })._name = 'Kumaraswamy';
    const o = KUMARASWAMY_ARGS.parse(args);
    const [concentration1, concentration0] = take(this, 'Kumaraswamy', ['concentration1', 'concentration0'], [o.concentration1, o.concentration0]);
    Object.assign(this, { concentration1, concentration0 });
    const base = new Uniform(this._own(fullLike(concentration0, 0)), this._own(fullLike(concentration0, 1)), { validateArgs: o.validateArgs });
    this._subs.push(base);
    this._setup(base, this._transforms(), o.validateArgs, { concentration1, concentration0 });
  }
  private _transforms(): Transform[] {
    const r0 = this._own(reciprocal(this.concentration0)), r1 = this._own(reciprocal(this.concentration1));
    return [new PowerTransform(r0), new AffineTransform(1, -1), new PowerTransform(r1)];
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return KUMARASWAMY_CONSTRAINTS; }
  get support(): Constraint { return C.unitInterval; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['concentration1', 0], ['concentration0', 0]]; }
  /** @internal */ _afterExpand(from: Distribution): void {
    const base = (from as Kumaraswamy).baseDist.expand(this._batchShape);
    this._subs.push(base);
    Object.assign(this, { baseDist: base, transforms: Object.freeze(this._transforms()) });
  }
  /** @internal */ _mean(): Tensor { return kumaraswamyMoment(this.concentration1, this.concentration0, 1); }
  /** @internal torch's mode, in log space (NaN where either concentration is below 1) */
  _mode(): Tensor {
    const a = this.concentration1, b = this.concentration0;
    const logMode = sub(mul(reciprocal(b), log1p(neg(b))), log1p(neg(mul(b, a))));
    return exp(where(logicalOr(lt(b, 1), lt(a, 1)), NaN, logMode));
  }
  /** @internal */ _variance(): Tensor { return sub(kumaraswamyMoment(this.concentration1, this.concentration0, 2), square(this._mean())); }
  /** @internal */ _entropy(): Tensor {
    const a = this.concentration1, b = this.concentration0;
    const t1 = sub(1, reciprocal(a)), t0 = sub(1, reciprocal(b));
    const H0 = add(digamma(add(b, 1)), EULER_GAMMA);
    return sub(sub(add(t0, mul(t1, H0)), log(a)), log(b));
  }
  toString(): string { return `Kumaraswamy(concentration1: ${fmt(this.concentration1.shape)}, concentration0: ${fmt(this.concentration0.shape)})`; }
}

const LOGISTIC_NORMAL_ARGS = signature('LogisticNormal', ['loc', 'scale', 'validateArgs'], { loc: required(tensorOrNumber), scale: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const LOGISTIC_NORMAL_CONSTRAINTS = Object.freeze({ loc: C.real, scale: C.positive });
/**
 * The logistic-normal distribution on the simplex, as `torch.distributions.LogisticNormal(loc,
 * scale)`: StickBreakingTransform of a Normal(loc, scale) vector (K entries give K + 1 probabilities).
 * ```ts
 * const d = new fl.distributions.LogisticNormal(fl.zeros([3]), fl.ones([3]));   // event shape [4]
 * ```
 */
export class LogisticNormal extends TransformedDistribution {
  constructor(loc: Tensor | number, scale: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super();
    (this as { _name: string })._name = 'LogisticNormal';
    const o = LOGISTIC_NORMAL_ARGS.parse(args);
    let base: Distribution = new Normal(o.loc, o.scale, { validateArgs: o.validateArgs });
    this._subs.push(base);
    if (base.batchShape.length === 0) { base = base.expand([1]); this._subs.push(base); }
    this._setup(base, [new StickBreakingTransform()], o.validateArgs, {});
  }
  private get _normal(): Normal { return (this.baseDist as Independent).baseDist as Normal; }
  /** The location of the base Normal. */
  get loc(): Tensor { return this._normal.loc; }
  /** The scale of the base Normal. */
  get scale(): Tensor { return this._normal.scale; }
  get argConstraints(): Readonly<Record<string, Constraint>> { return LOGISTIC_NORMAL_CONSTRAINTS; }
  get support(): Constraint { return C.simplex; }
  toString(): string { return `LogisticNormal(loc: ${fmt(this.loc.shape)}, scale: ${fmt(this.scale.shape)})`; }
}
