// torch-diff-specs-kw.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js) for
// torch's keyword arguments passed as flintml's trailing options object: sort/argsort/topk/kthvalue,
// cumsum/cumprod/softmax/logSoftmax (dim, dtype), cummax/cummin/logcumsumexp (dim), gelu
// (approximate), clamp/clip/clamp_ (min, max), cat/stack/split/chunk (dim) and flatten (startDim, endDim), each as function or Tensor method;
// then the second batch (see below). `dtype` only widens
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

// ---- the second batch: views and shapes, the index ops, tril/triu/flip/roll/rot90, the diagonals, median/nanmedian/mode,
// renorm/dist/pdist, div's rounding_mode, masked_fill/index_fill, leaky_relu's negative_slope, lerp/logit/count_nonzero.
// Where bench/torch-diff-specs-shapes.js or -misc.js already generates the inputs (and knows torch's documented
// differences), the keyword form reuses that spec's gen/known/tol and only changes the call on both sides.
const ALL = ['float32', 'float64', 'int32'];
const from = (file, name) => { const b = require(file).SPECS.find((x) => x.name === name); if (!b) throw new Error(`torch-diff-specs-kw: no spec ${name} in ${file}`); return b; };
const kw = (base, name, py, fl) => add({ ...base, name: `kw.${name}`, py, fl });
const ordJs = (v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const idxDim = (r, s) => { const d = r.dim(s.length); return [d, d < 0 ? d + s.length : d]; };
add({ name: 'kw.squeeze', py: 'torch.squeeze(x0, dim=a.d)', gen: (r) => { const s = r.shape(1, 4); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => x.squeeze({ dim: a.d }) });
add({ name: 'kw.unsqueeze', py: 'torch.unsqueeze(x0, dim=a.d)', gen: (r) => { const s = r.shape(0, 3); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.dim(s.length + 1) } }; }, fl: (fl, [x], a) => fl.unsqueeze(x, { dim: a.d }) });
add({ name: 'kw.transpose', py: 'torch.transpose(x0, dim0=a.d0, dim1=a.d1)', gen: (r) => { const s = r.shape(1, 4); return { ins: [r.tensor(r.pick(ALL), s)], a: { d0: r.dim(s.length), d1: r.dim(s.length), m: r.bool() } }; }, fl: (fl, [x], a) => (a.m ? x.transpose(a.d0, { dim1: a.d1 }) : fl.transpose(x, { dim0: a.d0, dim1: a.d1 })) });
add({ name: 'kw.narrow', py: 'torch.narrow(x0, dim=a.d, start=a.st, length=a.len)', gen: (r) => { const s = r.shape(1, 3, 5); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; const st = r.int(-n, n); return { ins: [r.tensor(r.pick(ALL), s)], a: { d, st, len: r.int(0, Math.max(0, n - (st < 0 ? st + n : st))) } }; }, fl: (fl, [x], a) => fl.narrow(x, { dim: a.d, start: a.st, length: a.len }) });
add({ name: 'kw.select', py: 'torch.select(x0, dim=a.d, index=a.i)', gen: (r) => { const s = r.shape(1, 3, 5); const d = r.dim(s.length); const n = s[d < 0 ? d + s.length : d]; return { ins: [r.tensor(r.pick(ALL), s)], a: { d, i: r.int(-n, Math.max(n - 1, 0)) } }; }, fl: (fl, [x], a) => x.select({ dim: a.d, index: a.i }) });
add({ name: 'kw.diagonal', py: 'torch.diagonal(x0, offset=a.o, dim1=a.d1, dim2=a.d2)', gen: (r) => { const s = r.shape(2, 4); const d1 = r.dim(s.length); let d2 = r.dim(s.length); if ((d1 + s.length) % s.length === (d2 + s.length) % s.length) d2 = ((d1 + s.length) % s.length + 1) % s.length; return { ins: [r.tensor(r.pick(ALL), s)], a: { o: r.int(-2, 2), d1, d2 } }; }, fl: (fl, [x], a) => x.diagonal({ offset: a.o, dim1: a.d1, dim2: a.d2 }) });
add({ name: 'kw.unbind', py: 'torch.unbind(x0, dim=a.d)', gen: (r) => { const s = r.shape(1, 3); return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.dim(s.length) } }; }, fl: (fl, [x], a) => x.unbind({ dim: a.d }) });
add({ name: 'kw.roll', py: '(torch.roll(x0, shifts=a.s) if a.d is None else torch.roll(x0, shifts=a.s, dims=a.d))', gen: (r) => { const s = r.shape(1, 3); const d = r.bool(0.3) ? null : r.dim(s.length); return { ins: [r.tensor(r.pick(ALL), s)], a: { s: r.int(-7, 7), d } }; }, fl: (fl, [x], a) => (a.d === null ? fl.roll(x, { shifts: a.s }) : x.roll(a.s, { dims: a.d })) });
add({ name: 'kw.flip', py: 'torch.flip(x0, dims=a.d)', gen: (r) => { const s = r.shape(1, 3); const d = []; for (let k = 0; k < s.length; k++) if (r.bool()) d.push(r.bool() ? k - s.length : k); return { ins: [r.tensor(r.pick(ALL), s)], a: { d, m: r.bool() } }; }, fl: (fl, [x], a) => (a.m ? x.flip({ dims: a.d }) : fl.flip(x, { dims: a.d })) });
for (const name of ['triu', 'tril']) {
  add({ name: `kw.${name}`, py: `torch.${name}(x0, diagonal=a.o)`, gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(2, 3, 5))], a: { o: r.int(-3, 3), m: r.bool() } }), fl: (fl, [x], a) => (a.m ? x[name]({ diagonal: a.o }) : fl[name](x, { diagonal: a.o })) });
}
add({ name: 'kw.gather', py: 'torch.gather(x0, dim=a.d, index=x1)', gen: (r) => { const s = r.shape(1, 3, 4); const [d, dd] = idxDim(r, s); const t = s.map((n, k) => (k === dd ? r.int(0, 4) : r.int(Math.min(n, 1), n))); return { ins: [r.tensor(r.pick(ALL), s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0))], a: { d } }; }, fl: (fl, [x, i], a) => fl.gather(x, { dim: a.d, index: i }) });
add({ name: 'kw.scatter', py: 'torch.scatter(x0, dim=a.d, index=x1, src=x2)', gen: (r) => { const s = r.shape(1, 3, 4); const [d, dd] = idxDim(r, s); const t = s.map((n, k) => (k === dd ? Math.min(n, r.int(0, 1)) : r.int(Math.min(n, 1), n))); const dt = r.pick(ALL); return { ins: [r.tensor(dt, s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0)), r.tensor(dt, t)], a: { d } }; }, fl: (fl, [x, i, src], a) => x.scatter(a.d, { index: i, src }) });
add({ name: 'kw.scatter-value', py: 'x0.scatter(a.d, x1, value=a.v)', gen: (r) => { const s = r.shape(1, 3, 4); const [d, dd] = idxDim(r, s); const t = s.map((n, k) => (k === dd ? r.int(0, 3) : r.int(Math.min(n, 1), n))); return { ins: [r.tensor(r.pick(['float32', 'float64']), s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0))], a: { d, v: r.pick([0, 1.5, -2]) } }; }, fl: (fl, [x, i], a) => fl.scatter(x, a.d, i, { value: a.v }) });
add({ name: 'kw.scatterAdd', py: 'torch.scatter_add(x0, dim=a.d, index=x1, src=x2)', gen: (r) => { const s = r.shape(1, 3, 4); const [d, dd] = idxDim(r, s); const t = s.map((n, k) => (k === dd ? r.int(0, 5) : r.int(Math.min(n, 1), n))); const dt = r.pick(['float32', 'float64']); return { ins: [r.tensor(dt, s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0)), r.tensor(dt, t)], a: { d } }; }, fl: (fl, [x, i, src], a) => fl.scatterAdd(x, { dim: a.d, index: i, src }), tol: 4 });
add({ name: 'kw.indexSelect', py: 'torch.index_select(x0, dim=a.d, index=x1)', gen: (r) => { const s = r.shape(1, 3, 4); const [d, dd] = idxDim(r, s); return { ins: [r.tensor(r.pick(ALL), s), r.tensor('int32', [r.int(0, 5)], 'index', 0, Math.max(s[dd] - 1, 0))], a: { d } }; }, fl: (fl, [x, i], a) => x.indexSelect({ dim: a.d, index: i }) });
add({ name: 'kw.takeAlongDim', py: 'torch.take_along_dim(x0, indices=x1, dim=a.d)', gen: (r) => { const s = r.shape(1, 3, 4); const [d, dd] = idxDim(r, s); const t = s.map((n, k) => (k === dd ? r.int(0, 4) : r.pick([n, 1]))); return { ins: [r.tensor(r.pick(ALL), s), r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0))], a: { d } }; }, fl: (fl, [x, i], a) => fl.takeAlongDim(x, { indices: i, dim: a.d }) });
const SH = './torch-diff-specs-shapes', MI = './torch-diff-specs-misc', PW = './torch-diff-specs-pointwise';
kw(from(SH, 'diag'), 'diag', 'torch.diag(x0, diagonal=a.k)', (fl, [x], a) => fl.diag(x, { diagonal: a.k }));
kw(from(SH, 'diagEmbed'), 'diagEmbed', 'torch.diag_embed(x0, offset=a.o, dim1=a.d1, dim2=a.d2)', (fl, [x], a) => x.diagEmbed({ offset: a.o, dim1: a.d1, dim2: a.d2 }));
kw(from(SH, 'diagflat'), 'diagflat', 'torch.diagflat(x0, offset=a.o)', (fl, [x], a) => fl.diagflat(x, { offset: a.o }));
kw(from(SH, 'movedim'), 'movedim', 'torch.movedim(x0, source=a.s, destination=a.d)', (fl, [x], a) => fl.movedim(x, { source: a.s, destination: a.d }));
kw(from(SH, 'movedim'), 'moveaxis', 'torch.moveaxis(x0, source=a.s, destination=a.d)', (fl, [x], a) => x.moveaxis(a.s, { destination: a.d }));
kw(from(SH, 'movedim'), 'swapaxes', 'torch.swapaxes(x0, axis0=a.s, axis1=a.d)', (fl, [x], a) => fl.swapaxes(x, { axis0: a.s, axis1: a.d }));
kw(from(SH, 'movedim'), 'swapdims', 'torch.swapdims(x0, dim0=a.s, dim1=a.d)', (fl, [x], a) => x.swapdims({ dim0: a.s, dim1: a.d }));
kw(from(SH, 'unflatten'), 'unflatten', 'torch.unflatten(x0, dim=a.d, sizes=a.s)', (fl, [x], a) => fl.unflatten(x, { dim: a.d, sizes: a.s }));
kw(from(SH, 'take'), 'take', 'torch.take(x0, index=x1.long())', (fl, [x, i]) => fl.take(x, { index: i }));
kw(from(SH, 'indexFill'), 'indexFill', 'torch.index_fill(x0, dim=a.d, index=x1.long(), value=a.v)', (fl, [x, i], a) => x.indexFill(a.d, i, { value: a.v }));
kw(from(SH, 'indexCopy'), 'indexCopy', 'torch.index_copy(x0, dim=a.d, index=x1.long(), source=x2)', (fl, [x, i, s], a) => fl.indexCopy(x, { dim: a.d, index: i, source: s }));
kw(from(SH, 'rot90'), 'rot90', 'torch.rot90(x0, k=a.k, dims=[1, 0])', (fl, [x], a) => x.rot90({ k: a.k, dims: [1, 0] }));
// torch 1.13 documents indices_or_sections, but its parser takes only the overloads' names (sections= / indices=)
kw(from(SH, 'tensorSplit'), 'tensorSplit', 'list(torch.tensor_split(x0, **({"sections": a.s} if isinstance(a.s, int) else {"indices": a.s}), dim=a.d))', (fl, [x], a) => fl.tensorSplit(x, { indicesOrSections: a.s, dim: a.d }));
add({ name: 'kw.median', py: 'torch.median(x0, dim=a.d, keepdim=a.k)', gen: (r) => { const s = r.shape(1, 3, 5); return { ins: [r.tensor(r.pick(['float32', 'float64']), s, 'cont')], a: { d: r.dim(s.length), k: r.bool(), m: r.bool() } }; }, fl: (fl, [x], a) => (a.m ? x.median({ dim: a.d, keepdim: a.k }) : fl.median(x, a.d, { keepdim: a.k })) });
kw(from(MI, 'mode'), 'mode', 'torch.mode(x0, dim=a.d, keepdim=a.k)', (fl, [x], o) => (o.m ? x.mode({ dim: o.d, keepdim: o.k }) : fl.mode(x, o.d, { keepdim: o.k })));
kw(from(MI, 'nanmedian-dim'), 'nanmedian', 'torch.nanmedian(x0, dim=a.d, keepdim=a.k)', (fl, [x], o) => (o.m ? x.nanmedian({ dim: o.d, keepdim: o.k }) : fl.nanmedian(x, o.d, { keepdim: o.k })));
kw(from(MI, 'renorm'), 'renorm', 'torch.renorm(x0, p=float(a.p), dim=a.d, maxnorm=a.mx)', (fl, [x], o) => (o.m ? x.renorm(ordJs(o.p), { dim: o.d, maxnorm: o.mx }) : fl.renorm(x, { p: ordJs(o.p), dim: o.d, maxnorm: o.mx })));
kw(from(MI, 'dist'), 'dist', 'torch.dist(x0, other=x1, p=float(a.p))', (fl, [a, b], o) => (o.m ? a.dist(b, { p: ordJs(o.p) }) : fl.dist(a, { other: b, p: ordJs(o.p) })));
kw(from(MI, 'pdist'), 'pdist', 'F.pdist(x0, p=float(a.p))', (fl, [x], a) => fl.pdist(x, { p: ordJs(a.p) }));
kw(from(PW, 'lerp'), 'lerp', 'torch.lerp(x0, end=x1, weight=a.w)', (fl, [x, y], a) => fl.lerp(x, { end: y, weight: a.w }));
kw(from(PW, 'logit'), 'logit', 'torch.logit(x0, eps=a.eps)', (fl, [x], a) => x.logit({ eps: a.eps }));
kw(from(PW, 'countNonzero'), 'countNonzero', 'torch.count_nonzero(x0, dim=a.d)', (fl, [x], a) => fl.countNonzero(x, { dim: a.d }));
add({ name: 'kw.div', py: 'torch.div(x0, other=x1, rounding_mode=a.m)', gen: (r) => { const s = r.shape(0, 3); const d = r.pick(['float32', 'float64', 'int32']); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, s, 'grid')], a: { m: r.pick([null, 'floor', 'trunc']), t: r.bool() } }; }, fl: (fl, [a, b], o) => (o.t ? a.div(b, { roundingMode: o.m }) : fl.div(a, { other: b, roundingMode: o.m })) });
add({ name: 'kw.maskedFill', py: 'x0.masked_fill(mask=x1, value=a.s)', gen: (r) => { const s = r.shape(0, 3); const t = s.slice(r.int(0, s.length)); return { ins: [r.tensor(r.pick(['float32', 'float64', 'int32']), s), r.tensor('bool', t)], a: { s: r.pick([0, 1, -2.5]) } }; }, fl: (fl, [x, m], a) => x.maskedFill(m, { value: a.s }) });
add({ name: 'kw.leakyRelu', py: 'F.leaky_relu(x0, negative_slope=a.s)', gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), r.shape(0, 3))], a: { s: r.pick([0.01, 0.2, -1.5, 0]), m: r.bool() } }), fl: (fl, [x], a) => (a.m ? x.leakyRelu({ negativeSlope: a.s }) : fl.nn.functional.leakyRelu(x, { negativeSlope: a.s })) });

add({ name: 'kw.round', py: 'torch.round(x0, decimals=a.d)', gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), r.shape(0, 3), r.pick(['special', 'grid', 'cont']))], a: { d: r.pick([0, 1, 2, 3, -1, -2]), m: r.bool() } }), fl: (fl, [x], a) => (a.m ? x.round({ decimals: a.d }) : fl.round(x, { decimals: a.d })) });
add({ name: 'kw.divide', py: 'torch.divide(x0, other=x1, rounding_mode=a.m)', gen: (r) => { const s = r.shape(0, 3); const d = r.pick(['float32', 'float64', 'int32']); return { ins: [r.tensor(d, s, 'grid'), r.tensor(d, s, 'grid')], a: { m: r.pick([null, 'floor', 'trunc']), t: r.bool() } }; }, fl: (fl, [a, b], o) => (o.t ? a.divide(b, { roundingMode: o.m }) : fl.divide(a, { other: b, roundingMode: o.m })) });
add({ name: 'kw.subtract', py: 'torch.subtract(x0, other=x1, alpha=a.al)', gen: (r) => { const s = r.shape(0, 3); const d = r.pick(['float32', 'float64']); return { ins: [r.tensor(d, s), r.tensor(d, s)], a: { al: r.pick([1, 2, -0.5]), t: r.bool() } }; }, fl: (fl, [a, b], o) => (o.t ? a.subtract(b, { alpha: o.al }) : fl.subtract(a, { other: b, alpha: o.al })) });
module.exports = { SPECS: specs };
