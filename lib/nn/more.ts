// more.ts — torch.nn modules a PyTorch user still looked for: nn.UpsamplingNearest2d and
// nn.UpsamplingBilinear2d (torch's fixed-mode Upsample subclasses; bilinear with align_corners=True)
// and nn.CrossMapLRN2d (torch's legacy Lua-era LRN). Compositions of existing ops: CPU and GPU
// through their kernels, gradients from autograd.
//
// CrossMapLRN2d keeps torch 1.13's forward exactly, quirk included: its running window sum starts
// with channels [0, prePad) and then adds channel c + prePad − 1 and drops channel c − prePad only
// once c > prePad (prePad = int((size − 1)/2 + 1)), so channel 0 is never dropped and the result
// differs from F.local_response_norm as soon as C > prePad + 1 (torch's own test compares them
// only where they agree). The window is laid out once as a C×C 0/1 matrix M (the loop run on the
// host), and scale = k + α/size · M·x² per pixel; the gradient is the exact derivative of this
// forward. torch's hand-written backward assumes the un-quirked window, so its gradient is not the
// derivative of its forward where they differ (torch.autograd.gradcheck fails there); flintml's
// passes gradcheck: a deliberate difference (bench/FIDELITY.md).
import { describeArg } from '../arity';
import { ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { add, mul, pow } from '../ops/elementwise';
import { tensor } from '../ops/creation';
import { matmul } from '../ops/matmul';
import { Upsample } from './layers';
import { needFloating, needTensor } from './checks';
import { pyFloat } from './params';
import { Module } from './module';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';

const SIZE = optional(A.nullable(A.either(A.int({ min: 0 }), A.arrayOf(A.int({ min: 0 })))), null);
const SCALE = optional(A.nullable(A.either(A.num(), A.arrayOf(A.num()))), null);
// PyTorch's positional order (lib/args.ts)
const ARGS = {
  UpsamplingNearest2d: signature('UpsamplingNearest2d', ['size', 'scaleFactor'], { size: SIZE, scaleFactor: SCALE }),
  UpsamplingBilinear2d: signature('UpsamplingBilinear2d', ['size', 'scaleFactor'], { size: SIZE, scaleFactor: SCALE }),
  CrossMapLRN2d: signature('CrossMapLRN2d', ['size', 'alpha', 'beta', 'k'], {
    size: required(A.anyValue<number>()), alpha: optional(A.num(), 1e-4), beta: optional(A.num(), 0.75), k: optional(A.num(), 1),
  }),
};

/** Options of UpsamplingNearest2d and UpsamplingBilinear2d (torch's keyword arguments). */
export interface UpsamplingOptions {
  /** Output [H, W] (or one size for both). */
  size?: number | readonly number[] | null;
  /** Factor per spatial dim (or one for both). */
  scaleFactor?: number | readonly number[] | null;
}

/**
 * 2-D nearest-neighbour upsampling, as `torch.nn.UpsamplingNearest2d(size=None, scale_factor=None)`
 * (torch's Upsample with mode 'nearest').
 *
 * ```ts
 * new nn.UpsamplingNearest2d({ scaleFactor: 2 }).forward(x);  // [N, C, 2H, 2W]
 * ```
 */
export class UpsamplingNearest2d extends Upsample {
  constructor(size?: number | readonly number[] | null, scaleFactor?: number | readonly number[] | null);
  constructor(options: UpsamplingOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.UpsamplingNearest2d.parse(args);
    super({ size: o.size, scaleFactor: o.scaleFactor, mode: 'nearest' });
  }
}

/**
 * 2-D bilinear upsampling with aligned corners, as `torch.nn.UpsamplingBilinear2d(size=None,
 * scale_factor=None)` (torch's Upsample with mode 'bilinear', align_corners=True).
 *
 * ```ts
 * new nn.UpsamplingBilinear2d([8, 8]).forward(x);  // [N, C, 8, 8]
 * ```
 */
export class UpsamplingBilinear2d extends Upsample {
  constructor(size?: number | readonly number[] | null, scaleFactor?: number | readonly number[] | null);
  constructor(options: UpsamplingOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.UpsamplingBilinear2d.parse(args);
    super({ size: o.size, scaleFactor: o.scaleFactor, mode: 'bilinear', alignCorners: true });
  }
}

/** Options of CrossMapLRN2d (torch's keyword arguments). */
export interface CrossMapLRN2dOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

/** torch 1.13's running window of CrossMapLRN2d as a C×C 0/1 matrix (row c: the channels summed for c). */
function crossMapWindow(C: number, size: number): Float64Array {
  const m = new Float64Array(C * C);
  const prePad = Math.trunc((size - 1) / 2 + 1);
  for (let j = 0; j < Math.min(prePad, C); j++) m[j] = 1;
  for (let c = 1; c < C; c++) {
    for (let j = 0; j < C; j++) m[c * C + j] = m[(c - 1) * C + j];
    if (c < C - prePad + 1) m[c * C + c + prePad - 1] += 1;
    if (c > prePad) m[c * C + c - prePad] -= 1;
  }
  return m;
}

/**
 * torch's legacy cross-map local response normalisation of [N, C, H, W], as
 * `torch.nn.CrossMapLRN2d(size, alpha=1e-4, beta=0.75, k=1)`: x · (k + α/size · Σ_window x²)^−β,
 * with torch 1.13's window (see the file's head).
 *
 * ```ts
 * const lrn = new nn.CrossMapLRN2d(5, { alpha: 1e-4, beta: 0.75, k: 2 });
 * ```
 */
export class CrossMapLRN2d extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(size: number, options?: CrossMapLRN2dOptions);
  constructor(size: number, ...args: ArgsThenOptions<[alpha: number, beta: number, k: number], CrossMapLRN2dOptions>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.CrossMapLRN2d.parse(args);
    if (!Number.isInteger(o.size) || o.size < 1) throw new ValueError(`CrossMapLRN2d: size must be a positive integer, got ${describeArg(o.size)}`);
    this.size = o.size; this.alpha = o.alpha; this.beta = o.beta; this.k = o.k;
  }
  forward(x: Tensor): Tensor {
    const op = 'CrossMapLRN2d';
    needTensor(x, op); needFloating(x, op);
    if (x.ndim !== 4) throw new ShapeError(`${op}: expected a 4-D [N, C, H, W] input, got shape ${fmt(x._shape)}`);
    const [N, C, H, W] = x._shape;
    return scope(() => {
      const m = tensor(crossMapWindow(C, this.size), { dtype: x.dtype, device: x.device }).reshape([C, C]);
      const sums = matmul(m, mul(x, x).reshape([N, C, H * W])).reshape([N, C, H, W]);
      return mul(x, pow(add(mul(sums, this.alpha / this.size), this.k), -this.beta));
    });
  }
  extraRepr(): string {
    const py = (v: number): string => (Number.isInteger(v) ? String(v) : pyFloat(v));
    return `${this.size}, alpha=${py(this.alpha)}, beta=${py(this.beta)}, k=${py(this.k)}`;
  }
}
