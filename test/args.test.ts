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
