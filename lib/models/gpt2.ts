// gpt2.ts — GPT-2 as transformers' GPT2LMHeadModel (modeling_gpt2.py), read from and written to a
// save_pretrained folder. Fields carry transformers' names (`transformer.h.0.attn.c_attn`, snake_case
// on purpose) so that stateDict keys are the checkpoint's keys with no renaming table. GPT-2's
// projections are `Conv1D`s: weight stored [in, out] (y = x·W + b), kept in that layout so that the
// file's bytes load and save as they are. The head is tied to the token embedding (wte).
import { castLow } from '../amp';
import { DType } from '../dtype';
import { ValueError } from '../errors';
import { checkpoint, noGrad } from '../autograd';
import { Tensor, scopeSync } from '../tensor';
import { arange, empty } from '../ops/creation';
import { add, gelu } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { reshape, split, transpose } from '../ops/views';
import { getRngState, setRngState } from '../ops/random';
import { dropoutOp, embeddingOp } from '../nn/functional';
import { Embedding } from '../nn/layers';
import { LayerNorm } from '../nn/norm';
import { Module, Parameter } from '../nn/module';
import { normal_, zeros_ } from '../nn/init';
import { CausalLM, CausalLMForwardOptions, KVCache, causalAttention, floatDtype } from './causal-lm';
import { PretrainedConfig, num, posInt, readConfig, readWeights, configString } from './hub';
import * as A from '../args';
import { optional, signature } from '../args';

/** Options of `fromPretrained`. */
export interface FromPretrainedOptions {
  /** Where the weights go: 'cpu' (default), 'cuda', 'cuda:N'. */
  device?: string;
  /** Parameter dtype (default float32, whatever the file holds). */
  dtype?: DType;
}

interface Factory { device: string; dtype: DType }

/** GPT-2's Conv1D: y = x·W + b with W stored [in, out] (transformers.pytorch_utils.Conv1D). */
export class Conv1D extends Module {
  weight: Tensor;
  bias: Tensor | null;
  /** The weight is [in, out] (what LoRA and exporters need to know). */
  readonly fanInFanOut = true;
  constructor(inFeatures: number, outFeatures: number, f: Factory) {
    super();
    this.weight = Parameter(noGrad(() => normal_(empty([inFeatures, outFeatures], f), 0, 0.02)));
    this.bias = Parameter(noGrad(() => zeros_(empty([outFeatures], f))));
  }
  // under autocast the bias is cast too (as F.linear does): a float32 bias would promote the product back
  forward(x: Tensor): Tensor { return this.bias ? add(matmul(x, this.weight), castLow(this.bias)) : matmul(x, this.weight); }
}

class GPT2Attention extends Module {
  c_attn: Conv1D;
  c_proj: Conv1D;
  constructor(private readonly c: GPT2Dims, f: Factory) {
    super();
    this.c_attn = new Conv1D(c.d, 3 * c.d, f);
    this.c_proj = new Conv1D(c.d, c.d, f);
  }
  forward(x: Tensor, layer: number, cache: KVCache | null): Tensor {
    const [B, L] = x._shape, { d, heads } = this.c, hd = d / heads;
    const past = cache ? cache.length : 0;
    let [q, k, v] = split(this.c_attn.forward(x), d, -1).map((t) => transpose(reshape(t, [B, L, heads, hd]), 1, 2));
    if (cache) [k, v] = cache.update(layer, k, v);
    const o = causalAttention(q, k, v, past, null, this.training ? this.c.attnPdrop : 0);
    const y = this.c_proj.forward(reshape(transpose(o, 1, 2), [B, L, d]));
    return this.training ? dropoutOp(y, this.c.residPdrop, true, 'GPT2') : y;
  }
}

class GPT2MLP extends Module {
  c_fc: Conv1D;
  c_proj: Conv1D;
  constructor(private readonly c: GPT2Dims, f: Factory) {
    super();
    this.c_fc = new Conv1D(c.d, c.inner, f);
    this.c_proj = new Conv1D(c.inner, c.d, f);
  }
  forward(x: Tensor): Tensor {
    const y = this.c_proj.forward(gelu(this.c_fc.forward(x), this.c.approximate));
    return this.training ? dropoutOp(y, this.c.residPdrop, true, 'GPT2') : y;
  }
}

class GPT2Block extends Module {
  ln_1: LayerNorm;
  attn: GPT2Attention;
  ln_2: LayerNorm;
  mlp: GPT2MLP;
  constructor(c: GPT2Dims, f: Factory) {
    super();
    this.ln_1 = new LayerNorm(c.d, { eps: c.eps, ...f });
    this.attn = new GPT2Attention(c, f);
    this.ln_2 = new LayerNorm(c.d, { eps: c.eps, ...f });
    this.mlp = new GPT2MLP(c, f);
  }
  forward(x: Tensor, layer: number, cache: KVCache | null): Tensor {
    // a scope per block: its temporaries that backward does not read are freed at its return (as
    // PyTorch frees them by reference count); the cache's buffers are kept by the cache
    return scopeSync(() => {
      const h = add(x, this.attn.forward(this.ln_1.forward(x), layer, cache));
      return add(h, this.mlp.forward(this.ln_2.forward(h)));
    });
  }
}

class GPT2Model extends Module {
  wte: Embedding;
  wpe: Embedding;
  h: GPT2Block[];
  ln_f: LayerNorm;
  constructor(c: GPT2Dims, f: Factory) {
    super();
    this.wte = new Embedding(c.vocab, c.d, f);
    this.wpe = new Embedding(c.positions, c.d, f);
    this.h = Array.from({ length: c.layers }, () => new GPT2Block(c, f));
    this.ln_f = new LayerNorm(c.d, { eps: c.eps, ...f });
  }
  forward(): never { throw new ValueError('GPT2Model: call GPT2.forward'); }
}

interface GPT2Dims {
  vocab: number; positions: number; d: number; layers: number; heads: number; inner: number; eps: number;
  approximate: 'none' | 'tanh'; attnPdrop: number; residPdrop: number; embdPdrop: number;
}

const ACTIVATIONS: Record<string, 'none' | 'tanh'> = { gelu_new: 'tanh', gelu_pytorch_tanh: 'tanh', gelu_fast: 'tanh', gelu: 'none' };

function gpt2Dims(cfg: PretrainedConfig, op: string): GPT2Dims {
  const d = posInt(cfg, 'n_embd', op), heads = posInt(cfg, 'n_head', op);
  if (d % heads !== 0) throw new ValueError(`${op}: n_embd ${d} is not a multiple of n_head ${heads}`);
  const act = configString(cfg.activation_function ?? 'gelu_new');
  if (!(act in ACTIVATIONS)) throw new ValueError(`${op}: activation_function "${act}" is not supported (one of ${Object.keys(ACTIVATIONS).join(', ')})`);
  for (const k of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn', 'add_cross_attention']) {
    if (cfg[k] === true) throw new ValueError(`${op}: config ${k}: true is not supported`);
  }
  if (cfg.scale_attn_weights === false) throw new ValueError(`${op}: config scale_attn_weights: false is not supported`);
  if (cfg.tie_word_embeddings === false) throw new ValueError(`${op}: GPT-2 with an untied head (tie_word_embeddings: false) is not supported`);
  return {
    vocab: posInt(cfg, 'vocab_size', op), positions: posInt(cfg, 'n_positions', op), d, heads, layers: posInt(cfg, 'n_layer', op),
    inner: cfg.n_inner == null ? 4 * d : posInt(cfg, 'n_inner', op), eps: num(cfg, 'layer_norm_epsilon', op, 1e-5), approximate: ACTIVATIONS[act],
    attnPdrop: num(cfg, 'attn_pdrop', op, 0.1), residPdrop: num(cfg, 'resid_pdrop', op, 0.1), embdPdrop: num(cfg, 'embd_pdrop', op, 0.1),
  };
}

const FROM_PRETRAINED_ARGS = signature('GPT2.fromPretrained', ['dir'], { dir: A.required(A.str), device: optional(A.device), dtype: optional(A.dtype) });
const CONSTRUCTOR_ARGS = signature('GPT2', ['config'], { config: A.required(A.anyValue<PretrainedConfig>()), device: optional(A.device), dtype: optional(A.dtype) });

/** @internal Runs a block under fl.checkpoint, replaying the generator state so that dropout masks repeat in the recompute. */
export function checkpointBlock(fn: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const rng = getRngState();
  let first = true;
  return checkpoint((h) => {
    if (first) { first = false; return fn(h); }
    const now = getRngState();
    setRngState(rng);
    try { return fn(h); } finally { setRngState(now); }
  }, x);
}

/**
 * GPT-2 (transformers' GPT2LMHeadModel): token and position embeddings, pre-norm blocks of causal
 * self-attention and a GELU MLP, a final LayerNorm, the head tied to the token embedding.
 *
 * ```ts
 * const model = fl.models.GPT2.fromPretrained('./gpt2', { device: 'cuda' });
 * const logits = fl.noGrad(() => model.forward(ids));    // [B, L, vocab]
 * ```
 */
export class GPT2 extends CausalLM {
  transformer: GPT2Model;
  /** What `nn.utils.lora` adapts by default (PEFT's choice for GPT-2). */
  readonly loraTargetModules: readonly string[] = ['c_attn'];
  private readonly dims: GPT2Dims;

  /** A randomly initialised model of this config.json (an object). */
  constructor(config: PretrainedConfig, options?: FromPretrainedOptions);
  constructor(...args: unknown[]) {
    // the config is itself a plain object, so it is taken before the options are read
    const cfg = args[0] as PretrainedConfig;
    const o = CONSTRUCTOR_ARGS.parse(args.slice(1), 1);
    if (cfg === null || typeof cfg !== 'object') throw new ValueError('GPT2: config must be a config.json object');
    super({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], ...cfg });
    this.dims = gpt2Dims(cfg, 'GPT2');
    this.transformer = new GPT2Model(this.dims, { device: o.device ?? 'cpu', dtype: floatDtype(o.dtype, 'GPT2') });
    // transformers' _init_weights: N(0, initializer_range) embeddings and Conv1Ds (biases 0), the
    // residual projections (c_proj) scaled by 1/√(2·n_layer); LayerNorms 1 and 0 already
    const std = num(cfg, 'initializer_range', 'GPT2', 0.02);
    noGrad(() => {
      normal_(this.transformer.wte.weight, 0, std);
      normal_(this.transformer.wpe.weight, 0, std);
      for (const b of this.transformer.h) {
        for (const c of [b.attn.c_attn, b.mlp.c_fc]) normal_(c.weight, 0, std);
        for (const c of [b.attn.c_proj, b.mlp.c_proj]) normal_(c.weight, 0, std / Math.sqrt(2 * this.dims.layers));
      }
    });
  }

  /**
   * Reads a save_pretrained folder: config.json and model.safetensors (or the shards an index lists).
   * Keys with or without the `transformer.` prefix load; the tied lm_head and the attention-mask
   * buffers of old checkpoints are skipped. The model comes back in eval mode, as transformers'.
   */
  static fromPretrained(dir: string, options?: FromPretrainedOptions): GPT2;
  static fromPretrained(...args: unknown[]): GPT2 {
    const o = FROM_PRETRAINED_ARGS.parse(args);
    const op = 'GPT2.fromPretrained';
    const cfg = readConfig(o.dir, op);
    if (cfg.model_type !== undefined && cfg.model_type !== 'gpt2') throw new ValueError(`${op}: ${o.dir} holds a "${String(cfg.model_type)}" model, not gpt2`);
    const model = new GPT2(cfg, { device: o.device, dtype: o.dtype });
    let weights: Record<string, Tensor>;
    try { weights = readWeights(o.dir, o.device ?? 'cpu', op); } catch (e) { model.dispose(); throw e; }
    try {
      const state: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(weights)) {
        if (k === 'lm_head.weight' || /\.attn\.(masked_)?bias$/.test(k)) continue;
        state[k.startsWith('transformer.') ? k : `transformer.${k}`] = t;
      }
      model.loadStateDict(state);
    } catch (e) { model.dispose(); throw e; } finally { Object.values(weights).forEach((t) => t.dispose()); }
    return model.eval();
  }

  protected get numLayers(): number { return this.dims.layers; }
  protected get maxPositions(): number { return this.dims.positions; }

  /** Logits [B, L, vocab] for int32 ids [B, L] (continuing a cache's positions when one is given). */
  forward(inputIds: Tensor, options?: CausalLMForwardOptions): Tensor {
    if (arguments.length > 2) A.tooManyArgs('GPT2.forward', 'inputIds, options', arguments);
    if (options !== undefined) A.checkKeys('GPT2.forward', options, ['cache']);
    const cache = options?.cache ?? null;
    const past = this.checkInput(inputIds, cache, 'GPT2.forward');
    const t = this.transformer, L = inputIds._shape[1];
    let x = add(embeddingOp(inputIds, t.wte.weight, null, 'GPT2'), embeddingOp(arange(past, past + L, { dtype: 'int32', device: inputIds.device }), t.wpe.weight, null, 'GPT2'));
    if (this.training) x = dropoutOp(x, this.dims.embdPdrop, true, 'GPT2');
    t.h.forEach((block, i) => {
      x = this.gradientCheckpointing && this.training && !cache ? checkpointBlock((h) => block.forward(h, i, null), x) : block.forward(x, i, cache);
    });
    if (cache) cache.length += L;
    return matmul(t.ln_f.forward(x), transpose(t.wte.weight, 0, 1));
  }
}

