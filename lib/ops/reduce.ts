// reduce.ts — reductions over all elements or over dims: sum, prod, mean, amax/amin, max/min
// (values, or {values, indices} along a dim), argmax/argmin, var/std, logsumexp, all/any.
// One native entry each for value reductions ('reduce', code in REDUCE) and index reductions
// ('argreduce'); the kernel (native/cpu/reduce.cpp) takes the output in the input's rank with the
// reduced dims of size 1 and works out the loop from the strides, so views need no copy.
//
// Arguments are PyTorch-shaped: `sum(x)`, `sum(x, dim)`, `sum(x, dim, keepdim)` or
// `sum(x, { dim, keepdim })`, where dim is a number or an array of numbers (negative counts from
// the end; an empty array reduces every dim, as torch 1.x does).
// dtypes: sum/prod of bool, uint8 and int32 give int32 (PyTorch gives int64: flintml has no int64,
// and the result wraps like int32 arithmetic); float16/bfloat16 accumulate in float32/float64 and
// return their own dtype; mean/var/std need a floating dtype (DTypeError otherwise, as PyTorch);
// logsumexp computes integers in float32; all/any give bool; indices are int32.
//
// Gradients (section "gradients" below): sum, mean, prod (exact with zeros), amax/amin and
// max()/min() without dim (split evenly among ties, as PyTorch), max/min along a dim (to the
// returned index), var/std, logsumexp. argmax/argmin/all/any are not differentiable.
import { namedTuple } from '../named-tuple';
import { isGradEnabled, needsGrad, record } from '../autograd';
import { traced, tracedMany, traceState } from '../trace';
import type { OnnxGraph } from '../trace';
import { nanExtremum, nanKey } from '../onnx/lower';
import { DType, isFloating } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, IndexError, ValueError } from '../errors';
import { describeArg } from '../arity';
import { call, opId, OperandView } from '../native';
import { contiguousStrides, fmt, normDim, normDims, numel, range } from '../shape';
import { complexHook, contiguousCopy, emptyTensor, isComplexTensor, scopeSync, Tensor } from '../tensor';
import { REDUCE } from './codes';
import { div, eq, exp, isnan, logicalAnd, logicalOr, maximum, minimum, mul, sub, where } from './elementwise';
import { scatterIntoZeros } from './indexing';
import { expand, reshape } from './views';
import { checkKeys, tooManyArgs } from '../args';

const REDUCE_OP = opId('reduce');
const ARGREDUCE_OP = opId('argreduce');

/** @internal Names of the 'reduce' kernel's codes (REDUCE: generated from native/core/reduce.h). */
type ReduceName = keyof typeof REDUCE;

/** One dim or several. */
export type Dims = number | readonly number[];

/** Options of the reductions: `fl.sum(x, { dim: 1, keepdim: true })`. */
export interface ReduceOptions {
  /** Dim(s) to reduce; all dims when omitted (or null). */
  dim?: Dims | null;
  /** Keep the reduced dims with size 1 (default false). */
  keepdim?: boolean;
  /** sum/prod/mean: cast the input to this dtype first (as torch's `dtype=`). */
  dtype?: DType;
}

/** Options of var/std: `correction` (default 1, Bessel's) or the older `unbiased` flag. */
export interface VarOptions extends ReduceOptions {
  /** Subtracted from the element count in the divisor (default 1; 0 gives the population variance). */
  correction?: number;
  /** `true` is correction 1, `false` correction 0 (torch's older spelling). */
  unbiased?: boolean;
}

/** Options of max/min/argmax/argmin along one dim. */
export interface DimOptions {
  dim?: number | null;
  keepdim?: boolean;
}

/**
 * What max/min along a dim, sort and topk return, as PyTorch's named tuple: a two-element array
 * `[values, indices]` that also has `.values` and `.indices` (indices are int32). Both spellings work:
 *
 * ```ts
 * const [values, indices] = x.max(1);
 * const { values: v, indices: i } = x.max(1);
 * ```
 */
export type ValuesIndices = readonly [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

/** @internal Builds a {@link ValuesIndices}: an array (so it destructures and scopes keep both) with named read-only fields. */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return namedTuple(['values', 'indices'], [values, indices]) as unknown as ValuesIndices;
}


function need(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${String(op)}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  x._handleFor(op);
  return x;
}

function isOptions(v: unknown): v is ReduceOptions & VarOptions {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Tensor);
}

/** @internal Reads (dim | options, keepdim | options) into one options object. */
// The option keys each reduction reads (an unknown or misspelled key throws, naming the closest).
const KEYS: Record<string, readonly string[]> = {
  sum: ['dim', 'keepdim', 'dtype'], prod: ['dim', 'keepdim', 'dtype'], mean: ['dim', 'keepdim', 'dtype'],
  var: ['dim', 'keepdim', 'correction', 'unbiased'], std: ['dim', 'keepdim', 'correction', 'unbiased'],
};
function readArgs(op: string, dimOrOpts: unknown, keepdimOrOpts: unknown): VarOptions {
  const keys = KEYS[op] ?? ['dim', 'keepdim'];
  if (isOptions(dimOrOpts)) checkKeys(op, dimOrOpts, keys);
  if (isOptions(keepdimOrOpts)) checkKeys(op, keepdimOrOpts, keys);
  let o: VarOptions = {};
  if (isOptions(dimOrOpts)) o = { ...dimOrOpts };
  else if (dimOrOpts !== undefined && dimOrOpts !== null) {
    if (typeof dimOrOpts !== 'number' && !Array.isArray(dimOrOpts)) {
      throw new ValueError(`${String(op)}: dim must be a number or an array of numbers, got ${describeArg(dimOrOpts)}`);
    }
    o.dim = dimOrOpts as Dims;
  }
  if (isOptions(keepdimOrOpts)) o = { ...o, ...keepdimOrOpts };
  else if (keepdimOrOpts !== undefined) {
    if (typeof keepdimOrOpts !== 'boolean') throw new ValueError(`${String(op)}: keepdim must be a boolean, got ${describeArg(keepdimOrOpts)}`);
    o.keepdim = keepdimOrOpts;
  }
  if (o.keepdim !== undefined && typeof o.keepdim !== 'boolean') throw new ValueError(`${String(op)}: keepdim must be a boolean, got ${describeArg(o.keepdim)}`);
  return o;
}

/** @internal Reduced dims (sorted) of x for a dim argument; an empty list means every dim. */
function reducedDims(x: Tensor, dim: Dims | null | undefined, op: string): number[] {
  const nd = x._shape.length;
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) return range(nd);
  const dims = normDims(dim, nd, op);
  return nd === 0 ? [] : dims;  // a 0-dim tensor accepts dim 0 / -1 and reduces nothing
}

/** @internal Output shapes: with the reduced dims kept as 1, and as returned. */
function outShapes(shape: readonly number[], dims: readonly number[], keepdim: boolean): [number[], number[]] {
  const kept = shape.map((s, i) => (dims.includes(i) ? 1 : s));
  return [kept, keepdim ? kept : shape.filter((_, i) => !dims.includes(i))];
}

/** @internal Views the contiguous `out` (of `shape`) in the input's rank for the kernel. */
function keepdimView(out: Tensor, keptShape: number[]): OperandView {
  return {
    dtype: out.dtype, _shape: keptShape, _strides: contiguousStrides(keptShape), _offset: 0, _storage: out._storage,
    _handleFor: (o: string) => out._handleFor(o),
  };
}

function castInput(x: Tensor, dt: DType, op: string, temps: Tensor[]): Tensor {
  if (x.dtype === dt) return x;
  const c = contiguousCopy(x, op, dt);
  temps.push(c);
  return c;
}

function resultDType(name: ReduceName, dt: DType, op: string): { input: DType; out: DType } {
  switch (name) {
    case 'sum': case 'prod':
      return { input: dt, out: isFloating(dt) ? dt : 'int32' };
    case 'mean':
      if (!isFloating(dt)) throw new DTypeError(`${String(op)}: could not infer the output dtype: input dtype must be floating, got ${String(dt)} (pass { dtype: 'float32' })`);
      return { input: dt, out: dt };
    case 'var': case 'std':
      if (!isFloating(dt)) throw new DTypeError(`${String(op)}: only floating dtypes are supported, got ${String(dt)}`);
      return { input: dt, out: dt };
    case 'logsumexp': {
      const f = isFloating(dt) ? dt : getDefaultDtype();
      return { input: f, out: f };
    }
    case 'amax': case 'amin':
      return { input: dt, out: dt };
    case 'all': case 'any':  // bool, but uint8 for uint8 (torch's rule, kept from its byte masks)
      return { input: dt, out: dt === 'uint8' ? 'uint8' : 'bool' };
  }
}

/** A value reduction's ONNX nodes (x already in the compute dtype `dt`; `n` elements per result). */
function lowerReduce(g: OnnxGraph, name: ReduceName, x: string, dt: DType, outDt: DType, dims: readonly number[], keepdim: boolean, correction: number, n: number): string {
  if (dims.length === 0) return g.op('Identity', [g.cast(x, dt, outDt)]);  // ONNX reduces everything when given no axes
  switch (name) {
    case 'sum': return g.reduce('ReduceSum', g.cast(x, dt, outDt), dims, keepdim);
    case 'prod': return g.reduce('ReduceProd', g.cast(x, dt, outDt), dims, keepdim);
    case 'mean': return g.reduce('ReduceMean', x, dims, keepdim);
    case 'amax': return nanExtremum(g, 'ReduceMax', x, dt, dims, keepdim);   // NaN propagates, as torch's
    case 'amin': return nanExtremum(g, 'ReduceMin', x, dt, dims, keepdim);
    case 'logsumexp': return g.reduce('ReduceLogSumExp', x, dims, keepdim);
    case 'var': case 'std': {
      const d = g.op('Sub', [x, g.reduce('ReduceMean', x, dims, true)]);
      let v = g.reduce('ReduceMean', g.op('Mul', [d, d]), dims, keepdim);
      if (correction !== 0) {  // · n / (n - correction), n a size (it may follow a dynamic axis)
        const count = g.cast(g.size(n), 'int64', dt);
        v = g.op('Div', [g.op('Mul', [v, count]), g.op('Sub', [count, g.constant(dt, [], [correction])])]);
      }
      return name === 'std' ? g.op('Sqrt', [v]) : v;
    }
    case 'all': case 'any': {
      const i = g.cast(g.cast(x, dt, 'bool'), 'bool', 'int32');
      return g.cast(g.reduce(name === 'all' ? 'ReduceMin' : 'ReduceMax', i, dims, keepdim), 'int32', outDt);
    }
  }
}

/** @internal Runs one value reduction. */
function reduce(name: ReduceName, x: Tensor, o: VarOptions, op: string = name): Tensor {
  if (isComplexTensor(x)) return complexHook('reduce', op, x.dtype)(op, x, o);
  need(x, op);
  const temps: Tensor[] = [];
  try {
    let src = x;
    if (o.dtype !== undefined) {
      if (name !== 'sum' && name !== 'prod' && name !== 'mean') throw new ValueError(`${String(op)}: the dtype option is not supported`);
      src = castInput(x, o.dtype, op, temps);
    }
    const dims = reducedDims(src, o.dim, op);
    const keepdim = o.keepdim ?? false;
    const { input, out: outDt } = resultDType(name, src.dtype, op);
    src = castInput(src, input, op, temps);
    if (name === 'amax' || name === 'amin') {
      for (const d of dims) {
        if (src._shape[d] === 0) throw new IndexError(`${String(op)}: expected reduction dim ${String(d)} to have non-zero size, input ${fmt(src._shape)}`);
      }
    }
    let correction = 0;
    if (name === 'var' || name === 'std') {
      if (o.correction !== undefined && o.unbiased !== undefined) throw new ValueError(`${String(op)}: give correction or unbiased, not both`);
      correction = o.correction ?? (o.unbiased === false ? 0 : 1);
      if (typeof correction !== 'number' || !Number.isFinite(correction)) throw new ValueError(`${String(op)}: correction must be a finite number, got ${describeArg(correction)}`);
    }
    const [keptShape, shape] = outShapes(src._shape, dims, keepdim);
    const nativeDt = name === 'all' || name === 'any' ? 'bool' : outDt;
    let out = emptyTensor(shape, nativeDt, src._storage.device, false, op);
    try {
      if (numel(shape) > 0) call(REDUCE_OP, op, [keepdimView(out, keptShape), src], [REDUCE[name], correction]);
      if (nativeDt !== outDt) { const c = contiguousCopy(out, op, outDt); out.dispose(); out = c; }
    } catch (e) {
      out.dispose();
      throw e;
    }
    if (name !== 'all' && name !== 'any' && isFloating(outDt) && needsGrad(x)) recordReduce(name, op, x, out, dims, keptShape, correction);
    const n = dims.reduce((p, d) => p * src._shape[d], 1);
    return traceState.tracer === null ? out : traced(op, [x], out, (g, [vx]) => lowerReduce(g, name, g.cast(vx.name, vx.dtype, input), input, outDt, dims, keepdim, correction, n));
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** @internal argmax/argmin along one dim (or the flattened tensor): values and int32 indices. */
function argReduce(isMax: boolean, x: Tensor, dim: number | null | undefined, keepdim: boolean, op: string): ValuesIndices {
  need(x, op);
  const nd = x._shape.length;
  let dims: number[];
  if (dim === undefined || dim === null) {
    if (x.numel === 0) {
      const cls = op === 'max' || op === 'min' ? ValueError : IndexError;
      throw new cls(`${op}: expected a reduction dim to be given for an empty input ${fmt(x._shape)}`);
    }
    dims = range(nd);
  } else {
    const d = normDim(dim, nd, op);
    dims = nd === 0 ? [] : [d];
    if (nd > 0 && x._shape[d] === 0) throw new IndexError(`${String(op)}: expected reduction dim ${String(d)} to have non-zero size, input ${fmt(x._shape)}`);
  }
  if (typeof keepdim !== 'boolean') throw new ValueError(`${String(op)}: keepdim must be a boolean, got ${describeArg(keepdim)}`);
  const [keptShape, shape] = outShapes(x._shape, dims, keepdim);
  const dev = x._storage.device;
  const values = emptyTensor(shape, x.dtype, dev, false, op);
  const indices = emptyTensor(shape, 'int32', dev, false, op);
  try {
    if (numel(shape) > 0) {
      call(ARGREDUCE_OP, op, [keepdimView(values, keptShape), keepdimView(indices, keptShape), x], [isMax ? 0 : 1]);
    }
  } catch (e) {
    values.dispose();
    indices.dispose();
    throw e;
  }
  if (traceState.tracer !== null) tracedMany(op, [x], [values, indices], (g, [vx]) => {
    // ONNX's ArgMax/ArgMin take one axis: the flattened tensor when no dim is given
    const whole = dim === undefined || dim === null;
    const src = whole && nd > 0 ? g.op('Reshape', [vx.name, g.ints([-1])]) : vx.name;
    if (nd === 0) return [g.op('Identity', [vx.name]), g.constant('int32', [], [0])];
    const axis = whole ? 0 : dims[0];
    // the first NaN is torch's answer (onnxruntime's ArgMax/ReduceMax skip NaN): a key where it wins
    const key = nanKey(g, src, x.dtype, isMax);
    let idx = g.cast(g.op(isMax ? 'ArgMax' : 'ArgMin', [key], { axis, keepdims: keepdim && !whole ? 1 : 0 }), 'int64', 'int32');
    let val = nanExtremum(g, isMax ? 'ReduceMax' : 'ReduceMin', src, x.dtype, [axis], keepdim && !whole);
    if (whole && keepdim) { idx = g.op('Reshape', [idx, g.ints(keptShape)]); val = g.op('Reshape', [val, g.ints(keptShape)]); }
    return [val, idx];
  });
  return valuesIndices(values, indices);
}

function readDimArgs(op: string, dimOrOpts: unknown, keepdim: unknown): { dim: number | null | undefined; keepdim: boolean } {
  const o = readArgs(op, dimOrOpts, keepdim);
  if (Array.isArray(o.dim)) throw new ValueError(`${String(op)}: dim must be a single number, got ${describeArg(o.dim)}`);
  return { dim: o.dim as number | null | undefined, keepdim: o.keepdim ?? false };
}

// ---- public ops ------------------------------------------------------------------------------

/** The public form of a reduction: `(x, dim?, keepdim?)`, with the options object in either place. */
function reduction(name: ReduceName): (x: Tensor, dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions) => Tensor {
  return function (x, dim, keepdim) {
    if (arguments.length > 3) tooManyArgs(name, 'input, dim, keepdim', arguments);
    return reduce(name, x, readArgs(name, dim, keepdim));
  };
}

/**
 * Sum of the elements, over all dims or `dim`. Integer and bool inputs give int32.
 * ```ts
 * const x = fl.tensor([[1, 2], [3, 4]]);
 * fl.sum(x).item();              // 10
 * fl.sum(x, 0).toArray();        // [4, 6]
 * x.sum(1, true).shape;          // [2, 1]
 * fl.sum(x, { dim: [0, 1] });    // tensor(10)
 * ```
 */
export const sum = reduction('sum');

/** Product of the elements (integer and bool inputs give int32): `fl.prod(fl.tensor([2, 3])).item() // 6` */
export const prod = reduction('prod');

/**
 * Mean of the elements of a floating tensor (DTypeError for integers, as PyTorch; pass
 * `{ dtype: 'float32' }` to convert). The mean of nothing is NaN.
 * `fl.mean(fl.tensor([1, 2, 3, 4]), 0).item() // 2.5`
 */
export const mean = reduction('mean');

/** Largest value over `dim` (one or several dims; all when omitted), NaN if any is NaN: `x.amax([0, 1])`. */
export const amax = reduction('amax');

/** Smallest value over `dim` (one or several dims; all when omitted), NaN if any is NaN. */
export const amin = reduction('amin');

/**
 * `max(x)`: the largest element (a 0-dim tensor; NaN if any is NaN).
 * `max(x, dim, keepdim?)`: `{ values, indices }` along `dim` (indices int32; the first of equal
 * maxima). `max(x, other)`: the elementwise maximum, as `fl.maximum`.
 * ```ts
 * const x = fl.tensor([[1, 5], [7, 2]]);
 * fl.max(x).item();                         // 7
 * const { values, indices } = x.max(1);     // values [5, 7], indices [1, 0]
 * ```
 */
export const max = extremeOp(true);

/** `min(x)`, `min(x, dim, keepdim?)` → `{ values, indices }`, `min(x, other)`: as `max`, for the smallest. */
export const min = extremeOp(false);

/** The overloads of `max` and `min`. */
export interface ExtremeFn {
  (x: Tensor): Tensor;
  (x: Tensor, other: Tensor): Tensor;
  (x: Tensor, dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
}

function extremeOp(isMax: boolean): ExtremeFn {
  const op = isMax ? 'max' : 'min';
  return function (x: Tensor, dim?: number | DimOptions | Tensor, keepdim?: boolean): Tensor | ValuesIndices {
    if (arguments.length > 3) tooManyArgs(op, 'input, dim, keepdim', arguments);
    return extreme(isMax, x, dim, keepdim);
  } as ExtremeFn;
}

function extreme(isMax: boolean, x: Tensor, dim: number | DimOptions | Tensor | undefined, keepdim: boolean | undefined): Tensor | ValuesIndices {
  const op = isMax ? 'max' : 'min';
  need(x, op);
  if (dim instanceof Tensor) return isMax ? maximum(x, dim) : minimum(x, dim);
  const a = readDimArgs(op, dim, keepdim);
  if (a.dim === undefined || a.dim === null) {
    if (x.numel === 0) throw new ValueError(`${String(op)}: expected a reduction dim to be given for an empty input ${fmt(x._shape)}`);
    return reduce(isMax ? 'amax' : 'amin', x, { keepdim: a.keepdim }, op);
  }
  const r = argReduce(isMax, x, a.dim, a.keepdim, op);
  if (needsGrad(x)) recordIndexed(op, x, r.values, r.indices, x.ndim === 0 ? null : normDim(a.dim, x.ndim, op));
  return r;
}

/**
 * Index of the largest element (int32): of the flattened tensor when no dim is given, else along
 * `dim`. NaN counts as the largest; ties give the first index.
 * `fl.argmax(fl.tensor([[1, 9], [7, 2]])).item() // 1`, `fl.argmax(x, 0).toArray() // [1, 0]`
 */
export function argmax(x: Tensor, dim?: number | DimOptions | null, keepdim?: boolean): Tensor {
  if (arguments.length > 3) tooManyArgs('argmax', 'input, dim, keepdim', arguments);
  return argIndices(true, x, dim, keepdim);
}

/** Index of the smallest element (int32), as `argmax`. */
export function argmin(x: Tensor, dim?: number | DimOptions | null, keepdim?: boolean): Tensor {
  if (arguments.length > 3) tooManyArgs('argmin', 'input, dim, keepdim', arguments);
  return argIndices(false, x, dim, keepdim);
}

function argIndices(isMax: boolean, x: Tensor, dim: number | DimOptions | null | undefined, keepdim: boolean | undefined): Tensor {
  const op = isMax ? 'argmax' : 'argmin';
  const a = readDimArgs(op, dim, keepdim);
  const r = argReduce(isMax, x, a.dim, a.keepdim, op);
  r.values.dispose();
  return r.indices;
}

/**
 * var/std's arguments, PyTorch's forms: (dim?, options?), (unbiased, options?) and
 * (dim, unbiased, keepdim?). A boolean after dim is `unbiased`, as `torch.var(x, 1, False)` (it was
 * taken as keepdim, so that call gave the unbiased variance).
 */
function varArgs(op: string, dim: unknown, opts: unknown, keepdim: unknown): VarOptions {
  if (typeof dim === 'boolean') {  // var(x, unbiased[, options])
    if (keepdim !== undefined) throw new ValueError(`${String(op)}: after a boolean unbiased in place of dim, only options may follow (input, unbiased, options); got a fourth argument ${describeArg(keepdim)}`);
    return readArgs(op, { unbiased: dim }, opts);
  }
  if (typeof opts === 'boolean') {  // var(x, dim, unbiased[, keepdim])
    if (keepdim !== undefined && typeof keepdim !== 'boolean') throw new ValueError(`${String(op)}: keepdim must be a boolean, got ${describeArg(keepdim)}`);
    return { ...readArgs(op, dim, keepdim), unbiased: opts };
  }
  if (keepdim !== undefined) throw new ValueError(`${String(op)}: a fourth argument (keepdim) follows a boolean unbiased, as torch.${String(op)}(input, dim, unbiased, keepdim); got ${describeArg(opts)} before it`);
  return readArgs(op, dim, opts);
}

/**
 * Variance over all dims or `dim`, divided by `n - correction` (default correction 1, as PyTorch;
 * `{ correction: 0 }` or `{ unbiased: false }` for the population variance). Floating dtypes only.
 * Exported as `var` (`fl.var(x)`, `x.var(1, { keepdim: true })`).
 */
function variance(x: Tensor, dim?: Dims | VarOptions | boolean | null, opts?: boolean | VarOptions, keepdim?: boolean): Tensor {
  if (arguments.length > 4) tooManyArgs('var', 'input, dim, unbiased, keepdim', arguments);
  return reduce('var', x, varArgs('var', dim, opts, keepdim));
}
export { variance as var };

/** Standard deviation: the square root of `var` with the same arguments. `fl.std(x, 0, { correction: 0 })`, `fl.std(x, 0, false, true)` */
export function std(x: Tensor, dim?: Dims | VarOptions | boolean | null, opts?: boolean | VarOptions, keepdim?: boolean): Tensor {
  if (arguments.length > 4) tooManyArgs('std', 'input, dim, unbiased, keepdim', arguments);
  return reduce('std', x, varArgs('std', dim, opts, keepdim));
}

/**
 * log(sum(exp(x))) over all dims or `dim`, computed stably (max subtracted). Integer inputs
 * compute in float32. `fl.logsumexp(fl.tensor([0, 0]), 0).item() // ln 2`
 */
export const logsumexp = reduction('logsumexp');

/** Whether every element is nonzero (bool; true for an empty tensor): `fl.all(x.gt(0)).item()` */
export const all = reduction('all');

/** Whether any element is nonzero (bool; false for an empty tensor). */
export const any = reduction('any');

// ---- gradients -------------------------------------------------------------------------------

/**
 * @internal Records a value reduction. The backward sees g in the input's rank (reduced dims of
 * size 1, `kept`) so that it broadcasts against the input; results are cast to the input's dtype
 * (they differ when the `dtype` option cast it).
 */
function recordReduce(name: ReduceName, op: string, x: Tensor, out: Tensor, dims: readonly number[], kept: number[], correction: number): void {
  const xShape = x._shape, xDt = x.dtype;
  const count = dims.reduce((n, d) => n * xShape[d], 1);
  // sum's and mean's gradients read neither x nor the result: nothing is saved, so a loss's sum does
  // not keep its input alive until backward (as PyTorch's derivatives.yaml saves only what it reads)
  const linear = name === 'sum' || name === 'mean';
  record(op, [x], [out], linear ? [] : [x, out], ([g], saved) => scopeSync(() => {
    const G = reshape(g!, kept);
    let r: Tensor;
    if (name === 'sum') r = expand(G, xShape);
    else if (name === 'mean') r = expand(div(G, count), xShape);
    else r = savedGradient(name, op, G, saved[0], saved[1], dims, kept, count, correction);
    // sum and mean give a broadcast view of g: copy it (and cast where the dtype option did); with
    // createGraph (grad mode) by the recorded ops
    if (isGradEnabled()) return [linear || r.dtype !== xDt ? r.to(xDt).clone() : r];
    return [linear || r.dtype !== xDt ? contiguousCopy(r, 'backward', xDt) : r];
  }), true);
}

/** The gradient of a reduction that reads its input and result (prod, amax/amin, var/std, logsumexp). */
function savedGradient(name: ReduceName, op: string, G: Tensor, sx: Tensor, sy: Tensor, dims: readonly number[], kept: number[], count: number, correction: number): Tensor {
  const Y = reshape(sy, kept);
  const X = sx.dtype === sy.dtype ? sx : sx.to(sy.dtype);
  let r: Tensor;
  switch (name) {
    case 'prod': {
      // d prod / d x_i = product of the others: prod/x_i without zeros; with one zero in the slice
      // only the zero gets the product of the rest; with two or more, nothing.
      const isZero = eq(X, 0);
      const zeros = sum(isZero, { dim: dims as number[], keepdim: true });
      const others = prod(where(isZero, 1, X), { dim: dims as number[], keepdim: true });
      const atZero = where(eq(zeros, 1), others, 0);
      const atOther = where(eq(zeros, 0), div(others, where(isZero, 1, X)), 0);
      r = mul(G, where(isZero, atZero, atOther));
      break;
    }
    case 'amax': case 'amin': {
      // evenly among the elements equal to the result (NaN matches a NaN result)
      const hit = logicalOr(eq(X, Y), logicalAnd(isnan(X), isnan(Y)));
      r = where(hit, div(G, sum(hit, { dim: dims as number[], keepdim: true })), 0);
      break;
    }
    case 'var': case 'std': {
      const centered = sub(X, mean(X, { dim: dims as number[], keepdim: true }));
      const scale = 1 / (count - correction);
      // std: d sqrt(v) = dv / (2 sqrt(v)), taken as 0 where the std is 0 (as PyTorch)
      const gv = name === 'var' ? mul(G, 2 * scale) : mul(where(eq(Y, 0), 0, div(G, Y)), scale);
      r = mul(gv, centered);
      break;
    }
    case 'logsumexp': r = mul(G, exp(sub(X, Y))); break;
    default: throw new ValueError(`backward: no gradient for ${String(op)}`);
  }
  return r;
}

/** @internal max/min along dim `d` (null for a 0-dim input): the gradient goes to the returned index. */
function recordIndexed(op: string, x: Tensor, values: Tensor, indices: Tensor, d: number | null): void {
  const xShape = x._shape, xDt = x.dtype, dev = x.device;
  const kept = d === null ? [] : xShape.map((s, i) => (i === d ? 1 : s));
  record(op, [x], [values], [indices], ([g], [idx]) => scopeSync(() => {
    if (d === null) return [contiguousCopy(g!, 'backward', xDt)];
    const G = reshape(g!, kept);
    return [scatterIntoZeros(xShape, xDt, dev, d, reshape(idx, kept), G.dtype === xDt ? G : G.to(xDt), false)];
  }));
}

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link sum}: `x.sum()`, `x.sum(1)`, `x.sum([0, 2], true)`, `x.sum({ dim: 1, keepdim: true })`. */
    sum(dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions): Tensor;
    /** See {@link prod}. */
    prod(dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions): Tensor;
    /** See {@link mean}. */
    mean(dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions): Tensor;
    /** See {@link amax}. */
    amax(dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions): Tensor;
    /** See {@link amin}. */
    amin(dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions): Tensor;
    /** See {@link max}: `x.max()` → 0-dim tensor; `x.max(dim, keepdim?)` → `{ values, indices }`; `x.max(other)`. */
    max(): Tensor;
    max(other: Tensor): Tensor;
    max(dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
    /** See {@link min}. */
    min(): Tensor;
    min(other: Tensor): Tensor;
    min(dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
    /** See {@link argmax}. */
    argmax(dim?: number | DimOptions | null, keepdim?: boolean): Tensor;
    /** See {@link argmin}. */
    argmin(dim?: number | DimOptions | null, keepdim?: boolean): Tensor;
    /** Variance (see `fl.var`): `x.var()`, `x.var(0)`, `x.var(1, { correction: 0, keepdim: true })`. */
    var(dim?: Dims | VarOptions | boolean | null, opts?: boolean | VarOptions, keepdim?: boolean): Tensor;
    /** See {@link std}. */
    std(dim?: Dims | VarOptions | boolean | null, opts?: boolean | VarOptions, keepdim?: boolean): Tensor;
    /** See {@link logsumexp}. */
    logsumexp(dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions): Tensor;
    /** See {@link all}. */
    all(dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions): Tensor;
    /** See {@link any}. */
    any(dim?: Dims | ReduceOptions | null, keepdim?: boolean | ReduceOptions): Tensor;
  }
}

const P = Tensor.prototype;
P.sum = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('sum', 'dim, keepdim', arguments); return sum(this, dim, keepdim); };
P.prod = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('prod', 'dim, keepdim', arguments); return prod(this, dim, keepdim); };
P.mean = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('mean', 'dim, keepdim', arguments); return mean(this, dim, keepdim); };
P.amax = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('amax', 'dim, keepdim', arguments); return amax(this, dim, keepdim); };
P.amin = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('amin', 'dim, keepdim', arguments); return amin(this, dim, keepdim); };
P.max = function (this: Tensor, dim?: number | DimOptions | Tensor, keepdim?: boolean) { if (arguments.length > 2) tooManyArgs('max', 'dim, keepdim', arguments); return extreme(true, this, dim, keepdim); } as Tensor['max'];
P.min = function (this: Tensor, dim?: number | DimOptions | Tensor, keepdim?: boolean) { if (arguments.length > 2) tooManyArgs('min', 'dim, keepdim', arguments); return extreme(false, this, dim, keepdim); } as Tensor['min'];
P.argmax = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('argmax', 'dim, keepdim', arguments); return argmax(this, dim, keepdim); };
P.argmin = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('argmin', 'dim, keepdim', arguments); return argmin(this, dim, keepdim); };
P.var = function (dim, opts, keepdim) { if (arguments.length > 3) tooManyArgs('var', 'dim, unbiased, keepdim', arguments); return variance(this, dim, opts, keepdim); };
P.std = function (dim, opts, keepdim) { if (arguments.length > 3) tooManyArgs('std', 'dim, unbiased, keepdim', arguments); return std(this, dim, opts, keepdim); };
P.logsumexp = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('logsumexp', 'dim, keepdim', arguments); return logsumexp(this, dim, keepdim); };
P.all = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('all', 'dim, keepdim', arguments); return all(this, dim, keepdim); };
P.any = function (dim, keepdim) { if (arguments.length > 2) tooManyArgs('any', 'dim, keepdim', arguments); return any(this, dim, keepdim); };
