// module.ts — nn.Module: the base of every layer. Parameters and sub-modules are found from the
// module's own fields (a field holding a Parameter, a Module, or an array/Map of Modules), in
// field order, as PyTorch finds attributes; buffers (running stats) are registered by name.
// State dicts are flat `{ 'layer.0.weight': Tensor }` maps with strict key and shape checks.
import { DType, checkDType, isComplexDType, isFloating } from '../dtype';
import { deviceArg, parseDevice } from '../device';
import type { DeviceLike } from '../device';
import { DTypeError, FlintError, ShapeError, ValueError } from '../errors';
import { isGradEnabled, noGrad, record, type RemovableHandle } from '../autograd';
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

type ForwardPreHook = (module: Module, args: unknown[]) => unknown;
type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
type BackwardHook = (module: Module, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => unknown;
interface HookEntry<H> { hook: H; alwaysCall: boolean }
/** A module's hooks (on the instance, not enumerable: no parameter, child or state). */
interface Hooked { _forwardPreHooks?: HookEntry<ForwardPreHook>[]; _forwardHooks?: HookEntry<ForwardHook>[]; _backwardHooks?: HookEntry<BackwardHook>[] }

const HOOK_ARGS = {
  registerForwardPreHook: signature('registerForwardPreHook', ['hook', 'prepend', 'withKwargs'], {
    hook: required(((v: unknown, where: string) => { if (typeof v !== 'function') throw new ValueError(`${where} must be a function, got ${describeArg(v)}`); return v; })),
    prepend: optional(bool, false), withKwargs: optional(bool, false),
  }),
  registerForwardHook: signature('registerForwardHook', ['hook', 'prepend', 'withKwargs', 'alwaysCall'], {
    hook: required(((v: unknown, where: string) => { if (typeof v !== 'function') throw new ValueError(`${where} must be a function, got ${describeArg(v)}`); return v; })),
    prepend: optional(bool, false), withKwargs: optional(bool, false), alwaysCall: optional(bool, false),
  }),
  registerFullBackwardHook: signature('registerFullBackwardHook', ['hook', 'prepend'], {
    hook: required(((v: unknown, where: string) => { if (typeof v !== 'function') throw new ValueError(`${where} must be a function, got ${describeArg(v)}`); return v; })),
    prepend: optional(bool, false),
  }),
};

/**
 * Adds a forward hook to module m. The first hook wraps the instance's forward (an own,
 * non-enumerable property) so that the hooks run whether the module is run by `call` or `forward`.
 */
function addHook<H>(m: Module, list: '_forwardPreHooks' | '_forwardHooks' | '_backwardHooks', hook: H, prepend: boolean, alwaysCall: boolean): RemovableHandle {
  const h = m as unknown as Hooked;
  if (h._forwardPreHooks === undefined) {
    Object.defineProperty(m, '_forwardPreHooks', { value: [], enumerable: false, writable: true, configurable: true });
    Object.defineProperty(m, '_forwardHooks', { value: [], enumerable: false, writable: true, configurable: true });
    Object.defineProperty(m, '_backwardHooks', { value: [], enumerable: false, writable: true, configurable: true });
    const inner = m.forward;
    Object.defineProperty(m, 'forward', {
      value: function hookedForward(this: Module, ...args: unknown[]): unknown { return runHooked(this, inner, args); },
      enumerable: false, writable: true, configurable: true,
    });
  }
  const entries = h[list] as unknown as HookEntry<H>[];
  const entry: HookEntry<H> = { hook, alwaysCall };
  if (prepend) entries.unshift(entry); else entries.push(entry);
  let removed = false;
  return {
    remove(): void {
      if (removed) return;
      removed = true;
      const list2 = (m as unknown as Hooked)[list] as unknown as HookEntry<H>[];
      const i = list2.indexOf(entry);
      if (i >= 0) list2.splice(i, 1);
    },
  };
}

function runHooked(m: Module, inner: (...a: unknown[]) => unknown, args: unknown[]): unknown {
  const h = m as unknown as Hooked;
  for (const { hook } of h._forwardPreHooks!.slice()) {
    const r = hook(m, args);
    if (r !== undefined) args = Array.isArray(r) ? r : [r];
  }
  const backward = h._backwardHooks!.length > 0 && isGradEnabled() ? new BackwardHookState(m) : null;
  if (backward) args = backward.wrapInputs(args);
  let out: unknown;
  try {
    out = inner.apply(m, args);
    if (backward) out = backward.wrapOutputs(out);
  } catch (e) {
    for (const { hook, alwaysCall } of h._forwardHooks!.slice()) {
      if (!alwaysCall) continue;
      try { hook(m, args, undefined); } catch { /* the forward's error is the one reported */ }
    }
    throw e;
  }
  for (const { hook } of h._forwardHooks!.slice()) {
    const r = hook(m, args, out);
    if (r !== undefined) out = r;
  }
  return out;
}

/** A fresh tensor on t's memory (a node's output: the tape attaches it to the node). */
const alias = (t: Tensor): Tensor => t._view(t._shape, t._strides, t._offset);

/**
 * One forward of a module with full backward hooks (PyTorch's BackwardHookFunction): its tensor
 * arguments that require grad pass through one identity node, and its outputs through another.
 * The outputs' node keeps their gradients (grad_output) when the backward reaches it; the inputs'
 * node, reached once every gradient of the inputs is summed, calls the hooks with both, and a hook
 * may return new input gradients. With no input that requires grad, the outputs' node calls them.
 */
class BackwardHookState {
  private gradOutputs: (Tensor | null)[] = [];
  private nArgs = 0;
  private inputsWrapped = false;
  constructor(private readonly m: Module) {}

  wrapInputs(args: unknown[]): unknown[] {
    this.nArgs = args.length;
    const at: number[] = [];
    for (let i = 0; i < args.length; i++) { const a = args[i]; if (a instanceof Tensor && a.requiresGrad) at.push(i); }
    if (at.length === 0) return args;
    this.inputsWrapped = true;
    const ins = at.map((i) => args[i] as Tensor);
    const aliases = ins.map(alias);
    record('BackwardHookFunction', ins, aliases, [], (grads) => {
      const gi: (Tensor | null)[] = new Array<Tensor | null>(this.nArgs).fill(null);
      at.forEach((i, k) => { gi[i] = grads[k]; });
      const res = this.fire(gi);
      // the tape disposes the gradients it passed in: one handed back goes on as a view of its own
      return at.map((i) => { const g = res[i]; return g && grads.includes(g) ? alias(g) : g ?? null; });
    });
    const out = args.slice();
    at.forEach((i, k) => { out[i] = aliases[k]; });
    return out;
  }

  wrapOutputs(out: unknown): unknown {
    const many = Array.isArray(out);
    const outs: unknown[] = many ? (out as unknown[]).slice() : [out];
    const at: number[] = [];
    for (let i = 0; i < outs.length; i++) { const o = outs[i]; if (o instanceof Tensor && o.requiresGrad) at.push(i); }
    if (at.length === 0) return out;
    const os = at.map((i) => outs[i] as Tensor);
    const aliases = os.map(alias);
    record('BackwardHookFunction', os, aliases, [], (grads) => {
      this.release();
      this.gradOutputs = new Array<Tensor | null>(outs.length).fill(null);
      at.forEach((i, k) => { const g = grads[k]; if (g) this.gradOutputs[i] = alias(g); });  // kept until the hooks run
      if (!this.inputsWrapped) { this.fire(new Array<Tensor | null>(this.nArgs).fill(null)); this.release(); }
      return grads.map((g) => (g ? alias(g) : null));
    });
    at.forEach((i, k) => { outs[i] = aliases[k]; });
    return many ? outs : outs[0];
  }

  /** Calls the hooks in order; each sees the input gradients the previous one left. */
  private fire(gi: (Tensor | null)[]): (Tensor | null)[] {
    const hooks = ((this.m as unknown as Hooked)._backwardHooks ?? []).slice();
    try {
      for (const { hook } of hooks) {
        const r = hook(this.m, gi.slice(), this.gradOutputs.slice());
        if (r === undefined || r === null) continue;
        if (!Array.isArray(r) || r.length !== gi.length || r.some((g) => g !== null && !(g instanceof Tensor))) {
          throw new ValueError(`${this.m.constructor.name} backward hook: must return undefined or an array of ${gi.length} gradient(s) (Tensor or null), one per forward argument, got ${describeArg(r)}`);
        }
        gi = r as (Tensor | null)[];
      }
      return gi;
    } finally {
      if (this.inputsWrapped) this.release();
    }
  }

  private release(): void {
    for (const g of this.gradOutputs) g?.dispose();
    this.gradOutputs = [];
  }
}

/**
 * Parameter `p` takes `value` in place (Tensor._takeOver: the object stays, as torch's
 * `param.data = fn(param)`, so optimizers, tied weights and the user's references go on with the new
 * value); its gradient goes through `convert` too (torch's `_apply`). Module.to and Module.type.
 */
function takeOverParameter(p: Tensor, value: Tensor, convert: (t: Tensor) => Tensor, op: string): void {
  const g = p.grad;
  p.grad = null;
  const gq = g && !g.isDisposed ? convert(g) : null;
  if (g && gq !== g) g.dispose();
  p._takeOver(value, op);
  p.grad = gq;
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

  /**
   * Calls `hook(module, args)` before each forward of this module, as PyTorch's
   * `register_forward_pre_hook`. The hook may return new arguments: an array (the whole argument
   * list), any other value (the one argument), or nothing (keep them). `prepend` puts it before the
   * hooks already registered. Returns a handle whose `remove()` unregisters it.
   *
   * A hook runs whenever the module runs, by `call` or by `forward` (flintml's layers and models call
   * their children's `forward`, where PyTorch's go through `__call__`).
   * ```ts
   * model.fc1.registerForwardPreHook((m, [x]) => console.log('fc1 input', x.shape));
   * ```
   */
  registerForwardPreHook(hook: (module: this, args: unknown[]) => unknown, options: { prepend?: boolean; withKwargs?: boolean } = {}): RemovableHandle {
    const o = HOOK_ARGS.registerForwardPreHook.parse([hook, options]);
    if (o.withKwargs) throw new ValueError('registerForwardPreHook: withKwargs is not supported (JavaScript calls have no keyword arguments)');
    return addHook(this, '_forwardPreHooks', hook as ForwardPreHook, o.prepend, false);
  }

  /**
   * Calls `hook(module, args, output)` after each forward of this module, as PyTorch's
   * `register_forward_hook`; a returned value (not undefined) replaces the output. `prepend` puts it
   * before the hooks already registered; `alwaysCall` calls it even when forward throws (with
   * output undefined; the error is thrown after). Returns a handle whose `remove()` unregisters it.
   * Like the pre-hooks, it runs whenever the module runs, by `call` or by `forward`.
   * ```ts
   * const feats: fl.Tensor[] = [];
   * const h = model.layer3.registerForwardHook((m, args, out) => { feats.push(fl.keep((out as fl.Tensor).detach())); });
   * ```
   */
  registerForwardHook(hook: (module: this, args: unknown[], output: unknown) => unknown, options: { prepend?: boolean; withKwargs?: boolean; alwaysCall?: boolean } = {}): RemovableHandle {
    const o = HOOK_ARGS.registerForwardHook.parse([hook, options]);
    if (o.withKwargs) throw new ValueError('registerForwardHook: withKwargs is not supported (JavaScript calls have no keyword arguments)');
    return addHook(this, '_forwardHooks', hook as ForwardHook, o.prepend, o.alwaysCall);
  }

  /**
   * Calls `hook(module, gradInput, gradOutput)` when a backward has computed the gradients of this
   * module's inputs, as PyTorch's `register_full_backward_hook`: `gradInput` has one entry per
   * forward argument (null for a non-tensor and for a tensor that does not require grad),
   * `gradOutput` one per output (null for an output the loss did not use). The hook may return a
   * new `gradInput` array. With no input that requires grad it runs when the outputs' gradients are
   * known. Like the forward hooks it runs whether the module runs by `call` or `forward`.
   * ```ts
   * model.fc2.registerFullBackwardHook((m, gIn, gOut) => console.log(gOut[0]!.abs().max().item()));
   * ```
   */
  registerFullBackwardHook(hook: (module: this, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void | undefined, options: { prepend?: boolean } = {}): RemovableHandle {
    const o = HOOK_ARGS.registerFullBackwardHook.parse([hook, options]);
    return addHook(this, '_backwardHooks', hook as BackwardHook, o.prepend, false);
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

  /**
   * Every module in the tree (this one first) with its dotted name; a module reached twice (shared
   * by two parents) appears once, under its first name, as torch's `named_modules()`.
   */
  namedModules(prefix = ''): [string, Module][] {
    if (typeof prefix !== 'string') throw new ValueError(`namedModules: prefix must be a string, got ${describeArg(prefix)}`);
    const out: [string, Module][] = [];
    this.walkModules(prefix, new Set(), out);
    return out;
  }
  /** The tree in namedModules' order; `seen` null keeps every path to a shared module (stateDict's walk, as torch's state_dict). */
  private walkModules(prefix: string, seen: Set<Module> | null, out: [string, Module][]): void {
    if (seen) {
      if (seen.has(this)) return;
      seen.add(this);
    }
    out.push([prefix, this]);
    for (const [k, m] of this.namedChildren()) m.walkModules(prefix ? `${prefix}.${k}` : k, seen, out);
  }
  modules(): Module[] { return this.namedModules().map(([, m]) => m); }
  children(): Module[] { return this.namedChildren().map(([, m]) => m); }

  /** Own parameters (fields holding Parameters, in field order). */
  protected ownParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [k, v] of Object.entries(this)) if (!k.startsWith('_') && isParameter(v)) out.push([k, v]);
    return out;
  }

  /**
   * All parameters with dotted names: `[['fc1.weight', t], …]`. Shared parameters appear once.
   * As torch's `named_parameters(prefix, recurse)`: `prefix` goes before every name, and
   * `recurse` false gives this module's own parameters only: `model.namedParameters('net', false)`.
   */
  namedParameters(prefix = '', recurse = true): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.treeFor('namedParameters', prefix, recurse)) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([path ? `${path}.${k}` : k, p]);
      }
    }
    return out;
  }
  /** All parameters (for optimizers): `new optim.SGD(model.parameters(), { lr: 0.1 })`. */
  parameters(recurse = true): Tensor[] { return this.namedParameters('', recurse).map(([, p]) => p); }
  /** The modules namedParameters / namedBuffers read: the tree under `prefix`, or this one alone. */
  private treeFor(op: string, prefix: unknown, recurse: unknown): [string, Module][] {
    if (typeof prefix !== 'string') throw new ValueError(`${op}: prefix must be a string, got ${describeArg(prefix)}`);
    if (typeof recurse !== 'boolean') throw new ValueError(`${op}: recurse must be a boolean, got ${describeArg(recurse)}`);
    return recurse ? this.namedModules(prefix) : [[prefix, this]];
  }

  /** All buffers with dotted names (shared ones once); `prefix` and `recurse` as namedParameters': `bn.namedBuffers('bn')`. */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.treeFor('namedBuffers', prefix, recurse)) {
      for (const [k, b] of m._buffers) {
        if (!b || seen.has(b)) continue;
        seen.add(b);
        out.push([path ? `${path}.${k}` : k, b]);
      }
    }
    return out;
  }
  /** All buffers (`recurse` false: this module's own). */
  buffers(recurse = true): Tensor[] { return this.namedBuffers('', recurse).map(([, b]) => b); }

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
   * Moves/casts parameters and buffers in place, as torch's: each parameter stays the same tensor
   * object with the new value (an optimizer made before `to` goes on training it; a weight shared
   * by two modules stays shared), and its `.grad` is converted with it; buffers are replaced.
   * `model.to('float64')`, `model.to({ device: 'cuda', dtype: 'bfloat16' })`.
   */
  to(arg0: DeviceLike | { device?: DeviceLike; dtype?: DType }): this {
    const arg = deviceArg(arg0);  // a fl.device(…) object as its name
    if (typeof arg !== 'string' && (arg === null || typeof arg !== 'object')) throw new ValueError(`Module.to: expected a device, a dtype or { device, dtype }, got ${describeArg(arg)}`);
    if (typeof arg !== 'string') checkKeys('Module.to', arg, ['device', 'dtype']);
    const o0 = typeof arg === 'string' ? (['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8', 'bool'].includes(arg) ? { dtype: checkDType(arg, 'Module.to') } : { device: arg }) : arg;
    if (o0.dtype !== undefined) {
      const dt = checkDType(o0.dtype, 'Module.to');
      if (!(isFloating(dt) || isComplexDType(dt))) {
        throw new DTypeError(`Module.to only accepts floating point or complex dtypes, but got desired dtype=${dt}`);   // torch's TypeError
      }
    }
    // 'cuda' is 'cuda:0': parsed once, so that a tensor already there is not copied again
    const o = { dtype: o0.dtype, device: o0.device === undefined ? undefined : parseDevice(o0.device, 'Module.to').name };
    noGrad(() => {
      for (const m of this.modules()) {
        for (const [k, p] of m.ownParameters()) {
          const dt = o.dtype && isFloating(p.dtype) ? o.dtype : p.dtype;
          if (dt === p.dtype && (o.device === undefined || o.device === p.device)) continue;
          const convert = (t: Tensor): Tensor => t.to({ dtype: dt, device: o.device, copy: true });
          takeOverParameter(p, convert(p), convert, 'Module.to');
        }
        for (const [k, b] of m._buffers) {
          if (!b) continue;
          const dt = o.dtype && isFloating(b.dtype) ? o.dtype : b.dtype;
          if (dt === b.dtype && (o.device === undefined || o.device === b.device)) continue;
          const q = b.to({ dtype: dt, device: o.device, copy: true });
          b.dispose();
          m._buffers.set(k, q);
        }
      }
    });
    return this;
  }

  /**
   * Casts every parameter and buffer — integer ones too, unlike `to(dtype)` — to `dst`, a dtype or a
   * torch type string (`'torch.DoubleTensor'`, `'torch.cuda.FloatTensor'`: device too), as torch's
   * `module.type(dst_type)`; parameters keep their identity (see `to`). All or nothing: a bad `dst`,
   * or integer values for a parameter that requires grad, changes nothing.
   * ```ts
   * const model = new nn.Linear(4, 2).type('torch.DoubleTensor');   // model.weight.dtype === 'float64'
   * ```
   */
  type(dst: DType | string): this {
    if (arguments.length !== 1) throw new ValueError(`Module.type: expected one argument (a dtype or a torch type string), got ${String(arguments.length)}`);
    // (Tensor.type() without an argument returns the type string: undefined would not cast)
    if (typeof dst !== 'string') throw new ValueError(`Module.type: dst must be a dtype or a torch type string ('float64', 'torch.DoubleTensor'), got ${describeArg(dst)}`);
    const made: [Module, string, Tensor, Tensor, boolean][] = [];
    const seen = new Set<Tensor>();
    try {
      noGrad(() => {
        for (const m of this.modules()) {
          for (const [k, p] of m.ownParameters()) {
            if (seen.has(p)) continue;   // shared by two modules: converted once
            seen.add(p);
            const q = (p as unknown as { type(d: unknown): Tensor }).type(dst);
            if (q === p) continue;
            made.push([m, k, p, q, true]);
            if (p.requiresGrad && !isFloating(q.dtype)) {
              throw new DTypeError(`Module.type: parameter '${k}' (shape ${fmt(p._shape)}) requires grad and cannot hold ${q.dtype} values`);
            }
          }
          for (const [k, b] of m._buffers) {
            if (!b) continue;
            const q = (b as unknown as { type(d: unknown): Tensor }).type(dst);
            if (q !== b) made.push([m, k, b, q, false]);
          }
        }
      });
    } catch (e) {
      for (const [, , , q] of made) q.dispose();
      throw e;
    }
    for (const [m, k, t, q, isParam] of made) {
      if (isParam) takeOverParameter(t, q, (g) => noGrad(() => (g as unknown as { type(d: unknown): Tensor }).type(dst)), 'Module.type');
      else if (m._buffers.get(k) === t) { m._buffers.set(k, q); t.dispose(); }
      else q.dispose();   // a buffer shared by two modules, already replaced through the first
    }
    return this;
  }

  /**
   * Casts the floating-point parameters and buffers to float16, as PyTorch's `module.half()`
   * (integer buffers such as BatchNorm's numBatchesTracked keep their dtype); the same conversion
   * as `to('float16')`: the parameters stay the same tensor objects, so an optimizer made before goes on.
   * ```ts
   * const model = new nn.Linear(4, 2).half();   // model.weight.dtype === 'float16'
   * ```
   */
  half(): this { if (arguments.length > 0) tooManyArgs('Module.half', '', arguments); return this.to('float16'); }
  /** Casts the floating-point parameters and buffers to float32 (see `half`): `model.float()`. */
  float(): this { if (arguments.length > 0) tooManyArgs('Module.float', '', arguments); return this.to('float32'); }
  /** Casts the floating-point parameters and buffers to float64 (see `half`): `model.double()`. */
  double(): this { if (arguments.length > 0) tooManyArgs('Module.double', '', arguments); return this.to('float64'); }
  /** Casts the floating-point parameters and buffers to bfloat16 (see `half`): `model.bfloat16()`. */
  bfloat16(): this { if (arguments.length > 0) tooManyArgs('Module.bfloat16', '', arguments); return this.to('bfloat16'); }
  /** Moves parameters and buffers to the CPU (`to('cpu')`): `model.cpu()`. */
  cpu(): this { if (arguments.length > 0) tooManyArgs('Module.cpu', '', arguments); return this.to('cpu'); }
  /** Moves parameters and buffers to the GPU (`to('cuda')`, or `'cuda:N'` for `device` N): `model.cuda()`. */
  cuda(device?: number): this {
    if (arguments.length > 1) tooManyArgs('Module.cuda', 'device', arguments);
    if (device === undefined || device === null) return this.to('cuda');
    if (!Number.isInteger(device) || device < 0) throw new ValueError(`Module.cuda: device must be a non-negative integer, got ${describeArg(device)}`);
    return this.to(`cuda:${device}`);
  }

  /**
   * Sets `requiresGrad` on every parameter (here and below) and returns this, as PyTorch's
   * `requires_grad_` (freezing layers for fine-tuning):
   * ```ts
   * model.backbone.requiresGrad_(false);
   * ```
   */
  requiresGrad_(requiresGrad = true): this {
    if (arguments.length > 1) tooManyArgs('Module.requiresGrad_', 'requiresGrad', arguments);
    if (typeof requiresGrad !== 'boolean') throw new ValueError(`Module.requiresGrad_: requiresGrad must be a boolean, got ${describeArg(requiresGrad)}`);
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Adds a child module under `name` (a field of this module), as PyTorch's `add_module`; null
   * clears it. The name must be new or already hold a module, and must not contain '.'.
   * ```ts
   * net.addModule('head', new nn.Linear(16, 2));
   * ```
   */
  addModule(name: string, module: Module | null): void {
    if (arguments.length > 2) tooManyArgs('Module.addModule', 'name, module', arguments);
    checkMemberName(this, 'addModule', name);
    if (module !== null && !(module instanceof Module)) throw new ValueError(`addModule: '${name}' must be a Module or null, got ${describeArg(module)}`);
    const cur = (this as any)[name];
    if (cur !== undefined && cur !== null && !(cur instanceof Module)) throw new ValueError(`addModule: attribute '${name}' already exists and is not a module`);
    (this as any)[name] = module;
  }
  /** The same as `addModule` (PyTorch's `register_module`): `net.registerModule('head', head)`. */
  registerModule(name: string, module: Module | null): void {
    if (arguments.length > 2) tooManyArgs('Module.registerModule', 'name, module', arguments);
    this.addModule(name, module);
  }

  /**
   * Adds a parameter under `name` (a field of this module), as PyTorch's `register_parameter`;
   * `param` must have been made with `nn.Parameter` (or be null, which clears the field).
   * ```ts
   * this.registerParameter('scale', nn.Parameter(fl.ones([1])));
   * ```
   */
  registerParameter(name: string, param: Tensor | null): void {
    if (arguments.length > 2) tooManyArgs('Module.registerParameter', 'name, param', arguments);
    checkMemberName(this, 'registerParameter', name);
    if (param !== null && !isParameter(param)) throw new ValueError(`registerParameter: '${name}' must be an nn.Parameter or null, got ${describeArg(param)}`);
    const cur = (this as any)[name];
    if (cur !== undefined && cur !== null && !isParameter(cur)) throw new ValueError(`registerParameter: attribute '${name}' already exists and is not a parameter`);
    (this as any)[name] = param;
  }

  /**
   * The sub-module at a dotted path (`''` is this module), as PyTorch's `get_submodule`; a path
   * that names nothing, or something that is not a module, is a ValueError naming the path.
   * ```ts
   * const fc = model.getSubmodule('0.fc');
   * ```
   */
  getSubmodule(target: string): Module {
    if (arguments.length > 1) tooManyArgs('Module.getSubmodule', 'target', arguments);
    if (typeof target !== 'string') throw new ValueError(`getSubmodule: target must be a string, got ${describeArg(target)}`);
    if (target === '') return this;
    let m: Module = this;
    for (const part of target.split('.')) {
      const kid = m.namedChildren().find(([k]) => k === part)?.[1];
      if (kid) { m = kid; continue; }
      const has = part in m && !part.startsWith('_');
      throw new ValueError(has ? `getSubmodule('${target}'): \`${part}\` is not an nn.Module` : `getSubmodule('${target}'): ${m.constructor.name} has no attribute \`${part}\``);
    }
    return m;
  }

  /** The parameter at a dotted path, as PyTorch's `get_parameter`: `model.getParameter('0.weight')`. */
  getParameter(target: string): Tensor {
    if (arguments.length > 1) tooManyArgs('Module.getParameter', 'target', arguments);
    if (typeof target !== 'string' || target === '') throw new ValueError(`getParameter: target must be a non-empty string, got ${describeArg(target)}`);
    const [m, name] = this.ownerOf('getParameter', target);
    const p = m.ownParameters().find(([k]) => k === name)?.[1];
    if (p) return p;
    throw new ValueError(name in m && !name.startsWith('_') ? `getParameter('${target}'): \`${name}\` is not an nn.Parameter` : `getParameter('${target}'): ${m.constructor.name} has no attribute \`${name}\``);
  }

  /** The buffer at a dotted path, as PyTorch's `get_buffer`: `model.getBuffer('1.runningMean')`. */
  getBuffer(target: string): Tensor {
    if (arguments.length > 1) tooManyArgs('Module.getBuffer', 'target', arguments);
    if (typeof target !== 'string' || target === '') throw new ValueError(`getBuffer: target must be a non-empty string, got ${describeArg(target)}`);
    const [m, name] = this.ownerOf('getBuffer', target);
    const b = m._buffers.get(name);
    if (b) return b;
    throw new ValueError(name in m && !name.startsWith('_') ? `getBuffer('${target}'): \`${name}\` is not a buffer` : `getBuffer('${target}'): ${m.constructor.name} has no attribute \`${name}\``);
  }

  /** The module that holds the last part of a checked, non-empty dotted path, and that part. */
  private ownerOf(op: string, target: string): [Module, string] {
    const i = target.lastIndexOf('.');
    const modPath = i < 0 ? '' : target.slice(0, i);
    let m: Module;
    try { m = this.getSubmodule(modPath); } catch (e) { throw e instanceof ValueError ? new ValueError(`${op}('${target}'): ${e.message.replace(/^getSubmodule\('[^']*'\): /, '')}`) : e; }
    return [m, target.slice(i + 1)];
  }

  /** The module's state: parameters and persistent buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    // every path, as torch's state_dict: a module or parameter shared by two parents is saved under both names
    const all: [string, Module][] = [];
    this.walkModules('', null, all);
    for (const [prefix, m] of all) {  // each module's parameters, then its buffers, then its children's (torch's key order)
      for (const [k, p] of m.ownParameters()) out[prefix ? `${prefix}.${k}` : k] = p;
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
    if (state === null || typeof state !== 'object') throw new ValueError(`loadStateDict: expected a state dict (an object or Map of tensors), got ${describeArg(state)}`);
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

/** A name addModule / registerParameter may set: a non-empty string without '.', not one of Module's own members. */
function checkMemberName(m: Module, op: string, name: unknown): asserts name is string {
  if (typeof name !== 'string') throw new ValueError(`${op}: name must be a string, got ${describeArg(name)}`);
  if (name === '') throw new ValueError(`${op}: name can't be empty string ""`);
  if (name.includes('.')) throw new ValueError(`${op}: name can't contain ".", got '${name}'`);
  if (name.startsWith('_') || name in Module.prototype || m._buffers.has(name)) throw new ValueError(`${op}: attribute '${name}' already exists (a Module member or a buffer)`);
}

/**
 * @internal `loadStateDict` in two halves, so that a caller restoring several objects
 * (loadCheckpoint) can check all of them before changing any: this checks every key, type and
 * shape and changes nothing; `commit()` then copies the values in (moving them to each
 * parameter's device), and can fail only as a copy can (out of memory).
 */
export function prepareLoadStateDict(m: Module, state: Record<string, Tensor> | Map<string, Tensor>, strict: boolean, op: string): { missingKeys: string[]; unexpectedKeys: string[]; commit(): void } {
  if (state === null || typeof state !== 'object') throw new ValueError(`${op}: expected a state dict (an object or Map of tensors), got ${describeArg(state)}`);
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
