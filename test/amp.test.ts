// amp.test.ts — autocast (matmuls in low precision, gradients back to float32 leaves),
// GradScaler (scaling, unscaling, skipping inf/NaN steps, growth and backoff), checkpoint
// (recomputed gradients equal the direct ones; intermediate tensors are not kept).
import * as fl from '../lib';
import { DEVICE, expectClose, randomArray } from './helpers';

const f64 = { dtype: 'float64' as const, device: DEVICE };

describe('autocast', () => {
  test('matmul runs in the autocast dtype and gradients reach float32 leaves', () => {
    fl.scope(() => {
      const a = fl.tensor(randomArray(32, 1), { device: DEVICE }).reshape(4, 8).requiresGrad_();
      const b = fl.tensor(randomArray(24, 2), { device: DEVICE }).reshape(8, 3).requiresGrad_();
      for (const dt of ['bfloat16', 'float16'] as const) {
        const y = fl.autocast(dt, () => fl.matmul(a, b));
        expect(y.dtype).toBe(dt);
        const ref = fl.noGrad(() => fl.matmul(a, b));
        expectClose(y.to('float32'), Array.from(ref.dataSync()), dt, 8);
        y.backward(fl.onesLike(y));
        expect(a.grad!.dtype).toBe('float32');
        // d(sum(a@b))/da = ones @ b^T: compare with the float32 computation at the dtype's tolerance
        const ga = fl.noGrad(() => fl.matmul(fl.ones([4, 3], { device: DEVICE }), b.T));
        expectClose(a.grad!, Array.from(ga.dataSync()), dt, 8);
        a.grad!.dispose(); a.grad = null; b.grad!.dispose(); b.grad = null;
      }
      // outside autocast nothing changes
      expect(fl.matmul(a, b).dtype).toBe('float32');
      expect(() => fl.autocast('float64' as any, () => 1)).toThrow(fl.ValueError);
    });
  });
});

describe('autocast training', () => {
  test('the same MLP trained in float32 and under bfloat16 autocast: the losses track', () => {
    const run = (low: boolean): number[] => {
      fl.manualSeed(7);
      const model = new fl.nn.Sequential(new fl.nn.Linear(20, 64, { device: DEVICE }), new fl.nn.ReLU(), new fl.nn.Linear(64, 5, { device: DEVICE }));
      const x = fl.randn([64, 20], { device: DEVICE });
      const y = fl.randint(0, 5, [64], { device: DEVICE });
      const opt = new fl.optim.AdamW(model.parameters(), { lr: 1e-2 });
      const losses: number[] = [];
      for (let i = 0; i < 30; i++) {
        losses.push(fl.scope(() => {
          opt.zeroGrad();
          const fwd = () => fl.nn.functional.crossEntropy(model.forward(x), y);
          const loss = low ? fl.autocast('bfloat16', fwd) : fwd();
          expect(loss.dtype).toBe('float32');  // losses are on the float32 list
          loss.backward();
          opt.step();
          return loss.item();
        }));
      }
      for (const p of model.parameters()) expect(p.dtype).toBe('float32');
      opt.dispose(); model.dispose(); x.dispose(); y.dispose();
      return losses;
    };
    const f32 = run(false), bf16 = run(true);
    expect(f32[29]).toBeLessThan(f32[0] * 0.5);
    expect(bf16[29]).toBeLessThan(bf16[0] * 0.5);
    // bfloat16 has 8 bits of mantissa: the curves agree to a few percent
    f32.forEach((l, i) => expect(Math.abs(bf16[i] - l) / l).toBeLessThan(0.05));
  });

  // torch.autocast casts every floating input of linear, the bias too: the output is in the low
  // dtype (a float32 bias once promoted it back to float32, doubling every Linear's activation)
  test.each(['bfloat16', 'float16'] as const)('nn.Linear under %s autocast gives its dtype, its parameters float32 gradients', (dt) => {
    fl.scope(() => {
      const lin = new fl.nn.Linear(8, 6, { device: DEVICE });
      const x = fl.randn([5, 8], { device: DEVICE }).requiresGrad_();
      const y = fl.autocast(dt, () => lin.forward(x));
      expect(y.dtype).toBe(dt);
      const ref = fl.noGrad(() => lin.forward(x));
      expectClose(y.to('float32'), Array.from(ref.dataSync()), dt, 8);
      y.to('float32').sum().backward();
      expect([lin.weight.grad!.dtype, lin.bias!.grad!.dtype, x.grad!.dtype]).toEqual(['float32', 'float32', 'float32']);
      expectClose(lin.bias!.grad!, new Array(6).fill(5), dt);
      lin.dispose();
    });
  });

  // The convolutions are on torch.autocast's lower-precision list too (every floating input cast,
  // the bias included); they once ran their GEMM in the low dtype and added a float32 bias after it,
  // giving float32. And the Hugging Face GPT-2's Conv1D (a Linear with the weight [in, out]).
  test.each(['bfloat16', 'float16'] as const)('conv1d/conv2d/convTranspose2d and GPT-2\'s Conv1D under %s autocast give its dtype, float32 gradients', (dt) => {
    fl.scope(() => {
      const x = fl.randn([2, 3, 7, 6], { device: DEVICE }).requiresGrad_();
      const layers: [fl.nn.Module & { weight: fl.Tensor; bias: fl.Tensor | null }, fl.Tensor][] = [
        [new fl.nn.Conv2d(3, 4, 3, { padding: 1, device: DEVICE }), x],
        [new fl.nn.ConvTranspose2d(3, 4, 3, { stride: 2, device: DEVICE }), x],
        [new fl.nn.Conv1d(3, 5, 3, { device: DEVICE }), fl.randn([2, 3, 9], { device: DEVICE })],
      ];
      const gpt2 = new fl.models.GPT2({ vocab_size: 16, n_positions: 8, n_embd: 8, n_layer: 1, n_head: 2 }, { device: DEVICE });
      const conv1D = gpt2.transformer.h[0].attn.c_attn as unknown as fl.nn.Module & { weight: fl.Tensor; bias: fl.Tensor | null };
      layers.push([conv1D, fl.randn([2, 4, 8], { device: DEVICE })]);
      for (const [layer, input] of layers) {
        const f = (): fl.Tensor => (layer as unknown as { forward: (t: fl.Tensor) => fl.Tensor }).forward(input);
        const y = fl.autocast(dt, f);
        expect({ layer: layer.constructor.name, dtype: y.dtype }).toEqual({ layer: layer.constructor.name, dtype: dt });
        const ref = fl.noGrad(f);
        expectClose(y.to('float32'), Array.from(ref.dataSync()), dt, 16);
        y.to('float32').sum().backward();
        expect([layer.weight.grad!.dtype, layer.bias!.grad!.dtype]).toEqual(['float32', 'float32']);
      }
      expect(x.grad!.dtype).toBe('float32');
      layers.forEach(([l]) => { if (l !== conv1D) l.dispose(); });
      gpt2.dispose();
    });
  });

  // torch.autocast runs an RNN in the low dtype (cuDNN's RNN, lstm_cell and gru_cell are on its
  // lower-precision list): output and states in that dtype, float32 gradients for the parameters.
  // nn.LSTM used to throw here (its cell got a float32 state beside low-precision gate inputs).
  // The cells (LSTMCell, GRUCell, RNNCell) likewise.
  test.each(['bfloat16', 'float16'] as const)('nn.LSTM, nn.GRU, nn.RNN and the cells under %s autocast run in its dtype, float32 gradients', (dt) => {
    fl.scope(() => {
      const layers = [new fl.nn.LSTM(3, 5, { numLayers: 2, device: DEVICE }), new fl.nn.GRU(3, 5, { bidirectional: true, device: DEVICE }), new fl.nn.RNN(3, 5, { device: DEVICE })];
      const cells = [new fl.nn.LSTMCell(3, 5, { device: DEVICE }), new fl.nn.GRUCell(3, 5, { device: DEVICE }), new fl.nn.RNNCell(3, 5, { device: DEVICE })];
      for (const m of [...layers, ...cells]) {
        const x = fl.randn(cells.includes(m as never) ? [2, 3] : [4, 2, 3], { device: DEVICE }).requiresGrad_();
        // [output, state or [h, c]] for a layer, h or [h, c] for a cell: every tensor it returns
        const f = (): fl.Tensor[] => [(m as unknown as { forward: (t: fl.Tensor) => unknown }).forward(x)].flat(2) as fl.Tensor[];
        const outs = fl.autocast(dt, f);
        expect({ layer: m.constructor.name, dtypes: outs.map((o) => o.dtype) }).toEqual({ layer: m.constructor.name, dtypes: outs.map(() => dt) });
        const ref = fl.noGrad(f);
        // a few steps of low-precision recurrence: 16x the dtype's tolerance
        outs.forEach((o, i) => expectClose(o.to('float32'), Array.from(ref[i].dataSync()), dt, 16));
        outs[0].to('float32').sum().backward();
        expect(m.parameters().map((p) => p.grad?.dtype)).toEqual(m.parameters().map(() => 'float32'));
        expect(x.grad!.dtype).toBe('float32');
        m.zeroGrad();
        m.dispose();
      }
    });
  });

  test('float32-list ops compute low-precision inputs in float32', () => {
    fl.scope(() => {
      const x = fl.randn([4, 8], { device: DEVICE }).to('bfloat16');
      expect(fl.autocast('bfloat16', () => fl.softmax(x, -1)).dtype).toBe('float32');
      expect(fl.softmax(x, -1).dtype).toBe('bfloat16');
      expect(fl.autocast('bfloat16', () => fl.nn.functional.layerNorm(x, 8)).dtype).toBe('float32');
    });
  });
});

describe('GradScaler', () => {
  function fakeOpt(params: fl.Tensor[]) {
    return { paramGroups: [{ params }], steps: 0, step() { this.steps++; } };
  }
  test('scales the loss, unscales gradients, and skips steps with inf', () => {
    fl.scope(() => {
      const w = fl.tensor([1, 2, 3], { dtype: 'float32', device: DEVICE }).requiresGrad_();
      const opt = fakeOpt([w]);
      const s = new fl.amp.GradScaler({ initScale: 1024, growthInterval: 2 });
      const loss = fl.sum(w.mul(w));
      s.scale(loss).backward();
      expect(Array.from(w.grad!.dataSync())).toEqual([2048, 4096, 6144]);
      expect(s.step(opt)).toBe(true);
      expect(Array.from(w.grad!.dataSync())).toEqual([2, 4, 6]);
      s.update();
      expect(s.getScale()).toBe(1024);
      w.grad!.fill_(Infinity);
      expect(s.step(opt)).toBe(false);
      expect(opt.steps).toBe(1);
      s.update();
      expect(s.getScale()).toBe(512);
      w.grad!.fill_(1);
      s.step(opt); s.update();
      s.step(opt); s.update();
      expect(s.getScale()).toBe(1024);
      expect(() => new fl.amp.GradScaler({ backoffFactor: 2 })).toThrow(fl.ValueError);
    });
  });
});

describe('checkpoint', () => {
  test('recomputed gradients equal direct gradients, for inputs and closed-over parameters', () => {
    fl.scope(() => {
      const x = fl.tensor(randomArray(6, 3), f64).reshape(2, 3).requiresGrad_();
      const w = fl.tensor(randomArray(12, 4), f64).reshape(3, 4).requiresGrad_();
      const f = (t: fl.Tensor) => fl.tanh(fl.matmul(t, w)).mul(t.sum(-1, true));
      const direct = f(x);
      direct.backward(fl.onesLike(direct));
      const gx = Array.from(x.grad!.dataSync()), gw = Array.from(w.grad!.dataSync());
      x.grad!.dispose(); x.grad = null; w.grad!.dispose(); w.grad = null;
      const live = fl.memory.stats().liveTensors;
      const y = fl.checkpoint(f, x);
      // only the output is kept (plus the node's saved input view)
      expect(fl.memory.stats().liveTensors - live).toBeLessThanOrEqual(2);
      expectClose(y, Array.from(direct.dataSync()), 'float64');
      y.backward(fl.onesLike(y));
      expectClose(x.grad!, gx, 'float64');
      expectClose(w.grad!, gw, 'float64');
    });
  });
});
