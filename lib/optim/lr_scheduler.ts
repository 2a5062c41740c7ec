// lr_scheduler.ts — learning-rate schedulers (`fl.optim.lrScheduler`), value for value as
// torch.optim.lr_scheduler 1.13: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
// OneCycleLR, LambdaLR, SequentialLR, ConstantLR, MultiplicativeLR, PolynomialLR, ChainedScheduler,
// CyclicLR, CosineAnnealingWarmRestarts, and ReduceLROnPlateau (which, as in PyTorch, is no
// LRScheduler: it steps on a metric).
//
// As in PyTorch, a scheduler writes `lr` into the optimizer's param groups: construction performs
// the first step (epoch 0), and each `step()` (called after `optimizer.step()`) moves one epoch.
// Most schedules are *chainable*: the new lr is computed from the group's current lr (PyTorch's
// `get_lr`), so CosineAnnealingLR follows PyTorch's recursive form exactly; `step(epoch)` uses the
// closed form where one exists (SequentialLR needs it at its milestones).
// State dicts hold plain numbers (JSON-serialisable); lambdas are not saved, as in PyTorch.
import { describeArg } from '../arity';
import { ValueError } from '../errors';
import * as A from '../args';
import { optional, required, signature } from '../args';
import { Optimizer, ParamGroup } from './optimizer';

// Each scheduler's arguments in PyTorch's order (lib/args.ts): `StepLR(opt, 30, 0.1)` or
// `StepLR(opt, { stepSize: 30, gamma: 0.1 })`. Values are range-checked by the constructors.
const OPT = required(A.anyValue<Optimizer>());
const anyNum = A.anyValue<number>();
const ARGS = {
  StepLR: signature('StepLR', ['optimizer', 'stepSize', 'gamma'], { optimizer: OPT, stepSize: required(anyNum), gamma: optional(anyNum, 0.1) }),
  MultiStepLR: signature('MultiStepLR', ['optimizer', 'milestones', 'gamma'], { optimizer: OPT, milestones: required(A.anyValue<number[]>()), gamma: optional(anyNum, 0.1) }),
  ExponentialLR: signature('ExponentialLR', ['optimizer', 'gamma'], { optimizer: OPT, gamma: required(anyNum) }),
  CosineAnnealingLR: signature('CosineAnnealingLR', ['optimizer', 'tMax', 'etaMin'], { optimizer: OPT, tMax: required(anyNum), etaMin: optional(anyNum, 0) }),
  LinearLR: signature('LinearLR', ['optimizer', 'startFactor', 'endFactor', 'totalIters'], {
    optimizer: OPT, startFactor: optional(anyNum, 1 / 3), endFactor: optional(anyNum, 1), totalIters: optional(anyNum, 5),
  }),
  LambdaLR: signature('LambdaLR', ['optimizer', 'lrLambda'], { optimizer: OPT, lrLambda: required(A.anyValue<((epoch: number) => number) | ((epoch: number) => number)[]>()) }),
  OneCycleLR: signature('OneCycleLR', ['optimizer', 'maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase'], {
    optimizer: OPT, maxLr: required(A.anyValue<number | number[]>()), totalSteps: optional(anyNum), epochs: optional(anyNum), stepsPerEpoch: optional(anyNum),
    pctStart: optional(anyNum, 0.3), annealStrategy: optional(A.oneOf('cos', 'linear'), 'cos'), cycleMomentum: optional(A.bool, true),
    baseMomentum: optional(A.anyValue<number | number[]>(), 0.85), maxMomentum: optional(A.anyValue<number | number[]>(), 0.95),
    divFactor: optional(A.num({ gt: 0 }), 25), finalDivFactor: optional(A.num({ gt: 0 }), 1e4), threePhase: optional(A.bool, false),
  }),
  SequentialLR: signature('SequentialLR', ['optimizer', 'schedulers', 'milestones'], {
    optimizer: OPT, schedulers: required(A.anyValue<LRScheduler[]>()), milestones: required(A.anyValue<number[]>()),
  }),
};

/**
 * The base of schedulers. Subclasses set their fields and then call `this.initialStep()` at the end
 * of their constructor (TypeScript cannot set fields before `super()`).
 */
export abstract class LRScheduler {
  /** The optimizer whose learning rates this scheduler sets. */
  readonly optimizer: Optimizer;
  /** The learning rate of each group when scheduling began (`initialLr` in the group). */
  baseLrs: number[];
  /** The index of the last epoch (step); -1 before the first step. */
  lastEpoch = -1;
  /** @internal */ _stepCount = 0;
  /** @internal */ _lastLr: number[] = [];

  constructor(optimizer: Optimizer, protected readonly schedulerName: string) {
    // abstract in TypeScript; from JavaScript `new LRScheduler(…)` has no getLr and, with a name that
    // is not a string, would fail building its own messages
    if (typeof schedulerName !== 'string' || typeof (this as unknown as Record<string, unknown>).getLr !== 'function') {
      throw new ValueError('LRScheduler: construct one of fl.optim.lrScheduler\'s schedulers, or a subclass that implements getLr() and passes its name');
    }
    if (!(optimizer instanceof Optimizer)) throw new ValueError(`${schedulerName}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /** The learning rates for `lastEpoch` (chainable form: from the groups' current lr). */
  protected abstract getLr(): number[];
  /** The learning rates for `lastEpoch` from the base lrs alone, where a closed form exists. */
  protected closedFormLr?(): number[];

  /** @internal Resets the step counters and takes the first step (epoch 0). */
  initialStep(): void {
    this.optimizer._stepCount = 0;
    this._stepCount = 0;
    this.step();
  }

  /**
   * Moves to the next epoch and writes the new learning rates into the optimizer.
   * `step(epoch)` jumps to `epoch` with the closed form where there is one (deprecated in PyTorch).
   */
  step(epoch?: number): void {
    this._stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    const groups = this.optimizer.paramGroups;
    groups.forEach((g, i) => { g.lr = values[i]; });
    this._lastLr = groups.map((g) => g.lr);
  }

  /** The learning rate of each group after the last step: `sched.getLastLr()[0]`. */
  getLastLr(): number[] { return this._lastLr.slice(); }

  /** Keys of this object that are not state (the optimizer, functions, sub-schedulers). */
  protected nonStateKeys(): string[] { return ['optimizer', 'schedulerName']; }

  /** The scheduler's state (plain numbers and arrays, JSON-serialisable). */
  stateDict(): Record<string, unknown> {
    const skip = new Set(this.nonStateKeys());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (!skip.has(k) && typeof v !== 'function') out[k] = structuredClone(v);
    return out;
  }

  /** Restores a state from `stateDict()`. */
  loadStateDict(sd: Record<string, unknown>): void {
    if (!sd || typeof sd !== 'object') throw new ValueError(`${this.schedulerName}.loadStateDict: expected an object`);
    const skip = new Set(this.nonStateKeys());
    for (const [k, v] of Object.entries(sd)) if (!skip.has(k)) (this as any)[k] = structuredClone(v);
  }
}

function groupLrs(o: Optimizer): number[] { return o.paramGroups.map((g) => g.lr); }

// Range checks that return the value checked, so that a constructor checks and assigns in one line.
function positiveInt(name: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ValueError(`${name}: ${what} must be a positive integer, got ${describeArg(v)}`);
  return v;
}
function finite(name: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${name}: ${what} must be a finite number, got ${describeArg(v)}`);
  return v;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number });
  constructor(optimizer: Optimizer, stepSize: number, gamma?: number);
  constructor(...args: unknown[]) {
    const options = ARGS.StepLR.parse(args);
    super(options.optimizer, 'StepLR');
    this.stepSize = positiveInt('StepLR', 'stepSize', options.stepSize);
    this.gamma = finite('StepLR', 'gamma', options.gamma);
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = groupLrs(this.optimizer);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies the learning rate by `gamma` at each milestone epoch.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;
  constructor(optimizer: Optimizer, options: { milestones: number[]; gamma?: number });
  constructor(optimizer: Optimizer, milestones: number[], gamma?: number);
  constructor(...args: unknown[]) {
    const options = ARGS.MultiStepLR.parse(args);
    super(options.optimizer, 'MultiStepLR');
    if (!Array.isArray(options.milestones) || !options.milestones.every((m) => Number.isInteger(m))) {
      throw new ValueError(`MultiStepLR: milestones must be an array of integers, got ${describeArg(options.milestones)}`);
    }
    this.milestones = options.milestones.slice().sort((a, b) => a - b);
    this.gamma = finite('MultiStepLR', 'gamma', options.gamma);
    this.initialStep();
  }
  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = groupLrs(this.optimizer);
    if (count === 0) return lrs;
    return lrs.map((lr) => lr * this.gamma ** count);
  }
  protected closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

/**
 * Multiplies the learning rate by `gamma` every epoch.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: Optimizer, options: { gamma: number });
  constructor(optimizer: Optimizer, gamma: number);
  constructor(...args: unknown[]) {
    const options = ARGS.ExponentialLR.parse(args);
    super(options.optimizer, 'ExponentialLR');
    this.gamma = finite('ExponentialLR', 'gamma', options.gamma);
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = groupLrs(this.optimizer);
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
  protected closedFormLr(): number[] { return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch); }
}

/**
 * Cosine annealing from the base lr to `etaMin` over `tMax` epochs (and back up after, as PyTorch's
 * recursive form does): `lr_t = etaMin + (base - etaMin) (1 + cos(pi t / tMax)) / 2`.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number });
  constructor(optimizer: Optimizer, tMax: number, etaMin?: number);
  constructor(...args: unknown[]) {
    const options = ARGS.CosineAnnealingLR.parse(args);
    super(options.optimizer, 'CosineAnnealingLR');
    this.tMax = positiveInt('CosineAnnealingLR', 'tMax', options.tMax);
    this.etaMin = finite('CosineAnnealingLR', 'etaMin', options.etaMin);
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groupLrs(this.optimizer);
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + (b - etaMin) * (1 + Math.cos(e * Math.PI / T)) / 2);
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T)) / 2);
    }
    return groups.map((g) => (1 + Math.cos(Math.PI * e / T)) / (1 + Math.cos(Math.PI * (e - 1) / T)) * (g.lr - etaMin) + etaMin);
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + (b - this.etaMin) * (1 + Math.cos(Math.PI * this.lastEpoch / this.tMax)) / 2);
  }
}

/**
 * Scales the learning rate linearly from `startFactor` to `endFactor` times the base over
 * `totalIters` epochs (warm-up), then keeps it.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 * ```
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: Optimizer, options?: { startFactor?: number; endFactor?: number; totalIters?: number });
  constructor(optimizer: Optimizer, startFactor?: number, endFactor?: number, totalIters?: number);
  constructor(...args: unknown[]) {
    const options = ARGS.LinearLR.parse(args);
    super(options.optimizer, 'LinearLR');
    this.startFactor = options.startFactor;
    this.endFactor = options.endFactor;
    if (!(this.startFactor > 0 && this.startFactor <= 1)) throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${String(this.startFactor)}`);
    if (!(this.endFactor >= 0 && this.endFactor <= 1)) throw new ValueError(`LinearLR: endFactor must be in [0, 1], got ${String(this.endFactor)}`);
    this.totalIters = positiveInt('LinearLR', 'totalIters', options.totalIters);
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = groupLrs(this.optimizer);
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
  protected closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + (f - s) * Math.min(n, this.lastEpoch) / n));
  }
}

/** LambdaLR's and MultiplicativeLR's `lrLambda`: one function for every group, or one per group. */
function lrLambdasFor(op: string, f: unknown, n: number): ((epoch: number) => number)[] {
  let fs: unknown[];
  if (Array.isArray(f)) {
    if (f.length !== n) throw new ValueError(`${op}: expected ${n} lrLambdas (one per param group), got ${f.length}`);
    fs = f.slice();
  } else {
    fs = new Array<unknown>(n).fill(f);
  }
  if (!fs.every((x) => typeof x === 'function')) throw new ValueError(`${op}: lrLambda must be a function or an array of functions`);
  return fs as ((epoch: number) => number)[];
}

/**
 * Sets each group's lr to `baseLr * lrLambda(epoch)` (one function, or one per group).
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.LambdaLR(opt, { lrLambda: (e) => 0.95 ** e });
 * ```
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: ((epoch: number) => number)[];
  constructor(optimizer: Optimizer, options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[] });
  constructor(optimizer: Optimizer, lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[]);
  constructor(...args: unknown[]) {
    const options = ARGS.LambdaLR.parse(args);
    super(options.optimizer, 'LambdaLR');
    this.lrLambdas = lrLambdasFor('LambdaLR', options.lrLambda, this.optimizer.paramGroups.length);
    this.initialStep();
  }
  protected nonStateKeys(): string[] { return [...super.nonStateKeys(), 'lrLambdas']; }
  protected getLr(): number[] { return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch)); }
}

/** Options of `OneCycleLR` (PyTorch's keyword arguments in camelCase). */
export interface OneCycleLROptions {
  /** the peak learning rate (one, or one per group) */ maxLr: number | number[];
  /** number of steps in the cycle (or give epochs and stepsPerEpoch) */ totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** fraction of the cycle spent increasing the lr (default 0.3) */ pctStart?: number;
  /** 'cos' (default) or 'linear' */ annealStrategy?: 'cos' | 'linear';
  /** cycle momentum (or Adam's beta1) inversely to the lr (default true) */ cycleMomentum?: boolean;
  /** lowest momentum (default 0.85) */ baseMomentum?: number | number[];
  /** highest momentum (default 0.95) */ maxMomentum?: number | number[];
  /** initial lr = maxLr / divFactor (default 25) */ divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4) */ finalDivFactor?: number;
  /** use a third phase that anneals to min lr (fast.ai's schedule is two-phase; default false) */ threePhase?: boolean;
}

interface Phase { endStep: number; startLr: string; endLr: string; startMomentum: string; endMomentum: string }

/**
 * The 1cycle policy (Smith): the lr rises from `maxLr / divFactor` to `maxLr`, then anneals to
 * `initialLr / finalDivFactor`, while momentum moves the other way. Step it after every batch.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 1000 });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  constructor(optimizer: Optimizer, options: OneCycleLROptions);
  constructor(optimizer: Optimizer, maxLr: number | number[], totalSteps?: number, options?: Omit<OneCycleLROptions, 'maxLr' | 'totalSteps'>);
  constructor(...args: unknown[]) {
    const o = ARGS.OneCycleLR.parse(args);
    super(o.optimizer, 'OneCycleLR');
    const optimizer = this.optimizer;
    if (o.totalSteps === undefined && (o.epochs === undefined || o.stepsPerEpoch === undefined)) {
      throw new ValueError('OneCycleLR: you must define either totalSteps or (epochs and stepsPerEpoch)');
    }
    this.totalSteps = o.totalSteps !== undefined ? positiveInt('OneCycleLR', 'totalSteps', o.totalSteps)
      : positiveInt('OneCycleLR', 'epochs', o.epochs) * positiveInt('OneCycleLR', 'stepsPerEpoch', o.stepsPerEpoch);
    const pct = o.pctStart;
    if (typeof pct !== 'number' || !(pct >= 0 && pct <= 1)) throw new ValueError(`OneCycleLR: expected pctStart between 0 and 1, got ${describeArg(pct)}`);
    const n = this.totalSteps;
    this.phases = o.threePhase
      ? [
        { endStep: pct * n - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: 2 * pct * n - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        { endStep: n - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
      ]
      : [
        { endStep: pct * n - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: n - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      ];
    const strategy = o.annealStrategy;
    if (strategy !== 'cos' && strategy !== 'linear') throw new ValueError(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${describeArg(strategy)}`);
    this.annealStrategy = strategy;
    const groups = optimizer.paramGroups;
    const perGroup = (name: string, v: number | number[]): number[] => {
      if (Array.isArray(v)) {
        if (v.length !== groups.length) throw new ValueError(`OneCycleLR: expected ${groups.length} values for ${name}, got ${v.length}`);
        return v.slice();
      }
      if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`OneCycleLR: ${name} must be a number, got ${describeArg(v)}`);
      return new Array(groups.length).fill(v);
    };
    const maxLrs = perGroup('maxLr', o.maxLr);
    const divFactor = o.divFactor, finalDivFactor = o.finalDivFactor;
    groups.forEach((g, i) => {
      g.initialLr = maxLrs[i] / divFactor;
      g.maxLr = maxLrs[i];
      g.minLr = g.initialLr / finalDivFactor;
    });
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.cycleMomentum = o.cycleMomentum;
    this.useBeta1 = 'betas' in optimizer.defaults;
    if (this.cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !this.useBeta1) {
        throw new ValueError('OneCycleLR: optimizer must support momentum (or betas) with the cycleMomentum option enabled');
      }
      const maxM = perGroup('maxMomentum', o.maxMomentum), baseM = perGroup('baseMomentum', o.baseMomentum);
      groups.forEach((g, i) => {
        this.setMomentum(g, maxM[i]);
        g.maxMomentum = maxM[i];
        g.baseMomentum = baseM[i];
      });
    }
    this.initialStep();
  }

  private setMomentum(g: ParamGroup, m: number): void {
    if (this.useBeta1) g.betas = [m, (g.betas as [number, number])[1]];
    else g.momentum = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(`OneCycleLR: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((g) => {
      let start = 0;
      let lr = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i];
        if (stepNum <= ph.endStep || i === this.phases.length - 1) {
          // a phase of no steps (pctStart * totalSteps = 1, or pctStart = 1 past the peak): PyTorch
          // divides by zero there (ZeroDivisionError), flintml would make the lr NaN
          if (ph.endStep === start) {
            throw new ValueError(`OneCycleLR: step ${stepNum} falls in phase ${i + 1} of the schedule, which has no steps (totalSteps ${this.totalSteps}, phases ending at steps ${this.phases.map((p) => p.endStep).join(', ')}); choose a pctStart that gives each phase at least one step`);
          }
          const pct = (stepNum - start) / (ph.endStep - start);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) this.setMomentum(g, this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct));
          break;
        }
        start = ph.endStep;
      }
      return lr;
    });
  }
}

/**
 * Runs schedulers one after another, switching at the milestone epochs.
 *
 * ```ts
 * const warm = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new ExponentialLR(opt, { gamma: 0.9 });
 * const sched = new fl.optim.lrScheduler.SequentialLR(opt, { schedulers: [warm, decay], milestones: [5] });
 * ```
 */
export class SequentialLR extends LRScheduler {
  schedulers: LRScheduler[];
  milestones: number[];
  constructor(optimizer: Optimizer, options: { schedulers: LRScheduler[]; milestones: number[] });
  constructor(optimizer: Optimizer, schedulers: LRScheduler[], milestones: number[]);
  constructor(...args: unknown[]) {
    const { optimizer, schedulers, milestones } = ARGS.SequentialLR.parse(args);
    super(optimizer, 'SequentialLR');
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new ValueError('SequentialLR: schedulers must be a non-empty array of schedulers');
    }
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new ValueError(`SequentialLR: expects all schedulers to belong to the same optimizer, but scheduler ${i} has another`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new ValueError(`SequentialLR: expects one milestone fewer than schedulers, got ${schedulers.length} schedulers and ${Array.isArray(milestones) ? milestones.length : describeArg(milestones)} milestones`);
    }
    this.schedulers = schedulers.slice();
    this.milestones = milestones.slice();
    this.lastEpoch = 0;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;   // undo the sub-schedulers' first steps
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this._lastLr = this.schedulers[0].getLastLr();
  }
  protected getLr(): number[] { return groupLrs(this.optimizer); }
  step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this._lastLr = s.getLastLr();
  }
  protected nonStateKeys(): string[] { return [...super.nonStateKeys(), 'schedulers']; }
  stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  loadStateDict(sd: Record<string, unknown>): void {
    super.loadStateDict(sd);
    if (Array.isArray(sd.schedulers)) sd.schedulers.forEach((s: Record<string, unknown>, i: number) => this.schedulers[i]?.loadStateDict(s));
  }
}

// ---- ConstantLR, MultiplicativeLR, PolynomialLR, ChainedScheduler, ReduceLROnPlateau, CyclicLR,
// CosineAnnealingWarmRestarts (torch 1.13's forms: chainable get_lr, closed form for step(epoch)) ----
const ARGS2 = {
  ConstantLR: signature('ConstantLR', ['optimizer', 'factor', 'totalIters'], { optimizer: OPT, factor: optional(anyNum, 1 / 3), totalIters: optional(anyNum, 5) }),
  MultiplicativeLR: signature('MultiplicativeLR', ['optimizer', 'lrLambda'], { optimizer: OPT, lrLambda: required(A.anyValue<((epoch: number) => number) | ((epoch: number) => number)[]>()) }),
  PolynomialLR: signature('PolynomialLR', ['optimizer', 'totalIters', 'power'], { optimizer: OPT, totalIters: optional(anyNum, 5), power: optional(anyNum, 1) }),
  ChainedScheduler: signature('ChainedScheduler', ['schedulers'], { schedulers: required(A.anyValue<LRScheduler[]>()) }),
  ReduceLROnPlateau: signature('ReduceLROnPlateau', ['optimizer', 'mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'], {
    optimizer: OPT, mode: optional(A.oneOf('min', 'max'), 'min'), factor: optional(anyNum, 0.1), patience: optional(anyNum, 10),
    threshold: optional(anyNum, 1e-4), thresholdMode: optional(A.oneOf('rel', 'abs'), 'rel'), cooldown: optional(anyNum, 0),
    minLr: optional(A.anyValue<number | number[]>(), 0), eps: optional(anyNum, 1e-8),
  }),
  CyclicLR: signature('CyclicLR', ['optimizer', 'baseLr', 'maxLr', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'scaleFn', 'scaleMode', 'cycleMomentum', 'baseMomentum', 'maxMomentum'], {
    optimizer: OPT, baseLr: required(A.anyValue<number | number[]>()), maxLr: required(A.anyValue<number | number[]>()),
    stepSizeUp: optional(anyNum, 2000), stepSizeDown: optional(A.nullable(anyNum), null),
    mode: optional(A.oneOf('triangular', 'triangular2', 'exp_range'), 'triangular'), gamma: optional(anyNum, 1),
    scaleFn: optional(A.nullable(A.anyValue<(x: number) => number>()), null), scaleMode: optional(A.oneOf('cycle', 'iterations'), 'cycle'),
    cycleMomentum: optional(A.bool, true), baseMomentum: optional(A.anyValue<number | number[]>(), 0.8), maxMomentum: optional(A.anyValue<number | number[]>(), 0.9),
  }),
  CosineAnnealingWarmRestarts: signature('CosineAnnealingWarmRestarts', ['optimizer', 't0', 'tMult', 'etaMin'], {
    optimizer: OPT, t0: required(anyNum), tMult: optional(anyNum, 1), etaMin: optional(anyNum, 0),
  }),
};

function nonNegativeInt(name: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ValueError(`${name}: ${what} must be a non-negative integer, got ${describeArg(v)}`);
  return v;
}
/** One value per param group: an array of that length, or one number repeated (PyTorch's _format_param). */
function perGroup(sched: string, what: string, o: Optimizer, v: unknown): number[] {
  const n = o.paramGroups.length;
  if (Array.isArray(v)) {
    if (v.length !== n) throw new ValueError(`${sched}: expected ${n} values for ${what} (one per param group), got ${v.length}`);
    v.forEach((x) => finite(sched, what, x));
    return v.slice() as number[];
  }
  return new Array(n).fill(finite(sched, what, v));
}

/**
 * Multiplies the learning rate by `factor` until epoch `totalIters`, then restores it.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 * ```
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: Optimizer, options?: { factor?: number; totalIters?: number });
  constructor(optimizer: Optimizer, factor?: number, totalIters?: number);
  constructor(...args: unknown[]) {
    const o = ARGS2.ConstantLR.parse(args);
    super(o.optimizer, 'ConstantLR');
    if (typeof o.factor !== 'number' || !(o.factor >= 0 && o.factor <= 1)) throw new ValueError(`ConstantLR: factor must be in [0, 1], got ${describeArg(o.factor)}`);
    this.factor = o.factor;
    this.totalIters = nonNegativeInt('ConstantLR', 'totalIters', o.totalIters);
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = groupLrs(this.optimizer);
    const { lastEpoch: e, factor, totalIters } = this;
    if (e === 0) return lrs.map((lr) => lr * factor);
    if (e !== totalIters) return lrs;
    // PyTorch divides by the factor here (a ZeroDivisionError for factor 0)
    if (factor === 0) throw new ValueError(`ConstantLR: can't restore the learning rate at epoch ${totalIters} after scaling it by factor 0`);
    return lrs.map((lr) => lr * (1 / factor));
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

/**
 * Multiplies each group's learning rate by `lrLambda(epoch)` every epoch (one function, or one per group).
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.MultiplicativeLR(opt, { lrLambda: () => 0.95 });
 * ```
 */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: ((epoch: number) => number)[];
  constructor(optimizer: Optimizer, options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[] });
  constructor(optimizer: Optimizer, lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[]);
  constructor(...args: unknown[]) {
    const o = ARGS2.MultiplicativeLR.parse(args);
    super(o.optimizer, 'MultiplicativeLR');
    this.lrLambdas = lrLambdasFor('MultiplicativeLR', o.lrLambda, this.optimizer.paramGroups.length);
    this.initialStep();
  }
  protected nonStateKeys(): string[] { return [...super.nonStateKeys(), 'lrLambdas']; }
  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch <= 0) return groupLrs(this.optimizer);
    return groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
  }
}

/**
 * Decays the learning rate polynomially to 0 over `totalIters` epochs:
 * `lr = base * (1 - min(epoch, totalIters) / totalIters) ** power`.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.PolynomialLR(opt, { totalIters: 100, power: 2 });
 * ```
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;
  constructor(optimizer: Optimizer, options?: { totalIters?: number; power?: number });
  constructor(optimizer: Optimizer, totalIters?: number, power?: number);
  constructor(...args: unknown[]) {
    const o = ARGS2.PolynomialLR.parse(args);
    super(o.optimizer, 'PolynomialLR');
    this.totalIters = positiveInt('PolynomialLR', 'totalIters', o.totalIters);
    this.power = finite('PolynomialLR', 'power', o.power);
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = groupLrs(this.optimizer);
    const { lastEpoch: e, totalIters: n } = this;
    if (e === 0 || e > n) return lrs;
    const decay = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return lrs.map((lr) => lr * decay);
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

/**
 * Steps several schedulers of one optimizer together, each on the lr the previous one wrote
 * (their factors multiply). It takes no first step of its own.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.ChainedScheduler([new ConstantLR(opt, 0.1, 2), new ExponentialLR(opt, 0.9)]);
 * ```
 */
export class ChainedScheduler extends LRScheduler {
  schedulers: LRScheduler[];
  constructor(schedulers: LRScheduler[]);
  constructor(options: { schedulers: LRScheduler[] });
  constructor(...args: unknown[]) {
    const { schedulers } = ARGS2.ChainedScheduler.parse(args);
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new ValueError('ChainedScheduler: schedulers must be a non-empty array of schedulers');
    }
    super(schedulers[0].optimizer, 'ChainedScheduler');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== this.optimizer) throw new ValueError(`ChainedScheduler: expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
    });
    this.schedulers = schedulers.slice();
    this._lastLr = groupLrs(this.optimizer);
  }
  protected getLr(): number[] { return groupLrs(this.optimizer); }
  /** Steps every scheduler in order. */
  step(): void {
    if (arguments.length > 0) throw new ValueError('ChainedScheduler.step: takes no epoch (step each scheduler yourself to jump)');
    for (const s of this.schedulers) s.step();
    this._lastLr = groupLrs(this.optimizer);
  }
  protected nonStateKeys(): string[] { return [...super.nonStateKeys(), 'schedulers']; }
  stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  loadStateDict(sd: Record<string, unknown>): void {
    super.loadStateDict(sd);
    if (Array.isArray(sd.schedulers)) sd.schedulers.forEach((s: Record<string, unknown>, i: number) => this.schedulers[i]?.loadStateDict(s));
  }
}

/** Options of `ReduceLROnPlateau` (PyTorch's keyword arguments in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should fall; 'max': it should rise */ mode?: 'min' | 'max';
  /** the lr is multiplied by this on a plateau (default 0.1; must be < 1) */ factor?: number;
  /** epochs without improvement tolerated (default 10) */ patience?: number;
  /** what counts as an improvement (default 1e-4) */ threshold?: number;
  /** 'rel' (default): relative to the best value; 'abs': absolute */ thresholdMode?: 'rel' | 'abs';
  /** epochs to wait after a reduction before counting again (default 0) */ cooldown?: number;
  /** the lowest lr (one, or one per group; default 0) */ minLr?: number | number[];
  /** a reduction smaller than this is skipped (default 1e-8) */ eps?: number;
}

/**
 * Reduces the learning rate by `factor` when a metric has stopped improving for `patience` epochs,
 * as `torch.optim.lr_scheduler.ReduceLROnPlateau`: `sched.step(valLoss)` once per epoch.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 3, factor: 0.5 });
 * sched.step(valLoss);
 * ```
 */
export class ReduceLROnPlateau {
  /** The optimizer whose learning rates this scheduler sets. */
  readonly optimizer: Optimizer;
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  /** The best metric so far (Infinity or -Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  eps: number;
  lastEpoch = 0;
  /** @internal */ _lastLr: number[];
  constructor(optimizer: Optimizer, options?: ReduceLROnPlateauOptions);
  constructor(optimizer: Optimizer, mode?: 'min' | 'max', factor?: number, patience?: number, threshold?: number, thresholdMode?: 'rel' | 'abs', cooldown?: number, minLr?: number | number[], eps?: number);
  constructor(...args: unknown[]) {
    const o = ARGS2.ReduceLROnPlateau.parse(args);
    const name = 'ReduceLROnPlateau';
    if (typeof o.factor !== 'number' || !(o.factor < 1)) throw new ValueError(`${name}: factor should be < 1.0, got ${describeArg(o.factor)}`);
    if (!(o.optimizer instanceof Optimizer)) throw new ValueError(`${name}: expected an Optimizer, got ${o.optimizer === null ? 'null' : typeof o.optimizer}`);
    this.optimizer = o.optimizer;
    this.factor = o.factor;
    this.minLrs = perGroup(name, 'minLr', o.optimizer, o.minLr);
    this.patience = nonNegativeInt(name, 'patience', o.patience);
    this.cooldown = nonNegativeInt(name, 'cooldown', o.cooldown);
    this.mode = o.mode;
    this.threshold = finite(name, 'threshold', o.threshold);
    this.thresholdMode = o.thresholdMode;
    this.eps = finite(name, 'eps', o.eps);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this._lastLr = groupLrs(o.optimizer);
  }

  /** Whether the scheduler is waiting out its cooldown. */
  get inCooldown(): boolean { return this.cooldownCounter > 0; }

  /** Whether metric `a` improves on `best` by the threshold. */
  isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode: tm, threshold: th } = this;
    if (mode === 'min') return tm === 'rel' ? a < best * (1 - th) : a < best - th;
    return tm === 'rel' ? a > best * (th + 1) : a > best + th;
  }

  /**
   * Records this epoch's metric (a number or a one-element Tensor) and reduces the learning rates
   * after `patience` epochs without improvement. `epoch` sets the epoch number (deprecated in PyTorch).
   */
  step(metrics: number | { item(): number }, epoch?: number): void {
    if (arguments.length > 2) throw new ValueError('ReduceLROnPlateau.step: takes (metrics, epoch?)');
    let current: number;
    if (typeof metrics === 'number') current = metrics;
    else if (metrics !== null && typeof metrics === 'object' && typeof (metrics as { item?: unknown }).item === 'function') current = (metrics as { item(): number }).item();
    else throw new ValueError(`ReduceLROnPlateau.step: metrics must be a number or a one-element Tensor, got ${describeArg(metrics)}`);
    if (epoch !== undefined && typeof epoch !== 'number') throw new ValueError(`ReduceLROnPlateau.step: epoch must be a number, got ${describeArg(epoch)}`);
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const oldLr = g.lr;
        const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
        if (oldLr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = groupLrs(this.optimizer);
  }

  /** The learning rate of each group after the last step. */
  getLastLr(): number[] { return this._lastLr.slice(); }

  /** The scheduler's state (plain numbers, strings and arrays; `best` may be ±Infinity). */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = structuredClone(v);
    return out;
  }

  /** Restores a state from `stateDict()`. */
  loadStateDict(sd: Record<string, unknown>): void {
    if (!sd || typeof sd !== 'object') throw new ValueError('ReduceLROnPlateau.loadStateDict: expected an object');
    for (const [k, v] of Object.entries(sd)) if (k !== 'optimizer') (this as any)[k] = structuredClone(v);
  }
}

/** Options of `CyclicLR` (PyTorch's keyword arguments in camelCase). */
export interface CyclicLROptions {
  /** the lower bound of the cycle (one, or one per group) */ baseLr: number | number[];
  /** the upper bound of the cycle (one, or one per group) */ maxLr: number | number[];
  /** steps in the increasing half of a cycle (default 2000) */ stepSizeUp?: number;
  /** steps in the decreasing half (default stepSizeUp) */ stepSizeDown?: number | null;
  /** 'triangular' (default), 'triangular2' (halves each cycle) or 'exp_range' (gamma ** iterations) */ mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** exp_range's base (default 1) */ gamma?: number;
  /** a custom amplitude scale (replaces mode) */ scaleFn?: ((x: number) => number) | null;
  /** what scaleFn takes: the cycle number ('cycle', default) or the iteration ('iterations') */ scaleMode?: 'cycle' | 'iterations';
  /** cycle momentum (or Adam's beta1) inversely to the lr (default true) */ cycleMomentum?: boolean;
  /** lowest momentum (default 0.8) */ baseMomentum?: number | number[];
  /** highest momentum (default 0.9) */ maxMomentum?: number | number[];
}

/**
 * Cycles the learning rate between `baseLr` and `maxLr` (Smith's cyclical learning rates), as
 * `torch.optim.lr_scheduler.CyclicLR`; step it after every batch. With `cycleMomentum` the
 * momentum (or Adam's beta1, as torch 2 does) moves between `maxMomentum` and `baseMomentum`.
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 200 });
 * ```
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  useBeta1: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  /** The custom scale function, when one was given (not saved in state dicts). */
  scaleFnCustom: ((x: number) => number) | null;
  constructor(optimizer: Optimizer, options: CyclicLROptions);
  constructor(optimizer: Optimizer, baseLr: number | number[], maxLr: number | number[], stepSizeUp?: number, stepSizeDown?: number | null, mode?: 'triangular' | 'triangular2' | 'exp_range', gamma?: number, scaleFn?: ((x: number) => number) | null, scaleMode?: 'cycle' | 'iterations', cycleMomentum?: boolean, baseMomentum?: number | number[], maxMomentum?: number | number[]);
  constructor(...args: unknown[]) {
    const o = ARGS2.CyclicLR.parse(args);
    const name = 'CyclicLR';
    if (!(o.optimizer instanceof Optimizer)) throw new ValueError(`${name}: expected an Optimizer, got ${o.optimizer === null ? 'null' : typeof o.optimizer}`);
    const baseLrs = perGroup(name, 'baseLr', o.optimizer, o.baseLr);
    const maxLrs = perGroup(name, 'maxLr', o.optimizer, o.maxLr);
    const up = finite(name, 'stepSizeUp', o.stepSizeUp);
    const down = o.stepSizeDown === null ? up : finite(name, 'stepSizeDown', o.stepSizeDown);
    if (!(up + down > 0)) throw new ValueError(`${name}: stepSizeUp + stepSizeDown must be positive, got ${String(up)} and ${String(down)}`);
    if (o.scaleFn !== null && typeof o.scaleFn !== 'function') throw new ValueError(`${name}: scaleFn must be a function or null, got ${describeArg(o.scaleFn)}`);
    const useBeta1 = 'betas' in o.optimizer.defaults;
    if (o.cycleMomentum && !('momentum' in o.optimizer.defaults) && !useBeta1) {
      throw new ValueError(`${name}: optimizer must support momentum (or betas) with the cycleMomentum option enabled`);
    }
    const baseM = o.cycleMomentum ? perGroup(name, 'baseMomentum', o.optimizer, o.baseMomentum) : [];
    const maxM = o.cycleMomentum ? perGroup(name, 'maxMomentum', o.optimizer, o.maxMomentum) : [];
    // PyTorch writes the base lrs (and momentums) into the groups before its base constructor runs
    o.optimizer.paramGroups.forEach((g, i) => { g.lr = baseLrs[i]; });
    super(o.optimizer, name);
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = o.mode;
    this.gamma = finite(name, 'gamma', o.gamma);
    this.scaleFnCustom = o.scaleFn;
    this.scaleMode = o.scaleFn !== null ? o.scaleMode : o.mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycleMomentum = o.cycleMomentum;
    this.useBeta1 = useBeta1;
    if (this.cycleMomentum) {
      this.optimizer.paramGroups.forEach((g, i) => this.setMomentum(g, baseM[i]));
      this.baseMomentums = baseM;
      this.maxMomentums = maxM;
    }
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  private setMomentum(g: ParamGroup, m: number): void {
    if (this.useBeta1) g.betas = [m, (g.betas as [number, number])[1]];
    else g.momentum = m;
  }

  /** The amplitude's scale at x (a cycle number or an iteration, by scaleMode). */
  scaleFn(x: number): number {
    if (this.scaleFnCustom) return this.scaleFnCustom(x);
    if (this.mode === 'triangular') return 1;
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  protected nonStateKeys(): string[] { return [...super.nonStateKeys(), 'scaleFnCustom']; }

  protected getLr(): number[] {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.totalSize);
    const x = 1 + e / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const at = this.scaleMode === 'cycle' ? cycle : e;
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * scaleFactor * this.scaleFn(at));
    if (this.cycleMomentum) {
      const ms = this.baseMomentums.map((b, i) => this.maxMomentums[i] - (this.maxMomentums[i] - b) * scaleFactor * this.scaleFn(at));
      this.optimizer.paramGroups.forEach((g, i) => this.setMomentum(g, ms[i]));
    }
    return lrs;
  }
}

/**
 * Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter): the lr follows a cosine from the
 * base lr to `etaMin` over `t0` epochs, restarts, and each period is `tMult` times the last.
 * `step(epoch)` takes fractional epochs (`sched.step(epoch + i / iters)` within an epoch).
 *
 * ```ts
 * const sched = new fl.optim.lrScheduler.CosineAnnealingWarmRestarts(opt, { t0: 10, tMult: 2 });
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0: number;
  tI: number;
  tMult: number;
  etaMin: number;
  tCur: number;
  constructor(optimizer: Optimizer, options: { t0: number; tMult?: number; etaMin?: number });
  constructor(optimizer: Optimizer, t0: number, tMult?: number, etaMin?: number);
  constructor(...args: unknown[]) {
    const o = ARGS2.CosineAnnealingWarmRestarts.parse(args);
    const name = 'CosineAnnealingWarmRestarts';
    super(o.optimizer, name);
    this.t0 = positiveInt(name, 't0', o.t0);
    this.tI = this.t0;
    if (typeof o.tMult !== 'number' || !Number.isInteger(o.tMult) || o.tMult < 1) throw new ValueError(`${name}: tMult must be an integer >= 1, got ${describeArg(o.tMult)}`);
    this.tMult = o.tMult;
    this.etaMin = finite(name, 'etaMin', o.etaMin);
    this.tCur = this.lastEpoch;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + (b - this.etaMin) * (1 + Math.cos(Math.PI * this.tCur / this.tI)) / 2);
  }
  /** Moves one epoch, or to `epoch` (fractional epochs allowed). */
  step(epoch?: number): void {
    if (epoch !== undefined && (typeof epoch !== 'number' || !Number.isFinite(epoch))) throw new ValueError(`CosineAnnealingWarmRestarts.step: epoch must be a finite number, got ${describeArg(epoch)}`);
    this._stepCount++;
    let e = epoch;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = this.tCur - this.tI;
        this.tI = this.tI * this.tMult;
      }
    } else {
      if (e < 0) throw new ValueError(`CosineAnnealingWarmRestarts.step: expected a non-negative epoch, got ${describeArg(e)}`);
      if (e >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = pyMod(e, this.t0);
        } else {
          const n = Math.trunc(Math.log(e / this.t0 * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = e - this.t0 * (this.tMult ** n - 1) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    const values = this.getLr();
    const groups = this.optimizer.paramGroups;
    groups.forEach((g, i) => { g.lr = values[i]; });
    this._lastLr = groups.map((g) => g.lr);
  }
}

/** Python's float modulo (the result takes the divisor's sign; fmod for positive operands). */
function pyMod(a: number, b: number): number { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; }
