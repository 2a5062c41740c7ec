// extra-layers.ts — the remaining torch.nn layers of torch 1.13 that flintml builds from its ops:
// InstanceNorm1d/2d, LocalResponseNorm, the padding modules (ZeroPad2d, ConstantPad1d/2d,
// ReflectionPad1d/2d, ReplicationPad1d/2d), the channel-wise and alpha dropouts (Dropout1d,
// Dropout2d, AlphaDropout, FeatureAlphaDropout), Bilinear, ConvTranspose1d, EmbeddingBag and the
// containers ParameterList and ParameterDict, with
// their functional forms (F.instanceNorm, localResponseNorm, dropout1d, dropout2d, alphaDropout,
// featureAlphaDropout, bilinear, convTranspose1d, embeddingBag), torch's constructor arguments, defaults, parameter and buffer names,
// initialisations and repr.
//
// Everything is a composition of ops that have CPU and GPU kernels and gradients:
// - instance norm: mean and biased variance over each (n, c) plane (torch's instance_norm, which
//   runs batch_norm on [1, N·C, *]); the running stats move by the batch mean of the per-instance
//   statistics (the unbiased variance), as torch's copy of the repeated running stats' mean;
// - local response norm: torch's formula, x / (k + alpha·avg_pool(pad(x²)))^beta, the average over
//   `size` neighbouring channels taken by avgPool2d on [N, 1, C, rest];
// - the padding modules call F.pad (pad.ts), so their rank rules and errors are F.pad's;
// - dropouts: a Bernoulli(1 - p) mask from fl.rand, one per element or per channel (shape
//   [N, C, 1, …]); the alpha dropouts keep SELU's mean and variance with torch's a and b;
// - bilinear: x1 · (W reshaped [in1, out·in2]) then a product with x2 summed over in2;
// - convTranspose1d: convTranspose2d on a unit-height view;
// - ParameterList / ParameterDict hold parameters under torch's names (no computation);
// - embedding bag: indexSelect of the rows, then one gather into a [bags, largest bag, dim] table
//   (see its section) and a sum, mean or max.
import { checkIterable, describeArg, tooManyArgs } from '../arity';
import { noGrad } from '../autograd';
import { DTypeError, FlintError, IndexError, ShapeError, ValueError } from '../errors';
import { isFloating } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { fmt, numel } from '../shape';
import { scope, Tensor } from '../tensor';
import { add, clamp, div, gt, lt, mul, pow, rsqrt, sub, where } from '../ops/elementwise';
import { full, tensor, zeros } from '../ops/creation';
import { rand } from '../ops/random';
import { max, mean, sum, var as variance } from '../ops/reduce';
import { indexSelect } from '../ops/indexing';
import { cat } from '../ops/views';
import { matmul } from '../ops/matmul';
import { avgPool2d, convTranspose2d, positiveInt, single } from '../ops/conv';
import { alias } from './params';
import { kaimingUniform_, ones_, uniform_, zeros_ } from './init';
import { channelParamsAndStats, FactoryOptions, newParameter, pyBool, pyFloat } from './params';
import { isParameter, Module, Parameter } from './module';
import { padOp } from './pad';
import { traced, traceState, untraced } from '../trace';
import type { OnnxGraph, TracedValue } from '../trace';
import type { DType } from '../dtype';
import * as A from '../args';
import { ArgsThenOptions, factoryKeywords as FACTORY, optional, required, signature } from '../args';

const ANY = A.anyValue<never>();
const REQ = required(ANY);
const OPT = optional(ANY);
const T = required(A.anyValue<Tensor>());
const P = optional(A.anyValue<number>(), 0.5);

const ARGS = {
  instanceNorm: signature('instanceNorm', ['input', 'runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'eps'], {
    input: T, runningMean: OPT, runningVar: OPT, weight: OPT, bias: OPT,
    useInputStats: optional(A.bool, true), momentum: optional(A.num({ min: 0, max: 1 }), 0.1), eps: optional(A.num({ min: 0 }), 1e-5),
  }),
  localResponseNorm: signature('localResponseNorm', ['input', 'size', 'alpha', 'beta', 'k'], {
    input: T, size: REQ, alpha: optional(A.num(), 1e-4), beta: optional(A.num(), 0.75), k: optional(A.num(), 1),
  }),
  dropout1d: signature('dropout1d', ['input', 'p', 'training'], { input: T, p: P, training: optional(A.bool, true) }),
  dropout2d: signature('dropout2d', ['input', 'p', 'training'], { input: T, p: P, training: optional(A.bool, true) }),
  alphaDropout: signature('alphaDropout', ['input', 'p', 'training'], { input: T, p: P, training: optional(A.bool, false) }),
  featureAlphaDropout: signature('featureAlphaDropout', ['input', 'p', 'training'], { input: T, p: P, training: optional(A.bool, false) }),
  bilinear: signature('bilinear', ['input1', 'input2', 'weight', 'bias'], { input1: T, input2: T, weight: T, bias: OPT }),
  convTranspose1d: signature('convTranspose1d', ['input', 'weight', 'bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation'], {
    input: REQ, weight: REQ, bias: OPT, stride: OPT, padding: OPT, outputPadding: OPT, groups: OPT, dilation: OPT,
  }),
  InstanceNorm1d: instanceNormSignature('InstanceNorm1d'),
  InstanceNorm2d: instanceNormSignature('InstanceNorm2d'),
  LocalResponseNorm: signature('LocalResponseNorm', ['size', 'alpha', 'beta', 'k'], {
    size: REQ, alpha: optional(A.num(), 1e-4), beta: optional(A.num(), 0.75), k: optional(A.num(), 1),
  }),
  ZeroPad2d: signature('ZeroPad2d', ['padding'], { padding: REQ }),
  ConstantPad1d: signature('ConstantPad1d', ['padding', 'value'], { padding: REQ, value: required(A.num()) }),
  ConstantPad2d: signature('ConstantPad2d', ['padding', 'value'], { padding: REQ, value: required(A.num()) }),
  ReflectionPad1d: signature('ReflectionPad1d', ['padding'], { padding: REQ }),
  ReflectionPad2d: signature('ReflectionPad2d', ['padding'], { padding: REQ }),
  ReplicationPad1d: signature('ReplicationPad1d', ['padding'], { padding: REQ }),
  ReplicationPad2d: signature('ReplicationPad2d', ['padding'], { padding: REQ }),
  Dropout1d: signature('Dropout1d', ['p'], { p: P }),
  Dropout2d: signature('Dropout2d', ['p'], { p: P }),
  AlphaDropout: signature('AlphaDropout', ['p'], { p: P }),
  FeatureAlphaDropout: signature('FeatureAlphaDropout', ['p'], { p: P }),
  Bilinear: signature('Bilinear', ['in1Features', 'in2Features', 'outFeatures', 'bias'], {
    in1Features: required(A.int({ min: 0 })), in2Features: required(A.int({ min: 0 })), outFeatures: required(A.int({ min: 0 })), bias: optional(A.bool, true), ...FACTORY,
  }),
  ConvTranspose1d: signature('ConvTranspose1d', ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode'], {
    inChannels: REQ, outChannels: REQ, kernelSize: REQ, stride: optional(ANY, 1 as never), padding: optional(ANY, 0 as never), outputPadding: optional(ANY, 0 as never),
    groups: optional(ANY, 1 as never), bias: optional(A.bool, true), dilation: optional(ANY, 1 as never), paddingMode: optional(ANY, 'zeros' as never), ...FACTORY,
  }),
};
export function instanceNormSignature(name: string) {
  return signature(name, ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats'], {
    numFeatures: required(A.int({ min: 0 })), eps: optional(A.num({ min: 0 }), 1e-5), momentum: optional(A.nullable(A.num({ min: 0, max: 1 })), 0.1),
    affine: optional(A.bool, false), trackRunningStats: optional(A.bool, false), ...FACTORY,
  });
}

function needTensor(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}
function needFloating(x: Tensor, op: string, what = 'input'): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: ${what} must be floating (float32, float64, float16, bfloat16), got ${x.dtype}`);
}
function needVector(t: unknown, c: number, op: string, what: string): Tensor | null {
  if (t === null || t === undefined) return null;
  const v = needTensor(t, op, what);
  if (v.ndim !== 1 || v._shape[0] !== c) throw new ShapeError(`${op}: ${what} must have shape [${c}] (the input's channels), got ${fmt(v._shape)}`);
  return v;
}
/** [1, C, 1, …] for an input of rank n. */
const perChannel = (c: number, n: number): number[] => [1, c, ...new Array<number>(Math.max(0, n - 2)).fill(1)];

// ---- instance norm -------------------------------------------------------------------------------

/** Options of `instanceNorm` (torch.nn.functional.instance_norm's keyword arguments). */
export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with each instance's statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** Running-stat factor (default 0.1). */
  momentum?: number;
  eps?: number;
}

function instanceNormOp(x: Tensor, o: InstanceNormOptions, op: string): Tensor {
  needTensor(x, op); needFloating(x, op);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected an input of shape [N, C, *], got ${fmt(x._shape)}`);
  const [N, C] = x._shape;
  const n = x.ndim;
  const rm = needVector(o.runningMean, C, op, 'running_mean'), rv = needVector(o.runningVar, C, op, 'running_var');
  const w = needVector(o.weight, C, op, 'weight'), b = needVector(o.bias, C, op, 'bias');
  const useInput = o.useInputStats ?? true, momentum = o.momentum ?? 0.1, eps = o.eps ?? 1e-5;
  const count = numel(x._shape.slice(2));
  if (useInput && count === 1) throw new ValueError(`${op}: expected more than 1 spatial element when training, got input of shape ${fmt(x._shape)}`);
  if (!useInput && (rm === null || rv === null)) throw new ValueError(`${op}: expected running_mean and running_var when not using the input's statistics`);
  const dims = Array.from({ length: n - 2 }, (_, i) => i + 2);
  const cs = perChannel(C, n);
  return scope(() => {
    let y: Tensor;
    if (useInput) {
      const mu = mean(x, { dim: dims, keepdim: true });
      const v = variance(x, { dim: dims, keepdim: true, correction: 0 });
      if (count > 0 && (rm !== null || rv !== null)) noGrad(() => {
        // the batch mean of each instance's update (torch averages its N repeated running stats)
        if (rm !== null) rm.mul_(1 - momentum).add_(mul(mean(mu.reshape([N, C]), 0), momentum).to(rm.dtype));
        if (rv !== null) rv.mul_(1 - momentum).add_(mul(mean(v.reshape([N, C]), 0), momentum * count / (count - 1)).to(rv.dtype));
      });
      y = mul(sub(x, mu), rsqrt(add(v, eps)));
    } else {
      y = mul(sub(x, rm!.reshape(cs)), rsqrt(add(rv!.reshape(cs), eps)));
    }
    if (w !== null) y = mul(y, w.reshape(cs));
    if (b !== null) y = add(y, b.reshape(cs));
    return y;
  });
}

/**
 * Instance normalisation, as `torch.nn.functional.instance_norm(input, running_mean=None,
 * running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-5)`: each
 * (n, c) plane of [N, C, *] normalised by its own mean and biased variance.
 *
 * ```ts
 * F.instanceNorm(x);                               // [N, C, H, W], no affine
 * F.instanceNorm(x, rm, rv, { weight, bias });     // updates rm, rv in place
 * ```
 */
export function instanceNorm(input: Tensor, options?: InstanceNormOptions): Tensor;
export function instanceNorm(input: Tensor, ...args: ArgsThenOptions<[runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null, useInputStats: boolean, momentum: number, eps: number], InstanceNormOptions>): Tensor;
export function instanceNorm(...args: unknown[]): Tensor {
  const { input, ...o } = ARGS.instanceNorm.parse(args) as { input: Tensor } & InstanceNormOptions;
  return instanceNormOp(input, o, 'instanceNorm');
}

/** Options of InstanceNorm1d/2d (torch's keyword arguments). */
export interface InstanceNormModuleOptions extends FactoryOptions {
  eps?: number;
  /** Running-stat factor (default 0.1). */
  momentum?: number | null;
  /** Learnable per-channel weight (ones) and bias (zeros); default false. */
  affine?: boolean;
  /** Keep running mean and variance, used in eval (default false). */
  trackRunningStats?: boolean;
}

export abstract class InstanceNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;
  constructor(o: FactoryOptions & { numFeatures: number; eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean }, private readonly op: string, private readonly noBatchDim: number) {
    super();
    this.numFeatures = o.numFeatures; this.eps = o.eps; this.momentum = o.momentum; this.affine = o.affine; this.trackRunningStats = o.trackRunningStats;
    const c = o.numFeatures;
    // torch registers the same buffers as the batch norms (num_batches_tracked is kept, never counted)
    [this.weight, this.bias] = channelParamsAndStats(this, c, o, o.affine, o.trackRunningStats);
  }
  /** Buffer 'running_mean' (null without trackRunningStats). */
  get runningMean(): Tensor | null { return this._buffers.get('running_mean') ?? null; }
  /** Buffer 'running_var' (null without trackRunningStats). */
  get runningVar(): Tensor | null { return this._buffers.get('running_var') ?? null; }
  forward(x: Tensor): Tensor {
    const op = this.op;
    needTensor(x, op);
    const nb = this.noBatchDim;
    if (x.ndim !== nb && x.ndim !== nb + 1) throw new ShapeError(`${op}: expected ${nb}D or ${nb + 1}D input, got shape ${fmt(x._shape)}`);
    const c = x._shape[x.ndim - nb];
    // torch refuses a channel count other than numFeatures when affine (and the running stats cannot take it)
    if (c !== this.numFeatures && (this.affine || this.trackRunningStats)) {
      throw new ShapeError(`${op}: expected input's size at dim ${x.ndim - nb} to match numFeatures (${this.numFeatures}), got input of shape ${fmt(x._shape)}`);
    }
    const useInput = this.training || !this.trackRunningStats;
    const update = useInput && this.trackRunningStats;
    if (update && this.momentum === null) throw new ValueError(`${op}: momentum=None (a cumulative average) is not supported by instance norm, as torch's instance_norm`);
    const o: InstanceNormOptions = {
      runningMean: this.runningMean, runningVar: this.runningVar, weight: this.weight, bias: this.bias,
      useInputStats: useInput, momentum: this.momentum ?? 0.1, eps: this.eps,
    };
    if (x.ndim === nb + 1) return instanceNormOp(x, o, op);
    const x1 = x.unsqueeze(0);
    try {
      const y = instanceNormOp(x1, o, op);
      try { return y.squeeze(0); } finally { y.dispose(); }
    } finally { x1.dispose(); }
  }
  extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Instance norm over [N, C, L] (or unbatched [C, L]), as `torch.nn.InstanceNorm1d(num_features,
 * eps=1e-5, momentum=0.1, affine=False, track_running_stats=False)`.
 *
 * ```ts
 * const norm = new nn.InstanceNorm1d(16, { affine: true });
 * ```
 */
export class InstanceNorm1d extends InstanceNormBase {
  constructor(numFeatures: number, options?: InstanceNormModuleOptions);
  constructor(numFeatures: number, ...args: ArgsThenOptions<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], FactoryOptions>);
  constructor(...args: unknown[]) { super(ARGS.InstanceNorm1d.parse(args), 'InstanceNorm1d', 2); }
}

/**
 * Instance norm over [N, C, H, W] (or unbatched [C, H, W]), as `torch.nn.InstanceNorm2d`.
 *
 * ```ts
 * const norm = new nn.InstanceNorm2d(64, { affine: true, trackRunningStats: true });
 * ```
 */
export class InstanceNorm2d extends InstanceNormBase {
  constructor(numFeatures: number, options?: InstanceNormModuleOptions);
  constructor(numFeatures: number, ...args: ArgsThenOptions<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], FactoryOptions>);
  constructor(...args: unknown[]) { super(ARGS.InstanceNorm2d.parse(args), 'InstanceNorm2d', 3); }
}

// ---- local response norm -------------------------------------------------------------------------

/** Options of `localResponseNorm`. */
export interface LocalResponseNormOptions {
  /** Multiplicative factor (default 1e-4). */
  alpha?: number;
  /** Exponent (default 0.75). */
  beta?: number;
  /** Additive factor (default 1). */
  k?: number;
}

function localResponseNormOp(x: Tensor, size: unknown, o: LocalResponseNormOptions, op: string): Tensor {
  needTensor(x, op); needFloating(x, op);
  const n = positiveInt(size, 'size', op);
  if (x.ndim < 3) throw new ShapeError(`${op}: expected 3D or higher dimensionality input, got shape ${fmt(x._shape)}`);
  const { alpha = 1e-4, beta = 0.75, k = 1 } = o;
  if (x.numel === 0) return alias(x);
  const [N, C] = x._shape;
  return scope(() => {
    // the mean of x² over `size` channels centred on each (zeros beyond the ends), as torch's avg_pool over the padded squares
    const sq = mul(x, x).reshape([N, 1, C, -1]);
    const padded = padOp(sq, [0, 0, Math.floor(n / 2), Math.floor((n - 1) / 2)], 'constant', 0, op);
    const div = avgPool2d(padded, [n, 1], { stride: 1 }).reshape(x._shape as number[]);
    return mul(x, pow(add(mul(div, alpha), k), -beta));
  });
}

/**
 * Local response normalisation across channels, as `torch.nn.functional.local_response_norm(input,
 * size, alpha=1e-4, beta=0.75, k=1.0)`: x / (k + alpha·mean of x² over `size` neighbouring channels)^beta.
 *
 * ```ts
 * F.localResponseNorm(x, 5, 1e-4, 0.75, 2);   // AlexNet's
 * ```
 */
export function localResponseNorm(input: Tensor, size: number, options?: LocalResponseNormOptions): Tensor;
export function localResponseNorm(input: Tensor, size: number, ...args: ArgsThenOptions<[alpha: number, beta: number, k: number], LocalResponseNormOptions>): Tensor;
export function localResponseNorm(...args: unknown[]): Tensor {
  const { input, size, ...o } = ARGS.localResponseNorm.parse(args) as { input: Tensor; size: number } & LocalResponseNormOptions;
  return localResponseNormOp(input, size, o, 'localResponseNorm');
}

/**
 * Local response normalisation layer, as `torch.nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.0)`.
 *
 * ```ts
 * const lrn = new nn.LocalResponseNorm(5, { k: 2 });
 * ```
 */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(size: number, options?: LocalResponseNormOptions);
  constructor(size: number, ...args: ArgsThenOptions<[alpha: number, beta: number, k: number], LocalResponseNormOptions>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.LocalResponseNorm.parse(args) as { size: number; alpha: number; beta: number; k: number };
    this.size = positiveInt(o.size, 'size', 'LocalResponseNorm');
    this.alpha = o.alpha; this.beta = o.beta; this.k = o.k;
  }
  forward(x: Tensor): Tensor { return localResponseNormOp(x, this.size, this, 'LocalResponseNorm'); }
  // torch prints the arguments as given (k=1.0 by default, k=2 when given 2): a number prints as Python's float
  extraRepr(): string { return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`; }
}

// ---- padding modules -----------------------------------------------------------------------------

/** A padding argument: one size for every side, or the (left, right[, top, bottom]) list. */
export type PadSize = number | readonly number[];

function padTuple(v: unknown, n: number, op: string): number[] {
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.isArray(v) ? v : null;
  if (arr === null || arr.length !== n || !arr.every((x) => Number.isInteger(x))) {
    throw new ValueError(`${op}: padding must be an integer or ${n} integers, got ${describeArg(v)}`);
  }
  return arr.slice();
}
const pyInts = (v: readonly number[]): string => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;

export abstract class PadNd extends Module {
  readonly padding: number[];
  constructor(padding: unknown, sides: number, private readonly mode: 'constant' | 'reflect' | 'replicate', readonly value: number, private readonly op: string) {
    super();
    this.padding = padTuple(padding, sides, op);
  }
  forward(x: Tensor): Tensor { return padOp(x, this.padding, this.mode, this.mode === 'constant' ? this.value : null, this.op); }
  extraRepr(): string { return pyInts(this.padding); }
}

/**
 * Pads the last two dims with zeros, as `torch.nn.ZeroPad2d(padding)` (padding: one size, or
 * (left, right, top, bottom)).
 *
 * ```ts
 * new nn.ZeroPad2d([1, 1, 2, 0]).forward(x);   // [N, C, H, W] -> [N, C, H + 2, W + 2]
 * ```
 */
export class ZeroPad2d extends PadNd {
  constructor(padding: PadSize);
  constructor(...args: unknown[]) { super(ARGS.ZeroPad2d.parse(args).padding, 4, 'constant', 0, 'ZeroPad2d'); }
}
/**
 * Pads the last dim with a constant, as `torch.nn.ConstantPad1d(padding, value)`.
 *
 * ```ts
 * new nn.ConstantPad1d(2, 3.5).forward(x);   // [N, C, L] -> [N, C, L + 4]
 * ```
 */
export class ConstantPad1d extends PadNd {
  constructor(padding: PadSize, value: number);
  constructor(...args: unknown[]) { const o = ARGS.ConstantPad1d.parse(args); super(o.padding, 2, 'constant', o.value, 'ConstantPad1d'); }
  extraRepr(): string { return `padding=${pyInts(this.padding)}, value=${String(this.value)}`; }
}
/**
 * Pads the last two dims with a constant, as `torch.nn.ConstantPad2d(padding, value)`.
 *
 * ```ts
 * new nn.ConstantPad2d([1, 0, 2, 0], -1).forward(x);
 * ```
 */
export class ConstantPad2d extends PadNd {
  constructor(padding: PadSize, value: number);
  constructor(...args: unknown[]) { const o = ARGS.ConstantPad2d.parse(args); super(o.padding, 4, 'constant', o.value, 'ConstantPad2d'); }
  extraRepr(): string { return `padding=${pyInts(this.padding)}, value=${String(this.value)}`; }
}
/**
 * Pads the last dim with its reflection (edge excluded), as `torch.nn.ReflectionPad1d(padding)`.
 *
 * ```ts
 * new nn.ReflectionPad1d(2).forward(x);   // [N, C, L] -> [N, C, L + 4]
 * ```
 */
export class ReflectionPad1d extends PadNd {
  constructor(padding: PadSize);
  constructor(...args: unknown[]) { super(ARGS.ReflectionPad1d.parse(args).padding, 2, 'reflect', 0, 'ReflectionPad1d'); }
}
/**
 * Pads the last two dims with their reflection, as `torch.nn.ReflectionPad2d(padding)`.
 *
 * ```ts
 * new nn.ReflectionPad2d(1).forward(x);
 * ```
 */
export class ReflectionPad2d extends PadNd {
  constructor(padding: PadSize);
  constructor(...args: unknown[]) { super(ARGS.ReflectionPad2d.parse(args).padding, 4, 'reflect', 0, 'ReflectionPad2d'); }
}
/**
 * Pads the last dim by repeating its edge, as `torch.nn.ReplicationPad1d(padding)`.
 *
 * ```ts
 * new nn.ReplicationPad1d([1, 2]).forward(x);
 * ```
 */
export class ReplicationPad1d extends PadNd {
  constructor(padding: PadSize);
  constructor(...args: unknown[]) { super(ARGS.ReplicationPad1d.parse(args).padding, 2, 'replicate', 0, 'ReplicationPad1d'); }
}
/**
 * Pads the last two dims by repeating their edges, as `torch.nn.ReplicationPad2d(padding)`.
 *
 * ```ts
 * new nn.ReplicationPad2d(1).forward(x);
 * ```
 */
export class ReplicationPad2d extends PadNd {
  constructor(padding: PadSize);
  constructor(...args: unknown[]) { super(ARGS.ReplicationPad2d.parse(args).padding, 4, 'replicate', 0, 'ReplicationPad2d'); }
}

// ---- dropouts ------------------------------------------------------------------------------------

/** torch's SELU constants: the alpha dropout's saturation value is -scale·alpha. */
const ALPHA_PRIME = 1.7580993408473766;

export function checkP(p: unknown, op: string): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`${op}: dropout probability has to be between 0 and 1, but got ${describeArg(p)}`);
  return p;
}

/**
 * torch's _dropout_impl: a Bernoulli(1 - p) keep mask (per element, or per [N, C] channel for
 * feature dropout), scaled by 1/(1 - p), or for the alpha dropouts x·a·mask + b with b = a·α'·(p - (1 - mask)).
 */
export function dropoutImpl(x: Tensor, p: number, training: boolean, feature: boolean, alphaKind: boolean, op: string): Tensor {
  if (!training || p === 0 || x.numel === 0) return alias(x);
  needFloating(x, op);
  if (p === 1) return mul(x, 0);
  if (feature && x.ndim < 2) throw new ShapeError(`${op}: feature dropout requires at least 2 dimensions in the input, got shape ${fmt(x._shape)}`);
  return scope(() => {
    const shape = feature ? [x._shape[0], x._shape[1], ...new Array<number>(x.ndim - 2).fill(1)] : x._shape;
    const keep = lt(rand(shape, { dtype: x.dtype, device: x.device }), 1 - p).to(x.dtype);
    if (!alphaKind) return mul(x, mul(keep, 1 / (1 - p)));
    const a = 1 / Math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p));
    const b = add(mul(sub(keep, 1), ALPHA_PRIME * a), ALPHA_PRIME * a * p);
    return add(mul(x, mul(keep, a)), b);
  });
}

function dropout1dOp(x: Tensor, p: unknown, training: boolean, op: string): Tensor {
  needTensor(x, op);
  const q = checkP(p, op);
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`${op}: expected a 2-D [C, L] or 3-D [N, C, L] input, got shape ${fmt(x._shape)}`);
  if (x.ndim === 3) return dropoutImpl(x, q, training, true, false, op);
  const x1 = x.unsqueeze(0);
  try {
    const y = dropoutImpl(x1, q, training, true, false, op);
    try { return y.squeeze(0); } finally { y.dispose(); }
  } finally { x1.dispose(); }
}

/**
 * Zeroes whole channels of [N, C, L] (or [C, L]) with probability p, scaling the rest by 1/(1-p),
 * as `torch.nn.functional.dropout1d(input, p=0.5, training=True)`.
 *
 * ```ts
 * F.dropout1d(x, 0.2, model.training);
 * ```
 */
export function dropout1d(input: Tensor, p?: number, training?: boolean): Tensor;
export function dropout1d(input: Tensor, options: { p?: number; training?: boolean }): Tensor;
export function dropout1d(...args: unknown[]): Tensor {
  const o = ARGS.dropout1d.parse(args);
  return dropout1dOp(o.input, o.p, o.training, 'dropout1d');
}

/**
 * Zeroes whole channels (dims 0 and 1 pick the channel) with probability p, as
 * `torch.nn.functional.dropout2d(input, p=0.5, training=True)`. As torch 1.13, a 3-D input is read
 * as [N, C, L] (channel-wise 1-D dropout), not as an unbatched image.
 *
 * ```ts
 * F.dropout2d(x, 0.1);   // x [N, C, H, W]
 * ```
 */
export function dropout2d(input: Tensor, p?: number, training?: boolean): Tensor;
export function dropout2d(input: Tensor, options: { p?: number; training?: boolean }): Tensor;
export function dropout2d(...args: unknown[]): Tensor {
  const o = ARGS.dropout2d.parse(args);
  const op = 'dropout2d';
  needTensor(o.input, op);
  return dropoutImpl(o.input, checkP(o.p, op), o.training, true, false, op);
}

/**
 * Alpha dropout (for SELU networks), as `torch.nn.functional.alpha_dropout(input, p=0.5,
 * training=False)`: dropped elements take SELU's saturation value and the result is rescaled so
 * that a standard normal input keeps mean 0 and variance 1.
 *
 * ```ts
 * F.alphaDropout(x, 0.1, true);
 * ```
 */
export function alphaDropout(input: Tensor, p?: number, training?: boolean): Tensor;
export function alphaDropout(input: Tensor, options: { p?: number; training?: boolean }): Tensor;
export function alphaDropout(...args: unknown[]): Tensor {
  const o = ARGS.alphaDropout.parse(args);
  const op = 'alphaDropout';
  needTensor(o.input, op);
  return dropoutImpl(o.input, checkP(o.p, op), o.training, false, true, op);
}

/**
 * Alpha dropout of whole channels, as `torch.nn.functional.feature_alpha_dropout(input, p=0.5, training=False)`.
 *
 * ```ts
 * F.featureAlphaDropout(x, 0.1, true);
 * ```
 */
export function featureAlphaDropout(input: Tensor, p?: number, training?: boolean): Tensor;
export function featureAlphaDropout(input: Tensor, options: { p?: number; training?: boolean }): Tensor;
export function featureAlphaDropout(...args: unknown[]): Tensor {
  const o = ARGS.featureAlphaDropout.parse(args);
  const op = 'featureAlphaDropout';
  needTensor(o.input, op);
  return dropoutImpl(o.input, checkP(o.p, op), o.training, true, true, op);
}

export abstract class DropoutNd extends Module {
  readonly p: number;
  constructor(p: unknown, protected readonly op: string) { super(); this.p = checkP(p, op); }
  // torch prints p as given: 0.5, or 1 for an integer
  extraRepr(): string { return `p=${Number.isInteger(this.p) ? String(this.p) : pyFloat(this.p)}, inplace=False`; }
}
/**
 * Channel-wise dropout of [N, C, L] in training (identity in eval), as `torch.nn.Dropout1d(p=0.5)`.
 *
 * ```ts
 * const drop = new nn.Dropout1d(0.2);
 * ```
 */
export class Dropout1d extends DropoutNd {
  constructor(p?: number);
  constructor(options: { p?: number });
  constructor(...args: unknown[]) { super(ARGS.Dropout1d.parse(args).p, 'Dropout1d'); }
  forward(x: Tensor): Tensor { return dropout1dOp(x, this.p, this.training, this.op); }
}
/**
 * Channel-wise dropout of [N, C, H, W] in training, as `torch.nn.Dropout2d(p=0.5)`.
 *
 * ```ts
 * const drop = new nn.Dropout2d(0.1);
 * ```
 */
export class Dropout2d extends DropoutNd {
  constructor(p?: number);
  constructor(options: { p?: number });
  constructor(...args: unknown[]) { super(ARGS.Dropout2d.parse(args).p, 'Dropout2d'); }
  forward(x: Tensor): Tensor { needTensor(x, this.op); return dropoutImpl(x, this.p, this.training, true, false, this.op); }
}
/**
 * Alpha dropout in training (identity in eval), as `torch.nn.AlphaDropout(p=0.5)`.
 *
 * ```ts
 * const drop = new nn.AlphaDropout(0.1);
 * ```
 */
export class AlphaDropout extends DropoutNd {
  constructor(p?: number);
  constructor(options: { p?: number });
  constructor(...args: unknown[]) { super(ARGS.AlphaDropout.parse(args).p, 'AlphaDropout'); }
  forward(x: Tensor): Tensor { needTensor(x, this.op); return dropoutImpl(x, this.p, this.training, false, true, this.op); }
}
/**
 * Channel-wise alpha dropout in training, as `torch.nn.FeatureAlphaDropout(p=0.5)`.
 *
 * ```ts
 * const drop = new nn.FeatureAlphaDropout(0.1);
 * ```
 */
export class FeatureAlphaDropout extends DropoutNd {
  constructor(p?: number);
  constructor(options: { p?: number });
  constructor(...args: unknown[]) { super(ARGS.FeatureAlphaDropout.parse(args).p, 'FeatureAlphaDropout'); }
  forward(x: Tensor): Tensor { needTensor(x, this.op); return dropoutImpl(x, this.p, this.training, true, true, this.op); }
}

// ---- bilinear ------------------------------------------------------------------------------------

function bilinearOp(x1: Tensor, x2: Tensor, w: Tensor, b: Tensor | null | undefined, op: string): Tensor {
  needTensor(x1, op, 'input1'); needTensor(x2, op, 'input2'); needTensor(w, op, 'weight');
  if (b != null) needTensor(b, op, 'bias');
  if (w.ndim !== 3) throw new ShapeError(`${op}: weight must be 3-D [out_features, in1_features, in2_features], got ${fmt(w._shape)}`);
  const [out, in1, in2] = w._shape;
  if (x1.ndim === 0 || x1.ndim !== x2.ndim || x1._shape.slice(0, -1).some((s, i) => s !== x2._shape[i])) {
    throw new ShapeError(`${op}: input1 ${fmt(x1._shape)} and input2 ${fmt(x2._shape)} must have the same leading dims`);
  }
  if (x1._shape[x1.ndim - 1] !== in1 || x2._shape[x2.ndim - 1] !== in2) {
    throw new ShapeError(`${op}: input1 ${fmt(x1._shape)} and input2 ${fmt(x2._shape)} must end in in1_features=${in1} and in2_features=${in2} (weight ${fmt(w._shape)})`);
  }
  if (b != null && (b.ndim !== 1 || b._shape[0] !== out)) throw new ShapeError(`${op}: bias must have shape [${out}], got ${fmt(b._shape)}`);
  const types = [x1, x2, w, ...(b != null ? [b] : [])];
  if (!isFloating(x1.dtype) || types.some((t) => t.dtype !== x1.dtype)) {
    throw new DTypeError(`${op}: input1, input2, weight and bias must share one floating dtype, got ${types.map((t) => t.dtype).join(', ')}`);
  }
  const lead = x1._shape.slice(0, -1);
  return scope(() => {
    // t[.., o, j] = Σ_i x1[.., i] W[o, i, j]; y[.., o] = Σ_j t[.., o, j] x2[.., j]
    const t = matmul(x1.reshape([-1, in1]), w.permute([1, 0, 2]).reshape([in1, out * in2])).reshape([-1, out, in2]);
    let y = sum(mul(t, x2.reshape([-1, 1, in2])), 2);
    if (b != null) y = add(y, b);
    return y.reshape([...lead, out]);
  });
}

/**
 * Bilinear transformation y = x1ᵀ·A·x2 + b, as `torch.nn.functional.bilinear(input1, input2,
 * weight, bias=None)`: input1 [*, in1], input2 [*, in2], weight [out, in1, in2] → [*, out].
 *
 * ```ts
 * F.bilinear(a, b, w, bias);   // [B, 3], [B, 5], [4, 3, 5] -> [B, 4]
 * ```
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor;
export function bilinear(...args: unknown[]): Tensor {
  const o = ARGS.bilinear.parse(args);
  return bilinearOp(o.input1, o.input2, o.weight, o.bias as Tensor | null | undefined, 'bilinear');
}

/** Options of Bilinear. */
export interface BilinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * Bilinear layer, as `torch.nn.Bilinear(in1_features, in2_features, out_features, bias=True)`:
 * weight [out, in1, in2] and bias [out] ~ U(-1/√in1, 1/√in1).
 *
 * ```ts
 * const bil = new nn.Bilinear(3, 5, 4);
 * bil.forward(a, b);   // [B, 4]
 * ```
 */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;
  constructor(in1Features: number, in2Features: number, outFeatures: number, options?: BilinearOptions);
  constructor(in1Features: number, in2Features: number, outFeatures: number, bias: boolean, options?: FactoryOptions);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.Bilinear.parse(args);
    this.in1Features = o.in1Features; this.in2Features = o.in2Features; this.outFeatures = o.outFeatures;
    const bound = o.in1Features > 0 ? 1 / Math.sqrt(o.in1Features) : 0;
    this.weight = newParameter([o.outFeatures, o.in1Features, o.in2Features], o, (t) => uniform_(t, -bound, bound));
    this.bias = o.bias ? newParameter([o.outFeatures], o, (t) => uniform_(t, -bound, bound)) : null;
  }
  forward(input1: Tensor, input2: Tensor): Tensor { return bilinearOp(input1, input2, this.weight, this.bias, 'Bilinear'); }
  extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

// ---- convTranspose1d -----------------------------------------------------------------------------

/** Options of `convTranspose1d` (torch.nn.functional.conv_transpose1d's keyword arguments). */
export interface ConvTranspose1dOptions {
  stride?: number | readonly [number];
  padding?: number | readonly [number];
  /** Extra size added to one side of the output (default 0; must be < stride or < dilation). */
  outputPadding?: number | readonly [number];
  groups?: number;
  dilation?: number | readonly [number];
}

function convTranspose1dOp(x: Tensor, w: Tensor, b: Tensor | null | undefined, o: ConvTranspose1dOptions, op: string): Tensor {
  needTensor(x, op); needTensor(w, op, 'weight');
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`${op}: expected a 2-D [C, L] or 3-D [N, C, L] input, got shape ${fmt(x._shape)}`);
  if (w.ndim !== 3) throw new ShapeError(`${op}: expected a 3-D weight [in, out/groups, k], got ${fmt(w._shape)}`);
  const s = single(o.stride ?? 1, 'stride', op) as number, p = single(o.padding ?? 0, 'padding', op) as number;
  const op1 = single(o.outputPadding ?? 0, 'outputPadding', op) as number, d = single(o.dilation ?? 1, 'dilation', op) as number;
  const x2 = x.unsqueeze(-2), w2 = w.unsqueeze(-2);
  try {
    // dilation 1 along the unit height, so that outputPadding 0 there is always allowed
    const y = convTranspose2d(x2, w2, b ?? null, { stride: [1, s], padding: [0, p], outputPadding: [0, op1], dilation: [1, d], groups: o.groups ?? 1 });
    try { return y.squeeze(-2); } finally { y.dispose(); }
  } catch (e) {
    if (e instanceof FlintError && e.message.startsWith('convTranspose2d:')) {
      const E = e.constructor as new (message: string) => FlintError;
      throw new E(`${op}: ${e.message.slice('convTranspose2d:'.length).trim()} (${op} of input ${fmt(x._shape)} with weight ${fmt(w._shape)}, computed as convTranspose2d with a height of 1)`);
    }
    throw e;
  } finally { x2.dispose(); w2.dispose(); }
}

/**
 * 1-D transposed convolution, as `torch.nn.functional.conv_transpose1d(input, weight, bias=None,
 * stride=1, padding=0, output_padding=0, groups=1, dilation=1)`: weight [in, out/groups, k], output
 * length (L-1)·stride - 2·padding + dilation·(k-1) + outputPadding + 1. Runs as convTranspose2d on a
 * height-1 view.
 *
 * ```ts
 * F.convTranspose1d(x, w, b, { stride: 2 });   // x [N, 4, 10], w [4, 8, 3] -> [N, 8, 21]
 * ```
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTranspose1dOptions): Tensor;
export function convTranspose1d(input: Tensor, weight: Tensor, ...args: ArgsThenOptions<[bias: Tensor | null, stride: number, padding: number, outputPadding: number, groups: number, dilation: number], ConvTranspose1dOptions>): Tensor;
export function convTranspose1d(...args: unknown[]): Tensor {
  const { input, weight, bias, ...o } = ARGS.convTranspose1d.parse(args) as { input: Tensor; weight: Tensor; bias?: Tensor | null } & ConvTranspose1dOptions;
  return convTranspose1dOp(input, weight, bias, o, 'convTranspose1d');
}

/** Options of ConvTranspose1d. */
export interface ConvTranspose1dModuleOptions extends ConvTranspose1dOptions, FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Only 'zeros', as torch's ConvTranspose1d. */
  paddingMode?: 'zeros';
}

/**
 * 1-D transposed convolution layer, as `torch.nn.ConvTranspose1d(in_channels, out_channels,
 * kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1)`:
 * weight [in, out/groups, k] and bias drawn from U(-1/√fanIn, 1/√fanIn), fanIn = out/groups·k.
 *
 * ```ts
 * const up = new nn.ConvTranspose1d(16, 8, 4, { stride: 2, padding: 1 });   // doubles L
 * ```
 */
export class ConvTranspose1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number];
  readonly stride: [number];
  readonly padding: [number];
  readonly outputPadding: [number];
  readonly dilation: [number];
  readonly groups: number;
  weight: Tensor;
  bias: Tensor | null;
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], options?: ConvTranspose1dModuleOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], ...args: ArgsThenOptions<[stride: number, padding: number, outputPadding: number, groups: number, bias: boolean, dilation: number, paddingMode: 'zeros'], FactoryOptions>);
  constructor(...args: unknown[]) {
    super();
    const op = 'ConvTranspose1d';
    const o = ARGS.ConvTranspose1d.parse(args) as unknown as ConvTranspose1dModuleOptions & { inChannels: number; outChannels: number; kernelSize: number | [number]; bias: boolean };
    const num = (v: unknown, name: string, min: number): number => {
      const n = single(v, name, op) as number;
      if (!(Number.isInteger(n) && n >= min)) throw new ValueError(`${op}: ${name} must be an integer >= ${min}, got ${describeArg(v)}`);
      return n;
    };
    this.inChannels = positiveInt(o.inChannels, 'inChannels', op);
    this.outChannels = positiveInt(o.outChannels, 'outChannels', op);
    this.groups = positiveInt(o.groups ?? 1, 'groups', op);
    if (this.inChannels % this.groups !== 0) throw new ValueError(`${op}: inChannels ${this.inChannels} must be divisible by groups ${this.groups}`);
    if (this.outChannels % this.groups !== 0) throw new ValueError(`${op}: outChannels ${this.outChannels} must be divisible by groups ${this.groups}`);
    if (o.paddingMode !== undefined && o.paddingMode !== 'zeros') throw new ValueError(`${op}: paddingMode ${describeArg(o.paddingMode)} is not supported (only 'zeros', as torch's ${op})`);
    this.kernelSize = [num(o.kernelSize, 'kernelSize', 1)];
    this.stride = [num(o.stride, 'stride', 1)];
    this.padding = [num(o.padding, 'padding', 0)];
    this.outputPadding = [num(o.outputPadding, 'outputPadding', 0)];
    this.dilation = [num(o.dilation, 'dilation', 1)];
    const k = this.kernelSize[0], og = this.outChannels / this.groups;
    this.weight = newParameter([this.inChannels, og, k], o, (t) => kaimingUniform_(t, { a: Math.sqrt(5) }));
    const bound = 1 / Math.sqrt(og * k);
    this.bias = o.bias === false ? null : newParameter([this.outChannels], o, (t) => uniform_(t, -bound, bound));
  }
  /** `outputSize` picks the outputPadding that gives that length ([L], or the whole output shape), as torch's output_size. */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const op = 'ConvTranspose1d';
    let outPad = this.outputPadding[0];
    if (outputSize !== undefined && outputSize !== null) {
      needTensor(x, op);
      const full = x.ndim;
      if (!Array.isArray(outputSize) || (outputSize.length !== 1 && outputSize.length !== full)) {
        throw new ValueError(`${op}: for ${x.ndim}-D input ${fmt(x._shape)}, outputSize must have 1 or ${full} elements, got ${describeArg(outputSize)}`);
      }
      const want = outputSize[outputSize.length - 1];
      const L = x._shape[x.ndim - 1];
      const min = (L - 1) * this.stride[0] - 2 * this.padding[0] + this.dilation[0] * (this.kernelSize[0] - 1) + 1;
      // the reachable lengths are min .. min + stride - 1, as torch's _output_padding
      if (!(Number.isInteger(want) && want >= min && want < min + this.stride[0])) {
        throw new ValueError(`${op}: requested an output size of ${describeArg(outputSize)}, but valid sizes range from ${min} to ${min + this.stride[0] - 1} (for input ${fmt(x._shape)})`);
      }
      outPad = want - min;
    }
    return convTranspose1dOp(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding: outPad, dilation: this.dilation, groups: this.groups }, op);
  }
  extraRepr(): string {
    // torch's _ConvNd.extra_repr, field for field and in its order
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyInts(this.kernelSize)}, stride=${pyInts(this.stride)}`;
    if (this.padding[0] !== 0) s += `, padding=${pyInts(this.padding)}`;
    if (this.dilation[0] !== 1) s += `, dilation=${pyInts(this.dilation)}`;
    if (this.outputPadding[0] !== 0) s += `, output_padding=${pyInts(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

// ---- embedding bag -------------------------------------------------------------------------------
// The bags are laid out on the host from the index and offset values (read once per call, as torch's
// CPU kernel reads them to check them): a table [B, K] of row positions, K the largest bag, whose
// empty slots and padding entries point at a filler row (zeros for sum and mean, -inf for max). One
// gather of the looked-up rows through it and a sum, mean or max over K give the bags, and their
// gradients flow back through the gathers to the weight (and to perSampleWeights).

/** How an EmbeddingBag reduces a bag: 'sum', 'mean' (default) or 'max'. */
export type EmbeddingBagMode = 'sum' | 'mean' | 'max';
const BAG_MODES: readonly EmbeddingBagMode[] = ['sum', 'mean', 'max'];

/** Options of `embeddingBag` (torch.nn.functional.embedding_bag's keyword arguments). */
export interface EmbeddingBagOptions {
  /** Start of each bag in a 1-D input (required there; none for a 2-D input, whose rows are the bags). */
  offsets?: Tensor | null;
  /** Not supported (renormalising rows in place): only null. */
  maxNorm?: number | null;
  /** The norm of maxNorm (default 2; unused). */
  normType?: number;
  /** Not supported: only false. */
  scaleGradByFreq?: boolean;
  /** 'sum', 'mean' (default) or 'max'. */
  mode?: EmbeddingBagMode;
  /** Not supported (sparse gradients): only false. */
  sparse?: boolean;
  /** A weight per index (the input's shape), multiplied in before summing; mode 'sum' only. */
  perSampleWeights?: Tensor | null;
  /** The offsets hold one more entry, the end of the last bag (default false). */
  includeLastOffset?: boolean;
  /** Indices equal to it are left out of their bag (and of a mean's count). */
  paddingIdx?: number | null;
}

const BAG_KEYS = ['offsets', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', 'perSampleWeights', 'includeLastOffset', 'paddingIdx'] as const;
const EMBEDDING_BAG_ARGS = signature('embeddingBag', ['input', 'weight', ...BAG_KEYS], {
  input: T, weight: T, offsets: OPT, maxNorm: optional(A.nullable(A.num()), null), normType: optional(A.num(), 2), scaleGradByFreq: optional(A.bool, false),
  mode: optional(A.anyValue<EmbeddingBagMode>(), 'mean'), sparse: optional(A.bool, false), perSampleWeights: OPT, includeLastOffset: optional(A.bool, false),
  paddingIdx: optional(A.nullable(A.int()), null),
});

function embeddingBagOp(input: Tensor, weight: Tensor, o: EmbeddingBagOptions, op: string): Tensor {
  needTensor(input, op); needTensor(weight, op, 'weight');
  const mode = o.mode ?? 'mean';
  if (typeof mode !== 'string' || !BAG_MODES.includes(mode)) throw new ValueError(`${op}: mode must be 'sum', 'mean' or 'max', got ${describeArg(mode)}`);
  if (o.maxNorm != null) throw new ValueError(`${op}: maxNorm is not supported (it renormalises the weight's rows in place); got ${describeArg(o.maxNorm)}`);
  if (o.scaleGradByFreq) throw new ValueError(`${op}: scaleGradByFreq is not supported`);
  if (o.sparse) throw new ValueError(`${op}: sparse gradients are not supported (flintml has no sparse tensors)`);
  if (input.dtype !== 'int32') throw new DTypeError(`${op}: input must be an int32 tensor of indices, got ${input.dtype}`);
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-D [num_embeddings, embedding_dim], got shape ${fmt(weight._shape)}`);
  needFloating(weight, op, 'weight');
  const [numEmb, D] = weight._shape;
  let pad = o.paddingIdx ?? null;
  if (pad !== null) {
    if (!Number.isInteger(pad) || pad < -numEmb || pad >= numEmb) throw new ValueError(`${op}: paddingIdx must be within num_embeddings (${numEmb}), got ${describeArg(pad)}`);
    if (pad < 0) pad += numEmb;
  }
  const offsets = o.offsets == null ? null : needTensor(o.offsets, op, 'offsets');
  const psw = o.perSampleWeights == null ? null : needTensor(o.perSampleWeights, op, 'perSampleWeights');
  const last = o.includeLastOffset ?? false;
  let M: number, starts: number[], lastEnd: number | null = null;
  if (input.ndim === 2) {
    if (offsets !== null) throw new ValueError(`${op}: offsets must be null for a 2-D input (each row is a bag), got offsets of shape ${fmt(offsets._shape)}`);
    const [B, N] = input._shape;
    // torch 1.13 makes the offsets as arange(0, B·N, N), which refuses a step of 0
    if (N === 0) throw new ShapeError(`${op}: a 2-D input must have bags of at least one index, got shape ${fmt(input._shape)}`);
    M = B * N;
    starts = Array.from({ length: B }, (_, i) => i * N);
  } else if (input.ndim === 1) {
    if (offsets === null) throw new ValueError(`${op}: offsets are required for a 1-D input`);
    if (offsets.ndim !== 1) throw new ShapeError(`${op}: offsets must be a 1-D tensor, got shape ${fmt(offsets._shape)}`);
    if (offsets.dtype !== 'int32') throw new DTypeError(`${op}: offsets must be int32, got ${offsets.dtype}`);
    M = input._shape[0];
    starts = Array.from(untraced(() => offsets.dataSync()) as Int32Array);
    if (last && starts.length === 0) throw new ValueError(`${op}: includeLastOffset needs at least one offset`);
    if (starts.length > 0 && starts[0] !== 0) throw new ValueError(`${op}: offsets[0] has to be 0 (the first bag starts the input), got ${starts[0]}`);
    for (let i = 1; i < starts.length; i++) {
      if (starts[i] < starts[i - 1] || starts[i] > M) throw new ValueError(`${op}: offsets must be non-decreasing and at most the input's length ${M}, got ${starts[i]} at position ${i}`);
    }
    if (last) { lastEnd = starts[starts.length - 1]; starts = starts.slice(0, -1); }
  } else {
    throw new ShapeError(`${op}: input must be 1-D (with offsets) or 2-D [B, N], got shape ${fmt(input._shape)}`);
  }
  if (psw !== null) {
    if (mode !== 'sum') throw new ValueError(`${op}: perSampleWeights is only supported for mode 'sum', got mode ${describeArg(mode)}`);
    if (psw.ndim !== input.ndim || psw._shape.some((s, i) => s !== input._shape[i])) {
      throw new ShapeError(`${op}: perSampleWeights ${fmt(psw._shape)} must have the input's shape ${fmt(input._shape)}`);
    }
    if (psw.dtype !== weight.dtype) throw new DTypeError(`${op}: perSampleWeights must have the weight's dtype ${weight.dtype}, got ${psw.dtype}`);
  }
  const B = starts.length;
  const ends = starts.map((s, i) => (i + 1 < B ? starts[i + 1] : lastEnd ?? M));
  const idx = input.ndim === 2 ? input.reshape([M]) : input;
  // read here (as torch's CPU kernel reads them) so that a bad index is refused now, on every device
  const values = Array.from(untraced(() => idx.dataSync()) as Int32Array);
  if (idx !== input) idx.dispose();
  const bad = values.findIndex((v) => v < 0 || v >= numEmb);
  if (bad >= 0) throw new IndexError(`${op}: index ${values[bad]} at position ${bad} is out of range for num_embeddings=${numEmb} (input ${fmt(input._shape)})`);
  // the table: positions of each bag's rows, the filler (row M) for empty slots and padding entries
  const counts = starts.map((s, i) => {
    let c = 0;
    for (let j = s; j < ends[i]; j++) if (values[j] !== pad) c++;
    return c;
  });
  // at least one slot, so that all-empty bags are the filler's zeros (still connected to the weight's gradient)
  const K = Math.max(1, ...starts.map((s, i) => ends[i] - s));
  const table = new Int32Array(B * K).fill(M);
  starts.forEach((s, i) => {
    let k = 0;
    for (let j = s; j < ends[i]; j++) if (values[j] !== pad) table[i * K + k++] = j;
  });
  const res = scope(() => {
    const flat = input.reshape([M]);
    let rows: Tensor;
    try { rows = indexSelect(weight, 0, flat); } catch (e) {
      if (e instanceof FlintError && e.message.startsWith('indexSelect:')) throw new IndexError(`${op}: ${e.message.slice('indexSelect:'.length).trim()} (num_embeddings=${numEmb})`);
      throw e;
    }
    if (psw !== null) rows = mul(rows, psw.reshape([M, 1]));
    const filler = full([1, D], mode === 'max' ? -Infinity : 0, { dtype: weight.dtype, device: weight.device });
    const ext = cat([rows, filler], 0);
    const g = indexSelect(ext, 0, tensor(table, { dtype: 'int32', device: weight.device })).reshape([B, K, D]);
    if (mode === 'sum') return sum(g, 1);
    const cnt = tensor(counts, { dtype: weight.dtype, device: weight.device }).reshape([B, 1]);
    if (mode === 'mean') return div(sum(g, 1), clamp(cnt, 1));
    const m = (max(g, 1) as unknown as { values: Tensor }).values;
    return where(gt(cnt, 0), m, 0);  // an empty bag is zeros
  });
  return traceState.tracer === null ? res : traced(op, [input, weight, offsets, psw], res, (g, [vi, vw, vo, vp]) => embeddingBagOnnx(g, vi.name, vw.name, vo, vp, {
    dt: weight.dtype, mode, pad, last, M, twoD: input.ndim === 2,
  }));
}

/**
 * ONNX mapping of embeddingBag (the host-built table above depends on the indices' values): the bag
 * of each position as a mask — per row for a 2-D input, [bags, M] from the offsets for a 1-D one —
 * then a masked sum (MatMul), mean (over the count, at least 1) or max (an empty bag is zeros).
 */
function embeddingBagOnnx(g: OnnxGraph, vi: string, vw: string, vo: TracedValue, vp: TracedValue,
  o: { dt: DType; mode: string; pad: number | null; last: boolean; M: number; twoD: boolean }): string {
  let rows = g.op('Gather', [vw, vi], { axis: 0 });                     // [B, N, D] or [M, D]
  if (!vp.absent) rows = g.op('Mul', [rows, g.op('Unsqueeze', [vp.name, g.ints([-1])])]);
  const zero = g.constant(o.dt, [], [0]);
  const keep = o.pad === null ? null : g.op('Not', [g.op('Equal', [vi, g.constant('int32', [], [o.pad])])]);
  // in: bool [B, N] (2-D: which slots count) or [B, M] (1-D: which positions each bag holds)
  let inBag: string | null = keep;
  if (!o.twoD) {
    const off = g.cast(vo.name, vo.dtype, 'int64');
    const K = vo.shape[0];
    const starts = o.last ? g.op('Slice', [off, g.ints([0]), g.sizes([K - 1]), g.ints([0])]) : off;
    const ends = o.last ? g.op('Slice', [off, g.ints([1]), g.sizes([K]), g.ints([0])])
      : g.op('Concat', [g.op('Slice', [off, g.ints([1]), g.sizes([K]), g.ints([0])]), g.sizes([o.M])], { axis: 0 });
    const pos = g.op('Unsqueeze', [g.op('Range', [g.size(0), g.size(o.M), g.size(1)]), g.ints([0])]);   // [1, M]
    const col = (t: string) => g.op('Unsqueeze', [t, g.ints([1])]);
    inBag = g.op('And', [g.op('GreaterOrEqual', [pos, col(starts)]), g.op('Less', [pos, col(ends)])]);
    if (keep !== null) inBag = g.op('And', [inBag, g.op('Unsqueeze', [keep, g.ints([0])])]);
  }
  const w = inBag === null ? null : g.cast(inBag, 'bool', o.dt);
  const count = w === null ? null : g.op('Max', [g.reduce('ReduceSum', w, [1], true), g.constant(o.dt, [], [1])]);   // [B, 1]
  if (o.mode === 'max') {
    let m: string;
    if (o.twoD) {
      m = g.reduce('ReduceMax', inBag === null ? rows : g.op('Where', [g.op('Unsqueeze', [inBag, g.ints([2])]), rows, g.constant(o.dt, [], [-Infinity])]), [1], false);
    } else {
      m = g.reduce('ReduceMax', g.op('Where', [g.op('Unsqueeze', [inBag!, g.ints([2])]), g.op('Unsqueeze', [rows, g.ints([0])]), g.constant(o.dt, [], [-Infinity])]), [1], false);
    }
    return inBag === null ? m : g.op('Where', [g.op('Greater', [g.reduce('ReduceSum', w!, [1], true), zero]), m, zero]);
  }
  let total: string;
  if (o.twoD) total = g.reduce('ReduceSum', w === null ? rows : g.op('Mul', [rows, g.op('Unsqueeze', [w, g.ints([2])])]), [1], false);
  else total = g.op('MatMul', [w!, rows]);
  if (o.mode === 'sum') return total;
  return count === null ? g.reduce('ReduceMean', rows, [1], false) : g.op('Div', [total, count]);
}

/**
 * Sums, averages or takes the max of bags of embeddings without materialising them, as
 * `torch.nn.functional.embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
 * scale_grad_by_freq=False, mode='mean', sparse=False, per_sample_weights=None,
 * include_last_offset=False, padding_idx=None)`. A 2-D int32 input [B, N] is B bags of N; a 1-D one
 * is cut into bags at `offsets` (int32). Empty bags give zeros. maxNorm, scaleGradByFreq and
 * sparse are not supported (refused).
 *
 * ```ts
 * F.embeddingBag(fl.tensor([1, 2, 4, 5, 4, 3]), table, { offsets: fl.tensor([0, 3]), mode: 'sum' });   // [2, dim]
 * ```
 */
export function embeddingBag(input: Tensor, weight: Tensor, options?: EmbeddingBagOptions): Tensor;
export function embeddingBag(input: Tensor, weight: Tensor, ...args: ArgsThenOptions<[offsets: Tensor | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: EmbeddingBagMode, sparse: boolean, perSampleWeights: Tensor | null, includeLastOffset: boolean, paddingIdx: number | null], EmbeddingBagOptions>): Tensor;
export function embeddingBag(...args: unknown[]): Tensor {
  const { input, weight, ...o } = EMBEDDING_BAG_ARGS.parse(args) as unknown as { input: Tensor; weight: Tensor } & EmbeddingBagOptions;
  return embeddingBagOp(input, weight, o, 'embeddingBag');
}

/** Options of EmbeddingBag (torch's keyword arguments). */
export interface EmbeddingBagModuleOptions extends FactoryOptions {
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  mode?: EmbeddingBagMode;
  sparse?: boolean;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
}
const EMBEDDING_BAG_MODULE_ARGS = signature('EmbeddingBag', ['numEmbeddings', 'embeddingDim', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', '_weight', 'includeLastOffset', 'paddingIdx'], {
  numEmbeddings: required(A.int({ min: 0 })), embeddingDim: required(A.int({ min: 0 })), maxNorm: optional(A.nullable(A.num()), null), normType: optional(A.num(), 2),
  scaleGradByFreq: optional(A.bool, false), mode: optional(A.anyValue<EmbeddingBagMode>(), 'mean'), sparse: optional(A.bool, false), _weight: OPT,
  includeLastOffset: optional(A.bool, false), paddingIdx: optional(A.nullable(A.int()), null), ...FACTORY,
});

/** Options of `EmbeddingBag.fromPretrained` (torch's keyword arguments). */
export interface EmbeddingBagFromPretrainedOptions extends Omit<EmbeddingBagModuleOptions, 'dtype' | 'device'> {
  /** Keep the weight fixed (requiresGrad false; default true). */
  freeze?: boolean;
}
const EMBEDDING_BAG_PRETRAINED_ARGS = signature('EmbeddingBag.fromPretrained', ['embeddings', 'freeze', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', 'includeLastOffset', 'paddingIdx'], {
  embeddings: T, freeze: optional(A.bool, true), maxNorm: optional(A.nullable(A.num()), null), normType: optional(A.num(), 2), scaleGradByFreq: optional(A.bool, false),
  mode: optional(A.anyValue<EmbeddingBagMode>(), 'mean'), sparse: optional(A.bool, false), includeLastOffset: optional(A.bool, false), paddingIdx: optional(A.nullable(A.int()), null),
});

/**
 * Bags of embeddings reduced by sum, mean or max, as `torch.nn.EmbeddingBag(num_embeddings,
 * embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False,
 * _weight=None, include_last_offset=False, padding_idx=None)`: weight [num, dim] ~ N(0, 1), the
 * padding row zero. `forward(input, offsets?, perSampleWeights?)`.
 *
 * ```ts
 * const bag = new nn.EmbeddingBag(1000, 64, { mode: 'sum' });
 * bag.forward(fl.tensor([1, 2, 4, 5, 4, 3]), fl.tensor([0, 3]));   // [2, 64]
 * ```
 */
export class EmbeddingBag extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly mode: EmbeddingBagMode;
  readonly sparse: boolean;
  readonly includeLastOffset: boolean;
  readonly paddingIdx: number | null;
  weight: Tensor;
  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingBagModuleOptions);
  constructor(numEmbeddings: number, embeddingDim: number, ...args: ArgsThenOptions<[maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: EmbeddingBagMode, sparse: boolean, _weight: Tensor | null, includeLastOffset: boolean, paddingIdx: number | null], FactoryOptions>);
  constructor(...args: unknown[]) {
    super();
    const op = 'EmbeddingBag';
    const o = EMBEDDING_BAG_MODULE_ARGS.parse(args) as unknown as EmbeddingBagModuleOptions & { numEmbeddings: number; embeddingDim: number; _weight?: Tensor | null; mode: EmbeddingBagMode };
    const { numEmbeddings: n, embeddingDim: d } = o;
    if (typeof o.mode !== 'string' || !BAG_MODES.includes(o.mode)) throw new ValueError(`${op}: mode must be 'sum', 'mean' or 'max', got ${describeArg(o.mode)}`);
    if (o.maxNorm != null) throw new ValueError(`${op}: maxNorm is not supported (it renormalises the weight's rows in place); got ${describeArg(o.maxNorm)}`);
    if (o.scaleGradByFreq) throw new ValueError(`${op}: scaleGradByFreq is not supported`);
    if (o.sparse) throw new ValueError(`${op}: sparse gradients are not supported (flintml has no sparse tensors)`);
    let pad = o.paddingIdx ?? null;
    if (pad !== null) {
      if (pad < -n || pad >= n) throw new ValueError(`${op}: paddingIdx must be within num_embeddings (${n}), got ${describeArg(pad)}`);
      if (pad < 0) pad += n;
    }
    this.numEmbeddings = n; this.embeddingDim = d; this.maxNorm = null; this.normType = o.normType ?? 2; this.scaleGradByFreq = false;
    this.mode = o.mode; this.sparse = false; this.includeLastOffset = o.includeLastOffset ?? false; this.paddingIdx = pad;
    const w = o._weight;
    if (w != null) {
      needTensor(w, op, '_weight');
      if (w.ndim !== 2 || w._shape[0] !== n || w._shape[1] !== d) throw new ShapeError(`${op}: _weight must have shape [${n}, ${d}], got ${fmt(w._shape)}`);
      this.weight = newParameter([n, d], { dtype: o.dtype ?? (isFloating(w.dtype) ? w.dtype : getDefaultDtype()), device: o.device ?? w.device }, (t) => t.copy_(w));
    } else {
      this.weight = newParameter([n, d], o, (t) => { t.normal_(); if (pad !== null) t.narrow(0, pad, 1).fill_(0); });
    }
  }
  /**
   * An EmbeddingBag holding a copy of `embeddings` [n, dim] (frozen unless `freeze: false`), as
   * torch's `EmbeddingBag.from_pretrained`: `nn.EmbeddingBag.fromPretrained(vectors, { mode: 'sum' })`.
   */
  static fromPretrained(embeddings: Tensor, options?: EmbeddingBagFromPretrainedOptions): EmbeddingBag;
  static fromPretrained(embeddings: Tensor, ...args: ArgsThenOptions<[freeze: boolean, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: EmbeddingBagMode, sparse: boolean, includeLastOffset: boolean, paddingIdx: number | null], EmbeddingBagFromPretrainedOptions>): EmbeddingBag;
  static fromPretrained(...args: unknown[]): EmbeddingBag {
    const o = EMBEDDING_BAG_PRETRAINED_ARGS.parse(args) as unknown as EmbeddingBagFromPretrainedOptions & { embeddings: Tensor; freeze: boolean };
    const op = 'EmbeddingBag.fromPretrained';
    const e = needTensor(o.embeddings, op, 'embeddings');
    if (e.ndim !== 2) throw new ShapeError(`${op}: embeddings must be 2-D [num_embeddings, embedding_dim], got shape ${fmt(e._shape)}`);
    needFloating(e, op, 'embeddings');
    const bag = new EmbeddingBag(e._shape[0], e._shape[1], {
      maxNorm: o.maxNorm, normType: o.normType, scaleGradByFreq: o.scaleGradByFreq, mode: o.mode, sparse: o.sparse,
      includeLastOffset: o.includeLastOffset, paddingIdx: o.paddingIdx, _weight: e, dtype: e.dtype, device: e.device,
    } as EmbeddingBagModuleOptions);
    bag.weight.requiresGrad = !o.freeze;
    return bag;
  }
  forward(input: Tensor, offsets?: Tensor | null, perSampleWeights?: Tensor | null): Tensor {
    return embeddingBagOp(input, this.weight, {
      offsets, perSampleWeights, mode: this.mode, includeLastOffset: this.includeLastOffset, paddingIdx: this.paddingIdx,
    }, 'EmbeddingBag');
  }
  extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.normType !== 2) s += `, norm_type=${String(this.normType)}`;
    s += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }
}

// ---- parameter containers ------------------------------------------------------------------------
// ParameterList and ParameterDict hold parameters under '0', '1', … or their keys, so that
// parameter names and state-dict keys are torch's (`list.0`, `dict.key`). Each entry is also a
// property of the container (`list[0]`, `dict['key']`), through which Module.to replaces it.

/** A tensor as a parameter (a plain leaf tensor becomes one, as torch's containers do). */
function asParameter(v: unknown, op: string): Tensor {
  if (!(v instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor (a parameter), got ${describeArg(v)}`);
  v._handleFor(op);
  const marked: boolean = isParameter(v);
  return marked ? v : Parameter(v, isFloating(v.dtype));
}

const TORCH_TYPENAME: Record<string, string> = {
  float32: 'FloatTensor', float64: 'DoubleTensor', float16: 'HalfTensor', bfloat16: 'BFloat16Tensor', int32: 'IntTensor', uint8: 'ByteTensor', bool: 'BoolTensor',
};
/** torch's line for one entry: `(k): Parameter containing: [torch.float32 of size 2x3]` (the dict form names torch.typename). */
function parameterLine(k: string, p: Tensor, typename: boolean): string {
  const cuda = p.device.startsWith('cuda');
  const type = typename ? `torch.${cuda ? 'cuda.' : ''}${TORCH_TYPENAME[p.dtype]}` : `torch.${p.dtype}`;
  const dev = cuda ? ` (GPU ${p.device.split(':')[1] ?? '0'})` : '';
  return `    (${k}): ${isParameter(p) ? 'Parameter' : 'Tensor'} containing: [${type} of size ${p._shape.join('x')}${dev}]`;
}

/** torch's Module.__repr__ of an extra_repr of these lines: one line stays on the name's line. */
function containerRepr(name: string, lines: string[]): string {
  if (lines.length === 0) return `${name}()`;
  if (lines.length === 1) return `${name}(${lines[0].slice(2)})`;
  return `${name}(\n${lines.join('\n')}\n)`;
}

/**
 * A list of parameters, registered under '0', '1', …, as `torch.nn.ParameterList`.
 *
 * ```ts
 * this.scales = new nn.ParameterList([fl.ones(4), fl.ones(8)]);   // parameters 'scales.0', 'scales.1'
 * ```
 */
export class ParameterList extends Module {
  readonly [index: number]: Tensor;
  /** @internal */ _params: Tensor[] = [];
  constructor(values: Iterable<Tensor> = []) {
    super();
    checkIterable(values, 'ParameterList');
    for (const v of values) this.append(v);
  }
  private defineIndex(i: number): void {
    Object.defineProperty(this, String(i), {
      get: () => this._params[i], set: (v: unknown) => { this._params[i] = asParameter(v, 'ParameterList'); }, enumerable: false, configurable: true,
    });
  }
  /** Number of parameters. */
  get length(): number { return this._params.length; }
  /** The parameter at `i` (negative counts from the end). */
  at(i: number): Tensor {
    const n = this._params.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new IndexError(`ParameterList: index ${describeArg(i)} is out of range for ${n} parameters`);
    return this._params[i < 0 ? i + n : i];
  }
  /** Adds a parameter at the end (a plain tensor becomes a Parameter); returns this. */
  append(value: Tensor): this {
    if (arguments.length > 1) tooManyArgs('ParameterList.append', 'value', arguments);
    const i = this._params.length;
    this._params.push(asParameter(value, 'ParameterList.append'));
    this.defineIndex(i);
    return this;
  }
  /** Appends each parameter of `values`; returns this. */
  extend(values: Iterable<Tensor>): this {
    if (arguments.length > 1) tooManyArgs('ParameterList.extend', 'values', arguments);
    checkIterable(values, 'ParameterList.extend');
    for (const v of values) this.append(v);
    return this;
  }
  [Symbol.iterator](): Iterator<Tensor> { return this._params[Symbol.iterator](); }
  protected ownParameters(): [string, Tensor][] { return this._params.map((p, i) => [String(i), p]); }
  forward(): never { throw new ValueError('ParameterList: a ParameterList is not callable; use its parameters'); }
  extraRepr(): string { return this._params.map((p, i) => parameterLine(String(i), p, false).slice(2)).join('\n'); }
  toString(): string { return containerRepr('ParameterList', this._params.map((p, i) => parameterLine(String(i), p, false))); }
}

/**
 * Parameters by name, as `torch.nn.ParameterDict`. A plain object's keys are sorted (as torch sorts
 * a dict's); a Map or a list of [key, tensor] pairs keeps its order.
 *
 * ```ts
 * this.bias = new nn.ParameterDict({ left: fl.zeros(4), right: fl.zeros(4) });
 * this.bias.get('left');
 * ```
 */
export class ParameterDict extends Module {
  /** @internal */ _map = new Map<string, Tensor>();
  constructor(parameters: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]> = {}) {
    super();
    this.update(parameters);
  }
  /** Adds the entries of `parameters` (a plain object's in sorted key order); returns this. */
  update(parameters: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]>): this {
    if (arguments.length > 1) tooManyArgs('ParameterDict.update', 'parameters', arguments);
    if (parameters === null || typeof parameters !== 'object') throw new ValueError(`ParameterDict: expected an object, a Map or [key, tensor] pairs, got ${describeArg(parameters)}`);
    const entries = parameters instanceof Map || Symbol.iterator in Object(parameters)
      ? [...(parameters as Iterable<[string, Tensor]>)] : Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== 2) throw new ValueError(`ParameterDict: expected [key, tensor] pairs, got ${describeArg(e)}`);
      this.set(e[0], e[1]);
    }
    return this;
  }
  /** The parameter under `key` (IndexError when absent). */
  get(key: string): Tensor {
    if (arguments.length > 1) tooManyArgs('ParameterDict.get', 'key', arguments);
    const p = this._map.get(key);
    if (!p) throw new IndexError(`ParameterDict: no parameter named ${describeArg(key)}`);
    return p;
  }
  /** Adds or replaces the parameter under `key` (a plain tensor becomes a Parameter); returns this. */
  set(key: string, value: Tensor): this {
    if (arguments.length > 2) tooManyArgs('ParameterDict.set', 'key, value', arguments);
    if (typeof key !== 'string' || !key || key.includes('.')) throw new ValueError(`ParameterDict: keys must be non-empty strings without '.', got ${describeArg(key)}`);
    if (!this._map.has(key) && key in this) throw new ValueError(`ParameterDict: key ${describeArg(key)} is taken by an attribute of the ParameterDict`);
    this._map.set(key, asParameter(value, 'ParameterDict'));
    Object.defineProperty(this, key, {
      get: () => this._map.get(key), set: (v: unknown) => { this._map.set(key, asParameter(v, 'ParameterDict')); }, enumerable: false, configurable: true,
    });
    return this;
  }
  has(key: string): boolean { return this._map.has(key); }
  /** Removes and returns the parameter under `key` (torch's `pop`). */
  pop(key: string): Tensor {
    if (arguments.length > 1) tooManyArgs('ParameterDict.pop', 'key', arguments);
    const p = this.get(key);
    this._map.delete(key);
    delete (this as Record<string, unknown>)[key];
    return p;
  }
  get size(): number { return this._map.size; }
  keys(): string[] { return [...this._map.keys()]; }
  values(): Tensor[] { return [...this._map.values()]; }
  entries(): [string, Tensor][] { return [...this._map]; }
  [Symbol.iterator](): Iterator<[string, Tensor]> { return this._map[Symbol.iterator](); }
  protected ownParameters(): [string, Tensor][] { return [...this._map]; }
  forward(): never { throw new ValueError('ParameterDict: a ParameterDict is not callable; get a parameter by key'); }
  extraRepr(): string { return [...this._map].map(([k, p]) => parameterLine(k, p, true).slice(2)).join('\n'); }
  toString(): string { return containerRepr('ParameterDict', [...this._map].map(([k, p]) => parameterLine(k, p, true))); }
}
