// loss.ts — the loss functions (also in `nn.functional`) and their Module classes (`nn.MSELoss`,
// `nn.CrossEntropyLoss`, …), with PyTorch's semantics: reductions 'mean' | 'sum' | 'none',
// class-index targets (int32) with `weight` and `ignoreIndex`, label smoothing and probability
// targets for cross entropy, the -100 clamp of BCE's logs, the stable form of BCE with logits.
//
// Everything is composed of differentiable ops (logSoftmax, gather, indexSelect, where, sum, …),
// except binaryCrossEntropy, which records its own backward node so that its gradient is
// PyTorch's (x - t) / max(x(1 - x), 1e-12) (finite at x = 0 and 1, where the clamped logs are not).
//
// Deviation: mse/l1/smoothL1/huber/BCE require input and target of the same shape (PyTorch
// broadcasts with a warning that the result is "likely incorrect"); they throw ShapeError.
// BCE does not read the input back to check 0 <= x <= 1 (values outside give NaN).
import { describeArg } from '../arity';
import { needsGrad, noGrad, record } from '../autograd';
import { runFloat32 } from '../amp';
import { isFloating } from '../dtype';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { broadcastShapes, fmt } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import { abs, add, clamp, div, gt, log, lt, mul, ne, neg, softplus, sub, where } from '../ops/elementwise';
import { gather, indexSelect } from '../ops/indexing';
import { mean, sum } from '../ops/reduce';
import { logSoftmax } from '../ops/softmax';
import { permute, reshape, squeeze, unsqueeze } from '../ops/views';
import { Module } from './module';
import * as A from '../args';
import { optional, required, signature } from '../args';

// PyTorch's positional order for each loss (lib/args.ts): input, target, then `weight` for the
// class-weighted ones (huberLoss: reduction, delta); the rest are keywords. Values are checked below.
const T = required(A.anyValue<Tensor>());
const RED = { reduction: optional(A.anyValue<Reduction>()) };
const W = optional(A.anyValue<Tensor | null>());
const NUM = optional(A.anyValue<number>());
const F_ARGS = {
  mseLoss: signature('mseLoss', ['input', 'target'], { input: T, target: T, ...RED }),
  l1Loss: signature('l1Loss', ['input', 'target'], { input: T, target: T, ...RED }),
  smoothL1Loss: signature('smoothL1Loss', ['input', 'target'], { input: T, target: T, ...RED, beta: NUM }),
  huberLoss: signature('huberLoss', ['input', 'target', 'reduction', 'delta'], { input: T, target: T, ...RED, delta: NUM }),
  nllLoss: signature('nllLoss', ['input', 'target', 'weight'], { input: T, target: T, weight: W, ignoreIndex: NUM, ...RED }),
  crossEntropy: signature('crossEntropy', ['input', 'target', 'weight'], { input: T, target: T, weight: W, ignoreIndex: NUM, ...RED, labelSmoothing: NUM }),
  binaryCrossEntropy: signature('binaryCrossEntropy', ['input', 'target', 'weight'], { input: T, target: T, weight: W, ...RED }),
  binaryCrossEntropyWithLogits: signature('binaryCrossEntropyWithLogits', ['input', 'target', 'weight'], { input: T, target: T, weight: W, ...RED, posWeight: W }),
};
const M_ARGS = {
  MSELoss: signature('MSELoss', [], { ...RED }),
  L1Loss: signature('L1Loss', [], { ...RED }),
  SmoothL1Loss: signature('SmoothL1Loss', [], { ...RED, beta: NUM }),
  HuberLoss: signature('HuberLoss', ['reduction', 'delta'], { ...RED, delta: NUM }),
  NLLLoss: signature('NLLLoss', ['weight'], { weight: W, ignoreIndex: NUM, ...RED }),
  CrossEntropyLoss: signature('CrossEntropyLoss', ['weight'], { weight: W, ignoreIndex: NUM, ...RED, labelSmoothing: NUM }),
  BCELoss: signature('BCELoss', ['weight'], { weight: W, ...RED }),
  BCEWithLogitsLoss: signature('BCEWithLogitsLoss', ['weight'], { weight: W, ...RED, posWeight: W }),
};

/** How a loss reduces its per-element values. */
export type Reduction = 'mean' | 'sum' | 'none';

function need(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  x._handleFor(op);
  return x;
}
function needFloat(x: Tensor, op: string, what: string): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: ${what} must be floating, got ${x.dtype}`);
}
function checkReduction(r: unknown, op: string): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${describeArg(r)}`);
  return r;
}
function sameShape(a: Tensor, b: Tensor, op: string): void {
  if (a._shape.length !== b._shape.length || a._shape.some((s, i) => s !== b._shape[i])) {
    throw new ShapeError(`${op}: target of shape ${fmt(b._shape)} does not match input of shape ${fmt(a._shape)}`);
  }
}
function reduce(l: Tensor, r: Reduction): Tensor {
  return r === 'none' ? l : r === 'sum' ? sum(l) : mean(l);
}
/**
 * A `weight`/`posWeight` of BCE must broadcast to the input's shape without widening it (PyTorch
 * multiplies the loss in place: "output with shape [3] doesn't match the broadcast shape [2, 3]");
 * a wider one would silently change the loss's shape and its mean.
 */
function needWeightFor(input: Tensor, w: unknown, op: string, what: string): Tensor {
  const t = need(w, op, what);
  let b: number[] | null;
  try { b = broadcastShapes(op, input._shape, t._shape); } catch { b = null; }
  if (!b || b.length !== input.ndim || b.some((s, i) => s !== input._shape[i])) {
    throw new ShapeError(`${op}: ${what} of shape ${fmt(t._shape)} does not broadcast to the input's shape ${fmt(input._shape)}`);
  }
  return t;
}
/** input/target checks shared by the pointwise regression losses. */
function pointwise(input: Tensor, target: Tensor, op: string): void {
  need(input, op, 'input'); need(target, op, 'target');
  needFloat(input, op, 'input'); needFloat(target, op, 'target');
  sameShape(input, target, op);
}

export interface ReductionOptions { reduction?: Reduction }

/** Mean squared error (x - y)²: `F.mseLoss(pred, y)`, `F.mseLoss(pred, y, { reduction: 'sum' })`. */
export function mseLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor;
export function mseLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(mseLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...options } = F_ARGS.mseLoss.parse(args);
  const op = 'mseLoss';
  pointwise(input, target, op);
  const r = checkReduction(options.reduction ?? 'mean', op);
  return scopeSync(() => { const d = sub(input, target); return reduce(mul(d, d), r); });
}

/** Mean absolute error |x - y|: `F.l1Loss(pred, y)`. */
export function l1Loss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor;
export function l1Loss(...args: unknown[]): Tensor {
  const lowp = runFloat32(l1Loss, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...options } = F_ARGS.l1Loss.parse(args);
  const op = 'l1Loss';
  pointwise(input, target, op);
  const r = checkReduction(options.reduction ?? 'mean', op);
  return scopeSync(() => reduce(abs(sub(input, target)), r));
}

/** smoothL1Loss's beta (default 1), checked: >= 0. */
function betaOf(beta: unknown, op: string): number {
  beta ??= 1;
  if (typeof beta !== 'number' || !(beta >= 0)) throw new ValueError(`${op}: beta must be >= 0, got ${describeArg(beta)}`);
  return beta;
}

/** huberLoss's delta (default 1), checked: > 0. */
function deltaOf(delta: unknown, op: string): number {
  delta ??= 1;
  if (typeof delta !== 'number' || !(delta > 0)) throw new ValueError(`${op}: delta must be > 0, got ${describeArg(delta)}`);
  return delta;
}

/** 0.5·d²/β where |d| < β, |d| - 0.5·β elsewhere (β = 0 is l1): `F.smoothL1Loss(x, y, { beta: 0.5 })`. */
export function smoothL1Loss(input: Tensor, target: Tensor, options?: ReductionOptions & { beta?: number }): Tensor;
export function smoothL1Loss(...args: unknown[]): Tensor {
  const lowp = runFloat32(smoothL1Loss, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...options } = F_ARGS.smoothL1Loss.parse(args);
  const op = 'smoothL1Loss';
  pointwise(input, target, op);
  const r = checkReduction(options.reduction ?? 'mean', op);
  const beta = betaOf(options.beta, op);
  return scopeSync(() => {
    const d = sub(input, target);
    const ad = abs(d);
    let l: Tensor;
    if (beta === 0) {
      // |d|, with PyTorch's gradients at d = 0: -1 to the input and -1 to the target (its
      // smooth_l1_loss_backward tests d <= -β first, and the target's is the same call with the
      // operands swapped); s - s.detach() is that tie's 0 with those gradients
      const s = neg(add(input, target));
      l = where(lt(d, 0), neg(d), where(gt(d, 0), d, sub(s, s.detach())));
    } else l = where(lt(ad, beta), mul(mul(d, d), 0.5 / beta), sub(ad, 0.5 * beta));
    return reduce(l, r);
  });
}

/** 0.5·d² where |d| < δ, δ·(|d| - 0.5·δ) elsewhere: `F.huberLoss(x, y, { delta: 1 })`. */
export function huberLoss(input: Tensor, target: Tensor, options?: ReductionOptions & { delta?: number }): Tensor;
export function huberLoss(input: Tensor, target: Tensor, reduction: Reduction, delta?: number): Tensor;
export function huberLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(huberLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...options } = F_ARGS.huberLoss.parse(args);
  const op = 'huberLoss';
  pointwise(input, target, op);
  const r = checkReduction(options.reduction ?? 'mean', op);
  const delta = deltaOf(options.delta, op);
  return scopeSync(() => {
    const d = sub(input, target);
    const ad = abs(d);
    return reduce(where(lt(ad, delta), mul(mul(d, d), 0.5), mul(sub(ad, 0.5 * delta), delta)), r);
  });
}

/** Options of nllLoss. */
export interface NLLLossOptions extends ReductionOptions {
  /** Per-class weights [C]. */
  weight?: Tensor | null;
  /** Target value whose elements contribute nothing (and do not count in the mean); default -100. */
  ignoreIndex?: number;
}

/** Options of crossEntropy. */
export interface CrossEntropyOptions extends NLLLossOptions {
  /** ε in [0, 1]: the target becomes (1 - ε)·onehot + ε/C. Default 0. */
  labelSmoothing?: number;
}

/** Checks input [C] / [N, C, d…] against class-index target [] / [N, d…]; returns C. */
function classShapes(input: Tensor, target: Tensor, weight: Tensor | null | undefined, op: string): number {
  need(input, op, 'input'); need(target, op, 'target');
  needFloat(input, op, 'input');
  if (input.ndim === 0) throw new ShapeError(`${op}: input must have at least 1 dim ([C] or [N, C, …]), got a 0-dim tensor`);
  const c = input.ndim === 1 ? input._shape[0] : input._shape[1];
  if (weight != null) {
    need(weight, op, 'weight');
    if (weight.ndim !== 1 || weight._shape[0] !== c) throw new ShapeError(`${op}: weight must have shape [${c}] (one per class), got ${fmt(weight._shape)}`);
  }
  return c;
}

function checkIndexTarget(input: Tensor, target: Tensor, op: string): void {
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}: target must be int32 class indices${op === 'crossEntropy' ? ' or floating class probabilities' : ''}, got ${target.dtype}`);
  }
  const expected = input.ndim === 1 ? [] : [input._shape[0], ...input._shape.slice(2)];
  if (target._shape.length !== expected.length || target._shape.some((s, i) => s !== expected[i])) {
    throw new ShapeError(`${op}: expected target of shape ${fmt(expected)} for input of shape ${fmt(input._shape)}, got ${fmt(target._shape)}`);
  }
}

/**
 * -logp[i, target[i]] weighted per element and the weights (0 where ignored); both shaped like
 * the target. Runs inside the caller's scope.
 */
function pickTargets(logp: Tensor, target: Tensor, weight: Tensor | null | undefined, ignoreIndex: number, op: string): { loss: Tensor; w: Tensor; valid: Tensor } {
  const valid = ne(target, ignoreIndex);
  const safe = where(valid, target, 0);
  const last = logp.ndim >= 2 ? permute(logp, [0, ...Array.from({ length: logp.ndim - 2 }, (_, i) => i + 2), 1]) : logp;
  let picked: Tensor;
  try {
    picked = squeeze(gather(last, -1, unsqueeze(safe, -1)), -1);
  } catch (e) {
    if (e instanceof IndexError) throw new IndexError(`${op}: a target is out of bounds for ${logp._shape[logp.ndim === 1 ? 0 : 1]} classes (${e.message})`);
    throw e;
  }
  // ignored elements pass no gradient, even when every element is ignored (0/0 in the mean)
  picked = where(valid, picked, 0);
  const w = weight != null
    ? where(valid, reshape(indexSelect(weight, 0, reshape(safe, [safe.numel])), target._shape), 0)
    : valid.to(logp.dtype);
  return { loss: neg(mul(picked, w)), w, valid };
}

/**
 * Negative log-likelihood of log-probabilities `input` ([N, C], [N, C, d…] or [C]) at int32
 * class indices `target` ([N], [N, d…] or []), as torch.nn.functional.nll_loss. 'mean' divides by
 * the summed weights of the targets that are not `ignoreIndex`.
 * ```ts
 * F.nllLoss(fl.logSoftmax(logits, 1), labels, { ignoreIndex: 0 });
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NLLLossOptions): Tensor;
export function nllLoss(input: Tensor, target: Tensor, weight: Tensor | null, options?: Omit<NLLLossOptions, 'weight'>): Tensor;
export function nllLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(nllLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...options } = F_ARGS.nllLoss.parse(args);
  const op = 'nllLoss';
  classShapes(input, target, options.weight, op);
  checkIndexTarget(input, target, op);
  const r = checkReduction(options.reduction ?? 'mean', op);
  return scopeSync(() => {
    const { loss, w } = pickTargets(input, target, options.weight, options.ignoreIndex ?? -100, op);
    return r === 'none' ? loss : r === 'sum' ? sum(loss) : div(sum(loss), sum(w));
  });
}

/**
 * Cross entropy of unnormalised `input` logits ([N, C], [N, C, d…] or [C]) against int32 class
 * indices (with `weight`, `ignoreIndex`, `labelSmoothing`) or floating class probabilities of
 * the input's shape, as torch.nn.functional.cross_entropy (same normalisation of 'mean' in every
 * case, including PyTorch's for smoothed targets).
 * ```ts
 * const loss = F.crossEntropy(logits, labels, { labelSmoothing: 0.1 });
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor;
export function crossEntropy(input: Tensor, target: Tensor, weight: Tensor | null, options?: Omit<CrossEntropyOptions, 'weight'>): Tensor;
export function crossEntropy(...args: unknown[]): Tensor {
  const lowp = runFloat32(crossEntropy, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...options } = F_ARGS.crossEntropy.parse(args);
  const op = 'crossEntropy';
  const c = classShapes(input, target, options.weight, op);
  const r = checkReduction(options.reduction ?? 'mean', op);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${describeArg(eps)}`);
  const weight = options.weight ?? null;
  const classDim = input.ndim === 1 ? 0 : 1;
  const wShape = input._shape.map((s, i) => (i === classDim ? s : 1));

  if (isFloating(target.dtype)) {
    const indexShape = input.ndim === 1 ? [] : [input._shape[0], ...input._shape.slice(2)];
    if (target._shape.length === indexShape.length && target._shape.every((n, i) => n === indexShape[i])) {
      // shaped like class indices: the dtype is what is wrong (PyTorch: "expected scalar type Long")
      throw new DTypeError(`${op}: expected int32 class indices for a target of shape ${fmt(target._shape)} (input ${fmt(input._shape)}), got ${target.dtype}; cast with .long() or .int() (a floating target holds class probabilities and has the input's shape)`);
    }
    sameShape(input, target, op);
    return scopeSync(() => {
      const logp = logSoftmax(input, classDim);
      const t = eps > 0 ? add(mul(target, 1 - eps), eps / c) : target;
      let prod = mul(logp, t);
      if (weight) prod = mul(prod, reshape(weight, wShape));
      const l = neg(sum(prod, classDim));
      if (r === 'none') return l;
      if (r === 'sum') return sum(l);
      // the mean over the numel / C positions (no JS size in the graph: an ONNX export follows the batch)
      return input.numel === 0 ? div(sum(l), NaN) : mean(l);
    });
  }
  checkIndexTarget(input, target, op);
  const ignoreIndex = options.ignoreIndex ?? -100;
  return scopeSync(() => {
    const logp = logSoftmax(input, classDim);
    const { loss, w, valid } = pickTargets(logp, target, weight, ignoreIndex, op);
    const nll = r === 'none' ? loss : r === 'sum' ? sum(loss) : div(sum(loss), sum(w));
    if (eps === 0) return nll;
    let smooth = neg(sum(weight ? mul(logp, reshape(weight, wShape)) : logp, classDim));
    smooth = where(valid, smooth, 0);
    // 'mean' divides by the summed weights of the kept targets (their count without weight), as nll
    const sr = r === 'none' ? smooth : r === 'sum' ? sum(smooth) : div(sum(smooth), sum(w));
    return add(mul(nll, 1 - eps), mul(sr, eps / c));
  });
}

/** PyTorch's floor of x(1 - x) in BCE's gradient: 1e-12 rounded to float32, as in its kernels. */
const BCE_EPS = Math.fround(1e-12);

/** Options of binaryCrossEntropy. */
export interface BCEOptions extends ReductionOptions {
  /** Weights broadcast to the input's shape. */
  weight?: Tensor | null;
}

/**
 * -w·(t·log x + (1 - t)·log(1 - x)) for probabilities `input`, each log clamped at -100 as
 * PyTorch does: `F.binaryCrossEntropy(fl.sigmoid(z), y)`. Prefer `binaryCrossEntropyWithLogits`.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BCEOptions): Tensor;
export function binaryCrossEntropy(input: Tensor, target: Tensor, weight: Tensor | null, options?: Omit<BCEOptions, 'weight'>): Tensor;
export function binaryCrossEntropy(...args: unknown[]): Tensor {
  const lowp = runFloat32(binaryCrossEntropy, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...options } = F_ARGS.binaryCrossEntropy.parse(args);
  const op = 'binaryCrossEntropy';
  pointwise(input, target, op);
  const r = checkReduction(options.reduction ?? 'mean', op);
  const weight = options.weight ?? null;
  if (weight != null) needWeightFor(input, weight, op, 'weight');
  const logs = (x: Tensor) => [clamp(log(x), -100), clamp(log(sub(1, x)), -100)];
  const l = noGrad(() => scopeSync(() => {
    const [lx, l1x] = logs(input);
    const v = neg(add(mul(target, lx), mul(sub(1, target), l1x)));
    return weight ? mul(v, weight) : v;
  }));
  if (needsGrad(input, target)) {
    const saved = weight ? [input, target, weight] : [input, target];
    record(op, [input, target], [l], saved, ([g], [x, t, w]) => scopeSync(() => {
      const gw = w ? mul(g!, w) : g!;
      const gx = input.requiresGrad ? div(mul(gw, sub(x, t)), clamp(mul(x, sub(1, x)), BCE_EPS)) : null;
      let gt: Tensor | null = null;
      if (target.requiresGrad) { const [lx, l1x] = logs(x); gt = mul(gw, sub(l1x, lx)); }
      return [gx, gt];
    }), true);
  }
  if (r === 'none') return l;
  try { return reduce(l, r); } finally { l.dispose(); }
}

/** Options of binaryCrossEntropyWithLogits. */
export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of the positive term, broadcast against the target (one per class on the last dim). */
  posWeight?: Tensor | null;
}

/**
 * Sigmoid + BCE in one stable expression: (1 - t)·x + (1 + (pw - 1)·t)·softplus(-x), times
 * `weight`: `F.binaryCrossEntropyWithLogits(logits, y, { posWeight })`.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options?: BCEWithLogitsOptions): Tensor;
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, weight: Tensor | null, options?: Omit<BCEWithLogitsOptions, 'weight'>): Tensor;
export function binaryCrossEntropyWithLogits(...args: unknown[]): Tensor {
  const lowp = runFloat32(binaryCrossEntropyWithLogits, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...options } = F_ARGS.binaryCrossEntropyWithLogits.parse(args);
  const op = 'binaryCrossEntropyWithLogits';
  pointwise(input, target, op);
  const r = checkReduction(options.reduction ?? 'mean', op);
  const weight = options.weight ?? null, pw = options.posWeight ?? null;
  if (weight != null) needWeightFor(input, weight, op, 'weight');
  if (pw != null) needWeightFor(input, pw, op, 'posWeight');
  return scopeSync(() => {
    const sp = softplus(neg(input));
    let l = add(mul(sub(1, target), input), pw ? mul(add(mul(sub(pw, 1), target), 1), sp) : sp);
    if (weight) l = mul(l, weight);
    return reduce(l, r);
  });
}

// ---- Module classes ------------------------------------------------------------------------------

/** Base of the loss modules: holds `reduction`. */
abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(options: { reduction?: Reduction }, op: string) {
    super();
    this.reduction = checkReduction(options.reduction ?? 'mean', op);
  }
  abstract forward(input: Tensor, target: Tensor): Tensor;
}

/** Base of the losses with a `weight` buffer (PyTorch's _WeightedLoss: in the state dict as 'weight'; the module owns it). */
abstract class WeightedLoss extends Loss {
  declare readonly weight: Tensor | null;
  constructor(options: { reduction?: Reduction; weight?: Tensor | null }, op: string) {
    super(options, op);
    this.registerBuffer('weight', options.weight ?? null);
  }
}

/** `new nn.MSELoss()`: see `F.mseLoss`. */
export class MSELoss extends Loss {
  constructor(options?: ReductionOptions);
  constructor(...args: unknown[]) { super(M_ARGS.MSELoss.parse(args), 'MSELoss'); }
  forward(input: Tensor, target: Tensor): Tensor { return mseLoss(input, target, { reduction: this.reduction }); }
}

/** `new nn.L1Loss()`: see `F.l1Loss`. */
export class L1Loss extends Loss {
  constructor(options?: ReductionOptions);
  constructor(...args: unknown[]) { super(M_ARGS.L1Loss.parse(args), 'L1Loss'); }
  forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, { reduction: this.reduction }); }
}

/** `new nn.SmoothL1Loss({ beta: 0.5 })`: see `F.smoothL1Loss`. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options?: ReductionOptions & { beta?: number });
  constructor(...args: unknown[]) {
    const options = M_ARGS.SmoothL1Loss.parse(args);
    super(options, 'SmoothL1Loss');
    this.beta = betaOf(options.beta, 'SmoothL1Loss');
  }
  forward(input: Tensor, target: Tensor): Tensor { return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

/** `new nn.HuberLoss({ delta: 1 })`: see `F.huberLoss`. */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options?: ReductionOptions & { delta?: number });
  constructor(reduction: Reduction, delta?: number);
  constructor(...args: unknown[]) {
    const options = M_ARGS.HuberLoss.parse(args);
    super(options, 'HuberLoss');
    this.delta = deltaOf(options.delta, 'HuberLoss');
  }
  forward(input: Tensor, target: Tensor): Tensor { return huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}

/**
 * `new nn.NLLLoss({ weight, ignoreIndex })`: see `F.nllLoss`. `weight` is a buffer (in the
 * state dict as 'weight', as PyTorch); the module owns it (`dispose()` frees it).
 */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(options?: NLLLossOptions);
  constructor(weight: Tensor | null, options?: Omit<NLLLossOptions, 'weight'>);
  constructor(...args: unknown[]) {
    const options = M_ARGS.NLLLoss.parse(args);
    super(options, 'NLLLoss');
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** `new nn.CrossEntropyLoss({ weight, ignoreIndex, labelSmoothing })`: see `F.crossEntropy`. */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options?: CrossEntropyOptions);
  constructor(weight: Tensor | null, options?: Omit<CrossEntropyOptions, 'weight'>);
  constructor(...args: unknown[]) {
    const options = M_ARGS.CrossEntropyLoss.parse(args);
    super(options, 'CrossEntropyLoss');
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/** `new nn.BCELoss({ weight })`: see `F.binaryCrossEntropy`. */
export class BCELoss extends WeightedLoss {
  constructor(options?: BCEOptions);
  constructor(weight: Tensor | null, options?: Omit<BCEOptions, 'weight'>);
  constructor(...args: unknown[]) {
    const options = M_ARGS.BCELoss.parse(args);
    super(options, 'BCELoss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** `new nn.BCEWithLogitsLoss({ posWeight })`: see `F.binaryCrossEntropyWithLogits` (buffers 'weight', 'pos_weight'). */
export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(options?: BCEWithLogitsOptions);
  constructor(weight: Tensor | null, options?: Omit<BCEWithLogitsOptions, 'weight'>);
  constructor(...args: unknown[]) {
    const options = M_ARGS.BCEWithLogitsLoss.parse(args);
    super(options, 'BCEWithLogitsLoss');
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  /** The positive-class weight (buffer 'pos_weight'). */
  get posWeight(): Tensor | null { return this._buffers.get('pos_weight') ?? null; }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
