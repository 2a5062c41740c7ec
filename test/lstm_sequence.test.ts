// lstm_sequence.test.ts — nn.LSTM's whole-sequence autograd node (lstmSequence, lib/nn/lstm_cell.ts):
// one node per layer and direction whose backward loops over time without autograd. Checked
// against a float64 naive LSTM written out here (forward), central finite differences (every
// gradient: x, h0, c0, each weight and bias), and the per-step composed path it replaces (outputs
// and gradients for multi-layer, bidirectional, batchFirst, dropout, no bias, unbatched, weight
// sharing, partial use of the outputs, retainGraph). The PyTorch golden cases of seq.test.ts run
// through it as well.
import * as fl from '../lib';
import { DEVICE, expectClose, rng } from './helpers';
import { _useLstmSequenceOp } from '../lib/nn/lstm_cell';

const nn = fl.nn;
const f64 = { dtype: 'float64' as const, device: DEVICE };

/** The outputs and every gradient of loss = Σ out·r over `fn`'s outputs, as plain arrays. */
interface Run { outs: number[][]; grads: Record<string, number[]> }

/**
 * Runs `fn(x, h0, c0)` once with the sequence node on or off; the loss weights each output with
 * fixed pseudo-random values, so every element's gradient matters.
 */
function runLstm(m: fl.nn.LSTM, seq: boolean, x: fl.Tensor, hx: [fl.Tensor, fl.Tensor] | null, use: (y: fl.Tensor, h: fl.Tensor, c: fl.Tensor) => fl.Tensor[], seed = 0): Run {
  const was = _useLstmSequenceOp(seq);
  try {
    return fl.scope(() => {
      const xs = x.detach().requiresGrad_();
      const hs = hx ? hx.map((t) => t.detach().requiresGrad_()) as [fl.Tensor, fl.Tensor] : null;
      fl.manualSeed(seed);
      const [y, [h, c]] = m.forward(xs, hs);
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
      if (hs) { grads.h0 = Array.from(hs[0].grad!.dataSync()); grads.c0 = Array.from(hs[1].grad!.dataSync()); }
      for (const [k, p] of Object.entries(m.namedParameters ? Object.fromEntries(m.namedParameters()) : {})) {
        grads[k] = p.grad ? Array.from(p.grad.dataSync()) : [];
      }
      xs.grad!.dispose();
      if (hs) for (const t of hs) t.grad!.dispose();
      return { outs: outs.map((o) => Array.from(o.dataSync())), grads };
    });
  } finally {
    _useLstmSequenceOp(was);
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
        const was = _useLstmSequenceOp(false);
        try {
          const [y2] = m.forward(fl.randn([5, 2, 3], { device: DEVICE }));
          expect(y2._gradFn?.name).not.toBe('lstm');
        } finally { _useLstmSequenceOp(was); }
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
        const eps = 1e-6;
        for (const [name, t] of Object.entries(all)) {
          const got = Array.from(t.grad!.dataSync());
          expect(got.length).toBe(t.numel);
          const step = Math.max(1, Math.floor(t.numel / 6));
          for (let k = 0; k < t.numel; k += step) {
            const at = (dd: number): number => fl.noGrad(() => fl.scope(() => {
              const flat = t.view(-1);
              const old = flat.select(0, k).item();
              flat.select(0, k).fill_(old + dd);
              try { return loss().item(); } finally { flat.select(0, k).fill_(old); }
            }));
            const fd = (at(eps) - at(-eps)) / (2 * eps);
            if (!(Math.abs(got[k] - fd) <= 1e-7 + 1e-6 * Math.abs(fd))) throw new Error(`grad of ${name}[${k}]: ${got[k]} vs finite difference ${fd}`);
          }
        }
      } finally {
        for (const t of Object.values(leaves)) { t.grad?.dispose(); t.dispose(); }
        m.zeroGrad();
        wy.dispose(); wh.dispose(); wc.dispose();
      }
    } finally { m.dispose(); }
  });

  // each case: the module's options, input shape, whether h0/c0 are given, and which outputs the loss uses
  const cases: [string, fl.nn.RNNOptions, number[], boolean, (y: fl.Tensor, h: fl.Tensor, c: fl.Tensor) => fl.Tensor[]][] = [
    ['one layer, all outputs', {}, [6, 3, 4], true, (y, h, c) => [y, h, c]],
    ['2 layers, bidirectional, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }, [3, 6, 4], true, (y, h, c) => [y, h, c]],
    ['3 layers, dropout 0.4 (training)', { numLayers: 3, dropout: 0.4 }, [5, 2, 4], false, (y, h, c) => [y, h, c]],
    ['no bias, only the last step of the output', { bias: false, numLayers: 2 }, [7, 3, 4], false, (y) => [y.select(0, 6)]],
    ['only hN (the output unused)', { bidirectional: true }, [5, 2, 4], true, (_y, h) => [h]],
    ['only cN', { numLayers: 2 }, [5, 2, 4], true, (_y, _h, c) => [c]],
    ['unbatched input', { numLayers: 2, bidirectional: true }, [5, 4], false, (y, h, c) => [y, h, c]],
    ['one step', { numLayers: 2 }, [1, 3, 4], true, (y, h, c) => [y, h, c]],
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
        const a = runLstm(m, true, x, hx, use), b = runLstm(m, false, x, hx, use);
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
        expectSame(runLstm(m, true, x, hx, (y, h, c) => [y, h, c]), runLstm(m, false, x, hx, (y, h, c) => [y, h, c]), 1e-10);
      } finally { x.dispose(); hx.forEach((t) => t.dispose()); }
    } finally { m.dispose(); }
  });

  test('float32: same as the per-step path within float32 rounding', () => {
    const m = new nn.LSTM(8, 16, { numLayers: 2, bidirectional: true, device: DEVICE });
    try {
      fl.manualSeed(2);
      const x = fl.randn([9, 4, 8], { device: DEVICE });
      try {
        expectSame(runLstm(m, true, x, null, (y, h, c) => [y, h, c]), runLstm(m, false, x, null, (y, h, c) => [y, h, c]), 1e-4);
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
        expectSame(runLstm(m, true, x, null, (y, h, c) => [y, h, c]), runLstm(m, false, x, null, (y, h, c) => [y, h, c]), dtype === 'float16' ? 0.02 : 0.15);
      } finally { x.dispose(); }
    } finally { m.dispose(); }
  });

  test('a weight shared with another use gets both gradients; retainGraph backward twice doubles them', () => {
    const m = new nn.LSTM(3, 4, { dtype: 'float64', device: DEVICE });
    try {
      fl.manualSeed(4);
      const x = fl.randn([5, 2, 3], f64);
      const grads = (seq: boolean): number[][] => {
        const was = _useLstmSequenceOp(seq);
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
        } finally { _useLstmSequenceOp(was); m.zeroGrad(); }
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
