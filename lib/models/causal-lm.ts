// causal-lm.ts — what GPT-2 and the Llama family share: the key/value cache, causal (grouped-query)
// attention built from ordinary ops (so that ONNX export can trace a block), and `generate`
// (greedy or sampled decoding, one forward step per new token with the cache).
//
// The cache is preallocated per layer ([B, kvHeads, maxLength, headDim], allocated at the first
// write with the dtype and device of the keys) and written in place through narrow views: a step
// costs one small copy instead of concatenating the whole history. It is for inference only
// (in-place writes have no gradient), so a forward with a cache refuses to run with grad enabled.
import { describeArg } from '../arity';
import { DType } from '../dtype';
import { ShapeError, ValueError } from '../errors';
import { isGradEnabled, noGrad } from '../autograd';
import { Tensor, keep, scope } from '../tensor';
import { tensor, zeros, ones } from '../ops/creation';
import { div, lt, ge, sub, maskedFill, logicalAnd } from '../ops/elementwise';
import { argmax } from '../ops/reduce';
import { softmax, cumsum } from '../ops/softmax';
import { sort, topk } from '../ops/sort';
import { getRngState, manualSeed, multinomial, setRngState } from '../ops/random';
import { narrow, reshape, select, unsqueeze, expand } from '../ops/views';
import { scatter, tril, triu } from '../ops/indexing';
import { scaledDotProductAttention } from '../nn/functional';
import { Module } from '../nn/module';
import { PretrainedConfig, SavePretrainedOptions, writePretrained } from './hub';
import { mergedStateDict } from '../nn/lora';
import * as A from '../args';
import { optional, signature } from '../args';

/**
 * The keys and values of earlier positions, per layer, so that each new token costs one step.
 * Made by `model.createCache(batch, maxLength)`; `generate` makes its own.
 */
export class KVCache {
  /** Positions already stored (the next forward's first position). */
  length = 0;
  private readonly keys: (Tensor | null)[];
  private readonly values: (Tensor | null)[];
  constructor(readonly numLayers: number, readonly batch: number, readonly maxLength: number) {
    // checked before the per-layer arrays are made: new Array(2 ** 31 - 1) would take the heap
    for (const [name, v, max] of [['numLayers', numLayers, 1 << 16], ['batch', batch, 2 ** 31 - 1], ['maxLength', maxLength, 2 ** 31 - 1]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > max) throw new ValueError(`KVCache: ${name} must be an integer in [1, ${max}], got ${describeArg(v)}`);
    }
    this.keys = new Array<Tensor | null>(numLayers).fill(null);
    this.values = new Array<Tensor | null>(numLayers).fill(null);
  }

  /** @internal Stores layer `i`'s new k, v [B, Hkv, L, D] after the cached ones; returns views of all of them. */
  update(i: number, k: Tensor, v: Tensor): [Tensor, Tensor] {
    const [B, H, L, D] = k._shape;
    if (B !== this.batch) throw new ShapeError(`KVCache: made for a batch of ${this.batch}, got keys of shape [${k._shape.join(', ')}]`);
    if (this.length + L > this.maxLength) throw new ValueError(`KVCache: ${this.length} cached + ${L} new positions exceed its maxLength ${this.maxLength}`);
    if (!this.keys[i]) {
      this.keys[i] = keep(zeros([B, H, this.maxLength, D], { dtype: k.dtype, device: k.device }));
      this.values[i] = keep(zeros([B, H, this.maxLength, D], { dtype: v.dtype, device: v.device }));
    }
    const K = this.keys[i]!, V = this.values[i]!;
    narrow(K, 2, this.length, L).copy_(k.dtype === K.dtype ? k : k.to(K.dtype));
    narrow(V, 2, this.length, L).copy_(v.dtype === V.dtype ? v : v.to(V.dtype));
    return [narrow(K, 2, 0, this.length + L), narrow(V, 2, 0, this.length + L)];
  }

  /** Frees the cached tensors. */
  dispose(): void {
    for (const t of [...this.keys, ...this.values]) t?.dispose();
    this.keys.fill(null); this.values.fill(null);
    this.length = 0;
  }
}

/**
 * @internal Causal attention of q [B, H, L, D] over k, v [B, Hkv, S, D] (S = past + L), the keys of
 * each kv head shared by H / Hkv query heads (grouped-query attention, transformers' repeat_kv);
 * `window` limits each query to the last `window` keys (Mistral's sliding window).
 */
export function causalAttention(q: Tensor, k: Tensor, v: Tensor, past: number, window: number | null, dropoutP: number): Tensor {
  const [B, H, L, D] = q._shape;
  const Hkv = k._shape[1], S = k._shape[2];
  if (Hkv !== H) {
    const rep = H / Hkv;
    k = reshape(expand(unsqueeze(k, 2), [B, Hkv, rep, S, D]), [B, H, S, D]);
    v = reshape(expand(unsqueeze(v, 2), [B, Hkv, rep, S, D]), [B, H, S, D]);
  }
  // query i (absolute position past + i) sees keys j <= past + i (and j > past + i - window)
  let mask: Tensor | null = null;
  if (L > 1 || (window !== null && S > window)) {
    mask = tril(ones([L, S], { dtype: 'bool', device: q.device }), past);
    if (window !== null) mask = logicalAnd(mask, triu(ones([L, S], { dtype: 'bool', device: q.device }), past - window + 1));
  }
  return scaledDotProductAttention(q, k, v, { attnMask: mask, dropoutP });
}

/** Options of `generate`. */
export interface GenerateOptions {
  /** How many tokens to add (default 20). */
  maxNewTokens?: number;
  /** Sample instead of taking the most likely token (default: true when temperature, topK or topP is given, false otherwise). */
  doSample?: boolean;
  /** Divides the logits before sampling (default 1); 0 means greedy. */
  temperature?: number;
  /** Sample among the k most likely tokens only (0 or absent: all). */
  topK?: number;
  /** Sample among the smallest set of most likely tokens whose probabilities add up to topP (nucleus sampling; default 1). */
  topP?: number;
  /** A token (or tokens) that ends a sequence; finished sequences are padded with it. Default: config.json's eos_token_id; null: none. */
  eosTokenId?: number | readonly number[] | null;
  /** Seeds the sampling (the global generator is restored afterwards); absent: the global generator's stream. */
  seed?: number;
  /** Decode with the key/value cache (default true); false runs a full forward per token (for checking). */
  useCache?: boolean;
}

// topP is declared before topK: a dropped letter ('toP') then suggests topP (the nearest keys tie)
const GENERATE_ARGS = signature('generate', ['inputIds'], {
  inputIds: A.required(A.anyValue<Tensor>()),
  maxNewTokens: optional(A.int({ min: 0 }), 20), doSample: optional(A.bool), temperature: optional(A.num({ min: 0 })),
  topP: optional(A.num({ min: 0, max: 1 })), topK: optional(A.int({ min: 0 })), eosTokenId: optional(A.anyValue<number | readonly number[] | null>()),
  seed: optional(A.int()), useCache: optional(A.bool, true),
});
const SAVE_ARGS = signature('savePretrained', ['dir'], { dir: A.required(A.str), maxShardSize: optional(A.num({ min: 1 })) });

/** Options of a causal language model's `forward`. */
export interface CausalLMForwardOptions {
  /** Key/value cache: the ids continue what it holds (inference only, under `noGrad`). */
  cache?: KVCache | null;
}

/**
 * The base of `GPT2` and `Llama`: a decoder-only language model read from a Hugging Face folder,
 * with `generate` and `savePretrained`.
 */
export abstract class CausalLM extends Module {
  /** config.json as read (transformers' keys); written back by `savePretrained`. */
  readonly config: PretrainedConfig;
  /** Run each block under `fl.checkpoint` in training (less memory, one more forward in backward). */
  gradientCheckpointing = false;
  protected constructor(config: PretrainedConfig) { super(); this.config = config; }

  /** Logits [B, L, vocab] for int32 token ids [B, L]. */
  abstract forward(inputIds: Tensor, options?: CausalLMForwardOptions): Tensor;
  /** @internal The number of blocks (cache layers). */
  protected abstract get numLayers(): number;
  /** @internal The longest sequence the model takes (Infinity when rotary). */
  protected abstract get maxPositions(): number;

  /** A key/value cache for `batch` sequences of at most `maxLength` tokens: `model.forward(ids, { cache })`. */
  createCache(batch: number, maxLength: number): KVCache {
    if (arguments.length > 2) A.tooManyArgs('createCache', 'batch, maxLength', arguments);
    if (!Number.isInteger(batch) || batch <= 0 || !Number.isInteger(maxLength) || maxLength <= 0) throw new ValueError(`createCache: batch and maxLength must be positive integers, got ${describeArg(batch)}, ${describeArg(maxLength)}`);
    if (maxLength > this.maxPositions) throw new ValueError(`createCache: maxLength ${maxLength} exceeds the model's ${this.maxPositions} positions`);
    return new KVCache(this.numLayers, batch, maxLength);
  }

  /** @internal Checks ids and a cache for `op`; returns the first position. */
  protected checkInput(ids: Tensor, cache: KVCache | null | undefined, op: string): number {
    if (!(ids instanceof Tensor)) throw new ValueError(`${op}: inputIds must be a Tensor`);
    if (ids.dtype !== 'int32') throw new ValueError(`${op}: inputIds must be int32 token ids, got ${ids.dtype}`);
    if (ids.ndim !== 2) throw new ShapeError(`${op}: inputIds must be [batch, length], got shape [${ids._shape.join(', ')}]`);
    const past = cache ? cache.length : 0;
    if (cache) {
      if (!(cache instanceof KVCache) || cache.numLayers !== this.numLayers) throw new ValueError(`${op}: cache must come from this model's createCache`);
      if (isGradEnabled() && this.parameters().some((p) => p.requiresGrad)) throw new ValueError(`${op}: a forward with a cache is for inference: run it under fl.noGrad`);
    }
    if (past + ids._shape[1] > this.maxPositions) throw new ValueError(`${op}: ${past + ids._shape[1]} positions exceed the model's ${this.maxPositions} (config n_positions)`);
    return past;
  }

  /**
   * Continues each row of `inputIds` (int32 [B, L]) by up to `maxNewTokens` tokens, greedily or by
   * sampling, one cached forward step per token; returns ids [B, L + n] (prompt included, as
   * transformers' generate), finished rows padded with the eos token.
   *
   * ```ts
   * const out = model.generate(fl.tensor([[464, 3290]], { dtype: 'int32' }), { maxNewTokens: 20 });
   * const sampled = model.generate(ids, { maxNewTokens: 20, temperature: 0.8, topK: 40, topP: 0.95, seed: 1 });
   * ```
   */
  generate(inputIds: Tensor, options?: GenerateOptions): Tensor;
  generate(...args: unknown[]): Tensor {
    const o = GENERATE_ARGS.parse(args);
    const op = 'generate';
    const ids = o.inputIds;
    if (!(ids instanceof Tensor) || ids.dtype !== 'int32' || ids.ndim !== 2 || ids._shape[1] === 0) {
      throw new ValueError(`${op}: inputIds must be a non-empty int32 Tensor [batch, length]${ids instanceof Tensor ? `, got ${ids.dtype} of shape [${ids._shape.join(', ')}]` : ''}`);
    }
    const [B, L] = ids._shape;
    const maxNew = o.maxNewTokens;
    if (L + maxNew > this.maxPositions) throw new ValueError(`${op}: ${L} + ${maxNew} new tokens exceed the model's ${this.maxPositions} positions`);
    const eosRaw = o.eosTokenId === undefined ? this.config.eos_token_id ?? null : o.eosTokenId;
    const eos = eosRaw === null ? [] : (Array.isArray(eosRaw) ? eosRaw : [eosRaw]) as number[];
    if (eos.some((e) => !Number.isInteger(e))) throw new ValueError(`${op}: eosTokenId must be an integer, a list of integers or null, got ${describeArg(eosRaw)}`);
    const temperature = o.temperature ?? 1;
    const sample = (o.doSample ?? (o.temperature !== undefined || o.topK !== undefined || o.topP !== undefined)) && temperature > 0;
    const saved = o.seed !== undefined ? getRngState() : null;
    if (o.seed !== undefined) manualSeed(o.seed);
    const rows: number[][] = ids.toArray() as number[][];
    const done = new Array<boolean>(B).fill(false);
    const cache = o.useCache ? new KVCache(this.numLayers, B, L + maxNew) : null;
    try {
      noGrad(() => {
        let step: Tensor = ids;
        for (let n = 0; n < maxNew && !done.every(Boolean); n++) {
          const next = scope(() => {
            const input = cache ? step : tensor(rows, { dtype: 'int32', device: ids.device });
            const logits = this.forward(input, { cache });
            const last = select(logits, 1, -1).to('float32');  // [B, V]
            const tok = sample ? sampleNext(last, temperature, o.topK ?? 0, o.topP ?? 1) : argmax(last, -1);
            return tok.toArray() as number[];
          });
          if (step !== ids) step.dispose();
          next.forEach((t, b) => {
            if (done[b]) t = eos[0];
            else if (eos.includes(t)) done[b] = true;
            rows[b].push(t);
          });
          step = tensor(next.map((t) => [t]), { dtype: 'int32', device: ids.device });
        }
        if (step !== ids) step.dispose();
      });
    } finally {
      cache?.dispose();
      if (saved) setRngState(saved);
    }
    return tensor(rows, { dtype: 'int32', device: ids.device });
  }

  /**
   * Writes config.json and the weights as transformers' `save_pretrained` does (its names, GPT-2's
   * Conv1D layout, tied heads left out; LoRA adapters merged into the weights they adapt), so that
   * `AutoModelForCausalLM.from_pretrained(dir)` loads it. `maxShardSize` (bytes) splits the weights
   * into shards with model.safetensors.index.json.
   *
   * ```ts
   * model.savePretrained('./my-model');
   * ```
   */
  savePretrained(dir: string, options?: SavePretrainedOptions): void;
  savePretrained(...args: unknown[]): void {
    const o = SAVE_ARGS.parse(args);
    noGrad(() => scope(() => {
      const state = mergedStateDict(this);  // the fields carry transformers' names: no renaming
      const dtype = Object.values(state).find((t) => t.dtype !== 'int32')?.dtype ?? 'float32';
      writePretrained(o.dir, { ...this.config, torch_dtype: dtype }, state, o.maxShardSize, 'savePretrained');
    }));
  }
}

/** The next token of each row by sampling (temperature, top-k, top-p as transformers' logits warpers). */
function sampleNext(logits: Tensor, temperature: number, topK: number, topP: number): Tensor {
  let l = temperature === 1 ? logits : div(logits, temperature);
  const V = l._shape[1];
  if (topK > 0 && topK < V) {
    const kth = narrow(topk(l, topK, -1).values, 1, topK - 1, 1);  // [B, 1]
    l = maskedFill(l, lt(l, kth), -Infinity);
  }
  if (topP < 1) {
    const { values, indices } = sort(l, -1, true);
    const p = softmax(values, -1);
    const before = sub(cumsum(p, -1), p);  // probability of the more likely tokens
    const removed = ge(before, topP);       // the most likely token is never removed (before = 0)
    l = scatter(l, 1, indices, maskedFill(values, removed, -Infinity));
  }
  return reshape(multinomial(softmax(l, -1), 1), [l._shape[0]]);
}

/** @internal A float dtype option, checked. */
export function floatDtype(v: unknown, op: string): DType {
  if (v === undefined) return 'float32';
  if (v !== 'float32' && v !== 'float64' && v !== 'float16' && v !== 'bfloat16') throw new ValueError(`${op}: dtype must be float32, float64, float16 or bfloat16, got ${describeArg(v)}`);
  return v;
}

