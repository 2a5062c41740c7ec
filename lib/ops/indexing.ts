// indexing.ts — index-driven ops: gather, scatter / scatterAdd (and their in-place forms),
// indexSelect, takeAlongDim, maskedSelect, and the triangle masks triu / tril. Kernels in
// native/cpu/indexing.cpp and native/cpu/trilu.cpp. Index tensors are int32; as in PyTorch,
// negative indices are not wrapped but rejected, and every index is checked by the kernel
// (IndexError naming the op, the bad value and the dim's size).
//
// Gradients: gather, scatter, scatterAdd (input and src), indexSelect, takeAlongDim,
// maskedSelect, triu/tril flow to their float inputs; index tensors and masks get none. The
// in-place forms (scatter_, scatterAdd_) refuse tensors that require grad while grad is enabled.
import { needsGrad, noGrad, record, sumToShape } from '../autograd';
import { DType } from '../dtype';
import { DTypeError, FlintError, IndexError, ShapeError, ValueError } from '../errors';
import { call, opId, OperandView, ScalarOperand } from '../native';
import { broadcastShapes, broadcastStrides, contiguousStrides, fmt, normDim } from '../shape';
import { contiguousCopy, copyInto, emptyTensor, scope, Tensor } from '../tensor';
import { zeros } from './creation';
import { checkInplace, clamp, commonDevice, sub, where } from './elementwise';
import { cumsum } from './softmax';
import { reshape } from './views';

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
    dtype: t.dtype, _shape: zero ? [1] : shape, _strides: zero ? [1] : strides, _offset: t._offset,
    _handleFor: (op: string) => t._handleFor(op),
  };
}

function dimsOf(t: Tensor): number[] { return t._shape.length === 0 ? [1] : t._shape.slice(); }

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
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  need(x, 'gather'); needIndex(index, 'gather');
  const dev = commonDevice('gather', x, index)!;
  const d = normDim(dim, x.ndim, 'gather');
  const xs = dimsOf(x), is = dimsOf(index);
  if (xs.length !== is.length) {
    throw new ShapeError(`gather: index ${fmt(index._shape)} must have as many dims as the input ${fmt(x._shape)}`);
  }
  for (let i = 0; i < xs.length; i++) {
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
    record('gather', [x, index], [out], [index], ([g], [idx]) => scope(() => [scatterIntoZeros(xShape, xDt, xDev, d, idx, g!, true), null]));
  }
  return out;
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
  return z;
}

/** @internal g gathered at index along dim, zero-padded to `srcShape` (src of scatter may be larger than the index). */
function gatherToShape(g: Tensor, dim: number, index: Tensor, srcShape: readonly number[], dtype: DType): Tensor {
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

/** scatter / scatterAdd into `self` (in place). mode 0 assigns, 1 adds. */
function scatterInto(self: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean, mode: 0 | 1, op: string): Tensor {
  needIndex(index, op);
  const isTensor = src instanceof Tensor;
  if (!isTensor && typeof src !== 'number' && typeof src !== 'boolean') {
    throw new ValueError(`${String(op)}: src must be a Tensor${mode === 0 ? ', number or boolean' : ''}, got ${src === null ? 'null' : typeof src}`);
  }
  if (mode === 1 && !isTensor) throw new ValueError(`${String(op)}: src must be a Tensor`);
  commonDevice(op, self, index, isTensor ? (src as Tensor) : 0);
  if (isTensor) {
    (src as Tensor)._handleFor(op);
    if ((src as Tensor).dtype !== self.dtype) {
      throw new DTypeError(`${String(op)}: src dtype ${(src as Tensor).dtype} must equal the input's dtype ${String(self.dtype)} (cast with .to())`);
    }
  }
  const d = normDim(dim, self.ndim, op);
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
  if (index.numel === 0) return self;
  const srcOp: OperandView | ScalarOperand = isTensor ? nonEmptyDims(src as Tensor) : { scalar: +src, dtype: self.dtype };
  call(SCATTER, op, [nonEmptyDims(self), nonEmptyDims(index), srcOp], [d, mode]);
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
  record(op, [x, index, srcT], [out], [index], ([g], [idx]) => scope(() => {
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
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean): Tensor {
  const out = outOfPlace(x, 'scatter', (o) => scatterInto(o, dim, index, src, 0, 'scatter'));
  if (needsGrad(x, src)) recordScatter('scatter', x, dim, index, src, out, 0);
  return out;
}

/**
 * A copy of `x` with `src` added at the positions `index` names along `dim` (repeated indices
 * accumulate): `out[index[i]] += src[i]` for dim 0. Bool adds as logical or; integers wrap.
 *
 * ```ts
 * fl.scatterAdd(fl.zeros([3]), 0, fl.tensor([0, 2, 0]), fl.ones([3])).toArray();  // [2, 0, 1]
 * ```
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const out = outOfPlace(x, 'scatterAdd', (o) => scatterInto(o, dim, index, src, 1, 'scatterAdd'));
  if (needsGrad(x, src)) recordScatter('scatterAdd', x, dim, index, src, out, 1);
  return out;
}

/**
 * The slices of `x` along `dim` at the positions in a 1-D int32 `index` (repeats allowed):
 * `fl.indexSelect(x, 0, fl.tensor([2, 0]))` takes rows 2 and 0.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  need(x, 'indexSelect'); needIndex(index, 'indexSelect');
  const dev = commonDevice('indexSelect', x, index)!;
  if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 0-D or 1-D, got shape ${fmt(index._shape)}`);
  const d = normDim(dim, x.ndim, 'indexSelect');
  const n = index.numel;
  if (x.ndim === 0 && n !== 1) throw new IndexError(`indexSelect: a 0-dim input takes exactly one index, got ${String(n)}`);
  const shape = x._shape.slice();
  if (x.ndim > 0) shape[d] = n;
  const out = emptyTensor(shape, x.dtype, dev, false, 'indexSelect');
  try {
    // the kernel checks the indices even when the output is empty
    call(INDEX_SELECT, 'indexSelect', [nonEmptyDims(out), nonEmptyDims(x), nonEmptyDims(index)], [d]);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(x)) {
    const xShape = x._shape, xDt = x.dtype, xDev = x.device;
    record('indexSelect', [x, index], [out], [index], ([g], [idx]) => scope(() => {
      if (xShape.length === 0) return [contiguousCopy(g!, 'backward', xDt), null];
      // index-add: the 1-D index viewed along dim d and broadcast over g's other dims
      const strides = shape.map((_, i) => (i === d ? (idx._shape.length === 0 ? 0 : idx._strides[0]) : 0));
      const wide = idx._view(shape, strides, idx._offset);
      return [scatterIntoZeros(xShape, xDt, xDev, d, wide, g!, true), null];
    }));
  }
  return out;
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
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number): Tensor {
  need(x, 'takeAlongDim'); needIndex(indices, 'takeAlongDim');
  const out = noGrad(() => takeAlongDimImpl(x, indices, dim));
  if (needsGrad(x)) {
    const xShape = x._shape, xDt = x.dtype, xDev = x.device;
    const d = dim === undefined || dim === null ? null : normDim(dim, x.ndim, 'takeAlongDim');
    record('takeAlongDim', [x, indices], [out], [indices], ([g], [idx]) => scope(() => {
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
    record('maskedSelect', [x, mask], [out], [mask], ([g], [m]) => scope(() => {
      if (n === 0) return [zeros(xShape, { dtype: xDt, device: xDev }), null];
      // element k of the broadcast shape takes g[(number of true mask elements up to k) - 1]
      const mb = contiguousCopy(m._view(shape, broadcastStrides(m._shape, m._strides, shape), m._offset), 'backward', 'int32');
      const pos = clamp(sub(cumsum(reshape(mb, [-1]), 0), 1), 0);
      const picked = reshape(indexSelect(g!, 0, pos), shape);
      const full = where(m, picked, 0);
      return [sumToShape(full.dtype === xDt ? full : full.to(xDt), xShape), null];
    }));
  }
  return out;
}

function trilu(x: Tensor, diagonal: number, upper: boolean): Tensor {
  const op = upper ? 'triu' : 'tril';
  need(x, op);
  if (x.ndim < 2) throw new ShapeError(`${String(op)}: input must have at least 2 dims, got shape ${fmt(x._shape)}`);
  if (typeof diagonal !== 'number' || !Number.isInteger(diagonal)) throw new ValueError(`${String(op)}: diagonal must be an integer, got ${String(diagonal)}`);
  const out = emptyTensor(x._shape, x.dtype, x._storage.device, false, op);
  try {
    if (out.numel > 0) call(TRILU, op, [out, x], [diagonal, upper ? 1 : 0]);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(x)) record(op, [x], [out], [], ([g]) => [trilu(g!, diagonal, upper)]);
  return out;
}

/**
 * The upper triangle of the last two dims (elements with `j - i >= diagonal`), zeros elsewhere;
 * batched over leading dims: `fl.triu(fl.ones([3, 3]))`, `fl.triu(scores, 1)`.
 */
export function triu(x: Tensor, diagonal = 0): Tensor { return trilu(x, diagonal, true); }

/**
 * The lower triangle of the last two dims (elements with `j - i <= diagonal`), zeros elsewhere:
 * `fl.tril(fl.ones([4, 4]))` is a causal mask.
 */
export function tril(x: Tensor, diagonal = 0): Tensor { return trilu(x, diagonal, false); }

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    gather(dim: number, index: Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number | boolean): Tensor;
    /** In place: writes into this tensor and returns it. */
    scatter_(dim: number, index: Tensor, src: Tensor | number | boolean): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    /** In place: adds into this tensor and returns it. */
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    takeAlongDim(indices: Tensor, dim?: number): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    triu(diagonal?: number): Tensor;
    tril(diagonal?: number): Tensor;
  }
}

const P = Tensor.prototype;
P.gather = function (dim, index) { return gather(this, dim, index); };
P.scatter = function (dim, index, src) { return scatter(this, dim, index, src); };
P.scatter_ = function (dim, index, src) { return scatterInto(inPlace(this, 'scatter_', src), dim, index, src, 0, 'scatter_'); };
P.scatterAdd = function (dim, index, src) { return scatterAdd(this, dim, index, src); };
P.scatterAdd_ = function (dim, index, src) { return scatterInto(inPlace(this, 'scatterAdd_', src), dim, index, src, 1, 'scatterAdd_'); };
P.indexSelect = function (dim, index) { return indexSelect(this, dim, index); };
P.takeAlongDim = function (indices, dim) { return takeAlongDim(this, indices, dim); };
P.maskedSelect = function (mask) { return maskedSelect(this, mask); };
P.triu = function (diagonal) { return triu(this, diagonal); };
P.tril = function (diagonal) { return tril(this, diagonal); };
