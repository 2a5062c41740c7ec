// extra.ts — three more families of fl.distributions with torch 1.13's formulas, not built on a
// transform: FisherSnedecor (rsample through two Gamma draws), NegativeBinomial (a Gamma-Poisson
// mixture; probs or logits) and ContinuousBernoulli (Loaiza-Ganem & Cunningham 2019, with torch's
// Taylor expansions near probs = 0.5 and its `lims`).
import { Tensor } from '../tensor';
import { describeArg } from '../arity';
import { ValueError } from '../errors';
import { anyValue, optional, required, signature } from '../args';
import { fmt } from '../shape';
import {
  abs, add, clamp, clampMin, div, eq, exp, floor, ge, gt, le, lgamma, log, log1p, logicalOr, mul, neg, onesLike, poisson, pow, rand, sigmoid,
  softplus, sqrt, square, sub, where, zerosLike,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, tensorOrNumber } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { finfo, init, like, take } from './continuous';
import { ONE_OF, binaryLogits } from './discrete';
import { standardGamma, standardGammaRsample } from './gamma';
import { allTrue } from './special';

/** log sigmoid(x) = -softplus(-x) */
const logSigmoid = (x: Tensor): Tensor => neg(softplus(neg(x)));
const FS_ARGS = signature('FisherSnedecor', ['df1', 'df2', 'validateArgs'], { df1: required(tensorOrNumber), df2: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const FS_CONSTRAINTS = Object.freeze({ df1: C.positive, df2: C.positive });
/**
 * Fisher's F distribution with `df1` and `df2` degrees of freedom, as
 * `torch.distributions.FisherSnedecor(df1, df2)`; rsample through two Gamma draws.
 * ```ts
 * const d = new fl.distributions.FisherSnedecor(5, 10);
 * ```
 */
export class FisherSnedecor extends Distribution {
  /** The numerator's degrees of freedom (> 0). */
  declare readonly df1: Tensor;
  /** The denominator's degrees of freedom (> 0). */
  declare readonly df2: Tensor;
  constructor(df1: Tensor | number, df2: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('FisherSnedecor');
    const o = FS_ARGS.parse(args);
    const [df1, df2] = take(this, 'FisherSnedecor', ['df1', 'df2'], [o.df1, o.df2]);
    Object.assign(this, { df1, df2 });
    init(this, df1.shape, [], o.validateArgs, { df1, df2 });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return FS_CONSTRAINTS; }
  get support(): Constraint { return C.positive; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['df1', 0], ['df2', 0]]; }
  /** @internal */ _like(): Tensor { return this.df1; }
  /** @internal */ _mean(): Tensor {
    const df2 = where(le(this.df2, 2), NaN, this.df2);
    return div(df2, sub(df2, 2));
  }
  /** @internal */ _mode(): Tensor {
    const m = mul(div(sub(this.df1, 2), this.df1), div(this.df2, add(this.df2, 2)));
    return where(le(this.df1, 2), NaN, m);
  }
  /** @internal */ _variance(): Tensor {
    const df2 = where(le(this.df2, 4), NaN, this.df2);
    return div(mul(mul(square(df2), 2), sub(add(this.df1, df2), 2)), mul(mul(this.df1, square(sub(df2, 2))), sub(df2, 4)));
  }
  /** @internal X1 / X2 for X_i ~ Gamma(df_i / 2, df_i) (torch's). */
  _rsample(shape: number[]): Tensor {
    const tiny = finfo(this.df1.dtype).tiny;
    const gamma = (df: Tensor): Tensor => clampMin(div(standardGammaRsample(mul(df, 0.5).expand(shape)), df), tiny);
    const x1 = gamma(this.df1), x2 = clampMin(gamma(this.df2), tiny);
    return clampMin(div(x1, x2), tiny);
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const ct1 = mul(this.df1, 0.5), ct2 = mul(this.df2, 0.5), ct3 = div(this.df1, this.df2);
    const t1 = sub(sub(lgamma(add(ct1, ct2)), lgamma(ct1)), lgamma(ct2));
    const t2 = add(mul(ct1, log(ct3)), mul(sub(ct1, 1), log(v)));
    const t3 = mul(add(ct1, ct2), log1p(mul(ct3, v)));
    return sub(add(t1, t2), t3);
  }
}

const NB_ARGS = signature('NegativeBinomial', ['totalCount', 'probs', 'logits', 'validateArgs'], {
  totalCount: required(tensorOrNumber), probs: optional(tensorOrNumber), logits: optional(tensorOrNumber), validateArgs: optional(maybeBool),
});
const NB_CONSTRAINTS = Object.freeze({ totalCount: C.greaterThanEq(0), probs: C.halfOpenInterval(0, 1), logits: C.real });
/**
 * The number of successes before `totalCount` failures of Bernoulli(probs) trials, as
 * `torch.distributions.NegativeBinomial(total_count, probs=None, logits=None)` (totalCount may be
 * any non-negative real). Sampling draws Poisson(Gamma) as torch's.
 * ```ts
 * const d = new fl.distributions.NegativeBinomial(5, { probs: 0.3 });
 * ```
 */
export class NegativeBinomial extends Distribution {
  /** The number of failures (≥ 0, a real). */
  declare readonly totalCount: Tensor;
  /** The probability of a success. */
  declare readonly probs: Tensor;
  /** The log-odds of a success. */
  declare readonly logits: Tensor;
  constructor(totalCount: Tensor | number, probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(totalCount: Tensor | number, options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('NegativeBinomial');
    const o = NB_ARGS.parse(args);
    if ((o.probs === undefined) === (o.logits === undefined)) throw ONE_OF('NegativeBinomial');
    const usesProbs = o.probs !== undefined;
    const [totalCount, param] = take(this, 'NegativeBinomial', ['totalCount', usesProbs ? 'probs' : 'logits'], [o.totalCount, (usesProbs ? o.probs : o.logits) as Tensor | number]);
    const other = this._own(usesProbs ? binaryLogits(param) : sigmoid(param));
    Object.assign(this, usesProbs ? { totalCount, probs: param, logits: other } : { totalCount, probs: other, logits: param });
    init(this, param.shape, [], o.validateArgs, usesProbs ? { totalCount, probs: param } : { totalCount, logits: param });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return NB_CONSTRAINTS; }
  get support(): Constraint { return C.nonnegativeInteger; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['totalCount', 0], ['probs', 0], ['logits', 0]]; }
  /** @internal */ _like(): Tensor { return this.probs; }
  /** @internal */ _mean(): Tensor { return mul(this.totalCount, exp(this.logits)); }
  /** @internal */ _mode(): Tensor { return clampMin(floor(mul(sub(this.totalCount, 1), exp(this.logits))), 0); }
  /** @internal */ _variance(): Tensor { return div(this._mean(), sigmoid(neg(this.logits))); }
  /** @internal Poisson(Gamma(totalCount, exp(-logits))) */
  _sample(shape: number[]): Tensor {
    const g = div(standardGamma(this.totalCount.expand(shape)), exp(neg(this.logits)));
    const rate = clampMin(g, finfo(g.dtype).tiny);
    return poisson(where(eq(this.totalCount.expand(shape), 0), 0, rate));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const n = this.totalCount;
    const unnorm = add(mul(n, logSigmoid(neg(this.logits))), mul(v, logSigmoid(this.logits)));
    const norm = add(sub(lgamma(add(v, 1)), lgamma(add(n, v))), lgamma(n));
    return sub(unnorm, where(eq(add(n, v), 0), 0, norm));
  }
}

const CB_ARGS = signature('ContinuousBernoulli', ['probs', 'logits', 'lims', 'validateArgs'], {
  probs: optional(tensorOrNumber), logits: optional(tensorOrNumber), lims: optional(anyValue<[number, number]>(), [0.499, 0.501]), validateArgs: optional(maybeBool),
});
const CB_CONSTRAINTS = Object.freeze({ probs: C.unitInterval, logits: C.real });
/**
 * The continuous Bernoulli distribution on [0, 1] (density ∝ p^x (1-p)^(1-x)), as
 * `torch.distributions.ContinuousBernoulli(probs=None, logits=None, lims=(0.499, 0.501))`: inside
 * `lims` the moments and the normaliser use torch's Taylor expansions. rsample by the icdf.
 * ```ts
 * const d = new fl.distributions.ContinuousBernoulli({ probs: fl.tensor([0.2, 0.7]) });
 * ```
 */
export class ContinuousBernoulli extends Distribution {
  /** The parameter in (0, 1), clamped to [eps, 1 - eps] (not a probability of the values). */
  declare readonly probs: Tensor;
  /** log(probs / (1 - probs)) (as given, when logits were). */
  declare readonly logits: Tensor;
  /** The unstable region around 0.5 (torch's _lims). */
  declare readonly lims: readonly [number, number];
  constructor(probs?: Tensor | number, logits?: Tensor | number, lims?: readonly [number, number], options?: DistributionOptions);
  constructor(options: { probs?: Tensor | number; logits?: Tensor | number; lims?: readonly [number, number] } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('ContinuousBernoulli');
    const o = CB_ARGS.parse(args);
    const lims = o.lims;
    if (!Array.isArray(lims) || lims.length !== 2 || !lims.every((x) => typeof x === 'number' && x > 0 && x < 1) || !(lims[0] < lims[1])) {
      throw new ValueError(`ContinuousBernoulli: lims must be two numbers lo < hi in (0, 1), got ${describeArg(lims)}`);
    }
    if ((o.probs === undefined) === (o.logits === undefined)) throw ONE_OF('ContinuousBernoulli');
    const eps = (t: Tensor): number => finfo(t.dtype).eps;
    let given: Record<string, Tensor>;
    if (o.probs !== undefined) {
      const [p0] = take(this, 'ContinuousBernoulli', ['probs'], [o.probs]);
      // torch validates probs before clamping them when validateArgs is given (the clamped ones always pass)
      if (o.validateArgs === true && !allTrue(C.unitInterval.check(p0))) {
        this.dispose();
        throw new ValueError(`ContinuousBernoulli: expected parameter probs (Tensor of shape ${fmt(p0.shape)}) to satisfy the constraint ${C.unitInterval.name}, but found invalid values`);
      }
      const p = this._own(clamp(p0, eps(p0), 1 - eps(p0)));
      const l = this._own(binaryLogits(p));
      Object.assign(this, { probs: p, logits: l });
      given = { probs: p };
    } else {
      const [l] = take(this, 'ContinuousBernoulli', ['logits'], [o.logits as Tensor | number]);
      const s = sigmoid(l);
      const p = this._own(clamp(s, eps(l), 1 - eps(l)));
      s.dispose();
      Object.assign(this, { probs: p, logits: l });
      given = { logits: l };
    }
    Object.assign(this, { lims: Object.freeze([lims[0], lims[1]]) });
    init(this, this.probs.shape, [], o.validateArgs, given);
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return CB_CONSTRAINTS; }
  get support(): Constraint { return C.unitInterval; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['probs', 0], ['logits', 0]]; }
  /** @internal */ _like(): Tensor { return this.probs; }
  private _outside(): Tensor { return logicalOr(le(this.probs, this.lims[0]), gt(this.probs, this.lims[1])); }
  private _cutProbs(): Tensor { return where(this._outside(), this.probs, this.lims[0]); }
  /** @internal torch's _cont_bern_log_norm: the log of the normalising constant. */
  _logNorm(): Tensor {
    const cut = this._cutProbs();
    const below = where(le(cut, 0.5), cut, 0), above = where(ge(cut, 0.5), cut, 1);
    const logNorm = sub(log(abs(sub(log1p(neg(cut)), log(cut)))), where(le(cut, 0.5), log1p(mul(below, -2)), log(sub(mul(above, 2), 1))));
    const x = square(sub(this.probs, 0.5));
    const taylor = add(mul(add(mul(x, 104 / 45), 4 / 3), x), Math.LN2);
    return where(this._outside(), logNorm, taylor);
  }
  /** @internal */ _mean(): Tensor {
    const cut = this._cutProbs();
    const mus = add(div(cut, sub(mul(cut, 2), 1)), div(1, sub(log1p(neg(cut)), log(cut))));
    const x = sub(this.probs, 0.5);
    const taylor = add(mul(add(mul(square(x), 16 / 45), 1 / 3), x), 0.5);
    return where(this._outside(), mus, taylor);
  }
  /** @internal */ _stddev(): Tensor { return sqrt(this._variance()); }
  /** @internal */ _variance(): Tensor {
    const cut = this._cutProbs();
    const vars = add(div(mul(cut, sub(cut, 1)), square(sub(1, mul(cut, 2)))), div(1, square(sub(log1p(neg(cut)), log(cut)))));
    const x = square(sub(this.probs, 0.5));
    const taylor = sub(1 / 12, mul(sub(1 / 15, mul(x, 128 / 945)), x));
    return where(this._outside(), vars, taylor);
  }
  /** @internal */ _rsample(shape: number[]): Tensor { return this._icdf(rand(shape, like(this.probs))); }
  /** @internal BCE with logits, negated, plus the log-normaliser */
  _logProb(v: Tensor): Tensor {
    // BCE with logits as softplus(l) - l·v: its gradient is sigmoid(l) - v everywhere (torch's), also at l = 0
    const l = this.logits;
    return add(sub(mul(l, v), softplus(l)), this._logNorm());
  }
  /** @internal */ _cdf(v: Tensor): Tensor {
    const cut = this._cutProbs();
    const cdfs = div(sub(add(mul(pow(cut, v), pow(sub(1, cut), sub(1, v))), cut), 1), sub(mul(cut, 2), 1));
    const unbounded = where(this._outside(), cdfs, v);
    return where(le(v, 0), zerosLike(v), where(ge(v, 1), onesLike(v), unbounded));
  }
  /** @internal */ _icdf(v: Tensor): Tensor {
    const cut = this._cutProbs();
    const x = div(sub(log1p(add(neg(cut), mul(v, sub(mul(cut, 2), 1)))), log1p(neg(cut))), sub(log(cut), log1p(neg(cut))));
    return where(this._outside(), x, v);
  }
  /** @internal */ _entropy(): Tensor {
    const lp0 = log1p(neg(this.probs)), lp1 = log(this.probs);
    return sub(sub(mul(this._mean(), sub(lp0, lp1)), this._logNorm()), lp0);
  }
}
