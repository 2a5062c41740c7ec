// lora.ts — low-rank adapters (LoRA, Hu et al. 2021) as the PEFT library adds them:
// `nn.utils.lora(model, { r, alpha, targetModules, dropout })` freezes every parameter of the model and
// wraps each targeted Linear (or GPT-2 Conv1D, whose weight is stored [in, out]) in a LoRALinear:
// y = base(x) + B(A(dropout(x))) · alpha / r, with A [r, in] kaiming-uniform (nn.Linear's init, as
// PEFT) and B [out, r] zeros, so that the wrapped model starts out computing exactly what it did.
// Names follow PEFT's (`<module>.base_layer.weight`, `<module>.lora_A.default.weight`), and
// `merge()` folds B·A·scale into the base weight (`unmerge()` takes it out again).
import { noGrad } from '../autograd';
import { describeArg } from '../arity';
import { ValueError } from '../errors';
import { Tensor } from '../tensor';
import { add, mul } from '../ops/elementwise';
import { matmul } from '../ops/matmul';
import { transpose } from '../ops/views';
import { dropoutOp } from './functional';
import { Linear } from './layers';
import { Module } from './module';
import { zeros_ } from './init';
import * as A from '../args';
import { optional, required, signature } from '../args';

/** A module LoRA can adapt: nn.Linear (weight [out, in]) or one whose weight is [in, out] (`fanInFanOut`, GPT-2's Conv1D). */
interface Adaptable extends Module { weight: Tensor; bias: Tensor | null; fanInFanOut?: boolean }

function adaptable(m: Module): m is Adaptable {
  const f = m as unknown as { weight?: unknown; fanInFanOut?: unknown };
  return (m instanceof Linear || f.fanInFanOut === true) && f.weight instanceof Tensor && f.weight.ndim === 2;
}

/**
 * A Linear (or Conv1D) with a trainable low-rank update: y = base(x) + B(A(dropout(x))) · scaling.
 * Made by `nn.utils.lora`.
 */
export class LoRALinear extends Module {
  /** The adapted layer (frozen). */
  base_layer: Module & { weight: Tensor; bias: Tensor | null };
  /** A [r, in]: PEFT's `lora_A.default`. */
  lora_A: Map<string, Linear>;
  /** B [out, r]: PEFT's `lora_B.default` (zeros at first). */
  lora_B: Map<string, Linear>;
  readonly r: number;
  readonly scaling: number;
  readonly dropout: number;
  /** Whether B·A·scaling is currently folded into the base weight. */
  merged = false;
  private readonly fanInFanOut: boolean;

  constructor(base: Module, r: number, alpha: number, dropout: number) {
    super();
    if (!(base instanceof Module)) throw new ValueError(`LoRALinear: expected an nn.Module to adapt, got ${base === null ? 'null' : typeof base}`);
    if (!adaptable(base)) throw new ValueError(`LoRALinear: can adapt nn.Linear or a Conv1D (fanInFanOut) module, got ${base.constructor.name}`);
    this.base_layer = base;
    this.fanInFanOut = base.fanInFanOut === true;
    const [a, b] = base.weight._shape;
    const [inF, outF] = this.fanInFanOut ? [a, b] : [b, a];
    const opts = { bias: false, dtype: base.weight.dtype, device: base.weight.device };
    const la = new Linear(inF, r, opts);  // kaiming_uniform(a=√5), as PEFT's default init of A
    const lb = new Linear(r, outF, opts);
    zeros_(lb.weight);
    this.lora_A = new Map([['default', la]]);
    this.lora_B = new Map([['default', lb]]);
    this.r = r;
    this.scaling = alpha / r;
    this.dropout = dropout;
  }

  forward(x: Tensor): Tensor {
    const y = (this.base_layer as unknown as { forward(x: Tensor): Tensor }).forward(x);
    if (this.merged) return y;
    const h = this.dropout > 0 ? dropoutOp(x, this.dropout, this.training, 'LoRALinear') : x;
    const d = this.lora_B.get('default')!.forward(this.lora_A.get('default')!.forward(h));
    return add(y, mul(d, this.scaling));
  }

  /** @internal B·A·scaling in the base weight's layout. */
  delta(): Tensor {
    const ba = mul(matmul(this.lora_B.get('default')!.weight, this.lora_A.get('default')!.weight), this.scaling);  // [out, in]
    return this.fanInFanOut ? transpose(ba, 0, 1) : ba;
  }

  /** Folds the update into the base weight (faster inference; training the adapters again needs `unmerge`). */
  merge(): void {
    if (arguments.length > 0) A.tooManyArgs('merge', '', arguments);
    if (this.merged) return;
    noGrad(() => { const d = this.delta(); try { this.base_layer.weight.add_(d); } finally { d.dispose(); } });
    this.merged = true;
  }

  /** Takes the update out of the base weight again. */
  unmerge(): void {
    if (arguments.length > 0) A.tooManyArgs('unmerge', '', arguments);
    if (!this.merged) return;
    noGrad(() => { const d = this.delta(); try { this.base_layer.weight.sub_(d); } finally { d.dispose(); } });
    this.merged = false;
  }

  extraRepr(): string { return `r=${this.r}, scaling=${this.scaling}`; }
}

/** Options of `nn.utils.lora`. */
export interface LoRAOptions {
  /** Rank of the update (default 8). */
  r?: number;
  /** The update is scaled by alpha / r (default 8, PEFT's lora_alpha). */
  alpha?: number;
  /** Names of the modules to adapt, matched against the last part(s) of their dotted names (`['q_proj', 'v_proj']`); default: the model's `loraTargetModules`. */
  targetModules?: readonly string[];
  /** Dropout on the adapters' input in training (default 0). */
  dropout?: number;
}

/** What `nn.utils.lora` returns: the adapters it added. */
export interface LoRAAdapters {
  /** The wrapped layers by their dotted names. */
  readonly layers: ReadonlyMap<string, LoRALinear>;
  /** The trainable parameters (every A and B): `new optim.AdamW(adapters.parameters(), { lr: 1e-3 })`. */
  parameters(): Tensor[];
  /** The adapters' weights by their names in the model (`h.0.attn.c_attn.lora_A.default.weight`, …). */
  stateDict(): Record<string, Tensor>;
  /** Folds every update into its base weight. */
  merge(): void;
  /** Takes every update out of its base weight again. */
  unmerge(): void;
}

const LORA_ARGS = signature('lora', ['model'], {
  model: required(A.anyValue<Module>()), r: optional(A.int({ min: 1 }), 8), alpha: optional(A.num({ min: 0 }), 8),
  targetModules: optional(A.arrayOf(A.str)), dropout: optional(A.num({ min: 0, max: 1 }), 0),
});

/**
 * Adds LoRA adapters to `model` in place, as PEFT's `get_peft_model(model, LoraConfig(...))`: every
 * parameter of the model is frozen, and each module whose dotted name ends with one of
 * `targetModules` becomes a `LoRALinear` with trainable A and B.
 *
 * ```ts
 * const adapters = fl.nn.utils.lora(model, { r: 8, alpha: 16, targetModules: ['q_proj', 'v_proj'] });
 * const opt = new fl.optim.AdamW(adapters.parameters(), { lr: 1e-3 });
 * // … train …
 * adapters.merge();   // fold B·A into the weights
 * ```
 */
export function lora(model: Module, options?: LoRAOptions): LoRAAdapters;
export function lora(...args: unknown[]): LoRAAdapters {
  const o = LORA_ARGS.parse(args);
  const model = o.model;
  if (!(model instanceof Module)) throw new ValueError(`lora: model must be an nn.Module, got ${model === null ? 'null' : typeof model}`);
  const targets = o.targetModules ?? (model as Module & { loraTargetModules?: readonly string[] }).loraTargetModules;
  if (!targets || targets.length === 0) throw new ValueError('lora: targetModules is required for this model (e.g. { targetModules: [\'q_proj\', \'v_proj\'] })');
  const matches = (name: string) => targets.some((t) => name === t || name.endsWith(`.${t}`));
  const found: [string, Module, string, Module][] = [];  // name, parent, field in parent, module
  for (const [prefix, parent] of model.namedModules()) {
    if (parent instanceof LoRALinear) continue;
    for (const [k, m] of parent.namedChildren()) {
      const name = prefix ? `${prefix}.${k}` : k;
      if (!matches(name) || m instanceof LoRALinear) continue;
      if (!adaptable(m)) throw new ValueError(`lora: ${name} is a ${m.constructor.name}; LoRA adapts nn.Linear and Conv1D layers`);
      found.push([name, parent, k, m]);
    }
  }
  if (found.length === 0) throw new ValueError(`lora: no module matches targetModules ${describeArg(targets)}`);
  for (const p of model.parameters()) p.requiresGrad = false;
  const layers = new Map<string, LoRALinear>();
  for (const [name, parent, key, m] of found) {
    const wrapped = new LoRALinear(m, o.r, o.alpha, o.dropout);
    const dot = key.lastIndexOf('.');
    const host = parent as unknown as Record<string, unknown>;
    if (dot >= 0 && Array.isArray(host[key.slice(0, dot)])) (host[key.slice(0, dot)] as Module[])[Number(key.slice(dot + 1))] = wrapped;
    else if (dot >= 0 && host[key.slice(0, dot)] instanceof Map) (host[key.slice(0, dot)] as Map<string, Module>).set(key.slice(dot + 1), wrapped);
    else host[key] = wrapped;
    layers.set(name, wrapped);
  }
  const names = () => [...layers].flatMap(([n, l]) => [[`${n}.lora_A.default.weight`, l.lora_A.get('default')!.weight], [`${n}.lora_B.default.weight`, l.lora_B.get('default')!.weight]] as [string, Tensor][]);
  return {
    layers,
    parameters: () => names().map(([, t]) => t),
    stateDict: () => Object.fromEntries(names()),
    merge: () => { for (const l of layers.values()) l.merge(); },
    unmerge: () => { for (const l of layers.values()) l.unmerge(); },
  };
}

/**
 * @internal The model's state with every LoRALinear folded back into plain names (`x.weight` =
 * base + B·A·scaling unless already merged; the adapters left out): what savePretrained writes.
 * New tensors are made for unmerged layers (the caller's scope frees them).
 */
export function mergedStateDict(model: Module): Record<string, Tensor> {
  const state = model.stateDict();
  for (const [prefix, m] of model.namedModules()) {
    if (!(m instanceof LoRALinear)) continue;
    const p = prefix ? `${prefix}.` : '';
    const w = state[`${p}base_layer.weight`];
    state[`${p}weight`] = m.merged ? w : noGrad(() => add(w, m.delta()));
    if (state[`${p}base_layer.bias`]) state[`${p}bias`] = state[`${p}base_layer.bias`];
    for (const k of ['base_layer.weight', 'base_layer.bias', 'lora_A.default.weight', 'lora_B.default.weight']) delete state[`${p}${k}`];
  }
  return state;
}
