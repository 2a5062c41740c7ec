// reshaping.ts — torch's shape, joining, splitting and diagonal utilities that PyTorch code uses
// every day: diff, meshgrid, tensordot, kron, trace, diag/diagEmbed/diagflat, trilIndices/triuIndices,
// logspace, the stacks (hstack, vstack/rowStack, dstack, columnStack), movedim/moveaxis,
// swapaxes/swapdims, unflatten, take, indexAdd/indexCopy/indexFill (and their in-place forms),
// repeatInterleave, tile, rot90, fliplr/flipud, blockDiag, tensorSplit/hsplit/vsplit/dsplit,
// atleast1d/2d/3d, cartesianProd, combinations, the scatters (selectScatter, sliceScatter,
// diagonalScatter) and trapezoid/cumulativeTrapezoid.
//
// Every function is a composition of existing ops (views, cat, where, scatter, gather, matmul, …),
// so it runs on the CPU and the GPU alike and its gradient is the one of its parts (torch's
// gradient: the parts are the same linear maps). Index results are int32 (DESIGN.md §8; torch:
// int64). Sizes that depend on data (repeatInterleave with a tensor of repeats) read that tensor
// once, as torch does.
import { describeArg } from '../arity';
import { anyValue, ArgsThenOptions, Param, isPlainObject, bool, either, int, nullable, num, oneOf, optional, required, signature, tensor as tensorCheck, tooManyArgs, arrayOf, dtype as dtypeCheck, device as deviceCheck } from '../args';
import { noGrad } from '../autograd';
import { DType, resultType } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { normDim } from '../shape';
import { Tensor } from '../tensor';
import { arange, tensor, zeros } from './creation';
import { add, checkInplace, logicalXor, mul, sub, where, lt } from './elementwise';
import { flip, indexSelect, scatter, scatterAdd } from './indexing';
import { matmul } from './matmul';
import { sum } from './reduce';
import { cumsum } from './softmax';
import { cat, diagonal, expand, narrow, permute, repeat, reshape, select, stack, transpose, unsqueeze } from './views';

// torch's keyword arguments (`x.movedim({ source: 0, destination: 1 })`, `fl.diag(x, { diagonal: 1 })`): the positional
// forms as before, or the same names in a trailing options object; the values are checked by the ops, as for a positional call.
const KW = {
  diagEmbed: signature('diagEmbed', ['input', 'offset', 'dim1', 'dim2'], { input: required(anyValue<Tensor>()), offset: optional(anyValue<number>()), dim1: optional(anyValue<number>()), dim2: optional(anyValue<number>()) }),
  diag: signature('diag', ['input', 'diagonal'], { input: required(anyValue<Tensor>()), diagonal: optional(anyValue<number>(), 0) }),
  diagflat: signature('diagflat', ['input', 'offset'], { input: required(anyValue<Tensor>()), offset: optional(anyValue<number>(), 0) }),
  movedim: signature('movedim', ['input', 'source', 'destination'], { input: required(anyValue<Tensor>()), source: optional(anyValue<number | readonly number[]>()) as Param<number | readonly number[]>, destination: optional(anyValue<number | readonly number[]>()) as Param<number | readonly number[]> }),
  moveaxis: signature('moveaxis', ['input', 'source', 'destination'], { input: required(anyValue<Tensor>()), source: optional(anyValue<number | readonly number[]>()) as Param<number | readonly number[]>, destination: optional(anyValue<number | readonly number[]>()) as Param<number | readonly number[]> }),
  swapaxes: signature('swapaxes', ['input', 'axis0', 'axis1'], { input: required(anyValue<Tensor>()), axis0: optional(anyValue<number>()) as Param<number>, axis1: optional(anyValue<number>()) as Param<number> }),
  swapdims: signature('swapdims', ['input', 'dim0', 'dim1'], { input: required(anyValue<Tensor>()), dim0: optional(anyValue<number>()) as Param<number>, dim1: optional(anyValue<number>()) as Param<number> }),
  unflatten: signature('unflatten', ['input', 'dim', 'sizes'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()) as Param<number>, sizes: optional(anyValue<readonly number[]>()) as Param<readonly number[]> }),
  take: signature('take', ['input', 'index'], { input: required(anyValue<Tensor>()), index: optional(anyValue<Tensor>()) as Param<Tensor> }),
  indexCopy: signature('indexCopy', ['input', 'dim', 'index', 'source'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()) as Param<number>, index: optional(anyValue<Tensor>()) as Param<Tensor>, source: optional(anyValue<Tensor>()) as Param<Tensor> }),
  indexFill: signature('indexFill', ['input', 'dim', 'index', 'value'], { input: required(anyValue<Tensor>()), dim: optional(anyValue<number>()) as Param<number>, index: optional(anyValue<Tensor>()) as Param<Tensor>, value: optional(anyValue<number | boolean | Tensor>()) as Param<number | boolean | Tensor> }),
  rot90: signature('rot90', ['input', 'k', 'dims'], { input: required(anyValue<Tensor>()), k: optional(anyValue<number>(), 1), dims: optional(anyValue<readonly number[]>(), [0, 1]) }),
  tensorSplit: signature('tensorSplit', ['input', 'indicesOrSections', 'dim'], { input: required(anyValue<Tensor>()), indicesOrSections: optional(anyValue<number | readonly number[] | Tensor>()) as Param<number | readonly number[] | Tensor>, dim: optional(anyValue<number>(), 0) }),
};
const argsOf = (a: IArguments): unknown[] => a as unknown as unknown[];

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

function need(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor as ${what}, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

function needInt(v: unknown, op: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(`${op}: ${what} must be an integer, got ${describeArg(v)}`);
  return v;
}

/** The tensors of a variadic call: `f(a, b)` or `f([a, b])`. */
function tensorList(args: readonly unknown[], op: string): Tensor[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return list.map((t, i) => need(t, op, `tensors[${i}]`));
}

/** A python-style slice bound: negative counts from the end, then clamped to [0, n]. */
function clampIndex(i: number, n: number): number { return i < 0 ? Math.max(i + n, 0) : Math.min(i, n); }

// ---- diff ----------------------------------------------------------------------------------------

/**
 * The n-th forward difference along `dim`, as `torch.diff`: `out[i] = x[i + 1] - x[i]`, applied `n`
 * times, after `prepend` and `append` (same shape except along `dim`) are joined to the input. Bool
 * inputs give `x[i + 1] != x[i]` (torch's logical xor).
 *
 * ```ts
 * fl.diff(fl.tensor([1, 3, 6, 10])).toArray();  // [2, 3, 4]
 * ```
 */
export function diff(input: Tensor, n?: number, dim?: number, prepend?: Tensor | null, append?: Tensor | null, options?: Record<string, unknown>): Tensor;
export function diff(...args: unknown[]): Tensor {
  const o = DIFF.parse(args);
  const x = need(o.input, 'diff');
  if (x.ndim === 0) throw new ValueError('diff: expected a tensor of at least one dim, got a 0-dim tensor');
  const d = normDim(o.dim, x.ndim, 'diff');
  const parts: Tensor[] = [];
  for (const [t, what] of [[o.prepend, 'prepend'], [null, ''], [o.append, 'append']] as [Tensor | null | undefined, string][]) {
    if (what === '') { parts.push(x); continue; }
    if (t === null || t === undefined) continue;
    need(t, 'diff', what);
    if (t.ndim !== x.ndim || t._shape.some((s, i) => i !== d && s !== x._shape[i])) {
      throw new ShapeError(`diff: ${what} of shape ${fmt(t._shape)} must match the input's shape ${fmt(x._shape)} except along dim ${d}`);
    }
    parts.push(t);
  }
  let cur = parts.length === 1 ? x : cat(parts, d);
  for (let k = 0; k < o.n; k++) {
    const len = cur._shape[d];
    if (len === 0) break;
    const hi = narrow(cur, d, 1, len - 1), lo = narrow(cur, d, 0, len - 1);
    cur = cur.dtype === 'bool' ? logicalXor(hi, lo) : sub(hi, lo);
  }
  return cur === x ? x.clone() : cur;
}
const DIFF = signature('diff', ['input', 'n', 'dim', 'prepend', 'append'], {
  input: required(tensorCheck), n: optional(int({ min: 0 }), 1), dim: optional(int(), -1),
  prepend: optional(nullable(tensorCheck)), append: optional(nullable(tensorCheck)),
});

// ---- meshgrid, cartesianProd ---------------------------------------------------------------------

/**
 * Coordinate grids from 1-D (or 0-dim) tensors, as `torch.meshgrid`: with `indexing: 'ij'` (the
 * default, as torch 1.13's, which warns without it) output k has shape `[n0, n1, …]` and varies
 * along dim k; with `'xy'` the first two dims are swapped (NumPy's Cartesian indexing). The
 * outputs are expanded views of the inputs.
 *
 * ```ts
 * const [gx, gy] = fl.meshgrid(fl.tensor([1, 2]), fl.tensor([3, 4, 5]), { indexing: 'ij' });  // [2, 3] each
 * ```
 */
export function meshgrid(...args: (Tensor | readonly Tensor[] | { indexing?: 'ij' | 'xy' })[]): Tensor[] {
  let rest: unknown[] = args;
  let indexing: 'ij' | 'xy' = 'ij';
  const last = rest[rest.length - 1];
  if (rest.length > 0 && !(last instanceof Tensor) && !Array.isArray(last) && last !== null && typeof last === 'object') {
    indexing = MESHGRID.parse([last]).indexing;
    rest = rest.slice(0, -1);
  }
  const ts = tensorList(rest, 'meshgrid');
  if (ts.length === 0) throw new ValueError('meshgrid: expects a non-empty list of tensors');
  for (const t of ts) {
    if (t.ndim > 1) throw new ShapeError(`meshgrid: expected 0-dim or 1-D tensors, got one of shape ${fmt(t._shape)}`);
    if (t.dtype !== ts[0].dtype) throw new DTypeError(`meshgrid: expects all tensors to have the same dtype, got ${ts[0].dtype} and ${t.dtype}`);
  }
  const swap = indexing === 'xy' && ts.length >= 2;
  const order = swap ? [ts[1], ts[0], ...ts.slice(2)] : ts;
  const sizes = order.map((t) => t.numel);
  const grids = order.map((t, k) => expand(reshape(t, sizes.map((s, j) => (j === k ? s : 1))), sizes));
  if (!swap) return grids;
  return [grids[1], grids[0], ...grids.slice(2)];
}
const MESHGRID = signature('meshgrid', [], { indexing: optional(oneOf('ij', 'xy'), 'ij') });

/**
 * The Cartesian product of 1-D tensors, as `torch.cartesian_prod`: one row per combination, in
 * lexicographic order (`[N, k]`; one tensor is returned as it is).
 *
 * ```ts
 * fl.cartesianProd(fl.tensor([1, 2]), fl.tensor([3, 4])).toArray();  // [[1, 3], [1, 4], [2, 3], [2, 4]]
 * ```
 */
export function cartesianProd(...tensors: (Tensor | readonly Tensor[])[]): Tensor {
  const ts = tensorList(tensors, 'cartesianProd');
  for (const t of ts) if (t.ndim !== 1) throw new ShapeError(`cartesianProd: expected 1-D tensors, got one of shape ${fmt(t._shape)}`);
  if (ts.length === 1) return ts[0];
  return stack(meshgrid(ts, { indexing: 'ij' }).map((g) => reshape(g, [-1])), 1);
}

// ---- tensordot, kron, trace ----------------------------------------------------------------------

/** tensordot's dims: a count, or the dims of `a` and of `b` to contract. */
export type TensordotDims = number | readonly [readonly number[] | number, readonly number[] | number];
// torch's tensordot(a, b, dims=2), tile(input, dims) and hsplit/vsplit/dsplit(input, indices_or_sections):
// positional or keyword (`fl.tensordot(a, b, { dims: 1 })`, `fl.tile(x, { dims: [2] })`), checked by the
// ops. The splits take the documented `indicesOrSections` and the names torch 1.13's parser takes
// (`sections` for a number, `indices` for a list: `torch.hsplit(x, sections=2)`).
const SPLIT_KW = (fn: string) => signature(fn, ['input', 'indicesOrSections'], {
  input: required(anyValue<Tensor>()), indicesOrSections: optional(anyValue<number | readonly number[]>()),
  sections: optional(anyValue<number>()), indices: optional(anyValue<readonly number[]>()),
});
const KW_MORE = {
  tensordot: signature('tensordot', ['a', 'b', 'dims'], { a: required(anyValue<Tensor>()), b: required(anyValue<Tensor>()), dims: optional(anyValue<TensordotDims>(), 2) }),
  tile: signature('tile', ['input', 'dims'], { input: required(anyValue<Tensor>()), dims: required(anyValue<readonly number[]>()) }),
  hsplit: SPLIT_KW('hsplit'), vsplit: SPLIT_KW('vsplit'), dsplit: SPLIT_KW('dsplit'),
};
/** The one split spec of hsplit/vsplit/dsplit's call: exactly one of indicesOrSections, sections, indices. */
function splitSpec(o: { indicesOrSections?: unknown; sections?: unknown; indices?: unknown }, op: string): number | readonly number[] {
  const given = (['indicesOrSections', 'sections', 'indices'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1) {
    throw new ValueError(`${op}: expected exactly one of indicesOrSections, sections and indices, got ${given.length === 0 ? 'none' : given.join(' and ')}`);
  }
  if (o.sections !== undefined && typeof o.sections !== 'number') throw new ValueError(`${op}: sections must be an integer, got ${describeArg(o.sections)}`);
  if (o.indices !== undefined && !Array.isArray(o.indices)) throw new ValueError(`${op}: indices must be an array of integers, got ${describeArg(o.indices)}`);
  return o[given[0]] as number | readonly number[];
}

/**
 * The sum of products over the dims `dims` names, as `torch.tensordot`: `dims = k` contracts the
 * last k dims of `a` with the first k of `b`; `dims = [[…], […]]` names them for each.
 *
 * ```ts
 * fl.tensordot(fl.ones([3, 4, 5]), fl.ones([4, 5, 2]), 2).shape;  // [3, 2]
 * ```
 */
export function tensordot(a: Tensor, b: Tensor, ...args: ArgsThenOptions<[dims: TensordotDims], { dims?: TensordotDims }>): Tensor;
export function tensordot(): Tensor {
  const { a, b, dims } = KW_MORE.tensordot.parse(argsOf(arguments));
  need(a, 'tensordot', 'a'); need(b, 'tensordot', 'b');
  let da: number[], db: number[];
  if (typeof dims === 'number') {
    const k = needInt(dims, 'tensordot', 'dims');
    if (k < 0 || k > a.ndim || k > b.ndim) throw new ValueError(`tensordot: dims ${k} out of range for shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
    da = Array.from({ length: k }, (_, i) => a.ndim - k + i);
    db = Array.from({ length: k }, (_, i) => i);
  } else if (Array.isArray(dims) && dims.length === 2) {
    const listOf = (v: unknown, t: Tensor): number[] => (Array.isArray(v) ? v : [v]).map((d) => normDim(needInt(d, 'tensordot', 'dims'), t.ndim, 'tensordot'));
    da = listOf(dims[0], a); db = listOf(dims[1], b);
  } else throw new ValueError(`tensordot: dims must be an integer or two lists of dims, got ${describeArg(dims)}`);
  if (da.length !== db.length) throw new ValueError(`tensordot: both dim lists should have the same length, got ${da.length} and ${db.length}`);
  if (new Set(da).size !== da.length || new Set(db).size !== db.length) throw new ValueError('tensordot: a dim appears twice in a dim list');
  for (let i = 0; i < da.length; i++) {
    if (a._shape[da[i]] !== b._shape[db[i]]) {
      throw new ShapeError(`tensordot: contracted dimensions need to match, but first has size ${a._shape[da[i]]} in dim ${da[i]} and second has size ${b._shape[db[i]]} in dim ${db[i]} (shapes ${fmt(a._shape)} and ${fmt(b._shape)})`);
    }
  }
  const freeA = a._shape.map((_, i) => i).filter((i) => !da.includes(i));
  const freeB = b._shape.map((_, i) => i).filter((i) => !db.includes(i));
  const K = da.reduce((p, d) => p * a._shape[d], 1);
  const sa = freeA.map((i) => a._shape[i]), sb = freeB.map((i) => b._shape[i]);
  const ma = reshape(permute(a, [...freeA, ...da]), [sa.reduce((p, s) => p * s, 1), K]);
  const mb = reshape(permute(b, [...db, ...freeB]), [K, sb.reduce((p, s) => p * s, 1)]);
  return reshape(matmul(ma, mb), [...sa, ...sb]);
}

/**
 * The Kronecker product, as `torch.kron`: the shorter shape gets leading 1s, and
 * `out[i * b.shape + j] = a[i] * b[j]` in every dim.
 *
 * ```ts
 * fl.kron(fl.eye(2), fl.ones([2, 2])).shape;  // [4, 4], two blocks of ones on the diagonal
 * ```
 */
export function kron(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('kron', 'input, other', arguments);
  need(input, 'kron'); need(other, 'kron', 'other');
  const n = Math.max(input.ndim, other.ndim);
  const sa = [...new Array<number>(n - input.ndim).fill(1), ...input._shape];
  const sb = [...new Array<number>(n - other.ndim).fill(1), ...other._shape];
  const ra = reshape(input, sa.flatMap((s) => [s, 1]));
  const rb = reshape(other, sb.flatMap((s) => [1, s]));
  return reshape(mul(ra, rb), sa.map((s, i) => s * sb[i]));
}

/**
 * The sum of the main diagonal of a 2-D tensor, as `torch.trace` (integer inputs sum to int32;
 * torch: int64).
 *
 * ```ts
 * fl.trace(fl.tensor([[1, 2], [3, 4]])).item();  // 5
 * ```
 */
export function trace(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('trace', 'input', arguments);
  need(input, 'trace');
  if (input.ndim !== 2) throw new ShapeError(`trace: expected a matrix (2-D tensor), got shape ${fmt(input._shape)}`);
  return sum(diagonal(input));
}

// ---- diag, diagEmbed, diagflat -------------------------------------------------------------------

/**
 * The last dim of `input` placed on a diagonal of a pair of new dims, as `torch.diag_embed`:
 * `offset` > 0 above the main diagonal, < 0 below; the new dims are `dim1` (rows) and `dim2`
 * (columns) of the output, which has one dim more than the input.
 *
 * ```ts
 * fl.diagEmbed(fl.tensor([[1, 2], [3, 4]])).shape;  // [2, 2, 2]
 * ```
 */
export function diagEmbed(input: Tensor, ...args: ArgsThenOptions<[offset: number, dim1: number, dim2: number], { offset?: number; dim1?: number; dim2?: number }>): Tensor;
export function diagEmbed(): Tensor {
  const { input, offset, dim1, dim2 } = KW.diagEmbed.parse(argsOf(arguments));
  need(input, 'diagEmbed');
  const off = offset === undefined ? 0 : needInt(offset, 'diagEmbed', 'offset');
  const nd = input.ndim + 1;
  const d1 = normDim(dim1 === undefined ? -2 : dim1, nd, 'diagEmbed'), d2 = normDim(dim2 === undefined ? -1 : dim2, nd, 'diagEmbed');
  if (d1 === d2) throw new ValueError(`diagEmbed: diagonal dimensions cannot be identical ${d1}, ${d2}`);
  const x = input.ndim === 0 ? reshape(input, [1]) : input;
  const n = x._shape[x.ndim - 1], m = n + Math.abs(off);
  const batch = x._shape.slice(0, -1);
  const eye = reshape(arange(n, { device: input.device }), [n, 1]);
  const onDiag = reshape(eye, [n, 1]).eq(reshape(eye, [1, n]));
  let sq = where(onDiag, expand(unsqueeze(x, -1), [...batch, n, n]), zeros([], { dtype: x.dtype, device: input.device }));
  if (off !== 0) {
    const z = (r: number, c: number): Tensor => zeros([...batch, r, c], { dtype: x.dtype, device: input.device });
    const a = Math.abs(off);
    // offset > 0: columns shift right and rows gain zeros below; < 0: rows shift down
    sq = off > 0 ? cat([cat([z(n, a), sq], -1), z(a, m)], -2) : cat([z(a, m), cat([sq, z(n, a)], -1)], -2);
  }
  return movedim(sq, [nd - 2, nd - 1], [d1, d2]);
}

/**
 * A 1-D input as the `diagonal`-th diagonal of a square matrix, or the `diagonal`-th diagonal of a
 * 2-D input as a new 1-D tensor, as `torch.diag`.
 *
 * ```ts
 * fl.diag(fl.tensor([1, 2])).toArray();               // [[1, 0], [0, 2]]
 * fl.diag(fl.tensor([[1, 2], [3, 4]]), 1).toArray();  // [2]
 * ```
 */
export function diag(input: Tensor, ...args: ArgsThenOptions<[diagonal: number], { diagonal?: number }>): Tensor;
export function diag(): Tensor {
  const { input, diagonal: diagonal_ } = KW.diag.parse(argsOf(arguments));
  need(input, 'diag');
  const k = needInt(diagonal_, 'diag', 'diagonal');
  if (input.ndim === 1) return diagEmbed(input, k, 0, 1);
  if (input.ndim === 2) return diagonal(input, k).clone();
  throw new ShapeError(`diag: expected a 1-D or 2-D tensor, got shape ${fmt(input._shape)}`);
}

/**
 * The flattened input as the `offset`-th diagonal of a square matrix, as `torch.diagflat`.
 *
 * ```ts
 * fl.diagflat(fl.tensor([[1, 2], [3, 4]])).shape;  // [4, 4]
 * ```
 */
export function diagflat(input: Tensor, ...args: ArgsThenOptions<[offset: number], { offset?: number }>): Tensor;
export function diagflat(): Tensor {
  const { input, offset } = KW.diagflat.parse(argsOf(arguments));
  need(input, 'diagflat');
  return diagEmbed(reshape(input, [-1]), needInt(offset, 'diagflat', 'offset'), 0, 1);
}

// ---- trilIndices, triuIndices, logspace ----------------------------------------------------------

const INDICES_KW = { dtype: optional(dtypeCheck, 'int32' as DType), device: optional(deviceCheck) };

function triIndices(lower: boolean, args: unknown[]): Tensor {
  const op = lower ? 'trilIndices' : 'triuIndices';
  const o = (lower ? TRIL_IDX : TRIU_IDX).parse(args);
  const rows: number[] = [], cols: number[] = [];
  for (let r = 0; r < o.row; r++) {
    for (let c = 0; c < o.col; c++) if (lower ? c - r <= o.offset : c - r >= o.offset) { rows.push(r); cols.push(c); }
  }
  if (rows.length * 2 > 2 ** 31 - 1) throw new ValueError(`${op}: ${rows.length} indices are too many`);
  return reshape(tensor([...rows, ...cols], { dtype: o.dtype, device: o.device }), [2, rows.length]);
}
const triSig = (op: string) => signature(op, ['row', 'col', 'offset'], {
  row: required(int({ min: 0 })), col: required(int({ min: 0 })), offset: optional(int(), 0), ...INDICES_KW,
});
const TRIL_IDX = triSig('trilIndices');
const TRIU_IDX = triSig('triuIndices');

/**
 * The coordinates of the lower triangle (on and below the `offset`-th diagonal) of a `row` × `col`
 * matrix, as `torch.tril_indices`: a `[2, N]` int32 tensor (torch: int64), rows then columns.
 *
 * ```ts
 * fl.trilIndices(2, 2).toArray();  // [[0, 1, 1], [0, 0, 1]]
 * ```
 */
export function trilIndices(row: number, col: number, offset?: number, options?: { dtype?: DType; device?: string }): Tensor;
export function trilIndices(...args: unknown[]): Tensor { return triIndices(true, args); }

/**
 * The coordinates of the upper triangle (on and above the `offset`-th diagonal) of a `row` × `col`
 * matrix, as `torch.triu_indices` (int32; torch: int64).
 *
 * ```ts
 * fl.triuIndices(2, 2).toArray();  // [[0, 0, 1], [0, 1, 1]]
 * ```
 */
export function triuIndices(row: number, col: number, offset?: number, options?: { dtype?: DType; device?: string }): Tensor;
export function triuIndices(...args: unknown[]): Tensor { return triIndices(false, args); }

/**
 * `steps` values from `base ** start` to `base ** end`, evenly spaced in the exponent, as
 * `torch.logspace` (float32 unless `dtype` says otherwise).
 *
 * ```ts
 * fl.logspace(0, 2, 3).toArray();  // [1, 10, 100]
 * ```
 */
export function logspace(start: number, end: number, steps: number, base?: number, options?: { dtype?: DType; device?: string; requiresGrad?: boolean }): Tensor;
export function logspace(...args: unknown[]): Tensor {
  const o = LOGSPACE.parse(args);
  const n = o.steps;
  // torch's linspace: from the start for the first half, from the end for the second
  const step = n > 1 ? (o.end - o.start) / (n - 1) : 0;
  const vals = Array.from({ length: n }, (_, i) => o.base ** (i < n / 2 ? o.start + step * i : o.end - step * (n - 1 - i)));
  const t = tensor(vals, { dtype: o.dtype ?? getDefaultDtype(), device: o.device });
  if (o.requiresGrad) t.requiresGrad_(true);
  return t;
}
const LOGSPACE = signature('logspace', ['start', 'end', 'steps', 'base'], {
  start: required(num()), end: required(num()), steps: required(int({ min: 0 })), base: optional(num(), 10),
  dtype: optional(dtypeCheck), device: optional(deviceCheck), requiresGrad: optional(bool, false),
});

// ---- atleast, stacks -----------------------------------------------------------------------------

function atleast(n: 1 | 2 | 3, args: unknown[]): Tensor | Tensor[] {
  const op = `atleast${n}d`;
  const single = args.length === 1 && args[0] instanceof Tensor;
  const ts = tensorList(args, op);
  const out = ts.map((t) => {
    if (t.ndim >= n) return t;
    if (t.ndim === 0) return reshape(t, new Array<number>(n).fill(1));
    if (n === 2 || t.ndim === 2) return n === 2 ? unsqueeze(t, 0) : unsqueeze(t, -1);
    return reshape(t, [1, t._shape[0], 1]);  // 1-D to 3-D
  });
  return single ? out[0] : out;
}

/**
 * The input with at least one dim (a 0-dim tensor becomes `[1]`), as `torch.atleast_1d`; several
 * tensors (or one array) give an array.
 *
 * ```ts
 * fl.atleast1d(fl.tensor(3)).shape;  // [1]
 * ```
 */
export function atleast1d(tensor: Tensor): Tensor;
export function atleast1d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast1d(...args: unknown[]): Tensor | Tensor[] { return atleast(1, args); }
/**
 * The input with at least two dims (`[n]` becomes `[1, n]`), as `torch.atleast_2d`.
 *
 * ```ts
 * fl.atleast2d(fl.tensor([1, 2])).shape;  // [1, 2]
 * ```
 */
export function atleast2d(tensor: Tensor): Tensor;
export function atleast2d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast2d(...args: unknown[]): Tensor | Tensor[] { return atleast(2, args); }
/**
 * The input with at least three dims (`[n]` becomes `[1, n, 1]`, `[m, n]` becomes `[m, n, 1]`),
 * as `torch.atleast_3d`.
 *
 * ```ts
 * fl.atleast3d(fl.ones([2, 3])).shape;  // [2, 3, 1]
 * ```
 */
export function atleast3d(tensor: Tensor): Tensor;
export function atleast3d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast3d(...args: unknown[]): Tensor | Tensor[] { return atleast(3, args); }

function stackList(tensors: unknown, op: string): Tensor[] {
  if (!Array.isArray(tensors)) throw new ValueError(`${op}: expected an array of tensors, got ${describeArg(tensors)}`);
  const ts = tensors.map((t, i) => need(t, op, `tensors[${i}]`));
  if (ts.length === 0) throw new ValueError(`${op}: expects a non-empty array of tensors`);
  return ts;
}

/**
 * Joins tensors column-wise, as `torch.hstack`: along dim 1, or dim 0 for 1-D tensors.
 *
 * ```ts
 * fl.hstack([fl.tensor([1, 2]), fl.tensor([3])]).toArray();  // [1, 2, 3]
 * ```
 */
export function hstack(tensors: readonly Tensor[]): Tensor {
  if (arguments.length > 1) tooManyArgs('hstack', 'tensors', arguments);
  const ts = (atleast(1, [stackList(tensors, 'hstack')]) as Tensor[]);
  return cat(ts, ts[0].ndim === 1 ? 0 : 1);
}
/**
 * Joins tensors row-wise, as `torch.vstack` (1-D tensors become rows).
 *
 * ```ts
 * fl.vstack([fl.tensor([1, 2]), fl.tensor([3, 4])]).shape;  // [2, 2]
 * ```
 */
export function vstack(tensors: readonly Tensor[]): Tensor {
  if (arguments.length > 1) tooManyArgs('vstack', 'tensors', arguments);
  return cat(atleast(2, [stackList(tensors, 'vstack')]) as Tensor[], 0);
}
/**
 * The alias of {@link vstack}, as `torch.row_stack`.
 *
 * ```ts
 * fl.rowStack([fl.tensor([1, 2]), fl.tensor([3, 4])]).shape;  // [2, 2]
 * ```
 */
export function rowStack(tensors: readonly Tensor[]): Tensor {
  if (arguments.length > 1) tooManyArgs('rowStack', 'tensors', arguments);
  return cat(atleast(2, [stackList(tensors, 'rowStack')]) as Tensor[], 0);
}
/**
 * Joins tensors depth-wise (along dim 2, after {@link atleast3d}), as `torch.dstack`.
 *
 * ```ts
 * fl.dstack([fl.tensor([1, 2]), fl.tensor([3, 4])]).shape;  // [1, 2, 2]
 * ```
 */
export function dstack(tensors: readonly Tensor[]): Tensor {
  if (arguments.length > 1) tooManyArgs('dstack', 'tensors', arguments);
  return cat(atleast(3, [stackList(tensors, 'dstack')]) as Tensor[], 2);
}
/**
 * Joins tensors as columns, as `torch.column_stack`: 0-dim and 1-D tensors become columns `[n, 1]`,
 * then {@link hstack}.
 *
 * ```ts
 * fl.columnStack([fl.tensor([1, 2]), fl.tensor([3, 4])]).toArray();  // [[1, 3], [2, 4]]
 * ```
 */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  if (arguments.length > 1) tooManyArgs('columnStack', 'tensors', arguments);
  const ts = stackList(tensors, 'columnStack').map((t) => (t.ndim <= 1 ? reshape(t, [t.numel, 1]) : t));
  return cat(ts, 1);
}

// ---- movedim, swapaxes, unflatten ----------------------------------------------------------------

/**
 * The input with its dims `source` moved to the positions `destination` (the other dims keep their
 * order), as `torch.movedim`; a view.
 *
 * ```ts
 * fl.movedim(fl.ones([2, 3, 4]), 0, -1).shape;  // [3, 4, 2]
 * ```
 */
export function movedim(input: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor;
export function movedim(input: Tensor, source: number | readonly number[], options: { destination: number | readonly number[] }): Tensor;
export function movedim(input: Tensor, options: { source: number | readonly number[]; destination: number | readonly number[] }): Tensor;
export function movedim(): Tensor {
  const { input, source, destination } = KW.movedim.parse(argsOf(arguments));
  return moveDims(input, source, destination, 'movedim');
}
/**
 * The alias of {@link movedim}, as `torch.moveaxis`.
 *
 * ```ts
 * fl.moveaxis(fl.ones([2, 3, 4]), [0, 1], [1, 2]).shape;  // [4, 2, 3]
 * ```
 */
export function moveaxis(input: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor;
export function moveaxis(input: Tensor, source: number | readonly number[], options: { destination: number | readonly number[] }): Tensor;
export function moveaxis(input: Tensor, options: { source: number | readonly number[]; destination: number | readonly number[] }): Tensor;
export function moveaxis(): Tensor {
  const { input, source, destination } = KW.moveaxis.parse(argsOf(arguments));
  return moveDims(input, source, destination, 'moveaxis');
}
function moveDims(input: Tensor, source: unknown, destination: unknown, op: string): Tensor {
  need(input, op);
  const list = (v: unknown, what: string): number[] => {
    if (typeof v === 'number') return [normDim(v, input.ndim, op)];
    if (!Array.isArray(v)) throw new ValueError(`${op}: ${what} must be an integer or an array of integers, got ${describeArg(v)}`);
    return v.map((d) => normDim(d, input.ndim, op));
  };
  const src = list(source, 'source'), dst = list(destination, 'destination');
  if (src.length !== dst.length) throw new ValueError(`${op}: Invalid source or destination dims: source (${src.length} dims) should contain the same number of dims as destination (${dst.length} dims)`);
  if (new Set(src).size !== src.length) throw new ValueError(`${op}: repeated dim in source`);
  if (new Set(dst).size !== dst.length) throw new ValueError(`${op}: repeated dim in destination`);
  const nd = input.ndim;
  if (nd === 0) return input._view([], [], input._offset);
  const perm = new Array<number>(nd).fill(-1);
  src.forEach((s, i) => { perm[dst[i]] = s; });
  const rest = Array.from({ length: nd }, (_, i) => i).filter((i) => !src.includes(i));
  let k = 0;
  for (let i = 0; i < nd; i++) if (perm[i] === -1) perm[i] = rest[k++];
  return permute(input, perm);
}

/**
 * The input with dims `dim0` and `dim1` swapped, as `torch.swapaxes` (the alias of transpose).
 *
 * ```ts
 * fl.swapaxes(fl.ones([2, 3]), 0, 1).shape;  // [3, 2]
 * ```
 */
export function swapaxes(input: Tensor, axis0: number, axis1: number): Tensor;
export function swapaxes(input: Tensor, axis0: number, options: { axis1: number }): Tensor;
export function swapaxes(input: Tensor, options: { axis0: number; axis1: number }): Tensor;
export function swapaxes(): Tensor {
  const { input, axis0, axis1 } = KW.swapaxes.parse(argsOf(arguments));
  need(input, 'swapaxes');
  return transpose(input, axis0, axis1);
}
/**
 * The alias of {@link swapaxes}, as `torch.swapdims`.
 *
 * ```ts
 * fl.swapdims(fl.ones([2, 3]), 0, 1).shape;  // [3, 2]
 * ```
 */
export function swapdims(input: Tensor, dim0: number, dim1: number): Tensor;
export function swapdims(input: Tensor, dim0: number, options: { dim1: number }): Tensor;
export function swapdims(input: Tensor, options: { dim0: number; dim1: number }): Tensor;
export function swapdims(): Tensor {
  const { input, dim0, dim1 } = KW.swapdims.parse(argsOf(arguments));
  need(input, 'swapdims');
  return transpose(input, dim0, dim1);
}

/**
 * The input with dim `dim` split into the dims `sizes` (one may be -1, inferred), as
 * `torch.unflatten`.
 *
 * ```ts
 * fl.unflatten(fl.ones([2, 6]), 1, [2, -1]).shape;  // [2, 2, 3]
 * ```
 */
export function unflatten(input: Tensor, dim: number, sizes: readonly number[]): Tensor;
export function unflatten(input: Tensor, dim: number, options: { sizes: readonly number[] }): Tensor;
export function unflatten(input: Tensor, options: { dim: number; sizes: readonly number[] }): Tensor;
export function unflatten(): Tensor {
  const { input, dim, sizes } = KW.unflatten.parse(argsOf(arguments));
  need(input, 'unflatten');
  if (input.ndim === 0) throw new IndexError('unflatten: cannot unflatten a 0-dim tensor');
  const d = normDim(dim, input.ndim, 'unflatten');
  if (!Array.isArray(sizes) || sizes.length === 0) throw new ValueError(`unflatten: sizes must be a non-empty array of integers, got ${describeArg(sizes)}`);
  const s = sizes.map((v) => { const k = needInt(v, 'unflatten', 'sizes'); if (k < -1) throw new ValueError(`unflatten: invalid size ${k}`); return k; });
  const inferred = s.filter((v) => v === -1).length;
  if (inferred > 1) throw new ValueError('unflatten: only one dimension can be inferred (-1)');
  const known = s.reduce((p, v) => (v === -1 ? p : p * v), 1), len = input._shape[d];
  if (inferred === 1 ? (known === 0 || len % known !== 0) : known !== len) {
    throw new ShapeError(`unflatten: provided sizes ${fmt(s)} don't multiply up to the size of dim ${d} (${len}) in the input tensor of shape ${fmt(input._shape)}`);
  }
  const full_ = s.map((v) => (v === -1 ? len / known : v));
  return reshape(input, [...input._shape.slice(0, d), ...full_, ...input._shape.slice(d + 1)]);
}

// ---- take, indexAdd, indexCopy, indexFill --------------------------------------------------------

function needIndexTensor(index: unknown, op: string): Tensor {
  const t = need(index, op, 'index');
  if (t.dtype !== 'int32') throw new DTypeError(`${op}: index must be an int32 tensor, got ${t.dtype}`);
  return t;
}

/**
 * The elements of the input, seen as 1-D, at `index` (negative counts from the end), as
 * `torch.take`: the output has the index's shape.
 *
 * ```ts
 * fl.take(fl.tensor([[1, 2], [3, 4]]), fl.tensor([0, -1])).toArray();  // [1, 4]
 * ```
 */
export function take(input: Tensor, index: Tensor): Tensor;
export function take(input: Tensor, options: { index: Tensor }): Tensor;
export function take(): Tensor {
  const { input, index } = KW.take.parse(argsOf(arguments));
  need(input, 'take');
  const idx = needIndexTensor(index, 'take');
  const n = input.numel;
  const flat = reshape(idx, [-1]);
  const wrapped = n > 0 ? where(lt(flat, 0), add(flat, n), flat) : flat;
  if (n === 0 && idx.numel > 0) throw new IndexError(`take: tried to take from an empty tensor of shape ${fmt(input._shape)}`);
  return reshape(indexSelect(reshape(input, [-1]), 0, wrapped), idx._shape);
}

/** The checks of indexAdd/indexCopy/indexFill; the index seen along `d` and expanded to `shape`. */
function alongIndex(x: Tensor, dim: unknown, index: unknown, op: string): { d: number; idx: Tensor; k: number } {
  need(x, op);
  const d = normDim(dim, x.ndim, op);
  const idx = needIndexTensor(index, op);
  if (idx.ndim > 1) throw new ShapeError(`${op}: index must be 0-dim or 1-D, got shape ${fmt(idx._shape)}`);
  const n = x.ndim === 0 ? 1 : x._shape[d];
  // (a scatter over no elements checks no index: an index into an empty dim is refused here)
  if (n === 0 && idx.numel > 0) throw new IndexError(`${op}: index out of range for dim ${d} of size 0 (input shape ${fmt(x._shape)})`);
  return { d, idx: reshape(idx, [-1]), k: idx.numel };
}
function expandIndex(idx: Tensor, d: number, shape: readonly number[]): Tensor {
  if (shape.length === 0) return reshape(idx, []);
  return expand(reshape(idx, shape.map((s, i) => (i === d ? idx.numel : 1))), shape);
}
function sourceShape(x: Tensor, src: Tensor, d: number, k: number, op: string): void {
  const want = x.ndim === 0 ? [] : x._shape.map((s, i) => (i === d ? k : s));
  const ok = src.ndim === 0 ? want.every((s) => s === 1) || (x.ndim === 0 && k === 1) : src._shape.length === want.length && src._shape.every((s, i) => s === want[i]);
  if (!ok) throw new ShapeError(`${op}: source of shape ${fmt(src._shape)} must have shape ${fmt(want)} (input ${fmt(x._shape)}, ${k} indices along dim ${d})`);
}

/**
 * A copy of the input with `alpha * source` added at the positions `index` names along `dim`
 * (repeated indices add up), as `torch.index_add`. Differentiable in both tensors.
 *
 * ```ts
 * fl.indexAdd(fl.zeros([3, 2]), 0, fl.tensor([0, 2, 0]), fl.ones([3, 2])).toArray();  // [[2, 2], [0, 0], [1, 1]]
 * ```
 */
export function indexAdd(input: Tensor, dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): Tensor;
export function indexAdd(...args: unknown[]): Tensor {
  const o = INDEX_ADD.parse(args);
  const { d, idx, k } = alongIndex(o.input, o.dim, o.index, 'indexAdd');
  const x = o.input, src = need(o.source, 'indexAdd', 'source');
  sourceShape(x, src, d, k, 'indexAdd');
  if (src.dtype !== x.dtype) throw new DTypeError(`indexAdd: source (${src.dtype}) and input (${x.dtype}) must have the same dtype`);
  const s = src.ndim === 0 && x.ndim > 0 ? reshape(src, x._shape.map(() => 1)) : src;
  return scatterAdd(x, x.ndim === 0 ? 0 : d, expandIndex(idx, d, s._shape), o.alpha === 1 ? s : mul(s, o.alpha));
}
const INDEX_ADD = signature('indexAdd', ['input', 'dim', 'index', 'source'], {
  input: required(tensorCheck), dim: required(int()), index: required(tensorCheck), source: required(tensorCheck), alpha: optional(num(), 1),
});

/**
 * A copy of the input with the slices of `source` written at the positions `index` names along
 * `dim`, as `torch.index_copy` (with repeated indices, which write wins is unspecified).
 *
 * ```ts
 * fl.indexCopy(fl.zeros([3]), 0, fl.tensor([2, 0]), fl.tensor([5, 6])).toArray();  // [6, 0, 5]
 * ```
 */
export function indexCopy(input: Tensor, dim: number, index: Tensor, source: Tensor): Tensor;
export function indexCopy(input: Tensor, dim: number, index: Tensor, options: { source: Tensor }): Tensor;
export function indexCopy(input: Tensor, dim: number, options: { index: Tensor; source: Tensor }): Tensor;
export function indexCopy(input: Tensor, options: { dim: number; index: Tensor; source: Tensor }): Tensor;
export function indexCopy(): Tensor {
  const { input, dim, index, source } = KW.indexCopy.parse(argsOf(arguments));
  const { d, idx, k } = alongIndex(input, dim, index, 'indexCopy');
  const src = need(source, 'indexCopy', 'source');
  sourceShape(input, src, d, k, 'indexCopy');
  if (src.dtype !== input.dtype) throw new DTypeError(`indexCopy: source (${src.dtype}) and input (${input.dtype}) must have the same dtype`);
  const s = src.ndim === 0 && input.ndim > 0 ? reshape(src, input._shape.map(() => 1)) : src;
  return scatter(input, input.ndim === 0 ? 0 : d, expandIndex(idx, d, s._shape), s);
}

/**
 * A copy of the input with `value` written at every position whose index along `dim` is in
 * `index`, as `torch.index_fill` (a 0-dim tensor value gets the gradient too).
 *
 * ```ts
 * fl.indexFill(fl.zeros([2, 3]), 1, fl.tensor([0, 2]), 7).toArray();  // [[7, 0, 7], [7, 0, 7]]
 * ```
 */
export function indexFill(input: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor;
export function indexFill(input: Tensor, dim: number, index: Tensor, options: { value: number | boolean | Tensor }): Tensor;
export function indexFill(input: Tensor, dim: number, options: { index: Tensor; value: number | boolean | Tensor }): Tensor;
export function indexFill(input: Tensor, options: { dim: number; index: Tensor; value: number | boolean | Tensor }): Tensor;
export function indexFill(): Tensor {
  const { input, dim, index, value } = KW.indexFill.parse(argsOf(arguments));
  const { d, idx } = alongIndex(input, dim, index, 'indexFill');
  if (value instanceof Tensor) {
    if (value.ndim !== 0) throw new ShapeError(`indexFill: only supports a 0-dim value tensor, got shape ${fmt(value._shape)}`);
  } else if (typeof value !== 'number' && typeof value !== 'boolean') throw new ValueError(`indexFill: value must be a number, a boolean or a 0-dim Tensor, got ${describeArg(value)}`);
  const n = input.ndim === 0 ? 1 : input._shape[d];
  // (index_fill, unlike index_add and index_copy, takes negative indices from the end, as torch's)
  const hit = noGrad(() => scatter(zeros([n], { dtype: 'bool', device: input.device }), 0, where(lt(idx, 0), add(idx, n), idx), true));
  const mask = input.ndim === 0 ? reshape(hit, []) : reshape(hit, input._shape.map((s, i) => (i === d ? n : 1)));
  const v = value instanceof Tensor ? (value.dtype === input.dtype ? value : value.to(input.dtype)) : value;
  const out = where(mask, v, input);
  return out.dtype === input.dtype ? out : out.to(input.dtype);
}

// ---- repeatInterleave, tile ----------------------------------------------------------------------

/**
 * Each element (or slice along `dim`) repeated `repeats` times, as `torch.repeat_interleave`:
 * `repeats` is a number or a tensor of one count per slice; without `dim` the input is flattened.
 * `repeatInterleave(repeats)` alone gives the indices `[0 × repeats[0], 1 × repeats[1], …]`.
 * A tensor of repeats is read once (its sum sizes the output; torch syncs too).
 *
 * ```ts
 * fl.repeatInterleave(fl.tensor([1, 2]), 2).toArray();                  // [1, 1, 2, 2]
 * fl.repeatInterleave(fl.tensor([[1, 2], [3, 4]]), fl.tensor([1, 2]), 0).shape;  // [3, 2]
 * ```
 */
export function repeatInterleave(repeats: Tensor): Tensor;
export function repeatInterleave(input: Tensor, repeats: number | Tensor, dim?: number | null, options?: { outputSize?: number }): Tensor;
export function repeatInterleave(...args: unknown[]): Tensor {
  if ((args.length === 1 || (args.length === 2 && args[1] === undefined)) && args[0] instanceof Tensor) {
    const reps = repeatCounts(args[0], -1, 'repeatInterleave');
    const idx: number[] = [];
    reps.forEach((r, i) => { for (let j = 0; j < r; j++) idx.push(i); });
    return tensor(idx, { dtype: 'int32', device: args[0].device });
  }
  const o = REPEAT_INTERLEAVE.parse(args);
  let x = need(o.input, 'repeatInterleave');
  let d: number;
  if (o.dim === null || o.dim === undefined) { x = reshape(x, [-1]); d = 0; } else d = normDim(o.dim, x.ndim, 'repeatInterleave');
  if (x.ndim === 0) x = reshape(x, [1]);
  const n = x._shape[d];
  const r = o.repeats;
  let out: Tensor;
  if (typeof r === 'number' || (r instanceof Tensor && r.numel === 1 && r.ndim <= 1)) {
    const k = typeof r === 'number' ? r : repeatCounts(r, 1, 'repeatInterleave')[0];
    if (!Number.isInteger(k) || k < 0) throw new ValueError(`repeatInterleave: repeats must be a non-negative integer, got ${describeArg(k)}`);
    const shape = x._shape.slice();
    const wide = [...shape.slice(0, d + 1), k, ...shape.slice(d + 1)];
    out = reshape(expand(unsqueeze(x, d + 1), wide), [...shape.slice(0, d), n * k, ...shape.slice(d + 1)]);
  } else {
    const reps = repeatCounts(need(r, 'repeatInterleave', 'repeats'), n, 'repeatInterleave');
    const idx: number[] = [];
    reps.forEach((c, i) => { for (let j = 0; j < c; j++) idx.push(i); });
    out = indexSelect(x, d, tensor(idx, { dtype: 'int32', device: x.device }));
  }
  if (o.outputSize !== undefined && o.outputSize !== out._shape[d]) {
    throw new ValueError(`repeatInterleave: outputSize ${o.outputSize} does not match the repeated size ${out._shape[d]}`);
  }
  return out;
}
const REPEAT_INTERLEAVE = signature('repeatInterleave', ['input', 'repeats', 'dim'], {
  input: required(tensorCheck), repeats: required(either(int({ min: 0 }), tensorCheck)), dim: optional(nullable(int())), outputSize: optional(int({ min: 0 })),
});
/** The counts of a repeats tensor (integers >= 0, 0-dim or 1-D; `n` of them unless n is -1). */
function repeatCounts(r: Tensor, n: number, op: string): number[] {
  r._handleFor(op);
  if (r.dtype !== 'int32' && r.dtype !== 'uint8') throw new DTypeError(`${op}: repeats must be an integer tensor, got ${r.dtype}`);
  if (r.ndim > 1) throw new ShapeError(`${op}: repeats must be 0-dim or 1-D, got shape ${fmt(r._shape)}`);
  const vals = Array.from(r.dataSync() as ArrayLike<number>, Number);
  if (n >= 0 && vals.length !== n) throw new ShapeError(`${op}: repeats must have the same size as input along dim (${n}), got ${vals.length}`);
  if (vals.some((v) => v < 0)) throw new ValueError(`${op}: repeats can not be negative`);
  return vals;
}

/**
 * The input repeated `dims[i]` times along each dim, as `torch.tile`: a shorter `dims` gets
 * leading 1s; a longer one gives the input leading dims of size 1.
 *
 * ```ts
 * fl.tile(fl.tensor([1, 2]), [2, 2]).toArray();  // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function tile(input: Tensor, dims: readonly number[]): Tensor;
export function tile(input: Tensor, options: { dims: readonly number[] }): Tensor;
export function tile(): Tensor {
  const { input, dims } = KW_MORE.tile.parse(argsOf(arguments));
  need(input, 'tile');
  const ds = arrayOf(int({ min: 0 }))(typeof dims === 'number' ? [dims] : dims, 'tile: dims');
  const n = Math.max(ds.length, input.ndim);
  const reps = [...new Array<number>(n - ds.length).fill(1), ...ds];
  const x = input.ndim < n ? reshape(input, [...new Array<number>(n - input.ndim).fill(1), ...input._shape]) : input;
  return repeat(x, reps);
}

// ---- rot90, fliplr, flipud -----------------------------------------------------------------------

/**
 * The input rotated by 90° `k` times in the plane of `dims`, from the first dim towards the
 * second, as `torch.rot90`.
 *
 * ```ts
 * fl.rot90(fl.tensor([[1, 2], [3, 4]])).toArray();  // [[2, 4], [1, 3]]
 * ```
 */
export function rot90(input: Tensor, ...args: ArgsThenOptions<[k: number, dims: readonly number[]], { k?: number; dims?: readonly number[] }>): Tensor;
export function rot90(): Tensor {
  const { input, k, dims } = KW.rot90.parse(argsOf(arguments));
  need(input, 'rot90');
  const kk = needInt(k, 'rot90', 'k');
  if (!Array.isArray(dims) || dims.length !== 2) throw new ValueError(`rot90: expected total rotation dims == 2, got ${describeArg(dims)}`);
  if (input.ndim < 2) throw new ShapeError(`rot90: expected total dims >= 2, but got total dims = ${input.ndim}`);
  const d0 = normDim(dims[0], input.ndim, 'rot90'), d1 = normDim(dims[1], input.ndim, 'rot90');
  if (d0 === d1) throw new ValueError(`rot90: expected rotation dims to be different, got dim0 = ${d0} and dim1 = ${d1}`);
  switch (((kk % 4) + 4) % 4) {
    case 1: return transpose(flip(input, [d1]), d0, d1);
    case 2: return flip(input, [d0, d1]);
    case 3: return transpose(flip(input, [d0]), d0, d1);
    default: return input.clone();
  }
}
/**
 * The input flipped left to right (dim 1), as `torch.fliplr`; at least 2-D.
 *
 * ```ts
 * fl.fliplr(fl.tensor([[1, 2], [3, 4]])).toArray();  // [[2, 1], [4, 3]]
 * ```
 */
export function fliplr(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('fliplr', 'input', arguments);
  need(input, 'fliplr');
  if (input.ndim < 2) throw new ShapeError(`fliplr: input must be >= 2-d, got shape ${fmt(input._shape)}`);
  return flip(input, [1]);
}
/**
 * The input flipped upside down (dim 0), as `torch.flipud`; at least 1-D.
 *
 * ```ts
 * fl.flipud(fl.tensor([1, 2, 3])).toArray();  // [3, 2, 1]
 * ```
 */
export function flipud(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('flipud', 'input', arguments);
  need(input, 'flipud');
  if (input.ndim < 1) throw new ShapeError('flipud: input must be >= 1-d, got a 0-dim tensor');
  return flip(input, [0]);
}

// ---- blockDiag -----------------------------------------------------------------------------------

/**
 * A block-diagonal matrix of the given tensors (0-dim → 1×1, 1-D → one row, 2-D as is), as
 * `torch.block_diag`; their dtypes are promoted together.
 *
 * ```ts
 * fl.blockDiag(fl.ones([1, 2]), fl.tensor(3)).toArray();  // [[1, 1, 0], [0, 0, 3]]
 * ```
 */
export function blockDiag(...tensors: (Tensor | readonly Tensor[])[]): Tensor {
  const ts = tensorList(tensors, 'blockDiag');
  if (ts.length === 0) return zeros([1, 0]);
  for (const t of ts) if (t.ndim > 2) throw new ShapeError(`blockDiag: input tensors must have 2 or fewer dimensions, got shape ${fmt(t._shape)}`);
  const dt = resultType(...ts);
  const blocks = ts.map((t) => { const m = t.ndim === 2 ? t : reshape(t, [1, t.numel]); return m.dtype === dt ? m : m.to(dt); });
  const width = blocks.reduce((p, b) => p + b._shape[1], 0);
  const dev = ts[0].device;
  let left = 0;
  const rows = blocks.map((b) => {
    const [r, c] = b._shape;
    const row = cat([zeros([r, left], { dtype: dt, device: dev }), b, zeros([r, width - left - c], { dtype: dt, device: dev })], 1);
    left += c;
    return row;
  });
  return cat(rows, 0);
}

// ---- tensorSplit, hsplit, vsplit, dsplit ---------------------------------------------------------

/**
 * The input split along `dim` into `sections` nearly equal parts (the first `size % sections` one
 * longer), or at the given indices, as `torch.tensor_split`: views; indices past the end give
 * empty parts.
 *
 * ```ts
 * fl.tensorSplit(fl.arange(7), 3).map((t) => t.toArray());       // [[0, 1, 2], [3, 4], [5, 6]]
 * fl.tensorSplit(fl.arange(7), [1, 5]).map((t) => t.shape[0]);   // [1, 4, 2]
 * ```
 */
export function tensorSplit(input: Tensor, indicesOrSections: number | readonly number[] | Tensor, ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[];
export function tensorSplit(input: Tensor, options: { indicesOrSections: number | readonly number[] | Tensor; dim?: number }): Tensor[];
export function tensorSplit(): Tensor[] {
  const { input, indicesOrSections, dim } = KW.tensorSplit.parse(argsOf(arguments));
  return splitAt(input, indicesOrSections, dim, 'tensorSplit', false);
}
function splitAt(input: Tensor, spec: unknown, dim: unknown, op: string, even: boolean): Tensor[] {
  need(input, op);
  if (input.ndim === 0) throw new ShapeError(`${op}: expected at least a 1-dimensional tensor, got a 0-dim tensor`);
  const d = normDim(dim, input.ndim, op);
  const n = input._shape[d];
  let s: unknown = spec;
  if (s instanceof Tensor) {
    s._handleFor(op);
    if (s.dtype !== 'int32') throw new DTypeError(`${op}: indicesOrSections must be an int32 tensor, got ${s.dtype}`);
    if (s.ndim > 1) throw new ShapeError(`${op}: indicesOrSections must be a 0-dim or 1-D tensor, got shape ${fmt(s._shape)}`);
    const v = Array.from(s.dataSync() as ArrayLike<number>, Number);
    s = s.ndim === 0 ? v[0] : v;
  }
  if (typeof s === 'number') {
    const k = needInt(s, op, 'sections');
    if (k <= 0) throw new ValueError(`${op}: number of sections must be larger than 0, got ${k}`);
    if (even && n % k !== 0) throw new ValueError(`${op}: attempted to split along dimension ${d}, but the size of the dimension ${n} is not divisible by the split size ${k}`);
    const base = Math.floor(n / k), extra = n % k;
    const out: Tensor[] = [];
    let at = 0;
    for (let i = 0; i < k; i++) { const len = base + (i < extra ? 1 : 0); out.push(narrow(input, d, at, len)); at += len; }
    return out;
  }
  if (!Array.isArray(s)) throw new ValueError(`${op}: indicesOrSections must be an integer, an array of integers or a Tensor, got ${describeArg(s)}`);
  const idx = s.map((v) => needInt(v, op, 'indices'));
  const out: Tensor[] = [];
  let prev = 0;
  for (const i of [...idx, n]) {
    const start = clampIndex(prev, n), end = clampIndex(i, n);
    out.push(narrow(input, d, start, Math.max(end - start, 0)));
    prev = i;
  }
  return out;
}
/** hsplit/vsplit/dsplit's keywords: one of them (torch's parser takes `sections` or `indices`). */
export interface SplitOptions { indicesOrSections?: number | readonly number[]; sections?: number; indices?: readonly number[] }
/**
 * The input split column-wise (dim 1, or dim 0 of a 1-D input), as `torch.hsplit`: a number of
 * sections must divide the size exactly.
 *
 * ```ts
 * fl.hsplit(fl.ones([2, 4]), 2).map((t) => t.shape);  // [[2, 2], [2, 2]]
 * ```
 */
export function hsplit(input: Tensor, indicesOrSections: number | readonly number[]): Tensor[];
export function hsplit(input: Tensor, options: SplitOptions): Tensor[];
export function hsplit(): Tensor[] {
  const o = KW_MORE.hsplit.parse(argsOf(arguments));
  const input = o.input, indicesOrSections = splitSpec(o, 'hsplit');
  need(input, 'hsplit');
  if (input.ndim < 1) throw new ShapeError('hsplit: requires a tensor with at least 1 dimension, but got a 0-dim tensor');
  return splitAt(input, indicesOrSections, input.ndim === 1 ? 0 : 1, 'hsplit', true);
}
/**
 * The input split row-wise (dim 0), as `torch.vsplit`; at least 2-D.
 *
 * ```ts
 * fl.vsplit(fl.ones([4, 2]), [1]).map((t) => t.shape);  // [[1, 2], [3, 2]]
 * ```
 */
export function vsplit(input: Tensor, indicesOrSections: number | readonly number[]): Tensor[];
export function vsplit(input: Tensor, options: SplitOptions): Tensor[];
export function vsplit(): Tensor[] {
  const o = KW_MORE.vsplit.parse(argsOf(arguments));
  const input = o.input, indicesOrSections = splitSpec(o, 'vsplit');
  need(input, 'vsplit');
  if (input.ndim < 2) throw new ShapeError(`vsplit: requires a tensor with at least 2 dimensions, but got shape ${fmt(input._shape)}`);
  return splitAt(input, indicesOrSections, 0, 'vsplit', true);
}
/**
 * The input split depth-wise (dim 2), as `torch.dsplit`; at least 3-D.
 *
 * ```ts
 * fl.dsplit(fl.ones([1, 1, 4]), 2).length;  // 2
 * ```
 */
export function dsplit(input: Tensor, indicesOrSections: number | readonly number[]): Tensor[];
export function dsplit(input: Tensor, options: SplitOptions): Tensor[];
export function dsplit(): Tensor[] {
  const o = KW_MORE.dsplit.parse(argsOf(arguments));
  const input = o.input, indicesOrSections = splitSpec(o, 'dsplit');
  need(input, 'dsplit');
  if (input.ndim < 3) throw new ShapeError(`dsplit: requires a tensor with at least 3 dimensions, but got shape ${fmt(input._shape)}`);
  return splitAt(input, indicesOrSections, 2, 'dsplit', true);
}

// ---- combinations --------------------------------------------------------------------------------

/**
 * The length-`r` combinations of the elements of a 1-D tensor, as `torch.combinations` (Python's
 * itertools.combinations, or combinations_with_replacement): `[N, r]` rows in lexicographic order.
 *
 * ```ts
 * fl.combinations(fl.tensor([1, 2, 3])).toArray();  // [[1, 2], [1, 3], [2, 3]]
 * ```
 */
export function combinations(input: Tensor, r?: number, withReplacement?: boolean, options?: Record<string, unknown>): Tensor;
export function combinations(...args: unknown[]): Tensor {
  const o = COMBINATIONS.parse(args);
  const x = need(o.input, 'combinations');
  if (x.ndim !== 1) throw new ShapeError(`combinations: expects a 1-D tensor, got shape ${fmt(x._shape)}`);
  const n = x.numel, r = o.r;
  if (r === 0) return zeros([0], { dtype: x.dtype, device: x.device });
  const cols: number[][] = Array.from({ length: r }, () => []);
  const cur: number[] = [];
  const walk = (from: number): void => {
    if (cur.length === r) { cur.forEach((v, j) => cols[j].push(v)); return; }
    for (let i = from; i < n; i++) { cur.push(i); walk(o.withReplacement ? i : i + 1); cur.pop(); }
    if (cols[0].length > 2 ** 26) throw new ValueError(`combinations: too many combinations of ${n} elements taken ${r} at a time`);
  };
  walk(0);
  return stack(cols.map((c) => indexSelect(x, 0, tensor(c, { dtype: 'int32', device: x.device }))), 1);
}
const COMBINATIONS = signature('combinations', ['input', 'r', 'withReplacement'], {
  input: required(tensorCheck), r: optional(int({ min: 0 }), 2), withReplacement: optional(bool, false),
});

// ---- selectScatter, sliceScatter, diagonalScatter ------------------------------------------------

/** Checks that src has the dtype of x and the shape `want`. */
function checkSrc(x: Tensor, src: Tensor, want: readonly number[], op: string): void {
  if (src.dtype !== x.dtype) throw new DTypeError(`${op}: src (${src.dtype}) and input (${x.dtype}) must have the same dtype`);
  if (src._shape.length !== want.length || src._shape.some((s, i) => s !== want[i])) {
    throw new ShapeError(`${op}: expected src to have a size equal to the slice of self, src size = ${fmt(src._shape)}, slice size = ${fmt(want)}`);
  }
}

/**
 * A copy of x with `srcLast` written at the linear positions `pos` of x's dims `moved` (moved last
 * and flattened): srcLast has x's other dims, in order, then one dim of pos.length. A scatter along
 * that last dim, so the gradient flows to x (zero at the positions) and to srcLast.
 */
function scatterLast(x: Tensor, srcLast: Tensor, moved: number[], pos: number[]): Tensor {
  const nd = x.ndim;
  const last = moved.map((_, i) => nd - moved.length + i);
  const xm = movedim(x, moved, last);
  const batch = xm._shape.slice(0, nd - moved.length);
  const inner = xm._shape.slice(nd - moved.length).reduce((p, s) => p * s, 1);
  const xf = reshape(xm, [...batch, inner]);
  const sf = reshape(srcLast, [...batch, pos.length]);
  const idx = expand(reshape(tensor(pos, { dtype: 'int32', device: x.device }), [...batch.map(() => 1), pos.length]), [...batch, pos.length]);
  const out = scatter(xf, -1, idx, sf);
  return movedim(reshape(out, xm._shape), last, moved);
}

/**
 * A copy of the input with `src` written at `index` along `dim` (src has the input's shape without
 * that dim), as `torch.select_scatter`; differentiable in both.
 *
 * ```ts
 * fl.selectScatter(fl.zeros([2, 2]), fl.ones([2]), 0, 1).toArray();  // [[0, 0], [1, 1]]
 * ```
 */
export function selectScatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  if (arguments.length > 4) tooManyArgs('selectScatter', 'input, src, dim, index', arguments);
  need(input, 'selectScatter'); need(src, 'selectScatter', 'src');
  if (input.ndim === 0) throw new IndexError('selectScatter: select() cannot be applied to a 0-dim tensor');
  const d = normDim(dim, input.ndim, 'selectScatter');
  const n = input._shape[d];
  const i = needInt(index, 'selectScatter', 'index');
  if (i < -n || i >= n) throw new IndexError(`selectScatter: index ${i} out of range for tensor of size ${fmt(input._shape)} at dimension ${d}`);
  checkSrc(input, src, input._shape.filter((_, j) => j !== d), 'selectScatter');
  return scatterLast(input, src, [d], [i < 0 ? i + n : i]);
}

/**
 * A copy of the input with `src` written at the slice `start:end:step` of `dim`, as
 * `torch.slice_scatter`; differentiable in both.
 *
 * ```ts
 * fl.sliceScatter(fl.zeros([4]), fl.ones([2]), 0, 0, null, 2).toArray();  // [1, 0, 1, 0]
 * ```
 */
export function sliceScatter(input: Tensor, src: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number, options?: Record<string, unknown>): Tensor;
export function sliceScatter(...args: unknown[]): Tensor {
  const o = SLICE_SCATTER.parse(args);
  const x = need(o.input, 'sliceScatter'), src = need(o.src, 'sliceScatter', 'src');
  if (x.ndim === 0) throw new IndexError('sliceScatter: slice() cannot be applied to a 0-dim tensor');
  const d = normDim(o.dim, x.ndim, 'sliceScatter');
  const n = x._shape[d];
  const s = o.start === null || o.start === undefined ? 0 : clampIndex(o.start, n);
  const e = o.end === null || o.end === undefined ? n : clampIndex(o.end, n);
  const pos: number[] = [];
  for (let i = s; i < e; i += o.step) pos.push(i);
  checkSrc(x, src, x._shape.map((v, j) => (j === d ? pos.length : v)), 'sliceScatter');
  return scatterLast(x, movedim(src, d, -1), [d], pos);
}
const SLICE_SCATTER = signature('sliceScatter', ['input', 'src', 'dim', 'start', 'end', 'step'], {
  input: required(tensorCheck), src: required(tensorCheck), dim: optional(int(), 0), start: optional(nullable(int())), end: optional(nullable(int())), step: optional(int({ min: 1 }), 1),
});

/**
 * A copy of the input with `src` written on the diagonal that `diagonal(input, offset, dim1, dim2)`
 * names, as `torch.diagonal_scatter`; differentiable in both.
 *
 * ```ts
 * fl.diagonalScatter(fl.zeros([2, 2]), fl.ones([2])).toArray();  // [[1, 0], [0, 1]]
 * ```
 */
export function diagonalScatter(input: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  if (arguments.length > 5) tooManyArgs('diagonalScatter', 'input, src, offset, dim1, dim2', arguments);
  need(input, 'diagonalScatter'); need(src, 'diagonalScatter', 'src');
  const off = needInt(offset, 'diagonalScatter', 'offset');
  if (input.ndim < 2) throw new ShapeError(`diagonalScatter: expected a tensor of at least 2 dims, got shape ${fmt(input._shape)}`);
  const d1 = normDim(dim1, input.ndim, 'diagonalScatter'), d2 = normDim(dim2, input.ndim, 'diagonalScatter');
  if (d1 === d2) throw new ValueError(`diagonalScatter: diagonal dimensions cannot be identical ${d1}, ${d2}`);
  const R = input._shape[d1], C = input._shape[d2];
  const r0 = off < 0 ? -off : 0, c0 = off > 0 ? off : 0;
  const len = Math.max(Math.min(R - r0, C - c0), 0);
  const pos = Array.from({ length: len }, (_, i) => (i + r0) * C + i + c0);
  const shape = [...input._shape.filter((_, j) => j !== d1 && j !== d2), len];
  checkSrc(input, src, shape, 'diagonalScatter');
  return scatterLast(input, src, [d1, d2], pos);
}

// ---- trapezoid, cumulativeTrapezoid --------------------------------------------------------------

interface TrapezoidOptions { dx?: number; dim?: number }

function trapezoidParts(args: unknown[], op: string, sig: typeof TRAPEZOID): { y: Tensor; x: Tensor | null; dx: number; d: number } {
  const o = sig.parse(args);
  const y = need(o.y, op, 'y');
  if (o.x !== undefined && o.x !== null && o.dx !== undefined) throw new ValueError(`${op}: give x or dx, not both`);
  if (y.ndim === 0) throw new IndexError(`${op}: dim ${o.dim} out of range for a 0-dim tensor`);
  const d = normDim(o.dim, y.ndim, op);
  let x: Tensor | null = null;
  if (o.x instanceof Tensor) {
    x = need(o.x, op, 'x');
    if (x.ndim === 1) {
      if (x.numel !== y._shape[d]) throw new ShapeError(`${op}: There must be one x value for each sample point (x ${fmt(x._shape)}, y ${fmt(y._shape)} along dim ${d})`);
      x = reshape(x, y._shape.map((s, i) => (i === d ? s : 1)));
    } else if (x.ndim !== y.ndim) throw new ShapeError(`${op}: x of shape ${fmt(x._shape)} must be 1-D or have y's number of dims (y ${fmt(y._shape)})`);
  }
  return { y, x, dx: o.dx ?? 1, d };
}
const trapSig = (op: string) => signature(op, ['y', 'x'], {
  y: required(tensorCheck), x: optional(nullable(tensorCheck)), dx: optional(num()), dim: optional(int(), -1),
});
const TRAPEZOID = trapSig('trapezoid');
const CUMULATIVE_TRAPEZOID = trapSig('cumulativeTrapezoid');

/**
 * The integral of `y` along `dim` by the trapezoidal rule, as `torch.trapezoid`: with sample
 * points `x` (a tensor) or a constant spacing `dx` (default 1).
 *
 * ```ts
 * fl.trapezoid(fl.tensor([1, 2, 3])).item();                          // 4
 * fl.trapezoid(fl.tensor([1, 2, 3]), fl.tensor([0, 1, 3])).item();    // 6.5
 * ```
 */
export function trapezoid(y: Tensor, x?: Tensor | null, options?: TrapezoidOptions): Tensor;
export function trapezoid(y: Tensor, options?: TrapezoidOptions): Tensor;
export function trapezoid(...args: unknown[]): Tensor {
  const { y, x, dx, d } = trapezoidParts(args, 'trapezoid', TRAPEZOID);
  const n = y._shape[d];
  if (n === 0) return noGrad(() => sum(mul(y, 0), d));  // zeros, with no graph (as torch's)
  if (x === null) {
    // torch's form: (sum(y) - (y[0] + y[-1]) / 2) * dx
    return mul(sub(sum(y, d), mul(add(select(y, d, 0), select(y, d, n - 1)), 0.5)), dx);
  }
  const xd = diff(x, 1, d);
  return div2(sum(mul(xd, add(narrow(y, d, 1, n - 1), narrow(y, d, 0, n - 1))), d));
}
const div2 = (t: Tensor): Tensor => mul(t, 0.5);

/**
 * The running integral of `y` along `dim` by the trapezoidal rule, as
 * `torch.cumulative_trapezoid`: one value fewer than `y` along `dim`.
 *
 * ```ts
 * fl.cumulativeTrapezoid(fl.tensor([1, 2, 3])).toArray();  // [1.5, 4]
 * ```
 */
export function cumulativeTrapezoid(y: Tensor, x?: Tensor | null, options?: TrapezoidOptions): Tensor;
export function cumulativeTrapezoid(y: Tensor, options?: TrapezoidOptions): Tensor;
export function cumulativeTrapezoid(...args: unknown[]): Tensor {
  const { y, x, dx, d } = trapezoidParts(args, 'cumulativeTrapezoid', CUMULATIVE_TRAPEZOID);
  const n = y._shape[d];
  const pairs = n === 0 ? mul(y, 1) : add(narrow(y, d, 1, n - 1), narrow(y, d, 0, n - 1));
  if (x === null) return cumsum(mul(pairs, dx / 2), d);
  return cumsum(div2(mul(n === 0 ? narrow(x, d, 0, 0) : diff(x, 1, d), pairs)), d);
}

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** See {@link diff}. */
    diff(n?: number, dim?: number, prepend?: Tensor | null, append?: Tensor | null): Tensor;
    /** See {@link kron}. */
    kron(other: Tensor): Tensor;
    /** See {@link trace}. */
    trace(): Tensor;
    /** See {@link diag}. */
    diag(...args: ArgsThenOptions<[diagonal: number], { diagonal?: number }>): Tensor;
    /** See {@link diagEmbed}. */
    diagEmbed(...args: ArgsThenOptions<[offset: number, dim1: number, dim2: number], { offset?: number; dim1?: number; dim2?: number }>): Tensor;
    /** See {@link diagflat}. */
    diagflat(...args: ArgsThenOptions<[offset: number], { offset?: number }>): Tensor;
    /** See {@link movedim}. */
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    movedim(source: number | readonly number[], options: { destination: number | readonly number[] }): Tensor;
    movedim(options: { source: number | readonly number[]; destination: number | readonly number[] }): Tensor;
    /** See {@link moveaxis}. */
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    moveaxis(source: number | readonly number[], options: { destination: number | readonly number[] }): Tensor;
    moveaxis(options: { source: number | readonly number[]; destination: number | readonly number[] }): Tensor;
    /** See {@link swapaxes}. */
    swapaxes(axis0: number, axis1: number): Tensor;
    swapaxes(axis0: number, options: { axis1: number }): Tensor;
    swapaxes(options: { axis0: number; axis1: number }): Tensor;
    /** See {@link swapdims}. */
    swapdims(dim0: number, dim1: number): Tensor;
    swapdims(dim0: number, options: { dim1: number }): Tensor;
    swapdims(options: { dim0: number; dim1: number }): Tensor;
    /** See {@link unflatten}. */
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    unflatten(dim: number, options: { sizes: readonly number[] }): Tensor;
    unflatten(options: { dim: number; sizes: readonly number[] }): Tensor;
    /** See {@link take}. */
    take(index: Tensor): Tensor;
    take(options: { index: Tensor }): Tensor;
    /** See {@link indexAdd}. */
    indexAdd(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): Tensor;
    /** In place: see {@link indexAdd}. */
    indexAdd_(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): Tensor;
    /** See {@link indexCopy}. */
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    indexCopy(dim: number, index: Tensor, options: { source: Tensor }): Tensor;
    indexCopy(dim: number, options: { index: Tensor; source: Tensor }): Tensor;
    indexCopy(options: { dim: number; index: Tensor; source: Tensor }): Tensor;
    /** In place: see {@link indexCopy}. */
    indexCopy_(dim: number, index: Tensor, source: Tensor): Tensor;
    /** See {@link indexFill}. */
    indexFill(dim: number, index: Tensor, value: number | boolean | Tensor): Tensor;
    indexFill(dim: number, index: Tensor, options: { value: number | boolean | Tensor }): Tensor;
    indexFill(dim: number, options: { index: Tensor; value: number | boolean | Tensor }): Tensor;
    indexFill(options: { dim: number; index: Tensor; value: number | boolean | Tensor }): Tensor;
    /** In place: see {@link indexFill}. */
    indexFill_(dim: number, index: Tensor, value: number | boolean | Tensor): Tensor;
    /** See {@link repeatInterleave}. */
    repeatInterleave(repeats: number | Tensor, dim?: number | null, options?: { outputSize?: number }): Tensor;
    /** See {@link tile}: `x.tile(2, 2)`, `x.tile([2, 2])`, `x.tile({ dims: [2, 2] })`. */
    tile(...dims: number[]): Tensor;
    tile(dims: readonly number[]): Tensor;
    tile(options: { dims: readonly number[] }): Tensor;
    /** See {@link rot90}. */
    rot90(...args: ArgsThenOptions<[k: number, dims: readonly number[]], { k?: number; dims?: readonly number[] }>): Tensor;
    /** See {@link fliplr}. */
    fliplr(): Tensor;
    /** See {@link flipud}. */
    flipud(): Tensor;
    /** See {@link tensorSplit}. */
    tensorSplit(indicesOrSections: number | readonly number[] | Tensor, ...args: ArgsThenOptions<[dim: number], { dim?: number }>): Tensor[];
    tensorSplit(options: { indicesOrSections: number | readonly number[] | Tensor; dim?: number }): Tensor[];
    /** See {@link hsplit}. */
    hsplit(indicesOrSections: number | readonly number[]): Tensor[];
    hsplit(options: SplitOptions): Tensor[];
    /** See {@link vsplit}. */
    vsplit(indicesOrSections: number | readonly number[]): Tensor[];
    vsplit(options: SplitOptions): Tensor[];
    /** See {@link dsplit}. */
    dsplit(indicesOrSections: number | readonly number[]): Tensor[];
    dsplit(options: SplitOptions): Tensor[];
    /** See {@link selectScatter}. */
    selectScatter(src: Tensor, dim: number, index: number): Tensor;
    /** See {@link sliceScatter}. */
    sliceScatter(src: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number): Tensor;
    /** See {@link diagonalScatter}. */
    diagonalScatter(src: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor;
  }
}

const P = Tensor.prototype;
/** The in-place form: refused (typed, naming the op) where grad would flow, then the result copied in. */
function inPlace(self: Tensor, op: string, others: unknown[], compute: () => Tensor): Tensor {
  checkInplace(self, op, ...others);
  const out = compute();
  try { return self.copy_(out); } finally { out.dispose(); }
}
P.diff = function (...a: unknown[]) { return (diff as (...x: unknown[]) => Tensor)(this, ...a); };
P.kron = function (other) { if (arguments.length > 1) tooManyArgs('kron', 'other', arguments); return kron(this, other); };
P.trace = function () { if (arguments.length > 0) tooManyArgs('trace', '', arguments); return trace(this); };
P.diag = function (this: Tensor, ...a: unknown[]) { return (diag as (...b: unknown[]) => Tensor)(this, ...a); };
P.diagEmbed = function (this: Tensor, ...a: unknown[]) { return (diagEmbed as (...b: unknown[]) => Tensor)(this, ...a); };
P.diagflat = function (this: Tensor, ...a: unknown[]) { return (diagflat as (...b: unknown[]) => Tensor)(this, ...a); };
P.movedim = function (this: Tensor, ...a: unknown[]) { return (movedim as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['movedim'];
P.moveaxis = function (this: Tensor, ...a: unknown[]) { return (moveaxis as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['moveaxis'];
P.swapaxes = function (this: Tensor, ...a: unknown[]) { return (swapaxes as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['swapaxes'];
P.swapdims = function (this: Tensor, ...a: unknown[]) { return (swapdims as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['swapdims'];
P.unflatten = function (this: Tensor, ...a: unknown[]) { return (unflatten as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['unflatten'];
P.take = function (this: Tensor, ...a: unknown[]) { return (take as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['take'];
P.indexAdd = function (...a: unknown[]) { return (indexAdd as (...x: unknown[]) => Tensor)(this, ...a); };
P.indexAdd_ = function (...a: unknown[]) {
  if (a.length > 4 || (a.length === 4 && !isPlainObject(a[3]) && a[3] !== undefined)) tooManyArgs('indexAdd_', 'dim, index, source, options', a);
  return inPlace(this, 'indexAdd_', [a[2]], () => (indexAdd as (...x: unknown[]) => Tensor)(this, ...a)); };
P.indexCopy = function (this: Tensor, ...a: unknown[]) { return (indexCopy as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['indexCopy'];
P.indexCopy_ = function (d, i, s) { if (arguments.length > 3) tooManyArgs('indexCopy_', 'dim, index, source', arguments); return inPlace(this, 'indexCopy_', [s], () => indexCopy(this, d, i, s)); };
P.indexFill = function (this: Tensor, ...a: unknown[]) { return (indexFill as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['indexFill'];
P.indexFill_ = function (d, i, v) { if (arguments.length > 3) tooManyArgs('indexFill_', 'dim, index, value', arguments); return inPlace(this, 'indexFill_', [v], () => indexFill(this, d, i, v)); };
P.repeatInterleave = function (...a: unknown[]) {
  if (a.length === 0) throw new ValueError('repeatInterleave: missing required argument \'repeats\'');
  return (repeatInterleave as (...x: unknown[]) => Tensor)(this, ...a);
};
P.tile = function (this: Tensor, ...d: unknown[]) {
  // torch's Tensor.tile(*dims): numbers, one array, or the keyword form
  if (d.length === 1 && (Array.isArray(d[0]) || isPlainObject(d[0]))) return (tile as (...b: unknown[]) => Tensor)(this, d[0]);
  return tile(this, d as number[]);
} as Tensor['tile'];
P.rot90 = function (this: Tensor, ...a: unknown[]) { return (rot90 as (...b: unknown[]) => Tensor)(this, ...a); };
P.fliplr = function () { if (arguments.length > 0) tooManyArgs('fliplr', '', arguments); return fliplr(this); };
P.flipud = function () { if (arguments.length > 0) tooManyArgs('flipud', '', arguments); return flipud(this); };
P.tensorSplit = function (this: Tensor, ...a: unknown[]) { return (tensorSplit as (...b: unknown[]) => Tensor[])(this, ...a); } as Tensor['tensorSplit'];
P.hsplit = function (this: Tensor, ...a: unknown[]) { return (hsplit as (...b: unknown[]) => Tensor[])(this, ...a); } as Tensor['hsplit'];
P.vsplit = function (this: Tensor, ...a: unknown[]) { return (vsplit as (...b: unknown[]) => Tensor[])(this, ...a); } as Tensor['vsplit'];
P.dsplit = function (this: Tensor, ...a: unknown[]) { return (dsplit as (...b: unknown[]) => Tensor[])(this, ...a); } as Tensor['dsplit'];
P.selectScatter = function (s, d, i) { if (arguments.length > 3) tooManyArgs('selectScatter', 'src, dim, index', arguments); return selectScatter(this, s, d, i); };
P.sliceScatter = function (...a: unknown[]) { return (sliceScatter as (...x: unknown[]) => Tensor)(this, ...a); };
P.diagonalScatter = function (s, o, d1, d2) { if (arguments.length > 4) tooManyArgs('diagonalScatter', 'src, offset, dim1, dim2', arguments); return diagonalScatter(this, s, o, d1, d2); };
