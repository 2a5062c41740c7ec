// bert.ts — BERT-family encoders as transformers' BertModel / RobertaModel (modeling_bert.py,
// modeling_roberta.py) and BertForSequenceClassification, read from and written to save_pretrained
// folders; `meanPooling`, sentence-transformers' embedding recipe. Fields carry transformers' names
// (`encoder.layer.0.attention.self.query`, snake_case on purpose) so that stateDict keys are the
// checkpoint's keys. Post-norm blocks: x = LN(x + drop(dense(attn(x)))), then
// x = LN(x + drop(dense(gelu(dense(x))))); the padding mask is additive (finfo.min on pad keys), as
// transformers builds it, so that a row with no real token still gives what transformers gives.
import { describeArg } from '../arity';
import { DType } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { noGrad } from '../autograd';
import { Tensor, scope, scopeSync } from '../tensor';
import { arange, zeros } from '../ops/creation';
import { add, gelu, mul, ne, sub, tanh, div, clamp } from '../ops/elementwise';
import { cumsum } from '../ops/softmax';
import { sum } from '../ops/reduce';
import { narrow, reshape, select, transpose, unsqueeze, expand } from '../ops/views';
import { finfo } from '../ops/misc2';
import { dropoutOp, embeddingOp, scaledDotProductAttention } from '../nn/functional';
import { normalize } from '../nn/distance';
import { binaryCrossEntropyWithLogits, crossEntropy, mseLoss } from '../nn/loss';
import { Embedding, Linear } from '../nn/layers';
import { LayerNorm } from '../nn/norm';
import { Module } from '../nn/module';
import { normal_, zeros_ } from '../nn/init';
import { mergedStateDict } from '../nn/lora';
import { floatDtype } from './causal-lm';
import { FromPretrainedOptions } from './gpt2';
import { PretrainedConfig, SavePretrainedOptions, configString, num, posInt, readConfig, readWeights, writePretrained } from './hub';
import * as A from '../args';
import { optional, signature } from '../args';

interface Factory { device: string; dtype: DType }

interface BertDims {
  type: 'bert' | 'roberta'; vocab: number; d: number; layers: number; heads: number; inter: number; positions: number;
  typeVocab: number; eps: number; approximate: 'none' | 'tanh'; hiddenDropout: number; attnDropout: number; padId: number;
}

const ACTIVATIONS: Record<string, 'none' | 'tanh'> = { gelu: 'none', gelu_new: 'tanh', gelu_pytorch_tanh: 'tanh' };

function bertDims(cfg: PretrainedConfig, op: string): BertDims {
  const type = configString(cfg.model_type ?? 'bert');
  if (type !== 'bert' && type !== 'roberta') throw new ValueError(`${op}: model_type "${type}" is not supported (bert, roberta)`);
  const d = posInt(cfg, 'hidden_size', op), heads = posInt(cfg, 'num_attention_heads', op);
  if (d % heads !== 0) throw new ValueError(`${op}: hidden_size ${d} is not a multiple of num_attention_heads ${heads}`);
  const act = configString(cfg.hidden_act ?? 'gelu');
  if (!(act in ACTIVATIONS)) throw new ValueError(`${op}: hidden_act "${act}" is not supported (one of ${Object.keys(ACTIVATIONS).join(', ')})`);
  const pet = configString(cfg.position_embedding_type ?? 'absolute');
  if (pet !== 'absolute') throw new ValueError(`${op}: position_embedding_type "${pet}" is not supported (absolute)`);
  for (const k of ['is_decoder', 'add_cross_attention']) if (cfg[k] === true) throw new ValueError(`${op}: config ${k}: true is not supported (an encoder only)`);
  const padId = num(cfg, 'pad_token_id', op, type === 'roberta' ? 1 : 0);
  if (!Number.isInteger(padId) || padId < 0) throw new ValueError(`${op}: config.json's "pad_token_id" must be a non-negative integer, got ${padId}`);
  return {
    type, vocab: posInt(cfg, 'vocab_size', op), d, heads, layers: posInt(cfg, 'num_hidden_layers', op), inter: posInt(cfg, 'intermediate_size', op),
    positions: posInt(cfg, 'max_position_embeddings', op, 512), typeVocab: posInt(cfg, 'type_vocab_size', op, 2), eps: num(cfg, 'layer_norm_eps', op, 1e-12),
    approximate: ACTIVATIONS[act], hiddenDropout: num(cfg, 'hidden_dropout_prob', op, 0.1), attnDropout: num(cfg, 'attention_probs_dropout_prob', op, 0.1), padId,
  };
}

class BertEmbeddings extends Module {
  word_embeddings: Embedding;
  position_embeddings: Embedding;
  token_type_embeddings: Embedding;
  LayerNorm: LayerNorm;
  constructor(c: BertDims, f: Factory) {
    super();
    this.word_embeddings = new Embedding(c.vocab, c.d, f);
    this.position_embeddings = new Embedding(c.positions, c.d, f);
    this.token_type_embeddings = new Embedding(c.typeVocab, c.d, f);
    this.LayerNorm = new LayerNorm(c.d, { eps: c.eps, ...f });
  }
  forward(): never { throw new ValueError('BertEmbeddings: call Bert.forward'); }
}

class BertSelfAttention extends Module {
  query: Linear;
  key: Linear;
  value: Linear;
  constructor(private readonly c: BertDims, f: Factory) {
    super();
    this.query = new Linear(c.d, c.d, f);
    this.key = new Linear(c.d, c.d, f);
    this.value = new Linear(c.d, c.d, f);
  }
  forward(x: Tensor, mask: (dtype: DType) => Tensor | null): Tensor {
    const [B, L] = x._shape, { d, heads } = this.c, hd = d / heads;
    const [q, k, v] = [this.query, this.key, this.value].map((m) => transpose(reshape(m.forward(x), [B, L, heads, hd]), 1, 2));
    const o = scaledDotProductAttention(q, k, v, { attnMask: mask(q.dtype), dropoutP: this.training ? this.c.attnDropout : 0 });
    return reshape(transpose(o, 1, 2), [B, L, d]);
  }
}

/** dense → dropout → LayerNorm(· + residual): BertSelfOutput and BertOutput. */
class BertResidualOutput extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  constructor(private readonly c: BertDims, inFeatures: number, f: Factory) {
    super();
    this.dense = new Linear(inFeatures, c.d, f);
    this.LayerNorm = new LayerNorm(c.d, { eps: c.eps, ...f });
  }
  forward(x: Tensor, residual: Tensor): Tensor {
    const h = this.training ? dropoutOp(this.dense.forward(x), this.c.hiddenDropout, true, 'Bert') : this.dense.forward(x);
    return this.LayerNorm.forward(add(h, residual));
  }
}

class BertAttention extends Module {
  self: BertSelfAttention;
  output: BertResidualOutput;
  constructor(c: BertDims, f: Factory) {
    super();
    this.self = new BertSelfAttention(c, f);
    this.output = new BertResidualOutput(c, c.d, f);
  }
  forward(x: Tensor, mask: (dtype: DType) => Tensor | null): Tensor { return this.output.forward(this.self.forward(x, mask), x); }
}

class BertIntermediate extends Module {
  dense: Linear;
  constructor(private readonly c: BertDims, f: Factory) { super(); this.dense = new Linear(c.d, c.inter, f); }
  forward(x: Tensor): Tensor { return gelu(this.dense.forward(x), this.c.approximate); }
}

class BertLayer extends Module {
  attention: BertAttention;
  intermediate: BertIntermediate;
  output: BertResidualOutput;
  constructor(c: BertDims, f: Factory) {
    super();
    this.attention = new BertAttention(c, f);
    this.intermediate = new BertIntermediate(c, f);
    this.output = new BertResidualOutput(c, c.inter, f);
  }
  forward(x: Tensor, mask: (dtype: DType) => Tensor | null): Tensor {
    // a scope per layer: its temporaries that backward does not read are freed at its return
    return scopeSync(() => {
      const h = this.attention.forward(x, mask);
      return this.output.forward(this.intermediate.forward(h), h);
    });
  }
}

class BertEncoder extends Module {
  layer: BertLayer[];
  constructor(c: BertDims, f: Factory) { super(); this.layer = Array.from({ length: c.layers }, () => new BertLayer(c, f)); }
  forward(): never { throw new ValueError('BertEncoder: call Bert.forward'); }
}

class BertPooler extends Module {
  dense: Linear;
  constructor(c: BertDims, f: Factory) { super(); this.dense = new Linear(c.d, c.d, f); }
  /** tanh(dense(h[:, 0])): the first ([CLS] / <s>) token's state. */
  forward(h: Tensor): Tensor { return tanh(this.dense.forward(select(h, 1, 0))); }
}

/** The inputs of `Bert.forward` (transformers' names, camelCase). */
export interface BertInputs {
  /** int32 token ids [batch, length]. */
  inputIds: Tensor;
  /** 1 for a real token, 0 for padding, [batch, length] (int32, bool or float); default all ones. */
  attentionMask?: Tensor | null;
  /** Segment ids [batch, length] (int32; BERT's sentence A = 0, B = 1); default zeros. */
  tokenTypeIds?: Tensor | null;
}

/** What `Bert.forward` returns. */
export interface BertOutput {
  /** The last layer's states [batch, length, hidden]. */
  lastHiddenState: Tensor;
  /** tanh(dense(first token's state)) [batch, hidden]; null when the model has no pooler. */
  poolerOutput: Tensor | null;
}

/** Options of a BERT model's constructor and `fromPretrained`. */
export interface BertOptions extends FromPretrainedOptions {
  /** Build the pooler (default true; fromPretrained leaves it out when the file has no pooler weights). */
  addPoolingLayer?: boolean;
}

const FROM_PRETRAINED_ARGS = signature('Bert.fromPretrained', ['dir'], { dir: A.required(A.str), device: optional(A.device), dtype: optional(A.dtype) });
const CONSTRUCTOR_ARGS = signature('Bert', ['config'], { config: A.required(A.anyValue<PretrainedConfig>()), device: optional(A.device), dtype: optional(A.dtype), addPoolingLayer: optional(A.bool, true) });
const SAVE_ARGS = signature('savePretrained', ['dir'], { dir: A.required(A.str), maxShardSize: optional(A.num({ min: 1 })) });

/** transformers' _init_weights for BERT: N(0, initializer_range) for Linear and Embedding weights, biases 0, padding row 0. */
function initWeights(m: Module, cfg: PretrainedConfig, op: string): void {
  const std = num(cfg, 'initializer_range', op, 0.02);
  noGrad(() => {
    for (const x of m.modules()) {
      if (x instanceof Embedding) normal_(x.weight, 0, std);
      else if (x instanceof Linear) { normal_(x.weight, 0, std); if (x.bias) zeros_(x.bias); }
    }
  });
}

/** Writes config.json and the weights with transformers' names (LoRA adapters merged). */
function savePretrainedOf(model: Module, config: PretrainedConfig, args: unknown[]): void {
  const o = SAVE_ARGS.parse(args);
  noGrad(() => scope(() => {
    const state = mergedStateDict(model);
    const dtype = Object.values(state).find((t) => t.dtype !== 'int32')?.dtype ?? 'float32';
    writePretrained(o.dir, { ...config, torch_dtype: dtype }, state, o.maxShardSize, 'savePretrained');
  }));
}

/** The inputs checked: ids int32 [B, L], the mask and token types of the same shape. */
function checkInputs(inputs: unknown, op: string): { ids: Tensor; mask: Tensor | null; types: Tensor | null } {
  if (inputs === null || typeof inputs !== 'object' || inputs instanceof Tensor) throw new ValueError(`${op}: expected { inputIds, attentionMask?, tokenTypeIds? }, got ${inputs instanceof Tensor ? 'a Tensor' : describeArg(inputs)}`);
  A.checkKeys(op, inputs as Record<string, unknown>, ['inputIds', 'attentionMask', 'tokenTypeIds', 'labels']);
  const { inputIds: ids, attentionMask: mask = null, tokenTypeIds: types = null } = inputs as BertInputs;
  if (!(ids instanceof Tensor)) throw new ValueError(`${op}: inputIds must be a Tensor, got ${describeArg(ids)}`);
  if (ids.dtype !== 'int32') throw new DTypeError(`${op}: inputIds must be int32 token ids, got ${ids.dtype}`);
  if (ids.ndim !== 2 || ids._shape[1] === 0) throw new ShapeError(`${op}: inputIds must be [batch, length] with length > 0, got shape [${ids._shape.join(', ')}]`);
  for (const [name, t] of [['attentionMask', mask], ['tokenTypeIds', types]] as const) {
    if (t === null) continue;
    if (!(t instanceof Tensor)) throw new ValueError(`${op}: ${name} must be a Tensor or null, got ${describeArg(t)}`);
    if (t.ndim !== 2 || t._shape[0] !== ids._shape[0] || t._shape[1] !== ids._shape[1]) throw new ShapeError(`${op}: ${name} of shape [${t._shape.join(', ')}] must have inputIds' shape [${ids._shape.join(', ')}]`);
    if (name === 'tokenTypeIds' && t.dtype !== 'int32') throw new DTypeError(`${op}: tokenTypeIds must be int32, got ${t.dtype}`);
  }
  return { ids, mask, types };
}

/**
 * A BERT-family encoder: transformers' BertModel (and RobertaModel when config.json's model_type is
 * "roberta"): word + position + token-type embeddings, LayerNorm; post-norm layers of bidirectional
 * self-attention under the padding mask and an exact-erf GELU MLP; the pooler tanh(dense([CLS])).
 *
 * ```ts
 * const model = fl.models.Bert.fromPretrained('./all-MiniLM-L6-v2');
 * const { lastHiddenState } = fl.noGrad(() => model.forward({ inputIds, attentionMask }));
 * const embeddings = fl.models.meanPooling(lastHiddenState, attentionMask, { normalize: true });
 * ```
 */
export class Bert extends Module {
  embeddings: BertEmbeddings;
  encoder: BertEncoder;
  pooler: BertPooler | null;
  /** config.json as read (transformers' keys); written back by `savePretrained`. */
  readonly config: PretrainedConfig;
  /** What `nn.utils.lora` adapts by default (PEFT's choice for BERT). */
  readonly loraTargetModules: readonly string[] = ['query', 'value'];
  private readonly dims: BertDims;

  /** A randomly initialised model of this config.json (an object). */
  constructor(config: PretrainedConfig, options?: BertOptions);
  constructor(...args: unknown[]) {
    const cfg = args[0] as PretrainedConfig;
    const o = CONSTRUCTOR_ARGS.parse(args.slice(1), 1);
    if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) throw new ValueError('Bert: config must be a config.json object');
    super();
    this.dims = bertDims(cfg, 'Bert');
    this.config = { model_type: this.dims.type, architectures: [this.dims.type === 'roberta' ? 'RobertaModel' : 'BertModel'], ...cfg };
    const f = { device: o.device ?? 'cpu', dtype: floatDtype(o.dtype, 'Bert') };
    this.embeddings = new BertEmbeddings(this.dims, f);
    this.encoder = new BertEncoder(this.dims, f);
    this.pooler = o.addPoolingLayer ? new BertPooler(this.dims, f) : null;
    initWeights(this, cfg, 'Bert');
    const { padId, vocab, positions, type } = this.dims;  // the padding rows start at 0, as transformers' (padding_idx)
    noGrad(() => scope(() => {
      if (padId < vocab) zeros_(narrow(this.embeddings.word_embeddings.weight, 0, padId, 1));
      if (type === 'roberta' && padId < positions) zeros_(narrow(this.embeddings.position_embeddings.weight, 0, padId, 1));
    }));
  }

  /**
   * Reads a save_pretrained folder of a BertModel or RobertaModel (config.json and model.safetensors,
   * or shards with their index). Keys with a `bert.` / `roberta.` prefix (BertFor* checkpoints)
   * load too; what is not the encoder is ignored: task heads (`cls.*`, `classifier.*`, `lm_head.*`,
   * `qa_outputs.*`) and the `embeddings.position_ids` / `token_type_ids` buffers. A file with no
   * pooler weights gives a model with no pooler. Comes back in eval mode, as transformers'.
   */
  static fromPretrained(dir: string, options?: FromPretrainedOptions): Bert;
  static fromPretrained(...args: unknown[]): Bert {
    const o = FROM_PRETRAINED_ARGS.parse(args);
    const op = 'Bert.fromPretrained';
    const cfg = readConfig(o.dir, op);
    bertDims(cfg, op);
    const weights = readWeights(o.dir, o.device ?? 'cpu', op);
    let model: Bert | null = null;
    try {
      const state = encoderState(weights, cfg);
      model = new Bert(cfg, { device: o.device, dtype: o.dtype, addPoolingLayer: 'pooler.dense.weight' in state });
      loadNamed(model, state, o.dir, op);
    } catch (e) { model?.dispose(); throw e; } finally { Object.values(weights).forEach((t) => t.dispose()); }
    return model.eval();
  }

  /** Writes config.json and model.safetensors with transformers' names (BertModel's layout). */
  savePretrained(dir: string, options?: SavePretrainedOptions): void;
  savePretrained(...args: unknown[]): void { savePretrainedOf(this, this.config, args); }

  /**
   * The encoder's states for `{ inputIds, attentionMask?, tokenTypeIds? }` (int32 [B, L]):
   * `{ lastHiddenState [B, L, hidden], poolerOutput [B, hidden] | null }`.
   */
  forward(inputs: BertInputs): BertOutput {
    if (arguments.length > 1) A.tooManyArgs('Bert.forward', 'inputs', arguments);
    const op = 'Bert.forward';
    const { ids, mask, types } = checkInputs(inputs, op);
    const e = this.embeddings, [B, L] = ids._shape;
    const pos = positionIds(ids, this.dims, op);
    const tt = types ?? zeros([B, L], { dtype: 'int32', device: ids.device });
    let x = add(add(embeddingOp(ids, e.word_embeddings.weight, null, op), embeddingOp(pos, e.position_embeddings.weight, null, op)), embeddingOp(tt, e.token_type_embeddings.weight, null, op));
    x = e.LayerNorm.forward(x);
    if (this.training) x = dropoutOp(x, this.dims.hiddenDropout, true, op);
    // transformers' extended mask: (1 - mask) · finfo(dtype).min added to every head's scores, [B, 1, 1, L];
    // made here, outside the layers' scopes, in the states' dtype (another dtype under autocast: per layer)
    const pad = mask ? sub(1, reshape(mask.to(x.dtype), [B, 1, 1, L])) : null;
    const additive = pad ? mul(pad, finfo(x.dtype).min) : null;
    const maskFor = (dtype: DType): Tensor | null => (!pad ? null : dtype === x.dtype ? additive : mul(pad.to(dtype), finfo(dtype).min));
    for (const layer of this.encoder.layer) x = layer.forward(x, maskFor);
    return { lastHiddenState: x, poolerOutput: this.pooler ? this.pooler.forward(x) : null };
  }
}

/** Position ids [L] (BERT: 0…L-1) or [B, L] (RoBERTa: padIdx + 1 + rank among the non-pad tokens, padIdx on pads). */
function positionIds(ids: Tensor, dims: BertDims, op: string): Tensor {
  const L = ids._shape[1], { type, padId, positions } = dims;
  if (type === 'bert') {
    if (L > positions) throw new ValueError(`${op}: ${L} positions exceed the model's ${positions} (config max_position_embeddings)`);
    return arange(0, L, { dtype: 'int32', device: ids.device });
  }
  if (L + padId + 1 > positions) throw new ValueError(`${op}: ${L} positions (+ padding_idx ${padId} + 1, RoBERTa's offset) exceed the model's ${positions} (config max_position_embeddings)`);
  const real = ne(ids, padId).to('int32');
  return add(mul(cumsum(real, 1), real), padId);
}

/** The encoder's tensors of a checkpoint, without the `bert.` / `roberta.` prefix, heads and buffers left out. */
function encoderState(weights: Record<string, Tensor>, cfg: PretrainedConfig): Record<string, Tensor> {
  const prefix = `${configString(cfg.model_type ?? 'bert')}.`;
  const state: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(weights)) {
    const name = k.startsWith(prefix) ? k.slice(prefix.length) : k;
    if (/^(embeddings|encoder|pooler)\./.test(name) && !/^embeddings\.(position_ids|token_type_ids)$/.test(name)) state[name] = t;
  }
  return state;
}

/** loadStateDict with transformers' names, a missing weight named with the folder. */
function loadNamed(model: Module, state: Record<string, Tensor>, dir: string, op: string): void {
  const want = Object.keys(model.stateDict());
  const missing = want.filter((k) => !(k in state));
  if (missing.length) throw new ValueError(`${op}: ${dir} lacks ${missing.length} weight${missing.length > 1 ? 's' : ''} of the model: ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}`);
  model.loadStateDict(state);
}

/** What `BertForSequenceClassification.forward` returns. */
export interface SequenceClassifierOutput {
  /** [batch, numLabels]. */
  logits: Tensor;
  /** The loss when `labels` were given (cross-entropy, MSE when numLabels is 1, BCE with logits for float multi-labels), else null. */
  loss: Tensor | null;
}

/** The inputs of `BertForSequenceClassification.forward`: BERT's, plus optional labels. */
export interface SequenceClassificationInputs extends BertInputs {
  /** int32 class ids [batch] (single-label), float targets [batch] (numLabels 1: regression) or [batch, numLabels] (multi-label). */
  labels?: Tensor | null;
}

const CLS_CONSTRUCTOR_ARGS = signature('BertForSequenceClassification', ['config'], { config: A.required(A.anyValue<PretrainedConfig>()), device: optional(A.device), dtype: optional(A.dtype) });
const CLS_FROM_PRETRAINED_ARGS = signature('BertForSequenceClassification.fromPretrained', ['dir'], { dir: A.required(A.str), device: optional(A.device), dtype: optional(A.dtype) });

/** num_labels as transformers derives it: from id2label when present, else num_labels, else 2. */
function numLabels(cfg: PretrainedConfig, op: string): number {
  const id2label = cfg.id2label;
  if (id2label !== undefined && id2label !== null) {
    if (typeof id2label !== 'object' || Array.isArray(id2label)) throw new ValueError(`${op}: config.json's "id2label" must be an object`);
    const n = Object.keys(id2label).length;
    if (n === 0) throw new ValueError(`${op}: config.json's "id2label" is empty`);
    return n;
  }
  return posInt(cfg, 'num_labels', op, 2);
}

/**
 * transformers' BertForSequenceClassification: the pooler's output → dropout → a linear classifier;
 * with `labels`, the loss by transformers' rules (problem_type, or: numLabels 1 → MSE regression,
 * int32 labels → cross-entropy, float labels → BCE with logits). Trainable end to end.
 *
 * ```ts
 * const model = fl.models.BertForSequenceClassification.fromPretrained('./bert-sst2');
 * const { logits, loss } = model.forward({ inputIds, attentionMask, labels });
 * loss!.backward(); opt.step();
 * ```
 */
export class BertForSequenceClassification extends Module {
  bert: Bert;
  classifier: Linear;
  /** config.json as read; written back by `savePretrained`. */
  readonly config: PretrainedConfig;
  readonly numLabels: number;
  private readonly dropoutP: number;
  private readonly problemType: string | null;

  /** A randomly initialised model of this config.json (an object). */
  constructor(config: PretrainedConfig, options?: FromPretrainedOptions);
  constructor(...args: unknown[]) {
    const cfg = args[0] as PretrainedConfig;
    const o = CLS_CONSTRUCTOR_ARGS.parse(args.slice(1), 1);
    const op = 'BertForSequenceClassification';
    if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) throw new ValueError(`${op}: config must be a config.json object`);
    if ((cfg.model_type ?? 'bert') !== 'bert') throw new ValueError(`${op}: model_type "${configString(cfg.model_type)}" is not supported (bert; RoBERTa's classification head differs)`);
    super();
    this.numLabels = numLabels(cfg, op);
    const pt = cfg.problem_type ?? null;
    if (pt !== null && !['regression', 'single_label_classification', 'multi_label_classification'].includes(pt as string)) throw new ValueError(`${op}: problem_type "${configString(pt)}" is not one of regression, single_label_classification, multi_label_classification`);
    this.problemType = pt as string | null;
    this.config = { architectures: ['BertForSequenceClassification'], ...cfg, model_type: 'bert' };
    this.bert = new Bert(this.config, { device: o.device, dtype: o.dtype });
    const d = posInt(cfg, 'hidden_size', op);
    this.classifier = new Linear(d, this.numLabels, { device: o.device ?? 'cpu', dtype: floatDtype(o.dtype, op) });
    initWeights(this.classifier, cfg, op);
    this.dropoutP = cfg.classifier_dropout == null ? num(cfg, 'hidden_dropout_prob', op, 0.1) : num(cfg, 'classifier_dropout', op);
  }

  /**
   * Reads a save_pretrained folder of a BertForSequenceClassification (keys `bert.*`, `classifier.*`;
   * other heads such as `cls.*` ignored). A BertModel folder (no classifier) is refused, naming the
   * missing weights: build `new BertForSequenceClassification(config)` and load the encoder instead.
   */
  static fromPretrained(dir: string, options?: FromPretrainedOptions): BertForSequenceClassification;
  static fromPretrained(...args: unknown[]): BertForSequenceClassification {
    const o = CLS_FROM_PRETRAINED_ARGS.parse(args);
    const op = 'BertForSequenceClassification.fromPretrained';
    const cfg = readConfig(o.dir, op);
    const model = new BertForSequenceClassification(cfg, { device: o.device, dtype: o.dtype });
    let weights: Record<string, Tensor>;
    try { weights = readWeights(o.dir, o.device ?? 'cpu', op); } catch (e) { model.dispose(); throw e; }
    try {
      const state: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(encoderState(weights, cfg))) state[`bert.${k}`] = t;
      for (const k of ['classifier.weight', 'classifier.bias']) if (k in weights) state[k] = weights[k];
      loadNamed(model, state, o.dir, op);
    } catch (e) { model.dispose(); throw e; } finally { Object.values(weights).forEach((t) => t.dispose()); }
    return model.eval();
  }

  /** Writes config.json and model.safetensors with transformers' names (`bert.*`, `classifier.*`). */
  savePretrained(dir: string, options?: SavePretrainedOptions): void;
  savePretrained(...args: unknown[]): void {
    // transformers writes the labels as id2label / label2id (num_labels is derived from them when read)
    const names = this.config.id2label as Record<string, string> | undefined ?? Object.fromEntries(Array.from({ length: this.numLabels }, (_, i) => [String(i), `LABEL_${i}`]));
    const label2id = this.config.label2id ?? Object.fromEntries(Object.entries(names).map(([i, n]) => [n, Number(i)]));
    savePretrainedOf(this, { ...this.config, id2label: names, label2id, num_labels: undefined }, args);
  }

  /** `{ logits [B, numLabels], loss }` for BERT's inputs and optional `labels`. */
  forward(inputs: SequenceClassificationInputs): SequenceClassifierOutput {
    if (arguments.length > 1) A.tooManyArgs('BertForSequenceClassification.forward', 'inputs', arguments);
    const op = 'BertForSequenceClassification.forward';
    checkInputs(inputs, op);
    const { poolerOutput } = this.bert.forward({ inputIds: inputs.inputIds, attentionMask: inputs.attentionMask, tokenTypeIds: inputs.tokenTypeIds });
    const pooled = this.training ? dropoutOp(poolerOutput!, this.dropoutP, true, op) : poolerOutput!;
    const logits = this.classifier.forward(pooled);
    const labels = inputs.labels ?? null;
    if (labels === null) return { logits, loss: null };
    if (!(labels instanceof Tensor)) throw new ValueError(`${op}: labels must be a Tensor or null, got ${describeArg(labels)}`);
    const B = logits._shape[0], n = this.numLabels;
    const type = this.problemType ?? (n === 1 ? 'regression' : labels.dtype === 'int32' ? 'single_label_classification' : 'multi_label_classification');
    if (type === 'regression') {
      if (labels.numel !== B * n) throw new ShapeError(`${op}: regression labels of shape [${labels._shape.join(', ')}] do not match the logits [${B}, ${n}]`);
      const l = labels.dtype === logits.dtype ? labels : labels.to(logits.dtype);
      return { logits, loss: n === 1 ? mseLoss(reshape(logits, [B]), reshape(l, [B])) : mseLoss(logits, reshape(l, [B, n])) };
    }
    if (type === 'single_label_classification') {
      if (labels.dtype !== 'int32') throw new DTypeError(`${op}: single-label classification labels must be int32 class ids, got ${labels.dtype}`);
      if (labels.numel !== B) throw new ShapeError(`${op}: labels of shape [${labels._shape.join(', ')}] must hold one class id per row of the batch of ${B}`);
      return { logits, loss: crossEntropy(logits, reshape(labels, [B])) };
    }
    if (labels.ndim !== 2 || labels._shape[0] !== B || labels._shape[1] !== n) throw new ShapeError(`${op}: multi-label labels of shape [${labels._shape.join(', ')}] must match the logits [${B}, ${n}]`);
    return { logits, loss: binaryCrossEntropyWithLogits(logits, labels.dtype === logits.dtype ? labels : labels.to(logits.dtype)) };
  }
}

/** Options of `meanPooling`. */
export interface MeanPoolingOptions {
  /** Divide each embedding by its L2 norm (sentence-transformers' Normalize module; default false). */
  normalize?: boolean;
}

const MEAN_POOLING_ARGS = signature('meanPooling', ['lastHiddenState', 'attentionMask'], {
  lastHiddenState: A.required(A.anyValue<Tensor>()), attentionMask: optional(A.anyValue<Tensor | null>()), normalize: optional(A.bool, false),
});

/**
 * sentence-transformers' mean pooling: the average of the token states [B, L, H] over the real
 * tokens (attentionMask 1) → [B, H], optionally L2-normalized (the all-MiniLM-L6-v2 recipe).
 *
 * ```ts
 * const { lastHiddenState } = model.forward({ inputIds, attentionMask });
 * const emb = fl.models.meanPooling(lastHiddenState, attentionMask, { normalize: true });  // [B, H]
 * ```
 */
export function meanPooling(lastHiddenState: Tensor, attentionMask?: Tensor | null, options?: MeanPoolingOptions): Tensor;
export function meanPooling(...args: unknown[]): Tensor {
  const o = MEAN_POOLING_ARGS.parse(args);
  const op = 'meanPooling';
  const h = o.lastHiddenState, m = o.attentionMask ?? null;
  if (!(h instanceof Tensor) || h.ndim !== 3) throw new ShapeError(`${op}: lastHiddenState must be a Tensor [batch, length, hidden]${h instanceof Tensor ? `, got shape [${h._shape.join(', ')}]` : ''}`);
  const [B, L, H] = h._shape;
  if (m !== null && (!(m instanceof Tensor) || m.ndim !== 2 || m._shape[0] !== B || m._shape[1] !== L)) {
    throw new ShapeError(`${op}: attentionMask must be a Tensor [${B}, ${L}] (lastHiddenState's batch and length)${m instanceof Tensor ? `, got shape [${m._shape.join(', ')}]` : ''}`);
  }
  let pooled: Tensor;
  if (m === null) pooled = div(sum(h, 1), L);
  else {
    const w = expand(unsqueeze(m.to(h.dtype), -1), [B, L, H]);
    // sentence-transformers clamps the token count at 1e-9 (a row of padding only gives zeros)
    pooled = div(sum(mul(h, w), 1), clamp(sum(w, 1), 1e-9, null));
  }
  return o.normalize ? normalize(pooled, { p: 2, dim: 1 }) : pooled;
}
