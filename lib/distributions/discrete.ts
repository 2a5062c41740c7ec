// discrete.ts — the discrete families of fl.distributions with torch 1.13's formulas: Bernoulli,
// Categorical, OneHotCategorical, Geometric, Binomial and Poisson. Probabilities are given as
// `probs` or as `logits` (exactly one); both are kept. Samples of Categorical are int32 indices
// (flintml's index dtype; torch's are int64), the others are floating as torch's.
import { Tensor, scopeSync } from '../tensor';
import { ValueError } from '../errors';
import { optional, required, signature } from '../args';
import { fmt } from '../shape';
import {
  abs, add, amax, amin, arange, argmax, bernoulli, binomial, clamp, clampMin, div, eq, exp, expand, floor, full, ge, gather, gt,
  log, log1p, logicalAnd, logicalNot, logsumexp, mul, multinomial, neg, poisson, rand, reshape, sigmoid, softmax,
  squeeze, sub, sum, transpose, unsqueeze, view, where, xlogy, zeros, zerosLike, to, any,
} from '../ops';
import { Distribution, DistributionOptions, NotImplementedError, maybeBool, tensorOrNumber } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { finfo, init, like, take } from './continuous';
import { lgamma } from './special';
import { logsigmoid } from '../nn/activation';

/** @internal torch's probs_to_logits(probs, is_binary=True): log(p) - log1p(-p) of p clamped to [eps, 1-eps]. */
export function binaryLogits(p: Tensor): Tensor {
  const eps = finfo(p.dtype).eps;
  const pc = clamp(p, eps, 1 - eps);
  return sub(log(pc), log1p(neg(pc)));
}
/**
 * BCE with logits (torch's, reduction 'none'): (1 - t)·l - logsigmoid(l), stable for any l. Its
 * gradient is torch's fused one, sigmoid(l) - t for l and -l for t, at l = 0 too (the max/abs form
 * gave a subgradient there: 0 where torch gives ±0.5).
 */
function bceWithLogits(l: Tensor, t: Tensor): Tensor {
  return sub(mul(sub(1, t), l), logsigmoid(l));
}
/** The value as int32 indices (torch's value.long()). */
const asIndex = (v: Tensor): Tensor => (v.dtype === 'int32' ? v : to(v, 'int32'));
/** @internal */
export const ONE_OF = (name: string) => new ValueError(`${name}: either probs or logits must be specified, but not both`);
const hostMax = (t: Tensor): number => (t.numel === 0 ? 0 : amax(t).item());
const hostMin = (t: Tensor): number => (t.numel === 0 ? 0 : amin(t).item());

const BINARY_CONSTRAINTS = Object.freeze({ probs: C.unitInterval, logits: C.real });
const probsLogitsSignature = (name: string) => signature(name, ['probs', 'logits', 'validateArgs'], {
  probs: optional(tensorOrNumber), logits: optional(tensorOrNumber), validateArgs: optional(maybeBool),
});
const BERNOULLI_ARGS = probsLogitsSignature('Bernoulli');
const GEOMETRIC_ARGS = probsLogitsSignature('Geometric');
const CATEGORICAL_ARGS = probsLogitsSignature('Categorical');
const ONE_HOT_ARGS = probsLogitsSignature('OneHotCategorical');

/** The (probs | logits) parameterisation of the binary families: both kept, `given` is what the user passed. */
abstract class Binary extends Distribution {
  /** The probability of a success (the distribution's own tensor). */
  declare readonly probs: Tensor;
  /** The log-odds log(p / (1 - p)). */
  declare readonly logits: Tensor;
  get argConstraints(): Readonly<Record<string, Constraint>> { return BINARY_CONSTRAINTS; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['probs', 0], ['logits', 0]]; }
  /** @internal */ _like(): Tensor { return this.probs; }
  /** @internal Reads (probs | logits) and sets both; returns what was given, by name. */
  _setBinary(name: string, probs: Tensor | number | undefined, logits: Tensor | number | undefined): Record<string, Tensor> {
    if ((probs === undefined) === (logits === undefined)) throw ONE_OF(name);
    if (probs !== undefined) {
      const [p] = take(this, name, ['probs'], [probs]);
      const l = this._own(scopeSync(() => binaryLogits(p)));
      Object.assign(this, { probs: p, logits: l });
      return { probs: p };
    }
    const [l] = take(this, name, ['logits'], [logits as Tensor | number]);
    const p = this._own(sigmoid(l));
    Object.assign(this, { probs: p, logits: l });
    return { logits: l };
  }
}

/**
 * 0/1 draws with probability `probs` of a 1 (or log-odds `logits`), as
 * `torch.distributions.Bernoulli(probs=None, logits=None)`.
 * ```ts
 * const d = new fl.distributions.Bernoulli(fl.tensor([0.3, 0.9]));
 * const d2 = new fl.distributions.Bernoulli(undefined, logits);   // or { logits }
 * ```
 */
export class Bernoulli extends Binary {
  constructor(probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('Bernoulli');
    const o = BERNOULLI_ARGS.parse(args);
    const given = this._setBinary('Bernoulli', o.probs, o.logits);
    init(this, this.probs.shape, [], o.validateArgs, given);
  }
  get support(): Constraint { return C.boolean; }
  get hasEnumerateSupport(): boolean { return true; }
  /** @internal */ _mean(): Tensor { return mul(this.probs, 1); }
  /** @internal */ _mode(): Tensor { return where(eq(this.probs, 0.5), NaN, to(ge(this.probs, 0.5), this.probs.dtype)); }
  /** @internal */ _variance(): Tensor { return mul(this.probs, sub(1, this.probs)); }
  /** @internal */ _sample(shape: number[]): Tensor { return bernoulli(expand(this.probs, shape)); }
  /** @internal */ _logProb(v: Tensor): Tensor { return neg(bceWithLogits(this.logits, v)); }
  /** @internal */ _entropy(): Tensor { return bceWithLogits(this.logits, this.probs); }
  /** @internal */ _enumerate(expandIt: boolean): Tensor {
    const values = view(arange(2, like(this.probs)), [-1, ...this._batchShape.map(() => 1)]);
    return expandIt ? expand(values, [2, ...this._batchShape]) : values;
  }
}

/**
 * The number of failures before the first success of Bernoulli(probs) trials, as
 * `torch.distributions.Geometric(probs=None, logits=None)`.
 * ```ts
 * const d = new fl.distributions.Geometric(0.25);
 * ```
 */
export class Geometric extends Binary {
  constructor(probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('Geometric');
    const o = GEOMETRIC_ARGS.parse(args);
    const given = this._setBinary('Geometric', o.probs, o.logits);
    init(this, this.probs.shape, [], o.validateArgs, given);
    if (this._validate && o.probs !== undefined && scopeSync(() => any(logicalNot(gt(this.probs, 0))).item())) {
      this.dispose();
      throw new ValueError(`Geometric: expected parameter probs (Tensor of shape ${fmt(this.probs.shape)}) to be positive but found invalid values`);
    }
  }
  get support(): Constraint { return C.nonnegativeInteger; }
  /** @internal */ _mean(): Tensor { return sub(div(1, this.probs), 1); }
  /** @internal */ _mode(): Tensor { return zerosLike(this.probs); }
  /** @internal */ _variance(): Tensor { return div(sub(div(1, this.probs), 1), this.probs); }
  /** @internal */ _sample(shape: number[]): Tensor {
    const u = clampMin(rand(shape, like(this.probs)), finfo(this.probs.dtype).tiny);
    return floor(div(log(u), log1p(neg(this.probs))));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const p = this.probs;
    const pm = where(logicalAnd(eq(p, 1), eq(v, 0)), 0, p);
    return add(mul(v, log1p(neg(pm))), log(p));
  }
  /** @internal */ _entropy(): Tensor { return div(bceWithLogits(this.logits, this.probs), this.probs); }
}

const CATEGORICAL_CONSTRAINTS = Object.freeze({ probs: C.simplex, logits: C.independent(C.real, 1) });
/** The (probs | logits) parameterisation over the last dim: probs normalised, logits log-normalised. */
abstract class CategoricalBase extends Distribution {
  /** The normalised probabilities of the categories (last dim). */
  declare readonly probs: Tensor;
  /** The normalised log-probabilities (logits - logsumexp(logits)); log of clamped probs when probs were given. */
  declare readonly logits: Tensor;
  get argConstraints(): Readonly<Record<string, Constraint>> { return CATEGORICAL_CONSTRAINTS; }
  /** The number of categories (the last dim of probs). */
  get numEvents(): number { return this.probs.shape[this.probs.ndim - 1]; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['probs', 1], ['logits', 1]]; }
  /** @internal */ _like(): Tensor { return this.probs; }
  /** @internal */
  _setCategorical(name: string, probs: Tensor | number | undefined, logits: Tensor | number | undefined): Record<string, Tensor> {
    if ((probs === undefined) === (logits === undefined)) throw ONE_OF(name);
    if (probs !== undefined) {
      const [p0] = scopeSync(() => take(this, name, ['probs'], [probs], [1]));
      const p = this._own(scopeSync(() => div(p0, sum(p0, -1, true))));
      const eps = finfo(p.dtype).eps;
      const l = this._own(scopeSync(() => log(clamp(p, eps, 1 - eps))));
      Object.assign(this, { probs: p, logits: l });
      return { probs: p };
    }
    const [l0] = take(this, name, ['logits'], [logits as Tensor | number], [1]);
    const l = this._own(scopeSync(() => sub(l0, logsumexp(l0, -1, true))));
    const p = this._own(softmax(l, -1));
    Object.assign(this, { probs: p, logits: l });
    return { logits: l };
  }
  /** @internal Category indices of shape `shape` (int32). */
  _indices(shape: readonly number[]): Tensor {
    const K = this.numEvents;
    const n = shape.length - this._batchShape.length;
    const draws = shape.slice(0, n).reduce((a, b) => a * b, 1);
    const rows = this._batchShape.reduce((a, b) => a * b, 1);
    if (draws === 0 || rows === 0) return zeros(shape, { dtype: 'int32', device: this.probs.device });
    const p2 = reshape(this.probs, [rows, K]);
    return reshape(transpose(multinomial(p2, draws, true), 0, 1), shape);
  }
  /** @internal log p[value] for int indices `v` (broadcast with the batch). */
  _logPmf(v: Tensor): Tensor {
    const idx = unsqueeze(asIndex(v), -1);
    const K = this.numEvents;
    const b = broadcastLead(idx.shape.slice(0, -1), this.logits.shape.slice(0, -1));
    return squeeze(gather(expand(this.logits, [...b, K]), -1, expand(idx, [...b, 1])), -1);
  }
  /** @internal */ _entropy(): Tensor {
    const l = clampMin(this.logits, finfo(this.logits.dtype).min);
    return neg(sum(mul(l, this.probs), -1));
  }
}
function broadcastLead(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ValueError(`Categorical.logProb: value of batch shape ${fmt(a)} does not broadcast with the batch shape ${fmt(b)}`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * A draw of one of K categories (the last dim of `probs`, or of `logits`), as
 * `torch.distributions.Categorical(probs=None, logits=None)`: probs need not sum to 1 (they are
 * normalised); samples are int32 category indices.
 * ```ts
 * const pi = new fl.distributions.Categorical(undefined, logits);   // or ({ logits })
 * const a = pi.sample();
 * const loss = pi.logProb(a).mul(advantage).mean().neg();
 * ```
 */
export class Categorical extends CategoricalBase {
  constructor(probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('Categorical');
    const o = CATEGORICAL_ARGS.parse(args);
    const given = this._setCategorical('Categorical', o.probs, o.logits);
    init(this, this.probs.shape.slice(0, -1), [], o.validateArgs, given);
  }
  get support(): Constraint { return C.integerInterval(0, this.numEvents - 1); }
  get hasEnumerateSupport(): boolean { return true; }
  /** @internal */ _mean(): Tensor { return full(this._batchShape, NaN, like(this.probs)); }
  /** @internal */ _mode(): Tensor { return argmax(this.probs, -1); }
  /** @internal */ _variance(): Tensor { return full(this._batchShape, NaN, like(this.probs)); }
  /** @internal */ _sample(shape: number[]): Tensor { return this._indices(shape); }
  /** @internal */ _logProb(v: Tensor): Tensor { return this._logPmf(v); }
  /** @internal */ _enumerate(expandIt: boolean): Tensor {
    const K = this.numEvents;
    const values = view(arange(K, { dtype: 'int32', device: this.probs.device }), [-1, ...this._batchShape.map(() => 1)]);
    return expandIt ? expand(values, [K, ...this._batchShape]) : values;
  }
}

/** One-hot rows of `idx` (int32) over K classes, in dtype of `ref`. */
function oneHotOf(idx: Tensor, K: number, ref: Tensor): Tensor {
  return to(eq(unsqueeze(idx, -1), arange(K, { dtype: 'int32', device: ref.device })), ref.dtype);
}

/**
 * Categorical draws as one-hot vectors (event shape [K]), as
 * `torch.distributions.OneHotCategorical(probs=None, logits=None)`.
 * ```ts
 * const d = new fl.distributions.OneHotCategorical(fl.tensor([0.2, 0.3, 0.5]));
 * d.sample();   // e.g. [0, 0, 1]
 * ```
 */
export class OneHotCategorical extends CategoricalBase {
  constructor(probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(options: { probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('OneHotCategorical');
    const o = ONE_HOT_ARGS.parse(args);
    const given = this._setCategorical('OneHotCategorical', o.probs, o.logits);
    const s = this.probs.shape;
    init(this, s.slice(0, -1), s.slice(-1), o.validateArgs, given);
  }
  get support(): Constraint { return C.oneHot; }
  get hasEnumerateSupport(): boolean { return true; }
  /** @internal */ _mean(): Tensor { return mul(this.probs, 1); }
  /** @internal */ _mode(): Tensor { return oneHotOf(argmax(this.probs, -1), this.numEvents, this.probs); }
  /** @internal */ _variance(): Tensor { return mul(this.probs, sub(1, this.probs)); }
  /** @internal */ _sample(shape: number[]): Tensor { return oneHotOf(this._indices(shape.slice(0, -1)), this.numEvents, this.probs); }
  /** @internal */ _logProb(v: Tensor): Tensor { return this._logPmf(argmax(v, -1)); }
  /** @internal */ _enumerate(expandIt: boolean): Tensor {
    const K = this.numEvents;
    const eye = oneHotOf(arange(K, { dtype: 'int32', device: this.probs.device }), K, this.probs);
    const values = view(eye, [K, ...this._batchShape.map(() => 1), K]);
    return expandIt ? expand(values, [K, ...this._batchShape, K]) : values;
  }
}

const BINOMIAL_ARGS = signature('Binomial', ['totalCount', 'probs', 'logits', 'validateArgs'], {
  totalCount: optional(tensorOrNumber, 1), probs: optional(tensorOrNumber), logits: optional(tensorOrNumber), validateArgs: optional(maybeBool),
});
const BINOMIAL_CONSTRAINTS = Object.freeze({ totalCount: C.nonnegativeInteger, probs: C.unitInterval, logits: C.real });
/**
 * The number of successes in `totalCount` Bernoulli(probs) trials, as
 * `torch.distributions.Binomial(total_count=1, probs=None, logits=None)`; totalCount (a number or a
 * tensor) broadcasts with probs (or logits). Sampling is torch's `torch.binomial(totalCount, probs)`
 * (fl.binomial: exact, its cost independent of the count).
 * ```ts
 * const d = new fl.distributions.Binomial(10, fl.tensor([0.1, 0.5]));
 * ```
 */
export class Binomial extends Distribution {
  /** The number of trials (a floating tensor of whole numbers, batchShape). */
  declare readonly totalCount: Tensor;
  /** The probability of a success. */
  declare readonly probs: Tensor;
  /** The log-odds. */
  declare readonly logits: Tensor;
  constructor(totalCount?: Tensor | number, probs?: Tensor | number, logits?: Tensor | number, options?: DistributionOptions);
  constructor(options: { totalCount?: Tensor | number; probs?: Tensor | number; logits?: Tensor | number } & DistributionOptions);
  constructor(...args: unknown[]) {
    super('Binomial');
    const o = BINOMIAL_ARGS.parse(args);
    if ((o.probs === undefined) === (o.logits === undefined)) throw ONE_OF('Binomial');
    const tcIn = o.totalCount instanceof Tensor && o.totalCount.dtype !== 'float64' && o.totalCount.dtype !== 'float32' && o.totalCount.dtype !== 'float16' && o.totalCount.dtype !== 'bfloat16'
      ? this._own(to(o.totalCount, o.probs instanceof Tensor ? o.probs.dtype : o.logits instanceof Tensor ? o.logits.dtype : 'float32'))
      : o.totalCount;
    const given: Record<string, Tensor> = {};
    if (o.probs !== undefined) {
      const [p, n] = take(this, 'Binomial', ['probs', 'totalCount'], [o.probs, tcIn]);
      Object.assign(this, { probs: p, totalCount: n, logits: this._own(scopeSync(() => binaryLogits(p))) });
      given.probs = p;
    } else {
      const [l, n] = take(this, 'Binomial', ['logits', 'totalCount'], [o.logits as Tensor | number, tcIn]);
      Object.assign(this, { logits: l, totalCount: n, probs: this._own(sigmoid(l)) });
      given.logits = l;
    }
    given.totalCount = this.totalCount;
    init(this, this.probs.shape, [], o.validateArgs, given);
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return BINOMIAL_CONSTRAINTS; }
  get support(): Constraint { return C.tensorInterval('IntegerInterval(lower_bound=0, upper_bound=totalCount)', 0, this.totalCount, true); }
  get hasEnumerateSupport(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['totalCount', 0], ['probs', 0], ['logits', 0]]; }
  /** @internal */ _like(): Tensor { return this.probs; }
  /** @internal */ _mean(): Tensor { return mul(this.totalCount, this.probs); }
  /** @internal */ _mode(): Tensor { return clamp(floor(mul(add(this.totalCount, 1), this.probs)), null, this.totalCount); }
  /** @internal */ _variance(): Tensor { return mul(mul(this.totalCount, this.probs), sub(1, this.probs)); }
  /** @internal torch's: binomial(totalCount.expand(shape), probs.expand(shape)) */
  _sample(shape: number[]): Tensor { return binomial(expand(this.totalCount, shape), expand(this.probs, shape)); }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const n = this.totalCount, l = this.logits;
    const lfn = lgamma(add(n, 1)), lfk = lgamma(add(v, 1)), lfnk = lgamma(add(sub(n, v), 1));
    const clampByZero = div(sub(add(clampMin(l, 0), l), clamp(l, null, 0)), 2);
    const normalize = sub(add(mul(n, clampByZero), mul(n, log1p(exp(neg(abs(l)))))), lfn);
    return sub(sub(sub(mul(v, l), lfk), lfnk), normalize);
  }
  /** @internal */ _homogeneous(what: string): number {
    if (this.totalCount.numel === 0) throw new ValueError(`Binomial.${what}: totalCount is empty (its maximum sets the support; torch's max() refuses too)`);
    const N = hostMax(this.totalCount);
    if (hostMin(this.totalCount) !== N) throw new NotImplementedError(`Binomial.${what}: an inhomogeneous totalCount is not supported (as torch)`);
    return N;
  }
  /** @internal */ _enumerate(expandIt: boolean): Tensor {
    const N = this._homogeneous('enumerateSupport');
    const values = view(arange(N + 1, like(this.probs)), [-1, ...this._batchShape.map(() => 1)]);
    return expandIt ? expand(values, [N + 1, ...this._batchShape]) : values;
  }
  /** @internal */ _entropy(): Tensor {
    this._homogeneous('entropy');
    const lp = this._logProb(this._enumerate(false));
    return neg(sum(mul(exp(lp), lp), 0));
  }
}

const POISSON_ARGS = signature('Poisson', ['rate', 'validateArgs'], { rate: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const POISSON_CONSTRAINTS = Object.freeze({ rate: C.nonnegative });
/**
 * The number of events of a Poisson process with the given rate, as `torch.distributions.Poisson(rate)`.
 * Sampling is torch's `torch.poisson(rate)` (fl.poisson: exact; inversion for rates below 10,
 * Hörmann's PTRS rejection above).
 * ```ts
 * const d = new fl.distributions.Poisson(fl.tensor([0.5, 4, 100]));
 * ```
 */
export class Poisson extends Distribution {
  /** The rate λ (≥ 0), the mean and the variance. */
  declare readonly rate: Tensor;
  constructor(rate: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('Poisson');
    const o = POISSON_ARGS.parse(args);
    const [rate] = take(this, 'Poisson', ['rate'], [o.rate]);
    Object.assign(this, { rate });
    init(this, rate.shape, [], o.validateArgs, { rate });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return POISSON_CONSTRAINTS; }
  get support(): Constraint { return C.nonnegativeInteger; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['rate', 0]]; }
  /** @internal */ _like(): Tensor { return this.rate; }
  /** @internal */ _mean(): Tensor { return mul(this.rate, 1); }
  /** @internal */ _mode(): Tensor { return floor(this.rate); }
  /** @internal */ _variance(): Tensor { return mul(this.rate, 1); }
  /** @internal */ _logProb(v: Tensor): Tensor { return sub(sub(xlogy(v, this.rate), this.rate), lgamma(add(v, 1))); }
  /** @internal torch's: poisson(rate.expand(shape)) */
  _sample(shape: number[]): Tensor { return poisson(expand(this.rate, shape)); }
}

/** @internal kept for the KL of Geometric (the entropy) */
export { bceWithLogits };
