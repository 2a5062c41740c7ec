// unpool.ts — max unpooling (the partial inverse of max pooling) and fractional max pooling, as torch
// 1.13's F.max_unpool1d/2d/3d, F.fractional_max_pool2d/3d and their modules (nn.MaxUnpool1d/2d/3d,
// nn.FractionalMaxPool2d/3d), with torch's argument order, defaults, output sizes and refusals.
//
// Both are compositions of ops that have CPU and GPU kernels and gradients:
// - max unpooling scatters each input value to its flat position (h·W + w within each output plane,
//   as maxPool's int32 `returnIndices` give) in a zero output; its gradient is the gather of the
//   output's gradient at the same positions, as torch's. Indices are int32 (int64 in torch); an index
//   outside the output plane is refused with torch's message, as an IndexError (one readback of the
//   indices' min and max, where torch's CPU kernel checks each one as it goes);
// - fractional max pooling takes torch's pseudo-random windows: along a dim of input size n, output
//   size o and kernel k, window i starts at trunc((i + u)·α) − trunc(u·α), α = (n − k)/(o − 1), and
//   the last one at n − k, computed in the input's precision (float32 arithmetic for float32, as
//   torch's scalar_t; float16/bfloat16 use float32 too), with u the plane's sample in [0, 1): sample 0
//   drives the width and sample 1 the height in 2-D, samples 0, 1, 2 drive time, height and width in
//   3-D (torch's order). `randomSamples` (torch's `_random_samples`, [N, C, 2 or 3]) gives the samples;
//   without it they come from `fl.rand` (flintml's generator, so `fl.manualSeed` repeats them). The
//   samples are read on the host (N·C·d numbers) to lay out the windows; the window taps are then
//   gathered and the tap torch's kernel takes (the first maximum, or the last NaN) is gathered again,
//   so that the gradient goes to it. Indices are int32 flat positions in the input plane.
import { describeArg } from '../arity';
import { isGradEnabled } from '../autograd';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { isFloating } from '../dtype';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { add, gt, isnan, mul, sub, trunc, where } from '../ops/elementwise';
import { gather, scatter } from '../ops/indexing';
import { amax, amin, max } from '../ops/reduce';
import { arange, full, tensor, zeros } from '../ops/creation';
import { cat, narrow } from '../ops/views';
import { rand } from '../ops/random';
import { Module } from './module';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

/** A size per spatial dim: one integer for every dim, or one per dim. */
export type SizeN = number | readonly number[];

const ANY = A.anyValue<never>();
const REQ = required(ANY);
const OPT = optional(ANY);
const T = required(A.anyValue<Tensor>());
// PyTorch's positional order of each functional and module (lib/args.ts)
const unpoolF = (name: string) => signature(name, ['input', 'indices', 'kernelSize', 'stride', 'padding', 'outputSize'], {
  input: T, indices: T, kernelSize: REQ, stride: OPT, padding: optional(ANY, 0 as never), outputSize: OPT,
});
const unpoolM = (name: string) => signature(name, ['kernelSize', 'stride', 'padding'], { kernelSize: REQ, stride: OPT, padding: optional(ANY, 0 as never) });
const unpoolFwd = (name: string) => signature(name, ['input', 'indices', 'outputSize'], { input: T, indices: T, outputSize: OPT });
const fracF = (name: string) => signature(name, ['input', 'kernelSize', 'outputSize', 'outputRatio', 'returnIndices', 'randomSamples'], {
  input: T, kernelSize: REQ, outputSize: OPT, outputRatio: OPT, returnIndices: optional(A.bool, false), randomSamples: OPT,
});
const fracM = (name: string) => signature(name, ['kernelSize', 'outputSize', 'outputRatio', 'returnIndices', 'randomSamples'], {
  kernelSize: REQ, outputSize: OPT, outputRatio: OPT, returnIndices: optional(A.bool, false), randomSamples: OPT,
});
const ARGS = {
  maxUnpool1d: unpoolF('maxUnpool1d'), maxUnpool2d: unpoolF('maxUnpool2d'), maxUnpool3d: unpoolF('maxUnpool3d'),
  MaxUnpool1d: unpoolM('MaxUnpool1d'), MaxUnpool2d: unpoolM('MaxUnpool2d'), MaxUnpool3d: unpoolM('MaxUnpool3d'),
  'MaxUnpool1d.forward': unpoolFwd('MaxUnpool1d.forward'), 'MaxUnpool2d.forward': unpoolFwd('MaxUnpool2d.forward'), 'MaxUnpool3d.forward': unpoolFwd('MaxUnpool3d.forward'),
  fractionalMaxPool2d: fracF('fractionalMaxPool2d'), fractionalMaxPool3d: fracF('fractionalMaxPool3d'),
  FractionalMaxPool2d: fracM('FractionalMaxPool2d'), FractionalMaxPool3d: fracM('FractionalMaxPool3d'),
};

const LAYOUT: Record<number, [string, string]> = { 1: ['[C, L]', '[N, C, L]'], 2: ['[C, H, W]', '[N, C, H, W]'], 3: ['[C, D, H, W]', '[N, C, D, H, W]'] };

/** One integer for every dim, or a list of `nd` (or 1) of them, each >= min (torch's _single/_pair/_triple). */
function sizes(v: unknown, nd: number, name: string, op: string, min: number): number[] {
  const arr = typeof v === 'number' ? new Array<number>(nd).fill(v) : Array.isArray(v) && v.length === 1 ? new Array<number>(nd).fill(v[0] as number) : v;
  if (!Array.isArray(arr) || arr.length !== nd || !arr.every((x) => Number.isInteger(x) && (x as number) >= min)) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min} or a list of ${nd} of them, got ${describeArg(v)}`);
  }
  return arr as number[];
}

function needTensorArg(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

/** The input as [N, C, *spatial] (a batch of one for unbatched input) and whether it was unbatched. */
function batched(x: Tensor, nd: number, op: string): { x: Tensor; unbatched: boolean } {
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
    const [u, b] = LAYOUT[nd];
    throw new ShapeError(`${op}: expected a ${nd + 1}-D ${u} or ${nd + 2}-D ${b} input, got shape ${fmt(x._shape)}`);
  }
  return { x: x.ndim === nd + 1 ? x.unsqueeze(0) : x, unbatched: x.ndim === nd + 1 };
}

// ---- max unpooling --------------------------------------------------------------------------------

/** torch's _unpool_output_size: (in − 1)·stride + kernel − 2·padding, or a checked `outputSize`. */
function unpoolOutputSize(inSpatial: readonly number[], k: number[], s: number[], p: number[], outputSize: unknown, op: string): number[] {
  const nd = k.length;
  const dflt = inSpatial.map((n, d) => (n - 1) * s[d] + k[d] - 2 * p[d]);
  if (outputSize === undefined || outputSize === null) return dflt;
  let o: unknown = typeof outputSize === 'number' ? [outputSize] : outputSize;
  if (!Array.isArray(o) || !o.every((v) => Number.isInteger(v) && v >= 0)) throw new ValueError(`${op}: outputSize must be a list of non-negative integers, got ${describeArg(outputSize)}`);
  if (o.length === nd + 2) o = o.slice(2);
  const out = o as number[];
  if (out.length !== nd) {
    throw new ValueError(`${op}: outputSize should be a sequence containing ${nd} or ${nd + 2} elements, but it has a length of ${out.length}`);
  }
  for (let d = 0; d < nd; d++) {
    const lo = dflt[d] - s[d], hi = dflt[d] + s[d];
    if (!(lo < out[d] && out[d] < hi)) throw new ValueError(`${op}: invalid outputSize ${describeArg(outputSize)} (dim ${d} must be between ${lo} and ${hi})`);
  }
  return out;
}

/** @internal The n-d max unpooling behind the functionals and modules (`op` names the caller in errors). */
export function maxUnpoolOp(input: unknown, indices: unknown, kernelSize: unknown, stride: unknown, padding: unknown, outputSize: unknown, nd: number, op: string): Tensor {
  const x0 = needTensorArg(input, op, 'input');
  const i0 = needTensorArg(indices, op, 'indices');
  const k = sizes(kernelSize, nd, 'kernelSize', op, 1);
  const s = stride === undefined || stride === null || (Array.isArray(stride) && stride.length === 0) ? k : sizes(stride, nd, 'stride', op, 1);
  const p = sizes(padding, nd, 'padding', op, 0);
  if (i0.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32 (flintml's index dtype; maxPool's returnIndices), got ${i0.dtype}`);
  if (x0.ndim !== nd + 1 && x0.ndim !== nd + 2) {
    const [u, b] = LAYOUT[nd];
    throw new ShapeError(`${op}: expected a ${nd + 1}-D ${u} or ${nd + 2}-D ${b} input, got shape ${fmt(x0._shape)}`);
  }
  if (i0.ndim !== x0.ndim || i0._shape.some((v, d) => v !== x0._shape[d])) {
    throw new ShapeError(`${op}: indices of shape ${fmt(i0._shape)} must have the input's shape ${fmt(x0._shape)}`);
  }
  if (x0.device !== i0.device) throw new ValueError(`${op}: input (${x0.device}) and indices (${i0.device}) must be on one device`);
  const out = unpoolOutputSize(x0._shape.slice(-nd), k, s, p, outputSize, op);
  const plane = out.reduce((a, b) => a * b, 1);
  const lead = x0._shape.slice(0, x0.ndim - nd);                      // [N, C] or [C]
  const L = x0._shape.slice(-nd).reduce((a, b) => a * b, 1);
  const rows = lead.reduce((a, b) => a * b, 1);
  if (rows * L > 0) {
    const [lo, hi] = scope(() => [amin(i0).item(), amax(i0).item()]);
    if (lo < 0 || hi >= plane) {
      throw new IndexError(`${op}: found an invalid max index: ${lo < 0 ? lo : hi} (output volumes are of size ${out.join('x')}) for input ${fmt(x0._shape)}`);
    }
  }
  return scope(() => {
    const z = zeros([rows, plane], { dtype: x0.dtype, device: x0.device });
    // (an empty input scatters nothing, but its output stays in the graph: zeros of the input's gradient)
    const y = scatter(z, 1, i0.reshape([rows, L]), x0.reshape([rows, L]));
    return y.reshape([...lead, ...out]);
  });
}

/** Options of the max unpooling functionals (torch's keyword arguments). */
export interface MaxUnpoolOptions {
  /** The pooling's stride (default: kernelSize). */
  stride?: SizeN | null;
  /** The pooling's padding (default 0). */
  padding?: SizeN;
  /** The output's spatial size ([*spatial] or [N, C, *spatial]); default (in − 1)·stride + kernel − 2·padding. */
  outputSize?: readonly number[] | null;
}

/**
 * Partial inverse of `maxPool1d`, as `torch.nn.functional.max_unpool1d(input, indices, kernel_size,
 * stride=None, padding=0, output_size=None)`: each value goes to its int32 index, the rest is zero.
 *
 * ```ts
 * const [y, i] = F.maxPool1d(x, 2, { returnIndices: true }); const back = F.maxUnpool1d(y, i, 2);
 * ```
 */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: SizeN, options?: MaxUnpoolOptions): Tensor;
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: SizeN, ...args: ArgsThenOptions<[stride: SizeN | null, padding: SizeN, outputSize: readonly number[] | null], MaxUnpoolOptions>): Tensor;
export function maxUnpool1d(...args: unknown[]): Tensor {
  const o = ARGS.maxUnpool1d.parse(args);
  return maxUnpoolOp(o.input, o.indices, o.kernelSize, o.stride, o.padding, o.outputSize, 1, 'maxUnpool1d');
}
/**
 * Partial inverse of `maxPool2d`, as `torch.nn.functional.max_unpool2d`: values go to their flat
 * int32 indices (h·W + w) in a zero output of [N, C, Ho, Wo].
 *
 * ```ts
 * const [y, i] = F.maxPool2d(x, 2, { returnIndices: true }); const back = F.maxUnpool2d(y, i, 2);
 * ```
 */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: SizeN, options?: MaxUnpoolOptions): Tensor;
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: SizeN, ...args: ArgsThenOptions<[stride: SizeN | null, padding: SizeN, outputSize: readonly number[] | null], MaxUnpoolOptions>): Tensor;
export function maxUnpool2d(...args: unknown[]): Tensor {
  const o = ARGS.maxUnpool2d.parse(args);
  return maxUnpoolOp(o.input, o.indices, o.kernelSize, o.stride, o.padding, o.outputSize, 2, 'maxUnpool2d');
}
/**
 * Partial inverse of `maxPool3d`, as `torch.nn.functional.max_unpool3d` (flat indices d·H·W + h·W + w).
 *
 * ```ts
 * const [y, i] = F.maxPool3d(v, 2, { returnIndices: true }); const back = F.maxUnpool3d(y, i, 2);
 * ```
 */
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: SizeN, options?: MaxUnpoolOptions): Tensor;
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: SizeN, ...args: ArgsThenOptions<[stride: SizeN | null, padding: SizeN, outputSize: readonly number[] | null], MaxUnpoolOptions>): Tensor;
export function maxUnpool3d(...args: unknown[]): Tensor {
  const o = ARGS.maxUnpool3d.parse(args);
  return maxUnpoolOp(o.input, o.indices, o.kernelSize, o.stride, o.padding, o.outputSize, 3, 'maxUnpool3d');
}

/** What MaxUnpool1d/2d/3d share: the pooling's geometry; forward(input, indices, outputSize?). */
abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  /** @internal */
  protected constructor(o: { kernelSize: unknown; stride?: unknown; padding: unknown }, private readonly nd: number, private readonly op: string) {
    super();
    // stored as torch stores them: one entry per dim (_single, _pair, _triple)
    this.kernelSize = sizes(o.kernelSize, nd, 'kernelSize', op, 1);
    const noStride = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0);
    this.stride = noStride ? this.kernelSize : sizes(o.stride, nd, 'stride', op, 1);
    this.padding = sizes(o.padding, nd, 'padding', op, 0);
  }
  forward(input: Tensor, indices: Tensor, outputSize?: readonly number[] | null | { outputSize?: readonly number[] | null }): Tensor;
  forward(...args: unknown[]): Tensor {
    const o = ARGS[`${this.op}.forward` as 'MaxUnpool2d.forward'].parse(args);
    return maxUnpoolOp(o.input, o.indices, this.kernelSize, this.stride, this.padding, o.outputSize, this.nd, this.op);
  }
  extraRepr(): string {
    const py = (v: number[]): string => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }
}

/** Options of the MaxUnpool modules (torch's keyword arguments). */
export interface MaxUnpoolModuleOptions {
  stride?: SizeN | null;
  padding?: SizeN;
}

/**
 * Partial inverse of MaxPool1d, as `torch.nn.MaxUnpool1d(kernel_size, stride=None, padding=0)`;
 * `forward(input, indices, outputSize?)`.
 *
 * ```ts
 * const unpool = new nn.MaxUnpool1d(2); unpool.forward(y, idx);
 * ```
 */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: SizeN, options?: MaxUnpoolModuleOptions);
  constructor(kernelSize: SizeN, ...args: ArgsThenOptions<[stride: SizeN | null, padding: SizeN], MaxUnpoolModuleOptions>);
  constructor(...args: unknown[]) { super(ARGS.MaxUnpool1d.parse(args), 1, 'MaxUnpool1d'); }
}
/**
 * Partial inverse of MaxPool2d, as `torch.nn.MaxUnpool2d(kernel_size, stride=None, padding=0)`.
 *
 * ```ts
 * const unpool = new nn.MaxUnpool2d(2, 2); unpool.forward(y, idx, [5, 5]);
 * ```
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: SizeN, options?: MaxUnpoolModuleOptions);
  constructor(kernelSize: SizeN, ...args: ArgsThenOptions<[stride: SizeN | null, padding: SizeN], MaxUnpoolModuleOptions>);
  constructor(...args: unknown[]) { super(ARGS.MaxUnpool2d.parse(args), 2, 'MaxUnpool2d'); }
}
/**
 * Partial inverse of MaxPool3d, as `torch.nn.MaxUnpool3d(kernel_size, stride=None, padding=0)`.
 *
 * ```ts
 * const unpool = new nn.MaxUnpool3d(2); unpool.forward(y, idx);
 * ```
 */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: SizeN, options?: MaxUnpoolModuleOptions);
  constructor(kernelSize: SizeN, ...args: ArgsThenOptions<[stride: SizeN | null, padding: SizeN], MaxUnpoolModuleOptions>);
  constructor(...args: unknown[]) { super(ARGS.MaxUnpool3d.parse(args), 3, 'MaxUnpool3d'); }
}

// ---- fractional max pooling -----------------------------------------------------------------------

/** torch's interval starts along one dim, in float32 arithmetic (`f32`) or float64. */
/**
 * torch's window starts along one dim for every plane, on the samples' device: alpha = (n - k)/(o - 1),
 * start_i = trunc((i + u)·alpha) - trunc(u·alpha) for i < o - 1 and n - k for the last, computed in
 * u's dtype (float32 for every dtype but float64, as torch's kernel); u is [P]; returns int32 [P, o].
 */
function intervalStarts(u: Tensor, n: number, o: number, k: number): Tensor {
  const P = u._shape[0], dev = u.device;
  const last = full([P, o > 0 ? 1 : 0], n - k, { dtype: 'int32', device: dev });
  if (o <= 1) return last;
  const r = u.dtype === 'float64' ? (v: number) => v : Math.fround;
  const alpha = r(r(n - k) / r(o - 1));
  const i = arange(o - 1, { dtype: u.dtype, device: dev }).unsqueeze(0);
  const seq = sub(trunc(mul(add(i, u.unsqueeze(1)), alpha)), trunc(mul(u, alpha)).unsqueeze(1));
  return cat([seq.to('int32'), last], 1);
}

const DIM_NAMES: Record<number, string[]> = { 2: ['height', 'width'], 3: ['time', 'height', 'width'] };

/** @internal The fractional max pooling behind the functionals and modules (`op` names the caller). */
export function fractionalMaxPoolOp(input: unknown, kernelSize: unknown, outputSize: unknown, outputRatio: unknown, returnIndices: boolean, randomSamples: unknown, nd: number, op: string): Tensor | [Tensor, Tensor] {
  const xin = needTensorArg(input, op, 'input');
  const k = sizes(kernelSize, nd, 'kernelSize', op, 1);
  if (!isFloating(xin.dtype)) throw new DTypeError(`${op}: expected a floating input, got ${xin.dtype}`);
  const { x, unbatched } = batched(xin, nd, op);
  try {
    const [N, C] = x._shape;
    const inS = x._shape.slice(2);
    let outS: number[];
    if (outputSize !== undefined && outputSize !== null) outS = sizes(outputSize, nd, 'outputSize', op, 0);
    else if (outputRatio !== undefined && outputRatio !== null) {
      const r = typeof outputRatio === 'number' ? new Array<number>(nd).fill(outputRatio) : outputRatio;
      if (!Array.isArray(r) || (r.length !== nd && r.length !== 1) || !r.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
        throw new ValueError(`${op}: outputRatio must be a number or a list of ${nd} numbers >= 0, got ${describeArg(outputRatio)}`);
      }
      const rr = r.length === 1 ? new Array<number>(nd).fill(r[0]) : r as number[];
      outS = inS.map((n, d) => Math.trunc(n * rr[d]));
    } else throw new ValueError(`${op}: requires specifying either an outputSize or an outputRatio`);
    for (let d = 0; d < nd; d++) {
      // torch 1.13: out + k − 1 <= in in 2-D, but < in in 3-D (fractional_max_pool3d_out_cpu_template)
      if (nd === 3 ? outS[d] + k[d] - 1 >= inS[d] : outS[d] + k[d] - 1 > inS[d]) {
        throw new ShapeError(`${op}: pool ${DIM_NAMES[nd][d]} ${k[d]} too large relative to input ${DIM_NAMES[nd][d]} ${inS[d]} (output ${fmt(outS)}, input ${fmt(xin._shape)})`);
      }
    }
    // the samples: torch's _random_samples [N, C, nd] (rows and columns beyond those are not read, as torch)
    let smp: Tensor;
    if (randomSamples !== undefined && randomSamples !== null) {
      smp = needTensorArg(randomSamples, op, 'randomSamples');
      // torch: "not differentiable with respect to argument 'random_samples'" (under grad mode)
      if (smp.requiresGrad && isGradEnabled()) throw new ValueError(`${op}: randomSamples is not differentiable: it cannot require grad (detach it)`);
      if (smp.dtype !== xin.dtype) throw new DTypeError(`${op}: randomSamples must have the input's dtype ${xin.dtype}, got ${smp.dtype}`);
      if (smp.ndim !== 3 || smp._shape[0] < N || smp._shape[1] < C || smp._shape[2] < nd) {
        throw new ShapeError(`${op}: randomSamples must have shape [${N}, ${C}, ${nd}] (one sample per plane and dim), got ${fmt(smp._shape)}`);
      }
    } else smp = rand([N, C, nd], { dtype: xin.dtype, device: xin.device });
    const P = N * C, K = k.reduce((a, b) => a * b, 1), O = outS.reduce((a, b) => a * b, 1);
    const planeIn = inS.reduce((a, b) => a * b, 1);
    if (P * O * K >= 2 ** 31) { if (smp !== randomSamples) smp.dispose(); throw new ShapeError(`${op}: output ${fmt(outS)} of input ${fmt(xin._shape)} is too large (its windows exceed 2^31 int32 entries)`); }
    const inStride = inS.map((_, d) => inS.slice(d + 1).reduce((a, b) => a * b, 1));
    // the start of each window along each dim, per plane, as flat-position offsets: starts[d] is
    // [P, outS[d]], computed on the device (no host round trip of the samples)
    const starts = scope(() => {
      const u = narrow(narrow(smp.detach(), 0, 0, N), 1, 0, C);
      const uc = xin.dtype === 'float64' ? u : u.to('float32');
      // 2-D: sample 0 is the width's, sample 1 the height's; 3-D: 0, 1, 2 are time, height, width
      return inS.map((n, d) => mul(intervalStarts(uc.select(2, nd === 2 ? 1 - d : d).reshape([P]), n, outS[d], k[d]), inStride[d]));
    });
    if (smp !== randomSamples) smp.dispose();
    let res: [Tensor, Tensor];
    try {
      res = scope(() => {
        // flat input position of tap t of window w in plane p: Σ_d (start_d[p, w_d] + t_d)·stride_d, as [P, *outS, *k]
        let idx: Tensor | null = null;
        for (let d = 0; d < nd; d++) {
          const viewS = [P, ...outS.map((o, e) => (e === d ? o : 1)), ...k.map(() => 1)];
          const sd = starts[d].reshape(viewS);
          const tapS = [1, ...outS.map(() => 1), ...k.map((kk, e) => (e === d ? kk : 1))];
          const td = mul(arange(k[d], { dtype: 'int32', device: xin.device }), inStride[d]).reshape(tapS);
          const term = add(sd, td);
          idx = idx === null ? term : add(idx, term);
        }
        const flatIdx = idx!.reshape([N, C, O, K]);
        const taps = gather(x.reshape([N, C, planeIn]), 2, flatIdx.reshape([N, C, O * K])).reshape([N, C, O, K]);
        // torch's kernel takes a tap when it is greater or NaN: the first maximum, but the last NaN
        const first = (max(taps, 3) as unknown as { indices: Tensor }).indices;
        const pos = arange(1, K + 1, { dtype: 'float32', device: xin.device });
        const lastNan = amax(mul(isnan(taps).to('float32'), pos), 3);
        const t = where(gt(lastNan, 0), sub(lastNan, 1).to('int32'), first).unsqueeze(3);
        const values = gather(taps, 3, t).reshape([N, C, ...outS]);
        const indices = gather(flatIdx, 3, t).reshape([N, C, ...outS]);
        return unbatched ? [values.squeeze(0), indices.squeeze(0)] as [Tensor, Tensor] : [values, indices] as [Tensor, Tensor];
      });
    } finally { for (const t of starts) t.dispose(); }
    if (returnIndices) return res;
    res[1].dispose();
    return res[0];
  } finally { if (x !== xin) x.dispose(); }
}

/** Options of the fractional max poolings (torch's keyword arguments). */
export interface FractionalMaxPoolOptions {
  /** The output's spatial size (one integer, or one per dim). */
  outputSize?: SizeN | null;
  /** The output's size as a fraction of the input's (int(in·ratio)), when outputSize is not given. */
  outputRatio?: number | readonly number[] | null;
  /** Also return the int32 argmax positions (flat within each input plane). */
  returnIndices?: boolean;
  /** torch's `_random_samples`: [N, C, 2] (2-D) or [N, C, 3] (3-D) in [0, 1), the input's dtype. */
  randomSamples?: Tensor | null;
}

/**
 * Fractional 2-D max pooling (Graham, 2014), as `torch.nn.functional.fractional_max_pool2d(input,
 * kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None)`,
 * `_random_samples` spelled `randomSamples`.
 *
 * ```ts
 * const y = F.fractionalMaxPool2d(x, 3, { outputRatio: 0.5 });
 * ```
 */
export function fractionalMaxPool2d(input: Tensor, kernelSize: SizeN, options: FractionalMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function fractionalMaxPool2d(input: Tensor, kernelSize: SizeN, options?: FractionalMaxPoolOptions): Tensor;
export function fractionalMaxPool2d(input: Tensor, kernelSize: SizeN, ...args: ArgsThenOptions<[outputSize: SizeN | null, outputRatio: number | readonly number[] | null, returnIndices: boolean, randomSamples: Tensor | null], FractionalMaxPoolOptions>): Tensor | [Tensor, Tensor];
export function fractionalMaxPool2d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const o = ARGS.fractionalMaxPool2d.parse(args);
  return fractionalMaxPoolOp(o.input, o.kernelSize, o.outputSize, o.outputRatio, o.returnIndices, o.randomSamples, 2, 'fractionalMaxPool2d');
}
/**
 * Fractional 3-D max pooling, as `torch.nn.functional.fractional_max_pool3d` (`randomSamples`
 * [N, C, 3] for time, height and width).
 *
 * ```ts
 * const [y, idx] = F.fractionalMaxPool3d(v, 2, { outputSize: [3, 3, 3], returnIndices: true });
 * ```
 */
export function fractionalMaxPool3d(input: Tensor, kernelSize: SizeN, options: FractionalMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function fractionalMaxPool3d(input: Tensor, kernelSize: SizeN, options?: FractionalMaxPoolOptions): Tensor;
export function fractionalMaxPool3d(input: Tensor, kernelSize: SizeN, ...args: ArgsThenOptions<[outputSize: SizeN | null, outputRatio: number | readonly number[] | null, returnIndices: boolean, randomSamples: Tensor | null], FractionalMaxPoolOptions>): Tensor | [Tensor, Tensor];
export function fractionalMaxPool3d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const o = ARGS.fractionalMaxPool3d.parse(args);
  return fractionalMaxPoolOp(o.input, o.kernelSize, o.outputSize, o.outputRatio, o.returnIndices, o.randomSamples, 3, 'fractionalMaxPool3d');
}

/** What FractionalMaxPool2d/3d share: torch's checks of outputSize and outputRatio. */
abstract class FractionalMaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: SizeN;
  readonly outputSize: SizeN | null;
  readonly outputRatio: number | readonly number[] | null;
  readonly returnIndices: R;
  /** @internal the fixed samples (torch's `_random_samples`), or null: fresh ones per forward */
  readonly randomSamples: Tensor | null;
  /** @internal */
  protected constructor(o: { kernelSize: unknown; outputSize?: unknown; outputRatio?: unknown; returnIndices: boolean; randomSamples?: unknown }, private readonly nd: number, private readonly op: string) {
    super();
    sizes(o.kernelSize, nd, 'kernelSize', op, 1);
    const size = o.outputSize ?? null, ratio = o.outputRatio ?? null;
    if (size === null && ratio === null) throw new ValueError(`${op}: requires specifying either an output size, or a pooling ratio`);
    if (size !== null && ratio !== null) throw new ValueError(`${op}: only one of outputSize and outputRatio may be specified`);
    if (size !== null) sizes(size, nd, 'outputSize', op, 0);
    if (ratio !== null) {
      const r = typeof ratio === 'number' ? [ratio] : ratio;
      if (!Array.isArray(r) || (r.length !== 1 && r.length !== nd) || !r.every((v) => typeof v === 'number' && v > 0 && v < 1)) {
        throw new ValueError(`${op}: outputRatio must be between 0 and 1 (exclusive), got ${describeArg(ratio)}`);
      }
    }
    if (o.randomSamples != null) needTensorArg(o.randomSamples, op, 'randomSamples');
    this.kernelSize = o.kernelSize as SizeN;
    this.outputSize = size as SizeN | null;
    this.outputRatio = ratio as number | readonly number[] | null;
    this.returnIndices = o.returnIndices as R;
    this.randomSamples = (o.randomSamples ?? null) as Tensor | null;
  }
  forward(x: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return fractionalMaxPoolOp(x, this.kernelSize, this.outputSize, this.outputRatio, this.returnIndices, this.randomSamples, this.nd, this.op) as R extends true ? [Tensor, Tensor] : Tensor;
  }
}

/**
 * Fractional 2-D max pooling layer, as `torch.nn.FractionalMaxPool2d(kernel_size, output_size=None,
 * output_ratio=None, return_indices=False, _random_samples=None)`.
 *
 * ```ts
 * const pool = new nn.FractionalMaxPool2d(3, { outputRatio: [0.5, 0.5] });
 * ```
 */
export class FractionalMaxPool2d<R extends boolean = false> extends FractionalMaxPoolNd<R> {
  constructor(kernelSize: SizeN, options?: Omit<FractionalMaxPoolOptions, 'returnIndices'> & { returnIndices?: R });
  constructor(kernelSize: SizeN, ...args: ArgsThenOptions<[outputSize: SizeN | null, outputRatio: number | readonly number[] | null, returnIndices: R, randomSamples: Tensor | null], Omit<FractionalMaxPoolOptions, 'returnIndices'>>);
  constructor(...args: unknown[]) { super(ARGS.FractionalMaxPool2d.parse(args), 2, 'FractionalMaxPool2d'); }
}
/**
 * Fractional 3-D max pooling layer, as `torch.nn.FractionalMaxPool3d`.
 *
 * ```ts
 * const pool = new nn.FractionalMaxPool3d(2, { outputSize: [4, 4, 4] });
 * ```
 */
export class FractionalMaxPool3d<R extends boolean = false> extends FractionalMaxPoolNd<R> {
  constructor(kernelSize: SizeN, options?: Omit<FractionalMaxPoolOptions, 'returnIndices'> & { returnIndices?: R });
  constructor(kernelSize: SizeN, ...args: ArgsThenOptions<[outputSize: SizeN | null, outputRatio: number | readonly number[] | null, returnIndices: R, randomSamples: Tensor | null], Omit<FractionalMaxPoolOptions, 'returnIndices'>>);
  constructor(...args: unknown[]) { super(ARGS.FractionalMaxPool3d.parse(args), 3, 'FractionalMaxPool3d'); }
}
