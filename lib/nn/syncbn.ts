// syncbn.ts — nn.SyncBatchNorm and SyncBatchNorm.convertSyncBatchnorm, torch 1.13's API: batch norm
// over an input of any rank >= 2 ([N, C, *]) whose training statistics are those of the whole
// distributed batch.
//
// With no process group, a world of one, or in eval mode, the layer is exactly BatchNorm (torch's
// SyncBatchNorm calls F.batch_norm there too), on the CPU as well as the GPU (torch 1.13 refuses CPU
// input — "SyncBatchNorm expected input tensor to be on GPU" — flintml's process groups run on the
// CPU with MPI, so it is allowed). convertSyncBatchnorm swaps every batch norm of a model for a
// SyncBatchNorm that shares its parameters and running stats, as torch's.
//
// Training with a world size > 1 (torch's SyncBatchNorm function, sync_batch_norm.py):
//   forward   each rank computes its per-channel mean, the sum of squared deviations from it (M2) and
//             its count (N·prod(spatial), 0 for an empty local batch), all-gathers [mean, M2, count]
//             ([W, 2C+1]), and combines them in rank order (Chan's parallel formula, the same bits on
//             every rank): n = Σ nᵣ, μ = Σ nᵣμᵣ / n, M2 = Σ M2ᵣ + Σ nᵣ(μᵣ − μ)². It normalises with the
//             biased variance M2/n and updates the running stats with the unbiased M2/(n − 1). Torch
//             gathers (mean, invstd, count) and recovers the variance from invstd; M2 carries the same
//             information without the round trip through eps. Ranks may hold different batch sizes.
//   backward  one autograd node: the local Σdy and Σdy·(x − μ) per channel give the weight and bias
//             gradients (local, as torch's: DistributedDataParallel averages them), and, when the input
//             needs a gradient, are all-reduced (one collective) into dx = w·invstd·(dy − Σdy/n −
//             (x − μ)·invstd²·Σdy(x − μ)/n).
// Both collectives are the process group's blocking forms (group.ts allGatherSync/allReduceSync): a
// forward and a backward cannot await, and torch's blocks there as well. They keep the group's timeout
// (a missing peer ends in DistributedError after timeoutMs) and, for GPU tensors, only wait until NCCL
// has queued the collective: the statistics stay on the device, no host read. Every rank must run
// the same SyncBatchNorm layers in the same order (as every collective program), with an empty
// local batch still taking part. Statistics are computed in float32 for float16/bfloat16 inputs.
// The backward has no second derivative here: a backward with createGraph through it is refused.
import { describeArg } from '../arity';
import { needsGrad, noGrad, record } from '../autograd';
import { ShapeError, ValueError } from '../errors';
import { fmt, numel } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import type { DType } from '../dtype';
import { add, div, gt, mul, rsqrt, sub, where } from '../ops/elementwise';
import { full, zeros } from '../ops/creation';
import { mean, sum } from '../ops/reduce';
import { cat, narrow, reshape } from '../ops/views';
import { allGatherSync, allReduceSync, getWorldSize, isInitialized } from '../distributed/group';
import { BatchNormBase, BatchNormOptions } from './norm';
import { needFloating, needTensor } from './checks';
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
 * track_running_stats=True, process_group=None)`. In training with a world size > 1 the batch
 * statistics are those of every rank's batch together (one all-gather in forward, one all-reduce in
 * backward); a world of one (or none) and eval mode are exactly BatchNorm. The gradients of weight
 * and bias are this rank's, as torch's (DistributedDataParallel averages them).
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
    // torch: need_sync = bn_training and self.training, and a world of more than one rank
    if (!this.training || !isInitialized() || getWorldSize() < 2) return super.forward(x);
    needFloating(x, op);
    let momentum = this.momentum ?? 0;
    if (this.trackRunningStats) {
      const n = this.numBatchesTracked!;
      noGrad(() => n.add_(1));
      // cumulative average: the factor is 1 / batches seen (one readback of a scalar, as BatchNorm)
      if (this.momentum === null) momentum = 1 / n.item();
    }
    return syncBatchNormTrain(x, this.weight, this.bias, this.trackRunningStats ? this.runningMean : null, this.trackRunningStats ? this.runningVar : null,
      momentum, this.eps, getWorldSize());
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

/**
 * SyncBatchNorm in training over a world of `world` ranks (see the head of this file): the output,
 * the running stats updated in place, and one autograd node for x, weight and bias.
 */
function syncBatchNormTrain(x: Tensor, weight: Tensor | null, bias: Tensor | null, runningMean: Tensor | null, runningVar: Tensor | null,
  momentum: number, eps: number, world: number): Tensor {
  const c = x._shape[1];
  const count = x._shape[0] * numel(x._shape.slice(2));
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const cs = [1, c, ...new Array<number>(x.ndim - 2).fill(1)];
  const sdt: DType = x.dtype === 'float64' ? 'float64' : 'float32';
  const dev = x.device;
  const [y, mu, invstd, total] = noGrad(() => scopeSync(() => {
    const xs = x.to(sdt);
    let local: Tensor;
    if (count > 0) {
      const m = mean(xs, { dim: dims });
      const d = sub(xs, reshape(m, cs));
      local = cat([m, sum(mul(d, d), { dim: dims }), full([1], count, { dtype: sdt, device: dev })]);
    } else {
      local = zeros([2 * c + 1], { dtype: sdt, device: dev });  // an empty batch still takes part, with count 0
    }
    const gathered = zeros([world, 2 * c + 1], { dtype: sdt, device: dev });
    const rows = Array.from({ length: world }, (_, r) => reshape(narrow(gathered, 0, r, 1), [2 * c + 1]));
    allGatherSync(rows, local, 'SyncBatchNorm forward: allGather');
    const means = narrow(gathered, 1, 0, c), m2s = narrow(gathered, 1, c, c), counts = narrow(gathered, 1, 2 * c, 1);
    const n = sum(counts, { dim: 0 });  // [1]
    const m = div(sum(mul(counts, means), { dim: 0 }), n);
    const dm = sub(means, m);
    const m2 = add(sum(m2s, { dim: 0 }), sum(mul(counts, mul(dm, dm)), { dim: 0 }));
    const inv = rsqrt(add(div(m2, n), eps));
    // running stats: an empty whole batch (n = 0) leaves them as they are, as BatchNorm's empty batch
    // (decided on the device: the count is not read back)
    const some = gt(n, 0);
    const update = (r: Tensor, batch: Tensor) => r.copy_(where(some, add(mul(r, 1 - momentum), mul(batch, momentum).to(r.dtype)), r));
    if (runningMean) update(runningMean, m);
    if (runningVar) update(runningVar, div(m2, sub(n, 1)));
    let out = mul(sub(xs, reshape(m, cs)), reshape(inv, cs));
    if (weight) out = mul(out, reshape(weight, cs));
    if (bias) out = add(out, reshape(bias, cs));
    return [out.to(x.dtype), m, inv, n];
  }));
  try {
    if (needsGrad(x, weight, bias)) {
      const gx = x.requiresGrad, gw = weight !== null && weight.requiresGrad, gb = bias !== null && bias.requiresGrad;
      const saved = weight ? [x, mu, invstd, total, weight] : [x, mu, invstd, total];
      record('SyncBatchNorm', [x, weight, bias], [y], saved, ([gy], [sx, sm, si, sn, sw]) => scopeSync(() => {
        const g = gy!.to(sdt), xmu = sub(sx.to(sdt), reshape(sm, cs));
        const sumDy = sum(g, { dim: dims }), sumDyXmu = sum(mul(g, xmu), { dim: dims });
        const dw = gw ? mul(sumDyXmu, si).to(weight!.dtype) : null;
        const db = gb ? sumDy.to(bias!.dtype) : null;
        let dx: Tensor | null = null;
        if (gx) {
          const both = cat([sumDy, sumDyXmu]);
          allReduceSync(both, 'sum', 'SyncBatchNorm backward: allReduce');
          const meanDy = div(narrow(both, 0, 0, c), sn), meanDyXmu = div(narrow(both, 0, c, c), sn);
          const inv = reshape(si, cs);
          let k = mul(sub(sub(g, reshape(meanDy, cs)), mul(xmu, mul(mul(inv, inv), reshape(meanDyXmu, cs)))), inv);
          if (sw) k = mul(k, reshape(sw, cs));
          dx = k.to(x.dtype);
        }
        return [dx, dw, db];
      }));
    }
  } finally {
    mu.dispose(); invstd.dispose(); total.dispose();  // the node keeps its own views
  }
  return y;
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
