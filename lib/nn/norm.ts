// norm.ts — normalisation layers: LayerNorm, RMSNorm, GroupNorm, BatchNorm1d, BatchNorm2d.
// The maths is in functional.ts (composed of mean/var/rsqrt, so gradients follow the ops).
//
// Batch norm keeps PyTorch's buffer names — 'running_mean', 'running_var', 'num_batches_tracked'
// (int32 here; int64 in PyTorch) — so state dicts load from and save to PyTorch checkpoints; the
// camelCase getters `runningMean`, `runningVar`, `numBatchesTracked` read the same buffers.
// Training normalises with the batch's biased variance and moves the running variance toward the
// unbiased one, as PyTorch; `momentum: null` gives the cumulative average (1 / batches seen).
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { ShapeError, ValueError } from '../errors';
import { zeros } from '../ops/creation';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { batchNormOp as batchNorm, groupNormOp as groupNorm, layerNormOp as layerNorm, rmsNormOp as rmsNorm } from './functional';
import { needTensor } from './checks';
import { ones_, zeros_ } from './init';
import { channelParamsAndStats, FactoryOptions, newParameter, pyBool, pyFloat, pyTuple } from './params';
import { Module } from './module';
import * as A from '../args';
import { ArgsThenOptions, factoryKeywords as FACTORY, optional, required, signature } from '../args';

const SHAPE = A.anyValue<number | readonly number[]>();
const EPS = A.num({ min: 0 });
// PyTorch's positional order for each layer (lib/args.ts); dtype and device are keywords.
const ARGS = {
  LayerNorm: signature('LayerNorm', ['normalizedShape', 'eps', 'elementwiseAffine', 'bias'], {
    normalizedShape: required(SHAPE), eps: optional(EPS, 1e-5), elementwiseAffine: optional(A.bool, true), bias: optional(A.bool, true), ...FACTORY,
  }),
  RMSNorm: signature('RMSNorm', ['normalizedShape', 'eps', 'elementwiseAffine'], {
    normalizedShape: required(SHAPE), eps: optional(A.nullable(EPS), null), elementwiseAffine: optional(A.bool, true), ...FACTORY,
  }),
  GroupNorm: signature('GroupNorm', ['numGroups', 'numChannels', 'eps', 'affine'], {
    numGroups: required(A.anyValue<number>()), numChannels: required(A.anyValue<number>()), eps: optional(EPS, 1e-5), affine: optional(A.bool, true), ...FACTORY,
  }),
};
function batchNormSignature(name: string) {
  return signature(name, ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats'], {
    numFeatures: required(A.anyValue<number>()), eps: optional(EPS, 1e-5), momentum: optional(A.nullable(A.num({ min: 0, max: 1 })), 0.1),
    affine: optional(A.bool, true), trackRunningStats: optional(A.bool, true), ...FACTORY,
  });
}
const BATCH_NORM_1D_ARGS = batchNormSignature('BatchNorm1d');
const BATCH_NORM_2D_ARGS = batchNormSignature('BatchNorm2d');
const BATCH_NORM_3D_ARGS = batchNormSignature('BatchNorm3d');

function shapeOf(ns: number | readonly number[], op: string): number[] {
  if (typeof ns !== 'number' && !Array.isArray(ns)) throw new ValueError(`${op}: normalizedShape must be an integer or an array of integers, got ${ns === null ? 'null' : typeof ns}`);
  const s = typeof ns === 'number' ? [ns] : Array.from(ns);
  if (s.some((v) => !Number.isInteger(v) || v < 0)) throw new ValueError(`${op}: normalizedShape must hold non-negative integers, got ${describeArg(ns)}`);
  return s;
}

/** Options of LayerNorm. */
export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  /** Learnable weight (ones) and bias (zeros) of normalizedShape; default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether to learn a bias (default true). */
  bias?: boolean;
}

/**
 * What LayerNorm and RMSNorm share: the trailing dims they normalise over, eps, and a learnable
 * weight (ones) of that shape with elementwiseAffine.
 */
abstract class TrailingNorm<Eps extends number | null> extends Module {
  readonly normalizedShape: number[];
  readonly eps: Eps;
  readonly elementwiseAffine: boolean;
  weight: Tensor | null;
  protected constructor(name: string, o: { normalizedShape: number | readonly number[]; eps: Eps; elementwiseAffine: boolean } & FactoryOptions) {
    super();
    this.normalizedShape = shapeOf(o.normalizedShape, name);
    this.eps = o.eps;
    this.elementwiseAffine = o.elementwiseAffine;
    this.weight = this.elementwiseAffine ? newParameter(this.normalizedShape, o, ones_) : null;
  }
  extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${this.eps === null ? 'None' : pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/**
 * Normalises over the trailing `normalizedShape` dims, then scales and shifts:
 * `new nn.LayerNorm(512)`, `new nn.LayerNorm([8, 8], { eps: 1e-6 })`.
 */
export class LayerNorm extends TrailingNorm<number> {
  bias: Tensor | null;
  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions);
  constructor(normalizedShape: number | readonly number[], ...args: ArgsThenOptions<[eps: number, elementwiseAffine: boolean, bias: boolean], FactoryOptions>);
  constructor(...args: unknown[]) {
    const options = ARGS.LayerNorm.parse(args);
    super('LayerNorm', options);
    this.bias = this.elementwiseAffine && options.bias ? newParameter(this.normalizedShape, options, zeros_) : null;
  }
  forward(x: Tensor): Tensor { return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps, 'LayerNorm'); }
}

/**
 * Root-mean-square normalisation over the trailing dims (no centring, no bias); eps defaults to
 * the input dtype's machine epsilon, as torch.nn.RMSNorm: `new nn.RMSNorm(4096, { eps: 1e-6 })`.
 */
export class RMSNorm extends TrailingNorm<number | null> {
  constructor(normalizedShape: number | readonly number[], options?: FactoryOptions & { eps?: number | null; elementwiseAffine?: boolean });
  constructor(normalizedShape: number | readonly number[], ...args: ArgsThenOptions<[eps: number | null, elementwiseAffine: boolean], FactoryOptions>);
  constructor(...args: unknown[]) { super('RMSNorm', ARGS.RMSNorm.parse(args)); }
  forward(x: Tensor): Tensor { return rmsNorm(x, this.normalizedShape, this.weight, this.eps, 'RMSNorm'); }
}

/** Normalises groups of channels of [N, C, *]: `new nn.GroupNorm(8, 64)`. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Tensor | null;
  bias: Tensor | null;
  constructor(numGroups: number, numChannels: number, options?: FactoryOptions & { eps?: number; affine?: boolean });
  constructor(numGroups: number, numChannels: number, ...args: ArgsThenOptions<[eps: number, affine: boolean], FactoryOptions>);
  constructor(...args: unknown[]) {
    super();
    const options = ARGS.GroupNorm.parse(args);
    const { numGroups, numChannels } = options;
    if (!Number.isInteger(numGroups) || numGroups <= 0 || !Number.isInteger(numChannels) || numChannels % numGroups !== 0) {
      throw new ValueError(`GroupNorm: num_channels (${describeArg(numChannels)}) must be divisible by num_groups (${describeArg(numGroups)})`);
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps;
    this.affine = options.affine;
    this.weight = this.affine ? newParameter([numChannels], options, ones_) : null;
    this.bias = this.affine ? newParameter([numChannels], options, zeros_) : null;
  }
  forward(x: Tensor): Tensor {
    needTensor(x, 'GroupNorm');
    if (x.ndim < 2 || x._shape[1] !== this.numChannels) {
      throw new ShapeError(`GroupNorm: expected input of shape [N, ${this.numChannels}, *], got ${fmt(x._shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps, 'GroupNorm');
  }
  extraRepr(): string { return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`; }
}

/** Options of the batch norms. */
export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** Running-stat factor (default 0.1); null for a cumulative moving average. */
  momentum?: number | null;
  /** Learnable per-channel weight (ones) and bias (zeros); default true. */
  affine?: boolean;
  /** Keep running mean/var (used in eval); default true. Without, eval uses batch statistics. */
  trackRunningStats?: boolean;
}

/** What the batch norms share (BatchNorm1d/2d/3d), as torch's `_BatchNorm`: `m instanceof nn.BatchNormBase` finds them all (swaUtils.updateBn does). */
export abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;
  /** @internal */
  constructor(options: ReturnType<typeof BATCH_NORM_1D_ARGS.parse>, readonly op: string, private readonly ranks: number[]) {
    super();
    // the base class is abstract: `new fl.nn.BatchNormBase()` (the API fuzzer's call) gets a typed error
    if (options === null || typeof options !== 'object') throw new ValueError(`BatchNormBase: the base class takes parsed options; use nn.BatchNorm1d, BatchNorm2d or BatchNorm3d`);
    const numFeatures = options.numFeatures;
    if (!Number.isInteger(numFeatures) || numFeatures < 0) throw new ValueError(`${op}: numFeatures must be a non-negative integer, got ${String(numFeatures)}`);
    this.numFeatures = numFeatures;
    this.eps = options.eps;
    this.momentum = options.momentum;
    this.affine = options.affine;
    this.trackRunningStats = options.trackRunningStats;
    [this.weight, this.bias] = channelParamsAndStats(this, numFeatures, options, this.affine, this.trackRunningStats);
  }
  /** Buffer 'running_mean' (null without trackRunningStats). */
  get runningMean(): Tensor | null { return this._buffers.get('running_mean') ?? null; }
  /** Buffer 'running_var'. */
  get runningVar(): Tensor | null { return this._buffers.get('running_var') ?? null; }
  /** Buffer 'num_batches_tracked' (int32 scalar). */
  get numBatchesTracked(): Tensor | null { return this._buffers.get('num_batches_tracked') ?? null; }

  /** Sets the running stats back to mean 0, var 1, and the batch count to 0. */
  resetRunningStats(): void {
    noGrad(() => { this.runningMean?.zero_(); this.runningVar?.fill_(1); this.numBatchesTracked?.zero_(); });
  }

  forward(x: Tensor): Tensor {
    needTensor(x, this.op);
    if (!this.ranks.includes(x.ndim) || x._shape[1] !== this.numFeatures) {
      const c = this.numFeatures;
      const want = this.ranks.length === 2 ? `[N, ${c}] or [N, ${c}, L]` : this.ranks[0] === 4 ? `[N, ${c}, H, W]` : `[N, ${c}, D, H, W]`;
      throw new ShapeError(`${this.op}: expected input of shape ${want}, got ${fmt(x._shape)}`);
    }
    // one value per channel is refused (before the batch is counted); an empty batch is not, as PyTorch
    if (this.training && x._shape[0] * x._shape.slice(2).reduce((a, b) => a * b, 1) === 1) {
      throw new ValueError(`${this.op}: expected more than 1 value per channel when training, got input of shape ${fmt(x._shape)}`);
    }
    const useBatch = this.training || this.runningMean === null;
    let momentum = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      const n = this.numBatchesTracked!;
      noGrad(() => n.add_(1));
      // cumulative average: the factor is 1 / batches seen (one readback of a scalar)
      if (this.momentum === null) momentum = 1 / n.item();
    }
    const update = this.training && this.trackRunningStats;
    return batchNorm(x, update || !useBatch ? this.runningMean : null, update || !useBatch ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum, eps: this.eps,
    }, this.op);
  }
  extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Batch norm over [N, C] or [N, C, L] per channel C: `new nn.BatchNorm1d(64)`. */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options?: BatchNormOptions);
  constructor(numFeatures: number, ...args: ArgsThenOptions<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], FactoryOptions>);
  constructor(...args: unknown[]) { super(BATCH_NORM_1D_ARGS.parse(args), 'BatchNorm1d', [2, 3]); }
}

/** Batch norm over [N, C, H, W] per channel C: `new nn.BatchNorm2d(64, { momentum: 0.01 })`. */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options?: BatchNormOptions);
  constructor(numFeatures: number, ...args: ArgsThenOptions<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], FactoryOptions>);
  constructor(...args: unknown[]) { super(BATCH_NORM_2D_ARGS.parse(args), 'BatchNorm2d', [4]); }
}

/** Options of nn.BatchNorm3d (torch's keyword arguments): those of the other batch norms. */
export type BatchNorm3dOptions = BatchNormOptions;

/**
 * Batch norm over [N, C, D, H, W] per channel C, as `torch.nn.BatchNorm3d(num_features, eps=1e-5,
 * momentum=0.1, affine=True, track_running_stats=True)`, with torch's buffer names (running_mean,
 * running_var, num_batches_tracked) and the behaviour of BatchNorm2d.
 *
 * ```ts
 * const bn = new nn.BatchNorm3d(32);
 * ```
 */
export class BatchNorm3d extends BatchNormBase {
  constructor(numFeatures: number, options?: BatchNormOptions);
  constructor(numFeatures: number, ...args: ArgsThenOptions<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], FactoryOptions>);
  constructor(...args: unknown[]) { super(BATCH_NORM_3D_ARGS.parse(args), 'BatchNorm3d', [5]); }
}
