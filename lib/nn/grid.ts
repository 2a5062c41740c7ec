// grid.ts — spatial transformers: `F.affineGrid` and `F.gridSample` (torch.nn.functional's
// affine_grid and grid_sample, torch 1.13 semantics), composed of existing ops (gather, where, floor,
// round, mul/add, matmul) so that they run on every device and get their gradients from those ops.
//
// gridSample reads, for every output position, the input at the normalized coordinates the grid
// holds (-1 and 1 are the outer edges of the corner pixels, or their centres with alignCorners):
// - unnormalize: alignCorners (g + 1)/2·(size - 1), else ((g + 1)·size - 1)/2, rounded as torch's
//   CPU kernels round it (its vectorized 2-D kernel fuses a multiply-add; its scalar 3-D one does not);
// - padding of the coordinate: 'border' clips it into [0, size - 1], 'reflection' reflects it about
//   the edges (the corner centres with alignCorners, the outer edges without) and then clips;
//   'zeros' leaves it, and taps outside the input read 0. As torch's clip, the coordinate's gradient
//   is 0 where the clip holds it (at the edges too);
// - 'bilinear' (trilinear for 5-D) weighs the 2×2 (2×2×2) neighbours; 'nearest' takes the pixel at
//   the rounded coordinate: half to even in 2-D (torch's vectorized kernel), half away from zero in
//   3-D (its std::round); the grid's gradient is zeros. 'bicubic' (4-D) weighs the 4×4 neighbours
//   with Keys' cubic convolution (A = -0.75) of the unpadded coordinate, each tap's integer position
//   padded on its own (get_value_bounded).
// Non-finite grid values follow torch 1.13's CPU kernels where they are defined: out of bounds
// (zeros padding) for 'nearest', and for every 5-D mode; NaN for 2-D 'bilinear' and 'bicubic' with
// zeros padding (the weights are NaN) and for 'bicubic' with any padding; border and reflection
// send NaN to 0 in 2-D and to size - 1 in 3-D, +inf to size - 1, -inf to 0 (border) and ±inf to
// where NaN goes (reflection). (torch's 2-D bilinear kernel reads out of bounds for NaN with
// border or reflection padding and may crash; here it reads the clipped position.) Coordinates
// beyond ±2^22 pixels read as far outside the input (bicubic with border/reflection: the edge).
//
// Memory: the input is viewed as [N, C, S] (S the spatial size), and every tap gathers an
// [N, C, P] tensor (P the output's spatial size) that is weighted and summed: about (taps + 2)
// tensors of N·C·P elements live until the result is made (taps: bilinear 4, trilinear 8,
// bicubic 16, nearest 1), plus a few [N, P] coordinate, weight and index tensors per tap.
//
// affineGrid is the base grid (linspace(-1, 1) per dim, scaled by (n - 1)/n without alignCorners,
// with a column of ones) times thetaᵀ: differentiable in theta through matmul.
import { describeArg } from '../arity';
import { isFloating } from '../dtype';
import { DeviceError, DTypeError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { tensor, zeros } from '../ops/creation';
import { abs, add, clamp, floor, ge, gt, isfinite, isnan, le, logicalAnd, logicalOr, lt, mul, round, sign, sub, trunc, where } from '../ops/elementwise';
import { checkInt32, gather } from '../ops/indexing';
import { matmul } from '../ops/matmul';
import { traced, traceState } from '../trace';

/** Interpolation modes of `gridSample`. */
export type GridSampleMode = 'bilinear' | 'nearest' | 'bicubic';
/** What `gridSample` reads outside the input. */
export type GridSamplePadding = 'zeros' | 'border' | 'reflection';

/** Options of `gridSample` (torch.nn.functional.grid_sample's keyword arguments, camelCase). */
export interface GridSampleOptions {
  /** 'bilinear' (default; trilinear for 5-D input), 'nearest' or 'bicubic' (4-D only). */
  mode?: GridSampleMode;
  /** 'zeros' (default), 'border' or 'reflection'. */
  paddingMode?: GridSamplePadding;
  /** -1 and 1 are the corner pixels' centres (true) or their outer edges (false, the default). */
  alignCorners?: boolean | null;
}

/** Options of `affineGrid`. */
export interface AffineGridOptions {
  /** -1 and 1 are the corner pixels' centres (true) or their outer edges (false, the default). */
  alignCorners?: boolean | null;
}

let warnedAlignCorners = false;
/** torch's UserWarning for align_corners=None, once per process (Python's default warning filter). */
function warnAlignCorners(): void {
  if (warnedAlignCorners) return;
  warnedAlignCorners = true;
  process.emitWarning('Default gridSample and affineGrid behavior has changed to alignCorners=false since torch 1.3.0. '
    + 'Please specify alignCorners: true if the old behavior is desired.', 'UserWarning');
}

// ---- coordinates -------------------------------------------------------------------------------

/**
 * Grid values to pixel coordinates, in the compute dtype with the rounding of torch's CPU kernels:
 * the vectorized 2-D one ((g + 1)·(size/2) - 1/2) and the scalar 3-D one (((g + 1)·size - 1)/2).
 */
function unnormalize(g: Tensor, size: number, alignCorners: boolean, vol: boolean): Tensor {
  if (vol) return alignCorners ? mul(mul(add(g, 1), 0.5), size - 1) : mul(sub(mul(add(g, 1), size), 1), 0.5);
  if (alignCorners) return mul(add(g, 1), (size - 1) / 2);
  // torch's vectorized kernel is compiled with FMA contraction: (g + 1)·(size/2) - 1/2 is rounded
  // once, which decides 'nearest' at pixel edges (g = -1/3 for a size of 3 reads pixel 1, not 0).
  // The plain form carries the gradient; the difference to the fused value is added detached.
  const a = add(g, 1);
  const plain = sub(mul(a, size / 2), 0.5);
  const fix = fusedHalf(a.detach(), size / 2);
  const corr = sub(fix, plain.detach());
  return add(plain, where(isfinite(corr), corr, 0));
}

/**
 * fl(a·s - 1/2) with one rounding (an FMA) for s = size/2: float32 through float64 (the product and
 * difference are exact there), float64 by Dekker's exact product (a split in halves of 26 and 27
 * bits; s has at most 26 significant bits, so both partial products are exact).
 */
function fusedHalf(a: Tensor, s: number): Tensor {
  if (a.dtype !== 'float64') return sub(mul(a.to('float64'), s), 0.5).to(a.dtype);
  const p = mul(a, s);
  const c = mul(a, 134217729);              // 2^27 + 1
  const hi = sub(c, sub(c, a)), lo = sub(a, hi);
  const err = add(sub(mul(hi, s), p), mul(lo, s));
  return add(sub(p, 0.5), err);
}

/**
 * clip_coordinates: into [0, size - 1], gradient 1 only strictly inside. NaN goes where torch's
 * kernels send it: to 0 in 2-D (vectorized max/min), to size - 1 in 3-D (std::max/std::min).
 */
function clip(c: Tensor, size: number, vol: boolean): Tensor {
  const max = size - 1;
  const high = vol ? logicalOr(ge(c, max), isnan(c)) : ge(c, max);
  return where(logicalAnd(gt(c, 0), lt(c, max)), c, where(high, max, 0));
}

/** reflect_coordinates about twiceLow/2 and twiceHigh/2 (torch's vectorized form; gradient ±1). */
function reflect(c: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return zeros(c._shape, { dtype: c.dtype, device: c.device });
  const min = twiceLow / 2, twiceSpan = twiceHigh - twiceLow;
  const a = abs(sub(c, min));
  const flips = floor(mul(a.detach(), 1 / twiceSpan)).detach();
  const extra = sub(a, mul(flips, twiceSpan));
  const mirrored = sub(twiceSpan, extra);
  return add(where(gt(extra, mirrored), mirrored, extra), min);
}

/** compute_coordinates: the padding's transform of a pixel coordinate. */
function pad(c: Tensor, size: number, padding: GridSamplePadding, alignCorners: boolean, vol: boolean): Tensor {
  if (padding === 'border') return clip(c, size, vol);
  if (padding === 'reflection') return clip(alignCorners ? reflect(c, 0, 2 * (size - 1)) : reflect(c, -1, 2 * size - 1), size, vol);
  return c;
}

/** A detached coordinate made safe for indexing: NaN/±inf to far outside, then within ±2^22. */
function sanitized(c: Tensor): Tensor {
  const d = c.detach();
  return clamp(where(isfinite(d), d, -(2 ** 22)), -(2 ** 22), 2 ** 22);
}

// ---- taps --------------------------------------------------------------------------------------

/**
 * The input [N, C, S] (spatial sizes `sizes`) at the integer positions `pos` (one [N, P] float
 * tensor per spatial dim, detached) times `weight` [N, 1, P]: [N, C, P]. A position outside the
 * input reads 0, which the weight multiplies in 2-D (torch's vectorized kernel: a NaN weight gives
 * NaN) and which is not weighed in 3-D (its scalar kernel skips the tap).
 */
function tap(xf: Tensor, pos: readonly Tensor[], sizes: readonly number[], weight: Tensor | null, vol: boolean): Tensor {
  const [N, C] = xf._shape;
  const P = pos[0]._shape[1];
  let inside: Tensor | null = null;
  let lin: Tensor | null = null;
  let stride = 1;
  for (let d = sizes.length - 1; d >= 0; d--) {
    const p = pos[d], n = sizes[d];
    const ok = logicalAnd(ge(p, 0), le(p, n - 1));
    inside = inside === null ? ok : logicalAnd(inside, ok);
    // the flat index in int32 (a float32 sum would round past 2^24 pixels)
    const term = mul(clamp(p, 0, n - 1).to('int32'), stride);
    lin = lin === null ? term : add(lin, term);
    stride *= n;
  }
  const index = lin!.reshape([N, 1, P]).expand([N, C, P]);
  const mask = inside!.reshape([N, 1, P]);
  const v = gather(xf, 2, index);
  if (weight === null) return where(mask, v, 0);
  return vol ? where(mask, mul(v, weight), 0) : mul(where(mask, v, 0), weight);
}

const A_CUBIC = -0.75;
/** Keys' cubic convolution weights of the 4 taps at fraction t (get_cubic_upsample_coefficients). */
function cubicWeights(t: Tensor): Tensor[] {
  const c1 = (x: Tensor) => add(mul(mul(sub(mul(x, A_CUBIC + 2), A_CUBIC + 3), x), x), 1);
  const c2 = (x: Tensor) => sub(mul(add(mul(sub(mul(x, A_CUBIC), 5 * A_CUBIC), x), 8 * A_CUBIC), x), 4 * A_CUBIC);
  const u = sub(1, t);
  return [c2(add(t, 1)), c1(t), c1(u), c2(add(u, 1))];
}

/** One weight per tap position along a dim, and the taps' integer positions (detached). */
interface DimTaps { pos: Tensor[]; weight: Tensor[] | null }

function linearTaps(c: Tensor, size: number): DimTaps {
  const f = clamp(floor(sanitized(c)), -2, size);
  const hi = add(f, 1);
  return { pos: [f, hi], weight: [sub(hi, c), sub(c, f)] };
}

/** 2-D: round half to even (nearbyint, the vectorized kernel); 3-D: half away from zero (std::round). */
function nearestTaps(c: Tensor, size: number, vol: boolean): DimTaps {
  const s = sanitized(c);
  let r: Tensor;
  if (vol) {
    const t = trunc(s);
    r = where(ge(abs(sub(s, t)), 0.5), add(t, sign(s)), t);
  } else {
    r = round(s);
  }
  return { pos: [clamp(r, -1, size)], weight: null };
}

function cubicTaps(c: Tensor, size: number, padding: GridSamplePadding, alignCorners: boolean): DimTaps {
  const f = floor(sanitized(c));
  const pos = [-1, 0, 1, 2].map((k) => {
    const p = pad(add(f, k), size, padding, alignCorners, false);
    return padding === 'zeros' ? clamp(p, -1, size) : p;
  });
  return { pos, weight: cubicWeights(sub(c, f)) };
}

// ---- gridSample ----------------------------------------------------------------------------------

const OP = 'gridSample';

function check(input: unknown, grid: unknown, mode: GridSampleMode): [Tensor, Tensor] {
  for (const [v, what] of [[input, 'input'], [grid, 'grid']] as const) {
    if (!(v instanceof Tensor)) throw new ValueError(`${OP}: ${what} must be a Tensor, got ${describeArg(v)}`);
    v._handleFor(OP);
  }
  const x = input as Tensor, g = grid as Tensor;
  if (x.device !== g.device) throw new DeviceError(`${OP}: expected input and grid on the same device, got input on ${x.device} and grid on ${g.device}`);
  if (x.ndim !== 4 && x.ndim !== 5) {
    throw new ShapeError(`${OP}: expected a 4-D input [N, C, H, W] or a 5-D input [N, C, D, H, W], got input ${fmt(x._shape)}`);
  }
  if (g.ndim !== x.ndim) {
    throw new ShapeError(`${OP}: expected ${x.ndim}-D input and grid with the same number of dims, got input ${fmt(x._shape)} and grid ${fmt(g._shape)}`);
  }
  if (mode === 'bicubic' && x.ndim !== 4) throw new ValueError(`${OP}: bicubic interpolation only supports 4-D input, got input ${fmt(x._shape)}`);
  if (x.dtype !== g.dtype) throw new DTypeError(`${OP}: expected input and grid to have the same dtype, got input ${x.dtype} and grid ${g.dtype}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`${OP}: expected a floating input and grid, got ${x.dtype}`);
  if (x._shape[0] !== g._shape[0]) {
    throw new ShapeError(`${OP}: expected grid and input to have the same batch size, got input ${fmt(x._shape)} and grid ${fmt(g._shape)}`);
  }
  const dims = x.ndim - 2;
  if (g._shape[g.ndim - 1] !== dims) {
    throw new ShapeError(`${OP}: expected grid to have size ${dims} in its last dim, got grid ${fmt(g._shape)} for input ${fmt(x._shape)}`);
  }
  checkInt32(x._shape.slice(2).reduce((a, b) => a * b, 1), "the input's spatial size", OP);
  const empty = x._shape.slice(2).findIndex((s) => s === 0);
  if (empty >= 0) throw new ShapeError(`${OP}: expected the input's spatial dims to be non-empty, got input ${fmt(x._shape)} with dim ${empty + 2} empty`);
  return [x, g];
}

/** @internal The implementation behind `F.gridSample`. */
export function gridSampleOp(input: unknown, grid: unknown, mode: GridSampleMode, padding: GridSamplePadding, alignCorners: boolean): Tensor {
  const [x, g] = check(input, grid, mode);
  const dims = x.ndim - 2;
  const [N, C] = x._shape;
  const sizes = x._shape.slice(2);          // [H, W] or [D, H, W]
  const outSpatial = g._shape.slice(1, -1);
  const P = outSpatial.reduce((a, b) => a * b, 1);
  const low = x.dtype === 'float16' || x.dtype === 'bfloat16';
  const vol = dims === 3;
  const res = scope(() => {
    const xc = low ? x.to('float32') : x, gc = low ? g.to('float32') : g;
    const xf = xc.reshape([N, C, sizes.reduce((a, b) => a * b, 1)]);
    const gf = gc.reshape([N, P, dims]);
    // grid's last dim is (x, y[, z]): x indexes the last spatial dim (W)
    const taps: DimTaps[] = sizes.map((n, d) => {
      const raw = unnormalize(gf.select(2, dims - 1 - d), n, alignCorners, vol);
      if (mode === 'bicubic') return cubicTaps(raw, n, padding, alignCorners);
      const c = pad(raw, n, padding, alignCorners, vol);
      return mode === 'nearest' ? nearestTaps(c, n, vol) : linearTaps(c, n);
    });
    let out: Tensor | null = null;
    const visit = (d: number, pos: Tensor[], weight: Tensor | null): void => {
      if (d === dims) {
        const term = tap(xf, pos, sizes, weight === null ? null : weight.reshape([N, 1, P]), vol);
        out = out === null ? term : add(out, term);
        return;
      }
      const t = taps[d];
      t.pos.forEach((p, k) => {
        const w = t.weight === null ? null : t.weight[k];
        visit(d + 1, [...pos, p], w === null ? weight : weight === null ? w : mul(weight, w));
      });
    };
    visit(0, [], null);
    let y: Tensor = out!;
    // torch's grid gradient of 'nearest' is zeros: a where that never picks the grid connects it
    if (mode === 'nearest' && g.requiresGrad) {
      y = where(zeros([1, 1, 1], { dtype: 'bool', device: x.device }), gf.select(2, 0).reshape([N, 1, P]), y);
    }
    y = y.reshape([N, C, ...outSpatial]);
    return low ? y.to(x.dtype) : y;
  });
  // ONNX: GridSample (opset 16; volumes only from opset 20, which renamed the modes linear and cubic)
  return traceState.tracer === null ? res : traced('gridSample', [x, g], res, (gr, [vx, vg]) => {
    if (vol && gr.opset < 20) gr.unsupported('gridSample', `a 5-D input (${fmt(x._shape)}) needs GridSample of opset 20; export with opset: 20`);
    const m = gr.opset < 20 ? mode : mode === 'bilinear' ? 'linear' : mode === 'bicubic' ? 'cubic' : mode;
    return gr.op('GridSample', [vx.name, vg.name], { mode: m, padding_mode: padding, align_corners: alignCorners ? 1 : 0 });
  });
}

const GRID_ARGS = signature('gridSample', ['input', 'grid', 'mode', 'paddingMode', 'alignCorners'], {
  input: required(A.anyValue<Tensor>()), grid: required(A.anyValue<Tensor>()),
  mode: optional(A.oneOf<GridSampleMode>('bilinear', 'nearest', 'bicubic'), 'bilinear'),
  paddingMode: optional(A.oneOf<GridSamplePadding>('zeros', 'border', 'reflection'), 'zeros'),
  alignCorners: optional(A.nullable(A.bool), null),
});

/**
 * Samples `input` [N, C, H, W] at the normalized positions of `grid` [N, Ho, Wo, 2] (x, y in
 * [-1, 1]), or 5-D input [N, C, D, H, W] at grid [N, Do, Ho, Wo, 3] (x, y, z), as
 * `torch.nn.functional.grid_sample`: output [N, C, Ho, Wo] (or [N, C, Do, Ho, Wo]). `mode`
 * 'bilinear' (default; trilinear for 5-D), 'nearest' or 'bicubic' (4-D); `paddingMode` 'zeros'
 * (default), 'border' or 'reflection'; `alignCorners` false by default (null warns once, as torch).
 * Gradients flow to the input and to the grid (zeros for 'nearest').
 *
 * ```ts
 * const y = F.gridSample(x, F.affineGrid(theta, x.shape, false), { alignCorners: false });
 * ```
 */
export function gridSample(input: Tensor, grid: Tensor, ...args: ArgsThenOptions<[mode: GridSampleMode, paddingMode: GridSamplePadding, alignCorners: boolean | null], GridSampleOptions>): Tensor;
export function gridSample(...args: unknown[]): Tensor {
  const o = GRID_ARGS.parse(args);
  if (o.alignCorners === null) warnAlignCorners();
  return gridSampleOp(o.input, o.grid, o.mode, o.paddingMode, o.alignCorners ?? false);
}

// ---- affineGrid ----------------------------------------------------------------------------------

/** torch's linspace_from_neg_one: n points in [-1, 1] (0 for n <= 1), times (n - 1)/n without alignCorners. */
function fromNegOne(n: number, alignCorners: boolean, r: (v: number) => number): number[] {
  if (n <= 1) return [0];
  const step = r(2 / (n - 1));
  const half = Math.floor(n / 2);
  return Array.from({ length: n }, (_, i) => {
    const v = i < half ? r(-1 + r(i * step)) : r(1 - r((n - 1 - i) * step));
    return alignCorners ? v : r(r(v * (n - 1)) / n);
  });
}

/** @internal The implementation behind `F.affineGrid`. */
export function affineGridOp(theta: unknown, size: unknown, alignCorners: boolean, op = 'affineGrid'): Tensor {
  if (!(theta instanceof Tensor)) throw new ValueError(`${op}: theta must be a Tensor, got ${describeArg(theta)}`);
  theta._handleFor(op);
  if (!isFloating(theta.dtype)) throw new DTypeError(`${op}: expected theta to have a floating dtype, got ${theta.dtype}`);
  if (!Array.isArray(size) || !size.every((s) => typeof s === 'number' && Number.isSafeInteger(s))) {
    throw new ValueError(`${op}: size must be an array of integers [N, C, H, W] or [N, C, D, H, W], got ${describeArg(size)}`);
  }
  const sz = size as number[];
  if (sz.length !== 4 && sz.length !== 5) {
    throw new ValueError(`${op}: only supports 4-D and 5-D sizes, for 2-D and 3-D affine transforms, got size ${describeArg(size)}`);
  }
  const dims = sz.length - 2;
  if (theta.ndim !== 3 || theta._shape[1] !== dims || theta._shape[2] !== dims + 1) {
    throw new ShapeError(`${op}: expected a batch of ${dims}-D affine matrices of shape [N, ${dims}, ${dims + 1}] for size ${fmt(sz)}, got theta ${fmt(theta._shape)}`);
  }
  const spatial = sz.slice(2);
  if (spatial.some((s) => s <= 0)) throw new ValueError(`${op}: expected a non-zero, positive output size, got ${fmt(sz)}`);
  if (sz[0] < 0) throw new ValueError(`${op}: expected a non-negative batch size, got ${fmt(sz)}`);
  if (theta._shape[0] !== sz[0]) {
    throw new ShapeError(`${op}: theta ${fmt(theta._shape)} holds ${theta._shape[0]} matrices, but size ${fmt(sz)} names another batch size`);
  }
  const r = theta.dtype === 'float64' ? (v: number) => v : Math.fround;
  const axes = spatial.map((n) => fromNegOne(n, alignCorners, r));   // [D,] H, W
  const P = spatial.reduce((a, b) => a * b, 1);
  const base = new Float64Array(P * (dims + 1));
  for (let p = 0; p < P; p++) {
    let rest = p;
    for (let d = dims - 1; d >= 0; d--) {
      const n = spatial[d];
      // the base grid's columns are (x, y[, z], 1): x runs along the last spatial dim
      base[p * (dims + 1) + (dims - 1 - d)] = axes[d][rest % n];
      rest = Math.floor(rest / n);
    }
    base[p * (dims + 1) + dims] = 1;
  }
  const compute = theta.dtype === 'float64' ? 'float64' : 'float32';
  return scope(() => {
    const th = theta.dtype === compute ? theta : theta.to(compute);
    const b = tensor(base, { dtype: compute, device: theta.device }).reshape([1, P, dims + 1]);
    const grid = matmul(b, th.transpose(1, 2)).reshape([sz[0], ...spatial, dims]);
    return grid.dtype === theta.dtype ? grid : grid.to(theta.dtype);
  });
}

const AFFINE_ARGS = signature('affineGrid', ['theta', 'size', 'alignCorners'], {
  theta: required(A.anyValue<Tensor>()), size: required(A.anyValue<readonly number[]>()), alignCorners: optional(A.nullable(A.bool), null),
});

/**
 * The sampling grid of a batch of affine matrices, as `torch.nn.functional.affine_grid`: theta
 * [N, 2, 3] and size [N, C, H, W] give a grid [N, H, W, 2]; theta [N, 3, 4] and size
 * [N, C, D, H, W] give [N, D, H, W, 3], the (x, y[, z]) positions for `gridSample`.
 * `alignCorners` false by default (null warns once, as torch). Differentiable in theta.
 *
 * ```ts
 * const grid = F.affineGrid(fl.tensor([[[1, 0, 0], [0, 1, 0]]], { dtype: 'float32' }), [1, 3, 8, 8], false);  // identity
 * ```
 */
export function affineGrid(theta: Tensor, size: readonly number[], ...args: ArgsThenOptions<[alignCorners: boolean | null], AffineGridOptions>): Tensor;
export function affineGrid(...args: unknown[]): Tensor {
  const o = AFFINE_ARGS.parse(args);
  if (o.alignCorners === null) warnAlignCorners();
  return affineGridOp(o.theta, o.size, o.alignCorners ?? false);
}
