// pooling.ts — the pooling layers that ops/conv.ts's 2-D kernels do not cover directly: 1-D max and
// average pooling, adaptive average pooling in 1-D, adaptive max pooling in 1-D and 2-D (with
// returnIndices) and power-average (LP) pooling, as torch 1.13's modules and functionals
// (torch.nn.MaxPool1d, F.max_pool1d, …) with their argument order, defaults, checks and repr.
//
// Every function is a composition of ops that have CPU and GPU kernels and gradients:
// - 1-D pooling runs the 2-D op on a unit-height view [N, C, 1, L] (kernel [1, k]); its errors are
//   said as the 1-D op's, with the caller's shapes (as conv1d does);
// - adaptive max pooling uses torch's windows, start = floor(i·L/out), end = ceil((i+1)·L/out):
//   maxPool2d (kernel = stride = L/out) where every window is the same, otherwise a gather of each
//   window's elements (padded with repeats of its last one, which leaves the order of the distinct
//   ones as it is) and the tap torch's kernel picks (the first maximum, or the last NaN), gathered
//   so that the gradient goes to it; indices are int32 flat positions in the input plane (h·W + w),
//   as torch's (int64 there);
// - LP pooling is torch's formula: (sign(a)·relu(|a|)·k)^(1/p) with a = avg_pool(x^p).
import { describeArg } from '../arity';
import { DTypeError, FlintError, ShapeError, ValueError } from '../errors';
import { isFloating } from '../dtype';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { abs, gt, isnan, mul, pow, relu, sign, sub, where } from '../ops/elementwise';
import { gather } from '../ops/indexing';
import { amax, max, mean } from '../ops/reduce';
import { arange, tensor, zeros } from '../ops/creation';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, pair, single } from '../ops/conv';
import type { Size2 } from '../ops/conv';
import { Module } from './module';
import { traced, traceState } from '../trace';
import { adaptivePool } from '../onnx/lower';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

/** One size, or a 1-tuple of it (torch's _single). */
export type Size1 = number | readonly [number];
/** An adaptive 2-D output size: one number, or [h, w] where null keeps that input size. */
export type AdaptiveSize2 = number | readonly [number | null, number | null];

const ANY = A.anyValue<never>();
const REQ = required(ANY);
const OPT = optional(ANY);
// PyTorch's positional order of each functional and module (lib/args.ts)
const ARGS = {
  maxPool1d: signature('maxPool1d', ['input', 'kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'], {
    input: REQ, kernelSize: REQ, stride: OPT, padding: OPT, dilation: OPT, ceilMode: optional(A.bool, false), returnIndices: optional(A.bool, false),
  }),
  avgPool1d: signature('avgPool1d', ['input', 'kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad'], {
    input: REQ, kernelSize: REQ, stride: OPT, padding: OPT, ceilMode: optional(A.bool, false), countIncludePad: optional(A.bool, true),
  }),
  adaptiveAvgPool1d: signature('adaptiveAvgPool1d', ['input', 'outputSize'], { input: REQ, outputSize: REQ }),
  adaptiveMaxPool1d: signature('adaptiveMaxPool1d', ['input', 'outputSize', 'returnIndices'], { input: REQ, outputSize: REQ, returnIndices: optional(A.bool, false) }),
  adaptiveMaxPool2d: signature('adaptiveMaxPool2d', ['input', 'outputSize', 'returnIndices'], { input: REQ, outputSize: REQ, returnIndices: optional(A.bool, false) }),
  lpPool1d: signature('lpPool1d', ['input', 'normType', 'kernelSize', 'stride', 'ceilMode'], {
    input: REQ, normType: REQ, kernelSize: REQ, stride: OPT, ceilMode: optional(A.bool, false),
  }),
  lpPool2d: signature('lpPool2d', ['input', 'normType', 'kernelSize', 'stride', 'ceilMode'], {
    input: REQ, normType: REQ, kernelSize: REQ, stride: OPT, ceilMode: optional(A.bool, false),
  }),
  MaxPool1d: signature('MaxPool1d', ['kernelSize', 'stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'], {
    kernelSize: REQ, stride: OPT, padding: optional(ANY, 0 as never), dilation: optional(ANY, 1 as never), returnIndices: optional(A.bool, false), ceilMode: optional(A.bool, false),
  }),
  AvgPool1d: signature('AvgPool1d', ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad'], {
    kernelSize: REQ, stride: OPT, padding: optional(ANY, 0 as never), ceilMode: optional(A.bool, false), countIncludePad: optional(A.bool, true),
  }),
  AdaptiveAvgPool1d: signature('AdaptiveAvgPool1d', ['outputSize'], { outputSize: REQ }),
  AdaptiveMaxPool1d: signature('AdaptiveMaxPool1d', ['outputSize', 'returnIndices'], { outputSize: REQ, returnIndices: optional(A.bool, false) }),
  AdaptiveMaxPool2d: signature('AdaptiveMaxPool2d', ['outputSize', 'returnIndices'], { outputSize: REQ, returnIndices: optional(A.bool, false) }),
  LPPool1d: signature('LPPool1d', ['normType', 'kernelSize', 'stride', 'ceilMode'], { normType: REQ, kernelSize: REQ, stride: OPT, ceilMode: optional(A.bool, false) }),
  LPPool2d: signature('LPPool2d', ['normType', 'kernelSize', 'stride', 'ceilMode'], { normType: REQ, kernelSize: REQ, stride: OPT, ceilMode: optional(A.bool, false) }),
};

// ---- shared checks -------------------------------------------------------------------------------

function needInput(x: unknown, op: string, ranks: readonly number[], layout: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: input must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  if (!ranks.includes(x.ndim)) throw new ShapeError(`${op}: expected a ${layout} input, got shape ${fmt(x._shape)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating input, got ${x.dtype}`);
  return x;
}
const RANKS_1D = [2, 3], LAYOUT_1D = '2-D [C, L] or 3-D [N, C, L]';

/** torch's avg_pool check: every dim but the batch's holds something. */
function needNonEmpty(x: Tensor, op: string): void {
  if (x._shape.slice(x.ndim === 3 ? 1 : 0).includes(0)) {
    throw new ShapeError(`${op}: expected a 2-D [C, L] or 3-D [N, C, L] input with non-zero channels and length (a zero batch is allowed), got shape ${fmt(x._shape)}`);
  }
}
const RANKS_2D = [3, 4], LAYOUT_2D = '3-D [C, H, W] or 4-D [N, C, H, W]';

/** An integer >= min from a number or a one-element array (torch's _single). */
function one(v: unknown, name: string, op: string, min: number): number {
  const n = single(v, name, op);
  if (!(Number.isInteger(n) && (n as number) >= min)) throw new ValueError(`${op}: ${name} must be an integer >= ${min} or a one-element array of one, got ${describeArg(v)}`);
  return n as number;
}
/** stride: null, undefined and [] mean the kernel size (torch's default). */
const noStride = (s: unknown): boolean => s === undefined || s === null || (Array.isArray(s) && s.length === 0);

/**
 * Runs `body` on the unit-height view [.., 1, L] of a 1-D input and returns its result(s) with that
 * dim dropped. A refusal of the 2-D op (`op2d`) is said as `op`'s, with the caller's shape.
 */
function on1d<R extends Tensor | [Tensor, Tensor]>(x: Tensor, op: string, op2d: string, body: (x4: Tensor) => R): R {
  const v = x.unsqueeze(-2);
  try {
    const r = body(v);
    if (r instanceof Tensor) { try { return r.squeeze(-2) as R; } finally { r.dispose(); } }
    const [y, i] = r;
    try { return [y.squeeze(-2), i.squeeze(-2)] as R; } finally { y.dispose(); i.dispose(); }
  } catch (e) {
    if (e instanceof FlintError && e.message.startsWith(`${op2d}:`)) {
      const E = e.constructor as new (message: string) => FlintError;
      throw new E(`${op}: ${e.message.slice(op2d.length + 1).trim()} (${op} of input ${fmt(x._shape)}, computed as ${op2d} with a height of 1)`);
    }
    throw e;
  } finally { v.dispose(); }
}

// ---- 1-D max and average pooling -----------------------------------------------------------------

/** Options of `maxPool1d` (torch.nn.functional.max_pool1d's keyword arguments). */
export interface MaxPool1dOptions {
  /** Step of the window (default: kernelSize). */
  stride?: Size1 | null;
  /** Implicit -inf padding on both sides (at most half the kernel size; default 0). */
  padding?: Size1;
  /** Spacing between window taps (default 1). */
  dilation?: Size1;
  /** Use ceil instead of floor for the output length (default false). */
  ceilMode?: boolean;
  /** Also return the int32 argmax positions along L. */
  returnIndices?: boolean;
}

function maxPool1dOp(x: Tensor, kernelSize: unknown, o: MaxPool1dOptions, op: string): Tensor | [Tensor, Tensor] {
  needInput(x, op, RANKS_1D, LAYOUT_1D); needNonEmpty(x, op);
  const k = one(kernelSize, 'kernelSize', op, 1);
  const s = noStride(o.stride) ? k : one(o.stride, 'stride', op, 1);
  const p = one(o.padding ?? 0, 'padding', op, 0);
  const d = one(o.dilation ?? 1, 'dilation', op, 1);
  return on1d(x, op, 'maxPool2d', (v) => maxPool2d(v, [1, k], { stride: [1, s], padding: [0, p], dilation: [1, d], ceilMode: !!o.ceilMode, returnIndices: !!o.returnIndices } as never)) as Tensor | [Tensor, Tensor];
}

/**
 * 1-D max pooling over [N, C, L] (or unbatched [C, L]), as `torch.nn.functional.max_pool1d`.
 * With `returnIndices` returns `[output, indices]` (int32 positions along L). Runs as maxPool2d
 * on a height-1 view.
 *
 * ```ts
 * const y = F.maxPool1d(x, 3, { stride: 2, padding: 1 });  // [N, C, 10] -> [N, C, 5]
 * ```
 */
export function maxPool1d(input: Tensor, kernelSize: Size1, options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: Size1, options?: MaxPool1dOptions): Tensor;
export function maxPool1d(input: Tensor, kernelSize: Size1, ...args: ArgsThenOptions<[stride: Size1 | null, padding: Size1, dilation: Size1, ceilMode: boolean, returnIndices: boolean], MaxPool1dOptions>): Tensor | [Tensor, Tensor];
export function maxPool1d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const { input, kernelSize, ...o } = ARGS.maxPool1d.parse(args) as { input: Tensor; kernelSize: Size1 } & MaxPool1dOptions;
  return maxPool1dOp(input, kernelSize, o, 'maxPool1d');
}

/** Options of `avgPool1d` (torch.nn.functional.avg_pool1d's keyword arguments). */
export interface AvgPool1dOptions {
  stride?: Size1 | null;
  /** Implicit zero padding on both sides (at most half the kernel size; default 0). */
  padding?: Size1;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
}

function avgPool1dOp(x: Tensor, kernelSize: unknown, o: AvgPool1dOptions, op: string): Tensor {
  needInput(x, op, RANKS_1D, LAYOUT_1D); needNonEmpty(x, op);
  const k = one(kernelSize, 'kernelSize', op, 1);
  const s = noStride(o.stride) ? k : one(o.stride, 'stride', op, 1);
  const p = one(o.padding ?? 0, 'padding', op, 0);
  return on1d(x, op, 'avgPool2d', (v) => avgPool2d(v, [1, k], { stride: [1, s], padding: [0, p], ceilMode: !!o.ceilMode, countIncludePad: o.countIncludePad ?? true }));
}

/**
 * 1-D average pooling over [N, C, L] (or [C, L]), as `torch.nn.functional.avg_pool1d`.
 *
 * ```ts
 * const y = F.avgPool1d(x, 4);   // [N, C, 16] -> [N, C, 4]
 * ```
 */
export function avgPool1d(input: Tensor, kernelSize: Size1, options?: AvgPool1dOptions): Tensor;
export function avgPool1d(input: Tensor, kernelSize: Size1, ...args: ArgsThenOptions<[stride: Size1 | null, padding: Size1, ceilMode: boolean, countIncludePad: boolean], AvgPool1dOptions>): Tensor;
export function avgPool1d(...args: unknown[]): Tensor {
  const { input, kernelSize, ...o } = ARGS.avgPool1d.parse(args) as { input: Tensor; kernelSize: Size1 } & AvgPool1dOptions;
  return avgPool1dOp(input, kernelSize, o, 'avgPool1d');
}

// ---- adaptive pooling ----------------------------------------------------------------------------

function adaptive1(v: unknown, op: string): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (!(Number.isInteger(n) && (n as number) >= 1)) throw new ValueError(`${op}: outputSize must be a positive integer or a one-element array of one, got ${describeArg(v)}`);
  return n as number;
}
function adaptive2(v: unknown, op: string): [number | null, number | null] {
  const ok = (x: unknown): boolean => x === null || (Number.isInteger(x) && (x as number) >= 1);
  const arr = typeof v === 'number' ? [v, v] : v;
  if (!(Array.isArray(arr) && arr.length === 2 && arr.every(ok))) {
    throw new ValueError(`${op}: outputSize must be a positive integer or a pair of them (null keeps that input size), got ${describeArg(v)}`);
  }
  return [arr[0], arr[1]];
}

function adaptiveAvgPool1dOp(x: Tensor, outputSize: unknown, op: string): Tensor {
  needInput(x, op, RANKS_1D, LAYOUT_1D);
  const o = adaptive1(outputSize, op);
  if (o === 1 && x._shape[x.ndim - 1] === 0) {
    // torch takes the mean for an output of one, so an empty length averages to NaN (0/0)
    return mean(x, { dim: -1, keepdim: true });
  }
  if (x._shape[x.ndim - 1] === 0) throw new ShapeError(`${op}: expected input to have a non-zero length, got shape ${fmt(x._shape)} (outputSize ${o})`);
  return on1d(x, op, 'adaptiveAvgPool2d', (v) => adaptiveAvgPool2d(v, [1, o]));
}

/**
 * Adaptive 1-D average pooling to `outputSize` positions, as `torch.nn.functional.adaptive_avg_pool1d`
 * (window i averages [floor(i·L/out), ceil((i+1)·L/out))).
 *
 * ```ts
 * F.adaptiveAvgPool1d(x, 1);   // [N, C, L] -> [N, C, 1]
 * ```
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: Size1): Tensor;
export function adaptiveAvgPool1d(...args: unknown[]): Tensor {
  const { input, outputSize } = ARGS.adaptiveAvgPool1d.parse(args) as { input: Tensor; outputSize: Size1 };
  return adaptiveAvgPool1dOp(input, outputSize, 'adaptiveAvgPool1d');
}

/** torch's adaptive windows of `n` inputs for `out` outputs: [start, end) each. */
function windows(n: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);
}

/** Adaptive max pooling of a 4-D [N, C, H, W] input to [Ho, Wo]: values and int32 flat indices h·W + w. */
function adaptiveMax4d(x: Tensor, Ho: number, Wo: number, unbatched: boolean, op: string): [Tensor, Tensor] {
  const [N, C, H, W] = x._shape;
  // torch's check: the non-batch dims hold something (an unbatched input's channels may be none)
  if (H === 0 || W === 0 || (C === 0 && !unbatched)) {
    throw new ShapeError(`${op}: expected input to have non-zero size for non-batch dimensions, got input ${fmt(unbatched ? x._shape.slice(1) : x._shape)}`);
  }
  if (N * C === 0) {
    // nothing to pool: empty results of the output's shape (the values a view of x, for its gradient)
    return [x.narrow(2, 0, 1).narrow(3, 0, 1).expand([N, C, Ho, Wo]).contiguous(), zeros([N, C, Ho, Wo], { dtype: 'int32', device: x.device })];
  }
  if (H % Ho === 0 && W % Wo === 0) {
    // equal windows: one maxPool2d (the same first maximum, NaN taken, as torch's kernel)
    return maxPool2d(x, [H / Ho, W / Wo], { returnIndices: true });
  }
  // the table below holds Ho·Wo·Kh·Kw int32 entries (Kh ≤ ⌈H/Ho⌉ + 1): refuse what cannot be indexed
  // before building windows of a huge output (2^31 of them ended the process out of heap)
  if (Ho * Wo * (Math.ceil(H / Ho) + 1) * (Math.ceil(W / Wo) + 1) >= 2 ** 31) {
    throw new ShapeError(`${op}: output size ${fmt([Ho, Wo])} of input ${fmt(x._shape)} is too large (its windows exceed 2^31 int32 entries)`);
  }
  const rows = windows(H, Ho), cols = windows(W, Wo);
  const Kh = Math.max(...rows.map(([a, b]) => b - a)), Kw = Math.max(...cols.map(([a, b]) => b - a));
  const K = Kh * Kw;
  // the flat input position of tap (kh, kw) of window (i, j); taps past a window's end repeat its last row/column
  const table = new Int32Array(Ho * Wo * K);
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      for (let a = 0; a < Kh; a++) {
        const h = Math.min(rows[i][0] + a, rows[i][1] - 1);
        for (let b = 0; b < Kw; b++) table[((i * Wo + j) * Kh + a) * Kw + b] = h * W + Math.min(cols[j][0] + b, cols[j][1] - 1);
      }
    }
  }
  const res = scope(() => {
    const idx = tensor(table, { dtype: 'int32', device: x.device });
    const taps = gather(x.reshape([N, C, H * W]), 2, idx.reshape([1, 1, Ho * Wo * K]).expand([N, C, Ho * Wo * K]));
    const t4 = taps.reshape([N, C, Ho * Wo, K]);
    // torch's kernel takes a tap when it is greater or NaN: the first maximum, but the last NaN
    const first = (max(t4, 3) as unknown as { indices: Tensor }).indices;
    const pos = arange(1, K + 1, { dtype: 'float32', device: x.device });
    const lastNan = amax(mul(isnan(t4).to('float32'), pos), 3);  // 1 + the last NaN's tap; 0 when none
    const k = where(gt(lastNan, 0), sub(lastNan, 1).to('int32'), first).unsqueeze(3);
    const values = gather(t4, 3, k);
    const flatIdx = gather(idx.reshape([1, 1, Ho * Wo, K]).expand([N, C, Ho * Wo, K]), 3, k);
    return [values.reshape([N, C, Ho, Wo]), flatIdx.reshape([N, C, Ho, Wo])] as [Tensor, Tensor];
  });
  // ONNX: the values as separable max reductions over the uneven windows (the indices as the ops above that make them)
  if (traceState.tracer !== null) traced(op, [x], res[0], (g, [vx]) => adaptivePool(g, vx.name, vx.dtype, 'ReduceMax', [2, 3], [H, W], [Ho, Wo]));
  return res;
}

function adaptiveMaxPool2dOp(x: Tensor, outputSize: unknown, returnIndices: boolean, op: string): Tensor | [Tensor, Tensor] {
  needInput(x, op, RANKS_2D, LAYOUT_2D);
  const [oh, ow] = adaptive2(outputSize, op);
  const x4 = x.ndim === 4 ? x : x.unsqueeze(0);
  try {
    const [H, W] = x4._shape.slice(2);
    const [y, i] = adaptiveMax4d(x4, oh ?? H, ow ?? W, x.ndim === 3, op);
    if (x.ndim === 3) {
      try { return returnIndices ? [y.squeeze(0), i.squeeze(0)] : y.squeeze(0); } finally { y.dispose(); i.dispose(); }
    }
    if (returnIndices) return [y, i];
    i.dispose();
    return y;
  } finally { if (x4 !== x) x4.dispose(); }
}

/** Options of the adaptive max poolings. */
export interface AdaptiveMaxPoolOptions {
  /** Also return the int32 argmax indices (flat h·W + w within each input plane; positions along L in 1-D). */
  returnIndices?: boolean;
}

/**
 * Adaptive 2-D max pooling to `outputSize`, as `torch.nn.functional.adaptive_max_pool2d`: output cell
 * (i, j) is the max over rows [floor(i·H/Ho), ceil((i+1)·H/Ho)) and likewise columns (NaN propagates;
 * ties give the first). With `returnIndices`, `[output, indices]`.
 *
 * ```ts
 * const [y, idx] = F.adaptiveMaxPool2d(x, [3, 3], true);   // [N, C, 7, 7] -> [N, C, 3, 3]
 * ```
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize2, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize2, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize2, returnIndices?: boolean | AdaptiveMaxPoolOptions): Tensor;
export function adaptiveMaxPool2d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const { input, outputSize, returnIndices } = ARGS.adaptiveMaxPool2d.parse(args) as { input: Tensor; outputSize: AdaptiveSize2; returnIndices: boolean };
  return adaptiveMaxPool2dOp(input, outputSize, returnIndices, 'adaptiveMaxPool2d');
}

function adaptiveMaxPool1dOp(x: Tensor, outputSize: unknown, returnIndices: boolean, op: string): Tensor | [Tensor, Tensor] {
  needInput(x, op, RANKS_1D, LAYOUT_1D);
  const o = adaptive1(outputSize, op);
  return on1d(x, op, 'adaptiveMaxPool2d', (v) => adaptiveMaxPool2dOp(v, [1, o], returnIndices, 'adaptiveMaxPool2d'));
}

/**
 * Adaptive 1-D max pooling to `outputSize` positions, as `torch.nn.functional.adaptive_max_pool1d`
 * (with `returnIndices`, `[output, indices]`: int32 positions along L).
 *
 * ```ts
 * F.adaptiveMaxPool1d(x, 4);   // [N, C, 10] -> [N, C, 4]
 * ```
 */
export function adaptiveMaxPool1d(input: Tensor, outputSize: Size1, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: Size1, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: Size1, returnIndices?: boolean | AdaptiveMaxPoolOptions): Tensor;
export function adaptiveMaxPool1d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const { input, outputSize, returnIndices } = ARGS.adaptiveMaxPool1d.parse(args) as { input: Tensor; outputSize: Size1; returnIndices: boolean };
  return adaptiveMaxPool1dOp(input, outputSize, returnIndices, 'adaptiveMaxPool1d');
}

// ---- LP pooling ----------------------------------------------------------------------------------

/** Options of the LP poolings. */
export interface LPPoolOptions<S> {
  /** Step of the window (default: kernelSize). */
  stride?: S | null;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
}

function checkNormType(p: unknown, op: string): number {
  if (typeof p !== 'number' || Number.isNaN(p)) throw new ValueError(`${op}: normType must be a number, got ${describeArg(p)}`);
  return p;
}

/** torch's lp_pool: (sign(a)·relu(|a|)·k)^(1/p) for a = avg_pool(x^p). */
function lpFinish(a: Tensor, k: number, p: number): Tensor {
  return pow(mul(mul(sign(a), relu(abs(a))), k), 1 / p);
}

function lpPool1dOp(x: Tensor, normType: unknown, kernelSize: unknown, o: LPPoolOptions<Size1>, op: string): Tensor {
  needInput(x, op, RANKS_1D, LAYOUT_1D); needNonEmpty(x, op);
  const p = checkNormType(normType, op);
  const k = one(kernelSize, 'kernelSize', op, 1);
  const s = noStride(o.stride) ? k : one(o.stride, 'stride', op, 1);
  return scope(() => {
    const a = on1d(pow(x, p), op, 'avgPool2d', (v) => avgPool2d(v, [1, k], { stride: [1, s], padding: 0, ceilMode: !!o.ceilMode }));
    return lpFinish(a, k, p);
  });
}

/**
 * 1-D power-average pooling, as `torch.nn.functional.lp_pool1d`: (Σ x^p over each window)^(1/p)
 * (p = 1 sums, p → ∞ is max pooling).
 *
 * ```ts
 * F.lpPool1d(x, 2, 3);   // the L2 norm of each window of 3
 * ```
 */
export function lpPool1d(input: Tensor, normType: number, kernelSize: Size1, options?: LPPoolOptions<Size1>): Tensor;
export function lpPool1d(input: Tensor, normType: number, kernelSize: Size1, ...args: ArgsThenOptions<[stride: Size1 | null, ceilMode: boolean], LPPoolOptions<Size1>>): Tensor;
export function lpPool1d(...args: unknown[]): Tensor {
  const { input, normType, kernelSize, ...o } = ARGS.lpPool1d.parse(args) as { input: Tensor; normType: number; kernelSize: Size1 } & LPPoolOptions<Size1>;
  return lpPool1dOp(input, normType, kernelSize, o, 'lpPool1d');
}

function lpPool2dOp(x: Tensor, normType: unknown, kernelSize: unknown, o: LPPoolOptions<Size2>, op: string): Tensor {
  needInput(x, op, RANKS_2D, LAYOUT_2D);
  const p = checkNormType(normType, op);
  const [kh, kw] = pair(kernelSize, 'kernelSize', op, 1);
  const stride = noStride(o.stride) ? [kh, kw] as [number, number] : pair(o.stride, 'stride', op, 1);
  return scope(() => {
    let a: Tensor;
    try {
      a = avgPool2d(pow(x, p), [kh, kw], { stride, padding: 0, ceilMode: !!o.ceilMode });
    } catch (e) {
      if (e instanceof FlintError && e.message.startsWith('avgPool2d:')) {
        const E = e.constructor as new (message: string) => FlintError;
        throw new E(`${op}: ${e.message.slice('avgPool2d:'.length).trim()}`);
      }
      throw e;
    }
    return lpFinish(a, kh * kw, p);
  });
}

/**
 * 2-D power-average pooling, as `torch.nn.functional.lp_pool2d`.
 *
 * ```ts
 * F.lpPool2d(x, 2, [2, 2]);   // the L2 norm of each 2x2 window
 * ```
 */
export function lpPool2d(input: Tensor, normType: number, kernelSize: Size2, options?: LPPoolOptions<Size2>): Tensor;
export function lpPool2d(input: Tensor, normType: number, kernelSize: Size2, ...args: ArgsThenOptions<[stride: Size2 | null, ceilMode: boolean], LPPoolOptions<Size2>>): Tensor;
export function lpPool2d(...args: unknown[]): Tensor {
  const { input, normType, kernelSize, ...o } = ARGS.lpPool2d.parse(args) as { input: Tensor; normType: number; kernelSize: Size2 } & LPPoolOptions<Size2>;
  return lpPool2dOp(input, normType, kernelSize, o, 'lpPool2d');
}

// ---- modules -------------------------------------------------------------------------------------

/** Python's repr of a size argument as given: 3, (3,), (2, 3), None. */
function pySize(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `(${v.map(pySize).join(', ')}${v.length === 1 ? ',' : ''})`;
  return String(v);
}
/** Python's repr of a number as the user would have written it (2 stays 2, 2.5 is 2.5). */
function pyNum(v: number): string { return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'; }

/**
 * 1-D max pooling layer, as `torch.nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1,
 * return_indices=False, ceil_mode=False)`; `returnIndices: true` makes forward return `[output, indices]`.
 *
 * ```ts
 * const pool = new nn.MaxPool1d(2);   // [N, C, 8] -> [N, C, 4]
 * ```
 */
export class MaxPool1d<ReturnIndices extends boolean = false> extends Module {
  readonly kernelSize: Size1;
  readonly stride: Size1;
  readonly padding: Size1;
  readonly dilation: Size1;
  readonly returnIndices: ReturnIndices;
  readonly ceilMode: boolean;
  constructor(kernelSize: Size1, options?: Omit<MaxPool1dOptions, 'returnIndices'> & { returnIndices?: ReturnIndices });
  constructor(kernelSize: Size1, ...args: ArgsThenOptions<[stride: Size1 | null, padding: Size1, dilation: Size1, returnIndices: ReturnIndices, ceilMode: boolean], Omit<MaxPool1dOptions, 'returnIndices'> & { returnIndices?: ReturnIndices }>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.MaxPool1d.parse(args) as unknown as { kernelSize: Size1; stride?: Size1 | null; padding: Size1; dilation: Size1; returnIndices: ReturnIndices; ceilMode: boolean };
    const op = 'MaxPool1d';
    one(o.kernelSize, 'kernelSize', op, 1);
    if (!noStride(o.stride)) one(o.stride, 'stride', op, 1);
    one(o.padding, 'padding', op, 0); one(o.dilation, 'dilation', op, 1);
    this.kernelSize = o.kernelSize;
    this.stride = noStride(o.stride) ? o.kernelSize : o.stride!;
    this.padding = o.padding; this.dilation = o.dilation; this.returnIndices = o.returnIndices; this.ceilMode = o.ceilMode;
  }
  forward(x: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return maxPool1dOp(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices }, 'MaxPool1d') as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }
  extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}, dilation=${pySize(this.dilation)}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
}

/**
 * 1-D average pooling layer, as `torch.nn.AvgPool1d(kernel_size, stride=None, padding=0,
 * ceil_mode=False, count_include_pad=True)`.
 *
 * ```ts
 * const pool = new nn.AvgPool1d(3, { stride: 2 });
 * ```
 */
export class AvgPool1d extends Module {
  readonly kernelSize: [number];
  readonly stride: [number];
  readonly padding: [number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  constructor(kernelSize: Size1, options?: AvgPool1dOptions);
  constructor(kernelSize: Size1, ...args: ArgsThenOptions<[stride: Size1 | null, padding: Size1, ceilMode: boolean, countIncludePad: boolean], AvgPool1dOptions>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.AvgPool1d.parse(args) as { kernelSize: Size1; stride?: Size1 | null; padding: Size1; ceilMode: boolean; countIncludePad: boolean };
    const op = 'AvgPool1d';
    // torch's _single of each, so the repr shows 1-tuples
    this.kernelSize = [one(o.kernelSize, 'kernelSize', op, 1)];
    this.stride = noStride(o.stride) ? this.kernelSize : [one(o.stride, 'stride', op, 1)];
    this.padding = [one(o.padding, 'padding', op, 0)];
    this.ceilMode = o.ceilMode; this.countIncludePad = o.countIncludePad;
  }
  forward(x: Tensor): Tensor {
    return avgPool1dOp(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad }, 'AvgPool1d');
  }
  extraRepr(): string { return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}`; }
}

/**
 * Adaptive 1-D average pooling layer, as `torch.nn.AdaptiveAvgPool1d(output_size)`.
 *
 * ```ts
 * const gap = new nn.AdaptiveAvgPool1d(1);   // [N, C, L] -> [N, C, 1]
 * ```
 */
export class AdaptiveAvgPool1d extends Module {
  readonly outputSize: Size1;
  constructor(outputSize: Size1);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.AdaptiveAvgPool1d.parse(args) as { outputSize: Size1 };
    adaptive1(o.outputSize, 'AdaptiveAvgPool1d');
    this.outputSize = o.outputSize;
  }
  forward(x: Tensor): Tensor { return adaptiveAvgPool1dOp(x, this.outputSize, 'AdaptiveAvgPool1d'); }
  extraRepr(): string { return `output_size=${pySize(this.outputSize)}`; }
}

/**
 * Adaptive 1-D max pooling layer, as `torch.nn.AdaptiveMaxPool1d(output_size, return_indices=False)`.
 *
 * ```ts
 * const pool = new nn.AdaptiveMaxPool1d(4);   // [N, C, L] -> [N, C, 4]
 * ```
 */
export class AdaptiveMaxPool1d<ReturnIndices extends boolean = false> extends Module {
  readonly outputSize: Size1;
  readonly returnIndices: ReturnIndices;
  constructor(outputSize: Size1, returnIndices?: ReturnIndices);
  constructor(outputSize: Size1, options: { returnIndices?: ReturnIndices });
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.AdaptiveMaxPool1d.parse(args) as unknown as { outputSize: Size1; returnIndices: ReturnIndices };
    adaptive1(o.outputSize, 'AdaptiveMaxPool1d');
    this.outputSize = o.outputSize; this.returnIndices = o.returnIndices;
  }
  forward(x: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool1dOp(x, this.outputSize, this.returnIndices, 'AdaptiveMaxPool1d') as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }
  extraRepr(): string { return `output_size=${pySize(this.outputSize)}`; }
}

/**
 * Adaptive 2-D max pooling layer, as `torch.nn.AdaptiveMaxPool2d(output_size, return_indices=False)`.
 *
 * ```ts
 * const pool = new nn.AdaptiveMaxPool2d([5, null]);   // [N, C, H, W] -> [N, C, 5, W]
 * ```
 */
export class AdaptiveMaxPool2d<ReturnIndices extends boolean = false> extends Module {
  readonly outputSize: AdaptiveSize2;
  readonly returnIndices: ReturnIndices;
  constructor(outputSize: AdaptiveSize2, returnIndices?: ReturnIndices);
  constructor(outputSize: AdaptiveSize2, options: { returnIndices?: ReturnIndices });
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.AdaptiveMaxPool2d.parse(args) as unknown as { outputSize: AdaptiveSize2; returnIndices: ReturnIndices };
    adaptive2(o.outputSize, 'AdaptiveMaxPool2d');
    this.outputSize = o.outputSize; this.returnIndices = o.returnIndices;
  }
  forward(x: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool2dOp(x, this.outputSize, this.returnIndices, 'AdaptiveMaxPool2d') as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }
  extraRepr(): string { return `output_size=${pySize(this.outputSize)}`; }
}

/**
 * 1-D power-average pooling layer, as `torch.nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False)`.
 *
 * ```ts
 * const pool = new nn.LPPool1d(2, 3, 2);
 * ```
 */
export class LPPool1d extends Module {
  readonly normType: number;
  readonly kernelSize: Size1;
  readonly stride: Size1 | null;
  readonly ceilMode: boolean;
  constructor(normType: number, kernelSize: Size1, options?: LPPoolOptions<Size1>);
  constructor(normType: number, kernelSize: Size1, ...args: ArgsThenOptions<[stride: Size1 | null, ceilMode: boolean], LPPoolOptions<Size1>>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.LPPool1d.parse(args) as { normType: number; kernelSize: Size1; stride?: Size1 | null; ceilMode: boolean };
    const op = 'LPPool1d';
    this.normType = checkNormType(o.normType, op);
    one(o.kernelSize, 'kernelSize', op, 1);
    if (!noStride(o.stride)) one(o.stride, 'stride', op, 1);
    this.kernelSize = o.kernelSize; this.stride = o.stride ?? null; this.ceilMode = o.ceilMode;
  }
  forward(x: Tensor): Tensor { return lpPool1dOp(x, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode }, 'LPPool1d'); }
  extraRepr(): string {
    return `norm_type=${pyNum(this.normType)}, kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
}

/**
 * 2-D power-average pooling layer, as `torch.nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False)`.
 *
 * ```ts
 * const pool = new nn.LPPool2d(2, [2, 2]);
 * ```
 */
export class LPPool2d extends Module {
  readonly normType: number;
  readonly kernelSize: Size2;
  readonly stride: Size2 | null;
  readonly ceilMode: boolean;
  constructor(normType: number, kernelSize: Size2, options?: LPPoolOptions<Size2>);
  constructor(normType: number, kernelSize: Size2, ...args: ArgsThenOptions<[stride: Size2 | null, ceilMode: boolean], LPPoolOptions<Size2>>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.LPPool2d.parse(args) as { normType: number; kernelSize: Size2; stride?: Size2 | null; ceilMode: boolean };
    const op = 'LPPool2d';
    this.normType = checkNormType(o.normType, op);
    pair(o.kernelSize, 'kernelSize', op, 1);
    if (!noStride(o.stride)) pair(o.stride, 'stride', op, 1);
    this.kernelSize = o.kernelSize; this.stride = o.stride ?? null; this.ceilMode = o.ceilMode;
  }
  forward(x: Tensor): Tensor { return lpPool2dOp(x, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode }, 'LPPool2d'); }
  extraRepr(): string {
    return `norm_type=${pyNum(this.normType)}, kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
}
