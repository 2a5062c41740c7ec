// layers3d.ts — the 3-D modules, for volumes and video ([N, C, D, H, W], or unbatched [C, D, H, W]):
// nn.Conv3d, nn.ConvTranspose3d, nn.MaxPool3d, nn.AvgPool3d, nn.AdaptiveAvgPool3d, nn.AdaptiveMaxPool3d,
// nn.InstanceNorm3d, nn.Dropout3d and the padding modules ConstantPad3d, ZeroPad3d
// (torch 2.1's), ReflectionPad3d, ReplicationPad3d, with torch 1.13's constructor arguments, defaults,
// parameter and buffer names, initialisations and repr. The computations are conv3d.ts's functionals
// (called with the layer's name, so errors name it); InstanceNorm3d, Dropout3d and the padding modules
// are extra-layers.ts's 1-D/2-D classes with three dims. nn.BatchNorm3d is norm.ts's, beside the others.
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { ValueError } from '../errors';
import { getDefaultDtype } from '../defaults';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { empty } from '../ops/creation';
import { padOp } from './pad';
import { kaimingUniform_, uniform_ } from './init';
import { FactoryOptions, pyBool, pyTuple } from './params';
import { DropoutNd, instanceNormSignature, InstanceNormBase, InstanceNormModuleOptions, PadNd, PadSize } from './extra-layers';
import { Module, Parameter } from './module';
import {
  adaptiveAvgPool3dOp, adaptiveMaxPool3dOp, avgPool3dOp, conv3dOp, convTranspose3dOp, dropout3dOp, maxPool3dOp, needInput, needVolume, positive, triple,
} from './conv3d';
import type { AdaptiveSize3, AvgPool3dOptions, Conv3dPadding, MaxPool3dOptions, Size3, Triple } from './conv3d';
import * as A from '../args';
import { ArgsThenOptions, factoryKeywords as FACTORY, optional, required, signature } from '../args';

const ANY = A.anyValue<never>();
const REQ = required(ANY);
const OPT = optional(ANY);
// PyTorch's positional order of each module (lib/args.ts); values are checked by the layers
const ARGS = {
  Conv3d: signature('Conv3d', ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'], {
    inChannels: REQ, outChannels: REQ, kernelSize: REQ, stride: OPT, padding: OPT, dilation: OPT, groups: OPT,
    bias: optional(A.bool, true), paddingMode: OPT, ...FACTORY,
  }),
  ConvTranspose3d: signature('ConvTranspose3d', ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode'], {
    inChannels: REQ, outChannels: REQ, kernelSize: REQ, stride: OPT, padding: OPT, outputPadding: OPT, groups: OPT,
    bias: optional(A.bool, true), dilation: OPT, paddingMode: OPT, ...FACTORY,
  }),
  MaxPool3d: signature('MaxPool3d', ['kernelSize', 'stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'], {
    kernelSize: REQ, stride: OPT, padding: optional(ANY, 0 as never), dilation: optional(ANY, 1 as never), returnIndices: optional(A.bool, false), ceilMode: optional(A.bool, false),
  }),
  AvgPool3d: signature('AvgPool3d', ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], {
    kernelSize: REQ, stride: OPT, padding: optional(ANY, 0 as never), ceilMode: optional(A.bool, false), countIncludePad: optional(A.bool, true), divisorOverride: OPT,
  }),
  AdaptiveAvgPool3d: signature('AdaptiveAvgPool3d', ['outputSize'], { outputSize: REQ }),
  AdaptiveMaxPool3d: signature('AdaptiveMaxPool3d', ['outputSize', 'returnIndices'], { outputSize: REQ, returnIndices: optional(A.bool, false) }),
  InstanceNorm3d: instanceNormSignature('InstanceNorm3d'),
  Dropout3d: signature('Dropout3d', ['p'], { p: optional(A.anyValue<number>(), 0.5) }),
  ConstantPad3d: signature('ConstantPad3d', ['padding', 'value'], { padding: REQ, value: required(A.num()) }),
  ZeroPad3d: signature('ZeroPad3d', ['padding'], { padding: REQ }),
  ReflectionPad3d: signature('ReflectionPad3d', ['padding'], { padding: REQ }),
  ReplicationPad3d: signature('ReplicationPad3d', ['padding'], { padding: REQ }),
};

// ---- modules -------------------------------------------------------------------------------------

/** The conv layers' padding modes (torch's padding_mode). */
type PaddingMode3 = 'zeros' | 'reflect' | 'replicate' | 'circular';
const PADDING_MODES: readonly PaddingMode3[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** Options of nn.Conv3d (torch's arguments after the kernel size, and dtype/device). */
export interface Conv3dModuleOptions extends FactoryOptions {
  stride?: Size3;
  padding?: Conv3dPadding;
  dilation?: Size3;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** How the input is padded: 'zeros' (default), 'reflect', 'replicate' or 'circular' (F.pad's modes). */
  paddingMode?: PaddingMode3;
}
/** Options of nn.ConvTranspose3d. */
export interface ConvTranspose3dModuleOptions extends FactoryOptions {
  stride?: Size3;
  padding?: Size3;
  outputPadding?: Size3;
  groups?: number;
  bias?: boolean;
  dilation?: Size3;
  /** Only 'zeros', as torch's ConvTranspose3d. */
  paddingMode?: 'zeros';
}

type ConvParsed = Conv3dModuleOptions & ConvTranspose3dModuleOptions & { inChannels: unknown; outChannels: unknown; kernelSize: unknown };

/** What Conv3d and ConvTranspose3d share: the checked sizes, the parameters (torch's init) and the repr. */
abstract class Conv3dBase extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: Triple;
  readonly stride: Triple;
  readonly padding: Triple | 'same' | 'valid';
  readonly dilation: Triple;
  readonly groups: number;
  readonly paddingMode: PaddingMode3;
  constructor(o: ConvParsed, transposed: boolean, op: string) {
    super();
    this.inChannels = positive(o.inChannels, 'inChannels', op);
    this.outChannels = positive(o.outChannels, 'outChannels', op);
    this.groups = positive(o.groups ?? 1, 'groups', op);
    if (this.inChannels % this.groups !== 0) throw new ValueError(`${op}: inChannels ${this.inChannels} must be divisible by groups ${this.groups}`);
    if (this.outChannels % this.groups !== 0) throw new ValueError(`${op}: outChannels ${this.outChannels} must be divisible by groups ${this.groups}`);
    const mode = o.paddingMode ?? 'zeros';
    if (typeof mode !== 'string' || !PADDING_MODES.includes(mode)) {
      throw new ValueError(`${op}: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got ${describeArg(mode)}`);
    }
    if (transposed && mode !== 'zeros') throw new ValueError(`${op}: paddingMode ${describeArg(mode)} is not supported (only 'zeros', as torch's ${op})`);
    this.paddingMode = mode;
    this.kernelSize = triple(o.kernelSize, 'kernelSize', op, 1);
    this.stride = triple(o.stride ?? 1, 'stride', op, 1);
    this.dilation = triple(o.dilation ?? 1, 'dilation', op, 1);
    const p = o.padding ?? 0;
    if (transposed && typeof p === 'string') throw new ValueError(`${op}: padding must be a number or a list of 3, got ${describeArg(p)}`);
    this.padding = p === 'same' || p === 'valid' ? p : triple(p, 'padding', op, 0);
    if (this.padding === 'same' && this.stride.some((v) => v !== 1)) throw new ValueError(`${op}: padding='same' is not supported for strided convolutions`);
    const [cin, cout, g] = [this.inChannels, this.outChannels, this.groups];
    const shape = transposed ? [cin, cout / g, ...this.kernelSize] : [cout, cin / g, ...this.kernelSize];
    // torch's reset_parameters: kaiming_uniform(a=sqrt(5)) is U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with
    // fanIn = weight.shape[1] · kernel volume; the bias alike
    const make = (s: number[], init: (t: Tensor) => void): Tensor => {
      const t = empty(s, { dtype: o.dtype ?? getDefaultDtype(), device: o.device });
      noGrad(() => init(t));
      return Parameter(t);
    };
    this.weight = make(shape, (t) => kaimingUniform_(t, { a: Math.sqrt(5) }));
    const bound = 1 / Math.sqrt(shape[1] * this.kernelSize[0] * this.kernelSize[1] * this.kernelSize[2]);
    this.bias = o.bias === false ? null : make([cout], (t) => uniform_(t, -bound, bound));
  }
  protected outputPaddingRepr(): string { return ''; }
  extraRepr(): string {
    // torch's _ConvNd.extra_repr, field for field and in its order
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((v) => v !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    s += this.outputPaddingRepr();
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/**
 * 3-D convolution layer, as `torch.nn.Conv3d(in_channels, out_channels, kernel_size, stride=1,
 * padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros')`: weight [out, in/groups, kD, kH, kW]
 * and bias drawn from U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = in/groups · kD · kH · kW.
 *
 * ```ts
 * const conv = new nn.Conv3d(1, 16, 3, { padding: 1 });
 * const y = conv.forward(x);  // [N, 1, D, H, W] -> [N, 16, D, H, W]
 * ```
 */
export class Conv3d extends Conv3dBase {
  constructor(inChannels: number, outChannels: number, kernelSize: Size3, options?: Conv3dModuleOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: Size3, ...args: ArgsThenOptions<[stride: Size3, padding: Conv3dPadding, dilation: Size3, groups: number, bias: boolean, paddingMode: PaddingMode3], Conv3dModuleOptions>);
  constructor(...args: unknown[]) { super(ARGS.Conv3d.parse(args) as unknown as ConvParsed, false, 'Conv3d'); }
  forward(x: Tensor): Tensor {
    const o = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return conv3dOp(x, this.weight, this.bias, { ...o, padding: this.padding }, 'Conv3d');
    // torch's _conv_forward: F.pad with the reversed padding repeated twice ('same': the odd one on the far side)
    const padding = this.padding;
    const sides = this.kernelSize.map((k, i) => {
      if (padding === 'valid') return [0, 0];
      if (padding === 'same') { const t = this.dilation[i] * (k - 1); return [Math.floor(t / 2), t - Math.floor(t / 2)]; }
      return [padding[i], padding[i]];
    });
    const padded = padOp(needInput(x, 'Conv3d'), sides.reverse().flat(), this.paddingMode, null, 'Conv3d');
    try { return conv3dOp(padded, this.weight, this.bias, { ...o, padding: 0 }, 'Conv3d'); } finally { padded.dispose(); }
  }
}

/**
 * 3-D transposed convolution layer, as `torch.nn.ConvTranspose3d(in_channels, out_channels,
 * kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1,
 * padding_mode='zeros')`: weight [in, out/groups, kD, kH, kW], init bound 1/sqrt(out/groups · kernel volume).
 *
 * ```ts
 * const up = new nn.ConvTranspose3d(16, 8, 4, { stride: 2, padding: 1 });  // doubles D, H and W
 * ```
 */
export class ConvTranspose3d extends Conv3dBase {
  readonly outputPadding: Triple;
  constructor(inChannels: number, outChannels: number, kernelSize: Size3, options?: ConvTranspose3dModuleOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: Size3, ...args: ArgsThenOptions<[stride: Size3, padding: Size3, outputPadding: Size3, groups: number, bias: boolean, dilation: Size3, paddingMode: 'zeros'], ConvTranspose3dModuleOptions>);
  constructor(...args: unknown[]) {
    const o = ARGS.ConvTranspose3d.parse(args) as unknown as ConvParsed;
    super(o, true, 'ConvTranspose3d');
    this.outputPadding = triple(o.outputPadding ?? 0, 'outputPadding', 'ConvTranspose3d', 0);
  }
  /** `outputSize` picks the outputPadding that gives that [D, H, W] (torch's output_size argument; the whole shape also works). */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const op = 'ConvTranspose3d';
    const pad = this.padding as Triple;
    let op3: number[] = this.outputPadding;
    if (outputSize !== undefined && outputSize !== null) {
      const v = needVolume(x, op);
      const full = v.ndim;
      if (!Array.isArray(outputSize) || (outputSize.length !== 3 && outputSize.length !== full) || !outputSize.every((e) => Number.isInteger(e))) {
        throw new ValueError(`${op}: for ${full}-D input ${fmt(v._shape)}, outputSize must have 3 or ${full} integers, got ${describeArg(outputSize)}`);
      }
      const dhw = (outputSize as number[]).slice(-3);
      op3 = [0, 1, 2].map((i) => {
        const inp = v._shape[v.ndim - 3 + i];
        const min = (inp - 1) * this.stride[i] - 2 * pad[i] + this.dilation[i] * (this.kernelSize[i] - 1) + 1;
        const extra = dhw[i] - min;
        if (!(extra >= 0 && extra < this.stride[i])) {
          throw new ValueError(`${op}: requested output size ${fmt(dhw)} is not reachable from input ${fmt(v._shape)} (sizes from ${min} to ${min + this.stride[i] - 1} along spatial dim ${i})`);
        }
        return extra;
      });
    }
    return convTranspose3dOp(x, this.weight, this.bias, { stride: this.stride, padding: pad, outputPadding: op3 as Triple, groups: this.groups, dilation: this.dilation }, op);
  }
  protected outputPaddingRepr(): string {
    return this.outputPadding.some((v) => v !== 0) ? `, output_padding=${pyTuple(this.outputPadding)}` : '';
  }
}

/** Python's repr of a size argument as given: 3, (3,), (1, 2, 2), None. */
function pySize(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `(${v.map(pySize).join(', ')}${v.length === 1 ? ',' : ''})`;
  return typeof v === 'number' ? String(v) : describeArg(v);
}

/**
 * 3-D max pooling layer, as `torch.nn.MaxPool3d(kernel_size, stride=None, padding=0, dilation=1,
 * return_indices=False, ceil_mode=False)`; `returnIndices: true` makes forward return `[output, indices]`.
 *
 * ```ts
 * const pool = new nn.MaxPool3d([1, 2, 2]);   // halves H and W of every frame
 * ```
 */
export class MaxPool3d<ReturnIndices extends boolean = false> extends Module {
  readonly kernelSize: Size3;
  readonly options: MaxPool3dOptions;
  constructor(kernelSize: Size3, options?: MaxPool3dOptions & { returnIndices?: ReturnIndices });
  constructor(kernelSize: Size3, ...args: ArgsThenOptions<[stride: Size3 | null, padding: Size3, dilation: Size3, returnIndices: ReturnIndices, ceilMode: boolean], MaxPool3dOptions & { returnIndices?: ReturnIndices }>);
  constructor(...args: unknown[]) {
    super();
    const { kernelSize, ...o } = ARGS.MaxPool3d.parse(args) as { kernelSize: Size3 } & MaxPool3dOptions;
    triple(kernelSize, 'kernelSize', 'MaxPool3d', 1);
    if (o.stride !== undefined && o.stride !== null && !(Array.isArray(o.stride) && o.stride.length === 0)) triple(o.stride, 'stride', 'MaxPool3d', 1);
    triple(o.padding, 'padding', 'MaxPool3d', 0); triple(o.dilation, 'dilation', 'MaxPool3d', 1);
    this.kernelSize = kernelSize;
    this.options = o;
  }
  forward(x: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return maxPool3dOp(x, this.kernelSize, this.options, 'MaxPool3d') as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }
  extraRepr(): string {
    const o = this.options;
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(o.stride ?? this.kernelSize)}, padding=${pySize(o.padding)}, dilation=${pySize(o.dilation)}, ceil_mode=${pyBool(!!o.ceilMode)}`;
  }
}

/**
 * 3-D average pooling layer, as `torch.nn.AvgPool3d(kernel_size, stride=None, padding=0,
 * ceil_mode=False, count_include_pad=True, divisor_override=None)`.
 *
 * ```ts
 * const pool = new nn.AvgPool3d(2, { stride: 2 });
 * ```
 */
export class AvgPool3d extends Module {
  readonly kernelSize: Size3;
  readonly options: AvgPool3dOptions;
  constructor(kernelSize: Size3, options?: AvgPool3dOptions);
  constructor(kernelSize: Size3, ...args: ArgsThenOptions<[stride: Size3 | null, padding: Size3, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool3dOptions>);
  constructor(...args: unknown[]) {
    super();
    const { kernelSize, ...o } = ARGS.AvgPool3d.parse(args) as { kernelSize: Size3 } & AvgPool3dOptions;
    triple(kernelSize, 'kernelSize', 'AvgPool3d', 1);
    if (o.stride !== undefined && o.stride !== null && !(Array.isArray(o.stride) && o.stride.length === 0)) triple(o.stride, 'stride', 'AvgPool3d', 1);
    triple(o.padding, 'padding', 'AvgPool3d', 0);
    this.kernelSize = kernelSize;
    this.options = o;
  }
  forward(x: Tensor): Tensor { return avgPool3dOp(x, this.kernelSize, this.options, 'AvgPool3d'); }
  extraRepr(): string {
    const o = this.options;
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(o.stride ?? this.kernelSize)}, padding=${pySize(o.padding)}`;
  }
}

function adaptiveRepr(v: AdaptiveSize3): string { return `output_size=${pySize(v)}`; }

/**
 * Adaptive 3-D average pooling layer, as `torch.nn.AdaptiveAvgPool3d(output_size)`.
 *
 * ```ts
 * const gap = new nn.AdaptiveAvgPool3d(1);   // [N, C, D, H, W] -> [N, C, 1, 1, 1]
 * ```
 */
export class AdaptiveAvgPool3d extends Module {
  readonly outputSize: AdaptiveSize3;
  constructor(outputSize: AdaptiveSize3);
  constructor(...args: unknown[]) {
    super();
    this.outputSize = (ARGS.AdaptiveAvgPool3d.parse(args) as { outputSize: AdaptiveSize3 }).outputSize;
  }
  forward(x: Tensor): Tensor { return adaptiveAvgPool3dOp(x, this.outputSize, 'AdaptiveAvgPool3d'); }
  extraRepr(): string { return adaptiveRepr(this.outputSize); }
}

/**
 * Adaptive 3-D max pooling layer, as `torch.nn.AdaptiveMaxPool3d(output_size, return_indices=False)`.
 *
 * ```ts
 * const pool = new nn.AdaptiveMaxPool3d([2, 4, 4]);
 * ```
 */
export class AdaptiveMaxPool3d<ReturnIndices extends boolean = false> extends Module {
  readonly outputSize: AdaptiveSize3;
  readonly returnIndices: boolean;
  constructor(outputSize: AdaptiveSize3, returnIndices?: ReturnIndices);
  constructor(outputSize: AdaptiveSize3, options: { returnIndices?: ReturnIndices });
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.AdaptiveMaxPool3d.parse(args) as { outputSize: AdaptiveSize3; returnIndices: boolean };
    this.outputSize = o.outputSize;
    this.returnIndices = o.returnIndices;
  }
  forward(x: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool3dOp(x, this.outputSize, this.returnIndices, 'AdaptiveMaxPool3d') as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }
  extraRepr(): string { return adaptiveRepr(this.outputSize); }
}

/**
 * Instance norm over [N, C, D, H, W] (or unbatched [C, D, H, W]), as `torch.nn.InstanceNorm3d(num_features,
 * eps=1e-5, momentum=0.1, affine=False, track_running_stats=False)`.
 *
 * ```ts
 * const norm = new nn.InstanceNorm3d(16, { affine: true });
 * ```
 */
export class InstanceNorm3d extends InstanceNormBase {
  constructor(numFeatures: number, options?: InstanceNormModuleOptions);
  constructor(numFeatures: number, ...args: ArgsThenOptions<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], FactoryOptions>);
  constructor(...args: unknown[]) { super(ARGS.InstanceNorm3d.parse(args), 'InstanceNorm3d', 4); }
}

/**
 * Channel-wise dropout of [N, C, D, H, W] in training (identity in eval), as `torch.nn.Dropout3d(p=0.5)`.
 *
 * ```ts
 * const drop = new nn.Dropout3d(0.1);
 * ```
 */
export class Dropout3d extends DropoutNd {
  constructor(p?: number);
  constructor(options: { p?: number });
  constructor(...args: unknown[]) { super(ARGS.Dropout3d.parse(args).p, 'Dropout3d'); }
  forward(x: Tensor): Tensor { return dropout3dOp(x, this.p, this.training, this.op); }
}

/**
 * Pads the last three dims with a constant, as `torch.nn.ConstantPad3d(padding, value)` (padding: one
 * size, or (left, right, top, bottom, front, back)).
 *
 * ```ts
 * new nn.ConstantPad3d([1, 1, 1, 1, 0, 2], 0.5).forward(x);   // [N, C, D, H, W] -> [N, C, D + 2, H + 2, W + 2]
 * ```
 */
export class ConstantPad3d extends PadNd {
  constructor(padding: PadSize, value: number);
  constructor(...args: unknown[]) { const o = ARGS.ConstantPad3d.parse(args); super(o.padding, 6, 'constant', o.value, 'ConstantPad3d'); }
  extraRepr(): string { return `padding=${pyTuple(this.padding)}, value=${String(this.value)}`; }
}
/**
 * Pads the last three dims with zeros, as `torch.nn.ZeroPad3d(padding)` (torch 2.1; a ConstantPad3d with 0).
 *
 * ```ts
 * new nn.ZeroPad3d(1).forward(x);
 * ```
 */
export class ZeroPad3d extends PadNd {
  constructor(padding: PadSize);
  constructor(...args: unknown[]) { super(ARGS.ZeroPad3d.parse(args).padding, 6, 'constant', 0, 'ZeroPad3d'); }
}
/**
 * Pads the last three dims with their reflection (edge excluded), as `torch.nn.ReflectionPad3d(padding)`.
 *
 * ```ts
 * new nn.ReflectionPad3d(1).forward(x);
 * ```
 */
export class ReflectionPad3d extends PadNd {
  constructor(padding: PadSize);
  constructor(...args: unknown[]) { super(ARGS.ReflectionPad3d.parse(args).padding, 6, 'reflect', 0, 'ReflectionPad3d'); }
}
/**
 * Pads the last three dims by repeating their edges, as `torch.nn.ReplicationPad3d(padding)`.
 *
 * ```ts
 * new nn.ReplicationPad3d([1, 1, 2, 2, 0, 0]).forward(x);
 * ```
 */
export class ReplicationPad3d extends PadNd {
  constructor(padding: PadSize);
  constructor(...args: unknown[]) { super(ARGS.ReplicationPad3d.parse(args).padding, 6, 'replicate', 0, 'ReplicationPad3d'); }
}
