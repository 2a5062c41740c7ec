// adagrad.ts — Adagrad (Duchi et al.), as torch.optim.Adagrad:
//   clr = lr / (1 + (t-1) lrDecay);  sum += g²;  p -= clr g / (sqrt(sum) + eps)
import { Tensor } from '../tensor';
import { captureState, refuseInCapture } from '../capture';
import { fullLike } from '../ops/creation';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkNumbers, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params } from './optimizer';
import '../ops/elementwise';

/** Options of `Adagrad`. */
export interface AdagradOptions {
  /** learning rate (default 1e-2) */ lr?: number;
  /** learning rate decay (default 0) */ lrDecay?: number;
  /** L2 penalty added to the gradient (default 0) */ weightDecay?: number;
  /** starting value of the squared-gradient sums (default 0) */ initialAccumulatorValue?: number;
  /** added to the denominator (default 1e-10) */ eps?: number;
  /** ascend the objective instead of descending */ maximize?: boolean;
}

// PyTorch: Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, …, maximize=False).
const ADAGRAD_ARGS = signature('Adagrad', ['params', 'lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 1e-2), lrDecay: optional(A.num(), 0), weightDecay: optional(A.num(), 0),
  initialAccumulatorValue: optional(A.num(), 0), eps: optional(A.num(), 1e-10), maximize: optional(A.bool, false),
});

/**
 * Adagrad, as `torch.optim.Adagrad` (dense gradients).
 *
 * ```ts
 * const opt = new fl.optim.Adagrad(model.parameters(), { lr: 0.1, lrDecay: 1e-4 });
 * ```
 */
export class Adagrad extends Optimizer<Required<AdagradOptions>> {
  constructor(params: Params, options?: AdagradOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, lrDecay: number, weightDecay: number, initialAccumulatorValue: number, eps: number], AdagradOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<AdagradOptions>>(ADAGRAD_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<AdagradOptions>): void {
    checkNumbers('Adagrad', g, {
      lr: 'learning rate', lrDecay: 'lr_decay value', weightDecay: 'weight_decay value',
      initialAccumulatorValue: 'initial_accumulator_value', eps: 'epsilon value',
    });
  }

  protected update(g: ParamGroup & Required<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      // PyTorch makes this state in the constructor; made on first use here, with the same values
      const s = this.stateFor(p, () => ({ step: 0, sum: fullLike(p, initialAccumulatorValue) }));
      if (captureState.active && lrDecay !== 0) refuseInCapture('Adagrad.step', 'an optimizer step whose learning-rate decay depends on the host step count');
      const step = (s.step as number) + 1;
      s.step = step;
      const grad = directedGrad(p, maximize, weightDecay);
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = s.sum as Tensor;
      sum.add_(grad.mul(grad));
      p.add_(grad.div(sum.sqrt().add_(eps)), -clr);
    }
  }
}
