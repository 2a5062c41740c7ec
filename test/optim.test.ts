// optim.test.ts — optimizers (SGD, Adam, AdamW, RMSprop, Adagrad), LR schedulers and gradient
// clipping.
// References: PyTorch 1.13 golden values (test/golden/optim.json, made by scripts/golden/optim.py):
// parameter trajectories for a fixed gradient sequence, LR (and momentum) sequences for 25 scheduler
// steps, clip_grad_norm_/clip_grad_value_ results; plus an end-to-end fit whose loss must fall.
// Tolerances: float64 runs match PyTorch within 1e-9 relative (+1e-12 absolute) — our updates
// compose the same float64 operations, in PyTorch's order; float32 runs within 1e-5 relative
// (+1e-5 absolute) of the float64 trajectory; LR sequences within 1e-12 relative.
import * as fs from 'fs';
import * as path from 'path';
import * as fl from '../lib';
import * as optim from '../lib/optim';
import { clipGradNorm, clipGradValue } from '../lib/nn/utils';
import { call, opId } from '../lib/native';
import { DEVICE, expectClose, randomArray, rng, roundTo } from './helpers';

const G = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'optim.json'), 'utf8'));
const SHAPES: number[][] = G.shapes;
const STEPS: number = G.grads.length;
type OptCase = { name: string; opt: string; options: Record<string, any>; group2: Record<string, any> | null; traj: number[][][] };
const CASES: OptCase[] = G.optim;
const CLASSES: Record<string, new (params: any, options?: any) => optim.Optimizer> = {
  SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad,
};

function makeParams(dtype: fl.DType, values: number[][] = G.params): fl.Tensor[] {
  return values.map((v, i) => fl.scope(() => fl.tensor(v, { dtype, device: DEVICE }).reshape(SHAPES[i])).requiresGrad_());
}
function makeOpt(c: OptCase, ps: fl.Tensor[]): optim.Optimizer {
  const Cls = CLASSES[c.opt];
  return c.group2 === null ? new Cls(ps, c.options) : new Cls([{ params: [ps[0]] }, { params: [ps[1], ps[2]], ...c.group2 }], c.options);
}
/** Sets p0.grad and p1.grad to the golden gradients of `step` (p2 never gets one). */
function setGrads(ps: fl.Tensor[], step: number, dtype: fl.DType): void {
  for (let i = 0; i < 2; i++) {
    ps[i].grad?.dispose();
    ps[i].grad = fl.scope(() => fl.tensor(G.grads[step][i], { dtype, device: DEVICE }).reshape(SHAPES[i]));
  }
}
function expectNear(got: ArrayLike<number>, want: number[], rtol: number, atol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = atol + rtol * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= tol)) throw new Error(`${what}[${i}]: expected ${want[i]}, got ${got[i]} (tol ${tol})`);
  }
}
const TOLS: Record<string, [number, number]> = { float64: [1e-9, 1e-12], float32: [1e-5, 1e-5] };
function checkStep(ps: fl.Tensor[], c: OptCase, step: number, dtype: fl.DType): void {
  const [rtol, atol] = TOLS[dtype];
  ps.forEach((p, i) => expectNear(p.dataSync() as Float64Array, c.traj[step][i], rtol, atol, `${c.name} step ${step + 1} p${i}`));
}
function disposeAll(ps: fl.Tensor[], opt?: optim.Optimizer): void {
  opt?.dispose();
  for (const p of ps) p.dispose();
}

describe('optimizers match PyTorch step by step', () => {
  for (const dtype of ['float64', 'float32'] as fl.DType[]) {
    test.each(CASES.map((c) => [c.name, c] as [string, OptCase]))(`%s (${dtype})`, (_n, c) => {
      const ps = makeParams(dtype);
      const opt = makeOpt(c, ps);
      try {
        for (let s = 0; s < STEPS; s++) {
          setGrads(ps, s, dtype);
          opt.step();
          checkStep(ps, c, s, dtype);
        }
        expect(ps[2].grad).toBeNull();
      } finally { disposeAll(ps, opt); }
    });
  }
});

describe('16-bit parameters (fused kernel computes in float, stores once)', () => {
  for (const dtype of ['float16', 'bfloat16'] as fl.DType[]) {
    test.each(CASES.filter((c) => ['adam', 'adamw', 'adam_amsgrad'].includes(c.name)).map((c) => [c.name, c] as [string, OptCase]))(`%s (${dtype})`, (_n, c) => {
      const ps = makeParams(dtype);
      const opt = makeOpt(c, ps);
      try {
        for (let s = 0; s < STEPS; s++) { setGrads(ps, s, dtype); opt.step(); }
        // the inputs themselves are rounded to 16 bits: allow a few units in the last place of values ~1-3
        const tol = dtype === 'float16' ? 4e-3 : 3e-2;
        ps.forEach((p, i) => expectNear(p.dataSync() as Float32Array, c.traj[STEPS - 1][i], tol, tol, `${c.name} ${dtype} p${i}`));
      } finally { disposeAll(ps, opt); }
    });
  }
});

describe('strided parameters (Adam/AdamW take the composed path, not the fused kernel)', () => {
  test.each(CASES.filter((c) => c.opt.startsWith('Adam')).map((c) => [c.name, c] as [string, OptCase]))('%s', (_n, c) => {
    const ps = makeParams('float64');
    // p0 as a transposed (non-contiguous) leaf with the same logical values
    const v = G.params[0] as number[];
    const t = [0, 1, 2].map((j) => [v[j], v[3 + j]]);
    ps[0].dispose();
    ps[0] = fl.scope(() => fl.tensor(t, { dtype: 'float64', device: DEVICE }).transpose(0, 1)).requiresGrad_();
    expect(ps[0].isContiguous()).toBe(false);
    const opt = makeOpt(c, ps);
    try {
      for (let s = 0; s < STEPS; s++) { setGrads(ps, s, 'float64'); opt.step(); checkStep(ps, c, s, 'float64'); }
    } finally { disposeAll(ps, opt); }
  });
});

describe('optimizer state dicts', () => {
  test.each(CASES.map((c) => [c.name, c] as [string, OptCase]))('%s: save after 3 steps, load into a fresh optimizer, continue identically', (_n, c) => {
    const psA = makeParams('float64');
    const a = makeOpt(c, psA);
    let psB: fl.Tensor[] = [], b: optim.Optimizer | undefined;
    try {
      for (let s = 0; s < 3; s++) { setGrads(psA, s, 'float64'); a.step(); }
      const sd = fl.scope(() => a.stateDict());
      psB = psA.map((p) => fl.scope(() => p.detach().clone()).requiresGrad_());
      b = makeOpt({ ...c, options: { ...c.options, lr: 1234 } }, psB);   // lr comes back from the state dict
      if (c.opt === 'SGD' || c.opt === 'Adagrad') { // give b some stale state that loading must free
        setGrads(psB, 0, 'float64');
        fl.noGrad(() => { b!.step(); psB.forEach((p, i) => p.copy_(psA[i])); });
      }
      b.loadStateDict(sd);
      // the dict keeps its own copies: freeing them must not touch b's state
      for (const st of Object.values(sd.state)) for (const v of Object.values(st)) if (v instanceof fl.Tensor) v.dispose();
      expect(b.paramGroups.map((g) => g.lr)).toEqual(a.paramGroups.map((g) => g.lr));
      for (let s = 3; s < STEPS; s++) {
        setGrads(psB, s, 'float64'); b.step(); checkStep(psB, c, s, 'float64');
        setGrads(psA, s, 'float64'); a.step(); checkStep(psA, c, s, 'float64');
      }
    } finally { disposeAll(psA, a); disposeAll(psB, b); }
  });

  test('state is numbered over all groups and holds copies', () => {
    const ps = makeParams('float64');
    const opt = new optim.SGD([{ params: [ps[0]] }, { params: [ps[1], ps[2]], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    try {
      setGrads(ps, 0, 'float64');
      opt.step();
      fl.scope(() => {
        const sd = opt.stateDict();
        expect(Object.keys(sd.state).sort()).toEqual(['0', '1']);   // p2 had no grad: no state
        expect(sd.paramGroups.map((g) => g.params)).toEqual([[0], [1, 2]]);
        expect(sd.paramGroups[1].lr).toBe(0.5);
        const buf = sd.state[0].momentumBuffer as fl.Tensor;
        expect(buf).not.toBe(opt.state.get(ps[0])!.momentumBuffer);
        expect(Array.from(buf.dataSync())).toEqual(G.grads[0][0]);
      });
    } finally { disposeAll(ps, opt); }
  });

  test('loadStateDict rejects mismatched groups and shapes', () => {
    const ps = makeParams('float64');
    const opt = new optim.Adam(ps, { lr: 0.1 });
    const other = new optim.Adam([ps[0]], { lr: 0.1 });
    try {
      setGrads(ps, 0, 'float64');
      opt.step();
      fl.scope(() => {
        const sd = opt.stateDict();
        expect(() => other.loadStateDict(sd)).toThrow(fl.ValueError);
        const bad = { state: { 0: { step: 1, expAvg: fl.zeros([5], { dtype: 'float64' }) } }, paramGroups: sd.paramGroups };
        expect(() => opt.loadStateDict(bad)).toThrow(/shape/);
      });
    } finally { other.dispose(); disposeAll(ps, opt); }
  });
});

describe('optimizer behaviour', () => {
  test('zeroGrad frees gradients by default, or zeroes them', () => {
    const ps = makeParams('float64');
    const opt = new optim.SGD(ps, { lr: 0.1 });
    try {
      setGrads(ps, 0, 'float64');
      const g0 = ps[0].grad!;
      opt.zeroGrad();
      expect(ps[0].grad).toBeNull();
      expect(g0.isDisposed).toBe(true);
      setGrads(ps, 0, 'float64');
      opt.zeroGrad(false);
      expect(Array.from(ps[1].grad!.dataSync())).toEqual([0, 0, 0, 0]);
    } finally { disposeAll(ps, opt); }
  });

  test('step(closure) evaluates the closure with grad enabled and returns its loss', () => {
    const w = fl.tensor([1, 2], { dtype: 'float64', device: DEVICE }).requiresGrad_();
    const opt = new optim.SGD([w], { lr: 0.25 });
    try {
      const loss = fl.noGrad(() => opt.step(() => {
        opt.zeroGrad();
        return fl.scope(() => { const l = fl.sum(w.mul(w)); l.backward(); return l.item(); });
      }));
      expect(loss).toBe(5);
      expect(Array.from(w.dataSync())).toEqual([0.5, 1]);   // w - 0.25 * 2w
    } finally { disposeAll([w], opt); }
  });

  test('addParamGroup fills defaults; lr can be changed per group', () => {
    const ps = makeParams('float64');
    const opt = new optim.Adam([ps[0]], { lr: 0.01, betas: [0.8, 0.9] });
    try {
      opt.addParamGroup({ params: [ps[1]], lr: 0.1 });
      expect(opt.paramGroups[1]).toMatchObject({ lr: 0.1, betas: [0.8, 0.9], eps: 1e-8, weightDecay: 0, amsgrad: false });
      expect(() => opt.addParamGroup({ params: [ps[1]] })).toThrow(/more than one parameter group/);
    } finally { disposeAll(ps, opt); }
  });

  test('bad input: typed errors naming the optimizer', () => {
    const ps = makeParams('float64');
    try {
      expect(() => new optim.SGD(ps, { lr: -0.1 })).toThrow(fl.ValueError);
      expect(() => new optim.SGD(ps, { lr: -0.1 })).toThrow(/SGD: invalid learning rate/);
      expect(() => new optim.Adam(ps, { lr: -1 })).toThrow(/Adam: invalid learning rate/);
      expect(() => new optim.SGD([ps[0], 3 as any], { lr: 0.1 })).toThrow(fl.ValueError);
      expect(() => new optim.SGD([{ params: [ps[0], 'x' as any] }], { lr: 0.1 })).toThrow(/not a Tensor/);
      expect(() => new optim.SGD(ps[0] as any, { lr: 0.1 })).toThrow(fl.ValueError);
      expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(/empty parameter list/);
      expect(() => new optim.SGD([ps[0], ps[0]], { lr: 0.1 })).toThrow(fl.ValueError);
      expect(() => new optim.Adam(ps, { betas: [1, 0.999] })).toThrow(/Adam: invalid beta parameter at index 0/);
      expect(() => new optim.AdamW(ps, { betas: [0.9, -0.1] })).toThrow(/AdamW: invalid beta parameter at index 1/);
      expect(() => new optim.Adam(ps, { betas: [0.9] as any })).toThrow(fl.ValueError);
      expect(() => new optim.Adam(ps, { eps: -1 })).toThrow(/epsilon/);
      expect(() => new optim.Adam(ps, { weightDecay: -1 })).toThrow(/weight_decay/);
      expect(() => new optim.SGD(ps, { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
      expect(() => new optim.SGD(ps, { lr: 0.1, momentum: -0.5 })).toThrow(/momentum/);
      expect(() => new optim.RMSprop(ps, { alpha: -1 })).toThrow(/alpha/);
      expect(() => new optim.Adagrad(ps, { lrDecay: -1 })).toThrow(/lr_decay/);
      const nonLeaf = fl.scope(() => fl.keep(ps[0].mul(2)));
      try { expect(() => new optim.SGD([nonLeaf], { lr: 0.1 })).toThrow(/non-leaf/); } finally { nonLeaf.dispose(); }
    } finally { disposeAll(ps); }
  });

  test('end to end: SGD and Adam fit a linear regression in 100 steps', () => {
    const r = rng(7);
    const n = 64;
    const X = Array.from({ length: n }, () => [r() * 2 - 1, r() * 2 - 1, r() * 2 - 1]);
    const Y = X.map(([a, b, c]) => [1.5 * a - 2 * b + 0.5 * c + 0.3 + 0.01 * (r() - 0.5)]);
    const x = fl.tensor(X, { device: DEVICE }), y = fl.tensor(Y, { device: DEVICE });
    const fit = (make: (ps: fl.Tensor[]) => optim.Optimizer): [number, number] => {
      const w = fl.zeros([3, 1], { device: DEVICE }).requiresGrad_();
      const b = fl.zeros([1], { device: DEVICE }).requiresGrad_();
      const opt = make([w, b]);
      const lossAt = () => fl.scope(() => fl.mean(fl.matmul(x, w).add(b).sub(y).square()).item());
      const first = lossAt();
      try {
        for (let i = 0; i < 100; i++) {
          opt.zeroGrad();
          fl.scope(() => fl.mean(fl.matmul(x, w).add(b).sub(y).square()).backward());
          opt.step();
        }
        return [first, lossAt()];
      } finally { disposeAll([w, b], opt); }
    };
    try {
      const [s0, s1] = fit((ps) => new optim.SGD(ps, { lr: 0.3, momentum: 0.9 }));
      expect(s0).toBeGreaterThan(1);
      expect(s1).toBeLessThan(1e-3);
      const [a0, a1] = fit((ps) => new optim.Adam(ps, { lr: 0.1 }));
      expect(a0).toBeGreaterThan(1);
      expect(a1).toBeLessThan(1e-2);
    } finally { x.dispose(); y.dispose(); }
  });
});

// ---- LR schedulers ------------------------------------------------------------------------------

const S = optim.lrScheduler;
type Make = (o: optim.Optimizer) => optim.LRScheduler;
const SCHEDS: Record<string, Make> = {
  StepLR: (o) => new S.StepLR(o, { stepSize: 3, gamma: 0.5 }),
  MultiStepLR: (o) => new S.MultiStepLR(o, { milestones: [2, 5, 9], gamma: 0.3 }),
  ExponentialLR: (o) => new S.ExponentialLR(o, { gamma: 0.9 }),
  CosineAnnealingLR: (o) => new S.CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 }),
  CosineAnnealingLR_7: (o) => new S.CosineAnnealingLR(o, { tMax: 7 }),
  LinearLR: (o) => new S.LinearLR(o, { startFactor: 0.25, endFactor: 1.0, totalIters: 8 }),
  LinearLR_down: (o) => new S.LinearLR(o, { startFactor: 1.0, endFactor: 0.1, totalIters: 10 }),
  LambdaLR: (o) => new S.LambdaLR(o, { lrLambda: (e) => 1 / (1 + 0.3 * e) }),
  OneCycleLR: (o) => new S.OneCycleLR(o, { maxLr: 1.0, totalSteps: 30 }),
  OneCycleLR_linear: (o) => new S.OneCycleLR(o, { maxLr: [1.0, 0.5], totalSteps: 25, annealStrategy: 'linear', pctStart: 0.4, divFactor: 10, finalDivFactor: 100 }),
  OneCycleLR_three: (o) => new S.OneCycleLR(o, { maxLr: 0.8, totalSteps: 26, threePhase: true, pctStart: 0.25 }),
  OneCycleLR_adam: (o) => new S.OneCycleLR(o, { maxLr: 0.3, totalSteps: 25, baseMomentum: 0.8, maxMomentum: 0.9 }),
  SequentialLR: (o) => new S.SequentialLR(o, { schedulers: [new S.LinearLR(o, { startFactor: 0.1, totalIters: 4 }), new S.ExponentialLR(o, { gamma: 0.9 })], milestones: [5] }),
  SequentialLR_cos: (o) => new S.SequentialLR(o, {
    schedulers: [new S.StepLR(o, { stepSize: 2, gamma: 0.5 }), new S.CosineAnnealingLR(o, { tMax: 6, etaMin: 0.01 }), new S.ExponentialLR(o, { gamma: 0.8 })],
    milestones: [4, 15],
  }),
};

/** Two groups (lr 0.1 and 0.05) as the golden script: SGD with momentum 0.9, or Adam for *_adam. */
function schedOpt(name: string): [optim.Optimizer, fl.Tensor[]] {
  const ps = [fl.zeros([1], { device: DEVICE }).requiresGrad_(), fl.zeros([1], { device: DEVICE }).requiresGrad_()];
  const groups = [{ params: [ps[0]] }, { params: [ps[1]], lr: 0.05 }];
  return [name.endsWith('_adam') ? new optim.Adam(groups, { lr: 0.1 }) : new optim.SGD(groups, { lr: 0.1, momentum: 0.9 }), ps];
}
const momentumOf = (o: optim.Optimizer) => o.paramGroups.map((g) => (o instanceof optim.Adam ? g.betas[0] : g.momentum));
function expectSeq(got: number[], want: number[], what: string): void { expectNear(got, want, 1e-12, 1e-15, what); }

describe('LR schedulers match PyTorch for 25 steps', () => {
  test.each(Object.keys(SCHEDS))('%s', (name) => {
    const gold = G.sched[name];
    const [o, ps] = schedOpt(name);
    try {
      const s = SCHEDS[name](o);
      for (let i = 0; i < gold.lrs.length; i++) {
        if (i > 0) { o.step(); s.step(); }
        expectSeq(s.getLastLr(), gold.lrs[i], `${name} lr at step ${i}`);
        expectSeq(o.paramGroups.map((g) => g.lr), gold.lrs[i], `${name} group lr at step ${i}`);
        expectSeq(momentumOf(o), gold.momentum[i], `${name} momentum at step ${i}`);
      }
    } finally { disposeAll(ps, o); }
  });

  test.each(Object.keys(SCHEDS))('%s: state dict round trip continues identically', (name) => {
    const gold = G.sched[name];
    const [o1, ps1] = schedOpt(name);
    const [o2, ps2] = schedOpt(name);
    try {
      const s1 = SCHEDS[name](o1);
      for (let i = 1; i <= 9; i++) { o1.step(); s1.step(); }
      const sd = JSON.parse(JSON.stringify(s1.stateDict()));   // survives serialisation
      const s2 = SCHEDS[name](o2);
      o2.loadStateDict(fl.scope(() => o1.stateDict()));
      s2.loadStateDict(sd);
      expectSeq(s2.getLastLr(), gold.lrs[9], `${name} after load`);
      for (let i = 10; i < gold.lrs.length; i++) {
        o2.step(); s2.step();
        expectSeq(s2.getLastLr(), gold.lrs[i], `${name} lr at step ${i} after load`);
        expectSeq(momentumOf(o2), gold.momentum[i], `${name} momentum at step ${i} after load`);
      }
    } finally { disposeAll(ps1, o1); disposeAll(ps2, o2); }
  });

  test('bad input', () => {
    const [o, ps] = schedOpt('x');
    const ada = new optim.Adagrad([ps[0]], { lr: 0.1 });
    try {
      expect(() => new S.StepLR({} as any, { stepSize: 1 })).toThrow(/StepLR: expected an Optimizer/);
      expect(() => new S.StepLR(o, { stepSize: 0 })).toThrow(fl.ValueError);
      expect(() => new S.CosineAnnealingLR(o, { tMax: -1 })).toThrow(/tMax/);
      expect(() => new S.LinearLR(o, { startFactor: 1.5 })).toThrow(/startFactor/);
      expect(() => new S.LambdaLR(o, { lrLambda: [(e: number) => e] })).toThrow(/expected 2 lrLambdas/);
      expect(() => new S.OneCycleLR(o, { maxLr: 1 })).toThrow(/totalSteps/);
      expect(() => new S.OneCycleLR(o, { maxLr: 1, totalSteps: 10, pctStart: 2 })).toThrow(/pctStart/);
      expect(() => new S.OneCycleLR(ada, { maxLr: 1, totalSteps: 10 })).toThrow(/momentum/);
      const oc = new S.OneCycleLR(o, { maxLr: 1, totalSteps: 3 });
      oc.step(); oc.step(); oc.step();
      expect(() => oc.step()).toThrow(/tried to step 5 times/);
      const [o3, ps3] = schedOpt('y');
      try {
        expect(() => new S.SequentialLR(o, { schedulers: [new S.ExponentialLR(o3, { gamma: 0.5 })], milestones: [] })).toThrow(/same optimizer/);
        expect(() => new S.SequentialLR(o3, { schedulers: [new S.ExponentialLR(o3, { gamma: 0.5 })], milestones: [3] })).toThrow(/milestone/);
      } finally { disposeAll(ps3, o3); }
    } finally { ada.dispose(); disposeAll(ps, o); }
  });
});

// ---- gradient clipping ----------------------------------------------------------------------------

describe('clipGradNorm / clipGradValue match PyTorch', () => {
  const withGrads = (fn: (ps: fl.Tensor[]) => void) => {
    const ps = makeParams('float64').slice(0, 3);
    try { setGrads(ps, 0, 'float64'); fn(ps); } finally { disposeAll(ps); }
  };
  test.each(Object.keys(G.clip).filter((k) => k.startsWith('norm_')))('%s', (key) => {
    const c = G.clip[key];
    withGrads((ps) => {
      const nt = c.normType === 'inf' ? Infinity : c.normType;
      const total = clipGradNorm(ps, c.maxNorm, nt);   // p2 has no grad: skipped
      try {
        expect(total.ndim).toBe(0);
        expectNear([total.item()], [c.total], 1e-12, 0, `${key} total`);
        for (let i = 0; i < 2; i++) expectNear(ps[i].grad!.dataSync(), c.grads[i], 1e-12, 1e-15, `${key} grad ${i}`);
        expect(ps[2].grad).toBeNull();
      } finally { total.dispose(); }
    });
  });

  test('clipGradValue', () => {
    withGrads((ps) => {
      clipGradValue(ps, 0.7);
      for (let i = 0; i < 2; i++) expect(Array.from(ps[i].grad!.dataSync())).toEqual(G.clip['value_0.7'].grads[i]);
    });
  });

  test('float32 gradients, a single tensor, no gradients', () => {
    const c = G.clip['norm_2.0_0.5'];
    const ps = makeParams('float32', G.params.slice(0, 2));
    try {
      setGrads(ps, 0, 'float32');
      fl.scope(() => {
        const total = clipGradNorm(ps, 0.5, 'inf');
        expectNear([total.item()], [G.clip['norm_inf_0.5'].total], 1e-6, 0, 'float32 inf total');
      });
      setGrads(ps, 0, 'float32');
      fl.scope(() => {
        clipGradNorm(ps, 0.5);
        for (let i = 0; i < 2; i++) expectNear(ps[i].grad!.dataSync(), c.grads[i], 1e-5, 1e-6, `float32 grad ${i}`);
      });
      fl.scope(() => {
        const n1 = clipGradNorm(ps[0], 1e9);   // one tensor: its own norm, grads unchanged
        expect(n1.item()).toBeCloseTo(Math.hypot(...(ps[0].grad!.dataSync() as Float32Array)), 5);
        ps.forEach((p) => { p.grad!.dispose(); p.grad = null; });
        expect(clipGradNorm(ps, 1).item()).toBe(0);
      });
    } finally { disposeAll(ps); }
  });

  // The fused form (native 'gradNorm' + 'gradScale': two calls for any number of gradients; the GPU
  // takes them 32 to a launch) against float64 sums written out here, for every float dtype and p.
  test.each([['float32', 2], ['float32', 1], ['float32', Infinity], ['float32', 3], ['float64', 0.5], ['float16', 2], ['bfloat16', 2]] as const)(
    'fused clipGradNorm over 40 gradients, %s, p = %s, against float64', (dtype, normType) => {
      const sizes = Array.from({ length: 40 }, (_, i) => (i === 5 ? 0 : (i * 37) % 300 + 1));  // one empty gradient
      const ps = sizes.map((n) => fl.zeros([n], { dtype, device: DEVICE }).requiresGrad_());
      try {
        const vals = sizes.map((n, i) => roundTo(randomArray(n, 70 + i, -0.2, 0.2), dtype));
        ps.forEach((p, i) => { p.grad = fl.tensor(vals[i], { dtype, device: DEVICE }); });
        const pn = (xs: number[]) => (normType === Infinity ? Math.max(0, ...xs.map(Math.abs)) : xs.reduce((s, x) => s + Math.abs(x) ** normType, 0) ** (1 / normType));
        const norms = roundTo(vals.map(pn), dtype);  // each gradient's norm in its dtype, as torch stacks them
        const want = pn(norms), coef = Math.min(1, 0.5 / (want + 1e-6));
        fl.scope(() => {
          const total = clipGradNorm(ps, 0.5, normType);
          expectNear([total.item()], [want], dtype === 'float64' ? 1e-12 : dtype === 'float32' ? 1e-5 : 2e-2, 0, 'total');
          ps.forEach((p, i) => expectNear(p.grad!.dataSync(), vals[i].map((v) => v * coef), dtype === 'float64' ? 1e-12 : dtype === 'float32' ? 1e-5 : 2e-2, 1e-7, `grad ${i}`));
        });
      } finally { disposeAll(ps); }
    });

  // A gradient of 100,003 elements: on a GPU its norm is folded by several blocks into partials that a
  // second kernel combines (one block reading a whole embedding gradient left the GPU idle); with
  // small ones beside it in the same launch, against float64 sums written out here.
  test.each([['float32', 2], ['float32', Infinity], ['float64', 1], ['bfloat16', 2]] as const)(
    'fused clipGradNorm with a 100,003-element gradient among small ones, %s, p = %s', (dtype, normType) => {
      const sizes = [5, 100_003, 300, 1];
      const ps = sizes.map((n) => fl.zeros([n], { dtype, device: DEVICE }).requiresGrad_());
      try {
        const vals = sizes.map((n, i) => roundTo(randomArray(n, 90 + i, -0.5, 0.5), dtype));
        ps.forEach((p, i) => { p.grad = fl.tensor(vals[i], { dtype, device: DEVICE }); });
        const pn = (xs: number[]) => (normType === Infinity ? xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0) : xs.reduce((t, x) => t + Math.abs(x) ** normType, 0) ** (1 / normType));
        const norms = roundTo(vals.map(pn), dtype);
        const want = pn(norms), coef = Math.min(1, 0.5 / (want + 1e-6));
        fl.scope(() => {
          const total = clipGradNorm(ps, 0.5, normType);
          expectNear([total.item()], [want], dtype === 'float64' ? 1e-12 : dtype === 'float32' ? 1e-5 : 2e-2, 0, 'total');
          expectNear(ps[1].grad!.dataSync(), vals[1].map((v) => v * coef), dtype === 'float64' ? 1e-12 : dtype === 'float32' ? 1e-5 : 2e-2, 1e-7, 'grad 1');
        });
      } finally { disposeAll(ps); }
    });

  // Each parameter and gradient made on DEVICE on its own (as a model's are): the operand check once
  // compared device objects by identity, and on a GPU every tensor had its own, so the fused form
  // never ran there. 2·ceil(N / 11) + 1 native calls, all named clipGradNorm; no composed ops.
  test('clipGradNorm over 23 gradients made apart on DEVICE takes the fused form', () => {
    const ps = Array.from({ length: 23 }, (_, i) => fl.zeros([i + 2], { device: DEVICE }).requiresGrad_());
    try {
      ps.forEach((p, i) => { p.grad = fl.full([i + 2], 0.01 * (i + 1), { device: DEVICE }); });
      const ops = fl.profiler.profile(() => clipGradNorm(ps, 0.1).dispose()).events.filter((e) => e.kind === 'op').map((e) => e.name);
      expect(ops).toEqual(new Array(2 * Math.ceil(23 / 11) + 1).fill('clipGradNorm'));
    } finally { disposeAll(ps); }
  });

  test('gradients that the fused form does not take (mixed dtypes, a non-contiguous one, p = -inf) give the same clipping', () => {
    const mk = (dtype: fl.DType, vals: number[]) => { const p = fl.zeros([vals.length], { dtype, device: DEVICE }).requiresGrad_(); p.grad = fl.tensor(vals, { dtype, device: DEVICE }); return p; };
    const a = [0.3, -1.2, 0.5, 2], b = [1.5, -0.25];
    for (const [label, ps] of [
      ['mixed dtypes', [mk('float64', a), mk('float32', b)]],
      ['non-contiguous', [mk('float64', a), mk('float64', b)]],
    ] as const) {
      try {
        if (label === 'non-contiguous') { const g = ps[0].grad!, base = fl.tensor([[0.3, -1.2], [0.5, 2]], { dtype: 'float64', device: DEVICE }); ps[0].grad = base.t(); g.dispose(); base.dispose(); }
        const ga = label === 'non-contiguous' ? [0.3, 0.5, -1.2, 2] : a;
        fl.scope(() => {
          const total = clipGradNorm(ps, 1);
          const want = Math.hypot(...a, ...b);
          expectNear([total.item()], [want], 1e-6, 0, `${label} total`);
          expectNear(ps[0].grad!.contiguous().dataSync(), ga.map((v) => v / (want + 1e-6)), 1e-6, 0, `${label} grad 0`);
          expectNear(ps[1].grad!.dataSync(), b.map((v) => v / (want + 1e-6)), 1e-6, 0, `${label} grad 1`);
        });
      } finally { disposeAll([...ps]); }
    }
    const ps = [mk('float64', a), mk('float64', b)];
    try {
      fl.scope(() => { expectNear([clipGradNorm(ps, 10, -Infinity).item()], [Math.min(...[...a, ...b].map(Math.abs))], 1e-12, 0, '-inf total'); });
    } finally { disposeAll(ps); }
  });

  test('non-finite norms and bad input', () => {
    const p = fl.tensor([1, 2], { dtype: 'float64', device: DEVICE }).requiresGrad_();
    try {
      p.grad = fl.tensor([NaN, 1], { dtype: 'float64', device: DEVICE });
      expect(() => clipGradNorm([p], 1, 2, true)).toThrow(/non-finite/);
      fl.scope(() => { expect(Number.isNaN(clipGradNorm([p], 1).item())).toBe(true); });
      expect(() => clipGradNorm([p, 7 as any], 1)).toThrow(fl.ValueError);
      expect(() => clipGradValue([null as any], 1)).toThrow(/clipGradValue: parameter 0 is not a Tensor/);
      expect(() => clipGradNorm([p], 1, 'two' as any)).toThrow(/normType/);
    } finally { p.dispose(); }
  });
});

// ---- the fused 'adamw' kernel called directly on DEVICE -------------------------------------------
// Reference: optim.cpp's operation order, each operation rounded to the compute type (Math.fround for
// float32: one rounding of the exact double result of +, *, /, sqrt is the float32 result), so float32
// and float64 must match bit for bit; the 16-bit dtypes (computed in float, stored rounded) within TOL.

interface AdamwOpts { decoupled: boolean; amsgrad: boolean; maximize: boolean }
function adamwRef(st: { p: number[]; m: number[]; v: number[]; vmax: number[] }, g: number[], prm: number[], o: AdamwOpts, f32: boolean): void {
  const r = f32 ? Math.fround : (x: number): number => x;
  const [b1, b2, eps, wd] = prm.slice(1, 5).map(r);
  const negStep = -r(prm[8]), bc2sqrt = r(prm[9]);
  const sign = o.maximize ? -1 : 1;
  // 1 - lr·wd, 1 - b1, 1 - b2 in double, rounded once (torch's Python-float scalars)
  const decay = o.decoupled ? r(1 - prm[0] * prm[4]) : 1, l2 = o.decoupled ? 0 : wd;
  const omb1 = r(1 - prm[1]), omb2 = r(1 - prm[2]);
  for (let i = 0; i < st.p.length; i++) {
    const p0 = st.p[i];
    const gi = r(r(sign * g[i]) + r(l2 * p0));
    const pi = r(p0 * decay);
    const mi = r(r(st.m[i] * b1) + r(omb1 * gi));
    const vi = r(r(st.v[i] * b2) + r(omb2 * r(gi * gi)));
    let second = vi;
    if (o.amsgrad) {
      const old = st.vmax[i];
      second = (old !== old || old > vi) ? old : vi;
      st.vmax[i] = second;
    }
    const denom = r(r(r(Math.sqrt(second)) / bc2sqrt) + eps);
    st.m[i] = mi; st.v[i] = vi;
    st.p[i] = r(pi + r(negStep * r(mi / denom)));
  }
}

describe("native 'adamw' kernel on DEVICE (p, m, v, g[, vmax])", () => {
  const ADAMW = opId('adamw');
  const OPTS: AdamwOpts[] = [
    { decoupled: true, amsgrad: false, maximize: false }, { decoupled: false, amsgrad: true, maximize: false },
    { decoupled: true, amsgrad: true, maximize: true }, { decoupled: false, amsgrad: false, maximize: true },
  ];
  const n = 300;

  test.each(['float32', 'float64', 'float16', 'bfloat16'] as fl.DType[])('%s: three steps of each option set', (dtype) => {
    const exact = dtype === 'float32' || dtype === 'float64';
    for (const o of OPTS) {
      fl.scope(() => {
        const r = rng(7);
        const q = (x: number): number => (dtype === 'float32' ? Math.fround(x) : x);
        const init = Array.from({ length: n }, () => q(r() * 2 - 1));
        const st = { p: init.slice(), m: new Array(n).fill(0), v: new Array(n).fill(0), vmax: new Array(n).fill(0) };
        const mk = (vals: number[]): fl.Tensor => fl.tensor(vals, { dtype, device: DEVICE });
        const p = mk(init), m = mk(st.m), v = mk(st.v), vmax = mk(st.vmax);
        const [lr, b1, b2, eps, wd] = [1e-2, 0.9, 0.999, 1e-8, 0.05];
        for (let step = 1; step <= 3; step++) {
          const gv = Array.from({ length: n }, () => q(r() * 4 - 2));
          if (step === 2) gv[3] = NaN;  // NaN propagates (through vmax with amsgrad)
          const g = mk(gv);
          const gIn = exact ? gv : Array.from(g.to('float64').dataSync());
          const prm = [lr, b1, b2, eps, wd, o.decoupled ? 1 : 0, o.amsgrad ? 1 : 0, o.maximize ? 1 : 0, lr / (1 - b1 ** step), Math.sqrt(1 - b2 ** step)];
          call(ADAMW, 'adamw', o.amsgrad ? [p, m, v, g, vmax] : [p, m, v, g], prm);
          if (exact) {
            adamwRef(st, gIn, prm, o, dtype === 'float32');
            expect(Array.from(p.dataSync())).toEqual(st.p);
            expect(Array.from(m.dataSync())).toEqual(st.m);
            expect(Array.from(v.dataSync())).toEqual(st.v);
            if (o.amsgrad) expect(Array.from(vmax.dataSync())).toEqual(st.vmax);
          } else {
            // 16-bit: the reference continues from the stored (rounded) state of each step
            const cur = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync());
            const before = { p: st.p, m: st.m, v: st.v, vmax: st.vmax };
            adamwRef(before, gIn, prm, o, true);
            expectClose(p, before.p, dtype, 2);
            expectClose(m, before.m, dtype, 2);
            expectClose(v, before.v, dtype, 2);
            Object.assign(st, { p: cur(p), m: cur(m), v: cur(v), vmax: cur(vmax) });
          }
        }
      });
    }
  });

  test('bad operands: typed errors naming adamw', () => {
    fl.scope(() => {
      const a = fl.zeros([4, 3], { device: DEVICE }), b = fl.zeros([4, 3], { device: DEVICE });
      const prm = [1e-3, 0.9, 0.999, 1e-8, 0, 1, 0, 0, 1e-2, 0.1];
      expect(() => call(ADAMW, 'adamw', [a, b, b, a.transpose(0, 1)], prm)).toThrow(fl.ShapeError);
      expect(() => call(ADAMW, 'adamw', [a, b, b, fl.zeros([5], { device: DEVICE })], prm)).toThrow(/adamw: operands must be contiguous/);
      expect(() => call(ADAMW, 'adamw', [a, b, b, fl.zeros([4, 3], { dtype: 'float64', device: DEVICE })], prm)).toThrow(fl.ShapeError);
      const i = fl.zeros([4, 3], { dtype: 'int32', device: DEVICE });
      expect(() => call(ADAMW, 'adamw', [i, i, i, i], prm)).toThrow(fl.DTypeError);
      const ams = prm.slice(); ams[6] = 1;
      expect(() => call(ADAMW, 'adamw', [a, b, b, a], ams)).toThrow(/adamw: amsgrad needs a vmax operand/);
      expect(() => call(ADAMW, 'adamw', [a, b], prm)).toThrow(fl.ValueError);
    });
  });
});

/**
 * torch.optim.SGD's single-tensor update with each product rounded before its sum (what the
 * composed ops mul-then-add give), `round` per element: Math.fround for float32, identity for float64.
 */
function sgdRef(st: { p: number[]; buf: number[] }, g: number[], prm: number[], momentumBuf: boolean, f32: boolean): void {
  const r = f32 ? Math.fround : (x: number) => x;
  const [lr, mom, damp, wd, nesterov, maximize] = prm;
  const [m, omd, negLr, w] = [r(mom), r(1 - damp), r(-lr), r(wd)];
  for (let i = 0; i < st.p.length; i++) {
    let d = maximize ? -g[i] : g[i];
    if (wd !== 0) d = r(d + r(st.p[i] * w));
    if (momentumBuf) {
      st.buf[i] = r(r(st.buf[i] * m) + r(d * omd));
      d = nesterov ? r(d + r(st.buf[i] * m)) : st.buf[i];
    }
    st.p[i] = r(st.p[i] + r(d * negLr));
  }
}

describe("native 'sgd' kernel on DEVICE (p, g[, momentum buffer])", () => {
  const SGD = opId('sgd');
  // [lr, momentum, dampening, weightDecay, nesterov, maximize]
  const PRMS = [[0.1, 0.9, 0, 0, 0, 0], [0.05, 0.9, 0.1, 0.01, 0, 1], [0.02, 0.8, 0, 0.1, 1, 0], [0.3, 0, 0, 0.2, 0, 0], [0.01, 0, 0, 0, 0, 1]];
  const n = 70000;  // above the pool's grain: several chunks

  test.each(['float32', 'float64', 'float16', 'bfloat16'] as fl.DType[])('%s: three steps of each option set, exact for float32/float64', (dtype) => {
    const exact = dtype === 'float32' || dtype === 'float64';
    for (const prm of PRMS) {
      fl.scope(() => {
        const r = rng(11);
        const q = (x: number): number => (dtype === 'float32' ? Math.fround(x) : x);
        const mom = prm[1] !== 0;
        const st = { p: Array.from({ length: n }, () => q(r() * 2 - 1)), buf: Array.from({ length: n }, () => q(r() - 0.5)) };
        const mk = (vals: number[]): fl.Tensor => fl.tensor(vals, { dtype, device: DEVICE });
        const p = mk(st.p), buf = mk(st.buf);
        if (!exact) Object.assign(st, { p: Array.from(p.to('float64').dataSync()), buf: Array.from(buf.to('float64').dataSync()) });
        for (let step = 0; step < 3; step++) {
          const gv = Array.from({ length: n }, () => q(r() * 4 - 2));
          if (step === 1) { gv[5] = NaN; gv[6] = Infinity; }
          const g = mk(gv);
          const gIn = exact ? gv : Array.from(g.to('float64').dataSync());
          call(SGD, 'sgd', mom ? [p, g, buf] : [p, g], prm);
          sgdRef(st, gIn, prm, mom, dtype === 'float32');
          if (exact) {
            expect(Array.from(p.dataSync())).toEqual(st.p);
            if (mom) expect(Array.from(buf.dataSync())).toEqual(st.buf);
          } else {
            expectClose(p, st.p, dtype, 2);
            Object.assign(st, { p: Array.from(p.to('float64').dataSync()), buf: Array.from(buf.to('float64').dataSync()) });
          }
        }
      });
    }
  });

  test('SGD.step takes the fused pass and matches the composed ops bit for bit (float32)', () => {
    fl.scope(() => {
      // the first step (which creates the momentum buffer) runs the composed ops, the later ones
      // the fused pass: both must equal the reference that rounds every op to float32
      const r = rng(5);
      const vals = Array.from({ length: 64 * 48 }, () => Math.fround(r() - 0.5));
      const p = fl.tensor(vals).reshape([64, 48]).requiresGrad_();
      const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true });
      const st = { p: vals.slice(), buf: new Array(vals.length).fill(0) };
      for (let step = 0; step < 4; step++) {
        const gv = Array.from({ length: vals.length }, () => Math.fround(r() * 2 - 1));
        p.grad = fl.tensor(gv).reshape([64, 48]);
        opt.step();
        if (step === 0) {  // buf = d, then the Nesterov step d + buf*momentum
          for (let i = 0; i < vals.length; i++) {
            const d = Math.fround(gv[i] + Math.fround(st.p[i] * Math.fround(0.01)));
            st.buf[i] = d;
            st.p[i] = Math.fround(st.p[i] + Math.fround(Math.fround(d + Math.fround(d * Math.fround(0.9))) * Math.fround(-0.1)));
          }
        } else {
          sgdRef(st, gv, [0.1, 0.9, 0, 0.01, 1, 0], true, true);
        }
        expect(Array.from(p.dataSync())).toEqual(st.p);
      }
      opt.dispose();
      p.dispose();
    });
  });

  test('bad operands: typed errors naming sgd', () => {
    fl.scope(() => {
      const a = fl.zeros([4, 3], { device: DEVICE }), b = fl.zeros([4, 3], { device: DEVICE });
      expect(() => call(SGD, 'sgd', [a, a.transpose(0, 1), b], [0.1, 0.9, 0, 0, 0, 0])).toThrow(/sgd: operands must be contiguous/);
      expect(() => call(SGD, 'sgd', [a, b, fl.zeros([5], { device: DEVICE })], [0.1, 0.9, 0, 0, 0, 0])).toThrow(fl.ShapeError);
      expect(() => call(SGD, 'sgd', [a, fl.zeros([4, 3], { dtype: 'float64', device: DEVICE })], [0.1, 0, 0, 0, 0, 0])).toThrow(fl.ShapeError);
      const i = fl.zeros([4, 3], { dtype: 'int32', device: DEVICE });
      expect(() => call(SGD, 'sgd', [i, i], [0.1, 0, 0, 0, 0, 0])).toThrow(fl.DTypeError);
      expect(() => call(SGD, 'sgd', [a, b], [0.1, 0.9, 0, 0, 0, 0])).toThrow(/sgd: a momentum buffer goes with a nonzero momentum/);
      expect(() => call(SGD, 'sgd', [a, b, b], [0.1, 0, 0, 0, 0, 0])).toThrow(fl.ValueError);
      expect(() => call(SGD, 'sgd', [a], [0.1, 0, 0, 0, 0, 0])).toThrow(fl.ValueError);
    });
  });
});
