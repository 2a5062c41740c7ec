// torch-fidelity-optim.test.ts — regressions for differences from PyTorch 1.13 that
// bench/torch-diff.js (its specs in bench/torch-diff-specs-optim.js) found in fl.optim.
// Expected values and errors are PyTorch 1.13's (/usr/bin/python3, torch 1.13), quoted with the
// torch code that gives them.
import * as fl from '../lib';
import * as optim from '../lib/optim';

function param(): fl.Tensor {
  return fl.zeros([2]).requiresGrad_(true);
}

describe("optimizers check the constructor's options even when every group overrides them", () => {
  // torch.optim.Adam([{'params': [p], 'lr': 0.1, 'betas': (0.9, 0.99)}], lr=-0.1)
  //   -> ValueError: Invalid learning rate: -0.1
  test('Adam: a negative default lr', () => fl.scope(() => {
    expect(() => new optim.Adam([{ params: [param()], lr: 0.1, betas: [0.9, 0.99] }], { lr: -0.1 })).toThrow(fl.ValueError);
    expect(() => new optim.Adam([{ params: [param()], lr: 0.1, betas: [0.9, 0.99] }], { lr: -0.1 })).toThrow(/Adam: invalid learning rate: -0.1/);
  }));
  // torch.optim.AdamW([{'params': [p], 'lr': 0.1, 'betas': (0.9, 0.99)}], betas=(0.9, 1.0))
  //   -> ValueError: Invalid beta parameter at index 1: 1.0
  test('AdamW: a default beta2 of 1', () => fl.scope(() => {
    expect(() => new optim.AdamW([{ params: [param()], betas: [0.9, 0.99] }], { betas: [0.9, 1] })).toThrow(/AdamW: invalid beta parameter at index 1/);
  }));
  // torch.optim.SGD([{'params': [p], 'momentum': 0.9}], lr=0.1, nesterov=True)
  //   -> ValueError: Nesterov momentum requires a momentum and zero dampening
  test('SGD: nesterov with a default momentum of 0', () => fl.scope(() => {
    expect(() => new optim.SGD([{ params: [param()], momentum: 0.9 }], { lr: 0.1, nesterov: true })).toThrow(fl.ValueError);
    expect(() => new optim.SGD([{ params: [param()], momentum: 0.9 }], { lr: 0.1, nesterov: true })).toThrow(/SGD: Nesterov momentum requires a momentum/);
  }));
  // torch.optim.RMSprop([{'params': [p], 'alpha': 0.9}], alpha=-0.5) -> ValueError: Invalid alpha value: -0.5
  test('RMSprop: a negative default alpha', () => fl.scope(() => {
    expect(() => new optim.RMSprop([{ params: [param()], alpha: 0.9 }], { alpha: -0.5 })).toThrow(/RMSprop: invalid alpha value/);
  }));
  // torch.optim.Adagrad([{'params': [p], 'lr_decay': 0.1}], lr_decay=-0.5) -> ValueError: Invalid lr_decay value: -0.5
  test('Adagrad: a negative default lrDecay', () => fl.scope(() => {
    expect(() => new optim.Adagrad([{ params: [param()], lrDecay: 0.1 }], { lrDecay: -0.5 })).toThrow(/Adagrad: invalid lr_decay value/);
  }));
  test('valid defaults overridden by groups still construct', () => fl.scope(() => {
    const o = new optim.SGD([{ params: [param()], lr: 0.5 }], { lr: 0.1, momentum: 0.9, nesterov: true });
    expect(o.paramGroups[0].lr).toBe(0.5);
  }));
});

describe('OneCycleLR refuses a step that falls in a phase of no steps (torch: ZeroDivisionError)', () => {
  // torch.optim.lr_scheduler.OneCycleLR(SGD([p], lr=0.1, momentum=0.9), max_lr=0.1, total_steps=10, pct_start=0.1)
  //   -> ZeroDivisionError: float division by zero (phase 1 ends at step 0.1 * 10 - 1 = 0, where it starts);
  // flintml made its first lr NaN
  test('pctStart * totalSteps = 1: refused at construction', () => fl.scope(() => {
    const opt = new optim.SGD([param()], { lr: 0.1, momentum: 0.9 });
    expect(() => new optim.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 })).toThrow(fl.ValueError);
    expect(() => new optim.OneCycleLR(new optim.SGD([param()], { lr: 0.1, momentum: 0.9 }), { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }))
      .toThrow(/OneCycleLR: .*pctStart/);
  }));
  // o = SGD([p], lr=0.1, momentum=0.9)
  // s = OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=1.0, anneal_strategy='linear')
  // lrs = [s.get_last_lr()[0]] + [s.step() or s.get_last_lr()[0] for 9 steps]; the 10th s.step() -> ZeroDivisionError
  test('pctStart = 1: the step after the peak is refused', () => fl.scope(() => {
    const opt = new optim.SGD([param()], { lr: 0.1, momentum: 0.9 });
    const s = new optim.OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 1, annealStrategy: 'linear' });
    const lrs = [s.getLastLr()[0]];
    for (let i = 0; i < 9; i++) { opt.step(); s.step(); lrs.push(s.getLastLr()[0]); }
    const torch = [0.04, 0.14666666666666667, 0.2533333333333333, 0.35999999999999993, 0.4666666666666666, 0.5733333333333334,
      0.6799999999999999, 0.7866666666666667, 0.8933333333333333, 1.0];
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(torch[i], 14));
    opt.step();
    expect(() => s.step()).toThrow(fl.ValueError);
  }));
});

describe('AdamW in float32 and clipGradNorm over mixed dtypes, as torch', () => {
  // p = torch.tensor([1.], requires_grad=True); o = torch.optim.AdamW([p], lr=0.5, weight_decay=0.1, maximize=True)
  // three steps with p.grad = [-1.399008], [-0.4047], [1.] -> p = -0.08786587417125702 (float32)
  // (the fused kernel took 1 - lr·wd and 1 - beta in float32, two roundings: -0.0878721)
  test('AdamW float32: 1 - lr·wd and 1 - beta rounded once, as torch\'s Python-float scalars', () => fl.scope(() => {
    const p = fl.tensor([1], { dtype: 'float32' }).requiresGrad_(true);
    const o = new optim.AdamW([p], { lr: 0.5, weightDecay: 0.1, maximize: true });
    for (const g of [-1.399008, -0.4047, 1]) {
      p.grad = fl.tensor([g], { dtype: 'float32' });
      o.step();
    }
    // within a few float32 ulps (torch's CPU kernels may contract a·b + c into one FMA; the kernel does not)
    expect(p.item()).toBeCloseTo(-0.08786587417125702, 7);
    o.dispose();  // its moments
  }));
  // a, b = torch.ones(2, requires_grad=True), torch.ones(3, dtype=torch.float64, requires_grad=True)
  // a.grad, b.grad = torch.full((2,), 3.), torch.full((3,), 4., dtype=torch.float64)
  // torch.nn.utils.clip_grad_norm_([a, b], 1.) -> float64 8.124038304461761 (a's norm in float32, then float64)
  test('clipGradNorm: float32 and float64 gradients give a float64 norm; no gradients a float32 0', () => fl.scope(() => {
    const a = fl.ones([2]).requiresGrad_(true), b = fl.ones([3], { dtype: 'float64' }).requiresGrad_(true);
    a.grad = fl.full([2], 3);
    b.grad = fl.full([3], 4, { dtype: 'float64' });
    const n = fl.nn.utils.clipGradNorm([a, b], 1);
    expect(n.dtype).toBe('float64');
    expect(n.item()).toBeCloseTo(8.124038304461761, 12);
    // torch.nn.utils.clip_grad_norm_([torch.ones(2, requires_grad=True)], 1.) -> tensor(0.)
    const z = fl.nn.utils.clipGradNorm([fl.ones([2]).requiresGrad_(true)], 1);
    expect([z.dtype, z.item()]).toEqual(['float32', 0]);
  }));
});
