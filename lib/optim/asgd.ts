// asgd.ts — averaged stochastic gradient descent (Polyak & Juditsky), as torch.optim.ASGD 1.13
// (single-tensor path):
//   p *= 1 - lambd eta;  p -= eta g;  ax += mu (p - ax)  (ax = p while mu == 1)
//   eta = lr / (1 + lambd lr t)^alpha;  mu = 1 / max(1, t - t0)
// PyTorch keeps eta and mu in float32 0-dim tensors; flintml keeps them as numbers rounded to
// float32, so that the update's coefficients are PyTorch's.
import { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkNumber, checkNumbers, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params, ParamState } from './optimizer';
import '../ops/elementwise';

/** Options of `ASGD`. */
export interface ASGDOptions {
  /** learning rate (default 1e-2) */ lr?: number;
  /** decay term (default 1e-4) */ lambd?: number;
  /** power of the eta update (default 0.75) */ alpha?: number;
  /** the step at which averaging starts (default 1e6) */ t0?: number;
  /** L2 penalty added to the gradient (default 0) */ weightDecay?: number;
  /** accepted for PyTorch compatibility and ignored (flintml has one implementation) */ foreach?: boolean | null;
  /** ascend the objective instead of descending */ maximize?: boolean;
}

// PyTorch 1.13: ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False).
const ASGD_ARGS = signature('ASGD', ['params', 'lr', 'lambd', 'alpha', 't0', 'weightDecay', 'foreach', 'maximize'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 1e-2), lambd: optional(A.num(), 1e-4), alpha: optional(A.num(), 0.75), t0: optional(A.num(), 1e6),
  weightDecay: optional(A.num(), 0), foreach: optional(A.nullable(A.bool), null), maximize: optional(A.bool, false),
});

/**
 * ASGD, as `torch.optim.ASGD`. State per parameter: `step`, `eta`, `mu` (numbers) and `ax` (the
 * running average of the parameter).
 *
 * ```ts
 * const opt = new fl.optim.ASGD(model.parameters(), { lr: 0.01, t0: 100 });
 * ```
 */
export class ASGD extends Optimizer<Required<ASGDOptions>> {
  constructor(params: Params, options?: ASGDOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, lambd: number, alpha: number, t0: number, weightDecay: number, foreach: boolean | null, maximize: boolean], ASGDOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<ASGDOptions>>(ASGD_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<ASGDOptions>): void {
    checkNumbers('ASGD', g, { lr: 'learning rate', weightDecay: 'weight_decay value' });
    // torch checks only these two; lambd, alpha and t0 need only be numbers
    checkNumber('ASGD', 'lambd value', g.lambd, -Infinity);
    checkNumber('ASGD', 'alpha value', g.alpha, -Infinity);
    checkNumber('ASGD', 't0 value', g.t0, -Infinity);
  }

  protected update(g: ParamGroup & Required<ASGDOptions>): void {
    const { lr, lambd, alpha, t0, weightDecay, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateFor(p, (): ParamState => ({ step: 0, eta: Math.fround(lr), mu: 1, ax: zerosLike(p) }));
      const step = (s.step as number) + 1;
      s.step = step;
      const grad = directedGrad(p, maximize, weightDecay);
      const eta = s.eta as number, mu = s.mu as number;
      p.mul_(1 - lambd * eta);
      p.add_(grad, -eta);
      const ax = s.ax as Tensor;
      if (mu !== 1) ax.add_(p.sub(ax).mul_(mu));
      else ax.copy_(p);
      s.eta = Math.fround(lr / (1 + lambd * lr * step) ** alpha);
      s.mu = Math.fround(1 / Math.max(1, step - t0));
    }
  }
}
