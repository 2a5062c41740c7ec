// autograd.ts — the define-by-run tape. An op on tensors that require grad records a GradNode
// (its inputs, the tensors its backward needs, and the backward function); `loss.backward()`
// walks the nodes in reverse topological order, accumulates `.grad` on leaves and frees saved
// tensors as it passes them (unless `retainGraph`).
//
// Lifetime: a node is referenced by the live tensors it produced and by the nodes downstream of
// it. When both counts reach zero (outputs disposed, no consumer), it frees its saved tensors and
// lets go of its inputs' nodes — so a graph that is never used for backward leaves no live
// tensors once its tensors are disposed, as in PyTorch's refcounting. Saved tensors are views
// that share storage, so disposing an input after the forward pass does not break backward.
// In-place ops bump a tensor's `_version`; backward checks that saved tensors are unchanged.
//
// The tape imports no op: every op file imports the tape (to record), so the few ops the tape
// itself runs (the seed gradient, accumulation, sum-to-shape, casts) are handed to it by the ops
// layer when that loads (`setTapeOps`, called by lib/ops/index.ts).
import { isFloating, type DType } from './dtype';
import { FlintError, ShapeError, ValueError } from './errors';
import { fmt } from './shape';
import { keep, scope, Tensor, unscopedView } from './tensor';
import { anyValue, bool, optional, signature, tooManyArgs } from './args';
import { checkCallable } from './arity';
import { _range, isProfiling } from './profiler';

/** Thrown when backward cannot run: freed graph, modified saved tensor, non-scalar root without gradient. */
export class AutogradError extends FlintError {}

/** @internal The ops the tape runs, given to it by the ops layer (lib/ops/index.ts) at load. */
export interface TapeOps {
  /** Ones in t's shape, dtype and device: the seed gradient of a scalar root. */
  onesLike(t: Tensor): Tensor;
  /** a + b, a new tensor: gradient accumulation. */
  add(a: Tensor, b: Tensor): Tensor;
  /** The sum of t over `dims`, kept as size-1 dims: the reduction of sumToShape. */
  sumKeepdim(t: Tensor, dims: number[]): Tensor;
  /** t with `shape` (a view when the strides allow). */
  reshape(t: Tensor, shape: readonly number[]): Tensor;
  /** t in `dtype`; a fresh tensor when `copy`, else t itself when it already has that dtype. */
  cast(t: Tensor, dtype: DType, copy: boolean): Tensor;
}

let tapeOps: TapeOps | null = null;

/** @internal Called once by the ops layer when it loads. */
export function setTapeOps(o: TapeOps): void { tapeOps = o; }

function ops(): TapeOps {
  if (!tapeOps) throw new AutogradError('autograd: the ops layer is not loaded (import flintml, not a single module of it)');
  return tapeOps;
}

let gradEnabled = true;

/** Whether ops record the graph now (false inside `noGrad`). */
export function isGradEnabled(): boolean { if (arguments.length > 0) tooManyArgs('isGradEnabled', '', arguments); return gradEnabled; }

/**
 * @internal Runs `fn` with a global mode set, restoring it afterwards — after the promise settles
 * when `fn` is async (as torch.no_grad / autocast around an await). `set` returns the restorer.
 */
export function withMode<T>(set: () => () => void, fn: () => T): T {
  const restore = set();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (result instanceof Promise) return result.finally(restore) as unknown as T;
  restore();
  return result;
}

function withGradMode<T>(mode: boolean, fn: () => T): T {
  return withMode(() => { const prev = gradEnabled; gradEnabled = mode; return () => { gradEnabled = prev; }; }, fn);
}

/** Runs `fn` without recording gradients: `const y = fl.noGrad(() => model.forward(x))`. */
export function noGrad<T>(fn: () => T): T { if (arguments.length > 1) tooManyArgs('noGrad', 'fn', arguments); checkCallable(fn, 'noGrad'); return withGradMode(false, fn); }
/** Runs `fn` with gradient recording on (inside a `noGrad`). */
export function enableGrad<T>(fn: () => T): T { if (arguments.length > 1) tooManyArgs('enableGrad', 'fn', arguments); checkCallable(fn, 'enableGrad'); return withGradMode(true, fn); }
/** Sets grad mode globally (`torch.set_grad_enabled`). */
export function setGradEnabled(on: boolean): void { if (arguments.length > 1) tooManyArgs('setGradEnabled', 'on', arguments); gradEnabled = !!on; }

/** @internal */
export type BackwardFn = (grads: (Tensor | null)[], saved: Tensor[]) => (Tensor | null)[];

/** @internal One recorded op. */
export class GradNode {
  /** the input tensors (null where an input did not need grad) */
  inputs: (Tensor | null)[];
  /** the nodes and output indices of those inputs (null for leaves and non-grad inputs) */
  inputNodes: (GradNode | null)[];
  inputSlots: number[];
  /**
   * Views of what the backward needs (null once freed), and beside them the tensors they were taken
   * of and the storage versions they had then (backward refuses a saved tensor modified in place).
   */
  saved: Tensor[] | null;
  savedOf: Tensor[];
  savedVersions: number[];
  refs = 0;
  released = false;
  /** the backward run that last sorted this node (see `run`), and its index in that run's order */
  visit = 0;
  index = 0;
  constructor(
    readonly name: string,
    inputs: readonly unknown[],
    saved: readonly Tensor[],
    readonly fn: BackwardFn,
    readonly numOutputs: number,
  ) {
    // one pass over the inputs, one over the saved tensors: a node is made per recorded op
    const n = inputs.length;
    const ins = new Array<Tensor | null>(n), nodes = new Array<GradNode | null>(n), slots = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const x = inputs[i];
      if (x instanceof Tensor && x._requiresGrad) {
        ins[i] = x;
        const m = x._gradFn as GradNode | null;
        nodes[i] = m;
        slots[i] = x._outputIndex;
        if (m) m.refs++;
      } else {
        ins[i] = null; nodes[i] = null; slots[i] = 0;
      }
    }
    this.inputs = ins;
    this.inputNodes = nodes;
    this.inputSlots = slots;
    // leaves are held through a view so a disposed parameter does not lose its grad target;
    // the node owns these views: they are made outside any enclosing scope
    const k = saved.length;
    const views = new Array<Tensor>(k), of = new Array<Tensor>(k), versions = new Array<number>(k);
    for (let i = 0; i < k; i++) {
      const t = saved[i];
      views[i] = unscopedView(t);
      of[i] = t;
      versions[i] = t._storage.version;
    }
    this.saved = views;
    this.savedOf = of;
    this.savedVersions = versions;
  }
  /** An output tensor of this node was disposed or collected. */
  dropOutput(): void { unref(this); }
  /** Frees saved tensors; with `cascade`, drops references to input nodes too. */
  release(cascade: boolean): void {
    const saved = this.saved;
    if (saved) {
      this.saved = null;
      this.savedOf = [];
      for (let i = 0; i < saved.length; i++) saved[i].dispose();
    }
    this.released = true;
    if (cascade) {
      const nodes = this.inputNodes;
      this.inputNodes = [];
      this.inputs = [];
      for (let i = 0; i < nodes.length; i++) { const n = nodes[i]; if (n) unref(n); }
    }
  }
}

/** @internal */
export function unref(n: GradNode): void {
  if (--n.refs <= 0) n.release(true);
}

/** @internal Whether an op on these operands must record a node. */
export function needsGrad(...xs: unknown[]): boolean {
  if (!gradEnabled) return false;
  for (let i = 0; i < xs.length; i++) { const x = xs[i]; if (x instanceof Tensor && x._requiresGrad) return true; }
  return false;
}

/**
 * @internal Records `outputs = op(inputs)`: `fn(gradOutputs, savedViews)` returns the gradients of
 * the inputs (in order, null for none). Outputs must be fresh tensors made by the op.
 */
export function record(name: string, inputs: readonly unknown[], outputs: readonly Tensor[], saved: readonly Tensor[], fn: BackwardFn): void {
  // Only floating outputs join the graph, as in torch, where only floating tensors can require grad:
  // a cast to an integer dtype, or integer indices beside values, have no gradient (their slot in
  // fn's gradOutputs is null).
  let floating = 0;
  for (let i = 0; i < outputs.length; i++) if (isFloating(outputs[i].dtype)) floating++;
  if (floating === 0) return;
  const node = new GradNode(name, inputs, saved, fn, outputs.length);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    if (!isFloating(o.dtype)) continue;
    o._gradFn = node;
    o._outputIndex = i;
    o._requiresGrad = true;
    node.refs++;
  }
}

/** @internal Sums a broadcast gradient back to `shape` (the inverse of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const gs = g._shape;
  if (gs.length === shape.length && gs.every((s, i) => s === shape[i])) return g;
  const lead = gs.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < gs.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && gs[i] !== 1)) dims.push(i);
  }
  let r = dims.length ? ops().sumKeepdim(g, dims) : g;
  if (lead > 0 || r._shape.length !== shape.length) {
    const v = ops().reshape(r, shape);
    if (r !== g) r.dispose();
    r = v;
  }
  g.dispose();
  return r;
}

export interface BackwardOptions {
  /** The gradient of the root (required when it is not a scalar). */
  gradient?: Tensor;
  /** Keep the graph (saved tensors) for another backward. */
  retainGraph?: boolean;
}

/** @internal `root.backward(gradient)` */
export function backward(root: Tensor, opts: BackwardOptions = {}): void {
  root._handleFor('backward');
  if (!root.requiresGrad) throw new AutogradError('backward: the tensor does not require grad and has no grad_fn');
  let g0: Tensor;
  if (opts.gradient !== undefined) {
    const g = opts.gradient;
    if (!(g instanceof Tensor)) throw new ValueError('backward: gradient must be a Tensor');
    if (g._shape.length !== root._shape.length || g._shape.some((s, i) => s !== root._shape[i])) {
      throw new ShapeError(`backward: gradient shape ${fmt(g._shape)} does not match the tensor's shape ${fmt(root._shape)}`);
    }
    g0 = noGrad(() => ops().cast(g, root.dtype, true));
  } else {
    if (root.numel !== 1) throw new AutogradError(`backward: grad can be implicitly created only for scalar outputs, got shape ${fmt(root._shape)}; pass { gradient }`);
    g0 = ops().onesLike(root);
  }
  noGrad(() => run(root, g0, !!opts.retainGraph));
}

// ---- post-accumulate-grad hooks (PyTorch's register_post_accumulate_grad_hook) -----------------
// A leaf's hooks run once per backward, after its last gradient contribution of that backward was
// accumulated into `.grad` (a leaf used twice in the graph gets two contributions), so that
// DistributedDataParallel can start averaging a bucket as soon as its gradients are final.
const postAccumulateHooks = new Map<Tensor, Array<(t: Tensor) => void>>();

/** A handle that removes the hook it was returned for (PyTorch's RemovableHandle). */
export interface RemovableHandle { remove(): void }

function firePostAccumulateHooks(t: Tensor): void {
  const hs = postAccumulateHooks.get(t);
  if (hs) for (const h of hs.slice()) h(t);
}

// Each backward run numbers itself (runCount) and stamps the nodes it sorts with that number
// (GradNode.visit) and their place in its order (GradNode.index): the sort needs no set, and the
// gradients waiting for a node sit in an array indexed by that place, not in maps.
let runCount = 0;

function disposeGrads(gs: readonly (Tensor | null)[] | undefined): void {
  if (gs) for (let i = 0; i < gs.length; i++) { const g = gs[i]; if (g) g.dispose(); }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function run(root: Tensor, g0: Tensor, retain: boolean): void {
  const start = root._gradFn as GradNode | null;
  if (!start) {  // a leaf
    accumulateLeaf(root, g0);
    firePostAccumulateHooks(root);
    return;
  }
  // topological order (iterative DFS: a node comes after every node it reads)
  const stamp = ++runCount;
  const order: GradNode[] = [];
  const stack: GradNode[] = [start];
  const next: number[] = [0];
  start.visit = stamp;
  while (stack.length > 0) {
    const top = stack.length - 1;
    const n = stack[top];
    const i = next[top];
    if (i < n.inputNodes.length) {
      next[top] = i + 1;
      const m = n.inputNodes[i];
      if (m && m.visit !== stamp) { m.visit = stamp; stack.push(m); next.push(0); }
    } else {
      stack.pop();
      next.pop();
      n.index = order.length;
      order.push(n);
    }
  }
  // A backward inside this one (a checkpoint's recomputation, a hook) restamps the nodes it shares
  // with this graph: the places are written again before they are next read.
  let stampedAt = runCount;
  // the gradients waiting for order[k], one per output (undefined: none yet)
  const waiting: ((Tensor | null)[] | undefined)[] = new Array(order.length);
  const g0s = newSlots(start.numOutputs);
  g0s[root._outputIndex] = g0;
  waiting[start.index] = g0s;
  // hooked leaves: how many of this graph's nodes still have to pass them a gradient (none: no cost)
  let remaining: Map<Tensor, number> | null = null;
  const accumulated = new Set<Tensor>();
  if (postAccumulateHooks.size > 0) {
    remaining = new Map();
    for (const node of order) {
      for (let i = 0; i < node.inputs.length; i++) {
        const inp = node.inputs[i];
        if (inp && !node.inputNodes[i] && postAccumulateHooks.has(inp)) remaining.set(inp, (remaining.get(inp) ?? 0) + 1);
      }
    }
  }
  const settleLeaves = (inputs: (Tensor | null)[], inputNodes: (GradNode | null)[]): void => {
    for (let i = 0; i < inputs.length; i++) {
      const inp = inputs[i];
      if (!inp || inputNodes[i]) continue;
      const n = remaining!.get(inp);
      if (n === undefined) continue;
      if (n > 1) { remaining!.set(inp, n - 1); continue; }
      remaining!.delete(inp);
      if (accumulated.has(inp)) firePostAccumulateHooks(inp);
    }
  };
  try {
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      const grads = waiting[k];
      waiting[k] = undefined;
      if (grads === undefined) { if (remaining) settleLeaves(node.inputs, node.inputNodes); continue; }
      const saved = node.saved;
      if (node.released || saved === null) {
        disposeGrads(grads);
        throw new AutogradError(`backward: trying to backward through the graph a second time (at ${node.name}); use retainGraph: true on the first call`);
      }
      const savedOf = node.savedOf, versions = node.savedVersions;
      for (let j = 0; j < savedOf.length; j++) {
        const of = savedOf[j];
        if (of._version !== versions[j]) {
          disposeGrads(grads);
          throw new AutogradError(`backward: a tensor of shape ${fmt(of._shape)} saved by ${node.name} was modified by an in-place operation after it was saved (version ${of._version}, expected ${versions[j]})`);
        }
      }
      let inGrads: (Tensor | null)[];
      try {
        const views = saved.slice();  // the backward's own array: the node keeps its list for retainGraph
        inGrads = isProfiling() ? _range(backwardName(node.name), 'backward', () => node.fn(grads, views)) : node.fn(grads, views);
      } finally {
        disposeGrads(grads);
      }
      if (runCount !== stampedAt) {
        for (let j = 0; j < order.length; j++) order[j].index = j;
        stampedAt = runCount;
      }
      const inputs = node.inputs, inputNodes = node.inputNodes, inputSlots = node.inputSlots;  // release() may clear them
      for (let i = 0; i < inputs.length; i++) {
        let g = inGrads[i];
        if (!g) continue;
        const inp = inputs[i];
        if (!inp) { g.dispose(); continue; }
        if (g.dtype !== inp.dtype) {  // a gradient has its tensor's dtype (mixed precision, promotion)
          const c = ops().cast(g, inp.dtype, false);
          g.dispose();
          g = c;
        }
        if (!sameShape(g._shape, inp._shape)) {
          g.dispose();
          throw new AutogradError(`backward: ${node.name} produced a gradient of shape ${fmt(g._shape)} for an input of shape ${fmt(inp._shape)}`);
        }
        const up = inputNodes[i];
        // retainGrad(): .grad of a graph tensor sums its contributions (a copy: g itself goes on)
        if (up && inp._retainsGrad) accumulateLeaf(inp, ops().cast(g, g.dtype, true));
        if (up) {
          const u = up.index;
          let w = waiting[u];
          if (w === undefined) { w = newSlots(up.numOutputs); waiting[u] = w; }
          const slot = inputSlots[i];
          const prev = w[slot];
          if (prev) {
            const sum = ops().add(prev, g);
            prev.dispose(); g.dispose();
            w[slot] = sum;
          } else {
            w[slot] = g;
          }
        } else {
          accumulateLeaf(inp, g);
          if (remaining) accumulated.add(inp);
        }
      }
      if (!retain) node.release(false);
      if (remaining) settleLeaves(inputs, inputNodes);
    }
  } finally {
    for (let k = 0; k < waiting.length; k++) disposeGrads(waiting[k]);
  }
}

function newSlots(n: number): (Tensor | null)[] {
  const a = new Array<Tensor | null>(n);
  for (let i = 0; i < n; i++) a[i] = null;
  return a;
}

/** The profiler's name for a node's backward, as PyTorch's ('mul' -> 'MulBackward'). */
function backwardName(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Backward`;
}

function accumulateLeaf(t: Tensor, g: Tensor): void {
  const gg = g.dtype === t.dtype ? g : (() => { const c = ops().cast(g, t.dtype, false); g.dispose(); return c; })();
  if (t.grad) {
    const sum = ops().add(t.grad, gg);
    t.grad.dispose();
    gg.dispose();
    t.grad = sum;
  } else {
    t.grad = gg;
  }
  // .grad belongs to its tensor (disposed with it), not to the scope that ran backward()
  keep(t.grad);
}

declare module './tensor' {
  interface Tensor {
    /**
     * Computes gradients of this tensor (a scalar, or pass `gradient`) with respect to the leaves
     * that require grad, accumulating into their `.grad`: `loss.backward()`.
     */
    backward(gradient?: Tensor | null, options?: { retainGraph?: boolean }): void;
    backward(gradient: Tensor | null | undefined, retainGraph: boolean): void;
    backward(options: { gradient?: Tensor | null; retainGraph?: boolean }): void;
  }
}
// PyTorch: backward(gradient=None, retain_graph=None, …) (lib/args.ts)
declare module './tensor' {
  interface Tensor {
    /**
     * Calls `hook(tensor)` after each backward has accumulated this leaf's gradient into `.grad`
     * (once per backward, after its last contribution), as PyTorch's
     * `register_post_accumulate_grad_hook`; returns a handle whose `remove()` unregisters it.
     * ```ts
     * const h = w.registerPostAccumulateGradHook((p) => console.log(p.grad!.shape));
     * ```
     */
    registerPostAccumulateGradHook(hook: (tensor: Tensor) => void): RemovableHandle;
  }
}
declare module './tensor' {
  interface Tensor {
    /** Keeps `.grad` on this non-leaf tensor after backward (a tensor that does not require grad is refused, as torch's `retain_grad`). */
    retainGrad(): void;
  }
}
Tensor.prototype.retainGrad = function (this: Tensor): void {
  if (arguments.length > 0) tooManyArgs('retainGrad', '', arguments);
  if (!this._requiresGrad) throw new AutogradError(`retainGrad: can't retain the gradient of a tensor that does not require grad (shape ${fmt(this._shape)}, ${String(this.dtype)})`);
  this._retainsGrad = true;
};
Tensor.prototype.registerPostAccumulateGradHook = function (hook: (tensor: Tensor) => void): RemovableHandle {
  if (arguments.length > 1) tooManyArgs('registerPostAccumulateGradHook', 'hook', arguments);
  if (typeof hook !== 'function') throw new ValueError(`registerPostAccumulateGradHook: hook must be a function, got ${hook === null ? 'null' : typeof hook}`);
  if (!this.isLeaf) throw new AutogradError('registerPostAccumulateGradHook: post accumulate grad hooks cannot be registered on non-leaf tensors');
  if (!this.requiresGrad) throw new AutogradError('registerPostAccumulateGradHook: the tensor does not require grad');
  const t = this as Tensor;
  const hs = postAccumulateHooks.get(t) ?? [];
  hs.push(hook);
  postAccumulateHooks.set(t, hs);
  let removed = false;
  return {
    remove(): void {
      if (removed) return;
      removed = true;
      const list = postAccumulateHooks.get(t);
      if (!list) return;
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) postAccumulateHooks.delete(t);
    },
  };
};

const BACKWARD_ARGS = signature('backward', ['gradient', 'retainGraph'], {
  gradient: optional(anyValue<Tensor | null>()), retainGraph: optional(bool),
});
Tensor.prototype.backward = function (...args: unknown[]) {
  const o = BACKWARD_ARGS.parse(args);
  backward(this, { gradient: o.gradient ?? undefined, retainGraph: o.retainGraph });
};

/**
 * Activation checkpointing: runs `fn(...inputs)` without keeping its intermediate tensors, and
 * recomputes them during backward. Gradients reach `inputs` and any parameters `fn` uses.
 *
 * ```ts
 * const h = fl.checkpoint((x) => block.forward(x), x);
 * ```
 */
export function checkpoint(fn: (...xs: Tensor[]) => Tensor, ...inputs: Tensor[]): Tensor {
  checkCallable(fn, 'checkpoint');
  for (const x of inputs) if (!(x instanceof Tensor)) throw new ValueError('checkpoint: inputs must be Tensors');
  const out = noGrad(() => scope(() => fn(...inputs)));  // intermediates are freed now, recomputed in backward
  if (!(out instanceof Tensor)) throw new ValueError('checkpoint: fn must return one Tensor');
  if (!gradEnabled) return out;
  record('checkpoint', inputs, [out], inputs, ([g], saved) => {
    const xs = saved.map((s, i) => {
      const d = s.detach();
      if (inputs[i].requiresGrad) d.requiresGrad = true;
      return d;
    });
    try {
      enableGrad(() => {
        const y = scope(() => fn(...xs));
        try { backward(y, { gradient: g! }); } finally { y.dispose(); }
      });
      return xs.map((x) => { const gr = x.grad; x.grad = null; return gr; });
    } finally {
      xs.forEach((x) => x.dispose());
    }
  });
  return out;
}
