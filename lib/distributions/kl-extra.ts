// kl-extra.ts — the KL forms of torch 1.13's torch.distributions.kl for the families of
// transformed.ts and extra.ts and for the pairs of different families (Beta ‖ Normal, Exponential ‖
// Gamma, Uniform ‖ Pareto, …), transcribed from torch's code: where torch returns inf (a support
// of p not inside q's) this does too. TransformedDistribution ‖ TransformedDistribution is the KL of
// the bases when the transforms and event shapes agree (NotImplementedError otherwise, as torch).
import { Tensor } from '../tensor';
import {
  add, digamma, div, erf, exp, fullLike, gt, le, lgamma, log, log1p, logicalOr, lt, ge, mul, neg, pow, reciprocal, square, sub, where,
  xlogy,
} from '../ops';
import { fmt } from '../shape';
import { Distribution, NotImplementedError } from './distribution';
import { klDivergence, registerKl } from './kl';
import type { DistributionClass, KlFn } from './kl';
import { Exponential, Gumbel, Laplace, Normal, Uniform } from './continuous';
import { Bernoulli, Binomial, Poisson } from './discrete';
import { Beta, Gamma } from './gamma';
import { Pareto, TransformedDistribution } from './transformed';
import { ContinuousBernoulli } from './extra';

const EULER_GAMMA = 0.5772156649015329;
const inf = Infinity;
/** torch's _infinite_like */
const infLike = (t: Tensor): Tensor => fullLike(t, inf);
/** torch's _x_log_x */
const xLogX = (t: Tensor): Tensor => xlogy(t, t);
const reg = <P extends Distribution, Q extends Distribution>(P: DistributionClass<P>, Qs: DistributionClass<Q>[], fn: KlFn<P, Q>): void => {
  for (const Q of Qs) registerKl(P, Q, fn);
};

registerKl(Pareto, Pareto, (p, q) => {
  const scaleRatio = div(p.scale, q.scale), alphaRatio = div(q.alpha, p.alpha);
  const r = sub(add(sub(mul(q.alpha, log(scaleRatio)), log(alphaRatio)), alphaRatio), 1);
  return where(lt(p.scale, q.scale), inf, r);
});
registerKl(ContinuousBernoulli, ContinuousBernoulli, (p, q) => {
  const t1 = mul(p._mean(), sub(p.logits, q.logits));
  const t2 = add(p._logNorm(), log1p(neg(p.probs)));
  const t3 = neg(add(q._logNorm(), log1p(neg(q.probs))));
  return add(add(t1, t2), t3);
});
registerKl(TransformedDistribution, TransformedDistribution, (p, q) => {
  const same = p.transforms.length === q.transforms.length && p.transforms.every((t, i) => t.equals(q.transforms[i]));
  if (!same) throw new NotImplementedError(`klDivergence: no KL divergence for TransformedDistributions (${p._name}, ${q._name}) with different transforms (as torch)`);
  if (fmt(p.eventShape) !== fmt(q.eventShape)) throw new NotImplementedError(`klDivergence: no KL divergence for TransformedDistributions of different event shapes (${fmt(p.eventShape)} and ${fmt(q.eventShape)})`);
  return klDivergence(p.baseDist, q.baseDist);
});

// ---- different families
registerKl(Bernoulli, Poisson, (p, q) => sub(neg(p._entropy()), sub(mul(p.probs, log(q.rate)), q.rate)));
registerKl(Beta, ContinuousBernoulli, (p, q) => sub(sub(sub(neg(p._entropy()), mul(p._mean(), q.logits)), log1p(neg(q.probs))), q._logNorm()));
registerKl(Beta, Pareto, (p) => infLike(p.concentration1));
registerKl(Beta, Exponential, (p, q) => add(sub(neg(p._entropy()), log(q.rate)), mul(q.rate, div(p.concentration1, add(p.concentration1, p.concentration0)))));
registerKl(Beta, Gamma, (p, q) => {
  const t1 = neg(p._entropy());
  const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
  const t3 = mul(sub(q.concentration, 1), sub(digamma(p.concentration1), digamma(add(p.concentration1, p.concentration0))));
  const t4 = div(mul(q.rate, p.concentration1), add(p.concentration1, p.concentration0));
  return add(sub(add(t1, t2), t3), t4);
});
registerKl(Beta, Normal, (p, q) => {
  const s = add(p.concentration1, p.concentration0);
  const E = div(p.concentration1, s);
  const varN = square(q.scale);
  const t1 = neg(p._entropy());
  const t2 = mul(log(mul(varN, 2 * Math.PI)), 0.5);
  const t3 = mul(add(div(mul(E, sub(1, E)), add(s, 1)), square(E)), 0.5);
  const t4 = mul(q.loc, E);
  const t5 = mul(square(q.loc), 0.5);
  return add(add(t1, t2), div(add(sub(t3, t4), t5), varN));
});
registerKl(Beta, Uniform, (p, q) => {
  const r = add(neg(p._entropy()), log(sub(q.high, q.low)));
  return where(logicalOr(gt(q.low, 0), lt(q.high, 1)), inf, r);
});
registerKl(ContinuousBernoulli, Pareto, (p) => infLike(p.probs));
registerKl(ContinuousBernoulli, Exponential, (p, q) => add(sub(neg(p._entropy()), log(q.rate)), mul(q.rate, p._mean())));
registerKl(ContinuousBernoulli, Normal, (p, q) => {
  const t1 = neg(p._entropy());
  const t2 = add(mul(add(square(div(q.loc, q.scale)), Math.log(2 * Math.PI)), 0.5), log(q.scale));
  const m = p._mean();
  const t3 = div(sub(add(p._variance(), square(m)), mul(mul(q.loc, 2), m)), mul(square(q.scale), 2));
  return add(add(t1, t2), t3);
});
registerKl(ContinuousBernoulli, Uniform, (p, q) => {
  const r = add(neg(p._entropy()), log(sub(q.high, q.low)));
  // torch's condition (max of ge/le, as written in torch 1.13)
  return where(logicalOr(ge(q.low, 0), le(q.high, 1)), inf, r);
});
reg(Exponential, [Beta, ContinuousBernoulli, Pareto, Uniform] as DistributionClass[], (p: Exponential) => infLike(p.rate));
registerKl(Exponential, Gamma, (p, q) => {
  const ratio = div(q.rate, p.rate);
  const t1 = mul(neg(q.concentration), log(ratio));
  return sub(add(add(add(t1, ratio), lgamma(q.concentration)), mul(q.concentration, EULER_GAMMA)), 1 + EULER_GAMMA);
});
registerKl(Exponential, Gumbel, (p, q) => {
  const srp = mul(p.rate, q.scale), lsr = div(q.loc, q.scale);
  const t1 = sub(log(srp), 1);
  const t2 = div(mul(exp(lsr), srp), add(srp, 1));
  const t3 = reciprocal(srp);
  return add(add(sub(t1, lsr), t2), t3);
});
registerKl(Exponential, Normal, (p, q) => {
  const varN = square(q.scale), r2 = square(p.rate);
  const t1 = mul(log(mul(mul(r2, varN), 2 * Math.PI)), 0.5);
  const t2 = reciprocal(r2), t3 = div(q.loc, p.rate), t4 = mul(square(q.loc), 0.5);
  return add(sub(t1, 1), div(add(sub(t2, t3), t4), varN));
});
reg(Gamma, [Beta, ContinuousBernoulli, Pareto, Uniform] as DistributionClass[], (p: Gamma) => infLike(p.concentration));
registerKl(Gamma, Exponential, (p, q) => add(sub(neg(p._entropy()), log(q.rate)), div(mul(q.rate, p.concentration), p.rate)));
registerKl(Gamma, Gumbel, (p, q) => {
  const bsp = mul(p.rate, q.scale), lsr = div(q.loc, q.scale);
  const c = p.concentration;
  const t1 = sub(sub(mul(sub(c, 1), digamma(c)), lgamma(c)), c);
  const t2 = add(log(bsp), div(c, bsp));
  const t3 = sub(mul(exp(lsr), pow(add(reciprocal(bsp), 1), neg(c))), lsr);
  return add(add(t1, t2), t3);
});
registerKl(Gamma, Normal, (p, q) => {
  const varN = square(q.scale), b2 = square(p.rate), c = p.concentration;
  const t1 = sub(sub(mul(log(mul(mul(b2, varN), 2 * Math.PI)), 0.5), c), lgamma(c));
  const t2 = div(mul(add(square(c), c), 0.5), b2);
  const t3 = div(mul(q.loc, c), p.rate);
  const t4 = mul(square(q.loc), 0.5);
  return add(add(t1, mul(sub(c, 1), digamma(c))), div(add(sub(t2, t3), t4), varN));
});
reg(Gumbel, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform] as DistributionClass[], (p: Gumbel) => infLike(p.loc));
registerKl(Gumbel, Normal, (p, q) => {
  const pr = div(p.scale, q.scale);
  const t1 = log(div(pr, Math.sqrt(2 * Math.PI)));
  const t2 = div(square(mul(pr, Math.PI * 0.5)), 3);
  const t3 = mul(square(div(sub(add(p.loc, mul(p.scale, EULER_GAMMA)), q.loc), q.scale)), 0.5);
  return sub(add(add(neg(t1), t2), t3), EULER_GAMMA + 1);
});
reg(Laplace, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform] as DistributionClass[], (p: Laplace) => infLike(p.loc));
registerKl(Laplace, Normal, (p, q) => {
  const varN = square(q.scale);
  const ssvr = div(square(p.scale), varN);
  const t1 = mul(log(div(mul(ssvr, 2), Math.PI)), 0.5);
  const t2 = mul(square(p.loc), 0.5), t3 = mul(p.loc, q.loc), t4 = mul(square(q.loc), 0.5);
  return sub(add(add(neg(t1), ssvr), div(add(sub(t2, t3), t4), varN)), 1);
});
reg(Normal, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform] as DistributionClass[], (p: Normal) => infLike(p.loc));
registerKl(Normal, Gumbel, (p, q) => {
  const msr = div(p.loc, q.scale), vssr = square(div(p.scale, q.scale)), lsr = div(q.loc, q.scale);
  const t1 = mul(log(vssr), 0.5);
  const t2 = sub(msr, lsr);
  const t3 = exp(add(add(neg(msr), mul(vssr, 0.5)), lsr));
  return sub(add(add(neg(t1), t2), t3), 0.5 * (1 + Math.log(2 * Math.PI)));
});
registerKl(Normal, Laplace, (p, q) => {
  const locDiff = sub(p.loc, q.loc);
  const scaleRatio = div(p.scale, q.scale);
  const ldsr = div(locDiff, p.scale);
  const t1 = log(scaleRatio);
  const t2 = mul(mul(p.scale, Math.sqrt(2 / Math.PI)), exp(mul(square(ldsr), -0.5)));
  const t3 = mul(locDiff, erf(mul(ldsr, Math.sqrt(0.5))));
  return sub(add(neg(t1), div(add(t2, t3), q.scale)), 0.5 * (1 + Math.log(0.5 * Math.PI)));
});
reg(Pareto, [Beta, ContinuousBernoulli, Uniform] as DistributionClass[], (p: Pareto) => infLike(p.scale));
registerKl(Pareto, Exponential, (p, q) => {
  const srp = mul(p.scale, q.rate);
  const t1 = log(div(p.alpha, srp)), t2 = reciprocal(p.alpha), t3 = div(mul(p.alpha, srp), sub(p.alpha, 1));
  return where(le(p.alpha, 1), inf, sub(add(sub(t1, t2), t3), 1));
});
registerKl(Pareto, Gamma, (p, q) => {
  const common = add(log(p.scale), reciprocal(p.alpha));
  const t1 = sub(log(p.alpha), common);
  const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
  const t3 = mul(sub(1, q.concentration), common);
  const t4 = div(mul(mul(q.rate, p.alpha), p.scale), sub(p.alpha, 1));
  return where(le(p.alpha, 1), inf, sub(add(add(add(t1, t2), t3), t4), 1));
});
registerKl(Pareto, Normal, (p, q) => {
  const varN = mul(square(q.scale), 2);
  const common = div(p.scale, sub(p.alpha, 1));
  const t1 = log(div(mul(mul(q.scale, Math.sqrt(2 * Math.PI)), p.alpha), p.scale));
  const t2 = reciprocal(p.alpha);
  const t3 = div(mul(p.alpha, square(common)), sub(p.alpha, 2));
  const t4 = square(sub(mul(p.alpha, common), q.loc));
  return where(le(p.alpha, 2), inf, sub(add(sub(t1, t2), div(add(t3, t4), varN)), 1));
});
reg(Poisson, [Bernoulli, Binomial] as DistributionClass[], (p: Poisson) => infLike(p.rate));
registerKl(Uniform, Beta, (p, q) => {
  const common = sub(p.high, p.low);
  const t1 = log(common);
  const t2 = div(mul(sub(q.concentration1, 1), sub(sub(xLogX(p.high), xLogX(p.low)), common)), common);
  const t3 = div(mul(sub(q.concentration0, 1), add(sub(xLogX(sub(1, p.high)), xLogX(sub(1, p.low))), common)), common);
  const t4 = sub(add(lgamma(q.concentration1), lgamma(q.concentration0)), lgamma(add(q.concentration1, q.concentration0)));
  const r = sub(sub(add(t3, t4), t1), t2);
  return where(logicalOr(gt(p.high, 1), lt(p.low, 0)), inf, r);
});
registerKl(Uniform, ContinuousBernoulli, (p, q) => {
  const r = sub(sub(sub(neg(p._entropy()), mul(p._mean(), q.logits)), log1p(neg(q.probs))), q._logNorm());
  return where(logicalOr(ge(p.high, 1), le(p.low, 0)), inf, r);
});
registerKl(Uniform, Exponential, (p, q) => {
  const r = sub(div(mul(q.rate, add(p.high, p.low)), 2), log(mul(sub(p.high, p.low), q.rate)));
  return where(lt(p.low, 0), inf, r);
});
registerKl(Uniform, Gamma, (p, q) => {
  const common = sub(p.high, p.low);
  const t1 = log(common);
  const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
  const t3 = div(mul(sub(1, q.concentration), sub(sub(xLogX(p.high), xLogX(p.low)), common)), common);
  const t4 = div(mul(q.rate, add(p.high, p.low)), 2);
  return where(lt(p.low, 0), inf, add(add(add(neg(t1), t2), t3), t4));
});
registerKl(Uniform, Gumbel, (p, q) => {
  const common = div(q.scale, sub(p.high, p.low));
  const hld = div(sub(p.high, q.loc), q.scale), lld = div(sub(p.low, q.loc), q.scale);
  const t1 = add(log(common), mul(add(hld, lld), 0.5));
  const t2 = mul(common, sub(exp(neg(hld)), exp(neg(lld))));
  return sub(t1, t2);
});
registerKl(Uniform, Normal, (p, q) => {
  const common = sub(p.high, p.low);
  const t1 = log(div(mul(q.scale, Math.sqrt(Math.PI * 2)), common));
  const t2 = div(square(common), 12);
  const t3 = square(div(sub(add(p.high, p.low), mul(q.loc, 2)), 2));
  return add(t1, div(mul(add(t2, t3), 0.5), square(q.scale)));
});
registerKl(Uniform, Pareto, (p, q) => {
  const w = sub(p.high, p.low);
  const t1 = log(mul(mul(q.alpha, pow(q.scale, q.alpha)), w));
  const t2 = div(sub(sub(xLogX(p.high), xLogX(p.low)), w), w);
  return where(lt(p.low, q.scale), inf, sub(mul(t2, add(q.alpha, 1)), t1));
});
