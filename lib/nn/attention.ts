// attention.ts — attention layers: `MultiheadAttention` and `TransformerEncoderLayer`, with
// PyTorch's semantics and parameter names (`in_proj_weight`, `out_proj.weight`, `self_attn.…`), so
// state dicts load from PyTorch checkpoints unchanged. The functional `scaledDotProductAttention`
// and the `attend` they share are in functional.ts (re-exported here for `fl.nn`).
//
// Attention is computed as softmax(q·kᵀ·scale + bias)·v with matmul and the fused softmax kernel;
// gradients come from those ops' autograd. Mask conventions differ between the two PyTorch APIs
// and are kept as PyTorch has them: in `scaledDotProductAttention` a bool mask is True where a
// position TAKES PART; in `MultiheadAttention` (attnMask, keyPaddingMask) True means MASKED OUT.
// Float masks are added to the scores in both.
//
// The transformer layers' `activation` is 'relu', 'gelu', a function of a Tensor or a Module (torch 1.13
// takes any callable: F.relu, nn.GELU()); a Module is a child, printed and deep-copied as torch's.
// The stacks (TransformerEncoder, TransformerDecoder, Transformer) and TransformerDecoderLayer are in
// transformer.ts.
//
// `addBiasKv` and `addZeroAttn` follow torch's multi_head_attention_forward: bias_k/bias_v ([1, 1, E],
// xavier_normal_) are appended to the PROJECTED key and value as one more key position, and a zero
// key/value row per batch·head after the split into heads; each appended position pads attnMask and
// keyPaddingMask (and the causal mask of isCausal) with one column that does not mask (false / 0), so
// the weights have S + 1 (+ 1) columns.
import { DTypeError, ShapeError, ValueError } from '../errors';
import { describeArg } from '../arity';
import { DType } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { add, gelu, logicalNot, logicalOr, maskedFill, relu } from '../ops/elementwise';
import { ones, zeros } from '../ops/creation';
import { noGrad } from '../autograd';
import { mean } from '../ops/reduce';
import { tril } from '../ops/indexing';
import { cat, expand, narrow, permute, reshape, squeeze, transpose, unsqueeze } from '../ops/views';
import { Module } from './module';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { xavierNormal_, xavierUniform_, zeros_ } from './init';
import { attend, linearOp as linear } from './functional';
import { needTensor } from './checks';
import { Dropout, Linear } from './layers';
import { newParameter } from './params';
import { LayerNorm } from './norm';

// PyTorch's positional order (lib/args.ts): MultiheadAttention(embed_dim, num_heads, dropout, bias,
// add_bias_kv, add_zero_attn, kdim, vdim, batch_first) and its forward(query, key, value, key_padding_mask, need_weights,
// attn_mask, average_attn_weights, is_causal); TransformerEncoderLayer(d_model, nhead,
// dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias) and its
// forward(src, src_mask, src_key_padding_mask, is_causal). Values are checked below.
const T = required(A.anyValue<Tensor>());
const OPT = optional(A.anyValue<never>());
const ARGS = {
  MultiheadAttention: signature('MultiheadAttention', ['embedDim', 'numHeads', 'dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst'], {
    embedDim: required(A.anyValue<number>()), numHeads: required(A.anyValue<number>()), dropout: OPT, bias: optional(A.bool),
    addBiasKv: optional(A.bool), addZeroAttn: optional(A.bool), kdim: OPT, vdim: OPT, batchFirst: optional(A.bool), dtype: optional(A.dtype), device: optional(A.device),
  }),
  'MultiheadAttention.forward': signature('MultiheadAttention.forward', ['query', 'key', 'value', 'keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal'], {
    query: T, key: T, value: T, keyPaddingMask: OPT, needWeights: optional(A.bool), attnMask: OPT, averageAttnWeights: optional(A.bool), isCausal: optional(A.bool),
  }),
  TransformerEncoderLayer: signature('TransformerEncoderLayer', ['dModel', 'nhead', 'dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias'], {
    dModel: required(A.anyValue<number>()), nhead: required(A.anyValue<number>()), dimFeedforward: OPT, dropout: OPT, activation: OPT, layerNormEps: OPT,
    batchFirst: optional(A.bool), normFirst: optional(A.bool), bias: optional(A.bool), dtype: optional(A.dtype), device: optional(A.device),
  }),
  'TransformerEncoderLayer.forward': signature('TransformerEncoderLayer.forward', ['src', 'srcMask', 'srcKeyPaddingMask', 'isCausal'], {
    src: T, srcMask: OPT, srcKeyPaddingMask: OPT, isCausal: optional(A.bool),
  }),
};

// the functional form lives with the other functionals; fl.nn exposes it from here too
export { scaledDotProductAttention } from './functional';
export type { SDPAOptions } from './functional';

/** Options of `MultiheadAttention` (PyTorch's keyword arguments in camelCase). */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Whether the input and output projections have biases (default true). */
  bias?: boolean;
  /** Learn `bias_k` and `bias_v` ([1, 1, embedDim]), appended to the projected key and value as one more key (default false). */
  addBiasKv?: boolean;
  /** Append a zero key and value per batch·head after the projection, one more key (default false). */
  addZeroAttn?: boolean;
  /** Inputs and outputs are [batch, seq, feature] instead of [seq, batch, feature] (default false). */
  batchFirst?: boolean;
  /** Feature size of the key (default embedDim); differing sizes use separate q/k/v weights. */
  kdim?: number | null;
  /** Feature size of the value (default embedDim). */
  vdim?: number | null;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Parameter device (default 'cpu'). */
  device?: string;
}

/** Options of `MultiheadAttention.forward`. */
export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): true (bool) = that key is padding and ignored; float: added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N·numHeads, L, S]: true (bool) = NOT allowed to attend; float: added to the scores. With
   * addBiasKv / addZeroAttn the appended keys are not masked (the masks get a false / 0 column each). */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads ([N, L, S]) instead of [N, numHeads, L, S] (default true). */
  averageAttnWeights?: boolean;
  /** Causal attention: when no attnMask is given, a causal mask is used (PyTorch requires the mask). */
  isCausal?: boolean;
}

function posInt(v: unknown, what: string, op: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ValueError(`${op}: ${what} must be a positive integer, got ${describeArg(v)}`);
  return v;
}

/**
 * Multi-head attention, as `torch.nn.MultiheadAttention`: parameters `in_proj_weight` [3E, E] (or
 * `q_proj_weight`/`k_proj_weight`/`v_proj_weight` when kdim/vdim differ from E), `in_proj_bias`
 * [3E], `bias_k`/`bias_v` [1, 1, E] with `addBiasKv`, and `out_proj` (a Linear). Inputs are
 * [L, N, E] (or [N, L, E] with `batchFirst`, or unbatched [L, E]); `forward` returns
 * `[output, weights | null]`. `addBiasKv` and `addZeroAttn` each append one key position, so the
 * weights have S + 1 (+ 1) columns.
 *
 * ```ts
 * const mha = new nn.MultiheadAttention(64, 8, { batchFirst: true });
 * const [y, w] = mha.forward(x, x, x, { keyPaddingMask: pad }); // y: [N, L, 64], w: [N, L, L]
 * ```
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  in_proj_weight?: Tensor;
  q_proj_weight?: Tensor;
  k_proj_weight?: Tensor;
  v_proj_weight?: Tensor;
  in_proj_bias?: Tensor;
  bias_k?: Tensor;
  bias_v?: Tensor;
  out_proj: Linear;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions);
  constructor(embedDim: number, numHeads: number, ...args: ArgsThenOptions<[dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean], MultiheadAttentionOptions>);
  constructor(...args: unknown[]) {
    super();
    const { embedDim, numHeads, ...options } = ARGS.MultiheadAttention.parse(args) as { embedDim: number; numHeads: number } & MultiheadAttentionOptions;
    const op = 'MultiheadAttention';
    this.embedDim = posInt(embedDim, 'embedDim', op);
    this.numHeads = posInt(numHeads, 'numHeads', op);
    if (embedDim % numHeads !== 0) throw new ValueError(`${op}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.kdim = options.kdim == null ? embedDim : posInt(options.kdim, 'kdim', op);
    this.vdim = options.vdim == null ? embedDim : posInt(options.vdim, 'vdim', op);
    const p = options.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`${op}: dropout must be a number in [0, 1], got ${describeArg(p)}`);
    this.dropout = p;
    this.batchFirst = options.batchFirst ?? false;
    this.addZeroAttn = options.addZeroAttn ?? false;
    const bias = options.bias ?? true;
    const t = { dtype: options.dtype ?? getDefaultDtype(), device: options.device ?? 'cpu' };
    const E = embedDim;
    // PyTorch: xavier_uniform_ on the input projections, zero biases; out_proj.weight keeps Linear's init
    if (this.kdim === E && this.vdim === E) {
      this.in_proj_weight = newParameter([3 * E, E], t, xavierUniform_);
    } else {
      this.q_proj_weight = newParameter([E, E], t, xavierUniform_);
      this.k_proj_weight = newParameter([E, this.kdim], t, xavierUniform_);
      this.v_proj_weight = newParameter([E, this.vdim], t, xavierUniform_);
    }
    if (bias) this.in_proj_bias = newParameter([3 * E], t, zeros_);
    this.out_proj = new NonDynamicallyQuantizableLinear(E, E, { bias, ...t });
    if (bias) noGrad(() => zeros_(this.out_proj.bias!));
    if (options.addBiasKv) {
      this.bias_k = newParameter([1, 1, E], t, xavierNormal_);
      this.bias_v = newParameter([1, 1, E], t, xavierNormal_);
    }
  }

  /** @internal Whether q, k and v share one packed weight. */
  get qkvSameEmbedDim(): boolean { return this.in_proj_weight !== undefined; }

  forward(query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionForwardOptions): [Tensor, Tensor | null];
  forward(query: Tensor, key: Tensor, value: Tensor, ...args: ArgsThenOptions<[keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, averageAttnWeights: boolean, isCausal: boolean], MultiheadAttentionForwardOptions>): [Tensor, Tensor | null];
  forward(...args: unknown[]): [Tensor, Tensor | null] {
    const { query, key, value, ...options } = ARGS['MultiheadAttention.forward'].parse(args) as { query: Tensor; key: Tensor; value: Tensor } & MultiheadAttentionForwardOptions;
    const op = 'MultiheadAttention';
    needTensor(query, op, 'query'); needTensor(key, op, 'key'); needTensor(value, op, 'value');
    const { keyPaddingMask = null, needWeights = true, attnMask = null, averageAttnWeights = true, isCausal = false } = options;
    const batched = query.ndim === 3;
    if (query.ndim !== 2 && query.ndim !== 3) throw new ShapeError(`${op}: expected a 2-D (unbatched) or 3-D query, got shape ${fmt(query._shape)}`);
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new ShapeError(`${op}: query ${fmt(query._shape)}, key ${fmt(key._shape)} and value ${fmt(value._shape)} must all be ${batched ? '3-D' : '2-D'}`);
    }
    const w0 = this.in_proj_weight ?? this.q_proj_weight!;
    if (query.dtype !== w0.dtype || key.dtype !== w0.dtype || value.dtype !== w0.dtype) {
      throw new DTypeError(`${op}: query, key and value must have the parameters' dtype ${w0.dtype}, got ${query.dtype}, ${key.dtype}, ${value.dtype}`);
    }
    return scope(() => {
      // to [L, N, E] / [S, N, *]
      let q = query, k = key, v = value;
      if (!batched) { q = unsqueeze(q, 1); k = unsqueeze(k, 1); v = unsqueeze(v, 1); }
      else if (this.batchFirst) { q = transpose(q, 0, 1); k = transpose(k, 0, 1); v = transpose(v, 0, 1); }
      const [L, N, E] = q._shape;
      const S = k._shape[0];
      const H = this.numHeads, hd = this.headDim;
      if (E !== this.embedDim) throw new ShapeError(`${op}: expected query with embedDim=${this.embedDim} features, got shape ${fmt(query._shape)}`);
      if (k._shape[2] !== this.kdim || v._shape[2] !== this.vdim) {
        throw new ShapeError(`${op}: expected key with ${this.kdim} and value with ${this.vdim} features, got shapes ${fmt(key._shape)} and ${fmt(value._shape)}`);
      }
      if (k._shape[1] !== N || v._shape[1] !== N || v._shape[0] !== S) {
        throw new ShapeError(`${op}: query ${fmt(query._shape)}, key ${fmt(key._shape)} and value ${fmt(value._shape)} disagree in batch size or key length`);
      }
      // masks → one additive/bool mask broadcastable to [N, H, L, S]
      let mask4: Tensor | null = null;
      if (attnMask != null) {
        const m = needTensor(attnMask, op, 'attnMask');
        if (m.dtype !== 'bool' && m.dtype !== query.dtype) throw new DTypeError(`${op}: attnMask must be bool or ${query.dtype}, got ${m.dtype}`);
        if (m.ndim === 2 && m._shape[0] === L && m._shape[1] === S) mask4 = m;
        else if (m.ndim === 3 && m._shape[0] === N * H && m._shape[1] === L && m._shape[2] === S) mask4 = reshape(m, [N, H, L, S]);
        else throw new ShapeError(`${op}: attnMask must have shape ${fmt([L, S])} or ${fmt([N * H, L, S])}, got ${fmt(m._shape)}`);
      } else if (isCausal) {
        mask4 = logicalNot(tril(ones([L, S], { dtype: 'bool', device: query.device })));
      }
      if (keyPaddingMask != null) {
        const m = needTensor(keyPaddingMask, op, 'keyPaddingMask');
        if (m.dtype !== 'bool' && m.dtype !== query.dtype) throw new DTypeError(`${op}: keyPaddingMask must be bool or ${query.dtype}, got ${m.dtype}`);
        const want = batched ? [N, S] : [S];
        if (m.ndim !== want.length || m._shape.some((s, i) => s !== want[i])) throw new ShapeError(`${op}: keyPaddingMask must have shape ${fmt(want)}, got ${fmt(m._shape)}`);
        const kpm = reshape(m, [N, 1, 1, S]);
        if (!mask4) mask4 = kpm;
        else if (mask4.dtype === 'bool' && kpm.dtype === 'bool') mask4 = logicalOr(mask4, kpm);
        else mask4 = add(asAdditive(mask4, query.dtype), asAdditive(kpm, query.dtype));
      }
      // each appended key (bias_k, the zero key) gets an unmasked column, as torch's pad(mask, (0, 1))
      const biasK = this.bias_k, biasV = this.bias_v;
      const extra = (biasK && biasV ? 1 : 0) + (this.addZeroAttn ? 1 : 0);
      if (mask4 && extra) mask4 = cat([mask4, zeros([...mask4._shape.slice(0, -1), extra], { dtype: mask4.dtype, device: mask4.device })], -1);
      // a bool mask is added as 0/-inf, as PyTorch's multi_head_attention_forward does: a row with
      // every key masked is then NaN in the gradients as well (masked_fill would give them zeros)
      if (mask4 && mask4.dtype === 'bool') mask4 = asAdditive(mask4, query.dtype);
      // projections
      let qp: Tensor, kp: Tensor, vp: Tensor;
      const b = this.in_proj_bias;
      const bq = b ? narrow(b, 0, 0, E) : null, bk = b ? narrow(b, 0, E, E) : null, bv = b ? narrow(b, 0, 2 * E, E) : null;
      if (this.in_proj_weight) {
        const W = this.in_proj_weight;
        qp = linear(q, narrow(W, 0, 0, E), bq, op);
        kp = linear(k, narrow(W, 0, E, E), bk, op);
        vp = linear(v, narrow(W, 0, 2 * E, E), bv, op);
      } else {
        qp = linear(q, this.q_proj_weight!, bq, op);
        kp = linear(k, this.k_proj_weight!, bk, op);
        vp = linear(v, this.v_proj_weight!, bv, op);
      }
      // bias_k / bias_v: one more key position, [S + 1, N, E]
      if (biasK && biasV) {
        kp = cat([kp, expand(biasK, [1, N, E])], 0);
        vp = cat([vp, expand(biasV, [1, N, E])], 0);
      }
      // [L, N, E] → [N, H, L, hd]
      const heads = (t: Tensor) => permute(reshape(t, [t._shape[0], N, H, hd]), [1, 2, 0, 3]);
      let kh = heads(kp), vh = heads(vp);
      if (this.addZeroAttn) {
        const z = zeros([N, H, 1, hd], { dtype: kh.dtype, device: kh.device });
        kh = cat([kh, z], 2);
        vh = cat([vh, z], 2);
      }
      const { out, weights } = attend(op, heads(qp), kh, vh, 1 / Math.sqrt(hd), mask4, false, false, this.training ? this.dropout : 0);
      // [N, H, L, hd] → [L, N, E] → out_proj
      let y = this.out_proj.forward(reshape(permute(out, [2, 0, 1, 3]), [L, N, E]));
      if (!batched) y = squeeze(y, 1);
      else if (this.batchFirst) y = transpose(y, 0, 1);
      if (!needWeights) return [y, null] as [Tensor, Tensor | null];
      let w = averageAttnWeights ? mean(weights, { dim: 1 }) : weights;
      if (!batched) w = squeeze(w, 0);
      return [y, w] as [Tensor, Tensor | null];
    });
  }
}

/** torch's out_proj class: a Linear under the name that PyTorch prints in MultiheadAttention's repr. */
class NonDynamicallyQuantizableLinear extends Linear {}

/** A bool mask (true = masked out) as an additive 0/-inf mask; float masks pass through. */
function asAdditive(m: Tensor, dtype: DType): Tensor {
  return m.dtype === 'bool' ? maskedFill(zeros(m._shape, { dtype, device: m.device }), m, -Infinity) : m;
}

/** A transformer layer's feed-forward activation: a name, a function of a Tensor, or a Module (its forward). */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

/**
 * @internal The transformer layers' `activation` as a function, checked as torch 1.13's
 * `_get_activation_fn` (another string is refused) plus a function or a Module instance (a class
 * is refused: it needs `new`). The function's result must be a Tensor.
 */
export function resolveActivation(activation: unknown, op: string): (x: Tensor) => Tensor {
  if (activation === 'relu') return (x) => relu(x);
  if (activation === 'gelu') return (x) => gelu(x);
  let f: ((x: Tensor) => unknown) | null = null;
  if (activation instanceof Module) { const m = activation; f = (x) => m.forward(x); }
  else if (typeof activation === 'function' && !/^class[\s{]/.test(Function.prototype.toString.call(activation))) f = activation as (x: Tensor) => unknown;
  if (!f) throw new ValueError(`${op}: activation must be 'relu', 'gelu', a function or a Module instance, got ${describeArg(activation)}`);
  const fn = f;
  return (x) => {
    const y = fn(x);
    if (!(y instanceof Tensor)) throw new ValueError(`${op}: the activation function must return a Tensor, got ${describeArg(y)}`);
    return y;
  };
}

/** Options of `TransformerEncoderLayer` (PyTorch's keyword arguments in camelCase). */
export interface TransformerEncoderLayerOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** Feed-forward activation: 'relu' (default), 'gelu', a function of a Tensor, or a Module (e.g. `new nn.GELU()`). */
  activation?: TransformerActivation;
  /** LayerNorm eps (default 1e-5). */
  layerNormEps?: number;
  /** Input and output are [batch, seq, feature] (default false). */
  batchFirst?: boolean;
  /** Pre-norm (norm → sublayer → residual) instead of post-norm (default false). */
  normFirst?: boolean;
  /** Whether the linear layers and norms have biases (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Parameter device (default 'cpu'). */
  device?: string;
}

/** Options of `TransformerEncoderLayer.forward`. */
export interface TransformerEncoderLayerForwardOptions {
  /** Attention mask [L, L] or [N·nhead, L, L] (MultiheadAttention's convention: bool true = masked). */
  srcMask?: Tensor | null;
  /** [N, L] bool (true = padding) or float mask. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention when no srcMask is given. */
  isCausal?: boolean;
}

/**
 * One transformer encoder block, as `torch.nn.TransformerEncoderLayer`: self-attention and a
 * feed-forward block (linear1 → activation → dropout → linear2), each with a residual connection
 * and LayerNorm, post-norm by default or pre-norm with `normFirst`. Fields and state-dict names
 * are PyTorch's: `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`, `dropout2`.
 *
 * ```ts
 * const layer = new nn.TransformerEncoderLayer(512, 8, { batchFirst: true, normFirst: true });
 * const y = layer.forward(x, { srcKeyPaddingMask: pad }); // same shape as x: [N, L, 512]
 * ```
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  /** The activation as given ('relu', 'gelu', a function, or a Module: then a child, as torch's). */
  activation: TransformerActivation;

  constructor(dModel: number, nhead: number, options?: TransformerEncoderLayerOptions);
  constructor(dModel: number, nhead: number, ...args: ArgsThenOptions<[dimFeedforward: number, dropout: number, activation: TransformerActivation, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean], TransformerEncoderLayerOptions>);
  constructor(...args: unknown[]) {
    super();
    const { dModel, nhead, ...options } = ARGS.TransformerEncoderLayer.parse(args) as { dModel: number; nhead: number } & TransformerEncoderLayerOptions;
    const op = 'TransformerEncoderLayer';
    const { dimFeedforward = 2048, dropout: p = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true } = options;
    resolveActivation(activation, op);  // checked here; forward resolves this.activation (a deep copy's own Module)
    const t = { dtype: options.dtype, device: options.device };
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst, ...t });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, ...t });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, ...t });
    this.normFirst = normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias, ...t });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias, ...t });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.activation = activation;
  }

  forward(src: Tensor, options?: TransformerEncoderLayerForwardOptions): Tensor;
  forward(src: Tensor, ...args: ArgsThenOptions<[srcMask: Tensor | null, srcKeyPaddingMask: Tensor | null, isCausal: boolean], TransformerEncoderLayerForwardOptions>): Tensor;
  forward(...args: unknown[]): Tensor {
    const { src, ...options } = ARGS['TransformerEncoderLayer.forward'].parse(args) as { src: Tensor } & TransformerEncoderLayerForwardOptions;
    const op = 'TransformerEncoderLayer';
    needTensor(src, op, 'src');
    const d = this.self_attn.embedDim;
    if ((src.ndim !== 2 && src.ndim !== 3) || src._shape[src.ndim - 1] !== d) {
      throw new ShapeError(`${op}: expected src of shape [L, N, ${d}], [N, L, ${d}] (batchFirst) or [L, ${d}], got ${fmt(src._shape)}`);
    }
    const { srcMask = null, srcKeyPaddingMask = null, isCausal = false } = options;
    return scope(() => {
      const sa = (x: Tensor) => this.dropout1.forward(this.self_attn.forward(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, needWeights: false, isCausal })[0]);
      const act = resolveActivation(this.activation, op);
      const ff = (x: Tensor) => this.dropout2.forward(this.linear2.forward(this.dropout.forward(act(this.linear1.forward(x)))));
      let x = src;
      if (this.normFirst) {
        x = add(x, sa(this.norm1.forward(x)));
        x = add(x, ff(this.norm2.forward(x)));
      } else {
        x = this.norm1.forward(add(x, sa(x)));
        x = this.norm2.forward(add(x, ff(x)));
      }
      return x;
    });
  }
}
