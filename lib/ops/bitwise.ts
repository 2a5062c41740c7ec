// bitwise.ts — torch's integer and bit-level elementwise ops: bitwiseAnd / Or / Xor / Not, the
// shifts, gcd, lcm, and the float bit-level ops nextafter, ldexp and frexp; plus torch's top-level
// names of the incomplete gamma functions (igamma, igammac = fl.special.gammainc, gammaincc).
//
// Each native op is ONE row of the elementwise tables (native/core/elementwise.h: the CPU loop and
// the CUDA/HIP kernel; its entry, dtype check and in-place method live in elementwise.ts, which
// hands the functions over in BITWISE_ROWS / BITWISE_UNARY_ROWS); this file gives them their public
// names and documentation. ldexp is torch's composition (input · 2^other); frexp runs two rows (the
// mantissa and the exponent) and returns torch's named tuple.
//
// dtypes, as torch 1.13: the bitwise ops take integers and bool (bool is logical); the shifts, gcd
// and lcm integers only; nextafter float32/float64; frexp floating dtypes. Numbers promote as
// elsewhere (`fl.bitwiseAnd(x, 3)`), except where torch takes tensors only (gcd, lcm, nextafter,
// ldexp). None is differentiable except ldexp and frexp's mantissa (torch's gradients); nextafter's
// backward fails as torch's does.
//
// Shifts: a count below 0 or at least the width (32 for int32, 8 for uint8) gives 0 (<<) or the sign
// (>>), as torch >= 2.1 defines them; torch 1.13 left it to the CPU (x86 took counts mod 32), see
// bench/FIDELITY.md.
import { tooManyArgs } from '../args';
import { describeArg } from '../arity';
import { isFloating } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { namedTuple } from '../named-tuple';
import { fmt } from '../shape';
import { copyInto, scopeSync, Tensor, TensorLike } from '../tensor';
import { BITWISE_ROWS, BITWISE_UNARY_ROWS, checkInplace, mul, pow, SPECIAL_ONLY } from './elementwise';

const P = Tensor.prototype;
const R = BITWISE_ROWS;

/** `input & other` elementwise (integers and bool; logical for bool): `fl.bitwiseAnd(x, 0xff)` */
export function bitwiseAnd(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('bitwiseAnd', 'input, other', arguments);
  return R.bitwiseAnd(input, other);
}
/** `input | other` elementwise (integers and bool): `fl.bitwiseOr(x, 1)` */
export function bitwiseOr(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('bitwiseOr', 'input, other', arguments);
  return R.bitwiseOr(input, other);
}
/** `input ^ other` elementwise (integers and bool): `fl.bitwiseXor(a, b)` */
export function bitwiseXor(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('bitwiseXor', 'input, other', arguments);
  return R.bitwiseXor(input, other);
}
/** `~input` (integers; `!input` for bool): `fl.bitwiseNot(fl.tensor([0], { dtype: 'uint8' })) // [255]` */
export function bitwiseNot(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('bitwiseNot', 'input', arguments);
  return BITWISE_UNARY_ROWS.bitwiseNot(input);
}
/**
 * `input << other` elementwise (integers; wraps; a count < 0 or >= the width gives 0):
 * `fl.bitwiseLeftShift(x, 2)`
 */
export function bitwiseLeftShift(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('bitwiseLeftShift', 'input, other', arguments);
  return R.bitwiseLeftShift(input, other);
}
/**
 * `input >> other` elementwise, arithmetic for int32 (a count < 0 or >= the width gives the sign,
 * 0 or -1): `fl.bitwiseRightShift(x, 1)`
 */
export function bitwiseRightShift(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('bitwiseRightShift', 'input, other', arguments);
  return R.bitwiseRightShift(input, other);
}
/**
 * The greatest common divisor of integer tensors, non-negative (gcd(0, 0) = 0; gcd(INT_MIN, 0) wraps
 * to INT_MIN, as torch's): `fl.gcd(fl.tensor([12]), fl.tensor([-8])) // [4]`
 */
export function gcd(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('gcd', 'input, other', arguments);
  return R.gcd(input, other);
}
/** The least common multiple of integer tensors, non-negative (0 if either is 0; wraps): `fl.lcm(fl.tensor([4]), fl.tensor([6])) // [12]` */
export function lcm(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('lcm', 'input, other', arguments);
  return R.lcm(input, other);
}
/**
 * The next representable value after `input` towards `other` (float32 / float64 tensors):
 * `fl.nextafter(fl.tensor([1]), fl.tensor([2]))`
 */
export function nextafter(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('nextafter', 'input, other', arguments);
  return R.nextafter(input, other);
}

function needTensors(op: string, a: unknown, b: unknown): void {
  if (!(a instanceof Tensor)) throw new ValueError(`${op}: input must be a Tensor, got ${describeArg(a)}`);
  if (!(b instanceof Tensor)) throw new ValueError(`${op}: other must be a Tensor (as torch), got ${describeArg(b)}`);
}

/** 2^other as torch's pow(2.0, other): an integer or bool exponent computes in the default dtype. */
function pow2(other: Tensor): Tensor {
  return isFloating(other.dtype) ? pow(2, other) : scopeSync(() => pow(2, other.to(getDefaultDtype())));
}

/**
 * `input · 2^other`, as torch.ldexp (a float result; integers compute in the default dtype; differentiable in
 * both, by the composition): `fl.ldexp(fl.tensor([1]), fl.tensor([3])) // [8]`
 */
export function ldexp(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('ldexp', 'input, other', arguments);
  needTensors('ldexp', input, other);
  return scopeSync(() => {
    const r = mul(input, pow2(other));
    return isFloating(r.dtype) ? r : r.to(getDefaultDtype());
  });
}

/** torch.frexp's named tuple: `mantissa` (the input's dtype, |m| in [0.5, 1) or 0) and `exponent` (int32). */
export type FrexpResult = readonly [mantissa: Tensor, exponent: Tensor] & { readonly mantissa: Tensor; readonly exponent: Tensor };

/**
 * Splits a floating tensor into mantissa and exponent, `input = mantissa · 2^exponent`, as
 * torch.frexp (0, ±inf and NaN give (input, 0); the mantissa's gradient is g / 2^exponent):
 * `const { mantissa, exponent } = fl.frexp(x)`
 */
export function frexp(input: Tensor): FrexpResult {
  if (arguments.length > 1) tooManyArgs('frexp', 'input', arguments);
  if (!(input instanceof Tensor)) throw new ValueError(`frexp: input must be a Tensor, got ${describeArg(input)}`);
  const mantissa = BITWISE_UNARY_ROWS.frexpMantissa(input);
  let exponent: Tensor;
  try {
    exponent = scopeSync(() => BITWISE_UNARY_ROWS.frexpExponent(input).to('int32'));
  } catch (e) { mantissa.dispose(); throw e; }
  return namedTuple(['mantissa', 'exponent'], [mantissa, exponent]) as unknown as FrexpResult;
}

const { gammainc, gammaincc } = SPECIAL_ONLY;

/** The regularized lower incomplete gamma function P(a, x), torch.igamma (= `fl.special.gammainc`): `fl.igamma(a, x)` */
export function igamma(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('igamma', 'input, other', arguments);
  return gammainc(input, other);
}
/** The regularized upper incomplete gamma function Q(a, x), torch.igammac (= `fl.special.gammaincc`): `fl.igammac(a, x)` */
export function igammac(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('igammac', 'input, other', arguments);
  return gammaincc(input, other);
}

/** An in-place form written as its out-of-place op and a copy back (ldexp_, igamma_, igammac_): torch's shape and dtype rules. */
function inPlaceVia(self: Tensor, op: string, result: () => Tensor): Tensor {
  if (!(self instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor`);
  checkInplace(self, op);
  const r = result();
  try {
    if (r._shape.length !== self._shape.length || r._shape.some((s, i) => s !== self._shape[i])) {
      throw new ShapeError(`${op}: result shape ${fmt(r._shape)} does not match the in-place tensor's shape ${fmt(self._shape)}`);
    }
    if (isFloating(r.dtype) && !isFloating(self.dtype)) throw new DTypeError(`${op}: result type ${String(r.dtype)} can't be cast to the in-place tensor's dtype ${String(self.dtype)}`);
    copyInto(self, r, op);
  } finally { r.dispose(); }
  return self;
}

declare module '../tensor' {
  interface Tensor {
    // bitwiseNot() comes from the unary table's UnaryMethods
    /** See {@link bitwiseAnd}. */ bitwiseAnd(other: TensorLike): Tensor;
    /** See {@link bitwiseOr}. */ bitwiseOr(other: TensorLike): Tensor;
    /** See {@link bitwiseXor}. */ bitwiseXor(other: TensorLike): Tensor;
    /** See {@link bitwiseLeftShift}. */ bitwiseLeftShift(other: TensorLike): Tensor;
    /** See {@link bitwiseRightShift}. */ bitwiseRightShift(other: TensorLike): Tensor;
    /** See {@link gcd}. */ gcd(other: Tensor): Tensor;
    /** See {@link lcm}. */ lcm(other: Tensor): Tensor;
    /** See {@link nextafter}. */ nextafter(other: Tensor): Tensor;
    /** See {@link ldexp}. */ ldexp(other: Tensor): Tensor;
    /** See {@link frexp}. */ frexp(): FrexpResult;
    /** See {@link igamma}. */ igamma(other: Tensor): Tensor;
    /** See {@link igammac}. */ igammac(other: Tensor): Tensor;
    /** In place: `x.bitwiseAnd_(mask)` */ bitwiseAnd_(other: TensorLike): Tensor;
    /** In place. */ bitwiseOr_(other: TensorLike): Tensor;
    /** In place. */ bitwiseXor_(other: TensorLike): Tensor;
    /** In place. */ bitwiseNot_(): Tensor;
    /** In place. */ bitwiseLeftShift_(other: TensorLike): Tensor;
    /** In place. */ bitwiseRightShift_(other: TensorLike): Tensor;
    /** In place. */ gcd_(other: Tensor): Tensor;
    /** In place. */ lcm_(other: Tensor): Tensor;
    /** In place. */ nextafter_(other: Tensor): Tensor;
    /** In place: `x.ldexp_(e)` multiplies x by 2^e (x must be floating). */ ldexp_(other: Tensor): Tensor;
    /** In place. */ igamma_(other: Tensor): Tensor;
    /** In place. */ igammac_(other: Tensor): Tensor;
  }
}

// bitwiseAnd … nextafter and their in-place forms are installed by their elementwise table entries
P.ldexp = function (other) { if (arguments.length > 1) tooManyArgs('ldexp', 'other', arguments); return ldexp(this, other); };
P.frexp = function () { if (arguments.length > 0) tooManyArgs('frexp', '', arguments); return frexp(this); };
P.igamma = function (other) { if (arguments.length > 1) tooManyArgs('igamma', 'other', arguments); return igamma(this, other); };
P.igammac = function (other) { if (arguments.length > 1) tooManyArgs('igammac', 'other', arguments); return igammac(this, other); };
P.ldexp_ = function (other) {
  if (arguments.length > 1) tooManyArgs('ldexp_', 'other', arguments);
  needTensors('ldexp_', this, other);
  return inPlaceVia(this, 'ldexp_', () => mul(this, pow2(other)));
};
P.igamma_ = function (other) { if (arguments.length > 1) tooManyArgs('igamma_', 'other', arguments); return inPlaceVia(this, 'igamma_', () => gammainc(this, other)); };
P.igammac_ = function (other) { if (arguments.length > 1) tooManyArgs('igammac_', 'other', arguments); return inPlaceVia(this, 'igammac_', () => gammaincc(this, other)); };
