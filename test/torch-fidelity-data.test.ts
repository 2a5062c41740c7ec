// torch-fidelity-data.test.ts — regression tests for the differences from PyTorch 1.13 that
// bench/torch-diff.js found with bench/torch-diff-specs-data.js (fl.data and autograd semantics).
// Expected values are PyTorch 1.13's, with the torch code beside them.
import * as fl from '../lib';

/** Runs fn on a TensorDataset of 5 rows [[0], [1], [2], [3], [4]], and frees its tensor after. */
async function withRows<R>(fn: (ds: fl.data.TensorDataset) => R | Promise<R>): Promise<R> {
  const x = fl.scope(() => fl.arange(5).reshape([5, 1]));
  try { return await fn(new fl.data.TensorDataset(x)); } finally { x.dispose(); }
}

async function shapes(loader: AsyncIterable<fl.Tensor[]>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const [x] of loader) { out.push(x.shape.slice()); x.dispose(); }
  return out;
}

describe('DataLoader batchSize null (torch batch_size=None)', () => {
  // torch: [b[0].shape for b in DataLoader(TensorDataset(torch.arange(5.).reshape(5, 1)), batch_size=None)]
  //   -> [torch.Size([1])] * 5: automatic batching off, each item as it is (no batch dim).
  // Before, null silently meant the default 1 and every batch got a leading dim ([1, 1]); then it
  // was refused; now it is torch's mode (test/data-utils.test.ts has the rest).
  test('gives the items without a batch dim, not batchSize 1', () => withRows(async (ds) => {
    expect(await shapes(new fl.data.DataLoader(ds, { batchSize: null }))).toEqual([[1], [1], [1], [1], [1]]);
    // the positional form too: DataLoader(ds, None)
    expect(await shapes(new fl.data.DataLoader(ds, null))).toEqual([[1], [1], [1], [1], [1]]);
  }));

  // torch: DataLoader(ds, batch_size=None, drop_last=True)
  //   -> ValueError: batch_size=None option disables auto-batching and is mutually exclusive with drop_last
  test('with dropLast is refused too (torch: ValueError)', () => withRows((ds) => {
    expect(() => new fl.data.DataLoader(ds, { batchSize: null as unknown as number, dropLast: true })).toThrow(fl.ValueError);
  }));

  test('an absent batchSize still means 1 (torch: batch_size=1)', () => withRows(async (ds) => {
    // torch: [b[0].shape for b in DataLoader(ds)] -> [torch.Size([1, 1])] * 5
    expect(await shapes(new fl.data.DataLoader(ds, {}))).toEqual([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]]);
    expect(await shapes(new fl.data.DataLoader(ds, { batchSize: undefined }))).toEqual([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]]);
  }));
});

describe('DistributedSampler without shuffle (agrees; pinned)', () => {
  // torch: [list(DistributedSampler(range(5), num_replicas=3, rank=r, shuffle=False)) for r in range(3)]
  //   -> [[0, 3], [1, 4], [2, 0]]   (padded by repeating the start)
  // torch: the same with drop_last=True -> [[0], [1], [2]]
  test('padding and dropLast', () => {
    const idx = (dropLast: boolean) => [0, 1, 2].map((rank) => new fl.data.DistributedSampler({ length: 5 } as fl.data.Dataset, { numReplicas: 3, rank, shuffle: false, dropLast }).indices());
    expect(idx(false)).toEqual([[0, 3], [1, 4], [2, 0]]);
    expect(idx(true)).toEqual([[0], [1], [2]]);
  });
});

describe('DataLoader shuffle of an empty dataset', () => {
  // torch: DataLoader(TensorDataset(torch.arange(0)), batch_size=2, shuffle=True)
  //   -> ValueError: num_samples should be a positive integer value, but got num_samples=0
  // Before, flintml made the loader and ran empty epochs.
  test('is refused with a ValueError when the loader is made', async () => {
    const x = fl.arange(0);
    try {
      const ds = new fl.data.TensorDataset(x);
      expect(() => new fl.data.DataLoader(ds, { batchSize: 2, shuffle: true })).toThrow(fl.ValueError);
      expect(() => new fl.data.DataLoader(ds, { batchSize: 2, shuffle: true, seed: 0 })).toThrow(/num_samples/);
      // without shuffle an empty dataset is fine (torch: len(DataLoader(ds, batch_size=2)) -> 0, no batches)
      const dl = new fl.data.DataLoader(ds, { batchSize: 2 });
      expect(dl.length).toBe(0);
      let n = 0;
      for await (const b of dl) { n++; fl.data.disposeBatch(b); }
      expect(n).toBe(0);
    } finally { x.dispose(); }
  });
});

describe('retainGrad on a tensor that does not require grad', () => {
  // torch.ones(2).retain_grad() -> RuntimeError: can't retain_grad on Tensor that has requires_grad=False
  test('is refused with an AutogradError; on a graph tensor it keeps .grad', () => fl.scope(() => {
    expect(() => fl.ones([2]).retainGrad()).toThrow(fl.AutogradError);
    expect(() => fl.ones([2]).retainGrad()).toThrow(/^retainGrad: can't retain the gradient of a tensor that does not require grad \(shape \[2\], float32\)$/);
    const x = fl.ones([2], { requiresGrad: true });
    const y = x.mul(3);
    y.retainGrad();
    y.sum().backward();
    expect(Array.from(y.grad!.dataSync() as Float32Array)).toEqual([1, 1]);
  }));
});
