// args.test.ts — PyTorch-shaped arguments (lib/args.ts): sizes as varargs or one array, positional
// arguments in PyTorch's order, keyword options checked by name, type and range.
//
// The coverage table at the end lists every export of fl, fl.nn, fl.nn.functional, fl.optim and
// fl.data that takes an options object, with one assertion per option against the behaviour it
// should have, and checks that a misspelled key is refused naming the closest valid key. An export
// that is in neither the table nor the list of exports without options fails the test, so a new
// export cannot slip in unchecked.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { bool, closest, int, num, optional, registry, required, signature, takeSizes } from '../lib/args';
import { decodeModel } from '../lib/onnx/proto';
import { DEVICE } from './helpers';
import { registerEngine } from '../lib/distributed/group';
import type { Engine, EngineInit } from '../lib/distributed/engine';

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
    // a required keyword-only option (torch's `*, upper`) that is missing: was accepted silently
    const kwOnly = signature('demoKwOnly', ['a'], { a: required(int()), upper: required(bool) });
    expect(() => kwOnly.parse([1])).toThrow(new fl.ValueError("demoKwOnly: missing required argument 'upper'"));
    expect(kwOnly.parse([1, { upper: true }])).toEqual({ a: 1, upper: true });
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
      // the functions take the same forms, and refuse a stray argument too
      expect(shapeOf(fl.reshape(x, [3, 2]))).toEqual([3, 2]);
      expect(shapeOf(fl.reshape(x, 3, 2))).toEqual([3, 2]);
      expect(shapeOf(fl.permute(x.reshape(2, 3), 1, 0))).toEqual([3, 2]);
      expect(shapeOf(fl.repeat(x, 2))).toEqual([12]);
      expect(() => (fl.reshape as any)(x, [6], 1)).toThrow(/reshape: shape must be given as numbers or as one array, not both/);
      expect(() => (fl.view as any)(x, [6], { dim: 1 })).toThrow(/view: unexpected argument/);
      expect(() => (fl.broadcastTo as any)(x, [6], 1)).toThrow(/broadcastTo: takes \(tensor, shape\)/);
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
  /** Checks that need to await (DataLoader epochs). */
  asyncHonoured?: Record<string, () => Promise<void>>;
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
  // fl.setPrintoptions (lib/print-options.ts): each option changes the text of a tensor as torch's does; profile 'default' restores
  {
    const printed = (o: Record<string, unknown>, make: () => fl.Tensor): string => fl.scope(() => {
      try { fl.setPrintoptions(o); return String(make()); } finally { fl.setPrintoptions({ profile: 'default' }); }
    });
    const row = () => fl.tensor([1.12345, 2, 3, 4, 5, 6, 7, 8], { dtype: 'float32' });
    TABLE['fl.setPrintoptions'] = {
      honoured: {
        // torch.set_printoptions(precision=2); str(torch.tensor([1.12345, 2., …, 8.]))
        precision: () => expect(printed({ precision: 2 }, row)).toBe('tensor([1.12, 2.00, 3.00, 4.00, 5.00, 6.00, 7.00, 8.00])'),
        threshold: () => expect(printed({ threshold: 5 }, row)).toBe('tensor([1.1235, 2.0000, 3.0000,  ..., 6.0000, 7.0000, 8.0000])'),
        edgeitems: () => expect(printed({ threshold: 5, edgeitems: 1 }, row)).toBe('tensor([1.1235,  ..., 8.0000])'),
        linewidth: () => expect(printed({ linewidth: 40 }, row)).toBe('tensor([1.1235, 2.0000, 3.0000, 4.0000,\n        5.0000, 6.0000, 7.0000, 8.0000])'),
        profile: () => expect(printed({ profile: 'short' }, row)).toBe('tensor([1.12, 2.00, 3.00, 4.00, 5.00, 6.00, 7.00, 8.00])'),
        sciMode: () => expect(printed({ sciMode: true }, () => fl.tensor([1.5, 2], { dtype: 'float32' }))).toBe('tensor([1.5000e+00, 2.0000e+00])'),
      },
      call: (o) => { try { fl.setPrintoptions(o as fl.SetPrintOptions); } finally { fl.setPrintoptions({ profile: 'default' }); } },
    };
  }
  TABLE['fl.randperm'] = {
    honoured: factory((o) => fl.randperm(4, o)),
    call: (o) => fl.scope(() => fl.randperm(3, o as fl.TensorOptions)),
  };
  // `generator` (lib/generator.ts): two generators of one seed draw the same values, of another seed others
  const drawsWith = (make: (g: fl.Generator) => fl.Tensor) => () => fl.scope(() => {
    const v = (s: number) => Array.from(make(new fl.Generator({ device: DEVICE }).manualSeed(s)).to('float64').dataSync());
    expect(v(1)).toEqual(v(1));
    expect(v(1)).not.toEqual(v(2));
  });
  TABLE['fl.rand'].honoured.generator = drawsWith((g) => fl.rand(8, { device: DEVICE, generator: g }));
  TABLE['fl.randn'].honoured.generator = drawsWith((g) => fl.randn(8, { device: DEVICE, generator: g }));
  TABLE['fl.normal'].honoured.generator = drawsWith((g) => fl.normal(0, 1, [8], { device: DEVICE, generator: g }));
  // std (default 1 with a tensor mean): std 0 gives the mean exactly, the default does not; size: the shape
  TABLE['fl.normal'].honoured.std = () => fl.scope(() => {
    const m = fl.full([4], 5, { device: DEVICE });
    expect(Array.from(fl.normal(m, 0).dataSync())).toEqual([5, 5, 5, 5]);
    expect(Array.from(fl.normal(m).dataSync())).not.toEqual([5, 5, 5, 5]);
  });
  TABLE['fl.normal'].honoured.size = () => fl.scope(() => expect(fl.normal(0, 1, [2, 5]).shape).toEqual([2, 5]));
  TABLE['fl.randint'].honoured.generator = drawsWith((g) => fl.randint(0, 1000, [8], { device: DEVICE, generator: g }));
  TABLE['fl.randperm'].honoured.generator = drawsWith((g) => fl.randperm(8, { device: DEVICE, generator: g }));
  TABLE['fl.bernoulli'] = {
    honoured: { generator: drawsWith((g) => fl.bernoulli(fl.full([16], 0.5, { device: DEVICE }), { generator: g })) },
    call: (o) => fl.scope(() => fl.bernoulli(fl.full([2], 0.5), o)),
  };
  TABLE['fl.multinomial'] = {
    honoured: {
      // 3 draws from 3 equal weights: without replacement a permutation; 30 with replacement repeat
      replacement: () => fl.scope(() => {
        const w = fl.ones(3, { device: DEVICE });
        expect(Array.from(fl.multinomial(w, 3, false).dataSync()).sort()).toEqual([0, 1, 2]);
        expect(new Set(fl.multinomial(w, 30, true).dataSync()).size).toBe(3);
      }),
      generator: drawsWith((g) => fl.multinomial(fl.ones(8, { device: DEVICE }), 8, false, { generator: g })),
    },
    call: (o) => fl.scope(() => fl.multinomial(fl.ones(2), 1, o)),
  };
  TABLE['fl.Generator'] = {
    honoured: { device: () => expect(new fl.Generator({ device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0]) },
    call: (o) => new fl.Generator(o),
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
      expect(() => new (fl.optim.SGD as any)([p], 0.1, 0.9, { lr: 0.2 })).toThrow(/SGD: got multiple values for argument 'lr'/);
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
      lr.push(o.paramGroups[0].lr); momentum.push(o.paramGroups[0].momentum as number);
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

// ---- Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD (lib/optim/*.ts): 8 steps of one float64 scalar
// against float64 references written from torch 1.13's update rules (NAdam's mu product and
// ASGD's eta and mu are float32 scalars there, hence the fround); ASGD's average ax is appended.
{
  const GS8 = [2, 1, -1, 0.5, 1, -2, -0.3, 0.7];
  const f32 = Math.fround;
  const traj8 = (make: (ps: fl.Tensor[]) => fl.optim.Optimizer): number[] => {
    const p = fl.tensor([1], { dtype: 'float64', requiresGrad: true });
    let opt: fl.optim.Optimizer | undefined;
    const out: number[] = [];
    try {
      opt = make([p]);
      for (const g of GS8) { p.grad?.dispose(); p.grad = fl.tensor([g], { dtype: 'float64' }); opt.step(); out.push(p.dataSync()[0] as number); }
      const ax = opt.state.get(p)?.ax;
      if (ax instanceof fl.Tensor) out.push(ax.dataSync()[0] as number);
    } finally { opt?.dispose(); p.grad?.dispose(); p.grad = null; p.dispose(); }
    return out;
  };
  const REFS8: Record<string, (h: Hyper) => number[]> = {
    Adamax: ({ lr = 2e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, maximize = false }) => {
      let p = 1, m = 0, u = 0, t = 0;
      return GS8.map((g0) => {
        t++;
        const g = (maximize ? -g0 : g0) + weightDecay * p;
        m = betas[0] * m + (1 - betas[0]) * g; u = Math.max(betas[1] * u, Math.abs(g) + eps);
        return (p -= lr / (1 - betas[0] ** t) * m / u);
      });
    },
    NAdam: ({ lr = 2e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, momentumDecay = 4e-3 }) => {
      let p = 1, m = 0, v = 0, t = 0, prod = 1;
      const [b1, b2] = betas;
      return GS8.map((g0) => {
        t++;
        const g = g0 + weightDecay * p;
        const mu = b1 * (1 - 0.5 * 0.96 ** (t * momentumDecay)), mu1 = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
        prod = f32(prod * f32(mu));
        const prod1 = f32(f32(prod * f32(mu)) * f32(mu1));
        m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g;
        const denom = Math.sqrt(v / (1 - b2 ** t)) + eps;
        p -= lr * (1 - mu) / (1 - prod) * g / denom;
        return (p -= lr * mu1 / (1 - prod1) * m / denom);
      });
    },
    RAdam: ({ lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 }) => {
      let p = 1, m = 0, v = 0, t = 0;
      const [b1, b2] = betas;
      const rhoInf = 2 / (1 - b2) - 1;
      return GS8.map((g0) => {
        t++;
        const g = g0 + weightDecay * p;
        m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g;
        const bc2 = 1 - b2 ** t, rho = rhoInf - 2 * t * b2 ** t / bc2;
        const mHat = m / (1 - b1 ** t);
        if (rho <= 5) return (p -= lr * mHat);
        const rect = Math.sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
        return (p -= lr * mHat * Math.sqrt(bc2) / (Math.sqrt(v) + eps) * rect);
      });
    },
    Adadelta: ({ lr = 1, rho = 0.9, eps = 1e-6, weightDecay = 0, maximize = false }) => {
      let p = 1, v = 0, u = 0;
      return GS8.map((g0) => {
        const g = (maximize ? -g0 : g0) + weightDecay * p;
        v = rho * v + (1 - rho) * g * g;
        const delta = Math.sqrt(u + eps) / Math.sqrt(v + eps) * g;
        u = rho * u + (1 - rho) * delta * delta;
        return (p -= lr * delta);
      });
    },
    Rprop: ({ lr = 1e-2, etas = [0.5, 1.2], stepSizes = [1e-6, 50], maximize = false }) => {
      let p = 1, prev = 0, step = lr;
      return GS8.map((g0) => {
        let g = maximize ? -g0 : g0;
        const s = Math.sign(g * prev);
        step = Math.min(Math.max(step * (s > 0 ? etas[1] : s < 0 ? etas[0] : 1), stepSizes[0]), stepSizes[1]);
        if (s < 0) g = 0;
        prev = g;
        return (p -= Math.sign(g) * step);
      });
    },
    ASGD: ({ lr = 1e-2, lambd = 1e-4, alpha = 0.75, t0 = 1e6, weightDecay = 0, maximize = false }) => {
      let p = 1, ax = 0, eta = f32(lr), mu = 1, t = 0;
      const out = GS8.map((g0) => {
        t++;
        const g = (maximize ? -g0 : g0) + weightDecay * p;
        p *= 1 - lambd * eta; p -= eta * g;
        ax = mu !== 1 ? ax + (p - ax) * mu : p;
        eta = f32(lr / (1 + lambd * lr * t) ** alpha); mu = f32(1 / Math.max(1, t - t0));
        return p;
      });
      return [...out, ax];
    },
  };
  // each option's value, and (where an option acts only with others) the base it is tried on
  const VALUES8: Record<string, [Hyper, Record<string, Hyper>]> = {
    Adamax: [{ lr: 0.5, betas: [0.5, 0.6], eps: 0.5, weightDecay: 0.5, maximize: true }, {}],
    NAdam: [{ lr: 0.5, betas: [0.5, 0.6], eps: 0.5, weightDecay: 0.5, momentumDecay: 0.5 }, {}],
    RAdam: [{ lr: 0.5, betas: [0.5, 0.9], eps: 0.5, weightDecay: 0.5 }, { eps: { betas: [0.5, 0.9] } }],
    Adadelta: [{ lr: 0.5, rho: 0.5, eps: 0.5, weightDecay: 0.5, maximize: true }, {}],
    Rprop: [{ lr: 0.5, etas: [0.3, 1.5], stepSizes: [1e-6, 0.011], maximize: true }, { stepSizes: { lr: 0.01 } }],
    ASGD: [{ lr: 0.5, lambd: 0.5, alpha: 0.1, t0: 2, weightDecay: 0.5, maximize: true }, { alpha: { lambd: 0.5 } }],
  };
  for (const [name, [values, bases]] of Object.entries(VALUES8)) {
    const Cls = (fl.optim as any)[name] as new (...a: any[]) => fl.optim.Optimizer;
    const ref = REFS8[name];
    const base = (k: string): Hyper => ({ lr: 0.1, ...bases[k] });
    TABLE[`optim.${name}`] = {
      honoured: {
        ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, () => {
          const h = { ...base(k), [k]: v };
          near(traj8((ps) => new Cls(ps, h)), ref(h), `${name} ${k}`);
          expect(differs(ref(h), ref(k === 'lr' ? {} : base(k)))).toBe(true);
        }])),
        // accepted for PyTorch's signature and ignored, as torch's single-tensor path equals its foreach one
        foreach: () => expect(traj8((ps) => new Cls(ps, { lr: 0.1, foreach: true }))).toEqual(traj8((ps) => new Cls(ps, { lr: 0.1 }))),
      },
      call: (o) => traj8((ps) => new Cls(ps, o)),
    };
  }
  // LBFGS on f(x) = (x0 - 1)² + 10 (x1 - 2)² from x = 0: one step(closure), then x and the state
  const lbfgs = (o: Hyper): { x: number[]; s: Record<string, any> } => {
    const x = fl.zeros([2], { dtype: 'float64' }).requiresGrad_();
    let opt: fl.optim.LBFGS | undefined;
    try {
      opt = new fl.optim.LBFGS([x], o);
      const w = fl.tensor([1, 10], { dtype: 'float64' }), c = fl.tensor([1, 2], { dtype: 'float64' });
      try {
        fl.scope(() => { opt!.step(() => { opt!.zeroGrad(); const l = x.sub(c).square().mul(w).sum(); l.backward(); return l; }); });
      } finally { w.dispose(); c.dispose(); }
      const s = opt.state.get(x)!;
      return { x: Array.from(x.dataSync() as Float64Array), s: { nIter: s.nIter, funcEvals: s.funcEvals, history: (s.oldDirs as unknown[] | undefined)?.length ?? 0 } };
    } finally { opt?.dispose(); x.grad?.dispose(); x.grad = null; x.dispose(); }
  };
  TABLE['optim.LBFGS'] = {
    honoured: {
      // one fixed step: x = -lr · min(1, 1/|g|₁) · g with g = (-2, -40)
      lr: () => near(lbfgs({ lr: 0.5, maxIter: 1 }).x, [0.5 * 2 / 42, 0.5 * 40 / 42], 'LBFGS lr'),
      maxIter: () => expect(lbfgs({ maxIter: 3, maxEval: 100, lr: 0.01 }).s.nIter).toBe(3),
      maxEval: () => expect(lbfgs({ maxIter: 10, maxEval: 4, lr: 0.01 }).s.funcEvals).toBe(4),
      toleranceGrad: () => expect(lbfgs({ toleranceGrad: 100 })).toEqual({ x: [0, 0], s: { nIter: 0, funcEvals: 1, history: 0 } }),
      toleranceChange: () => expect(lbfgs({ toleranceChange: 1e4 })).toEqual({ x: [0, 0], s: { nIter: 1, funcEvals: 1, history: 0 } }),
      historySize: () => {
        expect(lbfgs({ historySize: 1, lr: 0.01, maxIter: 6 }).s.history).toBe(1);
        expect(lbfgs({ lr: 0.01, maxIter: 6 }).s.history).toBeGreaterThan(1);
      },
      // on a quadratic the strong-Wolfe search finds the minimum; the fixed step (lr 1) does not in 2 iterations
      lineSearchFn: () => {
        near(lbfgs({ lineSearchFn: 'strong_wolfe', maxIter: 5 }).x, [1, 2], 'strong_wolfe', 1e-6);
        expect(differs(lbfgs({ maxIter: 2 }).x, [1, 2])).toBe(true);
      },
    },
    call: (o) => lbfgs(o),
  };
}
{
  // the newer schedulers: lr (and momentum) before each of 7 steps (lrs above: SGD lr 1, momentum 0.9)
  const cyc = (e: number, up: number, down: number, scale: (cycle: number, e: number) => number, lo = 0, hi = 1): number => {
    const T = up + down, r = up / T, cycle = Math.floor(1 + e / T), x = 1 + e / T - cycle;
    return lo + (hi - lo) * (x <= r ? x / r : (x - 1) / (r - 1)) * scale(cycle, e);
  };
  const one = (): number => 1;
  TABLE['optim.ConstantLR'] = {
    honoured: {
      factor: () => near(lrs((o) => new S.ConstantLR(o, 0.5)).lr, E.map((e) => (e < 5 ? 0.5 : 1)), 'ConstantLR factor'),
      totalIters: () => near(lrs((o) => new S.ConstantLR(o, { totalIters: 2 })).lr, E.map((e) => (e < 2 ? 1 / 3 : 1)), 'ConstantLR totalIters'),
    },
    call: (o) => lrs((opt) => new S.ConstantLR(opt, o), 1),
  };
  TABLE['optim.MultiplicativeLR'] = {
    honoured: {},
    call: (o) => lrs((opt) => new S.MultiplicativeLR(opt, { lrLambda: () => 0.5, ...o }), 1),
  };
  TABLE['optim.PolynomialLR'] = {
    honoured: {
      totalIters: () => near(lrs((o) => new S.PolynomialLR(o, 4)).lr, E.map((e) => 1 - Math.min(4, e) / 4), 'PolynomialLR totalIters'),
      power: () => near(lrs((o) => new S.PolynomialLR(o, { power: 2 })).lr, E.map((e) => (1 - Math.min(5, e) / 5) ** 2), 'PolynomialLR power'),
    },
    call: (o) => lrs((opt) => new S.PolynomialLR(opt, o), 1),
  };
  TABLE['optim.ChainedScheduler'] = {
    honoured: {},
    call: (o) => lrs((opt) => new S.ChainedScheduler({ schedulers: [new S.ExponentialLR(opt, 0.5)], ...o } as any), 1),
  };
  const cy = (o: Hyper) => lrs((opt) => new S.CyclicLR(opt, { baseLr: 0, maxLr: 1, stepSizeUp: 2, ...o } as any));
  TABLE['optim.CyclicLR'] = {
    honoured: {
      stepSizeUp: () => near(cy({ stepSizeUp: 3 }).lr, E.map((e) => cyc(e, 3, 3, one)), 'CyclicLR stepSizeUp'),
      stepSizeDown: () => near(cy({ stepSizeDown: 1 }).lr, E.map((e) => cyc(e, 2, 1, one)), 'CyclicLR stepSizeDown'),
      mode: () => near(cy({ mode: 'triangular2' }).lr, E.map((e) => cyc(e, 2, 2, (c) => 1 / 2 ** (c - 1))), 'CyclicLR mode'),
      gamma: () => near(cy({ mode: 'exp_range', gamma: 0.5 }).lr, E.map((e) => cyc(e, 2, 2, (_c, i) => 0.5 ** i)), 'CyclicLR gamma'),
      scaleFn: () => near(cy({ scaleFn: (c: number) => 1 / c }).lr, E.map((e) => cyc(e, 2, 2, (c) => 1 / c)), 'CyclicLR scaleFn'),
      scaleMode: () => near(cy({ scaleFn: (x: number) => 0.5 ** x, scaleMode: 'iterations' }).lr, E.map((e) => cyc(e, 2, 2, (_c, i) => 0.5 ** i)), 'CyclicLR scaleMode'),
      cycleMomentum: () => expect(cy({ cycleMomentum: false }).momentum).toEqual(E.map(() => 0.9)),
      baseMomentum: () => near(cy({ baseMomentum: 0.5 }).momentum, E.map((e) => 0.9 - cyc(e, 2, 2, one, 0, 0.4)), 'CyclicLR baseMomentum'),
      maxMomentum: () => near(cy({ maxMomentum: 0.99 }).momentum, E.map((e) => 0.99 - cyc(e, 2, 2, one, 0, 0.19)), 'CyclicLR maxMomentum'),
    },
    call: (o) => lrs((opt) => new S.CyclicLR(opt, { baseLr: 0.1, maxLr: 1, ...o } as any), 1),
  };
  TABLE['optim.CosineAnnealingWarmRestarts'] = {
    honoured: {
      tMult: () => near(lrs((o) => new S.CosineAnnealingWarmRestarts(o, 2, 2)).lr, [[0, 2], [1, 2], [0, 4], [1, 4], [2, 4], [3, 4], [0, 8]].map(([c, T]) => (1 + Math.cos(Math.PI * c / T)) / 2), 'tMult'),
      etaMin: () => near(lrs((o) => new S.CosineAnnealingWarmRestarts(o, { t0: 3, etaMin: 0.2 })).lr, E.map((e) => 0.2 + 0.8 * (1 + Math.cos(Math.PI * (e % 3) / 3)) / 2), 'etaMin'),
    },
    call: (o) => lrs((opt) => new S.CosineAnnealingWarmRestarts(opt, { t0: 2, ...o } as any), 1),
  };
  // ReduceLROnPlateau: the lr after each metric
  const plateau = (o: Hyper, metrics: number[]): number[] => {
    const p = fl.zeros([1]).requiresGrad_();
    const opt = new fl.optim.SGD([p], 1);
    try {
      const s = new S.ReduceLROnPlateau(opt, o);
      return metrics.map((m) => { s.step(m); return opt.paramGroups[0].lr; });
    } finally { opt.dispose(); p.dispose(); }
  };
  TABLE['optim.ReduceLROnPlateau'] = {
    honoured: {
      mode: () => { near(plateau({ mode: 'max', patience: 0 }, [1, 2, 3]), [1, 1, 1], 'mode max'); near(plateau({ patience: 0 }, [1, 2, 3]), [1, 0.1, 0.01], 'mode min'); },
      factor: () => near(plateau({ factor: 0.5, patience: 0 }, [1, 1, 1]), [1, 0.5, 0.25], 'factor'),
      patience: () => near(plateau({ patience: 1 }, [1, 1, 1, 1]), [1, 1, 0.1, 0.1], 'patience'),
      threshold: () => { near(plateau({ patience: 0, threshold: 0.5 }, [10, 9, 8]), [1, 0.1, 0.01], 'threshold'); near(plateau({ patience: 0 }, [10, 9, 8]), [1, 1, 1], 'default threshold'); },
      thresholdMode: () => near(plateau({ patience: 0, threshold: 0.5, thresholdMode: 'abs' }, [10, 9, 8]), [1, 1, 1], 'thresholdMode'),
      cooldown: () => near(plateau({ patience: 0, cooldown: 1 }, [1, 1, 1, 1]), [1, 0.1, 0.1, 0.01], 'cooldown'),
      minLr: () => near(plateau({ patience: 0, minLr: 0.05 }, [1, 1, 1]), [1, 0.1, 0.05], 'minLr'),
      eps: () => near(plateau({ patience: 0, factor: 0.5, eps: 0.3 }, [1, 1, 1]), [1, 0.5, 0.5], 'eps'),
    },
    call: (o) => plateau(o, [1]),
  };
  const SW = fl.optim.swaUtils;
  TABLE['optim.swaUtils.SWALR'] = {
    sig: 'SWALR',
    honoured: {
      // lr = initial + (swaLr - initial) · alpha(min(1, step / annealEpochs)), alpha the anneal function
      annealEpochs: () => near(lrs((o) => new SW.SWALR(o, 0.1, 3)).lr, [0, 1, 2, 3, 3, 3, 3].map((s) => 1 - 0.9 * (1 - Math.cos(Math.PI * s / 3)) / 2), 'SWALR annealEpochs'),
      annealStrategy: () => near(lrs((o) => new SW.SWALR(o, { swaLr: 0.1, annealEpochs: 3, annealStrategy: 'linear' })).lr, [1, 0.7, 0.4, 0.1, 0.1, 0.1, 0.1], 'SWALR linear'),
    },
    call: (o) => lrs((opt) => new SW.SWALR(opt, { swaLr: 0.1, ...o } as any), 1),
  };
  // AveragedModel of Linear(1, 1) (float64) whose weight is set to 1, 2, 4 before each update
  const averaged = (o: Hyper, model?: () => fl.nn.Module): { w: number[]; dev: string } => {
    const m = model ? model() : new fl.nn.Linear(1, 1, { dtype: 'float64' });
    let av: InstanceType<typeof SW.AveragedModel> | undefined;
    try {
      av = new SW.AveragedModel(m, o);
      for (const v of [1, 2, 4]) {
        fl.noGrad(() => { for (const p of [...m.parameters(), ...m.buffers()]) p.fill_(v); });
        av.updateParameters(m);
      }
      const a = av;
      const w = fl.scope(() => [...a.module.parameters(), ...a.module.buffers()].map((t) => Number(t.to('cpu').dataSync()[0])));
      return { w, dev: a.module.parameters()[0].device };
    } finally { av?.dispose(); m.dispose(); }
  };
  TABLE['optim.swaUtils.AveragedModel'] = {
    sig: 'AveragedModel',
    honoured: {
      device: () => expect(averaged({ device: DEVICE }).dev.split(':')[0]).toBe(DEVICE.split(':')[0]),
      avgFn: () => near(averaged({ avgFn: (a: fl.Tensor, p: fl.Tensor) => a.mul(0.5).add(p.mul(0.5)) }).w, [2.75, 2.75], 'EMA 0.5: 1, 1.5, 2.75'),
      useBuffers: () => {
        // a batch norm's buffers (set with its weights) are averaged with useBuffers, else the copy keeps
        // its own; num_batches_tracked (int32) truncates each average, as torch's int64 copy_: 1, 1.5 -> 1, 2
        const bn = () => new fl.nn.BatchNorm1d(1, { dtype: 'float64' });
        near(averaged({ useBuffers: true }, bn).w, [7 / 3, 7 / 3, 7 / 3, 7 / 3, 2], 'useBuffers');
        near(averaged({}, bn).w, [7 / 3, 7 / 3, 0, 1, 0], 'own buffers');
      },
    },
    call: (o) => averaged(o),
  };
  TABLE['optim.swaUtils.updateBn'] = {
    sig: 'updateBn',
    honoured: {
      device: () => {
        const m = new fl.nn.BatchNorm1d(1, { dtype: 'float64', device: DEVICE });
        const xs = [fl.tensor([[1], [3]], { dtype: 'float64' }), fl.tensor([[5], [7]], { dtype: 'float64' })];
        try {
          SW.updateBn(xs, m, DEVICE);
          near([fl.scope(() => Number(m.runningMean!.to('cpu').dataSync()[0]))], [4], 'updateBn running mean (the mean of the batch means)');
        } finally { m.dispose(); for (const x of xs) x.dispose(); }
      },
    },
    call: (o) => { const m = new fl.nn.BatchNorm1d(1); try { return SW.updateBn([], m, o as any); } finally { m.dispose(); } },
  };
}

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
      expect(() => new (fl.nn.Conv2d as any)(1, 8, 3, 1, 1, { padding: 1 })).toThrow(/Conv2d: got multiple values for argument 'padding'/);
      expect(() => new fl.nn.Linear(4, 3, 1 as any)).toThrow(/Linear: bias must be a boolean, got 1/);
      expect(() => new fl.nn.Linear(4.5, 3)).toThrow(/Linear: inFeatures must be an integer >= 0, got 4.5/);
      expect(() => new (fl.nn.ReLU as any)(1)).toThrow(/ReLU: inplace must be a boolean, got 1/);
      expect(() => new (fl.nn.ReLU as any)(true, 1)).toThrow(/ReLU: takes 1 positional argument/);
      expect(() => new fl.nn.Conv2d(1, 8, 2.5)).toThrow(/Conv2d: kernelSize must be an integer >= 1/);
      expect(() => new fl.nn.AvgPool2d(2, 0)).toThrow(/AvgPool2d: stride must be/);
      expect(() => new fl.nn.MaxPool2d(2, 1, -1)).toThrow(/MaxPool2d: padding must be/);
      expect(() => new (fl.nn.Dropout as any)(0.1, true, 1)).toThrow(/Dropout: takes 2 positional arguments/);
      const logits = fl.randn(4, 3), target = fl.tensor([0, 1, 2, 1]);
      expect(() => fl.nn.functional.crossEntropy(logits, target, { labelSmothing: 0.1 } as any)).toThrow(/crossEntropy: unknown option 'labelSmothing' \(did you mean 'labelSmoothing'\?\)/);
      expect(() => (fl.nn.functional.crossEntropy as any)(logits, target, null, { weight: null })).toThrow(/got multiple values for argument 'weight'/);
    });
  });
});

// ---- nn: modules and functionals. Checks run in fl.scope, which frees the modules' parameters.
const nn = fl.nn;
const F = fl.nn.functional;
// These checks are about arguments: they run on the CPU on every device (the `device` options alone
// go to DEVICE), so that inputs, index tensors and layers made with their defaults share a device.
const t64 = (data: fl.NestedData): fl.Tensor => fl.tensor(data, { dtype: 'float64' });
const vals = (t: fl.Tensor | null): number[] => Array.from((t as fl.Tensor).dataSync() as Float64Array);
const sc = (f: () => void) => () => fl.scope(f);
/** dtype/device of a layer's parameters. */
function factoryOf(make: (o: Record<string, unknown>) => fl.nn.Module): Record<string, () => void> {
  return {
    dtype: sc(() => expect(make({ dtype: 'float64' }).parameters()[0].dtype).toBe('float64')),
    device: sc(() => expect(make({ device: DEVICE }).parameters()[0].device.split(':')[0]).toBe(DEVICE.split(':')[0])),
  };
}
const x55 = () => fl.ones([1, 2, 5, 5], { dtype: 'float64' });
const hw = (t: fl.Tensor): number[] => t.shape.slice(-2);

TABLE['nn.Linear'] = {
  honoured: { ...factoryOf((o) => new nn.Linear(2, 3, o)), bias: sc(() => { expect(new nn.Linear(2, 3, { bias: false }).bias).toBeNull(); expect(new nn.Linear(2, 3).parameters().length).toBe(2); }) },
  call: (o) => fl.scope(() => new nn.Linear(2, 3, o)),
};
TABLE['nn.Embedding'] = {
  honoured: {
    ...factoryOf((o) => new nn.Embedding(4, 2, o)),
    paddingIdx: sc(() => {
      const e = new nn.Embedding(4, 2, { paddingIdx: 1, dtype: 'float64' });
      expect(vals(e.weight.select(0, 1))).toEqual([0, 0]);
      e.forward(fl.tensor([1, 2])).sum().backward();
      expect(vals(e.weight.grad!.select(0, 1))).toEqual([0, 0]);   // the padding row gets no gradient
      expect(vals(e.weight.grad!.select(0, 2))).toEqual([1, 1]);
      e.weight.grad!.dispose(); e.weight.grad = null;
    }),
  },
  call: (o) => fl.scope(() => new nn.Embedding(4, 2, o)),
};
TABLE['nn.Embedding.fromPretrained'] = {
  honoured: {
    freeze: sc(() => {
      expect(nn.Embedding.fromPretrained(t64([[1, 2], [3, 4]])).weight.requiresGrad).toBe(false);
      expect(nn.Embedding.fromPretrained(t64([[1, 2], [3, 4]]), false).weight.requiresGrad).toBe(true);
    }),
    paddingIdx: sc(() => {
      const e = nn.Embedding.fromPretrained(t64([[1, 2], [3, 4]]), { freeze: false, paddingIdx: 0 });
      e.forward(fl.tensor([0, 1])).sum().backward();
      expect(vals(e.weight.grad!)).toEqual([0, 0, 1, 1]);
      e.weight.grad!.dispose(); e.weight.grad = null;
    }),
  },
  call: (o) => fl.scope(() => nn.Embedding.fromPretrained(t64([[1, 2]]), o)),
};
TABLE['nn.Dropout'] = {
  honoured: {
    p: sc(() => expect(vals(new nn.Dropout(1).forward(t64([1, 2, 3])))).toEqual([0, 0, 0])),
    inplace: sc(() => {
      const x = t64([1, 2, 3]);
      expect(new nn.Dropout({ p: 1, inplace: true }).forward(x)).toBe(x);
      expect(vals(x)).toEqual([0, 0, 0]);
    }),
  },
  call: (o) => new nn.Dropout(o),
};
TABLE['nn.Flatten'] = {
  honoured: {
    startDim: sc(() => expect(shapeOf(new nn.Flatten(0).forward(fl.zeros(2, 3, 4)))).toEqual([24])),
    endDim: sc(() => expect(shapeOf(new nn.Flatten(0, 1).forward(fl.zeros(2, 3, 4)))).toEqual([6, 4])),
  },
  call: (o) => new nn.Flatten(o),
};
/** torch's inplace on the activation modules of layers.ts: the result is written into the input (no gradient recorded for it). */
const moduleInplace = (make: (o: Record<string, unknown>) => fl.nn.Module) => sc(() => {
  const x = t64([-2, 8]);
  expect((make({ inplace: true }) as unknown as { forward(t: fl.Tensor): fl.Tensor }).forward(x)).toBe(x);
  expect(vals(x)).not.toEqual([-2, 8]);
  const y = t64([-2, 8]);
  (make({}) as unknown as { forward(t: fl.Tensor): fl.Tensor }).forward(y);
  expect(vals(y)).toEqual([-2, 8]);
});
TABLE['nn.LeakyReLU'] = {
  honoured: { negativeSlope: sc(() => expect(vals(new nn.LeakyReLU(0.5).forward(t64([-2, 2])))).toEqual([-1, 2])), inplace: moduleInplace((o) => new nn.LeakyReLU(o)) },
  call: (o) => new nn.LeakyReLU(o),
};
TABLE['nn.GELU'] = {
  honoured: { approximate: sc(() => near(vals(new nn.GELU('tanh').forward(t64([1]))), [0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (1 + 0.044715)))], 'GELU tanh', 1e-12)) },
  call: (o) => new nn.GELU(o),
};
for (const [name, Cls, sumExp] of [['Softmax', nn.Softmax, false], ['LogSoftmax', nn.LogSoftmax, true]] as const) {
  TABLE[`nn.${name}`] = {
    honoured: {
      dim: sc(() => {
        const y = new Cls(0).forward(t64([[1, 2], [3, 5]]));
        near(vals((sumExp ? y.exp() : y).sum(0)), [1, 1], `${name}(0) sums over dim 0`);
      }),
    },
    call: (o) => new Cls(o),
  };
}
for (const name of ['ReLU', 'SiLU', 'Hardswish'] as const) TABLE[`nn.${name}`] = { honoured: { inplace: moduleInplace((o) => new nn[name](o)) }, call: (o) => new nn[name](o) };
for (const name of ['Tanh', 'Sigmoid'] as const) TABLE[`nn.${name}`] = { honoured: {}, call: (o) => new (nn[name] as any)(o) };

TABLE['nn.LayerNorm'] = {
  honoured: {
    ...factoryOf((o) => new nn.LayerNorm(2, o)),
    eps: sc(() => near(vals(new (nn.LayerNorm as any)(2, 1, { dtype: 'float64' }).forward(t64([1, -1]))), [Math.SQRT1_2, -Math.SQRT1_2], 'LayerNorm eps')),
    elementwiseAffine: sc(() => { const m = new nn.LayerNorm(2, { elementwiseAffine: false }); expect([m.weight, m.bias]).toEqual([null, null]); }),
    bias: sc(() => { const m = new nn.LayerNorm(2, { bias: false }); expect(m.bias).toBeNull(); expect(m.weight).not.toBeNull(); }),
  },
  call: (o) => fl.scope(() => new nn.LayerNorm(2, o)),
};
TABLE['nn.RMSNorm'] = {
  honoured: {
    ...factoryOf((o) => new nn.RMSNorm(2, o)),
    eps: sc(() => near(vals(new (nn.RMSNorm as any)(2, 1, { dtype: 'float64' }).forward(t64([1, 1]))), [Math.SQRT1_2, Math.SQRT1_2], 'RMSNorm eps')),
    elementwiseAffine: sc(() => expect(new nn.RMSNorm(2, { elementwiseAffine: false }).weight).toBeNull()),
  },
  call: (o) => fl.scope(() => new nn.RMSNorm(2, o)),
};
TABLE['nn.GroupNorm'] = {
  honoured: {
    ...factoryOf((o) => new nn.GroupNorm(1, 2, o)),
    eps: sc(() => near(vals(new (nn.GroupNorm as any)(1, 2, 1, { dtype: 'float64' }).forward(t64([[[1], [-1]]]))), [Math.SQRT1_2, -Math.SQRT1_2], 'GroupNorm eps')),
    affine: sc(() => expect(new nn.GroupNorm(1, 2, { affine: false }).parameters().length).toBe(0)),
  },
  call: (o) => fl.scope(() => new nn.GroupNorm(1, 2, o)),
};
for (const name of ['BatchNorm1d', 'BatchNorm2d'] as const) {
  const Cls = nn[name];
  const input = (v: number[]) => (name === 'BatchNorm1d' ? t64(v.map((a) => [a])) : t64(v.map((a) => [[[a]]])));
  TABLE[`nn.${name}`] = {
    honoured: {
      ...factoryOf((o) => new Cls(1, o)),
      eps: sc(() => near(vals(new (Cls as any)(1, 1, { dtype: 'float64' }).forward(input([1, -1]))), [Math.SQRT1_2, -Math.SQRT1_2], `${name} eps`)),
      momentum: sc(() => { const m = new (Cls as any)(1, 1e-5, 1, { dtype: 'float64' }); m.forward(input([1, 3])); near(vals(m.runningMean), [2], `${name} momentum 1`); }),
      affine: sc(() => expect(new Cls(1, { affine: false }).parameters().length).toBe(0)),
      trackRunningStats: sc(() => expect(new Cls(1, { trackRunningStats: false }).runningMean).toBeNull()),
    },
    call: (o) => fl.scope(() => new Cls(1, o)),
  };
}
for (const name of ['LSTM', 'GRU', 'RNN'] as const) {
  const Cls = nn[name] as new (...a: any[]) => fl.nn.RNNBase & { forward(x: fl.Tensor): [fl.Tensor, unknown] };
  const out = (m: { forward(x: fl.Tensor): [fl.Tensor, unknown] }, x: fl.Tensor) => m.forward(x)[0];
  // positional arguments after numLayers: RNN has its nonlinearity there (PyTorch's order)
  const pos = (numLayers: number, ...rest: unknown[]): unknown[] => (name === 'RNN' ? [numLayers, 'tanh', ...rest] : [numLayers, ...rest]);
  TABLE[`nn.${name}`] = {
    honoured: {
      ...factoryOf((o) => new Cls(3, 4, o)),
      numLayers: sc(() => expect(new Cls(3, 4, 2).parameters().length).toBe(8)),
      bias: sc(() => expect(new Cls(3, 4, ...pos(1, false)).parameters().length).toBe(2)),
      batchFirst: sc(() => expect(shapeOf(out(new Cls(3, 4, { batchFirst: true }), fl.zeros(2, 5, 3)))).toEqual([2, 5, 4])),
      dropout: sc(() => {
        // between layers in training only: train and eval outputs differ with dropout 0.9, not without
        const m = new Cls(3, 4, ...pos(2, true, false, 0.9), { dtype: 'float64' });
        const x = fl.randn(5, 2, 3, { dtype: 'float64' });
        const a = vals(out(m, x)); m.eval(); const b = vals(out(m, x));
        expect(differs(a, b)).toBe(true);
      }),
      bidirectional: sc(() => expect(shapeOf(out(new Cls(3, 4, { bidirectional: true }), fl.zeros(5, 2, 3)))).toEqual([5, 2, 8])),
    },
    call: (o) => fl.scope(() => new Cls(3, 4, o)),
  };
}
// nn.RNN's own option (the table entry above checks the shared ones)
{
  const base = TABLE['nn.RNN'];
  TABLE['nn.RNN'] = {
    ...base,
    honoured: {
      ...base.honoured,
      // relu keeps negative pre-activations at 0; tanh gives negative outputs
      nonlinearity: sc(() => {
        const x = fl.randn(6, 3, 3, { dtype: 'float64' });
        expect(Math.min(...vals(new nn.RNN(3, 4, { nonlinearity: 'relu', dtype: 'float64' }).forward(x)[0]))).toBeGreaterThanOrEqual(0);
        expect(Math.min(...vals(new nn.RNN(3, 4, 1, 'tanh', { dtype: 'float64' }).forward(x)[0]))).toBeLessThan(0);
      }),
    },
  };
}
for (const name of ['LSTMCell', 'GRUCell', 'RNNCell'] as const) {
  const Cls = nn[name] as new (...a: any[]) => fl.nn.RNNCellBase;
  TABLE[`nn.${name}`] = {
    honoured: {
      ...factoryOf((o) => new Cls(3, 4, o)),
      bias: sc(() => { expect(new Cls(3, 4, false).parameters().length).toBe(2); expect(new Cls(3, 4, { bias: false }).bias_ih).toBeNull(); }),
      ...(name === 'RNNCell' ? {
        nonlinearity: sc(() => {
          const x = fl.randn(8, 3, { dtype: 'float64' });
          const f = (o: Record<string, unknown>) => (new Cls(3, 4, { dtype: 'float64', ...o }) as fl.nn.RNNCell).forward(x);
          expect(Math.min(...vals(f({ nonlinearity: 'relu' })))).toBeGreaterThanOrEqual(0);
          expect(Math.min(...vals(f({})))).toBeLessThan(0);
        }),
      } : {}),
    },
    call: (o) => fl.scope(() => new Cls(3, 4, o)),
  };
}
{
  const q = () => fl.randn(3, 2, 4, { dtype: 'float64' });   // [L, N, E]
  const mha = (o: Record<string, unknown> = {}) => new nn.MultiheadAttention(4, 2, { dtype: 'float64', ...o });
  TABLE['nn.MultiheadAttention'] = {
    honoured: {
      ...factoryOf((o) => new nn.MultiheadAttention(4, 2, o)),
      dropout: sc(() => { const m = mha({ dropout: 0.9 }); const x = q(); const a = vals(m.forward(x, x, x)[1]!); m.eval(); expect(differs(a, vals(m.forward(x, x, x)[1]!))).toBe(true); }),
      bias: sc(() => { expect(mha({ bias: false }).in_proj_bias).toBeUndefined(); expect(mha().in_proj_bias).toBeDefined(); }),
      kdim: sc(() => expect(shapeOf(mha({ kdim: 3 }).forward(q(), fl.randn(5, 2, 3, { dtype: 'float64' }), fl.randn(5, 2, 4, { dtype: 'float64' }))[0])).toEqual([3, 2, 4])),
      vdim: sc(() => expect(shapeOf(mha({ vdim: 3 }).forward(q(), fl.randn(5, 2, 4, { dtype: 'float64' }), fl.randn(5, 2, 3, { dtype: 'float64' }))[0])).toEqual([3, 2, 4])),
      batchFirst: sc(() => { const x = fl.randn(2, 3, 4, { dtype: 'float64' }); expect(shapeOf(mha({ batchFirst: true }).forward(x, x, x)[1]!)).toEqual([2, 3, 3]); }),
      addBiasKv: sc(() => { const m = mha({ addBiasKv: true }); const x = q(); expect(shapeOf(m.bias_k!)).toEqual([1, 1, 4]); expect(shapeOf(m.forward(x, x, x)[1]!)).toEqual([2, 3, 4]); expect(mha().bias_k).toBeUndefined(); }),
      addZeroAttn: sc(() => { const x = q(); const w = mha({ addZeroAttn: true }).forward(x, x, x)[1]!; expect(shapeOf(w)).toEqual([2, 3, 4]); expect(vals(w.select(-1, 3)).every((p) => p > 0)).toBe(true); }),
    },
    call: (o) => fl.scope(() => new nn.MultiheadAttention(4, 2, o)),
  };
  const w = (o: Record<string, unknown>) => { const x = q(); return mha().forward(x, x, x, o as any)[1]; };
  TABLE['nn.MultiheadAttention.forward'] = {
    sig: 'MultiheadAttention.forward',
    honoured: {
      keyPaddingMask: sc(() => { const pad = fl.tensor([[false, false, true], [false, false, true]]); expect(vals(w({ keyPaddingMask: pad })!.select(-1, 2))).toEqual(new Array(6).fill(0)); }),
      needWeights: sc(() => expect(w({ needWeights: false })).toBeNull()),
      attnMask: sc(() => { const m = fl.tensor([[false, true, true], [false, true, true], [false, true, true]]); expect(vals(w({ attnMask: m })!.select(-1, 0))).toEqual(new Array(6).fill(1)); }),
      averageAttnWeights: sc(() => expect(shapeOf(w({ averageAttnWeights: false })!)).toEqual([2, 2, 3, 3])),
      isCausal: sc(() => expect(vals(w({ isCausal: true })!.select(1, 0))).toEqual([1, 0, 0, 1, 0, 0])),
    },
    call: (o) => fl.scope(() => w(o)),
  };
  const tel = (o: Record<string, unknown> = {}) => new nn.TransformerEncoderLayer(4, 2, { dtype: 'float64', dropout: 0, ...o });
  TABLE['nn.TransformerEncoderLayer'] = {
    honoured: {
      ...factoryOf((o) => new nn.TransformerEncoderLayer(4, 2, o)),
      dimFeedforward: sc(() => expect(shapeOf(new nn.TransformerEncoderLayer(4, 2, 8).linear1.weight)).toEqual([8, 4])),
      dropout: sc(() => { const m = tel({ dropout: 0.9 }); const x = q(); const a = vals(m.forward(x)); m.eval(); expect(differs(a, vals(m.forward(x)))).toBe(true); }),
      activation: sc(() => { const x = q(); expect(differs(vals(tel({ activation: 'gelu' }).forward(x)), vals(tel().forward(x)))).toBe(true); }),
      layerNormEps: sc(() => expect(tel({ layerNormEps: 0.5 }).norm1.eps).toBe(0.5)),
      batchFirst: sc(() => expect(tel({ batchFirst: true }).self_attn.batchFirst).toBe(true)),
      normFirst: sc(() => { fl.manualSeed(1); const a = tel({ normFirst: true }); fl.manualSeed(1); const b = tel(); const x = q(); expect(differs(vals(a.forward(x)), vals(b.forward(x)))).toBe(true); }),
      bias: sc(() => expect(tel({ bias: false }).linear1.bias).toBeNull()),
    },
    call: (o) => fl.scope(() => new nn.TransformerEncoderLayer(4, 2, o)),
  };
  TABLE['nn.TransformerEncoderLayer.forward'] = {
    sig: 'TransformerEncoderLayer.forward',
    honoured: {
      srcMask: sc(() => { const m = tel(); const x = q(); const mask = fl.tensor([[false, true, true], [false, true, true], [false, true, true]]); expect(differs(vals(m.forward(x, mask)), vals(m.forward(x)))).toBe(true); }),
      srcKeyPaddingMask: sc(() => { const m = tel(); const x = q(); const pad = fl.tensor([[false, true, true], [false, true, true]]); expect(differs(vals(m.forward(x, { srcKeyPaddingMask: pad })), vals(m.forward(x)))).toBe(true); }),
      isCausal: sc(() => {
        const m = tel(); const x = q();
        const causal = fl.tensor([[false, true, true], [false, false, true], [false, false, false]]);
        near(vals(m.forward(x, { isCausal: true })), vals(m.forward(x, causal)), 'isCausal = the explicit causal mask');
        expect(differs(vals(m.forward(x, { isCausal: true })), vals(m.forward(x)))).toBe(true);
      }),
    },
    call: (o) => fl.scope(() => tel().forward(q(), o)),
  };
  TABLE['F.scaledDotProductAttention'] = {
    honoured: {
      attnMask: sc(() => { const v = t64([[1, 2], [3, 4]]); near(vals(F.scaledDotProductAttention(t64([[1, 0]]), t64([[1, 0], [0, 1]]), v, fl.tensor([[true, false]]))), [1, 2], 'only key 0 takes part'); }),
      dropoutP: sc(() => expect(vals(F.scaledDotProductAttention(t64([[1, 0]]), t64([[1, 0]]), t64([[1, 2]]), { dropoutP: 1 }))).toEqual([0, 0])),
      isCausal: sc(() => near(vals(F.scaledDotProductAttention(t64([[1, 0], [0, 1]]), t64([[1, 0], [0, 1]]), t64([[1, 2], [3, 4]]), { isCausal: true }).select(0, 0)), [1, 2], 'first query sees key 0 only')),
      scale: sc(() => near(vals(F.scaledDotProductAttention(t64([[5, 0]]), t64([[1, 0], [0, 1]]), t64([[1, 2], [3, 4]]), { scale: 0 })), [2, 3], 'scale 0: uniform weights')),
    },
    call: (o) => fl.scope(() => F.scaledDotProductAttention(t64([[1, 0]]), t64([[1, 0]]), t64([[1, 2]]), o)),
  };
}
{
  // the transformer stacks (lib/nn/transformer.ts): d = 4, 2 heads, tiny feed-forward blocks, float64
  const src = () => fl.randn(3, 2, 4, { dtype: 'float64' });   // [S, N, E]
  const tgt = () => fl.randn(2, 2, 4, { dtype: 'float64' });   // [T, N, E]
  const tdl = (o: Record<string, unknown> = {}) => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dtype: 'float64', dropout: 0, ...o });
  const tel4 = () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dtype: 'float64', dropout: 0 });
  const tr = (o: Record<string, unknown> = {}) => new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8, dropout: 0, dtype: 'float64', ...o });
  const causal2 = () => nn.Transformer.generateSquareSubsequentMask(2, { dtype: 'float64' });
  const pad = (n: number) => fl.tensor([Array.from({ length: n }, (_, i) => i === n - 1), new Array(n).fill(false)]);
  TABLE['nn.TransformerDecoderLayer'] = {
    honoured: {
      ...factoryOf((o) => new nn.TransformerDecoderLayer(4, 2, o)),
      dimFeedforward: sc(() => expect(shapeOf(new nn.TransformerDecoderLayer(4, 2, 8).linear1.weight)).toEqual([8, 4])),
      dropout: sc(() => { const m = tdl({ dropout: 0.9 }); const x = tgt(), mem = src(); const a = vals(m.forward(x, mem)); m.eval(); expect(differs(a, vals(m.forward(x, mem)))).toBe(true); }),
      activation: sc(() => { fl.manualSeed(2); const a = tdl({ activation: 'gelu' }); fl.manualSeed(2); const b = tdl(); const x = tgt(), mem = src(); expect(differs(vals(a.forward(x, mem)), vals(b.forward(x, mem)))).toBe(true); }),
      layerNormEps: sc(() => expect(tdl({ layerNormEps: 0.5 }).norm3.eps).toBe(0.5)),
      batchFirst: sc(() => expect(shapeOf(tdl({ batchFirst: true }).forward(fl.randn(2, 5, 4, { dtype: 'float64' }), fl.randn(2, 3, 4, { dtype: 'float64' })))).toEqual([2, 5, 4])),
      normFirst: sc(() => { fl.manualSeed(1); const a = tdl({ normFirst: true }); fl.manualSeed(1); const b = tdl(); const x = tgt(), mem = src(); expect(differs(vals(a.forward(x, mem)), vals(b.forward(x, mem)))).toBe(true); }),
      bias: sc(() => { expect(tdl({ bias: false }).linear1.bias).toBeNull(); expect(tdl({ bias: false }).multihead_attn.in_proj_bias).toBeUndefined(); }),
    },
    call: (o) => fl.scope(() => new nn.TransformerDecoderLayer(4, 2, o)),
  };
  const decMasks = (run: (o: Record<string, unknown>) => number[]): Record<string, () => void> => ({
    tgtMask: sc(() => expect(differs(run({ tgtMask: causal2() }), run({}))).toBe(true)),
    memoryMask: sc(() => expect(differs(run({ memoryMask: fl.tensor([[false, true, true], [false, false, true]]) }), run({}))).toBe(true)),
    tgtKeyPaddingMask: sc(() => expect(differs(run({ tgtKeyPaddingMask: pad(2) }), run({}))).toBe(true)),
    memoryKeyPaddingMask: sc(() => expect(differs(run({ memoryKeyPaddingMask: pad(3) }), run({}))).toBe(true)),
  });
  {
    const m = () => { fl.manualSeed(5); return tdl(); };
    TABLE['nn.TransformerDecoderLayer.forward'] = {
      sig: 'TransformerDecoderLayer.forward',
      honoured: decMasks((o) => { fl.manualSeed(6); const x = tgt(), mem = src(); return vals(m().forward(x, mem, o)); }),
      call: (o) => fl.scope(() => tdl().forward(tgt(), src(), o)),
    };
  }
  TABLE['nn.TransformerEncoder'] = {
    honoured: {
      norm: sc(() => { const n = new nn.LayerNorm(4, { dtype: 'float64' }); const e = new nn.TransformerEncoder(tel4(), 1, { norm: n }); expect(e.norm).toBe(n); const y = vals(e.forward(src())); near([y.slice(0, 4).reduce((s, v) => s + v, 0)], [0], 'normed rows sum to 0', 1e-9); }),
      enableNestedTensor: sc(() => expect(new nn.TransformerEncoder(tel4(), 1, { enableNestedTensor: false }).enableNestedTensor).toBe(false)),
      maskCheck: sc(() => expect(new nn.TransformerEncoder(tel4(), 1, { maskCheck: false }).maskCheck).toBe(false)),
    },
    call: (o) => fl.scope(() => new nn.TransformerEncoder(tel4(), 1, o)),
  };
  {
    const run = (o: Record<string, unknown>) => { fl.manualSeed(5); const e = new nn.TransformerEncoder(tel4(), 2); fl.manualSeed(6); return vals(e.forward(src(), o)); };
    TABLE['nn.TransformerEncoder.forward'] = {
      sig: 'TransformerEncoder.forward',
      honoured: {
        mask: sc(() => expect(differs(run({ mask: nn.Transformer.generateSquareSubsequentMask(3, { dtype: 'float64' }) }), run({}))).toBe(true)),
        srcKeyPaddingMask: sc(() => expect(differs(run({ srcKeyPaddingMask: pad(3) }), run({}))).toBe(true)),
      },
      call: (o) => fl.scope(() => new nn.TransformerEncoder(tel4(), 1).forward(src(), o)),
    };
  }
  TABLE['nn.TransformerDecoder'] = {
    honoured: { norm: sc(() => { const n = new nn.LayerNorm(4, { dtype: 'float64' }); expect(new nn.TransformerDecoder(tdl(), 1, { norm: n }).norm).toBe(n); expect(new nn.TransformerDecoder(tdl(), 1).norm).toBeNull(); }) },
    call: (o) => fl.scope(() => new nn.TransformerDecoder(tdl(), 1, o)),
  };
  TABLE['nn.TransformerDecoder.forward'] = {
    sig: 'TransformerDecoder.forward',
    honoured: decMasks((o) => { fl.manualSeed(5); const d = new nn.TransformerDecoder(tdl(), 2); fl.manualSeed(6); const x = tgt(), mem = src(); return vals(d.forward(x, mem, o)); }),
    call: (o) => fl.scope(() => new nn.TransformerDecoder(tdl(), 1).forward(tgt(), src(), o)),
  };
  const encLayer0 = (m: fl.nn.Transformer) => (m.encoder as fl.nn.TransformerEncoder).layers[0];
  TABLE['nn.Transformer'] = {
    honoured: {
      ...factoryOf((o) => tr(o)),
      dModel: sc(() => { const m = tr({ dModel: 6 }); expect(m.dModel).toBe(6); expect(shapeOf(encLayer0(m).linear1.weight)).toEqual([8, 6]); }),
      nhead: sc(() => expect(encLayer0(tr({ nhead: 4 })).self_attn.numHeads).toBe(4)),
      numEncoderLayers: sc(() => expect((tr({ numEncoderLayers: 3 }).encoder as fl.nn.TransformerEncoder).layers.length).toBe(3)),
      numDecoderLayers: sc(() => expect((tr({ numDecoderLayers: 3 }).decoder as fl.nn.TransformerDecoder).layers.length).toBe(3)),
      dimFeedforward: sc(() => expect(shapeOf(encLayer0(tr({ dimFeedforward: 5 })).linear1.weight)).toEqual([5, 4])),
      dropout: sc(() => { const m = tr({ dropout: 0.9 }); const s = src(), t = tgt(); const a = vals(m.forward(s, t)); m.eval(); expect(differs(a, vals(m.forward(s, t)))).toBe(true); }),
      activation: sc(() => { fl.manualSeed(2); const a = tr({ activation: 'gelu' }); fl.manualSeed(2); const b = tr(); const s = src(), t = tgt(); expect(differs(vals(a.forward(s, t)), vals(b.forward(s, t)))).toBe(true); }),
      customEncoder: sc(() => { const e = new nn.TransformerEncoder(tel4(), 1); expect(tr({ customEncoder: e }).encoder).toBe(e); }),
      customDecoder: sc(() => { const d = new nn.TransformerDecoder(tdl(), 1); expect(tr({ customDecoder: d }).decoder).toBe(d); }),
      layerNormEps: sc(() => { const m = tr({ layerNormEps: 0.5 }); expect(encLayer0(m).norm1.eps).toBe(0.5); expect(((m.decoder as fl.nn.TransformerDecoder).norm as fl.nn.LayerNorm).eps).toBe(0.5); }),
      batchFirst: sc(() => expect(shapeOf(tr({ batchFirst: true }).forward(fl.randn(2, 3, 4, { dtype: 'float64' }), fl.randn(2, 5, 4, { dtype: 'float64' })))).toEqual([2, 5, 4])),
      normFirst: sc(() => expect(encLayer0(tr({ normFirst: true })).normFirst).toBe(true)),
      bias: sc(() => { const m = tr({ bias: false }); expect(encLayer0(m).linear1.bias).toBeNull(); expect((m.decoder as fl.nn.TransformerDecoder).norm!.parameters().length).toBe(1); }),
    },
    call: (o) => fl.scope(() => tr(o)),
  };
  {
    const run = (o: Record<string, unknown>) => { fl.manualSeed(5); const m = tr(); fl.manualSeed(6); const s = src(), t = tgt(); return vals(m.forward(s, t, o)); };
    TABLE['nn.Transformer.forward'] = {
      sig: 'Transformer.forward',
      honoured: {
        srcMask: sc(() => expect(differs(run({ srcMask: nn.Transformer.generateSquareSubsequentMask(3, { dtype: 'float64' }) }), run({}))).toBe(true)),
        srcKeyPaddingMask: sc(() => expect(differs(run({ srcKeyPaddingMask: pad(3) }), run({}))).toBe(true)),
        ...decMasks(run),
      },
      call: (o) => fl.scope(() => tr().forward(src(), tgt(), o)),
    };
  }
  TABLE['nn.Transformer.generateSquareSubsequentMask'] = {
    honoured: {
      device: sc(() => expect(nn.Transformer.generateSquareSubsequentMask(2, { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
      dtype: sc(() => expect(nn.Transformer.generateSquareSubsequentMask(2, 'cpu', 'float64').dtype).toBe('float64')),
    },
    call: (o) => fl.scope(() => nn.Transformer.generateSquareSubsequentMask(2, o)),
  };
}
{
  // convolution and pooling: output sizes from PyTorch's formulas on a 5x5 input
  const convOpts = (make: (o: Record<string, unknown>) => fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor }, oneD = false): Record<string, () => void> => {
    const inp = () => (oneD ? fl.ones([1, 2, 5], { dtype: 'float64' }) : x55());
    const size = (t: unknown) => (oneD ? (t as fl.Tensor).shape.slice(-1) : hw(t as fl.Tensor));
    const n = (v: number) => (oneD ? [v] : [v, v]);
    return {
      ...factoryOf(make),
      stride: sc(() => expect(size(make({ stride: 2, dtype: 'float64' }).forward(inp()))).toEqual(n(2))),
      padding: sc(() => expect(size(make({ padding: 1, dtype: 'float64' }).forward(inp()))).toEqual(n(5))),
      dilation: sc(() => expect(size(make({ dilation: 2, dtype: 'float64' }).forward(inp()))).toEqual(n(1))),
      groups: sc(() => expect(make({ groups: 2 }).parameters()[0].shape[1]).toBe(1)),
      bias: sc(() => expect(make({ bias: false }).parameters().length).toBe(1)),
      // replicate padding of a constant input: every output position sees the same values (zeros padding would not)
      paddingMode: sc(() => { const y = vals(make({ padding: 1, paddingMode: 'replicate', dtype: 'float64' }).forward(inp()).select(1, 0)); near(y, y.map(() => y[0]), 'replicate padding'); expect(() => make({ paddingMode: 'mirror' })).toThrow(/paddingMode must be one of/); }),
    };
  };
  TABLE['nn.Conv2d'] = { honoured: convOpts((o) => new nn.Conv2d(2, 2, 3, o)), call: (o) => fl.scope(() => new nn.Conv2d(2, 2, 3, o)) };
  TABLE['nn.Conv1d'] = { honoured: convOpts((o) => new nn.Conv1d(2, 2, 3, o), true), call: (o) => fl.scope(() => new nn.Conv1d(2, 2, 3, o)) };
  const ct = (o: Record<string, unknown>) => new nn.ConvTranspose2d(2, 2, 3, { dtype: 'float64', ...o });
  TABLE['nn.ConvTranspose2d'] = {
    honoured: {
      ...factoryOf((o) => new nn.ConvTranspose2d(2, 2, 3, o)),
      stride: sc(() => expect(hw(ct({ stride: 2 }).forward(x55()))).toEqual([11, 11])),
      padding: sc(() => expect(hw(ct({ padding: 1 }).forward(x55()))).toEqual([5, 5])),
      outputPadding: sc(() => expect(hw(ct({ stride: 2, outputPadding: 1 }).forward(x55()))).toEqual([12, 12])),
      dilation: sc(() => expect(hw(ct({ dilation: 2 }).forward(x55()))).toEqual([9, 9])),
      groups: sc(() => expect(ct({ groups: 2 }).parameters()[0].shape[1]).toBe(1)),
      bias: sc(() => expect(ct({ bias: false }).parameters().length).toBe(1)),
      paddingMode: sc(() => expect(() => ct({ paddingMode: 'circular' })).toThrow(/paddingMode 'circular' is not supported/)),
    },
    call: (o) => fl.scope(() => new nn.ConvTranspose2d(2, 2, 3, o)),
  };
  const maxPool = (k: number, o: Record<string, unknown>) => F.maxPool2d(x55(), k, o) as fl.Tensor;
  const maxPoolHonoured = (f: (k: number, o: Record<string, unknown>) => fl.Tensor | [fl.Tensor, fl.Tensor]): Record<string, () => void> => ({
    stride: sc(() => expect(hw(f(2, { stride: 1 }) as fl.Tensor)).toEqual([4, 4])),
    padding: sc(() => expect(hw(f(2, { padding: 1 }) as fl.Tensor)).toEqual([3, 3])),
    dilation: sc(() => expect(hw(f(2, { dilation: 2, stride: 1 }) as fl.Tensor)).toEqual([3, 3])),
    ceilMode: sc(() => expect(hw(f(2, { ceilMode: true }) as fl.Tensor)).toEqual([3, 3])),
    returnIndices: sc(() => { const r = f(2, { returnIndices: true }); expect(Array.isArray(r)).toBe(true); expect((r as fl.Tensor[])[1].dtype).toBe('int32'); }),
  });
  TABLE['nn.MaxPool2d'] = { honoured: maxPoolHonoured((k, o) => new nn.MaxPool2d(k, o).forward(x55())), call: (o) => new nn.MaxPool2d(2, o) };
  TABLE['F.maxPool2d'] = { honoured: maxPoolHonoured(maxPool), call: (o) => fl.scope(() => maxPool(2, o)) };
  const avgHonoured = (f: (k: number, o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    stride: sc(() => expect(hw(f(2, { stride: 1 }))).toEqual([4, 4])),
    padding: sc(() => expect(vals(f(2, { padding: 1 }))[0]).toBe(0.25)),
    ceilMode: sc(() => expect(hw(f(2, { ceilMode: true }))).toEqual([3, 3])),
    countIncludePad: sc(() => expect(vals(f(2, { padding: 1, countIncludePad: false }))[0]).toBe(1)),
    divisorOverride: sc(() => expect(vals(f(2, { divisorOverride: 1 }))[0]).toBe(4)),
  });
  TABLE['nn.AvgPool2d'] = { honoured: avgHonoured((k, o) => new nn.AvgPool2d(k, o).forward(x55())), call: (o) => new nn.AvgPool2d(2, o) };
  TABLE['F.avgPool2d'] = { honoured: avgHonoured((k, o) => F.avgPool2d(x55(), k, o)), call: (o) => fl.scope(() => F.avgPool2d(x55(), 2, o)) };
  TABLE['nn.AdaptiveAvgPool2d'] = { honoured: {}, call: (o) => new (nn.AdaptiveAvgPool2d as any)(1, o) };
  TABLE['F.adaptiveAvgPool2d'] = { honoured: {}, call: (o) => fl.scope(() => (F.adaptiveAvgPool2d as any)(x55(), 1, o)) };
  const w2 = () => fl.ones([2, 2, 3, 3], { dtype: 'float64' });
  const fconv = (o: Record<string, unknown>) => F.conv2d(x55(), w2(), null, o);
  TABLE['F.conv2d'] = {
    honoured: {
      bias: sc(() => expect(vals(F.conv2d(x55(), w2(), t64([1, 2])).select(1, 1))[0]).toBe(18 + 2)),
      stride: sc(() => expect(hw(fconv({ stride: 2 }))).toEqual([2, 2])),
      padding: sc(() => expect(hw(fconv({ padding: 1 }))).toEqual([5, 5])),
      dilation: sc(() => expect(hw(fconv({ dilation: 2 }))).toEqual([1, 1])),
      groups: sc(() => expect(vals(F.conv2d(x55(), fl.ones([2, 1, 3, 3], { dtype: 'float64' }), null, { groups: 2 }))[0]).toBe(9)),
    },
    call: (o) => fl.scope(() => fconv(o)),
  };
  const x1 = () => fl.ones([1, 2, 5], { dtype: 'float64' }), w1 = () => fl.ones([2, 2, 3], { dtype: 'float64' });
  const fconv1 = (o: Record<string, unknown>) => F.conv1d(x1(), w1(), null, o);
  TABLE['F.conv1d'] = {
    honoured: {
      bias: sc(() => expect(vals(F.conv1d(x1(), w1(), t64([1, 2])))[0]).toBe(7)),
      stride: sc(() => expect(shapeOf(fconv1({ stride: 2 }))).toEqual([1, 2, 2])),
      padding: sc(() => expect(shapeOf(fconv1({ padding: 1 }))).toEqual([1, 2, 5])),
      dilation: sc(() => expect(shapeOf(fconv1({ dilation: 2 }))).toEqual([1, 2, 1])),
      groups: sc(() => expect(vals(F.conv1d(x1(), fl.ones([2, 1, 3], { dtype: 'float64' }), null, { groups: 2 }))[0]).toBe(3)),
    },
    call: (o) => fl.scope(() => fconv1(o)),
  };
  const fct = (o: Record<string, unknown>) => F.convTranspose2d(x55(), w2(), null, o);
  TABLE['F.convTranspose2d'] = {
    honoured: {
      bias: sc(() => expect(vals(F.convTranspose2d(x55(), w2(), t64([1, 2])))[0]).toBe(2 + 1)),
      stride: sc(() => expect(hw(fct({ stride: 2 }))).toEqual([11, 11])),
      padding: sc(() => expect(hw(fct({ padding: 1 }))).toEqual([5, 5])),
      outputPadding: sc(() => expect(hw(fct({ stride: 2, outputPadding: 1 }))).toEqual([12, 12])),
      groups: sc(() => expect(shapeOf(F.convTranspose2d(x55(), fl.ones([2, 1, 3, 3], { dtype: 'float64' }), null, { groups: 2 }))).toEqual([1, 2, 7, 7])),
      dilation: sc(() => expect(hw(fct({ dilation: 2 }))).toEqual([9, 9])),
    },
    call: (o) => fl.scope(() => fct(o)),
  };
}
{
  // losses: input/target pairs with hand-computed values
  const a = () => t64([1, 2, 4]), b = () => t64([1, 1, 1]);   // d = 0, 1, 3
  const logits = () => t64([[0, 0], [0, Math.log(3)]]), cls = () => fl.tensor([0, 1]);   // p(target) = 1/2, 3/4
  const red = (f: (o: Record<string, unknown>) => fl.Tensor, sumWant: number) => sc(() => near(vals(f({ reduction: 'sum' })), [sumWant], 'reduction sum'));
  const pairs: [string, string, (o: Record<string, unknown>) => fl.Tensor, Record<string, () => void>][] = [
    ['mseLoss', 'MSELoss', (o) => F.mseLoss(a(), b(), o), {}],
    ['l1Loss', 'L1Loss', (o) => F.l1Loss(a(), b(), o), {}],
    ['smoothL1Loss', 'SmoothL1Loss', (o) => F.smoothL1Loss(a(), b(), o), { beta: sc(() => near(vals(F.smoothL1Loss(a(), b(), { beta: 2, reduction: 'sum' })), [0.25 + 2], 'beta 2')) }],
    ['huberLoss', 'HuberLoss', (o) => F.huberLoss(a(), b(), o), { delta: sc(() => near(vals(F.huberLoss(a(), b(), 'sum', 2)), [0.5 + 2 * (3 - 1)], 'delta 2')) }],
  ];
  const sums: Record<string, number> = { mseLoss: 10, l1Loss: 4, smoothL1Loss: 0.5 + 2.5, huberLoss: 0.5 + 2.5 };
  for (const [fn, mod, f, extra] of pairs) {
    TABLE[`F.${fn}`] = { honoured: { reduction: red(f, sums[fn]), ...extra }, call: (o) => fl.scope(() => f(o)) };
    const Cls = (nn as any)[mod];
    const viaModule = (o: Record<string, unknown>) => new Cls(o).forward(a(), b());
    const modExtra: Record<string, () => void> = {};
    if (fn === 'smoothL1Loss') modExtra.beta = sc(() => near(vals(viaModule({ beta: 2, reduction: 'sum' })), [2.25], 'beta 2'));
    if (fn === 'huberLoss') modExtra.delta = sc(() => near(vals(new Cls('sum', 2).forward(a(), b())), [4.5], 'delta 2'));
    TABLE[`nn.${mod}`] = { honoured: { reduction: red(viaModule, sums[fn]), ...modExtra }, call: (o) => new Cls(o) };
  }
  const L2 = Math.log(2), L43 = Math.log(4 / 3);
  const classLoss = (name: string, f: (w: fl.Tensor | null, o: Record<string, unknown>) => fl.Tensor, logp: boolean): Record<string, () => void> => {
    const h: Record<string, () => void> = {
      reduction: sc(() => near(vals(f(null, { reduction: 'sum' })), [L2 + L43], `${name} sum`)),
      weight: sc(() => near(vals(f(t64([0, 1]), {})), [L43], `${name} weight`)),
      ignoreIndex: sc(() => near(vals(f(null, { ignoreIndex: 0 })), [L43], `${name} ignoreIndex`)),
    };
    if (!logp) h.labelSmoothing = sc(() => near(vals(f(null, { labelSmoothing: 1, reduction: 'sum' })), [L2 + 0.5 * (Math.log(4) + L43)], `${name} labelSmoothing`));
    return h;
  };
  const lp = () => logits().logSoftmax(1);
  TABLE['F.nllLoss'] = { honoured: classLoss('nllLoss', (w, o) => F.nllLoss(lp(), cls(), w, o), true), call: (o) => fl.scope(() => F.nllLoss(lp(), cls(), o)) };
  TABLE['F.crossEntropy'] = { honoured: classLoss('crossEntropy', (w, o) => F.crossEntropy(logits(), cls(), w, o), false), call: (o) => fl.scope(() => F.crossEntropy(logits(), cls(), o)) };
  TABLE['nn.NLLLoss'] = { honoured: classLoss('NLLLoss', (w, o) => new nn.NLLLoss(w, o).forward(lp(), cls()), true), call: (o) => new nn.NLLLoss(o) };
  TABLE['nn.CrossEntropyLoss'] = { honoured: classLoss('CrossEntropyLoss', (w, o) => new nn.CrossEntropyLoss(w, o).forward(logits(), cls()), false), call: (o) => new nn.CrossEntropyLoss(o) };
  // BCE: p = 0.5, 0.8 with targets 1, 0: -log 0.5 - log 0.2
  const p = () => t64([0.5, 0.8]), y = () => t64([1, 0]);
  const bce = (f: (w: fl.Tensor | null, o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    reduction: sc(() => near(vals(f(null, { reduction: 'sum' })), [L2 + Math.log(5)], 'BCE sum')),
    weight: sc(() => near(vals(f(t64([2, 0]), { reduction: 'sum' })), [2 * L2], 'BCE weight')),
  });
  TABLE['F.binaryCrossEntropy'] = { honoured: bce((w, o) => F.binaryCrossEntropy(p(), y(), w, o)), call: (o) => fl.scope(() => F.binaryCrossEntropy(p(), y(), o)) };
  TABLE['nn.BCELoss'] = { honoured: bce((w, o) => new nn.BCELoss(w, o).forward(p(), y())), call: (o) => new nn.BCELoss(o) };
  // with logits 0 and targets 1, 0: log 2 each; posWeight 3 scales the positive term
  const z = () => t64([0, 0]);
  const bcel = (f: (w: fl.Tensor | null, o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    reduction: sc(() => near(vals(f(null, { reduction: 'sum' })), [2 * L2], 'BCEWithLogits sum')),
    weight: sc(() => near(vals(f(t64([2, 0]), { reduction: 'sum' })), [2 * L2], 'BCEWithLogits weight')),
    posWeight: sc(() => near(vals(f(null, { posWeight: t64([3]), reduction: 'sum' })), [4 * L2], 'BCEWithLogits posWeight')),
  });
  TABLE['F.binaryCrossEntropyWithLogits'] = { honoured: bcel((w, o) => F.binaryCrossEntropyWithLogits(z(), y(), w, o)), call: (o) => fl.scope(() => F.binaryCrossEntropyWithLogits(z(), y(), o)) };
  TABLE['nn.BCEWithLogitsLoss'] = { honoured: bcel((w, o) => new nn.BCEWithLogitsLoss(w, o).forward(z(), y())), call: (o) => new nn.BCEWithLogitsLoss(o) };
}
{
  // the remaining functionals
  const x = () => t64([[1, -1], [3, 1]]);
  TABLE['F.linear'] = { honoured: { bias: sc(() => near(vals(F.linear(t64([[1, 2]]), t64([[1, 1]]), t64([5]))), [8], 'linear bias')) }, call: (o) => fl.scope(() => (F.linear as any)(x(), t64([[1, 1]]), o)) };
  TABLE['F.embedding'] = {
    honoured: {
      paddingIdx: sc(() => {
        const w = t64([[1, 2], [3, 4]]).requiresGrad_();
        F.embedding(fl.tensor([0, 1]), w, 0).sum().backward();
        expect(vals(w.grad!)).toEqual([0, 0, 1, 1]);
        w.grad!.dispose(); w.grad = null;
      }),
    },
    call: (o) => fl.scope(() => F.embedding(fl.tensor([0]), t64([[1, 2]]), o)),
  };
  TABLE['F.dropout'] = {
    honoured: {
      p: sc(() => expect(vals(F.dropout(x(), 1)).map((v) => v + 0)).toEqual([0, 0, 0, 0])),
      training: sc(() => expect(vals(F.dropout(x(), { p: 1, training: false }))).toEqual([1, -1, 3, 1])),
    },
    call: (o) => fl.scope(() => F.dropout(x(), o)),
  };
  const S2 = Math.SQRT1_2;
  TABLE['F.layerNorm'] = {
    honoured: {
      weight: sc(() => near(vals(F.layerNorm(t64([1, -1]), 2, t64([2, 2]), null, 0)), [2, -2], 'layerNorm weight')),
      bias: sc(() => near(vals(F.layerNorm(t64([1, -1]), 2, null, t64([1, 1]), 0)), [2, 0], 'layerNorm bias')),
      eps: sc(() => near(vals(F.layerNorm(t64([1, -1]), 2, { eps: 1 })), [S2, -S2], 'layerNorm eps')),
    },
    call: (o) => fl.scope(() => F.layerNorm(t64([1, -1]), 2, o)),
  };
  TABLE['F.rmsNorm'] = {
    honoured: {
      weight: sc(() => near(vals(F.rmsNorm(t64([1, 1]), 2, t64([2, 3]), 0)), [2, 3], 'rmsNorm weight')),
      eps: sc(() => near(vals(F.rmsNorm(t64([1, 1]), 2, { eps: 1 })), [S2, S2], 'rmsNorm eps')),
    },
    call: (o) => fl.scope(() => F.rmsNorm(t64([1, 1]), 2, o)),
  };
  const g = () => t64([[[1], [-1]]]);
  TABLE['F.groupNorm'] = {
    honoured: {
      weight: sc(() => near(vals(F.groupNorm(g(), 1, t64([2, 3]), null, 0)), [2, -3], 'groupNorm weight')),
      bias: sc(() => near(vals(F.groupNorm(g(), 1, null, t64([1, 1]), 0)), [2, 0], 'groupNorm bias')),
      eps: sc(() => near(vals(F.groupNorm(g(), 1, { eps: 1 })), [S2, -S2], 'groupNorm eps')),
    },
    call: (o) => fl.scope(() => F.groupNorm(g(), 1, o)),
  };
  const bn = () => t64([[1], [-1]]);
  TABLE['F.batchNorm'] = {
    honoured: {
      weight: sc(() => near(vals(F.batchNorm(bn(), null, null, t64([2]), null, true, 0.1, 0)), [2, -2], 'batchNorm weight')),
      bias: sc(() => near(vals(F.batchNorm(bn(), null, null, { bias: t64([1]), training: true, eps: 0 })), [2, 0], 'batchNorm bias')),
      training: sc(() => near(vals(F.batchNorm(bn(), t64([0]), t64([4]), { training: false, eps: 0 })), [0.5, -0.5], 'running stats when not training')),
      momentum: sc(() => { const rm = t64([0]); F.batchNorm(t64([[1], [3]]), rm, t64([1]), { training: true, momentum: 1 }); near(vals(rm), [2], 'momentum 1'); }),
      eps: sc(() => near(vals(F.batchNorm(bn(), null, null, { training: true, eps: 1 })), [S2, -S2], 'batchNorm eps')),
    },
    call: (o) => fl.scope(() => F.batchNorm(bn(), null, null, { training: true, ...o })),
  };
}

// ---- data
{
  const ds = () => new fl.data.TensorDataset(fl.arange(5, { dtype: 'float32' }));
  const numbers = new (class extends fl.data.Dataset<number> { get length() { return 3; } get(i: number) { return i; } })();
  const epoch = async (l: fl.data.DataLoader<fl.Tensor[], fl.Tensor[]>): Promise<number[][]> => {
    const out: number[][] = [];
    for await (const [b] of l) { out.push(Array.from(b.dataSync() as Float32Array)); b.dispose(); }
    return out;
  };
  const run = (o: Record<string, unknown>, batch = 2): Promise<number[][]> => {
    const d = ds();
    return epoch(new fl.data.DataLoader(d, batch, o as any)).finally(() => d.tensors.forEach((t) => t.dispose()));
  };
  TABLE['data.DataLoader'] = {
    honoured: {},
    asyncHonoured: {
      batchSize: async () => expect(await run({}, 3)).toEqual([[0, 1, 2], [3, 4]]),
      shuffle: async () => { const r = (await run({ shuffle: true, seed: 3 })).flat(); expect(r.slice().sort()).toEqual([0, 1, 2, 3, 4]); expect(r).not.toEqual([0, 1, 2, 3, 4]); },
      seed: async () => expect(await run({ shuffle: true, seed: 3 })).toEqual(await run({ shuffle: true, seed: 3 })),
      dropLast: async () => expect(await run({ dropLast: true })).toEqual([[0, 1], [2, 3]]),
      collate: async () => {
        const d = ds();
        try {
          const l = new fl.data.DataLoader(d, { batchSize: 2, collate: (items: fl.Tensor[][]) => items.length });
          const got: number[] = [];
          for await (const b of l) got.push(b);
          expect(got).toEqual([2, 2, 1]);
        } finally { d.tensors.forEach((t) => t.dispose()); }
      },
      numWorkers: async () => expect(() => new fl.data.DataLoader(numbers, { numWorkers: 1 })).toThrow(/numWorkers=1 needs a dataset that worker threads can rebuild/),
      // torch's worker_init_fn, named by module and export (a function cannot cross threads; what it does in the workers: test/data-iterable.test.ts)
      workerInitFn: async () => expect(() => new fl.data.DataLoader(numbers, { workerInitFn: (() => undefined) as any })).toThrow(/workerInitFn must be \{ module: <absolute path>, exportName \}/),
      prefetch: async () => expect(() => new fl.data.DataLoader(numbers, { prefetch: 0 })).toThrow(/prefetch must be an integer >= 1/),
      // Pinned memory is what GPUs copy from: without a usable GPU backend the option is refused, not ignored.
      pinMemory: async () => (fl.cuda.isAvailable()
        ? expect(new fl.data.DataLoader(numbers, { pinMemory: true }).pinMemory).toBe(true)
        : expect(() => new fl.data.DataLoader(numbers, { pinMemory: true })).toThrow(fl.BackendUnavailableError)),
      device: async () => expect(new fl.data.DataLoader(numbers, { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0]),
      sampler: async () => expect(await run({ sampler: Object.assign([4, 0, 2], { length: 3 }) })).toEqual([[4, 0], [2]]),
      batchSampler: async () => expect(await run({ batchSampler: [[4], [0, 2, 1]] }, 1)).toEqual([[4], [0, 2, 1]]),
      // a Generator seeded 3 shuffles as the { seed: 3, offset: 0 } state does, and differently from seed 4
      generator: async () => {
        const a = await run({ shuffle: true, generator: new fl.Generator().manualSeed(3) });
        expect(a).toEqual(await run({ shuffle: true, generator: { seed: 3, offset: 0 } }));
        expect(a).not.toEqual(await run({ shuffle: true, generator: new fl.Generator().manualSeed(4) }));
      },
    },
    call: (o) => new fl.data.DataLoader(numbers, o),
  } as Entry;
  TABLE['data.MnistDataset'] = {
    honoured: {
      train: () => {
        // the test split is looked for under t10k-* names: refused with the names tried
        expect(() => new fl.data.MnistDataset('/nonexistent-mnist', false)).toThrow(/t10k-images-idx3-ubyte/);
        expect(() => new fl.data.MnistDataset('/nonexistent-mnist')).toThrow(/train-images-idx3-ubyte/);
      },
    },
    call: (o) => new fl.data.MnistDataset('/nonexistent-mnist', o),
  };
}

// ---- Tensor.backward(gradient, retainGraph)
TABLE['fl.Tensor.backward'] = {
  sig: 'backward',
  honoured: {
    gradient: sc(() => {
      const w = t64([1, 2]).requiresGrad_();
      w.mul(3).backward(t64([1, 10]));
      expect(vals(w.grad!)).toEqual([3, 30]);
      w.grad!.dispose(); w.grad = null;
    }),
    retainGraph: sc(() => {
      const w = t64([1]).requiresGrad_();
      const y = w.exp().sum();
      y.backward({ retainGraph: true });
      y.backward();                         // the graph was kept: a second backward accumulates
      near(vals(w.grad!), [2 * Math.E], 'two backwards');
      expect(() => y.backward()).toThrow(fl.FlintError);   // freed after the second, as in PyTorch
      w.grad!.dispose(); w.grad = null;
    }),
    createGraph: sc(() => {
      const w = t64([1]).requiresGrad_();
      w.pow(3).sum().backward({ createGraph: true });
      expect(w.grad!.requiresGrad).toBe(true);       // 3w², in the graph
      const g = w.grad!; w.grad = null;
      g.sum().backward();
      expect(vals(w.grad!)).toEqual([6]);            // d(3w²)/dw
      g.dispose(); w.grad!.dispose(); w.grad = null;
      w.pow(3).sum().backward({ createGraph: false });
      expect(w.grad!.requiresGrad).toBe(false);
      w.grad!.dispose(); w.grad = null;
    }),
    inputs: sc(() => {
      const a = t64([1, 2]).requiresGrad_(), b = t64([3, 4]).requiresGrad_();
      a.mul(b).sum().backward({ inputs: [a] });
      expect(vals(a.grad!)).toEqual([3, 4]);
      expect(b.grad).toBeNull();              // torch: b.grad stays None
      a.grad!.dispose(); a.grad = null;
    }),
  },
  call: (o) => fl.scope(() => { const w = t64([1]).requiresGrad_(); try { w.sum().backward(o); } finally { w.grad?.dispose(); w.grad = null; } }),
};

// ---- fl.autograd.grad(outputs, inputs, gradOutputs, retainGraph, createGraph, onlyInputs, allowUnused, isGradsBatched, materializeGrads)
TABLE['fl.autograd.grad'] = {
  sig: 'autograd.grad',
  honoured: {
    gradOutputs: sc(() => {
      const a = t64([1, 2]).requiresGrad_();
      const [g] = fl.autograd.grad(a.mul(3), [a], { gradOutputs: t64([1, 10]) });
      expect(vals(g!)).toEqual([3, 30]);
      expect(a.grad).toBeNull();
    }),
    retainGraph: sc(() => {
      const a = t64([1]).requiresGrad_();
      const y = a.exp().sum();
      fl.autograd.grad(y, [a], { retainGraph: true });
      near(vals(fl.autograd.grad(y, [a])[0]!), [Math.E], 'second grad');
      expect(() => fl.autograd.grad(y, [a])).toThrow(fl.AutogradError);   // freed by the second
    }),
    createGraph: sc(() => {
      const a = t64([2]).requiresGrad_();
      const [g] = fl.autograd.grad(a.pow(3).sum(), [a], { createGraph: true });
      expect(vals(fl.autograd.grad(g!.sum(), [a])[0]!)).toEqual([12]);   // d(3a²)/da
      const [g2] = fl.autograd.grad(a.pow(3).sum(), [a], { createGraph: false });
      expect(g2!.requiresGrad).toBe(false);
    }),
    onlyInputs: sc(() => {
      const a = t64([1]).requiresGrad_();
      expect(() => fl.autograd.grad(a.sum(), [a], { onlyInputs: false })).toThrow(fl.ValueError);
      expect(vals(fl.autograd.grad(a.sum(), [a], { onlyInputs: true })[0]!)).toEqual([1]);
    }),
    allowUnused: sc(() => {
      const a = t64([1]).requiresGrad_(), b = t64([2]).requiresGrad_();
      expect(() => fl.autograd.grad(a.mul(2).sum(), [a, b], { retainGraph: true })).toThrow(/not have been used/);
      const [ga, gb] = fl.autograd.grad(a.mul(2).sum(), [a, b], { allowUnused: true });
      expect(vals(ga!)).toEqual([2]);
      expect(gb).toBeNull();
    }),
    isGradsBatched: sc(() => {
      const a = t64([1]).requiresGrad_();
      expect(() => fl.autograd.grad(a.sum(), [a], { isGradsBatched: true })).toThrow(fl.ValueError);
    }),
    materializeGrads: sc(() => {
      const a = t64([1]).requiresGrad_(), b = t64([2, 3]).requiresGrad_();
      const [, gb] = fl.autograd.grad(a.mul(2).sum(), [a, b], { materializeGrads: true });
      expect(vals(gb!)).toEqual([0, 0]);
    }),
  },
  call: (o) => fl.scope(() => { const a = t64([1]).requiresGrad_(); return fl.autograd.grad(a.sum(), [a], o); }),
};

// ---- anomaly detection: fl.autograd.setDetectAnomaly(mode, checkNan), detectAnomaly(fn, checkNan)
{
  // (sqrt(x) * [0, 1]).sum() at x = [0, 1]: the gradient of sqrt at 0 is 0 * inf = NaN
  const nanBackward = (): void => fl.scope(() => { const x = t64([0, 1]).requiresGrad_(); x.sqrt().mul(t64([0, 1])).sum().backward(); x.grad!.dispose(); x.grad = null; });
  TABLE['fl.autograd.setDetectAnomaly'] = {
    sig: 'autograd.setDetectAnomaly',
    honoured: {
      checkNan: () => {
        try {
          fl.autograd.setDetectAnomaly(true);
          expect(nanBackward).toThrow(/returned nan values/);
          fl.autograd.setDetectAnomaly(true, { checkNan: false });
          nanBackward();
        } finally { fl.autograd.setDetectAnomaly(false); }
      },
    },
    call: (o) => fl.autograd.setDetectAnomaly(false, o),
  };
  TABLE['fl.autograd.detectAnomaly'] = {
    sig: 'autograd.detectAnomaly',
    honoured: {
      checkNan: () => {
        expect(() => fl.autograd.detectAnomaly(nanBackward)).toThrow(/returned nan values/);
        fl.autograd.detectAnomaly(nanBackward, { checkNan: false });
      },
    },
    call: (o) => fl.autograd.detectAnomaly(() => 1, o),
  };
}

// ---- fl.autograd.gradgradcheck(fn, inputs, gradOutputs, eps, atol, rtol, raiseException)
{
  /** x³ with a backward that hides its dependence on x (detach): second derivatives 0 instead of 6 x g. */
  class HiddenCube extends fl.autograd.Function {
    static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { ctx.saveForBackward(x); return x.pow(3); }
    static backward(ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor { const [x] = ctx.savedTensors; return g.mul(x!.detach().pow(2).mul(3)); }
  }
  const cube = (t: fl.Tensor): fl.Tensor => HiddenCube.apply(t);
  const ggc = fl.autograd.gradgradcheck;
  TABLE['fl.autograd.gradgradcheck'] = {
    sig: 'autograd.gradgradcheck',
    honoured: {
      // with a zero gradient of the output the missing term 6 x g is 0 too
      gradOutputs: sc(() => {
        expect(ggc(cube, [t64([1]).requiresGrad_()], { gradOutputs: [t64([0])] })).toBe(true);
        expect(ggc(cube, [t64([1]).requiresGrad_()], { gradOutputs: [t64([1])], raiseException: false })).toBe(false);
      }),
      // x⁵: central differences of 20 x³ g with eps 0.3 are off by 20 g eps² x = 1.8 at x = 1
      eps: sc(() => {
        const p5 = (t: fl.Tensor): fl.Tensor => t.pow(5);
        expect(ggc(p5, [t64([1]).requiresGrad_()], [t64([1])])).toBe(true);
        expect(ggc(p5, [t64([1]).requiresGrad_()], [t64([1])], { eps: 0.3, raiseException: false })).toBe(false);
      }),
      // the missing 6 x g at x = 0.001, g = 1: 0.006, inside atol 0.01
      atol: sc(() => {
        expect(ggc(cube, [t64([0.001]).requiresGrad_()], [t64([1])], { raiseException: false })).toBe(false);
        expect(ggc(cube, [t64([0.001]).requiresGrad_()], [t64([1])], { atol: 0.01 })).toBe(true);
      }),
      // |0 - n| <= rtol |n| holds for rtol 1
      rtol: sc(() => {
        expect(ggc(cube, [t64([1]).requiresGrad_()], [t64([1])], { rtol: 1 })).toBe(true);
      }),
      raiseException: sc(() => {
        expect(() => ggc(cube, [t64([1]).requiresGrad_()], [t64([1])])).toThrow(/Jacobian mismatch/);
        expect(ggc(cube, [t64([1]).requiresGrad_()], [t64([1])], { raiseException: false })).toBe(false);
      }),
    },
    call: (o) => fl.scope(() => ggc((t: fl.Tensor) => t.tanh(), [t64([1]).requiresGrad_()], o)),
  };
}

// ---- fl.useDeterministicAlgorithms(mode, { warnOnly })
TABLE['fl.useDeterministicAlgorithms'] = {
  honoured: {
    warnOnly: () => {
      try {
        fl.useDeterministicAlgorithms(true, { warnOnly: true });
        expect(fl.isDeterministicAlgorithmsWarnOnlyEnabled()).toBe(true);
        fl.useDeterministicAlgorithms(true);
        expect(fl.isDeterministicAlgorithmsWarnOnlyEnabled()).toBe(false);
      } finally { fl.useDeterministicAlgorithms(false); }
    },
  },
  call: (o) => fl.useDeterministicAlgorithms(false, o),
};

// ---- fl.autograd.backward(tensors, gradTensors, retainGraph, createGraph, gradVariables, inputs)
TABLE['fl.autograd.backward'] = {
  sig: 'autograd.backward',
  honoured: {
    gradTensors: sc(() => {
      const a = t64([1, 2]).requiresGrad_();
      fl.autograd.backward([a.mul(2), a.mul(3)], { gradTensors: [t64([1, 1]), t64([10, 100])] });
      expect(vals(a.grad!)).toEqual([32, 302]);
      a.grad!.dispose(); a.grad = null;
    }),
    retainGraph: sc(() => {
      const a = t64([1]).requiresGrad_();
      const y = a.exp().sum();
      fl.autograd.backward(y, { retainGraph: true });
      fl.autograd.backward(y);
      near(vals(a.grad!), [2 * Math.E], 'two backwards');
      expect(() => fl.autograd.backward(y)).toThrow(fl.AutogradError);
      a.grad!.dispose(); a.grad = null;
    }),
    createGraph: sc(() => {
      const a = t64([2]).requiresGrad_();
      fl.autograd.backward(a.pow(3).sum(), { createGraph: true });
      expect(a.grad!.requiresGrad).toBe(true);
      expect(vals(a.grad!)).toEqual([12]);
      a.grad!.dispose(); a.grad = null;
    }),
    gradVariables: sc(() => {
      const a = t64([1]).requiresGrad_();
      expect(() => fl.autograd.backward(a.sum(), { gradVariables: [t64([1])] as never })).toThrow(/gradTensors/);
    }),
    inputs: sc(() => {
      const a = t64([1, 2]).requiresGrad_(), b = t64([3, 4]).requiresGrad_();
      fl.autograd.backward(a.mul(b).sum(), { inputs: [b] });
      expect(vals(b.grad!)).toEqual([1, 2]);
      expect(a.grad).toBeNull();
      b.grad!.dispose(); b.grad = null;
    }),
  },
  call: (o) => fl.scope(() => { const a = t64([1]).requiresGrad_(); try { fl.autograd.backward(a.sum(), o); } finally { a.grad?.dispose(); a.grad = null; } }),
};

// ---- fl.autograd.functional: jacobian(func, inputs, createGraph, strict, vectorize, strategy), hessian(…, outerJacobianStrategy),
// vjp / jvp / vhp / hvp(func, inputs, v, createGraph, strict)
{
  const AF = fl.autograd.functional;
  const cube = (x: fl.Tensor): fl.Tensor => x.pow(3);
  TABLE['fl.autograd.functional.jacobian'] = {
    sig: 'autograd.functional.jacobian',
    honoured: {
      createGraph: sc(() => {
        const x = t64([2]).requiresGrad_();
        const J = AF.jacobian(cube, x, { createGraph: true });
        expect(vals(J)).toEqual([12]);
        expect(vals(fl.autograd.grad(J.sum(), [x])[0])).toEqual([12]);   // d(3x²)/dx
        expect(AF.jacobian(cube, x).requiresGrad).toBe(false);
      }),
      strict: sc(() => {
        expect(vals(AF.jacobian((a) => a.mul(0).detach(), t64([2])))).toEqual([0]);
        expect(() => AF.jacobian((a) => a.mul(0).detach(), t64([2]), { strict: true })).toThrow(fl.AutogradError);
      }),
      vectorize: sc(() => {
        expect(vals(AF.jacobian(cube, t64([2]), { vectorize: true }))).toEqual([12]);   // the same loop
        expect(() => AF.jacobian(cube, t64([2]), { vectorize: true, strict: true })).toThrow(fl.ValueError);
      }),
      strategy: sc(() => {
        expect(vals(AF.jacobian(cube, t64([2]), { strategy: 'reverse-mode' }))).toEqual([12]);
        expect(() => AF.jacobian(cube, t64([2]), { strategy: 'forward-mode' })).toThrow(/forward-mode/);
      }),
    },
    call: (o) => fl.scope(() => AF.jacobian(cube, t64([2]), o)),
  };
  TABLE['fl.autograd.functional.hessian'] = {
    sig: 'autograd.functional.hessian',
    honoured: {
      createGraph: sc(() => {
        const x = t64([2]).requiresGrad_();
        const H = AF.hessian((a) => a.pow(3).sum(), x, { createGraph: true });
        expect(vals(H)).toEqual([12]);
        expect(vals(fl.autograd.grad(H.sum(), [x])[0])).toEqual([6]);
      }),
      strict: sc(() => {
        expect(vals(AF.hessian((a) => a.mul(2).sum(), t64([2])))).toEqual([0]);
        expect(() => AF.hessian((a) => a.mul(2).sum(), t64([2]), { strict: true })).toThrow(fl.AutogradError);
      }),
      vectorize: sc(() => {
        expect(vals(AF.hessian((a) => a.pow(3).sum(), t64([2]), { vectorize: true }))).toEqual([12]);
        expect(() => AF.hessian((a) => a.pow(3).sum(), t64([2]), { vectorize: true, strict: true })).toThrow(fl.ValueError);
      }),
      outerJacobianStrategy: sc(() => {
        expect(() => AF.hessian((a) => a.pow(3).sum(), t64([2]), { outerJacobianStrategy: 'forward-mode' })).toThrow(/forward-mode/);
      }),
    },
    call: (o) => fl.scope(() => AF.hessian((a) => a.pow(3).sum(), t64([2]), o)),
  };
  // d/dx x³ = 3x², d²/dx² = 6x: at x = 2 with v = 10 the products are 120
  const products: [string, (f: (x: fl.Tensor) => fl.Tensor, x: fl.Tensor, o?: fl.autograd.functional.ProductOptions) => [fl.Tensor, fl.Tensor], number, (x: fl.Tensor) => fl.Tensor][] = [
    ['vjp', AF.vjp, 120, cube], ['jvp', AF.jvp, 120, cube], ['vhp', AF.vhp, 120, (x) => x.pow(3).sum()], ['hvp', AF.hvp, 120, (x) => x.pow(3).sum()],
  ];
  for (const [name, product, want, fn] of products) {
    TABLE[`fl.autograd.functional.${name}`] = {
      sig: `autograd.functional.${name}`,
      honoured: {
        v: sc(() => {
          expect(vals(product(fn, t64([2]), { v: t64([10]) })[1])).toEqual([want]);
          expect(vals(product(fn, t64([2]))[1])).toEqual([want / 10]);
          expect(() => product(fn, t64([2]), { v: t64([1, 2]) })).toThrow(fl.ShapeError);
        }),
        createGraph: sc(() => {
          const x = t64([2]).requiresGrad_();
          const [, p] = product(fn, x, { v: t64([1]), createGraph: true });
          expect(p.requiresGrad).toBe(true);
          expect(product(fn, x, { v: t64([1]) })[1].requiresGrad).toBe(false);
        }),
        strict: sc(() => {
          const [, p] = product((a) => a.mul(0).sum().detach(), t64([2]));
          expect(vals(p)).toEqual([0]);
          expect(() => product((a) => a.mul(0).sum().detach(), t64([2]), { strict: true })).toThrow(fl.AutogradError);
        }),
      },
      call: (o) => fl.scope(() => product(fn, t64([2]), o)),
    };
  }
}

// ---- Module.registerForwardPreHook(hook, { prepend, withKwargs }), registerForwardHook(hook, { prepend, withKwargs, alwaysCall })
TABLE['nn.Module.registerForwardPreHook'] = {
  sig: 'registerForwardPreHook',
  honoured: {
    prepend: sc(() => {
      const m = new nn.Identity();
      const order: string[] = [];
      m.registerForwardPreHook(() => { order.push('a'); });
      m.registerForwardPreHook(() => { order.push('b'); }, { prepend: true });
      m.call(fl.ones(1));
      expect(order).toEqual(['b', 'a']);
    }),
    withKwargs: sc(() => {
      const m = new nn.Identity();
      expect(() => m.registerForwardPreHook(() => undefined, { withKwargs: true })).toThrow(/withKwargs/);
      m.registerForwardPreHook(() => undefined, { withKwargs: false });
    }),
  },
  call: (o) => new nn.Identity().registerForwardPreHook(() => undefined, o),
};
TABLE['nn.Module.registerForwardHook'] = {
  sig: 'registerForwardHook',
  honoured: {
    prepend: sc(() => {
      const m = new nn.Identity();
      const order: string[] = [];
      m.registerForwardHook(() => { order.push('a'); });
      m.registerForwardHook(() => { order.push('b'); }, { prepend: true });
      m.call(fl.ones(1));
      expect(order).toEqual(['b', 'a']);
    }),
    withKwargs: sc(() => {
      const m = new nn.Identity();
      expect(() => m.registerForwardHook(() => undefined, { withKwargs: true })).toThrow(/withKwargs/);
      m.registerForwardHook(() => undefined, { withKwargs: false });
    }),
    alwaysCall: sc(() => {
      class Bad extends nn.Module { forward(): fl.Tensor { throw new Error('forward failed'); } }
      for (const always of [true, false]) {
        const m = new Bad();
        let called = 0;
        m.registerForwardHook(() => { called++; }, { alwaysCall: always });
        expect(() => m.call()).toThrow('forward failed');
        expect(called).toBe(always ? 1 : 0);
      }
    }),
  },
  call: (o) => new nn.Identity().registerForwardHook(() => undefined, o),
};

TABLE['nn.Module.registerFullBackwardHook'] = {
  sig: 'registerFullBackwardHook',
  honoured: {
    prepend: sc(() => {
      const m = new nn.Linear(1, 1);
      const order: string[] = [];
      m.registerFullBackwardHook(() => { order.push('a'); });
      m.registerFullBackwardHook(() => { order.push('b'); }, { prepend: true });
      m.call(fl.ones(1, 1)).sum().backward();
      expect(order).toEqual(['b', 'a']);
      m.zeroGrad();
    }),
  },
  call: (o) => new nn.Identity().registerFullBackwardHook(() => undefined, o),
};

// ---- Module.loadStateDict(state, strict)
TABLE['nn.Module.loadStateDict'] = {
  sig: 'loadStateDict',
  honoured: {
    strict: sc(() => {
      const m = new nn.Linear(2, 1);
      const sd = { weight: fl.ones(1, 2) };
      expect(() => m.loadStateDict(sd)).toThrow(/missing keys \[bias\]/);
      expect(m.loadStateDict(sd, false).missingKeys).toEqual(['bias']);
      expect(m.loadStateDict(sd, { strict: false }).missingKeys).toEqual(['bias']);
      expect(vals(m.weight.to('float64'))).toEqual([1, 1]);
    }),
  },
  call: (o) => fl.scope(() => { const m = new nn.Linear(2, 1); return m.loadStateDict(m.stateDict(), o); }),
};

// ---- fl.profiler: profile(fn, { cuda }), Profile.table(sortBy, rowLimit, { groupByInputShape }), keyAverages
const profiled = () => {
  const a = fl.ones(2, 3);
  try { return fl.profiler.profile(() => fl.scope(() => { a.add(a); a.add(a); a.add(1); a.neg(); })); } finally { a.dispose(); }
};
const tableRows = (t: string) => t.split('\n').slice(3).filter((l) => /^\s*\w+\s+\d/.test(l)).map((l) => l.trim().split(/\s+/));
TABLE['fl.profiler.profile'] = {
  sig: 'profiler.profile',
  honoured: {
    cuda: () => {
      if (!fl.cuda.isAvailable()) {  // asked for and not possible: refused, not ignored
        expect(() => fl.profiler.profile(() => 1, { cuda: true })).toThrow(fl.BackendUnavailableError);
        return;
      }
      const x = fl.ones([2], { device: 'cuda' });
      try {
        const on = fl.profiler.profile(() => x.neg().dispose(), { cuda: true });
        const off = fl.profiler.profile(() => x.neg().dispose(), { cuda: false });
        expect([on.cuda, on.events[0].cudaStart >= 0]).toEqual([true, true]);
        expect([off.cuda, off.events[0].cudaStart]).toEqual([false, -1]);
      } finally { x.dispose(); }
    },
  },
  call: (o) => fl.profiler.profile(() => 1, o as any),
};
TABLE['fl.profiler.Profile.table'] = {
  sig: 'Profile.table',
  honoured: {
    sortBy: () => {
      const p = profiled();
      expect(tableRows(p.table({ sortBy: 'calls' })).map((r) => r[0])).toEqual(['add', 'neg']);
      expect(tableRows(p.table('calls')).map((r) => r[0])).toEqual(['add', 'neg']);
    },
    rowLimit: () => {
      const p = profiled();
      expect(tableRows(p.table({ sortBy: 'calls', rowLimit: 1 })).map((r) => r[0])).toEqual(['add']);
      expect(tableRows(p.table('calls', 1)).length).toBe(1);
    },
    groupByInputShape: () => {
      const p = profiled();
      const rows = tableRows(p.table({ sortBy: 'calls', groupByInputShape: true }));
      expect(rows.map((r) => [r[0], r[6]]))  // name, 5 time columns, calls.toEqual([['add', '2'], ['add', '1'], ['neg', '1']]);
    },
  },
  call: (o) => profiled().table(o as any),
};
TABLE['fl.profiler.Profile.keyAverages'] = {
  sig: 'Profile.keyAverages',
  honoured: {
    groupByInputShape: () => {
      const p = profiled();
      expect(p.keyAverages().map((r) => [r.name, r.calls])).toEqual([['add', 3], ['neg', 1]]);
      expect(p.keyAverages({ groupByInputShape: true }).map((r) => [r.name, r.calls, r.shapes])).toEqual([
        ['add', 2, [[2, 3], [2, 3], [2, 3]]], ['add', 1, [[2, 3], [2, 3], []]], ['neg', 1, [[2, 3], [2, 3]]]]);
    },
  },
  call: (o) => profiled().keyAverages(o as any),
};

// ---- fl.models: fromPretrained(dir, { device, dtype }), the constructors, generate, savePretrained,
// nn.utils.lora, the tokenizer (test/golden/hf: tiny checkpoints whose greedy tokens are recorded)
const HF = path.join(__dirname, 'golden', 'hf');
const hfGolden = JSON.parse(fs.readFileSync(path.join(HF, 'golden.json'), 'utf8'));
const hfConfig = (n: string) => JSON.parse(fs.readFileSync(path.join(HF, n, 'config.json'), 'utf8'));
function withModel<M extends fl.nn.Module, T>(m: M, f: (m: M) => T): T { try { return f(m); } finally { m.dispose(); } }
const onDevice = (m: fl.nn.Module) => m.parameters().every((p) => p.device.split(':')[0] === DEVICE.split(':')[0]);
// BERT encoders (lib/models/bert.ts): fromPretrained / constructors with { device, dtype }, meanPooling
for (const [cls, dir] of [['Bert', 'bert'], ['BertForSequenceClassification', 'bert-cls']] as const) {
  const C = fl.models[cls] as unknown as { fromPretrained(d: string, o?: object): fl.nn.Module; new (c: object, o?: object): fl.nn.Module };
  TABLE[`models.${cls}.fromPretrained`] = {
    sig: `${cls}.fromPretrained`,
    honoured: {
      device: () => withModel(C.fromPretrained(path.join(HF, dir), { device: DEVICE }), (m) => expect(onDevice(m)).toBe(true)),
      dtype: sc(() => {
        const file = fl.loadSync(path.join(HF, dir, 'model.safetensors'));
        try {
          withModel(C.fromPretrained(path.join(HF, dir), { dtype: 'float64' }), (m) => {
            for (const [k, t] of Object.entries(m.stateDict())) { expect([k, t.dtype]).toEqual([k, 'float64']); expect(vals(t.to('cpu'))).toEqual(Array.from(file[k].dataSync())); }
          });
        } finally { Object.values(file).forEach((t) => t.dispose()); }
      }),
    },
    call: (o) => withModel(C.fromPretrained(path.join(HF, dir), o), () => 0),
  };
  TABLE[`models.${cls}`] = {
    sig: cls,
    honoured: {
      device: () => withModel(new C(hfConfig(dir), { device: DEVICE }), (m) => expect(onDevice(m)).toBe(true)),
      dtype: () => withModel(new C(hfConfig(dir), { dtype: 'float64' }), (m) => expect(m.parameters().map((p) => p.dtype)).toEqual(m.parameters().map(() => 'float64'))),
      ...(cls === 'Bert' ? {
        addPoolingLayer: () => {
          withModel(new C(hfConfig(dir), { addPoolingLayer: false }), (m) => expect(Object.keys(m.stateDict()).filter((k) => k.startsWith('pooler'))).toEqual([]));
          withModel(new C(hfConfig(dir)), (m) => expect(Object.keys(m.stateDict()).filter((k) => k.startsWith('pooler')).sort()).toEqual(['pooler.dense.bias', 'pooler.dense.weight']));
        },
      } : {}),
    },
    call: (o) => withModel(new C(hfConfig(dir), o), () => 0),
  };
}
{
  // states [2, 3, 2]: the mask keeps the first 2 tokens of row 0 and the first token of row 1
  const h = () => fl.tensor([[[1, 2], [3, 4], [50, 60]], [[3, 4], [7, 8], [9, 10]]], { dtype: 'float64' });
  const mask = () => fl.tensor([[1, 1, 0], [1, 0, 0]], { dtype: 'int32' });
  TABLE['models.meanPooling'] = {
    sig: 'meanPooling',
    honoured: {
      attentionMask: sc(() => {
        expect(fl.models.meanPooling(h(), { attentionMask: mask() }).toArray()).toEqual([[2, 3], [3, 4]]);
        expect(fl.models.meanPooling(h()).toArray()).toEqual([[18, 22], [19 / 3, 22 / 3]]);
      }),
      normalize: sc(() => near((fl.models.meanPooling(h(), mask(), { normalize: true }).toArray() as number[][]).flat(), [2 / Math.sqrt(13), 3 / Math.sqrt(13), 0.6, 0.8], 'meanPooling normalize', 1e-12)),
    },
    call: (o) => fl.scope(() => fl.models.meanPooling(h(), mask(), o as never)),
  };
}
for (const [cls, dir] of [['GPT2', 'gpt2'], ['Llama', 'llama']] as const) {
  const C = fl.models[cls] as unknown as { fromPretrained(d: string, o?: object): fl.models.CausalLM; new (c: object, o?: object): fl.models.CausalLM };
  TABLE[`models.${cls}.fromPretrained`] = {
    sig: `${cls}.fromPretrained`,
    honoured: {
      device: () => withModel(C.fromPretrained(path.join(HF, dir), { device: DEVICE }), (m) => expect(onDevice(m)).toBe(true)),
      dtype: sc(() => {
        const file = fl.loadSync(path.join(HF, dir, 'model.safetensors'));
        try {
          withModel(C.fromPretrained(path.join(HF, dir), { dtype: 'float64' }), (m) => {
            const sd = m.stateDict();
            for (const [k, t] of Object.entries(sd)) { expect([k, t.dtype]).toEqual([k, 'float64']); expect(vals(t.to('cpu'))).toEqual(Array.from(file[k].dataSync())); }
          });
        } finally { Object.values(file).forEach((t) => t.dispose()); }
      }),
    },
    call: (o) => withModel(C.fromPretrained(path.join(HF, dir), o), () => 0),
  };
  TABLE[`models.${cls}`] = {
    sig: cls,
    honoured: {
      device: () => withModel(new C(hfConfig(dir), { device: DEVICE }), (m) => expect(onDevice(m)).toBe(true)),
      dtype: () => withModel(new C(hfConfig(dir), { dtype: 'float64' }), (m) => expect(m.parameters().map((p) => p.dtype)).toEqual(m.parameters().map(() => 'float64'))),
    },
    call: (o) => withModel(new C(hfConfig(dir), o), () => 0),
  };
}
{
  const g = hfGolden.gpt2 as { prompt: number[]; greedy: number[] };
  const gen = (o: fl.models.GenerateOptions) => withModel(fl.models.GPT2.fromPretrained(path.join(HF, 'gpt2'), { device: DEVICE }),
    (m) => fl.scope(() => (m.generate(fl.tensor([g.prompt], { dtype: 'int32', device: DEVICE }), { eosTokenId: null, ...o }).toArray() as number[][])[0].slice(g.prompt.length)));
  const greedy = g.greedy;
  TABLE['models.CausalLM.generate'] = {
    sig: 'generate',
    honoured: {
      maxNewTokens: () => { expect(gen({ maxNewTokens: 3 })).toEqual(greedy.slice(0, 3)); expect(gen({})).toEqual(greedy); },
      doSample: () => {
        expect(gen({ doSample: false, temperature: 50, seed: 1 })).toEqual(greedy);   // temperature only matters when sampling
        expect(gen({ doSample: true, temperature: 50, seed: 1 })).not.toEqual(greedy);
      },
      temperature: () => {
        expect(gen({ temperature: 0, seed: 1 })).toEqual(greedy);
        expect(gen({ temperature: 1e-4, seed: 1 })).toEqual(greedy);                  // a sharp distribution samples the top token
        expect(gen({ temperature: 50, seed: 1 })).not.toEqual(greedy);
      },
      topK: () => { expect(gen({ topK: 1, temperature: 50, seed: 1 })).toEqual(greedy); },
      topP: () => { expect(gen({ topP: 1e-6, temperature: 50, seed: 1 })).toEqual(greedy); },
      eosTokenId: () => {
        const eos = greedy[2];
        const first = greedy.indexOf(eos);
        expect(gen({ eosTokenId: eos })).toEqual(greedy.slice(0, first + 1));   // one row: it stops at its eos
        expect(gen({ eosTokenId: [eos, 12345] }).length).toBe(first + 1);
      },
      seed: () => {
        const a = gen({ temperature: 50, seed: 7 }), b = gen({ temperature: 50, seed: 7 }), c = gen({ temperature: 50, seed: 8 });
        expect(a).toEqual(b);
        expect(a).not.toEqual(c);
      },
      useCache: () => { expect(gen({ useCache: false })).toEqual(greedy); expect(gen({ useCache: false, temperature: 50, seed: 3 })).toEqual(gen({ temperature: 50, seed: 3 })); },
    },
    call: (o) => gen(o as fl.models.GenerateOptions),
  };
  TABLE['models.CausalLM.savePretrained'] = {
    sig: 'savePretrained',
    honoured: {
      maxShardSize: () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-args-save-'));
        try {
          withModel(fl.models.GPT2.fromPretrained(path.join(HF, 'gpt2')), (m) => { m.savePretrained(dir, { maxShardSize: 10000 }); });
          expect(fs.readdirSync(dir).filter((f) => f.endsWith('.safetensors')).length).toBeGreaterThan(1);
          withModel(fl.models.GPT2.fromPretrained(path.join(HF, 'gpt2')), (m) => { m.savePretrained(dir); });
          expect(fs.readdirSync(dir).filter((f) => f.endsWith('.safetensors'))).toEqual(['model.safetensors']);
        } finally { fs.rmSync(dir, { recursive: true, force: true }); }
      },
    },
    call: (o) => withModel(fl.models.GPT2.fromPretrained(path.join(HF, 'gpt2')), (m) => m.savePretrained(path.join(os.tmpdir(), 'flint-args-never'), o as never)),
  };
}
{
  class Net extends nn.Module {
    fc = new nn.Linear(4, 3);
    other = new nn.Linear(3, 3);
    forward(x: fl.Tensor) { return this.other.forward(this.fc.forward(x)); }
  }
  const adapted = (o: fl.nn.utils.LoRAOptions, f: (n: Net, a: fl.nn.utils.LoRAAdapters) => void) => sc(() => { const n = new Net(); f(n, fl.nn.utils.lora(n, o)); })();
  const x = () => fl.linspace(-1, 1, 8).reshape(2, 4);
  TABLE['nn.utils.lora'] = {
    sig: 'lora',
    honoured: {
      r: () => adapted({ targetModules: ['fc'], r: 2 }, (n) => expect((n.fc as unknown as fl.nn.utils.LoRALinear).lora_A.get('default')!.weight.shape).toEqual([2, 4])),
      alpha: () => adapted({ targetModules: ['fc'], r: 2, alpha: 6 }, (n) => {
        const l = n.fc as unknown as fl.nn.utils.LoRALinear;
        const base = l.base_layer as fl.nn.Linear;
        fl.noGrad(() => l.lora_B.get('default')!.weight.fill_(1));
        const ref = fl.noGrad(() => base.forward(x()).add(x().matmul(l.lora_A.get('default')!.weight.t()).sum(-1, true).mul(3)));   // (B·A·x)·alpha/r, B = ones
        expect(Math.max(...vals(fl.noGrad(() => l.forward(x())).sub(ref).abs().to('float64')))).toBeLessThan(1e-5);
      }),
      targetModules: () => adapted({ targetModules: ['other'] }, (n, a) => {
        expect([...a.layers.keys()]).toEqual(['other']);
        expect(n.fc).toBeInstanceOf(nn.Linear);
      }),
      dropout: () => adapted({ targetModules: ['fc'], dropout: 0.5 }, (n) => {
        const l = n.fc as unknown as fl.nn.utils.LoRALinear;
        fl.noGrad(() => l.lora_B.get('default')!.weight.fill_(1));
        // training: masked and scaled by 1/(1-p), so never the eval output (all kept: the update doubles; all dropped: none)
        const train = vals(fl.noGrad(() => l.forward(x())).to('float64'));
        l.eval();
        const evalOut = vals(fl.noGrad(() => l.forward(x())).to('float64'));
        expect(train).not.toEqual(evalOut);
        expect(vals(fl.noGrad(() => l.forward(x())).to('float64'))).toEqual(evalOut);
      }),
    },
    call: (o) => fl.scope(() => fl.nn.utils.lora(new Net(), { targetModules: ['fc'], ...o })),
  };
}
{
  // nn.utils.rnn (lib/nn/packed.ts; its values against torch in test/packed-sequence.test.ts)
  const R = fl.nn.utils.rnn;
  const x = () => fl.arange(6, { dtype: 'float64' }).reshape(3, 2);   // [T 3, B 2]
  const ints = (t: fl.Tensor) => Array.from(t.dataSync() as Int32Array);
  TABLE['nn.utils.rnn.packPaddedSequence'] = {
    sig: 'packPaddedSequence',
    honoured: {
      batchFirst: sc(() => expect(vals(R.packPaddedSequence(x(), [2, 1, 1], { batchFirst: true }).data)).toEqual([0, 2, 4, 1])),   // [B 3, T 2]
      enforceSorted: sc(() => expect(ints(R.packPaddedSequence(x(), [1, 3], { enforceSorted: false }).sortedIndices!)).toEqual([1, 0])),
    },
    call: (o) => fl.scope(() => R.packPaddedSequence(x(), [3, 1], o as any)),
  };
  TABLE['nn.utils.rnn.padPackedSequence'] = {
    sig: 'padPackedSequence',
    honoured: {
      batchFirst: sc(() => expect(R.padPackedSequence(R.packPaddedSequence(x(), [3, 1]), { batchFirst: true })[0].shape).toEqual([2, 3])),
      paddingValue: sc(() => expect(vals(R.padPackedSequence(R.packPaddedSequence(x(), [3, 1]), { paddingValue: 7 })[0])).toEqual([0, 1, 2, 7, 4, 7])),
      totalLength: sc(() => expect(R.padPackedSequence(R.packPaddedSequence(x(), [3, 1]), { totalLength: 5 })[0].shape).toEqual([5, 2])),
    },
    call: (o) => fl.scope(() => R.padPackedSequence(R.packPaddedSequence(x(), [3, 1]), o as any)),
  };
  const seqs = () => [fl.ones([2, 1], { dtype: 'float64' }), fl.ones([1, 1], { dtype: 'float64' })];
  TABLE['nn.utils.rnn.padSequence'] = {
    sig: 'padSequence',
    honoured: {
      batchFirst: sc(() => expect(R.padSequence(seqs(), { batchFirst: true }).shape).toEqual([2, 2, 1])),
      paddingValue: sc(() => expect(vals(R.padSequence(seqs(), { paddingValue: -1 }))).toEqual([1, 1, 1, -1])),
    },
    call: (o) => fl.scope(() => R.padSequence(seqs(), o as any)),
  };
  TABLE['nn.utils.rnn.packSequence'] = {
    sig: 'packSequence',
    honoured: {
      enforceSorted: sc(() => expect(() => R.packSequence(seqs().reverse(), { enforceSorted: true })).toThrow(fl.ValueError)),
    },
    call: (o) => fl.scope(() => R.packSequence(seqs(), o as any)),
  };
  TABLE['nn.utils.rnn.unpadSequence'] = {
    sig: 'unpadSequence',
    honoured: {
      batchFirst: sc(() => expect(R.unpadSequence(x(), [1, 2], { batchFirst: true }).map((t) => t.shape)).toEqual([[1], [2]])),
    },
    call: (o) => fl.scope(() => R.unpadSequence(x(), [3, 1], o as any)),
  };
}
{
  const tok = () => fl.models.AutoTokenizer.fromPretrained(path.join(HF, 'llama'));
  TABLE['models.AutoTokenizer.fromPretrained'] = {
    sig: 'AutoTokenizer.fromPretrained',
    honoured: {},
    call: (o) => (fl.models.AutoTokenizer.fromPretrained as (...a: unknown[]) => unknown)(path.join(HF, 'llama'), o),
  };
  TABLE['models.Tokenizer.encode'] = {
    sig: 'Tokenizer.encode',
    honoured: {
      addSpecialTokens: () => {
        expect(tok().encode('the cat')).toEqual([1, 33, 47, 42]);    // <s> ▁the ▁c at
        expect(tok().encode('the cat', { addSpecialTokens: false })).toEqual([33, 47, 42]);
      },
    },
    call: (o) => tok().encode('the cat', o),
  };
  TABLE['models.Tokenizer.decode'] = {
    sig: 'Tokenizer.decode',
    honoured: {
      skipSpecialTokens: () => {
        expect(tok().decode([1, 33, 47, 42])).toContain('<s>');
        expect(tok().decode([1, 33, 47, 42], { skipSpecialTokens: true })).toBe('the cat');
      },
    },
    call: (o) => tok().decode([32], o),
  };
}

// ---- fl.onnx.export(model, sampleInputs, path, { inputNames, outputNames, dynamicAxes, opset }): read back from the file
{
  const onnxFile = path.join(os.tmpdir(), `flint-args-${process.pid}.onnx`);
  type Decoded = { opsetImport: { version: number }[]; graph: { input: { name: string; type: { tensorType: { shape: { dim: { dimParam?: string }[] } } } }[]; output: { name: string }[] } };
  const exported = (o: Record<string, unknown>): Decoded => fl.scope(() => {
    const model = new nn.Linear(3, 2);
    try {
      fl.onnx.export(model, [fl.ones(2, 3)], onnxFile, o as any);
      return decodeModel(fs.readFileSync(onnxFile)) as unknown as Decoded;
    } finally { model.dispose(); fs.rmSync(onnxFile, { force: true }); }
  });
  TABLE['fl.onnx.export'] = {
    sig: 'onnx.export',
    honoured: {
      inputNames: () => { expect(exported({}).graph.input[0].name).toBe('input_0'); expect(exported({ inputNames: ['x'] }).graph.input[0].name).toBe('x'); },
      outputNames: () => { expect(exported({}).graph.output[0].name).toBe('output_0'); expect(exported({ outputNames: ['y'] }).graph.output[0].name).toBe('y'); },
      dynamicAxes: () => {
        expect(exported({}).graph.input[0].type.tensorType.shape.dim[0].dimParam).toBeUndefined();
        expect(exported({ dynamicAxes: { input_0: { 0: 'batch' } } }).graph.input[0].type.tensorType.shape.dim[0].dimParam).toBe('batch');
      },
      opset: () => { expect(exported({}).opsetImport[0].version).toBe(18); expect(exported({ opset: 17 }).opsetImport[0].version).toBe(17); },
    },
    call: (o) => exported(o),
  };
}

// ---- distributed: a loopback engine (a world of one) stands in for MPI, so that the options can be
// checked in this process; the collectives themselves are tested on 2 ranks in distributed.test.ts
{
  const calls: string[] = [];
  const loopback = async (init: EngineInit): Promise<Engine> => ({
    name: 'mpi', rank: init.rank, worldSize: init.worldSize,
    allReduce: async () => { calls.push('allReduce'); }, broadcast: async () => { calls.push('broadcast'); },
    allGather: async (outs, t) => { outs[0].copy_(t); }, reduceScatter: async (out, ins) => { out.copy_(ins[0]); },
    send: async () => undefined, recv: async () => undefined, barrier: async () => undefined, abort: () => undefined, destroy: async () => undefined,
  });
  /** Runs fn inside a loopback group of one (the real 'mpi' factory is put back after). */
  const inWorld = async (fn: () => Promise<void> | void, options: Record<string, unknown> = {}): Promise<void> => {
    const prev = registerEngine('mpi', loopback);
    try {
      await fl.distributed.initProcessGroup({ backend: 'mpi', worldSize: 1, rank: 0, ...options });
      try { await fn(); } finally { await fl.distributed.destroyProcessGroup(); }
    } finally { registerEngine('mpi', prev); }
  };
  const never = (): Promise<Engine> => new Promise(() => undefined);
  TABLE['distributed.initProcessGroup'] = {
    sig: 'initProcessGroup',
    honoured: {},
    asyncHonoured: {
      backend: async () => expect(() => fl.distributed.initProcessGroup({ backend: 'mpi', worldSize: 2, rank: 0 })).toThrow(/backend 'mpi' needs its 2 ranks started by MPI's launcher/),
      worldSize: async () => expect(() => fl.distributed.initProcessGroup({ worldSize: 3, rank: 0 })).toThrow(/needs its 3 ranks/),
      rank: async () => expect(() => fl.distributed.initProcessGroup({ worldSize: 2, rank: 2 })).toThrow(/rank 2 is not below the world size 2/),
      initMethod: async () => expect(() => fl.distributed.initProcessGroup({ initMethod: 'file:///tmp/x' as 'env://' })).toThrow(/initMethod must be one of 'env:\/\/'/),
      timeoutMs: async () => {
        const prev = registerEngine('mpi', never);  // a world that never forms: the rendezvous ends at timeoutMs
        try {
          await expect(fl.distributed.initProcessGroup({ worldSize: 1, rank: 0, timeoutMs: 50 })).rejects.toThrow('initProcessGroup (rank 0, mpi): no world after 50 ms');
        } finally { registerEngine('mpi', prev); }
        expect(fl.distributed.isInitialized()).toBe(false);
      },
    },
    call: (o) => fl.distributed.initProcessGroup({ worldSize: 2, rank: 2, ...o }),
  } as Entry;
  const net = () => new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3), new nn.Linear(3, 1));
  TABLE['nn.parallel.DistributedDataParallel'] = {
    sig: 'DistributedDataParallel',
    honoured: {},
    asyncHonoured: {
      bucketCapMb: async () => inWorld(async () => {
        const m = net();
        try {
          expect(new nn.parallel.DistributedDataParallel(m)._buckets.length).toBe(1);
          expect(new nn.parallel.DistributedDataParallel(m, { bucketCapMb: 1e-5 })._buckets.length).toBe(6);  // 10 bytes: one parameter each
        } finally { m.dispose(); }
      }),
      deviceIds: async () => inWorld(() => {
        const m = net();
        try { expect(() => new nn.parallel.DistributedDataParallel(m, { deviceIds: [0] })).toThrow(/the mpi backend works on CPU tensors \(leave deviceIds out\)/); } finally { m.dispose(); }
      }),
      broadcastBuffers: async () => inWorld(async () => {
        const m = net();
        try {
          for (const [b, n] of [[true, 6 + 3], [false, 6]] as const) {  // 6 parameters, 3 buffers of the batch norm
            calls.length = 0;
            await new nn.parallel.DistributedDataParallel(m, { broadcastBuffers: b }).ready();
            expect(calls.filter((c) => c === 'broadcast').length).toBe(n);
          }
        } finally { m.dispose(); }
      }),
    },
    call: (o) => { const m = net(); try { return new nn.parallel.DistributedDataParallel(m, o as any); } finally { m.dispose(); } },
  } as Entry;
  const ten = new fl.data.TensorDataset(fl.arange(10, { dtype: 'float32' }));
  TABLE['data.DistributedSampler'] = {
    honoured: {
      numReplicas: () => expect(new fl.data.DistributedSampler(ten, { numReplicas: 5, rank: 0 }).length).toBe(2),
      rank: () => expect([...new fl.data.DistributedSampler(ten, { numReplicas: 5, rank: 3, shuffle: false })]).toEqual([3, 8]),
      shuffle: () => expect([...new fl.data.DistributedSampler(ten, { numReplicas: 1, rank: 0, shuffle: false })]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
      seed: () => expect([...new fl.data.DistributedSampler(ten, { numReplicas: 1, rank: 0, seed: 1 })]).not.toEqual([...new fl.data.DistributedSampler(ten, { numReplicas: 1, rank: 0, seed: 2 })]),
      dropLast: () => expect(new fl.data.DistributedSampler(ten, { numReplicas: 3, rank: 0, dropLast: true }).length).toBe(3),
    },
    call: (o) => new fl.data.DistributedSampler(ten, { numReplicas: 1, rank: 0, ...o }),
  };
  // the samplers of torch.utils.data and randomSplit: each generator check compares two seeds' draws
  const isPerm = (xs: number[], n: number): boolean => xs.length === n && [...xs].sort((a, b) => a - b).every((v, i) => v === i);
  TABLE['data.RandomSampler'] = {
    honoured: {
      // without replacement every block of 3 is a permutation; 30 draws with replacement are not
      replacement: () => {
        const blocks = (rep: boolean) => { const v = [...new fl.data.RandomSampler({ length: 3 }, { replacement: rep, numSamples: 30, generator: 0 })]; return [0, 3, 6, 9, 12, 15, 18, 21, 24, 27].every((b) => isPerm(v.slice(b, b + 3), 3)); };
        expect([blocks(false), blocks(true)]).toEqual([true, false]);
      },
      numSamples: () => expect([...new fl.data.RandomSampler({ length: 3 }, { numSamples: 7 })].length).toBe(7),
      generator: () => {
        const draw = (g: number) => [...new fl.data.RandomSampler({ length: 20 }, { generator: g })];
        expect(draw(1)).toEqual(draw(1));
        expect(draw(1)).not.toEqual(draw(2));
      },
    },
    call: (o) => new fl.data.RandomSampler({ length: 3 }, o),
  };
  TABLE['data.SubsetRandomSampler'] = {
    honoured: {
      generator: () => {
        const draw = (g: number) => [...new fl.data.SubsetRandomSampler([5, 6, 7, 8, 9, 10, 11, 12, 13, 14], { generator: g })];
        expect(draw(3)).toEqual(draw(3));
        expect(draw(3)).not.toEqual(draw(4));
      },
    },
    call: (o) => new fl.data.SubsetRandomSampler([0, 1], o),
  };
  TABLE['data.WeightedRandomSampler'] = {
    honoured: {
      // 3 draws of 3 equal weights: without replacement a permutation, with it (fixed seed) a repeat
      replacement: () => expect([isPerm([...new fl.data.WeightedRandomSampler([1, 1, 1], 3, { replacement: false, generator: 0 })], 3),
        new Set([...new fl.data.WeightedRandomSampler([1, 1, 1], 30, { replacement: true, generator: 0 })]).size]).toEqual([true, 3]),
      generator: () => {
        const draw = (g: number) => [...new fl.data.WeightedRandomSampler([1, 2, 3, 4], 20, { generator: g })];
        expect(draw(5)).toEqual(draw(5));
        expect(draw(5)).not.toEqual(draw(6));
      },
    },
    call: (o) => new fl.data.WeightedRandomSampler([1, 2], 2, o),
  };
  TABLE['data.BatchSampler'] = {
    honoured: {},
    call: (o) => new fl.data.BatchSampler([0, 1, 2], { batchSize: 2, dropLast: false, ...o }),
  };
  const twenty = { length: 20, get: (i: number) => i };
  TABLE['data.randomSplit'] = {
    honoured: {
      generator: () => {
        const split = (g: number) => fl.data.randomSplit(twenty, [10, 10], { generator: g })[0].indices;
        expect(split(7)).toEqual(split(7));
        expect(split(7)).not.toEqual(split(8));
      },
    },
    call: (o) => fl.data.randomSplit(twenty, [20], o),
  };
}

// ---- padding and resizing (lib/nn/pad.ts, lib/nn/resize.ts, nn.Upsample)
{
  const row = () => t64([[[1, 2, 3]]]);
  TABLE['F.pad'] = {
    honoured: {
      mode: sc(() => expect(vals(F.pad(row(), [2, 1], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3, 2])),
      value: sc(() => expect(vals(F.pad(row(), [1, 0], 'constant', 9))).toEqual([9, 1, 2, 3])),
    },
    call: (o) => fl.scope(() => F.pad(row(), [1, 1], o as any)),
  };
  const up = (o: Record<string, unknown>) => vals(F.interpolate(row(), o as any));
  TABLE['F.interpolate'] = {
    honoured: {
      size: sc(() => expect(up({ size: 6 })).toEqual([1, 1, 2, 2, 3, 3])),
      scaleFactor: sc(() => expect(up({ scaleFactor: 2.2 })).toEqual([1, 1, 1, 2, 2, 3])),  // positions j / 2.2
      mode: sc(() => near(up({ size: 5, mode: 'linear' }), [1, 1.4, 2, 2.6, 3], 'linear')),
      alignCorners: sc(() => near(up({ size: 5, mode: 'linear', alignCorners: true }), [1, 1.5, 2, 2.5, 3], 'alignCorners')),
      recomputeScaleFactor: sc(() => expect(up({ scaleFactor: 2.2, recomputeScaleFactor: true })).toEqual([1, 1, 2, 2, 3, 3])),  // positions j / 2
      antialias: sc(() => expect(() => F.interpolate(fl.ones([1, 1, 3, 3]), { size: 2, mode: 'bilinear', antialias: true })).toThrow(/antialias=true .* is not supported yet/)),
    },
    call: (o) => fl.scope(() => F.interpolate(row(), { size: 2, ...o } as any)),
  };
  // F.gridSample of x = [1, 2] (one row) at x-position gx (lib/nn/grid.ts): bilinear at 0 is 1.5, nearest 1 (0.5 rounds to
  // even); at 2 zeros padding reads 0, border 2; at -1 alignCorners true reads pixel 0, false half of it
  const row2 = () => t64([[[[1, 2]]]]), gs = (gx: number, o: Record<string, unknown>) => vals(F.gridSample(row2(), t64([[[[gx, 0]]]]), o as any));
  TABLE['F.gridSample'] = {
    honoured: {
      mode: sc(() => expect([gs(0, { alignCorners: false }), gs(0, { mode: 'nearest', alignCorners: false })]).toEqual([[1.5], [1]])),
      paddingMode: sc(() => expect([gs(2, { alignCorners: false }), gs(2, { paddingMode: 'border', alignCorners: false })]).toEqual([[0], [2]])),
      alignCorners: sc(() => expect([gs(-1, { alignCorners: true }), gs(-1, { alignCorners: false })]).toEqual([[1], [0.5]])),
    },
    call: (o) => fl.scope(() => F.gridSample(row2(), t64([[[[0, 0]]]]), { alignCorners: false, ...o } as any)),
  };
  TABLE['F.affineGrid'] = {
    honoured: { alignCorners: sc(() => expect([vals(F.affineGrid(t64([[[1, 0, 0], [0, 1, 0]]]), [1, 1, 1, 2], { alignCorners: true })), vals(F.affineGrid(t64([[[1, 0, 0], [0, 1, 0]]]), [1, 1, 1, 2], { alignCorners: false }))]).toEqual([[-1, 0, 1, 0], [-0.5, 0, 0.5, 0]])) },
    call: (o) => fl.scope(() => F.affineGrid(t64([[[1, 0, 0], [0, 1, 0]]]), [1, 1, 1, 2], { alignCorners: false, ...o } as any)),
  };
  TABLE['nn.Upsample'] = {
    honoured: {
      size: sc(() => expect(vals(new nn.Upsample(6).forward(row()))).toEqual([1, 1, 2, 2, 3, 3])),
      scaleFactor: sc(() => expect(vals(new nn.Upsample(null, 2.2).forward(row()))).toEqual([1, 1, 1, 2, 2, 3])),
      mode: sc(() => near(vals(new nn.Upsample({ size: 5, mode: 'linear' }).forward(row())), [1, 1.4, 2, 2.6, 3], 'Upsample linear')),
      alignCorners: sc(() => near(vals(new nn.Upsample(5, null, 'linear', true).forward(row())), [1, 1.5, 2, 2.5, 3], 'Upsample alignCorners')),
      recomputeScaleFactor: sc(() => expect(vals(new nn.Upsample({ scaleFactor: 2.2, recomputeScaleFactor: true }).forward(row()))).toEqual([1, 1, 2, 2, 3, 3])),
    },
    call: (o) => new nn.Upsample(o as any),
  };
}

// ---- torch.fft, the window functions, stft / istft (lib/ops/fft.ts, windows.ts, stft.ts)
{
  const v = () => t64([1, 2, -3, 4.5, 0.25]);
  const mat = () => t64([[1, 2, 3], [4, -5, 6]]);
  const cv = () => fl.viewAsComplex(t64([[1, 2], [-0.5, 1], [3, -1]]));
  const cmat = () => fl.viewAsComplex(t64([[[1, 0], [2, 1]], [[3, -1], [0.5, 2]], [[-1, 1], [0, 0]]]));
  const re = (t: fl.Tensor): number[] => vals(fl.isComplex(t) ? fl.viewAsReal(t).contiguous() : t);
  const scaleOf = (a: number[], b: number[]): number => { const i = b.findIndex((x) => Math.abs(x) > 1e-6); return a[i] / b[i]; };
  // the 1-D transforms: n (the output size), dim (a transform along dim 0 differs), norm (a scaling by n or √n)
  const one = (name: 'fft' | 'ifft' | 'rfft' | 'irfft' | 'hfft' | 'ihfft', input: () => fl.Tensor, nOut: (n: number) => number, inverse: boolean) => {
    const f = (fl.fft as any)[name] as (...a: unknown[]) => fl.Tensor;
    TABLE[`fft.${name}`] = {
      sig: `fft.${name}`,
      honoured: {
        n: sc(() => expect(f(input(), 6).shape.at(-1)).toBe(nOut(6))),
        dim: sc(() => { const a = fl.stack([input(), input()], 1); expect(re(f(a, { dim: 0 }))).not.toEqual(re(f(a))); }),
        norm: sc(() => {
          const m = f(input()).shape.at(-1)!;
          const k = name === 'irfft' || name === 'hfft' ? m : input().shape[0];
          expect(scaleOf(re(f(input(), { norm: 'ortho' })), re(f(input())))).toBeCloseTo(inverse ? Math.sqrt(k) : 1 / Math.sqrt(k), 9);
        }),
      },
      call: (o) => fl.scope(() => f(input(), o as any)),
    };
  };
  one('fft', v, (n) => n, false);
  one('ifft', v, (n) => n, true);
  one('rfft', v, (n) => Math.floor(n / 2) + 1, false);
  one('irfft', cv, (n) => n, true);
  one('hfft', cv, (n) => n, false);
  one('ihfft', v, (n) => Math.floor(n / 2) + 1, true);
  // the 2-D and n-D transforms: s (the output sizes), dim (which dims), norm
  const many = (name: string, input: () => fl.Tensor, lastOut: (n: number) => number, inverse: boolean, twoD: boolean) => {
    const f = (fl.fft as any)[name] as (...a: unknown[]) => fl.Tensor;
    TABLE[`fft.${name}`] = {
      sig: `fft.${name}`,
      honoured: {
        s: sc(() => expect(f(input(), [4, 6]).shape).toEqual([4, lastOut(6)])),
        dim: sc(() => {
          const a = fl.stack([input(), input()], 0);  // [2, 3|2, ...]
          const d = f(a, { dim: [0, 2] }), all = f(a, twoD ? {} : { dim: [1, 2] });
          expect(d.shape[0]).toBe(2);
          expect(re(d)).not.toEqual(re(all));
        }),
        norm: sc(() => {
          const out = f(input());
          const total = name.startsWith('irfft') || name.startsWith('hfft') ? out.shape[0] * out.shape[1] : input().shape[0] * input().shape[1];
          expect(scaleOf(re(f(input(), { norm: 'ortho' })), re(out))).toBeCloseTo(inverse ? Math.sqrt(total) : 1 / Math.sqrt(total), 9);
        }),
      },
      call: (o) => fl.scope(() => f(input(), o as any)),
    };
  };
  many('fft2', mat, (n) => n, false, true);
  many('ifft2', mat, (n) => n, true, true);
  many('fftn', mat, (n) => n, false, false);
  many('ifftn', mat, (n) => n, true, false);
  many('rfft2', mat, (n) => Math.floor(n / 2) + 1, false, true);
  many('rfftn', mat, (n) => Math.floor(n / 2) + 1, false, false);
  many('ihfft2', mat, (n) => Math.floor(n / 2) + 1, true, true);
  many('ihfftn', mat, (n) => Math.floor(n / 2) + 1, true, false);
  many('irfft2', cmat, (n) => n, true, true);
  many('irfftn', cmat, (n) => n, true, false);
  many('hfft2', cmat, (n) => n, false, true);
  many('hfftn', cmat, (n) => n, false, false);
  const freq = (name: 'fftfreq' | 'rfftfreq', want4: number[]) => {
    const f = (fl.fft as any)[name] as (...a: unknown[]) => fl.Tensor;
    TABLE[`fft.${name}`] = {
      sig: `fft.${name}`,
      honoured: {
        d: sc(() => expect(vals(f(4, 0.5, { dtype: 'float64' }))).toEqual(want4.map((x) => x * 2))),
        dtype: sc(() => expect(f(4, { dtype: 'float64' }).dtype).toBe('float64')),
        device: sc(() => expect(f(4, { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
        requiresGrad: sc(() => expect(f(4, { requiresGrad: true }).requiresGrad).toBe(true)),
      },
      call: (o) => fl.scope(() => f(4, o as any)),
    };
  };
  freq('fftfreq', [0, 0.25, -0.5, -0.25]);
  freq('rfftfreq', [0, 0.25, 0.5]);
  TABLE['fft.fftshift'] = {
    sig: 'fft.fftshift',
    honoured: { dim: sc(() => expect(vals(fl.fft.fftshift(mat(), { dim: 1 }))).toEqual([3, 1, 2, 6, 4, -5])) },
    call: (o) => fl.scope(() => fl.fft.fftshift(mat(), o as any)),
  };
  TABLE['fft.ifftshift'] = {
    sig: 'fft.ifftshift',
    honoured: { dim: sc(() => expect(vals(fl.fft.ifftshift(mat(), { dim: 1 }))).toEqual([2, 3, 1, -5, 6, 4])) },
    call: (o) => fl.scope(() => fl.fft.ifftshift(mat(), o as any)),
  };
  // windows (torch.hann_window(4, dtype=float64) = [0, 0.5, 1, 0.5]; periodic=False: [0, 0.75, 0.75, 0])
  const win = (name: string, extra: Record<string, () => void> = {}) => {
    const f = (fl as any)[name] as (...a: unknown[]) => fl.Tensor;
    TABLE[`fl.${name}`] = {
      honoured: {
        periodic: sc(() => expect(vals(f(4, false, { dtype: 'float64' }))).not.toEqual(vals(f(4, { dtype: 'float64' })))),
        dtype: sc(() => expect(f(4, { dtype: 'float64' }).dtype).toBe('float64')),
        device: sc(() => expect(f(4, { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
        requiresGrad: sc(() => expect(f(4, { requiresGrad: true }).requiresGrad).toBe(true)),
        ...extra,
      },
      call: (o) => fl.scope(() => f(4, o as any)),
    };
  };
  win('hannWindow');
  win('hammingWindow', {
    alpha: sc(() => near(vals(fl.hammingWindow(4, { alpha: 0.5, beta: 0.46, dtype: 'float64' })), [0.04, 0.5, 0.96, 0.5], 'hamming alpha')),
    beta: sc(() => near(vals(fl.hammingWindow(4, { beta: 0.5, dtype: 'float64' })), [0.04, 0.54, 1.04, 0.54], 'hamming beta')),
  });
  win('blackmanWindow');
  win('bartlettWindow');
  win('kaiserWindow', { beta: sc(() => expect(vals(fl.kaiserWindow(4, { beta: 2, dtype: 'float64' }))).not.toEqual(vals(fl.kaiserWindow(4, { dtype: 'float64' })))) });
  // stft / istft on a 16-sample signal
  const s16 = () => fl.sin(fl.arange(16, { dtype: 'float64' }).mul(0.9));
  const S = (o: Record<string, unknown> = {}) => fl.stft(s16(), 8, { returnComplex: true, ...o });
  TABLE['fl.stft'] = {
    honoured: {
      hopLength: sc(() => expect(S({ hopLength: 4 }).shape).toEqual([5, 5])),
      winLength: sc(() => expect(re(S({ winLength: 4 }))).not.toEqual(re(S()))),
      window: sc(() => expect(re(S({ window: fl.hannWindow(8, { dtype: 'float64' }) }))).not.toEqual(re(S()))),
      center: sc(() => expect(S({ center: false }).shape).toEqual([5, 5])),
      padMode: sc(() => expect(re(S({ padMode: 'constant' }))).not.toEqual(re(S()))),
      normalized: sc(() => near(re(S({ normalized: true })), re(S()).map((x) => x / Math.sqrt(8)), 'stft normalized')),
      onesided: sc(() => expect(S({ onesided: false }).shape).toEqual([8, 9])),
      returnComplex: sc(() => expect(fl.stft(s16(), 8, { returnComplex: false }).shape).toEqual([5, 9, 2])),
    },
    call: (o) => fl.scope(() => fl.stft(s16(), 8, { returnComplex: true, ...o })),
  };
  const hann = () => fl.hannWindow(8, { dtype: 'float64' });
  const I = (o: Record<string, unknown> = {}) => fl.istft(S({ window: hann() }), 8, { window: hann(), ...o });
  TABLE['fl.istft'] = {
    honoured: {
      hopLength: sc(() => expect(fl.istft(S({ window: hann(), hopLength: 4 }), 8, { window: hann(), hopLength: 4 }).shape).toEqual([16])),
      winLength: sc(() => expect(() => I({ winLength: 9 })).toThrow(/win_length/)),
      window: sc(() => expect(re(fl.istft(S({ window: hann() }), 8))).not.toEqual(re(I()))),
      center: sc(() => {
        const hm = fl.hammingWindow(8, { dtype: 'float64' });  // (hann's zero edges fail NOLA without centring, in torch too)
        expect(fl.istft(fl.stft(s16(), 8, { returnComplex: true, window: hm, center: false }), 8, { window: hm, center: false }).shape).toEqual([16]);
      }),
      normalized: sc(() => expect(re(I({ normalized: true }))).not.toEqual(re(I()))),
      onesided: sc(() => expect(() => I({ onesided: false })).toThrow(/n_fft when onesided=False/)),
      length: sc(() => expect(I({ length: 11 }).shape).toEqual([11])),
      returnComplex: sc(() => expect(() => I({ returnComplex: true })).toThrow(/onesided/)),
    },
    call: (o) => fl.scope(() => fl.istft(S({ window: hann() }), 8, { window: hann(), ...o })),
  };
}

// ---- norms and distances (lib/ops/norms.ts, lib/nn/distance.ts, nn.CosineSimilarity, nn.PairwiseDistance)
{
  const m = () => t64([[3, -4], [1, 0]]);
  const f32 = () => fl.tensor([3, 4], { dtype: 'float32' });
  TABLE['linalg.vectorNorm'] = {
    sig: 'linalg.vectorNorm',
    honoured: {
      ord: sc(() => expect(fl.linalg.vectorNorm(m(), 1).item()).toBe(8)),
      dim: sc(() => near(vals(fl.linalg.vectorNorm(m(), { dim: 1 })), [5, 1], 'vectorNorm dim')),
      keepdim: sc(() => expect(fl.linalg.vectorNorm(m(), 2, 1, true).shape).toEqual([2, 1])),
      dtype: sc(() => expect(fl.linalg.vectorNorm(f32(), { dtype: 'float64' }).dtype).toBe('float64')),
    },
    call: (o) => fl.scope(() => fl.linalg.vectorNorm(m(), o as any)),
  };
  TABLE['linalg.norm'] = {
    sig: 'linalg.norm',
    honoured: {
      ord: sc(() => expect(fl.linalg.norm(m(), 1).item()).toBe(4)),   // a 2-D input with an ord: the matrix 1-norm (max column sum; the vector 1-norm is 8)
      dim: sc(() => near(vals(fl.linalg.norm(m(), { dim: 1 })), [5, 1], 'linalg.norm dim')),
      keepdim: sc(() => expect(fl.linalg.norm(m(), 2, 1, true).shape).toEqual([2, 1])),
      dtype: sc(() => expect(fl.linalg.norm(f32(), { dtype: 'float64' }).dtype).toBe('float64')),
    },
    call: (o) => fl.scope(() => fl.linalg.norm(m(), o as any)),
  };
  TABLE['linalg.matrixNorm'] = {
    sig: 'linalg.matrixNorm',
    honoured: {
      ord: sc(() => expect(fl.linalg.matrixNorm(m(), Infinity).item()).toBe(7)),
      dim: sc(() => expect(fl.linalg.matrixNorm(m(), 1, [1, 0]).item()).toBe(7)),  // the 1-norm of the transpose
      keepdim: sc(() => expect(fl.linalg.matrixNorm(m(), { keepdim: true }).shape).toEqual([1, 1])),
      dtype: sc(() => expect(fl.linalg.matrixNorm(fl.ones([2, 2]), { dtype: 'float64' }).dtype).toBe('float64')),
    },
    call: (o) => fl.scope(() => fl.linalg.matrixNorm(m(), o as any)),
  };
  // the decompositions (lib/ops/decomp.ts): each option against a value computed here
  const A = () => t64([[2, -1, 0], [1, 3, 4], [0, 5, 1], [1, 1, 1]]);
  const D = () => t64([[3, 0], [0, 1e-3]]);
  const sym = () => t64([[2, 1], [1, 2]]);
  TABLE['linalg.qr'] = {
    sig: 'linalg.qr',
    honoured: { mode: sc(() => expect([fl.linalg.qr(A(), 'complete').Q.shape, fl.linalg.qr(A(), { mode: 'r' }).Q.shape]).toEqual([[4, 4], [0]])) },
    call: (o) => fl.scope(() => fl.linalg.qr(A(), o as any)),
  };
  // UPLO: [[2, 9], [1, 2]] read from its lower triangle is [[2, 1], [1, 2]] (eigenvalues 1, 3); from the upper, [[2, 9], [9, 2]] (-7, 11)
  const tri = () => t64([[2, 9], [1, 2]]);
  TABLE['linalg.eigh'] = {
    sig: 'linalg.eigh',
    honoured: { UPLO: sc(() => { near(vals(fl.linalg.eigh(tri()).eigenvalues), [1, 3], 'eigh L'); near(vals(fl.linalg.eigh(tri(), { UPLO: 'U' }).eigenvalues), [-7, 11], 'eigh U'); }) },
    call: (o) => fl.scope(() => fl.linalg.eigh(sym(), o as any)),
  };
  TABLE['linalg.eigvalsh'] = {
    sig: 'linalg.eigvalsh',
    honoured: { UPLO: sc(() => near(vals(fl.linalg.eigvalsh(tri(), 'U')), [-7, 11], 'eigvalsh U')) },
    call: (o) => fl.scope(() => fl.linalg.eigvalsh(sym(), o as any)),
  };
  // linalg.eig / eigvals (lib/ops/eig.ts): A is their only argument (by name in the options object too)
  TABLE['linalg.eig'] = { sig: 'linalg.eig', honoured: {}, call: (o) => fl.scope(() => (fl.linalg.eig as any)(sym(), o)) };
  TABLE['linalg.eigvals'] = { sig: 'linalg.eigvals', honoured: {}, call: (o) => fl.scope(() => (fl.linalg.eigvals as any)(sym(), o)) };
  TABLE['linalg.svd'] = {
    sig: 'linalg.svd',
    honoured: {
      fullMatrices: sc(() => expect([fl.linalg.svd(A()).U.shape, fl.linalg.svd(A(), { fullMatrices: false }).U.shape]).toEqual([[4, 4], [4, 3]])),
      // torch's CUDA solver choice: every value gives the same factorization; an unknown one is refused
      driver: sc(() => { near(vals(fl.linalg.svd(D(), { driver: 'gesvdj' }).S), [3, 1e-3], 'svd driver'); expect(() => fl.linalg.svd(D(), { driver: 'x' as any })).toThrow(fl.ValueError); }),
    },
    call: (o) => fl.scope(() => fl.linalg.svd(A(), o as any)),
  };
  TABLE['linalg.svdvals'] = {
    sig: 'linalg.svdvals',
    honoured: { driver: sc(() => { near(vals(fl.linalg.svdvals(D(), { driver: 'gesvd' })), [3, 1e-3], 'svdvals driver'); expect(() => fl.linalg.svdvals(D(), { driver: 'x' as any })).toThrow(fl.ValueError); }) },
    call: (o) => fl.scope(() => fl.linalg.svdvals(A(), o as any)),
  };
  // pinv and matrixRank of diag(3, 1e-3): a tolerance above 1e-3 drops the second singular value
  TABLE['linalg.pinv'] = {
    sig: 'linalg.pinv',
    honoured: {
      rcond: sc(() => near(vals(fl.linalg.pinv(D(), 1e-2)), [1 / 3, 0, 0, 0], 'pinv rcond')),
      rtol: sc(() => near(vals(fl.linalg.pinv(D(), { rtol: 1e-2 })), [1 / 3, 0, 0, 0], 'pinv rtol')),
      atol: sc(() => near(vals(fl.linalg.pinv(D(), { atol: 1e-2 })), [1 / 3, 0, 0, 0], 'pinv atol')),
      // hermitian reads the lower triangle only: [[2, 9], [1, 2]] is taken as [[2, 1], [1, 2]]
      hermitian: sc(() => near(vals(fl.linalg.pinv(tri(), null, true)), [2 / 3, -1 / 3, -1 / 3, 2 / 3], 'pinv hermitian')),
    },
    call: (o) => fl.scope(() => fl.linalg.pinv(A(), o as any)),
  };
  TABLE['linalg.matrixRank'] = {
    sig: 'linalg.matrixRank',
    honoured: {
      tol: sc(() => expect(fl.linalg.matrixRank(D(), 1e-2).item()).toBe(1)),
      atol: sc(() => expect(fl.linalg.matrixRank(D(), { atol: 1e-2 }).item()).toBe(1)),
      rtol: sc(() => expect(fl.linalg.matrixRank(D(), { rtol: 1e-2 }).item()).toBe(1)),
      // hermitian reads the lower triangle: [[1, 5], [1, 1]] (rank 2) is taken as [[1, 1], [1, 1]] (rank 1)
      hermitian: sc(() => expect([fl.linalg.matrixRank(t64([[1, 5], [1, 1]])).item(), fl.linalg.matrixRank(t64([[1, 5], [1, 1]]), { hermitian: true }).item()]).toEqual([2, 1])),
    },
    call: (o) => fl.scope(() => fl.linalg.matrixRank(A(), o as any)),
  };
  TABLE['linalg.lstsq'] = {
    sig: 'linalg.lstsq',
    honoured: {
      // rcond 1e-2 drops diag(3, 1e-3)'s small singular value: the solution's second entry becomes 0
      rcond: sc(() => near(vals(fl.linalg.lstsq(D(), t64([[3], [1]]), 1e-2).solution), [1, 0], 'lstsq rcond')),
      driver: sc(() => expect([fl.linalg.lstsq(A(), t64([[1], [2], [3], [4]]), { driver: 'gelsd' }).singularValues.shape, fl.linalg.lstsq(A(), t64([[1], [2], [3], [4]]), { driver: 'gelsy' }).singularValues.shape]).toEqual([[3], [0]])),
    },
    call: (o) => fl.scope(() => fl.linalg.lstsq(A(), t64([[1], [2], [3], [4]]), o as any)),
  };
  TABLE['linalg.cond'] = {
    sig: 'linalg.cond',
    honoured: { p: sc(() => { near([fl.linalg.cond(D()).item()], [3000], 'cond'); near([fl.linalg.cond(D(), -2).item()], [1 / 3000], 'cond -2'); near([fl.linalg.cond(D(), 1).item()], [3000], 'cond 1'); }) },
    call: (o) => fl.scope(() => fl.linalg.cond(D(), o as any)),
  };
  TABLE['fl.svd'] = {
    sig: 'svd',
    honoured: {
      some: sc(() => expect([fl.svd(A()).U.shape, fl.svd(A(), false).U.shape]).toEqual([[4, 3], [4, 4]])),
      computeUv: sc(() => expect(vals(fl.svd(A(), { computeUv: false }).V).every((x) => x === 0)).toBe(true)),
    },
    call: (o) => fl.scope(() => fl.svd(A(), o as any)),
  };
  TABLE['fl.qr'] = {
    sig: 'qr',
    honoured: { some: sc(() => expect([fl.qr(A()).Q.shape, fl.qr(A(), { some: false }).Q.shape]).toEqual([[4, 3], [4, 4]])) },
    call: (o) => fl.scope(() => fl.qr(A(), o as any)),
  };
  TABLE['fl.norm'] = {
    honoured: {
      p: sc(() => expect(fl.norm(m(), 1).item()).toBe(8)),
      dim: sc(() => near(vals(fl.norm(m(), { dim: 1 })), [5, 1], 'norm dim')),
      keepdim: sc(() => expect(fl.norm(m(), 2, 1, true).shape).toEqual([2, 1])),
      dtype: sc(() => { const n = fl.norm(fl.tensor([3, 4]), 2, null, false, { dtype: 'float64' }); expect([n.dtype, n.item()]).toEqual(['float64', 5]); }),
    },
    call: (o) => fl.scope(() => fl.norm(m(), o as any)),
  };
  const a = () => t64([[0, 0]]), b = () => t64([[3, 4]]);
  TABLE['fl.cdist'] = {
    honoured: {
      p: sc(() => expect(fl.cdist(a(), b(), 1).item()).toBe(7)),
      computeMode: sc(() => {  // every mode gives the distances (flintml always takes the differences); a bad mode is refused
        expect(fl.cdist(a(), b(), { computeMode: 'donot_use_mm_for_euclid_dist' }).item()).toBe(5);
        expect(() => fl.cdist(a(), b(), { computeMode: 'mm' as any })).toThrow(fl.ValueError);
      }),
    },
    call: (o) => fl.scope(() => fl.cdist(a(), b(), o as any)),
  };
  TABLE['F.oneHot'] = {
    honoured: { numClasses: sc(() => expect(vals(F.oneHot(fl.tensor([1]), { numClasses: 3 })).map(Number)).toEqual([0, 1, 0])) },
    call: (o) => fl.scope(() => F.oneHot(fl.tensor([1]), o as any)),
  };
  TABLE['F.normalize'] = {
    honoured: {
      p: sc(() => near(vals(F.normalize(t64([[3, -4]]), 1)), [3 / 7, -4 / 7], 'normalize p')),
      dim: sc(() => near(vals(F.normalize(t64([[3], [4]]), { dim: 0 })), [0.6, 0.8], 'normalize dim')),
      eps: sc(() => near(vals(F.normalize(t64([[0.1, 0]]), { eps: 1 })), [0.1, 0], 'normalize eps')),
    },
    call: (o) => fl.scope(() => F.normalize(t64([[3, -4]]), o as any)),
  };
  const c1 = () => t64([[1, 0], [1, 1]]), c2 = () => t64([[1, 1], [1, 1]]);
  TABLE['F.cosineSimilarity'] = {
    honoured: {
      dim: sc(() => near(vals(F.cosineSimilarity(c1(), c2(), 0)), [1, Math.SQRT1_2], 'cosineSimilarity dim')),
      eps: sc(() => near(vals(F.cosineSimilarity(t64([[0.1, 0]]), t64([[1, 0]]), { eps: 1 })), [0.1], 'cosineSimilarity eps')),
    },
    call: (o) => fl.scope(() => F.cosineSimilarity(c1(), c2(), o as any)),
  };
  TABLE['nn.CosineSimilarity'] = {
    honoured: {
      dim: sc(() => near(vals(new nn.CosineSimilarity(0).forward(c1(), c2())), [1, Math.SQRT1_2], 'CosineSimilarity dim')),
      eps: sc(() => near(vals(new nn.CosineSimilarity({ eps: 1 }).forward(t64([[0.1, 0]]), t64([[1, 0]]))), [0.1], 'CosineSimilarity eps')),
    },
    call: (o) => new nn.CosineSimilarity(o as any),
  };
  TABLE['F.pairwiseDistance'] = {
    honoured: {
      p: sc(() => near(vals(F.pairwiseDistance(a(), b(), 1, 0)), [7], 'pairwiseDistance p')),
      eps: sc(() => near(vals(F.pairwiseDistance(a(), b(), { eps: 1 })), [Math.sqrt(4 + 9)], 'pairwiseDistance eps')),  // |0 - 3 + 1|, |0 - 4 + 1|
      keepdim: sc(() => expect(F.pairwiseDistance(a(), b(), { keepdim: true }).shape).toEqual([1, 1])),
    },
    call: (o) => fl.scope(() => F.pairwiseDistance(a(), b(), o as any)),
  };
  TABLE['nn.PairwiseDistance'] = {
    honoured: {
      p: sc(() => near(vals(new nn.PairwiseDistance(1, 0).forward(a(), b())), [7], 'PairwiseDistance p')),
      eps: sc(() => near(vals(new nn.PairwiseDistance({ eps: 1 }).forward(a(), b())), [Math.sqrt(13)], 'PairwiseDistance eps')),
      keepdim: sc(() => expect(new nn.PairwiseDistance({ keepdim: true }).forward(a(), b()).shape).toEqual([1, 1])),
    },
    call: (o) => new nn.PairwiseDistance(o as any),
  };
}

// ---- 1-D, adaptive max and LP pooling (lib/nn/pooling.ts)
{
  const r5 = () => fl.arange(5, { dtype: 'float64' }).reshape([1, 1, 5]);
  const o25 = () => fl.ones([1, 2, 5], { dtype: 'float64' });
  const len = (t: fl.Tensor | fl.Tensor[]): number => (Array.isArray(t) ? t[0] : t).shape[2];
  const pairIdx = (r: unknown) => { expect(Array.isArray(r)).toBe(true); expect((r as fl.Tensor[])[1].dtype).toBe('int32'); };
  const max1 = (f: (k: number, o: Record<string, unknown>) => fl.Tensor | fl.Tensor[]): Record<string, () => void> => ({
    stride: sc(() => expect(len(f(2, { stride: 1 }))).toBe(4)),
    padding: sc(() => expect(len(f(2, { padding: 1 }))).toBe(3)),
    dilation: sc(() => expect(len(f(2, { dilation: 2, stride: 1 }))).toBe(3)),
    ceilMode: sc(() => expect(len(f(2, { ceilMode: true }))).toBe(3)),
    returnIndices: sc(() => pairIdx(f(2, { returnIndices: true }))),
  });
  TABLE['F.maxPool1d'] = { honoured: max1((k, o) => F.maxPool1d(r5(), k, o)), call: (o) => fl.scope(() => F.maxPool1d(r5(), 2, o as any)) };
  TABLE['nn.MaxPool1d'] = { honoured: max1((k, o) => new nn.MaxPool1d(k, o as any).forward(r5())), call: (o) => new nn.MaxPool1d(2, o as any) };
  const avg1 = (f: (k: number, o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    stride: sc(() => expect(len(f(2, { stride: 1 }))).toBe(4)),
    padding: sc(() => expect(vals(f(2, { padding: 1 }))[0]).toBe(0.5)),
    ceilMode: sc(() => expect(len(f(2, { ceilMode: true }))).toBe(3)),
    countIncludePad: sc(() => expect(vals(f(2, { padding: 1, countIncludePad: false }))[0]).toBe(1)),
  });
  TABLE['F.avgPool1d'] = { honoured: avg1((k, o) => F.avgPool1d(o25(), k, o)), call: (o) => fl.scope(() => F.avgPool1d(o25(), 2, o as any)) };
  TABLE['nn.AvgPool1d'] = { honoured: avg1((k, o) => new nn.AvgPool1d(k, o).forward(o25())), call: (o) => new nn.AvgPool1d(2, o as any) };
  TABLE['F.adaptiveAvgPool1d'] = { honoured: {}, call: (o) => fl.scope(() => (F.adaptiveAvgPool1d as any)(o25(), 1, o)) };
  TABLE['nn.AdaptiveAvgPool1d'] = { honoured: {}, call: (o) => new (nn.AdaptiveAvgPool1d as any)(1, o) };
  TABLE['F.adaptiveMaxPool1d'] = { honoured: { returnIndices: sc(() => pairIdx(F.adaptiveMaxPool1d(r5(), 2, { returnIndices: true }))) }, call: (o) => fl.scope(() => F.adaptiveMaxPool1d(r5(), 2, o as any)) };
  TABLE['nn.AdaptiveMaxPool1d'] = { honoured: { returnIndices: sc(() => pairIdx(new nn.AdaptiveMaxPool1d(2, { returnIndices: true }).forward(r5()))) }, call: (o) => new nn.AdaptiveMaxPool1d(2, o as any) };
  TABLE['F.adaptiveMaxPool2d'] = { honoured: { returnIndices: sc(() => pairIdx(F.adaptiveMaxPool2d(x55(), 2, { returnIndices: true }))) }, call: (o) => fl.scope(() => F.adaptiveMaxPool2d(x55(), 2, o as any)) };
  TABLE['nn.AdaptiveMaxPool2d'] = { honoured: { returnIndices: sc(() => pairIdx(new nn.AdaptiveMaxPool2d(2, { returnIndices: true }).forward(x55()))) }, call: (o) => new nn.AdaptiveMaxPool2d(2, o as any) };
  const lp1 = (f: (o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    stride: sc(() => expect(len(f({ stride: 1 }))).toBe(4)),
    ceilMode: sc(() => expect(len(f({ ceilMode: true }))).toBe(3)),
  });
  TABLE['F.lpPool1d'] = { honoured: lp1((o) => F.lpPool1d(o25(), 2, 2, o)), call: (o) => fl.scope(() => F.lpPool1d(o25(), 2, 2, o as any)) };
  TABLE['nn.LPPool1d'] = { honoured: lp1((o) => new nn.LPPool1d(2, 2, o).forward(o25())), call: (o) => new nn.LPPool1d(2, 2, o as any) };
  const lp2 = (f: (o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    stride: sc(() => expect(hw(f({ stride: 1 }))).toEqual([4, 4])),
    ceilMode: sc(() => expect(hw(f({ ceilMode: true }))).toEqual([3, 3])),
  });
  TABLE['F.lpPool2d'] = { honoured: lp2((o) => F.lpPool2d(x55(), 2, 2, o)), call: (o) => fl.scope(() => F.lpPool2d(x55(), 2, 2, o as any)) };
  TABLE['nn.LPPool2d'] = { honoured: lp2((o) => new nn.LPPool2d(2, 2, o).forward(x55())), call: (o) => new nn.LPPool2d(2, 2, o as any) };
}
{
  // the 3-D layers (lib/nn/conv3d.ts): output sizes from torch's formulas on a 5x5x5 volume of ones
  const v5 = () => fl.ones([1, 2, 5, 5, 5], { dtype: 'float64' });
  const dhw = (t: unknown) => (t as fl.Tensor).shape.slice(-3);
  const n3 = (v: number) => [v, v, v];
  const conv3 = (make: (o: Record<string, unknown>) => fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor }): Record<string, () => void> => ({
    ...factoryOf(make),
    stride: sc(() => expect(dhw(make({ stride: 2, dtype: 'float64' }).forward(v5()))).toEqual(n3(2))),
    padding: sc(() => expect(dhw(make({ padding: 1, dtype: 'float64' }).forward(v5()))).toEqual(n3(5))),
    dilation: sc(() => expect(dhw(make({ dilation: 2, dtype: 'float64' }).forward(v5()))).toEqual(n3(1))),
    groups: sc(() => expect(make({ groups: 2 }).parameters()[0].shape[1]).toBe(1)),
    bias: sc(() => expect(make({ bias: false }).parameters().length).toBe(1)),
    // replicate padding of a constant input: every output position sees the same values (zeros padding would not)
    paddingMode: sc(() => { const y = vals(make({ padding: 1, paddingMode: 'replicate', dtype: 'float64' }).forward(v5()).select(1, 0)); near(y, y.map(() => y[0]), 'replicate padding'); expect(() => make({ paddingMode: 'mirror' })).toThrow(/paddingMode must be one of/); }),
  });
  TABLE['nn.Conv3d'] = { honoured: conv3((o) => new nn.Conv3d(2, 2, 3, o)), call: (o) => fl.scope(() => new nn.Conv3d(2, 2, 3, o as any)) };
  const ct3 = (o: Record<string, unknown>) => new nn.ConvTranspose3d(2, 2, 3, { dtype: 'float64', ...o });
  TABLE['nn.ConvTranspose3d'] = {
    honoured: {
      ...factoryOf((o) => new nn.ConvTranspose3d(2, 2, 3, o)),
      stride: sc(() => expect(dhw(ct3({ stride: 2 }).forward(v5()))).toEqual(n3(11))),
      padding: sc(() => expect(dhw(ct3({ padding: 1 }).forward(v5()))).toEqual(n3(5))),
      outputPadding: sc(() => expect(dhw(ct3({ stride: 2, outputPadding: 1 }).forward(v5()))).toEqual(n3(12))),
      dilation: sc(() => expect(dhw(ct3({ dilation: 2 }).forward(v5()))).toEqual(n3(9))),
      groups: sc(() => expect(ct3({ groups: 2 }).parameters()[0].shape[1]).toBe(1)),
      bias: sc(() => expect(ct3({ bias: false }).parameters().length).toBe(1)),
      paddingMode: sc(() => expect(() => ct3({ paddingMode: 'circular' })).toThrow(/paddingMode 'circular' is not supported/)),
    },
    call: (o) => fl.scope(() => new nn.ConvTranspose3d(2, 2, 3, o as any)),
  };
  const w3 = () => fl.ones([2, 2, 3, 3, 3], { dtype: 'float64' });
  const fc3 = (o: Record<string, unknown>) => F.conv3d(v5(), w3(), null, o);
  TABLE['F.conv3d'] = {
    honoured: {
      bias: sc(() => expect(vals(F.conv3d(v5(), w3(), t64([1, 2])).select(1, 1))[0]).toBe(54 + 2)),
      stride: sc(() => expect(dhw(fc3({ stride: 2 }))).toEqual(n3(2))),
      padding: sc(() => expect(dhw(fc3({ padding: 1 }))).toEqual(n3(5))),
      dilation: sc(() => expect(dhw(fc3({ dilation: 2 }))).toEqual(n3(1))),
      groups: sc(() => expect(vals(F.conv3d(v5(), fl.ones([2, 1, 3, 3, 3], { dtype: 'float64' }), null, { groups: 2 }))[0]).toBe(27)),
    },
    call: (o) => fl.scope(() => fc3(o)),
  };
  const fct3 = (o: Record<string, unknown>) => F.convTranspose3d(v5(), w3(), null, o);
  TABLE['F.convTranspose3d'] = {
    honoured: {
      bias: sc(() => expect(vals(F.convTranspose3d(v5(), w3(), t64([1, 2])))[0]).toBe(2 + 1)),
      stride: sc(() => expect(dhw(fct3({ stride: 2 }))).toEqual(n3(11))),
      padding: sc(() => expect(dhw(fct3({ padding: 1 }))).toEqual(n3(5))),
      outputPadding: sc(() => expect(dhw(fct3({ stride: 2, outputPadding: 1 }))).toEqual(n3(12))),
      groups: sc(() => expect(fct3({ groups: 2 }).shape[1]).toBe(4)),
      dilation: sc(() => expect(dhw(fct3({ dilation: 2 }))).toEqual(n3(9))),
    },
    call: (o) => fl.scope(() => fct3(o)),
  };
  const max3 = (f: (k: number, o: Record<string, unknown>) => fl.Tensor | [fl.Tensor, fl.Tensor]): Record<string, () => void> => ({
    stride: sc(() => expect(dhw(f(2, { stride: 1 }))).toEqual(n3(4))),
    padding: sc(() => expect(dhw(f(2, { padding: 1 }))).toEqual(n3(3))),
    dilation: sc(() => expect(dhw(f(2, { dilation: 2, stride: 1 }))).toEqual(n3(3))),
    ceilMode: sc(() => expect(dhw(f(2, { ceilMode: true }))).toEqual(n3(3))),
    returnIndices: sc(() => { const r = f(2, { returnIndices: true }); expect(Array.isArray(r)).toBe(true); expect((r as fl.Tensor[])[1].dtype).toBe('int32'); }),
  });
  TABLE['F.maxPool3d'] = { honoured: max3((k, o) => F.maxPool3d(v5(), k, o)), call: (o) => fl.scope(() => F.maxPool3d(v5(), 2, o as any)) };
  TABLE['nn.MaxPool3d'] = { honoured: max3((k, o) => new nn.MaxPool3d(k, o).forward(v5())), call: (o) => new nn.MaxPool3d(2, o as any) };
  const avg3 = (f: (k: number, o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    stride: sc(() => expect(dhw(f(2, { stride: 1 }))).toEqual(n3(4))),
    padding: sc(() => expect(vals(f(2, { padding: 1 }))[0]).toBe(0.125)),
    ceilMode: sc(() => expect(dhw(f(2, { ceilMode: true }))).toEqual(n3(3))),
    countIncludePad: sc(() => expect(vals(f(2, { padding: 1, countIncludePad: false }))[0]).toBe(1)),
    divisorOverride: sc(() => expect(vals(f(2, { divisorOverride: 1 }))[0]).toBe(8)),
  });
  TABLE['F.avgPool3d'] = { honoured: avg3((k, o) => F.avgPool3d(v5(), k, o)), call: (o) => fl.scope(() => F.avgPool3d(v5(), 2, o as any)) };
  TABLE['nn.AvgPool3d'] = { honoured: avg3((k, o) => new nn.AvgPool3d(k, o).forward(v5())), call: (o) => new nn.AvgPool3d(2, o as any) };
  TABLE['F.adaptiveAvgPool3d'] = { honoured: {}, call: (o) => fl.scope(() => (F.adaptiveAvgPool3d as any)(v5(), 1, o)) };
  TABLE['nn.AdaptiveAvgPool3d'] = { honoured: {}, call: (o) => new (nn.AdaptiveAvgPool3d as any)(1, o) };
  const idx3 = (r: unknown) => { expect(Array.isArray(r)).toBe(true); expect((r as fl.Tensor[])[1].dtype).toBe('int32'); };
  TABLE['F.adaptiveMaxPool3d'] = { honoured: { returnIndices: sc(() => idx3(F.adaptiveMaxPool3d(v5(), 2, { returnIndices: true }))) }, call: (o) => fl.scope(() => F.adaptiveMaxPool3d(v5(), 2, o as any)) };
  TABLE['nn.AdaptiveMaxPool3d'] = { honoured: { returnIndices: sc(() => idx3(new nn.AdaptiveMaxPool3d(2, { returnIndices: true }).forward(v5()))) }, call: (o) => new nn.AdaptiveMaxPool3d(2, o as any) };
  // dropout3d of ones [1, 2, 1, 1, 3]: p = 1 in training zeroes; training false is the identity (the default is true)
  const o5 = () => fl.ones([1, 2, 1, 1, 3], { dtype: 'float64' });
  TABLE['F.dropout3d'] = {
    honoured: {
      p: sc(() => expect(vals(F.dropout3d(o5(), { p: 1, training: true })).every((v) => v === 0)).toBe(true)),
      training: sc(() => { expect(vals(F.dropout3d(o5(), { p: 1, training: false }))).toEqual([1, 1, 1, 1, 1, 1]); expect(vals(F.dropout3d(o5(), { p: 1 })).every((v) => v === 0)).toBe(true); }),
    },
    call: (o) => fl.scope(() => F.dropout3d(o5(), o as any)),
  };
  TABLE['nn.Dropout3d'] = { honoured: { p: sc(() => expect(vals(new nn.Dropout3d({ p: 1 }).forward(o5())).every((v) => v === 0)).toBe(true)) }, call: (o) => new nn.Dropout3d(o as any) };
  // batch norm of [2, 1, 1, 1, 1] = [1, -1] (eps 1: ±1/√2), instance norm of [1, 1, 1, 1, 2] = [0, 2]
  const bn5 = (v: number[]) => t64(v.map((a) => [[[[a]]]]));
  TABLE['nn.BatchNorm3d'] = {
    honoured: {
      ...factoryOf((o) => new nn.BatchNorm3d(1, o)),
      eps: sc(() => near(vals(new (nn.BatchNorm3d as any)(1, 1, { dtype: 'float64' }).forward(bn5([1, -1]))), [Math.SQRT1_2, -Math.SQRT1_2], 'BatchNorm3d eps')),
      momentum: sc(() => { const m = new (nn.BatchNorm3d as any)(1, 1e-5, 1, { dtype: 'float64' }); m.forward(bn5([1, 3])); near(vals(m.runningMean), [2], 'BatchNorm3d momentum 1'); }),
      affine: sc(() => expect(new nn.BatchNorm3d(1, { affine: false }).parameters().length).toBe(0)),
      trackRunningStats: sc(() => expect(new nn.BatchNorm3d(1, { trackRunningStats: false }).runningMean).toBeNull()),
    },
    call: (o) => fl.scope(() => new nn.BatchNorm3d(1, o as any)),
  };
  const in5 = () => t64([[[[[0, 2]]]]]);
  const inorm3 = (o: Record<string, unknown>) => new nn.InstanceNorm3d(1, o);
  TABLE['nn.InstanceNorm3d'] = {
    honoured: {
      ...factoryOf((o) => inorm3({ affine: true, ...o })),
      eps: sc(() => near(vals(inorm3({ eps: 3 }).forward(in5())), [-0.5, 0.5], 'InstanceNorm3d eps')),
      momentum: sc(() => { const m = inorm3({ momentum: 0.5, trackRunningStats: true, dtype: 'float64' }); m.forward(in5()); near(vals(m.runningMean!), [0.5], 'InstanceNorm3d momentum'); }),
      affine: sc(() => expect(inorm3({ affine: true }).parameters().length).toBe(2)),
      trackRunningStats: sc(() => expect(Object.keys(inorm3({ trackRunningStats: true }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked'])),
    },
    call: (o) => fl.scope(() => new nn.InstanceNorm3d(1, o as any)),
  };
  for (const k of ['ZeroPad3d', 'ReflectionPad3d', 'ReplicationPad3d'] as const) TABLE[`nn.${k}`] = { honoured: {}, call: (o) => new (nn[k] as any)(1, o) };
  TABLE['nn.ConstantPad3d'] = { honoured: {}, call: (o) => new (nn.ConstantPad3d as any)(1, 0, o) };
}

// ---- lib/ops/pointwise.ts: torch's pointwise math and small reductions with keyword options
{
  const v3 = () => t64([1, 2, 3]);
  TABLE['fl.addcmul'] = {
    honoured: { value: sc(() => near(vals(fl.addcmul(v3(), v3(), v3(), { value: 0.5 })), [1.5, 4, 7.5], 'addcmul value')) },
    call: (o) => fl.scope(() => fl.addcmul(v3(), v3(), v3(), o as any)),
  };
  TABLE['fl.addcdiv'] = {
    honoured: { value: sc(() => near(vals(fl.addcdiv(v3(), v3(), t64([2, 2, 2]), { value: -2 })), [0, 0, 0], 'addcdiv value')) },
    call: (o) => fl.scope(() => fl.addcdiv(v3(), v3(), v3(), o as any)),
  };
  const special = () => t64([NaN, Infinity, -Infinity]);
  TABLE['fl.nanToNum'] = {
    honoured: {
      nan: sc(() => expect(vals(fl.nanToNum(special(), { nan: 7 }))[0]).toBe(7)),
      posinf: sc(() => expect(vals(fl.nanToNum(special(), { posinf: 8 }))[1]).toBe(8)),
      neginf: sc(() => expect(vals(fl.nanToNum(special(), 0, null, -8))[2]).toBe(-8)),
    },
    call: (o) => fl.scope(() => fl.nanToNum(special(), o as any)),
  };
  const m23 = () => t64([[1, 2, 3], [4, 5, 6]]), c1 = () => t64([1, 10]);
  const mats: [string, (o: object) => fl.Tensor, number[]][] = [
    // name, call, and the results for beta 0.5 / alpha 2
    ['addmm', (o) => fl.addmm(t64([[1, 10]]), m23(), t64([[1, 0], [0, 1], [1, 1]]), o), [8.5, 15, 20.5, 27]],
    ['addmv', (o) => fl.addmv(c1(), m23(), v3(), o), [28.5, 69]],
    ['addbmm', (o) => fl.addbmm(c1(), m23().unsqueeze(0), t64([[1, 0], [0, 1], [1, 1]]).unsqueeze(0), o), [8.5, 15, 20.5, 27]],
    ['baddbmm', (o) => fl.baddbmm(c1(), m23().unsqueeze(0), t64([[1, 0], [0, 1], [1, 1]]).unsqueeze(0), o), [8.5, 15, 20.5, 27]],
    ['addr', (o) => fl.addr(t64([[1, 10]]), c1(), t64([1, 2]), o), [2.5, 9, 20.5, 45]],
  ];
  for (const [name, call, both] of mats) {
    TABLE[`fl.${name}`] = {
      honoured: {
        beta: sc(() => { const r = vals(call({ beta: 0.5, alpha: 2 })), a2 = vals(call({ alpha: 2 })); expect(differs(r, a2)).toBe(true); near(r, both, `${name} beta`); }),
        alpha: sc(() => expect(differs(vals(call({ alpha: 2 })), vals(call({})))).toBe(true)),
      },
      call: (o) => fl.scope(() => call(o)),
    };
  }
  const withNan = () => t64([[1, NaN], [3, 4]]);
  for (const name of ['nansum', 'nanmean'] as const) {
    TABLE[`fl.${name}`] = {
      honoured: {
        dim: sc(() => near(vals(fl[name](withNan(), { dim: 0 })), name === 'nansum' ? [4, 4] : [2, 4], `${name} dim`)),
        keepdim: sc(() => expect(fl[name](withNan(), 1, { keepdim: true }).shape).toEqual([2, 1])),
        dtype: sc(() => expect(fl[name](withNan().float(), { dtype: 'float64' }).dtype).toBe('float64')),
      },
      call: (o) => fl.scope(() => fl[name](withNan(), o as any)),
    };
  }
  TABLE['fl.aminmax'] = {
    honoured: {
      dim: sc(() => { const r = fl.aminmax(m23(), { dim: 1 }); near([...vals(r.min), ...vals(r.max)], [1, 4, 3, 6], 'aminmax dim'); }),
      keepdim: sc(() => expect(fl.aminmax(m23(), { dim: 0, keepdim: true }).max.shape).toEqual([1, 3])),
    },
    call: (o) => fl.scope(() => fl.aminmax(m23(), o as any)),
  };
  for (const name of ['isclose', 'allclose'] as const) {
    const f = (o: object, a = t64([1, NaN]), b = t64([1.5, NaN])): boolean[] => {
      const r = (fl[name] as (...x: unknown[]) => fl.Tensor | boolean)(a, b, o);
      return typeof r === 'boolean' ? [r] : Array.from(r.dataSync() as Uint8Array, (x) => !!x);
    };
    TABLE[`fl.${name}`] = {
      honoured: {
        rtol: sc(() => expect(f({ rtol: 0.5, equalNan: true })).not.toEqual(f({ equalNan: true }))),
        atol: sc(() => expect(f({ atol: 0.6, equalNan: true })).not.toEqual(f({ equalNan: true }))),
        equalNan: sc(() => expect(f({ equalNan: true }, t64([NaN]), t64([NaN]))).toEqual([true])),
      },
      call: (o) => fl.scope(() => f(o)),
    };
  }
  const obs = () => t64([[1, 2, 4], [3, 1, 0]]);
  TABLE['fl.cov'] = {
    honoured: {  // torch.cov(x, correction=0) [[2.0/9*7...]]: checked against torch in test/pointwise.test.ts; here: each changes the result
      correction: sc(() => near(vals(fl.cov(obs(), { correction: 0 })), [14 / 9, -13 / 9, -13 / 9, 14 / 9], 'cov correction')),
      fweights: sc(() => expect(differs(vals(fl.cov(obs(), { fweights: fl.tensor([1, 2, 1], { dtype: 'int32' }) })), vals(fl.cov(obs())))).toBe(true)),
      aweights: sc(() => expect(differs(vals(fl.cov(obs(), { aweights: t64([1, 2, 1]) })), vals(fl.cov(obs())))).toBe(true)),
    },
    call: (o) => fl.scope(() => fl.cov(obs(), o as any)),
  };
  const q = () => t64([[1, 2, 3, 4], [5, 6, 7, NaN]]);
  for (const name of ['quantile', 'nanquantile'] as const) {
    TABLE[`fl.${name}`] = {
      honoured: {
        dim: sc(() => near(vals(fl[name](q(), 0.5, { dim: 0 })).slice(0, 3), [3, 4, 5], `${name} dim`)),
        keepdim: sc(() => expect(fl[name](q(), 0.5, 1, { keepdim: true }).shape).toEqual([2, 1])),
        interpolation: sc(() => near(vals(fl[name](q(), 0.5, 1, { interpolation: 'lower' })).slice(0, 1), [2], `${name} interpolation`)),
      },
      call: (o) => fl.scope(() => fl[name](q(), 0.5, o as any)),
    };
  }
}

// ---- activations (lib/nn/activation.ts): the functions and modules
{
  const xs = () => t64([-2, -0.5, 0.5, 3]);
  /** inplace: the result is written into the input (no gradient recorded for it). */
  const inplaceCheck = (f: (x: fl.Tensor, o: Record<string, unknown>) => unknown) => sc(() => {
    const x = t64([-2, 8]);
    expect(f(x, { inplace: true })).toBe(x);
    expect(vals(x)).not.toEqual([-2, 8]);
    const y = t64([-2, 8]);
    f(y, {});
    expect(vals(y)).toEqual([-2, 8]);
  });
  const ELU_AT = (a: number) => [a * Math.expm1(-2), a * Math.expm1(-0.5), 0.5, 3];
  TABLE['F.elu'] = { honoured: { alpha: sc(() => near(vals(F.elu(xs(), 2)), ELU_AT(2), 'elu alpha')), inplace: inplaceCheck((x, o) => F.elu(x, o)) }, call: (o) => fl.scope(() => F.elu(xs(), o as any)) };
  TABLE['nn.ELU'] = { honoured: { alpha: sc(() => near(vals(new nn.ELU(2).forward(xs())), ELU_AT(2), 'ELU alpha')), inplace: inplaceCheck((x, o) => new nn.ELU(o as any).forward(x)) }, call: (o) => new nn.ELU(o as any) };
  TABLE['F.selu'] = { honoured: { inplace: inplaceCheck((x, o) => F.selu(x, o)) }, call: (o) => fl.scope(() => F.selu(xs(), o as any)) };
  TABLE['nn.SELU'] = { honoured: { inplace: inplaceCheck((x, o) => new nn.SELU(o as any).forward(x)) }, call: (o) => new nn.SELU(o as any) };
  const CELU_AT = (a: number) => [a * Math.expm1(-2 / a), a * Math.expm1(-0.5 / a), 0.5, 3];
  TABLE['F.celu'] = { honoured: { alpha: sc(() => near(vals(F.celu(xs(), 2)), CELU_AT(2), 'celu alpha')), inplace: inplaceCheck((x, o) => F.celu(x, o)) }, call: (o) => fl.scope(() => F.celu(xs(), o as any)) };
  TABLE['nn.CELU'] = { honoured: { alpha: sc(() => near(vals(new nn.CELU(2).forward(xs())), CELU_AT(2), 'CELU alpha')), inplace: inplaceCheck((x, o) => new nn.CELU(o as any).forward(x)) }, call: (o) => new nn.CELU(o as any) };
  TABLE['F.mish'] = { honoured: { inplace: inplaceCheck((x, o) => F.mish(x, o)) }, call: (o) => fl.scope(() => F.mish(xs(), o as any)) };
  TABLE['nn.Mish'] = { honoured: { inplace: inplaceCheck((x, o) => new nn.Mish(o as any).forward(x)) }, call: (o) => new nn.Mish(o as any) };
  TABLE['F.hardtanh'] = {
    honoured: {
      minVal: sc(() => expect(vals(F.hardtanh(xs(), { minVal: -0.25 }))).toEqual([-0.25, -0.25, 0.5, 1])),
      maxVal: sc(() => expect(vals(F.hardtanh(xs(), -1, 2))).toEqual([-1, -0.5, 0.5, 2])),
      inplace: inplaceCheck((x, o) => F.hardtanh(x, o)),
    },
    call: (o) => fl.scope(() => F.hardtanh(xs(), o as any)),
  };
  TABLE['nn.Hardtanh'] = {
    honoured: {
      minVal: sc(() => expect(vals(new nn.Hardtanh({ minVal: -0.25 }).forward(xs()))).toEqual([-0.25, -0.25, 0.5, 1])),
      maxVal: sc(() => expect(vals(new nn.Hardtanh(-1, 2).forward(xs()))).toEqual([-1, -0.5, 0.5, 2])),
      inplace: inplaceCheck((x, o) => new nn.Hardtanh(o as any).forward(x)),
    },
    call: (o) => new nn.Hardtanh(o as any),
  };
  TABLE['F.relu6'] = { honoured: { inplace: inplaceCheck((x, o) => F.relu6(x, o)) }, call: (o) => fl.scope(() => F.relu6(xs(), o as any)) };
  TABLE['nn.ReLU6'] = { honoured: { inplace: inplaceCheck((x, o) => new nn.ReLU6(o as any).forward(x)) }, call: (o) => new nn.ReLU6(o as any) };
  TABLE['F.hardsigmoid'] = { honoured: { inplace: inplaceCheck((x, o) => F.hardsigmoid(x, o)) }, call: (o) => fl.scope(() => F.hardsigmoid(xs(), o as any)) };
  TABLE['nn.Hardsigmoid'] = { honoured: { inplace: inplaceCheck((x, o) => new nn.Hardsigmoid(o as any).forward(x)) }, call: (o) => new nn.Hardsigmoid(o as any) };
  for (const name of ['logsigmoid', 'softsign', 'tanhshrink'] as const) TABLE[`F.${name}`] = { honoured: {}, call: (o) => fl.scope(() => (F[name] as any)(xs(), o)) };
  for (const name of ['LogSigmoid', 'Softsign', 'Tanhshrink', 'Softmax2d'] as const) TABLE[`nn.${name}`] = { honoured: {}, call: (o) => new (nn[name] as any)(o) };
  TABLE['F.prelu'] = { honoured: {}, call: (o) => fl.scope(() => (F.prelu as any)(xs(), t64([0.5]), o)) };
  const g4 = () => t64([[1, 2, 3, 4]]);
  TABLE['F.glu'] = { honoured: { dim: sc(() => expect(F.glu(g4(), 1).shape).toEqual([1, 2])) }, call: (o) => fl.scope(() => F.glu(t64([1, 2]), o as any)) };
  TABLE['nn.GLU'] = { honoured: { dim: sc(() => expect(new nn.GLU(-1).forward(g4()).shape).toEqual([1, 2])) }, call: (o) => new nn.GLU(o as any) };
  TABLE['F.softmin'] = {
    honoured: { dtype: sc(() => expect(F.softmin(fl.tensor([1, 2], { dtype: 'int32' }), 0, { dtype: 'float64' }).dtype).toBe('float64')) },
    call: (o) => fl.scope(() => F.softmin(xs(), 0, o as any)),
  };
  TABLE['nn.Softmin'] = { honoured: { dim: sc(() => near(vals(new nn.Softmin(0).forward(t64([[0, 0], [0, Math.log(3)]])).sum(0)), [1, 1], 'Softmin dim')) }, call: (o) => new nn.Softmin(o as any) };
  for (const [name, Cls] of [['softshrink', nn.Softshrink], ['hardshrink', nn.Hardshrink]] as const) {
    const want = name === 'softshrink' ? [-1, 0, 0, 2] : [-2, 0, 0, 3];
    TABLE[`F.${name}`] = { honoured: { lambd: sc(() => expect(vals(F[name](xs(), 1))).toEqual(want)) }, call: (o) => fl.scope(() => F[name](xs(), o as any)) };
    TABLE[`nn.${Cls.name}`] = { honoured: { lambd: sc(() => expect(vals(new Cls(1).forward(xs()))).toEqual(want)) }, call: (o) => new Cls(o as any) };
  }
  TABLE['F.threshold'] = { honoured: { inplace: inplaceCheck((x, o) => F.threshold(x, 0, 5, o)) }, call: (o) => fl.scope(() => F.threshold(xs(), 0, 5, o as any)) };
  TABLE['nn.Threshold'] = { honoured: { inplace: inplaceCheck((x, o) => new nn.Threshold(0, 5, o as any).forward(x)) }, call: (o) => new nn.Threshold(0, 5, o as any) };
  TABLE['F.rrelu'] = {
    honoured: {
      lower: sc(() => near(vals(F.rrelu(t64([-2]), { lower: 0.25 })), [-2 * (0.25 + 1 / 3) / 2], 'rrelu lower')),
      upper: sc(() => near(vals(F.rrelu(t64([-2]), 0.125, 0.5)), [-0.625], 'rrelu upper')),
      training: sc(() => expect(new Set(vals(F.rrelu(fl.full([50], -1, { dtype: 'float64' }), { training: true }))).size).toBeGreaterThan(10)),
      inplace: inplaceCheck((x, o) => F.rrelu(x, o)),
    },
    call: (o) => fl.scope(() => F.rrelu(xs(), o as any)),
  };
  TABLE['nn.RReLU'] = {
    honoured: {
      lower: sc(() => near(vals(new nn.RReLU({ lower: 0.25 }).eval().forward(t64([-2]))), [-2 * (0.25 + 1 / 3) / 2], 'RReLU lower')),
      upper: sc(() => near(vals(new nn.RReLU(0.125, 0.5).eval().forward(t64([-2]))), [-0.625], 'RReLU upper')),
      inplace: inplaceCheck((x, o) => new nn.RReLU(o as any).eval().forward(x)),
    },
    call: (o) => new nn.RReLU(o as any),
  };
  TABLE['F.softplus'] = {
    honoured: {
      beta: sc(() => near(vals(F.softplus(t64([1]), 2)), [Math.log1p(Math.exp(2)) / 2], 'softplus beta')),
      threshold: sc(() => near(vals(F.softplus(t64([1]), { threshold: 0.5 })), [1], 'softplus threshold')),
    },
    call: (o) => fl.scope(() => F.softplus(xs(), o as any)),
  };
  TABLE['nn.Softplus'] = {
    honoured: {
      beta: sc(() => near(vals(new nn.Softplus(2).forward(t64([1]))), [Math.log1p(Math.exp(2)) / 2], 'Softplus beta')),
      threshold: sc(() => near(vals(new nn.Softplus({ threshold: 0.5 }).forward(t64([1]))), [1], 'Softplus threshold')),
    },
    call: (o) => new nn.Softplus(o as any),
  };
  TABLE['nn.PReLU'] = {
    honoured: {
      numParameters: sc(() => { const m = new nn.PReLU(3); expect(m.weight.shape).toEqual([3]); m.dispose(); }),
      init: sc(() => { const m = new nn.PReLU({ init: 0.5 }); expect(vals(m.weight)).toEqual([0.5]); m.dispose(); }),
      dtype: sc(() => { const m = new nn.PReLU({ dtype: 'float64' }); expect(m.weight.dtype).toBe('float64'); m.dispose(); }),
      device: sc(() => { const m = new nn.PReLU({ device: DEVICE }); expect(m.weight.device.split(':')[0]).toBe(DEVICE.split(':')[0]); m.dispose(); }),
    },
    call: (o) => new nn.PReLU(o as any),
  };
}

// ---- losses (lib/nn/loss-extra.ts): the functions and modules
{
  const x = () => t64([[0.5, -1, 2], [-0.25, 1.5, 0]]), y = () => t64([[1, -0.5, 0.25], [0.75, -1.25, 2]]), pm = () => t64([[1, -1, 1], [-1, -1, 1]]);
  const p = () => t64([[0.1, 0.6, 0.3], [0.2, 0.5, 0.3]]);
  const cls = () => fl.tensor([2, 0], { dtype: 'int32' });
  /** reduction: 'sum' is the sum of 'none'; a wrong one is refused. */
  const redCheck = (f: (o: Record<string, unknown>) => fl.Tensor) => sc(() => {
    near(vals(f({ reduction: 'sum' })), [vals(f({ reduction: 'none' })).reduce((a, b) => a + b, 0)], 'reduction sum');
    expect(() => f({ reduction: 'avg' })).toThrow(fl.ValueError);
  });
  /** an option changes the result (its behaviour is checked against torch in test/loss-extra.test.ts). */
  const changes = (f: (o: Record<string, unknown>) => fl.Tensor, o: Record<string, unknown>) => sc(() => expect(differs(vals(f(o)), vals(f({})))).toBe(true));
  const both = (fn: string, mod: string, f: (o: Record<string, unknown>) => fl.Tensor, m: (o: Record<string, unknown>) => fl.Tensor, make: (o: Record<string, unknown>) => unknown, opts: Record<string, Record<string, unknown>>, mopts = opts) => {
    TABLE[`F.${fn}`] = { honoured: { reduction: redCheck(f), ...Object.fromEntries(Object.entries(opts).map(([k, o]) => [k, changes(f, o)])) }, call: (o) => fl.scope(() => f(o)) };
    TABLE[`nn.${mod}`] = { honoured: { reduction: redCheck(m), ...Object.fromEntries(Object.entries(mopts).map(([k, o]) => [k, changes(m, o)])) }, call: (o) => make(o) };
  };
  both('klDiv', 'KLDivLoss', (o) => F.klDiv(x(), p(), o as any), (o) => new nn.KLDivLoss(o as any).forward(x(), p()), (o) => new nn.KLDivLoss(o as any), { logTarget: { logTarget: true } });
  TABLE['F.klDiv'].honoured.reduction = sc(() => {
    near(vals(F.klDiv(x(), p(), { reduction: 'batchmean' })), [vals(F.klDiv(x(), p(), { reduction: 'sum' }))[0] / 2], 'klDiv batchmean');
    expect(() => F.klDiv(x(), p(), { reduction: 'avg' as any })).toThrow(fl.ValueError);
  });
  both('marginRankingLoss', 'MarginRankingLoss', (o) => F.marginRankingLoss(x(), y(), pm(), o as any), (o) => new nn.MarginRankingLoss(o as any).forward(x(), y(), pm()),
    (o) => new nn.MarginRankingLoss(o as any), { margin: { margin: 2 } });
  both('cosineEmbeddingLoss', 'CosineEmbeddingLoss', (o) => F.cosineEmbeddingLoss(x(), y(), fl.tensor([1, -1], { dtype: 'int32' }), o as any),
    (o) => new nn.CosineEmbeddingLoss(o as any).forward(x(), y(), fl.tensor([1, -1], { dtype: 'int32' })), (o) => new nn.CosineEmbeddingLoss(o as any), { margin: { margin: -0.9 } });
  const z = () => t64([[0, 1, -1], [2, 0.5, 0.5]]);
  both('tripletMarginLoss', 'TripletMarginLoss', (o) => F.tripletMarginLoss(x(), y(), z(), o as any), (o) => new nn.TripletMarginLoss(o as any).forward(x(), y(), z()),
    (o) => new nn.TripletMarginLoss(o as any), { margin: { margin: 3 }, p: { p: 1 }, eps: { eps: 0.5 }, swap: { swap: true } });
  both('tripletMarginWithDistanceLoss', 'TripletMarginWithDistanceLoss', (o) => F.tripletMarginWithDistanceLoss(x(), y(), z(), o as any),
    (o) => new nn.TripletMarginWithDistanceLoss(o as any).forward(x(), y(), z()), (o) => new nn.TripletMarginWithDistanceLoss(o as any),
    { distanceFunction: { distanceFunction: (a: fl.Tensor, b: fl.Tensor) => fl.sub(a, b).abs().sum(1) }, margin: { margin: 3 }, swap: { swap: true } });
  both('poissonNllLoss', 'PoissonNLLLoss', (o) => F.poissonNllLoss(x().abs(), y().abs(), o as any), (o) => new nn.PoissonNLLLoss(o as any).forward(x().abs(), y().abs()),
    (o) => new nn.PoissonNLLLoss(o as any), { logInput: { logInput: false }, full: { full: true, logInput: true }, eps: { eps: 1, logInput: false } });
  both('gaussianNllLoss', 'GaussianNLLLoss', (o) => F.gaussianNllLoss(x(), y(), t64([[1e-9, 1, 2], [1, 1, 1]]), o as any),
    (o) => new nn.GaussianNLLLoss(o as any).forward(x(), y(), t64([[1e-9, 1, 2], [1, 1, 1]])), (o) => new nn.GaussianNLLLoss(o as any), { full: { full: true }, eps: { eps: 0.5 } });
  both('hingeEmbeddingLoss', 'HingeEmbeddingLoss', (o) => F.hingeEmbeddingLoss(x(), pm(), o as any), (o) => new nn.HingeEmbeddingLoss(o as any).forward(x(), pm()),
    (o) => new nn.HingeEmbeddingLoss(o as any), { margin: { margin: 3 } });
  both('softMarginLoss', 'SoftMarginLoss', (o) => F.softMarginLoss(x(), pm(), o as any), (o) => new nn.SoftMarginLoss(o as any).forward(x(), pm()), (o) => new nn.SoftMarginLoss(o as any), {});
  both('multilabelSoftMarginLoss', 'MultiLabelSoftMarginLoss', (o) => F.multilabelSoftMarginLoss(x(), pm().abs(), o as any),
    (o) => new nn.MultiLabelSoftMarginLoss(o as any).forward(x(), pm().abs()), (o) => new nn.MultiLabelSoftMarginLoss(o as any), { weight: { weight: t64([1, 2, 3]) } });
  both('multiMarginLoss', 'MultiMarginLoss', (o) => F.multiMarginLoss(x(), cls(), o as any), (o) => new nn.MultiMarginLoss(o as any).forward(x(), cls()),
    (o) => new nn.MultiMarginLoss(o as any), { p: { p: 2 }, margin: { margin: 3 }, weight: { weight: t64([2, 2, 3]) } });
  both('multilabelMarginLoss', 'MultiLabelMarginLoss', (o) => F.multilabelMarginLoss(x(), fl.tensor([[2, -1, 0], [1, 0, -1]], { dtype: 'int32' }), o as any),
    (o) => new nn.MultiLabelMarginLoss(o as any).forward(x(), fl.tensor([[2, -1, 0], [1, 0, -1]], { dtype: 'int32' })), (o) => new nn.MultiLabelMarginLoss(o as any), {});
  const lp = () => t64([[[0.1, -1, 2]], [[1, 0.5, -0.5]], [[0.3, 0.2, 0.1]]]).logSoftmax(-1);
  const tg = () => fl.tensor([[1, 1]], { dtype: 'int32' });
  both('ctcLoss', 'CTCLoss', (o) => F.ctcLoss(lp(), tg(), [3], [2], o as any), (o) => new nn.CTCLoss(o as any).forward(lp(), tg(), [3], [2]), (o) => new nn.CTCLoss(o as any),
    { blank: { blank: 2 }, zeroInfinity: { zeroInfinity: true } });
  // zeroInfinity changes only an infinite loss: two labels 1, 1 need 3 frames, 2 are given
  const inf = (o: Record<string, unknown>) => F.ctcLoss(lp().narrow(0, 0, 2), tg(), [2], [2], o as any);
  TABLE['F.ctcLoss'].honoured.zeroInfinity = sc(() => { expect(vals(inf({}))).toEqual([Infinity]); expect(vals(inf({ zeroInfinity: true }))).toEqual([0]); });
  TABLE['nn.CTCLoss'].honoured.zeroInfinity = sc(() => expect(vals(new nn.CTCLoss({ zeroInfinity: true }).forward(lp().narrow(0, 0, 2), tg(), [2], [2]))).toEqual([0]));
}

// ---- shuffles, unfold/fold (lib/nn/shuffle.ts) and the extra layers (lib/nn/extra-layers.ts)
{
  const x4 = () => fl.arange(16, { dtype: 'float64' }).reshape([1, 4, 2, 2]);
  TABLE['F.pixelShuffle'] = { honoured: {}, call: (o) => fl.scope(() => (F.pixelShuffle as any)(x4(), 2, o)) };
  TABLE['F.pixelUnshuffle'] = { honoured: {}, call: (o) => fl.scope(() => (F.pixelUnshuffle as any)(x4(), 2, o)) };
  TABLE['F.channelShuffle'] = { honoured: {}, call: (o) => fl.scope(() => (F.channelShuffle as any)(x4(), 2, o)) };
  TABLE['nn.PixelShuffle'] = { honoured: {}, call: (o) => new (nn.PixelShuffle as any)(2, o) };
  TABLE['nn.PixelUnshuffle'] = { honoured: {}, call: (o) => new (nn.PixelUnshuffle as any)(2, o) };
  TABLE['nn.ChannelShuffle'] = { honoured: {}, call: (o) => new (nn.ChannelShuffle as any)(2, o) };
  TABLE['nn.Unflatten'] = { honoured: {}, call: (o) => new (nn.Unflatten as any)(1, [2, 2], o) };
  // unfold of ones [1, 2, 5, 5] with kernel 2: L = 16; each option changes L (or the values)
  const blockOpts = (f: (o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    dilation: sc(() => expect(f({ dilation: 2 }).shape[2]).toBe(9)),
    padding: sc(() => expect(f({ padding: 1 }).shape[2]).toBe(36)),
    stride: sc(() => expect(f({ stride: 2 }).shape[2]).toBe(4)),
  });
  TABLE['F.unfold'] = { honoured: blockOpts((o) => F.unfold(x55(), 2, o)), call: (o) => fl.scope(() => F.unfold(x55(), 2, o as any)) };
  TABLE['nn.Unfold'] = { honoured: blockOpts((o) => new nn.Unfold(2, o).forward(x55())), call: (o) => new nn.Unfold(2, o as any) };
  // fold of ones [1, 8, L] into 5x5 with kernel 2: the overlap count at (0, 0) and the blocks it needs
  const foldOpts = (f: (L: number, o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    dilation: sc(() => expect(vals(f(9, { dilation: 2 }))[0]).toBe(1)),
    padding: sc(() => expect(vals(f(36, { padding: 1 }))[0]).toBe(4)),
    stride: sc(() => expect(vals(f(4, { stride: 2 }))[1]).toBe(1)),
  });
  const cols = (L: number) => fl.ones([1, 8, L], { dtype: 'float64' });
  TABLE['F.fold'] = { honoured: foldOpts((L, o) => F.fold(cols(L), 5, 2, o)), call: (o) => fl.scope(() => F.fold(cols(16), 5, 2, o as any)) };
  TABLE['nn.Fold'] = { honoured: foldOpts((L, o) => new nn.Fold(5, 2, o).forward(cols(L))), call: (o) => new nn.Fold(5, 2, o as any) };

  // instance norm of [1, 1, 2] = [0, 2]: mean 1, biased variance 1
  const xi = () => t64([[[0, 2]]]);
  TABLE['F.instanceNorm'] = {
    honoured: {
      runningMean: sc(() => { const rm = t64([0]); F.instanceNorm(xi(), { runningMean: rm }); near(vals(rm), [0.1], 'instanceNorm runningMean'); }),
      runningVar: sc(() => { const rv = t64([1]); F.instanceNorm(xi(), { runningVar: rv }); near(vals(rv), [0.9 + 0.1 * 2], 'instanceNorm runningVar'); }),
      weight: sc(() => near(vals(F.instanceNorm(xi(), { weight: t64([2]) })), [-2, 2], 'instanceNorm weight', 1e-4)),
      bias: sc(() => near(vals(F.instanceNorm(xi(), { bias: t64([1]) })), [0, 2], 'instanceNorm bias', 1e-4)),
      useInputStats: sc(() => near(vals(F.instanceNorm(xi(), t64([1]), t64([1]), { useInputStats: false, eps: 0 })), [-1, 1], 'instanceNorm useInputStats')),
      momentum: sc(() => { const rm = t64([0]); F.instanceNorm(xi(), { runningMean: rm, momentum: 0.5 }); near(vals(rm), [0.5], 'instanceNorm momentum'); }),
      eps: sc(() => near(vals(F.instanceNorm(xi(), { eps: 3 })), [-0.5, 0.5], 'instanceNorm eps')),
    },
    call: (o) => fl.scope(() => F.instanceNorm(xi(), o as any)),
  };
  const inorm = (make: (o: Record<string, unknown>) => fl.nn.Module, x: () => fl.Tensor): Record<string, () => void> => ({
    ...factoryOf((o) => make({ affine: true, ...o })),
    eps: sc(() => near(vals((make({ eps: 3 }) as any).forward(x())).slice(0, 2), [-0.5, 0.5], 'InstanceNorm eps')),
    momentum: sc(() => { const m = make({ momentum: 0.5, trackRunningStats: true, dtype: 'float64' }) as any; m.forward(x()); near(vals(m.runningMean), [0.5], 'InstanceNorm momentum'); }),
    affine: sc(() => expect(make({ affine: true }).parameters().length).toBe(2)),
    trackRunningStats: sc(() => expect(Object.keys(make({ trackRunningStats: true }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked'])),
  });
  TABLE['nn.InstanceNorm1d'] = { honoured: inorm((o) => new nn.InstanceNorm1d(1, o), xi), call: (o) => fl.scope(() => new nn.InstanceNorm1d(1, o as any)) };
  TABLE['nn.InstanceNorm2d'] = { honoured: inorm((o) => new nn.InstanceNorm2d(1, o), () => t64([[[[0, 2]]]])), call: (o) => fl.scope(() => new nn.InstanceNorm2d(1, o as any)) };
  // local response norm of [1, 1, 1] = [2] with size 1: 2 / (k + alpha·4)^beta
  const lrn = (f: (o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    alpha: sc(() => near(vals(f({ alpha: 1, beta: 1, k: 0 })), [0.5], 'LRN alpha')),
    beta: sc(() => near(vals(f({ alpha: 0.75, beta: 2, k: 1 })), [2 / 16], 'LRN beta')),
    k: sc(() => near(vals(f({ alpha: 0, beta: 1, k: 4 })), [0.5], 'LRN k')),
  });
  const x111 = () => t64([[[2]]]);
  TABLE['F.localResponseNorm'] = { honoured: lrn((o) => F.localResponseNorm(x111(), 1, o)), call: (o) => fl.scope(() => F.localResponseNorm(x111(), 1, o as any)) };
  TABLE['nn.LocalResponseNorm'] = { honoured: lrn((o) => new nn.LocalResponseNorm(1, o).forward(x111())), call: (o) => new nn.LocalResponseNorm(1, o as any) };
  for (const k of ['ZeroPad2d', 'ReflectionPad1d', 'ReflectionPad2d', 'ReplicationPad1d', 'ReplicationPad2d'] as const) {
    TABLE[`nn.${k}`] = { honoured: {}, call: (o) => new (nn[k] as any)(1, o) };
  }
  for (const k of ['ConstantPad1d', 'ConstantPad2d'] as const) TABLE[`nn.${k}`] = { honoured: {}, call: (o) => new (nn[k] as any)(1, 0, o) };
  // dropouts: p = 1 in training zeroes (alpha: zeroes too, as torch's p == 1 case); training false is the identity
  const o3 = () => fl.ones([1, 2, 3], { dtype: 'float64' });
  const drop = (f: (o: Record<string, unknown>) => fl.Tensor, trainingDefault: boolean): Record<string, () => void> => ({
    p: sc(() => expect(vals(f({ p: 1, training: true })).every((v) => v === 0)).toBe(true)),
    training: sc(() => { expect(vals(f({ p: 1, training: false }))).toEqual([1, 1, 1, 1, 1, 1]); expect(vals(f({ p: 1 })).every((v) => v === (trainingDefault ? 0 : 1))).toBe(true); }),
  });
  for (const [k, dflt] of [['dropout1d', true], ['dropout2d', true], ['alphaDropout', false], ['featureAlphaDropout', false]] as const) {
    TABLE[`F.${k}`] = { honoured: drop((o) => (F[k] as any)(o3(), o), dflt), call: (o) => fl.scope(() => (F[k] as any)(o3(), o)) };
  }
  for (const k of ['Dropout1d', 'Dropout2d', 'AlphaDropout', 'FeatureAlphaDropout'] as const) {
    TABLE[`nn.${k}`] = { honoured: { p: sc(() => { const m = new (nn[k] as any)({ p: 1 }); expect(vals(m.forward(o3())).every((v: number) => v === 0)).toBe(true); }) }, call: (o) => new (nn[k] as any)(o) };
  }
  const b1 = () => t64([[1, 2]]), b2 = () => t64([[3]]), bw = () => t64([[[1], [1]]]);
  TABLE['F.bilinear'] = { honoured: { bias: sc(() => near(vals(F.bilinear(b1(), b2(), bw(), t64([1]))), [10], 'bilinear bias')) }, call: (o) => fl.scope(() => (F.bilinear as any)(b1(), b2(), bw(), null, o)) };
  TABLE['nn.Bilinear'] = {
    honoured: { ...factoryOf((o) => new nn.Bilinear(2, 1, 1, o)), bias: sc(() => expect(new nn.Bilinear(2, 1, 1, { bias: false }).bias).toBeNull()) },
    call: (o) => fl.scope(() => new nn.Bilinear(2, 1, 1, o as any)),
  };
  const xc = () => fl.ones([1, 2, 3], { dtype: 'float64' }), wc = () => fl.ones([2, 2, 2], { dtype: 'float64' });
  const len = (t: fl.Tensor) => t.shape[2];
  TABLE['F.convTranspose1d'] = {
    honoured: {
      bias: sc(() => expect(vals(F.convTranspose1d(xc(), wc(), t64([1, 2])))[0]).toBe(3)),
      stride: sc(() => expect(len(F.convTranspose1d(xc(), wc(), null, { stride: 2 }))).toBe(6)),
      padding: sc(() => expect(len(F.convTranspose1d(xc(), wc(), null, { padding: 1 }))).toBe(2)),
      outputPadding: sc(() => expect(len(F.convTranspose1d(xc(), wc(), null, { stride: 2, outputPadding: 1 }))).toBe(7)),
      groups: sc(() => expect(F.convTranspose1d(xc(), wc(), null, { groups: 2 }).shape[1]).toBe(4)),
      dilation: sc(() => expect(len(F.convTranspose1d(xc(), wc(), null, { dilation: 2 }))).toBe(5)),
    },
    call: (o) => fl.scope(() => F.convTranspose1d(xc(), wc(), null, o as any)),
  };
  const ct1 = (o: Record<string, unknown>) => new nn.ConvTranspose1d(2, 2, 2, { dtype: 'float64', ...o });
  TABLE['nn.ConvTranspose1d'] = {
    honoured: {
      ...factoryOf((o) => new nn.ConvTranspose1d(2, 2, 2, o)),
      stride: sc(() => expect(len(ct1({ stride: 2 }).forward(xc()))).toBe(6)),
      padding: sc(() => expect(len(ct1({ padding: 1 }).forward(xc()))).toBe(2)),
      outputPadding: sc(() => expect(len(ct1({ stride: 2, outputPadding: 1 }).forward(xc()))).toBe(7)),
      groups: sc(() => expect(ct1({ groups: 2 }).weight.shape[1]).toBe(1)),
      bias: sc(() => expect(ct1({ bias: false }).parameters().length).toBe(1)),
      dilation: sc(() => expect(len(ct1({ dilation: 2 }).forward(xc()))).toBe(5)),
      paddingMode: sc(() => expect(() => ct1({ paddingMode: 'circular' })).toThrow(/paddingMode 'circular' is not supported/)),
    },
    call: (o) => fl.scope(() => new nn.ConvTranspose1d(2, 2, 2, o as any)),
  };
  // embedding bag of rows [0], [1], [2] of [[1], [2], [4]]
  const table = () => t64([[1], [2], [4]]);
  const idx = () => fl.tensor([0, 1, 2], { dtype: 'int32' });
  const offs = () => fl.tensor([0, 2], { dtype: 'int32' });
  TABLE['F.embeddingBag'] = {
    honoured: {
      offsets: sc(() => expect(vals(F.embeddingBag(idx(), table(), { offsets: offs() }))).toEqual([1.5, 4])),
      maxNorm: sc(() => expect(() => F.embeddingBag(idx(), table(), { offsets: offs(), maxNorm: 1 })).toThrow(/maxNorm is not supported/)),
      normType: sc(() => expect(vals(F.embeddingBag(idx(), table(), { offsets: offs(), normType: 1 }))).toEqual([1.5, 4])),  // used by maxNorm only
      scaleGradByFreq: sc(() => expect(() => F.embeddingBag(idx(), table(), { offsets: offs(), scaleGradByFreq: true })).toThrow(/scaleGradByFreq is not supported/)),
      mode: sc(() => expect(vals(F.embeddingBag(idx(), table(), { offsets: offs(), mode: 'max' }))).toEqual([2, 4])),
      sparse: sc(() => expect(() => F.embeddingBag(idx(), table(), { offsets: offs(), sparse: true })).toThrow(/sparse gradients are not supported/)),
      perSampleWeights: sc(() => expect(vals(F.embeddingBag(idx(), table(), { offsets: offs(), mode: 'sum', perSampleWeights: t64([1, 2, 3]) }))).toEqual([5, 12])),
      includeLastOffset: sc(() => expect(vals(F.embeddingBag(idx(), table(), { offsets: offs(), includeLastOffset: true }))).toEqual([1.5])),
      paddingIdx: sc(() => expect(vals(F.embeddingBag(idx(), table(), { offsets: offs(), paddingIdx: 1 }))).toEqual([1, 4])),
    },
    call: (o) => fl.scope(() => F.embeddingBag(idx(), table(), { offsets: offs(), ...o } as any)),
  };
  const eb = (o: Record<string, unknown>) => new nn.EmbeddingBag(3, 1, { dtype: 'float64', ...o });
  TABLE['nn.EmbeddingBag'] = {
    honoured: {
      ...factoryOf((o) => new nn.EmbeddingBag(3, 1, o)),
      maxNorm: sc(() => expect(() => eb({ maxNorm: 1 })).toThrow(/maxNorm is not supported/)),
      normType: sc(() => expect(String(eb({ normType: 1 }))).toBe('EmbeddingBag(3, 1, norm_type=1, mode=mean)')),
      scaleGradByFreq: sc(() => expect(() => eb({ scaleGradByFreq: true })).toThrow(/scaleGradByFreq is not supported/)),
      mode: sc(() => expect(vals(eb({ mode: 'max', _weight: table() }).forward(idx(), offs()))).toEqual([2, 4])),
      sparse: sc(() => expect(() => eb({ sparse: true })).toThrow(/sparse gradients are not supported/)),
      _weight: sc(() => expect(vals(eb({ _weight: table() }).weight)).toEqual([1, 2, 4])),
      includeLastOffset: sc(() => expect(vals(eb({ includeLastOffset: true, _weight: table() }).forward(idx(), offs()))).toEqual([1.5])),
      paddingIdx: sc(() => { const m = eb({ paddingIdx: 1 }); expect(vals(m.weight)[1]).toBe(0); expect(m.paddingIdx).toBe(1); }),
    },
    call: (o) => fl.scope(() => new nn.EmbeddingBag(3, 1, o as any)),
  };
  const pre = (o: Record<string, unknown>) => nn.EmbeddingBag.fromPretrained(table(), o);
  TABLE['nn.EmbeddingBag.fromPretrained'] = {
    honoured: {
      freeze: sc(() => { expect(pre({}).weight.requiresGrad).toBe(false); expect(pre({ freeze: false }).weight.requiresGrad).toBe(true); }),
      maxNorm: sc(() => expect(() => pre({ maxNorm: 1 })).toThrow(/maxNorm is not supported/)),
      normType: sc(() => expect(String(pre({ normType: 1 }))).toBe('EmbeddingBag(3, 1, norm_type=1, mode=mean)')),
      scaleGradByFreq: sc(() => expect(() => pre({ scaleGradByFreq: true })).toThrow(/scaleGradByFreq is not supported/)),
      mode: sc(() => expect(vals(pre({ mode: 'max' }).forward(idx(), offs()))).toEqual([2, 4])),
      sparse: sc(() => expect(() => pre({ sparse: true })).toThrow(/sparse gradients are not supported/)),
      includeLastOffset: sc(() => expect(vals(pre({ includeLastOffset: true }).forward(idx(), offs()))).toEqual([1.5])),
      paddingIdx: sc(() => expect(vals(pre({ paddingIdx: 1 }).forward(idx(), offs()))).toEqual([1, 4])),
    },
    call: (o) => fl.scope(() => nn.EmbeddingBag.fromPretrained(table(), o as any)),
  };
}

// ---- torch.linalg's solvers and factorizations (lib/ops/linalg.ts)
{
  const A = () => t64([[2, 1], [1, 3]]), B = () => t64([[1], [2]]);
  const sing = () => t64([[1, 2], [2, 4]]);
  const lin = fl.linalg;
  TABLE['linalg.solve'] = {
    sig: 'linalg.solve',
    honoured: { left: sc(() => near(vals(lin.solve(A(), t64([[1, 2]]), { left: false })), [0.2, 0.6], 'solve left')) },  // X A = B
    call: (o) => fl.scope(() => lin.solve(A(), B(), o as any)),
  };
  TABLE['linalg.solveEx'] = {
    sig: 'linalg.solveEx',
    honoured: {
      left: sc(() => near(vals(lin.solveEx(A(), t64([[1, 2]]), { left: false })[0]), [0.2, 0.6], 'solveEx left')),
      checkErrors: sc(() => { expect(Array.from(lin.solveEx(sing(), B()).info.dataSync())).toEqual([2]); expect(() => lin.solveEx(sing(), B(), { checkErrors: true })).toThrow(fl.LinAlgError); }),
    },
    call: (o) => fl.scope(() => lin.solveEx(A(), B(), o as any)),
  };
  TABLE['linalg.inv'] = { sig: 'linalg.inv', honoured: {}, call: (o) => fl.scope(() => (lin.inv as any)(A(), o)) };
  TABLE['linalg.invEx'] = {
    sig: 'linalg.invEx',
    honoured: { checkErrors: sc(() => { expect(Array.from(lin.invEx(sing()).info.dataSync())).toEqual([2]); expect(() => lin.invEx(sing(), { checkErrors: true })).toThrow(fl.LinAlgError); }) },
    call: (o) => fl.scope(() => lin.invEx(A(), o as any)),
  };
  TABLE['linalg.det'] = { sig: 'linalg.det', honoured: {}, call: (o) => fl.scope(() => (lin.det as any)(A(), o)) };
  TABLE['linalg.slogdet'] = { sig: 'linalg.slogdet', honoured: {}, call: (o) => fl.scope(() => (lin.slogdet as any)(A(), o)) };
  TABLE['linalg.cholesky'] = {
    sig: 'linalg.cholesky',
    honoured: { upper: sc(() => near(vals(lin.cholesky(t64([[4, 2], [2, 2]]), { upper: true })), [2, 1, 0, 1], 'cholesky upper')) },
    call: (o) => fl.scope(() => lin.cholesky(A(), o as any)),
  };
  TABLE['linalg.choleskyEx'] = {
    sig: 'linalg.choleskyEx',
    honoured: {
      upper: sc(() => near(vals(lin.choleskyEx(t64([[4, 2], [2, 2]]), { upper: true })[0]), [2, 1, 0, 1], 'choleskyEx upper')),
      checkErrors: sc(() => { expect(Array.from(lin.choleskyEx(sing()).info.dataSync())).toEqual([2]); expect(() => lin.choleskyEx(sing(), { checkErrors: true })).toThrow(fl.LinAlgError); }),
    },
    call: (o) => fl.scope(() => lin.choleskyEx(A(), o as any)),
  };
  TABLE['linalg.luFactor'] = {
    sig: 'linalg.luFactor',
    honoured: { pivot: sc(() => { expect(() => lin.luFactor(A(), { pivot: false })).toThrow(/LU without pivoting is not implemented/); expect(Array.from(lin.luFactor(A(), { pivot: true })[1].dataSync())).toEqual([1, 2]); }) },
    call: (o) => fl.scope(() => lin.luFactor(A(), o as any)),
  };
  TABLE['linalg.luFactorEx'] = {
    sig: 'linalg.luFactorEx',
    honoured: {
      pivot: sc(() => expect(() => lin.luFactorEx(A(), { pivot: false })).toThrow(/LU without pivoting is not implemented/)),
      checkErrors: sc(() => { expect(Array.from(lin.luFactorEx(sing()).info.dataSync())).toEqual([2]); expect(() => lin.luFactorEx(sing(), { checkErrors: true })).toThrow(fl.LinAlgError); }),
    },
    call: (o) => fl.scope(() => lin.luFactorEx(A(), o as any)),
  };
  TABLE['linalg.lu'] = {
    sig: 'linalg.lu',
    honoured: { pivot: sc(() => expect(() => lin.lu(A(), { pivot: false })).toThrow(/LU without pivoting is not implemented/)) },
    call: (o) => fl.scope(() => lin.lu(A(), o as any)),
  };
  TABLE['linalg.luSolve'] = {
    sig: 'linalg.luSolve',
    honoured: {
      left: sc(() => { const [LU, p] = lin.luFactor(A()); near(vals(lin.luSolve(LU, p, t64([[1, 2]]), { left: false })), [0.2, 0.6], 'luSolve left'); }),
      adjoint: sc(() => { const [LU, p] = lin.luFactor(t64([[1, 2], [0, 1]])); near(vals(lin.luSolve(LU, p, t64([[1], [4]]), { adjoint: true })), [1, 2], 'luSolve adjoint'); }),
    },
    call: (o) => fl.scope(() => { const [LU, p] = lin.luFactor(A()); return lin.luSolve(LU, p, B(), o as any); }),
  };
  TABLE['linalg.solveTriangular'] = {
    sig: 'linalg.solveTriangular',
    honoured: {
      left: sc(() => near(vals(lin.solveTriangular(t64([[2, 1], [0, 4]]), t64([[2, 9]]), { upper: true, left: false })), [1, 2], 'solveTriangular left')),
      unitriangular: sc(() => near(vals(lin.solveTriangular(t64([[2, 1], [0, 4]]), t64([[3], [2]]), { upper: true, unitriangular: true })), [1, 2], 'solveTriangular unitriangular')),
    },
    call: (o) => fl.scope(() => lin.solveTriangular(A(), B(), { upper: true, ...o } as any)),
  };
  TABLE['linalg.matrixPower'] = { sig: 'linalg.matrixPower', honoured: {}, call: (o) => fl.scope(() => lin.matrixPower(A(), 2, o as any)) };
  TABLE['linalg.matrixExp'] = { sig: 'linalg.matrixExp', honoured: {}, call: (o) => fl.scope(() => (lin.matrixExp as any)(A(), o)) };
  TABLE['linalg.multiDot'] = { sig: 'linalg.multiDot', honoured: {}, call: (o) => fl.scope(() => (lin.multiDot as any)([A(), A()], o)) };
  const u = () => t64([[1, 0, 0], [0, 1, 0]]), w = () => t64([[0, 1, 0], [0, 0, 1]]);
  TABLE['linalg.cross'] = {
    sig: 'linalg.cross',
    honoured: { dim: sc(() => near(vals(lin.cross(u().mT, w().mT, { dim: 0 })), [0, 1, 0, 0, 1, 0], 'cross dim')) },
    call: (o) => fl.scope(() => lin.cross(u(), w(), o as any)),
  };
  TABLE['linalg.vecdot'] = {
    sig: 'linalg.vecdot',
    honoured: { dim: sc(() => near(vals(lin.vecdot(t64([[1, 2], [3, 4]]), t64([[1, 1], [1, 1]]), { dim: 0 })), [4, 6], 'vecdot dim')) },
    call: (o) => fl.scope(() => lin.vecdot(u(), w(), o as any)),
  };
  TABLE['fl.choleskySolve'] = {
    honoured: { upper: sc(() => near(vals(fl.choleskySolve(t64([[4], [2]]), t64([[2, 1], [0, 1]]), { upper: true })), [1, 0], 'choleskySolve upper')) },  // A = UᵀU = [[4, 2], [2, 2]]
    call: (o) => fl.scope(() => fl.choleskySolve(B(), t64([[2, 0], [1, 1]]), o as any)),
  };
  TABLE['fl.cholesky'] = {
    sig: 'cholesky',
    honoured: { upper: sc(() => near(vals(fl.cholesky(t64([[4, 2], [2, 2]]), { upper: true })), [2, 1, 0, 1], 'torch.cholesky upper')) },
    call: (o) => fl.scope(() => fl.cholesky(t64([[4, 2], [2, 2]]), o as any)),
  };
  TABLE['fl.triangularSolve'] = {
    // torch.triangular_solve(b, A, upper=False, transpose=True, unitriangular=True) with A = [[2, 0], [3, 2]]: X = [[1 - 3·2], [2]]
    honoured: {
      upper: sc(() => near(vals(fl.triangularSolve(t64([[1], [2]]), t64([[2, 0], [3, 2]]), { upper: false }).solution), [0.5, 0.25], 'triangularSolve upper')),
      transpose: sc(() => near(vals(fl.triangularSolve(t64([[1], [2]]), t64([[2, 0], [3, 2]]), { upper: false, transpose: true }).solution), [-1, 1], 'triangularSolve transpose')),
      unitriangular: sc(() => near(vals(fl.triangularSolve(t64([[1], [2]]), t64([[2, 0], [3, 2]]), { upper: false, unitriangular: true }).solution), [1, -1], 'triangularSolve unitriangular')),
    },
    call: (o) => fl.scope(() => fl.triangularSolve(t64([[1], [2]]), t64([[2, 0], [3, 2]]), o as any).solution),
  };
  TABLE['fl.choleskyInverse'] = {
    honoured: { upper: sc(() => near(vals(fl.choleskyInverse(t64([[2, 1], [0, 1]]), { upper: true })), [0.5, -0.5, -0.5, 1], 'choleskyInverse upper')) },
    call: (o) => fl.scope(() => fl.choleskyInverse(t64([[2, 0], [1, 1]]), o as any)),
  };
  TABLE['fl.cross'] = {
    honoured: { dim: sc(() => near(vals(fl.cross(u().mT, w().mT, { dim: 0 })), [0, 1, 0, 0, 1, 0], 'torch.cross dim')) },
    call: (o) => fl.scope(() => fl.cross(u(), w(), o as any)),
  };
  TABLE['fl.matrixPower'] = { sig: 'matrixPower', honoured: {}, call: (o) => fl.scope(() => fl.matrixPower(A(), 2, o as any)) };
  TABLE['fl.Tensor.cholesky'] = {
    sig: 'cholesky',
    honoured: { upper: sc(() => near(vals(t64([[4, 2], [2, 2]]).cholesky({ upper: true })), [2, 1, 0, 1], 'Tensor.cholesky upper')) },
    call: (o) => fl.scope(() => A().cholesky(o as any)),
  };
}

// ---- nn entries go above this line ----

// ---- lib/ops/misc.ts: isin, trapz, histogram, gradient, emptyStrided
{
  const A = (t: fl.Tensor): unknown => t.toArray();
  TABLE['fl.isin'] = {
    honoured: {
      assumeUnique: sc(() => expect(A(fl.isin(t64([1, 2]), t64([2]), { assumeUnique: true }))).toEqual([false, true])),
      invert: sc(() => expect(A(fl.isin(t64([1, 2]), t64([2]), { invert: true }))).toEqual([true, false])),
    },
    call: (o) => fl.scope(() => fl.isin(t64([1]), t64([1]), o as any)),
  };
  TABLE['fl.trapz'] = {
    honoured: {
      x: sc(() => expect(fl.trapz(t64([1, 2, 3]), t64([0, 1, 3])).item()).toBe(6.5)),
      dx: sc(() => expect(fl.trapz(t64([1, 2, 3]), { dx: 2 }).item()).toBe(8)),
      dim: sc(() => expect(A(fl.trapz(t64([[1, 2], [3, 4]]), { dim: 0 }))).toEqual([2, 3])),
    },
    call: (o) => fl.scope(() => fl.trapz(t64([1, 2]), o as any)),
  };
  TABLE['fl.histogram'] = {
    honoured: {
      bins: sc(() => expect(fl.histogram(t64([1, 2]), 3).hist.shape).toEqual([3])),
      range: sc(() => expect(A(fl.histogram(t64([1, 2]), 2, { range: [0, 10] }).hist)).toEqual([2, 0])),
      weight: sc(() => expect(A(fl.histogram(t64([1, 2]), 2, { weight: t64([3, 5]) }).hist)).toEqual([3, 5])),
      density: sc(() => expect(A(fl.histogram(t64([1, 2, 2]), 2, { density: true }).hist)).toEqual([2 / 3, 4 / 3])),  // counts / (3 · 0.5)
    },
    call: (o) => fl.scope(() => fl.histogram(t64([1, 2]), o as any)),
  };
  TABLE['fl.gradient'] = {
    honoured: {
      spacing: sc(() => expect(A(fl.gradient(t64([1, 4, 9]), { spacing: 2 })[0])).toEqual([1.5, 2, 2.5])),
      dim: sc(() => expect(fl.gradient(t64([[1, 4, 9], [2, 2, 2]]), { dim: 1 }).length).toBe(1)),
      edgeOrder: sc(() => expect(A(fl.gradient(t64([1, 4, 9]), { edgeOrder: 2 })[0])).toEqual([2, 4, 6])),
    },
    call: (o) => fl.scope(() => fl.gradient(t64([1, 2, 3]), o as any)),
  };
  TABLE['fl.emptyStrided'] = {
    honoured: {
      dtype: sc(() => expect(fl.emptyStrided([2], [1], { dtype: 'float64' }).dtype).toBe('float64')),
      device: sc(() => expect(fl.emptyStrided([2], [1], { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
      requiresGrad: sc(() => expect(fl.emptyStrided([2], [1], { requiresGrad: true }).requiresGrad).toBe(true)),
    },
    call: (o) => fl.scope(() => fl.emptyStrided([2], [1], o as any)),
  };
}

// ---- shapes and counting (lib/ops/reshaping.ts, lib/ops/counting.ts)
{
  const i32 = (d: number[]) => fl.tensor(d, { dtype: 'int32' });
  const A = (t: fl.Tensor): unknown => t.toArray();
  TABLE['fl.diff'] = {
    honoured: {
      n: sc(() => expect(A(fl.diff(i32([1, 4, 9]), 2))).toEqual([2])),
      dim: sc(() => expect(A(fl.diff(i32([1, 2, 4, 8]).reshape(2, 2), 1, 0))).toEqual([[3, 6]])),
      prepend: sc(() => expect(A(fl.diff(i32([1, 2]), { prepend: i32([0]) }))).toEqual([1, 1])),
      append: sc(() => expect(A(fl.diff(i32([1, 2]), { append: i32([5]) }))).toEqual([1, 3])),
    },
    call: (o) => fl.scope(() => fl.diff(i32([1, 2]), o as any)),
  };
  TABLE['fl.meshgrid'] = {
    honoured: { indexing: sc(() => expect(fl.meshgrid(i32([1, 2]), i32([1, 2, 3]), { indexing: 'xy' })[0].shape).toEqual([3, 2])) },
    call: (o) => fl.scope(() => fl.meshgrid(i32([1]), o as any)),
  };
  for (const [name, f, want] of [['trilIndices', fl.trilIndices, [[1], [0]]], ['triuIndices', fl.triuIndices, [[0], [1]]]] as const) {
    TABLE[`fl.${name}`] = {
      honoured: {
        offset: sc(() => expect(A(f(2, 2, name === 'trilIndices' ? -1 : 1))).toEqual(want)),
        dtype: sc(() => expect(f(2, 2, { dtype: 'float64' }).dtype).toBe('float64')),
        device: sc(() => expect(f(2, 2, { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
      },
      call: (o) => fl.scope(() => f(2, 2, o as any)),
    };
  }
  TABLE['fl.logspace'] = {
    honoured: {
      base: sc(() => expect(A(fl.logspace(0, 2, 3, 2))).toEqual([1, 2, 4])),
      dtype: sc(() => expect(fl.logspace(0, 1, 2, { dtype: 'float64' }).dtype).toBe('float64')),
      device: sc(() => expect(fl.logspace(0, 1, 2, { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
      requiresGrad: sc(() => expect(fl.logspace(0, 1, 2, { requiresGrad: true }).requiresGrad).toBe(true)),
    },
    call: (o) => fl.scope(() => fl.logspace(0, 1, 2, o as any)),
  };
  TABLE['fl.indexAdd'] = {
    honoured: { alpha: sc(() => expect(A(fl.indexAdd(fl.zeros([2]), 0, i32([1]), fl.ones([1]), { alpha: 3 }))).toEqual([0, 3])) },
    call: (o) => fl.scope(() => fl.indexAdd(fl.zeros([2]), 0, i32([1]), fl.ones([1]), o as any)),
  };
  TABLE['fl.scatterReduce'] = {
    honoured: {
      includeSelf: sc(() => {
        expect(A(fl.scatterReduce(fl.tensor([5, 1]), 0, i32([0, 0]), fl.tensor([2, 3]), 'amax', { includeSelf: false }))).toEqual([3, 1]);
        expect(A(fl.tensor([5, 1]).scatterReduce(0, i32([0, 0]), fl.tensor([2, 3]), 'amax', { includeSelf: true }))).toEqual([5, 1]);
      }),
    },
    call: (o) => fl.scope(() => fl.scatterReduce(fl.zeros([2]), 0, i32([1]), fl.ones([1]), 'sum', o as any)),
  };
  TABLE['fl.repeatInterleave'] = {
    honoured: {
      dim: sc(() => expect(fl.repeatInterleave(fl.ones([2, 2]), 2, 1).shape).toEqual([2, 4])),
      outputSize: sc(() => {
        expect(fl.repeatInterleave(fl.ones([2]), i32([1, 2]), 0, { outputSize: 3 }).shape).toEqual([3]);
        expect(() => fl.repeatInterleave(fl.ones([2]), i32([1, 2]), 0, { outputSize: 4 })).toThrow(fl.ValueError);
      }),
    },
    call: (o) => fl.scope(() => fl.repeatInterleave(fl.ones([2]), 2, o as any)),
  };
  TABLE['fl.combinations'] = {
    honoured: {
      r: sc(() => expect(fl.combinations(i32([1, 2, 3]), 3).shape).toEqual([1, 3])),
      withReplacement: sc(() => expect(fl.combinations(i32([1, 2, 3]), { withReplacement: true }).shape).toEqual([6, 2])),
    },
    call: (o) => fl.scope(() => fl.combinations(i32([1, 2]), o as any)),
  };
  TABLE['fl.sliceScatter'] = {
    honoured: {
      dim: sc(() => expect(A(fl.sliceScatter(fl.zeros([2, 2]), fl.ones([2, 1]), { dim: 1, start: 1 }))).toEqual([[0, 1], [0, 1]])),
      start: sc(() => expect(A(fl.sliceScatter(fl.zeros([3]), fl.ones([1]), 0, 2))).toEqual([0, 0, 1])),
      end: sc(() => expect(A(fl.sliceScatter(fl.zeros([3]), fl.ones([1]), 0, null, 1))).toEqual([1, 0, 0])),
      step: sc(() => expect(A(fl.sliceScatter(fl.zeros([3]), fl.ones([2]), { step: 2 }))).toEqual([1, 0, 1])),
    },
    call: (o) => fl.scope(() => fl.sliceScatter(fl.zeros([2]), fl.ones([2]), o as any)),
  };
  for (const [name, f, want] of [['trapezoid', fl.trapezoid, 6.5], ['cumulativeTrapezoid', fl.cumulativeTrapezoid, [1.5, 6.5]]] as const) {
    const y = () => fl.tensor([1, 2, 3], { dtype: 'float64' });
    const last = (t: fl.Tensor): unknown => (t.ndim === 0 ? t.item() : A(t));
    TABLE[`fl.${name}`] = {
      honoured: {
        x: sc(() => expect(last(f(y(), fl.tensor([0, 1, 3], { dtype: 'float64' })))).toEqual(want)),
        dx: sc(() => expect(last(f(y(), { dx: 2 }))).toEqual(name === 'trapezoid' ? 8 : [3, 8])),
        dim: sc(() => expect(f(fl.ones([2, 3]), { dim: 0 }).shape).toEqual(name === 'trapezoid' ? [3] : [1, 3])),
      },
      call: (o) => fl.scope(() => f(y(), o as any)),
    };
  }
  TABLE['fl.bincount'] = {
    honoured: {
      weights: sc(() => expect(A(fl.bincount(i32([0, 1, 1]), { weights: fl.tensor([1, 2, 3], { dtype: 'float64' }) }))).toEqual([1, 5])),
      minlength: sc(() => expect(A(fl.bincount(i32([1]), { minlength: 3 }))).toEqual([0, 1, 0])),
    },
    call: (o) => fl.scope(() => fl.bincount(i32([1]), o as any)),
  };
  TABLE['fl.histc'] = {
    honoured: {
      bins: sc(() => expect(fl.histc(fl.ones([2]), 3).shape).toEqual([3])),
      min: sc(() => expect(A(fl.histc(fl.tensor([1, 2], { dtype: 'float32' }), 2, -2, 2))).toEqual([0, 2])),
      max: sc(() => expect(A(fl.histc(fl.tensor([1, 2], { dtype: 'float32' }), 2, 0, 4))).toEqual([1, 1])),
    },
    call: (o) => fl.scope(() => fl.histc(fl.ones([2]), o as any)),
  };
  const u = () => i32([2, 1, 2]);
  TABLE['fl.unique'] = {
    honoured: {
      sorted: sc(() => expect(A(fl.unique(u(), { sorted: true }) as fl.Tensor)).toEqual([1, 2])),
      returnInverse: sc(() => expect(A((fl.unique(u(), { returnInverse: true }) as fl.Tensor[])[1])).toEqual([1, 0, 1])),
      returnCounts: sc(() => expect(A((fl.unique(u(), { returnCounts: true }) as fl.Tensor[])[1])).toEqual([1, 2])),
      dim: sc(() => expect((fl.unique(i32([1, 1, 2, 2]).reshape(2, 2), { dim: 1 }) as fl.Tensor).shape).toEqual([2, 1])),
    },
    call: (o) => fl.scope(() => fl.unique(u(), o as any)),
  };
  TABLE['fl.uniqueConsecutive'] = {
    honoured: {
      returnInverse: sc(() => expect(A((fl.uniqueConsecutive(u(), { returnInverse: true }) as fl.Tensor[])[1])).toEqual([0, 1, 2])),
      returnCounts: sc(() => expect(A((fl.uniqueConsecutive(i32([1, 1]), { returnCounts: true }) as fl.Tensor[])[1])).toEqual([2])),
      dim: sc(() => expect((fl.uniqueConsecutive(i32([1, 1, 2, 2]).reshape(2, 2), { dim: 0 }) as fl.Tensor).shape).toEqual([2, 2])),
    },
    call: (o) => fl.scope(() => fl.uniqueConsecutive(u(), o as any)),
  };
  const s = () => i32([1, 3, 5]);
  TABLE['fl.searchsorted'] = {
    honoured: {
      outInt32: sc(() => expect(fl.searchsorted(s(), i32([3]), { outInt32: true }).dtype).toBe('int32')),
      right: sc(() => expect(A(fl.searchsorted(s(), i32([3]), { right: true }))).toEqual([2])),
      side: sc(() => expect(A(fl.searchsorted(s(), i32([3]), { side: 'right' }))).toEqual([2])),
      sorter: sc(() => expect(A(fl.searchsorted(i32([5, 1, 3]), i32([4]), { sorter: i32([1, 2, 0]) }))).toEqual([2])),
    },
    call: (o) => fl.scope(() => fl.searchsorted(s(), i32([3]), o as any)),
  };
  TABLE['fl.bucketize'] = {
    honoured: {
      outInt32: sc(() => expect(fl.bucketize(i32([3]), s(), { outInt32: true }).dtype).toBe('int32')),
      right: sc(() => expect(A(fl.bucketize(i32([3]), s(), { right: true }))).toEqual([2])),
    },
    call: (o) => fl.scope(() => fl.bucketize(i32([3]), s(), o as any)),
  };
}

// fl.distributions: each family's constructor (PyTorch's positional order, then { validateArgs, … })
{
  const D = fl.distributions;
  const t = (v: number | number[] | number[][]) => fl.tensor(v as number[], { dtype: 'float64' });
  const item = (x: fl.Tensor): number => x.item();
  type Make = (o: Record<string, unknown>) => unknown;
  /** validateArgs: `bad` (invalid parameters) throws a ValueError when validating, not without. */
  const validates = (bad: Make) => sc(() => {
    expect(() => bad({ validateArgs: true })).toThrow(fl.ValueError);
    expect(() => bad({ validateArgs: false })).not.toThrow();
  });
  const entry = (name: string, ok: Make, bad: Make, more: Record<string, () => void> = {}): void => {
    TABLE[`distributions.${name}`] = { honoured: { validateArgs: validates(bad), ...more }, call: (o) => fl.scope(() => ok(o)) };
  };
  for (const name of ['Normal', 'Laplace', 'Cauchy', 'Gumbel', 'LogNormal'] as const) {
    const C = D[name] as unknown as new (...a: unknown[]) => unknown;
    entry(name, (o) => new C(0, 1, o), (o) => new C(0, -1, o));
  }
  for (const name of ['HalfNormal', 'Exponential', 'Poisson', 'Chi2'] as const) {
    const C = D[name] as unknown as new (...a: unknown[]) => unknown;
    entry(name, (o) => new C(1, o), (o) => new C(-1, o));
  }
  entry('Uniform', (o) => new D.Uniform(0, 1, o), (o) => new D.Uniform(1, 0, o));
  entry('Gamma', (o) => new D.Gamma(1, 1, o), (o) => new D.Gamma(-1, 1, o));
  entry('Beta', (o) => new D.Beta(1, 1, o), (o) => new D.Beta(-1, 1, o));
  entry('Dirichlet', (o) => new D.Dirichlet(t([1, 1]), o), (o) => new D.Dirichlet(t([1, -1]), o));
  entry('StudentT', (o) => new D.StudentT(3, o), (o) => new D.StudentT(-1, o), {
    loc: sc(() => expect(item(new D.StudentT(3, { loc: 2 }).mean)).toBe(2)),
    scale: sc(() => expect(item(new D.StudentT(3, { scale: 2 }).variance)).toBeCloseTo(12, 10)),
  });
  for (const name of ['Bernoulli', 'Geometric'] as const) {
    const C = D[name] as unknown as new (...a: unknown[]) => { probs: fl.Tensor; mean: fl.Tensor };
    entry(name, (o) => new C({ probs: 0.5, ...o }), (o) => new C({ probs: 2, ...o }), {
      probs: sc(() => expect(item(new C({ probs: 0.25 }).mean)).toBe(name === 'Bernoulli' ? 0.25 : 3)),
      logits: sc(() => expect(item(new C({ logits: 0 }).probs)).toBe(0.5)),
    });
  }
  for (const name of ['Categorical', 'OneHotCategorical'] as const) {
    const C = D[name] as unknown as new (...a: unknown[]) => { probs: fl.Tensor };
    entry(name, (o) => new C({ probs: t([0.5, 0.5]), ...o }), (o) => new C({ probs: t([-1, 2]), ...o }), {
      probs: sc(() => expect(Array.from(new C({ probs: t([1, 3]) }).probs.dataSync())).toEqual([0.25, 0.75])),
      logits: sc(() => expect(Array.from(new C({ logits: t([0, 0]) }).probs.dataSync())).toEqual([0.5, 0.5])),
    });
  }
  entry('Binomial', (o) => new D.Binomial({ probs: 0.5, ...o }), (o) => new D.Binomial(2.5, 0.5, o), {
    totalCount: sc(() => expect(item(new D.Binomial({ totalCount: 4, probs: 0.5 }).mean)).toBe(2)),
    probs: sc(() => expect(item(new D.Binomial({ probs: 0.25 }).mean)).toBe(0.25)),
    logits: sc(() => expect(item(new D.Binomial({ logits: 0 }).probs)).toBe(0.5)),
  });
  const loc = () => t([0, 0]);
  entry('MultivariateNormal', (o) => new D.MultivariateNormal(loc(), { scaleTril: t([[1, 0], [0, 1]]), ...o }),
    (o) => new D.MultivariateNormal(loc(), { scaleTril: t([[-1, 0], [0, 1]]), ...o }), {
      covarianceMatrix: sc(() => expect(Array.from(new D.MultivariateNormal(loc(), { covarianceMatrix: t([[4, 0], [0, 9]]) }).variance.dataSync())).toEqual([4, 9])),
      precisionMatrix: sc(() => expect(Array.from(new D.MultivariateNormal(loc(), { precisionMatrix: t([[4, 0], [0, 0.25]]) }).variance.dataSync())).toEqual([0.25, 4])),
      scaleTril: sc(() => expect(Array.from(new D.MultivariateNormal(loc(), { scaleTril: t([[2, 0], [1, 1]]) }).variance.dataSync())).toEqual([4, 2])),
    });
  const base = () => new D.Normal(t([0, 0]), 1);
  TABLE['distributions.Independent'] = {
    honoured: {
      validateArgs: sc(() => {
        expect(() => new D.Independent(base(), 1, { validateArgs: true }).logProb(t([NaN, 0]))).toThrow(fl.ValueError);
        expect(() => new D.Independent(base(), 1, { validateArgs: false }).logProb(t([NaN, 0]))).not.toThrow();
      }),
    },
    call: (o) => fl.scope(() => new D.Independent(base(), 1, o)),
  };
  const mixture = (o: Record<string, unknown>) => new D.MixtureSameFamily(new D.Categorical(t([0.5, 0.5])), new D.Exponential(t([1, 2])), o);
  TABLE['distributions.MixtureSameFamily'] = {
    honoured: {
      validateArgs: sc(() => {
        expect(() => mixture({ validateArgs: true }).logProb(t([-1]))).toThrow(fl.ValueError);
        expect(() => mixture({ validateArgs: false }).logProb(t([-1]))).not.toThrow();
      }),
    },
    call: (o) => fl.scope(() => mixture(o)),
  };
  // the families of transformed.ts and extra.ts, TransformedDistribution, and the transforms (each takes cacheSize)
  for (const name of ['HalfCauchy'] as const) entry(name, (o) => new D[name](1, o), (o) => new D[name](-1, o));
  for (const name of ['Pareto', 'Weibull', 'Kumaraswamy', 'FisherSnedecor', 'VonMises'] as const) {
    const C = D[name] as unknown as new (...a: unknown[]) => unknown;
    entry(name, (o) => new C(1, 2, o), (o) => new C(1, -2, o));
  }
  entry('LogisticNormal', (o) => new D.LogisticNormal(t([0, 0]), 1, o), (o) => new D.LogisticNormal(t([0, 0]), -1, o));
  entry('NegativeBinomial', (o) => new D.NegativeBinomial(2, { probs: 0.5, ...o }), (o) => new D.NegativeBinomial(-2, { probs: 0.5, ...o }), {
    probs: sc(() => expect(item(new D.NegativeBinomial(2, { probs: t(0.25) }).mean)).toBeCloseTo(2 / 3, 12)),
    logits: sc(() => expect(item(new D.NegativeBinomial(2, { logits: 0 }).mean)).toBe(2)),
  });
  entry('ContinuousBernoulli', (o) => new D.ContinuousBernoulli({ probs: 0.3, ...o }), (o) => new D.ContinuousBernoulli({ probs: 1.5, ...o }), {
    probs: sc(() => expect(item(new D.ContinuousBernoulli({ probs: 0.5 }).mean)).toBe(0.5)),
    logits: sc(() => expect(item(new D.ContinuousBernoulli({ logits: 0 }).probs)).toBe(0.5)),
    // lims: inside the unstable region the Taylor expansion gives the mean (0.5 + x/3 + …), outside the closed form
    lims: sc(() => expect(item(new D.ContinuousBernoulli({ probs: t(0.45), lims: [0.4, 0.6] }).mean)).toBeCloseTo(0.5 + (-0.05) / 3 + (16 / 45) * (-0.05) ** 3, 14)),
  });
  entry('LowRankMultivariateNormal', (o) => new D.LowRankMultivariateNormal(t([0, 0]), t([[1], [0]]), t([1, 1]), o), (o) => new D.LowRankMultivariateNormal(t([0, 0]), t([[1], [0]]), t([1, -1]), o));
  for (const name of ['LogitRelaxedBernoulli', 'RelaxedBernoulli'] as const) {
    const C = D[name] as unknown as new (...a: unknown[]) => { probs: fl.Tensor; logits: fl.Tensor };
    // RelaxedBernoulli's validateArgs governs its values (its base validates its parameters by default, as torch's)
    const bad = name === 'RelaxedBernoulli' ? (o: Record<string, unknown>) => (new C(t(0.5), { probs: t(0.5), ...o }) as unknown as fl.distributions.Distribution).logProb(t(1.5))
      : (o: Record<string, unknown>) => new C(t(0.5), { probs: t(1.5), ...o });
    entry(name, (o) => new C(t(0.5), { probs: t(0.5), ...o }), bad, {
      probs: sc(() => expect(item(new C(t(0.5), { probs: t(0.25) }).logits)).toBeCloseTo(Math.log(1 / 3), 12)),
      logits: sc(() => expect(item(new C(t(0.5), { logits: t(0) }).probs)).toBe(0.5)),
    });
  }
  for (const name of ['ExpRelaxedCategorical', 'RelaxedOneHotCategorical'] as const) {
    const C = D[name] as unknown as new (...a: unknown[]) => { probs: fl.Tensor };
    // validateArgs governs the values (the inner Categorical validates its parameters by default, as torch's)
    const bad = name === 'RelaxedOneHotCategorical' ? (o: Record<string, unknown>) => (new C(t(0.5), { probs: t([0.5, 0.5]), ...o }) as unknown as fl.distributions.Distribution).logProb(t([0.7, 0.7]))
      : (o: Record<string, unknown>) => (new C(t(0.5), { probs: t([0.5, 0.5]), ...o }) as unknown as fl.distributions.Distribution).logProb(t([NaN, 0]));
    entry(name, (o) => new C(t(0.5), { probs: t([0.5, 0.5]), ...o }), bad, {
      probs: sc(() => expect(Array.from(new C(t(0.5), { probs: t([1, 3]) }).probs.dataSync())).toEqual([0.25, 0.75])),
      logits: sc(() => expect(Array.from(new C(t(0.5), { logits: t([0, 0]) }).probs.dataSync())).toEqual([0.5, 0.5])),
    });
  }
  entry('Multinomial', (o) => new D.Multinomial(2, { probs: t([0.5, 0.5]), ...o }), (o) => new D.Multinomial(2, { probs: t([0.5, 0.5]), ...o }).logProb(t([-1, 2])), {
    totalCount: sc(() => expect(Array.from(new D.Multinomial({ totalCount: 4, probs: t([0.5, 0.5]) }).mean.dataSync())).toEqual([2, 2])),
    probs: sc(() => expect(Array.from(new D.Multinomial({ probs: t([1, 3]) }).mean.dataSync())).toEqual([0.25, 0.75])),
    logits: sc(() => expect(Array.from(new D.Multinomial({ logits: t([0, 0]) }).mean.dataSync())).toEqual([0.5, 0.5])),
  });
  entry('Wishart', (o) => new D.Wishart(t(3), { scaleTril: t([[1, 0], [0, 1]]), ...o }), (o) => new D.Wishart(t(3), { scaleTril: t([[-1, 0], [0, 1]]), ...o }), {
    covarianceMatrix: sc(() => expect(Array.from(new D.Wishart(t(3), { covarianceMatrix: t([[4, 0], [0, 9]]) }).mean.dataSync())).toEqual([12, 0, 0, 27])),
    precisionMatrix: sc(() => expect(Array.from(new D.Wishart(t(3), { precisionMatrix: t([[4, 0], [0, 0.25]]) }).mean.dataSync())).toEqual([0.75, 0, 0, 12])),
    scaleTril: sc(() => expect(Array.from(new D.Wishart(t(3), { scaleTril: t([[2, 0], [1, 1]]) }).mean.dataSync())).toEqual([12, 6, 6, 6])),
  });
  const TR = D.transforms;
  TABLE['distributions.TransformedDistribution'] = {
    honoured: {
      validateArgs: sc(() => {
        const td = (o: Record<string, unknown>) => new D.TransformedDistribution(new D.Normal(t([0]), 1, { validateArgs: false }), [new TR.ExpTransform()], o);
        expect(() => td({ validateArgs: true }).logProb(t([-1]))).toThrow(fl.ValueError);
        expect(() => td({ validateArgs: false }).logProb(t([-1]))).not.toThrow();
      }),
    },
    call: (o) => fl.scope(() => new D.TransformedDistribution(new D.Normal(t([0]), 1), [new TR.ExpTransform()], o)),
  };
  type AnyTransform = { call(x: fl.Tensor): fl.Tensor; inv: { call(y: fl.Tensor): fl.Tensor } };
  /** cacheSize 1: t.inv.call(t.call(x)) is x itself (the cached tensor); 0: a new tensor. */
  const caches = (mk: (o: Record<string, unknown>) => unknown, x: () => fl.Tensor) => sc(() => {
    const x1 = x(), t1 = mk({ cacheSize: 1 }) as AnyTransform;
    expect(t1.inv.call(t1.call(x1))).toBe(x1);
    const x0 = x(), t0 = mk({ cacheSize: 0 }) as AnyTransform;
    expect(t0.inv.call(t0.call(x0))).not.toBe(x0);
  });
  const tEntry = (name: string, mk: (o: Record<string, unknown>) => unknown, x: () => fl.Tensor, more: Record<string, () => void> = {}): void => {
    TABLE[`distributions.transforms.${name}`] = { honoured: { cacheSize: caches(mk, x), ...more }, call: (o) => fl.scope(() => mk(o)) };
  };
  const vec = () => t([0.2, 0.5]);
  for (const name of ['ExpTransform', 'SigmoidTransform', 'SoftplusTransform', 'TanhTransform', 'AbsTransform', 'SoftmaxTransform', 'StickBreakingTransform', 'LowerCholeskyTransform'] as const) {
    const Cls = TR[name] as unknown as new (o: Record<string, unknown>) => unknown;
    tEntry(name, (o) => new Cls(o), name === 'LowerCholeskyTransform' ? () => t([[0.2, 0], [0.5, 0.1]]) : vec);
  }
  tEntry('PowerTransform', (o) => new TR.PowerTransform(2, o), vec);
  tEntry('AffineTransform', (o) => new TR.AffineTransform(1, 2, o), vec, {
    eventDim: sc(() => expect(Array.from(new TR.AffineTransform(0, 2, { eventDim: 1 }).logAbsDetJacobian(vec(), vec()).dataSync())).toEqual([2 * Math.log(2)])),
  });
  tEntry('ComposeTransform', (o) => new TR.ComposeTransform([new TR.ExpTransform()], o), vec);
  tEntry('IndependentTransform', (o) => new TR.IndependentTransform(new TR.ExpTransform(), 1, o), vec);
  tEntry('ReshapeTransform', (o) => new TR.ReshapeTransform([2], [2, 1], o), vec);
  tEntry('CorrCholeskyTransform', (o) => new TR.CorrCholeskyTransform(o), () => t([0.2, -0.4, 0.1]));
  entry('LKJCholesky', (o) => new D.LKJCholesky(2, t(1), o), (o) => new D.LKJCholesky(2, t(-1), o), {
    // LKJCholesky(2, 2.).log_prob(eye(2)) = -0.2876820724517809 > LKJCholesky(2).log_prob(eye(2)) = -0.6931471824645996 (more mass at the identity)
    concentration: sc(() => expect(item(new D.LKJCholesky(2, { concentration: t(2) }).logProb(fl.eye(2, { dtype: 'float64' })))).toBeGreaterThan(item(new D.LKJCholesky(2).logProb(fl.eye(2))))),
  });
  tEntry('CumulativeDistributionTransform', (o) => new TR.CumulativeDistributionTransform(new D.Normal(0, 1), o), () => fl.tensor([0.2, 0.5]));
}

/** A misspelling of `key` one edit away (a letter dropped), as a user's typo. */
function typo(key: string): string { return key.length > 3 ? key.slice(0, 2) + key.slice(3) : `${key}x`; }

// ---- nn.utils.parametrize, parametrizations, the legacy weightNorm / spectralNorm, fusion (lib/nn/parametrize.ts, utils-extra.ts)
{
  const PZ = fl.nn.utils.parametrize;
  const lin = () => { const l = new nn.Linear(3, 2, { dtype: 'float64' }); fl.noGrad(() => { l.weight.copy_(fl.tensor([[3, 0, 4], [0, 1, 0]], { dtype: 'float64' })); l.bias!.zero_(); }); return l; };
  class Twice extends nn.Module { forward(x: fl.Tensor) { return x.mul(2); } rightInverse(x: fl.Tensor) { return x.div(2); } }
  class Row extends nn.Module { forward(x: fl.Tensor) { return x.select(0, 0); } }
  const keys = (m: fl.nn.Module) => Object.keys(m.stateDict());
  TABLE['nn.utils.parametrize.registerParametrization'] = {
    sig: 'registerParametrization',
    honoured: {
      unsafe: sc(() => {
        expect(() => PZ.registerParametrization(lin(), 'weight', new Row())).toThrow(/may not change the shape/);
        expect(PZ.registerParametrization(lin(), 'weight', new Row(), { unsafe: true }).weight.shape).toEqual([3]);
      }),
    },
    call: (o) => fl.scope(() => PZ.registerParametrization(lin(), 'weight', new Twice(), o)),
  };
  TABLE['nn.utils.parametrize.removeParametrizations'] = {
    sig: 'removeParametrizations',
    honoured: {
      leaveParametrized: sc(() => {
        const a = PZ.registerParametrization(lin(), 'weight', new Twice()), b = PZ.registerParametrization(lin(), 'weight', new Twice());
        fl.noGrad(() => { a.parametrizations.get('weight').original.fill_(1); b.parametrizations.get('weight').original.fill_(1); });
        expect(vals(PZ.removeParametrizations(a, 'weight').weight)).toEqual([2, 2, 2, 2, 2, 2]);
        expect(vals(PZ.removeParametrizations(b, 'weight', { leaveParametrized: false }).weight)).toEqual([1, 1, 1, 1, 1, 1]);
      }),
    },
    call: (o) => fl.scope(() => PZ.removeParametrizations(PZ.registerParametrization(lin(), 'weight', new Twice()), 'weight', o as never)),
  };
  TABLE['nn.utils.parametrizations.weightNorm'] = {
    sig: 'parametrizations.weightNorm',
    honoured: {
      name: sc(() => expect(keys(fl.nn.utils.parametrizations.weightNorm(lin(), { name: 'bias', dim: null }))).toEqual(['weight', 'parametrizations.bias.original0', 'parametrizations.bias.original1'])),
      dim: sc(() => {
        const g = (dim: number | null) => fl.nn.utils.parametrizations.weightNorm(lin(), { dim }).parametrizations.get('weight') as unknown as { original0: fl.Tensor };
        expect(vals(g(0).original0)).toEqual([5, 1]);            // the rows' norms
        expect(vals(g(1).original0)).toEqual([3, 1, 4]);         // the columns' norms
        expect(vals(g(null).original0)).toEqual([Math.sqrt(26)]);
      }),
    },
    call: (o) => fl.scope(() => fl.nn.utils.parametrizations.weightNorm(lin(), o)),
  };
  TABLE['nn.utils.parametrizations.spectralNorm'] = {
    sig: 'parametrizations.spectralNorm',
    honoured: {
      // W = [[3, 0, 4], [0, 1, 0]]: σ = 5, so the normalized weight is W / 5 whatever u and v start as
      name: sc(() => expect(vals(fl.nn.utils.parametrizations.spectralNorm(lin(), { name: 'bias' }).bias)).toEqual([0, 0])),
      nPowerIterations: sc(() => {
        const m = fl.nn.utils.parametrizations.spectralNorm(lin(), { nPowerIterations: 3 });
        near(vals(m.weight), [0.6, 0, 0.8, 0, 0.2, 0], 'spectralNorm σ = 5', 1e-6);
        expect(() => fl.nn.utils.parametrizations.spectralNorm(lin(), { nPowerIterations: 0 })).toThrow(/positive/);
      }),
      // an eps far above ‖Wv‖ (≤ 5) shrinks u and v at every normalization, so σ's estimate collapses
      // and W/σ grows far past the 0.8 of the default (torch's spectral_norm(eps=1e3) likewise)
      eps: sc(() => expect(Math.max(...vals(fl.nn.utils.parametrizations.spectralNorm(lin(), { eps: 1e3 }).weight).map(Math.abs))).toBeGreaterThan(1e3)),
      dim: sc(() => expect(fl.nn.utils.parametrizations.spectralNorm(lin(), { dim: 1 }).parametrizations.get('weight').at(0)._buffers.get('_u')!.shape).toEqual([3])),
    },
    call: (o) => fl.scope(() => fl.nn.utils.parametrizations.spectralNorm(lin(), o)),
  };
  const orth = (o: Record<string, unknown>, f: (m: fl.nn.utils.parametrize.Parametrized<fl.nn.Linear>) => void) => sc(() => {
    const m = fl.nn.utils.parametrizations.orthogonal(lin(), o as never);
    try { f(m); } finally { m.dispose(); }
  });
  TABLE['nn.utils.parametrizations.orthogonal'] = {
    sig: 'parametrizations.orthogonal',
    honoured: {
      name: sc(() => expect(() => fl.nn.utils.parametrizations.orthogonal(lin(), { name: 'bias' })).toThrow(/expected a matrix or batch of matrices, got a tensor of shape \[2\]/)),
      // W = [[3, 0, 4], [0, 1, 0]] made semi-orthogonal: rows [0.6, 0, 0.8] and [0, 1, 0], whatever the map
      orthogonalMap: () => {
        for (const m of ['matrix_exp', 'cayley', 'householder']) orth({ orthogonalMap: m }, (l) => near(vals(l.weight), [0.6, 0, 0.8, 0, 1, 0], `orthogonal ${m}`, 1e-12))();
        sc(() => expect(() => fl.nn.utils.parametrizations.orthogonal(lin(), { orthogonalMap: 'qr' as never })).toThrow(/orthogonalMap must be one of/))();
      },
      useTrivialization: () => {
        orth({ useTrivialization: false, orthogonalMap: 'cayley' }, (l) => expect(Object.keys(l.stateDict())).toEqual(['bias', 'parametrizations.weight.original']))();
        orth({}, (l) => expect(Object.keys(l.stateDict())).toEqual(['bias', 'parametrizations.weight.original', 'parametrizations.weight.0.base']))();
      },
    },
    call: (o) => fl.scope(() => fl.nn.utils.parametrizations.orthogonal(lin(), o).dispose()),
  };
  TABLE['nn.utils.weightNorm'] = {
    sig: 'weightNorm',
    honoured: {
      name: sc(() => expect(keys(fl.nn.utils.weightNorm(lin(), { name: 'bias', dim: null }))).toEqual(['weight', 'bias_g', 'bias_v'])),
      dim: sc(() => {
        expect(vals((fl.nn.utils.weightNorm(lin(), 'weight', 1) as unknown as { weight_g: fl.Tensor }).weight_g)).toEqual([3, 1, 4]);
        expect(vals((fl.nn.utils.weightNorm(lin(), { dim: 0 }) as unknown as { weight_g: fl.Tensor }).weight_g)).toEqual([5, 1]);
      }),
    },
    call: (o) => fl.scope(() => fl.nn.utils.weightNorm(lin(), o)),
  };
  TABLE['nn.utils.removeWeightNorm'] = {
    sig: 'removeWeightNorm',
    honoured: { name: sc(() => expect(keys(fl.nn.utils.removeWeightNorm(fl.nn.utils.weightNorm(lin(), 'bias'), { name: 'bias' }))).toEqual(['weight', 'bias'])) },
    call: (o) => fl.scope(() => fl.nn.utils.removeWeightNorm(fl.nn.utils.weightNorm(lin()), o)),
  };
  TABLE['nn.utils.spectralNorm'] = {
    sig: 'spectralNorm',
    honoured: {
      name: sc(() => expect(keys(fl.nn.utils.spectralNorm(lin(), { name: 'bias' }))).toEqual(['weight', 'bias_orig', 'bias_u', 'bias_v'])),   // a 1-D weight is a [2, 1] matrix, as torch's
      nPowerIterations: sc(() => {
        const m = fl.nn.utils.spectralNorm(lin(), { nPowerIterations: 3 });
        m.forward(fl.zeros([1, 3], { dtype: 'float64' }));
        near(vals(m.weight), [0.6, 0, 0.8, 0, 0.2, 0], 'spectralNorm σ = 5', 1e-6);
        m.dispose();   // the weight the forward computed is the module's
        expect(() => fl.nn.utils.spectralNorm(lin(), { nPowerIterations: 0 })).toThrow(/positive/);
      }),
      eps: sc(() => {   // as for parametrizations.spectralNorm: σ's estimate collapses, W/σ ≫ 0.8
        const m = fl.nn.utils.spectralNorm(lin(), { eps: 1e3 });
        m.forward(fl.zeros([1, 3], { dtype: 'float64' }));
        expect(Math.max(...vals(m.weight).map(Math.abs))).toBeGreaterThan(1e3);
        m.dispose();
      }),
      dim: sc(() => expect((fl.nn.utils.spectralNorm(lin(), { dim: 1 }) as unknown as { weight_u: fl.Tensor }).weight_u.shape).toEqual([3])),
    },
    call: (o) => fl.scope(() => fl.nn.utils.spectralNorm(lin(), o)),
  };
  TABLE['nn.utils.removeSpectralNorm'] = {
    sig: 'removeSpectralNorm',
    honoured: { name: sc(() => expect(() => fl.nn.utils.removeSpectralNorm(fl.nn.utils.spectralNorm(lin()), { name: 'bias' })).toThrow(/spectralNorm of 'bias' not found/)) },
    call: (o) => fl.scope(() => fl.nn.utils.removeSpectralNorm(fl.nn.utils.spectralNorm(lin()), o)),
  };
  TABLE['nn.utils.fusion.fuseConvBnEval'] = {
    sig: 'fuseConvBnEval',
    honoured: {
      transpose: sc(() => {
        // a [2, 3, 1] weight: without transpose the batch norm's 2 channels scale dim 0, with it dim 1 (3 channels)
        const conv = new nn.Conv1d(3, 2, 1, { dtype: 'float64' }).eval();
        const bn = new nn.BatchNorm1d(2, { dtype: 'float64' }).eval();
        fl.noGrad(() => bn.weight!.copy_(fl.tensor([2, 3], { dtype: 'float64' })));
        const w = fl.noGrad(() => conv.weight.clone());
        near(vals(fl.nn.utils.fusion.fuseConvBnEval(conv, bn).weight), vals(w.mul(fl.tensor([[[2]], [[3]]], { dtype: 'float64' }).div(Math.sqrt(1 + 1e-5)))), 'fuse dim 0');
        expect(() => fl.nn.utils.fusion.fuseConvBnEval(conv, bn, { transpose: true })).toThrow(fl.ShapeError);   // 2 channels against dim 1 of size 3
      }),
    },
    call: (o) => fl.scope(() => fl.nn.utils.fusion.fuseConvBnEval(new nn.Conv1d(1, 1, 1).eval(), new nn.BatchNorm1d(1).eval(), o)),
  };
}

// ---- nn.utils.prune (lib/nn/prune.ts)
{
  const P = fl.nn.utils.prune;
  const lin = () => { const l = new nn.Linear(3, 2, { dtype: 'float64' }); fl.noGrad(() => { l.weight.copy_(fl.tensor([[3, 0, 4], [0, 1, 0]], { dtype: 'float64' })); l.bias!.zero_(); }); return l; };
  const mask = (m: fl.nn.Module, name = 'weight') => vals((m as unknown as Record<string, fl.Tensor>)[`${name}_mask`]);
  const W = () => fl.tensor([[3, 1, 4], [2, 5, 9]], { dtype: 'float64' });   // no ties: row 1-norms 8, 16; column 1-norms 5, 6, 13
  const S = () => fl.tensor([[1, 6, 2], [5, 3, 4]], { dtype: 'float64' });   // scores: another order than |W|'s
  TABLE['nn.utils.prune.identity'] = { sig: 'identity', honoured: {}, call: (o) => fl.scope(() => P.identity(lin(), 'weight', o)) };
  TABLE['nn.utils.prune.randomUnstructured'] = { sig: 'randomUnstructured', honoured: {}, call: (o) => fl.scope(() => P.randomUnstructured(lin(), 'weight', 1, o)) };
  TABLE['nn.utils.prune.randomStructured'] = { sig: 'randomStructured', honoured: {}, call: (o) => fl.scope(() => P.randomStructured(lin(), 'weight', 1, 0, o)) };
  TABLE['nn.utils.prune.customFromMask'] = { sig: 'customFromMask', honoured: {}, call: (o) => fl.scope(() => P.customFromMask(lin(), 'bias', fl.ones(2), o)) };
  TABLE['nn.utils.prune.remove'] = { sig: 'remove', honoured: {}, call: (o) => fl.scope(() => P.remove(P.identity(lin(), 'weight'), 'weight', o)) };
  TABLE['nn.utils.prune.l1Unstructured'] = {
    sig: 'l1Unstructured',
    // by |W| the two zeros go first; by S the two smallest scores (1 and 2) do
    honoured: { importanceScores: sc(() => expect(mask(P.l1Unstructured(lin(), 'weight', 2, { importanceScores: S() }))).toEqual([0, 1, 0, 1, 1, 1])) },
    call: (o) => fl.scope(() => P.l1Unstructured(lin(), 'weight', 2, o)),
  };
  TABLE['nn.utils.prune.lnStructured'] = {
    sig: 'lnStructured',
    // by |W| row 1 (1-norm 1) goes; by S row 0 (9 < 12) does
    honoured: { importanceScores: sc(() => expect(mask(P.lnStructured(lin(), 'weight', 1, 1, 0, { importanceScores: S() }))).toEqual([0, 0, 0, 1, 1, 1])) },
    call: (o) => fl.scope(() => P.lnStructured(lin(), 'weight', 1, 1, 0, o)),
  };
  TABLE['nn.utils.prune.RandomUnstructured'] = { sig: 'RandomUnstructured', honoured: {}, call: (o) => new P.RandomUnstructured(o as never) };
  TABLE['nn.utils.prune.L1Unstructured'] = { sig: 'L1Unstructured', honoured: {}, call: (o) => new P.L1Unstructured(o as never) };
  TABLE['nn.utils.prune.CustomFromMask'] = { sig: 'CustomFromMask', honoured: {}, call: (o) => fl.scope(() => new P.CustomFromMask(fl.ones(2), o as never)) };
  TABLE['nn.utils.prune.RandomStructured'] = {
    sig: 'RandomStructured',
    // one channel of W at random: along dim 0 a row (3 zeros), by default (-1) a column (2 zeros)
    honoured: { dim: sc(() => {
      expect(vals(new P.RandomStructured(1, { dim: 0 }).prune(W())).filter((v) => v === 0).length).toBe(3);
      expect(vals(new P.RandomStructured(1).prune(W())).filter((v) => v === 0).length).toBe(2);
    }) },
    call: (o) => new P.RandomStructured(1, o as never),
  };
  TABLE['nn.utils.prune.LnStructured'] = {
    sig: 'LnStructured',
    // the channel of least 1-norm: along dim 0 row 0, by default (-1) column 0
    honoured: { dim: sc(() => {
      expect(vals(new P.LnStructured(1, 1, { dim: 0 }).prune(W()))).toEqual([0, 0, 0, 2, 5, 9]);
      expect(vals(new P.LnStructured(1, 1).prune(W()))).toEqual([0, 1, 4, 0, 5, 9]);
    }) },
    call: (o) => new P.LnStructured(1, 1, o as never),
  };
  TABLE['nn.utils.prune.BasePruningMethod.prune'] = {
    sig: 'BasePruningMethod.prune',
    honoured: {
      // the method alone prunes within defaultMask's ones as well: torch's L1Unstructured(2).prune(W, default_mask) zeros
      // W's two smallest |w| (1 and 2) and keeps defaultMask's zero (without it: [3, 0, 4, 0, 5, 9])
      defaultMask: sc(() => expect(vals(new P.L1Unstructured(2).prune(W(), { defaultMask: fl.tensor([[0, 1, 1], [1, 1, 1]], { dtype: 'float64' }) }))).toEqual([0, 0, 4, 0, 5, 9])),
      importanceScores: sc(() => expect(vals(new P.L1Unstructured(2).prune(W(), { importanceScores: S() }))).toEqual([0, 1, 0, 2, 5, 9])),
    },
    call: (o) => fl.scope(() => new P.L1Unstructured(1).prune(W(), o)),
  };
}

// ---- max unpooling, fractional max pooling, the fixed-mode upsamplings, CrossMapLRN2d (lib/nn/unpool.ts, lib/nn/more.ts)
{
  const i32 = (v: number[], shape: number[]) => fl.tensor(v, { dtype: 'int32' }).reshape(shape);
  // unpooling [.., 2] per dim with kernel 2: the default size 4 per dim, 3 with stride 1, 2 with padding 1
  const unpoolIn: Record<number, () => [fl.Tensor, fl.Tensor]> = {
    1: () => [fl.ones([1, 1, 2], { dtype: 'float64' }), i32([0, 1], [1, 1, 2])],
    2: () => [fl.ones([1, 1, 2, 2], { dtype: 'float64' }), i32([0, 1, 2, 3], [1, 1, 2, 2])],
    3: () => [fl.ones([1, 1, 2, 2, 2], { dtype: 'float64' }), i32([0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 2, 2])],
  };
  const sp = (t: unknown, nd: number) => (t as fl.Tensor).shape.slice(-nd);
  const rep = (v: number, nd: number) => new Array<number>(nd).fill(v);
  for (const nd of [1, 2, 3] as const) {
    const fname = `maxUnpool${nd}d` as const, cname = `MaxUnpool${nd}d` as const;
    const f = (o: Record<string, unknown>) => { const [x, i] = unpoolIn[nd](); return (F[fname] as any)(x, i, 2, o) as fl.Tensor; };
    TABLE[`F.${fname}`] = {
      honoured: {
        stride: sc(() => expect(sp(f({ stride: 1 }), nd)).toEqual(rep(3, nd))),
        padding: sc(() => expect(sp(f({ padding: 1 }), nd)).toEqual(rep(2, nd))),
        outputSize: sc(() => expect(sp(f({ outputSize: rep(5, nd) }), nd)).toEqual(rep(5, nd))),
      },
      call: (o) => fl.scope(() => f(o)),
    };
    const m = (o: Record<string, unknown>) => { const [x, i] = unpoolIn[nd](); return new (nn[cname] as any)(2, o).forward(x, i) as fl.Tensor; };
    TABLE[`nn.${cname}`] = {
      honoured: {
        stride: sc(() => expect(sp(m({ stride: 1 }), nd)).toEqual(rep(3, nd))),
        padding: sc(() => expect(sp(m({ padding: 1 }), nd)).toEqual(rep(2, nd))),
      },
      call: (o) => new (nn[cname] as any)(2, o),
    };
    const fwd = (o: Record<string, unknown>) => { const [x, i] = unpoolIn[nd](); return new (nn[cname] as any)(2).forward(x, i, o) as fl.Tensor; };
    TABLE[`nn.${cname}.forward`] = {
      sig: `${cname}.forward`,
      honoured: { outputSize: sc(() => expect(sp(fwd({ outputSize: rep(5, nd) }), nd)).toEqual(rep(5, nd))) },
      call: (o) => fl.scope(() => fwd(o)),
    };
  }
  // fractional pooling of a sin ramp [1, 1, 9, 9(, 9)] with kernel 2: outputSize, outputRatio 0.5 (int(4.5) = 4), fixed samples
  const ramp = (nd: number) => fl.arange(9 ** nd, { dtype: 'float64' }).mul(0.71).sin().reshape([1, 1, ...rep(9, nd)]);
  const samples = (nd: number) => fl.tensor([[[0.15, 0.85, 0.4].slice(0, nd)]], { dtype: 'float64' });
  for (const nd of [2, 3] as const) {
    const fname = `fractionalMaxPool${nd}d` as const, cname = `FractionalMaxPool${nd}d` as const;
    const fracHonoured = (f: (o: Record<string, unknown>) => unknown): Record<string, () => void> => ({
      outputSize: sc(() => expect(sp(f({ outputSize: 3 }), nd)).toEqual(rep(3, nd))),
      outputRatio: sc(() => expect(sp(f({ outputRatio: 0.5 }), nd)).toEqual(rep(4, nd))),
      returnIndices: sc(() => { const r = f({ outputSize: 3, returnIndices: true }); expect(Array.isArray(r)).toBe(true); expect((r as fl.Tensor[])[1].dtype).toBe('int32'); }),
      // given samples: the same windows whatever the generator's state
      randomSamples: sc(() => {
        fl.manualSeed(1); const a = vals(f({ outputSize: 3, randomSamples: samples(nd) }) as fl.Tensor);
        fl.manualSeed(2); const b = vals(f({ outputSize: 3, randomSamples: samples(nd) }) as fl.Tensor);
        expect(a).toEqual(b);
      }),
    });
    const f = (o: Record<string, unknown>) => (F[fname] as any)(ramp(nd), 2, o);
    TABLE[`F.${fname}`] = { honoured: fracHonoured(f), call: (o) => fl.scope(() => f({ outputSize: 3, ...o })) };
    const m = (o: Record<string, unknown>) => new (nn[cname] as any)(2, o).forward(ramp(nd));
    TABLE[`nn.${cname}`] = { honoured: fracHonoured(m), call: (o) => new (nn[cname] as any)(2, { outputSize: 3, ...o }) };
  }
  for (const cname of ['UpsamplingNearest2d', 'UpsamplingBilinear2d'] as const) {
    TABLE[`nn.${cname}`] = {
      honoured: {
        size: sc(() => expect(hw(new nn[cname]({ size: 3 }).forward(x55()))).toEqual([3, 3])),
        scaleFactor: sc(() => expect(hw(new nn[cname](null, 2).forward(x55()))).toEqual([10, 10])),
      },
      call: (o) => new (nn[cname] as any)(o),
    };
  }
  // CrossMapLRN2d of [1, 1, 1, 1] = [2] with size 1: 2 / (k + alpha·4)^beta
  const x1111 = () => t64([[[[2]]]]);
  TABLE['nn.CrossMapLRN2d'] = {
    honoured: {
      alpha: sc(() => near(vals(new nn.CrossMapLRN2d(1, { alpha: 1, beta: 1, k: 0 }).forward(x1111())), [0.5], 'CrossMapLRN2d alpha')),
      beta: sc(() => near(vals(new nn.CrossMapLRN2d(1, { alpha: 0.75, beta: 2, k: 1 }).forward(x1111())), [2 / 16], 'CrossMapLRN2d beta')),
      k: sc(() => near(vals(new nn.CrossMapLRN2d(1, { alpha: 0, beta: 1, k: 4 }).forward(x1111())), [0.5], 'CrossMapLRN2d k')),
    },
    call: (o) => new nn.CrossMapLRN2d(1, o as any),
  };
}

// ---- AdaptiveLogSoftmaxWithLoss and the lazy modules (lib/nn/adaptive.ts, lib/nn/lazy.ts)
{
  TABLE['nn.AdaptiveLogSoftmaxWithLoss'] = {
    honoured: {
      ...factoryOf((o) => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], o)),
      // the cluster projection is in // divValue wide: 8 // 4 = 2 by default, 8 // 2 = 4
      divValue: sc(() => { expect(new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]).stateDict()['tail.0.0.weight'].shape).toEqual([2, 8]); expect(new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], { divValue: 2 }).stateDict()['tail.0.0.weight'].shape).toEqual([4, 8]); }),
      headBias: sc(() => { expect(new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]).head.bias).toBeNull(); expect(new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], { headBias: true }).head.bias!.shape).toEqual([5]); }),
    },
    call: (o) => fl.scope(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4], o as any)),
  };
  // each option of a lazy module: after its first forward it is the eager module made with the same option
  // (same repr, output, state dict, from the same RNG draws), and the option changes something
  type M = fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor };
  const summary = (m: M, x: fl.Tensor) => {
    const y = m.forward(x);
    return JSON.stringify([String(m), vals(y), y.dtype, Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape, vals(t)])]);
  };
  const lazyHonoured = (lazy: (o: Record<string, unknown>) => M, eager: (o: Record<string, unknown>) => M, x: () => fl.Tensor, opts: Record<string, unknown>): Record<string, () => void> => {
    const out: Record<string, () => void> = {};
    for (const [k, v] of Object.entries(opts)) {
      out[k] = sc(() => {
        fl.manualSeed(1); const a = summary(lazy({ [k]: v }), x());
        fl.manualSeed(1); const b = summary(eager({ [k]: v }), x());
        fl.manualSeed(1); const c = summary(eager({}), x());
        expect(a).toBe(b); expect(a).not.toBe(c);
      });
    }
    out.dtype = sc(() => { const m = lazy({ dtype: 'float32' }); m.forward(x().to('float32')); expect(m.parameters()[0].dtype).toBe('float32'); });
    out.device = sc(() => { const m = lazy({ device: DEVICE }); m.forward(x().to(DEVICE)); expect(m.parameters()[0].device.split(':')[0]).toBe(DEVICE.split(':')[0]); });
    return out;
  };
  const ramp = (shape: number[]) => fl.arange(shape.reduce((a, b) => a * b, 1), { dtype: 'float64' }).mul(0.7).sin().reshape(shape);
  TABLE['nn.LazyLinear'] = {
    honoured: lazyHonoured((o) => new nn.LazyLinear(3, { dtype: 'float64', ...o }), (o) => new nn.Linear(4, 3, { dtype: 'float64', ...o }), () => ramp([2, 4]), { bias: false }),
    call: (o) => fl.scope(() => new nn.LazyLinear(3, o as any)),
  };
  const convKinds = [['Conv1d', 1], ['Conv2d', 2], ['Conv3d', 3]] as const;
  for (const [name, nd] of convKinds) {
    const L = (nn as any)[`Lazy${name}`], E = (nn as any)[name];
    const x = () => ramp([1, 2, ...new Array<number>(nd).fill(5)]);
    TABLE[`nn.Lazy${name}`] = {
      honoured: lazyHonoured((o) => new L(2, 3, { dtype: 'float64', ...o }), (o) => new E(2, 2, 3, { dtype: 'float64', ...o }), x,
        { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }),
      call: (o) => fl.scope(() => new L(2, 3, o)),
    };
    TABLE[`nn.Lazy${name}`].honoured.paddingMode = sc(() => {
      fl.manualSeed(1); const a = summary(new L(2, 3, { dtype: 'float64', padding: 1, paddingMode: 'replicate' }), x());
      fl.manualSeed(1); const b = summary(new E(2, 2, 3, { dtype: 'float64', padding: 1, paddingMode: 'replicate' }), x());
      fl.manualSeed(1); const c = summary(new E(2, 2, 3, { dtype: 'float64', padding: 1 }), x());
      expect(a).toBe(b); expect(a).not.toBe(c);
    });
  }
  const convTKinds = [['ConvTranspose1d', 1], ['ConvTranspose2d', 2], ['ConvTranspose3d', 3]] as const;
  for (const [name, nd] of convTKinds) {
    const L = (nn as any)[`Lazy${name}`], E = (nn as any)[name];
    const x = () => ramp([1, 2, ...new Array<number>(nd).fill(3)]);
    TABLE[`nn.Lazy${name}`] = {
      honoured: {
        ...lazyHonoured((o) => new L(2, 3, { dtype: 'float64', ...o }), (o) => new E(2, 2, 3, { dtype: 'float64', ...o }), x,
          { stride: 2, padding: 1, groups: 2, bias: false, dilation: 2 }),
        outputPadding: sc(() => {
          fl.manualSeed(1); const a = summary(new L(2, 3, { dtype: 'float64', stride: 2, outputPadding: 1 }), x());
          fl.manualSeed(1); const b = summary(new E(2, 2, 3, { dtype: 'float64', stride: 2, outputPadding: 1 }), x());
          expect(a).toBe(b); expect(JSON.parse(a)[0]).toMatch(/output_padding=/);
        }),
        paddingMode: sc(() => expect(() => new L(2, 3, { paddingMode: 'circular' })).toThrow(new RegExp(`Lazy${name}: .*paddingMode`))),
      },
      call: (o) => fl.scope(() => new L(2, 3, o)),
    };
  }
  const normKinds = [['BatchNorm1d', [3, 2]], ['BatchNorm2d', [2, 2, 2, 2]], ['BatchNorm3d', [2, 2, 2, 2, 2]], ['InstanceNorm1d', [2, 2, 3]], ['InstanceNorm2d', [2, 2, 2, 3]], ['InstanceNorm3d', [1, 2, 2, 2, 3]]] as const;
  for (const [name, shape] of normKinds) {
    const L = (nn as any)[`Lazy${name}`], E = (nn as any)[name];
    // torch's lazy norms default to affine=True, track_running_stats=True (the eager instance norms to False)
    const x = () => ramp(shape as unknown as number[]);
    TABLE[`nn.Lazy${name}`] = {
      honoured: lazyHonoured((o) => new L({ dtype: 'float64', ...o }), (o) => new E(2, { dtype: 'float64', affine: true, trackRunningStats: true, ...o }), x,
        { eps: 0.5, momentum: 0.5, affine: false, trackRunningStats: false }),
      call: (o) => fl.scope(() => new L(o)),
    };
  }
}

// ---- SyncBatchNorm (lib/nn/syncbn.ts): no process group here, so each option is BatchNorm1d's with it
{
  const x = () => fl.arange(12, { dtype: 'float64' }).mul(0.9).sin().reshape([4, 3]);
  const same = (o: Record<string, unknown>) => sc(() => {
    const s = new nn.SyncBatchNorm(3, { dtype: 'float64', ...o }), b = new nn.BatchNorm1d(3, { dtype: 'float64', ...o } as any), d = new nn.BatchNorm1d(3, { dtype: 'float64' });
    const run = (m: fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor }) => JSON.stringify([vals(m.forward(x())), Object.entries(m.stateDict()).map(([k, t]) => [k, vals(t)])]);
    const a = run(s);
    expect(a).toBe(run(b)); expect(a).not.toBe(run(d));
  });
  TABLE['nn.SyncBatchNorm'] = {
    honoured: {
      ...factoryOf((o) => new nn.SyncBatchNorm(3, o)),
      eps: same({ eps: 0.5 }), momentum: same({ momentum: 0.5 }), affine: same({ affine: false }), trackRunningStats: same({ trackRunningStats: false }),
      processGroup: sc(() => { expect(new nn.SyncBatchNorm(3, { processGroup: null }).processGroup).toBeNull(); expect(() => new nn.SyncBatchNorm(3, { processGroup: 1 as never })).toThrow(/processGroup must be null/); }),
    },
    call: (o) => fl.scope(() => new nn.SyncBatchNorm(3, o as any)),
  };
  TABLE['nn.SyncBatchNorm.convertSyncBatchnorm'] = {
    sig: 'SyncBatchNorm.convertSyncBatchnorm',
    honoured: {
      processGroup: sc(() => {
        expect(nn.SyncBatchNorm.convertSyncBatchnorm(new nn.BatchNorm1d(2), null)).toBeInstanceOf(nn.SyncBatchNorm);
        expect(() => nn.SyncBatchNorm.convertSyncBatchnorm(new nn.BatchNorm1d(2), { processGroup: 1 } as never)).toThrow(/processGroup must be null/);
      }),
    },
    call: (o) => fl.scope(() => (nn.SyncBatchNorm.convertSyncBatchnorm as any)(new nn.BatchNorm1d(2), o)),
  };
}

// ---- torch's keyword arguments of sort/topk/kthvalue, the scans, softmax, gelu and clamp (values: torch 1.13)
{
  const A = (t: fl.Tensor): unknown => t.toArray();
  const x = (): fl.Tensor => fl.tensor([[3, 1, 2], [0, 5, 4]], { dtype: 'float64' });
  const refusesNonBool = (f: (o: Record<string, unknown>) => unknown, k: string) => sc(() => expect(() => f({ [k]: 'yes' })).toThrow(new RegExp(`${k} must be a boolean`)));
  TABLE['fl.sort'] = {
    honoured: {
      dim: sc(() => expect(A(x().sort({ dim: 0 }).values)).toEqual([[0, 1, 2], [3, 5, 4]])),
      descending: sc(() => expect(A(fl.sort(x(), { descending: true }).indices)).toEqual([[0, 2, 1], [1, 2, 0]])),
      // flintml's sort is always stable; the option is read (and checked), as torch's
      stable: refusesNonBool((o) => fl.sort(x(), o as any), 'stable'),
    },
    call: (o) => fl.scope(() => fl.sort(x(), o as any)),
  };
  TABLE['fl.argsort'] = {
    honoured: {
      dim: sc(() => expect(A(x().argsort({ dim: 0 }))).toEqual([[1, 0, 0], [0, 1, 1]])),
      descending: sc(() => expect(A(fl.argsort(x(), { descending: true }))).toEqual([[0, 2, 1], [1, 2, 0]])),
    },
    call: (o) => fl.scope(() => fl.argsort(x(), o as any)),
  };
  TABLE['fl.topk'] = {
    honoured: {
      k: sc(() => expect(x().topk({ k: 2 }).values.shape).toEqual([2, 2])),
      dim: sc(() => expect(A(fl.topk(x(), 1, { dim: 0 }).values)).toEqual([[3, 5, 4]])),
      largest: sc(() => expect(A(fl.topk(x(), 2, { largest: false }).values)).toEqual([[1, 2], [0, 4]])),
      sorted: refusesNonBool((o) => fl.topk(x(), 2, o as any), 'sorted'),
    },
    call: (o) => fl.scope(() => fl.topk(x(), 1, o as any)),
  };
  TABLE['fl.kthvalue'] = {
    honoured: {
      k: sc(() => expect(A((fl.kthvalue as any)(x(), { k: 2 }).values)).toEqual([2, 4])),
      dim: sc(() => expect(A(fl.kthvalue(x(), 1, { dim: 0 }).values)).toEqual([0, 1, 2])),
      keepdim: sc(() => expect(A(x().kthvalue(2, { keepdim: true }).values)).toEqual([[2], [4]])),
    },
    call: (o) => fl.scope(() => fl.kthvalue(x(), 1, o as any)),
  };
  const softmax0 = [[0.9525741268224334, 0.017986209962091555, 0.11920292202211755], [0.04742587317756679, 0.9820137900379085, 0.8807970779778823]];
  const logSoftmax0 = [[-0.048587351573741965, -4.0181499279178094, -2.1269280110429727], [-3.048587351573742, -0.01814992791780978, -0.1269280110429726]];
  const alongDim: [string, (t: fl.Tensor, o: Record<string, unknown>) => fl.Tensor, number[][]][] = [
    ['cumsum', (t, o) => t.cumsum(o as any), [[3, 4, 6], [0, 5, 9]]],
    ['cumprod', (t, o) => fl.cumprod(t, o as any), [[3, 3, 6], [0, 0, 0]]],
    ['softmax', (t, o) => F.softmax(t, { dim: 0, ...o } as any), softmax0],
    ['logSoftmax', (t, o) => t.logSoftmax({ dim: 0, ...o } as any), logSoftmax0],
  ];
  for (const [name, f, want] of alongDim) {
    const dimOf = name === 'cumsum' || name === 'cumprod' ? 1 : 0;
    TABLE[`fl.${name}`] = {
      honoured: {
        dim: sc(() => near((A(f(x(), { dim: dimOf })) as number[][]).flat(), want.flat(), `${name} dim`, 1e-12)),
        dtype: sc(() => expect(f(x().to('float32'), { dim: dimOf, dtype: 'float64' }).dtype).toBe('float64')),
      },
      call: (o) => fl.scope(() => f(x(), { dim: 0, ...o })),
    };
  }
  const extremum: [string, (o: Record<string, unknown>) => fl.ValuesIndices, number[][]][] = [
    ['cummax', (o) => x().cummax(o as any), [[0, 0, 0], [0, 1, 1]]],
    ['cummin', (o) => fl.cummin(x(), o as any), [[0, 1, 1], [0, 0, 0]]],
  ];
  for (const [name, f, want] of extremum) {
    TABLE[`fl.${name}`] = { honoured: { dim: sc(() => expect(A(f({ dim: 1 }).indices)).toEqual(want)) }, call: (o) => fl.scope(() => f({ dim: 1, ...o })) };
  }
  TABLE['fl.logcumsumexp'] = {
    honoured: { dim: sc(() => near((A(x().logcumsumexp({ dim: 0 })) as number[][]).flat(), [3, 1, 2, 3.048587351573742, 5.0181499279178094, 4.126928011042972], 'logcumsumexp dim', 1e-12)) },
    call: (o) => fl.scope(() => fl.logcumsumexp(x(), { dim: 0, ...o } as any)),
  };
  const g = (): fl.Tensor => fl.tensor([1, -0.5], { dtype: 'float64' });
  TABLE['F.gelu'] = {
    honoured: {
      approximate: sc(() => {
        near(A(F.gelu(g(), { approximate: 'tanh' })) as number[], [0.8411919906082768, -0.15428599017485606], 'gelu tanh', 1e-12);
        near(A(g().gelu({ approximate: 'none' })) as number[], [0.841344746068543, -0.15426876936299344], 'gelu none', 1e-12);
      }),
    },
    call: (o) => fl.scope(() => F.gelu(g(), o as any)),
  };
  TABLE['fl.clamp'] = {
    honoured: {
      min: sc(() => expect(A(x().clamp({ min: 2 }))).toEqual([[3, 2, 2], [2, 5, 4]])),
      max: sc(() => expect(A(fl.clamp(x(), { max: fl.tensor(2, { dtype: 'float64' }) }))).toEqual([[2, 1, 2], [0, 2, 2]])),
    },
    call: (o) => fl.scope(() => fl.clamp(x(), { min: 0, ...o })),
  };
  TABLE['fl.clip'] = {
    honoured: {
      min: sc(() => expect(A(fl.clip(x(), { min: 2 }))).toEqual([[3, 2, 2], [2, 5, 4]])),
      max: sc(() => expect(A(x().clip({ max: 2 }))).toEqual([[2, 1, 2], [0, 2, 2]])),
    },
    call: (o) => fl.scope(() => fl.clip(x(), { min: 0, ...o })),
  };
  // torch.cat([x, x], dim=1) is [[3, 1, 2, 3, 1, 2], [0, 5, 4, 0, 5, 4]]; torch.stack([x, x], dim=1)[0] is [[3, 1, 2], [3, 1, 2]]
  TABLE['fl.cat'] = {
    honoured: { dim: sc(() => expect(A(fl.cat([x(), x()], { dim: 1 }))).toEqual([[3, 1, 2, 3, 1, 2], [0, 5, 4, 0, 5, 4]])) },
    call: (o) => fl.scope(() => fl.cat([x()], o as any)),
  };
  TABLE['fl.stack'] = {
    honoured: { dim: sc(() => expect(A(fl.stack([x(), x()], { dim: 1 }).select(0, 0))).toEqual([[3, 1, 2], [3, 1, 2]])) },
    call: (o) => fl.scope(() => fl.stack([x()], o as any)),
  };
  // shapes as torch 1.13's: flatten(ones(2, 3, 4), start_dim=1) [2, 12], end_dim=1 [6, 4]; split(x, 1, dim=1), chunk(x, 3, dim=1): three [2, 1]
  const o3 = (): fl.Tensor => fl.ones(2, 3, 4);
  TABLE['fl.flatten'] = {
    honoured: {
      startDim: sc(() => expect(o3().flatten({ startDim: 1 }).shape).toEqual([2, 12])),
      endDim: sc(() => expect(fl.flatten(o3(), { endDim: 1 }).shape).toEqual([6, 4])),
    },
    call: (o) => fl.scope(() => fl.flatten(o3(), o as any)),
  };
  TABLE['fl.split'] = {
    honoured: {
      splitSizeOrSections: sc(() => expect((fl.split as any)(x(), { splitSizeOrSections: 1 }).map((t: fl.Tensor) => A(t))).toEqual([[[3, 1, 2]], [[0, 5, 4]]])),
      dim: sc(() => expect(x().split(1, { dim: 1 }).map((t) => A(t))).toEqual([[[3], [0]], [[1], [5]], [[2], [4]]])),
    },
    call: (o) => fl.scope(() => fl.split(x(), 1, o as any)),
  };
  TABLE['fl.chunk'] = {
    honoured: {
      chunks: sc(() => expect((fl.chunk as any)(x(), { chunks: 2 }).length).toBe(2)),
      dim: sc(() => expect(fl.chunk(x(), 3, { dim: 1 }).map((t) => A(t))).toEqual([[[3], [0]], [[1], [5]], [[2], [4]]])),
    },
    call: (o) => fl.scope(() => fl.chunk(x(), 1, o as any)),
  };
  for (const name of ['clamp_', 'clip_'] as const) {
    TABLE[`fl.Tensor.${name}`] = {
      sig: name,
      honoured: {
        min: sc(() => expect(A(x()[name]({ min: 2 }))).toEqual([[3, 2, 2], [2, 5, 4]])),
        max: sc(() => expect(A(x()[name](undefined, { max: 2 }))).toEqual([[2, 1, 2], [0, 2, 2]])),
      },
      call: (o) => fl.scope(() => x()[name]({ min: 0, ...o })),
    };
  }
}

// ---- lib/ops/misc3.ts: splitWithSizes's dim (torch 1.13: x.split_with_sizes([1, 2], dim=1)), put's accumulate
{
  const x = (): fl.Tensor => fl.arange(6, { dtype: 'float64' }).reshape(2, 3);
  TABLE['fl.splitWithSizes'] = {
    honoured: { dim: sc(() => expect(fl.splitWithSizes(x(), [1, 2], { dim: 1 }).map((t) => t.shape)).toEqual([[2, 1], [2, 2]])) },
    call: (o) => fl.scope(() => (fl.splitWithSizes as any)(x(), [1, 1], o)),
  };
  // torch 1.13: torch.put(zeros(3), tensor([1, 1]), tensor([2., 3.]), accumulate=True) -> [0, 5, 0]
  const i32 = (v: number[]): fl.Tensor => fl.tensor(v, { dtype: 'int32' });
  TABLE['fl.put'] = {
    honoured: { accumulate: sc(() => expect(fl.put(fl.zeros(3), i32([1, 1]), fl.tensor([2, 3], { dtype: 'float32' }), { accumulate: true }).toArray()).toEqual([0, 5, 0])) },
    call: (o) => fl.scope(() => (fl.put as any)(fl.zeros(3), i32([1]), fl.ones(1), o)),
  };
  TABLE['fl.Tensor.put_'] = {
    sig: 'put_',
    honoured: { accumulate: sc(() => { const z = fl.zeros(3); z.put_(i32([1, 1]), fl.tensor([2, 3], { dtype: 'float32' }), { accumulate: true }); expect(z.toArray()).toEqual([0, 5, 0]); }) },
    call: (o) => fl.scope(() => (fl.zeros(3) as any).put_(i32([1]), fl.ones(1), o)),
  };
}

// ---- torch's keyword arguments, second batch: views and shapes, gather/scatter/indexSelect/takeAlongDim, tril/triu,
// flip/roll/rot90, the diagonals, median/nanmedian/mode, renorm/dist/pdist, div's roundingMode, maskedFill/indexFill,
// leakyRelu's negativeSlope, lerp/logit/countNonzero (values: torch 1.13's, from the same calls with keywords)
{
  const A = (t: fl.Tensor): unknown => t.toArray();
  const x = (): fl.Tensor => fl.tensor([[3, 1, 2], [0, 5, 4]], { dtype: 'float64' });
  const a3 = (): fl.Tensor => fl.arange(24, { dtype: 'float64' }).reshape(2, 3, 4);
  const i32 = (v: number[] | number[][]): fl.Tensor => fl.tensor(v, { dtype: 'int32' });
  const z = (...s: number[]): fl.Tensor => fl.zeros(s, { dtype: 'float64' });
  const shapes = (ts: fl.Tensor[]): number[][] => ts.map((t) => t.shape.slice());
  TABLE['fl.squeeze'] = {
    honoured: { dim: sc(() => expect(fl.ones(1, 2, 1).squeeze({ dim: 0 }).shape).toEqual([2, 1])) },
    call: (o) => fl.scope(() => fl.squeeze(x(), o as any)),
  };
  TABLE['fl.unsqueeze'] = {
    honoured: { dim: sc(() => expect(x().unsqueeze({ dim: 1 }).shape).toEqual([2, 1, 3])) },
    call: (o) => fl.scope(() => (fl.unsqueeze as any)(x(), 0, o)),
  };
  TABLE['fl.transpose'] = {
    honoured: {
      dim0: sc(() => expect(fl.transpose(a3(), { dim0: 0, dim1: 2 }).shape).toEqual([4, 3, 2])),
      dim1: sc(() => expect(A(x().transpose(0, { dim1: 1 }))).toEqual([[3, 0], [1, 5], [2, 4]])),
    },
    call: (o) => fl.scope(() => (fl.transpose as any)(x(), 0, 1, o)),
  };
  TABLE['fl.narrow'] = {
    honoured: {
      dim: sc(() => expect(A(fl.narrow(x(), { dim: 1, start: 1, length: 2 }))).toEqual([[1, 2], [5, 4]])),
      start: sc(() => expect(A(x().narrow(0, { start: 1, length: 1 }))).toEqual([[0, 5, 4]])),
      length: sc(() => expect(A(x().narrow(1, 0, { length: 1 }))).toEqual([[3], [0]])),
    },
    call: (o) => fl.scope(() => (fl.narrow as any)(x(), 0, 0, 1, o)),
  };
  TABLE['fl.select'] = {
    honoured: {
      dim: sc(() => expect(A(x().select({ dim: 1, index: 2 }))).toEqual([2, 4])),
      index: sc(() => expect(A(fl.select(x(), 0, { index: 1 }))).toEqual([0, 5, 4])),
    },
    call: (o) => fl.scope(() => (fl.select as any)(x(), 0, 0, o)),
  };
  TABLE['fl.diagonal'] = {
    honoured: {
      offset: sc(() => expect(A(x().diagonal({ offset: 1 }))).toEqual([1, 4])),
      dim1: sc(() => expect(A(fl.diagonal(a3(), { dim1: 2, dim2: 0 }))).toEqual([[0, 13], [4, 17], [8, 21]])),
      dim2: sc(() => expect(A(a3().diagonal({ dim2: 2 }))).toEqual([[0, 13], [4, 17], [8, 21]])),
    },
    call: (o) => fl.scope(() => fl.diagonal(x(), o as any)),
  };
  TABLE['fl.unbind'] = {
    honoured: { dim: sc(() => expect(shapes(x().unbind({ dim: 1 }))).toEqual([[2], [2], [2]])) },
    call: (o) => fl.scope(() => fl.unbind(x(), o as any)),
  };
  TABLE['fl.roll'] = {
    honoured: {
      shifts: sc(() => expect(A(fl.roll(x(), { shifts: 1 }))).toEqual([[4, 3, 1], [2, 0, 5]])),
      dims: sc(() => expect(A(x().roll(1, { dims: 1 }))).toEqual([[2, 3, 1], [4, 0, 5]])),
    },
    call: (o) => fl.scope(() => fl.roll(x(), 1, o as any)),
  };
  TABLE['fl.gather'] = {
    honoured: {
      dim: sc(() => expect(A(fl.gather(x(), { dim: 1, index: i32([[0, 0], [1, 0]]) }))).toEqual([[3, 3], [5, 0]])),
      index: sc(() => expect(A(x().gather(0, { index: i32([[1, 0, 1]]) }))).toEqual([[0, 1, 4]])),
    },
    call: (o) => fl.scope(() => (fl.gather as any)(x(), 0, i32([[0]]), o)),
  };
  TABLE['fl.scatter'] = {
    honoured: {
      dim: sc(() => expect(A(fl.scatter(z(2, 3), { dim: 1, index: i32([[2], [0]]), value: 5 }))).toEqual([[0, 0, 5], [5, 0, 0]])),
      index: sc(() => expect(A(z(2, 3).scatter(0, { index: i32([[1]]), src: 7 }))).toEqual([[0, 0, 0], [7, 0, 0]])),
      src: sc(() => expect(A(fl.scatter(z(2, 3), 1, i32([[2], [0]]), { src: fl.tensor([[7], [8]], { dtype: 'float64' }) }))).toEqual([[0, 0, 7], [8, 0, 0]])),
      value: sc(() => {
        expect(A(z(2, 3).scatter(1, i32([[2], [0]]), { value: 5 }))).toEqual([[0, 0, 5], [5, 0, 0]]);
        expect(() => fl.scatter(z(2, 3), 1, i32([[2], [0]]), { src: 1, value: 5 } as any)).toThrow(new fl.ValueError('scatter: pass src or value, not both'));
      }),
    },
    call: (o) => fl.scope(() => (fl.scatter as any)(z(2, 3), 0, i32([[0]]), 1, o)),
  };
  TABLE['fl.scatterAdd'] = {
    honoured: {
      dim: sc(() => expect(A(fl.scatterAdd(z(3), { dim: 0, index: i32([0, 2, 0]), src: fl.ones(3, { dtype: 'float64' }) }))).toEqual([2, 0, 1])),
      index: sc(() => expect(A(z(3).scatterAdd(0, { index: i32([1, 1]), src: fl.ones(2, { dtype: 'float64' }) }))).toEqual([0, 2, 0])),
      src: sc(() => expect(A(fl.scatterAdd(z(3), 0, i32([2]), { src: fl.tensor([4], { dtype: 'float64' }) }))).toEqual([0, 0, 4])),
    },
    call: (o) => fl.scope(() => (fl.scatterAdd as any)(z(3), 0, i32([0]), fl.ones(1, { dtype: 'float64' }), o)),
  };
  TABLE['fl.indexSelect'] = {
    honoured: {
      dim: sc(() => expect(A(x().indexSelect({ dim: 1, index: i32([2, 0]) }))).toEqual([[2, 3], [4, 0]])),
      index: sc(() => expect(A(fl.indexSelect(x(), 0, { index: i32([1]) }))).toEqual([[0, 5, 4]])),
    },
    call: (o) => fl.scope(() => (fl.indexSelect as any)(x(), 0, i32([0]), o)),
  };
  TABLE['fl.takeAlongDim'] = {
    honoured: {
      indices: sc(() => expect(A(fl.takeAlongDim(x(), { indices: i32([5, 0]) }))).toEqual([4, 3])),
      dim: sc(() => expect(A(x().takeAlongDim(i32([[0], [1]]), { dim: 1 }))).toEqual([[3], [5]])),
    },
    call: (o) => fl.scope(() => fl.takeAlongDim(x(), i32([0]), o as any)),
  };
  TABLE['fl.triu'] = {
    honoured: { diagonal: sc(() => expect(A(x().triu({ diagonal: 1 }))).toEqual([[0, 1, 2], [0, 0, 4]])) },
    call: (o) => fl.scope(() => fl.triu(x(), o as any)),
  };
  TABLE['fl.tril'] = {
    honoured: { diagonal: sc(() => expect(A(fl.tril(x(), { diagonal: 1 }))).toEqual([[3, 1, 0], [0, 5, 4]])) },
    call: (o) => fl.scope(() => fl.tril(x(), o as any)),
  };
  TABLE['fl.flip'] = {
    honoured: { dims: sc(() => { expect(A(fl.flip(x(), { dims: [1] }))).toEqual([[2, 1, 3], [4, 5, 0]]); expect(A(x().flip({ dims: 0 }))).toEqual([[0, 5, 4], [3, 1, 2]]); }) },
    call: (o) => fl.scope(() => (fl.flip as any)(x(), 0, o)),
  };
  TABLE['fl.diagEmbed'] = {
    honoured: {
      offset: sc(() => expect(A(fl.diagEmbed(fl.tensor([1, 2], { dtype: 'float64' }), { offset: 1 }))).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]])),
      dim1: sc(() => expect(fl.diagEmbed(fl.ones(2, 3), { dim1: 0 }).shape).toEqual([3, 2, 3])),
      dim2: sc(() => expect(fl.ones(2, 3).diagEmbed({ dim2: 0 }).shape).toEqual([3, 3, 2])),
    },
    call: (o) => fl.scope(() => fl.diagEmbed(fl.ones(2), o as any)),
  };
  TABLE['fl.diag'] = {
    honoured: { diagonal: sc(() => { expect(A(fl.diag(fl.tensor([1, 2], { dtype: 'float64' }), { diagonal: 1 }))).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]); expect(A(x().diag({ diagonal: 1 }))).toEqual([1, 4]); }) },
    call: (o) => fl.scope(() => fl.diag(x(), o as any)),
  };
  TABLE['fl.diagflat'] = {
    honoured: { offset: sc(() => expect(A(fl.diagflat(fl.tensor([1, 2], { dtype: 'float64' }), { offset: -1 }))).toEqual([[0, 0, 0], [1, 0, 0], [0, 2, 0]])) },
    call: (o) => fl.scope(() => fl.diagflat(x(), o as any)),
  };
  for (const name of ['movedim', 'moveaxis'] as const) {
    TABLE[`fl.${name}`] = {
      honoured: {
        source: sc(() => expect((fl[name] as any)(a3(), { source: 0, destination: 2 }).shape).toEqual([3, 4, 2])),
        destination: sc(() => expect((a3() as any)[name](2, { destination: 0 }).shape).toEqual([4, 2, 3])),
      },
      call: (o) => fl.scope(() => (fl[name] as any)(x(), 0, 1, o)),
    };
  }
  TABLE['fl.swapaxes'] = {
    honoured: {
      axis0: sc(() => expect(fl.swapaxes(a3(), { axis0: 0, axis1: 2 }).shape).toEqual([4, 3, 2])),
      axis1: sc(() => expect(a3().swapaxes(1, { axis1: 2 }).shape).toEqual([2, 4, 3])),
    },
    call: (o) => fl.scope(() => (fl.swapaxes as any)(x(), 0, 1, o)),
  };
  TABLE['fl.swapdims'] = {
    honoured: {
      dim0: sc(() => expect(fl.swapdims(a3(), { dim0: 0, dim1: 2 }).shape).toEqual([4, 3, 2])),
      dim1: sc(() => expect(a3().swapdims(1, { dim1: 2 }).shape).toEqual([2, 4, 3])),
    },
    call: (o) => fl.scope(() => (fl.swapdims as any)(x(), 0, 1, o)),
  };
  TABLE['fl.unflatten'] = {
    honoured: {
      dim: sc(() => expect(fl.unflatten(a3(), { dim: 2, sizes: [2, 2] }).shape).toEqual([2, 3, 2, 2])),
      sizes: sc(() => expect(fl.ones(6).unflatten(0, { sizes: [2, 3] }).shape).toEqual([2, 3])),
    },
    call: (o) => fl.scope(() => (fl.unflatten as any)(x(), 1, [3, 1], o)),
  };
  TABLE['fl.take'] = {
    honoured: { index: sc(() => expect(A(fl.take(x(), { index: i32([5, 0]) }))).toEqual([4, 3])) },
    call: (o) => fl.scope(() => (fl.take as any)(x(), i32([0]), o)),
  };
  TABLE['fl.indexCopy'] = {
    honoured: {
      dim: sc(() => expect(A(fl.indexCopy(z(3), { dim: 0, index: i32([2, 0]), source: fl.tensor([1, 2], { dtype: 'float64' }) }))).toEqual([2, 0, 1])),
      index: sc(() => expect(A(z(3).indexCopy(0, { index: i32([1]), source: fl.tensor([5], { dtype: 'float64' }) }))).toEqual([0, 5, 0])),
      source: sc(() => expect(A(fl.indexCopy(z(3), 0, i32([0]), { source: fl.tensor([6], { dtype: 'float64' }) }))).toEqual([6, 0, 0])),
    },
    call: (o) => fl.scope(() => (fl.indexCopy as any)(z(3), 0, i32([0]), fl.ones(1, { dtype: 'float64' }), o)),
  };
  TABLE['fl.indexFill'] = {
    honoured: {
      dim: sc(() => expect(A(fl.indexFill(x(), { dim: 1, index: i32([0]), value: -1 }))).toEqual([[-1, 1, 2], [-1, 5, 4]])),
      index: sc(() => expect(A(x().indexFill(0, { index: i32([1]), value: 9 }))).toEqual([[3, 1, 2], [9, 9, 9]])),
      value: sc(() => expect(A(x().indexFill(1, i32([0]), { value: -1 }))).toEqual([[-1, 1, 2], [-1, 5, 4]])),
    },
    call: (o) => fl.scope(() => (fl.indexFill as any)(x(), 0, i32([0]), 1, o)),
  };
  TABLE['fl.rot90'] = {
    honoured: {
      k: sc(() => expect(A(fl.rot90(x(), { k: 2 }))).toEqual([[4, 5, 0], [2, 1, 3]])),
      dims: sc(() => expect(A(x().rot90({ dims: [1, 0] }))).toEqual([[0, 3], [5, 1], [4, 2]])),
    },
    call: (o) => fl.scope(() => fl.rot90(x(), o as any)),
  };
  // torch 1.13 documents indices_or_sections (its parser takes the overloads' names sections= / indices=)
  TABLE['fl.tensorSplit'] = {
    honoured: {
      indicesOrSections: sc(() => expect(shapes(fl.tensorSplit(x(), { indicesOrSections: 2 }))).toEqual([[1, 3], [1, 3]])),
      dim: sc(() => expect(shapes(x().tensorSplit(3, { dim: 1 }))).toEqual([[2, 1], [2, 1], [2, 1]])),
    },
    call: (o) => fl.scope(() => fl.tensorSplit(x(), 1, o as any)),
  };
  for (const name of ['median', 'nanmedian'] as const) {
    TABLE[`fl.${name}`] = {
      honoured: {
        dim: sc(() => { const r = (x() as any)[name]({ dim: 1 }); expect([A(r.values), A(r.indices)]).toEqual([[2, 4], [2, 2]]); }),
        keepdim: sc(() => { const r = (fl[name] as any)(x(), 0, { keepdim: true }); expect([A(r.values), A(r.indices)]).toEqual([[[0, 1, 2]], [[1, 0, 0]]]); }),
      },
      call: (o) => fl.scope(() => (fl[name] as any)(x(), 0, o)),
    };
  }
  const m = (): fl.Tensor => fl.tensor([[1, 1, 2], [2, 2, 2]]);
  TABLE['fl.mode'] = {
    honoured: {
      dim: sc(() => { const r = fl.mode(m(), { dim: 0 }); expect([A(r.values), A(r.indices)]).toEqual([[1, 1, 2], [0, 0, 1]]); }),
      keepdim: sc(() => expect(A(m().mode(1, { keepdim: true }).values)).toEqual([[1], [2]])),
    },
    call: (o) => fl.scope(() => fl.mode(m(), o as any)),
  };
  TABLE['fl.renorm'] = {
    honoured: {
      p: sc(() => near((A(fl.renorm(x(), { p: 1, dim: 0, maxnorm: 5 })) as number[][]).flat(), [2.499999958333334, 0.8333333194444447, 1.6666666388888893, 0, 2.7777777469135807, 2.2222221975308645], 'renorm p', 1e-12)),
      dim: sc(() => near((A(x().renorm(1, { dim: 1, maxnorm: 5 })) as number[][]).flat(), [3, 0.8333333194444447, 1.6666666388888893, 0, 4.166666597222223, 3.3333332777777787], 'renorm dim', 1e-12)),
      maxnorm: sc(() => near((A(fl.renorm(x(), 2, 0, { maxnorm: 5 })) as number[][]).flat(), [3, 1, 2, 0, 3.904343986239543, 3.1234751889916343], 'renorm maxnorm', 1e-12)),
    },
    call: (o) => fl.scope(() => (fl.renorm as any)(x(), 1, 0, 5, o)),
  };
  const ones23 = (): fl.Tensor => fl.ones(2, 3, { dtype: 'float64' });
  TABLE['fl.dist'] = {
    honoured: {
      other: sc(() => near([fl.dist(x(), { other: ones23() }).item()], [5.5677643628300215], 'dist other', 1e-12)),
      p: sc(() => expect(x().dist(ones23(), { p: 1 }).item()).toBe(11)),
    },
    call: (o) => fl.scope(() => fl.dist(x(), ones23(), o as any)),
  };
  TABLE['fl.pdist'] = {
    honoured: { p: sc(() => expect(A(fl.pdist(x(), { p: 1 }))).toEqual([9])) },
    call: (o) => fl.scope(() => fl.pdist(x(), o as any)),
  };
  const d = (): fl.Tensor => fl.tensor([-7, 7], { dtype: 'float64' });
  TABLE['fl.div'] = {
    honoured: {
      other: sc(() => expect(A(d().div({ other: 2 }))).toEqual([-3.5, 3.5])),
      roundingMode: sc(() => { expect(A(fl.div(d(), 2, { roundingMode: 'floor' }))).toEqual([-4, 3]); expect(A(d().div(2, { roundingMode: 'trunc' }))).toEqual([-3, 3]); expect(A(fl.div(d(), 2, { roundingMode: null }))).toEqual([-3.5, 3.5]); }),
    },
    call: (o) => fl.scope(() => fl.div(d(), 2, o as any)),
  };
  // torch.divide(x, other=2, rounding_mode='floor') is [-4, 3]; torch.subtract(x, other=ones, alpha=2) is [-9, 5]
  TABLE['fl.divide'] = {
    honoured: {
      other: sc(() => expect(A(fl.divide(d(), { other: 2 }))).toEqual([-3.5, 3.5])),
      roundingMode: sc(() => { expect(A(d().divide(2, { roundingMode: 'floor' }))).toEqual([-4, 3]); expect(A(fl.divide(d(), { other: 2, roundingMode: 'trunc' }))).toEqual([-3, 3]); }),
    },
    call: (o) => fl.scope(() => fl.divide(d(), 2, o as any)),
  };
  TABLE['fl.subtract'] = {
    honoured: {
      other: sc(() => expect(A(d().subtract({ other: 1 }))).toEqual([-8, 6])),
      alpha: sc(() => expect(A(fl.subtract(d(), fl.ones(2, { dtype: 'float64' }), { alpha: 2 }))).toEqual([-9, 5])),
    },
    call: (o) => fl.scope(() => fl.subtract(d(), 1, o as any)),
  };
  TABLE['fl.maskedFill'] = {
    honoured: {
      mask: sc(() => expect(A(fl.maskedFill(x(), { mask: x().gt(2), value: -1 }))).toEqual([[-1, 1, 2], [0, -1, -1]])),
      value: sc(() => expect(A(x().maskedFill(x().gt(2), { value: -1 }))).toEqual([[-1, 1, 2], [0, -1, -1]])),
    },
    call: (o) => fl.scope(() => (fl.maskedFill as any)(x(), x().gt(2), 0, o)),
  };
  TABLE['fl.leakyRelu'] = {
    honoured: { negativeSlope: sc(() => { near(A(F.leakyRelu(fl.tensor([-1, 2], { dtype: 'float64' }), { negativeSlope: 0.2 })) as number[], [-0.2, 2], 'leakyRelu', 1e-15); expect(A(fl.tensor([-1, 2]).float().leakyRelu({ negativeSlope: 0.5 }))).toEqual([-0.5, 2]); }) },
    call: (o) => fl.scope(() => fl.leakyRelu(x(), o as any)),
  };
  TABLE['fl.lerp'] = {
    honoured: {
      end: sc(() => expect(A(fl.lerp(fl.tensor([0, 1], { dtype: 'float64' }), { end: fl.tensor([10, 11], { dtype: 'float64' }), weight: 0.25 }))).toEqual([2.5, 3.5])),
      weight: sc(() => expect(A(fl.tensor([0, 1], { dtype: 'float64' }).lerp(fl.tensor([10, 11], { dtype: 'float64' }), { weight: 0.5 }))).toEqual([5, 6])),
    },
    call: (o) => fl.scope(() => (fl.lerp as any)(x(), x(), 0.5, o)),
  };
  TABLE['fl.logit'] = {
    honoured: { eps: sc(() => near(A(fl.logit(fl.tensor([0, 0.5], { dtype: 'float64' }), { eps: 0.25 })) as number[], [-1.0986122886681098, 0], 'logit eps', 1e-12)) },
    call: (o) => fl.scope(() => fl.logit(x(), o as any)),
  };
  // torch.round(x, decimals=2) / (decimals=-2) of these float64 values, and torch's refusal of an integer input with decimals
  const rx = (grad = false): fl.Tensor => fl.tensor([1.2345, -2.5, 0.125, 1234.5, 2.675], { dtype: 'float64', requiresGrad: grad });
  TABLE['fl.round'] = {
    honoured: {
      decimals: sc(() => {
        expect(A(fl.round(rx(), { decimals: 2 }))).toEqual([1.23, -2.5, 0.12, 1234.5, 2.68]);
        expect(A(rx().round({ decimals: -2 }))).toEqual([0, -0, 0, 1200, 0]);
        expect(A(rx().round({ decimals: 0 }))).toEqual([1, -2, 0, 1234, 3]);
        expect(() => fl.round(fl.tensor([123, 250]), { decimals: 1 })).toThrow(fl.DTypeError);
        const t = rx(true);
        fl.round(t, { decimals: 1 }).sum().backward();
        expect(A(t.grad!)).toEqual([0, 0, 0, 0, 0]);
      }),
    },
    call: (o) => fl.scope(() => fl.round(rx(), o as any)),
  };
  TABLE['fl.countNonzero'] = {
    honoured: { dim: sc(() => expect(A(x().countNonzero({ dim: 1 }))).toEqual([3, 2])) },
    call: (o) => fl.scope(() => fl.countNonzero(x(), o as any)),
  };
}

// ---- lib/ops/misc2.ts and lib/nn/init-gumbel.ts: asTensor, randintLike, the Tensor.new* factories, F.gumbelSoftmax
{
  const A = (t: fl.Tensor): unknown => t.toArray();
  const x64 = (): fl.Tensor => fl.tensor([1, 2], { dtype: 'float64' });
  TABLE['fl.asTensor'] = {
    honoured: {
      dtype: sc(() => expect(fl.asTensor(x64(), { dtype: 'float32' }).dtype).toBe('float32')),
      device: sc(() => expect(fl.asTensor([1, 2], { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
    },
    call: (o) => fl.scope(() => fl.asTensor([1], o as any)),
  };
  TABLE['fl.randintLike'] = {
    honoured: {
      low: sc(() => expect((A(fl.randintLike(fl.zeros(50), 3, 4)) as number[]).every((v) => v === 3)).toBe(true)),
      dtype: sc(() => expect(fl.randintLike(fl.zeros(2), 5, { dtype: 'int32' }).dtype).toBe('int32')),
      device: sc(() => expect(fl.randintLike(fl.zeros(2), 5, { device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
      requiresGrad: sc(() => expect(fl.randintLike(fl.zeros(2), 5, { requiresGrad: true }).requiresGrad).toBe(true)),
      generator: sc(() => expect(A(fl.randintLike(fl.zeros(20), 99, { generator: new fl.Generator().manualSeed(4) })))
        .toEqual(A(fl.randintLike(fl.zeros(20), 99, { generator: new fl.Generator().manualSeed(4) })))),
    },
    call: (o) => fl.scope(() => fl.randintLike(fl.zeros(2), 5, o as any)),
  };
  const newChecks = (make: (o: Record<string, unknown>) => fl.Tensor): Record<string, () => void> => ({
    dtype: sc(() => expect(make({ dtype: 'int32' }).dtype).toBe('int32')),
    device: sc(() => expect(make({ device: DEVICE }).device.split(':')[0]).toBe(DEVICE.split(':')[0])),
    requiresGrad: sc(() => expect(make({ requiresGrad: true }).requiresGrad).toBe(true)),
  });
  for (const name of ['newZeros', 'newOnes', 'newEmpty'] as const) {
    TABLE[`fl.Tensor.${name}`] = { sig: name, honoured: newChecks((o) => x64()[name](2, o)), call: (o) => fl.scope(() => x64()[name](2, o as any)) };
  }
  TABLE['fl.Tensor.newFull'] = { sig: 'newFull', honoured: newChecks((o) => x64().newFull([2], 3, o)), call: (o) => fl.scope(() => x64().newFull([2], 3, o as any)) };
  TABLE['fl.Tensor.newTensor'] = { sig: 'newTensor', honoured: newChecks((o) => x64().newTensor([1, 2], o)), call: (o) => fl.scope(() => x64().newTensor([1], o as any)) };
  const logits = (): fl.Tensor => fl.tensor([[0.5, -1, 2], [0, 1, 0.25]], { dtype: 'float64' });
  TABLE['F.gumbelSoftmax'] = {
    honoured: {
      // a tiny temperature makes the soft sample (almost) one-hot; tau = 1 does not
      tau: sc(() => { fl.manualSeed(1); const y = F.gumbelSoftmax(logits(), { tau: 1e-3 }); expect((A(y.max(-1).values) as number[]).every((v) => v > 0.999)).toBe(true); }),
      hard: sc(() => { fl.manualSeed(1); expect((A(F.gumbelSoftmax(logits(), { hard: true })) as number[][]).flat().every((v) => v === 0 || v === 1)).toBe(true); }),
      // torch ignores eps (deprecated): the same sample with any value
      eps: sc(() => { fl.manualSeed(2); const a = A(F.gumbelSoftmax(logits(), { eps: 0.5 })); fl.manualSeed(2); expect(A(F.gumbelSoftmax(logits()))).toEqual(a); }),
      dim: sc(() => { fl.manualSeed(1); expect(A(F.gumbelSoftmax(logits(), { dim: 0 }).sum(0)).map((v: number) => Math.round(v * 1e12) / 1e12)).toEqual([1, 1, 1]); }),
    },
    call: (o) => fl.scope(() => F.gumbelSoftmax(logits(), o as any)),
  };
}

// ---- lib/ops/misc4.ts and the torch.linalg compositions of lib/ops/linalg.ts: luUnpack's unpackData / unpackPivots,
// linalg.vander's N, tensorinv's ind, tensorsolve's dims, the samplers' generator; the keyword forms of pow, tensordot,
// tile, hsplit/vsplit/dsplit and F.relu/silu/hardswish (each against torch 1.13's value for the same call)
{
  const lin = fl.linalg;
  const LU = () => t64([[2, -1], [0.5, 3]]), piv = () => fl.tensor([2, 2], { dtype: 'int32' });
  TABLE['fl.luUnpack'] = {
    sig: 'luUnpack',
    honoured: {
      // torch.lu_unpack(LU, tensor([2, 2]), unpack_data=False) -> P [[0, 1], [1, 0]], L and U empty
      unpackData: sc(() => { const r = fl.luUnpack(LU(), piv(), { unpackData: false }); expect([r.L.shape, r.U.shape, vals(r.P)]).toEqual([[0], [0], [0, 1, 1, 0]]); }),
      unpackPivots: sc(() => { const r = fl.luUnpack(LU(), piv(), { unpackPivots: false }); expect([r.P.shape, vals(r.L), vals(r.U)]).toEqual([[0], [1, 0, 0.5, 1], [2, -1, 0, 3]]); }),
    },
    call: (o) => fl.scope(() => fl.luUnpack(LU(), piv(), o as any)),
  };
  TABLE['linalg.vander'] = {
    sig: 'linalg.vander',
    // torch.linalg.vander(tensor([2., 3.]), N=3) = [[1, 2, 4], [1, 3, 9]]
    honoured: { N: sc(() => expect(vals(lin.vander(t64([2, 3]), { N: 3 }))).toEqual([1, 2, 4, 1, 3, 9])) },
    call: (o) => fl.scope(() => lin.vander(t64([2, 3]), o as any)),
  };
  TABLE['linalg.tensorinv'] = {
    sig: 'linalg.tensorinv',
    // torch.linalg.tensorinv(tensor([[2., 0], [0, 4]]), ind=1) = [[0.5, 0], [0, 0.25]]; the default ind=2 refuses a 2-D input
    honoured: { ind: sc(() => { expect(vals(lin.tensorinv(t64([[2, 0], [0, 4]]), { ind: 1 }))).toEqual([0.5, 0, 0, 0.25]); expect(() => lin.tensorinv(t64([[2, 0], [0, 4]]))).toThrow(fl.ShapeError); }) },
    call: (o) => fl.scope(() => lin.tensorinv(t64([[2, 0], [0, 4]]), { ind: 1, ...o } as any)),
  };
  TABLE['linalg.tensorsolve'] = {
    sig: 'linalg.tensorsolve',
    // torch.linalg.tensorsolve(tensor([[2., 0], [1, 4]]), tensor([2., 9]), dims=(0,)) = [-0.125, 2.25] (the transposed system; [1, 2] without dims)
    honoured: { dims: sc(() => expect(vals(lin.tensorsolve(t64([[2, 0], [1, 4]]), t64([2, 9]), { dims: [0] }))).toEqual([-0.125, 2.25])) },
    call: (o) => fl.scope(() => lin.tensorsolve(t64([[2, 0], [1, 4]]), t64([2, 9]), o as any)),
  };
  const sameDraws = (draw: (g: fl.Generator) => fl.Tensor) => sc(() => {
    const a = vals(draw(new fl.Generator().manualSeed(9)).to('float64'));
    fl.manualSeed(123);
    expect(vals(draw(new fl.Generator().manualSeed(9)).to('float64'))).toEqual(a);
    expect(vals(draw(new fl.Generator().manualSeed(10)).to('float64'))).not.toEqual(a);
  });
  TABLE['fl.poisson'] = {
    honoured: { generator: sameDraws((g) => fl.poisson(fl.full([64], 20, { dtype: 'float64' }), { generator: g })) },
    call: (o) => fl.scope(() => fl.poisson(fl.ones(2), o as any)),
  };
  TABLE['fl.binomial'] = {
    honoured: { generator: sameDraws((g) => fl.binomial(fl.full([64], 50, { dtype: 'float64' }), fl.full([64], 0.4, { dtype: 'float64' }), { generator: g })) },
    call: (o) => fl.scope(() => fl.binomial(fl.ones(2), fl.ones(2), o as any)),
  };
  // torch.pow(x, exponent=2)
  TABLE['fl.pow'] = { honoured: {}, call: (o) => fl.scope(() => fl.pow(t64([1, 2]), { exponent: 2, ...o } as any)) };
  TABLE['fl.tensordot'] = {
    // torch.tensordot(a, b, dims=1) with a = [[1, 2], [3, 4]], b = [1, 1]: [3, 7]
    honoured: { dims: sc(() => expect(vals(fl.tensordot(t64([[1, 2], [3, 4]]), t64([1, 1]), { dims: 1 }))).toEqual([3, 7])) },
    call: (o) => fl.scope(() => fl.tensordot(t64([[1, 2], [3, 4]]), t64([[1, 2], [3, 4]]), o as any)),
  };
  // torch.tile(x, dims=(2,))
  TABLE['fl.tile'] = { honoured: {}, call: (o) => fl.scope(() => fl.tile(t64([1, 2]), { dims: [2], ...o } as any)) };
  for (const name of ['hsplit', 'vsplit', 'dsplit'] as const) {
    const x = () => fl.ones([2, 4, 2], { dtype: 'float64' });
    const dim = { hsplit: 1, vsplit: 0, dsplit: 2 }[name];
    const sizes = (ts: fl.Tensor[]) => ts.map((t) => t.shape[dim]);
    const f = fl[name] as (...a: unknown[]) => fl.Tensor[];
    TABLE[`fl.${name}`] = {
      // torch.<name>(x, sections=2), torch.<name>(x, indices=[1]) on ones(2, 4, 2)
      honoured: {
        indicesOrSections: sc(() => expect(sizes(f(x(), { indicesOrSections: [1] }))).toEqual([1, dim === 1 ? 3 : 1])),
        sections: sc(() => expect(sizes(f(x(), { sections: 2 }))).toEqual([dim === 1 ? 2 : 1, dim === 1 ? 2 : 1])),
        indices: sc(() => expect(sizes(f(x(), { indices: [1] }))).toEqual([1, dim === 1 ? 3 : 1])),
      },
      call: (o) => fl.scope(() => f(x(), { sections: 2, ...o })),
    };
  }
  for (const name of ['relu', 'silu', 'hardswish'] as const) {
    const fn = F[name] as (...a: unknown[]) => fl.Tensor;
    TABLE[`F.${name}`] = {
      honoured: {
        // F.<name>(t, inplace=True) returns t, written; inplace=False leaves it
        inplace: sc(() => {
          const t = t64([-1, 2]), want = vals(fl[name](t64([-1, 2])));
          expect(fn(t, { inplace: true })).toBe(t);
          expect(vals(t)).toEqual(want);
          const u = t64([-1, 2]);
          fn(u, { inplace: false });
          expect(vals(u)).toEqual([-1, 2]);
        }),
      },
      call: (o) => fl.scope(() => fn(t64([-1, 2]), o)),
    };
  }
}

describe('every option of every entry is honoured, and a misspelled key is refused', () => {
  const entries = Object.entries(TABLE);
  test.each(entries)('%s', async (name, e) => {
    const sig = registry.get(e.sig ?? name.split('.').slice(1).join('.'));
    expect(sig).toBeDefined();
    const optionalNames = sig!.names.filter((k) => !sig!.params[k].required);
    // one check per parameter with a default (and only for parameters that exist)
    const checks = { ...e.honoured, ...e.asyncHonoured };
    expect(Object.keys(checks).filter((k) => !sig!.params[k]?.required).sort()).toEqual(optionalNames.sort());
    for (const [k, check] of Object.entries(checks)) {
      try { await check(); } catch (err) { throw new Error(`${name}: option '${k}' is not honoured: ${(err as Error).message}`); }
    }
    if (sig!.names.length === 0) {
      // no parameters at all: any key is refused
      expect(() => e.call({ inplace: true })).toThrow(new fl.ValueError(`${sig!.fn}: unknown option 'inplace' (${sig!.fn} takes no options)`));
    } else if (optionalNames.length === 0) {
      expect(() => e.call({ inplace: true })).toThrow(new RegExp(`^${sig!.fn}: unknown option 'inplace' \\(did you mean '\\w+'\\?\\)$`));
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

// ---- the enumeration ------------------------------------------------------------------------------
// Every export of fl, fl.nn, fl.nn.functional, fl.optim, fl.data and fl.models that is a function or a class is
// in TABLE (options through lib/args.ts, each honoured), in KEY_CHECKED (options read by the op
// itself; their behaviour is tested in the op's own test file, the typo check is here), in
// INTERNAL, or in NO_OPTIONS. A new export fails this test until it is placed.


const KEY_CHECKED: Record<string, (o: Record<string, unknown>) => unknown> = {};
for (const name of ['sum', 'prod', 'mean', 'amax', 'amin', 'logsumexp', 'all', 'any', 'var', 'std', 'max', 'min', 'argmax', 'argmin']) {
  KEY_CHECKED[`fl.${name}`] = (o) => fl.scope(() => (fl as any)[name](fl.ones(2, 2), { dim: 0, ...o }));
}
// stdMean/varMean pass their options to std/var, which check the keys
for (const name of ['stdMean', 'varMean']) KEY_CHECKED[`fl.${name}`] = (o) => fl.scope(() => (fl as any)[name](fl.ones(2, 2), { dim: 0, ...o }));
KEY_CHECKED['fl.nonzero'] = (o) => fl.scope(() => fl.nonzero(fl.ones(2), o as any));
KEY_CHECKED['fl.indexPut'] = (o) => fl.scope(() => fl.indexPut(fl.ones(2), [fl.tensor([0])], 0, o as any));
KEY_CHECKED['nn.Module.to'] = (o) => fl.scope(() => new nn.Linear(2, 1).to(o as any));
KEY_CHECKED['fl.to'] = (o) => fl.scope(() => fl.to(fl.ones(2), 'float64', o as any));
KEY_CHECKED['fl.add'] = (o) => fl.scope(() => fl.add(fl.ones(2), fl.ones(2), o as any));
KEY_CHECKED['fl.sub'] = (o) => fl.scope(() => fl.sub(fl.ones(2), fl.ones(2), o as any));
KEY_CHECKED['fl.loadSync'] = (o) => fl.loadSync('/nonexistent.safetensors', o as any);
KEY_CHECKED['fl.load'] = (o) => (fl.load as any)('/nonexistent.safetensors', o);
// fl.distributed's collectives read their one option ({ async }) themselves; the typo check needs no world
KEY_CHECKED['distributed.allReduce'] = (o) => fl.scope(() => fl.distributed.allReduce(fl.zeros(1), 'sum', o as any));
KEY_CHECKED['distributed.broadcast'] = (o) => fl.scope(() => fl.distributed.broadcast(fl.zeros(1), 0, o as any));
KEY_CHECKED['distributed.allGather'] = (o) => fl.scope(() => fl.distributed.allGather([fl.zeros(1)], fl.zeros(1), o as any));
KEY_CHECKED['distributed.reduceScatter'] = (o) => fl.scope(() => fl.distributed.reduceScatter(fl.zeros(1), [fl.zeros(1)], 'sum', o as any));
KEY_CHECKED['distributed.send'] = (o) => fl.scope(() => fl.distributed.send(fl.zeros(1), 1, o as any));
KEY_CHECKED['distributed.recv'] = (o) => fl.scope(() => fl.distributed.recv(fl.zeros(1), 1, o as any));
KEY_CHECKED['distributed.barrier'] = (o) => fl.distributed.barrier(o as any);
KEY_CHECKED['fl.gradcheck'] = (o) => fl.scope(() => fl.gradcheck((a: fl.Tensor) => a.sum(), [fl.ones(1)], o as any));

/** Helpers other modules share, marked @internal in their TSDoc (so stripped from the .d.ts). */
const INTERNAL = [
  'fl.fillInPlace', 'fl.asTensorArg', 'fl.commonDevice', 'fl.operand', 'fl.checkInplace', 'fl.refuseInternalOverlap', 'fl.basicIndex', 'fl.parseSlice',
  'fl.valuesIndices', 'fl.needIndex', 'fl.scatterIntoZeros', 'fl.checkInt32', 'fl.philoxRaw', 'fl.geluBackward', 'fl.reluBackward', 'fl.checkFillValue',
  'nn.resolveActivation',
  'fl.writeBack',  // lib/ops/misc.ts's in-place write-back, shared with misc2.ts
  'F.attend', 'F.linearOp', 'F.embeddingOp', 'F.dropoutOp', 'F.layerNormOp', 'F.rmsNormOp', 'F.groupNormOp', 'F.batchNormOp',
];

/** Exports that take no options object (only positional arguments, or none). */
const NO_OPTIONS = [
  // torch's nn.Identity(*args, **kwargs) takes and ignores anything
  'nn.Identity',
  // classes whose instances come from elsewhere, base classes, errors
  'fl.Tensor', 'fl.FlintError', 'fl.ShapeError', 'fl.DTypeError', 'fl.DeviceError', 'fl.IndexError', 'fl.DisposedError',
  'fl.BackendUnavailableError', 'fl.OutOfMemoryError', 'fl.ValueError', 'fl.OverflowError', 'fl.FileError', 'fl.AutogradError', 'fl.CaptureError', 'fl.OnnxExportError',
  'fl.DistributedError', 'fl.LinAlgError', 'nn.BatchNormBase',
  // torch.linalg's aliases that take only positional arguments
  'fl.inverse', 'fl.det', 'fl.logdet', 'fl.slogdet', 'fl.matrixExp',
  'nn.Module', 'nn.RNNBase', 'nn.RNNCellBase', 'models.CausalLM', 'models.KVCache', 'models.Tokenizer', 'models.Conv1D', 'models.LlamaDecoderLayer', 'optim.Optimizer', 'optim.LRScheduler', 'data.Dataset',
  // the process group's queries and lifetime (fl.distributed), its Work handles
  'distributed.isInitialized', 'distributed.getRank', 'distributed.getWorldSize', 'distributed.getBackend', 'distributed.destroyProcessGroup',
  'distributed.mpiInfo', 'distributed.Work',
  // fl.distributions: the base class, its error, klDivergence(p, q) and registerKl(P, Q, fn) (positional only)
  'distributions.Distribution', 'distributions.NotImplementedError', 'distributions.klDivergence', 'distributions.registerKl',
  // bijectTo(constraint) / transformTo(constraint) (torch's biject_to / transform_to registries: one positional argument)
  'distributions.bijectTo', 'distributions.transformTo',
  // containers and datasets: modules or tensors only
  'nn.Sequential', 'nn.ModuleList', 'nn.ModuleDict', 'nn.ParameterList', 'nn.ParameterDict', 'nn.Parameter', 'nn.isParameter', 'data.TensorDataset', 'data.TextWindowDataset', 'data.CharTokenizer',
  'data.defaultCollate', 'data.disposeBatch', 'data.parseIdx', 'data.readIdx',
  'data.Subset', 'data.ConcatDataset', 'data.SequentialSampler', 'data.defaultConvert',
  'data.IterableDataset', 'data.ChainDataset', 'data.getWorkerInfo',
  // grad mode, scopes, dtypes, seeds, files
  'fl.scope', 'fl.keep', 'fl.promoteTypes', 'fl.resultType', 'fl.isFloating', 'fl.noGrad', 'fl.enableGrad', 'fl.setGradEnabled', 'fl.isGradEnabled',
  'fl.checkpoint', 'fl.autocast', 'fl.saveCheckpoint', 'fl.saveCheckpointSync', 'fl.loadCheckpoint', 'fl.loadCheckpointSync',
  'fl.manualSeed', 'fl.initialSeed', 'fl.getRngState', 'fl.setRngState', 'fl.seed', 'fl.save', 'fl.saveSync', 'fl.loadMetadataSync', 'fl.loadMetadata',
  // torch's global defaults: the default dtype, device objects (positional: type, index), the print options' reader
  'fl.setDefaultDtype', 'fl.getDefaultDtype', 'fl.device', 'fl.DeviceObject', 'fl.getPrintoptions',
  // ops with positional arguments only (PyTorch's positional forms)
  'fl.where', 'fl.index', 'fl.einsum', 'fl.mul', 'fl.maximum', 'fl.minimum', 'fl.remainder', 'fl.floorDivide', 'fl.atan2',
  'fl.eq', 'fl.ne', 'fl.lt', 'fl.le', 'fl.gt', 'fl.ge', 'fl.logicalAnd', 'fl.logicalOr', 'fl.logicalXor', 'fl.neg', 'fl.abs', 'fl.sign', 'fl.exp',
  'fl.exp2', 'fl.log', 'fl.log2', 'fl.log10', 'fl.log1p', 'fl.expm1', 'fl.sqrt', 'fl.rsqrt', 'fl.square', 'fl.sin', 'fl.cos', 'fl.tan', 'fl.asin', 'fl.asinh', 'fl.acosh', 'fl.atanh', 'fl.arcsinh', 'fl.arccosh', 'fl.arctanh',
  'fl.acos', 'fl.atan', 'fl.sinh', 'fl.cosh', 'fl.tanh', 'fl.sigmoid', 'fl.relu', 'fl.softplus', 'fl.silu', 'fl.hardswish', 'fl.erf',
  'fl.floor', 'fl.ceil', 'fl.trunc', 'fl.reciprocal', 'fl.logicalNot', 'fl.isnan', 'fl.isinf', 'fl.isfinite',
  'fl.view', 'fl.reshape', 'fl.permute', 'fl.expand', 'fl.broadcastTo',
  'fl.slice', 'fl.contiguous', 'fl.clone', 'fl.repeat',
  'fl.maskedSelect',
  'fl.matmul', 'fl.mm', 'fl.bmm', 'fl.mv', 'fl.dot', 'fl.outer',
  'fl.hypot', 'fl.logaddexp', 'fl.logaddexp2', 'fl.xlogy', 'fl.sinc', 'fl.fmod', 'fl.copysign', 'fl.clampMin', 'fl.clampMax', 'fl.deg2rad',
  'fl.rad2deg', 'fl.frac', 'fl.heaviside', 'fl.signbit', 'fl.sgn', 'fl.floatPower', 'fl.trueDivide', 'fl.positive', 'fl.equal', 'fl.corrcoef',
  // the special functions (lib/ops/elementwise.ts, special.ts) and fl.special's own: positional arguments only
  'fl.lgamma', 'fl.digamma', 'fl.polygamma', 'fl.erfc', 'fl.erfinv', 'fl.i0', 'fl.mvlgamma', 'special.i0e', 'special.i1', 'special.i1e', 'special.ndtr',
  'special.ndtri', 'special.logNdtr', 'special.erfcx', 'special.entr', 'special.xlog1py', 'special.zeta', 'special.gammainc', 'special.gammaincc',
  'F.tanh', 'F.sigmoid',
  // shapes (lib/ops/reshaping.ts): positional arguments only
  'fl.kron', 'fl.trace', 'fl.hstack', 'fl.vstack', 'fl.rowStack', 'fl.dstack', 'fl.columnStack',
  'fl.fliplr', 'fl.flipud',
  'fl.blockDiag', 'fl.atleast1d', 'fl.atleast2d', 'fl.atleast3d', 'fl.cartesianProd', 'fl.selectScatter', 'fl.diagonalScatter',
  // lib/ops/misc.ts: positional arguments only (F.pdist is fl.pdist; fl.cosineSimilarity and fl.pairwiseDistance are F's)
  'fl.broadcastShapes', 'fl.broadcastTensors', 'fl.argwhere', 'fl.absolute', 'fl.negative', 'fl.fix', 'fl.arccos', 'fl.arcsin', 'fl.arctan', 'fl.arctan2',
  'fl.multiply', 'fl.ger', 'fl.isSameSize', 'fl.isNonzero', 'fl.canCast', 'fl.msort', 'fl.vander',
  'fl.chainMatmul', 'fl.inner', 'fl.maskedScatter', 'fl.asStrided', 'fl.frobeniusNorm', 'fl.nuclearNorm',
  // complex tensors (lib/ops/complex.ts): positional arguments only
  'fl.viewAsReal', 'fl.viewAsComplex', 'fl.isComplex', 'fl.real', 'fl.imag', 'fl.complex', 'fl.polar', 'fl.conj', 'fl.conjPhysical', 'fl.resolveConj', 'fl.angle', 'fl.vdot',
  // integer and bit-level ops (lib/ops/bitwise.ts): positional arguments only
  'fl.bitwiseAnd', 'fl.bitwiseOr', 'fl.bitwiseXor', 'fl.bitwiseNot', 'fl.bitwiseLeftShift', 'fl.bitwiseRightShift', 'fl.gcd', 'fl.lcm', 'fl.nextafter',
  'fl.ldexp', 'fl.frexp', 'fl.igamma', 'fl.igammac',
  // lib/ops/misc2.ts: positional arguments only
  'fl.finfo', 'fl.iinfo', 'fl.isTensor', 'fl.numel', 'fl.isFloatingPoint', 'fl.isposinf', 'fl.isneginf', 'fl.isreal', 'fl.fmax', 'fl.fmin', 'fl.greater',
  'fl.greaterEqual', 'fl.less', 'fl.lessEqual', 'fl.notEqual', 'fl.concat', 'fl.concatenate', 'fl.t', 'fl.pinverse', 'fl.rsub', 'fl.ravel', 'fl.inferenceMode',
  'fl.isInferenceModeEnabled', 'fl.setNumThreads', 'fl.getNumThreads', 'fl.adjoint',
  // fl.useDeterministicAlgorithms' queries and error (lib/deterministic.ts)
  'fl.areDeterministicAlgorithmsEnabled', 'fl.isDeterministicAlgorithmsWarnOnlyEnabled', 'fl.NondeterministicAlgorithmError',
  'F.relu_', 'F.leakyRelu_', 'F.elu_', 'F.selu_', 'F.celu_', 'F.hardtanh_', 'F.threshold_', 'F.rrelu_',
  // lib/ops/misc3.ts: positional arguments only
  'fl.detach', 'fl.isConj', 'fl.isNeg', 'fl.resolveNeg', 'fl.isInference', 'fl.isSigned', 'fl.setFloat32MatmulPrecision', 'fl.getFloat32MatmulPrecision',
];

describe('coverage: every export that takes options is in the table', () => {
  const NS: Record<string, Record<string, unknown>> = { fl: fl as any, nn: fl.nn as any, F: fl.nn.functional as any, optim: fl.optim as any, data: fl.data as any, models: fl.models as any, distributed: fl.distributed as any, linalg: fl.linalg as any, special: fl.special as any, fft: fl.fft as any, functional: fl.autograd.functional as any, distributions: fl.distributions as any };
  const resolve = (path: string): unknown => path.split('.').slice(1).reduce((o: any, k) => o?.[k] ?? o?.prototype?.[k], NS[path.split('.')[0]]);   // Class.method: a method of the class
  test('each export is placed, and each placed name exists', () => {
    const placed = new Map<unknown, string>();
    for (const name of [...Object.keys(TABLE), ...Object.keys(KEY_CHECKED), ...INTERNAL, ...NO_OPTIONS]) {
      const v = resolve(name);
      if (typeof v !== 'function') throw new Error(`${name} is listed but is not an exported function or class`);
      placed.set(v, name);
    }
    const unplaced: string[] = [];
    for (const [ns, m] of Object.entries(NS)) {
      for (const [k, v] of Object.entries(m)) if (typeof v === 'function' && !placed.has(v)) unplaced.push(`${ns}.${k}`);
    }
    expect(unplaced).toEqual([]);
  });
  test('every declared signature (lib/args.ts) has an entry in the table', () => {
    const covered = new Set(Object.entries(TABLE).map(([k, e]) => e.sig ?? k.split('.').slice(1).join('.')));
    expect([...registry.keys()].filter((n) => !covered.has(n) && !n.startsWith('demo'))).toEqual([]);
  });
  test.each(Object.entries(KEY_CHECKED))('%s refuses a misspelled key', async (name, call) => {
    let thrown: unknown;
    try { await call({ kepdim: true, dtyp: 'float64', devic: 'cpu', alph: 1, ep: 1 }); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(fl.ValueError);
    expect((thrown as Error).message).toMatch(new RegExp(`^${name.split('.').slice(1).join('.')}: unknown option '\\w+' \\(did you mean '\\w+'\\?\\)$`));
  });
});
