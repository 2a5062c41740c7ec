// sgd.ts — stochastic gradient descent with momentum, dampening, Nesterov momentum, weight decay and
// maximize, step for step as torch.optim.SGD (single-tensor path).
import { ValueError } from '../errors';
import { Tensor, keep } from '../tensor';
import { checkNumber, Optimizer, ParamGroup, Params } from './optimizer';
import '../ops/elementwise';
import '../ops/views';

/** Options of `SGD` (PyTorch's keyword arguments in camelCase). */
export interface SGDOptions {
  /** learning rate (default 1e-3) */ lr?: number;
  /** momentum factor (default 0) */ momentum?: number;
  /** dampening for momentum (default 0) */ dampening?: number;
  /** L2 penalty added to the gradient (default 0) */ weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0) */ nesterov?: boolean;
  /** ascend the objective instead of descending */ maximize?: boolean;
}

/**
 * Stochastic gradient descent (optionally with momentum), as `torch.optim.SGD`:
 * `buf = momentum * buf + (1 - dampening) * g`, `p -= lr * (nesterov ? g + momentum * buf : buf)`.
 *
 * ```ts
 * const opt = new fl.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<Required<SGDOptions>> {
  constructor(params: Params, options: SGDOptions = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options }, 'SGD');
  }

  protected validateGroup(g: ParamGroup & Required<SGDOptions>): void {
    checkNumber('SGD', 'learning rate', g.lr);
    checkNumber('SGD', 'momentum value', g.momentum);
    checkNumber('SGD', 'dampening value', g.dampening, -Infinity);
    checkNumber('SGD', 'weight_decay value', g.weightDecay);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new ValueError(`SGD: Nesterov momentum requires a momentum and zero dampening (momentum ${String(g.momentum)}, dampening ${String(g.dampening)})`);
    }
  }

  protected update(g: ParamGroup & Required<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      let d: Tensor = maximize ? p.grad.neg() : p.grad;
      if (weightDecay !== 0) d = d.add(p, weightDecay);
      if (momentum !== 0) {
        const s = this.stateFor(p, () => ({}));
        let buf = s.momentumBuffer as Tensor | undefined;
        if (!buf) buf = s.momentumBuffer = keep(d.clone());
        else buf.mul_(momentum).add_(d, 1 - dampening);
        d = nesterov ? d.add(buf, momentum) : buf;
      }
      p.add_(d, -lr);
    }
  }
}
