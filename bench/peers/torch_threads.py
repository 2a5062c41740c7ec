"""torch_threads.py — the thread setting every CPU torch peer applies first, from
FLINT_BENCH_TORCH_THREADS: 'default' (or unset) leaves torch's own choice, a number is passed to
torch.set_num_threads. bench/common.js runs each peer both ways and compares against the faster
(PyTorch at its best). Returns (threads in use, torch's default)."""
import os

import torch


def apply_threads():
    default = torch.get_num_threads()
    want = os.environ.get("FLINT_BENCH_TORCH_THREADS", "default")
    if want != "default":
        torch.set_num_threads(int(want))
    return torch.get_num_threads(), default
