// torch-diff-specs-distributions2.js — bench/torch-diff.js's specs for the second part of
// fl.distributions (the format of bench/torch-diff-specs.js): the families of transformed.ts and
// extra.ts (HalfCauchy, Pareto, Weibull, Kumaraswamy, LogisticNormal, FisherSnedecor,
// NegativeBinomial, ContinuousBernoulli), a TransformedDistribution of a chain, the transforms'
// call / inverse / logAbsDetJacobian, and klDivergence of the cross-family pairs (and of the new
// same-family ones). Parameters are broadcast (zero sizes, float32 and float64); now and then a
// parameter is invalid or a value is outside the support (both validate by default and must both
// refuse). Values and the gradients of the parameters and the value are compared; samples are not
// (test/distributions-more.test.ts checks their statistics).
'use strict';

const F = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);

/** A value of the kind: 'real', 'pos' (> 0), 'nonneg' (≥ 0), 'unit' (0, 1), 'count' (0..8 integers), 'logit'. */
function draw(r, kind) {
  switch (kind) {
    case 'real': return Math.round((r.u() * 6 - 3) * 1e4) / 1e4;
    case 'logit': return Math.round((r.u() * 8 - 4) * 1e4) / 1e4;
    case 'pos': return Math.round((0.1 + r.u() * 3.9) * 1e4) / 1e4;
    case 'big': return Math.round((0.5 + r.u() * 7.5) * 1e4) / 1e4;
    case 'nonneg': return r.bool(0.1) ? 0 : Math.round(r.u() * 4 * 1e4) / 1e4;
    case 'unit': return Math.round((0.02 + r.u() * 0.96) * 1e4) / 1e4;
    case 'count': return r.int(0, 8);
    default: throw new Error(`kind ${kind}`);
  }
}
/** A tensor spec of `shape` with values of `kind`; `bad` (a probability): one value made invalid. */
function tensorOf(r, dtype, shape, kind, bad = 0) {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = [];
  for (let i = 0; i < n; i++) v.push(draw(r, kind));
  if (n > 0 && r.bool(bad)) v[r.int(0, n - 1)] = kind === 'count' ? 1.5 : kind === 'unit' ? 1.25 : -0.5;
  return { dtype, shape, v, layout: shape.length >= 2 && r.bool(0.2) ? 't' : 'c' };
}
/** The broadcast of shapes (sizes of 1 stretch). */
function bshape(shapes) {
  const n = Math.max(0, ...shapes.map((x) => x.length)), out = [];
  for (let i = 0; i < n; i++) out.push(Math.max(...shapes.map((x) => x[x.length - n + i] ?? 1)));
  return out;
}
/** A shape that broadcasts to s: a suffix of it with some dims set to 1. */
const suffixOf = (r, s) => s.slice(r.int(0, s.length)).map((d) => (r.bool(0.25) ? 1 : d));

const METHOD_JS = { log_prob: 'logProb', cdf: 'cdf', icdf: 'icdf', entropy: 'entropy', mean: 'mean', mode: 'mode', variance: 'variance', stddev: 'stddev' };
/** torch's side: the method `a.m` of the distribution (the value is `value`). */
const pyCall = (ctor, value) => `(lambda d: getattr(d, a.m)(${value}) if a.m in ('log_prob', 'cdf', 'icdf') else (d.entropy() if a.m == 'entropy' else getattr(d, a.m)))(${ctor})`;
function flCall(d, m, value) {
  const name = METHOD_JS[m];
  if (m === 'log_prob' || m === 'cdf' || m === 'icdf') return d[name](value);
  return m === 'entropy' ? d.entropy() : d[name];
}

/**
 * The families: parameters (kind, positional or keyword), the value's kind, torch 1.13's methods.
 * `shift`: the value is drawn as an offset from parameter 0 (Pareto's support starts at scale).
 */
const FAMILIES = {
  HalfCauchy: { params: [['scale', 'pos']], value: 'nonneg', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance'] },
  Pareto: { params: [['scale', 'pos'], ['alpha', 'big']], value: 'nonneg', shift: true, methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance'] },
  Weibull: { params: [['scale', 'pos'], ['concentration', 'pos']], value: 'pos', methods: ['log_prob', 'cdf', 'icdf', 'entropy', 'mean', 'mode', 'variance'] },
  Kumaraswamy: { params: [['concentration1', 'pos'], ['concentration0', 'pos']], value: 'unit', methods: ['log_prob', 'entropy', 'mean', 'mode', 'variance'] },
  FisherSnedecor: { params: [['df1', 'big'], ['df2', 'big']], value: 'pos', methods: ['log_prob', 'mean', 'mode', 'variance'] },
  VonMises: { params: [['loc', 'real'], ['concentration', 'big']], value: 'real', methods: ['log_prob', 'mean', 'mode', 'variance'] },
};
// torch 1.13's Pareto / Weibull / Kumaraswamy of an empty batch: its TransformedDistribution builds
// fine, but Kumaraswamy.mode writes NaN through a mask (log_mode[...] = nan) of the batch shape,
// fine too; none known so far.
for (const [fam, f] of Object.entries(FAMILIES)) {
  const n = f.params.length;
  const ctor = `torch.distributions.${fam}(${f.params.map((_, i) => `x${i}`).join(', ')})`;
  const value = f.shift ? `(x${n} if a.m == 'icdf' else x0 + x${n})` : `x${n}`;
  add({
    name: `dist2.${fam}`, py: pyCall(ctor, value),
    gen: (r) => {
      const m = r.pick(f.methods);
      // digamma's gradient (trigamma) differs ~1e-9 relative in torch's CPU float64 (FIDELITY.md): entropy in float32
      const dt = m === 'entropy' && fam === 'Kumaraswamy' ? 'float32' : r.pick(F);
      const s = r.shape(0, 2, 3);
      const ins = f.params.map(([, kind]) => tensorOf(r, dt, suffixOf(r, s), kind, 0.03));
      const vs = r.bool(0.2) ? [r.int(1, 3), ...s] : r.bool(0.7) ? s.slice() : suffixOf(r, s);
      ins.push(tensorOf(r, dt, f.shift && m !== 'icdf' ? s : vs, m === 'icdf' ? 'unit' : f.value, m === 'icdf' ? 0 : 0.04));
      return { ins, a: { m } };
    },
    fl: (fl, xs, a) => {
      const d = new fl.distributions[fam](...xs.slice(0, n));
      const v = f.shift && a.m !== 'icdf' ? xs[0].add(xs[n]) : xs[n];
      return flCall(d, a.m, v);
    },
    tol: 16, absScale: () => 1,
  });
}

add({
  name: 'dist2.NegativeBinomial', py: pyCall('torch.distributions.NegativeBinomial(x0, **{a.pl: x1})', 'x2'),
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3);
    const m = r.pick(['log_prob', 'mean', 'mode', 'variance']);
    const pl = r.pick(['probs', 'logits']);
    const n = tensorOf(r, dt, suffixOf(r, s), r.bool(0.2) ? 'count' : 'pos', 0.03);
    const p = tensorOf(r, dt, suffixOf(r, s), pl === 'probs' ? 'unit' : 'logit', pl === 'probs' ? 0.03 : 0);
    return { ins: [n, p, tensorOf(r, dt, s, 'count', 0.04)], a: { m, pl } };
  },
  fl: (fl, [n, p, v], a) => flCall(new fl.distributions.NegativeBinomial(n, { [a.pl]: p }), a.m, v), tol: 16, absScale: () => 1,
});
/** ContinuousBernoulli's parameter: probs (now and then inside the unstable region around 0.5, torch's Taylor branch) or logits. */
function cbParam(r, dt, s, pl) {
  const p = tensorOf(r, dt, suffixOf(r, s), pl === 'probs' ? 'unit' : 'logit', 0);
  if (pl === 'probs' && p.v.length && r.bool(0.3)) p.v[r.int(0, p.v.length - 1)] = r.pick([0.4995, 0.5, 0.5008]);
  return p;
}
add({
  name: 'dist2.ContinuousBernoulli', py: pyCall('torch.distributions.ContinuousBernoulli(**{a.pl: x0})', 'x1'),
  gen: (r) => {
    const m = r.pick(['log_prob', 'cdf', 'icdf']);
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3);
    const pl = r.pick(['probs', 'logits']);
    const vs = r.bool(0.7) ? s.slice() : suffixOf(r, s);
    return { ins: [cbParam(r, dt, s, pl), tensorOf(r, dt, vs, 'unit', m === 'icdf' ? 0 : 0.04)], a: { m, pl } };
  },
  fl: (fl, [p, v], a) => flCall(new fl.distributions.ContinuousBernoulli({ [a.pl]: p }), a.m, v), tol: 16, absScale: () => 1,
});
// The moments and the entropy cancel two large terms near probs = 0.5 (just outside lims): the
// gradients of both libraries are limited by that cancellation (mpmath: d/dp variance at 0.5439 is
// -0.0058995101281288, flintml -0.0058995101285007, torch -0.0058995101289554), and in float32 they
// are rounding noise (torch float32 0.00476 vs float64 0.00691 at 0.4637): float64, gradTol 2e5 (~1e-9 relative).
add({
  name: 'dist2.ContinuousBernoulli-moments', py: pyCall('torch.distributions.ContinuousBernoulli(**{a.pl: x0})', 'None'),
  gen: (r) => {
    const m = r.pick(['entropy', 'mean', 'variance', 'stddev']);
    const pl = r.pick(['probs', 'logits']);
    return { ins: [cbParam(r, 'float64', r.shape(0, 2, 3), pl)], a: { m, pl } };
  },
  // values: the same cancellation, condition ~1/(p - 0.5)² near lims (0.4757: flintml 0.2886068606848256, torch 0.2886068606843824): an absolute floor of 1e3·eps
  fl: (fl, [p], a) => flCall(new fl.distributions.ContinuousBernoulli({ [a.pl]: p }), a.m, null), tol: 16, gradTol: 2e5, absScale: () => 1e3,
});
add({
  name: 'dist2.LogisticNormal', py: pyCall('torch.distributions.LogisticNormal(x0, x1)', 'x2'),
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3, false);
    const K = r.int(1, 4);
    // a point of the simplex of K + 1 (positive parts summing to 1)
    const rows = s.reduce((x, y) => x * y, 1), v = [];
    for (let i = 0; i < rows; i++) {
      const parts = Array.from({ length: K + 1 }, () => 1 + r.int(0, 6));
      const tot = parts.reduce((x, y) => x + y, 0);
      v.push(...parts.map((x) => x / tot));
    }
    return { ins: [tensorOf(r, dt, [...suffixOf(r, s), K], 'real'), tensorOf(r, dt, [...suffixOf(r, s), K], 'pos', 0.03), { dtype: dt, shape: [...s, K + 1], v, layout: 'c' }], a: { m: 'log_prob' } };
  },
  fl: (fl, [l, sc, v], a) => flCall(new fl.distributions.LogisticNormal(l, sc), a.m, v),
  // simplex check: torch's tolerance is 1e-6 on the sum; the parts are exact ratios, float32 rounds
  tol: 64, absScale: () => 1,
});
add({
  name: 'dist2.Transformed',
  py: 'torch.distributions.TransformedDistribution(torch.distributions.Normal(x0, x1), [torch.distributions.transforms.AffineTransform(x2, x3), torch.distributions.transforms.ExpTransform()] if a.chain == "affine-exp" else [torch.distributions.transforms.SigmoidTransform(), torch.distributions.transforms.AffineTransform(x2, x3)]).__getattribute__(a.m)(x4)',
  gen: (r) => {
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3);
    const chain = r.pick(['affine-exp', 'sigmoid-affine']);
    const m = r.pick(['log_prob', 'cdf', 'icdf']);
    const sc = tensorOf(r, dt, suffixOf(r, s), 'pos');
    if (r.bool(0.4)) sc.v = sc.v.map((x) => -x);   // a decreasing chain: the cdf flips
    // values: positive for exp's codomain; in (loc, loc + scale) for the sigmoid chain (drawn as unit, mapped below)
    const v = tensorOf(r, dt, s, m === 'icdf' || chain === 'sigmoid-affine' ? 'unit' : 'pos', 0);
    return { ins: [tensorOf(r, dt, suffixOf(r, s), 'real'), tensorOf(r, dt, suffixOf(r, s), 'pos'), tensorOf(r, dt, suffixOf(r, s), 'real'), sc, v], a: { m, chain } };
  },
  fl: (fl, [loc, scale, al, as, v], a) => {
    const D = fl.distributions, T = D.transforms;
    const ts = a.chain === 'affine-exp' ? [new T.AffineTransform(al, as), new T.ExpTransform()] : [new T.SigmoidTransform(), new T.AffineTransform(al, as)];
    return new D.TransformedDistribution(new D.Normal(loc, scale), ts)[METHOD_JS[a.m]](v);
  },
  tol: 16, absScale: () => 1,
});

add({
  name: 'dist2.LowRankMultivariateNormal', py: pyCall('torch.distributions.LowRankMultivariateNormal(x0, x1, x2)', 'x3'),
  gen: (r) => {
    const dt = 'float64';   // a Cholesky factor inside (the capacitance): float32's last bits differ between LAPACKs
    const n = r.int(1, 4), m = r.int(1, 3);
    const s = r.shape(0, 2, 3, false);
    const mth = r.pick(['log_prob', 'entropy', 'mean', 'mode', 'variance']);
    return { ins: [tensorOf(r, dt, [...suffixOf(r, s), n], 'real'), tensorOf(r, dt, [...suffixOf(r, s), n, m], 'real'), tensorOf(r, dt, [...suffixOf(r, s), n], 'pos', 0.03), tensorOf(r, dt, [...s, n], 'real')], a: { m: mth } };
  },
  fl: (fl, [l, W, Dg, v], a) => flCall(new fl.distributions.LowRankMultivariateNormal(l, W, Dg), a.m, v), tol: 64,
});
add({
  name: 'dist2.kl-lowrank',
  py: "(lambda p, q: torch.distributions.kl_divergence(p, q) if a.o == 'pq' else torch.distributions.kl_divergence(q, p))(torch.distributions.LowRankMultivariateNormal(x0, x1, x2), torch.distributions.LowRankMultivariateNormal(x3, x4, x5) if a.q == 'lowrank' else torch.distributions.MultivariateNormal(x3, covariance_matrix=x4 @ x4.transpose(-1, -2) + torch.diag_embed(x5)))",
  gen: (r) => {
    const dt = 'float64';
    const n = r.int(1, 3), m = r.int(1, 2);
    const s = r.shape(0, 2, 2, false);
    const q = r.pick(['lowrank', 'mvn']);
    const ins = [tensorOf(r, dt, [...suffixOf(r, s), n], 'real'), tensorOf(r, dt, [...suffixOf(r, s), n, m], 'real'), tensorOf(r, dt, [...suffixOf(r, s), n], 'pos'),
      tensorOf(r, dt, [...suffixOf(r, s), n], 'real'), tensorOf(r, dt, [...suffixOf(r, s), n, m], 'real'), tensorOf(r, dt, [...suffixOf(r, s), n], 'pos')];
    return { ins, a: { q, o: q === 'lowrank' ? 'pq' : r.pick(['pq', 'qp']) } };
  },
  fl: (fl, [l0, W0, D0, l1, W1, D1], a) => {
    const D = fl.distributions;
    const p = new D.LowRankMultivariateNormal(l0, W0, D0);
    const q = a.q === 'lowrank' ? new D.LowRankMultivariateNormal(l1, W1, D1)
      : new D.MultivariateNormal(l1, { covarianceMatrix: fl.matmul(W1, W1.transpose(-1, -2)).add(fl.diagEmbed(D1)) });
    return a.o === 'pq' ? D.klDivergence(p, q) : D.klDivergence(q, p);
  },
  tol: 64, absScale: () => 8,
  // torch 1.13's _kl_lowrankmultivariatenormal_multivariatenormal expands p's cov_diag to the batch
  // of q's scale_tril and p's cov_factor only: a RuntimeError when cov_diag's batch is larger
  known: (a, ins) => {
    if (a.q !== 'mvn' || a.o !== 'pq') return null;
    const b = (sh, k) => sh.slice(0, sh.length - k);
    const combined = bshape([b(ins[4].shape, 2), b(ins[5].shape, 1), b(ins[1].shape, 2)]);
    return JSON.stringify(bshape([combined, b(ins[2].shape, 1)])) !== JSON.stringify(combined)
      ? "klDivergence(LowRankMultivariateNormal, MultivariateNormal) with a covDiag of a larger batch than covFactor's and q's: torch 1.13 expands it to the smaller batch and fails, flintml broadcasts" : null;
  },
});

/** A lower-triangular [.., n, n] spec with a positive diagonal (now and then a negative one). */
function trilOf(r, dtype, shape, bad) {
  const n = shape[shape.length - 1], rows = shape.slice(0, -2).reduce((a, b) => a * b, 1), v = [];
  for (let b = 0; b < rows; b++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v.push(j > i ? 0 : j === i ? draw(r, 'pos') + 0.5 : draw(r, 'real') / 2);
  if (v.length && r.bool(bad)) v[0] = -1;
  return { dtype, shape, v, layout: 'c' };
}
/** A [.., K] spec of positive integers summing to n per row. */
function countsOf(r, dtype, shape, n) {
  const K = shape[shape.length - 1], rows = shape.slice(0, -1).reduce((a, b) => a * b, 1), v = [];
  for (let i = 0; i < rows; i++) { const c = new Array(K).fill(0); for (let j = 0; j < n; j++) c[r.int(0, K - 1)]++; v.push(...c); }
  return { dtype, shape, v, layout: 'c' };
}
add({
  name: 'dist2.Multinomial', py: pyCall('torch.distributions.Multinomial(a.n, **{a.pl: x0})', 'x1'),
  gen: (r) => {
    const m = r.pick(['log_prob', 'entropy', 'mean', 'variance']);
    const dt = r.pick(F);
    const s = r.shape(0, 2, 3, false);
    const K = r.int(1, 4), n = r.int(0, 6);
    const pl = r.pick(['probs', 'logits']);
    const v = countsOf(r, dt, [...s, K], n);
    if (v.v.length && r.bool(0.05)) v.v[0] = -1;
    return { ins: [tensorOf(r, dt, [...suffixOf(r, s), K], pl === 'probs' ? 'pos' : 'logit'), v], a: { m, pl, n } };
  },
  fl: (fl, [p, v], a) => flCall(new fl.distributions.Multinomial(a.n, { [a.pl]: p }), a.m, v), tol: 16, absScale: () => 8,
  // torch 1.13's Multinomial.entropy takes lgamma(n + 1) of torch.tensor(total_count), an int64
  // tensor: computed in float32 (the default dtype), ~1e-7 off in a float64 entropy (n = 6: torch
  // 0.8903521181312373, flintml 0.8903521954888127, log(720) in float64 vs float32); flintml uses the exact log(n!)
  known: (a, ins) => (a.m === 'entropy' && a.n >= 2 && ins[0].dtype === 'float64'
    ? "Multinomial.entropy in float64: torch 1.13 computes lgamma(total_count + 1) of an int64 tensor in float32 (~1e-7 off), flintml exactly" : null),
});
add({
  name: 'dist2.Relaxed',
  py: `(lambda d: d.log_prob(x2))({'RelaxedBernoulli': lambda: torch.distributions.RelaxedBernoulli(x0, **{a.pl: x1}), 'LogitRelaxedBernoulli': lambda: torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli(x0, **{a.pl: x1}), 'RelaxedOneHotCategorical': lambda: torch.distributions.RelaxedOneHotCategorical(x0, **{a.pl: x1}), 'ExpRelaxedCategorical': lambda: torch.distributions.relaxed_categorical.ExpRelaxedCategorical(x0, **{a.pl: x1})}[a.f]())`,
  gen: (r) => {
    const f = r.pick(['RelaxedBernoulli', 'LogitRelaxedBernoulli', 'RelaxedOneHotCategorical', 'ExpRelaxedCategorical']);
    const dt = r.pick(F);
    const cat = f.endsWith('Categorical');
    const s = r.shape(0, 2, 3, false);
    const K = r.int(1, 4);
    const pl = r.pick(['probs', 'logits']);
    const ev = cat ? [K] : [];
    const param = tensorOf(r, dt, [...suffixOf(r, s), ...ev], pl === 'probs' ? (cat ? 'pos' : 'unit') : 'logit', 0);
    let v;
    if (f === 'RelaxedOneHotCategorical') {
      const rows = s.reduce((a, b) => a * b, 1), vv = [];
      for (let i = 0; i < rows; i++) { const parts = Array.from({ length: K }, () => 1 + r.int(0, 5)); const tot = parts.reduce((a, b) => a + b, 0); vv.push(...parts.map((x) => x / tot)); }
      v = { dtype: dt, shape: [...s, K], v: vv, layout: 'c' };
    } else v = tensorOf(r, dt, [...s, ...ev], f === 'RelaxedBernoulli' ? 'unit' : 'real', 0);
    return { ins: [tensorOf(r, dt, [], 'pos'), param, v], a: { f, pl } };
  },
  fl: (fl, [t, p, v], a) => new fl.distributions[a.f](t, { [a.pl]: p }).logProb(v),
  // the simplex values are exact ratios, rounded in float32: torch's simplex check has 1e-6 slack, as flintml's
  tol: 32, absScale: () => 4,
});

add({
  name: 'dist2.LKJCholesky',
  py: 'torch.distributions.LKJCholesky(a.D, x0).log_prob(torch.distributions.transforms.CorrCholeskyTransform()(x1))',
  gen: (r) => {
    const dt = r.pick(F);
    const D = r.int(2, 4);
    const s = r.shape(0, 2, 3, false);
    return { ins: [tensorOf(r, dt, suffixOf(r, s), 'pos', 0.03), tensorOf(r, dt, [...s, (D * (D - 1)) / 2], 'real')], a: { D } };
  },
  fl: (fl, [c, x], a) => new fl.distributions.LKJCholesky(a.D, c).logProb(new fl.distributions.transforms.CorrCholeskyTransform().call(x)),
  tol: 32, absScale: () => 4,
});

add({
  name: 'dist2.Wishart',
  py: "(lambda d: getattr(d, a.m)(x2) if a.m == 'log_prob' else (d.entropy() if a.m == 'entropy' else getattr(d, a.m)))(torch.distributions.Wishart(x0, **{a.w: (x1 if a.w == 'scale_tril' else x1 @ x1.transpose(-1, -2))}))",
  gen: (r) => {
    const dt = 'float64';   // Cholesky factors and slogdet: float32's last bits differ between LAPACKs
    const p = r.int(1, 3);
    const s = r.shape(0, 2, 3, false);
    const m = r.pick(['log_prob', 'entropy', 'mean', 'mode', 'variance']);
    const w = r.pick(['scale_tril', 'covariance_matrix']);
    const df = tensorOf(r, dt, suffixOf(r, s), 'pos', 0.03);
    df.v = df.v.map((x) => (x < 0 ? x : x + p - 1));   // df > p - 1 (torch refuses the others always)
    // the value: a positive-definite matrix A·Aᵀ + I/2
    const rows = s.reduce((a, b) => a * b, 1), v = [];
    for (let b = 0; b < rows; b++) {
      const A = Array.from({ length: p * p }, () => draw(r, 'real') / 2);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
        let x = i === j ? 0.5 : 0;
        for (let k = 0; k < p; k++) x += A[i * p + k] * A[j * p + k];
        v.push(Math.round(x * 1e6) / 1e6);
      }
    }
    // symmetric after rounding (rounded the same way on both sides of the diagonal)
    return { ins: [df, trilOf(r, dt, [...suffixOf(r, s), p, p], 0.03), { dtype: dt, shape: [...s, p, p], v, layout: 'c' }], a: { m, w } };
  },
  fl: (fl, [df, L, v], a) => {
    const M = a.w === 'scale_tril' ? { scaleTril: L } : { covarianceMatrix: fl.matmul(L, L.transpose(-1, -2)) };
    return flCall(new fl.distributions.Wishart(df, M), a.m, v);
  },
  // the entropy's gradient in df is trigamma's: torch's CPU trigamma is ~1e-9 relative off (the first table's note): gradTol 2e5
  tol: 64, absScale: () => 8, gradTol: 2e5,
});

// ---- the transforms ------------------------------------------------------------------------------
const TRANSFORMS = {
  ExpTransform: ['torch.distributions.transforms.ExpTransform()', 'real'],
  PowerTransform: ['torch.distributions.transforms.PowerTransform(x1)', 'pos'],
  SigmoidTransform: ['torch.distributions.transforms.SigmoidTransform()', 'real'],
  SoftplusTransform: ['torch.distributions.transforms.SoftplusTransform()', 'real'],
  TanhTransform: ['torch.distributions.transforms.TanhTransform()', 'real'],
  AbsTransform: ['torch.distributions.transforms.AbsTransform()', 'real'],
  AffineTransform: ['torch.distributions.transforms.AffineTransform(x1, x2)', 'real'],
  StickBreakingTransform: ['torch.distributions.transforms.StickBreakingTransform()', 'real'],
  SoftmaxTransform: ['torch.distributions.transforms.SoftmaxTransform()', 'real'],
  LowerCholeskyTransform: ['torch.distributions.transforms.LowerCholeskyTransform()', 'real'],
  CorrCholeskyTransform: ['torch.distributions.transforms.CorrCholeskyTransform()', 'real'],
};
const TNAMES = Object.keys(TRANSFORMS);
add({
  name: 'dist2.transforms',
  py: `(lambda t: t(x0) if a.m == 'call' else (t.inv(t(x0)) if a.m == 'inv' else t.log_abs_det_jacobian(x0, t(x0))))({${TNAMES.map((n) => `'${n}': lambda: ${TRANSFORMS[n][0]}`).join(', ')}}[a.t]())`,
  gen: (r) => {
    const t = r.pick(TNAMES);
    const dt = r.pick(F);
    const vector = t === 'StickBreakingTransform' || t === 'SoftmaxTransform';
    const s = t === 'CorrCholeskyTransform' ? [...r.shape(0, 1, 3, false), r.pick([1, 3, 6])] : t === 'LowerCholeskyTransform' ? [...r.shape(0, 1, 3), (() => { const k = r.int(1, 3); return [k, k]; })()].flat() : vector ? [...r.shape(0, 1, 3, false), r.int(1, 4)] : r.shape(0, 2, 3);
    // no inverse or log-Jacobian where torch has none (Softmax, LowerCholesky, Abs's log-Jacobian)
    const ms = t === 'SoftmaxTransform' || t === 'LowerCholeskyTransform' ? ['call', 'inv'] : t === 'AbsTransform' ? ['call', 'inv'] : ['call', 'inv', 'logdet'];
    const ins = [tensorOf(r, dt, s, TRANSFORMS[t][1])];
    if (t === 'PowerTransform') ins.push(tensorOf(r, dt, suffixOf(r, s), 'pos'));
    if (t === 'AffineTransform') ins.push(tensorOf(r, dt, suffixOf(r, s), 'real'), tensorOf(r, dt, suffixOf(r, s), 'pos'));
    if (t === 'AffineTransform' && r.bool(0.3)) ins[2].v = ins[2].v.map((x) => -x);
    return { ins, a: { t, m: r.pick(ms) } };
  },
  fl: (fl, xs, a) => {
    const T = fl.distributions.transforms;
    const t = new T[a.t](...xs.slice(1));
    const y = t.call(xs[0]);
    return a.m === 'call' ? y : a.m === 'inv' ? t.inv.call(y) : t.logAbsDetJacobian(xs[0], y);
  },
  tol: 16, absScale: () => 1,
});

// ---- klDivergence of the cross-family pairs and the new same-family ones -------------------------------
const P_KINDS = {
  Normal: ['real', 'pos'], Laplace: ['real', 'pos'], Gumbel: ['real', 'pos'], Exponential: ['pos'], Gamma: ['pos', 'pos'],
  Beta: ['pos', 'pos'], Uniform: ['unit', 'unit'], Pareto: ['pos', 'big'], ContinuousBernoulli: ['unit'], Bernoulli: ['unit'], Poisson: ['pos'],
  Binomial: ['count', 'unit'],
};
const KL_PAIRS = [['Bernoulli', 'Poisson'], ['Beta', 'ContinuousBernoulli'], ['Beta', 'Pareto'], ['Beta', 'Exponential'], ['Beta', 'Gamma'], ['Beta', 'Normal'],
  ['Beta', 'Uniform'], ['ContinuousBernoulli', 'Exponential'], ['ContinuousBernoulli', 'Normal'], ['ContinuousBernoulli', 'Uniform'], ['ContinuousBernoulli', 'Pareto'],
  ['Exponential', 'Gamma'], ['Exponential', 'Gumbel'], ['Exponential', 'Normal'], ['Exponential', 'Uniform'], ['Exponential', 'Beta'], ['Gamma', 'Exponential'], ['Gamma', 'Gumbel'],
  ['Gamma', 'Normal'], ['Gamma', 'Uniform'], ['Gumbel', 'Normal'], ['Gumbel', 'Gamma'], ['Laplace', 'Normal'], ['Laplace', 'Uniform'], ['Normal', 'Gumbel'], ['Normal', 'Laplace'], ['Normal', 'Beta'],
  ['Pareto', 'Exponential'], ['Pareto', 'Gamma'], ['Pareto', 'Normal'], ['Pareto', 'Uniform'], ['Poisson', 'Bernoulli'], ['Poisson', 'Binomial'], ['Uniform', 'Beta'],
  ['Uniform', 'ContinuousBernoulli'], ['Uniform', 'Exponential'], ['Uniform', 'Gamma'], ['Uniform', 'Gumbel'], ['Uniform', 'Normal'], ['Uniform', 'Pareto'],
  ['Pareto', 'Pareto'], ['ContinuousBernoulli', 'ContinuousBernoulli'], ['HalfCauchy', 'HalfCauchy']];
P_KINDS.HalfCauchy = ['pos'];
// Uniform(low, low + width): its parameters drawn as (low, width)
const pyDist = (fam, i) => {
  if (fam === 'Uniform') return `torch.distributions.Uniform(x${i} - 0.5, x${i} - 0.5 + x${i + 1})`;
  if (fam === 'ContinuousBernoulli' || fam === 'Bernoulli') return `torch.distributions.${fam}(probs=x${i})`;
  return `torch.distributions.${fam}(${P_KINDS[fam].map((_, k) => `x${i + k}`).join(', ')})`;
};
const flDist = (fl, fam, xs) => {
  const D = fl.distributions;
  if (fam === 'Uniform') return new D.Uniform(xs[0].sub(0.5), xs[0].sub(0.5).add(xs[1]));
  if (fam === 'ContinuousBernoulli' || fam === 'Bernoulli') return new D[fam]({ probs: xs[0] });
  return new D[fam](...xs);
};
// torch 1.13 writes inf through masks of some parameters' shapes alone (`result[p.alpha <= 1] = inf`, …):
// an IndexError when the KL's broadcast batch shape is larger; flintml broadcasts (where()). The
// inputs each mask is made of, per pair (indices into the case's inputs):
const MASKED = {
  'Beta-Uniform': [2, 3], 'Pareto-Exponential': [0, 1], 'Pareto-Gamma': [0, 1], 'Pareto-Normal': [0, 1], 'Uniform-Beta': [0, 1],
  'Uniform-Exponential': [0, 1], 'Uniform-Gamma': [0, 1],
};
const KL_MASK = "klDivergence of a pair torch 1.13 masks with one side's shape (result[mask] = inf, e.g. _kl_uniform_beta): an IndexError when the batch shapes differ, flintml broadcasts";
function klMasked(a, ins) {
  const m = MASKED[a.pair];
  if (!m) return null;
  return JSON.stringify(bshape(m.map((i) => ins[i].shape))) !== JSON.stringify(bshape(ins.map((t) => t.shape))) ? KL_MASK : null;
}
// a digamma of a parameter in the KL (Beta, Gamma): compared in float32 (torch's CPU trigamma, FIDELITY.md)
const DIGAMMA_KL = new Set(['Beta', 'Gamma']);
add({
  name: 'dist2.kl',
  py: `torch.distributions.kl_divergence(*{${KL_PAIRS.map(([p, q]) => `'${p}-${q}': lambda: (${pyDist(p, 0)}, ${pyDist(q, P_KINDS[p].length)})`).join(', ')}}[a.pair]())`,
  gen: (r) => {
    const [p, q] = r.pick(KL_PAIRS);
    const dt = DIGAMMA_KL.has(p) || DIGAMMA_KL.has(q) ? 'float32' : r.pick(F);
    const s = r.shape(0, 2, 3, false);
    const ins = [];
    for (const fam of [p, q]) for (const kind of P_KINDS[fam]) ins.push(tensorOf(r, dt, suffixOf(r, s), kind, 0));
    return { ins, a: { pair: `${p}-${q}`, p, q } };
  },
  fl: (fl, xs, a) => {
    const k = P_KINDS[a.p].length;
    return fl.distributions.klDivergence(flDist(fl, a.p, xs.slice(0, k)), flDist(fl, a.q, xs.slice(k)));
  },
  tol: 16, absScale: (ins) => 8 * (1 + Math.max(0, ...ins.flatMap((t) => t.v.map((x) => Math.abs(Number(x)) || 0)))),
  known: klMasked,
});

module.exports = { SPECS: specs };
