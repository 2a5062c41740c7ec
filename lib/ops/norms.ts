// norms.ts — vector and matrix norms and distances: `fl.linalg.vectorNorm` and `fl.linalg.matrixNorm`
// (torch.linalg.vector_norm / matrix_norm), `fl.norm` and `Tensor.norm` (torch.norm), and `fl.cdist`
// (torch.cdist). Each is composed of the reductions and elementwise ops, so it runs on every device
// that they run on; no kernel of its own.
//
// Gradients: each p-norm is one recorded node whose backward is torch 1.13's norm_backward, so the
// corners where a composition of abs/pow/sqrt would give NaN give torch's numbers: 0 where the norm
// is 0 (p = 2 and every p > 1), 0 at zero elements for p < 1, the inf-norm's gradient split evenly
// among the elements that tie for the max (or min). cdist gives each tie the whole gradient, as
// torch's cdist backward does. p = 0 (the count of non-zeros) has no gradient.
//
// float16 and bfloat16 inputs are reduced in float32 and rounded once, as torch accumulates them.
//
// torch has two entries with different edge cases, and flintml keeps both:
// - linalg.vectorNorm / matrixNorm: the input must be floating; `dtype` may only widen it; the inf
//   and negative norms of an empty reduction are refused (they have no identity).
// - norm (torch.norm, at::norm, also behind F.normalize and F.pairwiseDistance): an empty reduction
//   is 0 for every p; `dtype` may narrow and may take an integer or bool input; 'fro' is the 2-norm
//   over at most 2 dims; 'nuc' (and matrixNorm's ±2) are the sum (max, min) of linalg.svdvals
//   (decomp.ts), float32/float64 only.
import { describeArg } from '../arity';
import { needsGrad, noGrad, record } from '../autograd';
import { runFloat32 } from '../amp';
import { DType, isFloating, promoteTypes } from '../dtype';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { broadcastShapes, fmt, normDim, normDims, range } from '../shape';
import { complexHook, complexOperand, scopeSync, Tensor } from '../tensor';
import * as A from '../args';
import { ArgsThenOptions, Check, optional, required, signature } from '../args';
import { abs, ceil, clamp, div, eq, isnan, logicalOr, mul, ne, pow, sign, sqrt, sub, where } from './elementwise';
import { zerosLike } from './creation';
import { linalgSolvers } from './linalg';
import { linalgEig } from './eig';
import { amax, amin, sum } from './reduce';
import { permute, reshape, unsqueeze } from './views';
import { cond, eigh, eigvalsh, lstsq, matrixRank, pinv, qr, setMatrixNorm, svd, svdvals, svdvalsOf } from './decomp';

/** A p-norm's order: a number (`Infinity` and `-Infinity` for the max and min norms). */
export type NormOrd = number;
/** torch.norm's `p`: a number, 'fro' (the Frobenius norm) or 'nuc' (the nuclear norm of a matrix). */
export type NormP = number | 'fro' | 'nuc';
/** matrixNorm's `ord`: 'fro', 'nuc', 2, -2, 1, -1, Infinity, -Infinity. */
export type MatrixNormOrd = number | 'fro' | 'nuc';

/** Where the inf-norm's gradient goes among tied elements: split evenly (norms), or all of it to each (cdist). */
type Ties = 'split' | 'all';

function needInput(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

/** The reduced dims of x for a `dim` argument: sorted, or null for every dim ([] and null mean every dim). */
function reduceDims(x: Tensor, dim: number | readonly number[] | null | undefined, op: string): number[] | null {
  if (dim == null || (Array.isArray(dim) && dim.length === 0)) return null;
  const dims = normDims(dim as number | readonly number[], x.ndim, op);
  return x.ndim === 0 ? null : dims;
}

/** Refuses a reduction over an empty dim for the norms without an identity (inf and p < 0), as linalg.vector_norm. */
function checkIdentity(x: Tensor, p: number, dims: number[] | null, op: string): void {
  if (!(p < 0 || p === Infinity)) return;
  if (dims === null) {
    if (x.numel === 0) throw new ValueError(`${op}: cannot compute the ${String(p)} norm of an empty tensor (shape ${fmt(x._shape)}): the operation has no identity`);
    return;
  }
  for (const d of dims) {
    if (x._shape[d] === 0) throw new ValueError(`${op}: cannot compute the ${String(p)} norm over dim ${d} of shape ${fmt(x._shape)}: the dim is empty and the operation has no identity`);
  }
}

/**
 * @internal The p-norm of floating `x` over `dims` (null: every dim), recorded with torch's gradient.
 * An empty reduction gives 0 for every p (callers refuse it where torch does).
 */
export function pNorm(x: Tensor, p: number, dims: number[] | null, keepdim: boolean, ties: Ties, op: string): Tensor {
  if (x.dtype === 'float16' || x.dtype === 'bfloat16') {
    const dt = x.dtype;
    return scopeSync(() => pNorm(x.to('float32'), p, dims, keepdim, ties, op).to(dt));
  }
  const red = dims ?? range(x.ndim);
  const o = { dim: dims, keepdim };
  if (red.some((d) => x._shape[d] === 0)) return sum(x, o);  // zeros, in the graph as a sum
  const y = noGrad(() => scopeSync(() => {
    if (p === Infinity) return amax(abs(x), o);
    if (p === -Infinity) return amin(abs(x), o);
    if (p === 0) return sum(ne(x, 0).to(x.dtype), o);
    if (p === 1) return sum(abs(x), o);
    if (p === 2) return sqrt(sum(mul(x, x), o));
    return pow(sum(pow(abs(x), p), o), 1 / p);
  }));
  if (needsGrad(x)) {
    const kept = x._shape.map((s, i) => (red.includes(i) ? 1 : s));
    record(op, [x], [y], [x, y], ([g], [sx, sy]) => scopeSync(() => [normBackward(sx, reshape(g!, kept), reshape(sy, kept), p, red, ties)]), true);
  }
  return y;
}

/**
 * torch 1.13's norm_backward (and _cdist_backward's inf-norm, `ties: 'all'`): the gradient of the
 * p-norm N of X for the gradient G of N (N and G in X's rank, the reduced dims of size 1).
 */
function normBackward(X: Tensor, G: Tensor, N: Tensor, p: number, red: number[], ties: Ties): Tensor | null {
  if (p === 0) return ties === 'all' ? zerosLike(X) : null;  // torch: cdist's zeros, the norms' None
  if (p === 1) return mul(sign(X), G);
  if (p === 2) return mul(G, where(eq(N, 0), 0, div(X, N)));
  if (p === Infinity || p === -Infinity) {
    const ax = abs(X);
    // cdist: grad·sign(diff)·(1 - min(1, ceil(| |diff| - dist |))), every tie in full
    if (ties === 'all') return mul(mul(G, sign(X)), sub(1, clamp(ceil(abs(sub(ax, N))), null, 1)));
    const mask = logicalOr(eq(ax, N), isnan(ax));
    return mul(sign(X), mul(div(G, sum(mask, { dim: red, keepdim: true })), mask));
  }
  if (p < 1) {
    const scaled = mul(sign(X), where(eq(X, 0), 0, pow(abs(X), p - 1)));
    return mul(mul(scaled, G), pow(N, 1 - p));
  }
  const scale = where(eq(N, 0), 0, div(G, pow(N, p - 1)));
  const scaled = p < 2 ? mul(sign(X), pow(abs(X), p - 1)) : mul(X, pow(abs(X), p - 2));
  return mul(scaled, scale);
}

// ---- argument checks -------------------------------------------------------------------------------

const T = required(A.anyValue<Tensor>());
/** A norm order: any number (NaN gives NaN, as torch); booleans and strings are refused. */
const ORD: Check<number> = (v, where) => {
  if (typeof v !== 'number') throw new ValueError(`${where} must be a number (Infinity for the max norm), got ${describeArg(v)}`);
  return v;
};
/** torch.norm's p: a number, 'fro', 'nuc', or null (2). */
const NORM_P: Check<NormP> = (v, where) => {
  if (v === null) return 2;
  if (typeof v === 'number' || v === 'fro' || v === 'nuc') return v;
  throw new ValueError(`${where} must be a number, 'fro' or 'nuc' (the only valid strings), got ${describeArg(v)}`);
};
const MATRIX_ORD: Check<MatrixNormOrd> = (v, where) => {
  if (typeof v === 'number' || v === 'fro' || v === 'nuc') return v;
  throw new ValueError(`${where} must be 'fro', 'nuc' or a number (1, -1, Infinity, -Infinity), got ${describeArg(v)}`);
};
/** A dim or a list of dims (checked against the input's rank by the op). */
const DIMS: Check<number | number[]> = (v, where) => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number' && Number.isInteger(d))) return v.slice();
  throw new ValueError(`${where} must be an integer or an array of integers, got ${describeArg(v)}`);
};
const DTYPE = optional(A.nullable(A.dtype), null);

const ARGS = {
  vectorNorm: signature('linalg.vectorNorm', ['input', 'ord', 'dim', 'keepdim'], {
    input: T, ord: optional(ORD, 2), dim: optional(A.nullable(DIMS), null), keepdim: optional(A.bool, false), dtype: DTYPE,
  }),
  matrixNorm: signature('linalg.matrixNorm', ['input', 'ord', 'dim', 'keepdim'], {
    input: T, ord: optional(MATRIX_ORD, 'fro'), dim: optional(A.arrayOf(A.int(), 2), [-2, -1]), keepdim: optional(A.bool, false), dtype: DTYPE,
  }),
  norm: signature('norm', ['input', 'p', 'dim', 'keepdim'], {
    input: T, p: optional(NORM_P, 'fro'), dim: optional(A.nullable(DIMS), null), keepdim: optional(A.bool, false), dtype: DTYPE,
  }),
  linalgNorm: signature('linalg.norm', ['input', 'ord', 'dim', 'keepdim'], {
    input: T, ord: optional(A.nullable(MATRIX_ORD), null), dim: optional(A.nullable(DIMS), null), keepdim: optional(A.bool, false), dtype: DTYPE,
  }),
  cdist: signature('cdist', ['x1', 'x2', 'p'], {
    x1: T, x2: T, p: optional(A.anyValue<number>(), 2),
    computeMode: optional(A.oneOf('use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'), 'use_mm_for_euclid_dist_if_necessary'),
  }),
};

/** linalg's dtype rules: a floating input, and a `dtype` that it converts to without narrowing. */
function linalgDTypes(x: Tensor, dtype: DType | null, op: string): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating point tensor as input, got ${x.dtype}`);
  if (dtype === null) return;
  if (!isFloating(dtype)) throw new DTypeError(`${op}: dtype should be floating point, got ${dtype}`);
  if (promoteTypes(x.dtype, dtype) !== dtype) throw new DTypeError(`${op}: the dtype of the input (${x.dtype}) should be convertible without narrowing to the specified dtype (${dtype})`);
}

/** `pNorm` of x cast to `dtype` first (when given). */
function normAs(x: Tensor, dtype: DType | null, p: number, dims: number[] | null, keepdim: boolean, op: string): Tensor {
  if (dtype === null || dtype === x.dtype) return pNorm(x, p, dims, keepdim, 'split', op);
  return scopeSync(() => pNorm(x.to(dtype), p, dims, keepdim, 'split', op));
}

/** @internal linalg.vectorNorm with parsed arguments. */
export function vectorNormOp(x: Tensor, ord: number, dim: number | readonly number[] | null, keepdim: boolean, dtype: DType | null, op = 'linalg.vectorNorm'): Tensor {
  { const cx = complexOperand(x); if (cx !== null) return complexHook('composite', op, cx)('linalg.vectorNorm', [x, ord, dim, keepdim, dtype, op]) as Tensor; }
  needInput(x, op);
  linalgDTypes(x, dtype, op);
  const dims = reduceDims(x, dim, op);
  checkIdentity(x, ord, dims, op);
  return normAs(x, dtype, ord, dims, keepdim, op);
}

/** @internal torch.norm (at::norm) with a numeric p: an empty reduction is 0; `dtype` may narrow or take integers. */
export function normOp(x: Tensor, p: number, dim: number | readonly number[] | null, keepdim: boolean, dtype: DType | null, op = 'norm'): Tensor {
  { const cx = complexOperand(x); if (cx !== null) return complexHook('composite', op, cx)('norm', [x, p, dim, keepdim, dtype, op]) as Tensor; }
  needInput(x, op);
  if (dtype !== null && !isFloating(dtype)) throw new DTypeError(`${op}: the desired output dtype should be floating point, got ${dtype}`);
  if (dtype === null && !isFloating(x.dtype)) throw new DTypeError(`${op}: input dtype should be floating point, got ${x.dtype}`);
  return normAs(x, dtype, p, reduceDims(x, dim, op), keepdim, op);
}

// ---- the public functions --------------------------------------------------------------------------

/** Options of linalg.vectorNorm (torch.linalg.vector_norm's keywords). */
export interface VectorNormOptions {
  ord?: NormOrd;
  /** Dim(s) to reduce; every dim when null (the default) or []. */
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
  /** Cast the input to this floating dtype first (it may only widen the input's). */
  dtype?: DType | null;
}

/**
 * The `ord`-norm of `x` as a vector over `dim` (every dim by default), as
 * `torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)`: (Σ|x|^ord)^(1/ord);
 * `Infinity` is max|x|, `-Infinity` min|x|, 0 the count of non-zero elements. The input must be
 * floating. The inf and negative norms of an empty reduction are refused, as in PyTorch.
 * ```ts
 * fl.linalg.vectorNorm(x);                                // the 2-norm of all elements
 * fl.linalg.vectorNorm(x, Infinity, 1, true);             // max |x| of each row, keepdim
 * ```
 */
export function vectorNorm(input: Tensor, ...args: ArgsThenOptions<[ord: NormOrd, dim: number | readonly number[] | null, keepdim: boolean], VectorNormOptions>): Tensor;
export function vectorNorm(...args: unknown[]): Tensor {
  const o = ARGS.vectorNorm.parse(args);
  if (o.dtype === null) { const r = runFloat32(vectorNormOp, [o.input, o.ord, o.dim, o.keepdim, null]); if (r) return r; }
  return vectorNormOp(o.input, o.ord, o.dim, o.keepdim, o.dtype);
}

/** Options of linalg.matrixNorm (torch.linalg.matrix_norm's keywords). */
export interface MatrixNormOptions {
  ord?: MatrixNormOrd;
  /** The two dims that hold the matrices (default [-2, -1]); the others are batch dims. */
  dim?: readonly number[];
  keepdim?: boolean;
  /** Cast the input to this floating dtype first (it may only widen the input's). */
  dtype?: DType | null;
}

/**
 * The matrix norm of `A` over the two dims `dim`, as `torch.linalg.matrix_norm(A, ord='fro',
 * dim=(-2, -1), keepdim=False, *, dtype=None)`: 'fro' (√Σ|a|²), 1 / -1 (max / min column sum of
 * |a|), Infinity / -Infinity (max / min row sum), 'nuc' / 2 / -2 (sum / max / min of the
 * singular values, from linalg.svdvals).
 * ```ts
 * fl.linalg.matrixNorm(A);            // Frobenius norm of each matrix in the batch
 * fl.linalg.matrixNorm(A, Infinity);  // max row sum
 * ```
 */
export function matrixNorm(input: Tensor, ...args: ArgsThenOptions<[ord: MatrixNormOrd, dim: readonly number[], keepdim: boolean], MatrixNormOptions>): Tensor;
export function matrixNorm(...args: unknown[]): Tensor {
  const o = ARGS.matrixNorm.parse(args);
  if (o.dtype === null) { const r = runFloat32(matrixNormOp, [o.input, o.ord, o.dim, o.keepdim, null]); if (r) return r; }
  return matrixNormOp(o.input, o.ord, o.dim, o.keepdim, o.dtype);
}

function matrixNormOp(A_: Tensor, ord: MatrixNormOrd, dim: readonly number[], keepdim: boolean, dtype: DType | null): Tensor {
  const op = 'linalg.matrixNorm';
  { const cx = complexOperand(A_); if (cx !== null) return complexHook('composite', op, cx)('linalg.matrixNorm', [A_, ord, dim, keepdim, dtype]) as Tensor; }
  needInput(A_, op, 'A');
  if (A_.ndim < 2) throw new ShapeError(`${op}: the input tensor A must have at least 2 dims, got shape ${fmt(A_._shape)}`);
  linalgDTypes(A_, dtype, op);
  const d = dim.map((x) => normDim(x, A_.ndim, op));
  if (d[0] === d[1]) throw new ValueError(`${op}: dims must be different, got ${describeArg(dim)}`);
  if (ord === 'nuc' || ord === 2 || ord === -2) return spectralNorm(A_, ord, d, keepdim, dtype, op);
  if (ord === 'fro') return normAs(A_, dtype, 2, d.slice().sort((a, b) => a - b), keepdim, op);
  if (Math.abs(ord) !== 1 && Math.abs(ord) !== Infinity) throw new ValueError(`${op}: ord ${describeArg(ord)} is not supported (supported: 'fro', 'nuc', 2, -2, 1, -1, Infinity, -Infinity)`);
  // the 1-norm sums |a| down the columns (over dim[0]) and takes the max over dim[1]; inf is the
  // 1-norm of the transpose
  let [r, c] = Math.abs(ord) === Infinity ? [d[1], d[0]] : [d[0], d[1]];
  if (!keepdim && r < c) c--;
  return scopeSync(() => {
    const sums = normAs(A_, dtype, 1, [r], keepdim, op);
    if (sums._shape[c] === 0) throw new IndexError(`${op}: the ${String(ord)} norm of matrices of shape ${fmt([A_._shape[d[0]], A_._shape[d[1]]])} takes the ${ord > 0 ? 'max' : 'min'} over an empty dim (input ${fmt(A_._shape)})`);
    return ord > 0 ? amax(sums, c, keepdim) : amin(sums, c, keepdim);
  });
}

/**
 * The 'nuc' (sum), 2 (max) and -2 (min) norms of the singular values of the matrices over dims `d`
 * (linalg.svdvals of A with those dims moved last, as torch computes them; differentiable).
 */
function spectralNorm(A_: Tensor, ord: 'nuc' | 2 | -2, d: number[], keepdim: boolean, dtype: DType | null, op: string): Tensor {
  // as torch: the input's own dtype must be float32 or float64 (a wider `dtype` does not help)
  if (A_.dtype !== 'float32' && A_.dtype !== 'float64') throw new DTypeError(`${op}: ord ${describeArg(ord)} needs a singular value decomposition, which takes float32 or float64 (low precision dtypes are not supported), got ${A_.dtype}`);
  return scopeSync(() => {
    const x = dtype !== null && dtype !== A_.dtype ? A_.to(dtype) : A_;
    const rest = range(x.ndim).filter((i) => i !== d[0] && i !== d[1]);
    const S = svdvalsOf(permute(x, [...rest, d[0], d[1]]), op);
    if (S._shape[S.ndim - 1] === 0 && ord !== 'nuc') throw new IndexError(`${op}: the ${String(ord)} norm of matrices of shape ${fmt([A_._shape[d[0]], A_._shape[d[1]]])} takes the ${ord === 2 ? 'max' : 'min'} over no singular values (input ${fmt(A_._shape)})`);
    let r = ord === 'nuc' ? sum(S, -1) : ord === 2 ? amax(S, -1) : amin(S, -1);
    if (keepdim) for (const i of d.slice().sort((a, b) => a - b)) r = unsqueeze(r, i);
    return r;
  });
}

/** Options of fl.norm and Tensor.norm (torch.norm's keywords; `out` is not supported). */
export interface NormOptions {
  p?: NormP | null;
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
  /** Cast the input to this floating dtype first (any input dtype; not with 'fro'). */
  dtype?: DType | null;
}

/**
 * `torch.norm(input, p='fro', dim=None, keepdim=False, dtype=None)`: the `p`-norm of `input` as a
 * vector over `dim` (every dim by default). 'fro' is the 2-norm over at most two dims; a number is
 * the vector norm (see {@link vectorNorm}). As torch.norm (and unlike linalg.vectorNorm), an empty
 * reduction gives 0 for every p, and `dtype` may narrow the input or convert an integer one.
 * 'nuc' is the nuclear norm (sum of singular values) of a 2-D input or of the matrices over two dims.
 * ```ts
 * fl.norm(x);               // Frobenius norm of all elements
 * x.norm(1, -1, true);      // L1 norm of each row, keepdim
 * ```
 */
export function norm(input: Tensor, ...args: ArgsThenOptions<[p: NormP | null, dim: number | readonly number[] | null, keepdim: boolean], NormOptions>): Tensor;
export function norm(...args: unknown[]): Tensor {
  const o = ARGS.norm.parse(args);
  if (o.dtype === null) { const r = runFloat32(normAny, [o.input, o.p, o.dim, o.keepdim, null]); if (r) return r; }
  return normAny(o.input, o.p, o.dim, o.keepdim, o.dtype);
}

function normAny(x: Tensor, p: NormP, dim: number | readonly number[] | null, keepdim: boolean, dtype: DType | null): Tensor {
  const op = 'norm';
  if (p === 'nuc') {
    needInput(x, op);
    // torch.norm(x, 'nuc'): the nuclear norm of a matrix (dim null: x must be 2-D) or of the matrices over two dims
    const dims = dim === null ? (x.ndim === 2 ? [0, 1] : null) : Array.isArray(dim) && dim.length === 2 ? dim : null;
    if (dims === null) throw new ValueError(`${op}: p 'nuc' takes a 2-D input or two dims, got shape ${fmt(x._shape)} and dim ${describeArg(dim)}`);
    return matrixNormOp(x, 'nuc', dims, keepdim, dtype);
  }
  if (p === 'fro') {
    if (dtype !== null) throw new ValueError(`${op}: the dtype option is not supported with p 'fro' (as torch.norm)`);
    if (Array.isArray(dim) && dim.length > 2) throw new ValueError(`${op}: p 'fro' takes at most 2 dims, got ${describeArg(dim)}`);
    return normOp(x, 2, dim, keepdim, null, op);
  }
  return normOp(x, p, dim, keepdim, dtype, op);
}

/** Options of cdist. */
export interface CdistOptions {
  p?: number;
  /**
   * torch's choice of the matrix-product form for p = 2 on large inputs. flintml always computes
   * the differences (each mode gives the same distances up to rounding); the value is checked.
   */
  computeMode?: 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';
}

/**
 * The `p`-norm distance between each row of `x1` [..., P, M] and each row of `x2` [..., R, M]:
 * [..., P, R], the batch dims broadcast, as `torch.cdist(x1, x2, p=2.0)`. The gradient at a zero
 * distance is 0, and the inf-norm gives each tied element the whole gradient, as torch's cdist.
 * Computed from the [..., P, R, M] differences (memory grows with P·R·M).
 * ```ts
 * fl.cdist(a, b);          // Euclidean distances [P, R]
 * fl.cdist(a, b, 1);       // Manhattan
 * ```
 */
export function cdist(x1: Tensor, x2: Tensor, ...args: ArgsThenOptions<[p: number], CdistOptions>): Tensor;
export function cdist(...args: unknown[]): Tensor {
  const o = ARGS.cdist.parse(args);
  const r = runFloat32(cdistOp, [o.x1, o.x2, o.p]); if (r) return r;
  return cdistOp(o.x1, o.x2, o.p);
}

function cdistOp(x1: Tensor, x2: Tensor, p: number): Tensor {
  const op = 'cdist';
  needInput(x1, op, 'x1'); needInput(x2, op, 'x2');
  if (x1.ndim < 2 || x2.ndim < 2) throw new ShapeError(`${op}: expected x1 and x2 of at least 2 dims, got shapes ${fmt(x1._shape)} and ${fmt(x2._shape)}`);
  if (!isFloating(x1.dtype) || !isFloating(x2.dtype)) throw new DTypeError(`${op}: only floating point dtypes are supported, got ${x1.dtype} and ${x2.dtype}`);
  if (x1.dtype !== x2.dtype) throw new DTypeError(`${op}: x1 and x2 must have the same dtype, got ${x1.dtype} and ${x2.dtype}`);
  const m1 = x1._shape[x1.ndim - 1], m2 = x2._shape[x2.ndim - 1];
  if (m1 !== m2) throw new ShapeError(`${op}: x1 ${fmt(x1._shape)} and x2 ${fmt(x2._shape)} must have the same number of columns (last dim)`);
  if (typeof p !== 'number' || !(p >= 0)) throw new ValueError(`${op}: p must be a non-negative number, got ${describeArg(p)}`);
  broadcastShapes(op, x1._shape.slice(0, -2), x2._shape.slice(0, -2));
  const dt = x1.dtype;
  return scopeSync(() => {
    // 16-bit inputs: the differences too in float32, rounded once at the end
    const a = dt === 'float16' || dt === 'bfloat16' ? x1.to('float32') : x1, b = a === x1 ? x2 : x2.to('float32');
    const diff = sub(unsqueeze(a, -2), unsqueeze(b, -3));  // [..., P, R, M]
    const d = pNorm(diff, p, [diff.ndim - 1], false, 'all', op);
    return d.dtype === dt ? d : d.to(dt);
  });
}

/** Options of linalg.norm (torch.linalg.norm's keywords). */
export interface LinalgNormOptions {
  /** A vector order (a number) or a matrix order ('fro', 'nuc', or a number); null: 2 or 'fro'. */
  ord?: MatrixNormOrd | null;
  /** null: every element as one vector (ord null) or the 1-D / 2-D input itself; one dim: vector norms; two dims: matrix norms. */
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
  /** Cast the input to this floating dtype first (it may only widen the input's). */
  dtype?: DType | null;
}

/**
 * A vector or a matrix norm, as `torch.linalg.norm(A, ord=None, dim=None, keepdim=False, *,
 * dtype=None)`: with one dim (or a 1-D input) it is `linalg.vectorNorm`, with two dims (or a 2-D
 * input) `linalg.matrixNorm`; with neither `ord` nor `dim`, the 2-norm of all elements.
 * ```ts
 * fl.linalg.norm(x);                 // √Σx² over every element
 * fl.linalg.norm(A, 'nuc');          // the nuclear norm of the matrix A
 * fl.linalg.norm(x, 1, -1);          // the 1-norm of each row
 * ```
 */
export function linalgNorm(input: Tensor, ...args: ArgsThenOptions<[ord: MatrixNormOrd | null, dim: number | readonly number[] | null, keepdim: boolean], LinalgNormOptions>): Tensor;
export function linalgNorm(...args: unknown[]): Tensor {
  const op = 'linalg.norm';
  const o = ARGS.linalgNorm.parse(args);
  const x = o.input;
  needInput(x, op, 'A');
  const dims = o.dim === null ? null : typeof o.dim === 'number' ? [o.dim] : o.dim;
  let matrix: boolean;
  if (dims !== null) {
    if (dims.length !== 1 && dims.length !== 2) throw new ShapeError(`${op}: If dim is specified, it must be of length 1 or 2. Got [${dims.join(', ')}] (input shape ${fmt(x._shape)})`);
    matrix = dims.length === 2;
  } else if (o.ord !== null) {
    if (x.ndim !== 1 && x.ndim !== 2) throw new ShapeError(`${op}: If dim is not specified but ord is, the input must be 1D or 2D. Got ${x.ndim}D (shape ${fmt(x._shape)})`);
    matrix = x.ndim === 2;
  } else {
    matrix = false;
  }
  if (matrix) {
    const d = dims ?? [-2, -1];
    const ord = o.ord ?? 'fro';
    if (o.dtype === null) { const r = runFloat32(matrixNormOp, [x, ord, d, o.keepdim, null]); if (r) return r; }
    return matrixNormOp(x, ord, d, o.keepdim, o.dtype);
  }
  if (typeof o.ord === 'string') throw new ValueError(`${op}: the order '${o.ord}' is a matrix norm's; a vector norm (${dims === null ? 'a 1-D input' : 'one dim'}) takes a number (input shape ${fmt(x._shape)})`);
  const ord = o.ord ?? 2;
  if (o.dtype === null) { const r = runFloat32(vectorNormOp, [x, ord, dims, o.keepdim, null]); if (r) return r; }
  return vectorNormOp(x, ord, dims, o.keepdim, o.dtype);
}

/**
 * `torch.linalg`'s norms: `fl.linalg.norm(A, ord, dim, keepdim)`, `fl.linalg.vectorNorm(x, ord, dim, keepdim, { dtype })` and
 * `fl.linalg.matrixNorm(A, ord, dim, keepdim, { dtype })`.
 * ```ts
 * const n = fl.linalg.vectorNorm(x, 2, -1);
 * ```
 */
export const linalg: {
  readonly norm: typeof linalgNorm; readonly vectorNorm: typeof vectorNorm; readonly matrixNorm: typeof matrixNorm;
  readonly qr: typeof qr; readonly eigh: typeof eigh; readonly eigvalsh: typeof eigvalsh; readonly svd: typeof svd;
  readonly svdvals: typeof svdvals; readonly pinv: typeof pinv; readonly matrixRank: typeof matrixRank;
  readonly lstsq: typeof lstsq; readonly cond: typeof cond;
} & typeof linalgSolvers & typeof linalgEig = Object.freeze({ norm: linalgNorm, vectorNorm, matrixNorm, qr, eigh, eigvalsh, svd, svdvals, pinv, matrixRank, lstsq, cond, ...linalgSolvers, ...linalgEig });
setMatrixNorm((x, ord) => matrixNormOp(x, ord, [-2, -1], false, null));

// ---- Tensor.norm -------------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link norm}: `x.norm()`, `x.norm(1, -1, true)`, `x.norm(2, { dim: 1 })`. */
    norm(...args: ArgsThenOptions<[p: NormP | null, dim: number | readonly number[] | null, keepdim: boolean], NormOptions>): Tensor;
  }
}
Tensor.prototype.norm = function (this: Tensor, ...args: unknown[]) { return (norm as (...a: unknown[]) => Tensor)(this, ...args); };
