// checks.ts — the argument checks nn's functionals share (re-exported by functional.ts). A module of
// its own so that the files functional.ts re-exports (init-gumbel.ts, functional-inplace.ts) can use
// them without importing functional.ts back (test/imports.test.ts: no import cycles).
import { isFloating } from '../dtype';
import { DTypeError, ValueError } from '../errors';
import { Tensor } from '../tensor';

/** @internal Checks that `x` is a live Tensor. */
export function needTensor(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  x._handleFor(op);
  return x;
}

/** @internal Checks that `x` has a floating dtype. */
export function needFloating(x: Tensor, op: string, what = 'input'): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: ${what} must be floating (float32, float64, float16, bfloat16), got ${x.dtype}`);
}
