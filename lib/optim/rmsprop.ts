// rmsprop.ts — RMSprop (Hinton), optionally centered and with momentum, as torch.optim.RMSprop:
//   v = alpha v + (1-alpha) g²;  centered: gAvg = alpha gAvg + (1-alpha) g, avg = sqrt(v - gAvg²) + eps
//   momentum: buf = momentum buf + g / avg, p -= lr buf;  else p -= lr g / avg
import { Tensor, keep } from '../tensor';
import { zerosLike } from '../ops/creation';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkNumbers, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params, ParamState } from './optimizer';
import '../ops/elementwise';

/** Options of `RMSprop`. */
export interface RMSpropOptions {
  /** learning rate (default 1e-2) */ lr?: number;
  /** smoothing constant of the squared-gradient average (default 0.99) */ alpha?: number;
  /** added to the denominator (default 1e-8) */ eps?: number;
  /** L2 penalty added to the gradient (default 0) */ weightDecay?: number;
  /** momentum factor (default 0) */ momentum?: number;
  /** normalize by an estimate of the gradient's variance instead of its second moment */ centered?: boolean;
  /** ascend the objective instead of descending */ maximize?: boolean;
}

// PyTorch: RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, …, maximize=False).
const RMSPROP_ARGS = signature('RMSprop', ['params', 'lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 1e-2), alpha: optional(A.num(), 0.99), eps: optional(A.num(), 1e-8), weightDecay: optional(A.num(), 0),
  momentum: optional(A.num(), 0), centered: optional(A.bool, false), maximize: optional(A.bool, false),
});

/**
 * RMSprop, as `torch.optim.RMSprop`.
 *
 * ```ts
 * const opt = new fl.optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer<Required<RMSpropOptions>> {
  constructor(params: Params, options?: RMSpropOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean], RMSpropOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<RMSpropOptions>>(RMSPROP_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<RMSpropOptions>): void {
    checkNumbers('RMSprop', g, {
      lr: 'learning rate', eps: 'epsilon value', momentum: 'momentum value', weightDecay: 'weight_decay value', alpha: 'alpha value',
    });
  }

  protected update(g: ParamGroup & Required<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateFor(p, (): ParamState => ({ step: 0, squareAvg: zerosLike(p) }));
      if (momentum > 0 && !s.momentumBuffer) s.momentumBuffer = keep(zerosLike(p));
      if (centered && !s.gradAvg) s.gradAvg = keep(zerosLike(p));
      s.step = (s.step as number) + 1;
      const grad = directedGrad(p, maximize, weightDecay);
      const v = s.squareAvg as Tensor;
      v.mul_(alpha).add_(grad.mul(grad), 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const ga = s.gradAvg as Tensor;
        ga.mul_(alpha).add_(grad, 1 - alpha);
        avg = v.sub(ga.mul(ga)).sqrt_();
      } else {
        avg = v.sqrt();
      }
      avg.add_(eps);
      if (momentum > 0) {
        const buf = s.momentumBuffer as Tensor;
        buf.mul_(momentum).add_(grad.div(avg));
        p.add_(buf, -lr);
      } else {
        p.add_(grad.div(avg), -lr);
      }
    }
  }
}
