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
import { DEVICE, expectClose, expectGradsMatchFiniteDifferences, rng } from './helpers';
import { call, opId } from '../lib/native';
import { gruCell } from '../lib/nn/gru_cell';
import { lstmCell } from '../lib/nn/lstm_cell';

const nn = fl.nn;
const f64 = { dtype: 'float64' as const, device: DEVICE };
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

describe('LSTM, GRU and RNN match PyTorch (float64)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('lstm_') || k.startsWith('gru_') || k.startsWith('rnn_'));
  test('the golden file has cases of each', () => {
    for (const p of ['lstm_', 'gru_', 'rnn_tanh', 'rnn_relu']) expect(names.some((n) => n.startsWith(p))).toBe(true);
  });
  test.each(names)('%s', (name) => {
    const c = G[name];
    const cfg = c.config;
    const opts = { numLayers: cfg.numLayers, batchFirst: cfg.batchFirst, bidirectional: cfg.bidirectional, dropout: 0.3 };
    const m = name.startsWith('lstm') ? new nn.LSTM(cfg.inputSize, cfg.hiddenSize, opts)
      : name.startsWith('gru') ? new nn.GRU(cfg.inputSize, cfg.hiddenSize, opts)
        : new nn.RNN(cfg.inputSize, cfg.hiddenSize, { ...opts, nonlinearity: cfg.nonlinearity });
    try {
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      toF64(m).eval();
      load(m, c.state);
      check(c, (i) => {
        if (m instanceof nn.LSTM) {
          const [y, [h, cc]] = m.forward(i.x, i.h0 ? [i.h0, i.c0] : undefined);
          return [y, h, cc];
        }
        const [y, h] = (m as fl.nn.GRU | fl.nn.RNN).forward(i.x, i.h0);
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

describe('LSTMCell, GRUCell and RNNCell match PyTorch (float64)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('cell_'));
  test('the golden file has batched and unbatched cases of each cell', () => {
    for (const kind of ['LSTMCell', 'GRUCell', 'RNNCell']) for (const b of ['_b1_h1', '_b0_h0']) expect(names.some((n) => n.startsWith(`cell_${kind}`) && n.endsWith(b))).toBe(true);
  });
  test.each(names)('%s', (name) => {
    const c = G[name];
    const cfg = c.config;
    const opts = { bias: cfg.bias ?? true, ...(cfg.nonlinearity ? { nonlinearity: cfg.nonlinearity } : {}) };
    const m = cfg.kind === 'LSTMCell' ? new nn.LSTMCell(3, 4, opts) : cfg.kind === 'GRUCell' ? new nn.GRUCell(3, 4, opts) : new nn.RNNCell(3, 4, opts);
    try {
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      toF64(m).eval();
      load(m, c.state);
      check(c, (i) => (m instanceof nn.LSTMCell ? m.forward(i.x, i.h ? [i.h, i.c] : null) : [(m as fl.nn.GRUCell).forward(i.x, i.h ?? null)]), m);
    } finally { m.dispose(); }
  });

  test('printed as PyTorch prints them; typed errors naming the cell', () => {
    const printed = (m: fl.nn.Module): string => { try { return String(m); } finally { m.dispose(); } };
    expect(printed(new nn.LSTMCell(3, 4, false))).toBe('LSTMCell(3, 4, bias=False)');
    expect(printed(new nn.GRUCell(3, 4))).toBe('GRUCell(3, 4)');
    expect(printed(new nn.RNNCell(3, 4, true, 'relu'))).toBe('RNNCell(3, 4, nonlinearity=relu)');
    expect(printed(new nn.RNN(3, 4, 2, 'relu'))).toBe('RNN(3, 4, num_layers=2)');
    const cell = new nn.GRUCell(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        expect(() => cell.forward(fl.zeros([2, 5], { device: DEVICE }))).toThrow(/^GRUCell: expected input with 3 features in its last dim, got shape \[2, 5\]/);
        expect(() => cell.forward(fl.zeros([2, 3], { device: DEVICE }), fl.zeros([3, 4], { device: DEVICE }))).toThrow(fl.ShapeError);
        expect(() => cell.forward(fl.zeros([2, 3], { device: DEVICE }), fl.zeros([2, 4], { dtype: 'float64', device: DEVICE }))).toThrow(fl.DTypeError);
        expect(() => cell.forward(fl.zeros([2, 2, 3], { device: DEVICE }))).toThrow(/^GRUCell: expected a 1-D \(unbatched\) or 2-D input/);
      });
    } finally { cell.dispose(); }
    expect(() => new nn.RNNCell(3, 4, { nonlinearity: 'gelu' as 'relu' })).toThrow(/^RNNCell: nonlinearity must be one of 'tanh', 'relu', got 'gelu'/);
    expect(() => new nn.RNN(3, 4, { nonlinearity: 'gelu' as 'relu' })).toThrow(fl.ValueError);
    expect(() => new nn.LSTMCell(3, 4, { nonlinearity: 'tanh' } as never)).toThrow(/^LSTMCell: unknown option 'nonlinearity'/);
  });

  test('a cell step is the layer\'s step: LSTMCell/GRUCell/RNNCell with a one-layer network\'s weights give its outputs', () => {
    fl.manualSeed(9);
    const x = fl.randn([4, 2, 3], f64);
    const pairs: [fl.nn.Module, fl.nn.Module][] = [
      [new nn.LSTM(3, 5, { dtype: 'float64', device: DEVICE }), new nn.LSTMCell(3, 5, { dtype: 'float64', device: DEVICE })],
      [new nn.GRU(3, 5, { dtype: 'float64', device: DEVICE }), new nn.GRUCell(3, 5, { dtype: 'float64', device: DEVICE })],
      [new nn.RNN(3, 5, { nonlinearity: 'relu', dtype: 'float64', device: DEVICE }), new nn.RNNCell(3, 5, { nonlinearity: 'relu', dtype: 'float64', device: DEVICE })],
    ];
    try {
      for (const [layer, cell] of pairs) {
        fl.scope(() => {
          const sd = layer.stateDict();
          cell.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k.replace(/_l0$/, ''), v])));
          const [y] = (layer as unknown as { forward(t: fl.Tensor): [fl.Tensor, unknown] }).forward(x);
          let state: fl.Tensor | [fl.Tensor, fl.Tensor] | null = null;
          const ys: fl.Tensor[] = [];
          for (let t = 0; t < 4; t++) {
            if (cell instanceof nn.LSTMCell) { state = cell.forward(x.select(0, t), state as [fl.Tensor, fl.Tensor] | null); ys.push(state[0]); }
            else { state = (cell as fl.nn.GRUCell).forward(x.select(0, t), state as fl.Tensor | null); ys.push(state); }
          }
          expectClose(fl.stack(ys, 0), Array.from(y.dataSync()), 'float64');
        });
      }
    } finally { pairs.flat().forEach((m) => m.dispose()); x.dispose(); }
  });
});

/** The LSTM cell in float64, written out per unit (gate order i, f, g, o): forward and backward. */
function cellRef(xg: number[], hg: number[], c0: number[], gh: number[], gc: number[], B: number, H: number) {
  const sg = (v: number): number => 1 / (1 + Math.exp(-v));
  const h1: number[] = [], c1: number[] = [], act: number[] = new Array(B * 4 * H), dg: number[] = new Array(B * 4 * H), dc0: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const a = (k: number): number => xg[b * 4 * H + k * H + j] + hg[b * 4 * H + k * H + j];
      const i = sg(a(0)), f = sg(a(1)), g = Math.tanh(a(2)), o = sg(a(3));
      const u = b * H + j;
      const c = f * c0[u] + i * g, tc = Math.tanh(c);
      c1.push(c); h1.push(o * tc);
      [i, f, g, o].forEach((v, k) => { act[b * 4 * H + k * H + j] = v; });
      // d/dc of h = o*tanh(c), plus the incoming gc; then the chain rule through each gate
      const dc = gc[u] + gh[u] * o * (1 - tc * tc);
      const d = [dc * g * i * (1 - i), dc * c0[u] * f * (1 - f), dc * i * (1 - g * g), gh[u] * tc * o * (1 - o)];
      d.forEach((v, k) => { dg[b * 4 * H + k * H + j] = v; });
      dc0.push(dc * f);
    }
  }
  return { h1, c1, act, dg, dc0 };
}

describe("native 'lstmCell' / 'lstmCellBackward' on DEVICE", () => {
  const CELL = opId('lstmCell'), CELL_BW = opId('lstmCellBackward');
  const B = 37, H = 70;  // B*H above the pool's split point: several chunks on the CPU
  const r = rng(21);
  const vals = (n: number, s: number): number[] => Array.from({ length: n }, () => (r() * 2 - 1) * s);
  const xg = vals(B * 4 * H, 3), hg = vals(B * 4 * H, 3), c0 = vals(B * H, 2), gh = vals(B * H, 1), gc = vals(B * H, 1);
  const want = cellRef(xg, hg, c0, gh, gc, B, H);

  test.each(['float64', 'float32', 'float16', 'bfloat16'] as fl.DType[])('%s: forward and backward against the float64 reference', (dtype) => {
    fl.scope(() => {
      const mk = (v: number[], cols: number): fl.Tensor => fl.tensor(v, { dtype: 'float64', device: DEVICE }).reshape([B, cols]).to(dtype);
      // the reference of the 16-bit dtypes starts from the rounded inputs
      const back = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync());
      const X = mk(xg, 4 * H), R = mk(hg, 4 * H), C0 = mk(c0, H), GH = mk(gh, H), GC = mk(gc, H);
      const ref = dtype === 'float64' || dtype === 'float32' ? want : cellRef(back(X), back(R), back(C0), back(GH), back(GC), B, H);
      const h1 = fl.empty([B, H], { dtype, device: DEVICE }), c1 = fl.empty([B, H], { dtype, device: DEVICE });
      const act = fl.empty([B, 4 * H], { dtype, device: DEVICE });
      call(CELL, 'lstmCell', [h1, c1, act, X, R, C0], []);
      // 16-bit: each stored activation rounds once more than the reference; 4x the dtype's tolerance
      const scale = dtype === 'float16' || dtype === 'bfloat16' ? 4 : 1;
      expectClose(h1, ref.h1, dtype, scale);
      expectClose(c1, ref.c1, dtype, scale);
      expectClose(act, ref.act, dtype, scale);
      const dg = fl.empty([B, 4 * H], { dtype, device: DEVICE }), dc0 = fl.empty([B, H], { dtype, device: DEVICE });
      call(CELL_BW, 'lstmCellBackward', [dg, dc0, act, C0, c1, GH, GC], []);
      const refB = dtype === 'float64' || dtype === 'float32' ? want
        : cellRef(back(X), back(R), back(C0), back(GH), back(GC), B, H);
      expectClose(dg, refB.dg, dtype, dtype === 'float16' || dtype === 'bfloat16' ? 8 : 1);
      expectClose(dc0, refB.dc0, dtype, scale);
    });
  });

  test('the autograd node: gradients of xg, hg and c0 agree with finite differences (float64)', () => {
    fl.scope(() => {
      const X = fl.tensor(vals(3 * 4 * 5, 2), { dtype: 'float64', device: DEVICE }).reshape([3, 20]).requiresGrad_();
      const R = fl.tensor(vals(3 * 4 * 5, 2), { dtype: 'float64', device: DEVICE }).reshape([3, 20]).requiresGrad_();
      const C = fl.tensor(vals(15, 2), { dtype: 'float64', device: DEVICE }).reshape([3, 5]).requiresGrad_();
      const wh = fl.tensor(vals(15, 1), { dtype: 'float64', device: DEVICE }).reshape([3, 5]);
      const wc = fl.tensor(vals(15, 1), { dtype: 'float64', device: DEVICE }).reshape([3, 5]);
      const loss = (): fl.Tensor => {
        const [h1, c1] = lstmCell(X, R, C);
        return h1.mul(wh).sum().add(c1.mul(wc).sum());
      };
      loss().backward();
      expectGradsMatchFiniteDifferences({ xg: X, hg: R, c0: C }, loss, 9);
      for (const t of [X, R, C]) t.grad!.dispose();
    });
  });

  test('non-contiguous operands are accepted by the node; only an unused c gradient', () => {
    fl.scope(() => {
      // xg a transposed view, gradient only through h1 (c1 unused: its gradient is zero)
      const X = fl.tensor(vals(8 * 2, 1), { dtype: 'float64', device: DEVICE }).reshape([8, 2]).requiresGrad_();
      const R = fl.zeros([2, 8], { dtype: 'float64', device: DEVICE });
      const C = fl.tensor(vals(4, 1), { dtype: 'float64', device: DEVICE }).reshape([2, 2]);
      const [h1] = lstmCell(X.transpose(0, 1), R, C);
      h1.sum().backward();
      const ref = cellRef(Array.from(X.transpose(0, 1).contiguous().dataSync()), new Array(16).fill(0), Array.from(C.dataSync()),
        [1, 1, 1, 1], [0, 0, 0, 0], 2, 2);
      expectClose(h1, ref.h1, 'float64');
      // X.grad[k][b] = dg[b][k]
      const want2 = [];
      for (let k = 0; k < 8; k++) for (let b = 0; b < 2; b++) want2.push(ref.dg[b * 8 + k]);
      expectClose(X.grad!, want2, 'float64');
      X.grad!.dispose();
    });
  });

  test('bad operands: typed errors naming the op', () => {
    fl.scope(() => {
      const z = (s: number[], dtype: fl.DType = 'float32'): fl.Tensor => fl.zeros(s, { dtype, device: DEVICE });
      expect(() => call(CELL, 'lstmCell', [z([2, 3]), z([2, 3]), z([2, 12]), z([2, 12]), z([2, 12])], [])).toThrow(/lstmCell: expected 6 operands/);
      expect(() => call(CELL, 'lstmCell', [z([2, 3]), z([2, 3]), z([2, 12]), z([2, 11]), z([2, 12]), z([2, 3])], [])).toThrow(fl.ShapeError);
      expect(() => call(CELL, 'lstmCell', [z([2, 3]), z([2, 3]), z([2, 12]), z([12, 2]).transpose(0, 1), z([2, 12]), z([2, 3])], [])).toThrow(/lstmCell: operand 3 must be a contiguous/);
      expect(() => call(CELL, 'lstmCell', [z([2, 3]), z([2, 3]), z([2, 12]), z([2, 12], 'float64'), z([2, 12]), z([2, 3])], [])).toThrow(fl.ShapeError);
      const i = (s: number[]): fl.Tensor => z(s, 'int32');
      expect(() => call(CELL, 'lstmCell', [i([2, 3]), i([2, 3]), i([2, 12]), i([2, 12]), i([2, 12]), i([2, 3])], [])).toThrow(fl.DTypeError);
      expect(() => call(CELL_BW, 'lstmCellBackward', [z([2, 12]), z([2, 3]), z([2, 12]), z([2, 3]), z([2, 3]), z([2, 3]), z([3])], [])).toThrow(/lstmCellBackward: expected a \[B, H\] state/);
      expect(() => call(CELL_BW, 'lstmCellBackward', [z([2, 12]), z([2, 3]), z([2, 12]), z([2, 3]), z([2, 4]), z([2, 3]), z([2, 3])], [])).toThrow(fl.ShapeError);
    });
  });
});

/** The GRU cell in float64, written out per unit (gate order r, z, n): forward and backward. */
function gruRef(xg: number[], hg: number[], h0: number[], gh: number[], B: number, H: number) {
  const sg = (v: number): number => 1 / (1 + Math.exp(-v));
  const h1: number[] = [], act: number[] = new Array(B * 4 * H), dxg: number[] = new Array(B * 3 * H), dhg: number[] = new Array(B * 3 * H), dh0: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const x = (k: number): number => xg[b * 3 * H + k * H + j], h = (k: number): number => hg[b * 3 * H + k * H + j];
      const u = b * H + j;
      const r = sg(x(0) + h(0)), z = sg(x(1) + h(1)), n = Math.tanh(x(2) + r * h(2));
      h1.push((1 - z) * n + z * h0[u]);
      [r, z, n, h(2)].forEach((v, k) => { act[b * 4 * H + k * H + j] = v; });
      // h1 = (1 - z) n + z h0; n = tanh(xn + r hn); r, z sigmoids of their two inputs' sum
      const dnPre = gh[u] * (1 - z) * (1 - n * n);
      const drPre = dnPre * h(2) * r * (1 - r), dzPre = gh[u] * (h0[u] - n) * z * (1 - z);
      [drPre, dzPre, dnPre].forEach((v, k) => { dxg[b * 3 * H + k * H + j] = v; });
      [drPre, dzPre, dnPre * r].forEach((v, k) => { dhg[b * 3 * H + k * H + j] = v; });
      dh0.push(gh[u] * z);
    }
  }
  return { h1, act, dxg, dhg, dh0 };
}

describe("native 'gruCell' / 'gruCellBackward' on DEVICE", () => {
  const CELL = opId('gruCell'), CELL_BW = opId('gruCellBackward');
  const B = 37, H = 70;  // B*H above the pool's split point: several chunks on the CPU
  const r = rng(22);
  const vals = (n: number, s: number): number[] => Array.from({ length: n }, () => (r() * 2 - 1) * s);
  const xg = vals(B * 3 * H, 3), hg = vals(B * 3 * H, 3), h0 = vals(B * H, 2), gh = vals(B * H, 1);
  const want = gruRef(xg, hg, h0, gh, B, H);

  test.each(['float64', 'float32', 'float16', 'bfloat16'] as fl.DType[])('%s: forward and backward against the float64 reference', (dtype) => {
    fl.scope(() => {
      const mk = (v: number[], cols: number): fl.Tensor => fl.tensor(v, { dtype: 'float64', device: DEVICE }).reshape([B, cols]).to(dtype);
      const back = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync());
      const X = mk(xg, 3 * H), R = mk(hg, 3 * H), H0 = mk(h0, H), GH = mk(gh, H);
      // the reference of the 16-bit dtypes starts from the rounded inputs
      const low = dtype === 'float16' || dtype === 'bfloat16';
      const ref = low ? gruRef(back(X), back(R), back(H0), back(GH), B, H) : want;
      const h1 = fl.empty([B, H], { dtype, device: DEVICE }), act = fl.empty([B, 4 * H], { dtype, device: DEVICE });
      call(CELL, 'gruCell', [h1, act, X, R, H0], []);
      // 16-bit: each stored activation rounds once more than the reference; 4x the dtype's tolerance
      const scale = low ? 4 : 1;
      expectClose(h1, ref.h1, dtype, scale);
      expectClose(act, ref.act, dtype, scale);
      const dxg = fl.empty([B, 3 * H], { dtype, device: DEVICE }), dhg = fl.empty([B, 3 * H], { dtype, device: DEVICE });
      const dh0 = fl.empty([B, H], { dtype, device: DEVICE });
      call(CELL_BW, 'gruCellBackward', [dxg, dhg, dh0, act, H0, GH], []);
      // the backward reads the stored (rounded) activations: 8x for the 16-bit dtypes
      expectClose(dxg, ref.dxg, dtype, low ? 8 : 1);
      expectClose(dhg, ref.dhg, dtype, low ? 8 : 1);
      expectClose(dh0, ref.dh0, dtype, scale);
    });
  });

  test('the autograd node: gradients of xg, hg and h0 agree with finite differences (float64)', () => {
    fl.scope(() => {
      const X = fl.tensor(vals(3 * 3 * 5, 2), { dtype: 'float64', device: DEVICE }).reshape([3, 15]).requiresGrad_();
      const R = fl.tensor(vals(3 * 3 * 5, 2), { dtype: 'float64', device: DEVICE }).reshape([3, 15]).requiresGrad_();
      const S = fl.tensor(vals(15, 2), { dtype: 'float64', device: DEVICE }).reshape([3, 5]).requiresGrad_();
      const w = fl.tensor(vals(15, 1), { dtype: 'float64', device: DEVICE }).reshape([3, 5]);
      // h0 feeds the cell directly and (as in nn.GRU) the gradient of its use elsewhere adds up
      const loss = (): fl.Tensor => gruCell(X, R, S).mul(w).sum().add(S.mul(S).sum());
      loss().backward();
      expectGradsMatchFiniteDifferences({ xg: X, hg: R, h0: S }, loss, 12);
      for (const t of [X, R, S]) t.grad!.dispose();
    });
  });

  test('bad operands: typed errors naming the op', () => {
    fl.scope(() => {
      const z = (s: number[], dtype: fl.DType = 'float32'): fl.Tensor => fl.zeros(s, { dtype, device: DEVICE });
      expect(() => call(CELL, 'gruCell', [z([2, 3]), z([2, 12]), z([2, 9]), z([2, 9])], [])).toThrow(/gruCell: expected 5 operands/);
      expect(() => call(CELL, 'gruCell', [z([2, 3]), z([2, 12]), z([2, 9]), z([2, 12]), z([2, 3])], [])).toThrow(/gruCell: operand 3 must be a contiguous \[2, 9\] tensor/);
      expect(() => call(CELL, 'gruCell', [z([2, 3]), z([2, 12]), z([9, 2]).transpose(0, 1), z([2, 9]), z([2, 3])], [])).toThrow(/gruCell: operand 2 must be a contiguous/);
      expect(() => call(CELL, 'gruCell', [z([2, 3]), z([2, 12]), z([2, 9], 'float64'), z([2, 9]), z([2, 3])], [])).toThrow(fl.ShapeError);
      const i = (s: number[]): fl.Tensor => z(s, 'int32');
      expect(() => call(CELL, 'gruCell', [i([2, 3]), i([2, 12]), i([2, 9]), i([2, 9]), i([2, 3])], [])).toThrow(/gruCell: expected a floating dtype/);
      expect(() => call(CELL_BW, 'gruCellBackward', [z([2, 9]), z([2, 9]), z([2, 3]), z([2, 12]), z([2, 3]), z([3])], [])).toThrow(/gruCellBackward: expected a \[B, H\] state/);
      expect(() => call(CELL_BW, 'gruCellBackward', [z([2, 9]), z([2, 12]), z([2, 3]), z([2, 12]), z([2, 3]), z([2, 3])], [])).toThrow(fl.ShapeError);
    });
  });

  test('nn.GRU\'s forward and backward run the fused cell once per step, no elementwise gate math (it was ~13 ops forward, ~30 backward)', () => {
    const m = new nn.GRU(3, 4, { device: DEVICE });
    try {
      fl.scope(() => {
        const x = fl.randn([6, 2, 3], { device: DEVICE }).requiresGrad_();
        const prof = fl.profiler.profile(() => fl.scope(() => { const [y] = m.forward(x); y.sum().backward(); }));
        const count = (name: string): number => prof.events.filter((e) => e.kind === 'op' && e.name === name).length;
        expect(count('gruCell')).toBe(6);
        expect(count('gruCellBackward')).toBe(6);
        for (const op of ['sigmoid', 'tanh']) expect(count(op)).toBe(0);
        x.grad!.dispose();
      });
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
