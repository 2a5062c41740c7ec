// subset.ts — datasets made of other datasets, as torch.utils.data's: `Subset` (the items of a
// dataset at given indices) and `ConcatDataset` (datasets one after another). `randomSplit`, which
// makes Subsets from a random permutation, is in sampler.ts with the other users of a generator.
//
// Worker threads. A DataLoader worker rebuilds its dataset from `workerSource()` (dataset.ts), so a
// Subset or ConcatDataset is worker-capable exactly when the datasets inside it are: its source
// names `WorkerSubset` / `WorkerConcatDataset` of this module, constructed in the worker from the
// inner datasets' own sources. So this module, like dataset.ts, imports nothing at run time that
// loads the native addon (errors.ts and arity.ts are leaves); a worker loads it to rebuild them.
import * as Module from 'module';
import { describeArg, tooManyArgs } from '../arity';
import { IndexError, ValueError } from '../errors';
import { Dataset, IterableDataset, WorkerSource } from './dataset';

/** A dataset as Subset, ConcatDataset and randomSplit take it: a `length` and a `get` (a `fl.data.Dataset`, or any object shaped as one). */
export type DatasetLike<T = unknown> = Pick<Dataset<T>, 'length' | 'get'> & Partial<Pick<Dataset<T>, 'getBatch' | 'workerSource'>>;

function lengthOf(ds: { length: unknown }, where: string): number {
  const n = ds.length;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ValueError(`${where}: dataset length must be a non-negative integer, got ${describeArg(n)}`);
  return n;
}

/** @internal `v` as a dataset, or a ValueError naming `where`. */
export function checkDataset<T>(v: unknown, where: string): DatasetLike<T> {
  // torch takes an IterableDataset here and fails later (ConcatDataset asserts; Subset and
  // random_split when they index it or ask its len): refused when it is given
  if (v instanceof IterableDataset) {
    throw new ValueError(where.startsWith('ConcatDataset')
      ? `${where}: ConcatDataset does not support IterableDataset (fl.data.ChainDataset chains iterable datasets)`
      : `${where} must be a map-style dataset (items by index), got an IterableDataset (a stream of items, which has no item i)`);
  }
  if (v === null || typeof v !== 'object' || typeof (v as { get?: unknown }).get !== 'function') {
    throw new ValueError(`${where} must be a fl.data.Dataset (an object with a length and get(i)), got ${describeArg(v)}`);
  }
  lengthOf(v as { length: unknown }, where);
  return v as DatasetLike<T>;
}

/** `index` as a position in a sequence of `n` (negative counts from the end, as Python's). */
function position(index: unknown, n: number, op: string, what: string): number {
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new ValueError(`${op}: index must be an integer, got ${describeArg(index)}`);
  const i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) throw new IndexError(`${op}: index ${index} is out of range for ${what} of length ${n}`);
  return i;
}

/**
 * The items of `dataset` at `indices`, in that order, as `torch.utils.data.Subset`: item `i` is
 * `dataset.get(indices[i])`. Indices may repeat; a negative one counts from the end of `dataset`
 * (as a Python sequence's), and one out of range is refused when its item is read (an
 * `IndexError`), as in torch. A negative `i` counts from the end of the subset.
 *
 * The subset batches through `dataset.getBatch` when the dataset has one (a `TensorDataset`: one
 * gather per batch), and DataLoader workers can rebuild it when they can rebuild `dataset`.
 *
 * ```ts
 * const val = new fl.data.Subset(ds, [0, 2, 4]);   // val.get(1) is ds.get(2)
 * ```
 */
export class Subset<T = unknown> extends Dataset<T> {
  /** The dataset the items come from. */
  readonly dataset: DatasetLike<T>;
  /** Its indices, in the subset's order. */
  readonly indices: readonly number[];

  constructor(dataset: DatasetLike<T>, indices: Iterable<number>) {
    super();
    if (arguments.length > 2) tooManyArgs('Subset', 'dataset, indices', arguments);
    this.dataset = checkDataset<T>(dataset, 'Subset: dataset');
    if (indices === null || typeof indices !== 'object' || typeof (indices as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new ValueError(`Subset: indices must be an array of integers, got ${describeArg(indices)}`);
    }
    const list = Array.from(indices as Iterable<unknown>);
    list.forEach((k, j) => {
      if (typeof k !== 'number' || !Number.isSafeInteger(k)) throw new ValueError(`Subset: indices[${j}] must be an integer, got ${describeArg(k)}`);
    });
    this.indices = list as number[];
    const inner = this.dataset;
    if (typeof inner.getBatch === 'function') {
      this.getBatch = (idx: Int32Array): unknown => inner.getBatch!(Int32Array.from(idx, (i) => this.source(position(i, this.indices.length, 'Subset.getBatch', 'a subset'))));
    }
  }

  get length(): number { return this.indices.length; }

  /** Item `index` of the subset: `dataset.get(indices[index])`. */
  get(index: number): T | Promise<T> {
    if (arguments.length > 1) tooManyArgs('Subset.get', 'index', arguments);
    return this.dataset.get(this.source(position(index, this.indices.length, 'Subset.get', 'a subset')));
  }

  /** The dataset's index behind position i (a negative one from the end of the dataset). */
  private source(i: number): number {
    const k = this.indices[i], n = lengthOf(this.dataset, 'Subset');
    const j = k < 0 ? k + n : k;
    if (j < 0 || j >= n) throw new IndexError(`Subset: indices[${i}] = ${k} is out of range for its dataset of length ${n}`);
    return j;
  }

  /** Workers rebuild the subset from its dataset's source; `null` when the dataset has none. */
  workerSource(): WorkerSource | null {
    const inner = typeof this.dataset.workerSource === 'function' ? this.dataset.workerSource() : null;
    return inner ? { module: __filename, exportName: 'WorkerSubset', args: [inner, this.indices.slice()] } : null;
  }
}

/**
 * Datasets one after another, as `torch.utils.data.ConcatDataset`: items `0 … cumulativeSizes[0]-1`
 * are the first dataset's, and so on. A negative index counts from the end, as torch's; an empty
 * list of datasets is refused. The sizes are read once, when it is made (as torch's).
 * DataLoader workers can rebuild it when they can rebuild every one of its datasets.
 *
 * ```ts
 * const all = new fl.data.ConcatDataset([trainA, trainB]);
 * all.cumulativeSizes;   // [trainA.length, trainA.length + trainB.length]
 * ```
 */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  /** The datasets, in order. */
  readonly datasets: readonly DatasetLike<T>[];
  /** The running totals of their lengths (torch's `cumulative_sizes`); the last one is the length. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: Iterable<DatasetLike<T>>) {
    super();
    if (arguments.length > 1) tooManyArgs('ConcatDataset', 'datasets', arguments);
    if (datasets === null || typeof datasets !== 'object' || typeof (datasets as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new ValueError(`ConcatDataset: datasets must be an array of datasets, got ${describeArg(datasets)}`);
    }
    const list = Array.from(datasets as Iterable<unknown>);
    if (list.length === 0) throw new ValueError('ConcatDataset: datasets should not be an empty iterable');
    this.datasets = list.map((d, j) => checkDataset<T>(d, `ConcatDataset: datasets[${j}]`));
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += lengthOf(d, 'ConcatDataset')));
  }

  get length(): number { return this.cumulativeSizes[this.cumulativeSizes.length - 1]; }

  /** Item `index`: item `index - cumulativeSizes[k-1]` of the dataset k it falls in. */
  get(index: number): T | Promise<T> {
    if (arguments.length > 1) tooManyArgs('ConcatDataset.get', 'index', arguments);
    const n = this.length;
    if (typeof index !== 'number' || !Number.isInteger(index)) throw new ValueError(`ConcatDataset.get: index must be an integer, got ${describeArg(index)}`);
    if (index < 0 && -index > n) throw new ValueError(`ConcatDataset.get: absolute value of index should not exceed dataset length (index ${index}, length ${n})`);
    const i = index < 0 ? index + n : index;
    if (i >= n) throw new IndexError(`ConcatDataset.get: index ${index} is out of range for a dataset of length ${n}`);
    // bisect_right: the first dataset whose running total exceeds i
    let lo = 0, hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] <= i) lo = mid + 1; else hi = mid;
    }
    return this.datasets[lo].get(lo === 0 ? i : i - this.cumulativeSizes[lo - 1]);
  }

  /** Workers rebuild it from every dataset's source; `null` when one of them has none. */
  workerSource(): WorkerSource | null {
    const sources: WorkerSource[] = [];
    for (const d of this.datasets) {
      const s = typeof d.workerSource === 'function' ? d.workerSource() : null;
      if (!s) return null;
      sources.push(s);
    }
    return { module: __filename, exportName: 'WorkerConcatDataset', args: [sources] };
  }
}

/**
 * @internal Why DataLoader workers cannot rebuild `ds` when it is a Subset or ConcatDataset (the
 * innermost dataset without a `workerSource()`), for the DataLoader's refusal; null otherwise.
 */
export function whyNotRebuildable(ds: unknown): string | null {
  const name = (d: unknown): string => describeArg(d).replace(/^an? /, '');
  const walk = (d: DatasetLike<unknown>, path: string): string | null => {
    if (d instanceof Subset) return walk(d.dataset, `${path}.dataset`);
    if (d instanceof ConcatDataset) {
      for (let k = 0; k < d.datasets.length; k++) {
        const why = walk(d.datasets[k], `${path}.datasets[${k}]`);
        if (why) return why;
      }
      return null;
    }
    const src = typeof d.workerSource === 'function' ? d.workerSource() : null;
    return src ? null : `${path} (a ${name(d)}) has no workerSource()`;
  };
  if (!(ds instanceof Subset) && !(ds instanceof ConcatDataset)) return null;
  return walk(ds, name(ds));
}

/** @internal A worker's copy of a dataset from its source (what worker.ts does for the outer one). */
export function rebuild(src: WorkerSource): DatasetLike<unknown> {
  const M = Module as unknown as { createRequire(from: string): (id: string) => Record<string, unknown>; _extensions: Record<string, unknown> };
  // the worker registers its TypeScript loader only for the module it starts from: a .ts dataset
  // inside a compiled (dist/) Subset needs a loader of the program's own (ts-node, tsx), which
  // worker threads inherit through execArgv
  if (/\.[cm]?ts$/.test(src.module) && !M._extensions['.ts']) {
    throw new ValueError(`DataLoader worker: cannot load the TypeScript dataset module ${src.module} inside a Subset/ConcatDataset: `
      + 'compile it to JavaScript, or run the program with a TypeScript loader');
  }
  const cls = M.createRequire(src.module)(src.module)[src.exportName];
  if (typeof cls !== 'function') throw new ValueError(`DataLoader worker: ${src.module} does not export a class named '${src.exportName}'`);
  return new (cls as new (...args: unknown[]) => DatasetLike<unknown>)(...(src.args ?? []));
}

/** @internal A Subset as a DataLoader worker rebuilds it (see `Subset.workerSource`). */
export class WorkerSubset<T = unknown> extends Subset<T> {
  constructor(source: WorkerSource, indices: number[]) { super(rebuild(source) as DatasetLike<T>, indices); }
}

/** @internal A ConcatDataset as a DataLoader worker rebuilds it (see `ConcatDataset.workerSource`). */
export class WorkerConcatDataset<T = unknown> extends ConcatDataset<T> {
  constructor(sources: WorkerSource[]) { super(sources.map((s) => rebuild(s) as DatasetLike<T>)); }
}
