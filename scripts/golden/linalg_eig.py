# linalg_eig.py — the torch 1.13 goldens of test/linalg-eig.test.ts (linalg.eig, linalg.eigvals):
# /usr/bin/python3 scripts/golden/linalg_eig.py > test/golden/linalg_eig.json
# Complex tensors are written as [re, im] pairs of lists. The loss of every gradient is phase-invariant:
# sum(|V|² · W) + sum(Re(L)·c1 + Im(L)·c2), W = arange(1, n²+1)/n² reshaped, c1 = arange(1, n+1),
# c2 = 0.5 - arange(n)/n (eigvals: only the L part).
import torch, json, math
torch.set_default_dtype(torch.float64)
def C(t): t = t.detach(); return [t.real.tolist(), t.imag.tolist()] if t.is_complex() else t.tolist()
def weights(n):
    W = torch.arange(1., n * n + 1).reshape(n, n) / (n * n)
    return W, torch.arange(1., n + 1), 0.5 - torch.arange(0., n) / n
def det(n, k):  # the deterministic test matrices the test also builds: sin(1.3 i + 0.7 j + k) + cos(0.4 i j)
    return torch.tensor([[math.sin(1.3 * i + 0.7 * j + k) + math.cos(0.4 * i * j) for j in range(n)] for i in range(n)])
out = {}
def case(name, A, grad=True):
    A = A.clone().requires_grad_(grad)
    L, V = torch.linalg.eig(A)
    r = {'L': C(L), 'V': C(V)}
    if grad:
        n = A.shape[-1]; W, c1, c2 = weights(n)
        loss = (V.abs() ** 2 * W).sum() + (L.real * c1 + L.imag * c2).sum()
        g, = torch.autograd.grad(loss, A); r['g'] = C(g)
        A2 = A.detach().clone().requires_grad_()
        Lv = torch.linalg.eigvals(A2)
        g2, = torch.autograd.grad((Lv.real * c1 + Lv.imag * c2).sum(), A2); r['gvals'] = C(g2)
    out[name] = r
case('pairs', torch.tensor([[1., 2, 0.5, 3], [-2, 1, 4, 0], [0.3, -1, 2, 1], [5, 0, 1, -1]]))
case('rot', torch.tensor([[0., -1, 0], [1, 0, 0], [0, 0, 2]]))
case('defective', torch.tensor([[2., 1, 0], [0, 2, 0], [0, 0, 3]]), grad=False)
case('complex', torch.complex(torch.tensor([[1., 2, 3], [4, 5, 6], [7, 8, 10]]), torch.tensor([[0., -1, 0], [1, 0, 0.5], [0, 0, 2]])))
case('batch', torch.stack([det(3, 0), det(3, 1)]))
A32 = det(5, 2).float()
L, V = torch.linalg.eig(A32); out['f32'] = {'L': C(L), 'V': C(V)}
for n in (8, 30):
    out['det%d' % n] = {'L': C(torch.linalg.eigvals(det(n, 0.5)))}
print(json.dumps(out))
