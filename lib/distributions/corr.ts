// corr.ts — LKJCholesky (torch.distributions.LKJCholesky(dim, concentration)): the LKJ
// distribution over lower Cholesky factors of correlation matrices (CorrCholeskyTransform's
// codomain, transforms.ts), sampled by the onion method with Beta draws, as torch 1.13.
import { Tensor, scopeSync } from '../tensor';
import { ValueError } from '../errors';
import { int, optional, required, signature } from '../args';
import { fmt } from '../shape';
import {
  add, arange, cat, clampMin, diagEmbed, diagonal, div, eq, lgamma, log, mul, mvlgamma, narrow, ones, randn, sqrt, square, sub, sum, tril, unsqueeze,
  where, zeros,
} from '../ops';
import { Distribution, DistributionOptions, maybeBool, tensorOrNumber } from './distribution';
import * as C from './constraints';
import type { Constraint } from './constraints';
import { finfo, init, like, take } from './continuous';
import { Beta } from './gamma';

const LKJ_ARGS = signature('LKJCholesky', ['dim', 'concentration', 'validateArgs'], {
  dim: required(int()), concentration: optional(tensorOrNumber, 1), validateArgs: optional(maybeBool),
});
const LKJ_CONSTRAINTS = Object.freeze({ concentration: C.positive });
/**
 * The LKJ distribution over lower Cholesky factors of dim × dim correlation matrices, as
 * `torch.distributions.LKJCholesky(dim, concentration=1.)`: density ∝ det(L Lᵀ)^(concentration - 1);
 * sampled by the onion method (torch's). No rsample (as torch).
 * ```ts
 * const d = new fl.distributions.LKJCholesky(3, 2);
 * const L = d.sample();   // [3, 3]
 * ```
 */
export class LKJCholesky extends Distribution {
  /** D, the size of the matrices. */
  declare readonly dim: number;
  /** η (> 0): 1 is uniform over correlation matrices, larger concentrates near the identity. */
  declare readonly concentration: Tensor;
  /** @internal the Beta of the onion method */ declare readonly _beta: Beta;
  constructor(dim: number, concentration?: Tensor | number, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('LKJCholesky');
    const o = LKJ_ARGS.parse(args);
    if (o.dim < 2) throw new ValueError(`LKJCholesky: expected dim to be an integer greater than or equal to 2, found dim=${o.dim}`);
    const [concentration] = take(this, 'LKJCholesky', ['concentration'], [o.concentration]);
    Object.assign(this, { dim: o.dim, concentration });
    init(this, concentration.shape, [o.dim, o.dim], o.validateArgs, { concentration });
    this._makeBeta();
  }
  private _makeBeta(): void {
    const D = this.dim, c = this.concentration;
    const [c1, c0] = scopeSync(() => {
      const marginal = add(c, 0.5 * (D - 2));
      const offset = cat([zeros([1], like(c)), arange(D - 1, like(c))]);
      return [add(offset, 0.5), sub(unsqueeze(marginal, -1), mul(offset, 0.5))];
    });
    this._own(c1); this._own(c0);
    const beta = new Beta(c1, c0, { validateArgs: false });
    this._subs.push(beta);
    Object.assign(this, { _beta: beta });
  }
  get argConstraints(): Readonly<Record<string, Constraint>> { return LKJ_CONSTRAINTS; }
  get support(): Constraint { return C.corrCholesky; }
  /** @internal */ _fields(): readonly (readonly [string, number])[] { return [['concentration', 0]]; }
  /** @internal */ _like(): Tensor { return this.concentration; }
  /** @internal */ _afterExpand(): void { this._makeBeta(); }
  /** @internal the onion method (torch's sample) */
  _sample(shape: number[]): Tensor {
    const sampleShape = shape.slice(0, shape.length - this._batchShape.length - 2);
    const y = unsqueeze(this._beta._sample([...sampleShape, ...this._beta.batchShape]), -1);
    const u = tril(randn(shape, like(y)), -1);
    const uh = div(u, sqrt(sum(square(u), -1, true)));
    // the first row is 0/0: zeros (torch fills it)
    const rowMask = cat([zeros([1, 1], like(y)), ones([this.dim - 1, 1], like(y))]);
    const uz = mul(clampNaN(uh), rowMask);
    const w = mul(sqrt(y), uz);
    const diag = sqrt(clampMin(sub(1, sum(square(w), -1)), finfo(w.dtype).tiny));
    return add(w, diagEmbed(diag));
  }
  /** @internal */ _logProb(v: Tensor): Tensor {
    const D = this.dim, c = this.concentration;
    const diagElems = narrow(diagonal(v, 0, -1, -2), -1, 1, D - 1);
    const order = sub(add(mul(unsqueeze(sub(c, 1), -1), 2), D), arange(2, D + 1, like(c)));
    const unnorm = sum(mul(order, log(diagElems)), -1);
    const dm1 = D - 1;
    const alpha = add(c, 0.5 * dm1);
    const denominator = mul(lgamma(alpha), dm1);
    const numerator = mvlgamma(sub(alpha, 0.5), dm1);
    const normalize = add(sub(numerator, denominator), 0.5 * dm1 * Math.log(Math.PI));
    return sub(unnorm, normalize);
  }
  toString(): string { return `LKJCholesky(dim: ${this.dim}, concentration: ${fmt(this.concentration.shape)})`; }
}
/** NaN → 0 (the first row's 0/0) */
function clampNaN(x: Tensor): Tensor { return where(eq(x, x), x, 0); }
