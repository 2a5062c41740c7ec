// dtype.ts — dtypes, their native codes (native/core/dtype.h), sizes, and PyTorch's type
// promotion (categories bool < integer < floating < complex; dim tensors over 0-dim tensors over
// scalars). complex64/complex128 are pairs of float32/float64 stored interleaved (re, im); no native
// kernel sees them (their code is -1): lib/ops/complex.ts computes on their real views.
import { describeArg, tooManyArgs } from './arity';
import { DTypeError } from './errors';
import { getDefaultDtype } from './defaults';

/**
 * Element types. Index tensors are `int32`: JavaScript has no cheap int64. `complex64` and
 * `complex128` hold pairs of float32 / float64 (real, imaginary), interleaved in memory.
 */
export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int32' | 'uint8' | 'bool' | 'complex64' | 'complex128';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8', 'bool', 'complex64', 'complex128'];
/** @internal The native dtype codes; -1: no kernel takes this dtype (complex: computed on real views). */
export const DTYPE_CODE: Record<DType, number> = {
  float32: 0, float64: 1, float16: 2, bfloat16: 3, int32: 4, uint8: 5, bool: 6, complex64: -1, complex128: -1,
};
/** @internal */
export const ITEMSIZE: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int32: 4, uint8: 1, bool: 1, complex64: 8, complex128: 16,
};

/** Whether `dt` is a complex dtype (`complex64`, `complex128`), as `dtype.is_complex`. */
export function isComplexDType(dt: DType): boolean { return dt === 'complex64' || dt === 'complex128'; }
/** @internal The dtype of a complex dtype's parts (complex64 → float32, complex128 → float64); other dtypes are their own. */
export function componentDType(dt: DType): DType { return dt === 'complex64' ? 'float32' : dt === 'complex128' ? 'float64' : dt; }
/** @internal The complex dtype whose parts are `dt` (float64 → complex128, any other → complex64), as torch's. */
export function complexDTypeFor(dt: DType): DType { return dt === 'float64' || dt === 'complex128' ? 'complex128' : 'complex64'; }

/**
 * What `dataSync()` returns for each dtype (16-bit floats are widened to Float32Array; complex
 * tensors give their parts interleaved, re0, im0, re1, im1, …, so twice numel values).
 */
export type DataFor<D extends DType> = D extends 'float64' | 'complex128' ? Float64Array
  : D extends 'int32' ? Int32Array
  : D extends 'uint8' | 'bool' ? Uint8Array
  : Float32Array;
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** @internal The TypedArray used to upload values of this dtype (f16/bf16 upload as float32). */
export function hostArrayFor(dt: DType, n: number): TypedArray {
  switch (dt) {
    case 'float64': case 'complex128': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    default: return new Float32Array(n);
  }
}

export function isFloating(dt: DType): boolean {
  if (arguments.length > 1) tooManyArgs('isFloating', 'dtype', arguments);
  return dt === 'float32' || dt === 'float64' || dt === 'float16' || dt === 'bfloat16';
}
export function isIntegral(dt: DType, includeBool = false): boolean {
  return dt === 'int32' || dt === 'uint8' || (includeBool && dt === 'bool');
}
/** @internal 0 bool, 1 integer, 2 floating, 3 complex */
export function category(dt: DType): number {
  return dt === 'bool' ? 0 : isFloating(dt) ? 2 : isComplexDType(dt) ? 3 : 1;
}

const FLOAT_RANK: Partial<Record<DType, number>> = { float16: 1, bfloat16: 1, float32: 2, float64: 3 };

/** The dtype both `a` and `b` can be represented in, as `torch.promote_types`. */
export function promoteTypes(a: DType, b: DType): DType {
  if (arguments.length > 2) tooManyArgs('promoteTypes', 'type1, type2', arguments);
  if (a === b) return a;
  const ca = category(a), cb = category(b);
  // complex with anything: the complex dtype wide enough for both (float64 + complex64 → complex128)
  if (ca === 3 || cb === 3) return a === 'complex128' || b === 'complex128' || a === 'float64' || b === 'float64' ? 'complex128' : 'complex64';
  if (ca !== cb) return ca > cb ? a : b;
  if (ca === 1) return 'int32';  // uint8 with int32
  // both floating
  if ((a === 'float16' && b === 'bfloat16') || (a === 'bfloat16' && b === 'float16')) return 'float32';
  return FLOAT_RANK[a]! > FLOAT_RANK[b]! ? a : b;
}

/** An operand of `resultType`: a tensor (anything with a dtype and ndim) or a JS scalar. */
export type PromoteArg = { dtype: DType; ndim: number } | number | boolean;

/** @internal The dtype of a JS scalar: boolean → bool, integral number → int32, else the default dtype (a Python float's). */
export function scalarDType(v: number | boolean): DType {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) && Math.abs(v) <= 2147483647 ? 'int32' : getDefaultDtype();
}

function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  // a complex operand of a lower priority makes a real one complex, of the higher's width (torch:
  // float64 tensor + complex64 0-dim → complex128; float32 tensor + complex128 0-dim → complex64)
  if (isComplexDType(lower) && !isComplexDType(higher)) return higher === 'float64' ? 'complex128' : isFloating(higher) ? complexDTypeFor(higher) : lower;
  if (isFloating(higher) || isComplexDType(higher)) return higher;
  if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

/** The result dtype of an op over these operands, as `torch.result_type`. */
export function resultType(...args: PromoteArg[]): DType {
  let dim: DType | null = null, zero: DType | null = null, wrapped: DType | null = null;
  for (const a of args) {
    if (typeof a === 'number' || typeof a === 'boolean') {
      const d = scalarDType(a);
      wrapped = wrapped === null ? d : promoteTypes(wrapped, d);
    } else if (a === null || typeof a !== 'object' || typeof a.ndim !== 'number' || typeof a.dtype !== 'string') {
      throw new DTypeError(`resultType: expected tensors and numbers, got ${describeArg(a)}`);
    } else if (a.ndim === 0) {
      zero = zero === null ? a.dtype : promoteTypes(zero, a.dtype);
    } else {
      dim = dim === null ? a.dtype : promoteTypes(dim, a.dtype);
    }
  }
  const r = combine(dim, combine(zero, wrapped));
  if (r === null) throw new DTypeError('resultType: no operands');
  return r;
}

/** @internal */
export function checkDType(dt: unknown, op: string): DType {
  if (typeof dt === 'string' && (DTYPES as readonly string[]).includes(dt)) return dt as DType;
  const hint = dt === 'int64' || dt === 'long' ? "; flintml has no int64: integer and index tensors are int32 ('int32', or x.long(), which checks the range)" : '';
  throw new DTypeError(`${String(op)}: unknown dtype ${describeArg(dt)} (expected one of ${DTYPES.join(', ')})${hint}`);
}
