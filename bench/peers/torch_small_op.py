"""torch_small_op.py — the PyTorch CPU peer of bench/small_op.js: torch.add(a, b) of two float32
tensors of N elements (default 16), timed with time.perf_counter over batches of calls after a
warm-up; the per-call time of each batch, median over the batches, in microseconds. Each result is
dropped right away (refcount frees it), as flintml's is disposed.
Threads from FLINT_BENCH_TORCH_THREADS ('default' or a count; torch_threads.py).
Prints one JSON line: {"numel", "us", "min_us", "max_us", "runs", "inner", "threads", "default_threads", "torch"}.

    /usr/bin/python3 bench/peers/torch_small_op.py [numel] [inner] [runs]
"""
import json
import statistics
import sys
import time

import torch
from torch_threads import apply_threads


def main():
    threads, default_threads = apply_threads()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    inner = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    a = torch.rand(n, dtype=torch.float32)
    b = torch.rand(n, dtype=torch.float32)
    add = torch.add
    for _ in range(20000):
        add(a, b)
    per_call = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(inner):
            add(a, b)
        per_call.append((time.perf_counter() - t0) / inner)
    print(json.dumps({"numel": n, "us": statistics.median(per_call) * 1e6, "min_us": min(per_call) * 1e6,
                      "max_us": max(per_call) * 1e6, "runs": runs, "inner": inner, "threads": threads,
                      "default_threads": default_threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
