// data-gpu.test.ts — the DataLoader onto a GPU: `pinMemory` (pinned CPU batches) and `device:
// 'cuda'` (batches copied ahead on a copy stream, handed over with the loop's stream waiting for
// them). References: the same loader without pinMemory/device, on the CPU, for the same seed.
// Lifetimes are checked with the memory statistics: device allocatedBytes, CPU allocatedBytes (which
// counts pinned blocks: native/core/storage.cpp), live tensors and worker threads.
// Runs on a GPU (FLINT_TEST_DEVICE=cuda) and, in `npm test`, on the CPU emulation of the CUDA driver
// (scripts/test-emu.js); it needs a usable 'cuda' device and fails, never skips, without one.
import * as fl from '../lib';
import * as data from '../lib/data';
import { copyStreamFor } from '../lib/data/transfer';
import { liveWorkerCount } from '../lib/data/worker';
import { FailingDataset, SquaresDataset } from './fixtures/data-datasets';
import { DEVICE } from './helpers';

const dev = DEVICE.startsWith('cuda') ? DEVICE : 'cuda';
const devName = dev === 'cuda' ? 'cuda:0' : dev;
// Each worker compiles the dataset's TypeScript module as it starts (seconds on a loaded runner);
// the limit only guards against a hang, nothing here is timed.
const LIMIT = 120_000;

afterEach(() => fl.cuda.synchronize());

/** Tensors → { shape, dtype, values } (nested), other values as they are. */
function plain(v: any): any {
  if (v instanceof fl.Tensor) return { shape: v.shape, dtype: v.dtype, values: v.toArray() };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
/** Every tensor in a batch. */
function tensorsOf(v: any, out: fl.Tensor[] = []): fl.Tensor[] {
  if (v instanceof fl.Tensor) out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => tensorsOf(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => tensorsOf(x, out));
  return out;
}
/** One epoch: each batch checked by `check`, turned into plain values and disposed. */
async function epoch(loader: AsyncIterable<any>, check: (b: any) => void = () => undefined): Promise<any[]> {
  const out: unknown[] = [];
  for await (const b of loader) {
    try { check(b); out.push(plain(b)); } finally { data.disposeBatch(b); }
  }
  return out;
}
const onGpu = (b: any): void => {
  const ts = tensorsOf(b);
  expect(ts.length).toBeGreaterThan(0);
  for (const t of ts) expect(t.device).toBe(devName);
};
const pinnedCpu = (b: any): void => {
  for (const t of tensorsOf(b)) { expect(t.device).toBe('cpu'); expect(t.isPinned()).toBe(true); }
};

interface Mem { device: number; host: number; tensors: number }
function mem(): Mem {
  fl.cuda.synchronize();
  return { device: fl.memory.stats(dev).allocatedBytes, host: fl.memory.stats('cpu').allocatedBytes, tensors: fl.memory.stats().liveTensors };
}

describe('DataLoader onto the GPU', () => {
  test("device: 'cuda' yields GPU batches equal to the CPU loader's (never CPU batches)", async () => {
    const x = fl.randn([37, 3, 4]);
    const y = fl.scope(() => fl.arange(37, undefined, 1, { dtype: 'int32' }).mul(7));
    try {
      const ds = new data.TensorDataset(x, y);
      const opts = { batchSize: 5, shuffle: true, seed: 3 };
      const ref = await epoch(new data.DataLoader(ds, opts));
      for (const extra of [{}, { pinMemory: true }, { pinMemory: true, prefetch: 1 }, { pinMemory: true, prefetch: 4 }]) {
        const loader = new data.DataLoader(ds, { ...opts, ...extra, device: dev });
        expect(loader.device).toBe(devName);
        expect(await epoch(loader, onGpu)).toEqual(ref);
      }
    } finally { x.dispose(); y.dispose(); }
  });

  test('pinMemory alone yields pinned CPU batches (main thread, workers, fast path, custom collate)', async () => {
    const ds = new SquaresDataset(23);
    const opts = { batchSize: 4, shuffle: true, seed: 1 };
    const ref = await epoch(new data.DataLoader(ds, opts));
    expect(await epoch(new data.DataLoader(ds, { ...opts, pinMemory: true }), pinnedCpu)).toEqual(ref);
    expect(await epoch(new data.DataLoader(ds, { ...opts, pinMemory: true, numWorkers: 2 }), pinnedCpu)).toEqual(ref);
    const collate = (items: any[]) => ({ x: fl.tensor(items.map((it) => Array.from(it.x))), n: items.length });
    const cref = await epoch(new data.DataLoader(ds, { ...opts, collate }));
    expect(await epoch(new data.DataLoader(ds, { ...opts, collate, pinMemory: true }), pinnedCpu)).toEqual(cref);
    // worker output (TypedArrays) and the main thread's default collate go straight into pinned
    // memory: one host allocation per batch tensor (x and y), no pageable tensor in between
    for (const numWorkers of [0, 2]) {
      const loader = new data.DataLoader(ds, { batchSize: 4, pinMemory: true, numWorkers });
      const allocs = fl.memory.stats('cpu').numAllocs;
      await epoch(loader, pinnedCpu);
      expect(fl.memory.stats('cpu').numAllocs - allocs).toBe(2 * loader.length);
    }
    const t = fl.randn([9, 2]);
    try {
      const tds = new data.TensorDataset(t);
      const tref = await epoch(new data.DataLoader(tds, { batchSize: 4 }));
      expect(await epoch(new data.DataLoader(tds, { batchSize: 4, pinMemory: true }), pinnedCpu)).toEqual(tref);
    } finally { t.dispose(); }
  }, LIMIT);

  test('workers + pinMemory + device: the same batches as the CPU loader for the same seed, on the GPU', async () => {
    const ds = new SquaresDataset(41, 1);
    const opts = { batchSize: 6, shuffle: true, seed: 4 };
    const cpu = new data.DataLoader(ds, opts);
    const gpu = new data.DataLoader(ds, { ...opts, numWorkers: 2, pinMemory: true, device: dev, prefetch: 2 });
    for (let e = 0; e < 2; e++) {  // two epochs: the second order too
      const ref = await epoch(cpu);
      expect(await epoch(gpu, onGpu)).toEqual(ref);
      expect(ref[0].tag).toHaveLength(6);  // strings pass through as arrays
    }
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test('prefetch: the copies of `prefetch` batches are queued while the loop holds one', async () => {
    // batch of 8 × 16 float32 = 512 B: one allocator block exactly
    const x = fl.randn([64, 16]);
    try {
      const ds = new data.TensorDataset(x);
      for (const prefetch of [1, 3]) {
        const before = mem();
        const loader = new data.DataLoader(ds, { batchSize: 8, pinMemory: true, device: dev, prefetch });
        let held = -1;
        for await (const b of loader) {
          if (held < 0) held = fl.memory.stats(dev).allocatedBytes - before.device;
          data.disposeBatch(b);
        }
        expect(held).toBe((prefetch + 1) * 512);
        expect(mem()).toEqual(before);
      }
    } finally { x.dispose(); }
  });

  test("the loop's stream waits for the copy stream: data read there is the batch's", async () => {
    const copy = copyStreamFor(fl.cuda.currentDevice());
    const big = fl.randn([2000, 1000], { device: dev });
    const x = fl.randn([16, 32]);
    const s = new fl.cuda.Stream();
    try {
      fl.cuda.synchronize();
      const ds = new data.TensorDataset(x);
      const want = x.toArray() as number[][];
      // keep the copy stream busy, so that its copies of the batch run long after they are queued
      const busy = new fl.cuda.Event();
      fl.cuda.withStream(copy, () => { for (let i = 0; i < 3; i++) big.sum(1).dispose(); busy.record(copy); });
      const loader = new data.DataLoader(ds, { batchSize: 8, pinMemory: true, device: dev, prefetch: 1 });
      const got: number[][] = [];
      await fl.cuda.withStream(s, async () => {
        for await (const [b] of loader) {
          expect(fl.cuda.currentStream().id).toBe(s.id);
          const done = new fl.cuda.Event();
          const r = b.mul(1);                  // queued on s, after s's wait for the copy
          done.record(s);
          done.synchronize();                  // s has finished its work so far ...
          expect(busy.query()).toBe(true);     // ... which waited for the copy stream's busy work
          done.destroy();
          got.push(...(r.toArray() as number[][]));
          r.dispose(); b.dispose();
        }
      });
      expect(got).toEqual(want);
      busy.destroy();
    } finally { s.synchronize(); s.destroy(); big.dispose(); x.dispose(); }
  });

  test("a batch's device block is not reused for a later batch while the loop's stream still reads it", async () => {
    const big = fl.randn([2000, 1000], { device: dev });
    const x = fl.scope(() => fl.arange(32 * 16, undefined, 1, { dtype: 'float32' }).reshape(32, 16));
    try {
      fl.cuda.synchronize();
      const ds = new data.TensorDataset(x);
      const loader = new data.DataLoader(ds, { batchSize: 8, pinMemory: true, device: dev, prefetch: 1 });
      const reads: fl.Tensor[] = [];
      for await (const [b] of loader) {
        big.sum(1).dispose();                               // the loop's stream is busy ...
        reads.push(b.mul(1));                               // ... so this reads b much later
        b.dispose();                                        // and b's block is freed now
      }
      reads.forEach((r, k) => {
        expect(r.toArray()).toEqual(fl.scope(() => x.narrow(0, 8 * k, 8).toArray()));
        r.dispose();
      });
    } finally { big.dispose(); x.dispose(); }
  });

  test('memory returns to its baseline after a loop, an early break, a failing worker and a throwing loop body', async () => {
    const ds = new SquaresDataset(40);
    const opts = { batchSize: 4, numWorkers: 2, pinMemory: true, device: dev, prefetch: 3 };
    await epoch(new data.DataLoader(ds, opts));  // warm up: the copy stream, the workers' code
    const before = mem();

    await epoch(new data.DataLoader(ds, opts), onGpu);
    expect(mem()).toEqual(before);

    let seen = 0;
    for await (const b of new data.DataLoader(ds, opts)) {
      data.disposeBatch(b);
      if (++seen === 2) break;
    }
    expect(seen).toBe(2);
    expect(mem()).toEqual(before);

    const ys: number[] = [];
    await expect(epoch(new data.DataLoader(new FailingDataset(40, 21), opts), (b) => ys.push(b.y.toArray()[0]))).rejects.toThrow(/boom at item 21/);
    expect(ys).toEqual([0, 4, 8, 12, 16]);
    expect(mem()).toEqual(before);

    const failing = async (): Promise<void> => {
      for await (const b of new data.DataLoader(ds, opts)) {
        data.disposeBatch(b);
        throw new fl.ValueError('the step failed');
      }
    };
    await expect(failing()).rejects.toThrow('the step failed');
    expect(mem()).toEqual(before);

    // the main-thread path too
    await expect(epoch(new data.DataLoader(new FailingDataset(12, 9), { ...opts, numWorkers: 0 }))).rejects.toThrow(/boom at item 9/);
    expect(mem()).toEqual(before);
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test("device: 'cpu' moves a GPU dataset's batches to the CPU; without device they stay", async () => {
    const x = fl.randn([10, 3], { device: dev });
    try {
      const ds = new data.TensorDataset(x);
      const ref = await epoch(new data.DataLoader(ds, { batchSize: 4 }), onGpu);
      expect(await epoch(new data.DataLoader(ds, { batchSize: 4, device: 'cpu' }), (b) => expect(b[0].device).toBe('cpu'))).toEqual(ref);
      expect(await epoch(new data.DataLoader(ds, { batchSize: 4, device: 'cpu', pinMemory: true }), pinnedCpu)).toEqual(ref);
      expect(await epoch(new data.DataLoader(ds, { batchSize: 4, device: dev, pinMemory: true }), onGpu)).toEqual(ref);
    } finally { x.dispose(); }
  });

  test('bad combinations are typed errors naming DataLoader', async () => {
    const ds = new SquaresDataset(4);
    const n = fl.cuda.deviceCount();
    expect(() => new data.DataLoader(ds, { device: `cuda:${n}` })).toThrow(fl.DeviceError);
    expect(() => new data.DataLoader(ds, { device: `cuda:${n}`, pinMemory: true })).toThrow(/^DataLoader: cannot use device/);
    class Holder { constructor(readonly t: fl.Tensor) {} }
    const loader = new data.DataLoader(ds, { batchSize: 2, device: dev, collate: (items: any[]) => new Holder(fl.tensor(items.map((it) => it.y))) });
    const before = mem();
    await expect(epoch(loader)).rejects.toThrow(/DataLoader: cannot copy to 'cuda:\d+' a batch holding a Holder/);
    expect(mem()).toEqual(before);
  });
});
