// adaptive.ts — nn.AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax approximation for
// GPUs"), as torch 1.13's: a head Linear over the shortlist classes [0, cutoffs[0]) plus one logit
// per tail cluster, and per cluster a two-layer projection (Linear(in, in // divValue^(i+1), no bias),
// Linear(that, cluster size, no bias)); state-dict keys as torch's (head.weight, head.bias,
// tail.0.0.weight, tail.0.1.weight, …), so torch's weights load as they are.
//
// forward(input, target) follows torch's algorithm: the rows of each cluster (read from the int32
// target on the host, as torch's nonzero() reads them) go through that cluster's projection only;
// each row's log-probability is its cluster's log-softmax at its class plus the head's log-softmax
// at its cluster (or at its class, in the shortlist). The per-cluster pieces are put back in row
// order with one indexSelect, so that everything is a composition of differentiable ops.
import { describeArg } from '../arity';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { add, ge, neg, where } from '../ops/elementwise';
import { gather, indexSelect } from '../ops/indexing';
import { argmax, mean } from '../ops/reduce';
import { tensor, zeros } from '../ops/creation';
import { cat } from '../ops/views';
import { logSoftmax } from '../ops/softmax';
import { namedTuple } from '../named-tuple';
import { Linear } from './layers';
import { ModuleList, Sequential } from './containers';
import { needTensor } from './checks';
import { FactoryOptions } from './params';
import { Module } from './module';
import * as A from '../args';
import { ArgsThenOptions, factoryKeywords as FACTORY, optional, required, signature, tooManyArgs } from '../args';

const ARGS = signature('AdaptiveLogSoftmaxWithLoss', ['inFeatures', 'nClasses', 'cutoffs', 'divValue', 'headBias'], {
  inFeatures: required(A.int({ min: 1 })), nClasses: required(A.int({ min: 1 })), cutoffs: required(A.anyValue<readonly number[]>()),
  divValue: optional(A.num(), 4), headBias: optional(A.bool, false), ...FACTORY,
});

/** Options of AdaptiveLogSoftmaxWithLoss (torch's keyword arguments). */
export interface AdaptiveLogSoftmaxWithLossOptions extends FactoryOptions {
  /** The projection sizes shrink by this factor per cluster (default 4). */
  divValue?: number;
  /** A bias in the head Linear (default false). */
  headBias?: boolean;
}

/** forward's result, torch's `_ASMoutput(output, loss)`: the target's log-probability per row, and the mean NLL. */
export type ASMOutput = readonly [output: Tensor, loss: Tensor] & { readonly output: Tensor; readonly loss: Tensor };

/**
 * Efficient softmax approximation for large vocabularies, as `torch.nn.AdaptiveLogSoftmaxWithLoss(
 * in_features, n_classes, cutoffs, div_value=4.0, head_bias=False)`. `forward(input, target)` gives
 * `[output, loss]` (also `.output`, `.loss`); `logProb(input)` the full [N, nClasses] log-probabilities;
 * `predict(input)` the most likely class per row. Targets are int32 class indices.
 *
 * ```ts
 * const asm = new nn.AdaptiveLogSoftmaxWithLoss(64, 1000, [100, 500]); const { loss } = asm.forward(h, target);
 * ```
 */
export class AdaptiveLogSoftmaxWithLoss extends Module {
  readonly inFeatures: number;
  readonly nClasses: number;
  /** The cutoffs with nClasses appended, as torch stores them. */
  readonly cutoffs: number[];
  readonly divValue: number;
  readonly headBias: boolean;
  readonly shortlistSize: number;
  readonly nClusters: number;
  readonly headSize: number;
  head: Linear;
  tail: ModuleList<Sequential>;
  constructor(inFeatures: number, nClasses: number, cutoffs: readonly number[], options?: AdaptiveLogSoftmaxWithLossOptions);
  constructor(inFeatures: number, nClasses: number, cutoffs: readonly number[], ...args: ArgsThenOptions<[divValue: number, headBias: boolean], FactoryOptions>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.parse(args);
    const op = 'AdaptiveLogSoftmaxWithLoss';
    const c = o.cutoffs;
    const n = o.nClasses;
    const ok = Array.isArray(c) && c.length > 0 && c.every((v, i) => Number.isInteger(v) && v > 0 && v <= n - 1 && (i === 0 || v > c[i - 1]));
    if (!ok) {
      throw new ValueError(`${op}: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and nClasses-1 (${n - 1}), got ${describeArg(c)}`);
    }
    this.inFeatures = o.inFeatures;
    this.nClasses = n;
    this.cutoffs = [...(c as number[]), n];
    this.divValue = o.divValue;
    this.headBias = o.headBias;
    this.shortlistSize = this.cutoffs[0];
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    const factory = { dtype: o.dtype, device: o.device };
    this.head = new Linear(this.inFeatures, this.headSize, { bias: this.headBias, ...factory });
    const tails: Sequential[] = [];
    for (let i = 0; i < this.nClusters; i++) {
      const hsz = Math.floor(this.inFeatures / this.divValue ** (i + 1));
      const osz = this.cutoffs[i + 1] - this.cutoffs[i];
      tails.push(new Sequential(new Linear(this.inFeatures, hsz, { bias: false, ...factory }), new Linear(hsz, osz, { bias: false, ...factory })));
    }
    this.tail = new ModuleList(tails);
  }

  /** The log-probability of each row's target and the mean negative log-likelihood: `[output, loss]`. */
  forward(input: Tensor, target: Tensor): ASMOutput {
    const op = 'AdaptiveLogSoftmaxWithLoss';
    if (arguments.length > 2) tooManyArgs(op, 'input, target', arguments);
    needTensor(input, op); needTensor(target, op, 'target');
    if (target.dtype !== 'int32') throw new DTypeError(`${op}: target must be an int32 tensor of class indices, got ${target.dtype}`);
    if (target.ndim === 1) {
      if (input.ndim !== 2) throw new ShapeError(`${op}: 1D target tensor expects 2D input tensors, but found inputs with size ${fmt(input._shape)}`);
      if (input._shape[0] !== target._shape[0]) throw new ShapeError(`${op}: input ${fmt(input._shape)} and target ${fmt(target._shape)} should have the same size in the batch dimension`);
    } else if (target.ndim === 0) {
      if (input.ndim !== 1) throw new ShapeError(`${op}: 0D target tensor expects 1D input tensors, but found inputs with size ${fmt(input._shape)}`);
    } else throw new ShapeError(`${op}: 0D or 1D target tensor expected, multi-target not supported (target ${fmt(target._shape)})`);
    const batched = target.ndim > 0;
    const res = scope(() => {
      const x = batched ? input : input.unsqueeze(0);
      const t = batched ? target : target.unsqueeze(0);
      const B = t._shape[0];
      const tv = Array.from(t.dataSync() as Int32Array);
      const bounds = [0, ...this.cutoffs];
      // each row's cluster (0: the shortlist), and its place among the pieces put together below
      const cluster = tv.map((v) => { for (let i = 0; i < bounds.length - 1; i++) if (v >= bounds[i] && v < bounds[i + 1]) return i; return -1; });
      const bad = tv.filter((_, r) => cluster[r] < 0);
      if (bad.length > 0) {
        throw new IndexError(`${op}: target values should be in [0, ${this.nClasses - 1}], but values in range [${Math.min(...tv)}, ${Math.max(...tv)}] were found (target ${fmt(target._shape)})`);
      }
      const headIdx = tv.map((v, r) => (cluster[r] === 0 ? v : this.shortlistSize + cluster[r] - 1));
      const pos = new Int32Array(B);
      const pieces: Tensor[] = [];
      const short = tv.reduce((a, _, r) => (cluster[r] === 0 ? (pos[r] = a, a + 1) : a), 0);
      pieces.push(zeros([short], { dtype: x.dtype, device: x.device }));
      let at = short;
      for (let i = 1; i < bounds.length - 1; i++) {
        const rows = tv.map((_, r) => r).filter((r) => cluster[r] === i);
        if (rows.length === 0) continue;
        rows.forEach((r, k) => { pos[r] = at + k; });
        at += rows.length;
        const dev = x.device;
        const sub = indexSelect(x, 0, tensor(rows, { dtype: 'int32', device: dev }));
        const clusterLogprob = logSoftmax(this.tail.at(i - 1).forward(sub) as Tensor, 1);
        const rel = tensor(rows.map((r) => tv[r] - bounds[i]), { dtype: 'int32', device: dev }).unsqueeze(1);
        pieces.push(gather(clusterLogprob, 1, rel).squeeze(1));
      }
      const tailPart = indexSelect(cat(pieces, 0), 0, tensor(pos, { dtype: 'int32', device: x.device }));
      const headLogprob = logSoftmax(this.head.forward(x), 1);
      const headPart = gather(headLogprob, 1, tensor(headIdx, { dtype: 'int32', device: x.device }).unsqueeze(1)).squeeze(1);
      const output = add(tailPart, headPart);
      const loss = mean(neg(output));
      return [batched ? output : output.squeeze(0), loss];
    });
    return namedTuple(['output', 'loss'], res) as unknown as ASMOutput;
  }

  /** [N, nClasses] from the head's output: torch's _get_full_log_prob. */
  private fullLogProb(x: Tensor, headOutput: Tensor): Tensor {
    const headLogprob = logSoftmax(headOutput, 1);
    const parts: Tensor[] = [headLogprob.narrow(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      const clusterLogprob = logSoftmax(this.tail.at(i).forward(x) as Tensor, 1);
      parts.push(add(clusterLogprob, headLogprob.narrow(1, this.shortlistSize + i, 1)));
    }
    return cat(parts, 1);
  }

  /**
   * The log-probabilities of every class, [N, nClasses], as torch's `log_prob`:
   * `asm.logProb(h).exp().sum(1)` is 1 per row.
   */
  logProb(input: Tensor): Tensor {
    if (arguments.length > 1) tooManyArgs('AdaptiveLogSoftmaxWithLoss.logProb', 'input', arguments);
    this.checkRows(input, 'AdaptiveLogSoftmaxWithLoss.logProb');
    return scope(() => this.fullLogProb(input, this.head.forward(input)));
  }

  /**
   * The most likely class of each row, as torch's `predict` (= `logProb(input).argmax(1)`): `asm.predict(h)`.
   */
  predict(input: Tensor): Tensor {
    if (arguments.length > 1) tooManyArgs('AdaptiveLogSoftmaxWithLoss.predict', 'input', arguments);
    this.checkRows(input, 'AdaptiveLogSoftmaxWithLoss.predict');
    return scope(() => {
      const headOutput = this.head.forward(input);
      const best = argmax(headOutput, 1);
      // rows whose head argmax is a cluster: the argmax of the full log-probabilities (torch computes those rows only)
      const notShort = ge(best, this.shortlistSize);
      if (!(notShort.any().item())) return best;
      return where(notShort, argmax(this.fullLogProb(input, headOutput), 1), best);
    });
  }

  private checkRows(input: Tensor, op: string): void {
    needTensor(input, op);
    if (input.ndim !== 2 || input._shape[1] !== this.inFeatures) throw new ShapeError(`${op}: expected input of shape [N, ${this.inFeatures}], got ${fmt(input._shape)}`);
  }
}
