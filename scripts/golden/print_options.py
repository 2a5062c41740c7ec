"""print_options.py — torch 1.13's str(tensor) under torch.set_printoptions, for test/print-options.test.ts.

    /usr/bin/python3 scripts/golden/print_options.py > test/golden/print_options.json

Each case: the tensor (dtype, shape, its values, each the shortest text that reads back as the
same value of the dtype (float32 values through Math.fround); complex as [re, im] pairs), the print options set before printing (keywords of torch.set_printoptions, applied
after a reset to profile='default'), the default dtype, and torch's text. The test builds the same
tensor in flintml and compares its toString() with the text, after writing torch's dtype names as
flintml's (torch.float64 -> float64, torch.int64 -> int32, size=(2, 0) -> size=[2, 0]); cases whose
suffix would wrap differently because of those longer names are not made here.
"""
import json
import math

import numpy as np
import torch

F32, F64, I64, BOOL, C64, C128, F16 = torch.float32, torch.float64, torch.int64, torch.bool, torch.complex64, torch.complex128, torch.float16


def num(v, single):
    """JSON text of one value: the shortest that reads back (in float32 when single); strings for nan, ±inf, -0."""
    if math.isnan(v):
        return '"nan"'
    if math.isinf(v):
        return '"inf"' if v > 0 else '"-inf"'
    if v == 0 and math.copysign(1, v) < 0:
        return '"-0"'
    if v == int(v) and abs(v) < 2 ** 53:
        return str(int(v))
    return np.format_float_positional(np.float32(v), unique=True) if single else repr(v)


CASES = []


def case(name, make, opts=None, default=F32):
    CASES.append((name, make, opts or {}, default))


def grid(n, scale=1.0, dtype=F32, off=0.0):
    return lambda: (torch.arange(n, dtype=F64) * scale + off).to(dtype)


# default options
case('fixed, mixed signs', lambda: torch.tensor([1.12345, -2.5, 3.0]))
case('int mode', lambda: torch.tensor([[1., 2.], [3., 4.]]))
case('int mode goes scientific past a ratio of 1000', lambda: torch.tensor([1., 2000.]))
case('scientific: small values', lambda: torch.tensor([1e-5, 1.0, 0.5]))
case('scientific: large values', lambda: torch.tensor([1e9, 1.0]))
case('zeros and nan: width 1', lambda: torch.tensor([0., float('nan')]))
case('inf wider than the width', lambda: torch.tensor([1., float('inf'), -float('inf')]))
case('negative zero', lambda: torch.tensor([-0., 0.]))
case('a 1-D row wraps at linewidth 80', grid(40, 1.25, off=-3.0))
case('2-D rows wrap, indent 8', lambda: (torch.arange(30, dtype=F32) * 1.5).reshape(2, 15))
case('int64 wraps', lambda: torch.arange(100) - 50)
case('bool wraps', lambda: torch.arange(30) % 3 == 0)
case('summarised 2-D', lambda: torch.arange(1089, dtype=F32).reshape(33, 33) / 7)
case('summarised 3-D ints', lambda: torch.arange(1050).reshape(7, 6, 25))
case('summarised long row', lambda: torch.arange(1500, dtype=F32) / 3)
case('0-dim', lambda: torch.tensor(3.25))
case('0-dim int mode', lambda: torch.tensor(-7.))
case('float64 suffix', lambda: torch.tensor([1.5, 2.], dtype=F64))
case('float16 suffix', lambda: torch.tensor([1.5, 2.], dtype=F16))
case('empty int: dtype shown', lambda: torch.zeros(0, dtype=I64))
case('empty bool 2-D: size and dtype', lambda: torch.zeros(2, 0, dtype=BOOL))
case('complex', lambda: torch.tensor([1.5 + 2j, -1 - 0.25j, 3j]))
case('complex wraps', lambda: torch.complex(torch.arange(20, dtype=F32) / 4, -torch.arange(20, dtype=F32)))
case('complex 0-dim', lambda: torch.tensor(1 - 2j))
case('complex128 suffix', lambda: torch.tensor([1 + 2j], dtype=C128))
case('ties to even at precision 4', lambda: torch.tensor([0.03125, 0.09375, 1.5]))
# options
case('precision 2', lambda: torch.tensor([1.12345, -2.5, 3.0, 0.125, 0.375]), {'precision': 2})
case('precision 0', lambda: torch.tensor([1.5, 2.5, 0.25]), {'precision': 0})
case('precision 0, scientific', lambda: torch.tensor([1.5e-5, 2.5, 0.25]), {'precision': 0})
case('precision 8', lambda: torch.tensor([1 / 3, 2 / 3], dtype=F64), {'precision': 8})
case('threshold 5', lambda: torch.arange(10), {'threshold': 5})
case('threshold 5, edgeitems 2, floats', lambda: torch.arange(10, dtype=F32) / 4, {'threshold': 5, 'edgeitems': 2})
case('threshold 5, 2-D', lambda: torch.arange(64, dtype=F32).reshape(8, 8), {'threshold': 5})
case('edgeitems 1', lambda: torch.arange(1050).reshape(30, 35), {'edgeitems': 1})
case('linewidth 40', grid(20, 0.5), {'linewidth': 40})
case('linewidth 40, 2-D', lambda: torch.arange(24, dtype=F32).reshape(2, 12) / 8, {'linewidth': 40})
case('linewidth 1: one per line', lambda: torch.tensor([1., 2., 3.5]), {'linewidth': 1})
case('profile short', lambda: torch.arange(1200, dtype=F32) / 3, {'profile': 'short'})
case('profile full', lambda: torch.arange(1001), {'profile': 'full'})
case('profile short, then precision 3', lambda: torch.tensor([1.23456, 2.5]), {'profile': 'short', 'precision': 3})
case('sci_mode True', lambda: torch.tensor([1.5, -2.25, 100.]), {'sci_mode': True})
case('sci_mode True, int mode', lambda: torch.tensor([1., 2., 3.]), {'sci_mode': True})
case('sci_mode True, zeros only', lambda: torch.zeros(3), {'sci_mode': True})
case('sci_mode False', lambda: torch.tensor([1e-5, 1.0, 12345.]), {'sci_mode': False})
case('sci_mode False, large', lambda: torch.tensor([1e10, 1.5]), {'sci_mode': False})
case('sci_mode True, complex', lambda: torch.tensor([1.5 + 2j, 0.25 - 1j]), {'sci_mode': True})
# the default dtype
case('float64 default: float64 has no suffix', lambda: torch.tensor([1.5, 2.]), {}, F64)
case('float64 default: float32 has one', lambda: torch.tensor([1.5, 2.], dtype=F32), {}, F64)
case('float64 default: complex128 has no suffix', lambda: torch.tensor([1 + 2j]), {}, F64)
case('float64 default: complex64 has one', lambda: torch.tensor([1 + 2j], dtype=C64), {}, F64)
case('float64 default: empty float32', lambda: torch.zeros(0, dtype=F32), {}, F64)
case('float64 default: empty float64', lambda: torch.zeros(2, 0), {}, F64)


def values(t):
    flat = t.detach().reshape(-1)
    single = t.dtype not in (F64, C128)
    if t.dtype.is_complex:
        return '[' + ','.join(f'[{num(z.real, single)},{num(z.imag, single)}]' for z in flat.to(C128).tolist()) + ']'
    if t.dtype == BOOL:
        return '[' + ','.join('true' if v else 'false' for v in flat.tolist()) + ']'
    return '[' + ','.join(num(float(v), single) for v in flat.to(F64).tolist()) + ']'


NAMES = {F32: 'float32', F64: 'float64', F16: 'float16', I64: 'int32', BOOL: 'bool', C64: 'complex64', C128: 'complex128'}
lines = []
for name, make, opts, default in CASES:
    torch.set_default_dtype(default)
    t = make()
    torch.set_printoptions(profile='default')
    torch.set_printoptions(**opts)
    text = str(t)
    torch.set_printoptions(profile='default')
    torch.set_default_dtype(F32)
    head = json.dumps({
        'name': name, 'dtype': NAMES[t.dtype], 'shape': list(t.shape),
        'options': {('sciMode' if k == 'sci_mode' else k): v for k, v in opts.items()},
        'default': NAMES[default], 'torch': text,
    })
    lines.append(head[:-1] + ', "values": ' + values(t) + '}')
print('{"torch": ' + json.dumps(torch.__version__) + ', "cases": [\n' + ',\n'.join(lines) + '\n]}')
