// torch-diff-specs-resize.js — bench/torch-diff.js's specs for padding and resizing: F.pad in its
// four modes, F.interpolate in every mode, the conv layers' paddingMode, nn.Upsample, and the repr
// of both layers (the format of bench/torch-diff-specs.js).
//
// torch 1.13 bugs stepped around here: its CPU nearest and linear kernels compute bfloat16 input's
// source positions and weights in bfloat16 (the scale 1/3 rounded to 8 bits picks other pixels), so
// torch's side resizes bfloat16 in float32 and rounds the result back, as its GPU kernels do.
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const F3 = ['float32', 'float64', 'float32', 'float64', 'float16', 'bfloat16'];
const ALL = [...F, 'int32', 'uint8', 'bool'];
const specs = [];
const add = (s) => specs.push(s);
const fl_ = (fl) => fl.nn.functional;
const pyB = (b) => (b ? 'True' : 'False');
const pyV = (v) => (v === null || v === undefined ? 'None' : typeof v === 'boolean' ? pyB(v) : typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `(${v.map(pyV).join(', ')}${v.length === 1 ? ',' : ''})` : String(v));

// ---- F.pad ---------------------------------------------------------------------------------------
/** A pad list of n pairs (n = the dims it pads), values in [lo, hi], now and then of an odd length. */
function padList(r, pairs, lo, hi) {
  const p = [];
  for (let k = 0; k < 2 * pairs; k++) p.push(r.int(lo, hi));
  if (r.bool(0.04)) p.push(1);
  return p;
}

add({
  name: 'F.pad-constant', py: 'F.pad(x0, a.p, mode="constant", value=a.v)',
  gen: (r) => {
    const dt = r.pick(ALL);
    // (torch 1.13's backward of constant_pad_nd runs its forward's size check on the gradient, which
    // fails for an empty input dim beside a positive pad: empty dims only where no gradient is taken)
    const s = r.shape(0, 4, 4, dt === 'int32' || dt === 'uint8' || dt === 'bool');
    const p = padList(r, r.int(0, s.length + (r.bool(0.1) ? 1 : 0)), -2, 3);
    // values as Python floats: -1 into uint8, 1.5 into an integer (truncated), 2 into bool (True)
    return { ins: [r.tensor(dt, s, 'grid')], a: { p, v: r.pick([0, 0, 1.5, -1, 2, 300, -2.25]) } };
  },
  fl: (fl, [x], a) => fl_(fl).pad(x, a.p, 'constant', a.v),
});

/** A 1-D to 5-D input of size 0..5 per dim, and a pad list mostly of a length its rank takes. */
function indexedCase(r, mode) {
  const k = r.pick([1, 1, 2, 2, 3]);
  const ndim = r.bool(0.9) ? k + r.int(mode === 'circular' ? 2 : 1, 2) : r.int(1, 5);
  const s = [];
  for (let d = 0; d < ndim; d++) s.push(r.bool(0.05) ? 0 : r.int(1, 5));
  let p = padList(r, r.bool(0.92) ? k : r.int(0, 3), -3, 4);
  // torch 1.13's reflection_pad3d backward leaves the input's gradient uninitialised when an output
  // dim is empty (NaN, 8e10 where 0 is right): no empty output there
  const emptyOut = () => p.length === 6 && [0, 1, 2].some((i) => (s[s.length - 1 - i] ?? 1) + p[2 * i] + p[2 * i + 1] === 0);
  while (mode === 'reflect' && emptyOut()) p = padList(r, 3, -3, 4);
  const dt = r.bool(0.9) ? r.pick(F3) : r.pick(['int32', 'uint8', 'bool']);
  return { ins: [r.tensor(dt, s, 'cont')], a: { p, v: r.bool(0.9) ? null : r.pick([0, 1]) } };
}
for (const mode of ['reflect', 'replicate', 'circular']) {
  add({
    name: `F.pad-${mode}`, py: `F.pad(x0, a.p, mode="${mode}", value=a.v)`,
    gen: (r) => indexedCase(r, mode),
    fl: (fl, [x], a) => fl_(fl).pad(x, a.p, mode, a.v),
    // torch's _pad_circular copies the wrapped part out of the cropped input: a wrap longer than what
    // a negative pad leaves reads memory it never wrote; flintml refuses that pad
    known: mode === 'circular' ? (a, [x]) => {
      const n = x.shape.length, k = a.p.length / 2;
      for (let i = 0; i < k && n === k + 2; i++) {
        const size = x.shape[n - 1 - i], l = a.p[2 * i], rr = a.p[2 * i + 1];
        const c = size + Math.min(l, 0) + Math.min(rr, 0);
        if (l <= size && rr <= size && size + l + rr >= 0 && (Math.max(l, 0) > c || Math.max(rr, 0) > c)) {
          return "circular padding that wraps more than a negative pad leaves: torch 1.13 reads uninitialised memory, flintml refuses";
        }
      }
      return null;
    } : undefined,
  });
}
add({
  name: 'F.pad-positional', py: 'F.pad(x0, a.p, a.m)',
  gen: (r) => { const s = [r.int(1, 2), r.int(1, 3), r.int(2, 4), r.int(2, 4)]; return { ins: [r.tensor(r.pick(F3), s, 'cont')], a: { p: [r.int(0, 1), r.int(0, 1), r.int(0, 1), r.int(0, 1)], m: r.pick(['constant', 'reflect', 'replicate', 'circular']) } }; },
  fl: (fl, [x], a) => fl_(fl).pad(x, a.p, a.m),
});

// ---- F.interpolate ---------------------------------------------------------------------------------
// torch 1.13's nearest kernels disagree with themselves: the forward of a 2-D or 3-D resize whose
// input is also channels-last contiguous (one channel, or spatial sizes of 1) and every backward use
// nearest_idx, which copies when the output is as long as the input and shifts when it is twice as
// long (whatever the scale factor), with a float32 scale even for float64; the channels-first forward
// uses floor(j·scale) throughout. flintml is that forward (and its exact gradient): draws where the
// two formulas pick other pixels are drawn again.
const f32 = Math.fround;
function nearestIndex(n, out, sf, exact, scaleRound) {
  const s = sf !== null && sf > 0 ? scaleRound(1 / sf) : scaleRound(n / out);
  return Array.from({ length: out }, (_, j) => Math.min(Math.floor(f32(s * (exact ? j + 0.5 : j))), n - 1));
}
// Likewise its bicubic backward copies the gradient when every output dim is as long as the input's,
// where the forward interpolates with the scale factor's positions: those draws are drawn again.
// And its adaptive_avg_pool2d backward refuses the empty output its forward gives ('area').
function torchConsistent(shape, a) {
  if (a.mode === 'area' && shape.dtype !== 'int32' && shape.dtype !== 'uint8') {
    const spatial = shape.slice(2), dim = spatial.length;
    const list = (v) => (Array.isArray(v) ? v : new Array(dim).fill(v));
    const out = a.size !== null ? list(a.size) : a.sf !== null ? list(a.sf).map((f, i) => Math.floor(spatial[i] * f)) : [];
    return !(shape[0] * shape[1] * out.reduce((p, q) => p * q, 1) === 0 && !out.every((o) => o === 1));
  }
  if (a.mode === 'bicubic') {
    const spatial = shape.slice(2);
    if (a.sf === null || a.rc || a.ac || spatial.length !== 2) return true;
    const sfs = Array.isArray(a.sf) ? a.sf : [a.sf, a.sf];
    return !(sfs.length === 2 && spatial.every((n, i) => Math.trunc(n * sfs[i]) === n) && sfs.some((f) => f !== 1));
  }
  if (a.mode !== 'nearest' && a.mode !== 'nearest-exact') return true;
  const spatial = shape.slice(2), dim = spatial.length;
  if (dim < 1 || (a.size === null) === (a.sf === null)) return true;
  const list = (v) => (Array.isArray(v) ? v : new Array(dim).fill(v));
  const sfs = a.sf === null ? null : list(a.sf);
  if (sfs && sfs.length !== dim) return true;
  const sizes = a.size === null ? null : list(a.size);
  if (sizes && sizes.length !== dim) return true;
  const dbl = shape.dtype === 'float64' ? (v) => v : f32;
  return spatial.every((n, i) => {
    const out = sizes ? sizes[i] : a.rc ? Math.floor(n * sfs[i]) : Math.trunc(n * sfs[i]);
    if (!(n > 0 && out > 0)) return true;
    const sf = sizes || a.rc ? null : sfs[i];
    const fwd = nearestIndex(n, out, sf, a.mode === 'nearest-exact', dbl);
    const bwd = a.mode === 'nearest' && out === n ? fwd.map((_, j) => j) : a.mode === 'nearest' && out === 2 * n ? fwd.map((_, j) => j >> 1) : nearestIndex(n, out, sf, a.mode === 'nearest-exact', f32);
    return fwd.every((v, j) => v === bwd[j]);
  });
}
const MODES = ['nearest', 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic', 'area'];
const RANK = { linear: 3, bilinear: 4, trilinear: 5, bicubic: 4 };
const FACTORS = [2, 0.5, 1.5, 2.2, 3, 0.3, 1.7, 1, 1.25, 0.75, 2.5, 1 / 3];

add({
  name: 'F.interpolate',
  py: '(lambda c: (lambda y: y.to(x0.dtype) if x0.dtype == torch.bfloat16 else y)(F.interpolate(c(x0), size=a.size, scale_factor=a.sf, mode=a.mode, align_corners=a.ac, recompute_scale_factor=a.rc, antialias=a.aa)))(lambda t: t.float() if t.dtype == torch.bfloat16 else t)',
  gen: (r) => {
    const mode = r.pick(MODES);
    const ndim = r.bool(0.9) ? (RANK[mode] || r.int(3, 5)) : r.int(2, 6);
    const s = [r.bool(0.05) ? 0 : r.int(1, 2), r.bool(0.04) ? 0 : r.int(1, 2)];
    for (let d = 2; d < ndim; d++) s.push(r.bool(0.03) ? 0 : r.int(1, 6));
    const dim = Math.max(ndim - 2, 1);
    const interp = mode !== 'nearest' && mode !== 'nearest-exact' && mode !== 'area';
    const ac = interp ? r.pick([null, true, false]) : (r.bool(0.05) ? false : null);
    const rc = r.pick([null, null, null, true, false]);
    const dt = r.bool(0.92) ? r.pick(F3) : r.pick(['uint8', 'int32']);
    let size = null, sf = null;
    for (let tries = 0; tries < 20; tries++) {
      size = null; sf = null;
      const pick = r.u();
      if (pick < 0.45) size = r.bool(0.3) ? r.int(1, 8) : Array.from({ length: r.bool(0.95) ? dim : dim + 1 }, () => r.pick([1, 2, 3, 4, 5, 7, 9, 12]));
      else if (pick < 0.95) sf = r.bool(0.4) ? r.pick(FACTORS) : Array.from({ length: dim }, () => r.pick(FACTORS));
      else if (r.bool()) { size = 4; sf = 2; }
      const sh = s.slice(); sh.dtype = dt;
      if (torchConsistent(sh, { mode, size, sf, rc, ac })) break;
      if (tries === 19) { size = s.slice(2); sf = null; }
    }
    return { ins: [r.tensor(dt, s, 'cont')], a: { size, sf, mode, ac, rc, aa: r.bool(0.04) } };
  },
  fl: (fl, [x], a) => fl_(fl).interpolate(x, { size: a.size, scaleFactor: a.sf, mode: a.mode, alignCorners: a.ac, recomputeScaleFactor: a.rc, antialias: a.aa }),
  tol: 8,
  known: (a, [x]) => {
    if (a.aa && (a.mode === 'bilinear' || a.mode === 'bicubic') && x.shape.length === 4) return 'antialias (anti-aliased bilinear/bicubic downsampling) is not in flintml yet: refused';
    return null;
  },
});
add({
  name: 'F.interpolate-positional', py: 'F.interpolate(x0, a.size, a.sf, a.mode, a.ac)',
  gen: (r) => {
    const mode = r.pick(['nearest', 'bilinear', 'bicubic', 'nearest-exact']);
    const s = [r.int(1, 2), r.int(1, 2), r.int(1, 5), r.int(1, 5)];
    s.dtype = r.pick(['float32', 'float64']);
    let a;
    do {
      const bySize = r.bool();
      a = { size: bySize ? [r.int(1, 7), r.int(1, 7)] : null, sf: bySize ? null : r.pick(FACTORS), mode, ac: mode === 'bilinear' || mode === 'bicubic' ? r.bool() : null };
    } while (!torchConsistent(s, a));  // (a size equal to the input's always is)
    return { ins: [r.tensor(s.dtype, s, 'cont')], a };
  },
  fl: (fl, [x], a) => fl_(fl).interpolate(x, a.size, a.sf, a.mode, a.ac), tol: 8,
});

// ---- the conv layers' paddingMode, and nn.Upsample, with the same weights ---------------------------
for (const nd of [1, 2]) {
  add({
    name: `nn.Conv${nd}d-paddingMode`,
    py: `(lambda m: (m.load_state_dict(dict([('weight', x1.detach())] + ([('bias', x2.detach())] if a.bias else []))), m(x0))[1])(torch.nn.Conv${nd}d(a.ci, a.co, a.k, stride=a.st, padding=a.pad, dilation=a.dl, groups=a.g, bias=a.bias, padding_mode=a.pm, dtype=x0.dtype))`,
    gen: (r) => {
      const dt = r.pick(['float32', 'float64']), g = r.pick([1, 1, 2]), ci = g * r.int(1, 2), co = g * r.int(1, 2);
      const k = Array.from({ length: nd }, () => r.int(1, 3)), st = Array.from({ length: nd }, () => r.pick([1, 1, 2]));
      const dl = Array.from({ length: nd }, () => r.pick([1, 1, 2]));
      const pm = r.pick(['reflect', 'replicate', 'circular', 'circular']);
      let pad = r.bool(0.25) ? r.pick(['same', 'valid']) : Array.from({ length: nd }, () => r.int(0, 3));
      if (pad === 'same' && st.some((v) => v !== 1)) pad = 'valid';
      const sp = Array.from({ length: nd }, () => r.int(1, 6));
      const x = r.tensor(dt, [...(r.bool(0.85) ? [r.int(1, 2)] : []), ci, ...sp], 'cont');
      const one = (v) => (nd === 1 ? v[0] : v);
      return { ins: [x, r.tensor(dt, [co, ci / g, ...k], 'unit'), r.tensor(dt, [co], 'unit')], a: { ci, co, k: one(k), st: one(st), pad: typeof pad === 'string' ? pad : one(pad), dl: one(dl), g, bias: r.bool(0.7), pm } };
    },
    fl: (fl, [x, w, b], a) => {
      const m = new fl.nn[`Conv${nd}d`](a.ci, a.co, a.k, { stride: a.st, padding: a.pad, dilation: a.dl, groups: a.g, bias: a.bias, paddingMode: a.pm, dtype: x.dtype });
      if (x.device !== 'cpu') m.to(x.device);
      m.loadStateDict(a.bias ? { weight: w.detach(), bias: b.detach() } : { weight: w.detach() });
      return m.forward(x);
    },
    tol: 16,
  });
}
add({
  name: 'nn.Upsample',
  // (a scale factor per dim is a tuple in torch: its Upsample refuses a list)
  py: '(lambda m: m(x0))(torch.nn.Upsample(a.size, tuple(a.sf) if isinstance(a.sf, list) else a.sf, a.mode, a.ac))',
  gen: (r) => {
    const mode = r.pick(['nearest', 'nearest-exact', 'bilinear', 'bicubic', 'area']);
    const s = [r.int(1, 2), r.int(1, 3), r.int(1, 5), r.int(1, 5)];
    s.dtype = r.pick(['float32', 'float64']);
    let a;
    do {
      const bySize = r.bool();
      a = { size: bySize ? r.pick([3, [2, 5], [6, 4]]) : null, sf: bySize ? null : r.pick([2, 0.5, [1.5, 2], 3, 1.5]), mode, ac: mode === 'bilinear' || mode === 'bicubic' ? r.pick([null, true, false]) : null };
    } while (!torchConsistent(s, a));
    return { ins: [r.tensor(s.dtype, s, 'cont')], a };
  },
  fl: (fl, [x], a) => new fl.nn.Upsample(a.size, a.sf, a.mode, a.ac).forward(x), tol: 8,
});

// ---- repr: the layers print as their torch twins -----------------------------------------------------
add({
  name: 'repr-pad-resize', grad: false, py: 'str(eval(a.py))',
  gen: (r) => {
    const kind = r.pick(['Conv1d', 'Conv2d', 'Upsample']);
    if (kind === 'Upsample') {
      const size = r.pick([null, 4, [3, 5]]), sf = size === null ? r.pick([2, 1.5, [2, 3], 0.5]) : null;
      const mode = r.pick(['nearest', 'bilinear', 'bicubic', 'nearest-exact']);
      return { ins: [], a: { kind, size, sf, mode, py: `torch.nn.Upsample(size=${pyV(size)}, scale_factor=${pyV(sf)}, mode=${pyV(mode)})` } };
    }
    const nd = kind === 'Conv1d' ? 1 : 2, pm = r.pick(['zeros', 'reflect', 'replicate', 'circular']);
    const pad = r.pick([0, 1, 'same', 'valid']), dl = r.pick([1, 2]), bias = r.bool();
    return { ins: [], a: { kind, pm, pad, dl, bias, py: `torch.nn.${kind}(2, 4, ${nd === 1 ? 3 : '(3, 2)'}, padding=${pyV(pad)}, dilation=${dl}, bias=${pyB(bias)}, padding_mode=${pyV(pm)})` } };
  },
  fl: (fl, _, a) => (a.kind === 'Upsample' ? String(new fl.nn.Upsample({ size: a.size, scaleFactor: a.sf, mode: a.mode }))
    : String(new fl.nn[a.kind](2, 4, a.kind === 'Conv1d' ? 3 : [3, 2], { padding: a.pad, dilation: a.dl, bias: a.bias, paddingMode: a.pm }))),
});

module.exports = { SPECS: specs };
