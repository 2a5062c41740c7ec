// torch-diff-specs-conv.js — bench/torch-diff.js's specs for the CPU's fused convolution (the format
// of bench/torch-diff-specs.js): F.conv2d in float32 and float64 on shapes that select each path of
// native/cpu/conv.cpp (conv2dForward / conv2dBackwardInput / conv2dBackwardWeight): the general one
// (stride 1, whose input gradient is the flipped-kernel convolution, and strided, through col2im),
// the pointwise one (1x1, stride 1, no padding, with groups), the direct loops of depthwise
// convolutions (groups = channels, with a channel multiplier), a single-channel input, batches up to
// 11 (the weight gradient sums the batch in 8 fixed parts) and planes of 32-64 channels at 20-28
// pixels a side (several column blocks per image). bench/torch-diff-specs-nn.js's F.conv2d form
// covers the small shapes of every dtype; these are the shapes where the fused kernels cut work.
'use strict';

const F2 = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);
const fl_ = (fl) => fl.nn.functional;

/** [kind, N, C, H, W, O, kh, kw, stride, padding, dilation, groups] for one draw. */
function convShape(r, grouped) {
  const N = r.pick([1, 2, 3, 5, 9, 11]);
  if (grouped) {
    const kind = r.pick(['pointwise', 'depthwise', 'depthwise', 'grouped']);
    const g = r.int(2, 4);
    if (kind === 'pointwise') return { N, C: g * r.int(1, 3), H: r.int(1, 7), W: r.int(1, 7), O: g * r.int(1, 3), kh: 1, kw: 1, st: 1, pad: 0, dil: 1, g };
    if (kind === 'depthwise') {
      const k = r.pick([1, 3, 3, 5]);
      return { N, C: g, H: r.int(2, 9), W: r.int(2, 9), O: g * r.int(1, 2), kh: k, kw: r.pick([k, 3]), st: r.pick([1, 1, 2, [1, 2]]), pad: r.pick([0, 1, 2, 'same']), dil: r.pick([1, 1, 2]), g };
    }
    return { N, C: g * r.int(1, 3), H: r.int(2, 8), W: r.int(2, 8), O: g * r.int(1, 3), kh: r.int(1, 3), kw: r.int(1, 3), st: r.pick([1, 2]), pad: r.pick([0, 1, 'same']), dil: 1, g };
  }
  const kind = r.pick(['general', 'general', 'strided', 'single', 'blocks']);
  if (kind === 'blocks') {
    const side = r.int(20, 28);
    return { N: r.int(1, 2), C: r.pick([32, 48, 64]), H: side, W: r.int(20, 28), O: r.int(1, 3), kh: 3, kw: 3, st: 1, pad: 1, dil: 1, g: 1 };
  }
  if (kind === 'single') return { N, C: 1, H: r.int(3, 12), W: r.int(3, 12), O: r.int(1, 6), kh: r.pick([3, 5, 7]), kw: 3, st: r.pick([1, 2]), pad: r.pick([1, 3]), dil: 1, g: 1 };
  const st = kind === 'strided' ? r.pick([2, 3, [2, 1]]) : 1;
  return { N, C: r.int(1, 6), H: r.int(3, 10), W: r.int(3, 10), O: r.int(1, 6), kh: r.int(1, 5), kw: r.int(1, 5), st, pad: st === 1 ? r.pick([0, 1, 2, [1, 0], 'same', 'valid']) : r.pick([0, 1, 2]), dil: r.pick([1, 1, 2, [2, 1]]), g: 1 };
}

/** A shape whose dilated kernel fits the padded input (the refusals are F.conv2d's form's business). */
function fits(s) {
  const [dh, dw] = Array.isArray(s.dil) ? s.dil : [s.dil, s.dil];
  const [ph, pw] = s.pad === 'same' || s.pad === 'valid' ? [s.pad === 'same' ? 99 : 0, s.pad === 'same' ? 99 : 0] : Array.isArray(s.pad) ? s.pad : [s.pad, s.pad];
  return s.H + 2 * ph >= dh * (s.kh - 1) + 1 && s.W + 2 * pw >= dw * (s.kw - 1) + 1;
}

for (const grouped of [false, true]) {
  add({
    name: grouped ? 'F.conv2d-fused-grouped' : 'F.conv2d-fused',
    py: 'F.conv2d(x0, x1, x2 if a.hb else None, a.st, a.pad, a.dil, a.g)',
    gen: (r) => {
      let s = convShape(r, grouped);
      while (!fits(s) || (s.pad === 'same' && s.st !== 1)) s = convShape(r, grouped);
      const dt = r.pick(F2);
      return {
        ins: [r.tensor(dt, [s.N, s.C, s.H, s.W], 'cont'), r.tensor(dt, [s.O, s.C / s.g, s.kh, s.kw], 'cont'), r.tensor(dt, [s.O], 'cont')],
        a: { hb: r.bool(0.7), st: s.st, pad: s.pad, dil: s.dil, g: s.g },
      };
    },
    fl: (fl, [x, w, b], a) => fl_(fl).conv2d(x, w, a.hb ? b : null, { stride: a.st, padding: a.pad, dilation: a.dil, groups: a.g }),
    tol: 16,
  });
}

module.exports = { SPECS: specs };
