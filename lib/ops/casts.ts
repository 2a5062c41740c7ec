// casts.ts — `long()`: PyTorch's int64 cast, for a library whose integer dtype is int32.
// flintml has no int64 dtype (JavaScript has no cheap 64-bit integer, and every index kernel takes
// int32), so `long()` casts to int32 and refuses, with an OverflowError, values that int32 cannot
// hold, where PyTorch would have kept them: a silent wrap-around would be a wrong answer.
import { tooManyArgs } from '../args';
import { noGrad } from '../autograd';
import { isFloating } from '../dtype';
import { OverflowError } from '../errors';
import { scope, Tensor } from '../tensor';
import { amax, amin } from './reduce';
import { stack, to } from './views';

const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

/**
 * PyTorch's `long()`: a cast to int32, flintml's integer and index dtype. Floats are truncated
 * toward zero (as PyTorch casts); a value outside the int32 range, or NaN/±inf, throws
 * `OverflowError` (the check reads the range back to the host: a sync on a GPU).
 *
 * ```ts
 * fl.tensor([1.7, -2.5]).long().toArray();  // [1, -2] (int32)
 * fl.tensor([3e9]).long();                  // OverflowError
 * ```
 */
/** @internal (the method `x.long()` is the public form) */
export function long(x: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('long', 'input', arguments);
  if (isFloating(x.dtype) && x.numel > 0) {
    // both extremes in one read: one host-device sync, not two
    const [hi, lo] = noGrad(() => scope(() => stack([amax(x).to('float64'), amin(x).to('float64')]).dataSync()));
    if (!(Math.trunc(lo) >= INT32_MIN && Math.trunc(hi) <= INT32_MAX)) {
      const bad = Number.isNaN(hi) || Number.isNaN(lo) ? NaN : Math.trunc(lo) < INT32_MIN ? lo : hi;
      throw new OverflowError(`long: the value ${String(bad)} does not fit int32, flintml's integer dtype (there is no int64); values must lie in [${String(INT32_MIN)}, ${String(INT32_MAX)}]`);
    }
  }
  return to(x, 'int32');
}

declare module '../tensor' {
  interface Tensor {
    /** See {@link long}: int32, with an OverflowError where a value does not fit. */
    long(): Tensor;
  }
}

Tensor.prototype.long = function () { if (arguments.length > 0) tooManyArgs('long', '', arguments); return long(this); };
