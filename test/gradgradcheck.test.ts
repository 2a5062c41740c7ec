// gradgradcheck.test.ts — fl.autograd.gradgradcheck (lib/gradcheck.ts), torch.autograd.gradgradcheck's
// check of second derivatives: gradcheck, by central finite differences in float64, of the first
// gradients autograd computes with createGraph. The reference is the finite differences themselves
// (independent of the backward-of-backward code under test); ops with known second derivatives
// must pass, and a custom Function whose backward is right to first order but not differentiable
// correctly (it reads its input through detach) must fail — as in torch, where
//   class Cube(Function): forward x**3, backward g * 3 * x.detach()**2
//   gradcheck(Cube.apply, (x,)) -> True; gradgradcheck(Cube.apply, (x,)) -> GradcheckError
//   (Jacobian mismatch for output 0 with respect to input 0); raise_exception=False -> False
import * as fl from '../lib';
import { DEVICE, randomArray } from './helpers';

const AG = fl.autograd;
const F = fl.nn.functional;
const numelOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
/** A float64 leaf that requires grad, values uniform in [lo, hi). */
function leaf(shape: number[], seed: number, lo = -1.5, hi = 1.5): fl.Tensor {
  const flat = fl.tensor(randomArray(numelOf(shape), seed, lo, hi), { dtype: 'float64', device: DEVICE });
  try { return flat.reshape(shape).detach().requiresGrad_(); } finally { flat.dispose(); }
}

class Cube extends fl.autograd.Function {
  static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { ctx.saveForBackward(x); return x.pow(3); }
  /** Right to first order; its dependence on x is hidden from the graph (detach): d/dx of it is lost. */
  static backward(ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor { const [x] = ctx.savedTensors; return g.mul(x!.detach().pow(2).mul(3)); }
}
class CubeRight extends fl.autograd.Function {
  static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { ctx.saveForBackward(x); return x.pow(3); }
  static backward(ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor { const [x] = ctx.savedTensors; return g.mul(x!.pow(2).mul(3)); }
}

describe('ops with known second derivatives pass', () => {
  const cases: [string, (...xs: fl.Tensor[]) => fl.Tensor, () => fl.Tensor[]][] = [
    ['tanh (1 - y², -2y(1 - y²))', (a) => a.tanh(), () => [leaf([2, 3], 1)]],
    ['mul of two inputs (mixed second derivative 1)', (a, b) => a.mul(b), () => [leaf([2, 3], 2), leaf([2, 3], 3)]],
    ['matmul (bilinear: only mixed terms)', (a, b) => a.matmul(b), () => [leaf([2, 3], 4), leaf([3, 2], 5)]],
    ['softplus (sigmoid, sigmoid\')', (a) => F.softplus(a), () => [leaf([2, 3], 6)]],
    ['logsumexp over dim 1 (softmax and its Jacobian)', (a) => a.logsumexp(1), () => [leaf([2, 3], 7)]],
    ['sigmoid · exp · div composed', (a, b) => a.sigmoid().mul(b.exp()).div(b.add(3)), () => [leaf([4], 8), leaf([4], 9)]],
    ['softmax', (a) => a.softmax(-1), () => [leaf([2, 3], 10)]],
    ['a custom Function written with differentiable ops', (a) => CubeRight.apply(a), () => [leaf([3], 11)]],
  ];
  test.each(cases)('%s', (_name, fn, make) => {
    fl.scope(() => {
      fl.manualSeed(0);  // the random gradOutputs
      const xs = make();
      expect(AG.gradgradcheck(fn, xs)).toBe(true);
      for (const x of xs) expect(x.grad).toBeNull();  // the caller's tensors are untouched
    });
  });

  test('several outputs; gradOutputs given (positionally or as the option), those not requiring grad are not checked', () => {
    fl.scope(() => {
      const a = leaf([3], 12);
      const two = (t: fl.Tensor): fl.Tensor[] => [t.tanh(), t.mul(t).sum()];
      fl.manualSeed(1);
      expect(AG.gradgradcheck(two, [a])).toBe(true);
      const g0 = leaf([3], 13), g1 = fl.tensor(0.7, { dtype: 'float64', device: DEVICE });
      expect(AG.gradgradcheck(two, [a], [g0, g1])).toBe(true);
      expect(AG.gradgradcheck(two, [a], { gradOutputs: [g0.detach(), g1] })).toBe(true);
      expect(AG.gradgradcheck((t) => t.exp(), [a], leaf([3], 14))).toBe(true);
      expect(g0.grad).toBeNull();
    });
  });

  test('non-tensor arguments and inputs that do not require grad pass through', () => {
    fl.scope(() => {
      const a = leaf([2, 2], 15), c = leaf([2, 2], 16).detach();
      fl.manualSeed(2);
      expect(AG.gradgradcheck((x: fl.Tensor, k: number, y: fl.Tensor) => x.pow(k).mul(y), [a, 3, c])).toBe(true);
    });
  });
});

describe('a backward that is not differentiable correctly fails', () => {
  test('torch\'s GradcheckError as an AutogradError naming the gradient and the input; false with raiseException: false', () => {
    fl.scope(() => {
      const x = leaf([3], 20, 0.5, 1.5);
      expect(fl.gradcheck((t: fl.Tensor) => Cube.apply(t), [x])).toBe(true);  // first order is right
      fl.manualSeed(3);
      expect(() => AG.gradgradcheck((t: fl.Tensor) => Cube.apply(t), [x]))
        .toThrow(/^autograd\.gradgradcheck: Jacobian mismatch for the gradient of input 0 \(shape \[3\], from mul\) with respect to input 0 \(shape \[3\]\) at output element \[0\], input element \[0\]: numerical .*, analytical 0 /);
      expect(AG.gradgradcheck((t: fl.Tensor) => Cube.apply(t), [x], { raiseException: false })).toBe(false);
      // the numerical value is 6 x g (d/dx of 3x² g), the analytical one 0
      const g = fl.tensor([1, 1, 1], { dtype: 'float64', device: DEVICE });
      let msg = '';
      try { AG.gradgradcheck((t: fl.Tensor) => Cube.apply(t), [x], g); } catch (e) { msg = (e as Error).message; }
      const num = Number(/numerical (\S+),/.exec(msg)![1]);
      expect(num).toBeCloseTo(6 * (x.toArray() as number[])[0], 6);
    });
  });

  test('gradcheck\'s raiseException too', () => {
    fl.scope(() => {
      const x = leaf([2], 21);
      expect(fl.gradcheck((t: fl.Tensor) => t.mul(t.detach()), [x], { raiseException: false })).toBe(false);
      expect(() => fl.gradcheck((t: fl.Tensor) => t.mul(t.detach()), [x])).toThrow(/^gradcheck: Jacobian mismatch for output 0/);
      expect(() => fl.gradcheck((t: fl.Tensor) => t.sum(), [x], { raiseException: 1 as unknown as boolean })).toThrow(fl.ValueError);
    });
  });

  test('an op without second derivatives in flintml is refused loudly (checkpoint)', () => {
    fl.scope(() => {
      const x = leaf([2], 22);
      fl.manualSeed(4);
      expect(() => AG.gradgradcheck((t: fl.Tensor) => fl.checkpoint((u) => u.tanh(), t), [x])).toThrow(/createGraph: the backward of checkpoint is not differentiable/);
    });
  });
});

describe('arguments', () => {
  test('torch\'s refusals: nothing to check, float32 inputs, a gradOutputs count that does not match, unknown options', () => {
    fl.scope(() => {
      const x = leaf([2], 30);
      expect(() => AG.gradgradcheck((t: fl.Tensor) => t.tanh(), [x.detach()])).toThrow(new fl.ValueError('autograd.gradgradcheck: no input requires grad (set requiresGrad on the inputs to check)'));
      const x32 = fl.ones([2], { device: DEVICE }).requiresGrad_();
      expect(() => AG.gradgradcheck((t: fl.Tensor) => t.tanh(), [x32])).toThrow(/^autograd\.gradgradcheck: input 0 \(shape \[2\]\) is float32; finite differences need float64 inputs$/);
      const g32 = fl.ones([2], { device: DEVICE }).requiresGrad_();
      expect(() => AG.gradgradcheck((t: fl.Tensor) => t.tanh(), [x], [g32])).toThrow(/^autograd\.gradgradcheck: gradOutputs\[0\] \(shape \[2\]\) is float32/);
      expect(() => AG.gradgradcheck((t: fl.Tensor) => t.tanh(), [x], [leaf([2], 31), leaf([2], 32)])).toThrow(/fn returned 1 output\(s\) for 2 gradOutputs/);
      expect(() => AG.gradgradcheck((t: fl.Tensor) => t.tanh(), [x], { eps: 0 })).toThrow(fl.ValueError);
      expect(() => AG.gradgradcheck((t: fl.Tensor) => t.tanh(), [x], { nondetTol: 0 } as never)).toThrow(/^autograd\.gradgradcheck: unknown option 'nondetTol'/);
      expect(() => AG.gradgradcheck((t: fl.Tensor) => t.tanh(), x as never)).toThrow(/inputs must be an array/);
      expect(() => AG.gradgradcheck((t: fl.Tensor) => t.tanh(), [x], [7 as never])).toThrow(/gradOutputs\[0\] must be a Tensor, got 7/);
    });
  });
});
