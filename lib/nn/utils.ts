// utils.ts — LoRA adapters (`fl.nn.utils.lora`, in lora.ts), packed sequences (`fl.nn.utils.rnn`,
// in packed.ts) and gradient clipping
// (`fl.nn.utils.clipGradNorm`, `clipGradValue`), as
// torch.nn.utils.clip_grad_norm_ / clip_grad_value_. Both work in place on `.grad` (no host sync:
// the clip coefficient stays on the device), except `errorIfNonfinite`, which reads the total norm
// back. clipGradNorm is two native calls ('gradNorm', 'gradScale') where the gradients allow.
import { tooManyArgs } from '../args';
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { ValueError } from '../errors';
import { emptyTensor, Tensor, scopeSync } from '../tensor';
import { isFloating, promoteTypes } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { sameDevice } from '../device';
import { call, opId } from '../native';
import { tensor } from '../ops/creation';
import { clamp, div, isfinite } from '../ops/elementwise';
import { amax } from '../ops/reduce';
import { vectorNormOp } from '../ops/norms';
import { stack } from '../ops/views';

export { lora, LoRALinear } from './lora';
export * as rnn from './packed';
export type { LoRAOptions, LoRAAdapters } from './lora';
// parametrize, parametrizations, the legacy weight/spectral norm hooks, fusion, stateless (parametrize.ts, utils-extra.ts)
export * as parametrize from './parametrize';
// torch.nn.utils.prune: pruning masks on parameters, kept up to date by a forward pre-hook (prune.ts)
export * as prune from './prune';
export {
  parametrizations, weightNorm, removeWeightNorm, spectralNorm, removeSpectralNorm, parametersToVector, vectorToParameters, fusion, stateless,
} from './utils-extra';

function gradsOf(params: Tensor | Iterable<Tensor>, op: string): Tensor[] {
  const list: unknown[] = params instanceof Tensor ? [params]
    : params != null && typeof (params as any)[Symbol.iterator] === 'function' ? Array.from(params as Iterable<unknown>) : [params];
  const grads: Tensor[] = [];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(`${op}: parameter ${i} is not a Tensor (got ${p === null ? 'null' : typeof p})`);
    if (p.grad) grads.push(p.grad);
  });
  return grads;
}

/**
 * The p-norm of all elements of x as a 0-dim tensor: fl.linalg.vectorNorm, except that an empty
 * gradient's norm is 0 for every p (a documented difference: torch 1.13 refuses the inf norm of one).
 */
function vectorNorm(x: Tensor, p: number): Tensor {
  if (x.numel === 0) return tensor(0, { dtype: x.dtype, device: x.device });
  return vectorNormOp(x, p, null, false, null, 'clipGradNorm');
}

/**
 * Rescales the gradients of `params` in place so that their joint `normType`-norm (all gradients
 * seen as one vector) is at most `maxNorm`, and returns that norm (before clipping) as a 0-dim
 * tensor, which the caller owns. Gradients are multiplied by `min(1, maxNorm / (norm + 1e-6))`.
 * Parameters without a gradient are skipped. `normType` may be `Infinity` (or `'inf'`).
 * With `errorIfNonfinite`, a NaN or infinite norm throws ValueError (this reads the norm back).
 *
 * ```ts
 * loss.backward();
 * const norm = fl.nn.utils.clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * norm.dispose();
 * ```
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, normType: number | 'inf' = 2, errorIfNonfinite = false): Tensor {
  if (arguments.length > 4) tooManyArgs('clipGradNorm', 'params, maxNorm, normType, errorIfNonfinite', arguments);
  const op = 'clipGradNorm';
  const p = normType === 'inf' ? Infinity : normType;
  if (typeof p !== 'number' || Number.isNaN(p)) throw new ValueError(`${op}: normType must be a number or 'inf', got ${describeArg(normType)}`);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new ValueError(`${op}: maxNorm must be a number, got ${describeArg(maxNorm)}`);
  const grads = gradsOf(params, op);
  if (grads.length === 0) return tensor(0, { dtype: getDefaultDtype() });  // torch.tensor(0.)
  const fused = fusedClip(grads, maxNorm, p, errorIfNonfinite, op);
  if (fused) return fused;
  return noGrad(() => scopeSync(() => {
    // mixed dtypes: the norms are stacked in their promoted dtype, as torch.stack promotes them
    // (float32 and float64 gradients give a float64 norm)
    const dt = grads.map((g) => g.dtype).reduce((a, b) => promoteTypes(a, b));
    const norms = grads.map((g) => vectorNorm(g, p).to(dt));
    let total: Tensor;
    if (norms.length === 1) total = norms[0];
    else if (p === Infinity) total = amax(stack(norms));
    else total = vectorNorm(stack(norms), p);
    if (errorIfNonfinite && !isfinite(total).item()) {
      throw new ValueError(`${op}: the total norm of order ${describeArg(p)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite = false`);
    }
    const coef = clamp(div(maxNorm, total.add(1e-6)), null, 1);
    for (const g of grads) g.mul_(g.dtype === coef.dtype ? coef : coef.to(g.dtype));
    return total;
  }));
}

let CLIP_OPS: [number, number] | undefined;
const NORM_CODES: Record<string, number> = { 2: 0, 1: 1, Infinity: 2 };  // native/core/optim.h NormCode; 3: any other p > 0
/** Gradients per native call (a call takes at most 12 operands: the norms or the total, then these). */
const PER_CALL = 11;

/**
 * clipGradNorm with the native 'gradNorm' (the gradients' norms, PER_CALL a call, then their norm) and
 * 'gradScale' (every gradient times min(1, maxNorm / (total + 1e-6)), read from the total where it
 * lives): 2·ceil(N / 11) + 1 calls where the composed form took ~4 ops per gradient. null where they
 * do not apply (mixed dtypes or devices, a non-contiguous gradient, p <= 0, an addon without the
 * ops): the caller composes ops.
 */
function fusedClip(grads: Tensor[], maxNorm: number, p: number, errorIfNonfinite: boolean, op: string): Tensor | null {
  if (!CLIP_OPS) CLIP_OPS = [opId('gradNorm'), opId('gradScale')];
  const [NORM, SCALE] = CLIP_OPS;
  const g0 = grads[0], dev = g0._storage.device;
  if (NORM < 0 || SCALE < 0 || !(p > 0) || !isFloating(g0.dtype)) return null;
  if (!grads.every((g) => g.dtype === g0.dtype && sameDevice(g._storage.device, dev) && g.isContiguous())) return null;
  const code = NORM_CODES[String(p)] ?? 3;
  const total = emptyTensor([], g0.dtype, dev, false, op);
  try {
    scopeSync(() => {
      const norms = emptyTensor([grads.length], g0.dtype, dev, false, op);
      for (let i = 0; i < grads.length; i += PER_CALL) {
        const part = grads.slice(i, i + PER_CALL);
        const view = norms.narrow(0, i, part.length);
        call(NORM, op, [view, ...part], [code, p]);
      }
      call(NORM, op, [total, norms], [code, p]);
    });
    if (errorIfNonfinite && !Number.isFinite(total.item())) {
      throw new ValueError(`${op}: the total norm of order ${describeArg(p)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite = false`);
    }
    for (let i = 0; i < grads.length; i += PER_CALL) {
      const part = grads.slice(i, i + PER_CALL);
      for (const g of part) g._storage.version++;  // in place, as mul_ counts it
      call(SCALE, op, [total, ...part], [maxNorm]);
    }
  } catch (e) { total.dispose(); throw e; }
  return total;
}

/**
 * Clamps every gradient of `params` to `[-clipValue, clipValue]` in place.
 *
 * ```ts
 * loss.backward();
 * fl.nn.utils.clipGradValue(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (arguments.length > 2) tooManyArgs('clipGradValue', 'params, clipValue', arguments);
  const op = 'clipGradValue';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw new ValueError(`${op}: clipValue must be a number, got ${describeArg(clipValue)}`);
  const grads = gradsOf(params, op);
  noGrad(() => { for (const g of grads) g.clamp_(-clipValue, clipValue); });
}

/** torch's name `clip_grad_norm_` (torch's `clip_grad_norm`, without the underscore, is its deprecated alias): the same function as {@link clipGradNorm}. `fl.nn.utils.clipGradNorm_(model.parameters(), 1.0)` */
export const clipGradNorm_ = clipGradNorm;
/** torch's name `clip_grad_value_`: the same function as {@link clipGradValue}. `fl.nn.utils.clipGradValue_(model.parameters(), 0.5)` */
export const clipGradValue_ = clipGradValue;
