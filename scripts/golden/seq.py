# seq.py — PyTorch golden values for test/seq.test.ts (LSTM, GRU, scaled dot-product attention,
# MultiheadAttention, TransformerEncoderLayer).
# Run: /usr/bin/python3 scripts/golden/seq.py > test/golden/seq.json
# Every case is float64. Modules are built by torch with a fixed seed; their state dicts, the
# inputs, the outputs and the gradients of loss = sum_i sum(out_i * r_i) (r_i fixed random
# tensors, one per output) w.r.t. the inputs and a few weights are written out. Tensors are
# [shape, flat row-major values], bool tensors as [shape, 0/1 values, 'bool'].
import json
import math
import torch

torch.manual_seed(0)


def enc(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return [list(t.shape), t.to(torch.int32).flatten().tolist(), "bool"]
    return [list(t.shape), t.flatten().tolist()]


def leaf(*shape):
    return torch.randn(*shape, dtype=torch.float64).requires_grad_()


def run(module, inputs, call, grad_params):
    """call(module, inputs) -> list of output tensors (None skipped); returns the case dict."""
    module = module.double().eval()
    outs = call(module, inputs)
    rs = [None if o is None else torch.randn(o.shape, dtype=torch.float64) for o in outs]
    loss = sum((o * r).sum() for o, r in zip(outs, rs) if o is not None)
    loss.backward()
    params = dict(module.named_parameters())
    grads = {k: enc(v.grad) for k, v in inputs.items() if isinstance(v, torch.Tensor) and v.requires_grad}
    grads.update({"param:" + k: enc(params[k].grad) for k in grad_params if k in params})
    return {
        "state": {k: enc(v) for k, v in module.state_dict().items()},
        "keys": list(module.state_dict().keys()),
        "inputs": {k: enc(v) for k, v in inputs.items() if isinstance(v, torch.Tensor)},
        "outputs": [None if o is None else enc(o) for o in outs],
        "r": [None if r is None else enc(r) for r in rs],
        "grads": grads,
    }


cases = {}

# ---- LSTM / GRU: I=3, H=4, 2 layers, T=5, B=2
for kind in ("LSTM", "GRU"):
    cls = getattr(torch.nn, kind)
    # (batchFirst, initial state given, bidirectional)
    for bf, given, bi in ((False, True, False), (True, False, False), (True, True, True), (False, False, True)):
        if True:
            if True:
                D = 2 if bi else 1
                m = cls(3, 4, num_layers=2, batch_first=bf, bidirectional=bi)
                x = leaf(2, 5, 3) if bf else leaf(5, 2, 3)
                inputs = {"x": x}
                if given:
                    inputs["h0"] = leaf(2 * D, 2, 4)
                    if kind == "LSTM":
                        inputs["c0"] = leaf(2 * D, 2, 4)

                def call(mod, inp, kind=kind, given=given):
                    if kind == "LSTM":
                        state = (inp["h0"], inp["c0"]) if given else None
                        y, (h, c) = mod(inp["x"], state)
                        return [y, h, c]
                    y, h = mod(inp["x"], inp["h0"] if given else None)
                    return [y, h]

                name = f"{kind.lower()}_bf{int(bf)}_h{int(given)}_bi{int(bi)}"
                c = run(m, inputs, call, ["weight_ih_l0", "weight_hh_l1", "bias_hh_l0"])
                c["config"] = {"inputSize": 3, "hiddenSize": 4, "numLayers": 2, "batchFirst": bf, "bidirectional": bi}
                cases[name] = c

# unbatched GRU input [T, I] with h0 [layers, H]
m = torch.nn.GRU(3, 4, num_layers=1)
c = run(m, {"x": leaf(5, 3), "h0": leaf(1, 4)}, lambda mod, i: list(mod(i["x"], i["h0"])), ["weight_hh_l0"])
c["config"] = {"inputSize": 3, "hiddenSize": 4, "numLayers": 1}
cases["gru_unbatched"] = c


# ---- scaled dot-product attention, reference formula (torch 1.13 has no public SDPA):
# softmax(q @ k^T * scale + bias) @ v; bool mask True = take part.
def sdpa(q, k, v, mask=None, causal=False, scale=None):
    L, S = q.shape[-2], k.shape[-2]
    s = (1 / math.sqrt(q.shape[-1])) if scale is None else scale
    a = q @ k.transpose(-2, -1) * s
    if causal:
        a = a.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if mask is not None:
        a = a.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else a + mask
    return a.softmax(-1) @ v


for name, kw in [
    ("plain", {}),
    ("causal", {"causal": True}),
    ("bool", {"mask": torch.rand(4, 6) > 0.3}),
    ("float", {"mask": torch.randn(2, 1, 4, 6, dtype=torch.float64)}),
    ("scale", {"scale": 0.3, "causal": True}),
]:
    if name == "bool":
        kw["mask"][:, 0] = True  # no fully masked rows
    q, k, v = leaf(2, 2, 4, 3), leaf(2, 2, 6, 3), leaf(2, 2, 6, 5)
    y = sdpa(q, k, v, **kw)
    r = torch.randn(y.shape, dtype=torch.float64)
    (y * r).sum().backward()
    cases["sdpa_" + name] = {
        "inputs": {"q": enc(q), "k": enc(k), "v": enc(v), **({"mask": enc(kw["mask"])} if "mask" in kw else {})},
        "maskBool": "mask" in kw and kw["mask"].dtype == torch.bool,
        "kw": {k2: v2 for k2, v2 in kw.items() if k2 != "mask"},
        "outputs": [enc(y)], "r": [enc(r)],
        "grads": {"q": enc(q.grad), "k": enc(k.grad), "v": enc(v.grad)},
    }

# ---- MultiheadAttention: E=6, H=2, L=4, S=5, N=2
E, NH, L, S, N = 6, 2, 4, 5, 2


def mha_case(name, bf, opts, fkw, kdim=None, vdim=None, self_attn=False):
    m = torch.nn.MultiheadAttention(E, NH, batch_first=bf, kdim=kdim, vdim=vdim, **opts)
    with torch.no_grad():  # non-zero biases so their paths are tested
        for n, p in m.named_parameters():
            if "bias" in n:
                p.normal_()
    sh = (lambda a, b: (N, a, b)) if bf else (lambda a, b: (a, N, b))
    if self_attn:
        q = leaf(*sh(L, E))
        inputs = {"query": q}
        args = lambda i: (i["query"], i["query"], i["query"])
    else:
        inputs = {"query": leaf(*sh(L, E)), "key": leaf(*sh(S, kdim or E)), "value": leaf(*sh(S, vdim or E))}
        args = lambda i: (i["query"], i["key"], i["value"])
    Sx = L if self_attn else S
    extra = {}
    if fkw.get("kpm"):
        kpm = torch.zeros(N, Sx, dtype=torch.bool)
        kpm[0, -1] = True
        kpm[1, 1:3] = True
        extra["key_padding_mask"] = kpm
        inputs["keyPaddingMask"] = kpm
    if fkw.get("mask") == "float":
        extra["attn_mask"] = torch.randn(L, Sx, dtype=torch.float64)
        inputs["attnMask"] = extra["attn_mask"]
    if fkw.get("mask") == "bool":
        am = torch.rand(L, Sx) > 0.7
        am[:, 0] = False  # True = not allowed (MHA's convention)
        extra["attn_mask"] = am
        inputs["attnMask"] = am
    nw = fkw.get("needWeights", True)
    avg = fkw.get("average", True)
    call = lambda mod, i: list(mod(*args(i), need_weights=nw, average_attn_weights=avg, **extra))
    pnames = ["out_proj.weight", "in_proj_bias"] + (["in_proj_weight"] if kdim is None else ["k_proj_weight"])
    c = run(m, inputs, call, pnames)
    c["config"] = {"embedDim": E, "numHeads": NH, "batchFirst": bf, "kdim": kdim, "vdim": vdim, **opts}
    c["fkw"] = {"needWeights": nw, "averageAttnWeights": avg}
    c["selfAttn"] = self_attn
    cases["mha_" + name] = c


mha_case("seq_kpm_avg", False, {}, {"kpm": True})
mha_case("bf_floatmask_heads", True, {}, {"mask": "float", "average": False})
mha_case("bf_boolmask_kpm_noweights", True, {}, {"mask": "bool", "kpm": True, "needWeights": False})
mha_case("kvdim", False, {}, {}, kdim=5, vdim=3)
mha_case("self_nobias", True, {"bias": False}, {"kpm": True}, self_attn=True)

# ---- TransformerEncoderLayer: d=8, nhead=2, ff=16, T=4, N=3
for name, kw, fkw in [
    ("post_relu_kpm", {"batch_first": False, "norm_first": False, "activation": "relu"}, {"kpm": True}),
    ("pre_gelu_bf_mask", {"batch_first": True, "norm_first": True, "activation": "gelu"}, {"mask": True}),
]:
    m = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, **kw)
    with torch.no_grad():
        for n, p in m.named_parameters():
            if "bias" in n or "norm" in n:
                p.normal_()
    src = leaf(3, 4, 8) if kw["batch_first"] else leaf(4, 3, 8)
    inputs = {"src": src}
    extra = {}
    if fkw.get("kpm"):
        kpm = torch.zeros(3, 4, dtype=torch.bool)
        kpm[1, -1] = True
        extra["src_key_padding_mask"] = kpm
        inputs["srcKeyPaddingMask"] = kpm
    if fkw.get("mask"):
        extra["src_mask"] = torch.randn(4, 4, dtype=torch.float64)
        inputs["srcMask"] = extra["src_mask"]
    c = run(m, inputs, lambda mod, i: [mod(i["src"], **extra)],
            ["linear1.weight", "norm1.weight", "self_attn.in_proj_weight", "norm2.bias"])
    c["config"] = {"batchFirst": kw["batch_first"], "normFirst": kw["norm_first"], "activation": kw["activation"]}
    cases["tel_" + name] = c

# ---- Elman RNN (tanh, relu) and the single-step cells; appended last, so that the cases above keep
# their random draws
for nl, bf, given, bi in (("tanh", False, True, True), ("relu", True, False, False)):
    D = 2 if bi else 1
    m = torch.nn.RNN(3, 4, num_layers=2, nonlinearity=nl, batch_first=bf, bidirectional=bi)
    inputs = {"x": leaf(2, 5, 3) if bf else leaf(5, 2, 3)}
    if given:
        inputs["h0"] = leaf(2 * D, 2, 4)
    c = run(m, inputs, lambda mod, i, given=given: list(mod(i["x"], i["h0"] if given else None)), ["weight_ih_l0", "weight_hh_l1", "bias_hh_l0"])
    c["config"] = {"inputSize": 3, "hiddenSize": 4, "numLayers": 2, "batchFirst": bf, "bidirectional": bi, "nonlinearity": nl}
    cases[f"rnn_{nl}_bf{int(bf)}_h{int(given)}_bi{int(bi)}"] = c

for kind, kw in (("LSTMCell", {}), ("GRUCell", {}), ("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("GRUCell", {"bias": False})):
    for batched, given in ((True, True), (False, False)):
        m = getattr(torch.nn, kind)(3, 4, **kw)
        inputs = {"x": leaf(2, 3) if batched else leaf(3)}
        hs = (2, 4) if batched else (4,)
        if given:
            inputs["h"] = leaf(*hs)
            if kind == "LSTMCell":
                inputs["c"] = leaf(*hs)

        def call(mod, i, kind=kind, given=given):
            if kind == "LSTMCell":
                return list(mod(i["x"], (i["h"], i["c"]) if given else None))
            return [mod(i["x"], i["h"] if given else None)]

        c = run(m, inputs, call, ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
        c["config"] = {"kind": kind, "inputSize": 3, "hiddenSize": 4, **kw}
        cases[f"cell_{kind}{'_' + '_'.join(f'{k}{v}' for k, v in kw.items()) if kw else ''}_b{int(batched)}_h{int(given)}"] = c

print(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")))
