// torch-diff-specs-special.js — bench/torch-diff.js's specs for the special functions (the
// elementwise rows of native/core/special.h and lib/ops/special.ts; the format of
// bench/torch-diff-specs.js): fl.lgamma, digamma, polygamma, erfc, erfinv, i0, mvlgamma and their
// Tensor methods, and fl.special (i0e, i1, i1e, ndtr, ndtri, logNdtr, erfcx, entr, xlog1py, zeta,
// gammainc, gammaincc, multigammaln and the aliases), with every dtype (integers and bool compute in float32, as
// torch), zero sizes, transposed layouts, and NaN, ±inf, -0 and the poles (the 'special' grid).
//
// torch 1.13's trigamma (polygamma(1, x), and so digamma's gradient) is a truncated asymptotic series
// good to ~3e-10 relative (flintml's is within 1e-15 of mpmath: test/special.test.ts): those forms
// compare with a tolerance scaled to it, and draw continuous values, since at the negative integers
// torch's trigamma is finite (π²/sin²(πx) of a rounded πx) where flintml's is +inf (the pole).
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const FI = [...F, 'int32', 'uint8'];
const ALL = [...FI, 'bool'];
const specs = [];
const add = (s) => specs.push(s);

/** A shape of 0..3 dims (a zero size now and then, from r.shape). */
const shapeOf = (r) => r.shape(0, 3);
/** Float dtypes mostly, an integer or bool one now and then. */
const dtOf = (r, floats = F) => (r.bool(0.15) ? r.pick(['int32', 'uint8', 'bool']) : r.pick(floats));
/** torch 1.13's trigamma's error (~3e-10 relative) over float64's tolerance unit (8·2^-53). */
const TRIGAMMA_TOL = 4e5;
/** Half a unit in the last place of a dtype, relative: how far a drawn value moves when it is rounded to it. */
const HALF_ULP = { float16: 2 ** -11, bfloat16: 2 ** -8, float32: 2 ** -24, float64: 2 ** -53 };
/** A case whose input, rounded to its dtype, is a pole of trigamma (0, −1, −2, …: 'cont' values rounded to bfloat16). */
const trigammaPole = (a, ins) => (ins.some((t) => t.v.some((v) => typeof v === 'number' && v <= 0 && Math.abs(v - Math.round(v)) <= Math.abs(v) * (HALF_ULP[t.dtype] || 0)))
  ? "trigamma at a pole (a non-positive integer): flintml gives +inf, torch 1.13 a finite π²/sin²(πx) of its rounded πx (digamma's gradient, polygamma(1, x))" : null);

// ---- the top-level functions and their methods ----------------------------------------------------------
const UNARY = [
  // [flint name, torch call, value kinds, options]
  ['lgamma', 'torch.lgamma', ['special', 'cont', 'pos'], {}],
  ['erfc', 'torch.erfc', ['special', 'cont'], {}],
  ['erfinv', 'torch.erfinv', ['unit', 'special', 'unit'], {}],
  ['i0', 'torch.i0', ['special', 'cont'], {}],
  // digamma's gradient is trigamma (see the head); its values below 0 come from torch's reflection
  // π/tan(π·r) with π·r rounded first: ~1e-16 over the distance to the pole, relative (flintml reduces
  // x by the nearest integer, exactly); the poles themselves in digamma-poles below
  ['digamma', 'torch.digamma', ['cont', 'pos'], { tol: TRIGAMMA_TOL, gradTol: TRIGAMMA_TOL / 16, known: trigammaPole }],
];
for (const [name, tcall, kinds, more] of UNARY) {
  add({ name, py: `${tcall}(x0)`, gen: (r) => ({ ins: [r.tensor(dtOf(r), shapeOf(r), r.pick(kinds))] }), fl: (fl, [x]) => fl[name](x), ...more });
  add({ name: `${name}-method`, py: `x0.${name}()`, gen: (r) => ({ ins: [r.tensor(r.pick(F), shapeOf(r), r.pick(kinds))] }), fl: (fl, [x]) => x[name](), ...more });
  add({ name: `${name}_`, py: `x0.clone().${name}_()`, grad: false, gen: (r) => ({ ins: [r.tensor(r.pick(F), shapeOf(r), r.pick(kinds))] }), fl: (fl, [x]) => x.clone()[`${name}_`](), tol: more.tol });
}
add({ name: 'digamma-poles', py: 'torch.digamma(x0)', grad: false, gen: (r) => ({ ins: [r.tensor(dtOf(r), shapeOf(r), 'special')] }), fl: (fl, [x]) => fl.digamma(x), tol: TRIGAMMA_TOL });

// polygamma(n, x): n = 0 is digamma (a trigamma gradient), n = 1 trigamma itself; n < 0 both refuse
const polyTol = (n) => (n === 1 ? TRIGAMMA_TOL : 1);
add({
  name: 'polygamma', py: 'torch.polygamma(a.n, x0)',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), shapeOf(r), r.pick(['cont', 'pos']))], a: { n: r.pick([-1, 0, 1, 2, 2, 3, 3, 4, 6]) } }),
  fl: (fl, [x], a) => fl.polygamma(a.n, x),
  // (one tolerance per form: the widest, for n = 0, 1; n >= 2 is checked closely in polygamma-high)
  tol: TRIGAMMA_TOL, gradTol: TRIGAMMA_TOL / 16, known: (a, ins) => (a.n <= 1 ? trigammaPole(a, ins) : null),
});
add({
  name: 'polygamma-high', py: 'torch.polygamma(a.n, x0)',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), shapeOf(r), r.pick(['cont', 'pos']))], a: { n: r.pick([2, 3, 4, 6]) } }),
  fl: (fl, [x], a) => fl.polygamma(a.n, x), tol: 4,
});
add({
  name: 'polygamma-method', py: 'x0.polygamma(a.n)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), shapeOf(r), 'pos')], a: { n: r.pick([2, 3, 5]) } }),
  fl: (fl, [x], a) => x.polygamma(a.n), tol: 4,
});
add({
  name: 'mvlgamma', py: 'torch.mvlgamma(x0, a.p)',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), shapeOf(r), r.pick(['pos', 'cont']))], a: { p: r.pick([0, 1, 2, 3, 5]) } }),
  // a sum of p lgamma terms that cancel (−0.036 from terms of ±2 at x = −2.84): the error is absolute, in their units
  fl: (fl, [x], a) => fl.mvlgamma(x, a.p), tol: 4, absScale: () => 64,
});
add({
  name: 'mvlgamma-method', py: 'x0.mvlgamma(a.p)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), shapeOf(r), 'pos')], a: { p: r.pick([1, 2, 4]) } }),
  fl: (fl, [x], a) => x.mvlgamma(a.p), tol: 4,
});

// ---- fl.special ------------------------------------------------------------------------------------
/** torch 1.13's special.round refuses integer tensors ("round_vml_cpu" not implemented for 'Long') where torch.round takes them; fl.special.round is fl.round. */
const roundOfIntegers = (a, [x]) => (x.dtype === 'int32' || x.dtype === 'uint8' || x.dtype === 'bool'
  ? "torch.special.round refuses integer and bool tensors where torch.round returns them unchanged; fl.special.round is fl.round (it returns them)" : null);
const SPECIAL = [
  // [flint name, torch.special name, value kinds, options]
  ['i0e', 'i0e', ['special', 'cont'], {}], ['i1', 'i1', ['special', 'cont'], {}], ['i1e', 'i1e', ['special', 'cont'], {}],
  // torch computes ndtr as (1 + erf(x/√2))/2, which cancels for x < 0 (an error of an ulp of 1, absolute:
  // 3e-4 relative at x = -4 in float32); flintml as erfc(−x/√2)/2, exact to the rounding of x/√2
  ['ndtr', 'ndtr', ['special', 'cont'], { absScale: () => 1 }], ['ndtri', 'ndtri', ['unit', 'pos', 'special'], {}],
  // (torch's float32 log_ndtr(9) is 2.4e-6 relative off: its float erfc far in the tail; flintml's is the
  // float64 value rounded)
  ['logNdtr', 'log_ndtr', ['special', 'cont'], { tol: 4 }], ['erfcx', 'erfcx', ['special', 'cont'], {}],
  ['entr', 'entr', ['special', 'pos'], {}],
  ['expit', 'expit', ['special'], {}], ['gammaln', 'gammaln', ['special', 'pos'], {}],
  ['psi', 'psi', ['cont', 'pos'], { tol: TRIGAMMA_TOL, gradTol: TRIGAMMA_TOL / 16, known: trigammaPole }], ['erf', 'erf', ['special'], {}], ['erfc', 'erfc', ['special'], {}],
  ['erfinv', 'erfinv', ['unit'], {}], ['expm1', 'expm1', ['grid'], {}], ['exp2', 'exp2', ['grid'], {}],
  ['log1p', 'log1p', ['grid'], {}], ['sinc', 'sinc', ['cont'], { tol: 8 }], ['round', 'round', ['grid'], { known: roundOfIntegers }],
  ['i0', 'i0', ['special'], {}], ['digamma', 'digamma', ['pos'], { tol: TRIGAMMA_TOL, gradTol: TRIGAMMA_TOL / 16 }],
];
for (const [name, tname, kinds, more] of SPECIAL) {
  add({
    name: `special.${name}`, py: `torch.special.${tname}(x0)`,
    gen: (r) => ({ ins: [r.tensor(dtOf(r), shapeOf(r), r.pick(kinds))] }), fl: (fl, [x]) => fl.special[name](x), ...more,
  });
}
add({
  name: 'special.polygamma', py: 'torch.special.polygamma(a.n, x0)',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), shapeOf(r), 'pos')], a: { n: r.pick([2, 3]) } }), fl: (fl, [x], a) => fl.special.polygamma(a.n, x), tol: 4,
});
add({
  name: 'special.multigammaln', py: 'torch.special.multigammaln(x0, a.p)',
  gen: (r) => ({ ins: [r.tensor(dtOf(r), shapeOf(r), 'pos')], a: { p: r.pick([1, 2, 3]) } }), fl: (fl, [x], a) => fl.special.multigammaln(x, a.p), tol: 4,
});
add({
  name: 'special.logit', py: 'torch.special.logit(x0, a.eps)',
  gen: (r) => ({ ins: [r.tensor(r.pick(F), shapeOf(r), 'unit')], a: { eps: r.pick([null, 0.1]) } }), fl: (fl, [x], a) => fl.special.logit(x, a.eps),
});
for (const [name, tname] of [['logsumexp', 'logsumexp'], ['softmax', 'softmax'], ['logSoftmax', 'log_softmax']]) {
  add({
    name: `special.${name}`, py: `torch.special.${tname}(x0, a.d)`,
    gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(['float32', 'float64']), s, 'cont')], a: { d: r.dim(s.length) } }; },
    fl: (fl, [x], a) => fl.special[name](x, a.d), tol: 4,
  });
}
/** Two broadcastable shapes. */
function bshapes(r) {
  const s = r.shape(0, 3);
  const t = s.slice(r.int(0, s.length)).map((d) => (r.bool(0.3) ? 1 : d));
  return r.bool() ? [s, t] : [t, s];
}
for (const [name, tname] of [['xlog1py', 'xlog1py'], ['xlogy', 'xlogy']]) {
  add({
    name: `special.${name}`, py: `torch.special.${tname}(x0, x1)`,
    gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(['float32', 'float64']); return { ins: [r.tensor(d, s, 'special'), r.tensor(d, t, r.pick(['special', 'pos']))] }; },
    fl: (fl, [x, y]) => fl.special[name](x, y),
  });
}
// zeta(s, q): s in [0.25, 4] (s < 1 NaN, s = 1 inf), q with the poles (0 and the negative integers)
// and ±inf; torch has no derivative in s (its case compares values only), the s-scalar form checks q's
add({
  name: 'special.zeta', py: 'torch.special.zeta(x0, x1)',
  gen: (r) => { const [s, t] = bshapes(r); const d = r.pick(['float32', 'float64']); return { ins: [r.tensor(d, s, 'pos'), r.tensor(d, t, r.pick(['pos', 'cont', 'special']))] }; },
  fl: (fl, [x, y]) => fl.special.zeta(x, y), tol: 4,
});
add({
  name: 'special.zeta-scalar', py: 'torch.special.zeta(a.s, x0)',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64', 'int32']), shapeOf(r), 'pos')], a: { s: r.pick([1.5, 2, 3, 4.5]) } }),
  fl: (fl, [q], a) => fl.special.zeta(a.s, q), tol: 4,
});
// gammainc(a, x), gammaincc(a, x): a in [0.25, 4], x with NaN, ±inf, -0 and negatives (NaN); an integer
// operand now and then (two integer tensors: both refuse); torch has no derivative in a (values only
// when a requires grad), the a-constant forms check x's. (a in float32/float64 or an integer: torch's
// 16-bit retry in float32 does not then retry without the gradient; the -x forms take 16-bit x.)
/** torch's x-gradient takes lgamma(a) of an integer a in float32 (its default dtype), even for a float64 x. */
const integerA = (o, [a]) => (a.dtype === 'int32' || a.dtype === 'uint8' || a.dtype === 'bool'
  ? "gammainc/gammaincc's x-gradient with an integer a: torch 1.13 computes lgamma(a) in float32 inside it (1e-7 relative), flintml in the gradient's dtype" : null);
for (const [name, tname] of [['gammainc', 'gammainc'], ['gammaincc', 'gammaincc']]) {
  add({
    name: `special.${name}`, py: `torch.special.${tname}(x0, x1)`,
    gen: (r) => { const [s, t] = bshapes(r); return { ins: [r.tensor(dtOf(r, ['float32', 'float64']), s, 'pos'), r.tensor(dtOf(r, ['float32', 'float64']), t, r.pick(['pos', 'cont', 'special']))] }; },
    fl: (fl, [a, x]) => fl.special[name](a, x), tol: 4, known: integerA,
  });
  add({
    name: `special.${name}-x`, py: `torch.special.${tname}(torch.tensor(a.a, dtype=x0.dtype), x0)`,
    gen: (r) => ({ ins: [r.tensor(r.pick(F), shapeOf(r), r.pick(['pos', 'cont']))], a: { a: r.pick([0.5, 1, 2.5, 6]) } }),
    fl: (fl, [x], a) => fl.special[name](fl.tensor(a.a, { dtype: x.dtype, device: x.device }), x), tol: 4,
  });
}

module.exports = { SPECS: specs };
