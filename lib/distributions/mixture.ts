// mixture.ts — MixtureSameFamily (torch.distributions.MixtureSameFamily): a Categorical over the
// last batch dim of a component distribution. Its log-density is logsumexp over the components of
// log p_k(x) + log π_k, so it is differentiable in both; sampling picks a component per draw (no
// rsample, as torch). Neither distribution is owned: dispose them yourself (an expanded mixture owns
// the expanded ones it made).
import { Tensor } from '../tensor';
import { describeArg } from '../arity';
import { ValueError } from '../errors';
import { anyValue, optional, required, signature } from '../args';
import { fmt } from '../shape';
import { add, gather, logSoftmax, logsumexp, mul, reshape, square, squeeze, sub, sum, unsqueeze } from '../ops';
import { Distribution, DistributionOptions, maybeBool } from './distribution';
import { Categorical } from './discrete';
import { init } from './continuous';
import type { Constraint } from './constraints';

const MIXTURE_ARGS = signature('MixtureSameFamily', ['mixtureDistribution', 'componentDistribution', 'validateArgs'], {
  mixtureDistribution: required(anyValue<Categorical>()), componentDistribution: required(anyValue<Distribution>()), validateArgs: optional(maybeBool),
});

/**
 * A mixture of K distributions of one family: `componentDistribution` has batch shape [..., K] and
 * `mixtureDistribution` (a Categorical over K) weighs them, as
 * `torch.distributions.MixtureSameFamily(mixture_distribution, component_distribution)`.
 * ```ts
 * const gmm = new fl.distributions.MixtureSameFamily(new fl.distributions.Categorical(w), new fl.distributions.Normal(mu, sigma));
 * gmm.logProb(x);
 * ```
 */
export class MixtureSameFamily extends Distribution {
  /** The Categorical over the components. */
  declare readonly mixtureDistribution: Categorical;
  /** The components (batch shape [...batchShape, K]). */
  declare readonly componentDistribution: Distribution;
  constructor(mixtureDistribution: Categorical, componentDistribution: Distribution, options?: DistributionOptions);
  constructor(...args: unknown[]) {
    super('MixtureSameFamily');
    const o = MIXTURE_ARGS.parse(args);
    const mix = o.mixtureDistribution, comp = o.componentDistribution;
    if (!(mix instanceof Categorical)) throw new ValueError(`MixtureSameFamily: mixtureDistribution must be a Categorical, got ${describeArg(mix)}`);
    if (!(comp instanceof Distribution)) throw new ValueError(`MixtureSameFamily: componentDistribution must be a Distribution, got ${describeArg(comp)}`);
    const mdbs = mix.batchShape, cb = comp.batchShape, cdbs = cb.slice(0, -1);
    for (let i = 1; i <= Math.min(mdbs.length, cdbs.length); i++) {
      const a = mdbs[mdbs.length - i], b = cdbs[cdbs.length - i];
      if (a !== 1 && b !== 1 && a !== b) throw new ValueError(`MixtureSameFamily: mixtureDistribution.batchShape ${fmt(mdbs)} is not compatible with componentDistribution.batchShape ${fmt(cb)}`);
    }
    const km = mix.numEvents, kc = cb[cb.length - 1];
    if (cb.length === 0 || km !== kc) {
      throw new ValueError(`MixtureSameFamily: the mixture's number of components (${km}) does not equal componentDistribution.batchShape[-1] (${cb.length ? kc : 'none: its batch shape is []'})`);
    }
    Object.assign(this, { mixtureDistribution: mix, componentDistribution: comp });
    init(this, cdbs, comp.eventShape, o.validateArgs, {});
  }
  get support(): Constraint { return this.componentDistribution.support; }
  /** @internal */ _like(): Tensor { return this.componentDistribution._like(); }
  private get eventNdims(): number { return this._eventShape.length; }
  /** x with a component dim before the event dims. */
  private pad(x: Tensor): Tensor { return unsqueeze(x, -1 - this.eventNdims); }
  /** torch's _pad_mixture_dimensions: the mixture's probs shaped to broadcast with the components' values. */
  private padMixture(x: Tensor): Tensor {
    const distBatch = this._batchShape.length, catBatch = this.mixtureDistribution.batchShape.length;
    const padNdims = catBatch === 1 ? 0 : distBatch - catBatch;
    const xs = x.shape;
    return reshape(x, [...xs.slice(0, -1), ...new Array<number>(Math.max(padNdims, 0)).fill(1), xs[xs.length - 1], ...new Array<number>(this.eventNdims).fill(1)]);
  }
  /** @internal */ _afterExpand(from: Distribution): void {
    const f = from as MixtureSameFamily;
    const comp = f.componentDistribution.expand([...this._batchShape, f.mixtureDistribution.numEvents]);
    const mix = f.mixtureDistribution.expand(this._batchShape);
    this._subs.push(comp, mix);
    Object.assign(this, { componentDistribution: comp, mixtureDistribution: mix });
  }
  /** @internal */ _mean(): Tensor {
    return sum(mul(this.padMixture(this.mixtureDistribution.probs), this.componentDistribution._mean()), -1 - this.eventNdims);
  }
  /** @internal */ _variance(): Tensor {
    const probs = this.padMixture(this.mixtureDistribution.probs);
    const d = -1 - this.eventNdims;
    const meanCondVar = sum(mul(probs, this.componentDistribution._variance()), d);
    const varCondMean = sum(mul(probs, square(sub(this.componentDistribution._mean(), this.pad(this._mean())))), d);
    return add(meanCondVar, varCondMean);
  }
  /** @internal */ _cdf(x: Tensor): Tensor {
    return sum(mul(this.componentDistribution._cdf(this.pad(x)), this.mixtureDistribution.probs), -1);
  }
  /** @internal */ _logProb(x: Tensor): Tensor {
    const lp = this.componentDistribution._logProb(this.pad(x));
    return logsumexp(add(lp, logSoftmax(this.mixtureDistribution.logits, -1)), -1);
  }
  /** @internal */ _sample(shape: number[]): Tensor {
    const es = this._eventShape;
    const sampleShape = shape.slice(0, shape.length - this._batchShape.length - es.length);
    const gatherDim = sampleShape.length + this._batchShape.length;
    const mixSample = this.mixtureDistribution._sample([...sampleShape, ...this.mixtureDistribution.batchShape]);
    const comp = this.componentDistribution._sample([...sampleShape, ...this.componentDistribution.batchShape, ...es]);
    // the component index of each draw, shaped [...sample, ...batch (broadcast), 1, ...event]
    const mb = this.mixtureDistribution.batchShape, pad = this._batchShape.length - mb.length;
    const ones = (n: number): number[] => new Array<number>(Math.max(n, 0)).fill(1);
    const idx = reshape(mixSample, [...sampleShape, ...ones(pad), ...mb, 1, ...ones(es.length)])
      .expand([...comp.shape.slice(0, gatherDim), 1, ...es]).contiguous();
    return squeeze(gather(comp, gatherDim, idx), gatherDim);
  }
  toString(): string { return `MixtureSameFamily(${this.mixtureDistribution.toString()}, ${this.componentDistribution.toString()})`; }
}
