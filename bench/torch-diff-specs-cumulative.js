// torch-diff-specs-cumulative.js — bench/torch-diff.js's specs for the cumulative ops of
// lib/ops/cumulative.ts (the format of bench/torch-diff-specs.js): fl.cummax / fl.cummin (the
// [values, indices] pair; the gradient of the values) and fl.logcumsumexp, as functions and as
// Tensor methods. Values come with ties (the grid), and with NaN, ±inf and -0 ('special'), so that
// the tie rule (the last index), NaN propagation (a later NaN takes the index) and logcumsumexp's
// infinities (and their NaN gradients, torch's 0/0) are compared; now and then the dim is out of
// range (both refuse, except torch's unchecked dim of a 0-dim or empty cummax
// input, a `known` difference). torch 1.13's CPU has no float16 logcumsumexp: the harness computes it in
// float32 and rounds, as its CUDA kernel does.
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const ALL = [...F, 'int32', 'uint8', 'bool'];
const specs = [];
const add = (s) => specs.push(s);

/** A dim of an n-dim tensor; out of range one time in twenty (both sides refuse). */
const dimOf = (r, n) => (r.bool(0.05) ? r.pick([n + 1, -n - 2]) : r.dim(n));
/** A shape of 0..3 dims; one dim long now and then (a scan of several steps). */
function shapeOf(r) {
  const s = r.shape(0, 3);
  if (s.length && r.bool(0.25)) s[r.int(0, s.length - 1)] = r.int(5, 19);
  return s;
}
const kind = (r) => r.pick(['grid', 'grid', 'special', 'cont']);
/** torch 1.13's cummax/cummin skip the dim check for a 0-dim or empty input (at::cummax_out); flintml checks it. */
function uncheckedDim(a, [x]) {
  const n = Math.max(x.shape.length, 1);
  return (x.shape.length === 0 || x.v.length === 0) && (a.d < -n || a.d >= n)
    ? "cummax/cummin with an out-of-range dim of a 0-dim or empty input: torch 1.13 checks the dim only when the input has dims and elements, flintml always (IndexError)" : null;
}

for (const name of ['cummax', 'cummin']) {
  add({
    name, py: `torch.${name}(x0, a.d)`,
    gen: (r) => { const s = shapeOf(r); return { ins: [r.tensor(r.pick(ALL), s, kind(r))], a: { d: dimOf(r, s.length) } }; },
    fl: (fl, [x], a) => fl[name](x, a.d), known: uncheckedDim,
  });
  add({
    name: `${name}-method`, py: `x0.${name}(a.d)`,
    gen: (r) => { const s = shapeOf(r); return { ins: [r.tensor(r.pick(F), s, kind(r))], a: { d: dimOf(r, s.length) } }; },
    fl: (fl, [x], a) => { const { values, indices } = x[name](a.d); return [values, indices]; }, known: uncheckedDim,
  });
}
add({
  name: 'logcumsumexp', py: 'torch.logcumsumexp(x0, a.d)',
  // (an integer or bool input now and then: both refuse)
  gen: (r) => { const s = shapeOf(r); return { ins: [r.tensor(r.bool(0.1) ? r.pick(['int32', 'bool']) : r.pick(F), s, kind(r))], a: { d: dimOf(r, s.length) } }; },
  fl: (fl, [x], a) => fl.logcumsumexp(x, a.d), tol: 8,
});
add({
  name: 'logcumsumexp-method', py: 'x0.logcumsumexp(a.d)',
  gen: (r) => { const s = shapeOf(r); return { ins: [r.tensor(r.pick(['float32', 'float64']), s, r.pick(['grid', 'cont', 'special']))], a: { d: dimOf(r, s.length) } }; },
  fl: (fl, [x], a) => x.logcumsumexp(a.d), tol: 8,
});

module.exports = { SPECS: specs };
