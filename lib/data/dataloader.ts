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
import { Dataset, WorkerSource } from './dataset';
import { Packed, PackError, packItems, typedTag } from './pack';
import { whyNotRebuildable } from './subset';
import { Staged, cpuBatch, handOver, pinBatch, release, stageBatch } from './transfer';
import { WorkerErrorInfo, WorkerPool } from './worker';
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
  /** Visit the items in a new random order each epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffling; without one, each epoch draws a seed from the global generator. */
  seed?: number;
  /**
   * The generator of the shuffling (torch's `generator`): a CPU `fl.Generator`, or a `{ seed, offset }`
   * state advanced in place; each epoch's order is its next `randperm`. Excludes `seed`.
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
}

// PyTorch: DataLoader(dataset, batch_size=1, shuffle=False, …, num_workers, collate_fn, pin_memory,
// drop_last, …, prefetch_factor, …) — the first three positional, the rest keywords (lib/args.ts).
const OPT = optional(A.anyValue<never>());
const DATALOADER_ARGS = signature('DataLoader', ['dataset', 'batchSize', 'shuffle'], {
  dataset: required(A.anyValue<never>()), batchSize: OPT, shuffle: optional(A.bool), seed: OPT, dropLast: optional(A.bool),
  sampler: OPT, batchSampler: OPT, collate: OPT, numWorkers: OPT, prefetch: OPT, pinMemory: optional(A.bool), device: OPT, generator: OPT,
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
 * and equal those of `numWorkers: 0`. Datasets with a `getBatch` fast path (`TensorDataset`) are
 * batched on the main thread whatever `numWorkers` says: a batch is one native gather.
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

  readonly dataset: Dataset<T>;

  constructor(dataset: Dataset<T>, options?: DataLoaderOptions<T, B>);
  constructor(dataset: Dataset<T>, ...args: ArgsThenOptions<[batchSize: number | null, shuffle: boolean], DataLoaderOptions<T, B>>);
  constructor(...args: unknown[]) {
    const { dataset, ...options } = DATALOADER_ARGS.parse(args) as { dataset: Dataset<T> } & DataLoaderOptions<T, B>;
    this.dataset = dataset;
    if (!(dataset instanceof Dataset)) throw new ValueError('DataLoader: expected a fl.data.Dataset');
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
    // PyTorch's RandomSampler refuses an empty dataset (num_samples=0) when the loader is made
    if (datasetLength(dataset) === 0 && this.shuffle) throw new ValueError('DataLoader: shuffle needs a non-empty dataset (num_samples should be a positive integer value, but got num_samples=0)');
    if (this.numWorkers > 0 && !this.fastPath()) {
      const src = dataset.workerSource();
      if (!src || typeof src.module !== 'string' || !path.isAbsolute(src.module) || typeof src.exportName !== 'string') {
        const why = whyNotRebuildable(dataset);
        throw new ValueError(`DataLoader: numWorkers=${String(this.numWorkers)} needs a dataset that worker threads can rebuild: `
          + (why ? `${why}; a Subset or ConcatDataset is rebuilt from the workerSource() of the datasets inside it, so override it there ` : 'override workerSource() ')
          + 'to return { module: <absolute path>, exportName, args }');
      }
      this.source = src;
    }
  }

  /** Number of batches per epoch. */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    const n = this.sampler ? this.sampler.length : datasetLength(this.dataset);
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
    return this.collate === undefined && typeof this.dataset.getBatch === 'function';
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
    const n = datasetLength(this.dataset);
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
      const it = this.dataset.get(indices[0]);
      return this.convertItem(typeof (it as { then?: unknown } | null)?.then === 'function' ? await it : it as T);
    }
    if (this.fastPath()) return this.dataset.getBatch!(indices) as B;
    const items: T[] = [];
    try {
      for (const i of indices) {
        const it = this.dataset.get(i);
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

  /** The batches of one epoch as the dataset and collate make them (on the main thread or in workers). */
  private async *made(batches: Int32Array[]): AsyncGenerator<B, void, undefined> {
    if (!this.source) {
      for (const idx of batches) yield await this.load(idx);
      return;
    }
    const pool = new WorkerPool(this.source, this.numWorkers, PACK_MODULE, (info, w) => this.workerError(info, w));
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
        yield single ? this.convertItem((raw as T[])[0]) : pack ? unpack(raw as Packed, this.pinMemory) as B : this.collateItems(raw as T[]);
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
    const made = this.made(this.batches(epoch));
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
