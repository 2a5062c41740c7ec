"""prune.py — torch 1.13's torch.nn.utils.prune on small float64 modules, for test/nn-prune.test.ts.

    /usr/bin/python3 scripts/golden/prune.py > test/golden/prune.json

Each case: a module (Linear, Conv1d or Conv2d, float64), its parameters before pruning (drawn
from torch.manual_seed(case index)), a list of pruning steps (the function's name in flintml's
camelCase and its keyword arguments; an amount that is an integer is a count, any other number a
fraction, as flintml reads it; a norm order 'inf' / '-inf' is ±infinity), and torch's results: the
state dict after the steps (keys in order, values flat), the forward output on x, and the
gradients of every parameter of sum(out * g). Only deterministic methods (no random pruning).
Inputs are continuous draws, so no ties decide a mask.
"""
import json
import math

import torch
import torch.nn as nn
from torch.nn.utils import prune

torch.set_default_dtype(torch.float64)


def norm_order(n):
    return {'inf': math.inf, '-inf': -math.inf}.get(n, n) if isinstance(n, str) else n


def apply_step(m, step):
    fn = step['fn']
    kw = {k: v for k, v in step.items() if k != 'fn'}
    if 'n' in kw:
        kw['n'] = norm_order(kw['n'])
    if 'importanceScores' in kw:
        kw['importance_scores'] = torch.tensor(kw.pop('importanceScores')).reshape(getattr(m, kw['name']).shape)
    if fn == 'l1Unstructured':
        prune.l1_unstructured(m, **kw)
    elif fn == 'lnStructured':
        prune.ln_structured(m, **kw)
    elif fn == 'customFromMask':
        kw['mask'] = torch.tensor(kw['mask']).reshape(getattr(m, kw['name']).shape)
        prune.custom_from_mask(m, **kw)
    elif fn == 'identity':
        prune.identity(m, **kw)
    elif fn == 'remove':
        prune.remove(m, **kw)
    else:
        raise ValueError(fn)


def make(spec):
    kind = spec['kind']
    if kind == 'Linear':
        return nn.Linear(*spec['args'])
    if kind == 'Conv1d':
        return nn.Conv1d(*spec['args'])
    if kind == 'Conv2d':
        return nn.Conv2d(*spec['args'])
    raise ValueError(kind)


def flat(t):
    return t.detach().reshape(-1).tolist()


CASES = []


def case(title, spec, steps, x_shape):
    CASES.append((title, spec, steps, x_shape))


L = {'kind': 'Linear', 'args': [5, 4]}
case('l1Unstructured, a fraction: round(0.3 * 20) = 6', L, [{'fn': 'l1Unstructured', 'name': 'weight', 'amount': 0.3}], [3, 5])
case('l1Unstructured, a count', L, [{'fn': 'l1Unstructured', 'name': 'weight', 'amount': 7}], [3, 5])
case('l1Unstructured, round(0.25 * 10) = 2 (half to even)', {'kind': 'Linear', 'args': [5, 2]},
     [{'fn': 'l1Unstructured', 'name': 'weight', 'amount': 0.25}], [2, 5])
case('l1Unstructured on the bias, with importance scores', L,
     [{'fn': 'l1Unstructured', 'name': 'bias', 'amount': 2, 'importanceScores': [4.0, 1.0, 3.0, 2.0]}], [3, 5])
case('l1Unstructured, everything: the count', L, [{'fn': 'l1Unstructured', 'name': 'bias', 'amount': 4}], [3, 5])
case('l1Unstructured, nothing: 0', L, [{'fn': 'l1Unstructured', 'name': 'weight', 'amount': 0}], [3, 5])
for n in [1, 2, 'inf', '-inf', 'fro']:
    for dim in [0, 1, -1]:
        case(f'lnStructured n={n} dim={dim}, half the channels', L,
             [{'fn': 'lnStructured', 'name': 'weight', 'amount': 0.5, 'n': n, 'dim': dim}], [3, 5])
case('lnStructured, a count of channels', L, [{'fn': 'lnStructured', 'name': 'weight', 'amount': 1, 'n': 2, 'dim': 0}], [3, 5])
case('lnStructured with importance scores', L,
     [{'fn': 'lnStructured', 'name': 'weight', 'amount': 2, 'n': 1, 'dim': 0,
       'importanceScores': [float(i % 7) - 3 for i in range(20)]}], [3, 5])
case('lnStructured on a Conv2d weight, output channels by their 2-norm over 3 dims',
     {'kind': 'Conv2d', 'args': [2, 4, 2]}, [{'fn': 'lnStructured', 'name': 'weight', 'amount': 0.5, 'n': 2, 'dim': 0}], [1, 2, 3, 3])
case('lnStructured nuc on a Conv1d weight, input channels', {'kind': 'Conv1d', 'args': [3, 4, 2]},
     [{'fn': 'lnStructured', 'name': 'weight', 'amount': 1, 'n': 'nuc', 'dim': 1}], [2, 3, 4])
case('customFromMask on the bias (an integer mask)', L, [{'fn': 'customFromMask', 'name': 'bias', 'mask': [0, 1, 0, 1]}], [3, 5])
case('identity', L, [{'fn': 'identity', 'name': 'weight'}], [3, 5])
case('iterative: l1 0.3, then ln 0.5 on the rows left, then l1 2 of the entries left', L,
     [{'fn': 'l1Unstructured', 'name': 'weight', 'amount': 0.3},
      {'fn': 'lnStructured', 'name': 'weight', 'amount': 0.5, 'n': 2, 'dim': 0},
      {'fn': 'l1Unstructured', 'name': 'weight', 'amount': 2}], [3, 5])
case('iterative: ln on the columns, then l1 0.5 of what is left', L,
     [{'fn': 'lnStructured', 'name': 'weight', 'amount': 2, 'n': 1, 'dim': 1},
      {'fn': 'l1Unstructured', 'name': 'weight', 'amount': 0.5}], [3, 5])
case('iterative: l1 twice on the same channels as ln (ln skips the channels already zero)', L,
     [{'fn': 'lnStructured', 'name': 'weight', 'amount': 1, 'n': 'inf', 'dim': 0},
      {'fn': 'lnStructured', 'name': 'weight', 'amount': 0.34, 'n': 'inf', 'dim': 0}], [3, 5])
case('customFromMask then l1 (global then unstructured)', L,
     [{'fn': 'customFromMask', 'name': 'weight', 'mask': [i % 3 != 0 for i in range(20)]},
      {'fn': 'l1Unstructured', 'name': 'weight', 'amount': 3}], [3, 5])
case('prune, then remove: the weight is a parameter again', L,
     [{'fn': 'l1Unstructured', 'name': 'weight', 'amount': 0.4}, {'fn': 'l1Unstructured', 'name': 'bias', 'amount': 1},
      {'fn': 'remove', 'name': 'weight'}], [3, 5])


def run_case(i, title, spec, steps, x_shape):
    torch.manual_seed(100 + i)
    m = make(spec)
    params = {k: flat(v) for k, v in m.state_dict().items()}
    for s in steps:
        apply_step(m, s)
    x = torch.randn(*x_shape)
    out = m(x)
    g = torch.randn(*out.shape)
    (out * g).sum().backward()
    return {
        'title': title, 'module': spec, 'params': params, 'steps': steps,
        'x': flat(x), 'xShape': list(x_shape), 'g': flat(g),
        'stateDict': [[k, list(v.shape), flat(v)] for k, v in m.state_dict().items()],
        'out': flat(out), 'outShape': list(out.shape),
        'grads': {k: flat(p.grad) for k, p in m.named_parameters()},
        'weight': flat(m.weight), 'isPruned': prune.is_pruned(m),
    }


def run_global(i):
    """global_unstructured over two Linear layers' weights (one of them pruned before, in the second form)."""
    torch.manual_seed(200 + i)
    net = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    params = {k: flat(v) for k, v in net.state_dict().items()}
    pre = i == 2
    if pre:
        prune.l1_unstructured(net[1], 'weight', amount=2)
    amount = [0.4, 5, 0.5][i]
    prune.global_unstructured([(net[0], 'weight'), (net[1], 'weight')], pruning_method=prune.L1Unstructured, amount=amount)
    x = torch.randn(2, 4)
    out = net(x)
    g = torch.randn(*out.shape)
    (out * g).sum().backward()
    return {
        'title': f'globalUnstructured amount={amount}{", the second weight pruned before" if pre else ""}',
        'params': params, 'amount': amount, 'pre': pre,
        'x': flat(x), 'g': flat(g),
        'stateDict': [[k, list(v.shape), flat(v)] for k, v in net.state_dict().items()],
        'out': flat(out),
        'grads': {k: flat(p.grad) for k, p in net.named_parameters()},
    }


print(json.dumps({
    'torch': torch.__version__,
    'cases': [run_case(i, *c) for i, c in enumerate(CASES)],
    'global': [run_global(i) for i in range(3)],
}))
