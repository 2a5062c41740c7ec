// autograd-api.ts — `fl.autograd`, shaped like `torch.autograd`: grad() and backward() over the
// tape (lib/autograd.ts), custom differentiable functions (`Function` with a `ctx`), and the grad
// modes and gradcheck under the names torch.autograd gives them.
//
// A custom Function's forward runs without recording (as PyTorch's); when an input requires grad,
// its outputs join the graph as one node whose backward calls the class's static `backward(ctx,
// ...grads)`. The tensors `ctx.saveForBackward` keeps are saved by the tape (views, version-checked
// like an op's), so modifying one in place before backward is an error, not a wrong gradient.
import { AutogradError, isGradEnabled, noGrad, record, withMode } from './autograd';
import { anomalyMode } from './anomaly';
import { bool, func, optional, required, signature } from './args';
import type { ArgsThenOptions } from './args';
import { describeArg } from './arity';
import { isFloating } from './dtype';
import { ValueError } from './errors';
import { emptyTensor, Tensor } from './tensor';

export { grad, autogradBackward as backward, noGrad, enableGrad, setGradEnabled, isGradEnabled } from './autograd';
export type { GradOptions, AutogradBackwardOptions, RemovableHandle } from './autograd';
export { gradcheck, gradgradcheck } from './gradcheck';
export type { GradcheckOptions, GradgradcheckOptions } from './gradcheck';
export { setDetectAnomaly, isAnomalyEnabled, isAnomalyCheckNanEnabled } from './anomaly';
export * as functional from './autograd-functional';

/**
 * The context of one call of a custom {@link Function}: what its forward leaves for its backward.
 * Any other property may be set on it in forward and read in backward (`ctx.scale = 2`).
 */
export class FunctionCtx {
  /** Whether each argument of `apply` needs a gradient (false for non-tensors and inputs that do not require grad). */
  needsInputGrad: boolean[] = [];
  /** @internal what saveForBackward was given (null entries allowed, as PyTorch's) */ _toSave: (Tensor | null)[] = [];
  /** @internal the saved views, in backward */ _saved: Tensor[] | null = null;
  /** @internal outputs that get no gradient */ _nonDifferentiable = new Set<Tensor>();
  /** @internal give zeros for outputs without a gradient (default true, as PyTorch's) */ _materialize = true;
  /** Anything else forward leaves for backward (`ctx.scale = 2`; read it back as `ctx.scale as number`). */
  [key: string]: unknown;

  /** Keeps tensors for backward (read them there as `ctx.savedTensors`): `ctx.saveForBackward(x, y)`. */
  saveForBackward(...tensors: (Tensor | null | undefined)[]): void {
    for (let i = 0; i < tensors.length; i++) {
      const t = tensors[i];
      if (t != null && !(t instanceof Tensor)) throw new ValueError(`saveForBackward: argument ${i} must be a Tensor or null, got ${describeArg(t)}`);
      if (t instanceof Tensor) t._handleFor('saveForBackward');
    }
    this._toSave = tensors.map((t) => t ?? null);
  }

  /** The tensors given to saveForBackward, in order (in backward only). */
  get savedTensors(): (Tensor | null)[] {
    if (this._saved === null) throw new AutogradError('savedTensors: the saved tensors are only available in backward');
    let k = 0;
    return this._toSave.map((t) => (t === null ? null : this._saved![k++]));
  }

  /** Marks outputs that have no gradient (integer results, indices): backward gets zeros (or null) for them. */
  markNonDifferentiable(...tensors: Tensor[]): void {
    for (let i = 0; i < tensors.length; i++) {
      if (!(tensors[i] instanceof Tensor)) throw new ValueError(`markNonDifferentiable: argument ${i} must be a Tensor, got ${describeArg(tensors[i])}`);
      this._nonDifferentiable.add(tensors[i]);
    }
  }

  /** Whether backward gets zeros (true, the default) or null for outputs that received no gradient. */
  setMaterializeGrads(value: boolean): void {
    if (typeof value !== 'boolean') throw new ValueError(`setMaterializeGrads: value must be a boolean, got ${describeArg(value)}`);
    this._materialize = value;
  }
}

type Grad = Tensor | null | undefined;
/** The arguments of a Function's `apply`: its forward's, without the ctx. */
type ApplyArgs<F> = F extends (ctx: FunctionCtx, ...args: infer A) => unknown ? A : never;

/**
 * A custom differentiable operation, as `torch.autograd.Function`: subclass it with a static
 * `forward(ctx, ...args)` (returning a Tensor or an array of Tensors) and a static
 * `backward(ctx, ...gradOutputs)` (returning one gradient per argument of forward, null for an
 * argument without one), and call it with `apply`.
 * ```ts
 * class Exp extends fl.autograd.Function {
 *   static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *   static backward(ctx: fl.autograd.FunctionCtx, g: fl.Tensor) { const [y] = ctx.savedTensors; return g.mul(y!); }
 * }
 * const y = Exp.apply(x);
 * ```
 */
export class Function {
  /** The computation; runs without recording a graph. */
  static forward(ctx: FunctionCtx, ...args: unknown[]): Tensor | Tensor[] {
    void ctx; void args;
    throw new AutogradError(`${this.name}.forward: not implemented; define a static forward(ctx, ...args)`);
  }

  /** The gradients of forward's arguments from the gradients of its outputs. */
  static backward(ctx: FunctionCtx, ...gradOutputs: Tensor[]): Grad | Grad[] {
    void ctx; void gradOutputs;
    throw new AutogradError(`${this.name}.backward: not implemented; define a static backward(ctx, ...gradOutputs)`);
  }

  /**
   * Runs forward and records the node whose backward is this class's: `MyFn.apply(x, 2)`. Typed by
   * the subclass's forward: its arguments after ctx, and its result.
   */
  static apply<C extends { forward(ctx: FunctionCtx, ...args: never[]): Tensor | Tensor[] }>(this: C, ...rawArgs: ApplyArgs<C['forward']>): ReturnType<C['forward']> {
    const cls = this as unknown as typeof Function;
    const args = rawArgs as unknown[];
    const name = cls.name || 'Function';
    if (cls === Function) throw new AutogradError('Function.apply: call apply on a subclass that defines forward and backward');
    const ctx = new FunctionCtx();
    const grad = isGradEnabled();
    ctx.needsInputGrad = args.map((a) => grad && a instanceof Tensor && a.requiresGrad);
    const raw = noGrad(() => cls.forward(ctx, ...args));
    const many = Array.isArray(raw);
    const outs: unknown[] = many ? (raw as unknown[]).slice() : [raw];
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i];
      if (!(o instanceof Tensor)) throw new ValueError(`${name}.forward: must return a Tensor or an array of Tensors, got ${describeArg(many ? raw : o)}`);
      // an op's outputs are fresh tensors: one forward passed through (an input, a tensor with a graph) is a view of it
      if (o._gradFn !== null || o.requiresGrad || args.includes(o) || outs.indexOf(o) < i) {
        const v = o.detach();
        if (ctx._nonDifferentiable.has(o)) ctx._nonDifferentiable.add(v);
        outs[i] = v;
      }
    }
    const tensors = outs as Tensor[];
    if (ctx.needsInputGrad.some((b) => b)) {
      // the outputs that join the graph; the others get zeros (or null) in backward
      const diff: number[] = [];
      for (let i = 0; i < tensors.length; i++) if (isFloating(tensors[i].dtype) && !ctx._nonDifferentiable.has(tensors[i])) diff.push(i);
      const meta = tensors.map((t) => ({ shape: t._shape, dtype: t.dtype, device: t._storage.device }));
      const toSave = ctx._toSave.filter((t): t is Tensor => t !== null);
      record(name, args, diff.map((i) => tensors[i]), toSave, (grads, saved) => {
        const full: Grad[] = meta.map(() => null);
        for (let j = 0; j < diff.length; j++) full[diff[j]] = grads[j];
        const made: Tensor[] = [];
        if (ctx._materialize) {
          for (let i = 0; i < full.length; i++) {
            if (full[i] == null) { const z = emptyTensor(meta[i].shape, meta[i].dtype, meta[i].device, true, name); made.push(z); full[i] = z; }
          }
        }
        ctx._saved = saved;
        let r: Grad | Grad[];
        try {
          r = cls.backward(ctx, ...(full as Tensor[]));  // null entries only with setMaterializeGrads(false)
        } finally {
          ctx._saved = null;
          for (const z of made) if (!(Array.isArray(r!) ? r!.includes(z) : r! === z)) z.dispose();
        }
        const rs: Grad[] = Array.isArray(r) ? r.slice() : [r];
        if (rs.length < args.length) throw new AutogradError(`${name}.backward: returned ${rs.length} gradient(s) for ${args.length} input(s) of forward`);
        for (let i = args.length; i < rs.length; i++) {
          if (rs[i] != null) throw new AutogradError(`${name}.backward: returned ${rs.length} gradients for ${args.length} input(s) of forward (the extra ones must be null)`);
        }
        const seen: Tensor[] = [];
        const res: (Tensor | null)[] = [];
        for (let i = 0; i < args.length; i++) {
          const g = rs[i];
          if (g == null) { res.push(null); continue; }
          if (!(g instanceof Tensor)) throw new AutogradError(`${name}.backward: gradient ${i} must be a Tensor or null, got ${describeArg(g)}`);
          if (!(args[i] instanceof Tensor)) throw new AutogradError(`${name}.backward: returned a gradient for argument ${i}, which is not a Tensor (${describeArg(args[i])}); return null there`);
          if (!ctx.needsInputGrad[i]) { res.push(null); continue; }
          // the tape disposes what backward returns: a gradient it was given, a saved tensor or one
          // returned twice goes on as a view of its own
          const shared = grads.includes(g) || saved.includes(g) || seen.includes(g);
          seen.push(g);
          res.push(shared ? g.detach() : g);
        }
        return res;
      }, true);  // the user's backward: differentiable when written with flintml's ops (as PyTorch's)
    }
    return (many ? tensors : tensors[0]) as ReturnType<C['forward']>;
  }
}

// ---- anomaly detection, scoped (torch.autograd.detect_anomaly) ---------------------------------

const DETECT_ANOMALY_ARGS = signature('autograd.detectAnomaly', ['fn', 'checkNan'], { fn: required(func<() => unknown>()), checkNan: optional(bool, true) });
let anomalyWarned = false;

/**
 * Runs `fn` with anomaly detection on (see {@link setDetectAnomaly}: forward stacks on every node,
 * NaN gradients refused with the op's stack), and restores the mode it found when `fn` returns —
 * when its promise settles if `fn` is async — as `with torch.autograd.detect_anomaly():`. Warns once
 * per process that the mode is slow, as torch does.
 * ```ts
 * fl.autograd.detectAnomaly(() => model.forward(x).sum().backward());
 * await fl.autograd.detectAnomaly(async () => { … }, { checkNan: false });
 * ```
 */
export function detectAnomaly<T>(fn: () => T, options?: { checkNan?: boolean }): T;
export function detectAnomaly<T>(fn: () => T, ...args: ArgsThenOptions<[checkNan: boolean], { checkNan?: boolean }>): T;
export function detectAnomaly(...args: unknown[]): unknown {
  const o = DETECT_ANOMALY_ARGS.parse(args);
  if (!anomalyWarned) {
    anomalyWarned = true;
    process.emitWarning('Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.', 'UserWarning');
  }
  return withMode(() => {
    const { enabled, checkNan } = anomalyMode;
    anomalyMode.enabled = true;
    anomalyMode.checkNan = o.checkNan;
    return () => { anomalyMode.enabled = enabled; anomalyMode.checkNan = checkNan; };
  }, o.fn);
}
