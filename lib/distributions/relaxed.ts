// relaxed.ts — the relaxed (Concrete / Gumbel-softmax) families and Multinomial, with torch 1.13's
// formulas: LogitRelaxedBernoulli and RelaxedBernoulli (its sigmoid), ExpRelaxedCategorical and
// RelaxedOneHotCategorical (its exp), all with rsample; Multinomial (counts of totalCount draws over
// the last dim of probs / logits; a number totalCount, as torch's; sampled as torch's up to K draws,
// by conditional binomials above: Multinomial._sample).
import { Tensor, scopeSync } from '../tensor';
import { describeArg } from '../arity';
import { ValueError } from '../errors';
import { int, optional, required, signature } from '../args';
import { fmt } from '../shape';
import {
  add, all, arange, binomial, clamp, div, eq, exp, expand, ge, gt, le, lgamma, log, log1p, logicalAnd, logsumexp, mul, neg, onesLike, permute, rand,
  scatterAdd, select, stack, sub, sum, to, where, fullLike, isinf, lt, full, sigmoid, zeros,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, tensorOrNumber } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { finfo, init, like, take } from './continuous';
import { Binomial, Categorical, ONE_OF, binaryLogits } from './discrete';
import { TransformedDistribution } from './transformed';
import { ExpTransform, SigmoidTransform } from './transforms';

/** torch's clamp_probs: p clamped to [eps, 1 - eps] */
const clampProbs = (p: Tensor): Tensor => { const e = finfo(p.dtype).eps; return clamp(p, e, 1 - e); };
/** torch's probs_to_logits(p, is_binary=True) */
/** The temperature as a tensor like `ref` (a number becomes a 0-dim tensor; a tensor is the caller's, cast if needed). */
function temperatureOf(d: Distribution, name: string, t: Tensor | number, ref: Tensor): Tensor {
  if (typeof t === 'number') {
    if (!(t > 0)) throw new ValueError(`${name}: temperature must be positive, got ${describeArg(t)}`);
    return d._own(full([], t, like(ref)));
  }
  return t.dtype === ref.dtype ? t : d._own(to(t, ref.dtype));
}

const RELAXED_ARGS = (name: string) => signature(name, ['temperature', 'probs', 'logits', 'validateArgs'], {
  temperature: required(tensorOrNumber), probs: optional(tensorOrNumber), logits: optional(tensorOrNumber), validateArgs: optional(maybeBool),
});
const LRB_ARGS = RELAXED_ARGS('LogitRelaxedBernoulli');
const RB_ARGS = RELAXED_ARGS('RelaxedBernoulli');
const ERC_ARGS = RELAXED_ARGS('ExpRelaxedCategorical');
const ROHC_ARGS = RELAXED_ARGS('RelaxedOneHotCategorical');
const BINARY_CONSTRAINTS = Object.freeze({ probs: C.unitInterval, logits: C.real });
const CATEGORICAL_CONSTRAINTS = Object.freeze({ probs: C.simplex, logits: C.realVector });

/**
 * The logit of a RelaxedBernoulli draw (torch.distributions.LogitRelaxedBernoulli(temperature,
 * probs=None, logits=None)): values on the real line, rsample by the logistic reparameterization.
 * ```ts
 * const d = new fl.distributions.LogitRelaxedBernoulli(fl.tensor(0.5), { probs: fl.tensor([0.3, 0.8]) });
 * ```
 */
export class LogitRelaxedBernoulli extends Distribution {
  /** The relaxation temperature (> 0). */
  declare readonly temperature: Tensor;
  /** The probability of a 1. */
  declare readonly probs: Tensor;
  /** The log-odds. */
  declare readonly logits: Tensor;
  constructor(temperature: Tensor | number, probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(temperature: Tensor | number, options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('LogitRelaxedBernoulli');
    const o = LRB_ARGS.parse(args);
    if ((o.probs === undefined) === (o.logits === undefined)) throw ONE_OF('LogitRelaxedBernoulli');
    const usesProbs = o.probs !== undefined;
    const [param] = take(this, 'LogitRelaxedBernoulli', [usesProbs ? 'probs' : 'logits'], [(usesProbs ? o.probs : o.logits) as Tensor | number]);
    const other = this._own(scopeSync(() => (usesProbs ? binaryLogits(param) : sigmoid(param))));
    Object.assign(this, usesProbs ? { probs: param, logits: other } : { probs: other, logits: param });
    Object.assign(this, { temperature: temperatureOf(this, 'LogitRelaxedBernoulli', o.temperature, param) });
    init(this, param.shape, [], o.validateArgs, usesProbs ? { probs: param } : { logits: param });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return BINARY_CONSTRAINTS; }
  get support(): Constraint { return C.real; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['probs', 0], ['logits', 0], ['temperature', -1]]; }
  /** @internal */ _like(): Tensor { return this.probs; }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const p = clampProbs(expand(this.probs, shape));
    const u = clampProbs(rand(shape, like(this.probs)));
    return div(add4(log(u), neg(log1p(neg(u))), log(p), neg(log1p(neg(p)))), this.temperature);
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const diff = sub(this.logits, mul(v, this.temperature));
    return sub(add4(log(this.temperature), diff), mul(log1p(exp(diff)), 2));
  }
}
function add4(...ts: Tensor[]): Tensor { return ts.reduce((a, b) => a.add(b)); }

/**
 * The relaxed (Concrete) Bernoulli on (0, 1), as `torch.distributions.RelaxedBernoulli(temperature,
 * probs=None, logits=None)`: the sigmoid of a LogitRelaxedBernoulli; differentiable samples that
 * approach 0/1 draws as the temperature goes to 0.
 * ```ts
 * const d = new fl.distributions.RelaxedBernoulli(fl.tensor(0.3), { logits });
 * const soft = d.rsample();
 * ```
 */
export class RelaxedBernoulli extends TransformedDistribution {
  constructor(temperature: Tensor | number, probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(temperature: Tensor | number, options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super();
    (this as { _name: string })._name = 'RelaxedBernoulli';
    const o = RB_ARGS.parse(args);
    // torch makes the base with the default validation (not this validateArgs)
    const base = new LogitRelaxedBernoulli(o.temperature, { probs: o.probs, logits: o.logits });
    this._subs.push(base);
    this._setup(base, [new SigmoidTransform()], o.validateArgs, o.probs !== undefined ? { probs: base.probs } : { logits: base.logits });
  }
  private get _base(): LogitRelaxedBernoulli { return this.baseDist as LogitRelaxedBernoulli; }
  /** The temperature (the base's). */
  get temperature(): Tensor { return this._base.temperature; }
  /** The probability of a 1 (the base's). */
  get probs(): Tensor { return this._base.probs; }
  /** The log-odds (the base's). */
  get logits(): Tensor { return this._base.logits; }
  get argConstraints(): Readonly<Record<string, Constraint>> { return BINARY_CONSTRAINTS; }
  get support(): Constraint { return C.unitInterval; }
  get hasRsample(): boolean { return true; }
}

/**
 * The (probs | logits) Categorical inside the relaxed categoricals and Multinomial (owned). As
 * torch's, it validates its parameters by the default setting, whatever the outer validateArgs.
 */
function categoricalOf(d: Distribution, name: string, probs: Tensor | number | undefined, logits: Tensor | number | undefined): Categorical {
  if ((probs === undefined) === (logits === undefined)) throw ONE_OF(name);
  const c = probs !== undefined ? new Categorical({ probs }) : new Categorical({ logits });
  d._subs.push(c);
  return c;
}

/**
 * The log of a RelaxedOneHotCategorical draw (torch.distributions.ExpRelaxedCategorical(temperature,
 * probs=None, logits=None)): event shape [K], rsample by Gumbel-softmax in log space.
 * ```ts
 * const d = new fl.distributions.ExpRelaxedCategorical(fl.tensor(0.5), { logits: fl.zeros([4]) });
 * ```
 */
export class ExpRelaxedCategorical extends Distribution {
  /** The relaxation temperature (> 0). */
  declare readonly temperature: Tensor;
  /** @internal */ declare readonly _categorical: Categorical;
  constructor(temperature: Tensor | number, probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(temperature: Tensor | number, options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('ExpRelaxedCategorical');
    const o = ERC_ARGS.parse(args);
    const c = categoricalOf(this, 'ExpRelaxedCategorical', o.probs, o.logits);
    Object.assign(this, { _categorical: c, temperature: temperatureOf(this, 'ExpRelaxedCategorical', o.temperature, c.probs) });
    const s = c.probs.shape;
    init(this, s.slice(0, -1), s.slice(-1), o.validateArgs, {});
  }
  /** The normalised probabilities (the Categorical's). */
  get probs(): Tensor { return this._categorical.probs; }
  /** The normalised logits (the Categorical's). */
  get logits(): Tensor { return this._categorical.logits; }
  get argConstraints(): Readonly<Record<string, Constraint>> { return CATEGORICAL_CONSTRAINTS; }
  get support(): Constraint { return C.realVector; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _like(): Tensor { return this._categorical.probs; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['temperature', -1]]; }
  /** @internal */ _afterExpand(from: Distribution): void {
    const c = (from as ExpRelaxedCategorical)._categorical.expand(this._batchShape);
    this._subs.push(c);
    Object.assign(this, { _categorical: c });
  }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const u = clampProbs(rand(shape, like(this.probs)));
    const gumbels = neg(log(neg(log(u))));
    const scores = div(this.logits.add(gumbels), this.temperature);   // torch's: the temperature broadcasts from the right
    return sub(scores, logsumexp(scores, -1, true));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const K = this._eventShape[0];
    const T = this.temperature;
    const logScale = sub(lgamma(fullLike(T, K)), mul(log(T), -(K - 1)));
    let score = sub(this.logits, mul(v, T));
    score = sum(sub(score, logsumexp(score, -1, true)), -1);
    return score.add(logScale);
  }
  toString(): string { return `ExpRelaxedCategorical(probs: ${fmt(this.probs.shape)})`; }
}

/**
 * The relaxed one-hot categorical (Concrete / Gumbel-softmax) on the simplex, as
 * `torch.distributions.RelaxedOneHotCategorical(temperature, probs=None, logits=None)`: the exp of an
 * ExpRelaxedCategorical; differentiable samples that approach one-hot draws as the temperature goes to 0.
 * ```ts
 * const d = new fl.distributions.RelaxedOneHotCategorical(fl.tensor(0.5), { logits });
 * const soft = d.rsample();   // rows on the simplex
 * ```
 */
export class RelaxedOneHotCategorical extends TransformedDistribution {
  constructor(temperature: Tensor | number, probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(temperature: Tensor | number, options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super();
    (this as { _name: string })._name = 'RelaxedOneHotCategorical';
    const o = ROHC_ARGS.parse(args);
    // torch makes the base with the default validation (not this validateArgs)
    const base = new ExpRelaxedCategorical(o.temperature, { probs: o.probs, logits: o.logits });
    this._subs.push(base);
    this._setup(base, [new ExpTransform()], o.validateArgs, {});
  }
  private get _base(): ExpRelaxedCategorical { return this.baseDist as ExpRelaxedCategorical; }
  /** The temperature (the base's). */
  get temperature(): Tensor { return this._base.temperature; }
  /** The normalised probabilities. */
  get probs(): Tensor { return this._base.probs; }
  /** The normalised logits. */
  get logits(): Tensor { return this._base.logits; }
  get argConstraints(): Readonly<Record<string, Constraint>> { return CATEGORICAL_CONSTRAINTS; }
  get support(): Constraint { return C.simplex; }
  get hasRsample(): boolean { return true; }
}

const MULTINOMIAL_ARGS = signature('Multinomial', ['totalCount', 'probs', 'logits', 'validateArgs'], {
  totalCount: optional(int({ min: 0 }), 1), probs: optional(tensorOrNumber), logits: optional(tensorOrNumber), validateArgs: optional(maybeBool),
});
/**
 * The counts of `totalCount` draws of K categories (event shape [K], the last dim of probs or
 * logits), as `torch.distributions.Multinomial(total_count=1, probs=None, logits=None)`;
 * totalCount is one integer for the whole batch (torch's).
 * ```ts
 * const d = new fl.distributions.Multinomial(10, { probs: fl.tensor([0.2, 0.3, 0.5]) });
 * d.sample();   // e.g. [2, 3, 5]
 * ```
 */
export class Multinomial extends Distribution {
  /** The number of draws. */
  declare readonly totalCount: number;
  /** @internal */ declare readonly _categorical: Categorical;
  /** @internal */ declare readonly _binomial: Binomial;
  constructor(totalCount?: number, probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(totalCount: number, options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(options: { totalCount?: number; probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('Multinomial');
    const o = MULTINOMIAL_ARGS.parse(args);
    const c = categoricalOf(this, 'Multinomial', o.probs, o.logits);
    const b = new Binomial(o.totalCount, c.probs, undefined, { validateArgs: false });
    this._subs.push(b);
    Object.assign(this, { totalCount: o.totalCount, _categorical: c, _binomial: b });
    const s = c.probs.shape;
    init(this, s.slice(0, -1), s.slice(-1), o.validateArgs, {});
  }
  /** The normalised probabilities. */
  get probs(): Tensor { return this._categorical.probs; }
  /** The normalised logits. */
  get logits(): Tensor { return this._categorical.logits; }
  get argConstraints(): Readonly<Record<string, Constraint>> { return CATEGORICAL_CONSTRAINTS; }
  /** Non-negative integer vectors summing to at most totalCount (torch's constraints.multinomial). */
  get support(): Constraint {
    const n = this.totalCount;
    return {
      name: `Multinomial(upper_bound=${n})`, isDiscrete: true, eventDim: 1,
      check: (v: Tensor) => scopeSync(() => logicalAnd(all(ge(v, 0), -1), le(sum(v, -1), n))),
    };
  }
  /** @internal */ _like(): Tensor { return this._categorical.probs; }
  /** @internal */ _afterExpand(from: Distribution): void {
    const c = (from as Multinomial)._categorical.expand(this._batchShape);
    const b = new Binomial(this.totalCount, c.probs, undefined, { validateArgs: false });
    this._subs.push(c, b);
    Object.assign(this, { _categorical: c, _binomial: b });
  }
  /** @internal */ _mean(): Tensor { return mul(this.probs, this.totalCount); }
  /** @internal */ _variance(): Tensor { return mul(mul(this.probs, sub(1, this.probs)), this.totalCount); }
  /**
   * @internal Exact in distribution either way. Up to K draws (totalCount <= K): torch's method, the
   * counts of totalCount Categorical draws (scatter-added; memory totalCount x the sample). Above:
   * conditional binomials, count_k ~ Binomial(n - count_1 - … - count_{k-1}, p_k / (p_k + … + p_K)),
   * K fl.binomial calls whose cost does not grow with totalCount (torch's grows with it).
   */
  _sample(shape: number[]): Tensor {
    const K = this._eventShape[0], n = this.totalCount;
    const lead = shape.slice(0, -1);
    if (n === 0 || lead.some((d) => d === 0)) return full(shape, 0, like(this.probs));
    if (n <= K) {
      const idx = this._categorical._indices([n, ...lead]);   // [n, ...sample, ...batch]
      const last = permute(idx, [...lead.map((_, i) => i + 1), 0]);
      return scatterAdd(zeros(shape, like(this.probs)), -1, last, onesLike(last, { dtype: this.probs.dtype }));
    }
    const p = to(expand(this.probs, shape), 'float64');
    const pk = Array.from({ length: K }, (_, k) => select(p, -1, k));
    // suffix[k] = p_k + … + p_{K-1} (exactly 0 iff all of them are 0)
    const suffix: Tensor[] = new Array(K + 1);
    suffix[K] = zeros(lead, { dtype: 'float64', device: this.probs.device });
    for (let k = K - 1; k >= 0; k--) suffix[k] = add(suffix[k + 1], pk[k]);
    let left: Tensor = full(lead, n, { dtype: 'float64', device: this.probs.device });
    const counts: Tensor[] = [];
    for (let k = 0; k < K; k++) {
      // no mass after k: k takes what is left (1, not a ratio rounded below 1)
      const q = where(gt(suffix[k + 1], 0), clamp(div(pk[k], where(gt(suffix[k], 0), suffix[k], 1)), 0, 1), 1);
      const c = binomial(left, q);
      counts.push(c);
      left = sub(left, c);
    }
    return to(stack(counts, -1), this.probs.dtype);
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const logFactN = lgamma(sum(v, -1).add(1));
    const logFactXs = sum(lgamma(v.add(1)), -1);
    const l = where(logicalAnd(eq(v, 0), logicalAnd(isinf(this.logits), lt(this.logits, 0))), 0, this.logits);
    return logFactN.sub(logFactXs).add(sum(mul(l, v), -1));
  }
  /** @internal torch's: n·H(cat) - lgamma(n + 1) + Σ_k Σ_{j=1..n} Binomial(n, p_k).pmf(j)·lgamma(j + 1) */
  _entropy(): Tensor {
    const n = this.totalCount;
    const term1 = sub(mul(this._categorical._entropy(), n), lgammaOf(n + 1));
    if (n === 0) return term1;
    const support = arange(1, n + 1, like(this.probs)).reshape([n, ...this._batchShape.map(() => 1), 1]);
    const lp = this._binomial._logProb(support);
    const term2 = sum(mul(exp(lp), lgamma(support.add(1))), [0, -1]);
    return term1.add(term2);
  }
  toString(): string { return `Multinomial(totalCount: ${this.totalCount}, probs: ${fmt(this.probs.shape)})`; }
}
/** lgamma of a number (host) */
function lgammaOf(x: number): number { let s = 0; for (let k = 2; k < x; k++) s += Math.log(k); return s; }
