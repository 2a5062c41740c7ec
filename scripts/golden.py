#!/usr/bin/python3
"""golden.py — records PyTorch's answers for flintml's elementwise, creation and layout ops.

Writes test/golden/elementwise.json, which test/golden.test.ts checks flintml against (the test
suite itself never needs Python). Run from the repository root with PyTorch (made with 1.13):

    /usr/bin/python3 scripts/golden.py

Values are stored as JSON numbers, except NaN and ±inf, which JSON cannot hold: they are the
strings "nan", "inf" and "-inf". Float results are recorded twice, computed by PyTorch in float64
and in float32 (the float32 numbers are exact float32 values). PyTorch's int64 (integer inputs,
integer Python scalars, arange of integers) is written as "int32": flintml's integer dtype
(index tensors are int32), and every int64 result here fits in int32.
"""
import json
import math
import os

import torch

FLOATS = {"float32": torch.float32, "float64": torch.float64}
DT_NAMES = {
    torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.bfloat16: "bfloat16",
    torch.int32: "int32", torch.int64: "int32", torch.uint8: "uint8", torch.bool: "bool",
}
DTYPES = ["float32", "float64", "float16", "bfloat16", "int32", "uint8", "bool"]
TORCH_DT = {
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16,
    "int32": torch.int32, "uint8": torch.uint8, "bool": torch.bool,
}


def enc(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def values(t):
    """Flat row-major values of a tensor, JSON-safe."""
    t = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.bool:
        return [bool(x) for x in t.tolist()]
    if t.dtype.is_floating_point:
        return [enc(float(x)) for x in t.to(torch.float64).tolist()]
    return [int(x) for x in t.tolist()]


def result(t):
    return {"shape": list(t.shape), "dtype": DT_NAMES[t.dtype], "values": values(t)}


# ---- inputs -------------------------------------------------------------------------------------
# A [3, 1, 4] and B [2, 4] broadcast to [3, 2, 4]. They hold negatives, zero, a large and a small
# value, and equal pairs (0.5, 2, 4, -2) so that comparisons see ties; B holds a zero divisor.
A = [-3.5, -1.0, 0.5, 0.0, 0.25, 1.0, 2.5, 7.0, 1e-3, -2.0, 100.0, 4.0]
A_SHAPE = [3, 1, 4]
B = [2.0, -3.0, 0.5, 0.0, -2.0, 4.0, 0.3, -0.7]
B_SHAPE = [2, 4]
# unary input: signs, halves (round half to even), tiny and large magnitudes, ±inf, NaN
U = [-100.0, -20.0, -3.5, -2.5, -1.0, -0.5, -1e-4, 0.0, 1e-4, 0.5, 1.5, 2.5, 3.0, 20.0, 100.0,
     float("inf"), float("-inf"), float("nan")]
# integer inputs: floored division and remainder follow the divisor's sign
IA = [-7, -3, 0, 5, 9, -12]
IA_SHAPE = [2, 1, 3]
IB = [2, -3, 4, -5, 1, 7]
IB_SHAPE = [2, 3]


def ft(vals, shape, dt):
    return torch.tensor(vals, dtype=torch.float64).reshape(shape).to(FLOATS[dt])


out = {
    "generator": f"scripts/golden.py with torch {torch.__version__}",
    "inputs": {"A": A, "A_shape": A_SHAPE, "B": B, "B_shape": B_SHAPE, "U": [enc(x) for x in U],
               "IA": IA, "IA_shape": IA_SHAPE, "IB": IB, "IB_shape": IB_SHAPE},
}

# ---- binary float ops, broadcasting [3,1,4] with [2,4] ------------------------------------------
BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
    "maximum": torch.maximum, "minimum": torch.minimum, "remainder": torch.remainder,
    "floorDivide": lambda a, b: torch.div(a, b, rounding_mode="floor"), "atan2": torch.atan2,
    "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge,
    "logicalAnd": torch.logical_and, "logicalOr": torch.logical_or, "logicalXor": torch.logical_xor,
}
out["binary"] = {name: {dt: result(f(ft(A, A_SHAPE, dt), ft(B, B_SHAPE, dt))) for dt in FLOATS} for name, f in BINARY.items()}
# NaN propagation of maximum/minimum and NaN in comparisons
NA, NB = [float("nan"), 1.0, float("nan"), -0.0], [0.0, float("nan"), float("nan"), 0.0]
out["binaryNaN"] = {
    "a": [enc(x) for x in NA], "b": [enc(x) for x in NB],
    "ops": {name: {dt: result(BINARY[name](ft(NA, [4], dt), ft(NB, [4], dt))) for dt in FLOATS}
            for name in ["maximum", "minimum", "eq", "ne", "lt", "ge", "add"]},
}
# integer (int32) arithmetic, [2,1,3] with [2,3]
ia, ib = torch.tensor(IA, dtype=torch.int32).reshape(IA_SHAPE), torch.tensor(IB, dtype=torch.int32).reshape(IB_SHAPE)
out["binaryInt"] = {name: result(BINARY[name](ia, ib)) for name in
                    ["add", "sub", "mul", "div", "maximum", "minimum", "remainder", "floorDivide", "eq", "lt"]}
# tensor op Python scalar (the scalar does not promote a float tensor's dtype)
out["binaryScalar"] = {
    name: {dt: {"scalar": s, **result(BINARY[name](ft(A, A_SHAPE, dt), s))} for dt in FLOATS}
    for name, s in [("add", 2.5), ("mul", -3), ("pow", 2), ("div", 4), ("remainder", 1.5), ("sub", 0.75)]
}

# ---- unary ops ----------------------------------------------------------------------------------
UNARY = {
    "neg": torch.neg, "abs": torch.abs, "sign": torch.sign, "exp": torch.exp, "log": torch.log,
    "log1p": torch.log1p, "expm1": torch.expm1, "sqrt": torch.sqrt, "rsqrt": torch.rsqrt,
    "square": torch.square, "sin": torch.sin, "cos": torch.cos, "tanh": torch.tanh,
    "sigmoid": torch.sigmoid, "relu": torch.relu, "gelu": torch.nn.functional.gelu,
    "geluTanh": lambda x: torch.nn.functional.gelu(x, approximate="tanh"), "silu": torch.nn.functional.silu,
    "erf": torch.erf, "floor": torch.floor, "ceil": torch.ceil, "round": torch.round,
    "reciprocal": torch.reciprocal, "logicalNot": torch.logical_not, "isnan": torch.isnan,
    "isfinite": torch.isfinite, "isinf": torch.isinf, "trunc": torch.trunc,
    "clampBoth": lambda x: torch.clamp(x, -1.0, 2.0), "clampMin": lambda x: torch.clamp(x, min=0.5),
    "clampMax": lambda x: torch.clamp(x, max=-0.5),
}
out["unary"] = {name: {dt: result(f(ft(U, [len(U)], dt))) for dt in FLOATS} for name, f in UNARY.items()}

# ---- where / maskedFill -------------------------------------------------------------------------
MASK = [True, False, False, True]
out["where"] = {dt: result(torch.where(ft(A, A_SHAPE, dt) > 0, ft(A, A_SHAPE, dt), ft(B, B_SHAPE, dt))) for dt in FLOATS}
out["maskedFill"] = {"mask": MASK, "value": -9.5,
                     **{dt: result(ft(A, A_SHAPE, dt).masked_fill(torch.tensor(MASK), -9.5)) for dt in FLOATS}}

# ---- type promotion -----------------------------------------------------------------------------
def tensor_of(dt, ndim):
    t = torch.zeros([2] if ndim else [], dtype=TORCH_DT[dt])
    return t


promo = {"dimDim": {}, "zeroDim": {}, "scalar": {}}
for a in DTYPES:
    for b in DTYPES:
        promo["dimDim"][f"{a},{b}"] = DT_NAMES[torch.result_type(tensor_of(a, 1), tensor_of(b, 1))]
        promo["zeroDim"][f"{a},{b}"] = DT_NAMES[torch.result_type(tensor_of(a, 1), tensor_of(b, 0))]
    for s, sname in [(3, "int"), (2.5, "float"), (True, "bool")]:
        promo["scalar"][f"{a},{sname}"] = DT_NAMES[torch.result_type(tensor_of(a, 1), s)]
promo["note"] = ("torch.int64 is written int32: flintml's integer type; e.g. result_type(bool tensor, 3) "
                 "is int64 in PyTorch and int32 in flintml")
out["promotion"] = promo

# ---- ranges -------------------------------------------------------------------------------------
ARANGE = [[5], [0, 1, 0.25], [1, 2.5, 0.5], [10, 0, -3], [0, 1, 0.1], [-1, 1, 0.3], [0, 0], [3, 9, 2]]
out["arange"] = [{"args": args, **result(torch.arange(*args))} for args in ARANGE]
LINSPACE = [[0, 1, 5], [-1, 1, 1], [0, 1, 0], [1, 0, 4], [0, 10, 7], [-3.5, 2.25, 6], [0, 1, 2]]
out["linspace"] = [{"args": args, **{dt: result(torch.linspace(*args, dtype=FLOATS[dt])) for dt in FLOATS}} for args in LINSPACE]

# ---- layout: cat / stack / split / chunk / transpose / permute ----------------------------------
X = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4)
Y = torch.arange(100, 116, dtype=torch.float64).reshape(2, 2, 4)
Z = torch.arange(-6, 0, dtype=torch.float64).reshape(2, 3, 1)


def parts(ts):
    return [result(t) for t in ts]


def view_info(t):
    return {**result(t), "strides": list(t.stride()), "offset": t.storage_offset()}


out["layout"] = {
    "X": values(X), "X_shape": list(X.shape), "Y": values(Y), "Y_shape": list(Y.shape), "Z": values(Z), "Z_shape": list(Z.shape),
    "catXY1": result(torch.cat([X, Y], 1)),
    "catXZm1": result(torch.cat([X, Z], -1)),
    "catXX0": result(torch.cat([X, X], 0)),
    "stackXX0": result(torch.stack([X, X], 0)),
    "stackXX2": result(torch.stack([X, X], 2)),
    "stackXXm1": result(torch.stack([X, X], -1)),
    "split2d2": parts(torch.split(X, 2, 2)),
    "split12d1": parts(torch.split(X, [1, 2], 1)),
    "split5d0": parts(torch.split(X, 5, 0)),
    "chunk3d2": parts(torch.chunk(X, 3, 2)),
    "chunk2d1": parts(torch.chunk(X, 2, 1)),
    "chunk4dm1": parts(torch.chunk(X, 4, -1)),
    "transpose02": view_info(X.transpose(0, 2)),
    "transposem1m2": view_info(X.transpose(-1, -2)),
    "permute201": view_info(X.permute(2, 0, 1)),
    "permute120": view_info(X.permute(1, 2, 0)),
}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "golden", "elementwise.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"), allow_nan=False)
print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")
