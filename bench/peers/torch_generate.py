"""torch_generate.py — the PyTorch CPU peer of bench/hf_generate.js: greedy generation with a
key/value cache from a GPT-2-shaped model (random N(0, 0.02) weights: the figure is a speed, not a
text) in plain PyTorch under torch.no_grad, as transformers' GPT2LMHeadModel computes it (pre-norm
blocks, tanh GELU, tied head; keys and values concatenated per step). Times the whole generate
(prompt forward + NEW steps), best-of-RUNS wall time; tokens/s = NEW / seconds.
Threads from FLINT_BENCH_TORCH_THREADS ('default' or a count; torch_threads.py).
Prints one JSON line: {"tokens_per_s", "seconds", "threads", "default_threads", "torch"}.

    /usr/bin/python3 bench/peers/torch_generate.py D LAYERS HEADS VOCAB PROMPT NEW RUNS
"""
import json
import math
import sys
import time

import torch
from torch_threads import apply_threads


def main():
    threads, default_threads = apply_threads()
    d, layers, heads, vocab, prompt, new, runs = (int(a) for a in sys.argv[1:8])
    hd = d // heads
    g = torch.Generator().manual_seed(0)
    r = lambda *s: torch.randn(*s, generator=g) * 0.02
    wte, wpe = r(vocab, d), r(prompt + new, d)
    blocks = [dict(ln1=(torch.ones(d), torch.zeros(d)), attn=(r(d, 3 * d), torch.zeros(3 * d)), proj=(r(d, d), torch.zeros(d)),
                   ln2=(torch.ones(d), torch.zeros(d)), fc=(r(d, 4 * d), torch.zeros(4 * d)), out=(r(4 * d, d), torch.zeros(d))) for _ in range(layers)]
    lnf = (torch.ones(d), torch.zeros(d))
    F = torch.nn.functional

    def forward(ids, cache, past):
        B, L = ids.shape
        h = wte[ids] + wpe[past:past + L]
        for i, b in enumerate(blocks):
            a = F.layer_norm(h, (d,), *b['ln1'])
            q, k, v = (t.view(B, L, heads, hd).transpose(1, 2) for t in torch.addmm(b['attn'][1], a.view(-1, d), b['attn'][0]).view(B, L, 3 * d).split(d, 2))
            if cache[i] is not None:
                k, v = torch.cat([cache[i][0], k], 2), torch.cat([cache[i][1], v], 2)
            cache[i] = (k, v)
            s = q @ k.transpose(-1, -2) / math.sqrt(hd)
            if L > 1:
                s = s.masked_fill(~torch.ones(L, k.shape[2], dtype=torch.bool).tril(past), float('-inf'))
            o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, L, d)
            h = h + torch.addmm(b['proj'][1], o.view(-1, d), b['proj'][0]).view(B, L, d)
            m = F.layer_norm(h, (d,), *b['ln2'])
            m = F.gelu(torch.addmm(b['fc'][1], m.view(-1, d), b['fc'][0]), approximate='tanh')
            h = h + torch.addmm(b['out'][1], m, b['out'][0]).view(B, L, d)
        return F.layer_norm(h, (d,), *lnf)[:, -1] @ wte.T

    def generate():
        ids = torch.randint(0, vocab, (1, prompt), generator=g)
        cache = [None] * layers
        nxt, past = ids, 0
        for _ in range(new):
            logits = forward(nxt, cache, past)
            past += nxt.shape[1]
            nxt = logits.argmax(-1, keepdim=True)

    with torch.no_grad():
        generate()
        best = float('inf')
        for _ in range(runs):
            t = time.perf_counter()
            generate()
            best = min(best, time.perf_counter() - t)
    print(json.dumps({'tokens_per_s': new / best, 'seconds': best, 'threads': threads, 'default_threads': default_threads, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
