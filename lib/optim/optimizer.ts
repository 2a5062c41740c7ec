// optimizer.ts — the base of every optimizer (`fl.optim.Optimizer`): parameter groups, per-parameter
// state owned by the optimizer, zeroGrad, and PyTorch-shaped state dicts.
//
// Ownership: state tensors (momentum buffers, exp_avg, …) belong to the optimizer. They are made on
// the first step that sees a parameter's gradient, freed by `dispose()`, and replaced (old ones
// freed) by `loadStateDict`. `stateDict()` returns deep copies, which the caller owns.
// Updates run under noGrad and inside `scope`, so every temporary of a step is freed at its end;
// subclasses `keep()` the state tensors they create there.
import { enableGrad, noGrad } from '../autograd';
import { _range, isProfiling } from '../profiler';
import { describeArg } from '../arity';
import { ValueError } from '../errors';
import { fmt } from '../shape';
import { AnySignature, checkKeys } from '../args';
import { Tensor, keep, scope } from '../tensor';
import { readSetToNone } from '../nn/module';
import '../ops/views';
import '../ops/creation';
import { checkNoGradSync, gradSyncPending } from '../distributed/pending';

/**
 * One parameter group: its parameters and hyperparameters. Each optimizer documents its own keys
 * and types them (`new optim.SGD(…).paramGroups[0].momentum` is a number); the index signature
 * holds the keys other code adds (schedulers' `initialLr`).
 */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  /** Set by the first scheduler: the lr it starts from (PyTorch's `initial_lr`). */
  initialLr?: number;
  /** Set by `OneCycleLR`: the bounds of its cycle. */
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
  [key: string]: unknown;
}

/** What optimizers accept: a list of parameters, or groups with their own hyperparameters. */
export type ParamGroupInput = { params: Iterable<Tensor> | Tensor; [key: string]: unknown };
export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** Per-parameter state: tensors owned by the optimizer, and numbers such as `step`. */
export type ParamState = Record<string, Tensor | number>;

/** A serialisable optimizer state: `state[i]` belongs to the i-th parameter over all groups. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Omit<ParamGroup, 'params'> & { params: number[] })[];
}

/** @internal Throws ValueError unless `v` is a finite number >= min (a name and the optimizer name in the message). */
export function checkNumber(opt: string, name: string, v: unknown, min = 0): void {
  if (typeof v !== 'number' || Number.isNaN(v) || v < min) {
    throw new ValueError(`${opt}: invalid ${name}: ${describeArg(v)} (expected a number >= ${String(min)})`);
  }
}

/** @internal checkNumber for several hyperparameters of group `g`, in order: `{ key: its name in messages }`. */
export function checkNumbers(opt: string, g: object, names: Record<string, string>): void {
  for (const [key, name] of Object.entries(names)) checkNumber(opt, name, (g as Record<string, unknown>)[key]);
}

/** @internal p's gradient as the update sees it: negated under `maximize`, plus the L2 penalty `weightDecay * p`. */
export function directedGrad(p: Tensor, maximize: boolean, weightDecay: number): Tensor {
  let grad: Tensor = maximize ? p.grad!.neg() : p.grad!;
  if (weightDecay !== 0) grad = grad.add(p, weightDecay);
  return grad;
}

/** @internal betas must be two numbers in [0, 1). */
export function checkBetas(opt: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(`${opt}: betas must be a pair [beta1, beta2], got ${describeArg(betas)}`);
  for (let i = 0; i < 2; i++) {
    const b = betas[i];
    if (typeof b !== 'number' || !(b >= 0 && b < 1)) throw new ValueError(`${opt}: invalid beta parameter at index ${i}: ${describeArg(b)} (expected 0 <= beta < 1)`);
  }
}

/**
 * @internal Reads an optimizer's arguments with its signature (lib/args.ts): `(params, …PyTorch's
 * positional hyperparameters, options?)`. Returns the params, the defaults of every group and the
 * optimizer's name: the arguments of Optimizer's constructor.
 */
export function optimizerArgs<Hyper extends object>(sig: AnySignature, args: readonly unknown[]): [Params, Hyper, string] {
  const { params, ...defaults } = sig.parse(args);
  return [params as Params, defaults as Hyper, sig.fn];
}

function cloneState(s: ParamState): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(s)) out[k] = v instanceof Tensor ? noGrad(() => v.clone()) : v;
  return out;
}

// Keys that schedulers keep in param groups (PyTorch's initial_lr, max_lr, …): a group restored
// from a state dict may carry them.
const GROUP_KEYS = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum', 'swaLr'];  // schedulers' keys (OneCycleLR, CyclicLR, SWALR)

function disposeState(s: ParamState | undefined): void {
  if (!s) return;
  for (const v of Object.values(s) as unknown[]) {
    if (v instanceof Tensor) v.dispose();
    else if (Array.isArray(v)) for (const t of v) if (t instanceof Tensor) t.dispose();  // LBFGS's history lists
  }
}

/**
 * The base class of optimizers. Subclasses pass their defaults and implement `update(group)`.
 *
 * ```ts
 * const opt = new fl.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * for (const [x, y] of batches) {
 *   opt.zeroGrad();
 *   fl.scope(() => lossFn(model.forward(x), y).backward());
 *   opt.step();
 * }
 * opt.dispose();   // frees the momentum buffers
 * ```
 */
export abstract class Optimizer<Hyper extends object = object> {
  /** The optimizer's name in error messages. */
  protected readonly name: string;
  /** Default hyperparameters; a group without a key takes it from here. */
  readonly defaults: Record<string, unknown> & Hyper;
  /** The parameter groups: `opt.paramGroups[0].lr = 0.01` changes the learning rate. */
  readonly paramGroups: (ParamGroup & Hyper)[] = [];
  /** Per-parameter state, owned by the optimizer. */
  readonly state = new Map<Tensor, ParamState>();
  /** @internal counted by `step()` (schedulers look at it, as PyTorch's do) */ _stepCount = 0;

  constructor(params: Params, defaults: Hyper, name: string) {
    // abstract in TypeScript; from JavaScript `new Optimizer(…)` (or a subclass without the two
    // methods) would fail on its first group with an untyped TypeError
    if (typeof (this as unknown as Record<string, unknown>).validateGroup !== 'function' || typeof (this as unknown as Record<string, unknown>).update !== 'function') {
      throw new ValueError('Optimizer: construct one of fl.optim\'s optimizers, or a subclass that implements validateGroup(group) and update(group)');
    }
    if (typeof name !== 'string') throw new ValueError(`Optimizer: a subclass passes its name (a string) to super(params, defaults, name), got ${describeArg(name)}`);
    this.name = name;
    this.defaults = { ...defaults } as Record<string, unknown> & Hyper;
    if (params instanceof Tensor) throw new ValueError(`${name}: params must be an iterable of Tensors or of param groups, got a single Tensor (wrap it in an array)`);
    if (params == null || typeof (params as any)[Symbol.iterator] !== 'function') {
      throw new ValueError(`${name}: params must be an iterable of Tensors or of param groups, got ${params === null ? 'null' : typeof params}`);
    }
    const list = Array.from(params as Iterable<any>);
    if (list.length === 0) throw new ValueError(`${name}: optimizer got an empty parameter list`);
    // the constructor's own options are checked even where every group overrides them, as
    // PyTorch's constructors check theirs (torch.optim.Adam([{'params': ps, 'lr': 0.1}], lr=-1) raises)
    this.validateGroup({ ...this.defaults, params: [] } as unknown as ParamGroup & Hyper);
    const groups: ParamGroupInput[] = list.every((x) => x instanceof Tensor) ? [{ params: list }] : list;
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Adds a group of parameters with its own hyperparameters (missing ones come from the defaults):
   * `opt.addParamGroup({ params: head.parameters(), lr: 0.01 })`.
   */
  addParamGroup(group: ParamGroupInput): void {
    const name = this.name;
    if (group === null || typeof group !== 'object' || group instanceof Tensor || !('params' in group)) {
      throw new ValueError(`${name}: a param group must be an object with a 'params' key, got ${group instanceof Tensor ? 'a Tensor mixed with groups' : describeArg(group)}`);
    }
    checkKeys(`${name}: param group`, group, ['params', ...Object.keys(this.defaults), ...GROUP_KEYS]);
    const raw = group.params;
    const params: unknown[] = raw instanceof Tensor ? [raw] : raw != null && typeof (raw as any)[Symbol.iterator] === 'function' ? Array.from(raw as Iterable<unknown>) : [raw];
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ValueError(`${name}: parameter ${i} of a group is not a Tensor (got ${p === null ? 'null' : typeof p})`);
      if (p.isDisposed) throw new ValueError(`${name}: parameter ${i} (shape ${fmt(p._shape)}) was disposed`);
      if (!p.isLeaf) throw new ValueError(`${name}: can't optimize a non-leaf Tensor (parameter ${i}, shape ${fmt(p._shape)})`);
      if (seen.has(p)) throw new ValueError(`${name}: some parameters appear in more than one parameter group (parameter ${i}, shape ${fmt(p._shape)})`);
      seen.add(p);
    });
    const full = { ...this.defaults, ...group, params: params as Tensor[] } as ParamGroup & Hyper;
    this.validateGroup(full);
    this.paramGroups.push(full);
  }

  /** Checks a group's hyperparameters (ValueError naming the optimizer). */
  protected abstract validateGroup(group: ParamGroup & Hyper): void;

  /** Applies one update to the parameters of `group` that have a gradient (runs under noGrad inside a scope). */
  protected abstract update(group: ParamGroup & Hyper): void;

  /**
   * One optimization step over every parameter with a `.grad` (others are skipped). `closure`, if
   * given, re-evaluates the model and returns the loss (run with grad enabled); its result is returned.
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    let loss: T | undefined;
    if (closure) loss = enableGrad(closure);
    if (gradSyncPending.size > 0) for (const g of this.paramGroups) checkNoGradSync(`${this.name}.step`, g.params);
    this.checkLive('step');
    this._stepCount++;
    const update = () => withNoGradScope(() => { for (const g of this.paramGroups) this.update(g); });
    // while profiling, the update is a range named as PyTorch's ('Optimizer.step#SGD.step')
    if (isProfiling()) _range(`Optimizer.step#${this.name}.step`, 'range', update);
    else update();
    return loss;
  }

  /**
   * A disposed parameter (its module was disposed, or the user disposed it) is refused, never
   * skipped: skipping would step nothing, silently.
   */
  private checkLive(what: string): void {
    for (const g of this.paramGroups) {
      g.params.forEach((p, i) => {
        if (p.isDisposed) {
          throw new ValueError(`${this.name}.${what}: parameter ${i} (shape ${fmt(p._shape)}) was disposed: an optimizer cannot step a disposed tensor`);
        }
      });
    }
  }

  /**
   * Clears the gradients: frees them (`setToNone`, the default, as PyTorch 2) or fills them with
   * zeros: `opt.zeroGrad()`, `opt.zeroGrad({ setToNone: false })` (or `opt.zeroGrad(false)`).
   */
  zeroGrad(setToNone: boolean | { setToNone?: boolean } = true): void {
    const none = readSetToNone(setToNone, 'Optimizer.zeroGrad');
    if (gradSyncPending.size > 0) for (const g of this.paramGroups) checkNoGradSync(`${this.name}.zeroGrad`, g.params);
    const clear = () => {
      for (const g of this.paramGroups) {
        for (const p of g.params) {
          if (!p.grad) continue;
          if (none) { p.grad.dispose(); p.grad = null; } else withNoGradScope(() => { p.grad!.zero_(); });
        }
      }
    };
    if (isProfiling()) _range(`Optimizer.zeroGrad#${this.name}.zeroGrad`, 'range', clear);
    else clear();
  }

  /** The state of parameter `p`, made by `init` on first use (tensors made there are kept out of the step's scope). */
  protected stateFor(p: Tensor, init: () => ParamState): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = init();
      for (const v of Object.values(s)) if (v instanceof Tensor) keep(v);
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * The optimizer's state as `{ state, paramGroups }` with parameters numbered over all groups in
   * order (PyTorch's format). Tensors are copies that the caller owns.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups: OptimizerStateDict['paramGroups'] = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      const ids = params.map((p) => { if (!index.has(p)) index.set(p, index.size); return index.get(p)!; });
      return { ...structuredCloneHyper(hyper), params: ids };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = cloneState(s);
    }
    return { state, paramGroups };
  }

  /**
   * Loads a state from `stateDict()`: group hyperparameters are replaced, state tensors are copied
   * (cast to each parameter's dtype and device; the dict keeps ownership of its own tensors).
   */
  loadStateDict(sd: OptimizerStateDict): void {
    this._prepareLoad(sd).commit();
  }

  /**
   * @internal `loadStateDict` in two halves (for loadCheckpoint, which checks everything before
   * changing anything): checks `sd` and builds the new state, changing nothing; `commit()` swaps
   * it in, `abort()` frees it.
   */
  _prepareLoad(sd: OptimizerStateDict): { commit(): void; abort(): void } {
    const name = this.name;
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') {
      throw new ValueError(`${name}.loadStateDict: expected { state, paramGroups }`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`${name}.loadStateDict: loaded state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex: Tensor[] = [];
    sd.paramGroups.forEach((sg, gi) => {
      const g = this.paramGroups[gi];
      if (!Array.isArray(sg.params) || sg.params.length !== g.params.length) {
        throw new ValueError(`${name}.loadStateDict: group ${gi} has ${Array.isArray(sg.params) ? sg.params.length : '?'} parameters in the state dict, ${g.params.length} in the optimizer`);
      }
      sg.params.forEach((id, k) => { byIndex[id] = g.params[k]; });
    });
    // build the new state first (so a failure leaves the old one intact), then swap
    const fresh = new Map<Tensor, ParamState>();
    try {
      for (const [key, s] of Object.entries(sd.state)) {
        const p = byIndex[Number(key)];
        if (!p) throw new ValueError(`${name}.loadStateDict: state for parameter ${key}, which no group lists`);
        const out: ParamState = {};
        fresh.set(p, out);
        for (const [k, v] of Object.entries(s)) {
          if (!(v instanceof Tensor)) { out[k] = v; continue; }
          if (v._shape.length !== p._shape.length || !v._shape.every((d, i) => d === p._shape[i])) {
            throw new ValueError(`${name}.loadStateDict: state '${k}' of parameter ${key} has shape ${fmt(v._shape)}, the parameter ${fmt(p._shape)}`);
          }
          out[k] = keep(noGrad(() => v.to({ dtype: p.dtype, device: p.device, copy: true })));
        }
      }
    } catch (e) {
      for (const s of fresh.values()) disposeState(s);
      throw e;
    }
    const hypers = sd.paramGroups.map((sg) => { const { params: _ids, ...hyper } = sg; return structuredCloneHyper(hyper); });
    return {
      commit: () => {
        for (const s of this.state.values()) disposeState(s);
        this.state.clear();
        for (const [p, s] of fresh) this.state.set(p, s);
        hypers.forEach((h, gi) => Object.assign(this.paramGroups[gi], h));
      },
      abort: () => { for (const s of fresh.values()) disposeState(s); },
    };
  }

  /** Frees the optimizer's state tensors (the parameters are the caller's). */
  dispose(): void {
    for (const s of this.state.values()) disposeState(s);
    this.state.clear();
  }
  [Symbol.dispose](): void { this.dispose(); }
}

function structuredCloneHyper(h: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.slice() : v;
  return out;
}

/** @internal Runs `fn` without recording gradients, freeing every tensor it makes unless kept. */
export function withNoGradScope(fn: () => void): void {
  noGrad(() => scope(fn));
}
