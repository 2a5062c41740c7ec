// torch-diff-specs-optim2.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js)
// for the optimizers Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD and LBFGS, the schedulers
// ConstantLR, MultiplicativeLR, PolynomialLR, CyclicLR, CosineAnnealingWarmRestarts,
// ChainedScheduler and ReduceLROnPlateau, and torch.optim.swa_utils (SWALR, AveragedModel).
//
// Optimizer specs follow bench/torch-diff-specs-optim.js: the first a.np inputs are the parameters,
// a.steps[k][i] says what parameter i's .grad is before step k (an input index, 'n' for None, 'k'
// to keep it), a.zg[k] a zero_grad(set_to_none=...) before step k, a.d the constructor's options in
// torch's names, a.groups two param groups. LBFGS minimises a fixed convex function of its
// parameters (sum a (p - c)² + p⁴/4, a and c inputs) with step(closure), float64.
// Scheduler specs record get_last_lr() (each group's lr for ReduceLROnPlateau, which has no
// get_last_lr in torch 1.13) and each group's momentum (or beta1) after construction and each step.
'use strict';

const specs = [];
const add = (s) => specs.push(s);
const PF = ['float32', 'float64'];
/** torch's option names to flintml's camelCase (T_0 is t0, T_mult tMult). */
const KEYS = { T_0: 't0', T_mult: 'tMult' };
const camelKey = (k) => KEYS[k] ?? k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const camel = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camelKey(k), v]));

// ---- optimizers -----------------------------------------------------------------------------------
const LRS = [0.1, 0.01, 0.5, 1, 0];
const BETAS = [[[0.9, 0.999], [0.5, 0.9], [0, 0.99], [0.9, 0]], [[1, 0.999], [0.9, 1], [-0.1, 0.9], [0.9, 1.5]]];
/** [torch name, valid values, invalid values (torch raises ValueError)] for each optimizer. */
const OPTIMIZERS = {
  Adamax: [['lr', LRS, [-0.1]], ['betas', ...BETAS], ['eps', [1e-8, 1e-3, 0.1], [-1e-8]], ['weight_decay', [0, 0.1, 0.01], [-0.1]], ['maximize', [false, true], []]],
  NAdam: [['lr', LRS, [-0.1]], ['betas', ...BETAS], ['eps', [1e-8, 1e-3, 0.1], [-1e-8]], ['weight_decay', [0, 0.1, 0.01], [-0.1]], ['momentum_decay', [4e-3, 0, 0.1, 1], [-0.1]]],
  RAdam: [['lr', LRS, [-0.1]], ['betas', [[0.9, 0.999], [0.5, 0.9], [0, 0.8], [0.9, 0.5]], BETAS[1]], ['eps', [1e-8, 1e-3, 0.1], [-1e-8]], ['weight_decay', [0, 0.1, 0.01], [-0.1]]],
  Adadelta: [['lr', [1, ...LRS], [-0.1]], ['rho', [0.9, 0.5, 0, 1], [1.5, -0.1]], ['eps', [1e-6, 1e-3, 0.1], [-1e-6]], ['weight_decay', [0, 0.1, 0.01], [-0.1]], ['maximize', [false, true], []]],
  Rprop: [['lr', LRS, [-0.1]], ['etas', [[0.5, 1.2], [0.3, 1.5], [0.9, 2]], [[1, 1.2], [0.5, 1], [0, 2]]], ['step_sizes', [[1e-6, 50], [0.01, 0.2], [0, 1]], []], ['maximize', [false, true], []]],
  ASGD: [['lr', LRS, [-0.1]], ['lambd', [1e-4, 0.1, 0.5], []], ['alpha', [0.75, 0.5, 1], []], ['t0', [1e6, 0, 2, 3], []], ['weight_decay', [0, 0.1, 0.01], [-0.1]], ['maximize', [false, true], []]],
};

function drawOpts(r, table, { group = false } = {}) {
  const o = {};
  for (const [k, valid] of table) {
    if (group ? r.bool(0.7) : (k !== 'lr' && r.bool(0.25))) continue;
    o[k] = r.pick(valid);
  }
  if (group ? r.bool(0.05) : r.bool(0.15)) {
    const bad = table.filter(([, , inv]) => inv.length);
    const [k, , inv] = r.pick(bad);
    o[k] = r.pick(inv);
  }
  return o;
}
function badOpts(table, o) {
  for (const [k, , inv] of table) if (k in o && inv.some((v) => JSON.stringify(v) === JSON.stringify(o[k]))) return true;
  return false;
}

for (const name of Object.keys(OPTIMIZERS)) {
  const table = OPTIMIZERS[name];
  add({
    name: `optim.${name}`,
    grad: false,
    gen: (r) => {
      const np = r.int(1, 3);
      const nsteps = r.int(3, 6);
      const ins = [], dts = [], shapes = [];
      for (let i = 0; i < np; i++) {
        dts.push(r.bool(0.7) ? (i > 0 && r.bool(0.6) ? dts[0] : r.pick(PF)) : r.pick(PF));
        shapes.push(r.shape(0, 3, 4));
        ins.push(r.tensor(dts[i], shapes[i], r.pick(['grid', 'cont'])));
      }
      const steps = [], zg = [];
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
        const cut = r.int(1, np - 1);
        const idx = Array.from({ length: np }, (_, i) => i);
        groups = [{ idx: idx.slice(0, cut), o: drawOpts(r, table, { group: true }) }, { idx: idx.slice(cut), o: drawOpts(r, table, { group: true }) }];
      }
      return { ins, a: { opt: name, np, steps, zg, d, groups } };
    },
    // lr goes as a Python float: torch 1.13's ASGD keeps eta in torch.tensor(lr), an int64 tensor for an
    // int lr (the JSON 1 arrives as one), which truncates every later eta to 0
    py: `(lambda F: (lambda ps: (lambda opt: ([[(opt.zero_grad(set_to_none=z) if z is not None else None), [setattr(p, 'grad', None if m == 'n' else xs[m]) for p, m in zip(ps, ms) if m != 'k'], opt.step()] for z, ms in zip(a.zg, a.steps)], [p.detach() for p in ps])[1])(torch.optim.${name}(ps if a.groups is None else [dict(params=[ps[i] for i in g['idx']], **F(g['o'])) for g in a.groups], **F(a.d))))([x.detach().clone().requires_grad_() for x in xs[:a.np]]))(lambda o: {k: (float(v) if k == 'lr' else v) for k, v in o.items()})`,
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
    // a parameter that a step brings to about 0 cancels: an absolute floor of the inputs' scale
    // (seed 3: Adamax's 0 against torch's 1.2e-7 in float32, from values of order 1)
    absScale: (ins) => Math.max(1, ...ins.flatMap((t) => t.v.map((v) => Math.abs(Number(v)) || 0))),
    known: (a) => (a.groups && a.groups.some((g) => badOpts(table, g.o))
      ? `torch 1.13's ${name} range-checks only the constructor's options and takes any value in a param group; flintml checks every group (lib/optim/optimizer.ts validateGroup)` : null),
  });
}

// LBFGS: f(ps) = sum over parameters of sum(a (p - c)² + p⁴ / 4), float64
const LBFGS_OPTS = [
  ['lr', [1, 0.5, 0.1]], ['max_iter', [20, 1, 3, 5]], ['max_eval', [null, 2, 4, 10]], ['tolerance_grad', [1e-7, 1e-3, 10]],
  ['tolerance_change', [1e-9, 1e-3]], ['history_size', [100, 1, 2, 10]], ['line_search_fn', [null, 'strong_wolfe', 'strong_wolfe']],
];
add({
  name: 'optim.LBFGS',
  grad: false,
  gen: (r) => {
    const np = r.int(1, 2);
    const ins = [], shapes = [];
    for (let i = 0; i < np; i++) { shapes.push(r.shape(1, 2, 3, false)); ins.push(r.tensor('float64', shapes[i], 'grid')); }
    for (let i = 0; i < np; i++) ins.push(r.tensor('float64', shapes[i], 'grid'));   // c
    for (let i = 0; i < np; i++) ins.push(r.tensor('float64', shapes[i], 'pos'));    // a
    const d = {};
    for (const [k, vs] of LBFGS_OPTS) if (r.bool(0.6)) d[k] = r.pick(vs);
    if (d.max_eval === null) delete d.max_eval;
    return { ins, a: { np, d, nsteps: r.int(1, 3) } };
  },
  py: `(lambda ps, cs, As: (lambda opt: (lambda clo: [opt.step(clo).detach() for _ in range(a.nsteps)] + [p.detach() for p in ps])(lambda: (opt.zero_grad(), (lambda l: (l.backward(), l)[1])(sum((A * (p - c) ** 2 + p ** 4 / 4).sum() for p, c, A in zip(ps, cs, As))))[1]))(torch.optim.LBFGS(ps, **a.d)))([x.detach().clone().requires_grad_() for x in xs[:a.np]], xs[a.np:2 * a.np], xs[2 * a.np:])`,
  fl: (fl, xs, a) => {
    const ps = xs.slice(0, a.np).map((x) => x.clone().requiresGrad_(true));
    const cs = xs.slice(a.np, 2 * a.np), As = xs.slice(2 * a.np);
    const opt = new fl.optim.LBFGS(ps, camel(a.d));
    const closure = () => {
      opt.zeroGrad();
      const l = ps.map((p, i) => As[i].mul(p.sub(cs[i]).square()).add(p.pow(4).div(4)).sum()).reduce((s, t) => s.add(t));
      l.backward();
      return l;
    };
    try {
      const losses = [];
      for (let k = 0; k < a.nsteps; k++) losses.push(opt.step(closure).detach());
      return [...losses, ...ps.map((p) => p.detach())];
    } finally { opt.dispose(); }
  },
  // iterates compound the last-bit differences of the dot products (flintml reduces a product,
  // torch calls BLAS's ddot): seed 3 found 1.8e-10 relative after three steps of up to 20
  // iterations each (over the 2048 ulps this allowed before), so about 1e-9 relative is allowed
  tol: 65536,
});

// ---- schedulers ----------------------------------------------------------------------------------
const PY_LAMBDAS = '[lambda e: 0.9, lambda e: 1.0 / (e + 1), lambda e: (1.0 if e < 3 else 0.5), lambda e: 0.95 ** e]';
const JS_LAMBDAS = [() => 0.9, (e) => 1.0 / (e + 1), (e) => (e < 3 ? 1.0 : 0.5), (e) => 0.95 ** e];
// 1 / (x + 1), not 1 / x: at x = 0 Python raises ZeroDivisionError where JavaScript gives Infinity (a
// difference of the two languages' user functions, not of the schedulers)
const PY_SCALES = '[lambda x: 0.5 ** x, lambda x: 1.0 / (x + 1), lambda x: 1.0]';
const JS_SCALES = [(x) => 0.5 ** x, (x) => 1.0 / (x + 1), () => 1.0];

function drawSched(r, k, ngroups) {
  const o = {};
  const perGroup = (vs) => (ngroups > 1 && r.bool(0.4) ? Array.from({ length: ngroups }, () => r.pick(vs)) : r.pick(vs));
  switch (k) {
    case 'ConstantLR': if (r.bool(0.8)) o.factor = r.pick([1 / 3, 0.5, 0.1, 1, 1.5]); if (r.bool(0.8)) o.total_iters = r.pick([0, 1, 3, 5, 8]); break;
    case 'MultiplicativeLR': o.lr_lambda = ngroups > 1 && r.bool(0.5) ? Array.from({ length: ngroups }, () => r.int(0, 3)) : r.int(0, 3); break;
    case 'PolynomialLR': if (r.bool(0.8)) o.total_iters = r.pick([1, 3, 5, 8]); if (r.bool(0.7)) o.power = r.pick([1, 2, 0.5, 3]); break;
    case 'ExponentialLR': o.gamma = r.pick([0.9, 0.5]); break;
    case 'StepLR': o.step_size = r.pick([1, 2, 3]); if (r.bool(0.6)) o.gamma = r.pick([0.1, 0.5]); break;
    case 'CyclicLR':
      o.base_lr = perGroup([0.01, 0.1, 0.001]); o.max_lr = perGroup([0.1, 1, 0.5]);
      if (r.bool(0.8)) o.step_size_up = r.pick([1, 2, 3, 4, 1.5]);
      if (r.bool(0.5)) o.step_size_down = r.pick([1, 2, 5, 2.5]);
      if (r.bool(0.6)) o.mode = r.pick(['triangular', 'triangular2', 'exp_range']);
      if (r.bool(0.5)) o.gamma = r.pick([0.9, 0.5, 1]);
      if (r.bool(0.2)) { o.scale_fn = r.int(0, 2); if (r.bool(0.5)) o.scale_mode = r.pick(['cycle', 'iterations']); }
      if (r.bool(0.3)) o.cycle_momentum = r.bool(0.3);
      if (r.bool(0.3)) o.base_momentum = perGroup([0.8, 0.85, 0.5]);
      if (r.bool(0.3)) o.max_momentum = perGroup([0.9, 0.95]);
      break;
    case 'CosineAnnealingWarmRestarts': o.T_0 = r.pick([1, 2, 3, 5]); if (r.bool(0.6)) o.T_mult = r.pick([1, 2, 3]); if (r.bool(0.5)) o.eta_min = r.pick([0, 0.001, 0.01]); break;
    case 'SWALR': o.swa_lr = perGroup([0.05, 0.01, 0.5]); if (r.bool(0.7)) o.anneal_epochs = r.pick([0, 1, 3, 10]); if (r.bool(0.5)) o.anneal_strategy = r.pick(['cos', 'linear']); break;
    default: throw new Error(k);
  }
  return { k, o };
}
const PY_MK = `(lambda opt, s: getattr(torch.optim.swa_utils if s['k'] == 'SWALR' else torch.optim.lr_scheduler, s['k'])(opt, **{k: ((${PY_LAMBDAS}[v] if isinstance(v, int) else [${PY_LAMBDAS}[j] for j in v]) if k == 'lr_lambda' else (${PY_SCALES}[v] if k == 'scale_fn' else v)) for k, v in s['o'].items()}))`;
function jsMk(fl, opt, s) {
  const o = camel(s.o);
  if (s.k === 'MultiplicativeLR') o.lrLambda = Array.isArray(o.lrLambda) ? o.lrLambda.map((j) => JS_LAMBDAS[j]) : JS_LAMBDAS[o.lrLambda];
  if (o.scaleFn !== undefined) o.scaleFn = JS_SCALES[o.scaleFn];
  const Cls = s.k === 'SWALR' ? fl.optim.swaUtils.SWALR : fl.optim.lrScheduler[s.k];
  return new Cls(opt, o);
}
const PY_OPT = `(torch.optim.Adam if a.optName == 'Adam' else (lambda gs: torch.optim.SGD(gs, lr=0.5, momentum=0.9)))([dict(params=[torch.zeros(2, requires_grad=True)], lr=l) for l in a.lrs])`;
const PY_MOM = `[g['betas'][0] if 'betas' in g else g['momentum'] for g in opt.param_groups]`;
function jsOpt(fl, a) {
  const groups = a.lrs.map((l) => ({ params: [fl.zeros([2]).requiresGrad_(true)], lr: l }));
  return a.optName === 'Adam' ? new fl.optim.Adam(groups) : new fl.optim.SGD(groups, { lr: 0.5, momentum: 0.9 });
}
const jsMom = (opt) => opt.paramGroups.map((g) => ('betas' in g ? g.betas[0] : g.momentum));

for (const k of ['ConstantLR', 'MultiplicativeLR', 'PolynomialLR', 'CyclicLR', 'CosineAnnealingWarmRestarts', 'SWALR', 'ChainedScheduler']) {
  add({
    name: k === 'SWALR' ? 'swaUtils.SWALR' : `lrScheduler.${k}`,
    grad: false,
    gen: (r) => {
      const lrs = Array.from({ length: r.int(1, 2) }, () => r.pick([0.1, 1, 0.05, 0.3]));
      const nep = r.int(6, 14);
      const s = k === 'ChainedScheduler'
        ? { k, subs: Array.from({ length: r.int(1, 3) }, () => drawSched(r, r.pick(['ConstantLR', 'MultiplicativeLR', 'PolynomialLR', 'ExponentialLR', 'StepLR']), lrs.length)) }
        : drawSched(r, k, lrs.length);
      // step(epoch) now and then (fractional for CosineAnnealingWarmRestarts); never for ChainedScheduler
      const ep = Array.from({ length: nep }, (_, e) => {
        if (k === 'ChainedScheduler' || k === 'SWALR' || !r.bool(k === 'CosineAnnealingWarmRestarts' ? 0.5 : 0.1)) return null;
        return k === 'CosineAnnealingWarmRestarts' ? r.int(0, 4 * (e + 2)) / 4 : r.int(0, e + 2);
      });
      const optName = r.bool(k === 'CyclicLR' ? 0.2 : 0.3) ? 'Adam' : 'SGD';
      return { ins: [], a: { lrs, ep, s, optName } };
    },
    py: `(lambda opt: (lambda sch: [[sch.get_last_lr(), ${PY_MOM}]] + [(opt.step(), (sch.step() if e is None else sch.step(e)), [sch.get_last_lr(), ${PY_MOM}])[2] for e in a.ep])(torch.optim.lr_scheduler.ChainedScheduler([${PY_MK}(opt, t) for t in a.s['subs']]) if a.s['k'] == 'ChainedScheduler' else ${PY_MK}(opt, a.s)))(${PY_OPT})`,
    fl: (fl, xs, a) => {
      const opt = jsOpt(fl, a);
      const sch = a.s.k === 'ChainedScheduler' ? new fl.optim.lrScheduler.ChainedScheduler(a.s.subs.map((t) => jsMk(fl, opt, t))) : jsMk(fl, opt, a.s);
      const out = [[sch.getLastLr(), jsMom(opt)]];
      for (const e of a.ep) {
        opt.step();
        if (e === null) sch.step(); else sch.step(e);
        out.push([sch.getLastLr(), jsMom(opt)]);
      }
      opt.dispose();
      return out;
    },
    known: (a) => {
      const all = a.s.k === 'ChainedScheduler' ? a.s.subs : [a.s];
      if (all.some((t) => t.k === 'CyclicLR' && t.o.cycle_momentum !== false) && a.optName === 'Adam') {
        return "CyclicLR with cycle_momentum on an optimizer without momentum: torch 1.13 refuses it, flintml cycles Adam's beta1 as torch 2 does (and as OneCycleLR does)";
      }
      return null;
    },
  });
}

// ReduceLROnPlateau: each group's lr after each metric (torch 1.13's has no get_last_lr)
add({
  name: 'lrScheduler.ReduceLROnPlateau',
  grad: false,
  gen: (r) => {
    const lrs = Array.from({ length: r.int(1, 2) }, () => r.pick([0.1, 1, 0.05, 0.3]));
    const o = {};
    if (r.bool(0.5)) o.mode = r.pick(['min', 'max']);
    if (r.bool(0.6)) o.factor = r.pick([0.1, 0.5, 0.9, 0, 1, 1.5]);
    if (r.bool(0.7)) o.patience = r.pick([0, 1, 2, 3]);
    if (r.bool(0.5)) o.threshold = r.pick([1e-4, 0.1, 0, 0.5]);
    if (r.bool(0.5)) o.threshold_mode = r.pick(['rel', 'abs']);
    if (r.bool(0.4)) o.cooldown = r.pick([0, 1, 2]);
    if (r.bool(0.4)) o.min_lr = lrs.length > 1 && r.bool(0.4) ? lrs.map(() => r.pick([0, 0.01, 0.2])) : r.pick([0, 0.01, 0.2]);
    if (r.bool(0.3)) o.eps = r.pick([1e-8, 0.01, 0.1]);
    let m = r.int(0, 8);
    const metrics = Array.from({ length: r.int(6, 16) }, () => (m += r.pick([-1, 0, 0, 1, 0.5, -0.5, 0.001])));
    return { ins: [], a: { lrs, o, metrics } };
  },
  py: `(lambda opt: (lambda sch: [(opt.step(), sch.step(m), [g['lr'] for g in opt.param_groups])[2] for m in a.metrics])(torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **a.o)))(torch.optim.SGD([dict(params=[torch.zeros(2, requires_grad=True)], lr=l) for l in a.lrs], lr=0.5, momentum=0.9))`,
  fl: (fl, xs, a) => {
    const opt = new fl.optim.SGD(a.lrs.map((l) => ({ params: [fl.zeros([2]).requiresGrad_(true)], lr: l })), { lr: 0.5, momentum: 0.9 });
    const sch = new fl.optim.lrScheduler.ReduceLROnPlateau(opt, camel(a.o));
    const out = a.metrics.map((m) => { opt.step(); sch.step(m); return opt.paramGroups.map((g) => g.lr); });
    opt.dispose();
    return out;
  },
});

// AveragedModel of Sequential(Linear(i, o), BatchNorm1d(o)): weights set from the inputs, one training
// forward, then update_parameters; the result is the averaged model's state dict sorted by key
add({
  name: 'swaUtils.AveragedModel',
  grad: false,
  gen: (r) => {
    const dt = r.pick(PF);
    const i = r.int(1, 3), o = r.int(1, 3), n = r.int(2, 4);
    const nup = r.int(1, 4);
    const ins = [];
    for (let k = 0; k < nup; k++) {
      ins.push(r.tensor(dt, [o, i], 'grid'), r.tensor(dt, [o], 'grid'), r.tensor(dt, [o], 'grid'), r.tensor(dt, [o], 'grid'), r.tensor(dt, [n, i], 'cont'));
    }
    return { ins, a: { i, o, nup, avg: r.int(0, 2), buf: r.bool() } };
  },
  py: `(lambda m: (lambda av: ([[[t.detach().copy_(xs[5 * k + j]) for j, t in enumerate([m[0].weight, m[0].bias, m[1].weight, m[1].bias])], m(xs[5 * k + 4]), av.update_parameters(m)] for k in range(a.nup)], [v.detach().clone() for _, v in sorted(av.state_dict().items())])[1])(torch.optim.swa_utils.AveragedModel(m, avg_fn=[None, lambda x, p, n: 0.5 * x + 0.5 * p, lambda x, p, n: x + (p - x) / (n + 1)][a.avg], use_buffers=a.buf)))(torch.nn.Sequential(torch.nn.Linear(a.i, a.o), torch.nn.BatchNorm1d(a.o)).to(xs[0].dtype))`,
  fl: (fl, xs, a) => {
    const dt = xs[0].dtype;
    const m = new fl.nn.Sequential(new fl.nn.Linear(a.i, a.o, { dtype: dt, device: xs[0].device }), new fl.nn.BatchNorm1d(a.o, { dtype: dt, device: xs[0].device }));
    const av = new fl.optim.swaUtils.AveragedModel(m, { avgFn: [null, (x, p) => x.mul(0.5).add(p.mul(0.5)), (x, p, n) => x.add(p.sub(x).div(n + 1))][a.avg], useBuffers: a.buf });
    for (let k = 0; k < a.nup; k++) {
      const sd = m.stateDict();
      fl.noGrad(() => ['0.weight', '0.bias', '1.weight', '1.bias'].forEach((key, j) => sd[key].copy_(xs[5 * k + j])));
      fl.noGrad(() => m.forward(xs[5 * k + 4]));
      av.updateParameters(m);
    }
    const out = Object.entries(av.stateDict()).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, t]) => t.clone());
    av.dispose(); m.dispose();
    return out;
  },
  tol: 16,
});

module.exports = { SPECS: specs };
