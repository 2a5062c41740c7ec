// torch-diff-specs-optim.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js)
// for fl.optim (SGD, Adam, AdamW, RMSprop, Adagrad), its LR schedulers and fl.nn.utils' gradient
// clipping.
//
// Optimizer specs: the first a.np inputs are the parameters (cloned on both sides), the others the
// gradients. a.steps[k][i] says what parameter i's .grad is before step k: an input index (that
// input becomes the gradient), 'n' (set to None: torch skips the parameter) or 'k' (left as it is:
// after zero_grad(set_to_none=False) zeros, after zero_grad() None, else the last step's gradient).
// a.zg[k] (null, true or false) is a zero_grad(set_to_none=...) before step k. a.d holds the
// constructor's options in torch's names (flintml's are their camelCase), a.groups param groups
// ({ idx: parameter indices, o: the group's own options }). The result is the list of parameters
// after the last step. Options are drawn valid most of the time and invalid now and then (a negative
// lr, betas out of [0, 1), nesterov without momentum...), which torch refuses with ValueError.
// The torch side is one Python expression: nested lambdas, with list displays for the statements.
'use strict';

const specs = [];
const add = (s) => specs.push(s);
const PF = ['float32', 'float64'];

/** torch's snake_case option names to flintml's camelCase ones (T_max is tMax). */
const camelKey = (k) => (k === 'T_max' ? 'tMax' : k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()));
const camel = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camelKey(k), v]));

// ---- optimizers -----------------------------------------------------------------------------------
/** Each optimizer's options as drawn: [torch name, valid values, invalid values (torch raises ValueError)]. */
const LRS = [0.1, 0.01, 0.5, 1, 0];
const OPTIMIZERS = {
  SGD: [
    ['lr', LRS, [-0.1]], ['momentum', [0, 0.9, 0.5, 0, 1], [-0.5]], ['dampening', [0, 0, 0.1, 0.5, 1], []],
    ['weight_decay', [0, 0.1, 0.01], [-0.1]], ['nesterov', [false, true], []], ['maximize', [false, true], []],
  ],
  Adam: [
    ['lr', LRS, [-0.1]], ['betas', [[0.9, 0.999], [0.5, 0.9], [0, 0.99], [0.9, 0]], [[1, 0.999], [0.9, 1], [-0.1, 0.9], [0.9, 1.5]]],
    ['eps', [1e-8, 1e-3, 0.1], [-1e-8]], ['weight_decay', [0, 0.1, 0.01], [-0.1]], ['amsgrad', [false, true], []], ['maximize', [false, true], []],
  ],
  RMSprop: [
    ['lr', LRS, [-0.1]], ['alpha', [0.99, 0.9, 0.5], [-0.5]], ['eps', [1e-8, 1e-3, 0.1], [-1e-8]], ['weight_decay', [0, 0.1, 0.01], [-0.1]],
    ['momentum', [0, 0.9, 0.5], [-0.5]], ['centered', [false, true], []], ['maximize', [false, true], []],
  ],
  Adagrad: [
    ['lr', LRS, [-0.1]], ['lr_decay', [0, 0.1, 0.5], [-0.1]], ['weight_decay', [0, 0.1, 0.01], [-0.1]],
    ['initial_accumulator_value', [0, 0.1, 1], [-0.1]], ['eps', [1e-10, 1e-3, 0.1], [-1e-10]], ['maximize', [false, true], []],
  ],
};
OPTIMIZERS.AdamW = OPTIMIZERS.Adam;

/** Options for a constructor (lr always: torch 1.13's SGD has no default lr) or a group (a few keys). */
function drawOpts(r, table, { group = false } = {}) {
  const o = {};
  for (const [k, valid] of table) {
    if (group ? r.bool(0.7) : (k !== 'lr' && r.bool(0.25))) continue;
    o[k] = r.pick(valid);
  }
  // an invalid value: in the constructor's options mostly, in a group's now and then (torch 1.13
  // checks only the constructor's; see `known` below)
  if (group ? r.bool(0.05) : r.bool(0.15)) {
    const bad = table.filter(([, , inv]) => inv.length);
    const [k, , inv] = r.pick(bad);
    o[k] = r.pick(inv);
  }
  return o;
}

for (const name of Object.keys(OPTIMIZERS)) {
  const table = OPTIMIZERS[name];
  add({
    name: `optim.${name}`,
    grad: false,
    gen: (r) => {
      const np = r.int(1, 3);
      const nsteps = r.int(3, 5);
      const ins = [];
      const dts = [];
      const shapes = [];
      for (let i = 0; i < np; i++) {
        dts.push(r.bool(0.7) ? (i > 0 && r.bool(0.6) ? dts[0] : r.pick(PF)) : r.pick(PF));
        shapes.push(r.shape(0, 3, 4));
        ins.push(r.tensor(dts[i], shapes[i], r.pick(['grid', 'cont'])));
      }
      const steps = [];
      const zg = [];
      for (let k = 0; k < nsteps; k++) {
        zg.push(r.bool(0.25) ? r.bool() : null);
        const row = [];
        for (let i = 0; i < np; i++) {
          const u = r.u();
          if (u < 0.1) row.push('n');
          else if (u < 0.18) row.push('k');
          else { row.push(ins.length); ins.push(r.tensor(dts[i], shapes[i], r.pick(['grid', 'cont', 'unit']))); }
        }
        steps.push(row);
      }
      const d = drawOpts(r, table);
      let groups = null;
      if (np > 1 && r.bool(0.4)) {
        // two groups: a split of the parameters, each with some options of its own
        const cut = r.int(1, np - 1);
        const idx = Array.from({ length: np }, (_, i) => i);
        groups = [{ idx: idx.slice(0, cut), o: drawOpts(r, table, { group: true }) }, { idx: idx.slice(cut), o: drawOpts(r, table, { group: true }) }];
      }
      return { ins, a: { opt: name, np, steps, zg, d, groups } };
    },
    py: `(lambda ps: (lambda opt: ([[(opt.zero_grad(set_to_none=z) if z is not None else None), [setattr(p, 'grad', None if m == 'n' else xs[m]) for p, m in zip(ps, ms) if m != 'k'], opt.step()] for z, ms in zip(a.zg, a.steps)], [p.detach() for p in ps])[1])(torch.optim.${name}(ps if a.groups is None else [dict(params=[ps[i] for i in g['idx']], **g['o']) for g in a.groups], **a.d)))([x.detach().clone().requires_grad_() for x in xs[:a.np]])`,
    fl: (fl, xs, a) => {
      const ps = xs.slice(0, a.np).map((x) => x.clone().requiresGrad_(true));
      const groups = a.groups ? a.groups.map((g) => ({ params: g.idx.map((i) => ps[i]), ...camel(g.o) })) : ps;
      const opt = new fl.optim[a.opt](groups, camel(a.d));
      try {
        a.steps.forEach((ms, k) => {
          if (a.zg[k] !== null) opt.zeroGrad({ setToNone: a.zg[k] });
          ms.forEach((m, i) => { if (m === 'n') ps[i].grad = null; else if (m !== 'k') ps[i].grad = xs[m]; });
          opt.step();
        });
      } finally { opt.dispose(); }
      return ps.map((p) => p.detach());
    },
    tol: 16,
    known: (a) => {
      if (a.groups && a.groups.some((g) => badOpts(table, g.o, a.d))) {
        return `torch 1.13's ${name} range-checks only the constructor's options and takes any value in a param group; flintml checks every group (lib/optim/optimizer.ts validateGroup)`;
      }
      // torch 1.13 fills every parameter's sum with the constructor's initial_accumulator_value
      // (torch/optim/adagrad.py __init__), ignoring a group's own; flintml takes the group's
      if (name === 'Adagrad' && a.groups && a.groups.some((g) => 'initial_accumulator_value' in g.o && g.o.initial_accumulator_value !== (a.d.initial_accumulator_value ?? 0))) {
        return "torch 1.13's Adagrad ignores a param group's initial_accumulator_value (uses the constructor's for every parameter); flintml uses the group's";
      }
      return null;
    },
  });
}

/** Whether a group's options (over the defaults d) hold a value torch refuses in a constructor. */
function badOpts(table, o, d) {
  const full = { ...d, ...o };
  for (const [k, , inv] of table) if (k in o && inv.some((v) => JSON.stringify(v) === JSON.stringify(o[k]))) return true;
  // SGD's nesterov needs momentum > 0 and dampening 0 (torch checks the constructor's alone)
  return !!(full.nesterov && ('nesterov' in o || 'momentum' in o || 'dampening' in o) && !((full.momentum || 0) > 0 && (full.dampening || 0) === 0));
}

// ---- LR schedulers --------------------------------------------------------------------------------
// The same lr lambdas on both sides (LambdaLR's lr_lambda is an index into them).
const PY_LAMBDAS = '[lambda e: 0.9 ** e, lambda e: 1.0 / (e + 1), lambda e: (1.0 if e < 3 else 0.5), lambda e: min(1.0, (e + 1) / 4)]';
const JS_LAMBDAS = [(e) => 0.9 ** e, (e) => 1.0 / (e + 1), (e) => (e < 3 ? 1.0 : 0.5), (e) => Math.min(1.0, (e + 1) / 4)];

/** A scheduler { k: class name, o: torch kwargs } with drawn options, valid mostly. */
function drawSched(r, k, ngroups) {
  const o = {};
  switch (k) {
    case 'StepLR': o.step_size = r.pick([1, 2, 3, 5]); if (r.bool(0.7)) o.gamma = r.pick([0.1, 0.5, 0.9, 2]); break;
    case 'MultiStepLR': {
      const ms = [];
      for (let i = r.int(0, 4); i > 0; i--) ms.push(r.int(0, 10));
      o.milestones = ms; if (r.bool(0.7)) o.gamma = r.pick([0.1, 0.5, 0.9]); break;
    }
    case 'ExponentialLR': o.gamma = r.pick([0.9, 0.5, 1, 1.1]); break;
    case 'CosineAnnealingLR': o.T_max = r.pick([1, 2, 3, 5, 10, 20]); if (r.bool(0.6)) o.eta_min = r.pick([0, 0.001, 0.01]); break;
    case 'LinearLR':
      if (r.bool(0.8)) o.start_factor = r.pick([1 / 3, 0.1, 0.5, 1, 0, 1.5]);
      if (r.bool(0.6)) o.end_factor = r.pick([1, 0.5, 0, 0.2, 1.5]);
      if (r.bool(0.8)) o.total_iters = r.pick([1, 3, 5, 8]);
      break;
    case 'LambdaLR': o.lr_lambda = ngroups > 1 && r.bool(0.5) ? Array.from({ length: ngroups }, () => r.int(0, 3)) : r.int(0, 3); break;
    case 'OneCycleLR':
      o.max_lr = ngroups > 1 && r.bool(0.4) ? Array.from({ length: ngroups }, () => r.pick([0.1, 1, 0.5])) : r.pick([0.1, 1, 0.5]);
      if (r.bool(0.8)) o.total_steps = r.pick([5, 10, 12, 20, 0]); else { o.epochs = r.int(1, 4); o.steps_per_epoch = r.int(2, 5); }
      if (r.bool(0.6)) o.pct_start = r.pick([0.3, 0.5, 0.1, 0, 1, 1.2]);
      if (r.bool(0.5)) o.anneal_strategy = r.pick(['cos', 'linear']);
      if (r.bool(0.3)) o.cycle_momentum = r.bool();
      if (r.bool(0.3)) o.base_momentum = r.pick([0.85, 0.8]);
      if (r.bool(0.3)) o.max_momentum = r.pick([0.95, 0.9]);
      if (r.bool(0.4)) o.div_factor = r.pick([25, 10, 2]);
      if (r.bool(0.4)) o.final_div_factor = r.pick([1e4, 100, 10]);
      if (r.bool(0.4)) o.three_phase = r.bool();
      break;
    default: throw new Error(k);
  }
  return { k, o };
}
const SCHEDS = ['StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR', 'LinearLR', 'LambdaLR', 'OneCycleLR', 'SequentialLR'];
// pct_start goes as a Python float: torch 1.13's OneCycleLR refuses an int one (`not isinstance(pct_start,
// float)`), and the JSON 0 and 1 arrive as ints (JavaScript has one number type)
const PY_MK = `(lambda opt, s: getattr(torch.optim.lr_scheduler, s['k'])(opt, **{k: (float(v) if k == 'pct_start' else ((${PY_LAMBDAS}[v] if isinstance(v, int) else [${PY_LAMBDAS}[j] for j in v]) if k == 'lr_lambda' else v)) for k, v in s['o'].items()}))`;
function jsMk(fl, opt, s) {
  const o = camel(s.o);
  if (s.k === 'LambdaLR') o.lrLambda = Array.isArray(o.lrLambda) ? o.lrLambda.map((j) => JS_LAMBDAS[j]) : JS_LAMBDAS[o.lrLambda];
  return new fl.optim.lrScheduler[s.k](opt, o);
}
for (const k of SCHEDS) {
  add({
    name: `lrScheduler.${k}`,
    grad: false,
    gen: (r) => {
      const lrs = Array.from({ length: r.int(1, 2) }, () => r.pick([0.1, 1, 0.05, 0.3]));
      let nep = r.int(6, 12);
      let s;
      if (k === 'SequentialLR') {
        const subs = [];
        for (let i = r.int(2, 3); i > 0; i--) subs.push(drawSched(r, r.pick(['StepLR', 'ExponentialLR', 'LinearLR', 'CosineAnnealingLR', 'MultiStepLR', 'LambdaLR']), lrs.length));
        const ms = [];
        let m = 0;
        for (let i = 1; i < subs.length; i++) { m += r.int(1, 4); ms.push(m); }
        s = { k, subs, ms };
      } else s = drawSched(r, k, lrs.length);
      // OneCycleLR refuses a step past its total (both libraries): mostly stay within it
      if (k === 'OneCycleLR' && r.bool(0.8)) nep = Math.min(nep, s.o.total_steps ?? s.o.epochs * s.o.steps_per_epoch);
      // step(epoch) (the deprecated closed form) now and then; never for SequentialLR (its step takes none)
      const ep = Array.from({ length: nep }, (_, e) => (k !== 'SequentialLR' && k !== 'OneCycleLR' && r.bool(0.1) ? r.int(0, e + 2) : null));
      const optName = k === 'OneCycleLR' && r.bool(0.4) ? 'Adam' : 'SGD';
      return { ins: [], a: { lrs, ep, s, optName } };
    },
    // [[lrs of each group, momentum (or beta1) of each group] for the construction and each epoch]
    py: `(lambda opt: (lambda sch: [[sch.get_last_lr(), [g['betas'][0] if 'betas' in g else g['momentum'] for g in opt.param_groups]]] + [(opt.step(), (sch.step() if e is None else sch.step(e)), [sch.get_last_lr(), [g['betas'][0] if 'betas' in g else g['momentum'] for g in opt.param_groups]])[2] for e in a.ep])(torch.optim.lr_scheduler.SequentialLR(opt, [${PY_MK}(opt, t) for t in a.s['subs']], a.s['ms']) if a.s['k'] == 'SequentialLR' else ${PY_MK}(opt, a.s)))((torch.optim.Adam if a.optName == 'Adam' else (lambda gs: torch.optim.SGD(gs, lr=0.5, momentum=0.9)))([dict(params=[torch.zeros(2, requires_grad=True)], lr=l) for l in a.lrs]))`,
    fl: (fl, xs, a) => {
      const groups = a.lrs.map((l) => ({ params: [fl.zeros([2]).requiresGrad_(true)], lr: l }));
      const opt = a.optName === 'Adam' ? new fl.optim.Adam(groups) : new fl.optim.SGD(groups, { lr: 0.5, momentum: 0.9 });
      const mom = () => opt.paramGroups.map((g) => ('betas' in g ? g.betas[0] : g.momentum));
      const sch = a.s.k === 'SequentialLR'
        ? new fl.optim.lrScheduler.SequentialLR(opt, { schedulers: a.s.subs.map((t) => jsMk(fl, opt, t)), milestones: a.s.ms })
        : jsMk(fl, opt, a.s);
      const out = [[sch.getLastLr(), mom()]];
      for (const e of a.ep) {
        opt.step();
        if (e === null) sch.step(); else sch.step(e);
        out.push([sch.getLastLr(), mom()]);
      }
      return out;
    },
    // torch 1.13's LinearLR takes start_factor 0 (its check is `start_factor < 0`) and divides by zero
    // on its first chainable step after epoch 0; torch 2's refuses it (`start_factor <= 0`), as
    // flintml does in its constructor
    known: (a) => ((a.s.k === 'SequentialLR' ? a.s.subs : [a.s]).some((t) => t.k === 'LinearLR' && t.o.start_factor === 0)
      ? "LinearLR's start_factor 0: torch 1.13 takes it (and divides by zero on its first chainable step), flintml refuses it as torch 2 does" : null),
  });
}

// ---- gradient clipping ----------------------------------------------------------------------------
/** Parameters (ins[0..np)) and, for those with a.has[i], a gradient (the inputs after them, in order). */
function clipCase(r) {
  const np = r.int(1, 3);
  const dt0 = r.pick(PF);
  const ins = [];
  const has = [];
  const shapes = [];
  const dts = [];
  for (let i = 0; i < np; i++) { dts.push(r.bool(0.7) ? dt0 : r.pick(PF)); shapes.push(r.shape(0, 3, 4)); ins.push(r.tensor(dts[i], shapes[i], 'grid')); }
  for (let i = 0; i < np; i++) {
    has.push(r.bool(0.85));
    if (has[i]) ins.push(r.tensor(dts[i], shapes[i], r.pick(['grid', 'cont', 'special', 'unit'])));
  }
  return { ins, np, has };
}
const PY_SETGRADS = `[setattr(p, 'grad', xs[a.np + sum(a.has[:i])] if a.has[i] else None) for i, p in enumerate(ps)]`;
function jsSetGrads(xs, a) {
  const ps = xs.slice(0, a.np).map((x) => x.clone().requiresGrad_(true));
  let j = a.np;
  ps.forEach((p, i) => { if (a.has[i]) p.grad = xs[j++]; });
  return ps;
}
add({
  name: 'nn.utils.clipGradNorm',
  grad: false,
  gen: (r) => {
    const { ins, np, has } = clipCase(r);
    return { ins, a: { np, has, mn: r.pick([1, 0.5, 2, 10, 0, 1e-3]), nt: r.pick([2, 2, 1, 'inf', 3, 0.5]), ef: r.bool(0.2) } };
  },
  py: `(lambda ps: (${PY_SETGRADS}, [torch.nn.utils.clip_grad_norm_(ps, a.mn, norm_type=(math.inf if a.nt == 'inf' else a.nt), error_if_nonfinite=a.ef)] + [p.grad for p in ps])[1])([x.detach().clone().requires_grad_() for x in xs[:a.np]])`,
  fl: (fl, xs, a) => {
    const ps = jsSetGrads(xs, a);
    return [fl.nn.utils.clipGradNorm(ps, a.mn, a.nt, a.ef), ...ps.map((p) => p.grad)];
  },
  tol: 16,
  // torch 1.13 takes the inf-norm of each gradient with abs().max(), which refuses an empty tensor
  known: (a, ins) => (a.nt === 'inf' && ins.slice(a.np).some((t) => t.shape.includes(0))
    ? "torch 1.13's clip_grad_norm_ with norm_type=inf refuses an empty gradient (max() of no elements); flintml counts its norm as 0" : null),
});
add({
  name: 'nn.utils.clipGradValue',
  grad: false,
  gen: (r) => {
    const { ins, np, has } = clipCase(r);
    return { ins, a: { np, has, cv: r.pick([1, 0.5, 2, 0, 0.25, -1]) } };
  },
  py: `(lambda ps: (${PY_SETGRADS}, torch.nn.utils.clip_grad_value_(ps, a.cv), [p.grad for p in ps])[2])([x.detach().clone().requires_grad_() for x in xs[:a.np]])`,
  fl: (fl, xs, a) => {
    const ps = jsSetGrads(xs, a);
    fl.nn.utils.clipGradValue(ps, a.cv);
    return ps.map((p) => p.grad);
  },
});

module.exports = { SPECS: specs };
