# conv.py — golden values for test/conv.test.ts: conv1d/conv2d/convTranspose2d and pooling
# forward outputs and input/weight/bias gradients from PyTorch (CPU, float64).
# Inputs are rounded to 6 significant digits and written into the JSON, so both sides use the
# same values; outputs are written with 12 significant digits.
#   /usr/bin/python3 scripts/golden/conv.py   (writes test/golden/conv.json)
import json, os
import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

def r6(t): return [float('%.6g' % v) for v in t.flatten().tolist()]
def r12(t): return [float('%.12g' % v) for v in t.flatten().tolist()]

def rnd(shape, ints=False):
    if ints:  # small integers: many ties for max pooling
        return torch.tensor(r6(torch.randint(0, 4, shape).double()), dtype=torch.float64).reshape(shape)
    return torch.tensor(r6(torch.randn(shape)), dtype=torch.float64).reshape(shape)

cases = []

def conv_case(name, fn, xs, ws, bias, opts, tflags=None):
    x = rnd(xs).requires_grad_()
    w = rnd(ws).requires_grad_()
    b = rnd([bias]).requires_grad_() if bias else None
    y = fn(x, w, b, **opts)
    g = rnd(list(y.shape))
    (y * g).sum().backward()
    c = dict(name=name, kind=fn.__name__, opts=opts, x=dict(shape=xs, data=r6(x)), w=dict(shape=ws, data=r6(w)),
             g=r6(g), out=dict(shape=list(y.shape), data=r12(y)), gx=r12(x.grad), gw=r12(w.grad))
    if b is not None:
        c['b'] = r6(b); c['gb'] = r12(b.grad)
    cases.append(c)

def conv2d(x, w, b, **o):
    return F.conv2d(x, w, b, **o)
def conv1d(x, w, b, **o):
    return F.conv1d(x, w, b, **o)
def conv_transpose2d(x, w, b, **o):
    o = dict(o)
    if 'output_padding' in o: o['output_padding'] = tuple(o['output_padding']) if isinstance(o['output_padding'], list) else o['output_padding']
    return F.conv_transpose2d(x, w, b, **o)

# conv2d grid: stride 1/2, padding 0/1/'same', dilation 1/2, groups 1/2, non-square kernels, batch 2
conv_case('basic k3', conv2d, [2, 3, 6, 5], [4, 3, 3, 3], 4, dict())
conv_case('stride 2 pad 1', conv2d, [2, 3, 7, 6], [4, 3, 3, 3], 4, dict(stride=2, padding=1))
conv_case('same k3', conv2d, [2, 2, 5, 6], [3, 2, 3, 3], 3, dict(padding='same'))
conv_case('same even non-square k[2,4] dil 2', conv2d, [2, 2, 6, 7], [3, 2, 2, 4], 3, dict(padding='same', dilation=2))
conv_case('dilation 2 pad 2', conv2d, [2, 2, 7, 7], [2, 2, 3, 3], 2, dict(padding=2, dilation=2))
conv_case('groups 2 k[2,3] stride[2,1] pad[1,0]', conv2d, [2, 4, 6, 5], [6, 2, 2, 3], 6, dict(stride=[2, 1], padding=[1, 0], groups=2))
conv_case('groups 2 dil[1,2] valid', conv2d, [2, 4, 6, 8], [4, 2, 3, 2], 4, dict(dilation=[1, 2], padding='valid', groups=2))
conv_case('depthwise no bias', conv2d, [2, 3, 5, 5], [6, 1, 3, 3], 0, dict(padding=1, groups=3))
conv_case('k1 stride 2', conv2d, [2, 3, 5, 5], [2, 3, 1, 1], 2, dict(stride=2))
conv_case('stride 2 dil 2 pad 1 non-square input', conv2d, [2, 2, 9, 6], [3, 2, 3, 2], 3, dict(stride=2, padding=[1, 2], dilation=[2, 1]))
# conv1d
conv_case('conv1d stride 2 pad 1', conv1d, [2, 3, 9], [4, 3, 3], 4, dict(stride=2, padding=1))
conv_case('conv1d same dil 2 groups 2', conv1d, [2, 4, 8], [2, 2, 4], 2, dict(padding='same', dilation=2, groups=2))
# convTranspose2d: weight [in, out/groups, kh, kw]
conv_case('convT stride 2 pad 1 outpad 1', conv_transpose2d, [2, 3, 4, 5], [3, 2, 3, 3], 2, dict(stride=2, padding=1, output_padding=1))
conv_case('convT groups 2 dil 2 k[2,3] outpad[1,0]', conv_transpose2d, [2, 4, 3, 4], [4, 3, 2, 3], 6, dict(stride=[2, 3], padding=[0, 1], output_padding=[1, 0], dilation=2, groups=2))
conv_case('convT stride 1 no bias', conv_transpose2d, [2, 2, 4, 4], [2, 3, 3, 2], 0, dict())

def pool_case(name, kind, xs, opts, ints=False):
    x = rnd(xs, ints).requires_grad_()
    if kind == 'maxPool2d':
        y, idx = F.max_pool2d(x, return_indices=True, **opts)
    elif kind == 'avgPool2d':
        y = F.avg_pool2d(x, **opts); idx = None
    else:
        y = F.adaptive_avg_pool2d(x, **opts); idx = None
    g = rnd(list(y.shape))
    (y * g).sum().backward()
    c = dict(name=name, kind=kind, opts=opts, x=dict(shape=xs, data=r6(x)), g=r6(g),
             out=dict(shape=list(y.shape), data=r12(y)), gx=r12(x.grad))
    if idx is not None: c['indices'] = idx.flatten().tolist()
    cases.append(c)

pool_case('max k2 ties', 'maxPool2d', [2, 3, 6, 6], dict(kernel_size=2), ints=True)
pool_case('max k3 s2 p1 ties', 'maxPool2d', [2, 2, 7, 6], dict(kernel_size=3, stride=2, padding=1), ints=True)
pool_case('max k[3,2] ceil', 'maxPool2d', [2, 2, 7, 8], dict(kernel_size=[3, 2], stride=2, ceil_mode=True), ints=True)
pool_case('max dilation 2 pad 1', 'maxPool2d', [1, 2, 8, 7], dict(kernel_size=3, stride=1, padding=1, dilation=2))
pool_case('avg k3 s2 p1', 'avgPool2d', [2, 2, 7, 6], dict(kernel_size=3, stride=2, padding=1))
pool_case('avg k3 s2 p1 exclude pad', 'avgPool2d', [2, 2, 7, 6], dict(kernel_size=3, stride=2, padding=1, count_include_pad=False))
pool_case('avg k[2,3] ceil pad 1', 'avgPool2d', [1, 2, 6, 7], dict(kernel_size=[2, 3], stride=2, padding=1, ceil_mode=True))
pool_case('avg ceil exclude pad', 'avgPool2d', [1, 2, 6, 7], dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False))
pool_case('avg divisor override', 'avgPool2d', [1, 2, 5, 5], dict(kernel_size=2, divisor_override=3))
pool_case('adaptive 7x5 -> 3x2', 'adaptiveAvgPool2d', [2, 2, 7, 5], dict(output_size=[3, 2]))
pool_case('adaptive 5x7 -> 4x3', 'adaptiveAvgPool2d', [1, 3, 5, 7], dict(output_size=[4, 3]))
pool_case('adaptive -> 1', 'adaptiveAvgPool2d', [2, 3, 4, 5], dict(output_size=1))
pool_case('adaptive upsample 3x2 -> 5x4', 'adaptiveAvgPool2d', [1, 2, 3, 2], dict(output_size=[5, 4]))

out = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'conv.json')
with open(out, 'w') as f:
    json.dump(dict(torch=torch.__version__, cases=cases), f, separators=(',', ':'))
print('wrote', out, len(cases), 'cases', os.path.getsize(out), 'bytes')
