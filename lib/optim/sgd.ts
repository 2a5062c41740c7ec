// sgd.ts — stochastic gradient descent with momentum, dampening, Nesterov momentum, weight decay and
// maximize, step for step as torch.optim.SGD (single-tensor path). float32/float64 parameters with
// contiguous gradients take one fused native pass per parameter ('sgd', native/core/optim.h: p, g
// and the momentum buffer read once, no temporaries), bit-identical to the composed ops, which run
// for the first momentum step (it creates the buffer), the 16-bit dtypes (each composed op rounds
// to the storage dtype, a fused pass would not) and non-contiguous operands.
import { ValueError } from '../errors';
import { call, opId } from '../native';
import { checkInplace } from '../ops/elementwise';
import { Tensor, keep } from '../tensor';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkNumber, checkNumbers, directedGrad, Optimizer, optimizerArgs, ParamGroup, Params } from './optimizer';
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

// PyTorch: SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False).
// Ranges are checked by validateGroup (for every group, also those added later).
const SGD_ARGS = signature('SGD', ['params', 'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 1e-3), momentum: optional(A.num(), 0), dampening: optional(A.num(), 0), weightDecay: optional(A.num(), 0),
  nesterov: optional(A.bool, false), maximize: optional(A.bool, false),
});

let SGD_OP: number | undefined;
/** The fused kernel's id (negative when this build has none: then the composed path runs). */
function sgdOp(): number { if (SGD_OP === undefined) SGD_OP = opId('sgd'); return SGD_OP; }

/** Whether the fused pass can update p with these operands: float32/float64, one contiguous shape. */
function fusable(p: Tensor, ops: Tensor[]): boolean {
  if (sgdOp() < 0 || (p.dtype !== 'float32' && p.dtype !== 'float64')) return false;
  return ops.every((t) => t.dtype === p.dtype && t.isContiguous() && t.numel === p.numel &&
    t._shape.length === p._shape.length && t._shape.every((d, i) => d === p._shape[i]));
}

/**
 * Stochastic gradient descent (optionally with momentum), as `torch.optim.SGD`:
 * `buf = momentum * buf + (1 - dampening) * g`, `p -= lr * (nesterov ? g + momentum * buf : buf)`.
 *
 * ```ts
 * const opt = new fl.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const same = new fl.optim.SGD(model.parameters(), 0.1, 0.9);    // PyTorch's positional order
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<Required<SGDOptions>> {
  constructor(params: Params, options?: SGDOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean], SGDOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<SGDOptions>>(SGD_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<SGDOptions>): void {
    checkNumbers('SGD', g, { lr: 'learning rate', momentum: 'momentum value' });
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
      const buf0 = momentum !== 0 ? this.state.get(p)?.momentumBuffer as Tensor | undefined : undefined;
      const ops = momentum === 0 ? [p, p.grad] : buf0 ? [p, p.grad, buf0] : null;
      if (ops && fusable(p, ops)) {
        checkInplace(p, `${this.name}.step`);
        if (buf0) buf0._storage.version++;
        call(sgdOp(), `${this.name}.step`, ops, [lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, maximize ? 1 : 0]);
        continue;
      }
      let d = directedGrad(p, maximize, weightDecay);
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
