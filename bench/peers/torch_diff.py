#!/usr/bin/env python3
"""torch_diff.py: the PyTorch side of bench/torch-diff.js (the differential fuzzer against PyTorch).

Reads one JSON document on stdin: a list of cases
  {"id": i, "ins": [{"dtype", "shape", "v", "layout"}...], "a": {...}, "py": "<expression>", "grad": bool}
builds the inputs exactly as the JavaScript side does, evaluates the expression with torch (names in
scope: torch, F (torch.nn.functional), a (the case's arguments as attributes), x0, x1, ... (the
inputs) and xs (the list of inputs)), and writes one JSON line per case:
  {"id": i, "ok": true, "out": <value>, "grads": [<value or null>...]}  or  {"id": i, "ok": false, "err": "..."}
A value is {"t": [dtype, shape, flat values]} for a tensor, {"l": [values]} for a tuple or list,
{"n": number} for a Python number or bool, {"none": true} for None. Non-finite floats travel as the
strings "nan", "inf" and "-inf". flintml's int32 stands for torch's int64 (flintml has no int64), so
integer inputs are built as int64.
"""
import json
import math
import sys
import types

import torch
import torch.nn.functional as F

torch.set_num_threads(1)

DT = {
    'float32': torch.float32, 'float64': torch.float64, 'float16': torch.float16,
    'bfloat16': torch.bfloat16, 'int32': torch.int64, 'uint8': torch.uint8, 'bool': torch.bool,
}
NAMES = {
    torch.float32: 'float32', torch.float64: 'float64', torch.float16: 'float16',
    torch.bfloat16: 'bfloat16', torch.int64: 'int32', torch.int32: 'int32(torch int32)',
    torch.uint8: 'uint8', torch.bool: 'bool', torch.int16: 'int16', torch.int8: 'int8',
    torch.complex64: 'complex64', torch.complex128: 'complex128',
}


def num_in(v):
    if isinstance(v, str):
        return {'nan': math.nan, 'inf': math.inf, '-inf': -math.inf, '-0': -0.0}[v]
    return v


def num_out(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        return 'nan' if math.isnan(v) else ('inf' if v > 0 else '-inf')
    return v


def build(spec, grad):
    dt = DT[spec['dtype']]
    shape = spec['shape']
    vals = [num_in(v) for v in spec['v']]
    # Always contiguous here: the layout ('t', stored transposed) is flintml's to handle, and torch
    # 1.13 itself has layout bugs (masked_select's gradient of a transposed, broadcast input is wrong).
    t = torch.tensor(vals, dtype=torch.float64).reshape(shape).to(dt)
    if grad and t.is_floating_point():
        t = t.detach().requires_grad_()
    return t


def enc(v):
    if isinstance(v, torch.Tensor):
        d = v.detach()
        name = NAMES.get(d.dtype, str(d.dtype))
        if d.is_complex():  # the real view's values (re, im interleaved), as bench/torch-diff.js's flat()
            flat = torch.view_as_real(d.resolve_conj().to(torch.complex128)).reshape(-1).tolist()
            return {'t': [name, list(d.shape), [num_out(x) for x in flat]]}
        flat = d.reshape(-1).to(torch.float64).tolist() if d.dtype != torch.bool else d.reshape(-1).to(torch.int64).tolist()
        return {'t': [name, list(d.shape), [num_out(x) for x in flat]]}
    if isinstance(v, (tuple, list)):
        return {'l': [enc(x) for x in v]}
    if isinstance(v, (bool, int, float)):
        return {'n': num_out(v)}
    if v is None:
        return {'none': True}
    if isinstance(v, str):
        return {'s': v}
    if isinstance(v, torch.dtype):
        return {'s': NAMES.get(v, str(v))}
    if isinstance(v, torch.Size):
        return {'l': [{'n': x} for x in v]}
    return {'s': repr(v)}


def first_tensor(v):
    if isinstance(v, torch.Tensor):
        return v
    if isinstance(v, (tuple, list)):
        for x in v:
            if isinstance(x, torch.Tensor):
                return x
    return None


def weights(n, dtype):
    # The fixed weights of the backward check, the same on both sides: w_i = ((i * 7919) % 13 - 6) / 4.
    return ((torch.arange(n, dtype=torch.float64) * 7919) % 13 - 6) / 4


def run(case, half_as_float=None, grad=None):
    grad = case.get('grad', False) if grad is None else grad
    xs = [build(s, grad) for s in case['ins']]
    if half_as_float:
        # torch 1.13 has no CPU kernel for this op in this 16-bit dtype: compute in float32 and
        # round the result to it, as a GPU's 16-bit kernel does.
        xs = [x.detach().float().requires_grad_(x.requires_grad) if x.dtype == half_as_float else x for x in xs]
    env = {'torch': torch, 'F': F, 'math': math, 'a': types.SimpleNamespace(**case.get('a', {})), 'xs': xs}
    for i, x in enumerate(xs):
        env['x%d' % i] = x
    out = eval(case['py'], env)
    # (not when the call names its result's dtype: a.dt, as cumsum(x, d, dtype=...))
    if half_as_float and rounds_back(case['ins'], half_as_float) and case.get('a', {}).get('dt') is None:
        out = half(out, half_as_float)
    res = {'id': case['id'], 'ok': True, 'out': enc(out)}
    if grad:
        y = first_tensor(out)
        leaves = [x for x in xs if x.requires_grad]
        grads = []
        if y is not None and y.requires_grad and leaves:
            if y.is_complex():  # the weighted sum of both parts (its real view), as bench/torch-diff.js's
                y = torch.view_as_real(y.resolve_conj())
            w = weights(y.numel(), y.dtype).reshape(y.shape)
            gs = torch.autograd.grad((y.to(torch.float64) * w).sum(), leaves, allow_unused=True)
            if half_as_float:
                gs = [g.to(half_as_float) if g is not None and x.dtype == torch.float32 and DT[s['dtype']] == half_as_float else g
                      for g, x, s in zip(gs, leaves, [s for s, x in zip(case['ins'], xs) if x.requires_grad])]
            grads = [enc(g) if g is not None else {'none': True} for g in gs]
        res['grads'] = grads
    return res


def rounds_back(ins, dt):
    # Whether the op's result would have been the 16-bit dtype dt: every floating operand is of it
    # (float16 beside bfloat16 promotes to float32; a 0-dim operand counts only when every operand is
    # 0-dim, torch's promotion rule).
    dims = [s for s in ins if len(s['shape']) > 0] or ins
    floats = [DT[s['dtype']] for s in dims if DT[s['dtype']].is_floating_point]
    return all(f == dt for f in floats)


def half(v, dt):
    if isinstance(v, torch.Tensor) and v.dtype == torch.float32:
        return v.to(dt)
    if isinstance(v, (tuple, list)):
        return [half(x, dt) for x in v]
    return v


def attempt(case):
    try:
        return run(case)
    except Exception as e:
        msg = str(e)
        if "for 'Half'" in msg:
            return run(case, half_as_float=torch.float16)
        if "for 'BFloat16'" in msg:
            return run(case, half_as_float=torch.bfloat16)
        if case.get('grad') and 'derivative for' in msg and 'not implemented' in msg:
            # torch has no gradient for this op: compare the values only.
            res = run(case, grad=False)
            res['noGrad'] = True
            return res
        raise


def main():
    cases = json.load(sys.stdin)
    out = sys.stdout
    for case in cases:
        try:
            res = attempt(case)
        except Exception as e:  # the case's error is its result
            res = {'id': case['id'], 'ok': False, 'err': '%s: %s' % (type(e).__name__, str(e).split('\n')[0][:300])}
        out.write(json.dumps(res, allow_nan=False) + '\n')
    out.flush()


if __name__ == '__main__':
    main()
