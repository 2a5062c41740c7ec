"""torch_conv.py — the PyTorch CPU peer of bench/conv.js: torch.nn.functional.conv2d in float32,
forward (under no_grad) and forward + backward (input, weight and bias gradients from a gradient of
ones), on the cases bench/conv.js passes as one JSON argument ([name, [N, C, H, W], out channels,
kernel, stride, padding, groups] each). torch.backends.mkldnn is left as it is by default (enabled:
oneDNN runs the convolutions). Threads: FLINT_BENCH_TORCH_THREADS ('default': torch's own choice).
Two warm-up calls, then calls until 0.4 s has passed (3 at least); a second argument 'cpu-time'
times with the process's CPU time instead of wall time (bench/conv.js --cpu-time). Prints one JSON
line per case and pass: {"name", "pass", "med", "min", "reps", "threads", "mkldnn", "torch"} (ms).

    /usr/bin/python3 bench/peers/torch_conv.py '[["r18", [16, 64, 56, 56], 64, 3, 1, 1, 1]]'
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch_threads import apply_threads


CLOCK = time.process_time if sys.argv[2:3] == ["cpu-time"] else time.perf_counter


def timed(fn, min_time=0.4):
    fn()
    fn()
    ts = []
    start = time.perf_counter()
    while len(ts) < 3 or time.perf_counter() - start < min_time:
        t0 = CLOCK()
        fn()
        ts.append((CLOCK() - t0) * 1e3)
    return statistics.median(ts), min(ts), len(ts)


def main():
    apply_threads()
    torch.manual_seed(0)
    for name, shape, out, k, stride, pad, groups in json.loads(sys.argv[1]):
        x = torch.randn(*shape, requires_grad=True)
        w = (torch.randn(out, shape[1] // groups, k, k) * 0.1).requires_grad_()
        b = torch.randn(out, requires_grad=True)

        def fwd():
            with torch.no_grad():
                F.conv2d(x, w, b, stride, pad, 1, groups)

        def both():
            y = F.conv2d(x, w, b, stride, pad, 1, groups)
            y.backward(torch.ones_like(y))
            x.grad = w.grad = b.grad = None

        for label, fn in (("fwd", fwd), ("fwd+bwd", both)):
            med, mn, reps = timed(fn)
            print(json.dumps({"name": name, "pass": label, "med": med, "min": mn, "reps": reps,
                              "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.enabled,
                              "torch": torch.__version__}))


if __name__ == "__main__":
    main()
