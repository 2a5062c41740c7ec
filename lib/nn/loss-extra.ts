// loss-extra.ts — the losses of torch.nn beyond loss.ts's regression and classification ones:
// klDiv, marginRankingLoss, cosineEmbeddingLoss, tripletMarginLoss, tripletMarginWithDistanceLoss,
// poissonNllLoss, gaussianNllLoss, hingeEmbeddingLoss, softMarginLoss, multilabelSoftMarginLoss,
// multiMarginLoss, multilabelMarginLoss and ctcLoss (`fl.nn.functional`), and their modules
// (`nn.KLDivLoss`, …, `nn.CTCLoss`), with torch 1.13's formulas, reductions and shape rules.
//
// Each is a composition of differentiable ops (where, clamp, gather, exp/log, the distances), so it
// runs on every device and takes its gradient, and its second derivative, from those ops. Where
// torch's own backward has a strict inequality (multiMarginLoss's and multilabelMarginLoss's hinge
// z > 0) the hinge is written as where(z > 0, z, 0), so that a tie passes no gradient, as torch's.
//
// ctcLoss runs the forward (alpha) recursion of Graves et al. in log space over the extended label
// sequence (blanks between the labels), one step per time frame with tensor ops over the batch; the
// label layout is built on the host from the lengths and targets (read back, as torch's CPU and CUDA
// kernels read the lengths). Its gradient is autograd's, the exact derivative with respect to
// log_probs; torch's hand-written backward adds exp(log_probs) to it (Graves' gradient with respect
// to the logits before a log_softmax), so the two agree once the log-probabilities come from
// logSoftmax, which is how CTC is used (bench/FIDELITY.md).
//
// Deviations: an empty batch's 'mean' is NaN in multiMarginLoss and multilabelMarginLoss (torch
// 1.13 returns uninitialised memory there).
import { describeArg } from '../arity';
import { runFloat32 } from '../amp';
import { isFloating } from '../dtype';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { broadcastShapes, fmt } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import {
  add, clamp, div, eq, exp, gt, isinf, le, log, logicalAnd, logicalNot, lt, maskedFill, maximum, minimum, mul, ne, neg, square, sqrt, sub, where,
} from '../ops/elementwise';
import { tensor } from '../ops/creation';
import { gather } from '../ops/indexing';
import { any, mean, sum } from '../ops/reduce';
import { untraced } from '../trace';
import { cat, expand, narrow, permute, reshape, select, unsqueeze } from '../ops/views';
import { logsigmoid } from './activation';
import { pairwiseDistanceOp } from './distance';
import { Module } from './module';
import { PairwiseDistance } from './distance';
import * as A from '../args';
import { optional, required, signature } from '../args';
import type { Reduction } from './loss';

/** How klDiv reduces: 'batchmean' divides the sum by the batch size (dim 0), as torch's. */
export type KLDivReduction = Reduction | 'batchmean';

/** A distance for tripletMarginWithDistanceLoss: a function of two tensors or a module with `forward`. */
export type DistanceFunction = ((x1: Tensor, x2: Tensor) => Tensor) | { forward(x1: Tensor, x2: Tensor): Tensor };

const T = required(A.anyValue<Tensor>());
const RED = { reduction: optional(A.anyValue<Reduction>()) };
const W = optional(A.anyValue<Tensor | null>());
const NUM = optional(A.anyValue<number>());
const BOOL = optional(A.anyValue<boolean>());
const LENGTHS = required(A.anyValue<Tensor | readonly number[] | number>());
const DIST = optional(A.anyValue<DistanceFunction | null>());

const F_ARGS = {
  klDiv: signature('klDiv', ['input', 'target'], { input: T, target: T, reduction: optional(A.anyValue<KLDivReduction>()), logTarget: BOOL }),
  marginRankingLoss: signature('marginRankingLoss', ['input1', 'input2', 'target', 'margin'], { input1: T, input2: T, target: T, margin: NUM, ...RED }),
  cosineEmbeddingLoss: signature('cosineEmbeddingLoss', ['input1', 'input2', 'target', 'margin'], { input1: T, input2: T, target: T, margin: NUM, ...RED }),
  tripletMarginLoss: signature('tripletMarginLoss', ['anchor', 'positive', 'negative', 'margin', 'p', 'eps', 'swap'], {
    anchor: T, positive: T, negative: T, margin: NUM, p: NUM, eps: NUM, swap: BOOL, ...RED,
  }),
  tripletMarginWithDistanceLoss: signature('tripletMarginWithDistanceLoss', ['anchor', 'positive', 'negative'], {
    anchor: T, positive: T, negative: T, distanceFunction: DIST, margin: NUM, swap: BOOL, ...RED,
  }),
  poissonNllLoss: signature('poissonNllLoss', ['input', 'target', 'logInput', 'full'], { input: T, target: T, logInput: BOOL, full: BOOL, eps: NUM, ...RED }),
  gaussianNllLoss: signature('gaussianNllLoss', ['input', 'target', 'var', 'full', 'eps', 'reduction'], { input: T, target: T, var: T, full: BOOL, eps: NUM, ...RED }),
  hingeEmbeddingLoss: signature('hingeEmbeddingLoss', ['input', 'target', 'margin'], { input: T, target: T, margin: NUM, ...RED }),
  softMarginLoss: signature('softMarginLoss', ['input', 'target'], { input: T, target: T, ...RED }),
  multilabelSoftMarginLoss: signature('multilabelSoftMarginLoss', ['input', 'target', 'weight'], { input: T, target: T, weight: W, ...RED }),
  multiMarginLoss: signature('multiMarginLoss', ['input', 'target', 'p', 'margin', 'weight'], { input: T, target: T, p: NUM, margin: NUM, weight: W, ...RED }),
  multilabelMarginLoss: signature('multilabelMarginLoss', ['input', 'target'], { input: T, target: T, ...RED }),
  ctcLoss: signature('ctcLoss', ['logProbs', 'targets', 'inputLengths', 'targetLengths', 'blank', 'reduction', 'zeroInfinity'], {
    logProbs: T, targets: T, inputLengths: LENGTHS, targetLengths: LENGTHS, blank: NUM, ...RED, zeroInfinity: BOOL,
  }),
};

// ---- shared checks -------------------------------------------------------------------------------------

function need(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}
function needFloat(x: Tensor, op: string, what: string): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: ${what} must be floating, got ${x.dtype}`);
}
function needNumber(x: Tensor, op: string, what: string): void {
  if (x.dtype === 'bool') throw new DTypeError(`${op}: ${what} must be a number tensor, got bool`);
}
function checkReduction(r: unknown, op: string): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${describeArg(r)}`);
  return r;
}
function numberOf(v: unknown, dflt: number, op: string, what: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number') throw new ValueError(`${op}: ${what} must be a number, got ${describeArg(v)}`);
  return v;
}
function boolOf(v: unknown, dflt: boolean, op: string, what: string): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ValueError(`${op}: ${what} must be a boolean, got ${describeArg(v)}`);
  return v;
}
/** The broadcast shape of `ts`, or a ShapeError naming the op and every shape. */
function broadcastAll(op: string, ts: Tensor[], names: string[]): number[] {
  try {
    return ts.slice(1).reduce((s, t) => broadcastShapes(op, s, t._shape), ts[0]._shape.slice());
  } catch {
    throw new ShapeError(`${op}: the shapes of ${ts.map((t, i) => `${names[i]} ${fmt(t._shape)}`).join(', ')} do not broadcast`);
  }
}
function reduce(l: Tensor, r: Reduction): Tensor {
  return r === 'none' ? l : r === 'sum' ? sum(l) : mean(l);
}
/** f of the operands in float32 when they are 16-bit floats, rounded once to their dtype (sums of squares overflow or go subnormal there). */
function wide(ts: Tensor[], f: (...ts: Tensor[]) => Tensor): Tensor {
  const dt = ts[0].dtype;
  if (dt !== 'float16' && dt !== 'bfloat16') return f(...ts);
  const r = f(...ts.map((t) => (t.dtype === dt ? t.to('float32') : t)));
  return r.dtype === dt ? r : r.to(dt);
}
/** A hinge max(z, 0) whose gradient is 0 at z = 0 (torch's `if (z > 0)`). */
function strictHinge(z: Tensor): Tensor { return where(gt(z, 0), z, 0); }

export interface ReductionOptions { reduction?: Reduction }

// ---- klDiv ----------------------------------------------------------------------------------------------

/** Options of klDiv. */
export interface KLDivOptions {
  /** 'mean' (over every element, as torch's), 'batchmean' (the sum over the batch size, the KL divergence), 'sum', 'none'. */
  reduction?: KLDivReduction;
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence of the log-probabilities `input` from `target`, elementwise
 * target·(log target - input) (0 where target = 0), or e^target·(target - input) with `logTarget`,
 * as `torch.nn.functional.kl_div`; the two broadcast.
 * ```ts
 * F.klDiv(fl.logSoftmax(logits, 1), probs, { reduction: 'batchmean' });
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options?: KLDivOptions): Tensor;
export function klDiv(...args: unknown[]): Tensor {
  const lowp = runFloat32(klDiv, args); if (lowp) return lowp;  // autocast: float32 list
  const { input, target, ...o } = F_ARGS.klDiv.parse(args);
  return klDivOp(input, target, o.reduction ?? 'mean', o.logTarget, 'klDiv');
}
function klDivOp(input: Tensor, target: Tensor, red: unknown, logTarget: unknown, op: string): Tensor {
  need(input, op, 'input'); need(target, op, 'target');
  if (!isFloating(input.dtype) || !isFloating(target.dtype)) throw new DTypeError(`${op}: input and target must be floating (integral inputs are not supported), got ${input.dtype} and ${target.dtype}`);
  const batchmean = red === 'batchmean';
  const r = batchmean ? 'sum' : checkReduction(red, op);
  const lt_ = boolOf(logTarget, false, op, 'logTarget');
  broadcastAll(op, [input, target], ['input', 'target']);
  return scopeSync(() => {
    // xlogy(t, t) - t·x: 0·log 0 is 0 (t·log t where t = 0 is replaced, not multiplied by a mask)
    const l = lt_ ? mul(exp(target), sub(target, input))
      : sub(where(eq(target, 0), 0, mul(target, log(target))), mul(target, input));
    const v = reduce(l, r);
    if (!(batchmean && input.ndim > 0)) return v;
    // the sum over the batch size, as a mean along dim 0 (no JS size in the graph: an ONNX export follows the batch)
    return mean(l.ndim > 1 ? sum(l, Array.from({ length: l.ndim - 1 }, (_, i) => i + 1)) : l, 0);
  });
}

// ---- marginRankingLoss, hingeEmbeddingLoss, softMarginLoss ---------------------------------------------

/** Options of the margin losses. */
export interface MarginOptions extends ReductionOptions { margin?: number }

/**
 * max(0, -target·(input1 - input2) + margin) for targets ±1, as
 * `torch.nn.functional.margin_ranking_loss` (the three inputs have the same number of dims and
 * broadcast): `F.marginRankingLoss(s1, s2, y, 0.5)`.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, margin?: number, options?: ReductionOptions): Tensor;
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions): Tensor;
export function marginRankingLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(marginRankingLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.marginRankingLoss.parse(args);
  return marginRankingOp(o.input1, o.input2, o.target, o.margin, o.reduction, 'marginRankingLoss');
}
function marginRankingOp(x1: Tensor, x2: Tensor, y: Tensor, margin: unknown, red: unknown, op: string): Tensor {
  need(x1, op, 'input1'); need(x2, op, 'input2'); need(y, op, 'target');
  const m = numberOf(margin, 0, op, 'margin');
  const r = checkReduction(red ?? 'mean', op);
  if (x1.ndim !== x2.ndim || x1.ndim !== y.ndim) {
    throw new ShapeError(`${op}: all input tensors should have the same number of dims, got input1 ${fmt(x1._shape)}, input2 ${fmt(x2._shape)}, target ${fmt(y._shape)}`);
  }
  needFloat(x1, op, 'input1'); needFloat(x2, op, 'input2'); needNumber(y, op, 'target');
  broadcastAll(op, [x1, x2, y], ['input1', 'input2', 'target']);
  return scopeSync(() => reduce(clamp(add(mul(neg(y), sub(x1, x2)), m), 0), r));
}

/**
 * x where target is not -1, plus max(0, margin - x) where target is not 1, as
 * `torch.nn.functional.hinge_embedding_loss` (input and target broadcast): `F.hingeEmbeddingLoss(d, y)`.
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, margin?: number, options?: ReductionOptions): Tensor;
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: MarginOptions): Tensor;
export function hingeEmbeddingLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(hingeEmbeddingLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.hingeEmbeddingLoss.parse(args);
  return hingeOp(o.input, o.target, o.margin, o.reduction, 'hingeEmbeddingLoss');
}
function hingeOp(x: Tensor, y: Tensor, margin: unknown, red: unknown, op: string): Tensor {
  need(x, op, 'input'); need(y, op, 'target');
  const m = numberOf(margin, 1, op, 'margin');
  const r = checkReduction(red ?? 'mean', op);
  needFloat(x, op, 'input'); needNumber(y, op, 'target');
  broadcastAll(op, [x, y], ['input', 'target']);
  return scopeSync(() => {
    const hinge = where(ne(y, 1), clamp(sub(m, x), 0), 0);
    return reduce(add(hinge, where(ne(y, -1), x, 0)), r);
  });
}

/** log(1 + e^(-target·input)), as `torch.nn.functional.soft_margin_loss`: `F.softMarginLoss(x, y)`. */
export function softMarginLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor;
export function softMarginLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(softMarginLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.softMarginLoss.parse(args);
  return softMarginOp(o.input, o.target, o.reduction, 'softMarginLoss');
}
function softMarginOp(x: Tensor, y: Tensor, red: unknown, op: string): Tensor {
  need(x, op, 'input'); need(y, op, 'target');
  const r = checkReduction(red ?? 'mean', op);
  needFloat(x, op, 'input'); needNumber(y, op, 'target');
  broadcastAll(op, [x, y], ['input', 'target']);
  return scopeSync(() => reduce(log(add(exp(neg(mul(x, y))), 1)), r));
}

// ---- cosineEmbeddingLoss ------------------------------------------------------------------------------

/**
 * 1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1 (0 for other targets),
 * with x1, x2 [N, D] and target [N] (or [D], [D] and a 0-dim target), as
 * `torch.nn.functional.cosine_embedding_loss`: `F.cosineEmbeddingLoss(a, b, y, 0.2)`.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, margin?: number, options?: ReductionOptions): Tensor;
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions): Tensor;
export function cosineEmbeddingLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(cosineEmbeddingLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.cosineEmbeddingLoss.parse(args);
  return cosineEmbeddingOp(o.input1, o.input2, o.target, o.margin, o.reduction, 'cosineEmbeddingLoss');
}
function cosineEmbeddingOp(x1: Tensor, x2: Tensor, y: Tensor, margin: unknown, red: unknown, op: string): Tensor {
  need(x1, op, 'input1'); need(x2, op, 'input2'); need(y, op, 'target');
  const m = numberOf(margin, 0, op, 'margin');
  const r = checkReduction(red ?? 'mean', op);
  if (y.ndim > 1) throw new ShapeError(`${op}: 0D or 1D target tensor expected, multi-target not supported (target of shape ${fmt(y._shape)})`);
  const want = y.ndim === 1 ? 2 : 1;
  if (x1.ndim !== want || x2.ndim !== want) {
    throw new ShapeError(`${op}: ${y.ndim}D target tensor expects ${want}D input tensors, but found inputs of shapes ${fmt(x1._shape)} and ${fmt(x2._shape)}`);
  }
  needFloat(x1, op, 'input1'); needFloat(x2, op, 'input2'); needNumber(y, op, 'target');
  const d = want - 1;
  broadcastAll(op, [x1, x2], ['input1', 'input2']);
  return scopeSync(() => wide([x1, x2], (x1, x2) => {
    const EPS = 1e-12;
    const prod = sum(mul(x1, x2), d);
    const m1 = add(sum(mul(x1, x1), d), EPS), m2 = add(sum(mul(x2, x2), d), EPS);
    const cos = div(prod, sqrt(mul(m1, m2)));
    broadcastAll(op, [cos, y], ['cos(input1, input2)', 'target']);
    const l = add(where(eq(y, 1), sub(1, cos), 0), where(eq(y, -1), clamp(sub(cos, m), 0), 0));
    return reduce(l, r);
  }));
}

// ---- triplet losses -------------------------------------------------------------------------------------

function sameRank(a: Tensor, p: Tensor, n: Tensor, op: string): void {
  if (a.ndim !== p.ndim || a.ndim !== n.ndim) {
    throw new ShapeError(`${op}: the anchor, positive and negative tensors are expected to have the same number of dims, got anchor ${fmt(a._shape)}, positive ${fmt(p._shape)}, negative ${fmt(n._shape)}`);
  }
}

/** Options of tripletMarginLoss. */
export interface TripletMarginOptions extends ReductionOptions {
  margin?: number;
  /** The norm's order (default 2). */
  p?: number;
  eps?: number;
  /** Use the smaller of d(a, n) and d(p, n) as the negative distance. */
  swap?: boolean;
}

/**
 * max(0, d(a, p) - d(a, n) + margin) with the pairwise p-norm distance d (plus eps), as
 * `torch.nn.functional.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6,
 * swap=False)`: `F.tripletMarginLoss(a, pos, neg, { margin: 0.5 })`.
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, margin?: number, p?: number, eps?: number, swap?: boolean, options?: ReductionOptions): Tensor;
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletMarginOptions): Tensor;
export function tripletMarginLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(tripletMarginLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.tripletMarginLoss.parse(args);
  return tripletMarginOp(o.anchor, o.positive, o.negative, o, 'tripletMarginLoss');
}
function tripletMarginOp(a: Tensor, pos: Tensor, negT: Tensor, o: TripletMarginOptions, op: string): Tensor {
  need(a, op, 'anchor'); need(pos, op, 'positive'); need(negT, op, 'negative');
  const margin = numberOf(o.margin, 1, op, 'margin'), p = numberOf(o.p, 2, op, 'p'), eps = numberOf(o.eps, 1e-6, op, 'eps');
  const swap = boolOf(o.swap, false, op, 'swap');
  const r = checkReduction(o.reduction ?? 'mean', op);
  sameRank(a, pos, negT, op);
  return scopeSync(() => {
    const dp = pairwiseDistanceOp(a, pos, p, eps, false, op);
    let dn = pairwiseDistanceOp(a, negT, p, eps, false, op);
    if (swap) dn = minimum(dn, pairwiseDistanceOp(pos, negT, p, eps, false, op));
    return reduce(clamp(sub(add(dp, margin), dn), 0), r);
  });
}

/** Options of tripletMarginWithDistanceLoss. */
export interface TripletMarginWithDistanceOptions extends ReductionOptions {
  /** d(x1, x2) → a tensor of distances; default `F.pairwiseDistance`. */
  distanceFunction?: DistanceFunction | null;
  /** Default 1. */
  margin?: number;
  swap?: boolean;
}

function callDistance(f: DistanceFunction | null, x1: Tensor, x2: Tensor, op: string): Tensor {
  if (f == null) return pairwiseDistanceOp(x1, x2, 2, 1e-6, false, op);
  const d = typeof f === 'function' ? f(x1, x2) : f.forward(x1, x2);
  if (!(d instanceof Tensor)) throw new ValueError(`${op}: distanceFunction must return a Tensor, got ${describeArg(d)}`);
  return d;
}
function checkDistance(f: unknown, op: string): DistanceFunction | null {
  if (f == null) return null;
  if (typeof f === 'function') return f as DistanceFunction;
  if (typeof f === 'object' && typeof (f as { forward?: unknown }).forward === 'function') return f as DistanceFunction;
  throw new ValueError(`${op}: distanceFunction must be a function or a module, got ${describeArg(f)}`);
}

/**
 * max(0, d(a, p) - d(a, n) + margin) for a distance function d of your choice (default the
 * pairwise Euclidean distance), as `torch.nn.functional.triplet_margin_with_distance_loss`:
 * `F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: (x, y) => fl.sub(1, F.cosineSimilarity(x, y)) })`.
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginWithDistanceOptions): Tensor;
export function tripletMarginWithDistanceLoss(...args: unknown[]): Tensor {
  const o = F_ARGS.tripletMarginWithDistanceLoss.parse(args);
  return tripletDistanceOp(o.anchor, o.positive, o.negative, o, 'tripletMarginWithDistanceLoss');
}
function tripletDistanceOp(a: Tensor, pos: Tensor, negT: Tensor, o: TripletMarginWithDistanceOptions, op: string): Tensor {
  need(a, op, 'anchor'); need(pos, op, 'positive'); need(negT, op, 'negative');
  const margin = numberOf(o.margin, 1, op, 'margin');
  const swap = boolOf(o.swap, false, op, 'swap');
  const r = checkReduction(o.reduction ?? 'mean', op);
  const f = checkDistance(o.distanceFunction, op);
  sameRank(a, pos, negT, op);
  return scopeSync(() => {
    const dp = callDistance(f, a, pos, op);
    let dn = callDistance(f, a, negT, op);
    if (swap) dn = minimum(dn, callDistance(f, pos, negT, op));
    return reduce(clamp(sub(add(dp, margin), dn), 0), r);
  });
}

// ---- Poisson and Gaussian negative log-likelihoods --------------------------------------------------------

/** Options of poissonNllLoss. */
export interface PoissonNLLOptions extends ReductionOptions {
  /** The input is log λ (default true); otherwise λ itself. */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!) (for targets > 1). */
  full?: boolean;
  /** Added to λ in log(λ + eps) when logInput is false (default 1e-8). */
  eps?: number;
}

/**
 * Poisson negative log-likelihood: e^input - target·input (logInput), or input - target·log(input +
 * eps), as `torch.nn.functional.poisson_nll_loss`: `F.poissonNllLoss(logRate, counts)`.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, logInput?: boolean, full?: boolean, options?: Omit<PoissonNLLOptions, 'logInput' | 'full'>): Tensor;
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNLLOptions): Tensor;
export function poissonNllLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(poissonNllLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.poissonNllLoss.parse(args);
  return poissonOp(o.input, o.target, o, 'poissonNllLoss');
}
function poissonOp(x: Tensor, y: Tensor, o: PoissonNLLOptions, op: string): Tensor {
  need(x, op, 'input'); need(y, op, 'target');
  const logInput = boolOf(o.logInput, true, op, 'logInput'), full = boolOf(o.full, false, op, 'full');
  const eps = numberOf(o.eps, 1e-8, op, 'eps');
  const r = checkReduction(o.reduction ?? 'mean', op);
  needFloat(x, op, 'input'); needFloat(y, op, 'target');
  broadcastAll(op, [x, y], ['input', 'target']);
  return scopeSync(() => {
    let l = logInput ? sub(exp(x), mul(y, x)) : sub(x, mul(y, log(add(x, eps))));
    if (full) {
      const stirling = add(sub(mul(y, log(y)), y), mul(log(mul(y, 2 * Math.PI)), 0.5));
      l = add(l, maskedFill(stirling, le(y, 1), 0));
    }
    return reduce(l, r);
  });
}

/** Options of gaussianNllLoss. */
export interface GaussianNLLOptions extends ReductionOptions {
  /** Add the constant 0.5·log(2π). */
  full?: boolean;
  /** The variance is clamped to at least eps (without changing its gradient), default 1e-6. */
  eps?: number;
}

/**
 * Gaussian negative log-likelihood 0.5·(log var + (input - target)² / var) with predicted `var`
 * (the input's shape, or one less trailing dim, or a trailing dim of 1: homoscedastic), as
 * `torch.nn.functional.gaussian_nll_loss`; a negative variance is refused (read back):
 * `F.gaussianNllLoss(mu, y, sigma2)`.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, full?: boolean, eps?: number, reduction?: Reduction): Tensor;
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options: GaussianNLLOptions): Tensor;
export function gaussianNllLoss(...args: unknown[]): Tensor {
  const o = F_ARGS.gaussianNllLoss.parse(args);
  return gaussianOp(o.input, o.target, o.var, o, 'gaussianNllLoss');
}
function gaussianOp(x: Tensor, y: Tensor, v: Tensor, o: GaussianNLLOptions, op: string): Tensor {
  need(x, op, 'input'); need(y, op, 'target'); need(v, op, 'var');
  const full = boolOf(o.full, false, op, 'full'), eps = numberOf(o.eps, 1e-6, op, 'eps');
  const r = checkReduction(o.reduction ?? 'mean', op);
  needFloat(x, op, 'input'); needFloat(y, op, 'target'); needFloat(v, op, 'var');
  const xs = x._shape, vs = v._shape;
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((s, i) => s === b[i]);
  let unsq = false;
  if (!same(xs, vs)) {
    if (xs.length > 0 && same(xs.slice(0, -1), vs)) unsq = true;
    else if (!(xs.length > 0 && vs.length > 0 && same(xs.slice(0, -1), vs.slice(0, -1)) && vs[vs.length - 1] === 1)) {
      throw new ShapeError(`${op}: var is of incorrect size: ${fmt(vs)} for input of shape ${fmt(xs)} (expected the input's shape, or it without its last dim, or with a last dim of 1)`);
    }
  }
  broadcastAll(op, [x, y], ['input', 'target']);
  if (v.numel > 0 && untraced(() => scopeSync(() => any(lt(v, 0)).item()))) throw new ValueError(`${op}: var has negative entry/entries`);
  return scopeSync(() => wide([x, y, v], (x, y, v) => {
    const vv = unsq ? unsqueeze(v, -1) : v;
    // clamp(var, eps) computed outside the graph: the value is clamped, the gradient is var's (torch's no_grad clamp_)
    const vd = vv.detach();
    const vc = add(vv, sub(clamp(vd, eps), vd));
    const d = sub(x, y);
    let l = mul(add(log(vc), div(mul(d, d), vc)), 0.5);
    if (full) l = add(l, 0.5 * Math.log(2 * Math.PI));
    return reduce(l, r);
  }));
}

// ---- multi-label and multi-class margins -----------------------------------------------------------------

/** Options of multilabelSoftMarginLoss. */
export interface WeightedReductionOptions extends ReductionOptions {
  /** Per-class weights, broadcast against the input. */
  weight?: Tensor | null;
}

/**
 * -mean over classes of target·log σ(x) + (1 - target)·log σ(-x) (times `weight`), one value per
 * sample, as `torch.nn.functional.multilabel_soft_margin_loss`: `F.multilabelSoftMarginLoss(logits, y)`.
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, weight?: Tensor | null, options?: ReductionOptions): Tensor;
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options: WeightedReductionOptions): Tensor;
export function multilabelSoftMarginLoss(...args: unknown[]): Tensor {
  const o = F_ARGS.multilabelSoftMarginLoss.parse(args);
  return multilabelSoftMarginOp(o.input, o.target, o.weight, o.reduction, 'multilabelSoftMarginLoss');
}
function multilabelSoftMarginOp(x: Tensor, y: Tensor, w: Tensor | null | undefined, red: unknown, op: string): Tensor {
  need(x, op, 'input'); need(y, op, 'target');
  const r = checkReduction(red ?? 'mean', op);
  needFloat(x, op, 'input'); needNumber(y, op, 'target');
  if (x.ndim === 0) throw new ShapeError(`${op}: input must have at least 1 dim ([C] or [N, C]), got a 0-dim tensor`);
  if (w != null) { need(w, op, 'weight'); needFloat(w, op, 'weight'); }
  broadcastAll(op, w != null ? [x, y, w] : [x, y], ['input', 'target', 'weight']);
  return scopeSync(() => {
    let l = neg(add(mul(y, logsigmoid(x)), mul(sub(1, y), logsigmoid(neg(x)))));
    if (w != null) l = mul(l, w);
    const cd = x.ndim - 1;
    return reduce(div(sum(l, l.ndim - 1), x._shape[cd]), r);
  });
}

/** Options of multiMarginLoss. */
export interface MultiMarginOptions extends WeightedReductionOptions {
  /** 1 or 2 (default 1). */
  p?: number;
  margin?: number;
}

/**
 * The multi-class hinge loss Σ_{j≠y} max(0, margin - x[y] + x[j])^p / C (times weight[y]) of input
 * [N, C] (or [C]) at int32 class indices `target` [N] (or []), as
 * `torch.nn.functional.multi_margin_loss(input, target, p=1, margin=1, weight=None)`:
 * `F.multiMarginLoss(scores, labels)`.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, p?: number, margin?: number, weight?: Tensor | null, options?: ReductionOptions): Tensor;
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginOptions): Tensor;
export function multiMarginLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(multiMarginLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.multiMarginLoss.parse(args);
  return multiMarginOp(o.input, o.target, o.p, o.margin, o.weight, o.reduction, 'multiMarginLoss');
}
function multiMarginOp(x: Tensor, y: Tensor, pArg: unknown, marginArg: unknown, w: Tensor | null | undefined, red: unknown, op: string): Tensor {
  need(x, op, 'input'); need(y, op, 'target');
  const p = numberOf(pArg, 1, op, 'p'), margin = numberOf(marginArg, 1, op, 'margin');
  if (p !== 1 && p !== 2) throw new ValueError(`${op}: only p == 1 and p == 2 supported, got ${describeArg(p)}`);
  const r = checkReduction(red ?? 'mean', op);
  needFloat(x, op, 'input');
  if (!((x.ndim <= 1 && x.numel > 0) || (x.ndim === 2 && x._shape[1] > 0))) {
    throw new ShapeError(`${op}: expected a non-empty vector or matrix with optional 0-dim batch size, got input of shape ${fmt(x._shape)}`);
  }
  const n = x.ndim <= 1 ? 1 : x._shape[0], c = x.ndim === 0 ? 1 : x._shape[x.ndim - 1];
  if (y.ndim > 1 || y.numel !== n) throw new ShapeError(`${op}: inconsistent target size: ${fmt(y._shape)} for input of shape ${fmt(x._shape)}`);
  if (y.dtype !== 'int32') throw new DTypeError(`${op}: target must be int32 class indices, got ${y.dtype}`);
  if (w != null) {
    need(w, op, 'weight'); needFloat(w, op, 'weight');
    if (w.ndim !== 1 || w.numel !== c) throw new ShapeError(`${op}: weight must be a 1-D tensor of ${c} elements (one per class), got shape ${fmt(w._shape)}`);
  }
  return scopeSync(() => {
    const x2 = reshape(x, [n, c]), y2 = reshape(y, [n, 1]);
    let picked: Tensor;
    try { picked = gather(x2, 1, y2); } catch (e) {
      if (e instanceof IndexError) throw new IndexError(`${op}: target out of range for ${c} classes (${e.message})`);
      throw e;
    }
    let h = strictHinge(add(sub(margin, picked), x2));
    if (p === 2) h = square(h);
    // the target's own class does not count
    const self = eq(unsqueeze(tensor(Array.from({ length: c }, (_, i) => i), { dtype: 'int32', device: x.device }), 0), y2);
    h = where(self, 0, h);
    if (w != null) h = mul(h, gather(unsqueeze(w, 0).expand([n, c]), 1, y2));
    const l = div(sum(h, 1), c);
    const shaped = x.ndim <= 1 ? reshape(l, y._shape) : l;
    return reduce(shaped, r);
  });
}

/**
 * The multi-label hinge loss Σ_{j∈targets} Σ_{k∉targets} max(0, 1 - (x[j] - x[k])) / C of input [N, C]
 * (or [C]) whose int32 `target` of the same shape lists each sample's classes, ended by -1 (the
 * rest ignored), as `torch.nn.functional.multilabel_margin_loss`: `F.multilabelMarginLoss(x, y)`.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor;
export function multilabelMarginLoss(...args: unknown[]): Tensor {
  const lowp = runFloat32(multilabelMarginLoss, args); if (lowp) return lowp;  // autocast: float32 list
  const o = F_ARGS.multilabelMarginLoss.parse(args);
  return multilabelMarginOp(o.input, o.target, o.reduction, 'multilabelMarginLoss');
}
function multilabelMarginOp(x: Tensor, y: Tensor, red: unknown, op: string): Tensor {
  need(x, op, 'input'); need(y, op, 'target');
  const r = checkReduction(red ?? 'mean', op);
  needFloat(x, op, 'input');
  if (!((x.ndim <= 1 && x.numel > 0) || (x.ndim === 2 && x._shape[1] > 0))) {
    throw new ShapeError(`${op}: expected a non-empty vector or matrix with optional 0-dim batch size, got input of shape ${fmt(x._shape)}`);
  }
  if (y.ndim !== x.ndim || y._shape.some((s, i) => s !== x._shape[i])) throw new ShapeError(`${op}: inconsistent target size: ${fmt(y._shape)} for input of shape ${fmt(x._shape)}`);
  if (y.dtype !== 'int32') throw new DTypeError(`${op}: target must be int32 class indices, got ${y.dtype}`);
  const n = x.ndim <= 1 ? 1 : x._shape[0], c = x.ndim === 0 ? 1 : x._shape[x.ndim - 1];
  // the targets before each row's first -1, read on the host; every value, after the -1 too, must be
  // in [-1, C) (torch: "argument #2 'target' is out of range")
  const tv = y.dataSync() as Int32Array;
  for (const t of tv) if (t < -1 || t >= c) throw new IndexError(`${op}: target value ${t} is out of range for ${c} classes (-1 ends a row's targets)`);
  const valid = new Array<number>(n * c).fill(0), isTarget = new Array<number>(n * c).fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      const t = tv[i * c + k];
      if (t === -1) break;
      valid[i * c + k] = 1; isTarget[i * c + t] = 1;
    }
  }
  return scopeSync(() => {
    const dev = { device: x.device };
    const x2 = reshape(x, [n, c]);
    const vmask = reshape(tensor(valid, { dtype: 'bool', ...dev }), [n, c, 1]);
    const other = reshape(logicalNot(tensor(isTarget, { dtype: 'bool', ...dev })), [n, 1, c]);
    const safe = where(reshape(vmask, [n, c]), reshape(y, [n, c]), 0);
    const xj = unsqueeze(gather(x2, 1, safe), 2);                     // [n, c(slots), 1]
    const z = add(sub(1, xj), unsqueeze(x2, 1));                      // [n, slots, c]
    const h = where(logicalAnd(vmask, other), strictHinge(z), 0);
    const l = div(sum(h, [1, 2]), c);
    return reduce(x.ndim <= 1 ? reshape(l, []) : l, r);
  });
}

// ---- ctcLoss ----------------------------------------------------------------------------------------------

/** Options of ctcLoss. */
export interface CTCLossOptions extends ReductionOptions {
  /** The blank label (default 0). */
  blank?: number;
  /** Infinite losses (inputs too short for their targets) and their gradients become 0. */
  zeroInfinity?: boolean;
}

function lengthsOf(v: unknown, n: number, batched: boolean, op: string, what: string): number[] {
  let xs: number[];
  if (v instanceof Tensor) {
    v._handleFor(op);
    if (v.dtype !== 'int32' && v.dtype !== 'uint8') throw new DTypeError(`${op}: ${what} must be an int32 tensor or an array of integers, got ${v.dtype}`);
    if (batched ? v.ndim !== 1 : v.ndim > 1) throw new ShapeError(`${op}: ${what} must be ${batched ? '1-D' : '0-D'}, got shape ${fmt(v._shape)}`);
    xs = Array.from(v.dataSync() as ArrayLike<number>);
  } else if (typeof v === 'number') xs = [v];
  else if (Array.isArray(v)) xs = v.map((e) => (typeof e === 'number' ? e : NaN));
  else throw new ValueError(`${op}: ${what} must be an int32 tensor or an array of integers, got ${describeArg(v)}`);
  if (xs.length !== n) throw new ShapeError(`${op}: ${what} must be of size batch_size (${n}), got ${xs.length} values`);
  if (xs.some((e) => !Number.isInteger(e) || e < 0)) throw new ValueError(`${op}: ${what} must hold integers >= 0`);
  return xs;
}

/** log(e^a + e^b + …) elementwise, -inf where all are -inf, with no NaN in its gradient there. */
function logAddExp(xs: Tensor[]): Tensor {
  const m = xs.slice(1).reduce((acc, t) => maximum(acc, t), xs[0]).detach();
  const ms = where(eq(m, -Infinity), 0, m);
  const s = xs.map((t) => exp(sub(t, ms))).reduce((acc, t) => add(acc, t));
  const none = eq(s, 0);
  return where(none, -Infinity, add(log(where(none, 1, s)), ms));
}

/**
 * Connectionist temporal classification loss of `logProbs` [T, N, C] (log-softmax outputs; [T, C]
 * unbatched) against `targets` [N, S] (padded) or the targets of the batch concatenated [Σ
 * targetLengths] (unbatched: [targetLength]), with per-sample `inputLengths` and `targetLengths` (int32 tensors or arrays), as
 * `torch.nn.functional.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0,
 * reduction='mean', zero_infinity=False)`; 'mean' divides each loss by its target length first.
 * ```ts
 * const loss = F.ctcLoss(fl.logSoftmax(logits, 2), targets, inputLengths, targetLengths);
 * ```
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[] | number, targetLengths: Tensor | readonly number[] | number, blank?: number, reduction?: Reduction, zeroInfinity?: boolean): Tensor;
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[] | number, targetLengths: Tensor | readonly number[] | number, options: CTCLossOptions): Tensor;
export function ctcLoss(...args: unknown[]): Tensor {
  const o = F_ARGS.ctcLoss.parse(args);
  return ctcOp(o.logProbs, o.targets, o.inputLengths, o.targetLengths, o, 'ctcLoss');
}
function ctcOp(lp: Tensor, targets: Tensor, il: unknown, tl: unknown, o: CTCLossOptions, op: string): Tensor {
  need(lp, op, 'logProbs'); need(targets, op, 'targets');
  const blank = numberOf(o.blank, 0, op, 'blank');
  const zeroInf = boolOf(o.zeroInfinity, false, op, 'zeroInfinity');
  const r = checkReduction(o.reduction ?? 'mean', op);
  if (lp.ndim !== 2 && lp.ndim !== 3) throw new ShapeError(`${op}: logProbs must be [T, N, C] or [T, C], got shape ${fmt(lp._shape)}`);
  needFloat(lp, op, 'logProbs');
  if (targets.dtype !== 'int32') throw new DTypeError(`${op}: targets must be int32 class indices, got ${targets.dtype}`);
  const batched = lp.ndim === 3;
  const [tMax] = lp._shape;
  const n = batched ? lp._shape[1] : 1, c = lp._shape[lp.ndim - 1];
  if (!Number.isInteger(blank) || blank < 0 || blank >= c) throw new ValueError(`${op}: blank must be in label range [0, ${c}), got ${describeArg(blank)}`);
  const inLen = lengthsOf(il, n, batched, op, 'inputLengths');
  const tgLen = lengthsOf(tl, n, batched, op, 'targetLengths');
  for (const v of inLen) if (v > tMax) throw new ValueError(`${op}: expected inputLengths to have values at most ${tMax} (logProbs ${fmt(lp._shape)}), got ${v}`);
  // each sample's labels, from the padded [N, S] or the concatenated [Σ lengths] layout
  const tv = Array.from(targets.dataSync() as Int32Array);
  const labels: number[][] = [];
  // 1-D targets are the concatenated form (unbatched too, as torch 1.13 takes them): exactly Σ targetLengths labels
  const concatenated = targets.ndim === 1;
  if (concatenated) {
    const total = tgLen.reduce((s, v) => s + v, 0);
    if (total !== tv.length) throw new ShapeError(`${op}: expected targets to have size ${total} (the target lengths' sum) at dimension 0, got shape ${fmt(targets._shape)}`);
    let pos = 0;
    for (const len of tgLen) { labels.push(tv.slice(pos, pos + len)); pos += len; }
  } else {
    if (!batched || targets.ndim !== 2 || targets._shape[0] !== n) throw new ShapeError(`${op}: targets must be [N, S] (padded) or 1-D (concatenated) for logProbs ${fmt(lp._shape)}, got ${fmt(targets._shape)}`);
    const s = targets._shape[targets.ndim - 1];
    for (let b = 0; b < n; b++) {
      if (tgLen[b] > s) throw new ShapeError(`${op}: target length ${tgLen[b]} is more than the targets' size ${s} (targets ${fmt(targets._shape)})`);
      labels.push(tv.slice(b * s, b * s + tgLen[b]));
    }
  }
  for (const ls of labels) for (const v of ls) if (v < 0 || v >= c) throw new IndexError(`${op}: target label ${v} is out of range for ${c} classes`);
  // the extended label sequences: blank, l1, blank, l2, …, blank (length 2S + 1, padded with blanks)
  const sMax = Math.max(0, ...tgLen);
  const L = 2 * sMax + 1;
  const ext = new Array<number>(n * L).fill(blank), skip = new Array<number>(n * L).fill(0);
  const init = new Array<number>(n * L).fill(-Infinity), ends = new Array<number>(n * 2).fill(0), endOk = new Array<number>(n * 2).fill(0);
  for (let b = 0; b < n; b++) {
    const ls = labels[b];
    ls.forEach((v, i) => { ext[b * L + 2 * i + 1] = v; });
    for (let s = 3; s < 2 * ls.length + 1; s += 2) if (ls[(s - 1) / 2] !== ls[(s - 3) / 2]) skip[b * L + s] = 1;
    init[b * L] = 0;
    ends[2 * b] = 2 * ls.length; endOk[2 * b] = 1;
    if (ls.length > 0) { ends[2 * b + 1] = 2 * ls.length - 1; endOk[2 * b + 1] = 1; }
  }
  const dt = lp.dtype === 'float16' || lp.dtype === 'bfloat16' ? 'float32' : lp.dtype;
  const out = scopeSync(() => {
    const dev = { device: lp.device };
    const lpw = lp.dtype === dt ? lp : lp.to(dt);
    const lpNTC = batched ? permute(lpw, [1, 0, 2]) : unsqueeze(lpw, 0);          // [N, T, C]
    const extT = reshape(tensor(ext, { dtype: 'int32', ...dev }), [n, 1, L]);
    let lpExt: Tensor;
    try { lpExt = gather(lpNTC, 2, expand(extT, [n, tMax, L])); }            // [N, T, L]
    catch (e) { if (e instanceof IndexError) throw new IndexError(`${op}: ${e.message}`); throw e; }
    const skipM = reshape(tensor(skip, { dtype: 'bool', ...dev }), [n, L]);
    const ninf1 = tensor(new Array<number>(n).fill(-Infinity), { dtype: dt, ...dev }).reshape([n, 1]);
    const lens = reshape(tensor(inLen, { dtype: 'int32', ...dev }), [n, 1]);
    // alpha before the first frame: 1 (log 0) at the leading blank, so that the same step makes alpha_0
    let alpha = reshape(tensor(init, { dtype: dt, ...dev }), [n, L]);
    for (let t = 0; t < tMax; t++) {
      const a2 = L > 1 ? cat([ninf1, narrow(alpha, 1, 0, L - 1)], 1) : ninf1;
      const terms = [alpha, a2];
      if (L > 2) terms.push(where(skipM, cat([ninf1, ninf1, narrow(alpha, 1, 0, L - 2)], 1), -Infinity));
      const next = add(logAddExp(terms), select(lpExt, 1, t));
      alpha = where(gt(lens, t), next, alpha);                                // frames past a sample's length leave it
    }
    const endIdx = reshape(tensor(ends, { dtype: 'int32', ...dev }), [n, 2]);
    const last = where(reshape(tensor(endOk, { dtype: 'bool', ...dev }), [n, 2]), gather(alpha, 1, endIdx), -Infinity);
    let loss = neg(logAddExp([select(last, 1, 0), select(last, 1, 1)]));    // [N]
    if (zeroInf) loss = where(isinf(loss), 0, loss);
    let res: Tensor;
    if (r === 'none') res = batched ? loss : reshape(loss, []);
    else if (r === 'sum') res = sum(loss);
    else res = mean(div(loss, tensor(tgLen.map((v) => Math.max(v, 1)), { dtype: dt, ...dev })));
    return res.dtype === lp.dtype ? res : res.to(lp.dtype);
  });
  return out;
}

// ---- Module classes ------------------------------------------------------------------------------------

const M_ARGS = {
  KLDivLoss: signature('KLDivLoss', [], { reduction: optional(A.anyValue<KLDivReduction>()), logTarget: BOOL }),
  MarginRankingLoss: signature('MarginRankingLoss', ['margin'], { margin: NUM, ...RED }),
  CosineEmbeddingLoss: signature('CosineEmbeddingLoss', ['margin'], { margin: NUM, ...RED }),
  TripletMarginLoss: signature('TripletMarginLoss', ['margin', 'p', 'eps', 'swap'], { margin: NUM, p: NUM, eps: NUM, swap: BOOL, ...RED }),
  TripletMarginWithDistanceLoss: signature('TripletMarginWithDistanceLoss', [], { distanceFunction: DIST, margin: NUM, swap: BOOL, ...RED }),
  PoissonNLLLoss: signature('PoissonNLLLoss', ['logInput', 'full'], { logInput: BOOL, full: BOOL, eps: NUM, ...RED }),
  GaussianNLLLoss: signature('GaussianNLLLoss', [], { full: BOOL, eps: NUM, ...RED }),
  HingeEmbeddingLoss: signature('HingeEmbeddingLoss', ['margin'], { margin: NUM, ...RED }),
  SoftMarginLoss: signature('SoftMarginLoss', [], { ...RED }),
  MultiLabelSoftMarginLoss: signature('MultiLabelSoftMarginLoss', ['weight'], { weight: W, ...RED }),
  MultiMarginLoss: signature('MultiMarginLoss', ['p', 'margin', 'weight'], { p: NUM, margin: NUM, weight: W, ...RED }),
  MultiLabelMarginLoss: signature('MultiLabelMarginLoss', [], { ...RED }),
  CTCLoss: signature('CTCLoss', ['blank', 'reduction', 'zeroInfinity'], { blank: NUM, ...RED, zeroInfinity: BOOL }),
};

/** Base of these loss modules: holds `reduction` (checked at construction). */
abstract class ReductionLoss extends Module {
  readonly reduction: Reduction;
  constructor(reduction: unknown, op: string) {
    super();
    this.reduction = checkReduction(reduction ?? 'mean', op);
  }
}

/** `new nn.KLDivLoss({ reduction: 'batchmean', logTarget })`: see `F.klDiv`. */
export class KLDivLoss extends Module {
  readonly reduction: KLDivReduction;
  readonly logTarget: boolean;
  constructor(options?: KLDivOptions);
  constructor(...args: unknown[]) {
    super();
    const o = M_ARGS.KLDivLoss.parse(args);
    const red = o.reduction ?? 'mean';
    this.reduction = red === 'batchmean' ? red : checkReduction(red, 'KLDivLoss');
    this.logTarget = boolOf(o.logTarget, false, 'KLDivLoss', 'logTarget');
  }
  forward(input: Tensor, target: Tensor): Tensor { return klDivOp(input, target, this.reduction, this.logTarget, 'KLDivLoss'); }
}

/** `new nn.MarginRankingLoss(0.5)`: see `F.marginRankingLoss` (forward(input1, input2, target)). */
export class MarginRankingLoss extends ReductionLoss {
  readonly margin: number;
  constructor(margin?: number, options?: ReductionOptions);
  constructor(options: MarginOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.MarginRankingLoss.parse(args);
    super(o.reduction, 'MarginRankingLoss');
    this.margin = numberOf(o.margin, 0, 'MarginRankingLoss', 'margin');
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor { return marginRankingOp(input1, input2, target, this.margin, this.reduction, 'MarginRankingLoss'); }
}

/** `new nn.CosineEmbeddingLoss(0.2)`: see `F.cosineEmbeddingLoss` (forward(input1, input2, target)). */
export class CosineEmbeddingLoss extends ReductionLoss {
  readonly margin: number;
  constructor(margin?: number, options?: ReductionOptions);
  constructor(options: MarginOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.CosineEmbeddingLoss.parse(args);
    super(o.reduction, 'CosineEmbeddingLoss');
    this.margin = numberOf(o.margin, 0, 'CosineEmbeddingLoss', 'margin');
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor { return cosineEmbeddingOp(input1, input2, target, this.margin, this.reduction, 'CosineEmbeddingLoss'); }
}

/** `new nn.TripletMarginLoss({ margin: 0.5, swap: true })`: see `F.tripletMarginLoss` (forward(anchor, positive, negative)). */
export class TripletMarginLoss extends ReductionLoss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(margin?: number, p?: number, eps?: number, swap?: boolean, options?: ReductionOptions);
  constructor(options: TripletMarginOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.TripletMarginLoss.parse(args);
    const op = 'TripletMarginLoss';
    super(o.reduction, op);
    this.margin = numberOf(o.margin, 1, op, 'margin'); this.p = numberOf(o.p, 2, op, 'p');
    this.eps = numberOf(o.eps, 1e-6, op, 'eps'); this.swap = boolOf(o.swap, false, op, 'swap');
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginOp(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction }, 'TripletMarginLoss');
  }
}

/**
 * `new nn.TripletMarginWithDistanceLoss({ distanceFunction, margin, swap })`: see
 * `F.tripletMarginWithDistanceLoss`. A module given as the distance (default `nn.PairwiseDistance()`,
 * as torch's) is a child, `distance_function`.
 */
export class TripletMarginWithDistanceLoss extends ReductionLoss {
  readonly margin: number;
  readonly swap: boolean;
  /** The distance as torch names it (a module there is a child, printed as `(distance_function)`). */
  readonly distance_function: DistanceFunction;
  constructor(options?: TripletMarginWithDistanceOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.TripletMarginWithDistanceLoss.parse(args);
    const op = 'TripletMarginWithDistanceLoss';
    super(o.reduction, op);
    this.margin = numberOf(o.margin, 1, op, 'margin');
    this.swap = boolOf(o.swap, false, op, 'swap');
    const f = checkDistance(o.distanceFunction, op);
    this.distance_function = f ?? new PairwiseDistance();
  }
  /** The distance: a function, or a module (default `nn.PairwiseDistance()`, as torch's). */
  get distanceFunction(): DistanceFunction { return this.distance_function; }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletDistanceOp(anchor, positive, negative, { distanceFunction: this.distance_function, margin: this.margin, swap: this.swap, reduction: this.reduction }, 'TripletMarginWithDistanceLoss');
  }
}

/** `new nn.PoissonNLLLoss()`, `new nn.PoissonNLLLoss(false, true)`: see `F.poissonNllLoss`. */
export class PoissonNLLLoss extends ReductionLoss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(logInput?: boolean, full?: boolean, options?: Omit<PoissonNLLOptions, 'logInput' | 'full'>);
  constructor(options: PoissonNLLOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.PoissonNLLLoss.parse(args);
    const op = 'PoissonNLLLoss';
    super(o.reduction, op);
    this.logInput = boolOf(o.logInput, true, op, 'logInput'); this.full = boolOf(o.full, false, op, 'full');
    this.eps = numberOf(o.eps, 1e-8, op, 'eps');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return poissonOp(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction }, 'PoissonNLLLoss');
  }
}

/** `new nn.GaussianNLLLoss({ full, eps })`: see `F.gaussianNllLoss` (forward(input, target, var)). */
export class GaussianNLLLoss extends ReductionLoss {
  readonly full: boolean;
  readonly eps: number;
  constructor(options?: GaussianNLLOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.GaussianNLLLoss.parse(args);
    const op = 'GaussianNLLLoss';
    super(o.reduction, op);
    this.full = boolOf(o.full, false, op, 'full'); this.eps = numberOf(o.eps, 1e-6, op, 'eps');
  }
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianOp(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction }, 'GaussianNLLLoss');
  }
}

/** `new nn.HingeEmbeddingLoss(2)`: see `F.hingeEmbeddingLoss`. */
export class HingeEmbeddingLoss extends ReductionLoss {
  readonly margin: number;
  constructor(margin?: number, options?: ReductionOptions);
  constructor(options: MarginOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.HingeEmbeddingLoss.parse(args);
    super(o.reduction, 'HingeEmbeddingLoss');
    this.margin = numberOf(o.margin, 1, 'HingeEmbeddingLoss', 'margin');
  }
  forward(input: Tensor, target: Tensor): Tensor { return hingeOp(input, target, this.margin, this.reduction, 'HingeEmbeddingLoss'); }
}

/** `new nn.SoftMarginLoss()`: see `F.softMarginLoss`. */
export class SoftMarginLoss extends ReductionLoss {
  constructor(options?: ReductionOptions);
  constructor(...args: unknown[]) { super(M_ARGS.SoftMarginLoss.parse(args).reduction, 'SoftMarginLoss'); }
  forward(input: Tensor, target: Tensor): Tensor { return softMarginOp(input, target, this.reduction, 'SoftMarginLoss'); }
}

/** `new nn.MultiLabelSoftMarginLoss({ weight })`: see `F.multilabelSoftMarginLoss` (buffer 'weight'). */
export class MultiLabelSoftMarginLoss extends ReductionLoss {
  declare readonly weight: Tensor | null;
  constructor(weight?: Tensor | null, options?: ReductionOptions);
  constructor(options: WeightedReductionOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.MultiLabelSoftMarginLoss.parse(args);
    super(o.reduction, 'MultiLabelSoftMarginLoss');
    if (o.weight != null) need(o.weight, 'MultiLabelSoftMarginLoss', 'weight');
    this.registerBuffer('weight', o.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor { return multilabelSoftMarginOp(input, target, this.weight, this.reduction, 'MultiLabelSoftMarginLoss'); }
}

/** `new nn.MultiMarginLoss({ p: 2, margin: 1, weight })`: see `F.multiMarginLoss` (buffer 'weight'). */
export class MultiMarginLoss extends ReductionLoss {
  readonly p: number;
  readonly margin: number;
  declare readonly weight: Tensor | null;
  constructor(p?: number, margin?: number, weight?: Tensor | null, options?: ReductionOptions);
  constructor(options: MultiMarginOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.MultiMarginLoss.parse(args);
    const op = 'MultiMarginLoss';
    super(o.reduction, op);
    this.p = numberOf(o.p, 1, op, 'p'); this.margin = numberOf(o.margin, 1, op, 'margin');
    if (this.p !== 1 && this.p !== 2) throw new ValueError(`${op}: only p == 1 and p == 2 supported, got ${describeArg(this.p)}`);
    if (o.weight != null) {
      const w = need(o.weight, op, 'weight');
      if (w.ndim !== 1) throw new ShapeError(`${op}: weight must be 1-D, got shape ${fmt(w._shape)}`);
    }
    this.registerBuffer('weight', o.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor { return multiMarginOp(input, target, this.p, this.margin, this.weight, this.reduction, 'MultiMarginLoss'); }
}

/** `new nn.MultiLabelMarginLoss()`: see `F.multilabelMarginLoss`. */
export class MultiLabelMarginLoss extends ReductionLoss {
  constructor(options?: ReductionOptions);
  constructor(...args: unknown[]) { super(M_ARGS.MultiLabelMarginLoss.parse(args).reduction, 'MultiLabelMarginLoss'); }
  forward(input: Tensor, target: Tensor): Tensor { return multilabelMarginOp(input, target, this.reduction, 'MultiLabelMarginLoss'); }
}

/** `new nn.CTCLoss({ blank: 0, zeroInfinity: true })`: see `F.ctcLoss` (forward(logProbs, targets, inputLengths, targetLengths)). */
export class CTCLoss extends ReductionLoss {
  readonly blank: number;
  readonly zeroInfinity: boolean;
  constructor(blank?: number, reduction?: Reduction, zeroInfinity?: boolean);
  constructor(options: CTCLossOptions);
  constructor(...args: unknown[]) {
    const o = M_ARGS.CTCLoss.parse(args);
    super(o.reduction, 'CTCLoss');
    this.blank = numberOf(o.blank, 0, 'CTCLoss', 'blank');
    if (!Number.isInteger(this.blank) || this.blank < 0) throw new ValueError(`CTCLoss: blank must be an integer >= 0, got ${describeArg(this.blank)}`);
    this.zeroInfinity = boolOf(o.zeroInfinity, false, 'CTCLoss', 'zeroInfinity');
  }
  forward(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[] | number, targetLengths: Tensor | readonly number[] | number): Tensor {
    return ctcOp(logProbs, targets, inputLengths, targetLengths, { blank: this.blank, reduction: this.reduction, zeroInfinity: this.zeroInfinity }, 'CTCLoss');
  }
}
