// torch-diff-specs-functional.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js)
// for fl.autograd.functional against torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp and
// vhp of random compositions of the data table's functions (bench/torch-diff-specs-data.js: FNS), of
// one input or two (as an array), with one output, an array of one, or two outputs; the input given
// as a Tensor or as an array of one; createGraph (then a second derivative of the sum of the results
// is compared too), strict, vectorize; v of the right shape, of a wrong one, or left out. Every spec
// has `grad: false`: the (nested) results are what is compared.
'use strict';

const { FNS, PY_FNS, NAMES, fin } = require('./torch-diff-specs-data');

const specs = [];
const add = (s) => specs.push(s);

// the function: base = g(f(x)) (times h(y) with two inputs); outputs: base, [base], or [base, h(last input).sum()]
const PY_BASE = '(FS[a.g](FS[a.f](t[0])) * FS[a.h](t[1]) if a.two else FS[a.g](FS[a.f](t[0])))';
const PY_OUT = `(lambda *t: ${PY_BASE} if a.outs == 'one' else (${PY_BASE},) if a.outs == 'tuple1' else (${PY_BASE}, FS[a.h](t[-1]).sum()))`;
// a scalar of it (hessian, vhp, hvp), or base itself ('none': refused unless it has one element)
const REDUCE = {
  sum: ['y.sum()', (y) => y.sum()], mean: ['y.mean()', (y) => y.mean()], sq: ['(y * y).sum()', (y) => y.mul(y).sum()],
  softmax: ['(torch.softmax(y.reshape(-1), 0) * y.reshape(-1)).sum()', (y) => y.reshape([-1]).softmax(0).mul(y.reshape([-1])).sum()], none: ['y', (y) => y],
};
const PY_REDUCE = `{${Object.entries(REDUCE).map(([k, [p]]) => `'${k}': (lambda y: ${p})`).join(', ')}}`;
const PY_SCALAR = `(lambda *t: R[a.red](${PY_BASE}))`;
// the inputs (fresh leaves that require grad with createGraph) and how they are passed: a tuple of
// two, a tuple of one, or the tensor
const PY_INS = '[x.detach().clone().requires_grad_(a.cg) for x in (xs[:2] if a.two else xs[:1])]';
const PY_PASS = '(tuple(ins) if a.two else (ins[0],) if a.tin else ins[0])';
// v from the case's inputs: None, one tensor, or a tuple (indices a.v, a.vt: whether a tuple)
const PY_V = '(None if a.v is None else tuple(xs[i] for i in a.v) if a.vt else xs[a.v[0]])';
// the flattened results; with createGraph, the gradient of their sum with respect to the first input
const PY_FLAT = '(lambda FL, r: [r] if isinstance(r, torch.Tensor) else [u for e in r for u in FL(FL, e)])';
const PY_SECOND = '(lambda s: torch.autograd.grad(s, [ins[0]], allow_unused=True)[0] if s.requires_grad else None)(sum(t.sum() for t in FL(FL, res))) if a.cg else None';
const py = (call) => `(lambda FS, R, FL, ins: (lambda res: [res, ${PY_SECOND}])(${call}))(${PY_FNS}, ${PY_REDUCE}, ${PY_FLAT}, ${PY_INS})`;

const base = (t, a) => (a.two ? FNS[a.g][1](FNS[a.f][1](t[0])).mul(FNS[a.h][1](t[1])) : FNS[a.g][1](FNS[a.f][1](t[0])));
const outFn = (a) => (...t) => {
  const b = base(t, a);
  return a.outs === 'one' ? b : a.outs === 'tuple1' ? [b] : [b, FNS[a.h][1](t[t.length - 1]).sum()];
};
const scalarFn = (a) => (...t) => REDUCE[a.red][1](base(t, a));
const insOf = (xs, a) => (a.two ? xs.slice(0, 2) : xs.slice(0, 1)).map((x) => x.detach().clone().requiresGrad_(a.cg));
const passOf = (ins, a) => (a.two ? ins : a.tin ? [ins[0]] : ins[0]);
const vOf = (xs, a) => (a.v === null ? null : a.vt ? a.v.map((i) => xs[i]) : xs[a.v[0]]);
const flat = (r) => (Array.isArray(r) ? r.flatMap(flat) : [r]);
function withSecond(fl, res, ins, a) {
  if (!a.cg) return [res, null];
  const s = flat(res).map((t) => t.sum()).reduce((p, q) => p.add(q));
  return [res, s.requiresGrad ? fl.autograd.grad(s, [ins[0]], { allowUnused: true })[0] : null];
}

/** The common draw: x (and y of its shape), the function, how it is called. */
function draw(r, scalar) {
  const x = fin(r);
  const two = r.bool(0.4);
  const ins = [x];
  if (two) ins.push(fin(r, x.shape));
  const a = {
    f: r.pick(NAMES), g: r.pick(NAMES), h: r.pick(NAMES), two, tin: !two && r.bool(0.25),
    outs: scalar ? 'one' : r.pick(['one', 'one', 'tuple1', 'two']), red: r.pick(['sum', 'sum', 'mean', 'sq', 'softmax', ...(r.bool(0.15) ? ['none'] : [])]),
    cg: r.bool(0.3), st: r.bool(0.15), v: null, vt: false,
  };
  return { x, ins, a };
}
/** v shaped as `shapes` (the outputs' or the inputs'), given as a tuple when `tuple`; now and then a wrong shape or none. */
function drawV(r, ins, a, shapes, tuple) {
  if (r.bool(0.1)) return;  // v left out: valid only for one element
  const bad = r.bool(0.08);
  const dtype = ins[0].dtype;
  a.v = shapes.map((s, k) => ins.push(r.tensor(dtype, bad && k === 0 ? [s.reduce((p, q) => p * q, 1) + 1] : s, 'grid')) - 1);
  a.vt = tuple || (r.bool(0.1) && shapes.length === 1);
}
const inputShapes = (x, a) => (a.two ? [x.shape, x.shape] : [x.shape]);
const tupleIn = (a) => a.two || a.tin;

add({
  name: 'functional.jacobian',
  grad: false,
  gen: (r) => { const { ins, a } = draw(r, false); a.vec = r.bool(0.2); return { ins, a }; },
  py: py(`torch.autograd.functional.jacobian(${PY_OUT}, ${PY_PASS}, create_graph=a.cg, strict=a.st, vectorize=a.vec)`),
  fl: (fl, xs, a) => { const ins = insOf(xs, a); return withSecond(fl, fl.autograd.functional.jacobian(outFn(a), passOf(ins, a), { createGraph: a.cg, strict: a.st, vectorize: a.vec }), ins, a); },
  tol: 16,
});

add({
  name: 'functional.hessian',
  grad: false,
  gen: (r) => { const { ins, a } = draw(r, true); a.vec = r.bool(0.2); return { ins, a }; },
  py: py(`torch.autograd.functional.hessian(${PY_SCALAR}, ${PY_PASS}, create_graph=a.cg, strict=a.st, vectorize=a.vec)`),
  fl: (fl, xs, a) => { const ins = insOf(xs, a); return withSecond(fl, fl.autograd.functional.hessian(scalarFn(a), passOf(ins, a), { createGraph: a.cg, strict: a.st, vectorize: a.vec }), ins, a); },
  tol: 32,
});

add({
  name: 'functional.vjp',
  grad: false,
  gen: (r) => {
    const { x, ins, a } = draw(r, false);
    drawV(r, ins, a, a.outs === 'two' ? [x.shape, []] : [x.shape], a.outs !== 'one');
    return { ins, a };
  },
  py: py(`torch.autograd.functional.vjp(${PY_OUT}, ${PY_PASS}, ${PY_V}, create_graph=a.cg, strict=a.st)`),
  fl: (fl, xs, a) => { const ins = insOf(xs, a); return withSecond(fl, fl.autograd.functional.vjp(outFn(a), passOf(ins, a), vOf(xs, a), { createGraph: a.cg, strict: a.st }), ins, a); },
  tol: 16,
});

add({
  name: 'functional.jvp',
  grad: false,
  gen: (r) => {
    const { x, ins, a } = draw(r, false);
    drawV(r, ins, a, inputShapes(x, a), tupleIn(a));
    return { ins, a };
  },
  py: py(`torch.autograd.functional.jvp(${PY_OUT}, ${PY_PASS}, ${PY_V}, create_graph=a.cg, strict=a.st)`),
  fl: (fl, xs, a) => { const ins = insOf(xs, a); return withSecond(fl, fl.autograd.functional.jvp(outFn(a), passOf(ins, a), vOf(xs, a), { createGraph: a.cg, strict: a.st }), ins, a); },
  tol: 16,
});

for (const name of ['hvp', 'vhp']) {
  add({
    name: `functional.${name}`,
    grad: false,
    gen: (r) => {
      const { x, ins, a } = draw(r, true);
      drawV(r, ins, a, inputShapes(x, a), tupleIn(a));
      return { ins, a };
    },
    py: py(`torch.autograd.functional.${name}(${PY_SCALAR}, ${PY_PASS}, ${PY_V}, create_graph=a.cg, strict=a.st)`),
    fl: (fl, xs, a) => { const ins = insOf(xs, a); return withSecond(fl, fl.autograd.functional[name](scalarFn(a), passOf(ins, a), vOf(xs, a), { createGraph: a.cg, strict: a.st }), ins, a); },
    tol: 32,
  });
}

// Second derivatives cancel (e.g. exp(x) - exp(x) terms): a value that is exactly 0 here may be
// ±1e-16 in torch. The error scale of every form has an absolute floor of 1 (the inputs' scale).
for (const s of specs) s.absScale = () => 1;

module.exports = { SPECS: specs };
