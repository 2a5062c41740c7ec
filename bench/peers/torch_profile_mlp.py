"""torch_profile_mlp.py — torch.profiler's per-op table of the MLP training step of
bench/train_mlp.js (784-512-512-10, batch 128, SGD lr 0.01 momentum 0.9), for bench/profile_mlp.js
to print beside flintml's; with a model name (cnn, lstm, transformer), the step of that model as
bench/peers/torch_train_models.py builds it. Threads from FLINT_BENCH_TORCH_THREADS ('default' or a count).
100 warm-up steps, then 100 profiled steps; prints one JSON line per op:
{"op", "calls_per_step", "self_us_per_step"} and a last line {"step_us", "threads"}.

    /usr/bin/python3 bench/peers/torch_profile_mlp.py [mlp|cnn|lstm|transformer]
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile
from torch_threads import apply_threads
import torch_train_models


def mlp():
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(128, 784), torch.randint(0, 10, (128,))

    def step():
        opt.zero_grad(set_to_none=True)  # torch 2's default and flintml's; faster than 1.13's zero-filling
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def main():
    threads, _ = apply_threads()
    torch.manual_seed(0)
    name = sys.argv[1] if len(sys.argv) > 1 else "mlp"
    step = {"mlp": mlp, "cnn": torch_train_models.cnn, "lstm": torch_train_models.lstm,
            "transformer": torch_train_models.transformer}[name]()
    for _ in range(100):
        step()
    steps = 100
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    step_us = (time.perf_counter() - t0) / steps * 1e6
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    rows = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
    for e in rows:
        if e.self_cpu_time_total <= 0:
            continue
        print(json.dumps({"op": e.key, "calls_per_step": e.count / steps, "self_us_per_step": e.self_cpu_time_total / steps}))
    print(json.dumps({"step_us": step_us, "threads": threads}))


if __name__ == "__main__":
    main()
