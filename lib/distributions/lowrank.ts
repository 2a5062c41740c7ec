// lowrank.ts — LowRankMultivariateNormal (torch.distributions.LowRankMultivariateNormal): a
// multivariate normal whose covariance is W·Wᵀ + diag(D) (W: covFactor [..., n, m], D: covDiag),
// with torch 1.13's algebra: the capacitance matrix C = I + Wᵀ D⁻¹ W (m × m) and its Cholesky
// factor give log|Σ| (the matrix determinant lemma) and xᵀ Σ⁻¹ x (the Woodbury identity) without
// an n × n factorisation; and its KL forms with itself and with MultivariateNormal.
import { Tensor, scopeSync } from '../tensor';
import { describeArg } from '../arity';
import { ShapeError, ValueError } from '../errors';
import { anyValue, optional, required, signature } from '../args';
import { fmt, broadcastShapes } from '../shape';
import {
  add, diagEmbed, div, expand, eye, log, matmul, mul, randn, rsqrt, sqrt, square, squeeze, sub, sum, transpose, unsqueeze, linalg,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, params } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { init, like } from './continuous';
import { MultivariateNormal, halfLogDet, mahalanobis } from './multivariate';
import { registerKl } from './kl';

const LOG_2PI = Math.log(2 * Math.PI);

/** Σ of squares over the last two dims (torch's _batch_trace_XXT). */
const traceXXt = (m: Tensor): Tensor => sum(square(m), [-2, -1]);
/** Wᵀ D⁻¹ ([..., m, n]) */
const wtDinv = (W: Tensor, Dg: Tensor): Tensor => div(transpose(W, -2, -1), unsqueeze(Dg, -2));
/** L⁻¹ B for lower-triangular L, batch dims broadcast (solveTriangular wants them equal). */
function solveLower(L: Tensor, B: Tensor): Tensor {
  const batch = broadcastShapes('LowRankMultivariateNormal', L.shape.slice(0, -2), B.shape.slice(0, -2));
  const n = L.shape[L.ndim - 1];
  return linalg.solveTriangular(expand(L, [...batch, n, n]).contiguous(), expand(B, [...batch, ...B.shape.slice(-2)]).contiguous(), { upper: false });
}
/** torch's _batch_capacitance_tril: cholesky(I + Wᵀ D⁻¹ W). */
function capacitanceTril(W: Tensor, Dg: Tensor): Tensor {
  const m = W.shape[W.ndim - 1];
  const K = add(matmul(wtDinv(W, Dg), W), eye(m, like(W)));
  return linalg.cholesky(K);
}
/** torch's _batch_lowrank_logdet: log|W Wᵀ + D| = 2 Σ log diag(C_L) + Σ log D. */
function lowrankLogdet(Dg: Tensor, capTril: Tensor): Tensor {
  return add(mul(halfLogDet(capTril), 2), sum(log(Dg), -1));
}
/** torch's _batch_lowrank_mahalanobis: xᵀ (W Wᵀ + D)⁻¹ x by the Woodbury identity. */
function lowrankMahalanobis(W: Tensor, Dg: Tensor, x: Tensor, capTril: Tensor): Tensor {
  const WtDinvX = squeeze(matmul(wtDinv(W, Dg), unsqueeze(x, -1)), -1);
  return sub(sum(div(square(x), Dg), -1), mahalanobis(capTril, WtDinvX));
}

const LR_ARGS = signature('LowRankMultivariateNormal', ['loc', 'covFactor', 'covDiag', 'validateArgs'], {
  loc: required(anyValue<Tensor>()), covFactor: required(anyValue<Tensor>()), covDiag: required(anyValue<Tensor>()), validateArgs: optional(maybeBool),
});
const LR_CONSTRAINTS = Object.freeze({ loc: C.realVector, covFactor: C.independent(C.real, 2), covDiag: C.independent(C.positive, 1) });

/**
 * The multivariate normal with covariance covFactor·covFactorᵀ + diag(covDiag), as
 * `torch.distributions.LowRankMultivariateNormal(loc, cov_factor, cov_diag)`: event shape [n],
 * covFactor [..., n, m]; logProb and entropy cost O(n·m²), not O(n³).
 * ```ts
 * const d = new fl.distributions.LowRankMultivariateNormal(fl.zeros([3]), fl.randn([3, 1]), fl.ones([3]));
 * ```
 */
export class LowRankMultivariateNormal extends Distribution {
  /** The mean ([...batchShape, n]). */
  declare readonly loc: Tensor;
  /** W broadcast to [...batchShape, n, m]. */
  declare readonly covFactor: Tensor;
  /** D broadcast to [...batchShape, n]. */
  declare readonly covDiag: Tensor;
  /** @internal W as given */ declare readonly _unbroadcastedCovFactor: Tensor;
  /** @internal D as given */ declare readonly _unbroadcastedCovDiag: Tensor;
  /** @internal the Cholesky factor of the capacitance matrix */ declare readonly _capacitanceTril: Tensor;
  constructor(loc: Tensor, covFactor: Tensor, covDiag: Tensor, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('LowRankMultivariateNormal');
    const op = 'LowRankMultivariateNormal';
    const o = LR_ARGS.parse(args);
    for (const k of ['loc', 'covFactor', 'covDiag'] as const) if (!(o[k] instanceof Tensor)) throw new ValueError(`${op}: ${k} must be a Tensor, got ${describeArg(o[k])}`);
    const l0 = o.loc, W0 = o.covFactor, D0 = o.covDiag;
    if (l0.ndim < 1) throw new ValueError(`${op}: loc must be at least one-dimensional, got shape ${fmt(l0.shape)}`);
    const n = l0.shape[l0.ndim - 1];
    if (W0.ndim < 2) throw new ValueError(`${op}: covFactor must be at least two-dimensional, with optional leading batch dimensions, got shape ${fmt(W0.shape)}`);
    if (W0.shape[W0.ndim - 2] !== n) throw new ShapeError(`${op}: covFactor must be a batch of matrices of shape ${n} x m (loc of shape ${fmt(l0.shape)}), got ${fmt(W0.shape)}`);
    if (D0.ndim < 1 || D0.shape[D0.ndim - 1] !== n) throw new ShapeError(`${op}: covDiag must be a batch of vectors of shape [${n}], got ${fmt(D0.shape)}`);
    const m = W0.shape[W0.ndim - 1];
    let batch: number[];
    try { batch = broadcastShapes(op, l0.shape.slice(0, -1), W0.shape.slice(0, -2), D0.shape.slice(0, -1)); } catch (e) {
      throw new ValueError(`${op}: incompatible batch shapes: loc ${fmt(l0.shape)}, covFactor ${fmt(W0.shape)}, covDiag ${fmt(D0.shape)}`);
    }
    // one dtype (promoted) for the three, as params does for the families
    const [loc0, W, Dg] = scopeSync(() => params(op, ['loc', 'covFactor', 'covDiag'], [l0, W0, D0], [1, 2, 1]));
    this._own(loc0); this._own(W); this._own(Dg);
    const loc = this._own(expand(loc0, [...batch, n]));
    const covFactor = this._own(expand(W, [...batch, n, m]));
    const covDiag = this._own(expand(Dg, [...batch, n]));
    Object.assign(this, { loc, covFactor, covDiag, _unbroadcastedCovFactor: W, _unbroadcastedCovDiag: Dg });
    init(this, batch, [n], o.validateArgs, { loc, covFactor: W, covDiag: Dg });
    try {
      Object.assign(this, { _capacitanceTril: this._own(scopeSync(() => capacitanceTril(W, Dg))) });
    } catch (e) { this.dispose(); throw e; }
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return LR_CONSTRAINTS; }
  get support(): Constraint { return C.realVector; }
  get hasRsample(): boolean { return true; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] {
    return [['loc', 1], ['covDiag', 1], ['covFactor', 2], ['_unbroadcastedCovFactor', -1], ['_unbroadcastedCovDiag', -1], ['_capacitanceTril', -1]];
  }
  /** @internal */ _like(): Tensor { return this.loc; }
  private _n(): number { return this._eventShape[0]; }
  /** Σ = W Wᵀ + diag(D) ([...batchShape, n, n]): a new tensor. */
  get covarianceMatrix(): Tensor {
    return scopeSync(() => {
      const W = this._unbroadcastedCovFactor;
      const S = add(matmul(W, transpose(W, -2, -1)), diagEmbed(this._unbroadcastedCovDiag));
      return expand(S, [...this._batchShape, this._n(), this._n()]).clone();
    });
  }
  /** Σ⁻¹ by the Woodbury identity: a new tensor. */
  get precisionMatrix(): Tensor {
    return scopeSync(() => {
      const A = solveLower(this._capacitanceTril, wtDinv(this._unbroadcastedCovFactor, this._unbroadcastedCovDiag));
      const P = sub(diagEmbed(div(1, this._unbroadcastedCovDiag)), matmul(transpose(A, -2, -1), A));
      return expand(P, [...this._batchShape, this._n(), this._n()]).clone();
    });
  }
  /** L with L Lᵀ = Σ (torch's scale_tril: √D · cholesky(I + D^-½ W Wᵀ D^-½)): a new tensor. */
  get scaleTril(): Tensor {
    return scopeSync(() => {
      const n = this._n();
      const dsq = unsqueeze(sqrt(this._unbroadcastedCovDiag), -1);
      const X = div(this._unbroadcastedCovFactor, dsq);
      const K = add(matmul(X, transpose(X, -2, -1)), eye(n, like(X)));
      return expand(mul(dsq, linalg.cholesky(K)), [...this._batchShape, n, n]).clone();
    });
  }
  /** @internal */ _mean(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _mode(): Tensor { return mul(this.loc, 1); }
  /** @internal */ _variance(): Tensor {
    return expand(add(sum(square(this._unbroadcastedCovFactor), -1), this._unbroadcastedCovDiag), [...this._batchShape, ...this._eventShape]).clone();
  }
  /** @internal loc + W·ε_W + √D·ε_D (torch's) */
  _rsample(shape: number[]): Tensor {
    const m = this.covFactor.shape[this.covFactor.ndim - 1];
    const epsW = randn([...shape.slice(0, -1), m], like(this.loc));
    const epsD = randn(shape, like(this.loc));
    return add(add(this.loc, squeeze(matmul(this._unbroadcastedCovFactor, unsqueeze(epsW, -1)), -1)), mul(sqrt(this._unbroadcastedCovDiag), epsD));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const M = lowrankMahalanobis(this._unbroadcastedCovFactor, this._unbroadcastedCovDiag, sub(v, this.loc), this._capacitanceTril);
    const logDet = lowrankLogdet(this._unbroadcastedCovDiag, this._capacitanceTril);
    return mul(add(add(logDet, M), this._n() * LOG_2PI), -0.5);
  }
  /** @internal */ _entropy(): Tensor {
    const logDet = lowrankLogdet(this._unbroadcastedCovDiag, this._capacitanceTril);
    return expand(mul(add(logDet, this._n() * (1 + LOG_2PI)), 0.5), this._batchShape).clone();
  }
}

function sameEvent(p: Distribution, q: Distribution): void {
  if (fmt(p.eventShape) !== fmt(q.eventShape)) {
    throw new ValueError(`klDivergence: KL-divergence between two (Low Rank) Multivariate Normals with different event shapes (${fmt(p.eventShape)} and ${fmt(q.eventShape)}) cannot be computed`);
  }
}
/** A = C_q⁻¹ Wqᵀ Dq⁻¹ ([..., m, n]) */
const qA = (q: LowRankMultivariateNormal): Tensor => solveLower(q._capacitanceTril, wtDinv(q._unbroadcastedCovFactor, q._unbroadcastedCovDiag));

registerKl(LowRankMultivariateNormal, LowRankMultivariateNormal, (p, q) => {
  sameEvent(p, q);
  const term1 = sub(lowrankLogdet(q._unbroadcastedCovDiag, q._capacitanceTril), lowrankLogdet(p._unbroadcastedCovDiag, p._capacitanceTril));
  const term3 = lowrankMahalanobis(q._unbroadcastedCovFactor, q._unbroadcastedCovDiag, sub(q.loc, p.loc), q._capacitanceTril);
  const A = qA(q);
  const t21 = sum(div(p._unbroadcastedCovDiag, q._unbroadcastedCovDiag), -1);
  const t22 = traceXXt(mul(p._unbroadcastedCovFactor, unsqueeze(rsqrt(q._unbroadcastedCovDiag), -1)));
  const t23 = traceXXt(mul(A, unsqueeze(sqrt(p._unbroadcastedCovDiag), -2)));
  const t24 = traceXXt(matmul(A, p._unbroadcastedCovFactor));
  const term2 = sub(sub(add(t21, t22), t23), t24);
  return mul(sub(add(add(term1, term2), term3), p.eventShape[0]), 0.5);
});
registerKl(MultivariateNormal, LowRankMultivariateNormal, (p, q) => {
  sameEvent(p, q);
  const Lp = p._unbroadcastedScaleTril;
  const term1 = sub(lowrankLogdet(q._unbroadcastedCovDiag, q._capacitanceTril), mul(halfLogDet(Lp), 2));
  const term3 = lowrankMahalanobis(q._unbroadcastedCovFactor, q._unbroadcastedCovDiag, sub(q.loc, p.loc), q._capacitanceTril);
  const A = qA(q);
  const t21 = traceXXt(mul(Lp, unsqueeze(rsqrt(q._unbroadcastedCovDiag), -1)));
  const t22 = traceXXt(matmul(A, Lp));
  return mul(sub(add(add(term1, sub(t21, t22)), term3), p.eventShape[0]), 0.5);
});
registerKl(LowRankMultivariateNormal, MultivariateNormal, (p, q) => {
  sameEvent(p, q);
  const Lq = q._unbroadcastedScaleTril;
  const term1 = sub(mul(halfLogDet(Lq), 2), lowrankLogdet(p._unbroadcastedCovDiag, p._capacitanceTril));
  const term3 = mahalanobis(Lq, sub(q.loc, p.loc));
  const t21 = traceXXt(solveLower(Lq, p._unbroadcastedCovFactor));
  const t22 = traceXXt(solveLower(Lq, diagEmbed(sqrt(p._unbroadcastedCovDiag))));
  return mul(sub(add(add(term1, add(t21, t22)), term3), p.eventShape[0]), 0.5);
});
