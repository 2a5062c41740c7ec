// vonmises.ts — VonMises (torch.distributions.VonMises): the circular normal on angles, with torch
// 1.13's polynomial approximation of log I0 / log I1 (Abramowitz & Stegun 9.8.1–9.8.4, torch's
// _log_modified_bessel_fn) for logProb and the circular variance, and Best & Fisher's (1979)
// rejection sampler, vectorised as in gamma.ts (every element proposes each round; accepted ones
// are kept; the acceptance rate is above 65% for any concentration, so 64 rounds leave nothing).
import { Tensor, scopeSync } from '../tensor';
import { optional, required, signature } from '../args';
import {
  abs, acos, add, all, cos, div, exp, ge, gt, log, logicalNot, logicalOr, lt, mul, rand, remainder, sign, sqrt, square, sub, where, zerosLike, to,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, tensorOrNumber } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { init, like, take } from './continuous';

const I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2];
const I0_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3];
const I1_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2];

/** Horner's rule, highest coefficient last (torch's _eval_poly). */
function evalPoly(y: Tensor, coef: readonly number[]): Tensor {
  let r: Tensor | number = coef[coef.length - 1];
  for (let i = coef.length - 2; i >= 0; i--) r = add(mul(y, r), coef[i]);
  return r as Tensor;
}
/** log I_order(x) for x > 0, order 0 or 1 (torch's _log_modified_bessel_fn). */
export function logModifiedBessel(x: Tensor, order: 0 | 1): Tensor {
  let small = evalPoly(square(div(x, 3.75)), order === 0 ? I0_SMALL : I1_SMALL);
  if (order === 1) small = mul(abs(x), small);
  small = log(small);
  const large = add(sub(x, mul(log(x), 0.5)), log(evalPoly(div(3.75, x), order === 0 ? I0_LARGE : I1_LARGE)));
  return where(lt(x, 3.75), small, large);
}

const VM_ARGS = signature('VonMises', ['loc', 'concentration', 'validateArgs'], { loc: required(tensorOrNumber), concentration: required(tensorOrNumber), validateArgs: optional(maybeBool) });
const VM_CONSTRAINTS = Object.freeze({ loc: C.real, concentration: C.positive });

/**
 * The von Mises distribution on angles (radians, any real: read modulo 2π), as
 * `torch.distributions.VonMises(loc, concentration)`; mean and variance are the circular ones;
 * samples lie in [-π, π). No rsample (as torch 1.13).
 * ```ts
 * const d = new fl.distributions.VonMises(0, fl.tensor([0.5, 4]));
 * ```
 */
export class VonMises extends Distribution {
  /** The mean direction. */
  declare readonly loc: Tensor;
  /** κ (> 0). */
  declare readonly concentration: Tensor;
  /** @internal Best & Fisher's r (torch's _proposal_r) */ declare readonly _proposalR: Tensor;
  constructor(loc: Tensor | number, concentration: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('VonMises');
    const o = VM_ARGS.parse(args);
    const [loc, concentration] = take(this, 'VonMises', ['loc', 'concentration'], [o.loc, o.concentration]);
    const proposalR = this._own(scopeSync(() => {
      const tau = add(sqrt(add(mul(square(concentration), 4), 1)), 1);
      const rho = div(sub(tau, sqrt(mul(tau, 2))), mul(concentration, 2));
      return div(add(square(rho), 1), mul(rho, 2));
    }));
    Object.assign(this, { loc, concentration, _proposalR: proposalR });
    init(this, loc.shape, [], o.validateArgs, { loc, concentration });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return VM_CONSTRAINTS; }
  get support(): Constraint { return C.real; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['loc', 0], ['concentration', 0], ['_proposalR', 0]]; }
  /** @internal */ _like(): Tensor { return this.loc; }
  /** @internal */ _mean(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _mode(): Tensor { return mul(this.loc, 1); }
  /** @internal 1 - I1(κ)/I0(κ) */
  _variance(): Tensor { return sub(1, exp(sub(logModifiedBessel(this.concentration, 1), logModifiedBessel(this.concentration, 0)))); }
  /** @internal */ _logProb(v: Tensor): Tensor {
    return sub(sub(mul(this.concentration, cos(sub(v, this.loc))), Math.log(2 * Math.PI)), logModifiedBessel(this.concentration, 0));
  }
  /** @internal Best & Fisher's rejection sampler (torch's _rejection_sample), float64 inside. */
  _sample(shape: number[]): Tensor {
    const dt = this.loc.dtype;
    const k = to(this.concentration, 'float64').expand(shape), r = to(this._proposalR, 'float64').expand(shape);
    let x: Tensor = zerosLike(k);
    let done: Tensor = logicalNot(gt(k, 0));   // NaN or invalid: nothing to draw
    for (let i = 0; i < 64; i++) {
      if (k.numel === 0 || all(done).item()) break;
      const u1 = rand(shape, like(k)), u2 = rand(shape, like(k)), u3 = rand(shape, like(k));
      const z = cos(mul(u1, Math.PI));
      const f = div(add(mul(r, z), 1), add(r, z));
      const c = mul(k, sub(r, f));
      const accept = logicalOr(gt(sub(mul(c, sub(2, c)), u2), 0), ge(sub(add(log(div(c, u2)), 1), c), 0));
      const take1 = logicalAnd2(accept, logicalNot(done));
      x = where(take1, mul(sign(sub(u3, 0.5)), acos(f)), x);
      done = logicalOr(done, accept);
    }
    const out = sub(remainder(add(add(x, Math.PI), to(this.loc, 'float64')), 2 * Math.PI), Math.PI);
    return to(out, dt);
  }
}
const logicalAnd2 = (a: Tensor, b: Tensor): Tensor => logicalNot(logicalOr(logicalNot(a), logicalNot(b)));
