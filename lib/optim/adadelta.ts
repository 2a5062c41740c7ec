// adadelta.ts — Adadelta (Zeiler), as torch.optim.Adadelta 1.13 (single-tensor path):
//   v = rho v + (1-rho) g²;  delta = sqrt(u + eps) / sqrt(v + eps) * g;  u = rho u + (1-rho) delta²;
//   p -= lr delta
import { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import { ValueError } from '../errors';
import { describeArg } from '../arity';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkNumbers, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params, ParamState } from './optimizer';
import '../ops/elementwise';

/** Options of `Adadelta`. */
export interface AdadeltaOptions {
  /** scales delta before it is applied (default 1.0) */ lr?: number;
  /** coefficient of the running averages of the squared gradient and update (default 0.9) */ rho?: number;
  /** added inside the square roots (default 1e-6) */ eps?: number;
  /** L2 penalty added to the gradient (default 0) */ weightDecay?: number;
  /** accepted for PyTorch compatibility and ignored (flintml has one implementation) */ foreach?: boolean | null;
  /** ascend the objective instead of descending */ maximize?: boolean;
}

// PyTorch 1.13: Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, maximize=False).
const ADADELTA_ARGS = signature('Adadelta', ['params', 'lr', 'rho', 'eps', 'weightDecay', 'foreach'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 1.0), rho: optional(A.num(), 0.9), eps: optional(A.num(), 1e-6), weightDecay: optional(A.num(), 0),
  foreach: optional(A.nullable(A.bool), null), maximize: optional(A.bool, false),
});

/**
 * Adadelta, as `torch.optim.Adadelta`. State per parameter: `step`, `squareAvg`, `accDelta`
 * (PyTorch's square_avg, acc_delta).
 *
 * ```ts
 * const opt = new fl.optim.Adadelta(model.parameters(), { lr: 1.0, rho: 0.9 });
 * ```
 */
export class Adadelta extends Optimizer<Required<AdadeltaOptions>> {
  constructor(params: Params, options?: AdadeltaOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, rho: number, eps: number, weightDecay: number, foreach: boolean | null], AdadeltaOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<AdadeltaOptions>>(ADADELTA_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<AdadeltaOptions>): void {
    checkNumbers('Adadelta', g, { lr: 'learning rate' });
    if (typeof g.rho !== 'number' || !(g.rho >= 0 && g.rho <= 1)) throw new ValueError(`Adadelta: invalid rho value: ${describeArg(g.rho)} (expected 0 <= rho <= 1)`);
    checkNumbers('Adadelta', g, { eps: 'epsilon value', weightDecay: 'weight_decay value' });
  }

  protected update(g: ParamGroup & Required<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateFor(p, (): ParamState => ({ step: 0, squareAvg: zerosLike(p), accDelta: zerosLike(p) }));
      s.step = (s.step as number) + 1;
      const grad = directedGrad(p, maximize, weightDecay);
      const v = s.squareAvg as Tensor, u = s.accDelta as Tensor;
      v.mul_(rho).add_(grad.mul(grad), 1 - rho);
      const std = v.add(eps).sqrt_();
      const delta = u.add(eps).sqrt_().div_(std).mul_(grad);
      u.mul_(rho).add_(delta.mul(delta), 1 - rho);
      p.add_(delta, -lr);
    }
  }
}
