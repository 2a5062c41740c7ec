"""torch_elementwise.py — the PyTorch CPU peer of bench/elementwise.js: torch.add(a, b) and
torch.sum(a) on float32 tensors of N elements (default 16M = 2**24), threads from
FLINT_BENCH_TORCH_THREADS ('default': torch's own choice, or a count; torch_threads.py). One warm-up call,
then calls until 0.5 s has passed (3 at least), median time. GB/s counts add as 3 x 4N bytes
(two reads, one write) and sum as 4N bytes. Prints one JSON line per op:
{"op", "numel", "gbps", "ms", "reps", "threads", "default_threads", "torch"}.

    /usr/bin/python3 bench/peers/torch_elementwise.py [numel]
"""
import json
import statistics
import sys
import time

import torch
from torch_threads import apply_threads


def bench(fn):
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < 0.5:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def main():
    _, default_threads = apply_threads()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 24
    g = torch.Generator().manual_seed(0)
    a = torch.rand(n, generator=g, dtype=torch.float32)
    b = torch.rand(n, generator=g, dtype=torch.float32)
    for op, fn, nbytes in (("add", lambda: torch.add(a, b), 3 * 4 * n), ("sum", lambda: torch.sum(a), 4 * n)):
        t, reps = bench(fn)
        print(json.dumps({"op": op, "numel": n, "gbps": nbytes / t / 1e9, "ms": t * 1e3, "reps": reps,
                          "threads": torch.get_num_threads(), "default_threads": default_threads,
                          "torch": torch.__version__}))


if __name__ == "__main__":
    main()
