// dataset.ts — the base classes of datasets: `Dataset` (map-style: a length and an item per index, as
// `torch.utils.data.Dataset`) and `IterableDataset` (a stream of items, as
// `torch.utils.data.IterableDataset`). This file imports nothing at run time, so that a worker
// thread can load a dataset module that extends them without loading the native addon (see worker.ts).
import type { Tensor } from '../tensor';

/**
 * Where a worker thread finds a dataset: `require(module)[exportName]` is constructed with `args`
 * (values the structured-clone algorithm can copy). The module path must be absolute; a `.ts`
 * module is transpiled in the worker with the `typescript` package when that is installed.
 */
export interface WorkerSource {
  /** Absolute path of the module that exports the dataset class (usually `__filename`). */
  module: string;
  /** Name of the exported class. */
  exportName: string;
  /** Constructor arguments. */
  args?: unknown[];
}

/**
 * A function that a worker thread loads: `require(module)[exportName]` (the DataLoader's
 * `workerInitFn`, torch's `worker_init_fn`). The module path must be absolute; a `.ts` module is
 * transpiled as a `WorkerSource`'s is.
 */
export interface WorkerFunction {
  /** Absolute path of the module that exports the function (usually `__filename`). */
  module: string;
  /** Name of the exported function. */
  exportName: string;
}

/**
 * A map-style dataset: `length` items, `get(i)` for `0 <= i < length` (sync or async).
 *
 * Items are owned by whoever asks for them: the `DataLoader` disposes the tensors in the items it
 * fetched once they are collated into a batch, so `get` should return fresh tensors or views
 * (`t.select(0, i)`; a view is cheap and disposing it leaves `t` alone), never a tensor the dataset
 * keeps for itself. Plain data is fine too: numbers, booleans, TypedArrays (one row each), strings,
 * and arrays / plain objects of these.
 *
 * ```ts
 * class Squares extends fl.data.Dataset<{ x: number; y: number }> {
 *   get length() { return 100; }
 *   get(i: number) { return { x: i, y: i * i }; }
 * }
 * for await (const { x, y } of new fl.data.DataLoader(new Squares(), { batchSize: 10 })) { … }
 * ```
 */
export abstract class Dataset<T = unknown> {
  /** Number of items. */
  abstract get length(): number;
  /** Item `index` (0 <= index < length). */
  abstract get(index: number): T | Promise<T>;

  /**
   * Optional fast path, like PyTorch's `__getitems__`: the whole batch for these indices, already
   * collated (as the default collate would make it). The `DataLoader` uses it when no custom
   * `collate` is given. `TensorDataset` implements it with one `indexSelect` per tensor.
   */
  getBatch?(indices: Int32Array): unknown;

  /**
   * How a worker thread rebuilds this dataset, for `DataLoader({ numWorkers > 0 })`; `null` (the
   * default) when it cannot. A dataset used in workers must return plain data from `get` (numbers,
   * TypedArrays, strings, arrays/objects of them): tensors cannot cross threads.
   *
   * ```ts
   * class Decoded extends fl.data.Dataset<Float32Array> {
   *   constructor(private dir: string) { super(); }
   *   workerSource() { return { module: __filename, exportName: 'Decoded', args: [this.dir] }; }
   *   …
   * }
   * ```
   */
  workerSource(): WorkerSource | null { return null; }
}


/**
 * An iterable-style dataset, as `torch.utils.data.IterableDataset`: a stream of items rather than
 * items by index. A subclass implements `[Symbol.iterator]()` or `[Symbol.asyncIterator]()` (a
 * generator is the usual way; with both, the `DataLoader` uses the async one, as `for await` does).
 * It may define a `length` getter (torch's `__len__`), which `DataLoader.length` then uses.
 *
 * The `DataLoader` takes `batchSize` consecutive items per batch (the last one shorter unless
 * `dropLast`), or each item alone with `batchSize: null`; it refuses `shuffle`, `sampler` and
 * `batchSampler`, as torch does. With `numWorkers > 0`, each worker thread rebuilds the dataset
 * from `workerSource()` and iterates its own copy, so without sharding each item arrives once per
 * worker (torch's behaviour); shard with `fl.data.getWorkerInfo()`:
 *
 * ```ts
 * class Range extends fl.data.IterableDataset<number> {
 *   constructor(readonly start: number, readonly end: number) { super(); }
 *   *[Symbol.iterator]() {
 *     const info = fl.data.getWorkerInfo();   // null on the main thread
 *     const step = info ? info.numWorkers : 1;
 *     for (let i = this.start + (info ? info.id : 0); i < this.end; i += step) yield i;
 *   }
 *   workerSource() { return { module: __filename, exportName: 'Range', args: [this.start, this.end] }; }
 * }
 * for await (const b of new fl.data.DataLoader(new Range(0, 10), { batchSize: 4 })) { … }
 * ```
 *
 * Items follow `Dataset`'s rules: fresh tensors or plain data, and plain data only from a dataset
 * used in workers (tensors cannot cross threads).
 */
export abstract class IterableDataset<T = unknown> {
  /** The items, in order (implement this, or `[Symbol.asyncIterator]`). */
  [Symbol.iterator]?(): Iterator<T>;
  /** The items, in order, produced asynchronously (implement this, or `[Symbol.iterator]`). */
  [Symbol.asyncIterator]?(): AsyncIterator<T>;

  /**
   * How a worker thread rebuilds this dataset, for `DataLoader({ numWorkers > 0 })`; `null` (the
   * default) when it cannot. As `Dataset.workerSource`.
   */
  workerSource(): WorkerSource | null { return null; }
}
