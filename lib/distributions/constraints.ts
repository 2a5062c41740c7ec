// constraints.ts — torch.distributions.constraints: the sets a distribution's parameters and
// samples live in. A constraint has a name (torch's repr) and `check(value)`, a bool tensor that
// is true where the value is in the set (reduced over the event dims of the constraint).
import { Tensor, scopeSync } from '../tensor';
import { describeArg, tooManyArgs } from '../arity';
import { ValueError } from '../errors';
import { abs, all, diagonal, eq, floor, full, ge, gt, isnan, le, logicalAnd, logicalNot, logicalOr, lt, mul, sqrt, sub, sum, tril, transpose, linalg } from '../ops';

/** A set of values (torch.distributions.constraints.Constraint): `d.support.check(x)`. */
export interface Constraint {
  /** torch's repr of the set: `'GreaterThan(lowerBound=0)'`, `'Simplex()'`, … */
  readonly name: string;
  /** Whether the set is discrete (torch's is_discrete). */
  readonly isDiscrete: boolean;
  /** The number of rightmost dims that form one event (torch's event_dim). */
  readonly eventDim: number;
  /** A bool tensor, true where `value` lies in the set (the event dims reduced away). */
  check(value: Tensor): Tensor;
  /** The lower bound of the bounded sets (greaterThan, interval, …; torch's lower_bound). */
  readonly lowerBound?: number | Tensor;
  /** The upper bound of the bounded sets (lessThan, interval, …; torch's upper_bound). */
  readonly upperBound?: number | Tensor;
  /** The constraint an `independent(...)` one wraps (torch's base_constraint). */
  readonly baseConstraint?: Constraint;
  /** The dims an `independent(...)` one adds to its base's event (torch's reinterpreted_batch_ndims). */
  readonly reinterpretedBatchNdims?: number;
}

function make(name: string, check: (v: Tensor) => Tensor, isDiscrete = false, eventDim = 0, extra: Partial<Constraint> = {}): Constraint {
  return Object.freeze({
    ...extra, name, isDiscrete, eventDim,
    check(value: Tensor): Tensor {
      if (arguments.length > 1) tooManyArgs(`${name}.check`, 'value', arguments);
      if (!(value instanceof Tensor)) throw new ValueError(`${name}.check: value must be a Tensor, got ${describeArg(value)}`);
      return scopeSync(() => check(value));
    },
  });
}
const num = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));
function checkBound(v: unknown, fn: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`constraints.${fn}: the bound must be a number, got ${describeArg(v)}`);
  return v;
}
const isInt = (v: Tensor): Tensor => eq(floor(v), v);

/** All real numbers (NaN excluded, ±inf included, as torch's `real`): `constraints.real.check(x)` */
export const real = make('Real()', (v) => logicalNot(isnan(v)));
/** Real vectors: an event of one dim. */
export const realVector = make('IndependentConstraint(Real(), 1)', (v) => all(logicalNot(isnan(v)), -1), false, 1, { baseConstraint: real, reinterpretedBatchNdims: 1 });
/** x > 0 */
export const positive = make('GreaterThan(lower_bound=0.0)', (v) => gt(v, 0), false, 0, { lowerBound: 0 });
/** x ≥ 0 */
export const nonnegative = make('GreaterThanEq(lower_bound=0.0)', (v) => ge(v, 0), false, 0, { lowerBound: 0 });
/** 0 ≤ x ≤ 1 */
export const unitInterval = make('Interval(lower_bound=0.0, upper_bound=1.0)', (v) => logicalAnd(ge(v, 0), le(v, 1)), false, 0, { lowerBound: 0, upperBound: 1 });
/** 0 or 1 */
export const boolean = make('Boolean()', (v) => logicalAnd(logicalAnd(ge(v, 0), le(v, 1)), isInt(v)), true);
/** 0, 1, 2, … */
export const nonnegativeInteger = make('IntegerGreaterThan(lower_bound=0)', (v) => logicalAnd(ge(v, 0), isInt(v)), true);
/** 1, 2, 3, … */
export const positiveInteger = make('IntegerGreaterThan(lower_bound=1)', (v) => logicalAnd(ge(v, 1), isInt(v)), true);
/** Vectors of non-negative entries that sum to 1 (within 1e-6, as torch's Simplex). */
export const simplex = make('Simplex()', (v) => logicalAnd(all(ge(v, 0), -1), lt(abs(sub(sum(v, -1), 1)), 1e-6)), false, 1);
/** Vectors of 0s and one 1. */
export const oneHot = make('OneHot()', (v) => logicalAnd(all(logicalOr(eq(v, 0), eq(v, 1)), -1), eq(sum(v, -1), 1)), true, 1);
/** Lower-triangular matrices with a positive diagonal. */
export const lowerCholesky = make('LowerCholesky()', (v) => logicalAnd(
  all(all(eq(tril(v), v), -1), -1),
  all(gt(diagonal(v, 0, -2, -1), 0), -1),
), false, 2);
/** Symmetric positive-definite matrices. */
export const positiveDefinite = make('PositiveDefinite()', (v) => {
  const sym = all(all(le(abs(sub(v, transpose(v, -2, -1))), 1e-6), -1), -1);
  const [, info] = linalg.choleskyEx(v);
  return logicalAnd(sym, eq(info, 0));
}, false, 2);

/** lowerBound < x: `constraints.greaterThan(1).check(x)` */
export function greaterThan(lowerBound: number): Constraint {
  if (arguments.length > 1) tooManyArgs('constraints.greaterThan', 'lowerBound', arguments);
  const lo = checkBound(lowerBound, 'greaterThan');
  return make(`GreaterThan(lower_bound=${num(lo)})`, (v) => gt(v, lo), false, 0, { lowerBound: lo });
}
/** lowerBound ≤ x: `constraints.greaterThanEq(0).check(x)` */
export function greaterThanEq(lowerBound: number): Constraint {
  if (arguments.length > 1) tooManyArgs('constraints.greaterThanEq', 'lowerBound', arguments);
  const lo = checkBound(lowerBound, 'greaterThanEq');
  return make(`GreaterThanEq(lower_bound=${num(lo)})`, (v) => ge(v, lo), false, 0, { lowerBound: lo });
}
/** lowerBound ≤ x ≤ upperBound: `constraints.interval(0, 1).check(p)` */
export function interval(lowerBound: number, upperBound: number): Constraint {
  if (arguments.length > 2) tooManyArgs('constraints.interval', 'lowerBound, upperBound', arguments);
  const lo = checkBound(lowerBound, 'interval'), hi = checkBound(upperBound, 'interval');
  return make(`Interval(lower_bound=${num(lo)}, upper_bound=${num(hi)})`, (v) => logicalAnd(ge(v, lo), le(v, hi)), false, 0, { lowerBound: lo, upperBound: hi });
}
/** lowerBound ≤ x < upperBound: `constraints.halfOpenInterval(0, 1).check(u)` */
export function halfOpenInterval(lowerBound: number, upperBound: number): Constraint {
  if (arguments.length > 2) tooManyArgs('constraints.halfOpenInterval', 'lowerBound, upperBound', arguments);
  const lo = checkBound(lowerBound, 'halfOpenInterval'), hi = checkBound(upperBound, 'halfOpenInterval');
  return make(`HalfOpenInterval(lower_bound=${num(lo)}, upper_bound=${num(hi)})`, (v) => logicalAnd(ge(v, lo), lt(v, hi)), false, 0, { lowerBound: lo, upperBound: hi });
}
/** The integers lowerBound … upperBound: `constraints.integerInterval(0, 9).check(k)` */
export function integerInterval(lowerBound: number, upperBound: number): Constraint {
  if (arguments.length > 2) tooManyArgs('constraints.integerInterval', 'lowerBound, upperBound', arguments);
  const lo = checkBound(lowerBound, 'integerInterval'), hi = checkBound(upperBound, 'integerInterval');
  return make(`IntegerInterval(lower_bound=${lo}, upper_bound=${hi})`, (v) => logicalAnd(logicalAnd(ge(v, lo), le(v, hi)), isInt(v)), true, 0, { lowerBound: lo, upperBound: hi });
}
/** @internal Per-element bounds (a tensor, e.g. Uniform's low/high or Binomial's totalCount). */
export function tensorInterval(name: string, lo: Tensor | number, hi: Tensor | number, integer = false, open = false): Constraint {
  return make(name, (v) => {
    let ok = logicalAnd(ge(v, lo), open ? lt(v, hi) : le(v, hi));
    if (integer) ok = logicalAnd(ok, isInt(v));
    return ok;
  }, integer, 0, { lowerBound: lo, upperBound: hi });
}
/** `base` over events of `reinterpretedBatchNdims` more dims (torch's constraints.independent): `constraints.independent(constraints.positive, 1).check(x)` */
export function independent(base: Constraint, reinterpretedBatchNdims: number): Constraint {
  if (arguments.length > 2) tooManyArgs('constraints.independent', 'base, reinterpretedBatchNdims', arguments);
  if (!base || typeof (base as Partial<Constraint>).check !== 'function') throw new ValueError(`constraints.independent: base must be a constraint, got ${describeArg(base)}`);
  if (typeof reinterpretedBatchNdims !== 'number' || !Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0) {
    throw new ValueError(`constraints.independent: reinterpretedBatchNdims must be a non-negative integer, got ${describeArg(reinterpretedBatchNdims)}`);
  }
  const n = reinterpretedBatchNdims;
  const baseName: unknown = base.name;
  if (typeof baseName !== 'string') throw new ValueError(`constraints.independent: base must be a constraint (with a name), got ${describeArg(base)}`);
  return make(`IndependentConstraint(${baseName}, ${n})`, (v) => {
    let r = base.check(v);
    for (let i = 0; i < n; i++) r = all(r, -1);
    return r;
  }, base.isDiscrete, base.eventDim + n, { baseConstraint: base, reinterpretedBatchNdims: n });
}
/** x < upperBound: `constraints.lessThan(0).check(x)` */
export function lessThan(upperBound: number): Constraint {
  if (arguments.length > 1) tooManyArgs('constraints.lessThan', 'upperBound', arguments);
  const hi = checkBound(upperBound, 'lessThan');
  return make(`LessThan(upper_bound=${num(hi)})`, (v) => lt(v, hi), false, 0, { upperBound: hi });
}
/** Lower-triangular matrices (torch's lower_triangular). */
export const lowerTriangular = make('LowerTriangular()', (v) => all(all(eq(tril(v), v), -1), -1), false, 2);
/** Square matrices (torch's square): true for each matrix of a batch whose last two dims agree. */
export const square = make('Square()', (v) => {
  const n = v.shape.length;
  const ok = n >= 2 && v.shape[n - 1] === v.shape[n - 2];
  return full(v.shape.slice(0, Math.max(0, n - 2)), ok ? 1 : 0, { dtype: 'bool', device: v.device });
}, false, 2);
/** Symmetric matrices (within 1e-6, torch's symmetric). */
export const symmetric = make('Symmetric()', (v) => all(all(le(abs(sub(v, transpose(v, -2, -1))), 1e-6), -1), -1), false, 2);
/** Lower Cholesky factors of correlation matrices: a positive diagonal and rows of unit norm (within 10·n·eps, torch's corr_cholesky). */
export const corrCholesky = make('CorrCholesky()', (v) => {
  const n = v.shape[v.ndim - 1];
  const eps = v.dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-07;
  const rowNorm = sqrt(sum(mul(v, v), -1));
  const unit = all(le(abs(sub(rowNorm, 1)), eps * n * 10), -1);
  return logicalAnd(lowerCholesky.check(v), unit);
}, false, 2);
/** Symmetric positive semi-definite matrices (torch's positive_semidefinite: eigenvalues ≥ 0). */
export const positiveSemidefinite = make('PositiveSemidefinite()', (v) => {
  const sym = all(all(le(abs(sub(v, transpose(v, -2, -1))), 1e-6), -1), -1);
  return logicalAnd(sym, all(ge(linalg.eigvalsh(v), 0), -1));
}, false, 2);
