// lr_scheduler.ts — learning-rate schedulers (`fl.optim.lrScheduler`), value for value as
// torch.optim.lr_scheduler 1.13: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
// OneCycleLR, LambdaLR, SequentialLR.
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
    const f = options.lrLambda;
    const n = this.optimizer.paramGroups.length;
    if (Array.isArray(f)) {
      if (f.length !== n) throw new ValueError(`LambdaLR: expected ${n} lrLambdas (one per param group), got ${f.length}`);
      this.lrLambdas = f.slice();
    } else {
      this.lrLambdas = new Array(n).fill(f);
    }
    if (!this.lrLambdas.every((x) => typeof x === 'function')) throw new ValueError('LambdaLR: lrLambda must be a function or an array of functions');
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
