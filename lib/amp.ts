// amp.ts — mixed precision: `autocast(dtype, fn)` runs matmuls (and what is built on them:
// linear, convolutions, attention) in float16/bfloat16 while ops on the float32 list (softmax,
// logSoftmax, norms, reductions, losses) compute in float32, as torch.autocast's CPU/CUDA lists;
// `GradScaler` does dynamic loss scaling for float16 training.
import { checkKeys, tooManyArgs } from './args';
import { checkCallable, describeArg } from './arity';
import { DType, isFloating } from './dtype';
import { ValueError } from './errors';
import { noGrad, withMode } from './autograd';
import { any } from './ops/reduce';
import { scope, Tensor } from './tensor';

let autocastDtype: DType | null = null;

/** @internal The low-precision dtype when inside `autocast`, else null. */
export function autocastLowDtype(): DType | null { return autocastDtype; }

/**
 * Runs `fn` with autocast on: matmul-like ops take float32 inputs in `dtype`; float32-list ops
 * take low-precision inputs in float32. Parameters stay float32 (their gradients too).
 *
 * ```ts
 * const loss = fl.autocast('bfloat16', () => lossFn(model.forward(x), y));
 * loss.backward();
 * ```
 */
export function autocast<T>(dtype: 'bfloat16' | 'float16', fn: () => T): T {
  if (arguments.length > 2) tooManyArgs('autocast', 'dtype, fn', arguments);
  if (dtype !== 'bfloat16' && dtype !== 'float16') throw new ValueError(`autocast: dtype must be 'bfloat16' or 'float16', got ${describeArg(dtype)}`);
  checkCallable(fn, 'autocast');
  return withMode(() => { const prev = autocastDtype; autocastDtype = dtype; return () => { autocastDtype = prev; }; }, fn);
}

/** @internal For matmul-like ops: float32 operands cast to the autocast dtype (others unchanged). */
export function castLow(t: Tensor): Tensor {
  if (autocastDtype === null || t.dtype !== 'float32') return t;
  return t.to(autocastDtype);
}

/** @internal For float32-list ops: low-precision operands cast to float32 (others unchanged). */
export function castFloat32(t: Tensor): Tensor {
  if (autocastDtype === null || !(t.dtype === 'float16' || t.dtype === 'bfloat16')) return t;
  return t.to('float32');
}

/** What GradScaler needs of an optimizer. */
export interface ScalableOptimizer { paramGroups: { params: Tensor[] }[]; step(): void }

/** Options of GradScaler (PyTorch's defaults). */
export interface GradScalerOptions {
  initScale?: number; growthFactor?: number; backoffFactor?: number; growthInterval?: number; enabled?: boolean;
}

/**
 * Dynamic loss scaling for float16 training, as torch.cuda.amp.GradScaler:
 * ```ts
 * const scaler = new fl.amp.GradScaler();
 * scaler.scale(loss).backward();
 * scaler.step(opt);       // unscales, skips the step when a gradient is inf/NaN
 * scaler.update();        // grows or backs off the scale
 * ```
 */
export class GradScaler {
  private scaleValue: number;
  private readonly growthFactor: number;
  private readonly backoffFactor: number;
  private readonly growthInterval: number;
  private growthTracker = 0;
  private readonly enabled: boolean;
  private unscaled = new Set<ScalableOptimizer>();
  private foundInf = false;

  constructor(o: GradScalerOptions = {}) {
    checkKeys('GradScaler', o, ['initScale', 'growthFactor', 'backoffFactor', 'growthInterval', 'enabled']);
    this.scaleValue = o.initScale ?? 65536;
    this.growthFactor = o.growthFactor ?? 2;
    this.backoffFactor = o.backoffFactor ?? 0.5;
    this.growthInterval = o.growthInterval ?? 2000;
    this.enabled = o.enabled ?? true;
    if (!(this.growthFactor > 1)) throw new ValueError('GradScaler: growthFactor must be > 1');
    if (!(this.backoffFactor > 0 && this.backoffFactor < 1)) throw new ValueError('GradScaler: backoffFactor must be in (0, 1)');
  }

  /** The current scale. */
  getScale(): number { return this.enabled ? this.scaleValue : 1; }

  /** `loss * scale` (a new tensor in the graph). */
  scale(loss: Tensor): Tensor {
    if (!(loss instanceof Tensor)) throw new ValueError(`GradScaler.scale: expected a Tensor, got ${describeArg(loss)}`);
    if (!this.enabled) return loss.mul(1);
    return loss.mul(this.scaleValue);
  }

  /** Divides the optimizer's gradients by the scale in place and records whether any is inf/NaN. */
  unscale_(opt: ScalableOptimizer): void {
    checkOptimizer(opt, 'GradScaler.unscale_');
    if (!this.enabled || this.unscaled.has(opt)) return;
    const inv = 1 / this.scaleValue;
    noGrad(() => scope(() => {
      // one flag tensor for all gradients, read once: no host sync per parameter
      let bad: Tensor | null = null;
      for (const g of opt.paramGroups) {
        for (const p of g.params) {
          if (!p.grad) continue;
          p.grad.mul_(inv);
          if (!isFloating(p.grad.dtype)) continue;
          const b = any(p.grad.isfinite().logicalNot());
          bad = bad ? bad.logicalOr(b) : b;
        }
      }
      if (bad && bad.item()) this.foundInf = true;
    }));
    this.unscaled.add(opt);
  }

  /** Unscales (if not done) and runs `opt.step()` unless a gradient was inf/NaN. Returns whether it stepped. */
  step(opt: ScalableOptimizer): boolean {
    checkOptimizer(opt, 'GradScaler.step');
    if (!this.enabled) { opt.step(); return true; }
    this.unscale_(opt);
    if (this.foundInf) return false;
    opt.step();
    return true;
  }

  /** Adjusts the scale: back off after an inf/NaN step, grow after `growthInterval` clean steps. */
  update(newScale?: number): void {
    if (!this.enabled) return;
    if (newScale !== undefined) this.scaleValue = newScale;
    else if (this.foundInf) { this.scaleValue *= this.backoffFactor; this.growthTracker = 0; }
    else if (++this.growthTracker >= this.growthInterval) { this.scaleValue *= this.growthFactor; this.growthTracker = 0; }
    this.foundInf = false;
    this.unscaled.clear();
  }

  stateDict(): { scale: number; growthTracker: number } { return { scale: this.scaleValue, growthTracker: this.growthTracker }; }
  loadStateDict(s: { scale: number; growthTracker: number }): void {
    if (s === null || typeof s !== 'object' || typeof s.scale !== 'number' || typeof s.growthTracker !== 'number') {
      throw new ValueError(`GradScaler.loadStateDict: expected { scale, growthTracker } (numbers), got ${describeArg(s)}`);
    }
    this.scaleValue = s.scale; this.growthTracker = s.growthTracker;
  }
}

/** An optimizer as GradScaler needs it: `paramGroups` (iterable) and `step()`. */
function checkOptimizer(opt: ScalableOptimizer, where: string): void {
  const o = opt as unknown as { paramGroups?: unknown; step?: unknown } | null;
  if (o === null || typeof o !== 'object' || typeof o.step !== 'function' || !Array.isArray(o.paramGroups)) {
    throw new ValueError(`${where}: expected an optimizer (paramGroups and step()), got ${describeArg(opt)}`);
  }
}

/**
 * @internal For ops on autocast's lower-precision list that add a bias to matmul's own cast
 * (linear, the convolutions): when autocast is on and a tensor argument is float32, calls `fn` again with
 * those arguments in the autocast dtype (the casts are recorded, so float32 leaves get float32
 * gradients) and returns its result, as torch.autocast casts every floating input of linear and
 * conv2d (the bias too: a float32 bias would promote the output back to float32); otherwise undefined.
 * Use as the first line of the op: `const r = runLowPrecision(op, arguments); if (r) return r;`
 */
export function runLowPrecision<R>(fn: (...a: any[]) => R, args: ArrayLike<unknown>): R | undefined {
  const low = autocastDtype;
  return low === null ? undefined : rerunCast(fn, args, (dt) => dt === 'float32', low);
}

/**
 * @internal For ops on autocast's float32 list: when autocast is on and a tensor argument is
 * float16/bfloat16, calls `fn` again with those arguments cast to float32 (the casts are
 * recorded, so gradients flow back in the low dtype) and returns its result; otherwise undefined.
 * Use as the first line of the op: `const r = runFloat32(op, arguments); if (r) return r;`
 */
export function runFloat32<R>(fn: (...a: any[]) => R, args: ArrayLike<unknown>): R | undefined {
  if (autocastDtype === null) return undefined;
  return rerunCast(fn, args, (dt) => dt === 'float16' || dt === 'bfloat16', 'float32');
}

/**
 * runLowPrecision's and runFloat32's common part: fn(...args) again with the tensor arguments of a
 * dtype that `from` picks cast to `to` (recorded casts, disposed after the call; the op's graph keeps
 * its own views), or undefined when no argument is picked.
 */
function rerunCast<R>(fn: (...a: any[]) => R, args: ArrayLike<unknown>, from: (dt: DType) => boolean, to: DType): R | undefined {
  let picked = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor && from(a.dtype)) { picked = true; break; }
  }
  if (!picked) return undefined;
  const casts: Tensor[] = [];
  const a2 = Array.from(args, (a) => {
    if (a instanceof Tensor && from(a.dtype)) { const c = a.to(to); casts.push(c); return c; }
    return a;
  });
  try { return fn(...a2); } finally { for (const c of casts) c.dispose(); }
}
