// sampler.ts — samplers for DataLoader({ sampler }): `DistributedSampler` gives each rank of a
// process group its own share of a dataset's indices, as torch.utils.data.DistributedSampler.
//
// The rule is PyTorch's: every rank draws the same order (shuffled by seed + epoch, so call
// setEpoch(e) each epoch for a new one), pads it by repeating its start to a multiple of
// numReplicas (or, with dropLast, cuts the tail), and takes every numReplicas-th index from its rank
// on. The shards of one epoch are disjoint and, when the length divides evenly, cover the dataset
// exactly once. The shuffled order is the Philox stream with key `seed` at offset epoch·n (as the
// DataLoader's own shuffle), with the global generator's state saved and restored around it.
import { bool, int, optional, required, signature } from '../args';
import { DistributedError, ValueError } from '../errors';
import { getRngState, randperm, setRngState } from '../ops/random';
import { getRank, getWorldSize, isInitialized } from '../distributed/group';
import type { Dataset } from './dataset';

/** The most indices one rank's share may hold: a JavaScript array's elements (V8: 2^27 - 3), rounded down. */
const MAX_SHARE = 100_000_000;

/** What DataLoader's `sampler` option takes: the indices of one epoch, and how many there are. */
export interface Sampler extends Iterable<number> {
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
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) throw new ValueError(`DistributedSampler.setEpoch: epoch must be an integer >= 0, got ${String(epoch)}`);
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
