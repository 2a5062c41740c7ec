// torch-diff-specs-transformer.js — bench/torch-diff.js's specs for the transformer family
// (lib/nn/transformer.ts): TransformerDecoderLayer, TransformerEncoder, TransformerDecoder and
// Transformer built on both sides with the same drawn options, ALL their parameters drawn and loaded
// by name (flintml's loadStateDict, torch's load_state_dict, strict: a name or shape mismatch is a
// refusal), then the outputs and the gradients of sum(y * w) w.r.t. the float inputs and every
// parameter compared (the harness of bench/torch-diff-specs-modules.js, repeated here so that the
// two tables stay independent); also generate_square_subsequent_mask and the state-dict keys.
//
// Sizes are small (d = heads·1..2, ≤ 2 layers) so that each case is fast; a batch of 0, an empty
// memory (cross-attention over no key) or an empty target now and then. The masks keep key 0
// unmasked (no row whose every key is masked: there both libraries give NaN, and torch 1.13's
// mask merging differs in the gradient, a known difference of MultiheadAttention's form), and a
// float key-padding mask is drawn only for an attention without an attn_mask (torch 1.13 merges a
// float key_padding_mask into an attn_mask as a bool; see FIDELITY.md's MultiheadAttention notes).
// With gradients on, torch 1.13's encoder never takes its nested-tensor fast path, so the math
// paths are compared (the fast path's padded rows are tested in test/transformer.test.ts). The
// activation is drawn as 'relu', 'gelu', a function (F.silu) or a Module (nn.Tanh()); the decoder
// stacks with a Module are `known`: torch 1.13's deep copies run F.relu there (knownDecoderCopy).
'use strict';

const FD = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);

const pyB = (b) => (b ? 'True' : 'False');
const pyV = (v) => (v === null || v === undefined ? 'None' : typeof v === 'boolean' ? pyB(v) : typeof v === 'string' ? `'${v}'` : String(v));
const pyKw = (o) => Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v && v.py ? v.py : pyV(v)}`).join(', ');
const pyDt = (dt) => ({ py: `torch.${dt}` });

// the weights of the in-expression backward, as the harness's: w_i = ((i * 7919) % 13 - 6) / 4
function weights(n) {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = (((i * 7919) % 13) - 6) / 4;
  return w;
}

/** torch's side: build (a.pyctor), load, run `call` (over m and ins), return [outs, grads]. */
const PY_RUN = (call) => `(lambda m, ins: (lambda outs: (lambda ys, T: [outs, (list(torch.autograd.grad(sum([(y.double() * (((torch.arange(y.numel(), dtype=torch.float64) * 7919) % 13 - 6) / 4).reshape(y.shape)).sum() for y in ys]), T, allow_unused=True)) if ys and T else [])])([y for y in (list(outs) if isinstance(outs, (list, tuple)) else [outs]) if isinstance(y, torch.Tensor) and y.requires_grad], [i for i in ins if i.requires_grad] + [dict(m.named_parameters())[n] for n in a.pnames]))(${call}))((lambda m: (m.train(a.train), m.load_state_dict(dict(zip(a.names, [x.detach() for x in xs[a.nin:]]))), m)[2])(eval(a.pyctor)), [x.detach().requires_grad_() if g else x.detach() for x, g in zip(xs[:a.nin], a.gin)])`;

/** flintml's side of PY_RUN. */
function flRun(fl, xs, a, make, call) {
  const m = make(fl, a.o);
  if (xs.length && xs[0].device !== 'cpu') m.to(xs[0].device);
  m.train(a.train);
  const sd = {};
  a.names.forEach((k, i) => { sd[k] = xs[a.nin + i]; });
  m.loadStateDict(sd);
  const ins = xs.slice(0, a.nin).map((x, i) => (a.gin[i] ? x.detach().requiresGrad_(true) : x));
  const outs = call(m, ins, a);
  const list = Array.isArray(outs) ? outs : [outs];
  const ys = list.filter((y) => y instanceof fl.Tensor && y.requiresGrad);
  const named = new Map(m.namedParameters());
  const T = [...ins.filter((x) => x.requiresGrad), ...a.pnames.map((n) => named.get(n) || null)];
  let grads = [];
  if (ys.length && T.length) {
    for (const t of T) if (t) t.grad = null;
    let loss = null;
    for (const y of ys) {
      const l = y.to('float64').mul(fl.tensor(weights(y.numel), { dtype: 'float64', device: y.device }).reshape(y.shape)).sum();
      loss = loss ? loss.add(l) : l;
    }
    loss.backward();
    grads = T.map((t) => (t && t.grad ? t.grad : null));
  }
  return [outs, grads];
}

const maxAbs = (t) => Math.max(0, ...t.v.map((v) => Math.abs(Number(v)) || 0));
/** A normalisation's rounding is amplified by 1/sqrt(var + eps) (bench/torch-diff-specs-modules.js says why). */
const normFloor = (minEps) => (ins) => 16 + 8 * maxAbs(ins[0]) / Math.sqrt(minEps);

/**
 * The stacks' tolerance (a single layer's, 64, as the modules table's TransformerEncoderLayer, times
 * 4): up to 2 + 2 layers and a final norm compound the rounding; a parameter gradient of ~1,500
 * through two post-norm layers with eps 0.1 differed by 3.6e-13 relative (seed 3, case 125 of
 * nn.TransformerEncoder), just past 64.
 */
const STACK_TOL = 256;

/** A module spec (bench/torch-diff-specs-modules.js's `mod`, without buffers). */
function mod({ name, draw, make, call, py, tol, known, floor = 16 }) {
  add({
    name, py: PY_RUN(py), grad: false, tol, known, absScale: typeof floor === 'function' ? floor : () => floor,
    gen: (r) => {
      const { o, pyctor, inputs, params, train = false, gin, ...rest } = draw(r);
      return {
        ins: [...inputs, ...params.map((p) => p[1])],
        a: { o, pyctor, train, nin: inputs.length, names: params.map((p) => p[0]), pnames: params.map((p) => p[0]), gin: gin || inputs.map((t) => t.dtype.startsWith('float')), ...rest },
      };
    },
    fl: (fl, xs, a) => flRun(fl, xs, a, make, call),
  });
}

// ---- drawing helpers -------------------------------------------------------------------------------
/** A mask tensor whose key 0 is never masked: bool (true = masked, ~30%) or float (0, small values, sometimes -inf). */
function mask(r, kind, dt, shape) {
  const t = r.tensor(kind === 'bool' ? 'bool' : dt, shape, 'grid');
  const S = shape[shape.length - 1];
  t.v = t.v.map((_, i) => (i % S === 0 ? 0 : kind === 'bool' ? (r.bool(0.3) ? 1 : 0) : r.bool(0.15) ? '-inf' : r.pick([0, 0, -1, 0.5, -2.25])));
  return t;
}
/** MultiheadAttention's parameters by torch's names. */
function mhaParams(r, dt, E, prefix) {
  return [
    [`${prefix}in_proj_weight`, r.tensor(dt, [3 * E, E], 'unit')], [`${prefix}in_proj_bias`, r.tensor(dt, [3 * E], 'unit')],
    [`${prefix}out_proj.weight`, r.tensor(dt, [E, E], 'unit')], [`${prefix}out_proj.bias`, r.tensor(dt, [E], 'unit')],
  ];
}
const normParams = (r, dt, D, prefix) => [[`${prefix}weight`, r.tensor(dt, [D], 'cont')], [`${prefix}bias`, r.tensor(dt, [D], 'unit')]];
/** A layer's parameters in torch's state-dict order (decoder: with multihead_attn and norm3). */
function layerParams(r, dt, D, ff, prefix, decoder) {
  return [
    ...mhaParams(r, dt, D, `${prefix}self_attn.`),
    ...(decoder ? mhaParams(r, dt, D, `${prefix}multihead_attn.`) : []),
    [`${prefix}linear1.weight`, r.tensor(dt, [ff, D], 'unit')], [`${prefix}linear1.bias`, r.tensor(dt, [ff], 'unit')],
    [`${prefix}linear2.weight`, r.tensor(dt, [D, ff], 'unit')], [`${prefix}linear2.bias`, r.tensor(dt, [D], 'unit')],
    ...normParams(r, dt, D, `${prefix}norm1.`), ...normParams(r, dt, D, `${prefix}norm2.`),
    ...(decoder ? normParams(r, dt, D, `${prefix}norm3.`) : []),
  ];
}
/**
 * The shared layer options: heads, width, activation ('relu', 'gelu', a function: F.silu, or a
 * Module: nn.Tanh()), eps, layout, dropout (0 in training mode).
 */
function drawLayer(r) {
  const dt = r.pick(FD);
  const H = r.int(1, 2), D = H * r.int(1, 2), ff = r.int(1, 5);
  const act = r.pick(['relu', 'gelu', 'relu', 'gelu', 'silu', 'Tanh']), eps = r.pick([1e-5, 1e-6, 0.1]);
  const bf = r.bool(), nf = r.bool(), batched = r.bool(0.8);
  const train = r.bool(0.3);
  const p = train ? 0 : r.pick([0, 0.1]);
  return { dt, H, D, ff, act, eps, bf, nf, batched, train, p, N: r.bool(0.05) ? 0 : r.int(1, 3) };
}
const pyAct = (act) => (act === 'silu' ? { py: 'torch.nn.functional.silu' } : act === 'Tanh' ? { py: 'torch.nn.Tanh()' } : act);
const flAct = (fl, act) => (act === 'silu' ? fl.nn.functional.silu : act === 'Tanh' ? new fl.nn.Tanh() : act);
const pyLayerKw = (L) => pyKw({ dim_feedforward: L.ff, dropout: L.p, activation: pyAct(L.act), layer_norm_eps: L.eps, batch_first: L.bf, norm_first: L.nf, dtype: pyDt(L.dt) });
const flLayerOpts = (fl, o) => ({ dimFeedforward: o.ff, dropout: o.p, activation: flAct(fl, o.act), layerNormEps: o.eps, batchFirst: o.bf, normFirst: o.nf, dtype: o.dt });
const seq = (r, L, len) => r.tensor(L.dt, L.batched ? (L.bf ? [L.N, len, L.D] : [len, L.N, L.D]) : [len, L.D], 'cont');

/**
 * One attention's masks, appended to `inputs` (their indices stored in `a` under `names`): a key
 * padding mask over `S` keys and an attention mask [Lq, S] or [N·H, Lq, S]; a float key padding mask
 * only without an attention mask.
 */
function drawMasks(r, L, inputs, a, [kpmName, amName], Lq, S) {
  const amKind = r.pick([null, null, 'bool', 'float']);
  const kpmKind = r.pick(amKind ? [null, 'bool'] : [null, 'bool', 'float']);
  a[kpmName] = null; a[amName] = null;
  if (kpmKind) { a[kpmName] = inputs.length; inputs.push(mask(r, kpmKind, L.dt, L.batched ? [L.N, S] : [S])); }
  if (amKind) { a[amName] = inputs.length; inputs.push(mask(r, amKind, L.dt, r.bool(0.7) ? [Lq, S] : [(L.batched ? L.N : 1) * L.H, Lq, S])); }
}
/**
 * torch 1.13's TransformerDecoderLayer.__setstate__ sets `activation = F.relu` when 'activation' is
 * not in the instance's __dict__, which a Module activation never is (it lives in _modules): so every
 * deep copy that TransformerDecoder (and Transformer's decoder) makes of a layer with a Module
 * activation runs relu while printing the Module. flintml runs the Module. (The encoder layer's
 * __setstate__ uses hasattr and keeps it.)
 */
const knownDecoderCopy = (a) => (a.o.act === 'Tanh' ? "torch 1.13's TransformerDecoderLayer.__setstate__ replaces a Module activation by F.relu in the deep copies its stacks make (a torch bug); flintml runs the Module" : null);
const pyIn = (k) => `(None if a.${k} is None else ins[a.${k}])`;
const flIn = (ins, a, k) => (a[k] === null ? null : ins[a[k]]);

// ---- TransformerDecoderLayer -----------------------------------------------------------------------------
mod({
  name: 'nn.TransformerDecoderLayer',
  draw: (r) => {
    const L = drawLayer(r);
    const T = r.int(1, 4), S = r.bool(0.05) ? 0 : r.int(1, 4);
    const inputs = [seq(r, L, T), seq(r, L, S)];
    const m = {};
    drawMasks(r, L, inputs, m, ['tkpm', 'tm'], T, T);
    drawMasks(r, L, inputs, m, ['mkpm', 'mm'], T, S);
    return {
      o: L, inputs, params: layerParams(r, L.dt, L.D, L.ff, '', true), train: L.train, ...m,
      pyctor: `torch.nn.TransformerDecoderLayer(${L.D}, ${L.H}, ${pyLayerKw(L)})`,
    };
  },
  make: (fl, o) => new fl.nn.TransformerDecoderLayer(o.D, o.H, flLayerOpts(fl, o)),
  call: (m, ins, a) => m.forward(ins[0], ins[1], { tgtMask: flIn(ins, a, 'tm'), memoryMask: flIn(ins, a, 'mm'), tgtKeyPaddingMask: flIn(ins, a, 'tkpm'), memoryKeyPaddingMask: flIn(ins, a, 'mkpm') }),
  py: `m(ins[0], ins[1], tgt_mask=${pyIn('tm')}, memory_mask=${pyIn('mm')}, tgt_key_padding_mask=${pyIn('tkpm')}, memory_key_padding_mask=${pyIn('mkpm')})`,
  tol: 64, floor: normFloor(1e-6),
});

// ---- TransformerEncoder ----------------------------------------------------------------------------------
mod({
  name: 'nn.TransformerEncoder',
  draw: (r) => {
    const L = drawLayer(r);
    const n = r.int(1, 2), norm = r.bool(0.6);
    const S = r.int(1, 4);
    const inputs = [seq(r, L, S)];
    const m = {};
    drawMasks(r, L, inputs, m, ['kpm', 'am'], S, S);
    const params = [];
    for (let i = 0; i < n; i++) params.push(...layerParams(r, L.dt, L.D, L.ff, `layers.${i}.`, false));
    if (norm) params.push(...normParams(r, L.dt, L.D, 'norm.'));
    const o = { ...L, n, norm };
    return {
      o, inputs, params, train: L.train, ...m,
      pyctor: `torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(${L.D}, ${L.H}, ${pyLayerKw(L)}), ${n}, ${norm ? `torch.nn.LayerNorm(${L.D}, dtype=torch.${L.dt})` : 'None'})`,
    };
  },
  make: (fl, o) => new fl.nn.TransformerEncoder(new fl.nn.TransformerEncoderLayer(o.D, o.H, flLayerOpts(fl, o)), o.n, o.norm ? new fl.nn.LayerNorm(o.D, { dtype: o.dt }) : null),
  call: (m, ins, a) => m.forward(ins[0], { mask: flIn(ins, a, 'am'), srcKeyPaddingMask: flIn(ins, a, 'kpm') }),
  py: `m(ins[0], mask=${pyIn('am')}, src_key_padding_mask=${pyIn('kpm')})`,
  tol: STACK_TOL, floor: normFloor(1e-6),
});

// ---- TransformerDecoder ----------------------------------------------------------------------------------
mod({
  name: 'nn.TransformerDecoder',
  draw: (r) => {
    const L = drawLayer(r);
    const n = r.int(1, 2), norm = r.bool(0.6);
    const T = r.int(1, 4), S = r.int(1, 4);
    const inputs = [seq(r, L, T), seq(r, L, S)];
    const m = {};
    drawMasks(r, L, inputs, m, ['tkpm', 'tm'], T, T);
    drawMasks(r, L, inputs, m, ['mkpm', 'mm'], T, S);
    const params = [];
    for (let i = 0; i < n; i++) params.push(...layerParams(r, L.dt, L.D, L.ff, `layers.${i}.`, true));
    if (norm) params.push(...normParams(r, L.dt, L.D, 'norm.'));
    const o = { ...L, n, norm };
    return {
      o, inputs, params, train: L.train, ...m,
      pyctor: `torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(${L.D}, ${L.H}, ${pyLayerKw(L)}), ${n}, ${norm ? `torch.nn.LayerNorm(${L.D}, dtype=torch.${L.dt})` : 'None'})`,
    };
  },
  make: (fl, o) => new fl.nn.TransformerDecoder(new fl.nn.TransformerDecoderLayer(o.D, o.H, flLayerOpts(fl, o)), o.n, o.norm ? new fl.nn.LayerNorm(o.D, { dtype: o.dt }) : null),
  call: (m, ins, a) => m.forward(ins[0], ins[1], flIn(ins, a, 'tm'), flIn(ins, a, 'mm'), flIn(ins, a, 'tkpm'), flIn(ins, a, 'mkpm')),
  py: `m(ins[0], ins[1], ${pyIn('tm')}, ${pyIn('mm')}, ${pyIn('tkpm')}, ${pyIn('mkpm')})`,
  tol: STACK_TOL, floor: normFloor(1e-6), known: knownDecoderCopy,
});

// ---- Transformer -------------------------------------------------------------------------------------------
mod({
  name: 'nn.Transformer',
  draw: (r) => {
    const L = drawLayer(r);
    const ne = r.int(1, 2), nd = r.int(1, 2);
    const S = r.bool(0.05) ? 0 : r.int(1, 4), T = r.bool(0.05) ? 0 : r.int(1, 4);
    const inputs = [seq(r, L, S), seq(r, L, T)];
    const m = {};
    drawMasks(r, L, inputs, m, ['skpm', 'sm'], S, S);
    drawMasks(r, L, inputs, m, ['tkpm', 'tm'], T, T);
    drawMasks(r, L, inputs, m, ['mkpm', 'mm'], T, S);
    const params = [];
    for (let i = 0; i < ne; i++) params.push(...layerParams(r, L.dt, L.D, L.ff, `encoder.layers.${i}.`, false));
    params.push(...normParams(r, L.dt, L.D, 'encoder.norm.'));
    for (let i = 0; i < nd; i++) params.push(...layerParams(r, L.dt, L.D, L.ff, `decoder.layers.${i}.`, true));
    params.push(...normParams(r, L.dt, L.D, 'decoder.norm.'));
    const o = { ...L, ne, nd };
    return {
      o, inputs, params, train: L.train, ...m,
      pyctor: `torch.nn.Transformer(${L.D}, ${L.H}, ${ne}, ${nd}, ${pyLayerKw(L)})`,
    };
  },
  make: (fl, o) => new fl.nn.Transformer({ dModel: o.D, nhead: o.H, numEncoderLayers: o.ne, numDecoderLayers: o.nd, ...flLayerOpts(fl, o) }),
  call: (m, ins, a) => m.forward(ins[0], ins[1], {
    srcMask: flIn(ins, a, 'sm'), tgtMask: flIn(ins, a, 'tm'), memoryMask: flIn(ins, a, 'mm'),
    srcKeyPaddingMask: flIn(ins, a, 'skpm'), tgtKeyPaddingMask: flIn(ins, a, 'tkpm'), memoryKeyPaddingMask: flIn(ins, a, 'mkpm'),
  }),
  py: `m(ins[0], ins[1], src_mask=${pyIn('sm')}, tgt_mask=${pyIn('tm')}, memory_mask=${pyIn('mm')}, src_key_padding_mask=${pyIn('skpm')}, tgt_key_padding_mask=${pyIn('tkpm')}, memory_key_padding_mask=${pyIn('mkpm')})`,
  tol: STACK_TOL, floor: normFloor(1e-6), known: knownDecoderCopy,
});

// ---- generate_square_subsequent_mask -----------------------------------------------------------------------
add({
  name: 'nn.Transformer.generateSquareSubsequentMask', grad: false,
  py: 'torch.nn.Transformer.generate_square_subsequent_mask(a.sz)',
  gen: (r) => ({ ins: [], a: { sz: r.int(0, 6) } }),
  fl: (fl, xs, a) => fl.nn.Transformer.generateSquareSubsequentMask(a.sz),
});

// ---- structure: state-dict keys and shapes (bias=False is torch ≥ 2.1's, left out) -------------------------
const STRUCT = [
  (r) => { const H = r.int(1, 2), D = H * r.int(1, 2), ff = r.int(1, 5), nf = r.bool(); return [`torch.nn.TransformerDecoderLayer(${D}, ${H}, dim_feedforward=${ff}, norm_first=${pyB(nf)})`, (fl) => new fl.nn.TransformerDecoderLayer(D, H, { dimFeedforward: ff, normFirst: nf })]; },
  (r) => {
    const H = r.int(1, 2), D = H * r.int(1, 2), ff = r.int(1, 5), n = r.int(0, 3), norm = r.bool();
    return [`torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(${D}, ${H}, dim_feedforward=${ff}), ${n}, ${norm ? `torch.nn.LayerNorm(${D})` : 'None'})`,
      (fl) => new fl.nn.TransformerEncoder(new fl.nn.TransformerEncoderLayer(D, H, { dimFeedforward: ff }), n, norm ? new fl.nn.LayerNorm(D) : null)];
  },
  (r) => {
    const H = r.int(1, 2), D = H * r.int(1, 2), ff = r.int(1, 5), n = r.int(0, 3), norm = r.bool();
    return [`torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(${D}, ${H}, dim_feedforward=${ff}), ${n}, ${norm ? `torch.nn.LayerNorm(${D})` : 'None'})`,
      (fl) => new fl.nn.TransformerDecoder(new fl.nn.TransformerDecoderLayer(D, H, { dimFeedforward: ff }), n, norm ? new fl.nn.LayerNorm(D) : null)];
  },
  (r) => {
    const H = r.int(1, 2), D = H * r.int(1, 2), ff = r.int(1, 5), ne = r.int(0, 2), nd = r.int(0, 2);
    return [`torch.nn.Transformer(${D}, ${H}, ${ne}, ${nd}, ${ff})`, (fl) => new fl.nn.Transformer(D, H, ne, nd, ff)];
  },
];
const STRUCT_MAKERS = new Map();
add({
  name: 'nn.transformer-stateDict-keys', grad: false,
  py: '(lambda ks: [ks, sorted(ks)])([k + ":" + str(list(v.shape)) for k, v in eval(a.pyctor).state_dict().items()])',
  gen: (r) => {
    const [pyctor, make] = STRUCT[r.int(0, STRUCT.length - 1)](r);
    STRUCT_MAKERS.set(pyctor, make);
    return { ins: [], a: { pyctor } };
  },
  fl: (fl, xs, a) => {
    const ks = Object.entries(STRUCT_MAKERS.get(a.pyctor)(fl).stateDict()).map(([k, v]) => `${k}:[${v.shape.join(', ')}]`);
    return [ks, ks.slice().sort()];
  },
});

module.exports = { SPECS: specs };
