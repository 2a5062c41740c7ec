// torch-diff-specs-fft.js — bench/torch-diff.js's specs for torch.fft (lib/ops/fft.ts: every
// transform, fftfreq / rfftfreq, fftshift / ifftshift), the window functions (lib/ops/windows.ts) and
// stft / istft (lib/ops/stft.ts), in the format of bench/torch-diff-specs.js.
//
// Complex values cross the harness as their real views: a complex input is drawn as a real
// [..., 2] tensor and made complex on both sides (view_as_complex / viewAsComplex, differentiable),
// a complex result is returned as view_as_real / viewAsReal, so values and input gradients are
// compared as real tensors. Inputs: float32 / float64 mostly, int32 now and then (promoted to
// complex64), float16 now and then (both refuse: torch 1.13's CPU has no half FFT); lengths of 1..12
// (radix 2/3/4/5 and the Bluestein primes 7, 11), n / s that pad or trim, out-of-range dims and n = 0
// (both refuse), every norm.
'use strict';

const specs = [];
const add = (s) => specs.push(s);
const NORMS = [null, 'backward', 'forward', 'ortho'];
const REAL = ['float32', 'float64', 'float64', 'float32', 'int32', 'float16'];
const CF = ['float32', 'float64'];

/** A shape of lo..hi dims with sizes 1..12 (a zero size now and then). */
function shapeOf(r, lo, hi) {
  const n = r.int(lo, hi);
  const s = [];
  for (let d = 0; d < n; d++) s.push(r.bool(0.03) ? 0 : r.bool(0.3) ? r.int(1, 3) : r.int(1, 12));
  return s;
}
/** n or s entries: null (the input's size) mostly; 0 one time in twenty (both refuse). */
const pointsOf = (r) => (r.bool(0.05) ? 0 : r.bool(0.55) ? null : r.int(1, 13));
const dimOf = (r, n) => (r.bool(0.05) ? r.pick([n, -n - 1]) : r.dim(n));
/** The input: real (a.c false) or complex (a.c true: x0 is [..., 2]). */
function input(r, shape, complexP) {
  const c = r.bool(complexP);
  return { c, t: c ? r.tensor(r.pick(CF), [...shape, 2], 'cont') : r.tensor(r.pick(REAL), shape, 'cont') };
}
const PY_IN = '(torch.view_as_complex(x0.contiguous()) if a.c else x0)';
// (x.mul(1): a fresh row-major copy; contiguous() may keep a size-1 dim's odd stride, which
// viewAsComplex refuses as view_as_complex does)
const flIn = (fl, x, a) => (a.c ? fl.viewAsComplex(x.mul(1)) : x);
const PY_OUT = (e) => `(lambda y: torch.view_as_real(y.resolve_conj()) if y.is_complex() else y)(${e})`;
const flOut = (fl, y) => (fl.isComplex(y) ? fl.viewAsReal(y) : y);

// ---- the 1-D transforms --------------------------------------------------------------------------
for (const [name, complexP] of [['fft', 0.5], ['ifft', 0.5], ['rfft', 0.05], ['ihfft', 0.05], ['irfft', 0.9], ['hfft', 0.9]]) {
  add({
    name: `fft.${name}`, py: PY_OUT(`torch.fft.${name}(${PY_IN}, a.n, a.d, a.norm)`),
    gen: (r) => {
      const s = shapeOf(r, 1, 3);
      const { c, t } = input(r, s, complexP);
      return { ins: [t], a: { c, n: pointsOf(r), d: dimOf(r, s.length), norm: r.pick(NORMS) } };
    },
    fl: (fl, [x], a) => flOut(fl, fl.fft[name](flIn(fl, x, a), a.n, a.d, a.norm)), tol: 16,
  });
}
// keyword form of the 1-D transforms (options object)
add({
  name: 'fft.fft-options', py: PY_OUT(`torch.fft.fft(${PY_IN}, n=a.n, norm=a.norm)`),
  gen: (r) => { const { c, t } = input(r, shapeOf(r, 1, 2), 0.5); return { ins: [t], a: { c, n: pointsOf(r), norm: r.pick(NORMS) } }; },
  fl: (fl, [x], a) => flOut(fl, fl.fft.fft(flIn(fl, x, a), { n: a.n, norm: a.norm })), tol: 16,
});

// ---- the 2-D and n-D transforms ------------------------------------------------------------------
/** s and dim of an n-D call over a tensor of nd dims: null, or lists of 1..nd (matching lengths). */
function sAndDim(r, nd, twoD) {
  const k = twoD ? 2 : r.int(1, Math.max(nd, 1));
  const dims = [];
  while (dims.length < Math.min(k, nd)) { const d = r.int(0, nd - 1); if (!dims.includes(d)) dims.push(d); }
  const dim = twoD ? (r.bool(0.6) ? null : dims.length === 2 ? dims.map((d) => (r.bool() ? d - nd : d)) : null) : (r.bool(0.4) ? null : dims);
  const len = dim ? dim.length : twoD ? 2 : k;
  const s = r.bool(0.5) ? null : Array.from({ length: len }, () => (r.bool(0.2) ? -1 : r.bool(0.04) ? 0 : r.int(1, 9)));
  return { s, dim };
}
for (const [name, complexP, twoD] of [
  ['fft2', 0.5, true], ['ifft2', 0.5, true], ['fftn', 0.5, false], ['ifftn', 0.5, false],
  ['rfft2', 0.05, true], ['rfftn', 0.05, false], ['ihfft2', 0.05, true], ['ihfftn', 0.05, false],
  ['irfft2', 0.9, true], ['irfftn', 0.9, false], ['hfft2', 0.9, true], ['hfftn', 0.9, false],
]) {
  add({
    name: `fft.${name}`, py: PY_OUT(`torch.fft.${name}(${PY_IN}, a.s, ${twoD ? '(-2, -1) if a.dim is None else a.dim' : 'a.dim'}, a.norm)`),
    gen: (r) => {
      const sh = shapeOf(r, twoD ? 2 : 1, 3).map((v) => Math.min(v, 7));
      const { c, t } = input(r, sh, complexP);
      return { ins: [t], a: { c, ...sAndDim(r, sh.length, twoD), norm: r.pick(NORMS) } };
    },
    fl: (fl, [x], a) => flOut(fl, fl.fft[name](flIn(fl, x, a), a.s, twoD && a.dim === null ? [-2, -1] : a.dim, a.norm)), tol: 32,
  });
}

// ---- frequencies and shifts ------------------------------------------------------------------------
for (const name of ['fftfreq', 'rfftfreq']) {
  add({
    name: `fft.${name}`, grad: false, py: `torch.fft.${name}(a.n, a.d, dtype=getattr(torch, a.dt))`,
    gen: (r) => ({ ins: [], a: { n: r.int(0, 12), d: r.pick([1, 0.5, 2.5, 0.1, -1]), dt: r.pick(['float32', 'float64']) } }),
    fl: (fl, _, a) => fl.fft[name](a.n, a.d, { dtype: a.dt }),
  });
}
for (const name of ['fftshift', 'ifftshift']) {
  add({
    name: `fft.${name}`, py: PY_OUT(`torch.fft.${name}(${PY_IN}, a.dim)`),
    gen: (r) => {
      const s = shapeOf(r, 0, 3);
      const { c, t } = input(r, s, 0.3);
      const dim = r.bool(0.4) ? null : s.length === 0 ? null : r.bool(0.5) ? dimOf(r, s.length) : [...new Set([r.dim(s.length), r.dim(s.length)].map((d) => (d + s.length) % s.length))];
      return { ins: [t], a: { c, dim } };
    },
    fl: (fl, [x], a) => flOut(fl, fl.fft[name](flIn(fl, x, a), a.dim)),
  });
}

// ---- windows ---------------------------------------------------------------------------------------
for (const [name, tname, extra] of [
  ['hannWindow', 'hann_window', []], ['hammingWindow', 'hamming_window', ['alpha', 'beta']], ['blackmanWindow', 'blackman_window', []],
  ['bartlettWindow', 'bartlett_window', []], ['kaiserWindow', 'kaiser_window', ['beta']],
]) {
  add({
    name, grad: false,
    py: `torch.${tname}(a.n, a.p${extra.map((k) => `, ${k}=a.${k}`).join('')}, dtype=getattr(torch, a.dt))`,
    gen: (r) => {
      const a = { n: r.bool(0.05) ? -1 : r.int(0, 20), p: r.bool(), dt: r.pick(['float32', 'float64', 'float64']) };
      if (extra.includes('alpha')) a.alpha = r.pick([0.54, 0.5, 0.6]);
      if (extra.includes('beta')) a.beta = name === 'kaiserWindow' ? r.pick([12, 0, 5, 8.6]) : r.pick([0.46, 0.5, 0.3]);
      return { ins: [], a };
    },
    fl: (fl, _, a) => fl[name](a.n, a.p, ...extra.map((k) => a[k]), { dtype: a.dt }), tol: 8,
  });
}

// ---- stft / istft ------------------------------------------------------------------------------------
// the window's dtype is drawn apart from the signal's: a float64 one makes a float32 signal's result float64 (torch's promotion)
const WIN_PY = '(None if a.w is None else getattr(torch, a.w)(a.wl, dtype=getattr(torch, a.wdt)))';
// the window made on the CPU (as torch's here; the window functions' own forms compare them on the
// device) and moved to the input's device, as torch requires (`--device cuda` moves only the inputs)
const winFl = (fl, a, x) => (a.w === null ? null : fl[{ hann_window: 'hannWindow', hamming_window: 'hammingWindow', blackman_window: 'blackmanWindow' }[a.w]](a.wl, { dtype: a.wdt }).to(x.device));
add({
  name: 'stft', py: 'torch.view_as_real(torch.stft(x0, a.nfft, a.hop, a.wl, ' + WIN_PY + ', a.center, a.pad, a.norm, a.one, return_complex=True))',
  gen: (r) => {
    const L = r.int(4, 40), nfft = r.int(1, Math.min(L, 16));
    const wl = r.bool(0.7) ? nfft : r.int(1, nfft);
    const s = r.bool(0.7) ? [L] : [r.int(1, 3), L];
    return {
      ins: [r.tensor(r.pick(['float32', 'float64', 'float64', 'float32', 'int32']), s, 'cont')],
      a: { nfft, hop: r.bool(0.3) ? null : r.int(1, nfft + 2), wl, w: r.pick([null, 'hann_window', 'hamming_window', 'blackman_window']), wdt: r.pick(['float32', 'float64']),
        center: r.bool(0.7), pad: r.pick(['reflect', 'constant', 'replicate', 'circular']), norm: r.bool(0.3), one: r.pick([null, true, false]) },
    };
  },
  fl: (fl, [x], a) => fl.viewAsReal(fl.stft(x, a.nfft, a.hop, a.wl, winFl(fl, a, x), a.center, a.pad, a.norm, a.one, true)), tol: 32, coarsest: (a) => (a.w === null ? null : a.wdt),
});
add({
  name: 'istft', py: 'torch.istft(torch.view_as_complex(x0.contiguous()), a.nfft, a.hop, a.wl, ' + WIN_PY + ', a.center, a.norm, a.one, a.len)',
  gen: (r) => {
    const nfft = r.int(2, 12), one = r.bool(0.8);
    const wl = r.bool(0.7) ? nfft : r.int(Math.ceil(nfft / 2), nfft);
    const hop = r.int(1, Math.max(1, Math.floor(wl / 2)));
    const frames = r.int(2, 8);
    const F = one ? Math.floor(nfft / 2) + 1 : nfft;
    const s = r.bool(0.7) ? [F, frames, 2] : [2, F, frames, 2];
    return {
      ins: [r.tensor(r.pick(['float32', 'float64']), s, 'cont')],
      a: { nfft, hop, wl, w: r.pick(['hann_window', 'hamming_window', null]), wdt: r.pick(['float32', 'float64']), center: r.bool(0.7), norm: r.bool(0.3), one: r.bool(0.5) ? null : one,
        len: r.bool(0.6) ? null : r.int(1, nfft + hop * (frames - 1) + 3) },
    };
  },
  fl: (fl, [x], a) => fl.istft(fl.viewAsComplex(x.mul(1)), a.nfft, a.hop, a.wl, winFl(fl, a, x), a.center, a.norm, a.one, a.len), tol: 64, coarsest: (a) => (a.w === null ? null : a.wdt),
});

module.exports = { SPECS: specs };
