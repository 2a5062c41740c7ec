// data-iterable.test.ts — iterable-style datasets (fl.data.IterableDataset, ChainDataset,
// getWorkerInfo) through the DataLoader, on the main thread and in worker threads.
//
// Reference: PyTorch 1.13's DataLoader over the same generator datasets (GOLDEN below is the output
// of scripts/golden/data_iterable.py; the Python datasets are those of test/fixtures/data-iterable.ts).
// torch's worker order for iterable datasets is deterministic (round-robin requests, an exhausted
// worker skipped), so the batch lists are compared exactly. Seeds cannot equal torch's (another
// generator): what is checked is torch's rule, worker w's seed = base + w, and that flintml in a
// worker draws what `manualSeed(seed)` draws on the main thread.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { liveWorkerCount } from '../lib/data/worker';
import { DEVICE, epoch } from './helpers';
import {
  AsyncRangeStream, EndlessStream, FailingStream, RangeStream, SizedRange, UnevenStream, WhoMapDataset, WhoStream,
} from './fixtures/data-iterable';
import { RandStream } from './fixtures/data-iterable-flint';

const data = fl.data;
const FIXTURE = path.join(__dirname, 'fixtures', 'data-iterable.ts');
const ROOT = path.resolve(__dirname, '..');
// Each worker transpiles the fixture's TypeScript as it starts (seconds of CPU on a loaded machine):
// these limits turn a hang into a failure; nothing is timed.
const LIMIT = 120_000;

// /usr/bin/python3 scripts/golden/data_iterable.py (torch 1.13.1); each batch as its list of y
const GOLDEN = {
  bs3: [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]],                                   // Range(0, 10), batch_size=3
  bs3_drop: [[0, 1, 2], [3, 4, 5], [6, 7, 8]],                                   // … drop_last=True
  none: [0, 1, 2, 3, 4],                                                         // Range(0, 5), batch_size=None
  w2_bs3: [[0, 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5], [6], [6]],                // Range(0, 7), batch_size=3, num_workers=2
  w2_block_bs4: [[0, 1, 2, 3], [6, 7, 8, 9], [4, 5], [10]],                      // Range(0, 11, 'block'), batch_size=4, num_workers=2
  w2_block_bs4_drop: [[0, 1, 2, 3], [6, 7, 8, 9]],                               // … drop_last=True
  w3_stride_bs2: [[0, 3], [1, 4], [2, 5], [6, 9], [7], [8]],                     // Range(0, 10, 'stride'), batch_size=2, num_workers=3
  w2_stride_none: [0, 1, 2, 3, 4, 5, 6],                                         // Range(0, 7, 'stride'), batch_size=None, num_workers=2
  // Uneven([3, 9, 5]), batch_size=2, num_workers=3 (drop_last=True)
  w3_uneven_bs2: [[0, 1], [100, 101], [200, 201], [2], [102, 103], [202, 203], [104, 105], [204], [106, 107], [108]],
  w3_uneven_bs2_drop: [[0, 1], [100, 101], [200, 201], [102, 103], [202, 203], [104, 105], [106, 107]],
  w3_uneven_bs2_prefetch1: [[0], [200, 201], [202, 203], [204, 205], [206]],     // Uneven([1, 0, 7]), batch_size=2, num_workers=3, prefetch_factor=1
  chain_bs4: [[0, 1, 2, 10], [11, 12, 13, 14]],                                  // ChainDataset([Range(0, 3), Range(10, 15)]), batch_size=4
  chain_w2_block_bs2: [[0, 1], [3, 4], [2, 10], [12], [11]],                     // ChainDataset([Range(0, 5, 'block'), Range(10, 13, 'block')]), batch_size=2, num_workers=2
  collate_len: [3, 3, 1],                                                        // Range(0, 7), batch_size=3, collate_fn=len
  // len(DataLoader(Sized(0, 10), batch_size=3)), … drop_last=True, batch_size=None; len(ChainDataset([Sized(0, 4), Sized(0, 3)]))
  len: { bs3: 4, bs3_drop: 3, none: 10, chain: 7 },
};

interface Batch { x: fl.Tensor; y: fl.Tensor }

/** A map-style dataset of plain numbers (no tensors to dispose). */
class Numbers extends data.Dataset<number> {
  get length(): number { return 2; }
  get(i: number): number { return i; }
}
interface One { x: fl.Tensor; y: number }

/** One epoch's batches as their y lists, checking each batch's x against its y (x = [y, y²], float32). */
async function ys(loader: fl.data.DataLoader<any, any>): Promise<unknown[]> {
  return epoch(loader, (b: Batch | One) => {
    if (typeof b.y === 'number') {
      expect(b.x.shape).toEqual([2]);
      expect(b.x.toArray()).toEqual([b.y, b.y * b.y]);
      return b.y;
    }
    const y = (b.y as fl.Tensor).toArray() as number[];
    expect(b.x.dtype).toBe('float32');
    expect(b.x.toArray()).toEqual(y.map((i) => [i, i * i]));
    return y;
  });
}

describe('IterableDataset on the main thread (numWorkers 0)', () => {
  test("batches of consecutive items, dropLast, batchSize null and a collate, as torch's", async () => {
    expect(await ys(new data.DataLoader(new RangeStream(0, 10), { batchSize: 3 }))).toEqual(GOLDEN.bs3);
    expect(await ys(new data.DataLoader(new RangeStream(0, 10), { batchSize: 3, dropLast: true }))).toEqual(GOLDEN.bs3_drop);
    expect(await ys(new data.DataLoader(new RangeStream(0, 5), { batchSize: null }))).toEqual(GOLDEN.none);
    // batchSize given positionally, as torch's DataLoader(ds, 3)
    expect(await ys(new data.DataLoader(new RangeStream(0, 10), 3))).toEqual(GOLDEN.bs3);
    const lens: number[] = [];
    for await (const n of new data.DataLoader(new RangeStream(0, 7), { batchSize: 3, collate: (items: unknown[]) => items.length })) lens.push(n);
    expect(lens).toEqual(GOLDEN.collate_len);
    // an async generator gives the same batches; an empty stream gives none
    expect(await ys(new data.DataLoader(new AsyncRangeStream(0, 10), { batchSize: 3 }))).toEqual(GOLDEN.bs3);
    expect(await ys(new data.DataLoader(new RangeStream(4, 4), { batchSize: 3 }))).toEqual([]);
    // each epoch iterates the stream again
    const loader = new data.DataLoader(new RangeStream(0, 10), { batchSize: 3, dropLast: true });
    expect(await ys(loader)).toEqual(GOLDEN.bs3_drop);
    expect(await ys(loader)).toEqual(GOLDEN.bs3_drop);
  });

  test('ChainDataset: the streams one after another', async () => {
    const chain = new data.ChainDataset([new RangeStream(0, 3), new RangeStream(10, 15)]);
    expect(await ys(new data.DataLoader(chain, { batchSize: 4 }))).toEqual(GOLDEN.chain_bs4);
    expect([...{ [Symbol.iterator]: () => chain[Symbol.iterator]() }].map((it) => it.y)).toEqual([0, 1, 2, 10, 11, 12, 13, 14]);
    // an async member: for await works, the synchronous iterator refuses naming it
    const mixed = new data.ChainDataset([new RangeStream(0, 2), new AsyncRangeStream(5, 7)]);
    expect(await ys(new data.DataLoader(mixed, { batchSize: null }))).toEqual([0, 1, 5, 6]);
    expect(() => [...{ [Symbol.iterator]: () => mixed[Symbol.iterator]() }]).toThrow(/datasets\[1\] \(AsyncRangeStream\) has only an async iterator/);
    expect(new data.ChainDataset([new SizedRange(0, 4), new SizedRange(0, 3)]).length).toBe(GOLDEN.len.chain);
    expect(() => chain.length).toThrow(/ChainDataset: datasets\[0\] \(RangeStream\) has no length/);
    expect(() => new data.ChainDataset([new RangeStream(0, 1), new Numbers() as any])).toThrow(/ChainDataset only supports IterableDataset.*ConcatDataset/);
    expect(() => new data.ChainDataset(new RangeStream(0, 1) as any)).toThrow(fl.ValueError);
  });

  test('tensors in the items: collated and disposed (the dropped last batch too)', async () => {
    class Tensors extends data.IterableDataset<fl.Tensor> {
      *[Symbol.iterator]() { for (let i = 0; i < 5; i++) yield fl.full([2], i); }
    }
    const got = await epoch(new data.DataLoader(new Tensors(), { batchSize: 2, dropLast: true }), (b: fl.Tensor) => b.toArray());
    expect(got).toEqual([[[0, 0], [1, 1]], [[2, 2], [3, 3]]]);
    const items = await epoch(new data.DataLoader(new Tensors(), { batchSize: null }), (b: fl.Tensor) => b.toArray());
    expect(items).toEqual([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]);
    // (test/setup.ts checks that no tensor is left alive)
  });

  test("a stream's error reaches the loop after the batches before it; breaking early closes the stream", async () => {
    const seen: unknown[] = [];
    let error: unknown = null;
    try {
      for await (const b of new data.DataLoader(new FailingStream(7), { batchSize: 3 })) { seen.push((b as Batch).y.toArray()); data.disposeBatch(b); }
    } catch (e) { error = e; }
    expect(seen).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('stream broke at item 7');
    // an endless stream: the loop breaks, the generator's finally runs (its return() is called)
    const endless = new EndlessStream();
    let n = 0;
    for await (const b of new data.DataLoader(endless, { batchSize: 4 })) { data.disposeBatch(b); if (++n === 3) break; }
    expect(endless.yielded).toBe(12);
    expect(endless.closed).toBe(true);
  });

  test('getWorkerInfo is null on the main thread', async () => {
    expect(data.getWorkerInfo()).toBeNull();
    expect(await epoch(new data.DataLoader(new WhoStream(1), { batchSize: null }))).toEqual([[-1]]);
  });

  test('on the device: pinMemory and device as for map-style datasets', async () => {
    const got: number[][] = [];
    for await (const b of new data.DataLoader(new RangeStream(0, 5), { batchSize: 2, device: DEVICE, pinMemory: DEVICE !== 'cpu' })) {
      const { x, y } = b as Batch;
      expect(x.device.split(':')[0]).toBe(DEVICE.split(':')[0]);
      got.push(y.toArray() as number[]);
      data.disposeBatch(b);
    }
    expect(got).toEqual([[0, 1], [2, 3], [4]]);
  });
});

describe("the DataLoader's rules for iterable datasets (torch's)", () => {
  test('shuffle, sampler and batchSampler are refused with torch\'s messages', () => {
    const ds = new RangeStream(0, 4);
    expect(() => new data.DataLoader(ds, { shuffle: true })).toThrow(new fl.ValueError('DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true'));
    expect(() => new data.DataLoader(ds, 2, true)).toThrow(/expected unspecified shuffle option/);
    expect(() => new data.DataLoader(ds, { sampler: new data.SequentialSampler(new Numbers()) })).toThrow(/^DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=/);
    expect(() => new data.DataLoader(ds, { batchSampler: [[0]] as any })).toThrow(/^DataLoader with IterableDataset: expected unspecified batchSampler option, but got batchSampler=/);
    expect(() => new data.DataLoader(ds, { shuffle: false })).not.toThrow();
    expect(() => new data.DataLoader(ds, { batchSize: null, dropLast: true })).toThrow(/mutually exclusive with dropLast/);
    // a subclass without an iterator
    class Nothing extends data.IterableDataset<number> {}
    expect(() => new data.DataLoader(new Nothing())).toThrow(/Nothing implements neither \[Symbol.iterator\]\(\) nor \[Symbol.asyncIterator\]\(\)/);
    // workers need a workerSource (a ChainDataset: the member without one is named)
    class Local extends data.IterableDataset<number> { *[Symbol.iterator]() { yield 1; } }
    expect(() => new data.DataLoader(new Local(), { numWorkers: 1 })).toThrow(/numWorkers=1 needs a dataset that worker threads can rebuild: override workerSource/);
    expect(() => new data.DataLoader(new data.ChainDataset([ds, new Local()]), { numWorkers: 1 })).toThrow(/ChainDataset\.datasets\[1\] \(a Local\) has no workerSource\(\)/);
  });

  test("length: from the dataset's length as torch's len(loader), refused without one", () => {
    expect(new data.DataLoader(new SizedRange(0, 10), { batchSize: 3 }).length).toBe(GOLDEN.len.bs3);
    expect(new data.DataLoader(new SizedRange(0, 10), { batchSize: 3, dropLast: true }).length).toBe(GOLDEN.len.bs3_drop);
    expect(new data.DataLoader(new SizedRange(0, 10), { batchSize: null }).length).toBe(GOLDEN.len.none);
    expect(() => new data.DataLoader(new RangeStream(0, 10)).length).toThrow(/the IterableDataset RangeStream has no length, .*has no len\(\)/);
    expect(() => new data.DataLoader(new data.ChainDataset([new SizedRange(0, 1), new RangeStream(0, 1)])).length).toThrow(/datasets\[1\] \(RangeStream\) has no length/);
  });

  test('ConcatDataset, Subset and randomSplit refuse an iterable dataset', () => {
    const ds = new SizedRange(0, 4);
    expect(() => new data.ConcatDataset([new Numbers(), ds as any])).toThrow(/ConcatDataset: datasets\[1\]: ConcatDataset does not support IterableDataset/);
    expect(() => new data.Subset(ds as any, [0, 1])).toThrow(/Subset: dataset must be a map-style dataset .* got an IterableDataset/);
    expect(() => data.randomSplit(ds as any, [2, 2])).toThrow(/randomSplit: dataset must be a map-style dataset/);
    for (const f of [() => new data.ConcatDataset([ds as any]), () => new data.Subset(ds as any, [0]), () => data.randomSplit(ds as any, [4])]) expect(f).toThrow(fl.ValueError);
  });

  test('workerInitFn must name an exported function by an absolute module path', () => {
    const ds = new RangeStream(0, 4);
    expect(() => new data.DataLoader(ds, { workerInitFn: (() => undefined) as any, numWorkers: 1 })).toThrow(/workerInitFn must be \{ module: <absolute path>, exportName \}/);
    expect(() => new data.DataLoader(ds, { workerInitFn: { module: 'fixtures/data-iterable.ts', exportName: 'splitRange' } })).toThrow(/workerInitFn must be/);
  });
});

describe('IterableDataset in worker threads', () => {
  test("each worker iterates its own copy; batches come from the workers in turn, torch's order", async () => {
    expect(await ys(new data.DataLoader(new RangeStream(0, 7), { batchSize: 3, numWorkers: 2 }))).toEqual(GOLDEN.w2_bs3);
    expect(await ys(new data.DataLoader(new RangeStream(0, 11, 'block'), { batchSize: 4, numWorkers: 2 }))).toEqual(GOLDEN.w2_block_bs4);
    expect(await ys(new data.DataLoader(new RangeStream(0, 11, 'block'), { batchSize: 4, numWorkers: 2, dropLast: true }))).toEqual(GOLDEN.w2_block_bs4_drop);
    expect(await ys(new data.DataLoader(new RangeStream(0, 10, 'stride'), { batchSize: 2, numWorkers: 3 }))).toEqual(GOLDEN.w3_stride_bs2);
    expect(await ys(new data.DataLoader(new RangeStream(0, 7, 'stride'), { batchSize: null, numWorkers: 2 }))).toEqual(GOLDEN.w2_stride_none);
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test('workers that run out at different times are skipped, in any prefetch depth; async streams; ChainDataset', async () => {
    expect(await ys(new data.DataLoader(new UnevenStream([3, 9, 5]), { batchSize: 2, numWorkers: 3 }))).toEqual(GOLDEN.w3_uneven_bs2);
    expect(await ys(new data.DataLoader(new UnevenStream([3, 9, 5]), { batchSize: 2, numWorkers: 3, dropLast: true }))).toEqual(GOLDEN.w3_uneven_bs2_drop);
    expect(await ys(new data.DataLoader(new UnevenStream([1, 0, 7]), { batchSize: 2, numWorkers: 3, prefetch: 1 }))).toEqual(GOLDEN.w3_uneven_bs2_prefetch1);
    expect(await ys(new data.DataLoader(new UnevenStream([3, 9, 5]), { batchSize: 2, numWorkers: 3, prefetch: 5 }))).toEqual(GOLDEN.w3_uneven_bs2);
    expect(await ys(new data.DataLoader(new AsyncRangeStream(0, 11, 'block'), { batchSize: 4, numWorkers: 2 }))).toEqual(GOLDEN.w2_block_bs4);
    const chain = new data.ChainDataset([new RangeStream(0, 5, 'block'), new RangeStream(10, 13, 'block')]);
    expect(await ys(new data.DataLoader(chain, { batchSize: 2, numWorkers: 2 }))).toEqual(GOLDEN.chain_w2_block_bs2);
    // a collate runs on the main thread over the items the worker posted
    const lens: number[] = [];
    for await (const n of new data.DataLoader(new RangeStream(0, 7), { batchSize: 3, numWorkers: 2, collate: (items: unknown[]) => items.length })) lens.push(n);
    expect(lens).toEqual([3, 3, 3, 3, 1, 1]);
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test('getWorkerInfo in a worker: id, numWorkers, seed = base + id, and the dataset', async () => {
    const run = (o: fl.data.DataLoaderOptions<number[], number[]>) => epoch(new data.DataLoader(new WhoStream(1), { batchSize: null, numWorkers: 3, ...o }));
    const a = await run({ generator: { seed: 11, offset: 0 } }) as number[][];
    expect(a.map((r) => r.slice(0, 2))).toEqual([[0, 3], [1, 3], [2, 3]]);
    expect(a.map((r) => r[2] - a[0][2])).toEqual([0, 1, 2]);
    expect(a.map((r) => r[3])).toEqual([1, 1, 1]);                 // info.dataset is the worker's copy
    expect(a.map((r) => r.slice(4))).toEqual(a.map((r) => [...r.slice(0, 3), 1]));  // set before the constructor, dataset null then
    for (const r of a) expect(Number.isSafeInteger(r[2]) && r[2] >= 0).toBe(true);
    // the same generator state gives the same seeds; a Generator is advanced by each epoch's draw
    expect(await run({ generator: { seed: 11, offset: 0 } })).toEqual(a);
    const g = new fl.Generator().manualSeed(11);
    const g1 = await run({ generator: g }) as number[][], g2 = await run({ generator: g }) as number[][];
    expect(g1).toEqual(a);
    expect(g2[0][2]).not.toBe(g1[0][2]);
    const moved = g.getState(), fresh = new fl.Generator().manualSeed(11).getState();
    try { expect(moved.toArray()).not.toEqual(fresh.toArray()); } finally { moved.dispose(); fresh.dispose(); }
    // a seeded loader: the same seeds each run, new ones each epoch; without either, the global generator's draw
    const seeded = new data.DataLoader(new WhoStream(1), { batchSize: null, numWorkers: 2, seed: 5 });
    const e0 = await epoch(seeded), e1 = await epoch(seeded);
    expect(await epoch(new data.DataLoader(new WhoStream(1), { batchSize: null, numWorkers: 2, seed: 5 }))).toEqual(e0);
    expect(e1[0][2]).not.toBe(e0[0][2]);
    fl.manualSeed(3);
    const m0 = await run({});
    fl.manualSeed(3);
    expect(await run({})).toEqual(m0);
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test("flintml in a worker is seeded with the worker's seed", async () => {
    const rows = await epoch(new data.DataLoader(new RandStream(2, 3), { batchSize: null, numWorkers: 2, generator: { seed: 7, offset: 0 } })) as number[][];
    expect(rows.length).toBe(4);  // worker 0's first, worker 1's first, worker 0's second, worker 1's second
    const seeds = rows.map((r) => r[0]);
    expect(seeds).toEqual([seeds[0], seeds[0] + 1, seeds[0], seeds[0] + 1]);
    for (const w of [0, 1]) {
      fl.random.forkRng(() => {
        fl.manualSeed(seeds[w]);
        const expected = fl.rand(6);
        try {
          const v = Array.from(expected.dataSync() as Float32Array);
          expect(rows[w].slice(1)).toEqual(v.slice(0, 3));       // the worker's first draw
          expect(rows[w + 2].slice(1)).toEqual(v.slice(3, 6));   // and its second
        } finally { expected.dispose(); }
      });
    }
    expect(rows[0].slice(1)).not.toEqual(rows[1].slice(1));
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test("workerInitFn: torch's documented example (each worker's share set by the init function)", async () => {
    // torch: ds = MyIterableDataset(start=3, end=7); DataLoader(ds, num_workers=2, worker_init_fn=worker_init_fn)
    // -> [tensor([3]), tensor([5]), tensor([4]), tensor([6])]
    const loader = new data.DataLoader(new RangeStream(3, 7), { numWorkers: 2, workerInitFn: { module: FIXTURE, exportName: 'splitRange' } });
    expect(await ys(loader)).toEqual([[3], [5], [4], [6]]);
    // an init function that throws, or a name that is not a function: the error reaches the loop
    await expect(ys(new data.DataLoader(new RangeStream(0, 4), { numWorkers: 2, workerInitFn: { module: FIXTURE, exportName: 'failingInit' } })))
      .rejects.toThrow('init failed in worker 1');
    await expect(ys(new data.DataLoader(new RangeStream(0, 4), { numWorkers: 1, workerInitFn: { module: FIXTURE, exportName: 'notAFunction' } })))
      .rejects.toThrow(/does not export a function named 'notAFunction' \(the workerInitFn\)/);
    // map-style datasets have workers' info and run the init function too (batches in index order)
    const rows = await epoch(new data.DataLoader(new WhoMapDataset(), { batchSize: 2, numWorkers: 2, collate: (items: number[][]) => items,
      workerInitFn: { module: FIXTURE, exportName: 'tagWorker' } }));
    expect(rows).toEqual([[[0, 0, 10], [1, 0, 10]], [[2, 1, 11], [3, 1, 11]]]);
    expect(await epoch(new data.DataLoader(new WhoMapDataset(), { batchSize: 4, collate: (items: number[][]) => items }))).toEqual([[[0, -1, -1], [1, -1, -1], [2, -1, -1], [3, -1, -1]]]);
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test("a worker's stream error reaches the loop with the worker's stack; breaking early ends the workers", async () => {
    const seen: number[][] = [];
    let error: unknown = null;
    try {
      for await (const b of new data.DataLoader(new FailingStream(5), { batchSize: 2, numWorkers: 2 })) { seen.push((b as Batch).y.toArray() as number[]); data.disposeBatch(b); }
    } catch (e) { error = e; }
    expect(seen).toEqual([[0, 1], [0, 1], [2, 3], [2, 3]]);
    expect((error as Error).name).toBe('RangeError');
    expect((error as Error).message).toBe('stream broke at item 5');
    expect((error as Error).stack).toContain('(in DataLoader worker 0)');
    expect((error as Error).stack).toMatch(/data-iterable\.ts:\d+/);
    expect(liveWorkerCount()).toBe(0);
    // endless streams in two workers: a break ends them
    let n = 0;
    for await (const b of new data.DataLoader(new EndlessStream(), { batchSize: 3, numWorkers: 2 })) { data.disposeBatch(b); if (++n === 5) break; }
    expect(n).toBe(5);
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test('a program that breaks out of an endless stream in workers exits by itself', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-dli-'));
    try {
      // plain JavaScript over the built package, as a user's program
      fs.writeFileSync(path.join(dir, 'ds.js'), `
const { IterableDataset, getWorkerInfo } = require(${JSON.stringify(path.join(ROOT, 'dist', 'data'))});
class Endless extends IterableDataset {
  *[Symbol.iterator]() { const id = getWorkerInfo().id; for (let i = 0; ; i++) yield { x: Float32Array.of(i), y: id }; }
  workerSource() { return { module: __filename, exportName: 'Endless', args: [] }; }
}
module.exports = { Endless };`);
      fs.writeFileSync(path.join(dir, 'main.js'), `
const fl = require(${JSON.stringify(path.join(ROOT, 'dist'))});
const { Endless } = require('./ds.js');
(async () => {
  const ids = [];
  for await (const b of new fl.data.DataLoader(new Endless(), { batchSize: 4, numWorkers: 2 })) {
    ids.push(b.y.toArray()[0]);
    fl.data.disposeBatch(b);
    if (ids.length === 4) break;
  }
  console.log('ids ' + ids.join(','));
})();  // no process.exit: the process must end on its own`);
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        execFile(process.execPath, [path.join(dir, 'main.js')], { cwd: dir, timeout: 60_000, killSignal: 'SIGKILL' },
          (err, out, errOut) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: out + errOut }));
      });
      expect(r.out.trim()).toBe('ids 0,1,0,1');
      expect(r.code).toBe(0);  // null would mean it was killed at the limit: a worker kept it alive
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, LIMIT);
});
