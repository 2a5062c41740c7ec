#!/usr/bin/env python3
"""Golden fixtures for test/safetensors.test.ts, and a reader to check files flintml writes.

    python3 scripts/golden/safetensors.py            # writes test/golden/safetensors_*.{safetensors,json}
    python3 scripts/golden/safetensors.py verify F   # reads F, checks it strictly, prints its tensors

The Python `safetensors` package is used when it is installed. It is not packaged for Debian
(no python3-safetensors) and PyPI is not reachable here, so otherwise the file is written by the
small writer below, which follows the format's public spec and the reference writer's layout
(huggingface/safetensors, safetensors/src/tensor.rs `prepare`): tensors ordered by descending dtype
(BOOL < U8 < I8 < I16 < F16 < BF16 < I32 < F32 < F64 < I64) then name, compact JSON with
`__metadata__` first, header padded with spaces to a multiple of 8. Values come from torch.
"""
import json
import math
import os
import struct
import sys

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'golden')

CODE = {
    torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8',
    torch.uint8: 'U8', torch.bool: 'BOOL',
}
TORCH = {v: k for k, v in CODE.items()}
RANK = ['BOOL', 'U8', 'I8', 'I16', 'F16', 'BF16', 'I32', 'F32', 'F64', 'I64']  # ascending alignment
ITEMSIZE = {'F64': 8, 'F32': 4, 'F16': 2, 'BF16': 2, 'I64': 8, 'I32': 4, 'I16': 2, 'I8': 1, 'U8': 1, 'BOOL': 1}


def raw(t):
    t = t.contiguous()
    if t.dtype in (torch.bfloat16, torch.float16):
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_spec(path, tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-RANK.index(CODE[kv[1].dtype]), kv[0].encode('utf-8')))
    header, datas, pos = {}, [], 0
    if metadata is not None:
        header['__metadata__'] = dict(sorted(metadata.items()))
    for name, t in items:
        b = raw(t)
        header[name] = {'dtype': CODE[t.dtype], 'shape': list(t.shape), 'data_offsets': [pos, pos + len(b)]}
        datas.append(b)
        pos += len(b)
    # ensure_ascii=False: serde_json writes UTF-8, not \u escapes
    h = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(datas))


def write(path, tensors, metadata=None):
    try:
        from safetensors.torch import save_file
    except ImportError:
        return write_spec(path, tensors, metadata)
    save_file(tensors, path, metadata)


def read_strict(path):
    """An independent strict reader (spec rules as the reference reader enforces them)."""
    with open(path, 'rb') as f:
        buf = f.read()
    assert len(buf) >= 8, 'too short'
    n = struct.unpack('<Q', buf[:8])[0]
    assert n <= len(buf) - 8, 'header length beyond file'
    assert n % 8 == 0, 'header not padded to 8 (the reference writer pads)'
    pairs = json.loads(buf[8:8 + n].decode('utf-8'), object_pairs_hook=lambda p: p)
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), 'duplicate keys'
    header = dict(pairs)
    meta = dict(header.pop('__metadata__', []))
    data = buf[8 + n:]
    out, pos = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: dict(kv[1])['data_offsets']):
        info = dict(info)
        b, e = info['data_offsets']
        assert b == pos and e >= b, f'{name}: offsets not contiguous'
        count = math.prod(info['shape'])
        assert e - b == count * ITEMSIZE[info['dtype']], f'{name}: size mismatch'
        assert b % ITEMSIZE[info['dtype']] == 0, f'{name}: data not aligned to its item size'
        dt = TORCH[info['dtype']]
        chunk = bytearray(data[b:e])
        if count == 0:
            t = torch.empty(info['shape'], dtype=dt)
        elif dt in (torch.float16, torch.bfloat16):
            t = torch.frombuffer(chunk, dtype=torch.int16).view(dt).reshape(info['shape'])
        else:
            t = torch.frombuffer(chunk, dtype=dt).reshape(info['shape'])
        out[name] = t
        pos = e
    assert pos == len(data), 'data buffer not fully covered'
    return out, meta


def values(t):
    def enc(v):
        if isinstance(v, float) and not math.isfinite(v):
            return 'nan' if math.isnan(v) else ('inf' if v > 0 else '-inf')
        return v
    flat = t.reshape(-1)
    if t.dtype == torch.bool:
        return [bool(v) for v in flat.tolist()]
    if t.dtype.is_floating_point:
        return [enc(float(v)) for v in flat.double().tolist()]
    return [int(v) for v in flat.tolist()]


def fixtures():
    nan, inf = float('nan'), float('inf')
    g = torch.Generator().manual_seed(0)
    all_dtypes = {
        'f32': torch.tensor([[1.5, -2.25, nan], [inf, -inf, -0.0]], dtype=torch.float32),
        'f32.rand': torch.randn(3, 4, generator=g),
        'f64': torch.tensor([1 / 3, -1e300, 5e-324], dtype=torch.float64),
        'f16': torch.tensor([[0.0, -0.0, 1.0, 65504.0], [6e-8, inf, nan, -2.5]], dtype=torch.float16),
        'bf16': torch.tensor([1.0, -3.140625, 1e38, inf, nan], dtype=torch.bfloat16),
        'i32': torch.tensor([[2147483647, -2147483648], [0, -7]], dtype=torch.int32),
        'u8': torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        'bool': torch.tensor([True, False, True]),
        'i64': torch.tensor([[-2147483648, 2147483647, -1], [0, 1, 123456789]], dtype=torch.int64),
        'i16': torch.tensor([-32768, 32767, -1, 5], dtype=torch.int16),
        'i8': torch.tensor([[-128, 127], [-1, 0]], dtype=torch.int8),
        'scalar': torch.tensor(3.5, dtype=torch.float32),
        'empty': torch.zeros(0, 3, dtype=torch.float32),
        'layer.0/weight \u00fc': torch.tensor([7], dtype=torch.int32),
    }
    meta = {'format': 'pt', 'note': 'flintml golden \u2713'}
    write(os.path.join(OUT, 'safetensors_py.safetensors'), all_dtypes, meta)
    ref = {'metadata': meta, 'tensors': {
        k: {'dtype': CODE[t.dtype], 'shape': list(t.shape), 'values': values(t),
            **({'bits': [int(v) & 0xffff for v in t.view(torch.int16).reshape(-1).tolist()]}
               if t.dtype in (torch.float16, torch.bfloat16) else {})}
        for k, t in all_dtypes.items()}}
    with open(os.path.join(OUT, 'safetensors_py.json'), 'w') as f:
        json.dump(ref, f, indent=1, ensure_ascii=False)
        f.write('\n')
    # only flintml's dtypes: flintml must rewrite this file byte for byte
    flint_only = {k: t for k, t in all_dtypes.items() if k not in ('i64', 'i16', 'i8')}
    write(os.path.join(OUT, 'safetensors_flint.safetensors'), flint_only, {'format': 'pt'})
    # self-check: the strict reader gives the values back
    for name in ('safetensors_py.safetensors', 'safetensors_flint.safetensors'):
        got, _ = read_strict(os.path.join(OUT, name))
        for k, t in got.items():
            want = all_dtypes[k]
            assert t.dtype == want.dtype and t.shape == want.shape and raw(t) == raw(want), k


def verify(path):
    tensors, meta = read_strict(path)
    print('metadata', json.dumps(meta, ensure_ascii=False))
    for k, t in tensors.items():
        print(k, CODE[t.dtype], list(t.shape), json.dumps(values(t)),
              'bits=' + json.dumps([int(v) & 0xffff for v in t.view(torch.int16).reshape(-1).tolist()])
              if t.dtype in (torch.float16, torch.bfloat16) else '')


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'verify':
        verify(sys.argv[2])
    else:
        fixtures()
