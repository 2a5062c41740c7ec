// torch-diff-specs-distributions.js — bench/torch-diff.js's specs for fl.distributions
// (lib/distributions/, the format of bench/torch-diff-specs.js): for each family, one spec that
// builds the distribution from random parameters (broadcast shapes, zero sizes, float32 and float64,
// probs or logits) and calls one deterministic method — logProb, cdf, icdf, entropy, mean, mode,
// variance, stddev — compared with torch.distributions (values, and the gradients of the parameters
// and of the value); 'dist.kl' compares klDivergence of same-family pairs, 'dist.Independent' the
// reinterpreted sums. Now and then a parameter is invalid or the value is outside the support:
// both validate by default, so both must refuse. Samples are random and are not compared here
// (test/distributions.test.ts checks their statistics).
'use strict';

const F = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);

/** A value of the kind: 'real', 'pos' (> 0), 'nonneg' (≥ 0), 'unit' (0, 1), 'count' (0..8 integers), 'bin' (0/1), 'logit'. */
function draw(r, kind) {
  switch (kind) {
    case 'real': return Math.round((r.u() * 6 - 3) * 1e4) / 1e4;
    case 'logit': return Math.round((r.u() * 8 - 4) * 1e4) / 1e4;
    case 'pos': return Math.round((0.1 + r.u() * 3.9) * 1e4) / 1e4;
    case 'nonneg': return r.bool(0.1) ? 0 : Math.round(r.u() * 4 * 1e4) / 1e4;
    case 'unit': return Math.round((0.02 + r.u() * 0.96) * 1e4) / 1e4;
    case 'count': return r.int(0, 8);
    case 'bin': return r.int(0, 1);
    default: throw new Error(`kind ${kind}`);
  }
}
/** A tensor spec of `shape` with values of `kind`; `bad` (a probability): one value made invalid. */
function tensorOf(r, dtype, shape, kind, bad = 0) {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = [];
  for (let i = 0; i < n; i++) v.push(draw(r, kind));
  if (n > 0 && r.bool(bad)) v[r.int(0, n - 1)] = kind === 'count' ? 1.5 : kind === 'bin' ? 0.5 : kind === 'unit' ? 1.25 : -0.5;
  return { dtype, shape, v, layout: shape.length >= 2 && r.bool(0.2) ? 't' : 'c' };
}
/** A shape that broadcasts to s: a suffix of it with some dims set to 1. */
const suffixOf = (r, s) => s.slice(r.int(0, s.length)).map((d) => (r.bool(0.25) ? 1 : d));

const METHOD_JS = { log_prob: 'logProb', cdf: 'cdf', icdf: 'icdf', entropy: 'entropy', mean: 'mean', mode: 'mode', variance: 'variance', stddev: 'stddev' };
/** torch's side: the method of the distribution `d` (the value is x{vi}). */
const pyCall = (ctor, vi) => `(lambda d: getattr(d, a.m)(x${vi}) if a.m in ('log_prob', 'cdf', 'icdf') else (d.entropy() if a.m == 'entropy' else getattr(d, a.m)))(${ctor})`;
/** flintml's side. */
function flCall(d, m, value) {
  const name = METHOD_JS[m];
  if (m === 'log_prob' || m === 'cdf' || m === 'icdf') return d[name](value);
  return m === 'entropy' ? d.entropy() : d[name];
}

/**
 * Families: their parameters (name in torch's call, kind, keyword?), the kind of their values, the
 * methods torch 1.13 has. `either`: probs or logits (keyword), one drawn per case.
 */
const FAMILIES = {
  Normal: { params: [['loc', 'real'], ['scale', 'pos']], value: 'real', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance', 'stddev'] },
  LogNormal: { params: [['loc', 'real'], ['scale', 'pos']], value: 'pos', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance'] },
  HalfNormal: { params: [['scale', 'pos']], value: 'nonneg', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance'] },
  Laplace: { params: [['loc', 'real'], ['scale', 'pos']], value: 'real', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance', 'stddev'] },
  Cauchy: { params: [['loc', 'real'], ['scale', 'pos']], value: 'real', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance'] },
  Gumbel: { params: [['loc', 'real'], ['scale', 'pos']], value: 'real', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance', 'stddev'] },
  Exponential: { params: [['rate', 'pos']], value: 'nonneg', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance'] },
  Gamma: { params: [['concentration', 'pos'], ['rate', 'pos']], value: 'pos', methods: ['log_prob', 'entropy', 'mean', 'mode', 'variance'] },
  Chi2: { params: [['df', 'pos']], value: 'pos', methods: ['log_prob', 'entropy', 'mean', 'mode', 'variance'] },
  Beta: { params: [['concentration1', 'pos'], ['concentration0', 'pos']], value: 'unit', methods: ['log_prob', 'entropy', 'mean', 'mode', 'variance'] },
  StudentT: { params: [['df', 'pos'], ['loc', 'real'], ['scale', 'pos']], value: 'real', methods: ['log_prob', 'entropy', 'mean', 'mode', 'variance'] },
  Poisson: { params: [['rate', 'pos']], value: 'count', methods: ['log_prob', 'mean', 'mode', 'variance'] },
  Bernoulli: { either: true, value: 'bin', methods: ['log_prob', 'entropy', 'mean', 'mode', 'variance'] },
  Geometric: { either: true, value: 'count', methods: ['log_prob', 'entropy', 'mean', 'mode', 'variance'] },
};

// (torch's Gumbel.cdf far in the lower tail is also ~1e-12 relative off through its transform
// chain: mpmath 1.0269847354318225e-05 for Gumbel(1.8406, 0.8174).cdf(-0.1548), flintml
// 1.0269847354318234e-05, torch 1.0269847354305028e-05: absScale gives those an eps floor.)
// Gumbel's cdf in torch 1.13 is a TransformedDistribution's: it validates the uniform base value
// u = exp(-exp(-(x - loc)/scale)) against Uniform(tiny, 1 - eps), so it refuses an x far in either
// tail (u rounds to 1 or underflows); flintml computes the cdf there (clamped to [0, 1]).
const GUMBEL_TAIL = 'Gumbel.cdf far in a tail: torch 1.13 validates the transformed base value against Uniform(tiny, 1 - eps) and refuses; flintml returns the cdf';
function gumbelTail(a, ins) {
  if (a.m !== 'cdf') return null;
  const [loc, scale, x] = ins;
  const eps = x.dtype === 'float32' ? 1.1920928955078125e-07 : 2.220446049250313e-16;
  // every (value, loc, scale) combination: conservative, the shapes are small
  for (const xv of x.v) for (const l of loc.v) for (const sc of scale.v) {
    const u = Math.exp(-Math.exp(-(xv - l) / sc));
    if (u > 1 - 4 * eps || u < 1e-30) return GUMBEL_TAIL;
  }
  return null;
}

// torch 1.13's CPU trigamma (the gradient of digamma: of these entropies and KLs) truncates its
// asymptotic series at x ≥ 6 and is ~1e-9 relative off (mpmath: ψ'(2.3) = 0.54253745866525846,
// torch.polygamma(1, 2.3) = 0.5425374588379537); flintml's, the derivative of its digamma series, is
// within ~1e-14 (mpmath: d/da of Beta(2.2515, 3.8446).entropy() is 0.0331019798744904463; flintml
// 0.03310197987449048, torch 0.0331019796710). Their float64 gradients are compared in
// 'dist.entropy-f64' and 'dist.kl-f64' with gradTol 2e5 (~1e-8 relative); elsewhere in float32 only.
const DIGAMMA_FAMS = ['Gamma', 'Chi2', 'Beta', 'StudentT', 'Dirichlet'];
const TRIGAMMA_GRAD_TOL = 2e5;

// torch 1.13's Dirichlet of an empty batch fails when validating (independent(positive, 1).check
// reshapes 0 elements to [0, -1]), and so does Beta (built on a Dirichlet); flintml returns the result.
const EMPTY_MODE = "Dirichlet of an empty batch: torch 1.13's validation cannot reshape 0 elements to [0, -1], flintml returns the empty result";
const emptyMode = (a, ins) => (a.m === 'mode' && ins.some((t) => t.shape.includes(0)) ? EMPTY_MODE : null);
// torch 1.13's Beta.log_prob stacks [x, 1 - x] for its Dirichlet and fails the same way on an empty batch
// (and its constructor validates that Dirichlet's independent(positive, 1) constraint with
// _sum_rightmost, which fails the same way: any method of an empty Beta)
const EMPTY_BETA = "Beta of an empty batch: torch 1.13's Dirichlet validation and log_prob reshape 0 elements to [.., -1] and fail, flintml returns the empty result";
const emptyBeta = (a, ins) => (ins.some((t) => t.shape.includes(0)) ? EMPTY_BETA : null);

for (const [fam, f] of Object.entries(FAMILIES)) {
  const nParams = f.either ? 1 : f.params.length;
  let ctor;
  if (f.either) ctor = `torch.distributions.${fam}(**{a.pl: x0})`;
  else ctor = `torch.distributions.${fam}(${f.params.map((_, i) => `x${i}`).join(', ')})`;
  add({
    name: `dist.${fam}`, py: pyCall(ctor, nParams),
    gen: (r) => {
      const m = r.pick(f.methods);
      const dt = m === 'entropy' && DIGAMMA_FAMS.includes(fam) ? 'float32' : r.pick(F);
      const s = r.shape(0, 2, 3);
      const ins = [];
      const pl = r.pick(['probs', 'logits']);
      if (f.either) ins.push(tensorOf(r, dt, suffixOf(r, s), pl === 'probs' ? 'unit' : 'logit', pl === 'probs' ? 0.03 : 0));
      else for (const [, kind] of f.params) ins.push(tensorOf(r, dt, suffixOf(r, s), kind, kind === 'real' ? 0 : 0.03));
      // the value: the full batch shape (maybe one more leading dim) or a suffix of it
      const vs = r.bool(0.2) ? [r.int(1, 3), ...s] : r.bool(0.7) ? s.slice() : suffixOf(r, s);
      ins.push(tensorOf(r, dt, vs, m === 'icdf' ? 'unit' : f.value, m === 'icdf' ? 0 : 0.04));
      return { ins, a: { m, pl } };
    },
    fl: (fl, xs, a) => {
      const C = fl.distributions[fam];
      const d = f.either ? new C({ [a.pl]: xs[0] }) : new C(...xs.slice(0, nParams));
      return flCall(d, a.m, xs[nParams]);
    },
    tol: 16,
    known: fam === 'Gumbel' ? (a, ins) => gumbelTail(a, ins) : fam === 'Beta' ? emptyBeta : undefined,
    // probabilities and log-densities: an absolute floor of eps (a cdf far in a tail is tiny)
    absScale: () => 1,
  });
}

// ---- the families with an event dim or a count -------------------------------------------------------
add({
  name: 'dist.Binomial', py: pyCall('torch.distributions.Binomial(x0, **{a.pl: x1})', 2),
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3);
    const m = r.pick(['log_prob', 'mean', 'mode', 'variance', 'entropy']);
    const pl = r.pick(['probs', 'logits']);
    // entropy needs one total count (torch refuses an inhomogeneous one, as flintml)
    const n = tensorOf(r, dt, suffixOf(r, s), 'count', 0.03);
    if (m === 'entropy' && r.bool(0.8)) { const c = r.int(0, 6); n.v = n.v.map(() => c); }
    const p = tensorOf(r, dt, suffixOf(r, s), pl === 'probs' ? 'unit' : 'logit', pl === 'probs' ? 0.03 : 0);
    const v = tensorOf(r, dt, s, 'count', 0);
    // values within [0, totalCount] mostly (both refuse the others)
    return { ins: [n, p, v], a: { m, pl } };
  },
  fl: (fl, [n, p, v], a) => flCall(new fl.distributions.Binomial(n, { [a.pl]: p }), a.m, v), tol: 16,
});

/** A [.., K] tensor spec of positive integers summing to 8 per row, divided by 8 (exact in float32: an exact simplex). */
function simplexOf(r, dtype, shape) {
  const K = shape[shape.length - 1], rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const v = [];
  for (let i = 0; i < rows; i++) {
    const parts = new Array(K).fill(1);
    for (let j = K; j < 8; j++) parts[r.int(0, K - 1)]++;
    v.push(...parts.map((x) => x / 8));
  }
  return { dtype, shape, v, layout: 'c' };
}
add({
  name: 'dist.Categorical', py: pyCall('torch.distributions.Categorical(**{a.pl: x0})', 1),
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3, false);
    const K = r.int(1, 5);
    const m = r.pick(['log_prob', 'entropy', 'mode', 'mean', 'variance']);
    const pl = r.pick(['probs', 'logits']);
    const p = tensorOf(r, dt, [...s, K], pl === 'probs' ? 'pos' : 'logit', pl === 'probs' ? 0.03 : 0);
    const v = { dtype: 'int32', shape: s, v: s.length ? new Array(s.reduce((a, b) => a * b, 1)).fill(0).map(() => r.int(0, r.bool(0.05) ? K : K - 1)) : [r.int(0, K - 1)], layout: 'c' };
    return { ins: [p, v], a: { m, pl } };
  },
  fl: (fl, [p, v], a) => flCall(new fl.distributions.Categorical({ [a.pl]: p }), a.m, v), tol: 16,
});
add({
  name: 'dist.OneHotCategorical', py: pyCall('torch.distributions.OneHotCategorical(**{a.pl: x0})', 1),
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3, false);
    const K = r.int(1, 5);
    const m = r.pick(['log_prob', 'entropy', 'mode', 'mean', 'variance']);
    const pl = r.pick(['probs', 'logits']);
    const p = tensorOf(r, dt, [...s, K], pl === 'probs' ? 'pos' : 'logit', 0);
    const rows = s.reduce((a, b) => a * b, 1);
    const v = [];
    for (let i = 0; i < rows; i++) { const hot = r.int(0, K - 1); for (let k = 0; k < K; k++) v.push(k === hot ? 1 : 0); }
    return { ins: [p, { dtype: dt, shape: [...s, K], v, layout: 'c' }], a: { m, pl } };
  },
  fl: (fl, [p, v], a) => flCall(new fl.distributions.OneHotCategorical({ [a.pl]: p }), a.m, v), tol: 16,
});
add({
  name: 'dist.Dirichlet', py: pyCall('torch.distributions.Dirichlet(x0)', 1),
  gen: (r) => {
    const m = r.pick(['log_prob', 'entropy', 'mean', 'mode', 'variance']);
    const dt = m === 'entropy' ? 'float32' : r.pick(F);
    const s = r.shape(0, 2, 3, false);
    const K = r.int(1, 4);
    return { ins: [tensorOf(r, dt, [...s, K], 'pos', 0.03), simplexOf(r, dt, [...s, K])], a: { m } };
  },
  fl: (fl, [c, v], a) => flCall(new fl.distributions.Dirichlet(c), a.m, v), tol: 16, known: emptyMode,
});
add({
  name: 'dist.Uniform', py: pyCall('torch.distributions.Uniform(x0, x0 + x1)', 2),
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3);
    const m = r.pick(['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance', 'stddev']);
    const v = tensorOf(r, dt, s, m === 'icdf' ? 'unit' : 'real', 0);
    return { ins: [tensorOf(r, dt, suffixOf(r, s), 'real'), tensorOf(r, dt, suffixOf(r, s), 'pos', 0.03), v], a: { m } };
  },
  fl: (fl, [lo, w, v], a) => flCall(new fl.distributions.Uniform(lo, lo.add(w)), a.m, v), tol: 16,
});

/** A lower-triangular [.., n, n] spec with a positive diagonal (now and then a negative one). */
function trilOf(r, dtype, shape, bad) {
  const n = shape[shape.length - 1], rows = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const v = [];
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v.push(j > i ? 0 : j === i ? draw(r, 'pos') + 0.5 : draw(r, 'real') / 2);
  }
  if (v.length && r.bool(bad)) v[0] = -1;
  return { dtype, shape, v, layout: 'c' };
}
const MVN_PY = "torch.distributions.MultivariateNormal(x0, **{a.w: (x1 if a.w == 'scale_tril' else x1 @ x1.transpose(-1, -2))})";
add({
  name: 'dist.MultivariateNormal', py: pyCall(MVN_PY, 2),
  gen: (r) => {
    const dt = 'float64';   // float32's Cholesky factors differ in the last bits between LAPACKs: compared in float64
    const n = r.int(1, 3);
    const s = r.shape(0, 2, 3, false);
    const m = r.pick(['log_prob', 'entropy', 'mean', 'mode', 'variance']);
    const w = r.pick(['scale_tril', 'covariance_matrix', 'precision_matrix']);
    return { ins: [tensorOf(r, dt, [...suffixOf(r, s), n], 'real'), trilOf(r, dt, [...suffixOf(r, s), n, n], 0.03), tensorOf(r, dt, [...s, n], 'real')], a: { m, w } };
  },
  fl: (fl, [loc, L, v], a) => {
    const key = { scale_tril: 'scaleTril', covariance_matrix: 'covarianceMatrix', precision_matrix: 'precisionMatrix' }[a.w];
    const M = a.w === 'scale_tril' ? L : fl.matmul(L, L.transpose(-1, -2));
    return flCall(new fl.distributions.MultivariateNormal(loc, { [key]: M }), a.m, v);
  },
  tol: 64,
});
add({
  name: 'dist.Independent', py: pyCall('torch.distributions.Independent(torch.distributions.Normal(x0, x1), a.n)', 2),
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(1, 3, 3);
    const m = r.pick(['log_prob', 'entropy', 'mean', 'variance']);
    return { ins: [tensorOf(r, dt, s, 'real'), tensorOf(r, dt, suffixOf(r, s), 'pos', 0.03), tensorOf(r, dt, s, 'real')], a: { m, n: r.int(0, s.length + (r.bool(0.1) ? 1 : 0)) } };
  },
  fl: (fl, [l, sc, v], a) => flCall(new fl.distributions.Independent(new fl.distributions.Normal(l, sc), a.n), a.m, v), tol: 16,
  // torch 1.13's _sum_rightmost reshapes to [..., -1], which fails for 0 elements
  known: (a, ins) => (a.n > 0 && ins.some((t) => t.shape.includes(0)) ? "Independent of an empty batch: torch 1.13's _sum_rightmost cannot reshape 0 elements to [.., -1], flintml sums to the empty result" : null),
});

add({
  name: 'dist.MixtureSameFamily',
  py: pyCall('torch.distributions.MixtureSameFamily(torch.distributions.Categorical(logits=x0), torch.distributions.Normal(x1, x2))', 3),
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3);
    const K = r.int(1, 4);
    const m = r.pick(['log_prob', 'cdf', 'mean', 'variance']);
    // the mixture's batch: the components' or none (torch's padding rule for a 1-dim one differs)
    const mb = r.bool() ? s : [];
    return { ins: [tensorOf(r, dt, [...mb, K], 'logit'), tensorOf(r, dt, [...s, K], 'real'), tensorOf(r, dt, [...suffixOf(r, s), K], 'pos', 0.03), tensorOf(r, dt, s, 'real')], a: { m } };
  },
  fl: (fl, [w, loc, sc, v], a) => {
    const D = fl.distributions;
    return flCall(new D.MixtureSameFamily(new D.Categorical({ logits: w }), new D.Normal(loc, sc)), a.m, v);
  },
  tol: 16, absScale: () => 1,
  known: (a, ins) => (ins.some((t) => t.shape.includes(0)) ? "Categorical(logits) of an empty batch: torch 1.13's independent(real, 1) validation cannot reshape 0 elements to [.., -1], flintml builds it" : null),
});

// ---- klDivergence of same-family pairs -----------------------------------------------------------------
// A KL is a difference of O(lgamma(Σ params)) terms: its values get an absolute floor of that scale
// (Dirichlet(3.1868, 2.4794) ‖ Dirichlet(3.7587, 3.1235): mpmath 0.01712529376207375, flintml
// 0.017125293762073834, torch 0.017125293762072724).
const klScale = (ins) => 8 * (1 + Math.max(0, ...ins.flatMap((t) => t.v.map((x) => Math.abs(Number(x)) || 0))));
const KL_FAMILIES = {
  Normal: [['real', 'pos'], ''], LogNormal: [['real', 'pos'], ''], HalfNormal: [['pos'], ''], Laplace: [['real', 'pos'], ''],
  Cauchy: [['real', 'pos'], ''], Gumbel: [['real', 'pos'], ''], Exponential: [['pos'], ''], Gamma: [['pos', 'pos'], ''],
  Chi2: [['pos'], ''], Beta: [['pos', 'pos'], ''], Poisson: [['pos'], ''], Bernoulli: [['unit'], 'probs'], Geometric: [['unit'], 'probs'],
  Uniform: [['real', 'pos'], 'uniform'], Binomial: [['count', 'unit'], 'binomial'], Categorical: [['pos'], 'event'], OneHotCategorical: [['pos'], 'event'],
  Dirichlet: [['pos'], 'event'],
};
const KL_FAMS = Object.keys(KL_FAMILIES);
const klCtor = (fam, form, i) => {
  if (form === 'uniform') return `torch.distributions.Uniform(x${i}, x${i} + x${i + 1})`;
  if (form === 'binomial') return `torch.distributions.Binomial(x${i}, x${i + 1})`;
  const n = KL_FAMILIES[fam][0].length;
  return `torch.distributions.${fam}(${Array.from({ length: n }, (_, k) => `x${i + k}`).join(', ')})`;
};
add({
  name: 'dist.kl',
  py: `torch.distributions.kl_divergence(*{${KL_FAMS.map((f) => `'${f}': lambda: (${klCtor(f, KL_FAMILIES[f][1], 0)}, ${klCtor(f, KL_FAMILIES[f][1], KL_FAMILIES[f][0].length)})`).join(', ')}}[a.f]())`,
  gen: (r) => {
    const f = r.pick(KL_FAMS);
    const [kinds, form] = KL_FAMILIES[f];
    const dt = DIGAMMA_FAMS.includes(f) ? 'float32' : r.pick(F);
    const s = r.shape(0, 2, 3, false);
    const K = r.int(1, 4);
    const ins = [];
    for (let side = 0; side < 2; side++) {
      for (const kind of kinds) {
        const shape = form === 'event' ? [...suffixOf(r, s), K] : suffixOf(r, s);
        const t = tensorOf(r, dt, shape, kind, 0);
        // Bernoulli/Categorical: an exact 0 (or 1) now and then (the infinite and zero terms)
        if ((f === 'Bernoulli' || f === 'Categorical') && t.v.length && r.bool(0.2)) t.v[r.int(0, t.v.length - 1)] = f === 'Bernoulli' ? r.pick([0, 1]) : 0;
        ins.push(t);
      }
    }
    if (form === 'binomial' && r.bool(0.7)) ins[2].v = ins[2].v.map((_, i) => ins[0].v[i % Math.max(ins[0].v.length, 1)] ?? 0);
    return { ins, a: { f } };
  },
  // torch 1.13's _kl_bernoulli_bernoulli writes inf/0 through masks of p's and q's own shapes
  // (t1[q.probs == 0] = inf), an IndexError when their batch shapes differ; flintml broadcasts
  known: (a, ins) => (a.f === 'Bernoulli' && JSON.stringify(ins[0].shape) !== JSON.stringify(ins[1].shape)
    ? "klDivergence of Bernoullis of different batch shapes: torch 1.13's masked assignment refuses (IndexError), flintml broadcasts" : null),
  fl: (fl, xs, a) => {
    const D = fl.distributions;
    const [kinds, form] = KL_FAMILIES[a.f];
    const k = kinds.length;
    const mk = (ys) => (form === 'uniform' ? new D.Uniform(ys[0], ys[0].add(ys[1])) : new D[a.f](...ys));
    return D.klDivergence(mk(xs.slice(0, k)), mk(xs.slice(k)));
  },
  tol: 16, absScale: klScale,
});
add({
  name: 'dist.entropy-f64',
  py: `(${'{'}${DIGAMMA_FAMS.map((f) => `'${f}': lambda: torch.distributions.${f}(${f === 'Dirichlet' ? 'x0' : ['Gamma', 'Beta'].includes(f) ? 'x0, x1' : f === 'StudentT' ? 'x0, x1, x2' : 'x0'})`).join(', ')}}[a.f]()).entropy()`,
  gen: (r) => {
    const f = r.pick(DIGAMMA_FAMS);
    const s = r.shape(0, 2, 3, false);
    const n = { Gamma: 2, Beta: 2, StudentT: 3, Chi2: 1, Dirichlet: 1 }[f];
    const ins = [];
    for (let i = 0; i < n; i++) ins.push(tensorOf(r, 'float64', f === 'Dirichlet' ? [...s, r.int(1, 4)] : suffixOf(r, s), f === 'StudentT' && i === 1 ? 'real' : 'pos', 0));
    return { ins, a: { f } };
  },
  fl: (fl, xs, a) => new fl.distributions[a.f](...xs).entropy(),
  tol: 16, gradTol: TRIGAMMA_GRAD_TOL,
});
add({
  name: 'dist.kl-f64',
  py: `torch.distributions.kl_divergence(*{${DIGAMMA_FAMS.filter((f) => f !== 'StudentT').map((f) => `'${f}': lambda: (${klCtor(f, KL_FAMILIES[f][1], 0)}, ${klCtor(f, KL_FAMILIES[f][1], KL_FAMILIES[f][0].length)})`).join(', ')}}[a.f]())`,
  gen: (r) => {
    const f = r.pick(DIGAMMA_FAMS.filter((x) => x !== 'StudentT'));
    const [kinds, form] = KL_FAMILIES[f];
    const s = r.shape(0, 2, 3, false);
    const K = r.int(1, 4);
    const ins = [];
    for (let side = 0; side < 2; side++) for (const kind of kinds) ins.push(tensorOf(r, 'float64', form === 'event' ? [...suffixOf(r, s), K] : suffixOf(r, s), kind, 0));
    return { ins, a: { f } };
  },
  fl: (fl, xs, a) => {
    const k = KL_FAMILIES[a.f][0].length;
    return fl.distributions.klDivergence(new fl.distributions[a.f](...xs.slice(0, k)), new fl.distributions[a.f](...xs.slice(k)));
  },
  tol: 16, gradTol: TRIGAMMA_GRAD_TOL, absScale: klScale,
});
add({
  name: 'dist.kl-mvn',
  py: "torch.distributions.kl_divergence(torch.distributions.MultivariateNormal(x0, scale_tril=x1), torch.distributions.MultivariateNormal(x2, **{a.w: (x3 if a.w == 'scale_tril' else x3 @ x3.transpose(-1, -2))}))",
  gen: (r) => {
    const n = r.int(1, 3);
    const s = r.shape(0, 2, 3, false);
    const dt = 'float64';
    return {
      ins: [tensorOf(r, dt, [...suffixOf(r, s), n], 'real'), trilOf(r, dt, [...suffixOf(r, s), n, n], 0), tensorOf(r, dt, [...suffixOf(r, s), n], 'real'), trilOf(r, dt, [...suffixOf(r, s), n, n], 0)],
      a: { w: r.pick(['scale_tril', 'covariance_matrix']) },
    };
  },
  fl: (fl, [l0, L0, l1, L1], a) => {
    const D = fl.distributions;
    const q = a.w === 'scale_tril' ? new D.MultivariateNormal(l1, { scaleTril: L1 }) : new D.MultivariateNormal(l1, { covarianceMatrix: fl.matmul(L1, L1.transpose(-1, -2)) });
    return D.klDivergence(new D.MultivariateNormal(l0, { scaleTril: L0 }), q);
  },
  tol: 64,
});

module.exports = { SPECS: specs };
