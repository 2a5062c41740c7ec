"""torch_gpu.py — the PyTorch CUDA peer of bench/gpu.js: the same cases, sizes and timing method on
the same GPU (device 0), one run of every case per call; bench/gpu.js calls it once per round.

Arguments are key=value words (bench/gpu.js passes them all; the defaults are the full sizes):
  sections=gemm,small_op,bandwidth,transfer,overlap   gemm_n=1024,2048,4096,8192
  gemm_dtypes=float32,tf32,bfloat16,float16           small_ops=10000 small_numel=1024 small_runs=5
  bw_numel=67108864 softmax_rows=65536 softmax_cols=1024  xfer_numel=67108864 xfer_reps=5
  ov_chunks=8 ov_rows=2048 ov_cols=4096                min_ms=50 reps=3

Method (the same as bench/gpu.js):
- event-timed loops (gemm, bandwidth): 3 untimed calls (1 when one takes over 0.5 s), then a loop
  of k calls between two torch.cuda.Event(enable_timing=True), k grown until one loop takes >= min_ms;
  then `reps` loops of that k, median. Results are dropped at once (the caching allocator reuses
  their memory).
- small_op: `small_runs` batches of `small_ops` torch.add calls, each batch ended by
  torch.cuda.synchronize(), wall time (time.perf_counter) per op, median; one untimed batch first.
- transfer: h2d `x_pinned.to('cuda', non_blocking=True)` + synchronize, wall time; d2h
  `out_pinned.copy_(y, non_blocking=True)` into a preallocated pinned tensor, timed with events
  around the copy; d2h `y.to('cpu')` (blocking, pageable result), wall time. Median of xfer_reps.
- overlap: see bench/gpu.js.
TF32 is switched with torch.backends.cuda.matmul.fp32_precision ('tf32' / 'ieee') where this torch
has it (>= 2.9, where allow_tf32 is deprecated and mixing the two APIs is an error), else with
torch.backends.cuda.matmul.allow_tf32.

Prints JSON lines: first {"info": true, "torch", "cuda", "device", "capability", ...}, then one line
per case: {"section", <the case's fields>, "metric", "value", ...} or {"section", <fields>, "error"}.
Exits with code 2 and a message on stderr when torch or a CUDA GPU is missing.

    python3 bench/peers/torch_gpu.py sections=gemm gemm_n=1024 gemm_dtypes=bfloat16
"""
import statistics
import sys
import time
import traceback

from gpu_peer import emit, import_torch, parse_args

DEFAULTS = {
    "sections": "gemm,small_op,bandwidth,transfer,overlap",
    "gemm_n": "1024,2048,4096,8192",
    "gemm_dtypes": "float32,tf32,bfloat16,float16",
    "small_ops": "10000", "small_numel": "1024", "small_runs": "5",
    "bw_numel": str(1 << 26), "softmax_rows": "65536", "softmax_cols": "1024",
    "xfer_numel": str(1 << 26), "xfer_reps": "5",
    "ov_chunks": "8", "ov_rows": "2048", "ov_cols": "4096",
    "min_ms": "50", "reps": "3",
}
MAX_K = 100000


def ints(s):
    return [int(x) for x in s.split(",") if x]


def main():
    cfg = parse_args("torch_gpu.py", DEFAULTS, sys.argv[1:])
    torch = import_torch("torch_gpu.py", need_cuda=True)
    dev = torch.device("cuda:0")
    torch.cuda.set_device(dev)

    def matmul_flag(name):
        # torch.backends.cuda.matmul raises AssertionError (old torch) or AttributeError for unknown names
        try:
            return getattr(torch.backends.cuda.matmul, name)
        except (AttributeError, AssertionError):
            return None

    new_tf32_api = matmul_flag("fp32_precision") is not None

    def set_tf32(on):
        if new_tf32_api:
            torch.backends.cuda.matmul.fp32_precision = "tf32" if on else "ieee"
        else:
            torch.backends.cuda.matmul.allow_tf32 = on

    set_tf32(False)
    props = torch.cuda.get_device_properties(dev)
    emit(info=True, torch=torch.__version__, cuda=torch.version.cuda, python=sys.executable,
         device=props.name, capability=list(torch.cuda.get_device_capability(dev)),
         multiprocessors=props.multi_processor_count, total_memory=props.total_memory,
         tf32_api="torch.backends.cuda.matmul.fp32_precision" if new_tf32_api else "torch.backends.cuda.matmul.allow_tf32",
         fp16_reduced_precision_reduction=matmul_flag("allow_fp16_reduced_precision_reduction"),
         bf16_reduced_precision_reduction=matmul_flag("allow_bf16_reduced_precision_reduction"))

    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    min_ms = float(cfg["min_ms"])
    reps = int(cfg["reps"])

    def loop_ms(body, k):
        start.record()
        for _ in range(k):
            body()
        end.record()
        end.synchronize()
        return start.elapsed_time(end)

    def timed_loop(body):
        """ms per call: warm-up, grow k until a loop takes >= min_ms, then the median of reps loops."""
        t0 = time.perf_counter()
        body()
        torch.cuda.synchronize()
        if time.perf_counter() - t0 < 0.5:  # 3 warm-up calls, 1 when a call is slow (as bench/gpu.js)
            body()
            body()
            torch.cuda.synchronize()
        k = 1
        while True:
            ms = loop_ms(body, k)
            if ms >= min_ms or k >= MAX_K:
                break
            k = min(MAX_K, int(-(-k * min(100.0, max(2.0, 1.25 * min_ms / max(ms, 1e-3))) // 1)))
        per = [loop_ms(body, k) / k for _ in range(reps)]
        return statistics.median(per), k

    def attempt(section, fields, fn):
        try:
            emit(section=section, **fields, **fn())
        except Exception as e:  # noqa: BLE001 - report the case as failed, go on with the others
            emit(section=section, **fields, error=f"{type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
            try:
                torch.cuda.synchronize()
            except Exception:  # noqa: BLE001
                pass

    sections = cfg["sections"].split(",")
    g = torch.Generator(device=dev).manual_seed(0)

    if "gemm" in sections:
        dtypes = {"float32": torch.float32, "tf32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
        for dt in cfg["gemm_dtypes"].split(","):
            for n in ints(cfg["gemm_n"]):
                def gemm(dt=dt, n=n):
                    a = torch.randn(n, n, device=dev, dtype=dtypes[dt], generator=g)
                    b = torch.randn(n, n, device=dev, dtype=dtypes[dt], generator=g)
                    set_tf32(dt == "tf32")
                    try:
                        ms, k = timed_loop(lambda: torch.matmul(a, b))
                    finally:
                        set_tf32(False)
                    return {"metric": "tflops", "value": 2 * n ** 3 / (ms * 1e-3) / 1e12, "ms": ms, "k": k}
                attempt("gemm", {"dtype": dt, "n": n}, gemm)

    if "small_op" in sections:
        ops, numel, runs = int(cfg["small_ops"]), int(cfg["small_numel"]), int(cfg["small_runs"])

        def small():
            a = torch.randn(numel, device=dev, generator=g)
            b = torch.randn(numel, device=dev, generator=g)
            add, sync = torch.add, torch.cuda.synchronize
            sync()
            for _ in range(ops):
                add(a, b)
            sync()
            per = []
            for _ in range(runs):
                t0 = time.perf_counter()
                for _ in range(ops):
                    add(a, b)
                sync()
                per.append((time.perf_counter() - t0) / ops)
            return {"metric": "us", "value": statistics.median(per) * 1e6, "runs": runs}
        attempt("small_op", {"op": "add", "numel": numel, "ops": ops}, small)

    if "bandwidth" in sections:
        n = int(cfg["bw_numel"])
        rows, cols = int(cfg["softmax_rows"]), int(cfg["softmax_cols"])

        def bw_add():
            a = torch.randn(n, device=dev, generator=g)
            b = torch.randn(n, device=dev, generator=g)
            ms, k = timed_loop(lambda: torch.add(a, b))
            return {"metric": "GB/s", "value": 3 * 4 * n / (ms * 1e-3) / 1e9, "ms": ms, "k": k}

        def bw_sum():
            a = torch.randn(n, device=dev, generator=g)
            ms, k = timed_loop(lambda: torch.sum(a))
            return {"metric": "GB/s", "value": 4 * n / (ms * 1e-3) / 1e9, "ms": ms, "k": k}

        def bw_softmax():
            x = torch.randn(rows, cols, device=dev, generator=g)
            ms, k = timed_loop(lambda: torch.softmax(x, dim=-1))
            return {"metric": "GB/s", "value": 2 * 4 * rows * cols / (ms * 1e-3) / 1e9, "ms": ms, "k": k}

        attempt("bandwidth", {"op": "add", "shape": [n]}, bw_add)
        attempt("bandwidth", {"op": "sum", "shape": [n]}, bw_sum)
        attempt("bandwidth", {"op": "softmax", "shape": [rows, cols]}, bw_softmax)

    if "transfer" in sections:
        n, xreps = int(cfg["xfer_numel"]), int(cfg["xfer_reps"])
        nbytes = 4 * n

        def h2d():
            x = torch.empty(n, dtype=torch.float32, pin_memory=True)
            per = []
            for i in range(2 + xreps):
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                y = x.to(dev, non_blocking=True)
                torch.cuda.synchronize()
                if i >= 2:
                    per.append(time.perf_counter() - t0)
                del y
            return {"metric": "GB/s", "value": nbytes / statistics.median(per) / 1e9, "reps": xreps}

        def d2h_dma():
            y = torch.randn(n, device=dev, generator=g)
            out = torch.empty(n, dtype=torch.float32, pin_memory=True)
            per = []
            for i in range(2 + xreps):
                torch.cuda.synchronize()
                start.record()
                out.copy_(y, non_blocking=True)
                end.record()
                end.synchronize()
                if i >= 2:
                    per.append(start.elapsed_time(end) * 1e-3)
            return {"metric": "GB/s", "value": nbytes / statistics.median(per) / 1e9, "reps": xreps}

        def d2h_pageable():
            y = torch.randn(n, device=dev, generator=g)
            per = []
            for i in range(2 + xreps):
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                h = y.to("cpu")
                if i >= 2:
                    per.append(time.perf_counter() - t0)
                del h
            return {"metric": "GB/s", "value": nbytes / statistics.median(per) / 1e9, "reps": xreps}

        attempt("transfer", {"dir": "h2d", "bytes": nbytes}, h2d)
        attempt("transfer", {"dir": "d2h_dma", "bytes": nbytes}, d2h_dma)
        attempt("transfer", {"dir": "d2h_pageable", "bytes": nbytes}, d2h_pageable)

    if "overlap" in sections:
        chunks, rows, cols = int(cfg["ov_chunks"]), int(cfg["ov_rows"]), int(cfg["ov_cols"])
        try:
            host = [torch.randn(rows, cols, generator=torch.Generator().manual_seed(i)).pin_memory() for i in range(chunks)]
            w = torch.randn(cols, cols, device=dev, generator=g)
            sa, sb = torch.cuda.Stream(), torch.cuda.Stream()
            copied = [torch.cuda.Event() for _ in range(chunks)]
            torch.cuda.synchronize()

            def copies_alone():
                torch.cuda.synchronize()
                with torch.cuda.stream(sa):
                    start.record(sa)
                    dev_chunks = [h.to(dev, non_blocking=True) for h in host]
                    end.record(sa)
                end.synchronize()
                return start.elapsed_time(end), dev_chunks

            def compute_alone(dev_chunks):
                torch.cuda.synchronize()
                with torch.cuda.stream(sb):
                    start.record(sb)
                    for d in dev_chunks:
                        torch.matmul(d, w)
                    end.record(sb)
                end.synchronize()
                return start.elapsed_time(end)

            def both():
                torch.cuda.synchronize()
                start.record(sa)
                sb.wait_event(start)
                dev_chunks = []
                for i, h in enumerate(host):
                    with torch.cuda.stream(sa):
                        d = h.to(dev, non_blocking=True)
                        copied[i].record(sa)
                    dev_chunks.append(d)
                    with torch.cuda.stream(sb):
                        sb.wait_event(copied[i])
                        torch.matmul(d, w)
                end.record(sb)
                end.synchronize()
                torch.cuda.synchronize()
                return start.elapsed_time(end)

            both()  # warm-up (allocations, cuBLAS handles on both streams)
            c_ms, p_ms, b_ms = [], [], []
            for _ in range(reps):
                ms, dc = copies_alone()
                c_ms.append(ms)
                p_ms.append(compute_alone(dc))
                del dc
                b_ms.append(both())
            c, p, b = statistics.median(c_ms), statistics.median(p_ms), statistics.median(b_ms)
            fields = {"chunks": chunks, "rows": rows, "cols": cols}
            emit(section="overlap", part="copy", metric="ms", value=c, **fields)
            emit(section="overlap", part="compute", metric="ms", value=p, **fields)
            emit(section="overlap", part="both", metric="ms", value=b, **fields)
            emit(section="overlap", part="fraction", metric="fraction", value=(c + p - b) / min(c, p), **fields)
            emit(section="overlap", part="speedup", metric="x", value=(c + p) / b, **fields)
        except Exception as e:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            for part in ("copy", "compute", "both", "fraction", "speedup"):
                emit(section="overlap", part=part, chunks=chunks, rows=rows, cols=cols, error=f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
