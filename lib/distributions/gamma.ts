// gamma.ts — the Gamma family of fl.distributions with torch 1.13's formulas: Gamma, Chi2, Beta,
// Dirichlet and StudentT. Sampling draws standard Gamma variates by Marsaglia and Tsang's method
// (2000), vectorized: every element proposes at once, a round's accepted proposals are kept and the
// rest propose again (≥ 95% are accepted per round, so the loop is bounded by a few rounds; it
// stops after 64). Concentrations below 1 are boosted: Γ(a) = Γ(a + 1)·U^(1/a).
//
// rsample: a standard Gamma draw x of concentration α is reparameterized implicitly (Figurnov et
// al. 2018), dx/dα = -(∂F/∂α)(x; α) / pdf(x; α), with torch's approximation of it
// (_standard_gamma_grad: a Taylor series for x < 0.8, Rice's saddle-point expansion for α > 8, a
// bivariate rational fit elsewhere), composed of tensor ops in float64 and recorded as one node (no
// second derivatives). Chi2 is a Gamma; Beta and Dirichlet normalise Gamma draws (the pathwise
// gradient through the normalisation; torch's Dirichlet has a dedicated backward, _dirichlet_grad,
// whose per-draw gradient differs but has the same expectation); StudentT divides a normal by the
// square root of a Chi2 draw.
import { Tensor, scopeSync } from '../tensor';
import { needsGrad, noGrad, record } from '../autograd';
import { optional, required, signature } from '../args';
import {
  add, all, arange, argmax, clamp, clampMin, div, eq, exp, full, gt, isnan, le, log, log1p, logicalAnd, logicalNot, logicalOr, lt, mul, neg, onesLike, pow, rand, sqrt,
  randn, rsqrt, select, square, stack, sub, sum, unsqueeze, where, xlogy, to, zerosLike,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, tensorOrNumber } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { finfo, init, like, take } from './continuous';
import { digamma, lgamma } from './special';

/** @internal Standard Gamma(concentration, 1) draws of the (expanded) concentration's shape, float64 inside. */
export function standardGamma(concentration: Tensor): Tensor {
  return scopeSync(() => {
    const c = to(concentration, 'float64');
    if (c.numel === 0) return zerosLike(concentration);
    const small = lt(c, 1);
    const a = where(small, add(c, 1), c);
    const d = sub(a, 1 / 3), cc = rsqrt(mul(d, 9));
    let result: Tensor = zerosLike(c);
    let done: Tensor = logicalNot(gt(a, 0));   // NaN or invalid: nothing to draw (NaN below)
    for (let i = 0; i < 64; i++) {
      if (all(done).item()) break;
      const x = randn(c.shape, like(c)), u = rand(c.shape, like(c));
      const t = add(mul(cc, x), 1);
      const v = mul(mul(t, t), t);
      const vs = where(gt(v, 0), v, 1);
      const ok = logicalAnd(gt(v, 0), lt(log(u), add(mul(square(x), 0.5), mul(d, add(sub(1, vs), log(vs))))));
      const accept = logicalAnd(ok, logicalNot(done));
      result = where(accept, mul(d, v), result);
      done = logicalOr(done, accept);
    }
    const boost = pow(rand(c.shape, like(c)), div(1, where(small, c, 1)));
    result = where(small, mul(result, boost), result);
    result = where(gt(a, 0), result, NaN);
    return to(result, concentration.dtype);
  });
}

// torch's _standard_gamma_grad coefficients (the bivariate rational fit, aten/src/ATen/native/Distributions.h)
const COEF_UV = [
  [0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084],
  [0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623],
  [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07],
];

/** @internal dx/dα of a standard Gamma draw x (torch's _standard_gamma_grad), float64 tensors of one shape. */
export function standardGammaGrad(alpha: Tensor, x: Tensor): Tensor {
  return scopeSync(() => {
    // x < 0.8: the Taylor series of the CDF
    const small = lt(x, 0.8);
    const xs = where(small, x, 0.5), as = where(small, alpha, 1);
    let numer: Tensor = onesLike(xs), denom: Tensor = as;
    let s1: Tensor = div(numer, denom), s2: Tensor = div(numer, square(denom));
    for (let i = 1; i <= 5; i++) {
      numer = mul(numer, div(neg(xs), i));
      denom = add(denom, 1);
      s1 = add(s1, div(numer, denom));
      s2 = add(s2, div(numer, square(denom)));
    }
    const powXA = pow(xs, as);
    const pdf = mul(pow(xs, sub(as, 1)), exp(neg(xs)));
    const cdfA = sub(mul(sub(log(xs), digamma(as)), mul(powXA, s1)), mul(powXA, s2));
    let taylor: Tensor = div(neg(cdfA), pdf);
    taylor = where(isnan(taylor), 0, taylor);
    // α > 8: Rice's saddle-point expansion (near x ≈ α, and away from it)
    const big = gt(alpha, 8);
    const ab = where(big, alpha, 10), xb = where(big, x, 10);
    const near = logicalAnd(le(mul(ab, 0.9), xb), le(xb, mul(ab, 1.1)));
    const n1 = add(mul(mul(ab, 24), add(mul(ab, 12), 1)), 1);
    const n2 = add(sub(add(mul(square(ab), 1440), mul(mul(xb, 6), sub(53, mul(xb, 120)))), div(mul(square(xb), 65), ab)), mul(ab, add(mul(xb, 3600), 107)));
    const riceNear = div(mul(n1, n2), mul(square(square(ab)), 1244160));
    const xf = where(near, add(ab, 1), xb);   // away from x = α (the far branch's poles)
    const d8 = sqrt(mul(ab, 8));
    const term2 = div(d8, sub(ab, xf));
    const term3 = pow(sub(sub(xf, ab), mul(ab, log(div(xf, ab)))), -1.5);
    const term23 = where(lt(xf, ab), sub(term2, term3), add(term2, term3));
    const term1 = sub(mul(log(div(xf, ab)), term23), div(mul(sqrt(div(2, ab)), add(ab, xf)), square(sub(ab, xf))));
    const stirling = add(mul(div(1, mul(ab, 12)), add(div(1, mul(ab, 24)), 1)), 1);
    const riceFar = neg(div(mul(stirling, mul(xf, term1)), d8));
    const rice = where(near, riceNear, riceFar);
    // elsewhere: the bivariate rational approximation in u = log(x/α), v = log(α)
    const ar = where(logicalOr(small, big), 2, alpha), xr = where(logicalOr(small, big), 2, x);
    const u = log(div(xr, ar)), v = log(ar);
    const cv = COEF_UV[0].map((c0, i) => add(mul(add(mul(u, COEF_UV[2][i]), COEF_UV[1][i]), u), c0));
    const p = add(cv[0], mul(v, add(cv[1], mul(v, add(cv[2], mul(v, cv[3]))))));
    const q = add(cv[4], mul(v, add(cv[5], mul(v, add(cv[6], mul(v, cv[7]))))));
    const rational = exp(div(p, q));
    return where(small, taylor, where(big, rice, rational));
  });
}

/**
 * @internal Standard Gamma draws of the (expanded) concentration, reparameterized: the gradient to
 * the concentration is standardGammaGrad's (one node).
 */
export function standardGammaRsample(concentration: Tensor): Tensor {
  const x = noGrad(() => standardGamma(concentration.detach()));
  if (needsGrad(concentration)) {
    record('standardGamma', [concentration], [x], [concentration, x], ([g], [a, xs]) => [
      g === null ? null : scopeSync(() => to(mul(to(g, 'float64'), standardGammaGrad(to(a, 'float64'), to(xs, 'float64'))), a.dtype)),
    ]);
  }
  return x;
}

const GAMMA_ARGS = signature('Gamma', ['concentration', 'rate', 'validateArgs'], {
  concentration: required(tensorOrNumber), rate: required(tensorOrNumber), validateArgs: optional(maybeBool),
});
const GAMMA_CONSTRAINTS = Object.freeze({ concentration: C.positive, rate: C.positive });

/**
 * The Gamma distribution with shape `concentration` and `rate` (1/scale), as
 * `torch.distributions.Gamma(concentration, rate)`; rsample by implicit reparameterization (the file's head).
 * ```ts
 * const d = new fl.distributions.Gamma(fl.tensor([0.5, 2]), 1);
 * ```
 */
export class Gamma extends Distribution {
  /** The shape parameter α (> 0). */
  declare readonly concentration: Tensor;
  /** The rate β (> 0). */
  declare readonly rate: Tensor;
  constructor(concentration: Tensor | number, rate: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('Gamma');
    if (new.target !== Gamma) return;   // Chi2 sets its own parameters
    const o = GAMMA_ARGS.parse(args);
    const [concentration, rate] = take(this, 'Gamma', ['concentration', 'rate'], [o.concentration, o.rate]);
    Object.assign(this, { concentration, rate });
    init(this, concentration.shape, [], o.validateArgs, { concentration, rate });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return GAMMA_CONSTRAINTS; }
  get support(): Constraint { return C.nonnegative; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['concentration', 0], ['rate', 0]]; }
  /** @internal */ _like(): Tensor { return this.concentration; }
  /** @internal */ _mean(): Tensor { return div(this.concentration, this.rate); }
  /** @internal */ _mode(): Tensor { return clampMin(div(sub(this.concentration, 1), this.rate), 0); }
  /** @internal */ _variance(): Tensor { return div(this.concentration, square(this.rate)); }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const g = standardGammaRsample(expandTo(this.concentration, shape));
    return clampMin(div(g, this.rate), finfo(this.concentration.dtype).tiny);
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const c = this.concentration, r = this.rate;
    return sub(sub(add(xlogy(c, r), xlogy(sub(c, 1), v)), mul(r, v)), lgamma(c));
  }
  /** @internal */ _entropy(): Tensor {
    const c = this.concentration;
    return add(add(sub(c, log(this.rate)), lgamma(c)), mul(sub(1, c), digamma(c)));
  }
}
const expandTo = (t: Tensor, shape: readonly number[]): Tensor => t.expand(shape as number[]);

const CHI2_ARGS = signature('Chi2', ['df', 'validateArgs'], { df: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const CHI2_CONSTRAINTS = Object.freeze({ df: C.positive });
/**
 * The chi-squared distribution with `df` degrees of freedom (Gamma(df/2, 1/2)), as `torch.distributions.Chi2(df)`.
 * ```ts
 * const d = new fl.distributions.Chi2(fl.tensor([1, 4]));
 * ```
 */
export class Chi2 extends Gamma {
  /** The degrees of freedom (> 0). */
  declare readonly df: Tensor;
  constructor(df: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super(0, 0);
    (this as { _name: string })._name = 'Chi2';
    const o = CHI2_ARGS.parse(args);
    const [df] = take(this, 'Chi2', ['df'], [o.df]);
    const concentration = this._own(mul(df, 0.5)), rate = this._own(full(df.shape, 0.5, like(df)));
    Object.assign(this, { df, concentration, rate });
    init(this, df.shape, [], o.validateArgs, { df });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return CHI2_CONSTRAINTS; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['df', 0], ['concentration', 0], ['rate', 0]]; }
}

const BETA_ARGS = signature('Beta', ['concentration1', 'concentration0', 'validateArgs'], {
  concentration1: required(tensorOrNumber), concentration0: required(tensorOrNumber), validateArgs: optional(maybeBool),
});
const BETA_CONSTRAINTS = Object.freeze({ concentration1: C.positive, concentration0: C.positive });
/** torch's Dirichlet mode for the last dim of `c`: (c-1)+ normalised; one-hot of its argmax where every c < 1. */
function dirichletMode(c: Tensor): Tensor {
  const cm1 = clampMin(sub(c, 1), 0);
  const mode = div(cm1, sum(cm1, -1, true));
  const K = c.shape[c.ndim - 1];
  const hot = to(eq(unsqueeze(argmax(mode, -1), -1), arange(K, { dtype: 'int32', device: c.device })), c.dtype);
  return where(unsqueeze(all(lt(c, 1), -1), -1), hot, mode);
}

/**
 * The Beta distribution on [0, 1], as `torch.distributions.Beta(concentration1, concentration0)`
 * (concentration1 = α, the 1s; concentration0 = β); rsample through two Gamma draws.
 * ```ts
 * const d = new fl.distributions.Beta(2, 5);
 * ```
 */
export class Beta extends Distribution {
  /** α (> 0). */
  declare readonly concentration1: Tensor;
  /** β (> 0). */
  declare readonly concentration0: Tensor;
  constructor(concentration1: Tensor | number, concentration0: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('Beta');
    const o = BETA_ARGS.parse(args);
    const [concentration1, concentration0] = take(this, 'Beta', ['concentration1', 'concentration0'], [o.concentration1, o.concentration0]);
    Object.assign(this, { concentration1, concentration0 });
    init(this, concentration1.shape, [], o.validateArgs, { concentration1, concentration0 });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return BETA_CONSTRAINTS; }
  get support(): Constraint { return C.unitInterval; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['concentration1', 0], ['concentration0', 0]]; }
  /** @internal */ _like(): Tensor { return this.concentration1; }
  private both(): Tensor { return stack([this.concentration1, this.concentration0], -1); }
  /** @internal */ _mean(): Tensor { return div(this.concentration1, add(this.concentration1, this.concentration0)); }
  /** @internal */ _mode(): Tensor { return select(dirichletMode(this.both()), -1, 0); }
  /** @internal */ _variance(): Tensor {
    const t = add(this.concentration1, this.concentration0);
    return div(mul(this.concentration1, this.concentration0), mul(square(t), add(t, 1)));
  }
  get hasRsample(): boolean { return true; }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const g1 = standardGammaRsample(expandTo(this.concentration1, shape)), g0 = standardGammaRsample(expandTo(this.concentration0, shape));
    const f = finfo(this.concentration1.dtype);
    return clamp(div(g1, add(g1, g0)), f.tiny, 1 - f.eps);
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const a = this.concentration1, b = this.concentration0;
    return sub(add(add(xlogy(sub(a, 1), v), xlogy(sub(b, 1), sub(1, v))), lgamma(add(a, b))), add(lgamma(a), lgamma(b)));
  }
  /** @internal */ _entropy(): Tensor { return dirichletEntropy(this.both()); }
}

function dirichletEntropy(c: Tensor): Tensor {
  const k = c.shape[c.ndim - 1];
  const a0 = sum(c, -1);
  return sub(sub(sub(sum(lgamma(c), -1), lgamma(a0)), mul(sub(k, a0), digamma(a0))), sum(mul(sub(c, 1), digamma(c)), -1));
}

const DIRICHLET_ARGS = signature('Dirichlet', ['concentration', 'validateArgs'], { concentration: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const DIRICHLET_CONSTRAINTS = Object.freeze({ concentration: C.independent(C.positive, 1) });
/**
 * The Dirichlet distribution over the simplex (event shape [K], the last dim of `concentration`),
 * as `torch.distributions.Dirichlet(concentration)`; rsample through Gamma draws.
 * ```ts
 * const d = new fl.distributions.Dirichlet(fl.tensor([1, 2, 3]));
 * ```
 */
export class Dirichlet extends Distribution {
  /** The concentrations α (> 0), the last dim is the event. */
  declare readonly concentration: Tensor;
  constructor(concentration: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('Dirichlet');
    const o = DIRICHLET_ARGS.parse(args);
    const [concentration] = take(this, 'Dirichlet', ['concentration'], [o.concentration], [1]);
    Object.assign(this, { concentration });
    const s = concentration.shape;
    init(this, s.slice(0, -1), s.slice(-1), o.validateArgs, { concentration });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return DIRICHLET_CONSTRAINTS; }
  get support(): Constraint { return C.simplex; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['concentration', 1]]; }
  /** @internal */ _like(): Tensor { return this.concentration; }
  /** @internal */ _mean(): Tensor { return div(this.concentration, sum(this.concentration, -1, true)); }
  /** @internal */ _mode(): Tensor { return dirichletMode(this.concentration); }
  /** @internal */ _variance(): Tensor {
    const c = this.concentration, c0 = sum(c, -1, true);
    return div(mul(c, sub(c0, c)), mul(square(c0), add(c0, 1)));
  }
  get hasRsample(): boolean { return true; }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const g = standardGammaRsample(expandTo(this.concentration, shape));
    const f = finfo(this.concentration.dtype);
    return clamp(div(g, sum(g, -1, true)), f.tiny, 1 - f.eps);
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const c = this.concentration;
    return sub(add(sum(xlogy(sub(c, 1), v), -1), lgamma(sum(c, -1))), sum(lgamma(c), -1));
  }
  /** @internal */ _entropy(): Tensor { return dirichletEntropy(this.concentration); }
}

const STUDENT_ARGS = signature('StudentT', ['df', 'loc', 'scale', 'validateArgs'], {
  df: required(tensorOrNumber), loc: optional(tensorOrNumber, 0), scale: optional(tensorOrNumber, 1), validateArgs: optional(maybeBool),
});
const STUDENT_CONSTRAINTS = Object.freeze({ df: C.positive, loc: C.real, scale: C.positive });
const LGAMMA_HALF = 0.5 * Math.log(Math.PI);
/**
 * Student's t distribution with `df` degrees of freedom, location and scale, as
 * `torch.distributions.StudentT(df, loc=0, scale=1)`; rsample through a Chi2 draw.
 * ```ts
 * const d = new fl.distributions.StudentT(3);
 * ```
 */
export class StudentT extends Distribution {
  /** The degrees of freedom ν (> 0). */
  declare readonly df: Tensor;
  /** The location. */
  declare readonly loc: Tensor;
  /** The scale (> 0). */
  declare readonly scale: Tensor;
  constructor(df: Tensor | number, loc?: Tensor | number, scale?: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('StudentT');
    const o = STUDENT_ARGS.parse(args);
    const [df, loc, scale] = take(this, 'StudentT', ['df', 'loc', 'scale'], [o.df, o.loc, o.scale]);
    Object.assign(this, { df, loc, scale });
    init(this, df.shape, [], o.validateArgs, { df, loc, scale });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return STUDENT_CONSTRAINTS; }
  get support(): Constraint { return C.real; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['df', 0], ['loc', 0], ['scale', 0]]; }
  /** @internal */ _like(): Tensor { return this.df; }
  /** @internal */ _mean(): Tensor { return where(le(this.df, 1), NaN, this.loc); }
  /** @internal */ _mode(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _variance(): Tensor {
    const big = gt(this.df, 2);
    const dfs = where(big, this.df, 3);
    const v = div(mul(square(this.scale), dfs), sub(dfs, 2));
    return where(big, v, where(gt(this.df, 1), Infinity, NaN));
  }
  get hasRsample(): boolean { return true; }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const df = expandTo(this.df, shape);
    const x = randn(shape, like(this.df));
    const z = mul(standardGammaRsample(mul(df, 0.5)), 2);
    return add(this.loc, mul(this.scale, mul(x, rsqrt(div(z, df)))));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const df = this.df;
    const y = div(sub(v, this.loc), this.scale);
    const Z = sub(add(add(add(log(this.scale), mul(log(df), 0.5)), LGAMMA_HALF), lgamma(mul(df, 0.5))), lgamma(mul(add(df, 1), 0.5)));
    return sub(mul(mul(add(df, 1), -0.5), log1p(div(square(y), df))), Z);
  }
  /** @internal */ _entropy(): Tensor {
    const df = this.df;
    const lbeta = sub(add(lgamma(mul(df, 0.5)), LGAMMA_HALF), lgamma(mul(add(df, 1), 0.5)));
    const t = mul(mul(add(df, 1), 0.5), sub(digamma(mul(add(df, 1), 0.5)), digamma(mul(df, 0.5))));
    return add(add(add(log(this.scale), t), mul(log(df), 0.5)), lbeta);
  }
}
