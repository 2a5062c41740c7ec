// llama.ts — the Llama family as transformers' LlamaForCausalLM (modeling_llama.py), with Qwen2
// (biases on q/k/v) and Mistral (sliding-window attention) as configs of the same class: RMSNorm,
// rotary embeddings (rope_theta; rope_scaling "linear", "dynamic" and Llama 3's "llama3"),
// grouped-query attention (num_key_value_heads), SwiGLU MLP, tied or untied head. Fields carry
// transformers' names (`model.layers.0.self_attn.q_proj`, snake_case on purpose) so that stateDict
// keys are the checkpoint's keys. The block is made of ordinary ops (linear, mul, cat, softmax
// attention) so that tracers such as ONNX export see plain primitives.
import { DType } from '../dtype';
import { ValueError } from '../errors';
import { Tensor, scopeSync } from '../tensor';
import { tensor } from '../ops/creation';
import { add, mul, neg, silu } from '../ops/elementwise';
import { cat, narrow, reshape, transpose } from '../ops/views';
import { matmul } from '../ops/matmul';
import { embeddingOp } from '../nn/functional';
import { Embedding, Linear } from '../nn/layers';
import { RMSNorm } from '../nn/norm';
import { Module } from '../nn/module';
import { normal_, zeros_ } from '../nn/init';
import { noGrad } from '../autograd';
import { CausalLM, CausalLMForwardOptions, KVCache, causalAttention, floatDtype } from './causal-lm';
import { checkpointBlock, FromPretrainedOptions } from './gpt2';
import { PretrainedConfig, num, posInt, readConfig, readWeights, configString } from './hub';
import * as A from '../args';
import { optional, signature } from '../args';

interface Factory { device: string; dtype: DType }

interface RopeSpec { type: 'default' | 'linear' | 'dynamic' | 'llama3'; theta: number; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMax: number }

interface LlamaDims {
  vocab: number; d: number; inter: number; layers: number; heads: number; kvHeads: number; headDim: number; eps: number;
  maxPositions: number; rope: RopeSpec; qkvBias: boolean; oBias: boolean; mlpBias: boolean; tied: boolean; window: number | null; attnDropout: number;
}

const MODEL_TYPES = ['llama', 'qwen2', 'mistral'];

function ropeSpec(cfg: PretrainedConfig, op: string, maxPositions: number): RopeSpec {
  // transformers 5 moved rope_theta and rope_scaling into one rope_parameters object
  const params = (cfg.rope_parameters ?? null) as Record<string, unknown> | null;
  const rs = (params ?? cfg.rope_scaling ?? null) as Record<string, unknown> | null;
  const theta = params && typeof params.rope_theta === 'number' ? params.rope_theta : num(cfg, 'rope_theta', op, 10000);
  const type = configString(rs ? rs.rope_type ?? rs.type ?? 'default' : 'default');
  if (!['default', 'linear', 'dynamic', 'llama3'].includes(type)) throw new ValueError(`${op}: rope_scaling type "${type}" is not supported (default, linear, dynamic, llama3)`);
  const sub = (k: string, dflt?: number) => num((rs ?? {}) as PretrainedConfig, k, `${op}: rope_scaling`, dflt);
  return {
    type: type as RopeSpec['type'], theta,
    factor: type === 'default' ? 1 : sub('factor'),
    lowFreqFactor: type === 'llama3' ? sub('low_freq_factor') : 1,
    highFreqFactor: type === 'llama3' ? sub('high_freq_factor') : 1,
    originalMax: type === 'llama3' ? sub('original_max_position_embeddings') : maxPositions,
  };
}

function llamaDims(cfg: PretrainedConfig, op: string): LlamaDims {
  const type = configString(cfg.model_type ?? 'llama');
  if (!MODEL_TYPES.includes(type)) throw new ValueError(`${op}: model_type "${type}" is not of the Llama family (${MODEL_TYPES.join(', ')})`);
  const d = posInt(cfg, 'hidden_size', op), heads = posInt(cfg, 'num_attention_heads', op);
  const kvHeads = posInt(cfg, 'num_key_value_heads', op, heads);
  if (heads % kvHeads !== 0) throw new ValueError(`${op}: num_attention_heads ${heads} is not a multiple of num_key_value_heads ${kvHeads}`);
  const headDim = cfg.head_dim == null ? d / heads : posInt(cfg, 'head_dim', op);
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) throw new ValueError(`${op}: head dim ${headDim} must be an even integer`);
  const act = configString(cfg.hidden_act ?? 'silu');
  if (act !== 'silu') throw new ValueError(`${op}: hidden_act "${act}" is not supported (silu)`);
  if (type === 'qwen2' && cfg.use_sliding_window === true) throw new ValueError(`${op}: Qwen2 with use_sliding_window: true is not supported`);
  const maxPositions = posInt(cfg, 'max_position_embeddings', op, 2048);
  const window = type === 'mistral' && cfg.sliding_window != null ? posInt(cfg, 'sliding_window', op) : null;
  const attentionBias = cfg.attention_bias === true;
  return {
    vocab: posInt(cfg, 'vocab_size', op), d, inter: posInt(cfg, 'intermediate_size', op), layers: posInt(cfg, 'num_hidden_layers', op),
    heads, kvHeads, headDim, eps: num(cfg, 'rms_norm_eps', op, 1e-6), maxPositions, rope: ropeSpec(cfg, op, maxPositions),
    qkvBias: type === 'qwen2' || attentionBias, oBias: attentionBias, mlpBias: cfg.mlp_bias === true,
    tied: cfg.tie_word_embeddings === true, window, attnDropout: num(cfg, 'attention_dropout', op, 0),
  };
}

/**
 * Inverse frequencies of the rotary embedding for a sequence of `seqLen` positions, computed in
 * float32 as transformers does (modeling_rope_utils: default, linear, dynamic, llama3).
 */
function invFreq(rope: RopeSpec, dim: number, seqLen: number, maxPositions: number): Float32Array {
  let base = rope.theta;
  if (rope.type === 'dynamic' && seqLen > maxPositions) {
    base = base * ((rope.factor * seqLen) / maxPositions - (rope.factor - 1)) ** (dim / (dim - 2));
  }
  const inv = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) inv[i] = 1 / Math.fround(base ** Math.fround((2 * i) / dim));
  if (rope.type === 'linear') for (let i = 0; i < inv.length; i++) inv[i] = inv[i] / rope.factor;
  if (rope.type === 'llama3') {
    const { factor, lowFreqFactor: lo, highFreqFactor: hi, originalMax: old } = rope;
    const loWl = old / lo, hiWl = old / hi;
    for (let i = 0; i < inv.length; i++) {
      const wl = (2 * Math.PI) / inv[i];
      if (wl > loWl) inv[i] = inv[i] / factor;
      else if (wl >= hiWl) {  // between the two wavelengths: a smooth blend of scaled and unscaled
        const s = (old / wl - lo) / (hi - lo);
        inv[i] = (1 - s) * inv[i] / factor + s * inv[i];
      }
    }
  }
  return inv;
}

class LlamaAttention extends Module {
  q_proj: Linear;
  k_proj: Linear;
  v_proj: Linear;
  o_proj: Linear;
  constructor(private readonly c: LlamaDims, f: Factory) {
    super();
    checkDims(c, f, 'LlamaAttention');
    const { d, heads, kvHeads, headDim } = c;
    this.q_proj = new Linear(d, heads * headDim, { bias: c.qkvBias, ...f });
    this.k_proj = new Linear(d, kvHeads * headDim, { bias: c.qkvBias, ...f });
    this.v_proj = new Linear(d, kvHeads * headDim, { bias: c.qkvBias, ...f });
    this.o_proj = new Linear(heads * headDim, d, { bias: c.oBias, ...f });
  }
  forward(x: Tensor, cos: Tensor, sin: Tensor, layer: number, cache: KVCache | null): Tensor {
    const [B, L] = x._shape, { heads, kvHeads, headDim } = this.c;
    const past = cache ? cache.length : 0;
    const q = rotate(transpose(reshape(this.q_proj.forward(x), [B, L, heads, headDim]), 1, 2), cos, sin);
    let k = rotate(transpose(reshape(this.k_proj.forward(x), [B, L, kvHeads, headDim]), 1, 2), cos, sin);
    let v = transpose(reshape(this.v_proj.forward(x), [B, L, kvHeads, headDim]), 1, 2);
    if (cache) [k, v] = cache.update(layer, k, v);
    const o = causalAttention(q, k, v, past, this.c.window, this.training ? this.c.attnDropout : 0);
    return this.o_proj.forward(reshape(transpose(o, 1, 2), [B, L, heads * headDim]));
  }
}

/** x·cos + rotate_half(x)·sin, rotate_half(x) = [-x₂, x₁] (the halves of the last dim), as transformers' apply_rotary_pos_emb. */
function rotate(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const half = x._shape[x.ndim - 1] / 2;
  if (cos.dtype !== x.dtype) { cos = cos.to(x.dtype); sin = sin.to(x.dtype); }  // autocast: q, k in bfloat16 stay so (transformers casts the tables too)
  const rot = cat([neg(narrow(x, -1, half, half)), narrow(x, -1, 0, half)], -1);
  return add(mul(x, cos), mul(rot, sin));
}

class LlamaMLP extends Module {
  gate_proj: Linear;
  up_proj: Linear;
  down_proj: Linear;
  constructor(c: LlamaDims, f: Factory) {
    super();
    checkDims(c, f, 'LlamaMLP');
    this.gate_proj = new Linear(c.d, c.inter, { bias: c.mlpBias, ...f });
    this.up_proj = new Linear(c.d, c.inter, { bias: c.mlpBias, ...f });
    this.down_proj = new Linear(c.inter, c.d, { bias: c.mlpBias, ...f });
  }
  forward(x: Tensor): Tensor { return this.down_proj.forward(mul(silu(this.gate_proj.forward(x)), this.up_proj.forward(x))); }
}

/** One decoder layer: x + attn(norm(x)), then + mlp(norm(·)). What ONNX export traces as "a Llama block". */

/** The blocks' constructors take the model's dimensions and the parameters' factory options (made by LlamaForCausalLM). */
function checkDims(c: LlamaDims, f: Factory, where: string): void {
  if (c === null || typeof c !== 'object' || !Number.isInteger(c.d) || (f !== undefined && (f === null || typeof f !== 'object'))) {
    throw new ValueError(`${where}: expected the model's dimensions ({ d, heads, … }) and factory options, as LlamaForCausalLM makes them`);
  }
}

export class LlamaDecoderLayer extends Module {
  self_attn: LlamaAttention;
  mlp: LlamaMLP;
  input_layernorm: RMSNorm;
  post_attention_layernorm: RMSNorm;
  constructor(c: LlamaDims, f: Factory) {
    super();
    checkDims(c, f, 'LlamaDecoderLayer');
    this.self_attn = new LlamaAttention(c, f);
    this.mlp = new LlamaMLP(c, f);
    this.input_layernorm = new RMSNorm(c.d, { eps: c.eps, ...f });
    this.post_attention_layernorm = new RMSNorm(c.d, { eps: c.eps, ...f });
  }
  /** x [B, L, d] with the rotary tables cos, sin [L, headDim] of its positions. */
  forward(x: Tensor, cos: Tensor, sin: Tensor, layer = 0, cache: KVCache | null = null): Tensor {
    // a scope per layer: its temporaries that backward does not read are freed at its return (as
    // PyTorch frees them by reference count); the cache's buffers are kept by the cache
    return scopeSync(() => {
      const h = add(x, this.self_attn.forward(this.input_layernorm.forward(x), cos, sin, layer, cache));
      return add(h, this.mlp.forward(this.post_attention_layernorm.forward(h)));
    });
  }
}

class LlamaModel extends Module {
  embed_tokens: Embedding;
  layers: LlamaDecoderLayer[];
  norm: RMSNorm;
  constructor(c: LlamaDims, f: Factory) {
    super();
    checkDims(c, f, 'LlamaModel');
    this.embed_tokens = new Embedding(c.vocab, c.d, f);
    this.layers = Array.from({ length: c.layers }, () => new LlamaDecoderLayer(c, f));
    this.norm = new RMSNorm(c.d, { eps: c.eps, ...f });
  }
  forward(): never { throw new ValueError('LlamaModel: call Llama.forward'); }
}

const FROM_PRETRAINED_ARGS = signature('Llama.fromPretrained', ['dir'], { dir: A.required(A.str), device: optional(A.device), dtype: optional(A.dtype) });
const CONSTRUCTOR_ARGS = signature('Llama', ['config'], { config: A.required(A.anyValue<PretrainedConfig>()), device: optional(A.device), dtype: optional(A.dtype) });

/**
 * A Llama-family decoder (transformers' LlamaForCausalLM; Qwen2ForCausalLM and MistralForCausalLM
 * by their config's model_type).
 *
 * ```ts
 * const model = fl.models.Llama.fromPretrained('./SmolLM2-135M', { device: 'cuda', dtype: 'bfloat16' });
 * const out = model.generate(ids, { maxNewTokens: 32 });
 * ```
 */
export class Llama extends CausalLM {
  model: LlamaModel;
  lm_head: Linear | null;
  /** What `nn.utils.lora` adapts by default (PEFT's choice for Llama). */
  readonly loraTargetModules: readonly string[] = ['q_proj', 'v_proj'];
  private readonly dims: LlamaDims;

  /** A randomly initialised model of this config.json (an object). */
  constructor(config: PretrainedConfig, options?: FromPretrainedOptions);
  constructor(...args: unknown[]) {
    // the config is itself a plain object, so it is taken before the options are read
    const cfg = args[0] as PretrainedConfig;
    const o = CONSTRUCTOR_ARGS.parse(args.slice(1), 1);
    if (cfg === null || typeof cfg !== 'object') throw new ValueError('Llama: config must be a config.json object');
    super({ model_type: 'llama', architectures: ['LlamaForCausalLM'], ...cfg });
    this.dims = llamaDims(cfg, 'Llama');
    const f = { device: o.device ?? 'cpu', dtype: floatDtype(o.dtype, 'Llama') };
    this.model = new LlamaModel(this.dims, f);
    this.lm_head = this.dims.tied ? null : new Linear(this.dims.d, this.dims.vocab, { bias: false, ...f });
    // transformers' _init_weights: N(0, initializer_range) for embeddings and Linear weights, biases 0
    const std = num(cfg, 'initializer_range', 'Llama', 0.02);
    noGrad(() => {
      for (const m of this.modules()) {
        if (m instanceof Embedding) normal_(m.weight, 0, std);
        else if (m instanceof Linear) { normal_(m.weight, 0, std); if (m.bias) zeros_(m.bias); }
      }
    });
  }

  /**
   * Reads a save_pretrained folder (config.json and model.safetensors, or shards with their index).
   * The model comes back in eval mode, as transformers'.
   */
  static fromPretrained(dir: string, options?: FromPretrainedOptions): Llama;
  static fromPretrained(...args: unknown[]): Llama {
    const o = FROM_PRETRAINED_ARGS.parse(args);
    const op = 'Llama.fromPretrained';
    const cfg = readConfig(o.dir, op);
    const model = new Llama(cfg, { device: o.device, dtype: o.dtype });
    let weights: Record<string, Tensor>;
    try { weights = readWeights(o.dir, o.device ?? 'cpu', op); } catch (e) { model.dispose(); throw e; }
    try {
      const state: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(weights)) {
        if (k.endsWith('rotary_emb.inv_freq') || (k === 'lm_head.weight' && model.dims.tied)) continue;
        state[k] = t;
      }
      model.loadStateDict(state);
    } catch (e) { model.dispose(); throw e; } finally { Object.values(weights).forEach((t) => t.dispose()); }
    return model.eval();
  }

  protected get numLayers(): number { return this.dims.layers; }
  protected get maxPositions(): number { return Infinity; }

  /** @internal The rotary tables cos, sin [L, headDim] of positions past … past+L-1 (float32, on `device`). */
  rotary(past: number, L: number, device: string): [Tensor, Tensor] {
    const D = this.dims.headDim, half = D / 2;
    const inv = invFreq(this.dims.rope, D, past + L, this.dims.maxPositions);
    const cos = new Float32Array(L * D), sin = new Float32Array(L * D);
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < half; j++) {
        const a = Math.fround((past + i) * inv[j]);  // float32 product, as the reference's matmul
        cos[i * D + j] = cos[i * D + j + half] = Math.cos(a);
        sin[i * D + j] = sin[i * D + j + half] = Math.sin(a);
      }
    }
    return [reshape(tensor(cos, { device }), [L, D]), reshape(tensor(sin, { device }), [L, D])];
  }

  /** Logits [B, L, vocab] for int32 ids [B, L] (continuing a cache's positions when one is given). */
  forward(inputIds: Tensor, options?: CausalLMForwardOptions): Tensor {
    if (arguments.length > 2) A.tooManyArgs('Llama.forward', 'inputIds, options', arguments);
    if (options !== undefined) A.checkKeys('Llama.forward', options, ['cache']);
    const cache = options?.cache ?? null;
    const past = this.checkInput(inputIds, cache, 'Llama.forward');
    const L = inputIds._shape[1];
    const [cos, sin] = this.rotary(past, L, inputIds.device);
    let x = embeddingOp(inputIds, this.model.embed_tokens.weight, null, 'Llama');
    this.model.layers.forEach((layer, i) => {
      x = this.gradientCheckpointing && this.training && !cache ? checkpointBlock((h) => layer.forward(h, cos, sin, i, null), x) : layer.forward(x, cos, sin, i, cache);
    });
    if (cache) cache.length += L;
    const h = this.model.norm.forward(x);
    return this.lm_head ? this.lm_head.forward(h) : matmul(h, transpose(this.model.embed_tokens.weight, 0, 1));
  }
}
