// views.ts — shape ops. Views share storage (reshape of viewable data, view, flatten, squeeze,
// unsqueeze, transpose, permute, expand, narrow, select, slice, index, diagonal, split, chunk);
// copies: contiguous, clone, cat, stack, and casts/transfers with `to`.
import { checkDType, DType, DTYPES, ITEMSIZE, promoteTypes } from '../dtype';
import { deviceArg, parseDevice } from '../device';
import type { DeviceLike } from '../device';
import { DeviceError, FlintError, IndexError, ShapeError, ValueError } from '../errors';
import { anyValue, ArgsThenOptions, checkKeys, optional, Param, required, signature, sizesOnly, tooManyArgs } from '../args';
import { describeArg } from '../arity';
import { contiguousStrides, fmt, inferShape, normDim, numel, viewStrides } from '../shape';
import { contiguousCopy, copyInto, emptyTensor, scopeSync, Tensor } from '../tensor';
import { binding, guard, transfer } from '../native';
import { captureState, refuseInCapture } from '../capture';
import { needsGrad, record, sumToShape } from '../autograd';
import { zeros } from './creation';
import { checkInplace } from './elementwise';
import { traced } from '../trace';
import type { Lowering } from '../trace';

/** Records a one-input view/copy op whose gradient is `bw(g)` (a new tensor shaped like x). */
function tracked(op: string, x: Tensor, out: Tensor, bw: (g: Tensor) => Tensor, onnx: Lowering): Tensor {
  if (needsGrad(x)) record(op, [x], [out], [], ([g]) => scopeSync(() => [bw(g!)]));
  return traced(op, [x], out, onnx);
}

/** The ONNX mapping of a view whose result is x's elements in a new shape (view, reshape, squeeze, unsqueeze). */
const reshapeOnnx: Lowering = (g, [x], [o]) => g.op('Reshape', [x.name, g.sizes(o._shape)]);

/** The gradient of a view that picks a region of x: zeros shaped like x with g written into the region. */
function scatterBack(x: Tensor, g: Tensor, region: (z: Tensor) => Tensor): Tensor {
  const z = zeros(x._shape, { dtype: g.dtype, device: x.device });
  const r = region(z);
  copyInto(r, g, 'backward');
  r.dispose();
  // a backward with createGraph (grad mode, g in the graph): z joins it, and its own gradient is
  // the same region of the incoming one
  if (needsGrad(g)) record('regionBackward', [g], [z], [], ([gg]) => scopeSync(() => [region(gg!).clone()]));
  return z;
}

/**
 * Records views of x that pick disjoint regions of it (split, chunk, unbind) as ONE node whose
 * backward writes every incoming gradient into one zero tensor shaped like x. One node per view
 * would cost each view's gradient its own x-sized zeros and an x-sized addition: an RNN that
 * unbinds its [T, B, G] input projection paid T² / 2 of those per sequence.
 */
function multiView(op: string, x: Tensor, views: Tensor[], region: (z: Tensor, i: number) => Tensor, onnx: (i: number) => [string, Lowering]): Tensor[] {
  if (views.length > 0 && needsGrad(x)) {
    record(op, [x], views, [], (gs) => scopeSync(() => {
      const ref = gs.find((g) => g !== null);
      if (!ref) return [null];
      const z = zeros(x._shape, { dtype: ref.dtype, device: x.device });
      gs.forEach((g, i) => {
        if (!g) return;
        const r = region(z, i);
        copyInto(r, g, 'backward');
        r.dispose();
      });
      // with createGraph (grad mode), as scatterBack's: each view's gradient is its region of z's
      if (needsGrad(...gs)) {
        record(`${op}Backward`, gs, [z], [], ([gg]) => scopeSync(() => gs.map((g, i) => (g ? region(gg!, i).clone() : null))));
      }
      return [z];
    }));
  }
  // the ONNX exporter sees each view as the narrow / select it is
  views.forEach((v, i) => { const [name, lower] = onnx(i); traced(name, [x], v, lower); });
  return views;
}

function need(t: unknown, op: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${String(op)}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  t._handleFor(op);
  return t;
}

/** PyTorch's `*shape` for methods: `t.view(2, -1)` or `t.view([2, -1])`; anything after it throws. */
function shapeArg(args: readonly unknown[], op: string): number[] { return sizesOnly(op, args, op === 'permute' ? 'dims' : 'shape'); }
/**
 * The functions' form: `fl.reshape(x, [2, 3])`, and also `fl.reshape(x, 2, 3)` as the method takes
 * it; a stray argument after the shape throws. `args` is the call's `arguments` (t first); the
 * usual one-array call costs one length test.
 */
function shapeOf(args: IArguments, op: string): readonly number[] {
  return args.length === 2 && Array.isArray(args[1]) ? args[1] as readonly number[] : shapeArg(Array.prototype.slice.call(args, 1), op);
}

/** view's and reshape's target shape (one -1 inferred) and its strides as a view of t (null where the layout does not allow one). */
function viewTarget(t: Tensor, args: IArguments, op: 'view' | 'reshape'): [number[], number[] | null] {
  need(t, op);
  const s = inferShape(shapeOf(args, op), t.numel, op, t._shape);
  return [s, viewStrides(t._shape, t._strides, s)];
}

/** A view with a new shape when the layout allows, otherwise ShapeError: `t.view([2, -1])`. */
export function view(t: Tensor, shape: readonly number[]): Tensor;
export function view(t: Tensor, ...shape: number[]): Tensor;
export function view(t: Tensor): Tensor {
  const [s, st] = viewTarget(t, arguments, 'view');
  if (!st) throw new ShapeError(`view: shape ${fmt(s)} is not compatible with input of shape ${fmt(t._shape)} and strides ${fmt(t._strides)}; use reshape`);
  return tracked('view', t, t._view(s, st, t._offset), (g) => reshape(g, t._shape), reshapeOnnx);
}

/** A tensor with a new shape (one -1 is inferred): a view when possible, else a copy. */
export function reshape(t: Tensor, shape: readonly number[]): Tensor;
export function reshape(t: Tensor, ...shape: number[]): Tensor;
export function reshape(t: Tensor): Tensor {
  const [s, st] = viewTarget(t, arguments, 'reshape');
  let out: Tensor;
  if (st) out = t._view(s, st, t._offset);
  else {
    const c = contiguousCopy(t, 'reshape');
    try { out = c._view(s, contiguousStrides(s), 0); } finally { c.dispose(); }
  }
  return tracked('reshape', t, out, (g) => reshape(g, t._shape), reshapeOnnx);
}

// torch's flatten(input, start_dim=0, end_dim=-1), split(tensor, split_size_or_sections, dim=0) and
// chunk(input, chunks, dim=0): positional or keyword (`x.flatten({ startDim: 1 })`), checked by the ops
const ANY_OPT = <T>(dflt: T) => optional(anyValue<T>(), dflt);
const DIM_ARGS = {
  flatten: signature('flatten', ['input', 'startDim', 'endDim'], { input: required(anyValue<Tensor>()), startDim: ANY_OPT(0), endDim: ANY_OPT(-1) }),
  split: signature('split', ['input', 'splitSizeOrSections', 'dim'], { input: required(anyValue<Tensor>()), splitSizeOrSections: optional(anyValue<number | readonly number[]>()) as Param<number | readonly number[]>, dim: ANY_OPT(0) }),
  chunk: signature('chunk', ['input', 'chunks', 'dim'], { input: required(anyValue<Tensor>()), chunks: optional(anyValue<number>()) as Param<number>, dim: ANY_OPT(0) }),
  // torch's squeeze(input, dim), unsqueeze(input, dim), transpose(input, dim0, dim1), narrow(input, dim, start, length),
  // select(input, dim, index), diagonal(input, offset=0, dim1=0, dim2=1), unbind(input, dim=0), roll(input, shifts, dims)
  squeeze: signature('squeeze', ['input', 'dim'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number | readonly number[]>()) }),
  unsqueeze: signature('unsqueeze', ['input', 'dim'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()) as Param<number> }),
  transpose: signature('transpose', ['input', 'dim0', 'dim1'], { input: required(anyValue<Tensor>()), dim0: optional(anyValue<number>()) as Param<number>, dim1: optional(anyValue<number>()) as Param<number> }),
  narrow: signature('narrow', ['input', 'dim', 'start', 'length'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()) as Param<number>, start: optional(anyValue<number>()) as Param<number>, length: optional(anyValue<number>()) as Param<number> }),
  select: signature('select', ['input', 'dim', 'index'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()) as Param<number>, index: optional(anyValue<number>()) as Param<number> }),
  diagonal: signature('diagonal', ['input', 'offset', 'dim1', 'dim2'], { input: required(anyValue<Tensor>()), offset: ANY_OPT(0), dim1: ANY_OPT(0), dim2: ANY_OPT(1) }),
  unbind: signature('unbind', ['input', 'dim'], { input: required(anyValue<Tensor>()), dim: ANY_OPT(0) }),
  roll: signature('roll', ['input', 'shifts', 'dims'], { input: required(anyValue<Tensor>()), shifts: optional(anyValue<number | readonly number[]>()) as Param<number | readonly number[]>, dims: optional(anyValue<number | readonly number[] | null>()) }),
};
const argsOf = (a: IArguments): unknown[] => a as unknown as unknown[];

/** Merges dims startDim..endDim into one: `fl.flatten(x, 1)`. */
export function flatten(input: Tensor, ...args: ArgsThenOptions<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>): Tensor {
  const { input: t, startDim, endDim } = DIM_ARGS.flatten.parse(arguments as unknown as unknown[]);
  need(t, 'flatten');
  if (t.ndim === 0) return reshape(t, [1]);
  const s = normDim(startDim, t.ndim, 'flatten'), e = normDim(endDim, t.ndim, 'flatten');
  if (s > e) throw new ValueError(`flatten: startDim ${describeArg(startDim)} comes after endDim ${describeArg(endDim)}`);
  const shape = [...t._shape.slice(0, s), numel(t._shape.slice(s, e + 1)), ...t._shape.slice(e + 1)];
  return reshape(t, shape);
}

/** Removes dims of size 1 (all, or the given ones): `fl.squeeze(x, 0)`. */
export function squeeze(input: Tensor, ...args: ArgsThenOptions<[dim: number | readonly number[]], { dim?: number | readonly number[] }>): Tensor {
  const { input: t, dim } = DIM_ARGS.squeeze.parse(argsOf(arguments));
  need(t, 'squeeze');
  if (dim !== undefined && typeof dim !== 'number' && !Array.isArray(dim)) throw new ValueError(`squeeze: dim must be a number or an array of numbers, got ${describeArg(dim)}`);
  const dims = dim === undefined ? null : new Set((typeof dim === 'number' ? [dim] : dim).map((d) => normDim(d, t.ndim, 'squeeze')));
  const shape: number[] = [], strides: number[] = [];
  t._shape.forEach((s, i) => {
    if (s === 1 && (dims === null || dims.has(i))) return;
    shape.push(s); strides.push(t._strides[i]);
  });
  return tracked('squeeze', t, t._view(shape, strides, t._offset), (g) => reshape(g, t._shape), reshapeOnnx);
}

/** Inserts a dim of size 1 at `dim`: `fl.unsqueeze(x, 0)`. */
export function unsqueeze(input: Tensor, dim: number): Tensor;
export function unsqueeze(input: Tensor, options: { dim: number }): Tensor;
export function unsqueeze(): Tensor {
  const { input: t, dim } = DIM_ARGS.unsqueeze.parse(argsOf(arguments));
  need(t, 'unsqueeze');
  const d = normDim(dim, t.ndim + 1, 'unsqueeze');
  const shape = t._shape.slice(), strides = t._strides.slice();
  const st = d < t.ndim ? t._strides[d] * t._shape[d] : 1;
  shape.splice(d, 0, 1); strides.splice(d, 0, st);
  return tracked('unsqueeze', t, t._view(shape, strides, t._offset), (g) => reshape(g, t._shape), reshapeOnnx);
}

/** Swaps two dims (a view): `x.transpose(0, 1)`. */
export function transpose(input: Tensor, dim0: number, dim1: number): Tensor;
export function transpose(input: Tensor, dim0: number, options: { dim1: number }): Tensor;
export function transpose(input: Tensor, options: { dim0: number; dim1: number }): Tensor;
export function transpose(): Tensor {
  const { input: t, dim0, dim1 } = DIM_ARGS.transpose.parse(argsOf(arguments));
  need(t, 'transpose');
  // 0-dim: the tensor itself, still in the graph (its gradient passes through); dims -1 and 0 only, as torch's
  if (t.ndim === 0) {
    normDim(dim0, 0, 'transpose'); normDim(dim1, 0, 'transpose');
    return tracked('transpose', t, t._view([], [], t._offset), (g) => g.clone(), (g, [x]) => g.op('Identity', [x.name]));
  }
  const a = normDim(dim0, t.ndim, 'transpose'), b = normDim(dim1, t.ndim, 'transpose');
  const shape = t._shape.slice(), strides = t._strides.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  const perm = t._shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return tracked('transpose', t, t._view(shape, strides, t._offset), (g) => transpose(g, a, b).contiguous(), (g, [x]) => g.op('Transpose', [x.name], { perm }));
}

/** Reorders dims (a view): `x.permute([2, 0, 1])`. */
export function permute(t: Tensor, dims: readonly number[]): Tensor;
export function permute(t: Tensor, ...dims: number[]): Tensor;
export function permute(t: Tensor): Tensor {
  need(t, 'permute');
  const dims = shapeOf(arguments, 'permute');
  if (!Array.isArray(dims) || dims.length !== t.ndim) throw new ShapeError(`permute: dims ${describeArg(dims)} must list each of the ${String(t.ndim)} dims of shape ${fmt(t._shape)} once`);
  const d = dims.map((x) => normDim(x, t.ndim, 'permute'));
  if (new Set(d).size !== d.length) throw new ShapeError(`permute: dims ${describeArg(dims)} repeat a dim`);
  const inv = new Array<number>(d.length);
  d.forEach((p, i) => { inv[p] = i; });
  return tracked('permute', t, t._view(d.map((i) => t._shape[i]), d.map((i) => t._strides[i]), t._offset), (g) => permute(g, inv).contiguous(), (g, [x]) => g.op('Transpose', [x.name], { perm: d }));
}

/** Broadcasts size-1 dims to larger sizes without copying (-1 keeps a size): `x.expand([4, -1])`. */
export function expand(t: Tensor, shape: readonly number[]): Tensor;
export function expand(t: Tensor, ...shape: number[]): Tensor;
export function expand(t: Tensor): Tensor {
  need(t, 'expand');
  const shape = shapeOf(arguments, 'expand');
  if (!Array.isArray(shape) || shape.length < t.ndim) throw new ShapeError(`expand: cannot expand shape ${fmt(t._shape)} to ${describeArg(shape)}`);
  const off = shape.length - t.ndim;
  const out: number[] = [], strides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const want = shape[i];
    const j = i - off;
    const have = j >= 0 ? t._shape[j] : 1;
    if (want === -1 && j >= 0) { out.push(have); strides.push(t._strides[j]); continue; }
    if (!Number.isInteger(want) || want < 0) throw new ShapeError(`expand: invalid size ${describeArg(want)} in ${describeArg(shape)}`);
    if (j >= 0 && have === want) { out.push(want); strides.push(t._strides[j]); continue; }
    if (have !== 1) throw new ShapeError(`expand: the size ${String(have)} of dim ${String(j)} in ${fmt(t._shape)} must be 1 to expand to ${describeArg(want)} (target ${describeArg(shape)})`);
    out.push(want); strides.push(0);
  }
  return tracked('expand', t, t._view(out, strides, t._offset), (g) => sumToShape(g.clone(), t._shape), (g, [x], [o]) => g.op('Expand', [x.name, g.sizes(o._shape)]));
}

/** `expand` to a full target shape, as `torch.broadcast_to`. */
export function broadcastTo(t: Tensor, shape: readonly number[]): Tensor {
  if (arguments.length > 2) throw new ValueError(`broadcastTo: takes (tensor, shape); got ${String(arguments.length)} arguments`);
  return expand(t, shape);
}

/** The slice [start, start + length) of one dim (a view): `x.narrow(0, 1, 2)`. */
export function narrow(input: Tensor, dim: number, start: number, length: number): Tensor;
export function narrow(input: Tensor, dim: number, start: number, options: { length: number }): Tensor;
export function narrow(input: Tensor, dim: number, options: { start: number; length: number }): Tensor;
export function narrow(input: Tensor, options: { dim: number; start: number; length: number }): Tensor;
export function narrow(): Tensor {
  const o = DIM_ARGS.narrow.parse(argsOf(arguments));
  const { input: t, dim, length } = o;
  let { start } = o;
  need(t, 'narrow');
  if (t.ndim === 0) throw new ShapeError('narrow: cannot be applied to a 0-dim tensor');  // as torch's narrow()
  const d = normDim(dim, t.ndim, 'narrow');
  const size = t._shape[d];
  if (!Number.isInteger(start) || !Number.isInteger(length)) throw new ValueError('narrow: start and length must be integers');
  if (start < 0) start += size;
  if (start < 0 || length < 0 || start + length > size) {
    throw new IndexError(`narrow: range [${String(start)}, ${start + length}) out of bounds for dim ${String(d)} of size ${String(size)} (shape ${fmt(t._shape)})`);
  }
  const shape = t._shape.slice();
  shape[d] = length;
  const s0 = start;
  return tracked('narrow', t, t._view(shape, t._strides, t._offset + start * t._strides[d]), (g) => scatterBack(t, g, (z) => narrow(z, d, s0, length)),
    (g, [x]) => g.op('Slice', [x.name, g.sizes([s0]), g.sizes([s0 + length]), g.ints([d])]));
}

/** Index `index` of dim `dim`, removing the dim (a view): `x.select(0, -1)`. */
export function select(input: Tensor, dim: number, index: number): Tensor;
export function select(input: Tensor, dim: number, options: { index: number }): Tensor;
export function select(input: Tensor, options: { dim: number; index: number }): Tensor;
export function select(): Tensor {
  const o = DIM_ARGS.select.parse(argsOf(arguments));
  const { input: t, dim } = o;
  let { index } = o;
  need(t, 'select');
  if (t.ndim === 0) throw new IndexError('select: cannot select from a 0-dim tensor');
  const d = normDim(dim, t.ndim, 'select');
  const size = t._shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(`select: index ${describeArg(index)} is out of bounds for dim ${String(d)} with size ${String(size)} (shape ${fmt(t._shape)})`);
  }
  if (index < 0) index += size;
  const shape = t._shape.slice(), strides = t._strides.slice();
  shape.splice(d, 1); strides.splice(d, 1);
  const i0 = index;
  return tracked('select', t, t._view(shape, strides, t._offset + index * t._strides[d]), (g) => scatterBack(t, g, (z) => select(z, d, i0)),
    (g, [x]) => g.op('Gather', [x.name, g.size(i0)], { axis: d }));
}

/**
 * Python-style slice of one dim, `x[start:end:step]` (a view; negative and out-of-range bounds
 * clamp as in Python; step > 0): `x.slice(1, 0, -1, 2)`.
 */
export function slice(t: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  if (arguments.length > 5) tooManyArgs('slice', 'input, dim, start, end, step', arguments);
  need(t, 'slice');
  const d = normDim(dim, t.ndim, 'slice');
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(`slice: step must be a positive integer, got ${describeArg(step)}`);
  const size = t._shape[d];
  const clampIdx = (v: number | null | undefined, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    if (!Number.isInteger(v)) throw new ValueError(`slice: bounds must be integers, got ${describeArg(v)}`);
    if (v < 0) v += size;
    return Math.min(Math.max(v, 0), size);
  };
  const s = clampIdx(start, 0), e = Math.max(clampIdx(end, size), s);
  const len = Math.ceil((e - s) / step);
  const shape = t._shape.slice(), strides = t._strides.slice();
  shape[d] = len; strides[d] = t._strides[d] * step;
  return tracked('slice', t, t._view(shape, strides, t._offset + (len > 0 ? s * t._strides[d] : 0)), (g) => scatterBack(t, g, (z) => slice(z, d, s, e, step)),
    (g, [x]) => g.op('Slice', [x.name, g.sizes([s]), g.sizes([e]), g.ints([d]), g.ints([step])]));
}

/**
 * A Python slice written as a string, as inside `x[...]`: `':'`, `'1:'`, `':3'`, `'1:3'`, `'::2'`,
 * `'1::2'`, `'-2:'`. The type catches most typos at compile time; `index` checks the string at run time.
 */
export type SliceString = ':' | `${number | ''}:${number | ''}` | `${number | ''}:${number | ''}:${number | ''}`;

/**
 * A JavaScript list used as an index: what a Python list means there in PyTorch (advanced
 * indexing, as an int32 tensor of its integers, or a bool mask of its booleans), possibly nested.
 */
export type IndexList = readonly (number | boolean | IndexList)[];

/**
 * One index spec of `index()` / `indexPut_()`, as one position of Python's `x[...]`: an integer,
 * a slice string (`'1::2'`, see {@link SliceString}), `'...'`, `null` (a new dim, Python's `None`),
 * a list of integers or booleans (`[0, 2]`, as Python's `x[[0, 2]]`), or a tensor: int32 indices or
 * a bool mask (PyTorch's advanced indexing, see `index` in lib/ops/indexing.ts).
 */
export type IndexSpec = number | SliceString | '...' | null | IndexList | Tensor;

/** @internal A slice string's parts; null for an omitted bound. */
export interface SliceParts { start: number | null; stop: number | null; step: number }

const SLICE_RE = /^\s*([-+]?\d+)?\s*:\s*([-+]?\d+)?\s*(?::\s*([-+]?\d+)?\s*)?$/;

/**
 * @internal Parses a Python slice string (`'1::2'`) for `op`; throws a ValueError naming the string
 * when it is not one, or when its step is not positive (PyTorch refuses negative steps too).
 */
export function parseSlice(s: string, op: string): SliceParts {
  const m = SLICE_RE.exec(s);
  if (!m) {
    throw new ValueError(`${op}: '${s.slice(0, 40)}' is not an index (expected a Python slice string such as ':', '1:', ':3', '1:3', '::2', '1::2', or '...')`);
  }
  const num = (v: string | undefined): number | null => (v === undefined ? null : Number(v));
  const step = num(m[3]) ?? 1;
  if (step <= 0) {
    throw new ValueError(`${op}: slice '${s}' has step ${String(step)}; the step must be positive (PyTorch also refuses negative steps: use flip)`);
  }
  return { start: num(m[1]), stop: num(m[2]), step };
}

/**
 * @internal NumPy-style basic indexing as a view (no tensor or list specs): `basicIndex(x, 0, ':', '1::2', null)`
 * is Python's `x[0, :, 1::2, None]`. `index` (lib/ops/indexing.ts) adds tensor indices on top.
 */
export function basicIndex(t: Tensor, ...specs: IndexSpec[]): Tensor {
  need(t, 'index');
  const ell = specs.filter((s) => s === '...').length;
  if (ell > 1) throw new IndexError('index: at most one ellipsis');
  const consumed = specs.filter((s) => s !== null && s !== '...').length;
  if (consumed > t.ndim) throw new IndexError(`index: too many indices (${String(consumed)}) for a tensor of ${String(t.ndim)} dims (shape ${fmt(t._shape)})`);
  const full: IndexSpec[] = [];
  for (const s of specs) {
    if (s === '...') for (let i = 0; i < t.ndim - consumed; i++) full.push(':');
    else full.push(s);
  }
  let cur = tracked('index', t, t._view(t._shape, t._strides, t._offset), (g) => g.clone(), (g, [x]) => g.op('Identity', [x.name]));
  let dim = 0;
  try {
    for (const s of full) {
      let next: Tensor;
      if (s === null) { next = unsqueeze(cur, dim); dim++; }
      else if (s === ':') { dim++; continue; }
      else if (typeof s === 'number') next = select(cur, dim, s);
      else if (typeof s === 'string') { const p = parseSlice(s, 'index'); next = slice(cur, dim, p.start, p.stop, p.step); dim++; }
      else {
        throw new IndexError(`index: bad index spec ${describeArg(s)} (expected an integer, a slice string such as '1::2', '...', null, a list of integers or booleans, or an int32/bool tensor)`);
      }
      cur.dispose();
      cur = next;
    }
  } catch (e) {
    cur.dispose();
    // select/slice found it; the user called index
    if (e instanceof FlintError && !e.message.startsWith('index')) throw new (e.constructor as new (m: string) => FlintError)(`index: ${e.message}`);
    throw e;
  }
  return cur;
}

/** The diagonal of the last two dims... of dims dim1, dim2 (a view), with offset: `fl.diagonal(m)`. */
export function diagonal(input: Tensor, ...args: ArgsThenOptions<[offset: number, dim1: number, dim2: number], { offset?: number; dim1?: number; dim2?: number }>): Tensor {
  const { input: t, offset, dim1, dim2 } = DIM_ARGS.diagonal.parse(argsOf(arguments));
  need(t, 'diagonal');
  if (!Number.isInteger(offset)) throw new ValueError(`diagonal: offset must be an integer, got ${describeArg(offset)}`);
  const a = normDim(dim1, t.ndim, 'diagonal'), b = normDim(dim2, t.ndim, 'diagonal');
  if (a === b) throw new ValueError('diagonal: dim1 and dim2 must differ');
  let off = t._offset;
  let len: number;
  if (offset >= 0) { len = Math.max(0, Math.min(t._shape[a], t._shape[b] - offset)); if (len > 0) off += offset * t._strides[b]; }
  else { len = Math.max(0, Math.min(t._shape[a] + offset, t._shape[b])); if (len > 0) off -= offset * t._strides[a]; }
  const shape: number[] = [], strides: number[] = [];
  t._shape.forEach((s, i) => { if (i !== a && i !== b) { shape.push(s); strides.push(t._strides[i]); } });
  shape.push(len); strides.push(t._strides[a] + t._strides[b]);
  return tracked('diagonal', t, t._view(shape, strides, off), (g) => scatterBack(t, g, (z) => diagonal(z, offset, a, b)), (g, [vx]) => {
    // ONNX: the two dims moved last and flattened, then a Gather of the diagonal's flat positions
    const rest = t._shape.map((_, i) => i).filter((i) => i !== a && i !== b);
    const n = t._shape[a], m = t._shape[b], first = Math.max(0, -offset);
    const flat = g.op('Reshape', [g.op('Transpose', [vx.name], { perm: [...rest, a, b] }), g.sizes([...rest.map((i) => t._shape[i]), n * m])]);
    return g.op('Gather', [flat, g.ints(Array.from({ length: len }, (_, i) => (first + i) * m + first + i + offset))], { axis: rest.length });
  });
}

/** A contiguous tensor with the same values (this tensor's own view when already contiguous). */
export function contiguous(t: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('contiguous', 'input', arguments);
  need(t, 'contiguous');
  const out = t.isContiguous() ? t._view(t._shape, t._strides, t._offset) : contiguousCopy(t, 'contiguous');
  return tracked('contiguous', t, out, (g) => g.clone(), (g, [x]) => g.op('Identity', [x.name]));
}

/** A copy with its own storage. */
export function clone(t: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('clone', 'input', arguments);
  return tracked('clone', t, contiguousCopy(need(t, 'clone'), 'clone'), (g) => g.clone(), (g, [x]) => g.op('Identity', [x.name]));
}

/** Joins tensors along an existing dim: `fl.cat([a, b], 0)`. Dtypes promote; devices must match. */
// torch's cat(tensors, dim=0) and stack(tensors, dim=0): dim positional or keyword (`fl.cat(xs, { dim: 1 })`),
// checked by the ops (as for a positional call)
const joinArgs = (fn: string) => signature(fn, ['tensors', 'dim'], { tensors: required(anyValue<readonly Tensor[]>()), dim: optional(anyValue<number>(), 0) });
const JOIN_ARGS = { cat: joinArgs('cat'), stack: joinArgs('stack') };

/** PyTorch's cat skips 1-D empty tensors (any shape may sit beside them). */
const isSkippedByCat = (t: Tensor): boolean => t.ndim === 1 && t._shape[0] === 0;

export function cat(tensors: readonly Tensor[], ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor {
  const { dim } = JOIN_ARGS.cat.parse(arguments as unknown as unknown[]);
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError('cat: expected a non-empty array of tensors');
  tensors.forEach((t) => need(t, 'cat'));
  const parts = tensors.filter((t) => !isSkippedByCat(t));
  const ref: Tensor = parts[0] ?? tensors[0];
  const d = normDim(dim, ref.ndim, 'cat');
  let dtype: DType = tensors[0].dtype;
  for (const t of tensors) dtype = promoteTypes(dtype, t.dtype);
  const dev = tensors[0]._storage.device;
  let total = 0;
  for (const t of parts) {
    if (t._storage.device.name !== dev.name) throw new DeviceError(`cat: expected all tensors on ${describeArg(dev.name)}, got one on ${describeArg(t.device)}`);
    if (t.ndim !== ref.ndim || t._shape.some((s: number, i: number) => i !== d && s !== ref._shape[i])) {
      throw new ShapeError(`cat: shapes ${parts.map((p) => fmt(p._shape)).join(', ')} must match except in dim ${String(d)}`);
    }
    total += t._shape[d];
  }
  const shape = ref._shape.slice();
  if (ref.ndim > 0) shape[d] = total;
  const out = emptyTensor(shape, dtype, dev, false, 'cat');
  try {
    let pos = 0;
    for (const t of parts) {
      const n = t._shape[d];
      if (n > 0) {
        const dst = narrow(out, d, pos, n);
        try { copyInto(dst, t, 'cat'); } finally { dst.dispose(); }
      }
      pos += n;
    }
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(...tensors)) {
    // Every input gets its gradient, the skipped 1-D empty ones an empty one (as torch's).
    const skipped = tensors.map(isSkippedByCat);
    const sizes = tensors.map((p, i) => (skipped[i] ? 0 : p._shape[d]));
    const dtypes = tensors.map((p) => p.dtype);
    record('cat', tensors, [out], [], ([g]) => scopeSync(() => {
      let pos = 0;
      return sizes.map((n, i) => {
        if (skipped[i]) return emptyTensor([0], dtypes[i], g!._storage.device, false, 'cat');
        const piece = narrow(g!, d, pos, n).to(dtypes[i], { copy: true });
        pos += n;
        return piece;
      });
    }));
  }
  return traced('cat', parts, out, (g, vs) => g.op('Concat', vs.map((v) => g.cast(v.name, v.dtype, dtype)), { axis: d }));
}

/** Joins same-shaped tensors along a new dim: `fl.stack([a, b], 0)`. */
export function stack(tensors: readonly Tensor[], ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor {
  const { dim } = JOIN_ARGS.stack.parse(arguments as unknown as unknown[]);
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError('stack: expected a non-empty array of tensors');
  tensors.forEach((t) => need(t, 'stack'));
  const ref = tensors[0];
  for (const t of tensors) {
    if (t._shape.length !== ref._shape.length || t._shape.some((s: number, i: number) => s !== ref._shape[i])) {
      throw new ShapeError(`stack: all tensors must have the same shape, got ${tensors.map((x) => fmt(x._shape)).join(', ')}`);
    }
  }
  const d = normDim(dim, ref.ndim + 1, 'stack');
  const views = tensors.map((t) => unsqueeze(t, d));
  try { return cat(views, d); } finally { views.forEach((v) => v.dispose()); }
}

/**
 * Splits into views along `dim`: chunks of `size` (last may be smaller), or the given sizes:
 * `fl.split(x, 2)`, `fl.split(x, [1, 3], 1)`.
 */
export function split(input: Tensor, splitSizeOrSections: number | readonly number[], ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[] {
  const { input: t, splitSizeOrSections: sizeOrSections, dim } = DIM_ARGS.split.parse(arguments as unknown as unknown[]);
  need(t, 'split');
  const d = normDim(dim, t.ndim, 'split');
  const n = t._shape[d];
  let sizes: number[];
  if (typeof sizeOrSections !== 'number' && !Array.isArray(sizeOrSections)) {
    throw new ValueError(`split: expected a size or an array of sizes, got ${describeArg(sizeOrSections)}`);
  }
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new ValueError(`split: size must be a positive integer, got ${describeArg(sizeOrSections)}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (n === 0) sizes.push(0);
  } else {
    sizes = Array.from(sizeOrSections as ArrayLike<number>, (v) => (typeof v === 'number' ? v : NaN));  // a non-number (a BigInt) fails the check below
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new ShapeError(`split: sizes ${describeArg(sizes)} must be non-negative and sum to ${String(n)} (dim ${String(d)} of ${fmt(t._shape)})`);
    }
  }
  const out: Tensor[] = [];
  const starts: number[] = [];
  let pos = 0;
  for (const s of sizes) {
    const shape = t._shape.slice();
    shape[d] = s;
    out.push(t._view(shape, t._strides, t._offset + pos * t._strides[d]));
    starts.push(pos);
    pos += s;
  }
  return multiView('split', t, out, (z, i) => narrow(z, d, starts[i], sizes[i]),
    (i) => ['narrow', (g, [x]) => g.op('Slice', [x.name, g.sizes([starts[i]]), g.sizes([starts[i] + sizes[i]]), g.ints([d])])]);
}

/** Splits into `chunks` views of equal size (the last may be smaller), as `torch.chunk`. */
export function chunk(input: Tensor, chunks: number, ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[] {
  const { input: t, chunks: nChunks, dim } = DIM_ARGS.chunk.parse(arguments as unknown as unknown[]);
  need(t, 'chunk');
  if (!Number.isInteger(nChunks) || nChunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${describeArg(nChunks)}`);
  const d = normDim(dim, t.ndim, 'chunk');
  // an empty dim gives `chunks` empty pieces, as torch's (not one)
  if (t._shape[d] === 0) return split(t, new Array<number>(nChunks).fill(0), d);
  const size = Math.max(1, Math.ceil(t._shape[d] / nChunks));
  return split(t, size, d);
}

/** Removes a dim, returning the slices along it: `fl.unbind(x, 0)`. */
export function unbind(input: Tensor, ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[] {
  const { input: t, dim } = DIM_ARGS.unbind.parse(argsOf(arguments));
  need(t, 'unbind');
  const d = normDim(dim, t.ndim, 'unbind');
  const shape = t._shape.slice(), strides = t._strides.slice();
  shape.splice(d, 1); strides.splice(d, 1);
  const views = Array.from({ length: t._shape[d] }, (_, i) => t._view(shape, strides, t._offset + i * t._strides[d]));
  return multiView('unbind', t, views, (z, i) => select(z, d, i), (i) => ['select', (g, [x]) => g.op('Gather', [x.name, g.size(i)], { axis: d })]);
}

/**
 * The tensor repeated along each dim (a copy), as `torch.Tensor.repeat`: `sizes` has at least as
 * many entries as `t` has dims (extra leading entries add dims). `fl.tensor([1, 2]).repeat(2, 2)`
 * is `[[1, 2, 1, 2], [1, 2, 1, 2]]`.
 */
export function repeat(t: Tensor, sizes: readonly number[]): Tensor;
export function repeat(t: Tensor, ...sizes: number[]): Tensor;
export function repeat(t: Tensor): Tensor {
  need(t, 'repeat');
  const sizes = shapeOf(arguments, 'repeat');
  if (!Array.isArray(sizes)) throw new ValueError(`repeat: sizes must be numbers or one array of numbers, got ${describeArg(sizes)}`);
  if (sizes.length < t.ndim) {
    throw new ShapeError(`repeat: ${String(sizes.length)} repeat sizes ${describeArg(sizes)} can not be fewer than the ${String(t.ndim)} dims of the input ${fmt(t._shape)}`);
  }
  for (const r of sizes) if (!Number.isInteger(r) || r < 0) throw new ValueError(`repeat: sizes must be non-negative integers, got ${describeArg(sizes)}`);
  const src = [...new Array<number>(sizes.length - t.ndim).fill(1), ...t._shape];
  // view as [1, s0, 1, s1, …], broadcast to [r0, s0, r1, s1, …], then merge each pair: autograd
  // goes through reshape/expand, so the gradient sums the repeats
  const pairs = src.flatMap((s) => [1, s]);
  const wide = src.flatMap((s, i) => [sizes[i], s]);
  const a = reshape(t, pairs);
  try {
    const b = expand(a, wide);
    try { return reshape(b, src.map((s, i) => s * sizes[i])); } finally { b.dispose(); }
  } finally { a.dispose(); }
}

/**
 * Rolls the elements along `dims` by `shifts` (elements that fall off one end come back at the
 * other), as `torch.roll`; without `dims` the flattened tensor is rolled and the shape restored.
 * `fl.roll(fl.tensor([1, 2, 3, 4]), 1)` is `[4, 1, 2, 3]`.
 */
export function roll(input: Tensor, shifts: number | readonly number[], ...args: ArgsThenOptions<[dims: number | readonly number[] | null], { dims?: number | readonly number[] | null }>): Tensor;
export function roll(input: Tensor, options: { shifts: number | readonly number[]; dims?: number | readonly number[] | null }): Tensor;
export function roll(): Tensor {
  const { input: t, shifts, dims } = DIM_ARGS.roll.parse(argsOf(arguments));
  need(t, 'roll');
  const sh = typeof shifts === 'number' ? [shifts] : Array.isArray(shifts) ? shifts.slice() : null;
  if (!sh || sh.some((s) => !Number.isInteger(s))) throw new ValueError(`roll: shifts must be an integer or an array of integers, got ${describeArg(shifts)}`);
  if (dims === undefined || dims === null) {
    if (sh.length !== 1) throw new ValueError(`roll: without dims, shifts must be one integer, got ${describeArg(sh)}`);
    const f = reshape(t, [-1]);
    try {
      const r = roll(f, sh[0], 0);
      try { return reshape(r, t._shape); } finally { r.dispose(); }
    } finally { f.dispose(); }
  }
  const ds = typeof dims === 'number' ? [dims] : Array.isArray(dims) ? dims.slice() : null;
  if (!ds || ds.length !== sh.length) throw new ValueError(`roll: shifts ${describeArg(sh)} and dims ${describeArg(dims)} must have the same length`);
  let cur = tracked('roll', t, t._view(t._shape, t._strides, t._offset), (g) => g.clone(), (g, [x]) => g.op('Identity', [x.name]));
  try {
    for (let i = 0; i < ds.length; i++) {
      const d = normDim(ds[i], t.ndim, 'roll');
      const n = cur._shape[d];
      const s = n === 0 ? 0 : ((sh[i] % n) + n) % n;
      if (s === 0) continue;
      const tail = narrow(cur, d, n - s, s), head = narrow(cur, d, 0, n - s);
      let next: Tensor;
      try { next = cat([tail, head], d); } finally { tail.dispose(); head.dispose(); }
      cur.dispose();
      cur = next;
    }
  } catch (e) { cur.dispose(); throw e; }
  return cur;
}

/** Options of `Tensor.to`. */
export interface ToOptions {
  dtype?: DType;
  device?: DeviceLike;
  /** Always return a new tensor, even when nothing changes. */
  copy?: boolean;
  /**
   * From pinned host memory to a GPU: return at once, the copy runs on the current stream (later
   * ops on that stream see the data). Without it, such a copy completes before `to` returns.
   */
  nonBlocking?: boolean;
}

const TO_KEYS = ['dtype', 'device', 'copy', 'nonBlocking'];

/**
 * Casts and/or moves: `t.to('float64')`, `t.to('cpu')`, `t.to('cuda', 'float16')` (torch's
 * `to(device, dtype)`), `t.to(other)` (other's device and dtype), `t.to({ device: 'cuda', dtype: 'float16' })`,
 * `batch.pin().to('cuda', { nonBlocking: true })`. Returns this tensor's own view when nothing
 * changes (unless `copy`). A cast happens on the source device, before the move.
 */
export function to(t: Tensor, arg0: DType | DeviceLike | Tensor | ToOptions, options: DType | ToOptions = {}): Tensor {
  if (arguments.length > 3) tooManyArgs('to', 'input, deviceOrDtype, options', arguments);
  need(t, 'to');
  const arg = deviceArg(arg0);  // a fl.device(…) object as its name
  let opts: ToOptions;
  if (typeof options === 'string') {
    // torch's to(device, dtype): a device first, then a dtype
    if (typeof arg !== 'string' || (DTYPES as readonly string[]).includes(arg)) throw new ValueError(`to: a dtype as the second argument follows a device, got ${describeArg(arg)} then '${options}'`);
    opts = { dtype: checkDType(options, 'to') };
  } else {
    checkKeys('to', options, TO_KEYS);
    opts = options;
  }
  let o: ToOptions;
  if (arg instanceof Tensor) o = { ...opts, device: need(arg, 'to').device, dtype: arg.dtype };  // torch's to(other)
  else if (typeof arg === 'string') o = (DTYPES as readonly string[]).includes(arg) ? { ...opts, dtype: arg as DType } : { ...opts, device: arg };
  else if (arg && typeof arg === 'object') { checkKeys('to', arg, TO_KEYS); o = { ...arg }; }
  else throw new ValueError(`to: expected a dtype, a device or options, got ${describeArg(arg)}`);
  const dtype = o.dtype === undefined ? t.dtype : checkDType(o.dtype, 'to');
  const dev = o.device === undefined ? t._storage.device : parseDevice(o.device, 'to');
  if (dev.name === t._storage.device.name) {
    const out = dtype === t.dtype && !o.copy ? t._view(t._shape, t._strides, t._offset) : contiguousCopy(t, 'to', dtype);
    return tracked('to', t, out, (g) => g.to(t.dtype, { copy: true }), (g, [x]) => g.cast(x.name, x.dtype, dtype));
  }
  if (captureState.active) refuseInCapture('to', `a copy from ${t.device} to ${dev.name}`);
  const src = dtype === t.dtype && t.isContiguous() ? t : contiguousCopy(t, 'to', dtype);
  const out = emptyTensor(t._shape, dtype, dev, false, 'to');
  try {
    const bytes = t.numel * ITEMSIZE[dtype];
    const srcOffset = (src === t && bytes > 0 ? t._offset : 0) * ITEMSIZE[dtype];  // a zero-size view may start past its storage
    const kind = t._storage.device.type === 0 ? 'HtoD' : dev.type === 0 ? 'DtoH' : 'DtoD';
    transfer(kind, bytes, () => binding.gpuCopy(out._handleFor('to'), 0, src._handleFor('to'), srcOffset, bytes));
    // A copy from pinned memory is asynchronous; without nonBlocking it completes here.
    if (t._storage.pinned && !o.nonBlocking) guard(() => binding.gpuStreamSynchronize(binding.gpuCurrentStream()));
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    if (src !== t) src.dispose();
  }
  const from = t.device;
  return tracked('to', t, out, (g) => g.to({ device: from, dtype: t.dtype }), (g, [x]) => g.op('Identity', [g.cast(x.name, x.dtype, dtype)]));
}

declare module '../tensor' {
  interface Tensor {
    view(...shape: (number | readonly number[])[]): Tensor;
    reshape(...shape: (number | readonly number[])[]): Tensor;
    flatten(...args: ArgsThenOptions<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>): Tensor;
    squeeze(...args: ArgsThenOptions<[dim: number | readonly number[]], { dim?: number | readonly number[] }>): Tensor;
    unsqueeze(dim: number | { dim: number }): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    transpose(dim0: number, options: { dim1: number }): Tensor;
    transpose(options: { dim0: number; dim1: number }): Tensor;
    permute(...dims: (number | readonly number[])[]): Tensor;
    expand(...shape: (number | readonly number[])[]): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    narrow(dim: number, start: number, options: { length: number }): Tensor;
    narrow(dim: number, options: { start: number; length: number }): Tensor;
    narrow(options: { dim: number; start: number; length: number }): Tensor;
    select(dim: number, index: number): Tensor;
    select(dim: number, options: { index: number }): Tensor;
    select(options: { dim: number; index: number }): Tensor;
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
    /** Basic and advanced indexing, as Python's `x[…]`: `x.index(0, '1::2', [2, 0])` is `x[0, 1::2, [2, 0]]`; see `index` in lib/ops/indexing.ts. */
    index(...specs: IndexSpec[]): Tensor;
    diagonal(...args: ArgsThenOptions<[offset: number, dim1: number, dim2: number], { offset?: number; dim1?: number; dim2?: number }>): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    split(splitSizeOrSections: number | readonly number[], ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[];
    chunk(chunks: number, ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[];
    unbind(...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[];
    to(arg: DType | DeviceLike | Tensor | ToOptions, options?: DType | ToOptions): Tensor;
    /** `t.to('cpu')` */
    cpu(): Tensor;
    /** `t.to('cuda')`, or `t.to('cuda:N')` for `device` N. */
    cuda(device?: number, options?: ToOptions): Tensor;
    /** Transpose of a 2-D tensor (reverses dims for other ranks), as `t.T`. */
    readonly T: Tensor;
    /** Transpose of the last two dims, as `t.mT`. */
    readonly mT: Tensor;
    float(): Tensor; double(): Tensor; half(): Tensor; bfloat16(): Tensor; int(): Tensor; byte(): Tensor; bool(): Tensor;
    /** Copies `src` (broadcast, cast) into this tensor in place. */
    copy_(src: Tensor): Tensor;
    /** The shape (a copy), as `x.size()`; `x.size(dim)` is one dim's size (negative dims count from the end). */
    size(): number[];
    size(dim: number): number;
    /** The number of dims, as PyTorch's `x.dim()` (the same as the `ndim` property). */
    dim(): number;
    /** Transpose of a tensor of at most 2 dims (0-D and 1-D tensors come back as they are), as `x.t()`. */
    t(): Tensor;
    /** The values as nested arrays, as PyTorch's `tolist()` (the same as `toArray()`). */
    tolist(): ReturnType<Tensor['toArray']>;
    /** See {@link repeat}: `x.repeat(2, 1)` or `x.repeat([2, 1])`. */
    repeat(...sizes: (number | readonly number[])[]): Tensor;
    /** See {@link roll}. */
    roll(shifts: number | readonly number[], ...args: ArgsThenOptions<[dims: number | readonly number[] | null], { dims?: number | readonly number[] | null }>): Tensor;
    roll(options: { shifts: number | readonly number[]; dims?: number | readonly number[] | null }): Tensor;
  }
}

const P = Tensor.prototype;
P.view = function (...s) { return view(this, shapeArg(s, 'view')); };
P.reshape = function (...s) { return reshape(this, shapeArg(s, 'reshape')); };
P.flatten = function (this: Tensor, ...a: unknown[]) { return (flatten as (...b: unknown[]) => Tensor)(this, ...a); };
P.squeeze = function (this: Tensor, ...a: unknown[]) { return (squeeze as (...b: unknown[]) => Tensor)(this, ...a); };
P.unsqueeze = function (this: Tensor, ...a: unknown[]) { return (unsqueeze as (...b: unknown[]) => Tensor)(this, ...a); };
P.transpose = function (this: Tensor, ...a: unknown[]) { return (transpose as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['transpose'];
P.permute = function (...d) { return permute(this, shapeArg(d, 'permute')); };
P.expand = function (...s) { return expand(this, shapeArg(s, 'expand')); };
P.broadcastTo = function (s) { if (arguments.length > 1) tooManyArgs('broadcastTo', 'shape', arguments); return expand(this, s); };
P.narrow = function (this: Tensor, ...a: unknown[]) { return (narrow as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['narrow'];
P.select = function (this: Tensor, ...a: unknown[]) { return (select as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['select'];
P.slice = function (d, s, e, st) { if (arguments.length > 4) tooManyArgs('slice', 'dim, start, end, step', arguments); return slice(this, d, s, e, st); };
P.diagonal = function (this: Tensor, ...a: unknown[]) { return (diagonal as (...b: unknown[]) => Tensor)(this, ...a); };
P.contiguous = function () { if (arguments.length > 0) tooManyArgs('contiguous', '', arguments); return contiguous(this); };
P.clone = function () { if (arguments.length > 0) tooManyArgs('clone', '', arguments); return clone(this); };
P.split = function (this: Tensor, ...a: unknown[]) { return (split as (...b: unknown[]) => Tensor[])(this, ...a); };
P.chunk = function (this: Tensor, ...a: unknown[]) { return (chunk as (...b: unknown[]) => Tensor[])(this, ...a); };
P.unbind = function (this: Tensor, ...a: unknown[]) { return (unbind as (...b: unknown[]) => Tensor[])(this, ...a); };
P.to = function (a, o) { if (arguments.length > 2) tooManyArgs('to', 'deviceOrDtype, options', arguments); return to(this, a, o); };
P.cpu = function () { if (arguments.length > 0) tooManyArgs('cpu', '', arguments); return to(this, 'cpu'); };
P.cuda = function (device, options = {}) { if (arguments.length > 2) tooManyArgs('cuda', 'device, options', arguments); return to(this, device === undefined ? 'cuda' : `cuda:${String(device)}`, options); };
Object.defineProperty(P, 'T', {
  get(this: Tensor) { return permute(this, Array.from({ length: this.ndim }, (_, i) => this.ndim - 1 - i)); },
});
Object.defineProperty(P, 'mT', {
  get(this: Tensor) {
    // a 0-dim tensor is its own mT, as torch's (a 1-D one is refused there too)
    if (this.ndim === 1) throw new ShapeError(`mT: tensor must have at least 2 dims (or none), got shape ${fmt(this._shape)}`);
    return this.ndim === 0 ? transpose(this, 0, 0) : transpose(this, -2, -1);   // transpose of a 0-dim tensor takes dims -1/0 only
  },
});
const casts: [string, DType][] = [['float', 'float32'], ['double', 'float64'], ['half', 'float16'], ['bfloat16', 'bfloat16'], ['int', 'int32'], ['byte', 'uint8'], ['bool', 'bool']];
for (const [m, dt] of casts) (P as any)[m] = function (this: Tensor) { if (arguments.length > 0) tooManyArgs(m, '', arguments); return to(this, dt); };
P.copy_ = function (src) {
  if (arguments.length > 1) tooManyArgs('copy_', 'src', arguments);
  need(src, 'copy_');
  if (src._storage.device.name !== this._storage.device.name) throw new DeviceError(`copy_: source on ${String(src.device)}, destination on ${String(this.device)}`);
  checkInplace(this, 'copy_', src);
  const b = expand(src, this._shape);
  try { copyInto(this, b, 'copy_'); } finally { b.dispose(); }
  // ONNX: this tensor's value is now src's (an in-place module such as ReLU(true) writes its result
  // back so); other views of the storage that are read afterwards still fail the export
  return traced('copy_', [src], this, (g, [vs], [o]) => g.op('Expand', [g.cast(vs.name, vs.dtype, o.dtype), g.sizes(o._shape)]));
};
P.size = function (this: Tensor, dim?: number) {
  if (arguments.length > 1) tooManyArgs('size', 'dim', arguments);
  if (dim === undefined) return this.shape;
  if (this.ndim === 0) throw new IndexError(`size: a 0-dim tensor has no dim ${String(dim)}`);
  return this._shape[normDim(dim, this.ndim, 'size')];
} as Tensor['size'];
P.t = function () {
  if (arguments.length > 0) tooManyArgs('t', '', arguments);
  need(this, 't');
  if (this.ndim > 2) throw new ShapeError(`t: expects a tensor with at most 2 dims, got shape ${fmt(this._shape)} (use transpose or mT)`);
  return this.ndim < 2 ? tracked('t', this, this._view(this._shape, this._strides, this._offset), (g) => g.clone(), (g, [x]) => g.op('Identity', [x.name])) : transpose(this, 0, 1);
};
P.tolist = function () { if (arguments.length > 0) tooManyArgs('tolist', '', arguments); return this.toArray(); };
P.dim = function () { if (arguments.length > 0) tooManyArgs('dim', '', arguments); return this.ndim; };
P.repeat = function (...s) { return repeat(this, shapeArg(s, 'repeat')); };
P.roll = function (this: Tensor, ...a: unknown[]) { return (roll as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['roll'];
