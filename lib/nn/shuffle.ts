// shuffle.ts — the layers that rearrange elements: PixelShuffle, PixelUnshuffle, ChannelShuffle,
// Unflatten, and the sliding-block pair Unfold (im2col) / Fold (col2im), with torch 1.13's
// functionals (F.pixel_shuffle, pixel_unshuffle, channel_shuffle, unfold, fold), checks and repr.
//
// All are compositions of ops with CPU and GPU kernels and gradients:
// - the shuffles are reshape, permute and reshape again;
// - unfold is a grouped conv2d (groups = C) with a constant 0/1 weight [C·kh·kw, 1, kh, kw] whose
//   output channel c·kh·kw + k picks kernel tap k of channel c — the row order of torch's im2col —
//   so it takes conv2d's stride, padding and dilation and its gradient (col2im); fold is the
//   transposed convolution with the same weight, the adjoint of unfold, which sums the blocks that
//   overlap (torch's col2im), its outputPadding making up the rows and columns that no block reaches.
import { describeArg } from '../arity';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { isFloating } from '../dtype';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { eye } from '../ops/creation';
import { conv2d, convTranspose2d, pair } from '../ops/conv';
import type { Size2 } from '../ops/conv';
import { Module } from './module';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

const ANY = A.anyValue<never>();
const REQ = required(ANY);
const ARGS = {
  pixelShuffle: signature('pixelShuffle', ['input', 'upscaleFactor'], { input: REQ, upscaleFactor: REQ }),
  pixelUnshuffle: signature('pixelUnshuffle', ['input', 'downscaleFactor'], { input: REQ, downscaleFactor: REQ }),
  channelShuffle: signature('channelShuffle', ['input', 'groups'], { input: REQ, groups: REQ }),
  unfold: signature('unfold', ['input', 'kernelSize', 'dilation', 'padding', 'stride'], {
    input: REQ, kernelSize: REQ, dilation: optional(ANY, 1 as never), padding: optional(ANY, 0 as never), stride: optional(ANY, 1 as never),
  }),
  fold: signature('fold', ['input', 'outputSize', 'kernelSize', 'dilation', 'padding', 'stride'], {
    input: REQ, outputSize: REQ, kernelSize: REQ, dilation: optional(ANY, 1 as never), padding: optional(ANY, 0 as never), stride: optional(ANY, 1 as never),
  }),
  PixelShuffle: signature('PixelShuffle', ['upscaleFactor'], { upscaleFactor: REQ }),
  PixelUnshuffle: signature('PixelUnshuffle', ['downscaleFactor'], { downscaleFactor: REQ }),
  ChannelShuffle: signature('ChannelShuffle', ['groups'], { groups: REQ }),
  Unflatten: signature('Unflatten', ['dim', 'unflattenedSize'], { dim: REQ, unflattenedSize: REQ }),
  Unfold: signature('Unfold', ['kernelSize', 'dilation', 'padding', 'stride'], {
    kernelSize: REQ, dilation: optional(ANY, 1 as never), padding: optional(ANY, 0 as never), stride: optional(ANY, 1 as never),
  }),
  Fold: signature('Fold', ['outputSize', 'kernelSize', 'dilation', 'padding', 'stride'], {
    outputSize: REQ, kernelSize: REQ, dilation: optional(ANY, 1 as never), padding: optional(ANY, 0 as never), stride: optional(ANY, 1 as never),
  }),
};

function needInput(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: input must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}
function positive(v: unknown, name: string, op: string): number {
  if (!(Number.isInteger(v) && (v as number) >= 1)) throw new ValueError(`${op}: ${name} must be a positive integer, got ${describeArg(v)}`);
  return v as number;
}

// ---- pixel and channel shuffles ------------------------------------------------------------------

function pixelShuffleOp(x: Tensor, r: number, op: string): Tensor {
  needInput(x, op); positive(r, 'upscaleFactor', op);
  if (x.ndim < 3) throw new ShapeError(`${op}: expected an input of at least 3 dims [*, C·r², H, W], got shape ${fmt(x._shape)}`);
  const lead = x._shape.slice(0, -3), [C, H, W] = x._shape.slice(-3);
  if (C % (r * r) !== 0) throw new ShapeError(`${op}: the channels (dim -3) of input ${fmt(x._shape)} must be divisible by upscaleFactor² = ${r * r}`);
  const c = C / (r * r), n = lead.length;
  return scope(() => x.reshape([...lead, c, r, r, H, W])
    .permute([...lead.map((_, i) => i), n, n + 3, n + 1, n + 4, n + 2]).reshape([...lead, c, H * r, W * r]));
}

function pixelUnshuffleOp(x: Tensor, r: number, op: string): Tensor {
  needInput(x, op); positive(r, 'downscaleFactor', op);
  if (x.ndim < 3) throw new ShapeError(`${op}: expected an input of at least 3 dims [*, C, H·r, W·r], got shape ${fmt(x._shape)}`);
  const lead = x._shape.slice(0, -3), [C, H, W] = x._shape.slice(-3);
  if (H % r !== 0 || W % r !== 0) throw new ShapeError(`${op}: the height and width of input ${fmt(x._shape)} must be divisible by downscaleFactor = ${r}`);
  const h = H / r, w = W / r, n = lead.length;
  return scope(() => x.reshape([...lead, C, h, r, w, r])
    .permute([...lead.map((_, i) => i), n, n + 2, n + 4, n + 1, n + 3]).reshape([...lead, C * r * r, h, w]));
}

function channelShuffleOp(x: Tensor, g: unknown, op: string): Tensor {
  needInput(x, op);
  const groups = positive(g, 'groups', op);
  if (x.ndim < 3) throw new ShapeError(`${op}: expected an input of at least 3 dims [N, C, *], got shape ${fmt(x._shape)}`);
  const [N, C] = x._shape, rest = x._shape.slice(2);
  if (C % groups !== 0) throw new ShapeError(`${op}: the channels of input ${fmt(x._shape)} (${C}) must be divisible by groups = ${groups}`);
  return scope(() => x.reshape([N, groups, C / groups, ...rest]).transpose(1, 2).reshape(x._shape as number[]));
}

/**
 * Rearranges [*, C·r², H, W] into [*, C, H·r, W·r], as `torch.nn.functional.pixel_shuffle`
 * (sub-pixel convolution's upsampling).
 *
 * ```ts
 * F.pixelShuffle(x, 2);   // [1, 8, 3, 3] -> [1, 2, 6, 6]
 * ```
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor;
export function pixelShuffle(...args: unknown[]): Tensor {
  const o = ARGS.pixelShuffle.parse(args) as { input: Tensor; upscaleFactor: number };
  return pixelShuffleOp(o.input, o.upscaleFactor, 'pixelShuffle');
}

/**
 * The inverse of pixelShuffle: [*, C, H·r, W·r] into [*, C·r², H, W], as `torch.nn.functional.pixel_unshuffle`.
 *
 * ```ts
 * F.pixelUnshuffle(x, 2);   // [1, 2, 6, 6] -> [1, 8, 3, 3]
 * ```
 */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor;
export function pixelUnshuffle(...args: unknown[]): Tensor {
  const o = ARGS.pixelUnshuffle.parse(args) as { input: Tensor; downscaleFactor: number };
  return pixelUnshuffleOp(o.input, o.downscaleFactor, 'pixelUnshuffle');
}

/**
 * Interleaves the channels of [N, C, *] across `groups` (ShuffleNet), as `torch.nn.functional.channel_shuffle`:
 * channel c·(C/g) + j moves to j·g + c.
 *
 * ```ts
 * F.channelShuffle(x, 2);   // channels [0 1 2 3] -> [0 2 1 3]
 * ```
 */
export function channelShuffle(input: Tensor, groups: number): Tensor;
export function channelShuffle(...args: unknown[]): Tensor {
  const o = ARGS.channelShuffle.parse(args) as { input: Tensor; groups: number };
  return channelShuffleOp(o.input, o.groups, 'channelShuffle');
}

// ---- unfold and fold -----------------------------------------------------------------------------

/** Options of `unfold` and `fold` (torch's keyword arguments). */
export interface FoldOptions {
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Implicit zero padding on both sides (default 0). */
  padding?: Size2;
  /** Step of the sliding block (default 1). */
  stride?: Size2;
}

interface BlockGeom { kh: number; kw: number; dh: number; dw: number; ph: number; pw: number; sh: number; sw: number }
function blockGeom(kernelSize: unknown, o: FoldOptions, op: string): BlockGeom {
  const [kh, kw] = pair(kernelSize, 'kernelSize', op, 1);
  const [dh, dw] = pair(o.dilation ?? 1, 'dilation', op, 1);
  const [ph, pw] = pair(o.padding ?? 0, 'padding', op, 0);
  const [sh, sw] = pair(o.stride ?? 1, 'stride', op, 1);
  return { kh, kw, dh, dw, ph, pw, sh, sw };
}
/** The number of block positions along one dim (torch's im2col/col2im formula). */
const blocks = (n: number, k: number, d: number, p: number, s: number): number => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

/** The 0/1 weight [C·kh·kw, 1, kh, kw] that copies tap k of channel c into channel c·kh·kw + k. */
function pickTaps(C: number, g: BlockGeom, x: Tensor): Tensor {
  const K = g.kh * g.kw;
  return scope(() => eye(K, { dtype: x.dtype, device: x.device }).repeat([C, 1]).reshape([C * K, 1, g.kh, g.kw]));
}

function unfoldOp(x: Tensor, kernelSize: unknown, o: FoldOptions, op: string): Tensor {
  needInput(x, op);
  const g = blockGeom(kernelSize, o, op);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got shape ${fmt(x._shape)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating input, got ${x.dtype}`);
  const [C, H, W] = x._shape.slice(-3);
  if (C === 0 || H === 0 || W === 0) throw new ShapeError(`${op}: expected non-empty channels, height and width (a zero batch is allowed), got input ${fmt(x._shape)}`);
  const Lh = blocks(H, g.kh, g.dh, g.ph, g.sh), Lw = blocks(W, g.kw, g.dw, g.pw, g.sw);
  if (Lh < 1 || Lw < 1) {
    throw new ShapeError(`${op}: input ${fmt(x._shape)} with padding ${fmt([g.ph, g.pw])} is too small for kernel ${fmt([g.kh, g.kw])} with dilation ${fmt([g.dh, g.dw])}: ${fmt([Lh, Lw])} blocks`);
  }
  return scope(() => {
    const y = conv2d(x, pickTaps(C, g, x), null, { stride: [g.sh, g.sw], padding: [g.ph, g.pw], dilation: [g.dh, g.dw], groups: C });
    return y.reshape([...x._shape.slice(0, -3), C * g.kh * g.kw, Lh * Lw]);
  });
}

function foldOp(x: Tensor, outputSize: unknown, kernelSize: unknown, o: FoldOptions, op: string): Tensor {
  needInput(x, op);
  const [H, W] = pair(outputSize, 'outputSize', op, 1);
  const g = blockGeom(kernelSize, o, op);
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`${op}: expected a 2-D [C·kh·kw, L] or 3-D [N, C·kh·kw, L] input, got shape ${fmt(x._shape)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating input, got ${x.dtype}`);
  const [CK, L] = x._shape.slice(-2);
  const K = g.kh * g.kw;
  if (CK === 0 || CK % K !== 0) throw new ShapeError(`${op}: dim -2 of input ${fmt(x._shape)} must be a non-zero multiple of kh·kw = ${K} (kernel ${fmt([g.kh, g.kw])})`);
  const Lh = blocks(H, g.kh, g.dh, g.ph, g.sh), Lw = blocks(W, g.kw, g.dw, g.pw, g.sw);
  if (Lh < 1 || Lw < 1) {
    throw new ShapeError(`${op}: outputSize ${fmt([H, W])} with padding ${fmt([g.ph, g.pw])} is too small for kernel ${fmt([g.kh, g.kw])} with dilation ${fmt([g.dh, g.dw])}: ${fmt([Lh, Lw])} blocks`);
  }
  if (L !== Lh * Lw) {
    throw new ShapeError(`${op}: dim -1 of input ${fmt(x._shape)} must be the number of sliding blocks, ${Lh} x ${Lw} = ${Lh * Lw} (outputSize ${fmt([H, W])}, kernel ${fmt([g.kh, g.kw])}, dilation ${fmt([g.dh, g.dw])}, padding ${fmt([g.ph, g.pw])}, stride ${fmt([g.sh, g.sw])})`);
  }
  const C = CK / K;
  // the rows and columns past the last block's reach (fewer than a stride) come as outputPadding
  const oph = H + 2 * g.ph - ((Lh - 1) * g.sh + g.dh * (g.kh - 1) + 1), opw = W + 2 * g.pw - ((Lw - 1) * g.sw + g.dw * (g.kw - 1) + 1);
  return scope(() => {
    const cols = x.reshape([...x._shape.slice(0, -2), CK, Lh, Lw]);
    return convTranspose2d(cols, pickTaps(C, g, x), null, { stride: [g.sh, g.sw], padding: [g.ph, g.pw], outputPadding: [oph, opw], dilation: [g.dh, g.dw], groups: C });
  });
}

/**
 * Extracts sliding blocks, as `torch.nn.functional.unfold` (im2col): [N, C, H, W] → [N, C·kh·kw, L],
 * L the number of block positions; row c·kh·kw + i·kw + j holds tap (i, j) of channel c.
 *
 * ```ts
 * F.unfold(x, 2);                  // [1, 3, 4, 4] -> [1, 12, 9]
 * F.unfold(x, [2, 3], { stride: 2, padding: 1 });
 * ```
 */
export function unfold(input: Tensor, kernelSize: Size2, options?: FoldOptions): Tensor;
export function unfold(input: Tensor, kernelSize: Size2, ...args: ArgsThenOptions<[dilation: Size2, padding: Size2, stride: Size2], FoldOptions>): Tensor;
export function unfold(...args: unknown[]): Tensor {
  const { input, kernelSize, ...o } = ARGS.unfold.parse(args) as { input: Tensor; kernelSize: Size2 } & FoldOptions;
  return unfoldOp(input, kernelSize, o, 'unfold');
}

/**
 * Combines sliding blocks into an image, summing where they overlap, as `torch.nn.functional.fold`
 * (col2im, the adjoint of unfold): [N, C·kh·kw, L] → [N, C, H, W] for `outputSize` [H, W].
 *
 * ```ts
 * F.fold(cols, [4, 4], 2);   // [1, 12, 9] -> [1, 3, 4, 4]
 * ```
 */
export function fold(input: Tensor, outputSize: Size2, kernelSize: Size2, options?: FoldOptions): Tensor;
export function fold(input: Tensor, outputSize: Size2, kernelSize: Size2, ...args: ArgsThenOptions<[dilation: Size2, padding: Size2, stride: Size2], FoldOptions>): Tensor;
export function fold(...args: unknown[]): Tensor {
  const { input, outputSize, kernelSize, ...o } = ARGS.fold.parse(args) as { input: Tensor; outputSize: Size2; kernelSize: Size2 } & FoldOptions;
  return foldOp(input, outputSize, kernelSize, o, 'fold');
}

// ---- modules -------------------------------------------------------------------------------------

function pySize(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(pySize).join(', ')}${v.length === 1 ? ',' : ''})`;
  return typeof v === 'number' ? String(v) : describeArg(v);
}

/**
 * [*, C·r², H, W] → [*, C, H·r, W·r], as `torch.nn.PixelShuffle(upscale_factor)`.
 *
 * ```ts
 * const up = new nn.PixelShuffle(2);
 * ```
 */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;
  constructor(upscaleFactor: number);
  constructor(...args: unknown[]) {
    super();
    this.upscaleFactor = positive((ARGS.PixelShuffle.parse(args) as { upscaleFactor: number }).upscaleFactor, 'upscaleFactor', 'PixelShuffle');
  }
  forward(x: Tensor): Tensor { return pixelShuffleOp(x, this.upscaleFactor, 'PixelShuffle'); }
  extraRepr(): string { return `upscale_factor=${this.upscaleFactor}`; }
}

/**
 * [*, C, H·r, W·r] → [*, C·r², H, W], as `torch.nn.PixelUnshuffle(downscale_factor)`.
 *
 * ```ts
 * const down = new nn.PixelUnshuffle(2);
 * ```
 */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;
  constructor(downscaleFactor: number);
  constructor(...args: unknown[]) {
    super();
    this.downscaleFactor = positive((ARGS.PixelUnshuffle.parse(args) as { downscaleFactor: number }).downscaleFactor, 'downscaleFactor', 'PixelUnshuffle');
  }
  forward(x: Tensor): Tensor { return pixelUnshuffleOp(x, this.downscaleFactor, 'PixelUnshuffle'); }
  extraRepr(): string { return `downscale_factor=${this.downscaleFactor}`; }
}

/**
 * Interleaves the channels of [N, C, *] across `groups`, as `torch.nn.ChannelShuffle(groups)`.
 *
 * ```ts
 * const shuffle = new nn.ChannelShuffle(4);
 * ```
 */
export class ChannelShuffle extends Module {
  readonly groups: number;
  constructor(groups: number);
  constructor(...args: unknown[]) {
    super();
    this.groups = positive((ARGS.ChannelShuffle.parse(args) as { groups: number }).groups, 'groups', 'ChannelShuffle');
  }
  forward(x: Tensor): Tensor { return channelShuffleOp(x, this.groups, 'ChannelShuffle'); }
  extraRepr(): string { return `groups=${this.groups}`; }
}

/**
 * Splits dim `dim` into `unflattenedSize` (one entry may be -1), as `torch.nn.Unflatten(dim, unflattened_size)`.
 *
 * ```ts
 * new nn.Unflatten(1, [2, 5]).forward(x);   // [N, 10] -> [N, 2, 5]
 * ```
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: number[];
  constructor(dim: number, unflattenedSize: readonly number[]);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.Unflatten.parse(args) as { dim: number; unflattenedSize: readonly number[] };
    if (!Number.isInteger(o.dim)) throw new ValueError(`Unflatten: dim must be an integer, got ${describeArg(o.dim)}`);
    const s = o.unflattenedSize;
    if (!Array.isArray(s) || !s.every((v) => Number.isInteger(v) && v >= -1)) {
      throw new ValueError(`Unflatten: unflattenedSize must be an array of sizes (one may be -1), got ${describeArg(s)}`);
    }
    this.dim = o.dim; this.unflattenedSize = s.slice();
  }
  forward(x: Tensor): Tensor {
    const op = 'Unflatten';
    needInput(x, op);
    const n = x.ndim;
    if (this.dim < -Math.max(n, 1) || this.dim >= Math.max(n, 1) || n === 0) {
      throw new ShapeError(`${op}: dim ${this.dim} is out of range for input of shape ${fmt(x._shape)}`);
    }
    const d = this.dim < 0 ? this.dim + n : this.dim;
    const size = x._shape[d], sizes = this.unflattenedSize.slice();
    const free = sizes.filter((v) => v === -1).length;
    if (sizes.length === 0 || free > 1) throw new ValueError(`${op}: unflattenedSize ${describeArg(this.unflattenedSize)} must be non-empty with at most one -1`);
    const known = sizes.reduce((a, v) => (v === -1 ? a : a * v), 1);
    if (free === 1) {
      if (known === 0 || size % known !== 0) throw new ShapeError(`${op}: sizes ${describeArg(this.unflattenedSize)} cannot unflatten dim ${this.dim} of size ${size} (input ${fmt(x._shape)})`);
      sizes[sizes.indexOf(-1)] = size / known;
    } else if (known !== size) {
      throw new ShapeError(`${op}: sizes ${describeArg(this.unflattenedSize)} multiply to ${known}, not to the size ${size} of dim ${this.dim} (input ${fmt(x._shape)})`);
    }
    return x.reshape([...x._shape.slice(0, d), ...sizes, ...x._shape.slice(d + 1)]);
  }
  extraRepr(): string { return `dim=${this.dim}, unflattened_size=${pySize(this.unflattenedSize)}`; }
}

/**
 * Extracts sliding blocks, as `torch.nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)`.
 *
 * ```ts
 * const im2col = new nn.Unfold([3, 3], { padding: 1 });
 * ```
 */
export class Unfold extends Module {
  readonly kernelSize: Size2;
  readonly dilation: Size2;
  readonly padding: Size2;
  readonly stride: Size2;
  constructor(kernelSize: Size2, options?: FoldOptions);
  constructor(kernelSize: Size2, ...args: ArgsThenOptions<[dilation: Size2, padding: Size2, stride: Size2], FoldOptions>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.Unfold.parse(args) as { kernelSize: Size2; dilation: Size2; padding: Size2; stride: Size2 };
    blockGeom(o.kernelSize, o, 'Unfold');
    this.kernelSize = o.kernelSize; this.dilation = o.dilation; this.padding = o.padding; this.stride = o.stride;
  }
  forward(x: Tensor): Tensor { return unfoldOp(x, this.kernelSize, this, 'Unfold'); }
  extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, dilation=${pySize(this.dilation)}, padding=${pySize(this.padding)}, stride=${pySize(this.stride)}`;
  }
}

/**
 * Combines sliding blocks into an image (summing overlaps), as `torch.nn.Fold(output_size,
 * kernel_size, dilation=1, padding=0, stride=1)`.
 *
 * ```ts
 * const col2im = new nn.Fold([4, 5], 2);
 * ```
 */
export class Fold extends Module {
  readonly outputSize: Size2;
  readonly kernelSize: Size2;
  readonly dilation: Size2;
  readonly padding: Size2;
  readonly stride: Size2;
  constructor(outputSize: Size2, kernelSize: Size2, options?: FoldOptions);
  constructor(outputSize: Size2, kernelSize: Size2, ...args: ArgsThenOptions<[dilation: Size2, padding: Size2, stride: Size2], FoldOptions>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.Fold.parse(args) as { outputSize: Size2; kernelSize: Size2; dilation: Size2; padding: Size2; stride: Size2 };
    pair(o.outputSize, 'outputSize', 'Fold', 1);
    blockGeom(o.kernelSize, o, 'Fold');
    this.outputSize = o.outputSize; this.kernelSize = o.kernelSize; this.dilation = o.dilation; this.padding = o.padding; this.stride = o.stride;
  }
  forward(x: Tensor): Tensor { return foldOp(x, this.outputSize, this.kernelSize, this, 'Fold'); }
  extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}, kernel_size=${pySize(this.kernelSize)}, dilation=${pySize(this.dilation)}, padding=${pySize(this.padding)}, stride=${pySize(this.stride)}`;
  }
}
