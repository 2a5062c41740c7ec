// conv.ts — the convolution and pooling layers (`Conv1d`, `Conv2d`, `ConvTranspose2d`, `MaxPool2d`,
// `AvgPool2d`, `AdaptiveAvgPool2d`), with PyTorch's semantics, argument names (camelCase) and
// default initialisations. The functional ops and their gradients are in ops/conv.ts; they are
// re-exported here because `fl.nn` and `fl.nn.functional` expose them, as torch.nn.functional does.
// A paddingMode other than 'zeros' pads as torch's _conv_forward does: F.pad (pad.ts) of the input
// with the reversed padding repeated twice (for 'same': d·(k-1) split with the extra on the right),
// then the convolution with no padding.
import { ValueError } from '../errors';
import { getDefaultDtype } from '../defaults';
import { describeArg } from '../arity';
import { empty } from '../ops/creation';
import {
  adaptiveAvgPool2d, avgPool2d, conv1d, conv2d, convTranspose2d, maxPool2d, pair, positiveInt, single,
} from '../ops/conv';
import type { AvgPool2dOptions, Conv1dOptions, ConvPadding, MaxPool2dOptions, Size2 } from '../ops/conv';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { kaimingUniform_, uniform_ } from './init';
import { padOp } from './pad';
import { Module, Parameter } from './module';
import * as A from '../args';
import { AnySignature, ArgsThenOptions, optional, required, signature } from '../args';

export { conv1d, conv2d, convTranspose2d, maxPool2d, avgPool2d, adaptiveAvgPool2d } from '../ops/conv';
export type {
  Size2, ConvPadding, Conv2dOptions, Conv1dOptions, ConvTranspose2dOptions, MaxPool2dOptions, AvgPool2dOptions,
} from '../ops/conv';

// ---- modules -------------------------------------------------------------------------------------

/** The conv layers' padding modes (torch's padding_mode); the transposed convolution takes only 'zeros'. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

export interface ConvModuleOptions {
  stride?: Size2;
  padding?: ConvPadding;
  dilation?: Size2;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** How the input is padded: 'zeros' (default), 'reflect', 'replicate' or 'circular' (F.pad's modes). */
  paddingMode?: PaddingMode;
  dtype?: 'float32' | 'float64' | 'float16' | 'bfloat16';
  device?: string;
}

const tup = (v: readonly number[]): string => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;

function newParam(shape: number[], o: ConvModuleOptions, init: (t: Tensor) => void): Tensor {
  const t = empty(shape, { dtype: o.dtype ?? getDefaultDtype(), device: o.device });
  init(t);
  return Parameter(t);
}

// PyTorch's positional order of each layer (lib/args.ts): Conv2d(in, out, kernel, stride, padding,
// dilation, groups, bias, padding_mode), ConvTranspose2d(in, out, kernel, stride, padding,
// output_padding, groups, bias, dilation, padding_mode), MaxPool2d(kernel, stride, padding,
// dilation, return_indices, ceil_mode), AvgPool2d(kernel, stride, padding, ceil_mode,
// count_include_pad, divisor_override); dtype and device are keywords. Values are checked below.
const ANY = A.anyValue<never>();
const REQ = required(ANY);
const OPT = optional(ANY);
const CONV_KEYS = {
  inChannels: REQ, outChannels: REQ, kernelSize: REQ, stride: OPT, padding: OPT, dilation: OPT, groups: OPT,
  bias: optional(A.bool, true), paddingMode: OPT, dtype: optional(A.dtype), device: optional(A.device),
};
const CONV_ORDER = ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'] as const;
const ARGS = {
  Conv2d: signature('Conv2d', [...CONV_ORDER], CONV_KEYS),
  Conv1d: signature('Conv1d', [...CONV_ORDER], CONV_KEYS),
  ConvTranspose2d: signature('ConvTranspose2d', ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode'],
    { ...CONV_KEYS, outputPadding: OPT }),
  MaxPool2d: signature('MaxPool2d', ['kernelSize', 'stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'], {
    kernelSize: REQ, stride: OPT, padding: OPT, dilation: OPT, returnIndices: optional(A.bool), ceilMode: optional(A.bool),
  }),
  AvgPool2d: signature('AvgPool2d', ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], {
    kernelSize: REQ, stride: OPT, padding: OPT, ceilMode: optional(A.bool), countIncludePad: optional(A.bool), divisorOverride: OPT,
  }),
  AdaptiveAvgPool2d: signature('AdaptiveAvgPool2d', ['outputSize'], { outputSize: REQ }),
};
type ConvArgs = ConvModuleOptions & { inChannels: number; outChannels: number; kernelSize: Size2 };

abstract class ConvNd extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** torch's _reversed_padding_repeated_twice: F.pad's list for a paddingMode other than 'zeros'. */
  protected readonly reversedPaddingRepeatedTwice: number[];
  constructor(
    readonly inChannels: number, readonly outChannels: number, kernelSize: number[], o: ConvModuleOptions,
    dims: number, transposed: boolean, op: string,
  ) {
    super();
    positiveInt(inChannels, 'inChannels', op); positiveInt(outChannels, 'outChannels', op);
    this.groups = positiveInt(o.groups ?? 1, 'groups', op);
    if (inChannels % this.groups !== 0) throw new ValueError(`${op}: inChannels ${String(inChannels)} must be divisible by groups ${String(this.groups)}`);
    if (outChannels % this.groups !== 0) throw new ValueError(`${op}: outChannels ${String(outChannels)} must be divisible by groups ${String(this.groups)}`);
    const mode = o.paddingMode ?? 'zeros';
    if (typeof mode !== 'string' || !PADDING_MODES.includes(mode)) {
      throw new ValueError(`${op}: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${describeArg(mode)}`);
    }
    if (transposed && mode !== 'zeros') throw new ValueError(`${op}: paddingMode ${describeArg(mode)} is not supported (only 'zeros', as torch's ${op})`);
    this.paddingMode = mode;
    const nums = (v: unknown, name: string, min: number): number[] => (dims === 1 ? [single(v, name, op) as number] : pair(v, name, op, min))
      .map((x) => { if (!Number.isInteger(x) || x < min) throw new ValueError(`${op}: ${name} must be >= ${String(min)}, got ${String(x)}`); return x; });
    this.kernelSize = kernelSize;
    this.stride = nums(o.stride ?? 1, 'stride', 1);
    this.dilation = nums(o.dilation ?? 1, 'dilation', 1);
    const p = o.padding ?? 0;
    this.padding = p === 'same' || p === 'valid' ? p : nums(p, 'padding', 0);
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) throw new ValueError(`${op}: padding='same' is not supported for strided convolutions`);
    // pairs from the last spatial dim backwards; 'same' puts the odd one of d·(k-1) on the right
    const padding = this.padding;
    const sides = kernelSize.map((k, i) => {
      if (padding === 'valid') return [0, 0];
      if (padding === 'same') { const total = this.dilation[i] * (k - 1); return [Math.floor(total / 2), total - Math.floor(total / 2)]; }
      return [padding[i], padding[i]];
    });
    this.reversedPaddingRepeatedTwice = sides.reverse().flat();
    const k = kernelSize.reduce((a, b) => a * b, 1);
    const shape = transposed ? [inChannels, outChannels / this.groups, ...kernelSize] : [outChannels, inChannels / this.groups, ...kernelSize];
    // PyTorch's reset_parameters: kaiming_uniform(a=sqrt(5)) gives U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
    // fanIn = weight.shape[1] * kernel elements (so out/groups * k for transposed convs); bias alike
    this.weight = newParam(shape, o, (t) => kaimingUniform_(t, { a: Math.sqrt(5) }));
    const bound = 1 / Math.sqrt(shape[1] * k);
    this.bias = o.bias === false ? null : newParam([outChannels], o, (t) => uniform_(t, -bound, bound));
  }
  /** The input padded by paddingMode (torch's _conv_forward), or null for 'zeros' (the conv pads). */
  protected padInput(x: Tensor, op: string): Tensor | null {
    return this.paddingMode === 'zeros' ? null : padOp(x, this.reversedPaddingRepeatedTwice, this.paddingMode, null, op);
  }
  /** The transposed convolution's output_padding (none here). */
  protected outputPaddingRepr(): string { return ''; }
  extraRepr(): string {
    // torch's _ConvNd.extra_repr, field for field and in its order
    let s = `${String(this.inChannels)}, ${String(this.outChannels)}, kernel_size=${tup(this.kernelSize)}, stride=${tup(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${tup(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tup(this.dilation)}`;
    s += this.outputPaddingRepr();
    if (this.groups !== 1) s += `, groups=${String(this.groups)}`;
    if (!this.bias) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** A pooling layer's sizes are checked when it is made (the functional checks them again per call). */
function checkPoolArgs(o: { stride?: Size2 | null; padding?: Size2; dilation?: Size2 }, op: string): void {
  if (o.stride != null && !(Array.isArray(o.stride) && o.stride.length === 0)) pair(o.stride, 'stride', op, 1);
  if (o.padding !== undefined) pair(o.padding, 'padding', op, 0);
  if (o.dilation !== undefined) pair(o.dilation, 'dilation', op, 1);
}

function kernel2(v: Size2, op: string): number[] { return pair(v, 'kernelSize', op, 1); }

/**
 * 2-D convolution layer, as `torch.nn.Conv2d` (weight [out, in/groups, kh, kw] and bias drawn from
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = in/groups * kh * kw).
 *
 * ```ts
 * const conv = new fl.nn.Conv2d(3, 16, 3, { padding: 1 });
 * const y = conv.forward(x);  // [N, 3, H, W] -> [N, 16, H, W]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options?: ConvModuleOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, ...args: ArgsThenOptions<[stride: Size2, padding: ConvPadding, dilation: Size2, groups: number, bias: boolean, paddingMode: PaddingMode], ConvModuleOptions>);
  constructor(...args: unknown[]) {
    const o = ARGS.Conv2d.parse(args) as ConvArgs;
    super(o.inChannels, o.outChannels, kernel2(o.kernelSize, 'Conv2d'), o, 2, false, 'Conv2d');
  }
  forward(x: Tensor): Tensor {
    const o = { stride: this.stride as [number, number], dilation: this.dilation as [number, number], groups: this.groups };
    const padded = this.padInput(x, 'Conv2d');
    if (padded === null) return conv2d(x, this.weight, this.bias, { ...o, padding: typeof this.padding === 'string' ? this.padding : this.padding as [number, number] });
    try { return conv2d(padded, this.weight, this.bias, { ...o, padding: 0 }); } finally { padded.dispose(); }
  }
}

/**
 * 1-D convolution layer, as `torch.nn.Conv1d` (weight [out, in/groups, k]).
 *
 * ```ts
 * const conv = new fl.nn.Conv1d(8, 16, 5, { padding: 'same' });
 * const y = conv.forward(x);  // [N, 8, L] -> [N, 16, L]
 * ```
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], options?: Omit<ConvModuleOptions, 'stride' | 'padding' | 'dilation'> & Conv1dOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], ...args: ArgsThenOptions<[stride: number, padding: number | 'same' | 'valid', dilation: number, groups: number, bias: boolean, paddingMode: PaddingMode], Pick<ConvModuleOptions, 'dtype' | 'device' | 'paddingMode'>>);
  constructor(...args: unknown[]) {
    const o = ARGS.Conv1d.parse(args) as ConvArgs;
    const k = single(o.kernelSize, 'kernelSize', 'Conv1d') as number;
    if (!(Number.isInteger(k) && k >= 1)) throw new ValueError(`Conv1d: kernelSize must be an integer >= 1, got ${describeArg(o.kernelSize)}`);
    super(o.inChannels, o.outChannels, [k], o, 1, false, 'Conv1d');
  }
  forward(x: Tensor): Tensor {
    const o = { stride: this.stride[0], dilation: this.dilation[0], groups: this.groups };
    const padded = this.padInput(x, 'Conv1d');
    if (padded === null) return conv1d(x, this.weight, this.bias, { ...o, padding: typeof this.padding === 'string' ? this.padding : this.padding[0] });
    try { return conv1d(padded, this.weight, this.bias, { ...o, padding: 0 }); } finally { padded.dispose(); }
  }
}

export interface ConvTranspose2dModuleOptions extends Omit<ConvModuleOptions, 'paddingMode'> {
  padding?: Size2;
  outputPadding?: Size2;
  /** Only 'zeros', as torch's ConvTranspose2d. */
  paddingMode?: 'zeros';
}

/**
 * 2-D transposed convolution layer, as `torch.nn.ConvTranspose2d` (weight [in, out/groups, kh, kw];
 * init bound 1/sqrt(out/groups * kh * kw), as PyTorch computes fan-in from weight.shape[1]).
 *
 * ```ts
 * const up = new fl.nn.ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });  // doubles H and W
 * ```
 */
export class ConvTranspose2d extends ConvNd {
  readonly outputPadding: number[];
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options?: ConvTranspose2dModuleOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, ...args: ArgsThenOptions<[stride: Size2, padding: Size2, outputPadding: Size2, groups: number, bias: boolean, dilation: Size2, paddingMode: 'zeros'], ConvTranspose2dModuleOptions>);
  constructor(...args: unknown[]) {
    const options = ARGS.ConvTranspose2d.parse(args) as ConvArgs & ConvTranspose2dModuleOptions;
    const { inChannels, outChannels, kernelSize } = options;
    if (typeof options.padding === 'string') throw new ValueError(`ConvTranspose2d: padding must be a number or a pair, got ${describeArg(options.padding)}`);
    super(inChannels, outChannels, kernel2(kernelSize, 'ConvTranspose2d'), options, 2, true, 'ConvTranspose2d');
    this.outputPadding = pair(options.outputPadding ?? 0, 'outputPadding', 'ConvTranspose2d', 0);
  }
  /** `outputSize` picks the outputPadding that gives that [H, W] (PyTorch's output_size argument). */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const pad = this.padding as number[];
    let op = this.outputPadding;
    if (outputSize) {
      // PyTorch's _output_padding: [H, W], or the whole output shape ([N, C, H, W]; [C, H, W] unbatched)
      if (!(x instanceof Tensor)) throw new ValueError(`ConvTranspose2d: expected a Tensor input, got ${describeArg(x)}`);
      const full = x.ndim === 4 ? 4 : 3;
      if (!Array.isArray(outputSize) || (outputSize.length !== 2 && outputSize.length !== full)) {
        throw new ValueError(`ConvTranspose2d: for ${String(x.ndim)}-D input ${fmt(x._shape)}, outputSize must have 2 or ${String(full)} elements, got ${describeArg(outputSize)}`);
      }
      const hw = outputSize.slice(-2);
      op = [0, 1].map((d) => {
        const inp = x._shape[x.ndim - 2 + d];
        const min = (inp - 1) * this.stride[d] - 2 * pad[d] + this.dilation[d] * (this.kernelSize[d] - 1) + 1;
        const extra = hw[d] - min;
        // the reachable sizes are min .. min + stride - 1, as PyTorch (an output padding below the
        // dilation but not below the stride is refused here, though the constructor takes it)
        if (!(Number.isInteger(hw[d]) && extra >= 0 && extra < this.stride[d])) {
          throw new ValueError(`ConvTranspose2d: requested output size ${fmt(hw)} is not reachable from input ${fmt(x._shape)} (sizes from ${String(min)} to ${String(min + this.stride[d] - 1)} along dim ${String(d)})`);
        }
        return extra;
      });
    }
    return convTranspose2d(x, this.weight, this.bias, { stride: this.stride as [number, number], padding: pad as [number, number], outputPadding: op as [number, number], dilation: this.dilation as [number, number], groups: this.groups });
  }
  protected outputPaddingRepr(): string {
    return this.outputPadding.some((p) => p !== 0) ? `, output_padding=${tup(this.outputPadding)}` : '';
  }
}

/** What MaxPool2d and AvgPool2d share: the kernel size and options, read and checked by their signature. */
abstract class Pool2d<Options extends MaxPool2dOptions | AvgPool2dOptions> extends Module {
  readonly kernelSize: Size2;
  readonly options: Options;
  protected constructor(sig: AnySignature, args: unknown[]) {
    super();
    const { kernelSize, ...options } = sig.parse(args) as unknown as { kernelSize: Size2 } & Options;
    pair(kernelSize, 'kernelSize', sig.fn, 1);
    checkPoolArgs(options, sig.fn);
    this.kernelSize = kernelSize;
    this.options = options as unknown as Options;
  }
  /** PyTorch's repr: kernel_size, stride (the kernel size by default) and padding. */
  protected reprHead(): string {
    const o = this.options;
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(o.stride ?? this.kernelSize)}, padding=${reprSize(o.padding ?? 0)}`;
  }
}
function reprSize(v: unknown): string { return Array.isArray(v) ? tup(v) : String(v); }

/**
 * 2-D max pooling layer, as `torch.nn.MaxPool2d` (`returnIndices: true` makes forward return
 * `[output, indices]`, and its type says so).
 *
 * ```ts
 * const pool = new fl.nn.MaxPool2d(2);   // stride defaults to kernelSize
 * ```
 */
export class MaxPool2d<ReturnIndices extends boolean = false> extends Pool2d<MaxPool2dOptions> {
  constructor(kernelSize: Size2, options?: MaxPool2dOptions & { returnIndices?: ReturnIndices });
  constructor(kernelSize: Size2, ...args: ArgsThenOptions<[stride: Size2 | null, padding: Size2, dilation: Size2, returnIndices: ReturnIndices, ceilMode: boolean], MaxPool2dOptions & { returnIndices?: ReturnIndices }>);
  constructor(...args: unknown[]) { super(ARGS.MaxPool2d, args); }
  forward(x: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return maxPool2d(x, this.kernelSize, this.options) as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }
  extraRepr(): string {
    return `${this.reprHead()}, dilation=${reprSize(this.options.dilation ?? 1)}, ceil_mode=${this.options.ceilMode ? 'True' : 'False'}`;
  }
}

/**
 * 2-D average pooling layer, as `torch.nn.AvgPool2d`.
 *
 * ```ts
 * const pool = new fl.nn.AvgPool2d(3, { stride: 2, padding: 1 });
 * ```
 */
export class AvgPool2d extends Pool2d<AvgPool2dOptions> {
  constructor(kernelSize: Size2, options?: AvgPool2dOptions);
  constructor(kernelSize: Size2, ...args: ArgsThenOptions<[stride: Size2 | null, padding: Size2, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool2dOptions>);
  constructor(...args: unknown[]) { super(ARGS.AvgPool2d, args); }
  forward(x: Tensor): Tensor { return avgPool2d(x, this.kernelSize, this.options); }
  extraRepr(): string { return this.reprHead(); }
}

/**
 * Adaptive 2-D average pooling layer, as `torch.nn.AdaptiveAvgPool2d`.
 *
 * ```ts
 * const gap = new fl.nn.AdaptiveAvgPool2d(1);   // [N, C, H, W] -> [N, C, 1, 1]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | readonly [number | null, number | null];
  constructor(outputSize: number | readonly [number | null, number | null]);
  constructor(...args: unknown[]) {
    super();
    const o = (ARGS.AdaptiveAvgPool2d.parse(args) as { outputSize: number | readonly [number | null, number | null] }).outputSize;
    const ok = (v: unknown) => v === null || (Number.isInteger(v) && (v as number) >= 1);
    if (!(typeof o === 'number' ? ok(o) : Array.isArray(o) && o.length === 2 && o.every(ok))) {
      throw new ValueError(`AdaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (or null), got ${describeArg(o)}`);
    }
    this.outputSize = o;
  }
  forward(x: Tensor): Tensor { return adaptiveAvgPool2d(x, this.outputSize); }
  extraRepr(): string {
    const o = this.outputSize;
    return `output_size=${typeof o === 'number' ? String(o) : `(${o.map((v) => (v === null ? 'None' : String(v))).join(', ')})`}`;
  }
}
