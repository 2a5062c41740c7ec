// radam.ts — RAdam (Liu et al., rectified Adam), as torch.optim.RAdam 1.13 (single-tensor path):
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  rho_t = rho_inf - 2 t b2^t / (1 - b2^t)
//   rho_t > 5: p -= lr m/(1-b1^t) * sqrt(1-b2^t) / (sqrt(v) + eps) * rect;  else p -= lr m/(1-b1^t)
import { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkBetas, checkNumbers, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params, ParamState } from './optimizer';
import '../ops/elementwise';

/** Options of `RAdam`. */
export interface RAdamOptions {
  /** learning rate (default 1e-3) */ lr?: number;
  /** coefficients of the running averages of the gradient and its square (default [0.9, 0.999]) */ betas?: [number, number];
  /** added to the denominator (default 1e-8) */ eps?: number;
  /** L2 penalty added to the gradient (default 0) */ weightDecay?: number;
  /** accepted for PyTorch compatibility and ignored (flintml has one implementation) */ foreach?: boolean | null;
}

// PyTorch 1.13: RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None) (no maximize in 1.13).
const RADAM_ARGS = signature('RAdam', ['params', 'lr', 'betas', 'eps', 'weightDecay', 'foreach'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 1e-3), betas: optional(A.anyValue<[number, number]>(), [0.9, 0.999]), eps: optional(A.num(), 1e-8),
  weightDecay: optional(A.num(), 0), foreach: optional(A.nullable(A.bool), null),
});

/**
 * RAdam, as `torch.optim.RAdam`. State per parameter: `step`, `expAvg`, `expAvgSq`.
 *
 * ```ts
 * const opt = new fl.optim.RAdam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class RAdam extends Optimizer<Required<RAdamOptions>> {
  constructor(params: Params, options?: RAdamOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, betas: [number, number], eps: number, weightDecay: number, foreach: boolean | null], RAdamOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<RAdamOptions>>(RADAM_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<RAdamOptions>): void {
    checkNumbers('RAdam', g, { lr: 'learning rate', eps: 'epsilon value' });
    checkBetas('RAdam', g.betas);
    checkNumbers('RAdam', g, { weightDecay: 'weight_decay value' });
  }

  protected update(g: ParamGroup & Required<RAdamOptions>): void {
    const { lr, eps, weightDecay } = g;
    const [beta1, beta2] = g.betas as [number, number];
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateFor(p, (): ParamState => ({ step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) }));
      const step = (s.step as number) + 1;
      s.step = step;
      const bc1 = 1 - beta1 ** step, bc2 = 1 - beta2 ** step;
      const grad = directedGrad(p, false, weightDecay);
      const m = s.expAvg as Tensor, v = s.expAvgSq as Tensor;
      m.mul_(beta1).add_(grad, 1 - beta1);
      v.mul_(beta2).add_(grad.mul(grad), 1 - beta2);
      const corrected = m.div(bc1);
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - 2 * step * beta2 ** step / bc2;
      if (rhoT > 5) {
        const rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        // PyTorch's `sqrt(bc2) / (sqrt(v) + eps)` is Tensor.__rtruediv__: reciprocal() * sqrt(bc2)
        const adaptive = v.sqrt().add_(eps).reciprocal().mul_(Math.sqrt(bc2));
        p.add_(corrected.mul_(lr).mul_(adaptive).mul_(rect), -1);
      } else {
        p.add_(corrected.mul_(lr), -1);
      }
    }
  }
}
