"""torch_train_models.py — the PyTorch CPU peer of bench/train_models.js: one training step of the
model named on the command line (cnn, lstm, gru, transformer), built as the JS side builds it, on random
data; threads from FLINT_BENCH_TORCH_THREADS ('default' or a count; torch_threads.py). 3 warm-up
steps, then steps until 2 s have passed (10 at least); the median.
Prints one JSON line: {"model", "ms", "steps", "threads", "default_threads", "torch"}.

    /usr/bin/python3 bench/peers/torch_train_models.py cnn|lstm|gru|transformer
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_threads import apply_threads


def cnn():
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def recurrent(layer):
    rnn, head = layer(32, 128), nn.Linear(128, 10)
    opt = torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=1e-3)
    x, y = torch.randn(32, 32, 32), torch.randint(0, 10, (32,))

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = rnn(x)
        F.cross_entropy(head(out[31]), y).backward()
        opt.step()
    return step


def lstm():
    return recurrent(nn.LSTM)


def gru():
    return recurrent(nn.GRU)


class Block(nn.Module):
    """examples/gpt.js's Block: pre-norm causal self-attention and a GELU MLP, each with a residual."""

    def __init__(self, d, heads, context):
        super().__init__()
        self.heads = heads
        self.ln1, self.qkv, self.proj = nn.LayerNorm(d), nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ln2, self.fc1, self.fc2 = nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.register_buffer("mask", torch.triu(torch.full((context, context), -math.inf), 1), persistent=False)

    def forward(self, x):
        B, T, D = x.shape
        H, hd = self.heads, D // self.heads
        q, k, v = (t.reshape(B, T, H, hd).transpose(1, 2) for t in self.qkv(self.ln1(x)).split(D, -1))
        att = torch.softmax((q @ k.transpose(-2, -1)) * (1 / math.sqrt(hd)) + self.mask[:T, :T], -1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x1 = x + self.proj(y)
        return x1 + self.fc2(F.gelu(self.fc1(self.ln2(x1))))


class GPT(nn.Module):
    def __init__(self, vocab, d, heads, layers, context):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, heads, context) for _ in range(layers))
        self.lnf, self.head = nn.LayerNorm(d), nn.Linear(d, vocab)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        for b in self.blocks:
            x = b(x)
        return self.head(self.lnf(x))


def transformer():
    V, T, B = 96, 64, 16
    model = GPT(V, 96, 4, 2, T)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    idx, tgt = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(idx).reshape(-1, V), tgt.reshape(-1)).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return step


def main():
    name = sys.argv[1]
    threads, default_threads = apply_threads()
    torch.manual_seed(0)
    step = {"cnn": cnn, "lstm": lstm, "gru": gru, "transformer": transformer}[name]()
    for _ in range(4):
        step()
    times = []
    start = time.perf_counter()
    while len(times) < 10 or time.perf_counter() - start < 2:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"model": name, "ms": statistics.median(times) * 1e3, "steps": len(times), "threads": threads,
                      "default_threads": default_threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
