"""torch_ddp.py — the PyTorch peer of bench/ddp.js: DistributedDataParallel over the gloo backend
(PyTorch's CPU engine), 2 processes on this host (torch.multiprocessing), an MLP 784-512-512-10,
batch `batch` per rank, SGD lr 0.01 momentum 0.9, 1 thread per rank; median ms per step after a
warm-up. Prints one JSON line from rank 0: {"ms", "steps", "world", "torch"}.

    /usr/bin/python3 bench/peers/torch_ddp.py [batch] [steps] [port]
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F


def worker(rank, world, batch, steps, port):
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group('gloo', rank=rank, world_size=world)
    torch.manual_seed(0)
    model = nn.parallel.DistributedDataParallel(nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    torch.manual_seed(1 + rank)
    x = torch.randn(batch, 784)
    y = torch.randint(0, 10, (batch,))
    times = []
    for s in range(steps + 5):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()
        if s >= 5:
            times.append(time.perf_counter() - t0)
    if rank == 0:
        print(json.dumps({'ms': statistics.median(times) * 1e3, 'steps': steps, 'world': world, 'torch': torch.__version__}), flush=True)
    dist.destroy_process_group()


if __name__ == '__main__':
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 128
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 29531
    mp.spawn(worker, args=(2, batch, steps, port), nprocs=2, join=True)
