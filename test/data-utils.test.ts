// data-utils.test.ts — torch.utils.data's dataset utilities and samplers in fl.data: Subset,
// ConcatDataset, randomSplit, SequentialSampler, RandomSampler, SubsetRandomSampler,
// WeightedRandomSampler, BatchSampler, and the DataLoader's batchSampler and batchSize null
// (torch's batch_size=None) with defaultConvert; Subset/ConcatDataset in worker threads.
//
// References: PyTorch 1.13's values where they are deterministic (sizes, cumulative sizes, index
// mapping, batch lists, error classes), with the torch call beside each; plain JS arrays built here
// otherwise. Random orders cannot equal torch's (another generator): what is checked is that they
// are permutations / cover every index once, their sizes, and their reproducibility.
import * as fl from '../lib';
import * as data from '../lib/data';
import { liveWorkerCount } from '../lib/data/worker';
import { SquaresDataset } from './fixtures/data-datasets';
import { DEVICE, epoch, plain } from './helpers';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: Iterable<number>): number[] => Array.from(xs).sort((a, b) => a - b);

/** Item i is i (no getBatch, no workerSource). */
class Numbers extends data.Dataset<number> {
  constructor(readonly n: number) { super(); }
  get length(): number { return this.n; }
  get(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) throw new fl.IndexError(`Numbers: index ${i} out of range`);
    return i;
  }
}

/** A TensorDataset of rows [[0, 0], [1, 10], …] on DEVICE, freed after fn. */
async function withRows<R>(n: number, fn: (ds: fl.data.TensorDataset) => R | Promise<R>): Promise<R> {
  const x = fl.scope(() => fl.stack([fl.arange(n), fl.arange(n).mul(10)], 1).to('float32').to(DEVICE));
  try { return await fn(new fl.data.TensorDataset(x)); } finally { x.dispose(); }
}
const rowsOf = (idx: number[]): number[][] => idx.map((i) => [i, 10 * i]);

describe('Subset', () => {
  test('maps its positions to the dataset\'s indices; negative positions and indices count from the end', () => {
    // torch: s = Subset(range(10), [3, 0, -1, 3]); [len(s)] + [s[i] for i in range(-4, 4)] -> [4, 3, 0, 9, 3, 3, 0, 9, 3]
    const s = new data.Subset(new Numbers(10), [3, 0, -1, 3]);
    expect([s.length, ...range(8).map((i) => s.get(i - 4))]).toEqual([4, 3, 0, 9, 3, 3, 0, 9, 3]);
    expect(s.indices).toEqual([3, 0, -1, 3]);
    expect(new data.Subset(new Numbers(4), new Int32Array([2, 1])).indices).toEqual([2, 1]);
    expect(s.getBatch).toBeUndefined();  // its dataset has no fast path
  });

  test('refusals: an index out of range when read (torch: IndexError), a non-integer index, a non-dataset', () => {
    const s = new data.Subset(new Numbers(3), [0, 5, -4]);  // torch builds it too: the indices are read lazily
    expect(() => s.get(1)).toThrow(fl.IndexError);
    expect(() => s.get(1)).toThrow(/Subset: indices\[1\] = 5 is out of range for its dataset of length 3/);
    expect(() => s.get(2)).toThrow(fl.IndexError);
    expect(() => s.get(3)).toThrow(fl.IndexError);   // torch: s[3] -> IndexError: list index out of range
    expect(() => s.get(-4)).toThrow(fl.IndexError);
    expect(() => s.get(0.5)).toThrow(fl.ValueError);
    expect(() => new data.Subset(new Numbers(3), [0, 1.5])).toThrow(/Subset: indices\[1\] must be an integer, got 1.5/);
    expect(() => new data.Subset(new Numbers(3), 2 as any)).toThrow(fl.ValueError);
    expect(() => new data.Subset([1, 2] as any, [0])).toThrow(/Subset: dataset must be a fl.data.Dataset/);
    expect(() => (data.Subset as any).prototype.get.call(s, 0, 1)).toThrow(/takes 1 positional argument/);
    expect(() => new (data.Subset as any)(new Numbers(3), [0], 1)).toThrow(fl.ValueError);
  });

  test('of a TensorDataset: batches through its getBatch; the DataLoader gives the rows at the indices', () => withRows(6, async (ds) => {
    const idx = [5, 0, 2, 2, -1];
    const s = new data.Subset(ds, idx);
    expect(typeof s.getBatch).toBe('function');
    const [b] = s.getBatch!(Int32Array.of(0, 4, 1)) as fl.Tensor[];
    expect(b.device).toBe(ds.tensors[0].device);
    expect(b.toArray()).toEqual(rowsOf([5, 5, 0]));
    b.dispose();
    expect(() => s.getBatch!(Int32Array.of(7))).toThrow(fl.IndexError);
    const got = await epoch(new data.DataLoader(s, { batchSize: 2 }), ([x]) => x.toArray());
    expect(got).toEqual([rowsOf([5, 0]), rowsOf([2, 2]), rowsOf([5])]);
    const [r] = s.get(2) as fl.Tensor[];
    expect(r.toArray()).toEqual([2, 20]);
    r.dispose();
  }));
});

describe('ConcatDataset', () => {
  test('cumulativeSizes and the index mapping, negative indices included (torch golden)', () => {
    // torch: c = ConcatDataset([range(3), range(0), range(2)])
    //   c.cumulative_sizes -> [3, 3, 5];  [c[i] for i in range(-5, 5)] -> [0, 1, 2, 0, 1, 0, 1, 2, 0, 1]
    const parts = [new Numbers(3), new Numbers(0), new Numbers(2)];
    const c = new data.ConcatDataset(parts);
    expect(c.cumulativeSizes).toEqual([3, 3, 5]);
    expect(c.length).toBe(5);
    expect(range(10).map((i) => c.get(i - 5))).toEqual([0, 1, 2, 0, 1, 0, 1, 2, 0, 1]);
    // which dataset each item comes from
    const tagged = new data.ConcatDataset([new data.Subset(new Numbers(10), [7, 8]), new data.Subset(new Numbers(10), [1, 2, 3])]);
    expect(range(5).map((i) => tagged.get(i))).toEqual([7, 8, 1, 2, 3]);
    expect(new data.ConcatDataset(new Set([new Numbers(2)])).cumulativeSizes).toEqual([2]);
  });

  test('refusals, as torch: an empty list, |index| past the length, an index past the end', () => {
    // torch: ConcatDataset([]) -> AssertionError: datasets should not be an empty iterable
    expect(() => new data.ConcatDataset([])).toThrow(new fl.ValueError('ConcatDataset: datasets should not be an empty iterable'));
    const c = new data.ConcatDataset([new Numbers(3), new Numbers(2)]);
    // torch: c[-6] -> ValueError: absolute value of index should not exceed dataset length
    expect(() => c.get(-6)).toThrow(fl.ValueError);
    expect(() => c.get(-6)).toThrow(/absolute value of index should not exceed dataset length/);
    // torch: c[5] -> IndexError: list index out of range
    expect(() => c.get(5)).toThrow(fl.IndexError);
    expect(() => c.get(NaN)).toThrow(fl.ValueError);
    expect(() => new data.ConcatDataset([new Numbers(1), 3 as any])).toThrow(/ConcatDataset: datasets\[1\] must be a fl.data.Dataset/);
    expect(() => new data.ConcatDataset(null as any)).toThrow(fl.ValueError);
  });

  test('through the DataLoader: batches across the boundary', () => withRows(4, async (ds) => {
    const c = new data.ConcatDataset<fl.Tensor[]>([ds, new data.Subset(ds, [3, 1])]);
    const got = await epoch(new data.DataLoader(c, { batchSize: 4 }), ([x]) => x.toArray());
    expect(got).toEqual([rowsOf([0, 1, 2, 3]), rowsOf([3, 1])]);
  }));
});

describe('randomSplit', () => {
  test('fractions: floor(n·f) each, the remainder dealt round-robin from the first (torch golden sizes)', () => {
    // torch: [len(s) for s in random_split(range(n), L, generator=torch.Generator().manual_seed(0))]
    const cases: [number, number[], number[]][] = [
      [7, [0.1, 0.2, 0.3, 0.4], [1, 2, 2, 2]],
      [30, [0.3, 0.3, 0.4], [9, 9, 12]],         // 30 * 0.3 = 8.999999999999998: floor 8, then +1 each
      [5, [0.5, 0.5], [3, 2]],
      [5, [1, 0], [5, 0]],                       // sums to 1: read as fractions, as torch
      [10, [1 / 3, 1 / 3, 1 / 3], [4, 3, 3]],
      [11, [0.25, 0.25, 0.25, 0.25], [3, 3, 3, 2]],
      [3, [0.9, 0.1], [3, 0]],
      [100, [0.7, 0.2, 0.1], [70, 20, 10]],
    ];
    for (const [n, L, want] of cases) {
      const parts = data.randomSplit(new Numbers(n), L, 0);
      expect(parts.map((p) => p.length)).toEqual(want);
      expect(parts.every((p) => p instanceof data.Subset)).toBe(true);
      expect(sorted(parts.flatMap((p) => range(p.length).map((i) => p.get(i) as number)))).toEqual(range(n));  // every item once
    }
  });

  test('counts: the splits are a permutation cut in order; a seed gives the same split, fl.manualSeed too', () => {
    const ds = new Numbers(20);
    const [a, b, c] = data.randomSplit(ds, [5, 0, 15], { generator: 42 });
    expect([a.length, b.length, c.length]).toEqual([5, 0, 15]);
    expect(sorted([...a.indices, ...c.indices])).toEqual(range(20));
    expect(a.indices).not.toEqual(range(5));  // shuffled (a fixed seed: not flaky)
    const again = data.randomSplit(ds, [5, 0, 15], 42);
    expect(again.map((s) => s.indices)).toEqual([a.indices, b.indices, c.indices]);
    expect(data.randomSplit(ds, [5, 0, 15], 43)[0].indices).not.toEqual(a.indices);
    // without a generator: the global stream (advanced), reproducible with manualSeed
    fl.manualSeed(7);
    const g1 = data.randomSplit(ds, [10, 10]).map((s) => s.indices);
    const g2 = data.randomSplit(ds, [10, 10]).map((s) => s.indices);
    fl.manualSeed(7);
    expect(data.randomSplit(ds, [10, 10]).map((s) => s.indices)).toEqual(g1);
    expect(g2).not.toEqual(g1);
  });

  test('a { seed, offset } generator state is advanced in place, as a torch.Generator', () => {
    const g = { seed: 5, offset: 0 };
    const s1 = data.randomSplit(new Numbers(8), [4, 4], { generator: g })[0].indices;
    expect(g).toEqual({ seed: 5, offset: 8 });  // randperm(8) drew 8 Philox blocks
    const s2 = data.randomSplit(new Numbers(8), [4, 4], { generator: g })[0].indices;
    expect(s2).not.toEqual(s1);
    expect(data.randomSplit(new Numbers(8), [4, 4], 5)[0].indices).toEqual(s1);  // seed 5 = { seed: 5, offset: 0 }
    const global = fl.getRngState();
    data.randomSplit(new Numbers(8), [4, 4], 9);
    expect(fl.getRngState()).toEqual(global);  // a generator leaves the global stream alone
  });

  test('refusals (torch: ValueError), and negative counts', () => {
    // torch: random_split(range(5), [2, 2]) -> ValueError: Sum of input lengths does not equal the length of the input dataset!
    expect(() => data.randomSplit(new Numbers(5), [2, 2])).toThrow(fl.ValueError);
    expect(() => data.randomSplit(new Numbers(5), [2, 2])).toThrow(/Sum of input lengths does not equal the length of the input dataset!/);
    // torch: random_split(range(5), [1.5, -0.5]) -> ValueError: Fraction at index 0 is not between 0 and 1
    expect(() => data.randomSplit(new Numbers(5), [1.5, -0.5])).toThrow(/Fraction at index 0 is not between 0 and 1/);
    expect(() => data.randomSplit(new Numbers(5), [0.5, 0.3])).toThrow(/Sum of input lengths/);
    expect(() => data.randomSplit(new Numbers(5), [2.5, 2.5])).toThrow(fl.ValueError);  // torch: randperm(5.0): TypeError
    // torch slices with Python's negative indices and returns [4, 1] items here; flintml refuses
    expect(() => data.randomSplit(new Numbers(5), [-1, 6])).toThrow(/lengths\[0\] = -1 is not a count of items/);
    expect(() => data.randomSplit(new Numbers(5), ['5'] as any)).toThrow(fl.ValueError);
    expect(() => data.randomSplit(new Numbers(5), [5], -1)).toThrow(/generator must be a seed/);
    expect(() => data.randomSplit(new Numbers(5), [5], { generatr: 1 } as any)).toThrow(/unknown option 'generatr' \(did you mean 'generator'\?\)/);
    expect(data.randomSplit(new Numbers(0), [])).toEqual([]);  // torch: random_split(range(0), []) -> []
  });
});

describe('samplers', () => {
  test('SequentialSampler: 0 … n-1, its length read when iterated', () => {
    // torch: list(SequentialSampler(range(4))) -> [0, 1, 2, 3]
    const src = { length: 4 };
    const s = new data.SequentialSampler(src);
    expect([s.length, ...s]).toEqual([4, 0, 1, 2, 3]);
    (src as any).length = 2;
    expect([...s]).toEqual([0, 1]);
    expect([...new data.SequentialSampler([7, 8, 9])]).toEqual([0, 1, 2]);
    expect(() => new data.SequentialSampler(5 as any)).toThrow(fl.ValueError);
    expect(() => new (data.SequentialSampler as any)([1], 2)).toThrow(/SequentialSampler: takes 1 positional argument/);
  });

  test('RandomSampler: a new permutation each epoch; numSamples past n repeats whole permutations (torch)', () => {
    const s = new data.RandomSampler({ length: 10 }, { generator: 1 });
    const e1 = [...s], e2 = [...s];
    expect(s.length).toBe(10);
    expect(sorted(e1)).toEqual(range(10));
    expect(sorted(e2)).toEqual(range(10));
    expect(e2).not.toEqual(e1);  // the generator advanced
    const t = new data.RandomSampler({ length: 10 }, false, null, 1);
    expect([...t]).toEqual(e1);  // the same seed, the same epochs
    expect([...t]).toEqual(e2);
    // torch: len(RandomSampler(range(4), num_samples=10)) -> 10; sorted(RandomSampler(range(4), num_samples=8)) -> [0, 0, 1, 1, 2, 2, 3, 3]
    const r = [...new data.RandomSampler({ length: 4 }, { numSamples: 8 })];
    expect(sorted(r)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(sorted(r.slice(0, 4))).toEqual([0, 1, 2, 3]);  // a whole permutation first
    const ten = [...new data.RandomSampler({ length: 4 }, { numSamples: 10 })];
    expect(ten.length).toBe(10);
    const counts = range(4).map((i) => ten.filter((v) => v === i).length);
    expect(counts.every((c) => c === 2 || c === 3)).toBe(true);
  });

  test('RandomSampler with replacement: numSamples draws in range, all values reachable; manualSeed reproduces', () => {
    fl.manualSeed(3);
    const a = [...new data.RandomSampler({ length: 3 }, true, 3000)];
    fl.manualSeed(3);
    const b = [...new data.RandomSampler({ length: 3 }, { replacement: true, numSamples: 3000 })];
    expect(b).toEqual(a);
    expect(a.length).toBe(3000);
    // each value's share is 1/3: sd of a count is sqrt(3000·(1/3)·(2/3)) ≈ 26; 6 sd is 155
    for (const i of range(3)) expect(Math.abs(a.filter((v) => v === i).length - 1000)).toBeLessThan(155);
    // more than one chunk of draws (65536), with a generator: reproducible, in range
    const big = [...new data.RandomSampler({ length: 5 }, { replacement: true, numSamples: 70000, generator: 4 })];
    expect(big.length).toBe(70000);
    expect(big.every((v) => v >= 0 && v < 5)).toBe(true);
    expect([...new data.RandomSampler({ length: 5 }, { replacement: true, numSamples: 70000, generator: 4 })]).toEqual(big);
  });

  test('RandomSampler refusals (torch\'s ValueErrors)', () => {
    // torch: RandomSampler(range(0)) -> ValueError: num_samples should be a positive integer value, but got num_samples=0
    expect(() => new data.RandomSampler({ length: 0 })).toThrow(/RandomSampler: numSamples should be a positive integer value, but got numSamples=0/);
    expect(() => new data.RandomSampler({ length: 3 }, { numSamples: 0 })).toThrow(fl.ValueError);
    expect(() => new data.RandomSampler({ length: 3 }, 1 as any)).toThrow(/replacement must be a boolean/);
    expect(() => new data.RandomSampler({ length: 3 }, { generator: 'x' as any })).toThrow(/generator must be a seed/);
    expect(() => new data.RandomSampler({ length: 3 }, { replacment: true } as any)).toThrow(/did you mean 'replacement'/);
    // numSamples with an empty source is made, and refused when iterated (torch: ZeroDivisionError)
    const empty = new data.RandomSampler({ length: 0 }, { numSamples: 2 });
    expect(() => [...empty]).toThrow(fl.ValueError);
  });

  test('SubsetRandomSampler: its indices in a random order', () => {
    const idx = [9, 4, 4, 0, 7];
    const s = new data.SubsetRandomSampler(idx, 3);
    const e = [...s];
    expect(s.length).toBe(5);
    expect(sorted(e)).toEqual(sorted(idx));
    expect([...new data.SubsetRandomSampler(idx, { generator: 3 })]).toEqual(e);
    expect([...new data.SubsetRandomSampler([])]).toEqual([]);
    expect(() => new data.SubsetRandomSampler([1, 'a'] as any)).toThrow(/SubsetRandomSampler: indices\[1\] must be an integer/);
  });

  test('WeightedRandomSampler: draws in proportion to the weights; without replacement each index once', () => {
    fl.manualSeed(11);
    const w = [1, 0, 3];
    const got = [...new data.WeightedRandomSampler(w, 4000)];
    expect(got.length).toBe(4000);
    expect(got.includes(1)).toBe(false);  // weight 0: never drawn
    // P(2) = 3/4: sd of the count is sqrt(4000·0.75·0.25) ≈ 27; 6 sd is 165
    expect(Math.abs(got.filter((v) => v === 2).length - 3000)).toBeLessThan(165);
    const once = [...new data.WeightedRandomSampler(new Float64Array([5, 1, 2, 0.5]), 4, false, 8)];
    expect(sorted(once)).toEqual([0, 1, 2, 3]);
    expect([...new data.WeightedRandomSampler([5, 1, 2, 0.5], 4, { replacement: false, generator: 8 })]).toEqual(once);
    fl.scope(() => {
      const s = new data.WeightedRandomSampler(fl.tensor([0, 2, 0], { device: DEVICE }), 3);
      expect(Array.from(s.weights)).toEqual([0, 2, 0]);
      expect([...s]).toEqual([1, 1, 1]);
    });
  });

  test('WeightedRandomSampler refusals', () => {
    // torch: WeightedRandomSampler([[1, 2], [3, 4]], 2) -> ValueError: weights should be a 1d sequence but given weights have shape (2, 2)
    expect(() => new data.WeightedRandomSampler([[1, 2], [3, 4]] as any, 2)).toThrow(fl.ShapeError);
    fl.scope(() => expect(() => new data.WeightedRandomSampler(fl.ones([2, 2]), 2)).toThrow(/weights should be a 1-D sequence but given weights have shape \[2, 2\]/));
    // torch: num_samples should be a positive integer value, but got num_samples=0
    expect(() => new data.WeightedRandomSampler([1, 2], 0)).toThrow(fl.ValueError);
    expect(() => new data.WeightedRandomSampler([1, 2], 2, 'yes' as any)).toThrow(/replacement must be a boolean/);
    expect(() => new data.WeightedRandomSampler(['a'] as any, 2)).toThrow(fl.ValueError);
    // the distribution is checked when iterated (torch.multinomial's rules, as torch)
    expect(() => [...new data.WeightedRandomSampler([1, -1], 2)]).toThrow(fl.ValueError);
    expect(() => [...new data.WeightedRandomSampler([0, 0], 2)]).toThrow(fl.ValueError);
    expect(() => [...new data.WeightedRandomSampler([1, 0, 1], 3, false)]).toThrow(fl.ValueError);  // torch 1.13 draws the 0-weight index; see FIDELITY.md
  });

  test('BatchSampler: torch\'s docstring examples; length; refusals', () => {
    // torch: list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False)) -> [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    const seq = new data.SequentialSampler({ length: 10 });
    const b = new data.BatchSampler(seq, 3, false);
    expect([...b]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(b.length).toBe(4);
    // torch: ... drop_last=True -> [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    const d = new data.BatchSampler(seq, { batchSize: 3, dropLast: true });
    expect([...d]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    expect(d.length).toBe(3);
    expect([...new data.BatchSampler([4, 2, 0], 2, false)]).toEqual([[4, 2], [0]]);
    const noLength = new data.BatchSampler(new Set([1, 2, 3]), 2, false);
    expect([...noLength]).toEqual([[1, 2], [3]]);
    expect(() => noLength.length).toThrow(/BatchSampler: its sampler has no length/);
    // torch: BatchSampler(range(3), 0, False) -> ValueError: batch_size should be a positive integer value, but got batch_size=0
    expect(() => new data.BatchSampler(seq, 0, false)).toThrow(fl.ValueError);
    expect(() => new data.BatchSampler(seq, 2, 1 as any)).toThrow(/dropLast must be a boolean/);
    expect(() => new (data.BatchSampler as any)(seq, 2)).toThrow(/missing required argument 'dropLast'/);
    expect(() => new data.BatchSampler(5 as any, 2, false)).toThrow(fl.ValueError);
  });
});

describe('DataLoader with samplers and batch samplers', () => {
  test('batchSampler gives the batches; its length is the loader\'s (torch: len(DataLoader(range(10), batch_sampler=BatchSampler(range(10), 3, False))) -> 4)', () => withRows(10, async (ds) => {
    const loader = new data.DataLoader(ds, { batchSampler: new data.BatchSampler(new data.SequentialSampler(ds), 3, false), batchSize: 1 });
    expect(loader.length).toBe(4);
    expect(loader.batchSize).toBeNull();
    expect(await epoch(loader, ([x]) => x.toArray())).toEqual([rowsOf([0, 1, 2]), rowsOf([3, 4, 5]), rowsOf([6, 7, 8]), rowsOf([9])]);
    // plain arrays of index lists, and a shuffled BatchSampler: the batches cover the dataset once
    expect(await epoch(new data.DataLoader(ds, { batchSampler: [[9, 0], [4]] }), ([x]) => x.toArray())).toEqual([rowsOf([9, 0]), rowsOf([4])]);
    const shuffled = await epoch(new data.DataLoader(ds, { batchSampler: new data.BatchSampler(new data.RandomSampler(ds, { generator: 2 }), 4, false) }), ([x]) => x.toArray().map((r: number[]) => r[0]));
    expect(shuffled.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(sorted(shuffled.flat())).toEqual(range(10));
  }));

  test('batchSampler on a dataset without getBatch: items collated per batch', async () => {
    const got = await epoch(new data.DataLoader(new Numbers(5), { batchSampler: new data.BatchSampler([4, 3, 2, 1, 0], 2, true) }));
    expect(got).toEqual([{ shape: [2], dtype: 'int32', values: [4, 3] }, { shape: [2], dtype: 'int32', values: [2, 1] }]);
  });

  test('batchSampler excludes batchSize, shuffle, sampler and dropLast (torch\'s ValueError)', () => {
    const bs = new data.BatchSampler([0, 1, 2], 2, false);
    const msg = 'DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast';
    const ds = new Numbers(3);
    // torch: DataLoader(range(3), batch_size=2, batch_sampler=BatchSampler(range(3), 2, False)) -> ValueError: batch_sampler option is mutually exclusive with …
    expect(() => new data.DataLoader(ds, { batchSampler: bs, batchSize: 2 })).toThrow(new fl.ValueError(msg));
    expect(() => new data.DataLoader(ds, { batchSampler: bs, batchSize: null })).toThrow(new fl.ValueError(msg));
    expect(() => new data.DataLoader(ds, { batchSampler: bs, shuffle: true })).toThrow(new fl.ValueError(msg));
    expect(() => new data.DataLoader(ds, { batchSampler: bs, sampler: [0, 1, 2] })).toThrow(new fl.ValueError(msg));
    expect(() => new data.DataLoader(ds, { batchSampler: bs, dropLast: true })).toThrow(new fl.ValueError(msg));
    expect(() => new data.DataLoader(ds, { batchSampler: 3 as any })).toThrow(/batchSampler must be an iterable of index lists with a length/);
    // torch: DataLoader(range(3), sampler=[0], shuffle=True) -> ValueError: sampler option is mutually exclusive with shuffle
    expect(() => new data.DataLoader(ds, { sampler: new data.SequentialSampler(ds), shuffle: true })).toThrow(/sampler option is mutually exclusive with shuffle/);
  });

  test('bad indices from a (batch) sampler are refused when the epoch starts; a BatchSampler given as sampler is named', async () => {
    await expect(epoch(new data.DataLoader(new Numbers(3), { batchSampler: [[0, 3]] }))).rejects.toThrow(/the batchSampler gave index 3, outside the dataset of length 3/);
    await expect(epoch(new data.DataLoader(new Numbers(3), { batchSampler: [[0, 'a']] as any }))).rejects.toThrow(fl.ValueError);
    await expect(epoch(new data.DataLoader(new Numbers(3), { batchSampler: [5] as any }))).rejects.toThrow(/gave 5, not a list of indices/);
    const asSampler = new data.DataLoader(new Numbers(3), { sampler: new data.BatchSampler([0, 1, 2], 2, false) as any });
    await expect(epoch(asSampler)).rejects.toThrow(/goes in the batchSampler option/);
    // an epoch longer than an order can hold is refused before any draw (not a process-ending V8 error)
    const huge = new data.RandomSampler({ length: 3 }, { replacement: true, numSamples: 1e9 });
    await expect(epoch(new data.DataLoader(new Numbers(3), { sampler: huge }))).rejects.toThrow(/sampler's length 1000000000 is more indices than one epoch's order can hold/);
  });

  test('sampler objects: each epoch the sampler\'s order, in batches', async () => {
    const ds = new Numbers(7);
    const sampler = new data.RandomSampler(ds, { generator: 6 });
    const loader = new data.DataLoader(ds, { batchSize: 3, sampler });
    expect(loader.length).toBe(3);
    const e1 = (await epoch(loader, (b) => b.toArray())).flat();
    const e2 = (await epoch(loader, (b) => b.toArray())).flat();
    expect(sorted(e1)).toEqual(range(7));
    expect(sorted(e2)).toEqual(range(7));
    expect(e2).not.toEqual(e1);
    expect((await epoch(new data.DataLoader(ds, { batchSize: 3, sampler: new data.RandomSampler(ds, { generator: 6 }) }), (b) => b.toArray())).flat()).toEqual(e1);
    const weighted = await epoch(new data.DataLoader(ds, { batchSize: 4, sampler: new data.WeightedRandomSampler([0, 0, 1, 0, 0, 0, 0], 5) }), (b) => b.toArray());
    expect(weighted).toEqual([[2, 2, 2, 2], [2]]);
    expect(await epoch(new data.DataLoader(ds, { batchSize: 4, sampler: new data.SubsetRandomSampler([6], 0) }), (b) => b.toArray())).toEqual([[6]]);
  });
});

describe('DataLoader batchSize null (torch batch_size=None): no automatic batching', () => {
  test('TensorDataset rows come as they are, without a batch dim (torch golden)', () => withRows(5, async (ds) => {
    // torch: [b[0].shape for b in DataLoader(TensorDataset(torch.arange(5.).reshape(5, 1)), batch_size=None)] -> [torch.Size([1])] * 5
    const loader = new data.DataLoader(ds, { batchSize: null });
    expect(loader.length).toBe(5);
    expect(loader.batchSize).toBeNull();
    const got = await epoch(loader, ([x]) => [x.shape.slice(), x.toArray()]);
    expect(got).toEqual(range(5).map((i) => [[2], [i, 10 * i]]));
    // positional, as torch's DataLoader(ds, None), and with a sampler: its order
    expect(await epoch(new data.DataLoader(ds, null, false), ([x]) => x.toArray()[0])).toEqual(range(5));
    // torch: list(DataLoader(range(5), batch_size=None, sampler=[4, 1])) -> [4, 1]
    expect(await epoch(new data.DataLoader(ds, { batchSize: null, sampler: [4, 1] }), ([x]) => x.toArray()[0])).toEqual([4, 1]);
    const sh = await epoch(new data.DataLoader(ds, { batchSize: null, shuffle: true, seed: 1 }), ([x]) => x.toArray()[0]);
    expect(sorted(sh)).toEqual(range(5));
  }));

  test('plain items: numbers, strings and booleans stay, TypedArrays become tensors (torch\'s default_convert)', async () => {
    // torch: list(DataLoader([(i, 'a', float(i) / 2, True) for i in range(2)], batch_size=None))
    //   -> [[0, 'a', 0.0, True], [1, 'a', 0.5, True]]   (Python values unchanged; a numpy array would become a tensor)
    class Items extends data.Dataset<[number, string, number, boolean, Float32Array]> {
      get length(): number { return 2; }
      get(i: number): [number, string, number, boolean, Float32Array] { return [i, 'a', i / 2, true, Float32Array.of(i, -i)]; }
    }
    const got = await epoch(new data.DataLoader(new Items(), { batchSize: null }));
    expect(got).toEqual([
      [0, 'a', 0, true, { shape: [2], dtype: 'float32', values: [0, -0] }],
      [1, 'a', 0.5, true, { shape: [2], dtype: 'float32', values: [1, -1] }],
    ]);
  });

  test('collate gets one item (torch: collate_fn(dataset[i])); the item\'s tensors it drops are freed', () => withRows(3, async (ds) => {
    const seen: unknown[] = [];
    const loader = new data.DataLoader(ds, { batchSize: null, collate: ((item: fl.Tensor[]) => { seen.push(Array.isArray(item)); return item[0].toArray(); }) as any });
    expect(await epoch(loader, (b) => b)).toEqual([[0, 0], [1, 10], [2, 20]]);
    expect(seen).toEqual([true, true, true]);  // the item (an array of one tensor), not a list of items
  }));

  test('with pinMemory and a GPU device: each converted item arrives there (GPU or emulator only)', async () => {
    if (!fl.cuda.isAvailable()) {
      expect(() => new data.DataLoader(new Numbers(2), { batchSize: null, pinMemory: true })).toThrow(fl.BackendUnavailableError);
      return;
    }
    class Rows extends data.Dataset<{ x: Float32Array; i: number }> {
      get length(): number { return 3; }
      get(i: number): { x: Float32Array; i: number } { return { x: Float32Array.of(i, 2 * i), i }; }
    }
    const got = await epoch(new data.DataLoader(new Rows(), { batchSize: null, pinMemory: true, device: 'cuda' }), (b) => [b.x.device.split(':')[0], b.x.shape.slice(), b.x.toArray(), b.i]);
    expect(got).toEqual([0, 1, 2].map((i) => ['cuda', [2], [i, 2 * i], i]));
  });

  test('dropLast is refused (torch: batch_size=None option disables auto-batching and is mutually exclusive with drop_last)', () => {
    expect(() => new data.DataLoader(new Numbers(3), { batchSize: null, dropLast: true })).toThrow(fl.ValueError);
    expect(() => new data.DataLoader(new Numbers(3), { batchSize: null, dropLast: true })).toThrow(/mutually exclusive with dropLast/);
  });
});

describe('defaultConvert', () => {
  test('TypedArrays to tensors of their dtype, the rest as it is', () => {
    const t = fl.zeros([2]);
    try {
      const out = data.defaultConvert({ a: Int16Array.of(1, -2), b: [Uint8Array.of(3), 4, 'x'], t, m: new Map([['k', Float64Array.of(0.5)]]), n: null });
      expect(plain(out.a)).toEqual({ shape: [2], dtype: 'int32', values: [1, -2] });
      expect(plain(out.b)).toEqual([{ shape: [1], dtype: 'uint8', values: [3] }, 4, 'x']);
      expect(out.t).toBe(t);  // a tensor is returned as it is
      expect(plain(out.m.get('k'))).toEqual({ shape: [1], dtype: 'float64', values: [0.5] });
      expect(out.n).toBeNull();
      fl.data.disposeBatch([out.a, out.b, out.m.get('k')]);
      expect(data.defaultConvert(3)).toBe(3);
      expect(() => data.defaultConvert(new BigInt64Array(1))).toThrow(fl.DTypeError);
      expect(() => (data.defaultConvert as any)(1, 2)).toThrow(/defaultConvert: takes 1 positional argument/);
    } finally { t.dispose(); }
  });
});

// Each worker compiles the dataset modules (TypeScript) as it starts: seconds of CPU on a loaded
// 2-core runner. The limit only turns a hang into a failure; nothing is timed.
const WORKER_LIMIT = 90_000;
describe('Subset and ConcatDataset in DataLoader worker threads', () => {
  test('Subset and ConcatDataset of worker-capable datasets run in workers and give the main thread\'s batches', async () => {
    const sub = new data.Subset(new SquaresDataset(30, 1), [29, 3, 3, -1, 10, 0, 7]);
    expect(sub.workerSource()).toMatchObject({ exportName: 'WorkerSubset' });
    const opts = { batchSize: 3 };
    const ref = await epoch(new data.DataLoader(sub, opts));
    expect(ref[0].y.values).toEqual([29, 3, 3]);
    expect(await epoch(new data.DataLoader(sub, { ...opts, numWorkers: 2 }))).toEqual(ref);
    const cat = new data.ConcatDataset([new SquaresDataset(4), sub, new data.ConcatDataset([new SquaresDataset(2)])]);
    const catRef = await epoch(new data.DataLoader(cat, { batchSize: 4 }));
    expect(catRef.flatMap((b) => b.y.values)).toEqual([0, 1, 2, 3, 29, 3, 3, 29, 10, 0, 7, 0, 1]);
    expect(await epoch(new data.DataLoader(cat, { batchSize: 4, numWorkers: 3 }))).toEqual(catRef);
    // batchSize null and a batchSampler in workers too
    const single = await epoch(new data.DataLoader(sub, { batchSize: null, numWorkers: 2 }));
    expect(single).toEqual(await epoch(new data.DataLoader(sub, { batchSize: null })));
    expect(single[0]).toEqual({ x: { shape: [3], dtype: 'float32', values: [29, 841, -29] }, y: 29, tag: 's29' });
    const bsOpts = { batchSampler: new data.BatchSampler(new data.SequentialSampler(cat), 5, false) };
    expect(await epoch(new data.DataLoader(cat, { ...bsOpts, numWorkers: 2 }))).toEqual(await epoch(new data.DataLoader(cat, bsOpts)));
    expect(liveWorkerCount()).toBe(0);
  }, WORKER_LIMIT);

  test('an index error inside a worker\'s Subset reaches the loop', async () => {
    const bad = new data.Subset(new SquaresDataset(5), [0, 1, 9]);
    await expect(epoch(new data.DataLoader(bad, { batchSize: 2, numWorkers: 1 }))).rejects.toThrow(/Subset: indices\[2\] = 9 is out of range for its dataset of length 5/);
    // the worker's IndexError reaches the loop as an IndexError (collate.ts typedError knows every flintml error)
    await expect(epoch(new data.DataLoader(bad, { batchSize: 2, numWorkers: 1 }))).rejects.toThrow(fl.IndexError);
    expect(liveWorkerCount()).toBe(0);
  }, WORKER_LIMIT);

  test('a Subset/ConcatDataset of a dataset workers cannot rebuild is refused, naming it', () => {
    expect(new data.Subset(new Numbers(3), [0]).workerSource()).toBeNull();
    expect(() => new data.DataLoader(new data.Subset(new Numbers(3), [0]), { numWorkers: 2 }))
      .toThrow(/numWorkers=2 needs a dataset that worker threads can rebuild: Subset.dataset \(a Numbers\) has no workerSource\(\)/);
    const cat = new data.ConcatDataset<unknown>([new SquaresDataset(2), new data.Subset(new Numbers(3), [1])]);
    expect(cat.workerSource()).toBeNull();
    expect(() => new data.DataLoader(cat, { numWorkers: 1 })).toThrow(/ConcatDataset.datasets\[1\].dataset \(a Numbers\) has no workerSource\(\)/);
    // a Subset of a TensorDataset batches on the main thread (its getBatch), whatever numWorkers says
    return withRows(3, async (ds) => {
      const got = await epoch(new data.DataLoader(new data.Subset(ds, [2, 0]), { batchSize: 2, numWorkers: 2 }), ([x]) => x.toArray());
      expect(got).toEqual([rowsOf([2, 0])]);
    });
  });
});
