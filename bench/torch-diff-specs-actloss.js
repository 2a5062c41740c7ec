// torch-diff-specs-actloss.js — bench/torch-diff.js's specs for the activations and losses of
// lib/nn/activation.ts and lib/nn/loss-extra.ts (the format of bench/torch-diff-specs.js): the
// functions of F (elu … softplus with beta/threshold; klDiv … ctcLoss) and some of their modules.
//
// Conventions here: class weights are detached on both sides (torch 1.13 has no derivative for
// them in multi_margin_loss); ctcLoss's log-probabilities are log_softmax(x) on both sides, as CTC is
// used: torch's hand-written CTC backward is Graves' gradient with respect to the logits (it adds
// exp(log_probs) to the derivative), which equals flintml's autograd derivative only through a
// log_softmax (bench/FIDELITY.md). rrelu is compared in eval form; its training form is random
// (test/activation.test.ts checks its range).
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const F3 = ['float32', 'float64', 'float32', 'float64', 'float16', 'bfloat16'];  // the 16-bit dtypes less often
const specs = [];
const add = (s) => specs.push(s);
const RED = ['mean', 'sum', 'none'];
const fl_ = (fl) => fl.nn.functional;
/** A tensor spec whose values are `f(k)` (k the flat index) instead of drawn ones. */
function mapT(t, f) { t.v = t.v.map((x, k) => f(x, k)); return t; }
const kind = (r) => r.pick(['grid', 'grid', 'cont', 'special']);
/** Two broadcastable shapes (now and then two that are not). */
function bshapes(r, lo = 0) {
  const s = r.shape(lo, 3);
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  if (r.bool(0.05) && t.length) t[t.length - 1] += 1;  // mismatched
  return r.bool() ? [s, t] : [t, s];
}
/** ±1 targets (now and then 0), float or int32. */
const pm1 = (r, dt, s) => mapT(r.tensor(r.bool(0.3) ? 'int32' : dt, s, 'grid'), () => (r.bool(0.05) ? 0 : r.bool() ? 1 : -1));

// ---- activations ---------------------------------------------------------------------------------------
const x1 = (r, dts = F) => [r.tensor(r.pick(dts), r.shape(0, 3), kind(r))];
const ACTS = [
  // [name, torch call, flint call, args, dtypes]
  ['elu', 'F.elu(x0, a.p)', (F_, x, a) => F_.elu(x, a.p), (r) => ({ p: r.pick([1, 0.5, 2, 0, -1]) })],
  ['selu', 'F.selu(x0)', (F_, x) => F_.selu(x)],
  ['celu', 'F.celu(x0, a.p)', (F_, x, a) => F_.celu(x, a.p), (r) => ({ p: r.pick([1, 0.5, 2, 0]) })],
  ['mish', 'F.mish(x0)', (F_, x) => F_.mish(x)],
  ['hardtanh', 'F.hardtanh(x0, a.lo, a.hi)', (F_, x, a) => F_.hardtanh(x, a.lo, a.hi), (r) => ({ lo: r.pick([-1, -0.5, -2, 0]), hi: r.pick([1, 0.5, 2, -1]) }), [...F, 'int32']],
  ['relu6', 'F.relu6(x0)', (F_, x) => F_.relu6(x), null, [...F, 'int32']],
  ['logsigmoid', 'F.logsigmoid(x0)', (F_, x) => F_.logsigmoid(x)],
  ['softsign', 'F.softsign(x0)', (F_, x) => F_.softsign(x)],
  ['hardsigmoid', 'F.hardsigmoid(x0)', (F_, x) => F_.hardsigmoid(x)],
  ['tanhshrink', 'F.tanhshrink(x0)', (F_, x) => F_.tanhshrink(x)],
  ['softshrink', 'F.softshrink(x0, a.l)', (F_, x, a) => F_.softshrink(x, a.l), (r) => ({ l: r.pick([0.5, 0, 1, 0.25, -1]) })],
  ['hardshrink', 'F.hardshrink(x0, a.l)', (F_, x, a) => F_.hardshrink(x, a.l), (r) => ({ l: r.pick([0.5, 0, 1, 0.25, -1]) })],
  ['threshold', 'F.threshold(x0, a.t, a.v)', (F_, x, a) => F_.threshold(x, a.t, a.v), (r) => ({ t: r.pick([0, 0.5, -1, 1.25]), v: r.pick([0, 20, -2, 0.5]) }), [...F, 'int32']],
  ['rrelu', 'F.rrelu(x0, a.lo, a.hi, False)', (F_, x, a) => F_.rrelu(x, a.lo, a.hi, false), (r) => ({ lo: r.pick([0.125, 0.1, 0.5]), hi: r.pick([1 / 3, 0.3, 0.25]) })],
  ['softplus', 'F.softplus(x0, a.b, a.t)', (F_, x, a) => F_.softplus(x, a.b, a.t), (r) => ({ b: r.pick([1, 2, 0.5, -1]), t: r.pick([20, 1, 5, 0]) })],
];
/**
 * torch 1.13's gradient at NaN of the elu family, hardshrink, softshrink and hardtanh depends on where
 * the element falls: its vectorised kernel gives NaN (elu) or 0 (the others), its scalar tail (the
 * first elements of a short tensor) the formula's branch for x > 0 or outside ±λ, which flintml follows.
 */
const NAN_VEC = new Set(['elu', 'selu', 'celu', 'hardshrink', 'softshrink', 'hardtanh', 'relu6']);
const nanVec = (name) => (a, [x]) => (x.v.includes('nan') ? `${name}'s gradient at NaN: torch 1.13's vectorised kernel and its scalar tail disagree; flintml is the scalar formula` : null);
for (const [name, py, f, args, dts] of ACTS) {
  add({
    name: `F.${name}`, py, gen: (r) => ({ ins: x1(r, dts || F), a: args ? args(r) : {} }), fl: (fl, [x], a) => f(fl_(fl), x, a), tol: 4,
    // x - tanh(x) cancels for small x: a last-bit difference of two libraries' tanh is relative to x, not to the result
    absScale: name === 'tanhshrink' ? ([x]) => 16 * Math.max(0, ...x.v.map((v) => (Number.isFinite(Number(v)) ? Math.abs(Number(v)) : 0))) : undefined,
    known: NAN_VEC.has(name) ? nanVec(name)
      // torch 1.13's float64 hardsigmoid backward multiplies by 1/6 rounded to float32 (a 3e-8 relative error)
      : name === 'hardsigmoid' ? (a, [x]) => (x.dtype === 'float64' ? "hardsigmoid's float64 gradient: torch 1.13 multiplies by 1/6 rounded to float32, flintml by 1/6" : null) : undefined,
  });
}
add({
  name: 'F.glu', py: 'F.glu(x0, a.d)',
  gen: (r) => {
    const s = r.shape(0, 3);
    const d = s.length ? r.dim(s.length) : 0;
    if (s.length && r.bool(0.8)) s[(d + s.length) % s.length] = 2 * r.int(0, 2);
    return { ins: [r.tensor(r.pick(F), s, kind(r))], a: { d } };
  },
  fl: (fl, [x], a) => fl_(fl).glu(x, a.d), tol: 4,
});
add({
  name: 'F.softmin', py: 'F.softmin(x0, a.d, dtype=(getattr(torch, a.dt) if a.dt else None))',
  gen: (r) => {
    const s = r.shape(1, 3);
    const dt = r.pick([null, null, 'float64']);
    return { ins: [r.tensor(r.pick(dt ? ['float32', 'float64'] : F), s, r.pick(['cont', 'special']))], a: { d: r.dim(s.length), dt } };
  },
  fl: (fl, [x], a) => fl_(fl).softmin(x, a.d, { dtype: a.dt }), tol: 4,
});
add({
  name: 'F.prelu', py: 'F.prelu(x0, x1)',
  gen: (r) => {
    const s = r.shape(0, 4);
    const dt = r.pick(F3);
    const c = s.length >= 2 ? s[1] : 1;
    const n = r.bool(0.1) ? c + 1 : r.pick([1, c]);
    return { ins: [r.tensor(dt, s, kind(r)), r.tensor(dt, r.bool(0.1) ? [] : [n], 'cont')] };
  },
  fl: (fl, [x, w]) => fl_(fl).prelu(x, w), tol: 4,
});
// modules
add({
  name: 'nn.PReLU', py: 'torch.nn.PReLU(a.n, a.i).to(x0.dtype)(x0)',
  gen: (r) => { const s = r.shape(2, 4); return { ins: [r.tensor(r.pick(['float32', 'float64']), s, kind(r))], a: { n: r.pick([1, s[1]]), i: r.pick([0.25, -0.5]) } }; },
  fl: (fl, [x], a) => new fl.nn.PReLU(a.n, a.i, { dtype: x.dtype, device: x.device }).forward(x), tol: 4,
});
add({
  name: 'nn.Softmax2d', py: 'torch.nn.Softmax2d()(x0)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(2, 5), r.pick(['cont', 'special']))] }),
  fl: (fl, [x]) => new fl.nn.Softmax2d().forward(x), tol: 4,
});
add({
  name: 'nn.Softplus', py: 'torch.nn.Softplus(a.b, a.t)(x0)',
  gen: (r) => ({ ins: x1(r), a: { b: r.pick([1, 2, 0.5]), t: r.pick([20, 1, 5]) } }),
  fl: (fl, [x], a) => new fl.nn.Softplus(a.b, a.t).forward(x), tol: 4,
});
add({
  name: 'nn.RReLU', py: 'torch.nn.RReLU(a.lo, a.hi).eval()(x0)',
  gen: (r) => ({ ins: x1(r), a: { lo: r.pick([0.125, 0.1]), hi: r.pick([1 / 3, 0.3]) } }),
  fl: (fl, [x], a) => new fl.nn.RReLU(a.lo, a.hi).eval().forward(x), tol: 4,
});

// ---- losses --------------------------------------------------------------------------------------------
add({
  name: 'F.klDiv', py: 'F.kl_div(x0, x1, reduction=a.red, log_target=a.lt)',
  gen: (r) => {
    const [s, t] = r.bool(0.8) ? (() => { const q = r.shape(0, 3); return [q, q]; })() : bshapes(r);
    const dt = r.pick(F3);
    const lt = r.bool(0.3);
    const tgt = lt ? r.tensor(dt, t, 'cont') : mapT(r.tensor(dt, t, 'cont'), () => (r.bool(0.15) ? 0 : r.int(1, 8) / 8));
    return { ins: [r.tensor(dt, s, 'cont'), tgt], a: { red: r.pick([...RED, 'batchmean']), lt } };
  },
  fl: (fl, [x, y], a) => fl_(fl).klDiv(x, y, { reduction: a.red, logTarget: a.lt }), tol: 8,
});
add({
  name: 'F.marginRankingLoss', py: 'F.margin_ranking_loss(x0, x1, x2, a.m, reduction=a.red)',
  gen: (r) => {
    const s = r.shape(0, 2);
    const dt = r.pick(F3);
    const s2 = r.bool(0.2) ? s.map(() => 1) : s;
    return { ins: [r.tensor(dt, s, 'grid'), r.tensor(dt, s2, 'grid'), pm1(r, dt, r.bool(0.05) ? [...s, 1] : s)], a: { m: r.pick([0, 0.5, 1, -0.25]), red: r.pick(RED) } };
  },
  fl: (fl, [x, y, t], a) => fl_(fl).marginRankingLoss(x, y, t, a.m, { reduction: a.red }), tol: 8,
});
add({
  name: 'F.hingeEmbeddingLoss', py: 'F.hinge_embedding_loss(x0, x1, a.m, reduction=a.red)',
  gen: (r) => { const [s, t] = r.bool(0.8) ? (() => { const q = r.shape(0, 3); return [q, q]; })() : bshapes(r); const dt = r.pick(F3); return { ins: [r.tensor(dt, s, 'grid'), pm1(r, dt, t)], a: { m: r.pick([1, 0.5, 2, 0]), red: r.pick(RED) } }; },
  fl: (fl, [x, t], a) => fl_(fl).hingeEmbeddingLoss(x, t, a.m, { reduction: a.red }), tol: 8,
});
add({
  // torch 1.13 has no derivative for soft_margin_loss's target (flintml has): the target is detached on both sides
  name: 'F.softMarginLoss', py: 'F.soft_margin_loss(x0, x1.detach(), reduction=a.red)',
  gen: (r) => { const s = r.shape(0, 3); const dt = r.pick(F3); return { ins: [r.tensor(dt, s, 'cont'), pm1(r, dt, s)], a: { red: r.pick(RED) } }; },
  fl: (fl, [x, t], a) => fl_(fl).softMarginLoss(x, t.detach(), { reduction: a.red }), tol: 8,
});
add({
  name: 'F.cosineEmbeddingLoss', py: 'F.cosine_embedding_loss(x0, x1, x2, a.m, reduction=a.red)',
  gen: (r) => {
    const batched = r.bool(0.8);
    const N = r.bool(0.08) ? 0 : r.int(1, 4), D = r.int(1, 4);
    const dt = r.pick(F3);
    const s = batched ? [N, D] : [D];
    return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, r.bool(0.15) && batched ? [1, D] : s, 'cont'), pm1(r, dt, batched ? [N] : [])], a: { m: r.pick([0, 0.5, -0.5]), red: r.pick(RED) } };
  },
  fl: (fl, [x, y, t], a) => fl_(fl).cosineEmbeddingLoss(x, y, t, a.m, { reduction: a.red }), tol: 8,
});
add({
  name: 'F.tripletMarginLoss', py: 'F.triplet_margin_loss(x0, x1, x2, a.m, a.p, a.e, a.sw, reduction=a.red)',
  gen: (r) => {
    const N = r.bool(0.08) ? 0 : r.int(1, 4), D = r.int(1, 4);
    const dt = r.pick(F3);
    const s = r.bool(0.8) ? [N, D] : [D];
    return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, s, 'cont'), r.tensor(dt, r.bool(0.1) && s.length === 2 ? [1, D] : s, 'cont')], a: { m: r.pick([1, 0.5, 0, 2]), p: r.pick([2, 1, 3]), e: r.pick([1e-6, 0, 0.1]), sw: r.bool(), red: r.pick(RED) } };
  },
  fl: (fl, [x, y, z], a) => fl_(fl).tripletMarginLoss(x, y, z, a.m, a.p, a.e, a.sw, { reduction: a.red }), tol: 8,
});
add({
  name: 'F.tripletMarginWithDistanceLoss',
  py: 'F.triplet_margin_with_distance_loss(x0, x1, x2, distance_function=((lambda u, v: 1 - F.cosine_similarity(u, v)) if a.cos else None), margin=a.m, swap=a.sw, reduction=a.red)',
  gen: (r) => {
    const N = r.bool(0.08) ? 0 : r.int(1, 4), D = r.int(1, 4);
    const dt = r.pick(['float32', 'float64']);
    return { ins: [r.tensor(dt, [N, D], 'cont'), r.tensor(dt, [N, D], 'cont'), r.tensor(dt, [N, D], 'cont')], a: { cos: r.bool(), m: r.pick([1, 0.5, 0, -1]), sw: r.bool(), red: r.pick(RED) } };
  },
  fl: (fl, [x, y, z], a) => fl_(fl).tripletMarginWithDistanceLoss(x, y, z, { distanceFunction: a.cos ? (u, v) => fl.sub(1, fl_(fl).cosineSimilarity(u, v)) : null, margin: a.m, swap: a.sw, reduction: a.red }), tol: 8,
});
add({
  name: 'F.poissonNllLoss', py: 'F.poisson_nll_loss(x0, x1, a.li, a.full, eps=a.e, reduction=a.red)',
  gen: (r) => {
    const [s, t] = r.bool(0.85) ? (() => { const q = r.shape(0, 3); return [q, q]; })() : bshapes(r);
    const dt = r.pick(F3);
    const li = r.bool();
    return { ins: [li ? r.tensor(dt, s, 'cont') : r.tensor(dt, s, 'pos'), mapT(r.tensor(dt, t, 'pos'), () => r.int(0, 6) / r.pick([1, 2]))], a: { li, full: r.bool(), e: r.pick([1e-8, 0.1]), red: r.pick(RED) } };
  },
  fl: (fl, [x, t], a) => fl_(fl).poissonNllLoss(x, t, a.li, a.full, { eps: a.e, reduction: a.red }), tol: 16,
});
add({
  name: 'F.gaussianNllLoss', py: 'F.gaussian_nll_loss(x0, x1, x2, a.full, a.e, a.red)',
  gen: (r) => {
    const s = r.shape(1, 3);
    const dt = r.pick(['float32', 'float64', 'float32', 'float16']);
    const vform = r.pick(['same', 'same', 'less', 'one', 'bad']);
    const vs = vform === 'same' ? s : vform === 'less' ? s.slice(0, -1) : vform === 'one' ? [...s.slice(0, -1), 1] : [...s, 2];
    const v = mapT(r.tensor(dt, vs, 'pos'), (x) => (r.bool(0.03) ? -1 : r.bool(0.1) ? 0 : x));
    return { ins: [r.tensor(dt, s, 'cont'), r.tensor(dt, r.bool(0.1) ? s.slice(1) : s, 'cont'), v], a: { full: r.bool(), e: r.pick([1e-6, 0.5]), red: r.pick(RED) } };
  },
  fl: (fl, [x, t, v], a) => fl_(fl).gaussianNllLoss(x, t, v, a.full, a.e, a.red), tol: 16,
});
add({
  name: 'F.multilabelSoftMarginLoss', py: 'F.multilabel_soft_margin_loss(x0, x1, weight=(x2.detach() if a.hw else None), reduction=a.red)',
  gen: (r) => {
    const C = r.int(1, 4), N = r.bool(0.08) ? 0 : r.int(1, 4);
    const s = r.bool(0.8) ? [N, C] : [C];
    const dt = r.pick(F3);
    return { ins: [r.tensor(dt, s, 'cont'), mapT(r.tensor(dt, s, 'grid'), () => r.int(0, 1)), r.tensor(dt, [C], 'pos')], a: { hw: r.bool(0.4), red: r.pick(RED) } };
  },
  fl: (fl, [x, t, w], a) => fl_(fl).multilabelSoftMarginLoss(x, t, a.hw ? w.detach() : null, { reduction: a.red }), tol: 8,
});
add({
  name: 'F.multiMarginLoss', py: 'F.multi_margin_loss(x0, x1, a.p, a.m, weight=(x2.detach() if a.hw else None), reduction=a.red)',
  gen: (r) => {
    const C = r.bool(0.04) ? 0 : r.int(1, 4), N = r.bool(0.08) ? 0 : r.int(1, 4);
    const batched = r.bool(0.8);
    const dt = r.pick(F3);
    const t = r.tensor('int32', batched ? [N] : r.pick([[], [1]]), 'index', 0, Math.max(C - 1, 0));
    t.v = t.v.map((x) => (r.bool(0.03) ? C : x));
    return { ins: [r.tensor(dt, batched ? [N, C] : [C], 'grid'), t, r.tensor(dt, [C], 'pos')], a: { p: r.pick([1, 2, 1, 3]), m: r.pick([1, 0.5, 0]), hw: r.bool(0.4), red: r.pick(RED) } };
  },
  fl: (fl, [x, t, w], a) => fl_(fl).multiMarginLoss(x, t, a.p, a.m, a.hw ? w.detach() : null, { reduction: a.red }), tol: 8,
  known: (a, [x]) => (x.shape.length === 2 && x.shape[0] === 0 && a.red !== 'none' ? "multi_margin_loss's 'mean' and 'sum' of an empty batch: torch 1.13 returns uninitialised memory, flintml NaN and 0" : null),
});
add({
  name: 'F.multilabelMarginLoss', py: 'F.multilabel_margin_loss(x0, x1, reduction=a.red)',
  gen: (r) => {
    const C = r.int(1, 4), N = r.bool(0.08) ? 0 : r.int(1, 4);
    const batched = r.bool(0.8);
    const dt = r.pick(F3);
    const s = batched ? [N, C] : [C];
    const t = r.tensor('int32', s, 'index', 0, C - 1);
    // each row: some classes, then -1 (now and then none), then anything; rarely an out-of-range one
    t.v = t.v.map((x, k) => { const j = k % C; return j === 0 ? x : r.bool(0.35) ? -1 : r.bool(0.03) ? C : x; });
    return { ins: [r.tensor(dt, s, 'grid'), t], a: { red: r.pick(RED) } };
  },
  fl: (fl, [x, t], a) => fl_(fl).multilabelMarginLoss(x, t, { reduction: a.red }), tol: 8,
  known: (a, [x]) => (x.shape.length === 2 && x.shape[0] === 0 && a.red !== 'none' ? "multilabel_margin_loss's 'mean' and 'sum' of an empty batch: torch 1.13 returns uninitialised memory, flintml NaN and 0" : null),
});
/** Whether a sample's input is too short for its target (its target length plus its repeated neighbours: an infinite loss). */
function ctcInfeasible(a, x, t) {
  const n = a.il.length;
  let pos = 0;
  const S = t.shape.length === 2 ? t.shape[1] : 0;
  for (let b = 0; b < n; b++) {
    const len = a.tl[b];
    const start = t.shape.length === 2 ? b * S : x.shape.length === 3 ? pos : 0;
    const ls = t.v.slice(start, start + len);
    pos += len;
    const repeats = ls.filter((v, i) => i > 0 && v === ls[i - 1]).length;
    if (a.il[b] < len + repeats) return true;
  }
  return false;
}
add({
  name: 'F.ctcLoss',
  py: 'F.ctc_loss(x0.log_softmax(-1), x1, a.il if x0.dim() == 3 else torch.tensor(a.il[0]), a.tl if x0.dim() == 3 else torch.tensor(a.tl[0]), a.b, a.red, a.zi)',
  gen: (r) => {
    const T = r.int(1, 6), N = r.int(1, 3), C = r.int(2, 5);
    const batched = r.bool(0.8);
    const n = batched ? N : 1;
    const b = r.pick([0, 0, C - 1]);
    const il = Array.from({ length: n }, () => (r.bool(0.7) ? T : r.int(0, T)));
    const tl = Array.from({ length: n }, () => r.int(0, Math.min(3, T + (r.bool(0.15) ? 2 : 0))));
    const S = Math.max(0, ...tl) + r.int(0, 1);
    const concat = batched && r.bool(0.3);
    const label = () => { let v = r.int(0, C - 2); if (v >= b) v += 1; return v; };  // not the blank
    const tv = concat ? tl.flatMap((l) => Array.from({ length: l }, label)) : Array.from({ length: n * S }, label);
    const tshape = concat ? [tv.length] : batched ? [n, S] : [S];
    const tt = r.tensor('int32', tshape, 'index', 0, C - 1);
    tt.v = tv;
    const dt = r.pick(['float32', 'float64', 'float64']);
    return { ins: [r.tensor(dt, batched ? [T, n, C] : [T, C], 'cont'), tt], a: { il, tl, b, red: r.pick(RED), zi: r.bool() } };
  },
  fl: (fl, [x, t], a) => fl_(fl).ctcLoss(x.logSoftmax(-1), t, x.ndim === 3 ? a.il : a.il[0], x.ndim === 3 ? a.tl : a.tl[0], a.b, a.red, a.zi), tol: 16,
  known: (a, [x, t]) => (a.il.includes(0) ? 'ctc_loss with an input length of 0: torch 1.13 reads frame 0 anyway (a finite or denormal loss), flintml gives the empty alignment (0 for an empty target, else inf)'
    : !a.zi && ctcInfeasible(a, x, t) ? "ctc_loss's gradient of an infinite loss (an input too short for its target) without zero_infinity: torch 1.13's is NaN, flintml's 0" : null),
});
// loss modules
add({
  name: 'nn.MultiMarginLoss', py: 'torch.nn.MultiMarginLoss(a.p, a.m)(x0, x1)',
  gen: (r) => { const C = r.int(1, 4), N = r.int(1, 3); return { ins: [r.tensor('float64', [N, C], 'grid'), r.tensor('int32', [N], 'index', 0, C - 1)], a: { p: r.pick([1, 2]), m: r.pick([1, 0.5]) } }; },
  fl: (fl, [x, t], a) => new fl.nn.MultiMarginLoss(a.p, a.m).forward(x, t), tol: 8,
});
add({
  name: 'nn.KLDivLoss', py: "torch.nn.KLDivLoss(reduction='batchmean', log_target=a.lt)(x0, x1)",
  gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor('float64', s, 'cont'), r.tensor('float64', s, 'unit')], a: { lt: r.bool() } }; },
  fl: (fl, [x, t], a) => new fl.nn.KLDivLoss({ reduction: 'batchmean', logTarget: a.lt }).forward(x, t), tol: 8,
});
add({
  name: 'nn.CTCLoss', py: 'torch.nn.CTCLoss(0, a.red, True)(x0.log_softmax(-1), x1, a.il, a.tl)',
  gen: (r) => {
    const T = r.int(2, 5), N = r.int(1, 3), C = r.int(2, 4);
    const tl = Array.from({ length: N }, () => r.int(0, 2));
    const tt = r.tensor('int32', [N, 2], 'index', 1, C - 1);
    tt.v = tt.v.map(() => r.int(1, C - 1));
    return { ins: [r.tensor('float64', [T, N, C], 'cont'), tt], a: { il: Array.from({ length: N }, () => r.int(1, T)), tl, red: r.pick(RED) } };
  },
  fl: (fl, [x, t], a) => new fl.nn.CTCLoss(0, a.red, true).forward(x.logSoftmax(-1), t, a.il, a.tl), tol: 16,
});

module.exports = { SPECS: specs };
