// distributions/index.ts — fl.distributions, torch.distributions in camelCase: the Distribution
// base class, the families, klDivergence / registerKl and the constraints.
//
// ```ts
// const pi = new fl.distributions.Categorical({ logits });
// const a = pi.sample();
// const loss = pi.logProb(a).mul(advantages).mean().neg();
// ```
export { Distribution, NotImplementedError } from './distribution';
export type { DistributionOptions } from './distribution';
export { Normal, LogNormal, HalfNormal, Laplace, Cauchy, Gumbel, Uniform, Exponential } from './continuous';
export { Bernoulli, Categorical, OneHotCategorical, Geometric, Binomial, Poisson } from './discrete';
export { Gamma, Chi2, Beta, Dirichlet, StudentT } from './gamma';
export { MultivariateNormal, Independent } from './multivariate';
export { MixtureSameFamily } from './mixture';
export { TransformedDistribution, HalfCauchy, Pareto, Weibull, Kumaraswamy, LogisticNormal } from './transformed';
export { FisherSnedecor, NegativeBinomial, ContinuousBernoulli } from './extra';
export { LowRankMultivariateNormal } from './lowrank';
export { VonMises } from './vonmises';
export { LKJCholesky } from './corr';
export { Wishart } from './wishart';
export type { WishartOptions } from './wishart';
export { LogitRelaxedBernoulli, RelaxedBernoulli, ExpRelaxedCategorical, RelaxedOneHotCategorical, Multinomial } from './relaxed';
/** torch.distributions.transforms: `new fl.distributions.transforms.ExpTransform().call(x)`. */
export * as transforms from './transforms';
export type { Transform } from './transforms';
export { bijectTo, transformTo } from './constraint-registry';
export type { ConstraintRegistry, ConstraintFactory } from './constraint-registry';
import './kl-extra';   // the KL forms of the families above and of the cross-family pairs
export type { MultivariateNormalOptions } from './multivariate';
export { klDivergence, registerKl } from './kl';
export type { DistributionClass, KlFn } from './kl';
/** torch.distributions.constraints: `fl.distributions.constraints.positive.check(x)`. */
export * as constraints from './constraints';
export type { Constraint } from './constraints';
