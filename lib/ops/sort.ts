// sort.ts — sort, argsort and topk along one dim (kernels in native/cpu/sort.cpp). The sort is
// always stable; NaN sorts as the largest value, as in PyTorch. Indices are int32. The input is
// made contiguous and seen as (outer, n, inner) by the kernel; outputs are fresh and contiguous.
// Gradients: the values of sort and topk send g back to the positions in `indices`.
import { describeArg } from '../arity';
import { anyValue, ArgsThenOptions, optional, required, signature, tooManyArgs } from '../args';
import { needsGrad, record } from '../autograd';
import { IndexError, ValueError } from '../errors';
import { call, opId } from '../native';
import { fmt, numel, normDim } from '../shape';
import { full } from './creation';
import { contiguousCopy, emptyTensor, scopeSync, Tensor } from '../tensor';
import { isFloating } from '../dtype';
import { div, eq, gt, isnan, sub, where } from './elementwise';
import { gather, scatterIntoZeros } from './indexing';
import { sum, ValuesIndices, valuesIndices } from './reduce';
import { narrow, reshape } from './views';
import { tracedMany, traceState } from '../trace';
import { nanKey } from '../onnx/lower';

const SORT = opId('sort');

// torch's signatures: the positional forms and the keyword options (`x.sort({ descending: true })`).
// The values are checked by the functions themselves, as for a positional call.
const ANY = <T>(dflt: T) => optional(anyValue<T>(), dflt);
const ARGS = {
  sort: signature('sort', ['input', 'dim', 'descending', 'stable'], { input: required(anyValue<Tensor>()), dim: ANY(-1), descending: ANY(false), stable: ANY(true) }),
  argsort: signature('argsort', ['input', 'dim', 'descending'], { input: required(anyValue<Tensor>()), dim: ANY(-1), descending: ANY(false) }),
  topk: signature('topk', ['input', 'k', 'dim', 'largest', 'sorted'], { input: required(anyValue<Tensor>()), k: optional(anyValue<number>()), dim: ANY(-1), largest: ANY(true), sorted: ANY(true) }),
  median: signature('median', ['input', 'dim', 'keepdim'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()), keepdim: ANY(false) }),
  kthvalue: signature('kthvalue', ['input', 'k', 'dim', 'keepdim'], { input: required(anyValue<Tensor>()), k: optional(anyValue<number>()), dim: ANY(-1), keepdim: ANY(false) }),
};
/** torch.sort's keyword options. */
type SortOptions = { dim?: number; descending?: boolean; stable?: boolean };
/** torch.topk's keyword options. */
type TopkOptions = { dim?: number; largest?: boolean; sorted?: boolean };
/** torch.kthvalue's keyword options. */
type KthvalueOptions = { dim?: number; keepdim?: boolean };
const TOPK = opId('topk');

/** What `sort` and `topk` return: `[values, indices]` with `.values`/`.indices` (see {@link ValuesIndices}). */
export type SortResult = ValuesIndices;

function need(t: unknown, op: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${String(op)}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  t._handleFor(op);
  return t;
}

function flag(v: unknown, name: string, op: string): boolean {
  if (typeof v !== 'boolean') throw new ValueError(`${String(op)}: ${String(name)} must be a boolean, got ${describeArg(v)}`);
  return v;
}

/** (outer, n, inner) of dim d (a 0-dim tensor is one slice of one element). */
function slices(shape: readonly number[], d: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  return [numel(shape.slice(0, d)), shape[d], numel(shape.slice(d + 1))];
}

/** Runs sort/topk along dim d; the values' gradient goes back to the positions in `indices`. */
function run(op: string, x: Tensor, d: number, outShape: readonly number[], id: number, params: number[], largest: boolean): SortResult {
  const dev = x._storage.device;
  const values = emptyTensor(outShape, x.dtype, dev, false, op);
  const indices = emptyTensor(outShape, 'int32', dev, false, op);
  const src = numel(outShape) === 0 || x.isContiguous() ? x : contiguousCopy(x, op);
  try {
    if (numel(outShape) > 0) call(id, op, [values, indices, src], params);
  } catch (e) {
    values.dispose(); indices.dispose();
    throw e;
  } finally {
    if (src !== x) src.dispose();
  }
  if (needsGrad(x)) {
    const xShape = x._shape, xDt = x.dtype, dev = x.device;
    record(op, [x], [values], [indices], ([g], [idx]) => scopeSync(() => [scatterIntoZeros(xShape, xDt, dev, d, idx, g!, false)]));
  }
  // ONNX: TopK (k = the dim's size for sort; ties in index order, as here), int64 indices cast to int32
  if (traceState.tracer !== null) {
    tracedMany(op, [x], [values, indices], (g, [vx]) => {
      if (x.ndim === 0) return [g.op('Identity', [vx.name]), g.constant('int32', [], [0])];
      // onnxruntime places NaN apart from torch (NaN is the largest value): TopK of a key where it is, values gathered
      const key = nanKey(g, vx.name, x.dtype, true);
      const [v, i] = g.node('TopK', [key, g.sizes([outShape[d]])], { axis: d, largest: largest ? 1 : 0, sorted: 1 }, 2);
      return [key === vx.name ? v : g.op('GatherElements', [vx.name, i], { axis: d }), g.cast(i, 'int64', 'int32')];
    });
  }
  return valuesIndices(values, indices);
}

/**
 * Sorts along `dim` (default the last), ascending unless `descending`. The sort is stable (equal
 * values keep their order; `stable` is accepted for PyTorch compatibility) and NaN sorts last
 * ascending, first descending. Works for every dtype.
 *
 * ```ts
 * const { values, indices } = fl.sort(fl.tensor([3, 1, 2]));  // values [1, 2, 3], indices [1, 2, 0]
 * ```
 */
export function sort(input: Tensor, ...args: ArgsThenOptions<[dim: number, descending: boolean, stable: boolean], SortOptions>): SortResult {
  const { input: x, dim, descending, stable } = ARGS.sort.parse(arguments as unknown as unknown[]);
  need(x, 'sort');
  flag(descending, 'descending', 'sort'); flag(stable, 'stable', 'sort');
  const d = normDim(dim, x.ndim, 'sort');
  return run('sort', x, d, x._shape, SORT, [...slices(x._shape, d), descending ? 1 : 0], descending);
}

/**
 * The int32 indices that sort `x` along `dim` (stable): `fl.argsort(fl.tensor([3, 1, 2]))` is
 * `[1, 2, 0]`.
 */
export function argsort(input: Tensor, ...args: ArgsThenOptions<[dim: number, descending: boolean], { dim?: number; descending?: boolean }>): Tensor {
  const { input: x, dim, descending } = ARGS.argsort.parse(arguments as unknown as unknown[]);
  const { values, indices } = sort(x, dim, descending);
  values.dispose();
  return indices;
}

/**
 * The `k` largest (or, with `largest = false`, smallest) elements along `dim` and their indices,
 * in sorted order unless `sorted = false`. Equal values come in index order, so the result equals
 * the first k of a stable descending (ascending) sort; NaN counts as the largest value.
 *
 * ```ts
 * const { values, indices } = fl.topk(logits, 5);  // top-5 along the last dim
 * ```
 */
export function topk(input: Tensor, k: number, ...args: ArgsThenOptions<[dim: number, largest: boolean, sorted: boolean], TopkOptions>): SortResult;
/** `topk(input, { k, … })`: k as a keyword too, as torch's `topk(x, k=2)`. */
export function topk(input: Tensor, options: TopkOptions & { k: number }): SortResult;
export function topk(): SortResult {
  const { input: x, k, dim, largest, sorted } = ARGS.topk.parse(arguments as unknown as unknown[]);
  need(x, 'topk');
  flag(largest, 'largest', 'topk'); flag(sorted, 'sorted', 'topk');
  const d = normDim(dim, x.ndim, 'topk');
  const [outer, n, inner] = slices(x._shape, d);
  if (typeof k !== 'number' || !Number.isInteger(k)) throw new ValueError(`topk: k must be an integer, got ${describeArg(k)}`);
  if (k < 0 || k > n) throw new IndexError(`topk: k ${String(k)} is out of range for dim ${String(d)} of size ${String(n)} (shape [${x._shape.join(', ')}])`);
  const outShape = x._shape.slice();
  if (outShape.length > 0) outShape[d] = k;
  // a 0-dim input gives (x, 0) for k = 0 and k = 1 alike, as PyTorch does
  const kk = outShape.length > 0 ? k : 1;
  return run('topk', x, d, outShape, TOPK, [outer, n, inner, kk, largest ? 1 : 0, sorted ? 1 : 0], largest);
}

/**
 * The k-th smallest element (k counts from 1) along `dim` and its index, as `torch.kthvalue`
 * (NaN counts as the largest value, as in `sort`); `keepdim` keeps `dim` with size 1.
 *
 * ```ts
 * const [v, i] = fl.kthvalue(fl.tensor([4, 1, 3]), 2);  // v = 3, i = 2
 * ```
 */
export function kthvalue(input: Tensor, k: number, ...args: ArgsThenOptions<[dim: number, keepdim: boolean], KthvalueOptions>): ValuesIndices {
  const { input: x, k: kk, dim, keepdim } = ARGS.kthvalue.parse(arguments as unknown as unknown[]);
  need(x, 'kthvalue');
  flag(keepdim, 'keepdim', 'kthvalue');
  const d = normDim(dim, x.ndim, 'kthvalue');
  const n = x.ndim === 0 ? 1 : x._shape[d];
  if (typeof kk !== 'number' || !Number.isInteger(kk) || kk < 1 || kk > n) {
    throw new IndexError(`kthvalue: k ${describeArg(kk)} is out of range [1, ${String(n)}] for dim ${String(d)} of shape [${x._shape.join(', ')}]`);
  }
  return pickSorted(x, d, keepdim, () => kk - 1);
}

/**
 * The lower median (the ((n - 1) / 2)-th smallest, rounded down, as PyTorch) along `dim` with its
 * index, as `torch.median(x, dim)`; without `dim`, the median of all elements as a 0-dim tensor.
 * A slice that holds a NaN has the median NaN (use `nanmedian`-style masking before if unwanted).
 *
 * ```ts
 * fl.median(fl.tensor([3, 1, 4, 2])).item();   // 2
 * const [v, i] = x.median(1);
 * ```
 */
export function median(input: Tensor): Tensor;
export function median(input: Tensor, dim: number, ...args: ArgsThenOptions<[keepdim: boolean], { keepdim?: boolean }>): ValuesIndices;
/** torch's keywords: `fl.median(x, { dim: 1, keepdim: true })`. */
export function median(input: Tensor, options: { dim: number; keepdim?: boolean }): ValuesIndices;
export function median(): Tensor | ValuesIndices {
  const { input: x, dim, keepdim } = ARGS.median.parse(arguments as unknown as unknown[]);
  need(x, 'median');
  if (dim === undefined) {
    // torch's median of nothing is NaN (and an arbitrary integer, which flintml refuses)
    if (x.numel === 0 && !isFloating(x.dtype)) throw new IndexError(`median: the input is empty (shape ${fmt(x._shape)}); an empty floating tensor's median is NaN`);
    const v = x.numel === 0 ? full([], NaN, { dtype: x.dtype, device: x.device }) : scopeSync(() => {
      const [m, i] = median(reshape(x.detach(), [-1]), 0);
      i.dispose();
      return m;
    });
    // As torch's median(): the gradient is shared evenly by every element equal to the median (its
    // ties; the NaNs when it is NaN), not given to the one that sorting put in the middle.
    if (isFloating(x.dtype) && needsGrad(x)) {
      record('median', [x], [v], [x, v], ([g], [sx, sv]) => scopeSync(() => {
        if (sx.numel === 0) return [sx.clone()];
        const hit = where(isnan(sv), isnan(sx), eq(sx, sv));
        return [where(hit, div(g!, sum(hit)), 0)];
      }));
    }
    return v;
  }
  flag(keepdim, 'keepdim', 'median');
  const d = normDim(dim, x.ndim, 'median');
  const n = x.ndim === 0 ? 1 : x._shape[d];
  if (n === 0) throw new IndexError(`median: dim ${String(d)} of shape [${x._shape.join(', ')}] is empty`);
  const lower = (n - 1) >> 1;
  if (!isFloating(x.dtype) || x.ndim === 0) return pickSorted(x, d, keepdim, () => lower);
  // NaN sorts last: a slice with m NaNs takes position n - m (its first NaN) instead of the median
  return pickSorted(x, d, keepdim, () => {
    const nans = sum(isnan(x), d, true);
    return where(gt(nans, 0), sub(n, nans), lower);
  });
}

/**
 * Sorts along d and takes, per slice, the element at `pos()` (a number, or an int32 tensor shaped
 * like x with size 1 in d): the values keep sort's gradient (back to their positions in x).
 */
function pickSorted(x: Tensor, d: number, keepdim: boolean, pos: () => number | Tensor): ValuesIndices {
  const [values, indices] = scopeSync(() => {
    const [sv, si] = sort(x, d);
    const p = pos();
    let v: Tensor, i: Tensor;
    if (x.ndim === 0) { v = sv.clone(); i = si.clone(); }
    else if (typeof p === 'number') { v = narrow(sv, d, p, 1).clone(); i = narrow(si, d, p, 1).clone(); }
    else { v = gather(sv, d, p); i = gather(si, d, p); }
    if (!keepdim && x.ndim > 0) {
      const shape = x._shape.filter((_, j) => j !== d);
      v = reshape(v, shape); i = reshape(i, shape);
    }
    return [v, i];
  });
  return valuesIndices(values, indices);
}

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link sort}: `x.sort(-1, true)` or `x.sort({ descending: true })`. */
    sort(...args: ArgsThenOptions<[dim: number, descending: boolean, stable: boolean], SortOptions>): SortResult;
    /** See {@link argsort}. */
    argsort(...args: ArgsThenOptions<[dim: number, descending: boolean], { dim?: number; descending?: boolean }>): Tensor;
    /** See {@link topk}: `x.topk(2, { largest: false })`. */
    topk(k: number, ...args: ArgsThenOptions<[dim: number, largest: boolean, sorted: boolean], TopkOptions>): SortResult;
    topk(options: TopkOptions & { k: number }): SortResult;
    /** See {@link kthvalue}. */
    kthvalue(k: number, ...args: ArgsThenOptions<[dim: number, keepdim: boolean], KthvalueOptions>): ValuesIndices;
    /** See {@link median}: `x.median()` → 0-dim tensor; `x.median(dim, keepdim?)` → `[values, indices]`. */
    median(): Tensor;
    median(dim: number, ...args: ArgsThenOptions<[keepdim: boolean], { keepdim?: boolean }>): ValuesIndices;
    median(options: { dim: number; keepdim?: boolean }): ValuesIndices;
  }
}

const P = Tensor.prototype;
P.sort = function (this: Tensor, ...a: unknown[]) { return (sort as (...b: unknown[]) => SortResult)(this, ...a); };
P.argsort = function (this: Tensor, ...a: unknown[]) { return (argsort as (...b: unknown[]) => Tensor)(this, ...a); };
P.topk = function (this: Tensor, ...a: unknown[]) { return (topk as (...b: unknown[]) => SortResult)(this, ...a); } as Tensor['topk'];
P.kthvalue = function (this: Tensor, ...a: unknown[]) { return (kthvalue as (...b: unknown[]) => ValuesIndices)(this, ...a); };
P.median = function (this: Tensor, ...a: unknown[]) { return (median as (...b: unknown[]) => Tensor | ValuesIndices)(this, ...a); } as Tensor['median'];
