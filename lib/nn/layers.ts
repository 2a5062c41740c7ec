// layers.ts — the basic layers: Linear, Embedding, Dropout, Flatten, Identity and the activations
// as modules. Constructors take PyTorch's arguments in camelCase (positional for the sizes, an
// options object for the keywords, including `dtype` and `device` of the parameters); default
// initialisations draw from PyTorch's distributions through `fl.manualSeed`'s stream.
//
// Printing: `toString()` gives PyTorch's exact text — snake_case argument names and Python
// literals (`Linear(in_features=4, out_features=2, bias=True)`, `eps=1e-05`) — so that a model
// prints as its PyTorch twin does and the two can be diffed.
import { DType } from '../dtype';
import { ValueError } from '../errors';
import { noGrad } from '../autograd';
import { empty, TensorOptions } from '../ops/creation';
import { flatten } from '../ops/views';
import { scope, Tensor } from '../tensor';
import { alias, dropout, embedding, gelu, leakyRelu, linear, logSoftmax, needTensor, relu, sigmoid, silu, softmax, tanh } from './functional';
import { kaimingUniform_, normal_, uniform_ } from './init';
import { Module, Parameter } from './module';

/** Parameter dtype/device of a layer (torch's `factory_kwargs`). */
export interface FactoryOptions {
  dtype?: DType;
  device?: string;
}

/** @internal Python's repr of a number: 1.0, 0.1, 1e-05 (for PyTorch-identical module text). */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e16) return v.toExponential().replace(/e([+-])(\d)$/, (_m, sign: string, d: string) => `e${sign}0${d}`);
  return String(v);
}
/** @internal Python's repr of a boolean. */
export function pyBool(b: boolean): string { return b ? 'True' : 'False'; }
/** @internal Python's repr of a tuple of ints: (4,), (2, 3). */
export function pyTuple(xs: readonly number[]): string { return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`; }

/** @internal A new parameter of `shape` filled by `init` (under noGrad). */
export function newParameter(shape: number[], o: FactoryOptions, init: (t: Tensor) => void): Tensor {
  const t = empty(shape, { dtype: o.dtype ?? 'float32', device: o.device } as TensorOptions);
  try { noGrad(() => scope(() => { init(t); })); } catch (e) { t.dispose(); throw e; }
  return Parameter(t);
}

function needSize(v: unknown, what: string, op: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ValueError(`${op}: ${what} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/**
 * y = x·Wᵀ + b. weight [outFeatures, inFeatures] ~ U(-1/√in, 1/√in) (kaiming_uniform with
 * a = √5, as PyTorch), bias [outFeatures] ~ U(-1/√in, 1/√in).
 * ```ts
 * const fc = new nn.Linear(784, 10);
 * const y = fc.forward(x);            // [batch, 10]
 * ```
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;
  constructor(inFeatures: number, outFeatures: number, options: FactoryOptions & { bias?: boolean } = {}) {
    super();
    this.inFeatures = needSize(inFeatures, 'inFeatures', 'Linear');
    this.outFeatures = needSize(outFeatures, 'outFeatures', 'Linear');
    this.weight = newParameter([outFeatures, inFeatures], options, (t) => kaimingUniform_(t, { a: Math.sqrt(5) }));
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = options.bias === false ? null : newParameter([outFeatures], options, (t) => uniform_(t, -bound, bound));
  }
  forward(x: Tensor): Tensor { return linear(x, this.weight, this.bias, 'Linear'); }
  extraRepr(): string { return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`; }
}

/** Options of Embedding. */
export interface EmbeddingOptions extends FactoryOptions {
  /** Row whose vector stays fixed (zero at init) and gets no gradient. Negative counts from the end. */
  paddingIdx?: number | null;
}

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
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = needSize(numEmbeddings, 'numEmbeddings', 'Embedding');
    this.embeddingDim = needSize(embeddingDim, 'embeddingDim', 'Embedding');
    let pad = options.paddingIdx ?? null;
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
  static fromPretrained(embeddings: Tensor, options: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    needTensor(embeddings, 'Embedding.fromPretrained', 'embeddings');
    if (embeddings.ndim !== 2) throw new ValueError(`Embedding.fromPretrained: embeddings must be 2-D, got ${embeddings.ndim} dims`);
    const [n, d] = embeddings._shape;
    const e = new Embedding(n, d, { paddingIdx: options.paddingIdx, dtype: embeddings.dtype, device: embeddings.device });
    noGrad(() => e.weight.copy_(embeddings));
    e.weight.requiresGrad = options.freeze === false;
    return e;
  }
  forward(indices: Tensor): Tensor { return embedding(indices, this.weight, this.paddingIdx, 'Embedding'); }
  extraRepr(): string { return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`; }
}

/** Zeroes elements with probability p in training (scaling the rest by 1/(1-p)); identity in eval: `new nn.Dropout(0.1)`. */
export class Dropout extends Module {
  readonly p: number;
  constructor(p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`Dropout: dropout probability has to be between 0 and 1, but got ${String(p)}`);
    this.p = p;
  }
  forward(x: Tensor): Tensor { return dropout(x, this.p, this.training, 'Dropout'); }
  extraRepr(): string { return `p=${pyFloat(this.p)}, inplace=False`; }
}

/** Merges dims startDim..endDim (default 1..-1): `new nn.Flatten()` turns [N, C, H, W] into [N, C·H·W]. */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return flatten(needTensor(x, 'Flatten'), this.startDim, this.endDim); }
  extraRepr(): string { return `start_dim=${this.startDim}, end_dim=${this.endDim}`; }
}

/** Returns its input (as a new view, so input and output can be disposed separately): `new nn.Identity()`. */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return alias(needTensor(x, 'Identity')); }
}

/** max(x, 0): `new nn.ReLU()`. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(needTensor(x, 'ReLU')); }
}

/** x for x ≥ 0, negativeSlope·x otherwise: `new nn.LeakyReLU(0.2)`. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(x: Tensor): Tensor { return leakyRelu(needTensor(x, 'LeakyReLU'), this.negativeSlope); }
  extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}`; }
}

/** x·Φ(x) (exact, or the tanh approximation): `new nn.GELU()`, `new nn.GELU({ approximate: 'tanh' })`. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    const a = options.approximate ?? 'none';
    if (a !== 'none' && a !== 'tanh') throw new ValueError(`GELU: approximate must be 'none' or 'tanh', got ${String(a)}`);
    this.approximate = a;
  }
  forward(x: Tensor): Tensor { return gelu(needTensor(x, 'GELU'), this.approximate); }
  extraRepr(): string { return `approximate='${this.approximate}'`; }
}

/** x·sigmoid(x) (swish): `new nn.SiLU()`. */
export class SiLU extends Module {
  forward(x: Tensor): Tensor { return silu(needTensor(x, 'SiLU')); }
}

/** Hyperbolic tangent: `new nn.Tanh()`. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(needTensor(x, 'Tanh')); }
}

/** 1 / (1 + e^-x): `new nn.Sigmoid()`. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(needTensor(x, 'Sigmoid')); }
}

/**
 * Softmax along `dim`: `new nn.Softmax(1)`. PyTorch's implicit dim (deprecated there) is not
 * supported: `dim` defaults to -1, the usual choice.
 */
export class Softmax extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return softmax(needTensor(x, 'Softmax'), this.dim); }
  extraRepr(): string { return `dim=${this.dim}`; }
}

/** log(softmax(x)) along `dim` (default -1), computed stably: `new nn.LogSoftmax(1)`. */
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return logSoftmax(needTensor(x, 'LogSoftmax'), this.dim); }
  extraRepr(): string { return `dim=${this.dim}`; }
}

