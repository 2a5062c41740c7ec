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

/**
 * Runs `m` once with the sequence node on or off and `use(y, h, c)` (c null for a GRU) picking
 * the outputs of the loss; the loss weights each output with fixed pseudo-random values, so every
 * element's gradient matters.
 */
type Use = (y: fl.Tensor, h: fl.Tensor, c: fl.Tensor | null) => fl.Tensor[];
function runRnn(m: fl.nn.LSTM | fl.nn.GRU, seq: boolean, x: fl.Tensor, hx: fl.Tensor[] | null, use: Use, seed = 0): Run {
  const was = _useRnnSequenceOps(seq);
  try {
    return fl.scope(() => {
      const xs = x.detach().requiresGrad_();
      const hs = hx ? hx.map((t) => t.detach().requiresGrad_()) : null;
      fl.manualSeed(seed);
      let y: fl.Tensor, h: fl.Tensor, c: fl.Tensor | null = null;
      if (m instanceof nn.LSTM) [y, [h, c]] = m.forward(xs, hs as [fl.Tensor, fl.Tensor] | null);
      else [y, h] = m.forward(xs, hs ? hs[0] : null);
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
function naiveLstm(p: Record<string, number[]>, L: number, D: number, I: number, H: number, x: number[], T: number, B: number, h0: number[], c0: number[]) {
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
  return { out: inp, hN, cN };
}

describe('nn.LSTM: the whole-sequence node', () => {
  test('one node per layer and direction: the output of a one-layer LSTM comes from it', () => {
    const m = new nn.LSTM(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        const [y, [h]] = m.forward(fl.randn([5, 2, 3], { device: DEVICE }));
        expect(y._gradFn?.name).toBe('lstm');
        expect(h._gradFn?.name).not.toBe('lstmCell');
        const was = _useRnnSequenceOps(false);
        try {
          const [y2] = m.forward(fl.randn([5, 2, 3], { device: DEVICE }));
          expect(y2._gradFn?.name).not.toBe('lstm');
        } finally { _useRnnSequenceOps(was); }
      });
    } finally { m.dispose(); }
  });

  test('float64: forward matches a naive float64 LSTM (2 layers, bidirectional, given h0/c0)', () => {
    const L = 2, D = 2, I = 3, H = 4, T = 5, B = 3;
    const m = new nn.LSTM(I, H, { numLayers: L, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      fl.scope(() => {
        const r = rng(3);
        const v = (n: number): number[] => Array.from({ length: n }, () => r() * 2 - 1);
        const x = v(T * B * I), h0 = v(L * D * B * H), c0 = v(L * D * B * H);
        const p: Record<string, number[]> = {};
        for (const [k, t] of m.namedParameters()) p[k] = Array.from(t.dataSync());
        const want = naiveLstm(p, L, D, I, H, x, T, B, h0, c0);
        const mk = (a: number[], s: number[]): fl.Tensor => fl.tensor(a, f64).reshape(s);
        const [y, [hN, cN]] = m.forward(mk(x, [T, B, I]), [mk(h0, [L * D, B, H]), mk(c0, [L * D, B, H])]);
        expectClose(y, want.out, 'float64');
        expectClose(hN, want.hN, 'float64');
        expectClose(cN, want.cN, 'float64');
      });
    } finally { m.dispose(); }
  });

  test('float64: every gradient (x, h0, c0, weights, biases) agrees with central finite differences', () => {
    const L = 2, I = 2, H = 3, T = 4, B = 2;
    const m = new nn.LSTM(I, H, { numLayers: L, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      const r = rng(5);
      const v = (s: number[]): fl.Tensor => fl.scope(() => fl.tensor(Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1), f64).reshape(s));
      const leaves: Record<string, fl.Tensor> = { x: v([T, B, I]), h0: v([L * 2, B, H]), c0: v([L * 2, B, H]) };
      const wy = v([T, B, 2 * H]), wh = v([L * 2, B, H]), wc = v([L * 2, B, H]);
      const loss = (): fl.Tensor => {
        const [y, [h, c]] = m.forward(leaves.x, [leaves.h0, leaves.c0]);
        return y.mul(wy).sum().add(h.mul(wh).sum()).add(c.mul(wc).sum());
      };
      try {
        for (const t of Object.values(leaves)) t.requiresGrad_();
        fl.scope(() => loss().backward());
        const params = Object.fromEntries(m.namedParameters());
        const all: Record<string, fl.Tensor> = { ...leaves, ...params };
        expectGradsMatchFiniteDifferences(all, loss);
      } finally {
        for (const t of Object.values(leaves)) { t.grad?.dispose(); t.dispose(); }
        m.zeroGrad();
        wy.dispose(); wh.dispose(); wc.dispose();
      }
    } finally { m.dispose(); }
  });

  // each case: the module's options, input shape, whether h0/c0 are given, and which outputs the loss uses
  const cases: [string, fl.nn.RNNOptions, number[], boolean, Use][] = [
    ['one layer, all outputs', {}, [6, 3, 4], true, (y, h, c) => [y, h, c!]],
    ['2 layers, bidirectional, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }, [3, 6, 4], true, (y, h, c) => [y, h, c!]],
    ['3 layers, dropout 0.4 (training)', { numLayers: 3, dropout: 0.4 }, [5, 2, 4], false, (y, h, c) => [y, h, c!]],
    ['no bias, only the last step of the output', { bias: false, numLayers: 2 }, [7, 3, 4], false, (y) => [y.select(0, 6)]],
    ['only hN (the output unused)', { bidirectional: true }, [5, 2, 4], true, (_y, h) => [h]],
    ['only cN', { numLayers: 2 }, [5, 2, 4], true, (_y, _h, c) => [c!]],
    ['unbatched input', { numLayers: 2, bidirectional: true }, [5, 4], false, (y, h, c) => [y, h, c!]],
    ['one step', { numLayers: 2 }, [1, 3, 4], true, (y, h, c) => [y, h, c!]],
  ];
  test.each(cases)('float64, same outputs and gradients as the per-step path: %s', (_name, opts, shape, withState, use) => {
    const m = new nn.LSTM(4, 5, { ...opts, dtype: 'float64', device: DEVICE });
    try {
      fl.manualSeed(11);
      const x = fl.randn(shape, f64);
      const D = opts.bidirectional ? 2 : 1, L = opts.numLayers ?? 1;
      const st = shape.length === 2 ? [L * D, 5] : [L * D, opts.batchFirst ? shape[0] : shape[1], 5];
      const hx: [fl.Tensor, fl.Tensor] | null = withState ? [fl.randn(st, f64), fl.randn(st, f64)] : null;
      try {
        const a = runRnn(m, true, x, hx, use), b = runRnn(m, false, x, hx, use);
        expectSame(a, b, 1e-10);
      } finally { x.dispose(); hx?.forEach((t) => t.dispose()); }
    } finally { m.dispose(); }
  });

  test('float64: non-contiguous input and initial states (transposed views) as the per-step path', () => {
    const m = new nn.LSTM(4, 5, { numLayers: 2, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      fl.manualSeed(12);
      const x = fl.scope(() => fl.randn([3, 6, 4], f64).transpose(0, 1));  // [T, B, I] seen through a transpose
      const hx = fl.scope(() => [fl.randn([3, 4, 5], f64).transpose(0, 1), fl.randn([3, 4, 5], f64).transpose(0, 1)]) as [fl.Tensor, fl.Tensor];
      expect(x.isContiguous() || hx[0].isContiguous()).toBe(false);
      try {
        expectSame(runRnn(m, true, x, hx, (y, h, c) => [y, h, c!]), runRnn(m, false, x, hx, (y, h, c) => [y, h, c!]), 1e-10);
      } finally { x.dispose(); hx.forEach((t) => t.dispose()); }
    } finally { m.dispose(); }
  });

  test('float32: same as the per-step path within float32 rounding', () => {
    const m = new nn.LSTM(8, 16, { numLayers: 2, bidirectional: true, device: DEVICE });
    try {
      fl.manualSeed(2);
      const x = fl.randn([9, 4, 8], { device: DEVICE });
      try {
        expectSame(runRnn(m, true, x, null, (y, h, c) => [y, h, c!]), runRnn(m, false, x, null, (y, h, c) => [y, h, c!]), 1e-4);
      } finally { x.dispose(); }
    } finally { m.dispose(); }
  });

  test.each(['float16', 'bfloat16'] as fl.DType[])('%s: same as the per-step path within the dtype\'s rounding', (dtype) => {
    const m = new nn.LSTM(8, 16, { numLayers: 2, dtype, device: DEVICE });
    try {
      fl.manualSeed(3);
      const x = fl.scope(() => fl.randn([6, 4, 8], { device: DEVICE }).to(dtype));
      try {
        // the sequence node sums the recurrent weight's gradient inside one GEMM (float accumulation,
        // one rounding); the per-step path rounds each step's product and each addition
        expectSame(runRnn(m, true, x, null, (y, h, c) => [y, h, c!]), runRnn(m, false, x, null, (y, h, c) => [y, h, c!]), dtype === 'float16' ? 0.02 : 0.15);
      } finally { x.dispose(); }
    } finally { m.dispose(); }
  });

  test('a weight shared with another use gets both gradients; retainGraph backward twice doubles them', () => {
    const m = new nn.LSTM(3, 4, { dtype: 'float64', device: DEVICE });
    try {
      fl.manualSeed(4);
      const x = fl.randn([5, 2, 3], f64);
      const grads = (seq: boolean): number[][] => {
        const was = _useRnnSequenceOps(seq);
        try {
          return fl.scope(() => {
            m.zeroGrad();
            const [y] = m.forward(x);
            // weight_hh_l0 also used outside the LSTM (as a tied weight would be)
            const loss = y.sum().add(m.weight_hh_l0.pow(2).sum());
            loss.backward(null, true);
            const once = Array.from(m.weight_hh_l0.grad!.dataSync());
            loss.backward();
            const twice = Array.from(m.weight_hh_l0.grad!.dataSync());
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
    const m = new nn.LSTM(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        const [y, [, c]] = m.forward(fl.randn([4, 2, 3], { device: DEVICE }));
        const loss = c.sum();  // of the nodes on the way, only the LSTM's holds y's storage
        fl.noGrad(() => y.mul_(2));
        let err: unknown = null;
        try { loss.backward(); } catch (e) { err = e; }
        expect(err).toBeInstanceOf(fl.AutogradError);
        expect((err as Error).message).toMatch(/saved by lstm was modified by an in-place operation/);
      });
    } finally { m.dispose(); }
  });

  test('no tensor outlives a training step; inference records nothing', () => {
    const m = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, device: DEVICE });
    try {
      const x = fl.randn([4, 2, 3], { device: DEVICE });
      fl.scope(() => { const [y] = m.forward(x); y.sum().backward(); });  // the grads exist from here on
      const before = fl.memory.stats().liveTensors;
      fl.scope(() => { m.zeroGrad(); const [y] = m.forward(x); y.sum().backward(); });
      expect(fl.memory.stats().liveTensors).toBe(before);
      fl.noGrad(() => fl.scope(() => {
        const [y, [h, c]] = m.forward(x);
        expect([y.requiresGrad, h.requiresGrad, c.requiresGrad]).toEqual([false, false, false]);
      }));
      expect(fl.memory.stats().liveTensors).toBe(before);
      x.dispose();
    } finally { m.dispose(); }
  });
});

/** A float64 GRU in plain JS (PyTorch's equations, gate order r, z, n), any layers/directions. */
function naiveGru(p: Record<string, number[]>, L: number, D: number, I: number, H: number, x: number[], T: number, B: number, h0: number[]) {
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
  return { out: inp, hN };
}

describe('nn.GRU: the whole-sequence node', () => {
  test('one node per layer and direction: the output of a one-layer GRU comes from it', () => {
    const m = new nn.GRU(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        const [y] = m.forward(fl.randn([5, 2, 3], { device: DEVICE }));
        expect(y._gradFn?.name).toBe('gru');
        const was = _useRnnSequenceOps(false);
        try {
          const [y2] = m.forward(fl.randn([5, 2, 3], { device: DEVICE }));
          expect(y2._gradFn?.name).not.toBe('gru');
        } finally { _useRnnSequenceOps(was); }
      });
    } finally { m.dispose(); }
  });

  test('float64: forward matches a naive float64 GRU (2 layers, bidirectional, given h0)', () => {
    const L = 2, D = 2, I = 3, H = 4, T = 5, B = 3;
    const m = new nn.GRU(I, H, { numLayers: L, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      fl.scope(() => {
        const r = rng(13);
        const v = (n: number): number[] => Array.from({ length: n }, () => r() * 2 - 1);
        const x = v(T * B * I), h0 = v(L * D * B * H);
        const p: Record<string, number[]> = {};
        for (const [k, t] of m.namedParameters()) p[k] = Array.from(t.dataSync());
        const want = naiveGru(p, L, D, I, H, x, T, B, h0);
        const mk = (a: number[], s: number[]): fl.Tensor => fl.tensor(a, f64).reshape(s);
        const [y, hN] = m.forward(mk(x, [T, B, I]), mk(h0, [L * D, B, H]));
        expectClose(y, want.out, 'float64');
        expectClose(hN, want.hN, 'float64');
      });
    } finally { m.dispose(); }
  });

  test('float64: every gradient (x, h0, weights, biases) agrees with central finite differences', () => {
    const L = 2, I = 2, H = 3, T = 4, B = 2;
    const m = new nn.GRU(I, H, { numLayers: L, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      const r = rng(15);
      const v = (s: number[]): fl.Tensor => fl.scope(() => fl.tensor(Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1), f64).reshape(s));
      const leaves: Record<string, fl.Tensor> = { x: v([T, B, I]), h0: v([L * 2, B, H]) };
      const wy = v([T, B, 2 * H]), wh = v([L * 2, B, H]);
      const loss = (): fl.Tensor => {
        const [y, h] = m.forward(leaves.x, leaves.h0);
        return y.mul(wy).sum().add(h.mul(wh).sum());
      };
      try {
        for (const t of Object.values(leaves)) t.requiresGrad_();
        fl.scope(() => loss().backward());
        const all: Record<string, fl.Tensor> = { ...leaves, ...Object.fromEntries(m.namedParameters()) };
        expectGradsMatchFiniteDifferences(all, loss);
      } finally {
        for (const t of Object.values(leaves)) { t.grad?.dispose(); t.dispose(); }
        m.zeroGrad();
        wy.dispose(); wh.dispose();
      }
    } finally { m.dispose(); }
  });

  // each case: the module's options, input shape, whether h0 is given, and which outputs the loss uses
  const cases: [string, fl.nn.RNNOptions, number[], boolean, Use][] = [
    ['one layer, all outputs', {}, [6, 3, 4], true, (y, h) => [y, h]],
    ['2 layers, bidirectional, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }, [3, 6, 4], true, (y, h) => [y, h]],
    ['3 layers, dropout 0.4 (training)', { numLayers: 3, dropout: 0.4 }, [5, 2, 4], false, (y, h) => [y, h]],
    ['no bias, only the last step of the output', { bias: false, numLayers: 2 }, [7, 3, 4], false, (y) => [y.select(0, 6)]],
    ['only hN (the output unused)', { bidirectional: true }, [5, 2, 4], true, (_y, h) => [h]],
    ['unbatched input', { numLayers: 2, bidirectional: true }, [5, 4], false, (y, h) => [y, h]],
    ['one step', { numLayers: 2 }, [1, 3, 4], true, (y, h) => [y, h]],
  ];
  test.each(cases)('float64, same outputs and gradients as the per-step path: %s', (_name, opts, shape, withState, use) => {
    const m = new nn.GRU(4, 5, { ...opts, dtype: 'float64', device: DEVICE });
    try {
      fl.manualSeed(11);
      const x = fl.randn(shape, f64);
      const D = opts.bidirectional ? 2 : 1, L = opts.numLayers ?? 1;
      const st = shape.length === 2 ? [L * D, 5] : [L * D, opts.batchFirst ? shape[0] : shape[1], 5];
      const hx = withState ? [fl.randn(st, f64)] : null;
      try {
        expectSame(runRnn(m, true, x, hx, use), runRnn(m, false, x, hx, use), 1e-10);
      } finally { x.dispose(); hx?.forEach((t) => t.dispose()); }
    } finally { m.dispose(); }
  });

  test('float64: non-contiguous input and initial state (transposed views) as the per-step path', () => {
    const m = new nn.GRU(4, 5, { numLayers: 2, bidirectional: true, dtype: 'float64', device: DEVICE });
    try {
      fl.manualSeed(12);
      const x = fl.scope(() => fl.randn([3, 6, 4], f64).transpose(0, 1));
      const hx = [fl.scope(() => fl.randn([3, 4, 5], f64).transpose(0, 1))];
      expect(x.isContiguous() || hx[0].isContiguous()).toBe(false);
      try {
        expectSame(runRnn(m, true, x, hx, (y, h) => [y, h]), runRnn(m, false, x, hx, (y, h) => [y, h]), 1e-10);
      } finally { x.dispose(); hx.forEach((t) => t.dispose()); }
    } finally { m.dispose(); }
  });

  test('float32: same as the per-step path within float32 rounding', () => {
    const m = new nn.GRU(8, 16, { numLayers: 2, bidirectional: true, device: DEVICE });
    try {
      fl.manualSeed(2);
      const x = fl.randn([9, 4, 8], { device: DEVICE });
      try {
        expectSame(runRnn(m, true, x, null, (y, h) => [y, h]), runRnn(m, false, x, null, (y, h) => [y, h]), 1e-4);
      } finally { x.dispose(); }
    } finally { m.dispose(); }
  });

  // 16-bit: both paths round differently (one GEMM with float accumulation for the recurrent
  // weight's gradient over the sequence, one sum for its bias's; the per-step path rounds each
  // step's term), so each is compared with the float64 run of the same rounded weights and input,
  // and the sequence node must be about as close as the per-step path
  test.each(['float16', 'bfloat16'] as fl.DType[])('%s: as close to the float64 result as the per-step path', (dtype) => {
    const m = new nn.GRU(8, 16, { numLayers: 2, dtype, device: DEVICE });
    const m64 = new nn.GRU(8, 16, { numLayers: 2, dtype: 'float64', device: DEVICE });
    try {
      fl.scope(() => m64.loadStateDict(Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.to('float64')]))));
      fl.manualSeed(3);
      const x = fl.scope(() => fl.randn([6, 4, 8], { device: DEVICE }).to(dtype));
      const x64 = fl.scope(() => x.to('float64'));
      try {
        const use: Use = (y, h) => [y, h];
        const seq = runRnn(m, true, x, null, use), step = runRnn(m, false, x, null, use), ref = runRnn(m64, true, x64, null, use);
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

  test('an output changed in place before backward is an AutogradError (the node saved it)', () => {
    const m = new nn.GRU(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        const [y, h] = m.forward(fl.randn([4, 2, 3], { device: DEVICE }));
        const loss = h.sum();
        fl.noGrad(() => y.mul_(2));
        let err: unknown = null;
        try { loss.backward(); } catch (e) { err = e; }
        expect(err).toBeInstanceOf(fl.AutogradError);
        expect((err as Error).message).toMatch(/saved by gru was modified by an in-place operation/);
      });
    } finally { m.dispose(); }
  });

  test('no tensor outlives a training step; inference records nothing', () => {
    const m = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, device: DEVICE });
    try {
      const x = fl.randn([4, 2, 3], { device: DEVICE });
      fl.scope(() => { const [y] = m.forward(x); y.sum().backward(); });
      const before = fl.memory.stats().liveTensors;
      fl.scope(() => { m.zeroGrad(); const [y] = m.forward(x); y.sum().backward(); });
      expect(fl.memory.stats().liveTensors).toBe(before);
      fl.noGrad(() => fl.scope(() => {
        const [y, h] = m.forward(x);
        expect([y.requiresGrad, h.requiresGrad]).toEqual([false, false]);
      }));
      expect(fl.memory.stats().liveTensors).toBe(before);
      x.dispose();
    } finally { m.dispose(); }
  });
});
