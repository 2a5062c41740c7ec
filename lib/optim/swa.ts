// swa.ts — stochastic weight averaging (`fl.optim.swaUtils`), as torch.optim.swa_utils 1.13:
// AveragedModel (a deep copy of a model whose parameters, and optionally buffers, hold the running
// average of the model's), SWALR (anneals each group's lr to its SWA lr, then keeps it) and updateBn
// (recomputes batch-norm statistics with one pass over the data, as a cumulative average).
import { deepCopyModule } from '../nn/params';
import { Tensor, scope } from '../tensor';
import { noGrad } from '../autograd';
import { zeros } from '../ops/creation';
import { ValueError } from '../errors';
import { describeArg } from '../arity';
import { Module } from '../nn/module';
import { BatchNormBase } from '../nn/norm';
import * as A from '../args';
import { optional, required, signature } from '../args';
import { LRScheduler } from './lr_scheduler';
import { Optimizer } from './optimizer';
import '../ops/elementwise';

/** How AveragedModel combines: `(averaged, current, numAveraged) => new average` (tensors under noGrad; numAveraged a number). */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: number) => Tensor;

const SWA_ARGS = {
  AveragedModel: signature('AveragedModel', ['model', 'device', 'avgFn', 'useBuffers'], {
    model: required(A.anyValue<Module>()), device: optional(A.nullable(A.device), null), avgFn: optional(A.nullable(A.anyValue<AvgFn>()), null),
    useBuffers: optional(A.bool, false),
  }),
  SWALR: signature('SWALR', ['optimizer', 'swaLr', 'annealEpochs', 'annealStrategy'], {
    optimizer: required(A.anyValue<Optimizer>()), swaLr: required(A.anyValue<number | number[]>()), annealEpochs: optional(A.anyValue<number>(), 10),
    annealStrategy: optional(A.oneOf('cos', 'linear'), 'cos'),
  }),
  updateBn: signature('updateBn', ['loader', 'model', 'device'], {
    loader: required(A.anyValue<Iterable<unknown> | AsyncIterable<unknown>>()), model: required(A.anyValue<Module>()), device: optional(A.nullable(A.device), null),
  }),
};

/**
 * A copy of `model` that keeps the running average of its parameters (and, with `useBuffers`, of
 * its buffers), as `torch.optim.swa_utils.AveragedModel`. `avgFn(averaged, current, n)` replaces
 * the equal-weight average (for an exponential moving average, say). Its buffer `n_averaged`
 * counts the updates.
 *
 * ```ts
 * const swa = new fl.optim.swaUtils.AveragedModel(model);
 * swa.updateParameters(model);   // after each epoch of the SWA phase
 * ```
 */
export class AveragedModel<M extends Module = Module> extends Module {
  /** The averaged copy of the model. */
  module: M;
  /** The averaging function (the equal-weight running mean by default). */
  avgFn: AvgFn;
  /** Whether buffers are averaged too (else they are the copy's own). */
  useBuffers: boolean;
  constructor(model: M, options?: { device?: string | null; avgFn?: AvgFn | null; useBuffers?: boolean });
  constructor(model: M, device?: string | null, avgFn?: AvgFn | null, useBuffers?: boolean);
  constructor(...args: unknown[]) {
    const o = SWA_ARGS.AveragedModel.parse(args);
    if (!(o.model instanceof Module)) throw new ValueError(`AveragedModel: model must be an nn.Module, got ${describeArg(o.model)}`);
    if (o.avgFn !== null && typeof o.avgFn !== 'function') throw new ValueError(`AveragedModel: avgFn must be a function or null, got ${describeArg(o.avgFn)}`);
    super();
    let m = deepCopyModule(o.model as M);
    if (o.device !== null) m = m.to(o.device);
    this.module = m;
    this.registerBuffer('n_averaged', zeros([], { dtype: 'int32', device: o.device ?? undefined }));
    this.avgFn = o.avgFn ?? ((avg, cur, n) => avg.add(cur.sub(avg).div(n + 1)));
    this.useBuffers = o.useBuffers;
  }

  /** Buffer 'n_averaged': how many times updateParameters ran (an int32 scalar). */
  get nAveraged(): Tensor { return this._buffers.get('n_averaged')!; }

  /** Runs the averaged model. */
  forward(...args: unknown[]): unknown { return (this.module as unknown as { forward(...a: unknown[]): unknown }).forward(...args); }

  /** Folds `model`'s current parameters (and buffers, with useBuffers) into the average. */
  updateParameters(model: Module): void {
    if (arguments.length > 1) throw new ValueError('AveragedModel.updateParameters: takes one model');
    if (!(model instanceof Module)) throw new ValueError(`AveragedModel.updateParameters: expected an nn.Module, got ${describeArg(model)}`);
    const mine = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : this.parameters();
    const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    if (mine.length !== theirs.length) {
      throw new ValueError(`AveragedModel.updateParameters: the model has ${theirs.length} ${this.useBuffers ? 'parameters and buffers' : 'parameters'}, the averaged copy ${mine.length}`);
    }
    const n = this.nAveraged.item();
    noGrad(() => scope(() => {
      mine.forEach((ps, i) => {
        const pm = theirs[i];
        if (pm._shape.length !== ps._shape.length || pm._shape.some((d, k) => d !== ps._shape[k])) {
          throw new ValueError(`AveragedModel.updateParameters: tensor ${i} has shape [${pm._shape.join(', ')}], the averaged one [${ps._shape.join(', ')}]`);
        }
        const cur = pm.detach().to(ps.device);
        ps.copy_(n === 0 ? cur : this.avgFn(ps.detach(), cur, n));
      });
      this.nAveraged.add_(1);
    }));
  }
}

/**
 * Anneals each group's learning rate from its value to `swaLr` over `annealEpochs` epochs ('cos'
 * or 'linear'), then keeps it, as `torch.optim.swa_utils.SWALR`. The group key `swaLr` holds it.
 *
 * ```ts
 * const swaSched = new fl.optim.swaUtils.SWALR(opt, { swaLr: 0.05, annealEpochs: 5 });
 * ```
 */
export class SWALR extends LRScheduler {
  annealEpochs: number;
  annealStrategy: 'cos' | 'linear';
  constructor(optimizer: Optimizer, options: { swaLr: number | number[]; annealEpochs?: number; annealStrategy?: 'cos' | 'linear' });
  constructor(optimizer: Optimizer, swaLr: number | number[], annealEpochs?: number, annealStrategy?: 'cos' | 'linear');
  constructor(...args: unknown[]) {
    const o = SWA_ARGS.SWALR.parse(args);
    if (!(o.optimizer instanceof Optimizer)) throw new ValueError(`SWALR: expected an Optimizer, got ${o.optimizer === null ? 'null' : typeof o.optimizer}`);
    const groups = o.optimizer.paramGroups;
    let swaLrs: number[];
    if (Array.isArray(o.swaLr)) {
      if (o.swaLr.length !== groups.length) throw new ValueError(`SWALR: swaLr must have the same length as optimizer.paramGroups: swaLr has ${o.swaLr.length}, optimizer.paramGroups has ${groups.length}`);
      swaLrs = o.swaLr.slice();
    } else swaLrs = new Array(groups.length).fill(o.swaLr);
    if (!swaLrs.every((v) => typeof v === 'number' && !Number.isNaN(v))) throw new ValueError(`SWALR: swaLr must be a number or one per group, got ${describeArg(o.swaLr)}`);
    const e = o.annealEpochs;
    if (typeof e !== 'number' || !Number.isInteger(e) || e < 0) throw new ValueError(`SWALR: annealEpochs must be an integer >= 0, got ${describeArg(e)}`);
    groups.forEach((g, i) => { g.swaLr = swaLrs[i]; });
    super(o.optimizer, 'SWALR');
    this.annealEpochs = e;
    this.annealStrategy = o.annealStrategy;
    this.initialStep();
  }

  private anneal(t: number): number { return this.annealStrategy === 'linear' ? t : (1 - Math.cos(Math.PI * t)) / 2; }

  protected getLr(): number[] {
    let step = this._stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const prevT = Math.max(0, Math.min(1, (step - 1) / Math.max(1, this.annealEpochs)));
    const prevAlpha = this.anneal(prevT);
    const groups = this.optimizer.paramGroups;
    const prevLrs = groups.map((g) => (prevAlpha === 1 ? g.swaLr as number : (g.lr - prevAlpha * (g.swaLr as number)) / (1 - prevAlpha)));
    const alpha = this.anneal(Math.max(0, Math.min(1, step / Math.max(1, this.annealEpochs))));
    return groups.map((g, i) => (g.swaLr as number) * alpha + prevLrs[i] * (1 - alpha));
  }
}

function isBatchNorm(m: Module): m is BatchNormBase { return m instanceof BatchNormBase; }

/**
 * Recomputes the running statistics of every batch norm in `model` with one pass over `loader`
 * (a cumulative average over its batches), as `torch.optim.swa_utils.update_bn`. A batch that is
 * an array gives its first element as the input. Returns a Promise when `loader` is asynchronous
 * (a DataLoader), nothing otherwise.
 *
 * ```ts
 * await fl.optim.swaUtils.updateBn(trainLoader, swaModel);
 * ```
 */
export function updateBn(loader: Iterable<unknown>, model: Module, device?: string | null): void;
export function updateBn(loader: AsyncIterable<unknown>, model: Module, device?: string | null): Promise<void>;
export function updateBn(...args: unknown[]): void | Promise<void> {
  const o = SWA_ARGS.updateBn.parse(args);
  const { loader, model, device } = o;
  if (!(model instanceof Module)) throw new ValueError(`updateBn: model must be an nn.Module, got ${describeArg(model)}`);
  const sync = loader !== null && typeof loader === 'object' && typeof (loader as Iterable<unknown>)[Symbol.iterator] === 'function';
  const async_ = loader !== null && typeof loader === 'object' && typeof (loader as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
  if (!sync && !async_) throw new ValueError(`updateBn: loader must be an iterable (or async iterable) of batches, got ${describeArg(loader)}`);
  const momenta = new Map<BatchNormBase, number | null>();
  for (const m of model.modules()) {
    if (!isBatchNorm(m) || !m.runningMean) continue;
    noGrad(() => { m.runningMean!.zero_(); m.runningVar!.fill_(1); });
    momenta.set(m, m.momentum);
  }
  if (momenta.size === 0) return async_ && !sync ? Promise.resolve() : undefined;
  const wasTraining = model.training;
  model.train();
  for (const m of momenta.keys()) {
    (m as { momentum: number | null }).momentum = null;
    noGrad(() => m.numBatchesTracked!.zero_());
  }
  const restore = (): void => {
    for (const [m, mom] of momenta) (m as { momentum: number | null }).momentum = mom;
    model.train(wasTraining);
  };
  const run = (batch: unknown): void => {
    let input = Array.isArray(batch) ? batch[0] : batch;
    if (!(input instanceof Tensor)) throw new ValueError(`updateBn: a batch must be a Tensor or an array whose first element is one, got ${describeArg(input)}`);
    noGrad(() => scope(() => {
      (model as unknown as { forward(x: Tensor): unknown }).forward(device !== null ? input.to(device) : input);
    }));
    input = null;
  };
  if (sync) {
    try { for (const b of loader as Iterable<unknown>) run(b); } finally { restore(); }
    return undefined;
  }
  return (async () => {
    try { for await (const b of loader as AsyncIterable<unknown>) run(b); } finally { restore(); }
  })();
}
