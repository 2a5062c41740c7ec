// torch-diff-specs-nd3.js — bench/torch-diff.js's specs for the 3-D layers of lib/nn/conv3d.ts (the
// format of bench/torch-diff-specs.js): F.conv3d, F.convTranspose3d, F.maxPool3d (with indices),
// F.avgPool3d, F.adaptiveAvgPool3d, F.adaptiveMaxPool3d, F.dropout3d (its deterministic cases: eval,
// p = 0, p = 1), and the modules: Conv3d with every paddingMode, ConvTranspose3d with outputSize (weights
// copied from torch), the pooling modules, BatchNorm3d and InstanceNorm3d (output and running stats),
// the padding modules, and every 3-D layer's repr.
'use strict';

const F3 = ['float32', 'float64', 'float32', 'float64', 'float16', 'bfloat16'];  // the 16-bit dtypes less often
const specs = [];
const add = (s) => specs.push(s);
const fl_ = (fl) => fl.nn.functional;
const at = (v, i) => (Array.isArray(v) ? v[i] : v);

/** A volume input [N, C, D, H, W] (or unbatched [C, D, H, W] now and then), sizes min..max (1..max now and then). */
function volume(r, dt, C, max = 5, kind = 'cont', min = 1) {
  const s = [0, 1, 2].map(() => r.int(r.bool(0.15) ? 1 : min, max));
  const xs = r.bool(0.15) ? [C, ...s] : [r.bool(0.05) ? 0 : r.int(1, 2), C, ...s];
  return r.tensor(dt, xs, kind);
}
// emptyWindow: a max pooling window with no tap inside the input (torch 1.13 reads out of bounds there)
const { poolEmptyWindow: emptyWindow } = require('./torch-diff-specs-nn');

// ---- convolutions ------------------------------------------------------------------------------------
add({
  name: 'F.conv3d', py: 'F.conv3d(x0, x1, x2 if a.hb else None, a.st, a.pad, a.dil, a.g)',
  gen: (r) => {
    const g = r.pick([1, 1, 2]), cin = g * r.int(1, 2), cout = g * r.int(1, 2), dt = r.pick(F3);
    const k = [r.int(1, 3), r.int(1, 3), r.int(1, 3)];
    return {
      ins: [volume(r, dt, cin, 5, 'cont', 3), r.tensor(dt, [cout, cin / g, ...k], 'cont'), r.tensor(dt, [cout], 'cont')],
      a: { hb: r.bool(), st: r.pick([1, 1, 2, [1, 2, 1], [2]]), pad: r.pick([0, 1, [1, 0, 2], 'same', 'valid']), dil: r.pick([1, 1, 2, [2, 1, 1]]), g },
    };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).conv3d(x, w, a.hb ? b : null, a.st, a.pad, a.dil, a.g), tol: 16,
  known: (a, [x, w]) => (x.shape[0] === 0 && x.shape.length === w.shape.length && w.layout === 't' ? 'torch 1.13 fails on a zero-size batch with a non-contiguous weight ("view size is not compatible")' : null),
});
// torch 1.13's CPU bfloat16 conv_transpose reads the weight as a forward conv's (see specs-nn's
// F.convTranspose2d): bfloat16 runs in float32 on torch's side and is rounded back
add({
  name: 'F.convTranspose3d', py: '(lambda c: F.conv_transpose3d(c(x0), c(x1), c(x2) if a.hb else None, a.st, a.pad, a.op, a.g, a.dil).to(x0.dtype))(lambda t: t.float() if t.dtype == torch.bfloat16 else t)',
  gen: (r) => {
    const g = r.pick([1, 1, 2]), cin = g * r.int(1, 2), cout = g * r.int(1, 2), dt = r.pick(F3);
    const k = [r.int(1, 3), r.int(1, 3), r.int(1, 3)];
    const st = r.pick([1, 2, [2, 1, 3], [1, 1, 2]]), dil = r.pick([1, 1, 2, [1, 2, 1]]);
    // an output padding below the stride or the dilation of each dim (one past it now and then: refused by both)
    const op = [0, 1, 2].map((i) => r.int(0, Math.max(at(st, i), at(dil, i)) - 1) + (r.bool(0.03) ? 1 : 0));
    return {
      ins: [volume(r, dt, cin, 4), r.tensor(dt, [cin, cout / g, ...k], 'cont'), r.tensor(dt, [cout], 'cont')],
      a: { hb: r.bool(), st, pad: r.pick([0, 0, 1, [0, 1, 0]]), op: r.bool(0.3) ? 0 : op, dil, g },
    };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).convTranspose3d(x, w, a.hb ? b : null, { stride: a.st, padding: a.pad, outputPadding: a.op, groups: a.g, dilation: a.dil }), tol: 16,
  known: (a, [x]) => (x.shape.length === 5 && x.shape[0] === 0 ? 'torch 1.13 skips the argument checks (outputPadding < stride or dilation) for an empty batch' : null),
});

// ---- pooling ----------------------------------------------------------------------------------------
add({
  name: 'F.maxPool3d', py: 'F.max_pool3d(x0, a.k, a.st, a.pad, a.dil, a.ceil, a.ri)',
  gen: (r) => {
    const x = volume(r, r.pick(F3), r.int(1, 2), 6, r.pick(['cont', 'cont', 'grid', 'special']), 3);
    const a = { k: r.pick([1, 2, 3, [2, 1, 3], [1, 2, 2]]), st: r.pick([null, 1, 2, [1, 2, 1]]), pad: r.pick([0, 0, 1, [0, 1, 0]]), dil: r.pick([1, 1, 2, [2, 1, 1]]), ceil: r.bool(), ri: r.bool() };
    const sp = x.shape.slice(-3);
    if ([0, 1, 2].some((i) => emptyWindow(sp[i], at(a.k, i), a.st == null ? at(a.k, i) : at(a.st, i), at(a.pad, i), at(a.dil, i), a.ceil))) a.dil = 1;
    return { ins: [x], a };
  },
  fl: (fl, [x], a) => fl_(fl).maxPool3d(x, a.k, a.st, a.pad, a.dil, a.ceil, a.ri),
});
add({
  name: 'F.avgPool3d', py: 'F.avg_pool3d(x0, a.k, a.st, a.pad, a.ceil, a.cip, a.div)',
  gen: (r) => ({
    ins: [volume(r, r.pick(F3), r.int(1, 2), 6, 'cont', 3)],
    a: { k: r.pick([1, 2, 3, [2, 1, 3], [1, 2, 2]]), st: r.pick([null, 1, 2, [1, 2, 1]]), pad: r.pick([0, 0, 1, [0, 1, 0]]), ceil: r.bool(), cip: r.bool(), div: r.pick([null, null, 1, 3, -2]) },
  }),
  fl: (fl, [x], a) => fl_(fl).avgPool3d(x, a.k, { stride: a.st, padding: a.pad, ceilMode: a.ceil, countIncludePad: a.cip, divisorOverride: a.div }), tol: 8,
});
add({
  name: 'F.adaptiveAvgPool3d', py: 'F.adaptive_avg_pool3d(x0, a.os)',
  gen: (r) => ({ ins: [volume(r, r.pick(F3), r.int(1, 2), 6)], a: { os: r.pick([1, 2, 3, [2, 3, 1], [null, 2, 3], [3, null, null], 5]) } }),
  fl: (fl, [x], a) => fl_(fl).adaptiveAvgPool3d(x, a.os), tol: 8,
});
add({
  name: 'F.adaptiveMaxPool3d', py: 'F.adaptive_max_pool3d(x0, a.os, a.ri)',
  gen: (r) => ({ ins: [volume(r, r.pick(F3), r.int(1, 2), 6, r.pick(['cont', 'grid', 'special']))], a: { os: r.pick([1, 2, 3, [2, 3, 1], [null, 2, 3], [3, null, null], 5]), ri: r.bool() } }),
  fl: (fl, [x], a) => fl_(fl).adaptiveMaxPool3d(x, a.os, a.ri),
});
add({
  // the deterministic cases: eval, p = 0, p = 1 (any rank: torch 1.13 reads a rank other than 5 as unbatched)
  name: 'F.dropout3d', py: 'F.dropout3d(x0, a.p, a.tr)',
  gen: (r) => {
    const s = r.bool(0.8) ? [r.int(1, 2), r.int(1, 3), r.int(1, 3), r.int(1, 3), r.int(1, 3)].slice(r.bool(0.3) ? 1 : 0) : r.shape(0, 3);
    const tr = r.bool();
    return { ins: [r.tensor(r.pick(F3), s, 'cont')], a: { p: tr ? r.pick([0, 1]) : r.pick([0, 0.5, 1]), tr } };
  },
  fl: (fl, [x], a) => fl_(fl).dropout3d(x, a.p, a.tr),
});

// ---- modules ----------------------------------------------------------------------------------------
add({
  // weights copied from torch's layer; every padding mode, 'same' and 'valid'
  name: 'nn.Conv3d',
  py: '(lambda m: (m.weight.data.copy_(x1), m.bias.data.copy_(x2), m(x0))[2])(torch.nn.Conv3d(x1.shape[1] * a.g, x1.shape[0], tuple(x1.shape[2:]), a.st, a.pad, a.dil, a.g, True, a.pm).to(x0.dtype))',
  gen: (r) => {
    const g = r.pick([1, 1, 2]), cin = g * r.int(1, 2), cout = g * r.int(1, 2);
    const k = [r.int(1, 3), r.int(1, 3), r.int(1, 3)];
    const pad = r.pick([0, 1, [1, 0, 1], 'same', 'valid']);
    const st = pad === 'same' ? 1 : r.pick([1, 1, 2]);
    return {
      ins: [volume(r, 'float64', cin, 5, 'cont', 3), r.tensor('float64', [cout, cin, ...k].map((v, i) => (i === 1 ? cin / g : v)), 'cont'), r.tensor('float64', [cout], 'cont')],
      a: { g, st, pad, dil: r.pick([1, 1, [1, 2, 1]]), pm: r.pick(['zeros', 'reflect', 'replicate', 'circular']) },
    };
  },
  fl: (fl, [x, w, b], a) => {
    const m = new fl.nn.Conv3d(w.shape[1] * a.g, w.shape[0], w.shape.slice(2), a.st, a.pad, a.dil, a.g, true, a.pm, { dtype: 'float64', device: w.device });
    fl.noGrad(() => { m.weight.copy_(w); m.bias.copy_(b); });
    return m.forward(x);
  },
  tol: 16,
});
add({
  // with outputSize now and then (one past the reachable sizes one time in five)
  name: 'nn.ConvTranspose3d',
  py: '(lambda m: (m.weight.data.copy_(x1), m.bias.data.copy_(x2), m(x0, a.os))[2])(torch.nn.ConvTranspose3d(x1.shape[0], x1.shape[1], tuple(x1.shape[2:]), a.s, a.p, a.op).to(x0.dtype))',
  gen: (r) => {
    const Cin = r.int(1, 3), O = r.int(1, 3), k = [r.int(1, 3), r.int(1, 3), r.int(1, 3)], s = r.pick([1, 2, 3]), p = r.pick([0, 1]);
    const x = r.tensor('float64', [r.int(1, 2), Cin, r.int(1, 3), r.int(1, 3), r.int(1, 3)], 'cont');
    const os = r.bool(0.4) ? x.shape.slice(2).map((n, i) => (n - 1) * s - 2 * p + k[i] + (r.bool(0.2) ? s : r.int(0, s - 1))) : null;
    return { ins: [x, r.tensor('float64', [Cin, O, ...k], 'cont'), r.tensor('float64', [O], 'cont')], a: { s, p, op: r.int(0, s - 1), os } };
  },
  fl: (fl, [x, w, b], a) => {
    const m = new fl.nn.ConvTranspose3d(w.shape[0], w.shape[1], w.shape.slice(2), a.s, a.p, a.op, { dtype: 'float64', device: w.device });
    fl.noGrad(() => { m.weight.copy_(w); m.bias.copy_(b); });
    return m.forward(x, a.os ?? undefined);
  },
  tol: 16,
});
const POOL_PY = {
  max: 'torch.nn.MaxPool3d(a.k, a.st, a.pad, 1, a.ri, a.ceil)',
  avg: 'torch.nn.AvgPool3d(a.k, a.st, a.pad, a.ceil, a.cip)',
  aavg: 'torch.nn.AdaptiveAvgPool3d(a.os)',
  amax: 'torch.nn.AdaptiveMaxPool3d(a.os, a.ri)',
};
add({
  name: 'nn.Pool3d',
  py: `(lambda m: m(x0))({'max': lambda: ${POOL_PY.max}, 'avg': lambda: ${POOL_PY.avg}, 'aavg': lambda: ${POOL_PY.aavg}, 'amax': lambda: ${POOL_PY.amax}}[a.kind]())`,
  gen: (r) => ({
    ins: [volume(r, r.pick(['float32', 'float64']), r.int(1, 2), 5, 'cont', 3)],
    a: { kind: r.pick(['max', 'avg', 'aavg', 'amax']), k: r.pick([2, 3, [1, 2, 2]]), st: r.pick([null, 1, 2]), pad: r.pick([0, 1]), ceil: r.bool(), cip: r.bool(), ri: r.bool(), os: r.pick([1, 2, [3, null, 2]]) },
  }),
  fl: (fl, [x], a) => {
    const nn = fl.nn;
    const m = a.kind === 'max' ? new nn.MaxPool3d(a.k, a.st, a.pad, 1, a.ri, a.ceil) : a.kind === 'avg' ? new nn.AvgPool3d(a.k, a.st, a.pad, a.ceil, a.cip)
      : a.kind === 'aavg' ? new nn.AdaptiveAvgPool3d(a.os) : new nn.AdaptiveMaxPool3d(a.os, a.ri);
    return m.forward(x);
  },
  tol: 8,
});
add({
  // training (batch statistics, then the running stats), then eval with them
  name: 'nn.BatchNorm3d',
  py: '(lambda m: (lambda y: [y, m.running_mean, m.running_var, m.eval()(x0)])(m(x0)))(torch.nn.BatchNorm3d(x0.shape[1], a.eps, a.mom).to(x0.dtype))',
  gen: (r) => {
    const C = r.int(1, 3);
    const xs = [r.int(1, 3), C, r.int(1, 3), r.int(1, 3), r.int(1, 3)];
    if (r.bool(0.1)) xs.splice(0, 1);  // a 4-D input: refused by both
    return { ins: [r.tensor(r.pick(['float32', 'float64']), xs, 'cont')], a: { eps: r.pick([1e-5, 0.1]), mom: r.pick([0.1, 0.5, null]) } };
  },
  fl: (fl, [x], a) => {
    const m = new fl.nn.BatchNorm3d(x.shape[1], a.eps, a.mom, { dtype: x.dtype, device: x.device });
    const y = m.forward(x);
    const rm = m.runningMean.clone(), rv = m.runningVar.clone();
    m.eval();
    return [y, rm, rv, m.forward(x)];
  },
  tol: 16,
});
add({
  name: 'nn.InstanceNorm3d',
  py: '(lambda m: (lambda y: [y] + ([m.running_mean, m.running_var] if a.track else []))(m(x0)))(torch.nn.InstanceNorm3d(x0.shape[-4], a.eps, 0.1, a.aff, a.track).to(x0.dtype))',
  gen: (r) => {
    const C = r.int(1, 3);
    const xs = [C, r.int(1, 3), r.int(1, 3), r.int(2, 3)];
    if (r.bool(0.8)) xs.unshift(r.int(1, 2));
    return { ins: [r.tensor(r.pick(['float32', 'float64']), xs, 'cont')], a: { eps: r.pick([1e-5, 0.1]), aff: r.bool(), track: r.bool() } };
  },
  fl: (fl, [x], a) => {
    const m = new fl.nn.InstanceNorm3d(x.shape[x.shape.length - 4], a.eps, 0.1, a.aff, a.track, { dtype: x.dtype, device: x.device });
    const y = m.forward(x);
    return a.track ? [y, m.runningMean, m.runningVar] : [y];
  },
  tol: 16,
});
add({
  name: 'nn.Pad3d',
  py: "(lambda m: m(x0))({'c': lambda: torch.nn.ConstantPad3d(a.p, a.v), 'z': lambda: torch.nn.ConstantPad3d(a.p, 0.0), 'r': lambda: torch.nn.ReflectionPad3d(a.p), 'e': lambda: torch.nn.ReplicationPad3d(a.p)}[a.kind]())",
  gen: (r) => {
    const xs = [r.int(1, 2), r.int(1, 3), r.int(1, 3), r.int(1, 4)];
    if (r.bool(0.8)) xs.unshift(r.int(1, 2));
    const p = r.bool(0.3) ? r.int(0, 2) : Array.from({ length: 6 }, () => r.pick([0, 0, 1, 2, -1]));
    return { ins: [r.tensor(r.pick(['float32', 'float64']), xs, 'cont')], a: { kind: r.pick(['c', 'z', 'r', 'e']), p, v: r.pick([0, 1.5, -2]) } };
  },
  fl: (fl, [x], a) => {
    const nn = fl.nn;
    const m = a.kind === 'c' ? new nn.ConstantPad3d(a.p, a.v) : a.kind === 'z' ? new nn.ZeroPad3d(a.p) : a.kind === 'r' ? new nn.ReflectionPad3d(a.p) : new nn.ReplicationPad3d(a.p);
    return m.forward(x);
  },
  known: (a, [x]) => {
    const p = typeof a.p === 'number' ? new Array(6).fill(a.p) : a.p;
    const empty = x.shape.slice(-3).some((n, i) => n + p[4 - 2 * i] + p[5 - 2 * i] === 0);
    return a.kind === 'r' && empty ? "torch 1.13's reflection_pad3d backward with an empty output (negative pads) returns uninitialized memory as the input gradient; flintml's is zeros" : null;
  },
});

// ---- repr -------------------------------------------------------------------------------------------
/** [torch expression, flintml constructor] of each layer, with arguments drawn from `args`. */
const REPRS = [
  ['torch.nn.Conv3d(2, 4, (1, 3, 3), (1, 2, 2), (0, 1, 1), 1, 2, False)', (fl) => new fl.nn.Conv3d(2, 4, [1, 3, 3], [1, 2, 2], [0, 1, 1], 1, 2, false)],
  ["torch.nn.Conv3d(3, 6, 3, padding='same', dilation=2, padding_mode='circular')", (fl) => new fl.nn.Conv3d(3, 6, 3, { padding: 'same', dilation: 2, paddingMode: 'circular' })],
  ['torch.nn.ConvTranspose3d(4, 2, 3, 2, 1, 1, dilation=(1, 2, 1))', (fl) => new fl.nn.ConvTranspose3d(4, 2, 3, 2, 1, 1, { dilation: [1, 2, 1] })],
  ['torch.nn.MaxPool3d((2, 3, 3), None, 1, 1, False, True)', (fl) => new fl.nn.MaxPool3d([2, 3, 3], null, 1, 1, false, true)],
  ['torch.nn.AvgPool3d(2, 1)', (fl) => new fl.nn.AvgPool3d(2, 1)],
  ['torch.nn.AdaptiveAvgPool3d((None, 4, 4))', (fl) => new fl.nn.AdaptiveAvgPool3d([null, 4, 4])],
  ['torch.nn.AdaptiveMaxPool3d(3)', (fl) => new fl.nn.AdaptiveMaxPool3d(3)],
  ['torch.nn.BatchNorm3d(8, momentum=None)', (fl) => new fl.nn.BatchNorm3d(8, { momentum: null })],
  ['torch.nn.InstanceNorm3d(8, affine=True)', (fl) => new fl.nn.InstanceNorm3d(8, { affine: true })],
  ['torch.nn.Dropout3d(0.25)', (fl) => new fl.nn.Dropout3d(0.25)],
  ['torch.nn.ConstantPad3d((1, 2, 0, 0, 3, 1), -1.5)', (fl) => new fl.nn.ConstantPad3d([1, 2, 0, 0, 3, 1], -1.5)],
  ['torch.nn.ReflectionPad3d(1)', (fl) => new fl.nn.ReflectionPad3d(1)],
  ['torch.nn.ReplicationPad3d((0, 1, 1, 0, 2, 2))', (fl) => new fl.nn.ReplicationPad3d([0, 1, 1, 0, 2, 2])],
];
add({
  name: 'repr-3d', grad: false, py: 'str(eval(a.py))',
  gen: (r) => { const i = r.int(0, REPRS.length - 1); return { ins: [], a: { i, py: REPRS[i][0] } }; },
  fl: (fl, _, a) => String(REPRS[a.i][1](fl)),
});

module.exports = { SPECS: specs };
