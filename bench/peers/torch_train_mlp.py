"""torch_train_mlp.py — the PyTorch CPU peer of bench/train_mlp.js: one training step (forward,
cross-entropy, backward, SGD lr 0.01 momentum 0.9) of an MLP 784-512-512-10 on a batch of random
data; threads from FLINT_BENCH_TORCH_THREADS ('default' or a count; torch_threads.py); median ms
per step after a warm-up, over at least 2 s.
Prints one JSON line: {"ms", "steps", "threads", "default_threads", "torch"}.

    /usr/bin/python3 bench/peers/torch_train_mlp.py [batch]
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_threads import apply_threads


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 128
    threads, default_threads = apply_threads()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 784)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)  # torch 2's default and flintml's; faster than 1.13's zero-filling
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    times = []
    start = time.perf_counter()
    while len(times) < 10 or time.perf_counter() - start < 2:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"ms": statistics.median(times) * 1e3, "steps": len(times), "threads": threads,
                      "default_threads": default_threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
