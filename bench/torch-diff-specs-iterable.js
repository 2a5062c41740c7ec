// torch-diff-specs-iterable.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js)
// for torch.utils.data's iterable-style datasets in fl.data: the DataLoader's rules for an
// IterableDataset (the refused options, len(loader) from the dataset's __len__, batch_size=None and
// drop_last) and ChainDataset (its items, its len, the refusal of a map-style member).
//
// Every spec has `grad: false`. The dataset is `range(n)` as a generator (with a __len__ when the
// case says so), made on each side. The DataLoader's batches are read through `for await` in
// flintml, which this synchronous harness cannot run: they are compared in
// test/data-iterable.test.ts against torch's lists (scripts/golden/data_iterable.py); here the
// options' checks and the lengths are. Where torch refuses later than flintml (a ChainDataset
// member that is not iterable: torch asserts when iterating, flintml refuses when the chain is
// made), the whole case is one expression, so both refuse.
'use strict';

const specs = [];
const add = (s) => specs.push(s);

/** flintml's side of the Python `S`: items 0 … n-1 from a generator, with a length when `sized`. */
function stream(fl, n, sized) {
  class Range extends fl.data.IterableDataset {
    *[Symbol.iterator]() { for (let i = 0; i < n; i++) yield i; }
  }
  if (sized) Object.defineProperty(Range.prototype, 'length', { get: () => n });
  return new Range();
}
// Python: the same class, made with type() inside the expression
const PY_STREAM = (n, sized) => `type('S', (torch.utils.data.IterableDataset,), dict({'__iter__': lambda self: iter(range(${n}))}, **({'__len__': lambda self: ${n}} if ${sized} else {})))()`;

// ---- DataLoader over an IterableDataset: refusals and len ------------------------------------------
add({
  name: 'data.IterableDataset.DataLoader',
  grad: false,
  gen: (r) => ({
    ins: [],
    a: {
      n: r.int(0, 9), sized: r.bool(0.8), bs: r.bool(0.2) ? null : r.int(1, 4), dl: r.bool(0.3),
      // shuffle: None (not given), False, True; now and then a sampler or a batch sampler (both refused)
      sh: r.pick([null, null, false, true]), smp: r.bool(0.1), bsmp: r.bool(0.1),
    },
  }),
  py: `len(torch.utils.data.DataLoader(${PY_STREAM('a.n', 'a.sized')}, batch_size=a.bs, drop_last=a.dl,
    **({'shuffle': a.sh} if a.sh is not None else {}), **({'sampler': [0]} if a.smp else {}), **({'batch_sampler': [[0]]} if a.bsmp else {})))`.replace(/\n\s*/g, ' '),
  fl: (fl, _, a) => {
    const o = { batchSize: a.bs, dropLast: a.dl };
    if (a.sh !== null) o.shuffle = a.sh;
    if (a.smp) o.sampler = Object.assign([0], { length: 1 });
    if (a.bsmp) o.batchSampler = [[0]];
    return new fl.data.DataLoader(stream(fl, a.n, a.sized), o).length;
  },
});

// ---- ChainDataset ----------------------------------------------------------------------------------
const chainGen = (r) => ({
  ins: [],
  a: {
    parts: Array.from({ length: r.int(0, 3) }, () => ({ n: r.int(0, 4), sized: r.bool(0.8) })),
    mapAt: r.bool(0.15) ? 0 : -1,  // a map-style member at the front: both refuse
  },
});
const PY_CHAIN = "torch.utils.data.ChainDataset(([torch.utils.data.TensorDataset(torch.zeros(2))] if a.mapAt == 0 else []) + [type('S', (torch.utils.data.IterableDataset,), dict({'__iter__': (lambda n: lambda self: iter(range(n)))(p['n'])}, **({'__len__': (lambda n: lambda self: n)(p['n'])} if p['sized'] else {})))() for p in a.parts])";
function flChain(fl, a) {
  class Two extends fl.data.Dataset { get length() { return 2; } get(i) { return i; } }
  return new fl.data.ChainDataset([...(a.mapAt === 0 ? [new Two()] : []), ...a.parts.map((p) => stream(fl, p.n, p.sized))]);
}
add({
  name: 'data.ChainDataset',
  grad: false,
  gen: chainGen,
  py: `list(${PY_CHAIN})`,
  fl: (fl, _, a) => [...{ [Symbol.iterator]: () => flChain(fl, a)[Symbol.iterator]() }],
});
add({
  name: 'data.ChainDataset-len',
  grad: false,
  gen: chainGen,
  py: `len(${PY_CHAIN})`,
  fl: (fl, _, a) => flChain(fl, a).length,
});

module.exports = { SPECS: specs };
