# reduce.py — PyTorch golden values for test/reduce.test.ts and test/softmax.test.ts.
# Run: /usr/bin/python3 scripts/golden/reduce.py > test/golden/reduce.json
# Input: x = sin(arange(60) * 0.7) * 3 as float64, shape [3, 4, 5]; each case names the call.
import json
import torch

x = (torch.sin(torch.arange(60, dtype=torch.float64) * 0.7) * 3).reshape(3, 4, 5)
xi = (torch.arange(60) % 7 - 3).reshape(3, 4, 5)

def out(t):
    return t.flatten().tolist()

cases = {
    "sum": out(x.sum()),
    "sum_1": out(x.sum(1)),
    "sum_02_keep": out(x.sum((0, 2), keepdim=True)),
    "mean_m1": out(x.mean(-1)),
    "prod_2": out(x.prod(2)),
    "var_1": out(x.var(1)),
    "var_02_c0": out(x.var((0, 2), unbiased=False)),
    "std_0": out(x.std(0)),
    "logsumexp_2": out(x.logsumexp(2)),
    "amax_01": out(x.amax((0, 1))),
    "max_1_values": out(x.max(1).values),
    "max_1_indices": out(x.max(1).indices),
    "argmin": out(x.argmin()),
    "argmax_2": out(x.argmax(2)),
    "int_sum_1": out(xi.sum(1)),
    "int_argmax_0": out(xi.argmax(0)),
    "int_prod_2": out(xi.prod(2)),
    "softmax_1": out(x.softmax(1)),
    "softmax_m1": out(x.softmax(-1)),
    "log_softmax_0": out(x.log_softmax(0)),
    "cumsum_1": out(x.cumsum(1)),
    "cumprod_2": out(x.cumprod(2)),
    "int_cumsum_2": out(xi.cumsum(2)),
}
print(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")))
