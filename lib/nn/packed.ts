// packed.ts — variable-length sequences, as torch.nn.utils.rnn (`fl.nn.utils.rnn`): the
// `PackedSequence` that nn.LSTM / nn.GRU / nn.RNN accept (lib/nn/rnn.ts), and padSequence,
// packPaddedSequence, padPackedSequence, packSequence, unpackSequence, unpadSequence.
//
// The packed layout is torch's: the sequences sorted by length (longest first), then time-major:
// step t holds the first batchSizes[t] sequences' rows, so `data` is [Σ lengths, *]. Every
// conversion is ONE indexSelect over a flattened tensor (plus, when padding, a cat of one row of the
// padding value), with its index computed on the host from the lengths, which torch keeps on the CPU
// too: no kernel of their own, every device, and the gradient is indexSelect's (a scatter-add).
//
// Index tensors are int32, flintml's index dtype (torch: int64): `batchSizes` and the lengths that
// padPackedSequence returns are int32 CPU tensors, `sortedIndices` / `unsortedIndices` int32 on
// the data's device, as torch keeps them.
//
// A PackedSequence is a frozen plain object (its four tensors as enumerable fields, its methods
// non-enumerable), made by the class's constructor: `fl.scope` keeps the tensors of a plain object
// that it returns (a class instance it does not look into), so `scope(() => lstm.forward(packed))`
// keeps the output as torch's namedtuple would. `instanceof PackedSequence` still holds (a brand
// checked by Symbol.hasInstance), and it destructures as torch's tuple:
// `const [data, batchSizes] = packed`.
import { describeArg } from '../arity';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature, tooManyArgs } from '../args';
import { DeviceError, IndexError, ShapeError, ValueError } from '../errors';
import { DType } from '../dtype';
import { fmt } from '../shape';
import { scope, Tensor } from '../tensor';
import { full, tensor } from '../ops/creation';
import { indexSelect, scatter } from '../ops/indexing';
import { cat, narrow, reshape, select, transpose, unbind } from '../ops/views';

const BRAND = Symbol('flintml.PackedSequence');

/** A tensor argument, checked by the function that reads it (the message names its role). */
const ANY = required(A.anyValue<unknown>());
/** A padding value: a number (or boolean, for bool data), as torch's float padding_value. */
const PADDING: A.Check<number | boolean> = (v, where) => {
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`${where} must be a number, got ${describeArg(v)}`);
  return v;
};
const TOTAL: A.Check<number | null> = (v, where) => {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(`${where} must be an integer or null, got ${describeArg(v)}`);
  return v;
};

// PyTorch: pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True);
// pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None);
// pad_sequence(sequences, batch_first=False, padding_value=0.0); pack_sequence(sequences,
// enforce_sorted=True); unpad_sequence(padded_sequences, lengths, batch_first=False)
const ARGS = {
  packPaddedSequence: signature('packPaddedSequence', ['input', 'lengths', 'batchFirst', 'enforceSorted'], {
    input: ANY, lengths: ANY, batchFirst: optional(A.bool, false), enforceSorted: optional(A.bool, true),
  }),
  padPackedSequence: signature('padPackedSequence', ['sequence', 'batchFirst', 'paddingValue', 'totalLength'], {
    sequence: ANY, batchFirst: optional(A.bool, false), paddingValue: optional(PADDING, 0), totalLength: optional(TOTAL, null),
  }),
  padSequence: signature('padSequence', ['sequences', 'batchFirst', 'paddingValue'], {
    sequences: ANY, batchFirst: optional(A.bool, false), paddingValue: optional(PADDING, 0),
  }),
  packSequence: signature('packSequence', ['sequences', 'enforceSorted'], { sequences: ANY, enforceSorted: optional(A.bool, true) }),
  unpadSequence: signature('unpadSequence', ['paddedSequences', 'lengths', 'batchFirst'], {
    paddedSequences: ANY, lengths: ANY, batchFirst: optional(A.bool, false),
  }),
};

function needTensor(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

/** The values of a 1-D CPU tensor, as numbers. */
function hostInts(t: Tensor, op: string, what: string): number[] {
  if (t.ndim !== 1) throw new ShapeError(`${op}: ${what} must be a 1-D CPU tensor, got shape ${fmt(t._shape)}`);
  if (t.device !== 'cpu') throw new DeviceError(`${op}: ${what} must be a 1-D CPU tensor, got one on ${t.device}`);
  return Array.from(t.dataSync() as ArrayLike<number | boolean>, (v) => Number(v));
}

/** A lengths argument: an array of numbers or a 1-D CPU tensor, as host numbers. */
function lengthsOf(lengths: unknown, op: string): number[] {
  if (lengths instanceof Tensor) { lengths._handleFor(op); return hostInts(lengths, op, "'lengths'"); }
  if (!Array.isArray(lengths)) throw new ValueError(`${op}: lengths must be an array of integers or a 1-D CPU tensor, got ${describeArg(lengths)}`);
  return lengths.map((v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${op}: lengths must be finite numbers, got ${describeArg(v)}`);
    return v;
  });
}

/** An int32 index tensor with these values, on `device`. */
function indexTensor(values: readonly number[], device: string): Tensor {
  return tensor(values.length ? Array.from(values) : [], { dtype: 'int32', device });
}

/** The prefix offsets of the batch sizes: step t's rows start at offsets[t] of the packed data. */
function offsetsOf(bs: readonly number[]): number[] {
  const off = new Array<number>(bs.length);
  let s = 0;
  for (let t = 0; t < bs.length; t++) { off[t] = s; s += bs[t]; }
  return off;
}

/** The checked batch sizes of a PackedSequence's `batchSizes`: positive and non-increasing. */
function checkedBatchSizes(batchSizes: Tensor, op: string): number[] {
  const bs = hostInts(batchSizes, op, 'batchSizes');
  if (bs.length === 0) throw new ValueError(`${op}: batchSizes must not be empty`);
  for (let t = 0; t < bs.length; t++) {
    if (!Number.isInteger(bs[t]) || !(bs[t] > 0) || (t > 0 && bs[t] > bs[t - 1])) throw new ValueError(`${op}: batchSizes must be positive and non-increasing, got ${describeArg(bs)}`);
  }
  return bs;
}

/**
 * A batch of variable-length sequences packed for the recurrent layers, as
 * `torch.nn.utils.rnn.PackedSequence`: `data` [Σ lengths, *] holds the sequences sorted by length,
 * time step by time step (step t: the rows of the `batchSizes[t]` sequences still running);
 * `batchSizes` is an int32 CPU tensor (torch: int64); `sortedIndices` / `unsortedIndices` (int32, on
 * the data's device, or null when the batch was already sorted) map between the caller's order and
 * the sorted one. Made by `packPaddedSequence` and `packSequence`; destructures as torch's tuple.
 * When `unsortedIndices` is omitted it is computed from `sortedIndices`.
 *
 * ```ts
 * const p = fl.nn.utils.rnn.packSequence([fl.ones([3, 2]), fl.ones([1, 2])]);  // p.batchSizes: [2, 1, 1]
 * ```
 */
export class PackedSequence {
  /** The packed rows: [Σ lengths, *]. */
  declare readonly data: Tensor;
  /** How many sequences run at each time step (int32, CPU). */
  declare readonly batchSizes: Tensor;
  /** The permutation that sorted the batch by length (position in the sorted batch -> original index), or null. */
  declare readonly sortedIndices: Tensor | null;
  /** The inverse of `sortedIndices`, or null. */
  declare readonly unsortedIndices: Tensor | null;

  constructor(data: Tensor, batchSizes: Tensor, sortedIndices?: Tensor | null, unsortedIndices?: Tensor | null) {
    if (arguments.length > 4) tooManyArgs('PackedSequence', 'data, batchSizes, sortedIndices, unsortedIndices', arguments);
    const op = 'PackedSequence';
    needTensor(data, op, 'data');
    needTensor(batchSizes, op, 'batchSizes');
    const bs = checkedBatchSizes(batchSizes, op);
    const n = bs.reduce((a, b) => a + b, 0);
    if (data.ndim < 1 || data._shape[0] !== n) throw new ShapeError(`${op}: data must have Σ batchSizes = ${n} rows, got shape ${fmt(data._shape)}`);
    const perm = (t: unknown, what: string): Tensor | null => {
      if (t === null || t === undefined) return null;
      const x = needTensor(t, op, what);
      if (x.dtype !== 'int32' || x.ndim !== 1 || x._shape[0] !== bs[0]) {
        throw new ShapeError(`${op}: ${what} must be a 1-D int32 tensor of batchSizes[0] = ${bs[0]} elements, got ${x.dtype} of shape ${fmt(x._shape)}`);
      }
      if (x.device !== data.device) throw new DeviceError(`${op}: ${what} is on ${x.device} but data is on ${data.device}`);
      return x;
    };
    const sorted = perm(sortedIndices, 'sortedIndices');
    let unsorted = perm(unsortedIndices, 'unsortedIndices');
    if (unsorted === null && sorted !== null) unsorted = invertPermutation(sorted);
    const o = { data, batchSizes, sortedIndices: sorted, unsortedIndices: unsorted };
    const proto = PackedSequence.prototype;
    Object.defineProperties(o, {
      [BRAND]: { value: true },
      to: { value: proto.to },
      dispose: { value: proto.dispose },
      isCuda: { get: Object.getOwnPropertyDescriptor(proto, 'isCuda')!.get },
      [Symbol.iterator]: { value: proto[Symbol.iterator] },
      [Symbol.dispose]: { value: proto.dispose },
      toString: { value: proto.toString },
    });
    return Object.freeze(o) as unknown as PackedSequence;
  }

  static [Symbol.hasInstance](v: unknown): boolean {
    return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[BRAND] === true;
  }

  /** Whether the data is on a GPU. */
  get isCuda(): boolean { return this.data.device !== 'cpu'; }

  /**
   * The same sequences with `data` moved and/or cast (`Tensor.to`'s arguments) and the index
   * permutations moved with it; `batchSizes` stays on the CPU. New tensor objects throughout (views
   * where nothing moves), so each PackedSequence can be disposed on its own.
   * ```ts
   * const onGpu = packed.to('cuda');
   * ```
   */
  to(arg: string | { dtype?: string; device?: string; nonBlocking?: boolean; copy?: boolean }, options?: { nonBlocking?: boolean; copy?: boolean }): PackedSequence {
    if (arguments.length > 2) tooManyArgs('to', 'deviceOrDtype, options', arguments);
    return scope(() => {
      const data = (this.data.to as (a: unknown, o?: unknown) => Tensor)(arg, options);
      const dev = data.device;
      return new PackedSequence(data, this.batchSizes.to('cpu'), this.sortedIndices?.to(dev) ?? null, this.unsortedIndices?.to(dev) ?? null);
    });
  }

  /** Disposes the four tensors. */
  dispose(): void {
    if (arguments.length > 0) tooManyArgs('dispose', '', arguments);
    this.data.dispose();
    this.batchSizes.dispose();
    this.sortedIndices?.dispose();
    this.unsortedIndices?.dispose();
  }

  /** `[data, batchSizes, sortedIndices, unsortedIndices]`, as torch's namedtuple unpacks. */
  *[Symbol.iterator](): IterableIterator<Tensor | null> {
    yield this.data; yield this.batchSizes; yield this.sortedIndices; yield this.unsortedIndices;
  }

  toString(): string {
    return `PackedSequence(data=${fmt(this.data._shape)}, batchSizes=${describeArg(Array.from(this.batchSizes.dataSync() as ArrayLike<number>))})`;
  }
}

/** The inverse permutation, on the permutation's device (a scatter of 0..n-1: no host read). */
function invertPermutation(p: Tensor): Tensor {
  return scope(() => {
    const n = p._shape[0];
    const ar = indexTensor(Array.from({ length: n }, (_, i) => i), p.device);
    return scatter(ar, 0, p, ar);
  });
}

/** @internal The checked batch sizes of a PackedSequence, as host integers, and its row offsets per step. */
export function packedLayout(p: PackedSequence, op: string): { batchSizes: number[]; offsets: number[] } {
  const bs = checkedBatchSizes(p.batchSizes, op);
  return { batchSizes: bs, offsets: offsetsOf(bs) };
}

/** A stable descending sort of the lengths: [sorted lengths, their original positions] (torch's sort is stable here too). */
function sortDescending(lens: readonly number[]): [number[], number[]] {
  const order = lens.map((_, i) => i).sort((a, b) => lens[b] - lens[a] || a - b);
  return [order.map((i) => lens[i]), order];
}

/**
 * Packs a padded batch of variable-length sequences, as `torch.nn.utils.rnn.pack_padded_sequence`:
 * `input` is [T, B, *] (or [B, T, *] with `batchFirst`), `lengths` the B lengths (an array or a 1-D
 * CPU tensor). With `enforceSorted` (the default) the lengths must be in decreasing order; without
 * it the batch is sorted here and the permutation kept in the result. Every length must be in
 * [1, T]. The gradient flows back to `input` (zero at the padding).
 *
 * ```ts
 * const x = fl.randn([5, 3, 8]);                                   // T = 5, B = 3
 * const packed = fl.nn.utils.rnn.packPaddedSequence(x, [5, 2, 3], { enforceSorted: false });
 * ```
 */
export function packPaddedSequence(input: Tensor, lengths: readonly number[] | Tensor, ...args: ArgsThenOptions<[batchFirst: boolean, enforceSorted: boolean], { batchFirst?: boolean; enforceSorted?: boolean }>): PackedSequence;
export function packPaddedSequence(...args: unknown[]): PackedSequence {
  const o = ARGS.packPaddedSequence.parse(args);
  return packPaddedOp(o.input, o.lengths, o.batchFirst, o.enforceSorted, 'packPaddedSequence');
}

/** packPaddedSequence, naming `op` (packSequence calls it too) in its errors. */
function packPaddedOp(input: unknown, lengths: unknown, batchFirst: boolean, enforceSorted: boolean, op: string): PackedSequence {
  const o = { batchFirst, enforceSorted };
  const x = needTensor(input, op, 'input');
  // torch.as_tensor(lengths, dtype=torch.int64): fractions truncated
  let lens = lengthsOf(lengths, op).map((v) => (Number.isFinite(v) ? Math.trunc(v) : NaN));
  if (x.ndim < 2) throw new ShapeError(`${op}: expected an input of at least 2 dims ([T, B, *] or [B, T, *] with batchFirst), got shape ${fmt(x._shape)}`);
  const B = x._shape[o.batchFirst ? 0 : 1], T = x._shape[o.batchFirst ? 1 : 0];
  if (x.numel === 0) throw new ValueError(`${op}: cannot pack empty tensors (input of shape ${fmt(x._shape)})`);
  if (lens.length !== B) throw new ValueError(`${op}: expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})`);
  let order: number[] | null = null;
  if (!o.enforceSorted) [lens, order] = sortDescending(lens);
  if (!(lens[B - 1] > 0)) throw new ValueError(`${op}: length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0`);
  for (let i = 1; i < B; i++) {
    if (lens[i] > lens[i - 1]) {
      throw new ValueError(`${op}: \`lengths\` array must be sorted in decreasing order when \`enforceSorted\` is true. You can pass \`enforceSorted: false\` to packPaddedSequence and/or packSequence to sidestep this requirement if you do not need ONNX exportability.`);
    }
  }
  // torch 1.13 reads past the input here (no check); flintml refuses
  if (lens[0] > T) throw new ValueError(`${op}: a length of ${lens[0]} is longer than the input's ${T} time steps (input of shape ${fmt(x._shape)}, batchFirst ${o.batchFirst})`);
  const bs: number[] = [];
  for (let t = 0, b = B; t < lens[0]; t++) { while (lens[b - 1] <= t) b--; bs.push(b); }
  // packed row (t, j) is input[t, order[j]]: one gather from the input flattened over (T, B) or (B, T)
  const idx: number[] = [];
  for (let t = 0; t < bs.length; t++) {
    for (let j = 0; j < bs[t]; j++) {
      const b = order ? order[j] : j;
      idx.push(o.batchFirst ? b * T + t : t * B + b);
    }
  }
  return scope(() => {
    const rest = x._shape.slice(2);
    const flat = reshape(x, [B * T, ...rest]);
    const data = indexSelect(flat, 0, indexTensor(idx, x.device));
    const sorted = order ? indexTensor(order, x.device) : null;
    return new PackedSequence(data, indexTensor(bs, 'cpu'), sorted, null);
  });
}

/**
 * Pads a packed batch back, as `torch.nn.utils.rnn.pad_packed_sequence`: returns
 * `[padded, lengths]` with padded [T, B, *] (or [B, T, *] with `batchFirst`) in the batch's original
 * order, T the longest length (or `totalLength`, which must not be shorter), the padding
 * `paddingValue`, and the lengths as an int32 CPU tensor. The gradient flows back to `data`.
 *
 * ```ts
 * const [padded, lengths] = fl.nn.utils.rnn.padPackedSequence(packed, { batchFirst: true });
 * ```
 */
export function padPackedSequence(sequence: PackedSequence, ...args: ArgsThenOptions<[batchFirst: boolean, paddingValue: number, totalLength: number | null], { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null }>): [Tensor, Tensor];
export function padPackedSequence(...args: unknown[]): [Tensor, Tensor] {
  // a PackedSequence is a plain object (see the head of this file): taken before the options are parsed
  const o = { ...ARGS.padPackedSequence.parse(args.slice(1), 1), sequence: args[0] };
  const op = 'padPackedSequence';
  const p = o.sequence;
  if (!(p instanceof PackedSequence)) throw new ValueError(`${op}: sequence must be a PackedSequence, got ${describeArg(p)}`);
  const data = needTensor(p.data, op, 'data');
  const { batchSizes: bs, offsets } = packedLayout(p, op);
  const B = bs[0], maxLen = bs.length, N = data._shape[0];
  let T = maxLen;
  if (o.totalLength !== null) {
    if (o.totalLength < maxLen) {
      throw new ValueError(`${op}: expected totalLength to be at least the length of the longest sequence in input, but got totalLength=${o.totalLength} and max sequence length being ${maxLen}`);
    }
    T = o.totalLength;
  }
  // the sorted position of each original sequence (unsortedIndices read back: torch reads it too, for the lengths)
  const ui = p.unsortedIndices;
  const unsorted = ui ? scope(() => hostInts(ui.device === 'cpu' ? ui : ui.to('cpu'), op, 'unsortedIndices')) : null;
  if (unsorted && unsorted.some((j) => !(j >= 0 && j < B))) throw new IndexError(`${op}: unsortedIndices must be a permutation of 0..${B - 1}`);
  const lensSorted = new Array<number>(B).fill(0);
  for (let t = 0; t < maxLen; t++) for (let j = 0; j < bs[t]; j++) lensSorted[j]++;
  const pos = (b: number): number => (unsorted ? unsorted[b] : b);
  const idx = new Array<number>(T * B);
  for (let b = 0; b < B; b++) {
    const j = pos(b);
    for (let t = 0; t < T; t++) idx[o.batchFirst ? b * T + t : t * B + b] = t < maxLen && j < bs[t] ? offsets[t] + j : N;  // N: the padding row
  }
  return scope(() => {
    checkPaddingValue(o.paddingValue, data.dtype, op);
    const rest = data._shape.slice(1);
    const padRow = full([1, ...rest], o.paddingValue, { dtype: data.dtype, device: data.device });
    const padded = indexSelect(cat([data, padRow], 0), 0, indexTensor(idx, data.device));
    const lengths = indexTensor(Array.from({ length: B }, (_, b) => lensSorted[pos(b)]), 'cpu');
    return [reshape(padded, o.batchFirst ? [B, T, ...rest] : [T, B, ...rest]), lengths] as [Tensor, Tensor];
  });
}

/** The largest finite value of each floating dtype (torch refuses a fill value past it: not infinities or NaN). */
const FLOAT_MAX: Partial<Record<DType, number>> = { float16: 65504, bfloat16: 3.3895313892515355e38, float32: 3.4028234663852886e38 };
const INT_RANGE: Partial<Record<DType, [number, number]>> = { uint8: [0, 255], int32: [-2147483648, 2147483647] };

/** torch's fill check (c10::overflows): a padding value that the data's dtype cannot hold is refused (bool takes any). */
function checkPaddingValue(v: number | boolean, dtype: DType, op: string): void {
  const x = Number(v);
  const range = INT_RANGE[dtype], max = FLOAT_MAX[dtype];
  const bad = range ? !(x >= range[0] && x <= range[1]) : max !== undefined && Number.isFinite(x) && Math.abs(x) > max;
  if (bad) throw new ValueError(`${op}: paddingValue ${x} cannot be converted to ${dtype} without overflow`);
}

/** The sequences of padSequence / packSequence: a list of tensors (or one tensor, its slices along dim 0). */
function sequenceList(sequences: unknown, op: string): Tensor[] {
  let list: unknown[];
  if (sequences instanceof Tensor) { sequences._handleFor(op); list = sequences.ndim === 0 ? [sequences] : unbind(sequences, 0); }
  else if (Array.isArray(sequences)) list = sequences;
  else throw new ValueError(`${op}: sequences must be an array of tensors, got ${describeArg(sequences)}`);
  if (list.length === 0) throw new ValueError(`${op}: received an empty list of sequences`);
  const seqs = list.map((s, i) => needTensor(s, op, `sequences[${i}]`));
  const first = seqs[0];
  seqs.forEach((s) => {
    if (s.ndim === 0) throw new IndexError(`${op}: every sequence needs a time dim (dim 0), got a 0-dim tensor`);
    if (s.ndim !== first.ndim || s._shape.some((d, k) => k > 0 && d !== first._shape[k])) {
      throw new ShapeError(`${op}: every sequence must have the trailing dims of the first, ${fmt(first._shape.slice(1))}, got shape ${fmt(s._shape)}`);
    }
    if (s.device !== first.device) throw new DeviceError(`${op}: the sequences are on ${first.device} and ${s.device}`);
  });
  return seqs;
}

/**
 * Pads a list of variable-length sequences ([L_i, *] each) into one tensor, as
 * `torch.nn.utils.rnn.pad_sequence`: [max L, B, *] (or [B, max L, *] with `batchFirst`), filled
 * with `paddingValue` past each sequence's end, in the first sequence's dtype (the others are cast,
 * as torch copies them in). The gradient flows back to every sequence.
 *
 * ```ts
 * const padded = fl.nn.utils.rnn.padSequence([fl.ones([3, 2]), fl.ones([1, 2])], { batchFirst: true });  // [2, 3, 2]
 * ```
 */
export function padSequence(sequences: readonly Tensor[] | Tensor, ...args: ArgsThenOptions<[batchFirst: boolean, paddingValue: number], { batchFirst?: boolean; paddingValue?: number }>): Tensor;
export function padSequence(...args: unknown[]): Tensor {
  const o = ARGS.padSequence.parse(args);
  const op = 'padSequence';
  return scope(() => {
    const seqs = sequenceList(o.sequences, op);
    const first = seqs[0];
    checkPaddingValue(o.paddingValue, first.dtype, op);
    const B = seqs.length, L = Math.max(...seqs.map((s) => s._shape[0]));
    const rest = first._shape.slice(1);
    const starts: number[] = [];
    let N = 0;
    for (const s of seqs) { starts.push(N); N += s._shape[0]; }
    const idx = new Array<number>(L * B);
    seqs.forEach((s, b) => {
      for (let t = 0; t < L; t++) idx[o.batchFirst ? b * L + t : t * B + b] = t < s._shape[0] ? starts[b] + t : N;
    });
    const parts = seqs.map((s) => (s.dtype === first.dtype ? s : s.to(first.dtype)));
    parts.push(full([1, ...rest], o.paddingValue, { dtype: first.dtype, device: first.device }));
    const padded = indexSelect(cat(parts, 0), 0, indexTensor(idx, first.device));
    return reshape(padded, o.batchFirst ? [B, L, ...rest] : [L, B, ...rest]);
  });
}

/**
 * Packs a list of variable-length sequences ([L_i, *] each), as
 * `torch.nn.utils.rnn.pack_sequence`: `packPaddedSequence(padSequence(sequences), lengths)`. With
 * `enforceSorted` (the default) they must come longest first.
 *
 * ```ts
 * const packed = fl.nn.utils.rnn.packSequence([fl.ones([1, 4]), fl.ones([3, 4])], false);
 * ```
 */
export function packSequence(sequences: readonly Tensor[], ...args: ArgsThenOptions<[enforceSorted: boolean], { enforceSorted?: boolean }>): PackedSequence;
export function packSequence(...args: unknown[]): PackedSequence {
  const o = ARGS.packSequence.parse(args);
  const op = 'packSequence';
  return scope(() => {
    const seqs = sequenceList(o.sequences, op);
    const padded = padSequence(seqs);
    return packPaddedOp(padded, seqs.map((s) => s._shape[0]), false, o.enforceSorted, op);
  });
}

/**
 * Unpacks a PackedSequence into its sequences, as `torch.nn.utils.rnn.unpack_sequence`: a list of
 * B tensors [L_i, *] in the original order (views of one padded tensor). The gradient flows back.
 *
 * ```ts
 * const [a, b] = fl.nn.utils.rnn.unpackSequence(fl.nn.utils.rnn.packSequence([fl.ones([3]), fl.ones([2])]));
 * ```
 */
export function unpackSequence(packedSequences: PackedSequence): Tensor[] {
  if (arguments.length > 1) tooManyArgs('unpackSequence', 'packedSequences', arguments);
  return scope(() => {
    const [padded, lengths] = padPackedSequence(packedSequences, true);
    const lens = hostInts(lengths, 'unpackSequence', 'lengths');
    return lens.map((l, b) => narrow(select(padded, 0, b), 0, 0, l));
  });
}

/**
 * Splits a padded batch into its sequences, as `torch.nn.utils.rnn.unpad_sequence`: `padded`
 * [T, B, *] (or [B, T, *] with `batchFirst`) and the lengths (an array or a 1-D CPU tensor) give a
 * list of tensors [L_i, *]. As torch (Python's zip and a mask `t < length`), the list is as long as
 * the shorter of B and the lengths, and a length past T keeps all T steps. Unlike torch 1.13, the
 * input is not transposed in place. The gradient flows back to `padded` (views of it).
 *
 * ```ts
 * const seqs = fl.nn.utils.rnn.unpadSequence(padded, [3, 1], { batchFirst: true });
 * ```
 */
export function unpadSequence(paddedSequences: Tensor, lengths: readonly number[] | Tensor, ...args: ArgsThenOptions<[batchFirst: boolean], { batchFirst?: boolean }>): Tensor[];
export function unpadSequence(...args: unknown[]): Tensor[] {
  const o = ARGS.unpadSequence.parse(args);
  const op = 'unpadSequence';
  const x = needTensor(o.paddedSequences, op, 'paddedSequences');
  const lens = lengthsOf(o.lengths, op);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected padded sequences of at least 2 dims, got shape ${fmt(x._shape)}`);
  const B = x._shape[o.batchFirst ? 0 : 1], T = x._shape[o.batchFirst ? 1 : 0];
  const n = Math.min(B, lens.length);
  return scope(() => {
    const bt = o.batchFirst ? x : transpose(x, 0, 1);
    // torch keeps the steps t < length (a mask over arange(T)): a length past T keeps all, one <= 0 none
    return Array.from({ length: n }, (_, b) => narrow(select(bt, 0, b), 0, 0, Math.min(Math.max(Math.ceil(lens[b]), 0), T)));
  });
}
