// syncbn.ts — nn.SyncBatchNorm and SyncBatchNorm.convertSyncBatchnorm, torch 1.13's API: batch norm
// over an input of any rank >= 2 ([N, C, *]) whose training statistics would be those of the whole
// distributed batch.
//
// What works: with no process group, a world of one, in eval mode, or without batch statistics
// (trackRunningStats and eval), the layer is exactly BatchNorm (torch's SyncBatchNorm calls
// F.batch_norm there too), on the CPU as well as the GPU (torch 1.13 refuses CPU input — "SyncBatchNorm
// expected input tensor to be on GPU" — flintml's process groups run on the CPU with MPI, so it is
// allowed). convertSyncBatchnorm swaps every batch norm of a model for a SyncBatchNorm that shares
// its parameters and running stats, as torch's.
//
// What does not, yet: training with a world size > 1. Torch all-reduces the per-rank sums (and the
// gradient's sums in backward) with blocking collectives inside forward and backward; flintml's
// collectives are asynchronous (Promises, lib/distributed/group.ts), and neither Module.forward nor
// the autograd tape can wait on one. That case is refused with a DistributedError (never silently
// normalised with the local batch), naming the alternatives.
import { describeArg } from '../arity';
import { DistributedError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { getWorldSize, isInitialized } from '../distributed/group';
import { BatchNormBase, BatchNormOptions } from './norm';
import { needTensor } from './functional';
import { Module } from './module';
import * as A from '../args';
import { ArgsThenOptions, factoryKeywords as FACTORY, optional, required, signature } from '../args';

const EPS = A.num({ min: 0 });
const ARGS = {
  SyncBatchNorm: signature('SyncBatchNorm', ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats', 'processGroup'], {
    numFeatures: required(A.int({ min: 0 })), eps: optional(EPS, 1e-5), momentum: optional(A.nullable(A.num({ min: 0, max: 1 })), 0.1),
    affine: optional(A.bool, true), trackRunningStats: optional(A.bool, true), processGroup: optional(A.anyValue<null>(), null), ...FACTORY,
  }),
  convertSyncBatchnorm: signature('SyncBatchNorm.convertSyncBatchnorm', ['module', 'processGroup'], {
    module: required(A.anyValue<Module>()), processGroup: optional(A.anyValue<null>(), null),
  }),
};

/** Ranks 2 and up: SyncBatchNorm takes [N, C, *] of any rank. */
const ANY_RANK = Array.from({ length: 31 }, (_, i) => i + 2);

function checkGroup(g: unknown, op: string): null {
  if (g !== null && g !== undefined) throw new ValueError(`${op}: processGroup must be null (the default group: flintml has one process group), got ${describeArg(g)}`);
  return null;
}

/** Options of SyncBatchNorm (torch's keyword arguments). */
export interface SyncBatchNormOptions extends BatchNormOptions {
  /** The group whose batch is normalised: null, the default (and only) group. */
  processGroup?: null;
}

/**
 * Batch norm of [N, C, *] whose statistics are meant to span the ranks of a process group, as
 * `torch.nn.SyncBatchNorm(num_features, eps=1e-5, momentum=0.1, affine=True,
 * track_running_stats=True, process_group=None)`. A world of one (or none) and eval mode are
 * exactly BatchNorm; training with a world size > 1 is refused for now (see lib/nn/syncbn.ts).
 *
 * ```ts
 * const model = nn.SyncBatchNorm.convertSyncBatchnorm(new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.BatchNorm2d(8)));
 * ```
 */
export class SyncBatchNorm extends BatchNormBase {
  readonly processGroup: null;
  constructor(numFeatures: number, options?: SyncBatchNormOptions);
  constructor(numFeatures: number, ...args: ArgsThenOptions<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean, processGroup: null], BatchNormOptions>);
  constructor(...args: unknown[]) {
    const o = ARGS.SyncBatchNorm.parse(args);
    super(o, 'SyncBatchNorm', ANY_RANK);
    this.processGroup = checkGroup(o.processGroup, 'SyncBatchNorm');
  }

  forward(x: Tensor): Tensor {
    const op = 'SyncBatchNorm';
    needTensor(x, op);
    // torch: "expected at least 2D input (got 1D input)", "number of input channels should be non-zero"
    if (x.ndim < 2) throw new ShapeError(`${op}: expected at least 2D input [N, C, *], got shape ${fmt(x._shape)}`);
    if (x._shape[1] === 0) throw new ValueError(`${op}: number of input channels should be non-zero, got input of shape ${fmt(x._shape)}`);
    if (x._shape[1] !== this.numFeatures) throw new ShapeError(`${op}: expected input of shape [N, ${this.numFeatures}, *], got ${fmt(x._shape)}`);
    const batchStats = this.training || this.runningMean === null;
    if (this.training && batchStats && isInitialized() && getWorldSize() > 1) {
      throw new DistributedError(
        `${op}: training with a world size of ${getWorldSize()} needs the batch statistics all-reduced inside forward and backward, ` +
        'and flintml\'s collectives are asynchronous: not supported yet. Use BatchNorm (per-rank statistics) or eval mode.', op);
    }
    return super.forward(x);
  }

  /**
   * A copy of `module`'s tree with every batch norm (BatchNorm1d/2d/3d, SyncBatchNorm) replaced by a
   * SyncBatchNorm that shares its parameters and running stats and keeps its training mode, as
   * `torch.nn.SyncBatchNorm.convert_sync_batchnorm(module, process_group=None)`; the other modules are
   * changed in place (their batch-norm children swapped) and returned.
   *
   * ```ts
   * const synced = nn.SyncBatchNorm.convertSyncBatchnorm(model);
   * ```
   */
  static convertSyncBatchnorm<M extends Module>(module: M, processGroup?: null): M | SyncBatchNorm;
  static convertSyncBatchnorm(...args: unknown[]): Module {
    const o = ARGS.convertSyncBatchnorm.parse(args);
    const op = 'SyncBatchNorm.convertSyncBatchnorm';
    if (!(o.module instanceof Module)) throw new ValueError(`${op}: module must be an nn.Module, got ${describeArg(o.module)}`);
    checkGroup(o.processGroup, op);
    return convert(o.module, new Map());
  }
}

/** The converted module for `m` (each batch norm converted once, so a shared one stays shared). */
function convert(m: Module, done: Map<Module, Module>): Module {
  const seen = done.get(m);
  if (seen) return seen;
  if (m instanceof BatchNormBase) {
    const s = new SyncBatchNorm(m.numFeatures, { eps: m.eps, momentum: m.momentum, affine: m.affine, trackRunningStats: m.trackRunningStats, dtype: (m.weight ?? m.runningMean)?.dtype, device: (m.weight ?? m.runningMean)?.device });
    // torch: module_output.weight = module.weight (the same Parameters), and the same buffers
    if (m.affine) { s.weight!.dispose(); s.bias!.dispose(); s.weight = m.weight; s.bias = m.bias; }
    for (const [k, b] of m._buffers) { const own = s._buffers.get(k); if (own && own !== b) own.dispose(); s._buffers.set(k, b); }
    s.training = m.training;
    done.set(m, s);
    return s;
  }
  done.set(m, m);
  // every own field holding a module, or an array or Map of them (containers keep theirs in `_list`, `_map`)
  const own = m as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(own)) {
    if (v instanceof Module) own[k] = convert(v, done);
    else if (Array.isArray(v)) v.forEach((c, i) => { if (c instanceof Module) v[i] = convert(c, done); });
    else if (v instanceof Map) for (const [mk, c] of v) { if (c instanceof Module) v.set(mk, convert(c, done)); }
  }
  return m;
}
