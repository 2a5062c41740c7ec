// prune.ts — `fl.nn.utils.prune`, as torch.nn.utils.prune (1.13): a parameter `name` is pruned by a
// binary mask. Pruning moves the Parameter to `name + '_orig'`, registers the mask as the buffer
// `name + '_mask'`, and makes `module[name]` a plain tensor, `mask * orig`, recomputed by a forward
// pre-hook before every forward (so optimizers train `_orig`, whose gradient is masked). The state
// dict holds `weight_orig` and `weight_mask` under torch's names, so pruned state dicts move between
// the two. Pruning a pruned name again composes the masks through a PruningContainer: the new method
// sees only what is still unpruned (the remaining entries, or the remaining channels), as torch's
// `_combine_masks`. `remove` makes the pruning permanent: the `_orig` Parameter, holding the pruned
// values, becomes `name` again.
//
// Where JavaScript cannot say what Python says:
//   - `amount`: an integer is a count and any other number a fraction in [0, 1] (Python tells
//     `1` from `1.0`; here `1` prunes one unit: prune everything with the count itself);
//   - ties: the smallest |w| (L1) or the largest norms (Ln, kept) are picked by fl.topk, which takes
//     equal values in index order (the lower flat index is pruned first by L1; the lower channel
//     is kept first by Ln); torch's topk picks among ties in an unspecified order;
//   - `randomUnstructured` / `randomStructured` draw from flintml's generator (fl.manualSeed), so the
//     positions differ from torch's; the counts and the structure are the same;
//   - globalUnstructured's importance scores are a Map from module to `{ name: Tensor }` (torch's
//     dict keyed by (module, name) tuples).
//
// Memory: the tensors pruning stores in a module (the mask, the first `module[name]`) belong to the
// enclosing scope, as those a layer's constructor makes: prune outside a scope, as modules are made
// (a forward after that scope ended says so, as a DisposedError). The `module[name]` a forward
// computes is the module's (taken out of the forward's scope): each forward frees the previous one,
// and `remove` or `module.dispose()` the last (a parent's dispose() reaches parameters and buffers
// only: dispose the pruned module itself, or `remove` its pruning first).
import * as A from '../args';
import { optional, required, signature } from '../args';
import { checkIterable, describeArg, tooManyArgs } from '../arity';
import { noGrad } from '../autograd';
import { DeviceError, DisposedError, IndexError, ShapeError, ValueError } from '../errors';
import { onesLike, zerosLike } from '../ops/creation';
import { indexSelect, maskedSelect, nonzero } from '../ops/indexing';
import { maskedScatter } from '../ops/misc';
import { norm, type NormP } from '../ops/norms';
import { rand, randLike } from '../ops/random';
import { indexCopy, indexFill } from '../ops/reshaping';
import { kthvalue, topk } from '../ops/sort';
import { cat } from '../ops/views';
import { fmt } from '../shape';
import { keep, scopeSync, Tensor } from '../tensor';
import { isParameter, Module } from './module';

/** How a method's mask is composed with an earlier one (see PruningContainer.computeMask). */
export type PruningType = 'unstructured' | 'structured' | 'global';

type Fields = Record<string, unknown>;
const fieldsOf = (m: Module): Fields => m as unknown as Fields;
/** isParameter as a plain boolean (its type guard would narrow a Tensor that is not one to never). */
const isParam = (v: unknown): boolean => isParameter(v);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((s, i) => s === b[i]);

// ---- amounts ---------------------------------------------------------------------------------------

/** torch's _validate_pruning_amount_init: an integer >= 0 (a count) or a number in [0, 1] (a fraction). */
const amountCheck: A.Check<number> = (v, where) => {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`${where}: invalid type for amount: ${describeArg(v)}. Must be int or float`);
  if (Number.isInteger(v) ? v < 0 : v < 0 || v > 1) {
    throw new ValueError(`${where}=${v} should either be a float in the range [0, 1] or a non-negative integer`);
  }
  return v;
};

/** Python's round(): halves go to the even neighbour (round(2.5) = 2), as torch's _compute_nparams_toprune. */
function pyRound(x: number): number {
  const f = Math.floor(x), d = x - f;
  if (d !== 0.5) return d < 0.5 ? f : f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** The number of units to prune of `size`: the count itself, or round(fraction · size). */
function unitsToPrune(amount: number, size: number, op: string): number {
  const k = Number.isInteger(amount) ? amount : pyRound(amount * size);
  if (k > size) throw new ValueError(`${op}: amount=${k} should be smaller than the number of parameters to prune=${size}`);
  return k;
}

/** torch's _validate_structured_pruning and _validate_pruning_dim: a tensor of >= 2 dims and a dim in it; the dim, made non-negative. */
function structuredDim(t: Tensor, dim: number, op: string): number {
  if (t.ndim <= 1) throw new ValueError(`${op}: structured pruning can only be applied to multidimensional tensors. Found tensor of shape ${fmt(t.shape)} with ${t.ndim} dims`);
  if (dim >= t.ndim || dim < -t.ndim) throw new IndexError(`${op}: invalid index ${dim} for tensor of size ${fmt(t.shape)}`);
  return dim < 0 ? dim + t.ndim : dim;
}

/** The operands of a built-in computeMask: t a Tensor, defaultMask a Tensor of t's shape on t's device. */
function maskOperands(t: unknown, defaultMask: unknown, op: string): void {
  if (!(t instanceof Tensor)) throw new ValueError(`${op}.computeMask: t must be a Tensor, got ${describeArg(t)}`);
  if (!(defaultMask instanceof Tensor)) throw new ValueError(`${op}.computeMask: defaultMask must be a Tensor, got ${describeArg(defaultMask)}`);
  if (fmt(t.shape) !== fmt(defaultMask.shape)) throw new ShapeError(`${op}.computeMask: defaultMask of shape ${fmt(defaultMask.shape)} does not match t of shape ${fmt(t.shape)}`);
  if (t.device !== defaultMask.device) throw new DeviceError(`${op}.computeMask: t is on ${t.device} and defaultMask on ${defaultMask.device}`);
}

const normCheck: A.Check<NormP> = (v, where) => {
  if ((typeof v === 'number' && !Number.isNaN(v)) || v === 'fro' || v === 'nuc') return v;
  throw new ValueError(`${where} must be a number (Infinity and -Infinity included), 'fro' or 'nuc', got ${describeArg(v)}`);
};
const moduleCheck: A.Check<Module> = (v, where) => {
  if (!(v instanceof Module)) throw new ValueError(`${where} must be an nn.Module, got ${describeArg(v)}`);
  return v;
};
const nullableTensor = A.nullable(A.tensor);

// ---- the hooks a module holds ------------------------------------------------------------------------

/** Tags the forward pre-hook pruning registers with the method it runs (torch finds its hooks by class). */
const PRUNING = Symbol('flintml.pruning');
type PruningHook = ((m: Module) => void) & { [PRUNING]: BasePruningMethod };
interface HookEntry { hook: unknown }

/** The module's forward pre-hook entries (module.ts keeps them on the instance) that pruning registered. */
function pruningEntries(m: Module): [HookEntry, BasePruningMethod][] {
  const list = (m as unknown as { _forwardPreHooks?: HookEntry[] })._forwardPreHooks ?? [];
  const out: [HookEntry, BasePruningMethod][] = [];
  for (const e of list) {
    const method = typeof e.hook === 'function' ? (e.hook as Partial<PruningHook>)[PRUNING] : undefined;
    if (method instanceof BasePruningMethod) out.push([e, method]);
  }
  return out;
}

function dropEntry(m: Module, entry: HookEntry): void {
  const list = (m as unknown as { _forwardPreHooks?: HookEntry[] })._forwardPreHooks;
  const i = list ? list.indexOf(entry) : -1;
  if (i >= 0) list!.splice(i, 1);
}

/** module.dispose() also frees the computed tensors (neither parameters nor buffers), then does what it did. */
const DISPOSES_PRUNED = Symbol('flintml.pruning.dispose');
function disposeComputedToo(m: Module): void {
  const cur = m.dispose as unknown as { [DISPOSES_PRUNED]?: true };
  if (cur[DISPOSES_PRUNED]) return;
  const inner = m.dispose;
  const wrapped = function disposePruned(this: Module): void {
    for (const [, method] of pruningEntries(this)) {
      const t = Object.getOwnPropertyDescriptor(this, method._tensorName ?? '')?.value as unknown;
      if (t instanceof Tensor && !isParam(t)) t.dispose();
    }
    inner.call(this);
  };
  Object.defineProperty(wrapped, DISPOSES_PRUNED, { value: true });
  Object.defineProperty(m, 'dispose', { value: wrapped, writable: true, enumerable: false, configurable: true });
}

/**
 * Stores the pruned tensor as module[name] and frees the one it replaces; a forward's (`own`) is
 * taken out of the forward's scope: the module owns it.
 */
function setComputed(m: Module, name: string, t: Tensor, own: boolean): void {
  const prev = Object.getOwnPropertyDescriptor(m, name)?.value as unknown;
  Object.defineProperty(m, name, { value: own ? keep(t) : t, writable: true, enumerable: false, configurable: true });
  if (prev instanceof Tensor && prev !== t && !isParam(prev)) prev.dispose();
}

/** A ValueError / ShapeError / IndexError from a method, again with the function the user called and `context` named. */
function rethrowAs(e: unknown, op: string, context: string): never {
  if (e instanceof ValueError || e instanceof ShapeError || e instanceof IndexError) {
    const E = e.constructor as new (msg: string) => Error;
    throw new E(`${op}: ${e.message}${context ? ` (${context})` : ''}`);
  }
  throw e;
}
const pruningWhat = (name: string, m: Module): string => `pruning '${name}' of ${m.constructor.name}`;

/** The classes whose torch `apply` takes no importance_scores (Identity, the random methods, CustomFromMask): filled below. */
const NO_SCORES = new Set<unknown>();
function takesNoScores(cls: unknown): boolean {
  for (let c = cls; typeof c === 'function'; c = Object.getPrototypeOf(c)) if (NO_SCORES.has(c)) return true;
  return false;
}

// ---- the base class ------------------------------------------------------------------------------------

const PRUNE_ARGS = signature('BasePruningMethod.prune', ['t', 'defaultMask', 'importanceScores'], {
  t: required(A.tensor), defaultMask: optional(nullableTensor, null), importanceScores: optional(nullableTensor, null),
});

/** What `BasePruningMethod.prune` takes after the tensor. */
export interface PruneOptions {
  /** The mask of earlier pruning, which the new mask respects (default: ones). */
  defaultMask?: Tensor | null;
  /** Scores of t's shape that rank the entries in place of t's values (default: t). */
  importanceScores?: Tensor | null;
}

/**
 * The base of the pruning methods, as torch's `BasePruningMethod`: a subclass implements
 * `computeMask(t, defaultMask)` (a new mask of t's shape that keeps the zeros of `defaultMask`)
 * and sets `static PRUNING_TYPE` ('unstructured', 'structured' with a `dim` field, or 'global'),
 * which says how a later method composes with it. `Method.apply(module, name, ...args)` prunes
 * `module[name]` with `new Method(...args)`.
 *
 * ```ts
 * class Threshold extends fl.nn.utils.prune.BasePruningMethod {
 *   static PRUNING_TYPE = 'unstructured' as const;
 *   constructor(readonly threshold: number) { super(); }
 *   computeMask(t: fl.Tensor, defaultMask: fl.Tensor) { return defaultMask.mul(t.abs().gt(this.threshold)); }
 * }
 * Threshold.apply(layer, 'weight', 0.1);
 * ```
 */
export abstract class BasePruningMethod {
  /** How a later method composes with this one's masks (a subclass sets it). */
  static PRUNING_TYPE?: PruningType;
  /** The name of the parameter this method prunes (torch's `_tensor_name`), set by `apply`. */
  _tensorName: string | undefined = undefined;

  /** This method's class's PRUNING_TYPE (torch reads it through the instance). */
  get PRUNING_TYPE(): PruningType | undefined { return (this.constructor as typeof BasePruningMethod).PRUNING_TYPE; }

  /**
   * The mask for importance scores `t`, starting from `defaultMask` (ones when nothing was pruned
   * yet, else the mask so far, whose zeros must stay): a new tensor of t's shape, or `defaultMask`.
   */
  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;

  /**
   * `module[name + '_mask'] * module[name + '_orig']`: the pruned tensor (what the forward pre-hook
   * stores as `module[name]`), a new tensor the caller owns.
   * ```ts
   * const w = method.applyMask(layer);
   * ```
   */
  applyMask(module: Module): Tensor {
    if (arguments.length > 1) tooManyArgs(`${this.constructor.name}.applyMask`, 'module', arguments);
    const op = `${this.constructor.name}.applyMask`;
    const name = this.tensorNameFor(module, op);
    const f = fieldsOf(module);
    const mask = f[`${name}_mask`], orig = f[`${name}_orig`];
    if (!(mask instanceof Tensor) || !(orig instanceof Tensor)) {
      throw new ValueError(`${op}: module ${module.constructor.name} has no '${name}_orig' and '${name}_mask' (its '${name}' is not pruned)`);
    }
    if (mask.isDisposed || orig.isDisposed) {
      throw new DisposedError(`${op}: '${name}_${mask.isDisposed ? 'mask' : 'orig'}' of ${module.constructor.name} was disposed (the tensors pruning stores belong to the scope it ran in, as a layer's own do: prune outside a scope)`);
    }
    return scopeSync(() => mask.to(orig.dtype).mul(orig));
  }

  /**
   * Prunes `module[name]` with a new method of this class, as torch's classmethod `apply`: the
   * arguments after `name` go to the constructor, except an `importanceScores` key of a trailing
   * options object (scores of the parameter's shape that rank its entries in place of its values).
   * On a pruned name, the new method joins the earlier ones in a PruningContainer, which is
   * returned; otherwise the new method is.
   * ```ts
   * const method = fl.nn.utils.prune.L1Unstructured.apply(layer, 'weight', 0.3);
   * ```
   */
  static apply<T extends BasePruningMethod>(this: new (...args: never[]) => T, module: Module, name: string, ...args: unknown[]): T | PruningContainer {
    const cls = this as unknown as typeof BasePruningMethod;
    const op = `${cls.name}.apply`;
    moduleCheck(module, `${op}: module`);
    A.str(name, `${op}: name`);
    let ctorArgs = args;
    let scores: Tensor | null = null;
    const last = args[args.length - 1];
    if (A.isPlainObject(last) && 'importanceScores' in last) {
      if (takesNoScores(cls)) A.unknownOption(op, 'importanceScores', []);
      const { importanceScores, ...rest } = last;
      scores = nullableTensor(importanceScores ?? null, `${op}: importanceScores`);
      ctorArgs = Object.keys(rest).length > 0 ? [...args.slice(0, -1), rest] : args.slice(0, -1);
    }
    const method = new this(...(ctorArgs as never[]));
    return applyPruning(module, name, method, scores, op) as T | PruningContainer;
  }

  /**
   * `t` times the mask `computeMask` gives for it (or for `importanceScores`), starting from
   * `defaultMask` (ones by default), as torch's `prune`; a new tensor. Touches no module.
   * ```ts
   * new fl.nn.utils.prune.L1Unstructured(2).prune(fl.tensor([3, -1, 0.5, 2]));  // [3, 0, 0, 2]
   * ```
   */
  prune(t: Tensor, ...args: A.ArgsThenOptions<[defaultMask: Tensor | null, importanceScores: Tensor | null], PruneOptions>): Tensor;
  prune(...args: unknown[]): Tensor {
    const o = PRUNE_ARGS.parse(args);
    const t = o.t, scores = o.importanceScores ?? t;
    if (!sameShape(scores.shape, t.shape)) throw new ShapeError(`BasePruningMethod.prune: importanceScores should have the same shape as tensor t: ${fmt(scores.shape)} vs ${fmt(t.shape)}`);
    if (o.defaultMask && !sameShape(o.defaultMask.shape, t.shape)) throw new ShapeError(`BasePruningMethod.prune: defaultMask should have the same shape as tensor t: ${fmt(o.defaultMask.shape)} vs ${fmt(t.shape)}`);
    return scopeSync(() => {
      const mask = noGrad(() => this.computeMask(scores, o.defaultMask ?? onesLike(t)));
      return t.mul(mask.to(t.dtype));
    });
  }

  /**
   * Makes the pruning of `module[name]` permanent, as torch's `remove`: the `name + '_orig'`
   * Parameter takes the pruned values (`p.data = mask * orig`: the same object, so an optimizer goes
   * on with it) and becomes `module[name]` again; `_mask` and the computed tensor are freed. The
   * forward pre-hook is not removed here: the function `remove(module, name)` does both.
   * ```ts
   * method.remove(layer);
   * ```
   */
  remove(module: Module): void {
    if (arguments.length > 1) tooManyArgs(`${this.constructor.name}.remove`, 'module', arguments);
    const op = `${this.constructor.name}.remove`;
    const name = this.tensorNameFor(module, op);
    const f = fieldsOf(module);
    const orig = f[`${name}_orig`], mask = module._buffers.get(`${name}_mask`);
    if (!isParameter(orig) || !(mask instanceof Tensor)) {
      throw new ValueError(`${op}: module ${module.constructor.name} has no '${name}_orig' and '${name}_mask' (its '${name}' is not pruned)`);
    }
    const pruned = noGrad(() => scopeSync(() => mask.to(orig.dtype).mul(orig)));
    const computed = Object.getOwnPropertyDescriptor(module, name)?.value as unknown;
    delete f[name];
    if (computed instanceof Tensor && computed !== orig && !isParam(computed)) computed.dispose();
    (orig as unknown as { data: Tensor }).data = pruned;   // torch's orig.data = weight.data
    pruned.dispose();
    delete f[`${name}_orig`];
    module._buffers.delete(`${name}_mask`);
    module._nonPersistent.delete(`${name}_mask`);
    delete f[`${name}_mask`];
    mask.dispose();
    f[name] = orig;
  }

  /** The parameter name this method was applied to (set by apply), or a ValueError naming op. */
  private tensorNameFor(module: Module, op: string): string {
    moduleCheck(module, `${op}: module`);
    if (this._tensorName === undefined) throw new ValueError(`${op}: module ${module.constructor.name} has to be pruned (this method was never applied)`);
    return this._tensorName;
  }
}

/**
 * @internal torch's BasePruningMethod.apply: prunes module[name] with `method` (joined to the
 * methods already there for it in a PruningContainer), on `scores` (module[name] by default).
 * Nothing changes when it fails.
 */
function applyPruning(module: Module, name: string, method: BasePruningMethod, scores: Tensor | null, op: string): BasePruningMethod {
  const f = fieldsOf(module);
  const found = pruningEntries(module).filter(([, m]) => m._tensorName === name);
  if (found.length > 1) throw new ValueError(`${op}: avoid adding multiple pruning hooks to the same tensor '${name}' of module ${module.constructor.name}; use a PruningContainer`);
  const [oldEntry, old] = found.length ? found[0] : [null, null];
  method._tensorName = name;
  let orig: Tensor;
  let combined: BasePruningMethod = method;
  if (old === null) {
    const d = Object.getOwnPropertyDescriptor(module, name);
    if (!d || !('value' in d) || !isParameter(d.value)) {
      throw new ValueError(`${op}: module ${module.constructor.name} has no parameter named ${describeArg(name)}`);
    }
    orig = d.value as Tensor;
    if (`${name}_orig` in module || module._buffers.has(`${name}_mask`)) {
      throw new ValueError(`${op}: module ${module.constructor.name} already has an attribute '${name}_orig' or '${name}_mask'`);
    }
  } else {
    orig = f[`${name}_orig`] as Tensor;
    if (old instanceof PruningContainer) { old.addPruningMethod(method); combined = old; } else {
      const c = new PruningContainer(old);
      c.addPruningMethod(method);
      combined = c;
    }
  }
  // torch reads getattr(module, name): on a pruned name, the pruned tensor of the last forward
  const current = old === null ? orig : f[name] as Tensor;
  const undo = (): void => { if (combined === old) (old as PruningContainer)._pruningMethods.pop(); };
  let mask: Tensor;
  try {
    if (scores !== null && !sameShape(scores.shape, current.shape)) {
      throw new ShapeError(`importanceScores should have the same shape as parameter '${name}': ${fmt(scores.shape)} vs ${fmt(current.shape)}`);
    }
    mask = noGrad(() => scopeSync(() => {
      const dm = old === null ? onesLike(current) : (f[`${name}_mask`] as Tensor).detach().clone();
      const m = combined.computeMask(scores ?? current, dm);
      if (!(m instanceof Tensor)) throw new ValueError(`${combined.constructor.name}.computeMask must return a Tensor, got ${describeArg(m)}`);
      if (!sameShape(m.shape, current.shape)) throw new ShapeError(`${combined.constructor.name}.computeMask returned a mask of shape ${fmt(m.shape)} for '${name}' of shape ${fmt(current.shape)}`);
      // a mask that is one of the tensors passed in is copied: the module owns its mask
      return m === scores || m === current || m === orig ? m.clone() : m;
    }));
  } catch (e) {
    undo();
    rethrowAs(e, op, pruningWhat(name, module));
  }
  // commit: orig → name_orig, the mask → name_mask, module[name] = mask · orig, the hook
  const prevMask = old === null ? null : module._buffers.get(`${name}_mask`) ?? null;
  if (old === null) {
    delete f[name];
    f[`${name}_orig`] = orig;
  }
  module.registerBuffer(`${name}_mask`, mask);
  try {
    setComputed(module, name, combined.applyMask(module), false);
  } catch (e) {
    // back to where it was
    undo();
    if (old === null) {
      module._buffers.delete(`${name}_mask`);
      delete f[`${name}_mask`];
      delete f[`${name}_orig`];
      f[name] = orig;
    } else {
      module._buffers.set(`${name}_mask`, prevMask);
    }
    mask.dispose();
    rethrowAs(e, op, pruningWhat(name, module));
  }
  if (prevMask && prevMask !== mask) prevMask.dispose();
  if (oldEntry) dropEntry(module, oldEntry);
  const runner = combined;
  const hook = Object.assign((m: Module): void => { setComputed(m, name, runner.applyMask(m), true); }, { [PRUNING]: runner }) as PruningHook;
  module.registerForwardPreHook(hook);
  disposeComputedToo(module);
  return combined;
}

// ---- the container ------------------------------------------------------------------------------------

/**
 * The pruning methods applied one after the other to one parameter, as torch's `PruningContainer`
 * (made by pruning a pruned name again). Its `computeMask` applies the last method to what the
 * mask so far leaves: the entries still 1 ('unstructured'), the channels along the method's `dim`
 * not wholly zero ('structured'), or everything ('global').
 * ```ts
 * fl.nn.utils.prune.l1Unstructured(layer, 'weight', 0.5);
 * fl.nn.utils.prune.l1Unstructured(layer, 'weight', 0.5);   // 75% pruned in all
 * ```
 */
export class PruningContainer extends BasePruningMethod {
  /** @internal The methods, in order. */
  _pruningMethods: BasePruningMethod[] = [];

  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length > 0 && methods[0] instanceof BasePruningMethod) this._tensorName = methods[0]._tensorName;
    for (const m of methods) this.addPruningMethod(m);
  }

  /**
   * Adds `method` (which must act on this container's parameter) at the end.
   * ```ts
   * container.addPruningMethod(method);
   * ```
   */
  addPruningMethod(method: BasePruningMethod): void {
    if (arguments.length > 1) tooManyArgs('PruningContainer.addPruningMethod', 'method', arguments);
    if (!(method instanceof BasePruningMethod)) throw new ValueError(`PruningContainer.addPruningMethod: ${describeArg(method)} is not a BasePruningMethod subclass`);
    if (method._tensorName !== this._tensorName) {
      throw new ValueError(`PruningContainer.addPruningMethod: can only add pruning methods acting on the parameter named '${String(this._tensorName)}' to this PruningContainer. Found '${String(method._tensorName)}'`);
    }
    this._pruningMethods.push(method);
  }

  /** Number of methods. */
  get length(): number { return this._pruningMethods.length; }
  /** The method at `i` (negative counts from the end), as torch's `container[i]`: `container.at(-1)`. */
  at(i: number): BasePruningMethod {
    const n = this._pruningMethods.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new IndexError(`PruningContainer.at: index ${describeArg(i)} is out of range for ${n} methods`);
    return this._pruningMethods[i < 0 ? i + n : i];
  }
  [Symbol.iterator](): Iterator<BasePruningMethod> { return this._pruningMethods[Symbol.iterator](); }

  /** The last method's mask on what `defaultMask` leaves unpruned, combined with it (see the class). */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    maskOperands(t, defaultMask, 'PruningContainer');
    const method = this._pruningMethods[this._pruningMethods.length - 1];
    if (!method) throw new ValueError('PruningContainer.computeMask: the container holds no method');
    return combineMasks(method, t, defaultMask);
  }
}

/** torch's _combine_masks: `method`'s mask computed on the part of t that `mask` leaves, written into (a copy of) mask. */
function combineMasks(method: BasePruningMethod, t: Tensor, mask: Tensor): Tensor {
  const type = method.PRUNING_TYPE;
  const cls = method.constructor.name;
  return scopeSync(() => {
    const newMask = mask.to(t.dtype);
    if (type === 'unstructured') {
      const slc = mask.eq(1);
      const tSub = maskedSelect(t, slc);
      const partial = method.computeMask(tSub, maskedSelect(mask, slc));
      if (partial.numel !== tSub.numel) throw new ShapeError(`${cls}.computeMask returned ${partial.numel} values for the ${tSub.numel} unpruned entries`);
      return maskedScatter(newMask, slc, partial.to(newMask.dtype).reshape([-1]));
    }
    if (type === 'structured') {
      const d0 = (method as unknown as { dim?: unknown }).dim;
      if (typeof d0 !== 'number' || !Number.isInteger(d0)) throw new ValueError(`pruning methods of PRUNING_TYPE "structured" need to have the attribute \`dim\` defined (${cls})`);
      // torch would slice a 1-D tensor oddly here (sum over no dims); structured pruning refuses it anyway
      const dim = structuredDim(t, d0, cls);
      const others = Array.from({ length: t.ndim }, (_, i) => i).filter((i) => i !== dim);
      const idx = nonzero(mask.sum(others).ne(0)).reshape([-1]);
      const tSub = indexSelect(t, dim, idx);
      const partial = method.computeMask(tSub, indexSelect(mask, dim, idx));
      if (!sameShape(partial.shape, tSub.shape)) throw new ShapeError(`${cls}.computeMask returned a mask of shape ${fmt(partial.shape)} for the unpruned channels of shape ${fmt(tSub.shape)}`);
      return indexCopy(newMask, dim, idx, partial.to(newMask.dtype));
    }
    if (type === 'global') {
      const partial = method.computeMask(t, mask);
      if (!sameShape(partial.shape, t.shape)) throw new ShapeError(`${cls}.computeMask returned a mask of shape ${fmt(partial.shape)} for a tensor of shape ${fmt(t.shape)}`);
      return partial.to(newMask.dtype);
    }
    throw new ValueError(`unrecognized PRUNING_TYPE ${describeArg(type)} of ${cls} (set static PRUNING_TYPE to 'unstructured', 'structured' or 'global')`);
  });
}

// ---- the methods ------------------------------------------------------------------------------------------

/**
 * Prunes nothing: the mask stays ones (the reparametrization alone), as torch's `Identity`.
 * ```ts
 * fl.nn.utils.prune.Identity.apply(layer, 'weight');
 * ```
 */
export class Identity extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = 'unstructured';
  constructor() {
    super();
    if (arguments.length > 0) tooManyArgs('Identity', '', arguments);
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor { maskOperands(t, defaultMask, 'Identity'); return defaultMask; }
}

const RANDOM_UNSTRUCTURED_ARGS = signature('RandomUnstructured', ['amount'], { amount: required(amountCheck) });
const L1_UNSTRUCTURED_ARGS = signature('L1Unstructured', ['amount'], { amount: required(amountCheck) });
const RANDOM_STRUCTURED_ARGS = signature('RandomStructured', ['amount', 'dim'], { amount: required(amountCheck), dim: optional(A.int(), -1) });
const LN_STRUCTURED_ARGS = signature('LnStructured', ['amount', 'n', 'dim'], { amount: required(amountCheck), n: required(normCheck), dim: optional(A.int(), -1) });
const CUSTOM_FROM_MASK_ARGS = signature('CustomFromMask', ['mask'], { mask: required(A.tensor) });

/**
 * Prunes `amount` of the (still unpruned) entries at random, as torch's `RandomUnstructured`
 * (flintml's generator: the positions differ from torch's, the count does not).
 * ```ts
 * const m = new fl.nn.utils.prune.RandomUnstructured(0.3);
 * ```
 */
export class RandomUnstructured extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = 'unstructured';
  /** An integer count, or a fraction in [0, 1]. */
  readonly amount: number;
  constructor(amount: number | { amount: number }) {
    super();
    this.amount = RANDOM_UNSTRUCTURED_ARGS.parse(Array.from(arguments)).amount;
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    maskOperands(t, defaultMask, 'RandomUnstructured');
    const k = unitsToPrune(this.amount, t.numel, 'RandomUnstructured');
    return scopeSync(() => {
      const mask = defaultMask.clone();
      if (k === 0) return mask;
      const { indices } = topk(randLike(t).reshape([-1]), k);
      return indexFill(mask.reshape([-1]), 0, indices, 0).reshape(mask.shape);
    });
  }
}

/**
 * Prunes the `amount` (still unpruned) entries of smallest absolute value, as torch's
 * `L1Unstructured` (ties: the lower flat index first).
 * ```ts
 * new fl.nn.utils.prune.L1Unstructured(0.5).prune(fl.tensor([3, -1, 0.5, 2]));  // [3, 0, 0, 2]
 * ```
 */
export class L1Unstructured extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = 'unstructured';
  /** An integer count, or a fraction in [0, 1]. */
  readonly amount: number;
  constructor(amount: number | { amount: number }) {
    super();
    this.amount = L1_UNSTRUCTURED_ARGS.parse(Array.from(arguments)).amount;
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    maskOperands(t, defaultMask, 'L1Unstructured');
    const k = unitsToPrune(this.amount, t.numel, 'L1Unstructured');
    return scopeSync(() => {
      const mask = defaultMask.clone();
      if (k === 0) return mask;
      const { indices } = topk(t.abs().reshape([-1]), k, 0, false);
      return indexFill(mask.reshape([-1]), 0, indices, 0).reshape(mask.shape);
    });
  }
}

/**
 * Prunes `amount` of the (still unpruned) channels along `dim` (default -1) at random, as torch's
 * `RandomStructured`.
 * ```ts
 * const m = new fl.nn.utils.prune.RandomStructured(1, 0);   // one row
 * ```
 */
export class RandomStructured extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = 'structured';
  /** An integer count of channels, or a fraction in [0, 1]. */
  readonly amount: number;
  /** The dim along which channels are pruned. */
  readonly dim: number;
  constructor(amount: number | { amount: number; dim?: number }, dim?: number | { dim?: number }) {
    super();
    const o = RANDOM_STRUCTURED_ARGS.parse(Array.from(arguments));
    this.amount = o.amount;
    this.dim = o.dim;
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    maskOperands(t, defaultMask, 'RandomStructured');
    const d = structuredDim(t, this.dim, 'RandomStructured');
    const size = t.shape[d];
    const k = unitsToPrune(this.amount, size, 'RandomStructured');
    if (k === 0) return defaultMask;
    return scopeSync(() => {
      const prob = rand([size], { device: t.device });
      const keepChannel = prob.gt(kthvalue(prob, k).values);
      const shape = t.shape.map((s, i) => (i === d ? s : 1));
      return keepChannel.to(t.dtype).reshape(shape).mul(defaultMask.to(t.dtype));
    });
  }
}

/**
 * Prunes the `amount` (still unpruned) channels along `dim` (default -1) of smallest
 * `n`-norm (torch.norm's p: a number, Infinity, -Infinity, 'fro', 'nuc'), as torch's `LnStructured`
 * (ties: the lower channel is kept first).
 * ```ts
 * const m = new fl.nn.utils.prune.LnStructured(0.5, 2, 0);   // half the rows, by their 2-norm
 * ```
 */
export class LnStructured extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = 'structured';
  /** An integer count of channels, or a fraction in [0, 1]. */
  readonly amount: number;
  /** The norm's order. */
  readonly n: NormP;
  /** The dim along which channels are pruned. */
  readonly dim: number;
  constructor(amount: number | { amount: number; n: NormP; dim?: number }, n?: NormP | { n: NormP; dim?: number }, dim?: number | { dim?: number }) {
    super();
    const o = LN_STRUCTURED_ARGS.parse(Array.from(arguments));
    this.amount = o.amount;
    this.n = o.n;
    this.dim = o.dim;
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    maskOperands(t, defaultMask, 'LnStructured');
    const d = structuredDim(t, this.dim, 'LnStructured');
    const size = t.shape[d];
    const k = unitsToPrune(this.amount, size, 'LnStructured');
    return scopeSync(() => {
      // as torch, the norms and the channels to keep are computed even when nothing is pruned
      const others = Array.from({ length: t.ndim }, (_, i) => i).filter((i) => i !== d);
      const { indices } = topk(norm(t, this.n, others), size - k, 0, true);
      if (k === 0) return defaultMask;
      return indexFill(zerosLike(t), d, indices, 1).mul(defaultMask.to(t.dtype));
    });
  }
}

/**
 * Prunes where a given mask is 0, as torch's `CustomFromMask` ('global': it applies to the whole
 * tensor, on top of the mask so far).
 * ```ts
 * const m = new fl.nn.utils.prune.CustomFromMask(fl.tensor([0, 1, 1]));
 * ```
 */
export class CustomFromMask extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = 'global';
  /** The mask (any dtype: it is cast to the parameter's). */
  readonly mask: Tensor;
  constructor(mask: Tensor | { mask: Tensor }) {
    super();
    this.mask = CUSTOM_FROM_MASK_ARGS.parse(Array.from(arguments)).mask;
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    maskOperands(t, defaultMask, 'CustomFromMask');
    if (!sameShape(defaultMask.shape, this.mask.shape)) throw new ShapeError(`CustomFromMask: the mask has shape ${fmt(this.mask.shape)} but the tensor ${fmt(defaultMask.shape)}`);
    return scopeSync(() => defaultMask.mul(this.mask.to(defaultMask.dtype)));
  }
}

for (const c of [Identity, RandomUnstructured, RandomStructured, CustomFromMask]) NO_SCORES.add(c);

// ---- the functions ----------------------------------------------------------------------------------------

/** What `l1Unstructured` takes after the module (each may be positional, in this order). */
export interface L1UnstructuredOptions { name?: string; amount?: number; importanceScores?: Tensor | null }
/** What `lnStructured` takes after the module (each may be positional, in this order). */
export interface LnStructuredOptions { name?: string; amount?: number; n?: NormP; dim?: number; importanceScores?: Tensor | null }

const IDENTITY_ARGS = signature('identity', ['module', 'name'], { module: required(moduleCheck), name: required(A.str) });
const RANDOM_UNSTRUCTURED_FN = signature('randomUnstructured', ['module', 'name', 'amount'], {
  module: required(moduleCheck), name: required(A.str), amount: required(amountCheck),
});
const L1_UNSTRUCTURED_FN = signature('l1Unstructured', ['module', 'name', 'amount', 'importanceScores'], {
  module: required(moduleCheck), name: required(A.str), amount: required(amountCheck), importanceScores: optional(nullableTensor, null),
});
const RANDOM_STRUCTURED_FN = signature('randomStructured', ['module', 'name', 'amount', 'dim'], {
  module: required(moduleCheck), name: required(A.str), amount: required(amountCheck), dim: required(A.int()),
});
const LN_STRUCTURED_FN = signature('lnStructured', ['module', 'name', 'amount', 'n', 'dim', 'importanceScores'], {
  module: required(moduleCheck), name: required(A.str), amount: required(amountCheck), n: required(normCheck), dim: required(A.int()),
  importanceScores: optional(nullableTensor, null),
});
const CUSTOM_FROM_MASK_FN = signature('customFromMask', ['module', 'name', 'mask'], { module: required(moduleCheck), name: required(A.str), mask: required(A.tensor) });
const REMOVE_ARGS = signature('remove', ['module', 'name'], { module: required(moduleCheck), name: required(A.str) });

/**
 * Adds the pruning reparametrization to `module[name]` without pruning anything (a mask of
 * ones), as torch's `prune.identity`. Returns the module.
 * ```ts
 * fl.nn.utils.prune.identity(layer, 'bias');   // layer.bias_mask is ones
 * ```
 */
export function identity<M extends Module>(module: M, ...args: A.ArgsThenOptions<[name: string], { name?: string }>): M;
export function identity(...args: unknown[]): Module {
  const o = IDENTITY_ARGS.parse(args);
  applyPruning(o.module, o.name, new Identity(), null, 'identity');
  return o.module;
}

/**
 * Prunes `amount` (an integer count, or a fraction in [0, 1]) of the still unpruned entries of
 * `module[name]` at random, as torch's `prune.random_unstructured`. Returns the module.
 * ```ts
 * fl.nn.utils.prune.randomUnstructured(layer, 'weight', 0.3);
 * ```
 */
export function randomUnstructured<M extends Module>(module: M, ...args: A.ArgsThenOptions<[name: string, amount: number], { name?: string; amount?: number }>): M;
export function randomUnstructured(...args: unknown[]): Module {
  const o = RANDOM_UNSTRUCTURED_FN.parse(args);
  applyPruning(o.module, o.name, new RandomUnstructured(o.amount), null, 'randomUnstructured');
  return o.module;
}

/**
 * Prunes the `amount` (an integer count, or a fraction in [0, 1]) still unpruned entries of
 * `module[name]` of smallest absolute value (or of smallest `importanceScores`), as torch's
 * `prune.l1_unstructured`. Ties go by the lower flat index. Returns the module.
 * ```ts
 * fl.nn.utils.prune.l1Unstructured(layer, 'weight', 0.3);
 * fl.nn.utils.prune.l1Unstructured(layer, { name: 'bias', amount: 1 });
 * ```
 */
export function l1Unstructured<M extends Module>(module: M, ...args: A.ArgsThenOptions<[name: string, amount: number, importanceScores: Tensor | null], L1UnstructuredOptions>): M;
export function l1Unstructured(...args: unknown[]): Module {
  const o = L1_UNSTRUCTURED_FN.parse(args);
  applyPruning(o.module, o.name, new L1Unstructured(o.amount), o.importanceScores, 'l1Unstructured');
  return o.module;
}

/**
 * Prunes `amount` (an integer count, or a fraction in [0, 1]) of the still unpruned channels of
 * `module[name]` along `dim` at random, as torch's `prune.random_structured`. Returns the module.
 * ```ts
 * fl.nn.utils.prune.randomStructured(conv, 'weight', 0.5, 0);   // half the output channels
 * ```
 */
export function randomStructured<M extends Module>(module: M, ...args: A.ArgsThenOptions<[name: string, amount: number, dim: number], { name?: string; amount?: number; dim?: number }>): M;
export function randomStructured(...args: unknown[]): Module {
  const o = RANDOM_STRUCTURED_FN.parse(args);
  applyPruning(o.module, o.name, new RandomStructured(o.amount, o.dim), null, 'randomStructured');
  return o.module;
}

/**
 * Prunes the `amount` (an integer count, or a fraction in [0, 1]) still unpruned channels of
 * `module[name]` along `dim` whose `n`-norm (of the channel's entries, or of its
 * `importanceScores`) is smallest, as torch's `prune.ln_structured`. `n` is torch.norm's p: a
 * number, Infinity, -Infinity, 'fro' or 'nuc'. Ties keep the lower channel. Returns the module.
 * ```ts
 * fl.nn.utils.prune.lnStructured(conv, 'weight', 0.5, 2, 0);   // the output channels of least L2 norm
 * ```
 */
export function lnStructured<M extends Module>(module: M, ...args: A.ArgsThenOptions<[name: string, amount: number, n: NormP, dim: number, importanceScores: Tensor | null], LnStructuredOptions>): M;
export function lnStructured(...args: unknown[]): Module {
  const o = LN_STRUCTURED_FN.parse(args);
  applyPruning(o.module, o.name, new LnStructured(o.amount, o.n, o.dim), o.importanceScores, 'lnStructured');
  return o.module;
}

/**
 * Prunes `module[name]` where `mask` is 0 (on top of any earlier pruning), as torch's
 * `prune.custom_from_mask`. Returns the module.
 * ```ts
 * fl.nn.utils.prune.customFromMask(layer, 'bias', fl.tensor([0, 1, 0]));   // layer.bias_mask: [0, 1, 0]
 * ```
 */
export function customFromMask<M extends Module>(module: M, ...args: A.ArgsThenOptions<[name: string, mask: Tensor], { name?: string; mask?: Tensor }>): M;
export function customFromMask(...args: unknown[]): Module {
  const o = CUSTOM_FROM_MASK_FN.parse(args);
  applyPruning(o.module, o.name, new CustomFromMask(o.mask), null, 'customFromMask');
  return o.module;
}

/** A subclass of BasePruningMethod (the class, not an instance). */
export type PruningMethodClass = abstract new (...args: never[]) => BasePruningMethod;
/** Importance scores for globalUnstructured: per module, per parameter name. */
export type ImportanceScores = Map<Module, Record<string, Tensor>>;
/** globalUnstructured's options: `importanceScores`, and the keyword arguments of the method's constructor (`amount`). */
export interface GlobalUnstructuredOptions { importanceScores?: ImportanceScores | null; amount?: number; [key: string]: unknown }

/**
 * Prunes the parameters `[module, name]` of `parameters` together, as torch's
 * `prune.global_unstructured`: their importance scores (the values, or `importanceScores`, a Map
 * from module to `{ name: scores }`) are ranked as one vector by `new pruningMethod(kwargs)` (an
 * 'unstructured' method such as L1Unstructured; `kwargs` is the options object without
 * `importanceScores`, e.g. `{ amount }`), and each parameter gets its slice of the mask through
 * `customFromMask`. A 4th argument that is a number is `amount`.
 * ```ts
 * const P = fl.nn.utils.prune;
 * P.globalUnstructured([[net.fc1, 'weight'], [net.fc2, 'weight']], P.L1Unstructured, { amount: 0.2 });
 * ```
 */
export function globalUnstructured(parameters: Iterable<readonly [Module, string]>, pruningMethod: PruningMethodClass, options?: GlobalUnstructuredOptions): void;
export function globalUnstructured(parameters: Iterable<readonly [Module, string]>, pruningMethod: PruningMethodClass, importanceScores: ImportanceScores | null | undefined, options: number | Omit<GlobalUnstructuredOptions, 'importanceScores'>): void;
export function globalUnstructured(...args: unknown[]): void {
  const op = 'globalUnstructured';
  if (args.length > 4) tooManyArgs(op, 'parameters, pruningMethod, importanceScores, options', arguments);
  const [parameters, pruningMethod, third, fourth] = args;
  let scoresArg: unknown = null;
  let kwargs: Record<string, unknown> = {};
  if (A.isPlainObject(third)) {
    if (fourth !== undefined) throw new ValueError(`${op}: nothing may follow the options object, got ${describeArg(fourth)}`);
    const { importanceScores, ...rest } = third;
    scoresArg = importanceScores ?? null;
    kwargs = rest;
  } else {
    scoresArg = third ?? null;
    if (typeof fourth === 'number') kwargs = { amount: fourth };
    else if (A.isPlainObject(fourth)) {
      if ('importanceScores' in fourth) throw new ValueError(`${op}: got multiple values for argument 'importanceScores' (positional and in the options)`);
      kwargs = fourth;
    } else if (fourth !== undefined) throw new ValueError(`${op}: options must be an object (the method's keyword arguments, e.g. { amount }) or the amount, got ${describeArg(fourth)}`);
  }
  checkIterable(parameters, `${op}: parameters`);
  const pairs = Array.from(parameters as Iterable<unknown>).map((p, i): [Module, string] => {
    if (!Array.isArray(p) || p.length !== 2 || !(p[0] instanceof Module) || typeof p[1] !== 'string') {
      throw new ValueError(`${op}: parameters[${i}] must be a [module, name] pair, got ${describeArg(p)}`);
    }
    return [p[0], p[1]];
  });
  if (typeof pruningMethod !== 'function' || !(pruningMethod.prototype instanceof BasePruningMethod)) {
    throw new ValueError(`${op}: pruningMethod must be a subclass of BasePruningMethod (the class), got ${describeArg(pruningMethod)}`);
  }
  if (scoresArg !== null && !(scoresArg instanceof Map)) throw new ValueError(`${op}: importanceScores must be a Map from module to { name: Tensor }, got ${describeArg(scoresArg)}`);
  const scores = scoresArg as ImportanceScores | null;
  // each (module, name): a parameter or a pruned one; scores of its shape; no score for anything else
  const current = pairs.map(([m, name], i) => {
    const f = fieldsOf(m);
    const pruned = pruningEntries(m).some(([, method]) => method._tensorName === name);
    const t = f[name];
    if (!(t instanceof Tensor) || (!pruned && !isParameter(t))) throw new ValueError(`${op}: parameters[${i}]: module ${m.constructor.name} has no parameter named ${describeArg(name)}`);
    return t;
  });
  if (scores) {
    for (const [m, byName] of scores) {
      if (byName === null || typeof byName !== 'object') throw new ValueError(`${op}: importanceScores of ${describeArg(m)} must be an object { name: Tensor }, got ${describeArg(byName)}`);
      for (const [name, s] of Object.entries(byName)) {
        const i = pairs.findIndex(([pm, pn]) => pm === m && pn === name);
        if (i < 0) throw new ValueError(`${op}: importanceScores has scores for '${name}' of a ${m instanceof Module ? m.constructor.name : describeArg(m)} that is not in parameters`);
        if (!(s instanceof Tensor)) throw new ValueError(`${op}: importanceScores for '${name}' must be a Tensor, got ${describeArg(s)}`);
        if (!sameShape(s.shape, current[i].shape)) throw new ShapeError(`${op}: importanceScores for '${name}' have shape ${fmt(s.shape)}, the parameter ${fmt(current[i].shape)}`);
      }
    }
  }
  const Method = pruningMethod as unknown as new (o: Record<string, unknown>) => BasePruningMethod;
  let method: BasePruningMethod;
  try { method = new Method(kwargs); } catch (e) { return rethrowAs(e, op, ''); }
  if (method.PRUNING_TYPE !== 'unstructured') {
    throw new ValueError(`${op}: only "unstructured" PRUNING_TYPE supported for the pruningMethod. Found ${describeArg(pruningMethod)} of type ${String(method.PRUNING_TYPE)}`);
  }
  if (pairs.length === 0) return;
  const finalMask = noGrad(() => scopeSync(() => {
    const vec = (ts: Tensor[]): Tensor => cat(ts.map((t) => t.reshape([-1])));
    const relevant = vec(pairs.map(([m, name], i) => scores?.get(m)?.[name] ?? current[i]));
    const defaultMask = vec(pairs.map(([m, name], i) => (fieldsOf(m)[`${name}_mask`] as Tensor | undefined) ?? onesLike(current[i])));
    const container = new PruningContainer();
    container._tensorName = 'temp';
    method._tensorName = 'temp';
    container.addPruningMethod(method);
    try { return container.computeMask(relevant, defaultMask); } catch (e) { return rethrowAs(e, op, `pruning ${pairs.length} parameters together`); }
  }));
  // each parameter's slice of the mask, by customFromMask (what that stores stays in the caller's scope)
  try {
    let at = 0;
    pairs.forEach(([m, name], i) => {
      const n = current[i].numel;
      const part = finalMask.narrow(0, at, n), slice = part.reshape(current[i].shape);
      try { applyPruning(m, name, new CustomFromMask(slice), null, op); } finally { slice.dispose(); part.dispose(); }
      at += n;
    });
  } finally { finalMask.dispose(); }
}

/**
 * Makes the pruning of `module[name]` permanent and removes its hook, as torch's `prune.remove`:
 * `module[name]` is a Parameter again (the former `name + '_orig'` object) holding the pruned
 * values; `_orig` and `_mask` are gone. A name that is not pruned is a ValueError. Returns the module.
 * ```ts
 * fl.nn.utils.prune.remove(layer, 'weight');
 * ```
 */
export function remove<M extends Module>(module: M, ...args: A.ArgsThenOptions<[name: string], { name?: string }>): M;
export function remove(...args: unknown[]): Module {
  const o = REMOVE_ARGS.parse(args);
  const { module, name } = o;
  for (const [entry, method] of pruningEntries(module)) {
    if (method._tensorName !== name) continue;
    method.remove(module);
    dropEntry(module, entry);
    return module;
  }
  throw new ValueError(`remove: parameter '${name}' of module ${module.constructor.name} has to be pruned before pruning can be removed`);
}

/**
 * Whether `module` or any module below it has a pruning hook, as torch's `prune.is_pruned`.
 * ```ts
 * fl.nn.utils.prune.isPruned(model);   // false until something is pruned
 * ```
 */
export function isPruned(module: Module): boolean {
  if (arguments.length > 1) tooManyArgs('isPruned', 'module', arguments);
  moduleCheck(module, 'isPruned: module');
  return module.modules().some((m) => pruningEntries(m).length > 0);
}
