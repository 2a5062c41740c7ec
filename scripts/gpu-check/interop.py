"""interop.py DIR — the Python half of gpu-check.sh's safetensors interop stage (issue 9).

Reads DIR/from-flint.safetensors (written by interop.js with fl.saveSync) with
safetensors.torch.load_file and checks every tensor against values built here from the same closed
formulas (an independent copy of interop.js's), then writes DIR/from-python.safetensors with
safetensors.torch.save_file for interop.js to read back. Without torch (the emulator rehearsal on a
machine with no PyTorch) it uses safetensors.numpy and leaves bfloat16 out, and says so.
Exit codes: 0 equal, 1 a mismatch, 3 safetensors is missing (gpu-check.sh: SKIPPED).
"""
import os
import sys


def v(i):
    return (((i * 37) % 101) - 50) / 4


SPECS = {
    "f32": ("float32", [3, 5, 7], v),
    "f16": ("float16", [4, 6], v),
    "bf16": ("bfloat16", [4, 6], v),
    "f64": ("float64", [10], lambda i: v(i) + i * 2.0 ** -40),
    "i32": ("int32", [2, 3, 4], lambda i: (((i * 37) % 101) - 50) * 40000),
    "u8": ("uint8", [17], lambda i: (i * 37) % 256),
    "bool": ("bool", [9], lambda i: i % 3 == 0),
    "scalar": ("float32", [], lambda i: v(7)),
}


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def main():
    d = sys.argv[1]
    try:
        import safetensors
    except ImportError:
        print(f"interop.py: python {sys.executable} has no safetensors module")
        return 3
    try:
        import torch
        from safetensors.torch import load_file, save_file
        writer = "safetensors.torch"
    except ImportError:
        torch = None
        try:
            import numpy as np
        except ImportError:
            print(f"interop.py: python {sys.executable} has safetensors but neither torch nor numpy")
            return 3
        from safetensors.numpy import load_file, save_file
        writer = "safetensors.numpy"
        print("interop.py: no torch here: safetensors.numpy, bfloat16 left out (a rehearsal, not the check)")
    from safetensors import safe_open

    src = os.path.join(d, "from-flint.safetensors")
    with safe_open(src, framework="np" if torch is None else "pt") as f:
        meta = f.metadata() or {}
        if torch is None:  # numpy has no bfloat16: read the others one by one
            got = {k: f.get_tensor(k) for k in f.keys() if f.get_slice(k).get_dtype() != "BF16"}
    if torch is not None:
        got = load_file(src)  # the check the issue asks for: safetensors.torch.load_file
    errors = []
    if meta.get("source") != "flintml":
        errors.append(f"metadata {meta}, expected source=flintml")
    want = dict(SPECS)
    want["f32_t"] = ("float32", [3, 5], lambda i: v((i % 5) * 3 + i // 5))  # [5, 3].t(): element (r, c) = v(c * 3 + r)
    if torch is None:
        want.pop("bf16")
    for name, (dtype, shape, f) in want.items():
        if name not in got:
            errors.append(f"{name}: missing")
            continue
        t = got[name]
        exp = [f(i) for i in range(numel(shape))]
        if torch is not None:
            if t.dtype != getattr(torch, dtype) or list(t.shape) != shape:
                errors.append(f"{name}: {t.dtype} {list(t.shape)}, expected {dtype} {shape}")
                continue
            vals = t.reshape(-1).to(torch.float64 if dtype != "bool" else torch.bool).tolist()
        else:
            if str(t.dtype) != dtype or list(t.shape) != shape:
                errors.append(f"{name}: {t.dtype} {list(t.shape)}, expected {dtype} {shape}")
                continue
            vals = t.reshape(-1).tolist()
        bad = [i for i in range(len(exp)) if vals[i] != exp[i]]
        if bad:
            errors.append(f"{name}: element {bad[0]} is {vals[bad[0]]}, expected {exp[bad[0]]} ({len(bad)} differ)")
    extra = sorted(set(got) - set(want))
    if extra:
        errors.append(f"unexpected tensors: {extra}")
    if errors:
        print(f"interop.py: {src} does NOT match ({writer}):\n  " + "\n  ".join(errors))
        return 1
    print(f"interop.py: {len(want)} tensors written by flintml load in {writer} with equal values")

    out = {}
    specs = dict(SPECS)
    specs["i64"] = ("int64", [5], lambda i: (((i * 37) % 101) - 50) * 40000)
    for name, (dtype, shape, f) in specs.items():
        vals = [f(i) for i in range(numel(shape))]
        if torch is not None:
            out[name] = torch.tensor(vals, dtype=getattr(torch, dtype)).reshape(shape)
        elif dtype != "bfloat16":
            out[name] = np.array(vals, dtype=dtype).reshape(shape)
    dst = os.path.join(d, "from-python.safetensors")
    save_file(out, dst, metadata={"source": "python", "writer": writer})
    print(f"interop.py: wrote {len(out)} tensors with {writer} to {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
