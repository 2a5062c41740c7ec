#!/usr/bin/env python3
"""train.py — PyTorch reference runs for test/train-parity.test.ts.

From fixed initial weights (written into the JSON so flintml loads the same values):
  * an MLP 16-32-32-4 trained 20 steps with SGD (lr 0.1, momentum 0.9) on a fixed batch,
  * a 2-layer GPT-style character transformer (examples/gpt.js's architecture: pre-norm blocks,
    fused qkv Linear, GELU MLP, tied nothing) trained 20 steps with AdamW (lr 1e-2, wd 0.01),
and records the loss of every step. Run: /usr/bin/python3 scripts/golden/train.py
"""
import json, math, os
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
out = {}

def sd(m):
    return {k: v.detach().reshape(-1).tolist() for k, v in m.state_dict().items()}

# ---- MLP + SGD(momentum) ----
mlp = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 4))
x = torch.randn(8, 16)
y = torch.randint(0, 4, (8,))
out['mlp'] = {'state': sd(mlp), 'x': x.reshape(-1).tolist(), 'y': y.tolist()}
opt = torch.optim.SGD(mlp.parameters(), lr=0.1, momentum=0.9)
losses = []
for _ in range(20):
    opt.zero_grad()
    loss = F.cross_entropy(mlp(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
out['mlp']['losses'] = losses

# ---- GPT + AdamW ----
class Block(nn.Module):
    def __init__(self, d, heads, context):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d); self.qkv = nn.Linear(d, 3 * d); self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d); self.fc1 = nn.Linear(d, 4 * d); self.fc2 = nn.Linear(4 * d, d)
        self.register_buffer('mask', torch.triu(torch.full((context, context), float('-inf')), 1), persistent=False)
    def forward(self, x):
        B, T, D = x.shape; H = self.heads; hd = D // H
        q, k, v = [t.reshape(B, T, H, hd).transpose(1, 2) for t in self.qkv(self.ln1(x)).split(D, -1)]
        att = torch.softmax((q @ k.transpose(-2, -1)) * (1 / math.sqrt(hd)) + self.mask[:T, :T], -1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

class GPT(nn.Module):
    def __init__(self, vocab, d, heads, layers, context):
        super().__init__()
        self.tok = nn.Embedding(vocab, d); self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList([Block(d, heads, context) for _ in range(layers)])
        self.lnf = nn.LayerNorm(d); self.head = nn.Linear(d, vocab)
    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(T))
        for b in self.blocks: x = b(x)
        return self.head(self.lnf(x))

V, D, H, L, C = 11, 16, 2, 2, 8
gpt = GPT(V, D, H, L, C)
idx = torch.randint(0, V, (4, C))
tgt = torch.randint(0, V, (4, C))
out['gpt'] = {'config': [V, D, H, L, C], 'state': sd(gpt), 'idx': idx.reshape(-1).tolist(), 'tgt': tgt.reshape(-1).tolist()}
opt = torch.optim.AdamW(gpt.parameters(), lr=1e-2, weight_decay=0.01)
losses = []
for _ in range(20):
    opt.zero_grad()
    loss = F.cross_entropy(gpt(idx).reshape(-1, V), tgt.reshape(-1))
    loss.backward()
    opt.step()
    losses.append(loss.item())
out['gpt']['losses'] = losses

path = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'train.json')
with open(path, 'w') as f:
    json.dump(out, f)
print('wrote', path, os.path.getsize(path), 'bytes')
