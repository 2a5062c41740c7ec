/**
 * @jest-environment ./test/onnx-environment.js
 */
// onnx.test.ts — fl.onnx.export: models exported here run in onnxruntime-node (an independent
// implementation of every ONNX operator, on its CPU execution provider) and must give flintml's own
// outputs within 1e-5 (float32), at the traced batch size and at another one (dynamic batch).
// A forward pass that uses an op without an ONNX mapping must fail naming that op.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { decodeModel } from '../lib/onnx/proto';
import { DEVICE } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ort = require('onnxruntime-node') as {
  InferenceSession: { create(p: string): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, { data: ArrayLike<number>; dims: readonly number[] }>> }> };
  Tensor: new (type: string, data: ArrayLike<number>, dims: readonly number[]) => unknown;
};
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { GPT } = require('../examples/gpt')(fl);

const { nn } = fl;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-onnx-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function ortTensor(t: fl.Tensor): unknown {
  const data = fl.scope(() => t.to('cpu').dataSync());
  return new ort.Tensor(t.dtype === 'int32' ? 'int32' : 'float32', data, t.shape);
}

/** Runs the exported file on `inputs` and compares every output with the model's own, within 1e-5. */
async function expectSame(file: string, model: fl.nn.Module, inputs: fl.Tensor[], names: string[], outNames: string[]): Promise<void> {
  const session = await ort.InferenceSession.create(file);
  const feeds: Record<string, unknown> = {};
  inputs.forEach((t, i) => { feeds[names[i]] = ortTensor(t); });
  const got = await session.run(feeds);
  fl.scope(() => {
    const flat = (r: unknown): fl.Tensor[] => (r instanceof fl.Tensor ? [r] : (r as unknown[]).flatMap(flat));
    const want = fl.noGrad(() => flat(model.forward(...inputs)));
    expect(want.length).toBe(outNames.length);
    want.forEach((w, i) => {
      const g = got[outNames[i]];
      expect(Array.from(g.dims)).toEqual(w.shape);
      const ref = w.to('cpu').dataSync();
      let maxDiff = 0;
      for (let j = 0; j < ref.length; j++) maxDiff = Math.max(maxDiff, Math.abs(g.data[j] - ref[j]) / Math.max(1, Math.abs(ref[j])));
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
    });
  });
}

const randn = (shape: number[]) => fl.randn(shape, { device: DEVICE });

describe('fl.onnx.export', () => {
  beforeEach(() => fl.manualSeed(7));

  test('an MLP (Linear, ReLU, LayerNorm, GELU, softmax) matches at batch 2 and 5; parameters are initializers', async () => {
    const model = new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.LayerNorm(16), new nn.Linear(16, 16), new nn.GELU(), new nn.Linear(16, 4), new nn.Softmax(-1)).to(DEVICE);
    const file = path.join(tmp, 'mlp.onnx');
    const x2 = randn([2, 6]);
    fl.onnx.export(model, [x2], file, { inputNames: ['x'], outputNames: ['probs'], dynamicAxes: { x: { 0: 'batch' } } });
    expect(model.training).toBe(true);  // the exporter's eval() is undone
    model.eval();
    await expectSame(file, model, [x2], ['x'], ['probs']);
    const x5 = randn([5, 6]);
    await expectSame(file, model, [x5], ['x'], ['probs']);
    const m = decodeModel(fs.readFileSync(file)) as { opsetImport: { version: number }[]; graph: { initializer: { name: string }[]; node: { opType: string }[]; input: { type: { tensorType: { shape: { dim: { dimParam?: string }[] } } } }[] } };
    expect(m.opsetImport[0].version).toBe(18);
    expect(m.graph.initializer.map((i) => i.name)).toEqual(expect.arrayContaining(['0.weight', '0.bias', '2.weight', '2.bias', '5.weight']));
    expect(m.graph.node.map((n) => n.opType)).toEqual(expect.arrayContaining(['Gemm', 'Relu', 'LayerNormalization', 'Softmax']));
    expect(m.graph.input[0].type.tensorType.shape.dim[0].dimParam).toBe('batch');
    model.dispose(); x2.dispose(); x5.dispose();
  });

  test('a CNN (Conv2d, BatchNorm2d, pooling, flatten) matches at batch 2 and 3', async () => {
    const model = new nn.Sequential(
      new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 8, 3, { stride: 2 }), new nn.SiLU(), new nn.AvgPool2d(2, { stride: 1 }), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 5),
    ).to(DEVICE);
    // running statistics that are not the identity, so BatchNormalization is really checked
    fl.noGrad(() => fl.scope(() => { for (let i = 0; i < 3; i++) model.forward(randn([4, 3, 12, 12]).mul(2).add(1)); }));
    model.eval();
    const file = path.join(tmp, 'cnn.onnx');
    const x2 = randn([2, 3, 12, 12]);
    fl.onnx.export(model, x2, file, { dynamicAxes: { input_0: [0] } });
    await expectSame(file, model, [x2], ['input_0'], ['output_0']);
    const x3 = randn([3, 3, 12, 12]);
    await expectSame(file, model, [x3], ['input_0'], ['output_0']);
    model.dispose(); x2.dispose(); x3.dispose();
  });

  test('an LSTM (time loop unrolled for the traced sequence length) matches, with a dynamic batch', async () => {
    class Tagger extends nn.Module {
      lstm = new nn.LSTM(5, 7, { numLayers: 2, batchFirst: true });
      head = new nn.Linear(7, 3);
      forward(x: fl.Tensor): fl.Tensor[] {
        const [y, [h, c]] = this.lstm.forward(x);
        return [this.head.forward(y), h, c];
      }
    }
    const model = new Tagger().to(DEVICE);
    model.eval();
    const file = path.join(tmp, 'lstm.onnx');
    const x2 = randn([2, 4, 5]);
    fl.onnx.export(model, [x2], file, { inputNames: ['x'], outputNames: ['y', 'h', 'c'], dynamicAxes: { x: { 0: 'batch' } } });
    await expectSame(file, model, [x2], ['x'], ['y', 'h', 'c']);
    const x5 = randn([5, 4, 5]);
    await expectSame(file, model, [x5], ['x'], ['y', 'h', 'c']);
    model.dispose(); x2.dispose(); x5.dispose();
  });

  test('a bidirectional GRU (its fused cell lowered to ONNX ops per step) and a relu RNN match, with a dynamic batch', async () => {
    class Encoder extends nn.Module {
      gru = new nn.GRU(5, 6, { bidirectional: true });
      rnn = new nn.RNN(12, 4, { nonlinearity: 'relu' });
      forward(x: fl.Tensor): fl.Tensor[] {
        const [y, h] = this.gru.forward(x);
        const [z] = this.rnn.forward(y);
        return [z, h];
      }
    }
    const model = new Encoder().to(DEVICE);
    model.eval();
    const file = path.join(tmp, 'gru.onnx');
    const x2 = randn([4, 2, 5]);
    fl.onnx.export(model, [x2], file, { inputNames: ['x'], outputNames: ['y', 'h'], dynamicAxes: { x: { 1: 'batch' } } });
    await expectSame(file, model, [x2], ['x'], ['y', 'h']);
    const x3 = randn([4, 3, 5]);
    await expectSame(file, model, [x3], ['x'], ['y', 'h']);
    model.dispose(); x2.dispose(); x3.dispose();
  });

  test('the GPT of examples/gpt.js (embeddings, causal attention, reshapes by batch) matches at batch 2 and 5', async () => {
    const model = new GPT(11, 16, 2, 2, 8).to(DEVICE) as fl.nn.Module;
    model.eval();
    const ids = (b: number) => fl.scope(() => fl.randint(0, 11, [b, 6], { device: DEVICE }));
    const file = path.join(tmp, 'gpt.onnx');
    const i2 = ids(2);
    fl.onnx.export(model, [i2], file, { inputNames: ['ids'], outputNames: ['logits'], dynamicAxes: { ids: { 0: 'batch' }, logits: { 0: 'batch' } } });
    await expectSame(file, model, [i2], ['ids'], ['logits']);
    const i5 = ids(5);
    await expectSame(file, model, [i5], ['ids'], ['logits']);
    model.dispose(); i2.dispose(); i5.dispose();
  });

  test('a Llama block (RMSNorm, rotary embedding and grouped-query attention as primitives, SwiGLU, causal SDPA) matches at batch 2 and 4', async () => {
    // written here from the Llama architecture (transformers' LlamaDecoderLayer), independent of lib/models
    class LlamaBlock extends nn.Module {
      heads = 4; kvHeads = 2; hd = 8;
      inNorm = new nn.RMSNorm(32, { eps: 1e-6 }); postNorm = new nn.RMSNorm(32, { eps: 1e-6 });
      q = new nn.Linear(32, 32, false); k = new nn.Linear(32, 16, false); v = new nn.Linear(32, 16, false); o = new nn.Linear(32, 32, false);
      gate = new nn.Linear(32, 64, false); up = new nn.Linear(32, 64, false); down = new nn.Linear(64, 32, false);
      constructor() {
        super();
        // rotary tables [context, hd]: the angle pos·θ^(-2i/hd), repeated for the two halves
        const inv = Array.from({ length: this.hd / 2 }, (_, i) => 10000 ** (-2 * i / this.hd));
        const ang = Array.from({ length: 16 }, (_, p) => [...inv, ...inv].map((f) => p * f));
        this.registerBuffer('cos', fl.tensor(ang.map((r) => r.map(Math.cos))), false);
        this.registerBuffer('sin', fl.tensor(ang.map((r) => r.map(Math.sin))), false);
      }
      rope(x: fl.Tensor, T: number): fl.Tensor {
        const h = this.hd / 2;
        const rotated = fl.cat([x.narrow(-1, h, h).neg(), x.narrow(-1, 0, h)], -1);
        const cos = (this as any).cos.narrow(0, 0, T), sin = (this as any).sin.narrow(0, 0, T);
        return x.mul(cos).add(rotated.mul(sin));
      }
      forward(x: fl.Tensor): fl.Tensor {
        const [B, T] = x.shape;
        const h = this.inNorm.forward(x);
        const q = this.rope(this.q.forward(h).view(B, T, this.heads, this.hd).transpose(1, 2), T);
        const rep = this.heads / this.kvHeads;
        const kv = (t: fl.Tensor) => t.view(B, T, this.kvHeads, this.hd).transpose(1, 2).unsqueeze(2).expand(B, this.kvHeads, rep, T, this.hd).reshape(B, this.heads, T, this.hd);
        const k = this.rope(kv(this.k.forward(h)), T), v = kv(this.v.forward(h));
        const att = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true });
        const x1 = x.add(this.o.forward(att.transpose(1, 2).reshape(B, T, this.heads * this.hd)));
        const m = this.postNorm.forward(x1);
        return x1.add(this.down.forward(fl.silu(this.gate.forward(m)).mul(this.up.forward(m))));
      }
    }
    const model = new LlamaBlock().to(DEVICE);
    model.eval();
    const file = path.join(tmp, 'llama-block.onnx');
    const x2 = randn([2, 5, 32]);
    fl.onnx.export(model, [x2], file, { inputNames: ['h'], outputNames: ['out'], dynamicAxes: { h: { 0: 'batch' } } });
    await expectSame(file, model, [x2], ['h'], ['out']);
    const x4 = randn([4, 5, 32]);
    await expectSame(file, model, [x4], ['h'], ['out']);
    model.dispose(); x2.dispose(); x4.dispose();
  });

  test.each([
    ['Llama', { model_type: 'llama', vocab_size: 40, hidden_size: 32, intermediate_size: 48, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 32 }],
    ['GPT2', { model_type: 'gpt2', vocab_size: 40, n_embd: 32, n_layer: 2, n_head: 4, n_positions: 32 }],
  ] as const)('fl.models.%s (random weights) matches at batch 2 and 3', async (name, config) => {
    const model = new fl.models[name]({ ...config }, { device: DEVICE }) as unknown as fl.nn.Module;
    model.eval();
    const ids = (b: number) => fl.scope(() => fl.randint(0, 40, [b, 7], { device: DEVICE }));
    const file = path.join(tmp, `${name}.onnx`);
    const i2 = ids(2);
    fl.onnx.export(model, [i2], file, { inputNames: ['input_ids'], outputNames: ['logits'], dynamicAxes: { input_ids: { 0: 'batch' } } });
    await expectSame(file, model, [i2], ['input_ids'], ['logits']);
    const i3 = ids(3);
    await expectSame(file, model, [i3], ['input_ids'], ['logits']);
    model.dispose(); i2.dispose(); i3.dispose();
  });

  test('MultiheadAttention (with a key padding mask), GroupNorm and chunk match', async () => {
    class Mixer extends nn.Module {
      mha = new nn.MultiheadAttention(12, 3, { batchFirst: true });
      norm = new nn.GroupNorm(3, 12);
      forward(x: fl.Tensor, pad: fl.Tensor): fl.Tensor {
        const [y] = this.mha.forward(x, x, x, { keyPaddingMask: pad.gt(0.5) });
        const [a, b] = y.chunk(2, -1);
        return this.norm.forward(fl.cat([b, a], -1).transpose(1, 2)).softmax(1);
      }
    }
    const model = new Mixer().to(DEVICE);
    model.eval();
    const file = path.join(tmp, 'mixer.onnx');
    const pad = (b: number) => fl.scope(() => fl.cat([fl.zeros([b, 5], { device: DEVICE }), fl.ones([b, 1], { device: DEVICE })], 1));
    const x2 = randn([2, 6, 12]), p2 = pad(2);
    fl.onnx.export(model, [x2, p2], file, { inputNames: ['x', 'pad'], dynamicAxes: { x: { 0: 'batch' }, pad: { 0: 'batch' } } });
    await expectSame(file, model, [x2, p2], ['x', 'pad'], ['output_0']);
    const x3 = randn([3, 6, 12]), p3 = pad(3);
    await expectSame(file, model, [x3, p3], ['x', 'pad'], ['output_0']);
    model.dispose(); x2.dispose(); p2.dispose(); x3.dispose(); p3.dispose();
  });

  test('reductions, arg-reductions, casts, where, clamp, indexing, cumsum, constants and in-place ops match', async () => {
    class Mixed extends nn.Module {
      fc = new nn.Linear(6, 6);
      forward(x: fl.Tensor): fl.Tensor[] {
        const h = this.fc.forward(x);
        h.add_(1);                                              // in place: exported as its out-of-place form
        const shift = fl.tensor([0.5, -1, 2, 0, 1, -0.25], { device: x.device });     // a constant made in the forward pass
        const y = fl.where(h.gt(0), h.mul(shift), h.clamp(-0.5, 0.5)).exp().log1p();
        const idx = fl.argmax(y, 1).to('float32');
        const { values } = fl.max(y, 1, true);
        return [
          fl.sum(y, 1), fl.mean(y, [0, 1], true), fl.amin(y, 0), fl.prod(y.sigmoid(), 1), fl.var(y, 1), fl.std(y, 0, { correction: 0 }),
          fl.logsumexp(y, 1), idx, values, y.index(':', '1::2'), y.select(1, -1), fl.cumsum(y, 1), y.to('float64').mul(1 / 3).to('float32'),
          fl.logSoftmax(y, 0), fl.zerosLike(y).add(fl.arange(6, { device: x.device }).to('float32')), y.square().rsqrt().abs().sqrt(),
        ];
      }
    }
    const model = new Mixed().to(DEVICE);
    const file = path.join(tmp, 'mixed.onnx');
    const x2 = randn([2, 6]);
    fl.onnx.export(model, [x2], file, { inputNames: ['x'], dynamicAxes: { x: { 0: 'batch' } } });
    const outs = Array.from({ length: 16 }, (_, i) => `output_${i}`);
    await expectSame(file, model, [x2], ['x'], outs);
    const x4 = randn([4, 6]);
    await expectSame(file, model, [x4], ['x'], outs);
    // opset 17: the reductions take their axes as attributes
    fl.onnx.export(model, [x2], file, { inputNames: ['x'], dynamicAxes: { x: { 0: 'batch' } }, opset: 17 });
    expect((decodeModel(fs.readFileSync(file)) as { opsetImport: { version: number }[] }).opsetImport[0].version).toBe(17);
    await expectSame(file, model, [x4], ['x'], outs);
    model.dispose(); x2.dispose(); x4.dispose();
  });

  test('a forward pass using an op without an ONNX mapping fails naming the op', () => {
    class Noisy extends nn.Module {
      fc = new nn.Linear(3, 3);
      forward(x: fl.Tensor): fl.Tensor { return this.fc.forward(x).add(fl.randn([3], { device: x.device })); }
    }
    const model = new Noisy().to(DEVICE);
    const x = randn([2, 3]);
    const file = path.join(tmp, 'bad.onnx');
    expect(() => fl.onnx.export(model, [x], file)).toThrow(fl.OnnxExportError);
    expect(() => fl.onnx.export(model, [x], file)).toThrow(/'randn' has no ONNX mapping/);
    expect(fs.existsSync(file)).toBe(false);
    // a tensor made from JavaScript numbers that follow the batch size cannot follow a dynamic batch
    class Counted extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return x.add(fl.tensor(new Array<number>(x.shape[0]).fill(1), { device: x.device }).unsqueeze(1)); } }
    expect(() => fl.onnx.export(new Counted(), [x], file, { dynamicAxes: { input_0: [0] } })).toThrow(/dynamic axis 'input_0_dim0'.*changes shape/);
    // a view of the input made without any op (as an unmapped view op would) is never taken for a constant
    class RawView extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return x._view([3, 2], [1, 3], 0).sum(1); } }
    expect(() => fl.onnx.export(new RawView(), [x], file)).toThrow(/shape \[3, 2\].*no ONNX mapping/);
    // a value read to the host would be baked into the graph
    class HostRead extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return x.mul(x.sum().item()); } }
    expect(() => fl.onnx.export(new HostRead(), [x], file)).toThrow(/reads the values of a tensor of shape \[\] that depends on the inputs/);
    // an op whose mapping refuses it (polygamma has no ONNX operator) is named too
    class Trigamma extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return fl.polygamma(1, x.abs().add(1)); } }
    expect(() => fl.onnx.export(new Trigamma(), [x], file)).toThrow(/polygamma has no ONNX mapping/);
    model.dispose(); x.dispose();
  });

  test('bad arguments are refused with typed errors', () => {
    const model = new nn.Linear(2, 2);
    const x = fl.ones([1, 2]);
    expect(() => fl.onnx.export(model, [], path.join(tmp, 'e.onnx'))).toThrow(fl.ValueError);
    expect(() => fl.onnx.export(model, [x], path.join(tmp, 'e.onnx'), { inputNames: ['a', 'b'] })).toThrow(/inputNames has 2 names/);
    expect(() => fl.onnx.export(model, [x], path.join(tmp, 'e.onnx'), { opset: 12 })).toThrow(fl.ValueError);
    expect(() => fl.onnx.export(model, [x], path.join(tmp, 'e.onnx'), { dynamicAxes: { nope: [0] } })).toThrow(/neither an input/);
    expect(() => fl.onnx.export(model, [x], path.join(tmp, 'no', 'such', 'dir.onnx'))).toThrow(fl.FileError);
    model.dispose(); x.dispose();
  });
});
