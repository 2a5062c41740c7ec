// parametrize.ts — `fl.nn.utils.parametrize`, as torch.nn.utils.parametrize (1.13): a module's
// parameter or buffer is replaced by a function of other tensors. After
// `registerParametrization(m, 'weight', p)`, `m.weight` is computed as `p.forward(original)` on
// every read, the original lives at `m.parametrizations.weight.original` (stateDict key
// `parametrizations.weight.original`; `original0`, `original1`, … when `p.rightInverse` returns
// several tensors), optimizers train the original, and assigning `m.weight = x` stores
// `p.rightInverse(x)` into it. Several parametrizations on one tensor chain.
//
// Memory: every read of a parametrized tensor computes a new tensor, and the caller owns it as it
// owns any op's result: the enclosing `fl.scope` frees it (run forwards and training steps in a
// scope), or `dispose()` it. Inside `cached(fn)` each parametrized tensor is computed once and
// belongs to the cache, which frees it when `fn` returns. The intermediates of a chain are freed at
// once (autograd keeps what the backward needs). The tensors registration makes (the originals)
// belong to the enclosing scope, as those a layer's constructor makes: register outside a scope.
//
// The parametrizations torch ships (nn.utils.parametrizations.weightNorm, spectralNorm, orthogonal)
// are in utils-extra.ts.
import * as A from '../args';
import { optional, required, signature } from '../args';
import { checkIterable, describeArg } from '../arity';
import { noGrad } from '../autograd';
import { IndexError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { keep, scope, scopeSync, Tensor } from '../tensor';
import { ModuleDict } from './containers';
import { isParameter, Module, Parameter } from './module';
import { alias } from './params';

/** A parametrization: an nn.Module whose `forward` maps the original tensor(s) to the tensor the module sees, with an optional `rightInverse`. */
export type Parametrization = Module & { rightInverse?(value: Tensor): Tensor | Tensor[] };

/** Parametrizations made by weightNorm/spectralNorm (utils-extra.ts) say so: their own tensors (u, v) are freed on removal. */
const owned = (m: Module): boolean => (m as { _freeOnRemoval?: unknown })._freeOnRemoval === true;

const isModule = (v: unknown, where: string): Module => {
  if (!(v instanceof Module)) throw new ValueError(`${where} must be an nn.Module, got ${describeArg(v)}`);
  return v;
};
const moduleCheck: A.Check<Module> = isModule;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Calls a parametrization (its forward, hooks included). */
function run(m: Module, args: Tensor[]): unknown { return m.call(...args); }

/**
 * The parametrizations of one tensor, in order, and the original tensor(s) they are computed from
 * (`original`, or `original0`, `original1`, … when the first parametrization's `rightInverse`
 * returns several tensors), as torch's `ParametrizationList`. Made by `registerParametrization`:
 * `m.parametrizations.weight` is one.
 */
export class ParametrizationList extends Module {
  /** @internal The parametrizations, in order (children '0', '1', …). */ _list: Module[] = [];
  /** Whether the originals are one tensor (`original`) or several (`original0`, …). */
  readonly isTensor: boolean;
  /** How many original tensors there are. */
  readonly ntensors: number;
  /** Whether the shape/dtype checks are off (set when any of its parametrizations was registered unsafe). */
  unsafe: boolean;
  /** The original tensor (when `isTensor`). */
  declare original: Tensor;

  constructor(modules: Iterable<Module>, original: Tensor, unsafe = false) {
    if (arguments.length > 3) A.tooManyArgs('ParametrizationList', 'modules, original, unsafe', arguments);
    super();
    const op = 'ParametrizationList';
    checkIterable(modules, op);
    for (const m of modules) this.append(m);
    if (this.length === 0) throw new ValueError(`${op}: requires one or more modules`);
    if (!(original instanceof Tensor)) throw new ValueError(`${op}: original must be a Tensor, got ${describeArg(original)}`);
    if (typeof unsafe !== 'boolean') throw new ValueError(`${op}: unsafe must be a boolean, got ${describeArg(unsafe)}`);
    this.unsafe = unsafe;
    // the originals: rightInverse of each parametrization, last to first (identity where there is none)
    const made = noGrad(() => scopeSync(() => {
      let v: Tensor | Tensor[] = original;
      for (let i = this.length - 1; i >= 0; i--) {
        const m = this.at(i) as Parametrization;
        if (typeof m.rightInverse === 'function') v = m.rightInverse(v as Tensor);
      }
      return v;
    }));
    const param = isParameter(original);
    const fresh: Tensor[] = [];  // the originals made here (freed if the checks below fail)
    const register = (name: string, t: Tensor): void => {
      if (param) (this as unknown as Record<string, Tensor>)[name] = t;
      else this.registerBuffer(name, t);
    };
    if (made instanceof Tensor) {
      this.isTensor = true;
      this.ntensors = 1;
      if (made.dtype !== original.dtype) {
        if (made !== original) made.dispose();
        throw new ValueError(`${op}: when rightInverse outputs one tensor, it may not change the dtype.\noriginal.dtype: ${original.dtype}\nrightInverse(original).dtype: ${made.dtype}`);
      }
      let kept = original;
      if (made !== original) {
        if (sameShape(made._shape, original._shape)) { noGrad(() => original.copy_(made)); made.dispose(); } else {
          // torch's set_ gives the original a new shape; here the original is replaced (an optimizer that held it must be made again)
          kept = param ? Parameter(made, original.requiresGrad) : made;
          fresh.push(kept);
        }
      }
      register('original', kept);
    } else {
      if (!Array.isArray(made) || made.some((t) => !(t instanceof Tensor))) {
        throw new ValueError(`${op}: rightInverse must return a Tensor or an array of Tensors, got ${describeArg(made)}`);
      }
      this.isTensor = false;
      this.ntensors = made.length;
      made.forEach((t, i) => {
        const ti = param ? Parameter(t, (original as Tensor).requiresGrad) : t;
        if (!param) ti.requiresGrad = (original as Tensor).requiresGrad && ti.dtype !== 'int32' && ti.dtype !== 'uint8' && ti.dtype !== 'bool';
        register(`original${i}`, ti);
        if (ti !== original) fresh.push(ti);
      });
    }
    if (!this.unsafe) {
      try {
        scope(() => {
          const z = this.forward();
          if (z.dtype !== original.dtype) throw new ValueError(`registerParametrization: a parametrization may not change the dtype of the tensor, unless unsafe is set.\nunparametrized dtype: ${original.dtype}\nparametrized dtype: ${z.dtype}`);
          if (!sameShape(z._shape, original._shape)) throw new ValueError(`registerParametrization: a parametrization may not change the shape of the tensor, unless unsafe is set.\nunparametrized shape: ${fmt(original._shape)}\nparametrized shape: ${fmt(z._shape)}`);
        });
      } catch (e) {
        for (const t of fresh) t.dispose();  // the module keeps its tensor
        throw e;
      }
    }
    // the module's tensor is replaced by the originals (unless it is one of them)
    if (fresh.length && !this.originals().includes(original)) original.dispose();
  }

  /** Number of parametrizations. */
  get length(): number { return this._list.length; }
  /** The parametrization at `i` (negative counts from the end). */
  at(i: number): Module {
    const n = this._list.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new IndexError(`ParametrizationList: index ${describeArg(i)} is out of range for ${n} modules`);
    return this._list[i < 0 ? i + n : i];
  }
  /** Adds a parametrization at the end of the chain; returns this. */
  append(m: Module): this {
    if (arguments.length > 1) A.tooManyArgs('ParametrizationList.append', 'module', arguments);
    this._list.push(isModule(m, 'ParametrizationList.append: module'));
    return this;
  }
  [Symbol.iterator](): Iterator<Module> { return this._list[Symbol.iterator](); }
  namedChildren(): [string, Module][] { return this._list.map((m, i) => [String(i), m]); }

  /** The originals, in order. */
  originals(): Tensor[] {
    if (this.isTensor) return [this.original];
    return Array.from({ length: this.ntensors }, (_, i) => (this as unknown as Record<string, Tensor>)[`original${i}`]);
  }

  /**
   * The parametrized tensor: the first parametrization on the originals, then each next one on the
   * result. A new tensor that the caller owns (never one of the module's own tensors).
   */
  forward(): Tensor {
    if (arguments.length > 0) A.tooManyArgs('ParametrizationList.forward', '', arguments);
    const out = scope(() => {
      let x = run(this.at(0), this.originals());
      for (let i = 1; i < this.length; i++) {
        if (!(x instanceof Tensor)) break;
        x = run(this.at(i), [x]);
      }
      if (!(x instanceof Tensor)) throw new ValueError(`registerParametrization: a parametrization must return a Tensor, got ${describeArg(x)}`);
      return x;
    });
    const own = new Set<Tensor>([...this.parameters(), ...this.buffers()]);
    return own.has(out) ? alias(out) : out;  // an identity parametrization: a view, so that the caller may dispose it
  }

  /**
   * Stores `value` into the originals through each parametrization's `rightInverse` (last to first),
   * as assigning `m.weight = value` does. The values are copied into the originals (same shape).
   */
  rightInverse(value: Tensor): void {
    if (arguments.length > 1) A.tooManyArgs('ParametrizationList.rightInverse', 'value', arguments);
    const op = 'ParametrizationList.rightInverse';
    if (!(value instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor, got ${describeArg(value)}`);
    noGrad(() => scope(() => {
      let v: Tensor | Tensor[] = value;
      for (let i = this.length - 1; i >= 0; i--) {
        const m = this.at(i) as Parametrization;
        if (typeof m.rightInverse !== 'function') throw new ValueError(`${op}: parametrization ${m.constructor.name} does not implement rightInverse`);
        v = m.rightInverse(v as Tensor);
      }
      const targets = this.originals();
      const values = this.isTensor ? [v] : v;
      if (this.isTensor && !(v instanceof Tensor)) throw new ValueError(`${op}: rightInverse must return a Tensor, got ${describeArg(v)}`);
      if (!this.isTensor && (!Array.isArray(v) || v.length !== this.ntensors)) {
        throw new ValueError(`${op}: rightInverse must return an array of ${this.ntensors} Tensors, got ${describeArg(v)}`);
      }
      (values as unknown[]).forEach((t, i) => {
        const o = targets[i];
        if (!(t instanceof Tensor)) throw new ValueError(`${op}: rightInverse must return Tensors, got ${describeArg(t)}`);
        if (t.dtype !== o.dtype) throw new ValueError(`${op}: the tensor returned by rightInverse has dtype ${t.dtype} while the original has dtype ${o.dtype}`);
        if (!sameShape(t._shape, o._shape)) throw new ShapeError(`${op}: the tensor returned by rightInverse has shape ${fmt(t._shape)} while the original has shape ${fmt(o._shape)} (flintml copies into the original; torch's set_ would replace it)`);
      });
      (values as Tensor[]).forEach((t, i) => { targets[i].copy_(t.device === targets[i].device ? t : t.to(targets[i].device)); });
    }));
  }
}

// ---- the cache of cached() ----------------------------------------------------------------------
let cacheDepth = 0;
const cache = new Map<ParametrizationList, Tensor>();

function evaluate(list: ParametrizationList): Tensor {
  if (cacheDepth === 0) return list.forward();
  let t = cache.get(list);
  if (!t || t.isDisposed) {
    t = keep(list.forward());
    cache.set(list, t);
  }
  return t;
}

function dropCache(list?: ParametrizationList): void {
  for (const [k, t] of cache) {
    if (list && k !== list) continue;
    t.dispose();
    cache.delete(k);
  }
}

/** A cached tensor in fn's result is replaced by a view of it (the caller's to own), the cache then freed. */
function release(result: unknown): unknown {
  const cached = new Set(cache.values());
  const swap = (v: unknown, depth: number): unknown => {
    if (v instanceof Tensor) return cached.has(v) ? alias(v) : v;
    if (depth > 8) return v;
    if (Array.isArray(v)) return v.map((x) => swap(x, depth + 1));
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x, depth + 1)]));
    }
    return v;
  };
  const out = swap(result, 0);
  cacheDepth--;
  if (cacheDepth === 0) dropCache();
  return out;
}

/**
 * Runs `fn` with the parametrized tensors cached, as torch's `with parametrize.cached():` — each one
 * is computed once however often it is read (a recurrent layer reads its weight every step), and
 * every read returns the same tensor, which belongs to the cache (do not dispose it): the cache is
 * freed when `fn` returns (or its promise settles); a cached tensor in the result is returned as a
 * view of it, which the caller owns. Nested calls share the outer cache.
 *
 * ```ts
 * const y = fl.nn.utils.parametrize.cached(() => rnn.forward(x));
 * ```
 */
export function cached<T>(fn: () => T): T {
  if (arguments.length > 1) A.tooManyArgs('cached', 'fn', arguments);
  if (typeof fn !== 'function') throw new ValueError(`cached: fn must be a function, got ${describeArg(fn)}`);
  cacheDepth++;
  let result: T;
  try { result = fn(); } catch (e) { release(undefined); throw e; }
  if (result instanceof Promise) {
    return result.then((r) => release(r) as T, (e) => { release(undefined); throw e; }) as unknown as T;
  }
  return release(result) as T;
}

// ---- registration ------------------------------------------------------------------------------------
/** A module with parametrized tensors: `m.parametrizations.weight` is the ParametrizationList of `m.weight`. */
export type Parametrized<M extends Module> = M & { parametrizations: ModuleDict<ParametrizationList> };
type MaybeParametrized = { parametrizations?: ModuleDict<ParametrizationList> };

/**
 * Whether `module` has a parametrization on `tensorName` (or, without a name, on any tensor), as
 * torch's `parametrize.is_parametrized`: `fl.nn.utils.parametrize.isParametrized(lin, 'weight')`.
 */
export function isParametrized(module: Module, tensorName?: string | null): boolean {
  if (arguments.length > 2) A.tooManyArgs('isParametrized', 'module, tensorName', arguments);
  if (tensorName !== undefined && tensorName !== null && typeof tensorName !== 'string') throw new ValueError(`isParametrized: tensorName must be a string or null, got ${describeArg(tensorName)}`);
  if (!(module instanceof Module)) return false;
  const p = (module as MaybeParametrized).parametrizations;
  if (!(p instanceof ModuleDict)) return false;
  return tensorName === undefined || tensorName === null ? p.size > 0 : p.has(tensorName);
}

/** The ParametrizationList of module's tensorName. */
function parametrizationOf(module: Module, tensorName: string): ParametrizationList {
  return (module as MaybeParametrized).parametrizations!.get(tensorName);
}

const REGISTER_ARGS = signature('registerParametrization', ['module', 'tensorName', 'parametrization'], {
  module: required(moduleCheck), tensorName: required(A.str), parametrization: required(moduleCheck), unsafe: optional(A.bool, false),
});

/** What `registerParametrization` takes after the parametrization. */
export interface RegisterParametrizationOptions {
  /** Skip the checks that the parametrization keeps the tensor's shape and dtype (default false). */
  unsafe?: boolean;
}

/** Marks the prototype registration puts between a parametrized module and its class. */
const INJECTED = Symbol('flintml.parametrized');

/**
 * Defines module[name] as the parametrized tensor (read: computed; assigned: rightInverse into the
 * originals), as torch's injected class does: on a prototype of the module's own, put between it
 * and its class, so that a copy of the module (deepCopyModule, AveragedModel) reads its own
 * parametrizations.
 */
function injectProperty(module: Module, name: string): void {
  let proto = Object.getPrototypeOf(module) as object;
  if (!Object.prototype.hasOwnProperty.call(proto, INJECTED)) {
    proto = Object.create(proto, { [INJECTED]: { value: true } }) as object;
    Object.setPrototypeOf(module, proto);
  }
  Object.defineProperty(proto, name, {
    get(this: Module) { return evaluate(parametrizationOf(this, name)); },
    set(this: Module, v: Tensor) { parametrizationOf(this, name).rightInverse(v); },
    enumerable: false, configurable: true,
  });
}

/**
 * Undoes injectProperty for this module only (a copy may share the prototype): the module gets its
 * class back when nothing is parametrized; until then the tensor put back as an own property hides
 * the accessor.
 */
function removeProperty(module: Module, last: boolean): void {
  const proto = Object.getPrototypeOf(module) as object;
  if (last && Object.prototype.hasOwnProperty.call(proto, INJECTED)) Object.setPrototypeOf(module, Object.getPrototypeOf(proto) as object);
}

/**
 * Replaces the parameter or buffer `tensorName` of `module` by `parametrization` applied to it, as
 * torch's `parametrize.register_parametrization`: afterwards `module[tensorName]` is computed from
 * `module.parametrizations[tensorName].original` on each read (a new tensor the caller owns: read it
 * in an `fl.scope`), and assigning it calls `parametrization.rightInverse`. The original starts as
 * `rightInverse(tensor)` (the tensor itself without one); when rightInverse returns several tensors
 * they become `original0`, `original1`, … (new parameters: make the optimizer after registering).
 * Registering on a parametrized tensor appends to its chain. Unless `unsafe`, the result must keep
 * the tensor's shape and dtype. Returns the module.
 *
 * ```ts
 * class Symmetric extends nn.Module { forward(x: fl.Tensor) { return x.triu().add(x.triu(1).transpose(0, 1)); } }
 * fl.nn.utils.parametrize.registerParametrization(layer, 'weight', new Symmetric());
 * ```
 */
export function registerParametrization<M extends Module>(module: M, tensorName: string, parametrization: Module, options?: RegisterParametrizationOptions): Parametrized<M>;
export function registerParametrization(...args: unknown[]): Module {
  const o = REGISTER_ARGS.parse(args);
  const op = 'registerParametrization';
  const { module, tensorName: name, parametrization: p } = o;
  p.train(module.training);
  if (isParametrized(module, name)) {
    const list = parametrizationOf(module, name);
    if (!o.unsafe) {
      scope(() => {
        const y = (module as unknown as Record<string, Tensor>)[name];
        const x = run(p, [y]);
        if (!(x instanceof Tensor)) throw new ValueError(`${op}: a parametrization must return a Tensor, got ${describeArg(x)}`);
        if (x.dtype !== y.dtype) throw new ValueError(`${op}: a parametrization may not change the dtype of the tensor, unless unsafe is set.\nunparametrized dtype: ${y.dtype}\nparametrized dtype: ${x.dtype}`);
        if (!sameShape(x._shape, y._shape)) throw new ValueError(`${op}: a parametrization may not change the shape of the tensor, unless unsafe is set.\nunparametrized shape: ${fmt(y._shape)}\nparametrized shape: ${fmt(x._shape)}`);
        const ri = (p as Parametrization).rightInverse;
        if (typeof ri === 'function') {
          const z = noGrad(() => ri.call(p, x));
          if (!(z instanceof Tensor)) throw new ValueError(`${op}: rightInverse must return a Tensor, got ${describeArg(z)}`);
          if (z.dtype !== y.dtype) throw new ValueError(`${op}: the tensor returned by rightInverse must have the same dtype as the parametrized tensor ${y.dtype}, got ${z.dtype}`);
          if (!sameShape(z._shape, y._shape)) throw new ValueError(`${op}: the tensor returned by rightInverse must have the same shape as the parametrized tensor ${fmt(y._shape)}, got ${fmt(z._shape)}`);
        }
      });
    }
    list.append(p);
    list.unsafe = list.unsafe || o.unsafe;
    dropCache(list);
    return module;
  }
  const fields = module as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(module, name);
  const isParam = !name.startsWith('_') && own !== undefined && 'value' in own && own.enumerable === true && isParameter(own.value);
  const buffer = module._buffers.get(name);
  if (!isParam && !(buffer instanceof Tensor)) {
    throw new ValueError(`${op}: module ${module.constructor.name} has no parameter, buffer or parametrized tensor named ${describeArg(name)}`);
  }
  const existing: unknown = (module as MaybeParametrized).parametrizations;
  if (existing !== undefined && !(existing instanceof ModuleDict)) throw new ValueError(`${op}: module ${module.constructor.name} has a field 'parametrizations' that is not the ModuleDict of its parametrizations`);
  const original = (isParam ? fields[name] : buffer) as Tensor;
  const list = new ParametrizationList([p], original, o.unsafe);
  if (isParam) delete fields[name];
  else { module._buffers.delete(name); module._nonPersistent.delete(name); delete fields[name]; }
  let dict = (module as MaybeParametrized).parametrizations;
  if (!(dict instanceof ModuleDict)) {
    dict = new ModuleDict<ParametrizationList>();
    (module as MaybeParametrized).parametrizations = dict;
  }
  dict.set(name, list);
  injectProperty(module, name);
  return module;
}

const REMOVE_ARGS = signature('removeParametrizations', ['module', 'tensorName', 'leaveParametrized'], {
  module: required(moduleCheck), tensorName: required(A.str), leaveParametrized: optional(A.bool, true),
});

/**
 * Removes the parametrizations of `tensorName`, as torch's `parametrize.remove_parametrizations`:
 * the tensor becomes a parameter (or buffer) again, holding its parametrized value
 * (`leaveParametrized`, the default; copied into the original, so an optimizer that held the
 * original keeps training it) or its original's value. A tensor parametrized by several originals
 * (weightNorm's g and v) can only be left parametrized: it becomes a new parameter, and the
 * originals are freed. Returns the module.
 *
 * ```ts
 * fl.nn.utils.parametrize.removeParametrizations(layer, 'weight');
 * ```
 */
export function removeParametrizations<M extends Module>(module: M, tensorName: string, leaveParametrized?: boolean): M;
export function removeParametrizations<M extends Module>(module: M, tensorName: string, options: { leaveParametrized?: boolean }): M;
export function removeParametrizations(...args: unknown[]): Module {
  const o = REMOVE_ARGS.parse(args);
  const op = 'removeParametrizations';
  const { module, tensorName: name, leaveParametrized: leave } = o;
  if (!isParametrized(module, name)) throw new ValueError(`${op}: module ${module.constructor.name} has no parametrization on ${describeArg(name)}`);
  const list = parametrizationOf(module, name);
  dropCache(list);
  let restored: Tensor;
  const drop: Tensor[] = [];
  if (list.isTensor) {
    restored = list.original;
    if (leave) {
      const t = noGrad(() => list.forward());
      if (sameShape(t._shape, restored._shape)) { noGrad(() => restored.copy_(t)); t.dispose(); } else {
        const was = restored;
        restored = isParameter(was) ? Parameter(t, was.requiresGrad) : t;
        drop.push(was);
      }
    }
  } else {
    if (!leave) throw new ValueError(`${op}: cannot leave unparametrized (leaveParametrized = false) a tensor that is parametrized in terms of several tensors`);
    const t = list.forward();
    const value = noGrad(() => t.clone());
    restored = t.requiresGrad ? Parameter(value, true) : value;
    t.dispose();
    drop.push(...list.originals());
  }
  (module as MaybeParametrized).parametrizations!.pop(name);
  removeProperty(module, !isParametrized(module));
  if (isParameter(restored)) Object.defineProperty(module, name, { value: restored, writable: true, enumerable: true, configurable: true });
  else module.registerBuffer(name, restored);
  for (const m of list) {
    if (!owned(m)) continue;
    for (const t of [...m.parameters(), ...m.buffers()]) drop.push(t);
  }
  for (const t of drop) if (t !== restored) t.dispose();
  if (!isParametrized(module)) delete (module as MaybeParametrized).parametrizations;
  return module;
}
