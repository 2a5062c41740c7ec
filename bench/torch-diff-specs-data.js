// torch-diff-specs-data.js — bench/torch-diff.js's specs (the format of bench/torch-diff-specs.js)
// for fl.data (TensorDataset, defaultCollate, DataLoader's batching, DistributedSampler) and for
// autograd's semantics (gradient accumulation, retainGrad, backward(gradient), retainGraph, grad
// modes, requiresGrad propagation, the version counter of saved tensors, gradcheck).
//
// Every spec here has `grad: false`: the result itself is what is compared (gradients read after
// backward calls made inside the expression, flags as numbers). The torch side is one Python
// expression: recursive helpers are lambdas that take themselves as their first argument.
//
// torch.utils.data's samplers, random_split, Subset and ConcatDataset have their own table
// (bench/torch-diff-specs-datautils.js); torch.autograd.grad, register_hook and custom Functions
// too (bench/torch-diff-specs-autograd.js), which uses this file's FNS.
// The DataLoader iterates only asynchronously (`for await`); the synchronous part of an epoch, its
// batches' index lists, is the loader's `batches(epoch)` (private in TypeScript, what the iterator
// runs), and a batch of a TensorDataset is its `getBatch(indices)` (what the iterator yields for one).
'use strict';

const specs = [];
const add = (s) => specs.push(s);
const PF = ['float32', 'float64'];

// ---- TensorDataset --------------------------------------------------------------------------------
add({
  name: 'data.TensorDataset',
  grad: false,
  gen: (r) => {
    const n = r.int(0, 5);
    const k = r.int(1, 3);
    const ins = [];
    for (let j = 0; j < k; j++) {
      // a mismatched first dim or a 0-dim tensor now and then: both refuse
      const first = j > 0 && r.bool(0.08) ? n + 1 : n;
      const shape = r.bool(0.04) ? [] : [first, ...r.shape(0, 2, 3, false)];
      ins.push(r.tensor(r.pick(['float32', 'float64', 'int32', 'bool']), shape));
    }
    const i = r.bool(0.1) ? r.pick([n, -n - 1, n + 3]) : n === 0 ? 0 : r.int(-n, n - 1);
    return { ins, a: { i } };
  },
  py: '(lambda ds: [len(ds), list(ds[a.i])])(torch.utils.data.TensorDataset(*xs))',
  fl: (fl, xs, a) => { const ds = new fl.data.TensorDataset(...xs); return [ds.length, ds.get(a.i)]; },
});

// ---- defaultCollate -------------------------------------------------------------------------------
// An item is built from a tree: {T: k} is input k, {L: [...]} a list, {D: [[key, v]...]} a dict
// (a plain object), anything else the value itself. The result is compared as a tree with dicts
// written ['dict', [key, value]...].
const PY_MK = "(lambda mk, v: xs[v['T']] if isinstance(v, dict) and 'T' in v else ([mk(mk, w) for w in v['L']] if isinstance(v, dict) and 'L' in v else ({k: mk(mk, w) for k, w in v['D']} if isinstance(v, dict) else v)))";
const PY_OUT = "(lambda oc, v: ['dict'] + [[k, oc(oc, w)] for k, w in v.items()] if isinstance(v, dict) else ([oc(oc, w) for w in v] if isinstance(v, (list, tuple)) else v))";
const jsMk = (xs, v) => (v === null || typeof v !== 'object' ? v : 'T' in v ? xs[v.T] : 'L' in v ? v.L.map((w) => jsMk(xs, w)) : Object.fromEntries(v.D.map(([k, w]) => [k, jsMk(xs, w)])));
const jsOut = (fl, v) => (v instanceof fl.Tensor ? v : Array.isArray(v) ? v.map((w) => jsOut(fl, w))
  : v !== null && typeof v === 'object' ? ['dict', ...Object.entries(v).map(([k, w]) => [k, jsOut(fl, w)])] : v);

/** A template of an item's structure. */
function drawTemplate(r, depth) {
  const leaf = ['tensor', 'tensor', 'int', 'float', 'bool', 'str'];
  const kind = depth < 2 && r.bool(0.35) ? r.pick(['list', 'dict']) : r.pick(leaf);
  if (kind === 'list') return { kind, of: Array.from({ length: r.int(1, 3) }, () => drawTemplate(r, depth + 1)) };
  if (kind === 'dict') return { kind, keys: ['x', 'y', 'lab'].slice(0, r.int(1, 3)).map((k) => [k, drawTemplate(r, depth + 1)]) };
  if (kind === 'tensor') return { kind, dtype: r.pick(['float32', 'float64', 'int32', 'bool']), shape: r.shape(0, 2, 3) };
  return { kind };
}
/** Item j of the batch from a template (inputs pushed to ins); `bad` perturbs it now and then. */
function drawItem(r, t, ins, st) {
  const bad = () => r.bool(0.03);
  switch (t.kind) {
    case 'tensor': {
      // now and then another shape (torch.stack refuses) or dtype (stack promotes)
      const shape = bad() ? [...t.shape, 2] : t.shape;
      const dtype = r.bool(0.05) ? r.pick(['float32', 'float64', 'int32']) : t.dtype;
      ins.push(r.tensor(dtype, shape));
      return { T: ins.length - 1 };
    }
    case 'int': return r.int(-9, 9);
    case 'float': { const v = r.int(-16, 16) / 4 + 0.125; if (st.first) st.f64 = true; return v; }
    case 'bool': return r.bool();
    case 'str': return r.pick(['a', 'bc', 'z']);  // not '' (the comparison reads an empty string as no value)
    case 'list': {
      const of = bad() ? t.of.slice(0, -1) : t.of;
      return { L: of.map((u) => drawItem(r, u, ins, st)) };
    }
    default: {
      let keys = t.keys;
      // a missing key (torch: KeyError when the first item has it) or an extra one (torch ignores
      // keys that the first item lacks; flintml refuses, see `known`)
      if (bad()) keys = keys.slice(0, -1);
      const d = keys.map(([k, u]) => [k, drawItem(r, u, ins, st)]);
      if (bad()) { d.push(['extra', 1]); if (!st.first) st.extra = true; }
      return { D: d };
    }
  }
}
add({
  name: 'data.defaultCollate',
  grad: false,
  gen: (r) => {
    const t = drawTemplate(r, 0);
    const ins = [];
    const st = { first: true, f64: false, extra: false };
    const items = [];
    for (let j = r.bool(0.05) ? 0 : r.int(1, 4); j > 0; j--) { items.push(drawItem(r, t, ins, st)); st.first = false; }
    return { ins, a: { items, f64: st.f64, extra: st.extra } };
  },
  py: `(lambda mk: ${PY_OUT}(${PY_OUT}, torch.utils.data.default_collate([mk(mk, it) for it in a.items])))(${PY_MK})`,
  fl: (fl, xs, a) => jsOut(fl, fl.data.defaultCollate(a.items.map((it) => jsMk(xs, it)))),
  known: (a) => (a.f64 ? 'defaultCollate batches non-integer numbers as float32 (torch: float64 when the first is a Python float); documented in lib/data/collate.ts'
    : a.extra ? "torch's default_collate takes the first item's keys and ignores others' extra keys; flintml refuses items whose keys differ" : null),
});

// ---- DataLoader (no shuffle): batch sizes, dropLast, the last partial batch, sampler ----------------
add({
  name: 'data.DataLoader',
  grad: false,
  gen: (r) => {
    const n = r.int(0, 9);
    const ins = [r.tensor(r.pick(PF), [n, ...r.shape(0, 2, 3, false)])];
    if (r.bool()) ins.push(r.tensor('int32', [n], 'int', 0, 9));
    const bs = r.bool(0.06) ? null : r.bool(0.04) ? 0 : r.int(1, 5);
    const dl = r.bool();
    let sm = null;
    if (r.bool(0.35)) {
      sm = Array.from({ length: r.int(0, n + 2) }, () => r.int(0, Math.max(n - 1, 0)));
      if (n === 0 && sm.length) sm = r.bool(0.3) ? [0] : [];  // out of range: both refuse
      if (n > 0 && r.bool(0.1)) sm.push(n);
    }
    const sh = sm !== null && r.bool(0.1);  // shuffle with a sampler: both refuse
    return { ins, a: { n, bs, dl, sm, sh } };
  },
  py: '(lambda dl: [len(dl), [list(b) for b in dl]])(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*xs), batch_size=a.bs, drop_last=a.dl, sampler=a.sm, shuffle=a.sh))',
  fl: (fl, xs, a) => {
    const ds = new fl.data.TensorDataset(...xs);
    const dl = new fl.data.DataLoader(ds, { batchSize: a.bs, dropLast: a.dl, sampler: a.sm === null ? undefined : a.sm, shuffle: a.sh });
    // batchSize null: automatic batching off, each item as it is (torch's default_convert)
    return [dl.length, dl.batches(0).map((idx) => (a.bs === null ? dl.convertItem(ds.get(idx[0])) : ds.getBatch(idx)))];
  },
  known: (a) => (Array.isArray(a.sm) && a.sm.some((i) => i >= a.n || i < -a.n) ? "a sampler index outside the dataset: flintml refuses it when the loader starts, torch only when it fetches it (never, when dropLast drops that batch)" : null),
});

// A map-style dataset of plain items (no getBatch): the DataLoader collates them (its collateItems,
// what its iterator runs on each batch's items). Items: (index, row of x0, a bool).
add({
  name: 'data.DataLoader.items',
  grad: false,
  gen: (r) => {
    const n = r.int(1, 7);
    return { ins: [r.tensor(r.pick(['float32', 'float64', 'int32']), [n, ...r.shape(0, 2, 3, false)])], a: { n, bs: r.int(1, 4), dl: r.bool() } };
  },
  py: '[[list(b) for b in dl] + [len(dl)] for dl in [torch.utils.data.DataLoader([(i, x0[i], i % 3 == 0) for i in range(a.n)], batch_size=a.bs, drop_last=a.dl)]][0]',
  fl: (fl, [x], a) => {
    class Items extends fl.data.Dataset {
      get length() { return a.n; }
      get(i) { return [i, x.select(0, i), i % 3 === 0]; }
    }
    const ds = new Items();
    const dl = new fl.data.DataLoader(ds, { batchSize: a.bs, dropLast: a.dl });
    return [...dl.batches(0).map((idx) => dl.collateItems(Array.from(idx, (i) => ds.get(i)))), dl.length];
  },
});

// DataLoader with shuffle: the order is random (compared: the length, the batch sizes, and without
// dropLast that every index comes once)
add({
  name: 'data.DataLoader.shuffle',
  grad: false,
  gen: (r) => ({ ins: [], a: { n: r.int(0, 11), bs: r.int(1, 5), dl: r.bool() } }),
  py: '(lambda bs: [len(bs), [len(b) for b in bs], None if a.dl else sorted(int(i) for b in bs for i in b)])([b[0] for b in torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(a.n)), batch_size=a.bs, shuffle=True, drop_last=a.dl)])',
  fl: (fl, xs, a) => {
    const ds = new fl.data.TensorDataset(fl.arange(a.n));
    const bs = new fl.data.DataLoader(ds, { batchSize: a.bs, shuffle: true, seed: 7, dropLast: a.dl }).batches(0);
    return [bs.length, bs.map((b) => b.length), a.dl ? null : bs.flatMap((b) => Array.from(b)).sort((p, q) => p - q)];
  },
});

// ---- DistributedSampler ---------------------------------------------------------------------------
add({
  name: 'data.DistributedSampler',
  grad: false,
  gen: (r) => {
    const R = r.bool(0.04) ? 0 : r.int(1, 4);
    const rank = r.bool(0.06) ? r.pick([R, -1]) : r.int(0, Math.max(R - 1, 0));
    return { ins: [], a: { n: r.int(0, 11), R, rank, dl: r.bool(), sh: r.bool(0.25) } };
  },
  // with shuffle: the length, and (without dropLast) the union of every rank's indices
  py: "(lambda S: [len(S(a.rank)), list(S(a.rank)) if not a.sh else (sorted(set(i for r in range(a.R) for i in S(r))) if not a.dl else None)])(lambda r: torch.utils.data.DistributedSampler(range(a.n), num_replicas=a.R, rank=r, shuffle=a.sh, drop_last=a.dl, seed=0))",
  fl: (fl, xs, a) => {
    const S = (r) => new fl.data.DistributedSampler({ length: a.n }, { numReplicas: a.R, rank: r, shuffle: a.sh, dropLast: a.dl, seed: 0 });
    const s = S(a.rank);
    if (!a.sh) return [s.length, s.indices()];
    if (a.dl) return [s.length, null];
    const all = new Set();
    for (let r = 0; r < a.R; r++) for (const i of S(r)) all.add(i);
    return [s.length, [...all].sort((p, q) => p - q)];
  },
});

// ---- autograd -------------------------------------------------------------------------------------
// The functions the autograd specs apply, on both sides; each saves a tensor for its backward in
// torch except 'lin' (2x + 1).
const FNS = {
  sq: ['x * x', (x) => x.mul(x)], sin: ['torch.sin(x)', (x) => x.sin()], exp: ['torch.exp(x)', (x) => x.exp()],
  cube: ['x ** 3', (x) => x.pow(3)], tanh: ['torch.tanh(x)', (x) => x.tanh()], lin: ['2 * x + 1', (x) => x.mul(2).add(1)],
};
const PY_FNS = `{${Object.entries(FNS).map(([k, [p]]) => `'${k}': (lambda x: ${p})`).join(', ')}}`;
const NAMES = Object.keys(FNS);
/** A float input with values that keep exp and x**3 tame. */
const fin = (r, shape) => r.tensor(r.pick(PF), shape || r.shape(0, 2, 3), 'unit');

// gradient accumulation over several backward calls (each on its own graph)
add({
  name: 'autograd.accumulate',
  grad: false,
  gen: (r) => ({ ins: [fin(r)], a: { fs: Array.from({ length: r.int(1, 3) }, () => r.pick(NAMES)), mean: r.bool() } }),
  py: `(lambda FS, x: [[(FS[f](x).mean() if a.mean else FS[f](x).sum()).backward() for f in a.fs], x.grad][1])(${PY_FNS}, x0.detach().clone().requires_grad_())`,
  fl: (fl, [x0], a) => {
    const x = x0.detach().clone().requiresGrad_();
    for (const f of a.fs) { const y = FNS[f][1](x); (a.mean ? y.mean() : y.sum()).backward(); }
    return x.grad;
  },
  tol: 8,
});

// retain_grad on a non-leaf (y = f(x); z = g(y) [+ h(y)]), on a leaf (no effect), or on a tensor
// that does not require grad (torch refuses); optionally two backward calls (retain_graph)
add({
  name: 'autograd.retainGrad',
  grad: false,
  gen: (r) => ({ ins: [fin(r)], a: { f: r.pick(NAMES), g: r.pick(NAMES), h: r.bool() ? r.pick(NAMES) : null, rg: r.pick(['y', 'y', 'y', 'none', 'leaf', 'nograd']), twice: r.bool(0.3) } }),
  py: `(lambda FS, x: (lambda y: [(y.retain_grad() if a.rg == 'y' else x.retain_grad() if a.rg == 'leaf' else x.detach().retain_grad() if a.rg == 'nograd' else None), (lambda z: [z.backward(retain_graph=True), z.backward() if a.twice else None])((FS[a.g](y) + (FS[a.h](y) if a.h else 0)).sum()), [x.grad, y.grad if a.rg == 'y' else None, int(y.is_leaf), int(y.requires_grad)]][2])(FS[a.f](x)))(${PY_FNS}, x0.detach().clone().requires_grad_())`,
  fl: (fl, [x0], a) => {
    const x = x0.detach().clone().requiresGrad_();
    const y = FNS[a.f][1](x);
    if (a.rg === 'y') y.retainGrad(); else if (a.rg === 'leaf') x.retainGrad(); else if (a.rg === 'nograd') x.detach().retainGrad();
    let z = FNS[a.g][1](y);
    if (a.h) z = z.add(FNS[a.h][1](y));
    z = z.sum();
    z.backward(null, { retainGraph: true });
    if (a.twice) z.backward();
    return [x.grad, a.rg === 'y' ? y.grad : null, y.isLeaf ? 1 : 0, y.requiresGrad ? 1 : 0];
  },
  tol: 8,
});

// backward(gradient) of a non-scalar output: the gradient of y's shape (or another shape, or none,
// or another float dtype)
add({
  name: 'autograd.backwardGradient',
  grad: false,
  gen: (r) => {
    const x = fin(r, r.shape(0, 3, 3));
    const red = x.shape.length > 0 && r.bool(0.3);
    const yshape = red ? x.shape.slice(1) : x.shape;
    const mode = r.pick(['ok', 'ok', 'ok', 'dtype', 'shape', 'none']);
    const gshape = mode === 'shape' ? [...yshape, 2] : yshape;
    const ins = [x];
    if (mode !== 'none') ins.push(r.tensor(mode === 'dtype' ? r.pick(PF) : x.dtype, gshape, 'grid'));
    return { ins, a: { f: r.pick(NAMES), red, mode } };
  },
  py: `(lambda FS, x: [(lambda y: y.backward(x1) if a.mode != 'none' else y.backward())(FS[a.f](x).sum(0) if a.red else FS[a.f](x)), x.grad][1])(${PY_FNS}, x0.detach().clone().requires_grad_())`,
  fl: (fl, xs, a) => {
    const x = xs[0].detach().clone().requiresGrad_();
    let y = FNS[a.f][1](x);
    if (a.red) y = y.sum(0);
    if (a.mode !== 'none') y.backward(xs[1]); else y.backward();
    return x.grad;
  },
  tol: 8,
});

// retain_graph then a second backward (without it: both refuse, the graph's saved tensors are freed)
add({
  name: 'autograd.retainGraph',
  grad: false,
  gen: (r) => ({ ins: [fin(r)], a: { f: r.pick(NAMES), g: r.bool(0.4) ? r.pick(NAMES) : null, retain: r.bool(0.7), n: r.int(2, 3) } }),
  py: `(lambda FS, x: (lambda z: [[z.backward(retain_graph=a.retain) for k in range(a.n)], x.grad][1])((FS[a.g](FS[a.f](x)) if a.g else FS[a.f](x)).sum()))(${PY_FNS}, x0.detach().clone().requires_grad_())`,
  fl: (fl, [x0], a) => {
    const x = x0.detach().clone().requiresGrad_();
    const y = FNS[a.f][1](x);
    const z = (a.g ? FNS[a.g][1](y) : y).sum();
    for (let k = 0; k < a.n; k++) z.backward(null, { retainGraph: a.retain });
    return x.grad;
  },
  tol: 8,
  known: (a) => (!a.retain && a.f === 'lin' && (!a.g || a.g === 'lin')
    ? 'torch runs a second backward through a graph whose nodes saved no tensor (2x + 1); flintml refuses every second backward without retainGraph' : null),
});

// grad modes: requiresGrad of y = f(x) made under nested noGrad / enableGrad, and of derived tensors
const MODE_PY = "(lambda W, ms, f: f() if not ms else (torch.no_grad() if ms[0] == 'no' else torch.enable_grad())(lambda: W(W, ms[1:], f))())";
add({
  name: 'autograd.gradModes',
  grad: false,
  gen: (r) => ({ ins: [fin(r)], a: { req: r.bool(0.8), modes: Array.from({ length: r.int(0, 3) }, () => r.pick(['no', 'en'])), f: r.pick(NAMES), view: r.pick(['none', 'detach', 'view', 'clone', 'int', 'cmp', 'argmax', 'sum']) } }),
  py: `(lambda x: (lambda y: [int(y.requires_grad), int(y.is_leaf), int(torch.is_grad_enabled()), y.detach()])(${MODE_PY}(${MODE_PY}, a.modes, lambda: (lambda y: y if a.view == 'none' else y.detach() if a.view == 'detach' else y.reshape(-1) if a.view == 'view' else y.clone() if a.view == 'clone' else y.to(torch.int64) if a.view == 'int' else (y > 0) if a.view == 'cmp' else y.argmax() if a.view == 'argmax' else y.sum())(${PY_FNS}[a.f](x)))))(x0.detach().clone().requires_grad_(a.req))`,
  fl: (fl, [x0], a) => {
    const x = x0.detach().clone().requiresGrad_(a.req);
    const W = (ms, f) => (!ms.length ? f() : (ms[0] === 'no' ? fl.noGrad : fl.enableGrad)(() => W(ms.slice(1), f)));
    const y = W(a.modes, () => {
      const y0 = FNS[a.f][1](x);
      switch (a.view) {
        case 'none': return y0;
        case 'detach': return y0.detach();
        case 'view': return y0.reshape([-1]);
        case 'clone': return y0.clone();
        case 'int': return y0.to('int32');
        case 'cmp': return y0.gt(0);
        case 'argmax': return y0.argmax();
        default: return y0.sum();
      }
    });
    return [y.requiresGrad ? 1 : 0, y.isLeaf ? 1 : 0, fl.isGradEnabled() ? 1 : 0, y.detach()];
  },
  tol: 8,
});

// the version counter: a tensor saved for backward changed in place (through a detached alias, the
// only in-place route flintml allows with grad on) before backward: torch raises, flintml must refuse.
// where: 'in' changes f's input, 'out' its output, 'leaf' x itself; when: 'before' the op, 'after' backward
add({
  name: 'autograd.versionCounter',
  grad: false,
  gen: (r) => ({ ins: [fin(r)], a: { f: r.pick(NAMES.filter((k) => k !== 'lin')), where: r.pick(['in', 'out', 'leaf']), when: r.pick(['mid', 'mid', 'mid', 'before', 'after']) } }),
  py: `(lambda FS, x: (lambda base: (lambda h: (lambda y: [(h(y) if a.when == 'mid' else None), y.sum().backward(), (h(y) if a.when == 'after' else None), x.grad][3])(FS[a.f]([h(base), base][1] if a.when == 'before' else base)))(lambda y: (y if a.where == 'out' else base).detach().mul_(1.5)))(x if a.where == 'leaf' else x * 1))(${PY_FNS}, x0.detach().clone().requires_grad_())`,
  fl: (fl, [x0], a) => {
    const x = x0.detach().clone().requiresGrad_();
    const base = a.where === 'leaf' ? x : x.mul(1);
    const h = (y) => fl.noGrad(() => (a.where === 'out' ? y : base).detach().mul_(1.5));
    if (a.when === 'before') h(base);
    const y = FNS[a.f][1](base);
    if (a.when === 'mid') h(y);
    y.sum().backward();
    if (a.when === 'after') h(y);
    return x.grad;
  },
  tol: 8,
});

// gradcheck: both agree that these functions' gradients are right in float64 (and both refuse
// float32 inputs); relu and abs at a tie (0, on the grid) give a one-sided difference that both flag
add({
  name: 'autograd.gradcheck',
  grad: false,
  gen: (r) => ({ ins: [r.tensor(r.bool(0.85) ? 'float64' : 'float32', r.shape(1, 2, 3, false), r.pick(['unit', 'unit', 'grid']))], a: { f: r.pick([...NAMES, 'relu', 'abs', 'softmax']) } }),
  py: `int(torch.autograd.gradcheck(dict(${PY_FNS}, relu=torch.relu, abs=torch.abs, softmax=lambda x: torch.softmax(x, -1) * x)[a.f], (x0.detach().clone().requires_grad_(),), eps=1e-6, atol=1e-5, rtol=1e-3))`,
  fl: (fl, [x0], a) => {
    const f = a.f === 'relu' ? (x) => x.relu() : a.f === 'abs' ? (x) => x.abs() : a.f === 'softmax' ? (x) => x.softmax(-1).mul(x) : FNS[a.f][1];
    return fl.gradcheck(f, [x0.detach().clone().requiresGrad_()], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }) ? 1 : 0;
  },
  known: (a, [x]) => (x.dtype === 'float32' ? "torch's gradcheck runs on float32 inputs (a warning; it passes where the float32 differences happen to agree, as relu/abs away from 0); flintml's refuses them (documented: lib/gradcheck.ts)" : null),
});

module.exports = { SPECS: specs, FNS, PY_FNS, NAMES, fin };
