// adam.ts — Adam and AdamW with bias correction, amsgrad, weight decay (L2 for Adam, decoupled for
// AdamW) and maximize, with PyTorch's exact update order (torch.optim.Adam/AdamW, single-tensor path):
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  vmax = max(vmax, v) (amsgrad)
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// On the CPU, contiguous parameters are updated by one fused native pass ('adamw' in
// native/cpu/optim.cpp: p, m, v, vmax read and written once); other cases compose tensor ops.
import { Tensor, keep } from '../tensor';
import { call, opId } from '../native';
import { captureState, refuseInCapture } from '../capture';
import { isFloating } from '../dtype';
import { checkInplace, maximum } from '../ops/elementwise';
import { zerosLike } from '../ops/creation';
import * as A from '../args';
import { AnySignature, ArgsThenOptions, optional, required, signature } from '../args';
import { checkBetas, checkNumber, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params, ParamState } from './optimizer';
import '../ops/views';

/** Options of `Adam` and `AdamW`. */
export interface AdamOptions {
  /** learning rate (default 1e-3) */ lr?: number;
  /** coefficients of the running averages of the gradient and its square (default [0.9, 0.999]) */ betas?: [number, number];
  /** added to the denominator (default 1e-8) */ eps?: number;
  /** weight decay: L2 penalty for Adam (default 0), decoupled decay for AdamW (default 1e-2) */ weightDecay?: number;
  /** use the maximum of past squared-gradient averages (AMSGrad) */ amsgrad?: boolean;
  /** ascend the objective instead of descending */ maximize?: boolean;
}

let ADAMW: number | undefined;
/** The fused kernel's id (negative when this build has none: then the composed path runs). */
function adamwOp(): number { if (ADAMW === undefined) ADAMW = opId('adamw'); return ADAMW; }
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

// PyTorch: Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, maximize=False);
// AdamW the same with weight_decay=1e-2. Ranges are checked by validateGroup.
function adamSignature(name: string, weightDecay: number) {
  return signature(name, ['params', 'lr', 'betas', 'eps', 'weightDecay', 'amsgrad'], {
    params: required(A.anyValue<Params>()),
    lr: optional(A.num(), 1e-3), betas: optional(A.anyValue<[number, number]>(), [0.9, 0.999]), eps: optional(A.num(), 1e-8),
    weightDecay: optional(A.num(), weightDecay), amsgrad: optional(A.bool, false), maximize: optional(A.bool, false),
  });
}
const ADAM_ARGS = adamSignature('Adam', 0);
const ADAMW_ARGS = adamSignature('AdamW', 1e-2);

abstract class AdamBase extends Optimizer<Required<AdamOptions>> {
  /** The subclass's signature (its name and default weight decay). */
  protected static readonly ARGS: AnySignature;
  protected abstract readonly decoupled: boolean;
  constructor(params: Params, options?: AdamOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], AdamOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<AdamOptions>>((new.target as unknown as typeof AdamBase).ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<AdamOptions>): void {
    checkNumber(this.name, 'learning rate', g.lr);
    checkNumber(this.name, 'epsilon value', g.eps);
    checkBetas(this.name, g.betas);
    checkNumber(this.name, 'weight_decay value', g.weightDecay);
  }

  /** Whether the fused native kernel (CPU or GPU) can update p: one floating dtype, contiguous operands. */
  private fused(p: Tensor, s: ParamState, amsgrad: boolean): boolean {
    if (adamwOp() < 0 || !isFloating(p.dtype)) return false;
    const ops = [p, s.expAvg as Tensor, s.expAvgSq as Tensor, p.grad!];
    if (amsgrad) ops.push(s.maxExpAvgSq as Tensor);
    return ops.every((t) => t.dtype === p.dtype && t.isContiguous() && sameShape(t._shape, p._shape));
  }

  protected update(g: ParamGroup & Required<AdamOptions>): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = g;
    const [beta1, beta2] = g.betas as [number, number];
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateFor(p, (): ParamState => {
        const st: ParamState = { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
        if (amsgrad) st.maxExpAvgSq = zerosLike(p);
        return st;
      });
      // the step count lives on the host: a graph would repeat one step's bias corrections forever
      if (captureState.active) refuseInCapture(`${this.name}.step`, 'an optimizer step whose bias corrections depend on the host step count');
      const step = (s.step as number) + 1;
      s.step = step;
      const bc1 = 1 - beta1 ** step, bc2 = 1 - beta2 ** step;
      if (amsgrad && !s.maxExpAvgSq) s.maxExpAvgSq = keep(zerosLike(p));
      if (this.fused(p, s, amsgrad)) {
        checkInplace(p, `${this.name}.step`);
        const ops = [p, s.expAvg as Tensor, s.expAvgSq as Tensor, p.grad];
        if (amsgrad) ops.push(s.maxExpAvgSq as Tensor);
        call(adamwOp(), `${this.name}.step`, ops,
          [lr, beta1, beta2, eps, weightDecay, this.decoupled ? 1 : 0, amsgrad ? 1 : 0, maximize ? 1 : 0, lr / bc1, Math.sqrt(bc2)]);
        continue;
      }
      const grad = directedGrad(p, maximize, this.decoupled ? 0 : weightDecay);
      if (this.decoupled && weightDecay !== 0) p.mul_(1 - lr * weightDecay);
      const m = s.expAvg as Tensor, v = s.expAvgSq as Tensor;
      m.mul_(beta1).add_(grad, 1 - beta1);
      v.mul_(beta2).add_(grad.mul(grad), 1 - beta2);
      const stepSize = lr / bc1;
      let second = v;
      if (amsgrad) {
        const vmax = s.maxExpAvgSq as Tensor;
        vmax.copy_(maximum(vmax, v));
        second = vmax;
      }
      const denom = second.sqrt().div_(Math.sqrt(bc2)).add_(eps);
      p.add_(m.div(denom), -stepSize);
    }
  }
}

/**
 * Adam (Kingma & Ba), as `torch.optim.Adam`; `weightDecay` adds `weightDecay * p` to the gradient.
 *
 * ```ts
 * const opt = new fl.optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * const same = new fl.optim.Adam(model.parameters(), 1e-3);     // PyTorch's positional order
 * ```
 */
export class Adam extends AdamBase {
  protected static readonly ARGS: AnySignature = ADAM_ARGS;
  protected readonly decoupled: boolean = false;
}

/**
 * AdamW (Loshchilov & Hutter), as `torch.optim.AdamW`: weight decay is applied to the parameter
 * (`p *= 1 - lr * weightDecay`) instead of the gradient. Default `weightDecay` 1e-2.
 *
 * ```ts
 * const opt = new fl.optim.AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.1 });
 * ```
 */
export class AdamW extends AdamBase {
  protected static readonly ARGS: AnySignature = ADAMW_ARGS;
  protected readonly decoupled: boolean = true;
}
