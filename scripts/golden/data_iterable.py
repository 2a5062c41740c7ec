# data_iterable.py — PyTorch 1.13's DataLoader over iterable-style datasets, for test/data-iterable.test.ts
# (the GOLDEN table there is this script's output, pasted).
# Run: /usr/bin/python3 scripts/golden/data_iterable.py
# Each item is {'x': [i, i*i] float32, 'y': i}; a batch is written as its list of y (the test also
# checks x). Worker order is torch's: round-robin over the workers, an exhausted worker skipped.
import json
import math
import torch
from torch.utils.data import ChainDataset, DataLoader, IterableDataset, get_worker_info


def item(i):
    return {'x': torch.tensor([i, i * i], dtype=torch.float32), 'y': i}


class Range(IterableDataset):
    """Items start..end-1; with shard='none' every worker yields them all, 'block' gives each worker a
    contiguous share (torch's documented example), 'stride' items i with i % num_workers == id."""
    def __init__(self, start, end, shard='none'):
        super().__init__()
        self.start, self.end, self.shard = start, end, shard

    def __iter__(self):
        info = get_worker_info()
        lo, hi, step = self.start, self.end, 1
        if info is not None and self.shard == 'block':
            per = int(math.ceil((self.end - self.start) / float(info.num_workers)))
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        elif info is not None and self.shard == 'stride':
            lo, step = self.start + info.id, info.num_workers
        return iter(item(i) for i in range(lo, hi, step))


class Uneven(IterableDataset):
    """Worker k yields counts[k] items k*100, k*100+1, …; in the main process counts[0] items from 0."""
    def __init__(self, counts):
        super().__init__()
        self.counts = counts

    def __iter__(self):
        info = get_worker_info()
        k = 0 if info is None else info.id
        return iter(item(k * 100 + j) for j in range(self.counts[k]))


def ys(batch):
    if isinstance(batch, dict):
        y = batch['y']
        return y.tolist() if torch.is_tensor(y) else y
    return batch


def run(ds, **kw):
    return [ys(b) for b in DataLoader(ds, **kw)]


out = {
    'bs3': run(Range(0, 10), batch_size=3),
    'bs3_drop': run(Range(0, 10), batch_size=3, drop_last=True),
    'none': run(Range(0, 5), batch_size=None),
    'w2_bs3': run(Range(0, 7), batch_size=3, num_workers=2),
    'w2_block_bs4': run(Range(0, 11, 'block'), batch_size=4, num_workers=2),
    'w2_block_bs4_drop': run(Range(0, 11, 'block'), batch_size=4, num_workers=2, drop_last=True),
    'w3_stride_bs2': run(Range(0, 10, 'stride'), batch_size=2, num_workers=3),
    'w2_stride_none': run(Range(0, 7, 'stride'), batch_size=None, num_workers=2),
    'w3_uneven_bs2': run(Uneven([3, 9, 5]), batch_size=2, num_workers=3),
    'w3_uneven_bs2_drop': run(Uneven([3, 9, 5]), batch_size=2, num_workers=3, drop_last=True),
    'w3_uneven_bs2_prefetch1': run(Uneven([1, 0, 7]), batch_size=2, num_workers=3, prefetch_factor=1),
    'chain_bs4': run(ChainDataset([Range(0, 3), Range(10, 15)]), batch_size=4),
    'chain_w2_block_bs2': run(ChainDataset([Range(0, 5, 'block'), Range(10, 13, 'block')]), batch_size=2, num_workers=2),
    'collate_len': [b for b in DataLoader(Range(0, 7), batch_size=3, collate_fn=lambda items: len(items))],
}


class Sized(Range):
    def __len__(self):
        return self.end - self.start


out['len'] = {
    'bs3': len(DataLoader(Sized(0, 10), batch_size=3)),
    'bs3_drop': len(DataLoader(Sized(0, 10), batch_size=3, drop_last=True)),
    'none': len(DataLoader(Sized(0, 10), batch_size=None)),
    'chain': len(ChainDataset([Sized(0, 4), Sized(0, 3)])),
}
print(json.dumps(out))
