# transformer.py — PyTorch golden values for test/transformer.test.ts (TransformerDecoderLayer,
# TransformerEncoder, TransformerDecoder, Transformer, generate_square_subsequent_mask).
# Run: /usr/bin/python3 scripts/golden/transformer.py > test/golden/transformer.json
# Every case is float64, dropout 0. Modules are built by torch with a fixed seed (biases and norm
# weights redrawn from N(0, 1) so that they matter); their state dicts, the inputs, the outputs and
# the gradients of loss = sum_i sum(out_i * r_i) (r_i fixed random tensors) w.r.t. the float inputs
# and EVERY parameter are written out. Tensors are [shape, flat row-major values], bool tensors as
# [shape, 0/1 values, 'bool'] (the format of scripts/golden/seq.py); values are rounded to 13
# significant digits (the file stays small; the tests' float64 tolerance is 1e-10 relative) and
# ±inf are written as the strings "inf" / "-inf" (JSON has no infinities).
import json
import torch
import torch.nn.functional as F

torch.manual_seed(0)
nn = torch.nn
E, H, FF = 4, 2, 6


def num(x):
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return float(f"{x:.13g}")


def enc(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return [list(t.shape), t.to(torch.int32).flatten().tolist(), "bool"]
    return [list(t.shape), [num(x) for x in t.flatten().tolist()]]


def leaf(*shape):
    return torch.randn(*shape, dtype=torch.float64).requires_grad_()


def spice(m):
    with torch.no_grad():
        for n, p in m.named_parameters():
            if "bias" in n or "norm" in n:
                p.normal_()
    return m


def run(module, inputs, call):
    module = module.double().train()  # dropout 0: train mode keeps torch 1.13 off its inference fast path
    outs = call(module, inputs)
    rs = [torch.randn(o.shape, dtype=torch.float64) for o in outs]
    sum((o * r).sum() for o, r in zip(outs, rs)).backward()
    grads = {k: enc(v.grad) for k, v in inputs.items() if isinstance(v, torch.Tensor) and v.requires_grad}
    grads.update({"param:" + k: enc(p.grad) for k, p in module.named_parameters()})
    return {
        "state": {k: enc(v) for k, v in module.state_dict().items()},
        "keys": list(module.state_dict().keys()),
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "outputs": [enc(o) for o in outs],
        "r": [enc(r) for r in rs],
        "grads": grads,
    }


def bool_mask(*shape, p=0.3):
    return torch.rand(*shape) < p


def causal(n):
    return nn.Transformer.generate_square_subsequent_mask(n).double()


cases = {}
ACT = {"relu": "relu", "gelu": "gelu", "silu": F.silu}

# ---- TransformerDecoderLayer: post/pre-norm, relu/gelu/a function, seq-first/batch-first/unbatched, masks
for name, kw, batched, masks in [
    ("post_relu_causal_mkpm", {"batch_first": False, "norm_first": False, "activation": "relu"}, True, {"tgt_mask": "causal", "memory_key_padding_mask": "bool"}),
    ("pre_gelu_bf_bool", {"batch_first": True, "norm_first": True, "activation": "gelu"}, True, {"tgt_mask": "bool", "tgt_key_padding_mask": "bool", "memory_mask": "float"}),
    ("post_silu_unbatched", {"batch_first": False, "norm_first": False, "activation": "silu"}, False, {"tgt_mask": "causal", "memory_mask": "bool"}),
]:
    act = kw["activation"]
    m = spice(nn.TransformerDecoderLayer(E, H, FF, 0.0, **{**kw, "activation": ACT[act]}))
    T_, S_, N_ = 3, 4, 2
    bf = kw["batch_first"]
    tgt = (leaf(N_, T_, E) if bf else leaf(T_, N_, E)) if batched else leaf(T_, E)
    mem = (leaf(N_, S_, E) if bf else leaf(S_, N_, E)) if batched else leaf(S_, E)
    inputs = {"tgt": tgt, "memory": mem}
    kwargs = {}
    for k, kind in masks.items():
        if k == "tgt_mask":
            v = causal(T_) if kind == "causal" else bool_mask(T_, T_)
            if kind == "bool":
                v[:, 0] = False  # no fully-masked row
        elif k == "memory_mask":
            v = torch.randn(T_, S_, dtype=torch.float64) if kind == "float" else bool_mask(T_, S_)
            if kind == "bool":
                v[:, 0] = False
        elif k == "tgt_key_padding_mask":
            v = torch.zeros(N_, T_, dtype=torch.bool); v[1, -1] = True
        else:
            v = torch.zeros(N_, S_, dtype=torch.bool) if batched else torch.zeros(S_, dtype=torch.bool)
            v[..., -1] = True
        kwargs[k] = v
        camel = "".join(w if i == 0 else w.capitalize() for i, w in enumerate(k.split("_")))
        inputs[camel] = v
    c = run(m, inputs, lambda mod, i: [mod(i["tgt"], i["memory"], **kwargs)])
    c["config"] = {"batchFirst": bf, "normFirst": kw["norm_first"], "activation": act}
    cases["dec_layer_" + name] = c

# ---- TransformerEncoder: 2 layers (deep copies), a final LayerNorm, mask and key padding mask
for name, kw, with_norm, masks in [
    ("post_relu_norm_kpm", {"batch_first": True, "norm_first": False, "activation": "relu"}, True, {"src_key_padding_mask": True}),
    ("pre_gelu_nonorm_mask", {"batch_first": False, "norm_first": True, "activation": "gelu"}, False, {"mask": True, "src_key_padding_mask": True}),
]:
    layer = spice(nn.TransformerEncoderLayer(E, H, FF, 0.0, **kw))
    m = nn.TransformerEncoder(layer, 2, spice(nn.LayerNorm(E)) if with_norm else None, enable_nested_tensor=False)
    spice(m)  # the two copies get different biases
    bf = kw["batch_first"]
    src = leaf(2, 4, E) if bf else leaf(4, 2, E)
    inputs = {"src": src}
    kwargs = {}
    if masks.get("mask"):
        kwargs["mask"] = causal(4); inputs["mask"] = kwargs["mask"]
    if masks.get("src_key_padding_mask"):
        v = torch.zeros(2, 4, dtype=torch.bool); v[1, 2:] = True
        kwargs["src_key_padding_mask"] = v; inputs["srcKeyPaddingMask"] = v
    c = run(m, inputs, lambda mod, i: [mod(i["src"], **kwargs)])
    c["config"] = {"batchFirst": bf, "normFirst": kw["norm_first"], "activation": kw["activation"], "norm": with_norm}
    cases["enc_" + name] = c

# ---- TransformerDecoder: 2 layers, with and without a final norm
for name, with_norm in [("norm", True), ("nonorm", False)]:
    layer = spice(nn.TransformerDecoderLayer(E, H, FF, 0.0))
    m = spice(nn.TransformerDecoder(layer, 2, nn.LayerNorm(E) if with_norm else None))
    tgt, mem = leaf(3, 2, E), leaf(4, 2, E)
    kpm = torch.zeros(2, 4, dtype=torch.bool); kpm[0, -1] = True
    inputs = {"tgt": tgt, "memory": mem, "tgtMask": causal(3), "memoryKeyPaddingMask": kpm}
    c = run(m, inputs, lambda mod, i: [mod(i["tgt"], i["memory"], tgt_mask=i["tgtMask"], memory_key_padding_mask=i["memoryKeyPaddingMask"])])
    c["config"] = {"norm": with_norm}
    cases["dec_" + name] = c

# ---- Transformer: 1 encoder and 1 decoder layer, every mask; batch-first post-norm and seq-first pre-norm gelu
for name, kw, batched in [
    ("bf_post_relu", {"batch_first": True, "norm_first": False, "activation": "relu"}, True),
    ("sf_pre_gelu", {"batch_first": False, "norm_first": True, "activation": "gelu"}, True),
    ("unbatched", {"batch_first": False, "norm_first": False, "activation": "relu"}, False),
]:
    m = spice(nn.Transformer(E, H, 1, 1, FF, 0.0, **kw))
    bf = kw["batch_first"]
    S_, T_, N_ = 4, 3, 2
    sh = lambda L: (leaf(N_, L, E) if bf else leaf(L, N_, E)) if batched else leaf(L, E)
    inputs = {"src": sh(S_), "tgt": sh(T_)}
    skpm = torch.zeros(N_, S_, dtype=torch.bool) if batched else torch.zeros(S_, dtype=torch.bool)
    skpm[..., -1] = True
    tkpm = torch.zeros(N_, T_, dtype=torch.bool) if batched else torch.zeros(T_, dtype=torch.bool)
    if batched:
        tkpm[1, -1] = True
    mm = bool_mask(T_, S_); mm[:, 0] = False
    kwargs = {"src_mask": torch.randn(S_, S_, dtype=torch.float64), "tgt_mask": causal(T_), "memory_mask": mm,
              "src_key_padding_mask": skpm, "tgt_key_padding_mask": tkpm, "memory_key_padding_mask": skpm}
    inputs.update({"srcMask": kwargs["src_mask"], "tgtMask": kwargs["tgt_mask"], "memoryMask": mm,
                   "srcKeyPaddingMask": skpm, "tgtKeyPaddingMask": tkpm, "memoryKeyPaddingMask": skpm})
    c = run(m, inputs, lambda mod, i: [mod(i["src"], i["tgt"], **kwargs)])
    c["config"] = {"batchFirst": bf, "normFirst": kw["norm_first"], "activation": kw["activation"], "numEncoderLayers": 1, "numDecoderLayers": 1}
    cases["tr_" + name] = c

# ---- torch 1.13's encoder fast path (eval, no grad, batch_first, even nhead, a key padding mask, no
# mask): padded rows come back as 0 before the final norm. Both outputs are recorded.
layer = spice(nn.TransformerEncoderLayer(E, H, FF, 0.0, batch_first=True))
m = spice(nn.TransformerEncoder(layer, 2, nn.LayerNorm(E))).double().eval()
src = torch.randn(2, 4, E, dtype=torch.float64)
kpm = torch.zeros(2, 4, dtype=torch.bool); kpm[1, 2:] = True
with torch.no_grad():
    fast = m(src, src_key_padding_mask=kpm)
    m.enable_nested_tensor = False  # the layers' own fast path (no nested tensor) computes every row
    slow = m(src, src_key_padding_mask=kpm)
cases["fastpath"] = {"state": {k: enc(v) for k, v in m.state_dict().items()}, "inputs": {"src": enc(src), "srcKeyPaddingMask": enc(kpm)},
                     "fast": enc(fast), "math": enc(slow), "normBias": enc(m.norm.bias)}

cases["masks"] = {str(n): enc(nn.Transformer.generate_square_subsequent_mask(n)) for n in (0, 1, 4)}
print(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")))
