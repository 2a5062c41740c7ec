// torch-diff-specs-layers.js — bench/torch-diff.js's specs for the extra torch.nn layers (the format of
// bench/torch-diff-specs.js): 1-D max/average pooling, adaptive average pooling in 1-D, adaptive max
// pooling in 1-D and 2-D (with indices), LP pooling (lib/nn/pooling.ts); the pixel and channel
// shuffles, Unflatten, unfold and fold (lib/nn/shuffle.ts); instance and local response norm, the
// padding modules, the dropouts (deterministic cases: eval, p = 0, p = 1), bilinear, convTranspose1d
// and embedding bags (lib/nn/extra-layers.ts); their modules (weights copied from torch), and every
// layer's repr, ParameterList and ParameterDict included (repr-layers).
'use strict';

const F3 = ['float32', 'float64', 'float32', 'float64', 'float16', 'bfloat16'];  // the 16-bit dtypes less often
const specs = [];
const add = (s) => specs.push(s);
const fl_ = (fl) => fl.nn.functional;
const pyB = (b) => (b ? 'True' : 'False');
const pyV = (v) => (v === null || v === undefined ? 'None' : typeof v === 'boolean' ? pyB(v) : typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `(${v.map(pyV).join(', ')}${v.length === 1 ? ',' : ''})` : String(v));

/** A 1-D pooling input: [N, C, L] or unbatched [C, L], L in 0..8 (0 now and then). */
function input1d(r, kind = 'cont') {
  const C = r.int(1, 2), L = r.bool(0.04) ? 0 : r.int(1, 8);
  const xs = r.bool(0.2) ? [C, L] : [r.bool(0.05) ? 0 : r.int(1, 2), C, L];
  if (r.bool(0.03)) xs.unshift(1);  // a 4-D input: refused by both
  return r.tensor(r.pick(F3), xs, kind);
}
/** A 2-D pooling input: [N, C, H, W] or unbatched [C, H, W]. */
function input2d(r, kind = 'cont') {
  const C = r.int(1, 2), H = r.int(1, 7), W = r.int(1, 7);
  const xs = r.bool(0.2) ? [C, H, W] : [r.bool(0.05) ? 0 : r.int(1, 2), C, H, W];
  return r.tensor(r.pick(F3), xs, kind);
}
// emptyWindow1: a max pooling window with no tap inside the input (torch 1.13 reads out of bounds there)
const { poolEmptyWindow: emptyWindow1 } = require('./torch-diff-specs-nn');

// ---- 1-D max and average pooling ---------------------------------------------------------------------
add({
  name: 'F.maxPool1d', py: 'F.max_pool1d(x0, a.k, a.st, a.pad, a.dil, a.ceil, a.ri)',
  gen: (r) => {
    const x = input1d(r, r.pick(['cont', 'cont', 'grid', 'special']));
    // (a padding over half the kernel is refused by both: drawn now and then)
    const a = { k: r.pick([1, 2, 3, [2], 4]), st: r.pick([null, 1, 2, [3]]), pad: r.pick([0, 0, 1, 1, 2]), dil: r.pick([1, 1, 2]), ceil: r.bool(), ri: r.bool() };
    const n = x.shape[x.shape.length - 1], k = Array.isArray(a.k) ? a.k[0] : a.k, s = a.st == null ? k : Array.isArray(a.st) ? a.st[0] : a.st;
    if (a.dil > 1 && emptyWindow1(n, k, s, a.pad, a.dil, a.ceil)) a.dil = 1;
    return { ins: [x], a };
  },
  fl: (fl, [x], a) => fl_(fl).maxPool1d(x, a.k, a.st, a.pad, a.dil, a.ceil, a.ri),
});
add({
  name: 'F.avgPool1d', py: 'F.avg_pool1d(x0, a.k, a.st, a.pad, a.ceil, a.cip)',
  gen: (r) => ({ ins: [input1d(r)], a: { k: r.pick([1, 2, 3, [2]]), st: r.pick([null, 1, 2, [3]]), pad: r.pick([0, 0, 1]), ceil: r.bool(), cip: r.bool() } }),
  fl: (fl, [x], a) => fl_(fl).avgPool1d(x, a.k, { stride: a.st, padding: a.pad, ceilMode: a.ceil, countIncludePad: a.cip }), tol: 8,
});
add({
  name: 'nn.MaxPool1d', py: '(lambda m: m(x0))(torch.nn.MaxPool1d(a.k, a.st, a.pad, 1, a.ri, a.ceil))',
  gen: (r) => ({ ins: [input1d(r, r.pick(['cont', 'grid']))], a: { k: r.pick([2, 3]), st: r.pick([null, 1, 2]), pad: r.pick([0, 1]), ceil: r.bool(), ri: r.bool() } }),
  fl: (fl, [x], a) => new fl.nn.MaxPool1d(a.k, a.st, a.pad, 1, a.ri, a.ceil).forward(x),
});
add({
  name: 'nn.AvgPool1d', py: '(lambda m: m(x0))(torch.nn.AvgPool1d(a.k, a.st, a.pad, a.ceil, a.cip))',
  gen: (r) => ({ ins: [input1d(r)], a: { k: r.pick([2, 3]), st: r.pick([null, 1, 2]), pad: r.pick([0, 1]), ceil: r.bool(), cip: r.bool() } }),
  fl: (fl, [x], a) => new fl.nn.AvgPool1d(a.k, { stride: a.st, padding: a.pad, ceilMode: a.ceil, countIncludePad: a.cip }).forward(x), tol: 8,
});

// ---- adaptive pooling ----------------------------------------------------------------------------------
add({
  name: 'F.adaptiveAvgPool1d', py: 'F.adaptive_avg_pool1d(x0, a.os)',
  gen: (r) => ({ ins: [input1d(r)], a: { os: r.pick([1, 2, 3, 5, [4]]) } }),
  fl: (fl, [x], a) => fl_(fl).adaptiveAvgPool1d(x, a.os), tol: 8,
});
add({
  name: 'F.adaptiveMaxPool1d', py: 'F.adaptive_max_pool1d(x0, a.os, a.ri)',
  gen: (r) => ({ ins: [input1d(r, r.pick(['cont', 'grid', 'special']))], a: { os: r.pick([1, 2, 3, 5, [4]]), ri: r.bool() } }),
  fl: (fl, [x], a) => fl_(fl).adaptiveMaxPool1d(x, a.os, a.ri),
});
add({
  name: 'F.adaptiveMaxPool2d', py: 'F.adaptive_max_pool2d(x0, a.os, a.ri)',
  gen: (r) => ({ ins: [input2d(r, r.pick(['cont', 'grid', 'special']))], a: { os: r.pick([1, 2, 3, [2, 3], [null, 2], [3, null], 5]), ri: r.bool() } }),
  fl: (fl, [x], a) => fl_(fl).adaptiveMaxPool2d(x, a.os, a.ri),
});
add({
  name: 'nn.AdaptiveMaxPool2d', py: '(lambda m: m(x0))(torch.nn.AdaptiveMaxPool2d(a.os, a.ri))',
  gen: (r) => ({ ins: [input2d(r)], a: { os: r.pick([2, [3, 2], [null, 3]]), ri: r.bool() } }),
  fl: (fl, [x], a) => new fl.nn.AdaptiveMaxPool2d(a.os, a.ri).forward(x),
});
add({
  name: 'nn.AdaptiveMaxPool1d', py: '(lambda m: m(x0))(torch.nn.AdaptiveMaxPool1d(a.os, a.ri))',
  gen: (r) => ({ ins: [input1d(r)], a: { os: r.pick([1, 3, 4]), ri: r.bool() } }),
  fl: (fl, [x], a) => new fl.nn.AdaptiveMaxPool1d(a.os, a.ri).forward(x),
});
add({
  name: 'nn.AdaptiveAvgPool1d', py: '(lambda m: m(x0))(torch.nn.AdaptiveAvgPool1d(a.os))',
  gen: (r) => ({ ins: [input1d(r)], a: { os: r.pick([1, 3, 4]) } }),
  fl: (fl, [x], a) => new fl.nn.AdaptiveAvgPool1d(a.os).forward(x), tol: 8,
});

// ---- LP pooling ----------------------------------------------------------------------------------------
// positive inputs for fractional p (a negative base to a fractional power is NaN on both sides, but
// the NaN's gradient differs by where each library takes it), any sign for integer p
add({
  name: 'F.lpPool1d', py: 'F.lp_pool1d(x0, a.p, a.k, a.st, a.ceil)',
  gen: (r) => {
    const p = r.pick([1, 2, 2, 3, 1.5]);
    return { ins: [input1d(r, Number.isInteger(p) ? 'cont' : 'pos')], a: { p, k: r.pick([1, 2, 3]), st: r.pick([null, 1, 2]), ceil: r.bool() } };
  },
  fl: (fl, [x], a) => fl_(fl).lpPool1d(x, a.p, a.k, a.st, a.ceil), tol: 8,
});
add({
  name: 'F.lpPool2d', py: 'F.lp_pool2d(x0, a.p, a.k, a.st, a.ceil)',
  gen: (r) => {
    const p = r.pick([1, 2, 2, 3, 1.5]);
    return { ins: [input2d(r, Number.isInteger(p) ? 'cont' : 'pos')], a: { p, k: r.pick([1, 2, [2, 3]]), st: r.pick([null, 1, 2, [1, 2]]), ceil: r.bool() } };
  },
  fl: (fl, [x], a) => fl_(fl).lpPool2d(x, a.p, a.k, { stride: a.st, ceilMode: a.ceil }), tol: 8,
});
add({
  name: 'nn.LPPool2d', py: '(lambda m: m(x0))(torch.nn.LPPool2d(a.p, a.k, a.st))',
  gen: (r) => ({ ins: [input2d(r, 'pos')], a: { p: r.pick([1, 2, 3]), k: r.pick([2, [2, 1]]), st: r.pick([null, 1]) } }),
  fl: (fl, [x], a) => new fl.nn.LPPool2d(a.p, a.k, a.st).forward(x), tol: 8,
});
add({
  name: 'nn.LPPool1d', py: '(lambda m: m(x0))(torch.nn.LPPool1d(a.p, a.k, a.st))',
  gen: (r) => ({ ins: [input1d(r, 'pos')], a: { p: r.pick([1, 2, 3]), k: r.pick([2, 3]), st: r.pick([null, 1]) } }),
  fl: (fl, [x], a) => new fl.nn.LPPool1d(a.p, a.k, a.st).forward(x), tol: 8,
});

// ---- shuffles, unflatten, unfold and fold (lib/nn/shuffle.ts) ---------------------------------------------
// torch 1.13's pixel_shuffle / pixel_unshuffle return an empty input as it is (its shape not
// rearranged), and their backward then refuses its own gradient; flintml rearranges the shape as for
// any other input (documented in FIDELITY.md)
const EMPTY_SHUFFLE = (a, [x]) => (x.shape.includes(0) ? "torch 1.13's pixel_(un)shuffle returns an empty input unchanged (and its backward fails); flintml gives the rearranged shape" : null);
add({
  name: 'F.pixelShuffle', py: 'F.pixel_shuffle(x0, a.r)',
  gen: (r) => {
    const rr = r.pick([1, 2, 2, 3]);
    const lead = r.shape(0, 2, 2);
    const s = [...lead, (r.bool(0.05) ? 0 : r.int(1, 2)) * rr * rr + (r.bool(0.08) ? 1 : 0), r.int(1, 3), r.int(1, 3)];
    if (r.bool(0.04)) s.splice(0, s.length - 2);  // 2-D: refused
    return { ins: [r.tensor(r.pick([...F3, 'int32']), s, 'cont')], a: { r: rr } };
  },
  fl: (fl, [x], a) => fl_(fl).pixelShuffle(x, a.r), known: EMPTY_SHUFFLE,
});
add({
  name: 'F.pixelUnshuffle', py: 'F.pixel_unshuffle(x0, a.r)',
  gen: (r) => {
    const rr = r.pick([1, 2, 2, 3]);
    const lead = r.shape(0, 2, 2);
    const s = [...lead, r.bool(0.05) ? 0 : r.int(1, 2), r.int(1, 2) * rr + (r.bool(0.08) ? 1 : 0), (r.bool(0.05) ? 0 : r.int(1, 2)) * rr];
    return { ins: [r.tensor(r.pick([...F3, 'int32']), s, 'cont')], a: { r: rr } };
  },
  fl: (fl, [x], a) => fl_(fl).pixelUnshuffle(x, a.r), known: EMPTY_SHUFFLE,
});
add({
  name: 'F.channelShuffle', py: 'F.channel_shuffle(x0, a.g)',
  gen: (r) => {
    const g = r.pick([1, 2, 3]);
    const s = [r.int(1, 2), r.int(1, 2) * g + (r.bool(0.08) ? 1 : 0), ...r.shape(1, 2, 3, false)];
    return { ins: [r.tensor(r.pick([...F3, 'int32']), s, 'cont')], a: { g } };
  },
  fl: (fl, [x], a) => fl_(fl).channelShuffle(x, a.g),
});
add({
  name: 'nn.Unflatten', py: '(lambda m: m(x0))(torch.nn.Unflatten(a.d, tuple(a.s)))',
  gen: (r) => {
    // mostly a dim of 6 split by sizes that fit it; now and then a dim of 4 or 0, dim 0 or an out-of-range dim
    const s = [r.int(1, 3), r.bool(0.8) ? 6 : r.pick([4, 0]), r.int(1, 2)];
    const d = r.pick([1, -2, 1, -2, 1, 0, 3]);
    const sizes = r.pick([[2, 3], [2, -1], [-1, 2], [3, 2], [1, 6], [6], [-1], [2, 2]]);
    return { ins: [r.tensor(r.pick(F3), s, 'cont')], a: { d, s: sizes } };
  },
  fl: (fl, [x], a) => new fl.nn.Unflatten(a.d, a.s).forward(x),
});
/** Unfold's and fold's geometry: kernel, dilation, padding, stride (numbers or pairs). */
function blockArgs(r) {
  return { k: r.pick([1, 2, [2, 3], 3]), dil: r.pick([1, 1, 2, [1, 2]]), pad: r.pick([0, 0, 1, [0, 2]]), st: r.pick([1, 1, 2, [2, 1]]) };
}
const at = (v, i) => (Array.isArray(v) ? v[i] : v);
const nBlocks = (n, a, i) => Math.floor((n + 2 * at(a.pad, i) - at(a.dil, i) * (at(a.k, i) - 1) - 1) / at(a.st, i)) + 1;
add({
  name: 'F.unfold', py: 'F.unfold(x0, a.k, a.dil, a.pad, a.st)',
  gen: (r) => {
    const C = r.int(1, 2), H = r.int(1, 5), W = r.int(1, 5);
    const xs = r.bool(0.2) ? [C, H, W] : [r.bool(0.05) ? 0 : r.int(1, 2), C, H, W];
    return { ins: [r.tensor(r.pick(F3), xs, 'cont')], a: blockArgs(r) };
  },
  fl: (fl, [x], a) => fl_(fl).unfold(x, a.k, a.dil, a.pad, a.st), tol: 4,
});
add({
  name: 'F.fold', py: 'F.fold(x0, a.os, a.k, a.dil, a.pad, a.st)',
  gen: (r) => {
    const a = blockArgs(r);
    const os = [r.int(1, 5), r.int(1, 5)];
    a.os = r.bool(0.3) ? os[0] : os;
    const L = nBlocks(os[0], a, 0) * nBlocks(a.os === os[0] ? os[0] : os[1], a, 1);
    const K = at(a.k, 0) * at(a.k, 1);
    const CK = r.int(1, 2) * K + (r.bool(0.05) ? 1 : 0);
    const Lx = Math.max(L, 0) + (r.bool(0.05) ? 1 : 0);
    const xs = r.bool(0.2) ? [CK, Lx] : [r.bool(0.05) ? 0 : r.int(1, 2), CK, Lx];
    return { ins: [r.tensor(r.pick(F3), xs, 'cont')], a };
  },
  fl: (fl, [x], a) => fl_(fl).fold(x, a.os, a.k, a.dil, a.pad, a.st), tol: 4,
});
add({
  name: 'nn.Fold-Unfold', py: '(lambda u: torch.nn.Fold((x0.shape[-2], x0.shape[-1]), a.k, a.dil, a.pad, a.st)(u))(torch.nn.Unfold(a.k, a.dil, a.pad, a.st)(x0))',
  gen: (r) => ({ ins: [r.tensor(r.pick(F3), [r.int(1, 2), r.int(1, 2), r.int(2, 5), r.int(2, 5)], 'cont')], a: blockArgs(r) }),
  fl: (fl, [x], a) => new fl.nn.Fold([x.shape[2], x.shape[3]], a.k, a.dil, a.pad, a.st).forward(new fl.nn.Unfold(a.k, a.dil, a.pad, a.st).forward(x)), tol: 4,
});
add({
  name: 'nn.PixelShuffle', py: '(lambda m: m(x0))(torch.nn.PixelShuffle(2))',
  gen: (r) => ({ ins: [r.tensor(r.pick(F3), [r.int(1, 2), 4 * r.int(1, 2), r.int(1, 3), r.int(1, 3)], 'cont')], a: {} }),
  fl: (fl, [x]) => new fl.nn.PixelShuffle(2).forward(x),
});
add({
  name: 'nn.PixelUnshuffle', py: '(lambda m: m(x0))(torch.nn.PixelUnshuffle(2))',
  gen: (r) => ({ ins: [r.tensor(r.pick(F3), [r.int(1, 2), r.int(1, 2), 2 * r.int(1, 2), 2 * r.int(1, 2)], 'cont')], a: {} }),
  fl: (fl, [x]) => new fl.nn.PixelUnshuffle(2).forward(x),
});
add({
  name: 'nn.ChannelShuffle', py: '(lambda m: m(x0))(torch.nn.ChannelShuffle(2))',
  gen: (r) => ({ ins: [r.tensor(r.pick(F3), [r.int(1, 2), 2 * r.int(1, 3), r.int(1, 3)], 'cont')], a: {} }),
  fl: (fl, [x]) => new fl.nn.ChannelShuffle(2).forward(x),
});

// ---- instance norm, local response norm (lib/nn/extra-layers.ts) --------------------------------------------
add({
  name: 'F.instanceNorm',
  py: '(lambda rm, rv: [F.instance_norm(x0, rm, rv, x1 if a.wb else None, x2 if a.wb else None, a.u, a.m, a.e)] + ([rm, rv] if a.rs else []))(x3.detach().clone() if a.rs else None, x4.detach().clone() if a.rs else None)',
  gen: (r) => {
    const dt = r.pick(F3), C = r.int(1, 3);
    const s = [r.bool(0.05) ? 0 : r.int(1, 2), C, ...r.shape(r.bool(0.05) ? 0 : 1, 2, 4, false)];
    const rs = r.bool(0.6), u = rs ? r.bool(0.75) : true;
    return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, [C], 'cont'), r.tensor(dt, [C], 'cont'), r.tensor(dt, [C], 'cont'), r.tensor(dt, [C], 'pos')], a: { u, rs, wb: r.bool(), m: r.pick([0.1, 0.5, 1]), e: r.pick([1e-5, 1e-3]) } };
  },
  fl: (fl, [x, w, b, m, v], a) => {
    const rm = a.rs ? m.detach().clone() : null, rv = a.rs ? v.detach().clone() : null;
    const y = fl_(fl).instanceNorm(x, rm, rv, a.wb ? w : null, a.wb ? b : null, a.u, a.m, a.e);
    return a.rs ? [y, rm, rv] : [y];
  },
  tol: 16,
  known: (a, [x]) => (x.shape[0] === 0 && a.wb ? "torch 1.13's instance_norm fails on an empty batch given a weight (an internal select() index error); flintml returns the empty output" : null),
});
add({
  name: 'nn.InstanceNorm',
  py: '(lambda m: [m(x0)] + ([m.running_mean, m.running_var] if a.t else []))(getattr(torch.nn, a.k)(a.c, affine=a.af, track_running_stats=a.t).to(x0.dtype).train(a.tr))',
  gen: (r) => {
    const k = r.pick(['InstanceNorm1d', 'InstanceNorm2d']), C = r.int(1, 3);
    const sp = k === 'InstanceNorm1d' ? [r.int(1, 5)] : [r.int(1, 4), r.int(1, 4)];
    const s = r.bool(0.25) ? [C, ...sp] : [r.int(1, 2), C, ...sp];
    const c = r.bool(0.08) ? C + 1 : C;
    return { ins: [r.tensor(r.pick(F3), s, 'cont')], a: { k, c, af: r.bool(), t: r.bool(), tr: r.bool(0.7) } };
  },
  fl: (fl, [x], a) => {
    const m = new fl.nn[a.k](a.c, { affine: a.af, trackRunningStats: a.t, dtype: x.dtype, device: x.device }).train(a.tr);
    const y = m.forward(x);
    return a.t ? [y, m.runningMean, m.runningVar] : [y];
  },
  tol: 16,
});
add({
  name: 'F.localResponseNorm', py: 'F.local_response_norm(x0, a.n, a.al, a.be, a.k)',
  gen: (r) => {
    const s = r.shape(r.bool(0.05) ? 2 : 3, 5, 4);
    return { ins: [r.tensor(r.pick(F3), s, 'cont')], a: { n: r.pick([1, 2, 3, 5]), al: r.pick([1e-4, 0.5, 2]), be: r.pick([0.75, 0.5, 1.5]), k: r.pick([1, 2, 0.5]) } };
  },
  fl: (fl, [x], a) => fl_(fl).localResponseNorm(x, a.n, a.al, a.be, a.k), tol: 16,
});
add({
  name: 'nn.LocalResponseNorm', py: '(lambda m: m(x0))(torch.nn.LocalResponseNorm(a.n, k=a.k))',
  gen: (r) => ({ ins: [r.tensor(r.pick(F3), [r.int(1, 2), r.int(1, 5), r.int(1, 3)], 'cont')], a: { n: r.pick([2, 3]), k: r.pick([1, 2]) } }),
  fl: (fl, [x], a) => new fl.nn.LocalResponseNorm(a.n, { k: a.k }).forward(x), tol: 16,
});

// ---- padding modules ---------------------------------------------------------------------------------------
add({
  name: 'nn.Pad',
  py: '(lambda m: m(x0))(getattr(torch.nn, a.k)(*([tuple(a.p) if isinstance(a.p, list) else a.p] + ([a.v] if a.k.startswith("Constant") else []))))',
  gen: (r) => {
    const k = r.pick(['ZeroPad2d', 'ConstantPad1d', 'ConstantPad2d', 'ReflectionPad1d', 'ReflectionPad2d', 'ReplicationPad1d', 'ReplicationPad2d']);
    const sides = k.endsWith('1d') ? 2 : 4;
    const p = r.bool(0.3) ? r.int(0, 2) : Array.from({ length: sides }, () => r.int(k.startsWith('Re') ? 0 : -1, 2));
    const n = sides / 2 + r.int(k.startsWith('Re') ? 1 : 0, 2);
    const s = Array.from({ length: n }, () => r.int(k.startsWith('Refl') ? 3 : 1, 4));
    const dt = k.startsWith('Re') ? r.pick(F3) : r.pick([...F3, 'int32']);
    return { ins: [r.tensor(dt, s, 'cont')], a: { k, p, v: r.pick([0, 1.5, -2]) } };
  },
  fl: (fl, [x], a) => (a.k.startsWith('Constant') ? new fl.nn[a.k](a.p, a.v) : new fl.nn[a.k](a.p)).forward(x),
});

// ---- dropouts: identity in eval and at p = 0, and p = 1 (the random masks are tested in test/layers-extra.test.ts) ----
add({
  name: 'F.dropouts', py: 'getattr(F, a.f)(x0, a.p, a.tr)',
  gen: (r) => {
    const f = r.pick(['dropout1d', 'dropout2d', 'alpha_dropout', 'feature_alpha_dropout']);
    const s = r.shape(f === 'dropout1d' ? 2 : 1, 4, 3);
    const tr = r.bool();
    return { ins: [r.tensor(r.pick(F3), s, 'cont')], a: { f, p: tr ? r.pick([0, 1, 1, 1.5]) : r.pick([0, 0.3, 1, -0.5]), tr } };
  },
  fl: (fl, [x], a) => fl_(fl)[{ dropout1d: 'dropout1d', dropout2d: 'dropout2d', alpha_dropout: 'alphaDropout', feature_alpha_dropout: 'featureAlphaDropout' }[a.f]](x, a.p, a.tr),
});

// ---- bilinear, convTranspose1d -----------------------------------------------------------------------------
add({
  name: 'F.bilinear', py: 'F.bilinear(x0, x1, x2, x3 if a.b else None)',
  gen: (r) => {
    const dt = r.pick(['float32', 'float64', 'float64', 'float16', 'bfloat16']);
    const lead = r.shape(0, 2, 3), i1 = r.int(1, 3), i2 = r.int(1, 3), o = r.int(1, 3);
    const lead2 = r.bool(0.05) ? [...lead, 2] : lead;
    return { ins: [r.tensor(dt, [...lead, i1], 'cont'), r.tensor(dt, [...lead2, r.bool(0.05) ? i2 + 1 : i2], 'cont'), r.tensor(dt, [o, i1, i2], 'cont'), r.tensor(dt, [o], 'cont')], a: { b: r.bool() } };
  },
  fl: (fl, [x1, x2, w, b], a) => fl_(fl).bilinear(x1, x2, w, a.b ? b : null), tol: 16,
});
add({
  name: 'nn.Bilinear', py: '(lambda m: (m.weight.data.copy_(x2), m.bias.data.copy_(x3), m(x0, x1))[2])(torch.nn.Bilinear(x2.shape[1], x2.shape[2], x2.shape[0]).to(x0.dtype))',
  gen: (r) => {
    const i1 = r.int(1, 3), i2 = r.int(1, 3), o = r.int(1, 3), B = r.int(0, 3);
    return { ins: [r.tensor('float64', [B, i1], 'cont'), r.tensor('float64', [B, i2], 'cont'), r.tensor('float64', [o, i1, i2], 'cont'), r.tensor('float64', [o], 'cont')], a: {} };
  },
  fl: (fl, [x1, x2, w, b]) => {
    const m = new fl.nn.Bilinear(w.shape[1], w.shape[2], w.shape[0], { dtype: 'float64', device: w.device });
    fl.noGrad(() => { m.weight.copy_(w); m.bias.copy_(b); });
    return m.forward(x1, x2);
  },
});
// torch 1.13's CPU bfloat16 conv_transpose is wrong (it reads the weight as a forward conv's; see
// specs-nn's F.convTranspose2d): bfloat16 runs in float32 on torch's side and is rounded back
add({
  name: 'F.convTranspose1d', py: '(lambda c: F.conv_transpose1d(c(x0), c(x1), c(x2) if a.b else None, a.s, a.p, a.op, a.g, a.d).to(x0.dtype))(lambda t: t.float() if t.dtype == torch.bfloat16 else t)',
  gen: (r) => {
    const dt = r.pick(F3), g = r.pick([1, 1, 2]), Cin = g * r.int(1, 2), Og = r.int(1, 2), k = r.int(1, 3);
    const s = r.pick([1, 2, 3]), d = r.pick([1, 1, 2]);
    const op = r.int(0, Math.max(s, d) - 1) + (r.bool(0.05) ? 1 : 0);
    const xs = r.bool(0.2) ? [Cin, r.int(1, 5)] : [r.bool(0.05) ? 0 : r.int(1, 2), Cin, r.int(1, 5)];
    return { ins: [r.tensor(dt, xs, 'cont'), r.tensor(dt, [Cin, Og, k], 'cont'), r.tensor(dt, [Og * g], 'cont')], a: { b: r.bool(), s, p: r.pick([0, 0, 1, 2]), op, g, d } };
  },
  fl: (fl, [x, w, b], a) => fl_(fl).convTranspose1d(x, w, a.b ? b : null, a.s, a.p, a.op, a.g, a.d), tol: 16,
  known: (a, [x]) => (x.shape.length === 3 && x.shape[0] === 0 ? 'torch 1.13 skips the argument checks (outputPadding < stride or dilation) for an empty batch' : null),
});
add({
  // with outputSize now and then (one past the reachable lengths one time in five)
  name: 'nn.ConvTranspose1d', py: '(lambda m: (m.weight.data.copy_(x1), m.bias.data.copy_(x2), m(x0, a.os))[2])(torch.nn.ConvTranspose1d(x1.shape[0], x1.shape[1], x1.shape[2], a.s, a.p, a.op).to(x0.dtype))',
  gen: (r) => {
    const Cin = r.int(1, 3), O = r.int(1, 3), k = r.int(1, 3), s = r.pick([1, 2, 3]), p = r.pick([0, 1]), L = r.int(1, 5);
    const min = (L - 1) * s - 2 * p + (k - 1) + 1;
    const os = r.bool(0.4) ? [min + (r.bool(0.2) ? s : r.int(0, s - 1))] : null;
    return { ins: [r.tensor('float64', [r.int(1, 2), Cin, L], 'cont'), r.tensor('float64', [Cin, O, k], 'cont'), r.tensor('float64', [O], 'cont')], a: { s, p, op: r.int(0, s - 1), os } };
  },
  fl: (fl, [x, w, b], a) => {
    const m = new fl.nn.ConvTranspose1d(w.shape[0], w.shape[1], w.shape[2], a.s, a.p, a.op, { dtype: 'float64', device: w.device });
    fl.noGrad(() => { m.weight.copy_(w); m.bias.copy_(b); });
    return m.forward(x, a.os ?? undefined);
  },
});

// ---- embedding bag ---------------------------------------------------------------------------------------
/** An embedding-bag case: a 2-D input, or a 1-D one with offsets (now and then a bad one). */
function bagCase(r) {
  const n = r.int(1, 6), D = r.int(1, 3), dt = r.pick(['float32', 'float64', 'float64']);
  const mode = r.pick(['sum', 'mean', 'max']);
  const two = r.bool(0.3);
  const ins = [r.tensor(dt, [n, D], 'cont')];
  let offs = null, shape;
  if (two) shape = [r.int(0, 3), r.int(0, 3)];
  else {
    const M = r.int(0, 7);
    shape = [M];
    const B = r.int(1, 4);
    offs = [0];
    for (let b = 1; b < B; b++) offs.push(Math.min(M, offs[b - 1] + r.int(0, 3)));
    if (r.bool(0.05)) offs[0] = 1;
  }
  const last = !two && r.bool(0.25);
  if (last) offs.push(shape[0]);
  ins.push(r.tensor('int32', shape, 'index', 0, r.bool(0.04) ? n : n - 1));
  const psw = mode === 'sum' && r.bool(0.4);
  ins.push(r.tensor(dt, shape, 'cont'));
  return { ins, a: { mode, offs, last, psw, pad: r.bool(0.3) ? r.int(-1, n - 1) : null } };
}
add({
  name: 'F.embeddingBag',
  py: 'F.embedding_bag(x1.long(), x0, torch.tensor(a.offs, dtype=torch.long) if a.offs is not None else None, mode=a.mode, per_sample_weights=x2 if a.psw else None, include_last_offset=a.last, padding_idx=a.pad)',
  gen: (r) => { const c = bagCase(r); return { ins: [c.ins[0], c.ins[1], c.ins[2]], a: c.a }; },
  fl: (fl, [w, idx, psw], a) => fl_(fl).embeddingBag(idx, w, { offsets: a.offs ? fl.tensor(a.offs, { dtype: 'int32' }) : null, mode: a.mode, perSampleWeights: a.psw ? psw : null, includeLastOffset: a.last, paddingIdx: a.pad }),
});
add({
  name: 'nn.EmbeddingBag',
  py: '(lambda m: (m.weight.data.copy_(x0), m(x1.long(), torch.tensor(a.offs, dtype=torch.long) if a.offs is not None else None, x2 if a.psw else None))[1])(torch.nn.EmbeddingBag(x0.shape[0], x0.shape[1], mode=a.mode, include_last_offset=a.last, padding_idx=a.pad).to(x0.dtype))',
  gen: (r) => { const c = bagCase(r); return { ins: [c.ins[0], c.ins[1], c.ins[2]], a: c.a }; },
  fl: (fl, [w, idx, psw], a) => {
    const m = new fl.nn.EmbeddingBag(w.shape[0], w.shape[1], { mode: a.mode, includeLastOffset: a.last, paddingIdx: a.pad, dtype: w.dtype, device: w.device });
    fl.noGrad(() => m.weight.copy_(w));
    return m.forward(idx, a.offs ? fl.tensor(a.offs, { dtype: 'int32' }) : null, a.psw ? psw : null);
  },
});

add({
  name: 'nn.EmbeddingBag.fromPretrained',
  py: '(lambda m: m(x1.long(), torch.tensor(a.offs, dtype=torch.long) if a.offs is not None else None, x2 if a.psw else None))(torch.nn.EmbeddingBag.from_pretrained(x0, a.fr, mode=a.mode, include_last_offset=a.last, padding_idx=a.pad))',
  gen: (r) => { const c = bagCase(r); return { ins: [c.ins[0], c.ins[1], c.ins[2]], a: { ...c.a, fr: r.bool() } }; },
  fl: (fl, [w, idx, psw], a) => fl.nn.EmbeddingBag.fromPretrained(w, a.fr, { mode: a.mode, includeLastOffset: a.last, paddingIdx: a.pad })
    .forward(idx, a.offs ? fl.tensor(a.offs, { dtype: 'int32' }) : null, a.psw ? psw : null),
  known: (a) => (a.fr && a.psw ? "torch 1.13's embedding_bag with a frozen weight and perSampleWeights that require grad fails an internal assert (isDifferentiableType); flintml computes it" : null),
});

// ---- repr: the layers print as their torch twins ---------------------------------------------------------
// each form: [draw the arguments, torch's constructor call, flintml's]
const REPRS = {
  MaxPool1d: [(r) => ({ k: r.pick([2, 3, [3]]), st: r.pick([null, 1, [2]]), pad: r.pick([0, 1]), dil: r.pick([1, 2]), ceil: r.bool() }),
    (a) => `torch.nn.MaxPool1d(${pyV(a.k)}, ${pyV(a.st)}, ${a.pad}, ${a.dil}, False, ${pyB(a.ceil)})`, (fl, a) => new fl.nn.MaxPool1d(a.k, a.st, a.pad, a.dil, false, a.ceil)],
  AvgPool1d: [(r) => ({ k: r.pick([2, 3, [3]]), st: r.pick([null, 1, [2]]), pad: r.pick([0, 1]) }),
    (a) => `torch.nn.AvgPool1d(${pyV(a.k)}, ${pyV(a.st)}, ${a.pad})`, (fl, a) => new fl.nn.AvgPool1d(a.k, a.st, a.pad)],
  AdaptiveAvgPool1d: [(r) => ({ o: r.pick([1, 3, [4]]) }), (a) => `torch.nn.AdaptiveAvgPool1d(${pyV(a.o)})`, (fl, a) => new fl.nn.AdaptiveAvgPool1d(a.o)],
  AdaptiveMaxPool1d: [(r) => ({ o: r.pick([1, 3, [4]]) }), (a) => `torch.nn.AdaptiveMaxPool1d(${pyV(a.o)}, True)`, (fl, a) => new fl.nn.AdaptiveMaxPool1d(a.o, true)],
  AdaptiveMaxPool2d: [(r) => ({ o: r.pick([1, [2, 3], [null, 3]]) }), (a) => `torch.nn.AdaptiveMaxPool2d(${pyV(a.o)})`, (fl, a) => new fl.nn.AdaptiveMaxPool2d(a.o)],
  LPPool1d: [(r) => ({ p: r.pick([1, 2, 2.5]), k: r.pick([2, [3]]), st: r.pick([null, 1]), c: r.bool() }),
    (a) => `torch.nn.LPPool1d(${a.p}, ${pyV(a.k)}, ${pyV(a.st)}, ${pyB(a.c)})`, (fl, a) => new fl.nn.LPPool1d(a.p, a.k, a.st, a.c)],
  LPPool2d: [(r) => ({ p: r.pick([1, 2, 2.5]), k: r.pick([2, [2, 3]]), st: r.pick([null, 1, [1, 2]]), c: r.bool() }),
    (a) => `torch.nn.LPPool2d(${a.p}, ${pyV(a.k)}, ${pyV(a.st)}, ${pyB(a.c)})`, (fl, a) => new fl.nn.LPPool2d(a.p, a.k, a.st, a.c)],
  PixelShuffle: [(r) => ({ f: r.int(1, 3) }), (a) => `torch.nn.PixelShuffle(${a.f})`, (fl, a) => new fl.nn.PixelShuffle(a.f)],
  PixelUnshuffle: [(r) => ({ f: r.int(1, 3) }), (a) => `torch.nn.PixelUnshuffle(${a.f})`, (fl, a) => new fl.nn.PixelUnshuffle(a.f)],
  ChannelShuffle: [(r) => ({ g: r.int(1, 3) }), (a) => `torch.nn.ChannelShuffle(${a.g})`, (fl, a) => new fl.nn.ChannelShuffle(a.g)],
  Unflatten: [(r) => ({ d: r.pick([1, -1]), s: r.pick([[2, 3], [2, -1], [4]]) }), (a) => `torch.nn.Unflatten(${a.d}, ${pyV(a.s)})`, (fl, a) => new fl.nn.Unflatten(a.d, a.s)],
  Unfold: [(r) => blockArgs(r), (a) => `torch.nn.Unfold(${pyV(a.k)}, ${pyV(a.dil)}, ${pyV(a.pad)}, ${pyV(a.st)})`, (fl, a) => new fl.nn.Unfold(a.k, a.dil, a.pad, a.st)],
  InstanceNorm1d: [(r) => ({ c: r.int(1, 4), e: r.pick([1e-5, 1e-3]), m: r.pick([0.1, null]), af: r.bool(), t: r.bool() }),
    (a) => `torch.nn.InstanceNorm1d(${a.c}, ${a.e}, ${pyV(a.m)}, ${pyB(a.af)}, ${pyB(a.t)})`, (fl, a) => new fl.nn.InstanceNorm1d(a.c, a.e, a.m, a.af, a.t)],
  InstanceNorm2d: [(r) => ({ c: r.int(1, 4), af: r.bool(), t: r.bool() }),
    (a) => `torch.nn.InstanceNorm2d(${a.c}, affine=${pyB(a.af)}, track_running_stats=${pyB(a.t)})`, (fl, a) => new fl.nn.InstanceNorm2d(a.c, { affine: a.af, trackRunningStats: a.t })],
  LocalResponseNorm: [(r) => ({ n: r.int(1, 5), al: r.pick([1e-4, 0.001]), be: r.pick([0.75, 0.5]), k: r.pick([1.0, 2.5]) }),
    (a) => `torch.nn.LocalResponseNorm(${a.n}, ${a.al}, ${a.be}, ${a.k === 1 ? '1.0' : a.k})`, (fl, a) => new fl.nn.LocalResponseNorm(a.n, a.al, a.be, a.k)],
  Pads: [(r) => ({ k: r.pick(['ZeroPad2d', 'ReflectionPad1d', 'ReflectionPad2d', 'ReplicationPad1d', 'ReplicationPad2d']), p: r.int(0, 2), q: r.int(0, 2) }),
    (a) => `torch.nn.${a.k}(${a.k.endsWith('1d') ? `(${a.p}, ${a.q})` : `(${a.p}, ${a.q}, ${a.q}, ${a.p})`})`, (fl, a) => new fl.nn[a.k](a.k.endsWith('1d') ? [a.p, a.q] : [a.p, a.q, a.q, a.p])],
  ConstantPads: [(r) => ({ k: r.pick(['ConstantPad1d', 'ConstantPad2d']), p: r.int(0, 2), v: r.pick([3.5, 1, -2]) }),
    (a) => `torch.nn.${a.k}(${a.p}, ${a.v})`, (fl, a) => new fl.nn[a.k](a.p, a.v)],
  Dropouts: [(r) => ({ k: r.pick(['Dropout1d', 'Dropout2d', 'AlphaDropout', 'FeatureAlphaDropout']), p: r.pick([0.5, 0.2, 0, 1]) }),
    (a) => `torch.nn.${a.k}(${a.p})`, (fl, a) => new fl.nn[a.k](a.p)],
  Bilinear: [(r) => ({ a: r.int(1, 3), b: r.int(1, 3), o: r.int(1, 3), bias: r.bool() }),
    (a) => `torch.nn.Bilinear(${a.a}, ${a.b}, ${a.o}, ${pyB(a.bias)})`, (fl, a) => new fl.nn.Bilinear(a.a, a.b, a.o, a.bias)],
  ConvTranspose1d: [(r) => ({ i: 2, o: 4, k: r.int(1, 3), s: r.pick([1, 2]), p: r.pick([0, 1]), op: 0, g: r.pick([1, 2]), b: r.bool(), d: r.pick([1, 2]) }),
    (a) => `torch.nn.ConvTranspose1d(${a.i}, ${a.o}, ${a.k}, ${a.s}, ${a.p}, ${a.op}, ${a.g}, ${pyB(a.b)}, ${a.d})`, (fl, a) => new fl.nn.ConvTranspose1d(a.i, a.o, a.k, a.s, a.p, a.op, a.g, a.b, a.d)],
  EmbeddingBag: [(r) => ({ n: r.int(1, 9), d: r.int(1, 4), mode: r.pick(['sum', 'mean', 'max']), pad: r.pick([null, 0, -1]) }),
    (a) => `torch.nn.EmbeddingBag(${a.n}, ${a.d}, mode=${pyV(a.mode)}, padding_idx=${pyV(a.pad)})`, (fl, a) => new fl.nn.EmbeddingBag(a.n, a.d, { mode: a.mode, paddingIdx: a.pad })],
  ParameterList: [(r) => ({ ps: Array.from({ length: r.int(0, 3) }, () => [r.pick(['float32', 'float64', 'float16', 'bfloat16']), r.shape(0, 3, 4, false)]) }),
    (a) => `torch.nn.ParameterList([${a.ps.map(([dt, s]) => `torch.nn.Parameter(torch.zeros(${pyV(s)}, dtype=torch.${dt}))`).join(', ')}])`,
    (fl, a) => new fl.nn.ParameterList(a.ps.map(([dt, s]) => fl.zeros(s, { dtype: dt })))],
  ParameterDict: [(r) => ({ ps: Array.from({ length: r.int(0, 3) }, (_, i) => [r.pick(['w', 'b', 'scale']) + i, r.pick(['float32', 'float64', 'float16', 'bfloat16']), r.shape(0, 3, 4, false)]) }),
    (a) => `torch.nn.ParameterDict({${a.ps.map(([k, dt, s]) => `'${k}': torch.nn.Parameter(torch.zeros(${pyV(s)}, dtype=torch.${dt}))`).join(', ')}})`,
    (fl, a) => new fl.nn.ParameterDict(Object.fromEntries(a.ps.map(([k, dt, s]) => [k, fl.zeros(s, { dtype: dt })])))],
  Fold: [(r) => ({ ...blockArgs(r), os: r.pick([4, [4, 5]]) }), (a) => `torch.nn.Fold(${pyV(a.os)}, ${pyV(a.k)}, ${pyV(a.dil)}, ${pyV(a.pad)}, ${pyV(a.st)})`, (fl, a) => new fl.nn.Fold(a.os, a.k, a.dil, a.pad, a.st)],
};
add({
  name: 'repr-layers', grad: false, py: 'str(eval(a.py))',
  gen: (r) => {
    const kind = r.pick(Object.keys(REPRS));
    const args = REPRS[kind][0](r);
    return { ins: [], a: { kind, args, py: REPRS[kind][1](args) } };
  },
  fl: (fl, _, a) => String(REPRS[a.kind][2](fl, a.args)),
});

module.exports = { SPECS: specs };
