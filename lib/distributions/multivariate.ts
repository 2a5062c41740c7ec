// multivariate.ts — MultivariateNormal (torch.distributions.MultivariateNormal, through the
// Cholesky factor L of the covariance: rsample = loc + L·ε, logProb by one triangular solve) and
// Independent (torch.distributions.Independent: batch dims reinterpreted as event dims).
import { Tensor, scopeSync } from '../tensor';
import { describeArg } from '../arity';
import { ShapeError, ValueError } from '../errors';
import { anyValue, int, optional, required, signature } from '../args';
import { fmt, broadcastShapes } from '../shape';
import { add, diagonal, expand, eye, flip, log, matmul, mul, randn, square, squeeze, sub, sum, transpose, unsqueeze, to, choleskyInverse, linalg } from '../ops';
import { Distribution, DistributionOptions, NotImplementedError, maybeBool, params, sumRightmost } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { init, like } from './continuous';

const LOG_2PI = Math.log(2 * Math.PI);

/** @internal Σ_i (L⁻¹x)_i² over the last dim, batch dims broadcast (torch's _batch_mahalanobis). */
export function mahalanobis(L: Tensor, x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1];
  const batch = broadcastShapes('MultivariateNormal', L.shape.slice(0, -2), x.shape.slice(0, -1));
  const y = linalg.solveTriangular(expand(L, [...batch, n, n]).contiguous(), unsqueeze(expand(x, [...batch, n]), -1).contiguous(), { upper: false });
  return sum(square(squeeze(y, -1)), -1);
}
/** @internal Σ log diag(L) (half the log-determinant of L·Lᵀ). */
export function halfLogDet(L: Tensor): Tensor { return sum(log(diagonal(L, 0, -2, -1)), -1); }

/** torch's _precision_to_scale_tril: L with L·Lᵀ = P⁻¹, by a Cholesky factor of the flipped P. */
function precisionToScaleTril(P: Tensor): Tensor {
  const Lf = linalg.cholesky(flip(P, [-2, -1]));
  const Linv = transpose(flip(Lf, [-2, -1]), -2, -1);
  const n = P.shape[P.ndim - 1];
  const I = expand(eye(n, like(P)), Linv.shape);
  return linalg.solveTriangular(Linv, I.contiguous(), { upper: false });
}

const MVN_ARGS = signature('MultivariateNormal', ['loc', 'covarianceMatrix', 'precisionMatrix', 'scaleTril', 'validateArgs'], {
  loc: required(anyValue<Tensor>()), covarianceMatrix: optional(anyValue<Tensor>()), precisionMatrix: optional(anyValue<Tensor>()),
  scaleTril: optional(anyValue<Tensor>()), validateArgs: optional(maybeBool),
});
const MVN_CONSTRAINTS = Object.freeze({
  loc: C.realVector, covarianceMatrix: C.positiveDefinite, precisionMatrix: C.positiveDefinite, scaleTril: C.lowerCholesky,
});

/** The options of MultivariateNormal: exactly one of the three matrices. */
export interface MultivariateNormalOptions extends DistributionOptions {
  /** Σ, symmetric positive-definite ([..., n, n]). */
  covarianceMatrix?: Tensor;
  /** Σ⁻¹, symmetric positive-definite. */
  precisionMatrix?: Tensor;
  /** L, lower-triangular with a positive diagonal, Σ = L·Lᵀ. */
  scaleTril?: Tensor;
}

/**
 * The multivariate normal N(loc, Σ) with Σ given as `covarianceMatrix`, `precisionMatrix` or
 * `scaleTril` (exactly one), as `torch.distributions.MultivariateNormal(loc, covariance_matrix=None,
 * precision_matrix=None, scale_tril=None)`. Event shape [n]; batch dims of loc and the matrix broadcast.
 * ```ts
 * const d = new fl.distributions.MultivariateNormal(fl.zeros([2]), { covarianceMatrix: fl.eye(2) });
 * ```
 */
export class MultivariateNormal extends Distribution {
  /** The mean ([...batchShape, n]). */
  declare readonly loc: Tensor;
  /** @internal L of the matrix as given (not broadcast to the batch). */
  declare readonly _unbroadcastedScaleTril: Tensor;
  constructor(loc: Tensor, covarianceMatrix?: Tensor, precisionMatrix?: Tensor, scaleTril?: Tensor, options?: DistributionOptions);
  constructor(loc: Tensor, options: MultivariateNormalOptions);
  constructor(...args: unknown[]) {
    super('MultivariateNormal');
    const o = MVN_ARGS.parse(args);
    const op = 'MultivariateNormal';
    if (!(o.loc instanceof Tensor)) throw new ValueError(`${op}: loc must be a Tensor, got ${describeArg(o.loc)}`);
    const given = (['covarianceMatrix', 'precisionMatrix', 'scaleTril'] as const).filter((k) => o[k] !== undefined);
    if (given.length !== 1) throw new ValueError(`${op}: exactly one of covarianceMatrix or precisionMatrix or scaleTril may be specified`);
    const which = given[0];
    const M = o[which] as Tensor;
    if (!(M instanceof Tensor)) throw new ValueError(`${op}: ${which} must be a Tensor, got ${describeArg(M)}`);
    if (o.loc.ndim < 1) throw new ValueError(`${op}: loc must be at least one-dimensional, got shape ${fmt(o.loc.shape)}`);
    if (M.ndim < 2) throw new ValueError(`${op}: ${which} must be at least two-dimensional, with optional leading batch dimensions, got shape ${fmt(M.shape)}`);
    const n = o.loc.shape[o.loc.ndim - 1];
    if (M.shape[M.ndim - 1] !== n || M.shape[M.ndim - 2] !== n) {
      throw new ShapeError(`${op}: ${which} of shape ${fmt(M.shape)} does not fit loc of shape ${fmt(o.loc.shape)} (expected [..., ${n}, ${n}])`);
    }
    const [loc, mat] = scopeSync(() => params(op, ['loc', which], [o.loc, M], [1, 2]));
    this._own(loc); this._own(mat);
    Object.assign(this, { loc });
    init(this, loc.shape.slice(0, -1), [n], o.validateArgs, { loc, [which]: mat });
    try {
      const L = this._own(scopeSync(() => {
        const Md = to(M, loc.dtype);
        return which === 'scaleTril' ? Md.clone() : which === 'covarianceMatrix' ? linalg.cholesky(Md) : precisionToScaleTril(Md);
      }));
      Object.assign(this, { _unbroadcastedScaleTril: L });
    } catch (e) { this.dispose(); throw e; }
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return MVN_CONSTRAINTS; }
  get support(): Constraint { return C.realVector; }
  get hasRsample(): boolean { return true; }
  /** L (Σ = L·Lᵀ), broadcast to [...batchShape, n, n]: a new tensor. */
  get scaleTril(): Tensor { return scopeSync(() => expand(this._unbroadcastedScaleTril, this._matShape()).clone()); }
  /** Σ = L·Lᵀ ([...batchShape, n, n]): a new tensor. */
  get covarianceMatrix(): Tensor {
    return scopeSync(() => expand(matmul(this._unbroadcastedScaleTril, transpose(this._unbroadcastedScaleTril, -2, -1)), this._matShape()).clone());
  }
  /** Σ⁻¹ ([...batchShape, n, n]): a new tensor. */
  get precisionMatrix(): Tensor { return scopeSync(() => expand(choleskyInverse(this._unbroadcastedScaleTril), this._matShape()).clone()); }
  private _matShape(): number[] { const n = this._eventShape[0]; return [...this._batchShape, n, n]; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['loc', 1], ['_unbroadcastedScaleTril', -1]]; }
  /** @internal */ _like(): Tensor { return this.loc; }
  /** @internal */ _mean(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _mode(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _variance(): Tensor {
    return expand(sum(square(this._unbroadcastedScaleTril), -1), [...this._batchShape, ...this._eventShape]).clone();
  }
  /** @internal */ _rsample(shape: number[]): Tensor {
    const eps = randn(shape, like(this.loc));
    return add(this.loc, squeeze(matmul(this._unbroadcastedScaleTril, unsqueeze(eps, -1)), -1));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const M = mahalanobis(this._unbroadcastedScaleTril, sub(v, this.loc));
    return sub(mul(add(M, this._eventShape[0] * LOG_2PI), -0.5), halfLogDet(this._unbroadcastedScaleTril));
  }
  /** @internal */ _entropy(): Tensor {
    const H = add(halfLogDet(this._unbroadcastedScaleTril), 0.5 * this._eventShape[0] * (1 + LOG_2PI));
    return expand(H, this._batchShape).clone();
  }
}

const INDEPENDENT_ARGS = signature('Independent', ['baseDistribution', 'reinterpretedBatchNdims', 'validateArgs'], {
  baseDistribution: required(anyValue<Distribution>()), reinterpretedBatchNdims: required(int({ min: 0 })), validateArgs: optional(maybeBool),
});

/**
 * Reinterprets the rightmost `reinterpretedBatchNdims` batch dims of a distribution as event dims
 * (their log-densities summed), as `torch.distributions.Independent(base_distribution,
 * reinterpreted_batch_ndims)`. The base distribution stays the caller's (dispose it yourself).
 * ```ts
 * const diag = new fl.distributions.Independent(new fl.distributions.Normal(mu, sigma), 1);
 * diag.logProb(x);   // sums over the last dim
 * ```
 */
export class Independent extends Distribution {
  /** The wrapped distribution. */
  declare readonly baseDist: Distribution;
  /** How many batch dims became event dims. */
  declare readonly reinterpretedBatchNdims: number;
  constructor(baseDistribution: Distribution, reinterpretedBatchNdims: number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('Independent');
    const o = INDEPENDENT_ARGS.parse(args);
    const base = o.baseDistribution;
    if (!(base instanceof Distribution)) throw new ValueError(`Independent: baseDistribution must be a Distribution, got ${describeArg(base)}`);
    const n = o.reinterpretedBatchNdims, b = base.batchShape;
    if (n > b.length) throw new ValueError(`Independent: expected reinterpretedBatchNdims <= baseDistribution.batchShape.length, actual ${n} vs ${b.length}`);
    Object.assign(this, { baseDist: base, reinterpretedBatchNdims: n });
    init(this, b.slice(0, b.length - n), [...b.slice(b.length - n), ...base.eventShape], o.validateArgs, {});
  }
  get support(): Constraint { return C.independent(this.baseDist.support, this.reinterpretedBatchNdims); }
  get hasRsample(): boolean { return this.baseDist.hasRsample; }
  get hasEnumerateSupport(): boolean { return this.reinterpretedBatchNdims > 0 ? false : this.baseDist.hasEnumerateSupport; }
  /** @internal */ _like(): Tensor { return this.baseDist._like(); }
  /** @internal */ _afterExpand(from: Distribution): void {
    const f = from as Independent;
    const n = f.reinterpretedBatchNdims, fb = f.baseDist.batchShape;
    const base = f.baseDist.expand([...this._batchShape, ...fb.slice(fb.length - n)]);
    this._subs.push(base);
    Object.assign(this, { baseDist: base });
  }
  /** @internal */ _mean(): Tensor { return this.baseDist._mean(); }
  /** @internal */ _mode(): Tensor { return this.baseDist._mode(); }
  /** @internal */ _variance(): Tensor { return this.baseDist._variance(); }
  /** @internal */ _rsample(shape: number[]): Tensor {
    if (!this.baseDist.hasRsample) throw new NotImplementedError(`Independent.rsample: its base ${this.baseDist._name} has no reparameterized sampler`);
    return this.baseDist._rsample(shape);
  }
  /** @internal */ _sample(shape: number[]): Tensor { return this.baseDist._sample(shape); }
  /** @internal */ _logProb(v: Tensor): Tensor { return sumRightmost(this.baseDist._logProb(v), this.reinterpretedBatchNdims); }
  /** @internal */ _entropy(): Tensor { return sumRightmost(this.baseDist._entropy(), this.reinterpretedBatchNdims); }
  /** @internal */ _enumerate(expandIt: boolean): Tensor {
    if (this.reinterpretedBatchNdims > 0) throw new NotImplementedError('Independent.enumerateSupport: enumeration over a cartesian product is not implemented (as torch)');
    return this.baseDist._enumerate(expandIt);
  }
  toString(): string { return `Independent(${this.baseDist.toString()}, ${this.reinterpretedBatchNdims})`; }
}
