"""torch_linalg.py — the PyTorch CPU peer of bench/linalg.js: torch.linalg.solve (n right-hand
sides), inv, solve_triangular (upper, n right-hand sides), lu_factor and cholesky of float64 n x n
matrices (A = randn + n·I, S = M Mᵀ + n·I), one warm-up call, then calls until 0.5 s has passed
(3 at least), median time. Threads: FLINT_BENCH_TORCH_THREADS ('default': torch's own choice).
A size "BxN" is a batch of B matrices N x N (the same kinds, n right-hand sides each), without solve
(torch 1.13's batched solve takes ~0.6 s for 64 systems 4x4 here; bench/linalg.js leaves it out).
Prints one JSON line per (op, n): {"op", "n", "ms", "reps", "threads", "torch"} (n as given).

    /usr/bin/python3 bench/peers/torch_linalg.py 256 512 1024 1024x4
"""
import json
import sys

import torch
from torch_elementwise import bench as timed  # one warm-up call, then calls for 0.5 s (3 at least): median
from torch_threads import apply_threads


def main():
    apply_threads()
    sizes = sys.argv[1:] or ["256", "512", "1024"]
    g = torch.Generator().manual_seed(0)
    for size in sizes:
        batch, n = ([int(x) for x in size.split("x")] if "x" in size else [None, int(size)])
        shape = (n, n) if batch is None else (batch, n, n)
        eye = torch.eye(n, dtype=torch.float64)
        a = torch.randn(*shape, generator=g, dtype=torch.float64) + n * eye
        b = torch.randn(*shape, generator=g, dtype=torch.float64)
        m = torch.randn(*shape, generator=g, dtype=torch.float64)
        s = m @ m.mT + n * eye
        u = torch.triu(a)
        ops = {
            "solve": lambda: torch.linalg.solve(a, b),
            "inv": lambda: torch.linalg.inv(a),
            "solveTriangular": lambda: torch.linalg.solve_triangular(u, b, upper=True),
            "luFactor": lambda: torch.linalg.lu_factor(a),
            "cholesky": lambda: torch.linalg.cholesky(s),
        }
        if batch is not None:
            del ops["solve"]
        for op, fn in ops.items():
            t, reps = timed(fn)
            print(json.dumps({"op": op, "n": n if batch is None else size, "ms": t * 1e3, "reps": reps,
                              "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
