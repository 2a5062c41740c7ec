// rprop.ts — resilient backpropagation (Riedmiller & Braun), as torch.optim.Rprop 1.13 (single-tensor
// path): each element's step size grows by etaplus while its gradient keeps its sign and shrinks by
// etaminus when it flips (then that element does not move and its gradient is remembered as 0):
//   f = sign(g prev) > 0 ? etaplus : < 0 ? etaminus : 1;  step = clamp(step f, min, max)
//   g' = f == etaminus ? 0 : g;  p -= sign(g') step;  prev = g'
import { Tensor } from '../tensor';
import { fullLike, zerosLike } from '../ops/creation';
import { where } from '../ops/elementwise';
import { ValueError } from '../errors';
import { describeArg } from '../arity';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkNumbers, Optimizer, optimizerArgs, ParamGroup, Params, ParamState } from './optimizer';
import '../ops/elementwise';

/** Options of `Rprop`. */
export interface RpropOptions {
  /** the initial step size of every element (default 1e-2) */ lr?: number;
  /** [etaminus, etaplus]: the factors that shrink and grow a step (default [0.5, 1.2]) */ etas?: [number, number];
  /** [min, max]: the bounds of the step sizes (default [1e-6, 50]) */ stepSizes?: [number, number];
  /** accepted for PyTorch compatibility and ignored (flintml has one implementation) */ foreach?: boolean | null;
  /** ascend the objective instead of descending */ maximize?: boolean;
}

// PyTorch 1.13: Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), foreach=None, maximize=False).
const RPROP_ARGS = signature('Rprop', ['params', 'lr', 'etas', 'stepSizes', 'foreach', 'maximize'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 1e-2), etas: optional(A.anyValue<[number, number]>(), [0.5, 1.2]), stepSizes: optional(A.anyValue<[number, number]>(), [1e-6, 50]),
  foreach: optional(A.nullable(A.bool), null), maximize: optional(A.bool, false),
});

function isPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && !Number.isNaN(x));
}

/**
 * Rprop, as `torch.optim.Rprop`. State per parameter: `step`, `prev` (the last gradient used),
 * `stepSize` (each element's step; PyTorch's step_size), made with the group's lr on first use.
 *
 * ```ts
 * const opt = new fl.optim.Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2] });
 * ```
 */
export class Rprop extends Optimizer<Required<RpropOptions>> {
  constructor(params: Params, options?: RpropOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, etas: [number, number], stepSizes: [number, number], foreach: boolean | null, maximize: boolean], RpropOptions>);
  constructor(...args: unknown[]) {
    super(...optimizerArgs<Required<RpropOptions>>(RPROP_ARGS, args));
  }

  protected validateGroup(g: ParamGroup & Required<RpropOptions>): void {
    checkNumbers('Rprop', g, { lr: 'learning rate' });
    const e = g.etas as unknown;
    if (!isPair(e) || !(e[0] > 0 && e[0] < 1 && e[1] > 1)) throw new ValueError(`Rprop: invalid eta values: ${describeArg(e)} (expected [etaminus, etaplus] with 0 < etaminus < 1 < etaplus)`);
    const st = g.stepSizes as unknown;
    if (!isPair(st)) throw new ValueError(`Rprop: stepSizes must be a pair [min, max] of numbers, got ${describeArg(st)}`);
  }

  protected update(g: ParamGroup & Required<RpropOptions>): void {
    const { lr, maximize } = g;
    const [etaminus, etaplus] = g.etas as [number, number];
    const [minStep, maxStep] = g.stepSizes as [number, number];
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this.stateFor(p, (): ParamState => ({ step: 0, prev: zerosLike(p), stepSize: fullLike(p, lr) }));
      s.step = (s.step as number) + 1;
      const grad0: Tensor = maximize ? p.grad.neg() : p.grad;
      const prev = s.prev as Tensor, stepSize = s.stepSize as Tensor;
      const sign = grad0.mul(prev).sign();
      // PyTorch writes etaplus where sign > 0, etaminus where < 0, 1 where == 0 (NaN stays NaN)
      const shrink = sign.lt(0);
      const factor = where(sign.gt(0), etaplus, where(shrink, etaminus, where(sign.eq(0), 1, sign)));
      stepSize.mul_(factor).clamp_(minStep, maxStep);
      const grad = where(shrink, 0, grad0);
      p.add_(grad.sign().mul_(stepSize), -1);
      prev.copy_(grad);
    }
  }
}
