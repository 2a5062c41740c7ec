// torch-diff-specs-modules.js — bench/torch-diff.js's specs for the nn modules (the format of
// bench/torch-diff-specs.js): each module is built on both sides with the same drawn constructor
// options, and ALL its parameters and buffers are drawn as inputs and loaded by name (flintml's
// loadStateDict, torch's load_state_dict, strict: a name or shape mismatch is a refusal). Both sides
// then run the forward and return [outputs, gradients, buffers after the forward], where the
// gradients are those of sum_y sum(y * w) (w the harness's fixed weights, over every output tensor
// that needs a gradient) w.r.t. the floating inputs and then the parameters in a.pnames order,
// computed inside each side (so the specs have `grad: false`). Buffers (BatchNorm's running stats)
// are read from the state dict after the forward.
//
// torch 1.13 lacks nn.RMSNorm (its formula is written out as a Module made with type()), the
// is_causal arguments (an explicit triu mask stands for them) and TransformerEncoderLayer's bias.
'use strict';
const { maxPoolEmptyWindow } = require('./torch-diff-specs-nn');

const FD = ['float32', 'float64'];
const specs = [];
const add = (s) => specs.push(s);

const pyB = (b) => (b ? 'True' : 'False');
const pyV = (v) => (v === null || v === undefined ? 'None' : typeof v === 'boolean' ? pyB(v) : typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `(${v.map(pyV).join(', ')}${v.length === 1 ? ',' : ''})` : String(v));
const pyKw = (o) => Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v && v.py ? v.py : pyV(v)}`).join(', ');
const pyDt = (dt) => ({ py: `torch.${dt}` });

// the weights of the in-expression backward, as the harness's: w_i = ((i * 7919) % 13 - 6) / 4
function weights(n) {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = (((i * 7919) % 13) - 6) / 4;
  return w;
}

/** torch's side: build (a.pyctor), load, run `call` (over m and ins), return [outs, grads, bufs]. */
const PY_RUN = (call) => `(lambda m, ins: (lambda outs: (lambda ys, T: [outs, (list(torch.autograd.grad(sum([(y.double() * (((torch.arange(y.numel(), dtype=torch.float64) * 7919) % 13 - 6) / 4).reshape(y.shape)).sum() for y in ys]), T, allow_unused=True)) if ys and T else []), [m.state_dict()[b] for b in a.bufs]])([y for y in (list(outs) if isinstance(outs, (list, tuple)) else [outs]) if isinstance(y, torch.Tensor) and y.requires_grad], [i for i in ins if i.requires_grad] + [dict(m.named_parameters())[n] for n in a.pnames]))(${call}))((lambda m: (m.train(a.train), m.load_state_dict(dict(zip(a.names, [x.detach() for x in xs[a.nin:]]))), m)[2])(eval(a.pyctor)), [x.detach().requires_grad_() if g else x.detach() for x, g in zip(xs[:a.nin], a.gin)])`;

/** flintml's side of PY_RUN. */
function flRun(fl, xs, a, make, call) {
  const m = make(fl, a.o);
  // --device cuda: the module where the inputs are (loadStateDict copies onto the parameters' device)
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
  const after = m.stateDict();
  return [outs, grads, a.bufs.map((b) => after[b])];
}

const maxAbs = (t) => Math.max(0, ...t.v.map((v) => Math.abs(Number(v)) || 0));
/**
 * A normalisation's rounding is amplified by 1/sqrt(var + eps): a group of near-equal values (or of
 * one value) in float32 differs by ~ eps32·|x|/sqrt(eps) between two correct implementations.
 */
const normFloor = (minEps) => (ins) => 16 + 8 * maxAbs(ins[0]) / Math.sqrt(minEps);

/**
 * A module spec. draw(r) gives { o (options), pyctor (python), inputs: [tensor specs], gin (which
 * inputs get gradients; default: the floating ones), params: [[name, tensor spec, isBuffer]], train,
 * ...(forward arguments) }.
 */
function mod({ name, draw, make, call, py, tol, known, floor = 16 }) {
  add({
    // the gradients are compared as values: an absolute floor of the weights' scale (a gradient near 0
    // is a difference of O(1) terms), as the harness gives its own gradient comparison
    name, py: PY_RUN(py), grad: false, tol, known, absScale: typeof floor === 'function' ? floor : () => floor,
    gen: (r) => {
      const d = draw(r);
      const { o, pyctor, inputs, params, train = false, gin, ...rest } = d;
      return {
        ins: [...inputs, ...params.map((p) => p[1])],
        a: {
          o, pyctor, train, nin: inputs.length, names: params.map((p) => p[0]),
          pnames: params.filter((p) => !p[2]).map((p) => p[0]), bufs: params.filter((p) => p[2]).map((p) => p[0]),
          gin: gin || inputs.map((t) => t.dtype.startsWith('float')), ...rest,
        },
      };
    },
    fl: (fl, xs, a) => flRun(fl, xs, a, make, call),
  });
}

/**
 * Whether some attention row has every key masked (then NaN in torch and flintml alike), from the
 * inputs: a bool key-padding mask (ins[a.ikpm]) and a bool or float attention mask (ins[a.iam]).
 */
function fullyMasked(a, ins, H) {
  if (a.kv || a.za) return false;  // add_bias_kv / add_zero_attn append a key that no mask covers
  const kpm = a.ikpm === null ? null : ins[a.ikpm], am = a.iam === null ? null : ins[a.iam];
  const S = kpm ? kpm.shape[kpm.shape.length - 1] : am.shape[am.shape.length - 1];
  const N = kpm && kpm.shape.length === 2 ? kpm.shape[0] : am && am.shape.length === 3 ? am.shape[0] / H : 1;
  const L = am ? am.shape[am.shape.length - 2] : 1;
  const off = (v) => v === 1 || v === '-inf';
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let l = 0; l < L; l++) {
    let all = true;
    for (let s = 0; s < S && all; s++) {
      const k = kpm ? off(kpm.v[(kpm.shape.length === 2 ? n * S : 0) + s]) : false;
      const m = am ? off(am.v[(am.shape.length === 3 ? (n * H + h) * L * S : 0) + l * S + s]) : false;
      all = k || m;
    }
    if (all) return true;
  }
  return false;
}
/** The masks' known differences of MultiheadAttention and TransformerEncoderLayer (torch 1.13's merging). */
const knownMasks = (H) => (a, ins) => {
  if (a.kpmKind === 'float' && (a.amKind || a.causal)) return 'torch 1.13 merges a float key_padding_mask into an attn_mask as a bool (logical_or, or masked_fill: an error); torch 2.x (_canonical_mask) and flintml add the two as float masks';
  if (a.kpmKind === 'bool' && a.amKind === 'float' && fullyMasked(a, ins, H(a))) return "the gradient w.r.t. a float attn_mask in a row every key of which is masked: torch 1.13 merges the bool key_padding_mask by masked_fill (gradient 0 there), torch 2.x and flintml add it as 0/-inf (NaN, as the row's output)";
  return null;
};

// ---- MultiheadAttention --------------------------------------------------------------------------
/** A mask tensor: bool (true = masked, ~30%) or float (0, small values, sometimes -inf). */
function mask(r, kind, dt, shape) {
  const t = r.tensor(kind === 'bool' ? 'bool' : dt, shape, 'grid');
  t.v = t.v.map(() => (kind === 'bool' ? (r.bool(0.3) ? 1 : 0) : r.bool(0.15) ? '-inf' : r.pick([0, 0, -1, 0.5, -2.25])));
  return t;
}
/** MHA parameters by torch's names. */
function mhaParams(r, dt, E, kd, vd, bias, prefix = '') {
  const p = [];
  if (kd === E && vd === E) p.push([`${prefix}in_proj_weight`, r.tensor(dt, [3 * E, E], 'unit')]);
  else p.push([`${prefix}q_proj_weight`, r.tensor(dt, [E, E], 'unit')], [`${prefix}k_proj_weight`, r.tensor(dt, [E, kd], 'unit')], [`${prefix}v_proj_weight`, r.tensor(dt, [E, vd], 'unit')]);
  if (bias) p.push([`${prefix}in_proj_bias`, r.tensor(dt, [3 * E], 'unit')]);
  p.push([`${prefix}out_proj.weight`, r.tensor(dt, [E, E], 'unit')]);
  if (bias) p.push([`${prefix}out_proj.bias`, r.tensor(dt, [E], 'unit')]);
  return p;
}
mod({
  name: 'nn.MultiheadAttention',
  draw: (r) => {
    const dt = r.pick(FD);
    const H = r.int(1, 3), hd = r.int(1, 3), E = H * hd;
    const sep = r.bool(0.3);
    const kd = sep ? r.int(1, 5) : E, vd = sep ? r.int(1, 5) : E;
    const bias = r.bool(0.7), bf = r.bool(), batched = r.bool(0.8);
    const N = r.bool(0.05) ? 0 : r.int(1, 3), L = r.int(1, 4);
    const self = !sep && r.bool(0.3);
    const S = self ? L : r.int(1, 4);
    const sh = (len, f) => (batched ? (bf ? [N, len, f] : [len, N, f]) : [len, f]);
    const inputs = [r.tensor(dt, sh(L, E), 'cont')];
    if (!self) inputs.push(r.tensor(dt, sh(S, kd), 'cont'), r.tensor(dt, sh(S, vd), 'cont'));
    const kpmKind = r.pick([null, null, 'bool', 'float']);
    let ikpm = null, iam = null;
    if (kpmKind) { ikpm = inputs.length; inputs.push(mask(r, kpmKind, dt, batched ? [N, S] : [S])); }
    const amKind = kpmKind === 'float' && r.bool(0.7) ? null : r.pick([null, null, 'bool', 'float']);  // float kpm + a mask: torch 1.13's quirk (known), less often
    if (amKind) { iam = inputs.length; inputs.push(mask(r, amKind, dt, r.bool(0.6) ? [L, S] : [(batched ? N : 1) * H, L, S])); }
    const causal = !amKind && r.bool(0.2);
    const kv = r.bool(0.35), za = r.bool(0.35);  // add_bias_kv, add_zero_attn
    const o = { E, H, kd: sep ? kd : null, vd: sep ? vd : null, bias, bf, dt, kv, za };
    const params = mhaParams(r, dt, E, kd, vd, bias);
    if (kv) params.push(['bias_k', r.tensor(dt, [1, 1, E], 'unit')], ['bias_v', r.tensor(dt, [1, 1, E], 'unit')]);
    return {
      o, inputs, params, train: r.bool(0.3),
      pyctor: `torch.nn.MultiheadAttention(${E}, ${H}, ${pyKw({ bias, add_bias_kv: kv, add_zero_attn: za, kdim: o.kd, vdim: o.vd, batch_first: bf, dtype: pyDt(dt) })})`,
      self, ikpm, iam, causal, L, S, kpmKind, amKind, nw: r.bool(0.7), avg: r.bool(), batched, kv, za,
    };
  },
  make: (fl, o) => new fl.nn.MultiheadAttention(o.E, o.H, { bias: o.bias, addBiasKv: o.kv, addZeroAttn: o.za, kdim: o.kd, vdim: o.vd, batchFirst: o.bf, dtype: o.dt }),
  call: (m, ins, a) => m.forward(ins[0], ins[a.self ? 0 : 1], ins[a.self ? 0 : 2], {
    keyPaddingMask: a.ikpm === null ? null : ins[a.ikpm], attnMask: a.iam === null ? null : ins[a.iam],
    needWeights: a.nw, averageAttnWeights: a.avg, isCausal: a.causal,
  }),
  // flintml's isCausal without a mask = torch with the causal bool mask
  py: 'm(ins[0], ins[0 if a.self else 1], ins[0 if a.self else 2], key_padding_mask=(None if a.ikpm is None else ins[a.ikpm]), need_weights=a.nw, attn_mask=(ins[a.iam] if a.iam is not None else (torch.ones(a.L, a.S, dtype=torch.bool).triu(1) if a.causal else None)), average_attn_weights=a.avg)',
  tol: 64, known: knownMasks((a) => a.o.H),
});

// ---- TransformerEncoderLayer ----------------------------------------------------------------------
mod({
  name: 'nn.TransformerEncoderLayer',
  draw: (r) => {
    const dt = r.pick(FD);
    const H = r.int(1, 3), hd = r.int(1, 3), D = H * hd, ff = r.int(1, 6);
    const act = r.pick(['relu', 'gelu']), eps = r.pick([1e-5, 1e-6, 0.1]);
    const bf = r.bool(), nf = r.bool(), batched = r.bool(0.8);
    const N = r.int(1, 3), L = r.int(1, 4);
    const inputs = [r.tensor(dt, batched ? (bf ? [N, L, D] : [L, N, D]) : [L, D], 'cont')];
    const kpmKind = r.pick([null, 'bool', 'float']);
    let ikpm = null, iam = null;
    if (kpmKind) { ikpm = inputs.length; inputs.push(mask(r, kpmKind, dt, batched ? [N, L] : [L])); }
    const amKind = kpmKind === 'float' && r.bool(0.7) ? null : r.pick([null, null, 'bool', 'float']);  // float kpm + a mask: torch 1.13's quirk (known), less often
    if (amKind) { iam = inputs.length; inputs.push(mask(r, amKind, dt, r.bool(0.7) ? [L, L] : [(batched ? N : 1) * H, L, L])); }
    const causal = !amKind && r.bool(0.3);
    const train = r.bool(0.3);
    const p = train ? 0 : r.pick([0, 0.1]);
    const params = [
      ...mhaParams(r, dt, D, D, D, true, 'self_attn.'),
      ['linear1.weight', r.tensor(dt, [ff, D], 'unit')], ['linear1.bias', r.tensor(dt, [ff], 'unit')],
      ['linear2.weight', r.tensor(dt, [D, ff], 'unit')], ['linear2.bias', r.tensor(dt, [D], 'unit')],
      ['norm1.weight', r.tensor(dt, [D], 'cont')], ['norm1.bias', r.tensor(dt, [D], 'unit')],
      ['norm2.weight', r.tensor(dt, [D], 'cont')], ['norm2.bias', r.tensor(dt, [D], 'unit')],
    ];
    const o = { D, H, ff, p, act, eps, bf, nf, dt };
    return {
      o, inputs, params, train, ikpm, iam, causal, L, kpmKind, amKind,
      pyctor: `torch.nn.TransformerEncoderLayer(${D}, ${H}, ${pyKw({ dim_feedforward: ff, dropout: p, activation: act, layer_norm_eps: eps, batch_first: bf, norm_first: nf, dtype: pyDt(dt) })})`,
    };
  },
  make: (fl, o) => new fl.nn.TransformerEncoderLayer(o.D, o.H, { dimFeedforward: o.ff, dropout: o.p, activation: o.act, layerNormEps: o.eps, batchFirst: o.bf, normFirst: o.nf, dtype: o.dt }),
  call: (m, ins, a) => m.forward(ins[0], { srcMask: a.iam === null ? null : ins[a.iam], srcKeyPaddingMask: a.ikpm === null ? null : ins[a.ikpm], isCausal: a.causal }),
  py: 'm(ins[0], src_mask=(ins[a.iam] if a.iam is not None else (torch.ones(a.L, a.L, dtype=torch.bool).triu(1) if a.causal else None)), src_key_padding_mask=(None if a.ikpm is None else ins[a.ikpm]))',
  tol: 64, floor: normFloor(1e-6),
  known: knownMasks((a) => a.o.H),
});

// ---- Linear, Embedding ---------------------------------------------------------------------------
mod({
  name: 'nn.Linear',
  draw: (r) => {
    const dt = r.pick(FD), i = r.bool(0.05) ? 0 : r.int(1, 4), o = r.int(1, 4), bias = r.bool(0.7);
    const params = [['weight', r.tensor(dt, [o, i], 'cont')]];
    if (bias) params.push(['bias', r.tensor(dt, [o], 'cont')]);
    return { o: { i, o, bias, dt }, inputs: [r.tensor(dt, [...r.shape(0, 2), i], 'cont')], params, pyctor: `torch.nn.Linear(${i}, ${o}, ${pyKw({ bias, dtype: pyDt(dt) })})` };
  },
  make: (fl, o) => new fl.nn.Linear(o.i, o.o, { bias: o.bias, dtype: o.dt }),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 8,
});
mod({
  name: 'nn.Embedding',
  draw: (r) => {
    const dt = r.pick(FD), n = r.int(1, 6), d = r.int(1, 4);
    const pad = r.bool(0.5) ? r.int(-n, n - 1) : null;
    const idx = r.tensor('int32', r.shape(0, 2, 4), 'index', 0, n - 1);
    return { o: { n, d, pad, dt }, inputs: [idx], params: [['weight', r.tensor(dt, [n, d], 'cont')]], pyctor: `torch.nn.Embedding(${n}, ${d}, ${pyKw({ padding_idx: pad, dtype: pyDt(dt) })})` };
  },
  make: (fl, o) => new fl.nn.Embedding(o.n, o.d, { paddingIdx: o.pad, dtype: o.dt }),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])',
});

// ---- norms ----------------------------------------------------------------------------------------
mod({
  name: 'nn.LayerNorm',
  draw: (r) => {
    const dt = r.pick(FD), s = r.shape(1, 3, 4, false), k = r.int(1, s.length), ns = s.slice(s.length - k);
    const eps = r.pick([1e-5, 1e-3, 0.5]), aff = r.bool(0.7);
    const params = aff ? [['weight', r.tensor(dt, ns, 'cont')], ['bias', r.tensor(dt, ns, 'cont')]] : [];
    return { o: { ns, eps, aff, dt }, inputs: [r.tensor(dt, s, 'cont')], params, pyctor: `torch.nn.LayerNorm(${pyV(ns)}, ${pyKw({ eps, elementwise_affine: aff, dtype: pyDt(dt) })})` };
  },
  make: (fl, o) => new fl.nn.LayerNorm(o.ns, { eps: o.eps, elementwiseAffine: o.aff, dtype: o.dt }),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 16, floor: normFloor(1e-5),
});
mod({
  name: 'nn.RMSNorm',
  draw: (r) => {
    const dt = r.pick(FD), s = r.shape(1, 3, 4, false), k = r.int(1, s.length), ns = s.slice(s.length - k);
    const eps = r.pick([null, 1e-5, 0.5]), aff = r.bool(0.7);
    // torch 2.4's nn.RMSNorm: x * rsqrt(mean(x², trailing dims) + eps) * weight, eps None = finfo(x.dtype).eps
    const pyctor = `(lambda m: (m.register_parameter('weight', torch.nn.Parameter(torch.ones(${pyV(ns)}, dtype=torch.${dt})) if ${pyB(aff)} else None), m)[1])(type('RMSNorm', (torch.nn.Module,), dict(forward=lambda self, x: x * torch.rsqrt(x.pow(2).mean(dim=tuple(range(-${ns.length}, 0)), keepdim=True) + (torch.finfo(x.dtype).eps if ${pyV(eps)} is None else ${pyV(eps)})) * (self.weight if self.weight is not None else 1)))())`;
    return { o: { ns, eps, aff, dt }, inputs: [r.tensor(dt, s, 'cont')], params: aff ? [['weight', r.tensor(dt, ns, 'cont')]] : [], pyctor };
  },
  make: (fl, o) => new fl.nn.RMSNorm(o.ns, { eps: o.eps, elementwiseAffine: o.aff, dtype: o.dt }),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 16,
});
mod({
  name: 'nn.GroupNorm',
  draw: (r) => {
    const dt = r.pick(FD), G = r.int(1, 3), C = G * r.int(1, 3), eps = r.pick([1e-5, 0.5]), aff = r.bool(0.7);
    const s = [r.int(1, 3), C, ...r.shape(0, 2, 3, false)];
    const params = aff ? [['weight', r.tensor(dt, [C], 'cont')], ['bias', r.tensor(dt, [C], 'cont')]] : [];
    return { o: { G, C, eps, aff, dt }, inputs: [r.tensor(dt, s, 'cont')], params, pyctor: `torch.nn.GroupNorm(${G}, ${C}, ${pyKw({ eps, affine: aff, dtype: pyDt(dt) })})` };
  },
  make: (fl, o) => new fl.nn.GroupNorm(o.G, o.C, { eps: o.eps, affine: o.aff, dtype: o.dt }),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 16, floor: normFloor(1e-5),
});
for (const nd of [1, 2]) {
  mod({
    name: `nn.BatchNorm${nd}d`,
    draw: (r) => {
      const dt = r.pick(FD), C = r.int(1, 3), eps = r.pick([1e-5, 0.5]), mom = r.pick([0.1, 0.5, null, 0]);
      const aff = r.bool(0.7), track = r.bool(0.8), train = r.bool();
      const s = nd === 1 ? (r.bool() ? [r.int(1, 4), C] : [r.int(1, 3), C, r.int(1, 3)]) : [r.int(1, 3), C, r.int(1, 3), r.int(1, 3)];
      const params = [];
      if (aff) params.push(['weight', r.tensor(dt, [C], 'cont')], ['bias', r.tensor(dt, [C], 'cont')]);
      if (track) params.push(['running_mean', r.tensor(dt, [C], 'cont'), true], ['running_var', r.tensor(dt, [C], 'pos'), true], ['num_batches_tracked', r.tensor('int32', [], 'index', 0, 4), true]);
      return {
        o: { C, eps, mom, aff, track, dt }, inputs: [r.tensor(dt, s, 'cont')], params, train,
        pyctor: `torch.nn.BatchNorm${nd}d(${C}, ${pyKw({ eps, momentum: mom, affine: aff, track_running_stats: track, dtype: pyDt(dt) })})`,
      };
    },
    make: (fl, o) => new fl.nn[`BatchNorm${nd}d`](o.C, { eps: o.eps, momentum: o.mom, affine: o.aff, trackRunningStats: o.track, dtype: o.dt }),
    call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 16, floor: normFloor(1e-5),
  });
}

// ---- convolutions ---------------------------------------------------------------------------------
const PADMODES = ['zeros', 'zeros', 'zeros', 'reflect', 'replicate', 'circular'];
for (const nd of [1, 2]) {
  mod({
    name: `nn.Conv${nd}d`,
    draw: (r) => {
      const dt = r.pick(FD), g = r.pick([1, 1, 2, 3]), ci = g * r.int(1, 2), co = g * r.int(1, 2);
      const k = Array.from({ length: nd }, () => r.int(1, 3));
      const st = Array.from({ length: nd }, () => r.pick([1, 1, 2]));
      const dl = Array.from({ length: nd }, () => r.pick([1, 1, 2]));
      const padding = r.bool(0.2) ? r.pick(['same', 'valid']) : Array.from({ length: nd }, () => r.int(0, 2));
      const pad = padding === 'same' && st.some((v) => v !== 1) ? 'valid' : padding;
      const bias = r.bool(0.7), pm = r.pick(PADMODES);
      const sp = Array.from({ length: nd }, () => r.int(2, 5));
      const x = r.tensor(dt, [...(r.bool(0.8) ? [r.int(1, 2)] : []), ci, ...sp], 'cont');
      const params = [['weight', r.tensor(dt, [co, ci / g, ...k], 'unit')]];
      if (bias) params.push(['bias', r.tensor(dt, [co], 'unit')]);
      const one = (v) => (nd === 1 ? v[0] : v);
      const o = { ci, co, k: one(k), st: one(st), pad: typeof pad === 'string' ? pad : one(pad), dl: one(dl), g, bias, pm, dt };
      return { o, inputs: [x], params, pyctor: `torch.nn.Conv${nd}d(${ci}, ${co}, ${pyV(o.k)}, ${pyKw({ stride: o.st, padding: o.pad, dilation: o.dl, groups: g, bias, padding_mode: pm, dtype: pyDt(dt) })})` };
    },
    make: (fl, o) => new fl.nn[`Conv${nd}d`](o.ci, o.co, o.k, { stride: o.st, padding: o.pad, dilation: o.dl, groups: o.g, bias: o.bias, paddingMode: o.pm, dtype: o.dt }),
    call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 16,
  });
}
mod({
  name: 'nn.ConvTranspose2d',
  draw: (r) => {
    const dt = r.pick(FD), g = r.pick([1, 1, 2]), ci = g * r.int(1, 2), co = g * r.int(1, 2);
    const k = [r.int(1, 3), r.int(1, 3)], st = [r.pick([1, 2]), r.pick([1, 2, 3])], dl = [r.pick([1, 2]), 1];
    const pad = [r.int(0, 1), r.int(0, 2)];
    const op = [0, 1].map((d) => r.int(0, Math.max(st[d], dl[d]) - 1));
    const bias = r.bool(0.7);
    const sp = [r.int(1, 4), r.int(1, 4)];
    const x = r.tensor(dt, [...(r.bool(0.8) ? [r.int(1, 2)] : []), ci, ...sp], 'cont');
    const params = [['weight', r.tensor(dt, [ci, co / g, ...k], 'unit')]];
    if (bias) params.push(['bias', r.tensor(dt, [co], 'unit')]);
    // output_size: a reachable size now and then (forward's second argument)
    const min = [0, 1].map((d) => (sp[d] - 1) * st[d] - 2 * pad[d] + dl[d] * (k[d] - 1) + 1);
    const osz = r.bool(0.25) ? [...(r.bool(0.3) ? x.shape.slice(0, -2) : []), ...[0, 1].map((d) => min[d] + r.int(0, Math.max(st[d], dl[d]) - 1))] : null;
    const o = { ci, co, k, st, pad, op, dl, g, bias, dt };
    return { o, inputs: [x], params, osz, pyctor: `torch.nn.ConvTranspose2d(${ci}, ${co}, ${pyV(k)}, ${pyKw({ stride: st, padding: pad, output_padding: op, groups: g, bias, dilation: dl, dtype: pyDt(dt) })})` };
  },
  make: (fl, o) => new fl.nn.ConvTranspose2d(o.ci, o.co, o.k, { stride: o.st, padding: o.pad, outputPadding: o.op, dilation: o.dl, groups: o.g, bias: o.bias, dtype: o.dt }),
  call: (m, ins, a) => (a.osz ? m.forward(ins[0], a.osz) : m.forward(ins[0])), py: '(m(ins[0], output_size=a.osz) if a.osz else m(ins[0]))', tol: 16,
});

// ---- modules without parameters -------------------------------------------------------------------
/** Whether some MaxPool2d window (PyTorch's output size) holds no element of the input (F.maxPool2d's rule). */
const emptyWindow = (o, shape) => [0, 1].some((i) => maxPoolEmptyWindow(shape[shape.length - 2 + i], { k: o.k, st: o.st, pad: o.pad, dil: o.dl, ceil: o.cm }, i));
mod({
  name: 'nn.MaxPool2d',
  draw: (r) => {
    const dt = r.pick(FD), k = [r.int(1, 3), r.int(1, 3)];
    const st = r.bool(0.3) ? null : [r.int(1, 3), r.int(1, 2)];
    const pad = [r.int(0, Math.floor(k[0] / 2)), r.int(0, Math.floor(k[1] / 2))];
    const dl = [r.pick([1, 1, 2]), 1], ri = r.bool(0.3), cm = r.bool(0.3);
    const x = r.tensor(dt, [...(r.bool(0.8) ? [r.int(1, 2)] : []), r.int(1, 2), r.int(1, 5), r.int(1, 5)], 'grid');
    return { o: { k, st, pad, dl, ri, cm }, inputs: [x], params: [], pyctor: `torch.nn.MaxPool2d(${pyV(k)}, ${pyKw({ stride: st, padding: pad, dilation: dl, return_indices: ri, ceil_mode: cm })})` };
  },
  make: (fl, o) => new fl.nn.MaxPool2d(o.k, { stride: o.st, padding: o.pad, dilation: o.dl, returnIndices: o.ri, ceilMode: o.cm }),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])',
  // ties: the grid values repeat, and the argmax of a tie is the first in both
  known: (a, [x]) => (emptyWindow(a.o, x.shape) ? "a window with no element inside the input (dilation with padding and ceil_mode): torch 1.13 gives -inf with an index outside the plane and writes its gradient there (heap corruption, or a crash); flintml refuses such a window in the forward (ValueError naming the position)" : null),
});
mod({
  name: 'nn.AvgPool2d',
  draw: (r) => {
    const dt = r.pick(FD), k = [r.int(1, 3), r.int(1, 3)];
    const st = r.bool(0.3) ? null : [r.int(1, 3), r.int(1, 2)];
    const pad = [r.int(0, Math.floor(k[0] / 2)), r.int(0, Math.floor(k[1] / 2))];
    const cm = r.bool(0.3), cip = r.bool(0.7), dov = r.bool(0.2) ? r.int(1, 5) : null;
    const x = r.tensor(dt, [...(r.bool(0.8) ? [r.int(1, 2)] : []), r.int(1, 2), r.int(1, 5), r.int(1, 5)], 'cont');
    return { o: { k, st, pad, cm, cip, dov }, inputs: [x], params: [], pyctor: `torch.nn.AvgPool2d(${pyV(k)}, ${pyKw({ stride: st, padding: pad, ceil_mode: cm, count_include_pad: cip, divisor_override: dov })})` };
  },
  make: (fl, o) => new fl.nn.AvgPool2d(o.k, { stride: o.st, padding: o.pad, ceilMode: o.cm, countIncludePad: o.cip, divisorOverride: o.dov }),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 4,
});
mod({
  name: 'nn.AdaptiveAvgPool2d',
  draw: (r) => {
    const dt = r.pick(FD);
    const os = r.bool(0.4) ? r.int(1, 4) : [r.bool(0.2) ? null : r.int(1, 4), r.bool(0.2) ? null : r.int(1, 4)];
    const x = r.tensor(dt, [...(r.bool(0.8) ? [r.int(1, 2)] : []), r.int(1, 2), r.int(1, 5), r.int(1, 5)], 'cont');
    return { o: { os }, inputs: [x], params: [], pyctor: `torch.nn.AdaptiveAvgPool2d(${pyV(os)})` };
  },
  make: (fl, o) => new fl.nn.AdaptiveAvgPool2d(o.os),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 4,
});
mod({
  name: 'nn.Flatten',
  draw: (r) => {
    const s = r.shape(0, 4, 3);
    const n = Math.max(s.length, 1);
    const sd = r.int(-n, n - 1), ed = r.int(-n, n - 1);
    return { o: { sd, ed }, inputs: [r.tensor(r.pick(FD), s, 'grid')], params: [], pyctor: `torch.nn.Flatten(${sd}, ${ed})` };
  },
  make: (fl, o) => new fl.nn.Flatten(o.sd, o.ed),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])',
});
for (const [cls, pyc] of [['Softmax', 'Softmax'], ['LogSoftmax', 'LogSoftmax']]) {
  mod({
    name: `nn.${cls}`,
    draw: (r) => {
      const s = r.shape(0, 3, 4);
      const d = r.dim(s.length);
      return { o: { d }, inputs: [r.tensor(r.pick(FD), s, 'cont')], params: [], pyctor: `torch.nn.${pyc}(dim=${d})` };
    },
    make: (fl, o) => new fl.nn[cls](o.d),
    call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 4,
  });
}
mod({
  name: 'nn.Sequential',
  draw: (r) => {
    const dt = r.pick(FD), i = r.int(1, 4), h = r.int(1, 4), o = r.int(1, 3);
    const act = r.pick(['ReLU', 'GELU', 'Tanh', 'SiLU', 'Sigmoid']);
    const ln = r.bool(0.4);
    const params = [['0.weight', r.tensor(dt, [h, i], 'cont')], ['0.bias', r.tensor(dt, [h], 'cont')]];
    if (ln) params.push(['2.weight', r.tensor(dt, [h], 'cont')], ['2.bias', r.tensor(dt, [h], 'cont')]);
    const last = ln ? 3 : 2;
    params.push([`${last}.weight`, r.tensor(dt, [o, h], 'cont')], [`${last}.bias`, r.tensor(dt, [o], 'cont')]);
    const mods = [`torch.nn.Linear(${i}, ${h}, dtype=torch.${dt})`, `torch.nn.${act}()`, ...(ln ? [`torch.nn.LayerNorm(${h}, dtype=torch.${dt})`] : []), `torch.nn.Linear(${h}, ${o}, dtype=torch.${dt})`];
    return { o: { i, h, o, act, ln, dt }, inputs: [r.tensor(dt, [...r.shape(0, 2), i], 'cont')], params, pyctor: `torch.nn.Sequential(${mods.join(', ')})` };
  },
  make: (fl, o) => new fl.nn.Sequential(new fl.nn.Linear(o.i, o.h, { dtype: o.dt }), new fl.nn[o.act](), ...(o.ln ? [new fl.nn.LayerNorm(o.h, { dtype: o.dt })] : []), new fl.nn.Linear(o.h, o.o, { dtype: o.dt })),
  call: (m, ins) => m.forward(ins[0]), py: 'm(ins[0])', tol: 16, floor: 1024,
});

// ---- structure: state-dict keys and shapes of each module class with drawn options ----------------
const STRUCT = [
  (r) => { const i = r.int(0, 4), o = r.int(1, 4), b = r.bool(); return [`torch.nn.Linear(${i}, ${o}, bias=${pyB(b)})`, (fl) => new fl.nn.Linear(i, o, { bias: b })]; },
  (r) => { const n = r.int(1, 6), d = r.int(1, 4), p = r.bool() ? r.int(-n, n - 1) : null; return [`torch.nn.Embedding(${n}, ${d}, padding_idx=${pyV(p)})`, (fl) => new fl.nn.Embedding(n, d, { paddingIdx: p })]; },
  (r) => { const s = r.shape(1, 2, 4, false), a = r.bool(); return [`torch.nn.LayerNorm(${pyV(s)}, elementwise_affine=${pyB(a)})`, (fl) => new fl.nn.LayerNorm(s, { elementwiseAffine: a })]; },
  (r) => { const G = r.int(1, 3), C = G * r.int(1, 2), a = r.bool(); return [`torch.nn.GroupNorm(${G}, ${C}, affine=${pyB(a)})`, (fl) => new fl.nn.GroupNorm(G, C, { affine: a })]; },
  (r) => { const nd = r.int(1, 2), C = r.int(1, 4), a = r.bool(), t = r.bool(); return [`torch.nn.BatchNorm${nd}d(${C}, affine=${pyB(a)}, track_running_stats=${pyB(t)})`, (fl) => new fl.nn[`BatchNorm${nd}d`](C, { affine: a, trackRunningStats: t })]; },
  (r) => {
    const nd = r.int(1, 2), g = r.int(1, 2), ci = g * r.int(1, 2), co = g * r.int(1, 2), k = r.int(1, 3), b = r.bool();
    return [`torch.nn.Conv${nd}d(${ci}, ${co}, ${k}, groups=${g}, bias=${pyB(b)})`, (fl) => new fl.nn[`Conv${nd}d`](ci, co, k, { groups: g, bias: b })];
  },
  (r) => { const g = r.int(1, 2), ci = g * r.int(1, 2), co = g * r.int(1, 3), k = [r.int(1, 3), r.int(1, 3)], b = r.bool(); return [`torch.nn.ConvTranspose2d(${ci}, ${co}, ${pyV(k)}, groups=${g}, bias=${pyB(b)})`, (fl) => new fl.nn.ConvTranspose2d(ci, co, k, { groups: g, bias: b })]; },
  (r) => {
    const H = r.int(1, 3), E = H * r.int(1, 2), sep = r.bool(0.4), kd = sep ? r.int(1, 5) : null, vd = sep ? r.int(1, 5) : null, b = r.bool(), kv = r.bool(0.4);
    return [`torch.nn.MultiheadAttention(${E}, ${H}, bias=${pyB(b)}, add_bias_kv=${pyB(kv)}, kdim=${pyV(kd)}, vdim=${pyV(vd)})`, (fl) => new fl.nn.MultiheadAttention(E, H, { bias: b, addBiasKv: kv, kdim: kd, vdim: vd })];
  },
  (r) => { const H = r.int(1, 2), D = H * r.int(1, 2), ff = r.int(1, 5), nf = r.bool(); return [`torch.nn.TransformerEncoderLayer(${D}, ${H}, dim_feedforward=${ff}, norm_first=${pyB(nf)})`, (fl) => new fl.nn.TransformerEncoderLayer(D, H, { dimFeedforward: ff, normFirst: nf })]; },
  (r) => {
    const cls = r.pick(['LSTM', 'GRU', 'RNN']), i = r.int(1, 3), h = r.int(1, 3), nl = r.int(1, 2), b = r.bool(0.7), bi = r.bool();
    return [`torch.nn.${cls}(${i}, ${h}, num_layers=${nl}, bias=${pyB(b)}, bidirectional=${pyB(bi)})`, (fl) => new fl.nn[cls](i, h, { numLayers: nl, bias: b, bidirectional: bi })];
  },
  (r) => { const i = r.int(1, 3), h = r.int(1, 3); return [`torch.nn.Sequential(torch.nn.Linear(${i}, ${h}), torch.nn.ReLU(), torch.nn.LayerNorm(${h}), torch.nn.Sequential(torch.nn.Linear(${h}, 2), torch.nn.BatchNorm1d(2)))`, (fl) => new fl.nn.Sequential(new fl.nn.Linear(i, h), new fl.nn.ReLU(), new fl.nn.LayerNorm(h), new fl.nn.Sequential(new fl.nn.Linear(h, 2), new fl.nn.BatchNorm1d(2)))]; },
];
/** The flint side's maker of each drawn constructor (gen caches it by its python text). */
const STRUCT_MAKERS = new Map();
add({
  name: 'nn.stateDict-keys', grad: false,
  // the keys in torch's order, then sorted (a different order alone shows in the first list only)
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
