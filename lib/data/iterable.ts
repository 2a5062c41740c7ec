// iterable.ts — what goes with iterable-style datasets (the `IterableDataset` base class is in
// dataset.ts): `ChainDataset` (torch.utils.data.ChainDataset: iterable datasets one after another)
// and `getWorkerInfo` (torch.utils.data.get_worker_info: which DataLoader worker thread runs this
// code, for sharding a stream across workers and seeding other generators).
//
// Like dataset.ts and subset.ts, this module imports nothing at run time that loads the native
// addon: a worker thread loads it to rebuild a ChainDataset, and a dataset module imports
// getWorkerInfo from it. The worker's information is a global of the worker thread (set by
// worker.ts before it loads the dataset module), so that every copy of this module in the thread
// reads the same one, whichever path loaded it (dist/ or the TypeScript sources).
import { describeArg, tooManyArgs } from '../arity';
import { ValueError } from '../errors';
import { Dataset, IterableDataset, WorkerSource } from './dataset';
import { rebuild } from './subset';

/** What `getWorkerInfo()` returns in a DataLoader worker thread (torch's `WorkerInfo`). */
export interface WorkerInfo {
  /** This worker's index, 0 … numWorkers-1. */
  readonly id: number;
  /** The loader's number of workers. */
  readonly numWorkers: number;
  /**
   * This worker's seed: the epoch's base seed (drawn from the loader's generator) plus `id`, as
   * torch's. flintml's default generator in the worker is seeded with it when the dataset's module
   * loads flintml; seed other generators with it.
   */
  readonly seed: number;
  /** This worker's copy of the dataset (`null` while its constructor runs). */
  readonly dataset: Dataset<unknown> | IterableDataset<unknown> | null;
}

/** @internal The key of the worker thread's global that holds its WorkerInfo (worker.ts sets it). */
export const WORKER_INFO_KEY = Symbol.for('flintml.data.workerInfo');

/**
 * In a DataLoader worker thread, which worker this is: `{ id, numWorkers, seed, dataset }`; `null`
 * on the main thread (and with `numWorkers: 0`), as `torch.utils.data.get_worker_info`. Use it in
 * an `IterableDataset`'s iterator to give each worker its share of the stream (without it, each
 * worker yields every item), or in a `workerInitFn` to configure `dataset`.
 *
 * ```ts
 * *[Symbol.iterator]() {
 *   const info = fl.data.getWorkerInfo();
 *   const [id, n] = info ? [info.id, info.numWorkers] : [0, 1];
 *   for (let i = id; i < this.count; i += n) yield this.read(i);   // worker id: items id, id + n, …
 * }
 * ```
 */
export function getWorkerInfo(): WorkerInfo | null {
  if (arguments.length > 0) tooManyArgs('getWorkerInfo', '', arguments);
  const info = (globalThis as Record<symbol, unknown>)[WORKER_INFO_KEY];
  return info === undefined ? null : info as WorkerInfo;
}

/** An iterable dataset's items, with its async iterator when it has one (as `for await` picks). */
async function* itemsOf<T>(d: IterableDataset<T>): AsyncGenerator<T, void, undefined> {
  if (typeof d[Symbol.asyncIterator] === 'function') yield* { [Symbol.asyncIterator]: () => d[Symbol.asyncIterator]!() };
  else yield* { [Symbol.iterator]: () => d[Symbol.iterator]!() };
}

/**
 * Iterable datasets one after another, as `torch.utils.data.ChainDataset`: the items of the first,
 * then of the second, and so on, read lazily (a chain of streams, not a copy). Its `length` is the
 * sum of theirs, and reading it fails when one has none (torch's TypeError for `len`). Each dataset
 * must be an `IterableDataset`: the others are refused when the chain is made (torch asserts it when
 * the chain is iterated); `ConcatDataset` is the map-style counterpart. DataLoader workers can
 * rebuild it when they can rebuild every dataset in it.
 *
 * ```ts
 * const both = new fl.data.ChainDataset([new Range(0, 3), new Range(10, 12)]);
 * for await (const x of both) …   // 0 1 2 10 11 (for…of too, when every dataset is synchronous)
 * ```
 */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  /** The datasets, in order. */
  readonly datasets: readonly IterableDataset<T>[];

  constructor(datasets: Iterable<IterableDataset<T>>) {
    super();
    if (arguments.length > 1) tooManyArgs('ChainDataset', 'datasets', arguments);
    if (datasets === null || typeof datasets !== 'object' || typeof (datasets as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new ValueError(`ChainDataset: datasets must be an array of IterableDatasets, got ${describeArg(datasets)}`);
    }
    const list = Array.from(datasets as Iterable<unknown>);
    list.forEach((d, j) => {
      if (!(d instanceof IterableDataset)) {
        throw new ValueError(`ChainDataset: datasets[${j}]: ChainDataset only supports IterableDataset, got ${describeArg(d)}`
          + (d instanceof Dataset ? ' (a map-style Dataset: fl.data.ConcatDataset joins those)' : ''));
      }
    });
    this.datasets = list as IterableDataset<T>[];
  }

  /** The sum of the datasets' lengths; a ValueError when one has no `length` (torch: TypeError). */
  get length(): number {
    let total = 0;
    this.datasets.forEach((d, j) => {
      const n = (d as { length?: unknown }).length;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
        throw new ValueError(`ChainDataset: datasets[${j}] (${describeArg(d).replace(/^an? /, '')}) has no length`
          + (n === undefined ? '' : ` (its length is ${describeArg(n)})`) + ", so the chain's length is unknown (torch: object has no len())");
      }
      total += n;
    });
    return total;
  }

  /** The items when every dataset iterates synchronously; a ValueError names the first that does not. */
  *[Symbol.iterator](): Iterator<T> {
    for (let j = 0; j < this.datasets.length; j++) {
      const d = this.datasets[j];
      if (typeof d[Symbol.iterator] !== 'function') {
        throw new ValueError(`ChainDataset: datasets[${j}] (${describeArg(d).replace(/^an? /, '')}) has only an async iterator: iterate the chain with for await`);
      }
      yield* { [Symbol.iterator]: () => d[Symbol.iterator]!() };
    }
  }

  /** The items (each dataset's async iterator when it has one, else its iterator). */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) yield* itemsOf(d);
  }

  /** Workers rebuild it from every dataset's source; `null` when one of them has none. */
  workerSource(): WorkerSource | null {
    const sources: WorkerSource[] = [];
    for (const d of this.datasets) {
      const s = d.workerSource();
      if (!s) return null;
      sources.push(s);
    }
    return { module: __filename, exportName: 'WorkerChainDataset', args: [sources] };
  }
}

/** @internal A ChainDataset as a DataLoader worker rebuilds it (see `ChainDataset.workerSource`). */
export class WorkerChainDataset<T = unknown> extends ChainDataset<T> {
  constructor(sources: WorkerSource[]) { super(sources.map((s) => rebuild(s) as unknown as IterableDataset<T>)); }
}
