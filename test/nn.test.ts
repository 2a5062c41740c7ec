// nn.test.ts — layers, norms, containers and init against PyTorch golden values
// (test/golden/nn.json from scripts/golden/nn.py: the weights PyTorch drew are loaded into our
// modules, float64, forward and gradients within 1e-10 relative), plus init distributions
// (sample moments and bounds with fixed seeds), printing, state dicts and bad input.
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, expectClose, rng } from './helpers';
import { call, opId } from '../lib/native';

const { nn } = fl;
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden/nn.json'), 'utf8'));
const C = golden.cases;
const num = (a: (number | string)[]): number[] => a.map((v) => (v === 'NaN' ? NaN : (v as number)));
const F64 = { dtype: 'float64' as const, device: DEVICE };

/** The golden script's inputs: X(shape, k) = sin(i·0.37 + k)·scale, G(shape) = cos(i·0.61). */
function Xdata(shape: number[], k = 0, scale = 1.5): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k) * scale);
}
function Gdata(shape: number[]): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.cos(i * 0.61));
}
function t64(data: number[], shape: number[]): fl.Tensor { return fl.tensor(data, F64).reshape(shape); }

type StateJSON = Record<string, { shape: number[]; data: number[] }>;
function loadState(m: fl.nn.Module, st: StateJSON): void {
  fl.scope(() => {
    const d: Record<string, fl.Tensor> = {};
    for (const [k, v] of Object.entries(st)) {
      d[k] = fl.tensor(v.data, { dtype: k.endsWith('num_batches_tracked') ? 'int32' : 'float64', device: DEVICE }).reshape(v.shape);
    }
    m.loadStateDict(d);
  });
}

/** Forward + backward of (out·G).sum(), compared with a golden run record. */
// gradScale loosens the input-gradient tolerance: leakyRelu's backward builds its slope with
// where(…, 1, slope), which is float32 for two scalars, so a float64 slope of 0.2 is rounded
// (lib/ops/elementwise.ts; reported) — the forward stays exact.
function checkRun(m: fl.nn.Module, xData: number[], xShape: number[], ref: any, gradScale = 1): void {
  fl.scope(() => {
    const x = t64(xData, xShape).requiresGrad_();
    const y = m.forward(x);
    expect(y.shape).toEqual(ref.out_shape);
    expectClose(y, ref.out);
    y.mul(t64(Gdata(y.shape), y.shape)).sum().backward();
    expectClose(x.grad!, ref.x_grad, 'float64', gradScale);
    const params = Object.fromEntries(m.namedParameters());
    expect(Object.keys(params).sort()).toEqual(Object.keys(ref.grads).sort());
    for (const [k, g] of Object.entries(ref.grads)) expectClose(params[k].grad!, g as number[]);
  });
  m.zeroGrad();
}

describe('Linear', () => {
  test.each([['linear', 0], ['linear_3d', 1]])('%s matches PyTorch forward and gradients', (name, k) => {
    const c = C[name];
    const m = new nn.Linear(4, 3, { dtype: 'float64', device: DEVICE });
    loadState(m, c.state);
    checkRun(m, Xdata(c.x_shape, k as number), c.x_shape, c);
    m.dispose();
  });
  test('without bias, on a 1-D input', () => {
    const c = C.linear_nobias;
    const m = new nn.Linear(3, 2, { bias: false, dtype: 'float64', device: DEVICE });
    expect(m.bias).toBeNull();
    expect(m.namedParameters().map(([k]) => k)).toEqual(['weight']);
    loadState(m, c.state);
    checkRun(m, Xdata([3], 2), [3], c);
    m.dispose();
  });
  test('default init is U(-1/√in, 1/√in) for weight and bias', () => {
    fl.manualSeed(3);
    const m = new nn.Linear(400, 300, { device: DEVICE });
    const bound = 1 / Math.sqrt(400);
    for (const p of [m.weight, m.bias!]) {
      const v = Array.from(p.dataSync() as Float32Array);
      expect(Math.max(...v)).toBeLessThanOrEqual(bound);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-bound);
      expect(Math.max(...v)).toBeGreaterThan(bound * 0.95);
    }
    const w = Array.from(m.weight.dataSync() as Float32Array);
    const sd = Math.sqrt(w.reduce((a, b) => a + b * b, 0) / w.length);
    expect(Math.abs(sd - bound / Math.sqrt(3)) / (bound / Math.sqrt(3))).toBeLessThan(0.01);
    expect(m.weight.requiresGrad && m.bias!.requiresGrad).toBe(true);
    m.dispose();
  });
  test('wrong feature count is a ShapeError naming the layer', () => {
    const m = new nn.Linear(4, 2, { device: DEVICE });
    fl.scope(() => {
      expect(() => m.forward(fl.zeros([2, 3], { device: DEVICE }))).toThrow(fl.ShapeError);
      expect(() => m.forward(fl.zeros([2, 3], { device: DEVICE }))).toThrow(/Linear: input of shape \[2, 3\].*in_features=4/);
      expect(() => m.forward(fl.zeros([], { device: DEVICE }))).toThrow(fl.ShapeError);
    });
    expect(() => new nn.Linear(-1, 2)).toThrow(fl.ValueError);
    m.dispose();
  });
});

describe('Embedding', () => {
  test('matches PyTorch, padding row passes its value but no gradient', () => {
    const c = C.embedding;
    const m = new nn.Embedding(5, 3, { paddingIdx: 1, dtype: 'float64', device: DEVICE });
    loadState(m, c.state);
    fl.scope(() => {
      const idx = fl.tensor(c.idx, { dtype: 'int32', device: DEVICE }).reshape(c.idx_shape);
      const y = m.forward(idx);
      expect(y.shape).toEqual([2, 3, 3]);
      expectClose(y, c.out);
      y.mul(t64(Gdata(y.shape), y.shape)).sum().backward();
      expectClose(m.weight.grad!, c.grads.weight);
      expect(Array.from(m.weight.grad!.select(0, 1).dataSync())).toEqual([0, 0, 0]);
    });
    m.dispose();
  });
  test('init N(0, 1) with the padding row zeroed; fromPretrained; negative paddingIdx', () => {
    fl.manualSeed(5);
    const m = new nn.Embedding(200, 50, { paddingIdx: -1, device: DEVICE });
    expect(m.paddingIdx).toBe(199);
    const v = Array.from(m.weight.dataSync() as Float32Array);
    expect(v.slice(199 * 50)).toEqual(new Array(50).fill(0));
    const body = v.slice(0, 199 * 50);
    const mu = body.reduce((a, b) => a + b, 0) / body.length;
    const sd = Math.sqrt(body.reduce((a, b) => a + (b - mu) ** 2, 0) / body.length);
    expect(Math.abs(mu)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    expect(m.toString()).toBe('Embedding(200, 50, padding_idx=199)');
    m.dispose();
    const table = fl.tensor([[1, 2], [3, 4]], { dtype: 'float32', device: DEVICE });
    const e = nn.Embedding.fromPretrained(table);
    expect(e.weight.requiresGrad).toBe(false);
    fl.scope(() => expect(e.forward(fl.tensor([1, 0, 1], { dtype: 'int32', device: DEVICE })).toArray()).toEqual([[3, 4], [1, 2], [3, 4]]));
    table.dispose(); e.dispose();
  });
  test('bad indices: float → DTypeError, out of range → IndexError naming the layer', () => {
    const m = new nn.Embedding(4, 2, { device: DEVICE });
    // out-of-range indices: the CPU throws at the call, the GPU at the next synchronization (the read
    // inside the scope); only the CPU, which sees the error at the call, can add the layer's name
    const read = (idx: number[]) => (): void => fl.scope(() => { m.forward(fl.tensor(idx, { dtype: 'int32', device: DEVICE })).dataSync(); });
    fl.scope(() => {
      expect(() => m.forward(fl.tensor([0.0, 1.0], { dtype: 'float32', device: DEVICE }))).toThrow(fl.DTypeError);
    });
    expect(read([0, 4])).toThrow(fl.IndexError);
    expect(read([0, 4])).toThrow(/indexSelect: index 4 is out of bounds for dim 0 with size 4/);
    if (DEVICE === 'cpu') expect(read([0, 4])).toThrow(/Embedding/);
    expect(read([-1])).toThrow(fl.IndexError);
    expect(read([-1])).toThrow(/indexSelect: index -1 is out of bounds for dim 0 with size 4/);
    expect(() => new nn.Embedding(4, 2, { paddingIdx: 4 })).toThrow(fl.ValueError);
    m.dispose();
  });
});

describe('normalisation layers', () => {
  test('LayerNorm with affine matches PyTorch', () => {
    const c = C.layernorm;
    const m = new nn.LayerNorm([3, 4], { dtype: 'float64', device: DEVICE });
    loadState(m, c.state);
    checkRun(m, Xdata([2, 3, 4]).map((v) => v * 2 + 0.5), [2, 3, 4], c);
    m.dispose();
  });
  test('LayerNorm without affine (eps 1e-3) matches PyTorch', () => {
    const c = C.layernorm_noaffine;
    const m = new nn.LayerNorm(5, { eps: 1e-3, elementwiseAffine: false, dtype: 'float64', device: DEVICE });
    expect(m.parameters()).toHaveLength(0);
    checkRun(m, Xdata([3, 5], 0.5), [3, 5], c);
    m.dispose();
  });
  test('RMSNorm matches the PyTorch formula', () => {
    const c = C.rmsnorm;
    const m = new nn.RMSNorm(6, { eps: c.eps, dtype: 'float64', device: DEVICE });
    loadState(m, c.state);
    checkRun(m, Xdata([2, 2, 6], 0.2), [2, 2, 6], c);
    expect(m.toString()).toBe('RMSNorm((6,), eps=1e-06, elementwise_affine=True)');
    m.dispose();
  });
  test('GroupNorm matches PyTorch', () => {
    const c = C.groupnorm;
    const m = new nn.GroupNorm(2, 4, { dtype: 'float64', device: DEVICE });
    loadState(m, c.state);
    checkRun(m, Xdata([2, 4, 3], 0.3).map((v) => v * 3), [2, 4, 3], c);
    m.dispose();
  });

  function checkBatchNorm(name: string, m: fl.nn.Module & { runningMean: fl.Tensor | null; runningVar: fl.Tensor | null; numBatchesTracked: fl.Tensor | null }): void {
    const c = C[name];
    loadState(m, c.state);
    c.steps.forEach((s: any, i: number) => {
      checkRun(m, Xdata(s.x_shape, i * 0.9).map((v) => v * (i + 1) + i), s.x_shape, s);
      expectClose(m.runningMean!, s.running_mean);
      expectClose(m.runningVar!, s.running_var);
      expect(m.numBatchesTracked!.item()).toBe(s.num_batches_tracked);
    });
    m.eval();
    checkRun(m, Xdata(c.eval.x_shape, 5), c.eval.x_shape, c.eval);
    expect(m.numBatchesTracked!.item()).toBe(c.steps.length);  // eval does not count
    m.dispose();
  }
  test('BatchNorm1d: training steps, running stats (unbiased var), eval', () => {
    checkBatchNorm('batchnorm1d', new nn.BatchNorm1d(3, { dtype: 'float64', device: DEVICE }));
  });
  test('BatchNorm1d with momentum null (cumulative average), no affine', () => {
    checkBatchNorm('batchnorm1d_cumulative', new nn.BatchNorm1d(3, { momentum: null, affine: false, dtype: 'float64', device: DEVICE }));
  });
  test('BatchNorm2d with momentum 0.3', () => {
    checkBatchNorm('batchnorm2d', new nn.BatchNorm2d(2, { momentum: 0.3, dtype: 'float64', device: DEVICE }));
  });
  test('BatchNorm buffers use PyTorch names; trackRunningStats false uses batch stats in eval', () => {
    const m = new nn.BatchNorm1d(2, { device: DEVICE });
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(m.numBatchesTracked!.dtype).toBe('int32');
    m.dispose();
    const n = new nn.BatchNorm1d(2, { trackRunningStats: false, affine: false, device: DEVICE });
    expect(Object.keys(n.stateDict())).toEqual([]);
    n.eval();
    fl.scope(() => {
      const y = n.forward(fl.tensor([[1, 10], [3, 30]], { dtype: 'float32', device: DEVICE }));
      expectClose(y, [-1, -1, 1, 1].map((v) => v / Math.sqrt(1 + 1e-5 / 1)), 'float32', 10);
    });
    n.dispose();
  });
  test('bad input: wrong channels or rank → ShapeError naming the layer; one value per channel → ValueError', () => {
    const bn = new nn.BatchNorm2d(3, { device: DEVICE });
    const ln = new nn.LayerNorm([4], { device: DEVICE });
    const gn = new nn.GroupNorm(2, 4, { device: DEVICE });
    fl.scope(() => {
      expect(() => bn.forward(fl.zeros([2, 4, 2, 2], { device: DEVICE }))).toThrow(/BatchNorm2d: expected input of shape \[N, 3, H, W\], got \[2, 4, 2, 2\]/);
      expect(() => bn.forward(fl.zeros([2, 3], { device: DEVICE }))).toThrow(fl.ShapeError);
      expect(() => bn.forward(fl.zeros([1, 3, 1, 1], { device: DEVICE }))).toThrow(fl.ValueError);
      expect(() => ln.forward(fl.zeros([2, 5], { device: DEVICE }))).toThrow(/LayerNorm: expected input with shape \[\*, 4\], got \[2, 5\]/);
      expect(() => ln.forward(fl.zeros([2, 4], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => gn.forward(fl.zeros([2, 3, 5], { device: DEVICE }))).toThrow(/GroupNorm/);
    });
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(() => new nn.GroupNorm(3, 4)).toThrow(fl.ValueError);
    bn.dispose(); ln.dispose(); gn.dispose();
  });
});

/** Layer normalisation of each row in float64, written out: y, and the gradients for an upstream gy. */
function layerNormRef(x: number[], w: number[] | null, b: number[] | null, gy: number[], R: number, N: number, eps: number) {
  const y: number[] = [], gx: number[] = [], gw = new Array(N).fill(0), gb = new Array(N).fill(0);
  for (let r = 0; r < R; r++) {
    const row = x.slice(r * N, r * N + N), g = gy.slice(r * N, r * N + N);
    const mu = row.reduce((a, v) => a + v, 0) / N;
    const vr = row.reduce((a, v) => a + (v - mu) ** 2, 0) / N;
    const rs = 1 / Math.sqrt(vr + eps);
    const xh = row.map((v) => (v - mu) * rs);
    xh.forEach((v, i) => { y.push(v * (w ? w[i] : 1) + (b ? b[i] : 0)); gw[i] += g[i] * v; gb[i] += g[i]; });
    // d xhat_i / d x_j = rs (δij - 1/N - xh_i xh_j / N): gx_j = rs (ĝ_j - mean(ĝ) - xh_j mean(ĝ·xh)), ĝ = g·w
    const gh = g.map((v, i) => v * (w ? w[i] : 1));
    const m1 = gh.reduce((a, v) => a + v, 0) / N, m2 = gh.reduce((a, v, i) => a + v * xh[i], 0) / N;
    xh.forEach((v, j) => gx.push(rs * (gh[j] - m1 - v * m2)));
  }
  return { y, gx, gw, gb };
}

describe('nn.LayerNorm takes the fused op on DEVICE', () => {
  // Its weight and bias were moved to the device by module.to() and the input made there on its
  // own: the operand check once compared device objects by identity, and every GPU tensor had its
  // own object, so on a GPU LayerNorm ran as ~8 composed ops forward and ~20 backward.
  test('one native call forward, two backward, for an input made apart from the layer', () => {
    const ln = new nn.LayerNorm(6);
    ln.to(DEVICE);
    try {
      fl.scope(() => {
        const x = fl.randn([4, 6], { device: DEVICE }).requiresGrad_();
        const ops = (fn: () => void) => fl.profiler.profile(fn).events.filter((e) => e.kind === 'op').map((e) => e.name);
        let y: fl.Tensor | null = null;
        expect(ops(() => { y = ln.forward(x); })).toEqual(['layerNorm']);
        const back = ops(() => { y!.sum().backward(); });
        expect(back.filter((n) => /layerNorm/.test(n))).toEqual(['layerNorm backward', 'layerNorm backward']);
        expect(back.filter((n) => /^(mean|var|rsqrt|sub)$/.test(n))).toEqual([]);
        expect(x.grad!.shape).toEqual([4, 6]);
      });
    } finally { ln.dispose(); }
  });
});

describe("native 'layerNorm' ops on DEVICE", () => {
  const [LN, LN_BW, LN_AFF] = ['layerNorm', 'layerNormBackward', 'layerNormAffineBackward'].map(opId);
  const R = 300, N = 70, eps = 1e-5;  // R*N above the pool's split point: several chunks on the CPU
  const r = rng(33);
  const vals = (n: number, s: number, o = 0): number[] => Array.from({ length: n }, () => o + (r() * 2 - 1) * s);
  const x = vals(R * N, 2, 0.5), w = vals(N, 1, 1), b = vals(N, 1), gy = vals(R * N, 1);

  test.each(['float64', 'float32', 'float16', 'bfloat16'] as fl.DType[])('%s: forward, gx, weight and bias gradients against float64', (dtype) => {
    fl.scope(() => {
      const mk = (v: number[]): fl.Tensor => fl.tensor(v, F64).to(dtype);
      const back = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync());
      const X = mk(x).reshape([R, N]), W = mk(w), B = mk(b), GY = mk(gy).reshape([R, N]);
      // the 16-bit dtypes: the reference starts from the rounded inputs, and the kernel rounds its
      // stored row statistics once more: 4x the dtype's tolerance (8x for the sums over rows)
      const want = layerNormRef(back(X), back(W), back(B), back(GY), R, N, eps);
      const low = dtype === 'float16' || dtype === 'bfloat16';
      const y = fl.empty([R, N], { dtype, device: DEVICE });
      const mean = fl.empty([R], { dtype, device: DEVICE }), rstd = fl.empty([R], { dtype, device: DEVICE });
      call(LN, 'layerNorm', [y, mean, rstd, X, W, B], [eps, 1, 1]);
      expectClose(y, want.y, dtype, low ? 4 : 1);
      const gx = fl.empty([R, N], { dtype, device: DEVICE });
      call(LN_BW, 'layerNormBackward', [gx, GY, X, mean, rstd, W], [1]);
      expectClose(gx, want.gx, dtype, low ? 8 : 1);
      const gw = fl.empty([N], { dtype, device: DEVICE }), gb = fl.empty([N], { dtype, device: DEVICE });
      call(LN_AFF, 'layerNormAffineBackward', [gw, gb, GY, X, mean, rstd], []);
      expectClose(gw, want.gw, dtype, low ? 8 : 10);  // sums of 300 terms
      expectClose(gb, want.gb, dtype, low ? 8 : 10);
      // without weight and bias
      const plain = layerNormRef(back(X), null, null, back(GY), R, N, eps);
      call(LN, 'layerNorm', [y, mean, rstd, X], [eps, 0, 0]);
      expectClose(y, plain.y, dtype, low ? 4 : 1);
      call(LN_BW, 'layerNormBackward', [gx, GY, X, mean, rstd], [0]);
      expectClose(gx, plain.gx, dtype, low ? 8 : 1);
      // bias only
      call(LN, 'layerNorm', [y, mean, rstd, X, B], [eps, 0, 1]);
      expectClose(y, layerNormRef(back(X), null, back(B), back(GY), R, N, eps).y, dtype, low ? 4 : 1);
    });
  });

  test('F.layerNorm: a transposed input, a weight without grad, a bias with one; gradients against float64', () => {
    fl.scope(() => {
      const X = fl.tensor(x.slice(0, 6 * 5), F64).reshape([5, 6]).requiresGrad_();
      const W = fl.tensor(w.slice(0, 5), F64), B = fl.tensor(b.slice(0, 5), F64).requiresGrad_();
      const G = fl.tensor(gy.slice(0, 30), F64).reshape([6, 5]);
      const y = fl.nn.functional.layerNorm(X.transpose(0, 1), [5], W, B);
      const xt = Array.from(X.transpose(0, 1).contiguous().dataSync());
      const want = layerNormRef(xt, w.slice(0, 5), b.slice(0, 5), gy.slice(0, 30), 6, 5, 1e-5);
      expectClose(y, want.y, 'float64');
      y.mul(G).sum().backward();
      const gxT: number[] = [];
      for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) gxT.push(want.gx[j * 5 + i]);
      expectClose(X.grad!, gxT, 'float64');
      expectClose(B.grad!, want.gb, 'float64');
      expect(W.grad).toBeNull();
      X.grad!.dispose(); B.grad!.dispose();
    });
  });

  test('bad operands: typed errors naming the op', () => {
    fl.scope(() => {
      const z = (s: number[], dtype: fl.DType = 'float32'): fl.Tensor => fl.zeros(s, { dtype, device: DEVICE });
      expect(() => call(LN, 'layerNorm', [z([4, 3]), z([4]), z([4]), z([4, 3]), z([3])], [1e-5, 1, 1])).toThrow(/layerNorm: expected 6 operands/);
      expect(() => call(LN, 'layerNorm', [z([4, 3]), z([4]), z([4]), z([4, 3]), z([2])], [1e-5, 1, 0])).toThrow(/layerNorm: weight must be a contiguous tensor of 3 elements/);
      expect(() => call(LN, 'layerNorm', [z([4, 3]), z([4]), z([4]), z([3, 4]).transpose(0, 1)], [1e-5, 0, 0])).toThrow(fl.ShapeError);
      expect(() => call(LN, 'layerNorm', [z([4, 3]), z([5]), z([5]), z([4, 3])], [1e-5, 0, 0])).toThrow(/does not split into 5 rows/);
      expect(() => call(LN, 'layerNorm', [z([4, 3]), z([4]), z([4]), z([4, 3], 'float64')], [1e-5, 0, 0])).toThrow(fl.ShapeError);
      const i = (s: number[]): fl.Tensor => z(s, 'int32');
      expect(() => call(LN, 'layerNorm', [i([4, 3]), i([4]), i([4]), i([4, 3])], [1e-5, 0, 0])).toThrow(fl.DTypeError);
      expect(() => call(LN_BW, 'layerNormBackward', [z([4, 3]), z([4, 3]), z([4, 3]), z([4]), z([4])], [1])).toThrow(/layerNormBackward: expected 6 operands/);
      expect(() => call(LN_AFF, 'layerNormAffineBackward', [z([3]), z([2]), z([4, 3]), z([4, 3]), z([4]), z([4])], [])).toThrow(/gb must be a contiguous tensor of 3/);
    });
  });
});

describe('activations and Dropout', () => {
  const acts: [string, () => fl.nn.Module][] = [
    ['gelu', () => new nn.GELU()], ['gelu_tanh', () => new nn.GELU({ approximate: 'tanh' })], ['silu', () => new nn.SiLU()],
    ['leaky_relu', () => new nn.LeakyReLU(0.2)], ['tanh', () => new nn.Tanh()], ['sigmoid', () => new nn.Sigmoid()],
    ['softmax_1', () => new nn.Softmax(1)], ['log_softmax_1', () => new nn.LogSoftmax(1)],
  ];
  test.each(acts)('%s matches PyTorch forward and gradient', (name, make) => {
    checkRun(make(), Xdata([3, 4], 0.1).map((v) => v * 2), [3, 4], C[`act_${name}`], name === 'leaky_relu' ? 1e3 : 1);
  });
  test('Hardswish and nn.functional.hardswish: float64 reference x·min(max(x + 3, 0), 6)/6, gradient 0 / x/3 + 1/2 / 1', () => {
    fl.scope(() => {
      const v = [-5, -3.5, -2.25, -0.5, 0, 1.25, 2.75, 3.5, 6];
      const x = fl.tensor(v, { dtype: 'float64', device: DEVICE }).requiresGrad_();
      const y = new nn.Hardswish().forward(x);
      expectClose(y, v.map((t) => (t * Math.min(Math.max(t + 3, 0), 6)) / 6));
      expectClose(nn.functional.hardswish(x), v.map((t) => (t * Math.min(Math.max(t + 3, 0), 6)) / 6));
      y.sum().backward();
      expectClose(x.grad!, v.map((t) => (t < -3 ? 0 : t <= 3 ? t / 3 + 0.5 : 1)));
      expect(() => new (nn.Hardswish as any)(1)).toThrow(fl.ValueError);  // inplace must be a boolean
    });
  });
  test('ReLU, Identity and Flatten', () => {
    fl.scope(() => {
      const x = fl.tensor([[-1, 2], [3, -4]], { dtype: 'float32', device: DEVICE });
      expect(new nn.ReLU().forward(x).toArray()).toEqual([[0, 2], [3, 0]]);
      const id = new nn.Identity().forward(x);
      expect(id).not.toBe(x);
      expect(id.toArray()).toEqual(x.toArray());
      expect(new nn.Flatten().forward(fl.zeros([2, 3, 4], { device: DEVICE })).shape).toEqual([2, 12]);
      expect(new nn.Flatten(0, 1).forward(fl.zeros([2, 3, 4], { device: DEVICE })).shape).toEqual([6, 4]);
    });
  });
  test('Dropout: zeroes ~p, scales the rest by 1/(1-p), repeats with the seed, identity in eval', () => {
    const d = new nn.Dropout(0.25);
    fl.scope(() => {
      const x = fl.ones([100, 100], { device: DEVICE }).requiresGrad_();
      fl.manualSeed(7);
      const y = d.forward(x);
      const v = Array.from(y.dataSync() as Float32Array);
      const kept = v.filter((e) => e !== 0);
      expect(kept.every((e) => Math.abs(e - 1 / 0.75) < 1e-6)).toBe(true);
      expect(Math.abs(1 - kept.length / v.length - 0.25)).toBeLessThan(0.02);
      fl.manualSeed(7);
      expect(Array.from(d.forward(x).dataSync())).toEqual(v);
      y.sum().backward();
      expect(Array.from(x.grad!.dataSync())).toEqual(v);  // the gradient is the same mask·scale
      d.eval();
      const z = d.forward(x);
      expect(z).not.toBe(x);
      expect(Array.from(z.dataSync()).every((e) => e === 1)).toBe(true);
      d.train();
      expect(Array.from(new nn.Dropout(1).forward(x).dataSync()).every((e) => e === 0)).toBe(true);
      expect(Array.from(new nn.Dropout(0).forward(x).dataSync()).every((e) => e === 1)).toBe(true);
    });
    expect(() => new nn.Dropout(1.5)).toThrow(fl.ValueError);
    fl.scope(() => expect(() => fl.nn.functional.dropout(fl.ones([2], { device: DEVICE }), -0.1)).toThrow(fl.ValueError));
  });
});

describe("torch's inplace flag on ReLU, LeakyReLU, SiLU, Hardswish and Dropout (lib/nn/inplace.ts)", () => {
  test('printed as torch 1.13 prints them', () => {
    // torch: ReLU(inplace=True) ReLU() LeakyReLU(negative_slope=0.2, inplace=True) SiLU(inplace=True) Hardswish() Identity() Dropout(p=0.1, inplace=True)
    expect(String(new fl.nn.ReLU(true))).toBe('ReLU(inplace=True)');
    expect(String(new fl.nn.ReLU())).toBe('ReLU()');
    expect(String(new fl.nn.LeakyReLU(0.2, true))).toBe('LeakyReLU(negative_slope=0.2, inplace=True)');
    expect(String(new fl.nn.SiLU({ inplace: true }))).toBe('SiLU(inplace=True)');
    expect(String(new fl.nn.Hardswish(true))).toBe('Hardswish()');
    expect(String(new (fl.nn.Identity as any)(3, { a: 4 }))).toBe('Identity()');
    expect(String(new fl.nn.Dropout(0.1, true))).toBe('Dropout(p=0.1, inplace=True)');
  });
  test('without a gradient the input itself is the result; with one, the values and gradient are the same and the input is left as it was', () => fl.scope(() => {
    const x = fl.tensor([-2, 0.5, 3], { dtype: 'float64', device: DEVICE });
    const relu = new fl.nn.ReLU(true);
    expect(relu.forward(x)).toBe(x);
    expect(x.toArray()).toEqual([0, 0.5, 3]);
    const w = fl.tensor([-2, 0.5, 3], { dtype: 'float64', device: DEVICE, requiresGrad: true });
    const h = w.mul(2);
    const y = new fl.nn.LeakyReLU(0.1, true).forward(h);
    expect(y).not.toBe(h);
    expect(h.toArray()).toEqual([-4, 1, 6]);
    expect(y.toArray()).toEqual([-0.4, 1, 6]);
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([0.2, 2, 2]);
    // in noGrad, the input is written even if it requires grad elsewhere
    const z = fl.noGrad(() => new fl.nn.SiLU(true).forward(h));
    expect(z).toBe(h);
  }));
});

describe('a module shared by two parents, as torch 1.13 lists it', () => {
  test('namedModules and namedParameters list it once; stateDict under every name, each module\'s parameters then its buffers', () => fl.scope(() => {
    // torch: shared = nn.Linear(2,2); m = nn.Sequential(shared, nn.BatchNorm1d(2), shared)
    const shared = new fl.nn.Linear(2, 2);
    const m = new fl.nn.Sequential(shared, new fl.nn.BatchNorm1d(2), shared);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', '0', '1']);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '2.weight', '2.bias']);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect(m.stateDict()['2.weight']).toBe(shared.weight);
    // a state dict saved from it loads back (strict: every key is the model's)
    m.loadStateDict(m.stateDict());
    expect(() => m.namedModules(Symbol('p') as any)).toThrow(fl.ValueError);
  }));
});

describe('containers', () => {
  function twin(): fl.nn.Sequential {
    return new nn.Sequential(
      new nn.Linear(4, 8, { dtype: 'float64', device: DEVICE }), new nn.ReLU(),
      new nn.Linear(8, 2, { dtype: 'float64', device: DEVICE }), new nn.Tanh(),
    );
  }
  test('Sequential: PyTorch parameter names and order, printing, forward and gradients', () => {
    const c = C.sequential;
    const m = twin();
    expect(m.namedParameters().map(([k]) => k)).toEqual(c.names);
    expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.state));
    expect(m.toString()).toBe(c.repr);
    loadState(m, c.state);
    checkRun(m, Xdata([3, 4], 0.7), [3, 4], c);
    m.dispose();
  });
  test('Sequential indexing, slicing, append/insert, named children', () => {
    const m = twin();
    expect(m.length).toBe(4);
    expect(m[0]).toBeInstanceOf(nn.Linear);
    expect(m.at(-1)).toBeInstanceOf(nn.Tanh);
    expect(() => m.at(4)).toThrow(fl.IndexError);
    const head = m.slice(0, 2);
    expect(head.length).toBe(2);
    expect(head[0]).toBe(m[0]);
    m.append(new nn.Identity());
    m.insert(0, new nn.Identity());
    expect(m.namedChildren().map(([k, v]) => `${k}:${v.constructor.name}`)).toEqual(['0:Identity', '1:Linear', '2:ReLU', '3:Linear', '4:Tanh', '5:Identity']);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['1.weight', '1.bias', '3.weight', '3.bias']);
    expect([...m].length).toBe(6);
    const named = new nn.Sequential(new Map<string, fl.nn.Module>([['fc', new nn.Linear(2, 2, { device: DEVICE })], ['act', new nn.ReLU()]]));
    expect(named.namedParameters().map(([k]) => k)).toEqual(['fc.weight', 'fc.bias']);
    expect(named.toString()).toBe('Sequential(\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n  (act): ReLU()\n)');
    m.dispose(); named.dispose();
  });
  test('Sequential frees its intermediate outputs (only the result stays live)', () => {
    const m = twin();
    const x = fl.zeros([2, 4], { dtype: 'float64', device: DEVICE });
    const before = fl.memory.stats().liveTensors;
    const y = fl.noGrad(() => m.forward(x));  // (with grad, the graph's saved views stay live too)
    expect(fl.memory.stats().liveTensors).toBe(before + 1);
    y.dispose(); x.dispose(); m.dispose();
  });
  test('ModuleList and ModuleDict register children with PyTorch names', () => {
    class Net extends nn.Module {
      blocks = new nn.ModuleList([new nn.Linear(2, 3, { device: DEVICE }), new nn.Linear(3, 3, { device: DEVICE })]);
      heads = new nn.ModuleDict({ cls: new nn.Linear(3, 4, { device: DEVICE }), box: new nn.Linear(3, 1, { bias: false, device: DEVICE }) });
      norm = new nn.LayerNorm(3, { device: DEVICE });
      forward(x: fl.Tensor): fl.Tensor {
        for (const b of this.blocks) x = b.forward(x);
        return (this.heads.get('cls') as fl.nn.Linear).forward(this.norm.forward(x));
      }
    }
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual([
      'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias',
      'heads.cls.weight', 'heads.cls.bias', 'heads.box.weight', 'norm.weight', 'norm.bias',
    ]);
    expect(net.blocks.length).toBe(2);
    expect(net.blocks[1]).toBeInstanceOf(nn.Linear);
    expect(net.heads.keys()).toEqual(['cls', 'box']);
    expect(() => net.heads.get('nope')).toThrow(fl.IndexError);
    expect(() => net.blocks.forward()).toThrow(fl.ValueError);
    expect(net.toString()).toContain('(heads): ModuleDict(\n    (cls): Linear(in_features=3, out_features=4, bias=True)');
    fl.scope(() => expect(net.forward(fl.zeros([5, 2], { device: DEVICE })).shape).toEqual([5, 4]));
    net.dispose();
  });
  test('stateDict round trip; strict key and shape errors', () => {
    fl.manualSeed(11);
    const a = twin();
    const b = twin();
    b.loadStateDict(a.stateDict());
    fl.scope(() => {
      const x = t64(Xdata([2, 4]), [2, 4]);
      expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(a.forward(x).dataSync()));
    });
    const sd = { ...a.stateDict() };
    delete sd['2.bias'];
    expect(() => b.loadStateDict(sd)).toThrow(/missing keys \[2.bias\]/);
    expect(b.loadStateDict(sd, false).missingKeys).toEqual(['2.bias']);
    const wrong = fl.zeros([3, 3], { dtype: 'float64', device: DEVICE });
    expect(() => b.loadStateDict({ ...a.stateDict(), '0.weight': wrong })).toThrow(fl.ShapeError);
    expect(() => b.loadStateDict({ ...a.stateDict(), extra: wrong })).toThrow(/unexpected keys \[extra\]/);
    wrong.dispose(); a.dispose(); b.dispose();
  });
  test('modules print like PyTorch', () => {
    const R = golden.reprs;
    const ms: [string, fl.nn.Module][] = [
      ['Linear', new nn.Linear(4, 2)], ['LinearNoBias', new nn.Linear(4, 2, { bias: false })],
      ['Embedding', new nn.Embedding(10, 3, { paddingIdx: 0 })], ['Dropout', new nn.Dropout(0.1)],
      ['LayerNorm', new nn.LayerNorm(8)], ['GroupNorm', new nn.GroupNorm(2, 4)],
      ['BatchNorm2d', new nn.BatchNorm2d(3, { momentum: null })], ['GELU', new nn.GELU({ approximate: 'tanh' })],
      ['LeakyReLU', new nn.LeakyReLU()], ['Flatten', new nn.Flatten()], ['Softmax', new nn.Softmax(1)],
      ['ReLU', new nn.ReLU()], ['CrossEntropyLoss', new nn.CrossEntropyLoss()],
    ];
    for (const [k, m] of ms) { expect(m.toString()).toBe(R[k]); m.dispose(); }
  });
});

describe('init', () => {
  const I = nn.init;
  function moments(t: fl.Tensor): { mean: number; std: number; min: number; max: number } {
    const v = Array.from(t.to('float64').dataSync() as Float64Array);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    return { mean, std, min: Math.min(...v), max: Math.max(...v) };
  }
  test('calculateGain', () => {
    expect(I.calculateGain('linear')).toBe(1);
    expect(I.calculateGain('sigmoid')).toBe(1);
    expect(I.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(I.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(I.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / 1.0001), 15);
    expect(I.calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(I.calculateGain('selu')).toBe(0.75);
    expect(() => I.calculateGain('nope' as any)).toThrow(fl.ValueError);
  });
  test('kaiming and xavier: bounds and std from the fans (weight [200, 100, 3])', () => {
    fl.scope(() => {
      const w = fl.empty([200, 100, 3], { device: DEVICE });
      const fanIn = 300, fanOut = 600;
      fl.manualSeed(1);
      let m = moments(I.kaimingUniform_(w, { nonlinearity: 'relu' }));
      let b = Math.SQRT2 * Math.sqrt(3 / fanIn);
      expect(m.max).toBeLessThanOrEqual(b); expect(m.min).toBeGreaterThanOrEqual(-b); expect(m.max).toBeGreaterThan(0.99 * b);
      expect(Math.abs(m.std / (b / Math.sqrt(3)) - 1)).toBeLessThan(0.01);
      m = moments(I.kaimingUniform(w, { mode: 'fanOut', nonlinearity: 'relu' }));
      b = Math.SQRT2 * Math.sqrt(3 / fanOut);
      expect(m.max).toBeLessThanOrEqual(b); expect(m.max).toBeGreaterThan(0.99 * b);
      m = moments(I.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' }));
      expect(Math.abs(m.std / (Math.SQRT2 / Math.sqrt(fanOut)) - 1)).toBeLessThan(0.01);
      expect(Math.abs(m.mean)).toBeLessThan(0.003);
      m = moments(I.xavierUniform_(w, { gain: 2 }));
      b = 2 * Math.sqrt(6 / (fanIn + fanOut));
      expect(m.max).toBeLessThanOrEqual(b); expect(m.min).toBeGreaterThanOrEqual(-b); expect(m.max).toBeGreaterThan(0.99 * b);
      m = moments(I.xavierNormal(w));
      expect(Math.abs(m.std / Math.sqrt(2 / (fanIn + fanOut)) - 1)).toBeLessThan(0.01);
      m = moments(I.normal_(w, 3, 0.5));
      expect(Math.abs(m.mean - 3)).toBeLessThan(0.005); expect(Math.abs(m.std / 0.5 - 1)).toBeLessThan(0.01);
      m = moments(I.uniform(w, -2, -1));
      expect(m.min).toBeGreaterThanOrEqual(-2); expect(m.max).toBeLessThan(-1); expect(Math.abs(m.mean + 1.5)).toBeLessThan(0.005);
      expect(moments(I.zeros_(w))).toEqual({ mean: 0, std: 0, min: 0, max: 0 });
      expect(moments(I.ones(w)).min).toBe(1);
      expect(moments(I.constant_(w, 0.25)).max).toBe(0.25);
    });
  });
  test('fills follow fl.manualSeed and work on parameters that require grad', () => {
    const m = new nn.Linear(5, 4, { device: DEVICE });
    fl.manualSeed(42);
    I.kaimingNormal_(m.weight);
    const a = Array.from(m.weight.dataSync());
    fl.manualSeed(42);
    I.kaimingNormal_(m.weight);
    expect(Array.from(m.weight.dataSync())).toEqual(a);
    expect(m.weight.requiresGrad).toBe(true);
    fl.manualSeed(42);
    const n = new nn.Linear(5, 4, { device: DEVICE });
    fl.manualSeed(42);
    const o = new nn.Linear(5, 4, { device: DEVICE });
    expect(Array.from(n.weight.dataSync())).toEqual(Array.from(o.weight.dataSync()));
    m.dispose(); n.dispose(); o.dispose();
  });
  test('bad input: fewer than 2 dims for fans, integer tensors', () => {
    fl.scope(() => {
      expect(() => I.kaimingUniform_(fl.zeros([5], { device: DEVICE }))).toThrow(/fewer than 2 dimensions/);
      expect(() => I.xavierNormal_(fl.zeros([5], { device: DEVICE }))).toThrow(fl.ValueError);
      expect(() => I.normal_(fl.zeros([2, 2], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => I.kaimingUniform_(fl.zeros([2, 2], { device: DEVICE }), { mode: 'fan' as any })).toThrow(fl.ValueError);
      expect(I.kaimingUniform_(fl.zeros([0, 3], { device: DEVICE })).shape).toEqual([0, 3]);
    });
  });
});

describe('functional', () => {
  const F = nn.functional;
  test('linear, layerNorm, groupNorm and batchNorm agree with their modules', () => {
    fl.scope(() => {
      const x = t64(Xdata([4, 6]), [4, 6]);
      const w = t64(Xdata([3, 6], 1), [3, 6]), b = t64(Xdata([3], 2), [3]);
      const ref = x.matmul(w.T).add(b);
      expectClose(F.linear(x, w, b), Array.from(ref.dataSync() as Float64Array));
      const ln = F.layerNorm(x, [6]);
      const mu = x.mean(-1, { keepdim: true }), v = x.var(-1, { keepdim: true, correction: 0 });
      expectClose(ln, Array.from(x.sub(mu).div(v.add(1e-5).sqrt()).dataSync() as Float64Array));
      const g = F.groupNorm(x.reshape([2, 2, 6]), 1);
      expectClose(g.reshape([2, 12]), Array.from(F.layerNorm(x.reshape([2, 12]), 12).dataSync() as Float64Array));
      expect(() => F.linear(x, w.T)).toThrow(/linear: input of shape \[4, 6\]/);
      expect(() => F.batchNorm(x, null, null)).toThrow(fl.ValueError);
      const rm = fl.zeros([6], F64), rv = fl.ones([6], F64);
      F.batchNorm(x, rm, rv, { training: true, momentum: 1 });
      expectClose(rm, Array.from(x.mean(0).dataSync() as Float64Array));
      expectClose(rv, Array.from(x.var(0).dataSync() as Float64Array));
      expect(F.rmsNorm(fl.ones([2, 3], { device: DEVICE }), 3).shape).toEqual([2, 3]);
    });
  });
});

describe('gradcheck (finite differences, float64) of the composed functional ops', () => {
  const F = nn.functional;
  const leaf = (shape: number[], k: number) => t64(Xdata(shape, k), shape).requiresGrad_();
  test('layerNorm, rmsNorm, groupNorm, batchNorm (training), linear, embedding', () => {
    fl.scope(() => {
      expect(fl.gradcheck((x, w, b) => F.layerNorm(x, [4], w, b), [leaf([3, 4], 0), leaf([4], 1), leaf([4], 2)])).toBe(true);
      expect(fl.gradcheck((x, w) => F.rmsNorm(x, [2, 3], w, 1e-6), [leaf([2, 2, 3], 0), leaf([2, 3], 3)])).toBe(true);
      expect(fl.gradcheck((x, w, b) => F.groupNorm(x, 2, w, b), [leaf([2, 4, 3], 0.5), leaf([4], 1), leaf([4], 2)])).toBe(true);
      expect(fl.gradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [leaf([5, 3, 2], 0.2), leaf([3], 1), leaf([3], 2)])).toBe(true);
      expect(fl.gradcheck((x, w, b) => F.linear(x, w, b), [leaf([2, 3, 4], 0), leaf([5, 4], 1), leaf([5], 2)])).toBe(true);
      const idx = fl.tensor([[0, 2], [2, 1]], { dtype: 'int32', device: DEVICE });
      expect(fl.gradcheck((w) => F.embedding(idx, w), [leaf([3, 4], 0)])).toBe(true);
    });
  });
});

test('Dropout in float64 scales by exactly 1/(1-p)', () => {
  fl.scope(() => {
    fl.manualSeed(2);
    const y = nn.functional.dropout(fl.ones([1000], F64), 0.1);
    const v = Array.from(y.dataSync() as Float64Array);
    expect(v.every((e) => e === 0 || e === 1 / 0.9)).toBe(true);
  });
});
