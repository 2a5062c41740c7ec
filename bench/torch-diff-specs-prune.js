// torch-diff-specs-prune.js — bench/torch-diff.js's specs for fl.nn.utils.prune (lib/nn/prune.ts),
// against torch.nn.utils.prune (the format of bench/torch-diff-specs.js). Each form builds a Linear
// on both sides holding the drawn weight and bias (x1, x2; x0 is the input), prunes it, and returns
// the output of a forward run through functionalCall / functional_call with the drawn tensors in
// place of `weight_orig` / `bias_orig` (so the harness's gradients are those of the originals: masked),
// then the masks (and, after `remove`, the weight). Values are continuous draws, so no ties decide a
// mask (ties are a documented difference: fl.topk takes them in index order). Amounts: an integer is
// a count, any other number a fraction (JavaScript has one number type; 1.0 is never drawn), now and
// then out of range or too large: both refuse.
'use strict';

const FD = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);
const PR = "__import__('torch.nn.utils.prune').nn.utils.prune";
const PY_LINEAR = 'torch.nn.Linear(a.i, a.o, dtype=x0.dtype)';
/** torch: the module m with the drawn weight and bias loaded (values only). */
const pyLoaded = `(lambda m: (m.load_state_dict({'weight': x1.detach(), 'bias': x2.detach()}), m)[1])(${PY_LINEAR})`;
const flLoaded = (fl, xs, a) => {
  const m = new fl.nn.Linear(a.i, a.o, { dtype: xs[0].dtype, device: xs[0].device });
  m.loadStateDict({ weight: xs[1].detach(), bias: xs[2].detach() });
  return m;
};
/**
 * torch: [y, the mask of each pruned name] for the module the steps (a Python expression in p, the
 * prune module, and m) left; `pruned` is a Python list expression. y runs through functional_call with
 * x1 / x2 standing for weight(_orig) / bias(_orig).
 */
const pyResult = (steps, pruned) => `(lambda p: (lambda m: [torch.nn.utils.stateless.functional_call(m, {('weight_orig' if 'weight' in ${pruned} else 'weight'): x1, ('bias_orig' if 'bias' in ${pruned} else 'bias'): x2}, (x0,))] + [getattr(m, k + '_mask') for k in ${pruned}])((lambda m: (${steps}, m)[-1])(${pyLoaded})))(${PR})`;
const flResult = (fl, m, pruned, xs) => [
  fl.func.functionalCall(m, { [pruned.includes('weight') ? 'weight_orig' : 'weight']: xs[1], [pruned.includes('bias') ? 'bias_orig' : 'bias']: xs[2] }, [xs[0]]),
  ...pruned.map((n) => m[`${n}_mask`]),
];

/** An amount for `size` units: a count (0 … size, now and then size + 1) or a fraction (now and then out of [0, 1]). */
function drawAmount(r, size) {
  if (r.bool(0.06)) return r.pick([1.5, -1, -0.25, size + 1]);
  return r.bool(0.5) ? r.int(0, size) : r.pick([0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 0.9, 0.999]);
}
const NORMS = [1, 2, 'inf', '-inf', 'fro', 3, 0.5, -1];
const pyNorm = "(float(a.n) if a.n in ('inf', '-inf') else a.n)";
const flNorm = (n) => (n === 'inf' ? Infinity : n === '-inf' ? -Infinity : n);

function drawLinear(r, extra = 0) {
  const dt = r.pick(FD), o = r.int(1, 5), i = r.int(1, 5), n = r.int(1, 3);
  const ins = [r.tensor(dt, [n, i], 'cont'), r.tensor(dt, [o, i], 'cont'), r.tensor(dt, [o], 'cont')];
  for (let k = 0; k < extra; k++) ins.push(r.tensor(dt, [o, i], 'cont'));
  return { ins, o, i };
}

// ---- l1Unstructured: weight or bias, a count or a fraction, with importance scores now and then -------------
add({
  name: 'nn.utils.prune.l1Unstructured',
  gen: (r) => {
    const { ins, o, i } = drawLinear(r, 1);
    const name = r.bool(0.7) ? 'weight' : 'bias';
    const scores = name === 'weight' && r.bool(0.3);
    if (!scores) ins.pop();
    return { ins, a: { o, i, name, amount: drawAmount(r, name === 'weight' ? o * i : o), scores } };
  },
  py: pyResult('p.l1_unstructured(m, a.name, amount=a.amount, importance_scores=(xs[3].detach() if a.scores else None))', '[a.name]'),
  fl: (fl, xs, a) => {
    const m = flLoaded(fl, xs, a);
    fl.nn.utils.prune.l1Unstructured(m, a.name, a.amount, a.scores ? xs[3].detach() : null);
    return flResult(fl, m, [a.name], xs);
  },
});

// ---- lnStructured: n, dim (now and then out of range), a count or a fraction of the channels ---------------
add({
  name: 'nn.utils.prune.lnStructured',
  gen: (r) => {
    const { ins, o, i } = drawLinear(r, 1);
    const dim = r.bool(0.05) ? r.pick([2, -3]) : r.pick([0, 1, -1, -2]);
    const scores = r.bool(0.3);
    if (!scores) ins.pop();
    const d = dim < 0 ? dim + 2 : dim;
    return { ins, a: { o, i, n: r.pick(NORMS), dim, amount: drawAmount(r, d === 0 ? o : i), scores } };
  },
  py: pyResult(`p.ln_structured(m, 'weight', amount=a.amount, n=${pyNorm}, dim=a.dim, importance_scores=(xs[3].detach() if a.scores else None))`, "['weight']"),
  fl: (fl, xs, a) => {
    const m = flLoaded(fl, xs, a);
    fl.nn.utils.prune.lnStructured(m, 'weight', a.amount, flNorm(a.n), a.dim, a.scores ? xs[3].detach() : null);
    return flResult(fl, m, ['weight'], xs);
  },
});

// ---- iterative: two or three steps of l1Unstructured, lnStructured, customFromMask on the weight -------------
function drawStep(r, o, i) {
  const kind = r.pick(['l1', 'l1', 'ln', 'ln', 'mask']);
  if (kind === 'l1') return { kind, amount: r.bool(0.5) ? r.int(0, 3) : r.pick([0.2, 0.5, 0.7]) };
  if (kind === 'ln') { const dim = r.pick([0, 1, -1]); return { kind, n: r.pick(NORMS), dim, amount: r.bool(0.5) ? r.int(0, 2) : r.pick([0.3, 0.5]) }; }
  return { kind, mask: Array.from({ length: o * i }, () => (r.bool(0.8) ? 1 : 0)) };
}
/** torch: one step, a dict of a.steps (s) */
const PY_STEP = "(p.l1_unstructured(m, 'weight', amount=s['amount']) if s['kind'] == 'l1' else "
  + "p.ln_structured(m, 'weight', amount=s['amount'], n=(float(s['n']) if s['n'] in ('inf', '-inf') else s['n']), dim=s['dim']) if s['kind'] == 'ln' else "
  + "p.custom_from_mask(m, 'weight', mask=torch.tensor(s['mask']).reshape(a.o, a.i)))";
/** After a first step, a negative-order norm (-1, -inf) of every channel that holds a pruned zero is 0: a tie. */
const negativeNormTie = (a) => (a.steps.some((s, k) => k > 0 && s.kind === 'ln' && (s.n === '-inf' || (typeof s.n === 'number' && s.n < 0)))
  ? 'ties: after a first step, the -1 or -inf norm of every channel holding a pruned zero is 0; torch.topk picks among tied channels in an unspecified order, fl.topk in index order (lnStructured keeps the lower channel)' : null);
add({
  name: 'nn.utils.prune.iterative', known: negativeNormTie,
  gen: (r) => {
    const { ins, o, i } = drawLinear(r);
    const steps = Array.from({ length: r.int(2, 3) }, () => drawStep(r, o, i));
    return { ins, a: { o, i, steps } };
  },
  py: pyResult(`[${PY_STEP} for s in a.steps]`, "['weight']"),
  fl: (fl, xs, a) => {
    const m = flLoaded(fl, xs, a);
    const P = fl.nn.utils.prune;
    for (const s of a.steps) {
      if (s.kind === 'l1') P.l1Unstructured(m, 'weight', s.amount);
      else if (s.kind === 'ln') P.lnStructured(m, 'weight', s.amount, flNorm(s.n), s.dim);
      else P.customFromMask(m, 'weight', fl.tensor(s.mask, { device: xs[0].device }).reshape([a.o, a.i]));
    }
    return flResult(fl, m, ['weight'], xs);
  },
});

// ---- globalUnstructured over the weight and the bias (L1Unstructured), one of them pruned before now and then ---
add({
  name: 'nn.utils.prune.globalUnstructured',
  gen: (r) => {
    const { ins, o, i } = drawLinear(r);
    const pre = r.pick([null, null, 'weight', 'bias']);
    return { ins, a: { o, i, pre, preAmount: 1, amount: drawAmount(r, o * i + o - (pre ? 1 : 0)) } };
  },
  py: pyResult("(p.l1_unstructured(m, a.pre, amount=a.preAmount) if a.pre else None), p.global_unstructured([(m, 'weight'), (m, 'bias')], pruning_method=p.L1Unstructured, amount=a.amount)", "['weight', 'bias']"),
  fl: (fl, xs, a) => {
    const m = flLoaded(fl, xs, a);
    const P = fl.nn.utils.prune;
    if (a.pre) P.l1Unstructured(m, a.pre, a.preAmount);
    P.globalUnstructured([[m, 'weight'], [m, 'bias']], P.L1Unstructured, { amount: a.amount });
    return flResult(fl, m, ['weight', 'bias'], xs);
  },
});

// ---- remove: l1 on the weight, then remove; the plain forward and the permanent weight ----------------------
add({
  name: 'nn.utils.prune.remove',
  gen: (r) => {
    const { ins, o, i } = drawLinear(r);
    return { ins, a: { o, i, amount: drawAmount(r, o * i), twice: r.bool(0.1) } };
  },
  py: `(lambda p: (lambda m: [m(x0), m.weight.detach().clone(), sorted(m.state_dict().keys()).__len__()])((lambda m: (p.l1_unstructured(m, 'weight', amount=a.amount), p.remove(m, 'weight'), (p.remove(m, 'weight') if a.twice else None), m)[-1])(${pyLoaded})))(${PR})`,
  fl: (fl, xs, a) => {
    const m = flLoaded(fl, xs, a);
    const P = fl.nn.utils.prune;
    P.l1Unstructured(m, 'weight', a.amount);
    P.remove(m, 'weight');
    if (a.twice) P.remove(m, 'weight');
    return [m.forward(xs[0]), m.weight.detach().clone(), Object.keys(m.stateDict()).length];
  },
});

module.exports = { SPECS: specs };
