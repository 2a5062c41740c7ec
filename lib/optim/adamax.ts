// adamax.ts — Adamax (Kingma & Ba, Adam with the infinity norm), as torch.optim.Adamax 1.13
// (single-tensor path):
//   m = b1 m + (1-b1) g;  u = max(b2 u, |g| + eps);  p -= lr / (1 - b1^t) * m / u
import { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import { maximum } from '../ops/elementwise';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkBetas, checkNumbers, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params, ParamState } from './optimizer';
import '../ops/elementwise';

/** Options of `Adamax`. */
export interface AdamaxOptions {
  /** learning rate (default 2e-3) */ lr?: number;
  /** coefficients of the running average of the gradient and of the infinity norm (default [0.9, 0.999]) */ betas?: [number, number];
  /** added to |g| in the norm (default 1e-8) */ eps?: number;
  /** L2 penalty added to the gradient (default 0) */ weightDecay?: number;
  /** accepted for PyTorch compatibility and ignored (flintml has one implementation) */ foreach?: boolean | null;
  /** ascend the objective instead of descending */ maximize?: boolean;
}

// PyTorch 1.13: Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False).
const ADAMAX_ARGS = signature('Adamax', ['params', 'lr', 'betas', 'eps', 'weightDecay', 'foreach'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 2e-3), betas: optional(A.anyValue<[number, number]>(), [0.9, 0.999]), eps: optional(A.num(), 1e-8),
  weightDecay: optional(A.num(), 0), foreach: optional(A.nullable(A.bool), null), maximize: optional(A.bool, false),
});

/**
 * Adamax, as `torch.optim.Adamax`: Adam whose second moment is an exponentially weighted infinity
 * norm. State per parameter: `step`, `expAvg`, `expInf` (PyTorch's exp_avg, exp_inf).
 *
 * ```ts
 * const opt = new fl.optim.Adamax(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class Adamax extends Optimizer<Required<AdamaxOptions>> {
  constructor(params: Params, options?: AdamaxOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, betas: [number, number], eps: number, weightDecay: number, foreach: boolean | null], AdamaxOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<AdamaxOptions>>(ADAMAX_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<AdamaxOptions>): void {
    checkNumbers('Adamax', g, { lr: 'learning rate', eps: 'epsilon value' });
    checkBetas('Adamax', g.betas);
    checkNumbers('Adamax', g, { weightDecay: 'weight_decay value' });
  }

  protected update(g: ParamGroup & Required<AdamaxOptions>): void {
    const { lr, eps, weightDecay, maximize } = g;
    const [beta1, beta2] = g.betas as [number, number];
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateFor(p, (): ParamState => ({ step: 0, expAvg: zerosLike(p), expInf: zerosLike(p) }));
      const step = (s.step as number) + 1;
      s.step = step;
      const grad = directedGrad(p, maximize, weightDecay);
      const m = s.expAvg as Tensor, u = s.expInf as Tensor;
      m.mul_(beta1).add_(grad, 1 - beta1);
      u.copy_(maximum(u.mul_(beta2), grad.abs().add_(eps)));
      p.add_(m.div(u), -lr / (1 - beta1 ** step));
    }
  }
}
