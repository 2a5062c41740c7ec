// module.ts — nn.Module: the base of every layer. Parameters and sub-modules are found from the
// module's own fields (a field holding a Parameter, a Module, or an array/Map of Modules), in
// field order, as PyTorch finds attributes; buffers (running stats) are registered by name.
// State dicts are flat `{ 'layer.0.weight': Tensor }` maps with strict key and shape checks.
import { DType, checkDType } from '../dtype';
import { FlintError, ShapeError, ValueError } from '../errors';
import { noGrad } from '../autograd';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { describeArg } from '../arity';
import { bool, checkKeys, optional, required, signature, anyValue, tooManyArgs, unknownOption } from '../args';
import { _range, isProfiling } from '../profiler';

// PyTorch: load_state_dict(state_dict, strict=True) (lib/args.ts)
const LOAD_STATE_DICT_ARGS = signature('loadStateDict', ['state', 'strict'], { state: required(anyValue<never>()), strict: optional(bool, true) });

const PARAM = Symbol('flintml.parameter');

/** @internal zeroGrad's argument: a boolean (PyTorch's positional set_to_none) or `{ setToNone }`. */
export function readSetToNone(v: unknown, op: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValueError(`${op}: expected a boolean or { setToNone }, got ${v === null ? 'null' : typeof v}`);
  for (const k of Object.keys(v)) if (k !== 'setToNone') unknownOption(op, k, ['setToNone']);
  const s = (v as { setToNone?: unknown }).setToNone;
  if (s === undefined) return true;
  if (typeof s !== 'boolean') throw new ValueError(`${op}: setToNone must be a boolean, got ${typeof s}`);
  return s;
}

/**
 * Marks a tensor as a trainable parameter (requiresGrad = true) and returns it:
 * `this.weight = nn.Parameter(fl.randn([out, inp]))`.
 */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  if (arguments.length > 2) tooManyArgs('Parameter', 'data, requiresGrad', arguments);
  if (!(t instanceof Tensor)) throw new ValueError('Parameter: expected a Tensor');
  if (!t.isLeaf) throw new ValueError('Parameter: expected a leaf tensor (detach() it first)');
  (t as any)[PARAM] = true;
  t.requiresGrad = requiresGrad;
  return t;
}

/** Whether `t` was made with `nn.Parameter`. */
export function isParameter(t: unknown): t is Tensor {
  if (arguments.length > 1) tooManyArgs('isParameter', 'input', arguments);
  return t instanceof Tensor && (t as any)[PARAM] === true;
}

/**
 * The base class of layers and models. Subclasses assign parameters, buffers and sub-modules to
 * fields in the constructor and implement `forward`.
 *
 * ```ts
 * class MLP extends nn.Module {
 *   fc1 = new nn.Linear(784, 128);
 *   fc2 = new nn.Linear(128, 10);
 *   forward(x: fl.Tensor) { return this.fc2.forward(fl.relu(this.fc1.forward(x))); }
 * }
 * ```
 */
export abstract class Module {
  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  /** @internal */ _buffers = new Map<string, Tensor | null>();
  /** @internal */ _nonPersistent = new Set<string>();

  /**
   * The computation of this module. Subclasses declare their own parameters and result
   * (`forward(x: Tensor): Tensor`, `LSTM.forward(x, hx?): [Tensor, [Tensor, Tensor]]`); `call`
   * takes and returns exactly what their `forward` does.
   */
  abstract forward(...args: unknown[]): unknown;

  /** Same as `forward`, typed as the subclass's `forward` (PyTorch's `module(x)`): `model.call(x)`. */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    if (typeof this.forward !== 'function') throw new FlintError(`${this.constructor.name}: forward is not implemented (a Module subclass defines forward)`);
    // while profiling, a module's call is a range named as PyTorch's ('nn.Module: Linear')
    if (isProfiling()) return _range(`nn.Module: ${this.constructor.name}`, 'range', () => this.forward(...args)) as ReturnType<this['forward']>;
    return this.forward(...args) as ReturnType<this['forward']>;
  }

  /** Registers a buffer (state that is not a parameter, e.g. running mean); `persistent` ones go to stateDict. */
  registerBuffer(name: string, t: Tensor | null, persistent = true): void {
    if (typeof name !== 'string' || name === '') throw new ValueError(`registerBuffer: name must be a non-empty string, got ${describeArg(name)}`);
    if (t !== null && !(t instanceof Tensor)) throw new ValueError(`registerBuffer: '${name}' must be a Tensor or null, got ${describeArg(t)}`);
    this._buffers.set(name, t);
    if (!persistent) this._nonPersistent.add(name);
    Object.defineProperty(this, name, {
      get: () => this._buffers.get(name), set: (v) => this._buffers.set(name, v), enumerable: false, configurable: true,
    });
  }

  /** Direct children: [name, module]. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (k.startsWith('_')) continue;
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v)) v.forEach((m, i) => { if (m instanceof Module) out.push([`${k}.${i}`, m]); });
      else if (v instanceof Map) for (const [mk, m] of v) if (m instanceof Module) out.push([`${k}.${String(mk)}`, m]);
    }
    return out;
  }

  /** Every module in the tree (this one first) with its dotted name. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, m] of this.namedChildren()) out.push(...m.namedModules(prefix ? `${prefix}.${k}` : k));
    return out;
  }
  modules(): Module[] { return this.namedModules().map(([, m]) => m); }
  children(): Module[] { return this.namedChildren().map(([, m]) => m); }

  /** Own parameters (fields holding Parameters, in field order). */
  protected ownParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [k, v] of Object.entries(this)) if (!k.startsWith('_') && isParameter(v)) out.push([k, v]);
    return out;
  }

  /** All parameters with dotted names: `[['fc1.weight', t], …]`. Shared parameters appear once. */
  namedParameters(): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${k}` : k, p]);
      }
    }
    return out;
  }
  /** All parameters (for optimizers): `new optim.SGD(model.parameters(), { lr: 0.1 })`. */
  parameters(): Tensor[] { return this.namedParameters().map(([, p]) => p); }

  /** All buffers with dotted names. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, b] of m._buffers) if (b) out.push([prefix ? `${prefix}.${k}` : k, b]);
    }
    return out;
  }
  buffers(): Tensor[] { return this.namedBuffers().map(([, b]) => b); }

  /**
   * Calls `fn` on every sub-module (children first, recursively) and then on this module, and
   * returns this, as PyTorch's `model.apply(fn)` (typically to initialise weights):
   * `model.apply((m) => { if (m instanceof nn.Linear) nn.init.zeros_(m.bias); })`.
   */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new ValueError(`Module.apply: expected a function, got ${fn === null ? 'null' : typeof fn}`);
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Sets training mode here and below; returns this. */
  train(mode = true): this { for (const m of this.modules()) m.training = mode; return this; }
  /** Evaluation mode (`train(false)`). */
  eval(): this { return this.train(false); }

  /**
   * Clears the parameters' gradients, as PyTorch's `zero_grad(set_to_none=True)`: frees them
   * (`setToNone`, the default) or, with `{ setToNone: false }` (or `false`), fills them with zeros.
   */
  zeroGrad(setToNone: boolean | { setToNone?: boolean } = true): void {
    const none = readSetToNone(setToNone, 'Module.zeroGrad');
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (none) { p.grad.dispose(); p.grad = null; } else noGrad(() => { p.grad!.zero_(); });
    }
  }

  /**
   * Moves/casts parameters and buffers in place (the module keeps its tensors' identity for
   * optimizers only when nothing changes; otherwise create the optimizer after `to`):
   * `model.to('float64')`, `model.to({ device: 'cuda', dtype: 'bfloat16' })`.
   */
  to(arg: string | { device?: string; dtype?: DType }): this {
    if (typeof arg !== 'string' && (arg === null || typeof arg !== 'object')) throw new ValueError(`Module.to: expected a device, a dtype or { device, dtype }, got ${describeArg(arg)}`);
    if (typeof arg !== 'string') checkKeys('Module.to', arg, ['device', 'dtype']);
    const o = typeof arg === 'string' ? (['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8', 'bool'].includes(arg) ? { dtype: checkDType(arg, 'Module.to') } : { device: arg }) : arg;
    noGrad(() => {
      for (const m of this.modules()) {
        for (const [k, p] of m.ownParameters()) {
          const dt = o.dtype && (p.dtype === 'float32' || p.dtype === 'float64' || p.dtype === 'float16' || p.dtype === 'bfloat16') ? o.dtype : p.dtype;
          if (dt === p.dtype && (o.device === undefined || o.device === p.device)) continue;
          const q = Parameter(p.to({ dtype: dt, device: o.device, copy: true }), p.requiresGrad);  // a leaf: we are under noGrad
          p.dispose();
          (m as any)[k] = q;
        }
        for (const [k, b] of m._buffers) {
          if (!b) continue;
          const floating = b.dtype === 'float32' || b.dtype === 'float64' || b.dtype === 'float16' || b.dtype === 'bfloat16';
          const dt = o.dtype && floating ? o.dtype : b.dtype;
          if (dt === b.dtype && (o.device === undefined || o.device === b.device)) continue;
          const q = b.to({ dtype: dt, device: o.device, copy: true });
          b.dispose();
          m._buffers.set(k, q);
        }
      }
    });
    return this;
  }

  /** The module's state: parameters and persistent buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [k, p] of this.namedParameters()) out[k] = p;
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, b] of m._buffers) if (b && !m._nonPersistent.has(k)) out[prefix ? `${prefix}.${k}` : k] = b;
    }
    return out;
  }

  /**
   * Copies values from `state` into this module's parameters and buffers. With `strict` (default)
   * missing or unexpected keys throw; shapes must match always.
   */
  loadStateDict(state: Record<string, Tensor> | Map<string, Tensor>, strict?: boolean): { missingKeys: string[]; unexpectedKeys: string[] };
  loadStateDict(state: Record<string, Tensor> | Map<string, Tensor>, options: { strict?: boolean }): { missingKeys: string[]; unexpectedKeys: string[] };
  loadStateDict(...args: unknown[]): { missingKeys: string[]; unexpectedKeys: string[] } {
    // the state is itself a plain object, so it is taken before the options are read
    const state = args[0] as Record<string, Tensor> | Map<string, Tensor>;
    const { strict } = LOAD_STATE_DICT_ARGS.parse(args.slice(1), 1);
    if (state === null || typeof state !== 'object') throw new ValueError(`loadStateDict: expected a state dict (an object or Map of tensors), got ${String(state)}`);
    const prepared = prepareLoadStateDict(this, state, strict, 'loadStateDict');
    prepared.commit();
    return { missingKeys: prepared.missingKeys, unexpectedKeys: prepared.unexpectedKeys };
  }

  /** Disposes every parameter and buffer (and their gradients). */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const b of this.buffers()) b.dispose();
  }

  /** Extra text for `toString()` (layer hyper-parameters). */
  extraRepr(): string { return ''; }

  /** PyTorch-style description: `Sequential(\n  (0): Linear(in_features=2, …)\n)` */
  toString(): string {
    const kids = this.namedChildren();
    const name = this.constructor.name;
    if (!kids.length) return `${name}(${this.extraRepr()})`;
    const lines = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    return `${name}(${extra ? `\n  ${extra}` : ''}\n${lines.join('\n')}\n)`;
  }
}

/**
 * @internal `loadStateDict` in two halves, so that a caller restoring several objects
 * (loadCheckpoint) can check all of them before changing any: this checks every key, type and
 * shape and changes nothing; `commit()` then copies the values in (moving them to each
 * parameter's device), and can fail only as a copy can (out of memory).
 */
export function prepareLoadStateDict(m: Module, state: Record<string, Tensor> | Map<string, Tensor>, strict: boolean, op: string): { missingKeys: string[]; unexpectedKeys: string[]; commit(): void } {
  if (state === null || typeof state !== 'object') throw new ValueError(`${op}: expected a state dict (an object or Map of tensors), got ${String(state)}`);
  const src = state instanceof Map ? Object.fromEntries(state) : state;
  const own = m.stateDict();
  const missingKeys = Object.keys(own).filter((k) => !(k in src));
  const unexpectedKeys = Object.keys(src).filter((k) => !(k in own));
  if (strict && (missingKeys.length || unexpectedKeys.length)) {
    throw new ValueError(`${op}: missing keys [${missingKeys.join(', ')}], unexpected keys [${unexpectedKeys.join(', ')}]`);
  }
  const pairs: [Tensor, Tensor][] = [];
  for (const [k, t] of Object.entries(own)) {
    const v = src[k];
    if (!v) continue;
    if (!(v instanceof Tensor)) throw new ValueError(`${op}: ${k} is not a Tensor`);
    if (v._shape.length !== t._shape.length || v._shape.some((s, i) => s !== t._shape[i])) {
      throw new ShapeError(`${op}: shape of ${k} is ${fmt(v._shape)} in the state dict but ${fmt(t._shape)} in the module`);
    }
    v._handleFor(`${op}: ${k}`);
    t._handleFor(`${op}: ${k}`);
    pairs.push([t, v]);
  }
  return {
    missingKeys, unexpectedKeys,
    commit: () => noGrad(() => {
      for (const [t, v] of pairs) {
        if (v.device === t.device) t.copy_(v);
        else { const moved = v.to(t.device); try { t.copy_(moved); } finally { moved.dispose(); } }
      }
    }),
  };
}
