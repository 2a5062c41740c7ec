// torch-diff-specs-bits.js — bench/torch-diff.js's specs for torch's integer and bit-level ops
// (lib/ops/bitwise.ts: bitwiseAnd / Or / Xor / Not, the shifts, gcd, lcm, nextafter, ldexp, frexp,
// igamma / igammac) and scatterReduce (lib/ops/indexing.ts); the format of bench/torch-diff-specs.js.
// Every dtype (floats are refused by the integer ops on both sides), numbers beside tensors,
// broadcasting, zero sizes, transposed layouts, duplicates in scatterReduce's index (and bad indices
// now and then), includeSelf both ways, the gradients of ldexp, frexp and scatterReduce.
//
// flintml's int32 stands for torch's int64 here: the shift counts stay below 28 so that a shifted
// value of [-5, 5] fits 32 bits (beyond, int64 keeps bits that int32 wraps), and no count is negative
// or at least the width (torch 1.13 left those to the CPU; flintml takes torch >= 2.1's definition:
// bench/FIDELITY.md).
'use strict';

const F = ['float32', 'float64', 'float16', 'bfloat16'];
const INTS = ['int32', 'uint8'];
const FI = [...F, ...INTS];
const ALL = [...FI, 'bool'];
const specs = [];
const add = (s) => specs.push(s);

/** Two broadcastable shapes of 0..3 dims (one side's sizes set to 1 or dropped now and then). */
function shapes(r) {
  const s = r.shape(0, 3);
  const t = s.map((n) => (r.bool(0.3) ? 1 : n)).slice(r.bool(0.2) ? 1 : 0);
  return r.bool() ? [s, t] : [t, s];
}
/** Integer and bool dtypes mostly, a float one now and then (refused on both sides). */
const intDt = (r, withBool = true) => (r.bool(0.1) ? r.pick(F) : r.pick(withBool ? [...INTS, 'bool'] : INTS));

// ---- bitwise and / or / xor: tensors or a number, promotion, broadcasting --------------------------
const BITWISE = [['bitwiseAnd', 'bitwise_and'], ['bitwiseOr', 'bitwise_or'], ['bitwiseXor', 'bitwise_xor']];
add({
  name: 'bits.bitwise', py: 'getattr(torch, a.t)(x0, x1)',
  gen: (r) => {
    const [s, t] = shapes(r);
    const [f, tn] = r.pick(BITWISE);
    return { ins: [r.tensor(intDt(r), s, 'int', -40, 40), r.tensor(intDt(r), t, 'int', -40, 40)], a: { f, t: tn } };
  },
  fl: (fl, [x, y], a) => fl[a.f](x, y),
});
add({
  name: 'bits.bitwise-number', py: 'getattr(torch, a.t)(x0, a.v) if a.right else getattr(torch, a.t)(a.v, x0)',
  gen: (r) => {
    const [f, tn] = r.pick(BITWISE);
    const dt = intDt(r);
    return { ins: [r.tensor(dt, r.shape(0, 3), 'int', -40, 40)], a: { f, t: tn, v: dt === 'bool' && r.bool() ? r.bool() : r.int(-9, 300), right: r.bool(0.7) } };
  },
  fl: (fl, [x], a) => (a.right ? fl[a.f](x, a.v) : fl[a.f](a.v, x)),
});
add({
  name: 'bits.bitwise-method_', grad: false, py: 'getattr(x0.clone(), a.t + "_")(x1)',
  gen: (r) => {
    const s = r.shape(0, 3);
    const [f, tn] = r.pick(BITWISE);
    const dt = intDt(r);
    return { ins: [r.tensor(dt, s, 'int', -40, 40), r.tensor(r.bool(0.8) ? dt : intDt(r), s.slice(r.bool(0.3) ? 1 : 0), 'int', -40, 40)], a: { f, t: tn } };
  },
  fl: (fl, [x, y], a) => x.clone()[`${a.f}_`](y),
});
add({
  name: 'bits.bitwiseNot', py: 'torch.bitwise_not(x0)',
  gen: (r) => ({ ins: [r.tensor(intDt(r), r.shape(0, 3), 'int', -40, 40)] }),
  fl: (fl, [x]) => fl.bitwiseNot(x),
});
add({
  name: 'bits.bitwiseNot_', grad: false, py: 'x0.clone().bitwise_not_()',
  gen: (r) => ({ ins: [r.tensor(intDt(r), r.shape(0, 3), 'int', -40, 40)] }),
  fl: (fl, [x]) => x.clone().bitwiseNot_(),
});

// ---- shifts: counts in [0, width) (see the head) ----------------------------------------------------
add({
  name: 'bits.shift', py: '(torch.bitwise_left_shift if a.left else torch.bitwise_right_shift)(x0, x1 if a.tensor else a.v)',
  gen: (r) => {
    const [s, t] = shapes(r);
    const dt = intDt(r, r.bool(0.05));
    const max = dt === 'uint8' ? 7 : 27;
    const cdt = dt === 'uint8' ? 'uint8' : r.pick([dt, 'uint8']);
    return {
      ins: [r.tensor(dt, s, 'int', -5, 5), r.tensor(cdt, t, 'index', 0, cdt === 'uint8' ? 7 : max)],
      a: { left: r.bool(), tensor: r.bool(0.7), v: r.int(0, dt === 'uint8' ? 7 : max) },
    };
  },
  fl: (fl, [x, c], a) => (a.left ? fl.bitwiseLeftShift : fl.bitwiseRightShift)(x, a.tensor ? c : a.v),
});
add({
  name: 'bits.shift-method_', grad: false, py: '(x0.clone().bitwise_left_shift_ if a.left else x0.clone().bitwise_right_shift_)(x1)',
  gen: (r) => {
    const s = r.shape(0, 3);
    const dt = r.pick(INTS);
    return { ins: [r.tensor(dt, s, 'int', -5, 5), r.tensor(dt, s, 'index', 0, dt === 'uint8' ? 7 : 27)], a: { left: r.bool() } };
  },
  fl: (fl, [x, c], a) => (a.left ? x.clone().bitwiseLeftShift_(c) : x.clone().bitwiseRightShift_(c)),
});

// ---- gcd, lcm: integer tensors (torch takes no number) ----------------------------------------------
add({
  name: 'bits.gcd-lcm', py: '(torch.gcd if a.g else torch.lcm)(x0, x1)',
  gen: (r) => {
    const [s, t] = shapes(r);
    const dt = intDt(r);
    return { ins: [r.tensor(dt, s, 'int', -30, 30), r.tensor(r.bool(0.8) ? dt : intDt(r), t, 'int', -30, 30)], a: { g: r.bool() } };
  },
  fl: (fl, [x, y], a) => (a.g ? fl.gcd(x, y) : fl.lcm(x, y)),
});
add({
  name: 'bits.gcd-lcm-method', grad: false, py: '(x0.gcd(x1) if a.g else x0.clone().lcm_(x1))',
  gen: (r) => {
    const s = r.shape(0, 3);
    const dt = r.pick(INTS);
    return { ins: [r.tensor(dt, s, 'int', -30, 30), r.tensor(dt, s, 'int', -30, 30)], a: { g: r.bool() } };
  },
  fl: (fl, [x, y], a) => (a.g ? x.gcd(y) : x.clone().lcm_(y)),
});

// ---- nextafter, ldexp, frexp, igamma -------------------------------------------------------------------
add({
  // torch 1.13 records a node whose backward fails (not_implemented): no gradient compared
  name: 'bits.nextafter', grad: false, py: 'torch.nextafter(x0, x1)',
  gen: (r) => {
    const [s, t] = shapes(r);
    const dt = r.bool(0.1) ? r.pick(['float16', 'int32']) : r.pick(['float32', 'float64', 'bfloat16']);
    return { ins: [r.tensor(dt, s, 'special'), r.tensor(r.bool(0.8) ? dt : r.pick(['float32', 'float64']), t, 'special')] };
  },
  fl: (fl, [x, y]) => fl.nextafter(x, y),
  known: (a, ins) => (ins.some((t) => t.dtype === 'float16') ? 'torch 1.13 has no float16 nextafter kernel (CPU); flintml refuses float16 as torch does there, where the float32 stand-in steps a float32 ulp (which rounds back to x)' : null),
});
add({
  name: 'bits.nextafter_', grad: false, py: 'x0.clone().nextafter_(x1)',
  gen: (r) => { const s = r.shape(0, 3); const dt = r.pick(['float32', 'float64', 'bfloat16']); return { ins: [r.tensor(dt, s, 'special'), r.tensor(dt, s, 'special')] }; },
  fl: (fl, [x, y]) => x.clone().nextafter_(y),
});
add({
  name: 'bits.ldexp', py: 'torch.ldexp(x0, x1)',
  gen: (r) => {
    const [s, t] = shapes(r);
    const edt = r.bool(0.6) ? r.pick(INTS) : r.pick(F);
    return { ins: [r.tensor(r.pick(r.bool(0.8) ? F : INTS), s, r.pick(['grid', 'special'])), r.tensor(edt, t, 'int', -6, 6)] };
  },
  fl: (fl, [x, e]) => fl.ldexp(x, e), tol: 4,
});
add({
  // (the exponent as int64 on torch's side: the harness reads flintml's int32 as torch's int64, and
  // torch.frexp's exponent is int32)
  name: 'bits.frexp', py: '(lambda r: (r.mantissa, r.exponent.long()))(torch.frexp(x0))',
  gen: (r) => ({ ins: [r.tensor(r.bool(0.1) ? r.pick([...INTS, 'bool']) : r.pick(F), r.shape(0, 3), r.pick(['grid', 'special', 'cont']))] }),
  fl: (fl, [x]) => fl.frexp(x),
});
add({
  name: 'bits.frexp-method', py: '(lambda r: (r.mantissa, r.exponent.long()))(x0.frexp())',
  gen: (r) => ({ ins: [r.tensor(r.pick(['float32', 'float64']), r.shape(0, 3), 'cont')] }),
  fl: (fl, [x]) => x.frexp(),
});
add({
  // (their gradients are special.gammainc's: bench/torch-diff-specs-special.js)
  name: 'bits.igamma', grad: false, py: '(torch.igamma if a.p else torch.igammac)(x0, x1)',
  gen: (r) => {
    const [s, t] = shapes(r);
    const dt = r.pick(['float32', 'float64']);
    return { ins: [r.tensor(dt, s, 'pos'), r.tensor(dt, t, 'pos')], a: { p: r.bool() } };
  },
  fl: (fl, [a, x], o) => (o.p ? fl.igamma(a, x) : a.igammac(x)), tol: 16,
});

// ---- scatterReduce ------------------------------------------------------------------------------------
const REDUCE = ['sum', 'prod', 'mean', 'amax', 'amin'];
/** An index along d of x's shape s with duplicates (a bad value or a too-large dim now and then: refused on both sides). */
function dupIndex(r, s, d) {
  const t = s.map((n, k) => (k === d ? r.int(0, 6) : r.int(0, n)));
  if (r.bool(0.04) && t.length > 1) { const k = (d + 1) % t.length; t[k] = s[k] + 1; }
  const idx = r.tensor('int32', t, 'index', 0, Math.max(s[d] - 1, 0));
  idx.v = idx.v.map((x) => (r.bool(0.4) ? 0 : x));
  if (s[d] === 0 || r.bool(0.04)) idx.v = idx.v.map((x) => (r.bool(0.3) ? r.pick([s[d], -1]) : x));
  return idx;
}
add({
  name: 'bits.scatterReduce', py: 'x0.scatter_reduce(a.d, x1, x2, a.reduce, include_self=a.inc)',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const d = r.dim(s.length);
    const dd = d < 0 ? d + s.length : d;
    const reduce = r.pick(REDUCE);
    // bool: sum/prod/amax/amin (torch's mean of bool divides a bool)
    const dt = reduce !== 'mean' && r.bool(0.05) ? 'bool' : r.pick(FI);
    const idx = dupIndex(r, s, dd);
    // src larger than the index only for integer dtypes: torch 1.13's backward returns a gradient of
    // the index's shape for src (as ScatterAddBackward0: "invalid gradient")
    const src = idx.shape.map((n) => n + (!F.includes(dt) && r.bool(0.3) ? 1 : 0));
    return { ins: [r.tensor(dt, s, r.pick(['grid', 'grid', 'special'])), idx, r.tensor(dt, src, 'grid')], a: { d, reduce, inc: r.bool() } };
  },
  fl: (fl, [x, i, src], a) => fl.scatterReduce(x, a.d, i, src, a.reduce, { includeSelf: a.inc }), tol: 8,
});
add({
  name: 'bits.scatterReduce-method_', grad: false, py: 'x0.detach().clone().scatter_reduce_(a.d, x1, x2, a.reduce, include_self=a.inc)',
  gen: (r) => {
    const s = r.shape(1, 3, 4);
    const d = r.dim(s.length);
    const dt = r.pick(FI);
    const idx = dupIndex(r, s, d < 0 ? d + s.length : d);
    return { ins: [r.tensor(dt, s), idx, r.tensor(dt, idx.shape)], a: { d, reduce: r.pick(REDUCE), inc: r.bool() } };
  },
  fl: (fl, [x, i, src], a) => x.detach().clone().scatterReduce_(a.d, i, src, a.reduce, { includeSelf: a.inc }), tol: 8,
});

module.exports = { SPECS: specs };
