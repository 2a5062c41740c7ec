// counting.ts — torch's counting and searching utilities: bincount, histc, unique,
// uniqueConsecutive, searchsorted and bucketize. They have no gradient (torch has none); their
// index and count results are int32 (DESIGN.md §8; torch: int64).
//
// searchsorted is a vectorised binary search with torch's own loop (start/end per value, a step
// moves right when `!(sorted[mid] >= value)`, or `>` for the right side), so a NaN value and NaNs
// at the end of the sequence land where torch puts them; it is a composition of gather, comparisons
// and where, on the CPU and the GPU alike. bincount sizes its output from the input's maximum and
// unique/uniqueConsecutive from the data: they read the data once (torch syncs too).
import { describeArg } from '../arity';
import { bool, int, nullable, num, oneOf, optional, required, signature, tensor as tensorCheck, either } from '../args';
import { noGrad } from '../autograd';
import { DType, isFloating } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { normDim } from '../shape';
import { Tensor } from '../tensor';
import { full, ones, tensor, zeros } from './creation';
import { add, div, floor, ge, gt, isnan, logicalOr, le, logicalAnd, logicalNot, lt, minimum, mul, sub, where, floorDivide } from './elementwise';
import { gather, indexSelect, scatterAdd } from './indexing';
import { amax, amin } from './reduce';
import { reshape } from './views';

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

function need(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor as ${what}, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

// ---- bincount, histc -----------------------------------------------------------------------------

/**
 * The number of times each value 0, 1, … occurs in a 1-D tensor of non-negative integers, as
 * `torch.bincount` (int32 counts; torch: int64); with `weights` the sum of their weights (float
 * weights keep their dtype, others give float64; an empty input gives int32 zeros, as torch's int64). The length is `max(input) + 1`, at least `minlength`.
 *
 * ```ts
 * fl.bincount(fl.tensor([0, 1, 1, 3])).toArray();  // [1, 2, 0, 1]
 * ```
 */
export function bincount(input: Tensor, weights?: Tensor | null, minlength?: number, options?: { weights?: Tensor | null; minlength?: number }): Tensor;
export function bincount(input: Tensor, options?: { weights?: Tensor | null; minlength?: number }): Tensor;
export function bincount(...args: unknown[]): Tensor {
  const o = BINCOUNT.parse(args);
  const x = need(o.input, 'bincount');
  if (x.dtype !== 'int32' && x.dtype !== 'uint8') throw new DTypeError(`bincount: expected an integer input (int32 or uint8), got ${x.dtype}`);
  if (x.ndim !== 1) throw new ShapeError(`bincount: only supports 1-d non-negative integral inputs, got shape ${fmt(x._shape)}`);
  const w = o.weights === null || o.weights === undefined ? null : need(o.weights, 'bincount', 'weights');
  if (w !== null && (w.ndim !== 1 || w.numel !== x.numel)) throw new ShapeError(`bincount: weights of shape ${fmt(w._shape)} should be 1-d and have the same length as input ${fmt(x._shape)}`);
  return noGrad(() => {
    let len = o.minlength;
    if (x.numel > 0) {
      if (Number(amin(x).item()) < 0) throw new ValueError('bincount: only supports 1-d non-negative integral inputs');
      len = Math.max(len, Number(amax(x).item()) + 1);
    }
    // (torch 1.13 returns integer zeros for an empty input, with weights or not)
    const dt: DType = w === null || x.numel === 0 ? 'int32' : isFloating(w.dtype) ? w.dtype : 'float64';
    const idx = x.dtype === 'int32' ? x : x.to('int32');
    const src = w === null || x.numel === 0 ? ones([x.numel], { dtype: 'int32', device: x.device }) : w.dtype === dt ? w.detach() : w.to(dt);
    return scatterAdd(zeros([len], { dtype: dt, device: x.device }), 0, idx, src);
  });
}
const BINCOUNT = signature('bincount', ['input', 'weights', 'minlength'], {
  input: required(tensorCheck), weights: optional(nullable(tensorCheck)), minlength: optional(int({ min: 0 }), 0),
});

/**
 * A histogram of the input with `bins` equal bins between `min` and `max`, as `torch.histc`:
 * elements outside are ignored (a NaN counts in the first bin, as torch 1.13's CPU kernel does); with `min` = `max` (both 0 by default) the data's own
 * minimum and maximum are used. Floating inputs only; the counts have the input's dtype.
 *
 * ```ts
 * fl.histc(fl.tensor([1, 2, 1]), 4, 0, 3).toArray();  // [0, 2, 1, 0]
 * ```
 */
export function histc(input: Tensor, bins?: number, min?: number, max?: number, options?: Record<string, unknown>): Tensor;
export function histc(...args: unknown[]): Tensor {
  const o = HISTC.parse(args);
  const x = need(o.input, 'histc');
  if (!isFloating(x.dtype)) throw new DTypeError(`histc: expected a floating input, got ${x.dtype} (as torch, which has no integer histc)`);
  return noGrad(() => {
    let lo = o.min, hi = o.max;
    if (lo === hi && x.numel > 0) { lo = Number(amin(x).item()); hi = Number(amax(x).item()); }
    if (lo === hi) { lo -= 1; hi += 1; }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new ValueError(`histc: range of [${lo}, ${hi}] is not finite`);
    if (lo > hi) throw new ValueError('histc: max must be larger than min');
    const flat = reshape(x.detach(), [-1]);
    // (torch 1.13's CPU kernel counts a NaN, which no range test excludes, in the first bin)
    const nan = isnan(flat);
    const inRange = logicalOr(logicalAnd(ge(flat, lo), le(flat, hi)), nan);
    // torch's bin: (x - min) * bins / (max - min), truncated; x == max goes to the last bin
    const pos = floor(div(mul(sub(flat, lo), o.bins), hi - lo));  // in torch's order: a value on a bin edge rounds as there
    const bin = minimum(where(logicalAnd(inRange, logicalNot(nan)), pos, 0), o.bins - 1).to('int32');
    const counts = scatterAdd(zeros([o.bins], { dtype: x.dtype, device: x.device }), 0, bin, where(inRange, 1, 0).to(x.dtype));
    return counts;
  });
}
const HISTC = signature('histc', ['input', 'bins', 'min', 'max'], {
  input: required(tensorCheck), bins: optional(int({ min: 1 }), 100), min: optional(num(), 0), max: optional(num(), 0),
});

// ---- unique, uniqueConsecutive -------------------------------------------------------------------

interface UniqueOptions { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number | null }

/** The slices of x along d (the whole tensor, flat, when d is null) as rows of numbers. */
function rowsOf(x: Tensor, d: number | null): { rows: number[][]; n: number } {
  const t = d === null ? reshape(x, [-1, 1]) : reshape(x.movedim(d, 0), [x._shape[d], -1]);
  const n = t._shape[0], w = t._shape[1];
  const v = Array.from((t.dtype === 'bool' ? t.to('uint8') : t).contiguous().dataSync() as ArrayLike<number>, Number);
  return { rows: Array.from({ length: n }, (_, i) => v.slice(i * w, i * w + w)), n };
}
/** torch's order of slices: lexicographic, NaN after every number, each NaN distinct. */
function compareRows(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x === y) continue;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
const sameRow = (a: number[], b: number[]): boolean => a.every((v, i) => v === b[i]);  // NaN != NaN

function uniqueImpl(op: string, x: Tensor, consecutive: boolean, o: UniqueOptions & { dim?: number | null }): Tensor | Tensor[] {
  const d = o.dim === null || o.dim === undefined ? null : normDim(o.dim, x.ndim, op);
  if (d !== null && x.ndim === 0) throw new ValueError(`${op}: dim given for a 0-dim tensor`);
  return noGrad(() => {
    const { rows, n } = rowsOf(x.detach(), d);
    const order = Array.from({ length: n }, (_, i) => i);
    if (!consecutive) order.sort((i, j) => compareRows(rows[i], rows[j]) || i - j);
    const firsts: number[] = [], counts: number[] = [], inverse = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const i = order[k];
      if (k === 0 || !sameRow(rows[order[k - 1]], rows[i])) { firsts.push(i); counts.push(0); }
      counts[counts.length - 1]++;
      inverse[i] = firsts.length - 1;
    }
    const pick = tensor(firsts, { dtype: 'int32', device: x.device });
    const values = d === null ? indexSelect(reshape(x, [-1]), 0, pick) : indexSelect(x, d, pick);
    if (!o.returnInverse && !o.returnCounts) return values;
    const out = [values];
    if (o.returnInverse) out.push(reshape(tensor(inverse, { dtype: 'int32', device: x.device }), d === null ? x._shape : [n]));
    if (o.returnCounts) out.push(tensor(counts, { dtype: 'int32', device: x.device }));
    return out;
  });
}

/**
 * The distinct values of the input (or distinct slices along `dim`), sorted, as `torch.unique`;
 * with `returnInverse` / `returnCounts` an array `[values, inverse?, counts?]` of those asked for
 * (int32; torch: int64). Each NaN counts as distinct and sorts last. `sorted: false` gives the
 * sorted order too (torch leaves that order unspecified). Reads the data once.
 *
 * ```ts
 * fl.unique(fl.tensor([2, 1, 2])).toArray();  // [1, 2]
 * const [v, inv, c] = fl.unique(fl.tensor([2, 1, 2]), { returnInverse: true, returnCounts: true });  // inv [1, 0, 1], c [1, 2]
 * ```
 */
export function unique(input: Tensor, sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null, options?: UniqueOptions): Tensor | Tensor[];
export function unique(input: Tensor, options?: UniqueOptions): Tensor | Tensor[];
export function unique(...args: unknown[]): Tensor | Tensor[] {
  const o = UNIQUE.parse(args);
  return uniqueImpl('unique', need(o.input, 'unique'), false, o);
}
const UNIQUE = signature('unique', ['input', 'sorted', 'returnInverse', 'returnCounts', 'dim'], {
  input: required(tensorCheck), sorted: optional(bool, true), returnInverse: optional(bool, false), returnCounts: optional(bool, false), dim: optional(nullable(int())),
});

/**
 * The input with each run of equal consecutive values (or slices along `dim`) kept once, as
 * `torch.unique_consecutive`; `returnInverse` / `returnCounts` as in {@link unique}.
 *
 * ```ts
 * fl.uniqueConsecutive(fl.tensor([1, 1, 2, 1])).toArray();  // [1, 2, 1]
 * ```
 */
export function uniqueConsecutive(input: Tensor, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null, options?: Omit<UniqueOptions, 'sorted'>): Tensor | Tensor[];
export function uniqueConsecutive(input: Tensor, options?: Omit<UniqueOptions, 'sorted'>): Tensor | Tensor[];
export function uniqueConsecutive(...args: unknown[]): Tensor | Tensor[] {
  const o = UNIQUE_CONSECUTIVE.parse(args);
  return uniqueImpl('uniqueConsecutive', need(o.input, 'uniqueConsecutive'), true, o);
}
const UNIQUE_CONSECUTIVE = signature('uniqueConsecutive', ['input', 'returnInverse', 'returnCounts', 'dim'], {
  input: required(tensorCheck), returnInverse: optional(bool, false), returnCounts: optional(bool, false), dim: optional(nullable(int())),
});

// ---- searchsorted, bucketize ---------------------------------------------------------------------

interface SearchOptions { outInt32?: boolean; right?: boolean; side?: 'left' | 'right' | null; sorter?: Tensor | null }

/** torch's binary search of each value in the last dim of seq (1-D: for every value). */
function binarySearch(seq: Tensor, values: Tensor, right: boolean): Tensor {
  const n = seq._shape[seq.ndim - 1];
  const oneD = seq.ndim === 1;
  const v = oneD ? reshape(values, [-1]) : values;
  if (n === 0 || v.numel === 0) return zeros(values._shape, { dtype: 'int32', device: values.device });
  let start = zeros(v._shape, { dtype: 'int32', device: v.device });
  let end = full(v._shape, n, { dtype: 'int32', device: v.device });
  for (let span = n; span > 0; span = Math.floor(span / 2)) {
    const active = lt(start, end);
    const mid = add(start, floorDivide(sub(end, start), 2));
    const at = gather(seq, seq.ndim - 1, minimum(mid, n - 1));
    const goRight = logicalNot(right ? gt(at, v) : ge(at, v));
    start = where(logicalAnd(active, goRight), add(mid, 1), start);
    end = where(logicalAnd(active, logicalNot(goRight)), mid, end);
  }
  // one more step for the last element of a span of one
  const active = lt(start, end);
  const at = gather(seq, seq.ndim - 1, minimum(start, n - 1));
  const goRight = logicalNot(right ? gt(at, v) : ge(at, v));
  start = where(logicalAnd(active, goRight), add(start, 1), start);
  return oneD ? reshape(start, values._shape) : start;
}

/**
 * For each value, the index where it would be inserted into the last dim of `sortedSequence` to
 * keep it sorted, as `torch.searchsorted`: the first such index, or with `right` (or
 * `side: 'right'`) the last; `sorter` gives the order of an unsorted sequence. `values` may be a
 * number. int32 results always (`outInt32` is accepted; torch's default is int64).
 *
 * ```ts
 * fl.searchsorted(fl.tensor([1, 3, 5]), fl.tensor([3, 6])).toArray();  // [1, 3]
 * ```
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options?: SearchOptions): Tensor;
export function searchsorted(...args: unknown[]): Tensor {
  const o = SEARCHSORTED.parse(args);
  const seq0 = need(o.sortedSequence, 'searchsorted', 'sortedSequence');
  return searchImpl('searchsorted', seq0, o.values, o);
}
const SEARCHSORTED = signature('searchsorted', ['sortedSequence', 'values'], {
  sortedSequence: required(tensorCheck), values: required(either(num(), tensorCheck)), outInt32: optional(bool, false), right: optional(bool, false),
  side: optional(nullable(oneOf('left', 'right'))), sorter: optional(nullable(tensorCheck)),
});

function searchImpl(op: string, seq0: Tensor, values: Tensor | number, o: SearchOptions): Tensor {
  if (seq0.ndim === 0) throw new ShapeError(`${op}: boundaries tensor should have positive dimension, got a 0-dim tensor`);
  if (o.side === 'left' && o.right) throw new ValueError(`${op}: side and right can't be set to opposites, got side of left while right was true`);
  const right = o.right === true || o.side === 'right';
  // a number keeps its value: a fraction against integer boundaries is compared in float64
  const scalarType: DType = isFloating(seq0.dtype) || Number.isInteger(values) ? seq0.dtype : 'float64';
  const v = values instanceof Tensor ? need(values, op, 'values') : tensor(values, { dtype: scalarType, device: seq0.device });
  if (typeof values === 'number' && seq0.ndim !== 1) throw new ShapeError(`${op}: input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor of shape ${fmt(seq0._shape)}`);
  if (seq0.ndim > 1) {
    if (v.ndim !== seq0.ndim || v._shape.slice(0, -1).some((s, i) => s !== seq0._shape[i])) {
      throw new ShapeError(`${op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${fmt(seq0._shape)} and input value tensor ${fmt(v._shape)}`);
    }
  }
  return noGrad(() => {
    let seq = seq0.detach();
    if (o.sorter !== null && o.sorter !== undefined) {
      const s = need(o.sorter, op, 'sorter');
      if (s.dtype !== 'int32') throw new DTypeError(`${op}: sorter must be an int32 tensor, got ${s.dtype}`);
      if (s._shape.length !== seq._shape.length || s._shape.some((k, i) => k !== seq._shape[i])) {
        throw new ShapeError(`${op}: boundary and sorter must have the same size, but got boundary tensor ${fmt(seq._shape)} and got sorter tensor ${fmt(s._shape)}`);
      }
      seq = gather(seq, seq.ndim - 1, s);
    }
    return binarySearch(seq, v.detach(), right);
  });
}

/**
 * The index of the bucket each input value falls into, given sorted 1-D `boundaries`, as
 * `torch.bucketize`: `boundaries[i-1] < x <= boundaries[i]` (with `right`: `boundaries[i-1] <= x <
 * boundaries[i]`). int32 results (torch: int64).
 *
 * ```ts
 * fl.bucketize(fl.tensor([1, 5, 9]), fl.tensor([1, 3, 5, 7])).toArray();  // [0, 2, 4]
 * ```
 */
export function bucketize(input: Tensor | number, boundaries: Tensor, options?: { outInt32?: boolean; right?: boolean }): Tensor;
export function bucketize(...args: unknown[]): Tensor {
  const o = BUCKETIZE.parse(args);
  const b = need(o.boundaries, 'bucketize', 'boundaries');
  if (b.ndim !== 1) throw new ShapeError(`bucketize: boundaries tensor must be 1 dimension, but got shape ${fmt(b._shape)}`);
  return searchImpl('bucketize', b, o.input, { right: o.right });
}
const BUCKETIZE = signature('bucketize', ['input', 'boundaries'], {
  input: required(either(num(), tensorCheck)), boundaries: required(tensorCheck), outInt32: optional(bool, false), right: optional(bool, false),
});

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link bincount}. */
    bincount(weights?: Tensor | null, minlength?: number): Tensor;
    /** See {@link histc}. */
    histc(bins?: number, min?: number, max?: number): Tensor;
    /** See {@link unique}. */
    unique(sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null, options?: UniqueOptions): Tensor | Tensor[];
    /** See {@link uniqueConsecutive}. */
    uniqueConsecutive(returnInverse?: boolean, returnCounts?: boolean, dim?: number | null, options?: Omit<UniqueOptions, 'sorted'>): Tensor | Tensor[];
  }
}

const P = Tensor.prototype;
P.bincount = function (...a: unknown[]) { return (bincount as (...x: unknown[]) => Tensor)(this, ...a); };
P.histc = function (...a: unknown[]) { return (histc as (...x: unknown[]) => Tensor)(this, ...a); };
P.unique = function (...a: unknown[]) { return (unique as (...x: unknown[]) => Tensor | Tensor[])(this, ...a); };
P.uniqueConsecutive = function (...a: unknown[]) { return (uniqueConsecutive as (...x: unknown[]) => Tensor | Tensor[])(this, ...a); };
