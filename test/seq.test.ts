// seq.test.ts — LSTM, GRU, scaledDotProductAttention, MultiheadAttention, TransformerEncoderLayer.
// References: PyTorch 1.13 golden values (test/golden/seq.json, made by scripts/golden/seq.py):
// torch modules built with fixed seeds, their state dicts loaded into ours with loadStateDict,
// and the outputs and gradients of loss = Σ sum(out_i · r_i) w.r.t. inputs and some weights.
// Everything is compared in float64 at helpers.TOL.float64 (1e-10 relative), plus one float32 run
// against the same float64 values at 1e-5 relative. Also: PyTorch's state_dict key names, init
// ranges, dropout behaviour, and typed errors naming the layer for bad input.
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, expectClose } from './helpers';

const nn = fl.nn;
type Enc = [number[], number[], string?];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const G: Record<string, any> = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'seq.json'), 'utf8')).cases;

/** A tensor from a golden [shape, values(, 'bool')] entry. */
function T(e: Enc, dtype: fl.DType = 'float64'): fl.Tensor {
  return fl.scope(() => {
    const t = fl.tensor(e[1], { dtype: e[2] === 'bool' ? 'float64' : dtype, device: DEVICE }).reshape(e[0]);
    return e[2] === 'bool' ? t.ne(0) : t.clone();
  });
}

/**
 * `m.to(float64 on DEVICE)` inside a scope that keeps only the module's tensors (Module.to leaves
 * its intermediate copies alive at the time of writing).
 */
function toF64<M extends fl.nn.Module>(m: M): M {
  fl.scope(() => { m.to({ dtype: 'float64', device: DEVICE }); return [...m.parameters(), ...m.buffers()]; });
  return m;
}

/** Loads a golden state dict into `m` (already float64 on DEVICE). */
function load(m: fl.nn.Module, state: Record<string, Enc>, dtype: fl.DType = 'float64'): void {
  const sd: Record<string, fl.Tensor> = {};
  for (const [k, v] of Object.entries(state)) sd[k] = T(v, dtype);
  try { m.loadStateDict(sd); } finally { for (const t of Object.values(sd)) t.dispose(); }
}

/**
 * Runs one golden case: makes float leaves of the case inputs (requiring grad), calls `fn`,
 * backprops Σ sum(out_i · r_i), and compares outputs, input grads and `param:` grads.
 */
function check(
  c: { inputs: Record<string, Enc>; outputs: (Enc | null)[]; r: (Enc | null)[]; grads: Record<string, Enc> },
  fn: (inp: Record<string, fl.Tensor>) => (fl.Tensor | null)[],
  m: fl.nn.Module | null,
  dtype: fl.DType = 'float64',
  scale = 1,
): void {
  const inp: Record<string, fl.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) {
    inp[k] = T(v, dtype);
    if (v[2] !== 'bool' && c.grads[k]) inp[k].requiresGrad_();
  }
  try {
    const outs = fn(inp);
    try {
      expect(outs.length).toBe(c.outputs.length);
      fl.scope(() => {
        let loss: fl.Tensor | null = null;
        outs.forEach((o, i) => {
          const want = c.outputs[i];
          if (want === null) { expect(o).toBeNull(); return; }
          expect(o!.shape).toEqual(want[0]);
          expectClose(o!, want[1], dtype, scale);
          const term = o!.mul(T(c.r[i]!, dtype)).sum();
          loss = loss ? loss.add(term) : term;
        });
        loss!.backward();
      });
      const params = m ? m.stateDict() : {};
      for (const [k, want] of Object.entries(c.grads)) {
        const g = k.startsWith('param:') ? params[k.slice(6)].grad : inp[k].grad;
        if (!g) throw new Error(`no gradient for ${k}`);
        expect(g.shape).toEqual(want[0]);
        try { expectClose(g, want[1], dtype, scale); } catch (e) { throw new Error(`grad of ${k}: ${(e as Error).message}`); }
      }
    } finally {
      for (const o of outs) o?.dispose();
    }
  } finally {
    for (const t of Object.values(inp)) { t.grad?.dispose(); t.dispose(); }
    if (m) m.zeroGrad();
  }
}

describe('LSTM and GRU match PyTorch (float64)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('lstm_') || k.startsWith('gru_'));
  test.each(names)('%s', (name) => {
    const c = G[name];
    const cfg = c.config;
    const Cls = name.startsWith('lstm') ? nn.LSTM : nn.GRU;
    const m = new Cls(cfg.inputSize, cfg.hiddenSize, { numLayers: cfg.numLayers, batchFirst: cfg.batchFirst, bidirectional: cfg.bidirectional, dropout: 0.3 });
    try {
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      toF64(m).eval();
      load(m, c.state);
      check(c, (i) => {
        if (m instanceof nn.LSTM) {
          const [y, [h, cc]] = m.forward(i.x, i.h0 ? [i.h0, i.c0] : undefined);
          return [y, h, cc];
        }
        const [y, h] = (m as fl.nn.GRU).forward(i.x, i.h0);
        return [y, h];
      }, m);
    } finally { m.dispose(); }
  });

  test('float32 LSTM within 1e-5 relative of the float64 reference', () => {
    const c = G.lstm_bf0_h1_bi0;
    const m = new nn.LSTM(3, 4, { numLayers: 2, device: DEVICE });
    try {
      load(m, c.state, 'float32');
      check(c, (i) => { const [y, [h, cc]] = m.forward(i.x, [i.h0, i.c0]); return [y, h, cc]; }, m, 'float32');
    } finally { m.dispose(); }
  });
});

describe('RNN behaviour', () => {
  test('init is U(-1/sqrt(H), 1/sqrt(H)) for every parameter; shapes as PyTorch', () => {
    fl.manualSeed(1);
    const m = new nn.GRU(5, 16, { numLayers: 2, bidirectional: true, device: DEVICE });
    try {
      const k = 1 / 4;
      const sd = m.stateDict();
      expect(sd.weight_ih_l0.shape).toEqual([48, 5]);
      expect(sd.weight_ih_l1_reverse.shape).toEqual([48, 32]);
      expect(sd.bias_hh_l1.shape).toEqual([48]);
      for (const p of m.parameters()) {
        expect(p.requiresGrad).toBe(true);
        const v = Array.from(p.dataSync() as Float32Array);
        expect(Math.max(...v)).toBeLessThanOrEqual(k);
        expect(Math.min(...v)).toBeGreaterThanOrEqual(-k);
        if (v.length >= 500) { // spread of a uniform: max near k, min near -k, variance k²/3
          expect(Math.max(...v)).toBeGreaterThan(0.9 * k);
          const mean = v.reduce((a, b) => a + b, 0) / v.length;
          const vr = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
          expect(Math.abs(vr / (k * k / 3) - 1)).toBeLessThan(0.15);
        }
      }
    } finally { m.dispose(); }
  });

  test('bias=false has no bias parameters; toString', () => {
    const m = new nn.LSTM(2, 3, { bias: false, numLayers: 2, batchFirst: true, device: DEVICE });
    try {
      expect(Object.keys(m.stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l1', 'weight_hh_l1']);
      expect(m.toString()).toBe('LSTM(2, 3, num_layers=2, bias=False, batch_first=True)');
      fl.scope(() => {
        const [y, [h, c]] = m.forward(fl.randn([4, 6, 2], { device: DEVICE }));
        expect([y.shape, h.shape, c.shape]).toEqual([[4, 6, 3], [2, 4, 3], [2, 4, 3]]);
      });
    } finally { m.dispose(); }
  });

  test('dropout between layers only in training mode', () => {
    const m = new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5, device: DEVICE });
    try {
      fl.scope(() => {
        const x = fl.randn([6, 2, 3], { device: DEVICE });
        const e1 = m.eval().forward(x)[0], e2 = m.forward(x)[0];
        expect(Array.from(e1.dataSync())).toEqual(Array.from(e2.dataSync()));
        m.train();
        const t1 = m.forward(x)[0], t2 = m.forward(x)[0];
        expect(Array.from(t1.dataSync())).not.toEqual(Array.from(t2.dataSync()));
        // with p = 1 the second layer sees zeros: its output is the same whatever x is
        const m1 = new nn.GRU(3, 4, { numLayers: 2, dropout: 1, device: DEVICE });
        try {
          const a = m1.forward(x)[0], b = m1.forward(fl.randn([6, 2, 3], { device: DEVICE }))[0];
          expectClose(a, Array.from(b.dataSync()), 'float32');
          // and a single-layer model applies no dropout at all
        } finally { m1.dispose(); }
      });
    } finally { m.dispose(); }
  });

  test('empty batch and zero-length sequence', () => {
    const m = new nn.GRU(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        const [y, h] = m.forward(fl.zeros([5, 0, 3], { device: DEVICE }));
        expect(y.shape).toEqual([5, 0, 4]);
        expect(h.shape).toEqual([1, 0, 4]);
        const [y2, h2] = m.forward(fl.zeros([0, 2, 3], { device: DEVICE }));
        expect(y2.shape).toEqual([0, 2, 4]);
        expect(Array.from(h2.dataSync())).toEqual(new Array(8).fill(0));
      });
    } finally { m.dispose(); }
  });

  test('bad input throws typed errors naming the layer', () => {
    const m = new nn.LSTM(3, 4, { numLayers: 2, device: DEVICE });
    const g = new nn.GRU(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        expect(() => m.forward(fl.zeros([5, 2, 7], { device: DEVICE }))).toThrow(/LSTM: expected input with 3 features/);
        expect(() => m.forward(fl.zeros([5, 2, 7], { device: DEVICE }))).toThrow(fl.ShapeError);
        expect(() => m.forward(fl.zeros([5, 2, 1, 3], { device: DEVICE }))).toThrow(fl.ShapeError);
        const x = fl.zeros([5, 2, 3], { device: DEVICE });
        expect(() => m.forward(x, [fl.zeros([1, 2, 4], { device: DEVICE }), fl.zeros([2, 2, 4], { device: DEVICE })])).toThrow(/LSTM: expected h0 of shape \[2, 2, 4\]/);
        expect(() => m.forward(x, [fl.zeros([2, 2, 4], { device: DEVICE }), fl.zeros([2, 3, 4], { device: DEVICE })])).toThrow(fl.ShapeError);
        expect(() => g.forward(x, fl.zeros([1, 2, 5], { device: DEVICE }))).toThrow(/GRU: expected h0/);
        expect(() => g.forward(x.to('float64'))).toThrow(fl.DTypeError);
        expect(() => g.forward(x, fl.zeros([1, 2, 4], { dtype: 'float64', device: DEVICE }))).toThrow(fl.DTypeError);
        expect(() => new nn.GRU(0, 4)).toThrow(fl.ValueError);
        expect(() => new nn.GRU(3, 4, { dropout: 2 })).toThrow(fl.ValueError);
      });
    } finally { m.dispose(); g.dispose(); }
  });
});

describe('scaledDotProductAttention matches PyTorch (float64)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('sdpa_'));
  test.each(names)('%s', (name) => {
    const c = G[name];
    check(c, (i) => [nn.scaledDotProductAttention(i.q, i.k, i.v, { attnMask: i.mask, isCausal: !!c.kw.causal, scale: c.kw.scale })], null);
  });

  test('dropoutP: weights rescaled by 1/(1-p); p = 1 gives zeros', () => {
    fl.scope(() => {
      const q = fl.randn([2, 3, 4], { device: DEVICE }), k = fl.randn([2, 5, 4], { device: DEVICE }), v = fl.randn([2, 5, 6], { device: DEVICE });
      const y = nn.scaledDotProductAttention(q, k, v, { dropoutP: 1 });
      expect(Array.from(y.dataSync()).every((x) => x === 0)).toBe(true);
      const a = nn.scaledDotProductAttention(q, k, v, { dropoutP: 0.5 }), b = nn.scaledDotProductAttention(q, k, v);
      expect(a.shape).toEqual(b.shape);
    });
  });

  test('bad input throws typed errors', () => {
    fl.scope(() => {
      const q = fl.zeros([2, 3, 4], { device: DEVICE }), k = fl.zeros([2, 5, 4], { device: DEVICE }), v = fl.zeros([2, 5, 6], { device: DEVICE });
      const f = nn.scaledDotProductAttention;
      expect(() => f(q, fl.zeros([2, 5, 3], { device: DEVICE }), v)).toThrow(/scaledDotProductAttention: query .* same last dim/);
      expect(() => f(q, k, fl.zeros([2, 4, 6], { device: DEVICE }))).toThrow(fl.ShapeError);
      expect(() => f(q, k, v, { attnMask: fl.zeros([4, 5], { dtype: 'bool', device: DEVICE }) })).toThrow(/attnMask of shape \[4, 5\]/);
      expect(() => f(q, k, v, { attnMask: fl.zeros([3, 5], { dtype: 'int32', device: DEVICE }) })).toThrow(fl.DTypeError);
      expect(() => f(q, k, v, { attnMask: fl.zeros([3, 5], { dtype: 'bool', device: DEVICE }), isCausal: true })).toThrow(fl.ValueError);
      expect(() => f(q, k, v.to('float64'))).toThrow(fl.DTypeError);
      expect(() => f(q, fl.zeros([3, 5, 4], { device: DEVICE }), v)).toThrow(fl.ShapeError);
    });
  });
});

describe('MultiheadAttention matches PyTorch (float64)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('mha_'));
  test.each(names)('%s', (name) => {
    const c = G[name];
    const cfg = c.config;
    const m = new nn.MultiheadAttention(cfg.embedDim, cfg.numHeads, { batchFirst: cfg.batchFirst, kdim: cfg.kdim, vdim: cfg.vdim, bias: cfg.bias, dropout: 0.5 });
    try {
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      toF64(m).eval();
      load(m, c.state);
      check(c, (i) => {
        const [q, k, v] = c.selfAttn ? [i.query, i.query, i.query] : [i.query, i.key, i.value];
        return m.forward(q, k, v, { keyPaddingMask: i.keyPaddingMask, attnMask: i.attnMask, ...c.fkw });
      }, m);
    } finally { m.dispose(); }
  });

  test('init: xavier-uniform in_proj_weight, zero biases; unbatched input; isCausal', () => {
    fl.manualSeed(3);
    const m = new nn.MultiheadAttention(32, 4, { device: DEVICE });
    try {
      const w = Array.from(m.in_proj_weight!.dataSync() as Float32Array);
      const bound = Math.sqrt(6 / (32 + 96));
      expect(Math.max(...w)).toBeLessThanOrEqual(bound);
      expect(Math.max(...w)).toBeGreaterThan(0.95 * bound);
      expect(Array.from(m.in_proj_bias!.dataSync()).every((x) => x === 0)).toBe(true);
      expect(Array.from(m.out_proj.bias!.dataSync()).every((x) => x === 0)).toBe(true);
      fl.scope(() => {
        const x = fl.randn([5, 32], { device: DEVICE });
        const [y, wts] = m.forward(x, x, x);
        expect(y.shape).toEqual([5, 32]);
        expect(wts!.shape).toEqual([5, 5]);
        // the unbatched result equals the batched one with N = 1
        const [yb] = m.forward(x.unsqueeze(1), x.unsqueeze(1), x.unsqueeze(1));
        expectClose(y, Array.from(yb.dataSync()), 'float32');
        // isCausal without a mask = an explicit bool causal mask (true = masked)
        const causal = fl.triu(fl.ones([5, 5], { dtype: 'bool', device: DEVICE }), 1);
        const [, wc] = m.forward(x, x, x, { isCausal: true });
        const [, wm] = m.forward(x, x, x, { attnMask: causal });
        expectClose(wc!, Array.from(wm!.dataSync()), 'float32');
        const wcv = wc!.toArray() as number[][];
        expect(wcv[0].slice(1).every((v) => v === 0)).toBe(true);
        // heads' weights are rows that sum to 1
        const [, wh] = m.forward(x, x, x, { averageAttnWeights: false });
        expect(wh!.shape).toEqual([4, 5, 5]);
        expectClose(wh!.sum(-1), new Array(20).fill(1), 'float32');
      });
    } finally { m.dispose(); }
  });

  test('dropout on the weights only in training mode', () => {
    const m = new nn.MultiheadAttention(8, 2, { dropout: 0.5, device: DEVICE });
    try {
      fl.scope(() => {
        const x = fl.randn([4, 3, 8], { device: DEVICE });
        const a = m.eval().forward(x, x, x)[1]!, b = m.forward(x, x, x)[1]!;
        expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
        m.train();
        const t = m.forward(x, x, x, { averageAttnWeights: false })[1]!;
        const v = Array.from(t.dataSync());
        expect(v.some((z) => z === 0)).toBe(true);
      });
    } finally { m.dispose(); }
  });

  test('bad input throws typed errors naming the layer', () => {
    const m = new nn.MultiheadAttention(8, 2, { device: DEVICE });
    try {
      fl.scope(() => {
        const x = fl.zeros([4, 3, 8], { device: DEVICE });
        expect(() => m.forward(fl.zeros([4, 3, 6], { device: DEVICE }), x, x)).toThrow(/MultiheadAttention: expected query with embedDim=8/);
        expect(() => m.forward(x, fl.zeros([5, 2, 8], { device: DEVICE }), fl.zeros([5, 2, 8], { device: DEVICE }))).toThrow(fl.ShapeError);
        expect(() => m.forward(x, x, fl.zeros([5, 3, 8], { device: DEVICE }))).toThrow(/disagree/);
        expect(() => m.forward(x, x, x, { keyPaddingMask: fl.zeros([3, 5], { dtype: 'bool', device: DEVICE }) })).toThrow(/keyPaddingMask must have shape \[3, 4\]/);
        expect(() => m.forward(x, x, x, { attnMask: fl.zeros([4, 5], { dtype: 'bool', device: DEVICE }) })).toThrow(/attnMask must have shape/);
        expect(() => m.forward(x, x, x, { attnMask: fl.zeros([4, 4], { dtype: 'int32', device: DEVICE }) })).toThrow(fl.DTypeError);
        expect(() => m.forward(fl.zeros([8], { device: DEVICE }), fl.zeros([8], { device: DEVICE }), fl.zeros([8], { device: DEVICE }))).toThrow(fl.ShapeError);
        expect(() => m.forward(x.to('float64'), x, x)).toThrow(fl.DTypeError);
        expect(() => new nn.MultiheadAttention(10, 3)).toThrow(/divisible/);
      });
    } finally { m.dispose(); }
  });
});

describe('TransformerEncoderLayer matches PyTorch (float64)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('tel_'));
  test.each(names)('%s', (name) => {
    const c = G[name];
    const cfg = c.config;
    const m = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, ...cfg });
    try {
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      toF64(m).eval();
      load(m, c.state);
      check(c, (i) => [m.forward(i.src, { srcMask: i.srcMask, srcKeyPaddingMask: i.srcKeyPaddingMask })], m);
    } finally { m.dispose(); }
  });

  test('float32 pre-norm gelu layer within 1e-5 relative of the float64 reference', () => {
    const c = G.tel_pre_gelu_bf_mask;
    const m = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, ...c.config, device: DEVICE }).eval();
    try {
      load(m, c.state, 'float32');
      check(c, (i) => [m.forward(i.src, { srcMask: i.srcMask })], m, 'float32');
    } finally { m.dispose(); }
  });

  test('fields and defaults as PyTorch; dropout active in training mode', () => {
    const m = new nn.TransformerEncoderLayer(8, 2, { device: DEVICE });
    try {
      expect(m.linear1.weight.shape).toEqual([2048, 8]);
      expect(m.dropout.p).toBe(0.1);
      expect(m.norm1.eps).toBe(1e-5);
      expect(m.namedChildren().map(([k]) => k)).toEqual(['self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']);
      fl.scope(() => {
        const x = fl.randn([3, 2, 8], { device: DEVICE });
        const a = m.eval().forward(x), b = m.forward(x);
        expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
        const t = m.train().forward(x);
        expect(Array.from(t.dataSync())).not.toEqual(Array.from(a.dataSync()));
      });
      expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow(fl.ValueError);
      fl.scope(() => expect(() => m.forward(fl.zeros([3, 2, 6], { device: DEVICE }))).toThrow(/TransformerEncoderLayer: expected src of shape \[L, N, 8\]/));
    } finally { m.dispose(); }
  });
});
