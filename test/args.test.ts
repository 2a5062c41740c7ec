// args.test.ts — PyTorch-shaped arguments (lib/args.ts): sizes as varargs or one array, positional
// arguments in PyTorch's order, keyword options checked by name, type and range.
//
// The coverage table at the end lists every export of fl, fl.nn, fl.nn.functional, fl.optim and
// fl.data that takes an options object, with one assertion per option against the behaviour it
// should have, and checks that a misspelled key is refused naming the closest valid key. An export
// that is in neither the table nor the list of exports without options fails the test, so a new
// export cannot slip in unchecked.
import * as fl from '../lib';
import { closest, int, num, optional, registry, required, signature, takeSizes } from '../lib/args';
import { DEVICE } from './helpers';

const shapeOf = (t: fl.Tensor): number[] => t.shape.slice();

describe('the shared helper', () => {
  const sig = signature('demoFn', ['a', 'b', 'c'], { a: required(int()), b: optional(num({ min: 0 }), 1), c: optional(int(), 2), flag: optional((v: unknown) => !!v, false) });

  test('positional, keyword, defaults', () => {
    expect(sig.parse([5])).toEqual({ a: 5, b: 1, c: 2, flag: false });
    expect(sig.parse([5, 0.5, 3])).toEqual({ a: 5, b: 0.5, c: 3, flag: false });
    expect(sig.parse([5, { c: 7, flag: true }])).toEqual({ a: 5, b: 1, c: 7, flag: true });
    expect(sig.parse([{ a: 1, b: 2 }])).toEqual({ a: 1, b: 2, c: 2, flag: false });
  });
  test('Python\'s rules: extra positional, duplicate, missing, unknown, wrong type, out of range', () => {
    expect(() => sig.parse([1, 2, 3, 4])).toThrow(new fl.ValueError("demoFn: takes 3 positional arguments (a, b, c) but 4 were given; the extra one is 4"));
    expect(() => sig.parse([1, 2, { b: 3 }])).toThrow(/demoFn: got multiple values for argument 'b'/);
    expect(() => sig.parse([])).toThrow(/demoFn: missing required argument 'a'/);
    expect(() => sig.parse([1, { flg: true }])).toThrow(new fl.ValueError("demoFn: unknown option 'flg' (did you mean 'flag'?)"));
    expect(() => sig.parse([1.5])).toThrow(/demoFn: a must be an integer, got 1.5/);
    expect(() => sig.parse([1, -1])).toThrow(/demoFn: b must be a number >= 0, got -1/);
    expect(() => sig.parse(['1'])).toThrow(fl.ValueError);
  });
  test('closest key: nearest spelling, snake_case, initials', () => {
    expect(closest('pading', ['stride', 'padding', 'dilation'])).toBe('padding');
    expect(closest('weight_decay', ['lr', 'weightDecay', 'momentum'])).toBe('weightDecay');
    expect(closest('learningRate', ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'])).toBe('lr');
    expect(closest('dtyp', ['dtype', 'device', 'pinned', 'requiresGrad'])).toBe('dtype');
  });
  test('takeSizes reads *size', () => {
    expect(takeSizes('f', [2, 3])).toEqual({ sizes: [2, 3], rest: [] });
    expect(takeSizes('f', [[2, 3], { x: 1 }])).toEqual({ sizes: [2, 3], rest: [{ x: 1 }] });
    expect(takeSizes('f', [2, 3, { x: 1 }])).toEqual({ sizes: [2, 3], rest: [{ x: 1 }] });
    expect(() => takeSizes('f', [[2], 3])).toThrow(/f: size must be given as numbers or as one array, not both/);
    expect(() => takeSizes('f', ['2'])).toThrow(/f: expected a size/);
  });
  test('every declared signature has a unique name', () => {
    expect(registry.size).toBeGreaterThan(10);
  });
});

describe('sizes as varargs or one array', () => {
  const sized: [string, (...a: any[]) => fl.Tensor][] = [
    ['zeros', fl.zeros], ['ones', fl.ones], ['empty', fl.empty], ['rand', fl.rand], ['randn', fl.randn],
  ];
  test.each(sized)('%s(2, 3) equals the one-array form; a stray argument throws', (name, f) => {
    fl.scope(() => {
      expect(shapeOf(f(2, 3))).toEqual([2, 3]);
      expect(shapeOf(f([2, 3]))).toEqual([2, 3]);
      expect(shapeOf(f(4))).toEqual([4]);
      const t = f(2, 3, { dtype: 'float64', device: DEVICE });
      expect([shapeOf(t), t.dtype, t.device.split(':')[0]]).toEqual([[2, 3], 'float64', DEVICE.split(':')[0]]);
      expect(f([2, 3], { dtype: 'float64' }).dtype).toBe('float64');
      expect(() => f([2], 3)).toThrow(fl.ValueError);
      expect(() => f(2, 3, 'float64')).toThrow(new RegExp(`${name}: unexpected positional argument 'float64'`));
      expect(() => f(2, { dtyp: 'float64' })).toThrow(new fl.ValueError(`${name}: unknown option 'dtyp' (did you mean 'dtype'?)`));
    });
  });
  test('randint(low, high, size), randint(high, size); full takes one size array', () => {
    fl.scope(() => {
      const a = fl.randint(3, 5, [2, 2]);
      expect(shapeOf(a)).toEqual([2, 2]);
      expect(Array.from(a.dataSync()).every((v) => v >= 3 && v < 5)).toBe(true);
      const b = fl.randint(2, [6]);
      expect(Array.from(b.dataSync()).every((v) => v >= 0 && v < 2)).toBe(true);
      expect(() => (fl.randint as any)(0, 2, [2], 5)).toThrow(/randint: takes 3 positional arguments/);
      expect(Array.from(fl.full([2, 3], 7).dataSync())).toEqual([7, 7, 7, 7, 7, 7]);
      expect(() => (fl.full as any)(2, 3, 7)).toThrow(/full: takes 2 positional arguments/);
    });
  });
  test('views: reshape(2, -1), view, permute(1, 0), expand; an extra argument throws', () => {
    fl.scope(() => {
      const x = fl.arange(6);
      expect(shapeOf(x.reshape(2, -1))).toEqual([2, 3]);
      expect(shapeOf(x.view([3, -1]))).toEqual([3, 2]);
      expect(shapeOf(x.reshape(2, 3).permute(1, 0))).toEqual([3, 2]);
      expect(shapeOf(x.reshape(2, 3).permute([1, 0]))).toEqual([3, 2]);
      expect(shapeOf(fl.zeros(1, 3).expand(4, 3))).toEqual([4, 3]);
      expect(() => (x as any).reshape([2, 3], 1)).toThrow(/reshape: shape must be given as numbers or as one array, not both/);
      expect(() => (x as any).reshape(2, 3, { x: 1 })).toThrow(/reshape: unexpected argument/);
    });
  });
});

describe('requiresGrad on every creation function', () => {
  const makers: [string, () => fl.Tensor][] = [
    ['tensor', () => fl.tensor([1, 2], { dtype: 'float32', requiresGrad: true })],
    ['zeros', () => fl.zeros(2, { requiresGrad: true })],
    ['ones', () => fl.ones([2], { requiresGrad: true })],
    ['empty', () => fl.empty(2, { requiresGrad: true })],
    ['full', () => fl.full([2], 3, { requiresGrad: true })],
    ['arange', () => fl.arange(0, 2, 1, { dtype: 'float32', requiresGrad: true })],
    ['linspace', () => fl.linspace(0, 1, 2, { requiresGrad: true })],
    ['eye', () => fl.eye(2, { requiresGrad: true })],
    ['rand', () => fl.rand(2, { requiresGrad: true })],
    ['randn', () => fl.randn([2], { requiresGrad: true })],
    ['normal', () => fl.normal(0, 1, [2], { requiresGrad: true })],
    ['randint', () => fl.randint(0, 3, [2], { dtype: 'float32', requiresGrad: true })],
    ['randperm', () => fl.randperm(2, { dtype: 'float32', requiresGrad: true })],
    ['zerosLike', () => fl.scope(() => fl.zerosLike(fl.zeros(2), { requiresGrad: true }))],
    ['onesLike', () => fl.scope(() => fl.onesLike(fl.zeros(2), { requiresGrad: true }))],
    ['fullLike', () => fl.scope(() => fl.fullLike(fl.zeros(2), 1, { requiresGrad: true }))],
    ['emptyLike', () => fl.scope(() => fl.emptyLike(fl.zeros(2), { requiresGrad: true }))],
    ['randLike', () => fl.scope(() => fl.randLike(fl.zeros(2), { requiresGrad: true }))],
    ['randnLike', () => fl.scope(() => fl.randnLike(fl.zeros(2), { requiresGrad: true }))],
  ];
  test.each(makers)('%s', (_name, make) => {
    const t = make();
    try {
      expect(t.requiresGrad).toBe(true);
      expect(t.isLeaf).toBe(true);
      fl.scope(() => t.sum().backward());
      expect(Array.from((t.grad as fl.Tensor).dataSync())).toEqual(new Array(t.numel).fill(1));
    } finally { t.grad?.dispose(); t.dispose(); }
  });
  test('an integer dtype with requiresGrad is refused, not ignored', () => {
    expect(() => fl.zeros(2, { dtype: 'int32', requiresGrad: true })).toThrow(/only floating point tensors can require gradients/);
  });
});

// ---- the coverage table ---------------------------------------------------------------------------
// One entry per export that takes options: `honoured` holds one check per parameter with a
// default (each compares the behaviour with the option against an independent reference, so an
// ignored option fails), `call` makes one call with the given options (for the typo check).

interface Entry {
  /** The registry name of its signature (default: the export's name). */
  sig?: string;
  honoured: Record<string, () => void>;
  call: (options: Record<string, unknown>) => unknown;
}
const TABLE: Record<string, Entry> = {};

function near(got: number[], want: number[], what: string, tol = 1e-9): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => { if (!(Math.abs(g - want[i]) <= tol * (1 + Math.abs(want[i])))) throw new Error(`${what}[${i}]: expected ${want[i]}, got ${g}`); });
}
function differs(a: number[], b: number[]): boolean { return a.some((x, i) => Math.abs(x - b[i]) > 1e-9 * (1 + Math.abs(b[i]))); }

// ---- creation functions
{
  const factory = (make: (o: Record<string, unknown>) => fl.Tensor, dtypeOk: fl.DType = 'float64'): Record<string, () => void> => ({
    dtype: () => fl.scope(() => expect(make({ dtype: dtypeOk }).dtype).toBe(dtypeOk)),
    device: () => fl.scope(() => expect(make({ device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
    pinned: () => fl.scope(() => {
      if (fl.cuda.isAvailable()) expect(make({ pinned: true }).isPinned()).toBe(true);
      else expect(() => make({ pinned: true })).toThrow(fl.FlintError);   // pinned memory needs a GPU: refused, not ignored
    }),
    requiresGrad: () => fl.scope(() => expect(make({ requiresGrad: true, dtype: 'float32' }).requiresGrad).toBe(true)),
  });
  const like = (make: (o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => {
    const { dtype, device, requiresGrad } = factory(make);
    return { dtype, device, requiresGrad };
  };
  const sized: Record<string, (...a: any[]) => fl.Tensor> = { zeros: fl.zeros, ones: fl.ones, empty: fl.empty, rand: fl.rand, randn: fl.randn };
  for (const [name, f] of Object.entries(sized)) TABLE[`fl.${name}`] = { honoured: factory((o) => f(2, 3, o)), call: (o) => fl.scope(() => f(2, o)) };
  TABLE['fl.tensor'] = { honoured: factory((o) => fl.tensor([1, 2], o)), call: (o) => fl.scope(() => fl.tensor([1], o as fl.TensorOptions)) };
  TABLE['fl.full'] = { honoured: factory((o) => fl.full([2], 3, o)), call: (o) => fl.scope(() => fl.full([2], 3, o as fl.TensorOptions)) };
  TABLE['fl.normal'] = { honoured: factory((o) => fl.normal(0, 1, [2], o)), call: (o) => fl.scope(() => fl.normal(0, 1, [2], o as fl.TensorOptions)) };
  TABLE['fl.randint'] = {
    honoured: {
      ...factory((o) => fl.randint(0, 5, [3], o)),
      low: () => fl.scope(() => expect(Array.from(fl.randint(7, 9, [50]).dataSync()).every((v) => v >= 7 && v < 9)).toBe(true)),
    },
    call: (o) => fl.scope(() => fl.randint(3, [2], o as fl.TensorOptions)),
  };
  TABLE['fl.randperm'] = {
    honoured: factory((o) => fl.randperm(4, o)),
    call: (o) => fl.scope(() => fl.randperm(3, o as fl.TensorOptions)),
  };
  TABLE['fl.arange'] = {
    honoured: {
      ...factory((o) => fl.arange(0, 3, 1, o)),
      end: () => fl.scope(() => expect(Array.from(fl.arange(2, 5).dataSync())).toEqual([2, 3, 4])),
      step: () => fl.scope(() => expect(Array.from(fl.arange(0, 5, 2).dataSync())).toEqual([0, 2, 4])),
    },
    call: (o) => fl.scope(() => fl.arange(0, 3, 1, o as fl.TensorOptions)),
  };
  TABLE['fl.linspace'] = { honoured: factory((o) => fl.linspace(0, 1, 3, o)), call: (o) => fl.scope(() => fl.linspace(0, 1, 3, o as fl.TensorOptions)) };
  TABLE['fl.eye'] = {
    honoured: { ...factory((o) => fl.eye(2, o)), m: () => fl.scope(() => expect(shapeOf(fl.eye(2, 3))).toEqual([2, 3])) },
    call: (o) => fl.scope(() => fl.eye(2, o as fl.TensorOptions)),
  };
  for (const [name, f] of Object.entries({ zerosLike: fl.zerosLike, onesLike: fl.onesLike, emptyLike: fl.emptyLike, randLike: fl.randLike, randnLike: fl.randnLike })) {
    TABLE[`fl.${name}`] = { honoured: like((o) => (f as any)(fl.zeros(2), o)), call: (o) => fl.scope(() => (f as any)(fl.zeros(2), o)) };
  }
  TABLE['fl.fullLike'] = { honoured: like((o) => fl.fullLike(fl.zeros(2), 1, o)), call: (o) => fl.scope(() => fl.fullLike(fl.zeros(2), 1, o)) };
}

// ---- optimizers: one scalar float64 parameter p = 1 stepped with gradients GS, against float64
// references written from PyTorch's documented update rules.
const GS = [2, -1, 0.5];
type Hyper = Record<string, any>;
function trajectory(make: (ps: fl.Tensor[]) => fl.optim.Optimizer): number[] {
  const p = fl.tensor([1], { dtype: 'float64', requiresGrad: true });
  let opt: fl.optim.Optimizer | undefined;
  const out: number[] = [];
  try {
    opt = make([p]);
    for (const g of GS) {
      p.grad?.dispose();
      p.grad = fl.tensor([g], { dtype: 'float64' });
      opt.step();
      out.push(p.dataSync()[0] as number);
    }
  } finally { opt?.dispose(); p.grad?.dispose(); p.grad = null; p.dispose(); }
  return out;
}
const REFS: Record<string, (h: Hyper) => number[]> = {
  SGD: ({ lr = 1e-3, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false }) => {
    let p = 1, buf: number | undefined;
    return GS.map((g0) => {
      let d = (maximize ? -g0 : g0) + weightDecay * p;
      if (momentum !== 0) { buf = buf === undefined ? d : momentum * buf + (1 - dampening) * d; d = nesterov ? d + momentum * buf : buf; }
      return (p -= lr * d);
    });
  },
  ...Object.fromEntries(['Adam', 'AdamW'].map((name) => [name, ({ lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = name === 'AdamW' ? 1e-2 : 0, amsgrad = false, maximize = false }: Hyper) => {
    let p = 1, m = 0, v = 0, vmax = 0, t = 0;
    const [b1, b2] = betas;
    return GS.map((g0) => {
      t++;
      let g = maximize ? -g0 : g0;
      if (name === 'AdamW') p *= 1 - lr * weightDecay; else g += weightDecay * p;
      m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g; vmax = Math.max(vmax, v);
      return (p -= lr / (1 - b1 ** t) * m / (Math.sqrt(amsgrad ? vmax : v) / Math.sqrt(1 - b2 ** t) + eps));
    });
  }])),
  RMSprop: ({ lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false }) => {
    let p = 1, v = 0, gAvg = 0, buf = 0;
    return GS.map((g0) => {
      const g = (maximize ? -g0 : g0) + weightDecay * p;
      v = alpha * v + (1 - alpha) * g * g;
      gAvg = alpha * gAvg + (1 - alpha) * g;
      const avg = Math.sqrt(centered ? v - gAvg * gAvg : v) + eps;
      if (momentum > 0) { buf = momentum * buf + g / avg; return (p -= lr * buf); }
      return (p -= lr * g / avg);
    });
  },
  Adagrad: ({ lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false }) => {
    let p = 1, sum = initialAccumulatorValue, t = 0;
    return GS.map((g0) => {
      t++;
      const g = (maximize ? -g0 : g0) + weightDecay * p;
      sum += g * g;
      return (p -= lr / (1 + (t - 1) * lrDecay) * g / (Math.sqrt(sum) + eps));
    });
  },
};
const OPT_VALUES: Record<string, Hyper> = {
  SGD: { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.5, nesterov: true, maximize: true },
  Adam: { lr: 0.1, betas: [0.5, 0.6], eps: 0.5, weightDecay: 0.5, amsgrad: true, maximize: true },
  AdamW: { lr: 0.1, betas: [0.5, 0.6], eps: 0.5, weightDecay: 0.5, amsgrad: true, maximize: true },
  RMSprop: { lr: 0.1, alpha: 0.5, eps: 0.5, weightDecay: 0.5, momentum: 0.9, centered: true, maximize: true },
  Adagrad: { lr: 0.1, lrDecay: 0.5, weightDecay: 0.5, initialAccumulatorValue: 0.5, eps: 0.5, maximize: true },
};
for (const [name, values] of Object.entries(OPT_VALUES)) {
  const Cls = (fl.optim as any)[name] as new (...a: any[]) => fl.optim.Optimizer;
  const ref = REFS[name];
  // Options that only act together with another (nesterov and dampening need momentum).
  const base = (k: string): Hyper => (name === 'SGD' && (k === 'nesterov' || k === 'dampening') ? { lr: 0.1, momentum: 0.9 }
    : k === 'amsgrad' ? { lr: 0.1, betas: [0.5, 0.6] } : { lr: 0.1 });
  TABLE[`optim.${name}`] = {
    honoured: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, () => {
      const h = { ...base(k), [k]: v };
      const got = trajectory((ps) => new Cls(ps, h));
      near(got, ref(h), `${name} ${k}`);
      expect(differs(ref(h), ref(k === 'lr' ? {} : base(k)))).toBe(true);   // the option changes the result
    }])),
    call: (o) => trajectory((ps) => new Cls(ps, o)),
  };
}

describe('optimizers take PyTorch\'s positional arguments', () => {
  test('SGD(params, 0.1) steps by 0.1·grad; SGD(params, lr, momentum, dampening, weightDecay, nesterov)', () => {
    near(trajectory((ps) => new fl.optim.SGD(ps, 0.1)), REFS.SGD({ lr: 0.1 }), 'SGD(params, 0.1)');
    expect(trajectory((ps) => new fl.optim.SGD(ps, 0.1))[0]).toBeCloseTo(1 - 0.1 * 2, 12);
    near(trajectory((ps) => new fl.optim.SGD(ps, 0.1, 0.9, 0, 0.5, true, { maximize: true })), REFS.SGD({ lr: 0.1, momentum: 0.9, weightDecay: 0.5, nesterov: true, maximize: true }), 'SGD positional');
  });
  test('Adam(params, lr, betas, eps, weightDecay, amsgrad), AdamW, RMSprop, Adagrad', () => {
    near(trajectory((ps) => new fl.optim.Adam(ps, 0.1, [0.5, 0.6], 0.5)), REFS.Adam({ lr: 0.1, betas: [0.5, 0.6], eps: 0.5 }), 'Adam');
    near(trajectory((ps) => new fl.optim.AdamW(ps, 0.1, undefined, undefined, 0.5)), REFS.AdamW({ lr: 0.1, weightDecay: 0.5 }), 'AdamW');
    near(trajectory((ps) => new fl.optim.RMSprop(ps, 0.1, 0.5, 1e-8, 0, 0.9, true)), REFS.RMSprop({ lr: 0.1, alpha: 0.5, momentum: 0.9, centered: true }), 'RMSprop');
    near(trajectory((ps) => new fl.optim.Adagrad(ps, 0.1, 0.5)), REFS.Adagrad({ lr: 0.1, lrDecay: 0.5 }), 'Adagrad');
  });
  test('Python\'s rules: too many positionals, duplicates, typos in options and in param groups, wrong types', () => {
    const p = fl.tensor([1], { dtype: 'float64', requiresGrad: true });
    try {
      expect(() => new (fl.optim.SGD as any)([p], 0.1, 0.9, 0, 0, false, true)).toThrow(/SGD: takes 6 positional arguments/);
      expect(() => new fl.optim.SGD([p], 0.1, 0.9, { lr: 0.2 })).toThrow(/SGD: got multiple values for argument 'lr'/);
      expect(() => new fl.optim.SGD([p], { learningRate: 1 } as any)).toThrow(new fl.ValueError("SGD: unknown option 'learningRate' (did you mean 'lr'?)"));
      expect(() => new fl.optim.SGD([p], { weight_decay: 1 } as any)).toThrow(/did you mean 'weightDecay'/);
      expect(() => new fl.optim.SGD([{ params: [p], lrr: 0.1 }], 0.1)).toThrow(/SGD: param group: unknown option 'lrr' \(did you mean 'lr'\?\)/);
      expect(() => new fl.optim.SGD([p], -0.1)).toThrow(/SGD: invalid learning rate/);
      expect(() => new fl.optim.SGD([p], 0.1, { nesterov: 1 } as any)).toThrow(/SGD: nesterov must be a boolean/);
      expect(() => new fl.optim.Adam([p], '0.1' as any)).toThrow(/Adam: lr must be a number/);
    } finally { p.dispose(); }
  });
});

// ---- LR schedulers: the lr after each of 7 steps against PyTorch's closed forms.
function lrs(make: (o: fl.optim.Optimizer) => fl.optim.LRScheduler, steps = 7, opt?: (ps: fl.Tensor[]) => fl.optim.Optimizer): { lr: number[]; momentum: number[] } {
  const p = fl.tensor([1], { dtype: 'float32', requiresGrad: true });
  const o = opt ? opt([p]) : new fl.optim.SGD([p], { lr: 1, momentum: 0.9 });
  const lr: number[] = [], momentum: number[] = [];
  try {
    const s = make(o);
    for (let i = 0; i < steps; i++) {
      lr.push(o.paramGroups[0].lr); momentum.push(o.paramGroups[0].momentum);
      o.step(); s.step();
    }
  } finally { o.dispose(); p.dispose(); }
  return { lr, momentum };
}
const E = [0, 1, 2, 3, 4, 5, 6];
const S = fl.optim.lrScheduler;
TABLE['optim.StepLR'] = {
  honoured: { gamma: () => near(lrs((o) => new S.StepLR(o, 2, 0.5)).lr, E.map((e) => 0.5 ** Math.floor(e / 2)), 'StepLR') },
  call: (o) => lrs((opt) => new S.StepLR(opt, { stepSize: 2, ...o }), 1),
};
TABLE['optim.MultiStepLR'] = {
  honoured: { gamma: () => near(lrs((o) => new S.MultiStepLR(o, [2, 5], 0.5)).lr, E.map((e) => 0.5 ** ((e >= 2 ? 1 : 0) + (e >= 5 ? 1 : 0))), 'MultiStepLR') },
  call: (o) => lrs((opt) => new S.MultiStepLR(opt, { milestones: [2], ...o }), 1),
};
TABLE['optim.ExponentialLR'] = {
  honoured: { gamma: () => near(lrs((o) => new S.ExponentialLR(o, 0.5)).lr, E.map((e) => 0.5 ** e), 'ExponentialLR') },
  call: (o) => lrs((opt) => new S.ExponentialLR(opt, { gamma: 0.5, ...o }), 1),
};
TABLE['optim.CosineAnnealingLR'] = {
  honoured: { etaMin: () => near(lrs((o) => new S.CosineAnnealingLR(o, 6, 0.2)).lr, E.map((e) => 0.2 + 0.8 * (1 + Math.cos(Math.PI * e / 6)) / 2), 'CosineAnnealingLR') },
  call: (o) => lrs((opt) => new S.CosineAnnealingLR(opt, { tMax: 3, ...o }), 1),
};
{
  const linear = (s: number, f: number, n: number): number[] => E.map((e) => s + (f - s) * Math.min(n, e) / n);
  TABLE['optim.LinearLR'] = {
    honoured: {
      startFactor: () => near(lrs((o) => new S.LinearLR(o, 0.5)).lr, linear(0.5, 1, 5), 'LinearLR startFactor'),
      endFactor: () => near(lrs((o) => new S.LinearLR(o, { endFactor: 0.5 })).lr, linear(1 / 3, 0.5, 5), 'LinearLR endFactor'),
      totalIters: () => near(lrs((o) => new S.LinearLR(o, 0.5, 1, 2)).lr, linear(0.5, 1, 2), 'LinearLR totalIters'),
    },
    call: (o) => lrs((opt) => new S.LinearLR(opt, o), 1),
  };
}
TABLE['optim.LambdaLR'] = {
  honoured: { lrLambda: () => near(lrs((o) => new S.LambdaLR(o, (e) => 1 / (e + 1))).lr, E.map((e) => 1 / (e + 1)), 'LambdaLR') },
  call: (o) => lrs((opt) => new S.LambdaLR(opt, { lrLambda: () => 1, ...o }), 1),
};
{
  // PyTorch's OneCycleLR with two phases: steps 0..pct·n-1 rise from max/div to max, then anneal to
  // max/div/finalDiv at step n-1; momentum moves the other way between maxMomentum and baseMomentum.
  const cos = (a: number, b: number, t: number): number => b + (a - b) / 2 * (Math.cos(Math.PI * t) + 1);
  const one = (o: Hyper, steps: number) => lrs((opt) => new S.OneCycleLR(opt, o as any), steps);
  TABLE['optim.OneCycleLR'] = {
    honoured: {
      totalSteps: () => {
        const r = one({ maxLr: 1, totalSteps: 10 }, 10);
        near([r.lr[9]], [1 / 25 / 1e4], 'lr at the last step');
        expect(() => one({ maxLr: 1, totalSteps: 10 }, 11)).toThrow(/the specified number of total steps is 10/);
      },
      epochs: () => expect(() => one({ maxLr: 1, epochs: 2, stepsPerEpoch: 3 }, 7)).toThrow(/the specified number of total steps is 6/),
      stepsPerEpoch: () => expect(one({ maxLr: 1, epochs: 2, stepsPerEpoch: 3 }, 6).lr.length).toBe(6),
      pctStart: () => near([one({ maxLr: 1, totalSteps: 10, pctStart: 0.5 }, 5).lr[4]], [1], 'peak at pct·n-1'),
      annealStrategy: () => near([one({ maxLr: 1, totalSteps: 9, pctStart: 0.5, annealStrategy: 'linear' }, 3).lr[2]], [0.04 + (1 - 0.04) * 2 / 3.5], 'linear rise'),
      cycleMomentum: () => expect(one({ maxLr: 1, totalSteps: 10, cycleMomentum: false }, 3).momentum).toEqual([0.9, 0.9, 0.9]),
      baseMomentum: () => near([one({ maxLr: 1, totalSteps: 10, baseMomentum: 0.5 }, 3).momentum[2]], [0.5], 'momentum at the peak'),
      maxMomentum: () => near([one({ maxLr: 1, totalSteps: 10, maxMomentum: 0.99 }, 1).momentum[0]], [0.99], 'momentum at step 0'),
      divFactor: () => near([one({ maxLr: 1, totalSteps: 10, divFactor: 4 }, 1).lr[0]], [0.25], 'initial lr'),
      finalDivFactor: () => near([one({ maxLr: 1, totalSteps: 10, finalDivFactor: 10 }, 10).lr[9]], [1 / 25 / 10], 'final lr'),
      threePhase: () => {
        const r = one({ maxLr: 1, totalSteps: 10, threePhase: true }, 10);
        near([r.lr[2], r.lr[4], r.lr[6]], [1, 1 / 25, cos(1 / 25, 1 / 25 / 1e4, 2 / 5)], 'three phases');
      },
    },
    call: (o) => one({ maxLr: 1, totalSteps: 3, ...o }, 1),
  };
}
TABLE['optim.SequentialLR'] = {
  honoured: {},
  call: (o) => lrs((opt) => new S.SequentialLR(opt, { schedulers: [new S.ExponentialLR(opt, 0.5)], milestones: [], ...o }), 1),
};

describe('schedulers take PyTorch\'s positional arguments', () => {
  test('StepLR(opt, stepSize, gamma) = StepLR(opt, { stepSize, gamma }); SequentialLR(opt, schedulers, milestones)', () => {
    expect(lrs((o) => new S.StepLR(o, 2, 0.5)).lr).toEqual(lrs((o) => new S.StepLR(o, { stepSize: 2, gamma: 0.5 })).lr);
    near(lrs((o) => new S.SequentialLR(o, [new S.LinearLR(o, 0.5, 1, 2), new S.ExponentialLR(o, 0.5)], [2])).lr,
      [0.5, 0.75, 1, 0.5, 0.25, 0.125, 0.0625], 'SequentialLR');
    expect(() => lrs((o) => new (S.StepLR as any)(o, 2, 0.5, 3))).toThrow(/StepLR: takes 3 positional arguments/);
    expect(() => lrs((o) => new S.StepLR(o, { stepSize: 2, gama: 0.5 } as any))).toThrow(new fl.ValueError("StepLR: unknown option 'gama' (did you mean 'gamma'?)"));
  });
});

describe('nn modules and functionals take PyTorch\'s positional arguments', () => {
  test('the four cases of the issue: Conv2d(1, 8, 3, 1, 1), MaxPool2d(2, 1), Linear(4, 3, false), LSTM(10, 20, 2)', () => {
    fl.scope(() => {
      const x = fl.randn(1, 1, 5, 5);
      expect(shapeOf(new fl.nn.Conv2d(1, 8, 3, 1, 1).forward(x))).toEqual([1, 8, 5, 5]);
      expect(shapeOf(new fl.nn.Conv2d(1, 8, 3, 2).forward(x))).toEqual([1, 8, 2, 2]);
      expect(shapeOf(new fl.nn.MaxPool2d(2, 1).forward(x))).toEqual([1, 1, 4, 4]);
      expect(new fl.nn.Linear(4, 3, false).bias).toBeNull();
      const lstm = new fl.nn.LSTM(10, 20, 2);
      expect(lstm.numLayers).toBe(2);
      const [, [h]] = lstm.forward(fl.randn(5, 3, 10));
      expect(shapeOf(h)).toEqual([2, 3, 20]);
    });
  });
  test('a typo, a duplicate, an extra positional or a wrong type throws', () => {
    fl.scope(() => {
      expect(() => new fl.nn.Conv2d(1, 8, 3, { pading: 1 } as any)).toThrow(new fl.ValueError("Conv2d: unknown option 'pading' (did you mean 'padding'?)"));
      expect(() => new fl.nn.Conv2d(1, 8, 3, 1, 1, { padding: 1 })).toThrow(/Conv2d: got multiple values for argument 'padding'/);
      expect(() => new fl.nn.Linear(4, 3, 1 as any)).toThrow(/Linear: bias must be a boolean, got 1/);
      expect(() => new fl.nn.Linear(4.5, 3)).toThrow(/Linear: inFeatures must be an integer >= 0, got 4.5/);
      expect(() => new (fl.nn.ReLU as any)(true)).toThrow(/ReLU: unexpected positional argument true/);
      expect(() => new (fl.nn.Dropout as any)(0.1, true)).toThrow(/Dropout: takes 1 positional argument/);
      const logits = fl.randn(4, 3), target = fl.tensor([0, 1, 2, 1]);
      expect(() => fl.nn.functional.crossEntropy(logits, target, { labelSmothing: 0.1 } as any)).toThrow(/crossEntropy: unknown option 'labelSmothing' \(did you mean 'labelSmoothing'\?\)/);
      expect(() => fl.nn.functional.crossEntropy(logits, target, null, { weight: null })).toThrow(/got multiple values for argument 'weight'/);
    });
  });
});

// ---- nn entries go above this line ----

/** A misspelling of `key` one edit away (a letter dropped), as a user's typo. */
function typo(key: string): string { return key.length > 3 ? key.slice(0, 2) + key.slice(3) : `${key}x`; }

describe('every option of every entry is honoured, and a misspelled key is refused', () => {
  const entries = Object.entries(TABLE);
  test.each(entries)('%s', (name, e) => {
    const sig = registry.get(e.sig ?? name.split('.').pop()!);
    expect(sig).toBeDefined();
    const optionalNames = sig!.names.filter((k) => !sig!.params[k].required);
    // one check per parameter with a default (and only for parameters that exist)
    expect(Object.keys(e.honoured).filter((k) => !sig!.params[k]?.required).sort()).toEqual(optionalNames.sort());
    for (const [k, check] of Object.entries(e.honoured)) {
      try { check(); } catch (err) { throw new Error(`${name}: option '${k}' is not honoured: ${(err as Error).message}`); }
    }
    // each key misspelled is refused, naming the function and the key meant
    for (const k of optionalNames) {
      const bad = typo(k);
      let thrown: unknown;
      try { e.call({ [bad]: 1 }); } catch (err) { thrown = err; }
      expect(thrown).toBeInstanceOf(fl.ValueError);
      expect((thrown as Error).message).toBe(`${sig!.fn}: unknown option '${bad}' (did you mean '${closest(bad, sig!.names)}'?)`);
      expect(closest(bad, sig!.names)).toBe(k);
    }
  });
});
