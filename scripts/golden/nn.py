# nn.py — PyTorch golden values for test/nn.test.ts and test/loss.test.ts (layers, norms,
# containers, losses): forward outputs and gradients in float64, with the weights PyTorch drew
# written into the JSON so that the tests load the same values into flintml's modules.
# Run: /usr/bin/python3 scripts/golden/nn.py > test/golden/nn.json
# Inputs are deterministic: X(shape, k) = sin(arange(n) * 0.37 + k) * 1.5 reshaped.
# Gradients: of (out * G).sum() with G = cos(arange(n) * 0.61) shaped like the output.
import json
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)


def X(shape, k=0.0, scale=1.5):
    n = math.prod(shape)
    return (torch.sin(torch.arange(n, dtype=torch.float64) * 0.37 + k) * scale).reshape(shape)


def G(shape):
    n = math.prod(shape)
    return torch.cos(torch.arange(n, dtype=torch.float64) * 0.61).reshape(shape)


def flat(t):
    return t.detach().flatten().tolist()


def state(m):
    return {k: {"shape": list(v.shape), "data": flat(v)} for k, v in m.state_dict().items()}


def run(m, x):
    """forward, then backward of (out * G).sum(): output, input grad and parameter grads."""
    m.zero_grad()
    x = x.clone().requires_grad_(True)
    y = m(x)
    (y * G(y.shape)).sum().backward()
    return {
        "out": flat(y), "out_shape": list(y.shape), "x_grad": flat(x.grad),
        "grads": {k: flat(p.grad) for k, p in m.named_parameters()},
    }


cases = {}

# ---- layers -------------------------------------------------------------------------------------
lin = nn.Linear(4, 3)
cases["linear"] = {"state": state(lin), "x_shape": [2, 4], **run(lin, X([2, 4]))}
cases["linear_3d"] = {"state": state(lin), "x_shape": [2, 2, 4], **run(lin, X([2, 2, 4], 1.0))}
lin_nb = nn.Linear(3, 2, bias=False)
cases["linear_nobias"] = {"state": state(lin_nb), "x_shape": [3], **run(lin_nb, X([3], 2.0))}

emb = nn.Embedding(5, 3, padding_idx=1)
with torch.no_grad():
    emb.weight[1] = torch.tensor([0.5, -0.5, 0.25])  # a non-zero padding row still passes its value
idx = torch.tensor([[0, 1, 4], [1, 2, 2]])
e_out = emb(idx)
(e_out * G(e_out.shape)).sum().backward()
cases["embedding"] = {"state": state(emb), "idx": flat(idx), "idx_shape": [2, 3], "out": flat(e_out), "grads": {"weight": flat(emb.weight.grad)}}

ln = nn.LayerNorm([3, 4])
with torch.no_grad():
    ln.weight.copy_(X([3, 4], 3.0, 0.5) + 1)
    ln.bias.copy_(X([3, 4], 4.0, 0.3))
cases["layernorm"] = {"state": state(ln), "x_shape": [2, 3, 4], **run(ln, X([2, 3, 4]) * 2 + 0.5)}
ln1 = nn.LayerNorm(5, eps=1e-3, elementwise_affine=False)
cases["layernorm_noaffine"] = {"state": state(ln1), "x_shape": [3, 5], **run(ln1, X([3, 5], 0.5))}


class RMSNormRef(nn.Module):
    """torch 1.13 has no nn.RMSNorm: the formula of torch.nn.functional.rms_norm."""

    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(X([n], 5.0, 0.4) + 1)
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


rms = RMSNormRef(6, 1e-6)
cases["rmsnorm"] = {"state": state(rms), "eps": 1e-6, "x_shape": [2, 2, 6], **run(rms, X([2, 2, 6], 0.2))}

gn = nn.GroupNorm(2, 4)
with torch.no_grad():
    gn.weight.copy_(X([4], 6.0, 0.5) + 1)
    gn.bias.copy_(X([4], 7.0, 0.5))
cases["groupnorm"] = {"state": state(gn), "x_shape": [2, 4, 3], **run(gn, X([2, 4, 3], 0.3) * 3)}


def bn_case(m, shapes):
    """a few training steps (outputs, x grads, running stats after each), then eval."""
    with torch.no_grad():
        if m.affine:
            m.weight.copy_(X([m.num_features], 8.0, 0.5) + 1)
            m.bias.copy_(X([m.num_features], 9.0, 0.5))
    init = state(m)
    steps = []
    m.train()
    for i, s in enumerate(shapes):
        r = run(m, X(s, i * 0.9) * (i + 1) + i)
        r["running_mean"] = flat(m.running_mean)
        r["running_var"] = flat(m.running_var)
        r["num_batches_tracked"] = int(m.num_batches_tracked)
        r["x_shape"] = s
        steps.append(r)
    m.eval()
    ev = run(m, X(shapes[0], 5.0))
    ev["x_shape"] = shapes[0]
    return {"state": init, "steps": steps, "eval": ev}


cases["batchnorm1d"] = bn_case(nn.BatchNorm1d(3), [[4, 3], [5, 3], [4, 3, 2]])
cases["batchnorm1d_cumulative"] = bn_case(nn.BatchNorm1d(3, momentum=None, affine=False), [[4, 3], [6, 3], [3, 3]])
cases["batchnorm2d"] = bn_case(nn.BatchNorm2d(2, momentum=0.3), [[3, 2, 2, 2], [2, 2, 3, 1]])

acts = {
    "gelu": nn.GELU(), "gelu_tanh": nn.GELU(approximate="tanh"), "silu": nn.SiLU(), "leaky_relu": nn.LeakyReLU(0.2),
    "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid(), "softmax_1": nn.Softmax(1), "log_softmax_1": nn.LogSoftmax(1),
}
for name, m in acts.items():
    cases["act_" + name] = {"x_shape": [3, 4], **run(m, X([3, 4], 0.1) * 2)}

torch.manual_seed(1)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2), nn.Tanh())
cases["sequential"] = {
    "state": state(model), "names": [k for k, _ in model.named_parameters()], "repr": repr(model),
    "x_shape": [3, 4], **run(model, X([3, 4], 0.7)),
}
reprs = {
    "Linear": repr(nn.Linear(4, 2)), "LinearNoBias": repr(nn.Linear(4, 2, bias=False)),
    "Embedding": repr(nn.Embedding(10, 3, padding_idx=0)), "Dropout": repr(nn.Dropout(0.1)),
    "LayerNorm": repr(nn.LayerNorm(8)), "GroupNorm": repr(nn.GroupNorm(2, 4)),
    "BatchNorm2d": repr(nn.BatchNorm2d(3, momentum=None)), "GELU": repr(nn.GELU(approximate="tanh")),
    "LeakyReLU": repr(nn.LeakyReLU()), "Flatten": repr(nn.Flatten()), "Softmax": repr(nn.Softmax(dim=1)),
    "ReLU": repr(nn.ReLU()), "CrossEntropyLoss": repr(nn.CrossEntropyLoss()),
}

# ---- losses ---------------------------------------------------------------------------------------
def loss_case(fn, x, *args, **kw):
    x = x.clone().requires_grad_(True)
    y = fn(x, *args, **kw)
    y.sum().backward()
    return {"out": flat(y), "x_grad": flat(x.grad)}


losses = {}
xr, tr = X([3, 4], 0.2), X([3, 4], 1.1) * 0.8
for red in ["mean", "sum", "none"]:
    losses[f"mse_{red}"] = loss_case(F.mse_loss, xr, tr, reduction=red)
    losses[f"l1_{red}"] = loss_case(F.l1_loss, xr, tr, reduction=red)
    losses[f"smoothl1_{red}"] = loss_case(F.smooth_l1_loss, xr, tr, reduction=red, beta=0.5)
    losses[f"huber_{red}"] = loss_case(F.huber_loss, xr, tr, reduction=red, delta=0.7)

logits = X([4, 5], 0.4) * 2
target = torch.tensor([1, 0, -100, 4])
weight = torch.tensor([0.5, 1.0, 2.0, 1.5, 0.8])
for red in ["mean", "sum", "none"]:
    losses[f"ce_{red}"] = loss_case(F.cross_entropy, logits, target, reduction=red)
    losses[f"ce_w_{red}"] = loss_case(F.cross_entropy, logits, target, weight=weight, reduction=red)
    losses[f"ce_ls_{red}"] = loss_case(F.cross_entropy, logits, target, label_smoothing=0.1, reduction=red)
    losses[f"ce_ls_w_{red}"] = loss_case(F.cross_entropy, logits, target, weight=weight, label_smoothing=0.2, reduction=red)
    losses[f"nll_w_{red}"] = loss_case(F.nll_loss, F.log_softmax(logits, 1), target, weight=weight, reduction=red)
target2 = torch.tensor([1, 0, 2, 2])
losses["ce_ignore2"] = loss_case(F.cross_entropy, logits, target2, ignore_index=2)
losses["ce_all_ignored"] = loss_case(F.cross_entropy, logits, torch.full([4], -100))
probs = torch.softmax(X([4, 5], 2.0) * 3, 1)
losses["ce_prob_mean"] = loss_case(F.cross_entropy, logits, probs)
losses["ce_prob_w_ls_sum"] = loss_case(F.cross_entropy, logits, probs, weight=weight, label_smoothing=0.1, reduction="sum")
losses["ce_prob_w_mean"] = loss_case(F.cross_entropy, logits, probs, weight=weight)
kd_logits = X([2, 3, 2, 2], 0.9) * 2
kd_target = torch.tensor([[[0, 2], [1, -100]], [[2, 2], [0, 1]]])
losses["ce_kdim_mean"] = loss_case(F.cross_entropy, kd_logits, kd_target, weight=weight[:3], label_smoothing=0.05)
losses["ce_kdim_none"] = loss_case(F.cross_entropy, kd_logits, kd_target, reduction="none")
losses["ce_unbatched"] = loss_case(F.cross_entropy, logits[0], torch.tensor(3))

bx = torch.tensor([[0.1, 0.5, 0.9, 0.0], [1.0, 0.3, 1e-5, 0.999]])
bt = torch.tensor([[0.0, 1.0, 1.0, 0.0], [1.0, 0.2, 1.0, 0.5]])
bw = torch.tensor([1.0, 2.0, 0.5, 1.5])
for red in ["mean", "sum", "none"]:
    losses[f"bce_{red}"] = loss_case(F.binary_cross_entropy, bx, bt, reduction=red)
    losses[f"bce_w_{red}"] = loss_case(F.binary_cross_entropy, bx, bt, weight=bw, reduction=red)
bce_clamp = {"x": [0.0, 1.0], "t": [1.0, 0.0]}
losses["bce_clamp"] = loss_case(F.binary_cross_entropy, torch.tensor(bce_clamp["x"]), torch.tensor(bce_clamp["t"]), reduction="none")
lx = torch.tensor([[-3.0, 0.0, 2.5, 50.0], [-50.0, 0.7, -0.2, 10.0]])
pw = torch.tensor([2.0, 0.5, 1.0, 3.0])
for red in ["mean", "sum", "none"]:
    losses[f"bcel_{red}"] = loss_case(F.binary_cross_entropy_with_logits, lx, bt, reduction=red)
    losses[f"bcel_pw_w_{red}"] = loss_case(F.binary_cross_entropy_with_logits, lx, bt, weight=bw, pos_weight=pw, reduction=red)

inputs = {
    "xr": flat(xr), "tr": flat(tr), "logits": flat(logits), "target": flat(target), "weight": flat(weight),
    "target2": flat(target2), "probs": flat(probs), "kd_logits": flat(kd_logits), "kd_target": flat(kd_target),
    "bx": flat(bx), "bt": flat(bt), "bw": flat(bw), "lx": flat(lx), "pw": flat(pw),
}
# JSON has no NaN: write it as the string "NaN" (the tests map it back)
print(json.dumps({"torch": torch.__version__, "cases": cases, "reprs": reprs, "losses": losses, "loss_inputs": inputs},
                 separators=(",", ":")).replace("NaN", '"NaN"'))
