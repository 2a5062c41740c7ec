// containers.ts — Sequential, ModuleList and ModuleDict: modules that hold other modules under
// names ('0', '1', … or the given keys), so that parameter names, state-dict keys and printing
// match PyTorch's (`layers.0.weight`). Children live in an ordered Map; `seq[i]` / `list[i]` read
// it through index getters, `at(i)` also takes negative indices.
import { IndexError, ValueError } from '../errors';
import { Tensor } from '../tensor';
import { Module } from './module';
import { checkIterable, describeArg } from '../arity';

function needModule<M extends Module = Module>(m: unknown, op: string): M {
  if (!(m instanceof Module)) throw new ValueError(`${op}: expected an nn.Module, got ${m === null ? 'null' : typeof m}`);
  return m as M;
}

/**
 * Shared storage of the indexed containers: an ordered list of children named '0', '1', …, of
 * type `M` (what the list was made from), so that `list[i]`, `at(i)` and iteration are typed.
 */
abstract class IndexedContainer<M extends Module = Module> extends Module {
  readonly [index: number]: M;
  /** @internal */ _list: M[] = [];
  /** @internal */ _named: Map<string, M> | null = null;

  constructor(protected readonly kind: string) { super(); }

  /** @internal Re-creates the `this[i]` getters after a change. */
  _reindex(oldLength: number): void {
    for (let i = 0; i < oldLength; i++) delete (this as any)[i];
    this._list.forEach((_, i) => {
      Object.defineProperty(this, i, { get: () => this._list[i], enumerable: false, configurable: true });
    });
  }
  /** Number of children. */
  get length(): number { return this._list.length; }
  /** The child at `i` (negative counts from the end): `seq.at(-1)`. */
  at(i: number): M {
    const n = this._list.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new IndexError(`${this.kind}: index ${describeArg(i)} is out of range for ${n} modules`);
    return this._list[i < 0 ? i + n : i];
  }
  [Symbol.iterator](): Iterator<M> { return this._list[Symbol.iterator](); }
  namedChildren(): [string, Module][] {
    if (this._named) return [...this._named];
    return this._list.map((m, i) => [String(i), m]);
  }
  /** Adds a module at the end; returns this. */
  append(m: M): this {
    const n = this._list.length;
    this._list.push(needModule<M>(m, `${this.kind}.append`));
    if (this._named) this._named.set(String(n), m);
    this._reindex(n);
    return this;
  }
  /** Appends each module of `ms`; returns this. */
  extend(ms: Iterable<M>): this { checkIterable(ms, `${this.kind}.extend`); for (const m of ms) this.append(m); return this; }
  /** Inserts `m` before index `i` (names are renumbered); returns this. */
  insert(i: number, m: M): this {
    const n = this._list.length;
    if (!Number.isInteger(i) || i < -n || i > n) throw new IndexError(`${this.kind}.insert: index ${describeArg(i)} is out of range for ${n} modules`);
    this._list.splice(i < 0 ? i + n : i, 0, needModule<M>(m, `${this.kind}.insert`));
    this._named = null;
    this._reindex(n);
    return this;
  }
}

/**
 * Runs its modules one after another: `new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2))`,
 * or with names: `new nn.Sequential(new Map([['fc', fc], ['act', act]]))`.
 * `seq[0]`, `seq.at(-1)`, `seq.length`, `seq.slice(0, 2)` (a Sequential sharing the modules).
 * forward disposes the intermediate outputs it made (they stay reachable by autograd), so only
 * the final output is left for the caller to dispose. Its input and output are typed `Tensor`;
 * a chain of modules that pass something else names it: `new nn.Sequential<[Tensor, Tensor]>(…)`.
 */
export class Sequential<In = Tensor, Out = In> extends IndexedContainer<Module> {
  constructor(...modules: Module[] | [Map<string, Module>]) {
    super('Sequential');
    const first = modules[0] as unknown;
    if (modules.length === 1 && first instanceof Map) {
      this._named = new Map();
      for (const [k, m] of first as Map<string, Module>) {
        if (typeof k !== 'string' || !k || k.includes('.')) throw new ValueError(`Sequential: module names must be non-empty strings without '.', got ${describeArg(k)}`);
        this._named.set(k, needModule(m, 'Sequential'));
        this._list.push(m);
      }
    } else {
      for (const m of modules as Module[]) this._list.push(needModule(m, 'Sequential'));
    }
    this._reindex(0);
  }
  forward(x: In): Out {
    let y: unknown = x;
    for (const m of this._list) {
      const next = m.call(y);  // call, not forward: a profile shows each module as a range
      if (y instanceof Tensor && y !== x && y !== next) y.dispose();
      y = next;
    }
    return y as Out;
  }
  /** The modules from `start` to `end` (exclusive) in a new Sequential (sharing them), typed as this one. */
  slice(start = 0, end = this._list.length): Sequential<In, Out> {
    if (!Number.isInteger(start) || !Number.isInteger(end)) throw new ValueError(`Sequential.slice: start and end must be integers, got ${describeArg(start)} and ${describeArg(end)}`);
    if (this._named) {
      return new Sequential<In, Out>(new Map([...this._named].slice(start, end)));
    }
    return new Sequential<In, Out>(...this._list.slice(start, end));
  }
}

/**
 * A list of modules whose parameters are registered (named '0', '1', …); not callable itself.
 * Typed by what it holds (`ModuleList<Block>` here, so `b.forward(x)` is `Block`'s):
 * ```ts
 * this.blocks = new nn.ModuleList(Array.from({ length: 4 }, () => new Block()));
 * for (const b of this.blocks) x = b.forward(x);
 * ```
 */
export class ModuleList<M extends Module = Module> extends IndexedContainer<M> {
  constructor(modules: Iterable<M> = []) {
    super('ModuleList');
    checkIterable(modules, 'ModuleList');
    for (const m of modules) this._list.push(needModule<M>(m, 'ModuleList'));
    this._reindex(0);
  }
  forward(): never { throw new ValueError('ModuleList: a ModuleList is not callable; iterate over it and call its modules'); }
}

/**
 * Modules by name (insertion order), registered as children:
 * ```ts
 * this.heads = new nn.ModuleDict({ cls: new nn.Linear(64, 10), box: new nn.Linear(64, 4) });
 * this.heads.get('cls').forward(h);
 * ```
 */
export class ModuleDict<M extends Module = Module> extends Module {
  /** @internal */ _map = new Map<string, M>();
  constructor(modules: Record<string, M> | Map<string, M> | Iterable<[string, M]> = {}) {
    super();
    if (modules === null || typeof modules !== 'object') throw new ValueError(`ModuleDict: expected an object, a Map or [key, module] pairs, got ${describeArg(modules)}`);
    const entries = modules instanceof Map || Symbol.iterator in Object(modules)
      ? [...(modules as Iterable<[string, M]>)] : Object.entries(modules);
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== 2) throw new ValueError(`ModuleDict: expected [key, module] pairs, got ${describeArg(e)}`);
      this.set(e[0], e[1]);
    }
  }
  /** The module under `key` (IndexError when absent). */
  get(key: string): M {
    const m = this._map.get(key);
    if (!m) throw new IndexError(`ModuleDict: no module named ${describeArg(key)} (keys: ${[...this._map.keys()].join(', ')})`);
    return m;
  }
  /** Adds or replaces the module under `key`; returns this. */
  set(key: string, m: M): this {
    if (typeof key !== 'string' || !key || key.includes('.')) throw new ValueError(`ModuleDict: keys must be non-empty strings without '.', got ${describeArg(key)}`);
    this._map.set(key, needModule<M>(m, 'ModuleDict'));
    return this;
  }
  has(key: string): boolean { return this._map.has(key); }
  /** Removes and returns the module under `key` (PyTorch's `pop`). */
  pop(key: string): M { const m = this.get(key); this._map.delete(key); return m; }
  get size(): number { return this._map.size; }
  keys(): string[] { return [...this._map.keys()]; }
  values(): M[] { return [...this._map.values()]; }
  entries(): [string, M][] { return [...this._map]; }
  [Symbol.iterator](): Iterator<[string, M]> { return this._map[Symbol.iterator](); }
  namedChildren(): [string, Module][] { return [...this._map]; }
  forward(): never { throw new ValueError('ModuleDict: a ModuleDict is not callable; get a module by key and call it'); }
}
