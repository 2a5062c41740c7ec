// torch-diff-specs-packed.js — bench/torch-diff.js's specs for fl.nn.utils.rnn (lib/nn/packed.ts,
// torch.nn.utils.rnn; the format of bench/torch-diff-specs.js): padSequence, packPaddedSequence
// (the whole PackedSequence compared as torch's tuple: data, batch_sizes, sorted_indices,
// unsorted_indices), the pack → pad round trip (with paddingValue and totalLength), packSequence,
// packSequence → unpackSequence, and unpadSequence. Every dtype; trailing feature dims of 0..2 dims
// (a zero size now and then), both layouts, sorted and unsorted lengths (ties included), and now and
// then what both refuse: a zero length, unsorted lengths with enforceSorted, a totalLength shorter
// than the longest sequence, a 0-dim sequence. A length past T is never drawn: torch 1.13 reads past
// the input there (no check; flintml refuses, bench/FIDELITY.md). The gradient of the first output
// tensor (the padded or packed data) is compared.
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const ALL = [...F, 'int32', 'uint8', 'bool'];
const specs = [];
const add = (s) => specs.push(s);
const R = (fl) => fl.nn.utils.rnn;
const RNN = 'torch.nn.utils.rnn';

/** B lengths in [1, T] (a zero one time in twenty: both refuse), sorted decreasing when `sorted`. */
function lengthsOf(r, B, T, sorted) {
  const lens = Array.from({ length: B }, () => r.int(1, T));
  if (r.bool(0.05)) lens[r.int(0, B - 1)] = 0;
  if (sorted) lens.sort((a, b) => b - a);
  return lens;
}
/** A padded batch [T, B, *rest] (or [B, T, *rest]) and lengths for it. */
function paddedCase(r) {
  const T = r.int(1, 5), B = r.int(1, 4), bf = r.bool();
  const rest = r.shape(0, 2, 3);
  const es = r.bool();
  // unsorted lengths with enforceSorted now and then (both refuse)
  const lens = lengthsOf(r, B, T, !es || !r.bool(0.1));
  const dtype = r.pick(r.bool(0.7) ? F : ALL);
  return { x: r.tensor(dtype, bf ? [B, T, ...rest] : [T, B, ...rest]), lens, bf, es };
}
/** 1..4 sequences [L_i, *rest] (L_i in 0..5; a 0-dim one now and then: both refuse), one dtype or, now and then, mixed floats. */
function sequences(r, minLen = 0) {
  const n = r.int(1, 4), rest = r.shape(0, 2, 3);
  const dt = r.pick(r.bool(0.7) ? F : ALL), mixed = r.bool(0.15);
  const seqs = Array.from({ length: n }, () => r.tensor(mixed ? r.pick(F) : dt, [r.int(minLen, 5), ...rest]));
  if (r.bool(0.04)) seqs[r.int(0, n - 1)] = r.tensor(dt, []);
  return seqs;
}
const PADS = [0, -1, 2.5, 7];

add({
  name: 'padSequence', py: `${RNN}.pad_sequence(xs, batch_first=a.bf, padding_value=a.pv)`,
  gen: (r) => ({ ins: sequences(r), a: { bf: r.bool(), pv: r.pick(PADS) } }),
  fl: (fl, xs, a) => R(fl).padSequence(xs, a.bf, a.pv),
});
add({
  name: 'packPaddedSequence', py: `tuple(${RNN}.pack_padded_sequence(x0, a.lens, batch_first=a.bf, enforce_sorted=a.es))`,
  gen: (r) => { const c = paddedCase(r); return { ins: [c.x], a: { lens: c.lens, bf: c.bf, es: c.es } }; },
  fl: (fl, [x], a) => [...R(fl).packPaddedSequence(x, a.lens, a.bf, a.es)],
});
add({
  name: 'packPaddedSequence-lengthsTensor', py: `tuple(${RNN}.pack_padded_sequence(x0, torch.tensor(a.lens), batch_first=a.bf, enforce_sorted=a.es))`,
  gen: (r) => { const c = paddedCase(r); return { ins: [c.x], a: { lens: c.lens, bf: c.bf, es: c.es } }; },
  fl: (fl, [x], a) => [...R(fl).packPaddedSequence(x, fl.tensor(a.lens, { dtype: 'int32' }), { batchFirst: a.bf, enforceSorted: a.es })],
});
add({
  name: 'padPackedSequence',
  py: `tuple(${RNN}.pad_packed_sequence(${RNN}.pack_padded_sequence(x0, a.lens, batch_first=a.bf, enforce_sorted=a.es), batch_first=a.bf2, padding_value=a.pv, total_length=a.tl))`,
  gen: (r) => {
    const c = paddedCase(r);
    const maxLen = Math.max(...c.lens);
    // totalLength: none, the longest, longer, or (both refuse) shorter
    const tl = r.pick([null, null, maxLen, maxLen + r.int(1, 3), maxLen > 1 ? maxLen - 1 : null]);
    return { ins: [c.x], a: { lens: c.lens, bf: c.bf, es: c.es, bf2: r.bool(), pv: r.pick(PADS), tl } };
  },
  fl: (fl, [x], a) => R(fl).padPackedSequence(R(fl).packPaddedSequence(x, a.lens, a.bf, a.es), a.bf2, a.pv, a.tl),
});
add({
  name: 'packSequence', py: `tuple(${RNN}.pack_sequence(xs, enforce_sorted=a.es))`,
  gen: (r) => {
    const es = r.bool();
    const seqs = sequences(r, r.bool(0.9) ? 1 : 0);
    if (es && r.bool(0.9)) seqs.sort((p, q) => (q.shape[0] ?? 0) - (p.shape[0] ?? 0));
    return { ins: seqs, a: { es } };
  },
  fl: (fl, xs, a) => [...R(fl).packSequence(xs, a.es)],
});
add({
  name: 'unpackSequence', py: `${RNN}.unpack_sequence(${RNN}.pack_sequence(xs, enforce_sorted=False))`,
  gen: (r) => ({ ins: sequences(r, 1) }),
  fl: (fl, xs) => R(fl).unpackSequence(R(fl).packSequence(xs, false)),
});
add({
  // (x0 * 1: torch 1.13's unpad_sequence transposes its input in place, which a leaf that requires grad refuses)
  name: 'unpadSequence', py: `${RNN}.unpad_sequence(x0 * 1 if x0.dtype != torch.bool else x0.clone(), torch.tensor(a.lens), batch_first=a.bf)`,
  gen: (r) => {
    const T = r.int(1, 5), B = r.int(1, 4), bf = r.bool();
    const rest = r.shape(0, 2, 3);
    // lengths: in [0, T], past T now and then (all steps kept), fewer or more than B now and then (zip)
    const n = r.bool(0.85) ? B : r.int(1, B + 2);
    const lens = Array.from({ length: n }, () => (r.bool(0.1) ? T + r.int(1, 2) : r.int(0, T)));
    return { ins: [r.tensor(r.pick(r.bool(0.7) ? F : ALL), bf ? [B, T, ...rest] : [T, B, ...rest])], a: { lens, bf } };
  },
  fl: (fl, [x], a) => R(fl).unpadSequence(x, a.lens, a.bf),
});

module.exports = { SPECS: specs };
