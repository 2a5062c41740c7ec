"""torch_matmul.py — the PyTorch CPU peer of bench/matmul.js: torch.matmul of two float32 n x n
matrices, one warm-up product, then products until 0.5 s has passed (3 at least), median time.
Threads: FLINT_BENCH_TORCH_THREADS ('default': torch's own choice, or a count; torch_threads.py).
Prints one JSON line per size: {"n", "gflops", "ms", "reps", "threads", "default_threads", "torch"}.

    /usr/bin/python3 bench/peers/torch_matmul.py 256 512 1024 2048
"""
import json
import statistics
import sys
import time

import torch
from torch_threads import apply_threads


def main():
    _, default_threads = apply_threads()
    sizes = [int(s) for s in sys.argv[1:]] or [256, 512, 1024, 2048]
    g = torch.Generator().manual_seed(0)
    for n in sizes:
        a = torch.rand(n, n, generator=g, dtype=torch.float32) - 0.5
        b = torch.rand(n, n, generator=g, dtype=torch.float32) - 0.5
        torch.matmul(a, b)
        times = []
        start = time.perf_counter()
        while len(times) < 3 or time.perf_counter() - start < 0.5:
            t0 = time.perf_counter()
            torch.matmul(a, b)
            times.append(time.perf_counter() - t0)
        t = statistics.median(times)
        print(json.dumps({"n": n, "gflops": 2 * n ** 3 / t / 1e9, "ms": t * 1e3, "reps": len(times),
                          "threads": torch.get_num_threads(), "default_threads": default_threads,
                          "torch": torch.__version__}))


if __name__ == "__main__":
    main()
