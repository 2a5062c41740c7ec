// torch-diff-specs-nnx.js — bench/torch-diff.js's specs for lib/nn/unpool.ts and lib/nn/more.ts (the
// format of bench/torch-diff-specs.js): F.maxUnpool1d/2d/3d fed by the max pooling's own indices
// (kernel, stride, padding, and an outputSize now and then: in range, or out of it so that both
// refuse), F.maxUnpool2d with drawn int32 indices (in range, or past the plane: both refuse), and
// F.fractionalMaxPool2d/3d with given samples (torch's `_random_samples`, flintml's `randomSamples`),
// by outputSize or outputRatio, with the indices, on grid values (ties: the first maximum) and
// 'special' ones (NaN: the last NaN); and nn.CrossMapLRN2d's forward (torch 1.13's window; its
// backward is not the derivative of its forward, so `grad: false` there: lib/nn/more.ts). Float32
// and float64 only: torch 1.13's CPU has no float16/bfloat16 kernels for these.
'use strict';

const F = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);
const kind = (r) => r.pick(['grid', 'grid', 'cont', 'special']);

// ---- max unpooling of the pooling's indices ---------------------------------------------------------
for (const nd of [1, 2, 3]) {
  add({
    name: `maxUnpool${nd}d`,
    py: `F.max_unpool${nd}d(*F.max_pool${nd}d(x0, a.k, a.s, a.p, return_indices=True), a.k, a.s, a.p, a.o)`,
    gen: (r) => {
      // stride <= kernel mostly (a larger stride or a padding puts indices past the default output: both refuse)
      const k = r.int(1, 3), s = r.bool(0.8) ? r.int(1, k) : r.int(1, 3), p = r.bool(0.8) ? 0 : r.int(0, Math.floor(k / 2));
      const batched = r.bool(0.8);
      const sp = [];
      for (let d = 0; d < nd; d++) sp.push(r.int(k, nd === 3 ? 5 : 7));
      const shape = [...(batched ? [r.bool(0.1) ? 0 : r.int(1, 2)] : []), r.int(1, 3), ...sp];
      // the default output size, and now and then one within (default − s, default + s) or outside it
      let o = null;
      if (r.bool(0.4)) {
        const pooled = sp.map((n) => Math.floor((n + 2 * p - k) / s) + 1);
        const dflt = pooled.map((n) => (n - 1) * s + k - 2 * p);
        o = dflt.map((v) => v + (r.bool(0.85) ? r.int(-(s - 1), s - 1) : r.pick([-s, s])));
        if (r.bool(0.3)) o = [...shape.slice(0, shape.length - nd), ...o];
      }
      return { ins: [r.tensor(r.pick(F), shape, kind(r))], a: { k, s, p, o } };
    },
    fl: (fl, [x], a) => {
      const [y, i] = fl.nn.functional[`maxPool${nd}d`](x, a.k, { stride: a.s, padding: a.p, returnIndices: true });
      return fl.nn.functional[`maxUnpool${nd}d`](y, i, a.k, a.s, a.p, a.o);
    },
  });
}
// drawn indices: torch's range check (an index past the output plane is refused by both)
add({
  name: 'maxUnpool2d-indices',
  py: 'F.max_unpool2d(x0, x1, a.k, a.s, 0, a.o)',
  gen: (r) => {
    const k = r.int(1, 3), s = r.int(1, 3);
    const shape = [r.int(1, 2), r.int(1, 3), r.int(1, 3), r.int(1, 3)];
    const Ho = (shape[2] - 1) * s + k, Wo = (shape[3] - 1) * s + k;
    const hi = r.bool(0.85) ? Ho * Wo - 1 : Ho * Wo + 2;
    return { ins: [r.tensor(r.pick(F), shape, 'grid'), r.tensor('int32', shape, 'index', 0, hi)], a: { k, s, o: null } };
  },
  fl: (fl, [x, i], a) => fl.nn.functional.maxUnpool2d(x, i, a.k, a.s, 0, a.o),
});

// ---- fractional max pooling with given samples ------------------------------------------------------
/** A samples spec [N, C, nd] of values in [0, 1) (4 decimals: exact enough in float32). */
function samples(r, dtype, n, c, nd) {
  const v = [];
  for (let q = 0; q < n * c * nd; q++) v.push(Math.floor(r.u() * 1e4) / 1e4);
  return { dtype, shape: [n, c, nd], v, layout: 'c' };
}
for (const nd of [2, 3]) {
  add({
    name: `fractionalMaxPool${nd}d`,
    py: `F.fractional_max_pool${nd}d(x0, a.k, output_size=a.o, output_ratio=a.r, return_indices=a.ri, _random_samples=x1.detach())`,
    gen: (r) => {
      const dt = r.pick(F);
      const k = nd === 3 ? r.int(1, 2) : r.int(1, 3);
      const batched = r.bool(0.8);
      const n = batched ? r.int(1, 2) : 1, c = r.int(1, 3);
      const sp = [];
      for (let d = 0; d < nd; d++) sp.push(r.int(nd === 3 ? k + 1 : k, nd === 3 ? 6 : 9));
      const shape = [...(batched ? [n] : []), c, ...sp];
      let o = null, ratio = null;
      if (r.bool(0.7)) {
        // sizes up to in − k + 1 in 2-D, in − k in 3-D (torch's checks; now and then one more: both refuse)
        const top = (m) => m - k + (nd === 3 ? 0 : 1);
        o = sp.map((m) => (r.bool(0.05) || top(m) < 1 ? top(m) + 1 : r.int(r.bool(0.1) ? 0 : 1, top(m))));
        if (o.every((v) => v === o[0]) && r.bool()) o = o[0];
      } else ratio = r.pick([0.5, 0.7, 0.3, [0.5, 0.9, 0.6].slice(0, nd)]);
      return { ins: [r.tensor(dt, shape, kind(r)), samples(r, dt, n, c, nd)], a: { k, o, r: ratio, ri: r.bool() } };
    },
    fl: (fl, [x, u], a) => fl.nn.functional[`fractionalMaxPool${nd}d`](x, a.k, { outputSize: a.o, outputRatio: a.r, returnIndices: a.ri, randomSamples: u.detach() }),
  });
}

// ---- CrossMapLRN2d (torch 1.13's legacy window) ------------------------------------------------------
add({
  name: 'CrossMapLRN2d',
  py: 'torch.nn.CrossMapLRN2d(a.size, a.alpha, a.beta, a.k)(x0)',
  gen: (r) => ({
    ins: [r.tensor(r.pick(F), [r.int(1, 2), r.int(1, 7), r.int(1, 3), r.int(1, 3)], r.pick(['grid', 'cont']))],
    a: { size: r.int(1, 6), alpha: r.pick([1e-4, 0.1, 1]), beta: r.pick([0.75, 0.5, 1]), k: r.pick([1, 2]) },
  }),
  fl: (fl, [x], a) => new fl.nn.CrossMapLRN2d(a.size, a.alpha, a.beta, a.k).forward(x),
  tol: 4, grad: false,
});

module.exports = { SPECS: specs };
