// softmax.ts — ops along one dim: softmax, logSoftmax (stable: the max is subtracted), cumsum and
// cumprod. The input is made contiguous (a no-op when it already is) and viewed as
// (outer, n, inner) around the dim; the kernels (native/cpu/softmax.cpp) write a fresh contiguous
// output. softmax/logSoftmax of integer tensors compute in float32 (PyTorch refuses them without
// `dtype`); cumsum/cumprod of bool, uint8 and int32 give int32 (PyTorch: int64).
import { checkDType, DType, isFloating } from '../dtype';
import { ValueError } from '../errors';
import { call, opId } from '../native';
import { normDim } from '../shape';
import { contiguousCopy, emptyTensor, Tensor } from '../tensor';

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
export function softmax(x: Tensor, dim: number, dtype?: DType): Tensor {
  const dt = floatDType(need(x, 'softmax'), dtype, 'softmax');
  return alongDim(SOFTMAX_OP, 'softmax', x, dim, dt, dt, []);
}

/** log(softmax(x)) along `dim`, computed as x - max - log(sum(exp(x - max))): `x.logSoftmax(1)` */
export function logSoftmax(x: Tensor, dim: number, dtype?: DType): Tensor {
  const dt = floatDType(need(x, 'logSoftmax'), dtype, 'logSoftmax');
  return alongDim(LOGSOFTMAX_OP, 'logSoftmax', x, dim, dt, dt, []);
}

function scan(op: 'cumsum' | 'cumprod', x: Tensor, dim: number, dtype?: DType): Tensor {
  need(x, op);
  const inDt = dtype === undefined ? x.dtype : checkDType(dtype, op);
  const outDt: DType = isFloating(inDt) ? inDt : 'int32';
  return alongDim(SCAN_OP, op, x, dim, inDt, outDt, [SCAN[op]]);
}

/**
 * Running sum along `dim` (integer and bool inputs give int32; `dtype` casts the input first).
 * `fl.cumsum(fl.tensor([1, 2, 3]), 0).toArray() // [1, 3, 6]`
 */
export function cumsum(x: Tensor, dim: number, dtype?: DType): Tensor {
  return scan('cumsum', x, dim, dtype);
}

/** Running product along `dim`: `fl.cumprod(fl.tensor([1, 2, 3]), 0).toArray() // [1, 2, 6]` */
export function cumprod(x: Tensor, dim: number, dtype?: DType): Tensor {
  return scan('cumprod', x, dim, dtype);
}

declare module '../tensor' {
  interface Tensor {
    /** See {@link softmax}. */
    softmax(dim: number, dtype?: DType): Tensor;
    /** See {@link logSoftmax}. */
    logSoftmax(dim: number, dtype?: DType): Tensor;
    /** See {@link cumsum}. */
    cumsum(dim: number, dtype?: DType): Tensor;
    /** See {@link cumprod}. */
    cumprod(dim: number, dtype?: DType): Tensor;
  }
}

const P = Tensor.prototype;
P.softmax = function (dim, dtype) { return softmax(this, dim, dtype); };
P.logSoftmax = function (dim, dtype) { return logSoftmax(this, dim, dtype); };
P.cumsum = function (dim, dtype) { return cumsum(this, dim, dtype); };
P.cumprod = function (dim, dtype) { return cumprod(this, dim, dtype); };
