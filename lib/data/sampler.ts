// sampler.ts — the samplers of torch.utils.data, for DataLoader({ sampler }) and ({ batchSampler }):
// SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, and
// `DistributedSampler`, which gives each rank of a process group its own share of a dataset's
// indices; and `randomSplit` (torch.utils.data.random_split), which draws as the samplers do.
//
// Generators. Where torch takes `generator=`, these take a `fl.Generator` (a CPU one, as torch's
// samplers draw on the CPU), advanced by each draw as a torch.Generator is (one generator shared by
// several samplers gives each its own draws, in call order); or, kept from before fl.Generator, a
// seed (a private stream of that key from offset 0, which the object's draws advance: the same draws
// in every run, a new permutation each epoch) or, as the `generator` key, a `{ seed, offset }` state
// object, advanced in place (a Generator seeded with s draws what `{ seed: s, offset: 0 }` draws). Without one they draw from the global stream,
// so `fl.manualSeed` makes them reproducible. The values cannot equal torch's (another generator);
// the sizes, the coverage and the distribution rules are torch's.
//
// DistributedSampler's rule is PyTorch's: every rank draws the same order (shuffled by seed + epoch,
// so call setEpoch(e) each epoch for a new one), pads it by repeating its start to a multiple of
// numReplicas (or, with dropLast, cuts the tail), and takes every numReplicas-th index from its rank
// on. The shards of one epoch are disjoint and, when the length divides evenly, cover the dataset
// exactly once. The shuffled order is the Philox stream with key `seed` at offset epoch·n (as the
// DataLoader's own shuffle), with the global generator's state saved and restored around it.
import { bool, Check, int, isPlainObject, nullable, optional, required, signature } from '../args';
import { describeArg, tooManyArgs } from '../arity';
import { DeviceError, DistributedError, ShapeError, ValueError } from '../errors';
import { getRngState, multinomial, randint, randperm, RngState, setRngState } from '../ops/random';
import { Generator } from '../generator';
import { tensor } from '../ops/creation';
import { Tensor } from '../tensor';
import { getRank, getWorldSize, isInitialized } from '../distributed/group';
import type { Dataset } from './dataset';
import { checkDataset, DatasetLike, Subset } from './subset';

/** The most indices one rank's share may hold: a JavaScript array's elements (V8: 2^27 - 3), rounded down. */
const MAX_SHARE = 100_000_000;

/**
 * What DataLoader's `sampler` option takes: the indices of one epoch, and how many there are
 * (`Sampler<number[]>`, a `BatchSampler`'s index lists, is what its `batchSampler` option takes).
 */
export interface Sampler<I = number> extends Iterable<I> {
  readonly length: number;
}

/** Options of DistributedSampler. */
export interface DistributedSamplerOptions {
  /** Number of ranks sharing the dataset (default: the process group's world size). */
  numReplicas?: number;
  /** This rank (default: the process group's rank). */
  rank?: number;
  /** Shuffle each epoch (default true), the same order on every rank. */
  shuffle?: boolean;
  /** Seed of the shuffle; must be the same on every rank (default 0). */
  seed?: number;
  /** Cut the tail so that every rank gets the same count without repeats (default false: pad by repeating the start). */
  dropLast?: boolean;
}

const SAMPLER_ARGS = signature('DistributedSampler', ['dataset', 'numReplicas', 'rank', 'shuffle', 'seed', 'dropLast'], {
  dataset: required(((v: unknown, where: string) => {
    const n = (v as { length?: unknown } | null)?.length;
    if (v === null || typeof v !== 'object' || typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ValueError(`${where} must be a dataset with a length`);
    return v as Dataset<unknown>;
  })),
  numReplicas: optional(int({ min: 1 })),
  rank: optional(int({ min: 0 })),
  shuffle: optional(bool, true),
  seed: optional(int({ min: 0 }), 0),
  dropLast: optional(bool, false),
});

/**
 * Each rank's share of a dataset (PyTorch's DistributedSampler): pass it to the DataLoader, and
 * call `setEpoch(e)` at the start of each epoch so that the shuffled order changes.
 * ```ts
 * const sampler = new fl.data.DistributedSampler(ds, { shuffle: true, seed: 0 });
 * const loader = new fl.data.DataLoader(ds, { batchSize: 32, sampler });
 * for (let epoch = 0; epoch < 3; epoch++) { sampler.setEpoch(epoch); for await (const b of loader) { … } }
 * ```
 */
export class DistributedSampler implements Sampler {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Indices per rank per epoch. */
  readonly numSamples: number;
  /** numSamples × numReplicas. */
  readonly totalSize: number;
  private epoch = 0;
  private readonly dataset: { length: number };

  constructor(dataset: Dataset<unknown>, options?: DistributedSamplerOptions);
  constructor(...args: unknown[]) {
    const o = SAMPLER_ARGS.parse(args);
    const fromGroup = (what: string) => new DistributedError(`DistributedSampler: ${what} not given and the default process group is not initialized`, 'DistributedSampler');
    if (o.numReplicas === undefined && !isInitialized()) throw fromGroup('numReplicas');
    if (o.rank === undefined && !isInitialized()) throw fromGroup('rank');
    this.numReplicas = o.numReplicas ?? getWorldSize();
    this.rank = o.rank ?? getRank();
    if (this.rank >= this.numReplicas) throw new ValueError(`DistributedSampler: invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    this.dataset = o.dataset;
    this.shuffle = o.shuffle;
    this.seed = o.seed;
    this.dropLast = o.dropLast;
    const n = o.dataset.length;
    this.numSamples = this.dropLast && n % this.numReplicas !== 0 ? Math.ceil((n - this.numReplicas) / this.numReplicas) : Math.ceil(n / this.numReplicas);
    this.totalSize = this.numSamples * this.numReplicas;
    // indices() returns this rank's share as a JavaScript array, and the shuffled order is a
    // randperm (int32): past either limit V8 would end the process instead of throwing
    if (this.numSamples > MAX_SHARE || (this.shuffle && n > 2 ** 31 - 1)) {
      throw new ValueError(`DistributedSampler: a dataset of ${n} items gives each of ${this.numReplicas} ranks ${this.numSamples} indices${this.shuffle && n > 2 ** 31 - 1 ? ' and cannot be shuffled (more than 2^31 - 1 items)' : `, more than a JavaScript array holds (${MAX_SHARE})`}`);
    }
  }

  /** Indices this rank visits per epoch. */
  get length(): number { return this.numSamples; }

  /** Sets the epoch, which picks the shuffled order (the same on every rank). */
  setEpoch(epoch: number): void {
    if (arguments.length > 1) throw new ValueError(`DistributedSampler.setEpoch: takes 1 positional argument (epoch) but ${arguments.length} were given`);
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) throw new ValueError(`DistributedSampler.setEpoch: epoch must be an integer >= 0, got ${describeArg(epoch)}`);
    this.epoch = epoch;
  }

  /** This rank's indices of the current epoch. */
  indices(): number[] {
    const n = this.dataset.length;
    // the epoch's order (a permutation, or 0..n-1), padded by repeating its start: position p holds
    // order[p % n]; dropLast cuts it to totalSize <= n. Read in place, never copied into an n-array.
    let perm: Int32Array | null = null;
    if (this.shuffle) {
      const saved = getRngState();
      try {
        setRngState({ seed: this.seed, offset: this.epoch * n });
        const p = randperm(n);
        try { perm = p.dataSync() as Int32Array; } finally { p.dispose(); }
      } finally {
        setRngState(saved);
      }
    }
    const mine: number[] = [];
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) mine.push(perm ? perm[i % n] : i % n);
    return mine;
  }

  [Symbol.iterator](): Iterator<number> { return this.indices()[Symbol.iterator](); }
}

// ---- the samplers of torch.utils.data ----------------------------------------------------------

/** What the samplers take as `dataSource`: anything with a length (a `Dataset`, an array). */
export interface Sized {
  readonly length: number;
}

/**
 * A `generator` argument (torch's `generator=`): a CPU `fl.Generator`, a seed, or a `{ seed, offset }`
 * state such as `fl.getRngState()` returns, which the draws advance in place. A state object goes in
 * the options (`{ generator: state }`): as the last positional argument it would be read as the options.
 */
export type GeneratorLike = Generator | number | RngState;

const isSeed = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A Generator's state and a `{ seed, offset }` object are kept (advanced in place); a seed becomes a private stream from offset 0. */
const generatorArg: Check<RngState | null> = (v, where) => {
  if (v === null) return null;
  if (v instanceof Generator) {
    if (v.device !== 'cpu') throw new DeviceError(`${where}: Expected a 'cpu' device type for generator but found 'cuda' (the samplers draw on the CPU)`);
    return v._state;
  }
  if (isSeed(v)) return { seed: v, offset: 0 };
  if (typeof v === 'object' && isSeed((v as RngState).seed) && isSeed((v as RngState).offset)) return v as RngState;
  throw new ValueError(`${where} must be a seed (an integer in [0, 2^53)), a { seed, offset } state (as fl.getRngState() returns) or a fl.Generator, got ${describeArg(v)}`);
};

/** Runs `draw` on `gen`'s stream (advancing it), or on the global stream when there is none. */
function drawWith<R>(gen: RngState | null, draw: () => R): R {
  if (!gen) return draw();
  const saved = getRngState();
  try {
    setRngState(gen);
    const r = draw();
    const s = getRngState();
    gen.seed = s.seed;
    gen.offset = s.offset;
    return r;
  } finally {
    setRngState(saved);
  }
}

/** The values of an int32 tensor `make()` returns; the tensor is freed. */
function valuesOf(make: () => Tensor): Int32Array {
  const t = make();
  try { return t.dataSync() as Int32Array; } finally { t.dispose(); }
}

function sizeOf(src: Sized, op: string): number {
  const n = src.length;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ValueError(`${op}: the dataSource's length must be a non-negative integer, got ${describeArg(n)}`);
  return n;
}
function checkSized(v: unknown, where: string): Sized {
  if (v === null || typeof v !== 'object') throw new ValueError(`${where} must be a dataset or another object with a length (an array), got ${describeArg(v)}`);
  sizeOf(v as Sized, where);
  return v as Sized;
}
/** An array (or other iterable, not an options object) of integers, copied. */
function indexList(v: unknown, where: string): number[] {
  if (v === null || typeof v !== 'object' || isPlainObject(v) || typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new ValueError(`${where} must be an array of integers, got ${describeArg(v)}`);
  }
  const list = Array.from(v as Iterable<unknown>);
  list.forEach((k, j) => {
    if (typeof k !== 'number' || !Number.isSafeInteger(k)) throw new ValueError(`${where}[${j}] must be an integer, got ${describeArg(k)}`);
  });
  return list as number[];
}

/**
 * The indices `0 … n-1` in order, every epoch (torch.utils.data.SequentialSampler); `n` is the
 * data source's length when the sampler is iterated.
 * ```ts
 * [...new fl.data.SequentialSampler(ds)];   // [0, 1, …, ds.length - 1]
 * ```
 */
export class SequentialSampler implements Sampler {
  readonly dataSource: Sized;
  constructor(dataSource: Sized) {
    if (arguments.length > 1) tooManyArgs('SequentialSampler', 'dataSource', arguments);
    this.dataSource = checkSized(dataSource, 'SequentialSampler: dataSource');
  }
  get length(): number { return sizeOf(this.dataSource, 'SequentialSampler'); }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield i;
  }
}

/** Options of RandomSampler. */
export interface RandomSamplerOptions {
  /** Draw with replacement (default false: a permutation, repeated whole while numSamples exceeds the length). */
  replacement?: boolean;
  /** Indices per epoch (default null: the data source's length). */
  numSamples?: number | null;
  /** A CPU `fl.Generator`, a seed, or a `{ seed, offset }` state, advanced in place (default null: the global stream). */
  generator?: GeneratorLike | null;
}

// PyTorch: RandomSampler(data_source, replacement=False, num_samples=None, generator=None)
const RANDOM_SAMPLER_ARGS = signature('RandomSampler', ['dataSource', 'replacement', 'numSamples', 'generator'], {
  dataSource: required(checkSized), replacement: optional(bool, false), numSamples: optional(nullable(int({ min: 1 })), null),
  generator: optional(generatorArg, null),
});

/**
 * Indices in random order (torch.utils.data.RandomSampler): without replacement, a new permutation
 * of `0 … n-1` each epoch (for `numSamples` > n, whole permutations then the start of one more,
 * as torch); with replacement, `numSamples` independent draws. A new order each epoch: seeded by
 * `generator`, else drawn from the global stream (`fl.manualSeed` makes it reproducible).
 * ```ts
 * const loader = new fl.data.DataLoader(ds, { batchSize: 32, sampler: new fl.data.RandomSampler(ds, { generator: 0 }) });
 * ```
 */
export class RandomSampler implements Sampler {
  readonly dataSource: Sized;
  readonly replacement: boolean;
  /** The generator's state (null: the global stream). */
  readonly generator: RngState | null;
  private readonly requested: number | null;

  constructor(dataSource: Sized, options?: RandomSamplerOptions);
  constructor(dataSource: Sized, replacement?: boolean, numSamples?: number | null, generator?: GeneratorLike | null, options?: RandomSamplerOptions);
  constructor(...args: unknown[]) {
    // the data source is positional only: a `{ length }` object is not the options
    this.dataSource = checkSized(args[0], 'RandomSampler: dataSource');
    const o = RANDOM_SAMPLER_ARGS.parse(args.slice(1), 1);
    this.replacement = o.replacement;
    this.requested = o.numSamples;
    this.generator = o.generator;
    const m = this.numSamples;
    if (m <= 0) throw new ValueError(`RandomSampler: numSamples should be a positive integer value, but got numSamples=${m} (an empty dataSource)`);
  }

  /** Indices per epoch: `numSamples` if given, else the data source's length. */
  get numSamples(): number { return this.requested ?? sizeOf(this.dataSource, 'RandomSampler'); }
  get length(): number { return this.numSamples; }

  *[Symbol.iterator](): Iterator<number> {
    const n = sizeOf(this.dataSource, 'RandomSampler'), m = this.numSamples;
    if (n === 0) throw new ValueError(`RandomSampler: cannot draw ${m} samples from an empty dataSource`);
    if (this.replacement) {
      // in chunks, so that memory stays bounded whatever numSamples is; element i of a draw is
      // Philox block offset + i, so the chunks give the numbers one draw would
      const CHUNK = 1 << 16;
      for (let done = 0; done < m; done += CHUNK) {
        const k = Math.min(CHUNK, m - done);
        yield* drawWith(this.generator, () => valuesOf(() => randint(0, n, [k])));
      }
      return;
    }
    for (let left = m; left > 0; left -= n) {
      const perm = drawWith(this.generator, () => valuesOf(() => randperm(n)));
      yield* (left >= n ? perm : perm.subarray(0, left));
    }
  }
}

// PyTorch: SubsetRandomSampler(indices, generator=None)
const SUBSET_RANDOM_SAMPLER_ARGS = signature('SubsetRandomSampler', ['indices', 'generator'], {
  indices: required(indexList), generator: optional(generatorArg, null),
});

/**
 * The given indices in a new random order each epoch (torch.utils.data.SubsetRandomSampler), e.g.
 * a validation split of one dataset: `new fl.data.SubsetRandomSampler([0, 5, 9], 42)`.
 */
export class SubsetRandomSampler implements Sampler {
  readonly indices: readonly number[];
  /** The generator's state (null: the global stream). */
  readonly generator: RngState | null;

  constructor(indices: Iterable<number>, generator?: GeneratorLike | null);
  constructor(indices: Iterable<number>, options?: { generator?: GeneratorLike | null });
  constructor(...args: unknown[]) {
    const o = SUBSET_RANDOM_SAMPLER_ARGS.parse(args);
    this.indices = o.indices;
    this.generator = o.generator;
  }
  get length(): number { return this.indices.length; }
  *[Symbol.iterator](): Iterator<number> {
    const perm = drawWith(this.generator, () => valuesOf(() => randperm(this.indices.length)));
    for (const p of perm) yield this.indices[p];
  }
}

/** Weights as a torch sequence would give them: numbers (or booleans), 1-D; a Tensor's values. */
function weightsArg(v: unknown, where: string): Float64Array {
  if (v instanceof Tensor) {
    if (v.ndim !== 1) throw new ShapeError(`${where} should be a 1-D sequence but given weights have shape [${v.shape.join(', ')}]`);
    return Float64Array.from(v.dataSync() as ArrayLike<number>);
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && typeof (v as unknown as ArrayLike<unknown>)[0] !== 'bigint') return Float64Array.from(v as unknown as ArrayLike<number>);
  if (!Array.isArray(v)) throw new ValueError(`${where} must be an array of numbers (or a 1-D Tensor), got ${describeArg(v)}`);
  return Float64Array.from(v, (w: unknown, j) => {
    if (typeof w === 'number' || typeof w === 'boolean') return +w;
    if (Array.isArray(w) || ArrayBuffer.isView(w)) throw new ShapeError(`${where} should be a 1-D sequence but given weights have an array at [${j}]`);
    throw new ValueError(`${where}[${j}] must be a number, got ${describeArg(w)}`);
  });
}

/** Options of WeightedRandomSampler. */
export interface WeightedRandomSamplerOptions {
  /** Draw with replacement (default true); without it an index comes at most once per epoch. */
  replacement?: boolean;
  /** A CPU `fl.Generator`, a seed, or a `{ seed, offset }` state, advanced in place (default null: the global stream). */
  generator?: GeneratorLike | null;
}

// PyTorch: WeightedRandomSampler(weights, num_samples, replacement=True, generator=None)
const WEIGHTED_RANDOM_SAMPLER_ARGS = signature('WeightedRandomSampler', ['weights', 'numSamples', 'replacement', 'generator'], {
  weights: required(weightsArg), numSamples: required(int({ min: 1 })), replacement: optional(bool, true),
  generator: optional(generatorArg, null),
});

/**
 * `numSamples` indices of `0 … weights.length-1` drawn with probabilities proportional to `weights`
 * (not necessarily summing to 1), as torch.utils.data.WeightedRandomSampler: one `fl.multinomial`
 * per epoch, so its rules apply when iterated (weights finite and non-negative, some nonzero;
 * without replacement, at least `numSamples` nonzero).
 * ```ts
 * // oversample the rare class: weight 1/count per item
 * const sampler = new fl.data.WeightedRandomSampler(labels.map((y) => 1 / counts[y]), labels.length);
 * ```
 */
export class WeightedRandomSampler implements Sampler {
  /** The weights (float64, as torch keeps them). */
  readonly weights: Float64Array;
  readonly numSamples: number;
  readonly replacement: boolean;
  /** The generator's state (null: the global stream). */
  readonly generator: RngState | null;

  constructor(weights: ArrayLike<number> | Tensor, numSamples: number, options?: WeightedRandomSamplerOptions);
  constructor(weights: ArrayLike<number> | Tensor, numSamples: number, replacement?: boolean, generator?: GeneratorLike | null, options?: WeightedRandomSamplerOptions);
  constructor(...args: unknown[]) {
    const o = WEIGHTED_RANDOM_SAMPLER_ARGS.parse(args);
    this.weights = o.weights;
    this.numSamples = o.numSamples;
    this.replacement = o.replacement;
    this.generator = o.generator;
  }
  get length(): number { return this.numSamples; }
  *[Symbol.iterator](): Iterator<number> {
    const w = tensor(this.weights, { dtype: 'float64' });
    let drawn: Int32Array;
    try {
      drawn = drawWith(this.generator, () => valuesOf(() => multinomial(w, this.numSamples, this.replacement)));
    } finally { w.dispose(); }
    yield* drawn;
  }
}

// PyTorch: BatchSampler(sampler, batch_size, drop_last), all three required
const BATCH_SAMPLER_ARGS = signature('BatchSampler', ['sampler', 'batchSize', 'dropLast'], {
  sampler: required((v: unknown, where: string) => {
    if (v === null || typeof v !== 'object' || typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new ValueError(`${where} must be a sampler or another iterable of indices, got ${describeArg(v)}`);
    }
    return v as Iterable<number>;
  }),
  batchSize: required(int({ min: 1 })), dropLast: required(bool),
});

/**
 * Groups another sampler's indices into batches of `batchSize` (the last one shorter unless
 * `dropLast`), as torch.utils.data.BatchSampler; give it to `DataLoader({ batchSampler })`.
 * ```ts
 * [...new fl.data.BatchSampler(new fl.data.SequentialSampler(ds), 3, false)];   // [[0, 1, 2], [3, 4, 5], …]
 * ```
 */
export class BatchSampler implements Sampler<number[]> {
  readonly sampler: Iterable<number>;
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Iterable<number>, batchSize: number, dropLast: boolean);
  constructor(sampler: Iterable<number>, options: { batchSize: number; dropLast: boolean });
  constructor(sampler: Iterable<number>, batchSize: number, options: { dropLast: boolean });
  constructor(...args: unknown[]) {
    const o = BATCH_SAMPLER_ARGS.parse(args);
    this.sampler = o.sampler;
    this.batchSize = o.batchSize;
    this.dropLast = o.dropLast;
  }

  /** Batches per epoch (needs the inner sampler's length, as torch's `len`). */
  get length(): number {
    const n = (this.sampler as { length?: unknown }).length;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ValueError(`BatchSampler: its sampler has no length (got ${describeArg(n)}), so its batches cannot be counted`);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) { yield batch; batch = []; }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}

// ---- randomSplit ---------------------------------------------------------------------------------

// PyTorch: random_split(dataset, lengths, generator=default_generator)
const RANDOM_SPLIT_ARGS = signature('randomSplit', ['dataset', 'lengths', 'generator'], {
  dataset: required((v: unknown, where: string) => checkDataset(v, where)),
  lengths: required((v: unknown, where: string) => {
    if (v === null || typeof v !== 'object' || isPlainObject(v) || typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new ValueError(`${where} must be an array of lengths or of fractions, got ${describeArg(v)}`);
    }
    const list = Array.from(v as Iterable<unknown>);
    list.forEach((x, j) => { if (typeof x !== 'number') throw new ValueError(`${where}[${j}] must be a number, got ${describeArg(x)}`); });
    return list as number[];
  }),
  generator: optional(generatorArg, null),
});

/**
 * Splits a dataset at random into non-overlapping `Subset`s of the given lengths, as
 * torch.utils.data.random_split. `lengths` are item counts that sum to the dataset's length, or
 * fractions that sum to 1: each split gets `floor(n · fraction)` items and the remainder is dealt
 * one by one to the splits in turn, from the first (torch's round-robin rule; torch also warns
 * about a split of 0 items, flintml does not). The permutation is drawn with `generator` (a seed
 * gives the same split every run), else from the global stream (after `fl.manualSeed`, reproducible).
 * The values cannot match torch's (another generator); the lengths always do.
 * ```ts
 * const [train, val] = fl.data.randomSplit(ds, [0.8, 0.2], 42);
 * ```
 */
export function randomSplit<T>(dataset: DatasetLike<T>, lengths: readonly number[], generator?: GeneratorLike | null): Subset<T>[];
export function randomSplit<T>(dataset: DatasetLike<T>, lengths: readonly number[], options?: { generator?: GeneratorLike | null }): Subset<T>[];
export function randomSplit<T>(...args: unknown[]): Subset<T>[] {
  const o = RANDOM_SPLIT_ARGS.parse(args);
  const dataset = o.dataset as DatasetLike<T>;
  const n = dataset.length;
  let lengths = o.lengths;
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);  // Python's sum: left to right from 0
  const total = sum(lengths);
  if (Math.abs(total - 1) <= 1e-9 * Math.max(Math.abs(total), 1) && total <= 1) {  // math.isclose(total, 1)
    lengths = lengths.map((f, i) => {
      if (f < 0 || f > 1) throw new ValueError(`randomSplit: Fraction at index ${i} is not between 0 and 1 (lengths ${describeArg(o.lengths)})`);
      return Math.floor(n * f);
    });
    const remainder = n - sum(lengths);
    for (let i = 0; i < remainder; i++) lengths[i % lengths.length] += 1;
  }
  if (sum(lengths) !== n) {
    throw new ValueError(`randomSplit: Sum of input lengths does not equal the length of the input dataset! (lengths ${describeArg(o.lengths)}, dataset length ${n})`);
  }
  // torch slices its permutation with Python slices, so a negative length "works" there; here it is refused
  lengths.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 0) throw new ValueError(`randomSplit: lengths[${i}] = ${describeArg(k)} is not a count of items (a non-negative integer), and the lengths are not fractions that sum to 1`);
  });
  const perm = drawWith(o.generator, () => valuesOf(() => randperm(n)));
  let offset = 0;
  return lengths.map((k) => {
    const part = new Subset<T>(dataset, Array.from(perm.subarray(offset, offset + k)));
    offset += k;
    return part;
  });
}
