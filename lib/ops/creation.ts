// creation.ts — making tensors: from JS data (`tensor`), filled (`zeros`, `ones`, `full`, `empty`),
// ranges (`arange`, `linspace`), `eye`, and the `*Like` forms.
import { describeArg } from '../arity';
import { traced } from '../trace';
import type { Lowering } from '../trace';
import { DType, DTYPE_CODE, hostArrayFor, isFloating as isFloatingDType, TypedArray } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { parseDevice } from '../device';
import { DTypeError, OverflowError, ShapeError, ValueError } from '../errors';
import { binding, call, guard, opId, transfer } from '../native';
import { checkShape, fmt } from '../shape';
import { complexHook, contiguousCopy, emptyTensor, Tensor } from '../tensor';
import { checkFillValue, checkInplace } from './elementwise';
import * as A from '../args';
import { optional, required, signature, tooManyArgs } from '../args';
import { FACTORY_KEYWORDS, LIKE_KEYWORDS, likeSignature, SizeArgs, sizedArgs, sizedSignature, TensorOptions, LikeOptions, withGrad } from './factory';

const FILL = opId('fill');
const ARANGE = opId('arange');
const LINSPACE = opId('linspace');

export type { TensorOptions, SizeArgs, LikeOptions } from './factory';

/** Nested arrays of numbers or booleans, a TypedArray, or a single value. */
export type NestedData = number | boolean | TypedArray | Int8Array | Int16Array | Uint16Array | Uint32Array | readonly NestedData[];

function inferFromTyped(a: ArrayBufferView, op: string): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array || a instanceof Int16Array || a instanceof Int8Array || a instanceof Uint16Array) return 'int32';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof Uint32Array) return 'float64';
  throw new DTypeError(`${String(op)}: unsupported data ${describeArg(a)} (use Float32Array, Float64Array, Int32Array or Uint8Array)`);
}

/** @internal Flattens nested data; returns the shape, the values and the inferred dtype. */
function flatten(data: NestedData, op: string): { shape: number[]; values: ArrayLike<number | boolean>; inferred: DType } {
  if (typeof data === 'number' || typeof data === 'boolean') {
    return { shape: [], values: [data], inferred: typeof data === 'boolean' ? 'bool' : Number.isInteger(data) && Math.abs(data) <= 2147483647 ? 'int32' : getDefaultDtype() };
  }
  if (ArrayBuffer.isView(data)) return { shape: [(data as TypedArray).length], values: data as TypedArray, inferred: inferFromTyped(data, op) };
  if (!Array.isArray(data)) throw new ValueError(`${String(op)}: cannot make a tensor from ${data === null ? 'null' : typeof data}`);
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur) || ArrayBuffer.isView(cur)) {
    const len = (cur as ArrayLike<unknown>).length;
    shape.push(len);
    if (len === 0) break;
    cur = (cur as ArrayLike<unknown>)[0];
  }
  const values: (number | boolean)[] = [];
  let allBool = true, allInt = true;
  const walk = (x: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof x === 'number') { allBool = false; if (!(Number.isInteger(x) && Math.abs(x) <= 2147483647)) allInt = false; }
      else if (typeof x !== 'boolean') throw new ValueError(`${String(op)}: elements must be numbers or booleans, got ${x === null ? 'null' : typeof x}`);
      values.push(x as number | boolean);
      return;
    }
    if (!(Array.isArray(x) || ArrayBuffer.isView(x)) || (x as ArrayLike<unknown>).length !== shape[d]) {
      throw new ShapeError(`${String(op)}: ragged nested data: expected a sequence of length ${shape[d]} at depth ${String(d)} (shape so far ${fmt(shape)})`);
    }
    const arr = x as ArrayLike<unknown>;
    for (let i = 0; i < arr.length; i++) walk(arr[i], d + 1);
  };
  walk(data, 0);
  const inferred: DType = values.length === 0 || !(allBool || allInt) ? getDefaultDtype() : allBool ? 'bool' : 'int32';
  return { shape, values, inferred };
}

const TENSOR_ARGS = signature('tensor', ['data'], { data: required(A.anyValue<NestedData | Tensor>()), ...FACTORY_KEYWORDS });

/**
 * A tensor from nested arrays, a TypedArray or a number. The dtype is inferred (integers →
 * int32, booleans → bool, other numbers and `[]` → the default dtype, float32 unless
 * `fl.setDefaultDtype` changed it; TypedArrays by type) unless given.
 *
 * ```ts
 * fl.tensor([[1, 2], [3, 4]]);                   // int32, shape [2, 2]
 * fl.tensor([0.5, 1.5], { dtype: 'float64', requiresGrad: true });
 * fl.tensor(new Float32Array(6)).reshape(2, 3);
 * ```
 */
export function tensor(data: NestedData | Tensor, options?: TensorOptions): Tensor;
export function tensor(...args: unknown[]): Tensor {
  const o = TENSOR_ARGS.parse(args);
  const data = o.data;
  const device = parseDevice(o.device, 'tensor');
  if (data instanceof Tensor) {
    if (o.pinned) throw new ValueError('tensor: pinned applies to data from JavaScript; use t.pin() for a Tensor');
    const copy = traced('tensor', [data], contiguousCopy(data, 'tensor', o.dtype ?? data.dtype), (g, [x], [y]) => g.op('Identity', [g.cast(x.name, x.dtype, y.dtype)]));
    return withGrad(copy, o.requiresGrad);
  }
  const { shape, values, inferred } = flatten(data, 'tensor');
  const dtype = o.dtype === undefined ? inferred : o.dtype;
  const t = emptyTensor(shape, dtype, device, false, 'tensor', o.pinned);
  const n = values.length;
  if (n === 0) return withGrad(t, o.requiresGrad);
  if (DTYPE_CODE[dtype] < 0) {  // complex: the values are real parts, imaginary parts 0 (fl.complex for the rest)
    try { complexHook('upload', 'tensor', dtype)(t, values); } catch (e) { t.dispose(); throw e; }
    return withGrad(t, o.requiresGrad);
  }
  let host: TypedArray;
  const direct = ArrayBuffer.isView(values) && hostArrayFor(dtype, 0).constructor === values.constructor;
  if (direct) host = values as TypedArray;
  else {
    host = hostArrayFor(dtype, n);
    if (dtype === 'bool') for (let i = 0; i < n; i++) host[i] = values[i] ? 1 : 0;
    else if (dtype === 'int32' || dtype === 'uint8') {
      // a value the integer dtype cannot hold is refused, as PyTorch's "cannot be converted without
      // overflow" (a typed array would wrap it silently); int32 stands in for int64 (README)
      const [lo, hi] = dtype === 'int32' ? [-2147483648, 2147483647] : [0, 255];
      for (let i = 0; i < n; i++) {
        const v = +values[i], w = Number.isFinite(v) ? Math.trunc(v) : 0;
        if (w < lo || w > hi) {
          t.dispose();
          throw new OverflowError(`tensor: the value ${String(v)} does not fit ${dtype} (range [${String(lo)}, ${String(hi)}])${dtype === 'int32' ? '; flintml has no int64' : ''}`);
        }
        host[i] = w;
      }
    }
    else for (let i = 0; i < n; i++) host[i] = +values[i];
  }
  try {
    const h = t._handleFor('tensor');
    if (t._storage.device.type === 1) transfer('HtoD', host.byteLength, () => binding.upload(h, 0, host, DTYPE_CODE[dtype]));
    else guard(() => binding.upload(h, 0, host, DTYPE_CODE[dtype]));
  } catch (e) { t.dispose(); throw e; }
  // data from JavaScript is a constant of the exported graph
  traced('tensor', [], t, (g) => g.constant(dtype, shape, host));
  return withGrad(t, o.requiresGrad);
}

/** The ONNX mapping of a tensor filled with v: the scalar expanded to the (possibly dynamic) shape. */
function filledOnnx(v: number): Lowering {
  return (g, _, [o]) => g.op('Expand', [g.constant(o.dtype, [], [v]), g.sizes(o._shape)]);
}

/** @internal Sets every element of t to v. */
export function fillInPlace(t: Tensor, v: number | boolean, op: string): Tensor {
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`${String(op)}: fill value must be a number or boolean, got ${typeof v}`);
  if (DTYPE_CODE[t.dtype] < 0) { if (t.numel > 0) complexHook('fill', op, t.dtype)(t, +v, op); return t; }
  if (t.numel > 0) call(FILL, op, [t], [+v]);
  return t;
}

const EMPTY_ARGS = sizedSignature('empty');
const ZEROS_ARGS = sizedSignature('zeros');
const ONES_ARGS = sizedSignature('ones');

/** Uninitialised memory of the given size: `fl.empty(2, 3)`, `fl.empty([2, 3], { pinned: true })`. */
export function empty(...args: SizeArgs): Tensor {
  const o = sizedArgs(EMPTY_ARGS, args);
  return withGrad(emptyTensor(o.shape, o.dtype ?? getDefaultDtype(), parseDevice(o.device, 'empty'), false, 'empty', o.pinned), o.requiresGrad);
}
/** All zeros: `fl.zeros(2, 3)`, `fl.zeros([2, 3], { dtype: 'int32' })`. */
export function zeros(...args: SizeArgs): Tensor {
  const o = sizedArgs(ZEROS_ARGS, args);
  const t = emptyTensor(o.shape, o.dtype ?? getDefaultDtype(), parseDevice(o.device, 'zeros'), true, 'zeros', o.pinned);
  return withGrad(traced('zeros', [], t, filledOnnx(0)), o.requiresGrad);
}
/** All ones: `fl.ones(4)`, `fl.ones(2, 3, { requiresGrad: true })`. */
export function ones(...args: SizeArgs): Tensor {
  const o = sizedArgs(ONES_ARGS, args);
  const t = emptyTensor(o.shape, o.dtype ?? getDefaultDtype(), parseDevice(o.device, 'ones'), false, 'ones', o.pinned);
  try { fillInPlace(t, 1, 'ones'); } catch (e) { t.dispose(); throw e; }
  return withGrad(traced('ones', [], t, filledOnnx(1)), o.requiresGrad);
}

const sizeValue: A.Check<number[]> = (v, where) => checkShape(v, where.split(':')[0]);
const fillValue: A.Check<number | boolean> = (v, where) => {
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`${where} must be a number or boolean, got ${typeof v}`);
  return v;
};
const FULL_ARGS = signature('full', ['size', 'fillValue'], { size: required(sizeValue), fillValue: required(fillValue), ...FACTORY_KEYWORDS });

/**
 * Filled with `fillValue`: `fl.full([2, 2], 7)` (the size is one array, as PyTorch's tuple).
 * The dtype defaults to the default dtype (float32 unless `fl.setDefaultDtype` changed it), even for
 * an integral value (JS has no `7` vs `7.0`; torch gives int64 for a Python int); bool for a boolean.
 */
export function full(size: readonly number[] | number, fillValue: number | boolean, options?: TensorOptions): Tensor;
export function full(...args: unknown[]): Tensor {
  const o = FULL_ARGS.parse(args);
  const dtype = o.dtype ?? (typeof o.fillValue === 'boolean' ? 'bool' : getDefaultDtype());
  const t = emptyTensor(o.size, dtype, parseDevice(o.device, 'full'), false, 'full', o.pinned);
  try { fillInPlace(t, o.fillValue, 'full'); } catch (e) { t.dispose(); throw e; }
  return withGrad(traced('full', [], t, filledOnnx(+o.fillValue)), o.requiresGrad);
}

const LIKE = {
  zerosLike: likeSignature('zerosLike'), onesLike: likeSignature('onesLike'), emptyLike: likeSignature('emptyLike'),
  fullLike: signature('fullLike', ['input', 'fillValue'], { input: required(A.tensor), fillValue: required(fillValue), ...LIKE_KEYWORDS }),
};
function likeOpts(o: { input: Tensor; dtype?: DType; device?: string; requiresGrad: boolean }, op: string): TensorOptions {
  o.input._handleFor(op);
  return { dtype: o.dtype ?? o.input.dtype, device: o.device ?? o.input.device, requiresGrad: o.requiresGrad };
}
/** Zeros with t's shape, dtype and device. */
export function zerosLike(t: Tensor, options?: LikeOptions): Tensor;
export function zerosLike(...args: unknown[]): Tensor { const o = LIKE.zerosLike.parse(args); return zeros(o.input._shape, likeOpts(o, 'zerosLike')); }
/** Ones with t's shape, dtype and device. */
export function onesLike(t: Tensor, options?: LikeOptions): Tensor;
export function onesLike(...args: unknown[]): Tensor { const o = LIKE.onesLike.parse(args); return ones(o.input._shape, likeOpts(o, 'onesLike')); }
/** `value` with t's shape, dtype and device. */
export function fullLike(t: Tensor, fillValue: number | boolean, options?: LikeOptions): Tensor;
export function fullLike(...args: unknown[]): Tensor { const o = LIKE.fullLike.parse(args); return full(o.input._shape, o.fillValue, likeOpts(o, 'fullLike')); }
/** Uninitialised, with t's shape, dtype and device. */
export function emptyLike(t: Tensor, options?: LikeOptions): Tensor;
export function emptyLike(...args: unknown[]): Tensor { const o = LIKE.emptyLike.parse(args); return empty(o.input._shape, likeOpts(o, 'emptyLike')); }

const finiteNum = A.num({ gt: -Infinity, lt: Infinity });
const ARANGE_ARGS = signature('arange', ['start', 'end', 'step'], {
  start: required(finiteNum), end: optional(finiteNum), step: optional(finiteNum, 1), ...FACTORY_KEYWORDS,
});

/**
 * Values from start (inclusive) to end (exclusive) by step, as `torch.arange`:
 * `fl.arange(5)` → [0..4] (int32), `fl.arange(0, 1, 0.25)` → the default dtype (float32).
 */
export function arange(end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number | undefined, step: number, options?: TensorOptions): Tensor;
export function arange(...args: unknown[]): Tensor {
  const o = ARANGE_ARGS.parse(args);
  let { start, end } = o;
  let step = o.step;
  if (end === undefined) { end = start; start = 0; }
  // An integer dtype takes its arguments as integers first, as torch's arange (1, 3.5, 2 -> [1];
  // a step of 0.5 is 0 there, refused)
  if (isIntegerDType(o.dtype)) { start = Math.trunc(start); end = Math.trunc(end); step = Math.trunc(step); }
  if (step === 0) throw new ValueError(`arange: step must be nonzero${o.step !== 0 ? ` (step ${String(o.step)} as ${String(o.dtype)} is 0)` : ''}`);
  if ((end - start) / step < 0) throw new ValueError(`arange: upper bound and step sign are inconsistent (start ${String(start)}, end ${String(end)}, step ${String(step)})`);
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = o.dtype ?? (allInt ? 'int32' : getDefaultDtype());
  const n = Math.ceil((end - start) / step);
  const t = emptyTensor(checkShape([n], 'arange'), dtype, parseDevice(o.device, 'arange'), false, 'arange', o.pinned);
  try { if (n > 0) call(ARANGE, 'arange', [t], [start, step]); } catch (e) { t.dispose(); throw e; }
  const s0 = start, e0 = end;
  traced('arange', [], t, (g) => (allInt
    // integer bounds may follow a dynamic axis (arange(T)): computed in int64, then cast
    ? g.cast(g.op('Range', [g.size(s0), g.size(e0), g.size(step)]), 'int64', dtype)
    : g.op('Range', [g.constant(dtype, [], [s0]), g.constant(dtype, [], [e0]), g.constant(dtype, [], [step])])));
  return withGrad(t, o.requiresGrad);
}

/** int32 or uint8: arange and linspace take their bounds as integers first for these, as torch. */
function isIntegerDType(dt: DType | undefined): boolean { return dt !== undefined && dt !== 'bool' && !isFloatingDType(dt); }

const LINSPACE_ARGS = signature('linspace', ['start', 'end', 'steps'], {
  start: required(A.num()), end: required(A.num()), steps: required(A.int({ min: 0 })), ...FACTORY_KEYWORDS,
});
/** `steps` evenly spaced values from start to end inclusive: `fl.linspace(0, 1, 5)`. */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor;
export function linspace(...args: unknown[]): Tensor {
  const o = LINSPACE_ARGS.parse(args);
  const t = emptyTensor(checkShape([o.steps], 'linspace'), o.dtype ?? getDefaultDtype(), parseDevice(o.device, 'linspace'), false, 'linspace', o.pinned);
  // an integer dtype takes start and end as integers first, as torch's linspace (0, 3.5, 6 steps
  // spaces 0..3, not 0..3.5, before the values are truncated)
  const [s0, e0] = isIntegerDType(o.dtype) ? [Math.trunc(o.start), Math.trunc(o.end)] : [o.start, o.end];
  try { if (o.steps > 0) call(LINSPACE, 'linspace', [t], [s0, e0]); } catch (e) { t.dispose(); throw e; }
  return withGrad(t, o.requiresGrad);
}

const EYE_ARGS = signature('eye', ['n', 'm'], { n: required(A.int({ min: 0 })), m: optional(A.int({ min: 0 })), ...FACTORY_KEYWORDS });
/** An n x m matrix with ones on the diagonal: `fl.eye(3)`, `fl.eye(2, 3, { dtype: 'float64' })`. */
export function eye(n: number, options?: TensorOptions): Tensor;
export function eye(n: number, m: number, options?: TensorOptions): Tensor;
export function eye(...args: unknown[]): Tensor {
  const o = EYE_ARGS.parse(args);
  const n = o.n, m = o.m ?? o.n;
  const t = emptyTensor(checkShape([n, m], 'eye'), o.dtype ?? getDefaultDtype(), parseDevice(o.device, 'eye'), true, 'eye', o.pinned);
  const k = Math.min(n, m);
  if (k > 0) {
    const diag = t._view([k], [m + 1], 0);
    try { fillInPlace(diag, 1, 'eye'); } catch (e) { t.dispose(); throw e; } finally { diag.dispose(); }
  }
  // ONNX: EyeLike of zeros of the (possibly dynamic) size
  return withGrad(traced('eye', [], t, (g, _, [y]) => g.op('EyeLike', [filledOnnx(0)(g, [], [y]) as string])), o.requiresGrad);
}


declare module '../tensor' {
  interface Tensor {
    /** Sets every element to `value` in place and returns this tensor. */
    fill_(value: number | boolean): Tensor;
    /** Sets every element to zero in place. */
    zero_(): Tensor;
  }
}
Tensor.prototype.fill_ = function (v) { if (arguments.length > 1) tooManyArgs('fill_', 'value', arguments); checkInplace(this, 'fill_'); checkFillValue(v, this.dtype, 'fill_'); return fillInPlace(this, v, 'fill_'); };
Tensor.prototype.zero_ = function () { if (arguments.length > 0) tooManyArgs('zero_', '', arguments); checkInplace(this, 'zero_'); return fillInPlace(this, 0, 'zero_'); };
