// torch-diff-specs-debug.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js)
// for autograd's debugging tools and the deterministic mode:
// - debug.detectAnomaly: a function of x (some with NaN gradients at 0, at negative values or at the
//   NaN and infinities of 'special' inputs) and its backward under torch.autograd.detect_anomaly():
//   both refuse (a NaN gradient) or both give the same x.grad;
// - debug.gradgradcheck: torch.autograd.gradgradcheck(f, (x,), (g,), raise_exception=False) on
//   functions with second derivatives and on one whose first gradient hides x (x * x.detach()):
//   the same verdict;
// - debug.deterministic: the index-add ops (scatter_add, index_add, index_put and put with
//   accumulate, scatter_reduce sum/mean, histc, the backwards of gather and embedding) with
//   use_deterministic_algorithms(True). On the CPU both run their sequential kernels; with
//   `--device cuda` flintml's side runs the deterministic sort-and-scan composition
//   (lib/ops/scatter-deterministic.ts) against torch's CPU values.
// The modes are global on both sides: each case sets and restores them (Python: exec with
// try/finally, so that a refusal leaves the other specs' cases untouched).
'use strict';

const F = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);

/** Python statements run by exec inside the case's expression; `out` is the result. */
const pyExec = (code) => `(lambda g: (exec(${JSON.stringify(code)}, g), g['out'])[1])(dict(torch=torch, F=F, a=a, xs=xs))`;

// ---- detect_anomaly ------------------------------------------------------------------------------
const ANOMALY_FNS = {
  sqrt: ['torch.sqrt(x)', (x) => x.sqrt()],
  sqrtMasked: ['torch.sqrt(x) * (x > 0.5)', (x) => x.sqrt().mul(x.gt(0.5))],  // 0 * inf at x = 0
  log: ['torch.log(x)', (x) => x.log()],
  logSq: ['torch.log(x) ** 2', (x) => x.log().pow(2)],  // NaN at negative x: 2 log(x) / x
  tanh: ['torch.tanh(x)', (x) => x.tanh()],
  sq: ['x * x', (x) => x.mul(x)],
  div: ['1 / (x * x)', (x) => x.mul(x).reciprocal()],
};
add({
  name: 'debug.detectAnomaly',
  grad: false,
  gen: (r) => ({ ins: [r.tensor(r.pick(F), r.shape(0, 2, 3), r.pick(['grid', 'special', 'pos']))], a: { f: r.pick(Object.keys(ANOMALY_FNS)), nan: r.bool(0.8) } }),
  py: pyExec([
    'x = xs[0].detach().clone().requires_grad_()',
    'with torch.autograd.detect_anomaly(check_nan=a.nan):',
    `    (lambda x: ${'{'}${Object.entries(ANOMALY_FNS).map(([k, [p]]) => `'${k}': (lambda: ${p})`).join(', ')}${'}'}[a.f]())(x).sum().backward()`,
    'out = x.grad',
  ].join('\n')),
  fl: (fl, [x0], a) => {
    const x = x0.detach().clone().requiresGrad_();
    fl.autograd.detectAnomaly(() => ANOMALY_FNS[a.f][1](x).sum().backward(), { checkNan: a.nan });
    return x.grad;
  },
  tol: 8,
  // gradients of order 1 compared on that scale: tanh'(-4) = 1 - tanh(-4)² cancels (torch's formula too)
  absScale: () => 1,
});

// ---- gradgradcheck -------------------------------------------------------------------------------
const GG_FNS = {
  cube: ['x ** 3', (x) => x.pow(3)], tanh: ['torch.tanh(x)', (x) => x.tanh()], sin: ['torch.sin(x)', (x) => x.sin()],
  lin: ['2 * x + 1', (x) => x.mul(2).add(1)], softplus: ['F.softplus(x)', (x) => x.softplus()],
  lse: ['torch.logsumexp(x, -1)', (x) => x.logsumexp(-1)], hidden: ['x * x.detach()', (x) => x.mul(x.detach())],
};
add({
  name: 'debug.gradgradcheck',
  grad: false,
  gen: (r) => {
    const s = r.shape(1, 2, 3, false);
    const f = r.pick(Object.keys(GG_FNS));
    const outShape = f === 'lse' ? s.slice(0, -1) : s;
    return { ins: [r.tensor('float64', s, 'unit'), r.tensor('float64', outShape, 'unit')], a: { f } };
  },
  py: `(lambda FS: int(torch.autograd.gradgradcheck(FS[a.f], (x0.detach().clone().requires_grad_(),), (x1.detach().clone().requires_grad_(),), raise_exception=False)))({${Object.entries(GG_FNS).map(([k, [p]]) => `'${k}': (lambda x: ${p})`).join(', ')}})`,
  fl: (fl, [x, g], a) => {
    return Number(fl.autograd.gradgradcheck(GG_FNS[a.f][1], [x.detach().clone().requiresGrad_()], [g.detach().clone().requiresGrad_()], { raiseException: false }));
  },
});

// ---- use_deterministic_algorithms: the index-add ops ---------------------------------------------
const DET_OPS = ['scatterAdd', 'indexAdd', 'indexPut', 'put', 'scatterSum', 'scatterMean', 'histc', 'gatherBackward', 'embeddingBackward'];
const DET_PY = [
  'torch.use_deterministic_algorithms(True)',
  'try:',
  '    x, i, s = xs[0], xs[1], xs[2]',
  "    if a.op == 'scatterAdd': out = x.scatter_add(a.d, i, s)",
  "    elif a.op == 'indexAdd': out = x.index_add(a.d, i, s)",
  "    elif a.op == 'indexPut': out = x.index_put((i,), s, accumulate=True)",
  "    elif a.op == 'put': out = x.put(i, s, accumulate=True)",
  "    elif a.op == 'scatterSum': out = x.scatter_reduce(a.d, i, s, 'sum', include_self=a.inc)",
  "    elif a.op == 'scatterMean': out = x.scatter_reduce(a.d, i, s, 'mean', include_self=a.inc)",
  "    elif a.op == 'histc': out = torch.histc(x, bins=a.bins, min=-2, max=2)",
  "    elif a.op == 'gatherBackward':",
  '        w = x.detach().clone().requires_grad_()',
  '        (torch.gather(w, a.d, i) * s).sum().backward()',
  '        out = w.grad',
  '    else:',
  '        w = x.detach().clone().requires_grad_()',
  '        (F.embedding(i, w) * s).sum().backward()',
  '        out = w.grad',
  'finally:',
  '    torch.use_deterministic_algorithms(False)',
].join('\n');
add({
  name: 'debug.deterministic',
  grad: false,
  gen: (r) => {
    const op = r.pick(DET_OPS);
    const dt = r.pick(F);
    const n = r.int(1, 6);
    const many = r.int(1, 40);  // index entries: duplicates are the point
    const idx = (count, hi) => r.tensor('int32', [count], 'index', 0, hi);
    if (op === 'scatterAdd' || op === 'scatterSum' || op === 'scatterMean' || op === 'gatherBackward') {
      const s = r.shape(1, 3, 4, false);
      const d = r.int(0, s.length - 1);
      const t = s.map((m, k) => (k === d ? many : r.int(1, m)));
      const index = r.tensor('int32', t, 'index', 0, s[d] - 1);
      if (r.bool(0.03)) index.v[0] = s[d];  // a bad index now and then: both refuse
      return { ins: [r.tensor(dt, s, 'grid'), index, r.tensor(dt, t, 'grid')], a: { op, d, inc: r.bool() } };
    }
    if (op === 'indexAdd') {
      const s = r.shape(1, 3, 4, false);
      const d = r.int(0, s.length - 1);
      const src = s.map((m, k) => (k === d ? many : m));
      return { ins: [r.tensor(dt, s, 'grid'), idx(many, s[d] - 1), r.tensor(dt, src, 'grid')], a: { op, d } };
    }
    if (op === 'indexPut' || op === 'embeddingBackward') {
      const m = r.int(1, 4);
      return { ins: [r.tensor(dt, [n, m], 'grid'), idx(many, n - 1), r.tensor(dt, [many, m], 'grid')], a: { op } };
    }
    if (op === 'put') return { ins: [r.tensor(dt, [n, 2], 'grid'), idx(many, 2 * n - 1), r.tensor(dt, [many], 'grid')], a: { op } };
    return { ins: [r.tensor(dt, [many], 'cont'), idx(1, 0), r.tensor(dt, [1], 'grid')], a: { op, bins: r.int(1, 7) } };  // histc
  },
  py: pyExec(DET_PY),
  fl: (fl, [x, i, s], a) => {
    fl.useDeterministicAlgorithms(true);
    try {
      switch (a.op) {
        case 'scatterAdd': return fl.scatterAdd(x, a.d, i, s);
        case 'indexAdd': return fl.indexAdd(x, a.d, i, s);
        case 'indexPut': return fl.indexPut(x, [i], s, { accumulate: true });
        case 'put': return fl.put(x, i, s, true);
        case 'scatterSum': return fl.scatterReduce(x, a.d, i, s, 'sum', { includeSelf: a.inc });
        case 'scatterMean': return fl.scatterReduce(x, a.d, i, s, 'mean', { includeSelf: a.inc });
        case 'histc': return fl.histc(x, a.bins, -2, 2);
        case 'gatherBackward': { const w = x.detach().clone().requiresGrad_(); fl.gather(w, a.d, i).mul(s).sum().backward(); return w.grad; }
        default: { const w = x.detach().clone().requiresGrad_(); fl.nn.functional.embedding(i, w).mul(s).sum().backward(); return w.grad; }
      }
    } finally { fl.useDeterministicAlgorithms(false); }
  },
  tol: 8,
});

module.exports = { SPECS: specs };
