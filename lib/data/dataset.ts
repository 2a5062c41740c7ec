// dataset.ts — the `Dataset` base class: a length and an item per index, as `torch.utils.data.Dataset`.
// This file imports nothing at run time, so that a worker thread can load a dataset module that
// extends `Dataset` without loading the native addon (see worker.ts).
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

