// resize.ts — `F.interpolate` (torch.nn.functional.interpolate): nearest, nearest-exact, linear,
// bilinear, trilinear, bicubic and area resizing of [N, C, *spatial] inputs with 1, 2 or 3 spatial
// dims, with torch 1.13's argument rules and its source-index arithmetic to the bit.
//
// Every spatial dim is resized on its own (the modes are separable): the output position j reads
// input positions computed here in JavaScript, in the precision torch's CPU kernel computes them
// (float32, or float64 for float64 input), and the op is an `indexSelect` per tap along that dim
// times a weight per output position, summed. Gradients come from indexSelect (scatter-add into
// the input) and mul/add; 'area' is adaptive average pooling (adaptiveAvgPool2d, adaptiveAvgPool3d for 5-D; the mean for size 1).
//
// torch's index arithmetic (aten/src/ATen/native/UpSample.h, torch 1.13):
// - scale = in/out, or 1/scaleFactor when a scale factor is given and recomputeScaleFactor is not
//   true (the output size is then floor(in·scaleFactor)); align_corners: (in-1)/(out-1), 0 for out 1.
// - nearest: src = min(floor(scale·j), in-1); nearest-exact: min(floor(scale·(j+0.5)), in-1), the
//   product rounded to float32 before the floor (also for float64 input, as torch's floorf).
// - linear: src = scale·(j+0.5) - 0.5 clamped at 0 (align_corners: scale·j); i0 = min(trunc(src), in-1),
//   i1 = i0 + 1 within the input, weights (1-λ, λ) with λ = src - i0 in [0, 1]; an output as long
//   as the input copies it (whatever the scale factor).
// - bicubic: the same src without the clamp, 4 taps floor(src)-1 … floor(src)+2 clamped to the
//   input, Keys' cubic convolution with A = -0.75.
//
// 16-bit inputs are resized in float32 and rounded once at the end. ONNX: the composition exports
// as Gather/Mul/Add with constant indices and weights, which hold for the traced spatial sizes (a
// dynamic batch axis is fine); nearest, linear-family and bicubic report a Resize node instead.
import { describeArg } from '../arity';
import { isFloating } from '../dtype';
import { DTypeError, OutOfMemoryError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { traced } from '../trace';
import { tensor } from '../ops/creation';
import { add, mul } from '../ops/elementwise';
import { checkInt32, indexSelect } from '../ops/indexing';
import { mean } from '../ops/reduce';
import { adaptiveAvgPool2d } from '../ops/conv';
import { adaptiveAvgPool3dOp } from './conv3d';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

/** The resizing modes of `interpolate` (torch's names). */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear' | 'bicubic' | 'area';
/** @internal Every mode interpolate (and nn.Upsample) takes. */
export const INTERPOLATE_MODES = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic', 'area'] as const satisfies readonly InterpolateMode[];
const MODES: readonly InterpolateMode[] = INTERPOLATE_MODES;
/** The input rank each interpolating mode takes (nearest, nearest-exact, area: 3 to 5). */
const RANK: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, trilinear: 5, bicubic: 4 };

/** Options of `interpolate` (torch.nn.functional.interpolate's keyword arguments, camelCase). */
export interface InterpolateOptions {
  /** The output's spatial size: one size for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplier of each spatial size (one, or one per dim); the output size is floor(in·factor). */
  scaleFactor?: number | readonly number[] | null;
  /** 'nearest' (default), 'nearest-exact', 'linear' (3-D), 'bilinear' (4-D), 'trilinear' (5-D), 'bicubic' (4-D), 'area'. */
  mode?: InterpolateMode;
  /** linear modes and bicubic: align the corner pixels' centres (default false). */
  alignCorners?: boolean | null;
  /** With scaleFactor: compute the positions from the output size instead of the factor. */
  recomputeScaleFactor?: boolean | null;
  /** Anti-aliased downsampling (bilinear, bicubic): not supported yet, refused. */
  antialias?: boolean;
}

/** Per output position of one dim: the input positions of each tap and their weights (null: one tap of weight 1). */
interface Taps { index: Int32Array[]; weight: Float64Array[] | null }

/** Host arrays for one dim's taps (n positions), with typed errors where n or the host memory is too large. */
function hostArrays<T extends Int32Array | Float64Array>(make: (n: number) => T, count: number, n: number, op: string): T[] {
  checkInt32(n, 'an output size', op);
  try { return Array.from({ length: count }, () => make(n)); } catch (e) {
    if (e instanceof RangeError) throw new OutOfMemoryError(`${op}: cannot hold the ${n} source positions of an output dim in host memory`);
    throw e;
  }
}
const ints = (n: number) => new Int32Array(n);
const floats = (n: number) => new Float64Array(n);

/** The float rounding of the index arithmetic: float32 (torch's `float`), or none for float64 input. */
type Round = (v: number) => number;
const f32: Round = Math.fround;
const f64: Round = (v) => v;

function nearestTaps(n: number, out: number, factor: number | null, exact: boolean, r: Round, op: string): Taps {
  // compute_scales_value: 1/factor (in the kernel's precision) when given, else in/out
  const scale = factor !== null && factor > 0 ? r(1 / factor) : r(n / out);
  const [index] = hostArrays(ints, 1, out, op);
  for (let j = 0; j < out; j++) index[j] = Math.min(Math.floor(f32(scale * (exact ? j + 0.5 : j))), n - 1);
  return { index: [index], weight: null };
}

/** area_pixel_compute_scale / _source_index (UpSample.h), in the kernel's precision. */
function sourcePositions(n: number, out: number, factor: number | null, alignCorners: boolean, cubic: boolean, r: Round, op: string): Float64Array {
  const scale = alignCorners ? (out > 1 ? r((n - 1) / (out - 1)) : 0) : factor !== null && factor > 0 ? r(1 / factor) : r(n / out);
  const [src] = hostArrays(floats, 1, out, op);
  for (let j = 0; j < out; j++) {
    const s = alignCorners ? r(scale * j) : r(scale * (j + 0.5) - 0.5);
    src[j] = !cubic && s < 0 ? 0 : s;
  }
  return src;
}

function linearTaps(n: number, out: number, factor: number | null, alignCorners: boolean, r: Round, op: string): Taps {
  if (out === n) {
    // compute_source_index_and_lambda: an output as long as the input is a copy
    const [copy] = hostArrays(ints, 1, out, op);
    for (let j = 0; j < out; j++) copy[j] = j;
    return { index: [copy], weight: null };
  }
  const [i0, i1] = hostArrays(ints, 2, out, op), [w0, w1] = hostArrays(floats, 2, out, op);
  const src = sourcePositions(n, out, factor, alignCorners, false, r, op);
  for (let j = 0; j < out; j++) {
    const a = Math.min(Math.trunc(src[j]), n - 1);
    i0[j] = a;
    i1[j] = a + (a < n - 1 ? 1 : 0);
    const lambda = Math.min(Math.max(r(src[j] - a), 0), 1);
    w1[j] = lambda;
    w0[j] = r(1 - lambda);
  }
  return { index: [i0, i1], weight: [w0, w1] };
}

const A_CUBIC = -0.75;
const cubic1 = (x: number): number => ((A_CUBIC + 2) * x - (A_CUBIC + 3)) * x * x + 1;
const cubic2 = (x: number): number => ((A_CUBIC * x - 5 * A_CUBIC) * x + 8 * A_CUBIC) * x - 4 * A_CUBIC;

function cubicTaps(n: number, out: number, factor: number | null, alignCorners: boolean, r: Round, op: string): Taps {
  const src = sourcePositions(n, out, factor, alignCorners, true, r, op);
  const index = hostArrays(ints, 4, out, op), weight = hostArrays(floats, 4, out, op);
  for (let j = 0; j < out; j++) {
    const base = Math.floor(src[j]);
    const t = r(src[j] - base);
    const w = [cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)];
    for (let k = 0; k < 4; k++) {
      index[k][j] = Math.min(Math.max(base - 1 + k, 0), n - 1);
      weight[k][j] = r(w[k]);
    }
  }
  return { index, weight };
}

/** The taps along dim d applied to y: sum_k indexSelect(y, d, index_k) · weight_k. */
function resample(y: Tensor, d: number, taps: Taps): Tensor {
  const dev = y.device;
  const picked = taps.index.map((ix) => indexSelect(y, d, tensor(ix, { dtype: 'int32', device: dev })));
  if (taps.weight === null) return picked[0];
  const wshape = [taps.index[0].length, ...new Array<number>(y.ndim - 1 - d).fill(1)];
  let acc: Tensor | null = null;
  taps.weight.forEach((w, k) => {
    const term = mul(picked[k], tensor(w, { dtype: y.dtype, device: dev }).reshape(wshape));
    acc = acc === null ? term : add(acc, term);
  });
  return acc!;
}

/** What `interpolate` resolved from its arguments, as torch's Python front end and compute_output_size. */
interface Plan { mode: InterpolateMode; alignCorners: boolean; out: number[]; factors: (number | null)[] }

function sizesOf(v: unknown, dim: number, what: string, x: Tensor, op: string, check: (e: unknown) => boolean): unknown[] {
  if (Array.isArray(v)) {
    if (v.length !== dim) {
      throw new ValueError(`${op}: the input has ${dim} spatial dims (${fmt(x._shape.slice(2))} of input ${fmt(x._shape)}), but ${what} has ${v.length}: ${describeArg(v)}; give the input as [N, C, d1, …] and ${what} as one value per spatial dim`);
    }
    if (!v.every(check)) throw new ValueError(`${op}: ${what} must hold ${what === 'size' ? 'integers' : 'numbers'}, got ${describeArg(v)}`);
    return v.slice();
  }
  if (!check(v)) throw new ValueError(`${op}: ${what} must be ${what === 'size' ? 'an integer' : 'a number'} or one per spatial dim, got ${describeArg(v)}`);
  return new Array<unknown>(dim).fill(v);
}

function plan(x: Tensor, o: InterpolateOptions, op: string): Plan {
  const mode = o.mode ?? 'nearest';
  if (typeof mode !== 'string' || !MODES.includes(mode)) throw new ValueError(`${op}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describeArg(mode)}`);
  const interpolating = mode !== 'nearest' && mode !== 'nearest-exact' && mode !== 'area';
  if (o.alignCorners != null && typeof o.alignCorners !== 'boolean') throw new ValueError(`${op}: alignCorners must be a boolean or null, got ${describeArg(o.alignCorners)}`);
  if (!interpolating && o.alignCorners != null) {
    throw new ValueError(`${op}: alignCorners can only be set with the interpolating modes linear, bilinear, bicubic and trilinear, not '${mode}'`);
  }
  const ndim = x.ndim;
  if (ndim < 3 || ndim > 5) {
    throw new ShapeError(`${op}: expected a 3-D, 4-D or 5-D input [N, C, d1, …] (1 to 3 spatial dims), got ${fmt(x._shape)}; an unbatched input needs .unsqueeze(0)`);
  }
  const want = RANK[mode];
  if (want !== undefined && want !== ndim) throw new ShapeError(`${op}: mode '${mode}' needs a ${want}-D input, got ${ndim}-D ${fmt(x._shape)}`);
  const dim = ndim - 2;
  const { size, scaleFactor } = o;
  let recompute = o.recomputeScaleFactor;
  if (recompute != null && typeof recompute !== 'boolean') throw new ValueError(`${op}: recomputeScaleFactor must be a boolean or null, got ${describeArg(recompute)}`);
  if (size != null && scaleFactor != null) throw new ValueError(`${op}: only one of size or scaleFactor should be given`);
  if (size == null && scaleFactor == null) throw new ValueError(`${op}: either size or scaleFactor should be given`);
  if (recompute && size != null) throw new ValueError(`${op}: recomputeScaleFactor is not meaningful with an explicit size`);
  if (mode === 'area' && size == null) recompute = true;
  const spatial = x._shape.slice(2);
  let out: number[];
  let factors: (number | null)[] = new Array<null>(dim).fill(null);
  if (size != null) {
    out = sizesOf(size, dim, 'size', x, op, (e) => typeof e === 'number' && Number.isSafeInteger(e)) as number[];
  } else {
    const sf = sizesOf(scaleFactor, dim, 'scaleFactor', x, op, (e) => typeof e === 'number') as number[];
    out = spatial.map((n, i) => {
      const v = n * sf[i];
      // Python's floor of a float (recompute) or C++'s checked conversion to int64 (truncation)
      if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 53) throw new ValueError(`${op}: scaleFactor ${describeArg(sf[i])} gives an output size ${String(v)} for spatial size ${n} that is not a finite integer`);
      return recompute ? Math.floor(v) : Math.trunc(v);
    });
    if (!recompute) factors = sf;
  }
  if (o.antialias !== undefined && o.antialias !== null && typeof o.antialias !== 'boolean') throw new ValueError(`${op}: antialias must be a boolean, got ${describeArg(o.antialias)}`);
  if (o.antialias) {
    if (!((mode === 'bilinear' || mode === 'bicubic') && ndim === 4)) throw new ValueError(`${op}: antialias is only supported for the bilinear and bicubic modes (4-D input), not '${mode}' on ${ndim}-D input`);
    throw new ValueError(`${op}: antialias=true (anti-aliased ${mode} downsampling) is not supported yet`);
  }
  const result = { mode, alignCorners: interpolating ? (o.alignCorners ?? false) : false, out, factors };
  // the kernels' checks: adaptive pooling's for 'area' (an empty output is returned before any
  // other check), upsample_*_common_check for the others
  if (mode === 'area') {
    // torch's adaptive_avg_pool2d: an output of 1 everywhere is the mean (of no elements, NaN), else
    // the spatial dims must be non-empty, and an empty output is returned before the dtype matters
    if (out.some((s) => s < 0)) throw new ShapeError(`${op}: output sizes must be >= 0, got ${fmt(out)} for input ${fmt(x._shape)}`);
    if (!out.every((s) => s === 1)) {
      if (spatial.some((s) => s === 0)) throw new ShapeError(`${op}: expected non-empty spatial dims, got input ${fmt(x._shape)}`);
      if (x._shape[0] * x._shape[1] * out.reduce((a, b) => a * b, 1) === 0) return result;
    }
  } else {
    if (x._shape.slice(1).some((s) => s === 0)) {
      throw new ShapeError(`${op}: expected a non-empty ${ndim}-D input (only the batch dim may be 0), got ${fmt(x._shape)}`);
    }
    if (out.some((s) => s <= 0)) throw new ShapeError(`${op}: input and output sizes must be greater than 0, got input ${fmt(spatial)} and output ${fmt(out)}`);
  }
  const floatOnly = mode !== 'nearest' && mode !== 'nearest-exact';
  if (floatOnly ? !isFloating(x.dtype) : !(isFloating(x.dtype) || x.dtype === 'uint8')) {
    throw new DTypeError(`${op}: mode '${mode}' takes a floating ${floatOnly ? '' : 'or uint8 '}input, got ${x.dtype}`);
  }
  return result;
}

/** ONNX Resize of a planned interpolate (nearest, linear family, bicubic), or null to export the parts. */
function resizeLowering(x: Tensor, p: Plan): Parameters<typeof traced>[3] | null {
  if (p.mode === 'area') return null;
  const spatial = x._shape.slice(2);
  const useScales = p.factors.every((f) => f !== null);
  const nearest = p.mode === 'nearest' || p.mode === 'nearest-exact';
  // onnxruntime copies a dim whose output is as long as its input, where torch's nearest reads
  // positions j/factor: that case exports as its parts (Gather)
  if (nearest && useScales && p.factors.some((f, i) => f !== 1 && p.out[i] === spatial[i])) return null;
  return (g, [vx], [o]) => {
    const attrs: Record<string, string | number | { f: number }> = {};
    if (nearest) {
      attrs.mode = 'nearest';
      attrs.coordinate_transformation_mode = p.mode === 'nearest' ? 'asymmetric' : 'half_pixel';
      attrs.nearest_mode = p.mode === 'nearest' ? 'floor' : 'round_prefer_ceil';
    } else {
      attrs.mode = p.mode === 'bicubic' ? 'cubic' : 'linear';
      attrs.coordinate_transformation_mode = p.alignCorners ? 'align_corners' : 'half_pixel';
      if (p.mode === 'bicubic') attrs.cubic_coeff_a = { f: A_CUBIC };
    }
    // scales reproduce torch's 1/scaleFactor positions; a dim whose output is as long as its input is a copy (scale 1)
    const scales = useScales ? g.constant('float32', [x.ndim], [1, 1, ...p.factors.map((f, i) => (p.out[i] === spatial[i] ? 1 : f!))]) : '';
    return g.op('Resize', useScales ? [vx.name, '', scales] : [vx.name, '', '', g.sizes(o._shape)], attrs);
  };
}

/**
 * @internal The implementation behind `F.interpolate`, naming the calling layer (`op`) in its
 * errors (nn.Upsample calls it).
 */
export function interpolateOp(input: Tensor, options: InterpolateOptions, op = 'interpolate'): Tensor {
  if (!(input instanceof Tensor)) throw new ValueError(`${op}: input must be a Tensor, got ${describeArg(input)}`);
  input._handleFor(op);
  const p = plan(input, options, op);
  const spatial = input._shape.slice(2);
  if (p.mode === 'area') {
    const shape = [input._shape[0], input._shape[1], ...p.out];
    // an empty output: no elements of the input (a view of none of them, for the gradient's sake)
    if (shape.reduce((a, b) => a * b, 1) === 0 && !p.out.every((s) => s === 1)) return scope(() => input.reshape([-1]).narrow(0, 0, 0).reshape(shape));
    if (p.out.every((s) => s === 1)) return mean(input, { dim: spatial.map((_, i) => 2 + i), keepdim: true });
    if (input.ndim === 5) return adaptiveAvgPool3dOp(input, p.out, op);
    return scope(() => (input.ndim === 4 ? adaptiveAvgPool2d(input, [p.out[0], p.out[1]])
      : adaptiveAvgPool2d(input.unsqueeze(2), [1, p.out[0]]).squeeze(2)));
  }
  const low = input.dtype === 'float16' || input.dtype === 'bfloat16';
  const r = input.dtype === 'float64' ? f64 : f32;
  const out = scope(() => {
    let y = low ? input.to('float32') : input;
    spatial.forEach((n, i) => {
      const o = p.out[i], f = p.factors[i];
      const taps = p.mode === 'nearest' || p.mode === 'nearest-exact' ? nearestTaps(n, o, f, p.mode === 'nearest-exact', r, op)
        : p.mode === 'bicubic' ? cubicTaps(n, o, f, p.alignCorners, r, op) : linearTaps(n, o, f, p.alignCorners, r, op);
      y = resample(y, 2 + i, taps);
    });
    return low ? y.to(input.dtype) : y;
  });
  const lower = resizeLowering(input, p);
  return lower === null ? out : traced('interpolate', [input], out, lower);
}

// PyTorch: interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
// recompute_scale_factor=None, antialias=False) (lib/args.ts); values checked by interpolateOp
const ANY = optional(A.anyValue<never>());
const INTERPOLATE_ARGS = signature('interpolate', ['input', 'size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor', 'antialias'], {
  input: required(A.anyValue<Tensor>()), size: ANY, scaleFactor: ANY, mode: optional(A.anyValue<InterpolateMode>(), 'nearest'),
  alignCorners: ANY, recomputeScaleFactor: ANY, antialias: optional(A.anyValue<boolean>(), false),
});

/**
 * Resizes the spatial dims of [N, C, d1, …] input, as `torch.nn.functional.interpolate`: to `size`,
 * or by `scaleFactor` (output floor(in·factor)), with mode 'nearest' (default), 'nearest-exact',
 * 'linear' (3-D), 'bilinear' (4-D), 'trilinear' (5-D), 'bicubic' (4-D) or 'area' (3-D to 5-D).
 * Source positions are computed as torch's kernels do (alignCorners for the interpolating modes).
 * Gradients flow to the input. `antialias` is refused.
 *
 * ```ts
 * F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' });   // x [N, C, H, W] -> [N, C, 2H, 2W]
 * ```
 */
export function interpolate(input: Tensor, options: InterpolateOptions): Tensor;
export function interpolate(input: Tensor, ...args: ArgsThenOptions<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null, antialias: boolean], InterpolateOptions>): Tensor;
export function interpolate(...args: unknown[]): Tensor {
  const { input, ...options } = INTERPOLATE_ARGS.parse(args);
  return interpolateOp(input, options as InterpolateOptions);
}
