// softmax.ts — ops along one dim: softmax, logSoftmax (stable: the max is subtracted), cumsum and
// cumprod. The input is made contiguous (a no-op when it already is) and viewed as
// (outer, n, inner) around the dim; the kernels (native/cpu/softmax.cpp) write a fresh contiguous
// output. softmax/logSoftmax of integer tensors compute in float32 (PyTorch refuses them without
// `dtype`); cumsum/cumprod of bool, uint8 and int32 give int32 (PyTorch: int64).
// Gradients: all four (cumprod exactly, zeros included); see "gradients" below.
import { anyValue, ArgsThenOptions, optional, Param, required, signature } from '../args';
import { isGradEnabled, needsGrad, record } from '../autograd';
import { traced, traceState } from '../trace';
import { cumprodScan } from '../onnx/lower';
import { runFloat32 } from '../amp';
import { checkDType, DType, isFloating } from '../dtype';
import { ValueError } from '../errors';
import { call, opId } from '../native';
import { normDim } from '../shape';
import { complexHook, contiguousCopy, emptyTensor, isComplexTensor, scopeSync, Tensor } from '../tensor';
import { div, eq, exp, logicalAnd, mul, sub, where } from './elementwise';
import { flip } from './indexing';
import { sum } from './reduce';

// torch's signatures `(input, dim, dtype=None)`: positional, or keywords (`x.cumsum({ dim: 1 })`). dim is required
// by the ops' own check (optional here so that a missing one gets the same message as before).
// The values are checked by the ops themselves, as for a positional call.
const alongDimArgs = (fn: string) => signature(fn, ['input', 'dim', 'dtype'], {
  input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()) as Param<number>, dtype: optional(anyValue<DType>()),
});
const ARGS = { softmax: alongDimArgs('softmax'), logSoftmax: alongDimArgs('logSoftmax'), cumsum: alongDimArgs('cumsum'), cumprod: alongDimArgs('cumprod') };
/** The keyword `dtype` of softmax, logSoftmax, cumsum and cumprod. */
type DTypeOption = { dtype?: DType };
/** `dim` and `dtype` as keywords. */
type DimOptions = { dim: number; dtype?: DType };

const SOFTMAX_OP = opId('softmax');
const LOGSOFTMAX_OP = opId('logsoftmax');
const SCAN_OP = opId('scan');
const SCAN = { cumsum: 0, cumprod: 1 } as const;

function need(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${String(op)}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  x._handleFor(op);
  return x;
}

/** @internal Runs an along-dim kernel on a contiguous copy (cast to `inDt`) of x. */
function alongDim(id: number, op: string, x: Tensor, dim: number, inDt: DType, outDt: DType, params: number[]): Tensor {
  need(x, op);
  const shape = x._shape;
  const d = normDim(dim, shape.length, op);
  let outer = 1, inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  const n = shape.length === 0 ? 1 : shape[d];
  const src = x.dtype === inDt && x.isContiguous() ? x : contiguousCopy(x, op, inDt);
  try {
    const out = emptyTensor(shape, outDt, x._storage.device, false, op);
    try {
      if (outer * n * inner > 0) call(id, op, [out, src], [...params, outer, n, inner]);
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  } finally {
    if (src !== x) src.dispose();
  }
}

function floatDType(x: Tensor, dtype: DType | undefined, op: string): DType {
  if (dtype !== undefined) {
    const dt = checkDType(dtype, op);
    if (!isFloating(dt)) throw new ValueError(`${String(op)}: dtype must be floating, got ${String(dt)}`);
    return dt;
  }
  return isFloating(x.dtype) ? x.dtype : 'float32';
}

/**
 * exp(x) / sum(exp(x)) along `dim`, computed stably. Optional `dtype` casts the input first.
 * ```ts
 * fl.softmax(fl.tensor([[1, 2, 3]]), -1).toArray(); // [[0.090, 0.245, 0.665]]
 * ```
 */
export function softmax(input: Tensor, dim: number, ...args: ArgsThenOptions<[dtype: DType], DTypeOption>): Tensor;
/** `softmax(x, { dim })`, as torch's `x.softmax(dim=1)`. */
export function softmax(input: Tensor, options: DimOptions): Tensor;
export function softmax(): Tensor {
  const { input: x, dim, dtype } = ARGS.softmax.parse(arguments as unknown as unknown[]);
  return runFloat32(softmax, arguments) ?? normalize(SOFTMAX_OP, 'softmax', x, dim, dtype);  // autocast: float32 list
}

/** log(softmax(x)) along `dim`, computed as x - max - log(sum(exp(x - max))): `x.logSoftmax(1)` */
export function logSoftmax(input: Tensor, dim: number, ...args: ArgsThenOptions<[dtype: DType], DTypeOption>): Tensor;
/** `logSoftmax(x, { dim })`, as torch's `x.log_softmax(dim=1)`. */
export function logSoftmax(input: Tensor, options: DimOptions): Tensor;
export function logSoftmax(): Tensor {
  const { input: x, dim, dtype } = ARGS.logSoftmax.parse(arguments as unknown as unknown[]);
  return runFloat32(logSoftmax, arguments) ?? normalize(LOGSOFTMAX_OP, 'logSoftmax', x, dim, dtype);  // autocast: float32 list
}

/** softmax or logSoftmax: a floating output (of `dtype` when given), recorded for autograd. */
function normalize(code: number, op: 'softmax' | 'logSoftmax', x: Tensor, dim: number, dtype: DType | undefined): Tensor {
  const dt = floatDType(need(x, op), dtype, op);
  const y = alongDim(code, op, x, dim, dt, dt, []);
  if (needsGrad(x)) recordAlongDim(op, x, y, dim);
  const axis = normDim(dim, x._shape.length, op);
  return traceState.tracer === null ? y : traced(op, [x], y, (g, [vx]) => g.op(op === 'softmax' ? 'Softmax' : 'LogSoftmax', [g.cast(vx.name, vx.dtype, dt)], { axis }));
}

function scan(op: 'cumsum' | 'cumprod', x: Tensor, dim: number, dtype?: DType): Tensor {
  need(x, op);
  const inDt = dtype === undefined ? x.dtype : checkDType(dtype, op);
  const outDt: DType = isFloating(inDt) ? inDt : 'int32';
  const y = alongDim(SCAN_OP, op, x, dim, inDt, outDt, [SCAN[op]]);
  if (isFloating(outDt) && needsGrad(x)) recordAlongDim(op, x, y, dim);
  const axis = normDim(dim, x._shape.length, op);
  if (op === 'cumprod') {
    // ONNX has no cumulative product: a scan of Mul steps (lib/onnx/lower.ts)
    return traceState.tracer === null ? y : traced(op, [x], y, (g, [vx]) => cumprodScan(g, g.cast(vx.name, vx.dtype, outDt), outDt as 'float32' | 'float64' | 'int32', axis, Math.max(x.ndim, 1), x.ndim === 0 ? 1 : x._shape[axis]));
  }
  return traceState.tracer === null ? y : traced(op, [x], y, (g, [vx]) => g.op('CumSum', [g.cast(vx.name, vx.dtype, outDt), g.constant('int32', [], [axis])]));
}

// ---- gradients -------------------------------------------------------------------------------

/** Reverses dim d (a copy): the building block of reverse cumulative sums. */
/** sum_{j >= i} t_j along d. */
function reverseCumsum(t: Tensor, d: number): Tensor { return flip(cumsum(flip(t, d), d), d); }

type AlongDimOp = 'softmax' | 'logSoftmax' | 'cumsum' | 'cumprod';

let SOFTMAX_BACKWARD_OP: number | undefined;
/**
 * softmax's gradient y·(g - Σ g·y), or logSoftmax's g - exp(y)·Σ g, along dim d from the output y and
 * its gradient g: one native call (two passes over a row) where the composed form took four ops.
 */
function softmaxBackward(g: Tensor, y: Tensor, d: number, log: boolean): Tensor {
  if (SOFTMAX_BACKWARD_OP === undefined) SOFTMAX_BACKWARD_OP = opId('softmaxBackward');
  const op = log ? 'logSoftmax backward' : 'softmax backward';
  const gc = g.dtype === y.dtype && g.isContiguous() ? g : contiguousCopy(g, op, y.dtype);
  const yc = y.isContiguous() ? y : contiguousCopy(y, op);
  const shape = y._shape;
  let outer = 1, inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  const n = shape.length === 0 ? 1 : shape[d];
  const out = emptyTensor(shape, y.dtype, y._storage.device, false, op);
  try {
    if (outer * n * inner > 0) call(SOFTMAX_BACKWARD_OP, op, [out, gc, yc], [log ? 1 : 0, outer, n, inner]);
  } catch (e) { out.dispose(); throw e; } finally {
    if (gc !== g) gc.dispose();
    if (yc !== y) yc.dispose();
  }
  return out;
}

function recordAlongDim(op: AlongDimOp, x: Tensor, y: Tensor, dim: number): void {
  const d = normDim(dim, x._shape.length, op), xDt = x.dtype;
  // what each gradient reads: softmax's and logSoftmax's the output, cumprod's both, cumsum's neither
  record(op, [x], [y], op === 'cumprod' ? [x, y] : op === 'cumsum' ? [] : [y], ([g], saved) => scopeSync(() => {
    const G = g!;
    let r: Tensor;
    switch (op) {
      // with createGraph (grad mode) composed of recorded ops, so that it has a gradient of its own
      case 'softmax': r = isGradEnabled() ? mul(saved[0], sub(G, sum(mul(G, saved[0]), { dim: d, keepdim: true }))) : softmaxBackward(G, saved[0], d, false); break;
      case 'logSoftmax': r = isGradEnabled() ? sub(G, mul(exp(saved[0]), sum(G, { dim: d, keepdim: true }))) : softmaxBackward(G, saved[0], d, true); break;
      case 'cumsum': r = reverseCumsum(G, d); break;
      case 'cumprod': {
        // d y_j / d x_i = prod_{k <= j, k != i} x_k for j >= i. Before the first zero of a slice
        // that is y_j / x_i; at the first zero it is the cumprod with that zero replaced by 1;
        // after it, 0 (every such product holds the first zero).
        const [sx, Y] = saved;
        const X = sx.dtype === Y.dtype ? sx : sx.to(Y.dtype);
        const isZero = eq(X, 0);
        const zerosSoFar = cumsum(isZero, d);
        const before = eq(zerosSoFar, 0);
        const first = logicalAnd(isZero, eq(zerosSoFar, 1));
        const beforeGrad = div(reverseCumsum(mul(G, Y), d), where(before, X, 1));
        const firstGrad = reverseCumsum(mul(G, cumprod(where(first, 1, X), d)), d);
        r = where(before, beforeGrad, where(first, firstGrad, 0));
        break;
      }
    }
    return [r.dtype === xDt ? r : isGradEnabled() ? r.to(xDt) : contiguousCopy(r, 'backward', xDt)];
  }), true);
}

/**
 * Running sum along `dim` (integer and bool inputs give int32; `dtype` casts the input first).
 * `fl.cumsum(fl.tensor([1, 2, 3]), 0).toArray() // [1, 3, 6]`
 */
export function cumsum(input: Tensor, dim: number, ...args: ArgsThenOptions<[dtype: DType], DTypeOption>): Tensor;
/** `cumsum(x, { dim, dtype })`, as torch's `x.cumsum(dim=1)`. */
export function cumsum(input: Tensor, options: DimOptions): Tensor;
export function cumsum(): Tensor {
  const { input: x, dim, dtype } = ARGS.cumsum.parse(arguments as unknown as unknown[]);
  if (isComplexTensor(x)) return complexHook('composite', 'cumsum', x.dtype)('cumsum', [x, dim, dtype]) as Tensor;
  const lowp = runFloat32(cumsum, arguments); if (lowp) return lowp;  // autocast: float32 list
  return scan('cumsum', x, dim, dtype);
}

/** Running product along `dim`: `fl.cumprod(fl.tensor([1, 2, 3]), 0).toArray() // [1, 2, 6]` */
export function cumprod(input: Tensor, dim: number, ...args: ArgsThenOptions<[dtype: DType], DTypeOption>): Tensor;
/** `cumprod(x, { dim, dtype })`, as torch's `x.cumprod(dim=1)`. */
export function cumprod(input: Tensor, options: DimOptions): Tensor;
export function cumprod(): Tensor {
  const { input: x, dim, dtype } = ARGS.cumprod.parse(arguments as unknown as unknown[]);
  if (isComplexTensor(x)) return complexHook('composite', 'cumprod', x.dtype)('cumprod', [x, dim, dtype]) as Tensor;
  return scan('cumprod', x, dim, dtype);
}

declare module '../tensor' {
  interface Tensor {
    /** See {@link softmax}. */
    softmax(dim: number, ...args: ArgsThenOptions<[dtype: DType], DTypeOption>): Tensor;
    softmax(options: DimOptions): Tensor;
    /** See {@link logSoftmax}. */
    logSoftmax(dim: number, ...args: ArgsThenOptions<[dtype: DType], DTypeOption>): Tensor;
    logSoftmax(options: DimOptions): Tensor;
    /** See {@link cumsum}: `x.cumsum(1)` or `x.cumsum({ dim: 1 })`. */
    cumsum(dim: number, ...args: ArgsThenOptions<[dtype: DType], DTypeOption>): Tensor;
    cumsum(options: DimOptions): Tensor;
    /** See {@link cumprod}. */
    cumprod(dim: number, ...args: ArgsThenOptions<[dtype: DType], DTypeOption>): Tensor;
    cumprod(options: DimOptions): Tensor;
  }
}

const P = Tensor.prototype;
type AlongDimFn = (...a: unknown[]) => Tensor;
P.softmax = function (this: Tensor, ...a: unknown[]) { return (softmax as AlongDimFn)(this, ...a); } as Tensor['softmax'];
P.logSoftmax = function (this: Tensor, ...a: unknown[]) { return (logSoftmax as AlongDimFn)(this, ...a); } as Tensor['logSoftmax'];
P.cumsum = function (this: Tensor, ...a: unknown[]) { return (cumsum as AlongDimFn)(this, ...a); } as Tensor['cumsum'];
P.cumprod = function (this: Tensor, ...a: unknown[]) { return (cumprod as AlongDimFn)(this, ...a); } as Tensor['cumprod'];
