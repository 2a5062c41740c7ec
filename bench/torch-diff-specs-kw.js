// torch-diff-specs-kw.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js) for
// torch's keyword arguments passed as flintml's trailing options object: sort/argsort/topk/kthvalue,
// cumsum/cumprod/softmax/logSoftmax (dim, dtype), cummax/cummin/logcumsumexp (dim), gelu
// (approximate), clamp/clip/clamp_ (min, max), cat/stack/split/chunk (dim) and flatten (startDim, endDim), each as function or Tensor method. `dtype` only widens
// (a float64 input narrowed to float32 gives float32-rounded gradients on both sides, compared at float64's tolerance).
'use strict';

const F = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);
const shapeOf = (r) => r.shape(1, 3, 5);

add({ name: 'kw.sort', py: 'x0.sort(dim=a.d, descending=a.desc)', gen: (r) => { const s = shapeOf(r); return { ins: [r.tensor(r.pick(F), s, 'cont')], a: { d: r.dim(s.length), desc: r.bool() } }; }, fl: (fl, [x], a) => x.sort({ dim: a.d, descending: a.desc }) });
add({ name: 'kw.argsort', grad: false, py: 'torch.argsort(x0, dim=a.d, descending=a.desc)', gen: (r) => { const s = shapeOf(r); return { ins: [r.tensor(r.pick(F), s, 'cont')], a: { d: r.dim(s.length), desc: r.bool() } }; }, fl: (fl, [x], a) => fl.argsort(x, { dim: a.d, descending: a.desc }) });
add({ name: 'kw.topk', py: 'torch.topk(x0, a.k, dim=a.d, largest=a.l)', gen: (r) => { const s = shapeOf(r); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; return { ins: [r.tensor(r.pick(F), s, 'cont')], a: { k: r.int(0, n), d, l: r.bool() } }; }, fl: (fl, [x], a) => fl.topk(x, a.k, { dim: a.d, largest: a.l }) });
add({ name: 'kw.kthvalue', py: 'torch.kthvalue(x0, a.k, dim=a.d, keepdim=a.kd)', gen: (r) => { const s = shapeOf(r); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; return { ins: [r.tensor(r.pick(F), s, 'cont')], a: { k: r.int(1, n), d, kd: r.bool() } }; }, fl: (fl, [x], a) => x.kthvalue(a.k, { dim: a.d, keepdim: a.kd }) });
for (const [name, tname] of [['cumsum', 'cumsum'], ['cumprod', 'cumprod'], ['softmax', 'softmax'], ['logSoftmax', 'log_softmax']]) {
  // torch 1.13's cumprod backward with a widening dtype fails on a zero input (masked_scatter's dtypes), as in cumprod-dtype
  add({ name: `kw.${name}`, grad: name !== 'cumprod', py: `x0.${tname}(dim=a.d, dtype=getattr(torch, a.dt))`, gen: (r) => { const s = r.shape(1, 3); const dt = r.pick(F); return { ins: [r.tensor(dt, s, 'grid', -2, 2)], a: { d: r.dim(s.length), dt: dt === 'float32' ? r.pick(F) : dt } }; }, fl: (fl, [x], a) => x[name]({ dim: a.d, dtype: a.dt }), tol: 8 });
}
for (const name of ['cummax', 'cummin']) {
  add({ name: `kw.${name}`, py: `torch.${name}(x0, dim=a.d)`, gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(F), s, 'cont')], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl[name](x, { dim: a.d }) });
}
add({ name: 'kw.logcumsumexp', py: 'x0.logcumsumexp(dim=a.d)', gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(F), s, 'grid')], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => x.logcumsumexp({ dim: a.d }), tol: 4 });
add({ name: 'kw.gelu', py: 'F.gelu(x0, approximate=a.ap)', gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'cont')], a: { ap: r.pick(['none', 'tanh']) } }), fl: (fl, [x], a) => fl.nn.functional.gelu(x, { approximate: a.ap }), tol: 4 });
add({ name: 'kw.clamp', py: 'x0.clamp(**({} if a.lo is None else {"min": a.lo}), **({} if a.hi is None else {"max": a.hi}))', gen: (r) => { const lo = r.pick([null, -1, 0, 0.5]); const hi = r.pick(lo === null ? [1, 2.5] : [null, 1, 2.5]); return { ins: [r.tensor(r.pick(F), r.shape(0, 3), 'special')], a: { lo, hi } }; }, fl: (fl, [x], a) => x.clamp({ ...(a.lo === null ? {} : { min: a.lo }), ...(a.hi === null ? {} : { max: a.hi }) }) });
add({ name: 'kw.clip', py: 'torch.clip(x0, max=a.hi)', gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'special')], a: { hi: r.pick([-1, 0.5, 2]) } }), fl: (fl, [x], a) => fl.clip(x, { max: a.hi }) });
add({ name: 'kw.clamp_', grad: false, py: 'x0.clone().clamp_(min=a.lo)', gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 3), 'special')], a: { lo: r.pick([-1, 0, 0.5]) } }), fl: (fl, [x], a) => x.clone().clamp_({ min: a.lo }) });
add({ name: 'kw.cat', py: 'torch.cat(xs, dim=a.d)', gen: (r) => { const s = r.shape(1, 3); const d = r.dim(s.length); const ins = []; for (let k = r.int(1, 3); k > 0; k--) { const t = s.slice(); t[d < 0 ? d + s.length : d] = r.int(0, 3); ins.push(r.tensor(r.pick(F), t)); } return { ins, a: { d } }; }, fl: (fl, xs, a) => fl.cat(xs, { dim: a.d }) });
add({ name: 'kw.stack', py: 'torch.stack(xs, dim=a.d)', gen: (r) => { const s = r.shape(0, 3); const dt = r.pick(F); const ins = []; for (let k = r.int(1, 3); k > 0; k--) ins.push(r.tensor(dt, s)); return { ins, a: { d: r.dim(s.length + 1) } }; }, fl: (fl, xs, a) => fl.stack(xs, { dim: a.d }) });
add({ name: 'kw.flatten', py: 'torch.flatten(x0, start_dim=a.s, end_dim=a.e)', gen: (r) => { const sh = r.shape(1, 4); const n = sh.length; let [s, e] = [r.int(0, n - 1), r.int(0, n - 1)]; if (s > e) [s, e] = [e, s]; return { ins: [r.tensor(r.pick(F), sh)], a: { s, e: r.bool() ? e - n : e } }; }, fl: (fl, [x], a) => x.flatten({ startDim: a.s, endDim: a.e }) });
add({ name: 'kw.split', py: 'torch.split(x0, a.k, dim=a.d)', gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(F), s)], a: { k: r.int(1, 3), d: r.dim(s.length) } }; }, fl: (fl, [x], a) => fl.split(x, a.k, { dim: a.d }) });
add({ name: 'kw.chunk', py: 'x0.chunk(a.k, dim=a.d)', gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(F), s)], a: { k: r.int(1, 4), d: r.dim(s.length) } }; }, fl: (fl, [x], a) => x.chunk(a.k, { dim: a.d }) });

module.exports = { SPECS: specs };
