# grad.py — PyTorch gradients of a few composite functions, for test/gradcheck.test.ts.
# Run: /usr/bin/python3 scripts/golden/grad.py > test/golden/grad.json
# Inputs are deterministic (sin/cos of aranges) float64 and stored with the gradients, so the test
# rebuilds them exactly. Each case: inputs {name: {shape, values}}, consts (no grad), grads.
import json
import torch

def det(shape, k, scale=1.0):
    n = 1
    for s in shape:
        n *= s
    return (torch.sin(torch.arange(n, dtype=torch.float64) * 0.37 + k) * scale).reshape(shape)

def enc(t):
    return {"shape": list(t.shape), "values": t.flatten().tolist()}

cases = {}

def case(name, fn, inputs, consts=None):
    consts = consts or {}
    xs = {k: v.clone().requires_grad_() for k, v in inputs.items()}
    out = fn(**xs, **consts)
    out.backward()
    cases[name] = {
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "consts": {k: enc(v) for k, v in consts.items()},
        "value": out.item(),
        "grads": {k: enc(v.grad) for k, v in xs.items()},
    }

# sum(softmax(x @ w, 1) * t)
case("softmax_matmul", lambda x, w, t: (torch.softmax(x @ w, 1) * t).sum(),
     {"x": det([3, 4], 0.1), "w": det([4, 5], 0.7)}, {"t": det([3, 5], 1.3)})
# logsumexp over dim 1, then a weighted sum
case("logsumexp", lambda x, t: (torch.logsumexp(x * 2, 1) * t).sum(),
     {"x": det([4, 6], 0.3, 2.0)}, {"t": det([4], 2.1)})
# variance and std with both corrections
case("var_std", lambda x: x.var(0).sum() + x.std(1, unbiased=False).sum() * 0.5 + x.var(),
     {"x": det([5, 3], 0.9, 1.5)})
# a two-layer MLP with cross-entropy (gather of log_softmax)
y = torch.tensor([2, 0, 1, 2], dtype=torch.int64)
def mlp(x, w1, b1, w2, b2, y):
    h = torch.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    return -torch.log_softmax(logits, 1).gather(1, y.unsqueeze(1)).mean()
case("mlp", mlp,
     {"x": det([4, 3], 0.2), "w1": det([3, 5], 1.1, 0.8), "b1": det([5], 2.3, 0.1),
      "w2": det([5, 3], 0.5, 0.7), "b2": det([3], 1.7, 0.1)}, {"y": y})
# prod with a zero, cumprod, max along a dim, sort values and a masked selection
def mixed(x):
    z = x * (torch.arange(12, dtype=torch.float64).reshape(3, 4) != 5)
    return (z.prod(1).sum() + z.cumprod(1).sum() + x.max(1).values.sum()
            + (torch.sort(x, 1).values * torch.arange(4, dtype=torch.float64)).sum()
            + torch.masked_select(x, x > 0).pow(2).sum())
case("mixed", mixed, {"x": det([3, 4], 0.4, 1.2)})

print(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")))
