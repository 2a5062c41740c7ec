// torch-diff-specs-grid.js — bench/torch-diff.js's specs for the spatial transformers of
// lib/nn/grid.ts (the format of bench/torch-diff-specs.js): F.gridSample (4-D and 5-D, every mode
// and padding mode, alignCorners true, false and null, options and positional forms, grid values
// inside, on the edges and pixel centres, and outside the input), its non-finite grids (forward
// only), its refusals, F.affineGrid (4-D and 5-D), the two composed (a spatial transformer, with
// the gradients of theta and the input), and F.interpolate's 'area' mode on 5-D input.
//
// torch 1.13's 2-D CPU kernel crashes (reads out of bounds) on NaN/inf grids with bilinear
// border/reflection padding, so the non-finite form leaves those out; its gradients at NaN are
// arbitrary (the non-finite form takes none).
'use strict';

const F3 = ['float32', 'float64', 'float32', 'float64', 'float16', 'bfloat16'];
const specs = [];
const add = (s) => specs.push(s);
const fl_ = (fl) => fl.nn.functional;

/** v moved by k units in its last place (float64): the ties of 'nearest' that rounding decides. */
function nudge(v, k) {
  if (v === 0 || k === 0) return v;
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(v))) - 52);
  return v + k * ulp;
}
/**
 * A grid value for a spatial size n: continuous inside (and a little outside), quarters, the
 * edges ±1, pixel centres and pixel edges of either alignCorners convention (now and then a few
 * units in the last place off), far outside.
 */
function gridValue(r, n) {
  const p = r.u();
  if (p < 0.4) return Math.round((r.u() * 2.4 - 1.2) * 1e5) / 1e5;
  if (p < 0.6) return r.int(-6, 6) / 4;
  if (p < 0.7) return r.pick([-1, 1]);
  if (p < 0.85) { const i = r.int(-1, n); const v = r.bool() ? (2 * i + 1) / n - 1 : 2 * i / n - 1; return r.bool(0.4) ? nudge(v, r.int(-3, 3)) : v; }
  if (p < 0.95) return n > 1 ? 2 * r.int(-1, n) / (n - 1) - 1 : 0;
  return r.int(-16, 16) / 4;
}
/** A grid spec [N, *out, dims] whose last dim's entries are drawn for the input's sizes (x: W, y: H, z: D). */
function gridSpec(r, dtype, N, out, sizes, special = false) {
  const dims = sizes.length;
  const shape = [N, ...out, dims];
  const n = shape.reduce((a, b) => a * b, 1);
  const v = [];
  for (let k = 0; k < n; k++) {
    const size = sizes[dims - 1 - (k % dims)];
    if (special && r.bool(0.15)) v.push(r.pick(['nan', 'inf', '-inf']));
    else v.push(gridValue(r, size));
  }
  return { dtype, shape, v, layout: 'c' };
}
/** A 4-D (dims 2) or 5-D (dims 3) gridSample case: input, grid and options. */
function sampleCase(r, dims, modes, pads, special = false) {
  const dt = r.pick(F3);
  const N = r.int(1, 2), C = r.int(1, 3);
  const sizes = Array.from({ length: dims }, () => (r.bool(0.15) ? 1 : r.int(2, dims === 2 ? 5 : 3)));
  const out = Array.from({ length: dims }, () => (r.bool(0.05) ? 0 : r.int(1, dims === 2 ? 4 : 3)));
  const x = r.tensor(dt, [N, C, ...sizes], r.bool(0.8) ? 'cont' : 'grid');
  return { ins: [x, gridSpec(r, dt, N, out, sizes, special)], a: { mode: r.pick(modes), pm: r.pick(pads), ac: r.pick([true, false, false, true, null]) } };
}
// torch 1.13 has no CPU grid sampler for the 16-bit dtypes: its side samples in float32 and rounds back
// (as flintml does and as torch's GPU kernels compute)
const half = (call) => `(lambda c: (lambda y: y.to(x0.dtype) if x0.dtype in (torch.float16, torch.bfloat16) else y)(${call}))(lambda t: t.float() if t.dtype in (torch.float16, torch.bfloat16) else t)`;
const PY_SAMPLE = half('F.grid_sample(c(x0), c(x1), mode=a.mode, padding_mode=a.pm, align_corners=a.ac)');
const FL_SAMPLE = (fl, [x, g], a) => fl_(fl).gridSample(x, g, { mode: a.mode, paddingMode: a.pm, alignCorners: a.ac });
const PADS = ['zeros', 'border', 'reflection'];

add({
  name: 'F.gridSample', py: PY_SAMPLE, gen: (r) => sampleCase(r, 2, ['bilinear', 'nearest', 'bicubic'], PADS), fl: FL_SAMPLE, tol: 16,
});
add({
  name: 'F.gridSample-5d', py: PY_SAMPLE, gen: (r) => sampleCase(r, 3, ['bilinear', 'bilinear', 'nearest', 'bicubic'], PADS), fl: FL_SAMPLE, tol: 16,
});
add({
  name: 'F.gridSample-positional', py: half('F.grid_sample(c(x0), c(x1), a.mode, a.pm, a.ac)'),
  gen: (r) => sampleCase(r, r.pick([2, 3]), ['bilinear', 'nearest'], PADS),
  fl: (fl, [x, g], a) => fl_(fl).gridSample(x, g, a.mode, a.pm, a.ac), tol: 16,
});
add({
  // 'nearest' at the ties between pixels, a few units in the last place off: torch's 2-D kernel
  // rounds (g + 1)·size/2 - 1/2 once (an FMA), which decides them
  name: 'F.gridSample-ties', py: PY_SAMPLE,
  gen: (r) => {
    const dims = r.pick([2, 2, 3]), N = r.int(1, 2);
    const sizes = Array.from({ length: dims }, () => r.int(2, 13));
    const out = [r.int(1, 8), ...new Array(dims - 1).fill(1)];
    const g = gridSpec(r, r.pick(['float64', 'float64', 'float32']), N, out, sizes);
    g.v = g.v.map((_, k) => { const n = sizes[dims - 1 - (k % dims)], i = r.int(0, n); return nudge(2 * i / n - 1, r.int(-3, 3)); });
    return { ins: [r.tensor(g.dtype, [N, 1, ...sizes], 'cont'), g], a: { mode: 'nearest', pm: r.pick(PADS), ac: false } };
  },
  fl: FL_SAMPLE,
});
add({
  // NaN and ±inf grid values, forward only (torch 1.13 crashes on bilinear border/reflection there)
  name: 'F.gridSample-nonfinite', py: PY_SAMPLE, grad: false,
  gen: (r) => {
    const c = sampleCase(r, r.pick([2, 2, 3]), ['bilinear', 'nearest', 'bicubic'], PADS, true);
    if (c.a.mode === 'bilinear' && c.ins[0].shape.length === 4) c.a.pm = 'zeros';  // (torch's 2-D kernel crashes on the others)
    if (c.a.mode === 'bicubic' && c.ins[0].shape.length === 5) c.a.mode = 'nearest';
    return c;
  },
  fl: FL_SAMPLE, tol: 16,
});
add({
  // wrong ranks, batch sizes, grid last dims and dtypes, bicubic on 5-D, unknown modes: both refuse
  name: 'F.gridSample-refusals', py: PY_SAMPLE, grad: false,
  gen: (r) => {
    const c = sampleCase(r, r.pick([2, 3]), ['bilinear', 'nearest', 'bicubic'], PADS);
    const [x, g] = c.ins;
    const k = r.int(0, 6);
    if (k === 0) c.ins[1] = { ...g, shape: [g.shape[0] + 1, ...g.shape.slice(1)], v: [...g.v, ...g.v.slice(0, g.v.length / g.shape[0])] };
    else if (k === 1) { const sh = [...g.shape.slice(0, -1), g.shape[g.shape.length - 1] === 2 ? 3 : 2]; c.ins[1] = r.tensor(g.dtype, sh, 'unit'); }
    else if (k === 2) c.ins[1] = r.tensor(g.dtype, [x.shape[0], 2, x.shape.length - 2], 'unit');
    else if (k === 3) c.ins[1] = { ...g, dtype: g.dtype === 'float64' ? 'float32' : 'float64' };
    else if (k === 4) c.a.mode = r.pick(['linear', 'cubic', 'area']);
    else if (k === 5) c.a.pm = r.pick(['reflect', 'constant', 'replicate']);
    else { c.a.mode = 'bicubic'; c.ins[0] = r.tensor(x.dtype, [1, 1, 2, 2, 2], 'cont'); c.ins[1] = r.tensor(x.dtype, [1, 1, 1, 1, 3], 'unit'); }
    return c;
  },
  fl: FL_SAMPLE,
});

// ---- affineGrid ---------------------------------------------------------------------------------
add({
  name: 'F.affineGrid', py: 'F.affine_grid(x0, a.size, align_corners=a.ac)',
  gen: (r) => {
    const dims = r.pick([2, 2, 3]);
    const N = r.int(1, 3);
    const size = [N, r.int(1, 3), ...Array.from({ length: dims }, () => (r.bool(0.2) ? 1 : r.int(2, 6)))];
    const thShape = [N, dims, dims + 1];
    if (r.bool(0.06)) thShape[0] = N + 1;                 // batch mismatch
    if (r.bool(0.04)) thShape[2] = dims;                 // not affine
    if (r.bool(0.04)) size[size.length - 1] = 0;         // an empty output dim
    return { ins: [r.tensor(r.pick(F3), thShape, r.bool(0.7) ? 'cont' : 'grid')], a: { size, ac: r.pick([true, false, null]) } };
  },
  fl: (fl, [th], a) => fl_(fl).affineGrid(th, a.size, a.ac), tol: 8,
});
add({
  // a spatial transformer: gradients reach theta through the grid, and the input
  name: 'F.affineGrid+gridSample',
  py: 'F.grid_sample(x0, F.affine_grid(x1, a.size, align_corners=a.ac), mode=a.mode, padding_mode=a.pm, align_corners=a.ac)',
  gen: (r) => {
    const dims = r.pick([2, 2, 3]);
    const dt = r.pick(['float32', 'float64', 'float64']);
    const N = r.int(1, 2), C = r.int(1, 2);
    const sizes = Array.from({ length: dims }, () => r.int(2, dims === 2 ? 5 : 3));
    const out = Array.from({ length: dims }, () => r.int(1, dims === 2 ? 5 : 3));
    return {
      ins: [r.tensor(dt, [N, C, ...sizes], 'cont'), r.tensor(dt, [N, dims, dims + 1], 'unit')],
      a: { size: [N, C, ...out], ac: r.bool(), mode: dims === 2 ? r.pick(['bilinear', 'bicubic', 'nearest']) : r.pick(['bilinear', 'nearest']), pm: r.pick(PADS) },
    };
  },
  fl: (fl, [x, th], a) => fl_(fl).gridSample(x, fl_(fl).affineGrid(th, a.size, a.ac), a.mode, a.pm, a.ac), tol: 16,
});

// ---- interpolate 'area' of 5-D input (adaptive_avg_pool3d) -------------------------------------------
add({
  name: 'F.interpolate-area5d', py: 'F.interpolate(x0, size=a.size, scale_factor=a.sf, mode="area")',
  gen: (r) => {
    const s = [r.int(1, 2), r.int(1, 2), r.int(1, 5), r.int(1, 5), r.int(1, 5)];
    const bySize = r.bool(0.6);
    const size = bySize ? (r.bool(0.3) ? r.int(1, 4) : [r.int(1, 4), r.int(1, 4), r.int(1, 6)]) : null;
    return { ins: [r.tensor(r.pick(F3), s, 'cont')], a: { size, sf: bySize ? null : r.pick([0.5, 1, 1.5, 2, [1, 0.5, 2]]) } };
  },
  fl: (fl, [x], a) => fl_(fl).interpolate(x, { size: a.size, scaleFactor: a.sf, mode: 'area' }), tol: 8,
});

module.exports = { SPECS: specs };
