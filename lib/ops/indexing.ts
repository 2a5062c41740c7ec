// indexing.ts — index-driven ops: gather, scatter / scatterAdd / scatterReduce (and their in-place forms),
// indexSelect, takeAlongDim, maskedSelect, and the triangle masks triu / tril. Kernels in
// native/cpu/indexing.cpp and native/cpu/trilu.cpp. Index tensors are int32; as in PyTorch,
// negative indices are not wrapped but rejected, and every index is checked by the kernel
// (IndexError naming the op, the bad value and the dim's size).
//
// Gradients: gather, scatter, scatterAdd, scatterReduce (input and src), indexSelect, takeAlongDim,
// maskedSelect, triu/tril flow to their float inputs; index tensors and masks get none. The
// in-place forms (scatter_, scatterAdd_, scatterReduce_) refuse tensors that require grad while grad is enabled.
import { traced, traceState } from '../trace';
import type { Lowering } from '../trace';
import * as A from '../args';
import { ArgsThenOptions, sizesOnly, tooManyArgs, unknownOption } from '../args';
import { describeArg } from '../arity';
import { needsGrad, noGrad, record, sumToShape } from '../autograd';
import { DType, isFloating } from '../dtype';
import { alertNotDeterministic, deterministicState } from '../deterministic';
import { DTypeError, FlintError, IndexError, OverflowError, ShapeError, ValueError } from '../errors';
import { call, opId, OperandView, ScalarOperand } from '../native';
import { broadcastShapes, broadcastStrides, contiguousStrides, fmt, normDim, viewStrides } from '../shape';
import { complexHook, complexOperand, contiguousCopy, copyInto, emptyTensor, scopeSync, Tensor, TensorLike } from '../tensor';
import { arange, full, tensor, zeros } from './creation';
import {
  add, checkInplace, commonDevice, div as divElementwise, eq as eqElementwise, floorDivide, logicalAnd as logicalAndElementwise,
  lt, mul, ne, remainder, where as whereElementwise,
} from './elementwise';
import { basicIndex, clone, expand, IndexList, IndexSpec, permute, reshape, stack } from './views';

const GATHER = opId('gather');
const SCATTER = opId('scatter');
const INDEX_SELECT = opId('indexSelect');
const MASKED_SELECT = opId('maskedSelect');
const TRILU = opId('trilu');

function need(t: unknown, op: string, what = 'input'): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${String(op)}: ${String(what)} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  t._handleFor(op);
  return t;
}

/** @internal Checks that `index` is an int32 tensor (the one index dtype). */
export function needIndex(index: unknown, op: string): Tensor {
  const t = need(index, op, 'index');
  if (t.dtype !== 'int32') {
    const hint = t.dtype === 'bool' || t.dtype === 'uint8' ? '; for a boolean mask use maskedSelect or where' : '';
    throw new DTypeError(`${String(op)}: index must be an int32 tensor, got ${String(t.dtype)} (cast with .to('int32')${String(hint)})`);
  }
  return t;
}

/** A tensor as the kernel sees it, with 0-dim tensors seen as shape [1] (PyTorch's ensure_nonempty_dim). */
function nonEmptyDims(t: Tensor, shape: readonly number[] = t._shape, strides: readonly number[] = t._strides): OperandView {
  const zero = shape.length === 0;
  return {
    dtype: t.dtype, _shape: zero ? [1] : shape, _strides: zero ? [1] : strides, _offset: t._offset, _storage: t._storage,
    _handleFor: (op: string) => t._handleFor(op),
  };
}

function dimsOf(t: Tensor): number[] { return t._shape.length === 0 ? [1] : t._shape.slice(); }

// torch's keyword arguments (`x.gather({ dim: 1, index })`, `x.triu({ diagonal: 1 })`): the positional forms as before, or
// the same names in a trailing options object; the values are checked by the ops, as for a positional call.
const KW = {
  gather: A.signature('gather', ['input', 'dim', 'index'], { input: A.required(A.anyValue<Tensor>()), dim: A.optional(A.anyValue<number>()) as A.Param<number>, index: A.optional(A.anyValue<Tensor>()) as A.Param<Tensor> }),
  scatter: A.signature('scatter', ['input', 'dim', 'index', 'src'], { input: A.required(A.anyValue<Tensor>()), dim: A.optional(A.anyValue<number>()) as A.Param<number>, index: A.optional(A.anyValue<Tensor>()) as A.Param<Tensor>, src: A.optional(A.anyValue<Tensor | number | boolean>()), value: A.optional(A.anyValue<number | boolean>()) }),
  scatterAdd: A.signature('scatterAdd', ['input', 'dim', 'index', 'src'], { input: A.required(A.anyValue<Tensor>()), dim: A.optional(A.anyValue<number>()) as A.Param<number>, index: A.optional(A.anyValue<Tensor>()) as A.Param<Tensor>, src: A.optional(A.anyValue<Tensor>()) as A.Param<Tensor> }),
  indexSelect: A.signature('indexSelect', ['input', 'dim', 'index'], { input: A.required(A.anyValue<Tensor>()), dim: A.optional(A.anyValue<number>()) as A.Param<number>, index: A.optional(A.anyValue<Tensor>()) as A.Param<Tensor> }),
  takeAlongDim: A.signature('takeAlongDim', ['input', 'indices', 'dim'], { input: A.required(A.anyValue<Tensor>()), indices: A.optional(A.anyValue<Tensor>()) as A.Param<Tensor>, dim: A.optional(A.anyValue<number>()) }),
  triu: A.signature('triu', ['input', 'diagonal'], { input: A.required(A.anyValue<Tensor>()), diagonal: A.optional(A.anyValue<number>(), 0) }),
  tril: A.signature('tril', ['input', 'diagonal'], { input: A.required(A.anyValue<Tensor>()), diagonal: A.optional(A.anyValue<number>(), 0) }),
  flip: A.signature('flip', ['input', 'dims'], { input: A.required(A.anyValue<Tensor>()), dims: A.optional(A.anyValue<number | readonly number[]>()) as A.Param<number | readonly number[]> }),
};
const argsOf = (a: IArguments): unknown[] => a as unknown as unknown[];
/** scatter's source as a keyword: a tensor or scalar `src`, or a scalar `value` (torch's `scatter(dim, index, value=…)`). */
export type ScatterSource = { src: Tensor | number | boolean; value?: undefined } | { value: number | boolean; src?: undefined };

/**
 * Picks values along `dim` by an int32 index tensor of the same rank:
 * `out[i][j] = x[i][index[i][j]]` for dim 1. The output has the index's shape; for every other dim
 * `index.shape[d] <= x.shape[d]`.
 *
 * ```ts
 * const x = fl.tensor([[1, 2], [3, 4]]);
 * fl.gather(x, 1, fl.tensor([[0, 0], [1, 0]])).toArray();  // [[1, 1], [4, 3]]
 * ```
 */
export function gather(input: Tensor, dim: number, index: Tensor): Tensor;
export function gather(input: Tensor, dim: number, options: { index: Tensor }): Tensor;
export function gather(input: Tensor, options: { dim: number; index: Tensor }): Tensor;
export function gather(): Tensor {
  const { input: x, dim, index } = KW.gather.parse(argsOf(arguments));
  const cx = complexOperand(x);
  if (cx !== null) return complexHook('layout', 'gather', cx)('gather', x, [dim, index]);
  need(x, 'gather'); needIndex(index, 'gather');
  const dev = commonDevice('gather', x, index)!;
  const d = normDim(dim, x.ndim, 'gather');
  const xs = dimsOf(x), is = dimsOf(index);
  // an empty index is an empty result whatever its shape (PyTorch checks the shapes only when it has elements)
  if (xs.length !== is.length && index.numel > 0) {
    throw new ShapeError(`gather: index ${fmt(index._shape)} must have as many dims as the input ${fmt(x._shape)}`);
  }
  for (let i = 0; i < xs.length && index.numel > 0; i++) {
    if (i !== d && is[i] > xs[i]) {
      throw new ShapeError(`gather: index ${fmt(index._shape)} is larger than the input ${fmt(x._shape)} in dim ${String(i)} (only dim ${String(d)} may be larger)`);
    }
  }
  const out = emptyTensor(index._shape, x.dtype, dev, false, 'gather');
  try {
    if (out.numel > 0) call(GATHER, 'gather', [nonEmptyDims(out), nonEmptyDims(x), nonEmptyDims(index)], [d]);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(x)) {
    const xShape = x._shape, xDt = x.dtype, xDev = x.device;
    record('gather', [x, index], [out], [index], ([g], [idx]) => scopeSync(() => [scatterIntoZeros(xShape, xDt, xDev, d, idx, g!, true), null]));
  }
  // ONNX: GatherElements, on the input cut to the index's extent in the other dims (torch lets those be smaller)
  return traceState.tracer === null ? out : traced('gather', [x, index], out, (g, [vx, vi]) => {
    if (x.ndim === 0) return g.op('Reshape', [vx.name, g.ints(index._shape)]);
    if (index.ndim === 0) return g.op('Gather', [vx.name, vi.name], { axis: 0 });
    const cut = xs.map((n, i) => (i !== d && is[i] < n ? i : -1)).filter((i) => i >= 0);
    const src = cut.length === 0 ? vx.name : g.op('Slice', [vx.name, g.ints(cut.map(() => 0)), g.sizes(cut.map((i) => is[i])), g.ints(cut)]);
    return g.op('GatherElements', [src, vi.name], { axis: d });
  });
}

/**
 * @internal Zeros of `shape` with `src` scattered (`add` false) or scatter-added (`add` true) at
 * `index` along `dim`: the gradient of the ops that pick elements (gather, sort, max along a dim, …).
 */
export function scatterIntoZeros(shape: readonly number[], dtype: DType, device: string, dim: number, index: Tensor, src: Tensor, add: boolean): Tensor {
  const z = zeros(shape, { dtype, device });
  try {
    const s = src.dtype === dtype ? src : src.to(dtype);
    try { scatterInto(z, dim, index, s, add ? 1 : 0, 'backward'); } finally { if (s !== src) s.dispose(); }
  } catch (e) { z.dispose(); throw e; }
  // a backward with createGraph (grad mode, src in the graph): z joins it, with the gather of its
  // gradient at the same index as src's gradient (src has the index's shape here)
  if (needsGrad(src) && sameSizes(src._shape, index._shape)) {
    record('scatterAdd', [src], [z], [index], ([gg], [idx]) => scopeSync(() => [gather(gg!, dim, idx)]));
  }
  return z;
}

function sameSizes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** @internal g gathered at index along dim, zero-padded to `srcShape` (src of scatter may be larger than the index). */
function gatherToShape(g: Tensor, dim: number, index: Tensor, srcShape: readonly number[], dtype: DType): Tensor {
  if (index.numel === 0) return zeros(srcShape, { dtype, device: g.device });
  const picked = gather(g, dim, index);
  if (picked._shape.length === srcShape.length && picked._shape.every((s, i) => s === srcShape[i]) && picked.dtype === dtype) return picked;
  const z = zeros(srcShape, { dtype, device: g.device });
  const region = z._view(picked._shape, srcShape.length === 0 ? [] : contiguousStrides(srcShape), 0);
  try { copyInto(region, picked, 'backward'); } finally { region.dispose(); picked.dispose(); }
  return z;
}

function hasOverlap(t: Tensor): boolean {
  for (let i = 0; i < t._shape.length; i++) if (t._strides[i] === 0 && t._shape[i] > 1) return true;
  return false;
}

/**
 * scatter / scatterAdd / scatterReduce into `self` (in place). mode 0 assigns, 1 adds, 2-4 combine by
 * product, max, min (native/core/indexing.h's ScatterMode); `reduce`: the kernel's errors name scatterReduce.
 */
function scatterInto(self: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, mode: 0 | 1 | 2 | 3 | 4, op: string, reduce = false): Tensor {
  needIndex(index, op);
  const isTensor = src instanceof Tensor;
  if (!isTensor && typeof src !== 'number' && typeof src !== 'boolean') {
    throw new ValueError(`${String(op)}: src must be a Tensor${mode === 0 ? ', number or boolean' : ''}, got ${src === null ? 'null' : typeof src}`);
  }
  if (mode !== 0 && !isTensor) throw new ValueError(`${String(op)}: src must be a Tensor`);
  commonDevice(op, self, index, isTensor ? (src as Tensor) : 0);
  if (isTensor) {
    (src as Tensor)._handleFor(op);
    if ((src as Tensor).dtype !== self.dtype) {
      throw new DTypeError(`${String(op)}: src dtype ${(src as Tensor).dtype} must equal the input's dtype ${String(self.dtype)} (cast with .to())`);
    }
  }
  const d = normDim(dim, self.ndim, op);
  // an empty index writes nothing, whatever its shape and src's (PyTorch checks the shapes only when it has elements)
  if (index.numel === 0) return self;
  const ss = dimsOf(self), is = dimsOf(index);
  const srcShape = isTensor ? dimsOf(src as Tensor) : null;
  if (ss.length !== is.length || (srcShape && srcShape.length !== is.length)) {
    throw new ShapeError(`${String(op)}: input ${fmt(self._shape)}, index ${fmt(index._shape)}${srcShape ? ` and src ${fmt((src as Tensor)._shape)}` : ''} must have the same number of dims`);
  }
  for (let i = 0; i < is.length; i++) {
    if (i !== d && is[i] > ss[i]) {
      throw new ShapeError(`${String(op)}: index ${fmt(index._shape)} is larger than the input ${fmt(self._shape)} in dim ${String(i)} (only dim ${String(d)} may be larger)`);
    }
    if (srcShape && is[i] > srcShape[i]) {
      throw new ShapeError(`${String(op)}: index ${fmt(index._shape)} is larger than src ${fmt((src as Tensor)._shape)} in dim ${String(i)}`);
    }
  }
  // fl.useDeterministicAlgorithms: the GPU kernel's floating add and prod use atomics (lib/deterministic.ts)
  if (deterministicState.enabled && (mode === 1 || mode === 2) && isFloating(self.dtype) && self.device !== 'cpu') {
    const name = reduce || mode === 2 ? 'scatterReduce' : 'scatterAdd';
    const det = deterministicState.scatterAdd;
    if (mode === 1 && det !== null && det(self, d, index, src as Tensor, name)) return self;
    alertNotDeterministic(`${name}${mode === 2 ? " with reduce 'prod'" : ''} on ${self.device} (${self.dtype})`);
  }
  const srcOp: OperandView | ScalarOperand = isTensor ? nonEmptyDims(src as Tensor) : { scalar: +src, dtype: self.dtype };
  call(SCATTER, op, [nonEmptyDims(self), nonEmptyDims(index), srcOp], reduce ? [d, mode, 1] : [d, mode]);
  return self;
}

function outOfPlace(x: Tensor, op: string, fn: (out: Tensor) => void): Tensor {
  need(x, op);
  const out = contiguousCopy(x, op);
  try { fn(out); } catch (e) { out.dispose(); throw e; }
  return out;
}

/** Records scatter (mode 0) or scatterAdd (mode 1): x's gradient is g (with the overwritten positions zeroed for scatter), src's is g gathered at index. */
function recordScatter(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, out: Tensor, mode: 0 | 1): void {
  const d = normDim(dim, x.ndim, op);
  const srcT = src instanceof Tensor ? src : null;
  const srcShape = srcT ? srcT._shape : [], srcDt = srcT ? srcT.dtype : x.dtype;
  const xNeeds = x.requiresGrad;
  record(op, [x, index, srcT], [out], [index], ([g], [idx]) => scopeSync(() => {
    let gx: Tensor | null = null;
    if (xNeeds) {
      gx = mode === 1 ? g!.clone() : contiguousCopy(g!, 'backward');
      if (mode === 0) scatterInto(gx, d, idx, 0, 0, 'backward');
    }
    const gs = srcT && srcT.requiresGrad ? gatherToShape(g!, d, idx, srcShape, srcDt) : null;
    return [gx, null, gs];
  }));
}

function inPlace(x: Tensor, op: string, ...others: unknown[]): Tensor {
  need(x, op);
  if (hasOverlap(x)) {
    throw new ValueError(`${String(op)}: the input (shape ${fmt(x._shape)}, strides ${fmt(x._strides)}) has elements that share memory (an expanded view); clone it first`);
  }
  checkInplace(x, op, ...others);
  return x;
}

/**
 * A copy of `x` with values from `src` written at the positions `index` names along `dim`:
 * `out[i][index[i][j]] = src[i][j]` for dim 1. `src` is a tensor of x's dtype (at least as large as
 * the index in every dim) or a scalar. With repeated indices the last write wins.
 *
 * ```ts
 * fl.scatter(fl.zeros([2, 3]), 1, fl.tensor([[2], [0]]), 5).toArray();  // [[0, 0, 5], [5, 0, 0]]
 * ```
 */
export function scatter(input: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean): Tensor;
/** torch's keywords: `scatter(x, 0, index, { src })` or `{ value: 1 }` (a scalar), or every argument as a keyword. */
export function scatter(input: Tensor, dim: number, index: Tensor, options: ScatterSource): Tensor;
export function scatter(input: Tensor, dim: number, options: { index: Tensor } & ScatterSource): Tensor;
export function scatter(input: Tensor, options: { dim: number; index: Tensor } & ScatterSource): Tensor;
export function scatter(): Tensor {
  const { input: x, dim, index, src: src0, value } = KW.scatter.parse(argsOf(arguments));
  if (src0 !== undefined && value !== undefined) throw new ValueError('scatter: pass src or value, not both');
  if (src0 === undefined && value === undefined) throw new ValueError("scatter: missing required argument 'src' (or 'value')");
  const src = (src0 ?? value) as Tensor | number | boolean;
  const out = outOfPlace(x, 'scatter', (o) => scatterInto(o, dim, index, src, 0, 'scatter'));
  if (needsGrad(x, src)) recordScatter('scatter', x, dim, index, src, out, 0);
  return traceState.tracer === null ? out : traced('scatter', [x, index, src], out, scatterOnnx(x, dim, index, src, 'none'));
}

/**
 * ONNX: ScatterElements (reduction 'add' for scatterAdd, opset 16) with src cut to the index's extent
 * (torch reads only that part) or a scalar src expanded to it.
 */
function scatterOnnx(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, reduction: 'none' | 'add'): Lowering {
  return (g, [vx, vi, vs]) => {
    if (index.numel === 0) return g.op('Identity', [vx.name]);
    if (x.ndim === 0 || index.ndim === 0) g.unsupported(reduction === 'add' ? 'scatterAdd' : 'scatter', 'a 0-dim input or index');
    if (reduction === 'add' && x.dtype === 'bool') g.unsupported('scatterAdd', 'bool (ONNX adds no bools)');
    const d = normDim(dim, x.ndim, 'scatter');
    let upd: string;
    if (src instanceof Tensor) {
      const cut = src._shape.map((n, i) => (index._shape[i] < n ? i : -1)).filter((i) => i >= 0);
      upd = cut.length === 0 ? vs.name : g.op('Slice', [vs.name, g.ints(cut.map(() => 0)), g.sizes(cut.map((i) => index._shape[i])), g.ints(cut)]);
    } else upd = g.op('Expand', [g.operand(vs, x.dtype), g.sizes(index._shape)]);
    return g.op('ScatterElements', [vx.name, vi.name, upd], { axis: d, reduction });
  };
}

/**
 * A copy of `x` with `src` added at the positions `index` names along `dim` (repeated indices
 * accumulate): `out[index[i]] += src[i]` for dim 0. Bool adds as logical or; integers wrap.
 *
 * ```ts
 * fl.scatterAdd(fl.zeros([3]), 0, fl.tensor([0, 2, 0]), fl.ones([3])).toArray();  // [2, 0, 1]
 * ```
 */
export function scatterAdd(input: Tensor, dim: number, index: Tensor, src: Tensor): Tensor;
export function scatterAdd(input: Tensor, dim: number, index: Tensor, options: { src: Tensor }): Tensor;
export function scatterAdd(input: Tensor, dim: number, options: { index: Tensor; src: Tensor }): Tensor;
export function scatterAdd(input: Tensor, options: { dim: number; index: Tensor; src: Tensor }): Tensor;
export function scatterAdd(): Tensor {
  const { input: x, dim, index, src } = KW.scatterAdd.parse(argsOf(arguments));
  const out = outOfPlace(x, 'scatterAdd', (o) => scatterInto(o, dim, index, src, 1, 'scatterAdd'));
  if (needsGrad(x, src)) recordScatter('scatterAdd', x, dim, index, src, out, 1);
  return traceState.tracer === null ? out : traced('scatterAdd', [x, index, src], out, scatterOnnx(x, dim, index, src, 'add'));
}

// ---- scatterReduce ------------------------------------------------------------------------------
// torch.scatter_reduce (1.13): the native scatter kernel's add / prod / amax / amin modes; 'mean' is
// the sum divided by the count of values that reached each position (floor division for integers,
// as torch's). includeSelf false first assigns the reduction's identity at every indexed position,
// so that only src reaches them (untouched positions keep the input). Gradients: torch 1.13's
// scatter_reduce_backward, written with differentiable ops (second derivatives flow, except through
// 'prod', whose formula torch also refuses to differentiate twice with several zeros).

/** scatterReduce's reductions (torch 1.13's names). */
export type ScatterReduceOp = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';
/** scatterReduce's keyword option. */
export interface ScatterReduceOptions {
  /** Whether the input's values take part in the reduction at the indexed positions (default true). */
  includeSelf?: boolean;
}

const SCATTER_REDUCE_ARGS = A.signature('scatterReduce', ['input', 'dim', 'index', 'src', 'reduce'], {
  input: A.required(A.anyValue<Tensor>()), dim: A.required(A.int()), index: A.required(A.anyValue<Tensor>()),
  src: A.required(A.anyValue<Tensor>()), reduce: A.required(A.oneOf('sum', 'prod', 'mean', 'amax', 'amin')),
  includeSelf: A.optional(A.bool, true),
});

/** The identity of a reduction in `dtype` (what includeSelf false assigns first). */
function reduceIdentity(reduce: ScatterReduceOp, dtype: DType): number | boolean {
  if (reduce === 'sum' || reduce === 'mean') return 0;
  if (reduce === 'prod') return 1;
  const max = reduce === 'amin';  // amin starts from the largest value, amax from the lowest
  if (dtype === 'bool') return max;
  if (dtype === 'int32') return max ? 2147483647 : -2147483648;
  if (dtype === 'uint8') return max ? 255 : 0;
  return max ? Infinity : -Infinity;
}

/** scatterReduce into `self` (a fresh copy of the input, in place), without a graph. */
function scatterReduceInto(self: Tensor, d: number, index: Tensor, src: Tensor, reduce: ScatterReduceOp, includeSelf: boolean, op: string): Tensor {
  if (!(src instanceof Tensor)) throw new ValueError(`${op}: src must be a Tensor, got ${describeArg(src)}`);
  if (!includeSelf) scatterInto(self, d, index, reduceIdentity(reduce, self.dtype), 0, op, true);
  const mode = reduce === 'prod' ? 2 : reduce === 'amax' ? 3 : reduce === 'amin' ? 4 : 1;
  scatterInto(self, d, index, src, mode, op, true);
  if (reduce !== 'mean' || index.numel === 0) return self;
  // the count of values at each position (the input's own counts once with includeSelf), at least 1
  const quotient = scopeSync(() => {
    const ones = full(index._shape, 1, { dtype: self.dtype, device: self.device });
    const start = full(self._shape, includeSelf ? 1 : 0, { dtype: self.dtype, device: self.device });
    const counts = scatterInto(start, d, index, ones, 1, op, true);
    const n = whereElementwise(eqElementwise(counts, 0), 1, counts);
    return isFloating(self.dtype) ? divElementwise(self, n) : floorDivide(self, n);
  });
  try { copyInto(self, quotient, op); } finally { quotient.dispose(); }
  return self;
}

/**
 * `src` reduced into a copy of `input` at the positions `index` names along `dim`, as
 * torch.scatter_reduce (1.13): `out[index[i]] = reduce(out[index[i]], src[i])` for dim 0, with
 * `reduce` one of 'sum', 'prod', 'mean', 'amax', 'amin' (NaN wins amax / amin; 'mean' of integers
 * floors). With `{ includeSelf: false }` only src's values reach the indexed positions; the others
 * keep the input. Repeated indices reduce together (GNN message passing, segment max).
 *
 * ```ts
 * fl.scatterReduce(fl.zeros([2]), 0, fl.tensor([0, 0, 1]), fl.tensor([1, 3, 2], { dtype: 'float32' }), 'amax').toArray();  // [3, 2]
 * ```
 */
export function scatterReduce(input: Tensor, ...args: A.ArgsThenOptions<[dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceOp], ScatterReduceOptions>): Tensor;
export function scatterReduce(...args: unknown[]): Tensor {
  const o = SCATTER_REDUCE_ARGS.parse(args);
  return scatterReduceOp(o.input, o.dim, o.index, o.src, o.reduce as ScatterReduceOp, o.includeSelf);
}

function scatterReduceOp(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceOp, includeSelf: boolean): Tensor {
  const op = 'scatterReduce';
  need(x, op); needIndex(index, op);
  if (!(src instanceof Tensor)) throw new ValueError(`${op}: src must be a Tensor, got ${describeArg(src)}`);
  const d = normDim(dim, x.ndim, op);
  const out = outOfPlace(x, op, (o) => scatterReduceInto(o, d, index, src, reduce, includeSelf, op));
  if (needsGrad(x, src)) recordScatterReduce(x, d, index, src, reduce, includeSelf, out);
  return out;
}

/** torch 1.13's scatter_reduce_backward, with differentiable ops. */
function recordScatterReduce(x: Tensor, d: number, index: Tensor, src: Tensor, reduce: ScatterReduceOp, includeSelf: boolean, out: Tensor): void {
  const srcShape = src._shape, srcDt = src.dtype, xNeeds = x.requiresGrad, srcNeeds = src.requiresGrad;
  record('scatterReduce', [x, index, src], [out], [x, index, src, out], ([g], [sx, idx, ssrc, res]) => scopeSync(() => {
    const gy = g!;
    // src's part that the index reaches (src may be larger than the index in every dim)
    const s = index.numel === 0 ? ssrc : ssrc._view(idx._shape, ssrc._strides, ssrc._offset);
    const gat = (t: Tensor): Tensor => gather(t, d, idx);
    let gx: Tensor, gs: Tensor;
    if (reduce === 'sum') {
      gx = gy; gs = gat(gy);
    } else if (reduce === 'mean') {
      const n0 = full(gy._shape, includeSelf ? 1 : 0, { dtype: gy.dtype, device: gy.device });
      const counts = scatterAdd(n0, d, idx, full(idx._shape, 1, { dtype: gy.dtype, device: gy.device }));
      const n = whereElementwise(eqElementwise(counts, 0), 1, counts);
      gx = divElementwise(gy, n); gs = divElementwise(gat(gy), gat(n));
    } else if (reduce === 'amax' || reduce === 'amin') {
      // the gradient is split evenly among the values equal to the result (the input's included)
      const selfIs = eqElementwise(sx, res).to(gy.dtype), srcIs = eqElementwise(s, gat(res)).to(gy.dtype);
      const spread = divElementwise(gy, scatterAdd(selfIs, d, idx, srcIs));
      gx = mul(selfIs, spread); gs = mul(srcIs, gat(spread));
    } else {
      // prod: the product of the others, with torch's handling of zeros (one zero in a group gets
      // the product of the rest; several zeros give zeros)
      const maskedSelf = whereElementwise(eqElementwise(sx, 0), 1, sx);
      gx = divElementwise(mul(gy, scatterReduceOp(maskedSelf, d, idx, s, 'prod', includeSelf)), maskedSelf);
      const srcZero = eqElementwise(s, 0);
      const zeros0 = full(sx._shape, 0, { dtype: sx.dtype, device: sx.device });
      const nZeros = gat(scatterAdd(zeros0, d, idx, srcZero.to(sx.dtype)));
      const single = logicalAndElementwise(srcZero, eqElementwise(nZeros, 1));
      const others = scatterReduceOp(sx, d, idx, whereElementwise(single, 1, s), 'prod', includeSelf);
      gs = whereElementwise(single, gat(mul(gy, others)), divElementwise(gat(mul(gy, res)), whereElementwise(srcZero, 1, s)));
    }
    if (!includeSelf) gx = scatter(gx, d, idx, 0);
    return [xNeeds ? (gx === gy ? gy.clone() : gx) : null, null, srcNeeds ? padTo(gs, srcShape, srcDt) : null];
  }), reduce !== 'prod');
}

/** t (the index's shape) zero-padded to `shape` (src of a scatter may be larger than the index). */
function padTo(t: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const same = t._shape.length === shape.length && t._shape.every((v, i) => v === shape[i]);
  if (same) return t.dtype === dtype ? t : t.to(dtype);
  const z = zeros(shape, { dtype, device: t.device });
  if (t.numel === 0) return z;
  const region = z._view(t._shape, z._shape.length === 0 ? [] : contiguousStrides(z._shape), 0);
  try { copyInto(region, t, 'backward'); } finally { region.dispose(); }
  return z;
}

/**
 * The slices of `x` along `dim` at the positions in a 1-D int32 `index` (repeats allowed):
 * `fl.indexSelect(x, 0, fl.tensor([2, 0]))` takes rows 2 and 0.
 */
export function indexSelect(input: Tensor, dim: number, index: Tensor): Tensor;
export function indexSelect(input: Tensor, dim: number, options: { index: Tensor }): Tensor;
export function indexSelect(input: Tensor, options: { dim: number; index: Tensor }): Tensor;
export function indexSelect(): Tensor {
  const { input: x, dim, index } = KW.indexSelect.parse(argsOf(arguments));
  return indexSelectAs(x, dim, index, 'indexSelect');
}

/** indexSelect whose errors (the kernel's bad-index error included) name `op`. */
function indexSelectAs(x: Tensor, dim: number, index: Tensor, op: string): Tensor {
  const cx = complexOperand(x);
  if (cx !== null) return complexHook('layout', op, cx)(op, x, [dim, index]);
  need(x, op); needIndex(index, op);
  const dev = commonDevice(op, x, index)!;
  if (index.ndim > 1) throw new ShapeError(`${op}: index must be 0-D or 1-D, got shape ${fmt(index._shape)}`);
  const d = normDim(dim, x.ndim, op);
  const n = index.numel;
  if (x.ndim === 0 && n !== 1) throw new IndexError(`${op}: a 0-dim input takes exactly one index, got ${String(n)}`);
  const shape = x._shape.slice();
  if (x.ndim > 0) shape[d] = n;
  const out = emptyTensor(shape, x.dtype, dev, false, op);
  try {
    // the kernel checks the indices even when the output is empty
    call(INDEX_SELECT, op, [nonEmptyDims(out), nonEmptyDims(x), nonEmptyDims(index)], [d]);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(x)) {
    const xShape = x._shape, xDt = x.dtype, xDev = x.device;
    record(op, [x, index], [out], [index], ([g], [idx]) => scopeSync(() => {
      if (xShape.length === 0) return [contiguousCopy(g!, 'backward', xDt), null];
      // index-add: the 1-D index viewed along dim d and broadcast over g's other dims
      const strides = shape.map((_, i) => (i === d ? (idx._shape.length === 0 ? 0 : idx._strides[0]) : 0));
      const wide = idx._view(shape, strides, idx._offset);
      return [scatterIntoZeros(xShape, xDt, xDev, d, wide, g!, true), null];
    }));
  }
  return traceState.tracer === null ? out : traced(op, [x, index], out, (g, [vx, vi]) => (x.ndim === 0 ? g.op('Identity', [vx.name]) : g.op('Gather', [vx.name, vi.name], { axis: d })));
}

/**
 * Gathers along `dim` with `indices` broadcast against `x` in the other dims (as
 * `torch.take_along_dim`); without `dim`, indexes the flattened `x`. Pairs with `argsort`/`topk`:
 *
 * ```ts
 * const { indices } = fl.topk(x, 2, 1);
 * fl.takeAlongDim(x, indices, 1);  // the same values topk returned
 * ```
 */
export function takeAlongDim(input: Tensor, indices: Tensor, ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor;
export function takeAlongDim(input: Tensor, options: { indices: Tensor; dim?: number }): Tensor;
export function takeAlongDim(): Tensor {
  const { input: x, indices, dim } = KW.takeAlongDim.parse(argsOf(arguments));
  need(x, 'takeAlongDim'); needIndex(indices, 'takeAlongDim');
  const out = noGrad(() => takeAlongDimImpl(x, indices, dim));
  if (needsGrad(x)) {
    const xShape = x._shape, xDt = x.dtype, xDev = x.device;
    const d = dim === undefined || dim === null ? null : normDim(dim, x.ndim, 'takeAlongDim');
    record('takeAlongDim', [x, indices], [out], [indices], ([g], [idx]) => scopeSync(() => {
      if (d === null) {
        const flat = scatterIntoZeros([numelOf(xShape)], xDt, xDev, 0, reshape(idx, [-1]), reshape(g!, [-1]), true);
        return [reshape(flat, xShape), null];
      }
      // gather ran on x broadcast to g's shape (but in dim d): add into that, then sum back to x's shape
      const bx = g!._shape.slice();
      bx[d] = xShape[d];
      const wide = idx._view(g!._shape, broadcastStrides(idx._shape, idx._strides, g!._shape), idx._offset);
      return [sumToShape(scatterIntoZeros(bx, xDt, xDev, d, wide, g!, true), xShape), null];
    }));
  }
  return out;
}

function numelOf(shape: readonly number[]): number { return shape.reduce((a, b) => a * b, 1); }

function takeAlongDimImpl(x: Tensor, indices: Tensor, dim?: number): Tensor {
  try {
    if (dim === undefined || dim === null) {
      const fx = reshape(x, [-1]), fi = reshape(indices, [-1]);
      try { return gather(fx, 0, fi); } finally { fx.dispose(); fi.dispose(); }
    }
    const d = normDim(dim, x.ndim, 'takeAlongDim');
    if (x.ndim !== indices.ndim) {
      throw new ShapeError(`takeAlongDim: input ${fmt(x._shape)} and indices ${fmt(indices._shape)} must have the same number of dims`);
    }
    const xs = x._shape.slice(), is = indices._shape.slice();
    xs[d] = 1; is[d] = 1;
    const b = broadcastShapes('takeAlongDim', xs, is);
    const bx = b.slice(), bi = b.slice();
    bx[d] = x._shape[d]; bi[d] = indices._shape[d];
    const vx = x._view(bx, broadcastStrides(x._shape, x._strides, bx), x._offset);
    const vi = indices._view(bi, broadcastStrides(indices._shape, indices._strides, bi), indices._offset);
    try { return gather(vx, d, vi); } finally { vx.dispose(); vi.dispose(); }
  } catch (e) {
    if (e instanceof FlintError && !e.message.startsWith('takeAlongDim')) {
      throw new (e.constructor as new (m: string) => FlintError)(`takeAlongDim: ${e.message}`);
    }
    throw e;
  }
}

/**
 * The elements of `x` where the bool `mask` (broadcast with `x`) is true, as a 1-D tensor in
 * row-major order: `fl.maskedSelect(x, x.gt(0))`.
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('maskedSelect', 'input, mask', arguments);
  need(x, 'maskedSelect'); need(mask, 'maskedSelect', 'mask');
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedSelect: mask must be a bool tensor, got ${String(mask.dtype)}`);
  const dev = commonDevice('maskedSelect', x, mask)!;
  const shape = broadcastShapes('maskedSelect', x._shape, mask._shape);
  const view = (t: Tensor): OperandView => nonEmptyDims(t, shape, broadcastStrides(t._shape, t._strides, shape));
  const count = emptyTensor([1], 'int32', dev, false, 'maskedSelect');
  let n: number;
  try {
    call(MASKED_SELECT, 'maskedSelect', [count, view(mask)], [0]);
    n = count.item();
  } finally { count.dispose(); }
  const out = emptyTensor([n], x.dtype, dev, false, 'maskedSelect');
  try {
    if (n > 0) call(MASKED_SELECT, 'maskedSelect', [out, view(x), view(mask)], [1]);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(x)) {
    const xShape = x._shape, xDt = x.dtype, xDev = x.device;
    record('maskedSelect', [x, mask], [out], [mask], ([g], [m]) => scopeSync(() => {
      if (n === 0) return [zeros(xShape, { dtype: xDt, device: xDev }), null];
      // g goes back to the flat positions the forward selected (the mask's true elements, in order)
      const pos = maskedSelect(reshape(arange(0, numelOf(shape), 1, { device: xDev }), shape), m);
      const back = reshape(scatterIntoZeros([numelOf(shape)], g!.dtype, xDev, 0, pos, g!, false), shape);
      return [sumToShape(back.dtype === xDt ? back : back.to(xDt), xShape), null];
    }));
  }
  // ONNX: Compress of the flattened (broadcast) input by the flattened mask; its size is computed in the graph
  return traceState.tracer === null ? out : traced('maskedSelect', [x, mask], out, (g, [vx, vm]) => {
    const flat = (v: string): string => g.op('Reshape', [g.op('Expand', [v, g.sizes(shape)]), g.ints([-1])]);
    return g.op('Compress', [flat(vx.name), flat(vm.name)], { axis: 0 });
  });
}

function trilu(x: Tensor, diagonal: number, upper: boolean): Tensor {
  const op = upper ? 'triu' : 'tril';
  { const cx = complexOperand(x); if (cx !== null) return complexHook('composite', op, cx)('trilu', [x, diagonal, upper]) as Tensor; }
  need(x, op);
  if (x.ndim < 2) throw new ShapeError(`${String(op)}: input must have at least 2 dims, got shape ${fmt(x._shape)}`);
  if (typeof diagonal !== 'number' || !Number.isInteger(diagonal)) throw new ValueError(`${String(op)}: diagonal must be an integer, got ${describeArg(diagonal)}`);
  const out = emptyTensor(x._shape, x.dtype, x._storage.device, false, op);
  try {
    if (out.numel > 0) call(TRILU, op, [out, x], [diagonal, upper ? 1 : 0]);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(x)) record(op, [x], [out], [], ([g]) => [trilu(g!, diagonal, upper)]);
  return traceState.tracer === null ? out : traced(op, [x], out, (g, [vx]) => g.op('Trilu', [vx.name, g.size(diagonal)], { upper: upper ? 1 : 0 }));
}

/**
 * The upper triangle of the last two dims (elements with `j - i >= diagonal`), zeros elsewhere;
 * batched over leading dims: `fl.triu(fl.ones([3, 3]))`, `fl.triu(scores, 1)`.
 */
export function triu(input: Tensor, ...args: ArgsThenOptions<[diagonal: number], { diagonal?: number }>): Tensor;
export function triu(): Tensor {
  const { input: x, diagonal } = KW.triu.parse(argsOf(arguments));
  return trilu(x, diagonal, true);
}

/**
 * The lower triangle of the last two dims (elements with `j - i <= diagonal`), zeros elsewhere:
 * `fl.tril(fl.ones([4, 4]))` is a causal mask.
 */
export function tril(input: Tensor, ...args: ArgsThenOptions<[diagonal: number], { diagonal?: number }>): Tensor;
export function tril(): Tensor {
  const { input: x, diagonal } = KW.tril.parse(argsOf(arguments));
  return trilu(x, diagonal, false);
}

// ---- nonzero, flip, advanced indexing (index / indexPut) -------------------------------------
//
// Advanced indexing follows PyTorch (= NumPy): the basic specs (integers, ':', slices, null, '...')
// are applied first as a view; the tensor specs then address some of that view's dims. A bool mask
// of k dims stands for the k index tensors of its `nonzero` (so it must match those dims' sizes and
// costs a host sync for its count, as in PyTorch); a 0-dim bool mask is a new dim of size 1 indexed
// by [0] or []. The index tensors broadcast together to a shape B, which replaces the addressed
// dims: where they are adjacent, B stands where they stood, otherwise B comes first. Negative
// indices count from the end, as in PyTorch; out-of-range ones are an IndexError naming the op.
//
// Everything is made of existing ops, so that CPU and GPU both run it and autograd comes for free:
// the addressed dims are permuted to the front and merged, the index tensors become one linear
// int32 index (int32 overflow is an OverflowError), and indexSelect (reads) or scatter/scatterAdd
// (writes) does the work.

/** @internal Throws OverflowError unless `n` fits int32, flintml's index dtype (it has no int64). */
export function checkInt32(n: number, what: string, op: string): void {
  if (!(n >= -2147483648 && n <= 2147483647)) {
    throw new OverflowError(`${op}: ${what} (${String(n)}) does not fit int32, flintml's index dtype (there is no int64)`);
  }
}

/** Options of {@link nonzero}. */
export interface NonzeroOptions {
  /** One 1-D int32 tensor per dim (as `torch.nonzero(as_tuple=True)`) instead of one `[n, ndim]` tensor. */
  asTuple?: boolean;
}

/** The int32 coordinates of the nonzero (true) elements of x, one 1-D tensor per dim, in row-major order. */
function nonzeroCoords(x: Tensor, op: string): { coords: Tensor[]; count: number } {
  checkInt32(x.numel, 'the number of elements', op);
  return noGrad(() => scopeSync(() => {
    const mask = x.dtype === 'bool' ? x : ne(x, 0);
    const pos = maskedSelect(arange(x.numel, undefined, 1, { dtype: 'int32', device: x.device }), reshape(mask, [-1]));
    const coords: Tensor[] = [];
    let stride = 1;
    for (let d = x.ndim - 1; d >= 0; d--) {
      const q = stride === 1 ? pos : floorDivide(pos, stride);
      coords[d] = d === 0 ? q : remainder(q, x._shape[d]);
      stride *= x._shape[d];
    }
    return { coords, count: pos.numel };
  }));
}

/**
 * The int32 indices of the nonzero (for bool: true) elements of `x` in row-major order, as
 * `torch.nonzero`: an `[n, x.ndim]` tensor, or with `{ asTuple: true }` one 1-D tensor per dim
 * (what indexes `x` back: `x.index(...fl.nonzero(x, { asTuple: true }))`). Reads the count back
 * to the host (a sync on a GPU), as PyTorch does.
 *
 * ```ts
 * fl.nonzero(fl.tensor([[0, 3], [4, 0]])).toArray();  // [[0, 1], [1, 0]]
 * const [rows, cols] = fl.nonzero(m, { asTuple: true });
 * ```
 */
export function nonzero(x: Tensor): Tensor;
export function nonzero(x: Tensor, options: NonzeroOptions & { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, options?: NonzeroOptions): Tensor | Tensor[];
export function nonzero(x: Tensor, options: NonzeroOptions = {}): Tensor | Tensor[] {
  if (arguments.length > 2) tooManyArgs('nonzero', 'input, options', arguments);
  need(x, 'nonzero');
  if (options === null || typeof options !== 'object') throw new ValueError(`nonzero: options must be an object, got ${describeArg(options)}`);
  for (const k of Object.keys(options)) if (k !== 'asTuple') unknownOption('nonzero', k, ['asTuple']);
  const asTuple = options.asTuple ?? false;
  if (typeof asTuple !== 'boolean') throw new ValueError(`nonzero: asTuple must be a boolean, got ${describeArg(asTuple)}`);
  const { coords, count } = nonzeroCoords(x, 'nonzero');
  if (x.ndim === 0) return asTuple ? [zeros([count], { dtype: 'int32', device: x.device })] : zeros([count, 0], { dtype: 'int32', device: x.device });
  if (asTuple) return coords;
  let out: Tensor;
  try { out = stack(coords, 1); } finally { coords.forEach((c) => c.dispose()); }
  // ONNX: NonZero gives the [ndim, count] int64 coordinates
  return traceState.tracer === null ? out : traced('nonzero', [x], out, (g, [vx]) => g.cast(g.op('Transpose', [g.op('NonZero', [vx.name])], { perm: [1, 0] }), 'int64', 'int32'));
}

/**
 * `where(cond, a, b)` picks from `a` where `cond` is true and from `b` elsewhere (see the
 * elementwise `where`); `where(cond)` alone is `nonzero(cond, { asTuple: true })`, as in PyTorch.
 *
 * ```ts
 * fl.where(fl.gt(x, 0), x, 0);
 * const [rows, cols] = fl.where(fl.gt(x, 0));
 * ```
 */
export function where(cond: Tensor): Tensor[];
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor;
export function where(cond: Tensor, a?: TensorLike, b?: TensorLike): Tensor | Tensor[] {
  if (arguments.length > 3) tooManyArgs('where', 'condition, input, other', arguments);
  if (a === undefined && b === undefined) {
    need(cond, 'where');
    return nonzero(cond, { asTuple: true });
  }
  return whereElementwise(cond, a as TensorLike, b as TensorLike);
}

/**
 * The tensor with the order of elements reversed along `dims` (a copy), as `torch.flip`:
 * `fl.flip(fl.tensor([[1, 2], [3, 4]]), 1)` is `[[2, 1], [4, 3]]`.
 */
export function flip(input: Tensor, dims: number | readonly number[]): Tensor;
export function flip(input: Tensor, options: { dims: number | readonly number[] }): Tensor;
export function flip(): Tensor {
  const { input: x, dims } = KW.flip.parse(argsOf(arguments));
  const cx = complexOperand(x);
  if (cx !== null) return complexHook('layout', 'flip', cx)('flip', x, [dims]);
  need(x, 'flip');
  if (typeof dims !== 'number' && !Array.isArray(dims)) throw new ValueError(`flip: dims must be a number or an array of numbers, got ${describeArg(dims)}`);
  const ds = (typeof dims === 'number' ? [dims] : dims).map((d) => normDim(d, x.ndim, 'flip'));
  if (new Set(ds).size !== ds.length) throw new ValueError(`flip: dims [${ds.join(', ')}] repeat a dim`);
  let cur = clone(x);
  try {
    for (const d of ds) {
      const n = x.ndim === 0 ? 1 : x._shape[d];
      if (n <= 1) continue;
      const idx = arange(n - 1, -1, -1, { dtype: 'int32', device: x.device });
      let next: Tensor;
      try { next = indexSelectAs(cur, d, idx, 'flip'); } finally { idx.dispose(); }
      cur.dispose();
      cur = next;
    }
  } catch (e) { cur.dispose(); throw e; }
  return cur;
}

/** What the tensor specs of an index address in the view that the basic specs made. */
interface IndexPlan {
  /** x after the basic specs (a view, recorded for autograd when x needs grad) */
  view: Tensor;
  /** the view's dims that the index tensors address, ascending */
  dims: number[];
  /** one int32 index tensor per addressed dim (negatives wrapped) */
  indices: Tensor[];
  /** the index tensors' broadcast shape, B */
  shape: number[];
  /** the view's other dims, in order */
  rest: number[];
  /** where B goes among the rest dims of the result: where the (non-0-dim) index tensors stood when adjacent, else 0 */
  at: number;
}

function isIndexTensor(s: unknown): s is Tensor { return s instanceof Tensor; }

/** A spec that takes the advanced-indexing path: a tensor or a list (which becomes one). */
function isAdvanced(s: unknown): boolean { return s instanceof Tensor || Array.isArray(s); }

/** An array as an error message shows it: `[1, null, 2]` (short; never a tensor's JSON). */
function showList(a: readonly unknown[]): string {
  const show = (v: unknown): string => (Array.isArray(v) ? showList(v) : v === null || typeof v === 'number' || typeof v === 'boolean' || v === undefined ? String(v) : describeArg(v));
  const items = a.slice(0, 6).map(show);
  if (a.length > 6) items.push('…');
  return `[${items.join(', ')}]`;
}

/**
 * A list index (Python's `x[[0, 2]]`) as the int32 index tensor or bool mask it stands for, on
 * `device`, with the range of its integers (checked on the host against the dim it indexes).
 * A list with null inside is the slice syntax of flintml before slice strings: refused, naming the
 * string to write instead, so that ported code fails loudly rather than change meaning.
 */
function listIndex(list: IndexList, device: Tensor['device'], op: string): { t: Tensor; lo: number; hi: number } {
  let kind: 'int' | 'bool' | null = null, lo = Infinity, hi = -Infinity;
  const shape: number[] = [];
  const walk = (a: readonly unknown[], depth: number): void => {
    if (shape.length === depth) shape.push(a.length);
    else if (shape[depth] !== a.length) throw new ValueError(`${op}: the index list ${showList(list)} is ragged (lengths ${String(shape[depth])} and ${String(a.length)} at depth ${String(depth)})`);
    for (const v of a) {
      if (Array.isArray(v)) { walk(v, depth + 1); continue; }
      if (v === null || v === undefined) {
        const asSlice = list.length >= 1 && list.length <= 3 && list.every((e) => e === null || e === undefined || Number.isInteger(e));
        const bound = (e: unknown): string => (typeof e === 'number' ? String(e) : '');
        const str = `${bound(list[0])}:${bound(list[1])}${typeof list[2] === 'number' ? `:${describeArg(list[2])}` : ''}`;
        const hint = asSlice ? `write the slice ${str} as '${str}'` : "write slices as strings, e.g. '1::2' for Python's 1::2";
        throw new ValueError(`${op}: ${showList(list)} is not an index list (${String(v)} inside); slices are strings now: ${hint}`);
      }
      const k = typeof v === 'boolean' ? 'bool' : typeof v === 'number' && Number.isInteger(v) ? 'int' : null;
      if (k === null) throw new ValueError(`${op}: an index list holds integers or booleans, got ${describeArg(v)} in ${showList(list)}`);
      if (kind !== null && kind !== k) throw new ValueError(`${op}: the index list ${showList(list)} mixes integers and booleans`);
      kind = k;
      if (k === 'int') { lo = Math.min(lo, v as number); hi = Math.max(hi, v as number); }
    }
    if (a.length === 0 && shape.length > depth + 1) throw new ValueError(`${op}: the index list ${showList(list)} is ragged`);
  };
  walk(list, 0);
  const dtype = kind === 'bool' ? 'bool' : 'int32';
  return { t: tensor(list as unknown as boolean[], { dtype, device }), lo, hi };
}

/** Applies the basic specs of `specs` to x and turns its tensor specs into int32 index tensors (call inside a scope). */
function planIndex(x: Tensor, given: readonly IndexSpec[], op: string): IndexPlan {
  // lists become tensors here (inside the caller's scope); their integer ranges are checked on the host
  const ranges = new Map<Tensor, { lo: number; hi: number }>();
  const specs = given.map((s) => {
    if (!Array.isArray(s)) return s;
    const { t, lo, hi } = listIndex(s as IndexList, x.device, op);
    ranges.set(t, { lo, hi });
    return t;
  });
  const tensors = specs.filter(isIndexTensor);
  for (const t of tensors) {
    need(t, op, 'index');
    if (t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new DTypeError(`${op}: tensors used as indices must be int32 (indices) or bool (masks), got ${t.dtype} of shape ${fmt(t._shape)}${t.dtype === 'uint8' ? ' (cast a uint8 mask with .bool())' : ' (cast with .int())'}`);
    }
  }
  commonDevice(op, x, ...tensors);
  let consumed = 0, ellipses = 0;
  for (const s of specs) {
    if (s === '...') ellipses++;
    else if (s instanceof Tensor) consumed += s.dtype === 'bool' ? s.ndim : 1;
    else if (s !== null) consumed++;
  }
  if (ellipses > 1) throw new IndexError(`${op}: at most one ellipsis ('...')`);
  if (consumed > x.ndim) throw new IndexError(`${op}: too many indices (${String(consumed)} dims) for a tensor of ${String(x.ndim)} dims (shape ${fmt(x._shape)})`);
  const basic: IndexSpec[] = [];
  const entries: { pos: number; t: Tensor }[] = [];
  let pos = 0;
  for (const s of specs) {
    if (s === '...') { for (let i = 0; i < x.ndim - consumed; i++) basic.push(':'); pos += x.ndim - consumed; }
    else if (s instanceof Tensor) {
      if (s.dtype === 'bool' && s.ndim === 0) { basic.push(null); entries.push({ pos, t: reshape(s, [1]) }); pos++; }
      else {
        const k = s.dtype === 'bool' ? s.ndim : 1;
        for (let i = 0; i < k; i++) basic.push(':');
        entries.push({ pos, t: s });
        pos += k;
      }
    } else if (typeof s === 'number') basic.push(s);
    else if (s === null || typeof s === 'string') { basic.push(s); pos++; }
    else throw new IndexError(`${op}: bad index spec ${describeArg(s)} (expected an integer, a slice string such as '1::2', '...', null, a list of integers or booleans, or an int32/bool tensor)`);
  }
  const view = basicIndex(x, ...basic);
  const dims: number[] = [], indices: Tensor[] = [];
  for (const { pos: p, t } of entries) {
    if (t.dtype === 'bool') {
      const want = view._shape.slice(p, p + t.ndim);
      if (t._shape.some((s, i) => s !== want[i])) {
        throw new IndexError(`${op}: the shape of the mask ${fmt(t._shape)} does not match the shape ${fmt(want)} of the dims it indexes (dims ${String(p)}..${String(p + t.ndim - 1)} of ${fmt(view._shape)})`);
      }
      const { coords } = nonzeroCoords(t, op);
      coords.forEach((c, i) => { dims.push(p + i); indices.push(c); });
    } else {
      // negative indices count from the end (PyTorch); what is still out of range the kernels report
      const size = view._shape[p];
      const r = ranges.get(t);
      if (r !== undefined && r.hi >= r.lo && (r.lo < -size || r.hi >= size)) {
        const bad = r.lo < -size ? r.lo : r.hi;
        throw new IndexError(`${op}: index ${String(bad)} is out of bounds for dim ${String(p)} with size ${String(size)}`);
      }
      dims.push(p);
      const wrapped = whereElementwise(lt(t, 0), add(t, size), t);
      // ONNX: the wrap adds the dim's size as a size (it may follow a dynamic axis), not as the traced number
      indices.push(traceState.tracer === null ? wrapped : traced('index', [t], wrapped, (g, [vt]) => g.op('Where', [
        g.op('Less', [vt.name, g.constant(vt.dtype, [], [0])]), g.op('Add', [vt.name, g.cast(g.size(size), 'int64', vt.dtype)]), vt.name])));
    }
  }
  const shape = broadcastShapes(op, ...indices.map((t) => t._shape));
  const rest = view._shape.map((_, i) => i).filter((d) => !dims.includes(d));
  // A 0-dim int32 index is an integer to PyTorch (and NumPy): it removes its dim like x[2] and takes
  // no part in where B goes. B stands where the other index tensors stood when only addressed dims
  // lie between them, else first; `at` counts the rest dims before it.
  const placed = dims.filter((_, j) => indices[j]._shape.length > 0);
  const first = placed[0], last = placed[placed.length - 1];
  const adjacent = placed.length > 0 && rest.every((d) => d < first || d > last);
  return { view, dims, indices, shape, rest, at: adjacent ? rest.filter((d) => d < first).length : 0 };
}

/** The plan's index tensors as one int32 index into the addressed dims merged (row-major), shape B. */
function linearIndex(plan: IndexPlan, op: string): Tensor {
  const { view, dims, indices } = plan;
  if (indices.length === 1) return indices[0];  // the kernel that uses it checks its range
  const sizes = dims.map((d) => view._shape[d]);
  checkInt32(sizes.reduce((a, b) => a * b, 1), `the number of positions that ${String(dims.length)} index tensors address`, op);
  let lin: Tensor | null = null, mult = 1;
  for (let j = indices.length - 1; j >= 0; j--) {
    // each index is checked against its own dim first (a linear index could hide one out of range)
    const ok = indexSelectAs(arange(sizes[j], undefined, 1, { dtype: 'int32', device: view.device }), 0, reshape(indices[j], [-1]), op);
    const term = mult === 1 ? ok : mul(ok, mult);
    const shaped = reshape(term, indices[j]._shape);
    lin = lin === null ? shaped : add(lin, shaped);
    mult *= sizes[j];
  }
  return expand(lin!, plan.shape);
}

/**
 * The CPU kernels name themselves in the bad-index errors they raise at once; rename them after the
 * op the user called (a GPU kernel's error arrives at the next sync, under the kernel's name).
 */
function renamed(e: unknown, op: string): unknown {
  if (!(e instanceof FlintError)) return e;
  const m = /^(indexSelect|scatter|scatterAdd|gather): /.exec(e.message);
  if (!m) return e;
  const r = new (e.constructor as new (msg: string) => FlintError)(`${op}: ${e.message.slice(m[0].length)}`);
  return r;
}

/** The permutation that moves B (nb dims at the front) to position `at`, and its inverse. */
function moveB(nb: number, at: number, nd: number): number[] {
  const perm: number[] = [];
  for (let i = 0; i < at; i++) perm.push(nb + i);
  for (let i = 0; i < nb; i++) perm.push(i);
  for (let i = nb + at; i < nd; i++) perm.push(i);
  return perm;
}

/**
 * Python's `x[…]`, one argument per position: basic indexing (integers, slice strings such as
 * `':'` and `'1::2'`, `null` for None, `'...'`) is a view; lists (`[2, 0]`, `[[0, 1], [1, 0]]`,
 * `[true, false]`), int32 index tensors and bool masks are PyTorch's advanced indexing (a copy, with
 * gradients): a list means what a Python list means there, the int32 tensor (or bool mask) made from
 * it. Index tensors broadcast together; a mask stands for its `nonzero` positions.
 *
 * ```ts
 * x.index(0, ':', '1::2', null);          // x[0, :, 1::2, None] (a view)
 * x.index([2, 0]);                        // rows 2 and 0: x[[2, 0]]
 * x.index(fl.tensor([2, 0]));             // the same
 * x.index(':', idx);                      // x[:, idx]
 * x.index(x.gt(0));                       // x[x > 0] (1-D)
 * x.index(rows, cols);                    // x[rows, cols], pairs of (rows[i], cols[i])
 * ```
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  need(x, 'index');
  if (!specs.some(isAdvanced)) return basicIndex(x, ...specs);
  try { return advancedIndex(x, specs); } catch (e) { throw renamed(e, 'index'); }
}

function advancedIndex(x: Tensor, specs: readonly IndexSpec[]): Tensor {
  return scopeSync(() => {
    const plan = planIndex(x, specs, 'index');
    const { view, dims, rest } = plan;
    const restSizes = rest.map((d) => view._shape[d]);
    const merged = reshape(permute(view, [...dims, ...rest]), [dims.reduce((a, d) => a * view._shape[d], 1), ...restSizes]);
    const picked = indexSelectAs(merged, 0, reshape(linearIndex(plan, 'index'), [-1]), 'index');
    const out = reshape(picked, [...plan.shape, ...restSizes]);
    return plan.at === 0 ? out : permute(out, moveB(plan.shape.length, plan.at, out.ndim));
  });
}

/** Options of {@link indexPut} / `indexPut_`. */
export interface IndexPutOptions {
  /** Add the values into the indexed positions (repeated indices add up) instead of assigning. */
  accumulate?: boolean;
}

function readAccumulate(a: boolean | IndexPutOptions | undefined, op: string): boolean {
  if (a === undefined || typeof a === 'boolean') return a ?? false;
  if (a === null || typeof a !== 'object') throw new ValueError(`${op}: accumulate must be a boolean or { accumulate }, got ${describeArg(a)}`);
  for (const k of Object.keys(a)) if (k !== 'accumulate') unknownOption(op, k, ['accumulate']);
  if (a.accumulate !== undefined && typeof a.accumulate !== 'boolean') throw new ValueError(`${op}: accumulate must be a boolean, got ${describeArg(a.accumulate)}`);
  return a.accumulate ?? false;
}

function checkSpecList(indices: unknown, op: string): readonly IndexSpec[] {
  if (!Array.isArray(indices)) throw new ValueError(`${op}: indices must be an array of index specs (as x[i, j] → [i, j]), got ${describeArg(indices)}`);
  return indices as readonly IndexSpec[];
}

/** Writes `values` (broadcast to the indexed shape, cast to x's dtype) into x at `specs`: no autograd. */
function indexPutInto(x: Tensor, specs: readonly IndexSpec[], values: Tensor | number | boolean, accumulate: boolean, op: string): void {
  if (!(values instanceof Tensor) && typeof values !== 'number' && typeof values !== 'boolean') {
    throw new ValueError(`${op}: values must be a Tensor, number or boolean, got ${describeArg(values)}`);
  }
  try { noGrad(() => scopeSync(() => writeIndexed(x, specs, values, accumulate, op))); } catch (e) { throw renamed(e, op); }
}

function writeIndexed(x: Tensor, specs: readonly IndexSpec[], values: Tensor | number | boolean, accumulate: boolean, op: string): void {
  {
    const vt = values instanceof Tensor ? need(values, op, 'values') : full([], values, { dtype: x.dtype, device: x.device });
    commonDevice(op, x, vt);
    const v = vt.dtype === x.dtype ? vt : vt.to(x.dtype);
    const broadcast = (t: Tensor, shape: readonly number[]): Tensor => {
      // Python's x[...] = v (indexPut_) drops v's leading size-1 dims beyond the indexed shape's rank
      // first, as PyTorch's and NumPy's assignment do (x[0] = ones(1) writes the one value);
      // torch.index_put (indexPut) does not
      if (op === 'indexPut_') while (t._shape.length > shape.length && t._shape[0] === 1) t = reshape(t, t._shape.slice(1));
      try { return expand(t, shape); } catch (e) {
        if (e instanceof ShapeError) throw new ShapeError(`${op}: values of shape ${fmt(t._shape)} cannot be broadcast to the indexed shape ${fmt(shape)}`);
        throw e;
      }
    };
    if (!specs.some(isAdvanced)) {
      const view = basicIndex(x, ...specs);
      const src = broadcast(v, view._shape);
      copyInto(view, accumulate ? add(view, src) : src, op);
      return;
    }
    const plan = planIndex(x, specs, op);
    const { view, dims, rest } = plan;
    const nb = plan.shape.reduce((a, b) => a * b, 1);
    const restSizes = rest.map((d) => view._shape[d]);
    const resultShape = [...restSizes];
    resultShape.splice(plan.at, 0, ...plan.shape);
    let vb = broadcast(v, resultShape);
    if (plan.at !== 0) {
      const toFront = moveB(plan.shape.length, plan.at, resultShape.length);
      const inv = new Array<number>(toFront.length);
      toFront.forEach((p, i) => { inv[p] = i; });
      vb = permute(vb, inv);
    }
    const src = reshape(vb, [nb, ...restSizes]);
    const vp = permute(view, [...dims, ...rest]);
    const wShape = [dims.reduce((a, d) => a * view._shape[d], 1), ...restSizes];
    const st = viewStrides(vp._shape, vp._strides, wShape);
    // the addressed dims of a strided view may not merge: then write into a copy and copy it back
    const tmp = st ? null : contiguousCopy(vp, op);
    const w = st ? vp._view(wShape, st, vp._offset) : tmp!._view(wShape, contiguousStrides(wShape), 0);
    const lin = reshape(linearIndex(plan, op), [-1]);
    // the 1-D index seen along dim 0 and broadcast over the rest, as scatter wants an index of w's rank
    const wide = lin._view([nb, ...restSizes], [lin._shape.length ? lin._strides[0] : 1, ...restSizes.map(() => 0)], lin._offset);
    scatterInto(w, 0, wide, src, accumulate ? 1 : 0, op);
    if (tmp) copyInto(vp, tmp, op);
  }
}

/**
 * A copy of `x` with `values` written at `indices` (the specs of {@link index}, as an array), as
 * `torch.index_put`; with `accumulate` they are added (repeated indices add up). Differentiable
 * in `x` and `values`. `x.indexPut_(indices, values)` is the in-place form and the way to write
 * Python's `x[i, j] = v`; with repeated indices and no accumulate, which write wins is unspecified
 * (as in PyTorch).
 *
 * ```ts
 * fl.indexPut(fl.zeros([4]), [[0, 2]], fl.tensor([1, 2]));                 // [1, 0, 2, 0]
 * x.indexPut_([x.lt(0)], 0);                                             // x[x < 0] = 0
 * fl.indexPut(fl.zeros([3]), [[0, 0]], 1, { accumulate: true });            // [2, 0, 0]
 * ```
 */
export function indexPut(x: Tensor, indices: readonly IndexSpec[], values: Tensor | number | boolean, accumulate?: boolean | IndexPutOptions): Tensor {
  if (arguments.length > 4) tooManyArgs('indexPut', 'input, indices, values, accumulate', arguments);
  need(x, 'indexPut');
  const specs = checkSpecList(indices, 'indexPut');
  const acc = readAccumulate(accumulate, 'indexPut');
  const out = contiguousCopy(x, 'indexPut');
  try { indexPutInto(out, specs, values, acc, 'indexPut'); } catch (e) { out.dispose(); throw e; }
  const vt = values instanceof Tensor ? values : null;
  if (needsGrad(x, vt)) {
    const xNeeds = x.requiresGrad, vNeeds = vt !== null && vt.requiresGrad;
    const vShape = vt ? vt._shape : [], vDt = vt ? vt.dtype : x.dtype;
    record('indexPut', [x, vt], [out], specs.filter(isIndexTensor), ([g], saved) => scopeSync(() => {
      let k = 0;
      const sp = specs.map((s) => (s instanceof Tensor ? saved[k++] : s));
      let gx: Tensor | null = null, gv: Tensor | null = null;
      if (xNeeds) {
        gx = contiguousCopy(g!, 'backward');
        if (!acc) indexPutInto(gx, sp, 0, false, 'backward');
      }
      if (vNeeds) gv = sumToShape(contiguousCopy(index(g!, ...sp), 'backward', vDt), vShape);
      return [gx, gv];
    }));
  }
  return out;
}

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    gather(dim: number, index: Tensor): Tensor;
    gather(dim: number, options: { index: Tensor }): Tensor;
    gather(options: { dim: number; index: Tensor }): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number | boolean): Tensor;
    scatter(dim: number, index: Tensor, options: ScatterSource): Tensor;
    scatter(dim: number, options: { index: Tensor } & ScatterSource): Tensor;
    scatter(options: { dim: number; index: Tensor } & ScatterSource): Tensor;
    /** In place: writes into this tensor and returns it. */
    scatter_(dim: number, index: Tensor, src: Tensor | number | boolean): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterAdd(dim: number, index: Tensor, options: { src: Tensor }): Tensor;
    scatterAdd(dim: number, options: { index: Tensor; src: Tensor }): Tensor;
    scatterAdd(options: { dim: number; index: Tensor; src: Tensor }): Tensor;
    /** In place: adds into this tensor and returns it. */
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    /** See {@link scatterReduce}: `x.scatterReduce(0, index, src, 'amax', { includeSelf: false })` */
    scatterReduce(...args: A.ArgsThenOptions<[dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceOp], ScatterReduceOptions>): Tensor;
    /** In place: reduces `src` into this tensor and returns it. See {@link scatterReduce}. */
    scatterReduce_(...args: A.ArgsThenOptions<[dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceOp], ScatterReduceOptions>): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    indexSelect(dim: number, options: { index: Tensor }): Tensor;
    indexSelect(options: { dim: number; index: Tensor }): Tensor;
    takeAlongDim(indices: Tensor, ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor;
    takeAlongDim(options: { indices: Tensor; dim?: number }): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    triu(...args: ArgsThenOptions<[diagonal: number], { diagonal?: number }>): Tensor;
    tril(...args: ArgsThenOptions<[diagonal: number], { diagonal?: number }>): Tensor;
    /** See {@link nonzero}. */
    nonzero(): Tensor;
    nonzero(options: NonzeroOptions & { asTuple: true }): Tensor[];
    nonzero(options?: NonzeroOptions): Tensor | Tensor[];
    /** See {@link flip}: `x.flip(0)`, `x.flip(0, 1)` or `x.flip([0, 1])`. */
    flip(...dims: (number | readonly number[])[]): Tensor;
    flip(options: { dims: number | readonly number[] }): Tensor;
    /** See {@link indexPut}. */
    indexPut(indices: readonly IndexSpec[], values: Tensor | number | boolean, accumulate?: boolean | IndexPutOptions): Tensor;
    /**
     * In place: writes (or with `accumulate` adds) `values` at `indices` and returns this tensor;
     * Python's `x[i, j] = v` is `x.indexPut_([i, j], v)`, and `x[[0, 2]] = v` is
     * `x.indexPut_([[0, 2]], v)` (the outer array holds the positions). As in Python, leading
     * size-1 dims of `values` beyond the indexed shape's rank are dropped (`x.indexPut_([2], ones([1]))`);
     * `indexPut`, as `torch.index_put`, refuses them. See {@link indexPut}.
     */
    indexPut_(indices: readonly IndexSpec[], values: Tensor | number | boolean, accumulate?: boolean | IndexPutOptions): Tensor;
  }
}

const P = Tensor.prototype;
P.gather = function (this: Tensor, ...a: unknown[]) { return (gather as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['gather'];
P.scatter = function (this: Tensor, ...a: unknown[]) { return (scatter as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['scatter'];
P.scatter_ = function (dim, index, src) { if (arguments.length > 3) tooManyArgs('scatter_', 'dim, index, src', arguments); return scatterInto(inPlace(this, 'scatter_', src), dim, index, src, 0, 'scatter_'); };
P.scatterAdd = function (this: Tensor, ...a: unknown[]) { return (scatterAdd as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['scatterAdd'];
P.scatterReduce = function (...args: unknown[]) {
  const o = SCATTER_REDUCE_ARGS.parse([this, ...args]);
  return scatterReduceOp(this, o.dim, o.index, o.src, o.reduce as ScatterReduceOp, o.includeSelf);
};
P.scatterReduce_ = function (...args: unknown[]) {
  if (args.length > 5 || (args.length === 5 && args[4] !== undefined && !A.isPlainObject(args[4]))) tooManyArgs('scatterReduce_', 'dim, index, src, reduce, options', args);
  const o = SCATTER_REDUCE_ARGS.parse([this, ...args]);
  const op = 'scatterReduce_';
  inPlace(this, op, o.src); needIndex(o.index, op);
  return scatterReduceInto(this, normDim(o.dim, this.ndim, op), o.index, o.src, o.reduce as ScatterReduceOp, o.includeSelf, op);
};
P.scatterAdd_ = function (dim, index, src) { if (arguments.length > 3) tooManyArgs('scatterAdd_', 'dim, index, src', arguments); return scatterInto(inPlace(this, 'scatterAdd_', src), dim, index, src, 1, 'scatterAdd_'); };
P.indexSelect = function (this: Tensor, ...a: unknown[]) { return (indexSelect as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['indexSelect'];
P.takeAlongDim = function (this: Tensor, ...a: unknown[]) { return (takeAlongDim as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['takeAlongDim'];
P.maskedSelect = function (mask) { if (arguments.length > 1) tooManyArgs('maskedSelect', 'mask', arguments); return maskedSelect(this, mask); };
P.triu = function (this: Tensor, ...a: unknown[]) { return (triu as (...b: unknown[]) => Tensor)(this, ...a); };
P.tril = function (this: Tensor, ...a: unknown[]) { return (tril as (...b: unknown[]) => Tensor)(this, ...a); };
P.index = function (...s) { return index(this, ...s); };
P.nonzero = function (this: Tensor, options?: NonzeroOptions) { if (arguments.length > 1) tooManyArgs('nonzero', 'options', arguments); return nonzero(this, options); } as Tensor['nonzero'];
P.flip = function (this: Tensor, ...d: unknown[]) { return d.length === 1 && A.isPlainObject(d[0]) ? flip(this, d[0] as { dims: number | readonly number[] }) : flip(this, sizesOnly('flip', d, 'dims')); } as Tensor['flip'];
P.indexPut = function (indices, values, accumulate) { if (arguments.length > 3) tooManyArgs('indexPut', 'indices, values, accumulate', arguments); return indexPut(this, indices, values, accumulate); };
P.indexPut_ = function (indices, values, accumulate) {
  if (arguments.length > 3) tooManyArgs('indexPut_', 'indices, values, accumulate', arguments);
  const specs = checkSpecList(indices, 'indexPut_');
  const acc = readAccumulate(accumulate, 'indexPut_');
  inPlace(this, 'indexPut_', values, ...specs.filter(isIndexTensor));
  indexPutInto(this, specs, values, acc, 'indexPut_');
  return this;
};
