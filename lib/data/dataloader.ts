// dataloader.ts — `DataLoader`: batches of a `Dataset`, in order or shuffled with a seeded,
// per-epoch permutation, collated into tensors, optionally prepared ahead by worker threads.
//
// Batching, as PyTorch's: a `batchSampler` gives each batch's indices; otherwise `batchSize` items
// in the sampler's order (or 0…n-1, or shuffled); `batchSize: null` turns batching off (each item
// is one "batch", converted by `defaultConvert` instead of collated, as torch's batch_size=None).
//
// Ordering: the order of epoch e is `randperm(n)` drawn from the Philox stream with key `seed` at
// offset e·n (the global generator's state is saved and restored around it), so a seeded loader
// gives the same order every run, a different one each epoch, and leaves `fl.rand*` untouched.
// Without a seed, each epoch draws its seed from the global generator, as PyTorch does, so
// `fl.manualSeed` makes the whole run reproducible. With a `generator` (torch's `generator=`: a CPU
// fl.Generator, or a `{ seed, offset }` state), each epoch's order is that generator's next
// `randperm(n)`, advancing it, as torch's RandomSampler(generator=g) draws.
//
// Devices (transfer.ts). `pinMemory` puts each batch's CPU tensors in pinned (page-locked) host
// memory; `device` says where batches go: for a GPU, the loader copies each batch there on a
// dedicated copy stream, `prefetch` batches ahead of the one the loop holds, and hands it over with
// the loop's current stream waiting for the copy (an event, no host sync) and the batch's blocks
// recorded on that stream. Without `device`, batches stay where the dataset makes them. Asking for
// what the host cannot do (pinMemory or a GPU without a usable GPU backend, a GPU index the host
// lacks) throws when the loader is made; it never falls back to the CPU.
//
// Iterable datasets (IterableDataset), as torch's _IterableDatasetFetcher: each batch is the next
// `batchSize` items of the stream (the last one shorter, or dropped with `dropLast`), or one item
// with `batchSize: null`; shuffle, sampler and batchSampler are refused. With workers, each worker
// iterates its own copy and the batches come from the workers in turn, worker 0's first, worker 1's
// first, …, an exhausted worker skipped (torch's order, which follows from its round-robin requests).
//
// Workers' seeds: each epoch with workers takes a base seed, as torch's `random_(generator=…)` per
// iterator: from the `generator` option or else the global generator (a 31-bit hash of its position,
// which then moves on by one draw), or, with `seed`, from that seed and the epoch; worker w gets
// base + w (getWorkerInfo().seed), and seeds flintml's default generator with it if the dataset uses
// flintml. It is taken after the epoch's order, so the first epoch's order is numWorkers' 0 one.
//
// Lifetimes: a batch the loop has received is the caller's. The loader owns everything else — the
// batches fetched or staged ahead, their pinned sources, the workers — and frees it when the
// iteration ends, breaks early or throws (in a worker, in the copy, or in the loop's body).
import * as path from 'path';
import { DeviceSpec, gpuInfo, parseDevice } from '../device';
import { describeArg } from '../arity';
import { BackendUnavailableError, DeviceError, ValueError } from '../errors';
import { Tensor } from '../tensor';
import { randint, randperm, getRngState, setRngState, RngState } from '../ops/random';
import { Generator } from '../generator';
import { Collated, CollatableTypedArray, collateTo, defaultCollate, disposeExcept, typedError, unpack } from './collate';
import { Dataset, IterableDataset, WorkerFunction, WorkerSource } from './dataset';
import { ChainDataset } from './iterable';
import { Packed, PackError, packItems, typedTag } from './pack';
import { whyNotRebuildable } from './subset';
import { Staged, cpuBatch, handOver, pinBatch, release, stageBatch } from './transfer';
import { ENDED, WorkerErrorInfo, WorkerPool } from './worker';
import * as A from '../args';
import type { Sampler } from './sampler';
import { ArgsThenOptions, optional, required, signature, tooManyArgs } from '../args';

/** Options of `DataLoader`. */
export interface DataLoaderOptions<T, B> {
  /**
   * Items per batch (default 1). `null` is PyTorch's `batch_size=None`: no automatic batching, each
   * item comes as it is, through `defaultConvert` (TypedArrays become tensors; no batch dim), or
   * through `collate` called with the one item; excludes `dropLast`.
   */
  batchSize?: number | null;
  /** Visit the items in a new random order each epoch (default false; refused for an IterableDataset, as torch). */
  shuffle?: boolean;
  /**
   * Seed of the shuffling (and of the workers' seeds, `getWorkerInfo().seed`); without one, each
   * epoch draws a seed from the global generator.
   */
  seed?: number;
  /**
   * The generator of the shuffling (torch's `generator`): a CPU `fl.Generator`, or a `{ seed, offset }`
   * state advanced in place; each epoch's order is its next `randperm`, then, with workers, the
   * workers' base seed is its next draw (torch's). Excludes `seed`.
   */
  generator?: Generator | RngState | null;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /**
   * The indices to visit, in order, each epoch (e.g. a `DistributedSampler`: each rank its share);
   * excludes `shuffle` (the sampler decides the order), as in PyTorch.
   */
  sampler?: Sampler;
  /**
   * The index lists of the batches, each epoch (e.g. a `BatchSampler`), as PyTorch's `batch_sampler`;
   * excludes `batchSize`, `shuffle`, `sampler` and `dropLast`.
   */
  batchSampler?: Sampler<ArrayLike<number>>;
  /**
   * Items → batch (default `defaultCollate`). The loader disposes the items' tensors that the batch
   * does not keep. With `batchSize: null` it is called with one item, not an array (torch's `collate_fn(dataset[i])`).
   */
  collate?: (items: T[]) => B;
  /** Worker threads that fetch items ahead (default 0: fetch on the main thread when asked). */
  numWorkers?: number;
  /**
   * How far ahead the loader works (default 2): batches in flight per worker, and with a GPU
   * `device`, batches whose copies are queued while the loop holds the current one.
   */
  prefetch?: number;
  /**
   * Put the batches' CPU tensors in pinned (page-locked) host memory, from which copies to a GPU
   * are asynchronous (default false). Needs a usable GPU backend.
   */
  pinMemory?: boolean;
  /**
   * Where batches go: `'cuda'`/`'cuda:N'` copies each batch to that GPU on a copy stream,
   * `prefetch` batches ahead (with `pinMemory` the copies are asynchronous); `'cpu'` moves GPU
   * tensors to the CPU. Without it, batches stay on the device the dataset makes them on.
   */
  device?: string;
  /**
   * torch's `worker_init_fn`: a function run in each worker thread with the worker's id, after the
   * dataset is built there and before it is read (with `getWorkerInfo()` available). Functions cannot
   * cross threads, so it is named by where the worker loads it: `{ module: __filename, exportName }`
   * (an absolute path). It may be async. Not run without workers (nor for a `getBatch` dataset, which
   * is batched on the main thread).
   */
  workerInitFn?: WorkerFunction;
}

// PyTorch: DataLoader(dataset, batch_size=1, shuffle=False, …, num_workers, collate_fn, pin_memory,
// drop_last, …, prefetch_factor, …) — the first three positional, the rest keywords (lib/args.ts).
const OPT = optional(A.anyValue<never>());
const DATALOADER_ARGS = signature('DataLoader', ['dataset', 'batchSize', 'shuffle'], {
  dataset: required(A.anyValue<never>()), batchSize: OPT, shuffle: optional(A.bool), seed: OPT, dropLast: optional(A.bool),
  sampler: OPT, batchSampler: OPT, collate: OPT, numWorkers: OPT, prefetch: OPT, pinMemory: optional(A.bool), device: OPT, generator: OPT,
  workerInitFn: OPT,
});

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** The `generator` option: a CPU Generator's state, or a `{ seed, offset }` object, kept (advanced in place). */
function checkGenerator(v: unknown): RngState | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Generator) {
    if (v.device !== 'cpu') throw new DeviceError("DataLoader: generator: Expected a 'cpu' device type for generator but found 'cuda' (the shuffle draws on the CPU)");
    return v._state;
  }
  if (typeof v === 'object' && isUint((v as RngState).seed) && isUint((v as RngState).offset)) return v as RngState;
  throw new ValueError(`DataLoader: generator must be a fl.Generator or a { seed, offset } state (as fl.getRngState() returns), got ${describeArg(v)}`);
}

function checkInt(v: unknown, what: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ValueError(`DataLoader: ${what} must be an integer >= ${String(min)}, got ${describeArg(v)}`);
  }
  return v;
}

function datasetLength(ds: Dataset<unknown>): number {
  const n = ds.length;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new ValueError(`DataLoader: dataset length must be a non-negative integer, got ${describeArg(n)}`);
  }
  return n;
}

/** A sampler option: an iterable with a length. */
function checkSampler<S>(v: unknown, what: string, example: string): S {
  const sm = v as { [Symbol.iterator]?: unknown; length?: unknown } | null;
  if (sm === null || typeof sm !== 'object' || typeof sm[Symbol.iterator] !== 'function' || typeof sm.length !== 'number') {
    throw new ValueError(`DataLoader: ${what} must be an iterable of ${what === 'sampler' ? 'indices' : 'index lists'} with a length (e.g. a ${example}), got ${describeArg(v)}`);
  }
  return v as S;
}

/** The most indices an epoch's order may hold: a JavaScript array's elements (V8: 2^27 - 3), rounded down. */
const MAX_ORDER = 100_000_000;

/** An index a sampler gave, checked against the dataset's length `n`. */
function checkIndex(i: unknown, n: number, what: string): number {
  if (typeof i !== 'number' || !Number.isInteger(i)) {
    throw new ValueError(`DataLoader: the ${what} gave ${describeArg(i)}, not an index`
      + (what === 'sampler' && (Array.isArray(i) || ArrayBuffer.isView(i)) ? ' (a sampler of index lists, such as a BatchSampler, goes in the batchSampler option)' : ''));
  }
  if (i < 0 || i >= n) throw new ValueError(`DataLoader: the ${what} gave index ${i}, outside the dataset of length ${n}`);
  return i;
}

/**
 * The type `defaultConvert` makes of a `T`: a tensor for tensors and TypedArrays, arrays and plain
 * objects element by element, anything else as it is (numbers stay numbers, as Python's in torch).
 * `DataLoader<T, Converted<T>>` is the type of a loader with `batchSize: null`.
 */
export type Converted<T> =
  unknown extends T ? unknown
    : T extends Tensor | CollatableTypedArray ? Tensor
      : T extends readonly unknown[] ? { -readonly [K in keyof T]: Converted<T[K]> }
        : T extends string | number | boolean | null | undefined | bigint | symbol | ((...args: never[]) => unknown) ? T
          : T extends object ? { -readonly [K in keyof T]: Converted<T[K]> }
            : T;

const isTensor = (x: unknown): boolean => x instanceof Tensor;

/** `defaultConvert`, with the tensors made from TypedArrays in pinned memory when `pinned`. */
function convertTo(data: unknown, pinned: boolean, depth = 0): unknown {
  if (data instanceof Tensor) return data;
  if (typedTag(data) !== undefined) {
    // one TypedArray as a batch of one row, through the collate's dtype rules, without the batch dim
    let p: Packed;
    try { p = packItems([data], isTensor); } catch (e) { if (e instanceof PackError) throw typedError(e.kind, e.message.replace(/^collate/, 'defaultConvert')); throw e; }
    if (p.kind !== 'typed') return data;
    return unpack({ ...p, shape: [p.shape[1]] }, pinned);
  }
  if (depth > 16 || data === null || typeof data !== 'object') return data;
  // items posted by a worker belong to another realm (under jest too): no instanceof / prototype identity
  if (Array.isArray(data)) return data.map((x) => convertTo(x, pinned, depth + 1));
  if (Object.prototype.toString.call(data) === '[object Map]') {
    return new Map([...(data as Map<unknown, unknown>)].map(([k, x]) => [k, convertTo(x, pinned, depth + 1)]));
  }
  const proto = Object.getPrototypeOf(data) as object | null;
  if (proto === null || Object.getPrototypeOf(proto) === null) {  // a plain object: its prototype is a realm's Object.prototype
    return Object.fromEntries(Object.entries(data).map(([k, x]) => [k, convertTo(x, pinned, depth + 1)]));
  }
  return data;
}

/**
 * One item as PyTorch's `default_convert` makes it (what a `DataLoader` with `batchSize: null`
 * yields): TypedArrays become 1-D tensors of their dtype (as `defaultCollate` maps them), tensors
 * stay as they are, arrays, plain objects and Maps are converted element by element, and anything
 * else (numbers, booleans, strings) is left unchanged, as torch leaves Python numbers.
 *
 * ```ts
 * fl.data.defaultConvert({ x: Float32Array.of(1, 2), y: 3 });   // { x: Tensor [2] float32, y: 3 }
 * ```
 */
export function defaultConvert<T>(data: T): Converted<T> {
  if (arguments.length > 1) tooManyArgs('defaultConvert', 'data', arguments);
  return convertTo(data, false) as Converted<T>;
}

const PACK_MODULE = path.join(__dirname, 'pack' + path.extname(__filename));
/** The generator module this loader runs with: a worker seeds it when the dataset's code loads it. */
const GENERATOR_MODULE = path.join(__dirname, '..', 'generator' + path.extname(__filename));

/** A WorkerSource-like `{ module, exportName }` option, or a ValueError. */
function checkWorkerFunction(v: unknown): WorkerFunction | null {
  if (v === undefined || v === null) return null;
  const f = v as Partial<WorkerFunction>;
  if (typeof v !== 'object' || typeof f.module !== 'string' || !path.isAbsolute(f.module) || typeof f.exportName !== 'string') {
    throw new ValueError('DataLoader: workerInitFn must be { module: <absolute path>, exportName } naming an exported function that each worker thread '
      + `loads and calls with its id (functions cannot cross threads), got ${describeArg(v)}`);
  }
  return { module: f.module, exportName: f.exportName };
}

/**
 * A 31-bit seed from a generator's position (its key and offset): the Philox block there would do as
 * well, but drawing it makes a tensor, and an epoch with workers should cost no allocation of its own.
 */
function seedAt(s: RngState): number {
  const TWO32 = 2 ** 32;
  let h = 0x9e3779b9;
  for (const w of [s.seed % TWO32, Math.floor(s.seed / TWO32), s.offset % TWO32, Math.floor(s.offset / TWO32)]) {
    // murmur3's finalizer over each word in turn
    h = Math.imul(h ^ w, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 1;
}

/** The class name of a value, for messages. */
const nameOf = (d: unknown): string => describeArg(d).replace(/^an? /, '');

/** Why workers cannot rebuild an iterable dataset: the innermost dataset of a ChainDataset without a workerSource(). */
function whyNotRebuildableStream(ds: IterableDataset<unknown>, where = nameOf(ds)): string | null {
  if (!(ds instanceof ChainDataset)) return null;
  for (let k = 0; k < ds.datasets.length; k++) {
    const d = ds.datasets[k] as IterableDataset<unknown>;
    const why = whyNotRebuildableStream(d, `${where}.datasets[${k}]`);
    if (why) return why;
    if (!(d instanceof ChainDataset) && !d.workerSource()) return `${where}.datasets[${k}] (a ${nameOf(d)}) has no workerSource()`;
  }
  return null;
}

/**
 * Iterates over a dataset in batches, as `torch.utils.data.DataLoader`. Each batch is new and
 * belongs to the caller: dispose it (`fl.data.disposeBatch(batch)`, or run the step in `fl.scope`).
 *
 * ```ts
 * const ds = new fl.data.TensorDataset(x, y);
 * const loader = new fl.data.DataLoader(ds, { batchSize: 32, shuffle: true, seed: 0 });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for await (const [xb, yb] of loader) {
 *     fl.scope(() => step(xb, yb));
 *     fl.data.disposeBatch([xb, yb]);
 *   }
 * }
 * ```
 *
 * As in PyTorch, a `sampler` (`RandomSampler`, `WeightedRandomSampler`, …) picks the order, a
 * `batchSampler` (`BatchSampler`) picks whole batches, and `batchSize: null` turns batching off:
 *
 * ```ts
 * new fl.data.DataLoader(ds, { batchSampler: new fl.data.BatchSampler(new fl.data.RandomSampler(ds), 32, true) });
 * new fl.data.DataLoader(ds, { batchSize: null });   // each item as it is (defaultConvert), no batch dim
 * ```
 *
 * With `numWorkers > 0`, worker threads rebuild the dataset from its `workerSource()` and fetch
 * (and pack) the items of up to `numWorkers * prefetch` batches ahead; batches come out in order
 * and equal those of `numWorkers: 0`. Each such epoch takes its workers' base seed after its
 * order, moving the `generator` (or the global generator, without `seed`) on by one draw (see
 * `fl.data.getWorkerInfo`), so an unseeded or `generator` shuffle's later epochs differ from those
 * of a `numWorkers: 0` run (torch draws it with or without workers). Datasets with a `getBatch` fast path (`TensorDataset`)
 * are batched on the main thread whatever `numWorkers` says: a batch is one native gather.
 *
 * An `IterableDataset` (a stream) is batched by consecutive items, and with workers each worker
 * iterates its own copy, the batches taken from the workers in turn (see `IterableDataset`):
 *
 * ```ts
 * for await (const b of new fl.data.DataLoader(stream, { batchSize: 32, numWorkers: 2 })) { … }
 * ```
 *
 * With `device: 'cuda'` (and `pinMemory: true` for asynchronous copies), batches arrive on the GPU,
 * copied on the loader's copy stream `prefetch` batches ahead; the loop's current stream waits for
 * each batch's copy on the GPU, so the batch is ready for the ops the loop queues:
 *
 * ```ts
 * const loader = new fl.data.DataLoader(ds, { batchSize: 64, numWorkers: 2, pinMemory: true, device: 'cuda', prefetch: 2 });
 * for await (const [xb, yb] of loader) { … }  // xb, yb on cuda:0
 * ```
 */
export class DataLoader<T = unknown, B = Collated<T>> implements AsyncIterable<B> {
  /** Items per batch; null without automatic batching (`batchSize: null`, or a `batchSampler`), as torch. */
  readonly batchSize: number | null;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  readonly prefetch: number;
  readonly pinMemory: boolean;
  /** Where batches go (`'cpu'` when not given: the dataset's tensors are not moved). */
  readonly device: string;
  private readonly target: DeviceSpec | null;
  private readonly seed: number | undefined;
  private readonly generator: RngState | null = null;
  private readonly collate: ((items: T[]) => B) | undefined;
  private readonly source: WorkerSource | null = null;
  /** The sampler that picks each epoch's indices, if one was given. */
  readonly sampler: Sampler | null = null;
  /** The sampler that picks each epoch's batches, if one was given. */
  readonly batchSampler: Sampler<ArrayLike<number>> | null = null;
  private nextEpoch = 0;

  private readonly workerInitFn: WorkerFunction | null;
  /** Whether the dataset is an IterableDataset (batches are consecutive items of its stream). */
  private readonly iterable: boolean;

  readonly dataset: Dataset<T> | IterableDataset<T>;

  constructor(dataset: Dataset<T> | IterableDataset<T>, options?: DataLoaderOptions<T, B>);
  constructor(dataset: Dataset<T> | IterableDataset<T>, ...args: ArgsThenOptions<[batchSize: number | null, shuffle: boolean], DataLoaderOptions<T, B>>);
  constructor(...args: unknown[]) {
    const { dataset, ...options } = DATALOADER_ARGS.parse(args) as { dataset: Dataset<T> | IterableDataset<T> } & DataLoaderOptions<T, B>;
    this.dataset = dataset;
    this.iterable = dataset instanceof IterableDataset;
    if (!(dataset instanceof Dataset) && !this.iterable) throw new ValueError(`DataLoader: expected a fl.data.Dataset or fl.data.IterableDataset, got ${describeArg(dataset)}`);
    if (this.iterable) {
      // torch's checks for an iterable dataset come first: its stream decides the order (no shuffle,
      // no sampler) and consecutive items make the batches (no batch sampler)
      const refuse = (what: string, v: unknown): never => {
        throw new ValueError(`DataLoader with IterableDataset: expected unspecified ${what} option, but got ${what}=${describeArg(v)}`);
      };
      if (options.shuffle !== undefined && options.shuffle !== false) refuse('shuffle', options.shuffle);
      if (options.sampler !== undefined) refuse('sampler', options.sampler);
      if (options.batchSampler !== undefined) refuse('batchSampler', options.batchSampler);
      const ds = dataset as IterableDataset<T>;
      if (typeof ds[Symbol.iterator] !== 'function' && typeof ds[Symbol.asyncIterator] !== 'function') {
        throw new ValueError(`DataLoader: the IterableDataset ${nameOf(ds)} implements neither [Symbol.iterator]() nor [Symbol.asyncIterator]() (torch: NotImplementedError)`);
      }
    }
    this.shuffle = !!options.shuffle;
    // PyTorch's checks, in its order: a sampler decides the order (no shuffle); a batch sampler
    // decides the batches (batch_size left at its default 1, none of the others); batch_size=None
    // turns automatic batching off, so there is no last batch to drop
    if (options.sampler !== undefined && this.shuffle) throw new ValueError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (options.batchSampler !== undefined) {
      if ((options.batchSize !== undefined && options.batchSize !== 1) || this.shuffle || options.sampler !== undefined || options.dropLast) {
        throw new ValueError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      }
      this.batchSampler = checkSampler(options.batchSampler, 'batchSampler', 'fl.data.BatchSampler');
      this.batchSize = null;
    } else if (options.batchSize === null) {
      if (options.dropLast) throw new ValueError('DataLoader: batchSize null (batch_size=None) disables auto-batching and is mutually exclusive with dropLast');
      this.batchSize = null;
    } else {
      this.batchSize = checkInt(options.batchSize ?? 1, 'batchSize', 1);
    }
    this.dropLast = !!options.dropLast;
    this.numWorkers = checkInt(options.numWorkers ?? 0, 'numWorkers', 0);
    this.prefetch = checkInt(options.prefetch ?? 2, 'prefetch', 1);
    this.pinMemory = !!options.pinMemory;
    this.target = options.device === undefined ? null : parseDevice(options.device, 'DataLoader');
    this.device = this.target ? this.target.name : 'cpu';
    if (this.pinMemory && !gpuInfo().available) {
      throw new BackendUnavailableError(`DataLoader: pinMemory needs a usable GPU backend (pinned memory is host memory that GPUs copy from): ${gpuInfo().reason}`);
    }
    if (options.seed !== undefined) this.seed = checkInt(options.seed, 'seed', 0);
    this.generator = checkGenerator(options.generator);
    if (this.generator && options.seed !== undefined) throw new ValueError('DataLoader: generator option is mutually exclusive with seed (each picks the shuffled order)');
    if (options.sampler !== undefined) this.sampler = checkSampler(options.sampler, 'sampler', 'fl.data.RandomSampler');
    if (options.collate !== undefined && typeof options.collate !== 'function') throw new ValueError('DataLoader: collate must be a function');
    this.collate = options.collate === defaultCollate ? undefined : options.collate;
    this.workerInitFn = checkWorkerFunction(options.workerInitFn);
    // PyTorch's RandomSampler refuses an empty dataset (num_samples=0) when the loader is made
    if (!this.iterable && datasetLength(dataset as Dataset<T>) === 0 && this.shuffle) throw new ValueError('DataLoader: shuffle needs a non-empty dataset (num_samples should be a positive integer value, but got num_samples=0)');
    if (this.numWorkers > 0 && !this.fastPath()) {
      const src = dataset.workerSource();
      if (!src || typeof src.module !== 'string' || !path.isAbsolute(src.module) || typeof src.exportName !== 'string') {
        const why = this.iterable ? whyNotRebuildableStream(dataset as IterableDataset<T>) : whyNotRebuildable(dataset);
        throw new ValueError(`DataLoader: numWorkers=${String(this.numWorkers)} needs a dataset that worker threads can rebuild: `
          + (why ? `${why}; a ${this.iterable ? 'ChainDataset' : 'Subset or ConcatDataset'} is rebuilt from the workerSource() of the datasets inside it, so override it there ` : 'override workerSource() ')
          + 'to return { module: <absolute path>, exportName, args }');
      }
      this.source = src;
    }
  }

  /**
   * Number of batches per epoch. For an IterableDataset, from its `length` getter as torch's
   * `len(loader)` (without workers' sharding, the workers then give more: torch's caveat), and a
   * ValueError when it has none (torch: TypeError).
   */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    const n = this.sampler ? this.sampler.length : this.iterable ? this.streamLength() : datasetLength(this.dataset as Dataset<T>);
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The epoch the next iteration runs (it counts up from 0; it picks the shuffled order). */
  get epoch(): number { return this.nextEpoch; }
  /** Sets the epoch of the next iteration (to resume a run with the same orders). */
  setEpoch(epoch: number): void { this.nextEpoch = checkInt(epoch, 'epoch', 0); }

  /** Whether items are batched (torch's auto-collation): a batchSize, or a batchSampler. */
  private get autoBatching(): boolean { return this.batchSize !== null || this.batchSampler !== null; }

  private fastPath(): boolean {
    return this.collate === undefined && typeof (this.dataset as Dataset<T>).getBatch === 'function';
  }

  /** An IterableDataset's `length`, which it may define. */
  private streamLength(): number {
    const n = (this.dataset as { length?: unknown }).length;
    if (n === undefined) {
      throw new ValueError(`DataLoader: the IterableDataset ${nameOf(this.dataset)} has no length, so the loader's length is unknown `
        + `(torch: TypeError: object of type '${nameOf(this.dataset)}' has no len()); define a length getter on the dataset to give one`);
    }
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new ValueError(`DataLoader: the IterableDataset's length must be a non-negative integer, got ${describeArg(n)}`);
    }
    return n;
  }

  /** The item order of one epoch. */
  private order(epoch: number, n: number): Int32Array {
    if (this.sampler) {
      if (this.sampler.length > MAX_ORDER) throw new ValueError(`DataLoader: the sampler's length ${this.sampler.length} is more indices than one epoch's order can hold (${MAX_ORDER})`);
      const o: number[] = [];
      for (const i of this.sampler) {
        if (o.length >= MAX_ORDER) throw new ValueError(`DataLoader: the sampler gave more than ${MAX_ORDER} indices in one epoch, more than a JavaScript array holds`);
        o.push(checkIndex(i, n, 'sampler'));
      }
      return Int32Array.from(o);
    }
    if (!this.shuffle) {
      const o = new Int32Array(n);
      for (let i = 0; i < n; i++) o[i] = i;
      return o;
    }
    let seed = this.seed, offset = epoch * n;
    if (this.generator) {
      // the generator's next permutation: drawn at its state, which then moves on by n
      ({ seed, offset } = this.generator);
      this.generator.offset += n;
    } else if (seed === undefined) {
      const s = randint(0, 2147483647, [1]);
      try { seed = s.item(); } finally { s.dispose(); }
      offset = 0;
    }
    const saved = getRngState();
    try {
      setRngState({ seed, offset });
      const p = randperm(n);
      try { return new Int32Array(p.dataSync() as Int32Array); } finally { p.dispose(); }  // a copy of this realm's type
    } finally {
      setRngState(saved);
    }
  }

  /** The index lists of the batches of one epoch (one index each without automatic batching). */
  private batches(epoch: number): Int32Array[] {
    const n = datasetLength(this.dataset as Dataset<T>);
    const out: Int32Array[] = [];
    if (this.batchSampler) {
      let count = 0;
      for (const b of this.batchSampler) {
        if (b === null || typeof b !== 'object' || typeof (b as ArrayLike<number>).length !== 'number') {
          throw new ValueError(`DataLoader: the batchSampler gave ${describeArg(b)}, not a list of indices`);
        }
        count += (b as ArrayLike<number>).length;
        if (count > MAX_ORDER) throw new ValueError(`DataLoader: the batchSampler gave more than ${MAX_ORDER} indices in one epoch, more than a JavaScript array holds`);
        out.push(Int32Array.from(Array.from(b as ArrayLike<unknown>, (i) => checkIndex(i, n, 'batchSampler'))));
      }
      return out;
    }
    const order = this.order(epoch, n);
    const m = order.length;  // n, or the sampler's count
    const size = this.batchSize ?? 1;
    for (let b = 0; b < m; b += size) {
      if (this.dropLast && b + size > m) break;
      out.push(order.subarray(b, Math.min(m, b + size)));
    }
    return out;
  }

  /** One item → what the loop receives without automatic batching: collate(item), or defaultConvert. */
  private convertItem(item: T): B {
    try {
      const out = this.collate ? (this.collate as unknown as (item: T) => B)(item) : convertTo(item, this.pinMemory) as B;
      disposeExcept(item, out);
      return out;
    } catch (e) {
      disposeExcept(item, undefined);
      throw e;
    }
  }

  /** Items → batch with the user's collate; the items' tensors that the batch does not keep are disposed. */
  private collateItems(items: T[]): B {
    try {
      const batch = this.collate ? this.collate(items) : collateTo(items, this.pinMemory) as B;
      disposeExcept(items, batch);
      return batch;
    } catch (e) {
      disposeExcept(items, undefined);
      throw e;
    }
  }

  /** One batch on the main thread. */
  private async load(indices: Int32Array): Promise<B> {
    if (!this.autoBatching) {
      // no automatic batching: torch reads dataset[i], never __getitems__
      const it = (this.dataset as Dataset<T>).get(indices[0]);
      return this.convertItem(typeof (it as { then?: unknown } | null)?.then === 'function' ? await it : it as T);
    }
    if (this.fastPath()) return (this.dataset as Dataset<T>).getBatch!(indices) as B;
    const items: T[] = [];
    try {
      for (const i of indices) {
        const it = (this.dataset as Dataset<T>).get(i);
        items.push(typeof (it as { then?: unknown } | null)?.then === 'function' ? await it : it as T);
      }
    } catch (e) {
      disposeExcept(items, undefined);
      throw e;
    }
    return this.collateItems(items);
  }

  private workerError(info: WorkerErrorInfo, w: number): Error {
    const e = typedError(info.name, info.message);
    e.stack = `${e.name}: ${e.message}\n    (in DataLoader worker ${String(w)})\n${info.stack.split('\n').slice(1).join('\n')}`;
    return e;
  }

  /** The base seed of epoch `epoch`'s workers (worker w's seed is base + w), taken as the header says. */
  private workerBaseSeed(epoch: number): number {
    if (this.seed !== undefined) return seedAt({ seed: this.seed, offset: 2 ** 52 + epoch });
    const g = this.generator ?? getRngState();
    const base = seedAt(g);
    // one draw of the generator, as torch's random_(generator=…)
    if (this.generator) this.generator.offset += 1;
    else setRngState({ seed: g.seed, offset: g.offset + 1 });
    return base;
  }

  /** The workers of epoch `epoch`. */
  private pool(epoch: number): WorkerPool {
    return new WorkerPool(this.source!, this.numWorkers, PACK_MODULE, {
      iterable: this.iterable, baseSeed: this.workerBaseSeed(epoch), initFn: this.workerInitFn, generatorModule: GENERATOR_MODULE,
    }, (info, w) => this.workerError(info, w));
  }

  /** A batch as a worker posted it: packed (default collate), raw items (a collate), or one item (no batching). */
  private fromWorker(raw: unknown): B {
    if (!this.autoBatching) return this.convertItem((raw as T[])[0]);
    return this.collate === undefined ? unpack(raw as Packed, this.pinMemory) as B : this.collateItems(raw as T[]);
  }

  /** The batches of one epoch as the dataset and collate make them (on the main thread or in workers). */
  private async *made(batches: Int32Array[], epoch: number): AsyncGenerator<B, void, undefined> {
    if (!this.source) {
      for (const idx of batches) yield await this.load(idx);
      return;
    }
    const pool = this.pool(epoch);
    const single = !this.autoBatching;
    const pack = this.collate === undefined && !single;
    const inFlight = new Map<number, Promise<unknown>>();
    const ahead = this.numWorkers * this.prefetch;
    let sent = 0;
    try {
      for (let b = 0; b < batches.length; b++) {
        for (; sent < batches.length && sent < b + ahead; sent++) {
          const p = pool.run(sent % this.numWorkers, batches[sent], pack);
          p.catch(() => undefined);  // rejections surface when their batch is reached
          inFlight.set(sent, p);
        }
        const raw = await inFlight.get(b)!;
        inFlight.delete(b);
        yield this.fromWorker(raw);
      }
    } finally {
      await pool.close();
    }
  }

  /**
   * The batches of one epoch of an IterableDataset: consecutive items of its stream on the main
   * thread, or, with workers, each worker's batches in turn (round-robin, an exhausted worker skipped).
   */
  private async *stream(epoch: number): AsyncGenerator<B, void, undefined> {
    const count = this.batchSize;  // null: one item, not batched
    if (!this.source) {
      const ds = this.dataset as IterableDataset<T>;
      const it = typeof ds[Symbol.asyncIterator] === 'function' ? ds[Symbol.asyncIterator]!() : ds[Symbol.iterator]!();
      let ended = false;
      const step = async (): Promise<IteratorResult<T>> => {
        let r: IteratorResult<T> | Promise<IteratorResult<T>> = it.next();
        if (typeof (r as { then?: unknown }).then === 'function') r = await r;
        if (r === null || typeof r !== 'object') throw new ValueError(`DataLoader: the iterator of the IterableDataset ${nameOf(ds)} returned ${describeArg(r)} from next(), not a { value, done } result`);
        if ((r as IteratorResult<T>).done) ended = true;
        return r as IteratorResult<T>;
      };
      try {
        for (;;) {
          if (count === null) {
            const r = await step();
            if (r.done) return;
            yield this.convertItem(r.value);
            continue;
          }
          const items: T[] = [];
          try {
            while (items.length < count) {
              const r = await step();
              if (r.done) break;
              items.push(r.value);
            }
          } catch (e) {
            disposeExcept(items, undefined);
            throw e;
          }
          if (items.length === 0 || (this.dropLast && items.length < count)) {
            disposeExcept(items, undefined);
            return;
          }
          yield this.collateItems(items);
        }
      } finally {
        // a loop that stops early closes the stream (a generator's finally blocks run)
        if (!ended && typeof it.return === 'function') await it.return();
      }
    }
    const pool = this.pool(epoch);
    const n = this.numWorkers, ahead = n * this.prefetch;
    const pack = this.collate === undefined && this.autoBatching;
    const active = new Array<boolean>(n).fill(true);
    const tasks: { w: number; p: Promise<unknown> }[] = [];
    let turn = 0;
    // the next request goes to the next worker in turn whose stream has not ended (torch's _try_put_index)
    const put = (): boolean => {
      for (let k = 0; k < n; k++) {
        const w = turn;
        turn = (turn + 1) % n;
        if (!active[w]) continue;
        const p = pool.next(w, count, pack, this.dropLast);
        p.catch(() => undefined);  // rejections surface when their batch is reached
        tasks.push({ w, p });
        return true;
      }
      return false;
    };
    try {
      for (;;) {
        while (tasks.length < ahead && put());
        const t = tasks.shift();
        if (!t) return;
        if (!active[t.w]) continue;  // asked of a worker whose stream ended before it: no batch
        const raw = await t.p;
        if (raw === ENDED) { active[t.w] = false; continue; }
        yield this.fromWorker(raw);
      }
    } finally {
      await pool.close();
    }
  }

  /** A made batch on the host where it should be: moved to the CPU for `device: 'cpu'`, pinned for `pinMemory`. */
  private onHost(batch: B): B {
    if (this.target?.type === 0) batch = cpuBatch(batch);
    return this.pinMemory ? pinBatch(batch) : batch;
  }

  /** `for await (const batch of loader)`: one epoch. */
  async *[Symbol.asyncIterator](): AsyncGenerator<B, void, undefined> {
    const epoch = this.nextEpoch++;
    const made = this.iterable ? this.stream(epoch) : this.made(this.batches(epoch), epoch);
    const target = this.target;
    try {
      if (!target || target.type === 0) {
        if (!this.pinMemory && !target) { yield* made; return; }
        for await (const b of made) yield this.onHost(b);
        return;
      }
      // GPU: keep `prefetch` batches staged (copies queued) beyond the one the loop holds. A batch
      // that fails to be made ahead fails the loop when its turn comes, after the ones before it.
      const staged: Staged<B>[] = [];
      let done = false, failure: { error: unknown } | null = null;
      try {
        for (;;) {
          while (!done && staged.length <= this.prefetch) {
            try {
              const r = await made.next();
              if (r.done) done = true;
              else staged.push(stageBatch(this.onHost(r.value), target));
            } catch (e) {
              failure = { error: e };
              done = true;
            }
          }
          const s = staged.shift();
          if (s) yield handOver(s);
          else if (failure) throw failure.error;
          else return;
        }
      } finally {
        for (const s of staged) release(s);
      }
    } finally {
      await made.return();
    }
  }
}
