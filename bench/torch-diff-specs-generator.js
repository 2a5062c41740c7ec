// torch-diff-specs-generator.js — bench/torch-diff.js's specs for the `generator` option of the random
// functions (fl.Generator, lib/generator.ts and lib/ops/random.ts). flintml's Philox streams are its
// own, so random values never equal torch's; these forms compare only what does not depend on the
// stream: the shapes and dtypes of rand / randn / normal (their values times 0; normal's tensor forms
// also their zero gradients to mean and std), draws that are fixed
// by their arguments (bernoulli of p in {0, 1}, randint over one value, multinomial of one-hot rows,
// randperm's sorted values), and which calls both refuse (a bad size, an integer dtype for rand, a
// generator that is not a Generator: torch's TypeError, flintml's ValueError).
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const specs = [];
const add = (s) => specs.push(s);

/**
 * The generator argument on each side: a fresh generator seeded a.s, or (a.bad) the number 3. On
 * flintml's side it is made for the input's device (torch-diff.js --device cuda puts inputs there).
 */
const GEN_PY = '(3 if a.bad else torch.Generator().manual_seed(a.s))';
const genFl = (fl, a, x) => (a.bad ? 3 : new fl.Generator({ device: x ? x.device : 'cpu' }).manualSeed(a.s));
const genArgs = (r) => ({ s: r.int(0, 1000), bad: r.bool(0.08) });
/** A size of 0..3 dims (a zero now and then); rarely a negative one (both refuse). */
const sizeOf = (r) => { const s = r.shape(0, 3); if (s.length && r.bool(0.05)) s[0] = -1; return s; };

for (const [name, pyFn] of [['rand', 'rand'], ['randn', 'randn']]) {
  add({
    name: `generator-${name}`, grad: false,
    py: `torch.${pyFn}(a.size, dtype=getattr(torch, a.dt), generator=${GEN_PY}) * 0`,
    // an integer dtype now and then: both refuse
    gen: (r) => ({ ins: [], a: { size: sizeOf(r), dt: r.bool(0.1) ? 'int32' : r.pick(F), ...genArgs(r) } }),
    fl: (fl, _x, a) => fl.mul(fl[name](a.size, { dtype: a.dt, generator: genFl(fl, a) }), 0),
  });
}
add({
  name: 'generator-normal', grad: false,
  py: `torch.normal(a.m, a.sd, a.size, generator=${GEN_PY}) * 0`,
  // a negative std now and then: both refuse
  gen: (r) => ({ ins: [], a: { m: r.int(-3, 3), sd: r.bool(0.1) ? -1 : r.int(0, 3), size: sizeOf(r), ...genArgs(r) } }),
  fl: (fl, _x, a) => fl.mul(fl.normal(a.m, a.sd, a.size, { generator: genFl(fl, a) }), 0),
});
// the tensor forms (values times 0: shape, dtype, the zero gradient to mean and std); a negative std
// now and then (grid values: both refuse)
/** A shape that broadcasts to s: some dims 1, some leading dims dropped. */
const under = (r, s) => s.slice(r.int(0, s.length)).map((n) => (r.bool(0.3) ? 1 : n));
add({
  name: 'generator-normal-tensors',
  py: `torch.normal(x0, x1, generator=${GEN_PY}) * 0`,
  gen: (r) => {
    const s = r.shape(0, 3), t = under(r, s), [ms, ss] = r.bool() ? [s, t] : [t, s];
    return { ins: [r.tensor(r.pick(F), ms, 'grid'), r.tensor(r.pick(F), ss, r.bool(0.15) ? 'grid' : 'pos')], a: genArgs(r) };
  },
  fl: (fl, [m, sd], a) => fl.mul(fl.normal(m, sd, { generator: genFl(fl, a, m) }), 0),
});
add({
  name: 'generator-normal-mean',
  py: `torch.normal(x0, float(a.sd), generator=${GEN_PY}) * 0`,
  gen: (r) => ({ ins: [r.tensor(r.bool(0.08) ? 'int32' : r.pick(F), r.shape(0, 3), 'grid')], a: { sd: r.pick([0, 1, 2.5, 2.5, -1]), ...genArgs(r) } }),
  fl: (fl, [m], a) => fl.mul(fl.normal(m, a.sd, { generator: genFl(fl, a, m) }), 0),
});
add({
  name: 'generator-normal-std',
  py: `torch.normal(float(a.m), x0, generator=${GEN_PY}) * 0`,
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), r.bool(0.15) ? 'grid' : 'pos')], a: { m: r.int(-3, 3), ...genArgs(r) } }),
  fl: (fl, [sd], a) => fl.mul(fl.normal(a.m, sd, { generator: genFl(fl, a, sd) }), 0),
});
add({
  name: 'generator-randint', grad: false,
  py: `torch.randint(a.lo, a.hi, a.size, generator=${GEN_PY})`,
  // one value (hi = lo + 1), or an empty range now and then (both refuse)
  gen: (r) => { const lo = r.int(-5, 5); return { ins: [], a: { lo, hi: r.bool(0.1) ? lo : lo + 1, size: sizeOf(r), ...genArgs(r) } }; },
  fl: (fl, _x, a) => fl.randint(a.lo, a.hi, a.size, { generator: genFl(fl, a) }),
});
add({
  name: 'generator-randperm', grad: false,
  py: `torch.sort(torch.randperm(a.n, generator=${GEN_PY})).values`,
  gen: (r) => ({ ins: [], a: { n: r.bool(0.05) ? -1 : r.int(0, 40), ...genArgs(r) } }),
  fl: (fl, _x, a) => fl.sort(fl.randperm(a.n, { generator: genFl(fl, a) })).values,
});
add({
  name: 'generator-bernoulli', grad: false,
  py: `torch.bernoulli(x0, generator=${GEN_PY})`,
  // probabilities 0 and 1 (the draw is p); an integer input now and then (both refuse)
  gen: (r) => ({ ins: [r.tensor(r.bool(0.08) ? 'int32' : r.pick(F), r.shape(0, 3), 'int', 0, 1)], a: genArgs(r) }),
  fl: (fl, [x], a) => fl.bernoulli(x, { generator: genFl(fl, a, x) }),
});
add({
  name: 'generator-bernoulli_', grad: false,
  py: `x0.clone().bernoulli_(float(a.p), generator=${GEN_PY})`,
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'grid')], a: { p: r.pick([0, 1]), ...genArgs(r) } }),
  fl: (fl, [x], a) => x.clone().bernoulli_(a.p, { generator: genFl(fl, a, x) }),
});
add({
  name: 'generator-multinomial', grad: false,
  py: `torch.multinomial(x0, a.k, a.rep, generator=${GEN_PY})`,
  // one-hot rows: every draw is the hot index (with replacement; without it, one draw only)
  gen: (r) => {
    const rows = r.bool(0.5) ? 0 : r.int(1, 3), c = r.int(1, 5);
    const v = [];
    for (let i = 0; i < Math.max(rows, 1); i++) { const hot = r.int(0, c - 1); for (let j = 0; j < c; j++) v.push(j === hot ? r.int(1, 4) : 0); }
    const rep = r.bool(0.6);
    return { ins: [{ dtype: r.pick(['float32', 'float64']), shape: rows === 0 ? [c] : [rows, c], v, layout: 'c' }], a: { k: rep ? r.int(1, 6) : 1, rep, ...genArgs(r) } };
  },
  fl: (fl, [x], a) => fl.multinomial(x, a.k, a.rep, { generator: genFl(fl, a, x) }),
});

module.exports = { SPECS: specs };
