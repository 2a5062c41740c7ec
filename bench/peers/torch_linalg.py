"""torch_linalg.py — the PyTorch CPU peer of bench/linalg.js: torch.linalg.solve (n right-hand
sides), inv, solve_triangular (upper, n right-hand sides), lu_factor and cholesky of float64 n x n
matrices (A = randn + n·I, S = M Mᵀ + n·I), one warm-up call, then calls until 0.5 s has passed
(3 at least), median time. Threads: FLINT_BENCH_TORCH_THREADS ('default': torch's own choice).
Prints one JSON line per (op, n): {"op", "n", "ms", "reps", "threads", "torch"}.

    /usr/bin/python3 bench/peers/torch_linalg.py 256 512 1024
"""
import json
import sys

import torch
from torch_elementwise import bench as timed  # one warm-up call, then calls for 0.5 s (3 at least): median
from torch_threads import apply_threads


def main():
    apply_threads()
    sizes = [int(s) for s in sys.argv[1:]] or [256, 512, 1024]
    g = torch.Generator().manual_seed(0)
    for n in sizes:
        eye = torch.eye(n, dtype=torch.float64)
        a = torch.randn(n, n, generator=g, dtype=torch.float64) + n * eye
        b = torch.randn(n, n, generator=g, dtype=torch.float64)
        m = torch.randn(n, n, generator=g, dtype=torch.float64)
        s = m @ m.T + n * eye
        u = torch.triu(a)
        ops = {
            "solve": lambda: torch.linalg.solve(a, b),
            "inv": lambda: torch.linalg.inv(a),
            "solveTriangular": lambda: torch.linalg.solve_triangular(u, b, upper=True),
            "luFactor": lambda: torch.linalg.lu_factor(a),
            "cholesky": lambda: torch.linalg.cholesky(s),
        }
        for op, fn in ops.items():
            t, reps = timed(fn)
            print(json.dumps({"op": op, "n": n, "ms": t * 1e3, "reps": reps,
                              "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
