"""gpu_peer.py — what the GPU peers (torch_gpu.py, torch_gpt.py) share: key=value arguments checked
against the script's defaults, JSON-line output, and importing torch (exit 2 with the reason on
stderr when torch or a required CUDA GPU is missing, which bench/gpu.js and bench/gpt.js report as
"no peer")."""
import json
import sys


def emit(**kw):
    print(json.dumps(kw), flush=True)


def parse_args(script, defaults, argv):
    cfg = dict(defaults)
    for a in argv:
        if "=" not in a:
            sys.exit(f"{script}: expected key=value arguments, got {a!r}")
        k, v = a.split("=", 1)
        if k not in defaults:
            sys.exit(f"{script}: unknown argument {k!r} (known: {', '.join(defaults)})")
        cfg[k] = v
    return cfg


def import_torch(script, need_cuda):
    try:
        import torch
    except Exception as e:  # noqa: BLE001 - any import failure is fatal here
        print(f"{script}: cannot import torch with {sys.executable}: {e}", file=sys.stderr)
        sys.exit(2)
    if need_cuda and not torch.cuda.is_available():
        print(f"{script}: torch.cuda.is_available() is False (torch {torch.__version__}, built with CUDA "
              f"{torch.version.cuda}, python {sys.executable}): the PyTorch peer needs a CUDA GPU", file=sys.stderr)
        sys.exit(2)
    return torch
