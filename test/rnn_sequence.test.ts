// rnn_sequence.test.ts — nn.LSTM's and nn.GRU's whole-sequence autograd nodes (lstmSequence,
// lib/nn/lstm_cell.ts; gruSequence, lib/nn/gru_cell.ts): one node per layer and direction whose
// backward loops over time without autograd. Checked against a float64 naive LSTM / GRU written
// out here (forward), central finite differences (every gradient: x, h0, c0, each weight and
// bias), and the per-step composed path they replace (outputs and gradients for multi-layer,
// bidirectional, batchFirst, dropout, no bias, unbatched, weight sharing, partial use of the
// outputs, retainGraph). The PyTorch golden cases of seq.test.ts run through them as well.
import * as fl from '../lib';
import { DEVICE, expectClose, expectGradsMatchFiniteDifferences, rng } from './helpers';
import { _useRnnSequenceOps } from '../lib/nn/lstm_cell';

const nn = fl.nn;
const f64 = { dtype: 'float64' as const, device: DEVICE };

/** The outputs and every gradient of loss = Σ out·r over `fn`'s outputs, as plain arrays. */
interface Run { outs: number[][]; grads: Record<string, number[]> }

type Rnn = fl.nn.LSTM | fl.nn.GRU;

/** m.forward(x, states) for either layer: [output, hN, cN (null for a GRU)]. */
function forward(m: Rnn, x: fl.Tensor, states: fl.Tensor[] | null): [fl.Tensor, fl.Tensor, fl.Tensor | null] {
  if (m instanceof nn.LSTM) {
    const [y, [h, c]] = m.forward(x, states as [fl.Tensor, fl.Tensor] | null);
    return [y, h, c];
  }
  const [y, h] = m.forward(x, states ? states[0] : null);
  return [y, h, null];
}

/**
 * Runs `m` once with the sequence node on or off and `use(y, h, c)` (c null for a GRU) picking
 * the outputs of the loss; the loss weights each output with fixed pseudo-random values, so every
 * element's gradient matters.
 */
type Use = (y: fl.Tensor, h: fl.Tensor, c: fl.Tensor | null) => fl.Tensor[];
function runRnn(m: Rnn, seq: boolean, x: fl.Tensor, hx: fl.Tensor[] | null, use: Use, seed = 0): Run {
  const was = _useRnnSequenceOps(seq);
  try {
    return fl.scope(() => {
      const xs = x.detach().requiresGrad_();
      const hs = hx ? hx.map((t) => t.detach().requiresGrad_()) : null;
      fl.manualSeed(seed);
      const [y, h, c] = forward(m, xs, hs);
      const outs = use(y, h, c);
      const r = rng(7);
      let loss: fl.Tensor | null = null;
      for (const o of outs) {
        const w = fl.tensor(Array.from({ length: o.numel }, () => r() * 2 - 1), { dtype: o.dtype, device: DEVICE }).reshape(o.shape);
        const term = o.mul(w).sum();
        loss = loss ? loss.add(term) : term;
      }
      m.zeroGrad();
      loss!.backward();
      const grads: Record<string, number[]> = { x: Array.from(xs.grad!.dataSync()) };
      if (hs) hs.forEach((t, i) => { grads[i ? 'c0' : 'h0'] = Array.from(t.grad!.dataSync()); });
      for (const [k, p] of Object.entries(m.namedParameters ? Object.fromEntries(m.namedParameters()) : {})) {
        grads[k] = p.grad ? Array.from(p.grad.dataSync()) : [];
      }
      xs.grad!.dispose();
      if (hs) for (const t of hs) t.grad!.dispose();
      return { outs: outs.map((o) => Array.from(o.dataSync())), grads };
    });
  } finally {
    _useRnnSequenceOps(was);
    m.zeroGrad();
  }
}

function expectSame(a: Run, b: Run, tol: number): void {
  expect(a.outs.length).toBe(b.outs.length);
  const cmp = (u: number[], v: number[], what: string): void => {
    expect(u.length).toBe(v.length);
    let worst = 0;
    for (let i = 0; i < u.length; i++) worst = Math.max(worst, Math.abs(u[i] - v[i]) / (1e-3 + Math.abs(v[i])));
    if (!(worst <= tol)) throw new Error(`${what}: worst relative difference ${worst} > ${tol}`);
  };
  a.outs.forEach((o, i) => cmp(o, b.outs[i], `output ${i}`));
  expect(Object.keys(a.grads).sort()).toEqual(Object.keys(b.grads).sort());
  for (const k of Object.keys(b.grads)) cmp(a.grads[k], b.grads[k], `grad of ${k}`);
}

/** A float64 LSTM in plain JS (PyTorch's equations, gate order i, f, g, o), any layers/directions. */
function naiveLstm(p: Record<string, number[]>, L: number, D: number, I: number, H: number, x: number[], T: number, B: number, [h0, c0]: number[][]): { out: number[]; states: number[][] } {
  const sg = (v: number): number => 1 / (1 + Math.exp(-v));
  let inp = x, F = I;  // [T, B, F]
  const hN: number[] = [], cN: number[] = [];
  for (let l = 0; l < L; l++) {
    const out = new Array(T * B * D * H).fill(0);
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      const wih = p[`weight_ih${sfx}`], whh = p[`weight_hh${sfx}`], bih = p[`bias_ih${sfx}`], bhh = p[`bias_hh${sfx}`];
      const k = l * D + d;
      let h = h0.slice(k * B * H, (k + 1) * B * H), c = c0.slice(k * B * H, (k + 1) * B * H);
      for (let s = 0; s < T; s++) {
        const t = d ? T - 1 - s : s;
        const h2: number[] = [], c2: number[] = [];
        for (let b = 0; b < B; b++) {
          const pre = (g: number, j: number): number => {
            const row = g * H + j;
            let v = bih[row] + bhh[row];
            for (let q = 0; q < F; q++) v += wih[row * F + q] * inp[(t * B + b) * F + q];
            for (let q = 0; q < H; q++) v += whh[row * H + q] * h[b * H + q];
            return v;
          };
          for (let j = 0; j < H; j++) {
            const i = sg(pre(0, j)), f = sg(pre(1, j)), g = Math.tanh(pre(2, j)), o = sg(pre(3, j));
            const cc = f * c[b * H + j] + i * g;
            c2.push(cc); h2.push(o * Math.tanh(cc));
            out[(t * B + b) * D * H + d * H + j] = o * Math.tanh(cc);
          }
        }
        h = h2; c = c2;
      }
      hN.push(...h); cN.push(...c);
    }
    inp = out; F = D * H;
  }
  return { out: inp, states: [hN, cN] };
}

/** A float64 GRU in plain JS (PyTorch's equations, gate order r, z, n), any layers/directions. */
function naiveGru(p: Record<string, number[]>, L: number, D: number, I: number, H: number, x: number[], T: number, B: number, [h0]: number[][]): { out: number[]; states: number[][] } {
  const sg = (v: number): number => 1 / (1 + Math.exp(-v));
  let inp = x, F = I;  // [T, B, F]
  const hN: number[] = [];
  for (let l = 0; l < L; l++) {
    const out = new Array(T * B * D * H).fill(0);
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      const wih = p[`weight_ih${sfx}`], whh = p[`weight_hh${sfx}`], bih = p[`bias_ih${sfx}`], bhh = p[`bias_hh${sfx}`];
      const k = l * D + d;
      let h = h0.slice(k * B * H, (k + 1) * B * H);
      for (let s = 0; s < T; s++) {
        const t = d ? T - 1 - s : s;
        const h2: number[] = [];
        for (let b = 0; b < B; b++) {
          const xPart = (g: number, j: number): number => {
            let v = bih[g * H + j];
            for (let q = 0; q < F; q++) v += wih[(g * H + j) * F + q] * inp[(t * B + b) * F + q];
            return v;
          };
          const hPart = (g: number, j: number): number => {
            let v = bhh[g * H + j];
            for (let q = 0; q < H; q++) v += whh[(g * H + j) * H + q] * h[b * H + q];
            return v;
          };
          for (let j = 0; j < H; j++) {
            const r = sg(xPart(0, j) + hPart(0, j)), z = sg(xPart(1, j) + hPart(1, j));
            const n = Math.tanh(xPart(2, j) + r * hPart(2, j));
            const v = (1 - z) * n + z * h[b * H + j];
            h2.push(v);
            out[(t * B + b) * D * H + d * H + j] = v;
          }
        }
        h = h2;
      }
      hN.push(...h);
    }
    inp = out; F = D * H;
  }
  return { out: inp, states: [hN] };
}

/** What differs between the two layers; every test below runs for both. */
interface Layer {
  name: 'LSTM' | 'GRU';
  node: string;        // the sequence node's autograd name
  states: number;      // 2 (h, c) or 1 (h)
  make: (I: number, H: number, o: fl.nn.RNNOptions) => Rnn;
  naive: (p: Record<string, number[]>, L: number, D: number, I: number, H: number, x: number[], T: number, B: number, s: number[][]) => { out: number[]; states: number[][] };
  all: Use;            // every output of the layer
}
const LAYERS: Layer[] = [
  { name: 'LSTM', node: 'lstm', states: 2, make: (I, H, o) => new nn.LSTM(I, H, o), naive: naiveLstm, all: (y, h, c) => [y, h, c!] },
  { name: 'GRU', node: 'gru', states: 1, make: (I, H, o) => new nn.GRU(I, H, o), naive: naiveGru, all: (y, h) => [y, h] },
];

// each case: the module's options, input shape, whether the initial states are given, and which outputs the loss uses
type Case = [string, fl.nn.RNNOptions, number[], boolean, Use | 'all'];
const CASES: Case[] = [
  ['one layer, all outputs', {}, [6, 3, 4], true, 'all'],
  ['2 layers, bidirectional, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }, [3, 6, 4], true, 'all'],
  ['3 layers, dropout 0.4 (training)', { numLayers: 3, dropout: 0.4 }, [5, 2, 4], false, 'all'],
  ['no bias, only the last step of the output', { bias: false, numLayers: 2 }, [7, 3, 4], false, (y) => [y.select(0, 6)]],
  ['only hN (the output unused)', { bidirectional: true }, [5, 2, 4], true, (_y, h) => [h]],
  ['unbatched input', { numLayers: 2, bidirectional: true }, [5, 4], false, 'all'],
  ['one step', { numLayers: 2 }, [1, 3, 4], true, 'all'],
];

describe.each(LAYERS.map((l) => [l.name, l] as const))('nn.%s: the whole-sequence node', (_name, layer) => {
  const use = (u: Use | 'all'): Use => (u === 'all' ? layer.all : u);

  test('one node per layer and direction: the output of a one-layer network comes from it', () => {
    const m = layer.make(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        const [y, h] = forward(m, fl.randn([5, 2, 3], { device: DEVICE }), null);
        expect(y._gradFn?.name).toBe(layer.node);
        expect(h._gradFn?.name).not.toBe(`${layer.node}Cell`);  // hN: a stack of the nodes' final states
        const was = _useRnnSequenceOps(false);
        try {
          const [y2] = forward(m, fl.randn([5, 2, 3], { device: DEVICE }), null);
          expect(y2._gradFn?.name).not.toBe(layer.node);
        } finally { _useRnnSequenceOps(was); }
      });
    } finally { m.dispose(); }
  });

  test('float64: forward matches the naive float64 layer (2 layers, bidirectional, given initial states)', () => {
    const L = 2, D = 2, I = 3, H = 4, T = 5, B = 3;
    const m = layer.make(I, H, { numLayers: L, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      fl.scope(() => {
        const r = rng(3);
        const v = (n: number): number[] => Array.from({ length: n }, () => r() * 2 - 1);
        const x = v(T * B * I);
        const s0 = Array.from({ length: layer.states }, () => v(L * D * B * H));
        const p: Record<string, number[]> = {};
        for (const [k, t] of m.namedParameters()) p[k] = Array.from(t.dataSync());
        const want = layer.naive(p, L, D, I, H, x, T, B, s0);
        const mk = (a: number[], s: number[]): fl.Tensor => fl.tensor(a, f64).reshape(s);
        const [y, h, c] = forward(m, mk(x, [T, B, I]), s0.map((a) => mk(a, [L * D, B, H])));
        expectClose(y, want.out, 'float64');
        expectClose(h, want.states[0], 'float64');
        if (c) expectClose(c, want.states[1], 'float64');
      });
    } finally { m.dispose(); }
  });

  test('float64: every gradient (x, the initial states, weights, biases) agrees with central finite differences', () => {
    const L = 2, I = 2, H = 3, T = 4, B = 2;
    const m = layer.make(I, H, { numLayers: L, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      const r = rng(5);
      const v = (s: number[]): fl.Tensor => fl.scope(() => fl.tensor(Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1), f64).reshape(s));
      const leaves: Record<string, fl.Tensor> = { x: v([T, B, I]), h0: v([L * 2, B, H]) };
      if (layer.states === 2) leaves.c0 = v([L * 2, B, H]);
      const weights = [v([T, B, 2 * H]), v([L * 2, B, H]), v([L * 2, B, H])];
      const loss = (): fl.Tensor => {
        const [y, h, c] = forward(m, leaves.x, layer.states === 2 ? [leaves.h0, leaves.c0] : [leaves.h0]);
        const terms = [y, h, c].flatMap((o, i) => (o ? [o.mul(weights[i]).sum()] : []));
        return terms.reduce((a, b) => a.add(b));
      };
      try {
        for (const t of Object.values(leaves)) t.requiresGrad_();
        fl.scope(() => loss().backward());
        expectGradsMatchFiniteDifferences({ ...leaves, ...Object.fromEntries(m.namedParameters()) }, loss);
      } finally {
        for (const t of Object.values(leaves)) { t.grad?.dispose(); t.dispose(); }
        m.zeroGrad();
        weights.forEach((w) => w.dispose());
      }
    } finally { m.dispose(); }
  });

  const cases: Case[] = layer.states === 2 ? [...CASES, ['only cN', { numLayers: 2 }, [5, 2, 4], true, (_y, _h, c) => [c!]]] : CASES;
  test.each(cases)('float64, same outputs and gradients as the per-step path: %s', (_case, opts, shape, withState, u) => {
    const m = layer.make(4, 5, { ...opts, dtype: 'float64', device: DEVICE });
    try {
      fl.manualSeed(11);
      const x = fl.randn(shape, f64);
      const D = opts.bidirectional ? 2 : 1, L = opts.numLayers ?? 1;
      const st = shape.length === 2 ? [L * D, 5] : [L * D, opts.batchFirst ? shape[0] : shape[1], 5];
      const hx = withState ? Array.from({ length: layer.states }, () => fl.randn(st, f64)) : null;
      try {
        expectSame(runRnn(m, true, x, hx, use(u)), runRnn(m, false, x, hx, use(u)), 1e-10);
      } finally { x.dispose(); hx?.forEach((t) => t.dispose()); }
    } finally { m.dispose(); }
  });

  test('float64: non-contiguous input and initial states (transposed views) as the per-step path', () => {
    const m = layer.make(4, 5, { numLayers: 2, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      fl.manualSeed(12);
      const x = fl.scope(() => fl.randn([3, 6, 4], f64).transpose(0, 1));  // [T, B, I] seen through a transpose
      const hx = Array.from({ length: layer.states }, () => fl.scope(() => fl.randn([3, 4, 5], f64).transpose(0, 1)));
      expect(x.isContiguous() || hx[0].isContiguous()).toBe(false);
      try {
        expectSame(runRnn(m, true, x, hx, layer.all), runRnn(m, false, x, hx, layer.all), 1e-10);
      } finally { x.dispose(); hx.forEach((t) => t.dispose()); }
    } finally { m.dispose(); }
  });

  test('float32: same as the per-step path within float32 rounding', () => {
    const m = layer.make(8, 16, { numLayers: 2, bidirectional: true, device: DEVICE });
    try {
      fl.manualSeed(2);
      const x = fl.randn([9, 4, 8], { device: DEVICE });
      try {
        expectSame(runRnn(m, true, x, null, layer.all), runRnn(m, false, x, null, layer.all), 1e-4);
      } finally { x.dispose(); }
    } finally { m.dispose(); }
  });

  // 16-bit: both paths round differently (one GEMM with float accumulation for the recurrent
  // weight's gradient over the sequence; the per-step path rounds each step's term), so each is
  // compared with the float64 run of the same rounded weights and input, and the sequence node
  // must be about as close as the per-step path
  test.each(['float16', 'bfloat16'] as fl.DType[])('%s: as close to the float64 result as the per-step path', (dtype) => {
    const m = layer.make(8, 16, { numLayers: 2, dtype, device: DEVICE });
    const m64 = layer.make(8, 16, { numLayers: 2, dtype: 'float64', device: DEVICE });
    try {
      fl.scope(() => m64.loadStateDict(Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.to('float64')]))));
      fl.manualSeed(3);
      const x = fl.scope(() => fl.randn([6, 4, 8], { device: DEVICE }).to(dtype));
      const x64 = fl.scope(() => x.to('float64'));
      try {
        const seq = runRnn(m, true, x, null, layer.all), step = runRnn(m, false, x, null, layer.all), ref = runRnn(m64, true, x64, null, layer.all);
        const err = (u: number[], v: number[]): number => {
          let d = 0, scale = 0;
          for (let i = 0; i < v.length; i++) { d = Math.max(d, Math.abs(u[i] - v[i])); scale = Math.max(scale, Math.abs(v[i])); }
          return d / (scale || 1);
        };
        const eps = dtype === 'float16' ? 2 ** -10 : 2 ** -7;
        const pairs: [string, number[], number[], number[]][] = [
          ...ref.outs.map((o, i) => [`output ${i}`, seq.outs[i], step.outs[i], o] as [string, number[], number[], number[]]),
          ...Object.keys(ref.grads).map((k) => [`grad of ${k}`, seq.grads[k], step.grads[k], ref.grads[k]] as [string, number[], number[], number[]]),
        ];
        for (const [what, a, b, r] of pairs) {
          const ea = err(a, r), eb = err(b, r);
          if (!(ea <= 2 * eb + 4 * eps)) throw new Error(`${what}: the sequence node is off by ${ea} of the float64 result, the per-step path by ${eb}`);
        }
      } finally { x.dispose(); x64.dispose(); }
    } finally { m.dispose(); m64.dispose(); }
  });

  test('a weight shared with another use gets both gradients; retainGraph backward twice doubles them', () => {
    const m = layer.make(3, 4, { dtype: 'float64', device: DEVICE });
    const whh = (m as unknown as { weight_hh_l0: fl.Tensor }).weight_hh_l0;
    try {
      fl.manualSeed(4);
      const x = fl.randn([5, 2, 3], f64);
      const grads = (seq: boolean): number[][] => {
        const was = _useRnnSequenceOps(seq);
        try {
          return fl.scope(() => {
            m.zeroGrad();
            const [y] = forward(m, x, null);
            // weight_hh_l0 also used outside the layer (as a tied weight would be)
            const loss = y.sum().add(whh.pow(2).sum());
            loss.backward(null, true);
            const once = Array.from(whh.grad!.dataSync());
            loss.backward();
            const twice = Array.from(whh.grad!.dataSync());
            return [once, twice];
          });
        } finally { _useRnnSequenceOps(was); m.zeroGrad(); }
      };
      try {
        const [a1, a2] = grads(true), [b1] = grads(false);
        fl.scope(() => {
          expectClose(fl.tensor(a1, f64), b1, 'float64');
          expectClose(fl.tensor(a2, f64), a1.map((g) => 2 * g), 'float64');
        });
      } finally { x.dispose(); }
    } finally { m.dispose(); }
  });

  test('an output changed in place before backward is an AutogradError (the node saved it)', () => {
    const m = layer.make(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        const [y, h] = forward(m, fl.randn([4, 2, 3], { device: DEVICE }), null);
        const loss = h.sum();  // of the nodes on the way, only the sequence node holds y's storage
        fl.noGrad(() => y.mul_(2));
        let err: unknown = null;
        try { loss.backward(); } catch (e) { err = e; }
        expect(err).toBeInstanceOf(fl.AutogradError);
        expect((err as Error).message).toMatch(new RegExp(`saved by ${layer.node} was modified by an in-place operation`));
      });
    } finally { m.dispose(); }
  });

  test('no tensor outlives a training step; inference records nothing', () => {
    const m = layer.make(3, 4, { numLayers: 2, bidirectional: true, device: DEVICE });
    try {
      const x = fl.randn([4, 2, 3], { device: DEVICE });
      fl.scope(() => { const [y] = forward(m, x, null); y.sum().backward(); });  // the grads exist from here on
      const before = fl.memory.stats().liveTensors;
      fl.scope(() => { m.zeroGrad(); const [y] = forward(m, x, null); y.sum().backward(); });
      expect(fl.memory.stats().liveTensors).toBe(before);
      fl.noGrad(() => fl.scope(() => {
        const outs = forward(m, x, null).filter((t): t is fl.Tensor => t !== null);
        expect(outs.map((t) => t.requiresGrad)).toEqual(outs.map(() => false));
      }));
      expect(fl.memory.stats().liveTensors).toBe(before);
      x.dispose();
    } finally { m.dispose(); }
  });
});
