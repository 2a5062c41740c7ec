// torch-diff-specs-datautils.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js)
// for torch.utils.data's dataset utilities and samplers in fl.data: Subset, ConcatDataset,
// randomSplit, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler,
// BatchSampler, and the DataLoader's batchSampler, batchSize null (batch_size=None, with
// default_convert) and sampler objects.
//
// Every spec has `grad: false`. What is random cannot be compared value by value (another
// generator): those forms compare the sizes, the lengths, the structure, and the set of indices
// drawn where it is determined (a permutation covers every index once; a multiple of n draws
// without replacement covers each index equally; a zero weight is never drawn). The deterministic
// ones (Subset, ConcatDataset, BatchSampler, the batch lists) compare values. Refusals are drawn on
// purpose (bad lengths and fractions, sizes of 0, conflicting DataLoader options) and both sides
// must refuse. As in torch-diff-specs-data.js, the DataLoader's epoch is read synchronously through
// its `batches(epoch)` and its per-item conversion `convertItem` (private in TypeScript, what the
// iterator runs).
'use strict';

const specs = [];
const add = (s) => specs.push(s);
const GEN0 = 'generator=torch.Generator().manual_seed(0)';
const sortNum = (xs) => [...xs].sort((p, q) => p - q);

// ---- Subset -----------------------------------------------------------------------------------------
add({
  name: 'data.Subset',
  grad: false,
  gen: (r) => {
    const n = r.int(0, 6);
    // indices into the dataset: negative ones count from its end; now and then one out of range
    const idx = Array.from({ length: r.int(0, 5) }, () => (r.bool(0.1) ? r.pick([n, -n - 1, n + 2]) : n === 0 ? 0 : r.int(-n, n - 1)));
    const m = idx.length;
    const i = r.bool(0.1) ? r.pick([m, -m - 1]) : m === 0 ? 0 : r.int(-m, m - 1);
    return { ins: [r.tensor(r.pick(['float32', 'float64', 'int32']), [n, ...r.shape(0, 1, 3, false)])], a: { idx, i } };
  },
  py: '(lambda s: [len(s), list(s[a.i])])(torch.utils.data.Subset(torch.utils.data.TensorDataset(x0), a.idx))',
  fl: (fl, [x], a) => { const s = new fl.data.Subset(new fl.data.TensorDataset(x), a.idx); return [s.length, s.get(a.i)]; },
});

// A Subset through the DataLoader: the batches of its getBatch (the TensorDataset's gather)
add({
  name: 'data.Subset.DataLoader',
  grad: false,
  gen: (r) => {
    const n = r.int(1, 6);
    const idx = Array.from({ length: r.int(0, 7) }, () => r.int(-n, n - 1));
    return { ins: [r.tensor(r.pick(['float32', 'int32']), [n, ...r.shape(0, 1, 3, false)])], a: { idx, bs: r.int(1, 3), dl: r.bool() } };
  },
  py: '(lambda dl: [len(dl), [list(b) for b in dl]])(torch.utils.data.DataLoader(torch.utils.data.Subset(torch.utils.data.TensorDataset(x0), a.idx), batch_size=a.bs, drop_last=a.dl))',
  fl: (fl, [x], a) => {
    const s = new fl.data.Subset(new fl.data.TensorDataset(x), a.idx);
    const dl = new fl.data.DataLoader(s, { batchSize: a.bs, dropLast: a.dl });
    return [dl.length, dl.batches(0).map((idx) => s.getBatch(idx))];
  },
});

// ---- ConcatDataset ----------------------------------------------------------------------------------
add({
  name: 'data.ConcatDataset',
  grad: false,
  gen: (r) => {
    const k = r.bool(0.06) ? 0 : r.int(1, 3);  // an empty list: both refuse
    const sizes = Array.from({ length: k }, () => (r.bool(0.2) ? 0 : r.int(1, 4)));
    const total = sizes.reduce((p, q) => p + q, 0);
    const i = r.bool(0.12) ? r.pick([total, -total - 1, total + 1]) : total === 0 ? 0 : r.int(-total, total - 1);
    return { ins: sizes.map((s) => r.tensor('float32', [s, 2])), a: { i } };
  },
  py: '(lambda c: [len(c), c.cumulative_sizes, list(c[a.i])])(torch.utils.data.ConcatDataset([torch.utils.data.TensorDataset(x) for x in xs]))',
  fl: (fl, xs, a) => {
    const c = new fl.data.ConcatDataset(xs.map((x) => new fl.data.TensorDataset(x)));
    return [c.length, c.cumulativeSizes.slice(), c.get(a.i)];
  },
});

// ---- randomSplit --------------------------------------------------------------------------------------
const FRACTIONS = [[0.5, 0.5], [0.3, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [1 / 3, 1 / 3, 1 / 3], [0.25, 0.75], [0.7, 0.2, 0.1],
  [0.9, 0.1], [1, 0], [1], [0.25, 0.25, 0.25, 0.25], [0.2, 0.2, 0.2, 0.2, 0.2]];
add({
  name: 'data.randomSplit',
  grad: false,
  gen: (r) => {
    const n = r.int(0, 12);
    const kind = r.pick(['frac', 'frac', 'counts', 'counts', 'bad']);
    let L;
    if (kind === 'frac') L = r.pick(FRACTIONS);
    else if (kind === 'counts') {
      L = [];
      let left = n;
      for (let j = r.int(0, 2); j > 0; j--) { const c = r.int(0, left); L.push(c); left -= c; }
      L.push(left);
    } else {
      // counts that do not sum to n, fractions out of [0, 1] or not summing to 1, halves, a negative count
      L = r.pick([[n + 1], [1.5, -0.5], [0.5, 0.3], [0.6, 0.6], [n / 2, n / 2], [-1, n + 1], [0.3, 0.3, 0.3]]);
    }
    return { ins: [], a: { n, L } };
  },
  // the sizes, and every index once (sorted: the permutation itself is the generator's)
  py: `(lambda S: [[len(s) for s in S], sorted(i for s in S for i in s.indices)])(torch.utils.data.random_split(range(a.n), a.L, ${GEN0}))`,
  fl: (fl, xs, a) => {
    const S = fl.data.randomSplit({ length: a.n, get: (i) => i }, a.L, 0);
    return [S.map((s) => s.length), sortNum(S.flatMap((s) => s.indices))];
  },
  known: (a) => (a.L.some((k) => Number.isInteger(k) && k < 0) && a.L.reduce((p, q) => p + q, 0) === a.n
    ? "randomSplit refuses a negative count; torch 1.13 slices its permutation with Python's negative indices (random_split(range(5), [-1, 6]) gives splits of 4 and 1)" : null),
});

// ---- samplers -----------------------------------------------------------------------------------------
add({
  name: 'data.SequentialSampler',
  grad: false,
  gen: (r) => ({ ins: [], a: { n: r.int(0, 7) } }),
  py: '(lambda s: [len(s), list(s)])(torch.utils.data.SequentialSampler(range(a.n)))',
  fl: (fl, xs, a) => { const s = new fl.data.SequentialSampler({ length: a.n }); return [s.length, [...s]]; },
});

add({
  name: 'data.BatchSampler',
  grad: false,
  gen: (r) => ({
    ins: [],
    a: { n: r.int(0, 10), bs: r.bool(0.06) ? r.pick([0, -1]) : r.int(1, 4), dl: r.bool(0.05) ? 1 : r.bool() },  // dl 1: not a bool, both refuse
  }),
  py: '(lambda b: [len(b), list(b)])(torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(a.n)), a.bs, a.dl))',
  fl: (fl, xs, a) => { const b = new fl.data.BatchSampler(new fl.data.SequentialSampler({ length: a.n }), a.bs, a.dl); return [b.length, [...b]]; },
});

// RandomSampler: the length, the count drawn, the multiset where it is determined (no replacement,
// a multiple of n draws), and that every index is in range
add({
  name: 'data.RandomSampler',
  grad: false,
  gen: (r) => ({
    ins: [],
    a: { n: r.int(0, 8), rep: r.bool(0.05) ? 1 : r.bool(), ns: r.bool(0.5) ? null : r.bool(0.06) ? r.pick([0, -2]) : r.int(1, 20) },
  }),
  py: `(lambda s: (lambda L: [len(s), len(L), sorted(L) if (not a.rep and (a.ns is None or a.ns % a.n == 0)) else None, int(all(0 <= i < a.n for i in L))])(list(s)))(torch.utils.data.RandomSampler(range(a.n), replacement=a.rep, num_samples=a.ns, ${GEN0}))`,
  fl: (fl, xs, a) => {
    const s = new fl.data.RandomSampler({ length: a.n }, { replacement: a.rep, numSamples: a.ns, generator: 0 });
    const L = [...s];
    return [s.length, L.length, !a.rep && (a.ns === null || a.ns % a.n === 0) ? sortNum(L) : null, L.every((i) => i >= 0 && i < a.n) ? 1 : 0];
  },
});

add({
  name: 'data.SubsetRandomSampler',
  grad: false,
  gen: (r) => ({ ins: [], a: { idx: Array.from({ length: r.int(0, 6) }, () => r.int(0, 9)) } }),
  py: `(lambda s: [len(s), sorted(int(i) for i in s)])(torch.utils.data.SubsetRandomSampler(a.idx, ${GEN0}))`,
  fl: (fl, xs, a) => { const s = new fl.data.SubsetRandomSampler(a.idx, 0); return [s.length, sortNum(s)]; },
});

// WeightedRandomSampler: the length, the count, that no zero-weight index is drawn, and without
// replacement that no index repeats
add({
  name: 'data.WeightedRandomSampler',
  grad: false,
  gen: (r) => {
    let w = Array.from({ length: r.int(0, 5) }, () => r.pick([0, 0.5, 1, 2, 3]));
    if (r.bool(0.06) && w.length) w[0] = -1;            // a negative weight: both refuse when iterated
    if (r.bool(0.04)) w = [[1, 2], [3, 4]];              // not 1-D: both refuse when made
    return { ins: [], a: { w, ns: r.bool(0.06) ? 0 : r.int(1, 8), rep: r.bool(0.05) ? 1 : r.bool() } };
  },
  py: `(lambda s: (lambda L: [len(s), len(L), int(all(a.w[i] > 0 for i in L)), None if a.rep else int(len(set(L)) == len(L))])(list(s)))(torch.utils.data.WeightedRandomSampler(a.w, a.ns, replacement=a.rep, ${GEN0}))`,
  fl: (fl, xs, a) => {
    const s = new fl.data.WeightedRandomSampler(a.w, a.ns, { replacement: a.rep, generator: 0 });
    const L = [...s];
    return [s.length, L.length, L.every((i) => a.w[i] > 0) ? 1 : 0, a.rep ? null : new Set(L).size === L.length ? 1 : 0];
  },
  known: (a) => {
    const nonzero = Array.isArray(a.w) ? a.w.filter((v) => typeof v === 'number' && v > 0).length : 0;
    return a.rep === false && Array.isArray(a.w) && !a.w.some((v) => Array.isArray(v) || v < 0) && nonzero > 0 && a.ns > nonzero && a.ns <= a.w.length
      ? 'without replacement and more samples than nonzero weights: torch 1.13\'s CPU multinomial then draws zero-weight indices; fl.multinomial refuses (a ValueError)' : null;
  },
});

// ---- DataLoader -------------------------------------------------------------------------------------
// batchSampler: a BatchSampler or a plain list of index lists; now and then an option it excludes
// (torch: batch_size other than 1, shuffle, sampler, drop_last: ValueError), or batch_size 1 (allowed)
const BS_CONFLICTS = [
  [{ batch_size: 2 }, { batchSize: 2 }], [{ batch_size: 1 }, { batchSize: 1 }], [{ batch_size: null }, { batchSize: null }],
  [{ shuffle: true }, { shuffle: true }], [{ sampler: [0] }, { sampler: [0] }], [{ drop_last: true }, { dropLast: true }],
];
add({
  name: 'data.DataLoader.batchSampler',
  grad: false,
  gen: (r) => {
    const n = r.int(0, 8);
    const lists = n > 0 && r.bool(0.35) ? Array.from({ length: r.int(0, 3) }, () => Array.from({ length: r.int(1, 3) }, () => r.int(0, n - 1))) : null;
    const [kw, kwfl] = r.bool(0.2) ? r.pick(BS_CONFLICTS) : [{}, {}];
    return { ins: [r.tensor(r.pick(['float32', 'int32']), [n, 2])], a: { n, bs: r.int(1, 4), dl: r.bool(), lists, kw, kwfl } };
  },
  py: '(lambda dl: [len(dl), [list(b) for b in dl]])(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x0), batch_sampler=(torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(a.n)), a.bs, a.dl) if a.lists is None else a.lists), **a.kw))',
  fl: (fl, [x], a) => {
    const ds = new fl.data.TensorDataset(x);
    const batchSampler = a.lists === null ? new fl.data.BatchSampler(new fl.data.SequentialSampler({ length: a.n }), a.bs, a.dl) : a.lists;
    const dl = new fl.data.DataLoader(ds, { batchSampler, ...a.kwfl });
    return [dl.length, dl.batches(0).map((idx) => ds.getBatch(idx))];
  },
});

// batchSize null (torch batch_size=None): each item as it is, in the sampler's order
add({
  name: 'data.DataLoader.noBatch',
  grad: false,
  gen: (r) => {
    const n = r.int(0, 6);
    const ins = [r.tensor(r.pick(['float32', 'float64', 'int32']), [n, ...r.shape(0, 2, 3, false)])];
    if (r.bool()) ins.push(r.tensor('int32', [n], 'int', 0, 9));
    const sm = n > 0 && r.bool(0.35) ? Array.from({ length: r.int(0, n + 2) }, () => r.int(0, n - 1)) : null;
    return { ins, a: { sm, dl: r.bool(0.1), sh: sm !== null && r.bool(0.15) } };  // dropLast, shuffle with a sampler: both refuse
  },
  py: '(lambda dl: [len(dl), [list(b) for b in dl]])(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*xs), batch_size=None, sampler=a.sm, drop_last=a.dl, shuffle=a.sh))',
  fl: (fl, xs, a) => {
    const ds = new fl.data.TensorDataset(...xs);
    const dl = new fl.data.DataLoader(ds, { batchSize: null, sampler: a.sm === null ? undefined : a.sm, dropLast: a.dl, shuffle: a.sh });
    return [dl.length, dl.batches(0).map((idx) => dl.convertItem(ds.get(idx[0])))];
  },
});

// batchSize null over plain items (index, a row, a bool): numbers and booleans pass unchanged (torch's
// default_convert leaves Python values), tensors as they are
add({
  name: 'data.DataLoader.noBatch.items',
  grad: false,
  gen: (r) => {
    const n = r.int(1, 5);
    return { ins: [r.tensor(r.pick(['float32', 'int32']), [n, ...r.shape(0, 1, 3, false)])], a: { n } };
  },
  py: '(lambda dl: [len(dl), [list(b) for b in dl]])(torch.utils.data.DataLoader([(i, x0[i], i % 3 == 0) for i in range(a.n)], batch_size=None))',
  fl: (fl, [x], a) => {
    class Items extends fl.data.Dataset {
      get length() { return a.n; }
      get(i) { return [i, x.select(0, i), i % 3 === 0]; }
    }
    const ds = new Items();
    const dl = new fl.data.DataLoader(ds, { batchSize: null });
    return [dl.length, dl.batches(0).map((idx) => dl.convertItem(ds.get(idx[0])))];
  },
});

// default_convert: TypedArrays (numpy arrays on torch's side) become tensors of their dtype,
// Python/JS values stay as they are
add({
  name: 'data.defaultConvert',
  grad: false,
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64', 'int32', 'uint8']), [r.int(0, 4)])], a: { i: r.int(-3, 3), s: r.pick(['a', 'xy']), b: r.bool() } }),
  py: '(lambda v: v[:4] + [list(v[4].values())])(torch.utils.data._utils.collate.default_convert([a.i, a.s, a.b, x0.numpy(), {"k": x0.numpy()}]))',
  fl: (fl, [x], a) => {
    const out = fl.data.defaultConvert([a.i, a.s, a.b, x.dataSync(), { k: x.dataSync() }]);
    return [out[0], out[1], out[2], out[3], [out[4].k]];  // a dict compared as the list of its values
  },
});

// sampler objects in the DataLoader (RandomSampler with its options): the loader's length, the batch
// sizes, and without replacement, numSamples or dropLast every index once
add({
  name: 'data.DataLoader.RandomSampler',
  grad: false,
  gen: (r) => ({ ins: [], a: { n: r.int(0, 9), bs: r.int(1, 4), dl: r.bool(), rep: r.bool(0.3), ns: r.bool(0.7) ? null : r.int(1, 12) } }),
  py: `(lambda dl: (lambda bs: [len(dl), len(bs), [len(b) for b in bs], sorted(int(i) for b in bs for i in b) if (not a.rep and a.ns is None and not a.dl) else None])([b[0] for b in dl]))(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(a.n)), batch_size=a.bs, drop_last=a.dl, sampler=torch.utils.data.RandomSampler(range(a.n), replacement=a.rep, num_samples=a.ns, ${GEN0})))`,
  fl: (fl, xs, a) => {
    const dl = new fl.data.DataLoader(new fl.data.TensorDataset(fl.arange(a.n)), {
      batchSize: a.bs, dropLast: a.dl, sampler: new fl.data.RandomSampler({ length: a.n }, { replacement: a.rep, numSamples: a.ns, generator: 0 }),
    });
    const bs = dl.batches(0);
    return [dl.length, bs.length, bs.map((b) => b.length), !a.rep && a.ns === null && !a.dl ? sortNum(bs.flatMap((b) => Array.from(b))) : null];
  },
});

module.exports = { SPECS: specs };
