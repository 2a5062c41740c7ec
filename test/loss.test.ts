// loss.test.ts — the losses against PyTorch golden values (test/golden/nn.json, made by
// scripts/golden/nn.py): value and gradient of the input (of loss.sum()) in float64 within
// 1e-10 relative, for every reduction; plus a float64 JS reference for cross entropy, the
// module classes, and bad input (shapes → ShapeError, target dtypes → DTypeError).
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, expectClose } from './helpers';

const { nn } = fl;
const F = nn.functional;
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden/nn.json'), 'utf8'));
const L = golden.losses;
const In = golden.loss_inputs;
const num = (a: (number | string)[]): number[] => a.map((v) => (v === 'NaN' ? NaN : (v as number)));
const F64 = { dtype: 'float64' as const, device: DEVICE };
const f64 = (data: number[], shape: number[]) => fl.tensor(data, F64).reshape(shape);
const i32 = (data: number[], shape: number[]) => fl.tensor(data, { dtype: 'int32', device: DEVICE }).reshape(shape);

/** Runs `fn(x)` with x requiring grad; compares the value and d(sum)/dx with golden `name`. */
function check(name: string, xData: number[], xShape: number[], fn: (x: fl.Tensor) => fl.Tensor): void {
  const ref = L[name];
  fl.scope(() => {
    const x = f64(xData, xShape).requiresGrad_();
    const y = fn(x);
    expectClose(y, num(ref.out));
    y.sum().backward();
    expectClose(x.grad!, num(ref.x_grad));
  });
}

const REDUCTIONS = ['mean', 'sum', 'none'] as const;

/**
 * `fn` run and its result read in a scope, as a thunk for `expect(…).toThrow`: errors the GPU's
 * kernels detect (out-of-range indices) are reported at the next synchronization, not at the call.
 */
const synced = (fn: () => fl.Tensor) => (): void => fl.scope(() => { fn().dataSync(); });

describe('regression losses', () => {
  const xs = [3, 4];
  test.each(REDUCTIONS)('mse, l1, smoothL1 (beta 0.5), huber (delta 0.7): %s', (r) => {
    fl.scope(() => {
      const t = f64(In.tr, xs);
      check(`mse_${r}`, In.xr, xs, (x) => F.mseLoss(x, t, { reduction: r }));
      check(`l1_${r}`, In.xr, xs, (x) => F.l1Loss(x, t, { reduction: r }));
      check(`smoothl1_${r}`, In.xr, xs, (x) => F.smoothL1Loss(x, t, { reduction: r, beta: 0.5 }));
      check(`huber_${r}`, In.xr, xs, (x) => F.huberLoss(x, t, { reduction: r, delta: 0.7 }));
      check(`mse_${r}`, In.xr, xs, (x) => new nn.MSELoss({ reduction: r }).forward(x, t));
      check(`smoothl1_${r}`, In.xr, xs, (x) => new nn.SmoothL1Loss({ reduction: r, beta: 0.5 }).forward(x, t));
    });
  });
  test('smoothL1 with beta 0 is l1', () => {
    fl.scope(() => {
      const a = f64(In.xr, [3, 4]), b = f64(In.tr, [3, 4]);
      expectClose(F.smoothL1Loss(a, b, { beta: 0 }), Array.from(F.l1Loss(a, b).dataSync() as Float64Array));
    });
  });
  test('bad input', () => {
    fl.scope(() => {
      const a = fl.zeros([3, 4], { device: DEVICE });
      expect(() => F.mseLoss(a, fl.zeros([3, 1], { device: DEVICE }))).toThrow(fl.ShapeError);
      expect(() => F.mseLoss(a, fl.zeros([3, 1], { device: DEVICE }))).toThrow(/mseLoss: target of shape \[3, 1\] does not match input of shape \[3, 4\]/);
      expect(() => F.l1Loss(a, fl.zeros([3, 4], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => F.mseLoss(a, a, { reduction: 'avg' as any })).toThrow(fl.ValueError);
      expect(() => F.smoothL1Loss(a, a, { beta: -1 })).toThrow(fl.ValueError);
      expect(() => new nn.L1Loss({ reduction: 'x' as any })).toThrow(fl.ValueError);
    });
  });
});

describe('crossEntropy and nllLoss', () => {
  const xs = [4, 5];
  test.each(REDUCTIONS)('class indices with ignoreIndex -100, weight, label smoothing: %s', (r) => {
    fl.scope(() => {
      const t = i32(In.target, [4]), w = f64(In.weight, [5]);
      check(`ce_${r}`, In.logits, xs, (x) => F.crossEntropy(x, t, { reduction: r }));
      check(`ce_w_${r}`, In.logits, xs, (x) => F.crossEntropy(x, t, { weight: w, reduction: r }));
      check(`ce_ls_${r}`, In.logits, xs, (x) => F.crossEntropy(x, t, { labelSmoothing: 0.1, reduction: r }));
      check(`ce_ls_w_${r}`, In.logits, xs, (x) => F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.2, reduction: r }));
      // the golden gradient is with respect to the log-probabilities
      const logp = Array.from(fl.logSoftmax(f64(In.logits, xs), 1).dataSync() as Float64Array);
      check(`nll_w_${r}`, logp, xs, (x) => F.nllLoss(x, t, { weight: w, reduction: r }));
      check(`nll_w_${r}`, logp, xs, (x) => new nn.NLLLoss({ weight: w.clone(), reduction: r }).forward(x, t));
      check(`ce_w_${r}`, In.logits, xs, (x) => new nn.CrossEntropyLoss({ weight: w.clone(), reduction: r }).forward(x, t));
    });
  });
  test('a custom ignoreIndex, and every target ignored (NaN mean, zero gradient, as PyTorch)', () => {
    fl.scope(() => {
      check('ce_ignore2', In.logits, xs, (x) => F.crossEntropy(x, i32(In.target2, [4]), { ignoreIndex: 2 }));
      check('ce_all_ignored', In.logits, xs, (x) => F.crossEntropy(x, i32([-100, -100, -100, -100], [4])));
    });
  });
  test('class-probability targets (with weight and label smoothing)', () => {
    fl.scope(() => {
      const p = f64(In.probs, xs), w = f64(In.weight, [5]);
      check('ce_prob_mean', In.logits, xs, (x) => F.crossEntropy(x, p));
      check('ce_prob_w_mean', In.logits, xs, (x) => F.crossEntropy(x, p, { weight: w }));
      check('ce_prob_w_ls_sum', In.logits, xs, (x) => F.crossEntropy(x, p, { weight: w, labelSmoothing: 0.1, reduction: 'sum' }));
    });
  });
  test('K-dim input [N, C, d1, d2] and unbatched [C]', () => {
    fl.scope(() => {
      const t = i32(In.kd_target, [2, 2, 2]);
      const w = f64(In.weight.slice(0, 3), [3]);
      check('ce_kdim_mean', In.kd_logits, [2, 3, 2, 2], (x) => F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.05 }));
      check('ce_kdim_none', In.kd_logits, [2, 3, 2, 2], (x) => F.crossEntropy(x, t, { reduction: 'none' }));
      check('ce_unbatched', In.logits.slice(0, 5), [5], (x) => F.crossEntropy(x, i32([3], [])));
    });
  });
  test('agrees with a float64 JS reference on random logits (mean over non-ignored)', () => {
    const n = 7, c = 6;
    const logits = Array.from({ length: n * c }, (_, i) => Math.sin(i * 1.3) * 4);
    const target = [0, 5, 3, -100, 2, 2, 1];
    let total = 0, count = 0;
    for (let i = 0; i < n; i++) {
      if (target[i] === -100) continue;
      const row = logits.slice(i * c, i * c + c);
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
      total += lse - row[target[i]];
      count++;
    }
    fl.scope(() => expectClose(F.crossEntropy(f64(logits, [n, c]), i32(target, [n])), [total / count]));
  });
  test('bad input: target dtype, shapes, out-of-range classes, weight shape', () => {
    fl.scope(() => {
      const x = fl.zeros([4, 5], { device: DEVICE });
      expect(() => F.crossEntropy(x, fl.zeros([4], { dtype: 'uint8', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => F.nllLoss(x, fl.zeros([4], { device: DEVICE }))).toThrow(/nllLoss: target must be int32 class indices, got float32/);
      expect(() => F.crossEntropy(x, i32([0, 1, 2], [3]))).toThrow(/crossEntropy: expected target of shape \[4\] for input of shape \[4, 5\], got \[3\]/);
      expect(() => F.crossEntropy(x, fl.zeros([4, 4], { device: DEVICE }))).toThrow(fl.ShapeError);
      // out-of-range classes: the CPU throws at the call, the GPU at the next synchronization (the
      // read inside `synced`); only the CPU, which sees the error at the call, can add the loss's name
      expect(synced(() => F.crossEntropy(x, i32([0, 1, 5, 0], [4])))).toThrow(fl.IndexError);
      expect(synced(() => F.crossEntropy(x, i32([0, 1, 5, 0], [4])))).toThrow(/gather: index 5 is out of bounds for dim 1 with size 5/);
      if (DEVICE === 'cpu') expect(synced(() => F.crossEntropy(x, i32([0, 1, 5, 0], [4])))).toThrow(/crossEntropy: a target is out of bounds for 5 classes/);
      expect(synced(() => F.crossEntropy(x, i32([0, 1, -1, 0], [4])))).toThrow(fl.IndexError);
      expect(synced(() => F.crossEntropy(x, i32([0, 1, -1, 0], [4])))).toThrow(/gather: index -1 is out of bounds for dim 1 with size 5/);
      expect(() => F.crossEntropy(x, i32([0, 1, 2, 0], [4]), { weight: fl.ones([4], { device: DEVICE }) })).toThrow(fl.ShapeError);
      expect(() => F.crossEntropy(x, i32([0, 1, 2, 0], [4]), { labelSmoothing: 1.5 })).toThrow(fl.ValueError);
      expect(() => F.crossEntropy(fl.zeros([4, 5], { dtype: 'int32', device: DEVICE }), i32([0, 1, 2, 0], [4]))).toThrow(fl.DTypeError);
      expect(() => F.crossEntropy(fl.zeros([], { device: DEVICE }), i32([0], []))).toThrow(fl.ShapeError);
    });
  });
  test('CrossEntropyLoss keeps weight as a buffer named weight; print', () => {
    const m = new nn.CrossEntropyLoss({ weight: fl.ones([3], { device: DEVICE }), labelSmoothing: 0.1 });
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(m.toString()).toBe('CrossEntropyLoss()');
    const plain = new nn.NLLLoss();
    expect(Object.keys(plain.stateDict())).toEqual([]);
    m.dispose();
  });
});

describe('binary cross entropy', () => {
  const xs = [2, 4];
  test.each(REDUCTIONS)('BCE with and without weight: %s', (r) => {
    fl.scope(() => {
      const t = f64(In.bt, xs), w = f64(In.bw, [4]);
      check(`bce_${r}`, In.bx, xs, (x) => F.binaryCrossEntropy(x, t, { reduction: r }));
      check(`bce_w_${r}`, In.bx, xs, (x) => F.binaryCrossEntropy(x, t, { weight: w, reduction: r }));
      check(`bce_${r}`, In.bx, xs, (x) => new nn.BCELoss({ reduction: r }).forward(x, t));
    });
  });
  test('BCE clamps the logs at -100 and keeps a finite gradient at 0 and 1', () => {
    fl.scope(() => check('bce_clamp', [0, 1], [2], (x) => F.binaryCrossEntropy(x, f64([1, 0], [2]), { reduction: 'none' })));
  });
  test.each(REDUCTIONS)('BCE with logits (stable at ±50, posWeight and weight): %s', (r) => {
    fl.scope(() => {
      const t = f64(In.bt, xs), w = f64(In.bw, [4]), pw = f64(In.pw, [4]);
      check(`bcel_${r}`, In.lx, xs, (x) => F.binaryCrossEntropyWithLogits(x, t, { reduction: r }));
      check(`bcel_pw_w_${r}`, In.lx, xs, (x) => F.binaryCrossEntropyWithLogits(x, t, { weight: w, posWeight: pw, reduction: r }));
      check(`bcel_pw_w_${r}`, In.lx, xs, (x) => new nn.BCEWithLogitsLoss({ weight: w.clone(), posWeight: pw.clone(), reduction: r }).forward(x, t));
    });
  });
  test('BCE gradient reaches the target too (d/dt = log(1-x) - log(x))', () => {
    fl.scope(() => {
      const x = f64([0.2, 0.7], [2]);
      const t = f64([0.3, 0.9], [2]).requiresGrad_();
      F.binaryCrossEntropy(x, t, { reduction: 'sum' }).backward();
      expectClose(t.grad!, [Math.log(0.8) - Math.log(0.2), Math.log(0.3) - Math.log(0.7)]);
    });
  });
  test('bad input', () => {
    fl.scope(() => {
      const x = fl.full([2, 3], 0.5, { device: DEVICE });
      expect(() => F.binaryCrossEntropy(x, fl.zeros([2], { device: DEVICE }))).toThrow(/binaryCrossEntropy: target of shape \[2\]/);
      expect(() => F.binaryCrossEntropyWithLogits(x, fl.zeros([2, 3], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => F.binaryCrossEntropyWithLogits(x, x, { reduction: 'mean', posWeight: 3 as any })).toThrow(fl.ValueError);
    });
  });
});

describe('gradcheck (finite differences, float64)', () => {
  test('crossEntropy (smoothing, weight, probabilities), BCE (input and target), BCE with logits', () => {
    fl.scope(() => {
      const leaf = (data: number[], shape: number[]) => f64(data, shape).requiresGrad_();
      const t = i32([2, -100, 0], [3]), w = f64([0.5, 2, 1, 1.5], [4]);
      const logits = leaf(In.logits.slice(0, 12), [3, 4]);
      expect(fl.gradcheck((x) => F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.2 }), [logits])).toBe(true);
      const probs = leaf(In.probs.slice(0, 12), [3, 4]);
      expect(fl.gradcheck((x, p) => F.crossEntropy(x, p, { weight: w }), [logits, probs])).toBe(true);
      expect(fl.gradcheck((x, y) => F.binaryCrossEntropy(x, y, { weight: w }), [leaf([0.2, 0.5, 0.9, 0.3], [4]), leaf([0.1, 1, 0.6, 0], [4])])).toBe(true);
      expect(fl.gradcheck((x, y) => F.binaryCrossEntropyWithLogits(x, y, { posWeight: w }), [leaf([-2, 0, 1.5, 3], [4]), leaf([0.1, 1, 0.6, 0], [4])])).toBe(true);
    });
  });
});
