// shape.ts — shape and stride arithmetic shared by every op: validation of user sizes, contiguous
// strides, broadcasting (NumPy/PyTorch rules), dim normalisation and view strides for reshape.
import { describeArg } from './arity';
import { IndexError, OutOfMemoryError, ShapeError, ValueError } from './errors';

/** Most elements a tensor may have (2^48): larger requests fail fast with OutOfMemoryError. */
const MAX_NUMEL = 2 ** 48;

export function fmt(shape: readonly number[]): string {
  if (!Array.isArray(shape)) return String(shape);
  return `[${shape.map((v) => String(v)).join(', ')}]`;
}

/** @internal Validates a user-given shape (array of non-negative integers, or varargs). */
export function checkShape(shape: unknown, op: string): number[] {
  if (typeof shape === 'number') shape = [shape];
  if (!Array.isArray(shape) && !(ArrayBuffer.isView(shape) && !(shape instanceof DataView))) {
    throw new ValueError(`${String(op)}: shape must be an array of sizes, got ${describeArg(shape)}`);
  }
  const out = Array.from(shape as ArrayLike<unknown>) as number[];
  for (const s of out) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${String(op)}: sizes must be non-negative integers, got ${describeArg(out)}`);  // describeArg: an entry may be a Symbol or a nested array of them
    }
  }
  numelChecked(out, op);
  return out;
}

/** @internal */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** @internal [0, 1, …, n - 1] (Array.from({ length: n }, …) is several times slower). */
export function range(n: number): number[] {
  const r = new Array<number>(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

/** @internal numel with a clear error for absurd sizes. */
export function numelChecked(shape: readonly number[], op: string): number {
  const n = numel(shape);
  if (n > MAX_NUMEL) {
    throw new OutOfMemoryError(`${String(op)}: shape ${fmt(shape)} has ${n.toExponential(3)} elements, more than any device can hold (limit 2^48)`);
  }
  return n;
}

/** @internal Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { st[i] = s; s *= Math.max(shape[i], 1); }
  return st;
}

/** @internal */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i];
  }
  return true;
}

/** @internal Broadcast shape of several shapes, or ShapeError naming the op and shapes. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  let nd = 0;
  for (const s of shapes) nd = Math.max(nd, s.length);
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    const off = nd - s.length;
    for (let i = 0; i < s.length; i++) {
      const a = out[off + i], b = s[i];
      if (a === b || b === 1) continue;
      if (a === 1) { out[off + i] = b; continue; }
      throw new ShapeError(`${String(op)}: shapes ${shapes.map(fmt).join(' and ')} cannot be broadcast together (dim ${off + i}: ${String(a)} vs ${String(b)})`);
    }
  }
  return out;
}

/** @internal Strides that view (shape, strides) as broadcast to `target` (0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const nd = target.length, off = nd - shape.length;
  const out = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - off;
    out[i] = j < 0 || shape[j] === 1 ? 0 : strides[j];
  }
  return out;
}

/** @internal Normalises a possibly negative dim into [0, ndim). */
export function normDim(dim: unknown, ndim: number, op: string): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new ValueError(`${String(op)}: dim must be an integer, got ${describeArg(dim)}`);
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) throw new IndexError(`${String(op)}: dim ${String(dim)} out of range for a tensor of ${String(ndim)} dims`);
  return dim < 0 ? dim + n : dim;
}

/** @internal Normalises a list of dims (sorted, unique) */
export function normDims(dims: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : Array.from(dims);
  const out = list.map((d) => normDim(d, ndim, op));
  const set = new Set(out);
  if (set.size !== out.length) throw new ValueError(`${String(op)}: dim ${describeArg(list)} repeats a dim`);
  return out.sort((a, b) => a - b);
}

/** @internal Resolves one -1 in a requested shape against numel. */
export function inferShape(shape: readonly number[], n: number, op: string, from: readonly number[]): number[] {
  let neg = -1, known = 1;
  const out = Array.isArray(shape) ? shape.slice() : Array.from(shape);  // Array.from's generic path is slow
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    if (s === -1) {
      if (neg >= 0) throw new ShapeError(`${String(op)}: only one dim can be -1, got ${fmt(shape)}`);
      neg = i;
    } else if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${String(op)}: invalid shape ${fmt(shape)}`);
    } else known *= s;
  }
  if (neg >= 0) {
    if (known === 0 || n % known !== 0) throw new ShapeError(`${String(op)}: shape ${fmt(shape)} is invalid for input of shape ${fmt(from)}`);
    out[neg] = n / known;
  } else if (known !== n) {
    throw new ShapeError(`${String(op)}: shape ${fmt(shape)} is invalid for input of shape ${fmt(from)} (${String(n)} elements)`);
  }
  return out;
}

/**
 * @internal Strides for viewing (shape, strides) as newShape without a copy, or null when the
 * memory layout does not allow it (PyTorch's computeStride).
 */
export function viewStrides(shape: readonly number[], strides: readonly number[], newShape: readonly number[]): number[] | null {
  const out = new Array<number>(newShape.length);
  if (shape.length === 0 || numel(shape) === 0) return contiguousStrides(newShape);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1];
  let tensorNumel = 1, viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) { chunkBase = strides[d - 1]; tensorNumel = 1; viewNumel = 1; }
    }
  }
  if (viewD !== -1) return null;
  return out;
}
