// transformer.test.ts — nn.TransformerDecoderLayer, nn.TransformerEncoder, nn.TransformerDecoder,
// nn.Transformer (lib/nn/transformer.ts) and TransformerEncoderLayer's activation function
// (lib/nn/attention.ts).
// References: PyTorch 1.13 golden values (test/golden/transformer.json, made by
// scripts/golden/transformer.py: float64 modules with dropout 0, their state dicts loaded here by
// name, outputs and the gradients of sum(out · r) w.r.t. the inputs and EVERY parameter; tolerance
// 1e-10 relative), torch's printed form pasted below, finite differences (fl.gradcheck), and the
// xavier_uniform_ bound. The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, expectClose } from './helpers';

const nn = fl.nn;
const F = fl.nn.functional;
type Enc = [number[], (number | string)[], 'bool'?];
const G: Record<string, any> = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'transformer.json'), 'utf8')).cases;
const o64 = { dtype: 'float64' as const, device: DEVICE };
const vals = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const num = (v: number | string): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));

/** A tensor from a golden [shape, values(, 'bool')] entry (±inf written as strings). */
function T(e: Enc, dtype: fl.DType = 'float64'): fl.Tensor {
  return fl.scope(() => {
    const t = fl.tensor(e[1].map(num), { dtype: e[2] === 'bool' ? 'float64' : dtype, device: DEVICE }).reshape(e[0]);
    return e[2] === 'bool' ? t.ne(0) : t.clone();
  });
}

/** Loads a golden state dict into `m` (parameters already float64 on DEVICE). */
function load(m: fl.nn.Module, state: Record<string, Enc>): void {
  const sd: Record<string, fl.Tensor> = {};
  for (const [k, v] of Object.entries(state)) sd[k] = T(v);
  try { m.loadStateDict(sd); } finally { for (const t of Object.values(sd)) t.dispose(); }
}

/**
 * Runs one golden case: float leaves of the case's float inputs that torch differentiated, `fn`,
 * backprop of Σ sum(out_i · r_i), then outputs, input gradients and every parameter's gradient.
 */
function check(c: { inputs: Record<string, Enc>; outputs: Enc[]; r: Enc[]; grads: Record<string, Enc> }, m: fl.nn.Module, fn: (i: Record<string, fl.Tensor>) => fl.Tensor[]): void {
  fl.scope(() => {
    const inp: Record<string, fl.Tensor> = {};
    for (const [k, v] of Object.entries(c.inputs)) {
      inp[k] = T(v);
      if (c.grads[k]) inp[k].requiresGrad_();
    }
    const outs = fn(inp);
    expect(outs.length).toBe(c.outputs.length);
    let loss: fl.Tensor | null = null;
    outs.forEach((o, i) => {
      expect(o.shape).toEqual(c.outputs[i][0]);
      expectClose(o, c.outputs[i][1].map(num), 'float64');
      const term = o.mul(T(c.r[i])).sum();
      loss = loss ? loss.add(term) : term;
    });
    loss!.backward();
    const params = new Map(m.namedParameters());
    const gradNames = Object.keys(c.grads);
    expect(gradNames.filter((k) => k.startsWith('param:')).map((k) => k.slice(6)).sort()).toEqual([...params.keys()].sort());
    for (const [k, want] of Object.entries(c.grads)) {
      const g = k.startsWith('param:') ? params.get(k.slice(6))!.grad : inp[k].grad;
      if (!g) throw new Error(`no gradient for ${k}`);
      expect(g.shape).toEqual(want[0]);
      try { expectClose(g, want[1].map(num), 'float64'); } catch (e) { throw new Error(`grad of ${k}: ${(e as Error).message}`); }
    }
    for (const t of Object.values(inp)) t.grad?.dispose();
    m.zeroGrad();
  });
}

const act = (a: string): fl.nn.TransformerActivation => (a === 'silu' ? F.silu : (a as 'relu' | 'gelu'));
/** The masks a case passes, by the forward's option names (undefined when absent). */
const pick = (i: Record<string, fl.Tensor>, names: string[]): Record<string, fl.Tensor | undefined> => Object.fromEntries(names.map((n) => [n, i[n]]));
const DEC_MASKS = ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask'];

describe('TransformerDecoderLayer matches PyTorch (float64, every parameter gradient)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('dec_layer_'));
  test('the golden file has post-/pre-norm, batch-first and unbatched cases', () => expect(names.length).toBe(3));
  test.each(names)('%s', (name) => {
    const c = G[name], cfg = c.config;
    fl.scope(() => {
      const m = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, batchFirst: cfg.batchFirst, normFirst: cfg.normFirst, activation: act(cfg.activation), ...o64 });
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      load(m, c.state);
      check(c, m, (i) => [m.forward(i.tgt, i.memory, pick(i, DEC_MASKS))]);
    });
  });
});

describe('TransformerEncoder matches PyTorch (two copied layers, final norm, masks)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('enc_'));
  test.each(names)('%s', (name) => {
    const c = G[name], cfg = c.config;
    fl.scope(() => {
      const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, batchFirst: cfg.batchFirst, normFirst: cfg.normFirst, activation: cfg.activation, ...o64 });
      const m = new nn.TransformerEncoder(layer, 2, cfg.norm ? new nn.LayerNorm(4, o64) : null, { enableNestedTensor: false });
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      load(m, c.state);
      check(c, m, (i) => [m.forward(i.src, { mask: i.mask, srcKeyPaddingMask: i.srcKeyPaddingMask })]);
    });
  });
});

describe('TransformerDecoder matches PyTorch', () => {
  test.each(['dec_norm', 'dec_nonorm'])('%s', (name) => {
    const c = G[name];
    fl.scope(() => {
      const m = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(4, 2, 6, 0, o64), 2, { norm: c.config.norm ? new nn.LayerNorm(4, o64) : null });
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      load(m, c.state);
      // positional masks, in torch's order
      check(c, m, (i) => [m.forward(i.tgt, i.memory, i.tgtMask, null, null, i.memoryKeyPaddingMask)]);
    });
  });
});

describe('Transformer matches PyTorch (every mask, batch-first, pre-norm gelu, unbatched)', () => {
  const names = Object.keys(G).filter((k) => k.startsWith('tr_'));
  test.each(names)('%s', (name) => {
    const c = G[name], cfg = c.config;
    fl.scope(() => {
      const m = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: cfg.numEncoderLayers, numDecoderLayers: cfg.numDecoderLayers, dimFeedforward: 6, dropout: 0, activation: cfg.activation, batchFirst: cfg.batchFirst, normFirst: cfg.normFirst, ...o64 });
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      load(m, c.state);
      check(c, m, (i) => [m.forward(i.src, i.tgt, pick(i, ['srcMask', 'tgtMask', 'memoryMask', 'srcKeyPaddingMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask']))]);
    });
  });

  test('finite differences agree with autograd (float64, w.r.t. src and tgt)', () => {
    fl.scope(() => {
      fl.manualSeed(3);
      const m = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 5, dropout: 0, batchFirst: true, ...o64 });
      const src = fl.randn([2, 3, 4], o64).requiresGrad_(), tgt = fl.randn([2, 2, 4], o64).requiresGrad_();
      const mask = nn.Transformer.generateSquareSubsequentMask(2, { dtype: 'float64', device: DEVICE });
      expect(fl.gradcheck((s: fl.Tensor, t: fl.Tensor) => m.forward(s, t, { tgtMask: mask }), [src, tgt])).toBe(true);
    });
  });
});

describe("torch 1.13's encoder fast path (nested tensors) and flintml's math path", () => {
  test('non-padded rows agree with the fast path; padded rows are the math path\'s (torch: 0 → the final norm\'s bias)', () => {
    const c = G.fastpath;
    fl.scope(() => {
      const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, batchFirst: true, ...o64 });
      const m = new nn.TransformerEncoder(layer, 2, new nn.LayerNorm(4, o64)).eval();
      load(m, c.state);
      const y = fl.noGrad(() => m.forward(T(c.inputs.src), { srcKeyPaddingMask: T(c.inputs.srcKeyPaddingMask) }));
      expectClose(y, c.math[1], 'float64');
      const got = vals(y), fast = c.fast[1] as number[], bias = c.normBias[1] as number[];
      // batch 1, positions 2 and 3 are padding: torch's fast path gives the norm's bias there
      for (let n = 0; n < 2; n++) for (let s = 0; s < 4; s++) for (let e = 0; e < 4; e++) {
        const i = (n * 4 + s) * 4 + e;
        if (n === 1 && s >= 2) { expect(fast[i]).toBeCloseTo(bias[e], 6); expect(Math.abs(got[i] - fast[i])).toBeGreaterThan(1e-3); }
        else expect(got[i]).toBeCloseTo(fast[i], 5);  // torch's fast path computes in float32 internally at places
      }
    });
  });
});

describe('Transformer.generateSquareSubsequentMask', () => {
  test('values as torch (0 on and below the diagonal, -inf above), float32 by default', () => {
    for (const n of ['0', '1', '4']) {
      fl.scope(() => {
        const m = nn.Transformer.generateSquareSubsequentMask(Number(n), DEVICE);
        expect(m.dtype).toBe('float32');
        expect(m.device.split(':')[0]).toBe(DEVICE.split(':')[0]);
        expect(m.shape).toEqual(G.masks[n][0]);
        expect(vals(m)).toEqual(G.masks[n][1].map(num));
      });
    }
    fl.scope(() => expect(nn.Transformer.generateSquareSubsequentMask(2, { dtype: 'float64' }).dtype).toBe('float64'));
  });
  test('refusals', () => {
    expect(() => nn.Transformer.generateSquareSubsequentMask(-1)).toThrow(/generateSquareSubsequentMask: sz must be an integer >= 0, got -1/);
    expect(() => nn.Transformer.generateSquareSubsequentMask(1.5)).toThrow(fl.ValueError);
    expect(() => nn.Transformer.generateSquareSubsequentMask(2, { dtype: 'int32' })).toThrow(fl.DTypeError);
  });
});

describe('structure, printing and initialisation as torch', () => {
  // torch: print(nn.Transformer(4, 2, 1, 1, 8))
  const TORCH_REPR = `Transformer(
  (encoder): TransformerEncoder(
    (layers): ModuleList(
      (0): TransformerEncoderLayer(
        (self_attn): MultiheadAttention(
          (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)
        )
        (linear1): Linear(in_features=4, out_features=8, bias=True)
        (dropout): Dropout(p=0.1, inplace=False)
        (linear2): Linear(in_features=8, out_features=4, bias=True)
        (norm1): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
        (norm2): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
        (dropout1): Dropout(p=0.1, inplace=False)
        (dropout2): Dropout(p=0.1, inplace=False)
      )
    )
    (norm): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
  )
  (decoder): TransformerDecoder(
    (layers): ModuleList(
      (0): TransformerDecoderLayer(
        (self_attn): MultiheadAttention(
          (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)
        )
        (multihead_attn): MultiheadAttention(
          (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)
        )
        (linear1): Linear(in_features=4, out_features=8, bias=True)
        (dropout): Dropout(p=0.1, inplace=False)
        (linear2): Linear(in_features=8, out_features=4, bias=True)
        (norm1): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
        (norm2): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
        (norm3): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
        (dropout1): Dropout(p=0.1, inplace=False)
        (dropout2): Dropout(p=0.1, inplace=False)
        (dropout3): Dropout(p=0.1, inplace=False)
      )
    )
    (norm): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
  )
)`;
  test('printed form', () => fl.scope(() => { expect(new nn.Transformer(4, 2, 1, 1, 8).toString()).toBe(TORCH_REPR); }));

  test("defaults are torch 1.13's", () => fl.scope(() => {
    const m = new nn.Transformer({ dModel: 8, nhead: 2, device: DEVICE });
    const enc = m.encoder as fl.nn.TransformerEncoder, dec = m.decoder as fl.nn.TransformerDecoder;
    expect(enc.layers.length).toBe(6);
    expect(dec.layers.length).toBe(6);
    expect(enc.layers[0].linear1.weight.shape).toEqual([2048, 8]);
    expect(enc.layers[0].dropout.p).toBe(0.1);
    expect(enc.layers[0].self_attn.batchFirst).toBe(false);
    expect(enc.layers[0].normFirst).toBe(false);
    expect((enc.norm as fl.nn.LayerNorm).eps).toBe(1e-5);
    expect(enc.enableNestedTensor).toBe(true);
    expect(enc.maskCheck).toBe(true);
    expect([m.dModel, m.nhead, m.batchFirst]).toEqual([8, 2, false]);
    expect(m.parameters()[0].dtype).toBe('float32');
    const d = new nn.TransformerDecoderLayer(8, 2, { device: DEVICE });
    expect([d.linear1.weight.shape, d.dropout.p, d.norm3.eps, d.activation]).toEqual([[2048, 8], 0.1, 1e-5, 'relu']);
    expect(d.namedChildren().map(([k]) => k)).toEqual(['self_attn', 'multihead_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'norm3', 'dropout1', 'dropout2', 'dropout3']);
  }));

  test('a stack holds deep copies: equal values, separate tensors, the given layer not registered', () => fl.scope(() => {
    const layer = new nn.TransformerEncoderLayer(4, 2, 6, { device: DEVICE });
    const m = new nn.TransformerEncoder(layer, 3);
    expect(m.norm).toBeNull();
    expect(m.numLayers).toBe(3);
    expect(m.parameters().length).toBe(3 * layer.parameters().length);
    expect(m.parameters().some((p) => layer.parameters().includes(p))).toBe(false);
    expect(vals(m.layers[2].self_attn.in_proj_weight!)).toEqual(vals(layer.self_attn.in_proj_weight!));
    expect(m.layers[0].linear1.weight).not.toBe(m.layers[1].linear1.weight);
    expect(nn.isParameter(m.layers[1].linear1.weight)).toBe(true);
    fl.noGrad(() => m.layers[0].linear1.weight.fill_(7));
    expect(vals(m.layers[1].linear1.weight)).toEqual(vals(layer.linear1.weight));
    expect(Object.keys(m.stateDict())).toContain('layers.2.self_attn.out_proj.bias');
    // a copy's buffers are its own (a BatchNorm as the final norm)
    const withBuffers = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(4, 2, 6, { device: DEVICE }), 1, new nn.BatchNorm1d(3, { device: DEVICE }));
    expect(Object.keys(withBuffers.stateDict())).toContain('norm.running_mean');
  }));

  test("Transformer's xavier_uniform_ of every >1-dim parameter: in the bound, different per layer; biases kept", () => fl.scope(() => {
    fl.manualSeed(0);
    const m = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16, device: DEVICE });
    const sd = m.stateDict();
    const bound = (fanIn: number, fanOut: number) => Math.sqrt(6 / (fanIn + fanOut));
    for (const [k, p] of Object.entries(sd)) {
      if (p.ndim < 2) continue;
      const [fo, fi] = p.shape;
      const v = vals(p);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound(fi, fo) + 1e-7);
      // uniform on [-a, a]: variance a²/3 (within sampling error)
      const varr = v.reduce((s, x) => s + x * x, 0) / v.length;
      expect(Math.abs(varr / (bound(fi, fo) ** 2 / 3) - 1)).toBeLessThan(0.5);
      expect(k).toMatch(/weight/);
    }
    expect(vals(sd['encoder.layers.0.linear1.weight'])).not.toEqual(vals(sd['encoder.layers.1.linear1.weight']));
    expect(vals(sd['encoder.layers.0.self_attn.in_proj_bias']).every((x) => x === 0)).toBe(true);
    expect(vals(sd['encoder.layers.0.linear1.bias'])).toEqual(vals(sd['encoder.layers.1.linear1.bias']));  // copies of one Linear's bias, as torch
    expect(vals(sd['decoder.norm.weight']).every((x) => x === 1)).toBe(true);
  }));

  test('customEncoder / customDecoder are used (and re-initialised, as torch)', () => fl.scope(() => {
    class Enc extends nn.Module {
      proj = new nn.Linear(4, 4, { bias: false, device: DEVICE });
      calls: unknown[] = [];
      forward(src: fl.Tensor, o: object): fl.Tensor { this.calls.push(o); return this.proj.forward(src); }
    }
    const enc = new Enc();
    fl.noGrad(() => enc.proj.weight.fill_(100));
    const m = new nn.Transformer({ dModel: 4, nhead: 2, numDecoderLayers: 1, dimFeedforward: 6, customEncoder: enc, device: DEVICE });
    expect(m.encoder).toBe(enc);
    expect(Math.max(...vals(enc.proj.weight).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 8));
    expect(Object.keys(m.stateDict())[0]).toBe('encoder.proj.weight');
    const pad = fl.tensor([[false, true]], { device: DEVICE });
    const y = m.forward(fl.ones([2, 1, 4], { device: DEVICE }), fl.ones([3, 1, 4], { device: DEVICE }), { srcKeyPaddingMask: pad });
    expect(y.shape).toEqual([3, 1, 4]);
    expect(enc.calls).toEqual([{ mask: null, srcKeyPaddingMask: pad }]);
    const m2 = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, dimFeedforward: 6, customDecoder: new nn.Identity(), device: DEVICE });
    expect(m2.decoder).toBeInstanceOf(nn.Identity);
  }));

  test('activation: a function or a Module (a child, printed and copied), as torch 1.13', () => fl.scope(() => {
    const x = fl.randn([3, 2, 4], o64);
    const base = new nn.TransformerEncoderLayer(4, 2, 6, 0, { ...o64 });
    const withFn = new nn.TransformerEncoderLayer(4, 2, 6, 0, (t: fl.Tensor) => fl.gelu(t), { ...o64 });
    const withMod = new nn.TransformerEncoderLayer(4, 2, 6, 0, new nn.GELU(), { ...o64 });
    const gelu = new nn.TransformerEncoderLayer(4, 2, 6, 0, 'gelu', { ...o64 });
    for (const l of [withFn, withMod, gelu]) l.loadStateDict(base.stateDict());
    const want = vals(gelu.forward(x));
    expect(vals(withFn.forward(x))).toEqual(want);
    expect(vals(withMod.forward(x))).toEqual(want);
    expect(vals(base.forward(x))).not.toEqual(want);
    expect(withMod.toString()).toContain("(activation): GELU(approximate='none')");
    expect(withFn.toString()).not.toContain('activation');
    const stack = new nn.TransformerEncoder(withMod, 2);
    expect(stack.layers[1].activation).toBeInstanceOf(nn.GELU);
    expect(stack.layers[1].activation).not.toBe(withMod.activation);
    // torch 1.13's decoder copies run F.relu instead of a Module activation (its __setstate__; bench/FIDELITY.md): flintml keeps the Module
    const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(4, 2, 6, 0, new nn.Tanh(), { ...o64 }), 1);
    const relu = new nn.TransformerDecoderLayer(4, 2, 6, 0, { ...o64 }), tanh = new nn.TransformerDecoderLayer(4, 2, 6, 0, (t: fl.Tensor) => fl.tanh(t), { ...o64 });
    relu.loadStateDict(dec.layers[0].stateDict()); tanh.loadStateDict(dec.layers[0].stateDict());
    expect(vals(dec.forward(x, x))).toEqual(vals(tanh.forward(x, x)));
    expect(vals(dec.forward(x, x))).not.toEqual(vals(relu.forward(x, x)));
    expect(() => new nn.TransformerEncoderLayer(4, 2, 6, 0, 'tanh' as 'relu')).toThrow(/TransformerEncoderLayer: activation must be 'relu', 'gelu', a function or a Module instance, got 'tanh'/);
    expect(() => new nn.TransformerDecoderLayer(4, 2, 6, 0, nn.GELU as unknown as 'relu')).toThrow(fl.ValueError);
    const bad = new nn.TransformerDecoderLayer(4, 2, 6, 0, (() => 3) as unknown as 'relu', { ...o64 });
    expect(() => bad.forward(x, x)).toThrow(/TransformerDecoderLayer: the activation function must return a Tensor, got 3/);
  }));

  test('dropout is active in training mode only', () => fl.scope(() => {
    const m = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 6, dropout: 0.5, device: DEVICE });
    const s = fl.randn([3, 2, 4], { device: DEVICE }), t = fl.randn([2, 2, 4], { device: DEVICE });
    const a = vals(m.eval().forward(s, t));
    expect(vals(m.forward(s, t))).toEqual(a);
    expect(vals(m.train().forward(s, t))).not.toEqual(a);
  }));
});

describe('refusals are typed and name the op and the shapes', () => {
  test('constructors', () => fl.scope(() => {
    expect(() => new nn.Transformer({ dModel: 6, nhead: 4 })).toThrow(new fl.ValueError('Transformer: dModel (6) must be divisible by nhead (4)'));
    expect(() => new nn.TransformerDecoderLayer(6, 4)).toThrow(/divisible/);
    expect(() => new nn.Transformer({ dModel: 0 })).toThrow(/Transformer: dModel must be an integer >= 1, got 0/);
    expect(() => new nn.TransformerEncoder({} as fl.nn.Module, 2)).toThrow(/TransformerEncoder: encoderLayer must be an nn.Module/);
    expect(() => new nn.TransformerDecoder(new nn.Identity(), -1)).toThrow(/TransformerDecoder: numLayers must be an integer >= 0 and <= 2147483647, got -1/);
    expect(() => new nn.TransformerDecoder(new nn.Identity(), 1, 'layernorm' as unknown as null)).toThrow(/TransformerDecoder: norm must be an nn.Module, got 'layernorm'/);
    expect(() => new nn.Transformer({ customEncoder: 3 as unknown as fl.nn.Module })).toThrow(fl.ValueError);
    expect(() => new (nn.TransformerEncoder as any)(new nn.Identity(), 1, null, true, true, 1)).toThrow(/TransformerEncoder: takes 5 positional arguments/);
  }));

  test('forward inputs and masks', () => fl.scope(() => {
    const m = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 6, device: DEVICE });
    const s = fl.randn([3, 2, 4], { device: DEVICE });
    expect(() => m.forward(s, fl.randn([2, 3, 4], { device: DEVICE }))).toThrow(new fl.ShapeError('Transformer: the batch number of src and tgt must be equal, got src [3, 2, 4] and tgt [2, 3, 4]'));
    expect(() => m.forward(s, fl.randn([2, 2, 5], { device: DEVICE }))).toThrow(/Transformer: the feature number of src and tgt must be equal to dModel \(4\), got src \[3, 2, 4\] and tgt \[2, 2, 5\]/);
    expect(() => m.forward(s, fl.randn([2, 2, 4], { device: DEVICE }), { tgtMask: fl.zeros([3, 3], { device: DEVICE }) })).toThrow(/MultiheadAttention: attnMask must have shape \[2, 2\] or \[4, 2, 2\], got \[3, 3\]/);
    expect(() => m.forward(s, fl.randn([2, 2, 4], { device: DEVICE }), { memoryKeyPaddingMask: fl.zeros([2, 2], { dtype: 'bool', device: DEVICE }) })).toThrow(fl.ShapeError);
    expect(() => m.forward(s, fl.randn([2, 2, 4], { device: DEVICE }), { tgtMaks: null } as any)).toThrow(/Transformer.forward: unknown option 'tgtMaks' \(did you mean 'tgtMask'\?\)/);
    const d = new nn.TransformerDecoderLayer(4, 2, 6, { device: DEVICE });
    expect(() => d.forward(fl.randn([2, 2, 4], { device: DEVICE }), fl.randn([3, 4], { device: DEVICE }))).toThrow(/TransformerDecoderLayer: expected memory with 3 dims and 4 features like tgt \[2, 2, 4\], got \[3, 4\]/);
    expect(() => d.forward(fl.randn([2, 2, 4], { device: DEVICE }), fl.randn([3, 3, 4], { device: DEVICE }))).toThrow(/TransformerDecoderLayer: tgt \[2, 2, 4\] and memory \[3, 3, 4\] have different batch sizes/);
    expect(() => d.forward(fl.randn([2, 2, 3], { device: DEVICE }), s)).toThrow(/TransformerDecoderLayer: expected tgt of shape \[T, N, 4\]/);
    expect(() => d.forward(s, 'memory' as unknown as fl.Tensor)).toThrow(fl.ValueError);
    const e = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, 6, { device: DEVICE }), 1);
    expect(() => e.forward(s, { srcKeyPaddingMask: fl.zeros([2, 3], { dtype: 'int32', device: DEVICE }) })).toThrow(new fl.DTypeError('TransformerEncoder: only bool and floating types of srcKeyPaddingMask are supported, got int32'));
    expect(() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, 6), 0).forward(s)).toThrow(fl.IndexError);
    // torch's empty decoder stack is the identity (then the norm)
    expect(vals(new nn.TransformerDecoder(new nn.Identity(), 0).forward(s, s))).toEqual(vals(s));
  }));
});
