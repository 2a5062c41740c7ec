// misc3.ts — the second round of the API-gap survey (torch 1.13's names a PyTorch user still did
// not find): torch's dtype names and math constants (fl.float32, fl.long is absent: no int64; fl.pi,
// fl.inf), Tensor.detach_ and retainsGrad, the in-place view methods (unsqueeze_, squeeze_,
// transpose_, t_, swapaxes_, swapdims_), the in-place forms of the unary, comparison, logical and
// binary ops and of addmm/addmv/addr/baddbmm/addbmm/cumsum/cumprod, the small predicates (isNeg,
// isInference, isSparse, …), splitWithSizes, put / put_, cfloat/cdouble, and
// torch.set_float32_matmul_precision.
// Every op is a composition of flintml's own ops, so it runs on each device those run on; the
// in-place ones write back through misc.ts's writeBack (the same checks as every in-place op).
//
// Decisions (torch 1.13 is the reference; each is tested in test/ops-misc3.test.ts):
// - In-place ops on a tensor that requires grad are refused while grad is enabled (DESIGN §8: flintml
//   does not rebase history); that includes the in-place view methods, which torch allows on a
//   non-leaf. Those bump the storage version, as torch's do.
// - detach_: the tensor leaves the graph (no gradFn, requiresGrad false); its node loses this
//   output's reference, as when the tensor is disposed. torch refuses detach_ on a view of a graph
//   tensor; flintml does not track which tensors are views, so it detaches any tensor.
// - isInference is always false (flintml has no inference tensors: see misc2.ts's inferenceMode);
//   isNeg is always false and resolveNeg returns the tensor itself (no lazy negation bit); isSparse,
//   isQuantized and isMeta are false (no such layouts or devices).
// - setFloat32MatmulPrecision drives backends.matmul.allowTF32 ('highest' off; 'high' and 'medium' on,
//   as torch 1.13's CUDA switch); an unknown name is a ValueError (torch warns and ignores it).
import { describeArg } from '../arity';
import * as A from '../args';
import { optional, required, signature, tooManyArgs } from '../args';
import type { ArgsThenOptions } from '../args';
import { backends } from '../backend';
import type { DType } from '../dtype';
import { isComplexDType } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { fmt, normDim } from '../shape';
import { Tensor } from '../tensor';
import { checkInplace } from './elementwise';
import { choleskyInverse, choleskySolve } from './linalg';
import { writeBack } from './misc';
import { indexPut } from './indexing';
import { reshape, split } from './views';

const P = Tensor.prototype;
type Method = (...a: unknown[]) => Tensor;
const method = (t: Tensor, name: string): Method => {
  const f = (t as unknown as Record<string, Method>)[name];
  return f.bind(t);
};

function need(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._storageHandle(op);   // disposal only: what misc3 computes goes through ops that guard their dtypes
  return x;
}

// ---- torch's dtype names and constants -----------------------------------------------------------------

/** `torch.float32`: the dtype name, for porting (`{ dtype: fl.float32 }`). */
export const float32 = 'float32' satisfies DType;
/** `torch.float64`: `fl.zeros(2, { dtype: fl.float64 })`. */
export const float64 = 'float64' satisfies DType;
/** `torch.float16`: `x.to(fl.float16)`. */
export const float16 = 'float16' satisfies DType;
/** `torch.bfloat16`: `x.to(fl.bfloat16)`. */
export const bfloat16 = 'bfloat16' satisfies DType;
/** `torch.int32` (flintml's index dtype; it has no int64): `fl.arange(5, { dtype: fl.int32 })`. */
export const int32 = 'int32' satisfies DType;
/** `torch.uint8`: `x.to(fl.uint8)`. */
export const uint8 = 'uint8' satisfies DType;
/** `torch.bool`: `fl.zeros(3, { dtype: fl.bool })`. */
export const bool = 'bool' satisfies DType;
/** `torch.complex64`: `x.to(fl.complex64)`. */
export const complex64 = 'complex64' satisfies DType;
/** `torch.complex128`: `x.to(fl.complex128)`. */
export const complex128 = 'complex128' satisfies DType;
/** `torch.float` (float32): `x.to(fl.float)`. */
export const float = 'float32' satisfies DType;
/** `torch.double` (float64): `x.to(fl.double)`. */
export const double = 'float64' satisfies DType;
/** `torch.half` (float16): `x.to(fl.half)`. */
export const half = 'float16' satisfies DType;
/** `torch.int` (int32): `x.to(fl.int)`. */
export const int = 'int32' satisfies DType;
/** `torch.cfloat` (complex64): `x.to(fl.cfloat)`. */
export const cfloat = 'complex64' satisfies DType;
/** `torch.cdouble` (complex128): `x.to(fl.cdouble)`. */
export const cdouble = 'complex128' satisfies DType;
/** `torch.pi`: `fl.pi === Math.PI`. */
export const pi = Math.PI;
/** `torch.e`: `fl.e === Math.E`. */
export const e = Math.E;
/** `torch.inf`: `x.maskedFill(mask, -fl.inf)`. */
export const inf = Infinity;
/** `torch.nan`: `fl.full([2], fl.nan)`. */
export const nan = NaN;

// ---- predicates and small functions -------------------------------------------------------------------

/**
 * A tensor that shares `input`'s storage and is out of the graph, as `torch.detach`.
 * ```ts
 * const y = fl.detach(x.mul(2));   // y.requiresGrad === false
 * ```
 */
export function detach(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('detach', 'input', arguments);
  return need(input, 'detach').detach();
}
/**
 * Whether the tensor's conjugate bit is set, as `torch.is_conj`: always false (flintml conjugates
 * eagerly).
 * ```ts
 * fl.isConj(fl.conj(z));   // false
 * ```
 */
export function isConj(input: Tensor): boolean {
  if (arguments.length > 1) tooManyArgs('isConj', 'input', arguments);
  return need(input, 'isConj').isConj();
}
/**
 * Whether the tensor's negative bit is set, as `torch.is_neg`: always false (flintml has no lazy
 * negation).
 * ```ts
 * fl.isNeg(x);   // false
 * ```
 */
export function isNeg(input: Tensor): boolean {
  if (arguments.length > 1) tooManyArgs('isNeg', 'input', arguments);
  need(input, 'isNeg');
  return false;
}
/**
 * The tensor with its negative bit resolved, as `torch.resolve_neg`: the tensor itself (no lazy
 * negation in flintml).
 * ```ts
 * fl.resolveNeg(x) === x;   // true
 * ```
 */
export function resolveNeg(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('resolveNeg', 'input', arguments);
  return need(input, 'resolveNeg');
}
/**
 * Whether the tensor is an inference tensor, as `torch.is_inference`: always false (flintml's
 * inferenceMode records no graph but makes ordinary tensors).
 * ```ts
 * fl.isInference(fl.inferenceMode(() => fl.ones(2)));   // false
 * ```
 */
export function isInference(input: Tensor): boolean {
  if (arguments.length > 1) tooManyArgs('isInference', 'input', arguments);
  need(input, 'isInference');
  return false;
}
/**
 * Whether the dtype is signed, as `torch.is_signed` (floating, complex and int32: true; uint8 and
 * bool: false).
 * ```ts
 * fl.isSigned(fl.ones(2, { dtype: 'uint8' }));   // false
 * ```
 */
export function isSigned(input: Tensor): boolean {
  if (arguments.length > 1) tooManyArgs('isSigned', 'input', arguments);
  return need(input, 'isSigned').isSigned();
}

const SPLIT_WITH_SIZES = signature('splitWithSizes', ['input', 'splitSizes', 'dim'], {
  input: required(A.tensor), splitSizes: required(A.anyValue<readonly number[]>()), dim: optional(A.int(), 0),
});
/**
 * Splits along `dim` into pieces of the given sizes (they must add up to the dim's size), as
 * `torch.split_with_sizes`; the pieces are views. `dim` may be given as a keyword.
 * ```ts
 * const [a, b] = fl.splitWithSizes(fl.arange(5), [2, 3]);
 * const [c, d] = x.splitWithSizes([1, 2], { dim: 1 });
 * ```
 */
export function splitWithSizes(input: Tensor, splitSizes: readonly number[], ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[];
export function splitWithSizes(...args: unknown[]): Tensor[] {
  const op = 'splitWithSizes';
  const o = SPLIT_WITH_SIZES.parse(args);
  const x = need(o.input, op);
  const sizes: unknown = o.splitSizes;
  if (!Array.isArray(sizes) || sizes.some((v: unknown) => !Number.isInteger(v) || (v as number) < 0)) {
    throw new ValueError(`${op}: splitSizes must be an array of non-negative integers, got ${describeArg(sizes)}`);
  }
  const splitSizes = sizes as number[];
  const d = normDim(o.dim, x._shape.length, op);
  const total = splitSizes.reduce((a, b) => a + b, 0);
  if (total !== x._shape[d]) {
    throw new ShapeError(`${op}: split sizes ${fmt(splitSizes)} add up to ${total}, not to the size ${x._shape[d]} of dim ${o.dim} of shape ${fmt(x._shape)}`);
  }
  return split(x, splitSizes, d);
}

// ---- put -----------------------------------------------------------------------------------------------

/** Options of put (torch's `accumulate` keyword). */
export interface PutOptions { accumulate?: boolean }
const PUT = signature('put', ['input', 'index', 'source', 'accumulate'], {
  input: required(A.tensor), index: required(A.tensor), source: required(A.tensor), accumulate: optional(A.bool, false),
});
/** torch's put_ checks: an int32 index, a source of self's dtype with as many elements as the index. */
function putChecks(x: Tensor, index: Tensor, source: Tensor, op: string): void {
  need(index, op, 'index'); need(source, op, 'source');
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: expected an int32 index tensor (torch's long), got ${index.dtype}`);
  if (source.dtype !== x.dtype) throw new DTypeError(`${op}: self and source expected to have the same dtype, got ${x.dtype} and ${source.dtype}`);
  if (index.numel !== source.numel) {
    throw new ShapeError(`${op}: index (shape ${fmt(index._shape)}) and source (shape ${fmt(source._shape)}) must have the same number of elements`);
  }
}
/** put: indexPut on the flattened input, reshaped back (differentiable in input and source through indexPut). */
function putOf(x: Tensor, index: Tensor, source: Tensor, accumulate: boolean, op: string): Tensor {
  putChecks(x, index, source, op);
  const flat = reshape(x, [-1]), idx = reshape(index, [-1]), src = reshape(source, [-1]);
  try {
    const out = indexPut(flat, [idx], src, accumulate);
    try { return reshape(out, x._shape); } finally { out.dispose(); }
  } finally { flat.dispose(); idx.dispose(); src.dispose(); }
}
/**
 * `input` with `source`'s elements written at the flat (row-major) positions `index`, as
 * `torch.put`; `accumulate` adds instead (repeated positions sum). Index and source have the same
 * number of elements (any shapes), the index is int32 (negative counts from the end), the source
 * has input's dtype. Differentiable in input and source.
 * ```ts
 * fl.put(fl.zeros(2, 3), fl.tensor([0, -1], { dtype: 'int32' }), fl.tensor([1, 2]));   // [[1, 0, 0], [0, 0, 2]]
 * ```
 */
export function put(input: Tensor, index: Tensor, source: Tensor, ...args: ArgsThenOptions<[accumulate: boolean], PutOptions>): Tensor;
export function put(...args: unknown[]): Tensor {
  const o = PUT.parse(args);
  return putOf(need(o.input, 'put'), o.index, o.source, o.accumulate, 'put');
}

// ---- torch.set_float32_matmul_precision -----------------------------------------------------------------

/** The float32 matmul precisions torch names. */
export type Float32MatmulPrecision = 'highest' | 'high' | 'medium';
let matmulPrecision: Float32MatmulPrecision = 'high';
/**
 * Sets how float32 matmuls may round, as `torch.set_float32_matmul_precision`: 'highest' keeps full
 * float32; 'high' and 'medium' let NVIDIA GPUs use TF32 tensor cores (the same switch as
 * `fl.backends.matmul.allowTF32`, which torch 1.13's CUDA path follows). The CPU always computes
 * in float32.
 * ```ts
 * fl.setFloat32MatmulPrecision('high');
 * ```
 */
export function setFloat32MatmulPrecision(precision: Float32MatmulPrecision): void {
  if (arguments.length > 1) tooManyArgs('setFloat32MatmulPrecision', 'precision', arguments);
  if (precision !== 'highest' && precision !== 'high' && precision !== 'medium') {
    throw new ValueError(`setFloat32MatmulPrecision: precision must be 'highest', 'high' or 'medium', got ${describeArg(precision)}`);
  }
  backends.matmul.allowTF32 = precision !== 'highest';
  if (precision !== 'highest') matmulPrecision = precision;
}
/**
 * The float32 matmul precision, as `torch.get_float32_matmul_precision`: 'highest' while TF32 is off
 * (`fl.backends.matmul.allowTF32`), else the last precision set ('high' by default).
 * ```ts
 * fl.getFloat32MatmulPrecision();   // 'highest'
 * ```
 */
export function getFloat32MatmulPrecision(): Float32MatmulPrecision {
  if (arguments.length > 0) tooManyArgs('getFloat32MatmulPrecision', '', arguments);
  return backends.matmul.allowTF32 ? matmulPrecision : 'highest';
}

// ---- Tensor methods --------------------------------------------------------------------------------------

/** The unary ops whose in-place form torch has and flintml lacked: method name -> its parameters. */
const UNARY_INPLACE = [
  'acos', 'asin', 'atan', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'log10', 'log1p', 'log2', 'rsqrt', 'square', 'sign', 'sgn',
  'trunc', 'frac', 'erf', 'expm1', 'exp2', 'sinc', 'deg2rad', 'rad2deg', 'logicalNot',
] as const;
/** The binary ops (self, other) whose in-place form torch has and flintml lacked. */
const BINARY_INPLACE = [
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'greater', 'greaterEqual', 'less', 'lessEqual', 'notEqual',
  'logicalAnd', 'logicalOr', 'logicalXor', 'remainder', 'atan2', 'hypot', 'copysign', 'floorDivide', 'trueDivide',
  'xlogy', 'heaviside',
] as const;
/** The matmul-and-add ops (self, a, b, { beta, alpha }). */
const ADDMM_INPLACE = ['addmm', 'addmv', 'addr', 'baddbmm', 'addbmm'] as const;

type UnaryInplace = `${typeof UNARY_INPLACE[number]}_`;
type BinaryInplace = `${typeof BINARY_INPLACE[number]}_`;
type AddmmInplace = `${typeof ADDMM_INPLACE[number]}_`;

declare module '../tensor' {
  interface Tensor {
    /**
     * Takes this tensor out of the graph in place, as torch's `detach_`: it keeps its values and
     * storage, loses its gradFn and no longer requires grad. Returns this.
     * ```ts
     * const h = rnn.forward(x).detach_();   // truncated backprop through time
     * ```
     */
    detach_(): Tensor;
    /** Whether `retainGrad()` was called on this tensor, as torch's `retains_grad`: `y.retainsGrad`. */
    readonly retainsGrad: boolean;
    /** In place `unsqueeze`: this tensor's view gains a size-1 dim, as torch's `unsqueeze_`: `x.unsqueeze_(0)`. */
    unsqueeze_(dim: number): Tensor;
    /** In place `squeeze`: drops size-1 dims (all, or `dim`'s), as torch's `squeeze_`: `x.squeeze_()`. */
    squeeze_(dim?: number | readonly number[]): Tensor;
    /** In place `transpose`: swaps two dims of this tensor's view, as torch's `transpose_`: `x.transpose_(0, 1)`. */
    transpose_(dim0: number, dim1: number): Tensor;
    /** In place `t`: transposes a matrix (0-D and 1-D stay), as torch's `t_`: `m.t_()`. */
    t_(): Tensor;
    /** torch's `swapaxes_` (the alias of {@link Tensor.transpose_}): `x.swapaxes_(0, 1)`. */
    swapaxes_(axis0: number, axis1: number): Tensor;
    /** torch's `swapdims_` (the alias of {@link Tensor.transpose_}): `x.swapdims_(0, 1)`. */
    swapdims_(dim0: number, dim1: number): Tensor;
    /** In place `logit` (with torch's `eps` clamp), as torch's `logit_`: `p.logit_(1e-6)`. */
    logit_(eps?: number | null): Tensor;
    /**
     * In place `floatPower`, as torch's `float_power_`: self must be float64 (or complex128), the
     * dtype the result has. `x.floatPower_(2)`.
     */
    floatPower_(exponent: Tensor | number): Tensor;
    /** In place `cumsum` along `dim`, as torch's `cumsum_`: `x.cumsum_(0)`. */
    cumsum_(dim: number, dtype?: DType | { dtype?: DType }): Tensor;
    /** In place `cumprod` along `dim`, as torch's `cumprod_`: `x.cumprod_(1)`. */
    cumprod_(dim: number, dtype?: DType | { dtype?: DType }): Tensor;
    /** A complex64 copy, as torch's `cfloat()`: `x.cfloat()`. */
    cfloat(): Tensor;
    /** A complex128 copy, as torch's `cdouble()`: `x.cdouble()`. */
    cdouble(): Tensor;
    /** See {@link put}: `x.put(index, source)`. */
    put(index: Tensor, source: Tensor, ...args: ArgsThenOptions<[accumulate: boolean], PutOptions>): Tensor;
    /** In place {@link put}, as torch's `put_`: `x.put_(index, source, true)`. */
    put_(index: Tensor, source: Tensor, ...args: ArgsThenOptions<[accumulate: boolean], PutOptions>): Tensor;
    /** See {@link splitWithSizes}: `x.splitWithSizes([2, 3], 1)`. */
    splitWithSizes(splitSizes: readonly number[], ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[];
    /** See {@link isNeg}: always false. */
    isNeg(): boolean;
    /** See {@link resolveNeg}: `x.resolveNeg() === x`. */
    resolveNeg(): Tensor;
    /** See {@link isInference}: always false. */
    isInference(): boolean;
    /** Whether the layout is sparse, as torch's `is_sparse`: always false (flintml tensors are strided). */
    readonly isSparse: boolean;
    /** Whether the tensor is quantized, as torch's `is_quantized`: always false. */
    readonly isQuantized: boolean;
    /** Whether the tensor is on the meta device, as torch's `is_meta`: always false (no meta device). */
    readonly isMeta: boolean;
    /** `torch.cholesky_solve` as a method (see {@link choleskySolve}): `b.choleskySolve(L)`. */
    choleskySolve(input2: Tensor, upper?: boolean | { upper?: boolean }): Tensor;
    /** `torch.cholesky_inverse` as a method (see {@link choleskyInverse}): `L.choleskyInverse()`. */
    choleskyInverse(upper?: boolean | { upper?: boolean }): Tensor;
  }
}
// the generated in-place methods (their out-of-place ops are documented; torch's names with `_`)
declare module '../tensor' {
  interface Tensor extends Record<UnaryInplace, () => Tensor>, Record<BinaryInplace, (other: Tensor | number) => Tensor>,
    Record<AddmmInplace, (a: Tensor, b: Tensor, options?: { beta?: number; alpha?: number }) => Tensor> {}
}

P.detach_ = function (this: Tensor) {
  if (arguments.length > 0) tooManyArgs('detach_', '', arguments);
  need(this, 'detach_', 'self');
  const n = this._gradFn;
  if (n) {
    if (n.watchers) n.watchers = n.watchers.filter((w: Tensor) => w !== this);
    this._gradFn = null;
    this._outputIndex = 0;
    n.dropOutput();
  }
  this._requiresGrad = false;
  this._retainsGrad = false;
  return this;
};
Object.defineProperty(P, 'retainsGrad', { get(this: Tensor) { return this._retainsGrad; }, configurable: true });

/** Gives `self` the shape, strides and offset of `view` (a view of self), in place. */
function restride(self: Tensor, op: string, makeView: () => Tensor): Tensor {
  need(self, op, 'self');
  const view = makeView();
  try {
    checkInplace(self, op);
    const w = self as unknown as { _shape: readonly number[]; _strides: readonly number[]; _offset: number };
    w._shape = view._shape; w._strides = view._strides; w._offset = view._offset;
  } finally { view.dispose(); }
  return self;
}
P.unsqueeze_ = function (dim) { if (arguments.length > 1) tooManyArgs('unsqueeze_', 'dim', arguments); return restride(this, 'unsqueeze_', () => this.unsqueeze(dim)); };
P.squeeze_ = function (dim) {
  if (arguments.length > 1) tooManyArgs('squeeze_', 'dim', arguments);
  return restride(this, 'squeeze_', () => (dim === undefined ? this.squeeze() : this.squeeze(dim)));
};
/** transpose_ and its aliases: the dims are checked as torch's (a 0-D tensor takes -1 and 0 only) before the view is made. */
function transposeInPlace(self: Tensor, op: string, d0: number, d1: number): Tensor {
  need(self, op, 'self');
  const n = Math.max(self._shape.length, 1);
  normDim(d0, n, op); normDim(d1, n, op);
  return restride(self, op, () => self.transpose(d0, d1));
}
P.transpose_ = function (d0, d1) { if (arguments.length > 2) tooManyArgs('transpose_', 'dim0, dim1', arguments); return transposeInPlace(this, 'transpose_', d0, d1); };
P.swapaxes_ = function (d0, d1) { if (arguments.length > 2) tooManyArgs('swapaxes_', 'axis0, axis1', arguments); return transposeInPlace(this, 'swapaxes_', d0, d1); };
P.swapdims_ = function (d0, d1) { if (arguments.length > 2) tooManyArgs('swapdims_', 'dim0, dim1', arguments); return transposeInPlace(this, 'swapdims_', d0, d1); };
P.t_ = function () { if (arguments.length > 0) tooManyArgs('t_', '', arguments); return restride(this, 't_', () => this.t()); };

const PM = P as unknown as Record<string, Method>;
for (const name of UNARY_INPLACE) {
  const op = `${name}_`;
  PM[op] = function (this: Tensor) {
    if (arguments.length > 0) tooManyArgs(op, '', arguments);
    need(this, op, 'self');
    return writeBack(this, op, [], () => method(this, name)());
  };
}
for (const name of BINARY_INPLACE) {
  const op = `${name}_`;
  PM[op] = function (this: Tensor, other: unknown) {
    if (arguments.length > 1) tooManyArgs(op, 'other', arguments);
    need(this, op, 'self');
    return writeBack(this, op, [other], () => method(this, name)(other));
  };
}
for (const name of ADDMM_INPLACE) {
  const op = `${name}_`;
  PM[op] = function (this: Tensor, ...a: unknown[]) {
    if (a.length > 3) tooManyArgs(op, 'a, b, options', a);
    need(this, op, 'self');
    return writeBack(this, op, a.slice(0, 2), () => method(this, name)(...a));
  };
}
P.logit_ = function (eps) { if (arguments.length > 1) tooManyArgs('logit_', 'eps', arguments); need(this, 'logit_', 'self'); return writeBack(this, 'logit_', [], () => this.logit(eps)); };
P.floatPower_ = function (exponent) {
  if (arguments.length > 1) tooManyArgs('floatPower_', 'exponent', arguments);
  need(this, 'floatPower_', 'self');
  const want = isComplexDType(this.dtype) || (exponent instanceof Tensor && isComplexDType(exponent.dtype)) ? 'complex128' : 'float64';
  if (this.dtype !== want) throw new DTypeError(`floatPower_: the base has dtype ${this.dtype} but the operation's result requires dtype ${want} (shape ${fmt(this._shape)})`);
  return writeBack(this, 'floatPower_', [exponent], () => this.floatPower(exponent));
};
P.cumsum_ = function (this: Tensor, ...a: unknown[]) {
  if (a.length > 2) tooManyArgs('cumsum_', 'dim, dtype', a);
  need(this, 'cumsum_', 'self');
  return writeBack(this, 'cumsum_', [], () => method(this, 'cumsum')(...a));
} as Tensor['cumsum_'];
P.cumprod_ = function (this: Tensor, ...a: unknown[]) {
  if (a.length > 2) tooManyArgs('cumprod_', 'dim, dtype', a);
  need(this, 'cumprod_', 'self');
  return writeBack(this, 'cumprod_', [], () => method(this, 'cumprod')(...a));
} as Tensor['cumprod_'];
P.cfloat = function () { if (arguments.length > 0) tooManyArgs('cfloat', '', arguments); return need(this, 'cfloat', 'self').to('complex64'); };
P.cdouble = function () { if (arguments.length > 0) tooManyArgs('cdouble', '', arguments); return need(this, 'cdouble', 'self').to('complex128'); };
P.splitWithSizes = function (this: Tensor, ...a: unknown[]) { return (splitWithSizes as (...b: unknown[]) => Tensor[])(this, ...a); } as Tensor['splitWithSizes'];
P.put = function (this: Tensor, ...a: unknown[]) { return (put as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['put'];
const PUT_ = signature('put_', ['index', 'source', 'accumulate'], { index: required(A.tensor), source: required(A.tensor), accumulate: optional(A.bool, false) });
P.put_ = function (this: Tensor, ...a: unknown[]) {
  const o = PUT_.parse(a);
  need(this, 'put_', 'self');
  putChecks(this, o.index, o.source, 'put_');
  return writeBack(this, 'put_', [o.source], () => putOf(this, o.index, o.source, o.accumulate, 'put_'));
} as Tensor['put_'];
P.isNeg = function () { if (arguments.length > 0) tooManyArgs('isNeg', '', arguments); return isNeg(this); };
P.resolveNeg = function () { if (arguments.length > 0) tooManyArgs('resolveNeg', '', arguments); return resolveNeg(this); };
P.isInference = function () { if (arguments.length > 0) tooManyArgs('isInference', '', arguments); return isInference(this); };
for (const name of ['isSparse', 'isQuantized', 'isMeta']) {
  Object.defineProperty(P, name, { get(this: Tensor) { need(this, name, 'self'); return false; }, configurable: true });
}
P.choleskySolve = function (this: Tensor, ...a: unknown[]) { return (choleskySolve as Method)(this, ...a); } as Tensor['choleskySolve'];
P.choleskyInverse = function (this: Tensor, ...a: unknown[]) { return (choleskyInverse as Method)(this, ...a); } as Tensor['choleskyInverse'];
