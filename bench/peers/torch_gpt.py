"""torch_gpt.py — the PyTorch peer of bench/gpt.js: examples/gpt.js's model written module for module
in PyTorch (pre-norm blocks; attention as matmul, scale, additive causal mask, softmax, matmul; a
GELU MLP; token and position embeddings; a final LayerNorm and a vocabulary head with bias), trained
with the same step: zero_grad, forward and cross-entropy (inside torch.autocast for bfloat16),
backward, AdamW (foreach, PyTorch's default). bench/gpt.js calls it once in mode=eager and once in
mode=compile (torch.compile(model), default mode; the first warm-up step compiles and is reported
as compile_s).

Arguments are key=value words (bench/gpt.js passes them all):
  vocab layers d heads context batch warmup steps dtypes=float32,bfloat16 device=cuda|cpu
  mode=eager|compile|memory profile=0|1 lr weight_decay
mode=memory (device=cpu; bench/gpu-host.js): after `warmup` steps, one step under torch.profiler with
profile_memory, and the peak of the bytes held by live tensors during it: what was live before the
step (parameters, buffers, AdamW's state, the batch; the last step's gradients are freed by
zero_grad(set_to_none=True)) plus the highest running sum of the profiler's allocation events. It is
the tensor memory the same step allocates on a GPU, less what only CUDA kernels allocate (cuBLAS
workspaces) and the caching allocator's rounding to 512 bytes; no GPU is needed.
Timing as bench/gpt.js: `warmup` steps, synchronize, reset the peak memory statistics, `steps` steps,
synchronize; wall time per step (time.perf_counter). profile=1 adds one step under torch.profiler and
prints its kernel table (the device time of each kernel, summed by name).

Prints JSON lines: {"info": true, ...}, then per dtype {"kind": "step", ...} and, with profile=1,
{"kind": "kernels", ...}; a dtype that fails prints {"kind": "error", ...} and the others go on.
Exits with 2 when torch or (device=cuda) a CUDA GPU is missing.

    python3 bench/peers/torch_gpt.py vocab=50304 layers=12 d=768 heads=12 context=256 batch=16 warmup=2 steps=6
"""
import math
import sys
import time
import traceback

from gpu_peer import emit, import_torch, parse_args

DEFAULTS = {
    "vocab": "50304", "layers": "12", "d": "768", "heads": "12", "context": "256", "batch": "16",
    "warmup": "2", "steps": "6", "dtypes": "float32,bfloat16", "device": "cuda", "mode": "eager",
    "profile": "0", "lr": "3e-4", "weight_decay": "0.01",
}


def build(torch, cfg):
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):
        def __init__(self, d, heads, context):
            super().__init__()
            self.heads = heads
            self.ln1 = nn.LayerNorm(d)
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)
            self.ln2 = nn.LayerNorm(d)
            self.fc1 = nn.Linear(d, 4 * d)
            self.fc2 = nn.Linear(4 * d, d)
            self.register_buffer("mask", torch.triu(torch.full((context, context), float("-inf")), 1), persistent=False)

        def forward(self, x):
            B, T, D = x.shape
            H = self.heads
            hd = D // H
            h = self.ln1(x)
            q, k, v = [t.reshape(B, T, H, hd).transpose(1, 2) for t in self.qkv(h).split(D, -1)]
            scores = torch.matmul(q, k.transpose(-2, -1)) * (1 / math.sqrt(hd))
            att = torch.softmax(scores + self.mask[:T, :T], -1)
            y = torch.matmul(att, v).transpose(1, 2).reshape(B, T, D)
            x1 = x + self.proj(y)
            return x1 + self.fc2(F.gelu(self.fc1(self.ln2(x1))))

    class GPT(nn.Module):
        def __init__(self, vocab, d, heads, layers, context):
            super().__init__()
            self.tok = nn.Embedding(vocab, d)
            self.pos = nn.Embedding(context, d)
            self.blocks = nn.ModuleList([Block(d, heads, context) for _ in range(layers)])
            self.lnf = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocab)

        def forward(self, idx):
            T = idx.shape[1]
            x = self.tok(idx) + self.pos(torch.arange(T, device=idx.device))
            for b in self.blocks:
                x = b(x)
            return self.head(self.lnf(x))

    return GPT(cfg["vocab"], cfg["d"], cfg["heads"], cfg["layers"], cfg["context"])


def kernel_table(torch, prof, on_gpu):
    """The profiled step's kernels (GPU) or ops (CPU): name, summed self time in ms, count; sorted."""
    rows = []
    for e in prof.key_averages():
        if on_gpu:
            dt = str(getattr(e, "device_type", ""))
            if not dt.endswith("CUDA"):
                continue
            us = getattr(e, "self_device_time_total", None)
            if us is None:
                us = getattr(e, "self_cuda_time_total", 0)
        else:
            us = e.self_cpu_time_total
        if us and us > 0:
            rows.append({"name": e.key, "ms": us / 1e3, "count": e.count})
    rows.sort(key=lambda r: -r["ms"])
    return rows


def memory_peak(torch, model, opt, live, step, dtype):
    """mode=memory: the peak of live tensor bytes during one step (see the header), from the CPU profiler."""
    from torch.profiler import profile, ProfilerActivity

    def nbytes(t):
        return t.numel() * t.element_size()
    base = sum(nbytes(t) for t in list(model.parameters()) + list(model.buffers()) + live)
    base += sum(nbytes(v) for s in opt.state.values() for v in s.values() if torch.is_tensor(v) and v.dim() > 0)
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        step()
    # every allocation and free in the step, in order (the frees of blocks allocated before the
    # profile began, the last step's gradients, are not reported: `base` leaves those out)
    events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"]
    events.sort(key=lambda e: e.start_us())
    held = peak = 0
    for e in events:
        held += e.nbytes()
        peak = max(peak, held)
    return {"kind": "memory", "dtype": dtype, "device": "cpu", "baseline_bytes": base, "peak_bytes": base + peak,
            "events": len(events)}


def main():
    raw = parse_args("torch_gpt.py", DEFAULTS, sys.argv[1:])
    cfg = {k: int(raw[k]) for k in ("vocab", "layers", "d", "heads", "context", "batch", "warmup", "steps")}
    device = raw["device"]
    on_gpu = device != "cpu"
    torch = import_torch("torch_gpt.py", need_cuda=on_gpu)
    info = {"info": True, "torch": torch.__version__, "cuda": torch.version.cuda, "python": sys.executable.split("/")[-1],
            "mode": raw["mode"], "device": torch.cuda.get_device_name(0) if on_gpu else "cpu"}
    emit(**info)

    def sync():
        if on_gpu:
            torch.cuda.synchronize()

    for dtype in [d for d in raw["dtypes"].split(",") if d]:
        try:
            torch.manual_seed(0)
            model = build(torch, cfg).to(device)
            n_params = sum(p.numel() for p in model.parameters())
            opt = torch.optim.AdamW(model.parameters(), lr=float(raw["lr"]), weight_decay=float(raw["weight_decay"]))
            run = torch.compile(model) if raw["mode"] == "compile" else model
            idx = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["context"]), device=device)
            tgt = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["context"]), device=device)
            low = None if dtype == "float32" else getattr(torch, dtype)

            def step():
                opt.zero_grad(set_to_none=True)
                if low is None:
                    loss = torch.nn.functional.cross_entropy(run(idx).reshape(-1, cfg["vocab"]), tgt.reshape(-1))
                else:
                    with torch.autocast(device_type="cuda" if on_gpu else "cpu", dtype=low):
                        loss = torch.nn.functional.cross_entropy(run(idx).reshape(-1, cfg["vocab"]), tgt.reshape(-1))
                loss.backward()
                opt.step()
                return loss.detach()

            if raw["mode"] == "memory":
                for _ in range(cfg["warmup"]):
                    loss = step()
                emit(**memory_peak(torch, model, opt, [idx, tgt, loss], step, dtype))
                continue
            t0 = time.perf_counter()
            loss = step()
            first = loss.item()
            compile_s = time.perf_counter() - t0 if raw["mode"] == "compile" else None
            for _ in range(1, cfg["warmup"]):
                loss = step()
            sync()
            if on_gpu:
                torch.cuda.reset_peak_memory_stats()
            t0 = time.perf_counter()
            for _ in range(cfg["steps"]):
                loss = step()
            sync()
            secs = (time.perf_counter() - t0) / cfg["steps"]
            rec = {"kind": "step", "dtype": dtype, "mode": raw["mode"], "ms": secs * 1e3,
                   "tokens_per_s": cfg["batch"] * cfg["context"] / secs, "first_loss": first, "last_loss": loss.item(),
                   "params": n_params, "steps": cfg["steps"],
                   "peak_bytes": torch.cuda.max_memory_allocated() if on_gpu else None,
                   "reserved_bytes": torch.cuda.memory_reserved() if on_gpu else None}
            if compile_s is not None:
                rec["compile_s"] = compile_s
            emit(**rec)
            if raw["profile"] == "1" and raw["mode"] == "eager":
                from torch.profiler import profile, ProfilerActivity
                acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if on_gpu else [])
                with profile(activities=acts) as prof:
                    step()
                    sync()
                rows = kernel_table(torch, prof, on_gpu)
                emit(kind="kernels", dtype=dtype, clock="GPU (CUPTI)" if on_gpu else "CPU self", kernels=rows[:200])
            del model, opt, run, idx, tgt, loss
            if on_gpu:
                torch.cuda.empty_cache()
        except Exception as e:  # noqa: BLE001 - reported, then the next dtype
            traceback.print_exc(file=sys.stderr)
            emit(kind="error", dtype=dtype, error=f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
            if on_gpu:
                torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
