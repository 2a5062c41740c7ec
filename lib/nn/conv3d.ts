// conv3d.ts — the 3-D functionals, for volumes and video ([N, C, D, H, W], or unbatched [C, D, H, W]):
// F.conv3d, F.convTranspose3d, F.maxPool3d, F.avgPool3d, F.adaptiveAvgPool3d, F.adaptiveMaxPool3d and
// F.dropout3d, with torch 1.13's argument order, defaults, int-or-triple sizes and checks. Their
// modules (nn.Conv3d, …, nn.BatchNorm3d, the 3-D pads) are in layers3d.ts, which calls the `*Op`
// forms here with the layer's name (functional.ts re-exports this file, so it imports nothing that
// imports functional.ts).
//
// No native code: each is a composition of ops that have CPU and GPU kernels and gradients, so
// gradients (and, where those ops have them, second derivatives) follow the ops:
// - conv3d unfolds the depth: the kD depth taps x[:, :, kd·dD + od·sD] (after zero-padding the depth)
//   are stacked next to the channels, giving a batch of N·Dout images of kD·C channels (group-major:
//   [G, kD, C/G]), and ONE conv2d with the weight permuted to [O, kD·C/G, kH, kW] computes every
//   output depth at once: the same GEMM as a native 3-D im2col (K = C/G·kD·kH·kW), at the cost of a
//   kD-fold copy of the input;
// - convTranspose3d runs ONE convTranspose2d over the N·D depth slices with the weight read as
//   [Cin, O/G·kD, kH, kW] (each output channel once per depth tap), then scatters tap kd of input depth
//   d to output depth d·sD + kd·dD − pD: the slices are spread sD apart (zero interleave), shifted by
//   kd·dD (F.pad), summed over kd and cropped;
// - the poolings are separable: the 2-D op pools each depth slice over (H, W) ([N, C·D, H, W]), then
//   the same op pools the depth of [N, C, D, Ho·Wo] with a [kD, 1] window (adaptive: [Dout, Ho·Wo]).
//   For max pooling the depth step's argmax picks the slice whose (H, W) maximum wins, so the result
//   is torch's scan order (depth, then rows, then columns: the first maximum, the last NaN); the flat
//   index d·H·W + h·W + w is gathered from the slices' indices. The average's divisor is a product of
//   one factor per dim (torch's window sizes, padded or not), so the two steps divide by it exactly;
//   divisorOverride sums in both steps and divides once;
import { runLowPrecision } from '../amp';
import { describeArg } from '../arity';
import { isFloating } from '../dtype';
import { DTypeError, FlintError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { add, commonDevice, div } from '../ops/elementwise';
import { gather } from '../ops/indexing';
import { slice, stack } from '../ops/views';
import { tensor } from '../ops/creation';
import { adaptiveAvgPool2d, avgPool2d, conv2d, convTranspose2d, maxPool2d } from '../ops/conv';
import { adaptiveMaxPool2d } from './pooling';
import { padOp } from './pad';
import { traced, traceState } from '../trace';
import { checkP, dropoutImpl } from './extra-layers';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

/** A size per spatial dim of a volume: one number for all three, or [d, h, w]. */
export type Size3 = number | readonly [number] | readonly [number, number, number];
/** An adaptive 3-D output size: one number, or [d, h, w] where null keeps that input size. */
export type AdaptiveSize3 = number | readonly [number | null, number | null, number | null];
/** Convolution padding of a volume: zeros on each side, or torch's 'same' (stride 1 only) / 'valid'. */
export type Conv3dPadding = Size3 | 'same' | 'valid';

const ANY = A.anyValue<never>();
const REQ = required(ANY);
const OPT = optional(ANY);
const T = required(A.anyValue<Tensor>());
// PyTorch's positional order of each functional and module (lib/args.ts); values are checked below
const ARGS = {
  conv3d: signature('conv3d', ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'], {
    input: REQ, weight: REQ, bias: OPT, stride: OPT, padding: OPT, dilation: OPT, groups: OPT,
  }),
  convTranspose3d: signature('convTranspose3d', ['input', 'weight', 'bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation'], {
    input: REQ, weight: REQ, bias: OPT, stride: OPT, padding: OPT, outputPadding: OPT, groups: OPT, dilation: OPT,
  }),
  maxPool3d: signature('maxPool3d', ['input', 'kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'], {
    input: REQ, kernelSize: REQ, stride: OPT, padding: OPT, dilation: OPT, ceilMode: optional(A.bool, false), returnIndices: optional(A.bool, false),
  }),
  avgPool3d: signature('avgPool3d', ['input', 'kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], {
    input: REQ, kernelSize: REQ, stride: OPT, padding: OPT, ceilMode: optional(A.bool, false), countIncludePad: optional(A.bool, true), divisorOverride: OPT,
  }),
  adaptiveAvgPool3d: signature('adaptiveAvgPool3d', ['input', 'outputSize'], { input: REQ, outputSize: REQ }),
  adaptiveMaxPool3d: signature('adaptiveMaxPool3d', ['input', 'outputSize', 'returnIndices'], { input: REQ, outputSize: REQ, returnIndices: optional(A.bool, false) }),
  dropout3d: signature('dropout3d', ['input', 'p', 'training'], { input: T, p: optional(A.anyValue<number>(), 0.5), training: optional(A.bool, true) }),
};

// ---- shared checks -------------------------------------------------------------------------------

/** A size per spatial dim of a volume, [d, h, w]. */
export type Triple = [number, number, number];

/** [d, h, w] from one integer or a list of 1 or 3 (torch's _triple), each >= min. */
/** @internal */
export function triple(v: unknown, name: string, op: string, min: number): Triple {
  const arr = typeof v === 'number' ? [v, v, v] : Array.isArray(v) && v.length === 1 ? [v[0], v[0], v[0]] : v;
  if (!Array.isArray(arr) || arr.length !== 3 || !arr.every((x) => Number.isInteger(x) && (x as number) >= min)) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min} or a list of 3 of them, got ${describeArg(v)}`);
  }
  return [arr[0] as number, arr[1] as number, arr[2] as number];
}

/** @internal */
export function needInput(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

/** A 4-D [C, D, H, W] or 5-D [N, C, D, H, W] floating input. */
/** @internal */
export function needVolume(x: unknown, op: string): Tensor {
  const t = needInput(x, op);
  if (t.ndim !== 4 && t.ndim !== 5) throw new ShapeError(`${op}: expected a 4-D [C, D, H, W] or 5-D [N, C, D, H, W] input, got shape ${fmt(t._shape)}`);
  if (!isFloating(t.dtype)) throw new DTypeError(`${op}: expected a floating input, got ${t.dtype}`);
  return t;
}

/** torch's pooling check: every dim but the batch's holds something. */
function needNonEmpty(x: Tensor, op: string): void {
  if (x._shape.slice(x.ndim - 4).includes(0)) {
    throw new ShapeError(`${op}: expected an input with non-zero channels, depth, height and width (a zero batch is allowed), got shape ${fmt(x._shape)}`);
  }
}

/**
 * Runs `body` on the 5-D form of x and returns its result(s) in x's rank. A refusal of a 2-D op that
 * `body` calls (which the checks here should have made first) is said as `op`'s, with x's shape.
 */
function on5d<R extends Tensor | [Tensor, Tensor]>(x: Tensor, op: string, body: (x5: Tensor) => R): R {
  const x5 = x.ndim === 5 ? x : x.unsqueeze(0);
  try {
    const r = body(x5);
    if (x5 === x) return r;
    if (r instanceof Tensor) { try { return r.squeeze(0) as R; } finally { r.dispose(); } }
    const [y, i] = r;
    try { return [y.squeeze(0), i.squeeze(0)] as R; } finally { y.dispose(); i.dispose(); }
  } catch (e) {
    const m = e instanceof FlintError ? /^(conv2d|convTranspose2d|maxPool2d|avgPool2d|adaptiveAvgPool2d|adaptiveMaxPool2d|pad):/.exec(e.message) : null;
    if (m) {
      const E = (e as FlintError).constructor as new (message: string) => FlintError;
      throw new E(`${op}: ${(e as FlintError).message.slice(m[0].length).trim()} (${op} of input ${fmt(x._shape)}, computed with ${m[1]})`);
    }
    throw e;
  } finally { if (x5 !== x) x5.dispose(); }
}

function needWeights(op: string, x: Tensor, w: Tensor, b: Tensor | null, layout: string): void {
  if (w.ndim !== 5) throw new ShapeError(`${op}: expected a 5-D weight [${layout}, kD, kH, kW], got ${fmt(w._shape)}`);
  if (w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) {
    throw new DTypeError(`${op}: input, weight and bias must share one dtype, got ${x.dtype}, ${w.dtype}${b ? `, ${b.dtype}` : ''}`);
  }
  commonDevice(op, x, w, ...(b ? [b] : []));
}

/** @internal */
export function positive(v: unknown, name: string, op: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new ValueError(`${op}: ${name} must be a positive integer, got ${describeArg(v)}`);
  return v as number;
}

// ---- conv3d --------------------------------------------------------------------------------------

/** Options of `conv3d` (torch.nn.functional.conv3d's arguments after input, weight and bias). */
export interface Conv3dOptions {
  /** Step of the kernel (default 1). */
  stride?: Size3;
  /** Implicit zero padding on each side (default 0), or 'same' / 'valid'. */
  padding?: Conv3dPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: Size3;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}

/** @internal */
export function conv3dOp(input: unknown, weight: unknown, bias: unknown, o: Conv3dOptions, op: string): Tensor {
  const x = needVolume(input, op);
  const w = needInput(weight, op, 'weight');
  const b = bias === null || bias === undefined ? null : needInput(bias, op, 'bias');
  needWeights(op, x, w, b, 'out, in/groups');
  const G = positive(o.groups ?? 1, 'groups', op);
  const [O, Cg, kD, kH, kW] = w._shape;
  const C = x._shape[x.ndim - 4];
  if (O % G !== 0) throw new ShapeError(`${op}: out channels ${O} (weight ${fmt(w._shape)}) must be divisible by groups ${G}`);
  if (C !== Cg * G) throw new ShapeError(`${op}: weight ${fmt(w._shape)} with groups=${G} expects input with ${Cg * G} channels, got input ${fmt(x._shape)} with ${C} channels`);
  if (b && (b.ndim !== 1 || b._shape[0] !== O)) throw new ShapeError(`${op}: expected bias of shape [${O}], got ${fmt(b._shape)}`);
  const s = triple(o.stride ?? 1, 'stride', op, 1), d = triple(o.dilation ?? 1, 'dilation', op, 1);
  const k = [kD, kH, kW];
  const pad = o.padding ?? 0;
  let sides: [number, number][];
  if (pad === 'same') {
    if (s.some((v) => v !== 1)) throw new ValueError(`${op}: padding='same' is not supported for strided convolutions (stride ${fmt(s)})`);
    // torch puts the odd extra zero on the far side
    sides = k.map((kk, i) => { const t = d[i] * (kk - 1); return [Math.floor(t / 2), t - Math.floor(t / 2)] as [number, number]; });
  } else if (pad === 'valid') {
    sides = [[0, 0], [0, 0], [0, 0]];
  } else {
    if (typeof pad === 'string') throw new ValueError(`${op}: padding must be a number, a list of 3, 'same' or 'valid', got ${describeArg(pad)}`);
    sides = triple(pad, 'padding', op, 0).map((p) => [p, p] as [number, number]);
  }
  const sp = x._shape.slice(x.ndim - 3);
  const padded = sp.map((n, i) => n + sides[i][0] + sides[i][1]);
  const eff = k.map((kk, i) => d[i] * (kk - 1) + 1);
  if (padded.some((n, i) => n < eff[i])) {
    throw new ShapeError(`${op}: padded input size per channel ${fmt(padded)} is smaller than the (dilated) kernel size ${fmt(eff)}; input ${fmt(x._shape)}, weight ${fmt(w._shape)}`);
  }
  const Do = Math.floor((padded[0] - eff[0]) / s[0]) + 1;
  const hw = pad === 'same' ? 'same' as const : [sides[1][0], sides[2][0]] as [number, number];
  return on5d(x, op, (x5) => scope(() => {
    const [N, , D, H, W] = x5._shape;
    const xp = sides[0][0] + sides[0][1] > 0 ? padOp(x5, [0, 0, 0, 0, sides[0][0], sides[0][1]], 'constant', 0, op) : x5;
    // the depth taps, group-major next to the channels: [N·Do, G·kD·Cg, H, W]
    const taps = Array.from({ length: kD }, (_, kd) => slice(xp, 2, kd * d[0], kd * d[0] + (Do - 1) * s[0] + 1, s[0]));
    const t = (kD === 1 ? taps[0].unsqueeze(2) : stack(taps, 2)).reshape([N, G, Cg, kD, Do, H, W]).permute([0, 4, 1, 3, 2, 5, 6]).reshape([N * Do, G * kD * Cg, H, W]);
    const w2 = w.permute([0, 2, 1, 3, 4]).reshape([O, kD * Cg, kH, kW]);
    const y = conv2d(t, w2, b, { stride: [s[1], s[2]], padding: hw, dilation: [d[1], d[2]], groups: G });
    const [, , Ho, Wo] = y._shape;
    return y.reshape([N, Do, O, Ho, Wo]).permute([0, 2, 1, 3, 4]).contiguous();
  }));
}

/**
 * 3-D convolution over [N, C, D, H, W] (or unbatched [C, D, H, W]) input, as
 * `torch.nn.functional.conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)`;
 * `weight` is [outChannels, inChannels / groups, kD, kH, kW], `bias` [outChannels] or null. Sizes are
 * one integer or [d, h, w]. Gradients flow to input, weight and bias.
 *
 * ```ts
 * const y = F.conv3d(x, w, b, { stride: 2, padding: 1 });  // x [2, 3, 16, 32, 32], w [8, 3, 3, 3, 3] -> [2, 8, 8, 16, 16]
 * ```
 */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv3dOptions): Tensor;
export function conv3d(input: Tensor, weight: Tensor, ...args: ArgsThenOptions<[bias: Tensor | null, stride: Size3, padding: Conv3dPadding, dilation: Size3, groups: number], Conv3dOptions>): Tensor;
export function conv3d(...args: unknown[]): Tensor {
  const lowp = runLowPrecision(conv3d, args); if (lowp) return lowp;  // autocast: input, weight and bias in its dtype
  const { input, weight, bias, ...o } = ARGS.conv3d.parse(args) as { input: Tensor; weight: Tensor; bias?: Tensor | null } & Conv3dOptions;
  return conv3dOp(input, weight, bias, o, 'conv3d');
}

// ---- convTranspose3d -----------------------------------------------------------------------------

/** Options of `convTranspose3d` (torch.nn.functional.conv_transpose3d's arguments after the bias). */
export interface ConvTranspose3dOptions {
  stride?: Size3;
  /** dilation·(k-1) - padding zeros are added to each side of the input (default 0). */
  padding?: Size3;
  /** Extra size added to one side of the output (default 0; each must be < its stride or its dilation). */
  outputPadding?: Size3;
  groups?: number;
  dilation?: Size3;
}

/** @internal */
export function convTranspose3dOp(input: unknown, weight: unknown, bias: unknown, o: ConvTranspose3dOptions, op: string): Tensor {
  const x = needVolume(input, op);
  const w = needInput(weight, op, 'weight');
  const b = bias === null || bias === undefined ? null : needInput(bias, op, 'bias');
  needWeights(op, x, w, b, 'in, out/groups');
  const G = positive(o.groups ?? 1, 'groups', op);
  const [Cin, Og, kD, kH, kW] = w._shape;
  const O = Og * G;
  const C = x._shape[x.ndim - 4];
  if (Cin % G !== 0) throw new ShapeError(`${op}: in channels ${Cin} (weight ${fmt(w._shape)}) must be divisible by groups ${G}`);
  if (C !== Cin) throw new ShapeError(`${op}: weight ${fmt(w._shape)} expects input with ${Cin} channels, got input ${fmt(x._shape)}`);
  if (b && (b.ndim !== 1 || b._shape[0] !== O)) throw new ShapeError(`${op}: expected bias of shape [${O}], got ${fmt(b._shape)}`);
  const s = triple(o.stride ?? 1, 'stride', op, 1), d = triple(o.dilation ?? 1, 'dilation', op, 1);
  const p = triple(o.padding ?? 0, 'padding', op, 0), op3 = triple(o.outputPadding ?? 0, 'outputPadding', op, 0);
  if (op3.some((v, i) => v >= s[i] && v >= d[i])) {
    throw new ValueError(`${op}: outputPadding ${fmt(op3)} must be smaller than either stride ${fmt(s)} or dilation ${fmt(d)}`);
  }
  const k = [kD, kH, kW];
  const sp = x._shape.slice(x.ndim - 3);
  const out = sp.map((n, i) => (n - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op3[i] + 1);
  if (out.some((n) => n < 1)) throw new ShapeError(`${op}: output size ${fmt(out)} is too small for input ${fmt(x._shape)} and weight ${fmt(w._shape)}`);
  const Dout = out[0];
  return on5d(x, op, (x5) => scope(() => {
    const [N, , D, H, W] = x5._shape;
    // every depth slice through one convTranspose2d; output channel o·kD + kd is depth tap kd of channel o
    const xs = x5.permute([0, 2, 1, 3, 4]).reshape([N * D, Cin, H, W]);
    const w2 = w.reshape([Cin, Og * kD, kH, kW]);
    const y2 = convTranspose2d(xs, w2, null, { stride: [s[1], s[2]], padding: [p[1], p[2]], outputPadding: [op3[1], op3[2]], groups: G, dilation: [d[1], d[2]] });
    const [, , Ho, Wo] = y2._shape;
    let y = y2.reshape([N, D, O, kD, Ho, Wo]);
    if (s[0] > 1) y = padOp(y.unsqueeze(2), [0, 0, 0, 0, 0, 0, 0, 0, 0, s[0] - 1], 'constant', 0, op).reshape([N, D * s[0], O, kD, Ho, Wo]);
    // tap kd of input depth i lands at i·sD + kd·dD of the uncropped output, then pD is cropped off
    const ext = Math.max(D * s[0] + d[0] * (kD - 1), p[0] + Dout);
    let acc: Tensor | null = null;
    for (let kd = 0; kd < kD; kd++) {
      const shifted = padOp(y.select(3, kd), [0, 0, 0, 0, 0, 0, kd * d[0], ext - kd * d[0] - D * s[0]], 'constant', 0, op);
      acc = acc === null ? shifted : add(acc, shifted);
    }
    const r = acc!.narrow(1, p[0], Dout).permute([0, 2, 1, 3, 4]);
    const res = b ? add(r, b.view([1, O, 1, 1, 1])) : r.contiguous();
    // ONNX: one 3-D ConvTranspose (the depth-slice composition above is dropped as unused)
    return traceState.tracer === null ? res : traced(op, [x5, w, b], res, (g, [vx, vw, vb]) => g.op('ConvTranspose', vb.absent ? [vx.name, vw.name] : [vx.name, vw.name, vb.name], {
      kernel_shape: k, strides: s, pads: [...p, ...p], output_padding: op3, dilations: d, group: G,
    }));
  }));
}

/**
 * 3-D transposed convolution, as `torch.nn.functional.conv_transpose3d(input, weight, bias=None,
 * stride=1, padding=0, output_padding=0, groups=1, dilation=1)`: the gradient of conv3d with respect
 * to its input. `weight` is [inChannels, outChannels / groups, kD, kH, kW]; each output size is
 * (in-1)·stride - 2·padding + dilation·(k-1) + outputPadding + 1.
 *
 * ```ts
 * const up = F.convTranspose3d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 });  // 8³ -> 16³ with k = 3
 * ```
 */
export function convTranspose3d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTranspose3dOptions): Tensor;
export function convTranspose3d(input: Tensor, weight: Tensor, ...args: ArgsThenOptions<[bias: Tensor | null, stride: Size3, padding: Size3, outputPadding: Size3, groups: number, dilation: Size3], ConvTranspose3dOptions>): Tensor;
export function convTranspose3d(...args: unknown[]): Tensor {
  const lowp = runLowPrecision(convTranspose3d, args); if (lowp) return lowp;
  const { input, weight, bias, ...o } = ARGS.convTranspose3d.parse(args) as { input: Tensor; weight: Tensor; bias?: Tensor | null } & ConvTranspose3dOptions;
  return convTranspose3dOp(input, weight, bias, o, 'convTranspose3d');
}

// ---- max and average pooling ---------------------------------------------------------------------

/** Options of `maxPool3d` (torch.nn.functional.max_pool3d's keyword arguments). */
export interface MaxPool3dOptions {
  /** Step of the window (default: kernelSize). */
  stride?: Size3 | null;
  /** Implicit -inf padding on each side (at most half the kernel size; default 0). */
  padding?: Size3;
  /** Spacing between window taps (default 1). */
  dilation?: Size3;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Also return the int32 argmax indices (flat d·H·W + h·W + w within each input volume). */
  returnIndices?: boolean;
}
/** Options of `avgPool3d` (torch.nn.functional.avg_pool3d's keyword arguments). */
export interface AvgPool3dOptions {
  stride?: Size3 | null;
  padding?: Size3;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this (a non-zero integer) instead of its size. */
  divisorOverride?: number | null;
}

/** torch's pooling_output_shape for one dim. */
function poolOut(n: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

interface Pool3 { k: Triple; s: Triple; p: Triple; d: Triple; out: number[] }

function poolGeom(x: Tensor, kernelSize: unknown, o: { stride?: unknown; padding?: unknown; dilation?: unknown; ceilMode?: boolean }, op: string): Pool3 {
  const k = triple(kernelSize, 'kernelSize', op, 1);
  const noStride = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0);
  const s = noStride ? k : triple(o.stride, 'stride', op, 1);
  const p = triple(o.padding ?? 0, 'padding', op, 0);
  const d = triple(o.dilation ?? 1, 'dilation', op, 1);
  if (p.some((v, i) => v > k[i] / 2)) throw new ValueError(`${op}: padding ${fmt(p)} should be at most half of the kernel size ${fmt(k)}`);
  const sp = x._shape.slice(x.ndim - 3);
  const ceil = !!o.ceilMode;
  const out = sp.map((n, i) => poolOut(n, k[i], p[i], s[i], d[i], ceil));
  if (out.some((v) => v < 1)) {
    throw new ShapeError(`${op}: input ${fmt(x._shape)} is too small for kernel ${fmt(k)} (dilation ${fmt(d)}, padding ${fmt(p)}): output would be ${fmt(out)}`);
  }
  // with dilation a window's taps can all fall in the padding (torch 1.13 then reads out of bounds): refused
  for (let i = 0; i < 3; i++) {
    if (d[i] === 1) continue;
    for (let j = 0; j < out[i]; j++) {
      let inside = false;
      for (let t = 0; t < k[i] && !inside; t++) { const at = j * s[i] - p[i] + t * d[i]; inside = at >= 0 && at < sp[i]; }
      if (!inside) {
        throw new ValueError(`${op}: output position ${j} of spatial dim ${i} pools no element of the input ${fmt(x._shape)} (kernel ${fmt(k)}, stride ${fmt(s)}, padding ${fmt(p)}, dilation ${fmt(d)}${ceil ? ', ceilMode' : ''}): every tap of its window is padding`);
      }
    }
  }
  return { k, s, p, d, out };
}

/** The flat d·H·W + h·W + w indices of the depth step's winners: `j` indexes [D, Ho·Wo] planes whose (H, W) argmax is `i2`. */
function flatIndices(i2: Tensor, j: Tensor, N: number, C: number, D: number, H: number, W: number, out: number[]): Tensor {
  const L = out[1] * out[2];
  const offsets = tensor(Int32Array.from({ length: D }, (_, z) => z * H * W), { dtype: 'int32', device: i2.device }).reshape([D, 1]);
  const i3 = add(i2.reshape([N, C, D, L]), offsets).reshape([N, C, D * L]);
  return gather(i3, 2, j.reshape([N, C, out[0] * L])).reshape([N, C, out[0], out[1], out[2]]);
}

/** @internal */
export function maxPool3dOp(input: unknown, kernelSize: unknown, o: MaxPool3dOptions, op: string): Tensor | [Tensor, Tensor] {
  const x = needVolume(input, op);
  needNonEmpty(x, op);
  const g = poolGeom(x, kernelSize, o, op);
  const ri = !!o.returnIndices, ceilMode = !!o.ceilMode;
  return on5d(x, op, (x5) => scope(() => {
    const [N, C, D, H, W] = x5._shape;
    const [v1, i1] = maxPool2d(x5.reshape([N, C * D, H, W]), [g.k[1], g.k[2]], { stride: [g.s[1], g.s[2]], padding: [g.p[1], g.p[2]], dilation: [g.d[1], g.d[2]], ceilMode, returnIndices: true });
    const [v2, j] = maxPool2d(v1.reshape([N, C, D, g.out[1] * g.out[2]]), [g.k[0], 1], { stride: [g.s[0], 1], padding: [g.p[0], 0], dilation: [g.d[0], 1], ceilMode, returnIndices: true });
    const y = v2.reshape([N, C, ...g.out]);
    return ri ? [y, flatIndices(i1, j, N, C, D, H, W, g.out)] as [Tensor, Tensor] : y;
  }));
}

/**
 * 3-D max pooling, as `torch.nn.functional.max_pool3d(input, kernel_size, stride=None, padding=0,
 * dilation=1, ceil_mode=False, return_indices=False)`. With `returnIndices` returns `[output, indices]`
 * (int32 flat positions d·H·W + h·W + w within each input volume; int64 in torch). Ties go to the
 * first maximum in (depth, row, column) order; NaN propagates.
 *
 * ```ts
 * const y = F.maxPool3d(x, 2);                                     // [N, C, 16, 32, 32] -> [N, C, 8, 16, 16]
 * const [v, idx] = F.maxPool3d(x, 3, { stride: 2, padding: 1, returnIndices: true });
 * ```
 */
export function maxPool3d(input: Tensor, kernelSize: Size3, options: MaxPool3dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool3d(input: Tensor, kernelSize: Size3, options?: MaxPool3dOptions): Tensor;
export function maxPool3d(input: Tensor, kernelSize: Size3, ...args: ArgsThenOptions<[stride: Size3 | null, padding: Size3, dilation: Size3, ceilMode: boolean, returnIndices: boolean], MaxPool3dOptions>): Tensor | [Tensor, Tensor];
export function maxPool3d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const { input, kernelSize, ...o } = ARGS.maxPool3d.parse(args) as { input: Tensor; kernelSize: Size3 } & MaxPool3dOptions;
  return maxPool3dOp(input, kernelSize, o, 'maxPool3d');
}

/** @internal */
export function avgPool3dOp(input: unknown, kernelSize: unknown, o: AvgPool3dOptions, op: string): Tensor {
  const x = needVolume(input, op);
  needNonEmpty(x, op);
  const g = poolGeom(x, kernelSize, o, op);
  // torch's avg_pool3d (check_input_size) wants each dim at least the kernel, before padding
  const sp = x._shape.slice(x.ndim - 3);
  if (sp.some((n, i) => n < g.k[i])) throw new ShapeError(`${op}: input ${fmt(x._shape)} is smaller than the kernel size ${fmt(g.k)} (size ${fmt(sp)} before padding)`);
  const dv = o.divisorOverride;
  if (dv !== undefined && dv !== null && !(Number.isInteger(dv) && dv !== 0)) throw new ValueError(`${op}: divisorOverride must be a non-zero integer, got ${describeArg(dv)}`);
  const ceilMode = !!o.ceilMode, countIncludePad = o.countIncludePad ?? true;
  // the divisor is one factor per dim; an override sums in both steps and divides once
  const over = dv === undefined || dv === null ? undefined : 1;
  return on5d(x, op, (x5) => scope(() => {
    const [N, C, D, H, W] = x5._shape;
    const a = avgPool2d(x5.reshape([N, C * D, H, W]), [g.k[1], g.k[2]], { stride: [g.s[1], g.s[2]], padding: [g.p[1], g.p[2]], ceilMode, countIncludePad, divisorOverride: over });
    const b = avgPool2d(a.reshape([N, C, D, g.out[1] * g.out[2]]), [g.k[0], 1], { stride: [g.s[0], 1], padding: [g.p[0], 0], ceilMode, countIncludePad, divisorOverride: over });
    const y = b.reshape([N, C, ...g.out]);
    return over === undefined ? y : div(y, dv as number);
  }));
}

/**
 * 3-D average pooling, as `torch.nn.functional.avg_pool3d(input, kernel_size, stride=None, padding=0,
 * ceil_mode=False, count_include_pad=True, divisor_override=None)`.
 *
 * ```ts
 * const y = F.avgPool3d(x, [1, 2, 2]);   // pool each frame of a video 2x2, keep the depth
 * ```
 */
export function avgPool3d(input: Tensor, kernelSize: Size3, options?: AvgPool3dOptions): Tensor;
export function avgPool3d(input: Tensor, kernelSize: Size3, ...args: ArgsThenOptions<[stride: Size3 | null, padding: Size3, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool3dOptions>): Tensor;
export function avgPool3d(...args: unknown[]): Tensor {
  const { input, kernelSize, ...o } = ARGS.avgPool3d.parse(args) as { input: Tensor; kernelSize: Size3 } & AvgPool3dOptions;
  return avgPool3dOp(input, kernelSize, o, 'avgPool3d');
}

// ---- adaptive pooling ----------------------------------------------------------------------------

/** [d, h, w] from an adaptive output size (null keeps the input's size). */
function adaptiveSize(v: unknown, x: Tensor, op: string): number[] {
  const ok = (e: unknown): boolean => e === null || (Number.isInteger(e) && (e as number) >= 1);
  const arr = typeof v === 'number' ? [v, v, v] : v;
  if (!(Array.isArray(arr) && arr.length === 3 && arr.every(ok))) {
    throw new ValueError(`${op}: outputSize must be a positive integer or a list of 3 of them (null keeps that input size), got ${describeArg(v)}`);
  }
  const sp = x._shape.slice(x.ndim - 3);
  const out = arr.map((e, i) => (e === null ? sp[i] : e as number));
  // the window tables of the two steps hold out·(taps per window) int32 entries
  const taps = (n: number, o: number): number => Math.ceil(n / o) + 1;
  if (out[0] * out[1] * out[2] * taps(sp[0], out[0]) >= 2 ** 31 || out[1] * out[2] * taps(sp[1], out[1]) * taps(sp[2], out[2]) >= 2 ** 31) {
    throw new ShapeError(`${op}: output size ${fmt(out)} of input ${fmt(x._shape)} is too large (its windows exceed 2^31 int32 entries)`);
  }
  return out;
}

/** @internal */
export function adaptiveAvgPool3dOp(input: unknown, outputSize: unknown, op: string): Tensor {
  const x = needVolume(input, op);
  needNonEmpty(x, op);
  const out = adaptiveSize(outputSize, x, op);
  return on5d(x, op, (x5) => scope(() => {
    const [N, C, D, H, W] = x5._shape;
    const a = adaptiveAvgPool2d(x5.reshape([N, C * D, H, W]), [out[1], out[2]]);
    return adaptiveAvgPool2d(a.reshape([N, C, D, out[1] * out[2]]), [out[0], out[1] * out[2]]).reshape([N, C, ...out]);
  }));
}

/**
 * Adaptive 3-D average pooling to a fixed output size, as `torch.nn.functional.adaptive_avg_pool3d`:
 * output cell i of a dim averages [floor(i·n/out), ceil((i+1)·n/out)). A null entry keeps that size.
 *
 * ```ts
 * F.adaptiveAvgPool3d(x, 1);              // global average pooling: [N, C, 1, 1, 1]
 * F.adaptiveAvgPool3d(x, [null, 7, 7]);   // keep the frames, 7x7 each
 * ```
 */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveSize3): Tensor;
export function adaptiveAvgPool3d(...args: unknown[]): Tensor {
  const { input, outputSize } = ARGS.adaptiveAvgPool3d.parse(args) as { input: Tensor; outputSize: AdaptiveSize3 };
  return adaptiveAvgPool3dOp(input, outputSize, 'adaptiveAvgPool3d');
}

/** @internal */
export function adaptiveMaxPool3dOp(input: unknown, outputSize: unknown, returnIndices: boolean, op: string): Tensor | [Tensor, Tensor] {
  const x = needVolume(input, op);
  needNonEmpty(x, op);
  const out = adaptiveSize(outputSize, x, op);
  return on5d(x, op, (x5) => scope(() => {
    const [N, C, D, H, W] = x5._shape;
    const [v1, i1] = adaptiveMaxPool2d(x5.reshape([N, C * D, H, W]), [out[1], out[2]], true);
    const [v2, j] = adaptiveMaxPool2d(v1.reshape([N, C, D, out[1] * out[2]]), [out[0], out[1] * out[2]], true);
    const y = v2.reshape([N, C, ...out]);
    return returnIndices ? [y, flatIndices(i1, j, N, C, D, H, W, out)] as [Tensor, Tensor] : y;
  }));
}

/** Options of `adaptiveMaxPool3d`. */
export interface AdaptiveMaxPool3dOptions {
  /** Also return the int32 argmax indices (flat d·H·W + h·W + w within each input volume). */
  returnIndices?: boolean;
}

/**
 * Adaptive 3-D max pooling to `outputSize`, as `torch.nn.functional.adaptive_max_pool3d(input,
 * output_size, return_indices=False)` (NaN propagates; ties give the first in (depth, row, column)
 * order). With `returnIndices`, `[output, indices]`.
 *
 * ```ts
 * const [y, idx] = F.adaptiveMaxPool3d(x, [2, 4, 4], true);
 * ```
 */
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize3, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize3, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize3, returnIndices?: boolean | AdaptiveMaxPool3dOptions): Tensor;
export function adaptiveMaxPool3d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const { input, outputSize, returnIndices } = ARGS.adaptiveMaxPool3d.parse(args) as { input: Tensor; outputSize: AdaptiveSize3; returnIndices: boolean };
  return adaptiveMaxPool3dOp(input, outputSize, returnIndices, 'adaptiveMaxPool3d');
}

// ---- dropout3d -----------------------------------------------------------------------------------

/** @internal */
export function dropout3dOp(input: unknown, p: unknown, training: boolean, op: string): Tensor {
  const x = needInput(input, op);
  const q = checkP(p, op);
  if (x.ndim === 5) return dropoutImpl(x, q, training, true, false, op);
  // torch 1.13 reads any other rank as unbatched (a warning for ranks other than 4)
  const x1 = x.unsqueeze(0);
  try {
    const y = dropoutImpl(x1, q, training, true, false, op);
    try { return y.squeeze(0); } finally { y.dispose(); }
  } finally { x1.dispose(); }
}

/**
 * Zeroes whole channels of [N, C, D, H, W] (or unbatched [C, D, H, W]) with probability p, scaling
 * the rest by 1/(1-p), as `torch.nn.functional.dropout3d(input, p=0.5, training=True)`.
 *
 * ```ts
 * F.dropout3d(x, 0.2, model.training);
 * ```
 */
export function dropout3d(input: Tensor, p?: number, training?: boolean): Tensor;
export function dropout3d(input: Tensor, options: { p?: number; training?: boolean }): Tensor;
export function dropout3d(...args: unknown[]): Tensor {
  const o = ARGS.dropout3d.parse(args);
  return dropout3dOp(o.input, o.p, o.training, 'dropout3d');
}

