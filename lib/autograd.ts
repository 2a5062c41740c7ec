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
import { isComplexDType, isFloating, type DType } from './dtype';
import { FlintError, ShapeError, ValueError } from './errors';
import { fmt } from './shape';
import { keep, scope, Tensor, unscopedView } from './tensor';
import * as A from './args';
import { anyValue, ArgsThenOptions, bool, optional, required, signature, tooManyArgs } from './args';
import { checkCallable, describeArg } from './arity';
import { _range, isProfiling } from './profiler';
import { anomalyMode, captureForwardStack, forwardFrames } from './anomaly';

/** Thrown when backward cannot run: freed graph, modified saved tensor, non-scalar root without gradient. */
export class AutogradError extends FlintError {}

/** @internal The ops the tape runs, given to it by the ops layer (lib/ops/index.ts) at load. */
export interface TapeOps {
  /** `value` in t's shape, dtype and device: the seed gradient of a scalar root (1), materialized unused gradients (0). */
  fullLike(t: Tensor, value: number): Tensor;
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
  /**
   * For createGraph: the node and output slot each saved tensor came from when it was a graph
   * tensor (its own `_gradFn` is gone once it is disposed), or null when none was (not counted in
   * `refs`: a node's saved output is the node itself).
   */
  savedFrom: ([GradNode, number] | null)[] | null = null;
  refs = 0;
  released = false;
  /** the graph tensors it produced that have tensor hooks or retainGrad (see `run`), or null */
  watchers: Tensor[] | null = null;
  /** its backward is composed of differentiable ops in its saved tensors (see createGraph below) */
  twice = false;
  /**
   * The graph views of saved tensors that createGraph backwards of other nodes read (see
   * callRecording): they stay attached, as the inputs of the nodes those backwards recorded, until
   * the node that made them is released; disposed with it. null when none.
   */
  graphViews: Tensor[] | null = null;
  /** with anomaly detection on when it was recorded: the stack of the forward call that made it (lib/anomaly.ts) */
  forwardStack: { stack: string } | null = null;
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
      const from = t._gradFn as GradNode | null;
      if (from !== null) {
        if (this.savedFrom === null) this.savedFrom = new Array<[GradNode, number] | null>(k).fill(null);
        this.savedFrom[i] = [from, t._outputIndex];
      }
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
      this.savedFrom = null;
      for (let i = 0; i < saved.length; i++) saved[i].dispose();
    }
    const gv = this.graphViews;
    if (gv) {
      this.graphViews = null;
      // they hold no reference on this node (see callRecording): detached first, so that disposing does not drop one
      for (let i = 0; i < gv.length; i++) { gv[i]._gradFn = null; gv[i].dispose(); }
    }
    this.released = true;
    if (cascade) {
      const nodes = this.inputNodes;
      this.inputNodes = [];
      this.inputs = [];
      this.watchers = null;
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
 * the inputs (in order, null for none). Outputs must be fresh tensors made by the op. `twice`: fn is
 * written with differentiable ops in its saved tensors as well as in the gradients, so a backward
 * with createGraph may run it (see createGraph below); a backward that runs a kernel of its own on
 * a saved tensor leaves it false.
 */
export function record(name: string, inputs: readonly unknown[], outputs: readonly Tensor[], saved: readonly Tensor[], fn: BackwardFn, twice = false): void {
  // Only floating outputs join the graph, as in torch, where only floating tensors can require grad:
  // a cast to an integer dtype, or integer indices beside values, have no gradient (their slot in
  // fn's gradOutputs is null). Complex outputs join it too (their gradients are complex).
  let floating = 0;
  for (let i = 0; i < outputs.length; i++) if (isFloating(outputs[i].dtype) || isComplexDType(outputs[i].dtype)) floating++;
  if (floating === 0) return;
  const node = new GradNode(name, inputs, saved, fn, outputs.length);
  node.twice = twice;
  if (anomalyMode.enabled) node.forwardStack = captureForwardStack(record);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    if (!isFloating(o.dtype) && !isComplexDType(o.dtype)) continue;
    o._gradFn = node;
    o._outputIndex = i;
    o._requiresGrad = true;
    node.refs++;
  }
  // a saved output (tanh's y) came from this node (for createGraph: see savedFrom)
  for (let j = 0; j < saved.length; j++) {
    const t = saved[j];
    if (t._gradFn !== node) continue;
    if (node.savedFrom === null) node.savedFrom = new Array<[GradNode, number] | null>(saved.length).fill(null);
    node.savedFrom[j] = [node, t._outputIndex];
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
  /**
   * Accumulate into the `.grad` of these tensors only (PyTorch's `inputs`): the other leaves are
   * left alone, and only the part of the graph that leads to these runs.
   */
  inputs?: Tensor | readonly Tensor[];
  /** Record the backward's own graph (second derivatives); retainGraph then defaults to true. */
  createGraph?: boolean;
}

/**
 * The seed gradient of one root of a backward run: `gradient` in the root's dtype, or ones for a
 * scalar root. `what` names the root in errors ('the tensor', 'outputs[1]').
 */
function seedGradient(op: string, root: unknown, gradient: unknown, what: string, gradWhat: string, create = false): Tensor {
  if (!(root instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(root)}`);
  root._handleFor(op);
  if (!root.requiresGrad) throw new AutogradError(`${op}: ${what} does not require grad and has no grad_fn`);
  if (gradient != null) {
    if (!(gradient instanceof Tensor)) throw new ValueError(`${op}: ${gradWhat} must be a Tensor, got ${describeArg(gradient)}`);
    gradient._handleFor(op);
    if (!sameShape(gradient._shape, root._shape)) {
      throw new ShapeError(`${op}: ${gradWhat} shape ${fmt(gradient._shape)} does not match the shape of ${what} ${fmt(root._shape)}`);
    }
    // with createGraph a gradient that requires grad stays in the graph (its copy is recorded)
    return withGradMode(create, () => ops().cast(gradient, root.dtype, true));
  }
  if (root.numel !== 1) throw new AutogradError(`${op}: grad can be implicitly created only for scalar outputs, got shape ${fmt(root._shape)} for ${what}; pass ${gradWhat}`);
  if (isComplexDType(root.dtype)) throw new AutogradError(`${op}: grad can be implicitly created only for real scalar outputs, got ${root.dtype} for ${what}; pass ${gradWhat}`);
  return ops().fullLike(root, 1);
}

/** `x` as a list of tensors: one tensor, or an array of them. */
function tensorList(op: string, x: unknown, what: string): unknown[] {
  if (x instanceof Tensor) return [x];
  if (Array.isArray(x)) return x;
  throw new ValueError(`${op}: ${what} must be a Tensor or an array of Tensors, got ${describeArg(x)}`);
}

/** @internal `root.backward(gradient)` */
export function backward(root: Tensor, opts: BackwardOptions = {}): void {
  const create = !!opts.createGraph;
  const g0 = seedGradient('backward', root, opts.gradient, 'the tensor', 'gradient', create);
  let targets: Targets | null = null;
  try {
    if (opts.inputs !== undefined) targets = targetsOf('backward', tensorList('backward', opts.inputs, 'inputs'), true);
  } catch (e) { g0.dispose(); throw e; }
  withGradMode(create, () => run([root], [g0], opts.retainGraph ?? create, targets, create));
}

/**
 * The tensors whose gradients a run captures: autograd.grad's `inputs` (returned), or backward's
 * `inputs` (accumulated into their `.grad`). A leaf's gradient is the sum of what reaches it; a
 * graph tensor's is its node's gradient for that output, taken when the node runs.
 */
interface Targets {
  /** leaf -> its places in `grads` (a tensor may be listed twice) */
  leaves: Map<Tensor, number[]>;
  /** node -> [output slot, place in `grads`] of the graph tensors it produced */
  nodes: Map<GradNode, Array<[number, number]>>;
  tensors: Tensor[];
  grads: (Tensor | null)[];
  /** backward's `inputs`: accumulate into `.grad` (else autograd.grad: return them) */
  accumulate: boolean;
}

function targetsOf(op: string, inputs: readonly unknown[], accumulate: boolean): Targets {
  if (inputs.length === 0) throw new ValueError(`${op}: inputs must not be empty`);
  const t: Targets = { leaves: new Map(), nodes: new Map(), tensors: [], grads: new Array<Tensor | null>(inputs.length).fill(null), accumulate };
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (!(x instanceof Tensor)) throw new ValueError(`${op}: inputs[${i}] must be a Tensor, got ${describeArg(x)}`);
    x._handleFor(op);
    if (!x._requiresGrad) throw new AutogradError(`${op}: inputs[${i}] (shape ${fmt(x._shape)}) does not require grad`);
    t.tensors.push(x);
    const n = x._gradFn as GradNode | null;
    if (n === null) {
      const at = t.leaves.get(x);
      if (at) at.push(i); else t.leaves.set(x, [i]);
    } else {
      const at = t.nodes.get(n);
      if (at) at.push([x._outputIndex, i]); else t.nodes.set(n, [[x._outputIndex, i]]);
    }
  }
  return t;
}

// ---- hooks --------------------------------------------------------------------------------------
// Post-accumulate-grad hooks (PyTorch's register_post_accumulate_grad_hook): a leaf's hooks run once
// per backward, after its last gradient contribution of that backward was accumulated into `.grad`
// (a leaf used twice in the graph gets two contributions), so that DistributedDataParallel can start
// averaging a bucket as soon as its gradients are final.
// Tensor hooks (PyTorch's register_hook) see a tensor's whole gradient once per backward and may
// replace it: a leaf's before it is accumulated, a graph tensor's before its node's backward reads
// it (and before retainGrad's copy). A graph tensor with hooks or retainGrad is on its node's
// `watchers`; a leaf's contributions are summed first when it has hooks (see `run`).
const postAccumulateHooks = new Map<Tensor, Array<(t: Tensor) => void>>();
/** how many leaves have tensor hooks now (none: a backward counts no edges for them) */
let hookedLeaves = 0;

/** A handle that removes the hook it was returned for (PyTorch's RemovableHandle). */
export interface RemovableHandle { remove(): void }

function firePostAccumulateHooks(t: Tensor): void {
  const hs = postAccumulateHooks.get(t);
  if (hs) for (const h of hs.slice()) h(t);
}

/** Runs t's tensor hooks over its gradient g (which it owns) and returns the gradient they leave. */
function runTensorHooks(t: Tensor, g: Tensor): Tensor {
  const hooks = t._gradHooks;
  if (!hooks) return g;
  for (const h of hooks.slice()) {
    let r: unknown;
    try {
      r = h(g);
    } catch (e) { g.dispose(); throw e; }
    if (r === undefined || r === null || r === g) continue;
    const bad = !(r instanceof Tensor) ? `returned ${describeArg(r)}, not a Tensor or undefined`
      : r.isDisposed ? 'returned a disposed Tensor'
        : !sameShape(r._shape, g._shape) ? `changed the size of the gradient from ${fmt(g._shape)} to ${fmt(r._shape)}`
          : r.dtype !== g.dtype ? `changed the dtype of the gradient from ${g.dtype} to ${r.dtype}`
            : r.device !== g.device ? `changed the device of the gradient from ${g.device} to ${r.device}` : null;
    if (bad !== null) {
      g.dispose();
      throw new AutogradError(`backward: a hook registered on a tensor of shape ${fmt(t._shape)} ${bad}`);
    }
    g.dispose();
    g = r as Tensor;
  }
  return g;
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

/**
 * One backward run from `roots` with seed gradients `g0s` (owned by the run). Without `targets`,
 * gradients accumulate into every leaf's `.grad`; with them, only the nodes on a path to a target
 * run and the targets' gradients are captured (autograd.grad) or accumulated (backward's inputs).
 */
function run(roots: readonly Tensor[], g0s: Tensor[], retain: boolean, targets: Targets | null, create = false): void {
  const capture = targets !== null;
  // topological order (iterative DFS: a node comes after every node it reads)
  const stamp = ++runCount;
  const order: GradNode[] = [];
  for (const root of roots) {
    const start = root._gradFn as GradNode | null;
    if (!start || start.visit === stamp) continue;
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
  }
  // A backward inside this one (a checkpoint's recomputation, a hook) restamps the nodes it shares
  // with this graph: the places are written again before they are next read.
  let stampedAt = runCount;
  // Capturing, a node runs only when one of its inputs leads to a target (the order puts a node's
  // inputs before it, so one pass decides).
  let runs: boolean[] | null = null;
  if (targets) {
    runs = new Array<boolean>(order.length);
    for (let k = 0; k < order.length; k++) {
      const n = order[k];
      let r = false;
      for (let i = 0; i < n.inputs.length && !r; i++) {
        const m = n.inputNodes[i];
        if (m) r = runs[m.index] || targets.nodes.has(m);
        else { const inp = n.inputs[i]; r = inp !== null && targets.leaves.has(inp); }
      }
      runs[k] = r;
    }
  }
  // Leaves whose contributions are summed before use: targets, and leaves with tensor hooks or
  // post-accumulate hooks. `remaining` counts the edges into each that have yet to pass, so that
  // the sum is used once, after the last (a graph that never reaches a leaf leaves it untouched).
  let remaining: Map<Tensor, number> | null = null;
  const pending = new Map<Tensor, Tensor>();
  const tracked = (t: Tensor): boolean => (targets ? targets.leaves.has(t) : t._gradHooks !== null || postAccumulateHooks.has(t));
  if (targets || hookedLeaves > 0 || postAccumulateHooks.size > 0) {
    remaining = new Map();
    const count = (t: Tensor): void => { if (tracked(t)) remaining!.set(t, (remaining!.get(t) ?? 0) + 1); };
    for (const node of order) {
      for (let i = 0; i < node.inputs.length; i++) {
        const inp = node.inputs[i];
        if (inp && !node.inputNodes[i]) count(inp);
      }
    }
    for (const root of roots) if (!root._gradFn) count(root);
  }
  const finishLeaf = (t: Tensor, g: Tensor): void => {
    if (targets) {
      // a leaf's hooks see its gradient in autograd.grad too, as PyTorch 2's ("hooks registered to a
      // Tensor always run when its gradient is computed"); torch 1.13 skipped them there
      g = runTensorHooks(t, g);
      const at = targets.leaves.get(t)!;
      targets.grads[at[0]] = g;
      for (let j = 1; j < at.length; j++) targets.grads[at[j]] = ops().cast(g, g.dtype, true);
      return;
    }
    accumulateLeaf(t, runTensorHooks(t, g));
    firePostAccumulateHooks(t);
  };
  const toLeaf = (t: Tensor, g: Tensor): void => {
    if (remaining !== null && remaining.has(t)) {
      const prev = pending.get(t);
      if (prev) {
        const sum = ops().add(prev, g);
        prev.dispose(); g.dispose();
        pending.set(t, sum);
      } else {
        pending.set(t, g);
      }
    } else if (targets) {
      g.dispose();  // not a target: capturing leaves the other leaves alone
    } else {
      accumulateLeaf(t, g);
    }
  };
  const settle = (t: Tensor): void => {
    const n = remaining!.get(t);
    if (n === undefined) return;
    if (n > 1) { remaining!.set(t, n - 1); return; }
    remaining!.delete(t);
    const g = pending.get(t);
    if (g === undefined) return;
    pending.delete(t);
    finishLeaf(t, g);
  };
  const settleLeaves = (inputs: (Tensor | null)[], inputNodes: (GradNode | null)[]): void => {
    for (let i = 0; i < inputs.length; i++) {
      const inp = inputs[i];
      if (inp && !inputNodes[i]) settle(inp);
    }
  };
  // the gradients waiting for order[k], one per output (undefined: none yet)
  const waiting: ((Tensor | null)[] | undefined)[] = new Array(order.length);
  try {
    for (let r = 0; r < roots.length; r++) {
      const root = roots[r], g0 = g0s[r];
      g0s[r] = null as unknown as Tensor;  // the run owns it now
      const n = root._gradFn as GradNode | null;
      if (!n) {  // a leaf
        toLeaf(root, g0);
        if (remaining) settle(root);
        continue;
      }
      let w = waiting[n.index];
      if (w === undefined) { w = newSlots(n.numOutputs); waiting[n.index] = w; }
      const slot = root._outputIndex;
      const prev = w[slot];
      if (prev) { w[slot] = ops().add(prev, g0); prev.dispose(); g0.dispose(); } else w[slot] = g0;
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      const grads = waiting[k];
      waiting[k] = undefined;
      if (grads === undefined) { if (remaining) settleLeaves(node.inputs, node.inputNodes); continue; }
      let inGrads: (Tensor | null)[];
      try {
        // the whole gradient of each output is here: its tensors' hooks, retainGrad, capture
        const watchers = node.watchers;
        if (watchers !== null) {
          for (let j = 0; j < watchers.length; j++) {
            const w = watchers[j];
            if (w._gradFn !== node) continue;  // rebased by an in-place op since
            const s = w._outputIndex;
            const g = grads[s];
            if (!g) continue;
            grads[s] = null;
            grads[s] = runTensorHooks(w, g);
            if (w._retainsGrad) accumulateLeaf(w, ops().cast(grads[s]!, grads[s]!.dtype, true));
          }
        }
        if (targets) {
          const at = targets.nodes.get(node);
          if (at) for (const [s, place] of at) { const g = grads[s]; if (g) targets.grads[place] = ops().cast(g, g.dtype, true); }
          if (!runs![k]) { if (remaining) settleLeaves(node.inputs, node.inputNodes); continue; }
        }
        const saved = node.saved;
        if (node.released || saved === null) {
          throw new AutogradError(`backward: trying to backward through the graph a second time (at ${node.name}); use retainGraph: true on the first call`);
        }
        const savedOf = node.savedOf, versions = node.savedVersions;
        for (let j = 0; j < savedOf.length; j++) {
          const of = savedOf[j];
          if (of._version !== versions[j]) {
            throw new AutogradError(`backward: a tensor of shape ${fmt(of._shape)} saved by ${node.name} was modified by an in-place operation after it was saved (version ${of._version}, expected ${versions[j]})`);
          }
        }
        const views = saved.slice();  // the backward's own array: the node keeps its list for retainGraph
        inGrads = create ? callRecording(node, grads, views)
          : isProfiling() ? _range(backwardName(node.name), 'backward', () => node.fn(grads, views)) : node.fn(grads, views);
      } catch (e) {
        throw anomalyMode.enabled ? withForwardStack(e, node) : e;
      } finally {
        disposeGrads(grads);
      }
      if (anomalyMode.enabled && anomalyMode.checkNan) checkNanGradients(node, inGrads);
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
          const e = new AutogradError(`backward: ${node.name} produced a gradient of shape ${fmt(g._shape)} for an input of shape ${fmt(inp._shape)}`);
          throw anomalyMode.enabled ? withForwardStack(e, node) : e;
        }
        const up = inputNodes[i];
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
          toLeaf(inp, g);
        }
      }
      if (!retain) node.release(false);
      if (remaining) settleLeaves(inputs, inputNodes);
    }
  } catch (e) {
    if (targets) disposeGrads(targets.grads);
    throw e;
  } finally {
    for (let k = 0; k < waiting.length; k++) disposeGrads(waiting[k]);
    for (const g of pending.values()) g.dispose();
    disposeGrads(g0s);
  }
  if (targets && targets.accumulate) {
    for (let i = 0; i < targets.tensors.length; i++) {
      const g = targets.grads[i];
      if (!g) continue;
      targets.grads[i] = null;
      const t = targets.tensors[i];
      accumulateLeaf(t, g);
      if (!t._gradFn) firePostAccumulateHooks(t);
    }
  }
}

// ---- createGraph: a backward that records its own graph ---------------------------------------
// With createGraph the whole run is in grad mode, so the ops each backward function is written with
// record nodes, and the gradients it returns are graph tensors: a second backward through them gives
// second derivatives. The backward reads its saved tensors as graph tensors: a saved leaf is passed
// as itself, a saved graph tensor as its view attached (for the call) to the node and output that
// made it. A missing second derivative is refused, never returned as a constant, in two checks:
// - a backward is linear in its gradients, so when one of them requires grad every gradient it
//   returns must too (or be a zero by definition, as a step function's);
// - its dependence on saved tensors cannot be seen from outside, so a node that saved a tensor that
//   requires grad runs only when its op declared its backward differentiable (`record`'s `twice`);
//   the others (the fused LSTM cell, checkpoint) are refused naming the op.

/** Gradients that are zero by definition (step functions): a constant gradient, not a missing graph. */
const zeroGradients = new WeakSet<Tensor>();

/** @internal Marks t as a gradient that is zero by definition (see createGraph above). */
export function markZeroGradient(t: Tensor): Tensor { zeroGradients.add(t); return t; }

function callRecording(node: GradNode, grads: (Tensor | null)[], views: Tensor[]): (Tensor | null)[] {
  let needs = false;  // whether a gradient requires grad (then so must every result)
  for (let i = 0; i < grads.length; i++) { const g = grads[i]; if (g && g._requiresGrad) needs = true; }
  const from = node.savedFrom;
  const refuse = (): never => {
    throw new AutogradError(`backward: createGraph: the backward of ${node.name} is not differentiable in flintml (it runs a kernel of its own), so there are no gradients of gradients through it`);
  };
  for (let j = 0; j < views.length; j++) {
    const of = node.savedOf[j];
    const src = from ? from[j] : null;
    if (src === null) {
      if (!of._requiresGrad) continue;
      // a leaf: the backward reads the leaf itself, so that second derivatives reach it
      if (!node.twice) refuse();
      if (of.isDisposed) throw new AutogradError(`backward: createGraph: a leaf of shape ${fmt(of._shape)} saved by ${node.name} was disposed before backward`);
      views[j] = of;
      continue;
    }
    if (!node.twice) refuse();
    const [n, slot] = src;
    if (n.released) throw new AutogradError(`backward: createGraph: the graph that made a tensor saved by ${node.name} was freed by an earlier backward (pass retainGraph: true there)`);
    // A new view of the saved tensor, attached to the node and output that made it, for this call
    // and after it: the ops the backward runs may record it as an input and read its flags when the
    // second backward runs (`A.requiresGrad ? gradA : null`), so it stays a graph tensor of n
    // (detaching the node's own saved view after the call lost those gradients). It holds no
    // reference on n (the nodes that consume it do); n disposes it when it is released.
    const w = unscopedView(views[j]);
    w._gradFn = n; w._outputIndex = slot; w._requiresGrad = true;
    (n.graphViews ??= []).push(w);
    views[j] = w;
  }
  const res = isProfiling() ? _range(backwardName(node.name), 'backward', () => node.fn(grads, views)) : node.fn(grads, views);
  if (needs) {
    for (let i = 0; i < res.length; i++) {
      const g = res[i];
      if (g && node.inputs[i] && !g._requiresGrad && !zeroGradients.has(g)) {
        disposeGrads(res);
        refuse();
      }
    }
  }
  // a gradient that is one of those views itself is the caller's graph tensor now: n's output, counted
  for (let i = 0; i < res.length; i++) {
    const g = res[i];
    if (!g || g._gradFn === null) continue;
    const n = g._gradFn as GradNode;
    const at = n.graphViews ? n.graphViews.indexOf(g) : -1;
    if (at >= 0) { n.graphViews!.splice(at, 1); n.refs++; }
  }
  return res;
}

// ---- anomaly detection (lib/anomaly.ts): the backward engine's two checks ----------------------

/**
 * Anomaly mode's NaN check of the gradients a node's backward returned for its inputs (torch's
 * engine checks every output of every function the same way). On a NaN it disposes them all and
 * throws torch's error, with the forward stack of the node's op.
 */
function checkNanGradients(node: GradNode, inGrads: (Tensor | null)[]): void {
  for (let i = 0; i < inGrads.length; i++) {
    const g = inGrads[i];
    if (!g || !node.inputs[i] || !hasNan(g)) continue;
    disposeGrads(inGrads);
    throw withForwardStack(new AutogradError(`Function '${backwardName(node.name)}' returned nan values in its ${i}th output.`), node);
  }
}

/** Whether t holds a NaN: a reduction on its device and a one-element read. */
function hasNan(t: Tensor): boolean {
  return withGradMode(false, () => {
    const m = t.isnan();
    try {
      const a = m.any();
      try { return a.item() !== 0; } finally { a.dispose(); }
    } finally { m.dispose(); }
  });
}

/**
 * An error thrown while `node` ran in backward, with the stack of the forward call that made the node
 * appended to its message (torch prints it as "Traceback of forward call that caused the error") and
 * set as its `forwardStack` property. An error that already has one (from a node of a backward
 * nested in this one) keeps it.
 */
function withForwardStack(e: unknown, node: GradNode): unknown {
  if (!(e instanceof Error) || Object.prototype.hasOwnProperty.call(e, 'forwardStack')) return e;
  const holder = node.forwardStack;
  const frames = holder ? forwardFrames(holder) : '';
  const note = holder
    ? `Error detected in ${backwardName(node.name)}. Traceback of forward call that caused the error:\n${frames}`
    : `Error detected in ${backwardName(node.name)}. No forward pass information available: turn anomaly detection on during the forward pass for more.`;
  Object.defineProperty(e, 'forwardStack', { value: frames, enumerable: false, writable: true, configurable: true });
  const message = e.message;
  e.message = `${message}\n${note}`;
  const stack = e.stack;
  if (typeof stack === 'string') e.stack = message !== '' && stack.includes(message) ? stack.replace(message, () => e.message) : `${stack}\n${note}`;
  return e;
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
  if (g.device !== t.device) {
    // the leaf was moved after the graph was recorded (Module.to keeps the Parameter objects)
    g.dispose();
    throw new AutogradError(`backward: the gradient of a leaf of shape ${fmt(t._shape)} is on ${g.device}, but the leaf is now on ${t.device} (it was moved after the graph was recorded): run the forward again after the move`);
  }
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
  if (this._retainsGrad) return;
  this._retainsGrad = true;
  watch(this);
};

/** Puts graph tensor t on its node's watchers (once): its hooks and retainGrad run when the node does. */
function watch(t: Tensor): void {
  const n = t._gradFn as GradNode | null;
  if (n === null) return;
  if (n.watchers === null) n.watchers = [t];
  else if (!n.watchers.includes(t)) n.watchers.push(t);
}

declare module './tensor' {
  interface Tensor {
    /**
     * Calls `hook(grad)` each time a backward computes this tensor's gradient (its whole gradient,
     * once per backward), as PyTorch's `register_hook`. A hook may return a tensor of the same
     * shape, dtype and device to use instead (later hooks, the graph below and `.grad` see that);
     * returning nothing keeps the gradient. On a leaf it runs before the gradient is accumulated
     * into `.grad`. Returns a handle whose `remove()` unregisters it.
     * ```ts
     * const h = hidden.registerHook((g) => g.clamp(-1, 1));  // clip this activation's gradient
     * ```
     */
    registerHook(hook: (grad: Tensor) => Tensor | void | undefined): RemovableHandle;
  }
}
Tensor.prototype.registerHook = function (this: Tensor, hook: (grad: Tensor) => Tensor | void | undefined): RemovableHandle {
  if (arguments.length > 1) tooManyArgs('registerHook', 'hook', arguments);
  if (typeof hook !== 'function') throw new ValueError(`registerHook: hook must be a function, got ${describeArg(hook)}`);
  this._handleFor('registerHook');
  if (!this._requiresGrad) throw new AutogradError(`registerHook: cannot register a hook on a tensor that does not require grad (shape ${fmt(this._shape)}, ${this.dtype})`);
  const t = this as Tensor;
  const leaf = t._gradFn === null;
  if (t._gradHooks === null) {
    t._gradHooks = [hook];
    if (leaf) hookedLeaves++;
  } else {
    t._gradHooks.push(hook);
  }
  if (!leaf) watch(t);
  let removed = false;
  return {
    remove(): void {
      if (removed) return;
      removed = true;
      const list = t._gradHooks;
      if (!list) return;
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) {
        t._gradHooks = null;
        if (leaf) hookedLeaves--;
      }
    },
  };
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

const BACKWARD_ARGS = signature('backward', ['gradient', 'retainGraph', 'createGraph', 'inputs'], {
  gradient: optional(anyValue<Tensor | null>()), retainGraph: optional(A.nullable(bool)), createGraph: optional(bool, false),
  inputs: optional(A.nullable(anyValue<Tensor | readonly Tensor[]>())),
});
Tensor.prototype.backward = function (...args: unknown[]) {
  const o = BACKWARD_ARGS.parse(args);
  backward(this, { gradient: o.gradient ?? undefined, retainGraph: o.retainGraph ?? undefined, inputs: o.inputs ?? undefined, createGraph: o.createGraph });
};

// ---- torch.autograd.grad and torch.autograd.backward ------------------------------------------

/** Options of `fl.autograd.grad` (PyTorch's keyword arguments). */
export interface GradOptions {
  /** The gradients of `outputs` (needed for a non-scalar output; null for a scalar's ones). */
  gradOutputs?: Tensor | null | readonly (Tensor | null)[];
  /** Keep the graph for another backward (default: createGraph). */
  retainGraph?: boolean | null;
  /**
   * Record the backward's own graph, so that the returned gradients can be differentiated again
   * (gradient penalties, second derivatives). An op whose backward is a kernel without a gradient
   * of its own is refused with an AutogradError naming it.
   */
  createGraph?: boolean;
  /** PyTorch's only_inputs: deprecated there and always true; accepted when true. */
  onlyInputs?: boolean;
  /** Give null for an input the outputs do not depend on (default false: that is an error). */
  allowUnused?: boolean | null;
  /** PyTorch's is_grads_batched (vmap over gradOutputs): refused when true. */
  isGradsBatched?: boolean;
  /** Give zeros instead of null for unused inputs (implies allowUnused). */
  materializeGrads?: boolean;
}

const GRAD_ARGS = signature('autograd.grad', ['outputs', 'inputs', 'gradOutputs', 'retainGraph', 'createGraph', 'onlyInputs', 'allowUnused', 'isGradsBatched', 'materializeGrads'], {
  outputs: required(anyValue<Tensor | readonly Tensor[]>()), inputs: required(anyValue<Tensor | readonly Tensor[]>()),
  gradOutputs: optional(anyValue<Tensor | null | readonly (Tensor | null)[]>()), retainGraph: optional(A.nullable(bool)),
  createGraph: optional(bool, false), onlyInputs: optional(bool, true), allowUnused: optional(A.nullable(bool)),
  isGradsBatched: optional(bool, false), materializeGrads: optional(bool, false),
});

/** The seed gradients of a list of roots (`gradOutputs` one per root, or one tensor for one root). */
function seeds(op: string, roots: readonly unknown[], grads: unknown, gradName: string, create: boolean): Tensor[] {
  const gl = grads == null ? roots.map(() => null) : tensorList(op, grads, gradName);
  if (gl.length !== roots.length) throw new ValueError(`${op}: ${gradName} has ${gl.length} entries for ${roots.length} outputs`);
  const out: Tensor[] = [];
  try {
    for (let i = 0; i < roots.length; i++) out.push(seedGradient(op, roots[i], gl[i], `outputs[${i}]`, `${gradName}[${i}]`, create));
  } catch (e) { disposeGrads(out); throw e; }
  return out;
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned as a new array (one per input)
 * without touching any `.grad`, as `torch.autograd.grad`. Only the part of the graph that leads to
 * `inputs` runs; the graph is freed unless `retainGraph`. An input the outputs do not depend on is
 * an error, or null with `allowUnused` (zeros with `materializeGrads`).
 * ```ts
 * const [dx] = fl.autograd.grad(y.sum(), [x]);
 * const [dLdh, dLdw] = fl.autograd.grad(loss, [hidden, w], { retainGraph: true });
 * ```
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options?: GradOptions): (Tensor | null)[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], ...args: ArgsThenOptions<[gradOutputs: Tensor | null | readonly (Tensor | null)[], retainGraph: boolean | null, createGraph: boolean, onlyInputs: boolean, allowUnused: boolean | null, isGradsBatched: boolean, materializeGrads: boolean], GradOptions>): (Tensor | null)[];
export function grad(...args: unknown[]): (Tensor | null)[] {
  const o = GRAD_ARGS.parse(args);
  const op = 'autograd.grad';
  const create = o.createGraph;
  if (!o.onlyInputs) throw new ValueError(`${op}: onlyInputs=false is not supported (PyTorch deprecated it and ignores it)`);
  if (o.isGradsBatched) throw new ValueError(`${op}: isGradsBatched (vmap over gradOutputs) is not supported`);
  const roots = tensorList(op, o.outputs, 'outputs');
  if (roots.length === 0) throw new ValueError(`${op}: outputs must not be empty`);
  const targets = targetsOf(op, tensorList(op, o.inputs, 'inputs'), false);
  const g0s = seeds(op, roots, o.gradOutputs, 'gradOutputs', create);
  withGradMode(create, () => run(roots as Tensor[], g0s, o.retainGraph ?? create, targets, create));
  const allowUnused = o.materializeGrads || (o.allowUnused ?? false);
  const res = targets.grads;
  for (let i = 0; i < res.length; i++) {
    if (res[i] !== null) continue;
    if (!allowUnused) {
      disposeGrads(res);
      throw new AutogradError(`${op}: inputs[${i}] (shape ${fmt(targets.tensors[i]._shape)}) appears to not have been used in the graph; pass allowUnused: true if this is the desired behavior`);
    }
    if (o.materializeGrads) res[i] = ops().fullLike(targets.tensors[i], 0);
  }
  return res;
}

/** Options of `fl.autograd.backward` (PyTorch's keyword arguments). */
export interface AutogradBackwardOptions {
  /** The gradients of `tensors` (needed for non-scalar ones). */
  gradTensors?: Tensor | null | readonly (Tensor | null)[];
  /** Keep the graph for another backward (default: createGraph). */
  retainGraph?: boolean | null;
  /** Record the backward's own graph (second derivatives), as autograd.grad's. */
  createGraph?: boolean;
  /** PyTorch's deprecated alias of gradTensors: refused, use gradTensors. */
  gradVariables?: null;
  /** Accumulate only into these tensors' `.grad`. */
  inputs?: Tensor | readonly Tensor[] | null;
}

const AUTOGRAD_BACKWARD_ARGS = signature('autograd.backward', ['tensors', 'gradTensors', 'retainGraph', 'createGraph', 'gradVariables', 'inputs'], {
  tensors: required(anyValue<Tensor | readonly Tensor[]>()), gradTensors: optional(anyValue<Tensor | null | readonly (Tensor | null)[]>()),
  retainGraph: optional(A.nullable(bool)), createGraph: optional(bool, false), gradVariables: optional(anyValue<null>()),
  inputs: optional(A.nullable(anyValue<Tensor | readonly Tensor[]>())),
});

/**
 * Accumulates the gradients of several `tensors` (each with its gradient) into the leaves' `.grad`
 * in one pass, as `torch.autograd.backward`: `fl.autograd.backward([loss1, loss2])`.
 */
export function autogradBackward(tensors: Tensor | readonly Tensor[], options?: AutogradBackwardOptions): void;
export function autogradBackward(tensors: Tensor | readonly Tensor[], ...args: ArgsThenOptions<[gradTensors: Tensor | null | readonly (Tensor | null)[], retainGraph: boolean | null, createGraph: boolean, gradVariables: null, inputs: Tensor | readonly Tensor[] | null], AutogradBackwardOptions>): void;
export function autogradBackward(...args: unknown[]): void {
  const o = AUTOGRAD_BACKWARD_ARGS.parse(args);
  const op = 'autograd.backward';
  const create = o.createGraph;
  if (o.gradVariables != null) throw new ValueError(`${op}: gradVariables is PyTorch's deprecated name; pass gradTensors`);
  const roots = tensorList(op, o.tensors, 'tensors');
  if (roots.length === 0) throw new ValueError(`${op}: tensors must not be empty`);
  const targets = o.inputs == null ? null : targetsOf(op, tensorList(op, o.inputs, 'inputs'), true);
  const g0s = seeds(op, roots, o.gradTensors, 'gradTensors', create);
  withGradMode(create, () => run(roots as Tensor[], g0s, o.retainGraph ?? create, targets, create));
}

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
      // .grad was kept out of every scope (accumulateLeaf): hand on a view made in this one, so that a
      // gradient autograd.grad returns through a checkpoint belongs to the caller's scope
      return xs.map((x) => {
        const gr = x.grad;
        x.grad = null;
        if (!gr) return null;
        const v = gr._view(gr._shape, gr._strides, gr._offset);
        gr.dispose();
        return v;
      });
    } finally {
      xs.forEach((x) => x.dispose());
    }
  });
  return out;
}
