// layers.ts — the basic layers: Linear, Embedding, Dropout, Flatten, Identity and the activations
// as modules. Constructors take PyTorch's arguments in camelCase (positional for the sizes, an
// options object for the keywords, including `dtype` and `device` of the parameters); default
// initialisations draw from PyTorch's distributions through `fl.manualSeed`'s stream.
//
// Printing: `toString()` gives PyTorch's exact text — snake_case argument names and Python
// literals (`Linear(in_features=4, out_features=2, bias=True)`, `eps=1e-05`) — so that a model
// prints as its PyTorch twin does and the two can be diffed.
import { DType } from '../dtype';
import { describeArg } from '../arity';
import { ValueError } from '../errors';
import { noGrad } from '../autograd';
import { empty, TensorOptions } from '../ops/creation';
import { flatten } from '../ops/views';
import { scope, Tensor } from '../tensor';
import { dropoutOp as dropout, embeddingOp as embedding, gelu, hardswish, leakyRelu, linearOp as linear, logSoftmax, relu, sigmoid, silu, softmax, tanh } from './functional';
import { needTensor } from './checks';
import { kaimingUniform_, normal_, uniform_ } from './init';
import { Module, Parameter } from './module';
import { inplaceResult } from './inplace';
import { interpolateOp, INTERPOLATE_MODES } from './resize';
import type { InterpolateMode, InterpolateOptions } from './resize';
import * as A from '../args';
import { factoryKeywords as FACTORY, optional, required, signature } from '../args';

// a size argument: an integer >= 0
const SIZE = A.int({ min: 0 });

export type { FactoryOptions } from './params';
import { alias, newParameter, pyBool, pyFloat } from './params';
import type { FactoryOptions } from './params';

const LINEAR_ARGS = signature('Linear', ['inFeatures', 'outFeatures', 'bias'], {
  inFeatures: required(SIZE), outFeatures: required(SIZE), bias: optional(A.bool, true), ...FACTORY,
});

/** Options of Linear. */
export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x·Wᵀ + b. weight [outFeatures, inFeatures] ~ U(-1/√in, 1/√in) (kaiming_uniform with
 * a = √5, as PyTorch), bias [outFeatures] ~ U(-1/√in, 1/√in).
 * ```ts
 * const fc = new nn.Linear(784, 10);
 * const y = fc.forward(x);            // [batch, 10]
 * new nn.Linear(4, 3, false);         // no bias, as PyTorch's Linear(4, 3, False)
 * ```
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;
  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions);
  constructor(inFeatures: number, outFeatures: number, bias: boolean, options?: FactoryOptions);
  constructor(...args: unknown[]) {
    super();
    const o = LINEAR_ARGS.parse(args);
    const { inFeatures, outFeatures } = o;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = newParameter([outFeatures, inFeatures], o, (t) => kaimingUniform_(t, { a: Math.sqrt(5) }));
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = o.bias ? newParameter([outFeatures], o, (t) => uniform_(t, -bound, bound)) : null;
  }
  forward(x: Tensor): Tensor { return linear(x, this.weight, this.bias, 'Linear'); }
  extraRepr(): string { return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`; }
}

/** Options of Embedding. */
export interface EmbeddingOptions extends FactoryOptions {
  /** Row whose vector stays fixed (zero at init) and gets no gradient. Negative counts from the end. */
  paddingIdx?: number | null;
}

const EMBEDDING_ARGS = signature('Embedding', ['numEmbeddings', 'embeddingDim', 'paddingIdx'], {
  numEmbeddings: required(SIZE), embeddingDim: required(SIZE), paddingIdx: optional(A.nullable(A.int()), null), ...FACTORY,
});
const FROM_PRETRAINED_ARGS = signature('Embedding.fromPretrained', ['embeddings', 'freeze', 'paddingIdx'], {
  embeddings: required(A.anyValue<Tensor>()), freeze: optional(A.bool, true), paddingIdx: optional(A.nullable(A.int()), null),
});

/**
 * A lookup table [numEmbeddings, embeddingDim] ~ N(0, 1) indexed by int32 tensors:
 * ```ts
 * const emb = new nn.Embedding(1000, 64, { paddingIdx: 0 });
 * emb.forward(fl.tensor([[1, 2, 0]]));  // [1, 3, 64]
 * ```
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Tensor;
  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions);
  constructor(numEmbeddings: number, embeddingDim: number, paddingIdx: number | null, options?: FactoryOptions);
  constructor(...args: unknown[]) {
    super();
    const options = EMBEDDING_ARGS.parse(args);
    const { numEmbeddings, embeddingDim } = options;
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let pad = options.paddingIdx;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new ValueError(`Embedding: paddingIdx must be within num_embeddings (${numEmbeddings}), got ${String(pad)}`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = newParameter([numEmbeddings, embeddingDim], options, (t) => {
      normal_(t);
      if (pad !== null) t.narrow(0, pad, 1).fill_(0);
    });
  }
  /**
   * An Embedding holding a copy of `embeddings` [n, dim] (frozen unless `freeze: false`):
   * `nn.Embedding.fromPretrained(vectors)`.
   */
  static fromPretrained(embeddings: Tensor, options?: { freeze?: boolean; paddingIdx?: number | null }): Embedding;
  static fromPretrained(embeddings: Tensor, freeze: boolean, paddingIdx?: number | null): Embedding;
  static fromPretrained(...args: unknown[]): Embedding {
    const options = FROM_PRETRAINED_ARGS.parse(args);
    const embeddings = options.embeddings;
    needTensor(embeddings, 'Embedding.fromPretrained', 'embeddings');
    if (embeddings.ndim !== 2) throw new ValueError(`Embedding.fromPretrained: embeddings must be 2-D, got ${embeddings.ndim} dims`);
    const [n, d] = embeddings._shape;
    const e = new Embedding(n, d, { paddingIdx: options.paddingIdx, dtype: embeddings.dtype, device: embeddings.device });
    noGrad(() => e.weight.copy_(embeddings));
    e.weight.requiresGrad = !options.freeze;
    return e;
  }
  forward(indices: Tensor): Tensor { return embedding(indices, this.weight, this.paddingIdx, 'Embedding'); }
  extraRepr(): string { return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`; }
}

/** Zeroes elements with probability p in training (scaling the rest by 1/(1-p)); identity in eval: `new nn.Dropout(0.1)`. */
const DROPOUT_ARGS = signature('Dropout', ['p', 'inplace'], { p: optional(A.anyValue<number>(), 0.5), inplace: optional(A.bool, false) });
export class Dropout extends Module {
  readonly p: number;
  /** torch's `inplace` (lib/nn/inplace.ts: written into the input unless it requires grad). */
  readonly inplace: boolean;
  constructor(p?: number, inplace?: boolean);
  constructor(options: { p?: number; inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const { p, inplace } = DROPOUT_ARGS.parse(args);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`Dropout: dropout probability has to be between 0 and 1, but got ${describeArg(p)}`);
    this.p = p;
    this.inplace = inplace;
  }
  forward(x: Tensor): Tensor { return inplaceResult(x, dropout(x, this.p, this.training, 'Dropout'), this.inplace && this.training && this.p > 0); }
  extraRepr(): string { return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`; }
}

/** Merges dims startDim..endDim (default 1..-1): `new nn.Flatten()` turns [N, C, H, W] into [N, C·H·W]. */
const FLATTEN_ARGS = signature('Flatten', ['startDim', 'endDim'], { startDim: optional(A.int(), 1), endDim: optional(A.int(), -1) });
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(startDim?: number, endDim?: number);
  constructor(options: { startDim?: number; endDim?: number });
  constructor(...args: unknown[]) {
    super();
    const o = FLATTEN_ARGS.parse(args);
    this.startDim = o.startDim;
    this.endDim = o.endDim;
  }
  forward(x: Tensor): Tensor { return flatten(needTensor(x, 'Flatten'), this.startDim, this.endDim); }
  extraRepr(): string { return `start_dim=${this.startDim}, end_dim=${this.endDim}`; }
}

/** Returns its input (as a new view, so input and output can be disposed separately): `new nn.Identity()`. */
export class Identity extends Module {
  /** Accepts and ignores any arguments, as torch's `nn.Identity(*args, **kwargs)` (a placeholder for a layer that took some). */
  constructor(...args: unknown[]) { super(); void args; }
  forward(x: Tensor): Tensor { return alias(needTensor(x, 'Identity')); }
}

/** max(x, 0): `new nn.ReLU()`. */
const RELU_ARGS = signature('ReLU', ['inplace'], { inplace: optional(A.bool, false) });
export class ReLU extends Module {
  /** torch's `inplace` (lib/nn/inplace.ts: written into the input unless it requires grad). */
  readonly inplace: boolean;
  constructor(inplace?: boolean);
  constructor(options: { inplace?: boolean });
  constructor(...args: unknown[]) { super(); this.inplace = RELU_ARGS.parse(args).inplace; }
  forward(x: Tensor): Tensor { return inplaceResult(x, relu(needTensor(x, 'ReLU')), this.inplace); }
  extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}

/** x for x ≥ 0, negativeSlope·x otherwise: `new nn.LeakyReLU(0.2)`. */
const LEAKY_RELU_ARGS = signature('LeakyReLU', ['negativeSlope', 'inplace'], { negativeSlope: optional(A.num(), 0.01), inplace: optional(A.bool, false) });
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  /** torch's `inplace` (lib/nn/inplace.ts: written into the input unless it requires grad). */
  readonly inplace: boolean;
  constructor(negativeSlope?: number, inplace?: boolean);
  constructor(options: { negativeSlope?: number; inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const o = LEAKY_RELU_ARGS.parse(args);
    this.negativeSlope = o.negativeSlope;
    this.inplace = o.inplace;
  }
  forward(x: Tensor): Tensor { return inplaceResult(x, leakyRelu(needTensor(x, 'LeakyReLU'), this.negativeSlope), this.inplace); }
  extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`; }
}

/** x·Φ(x) (exact, or the tanh approximation): `new nn.GELU()`, `new nn.GELU({ approximate: 'tanh' })`. */
const GELU_ARGS = signature('GELU', ['approximate'], { approximate: optional(A.oneOf('none', 'tanh'), 'none') });
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(approximate?: 'none' | 'tanh');
  constructor(options: { approximate?: 'none' | 'tanh' });
  constructor(...args: unknown[]) {
    super();
    this.approximate = GELU_ARGS.parse(args).approximate;
  }
  forward(x: Tensor): Tensor { return gelu(needTensor(x, 'GELU'), this.approximate); }
  extraRepr(): string { return `approximate='${this.approximate}'`; }
}

/** x·sigmoid(x) (swish): `new nn.SiLU()`. */
const SILU_ARGS = signature('SiLU', ['inplace'], { inplace: optional(A.bool, false) });
export class SiLU extends Module {
  /** torch's `inplace` (lib/nn/inplace.ts: written into the input unless it requires grad). */
  readonly inplace: boolean;
  constructor(inplace?: boolean);
  constructor(options: { inplace?: boolean });
  constructor(...args: unknown[]) { super(); this.inplace = SILU_ARGS.parse(args).inplace; }
  forward(x: Tensor): Tensor { return inplaceResult(x, silu(needTensor(x, 'SiLU')), this.inplace); }
  extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}

/** x·relu6(x + 3)/6 (MobileNetV3's hard swish): `new nn.Hardswish()`. */
const HARDSWISH_ARGS = signature('Hardswish', ['inplace'], { inplace: optional(A.bool, false) });
export class Hardswish extends Module {
  /** torch's `inplace` (lib/nn/inplace.ts: written into the input unless it requires grad); torch prints it nowhere. */
  readonly inplace: boolean;
  constructor(inplace?: boolean);
  constructor(options: { inplace?: boolean });
  constructor(...args: unknown[]) { super(); this.inplace = HARDSWISH_ARGS.parse(args).inplace; }
  forward(x: Tensor): Tensor { return inplaceResult(x, hardswish(needTensor(x, 'Hardswish')), this.inplace); }
}

/** Hyperbolic tangent: `new nn.Tanh()`. */
const TANH_ARGS = signature('Tanh', [], {});
export class Tanh extends Module {
  /** Takes no arguments (PyTorch's `inplace` is not supported: passing it throws). */
  constructor(...args: never[]) { super(); TANH_ARGS.parse(args); }
  forward(x: Tensor): Tensor { return tanh(needTensor(x, 'Tanh')); }
}

/** 1 / (1 + e^-x): `new nn.Sigmoid()`. */
const SIGMOID_ARGS = signature('Sigmoid', [], {});
export class Sigmoid extends Module {
  /** Takes no arguments (PyTorch's `inplace` is not supported: passing it throws). */
  constructor(...args: never[]) { super(); SIGMOID_ARGS.parse(args); }
  forward(x: Tensor): Tensor { return sigmoid(needTensor(x, 'Sigmoid')); }
}

/**
 * Softmax along `dim`: `new nn.Softmax(1)`. PyTorch's implicit dim (deprecated there) is not
 * supported: `dim` defaults to -1, the usual choice.
 */
const SOFTMAX_ARGS = signature('Softmax', ['dim'], { dim: optional(A.int(), -1) });
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim?: number);
  constructor(options: { dim?: number });
  constructor(...args: unknown[]) { super(); this.dim = SOFTMAX_ARGS.parse(args).dim; }
  forward(x: Tensor): Tensor { return softmax(needTensor(x, 'Softmax'), this.dim); }
  extraRepr(): string { return `dim=${this.dim}`; }
}

/** log(softmax(x)) along `dim` (default -1), computed stably: `new nn.LogSoftmax(1)`. */
const LOGSOFTMAX_ARGS = signature('LogSoftmax', ['dim'], { dim: optional(A.int(), -1) });
export class LogSoftmax extends Module {
  readonly dim: number;
  constructor(dim?: number);
  constructor(options: { dim?: number });
  constructor(...args: unknown[]) { super(); this.dim = LOGSOFTMAX_ARGS.parse(args).dim; }
  forward(x: Tensor): Tensor { return logSoftmax(needTensor(x, 'LogSoftmax'), this.dim); }
  extraRepr(): string { return `dim=${this.dim}`; }
}

// PyTorch: Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None)
const UPSAMPLE_ARGS = signature('Upsample', ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor'], {
  size: optional(A.nullable(A.either(A.int({ min: 0 }), A.arrayOf(A.int({ min: 0 })))), null),
  scaleFactor: optional(A.nullable(A.either(A.num(), A.arrayOf(A.num()))), null),
  mode: optional(A.oneOf(...INTERPOLATE_MODES), 'nearest'),
  alignCorners: optional(A.nullable(A.bool), null), recomputeScaleFactor: optional(A.nullable(A.bool), null),
});

/** Options of Upsample (torch.nn.Upsample's arguments in camelCase): interpolate's, without antialias. */
export type UpsampleOptions = Omit<InterpolateOptions, 'antialias'>;

/**
 * Resizes [N, C, d1, …] input to `size` or by `scaleFactor`, as `torch.nn.Upsample` (the layer form
 * of `F.interpolate`, with its modes and rules): `new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' })`.
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  /** As torch stores it: null for a factor of 0 or none. */
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;
  constructor(size?: number | readonly number[] | null, scaleFactor?: number | readonly number[] | null, mode?: InterpolateMode, alignCorners?: boolean | null, recomputeScaleFactor?: boolean | null);
  constructor(options: UpsampleOptions);
  constructor(...args: unknown[]) {
    super();
    const o = UPSAMPLE_ARGS.parse(args);
    this.size = o.size;
    this.scaleFactor = o.scaleFactor === 0 ? null : o.scaleFactor;  // torch: float(scale_factor) if scale_factor else None
    this.mode = o.mode;
    this.alignCorners = o.alignCorners;
    this.recomputeScaleFactor = o.recomputeScaleFactor;
  }
  forward(x: Tensor): Tensor {
    return interpolateOp(x, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners, recomputeScaleFactor: this.recomputeScaleFactor }, 'Upsample');
  }
  extraRepr(): string {
    const py = (v: number | readonly number[] | null, float: boolean): string => (v === null ? 'None'
      : typeof v === 'number' ? (float ? pyFloat(v) : String(v)) : `(${v.map((e) => (float ? pyFloat(e) : String(e))).join(', ')}${v.length === 1 ? ',' : ''})`);
    // torch 1.13's text: the mode without quotes (`mode=nearest`)
    return `${this.scaleFactor !== null ? `scale_factor=${py(this.scaleFactor, true)}` : `size=${py(this.size, false)}`}, mode=${this.mode}`;
  }
}

// CosineSimilarity and PairwiseDistance live beside their functions in distance.ts (loss-extra.ts uses one)
export { CosineSimilarity, PairwiseDistance } from './distance';
