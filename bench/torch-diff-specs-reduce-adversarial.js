// torch-diff-specs-reduce-adversarial.js — bench/torch-diff.js's adversarial specs for the selections and
// reductions whose index or value depends on where NaN and ±inf fall (the format of
// bench/torch-diff-specs.js): kthvalue, median/nanmedian along a dim, topk, sort/argsort, max/min and
// argmax/argmin along a dim, cummax/cummin, logsumexp at large magnitudes and quantile with ±inf.
//
// The main table draws these ops with distinct finite values (which index a tie gives is torch's
// implementation's choice) and so never meets a NaN or an infinity in a kthvalue, median or topk.
// Here each slice along the reduced dim holds distinct finite values (a shuffled grid) plus at most
// one NaN, one +inf and one -inf at random places, so that the answer (value and index) is unique
// and NaN's rank (torch: NaN sorts after +inf, max/min/median propagate it) is what is compared.
'use strict';

const specs = [];
const add = (s) => specs.push(s);
const F2 = ['float32', 'float64'];

/** A tensor whose slices along `d` are distinct finite values with at most one NaN, +inf and -inf each. */
function sliced(r, { big = false } = {}) {
  const nd = r.int(1, 3);
  const shape = [];
  for (let k = 0; k < nd; k++) shape.push(r.int(1, 4));
  const d = r.int(0, nd - 1);
  shape[d] = r.int(1, 7);
  const n = shape[d];
  const total = shape.reduce((a, b) => a * b, 1);
  const v = new Array(total);
  const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const outer = total / (n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      // distinct grid values (quarters in [-8, 8]), shuffled
      const pool = [];
      for (let k = -32; k <= 32; k++) pool.push(k / 4);
      const vals = [];
      for (let k = 0; k < n; k++) vals.push(pool.splice(r.int(0, pool.length - 1), 1)[0] * (big ? 1e30 : 1));
      for (const s of ['nan', 'inf', '-inf']) if (r.bool(0.35)) vals[r.int(0, n - 1)] = s;
      // (a special may overwrite another: still at most one of each)
      for (let k = 0; k < n; k++) v[(o * n + k) * inner + i] = vals[k];
    }
  }
  const layout = nd >= 2 && r.bool(0.3) ? 't' : 'c';
  return { t: { dtype: r.pick(F2), shape, v, layout }, d: r.bool() ? d - nd : d, n };
}

add({
  name: 'kthvalue-adversarial', py: 'torch.kthvalue(x0, a.k, a.d, keepdim=a.kd)',
  gen: (r) => { const { t, d, n } = sliced(r); return { ins: [t], a: { k: r.int(1, n), d, kd: r.bool() } }; },
  fl: (fl, [x], a) => fl.kthvalue(x, a.k, a.d, a.kd),
});
add({
  name: 'median-dim-adversarial', py: 'torch.median(x0, a.d, keepdim=a.kd)',
  gen: (r) => { const { t, d } = sliced(r); return { ins: [t], a: { d, kd: r.bool() } }; },
  fl: (fl, [x], a) => fl.median(x, a.d, a.kd),
});
add({
  name: 'nanmedian-dim-adversarial', py: 'torch.nanmedian(x0, a.d, keepdim=a.kd)',
  gen: (r) => { const { t, d } = sliced(r); return { ins: [t], a: { d, kd: r.bool() } }; },
  fl: (fl, [x], a) => fl.nanmedian(x, a.d, a.kd),
});
add({
  name: 'topk-adversarial', py: 'torch.topk(x0, a.k, a.d, largest=a.l, sorted=True)',
  gen: (r) => { const { t, d, n } = sliced(r); return { ins: [t], a: { k: r.int(0, n), d, l: r.bool() } }; },
  fl: (fl, [x], a) => fl.topk(x, a.k, a.d, a.l, true),
});
add({
  name: 'sort-adversarial', py: 'torch.sort(x0, a.d, a.desc)',
  gen: (r) => { const { t, d } = sliced(r); return { ins: [t], a: { d, desc: r.bool() } }; },
  fl: (fl, [x], a) => fl.sort(x, a.d, a.desc),
});
add({
  name: 'argsort-adversarial', py: 'torch.argsort(x0, a.d, a.desc)',
  gen: (r) => { const { t, d } = sliced(r); return { ins: [t], a: { d, desc: r.bool() } }; },
  fl: (fl, [x], a) => fl.argsort(x, a.d, a.desc),
});
for (const op of ['max', 'min']) {
  add({
    name: `${op}-dim-adversarial`, py: `torch.${op}(x0, a.d, a.kd)`,
    gen: (r) => { const { t, d } = sliced(r); return { ins: [t], a: { d, kd: r.bool() } }; },
    fl: (fl, [x], a) => fl[op](x, a.d, a.kd),
  });
  add({
    name: `arg${op}-adversarial`, py: `torch.arg${op}(x0, a.d, a.kd)`,
    gen: (r) => { const { t, d } = sliced(r); return { ins: [t], a: { d, kd: r.bool() } }; },
    fl: (fl, [x], a) => fl[`arg${op}`](x, a.d, a.kd),
  });
  add({
    name: `cum${op}-adversarial`, py: `torch.cum${op === 'max' ? 'max' : 'min'}(x0, a.d)`,
    gen: (r) => { const { t, d } = sliced(r); return { ins: [t], a: { d } }; },
    fl: (fl, [x], a) => fl[`cum${op}`](x, a.d),
  });
}
add({
  // magnitudes near float32's overflow (1e30 · 8 > e^69): logsumexp must shift by the max
  name: 'logsumexp-adversarial', py: 'torch.logsumexp(x0, a.d, a.kd)',
  gen: (r) => { const { t, d } = sliced(r, { big: r.bool() }); return { ins: [t], a: { d, kd: r.bool() } }; },
  fl: (fl, [x], a) => fl.logsumexp(x, a.d, a.kd), tol: 8,
});
// quantile with ±inf in a slice: torch's lerp switches to b − (b − a)(1 − w) for w ≥ 0.5, so an
// interpolation between -inf and a finite value is -inf there (flintml's a + w·(b − a) gave NaN until
// 2026-12-08: this form found it)
add({
  name: 'quantile-adversarial', py: 'torch.quantile(x0, a.q, a.d, a.kd, interpolation=a.m)',
  gen: (r) => { const { t, d } = sliced(r); return { ins: [t], a: { q: r.pick([0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1]), d, kd: r.bool(), m: r.pick(['linear', 'lower', 'higher', 'nearest', 'midpoint']) } }; },
  fl: (fl, [x], a) => fl.quantile(x, a.q, a.d, a.kd, { interpolation: a.m }),
});

module.exports = { SPECS: specs };
