// wishart.ts — Wishart (torch.distributions.Wishart(df, covariance_matrix=None,
// precision_matrix=None, scale_tril=None)): distributions over p × p positive-definite matrices,
// with torch 1.13's logProb, entropy and moments through the Cholesky factor L of the scale, and
// rsample by the Bartlett decomposition (L·A·Aᵀ·Lᵀ, A lower-triangular with √χ²(df - i) on the
// diagonal, standard normals below; differentiable in df through the Gamma draws and in L).
import { Tensor, scopeSync } from '../tensor';
import { describeArg } from '../arity';
import { ShapeError, ValueError } from '../errors';
import { anyValue, optional, required, signature } from '../args';
import { fmt, broadcastShapes } from '../shape';
import {
  add, arange, choleskyInverse, clampMin, diagEmbed, diagonal, digamma, div, expand, le, log, matmul, mul, mvlgamma, randn, sqrt, square, sub, sum,
  transpose, tril, unsqueeze, where, linalg,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, params, tensorOrNumber } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { finfo, init, like } from './continuous';
import { Chi2 } from './gamma';

const LOG_2 = Math.LN2;
/** torch's _mvdigamma: Σ_{i<p} ψ(x - i/2) */
function mvdigamma(x: Tensor, p: number): Tensor {
  return sum(digamma(sub(unsqueeze(x, -1), div(arange(p, like(x)), 2))), -1);
}

const WISHART_ARGS = signature('Wishart', ['df', 'covarianceMatrix', 'precisionMatrix', 'scaleTril', 'validateArgs'], {
  df: required(tensorOrNumber), covarianceMatrix: optional(anyValue<Tensor>()), precisionMatrix: optional(anyValue<Tensor>()),
  scaleTril: optional(anyValue<Tensor>()), validateArgs: optional(maybeBool),
});

/** The options of Wishart: exactly one of the three matrices. */
export interface WishartOptions extends DistributionOptions {
  /** Σ, symmetric positive-definite ([..., p, p]). */
  covarianceMatrix?: Tensor;
  /** Σ⁻¹. */
  precisionMatrix?: Tensor;
  /** L with Σ = L·Lᵀ (lower-triangular, positive diagonal). */
  scaleTril?: Tensor;
}

/**
 * The Wishart distribution over p × p positive-definite matrices with `df` degrees of freedom
 * (> p - 1) and scale Σ (one of `covarianceMatrix`, `precisionMatrix`, `scaleTril`), as
 * `torch.distributions.Wishart(df, covariance_matrix=None, precision_matrix=None, scale_tril=None)`.
 * ```ts
 * const d = new fl.distributions.Wishart(fl.tensor(5), { covarianceMatrix: fl.eye(3) });
 * const S = d.rsample();   // [3, 3]
 * ```
 */
export class Wishart extends Distribution {
  /** The degrees of freedom, broadcast to the batch. */
  declare readonly df: Tensor;
  /** @internal L of the matrix as given */ declare readonly _unbroadcastedScaleTril: Tensor;
  /** @internal Chi2(df - i), i < p, for the Bartlett diagonal */ declare readonly _chi2: Chi2;
  constructor(df: Tensor | number, covarianceMatrix?: Tensor, precisionMatrix?: Tensor, scaleTril?: Tensor, options?: DistributionOptions);
  constructor(df: Tensor | number, options: WishartOptions);
  constructor(...args: unknown[]) {
    super('Wishart');
    const op = 'Wishart';
    const o = WISHART_ARGS.parse(args);
    const given = (['covarianceMatrix', 'precisionMatrix', 'scaleTril'] as const).filter((k) => o[k] !== undefined);
    if (given.length !== 1) throw new ValueError(`${op}: exactly one of covarianceMatrix or precisionMatrix or scaleTril may be specified`);
    const which = given[0];
    const M = o[which] as Tensor;
    if (!(M instanceof Tensor)) throw new ValueError(`${op}: ${which} must be a Tensor, got ${describeArg(M)}`);
    if (M.ndim < 2) throw new ValueError(`${op}: ${which} must be at least two-dimensional, with optional leading batch dimensions, got shape ${fmt(M.shape)}`);
    const p = M.shape[M.ndim - 1];
    if (M.shape[M.ndim - 2] !== p) throw new ShapeError(`${op}: ${which} must be a batch of square matrices, got shape ${fmt(M.shape)}`);
    const dfShape = o.df instanceof Tensor ? o.df.shape : [];
    const batch = broadcastShapes(op, M.shape.slice(0, -2), dfShape);
    const [df0, mat] = scopeSync(() => params(op, ['df', which], [o.df, M], [0, 2]));
    this._own(df0); this._own(mat);
    const df = this._own(expand(df0, batch));
    Object.assign(this, { df });
    if (scopeSync(() => df.numel > 0 && !!le(df, p - 1).any().item())) {
      this.dispose();
      throw new ValueError(`${op}: the values of df are expected to be greater than ndim - 1 = ${p - 1}`);
    }
    init(this, batch, [p, p], o.validateArgs, { df, [which]: mat });
    try {
      const L = this._own(scopeSync(() => (which === 'scaleTril' ? mat.clone() : which === 'covarianceMatrix' ? linalg.cholesky(mat) : linalg.cholesky(choleskyInverse(linalg.cholesky(mat))))));
      Object.assign(this, { _unbroadcastedScaleTril: L });
      this._makeChi2();
    } catch (e) { this.dispose(); throw e; }
  }
  private _makeChi2(): void {
    const p = this._eventShape[0];
    const dfs = this._own(scopeSync(() => sub(unsqueeze(this.df, -1), arange(p, like(this.df)))));
    const chi2 = new Chi2(dfs, { validateArgs: false });
    this._subs.push(chi2);
    Object.assign(this, { _chi2: chi2 });
  }
  /** df > p - 1 (torch's greater_than(event_shape[-1] - 1)) and the matrix's constraint. */
  get argConstraints(): Readonly<Record<string, Constraint>> {
    return { df: C.greaterThan(this._eventShape[0] - 1), covarianceMatrix: C.positiveDefinite, precisionMatrix: C.positiveDefinite, scaleTril: C.lowerCholesky };
  }
  get support(): Constraint { return C.positiveDefinite; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['df', 0], ['_unbroadcastedScaleTril', -1]]; }
  /** @internal */ _like(): Tensor { return this.df; }
  /** @internal */ _afterExpand(): void { this._makeChi2(); }
  private _matShape(): number[] { return [...this._batchShape, ...this._eventShape]; }
  private _cov(): Tensor { const L = this._unbroadcastedScaleTril; return expand(matmul(L, transpose(L, -2, -1)), this._matShape()); }
  /** L (Σ = L·Lᵀ), broadcast to [...batchShape, p, p]: a new tensor. */
  get scaleTril(): Tensor { return scopeSync(() => expand(this._unbroadcastedScaleTril, this._matShape()).clone()); }
  /** Σ: a new tensor. */
  get covarianceMatrix(): Tensor { return scopeSync(() => this._cov().clone()); }
  /** Σ⁻¹: a new tensor. */
  get precisionMatrix(): Tensor { return scopeSync(() => expand(choleskyInverse(this._unbroadcastedScaleTril), this._matShape()).clone()); }
  private _dfMat(): Tensor { return unsqueeze(unsqueeze(this.df, -1), -1); }
  /** @internal */ _mean(): Tensor { return mul(this._dfMat(), this._cov()); }
  /** @internal */ _mode(): Tensor {
    const factor = sub(this.df, this._eventShape[0] + 1);
    return mul(unsqueeze(unsqueeze(where(le(factor, 0), NaN, factor), -1), -1), this._cov());
  }
  /** @internal */ _variance(): Tensor {
    const V = this._cov();
    const d = diagonal(V, 0, -2, -1);
    return mul(this._dfMat(), add(square(V), mul(unsqueeze(d, -1), unsqueeze(d, -2))));
  }
  /** @internal the Bartlett decomposition (torch's _bartlett_sampling; without its singular-sample retries) */
  _rsample(shape: number[]): Tensor {
    const sampleShape = shape.slice(0, shape.length - this._batchShape.length - 2);
    const chi = this._chi2._rsample([...sampleShape, ...this._chi2.batchShape]);
    const diag = clampMin(sqrt(chi), finfo(chi.dtype).eps);
    const noise = add(tril(randn(shape, like(this.df)), -1), diagEmbed(diag));
    const chol = matmul(this._unbroadcastedScaleTril, noise);
    return matmul(chol, transpose(chol, -2, -1));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const nu = this.df, p = this._eventShape[0];
    const L = this._unbroadcastedScaleTril;
    const halfLogDetL = sum(log(diagonal(L, 0, -2, -1)), -1);
    const t1 = mul(neg1(nu), add(halfLogDetL, (p * LOG_2) / 2));
    const t2 = mvlgamma(div(nu, 2), p);
    const logabsdet = linalg.slogdet(v)[1];
    const t3 = mul(div(sub(nu, p + 1), 2), logabsdet);
    // tr(Σ⁻¹ V) with Σ = L·Lᵀ formed from all of L: the value of torch's cholesky_solve(value, L), and
    // its gradient too (torch's cholesky_solve backward treats L as a full matrix, so entries above
    // the diagonal of a given scaleTril get a gradient)
    const batch = broadcastShapes('Wishart.logProb', L.shape.slice(0, -2), v.shape.slice(0, -2));
    const S = matmul(L, transpose(L, -2, -1));
    const solved = linalg.solve(expand(S, [...batch, p, p]).contiguous(), expand(v, [...batch, p, p]).contiguous());
    const t4 = div(sum(diagonal(solved, 0, -2, -1), -1), 2);
    return sub(add(sub(t1, t2), t3), t4);
  }
  /** @internal */ _entropy(): Tensor {
    const nu = this.df, p = this._eventShape[0];
    const halfLogDetL = sum(log(diagonal(this._unbroadcastedScaleTril, 0, -2, -1)), -1);
    const t1 = mul(add(halfLogDetL, (p * LOG_2) / 2), p + 1);
    const t2 = mvlgamma(div(nu, 2), p);
    const t3 = mul(div(sub(nu, p + 1), 2), mvdigamma(div(nu, 2), p));
    return add(sub(add(t1, t2), t3), mul(nu, p / 2));
  }
}
const neg1 = (t: Tensor): Tensor => mul(t, -1);
