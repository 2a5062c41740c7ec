// creation.ts — making tensors: from JS data (`tensor`), filled (`zeros`, `ones`, `full`, `empty`),
// ranges (`arange`, `linspace`), `eye`, and the `*Like` forms.
import { checkDType, DType, DTYPE_CODE, hostArrayFor, TypedArray } from '../dtype';
import { parseDevice } from '../device';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { binding, call, guard, opId } from '../native';
import { checkShape, fmt } from '../shape';
import { contiguousCopy, emptyTensor, Tensor } from '../tensor';
import { checkInplace } from './elementwise';

const FILL = opId('fill');
const ARANGE = opId('arange');
const LINSPACE = opId('linspace');

/** Options accepted by creation functions. */
export interface TensorOptions {
  /** Element type; defaults to float32 (or inferred from the data for `tensor`). */
  dtype?: DType;
  /** `'cpu'` (default), `'cuda'`, `'cuda:N'`. */
  device?: string;
  /**
   * CPU only: allocate page-locked (pinned) host memory, from which copies to a GPU run
   * asynchronously (`t.to('cuda', { nonBlocking: true })`). Needs a usable GPU.
   */
  pinned?: boolean;
}

/** Nested arrays of numbers or booleans, a TypedArray, or a single value. */
export type NestedData = number | boolean | TypedArray | Int8Array | Int16Array | Uint16Array | Uint32Array | readonly NestedData[];

function inferFromTyped(a: ArrayBufferView, op: string): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array || a instanceof Int16Array || a instanceof Int8Array || a instanceof Uint16Array) return 'int32';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof Uint32Array) return 'float64';
  throw new DTypeError(`${String(op)}: unsupported data ${String(a.constructor.name)} (use Float32Array, Float64Array, Int32Array or Uint8Array)`);
}

/** @internal Flattens nested data; returns the shape, the values and the inferred dtype. */
function flatten(data: NestedData, op: string): { shape: number[]; values: ArrayLike<number | boolean>; inferred: DType } {
  if (typeof data === 'number' || typeof data === 'boolean') {
    return { shape: [], values: [data], inferred: typeof data === 'boolean' ? 'bool' : Number.isInteger(data) && Math.abs(data) <= 2147483647 ? 'int32' : 'float32' };
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
  const inferred: DType = values.length === 0 ? 'float32' : allBool ? 'bool' : allInt ? 'int32' : 'float32';
  return { shape, values, inferred };
}

/**
 * A tensor from nested arrays, a TypedArray or a number. The dtype is inferred (integers →
 * int32, booleans → bool, other numbers → float32; TypedArrays by type) unless given.
 *
 * ```ts
 * fl.tensor([[1, 2], [3, 4]]);                   // int32, shape [2, 2]
 * fl.tensor([0.5, 1.5], { dtype: 'float64' });
 * fl.tensor(new Float32Array(6)).reshape([2, 3]);
 * ```
 */
export function tensor(data: NestedData | Tensor, options: TensorOptions = {}): Tensor {
  const device = parseDevice(options.device, 'tensor');
  if (data instanceof Tensor) {
    return contiguousCopy(data, 'tensor', options.dtype ? checkDType(options.dtype, 'tensor') : data.dtype);
  }
  const { shape, values, inferred } = flatten(data as NestedData, 'tensor');
  const dtype = options.dtype === undefined ? inferred : checkDType(options.dtype, 'tensor');
  const t = emptyTensor(shape, dtype, device, false, 'tensor', !!options.pinned);
  const n = values.length;
  if (n === 0) return t;
  let host: TypedArray;
  const direct = ArrayBuffer.isView(values) && hostArrayFor(dtype, 0).constructor === values.constructor;
  if (direct) host = values as TypedArray;
  else {
    host = hostArrayFor(dtype, n);
    if (dtype === 'bool') for (let i = 0; i < n; i++) host[i] = values[i] ? 1 : 0;
    else if (dtype === 'int32' || dtype === 'uint8') for (let i = 0; i < n; i++) { const v = +values[i]; host[i] = Number.isFinite(v) ? Math.trunc(v) : 0; }
    else for (let i = 0; i < n; i++) host[i] = +values[i];
  }
  try {
    guard(() => binding.upload(t._handleFor('tensor'), 0, host, DTYPE_CODE[dtype]));
  } catch (e) { t.dispose(); throw e; }
  return t;
}

/** @internal Sets every element of t to v. */
export function fillInPlace(t: Tensor, v: number | boolean, op: string): Tensor {
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`${String(op)}: fill value must be a number or boolean, got ${typeof v}`);
  if (t.numel > 0) call(FILL, op, [t], [+v]);
  return t;
}

function opts(o: TensorOptions | undefined, op: string): { dtype: DType; device: ReturnType<typeof parseDevice>; pinned: boolean } {
  return { dtype: o?.dtype === undefined ? 'float32' : checkDType(o.dtype, op), device: parseDevice(o?.device, op), pinned: !!o?.pinned };
}

/** Uninitialised memory of the given shape: `fl.empty([2, 3])`. */
export function empty(shape: readonly number[] | number, options?: TensorOptions): Tensor {
  const o = opts(options, 'empty');
  return emptyTensor(checkShape(shape, 'empty'), o.dtype, o.device, false, 'empty', o.pinned);
}
/** All zeros: `fl.zeros([2, 3], { dtype: 'int32' })`. */
export function zeros(shape: readonly number[] | number, options?: TensorOptions): Tensor {
  const o = opts(options, 'zeros');
  return emptyTensor(checkShape(shape, 'zeros'), o.dtype, o.device, true, 'zeros', o.pinned);
}
/** All ones: `fl.ones([4])`. */
export function ones(shape: readonly number[] | number, options?: TensorOptions): Tensor {
  return full(shape, 1, options);
}
/** Filled with `value`: `fl.full([2, 2], 7)`. The dtype defaults to float32 (bool for a boolean value). */
export function full(shape: readonly number[] | number, value: number | boolean, options?: TensorOptions): Tensor {
  const o = opts(options?.dtype === undefined && typeof value === 'boolean' ? { ...options, dtype: 'bool' } : options, 'full');
  const t = emptyTensor(checkShape(shape, 'full'), o.dtype, o.device, false, 'full', o.pinned);
  try { return fillInPlace(t, value, 'full'); } catch (e) { t.dispose(); throw e; }
}

function likeOpts(t: Tensor, options: TensorOptions | undefined, op: string): TensorOptions {
  if (!(t instanceof Tensor)) throw new ValueError(`${String(op)}: expected a Tensor`);
  t._handleFor(op);
  return { dtype: options?.dtype ?? t.dtype, device: options?.device ?? t.device };
}
/** Zeros with t's shape, dtype and device. */
export function zerosLike(t: Tensor, options?: TensorOptions): Tensor { return zeros(t._shape, likeOpts(t, options, 'zerosLike')); }
/** Ones with t's shape, dtype and device. */
export function onesLike(t: Tensor, options?: TensorOptions): Tensor { return ones(t._shape, likeOpts(t, options, 'onesLike')); }
/** `value` with t's shape, dtype and device. */
export function fullLike(t: Tensor, value: number | boolean, options?: TensorOptions): Tensor { return full(t._shape, value, likeOpts(t, options, 'fullLike')); }
/** Uninitialised, with t's shape, dtype and device. */
export function emptyLike(t: Tensor, options?: TensorOptions): Tensor { return empty(t._shape, likeOpts(t, options, 'emptyLike')); }

/**
 * Values from start (inclusive) to end (exclusive) by step, as `torch.arange`:
 * `fl.arange(5)` → [0..4] (int32), `fl.arange(0, 1, 0.25)` → float32.
 */
export function arange(start: number, end?: number, step = 1, options?: TensorOptions): Tensor {
  if (end === undefined) { end = start; start = 0; }
  for (const [k, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`arange: ${String(k)} must be a finite number, got ${String(v)}`);
  }
  if (step === 0) throw new ValueError('arange: step must be nonzero');
  if ((end - start) / step < 0) throw new ValueError(`arange: upper bound and step sign are inconsistent (start ${String(start)}, end ${String(end)}, step ${String(step)})`);
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = options?.dtype === undefined ? (allInt ? 'int32' : 'float32') : checkDType(options.dtype, 'arange');
  const n = Math.ceil((end - start) / step);
  const t = emptyTensor(checkShape([n], 'arange'), dtype, parseDevice(options?.device, 'arange'), false, 'arange');
  if (n > 0) call(ARANGE, 'arange', [t], [start, step]);
  return t;
}

/** `steps` evenly spaced values from start to end inclusive: `fl.linspace(0, 1, 5)`. */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  if (typeof start !== 'number' || typeof end !== 'number') throw new ValueError('linspace: start and end must be numbers');
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: steps must be a non-negative integer, got ${String(steps)}`);
  const o = opts(options, 'linspace');
  const t = emptyTensor(checkShape([steps], 'linspace'), o.dtype, o.device, false, 'linspace');
  if (steps > 0) call(LINSPACE, 'linspace', [t], [start, end]);
  return t;
}

/** An n x m matrix with ones on the diagonal: `fl.eye(3)`. */
export function eye(n: number, m: number = n, options?: TensorOptions): Tensor {
  const o = opts(options, 'eye');
  const shape = checkShape([n, m], 'eye');
  const t = emptyTensor(shape, o.dtype, o.device, true, 'eye');
  const k = Math.min(n, m);
  if (k > 0) {
    const diag = t._view([k], [m + 1], 0);
    try { fillInPlace(diag, 1, 'eye'); } finally { diag.dispose(); }
  }
  return t;
}


declare module '../tensor' {
  interface Tensor {
    /** Sets every element to `value` in place and returns this tensor. */
    fill_(value: number | boolean): Tensor;
    /** Sets every element to zero in place. */
    zero_(): Tensor;
  }
}
Tensor.prototype.fill_ = function (v) { checkInplace(this, 'fill_'); return fillInPlace(this, v, 'fill_'); };
Tensor.prototype.zero_ = function () { checkInplace(this, 'zero_'); return fillInPlace(this, 0, 'zero_'); };
