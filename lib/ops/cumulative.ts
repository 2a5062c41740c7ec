// cumulative.ts — the running extrema and the running log-sum-exp along one dim: cummax, cummin and
// logcumsumexp, as torch's. They are compositions of existing ops (so the CPU and the GPU run them
// alike, with no kernel of their own): a Hillis–Steele scan of ceil(log2 n) steps, where step k
// combines each position i >= 2^k with position i - 2^k by an associative rule and keeps the first
// 2^k positions. The steps run without a graph; each op records one autograd node.
//
// cummax/cummin follow torch's CPU loop exactly: a later element replaces the running extremum when
// it is NaN or (the running one is not NaN and) it is >= (cummax) / <= (cummin) the running one, so
// the LAST of equal values gives the index, a NaN stays the extremum once seen, and each later NaN
// takes its place (its index). On two segments' results (vL, iL) then (vR, iR) the same rule, with
// vR for the element, gives the result of the concatenation: that is the scan's combine. Values keep
// the dtype (bool, uint8, int32 too); indices are int32 (torch: int64). The gradient of the values
// scatter-adds g at the indices.
//
// logcumsumexp combines with logaddexp(a, b) = max(a, b) + log1p(exp(-|a - b|)), with |a - b| taken
// as 0 where a == b so that -inf and -inf give -inf (and inf and inf give inf), not NaN. Floating
// inputs only (torch refuses integers); float16/bfloat16 compute in float32 (torch's CPU accumulates
// in float). Its gradient is torch's formula: sum over j >= i of g_j exp(x_i - y_j), computed in log
// space for the positive and the negative parts of g separately (reverse logcumsumexp of
// log|g| - y, then + x, then exp), so that it neither overflows nor underflows. As in torch, it is
// NaN at the positions whose running value is -inf (all of the slice so far is -inf: 0/0) and at
// +inf inputs; 0 at a -inf input that follows a finite one. It is written with differentiable ops,
// so second derivatives (createGraph) flow through it.
import { describeArg } from '../arity';
import { anyValue, optional, Param, required, signature } from '../args';
import { needsGrad, noGrad, record } from '../autograd';
import { DType, isFloating } from '../dtype';
import { DTypeError, ValueError } from '../errors';
import { normDim } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import { arange, zeros } from './creation';
import { abs, add, eq, exp, ge, gt, isnan, le, log, log1p, logicalOr, lt, maximum, neg, sub, where } from './elementwise';
import { flip, scatterIntoZeros } from './indexing';
import { ValuesIndices, valuesIndices } from './reduce';
import { cat, expand, narrow, reshape } from './views';

// torch's signatures `(input, dim)`: positional, or `dim` as a keyword (`x.cummax({ dim: 1 })`). dim is required by
// the ops' own check (optional here so that a missing one gets the same message as before).
const dimArgs = (fn: string) => signature(fn, ['input', 'dim'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()) as Param<number> });
const ARGS = { cummax: dimArgs('cummax'), cummin: dimArgs('cummin'), logcumsumexp: dimArgs('logcumsumexp') };
/** `dim` as a keyword. */
type DimOption = { dim: number };

function need(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor as input, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

/** dim of x (negative counts from the end; a 0-dim tensor has dims 0 and -1, as in torch). */
function dimOf(x: Tensor, dim: unknown, op: string): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new ValueError(`${op}: dim must be an integer, got ${describeArg(dim)} (input shape [${x._shape.join(', ')}])`);
  return normDim(dim, x.ndim, op);
}

/**
 * The inclusive scan of the tuple `state` (tensors of one shape) along d with an associative
 * `combine(earlier, later)`: ceil(log2 n) steps, each a fresh tuple (the steps' temporaries are
 * freed as it goes). Returns `state` itself when the dim has fewer than two elements.
 */
function scan(state: readonly Tensor[], d: number, combine: (earlier: Tensor[], later: Tensor[]) => Tensor[]): readonly Tensor[] {
  const n = state[0]._shape[d];
  let cur = state;
  for (let k = 1; k < n; k *= 2) {
    const prev = cur;
    cur = scopeSync(() => {
      const later = combine(prev.map((t) => narrow(t, d, 0, n - k)), prev.map((t) => narrow(t, d, k, n - k)));
      return prev.map((t, j) => cat([narrow(t, d, 0, k), later[j]], d));
    });
    if (prev !== state) for (const t of prev) t.dispose();
  }
  return cur;
}

// ---- cummax, cummin -------------------------------------------------------------------------------

function runningExtremum(isMax: boolean, x: Tensor, dim: number): ValuesIndices {
  const op = isMax ? 'cummax' : 'cummin';
  need(x, op);
  const d = dimOf(x, dim, op);
  const shape = x._shape, dev = x.device, floating = isFloating(x.dtype);
  const [values, indices] = noGrad(() => scopeSync(() => {
    // a 0-dim tensor is its own running extremum, at index 0; so is a slice of one element
    if (shape.length === 0 || x.numel === 0 || shape[d] === 1) return [x.clone(), zeros(shape, { dtype: 'int32', device: dev })];
    const n = shape[d];
    const positions = expand(reshape(arange(n, { dtype: 'int32', device: dev }), [n, ...shape.slice(d + 1).map(() => 1)]), shape);
    const [v, i] = scan([x, positions], d, ([vL, iL], [vR, iR]) => {
      const better = isMax ? ge(vR, vL) : le(vR, vL);
      // (a comparison with a NaN is false: a NaN on the left stays unless the right is NaN too)
      const take = floating ? logicalOr(isnan(vR), better) : better;
      return [where(take, vR, vL), where(take, iR, iL)];
    });
    return [v, i];
  }));
  if (needsGrad(x)) {
    const xShape = shape, xDt = x.dtype;
    // the gradient of each value goes to the element it came from (several values may share one)
    record(op, [x], [values], [indices], ([g], [idx]) => scopeSync(() => [
      xShape.length === 0 ? g!.clone() : scatterIntoZeros(xShape, xDt, dev, d, idx, g!, true),
    ]));
  }
  return valuesIndices(values, indices);
}

/**
 * The running maximum along `dim` and where it was found, as `torch.cummax`: `[values, indices]`
 * with `.values` and `.indices` (int32 indices; values keep the dtype). Of equal values the last
 * gives the index; a NaN, once seen, stays the maximum (each later NaN takes its place).
 *
 * ```ts
 * const [v, i] = fl.cummax(fl.tensor([1, 3, 2, 3]), 0);  // v [1, 3, 3, 3], i [0, 1, 1, 3]
 * ```
 */
export function cummax(input: Tensor, dim: number): ValuesIndices;
export function cummax(input: Tensor, options: DimOption): ValuesIndices;
export function cummax(): ValuesIndices {
  const { input, dim } = ARGS.cummax.parse(arguments as unknown as unknown[]);
  return runningExtremum(true, input, dim);
}

/**
 * The running minimum along `dim` and where it was found, as `torch.cummin` (see {@link cummax}:
 * the last of equal values gives the index, NaN stays once seen).
 *
 * ```ts
 * const { values, indices } = fl.cummin(fl.tensor([3, 1, 2, 1]), 0);  // [3, 1, 1, 1], [0, 1, 1, 3]
 * ```
 */
export function cummin(input: Tensor, dim: number): ValuesIndices;
export function cummin(input: Tensor, options: DimOption): ValuesIndices;
export function cummin(): ValuesIndices {
  const { input, dim } = ARGS.cummin.parse(arguments as unknown as unknown[]);
  return runningExtremum(false, input, dim);
}

// ---- logcumsumexp --------------------------------------------------------------------------------

/** log(exp(a) + exp(b)), stable, with -inf/-inf → -inf and inf/inf → inf (NaN stays NaN). */
function logaddexp(a: Tensor, b: Tensor): Tensor {
  const gap = where(eq(a, b), 0, abs(sub(a, b)));
  return add(maximum(a, b), log1p(exp(neg(gap))));
}

/** The most negative finite value of a floating dtype (torch's numeric_limits::lowest in its gradient). */
const LOWEST: Partial<Record<DType, number>> = { float64: -Number.MAX_VALUE, float32: -3.4028234663852886e38 };

/** The dtype logcumsumexp computes in: float32 for the 16-bit ones. */
const wideOf = (dt: DType): DType => (dt === 'float16' || dt === 'bfloat16' ? 'float32' : dt);

/** logcumsumexp of a floating x along d (a valid dim), recorded when x requires grad and grad mode is on. */
function logcumsumexpAlong(x: Tensor, d: number): Tensor {
  const y = noGrad(() => scopeSync(() => {
    if (x.ndim === 0 || x.numel === 0) return x.clone();
    const wide = wideOf(x.dtype);
    const src = wide === x.dtype ? x : x.to(wide);
    const [r] = scan([src], d, ([a], [b]) => [logaddexp(a, b)]);
    return r === x ? r.clone() : r.dtype === x.dtype ? r : r.to(x.dtype);
  }));
  if (needsGrad(x)) {
    record('logcumsumexp', [x], [y], [x, y], ([g], [sx, sy]) => scopeSync(() => [logcumsumexpBackward(g!, sx, sy, d)]), true);
  }
  return y;
}

/**
 * torch's gradient of y = logcumsumexp(x): sum over j >= i of g_j exp(x_i - y_j), as
 * exp(revLCSE(log g⁺ - y) + x) - exp(revLCSE(log g⁻ - y) + x) (revLCSE: logcumsumexp from the end),
 * with the lowest finite value for log 0. Differentiable ops only (createGraph).
 */
function logcumsumexpBackward(g: Tensor, x: Tensor, y: Tensor, d: number): Tensor {
  if (x.ndim === 0 || x.numel === 0) return g.clone();
  const dt = x.dtype, wide = wideOf(dt);
  const [G, X, Y] = [g, x, y].map((t) => (t.dtype === wide ? t : t.to(wide)));
  const low = LOWEST[wide]!;
  // log|g|, with a stand-in 1 where g is 0 (masked out below) so that its own gradient has no 0/0
  const logAbs = log(where(eq(G, 0), 1, abs(G)));
  const part = (sel: Tensor): Tensor => {
    const fromEnd = flip(logcumsumexpAlong(flip(sub(where(sel, logAbs, low), Y), d), d), d);
    return exp(add(fromEnd, X));
  };
  const r = sub(part(gt(G, 0)), part(lt(G, 0)));
  return r.dtype === dt ? r : r.to(dt);
}

/**
 * log(cumsum(exp(x))) along `dim`, computed stably (never forming exp(x)), as
 * `torch.logcumsumexp`. Floating inputs only (integer and bool inputs are refused, as in torch);
 * -inf entries add nothing, an inf makes the rest inf, a NaN makes the rest NaN.
 *
 * ```ts
 * fl.logcumsumexp(fl.tensor([0, 0, Math.log(2)]), 0).toArray();  // [0, log 2, log 4]
 * ```
 */
export function logcumsumexp(input: Tensor, dim: number): Tensor;
export function logcumsumexp(input: Tensor, options: DimOption): Tensor;
export function logcumsumexp(): Tensor {
  const { input, dim } = ARGS.logcumsumexp.parse(arguments as unknown as unknown[]);
  need(input, 'logcumsumexp');
  const d = dimOf(input, dim, 'logcumsumexp');
  if (!isFloating(input.dtype)) throw new DTypeError(`logcumsumexp: expected a floating input, got ${input.dtype} of shape [${input._shape.join(', ')}] (as torch, which has no integer logcumsumexp; cast it first)`);
  return logcumsumexpAlong(input, d);
}

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link cummax}: `const [values, indices] = x.cummax(1)`. */
    cummax(dim: number | DimOption): ValuesIndices;
    /** See {@link cummin}. */
    cummin(dim: number | DimOption): ValuesIndices;
    /** See {@link logcumsumexp}. */
    logcumsumexp(dim: number | DimOption): Tensor;
  }
}

const P = Tensor.prototype;
P.cummax = function (this: Tensor, ...a: unknown[]) { return (cummax as (...b: unknown[]) => ValuesIndices)(this, ...a); };
P.cummin = function (this: Tensor, ...a: unknown[]) { return (cummin as (...b: unknown[]) => ValuesIndices)(this, ...a); };
P.logcumsumexp = function (this: Tensor, ...a: unknown[]) { return (logcumsumexp as (...b: unknown[]) => Tensor)(this, ...a); };
