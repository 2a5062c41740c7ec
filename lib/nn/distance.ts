// distance.ts — the encoding, normalisation and distance functions of `fl.nn.functional`:
// oneHot, normalize, cosineSimilarity and pairwiseDistance (torch.nn.functional's one_hot,
// normalize, cosine_similarity and pairwise_distance), composed of existing ops and of the norms in
// ops/norms.ts, so they run on every device and get their gradients from those ops. The modules
// nn.CosineSimilarity and nn.PairwiseDistance (layers.ts) call the `*Op` forms, which name the layer
// in their errors.
//
// Each follows torch 1.13's formula, including where it decides the gradient:
// - normalize: x / clamp_min(norm(x, p, dim, keepdim=True), eps): no gradient through the norm
//   where it is below eps.
// - cosineSimilarity: Σ (x1 / n1)·(x2 / n2) with n = √max(Σx², eps²), where the clamp is done
//   in place under no_grad in torch, so the gradient flows through it as if unclamped.
// - pairwiseDistance: norm(x1 - x2 + eps, p, last dim), torch.norm's semantics (empty dim: 0).
import { describeArg } from '../arity';
import { needsGrad, noGrad, record } from '../autograd';
import { runFloat32 } from '../amp';
import { isFloating, resultType } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { broadcastShapes, fmt, normDim } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import * as A from '../args';
import { ArgsThenOptions, Check, optional, required, signature } from '../args';
import { add, clamp, div, eq, ge, mul, sqrt, sub, where } from '../ops/elementwise';
import { arange, zeros } from '../ops/creation';
import { amax, amin, sum } from '../ops/reduce';
import { broadcastTo, stack, unsqueeze } from '../ops/views';
import { normOp } from '../ops/norms';
import { Module } from './module';
import { untraced } from '../trace';

const T = required(A.anyValue<Tensor>());
/** A norm order for normalize and pairwiseDistance: any number (Infinity for the max norm). */
const P_ORD: Check<number> = (v, where) => {
  if (typeof v !== 'number') throw new ValueError(`${where} must be a number (Infinity for the max norm), got ${describeArg(v)}`);
  return v;
};
const DIMS: Check<number | number[]> = (v, where) => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number' && Number.isInteger(d))) return v.slice();
  throw new ValueError(`${where} must be an integer or an array of integers, got ${describeArg(v)}`);
};

const ARGS = {
  oneHot: signature('oneHot', ['input', 'numClasses'], { input: T, numClasses: optional(A.int(), -1) }),
  normalize: signature('normalize', ['input', 'p', 'dim', 'eps'], { input: T, p: optional(P_ORD, 2), dim: optional(DIMS, 1), eps: optional(A.num(), 1e-12) }),
  cosineSimilarity: signature('cosineSimilarity', ['x1', 'x2', 'dim', 'eps'], { x1: T, x2: T, dim: optional(A.int(), 1), eps: optional(A.num(), 1e-8) }),
  pairwiseDistance: signature('pairwiseDistance', ['x1', 'x2', 'p', 'eps', 'keepdim'], {
    x1: T, x2: T, p: optional(P_ORD, 2), eps: optional(A.num(), 1e-6), keepdim: optional(A.bool, false),
  }),
};

function needTensor(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

/**
 * One-hot encoding of int32 class indices, as `torch.nn.functional.one_hot(tensor, num_classes=-1)`:
 * an int32 tensor of shape [...input.shape, numClasses] with a 1 at each index. `numClasses` -1
 * takes the largest index + 1. Indices are checked (negative, or not below numClasses, throw a
 * ValueError), which reads the smallest and largest index back to the host. flintml's int32 stands
 * for torch's int64 here.
 * ```ts
 * F.oneHot(fl.tensor([0, 2, 1]), 3);  // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * ```
 */
export function oneHot(input: Tensor, ...args: ArgsThenOptions<[numClasses: number], { numClasses?: number }>): Tensor;
export function oneHot(...args: unknown[]): Tensor {
  const { input, numClasses } = ARGS.oneHot.parse(args);
  const op = 'oneHot';
  needTensor(input, op, 'input');
  if (input.dtype !== 'int32') throw new DTypeError(`${op}: expected an int32 tensor of class indices, got ${input.dtype}`);
  const dev = input.device;
  if (input.numel === 0) {
    if (numClasses <= 0) throw new ValueError(`${op}: cannot infer the number of classes from an empty tensor (shape ${fmt(input._shape)}); pass numClasses > 0`);
    return zeros([...input._shape, numClasses], { dtype: 'int32', device: dev });
  }
  // with numClasses given, the read only checks the indices: an ONNX export does not depend on it
  const read = () => noGrad(() => scopeSync(() => Array.from(stack([amin(input), amax(input)]).dataSync())));
  const [lo, hi] = numClasses === -1 ? read() : untraced(read);
  if (lo < 0) throw new ValueError(`${op}: class values must be non-negative, got ${lo} (input ${fmt(input._shape)})`);
  if (numClasses !== -1 && hi >= numClasses) throw new ValueError(`${op}: class values must be smaller than numClasses=${numClasses}, got ${hi}`);
  const n = numClasses === -1 ? hi + 1 : numClasses;
  return scopeSync(() => eq(unsqueeze(input, -1), arange(n, { dtype: 'int32', device: dev })).to('int32'));
}

/**
 * x / max(‖x‖_p, eps) along `dim`, as `torch.nn.functional.normalize(input, p=2.0, dim=1, eps=1e-12)`
 * (`out` is not supported). `dim` may be a list of dims. The gradient does not flow through the norm
 * where it is clamped to eps, as in PyTorch.
 * ```ts
 * F.normalize(emb, 2, -1);  // unit rows
 * ```
 */
export function normalize(input: Tensor, ...args: ArgsThenOptions<[p: number, dim: number | readonly number[], eps: number], { p?: number; dim?: number | readonly number[]; eps?: number }>): Tensor;
export function normalize(...args: unknown[]): Tensor {
  const r = runFloat32(normalize, args); if (r) return r;  // autocast: torch.norm is on the float32 list
  const { input, p, dim, eps } = ARGS.normalize.parse(args);
  const op = 'normalize';
  needTensor(input, op, 'input');
  if (!isFloating(input.dtype)) throw new DTypeError(`${op}: input must be floating point, got ${input.dtype}`);
  return scopeSync(() => div(input, clampMin(normOp(input, p, dim, true, null, op), eps, op)));
}

/**
 * max(x, lo) with torch's clamp_min gradient: g where x >= lo, else exactly 0 (even where g is
 * infinite, which the gradient of fl.clamp, a product with the mask, turns into NaN).
 */
function clampMin(x: Tensor, lo: number, op: string): Tensor {
  const y = noGrad(() => clamp(x, lo));
  if (needsGrad(x)) record(op, [x], [y], [x], ([g], [sx]) => scopeSync(() => [where(ge(sx, lo), g!, 0)]), true);
  return y;
}

/**
 * A tensor whose values are max(x, lo) and whose gradient is x's unchanged (torch's in-place
 * `clamp_min_` under no_grad, which cosine_similarity applies to the squared norms).
 */
function clampMinKeepGrad(x: Tensor, lo: number, op: string): Tensor {
  const y = noGrad(() => clamp(x, lo));
  if (needsGrad(x)) record(op, [x], [y], [], ([g]) => [g!.clone()]);
  return y;
}

/** @internal The implementation behind `F.cosineSimilarity`, naming the calling layer (`op`) in its errors. */
export function cosineSimilarityOp(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8, op = 'cosineSimilarity'): Tensor {
  const r = runFloat32(cosineSimilarityOp, arguments); if (r) return r;  // autocast: float32 list
  needTensor(x1, op, 'x1'); needTensor(x2, op, 'x2');
  const common = resultType(x1, x2);
  if (!isFloating(common)) throw new DTypeError(`${op}: expected the common dtype to be floating point, got ${common} (x1 ${x1.dtype}, x2 ${x2.dtype})`);
  const shape = broadcastShapes(op, x1._shape, x2._shape);
  const d = normDim(dim, shape.length, op);
  const low = common === 'float16' || common === 'bfloat16';
  return scopeSync(() => {
    // both inputs in the common dtype (16-bit ones computed in float32 and rounded once)
    const dt = low ? 'float32' : common;
    const prep = (x: Tensor): Tensor => broadcastTo(x.dtype === dt ? x : x.to(dt), shape);
    const a = prep(x1), b = prep(x2);
    const n1 = sqrt(clampMinKeepGrad(sum(mul(a, a), { dim: d, keepdim: true }), eps * eps, op));
    const n2 = sqrt(clampMinKeepGrad(sum(mul(b, b), { dim: d, keepdim: true }), eps * eps, op));
    const y = sum(mul(div(a, n1), div(b, n2)), { dim: d });
    return low ? y.to(common) : y;
  });
}

/**
 * Cosine similarity of `x1` and `x2` along `dim` (the inputs broadcast), as
 * `torch.nn.functional.cosine_similarity(x1, x2, dim=1, eps=1e-8)`: Σ (x1/‖x1‖)·(x2/‖x2‖), each
 * norm at least eps.
 * ```ts
 * F.cosineSimilarity(a, b, -1);  // [batch]
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...args: ArgsThenOptions<[dim: number, eps: number], { dim?: number; eps?: number }>): Tensor;
export function cosineSimilarity(...args: unknown[]): Tensor {
  const { x1, x2, dim, eps } = ARGS.cosineSimilarity.parse(args);
  return cosineSimilarityOp(x1, x2, dim, eps);
}

/** @internal The implementation behind `F.pairwiseDistance`, naming the calling layer (`op`) in its errors. */
export function pairwiseDistanceOp(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepdim = false, op = 'pairwiseDistance'): Tensor {
  const r = runFloat32(pairwiseDistanceOp, arguments); if (r) return r;  // autocast: torch.norm is on the float32 list
  needTensor(x1, op, 'x1'); needTensor(x2, op, 'x2');
  if (x1.dtype === 'bool' || x2.dtype === 'bool') throw new DTypeError(`${op}: x1 - x2 of bool tensors is not supported (as torch's subtraction), got ${x1.dtype} and ${x2.dtype}`);
  const last = Math.max(x1.ndim, x2.ndim) - 1;
  return scopeSync(() => {
    let diff: Tensor;
    try { diff = sub(x1, x2); } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`${op}: x1 ${fmt(x1._shape)} and x2 ${fmt(x2._shape)} do not broadcast`);
      throw e;
    }
    // + eps, a Python float in torch: an integer difference becomes the default dtype (0 included)
    if (!isFloating(diff.dtype)) diff = diff.to(getDefaultDtype());
    return normOp(add(diff, eps), p, last < 0 ? null : last, keepdim, null, op);
  });
}

/**
 * The `p`-norm distance between the rows (last dim) of `x1` and `x2` (broadcast), as
 * `torch.nn.functional.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False)`: ‖x1 - x2 + eps‖_p.
 * ```ts
 * F.pairwiseDistance(anchor, positive);  // [batch]
 * ```
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, ...args: ArgsThenOptions<[p: number, eps: number, keepdim: boolean], { p?: number; eps?: number; keepdim?: boolean }>): Tensor;
export function pairwiseDistance(...args: unknown[]): Tensor {
  const { x1, x2, p, eps, keepdim } = ARGS.pairwiseDistance.parse(args);
  return pairwiseDistanceOp(x1, x2, p, eps, keepdim);
}

/** Cosine similarity of two inputs along `dim` (see `F.cosineSimilarity`), as `torch.nn.CosineSimilarity(dim=1, eps=1e-8)`: `new nn.CosineSimilarity(-1)`. */
const COSINE_SIMILARITY_ARGS = signature('CosineSimilarity', ['dim', 'eps'], { dim: optional(A.int(), 1), eps: optional(A.num(), 1e-8) });
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  constructor(dim?: number, eps?: number);
  constructor(options: { dim?: number; eps?: number });
  constructor(...args: unknown[]) {
    super();
    const o = COSINE_SIMILARITY_ARGS.parse(args);
    this.dim = o.dim;
    this.eps = o.eps;
  }
  forward(x1: Tensor, x2: Tensor): Tensor { return cosineSimilarityOp(x1, x2, this.dim, this.eps, 'CosineSimilarity'); }
}

/**
 * The p-norm distance between the rows of two inputs (see `F.pairwiseDistance`), as
 * `torch.nn.PairwiseDistance(p=2.0, eps=1e-6, keepdim=False)` (which keeps p as `norm`): `new nn.PairwiseDistance(1)`.
 */
const PAIRWISE_DISTANCE_ARGS = signature('PairwiseDistance', ['p', 'eps', 'keepdim'], { p: optional(A.num(), 2), eps: optional(A.num(), 1e-6), keepdim: optional(A.bool, false) });
export class PairwiseDistance extends Module {
  /** The norm's order p (torch's attribute name). */
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  constructor(p?: number, eps?: number, keepdim?: boolean);
  constructor(options: { p?: number; eps?: number; keepdim?: boolean });
  constructor(...args: unknown[]) {
    super();
    const o = PAIRWISE_DISTANCE_ARGS.parse(args);
    this.norm = o.p;
    this.eps = o.eps;
    this.keepdim = o.keepdim;
  }
  forward(x1: Tensor, x2: Tensor): Tensor { return pairwiseDistanceOp(x1, x2, this.norm, this.eps, this.keepdim, 'PairwiseDistance'); }
}
