// matmul.ts — matrix products: `matmul` (1-D to batched N-D with broadcasting, as torch.matmul),
// `mm`, `bmm`, `mv`, `dot`, `outer`. All lower to the native "matmul" op on [B, M, K] x [B, K, N]
// operands; transposed views reach the GEMM without copies (the kernel reads either layout).
import { tooManyArgs } from '../args';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { call, opId, OperandView } from '../native';
import { broadcastShapes, fmt, isContiguous, numel, viewStrides } from '../shape';
import { complexHook, complexOperand, copyInto, emptyTensor, isComplexTensor, Tensor } from '../tensor';
import { commonDevice } from './elementwise';
import { traced, traceState } from '../trace';
import { needsGrad, record, sumToShape } from '../autograd';
import { scopeSync } from '../tensor';
import { autocastLowDtype, castLow } from '../amp';

const MATMUL = opId('matmul');

function need(t: unknown, op: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${String(op)}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (isComplexTensor(t)) t._storageHandle(op); else t._handleFor(op);  // complex: matmulImpl's hook
  return t;
}

/**
 * An operand of the native call that reads `src`'s storage with another shape and strides (the
 * [B, r, c] forms): a class rather than an object literal with a closure per call.
 */
class View3 implements OperandView {
  constructor(readonly src: OperandView, readonly _shape: readonly number[], readonly _strides: readonly number[], readonly _offset: number) {}
  get dtype(): OperandView['dtype'] { return this.src.dtype; }
  get _storage(): OperandView['_storage'] { return this.src._storage; }
  _handleFor(op: string): number { return this.src._handleFor(op); }
}

/** A [B, r, c] operand view of t broadcast to batch shape `batch`, or a contiguous copy when the batch dims do not merge. */
function as3d(t: OperandView, device: Tensor['_storage']['device'], batch: readonly number[], r: number, c: number, temps: Tensor[], op: string): OperandView {
  const nd = t._shape.length;
  const full = [...batch, r, c];
  const off = batch.length - (nd - 2);
  const strides = full.map((s, i) => {
    if (i >= batch.length) return t._strides[nd - 2 + (i - batch.length)];
    const j = i - off;
    return j < 0 || t._shape[j] === 1 ? 0 : t._strides[j];
  });
  const B = numel(batch);
  // merge the batch dims into one when their strides allow it
  let bStride: number | null = 0;
  if (batch.length > 0) {
    const merged = viewStrides(batch, strides.slice(0, batch.length), [B]);
    bStride = merged ? merged[0] : null;
    if (B === 1) bStride = 0;
  }
  if (bStride === null) {
    const c3 = emptyTensor(full, t.dtype, device, false, op);
    temps.push(c3);
    copyInto(c3, new View3(t, full, strides, t._offset), op);
    return new View3(c3, [B, r, c], [r * c, c, 1], 0);
  }
  return new View3(t, [B, r, c], [bStride, strides[batch.length], strides[batch.length + 1]], t._offset);
}

/**
 * Matrix product with torch.matmul's rules: 1-D·1-D is a dot product, 2-D·2-D a matrix product,
 * and batch dims broadcast. Both operands must have the same dtype.
 *
 * ```ts
 * const y = fl.matmul(x, w);            // [n, k] @ [k, m] -> [n, m]
 * fl.matmul(fl.ones([8, 2, 3]), fl.ones([3, 4])).shape; // [8, 2, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('matmul', 'input, other', arguments);
  const out = matmulImpl(a, b);
  return traceState.tracer === null ? out : traced('matmul', [a, b], out, (g, [va, vb], [o]) => g.op('MatMul', [g.cast(va.name, va.dtype, o.dtype), g.cast(vb.name, vb.dtype, o.dtype)]));
}

function matmulImpl(a: Tensor, b: Tensor): Tensor {
  need(a, 'matmul'); need(b, 'matmul');
  const cx = complexOperand(a, b);
  if (cx !== null) return complexHook('matmul', 'matmul', cx)('matmul', a, b);
  if (autocastLowDtype() !== null) {  // autocast: matmuls run in the low-precision dtype
    const la = castLow(a), lb = castLow(b);
    if (la !== a || lb !== b) {
      try { return matmul(la, lb); } finally { if (la !== a) la.dispose(); if (lb !== b) lb.dispose(); }
    }
  }
  const dev = commonDevice('matmul', a, b)!;
  if (a.dtype !== b.dtype) throw new DTypeError(`matmul: expected both operands to have the same dtype, got ${String(a.dtype)} and ${String(b.dtype)}`);
  if (a.dtype === 'bool') throw new DTypeError('matmul: not defined for bool tensors');
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`matmul: both operands need at least 1 dim, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  if (a._shape.length === 2 && b._shape.length === 2) return matmul2d(a, b, dev);
  const folded = foldBatchIntoRows(a, b);
  if (folded) return folded;
  const aVec = a.ndim === 1, bVec = b.ndim === 1;
  const as = aVec ? [1, a._shape[0]] : a._shape.slice();
  const ast = aVec ? [0, a._strides[0]] : a._strides.slice();
  const bs = bVec ? [b._shape[0], 1] : b._shape.slice();
  const bst = bVec ? [b._strides[0], 0] : b._strides.slice();
  const M = as[as.length - 2], K = as[as.length - 1], K2 = bs[bs.length - 2], N = bs[bs.length - 1];
  if (K !== K2) throw new ShapeError(`matmul: shapes ${fmt(a._shape)} and ${fmt(b._shape)} cannot be multiplied (${String(K)} != ${String(K2)})`);
  const batch = broadcastShapes('matmul', as.slice(0, -2), bs.slice(0, -2));
  const av = new View3(a, as, ast, a._offset);
  const bv = new View3(b, bs, bst, b._offset);
  const outShape = [...batch, ...(aVec ? [] : [M]), ...(bVec ? [] : [N])];
  const out = emptyTensor(outShape, a.dtype, dev, K === 0, 'matmul');
  if (numel(outShape) === 0 || K === 0) {
    if (needsGrad(a, b)) recordMatmul(a, b, out, aVec, bVec);  // zero gradients, as torch's
    return out;
  }
  const temps: Tensor[] = [];
  try {
    const B = numel(batch);
    const A3 = as3d(av, dev, batch, M, K, temps, 'matmul');
    const B3 = as3d(bv, dev, batch, K, N, temps, 'matmul');
    call(MATMUL, 'matmul', [new View3(out, [B, M, N], [M * N, N, 1], 0), A3, B3]);
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    for (const t of temps) t.dispose();
  }
  if (needsGrad(a, b)) recordMatmul(a, b, out, aVec, bVec);
  return out;
}

/**
 * [M, K] @ [K, N], the common case (Linear, attention's projections, every GEMM of a backward):
 * the general path's [1, r, c] operand forms written directly, without its batch broadcasting.
 */
function matmul2d(a: Tensor, b: Tensor, dev: Tensor['_storage']['device']): Tensor {
  const M = a._shape[0], K = a._shape[1], K2 = b._shape[0], N = b._shape[1];
  if (K !== K2) throw new ShapeError(`matmul: shapes ${fmt(a._shape)} and ${fmt(b._shape)} cannot be multiplied (${String(K)} != ${String(K2)})`);
  const out = emptyTensor([M, N], a.dtype, dev, K === 0, 'matmul');
  if (M * N === 0 || K === 0) {
    if (needsGrad(a, b)) recordMatmul(a, b, out, false, false);
    return out;
  }
  try {
    call(MATMUL, 'matmul', [
      new View3(out, [1, M, N], [M * N, N, 1], 0),
      new View3(a, [1, M, K], [0, a._strides[0], a._strides[1]], a._offset),
      new View3(b, [1, K, N], [0, b._strides[0], b._strides[1]], b._offset),
    ]);
  } catch (e) {
    out.dispose();
    throw e;
  }
  if (needsGrad(a, b)) recordMatmul(a, b, out, false, false);
  return out;
}

/**
 * [..., M, K] @ [K, N] with batch dims that merge into the rows (any contiguous input, as the
 * activations of a Linear layer): one [(...)·M, K] @ [K, N] product, as torch's linear does. The
 * gradient of b is then one GEMM too, instead of a batched product summed over the batch.
 */
function foldBatchIntoRows(a: Tensor, b: Tensor): Tensor | null {
  if (b.ndim !== 2 || a.ndim <= 2) return null;
  const lead = a._shape.slice(0, -1), K = a._shape[a.ndim - 1];
  const rows = numel(lead);
  if (rows === 0 || viewStrides(a._shape, a._strides, [rows, K]) === null) return null;
  return scopeSync(() => matmul(a.reshape([rows, K]), b).reshape([...lead, b._shape[1]]));
}

/** Whether t's last two dims are stored transposed and densely (t.mT is contiguous, t is not). */
function storedTransposed(t: Tensor): boolean {
  const n = t.ndim;
  if (n < 2 || isContiguous(t._shape, t._strides)) return false;
  const sh = t._shape.slice(), st = t._strides.slice();
  [sh[n - 2], sh[n - 1]] = [sh[n - 1], sh[n - 2]];
  [st[n - 2], st[n - 1]] = [st[n - 1], st[n - 2]];
  return isContiguous(sh, st);
}

/**
 * The gradient product `x @ y` (shape [..., R, C]) for an operand `like` of that shape; when
 * `like` is stored transposed (a weight reached through `.t()` / `.mT`, the keys of attention) it
 * is computed as (yᵀ @ xᵀ)ᵀ, so that it comes out in `like`'s own layout: the transpose's
 * backward then needs no copy (PyTorch's rule that a gradient has its input's strides).
 */
function gradProduct(x: Tensor, y: Tensor, like: Tensor): Tensor {
  if (storedTransposed(like) && x.ndim === like.ndim && y.ndim === like.ndim) return matmul(y.mT, x.mT).mT;
  return matmul(x, y);
}

/**
 * d(a@b): ga = g @ b^T and gb = a^T @ g on the 2-D-or-more forms (1-D operands as a row or
 * column), summed over broadcast batch dims back to each operand's shape. A gradient has its
 * operand's layout when that is a dense transpose (gradProduct), otherwise it is contiguous.
 */
function recordMatmul(a: Tensor, b: Tensor, out: Tensor, aVec: boolean, bVec: boolean): void {
  record('matmul', [a, b], [out], [a, b], ([g], [sa, sb]) => scopeSync(() => {
    const A2 = aVec ? sa.unsqueeze(0) : sa;
    const B2 = bVec ? sb.unsqueeze(-1) : sb;
    let G2 = g!;
    if (aVec) G2 = G2.unsqueeze(bVec ? G2.ndim : G2.ndim - 1);  // the M dim of size 1
    if (bVec) G2 = G2.unsqueeze(G2.ndim);                       // the N dim of size 1
    let ga: Tensor | null = null, gb: Tensor | null = null;
    if (a.requiresGrad) {
      ga = sumToShape(gradProduct(G2, B2.mT, A2), A2._shape);
      if (aVec) ga = ga.reshape(a._shape as number[]);
    }
    if (b.requiresGrad) {
      gb = sumToShape(gradProduct(A2.mT, G2, B2), B2._shape);
      if (bVec) gb = gb.reshape(b._shape as number[]);
    }
    return [denseGrad(ga, a), denseGrad(gb, b)];
  }), true);
}

/** g as it leaves matmul's backward: contiguous, or stored exactly as its operand t is. */
function denseGrad(g: Tensor | null, t: Tensor): Tensor | null {
  if (!g || g.isContiguous()) return g;
  if (storedTransposed(g) && storedTransposed(t) && g._strides.every((s, i) => s === t._strides[i])) return g;
  return g.contiguous();
}

/** Checks the operands of mm, bmm, mv, dot and outer: Tensors, shaped as `ok` says, else ShapeError "op: expected <what>". */
function operands(op: string, a: Tensor, b: Tensor, ok: () => boolean, what: string): void {
  need(a, op); need(b, op);
  if (!ok()) throw new ShapeError(`${op}: expected ${what}, got ${fmt(a._shape)} and ${fmt(b._shape)}`);
}

/** matmul restricted to the operand ranks of `op` (PyTorch's mm, bmm, mv, dot): two operands named `params`. */
function restrictedMatmul(op: string, params: string, ok: (a: Tensor, b: Tensor) => boolean, what: string): (a: Tensor, b: Tensor) => Tensor {
  return function (a: Tensor, b: Tensor): Tensor {
    if (arguments.length > 2) tooManyArgs(op, params, arguments);
    operands(op, a, b, () => ok(a, b), what);
    return matmul(a, b);
  };
}

/** 2-D matrix product: `fl.mm(a, b)` ([n, k] @ [k, m]). */
export const mm = restrictedMatmul('mm', 'input, mat2', (a, b) => a.ndim === 2 && b.ndim === 2, '2-D tensors');
/** Batched matrix product of 3-D tensors: `fl.bmm(a, b)` ([B, n, k] @ [B, k, m]). */
export const bmm = restrictedMatmul('bmm', 'input, mat2', (a, b) => a.ndim === 3 && b.ndim === 3 && a._shape[0] === b._shape[0], '3-D tensors with equal batch sizes');
/** Matrix-vector product: `fl.mv(m, v)` ([n, k] @ [k]). */
export const mv = restrictedMatmul('mv', 'input, vec', (m, v) => m.ndim === 2 && v.ndim === 1, 'a 2-D and a 1-D tensor');
/** Dot product of two 1-D tensors (a 0-dim tensor): `fl.dot(a, b)`. */
export const dot = restrictedMatmul('dot', 'input, other', (a, b) => a.ndim === 1 && b.ndim === 1, '1-D tensors');

/** Outer product of two 1-D tensors: `fl.outer(a, b)` → [a.numel, b.numel]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('outer', 'input, vec2', arguments);
  operands('outer', a, b, () => a.ndim === 1 && b.ndim === 1, '1-D tensors');
  const col = a.unsqueeze(1);
  const row = b.unsqueeze(0);
  try { return matmul(col, row); } finally { col.dispose(); row.dispose(); }
}

declare module '../tensor' {
  interface Tensor {
    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    mv(vec: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
  }
}
Tensor.prototype.matmul = function (o) { if (arguments.length > 1) tooManyArgs('matmul', 'other', arguments); return matmul(this, o); };
Tensor.prototype.mm = function (o) { if (arguments.length > 1) tooManyArgs('mm', 'mat2', arguments); return mm(this, o); };
Tensor.prototype.bmm = function (o) { if (arguments.length > 1) tooManyArgs('bmm', 'mat2', arguments); return bmm(this, o); };
Tensor.prototype.mv = function (o) { if (arguments.length > 1) tooManyArgs('mv', 'vec', arguments); return mv(this, o); };
Tensor.prototype.dot = function (o) { if (arguments.length > 1) tooManyArgs('dot', 'other', arguments); return dot(this, o); };
Tensor.prototype.outer = function (o) { if (arguments.length > 1) tooManyArgs('outer', 'vec2', arguments); return outer(this, o); };
