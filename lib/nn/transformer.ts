// transformer.ts — the rest of torch.nn's transformer family: `TransformerDecoderLayer`, the stacks
// `TransformerEncoder` and `TransformerDecoder`, and `Transformer` (encoder–decoder), with torch
// 1.13's constructor and forward arguments, defaults, field order (so printing and state-dict names
// are torch's: `encoder.layers.0.self_attn.in_proj_weight`, `decoder.layers.0.multihead_attn.…`,
// `norm3`, `encoder.norm.weight`) and mask conventions (MultiheadAttention's: bool true = masked
// out, float masks added). `TransformerEncoderLayer` and `MultiheadAttention` are in attention.ts.
//
// Everything is a composition of existing modules, so the CPU and GPU kernels and the gradients
// (and second derivatives, where the parts have them) come with them.
//
// A stack holds `numLayers` deep copies of the layer it is given (torch's `_get_clones`:
// `copy.deepcopy`), so its layers start with equal weights; `Transformer` then re-initialises every
// parameter with more than one dimension with xavier_uniform_ (torch's `_reset_parameters`), the
// custom encoder's and decoder's included. The deep copy (`cloneModule`) copies parameters and
// buffers (keeping tensors that are shared, shared), sub-modules, arrays, Maps and plain objects,
// and shares functions and other objects.
//
// torch 1.13's TransformerEncoder has a "fast path" for inference (eval mode, no grad, batch_first,
// an even number of heads, a src_key_padding_mask and no mask): it packs the sequences into a nested
// tensor, so the output rows at padded positions come back as 0 (then through the final norm: its
// bias). flintml always computes the math path, which gives those rows values computed from the
// unpadded keys; `enableNestedTensor` and `maskCheck` are accepted for that reason and change
// nothing. The rows at non-padded positions agree.
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { describeArg } from '../arity';
import { DType, isFloating } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { add } from '../ops/elementwise';
import { full } from '../ops/creation';
import { triu } from '../ops/indexing';
import { noGrad } from '../autograd';
import { Module } from './module';
import { ModuleList } from './containers';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { xavierUniform_ } from './init';
import { needTensor } from './checks';
import { Dropout, Linear } from './layers';
import { deepCopyModule } from './params';
import { LayerNorm } from './norm';
import { MultiheadAttention, TransformerEncoderLayer, resolveActivation } from './attention';
import type { TransformerActivation, TransformerEncoderLayerOptions } from './attention';

// PyTorch 1.13's positional order (lib/args.ts): TransformerDecoderLayer(d_model, nhead,
// dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first) (plus torch 2.1's
// bias, as TransformerEncoderLayer has it) and its forward(tgt, memory, tgt_mask, memory_mask,
// tgt_key_padding_mask, memory_key_padding_mask); TransformerEncoder(encoder_layer, num_layers,
// norm, enable_nested_tensor, mask_check) and forward(src, mask, src_key_padding_mask);
// TransformerDecoder(decoder_layer, num_layers, norm) and forward(tgt, memory, tgt_mask, …);
// Transformer(d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout,
// activation, custom_encoder, custom_decoder, layer_norm_eps, batch_first, norm_first) and
// forward(src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask, tgt_key_padding_mask,
// memory_key_padding_mask); generate_square_subsequent_mask(sz, device) (torch 2.x's dtype too).
// torch 1.13 has no is_causal / tgt_is_causal arguments in these (a causal mask is passed as tgtMask).
/** The most layers a stack takes (a JavaScript array's length; torch would run out of memory first). */
const MAX_LAYERS = 2 ** 31 - 1;
const T = required(A.anyValue<Tensor>());
const OPT = optional(A.anyValue<never>());
const ARGS = {
  TransformerDecoderLayer: signature('TransformerDecoderLayer', ['dModel', 'nhead', 'dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias'], {
    dModel: required(A.anyValue<number>()), nhead: required(A.anyValue<number>()), dimFeedforward: OPT, dropout: OPT, activation: OPT, layerNormEps: OPT,
    batchFirst: optional(A.bool), normFirst: optional(A.bool), bias: optional(A.bool), dtype: optional(A.dtype), device: optional(A.device),
  }),
  'TransformerDecoderLayer.forward': signature('TransformerDecoderLayer.forward', ['tgt', 'memory', 'tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask'], {
    tgt: T, memory: T, tgtMask: OPT, memoryMask: OPT, tgtKeyPaddingMask: OPT, memoryKeyPaddingMask: OPT,
  }),
  TransformerEncoder: signature('TransformerEncoder', ['encoderLayer', 'numLayers', 'norm', 'enableNestedTensor', 'maskCheck'], {
    encoderLayer: required(A.anyValue<Module>()), numLayers: required(A.int({ min: 0, max: MAX_LAYERS })), norm: OPT, enableNestedTensor: optional(A.bool, true), maskCheck: optional(A.bool, true),
  }),
  'TransformerEncoder.forward': signature('TransformerEncoder.forward', ['src', 'mask', 'srcKeyPaddingMask'], {
    src: T, mask: OPT, srcKeyPaddingMask: OPT,
  }),
  TransformerDecoder: signature('TransformerDecoder', ['decoderLayer', 'numLayers', 'norm'], {
    decoderLayer: required(A.anyValue<Module>()), numLayers: required(A.int({ min: 0, max: MAX_LAYERS })), norm: OPT,
  }),
  'TransformerDecoder.forward': signature('TransformerDecoder.forward', ['tgt', 'memory', 'tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask'], {
    tgt: T, memory: T, tgtMask: OPT, memoryMask: OPT, tgtKeyPaddingMask: OPT, memoryKeyPaddingMask: OPT,
  }),
  Transformer: signature('Transformer', ['dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'dimFeedforward', 'dropout', 'activation', 'customEncoder', 'customDecoder', 'layerNormEps', 'batchFirst', 'normFirst', 'bias'], {
    dModel: optional(A.int({ min: 1 }), 512), nhead: optional(A.int({ min: 1 }), 8), numEncoderLayers: optional(A.int({ min: 0, max: MAX_LAYERS }), 6), numDecoderLayers: optional(A.int({ min: 0, max: MAX_LAYERS }), 6),
    dimFeedforward: optional(A.int({ min: 0 }), 2048), dropout: optional(A.num({ min: 0, max: 1 }), 0.1), activation: optional(A.anyValue<TransformerActivation>(), 'relu'),
    customEncoder: OPT, customDecoder: OPT, layerNormEps: optional(A.num(), 1e-5), batchFirst: optional(A.bool, false), normFirst: optional(A.bool, false), bias: optional(A.bool, true),
    dtype: optional(A.dtype), device: optional(A.device),
  }),
  'Transformer.forward': signature('Transformer.forward', ['src', 'tgt', 'srcMask', 'tgtMask', 'memoryMask', 'srcKeyPaddingMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask'], {
    src: T, tgt: T, srcMask: OPT, tgtMask: OPT, memoryMask: OPT, srcKeyPaddingMask: OPT, tgtKeyPaddingMask: OPT, memoryKeyPaddingMask: OPT,
  }),
  'Transformer.generateSquareSubsequentMask': signature('Transformer.generateSquareSubsequentMask', ['sz', 'device', 'dtype'], {
    sz: required(A.int({ min: 0 })), device: optional(A.device, 'cpu'), dtype: optional(A.dtype),
  }),
};

// ---- deep copy (torch's copy.deepcopy of a module) ---------------------------------------------------


/** `n` deep copies of `layer` in a ModuleList (torch's `_get_clones`). */
function clones<M extends Module>(layer: M, n: number): ModuleList<M> {
  return new ModuleList<M>(Array.from({ length: n }, () => deepCopyModule(layer)));
}

function needModule(v: unknown, op: string, what: string): Module {
  if (!(v instanceof Module)) throw new ValueError(`${op}: ${what} must be an nn.Module, got ${describeArg(v)}`);
  return v;
}
function needOptionalModule(v: unknown, op: string, what: string): Module | null {
  return v == null ? null : needModule(v, op, what);
}

/** The result of a layer or norm in a stack: it must be a Tensor. */
function needResult(y: unknown, op: string, what: string): Tensor {
  if (!(y instanceof Tensor)) throw new ValueError(`${op}: ${what} must return a Tensor, got ${describeArg(y)}`);
  return y;
}

/** torch's check of a key padding mask given to the stacks: bool or floating. */
function checkPaddingMaskDType(m: unknown, op: string, what: string): void {
  if (m instanceof Tensor && m.dtype !== 'bool' && !isFloating(m.dtype)) {
    throw new DTypeError(`${op}: only bool and floating types of ${what} are supported, got ${m.dtype}`);
  }
}

// ---- TransformerDecoderLayer ------------------------------------------------------------------------

/** Options of `TransformerDecoderLayer`: those of `TransformerEncoderLayer` (PyTorch's keyword arguments in camelCase). */
export type TransformerDecoderLayerOptions = TransformerEncoderLayerOptions;

/** The masks of a decoder's forward (MultiheadAttention's convention: bool true = masked out, float added). */
export interface TransformerDecoderForwardOptions {
  /** Self-attention mask [T, T] or [N·nhead, T, T], e.g. `Transformer.generateSquareSubsequentMask(T)`. */
  tgtMask?: Tensor | null;
  /** Cross-attention mask [T, S] or [N·nhead, T, S]. */
  memoryMask?: Tensor | null;
  /** [N, T] (or [T] unbatched): true (bool) = that target position is padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** [N, S] (or [S] unbatched): true (bool) = that memory position is padding. */
  memoryKeyPaddingMask?: Tensor | null;
}

/** tgt/memory shapes of a decoder: 2-D (unbatched) or 3-D, d features, the same batch size. */
function checkDecoderInputs(op: string, tgt: Tensor, memory: Tensor, d: number, batchFirst: boolean): void {
  if ((tgt.ndim !== 2 && tgt.ndim !== 3) || tgt._shape[tgt.ndim - 1] !== d) {
    throw new ShapeError(`${op}: expected tgt of shape [T, N, ${d}], [N, T, ${d}] (batchFirst) or [T, ${d}], got ${fmt(tgt._shape)}`);
  }
  if (memory.ndim !== tgt.ndim || memory._shape[memory.ndim - 1] !== d) {
    throw new ShapeError(`${op}: expected memory with ${tgt.ndim} dims and ${d} features like tgt ${fmt(tgt._shape)}, got ${fmt(memory._shape)}`);
  }
  const b = batchFirst ? 0 : 1;
  if (tgt.ndim === 3 && tgt._shape[b] !== memory._shape[b]) {
    throw new ShapeError(`${op}: tgt ${fmt(tgt._shape)} and memory ${fmt(memory._shape)} have different batch sizes${batchFirst ? ' (batchFirst)' : ''}`);
  }
}

/**
 * One transformer decoder block, as `torch.nn.TransformerDecoderLayer`: self-attention over the
 * target, cross-attention to the encoder's output (`memory`) and a feed-forward block (linear1 →
 * activation → dropout → linear2), each with a residual connection and LayerNorm, post-norm by
 * default or pre-norm with `normFirst`. Fields and state-dict names are PyTorch's: `self_attn`,
 * `multihead_attn`, `linear1`, `dropout`, `linear2`, `norm1`–`norm3`, `dropout1`–`dropout3`.
 *
 * ```ts
 * const layer = new nn.TransformerDecoderLayer(512, 8, { batchFirst: true });
 * const y = layer.forward(tgt, memory, { tgtMask: nn.Transformer.generateSquareSubsequentMask(tgt.shape[1]) });
 * ```
 */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  /** The activation as given ('relu', 'gelu', a function, or a Module: then a child, as torch's). */
  activation: TransformerActivation;

  constructor(dModel: number, nhead: number, options?: TransformerDecoderLayerOptions);
  constructor(dModel: number, nhead: number, ...args: ArgsThenOptions<[dimFeedforward: number, dropout: number, activation: TransformerActivation, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean], TransformerDecoderLayerOptions>);
  constructor(...args: unknown[]) {
    super();
    const { dModel, nhead, ...options } = ARGS.TransformerDecoderLayer.parse(args) as { dModel: number; nhead: number } & TransformerDecoderLayerOptions;
    const op = 'TransformerDecoderLayer';
    const { dimFeedforward = 2048, dropout: p = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true } = options;
    resolveActivation(activation, op);
    const t = { dtype: options.dtype, device: options.device };
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst, ...t });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst, ...t });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, ...t });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, ...t });
    this.normFirst = normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias, ...t });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias, ...t });
    this.norm3 = new LayerNorm(dModel, { eps: layerNormEps, bias, ...t });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.activation = activation;
  }

  forward(tgt: Tensor, memory: Tensor, options?: TransformerDecoderForwardOptions): Tensor;
  forward(tgt: Tensor, memory: Tensor, ...args: ArgsThenOptions<[tgtMask: Tensor | null, memoryMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], TransformerDecoderForwardOptions>): Tensor;
  forward(...args: unknown[]): Tensor {
    const { tgt, memory, ...options } = ARGS['TransformerDecoderLayer.forward'].parse(args) as { tgt: Tensor; memory: Tensor } & TransformerDecoderForwardOptions;
    const op = 'TransformerDecoderLayer';
    needTensor(tgt, op, 'tgt'); needTensor(memory, op, 'memory');
    checkDecoderInputs(op, tgt, memory, this.self_attn.embedDim, this.self_attn.batchFirst);
    const { tgtMask = null, memoryMask = null, tgtKeyPaddingMask = null, memoryKeyPaddingMask = null } = options;
    return scope(() => {
      const sa = (x: Tensor) => this.dropout1.forward(this.self_attn.forward(x, x, x, { attnMask: tgtMask, keyPaddingMask: tgtKeyPaddingMask, needWeights: false })[0]);
      const mha = (x: Tensor) => this.dropout2.forward(this.multihead_attn.forward(x, memory, memory, { attnMask: memoryMask, keyPaddingMask: memoryKeyPaddingMask, needWeights: false })[0]);
      const act = resolveActivation(this.activation, op);
      const ff = (x: Tensor) => this.dropout3.forward(this.linear2.forward(this.dropout.forward(act(this.linear1.forward(x)))));
      let x = tgt;
      if (this.normFirst) {
        x = add(x, sa(this.norm1.forward(x)));
        x = add(x, mha(this.norm2.forward(x)));
        x = add(x, ff(this.norm3.forward(x)));
      } else {
        x = this.norm1.forward(add(x, sa(x)));
        x = this.norm2.forward(add(x, mha(x)));
        x = this.norm3.forward(add(x, ff(x)));
      }
      return x;
    });
  }
}

// ---- TransformerEncoder -------------------------------------------------------------------------------

/** Options of `TransformerEncoder`. */
export interface TransformerEncoderOptions {
  /** A module applied to the last layer's output (usually `new nn.LayerNorm(dModel)`; default none). */
  norm?: Module | null;
  /** torch 1.13's nested-tensor fast path switch: accepted and ignored (flintml computes the math path; see the class doc). */
  enableNestedTensor?: boolean;
  /** torch 1.13's check that padding is left-aligned before its fast path: accepted and ignored. */
  maskCheck?: boolean;
}

/** The masks of `TransformerEncoder.forward`. */
export interface TransformerEncoderForwardOptions {
  /** Attention mask [S, S] or [N·nhead, S, S] (bool true = masked out, or float added). */
  mask?: Tensor | null;
  /** [N, S] (or [S] unbatched): true (bool) = padding, or a float mask. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * A stack of `numLayers` encoder layers with an optional final norm, as `torch.nn.TransformerEncoder`.
 * The layers are deep copies of `encoderLayer` (so they start with equal weights, as torch's), in
 * `layers` (state-dict names `layers.0.…`, `norm.…`). Each layer is called as
 * `layer.forward(x, { srcMask, srcKeyPaddingMask })`, so a custom layer takes those options.
 *
 * torch 1.13's inference fast path (eval mode, no grad, batchFirst, an even nhead, a
 * srcKeyPaddingMask and no mask) returns 0 (before the final norm) at padded positions; flintml
 * always computes the math path, whose padded rows hold values. `enableNestedTensor` and
 * `maskCheck` are accepted for compatibility and change nothing. The non-padded rows agree.
 *
 * ```ts
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(64, 4, { batchFirst: true }), 2, { norm: new nn.LayerNorm(64) });
 * const y = enc.forward(x, { srcKeyPaddingMask: pad }); // x, y: [N, S, 64]
 * ```
 */
export class TransformerEncoder<L extends Module = TransformerEncoderLayer> extends Module {
  layers: ModuleList<L>;
  readonly numLayers: number;
  norm: Module | null;
  readonly enableNestedTensor: boolean;
  readonly maskCheck: boolean;

  constructor(encoderLayer: L, numLayers: number, options?: TransformerEncoderOptions);
  constructor(encoderLayer: L, numLayers: number, ...args: ArgsThenOptions<[norm: Module | null, enableNestedTensor: boolean, maskCheck: boolean], TransformerEncoderOptions>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.TransformerEncoder.parse(args);
    const op = 'TransformerEncoder';
    const layer = needModule(o.encoderLayer, op, 'encoderLayer') as L;
    const norm = needOptionalModule(o.norm, op, 'norm');
    this.layers = clones(layer, o.numLayers);
    this.numLayers = o.numLayers;
    this.norm = norm;
    this.enableNestedTensor = o.enableNestedTensor;
    this.maskCheck = o.maskCheck;
  }

  forward(src: Tensor, options?: TransformerEncoderForwardOptions): Tensor;
  forward(src: Tensor, ...args: ArgsThenOptions<[mask: Tensor | null, srcKeyPaddingMask: Tensor | null], TransformerEncoderForwardOptions>): Tensor;
  forward(...args: unknown[]): Tensor {
    const { src, mask = null, srcKeyPaddingMask = null } = ARGS['TransformerEncoder.forward'].parse(args) as { src: Tensor } & TransformerEncoderForwardOptions;
    const op = 'TransformerEncoder';
    needTensor(src, op, 'src');
    checkPaddingMaskDType(srcKeyPaddingMask, op, 'srcKeyPaddingMask');
    // torch reads self.layers[0] (its fast-path checks) before running any layer
    if (this.layers.length === 0) throw new IndexError(`${op}: has no layers (numLayers is 0); torch indexes layers[0]`);
    return scope(() => {
      let x = src;
      this.layers._list.forEach((layer, i) => {
        x = needResult((layer as unknown as { forward(x: Tensor, o: object): unknown }).forward(x, { srcMask: mask, srcKeyPaddingMask }), op, `layers.${i}`);
      });
      if (this.norm) x = needResult(this.norm.forward(x), op, 'norm');
      return x;
    });
  }
}

// ---- TransformerDecoder -------------------------------------------------------------------------------

/** Options of `TransformerDecoder`. */
export interface TransformerDecoderOptions {
  /** A module applied to the last layer's output (usually `new nn.LayerNorm(dModel)`; default none). */
  norm?: Module | null;
}

/**
 * A stack of `numLayers` decoder layers with an optional final norm, as `torch.nn.TransformerDecoder`.
 * The layers are deep copies of `decoderLayer`, in `layers` (state-dict names `layers.0.…`,
 * `norm.…`). Each layer is called as `layer.forward(x, memory, { tgtMask, memoryMask,
 * tgtKeyPaddingMask, memoryKeyPaddingMask })`.
 *
 * ```ts
 * const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(64, 4), 2, { norm: new nn.LayerNorm(64) });
 * const y = dec.forward(tgt, memory, { tgtMask: nn.Transformer.generateSquareSubsequentMask(tgt.shape[0]) });
 * ```
 */
export class TransformerDecoder<L extends Module = TransformerDecoderLayer> extends Module {
  layers: ModuleList<L>;
  readonly numLayers: number;
  norm: Module | null;

  constructor(decoderLayer: L, numLayers: number, options?: TransformerDecoderOptions);
  constructor(decoderLayer: L, numLayers: number, norm?: Module | null | TransformerDecoderOptions);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.TransformerDecoder.parse(args);
    const op = 'TransformerDecoder';
    const layer = needModule(o.decoderLayer, op, 'decoderLayer') as L;
    const norm = needOptionalModule(o.norm, op, 'norm');
    this.layers = clones(layer, o.numLayers);
    this.numLayers = o.numLayers;
    this.norm = norm;
  }

  forward(tgt: Tensor, memory: Tensor, options?: TransformerDecoderForwardOptions): Tensor;
  forward(tgt: Tensor, memory: Tensor, ...args: ArgsThenOptions<[tgtMask: Tensor | null, memoryMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], TransformerDecoderForwardOptions>): Tensor;
  forward(...args: unknown[]): Tensor {
    const { tgt, memory, tgtMask = null, memoryMask = null, tgtKeyPaddingMask = null, memoryKeyPaddingMask = null } =
      ARGS['TransformerDecoder.forward'].parse(args) as { tgt: Tensor; memory: Tensor } & TransformerDecoderForwardOptions;
    const op = 'TransformerDecoder';
    needTensor(tgt, op, 'tgt'); needTensor(memory, op, 'memory');
    return scope(() => {
      let x = tgt;
      this.layers._list.forEach((layer, i) => {
        x = needResult((layer as unknown as { forward(x: Tensor, m: Tensor, o: object): unknown }).forward(x, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask }), op, `layers.${i}`);
      });
      if (this.norm) x = needResult(this.norm.forward(x), op, 'norm');
      return x;
    });
  }
}

// ---- Transformer ----------------------------------------------------------------------------------------

/** Options of `Transformer` (PyTorch's keyword arguments in camelCase). */
export interface TransformerOptions {
  /** Feature size (default 512). */
  dModel?: number;
  /** Attention heads (default 8); dModel must be divisible by it. */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** Hidden size of the feed-forward blocks (default 2048). */
  dimFeedforward?: number;
  /** Dropout (default 0.1). */
  dropout?: number;
  /** Feed-forward activation: 'relu' (default), 'gelu', a function of a Tensor, or a Module. */
  activation?: TransformerActivation;
  /** A module used as the encoder (called as `encoder.forward(src, { mask, srcKeyPaddingMask })`). */
  customEncoder?: Module | null;
  /** A module used as the decoder (called as `decoder.forward(tgt, memory, { tgtMask, … })`). */
  customDecoder?: Module | null;
  /** LayerNorm eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs and output are [batch, seq, feature] (default false: [seq, batch, feature]). */
  batchFirst?: boolean;
  /** Pre-norm layers (default false). */
  normFirst?: boolean;
  /** Whether the linear layers and norms have biases (default true; torch ≥ 2.1's argument). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Parameter device (default 'cpu'). */
  device?: string;
}

/** The masks of `Transformer.forward` (MultiheadAttention's convention: bool true = masked out, float added). */
export interface TransformerForwardOptions {
  /** Encoder self-attention mask [S, S] or [N·nhead, S, S]. */
  srcMask?: Tensor | null;
  /** Decoder self-attention mask [T, T] or [N·nhead, T, T], e.g. `Transformer.generateSquareSubsequentMask(T)`. */
  tgtMask?: Tensor | null;
  /** Cross-attention mask [T, S] or [N·nhead, T, S]. */
  memoryMask?: Tensor | null;
  /** [N, S] (or [S]): true (bool) = that source position is padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** [N, T] (or [T]): true (bool) = that target position is padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** [N, S] (or [S]): padding of the memory (usually the same as srcKeyPaddingMask). */
  memoryKeyPaddingMask?: Tensor | null;
}

/** Options of `Transformer.generateSquareSubsequentMask`. */
export interface SquareSubsequentMaskOptions {
  /** Where the mask is made (default 'cpu'). */
  device?: string;
  /** A floating dtype (default float32; torch 2.x's argument). */
  dtype?: DType;
}

/**
 * The encoder–decoder transformer of "Attention Is All You Need", as `torch.nn.Transformer`: a
 * `TransformerEncoder` (numEncoderLayers layers and a final LayerNorm) and a `TransformerDecoder`
 * (numDecoderLayers layers and a final LayerNorm), or the custom ones given. Every parameter with
 * more than one dimension is initialised with xavier_uniform_ (torch's `_reset_parameters`).
 * Inputs: src [S, N, E] and tgt [T, N, E] ([N, S, E] / [N, T, E] with batchFirst, or unbatched
 * [S, E] / [T, E]); the output has tgt's shape. State-dict names are torch's
 * (`encoder.layers.0.self_attn.in_proj_weight`, `decoder.norm.weight`, …).
 *
 * ```ts
 * const model = new nn.Transformer({ dModel: 64, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, batchFirst: true });
 * const y = model.forward(src, tgt, { tgtMask: nn.Transformer.generateSquareSubsequentMask(tgt.shape[1]) });
 * ```
 */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options?: TransformerOptions);
  constructor(...args: ArgsThenOptions<[dModel: number, nhead: number, numEncoderLayers: number, numDecoderLayers: number, dimFeedforward: number, dropout: number, activation: TransformerActivation, customEncoder: Module | null, customDecoder: Module | null, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean], TransformerOptions>);
  constructor(...args: unknown[]) {
    super();
    const o = ARGS.Transformer.parse(args);
    const op = 'Transformer';
    const customEncoder = needOptionalModule(o.customEncoder, op, 'customEncoder');
    const customDecoder = needOptionalModule(o.customDecoder, op, 'customDecoder');
    if ((!customEncoder || !customDecoder) && o.dModel % o.nhead !== 0) throw new ValueError(`${op}: dModel (${o.dModel}) must be divisible by nhead (${o.nhead})`);
    const t = { dtype: o.dtype, device: o.device };
    const layerArgs = { dimFeedforward: o.dimFeedforward, dropout: o.dropout, activation: o.activation, layerNormEps: o.layerNormEps, batchFirst: o.batchFirst, normFirst: o.normFirst, bias: o.bias, ...t };
    // the template layers are copied into the stacks and then disposed (not the activation Module, which is the caller's)
    const disposeTemplate = (m: Module) => {
      const keep = new Set(o.activation instanceof Module ? o.activation.parameters() : []);
      for (const p of m.parameters()) if (!keep.has(p)) p.dispose();
    };
    if (customEncoder) this.encoder = customEncoder;
    else {
      const layer = new TransformerEncoderLayer(o.dModel, o.nhead, layerArgs);
      try {
        this.encoder = new TransformerEncoder(layer, o.numEncoderLayers, { norm: new LayerNorm(o.dModel, { eps: o.layerNormEps, bias: o.bias, ...t }) });
      } finally { disposeTemplate(layer); }
    }
    if (customDecoder) this.decoder = customDecoder;
    else {
      const layer = new TransformerDecoderLayer(o.dModel, o.nhead, layerArgs);
      try {
        this.decoder = new TransformerDecoder(layer, o.numDecoderLayers, { norm: new LayerNorm(o.dModel, { eps: o.layerNormEps, bias: o.bias, ...t }) });
      } finally { disposeTemplate(layer); }
    }
    // torch's _reset_parameters
    noGrad(() => { for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p); });
    this.dModel = o.dModel;
    this.nhead = o.nhead;
    this.batchFirst = o.batchFirst;
  }

  forward(src: Tensor, tgt: Tensor, options?: TransformerForwardOptions): Tensor;
  forward(src: Tensor, tgt: Tensor, ...args: ArgsThenOptions<[srcMask: Tensor | null, tgtMask: Tensor | null, memoryMask: Tensor | null, srcKeyPaddingMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], TransformerForwardOptions>): Tensor;
  forward(...args: unknown[]): Tensor {
    const { src, tgt, srcMask = null, tgtMask = null, memoryMask = null, srcKeyPaddingMask = null, tgtKeyPaddingMask = null, memoryKeyPaddingMask = null } =
      ARGS['Transformer.forward'].parse(args) as { src: Tensor; tgt: Tensor } & TransformerForwardOptions;
    const op = 'Transformer';
    needTensor(src, op, 'src'); needTensor(tgt, op, 'tgt');
    const b = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt._shape[b] !== src._shape[b]) {
      throw new ShapeError(`${op}: the batch number of src and tgt must be equal, got src ${fmt(src._shape)} and tgt ${fmt(tgt._shape)}${this.batchFirst ? ' (batchFirst)' : ''}`);
    }
    if (src.ndim === 0 || tgt.ndim === 0 || src._shape[src.ndim - 1] !== this.dModel || tgt._shape[tgt.ndim - 1] !== this.dModel) {
      throw new ShapeError(`${op}: the feature number of src and tgt must be equal to dModel (${this.dModel}), got src ${fmt(src._shape)} and tgt ${fmt(tgt._shape)}`);
    }
    return scope(() => {
      const memory = needResult((this.encoder as unknown as { forward(s: Tensor, o: object): unknown }).forward(src, { mask: srcMask, srcKeyPaddingMask }), op, 'encoder');
      return needResult((this.decoder as unknown as { forward(t: Tensor, m: Tensor, o: object): unknown }).forward(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask }), op, 'decoder');
    });
  }

  /**
   * A causal mask for a sequence of `sz`: [sz, sz] with 0 on and below the diagonal and -inf above
   * it (in the default dtype unless `dtype` is given, as torch 1.13's), as `torch.nn.Transformer.generate_square_subsequent_mask`.
   *
   * ```ts
   * nn.Transformer.generateSquareSubsequentMask(3); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
   * ```
   */
  static generateSquareSubsequentMask(sz: number, options?: SquareSubsequentMaskOptions): Tensor;
  static generateSquareSubsequentMask(sz: number, ...args: ArgsThenOptions<[device: string, dtype: DType], SquareSubsequentMaskOptions>): Tensor;
  static generateSquareSubsequentMask(...args: unknown[]): Tensor {
    const { sz, device, dtype: dt } = ARGS['Transformer.generateSquareSubsequentMask'].parse(args);
    const dtype = dt ?? getDefaultDtype();
    if (!isFloating(dtype)) throw new DTypeError(`Transformer.generateSquareSubsequentMask: dtype must be floating (the mask holds -inf), got ${dtype}`);
    return scope(() => triu(full([sz, sz], -Infinity, { dtype, device }), 1));
  }
}
