# misc4.py — the torch 1.13 goldens of test/ops-misc4.test.ts (luUnpack, linalg.vander, tensorinv,
# tensorsolve): /usr/bin/python3 scripts/golden/misc4.py prints them as JSON, pasted into the test.
import torch, json
torch.set_default_dtype(torch.float64)
out = {}
def L(t): return t.detach().tolist()
LU3 = torch.tensor([[2.0, -1.0, 0.5],[0.25, 3.0, -2.0],[-0.5, 0.75, 1.5]])
for name, piv in [('p333', [3,3,3]), ('p233', [2,3,3])]:
    P,Lm,U = torch.lu_unpack(LU3, torch.tensor(piv, dtype=torch.int32))
    out['lu3_'+name] = [L(P), L(Lm), L(U)]
LUb = torch.stack([LU3, LU3 * -1 + 0.1])
P,Lm,U = torch.lu_unpack(LUb, torch.tensor([[3,3,3],[1,3,3]], dtype=torch.int32))
out['lub'] = [L(P), L(Lm), L(U)]
W = torch.tensor([[1.5,-2,0.5,3],[0.25,4,-1,2]], requires_grad=True)
P,Lm,U = torch.lu_unpack(W, torch.tensor([2,2], dtype=torch.int32))
wl = torch.arange(1., Lm.numel()+1).reshape(Lm.shape); wu = torch.arange(1., U.numel()+1).reshape(U.shape) * -0.5
g, = torch.autograd.grad((Lm*wl).sum() + (U*wu).sum(), W)
out['wide'] = [L(P), L(Lm), L(U), L(g)]
T = torch.tensor([[3,1],[0.5,-2],[0.25,0.75],[-0.5,0.125]], requires_grad=True)
P,Lm,U = torch.lu_unpack(T, torch.tensor([4,3], dtype=torch.int32))
wl = torch.arange(1., Lm.numel()+1).reshape(Lm.shape); wu = torch.arange(1., U.numel()+1).reshape(U.shape) * -0.5
g, = torch.autograd.grad((Lm*wl).sum() + (U*wu).sum(), T)
out['tall'] = [L(P), L(Lm), L(U), L(g)]
# vander
x = torch.tensor([2., -1., 0.5])
out['lv_n4'] = L(torch.linalg.vander(x, N=4))
xb = torch.tensor([[1., 2.], [3., -0.5]], requires_grad=True)
V = torch.linalg.vander(xb)
wv = torch.tensor([[[1., 2.], [3., 4.]], [[-1., 0.5], [2., -3.]]])
g, = torch.autograd.grad((V*wv).sum(), xb)
out['lv_batch'] = [L(V), L(g)]
xg = torch.tensor([0., 2., -1.5], requires_grad=True)
g, = torch.autograd.grad(torch.linalg.vander(xg, N=4).sum(), xg)
out['lv_grad0'] = L(g)
out['v_default'] = L(torch.vander(x))
# tensorinv
A = (2*torch.eye(4) + 0.1*torch.sin(torch.arange(16.)).reshape(4,4)).reshape(4,2,2).requires_grad_()
Ai = torch.linalg.tensorinv(A, ind=1)
wi = torch.cos(torch.arange(16.)).reshape(2,2,4)
g, = torch.autograd.grad((Ai*wi).sum(), A)
out['ti1'] = [L(Ai), L(g)]
A2 = (2*torch.eye(4) + 0.1*torch.sin(torch.arange(16.)).reshape(4,4)).reshape(2,2,2,2)
out['ti2'] = L(torch.linalg.tensorinv(A2))
# tensorsolve
As = (2*torch.eye(6) + 0.1*torch.cos(torch.arange(36.)).reshape(6,6)).reshape(2,3,6).requires_grad_()
Bs = torch.sin(torch.arange(6.)).reshape(2,3).requires_grad_()
X = torch.linalg.tensorsolve(As, Bs)
wx = torch.arange(1., 7.)
gA, gB = torch.autograd.grad((X*wx).sum(), [As, Bs])
out['ts'] = [L(X), L(gA), L(gB)]
Ad = As.detach().permute(2, 0, 1).contiguous()   # [6, 2, 3]: dims=(0,) moves 6 back to the end
out['ts_dims'] = L(torch.linalg.tensorsolve(Ad, Bs.detach(), dims=(0,)))
A4 = (2*torch.eye(6) + 0.1*torch.cos(torch.arange(36.)).reshape(6,6)).reshape(3,2,3,2)
B4 = torch.sin(torch.arange(6.)).reshape(3,2)
out['ts_dims2'] = L(torch.linalg.tensorsolve(A4, B4, dims=(1, 0)))
print(json.dumps(out))
