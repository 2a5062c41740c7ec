// torch-diff-specs-index.js — bench/torch-diff.js's specs for Python-style indexing (x.index / fl.index),
// indexPut / indexPut_, the index-driven ops (scatter with a scalar, scatterAdd with repeated indices,
// gather, takeAlongDim, nonzero(asTuple), where(cond), flip, triu/tril on batches) and einsum (the
// format of bench/torch-diff-specs.js).
//
// Conventions here: an index is drawn as a list of items ({k: 'int' | 'slice' | 'none' | 'ell' |
// 'list' | 't', ...}); the flintml side turns it into index specs, the torch side into the exact
// Python subscript (x0[1:3, None, x1]), which the torch expression evaluates with eval(a.e). An
// index tensor is an input (int32 here, int64 in torch; bool for a mask) after x0, so the layouts of
// index tensors are drawn too. Negative and out-of-range indices and empty index tensors are drawn on
// purpose: both sides must refuse the out-of-range ones.
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const F3 = ['float32', 'float64', 'float32', 'float64', 'float16', 'bfloat16'];
const FI = [...F, 'int32', 'uint8'];
const ALL = [...FI, 'bool'];

const specs = [];
const add = (s) => specs.push(s);

const pyList = (v) => JSON.stringify(v).replace(/true/g, 'True').replace(/false/g, 'False');

/** An integer index into a dim of size n: in range mostly (negative half the time), out of range now and then. */
function intIx(r, n) {
  if (r.bool(0.06)) return r.pick([n, -n - 1, n + 2]);
  if (n === 0) return r.pick([0, -1]);
  const i = r.int(0, n - 1);
  return r.bool(0.4) ? i - n : i;
}
/** A slice string over a dim of size n (a negative step now and then: both sides refuse it). */
function sliceIx(r, n) {
  if (r.bool(0.03)) return r.pick(['::-1', '1::-2']);
  const b = () => (r.bool(0.4) ? '' : String(r.int(-n - 1, n + 1)));
  const st = r.pick(['', '', ':2', ':3', ':1']);
  return `${b()}:${b()}${st}`;
}
/** An int index tensor over a dim of size n, of shape `shape`: values in [-n, n-1], an out-of-range one now and then. */
function indexTensor(r, n, shape, oob = 0.05) {
  const t = r.tensor('int32', shape, 'int', n === 0 ? 0 : -n, Math.max(n - 1, 0));
  if (n === 0 || r.bool(oob)) t.v = t.v.map((x) => (r.bool(0.3) ? r.pick([n, -n - 1]) : x));
  return t;
}

/**
 * Index items for a tensor of shape s (the inputs they need are appended to `ins`): per dim an
 * integer, a slice, ':', an index tensor, a list or a mask over one or more dims; a None now and
 * then, an ellipsis at most once, sometimes fewer items than dims (and rarely one too many).
 */
function drawIndex(r, s, ins, { advanced = 0.45, ints = true } = {}) {
  const items = [];
  let d = 0;
  let ell = false;
  let bshape = null;  // a shared broadcast shape for the index tensors of this index, now and then
  const tshape = () => {
    if (bshape === null) bshape = r.bool(0.6) ? [r.int(0, 3)] : r.pick([[], [2, 1], [1, 3], [2, 2], [0]]);
    return r.bool(0.7) ? bshape.slice() : bshape.slice(r.int(0, bshape.length));
  };
  const stop = r.bool(0.25) ? r.int(0, s.length) : s.length;
  while (d < stop) {
    if (r.bool(0.1)) items.push({ k: 'none' });
    if (!ell && r.bool(0.12)) {
      ell = true;
      const cover = r.int(0, stop - d);
      items.push({ k: 'ell' });
      d += cover;
      continue;
    }
    const n = s[d];
    const p = r.u();
    if (p < advanced) {
      const q = r.u();
      if (q < 0.45) { items.push({ k: 't', i: ins.length }); ins.push(indexTensor(r, n, tshape())); d++; }
      else if (q < 0.7) {
        // a list of ints (or of booleans: a mask of this dim)
        if (r.bool(0.25)) { const v = []; for (let k = 0; k < n; k++) v.push(r.bool()); items.push({ k: 'list', v }); }
        else { const len = r.int(0, 3); const v = []; for (let k = 0; k < len; k++) v.push(intIx(r, n)); items.push({ k: 'list', v }); }
        d++;
      } else {
        // a bool mask over 1..2 dims (a 0-dim mask now and then: a new dim)
        const k = r.bool(0.08) ? 0 : Math.min(r.int(1, 2), stop - d);
        const ms = s.slice(d, d + k);
        if (r.bool(0.04) && ms.length) ms[0] += 1;  // a mask of the wrong size
        items.push({ k: 't', i: ins.length }); ins.push(r.tensor('bool', ms));
        d += k;
      }
    } else if (p < advanced + 0.2 && ints) { items.push({ k: 'int', v: intIx(r, n) }); d++; }
    else if (p < advanced + 0.4) { items.push({ k: 'slice', v: sliceIx(r, n) }); d++; }
    else { items.push({ k: 'slice', v: ':' }); d++; }
  }
  if (r.bool(0.1)) items.push({ k: 'none' });
  if (r.bool(0.03)) items.push({ k: 'int', v: 0 });  // one index too many
  return items;
}
/** The Python subscript of the items (without the brackets). */
function pyIndex(items) {
  const parts = items.map((it) => {
    switch (it.k) {
      case 'int': return String(it.v);
      case 'slice': return it.v;
      case 'none': return 'None';
      case 'ell': return '...';
      case 'list': return pyList(it.v);
      case 't': return `x${it.i}`;
      default: throw new Error(it.k);
    }
  });
  if (parts.length === 0) return '()';
  // a single list is a tuple of one list (x[[0, 2],]), the same index as x[[0, 2]]
  return parts.length === 1 ? `${parts[0]},` : parts.join(', ');
}
/** The flintml index specs of the items. */
function flIndex(items, xs) {
  return items.map((it) => {
    switch (it.k) {
      case 'int': case 'slice': case 'list': return it.v;
      case 'none': return null;
      case 'ell': return '...';
      case 't': return xs[it.i];
      default: throw new Error(it.k);
    }
  });
}

/** Python's slice length over n. */
function sliceLen(str, n) {
  const [a, b, c] = str.split(':').concat(['']).slice(0, 3);
  const step = c === '' ? 1 : Number(c);
  if (step <= 0) return 1;
  const norm = (v, dflt) => { if (v === '') return dflt; let k = Number(v); if (k < 0) k += n; return Math.min(Math.max(k, 0), n); };
  const lo = norm(a, 0), hi = norm(b, n);
  return hi > lo ? Math.ceil((hi - lo) / step) : 0;
}
/**
 * Whether an index tensor or list holds an out-of-range integer (advOob), and whether the result is
 * empty (a zero-size dim, an empty slice or index tensor, a mask with no true): torch 1.13 checks
 * the range of advanced indices only when the result has elements.
 */
function analyze(s, items, ins) {
  let consumed = 0;
  for (const it of items) if (it.k === 't' && ins[it.i].dtype === 'bool') consumed += ins[it.i].shape.length; else if (it.k !== 'none' && it.k !== 'ell') consumed++;
  let d = 0, empty = false, advOob = false;
  const rest = [];
  for (const it of items) {
    if (it.k === 'none') continue;
    if (it.k === 'ell') { for (let k = 0; k < s.length - consumed; k++) rest.push(s[d + k]); d += Math.max(s.length - consumed, 0); continue; }
    const n = s[d];
    if (it.k === 'slice') { if (sliceLen(it.v, n ?? 0) === 0) empty = true; d++; continue; }
    if (it.k === 'int') { d++; continue; }
    const t = it.k === 't' ? ins[it.i] : null;
    const bools = t ? t.dtype === 'bool' : it.v.some((v) => typeof v === 'boolean');
    const vals = t ? t.v : it.v;
    if (bools) { if (!vals.some((v) => v)) empty = true; d += t ? t.shape.length : 1; continue; }
    if (vals.length === 0) empty = true;
    if (vals.some((v) => v < -n || v >= n)) advOob = true;
    d++;
  }
  for (let k = d; k < s.length; k++) rest.push(s[k]);
  if (rest.some((n) => n === 0)) empty = true;
  return { empty, advOob };
}
const oobKnown = (a) => (a.advOob && a.empty ? 'an out-of-range advanced index where the result is empty: torch 1.13 checks the indices only when the result has elements; flintml always (IndexError)' : null);
/**
 * torch 1.13 counts a bool mask of k >= 2 dims as one dim for what comes after it (its applySlicing
 * advances one dim per tensor), so an integer, None or slice after such a mask goes to the wrong dim
 * (mostly "The shape of the mask ... does not match"); flintml follows NumPy (x[mask2d, -1] is
 * NumPy's shape). torch 2.x has the same code.
 */
function maskThenBasic(a, ins) {
  let seen = false;
  for (const it of a.it) {
    if (it.k === 't' && ins[it.i].dtype === 'bool' && ins[it.i].shape.length >= 2) seen = true;
    // (a 0-dim int index tensor is an integer to torch)
    else if (seen && (it.k === 'int' || it.k === 'none' || (it.k === 'slice' && it.v !== ':') || (it.k === 't' && ins[it.i].shape.length === 0))) return true;
  }
  return false;
}
const indexKnown = (a, ins) => oobKnown(a) || (maskThenBasic(a, ins) ? 'an integer, None or slice after a bool mask of 2+ dims: torch 1.13 applies it to the wrong dim (it counts the mask as one dim); flintml follows NumPy' : null);

// ---- x.index: Python's x[...] -------------------------------------------------------------------------
add({
  name: 'ix.index', py: 'eval(a.e)',
  gen: (r) => {
    const s = r.shape(0, 4, 4);
    const ins = [r.tensor(r.pick(ALL), s)];
    const items = drawIndex(r, s, ins);
    return { ins, a: { it: items, e: `x0[${pyIndex(items)}]`, ...analyze(s, items, ins) } };
  },
  fl: (fl, xs, a) => xs[0].index(...flIndex(a.it, xs)), known: indexKnown,
});
// two or three advanced indices apart or together (torch puts their dims first when a slice separates them)
add({
  name: 'ix.index-multi', py: 'eval(a.e)',
  gen: (r) => {
    const s = r.shape(2, 4, 4, false);
    const ins = [r.tensor(r.pick(F3), s)];
    const items = drawIndex(r, s, ins, { advanced: 0.7 });
    return { ins, a: { it: items, e: `x0[${pyIndex(items)}]`, ...analyze(s, items, ins) } };
  },
  fl: (fl, xs, a) => fl.index(xs[0], ...flIndex(a.it, xs)), known: indexKnown,
});

// ---- indexPut: torch.index_put (tensors only) and Python's x[...] = v (any index) --------------------------
/** Distinct integers from [0, n) (negative half the time), `len` of them (at most n). */
function distinct(r, n, len) {
  const all = [];
  for (let k = 0; k < n; k++) all.push(k);
  for (let k = all.length - 1; k > 0; k--) { const j = r.int(0, k); [all[k], all[j]] = [all[j], all[k]]; }
  return all.slice(0, Math.min(len, n)).map((k) => (r.bool(0.4) ? k - n : k));
}
/**
 * Index tensors (ins[1..]) for index_put over the first dims of s; without accumulate every indexed
 * position is distinct (torch leaves the order of repeated writes undefined): one tensor of distinct
 * values, or two as an outer product (rows [k, 1], cols [m]), or a mask.
 */
function putIndex(r, s, ins, acc) {
  const form = r.pick(s.length >= 2 ? ['one', 'two', 'mask', 'one2d'] : ['one', 'mask', 'one2d']);
  const items = [];
  if (form === 'mask') {
    const k = Math.min(r.int(1, 2), s.length);
    items.push({ k: 't', i: ins.length }); ins.push(r.tensor('bool', s.slice(0, k)));
  } else if (form === 'two') {
    const a = acc ? indexTensor(r, s[0], [r.int(0, 3), 1]) : { ...r.tensor('int32', [0, 1]), v: [] };
    if (!acc) { const v = distinct(r, s[0], r.int(0, 3)); a.shape = [v.length, 1]; a.v = v; a.layout = 'c'; }
    const b = acc ? indexTensor(r, s[1], [r.int(0, 3)]) : { ...r.tensor('int32', [0]), v: [] };
    if (!acc) { const v = distinct(r, s[1], r.int(0, 3)); b.shape = [v.length]; b.v = v; }
    items.push({ k: 't', i: ins.length }); ins.push(a);
    items.push({ k: 't', i: ins.length }); ins.push(b);
  } else {
    const t = acc ? indexTensor(r, s[0], form === 'one2d' ? [2, r.int(0, 3)] : [r.int(0, 5)]) : null;
    if (acc) { items.push({ k: 't', i: ins.length }); ins.push(t); }
    else {
      const v = distinct(r, s[0], form === 'one2d' ? 4 : r.int(0, 4));
      const sh = form === 'one2d' && v.length === 4 ? [2, 2] : [v.length];
      if (r.bool(0.05) && v.length) v[0] = s[0];  // out of range
      items.push({ k: 't', i: ins.length }); ins.push({ dtype: 'int32', shape: sh, v, layout: 'c' });
    }
  }
  return items;
}
/** The shape that x[items] has (index tensors at the front: they are adjacent, at dim 0). */
function indexedShape(s, items, ins) {
  let b = [];
  let used = 0;
  for (const it of items) {
    const t = ins[it.i];
    if (t.dtype === 'bool') { b = [t.v.filter((x) => x).length]; used += t.shape.length; }
    else {
      const sh = t.shape;
      const n = Math.max(b.length, sh.length);
      const out = [];
      for (let k = 0; k < n; k++) {
        const p = b[b.length - n + k] ?? 1, q = sh[sh.length - n + k] ?? 1;
        out.push(p === 1 ? q : p);
      }
      b = out;
      used++;
    }
  }
  return [...b, ...s.slice(used)];
}
/** A values tensor broadcastable to `shape` (a suffix, with 1s now and then) or a 0-dim one. */
function valuesFor(r, dt, shape) {
  if (r.bool(0.15)) return r.tensor(dt, []);
  const k = r.int(0, shape.length);
  const vs = shape.slice(k).map((n) => (r.bool(0.3) ? 1 : n));
  return r.tensor(dt, vs);
}
add({
  name: 'ix.indexPut', py: 'x0.index_put(tuple(xs[1:-1]), xs[-1], accumulate=a.acc)',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const dt = r.pick(ALL);
    const acc = r.bool();
    const ins = [r.tensor(dt, s)];
    const items = putIndex(r, s, ins, acc);
    ins.push(valuesFor(r, dt, indexedShape(s, items, ins)));
    return { ins, a: { acc, it: items, ...analyze(s, items, ins) } };
  },
  fl: (fl, xs, a) => fl.indexPut(xs[0], flIndex(a.it, xs), xs[xs.length - 1], { accumulate: a.acc }), known: oobKnown,
});
add({
  name: 'ix.indexPut-scalar', py: 'x0.index_put(tuple(xs[1:]), torch.tensor(a.v, dtype=x0.dtype), accumulate=a.acc)',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const dt = r.pick(ALL);
    const acc = r.bool();
    const ins = [r.tensor(dt, s)];
    const items = putIndex(r, s, ins, acc);
    return { ins, a: { acc, it: items, ...analyze(s, items, ins), v: dt === 'bool' ? r.pick([true, false]) : dt === 'uint8' || dt === 'int32' ? r.int(0, 7) : r.pick([0, 1.5, -2]) } };
  },
  fl: (fl, xs, a) => fl.indexPut(xs[0], flIndex(a.it, xs), a.v, { accumulate: a.acc }), known: oobKnown,
});
/**
 * Items for an assignment without repeated positions: int/slice/None items and at most one index
 * tensor (or list) of distinct values or a mask.
 */
function putItems(r, s, ins) {
    const items = [];
    let d = 0;
    let adv = false, adv2 = false;
    while (d < s.length && r.bool(0.85)) {
      if (r.bool(0.08)) items.push({ k: 'none' });
      const p = r.u();
      if (!adv && p < 0.45) {
        adv = true;
        if (r.bool(0.3)) { items.push({ k: 't', i: ins.length }); ins.push(r.tensor('bool', [s[d]])); }
        else if (r.bool(0.5)) { items.push({ k: 'list', v: distinct(r, s[d], r.int(0, 3)) }); }
        else { const v = distinct(r, s[d], r.int(0, 3)); items.push({ k: 't', i: ins.length }); ins.push({ dtype: 'int32', shape: [v.length], v, layout: 'c' }); }
      } else if (adv && !adv2 && p < 0.3) {
        // a second index tensor as a column [k, 1]: broadcast against the first (1-D), the pairs stay distinct
        adv2 = true;
        const v = distinct(r, s[d], r.int(0, 3));
        items.push({ k: 't', i: ins.length }); ins.push({ dtype: 'int32', shape: [v.length, 1], v, layout: 'c' });
      } else if (p < 0.65) items.push({ k: 'int', v: intIx(r, s[d]) });
      else if (p < 0.85) items.push({ k: 'slice', v: sliceIx(r, s[d]) });
      else items.push({ k: 'slice', v: ':' });
      d++;
    }
  return items;
}
// in place, through Python's assignment with any index (slices, integers, None, ...), with values of another dtype now and then
add({
  name: 'ix.indexPut_', grad: false, py: '(lambda y: (y.__setitem__(eval(a.e), xs[-1] if a.vt else a.v), y)[1])(x0.detach().clone())',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const dt = r.pick(ALL);
    const ins = [r.tensor(dt, s)];
    const items = putItems(r, s, ins);
    const vt = r.bool(0.7);
    const vdt = r.bool(0.75) ? dt : r.pick(ALL);
    // the values: a tensor of the indexed shape's suffix, or a number
    const shapeGuess = r.pick([[], [1], s.slice(-1), s.slice(-2)]);
    if (vt) ins.push(r.tensor(vdt, shapeGuess));
    const v = dt === 'bool' ? r.pick([true, false]) : dt === 'uint8' || dt === 'int32' ? r.int(0, 7) : r.pick([0, 1.5, -2]);
    // the subscript as Python parses it (slices included), through an object whose __getitem__ returns its key
    return { ins, a: { it: items, vt, mixed: vt && vdt !== dt && items.some((it) => it.k === 't' || it.k === 'list'), v, e: `(lambda I: I[${pyIndex(items)}])(type('I', (), {'__getitem__': lambda s, k: k})())` } };
  },
  fl: (fl, xs, a) => xs[0].detach().clone().indexPut_(flIndex(a.it, xs), a.vt ? xs[xs.length - 1] : a.v),
  // flintml casts the values to x's dtype (as torch's basic-index assignment and copy_ do); torch
  // 1.13's advanced assignment refuses another dtype ("Index put requires the source and destination dtypes match")
  known: (a) => (a.mixed ? "values of another dtype in an advanced-index assignment: flintml's indexPut_ casts them; torch 1.13's index_put_ refuses" : null),
});

// out of place with gradients (x and values), any index: torch through y = x0.clone(); y[...] = x1
add({
  name: 'ix.indexPut-setitem', py: '(lambda y: (y.__setitem__(eval(a.e), xs[-1]), y)[1])(x0.clone())',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const dt = r.pick(F3);
    const ins = [r.tensor(dt, s)];
    const items = putItems(r, s, ins);
    ins.push(r.tensor(dt, r.pick([[], [], [1], s.slice(-1)])));  // broadcast values
    return { ins, a: { it: items, e: `(lambda I: I[${pyIndex(items)}])(type('I', (), {'__getitem__': lambda s, k: k})())` } };
  },
  fl: (fl, xs, a) => fl.indexPut(xs[0], flIndex(a.it, xs), xs[xs.length - 1]),
  // fl.indexPut is torch.index_put: values with more dims than the indexed shape are refused there
  known: (a, ins) => (JSON.stringify(ins[ins.length - 1].shape) === '[1]' ? "values [1] for a 0-dim indexed shape: Python's assignment drops the leading 1 (as indexPut_ does), fl.indexPut refuses as torch.index_put does" : null),
});

// ---- scatter with a scalar, scatterAdd with repeated indices, gather, takeAlongDim --------------------------
/** An index for scatter/gather along d of x's shape s: no larger than s in the other dims (larger now and then: refused). */
function alongIndex(r, s, d, { oob = 0.04, maxAlong = 4 } = {}) {
  const t = s.map((n, k) => (k === d ? r.int(0, maxAlong) : r.int(0, n)));
  if (r.bool(0.04) && t.length > 1) { const k = (d + 1) % t.length; t[k] = s[k] + 1; }
  const idx = r.tensor('int32', t, 'index', 0, Math.max(s[d] - 1, 0));
  if (s[d] === 0 || r.bool(oob)) idx.v = idx.v.map((x) => (r.bool(0.3) ? r.pick([s[d], -1]) : x));
  return idx;
}
add({
  name: 'ix.scatter-scalar', py: 'x0.scatter(a.d, x1, a.v)',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const d = r.dim(s.length);
    const dt = r.pick(ALL);
    // repeated indices write the same scalar: no order question
    return { ins: [r.tensor(dt, s), alongIndex(r, s, d < 0 ? d + s.length : d)], a: { d, v: dt === 'bool' ? r.pick([true, false]) : dt === 'uint8' || dt === 'int32' ? r.int(0, 7) : r.pick([0, 1.5, -2]) } };
  },
  fl: (fl, [x, i], a) => fl.scatter(x, a.d, i, a.v),
});
add({
  name: 'ix.scatterAdd-dup', py: 'x0.scatter_add(a.d, x1, x2)',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const d = r.dim(s.length);
    const dd = d < 0 ? d + s.length : d;
    const dt = r.pick(FI);
    const idx = alongIndex(r, s, dd, { maxAlong: 6 });
    // duplicates on purpose: values from a small range
    idx.v = idx.v.map((x) => (x >= 0 && x < s[dd] && r.bool(0.5) ? 0 : x));
    // src larger than the index only for integer dtypes: torch 1.13's ScatterAddBackward0 returns a
    // gradient of the index's shape for src ("returned an invalid gradient ... expected shape compatible with")
    const src = idx.shape.map((n) => n + ((dt === 'int32' || dt === 'uint8') && r.bool(0.3) ? 1 : 0));
    return { ins: [r.tensor(dt, s), idx, r.tensor(dt, src)], a: { d } };
  },
  fl: (fl, [x, i, src], a) => x.scatterAdd(a.d, i, src), tol: 4,
});
add({
  name: 'ix.scatterAdd_', grad: false, py: 'x0.detach().clone().scatter_add_(a.d, x1, x2)',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const d = r.dim(s.length);
    const dd = d < 0 ? d + s.length : d;
    const dt = r.pick(FI);
    const idx = alongIndex(r, s, dd, { maxAlong: 6 });
    return { ins: [r.tensor(dt, s), idx, r.tensor(dt, idx.shape)], a: { d } };
  },
  fl: (fl, [x, i, src], a) => x.detach().clone().scatterAdd_(a.d, i, src), tol: 4,
});
add({
  name: 'ix.gather', py: 'torch.gather(x0, a.d, x1)',
  gen: (r) => {
    const s = r.shape(0, 3, 4);
    const d = s.length ? r.dim(s.length) : r.pick([0, -1]);
    const dd = d < 0 ? d + Math.max(s.length, 1) : d;
    const idx = s.length ? alongIndex(r, s, dd, { maxAlong: 5 }) : r.tensor('int32', r.pick([[], [], [1]]), 'index', 0, 0);
    return { ins: [r.tensor(r.pick(ALL), s), idx], a: { d } };
  },
  fl: (fl, [x, i], a) => fl.gather(x, a.d, i),
});
add({
  name: 'ix.takeAlongDim', py: '(torch.take_along_dim(x0, x1) if a.d is None else torch.take_along_dim(x0, x1, a.d))',
  gen: (r) => {
    const s = r.shape(0, 3, 4);
    const n = s.reduce((p, q) => p * q, 1);
    if (r.bool(0.6) || !s.length) {
      const idx = r.tensor('int32', r.shape(0, 2, 4), 'index', 0, Math.max(n - 1, 0));
      if (n === 0 || r.bool(0.05)) idx.v = idx.v.map((x) => (r.bool(0.3) ? r.pick([n, -1]) : x));
      return { ins: [r.tensor(r.pick(ALL), s), idx], a: { d: null } };
    }
    const d = r.dim(s.length);
    const dd = d < 0 ? d + s.length : d;
    const t = s.map((m, k) => (k === dd ? r.int(0, 4) : r.pick([m, 1, m])));
    const idx = r.tensor('int32', t, 'index', 0, Math.max(s[dd] - 1, 0));
    const xs = s.map((m) => (r.bool(0.2) ? 1 : m));
    return { ins: [r.tensor(r.pick(ALL), xs), idx], a: { d } };
  },
  fl: (fl, [x, i], a) => (a.d === null ? fl.takeAlongDim(x, i) : x.takeAlongDim(i, a.d)),
});
add({
  name: 'ix.indexSelect', py: 'torch.index_select(x0, a.d, x1)',
  gen: (r) => {
    const s = r.shape(0, 3, 4);
    const d = s.length ? r.dim(s.length) : 0;
    const n = s.length ? s[d < 0 ? d + s.length : d] : 1;
    // index_select takes no negative index (torch refuses it, flintml too): one now and then
    const idx = r.tensor('int32', r.pick([[r.int(0, 4)], [], [r.int(0, 4)]]), 'index', 0, Math.max(n - 1, 0));
    if (n === 0 || r.bool(0.08)) idx.v = idx.v.map((x) => (r.bool(0.3) ? r.pick([n, -1]) : x));
    return { ins: [r.tensor(r.pick(ALL), s), idx], a: { d } };
  },
  fl: (fl, [x, i], a) => fl.indexSelect(x, a.d, i),
  // (torch 1.13 even corrupts its heap on a 0-dim input with 4 indices: "malloc_consolidate(): invalid chunk size")
  known: (a, [x, i]) => (x.shape.length === 0 && i.v.length !== 1 ? 'index_select of a 0-dim input with other than one index: torch 1.13 returns the input (2 indices) or uninitialized memory (none); flintml refuses (IndexError)' : null),
});

// ---- nonzero(asTuple), where(cond), flip, triu/tril on batches --------------------------------------
add({ name: 'ix.nonzero-tuple', py: 'torch.nonzero(x0, as_tuple=True)', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 4), 'int', -1, 1)] }), fl: (fl, [x]) => x.nonzero({ asTuple: true }) });
add({ name: 'ix.where-cond', py: 'torch.where(x0)', gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(0, 3), r.pick(['int', 'special']), -1, 1)] }), fl: (fl, [x]) => fl.where(x) });
add({
  name: 'ix.flip', py: 'torch.flip(x0, a.d if isinstance(a.d, list) else [a.d])',  // torch wants a tuple; flintml takes a number too
  gen: (r) => {
    const s = r.shape(0, 4);
    const d = [];
    for (let k = 0; k < s.length; k++) if (r.bool()) d.push(r.bool() ? k - s.length : k);
    if (r.bool(0.05) && s.length) d.push(d.length ? d[0] : 0);  // a repeated dim
    if (r.bool(0.04)) d.push(s.length);  // out of range
    return { ins: [r.tensor(r.pick(ALL), s)], a: { d: r.bool(0.2) && d.length === 1 ? d[0] : d } };
  },
  fl: (fl, [x], a) => fl.flip(x, a.d),
});
for (const name of ['triu', 'tril']) {
  add({
    name: `ix.${name}`, py: `torch.${name}(x0, a.o)`,
    gen: (r) => ({ ins: [r.tensor(r.pick(ALL), r.shape(r.bool(0.1) ? 1 : 3, 5, 4))], a: { o: r.int(-4, 4) } }),
    fl: (fl, [x], a) => x[name](a.o),
    known: (a, [x]) => (x.shape.length < 2 && x.v.length === 0 ? `${name} of an empty 1-D tensor: torch 1.13 returns it (a non-empty one is refused); flintml refuses fewer than 2 dims (ShapeError)` : null),
  });
}

// ---- einsum --------------------------------------------------------------------------------------------
const EINSUM = [
  // [equation, shapes as letters (sizes drawn per letter), ellipsis dims (prefix of letters given)]
  'ij,jk->ik', 'bij,bjk->bik', 'ii->', 'ii->i', 'i,j->ij', 'ij->', 'ij->i', 'ij->j', 'ij->ji', 'ijk->kij',
  'ij,jk', 'ij,ij', 'i,i', 'ij', 'ji', 'ba', '...ij->...ji', '...ij,...jk->...ik', 'i...->...', '...i,...i->...',
  'iij->j', 'iji->j', 'ij,ij->ij', 'ij,ji->', 'ab,bc,cd->ad', 'i,i,i->i', 'ij,jk,kl', 'bn,anm,bm->ba',
  'i,j,k->ijk', 'ij,i->j', 'iii->i', 'aab,bc->ac', 'ij,kl->ijkl', 'b...,b...->b', '...,...->...', 'i->', ',->', 'i,->i',
];
/** Operand shapes for an equation (sizes per letter; '...' as 0..2 dims, broadcasting 1s now and then). */
function einsumShapes(r, eq) {
  const lhs = eq.split('->')[0].split(',');
  const size = {};
  const ell = r.shape(0, 2, 3, false);
  return lhs.map((t) => {
    const s = [];
    for (let i = 0; i < t.length;) {
      if (t.startsWith('...', i)) {
        const e = ell.slice(r.int(0, ell.length)).map((n) => (r.bool(0.2) ? 1 : n));
        s.push(...e);
        i += 3;
        continue;
      }
      const c = t[i];
      if (!(c in size)) size[c] = r.bool(0.04) ? 0 : r.int(1, 4);
      s.push(size[c]);
      i++;
    }
    if (r.bool(0.04) && s.length) s[r.int(0, s.length - 1)] += 1;  // a mismatch now and then
    return s;
  });
}
add({
  name: 'ix.einsum', py: 'torch.einsum(a.eq, *xs)',
  gen: (r) => {
    const eq = r.pick(EINSUM);
    const dt = r.pick(F3);
    const shapes = einsumShapes(r, eq);
    return { ins: shapes.map((s) => r.tensor(dt, s, 'grid')), a: { eq } };
  },
  fl: (fl, xs, a) => fl.einsum(a.eq, ...xs), tol: 8,
});
// the same with spaces, capitals, a list of operands and integer dtypes
add({
  name: 'ix.einsum-misc', py: 'torch.einsum(a.eq, xs)',
  gen: (r) => {
    const eq = r.pick(['ij,jk->ik', 'i j , j k -> i k', 'Ab,bC->AC', 'ii', 'ij,jk', '...j,j->...', 'bij,bjk->bik', 'ij->i']);
    const dt = r.pick(['int32', 'float32', 'float64', 'uint8', 'bool']);
    const shapes = einsumShapes(r, eq.replace(/ /g, ''));
    return { ins: shapes.map((s) => r.tensor(dt, s, 'int', -3, 3)), a: { eq } };
  },
  fl: (fl, xs, a) => fl.einsum(a.eq, xs), tol: 8,
  known: (a, ins) => (ins.some((t) => t.dtype === 'bool') && a.eq.includes(',')
    ? "einsum of bool operands: torch 1.13 has no bool bmm and refuses or accepts by its shapes (size-1 and empty dims skip bmm); flintml's matmul refuses bool"
    : ins.some((t) => t.dtype === 'uint8') && a.eq.includes(',') && ins.some((t) => t.shape.includes(1))
      ? 'uint8 einsum where a label broadcasts (size 1 against n): torch 1.13 first sums the other operand over it (promoting to int64); flintml contracts in uint8, as torch does without broadcasting' : null),
});

module.exports = { SPECS: specs };
