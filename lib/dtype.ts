// dtype.ts — dtypes, their native codes (native/core/dtype.h), sizes, and PyTorch's type
// promotion (categories bool < integer < floating; dim tensors over 0-dim tensors over scalars).
import { describeArg, tooManyArgs } from './arity';
import { DTypeError } from './errors';

/** Element types. Index tensors are `int32`: JavaScript has no cheap int64. */
export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int32' | 'uint8' | 'bool';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8', 'bool'];
/** @internal */
export const DTYPE_CODE: Record<DType, number> = {
  float32: 0, float64: 1, float16: 2, bfloat16: 3, int32: 4, uint8: 5, bool: 6,
};
/** @internal */
export const ITEMSIZE: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int32: 4, uint8: 1, bool: 1,
};

/** What `dataSync()` returns for each dtype (16-bit floats are widened to Float32Array). */
export type DataFor<D extends DType> = D extends 'float64' ? Float64Array
  : D extends 'int32' ? Int32Array
  : D extends 'uint8' | 'bool' ? Uint8Array
  : Float32Array;
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** @internal The TypedArray used to upload values of this dtype (f16/bf16 upload as float32). */
export function hostArrayFor(dt: DType, n: number): TypedArray {
  switch (dt) {
    case 'float64': return new Float64Array(n);
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
/** @internal 0 bool, 1 integer, 2 floating */
export function category(dt: DType): number {
  return dt === 'bool' ? 0 : isFloating(dt) ? 2 : 1;
}

const FLOAT_RANK: Partial<Record<DType, number>> = { float16: 1, bfloat16: 1, float32: 2, float64: 3 };

/** The dtype both `a` and `b` can be represented in, as `torch.promote_types`. */
export function promoteTypes(a: DType, b: DType): DType {
  if (arguments.length > 2) tooManyArgs('promoteTypes', 'type1, type2', arguments);
  if (a === b) return a;
  const ca = category(a), cb = category(b);
  if (ca !== cb) return ca > cb ? a : b;
  if (ca === 1) return 'int32';  // uint8 with int32
  // both floating
  if ((a === 'float16' && b === 'bfloat16') || (a === 'bfloat16' && b === 'float16')) return 'float32';
  return FLOAT_RANK[a]! > FLOAT_RANK[b]! ? a : b;
}

/** An operand of `resultType`: a tensor (anything with a dtype and ndim) or a JS scalar. */
export type PromoteArg = { dtype: DType; ndim: number } | number | boolean;

/** @internal The dtype of a JS scalar: boolean → bool, integral number → int32, else float32. */
export function scalarDType(v: number | boolean): DType {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) && Math.abs(v) <= 2147483647 ? 'int32' : 'float32';
}

function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  if (isFloating(higher)) return higher;
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
