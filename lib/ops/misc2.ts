// misc2.ts — the torch 1.13 names a PyTorch user still reached for and did not find (the API-gap
// survey of the lead's session 14): Tensor methods that read or reshape like another tensor
// (expandAs, viewAs, reshapeAs, typeAs, the new* factories, unfold, ravel, sumToSize, stride and
// the small predicates), torch.finfo / torch.iinfo, asTensor, fmax / fmin, isposinf / isneginf /
// isreal, the comparison and concatenation aliases (greater … notEqual, concat, concatenate), rsub,
// randintLike, inferenceMode, t and pinverse. Every op is a composition of flintml's own ops, so it
// runs on each device those run on and its gradient comes from the ops it is made of.
//
// Decisions (torch 1.13 is the reference; each is tested in test/ops-misc2.test.ts):
// - fmax / fmin: NaN loses to a number; on ties (and ±0) the first operand is returned, as torch's
//   CPU kernel; the gradient goes where the value came from (torch's fmax backward: the first
//   operand where a >= b or b is NaN), so ties give all of it to the first operand.
// - unfold: a view (asStrided over the same storage), so writes show through, as torch's.
// - inferenceMode: torch's inference mode is no-grad plus "inference tensors" that later refuse to
//   enter autograd; flintml has no such tensor kind, so here it is noGrad under torch's name (the
//   values and the absence of recorded history are the same).
// - asTensor: the same Tensor object when dtype and device already match (torch.as_tensor's
//   no-copy rule), else `to` (differentiable); JavaScript data goes through fl.tensor.
import { describeArg } from '../arity';
import * as A from '../args';
import { optional, required, signature, tooManyArgs } from '../args';
import { noGrad, isGradEnabled } from '../autograd';
import { parseDevice } from '../device';
import { DType, checkDType, isFloating, isComplexDType, category } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { broadcastShapes, fmt, normDim } from '../shape';
import { Tensor, TensorLike } from '../tensor';
import { empty, full, ones, tensor, zeros } from './creation';
import type { NestedData } from './creation';
import { eq, ge, gt, isnan, le, logicalOr, lt, ne, sub, where } from './elementwise';
import { randint } from './random';
import type { Generator } from './random';
import { sum } from './reduce';
import { asStrided, writeBack } from './misc';
import { backend } from '../backend';
import { add, ceil, checkFillValue, checkInplace, div, exp, log1p, mul, neg, tan } from './elementwise';
import { clampMin } from './pointwise';
import { linalg } from './norms';
import { conj, imag } from './complex';
import { cat, expand, reshape, transpose } from './views';
import { tril, triu } from './indexing';

const P = Tensor.prototype;

function need(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

// ---- dtype facts: finfo, iinfo ----------------------------------------------------------------------

/** What `finfo` tells of a floating dtype (torch.finfo's fields, camelCase). */
export interface FInfo {
  readonly dtype: DType;
  readonly bits: number;
  /** The gap between 1 and the next representable number. */
  readonly eps: number;
  readonly max: number;
  readonly min: number;
  /** The smallest positive normal number (torch's `tiny`, also `smallestNormal`). */
  readonly tiny: number;
  readonly smallestNormal: number;
  /** 10^-(decimal digits of precision). */
  readonly resolution: number;
}
const FINFO: Record<string, Omit<FInfo, 'dtype'>> = {
  float32: { bits: 32, eps: 1.1920928955078125e-07, max: 3.4028234663852886e+38, min: -3.4028234663852886e+38, tiny: 1.1754943508222875e-38, smallestNormal: 1.1754943508222875e-38, resolution: 1e-06 },
  float64: { bits: 64, eps: 2.220446049250313e-16, max: 1.7976931348623157e+308, min: -1.7976931348623157e+308, tiny: 2.2250738585072014e-308, smallestNormal: 2.2250738585072014e-308, resolution: 1e-15 },
  float16: { bits: 16, eps: 0.0009765625, max: 65504, min: -65504, tiny: 6.103515625e-05, smallestNormal: 6.103515625e-05, resolution: 0.001 },
  bfloat16: { bits: 16, eps: 0.0078125, max: 3.3895313892515355e+38, min: -3.3895313892515355e+38, tiny: 1.1754943508222875e-38, smallestNormal: 1.1754943508222875e-38, resolution: 0.01 },
};

/**
 * The numerical limits of a floating dtype, as `torch.finfo` (the default dtype when none is given; a complex
 * dtype answers for its real component, as torch's). An integer dtype is a DTypeError (iinfo's).
 * ```ts
 * fl.finfo('float16').max;   // 65504
 * fl.finfo().eps;            // 1.1920928955078125e-7 (float32)
 * ```
 */
export function finfo(dtype?: DType): FInfo {
  if (arguments.length > 1) tooManyArgs('finfo', 'dtype', arguments);
  const dt = checkDType(dtype ?? getDefaultDtype(), 'finfo');
  const real = dt === 'complex64' ? 'float32' : dt === 'complex128' ? 'float64' : dt;
  const f = FINFO[real];
  if (f === undefined) throw new DTypeError(`finfo: ${dt} is not a floating dtype (use fl.iinfo for integer dtypes)`);
  return Object.freeze({ dtype: real, ...f });
}

/** What `iinfo` tells of an integer dtype (torch.iinfo's fields). */
export interface IInfo { readonly dtype: DType; readonly bits: number; readonly max: number; readonly min: number }
const IINFO: Record<string, Omit<IInfo, 'dtype'>> = {
  int32: { bits: 32, max: 2147483647, min: -2147483648 },
  uint8: { bits: 8, max: 255, min: 0 },
};
/**
 * The limits of an integer dtype, as `torch.iinfo` (int32 and uint8: flintml has no int64; bool
 * and the floating dtypes are a DTypeError, as in torch).
 * ```ts
 * fl.iinfo('uint8').max;   // 255
 * ```
 */
export function iinfo(dtype: DType): IInfo {
  if (arguments.length > 1) tooManyArgs('iinfo', 'dtype', arguments);
  const dt = checkDType(dtype, 'iinfo');
  const i = IINFO[dt];
  if (i === undefined) throw new DTypeError(`iinfo: ${dt} is not an integer dtype (use fl.finfo for floating dtypes)`);
  return Object.freeze({ dtype: dt, ...i });
}

// ---- predicates and counts -------------------------------------------------------------------------

/**
 * Whether `obj` is a flintml Tensor, as `torch.is_tensor`.
 * ```ts
 * fl.isTensor(fl.zeros(2));   // true
 * ```
 */
export function isTensor(obj: unknown): obj is Tensor {
  if (arguments.length > 1) tooManyArgs('isTensor', 'obj', arguments);
  return obj instanceof Tensor;
}

/**
 * The number of elements, as `torch.numel`.
 * ```ts
 * fl.numel(fl.zeros(2, 3));   // 6
 * ```
 */
export function numel(input: Tensor): number {
  if (arguments.length > 1) tooManyArgs('numel', 'input', arguments);
  return need(input, 'numel').numel;
}

/**
 * Whether the dtype is a floating one (float16, bfloat16, float32, float64; not complex), as
 * `torch.is_floating_point`.
 * ```ts
 * fl.isFloatingPoint(fl.ones(2));                      // true
 * fl.isFloatingPoint(fl.ones(2, { dtype: 'int32' }));  // false
 * ```
 */
export function isFloatingPoint(input: Tensor): boolean {
  if (arguments.length > 1) tooManyArgs('isFloatingPoint', 'input', arguments);
  return isFloating(need(input, 'isFloatingPoint').dtype);
}

/**
 * Whether each element is +inf, as `torch.isposinf` (bool; integer and bool inputs are all false).
 * ```ts
 * fl.isposinf(fl.tensor([1, Infinity, -Infinity])).toArray();   // [false, true, false]
 * ```
 */
export function isposinf(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('isposinf', 'input', arguments);
  const x = need(input, 'isposinf');
  if (isComplexDType(x.dtype)) throw new DTypeError(`isposinf: not implemented for complex tensors (${x.dtype}), as in torch`);
  return isFloating(x.dtype) ? eq(x, Infinity) : zeros(x._shape, { dtype: 'bool', device: x.device });
}

/**
 * Whether each element is -inf, as `torch.isneginf` (bool; integer and bool inputs are all false).
 * ```ts
 * fl.isneginf(fl.tensor([1, Infinity, -Infinity])).toArray();   // [false, false, true]
 * ```
 */
export function isneginf(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('isneginf', 'input', arguments);
  const x = need(input, 'isneginf');
  if (isComplexDType(x.dtype)) throw new DTypeError(`isneginf: not implemented for complex tensors (${x.dtype}), as in torch`);
  return isFloating(x.dtype) ? eq(x, -Infinity) : zeros(x._shape, { dtype: 'bool', device: x.device });
}

/**
 * Whether each element is real-valued, as `torch.isreal`: true everywhere for a real dtype; for a
 * complex tensor, where the imaginary part is 0.
 * ```ts
 * fl.isreal(fl.tensor([1, 2])).toArray();   // [true, true]
 * ```
 */
export function isreal(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('isreal', 'input', arguments);
  const x = need(input, 'isreal');
  if (isComplexDType(x.dtype)) return noGrad(() => { const im = imag(x); try { return eq(im, 0); } finally { im.dispose(); } });
  return ones(x._shape, { dtype: 'bool', device: x.device });
}

// ---- fmax, fmin --------------------------------------------------------------------------------------

function fminmax(op: 'fmax' | 'fmin', a: Tensor, b: Tensor): Tensor {
  need(a, op, 'input'); need(b, op, 'other');
  if (isComplexDType(a.dtype) || isComplexDType(b.dtype)) throw new DTypeError(`${op}: not implemented for complex tensors (${a.dtype}, ${b.dtype}), as in torch`);
  broadcastShapes(op, a._shape, b._shape);
  // the first operand where it wins, ties, or the second is NaN (torch's value and gradient rule)
  const keepA = noGrad(() => {
    const cmp = op === 'fmax' ? ge(a, b) : le(a, b);
    const nb = isnan(b);
    try { return logicalOr(cmp, nb); } finally { cmp.dispose(); nb.dispose(); }
  });
  try { return where(keepA, a, b); } finally { keepA.dispose(); }
}
/**
 * The elementwise maximum that ignores NaN (NaN only where both are NaN), as `torch.fmax`; inputs
 * broadcast and promote. The gradient goes to the operand the value came from (the first on ties).
 * ```ts
 * fl.fmax(fl.tensor([1, NaN, NaN]), fl.tensor([2, 3, NaN])).toArray();   // [2, 3, NaN]
 * ```
 */
export function fmax(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('fmax', 'input, other', arguments);
  return fminmax('fmax', input, other);
}
/**
 * The elementwise minimum that ignores NaN (NaN only where both are NaN), as `torch.fmin`.
 * ```ts
 * fl.fmin(fl.tensor([1, NaN, NaN]), fl.tensor([2, 3, NaN])).toArray();   // [1, 3, NaN]
 * ```
 */
export function fmin(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('fmin', 'input, other', arguments);
  return fminmax('fmin', input, other);
}

// ---- aliases: comparisons, concatenation, t, pinverse, rsub -------------------------------------------

/** `torch.greater`: the alias of {@link gt}. `fl.greater(x, 0)` */
export function greater(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('greater', 'input, other', arguments);
  return gt(input, other);
}
/** `torch.greater_equal`: the alias of {@link ge}. `fl.greaterEqual(x, 0)` */
export function greaterEqual(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('greaterEqual', 'input, other', arguments);
  return ge(input, other);
}
/** `torch.less`: the alias of {@link lt}. `fl.less(x, 0)` */
export function less(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('less', 'input, other', arguments);
  return lt(input, other);
}
/** `torch.less_equal`: the alias of {@link le}. `fl.lessEqual(x, 0)` */
export function lessEqual(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('lessEqual', 'input, other', arguments);
  return le(input, other);
}
/** `torch.not_equal`: the alias of {@link ne}. `fl.notEqual(x, 0)` */
export function notEqual(input: TensorLike, other: TensorLike): Tensor {
  if (arguments.length > 2) tooManyArgs('notEqual', 'input, other', arguments);
  return ne(input, other);
}
/** `torch.concat`: the alias of {@link cat}. `fl.concat([a, b], 1)` */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (arguments.length > 2) tooManyArgs('concat', 'tensors, dim', arguments);
  return cat(tensors, dim);
}
/** `torch.concatenate` (numpy's name): the alias of {@link cat}. `fl.concatenate([a, b], 1)` */
export function concatenate(tensors: readonly Tensor[], dim = 0): Tensor {
  if (arguments.length > 2) tooManyArgs('concatenate', 'tensors, dim', arguments);
  return cat(tensors, dim);
}

/**
 * The transpose of a matrix, as `torch.t`: a tensor of at most 2 dims (0-D and 1-D come back as
 * they are); more dims are a ShapeError. A view.
 * ```ts
 * fl.t(fl.zeros(2, 3)).shape;   // [3, 2]
 * ```
 */
export function t(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('t', 'input', arguments);
  return need(input, 't').t();
}

/**
 * The pseudo-inverse, as `torch.pinverse` (torch.linalg.pinv with `rtol = rcond`: singular values
 * below rcond · the largest count as zero).
 * ```ts
 * fl.pinverse(fl.tensor([[1, 2], [2, 4]], { dtype: 'float64' }));
 * ```
 */
export function pinverse(input: Tensor, rcond = 1e-15): Tensor {
  if (arguments.length > 2) tooManyArgs('pinverse', 'input, rcond', arguments);
  need(input, 'pinverse');
  if (typeof rcond !== 'number' || Number.isNaN(rcond)) throw new ValueError(`pinverse: rcond must be a number, got ${describeArg(rcond)}`);
  return linalg.pinv(input, { rtol: rcond });
}

/**
 * `other - alpha * input`, as `torch.rsub` (subtraction with the operands reversed).
 * ```ts
 * fl.rsub(fl.tensor([1, 2]), 10).toArray();   // [9, 8]
 * ```
 */
export function rsub(input: Tensor, other: TensorLike, alpha = 1): Tensor {
  if (arguments.length > 3) tooManyArgs('rsub', 'input, other, alpha', arguments);
  need(input, 'rsub');
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new ValueError(`rsub: alpha must be a number, got ${describeArg(alpha)}`);
  return sub(other, input, alpha);
}

/**
 * The elements as a 1-D tensor (a view when the layout allows, else a copy), as `torch.ravel`.
 * ```ts
 * fl.ravel(fl.zeros(2, 3)).shape;   // [6]
 * ```
 */
export function ravel(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('ravel', 'input', arguments);
  return reshape(need(input, 'ravel'), [-1]);
}


/**
 * The conjugate transpose of the last two dims, as `torch.adjoint` (`Tensor.mH`): for a real dtype
 * the transpose (a view); a 0-D tensor comes back as it is, a 1-D one is a ShapeError (as torch's).
 * ```ts
 * fl.adjoint(fl.zeros(2, 3)).shape;   // [3, 2]
 * ```
 */
export function adjoint(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('adjoint', 'input', arguments);
  const x = need(input, 'adjoint');
  if (x._shape.length === 1) throw new ShapeError(`adjoint: expected a matrix, a batch of matrices or a 0-D tensor, got shape ${fmt(x._shape)}`);
  const tr = x._shape.length === 0 ? x.view([]) : transpose(x, -2, -1);
  if (!isComplexDType(x.dtype)) return tr;
  try { return conj(tr); } finally { tr.dispose(); }
}

// ---- factories: asTensor, randintLike ---------------------------------------------------------------

/** Options of asTensor (torch.as_tensor's keywords). */
export interface AsTensorOptions { dtype?: DType; device?: string }
const AS_TENSOR = signature('asTensor', ['data'], { data: required(A.anyValue<NestedData | Tensor>()), dtype: optional(A.dtype), device: optional(A.device) });
/**
 * A tensor from data without a copy where possible, as `torch.as_tensor`: a Tensor whose dtype and
 * device already match is returned itself; another Tensor is converted with `to` (which records
 * its gradient); JavaScript arrays and TypedArrays are read as by fl.tensor.
 * ```ts
 * const x = fl.ones(3);
 * fl.asTensor(x) === x;                          // true
 * fl.asTensor([1, 2], { dtype: 'float64' });
 * ```
 */
export function asTensor(data: NestedData | Tensor, options?: AsTensorOptions): Tensor;
export function asTensor(...args: unknown[]): Tensor {
  const o = AS_TENSOR.parse(args);
  const d = o.data;
  if (d instanceof Tensor) {
    need(d, 'asTensor', 'data');
    let out: Tensor = d;
    if (o.device !== undefined && parseDevice(o.device, 'asTensor').name !== d.device) out = out.to(o.device);
    if (o.dtype !== undefined && out.dtype !== o.dtype) {
      const cast = out.to(o.dtype);
      if (out !== d) out.dispose();
      out = cast;
    }
    return out;
  }
  return tensor(d as NestedData, { dtype: o.dtype, device: o.device });
}

/** Options of randintLike: the *Like keywords and torch's generator. */
export interface RandintLikeOptions { dtype?: DType; device?: string; requiresGrad?: boolean; generator?: Generator | null }
const RANDINT_LIKE = signature('randintLike', ['input', 'low', 'high'], {
  input: required(A.tensor), low: optional(A.num(), 0), high: required(A.num()),
  dtype: optional(A.dtype), device: optional(A.device), requiresGrad: optional(A.bool, false), generator: optional(A.anyValue<Generator | null>(), null),
});
/**
 * Integers uniform in [low, high) shaped like `input`, in its dtype and on its device unless given,
 * as `torch.randint_like`; `(input, high)` draws from [0, high).
 * ```ts
 * fl.randintLike(fl.zeros(2, 3), 10);        // float32 values in 0..9
 * fl.randintLike(x, 5, 10, { dtype: 'int32' });
 * ```
 */
export function randintLike(input: Tensor, high: number, options?: RandintLikeOptions): Tensor;
export function randintLike(input: Tensor, low: number, high: number, options?: RandintLikeOptions): Tensor;
export function randintLike(...args: unknown[]): Tensor {
  const nPos = args.length - (A.isPlainObject(args[args.length - 1]) ? 1 : 0);
  // torch's randint_like(input, low=0, high): with two positional arguments they are (input, high)
  const o = RANDINT_LIKE.parse(nPos === 2 ? [args[0], 0, ...args.slice(1)] : args);
  const x = need(o.input, 'randintLike');
  return randint(o.low, o.high, x._shape, {
    dtype: o.dtype ?? x.dtype, device: o.device ?? x.device, requiresGrad: o.requiresGrad, generator: o.generator,
  });
}

// ---- inference mode ---------------------------------------------------------------------------------

let inferenceDepth = 0;
/**
 * Runs `fn` without recording gradients, as `torch.inference_mode()` (flintml has no "inference
 * tensors": this is noGrad under torch's name, see the head of lib/ops/misc2.ts); `mode = false`
 * runs fn as it is. Returns fn's result.
 * ```ts
 * const y = fl.inferenceMode(() => model.forward(x));
 * ```
 */
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(a: boolean | (() => T), b?: () => T): T {
  if (arguments.length > 2 || (typeof a === 'function' && arguments.length > 1)) tooManyArgs('inferenceMode', typeof a === 'function' ? 'fn' : 'mode, fn', arguments);
  const mode = typeof a === 'function' ? true : a;
  const fn = typeof a === 'function' ? a : b;
  if (typeof mode !== 'boolean') throw new ValueError(`inferenceMode: mode must be a boolean, got ${describeArg(mode)}`);
  if (typeof fn !== 'function') throw new ValueError(`inferenceMode: expected a function to run, got ${describeArg(fn)}`);
  if (!mode) return fn();
  inferenceDepth++;
  try { return noGrad(fn); } finally { inferenceDepth--; }
}
/**
 * Whether code runs inside {@link inferenceMode}, as `torch.is_inference_mode_enabled`.
 * ```ts
 * fl.inferenceMode(() => fl.isInferenceModeEnabled());   // true
 * ```
 */
export function isInferenceModeEnabled(): boolean {
  if (arguments.length > 0) tooManyArgs('isInferenceModeEnabled', '', arguments);
  return inferenceDepth > 0 && !isGradEnabled();
}


// ---- threads ---------------------------------------------------------------------------------------

/**
 * Limits the CPU thread pool, as `torch.set_num_threads` (the same as `fl.backend.setNumThreads`).
 * ```ts
 * fl.setNumThreads(1);
 * ```
 */
export function setNumThreads(n: number): void {
  if (arguments.length > 1) tooManyArgs('setNumThreads', 'n', arguments);
  backend.setNumThreads(n);
}
/**
 * The CPU thread pool's limit, as `torch.get_num_threads`.
 * ```ts
 * fl.getNumThreads();   // 2 on a two-core host, unless FLINT_NUM_THREADS or setNumThreads said otherwise
 * ```
 */
export function getNumThreads(): number {
  if (arguments.length > 0) tooManyArgs('getNumThreads', '', arguments);
  return backend.info().threads;
}

// ---- in-place fills: the random distributions, fillDiagonal_ ---------------------------------------------

/** The `generator` keyword of the in-place random fills (as uniform_'s). */
export interface FillGeneratorOption { generator?: Generator | null }
function genOf(v: unknown, op: string): FillGeneratorOption {
  if (v === undefined) return {};
  A.checkKeys(op, v, ['generator']);
  return v as FillGeneratorOption;
}
function finiteArg(v: unknown, name: string, op: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`${op}: ${name} must be a number, got ${describeArg(v)}`);
  return v;
}
/** Draws U in [0, 1) into self (float dtypes), then writes f(U) over it; checked as every in-place op. */
function fillFromUniform(self: Tensor, op: string, gen: FillGeneratorOption, f: (u: Tensor) => Tensor): Tensor {
  need(self, op, 'self');
  if (!isFloating(self.dtype)) throw new DTypeError(`${op}: expects a floating tensor (float32, float64, float16, bfloat16), got ${self.dtype}`);
  checkInplace(self, op);
  if (self.numel === 0) return self;
  noGrad(() => {
    // U in float64 (so that f's tails are those of the distribution, not of a float16 grid), f in float64, rounded into self
    const u = empty(self._shape, { dtype: 'float64', device: self.device });
    try {
      u.uniform_(0, 1, gen);
      const y = f(u);
      try { self.copy_(y); } finally { y.dispose(); }
    } finally { u.dispose(); }
  });
  return self;
}

// ---- Tensor methods ----------------------------------------------------------------------------------

/** The factory keywords of the new* methods (torch's `dtype`, `device`, `requires_grad`). */
export interface NewTensorOptions { dtype?: DType; device?: string; requiresGrad?: boolean }
const NEW_KEYWORDS = { dtype: optional(A.dtype), device: optional(A.device), requiresGrad: optional(A.bool, false) };
const NEW_SIZED = {
  newZeros: signature('newZeros', [], NEW_KEYWORDS),
  newOnes: signature('newOnes', [], NEW_KEYWORDS),
  newEmpty: signature('newEmpty', [], NEW_KEYWORDS),
};
const NEW_FULL = signature('newFull', ['size', 'fillValue'], { size: required(A.anyValue<readonly number[]>()), fillValue: required(A.anyValue<number | boolean>()), ...NEW_KEYWORDS });
const NEW_TENSOR = signature('newTensor', ['data'], { data: required(A.anyValue<NestedData | Tensor>()), ...NEW_KEYWORDS });

function newSized(self: Tensor, op: 'newZeros' | 'newOnes' | 'newEmpty', args: unknown[]): Tensor {
  need(self, op, 'self');
  const { sizes, rest } = A.takeSizes(op, args);
  const o = NEW_SIZED[op].parse(rest);
  const opts = { dtype: o.dtype ?? self.dtype, device: o.device ?? self.device, requiresGrad: o.requiresGrad };
  return op === 'newZeros' ? zeros(sizes, opts) : op === 'newOnes' ? ones(sizes, opts) : empty(sizes, opts);
}

/** The shape `self` sums to for sumToSize: checked as torch's "size must be expandable to the tensor's". */
function sumToSizeOf(self: Tensor, size: number[]): Tensor {
  const op = 'sumToSize';
  const sh = self._shape;
  let ok = size.length <= sh.length;
  if (ok) {
    try { ok = fmt(broadcastShapes(op, size, sh)) === fmt(sh); } catch { ok = false; }
  }
  if (!ok) throw new ShapeError(`sumToSize: size ${fmt(size)} is not expandable to the tensor's size ${fmt(sh)}`);
  const lead = sh.length - size.length;
  const dims: number[] = [];
  for (let i = 0; i < sh.length; i++) if (i < lead || (size[i - lead] === 1 && sh[i] !== 1)) dims.push(i);
  if (dims.length === 0) return reshape(self, size);
  const s = sum(self, { dim: dims, keepdim: true });
  try { return reshape(s, size); } finally { s.dispose(); }
}

/** torch's Tensor.unfold: every slice of `size` elements along `dimension`, `step` apart, as a view with a new last dim. */
function unfoldView(self: Tensor, dimension: number, size: number, step: number): Tensor {
  const op = 'unfold';
  need(self, op, 'self');
  const nd = self._shape.length;
  const d = normDim(dimension, Math.max(nd, 1), op);
  if (!Number.isInteger(size) || size < 0) throw new ValueError(`unfold: size must be a non-negative integer, got ${describeArg(size)}`);
  if (!Number.isInteger(step) || step < 1) throw new ValueError(`unfold: step must be a positive integer, got ${describeArg(step)}`);
  const n = nd === 0 ? 1 : self._shape[d];
  if (size > n) throw new ShapeError(`unfold: size ${size} exceeds the size ${n} of dimension ${d} of the input of shape ${fmt(self._shape)}`);
  const st = nd === 0 ? 1 : self._strides[d];
  const shape = nd === 0 ? [] : self._shape.slice();
  const strides = nd === 0 ? [] : self._strides.slice();
  if (nd > 0) { shape[d] = Math.floor((n - size) / step) + 1; strides[d] = st * step; }
  shape.push(size); strides.push(st);
  return asStrided(self, shape, strides, self._offset);
}

declare module '../tensor' {
  interface Tensor {
    /** This tensor expanded to `other`'s shape (a view), as torch's `expand_as`: `x.expandAs(y)`. */ expandAs(other: Tensor): Tensor;
    /** This tensor viewed with `other`'s shape, as torch's `view_as`: `x.viewAs(y)`. */ viewAs(other: Tensor): Tensor;
    /** This tensor reshaped to `other`'s shape, as torch's `reshape_as`: `x.reshapeAs(y)`. */ reshapeAs(other: Tensor): Tensor;
    /** This tensor in `other`'s dtype (itself when it already is), as torch's `type_as`: `x.typeAs(y)`. */ typeAs(other: Tensor): Tensor;
    /**
     * With no argument, torch's type string (`'torch.FloatTensor'`, `'torch.cuda.HalfTensor'`); with a
     * dtype (`'float64'`) or a torch type string, this tensor cast like `to` (itself when nothing
     * changes; a `'torch.cuda.…'` string also moves it to the GPU, a CPU one to the CPU), as torch's
     * `Tensor.type`: `x.type()`, `x.type('float64')`, `x.type('torch.IntTensor')`.
     */
    type(): string;
    type(dtype: DType | string): Tensor;
    /** Zeros of the given size in this tensor's dtype and device unless given: `x.newZeros(2, 3)`, `x.newZeros([2], { dtype: 'int32' })`. */
    newZeros(...args: [size: number | readonly number[], options?: NewTensorOptions] | [...size: number[], options: NewTensorOptions] | number[]): Tensor;
    /** Ones of the given size in this tensor's dtype and device unless given: `x.newOnes(2, 3)`. */
    newOnes(...args: [size: number | readonly number[], options?: NewTensorOptions] | [...size: number[], options: NewTensorOptions] | number[]): Tensor;
    /** Uninitialised memory of the given size in this tensor's dtype and device unless given: `x.newEmpty(4)`. */
    newEmpty(...args: [size: number | readonly number[], options?: NewTensorOptions] | [...size: number[], options: NewTensorOptions] | number[]): Tensor;
    /** Filled with `fillValue`, in this tensor's dtype and device unless given: `x.newFull([2, 2], 7)`. */ newFull(size: readonly number[], fillValue: number | boolean, options?: NewTensorOptions): Tensor;
    /** A tensor of `data` (copied), in this tensor's dtype and device unless given: `x.newTensor([1, 2])`. */ newTensor(data: NestedData | Tensor, options?: NewTensorOptions): Tensor;
    /** See {@link isFloatingPoint}: `x.isFloatingPoint()`. */ isFloatingPoint(): boolean;
    /** Whether the dtype is signed (every dtype but uint8 and bool), as torch's `is_signed`. */ isSigned(): boolean;
    /** The strides in elements, or the stride of one dim, as torch's `stride()`: `x.stride()`, `x.stride(-1)`. */
    stride(): number[];
    stride(dim: number): number;
    /** Every slice of `size` elements along `dimension`, `step` apart, as a new last dim (a view), as torch's `Tensor.unfold`: `x.unfold(0, 2, 1)`. */
    unfold(dimension: number, size: number, step: number): Tensor;
    /** See {@link ravel}: `x.ravel()`. */ ravel(): Tensor;
    /** This tensor summed to `size` (which must expand to its shape), as torch's `sum_to_size`: `g.sumToSize(1, 3)`. */
    sumToSize(...size: number[] | [readonly number[]]): Tensor;
    /** Bytes per element, as torch's `element_size()` (the `itemsize` property). */ elementSize(): number;
    /** The number of elements, as torch's `nelement()` (the `numel` property). */ nelement(): number;
    /** The number of dims, as torch's `ndimension()` (the `ndim` property). */ ndimension(): number;
    /** Whether the tensor is on a GPU, as torch's `is_cuda`. */ readonly isCuda: boolean;
    /** Whether the tensor is on the CPU, as torch's `is_cpu`. */ readonly isCpu: boolean;
    /** The GPU's index, or -1 for a CPU tensor, as torch's `get_device()`. */ getDevice(): number;
    /** A copy in pinned host memory (torch's name for `pin()`): `x.pinMemory()`. */ pinMemory(): Tensor;
    /** See {@link fmax}. */ fmax(other: Tensor): Tensor;
    /** See {@link fmin}. */ fmin(other: Tensor): Tensor;
    /** See {@link isposinf}. */ isposinf(): Tensor;
    /** See {@link isneginf}. */ isneginf(): Tensor;
    /** See {@link isreal}. */ isreal(): Tensor;
    /** See {@link greater}. */ greater(other: TensorLike): Tensor;
    /** See {@link greaterEqual}. */ greaterEqual(other: TensorLike): Tensor;
    /** See {@link less}. */ less(other: TensorLike): Tensor;
    /** See {@link lessEqual}. */ lessEqual(other: TensorLike): Tensor;
    /** See {@link notEqual}. */ notEqual(other: TensorLike): Tensor;
    /** See {@link pinverse}. */ pinverse(rcond?: number): Tensor;
    /** See {@link adjoint}: `a.adjoint()`. */ adjoint(): Tensor;
    /** The conjugate transpose of the last two dims, as torch's `mH` (see {@link adjoint}). */ readonly mH: Tensor;
    /** The conjugate transpose of a matrix (2-D; 0-D as it is), as torch's `H`. */ readonly H: Tensor;
    /** In place `tril`: zeros above the `diagonal`-th diagonal, as torch's `tril_`: `m.tril_()`. */ tril_(diagonal?: number): Tensor;
    /** In place `triu`: zeros below the `diagonal`-th diagonal, as torch's `triu_`: `mask.triu_(1)`. */ triu_(diagonal?: number): Tensor;
    /**
     * Writes `fillValue` on the main diagonal in place, as torch's `fill_diagonal_` (a 2-D tensor, or
     * n-D with all dims equal; `wrap`: a tall matrix's diagonal restarts every cols + 1 rows):
     * `sim.fillDiagonal_(-Infinity)`.
     */
    fillDiagonal_(fillValue: number, wrap?: boolean): Tensor;
    /** Fills in place with Exp(lambd) draws, as torch's `exponential_`: `q.exponential_()`. */ exponential_(lambd?: number, options?: FillGeneratorOption): Tensor;
    /** Fills in place with Cauchy(median, sigma) draws, as torch's `cauchy_`. */ cauchy_(median?: number, sigma?: number, options?: FillGeneratorOption): Tensor;
    /** Fills in place with exp(N(mean, std²)) draws, as torch's `log_normal_`. */ logNormal_(mean?: number, std?: number, options?: FillGeneratorOption): Tensor;
    /** Fills in place with Geometric(p) draws (the trial of the first success, ≥ 1), as torch's `geometric_`. */ geometric_(p: number, options?: FillGeneratorOption): Tensor;
    /**
     * Fills in place with integers uniform in [from, to), as torch's `random_`: `x.random_(10)` is
     * [0, 10), `x.random_(2, 5)` is [2, 5); `x.random_()` is [0, 2^mantissa] for floating dtypes and
     * the dtype's non-negative range for integer ones.
     */
    random_(to?: number, options?: FillGeneratorOption): Tensor;
    random_(from: number, to: number, options?: FillGeneratorOption): Tensor;
  }
}

P.expandAs = function (o) { if (arguments.length > 1) tooManyArgs('expandAs', 'other', arguments); return expand(this, need(o, 'expandAs', 'other')._shape); };
P.viewAs = function (o) { if (arguments.length > 1) tooManyArgs('viewAs', 'other', arguments); return this.view(need(o, 'viewAs', 'other')._shape); };
P.reshapeAs = function (o) { if (arguments.length > 1) tooManyArgs('reshapeAs', 'other', arguments); return reshape(this, need(o, 'reshapeAs', 'other')._shape); };
// torch's legacy type names (Tensor.type), by dtype
const TYPE_NAMES: Record<DType, string> = {
  float32: 'FloatTensor', float64: 'DoubleTensor', float16: 'HalfTensor', bfloat16: 'BFloat16Tensor', int32: 'IntTensor',
  uint8: 'ByteTensor', bool: 'BoolTensor', complex64: 'ComplexFloatTensor', complex128: 'ComplexDoubleTensor',
};
P.type = function (this: Tensor, dt?: unknown): any {
  if (arguments.length > 1) tooManyArgs('type', 'dtype', arguments);
  if (dt === undefined || dt === null) return `torch.${this.device === 'cpu' ? '' : 'cuda.'}${TYPE_NAMES[this.dtype]}`;
  if (typeof dt !== 'string') throw new ValueError(`type: expected a dtype or a torch type string such as 'torch.FloatTensor', got ${describeArg(dt)}`);
  const m = /^torch\.(cuda\.)?(\w+)$/.exec(dt);
  if (m === null) {
    const d = checkDType(dt, 'type');
    return this.dtype === d ? this : this.to(d);
  }
  const d = (Object.keys(TYPE_NAMES) as DType[]).find((k) => TYPE_NAMES[k] === m[2]);
  if (d === undefined) throw new ValueError(`type: invalid type '${dt}' (expected a dtype or one of ${Object.values(TYPE_NAMES).map((n) => `'torch.${n}'`).join(', ')})`);
  const onGpu = this.device !== 'cpu';
  const device = m[1] ? (onGpu ? this.device : 'cuda') : 'cpu';
  return this.dtype === d && (m[1] !== undefined) === onGpu ? this : this.to({ dtype: d, device });
};
P.typeAs = function (o) { if (arguments.length > 1) tooManyArgs('typeAs', 'other', arguments); const dt = need(o, 'typeAs', 'other').dtype; return this.dtype === dt ? this : this.to(dt); };
P.newZeros = function (...a: unknown[]) { return newSized(this, 'newZeros', a); };
P.newOnes = function (...a: unknown[]) { return newSized(this, 'newOnes', a); };
P.newEmpty = function (...a: unknown[]) { return newSized(this, 'newEmpty', a); };
P.newFull = function (...a: unknown[]) {
  need(this, 'newFull', 'self');
  const o = NEW_FULL.parse(a);
  return full(o.size, o.fillValue, { dtype: o.dtype ?? this.dtype, device: o.device ?? this.device, requiresGrad: o.requiresGrad });
};
P.newTensor = function (...a: unknown[]) {
  need(this, 'newTensor', 'self');
  const o = NEW_TENSOR.parse(a);
  const data = o.data instanceof Tensor ? o.data.detach() : o.data;
  return tensor(data, { dtype: o.dtype ?? this.dtype, device: o.device ?? this.device, requiresGrad: o.requiresGrad });
};
P.isFloatingPoint = function () { if (arguments.length > 0) tooManyArgs('isFloatingPoint', '', arguments); return isFloatingPoint(this); };
P.isSigned = function () { if (arguments.length > 0) tooManyArgs('isSigned', '', arguments); need(this, 'isSigned', 'self'); return category(this.dtype) > 0 && this.dtype !== 'uint8'; };
P.stride = function (this: Tensor, dim?: number) {
  if (arguments.length > 1) tooManyArgs('stride', 'dim', arguments);
  need(this, 'stride', 'self');
  if (dim === undefined) return this._strides.slice();
  return this._strides[normDim(dim, this._shape.length, 'stride')];
} as Tensor['stride'];
P.unfold = function (d, s, st) { if (arguments.length > 3) tooManyArgs('unfold', 'dimension, size, step', arguments); return unfoldView(this, d, s, st); };
P.ravel = function () { if (arguments.length > 0) tooManyArgs('ravel', '', arguments); return ravel(this); };
P.sumToSize = function (...a: unknown[]) { need(this, 'sumToSize', 'self'); return sumToSizeOf(this, A.sizesOnly('sumToSize', a) as number[]); };
P.elementSize = function () { if (arguments.length > 0) tooManyArgs('elementSize', '', arguments); return this.itemsize; };
P.nelement = function () { if (arguments.length > 0) tooManyArgs('nelement', '', arguments); return this.numel; };
P.ndimension = function () { if (arguments.length > 0) tooManyArgs('ndimension', '', arguments); return this.ndim; };
Object.defineProperty(P, 'isCuda', { get(this: Tensor) { return this._storage.device.type === 1; }, configurable: true });
Object.defineProperty(P, 'isCpu', { get(this: Tensor) { return this._storage.device.type === 0; }, configurable: true });
P.getDevice = function () { if (arguments.length > 0) tooManyArgs('getDevice', '', arguments); const d = this._storage.device; return d.type === 0 ? -1 : d.index; };
P.pinMemory = function () { if (arguments.length > 0) tooManyArgs('pinMemory', '', arguments); return this.pin(); };
P.fmax = function (o) { if (arguments.length > 1) tooManyArgs('fmax', 'other', arguments); return fmax(this, o); };
P.fmin = function (o) { if (arguments.length > 1) tooManyArgs('fmin', 'other', arguments); return fmin(this, o); };
P.isposinf = function () { if (arguments.length > 0) tooManyArgs('isposinf', '', arguments); return isposinf(this); };
P.isneginf = function () { if (arguments.length > 0) tooManyArgs('isneginf', '', arguments); return isneginf(this); };
P.isreal = function () { if (arguments.length > 0) tooManyArgs('isreal', '', arguments); return isreal(this); };
P.greater = function (o) { if (arguments.length > 1) tooManyArgs('greater', 'other', arguments); return gt(this, o); };
P.greaterEqual = function (o) { if (arguments.length > 1) tooManyArgs('greaterEqual', 'other', arguments); return ge(this, o); };
P.less = function (o) { if (arguments.length > 1) tooManyArgs('less', 'other', arguments); return lt(this, o); };
P.lessEqual = function (o) { if (arguments.length > 1) tooManyArgs('lessEqual', 'other', arguments); return le(this, o); };
P.notEqual = function (o) { if (arguments.length > 1) tooManyArgs('notEqual', 'other', arguments); return ne(this, o); };
P.adjoint = function () { if (arguments.length > 0) tooManyArgs('adjoint', '', arguments); return adjoint(this); };
Object.defineProperty(P, 'mH', { get(this: Tensor) { return adjoint(this); }, configurable: true });
Object.defineProperty(P, 'H', {
  get(this: Tensor) {
    need(this, 'H', 'self');
    if (this._shape.length !== 0 && this._shape.length !== 2) throw new ShapeError(`H: expected a matrix or a 0-D tensor, got shape ${fmt(this._shape)} (use mH for batches of matrices)`);
    return adjoint(this);
  },
  configurable: true,
});
P.pinverse = function (rcond) { if (arguments.length > 1) tooManyArgs('pinverse', 'rcond', arguments); return pinverse(this, rcond); };

P.tril_ = function (d) { if (arguments.length > 1) tooManyArgs('tril_', 'diagonal', arguments); return writeBack(this, 'tril_', [], () => tril(this, d)); };
P.triu_ = function (d) { if (arguments.length > 1) tooManyArgs('triu_', 'diagonal', arguments); return writeBack(this, 'triu_', [], () => triu(this, d)); };
P.fillDiagonal_ = function (this: Tensor, fillValue: number, wrap = false) {
  if (arguments.length > 2) tooManyArgs('fillDiagonal_', 'fillValue, wrap', arguments);
  const op = 'fillDiagonal_';
  need(this, op, 'self');
  if (typeof fillValue !== 'number' && typeof fillValue !== 'boolean') throw new ValueError(`${op}: fillValue must be a number, got ${describeArg(fillValue)}`);
  if (typeof wrap !== 'boolean') throw new ValueError(`${op}: wrap must be a boolean, got ${describeArg(wrap)}`);
  const sh = this._shape;
  if (sh.length < 2) throw new ShapeError(`${op}: the tensor must have at least 2 dims, got shape ${fmt(sh)}`);
  checkFillValue(fillValue, this.dtype, op);   // torch's "cannot be converted without overflow"
  if (sh.length > 2 && sh.some((v) => v !== sh[0])) throw new ShapeError(`${op}: all dims of an n-D tensor must be equal, got shape ${fmt(sh)}`);
  checkInplace(this, op);
  // the flat positions (row-major) of the diagonal: k·step, k < n (a handful of indices per row, not per element)
  let n: number, step: number;
  if (sh.length === 2) {
    const [r, c] = sh;
    step = c + 1;
    n = wrap && r > c ? Math.ceil((r * c) / step) : Math.min(r, c);
  } else {
    n = sh[0];
    step = 0;
    for (let i = sh.length - 1, s = 1; i >= 0; i--) { step += s; s *= sh[i]; }
  }
  if (n === 0 || this.numel === 0) return this;
  const self = this;
  noGrad(() => {
    const target = self.isContiguous() ? self : self.contiguous();
    try {
      const idx = tensor(Array.from({ length: n }, (_, k) => k * step), { dtype: 'int32', device: self.device });
      const flat = reshape(target, [-1]);
      try { flat.indexFill_(0, idx, fillValue); } finally { flat.dispose(); idx.dispose(); }
      if (target !== self) self.copy_(target);
    } finally { if (target !== self) target.dispose(); }
  });
  return this;
} as Tensor['fillDiagonal_'];
P.exponential_ = function (lambd, options) {
  if (arguments.length > 2) tooManyArgs('exponential_', 'lambd, options', arguments);
  const l = finiteArg(lambd, 'lambd', 'exponential_', 1);
  if (!(l >= 0)) throw new ValueError(`exponential_: expects lambd >= 0, got ${l}`);
  return fillFromUniform(this, 'exponential_', genOf(options, 'exponential_'), (u) => div(neg(log1p(neg(u))), l));
};
P.cauchy_ = function (median, sigma, options) {
  if (arguments.length > 3) tooManyArgs('cauchy_', 'median, sigma, options', arguments);
  const m = finiteArg(median, 'median', 'cauchy_', 0), s = finiteArg(sigma, 'sigma', 'cauchy_', 1);
  if (!(s > 0)) throw new ValueError(`cauchy_: expects sigma > 0, got ${s}`);
  return fillFromUniform(this, 'cauchy_', genOf(options, 'cauchy_'), (u) => add(mul(tan(mul(add(u, -0.5), Math.PI)), s), m));
};
P.logNormal_ = function (mean, std, options) {
  if (arguments.length > 3) tooManyArgs('logNormal_', 'mean, std, options', arguments);
  const m = finiteArg(mean, 'mean', 'logNormal_', 1), s = finiteArg(std, 'std', 'logNormal_', 2);
  if (!(s > 0)) throw new ValueError(`logNormal_: expects std > 0, got ${s}`);
  need(this, 'logNormal_', 'self');
  if (!isFloating(this.dtype)) throw new DTypeError(`logNormal_: expects a floating tensor (float32, float64, float16, bfloat16), got ${this.dtype}`);
  checkInplace(this, 'logNormal_');
  if (this.numel === 0) return this;
  const self = this;
  noGrad(() => {
    const z = empty(self._shape, { dtype: 'float64', device: self.device });
    try { z.normal_(m, s, genOf(options, 'logNormal_')); const y = exp(z); try { self.copy_(y); } finally { y.dispose(); } } finally { z.dispose(); }
  });
  return this;
};
P.geometric_ = function (p, options) {
  if (arguments.length > 2) tooManyArgs('geometric_', 'p, options', arguments);
  if (typeof p !== 'number' || !(p > 0 && p < 1)) throw new ValueError(`geometric_: expects p in (0, 1), got ${describeArg(p)}`);
  // ceil(log(1 - U) / log(1 - p)) for U in [0, 1): 1 - U in (0, 1]; U = 0 gives 0 trials, counted as the first (≥ 1)
  return fillFromUniform(this, 'geometric_', genOf(options, 'geometric_'), (u) => clampMin(ceil(div(log1p(neg(u)), Math.log1p(-p))), 1));
};
// the largest integer each dtype holds exactly (torch's random_() range: [0, 2^mantissa] for floating dtypes)
const RANDOM_MAX: Partial<Record<DType, number>> = { float32: 2 ** 24, float64: 2 ** 53, float16: 2 ** 11, bfloat16: 2 ** 8, int32: 2147483647, uint8: 255, bool: 1 };
P.random_ = function (this: Tensor, ...args: unknown[]) {
  const op = 'random_';
  const opts = A.isPlainObject(args[args.length - 1]) ? genOf(args.pop(), op) : {};
  if (args.length > 2) tooManyArgs(op, 'from, to, options', args);
  need(this, op, 'self');
  const nums = args.map((v, i) => finiteArg(v, i === 0 && args.length === 2 ? 'from' : 'to', op, 0));
  const mx = RANDOM_MAX[this.dtype];
  if (mx === undefined) throw new DTypeError(`${op}: not implemented for ${this.dtype}`);
  const [lo, hi] = nums.length === 2 ? nums : nums.length === 1 ? [0, nums[0]] : [0, mx + 1];
  checkInplace(this, op);
  if (this.numel === 0) return this;
  const self = this;
  noGrad(() => { const r = randint(lo, hi, self._shape, { dtype: self.dtype === 'bool' ? 'uint8' : self.dtype, device: self.device, ...opts }); try { self.copy_(r); } finally { r.dispose(); } });
  return this;
} as Tensor['random_'];
