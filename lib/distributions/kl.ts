// kl.ts — torch.distributions.kl: klDivergence(p, q) by a registry of closed forms keyed by the
// pair of classes, and registerKl to add one. The formulas are torch 1.13's (_kl_normal_normal, …).
// Dispatch follows torch's: among the registered pairs (P, Q) with p instanceof P and q instanceof Q,
// the most specific P wins, then the most specific Q; no match is a NotImplementedError.
import { Tensor, scopeSync } from '../tensor';
import { describeArg, tooManyArgs } from '../arity';
import { ValueError } from '../errors';
import { fmt } from '../shape';
import {
  abs, add, div, eq, exp, expand, log, log1p, logicalOr, gt, lt, mul, neg, softplus, square, sub, sum, unsqueeze, where, any,
  linalg,
} from '../ops';
import { Distribution, NotImplementedError, sumRightmost } from './distribution';
import { Cauchy, Exponential, Gumbel, HalfNormal, Laplace, LogNormal, Normal, Uniform } from './continuous';
import { Bernoulli, Binomial, Categorical, Geometric, OneHotCategorical, Poisson } from './discrete';
import { Beta, Dirichlet, Gamma } from './gamma';
import { Independent, MultivariateNormal, halfLogDet, mahalanobis } from './multivariate';
import { lgamma, digamma } from './special';

/** A distribution class (its constructor), as registerKl takes it. */
export type DistributionClass<D extends Distribution = Distribution> = abstract new (...args: never[]) => D;
/** A closed form of KL(p ‖ q). */
export type KlFn<P extends Distribution = Distribution, Q extends Distribution = Distribution> = (p: P, q: Q) => Tensor;

const REGISTRY = new Map<DistributionClass, Map<DistributionClass, KlFn>>();

/**
 * Registers the closed form of KL(p ‖ q) for p of class `P` and q of class `Q` (or of their
 * subclasses), as `torch.distributions.kl.register_kl(P, Q)`: the function gets the two
 * distributions and returns a tensor of their broadcast batch shape.
 * ```ts
 * fl.distributions.registerKl(MyDist, fl.distributions.Normal, (p, q) => …);
 * ```
 */
export function registerKl<P extends Distribution, Q extends Distribution>(P: DistributionClass<P>, Q: DistributionClass<Q>, fn: KlFn<P, Q>): void {
  if (arguments.length > 3) tooManyArgs('registerKl', 'P, Q, fn', arguments);
  const isClass = (c: unknown): boolean => typeof c === 'function' && (c === Distribution || (c as { prototype?: unknown }).prototype instanceof Distribution);
  if (!isClass(P)) throw new ValueError(`registerKl: P must be a Distribution class, got ${describeArg(P)}`);
  if (!isClass(Q)) throw new ValueError(`registerKl: Q must be a Distribution class, got ${describeArg(Q)}`);
  if (typeof fn !== 'function') throw new ValueError(`registerKl: fn must be a function, got ${describeArg(fn)}`);
  let row = REGISTRY.get(P);
  if (!row) REGISTRY.set(P, row = new Map());
  row.set(Q, fn as unknown as KlFn);
}

/** The depth of `cls` in the prototype chain of `obj` (0: its own class), or -1. */
function depth(obj: object, cls: DistributionClass): number {
  let p = Object.getPrototypeOf(obj), d = 0;
  while (p !== null) {
    if (p === cls.prototype) return d;
    p = Object.getPrototypeOf(p);
    d++;
  }
  return -1;
}

/**
 * KL(p ‖ q), the Kullback-Leibler divergence of q from p, per batch element, as
 * `torch.distributions.kl.kl_divergence(p, q)`; NotImplementedError for a pair with no registered form.
 * ```ts
 * const kl = fl.distributions.klDivergence(posterior, prior).sum();   // a VAE's KL term
 * ```
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  if (arguments.length > 2) tooManyArgs('klDivergence', 'p, q', arguments);
  if (!(p instanceof Distribution)) throw new ValueError(`klDivergence: p must be a Distribution, got ${describeArg(p)}`);
  if (!(q instanceof Distribution)) throw new ValueError(`klDivergence: q must be a Distribution, got ${describeArg(q)}`);
  let best: KlFn | null = null, bp = Infinity, bq = Infinity;
  for (const [P, row] of REGISTRY) {
    const dp = depth(p, P);
    if (dp < 0) continue;
    for (const [Q, fn] of row) {
      const dq = depth(q, Q);
      if (dq < 0) continue;
      if (dp < bp || (dp === bp && dq < bq)) { best = fn; bp = dp; bq = dq; }
    }
  }
  if (best === null) throw new NotImplementedError(`klDivergence: no KL divergence is registered for the pair (${p._name}, ${q._name})`);
  const fn = best;
  return scopeSync(() => fn(p, q));
}

const EULER_GAMMA = 0.5772156649015329;
const inf = Infinity;

registerKl(Normal, Normal, (p, q) => {
  const varRatio = square(div(p.scale, q.scale));
  const t1 = square(div(sub(p.loc, q.loc), q.scale));
  return mul(sub(sub(add(varRatio, t1), 1), log(varRatio)), 0.5);
});
registerKl(LogNormal, LogNormal, (p, q) => {
  const varRatio = square(div(p.scale, q.scale));
  const t1 = square(div(sub(p.loc, q.loc), q.scale));
  return mul(sub(sub(add(varRatio, t1), 1), log(varRatio)), 0.5);
});
registerKl(HalfNormal, HalfNormal, (p, q) => {
  const varRatio = square(div(p.scale, q.scale));
  return mul(sub(sub(varRatio, 1), log(varRatio)), 0.5);
});
registerKl(Bernoulli, Bernoulli, (p, q) => {
  let t1 = mul(p.probs, sub(softplus(neg(q.logits)), softplus(neg(p.logits))));
  t1 = where(eq(p.probs, 0), 0, where(eq(q.probs, 0), inf, t1));
  let t2 = mul(sub(1, p.probs), sub(softplus(q.logits), softplus(p.logits)));
  t2 = where(eq(p.probs, 1), 0, where(eq(q.probs, 1), inf, t2));
  return add(t1, t2);
});
registerKl(Binomial, Binomial, (p, q) => {
  if (any(lt(p.totalCount, q.totalCount)).item()) throw new NotImplementedError('klDivergence: KL between Binomials where q.totalCount > p.totalCount is not implemented (as torch)');
  const kl = mul(p.totalCount, add(sub(mul(p.probs, sub(p.logits, q.logits)), log1p(neg(q.probs))), log1p(neg(p.probs))));
  return where(gt(p.totalCount, q.totalCount), inf, kl);
});
function klCategorical(p: Categorical | OneHotCategorical, q: Categorical | OneHotCategorical): Tensor {
  let t = mul(p.probs, sub(p.logits, q.logits));
  t = where(eq(p.probs, 0), 0, where(eq(q.probs, 0), inf, t));
  return sum(t, -1);
}
registerKl(Categorical, Categorical, klCategorical);
registerKl(OneHotCategorical, OneHotCategorical, klCategorical);
registerKl(Uniform, Uniform, (p, q) => {
  const r = log(div(sub(q.high, q.low), sub(p.high, p.low)));
  return where(logicalOr(gt(q.low, p.low), lt(q.high, p.high)), inf, r);
});
registerKl(Exponential, Exponential, (p, q) => {
  const ratio = div(q.rate, p.rate);
  return sub(add(neg(log(ratio)), ratio), 1);
});
registerKl(Laplace, Laplace, (p, q) => {
  const scaleRatio = div(p.scale, q.scale);
  const locAbsDiff = abs(sub(p.loc, q.loc));
  const t1 = neg(log(scaleRatio)), t2 = div(locAbsDiff, q.scale), t3 = mul(scaleRatio, exp(neg(div(locAbsDiff, p.scale))));
  return sub(add(add(t1, t2), t3), 1);
});
registerKl(Cauchy, Cauchy, (p, q) => {
  const t1 = log(add(square(add(p.scale, q.scale)), square(sub(p.loc, q.loc))));
  const t2 = log(mul(mul(p.scale, q.scale), 4));
  return sub(t1, t2);
});
registerKl(Gumbel, Gumbel, (p, q) => {
  const ct1 = div(p.scale, q.scale), ct2 = div(q.loc, q.scale), ct3 = div(p.loc, q.scale);
  const t1 = add(sub(neg(log(ct1)), ct2), ct3);
  const t2 = mul(ct1, EULER_GAMMA);
  const t3 = exp(sub(add(ct2, lgamma(add(ct1, 1))), ct3));
  return sub(add(add(t1, t2), t3), 1 + EULER_GAMMA);
});
registerKl(Gamma, Gamma, (p, q) => {
  const t1 = mul(q.concentration, log(div(p.rate, q.rate)));
  const t2 = sub(lgamma(q.concentration), lgamma(p.concentration));
  const t3 = mul(sub(p.concentration, q.concentration), digamma(p.concentration));
  const t4 = mul(sub(q.rate, p.rate), div(p.concentration, p.rate));
  return add(add(add(t1, t2), t3), t4);
});
registerKl(Beta, Beta, (p, q) => {
  const sp = add(p.concentration1, p.concentration0), sq = add(q.concentration1, q.concentration0);
  const t1 = add(add(lgamma(q.concentration1), lgamma(q.concentration0)), lgamma(sp));
  const t2 = add(add(lgamma(p.concentration1), lgamma(p.concentration0)), lgamma(sq));
  const t3 = mul(sub(p.concentration1, q.concentration1), digamma(p.concentration1));
  const t4 = mul(sub(p.concentration0, q.concentration0), digamma(p.concentration0));
  const t5 = mul(sub(sq, sp), digamma(sp));
  return add(add(add(sub(t1, t2), t3), t4), t5);
});
registerKl(Dirichlet, Dirichlet, (p, q) => {
  const sp = sum(p.concentration, -1), sq = sum(q.concentration, -1);
  const t1 = sub(lgamma(sp), lgamma(sq));
  const t2 = sum(sub(lgamma(p.concentration), lgamma(q.concentration)), -1);
  const t3 = sub(p.concentration, q.concentration);
  const t4 = sub(digamma(p.concentration), unsqueeze(digamma(sp), -1));
  return add(sub(t1, t2), sum(mul(t3, t4), -1));
});
registerKl(Poisson, Poisson, (p, q) => sub(mul(p.rate, sub(log(p.rate), log(q.rate))), sub(p.rate, q.rate)));
registerKl(Geometric, Geometric, (p, q) => sub(sub(neg(p._entropy()), div(log1p(neg(q.probs)), p.probs)), q.logits));
registerKl(MultivariateNormal, MultivariateNormal, (p, q) => {
  if (fmt(p.eventShape) !== fmt(q.eventShape)) {
    throw new ValueError(`klDivergence: KL-divergence between two MultivariateNormals with different event shapes (${fmt(p.eventShape)} and ${fmt(q.eventShape)}) cannot be computed`);
  }
  const Lp = p._unbroadcastedScaleTril, Lq = q._unbroadcastedScaleTril;
  const half1 = sub(halfLogDet(Lq), halfLogDet(Lp));
  const n = p.eventShape[0];
  const batch = broadcast(Lq.shape.slice(0, -2), Lp.shape.slice(0, -2));
  const X = linalg.solveTriangular(expand(Lq, [...batch, n, n]).contiguous(), expand(Lp, [...batch, n, n]).contiguous(), { upper: false });
  const term2 = sum(square(X), [-2, -1]);
  const term3 = mahalanobis(Lq, sub(q.loc, p.loc));
  return add(half1, mul(sub(add(term2, term3), n), 0.5));
});
registerKl(Independent, Independent, (p, q) => {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) throw new NotImplementedError('klDivergence: Independents with different reinterpretedBatchNdims are not supported (as torch)');
  return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims);
});

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    out.push(x === 1 ? y : x);
  }
  return out;
}
