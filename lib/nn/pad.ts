// pad.ts — `F.pad` (torch.nn.functional.pad): constant, reflect, replicate and circular padding,
// with torch 1.13's rules on the pad list, the ranks each mode takes and the pad sizes.
//
// It is a composition of ops that have CPU and GPU kernels and gradients, so it needs no kernel of
// its own:
// - constant: for each padded dim (the last first), `narrow` drops a negative pad and `cat` joins
//   blocks of the value on either side (the gradient of cat and narrow takes the input's part);
// - reflect, replicate, circular: `indexSelect` along each padded dim with an int32 index computed
//   here (reflect: -t and 2(n-1)-t beyond the ends; replicate: t clamped; circular: the cropped
//   input repeated once), whose gradient scatter-adds repeated rows, as torch's backward does.
// Positions are t = j - left for output position j: a negative left pad crops, as in torch.
//
// ONNX: with no negative pad, constant, reflect and replicate export as one Pad node (modes
// constant, reflect, edge); circular and negative pads export as the ops they are made of (Slice,
// Concat, Gather), whose index constants hold for the traced spatial sizes.
import { describeArg } from '../arity';
import { isFloating } from '../dtype';
import type { DType } from '../dtype';
import { DTypeError, OutOfMemoryError, OverflowError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { traced } from '../trace';
import { full, tensor } from '../ops/creation';
import { checkInt32, indexSelect } from '../ops/indexing';
import { cat, clone, narrow } from '../ops/views';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

/** How `pad` fills: a value, the mirror image without the edge, the edge repeated, or the other end. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** Options of `pad` (torch.nn.functional.pad's keyword arguments). */
export interface PadOptions {
  /** 'constant' (default), 'reflect', 'replicate' or 'circular'. */
  mode?: PadMode;
  /** The fill value of 'constant' (default 0); the other modes take none (or 0). */
  value?: number | null;
}

/**
 * @internal Checks a pad list without a tensor: integers, an even count, and at most 2·ndim values
 * (pairs (left, right) from the last dim backwards). Returns it as a plain array.
 * ```ts
 * checkPadList([1, 1, 2, 0], 3, 'pad');  // [1, 1, 2, 0]
 * ```
 */
export function checkPadList(pad: unknown, ndim: number, op = 'pad'): number[] {
  const arr = Array.isArray(pad) || (ArrayBuffer.isView(pad) && !(pad instanceof DataView)) ? Array.from(pad as ArrayLike<unknown>) : null;
  if (arr === null || !arr.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) {
    throw new ValueError(`${op}: pad must be an array of integers (left, right pairs from the last dim), got ${describeArg(pad)}`);
  }
  const p = arr as number[];
  if (p.length % 2 !== 0) throw new ValueError(`${op}: the pad length must be divisible by 2, got ${p.length} values ${describeArg(p)}`);
  if (p.length / 2 > ndim) {
    throw new ShapeError(`${op}: ${p.length} pad values pad ${p.length / 2} dims, but the input has ${ndim} (at most ${2 * ndim} values)`);
  }
  return p;
}

const FLOAT_MAX: Partial<Record<DType, number>> = { float16: 65504, bfloat16: 3.3895313892515355e38, float32: 3.4028234663852886e38 };

/** The fill value as torch converts a Python float into the dtype (checked_convert: overflow is refused). */
function fillValue(v: number, dtype: DType, op: string): number {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;  // C++'s bool(NaN) is true
  if (dtype === 'uint8' || dtype === 'int32') {
    const [lo, hi] = dtype === 'uint8' ? [0, 255] : [-2147483648, 2147483647];
    if (!(v >= lo && v <= hi)) {
      throw new OverflowError(`${op}: the value ${describeArg(v)} cannot be converted to ${dtype} without overflow (range [${lo}, ${hi}]${dtype === 'int32' ? '; flintml has no int64' : ''})`);
    }
    return Math.trunc(v);
  }
  const max = FLOAT_MAX[dtype];
  if (max !== undefined && Number.isFinite(v) && Math.abs(v) > max) {
    throw new OverflowError(`${op}: the value ${describeArg(v)} cannot be converted to ${dtype} without overflow`);
  }
  return v;
}

/** The (left, right) pads of each dim of an ndim input, 0 for the dims the list does not reach. */
function perDim(p: readonly number[], ndim: number): [number, number][] {
  return Array.from({ length: ndim }, (_, d) => {
    const k = 2 * (ndim - 1 - d);
    return k < p.length ? [p[k], p[k + 1]] : [0, 0];
  });
}

/** torch's constant_pad_nd: narrow for negative pads, then (unless every pad is <= 0) the value around. */
function constantPad(x: Tensor, p: readonly number[], value: number, op: string): Tensor {
  const ndim = x.ndim, pads = perDim(p, ndim), first = ndim - p.length / 2;
  let positive = false;
  // the crop first, with torch's checks (narrow's): a negative pad may remove at most what is left
  for (let d = first; d < ndim; d++) {
    const [l, r] = pads[d], n = x._shape[d];
    if ((l < 0 && -l > n) || (r < 0 && n + Math.min(l, 0) + r < 0)) {
      throw new ShapeError(`${op}: the negative padding (${l}, ${r}) of dim ${d} removes more than its size ${n} (input ${fmt(x._shape)})`);
    }
    if (l > 0 || r > 0) positive = true;
  }
  // the value is converted (and checked) only when something is filled, as torch's fill_
  const v = positive ? fillValue(value, x.dtype, op) : 0;
  if (positive) {
    for (let d = first; d < ndim; d++) {
      const [l, r] = pads[d], n = x._shape[d];
      if (n + l + r <= 0) {
        throw new ShapeError(`${op}: the input size ${n} plus the padding (${l}, ${r}) of dim ${d} leaves no elements (input ${fmt(x._shape)}), which torch refuses when another pad is positive`);
      }
    }
  }
  return scope(() => {
    let y = x;
    for (let d = ndim - 1; d >= first; d--) {
      const [l, r] = pads[d];
      if (l < 0) y = narrow(y, d, -l, y._shape[d] + l);
      if (r < 0) y = narrow(y, d, 0, y._shape[d] + r);
      if (l > 0 || r > 0) {
        const block = (k: number): Tensor => { const s = y._shape.slice(); s[d] = k; return full(s, v, { dtype: x.dtype, device: x.device }); };
        const parts: Tensor[] = [];
        if (l > 0) parts.push(block(l));
        parts.push(y);
        if (r > 0) parts.push(block(r));
        y = cat(parts, d);
      }
    }
    // a new tensor, as torch's (a crop alone is a copy there too)
    return y === x || !positive ? clone(y) : y;
  });
}

/** A host array of n positions, with a typed error where n or the host memory is too large. */
function hostIndex(n: number, op: string): Int32Array {
  checkInt32(n, 'an output size', op);
  try { return new Int32Array(n); } catch (e) {
    if (e instanceof RangeError) throw new OutOfMemoryError(`${op}: cannot hold the ${n} source positions of an output dim in host memory`);
    throw e;
  }
}

/** The source position along one dim for each output position (reflect, replicate or circular). */
function sourceIndex(mode: Exclude<PadMode, 'constant'>, n: number, l: number, r: number, op: string): Int32Array {
  if (mode === 'circular') {
    // torch's _pad_circular: crop the negative pads, then wrap the cropped length c once
    const start = Math.max(-l, 0), c = n + Math.min(l, 0) + Math.min(r, 0);
    const L = Math.max(l, 0), R = Math.max(r, 0), idx = hostIndex(L + c + R, op);
    for (let j = 0; j < L; j++) idx[j] = start + c - L + j;
    for (let j = 0; j < c; j++) idx[L + j] = start + j;
    for (let j = 0; j < R; j++) idx[L + c + j] = start + j;
    return idx;
  }
  const out = n + l + r, idx = hostIndex(out, op);
  for (let j = 0; j < out; j++) {
    const t = j - l;
    idx[j] = mode === 'replicate' ? Math.min(Math.max(t, 0), n - 1) : t < 0 ? -t : t >= n ? 2 * (n - 1) - t : t;
  }
  return idx;
}

/** torch's rules for reflect, replicate and circular: the ranks, the sizes and the pads each takes. */
function checkIndexedPad(x: Tensor, p: readonly number[], mode: Exclude<PadMode, 'constant'>, op: string): void {
  const ndim = x.ndim, k = p.length / 2;
  if (!(k >= 1 && k <= 3 && (ndim === k + 1 || ndim === k + 2))) {
    throw new ShapeError(`${op}: ${mode} padding pads the last 1, 2 or 3 dims of an input with 1 or 2 more dims (2 values for a 2-D or 3-D input, 4 for 3-D or 4-D, 6 for 4-D or 5-D), got ${p.length} values for input ${fmt(x._shape)}`);
  }
  const pads = perDim(p, ndim), first = ndim - k;
  if (mode === 'circular') {
    if (ndim !== k + 2) throw new ShapeError(`${op}: circular padding needs a batch and a channel dim before the padded ones: ${2 * (ndim - 2)} pad values for input ${fmt(x._shape)}, got ${p.length}`);
    for (let d = first; d < ndim; d++) {
      const [l, r] = pads[d], n = x._shape[d];
      if (l > n || r > n) throw new ValueError(`${op}: circular padding (${l}, ${r}) of dim ${d} wraps around more than once (size ${n}, input ${fmt(x._shape)})`);
      if (n + l + r < 0) throw new ShapeError(`${op}: the negative circular padding (${l}, ${r}) of dim ${d} leaves a negative size (size ${n}, input ${fmt(x._shape)})`);
      // torch copies the wrapped part from the cropped input: a wrap longer than what the crop
      // leaves reads memory it never wrote (its values are arbitrary), so it is refused here
      const c = n + Math.min(l, 0) + Math.min(r, 0);
      if (Math.max(l, 0) > c || Math.max(r, 0) > c) {
        throw new ValueError(`${op}: circular padding (${l}, ${r}) of dim ${d} wraps ${Math.max(l, r)} values around the ${c} that its negative pad leaves (size ${n}, input ${fmt(x._shape)})`);
      }
    }
    return;
  }
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: ${mode} padding takes a floating input (float32, float64, float16, bfloat16), got ${x.dtype}`);
  // every dim but an empty batch must be non-empty, as torch's kernels check: the first dim may be 0
  // when it is a batch dim, and (reflect of 1 or 2 dims, as torch 1.13) also in an unbatched input
  const firstMayBeEmpty = ndim === k + 2 || (mode === 'reflect' && k < 3);
  if (x._shape.some((s, d) => s === 0 && (d > 0 || !firstMayBeEmpty))) {
    throw new ShapeError(`${op}: ${mode} padding of ${k} dim${k > 1 ? 's' : ''} expects non-empty dims${firstMayBeEmpty ? ' after the first (an empty batch)' : ''}, got input ${fmt(x._shape)}`);
  }
  for (let d = first; d < ndim; d++) {
    const [l, r] = pads[d], n = x._shape[d];
    if (mode === 'reflect' && (l >= n || r >= n)) {
      throw new ValueError(`${op}: reflect padding (${l}, ${r}) of dim ${d} must be less than its size ${n} (input ${fmt(x._shape)})`);
    }
    if (n + l + r < 0) throw new ShapeError(`${op}: ${mode} padding (${l}, ${r}) of dim ${d} leaves a negative size (size ${n}, input ${fmt(x._shape)})`);
  }
  // torch's kernels take an empty padded dim only beside a non-empty one
  const outs = x._shape.slice(first).map((n, i) => n + pads[first + i][0] + pads[first + i][1]);
  if (outs.every((o) => o === 0)) {
    throw new ShapeError(`${op}: ${mode} padding ${describeArg(p)} leaves every padded dim of input ${fmt(x._shape)} empty (output sizes ${fmt(outs)})`);
  }
}

function indexedPad(x: Tensor, p: readonly number[], mode: Exclude<PadMode, 'constant'>, op: string): Tensor {
  checkIndexedPad(x, p, mode, op);
  const ndim = x.ndim, pads = perDim(p, ndim);
  return scope(() => {
    let y = x;
    for (let d = ndim - 1; d >= ndim - p.length / 2; d--) {
      const [l, r] = pads[d];
      if (l === 0 && r === 0) continue;
      const idx = tensor(sourceIndex(mode, y._shape[d], l, r, op), { dtype: 'int32', device: x.device });
      y = indexSelect(y, d, idx);
    }
    return y === x ? clone(y) : y;
  });
}

/**
 * @internal The implementation behind `F.pad`, naming the calling layer (`op`) in its errors
 * (the conv layers' paddingMode pads through it).
 */
export function padOp(input: Tensor, pad: readonly number[], mode: PadMode = 'constant', value: number | null = null, op = 'pad'): Tensor {
  if (!(input instanceof Tensor)) throw new ValueError(`${op}: input must be a Tensor, got ${describeArg(input)}`);
  input._handleFor(op);
  const p = checkPadList(pad, input.ndim, op);
  if (typeof mode !== 'string' || !MODES.includes(mode)) {
    throw new ValueError(`${op}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describeArg(mode)}`);
  }
  if (value !== null && value !== undefined && typeof value !== 'number') throw new ValueError(`${op}: value must be a number, got ${describeArg(value)}`);
  if (mode !== 'constant' && value !== null && value !== undefined && value !== 0) {
    throw new ValueError(`${op}: padding mode '${mode}' doesn't take a value (got ${describeArg(value)})`);
  }
  const v = value ?? 0;
  const out = mode === 'constant' ? constantPad(input, p, v, op) : indexedPad(input, p, mode, op);
  if (mode === 'circular' || p.some((k) => k < 0)) return out;  // exported as its parts
  return traced('pad', [input], out, (g, [vx]) => {
    const ndim = input.ndim, pads = perDim(p, ndim);
    const onnxPads = [...pads.map(([l]) => l), ...pads.map(([, r]) => r)];
    const inputs = [vx.name, g.ints(onnxPads)];
    if (mode === 'constant') inputs.push(g.constant(input.dtype, [], [p.some((k) => k > 0) ? fillValue(v, input.dtype, op) : 0]));
    return g.op('Pad', inputs, { mode: mode === 'replicate' ? 'edge' : mode });
  });
}

// PyTorch: pad(input, pad, mode='constant', value=None) (lib/args.ts)
const PAD_ARGS = signature('pad', ['input', 'pad', 'mode', 'value'], {
  input: required(A.anyValue<Tensor>()), pad: required(A.anyValue<readonly number[]>()),
  mode: optional(A.anyValue<PadMode>(), 'constant'), value: optional(A.anyValue<number | null>(), null),
});

/**
 * Pads a tensor, as `torch.nn.functional.pad`: `pad` lists (left, right) pairs from the LAST dim
 * backwards, so `[1, 1]` pads the last dim and `[1, 1, 2, 2]` the last two. Negative pads crop.
 * 'constant' fills with `value` (any rank and dtype); 'reflect' (pads < the dim's size), 'replicate'
 * and 'circular' pad the last 1, 2 or 3 dims of a 2-D to 5-D input, as torch 1.13 allows ('circular'
 * needs the batch and channel dims; 'reflect' and 'replicate' need a floating input). Gradients flow
 * to the input.
 *
 * ```ts
 * F.pad(x, [1, 1, 2, 2], 'reflect');   // x [N, C, H, W] -> [N, C, H + 4, W + 2]
 * ```
 */
export function pad(input: Tensor, pad: readonly number[], mode?: PadMode, value?: number | null): Tensor;
export function pad(input: Tensor, pad: readonly number[], ...args: ArgsThenOptions<[mode: PadMode, value: number | null], PadOptions>): Tensor;
export function pad(...args: unknown[]): Tensor {
  const o = PAD_ARGS.parse(args);
  return padOp(o.input, o.pad, o.mode, o.value);
}
