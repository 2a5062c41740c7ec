// data.test.ts — fl.data: Dataset/TensorDataset/DataLoader (batching, seeded shuffling, collation,
// worker threads, lifetimes), the IDX reader and MnistDataset, CharTokenizer, TextWindowDataset.
// References: plain JS arrays built in the tests, IDX files written here byte by byte.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import * as fl from '../lib';
import * as data from '../lib/data';
import { liveWorkerCount } from '../lib/data/worker';
import { BrokenInWorkerDataset, FailingDataset, SquaresDataset } from './fixtures/data-datasets';
import { DEVICE, epoch, plain } from './helpers';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

class ListDataset extends data.Dataset<unknown> {
  constructor(readonly items: unknown[]) { super(); }
  get length(): number { return this.items.length; }
  get(i: number): unknown { return this.items[i]; }
}

describe('DataLoader: batching', () => {
  test('batches in order with the default collate; length; dropLast', async () => {
    const ds = new SquaresDataset(10);
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const got = await epoch(loader);
    expect(got.length).toBe(3);
    const expectBatch = (b: any, idx: number[]): void => {
      expect(b.x).toEqual({ shape: [idx.length, 3], dtype: 'float32', values: idx.map((i) => [i, i * i, -i]) });
      expect(b.y).toEqual({ shape: [idx.length], dtype: 'int32', values: idx });
      expect(b.tag).toEqual(idx.map((i) => `s${i}`));
    };
    expectBatch(got[0], [0, 1, 2, 3]);
    expectBatch(got[1], [4, 5, 6, 7]);
    expectBatch(got[2], [8, 9]);

    const dl = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dl.length).toBe(2);
    const got2 = await epoch(dl);
    expect(got2.length).toBe(2);
    expectBatch(got2[1], [4, 5, 6, 7]);
    expect(await epoch(new data.DataLoader(ds, { batchSize: 11, dropLast: true }))).toEqual([]);
    expect(new data.DataLoader(ds).length).toBe(10);
  });

  test('async get and an empty dataset', async () => {
    const got = await epoch(new data.DataLoader(new SquaresDataset(5, 1), { batchSize: 2 }), (b) => b.y.toArray());
    expect(got).toEqual([[0, 1], [2, 3], [4]]);
    expect(await epoch(new data.DataLoader(new SquaresDataset(0), { batchSize: 2 }))).toEqual([]);
  });

  test('default collate: nested arrays/objects, numbers, booleans, typed arrays, tensors', () => {
    const items = [0, 1, 2].map((i) => ({
      a: [fl.full([2], i, { device: DEVICE }), i + 0.5],
      b: { flag: i % 2 === 0, bytes: Uint8Array.of(i, 255 - i), n: Int16Array.of(-i) },
      s: `item${i}`,
    }));
    const batch = data.defaultCollate(items);
    try {
      expect(plain(batch)).toEqual({
        a: [{ shape: [3, 2], dtype: 'float32', values: [[0, 0], [1, 1], [2, 2]] },
          { shape: [3], dtype: 'float32', values: [0.5, 1.5, 2.5] }],
        b: {
          flag: { shape: [3], dtype: 'bool', values: [true, false, true] },
          bytes: { shape: [3, 2], dtype: 'uint8', values: [[0, 255], [1, 254], [2, 253]] },
          n: { shape: [3, 1], dtype: 'int32', values: [[0], [-1], [-2]] },
        },
        s: ['item0', 'item1', 'item2'],
      });
      // the items are the caller's: collate leaves them alive
      expect(items[0].a[0] instanceof fl.Tensor && !(items[0].a[0] as fl.Tensor).isDisposed).toBe(true);
    } finally {
      data.disposeBatch(batch);
      items.forEach((it) => (it.a[0] as fl.Tensor).dispose());
    }
  });

  test('default collate: mismatched items are typed errors naming the position', () => {
    expect(() => data.defaultCollate([{ x: 1 }, { x: 'a' }])).toThrow(fl.ValueError);
    expect(() => data.defaultCollate([{ x: 1 }, { x: 'a' }])).toThrow(/collate: item 1 at \.x is a string but item 0 is a number/);
    expect(() => data.defaultCollate([{ x: 1 }, { y: 1 }])).toThrow(/keys/);
    expect(() => data.defaultCollate([[1, 2], [1]])).toThrow(fl.ShapeError);
    expect(() => data.defaultCollate([Float32Array.of(1, 2), Float32Array.of(1)])).toThrow(fl.ShapeError);
    expect(() => data.defaultCollate([new BigInt64Array(1), new BigInt64Array(1)])).toThrow(fl.DTypeError);
    expect(() => data.defaultCollate([])).toThrow(fl.ValueError);
    fl.scope(() => {
      expect(() => data.defaultCollate([fl.zeros([2]), fl.zeros([3])])).toThrow(fl.ShapeError);
    });
  });

  test('custom collate gets the items; the loader disposes the item tensors it does not keep', async () => {
    const x = fl.scope(() => fl.arange(12, undefined, 1, { dtype: 'float32', device: DEVICE }).reshape([6, 2]));
    try {
      const ds = new data.TensorDataset(x);
      const seen: number[][] = [];
      const loader = new data.DataLoader(ds, {
        batchSize: 4,
        collate: (items: fl.Tensor[][]) => { seen.push(items.map((it) => it[0].toArray()[0])); return { n: items.length, first: items[0][0] }; },
      });
      const got = await epoch(loader);
      expect(seen).toEqual([[0, 2, 4, 6], [8, 10]]);
      expect(got).toEqual([{ n: 4, first: { shape: [2], dtype: 'float32', values: [0, 1] } }, { n: 2, first: { shape: [2], dtype: 'float32', values: [8, 9] } }]);
      // the leak check in setup.ts verifies that the other item views were disposed
    } finally { x.dispose(); }
  });

  test('bad options are typed errors; a GPU device or pinned memory without a usable GPU backend too', () => {
    const ds = new SquaresDataset(4);
    expect(() => new data.DataLoader(ds, { batchSize: 0 })).toThrow(fl.ValueError);
    expect(() => new data.DataLoader(ds, { batchSize: 1.5 })).toThrow(/batchSize must be an integer/);
    expect(() => new data.DataLoader(ds, { numWorkers: -1 })).toThrow(fl.ValueError);
    expect(() => new data.DataLoader(ds, { prefetch: 0 })).toThrow(fl.ValueError);
    expect(() => new data.DataLoader({} as any)).toThrow(fl.ValueError);
    expect(() => new data.DataLoader(new ListDataset([1, 2]), { numWorkers: 2 })).toThrow(/workerSource/);
    expect(() => new data.DataLoader(ds, { device: 'tpu' })).toThrow(fl.DeviceError);
    if (!fl.cuda.isAvailable()) {
      // never a silent fallback to CPU batches (test/data-gpu.test.ts covers the GPU side)
      expect(() => new data.DataLoader(ds, { device: 'cuda' })).toThrow(fl.BackendUnavailableError);
      expect(() => new data.DataLoader(ds, { device: 'cuda' })).toThrow(/^DataLoader: cannot use device 'cuda'/);
      expect(() => new data.DataLoader(ds, { device: 'cuda:1', pinMemory: true })).toThrow(fl.BackendUnavailableError);
      expect(() => new data.DataLoader(ds, { pinMemory: true })).toThrow(fl.BackendUnavailableError);
      expect(() => new data.DataLoader(ds, { device: 'cpu', pinMemory: true })).toThrow(/^DataLoader: pinMemory needs a usable GPU backend/);
    } else {
      expect(new data.DataLoader(ds, { device: 'cpu', pinMemory: true }).pinMemory).toBe(true);
    }
    expect(new data.DataLoader(ds, { device: 'cpu' }).device).toBe('cpu');
  });

  test('errors in get reject (sync and async), and the fetched items are disposed', async () => {
    await expect(epoch(new data.DataLoader(new FailingDataset(10, 6), { batchSize: 4 }))).rejects.toThrow(/boom at item 6/);
    class AsyncFail extends data.Dataset<fl.Tensor> {
      get length(): number { return 4; }
      async get(i: number): Promise<fl.Tensor> {
        if (i === 2) throw new fl.ValueError(`bad item ${i}`);
        return fl.full([2], i);
      }
    }
    await expect(epoch(new data.DataLoader(new AsyncFail(), { batchSize: 4 }))).rejects.toThrow(fl.ValueError);
  });
});

describe('DataLoader: shuffling', () => {
  const orderOf = async (loader: data.DataLoader<any, any>): Promise<number[]> =>
    (await epoch(loader, (b) => b[0].toArray())).flat() as number[];

  test('each index exactly once per epoch; seeded orders reproduce and differ by epoch', async () => {
    const n = 23;
    const t = fl.arange(n, undefined, 1, { dtype: 'int32', device: DEVICE });
    try {
      const ds = new data.TensorDataset(t);
      const a = new data.DataLoader(ds, { batchSize: 5, shuffle: true, seed: 5 });
      const before = fl.getRngState();
      const a0 = await orderOf(a), a1 = await orderOf(a), a2 = await orderOf(a);
      expect(fl.getRngState()).toEqual(before);  // the global generator is untouched
      for (const o of [a0, a1, a2]) expect(o.slice().sort((x, y) => x - y)).toEqual(range(n));
      expect(a0).not.toEqual(range(n));
      expect(a1).not.toEqual(a0);
      expect(a2).not.toEqual(a1);
      expect(a.epoch).toBe(3);

      const b = new data.DataLoader(ds, { batchSize: 7, shuffle: true, seed: 5 });
      expect(await orderOf(b)).toEqual(a0);  // the order does not depend on the batch size
      expect(await orderOf(b)).toEqual(a1);
      b.setEpoch(2);
      expect(await orderOf(b)).toEqual(a2);
      expect(await orderOf(new data.DataLoader(ds, { batchSize: 5, shuffle: true, seed: 6 }))).not.toEqual(a0);

      // dropLast drops the tail of the shuffled order
      const d = await orderOf(new data.DataLoader(ds, { batchSize: 5, shuffle: true, seed: 5, dropLast: true }));
      expect(d).toEqual(a0.slice(0, 20));

      // unseeded: each epoch draws its seed from the global generator (fl.manualSeed reproduces)
      fl.manualSeed(3);
      const u = new data.DataLoader(ds, { batchSize: 4, shuffle: true });
      const u0 = await orderOf(u), u1 = await orderOf(u);
      fl.manualSeed(3);
      const v = new data.DataLoader(ds, { batchSize: 4, shuffle: true });
      expect(await orderOf(v)).toEqual(u0);
      expect(await orderOf(v)).toEqual(u1);
      expect(u1).not.toEqual(u0);
    } finally { t.dispose(); }
  });

  test('every index is visited once per epoch (property over n, batchSize, seed)', async () => {
    const r = (await import('./helpers')).rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(r() * 40), bs = 1 + Math.floor(r() * 9), seed = Math.floor(r() * 1e6);
      const ds = new ListDataset(range(n));
      const loader = new data.DataLoader(ds, { batchSize: bs, shuffle: true, seed });
      const batches = await epoch(loader, (b) => b.toArray());
      expect(batches.length).toBe(Math.ceil(n / bs));
      expect(batches.slice(0, -1).every((b: number[]) => b.length === bs)).toBe(true);
      expect((batches.flat() as number[]).sort((x, y) => x - y)).toEqual(range(n));
    }
  });
});

describe('TensorDataset', () => {
  test('items are row views; the indexSelect fast path equals stacking the items', async () => {
    const x = fl.randn([13, 2, 3], { device: DEVICE });
    const y = fl.scope(() => fl.arange(13, undefined, 1, { dtype: 'int32', device: DEVICE }).mul(3));
    try {
      const ds = new data.TensorDataset(x, y);
      expect(ds.length).toBe(13);
      const rows = x.toArray() as number[][][];
      fl.scope(() => {
        const [xi, yi] = ds.get(4);
        expect(xi.toArray()).toEqual(rows[4]);
        expect(yi.item()).toBe(12);
        expect(() => ds.get(13)).toThrow(fl.IndexError);
      });
      const fast = await epoch(new data.DataLoader(ds, { batchSize: 4, shuffle: true, seed: 9 }));
      const slow = await epoch(new data.DataLoader(ds, { batchSize: 4, shuffle: true, seed: 9, collate: (it) => data.defaultCollate(it) }));
      expect(fast).toEqual(slow);
      // reference: the rows of x at the labels' indices
      for (const [bx, by] of fast) {
        expect(bx.shape).toEqual([by.values.length, 2, 3]);
        expect(bx.values).toEqual(by.values.map((v: number) => rows[v / 3]));
      }
      // numWorkers is not needed for a getBatch dataset: batched on the main thread
      expect(await epoch(new data.DataLoader(ds, { batchSize: 4, shuffle: true, seed: 9, numWorkers: 2 }))).toEqual(fast);
    } finally { x.dispose(); y.dispose(); }
  });

  test('bad tensors', () => {
    fl.scope(() => {
      expect(() => new data.TensorDataset()).toThrow(fl.ValueError);
      expect(() => new data.TensorDataset(fl.zeros([3]), fl.zeros([4]))).toThrow(fl.ShapeError);
      expect(() => new data.TensorDataset(fl.zeros([3]), fl.zeros([4]))).toThrow(/TensorDataset: size mismatch/);
      expect(() => new data.TensorDataset(fl.tensor(1))).toThrow(fl.ShapeError);
    });
  });
});

// Each worker compiles the dataset's TypeScript module with `typescript` as it starts: seconds of CPU on
// a loaded 2-core runner. WORKER_LIMIT only guards against a hang; nothing here is timed.
const WORKER_LIMIT = 60_000;
describe('DataLoader: worker threads', () => {
  test('workers give the same batches as numWorkers=0 and are terminated', async () => {
    const ds = new SquaresDataset(37, 1);
    const opts = { batchSize: 5, shuffle: true, seed: 2 };
    const ref = await epoch(new data.DataLoader(ds, opts));
    const w = new data.DataLoader(ds, { ...opts, numWorkers: 3, prefetch: 2 });
    expect(await epoch(w)).toEqual(ref);
    expect(liveWorkerCount()).toBe(0);
    // second epoch with workers = second epoch on the main thread
    const m = new data.DataLoader(ds, opts);
    await epoch(m);
    expect(await epoch(w)).toEqual(await epoch(m));
    // custom collate on raw items from the workers
    const collate = (items: any[]) => ({ sum: items.reduce((s, it) => s + it.y, 0), x0: Array.from(items[0].x), kind: Object.prototype.toString.call(items[0].x) });
    const c0 = await epoch(new data.DataLoader(ds, { ...opts, collate }));
    const c1 = await epoch(new data.DataLoader(ds, { ...opts, collate, numWorkers: 2 }));
    expect(c1).toEqual(c0);
    expect(c1[0].kind).toBe('[object Float32Array]');
    expect(liveWorkerCount()).toBe(0);
  }, WORKER_LIMIT);

  test('breaking early terminates the workers', async () => {
    const loader = new data.DataLoader(new SquaresDataset(100), { batchSize: 2, numWorkers: 2 });
    let seen = 0;
    for await (const b of loader) {
      data.disposeBatch(b);
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
    expect(liveWorkerCount()).toBe(0);
  }, WORKER_LIMIT);

  test('errors in get and in the worker setup reject, and the workers end', async () => {
    const failing = new data.DataLoader(new FailingDataset(20, 13), { batchSize: 3, numWorkers: 2 });
    const seen: number[] = [];
    await expect(epoch(failing, (b) => seen.push(b.y.toArray()[0]))).rejects.toThrow(/boom at item 13/);
    expect(seen).toEqual([0, 3, 6, 9]);  // the batches before the failing one came through, in order
    expect(liveWorkerCount()).toBe(0);
    const broken = new data.DataLoader(new BrokenInWorkerDataset(5), { batchSize: 2, numWorkers: 1 });
    await expect(epoch(broken)).rejects.toThrow(/cannot open the data in this worker/);
    expect(liveWorkerCount()).toBe(0);
  }, WORKER_LIMIT);
});

/** An IDX file written from the format description (big-endian header and values). */
function writeIdx(type: number, shape: number[], values: number[]): Buffer {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type]!;
  const buf = Buffer.alloc(4 + 4 * shape.length + size * values.length);
  buf[2] = type; buf[3] = shape.length;
  shape.forEach((s, d) => buf.writeUInt32BE(s, 4 + 4 * d));
  let o = 4 + 4 * shape.length;
  for (const v of values) {
    if (type === 0x08) buf.writeUInt8(v, o);
    else if (type === 0x09) buf.writeInt8(v, o);
    else if (type === 0x0b) buf.writeInt16BE(v, o);
    else if (type === 0x0c) buf.writeInt32BE(v, o);
    else if (type === 0x0d) buf.writeFloatBE(v, o);
    else buf.writeDoubleBE(v, o);
    o += size;
  }
  return buf;
}

describe('IDX files', () => {
  const cases: [number, fl.DType, number[], number[]][] = [
    [0x08, 'uint8', [2, 3], [0, 1, 127, 128, 254, 255]],
    [0x09, 'int32', [3, 2], [-128, -1, 0, 1, 100, 127]],
    [0x0b, 'int32', [2, 2], [-32768, -2, 258, 32767]],
    [0x0c, 'int32', [5], [-2147483648, -1, 0, 16909060, 2147483647]],
    [0x0d, 'float32', [1, 2, 2], [1.5, -2.25, 3.4028234663852886e38, 2 ** -149]],
    [0x0e, 'float64', [3], [Math.PI, -1e300, 5e-324]],
    [0x0c, 'int32', [], [-7]],
    [0x08, 'uint8', [0, 4], []],
  ];
  test.each(cases)('type byte %d round trip → %s', (type, dtype, shape, values) => {
    const bytes = writeIdx(type, shape, values);
    for (const src of [bytes, gzipSync(bytes)]) {
      const t = data.readIdx(src);
      try {
        expect(t.dtype).toBe(dtype);
        expect(t.shape).toEqual(shape);
        expect(Array.from(t.dataSync() as ArrayLike<number>)).toEqual(values);
      } finally { t.dispose(); }
      const p = data.parseIdx(src);
      expect([p.dtype, p.shape, Array.from(p.data)]).toEqual([dtype, shape, values]);
    }
  });

  test('parseIdx refuses a source name that is not a string with a ValueError (found by bench/fuzz.js: a Symbol was a TypeError)', () => {
    const bytes = new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 1, 7]);
    expect(() => data.parseIdx(bytes, Symbol('s') as unknown as string)).toThrow(fl.ValueError);
    expect(() => data.parseIdx(bytes, 3 as unknown as string)).toThrow(/parseIdx: source must be a string/);
    expect(data.parseIdx(bytes, 'x').shape).toEqual([1]);
  });

  test('reads a file by path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-idx-'));
    try {
      const file = path.join(dir, 'a.idx');
      fs.writeFileSync(file, writeIdx(0x0d, [2], [0.5, -4]));
      const t = data.readIdx(file);
      try { expect(t.toArray()).toEqual([0.5, -4]); } finally { t.dispose(); }
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  test('corrupt files are typed errors', () => {
    const good = writeIdx(0x0c, [2, 2], [1, 2, 3, 4]);
    const bad = (f: (b: Buffer) => Buffer): Buffer => f(Buffer.from(good));
    expect(() => data.readIdx(Buffer.from([0, 0]))).toThrow(/too short for an IDX header/);
    expect(() => data.readIdx(bad((b) => { b[0] = 1; return b; }))).toThrow(fl.ValueError);
    expect(() => data.readIdx(bad((b) => { b[1] = 8; return b; }))).toThrow(/bad magic number/);
    expect(() => data.readIdx(bad((b) => { b[2] = 0x0a; return b; }))).toThrow(fl.DTypeError);
    expect(() => data.readIdx(bad((b) => { b[3] = 9; return b; }))).toThrow(/truncated header/);
    expect(() => data.readIdx(good.subarray(0, good.length - 1))).toThrow(/truncated data: shape \[2, 2\] of int32 needs 16 bytes/);
    expect(() => data.readIdx(Buffer.concat([good, Buffer.from([0])]))).toThrow(/1 unexpected bytes/);
    expect(() => data.readIdx(bad((b) => { b.writeUInt32BE(3, 4); return b; }))).toThrow(fl.ValueError);
    expect(() => data.readIdx(gzipSync(good).subarray(0, 12))).toThrow(/corrupt gzip data/);
    expect(() => data.readIdx(123 as any)).toThrow(fl.ValueError);
  });

  test('MnistDataset reads images and labels (gzipped or not) from the usual layouts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-mnist-'));
    try {
      const n = 5, h = 4, w = 3;
      const pixels = range(n * h * w).map((i) => (i * 37) % 256);
      const labels = [3, 1, 4, 1, 5];
      fs.mkdirSync(path.join(dir, 'MNIST', 'raw'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'MNIST', 'raw', 'train-images-idx3-ubyte.gz'), gzipSync(writeIdx(0x08, [n, h, w], pixels)));
      fs.writeFileSync(path.join(dir, 'MNIST', 'raw', 'train-labels-idx1-ubyte'), writeIdx(0x08, [n], labels));
      const ds = new data.MnistDataset(dir, { train: true });
      try {
        expect(ds.length).toBe(n);
        expect([ds.images.dtype, ds.images.shape, ds.labels.dtype]).toEqual(['uint8', [n, h, w], 'int32']);
        const got = await epoch(new data.DataLoader(ds, { batchSize: 2 }));
        expect(got.map((b) => b[1].values).flat()).toEqual(labels);
        expect(got[2][0]).toEqual({ shape: [1, h, w], dtype: 'uint8', values: [range(h).map((r) => range(w).map((c) => pixels[4 * h * w + r * w + c]))] });
      } finally { ds.dispose(); }

      expect(() => new data.MnistDataset(dir, { train: false })).toThrow(/cannot find t10k-images-idx3-ubyte/);
      const images = path.join(dir, 'MNIST', 'raw', 'train-images-idx3-ubyte.gz');
      const more = path.join(dir, 'labels6');
      fs.writeFileSync(more, writeIdx(0x08, [6], [...labels, 0]));
      expect(() => new data.MnistDataset({ images, labels: more })).toThrow(fl.ShapeError);
      expect(() => new data.MnistDataset({ images: more, labels: more })).toThrow(/expected uint8 \[N, H, W\]/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('text', () => {
  test('CharTokenizer: sorted vocabulary, round trip, unknown characters', () => {
    const text = 'hello world!\nhi';
    const tok = data.CharTokenizer.fromText(text);
    const ref = [...new Set(text)].sort();
    expect(tok.chars).toEqual(ref);
    expect(tok.vocabSize).toBe(ref.length);
    const ids = tok.encode(text);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual([...text].map((c) => ref.indexOf(c)));
    expect(tok.decode(ids)).toBe(text);
    expect(tok.decode(Array.from(ids))).toBe(text);
    fl.scope(() => {
      const t = tok.encodeTensor('hello', { device: DEVICE });
      expect(t.dtype).toBe('int32');
      expect(tok.decode(t)).toBe('hello');
    });
    expect(() => tok.encode('hex')).toThrow(fl.ValueError);
    expect(() => tok.encode('hex')).toThrow(/"x" at position 2/);
    expect(() => tok.decode([0, ref.length])).toThrow(fl.IndexError);
    expect(data.CharTokenizer.fromVocab(tok.chars).decode(ids)).toBe(text);
    expect(() => data.CharTokenizer.fromVocab(['a', 'a'])).toThrow(fl.ValueError);
  });

  test('CharTokenizer: code points, ordered as Python sorts them', () => {
    const text = 'b\uFFFF😀a😀';
    const tok = data.CharTokenizer.fromText(text);
    expect(tok.chars).toEqual(['a', 'b', '\uFFFF', '😀']);  // U+FFFF < U+1F600 (UTF-16 order would differ)
    expect(Array.from(tok.encode(text))).toEqual([1, 2, 3, 0, 3]);
    expect(tok.decode(tok.encode(text))).toBe(text);
  });

  test('TextWindowDataset: windows, batches, bounds', async () => {
    const tokens = Int32Array.from(range(20), (i) => (i * 7) % 23);  // distinct, so every window is unique
    const ds = new data.TextWindowDataset(tokens, 4);
    expect(ds.length).toBe(16);
    const ref = (i: number) => ({ x: Array.from(tokens.subarray(i, i + 4)), y: Array.from(tokens.subarray(i + 1, i + 5)) });
    fl.scope(() => {
      const it = ds.get(3);
      expect([it.x.dtype, it.x.shape, it.x.toArray(), it.y.toArray()]).toEqual(['int32', [4], ref(3).x, ref(3).y]);
      expect(() => ds.get(16)).toThrow(fl.IndexError);
    });
    const fast = await epoch(new data.DataLoader(ds, { batchSize: 5, shuffle: true, seed: 4 }));
    const slow = await epoch(new data.DataLoader(ds, { batchSize: 5, shuffle: true, seed: 4, collate: (it) => data.defaultCollate(it) }));
    expect(fast).toEqual(slow);
    const seenX = fast.flatMap((b) => b.x.values) as number[][];
    const seenY = fast.flatMap((b) => b.y.values) as number[][];
    expect(fast[0].x.shape).toEqual([5, 4]);
    // each window once: match every row against the reference windows
    const starts = seenX.map((x, k) => range(16).find((i) => JSON.stringify(ref(i)) === JSON.stringify({ x, y: seenY[k] })));
    expect(starts.slice().sort((a, b) => a! - b!)).toEqual(range(16));

    const fromTensor = fl.tensor(Array.from(tokens), { dtype: 'int32', device: DEVICE });
    try {
      expect(Array.from(new data.TextWindowDataset(fromTensor, 19).tokens)).toEqual(Array.from(tokens));
      expect(new data.TextWindowDataset(fromTensor, 20).length).toBe(0);
    } finally { fromTensor.dispose(); }
    fl.scope(() => {
      expect(() => new data.TextWindowDataset(fl.zeros([4]), 2)).toThrow(fl.DTypeError);
      expect(() => new data.TextWindowDataset(fl.zeros([2, 2], { dtype: 'int32' }), 1)).toThrow(fl.ShapeError);
    });
    expect(() => new data.TextWindowDataset(tokens, 0)).toThrow(fl.ValueError);
  });
});
