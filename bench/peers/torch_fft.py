"""torch_fft.py — the PyTorch CPU peer of bench/fft.js: torch.fft.fft of complex64 and complex128
signals, torch.fft.rfft of float32 ones and torch.fft.irfft of their spectra (n points) at the given lengths, one warm-up call, then calls until
0.5 s has passed (3 at least), median time. Threads: FLINT_BENCH_TORCH_THREADS ('default': torch's
own choice). Prints one JSON line per (op, n): {"op", "n", "ms", "reps", "threads", "torch"}.

    /usr/bin/python3 bench/peers/torch_fft.py 65536 65537 1048576
"""
import json
import sys

import torch
from torch_elementwise import bench as timed  # one warm-up call, then calls for 0.5 s (3 at least): median
from torch_threads import apply_threads


def main():
    apply_threads()
    sizes = [int(s) for s in sys.argv[1:]] or [65536, 65537, 1048576]
    g = torch.Generator().manual_seed(0)
    for n in sizes:
        z64 = torch.complex(torch.randn(n, generator=g), torch.randn(n, generator=g))
        z128 = z64.to(torch.complex128)
        x = torch.randn(n, generator=g)
        X = torch.fft.rfft(x)
        ops = {
            "fft-c64": lambda: torch.fft.fft(z64),
            "fft-c128": lambda: torch.fft.fft(z128),
            "rfft-f32": lambda: torch.fft.rfft(x),
            "irfft-f32": lambda: torch.fft.irfft(X, n),
        }
        for op, fn in ops.items():
            t, reps = timed(fn)
            print(json.dumps({"op": op, "n": n, "ms": t * 1e3, "reps": reps,
                              "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
