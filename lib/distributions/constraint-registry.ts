// constraint-registry.ts — torch.distributions.biject_to / transform_to as `bijectTo` and
// `transformTo`: registries from a constraint to a transform that maps the reals (unconstrained
// values) onto it, for optimizing constrained parameters (`bijectTo(d.support)`, HMC) and for
// variational families. As torch's, a constraint is looked up by its kind (its class in torch: the
// name before the parenthesis, `GreaterThan(lower_bound=0.0)` → GreaterThan), and `register` adds
// or replaces the factory of a kind. bijectTo's transforms are bijective; transformTo's need not be
// (simplex: SoftmaxTransform; lowerCholesky: LowerCholeskyTransform).
import { Tensor } from '../tensor';
import { describeArg, tooManyArgs } from '../arity';
import { sub } from '../ops';
import { ValueError } from '../errors';
import { NotImplementedError } from './distribution';
import type { Constraint } from './constraints';
import {
  AffineTransform, ComposeTransform, CorrCholeskyTransform, ExpTransform, IndependentTransform, LowerCholeskyTransform, SigmoidTransform,
  SoftmaxTransform, StickBreakingTransform, Transform,
} from './transforms';

/** A factory of the transform for one kind of constraint. */
export type ConstraintFactory = (constraint: Constraint) => Transform;

/**
 * A registry from constraints to transforms (torch's ConstraintRegistry): call it with a
 * constraint (`bijectTo(constraints.positive)`), extend it with `register`.
 */
export interface ConstraintRegistry {
  (constraint: Constraint): Transform;
  /** Adds (or replaces) the factory of a kind of constraint: a constraint (its kind) or a kind's name (`'GreaterThan'`). */
  register(constraint: Constraint | string, factory: ConstraintFactory): void;
}

const kindOf = (c: Constraint): string => c.name.split('(')[0];
const isConstraint = (c: unknown): c is Constraint => !!c && typeof (c as Partial<Constraint>).name === 'string' && typeof (c as Partial<Constraint>).check === 'function';

function makeRegistry(fnName: string): ConstraintRegistry {
  const table = new Map<string, ConstraintFactory>();
  const lookup = function (constraint: Constraint): Transform {
    if (arguments.length > 1) tooManyArgs(fnName, 'constraint', arguments);
    if (!isConstraint(constraint)) throw new ValueError(`${fnName}: constraint must be a constraint (fl.distributions.constraints.…), got ${describeArg(constraint)}`);
    const f = table.get(kindOf(constraint));
    if (!f) throw new NotImplementedError(`${fnName}: cannot transform ${kindOf(constraint)} constraints`);
    return f(constraint);
  } as ConstraintRegistry;
  lookup.register = function (constraint: Constraint | string, factory: ConstraintFactory): void {
    if (arguments.length > 2) tooManyArgs(`${fnName}.register`, 'constraint, factory', arguments);
    const kind = typeof constraint === 'string' ? constraint : isConstraint(constraint) ? kindOf(constraint) : null;
    if (kind === null) throw new ValueError(`${fnName}.register: constraint must be a constraint or the name of a kind, got ${describeArg(constraint)}`);
    if (typeof factory !== 'function') throw new ValueError(`${fnName}.register: factory must be a function, got ${describeArg(factory)}`);
    table.set(kind, factory);
  };
  return lookup;
}

/**
 * The bijective transform from the reals onto a constraint's set (torch.distributions.biject_to):
 * `bijectTo(constraints.positive)` is exp then an affine shift; `bijectTo(constraints.simplex)` stick breaking.
 * ```ts
 * const t = fl.distributions.bijectTo(d.support);
 * const x = t.call(unconstrained);
 * ```
 */
export const bijectTo: ConstraintRegistry = makeRegistry('bijectTo');
/**
 * A transform from the reals onto a constraint's set, not necessarily bijective
 * (torch.distributions.transform_to): `transformTo(constraints.simplex)` is a softmax.
 * ```ts
 * const probs = fl.distributions.transformTo(fl.distributions.constraints.simplex).call(logits);
 * ```
 */
export const transformTo: ConstraintRegistry = makeRegistry('transformTo');

const identity = (): Transform => new ComposeTransform([]);
for (const reg of [bijectTo, transformTo]) {
  reg.register('Real', identity);
  reg.register('IndependentConstraint', (c) => new IndependentTransform(reg(c.baseConstraint as Constraint), c.reinterpretedBatchNdims ?? 0));
  // greaterThan / greaterThanEq (positive, nonnegative): exp then lowerBound + x (torch's registry maps both to this)
  const lower = (c: Constraint): Transform => new ComposeTransform([new ExpTransform(), new AffineTransform(c.lowerBound as number, 1)]);
  reg.register('GreaterThan', lower);
  reg.register('GreaterThanEq', lower);
  reg.register('LessThan', (c) => new ComposeTransform([new ExpTransform(), new AffineTransform(c.upperBound as number, -1)]));
  const interval = (c: Constraint): Transform => {
    const lo = c.lowerBound as number | Tensor, hi = c.upperBound as number | Tensor;
    if (lo === 0 && hi === 1) return new SigmoidTransform();
    // tensor bounds (Uniform's support): the width is a new tensor the transform holds
    const width = typeof lo === 'number' && typeof hi === 'number' ? hi - lo : sub(hi, lo);
    return new ComposeTransform([new SigmoidTransform(), new AffineTransform(lo, width)]);
  };
  reg.register('Interval', interval);
  reg.register('HalfOpenInterval', interval);
}
bijectTo.register('Simplex', () => new StickBreakingTransform());
transformTo.register('Simplex', () => new SoftmaxTransform());
transformTo.register('LowerCholesky', () => new LowerCholeskyTransform());
bijectTo.register('CorrCholesky', () => new CorrCholeskyTransform());
transformTo.register('CorrCholesky', () => new CorrCholeskyTransform());
