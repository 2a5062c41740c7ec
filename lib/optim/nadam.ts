// nadam.ts — NAdam (Dozat: Adam with Nesterov momentum), as torch.optim.NAdam 1.13 (single-tensor
// path), with its momentum schedule mu_t = b1 (1 - 0.5 * 0.96^(t psi)):
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  denom = sqrt(v / (1 - b2^t)) + eps
//   p -= lr (1 - mu_t) / (1 - prod mu) * g / denom + lr mu_{t+1} / (1 - prod mu * mu_{t+1}) * m / denom
// PyTorch keeps the product of the mus in a float32 0-dim tensor; flintml keeps it as a number
// rounded to float32 after each product, so that the coefficients are PyTorch's.
import { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkBetas, checkNumbers, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params, ParamState } from './optimizer';
import '../ops/elementwise';

/** Options of `NAdam`. */
export interface NAdamOptions {
  /** learning rate (default 2e-3) */ lr?: number;
  /** coefficients of the running averages of the gradient and its square (default [0.9, 0.999]) */ betas?: [number, number];
  /** added to the denominator (default 1e-8) */ eps?: number;
  /** L2 penalty added to the gradient (default 0) */ weightDecay?: number;
  /** momentum decay psi (default 4e-3) */ momentumDecay?: number;
  /** accepted for PyTorch compatibility and ignored (flintml has one implementation) */ foreach?: boolean | null;
}

// PyTorch 1.13: NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3, foreach=None)
// (no maximize in 1.13).
const NADAM_ARGS = signature('NAdam', ['params', 'lr', 'betas', 'eps', 'weightDecay', 'momentumDecay', 'foreach'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 2e-3), betas: optional(A.anyValue<[number, number]>(), [0.9, 0.999]), eps: optional(A.num(), 1e-8),
  weightDecay: optional(A.num(), 0), momentumDecay: optional(A.num(), 4e-3), foreach: optional(A.nullable(A.bool), null),
});

/**
 * NAdam, as `torch.optim.NAdam`. State per parameter: `step`, `muProduct`, `expAvg`, `expAvgSq`
 * (PyTorch's mu_product, exp_avg, exp_avg_sq).
 *
 * ```ts
 * const opt = new fl.optim.NAdam(model.parameters(), { lr: 2e-3, momentumDecay: 4e-3 });
 * ```
 */
export class NAdam extends Optimizer<Required<NAdamOptions>> {
  constructor(params: Params, options?: NAdamOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, betas: [number, number], eps: number, weightDecay: number, momentumDecay: number, foreach: boolean | null], NAdamOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<NAdamOptions>>(NADAM_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<NAdamOptions>): void {
    checkNumbers('NAdam', g, { lr: 'learning rate', eps: 'epsilon value' });
    checkBetas('NAdam', g.betas);
    checkNumbers('NAdam', g, { weightDecay: 'weight_decay value', momentumDecay: 'momentum_decay value' });
  }

  protected update(g: ParamGroup & Required<NAdamOptions>): void {
    const { lr, eps, weightDecay, momentumDecay } = g;
    const [beta1, beta2] = g.betas as [number, number];
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateFor(p, (): ParamState => ({ step: 0, muProduct: 1, expAvg: zerosLike(p), expAvgSq: zerosLike(p) }));
      const step = (s.step as number) + 1;
      s.step = step;
      const bc2 = 1 - beta2 ** step;
      const grad = directedGrad(p, false, weightDecay);
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      // float32 arithmetic, as PyTorch's 0-dim float32 tensor times a Python float
      const muProduct = Math.fround((s.muProduct as number) * Math.fround(mu));
      s.muProduct = muProduct;
      const muProductNext = Math.fround(Math.fround(muProduct * Math.fround(mu)) * Math.fround(muNext));
      const m = s.expAvg as Tensor, v = s.expAvgSq as Tensor;
      m.mul_(beta1).add_(grad, 1 - beta1);
      v.mul_(beta2).add_(grad.mul(grad), 1 - beta2);
      const denom = v.div(bc2).sqrt_().add_(eps);
      p.add_(grad.div(denom), -lr * (1 - mu) / (1 - muProduct));
      p.add_(m.div(denom), -lr * muNext / (1 - muProductNext));
    }
  }
}
