# indexing.py — golden values from PyTorch for test/indexing.test.ts and test/sort.test.ts.
# Run: /usr/bin/python3 scripts/golden/indexing.py > test/golden/indexing.json
# Each case: inputs as {shape, dtype, data} and PyTorch's results (index outputs as int32 lists).
import json
import torch

torch.manual_seed(0)


def enc(t):
    t = t.detach()
    dt = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int32', torch.int32: 'int32',
          torch.bool: 'bool', torch.uint8: 'uint8'}[t.dtype]
    data = t.flatten().tolist()
    # JSON has no NaN/inf: NaN -> null, +-inf -> "inf" / "-inf"
    data = [None if (isinstance(v, float) and v != v) else
            ('inf' if v > 0 else '-inf') if isinstance(v, float) and abs(v) == float('inf') else v for v in data]
    return {'shape': list(t.shape), 'dtype': dt, 'data': data}


cases = []
x = torch.randn(3, 4)
i0 = torch.tensor([[0, 2, 1, 2], [1, 0, 0, 0]])
cases.append({'op': 'gather', 'dim': 0, 'x': enc(x), 'index': enc(i0), 'out': enc(torch.gather(x, 0, i0))})
i1 = torch.tensor([[3, 3], [0, 1], [2, 0]])
cases.append({'op': 'gather', 'dim': 1, 'x': enc(x), 'index': enc(i1), 'out': enc(torch.gather(x, 1, i1))})

s = torch.randn(2, 5, dtype=torch.float64)
si = torch.tensor([[1, 0, 3], [2, 4, 0]])
cases.append({'op': 'scatter', 'dim': 1, 'x': enc(torch.zeros(2, 6, dtype=torch.float64)), 'index': enc(si), 'src': enc(s),
              'out': enc(torch.zeros(2, 6, dtype=torch.float64).scatter(1, si, s))})
cases.append({'op': 'scatterValue', 'dim': 0, 'x': enc(x), 'index': enc(torch.tensor([[2, 0, 1, 1]])), 'value': 1.5,
              'out': enc(x.scatter(0, torch.tensor([[2, 0, 1, 1]]), 1.5))})
ai = torch.tensor([[0, 1, 0, 2, 0], [2, 2, 2, 1, 0]])
cases.append({'op': 'scatterAdd', 'dim': 0, 'x': enc(torch.ones(3, 5, dtype=torch.float64)), 'index': enc(ai), 'src': enc(torch.randn(2, 5, dtype=torch.float64)),
              'out': None})
c = cases[-1]
c['out'] = enc(torch.ones(3, 5, dtype=torch.float64).scatter_add(0, ai, torch.tensor(c['src']['data'], dtype=torch.float64).reshape(2, 5)))

y = torch.randn(2, 3, 4)
ii = torch.tensor([2, 0, 2, 1])
cases.append({'op': 'indexSelect', 'dim': 1, 'x': enc(y), 'index': enc(ii), 'out': enc(torch.index_select(y, 1, ii))})
m = y > 0.3
cases.append({'op': 'maskedSelect', 'x': enc(y), 'mask': enc(m), 'out': enc(torch.masked_select(y, m))})
ti = torch.tensor([[[1], [0], [3]], [[2], [2], [0]]])
cases.append({'op': 'takeAlongDim', 'dim': 2, 'x': enc(y), 'index': enc(ti), 'out': enc(torch.take_along_dim(y, ti, 2))})
for d in (-1, 0, 2):
    cases.append({'op': 'triu', 'diagonal': d, 'x': enc(y), 'out': enc(torch.triu(y, d))})
    cases.append({'op': 'tril', 'diagonal': d, 'x': enc(y), 'out': enc(torch.tril(y, d))})

z = torch.tensor([[3., float('nan'), 1., 3., -0.5, 2., 1.], [0., -1., float('inf'), 5., float('-inf'), 5., 2.]])
for desc in (False, True):
    v, i = torch.sort(z, dim=1, descending=desc, stable=True)
    cases.append({'op': 'sort', 'dim': 1, 'descending': desc, 'x': enc(z), 'values': enc(v), 'indices': enc(i)})
w = torch.randn(4, 6, 3)
v, i = torch.sort(w, dim=1)
cases.append({'op': 'sort', 'dim': 1, 'descending': False, 'x': enc(w), 'values': enc(v), 'indices': enc(i)})
for largest in (True, False):
    v, i = torch.topk(w, 3, dim=1, largest=largest)
    cases.append({'op': 'topk', 'k': 3, 'dim': 1, 'largest': largest, 'x': enc(w), 'values': enc(v), 'indices': enc(i)})

print(json.dumps({'torch': torch.__version__, 'cases': cases}))
