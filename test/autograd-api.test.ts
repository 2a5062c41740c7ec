// autograd-api.test.ts — fl.autograd (grad, backward, custom Functions) and Tensor.registerHook,
// against PyTorch 1.13: the expected values are torch's, with the torch code beside them. The
// custom Functions are also checked against finite differences (fl.gradcheck). Runs on the CPU and
// on the emulator (DEVICE).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const t = (v: number[], requiresGrad = true): fl.Tensor => fl.tensor(v, { dtype: 'float32', device: DEVICE, requiresGrad });
const vals = (x: fl.Tensor | null): number[] => Array.from(x!.dataSync() as Float32Array);

afterEach(() => fl.memory.emptyCache?.());

describe('fl.autograd.grad', () => {
  test('returns the gradients without touching .grad; retainGrad still fills its tensor (torch 1.13)', () => fl.scope(() => {
    // x = tensor([1., 2., 3.], requires_grad=True); y = x * 2; y.retain_grad(); z = (y * y).sum()
    // torch.autograd.grad(z, x, retain_graph=True) -> (tensor([8., 16., 24.]),); y.grad -> [4, 8, 12]; x.grad -> None
    const x = t([1, 2, 3]);
    const y = x.mul(2); y.retainGrad();
    const z = y.mul(y).sum();
    const [g] = fl.autograd.grad(z, x, { retainGraph: true });
    expect(vals(g)).toEqual([8, 16, 24]);
    expect(vals(y.grad)).toEqual([4, 8, 12]);
    expect(x.grad).toBeNull();
    // the graph was kept: a second call gives the same
    expect(vals(fl.autograd.grad(z, [x])[0])).toEqual([8, 16, 24]);
    // and then freed, as torch's "Trying to backward through the graph a second time"
    expect(() => z.backward()).toThrow(fl.AutogradError);
  }));

  test('gradients with respect to graph tensors and leaves together', () => fl.scope(() => {
    // a = tensor([1., 2.], requires_grad=True); y = a * 3; z = (y * y).sum()
    // torch.autograd.grad(z, [y, a]) -> (tensor([6., 12.]), tensor([18., 36.]))
    const a = t([1, 2]);
    const y = a.mul(3);
    const [gy, ga] = fl.autograd.grad(y.mul(y).sum(), [y, a]);
    expect(vals(gy)).toEqual([6, 12]);
    expect(vals(ga)).toEqual([18, 36]);
  }));

  test('several outputs, gradOutputs, a leaf output, a repeated input', () => fl.scope(() => {
    const a = t([1, 2]), b = t([3, 4]);
    // torch.autograd.grad([(a * a).sum(), (a * b).sum()], [a]) -> (tensor([5., 8.]),)
    expect(vals(fl.autograd.grad([a.mul(a).sum(), a.mul(b).sum()], [a])[0])).toEqual([5, 8]);
    // torch.autograd.grad(a * b, [a], grad_outputs=torch.tensor([1., 10.])) -> (tensor([3., 40.]),)
    expect(vals(fl.autograd.grad(a.mul(b), [a], t([1, 10], false))[0])).toEqual([3, 40]);
    // torch.autograd.grad(a, a, grad_outputs=torch.ones(2)) -> (tensor([1., 1.]),)
    expect(vals(fl.autograd.grad(a, a, { gradOutputs: t([1, 1], false) })[0])).toEqual([1, 1]);
    // torch.autograd.grad((a * 2).sum(), [a, a]) -> (tensor([2., 2.]), tensor([2., 2.])): two tensors
    const [g1, g2] = fl.autograd.grad(a.mul(2).sum(), [a, a]);
    expect(vals(g1)).toEqual([2, 2]);
    expect(vals(g2)).toEqual([2, 2]);
    expect(g1).not.toBe(g2);
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  }));

  test('unused inputs: an error, null with allowUnused, zeros with materializeGrads', () => fl.scope(() => {
    const a = t([1, 2]), b = t([3, 4]);
    // torch: "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True ..."
    expect(() => fl.autograd.grad(a.mul(2).sum(), [a, b])).toThrow(/inputs\[1\] \(shape \[2\]\) appears to not have been used/);
    // torch.autograd.grad((a * 2).sum(), [a, b], allow_unused=True) -> (tensor([2., 2.]), None)
    const [ga, gb] = fl.autograd.grad(a.mul(2).sum(), [a, b], { allowUnused: true });
    expect(vals(ga)).toEqual([2, 2]);
    expect(gb).toBeNull();
    const [, gz] = fl.autograd.grad(a.mul(2).sum(), [a, b], { materializeGrads: true });
    expect(vals(gz)).toEqual([0, 0]);
    expect(gz!.device).toBe(b.device);
  }));

  test('refusals as torch: inputs or outputs without grad, a non-scalar output without gradOutputs', () => fl.scope(() => {
    const a = t([1, 2]);
    // torch: "One of the differentiated Tensors does not require grad"
    expect(() => fl.autograd.grad(a.mul(2).sum(), [t([1, 1], false)])).toThrow(/inputs\[0\] \(shape \[2\]\) does not require grad/);
    // torch: "element 0 of tensors does not require grad and does not have a grad_fn"
    expect(() => fl.autograd.grad(t([1], false).sum(), [a])).toThrow(/outputs\[0\] does not require grad/);
    // torch: "grad can be implicitly created only for scalar outputs"
    expect(() => fl.autograd.grad(a.mul(2), [a])).toThrow(/only for scalar outputs/);
    expect(() => fl.autograd.grad(a.mul(2), [a], [t([1], false)])).toThrow(fl.ShapeError);
    expect(() => fl.autograd.grad([a.sum(), a.sum()], [a], [null])).toThrow(/1 entries for 2 outputs/);
    expect(() => fl.autograd.grad(a.sum(), [])).toThrow(fl.ValueError);
    expect(() => fl.autograd.grad(a.sum(), [1 as never])).toThrow(fl.ValueError);
  }));

  test('only the part of the graph that leads to the inputs runs', () => fl.scope(() => {
    // a branch that does not reach the input is not differentiated: its backward would throw here
    class Boom extends fl.autograd.Function {
      static forward(_ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { return x.mul(1); }
      static backward(): fl.Tensor { throw new Error('Boom.backward ran'); }
    }
    const a = t([1, 2]), b = t([3, 4]);
    const loss = a.mul(2).sum().add(Boom.apply(b).sum());
    expect(vals(fl.autograd.grad(loss, [a], { retainGraph: true })[0])).toEqual([2, 2]);
    expect(() => fl.autograd.grad(loss, [b])).toThrow('Boom.backward ran');
  }));

  test('through a checkpoint: the gradient belongs to the caller\'s scope (no tensor left behind)', () => {
    const before = fl.memory.stats().liveTensors;
    fl.scope(() => {
      const z = t([0.5, 2]);
      const [g] = fl.autograd.grad(fl.checkpoint((u: fl.Tensor) => u.pow(3), z).sum(), [z]);
      expect(vals(g)).toEqual([0.75, 12]);
    });
    expect(fl.memory.stats().liveTensors).toBe(before);
  });

  test('an error in a backward leaves no tensors behind', () => {
    class Boom extends fl.autograd.Function {
      static forward(_ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { return x.mul(1); }
      static backward(): fl.Tensor { throw new Error('Boom.backward ran'); }
    }
    const a = t([1, 2]);
    const before = fl.memory.stats().liveTensors;
    fl.scope(() => {
      const loss = Boom.apply(a).mul(2).sum();
      expect(() => fl.autograd.grad(loss, [a])).toThrow('Boom.backward ran');
    });
    expect(fl.memory.stats().liveTensors).toBe(before);
    a.dispose();
  });
});

describe('Tensor.backward({ inputs }) and fl.autograd.backward', () => {
  test('inputs: only those tensors get .grad', () => fl.scope(() => {
    // (a * b).sum().backward(inputs=[a]) -> a.grad tensor([3., 4.]), b.grad None
    const a = t([1, 2]), b = t([3, 4]);
    a.mul(b).sum().backward({ inputs: [a] });
    expect(vals(a.grad)).toEqual([3, 4]);
    expect(b.grad).toBeNull();
    // a graph tensor among the inputs gets .grad too (torch accumulates into it)
    const y = a.mul(3);
    y.mul(y).sum().backward({ inputs: y });
    expect(vals(y.grad)).toEqual([6, 12]);
    expect(vals(a.grad)).toEqual([3, 4]);   // unchanged
  }));

  test('several roots in one pass', () => fl.scope(() => {
    // torch.autograd.backward([a * 2, a * 3], [ones(2), tensor([10., 100.])]) -> a.grad [32, 302]
    const a = t([1, 2]);
    fl.autograd.backward([a.mul(2), a.mul(3)], [t([1, 1], false), t([10, 100], false)]);
    expect(vals(a.grad)).toEqual([32, 302]);
    // a root twice, and a leaf root: their seeds add up
    const b = t([5]);
    const y = b.mul(2).sum();
    fl.autograd.backward([y, y, b.sum(), b], [null, null, null, t([7], false)]);
    expect(vals(b.grad)).toEqual([2 + 2 + 1 + 7]);
  }));

  test('a retained root gets its own gradient', () => fl.scope(() => {
    // r = (a * 2).sum(); r.retain_grad(); r.backward(); r.grad -> tensor(1.)
    const a = t([1, 2]);
    const r = a.mul(2).sum(); r.retainGrad();
    r.backward();
    expect(vals(r.grad)).toEqual([1]);
  }));
});

describe('Tensor.registerHook', () => {
  test('a leaf hook sees the whole gradient once, before accumulation; remove() unregisters it', () => fl.scope(() => {
    // x.register_hook(calls.append); ((x * x).sum() + (x * 3).sum()).backward() -> one call, [5, 7, 9]
    const x = t([1, 2, 3]);
    const calls: number[][] = [];
    const h = x.registerHook((g) => { calls.push(vals(g)); });
    x.mul(x).sum().add(x.mul(3).sum()).backward();
    expect(calls).toEqual([[5, 7, 9]]);
    expect(vals(x.grad)).toEqual([5, 7, 9]);
    h.remove(); h.remove();
    x.grad!.dispose(); x.grad = null;
    x.mul(2).sum().backward();
    expect(calls.length).toBe(1);
    // a hook that replaces the gradient
    const h2 = x.registerHook((g) => g.mul(100));
    x.grad!.dispose(); x.grad = null;
    x.sum().backward();
    expect(vals(x.grad)).toEqual([100, 100, 100]);
    // autograd.grad runs a leaf's hooks too, as PyTorch 2 (hooks run whenever the tensor's gradient
    // is computed); torch 1.13 skipped them: (2x) * 100 where 1.13 gives [2, 4, 6]
    expect(vals(fl.autograd.grad(x.mul(x).sum(), x)[0])).toEqual([200, 400, 600]);
    expect(vals(x.grad)).toEqual([100, 100, 100]);   // untouched by autograd.grad
    h2.remove();
  }));

  test('graph tensors: hooks chain in order, the graph below and retainGrad see the result', () => fl.scope(() => {
    // y = x * 2; y.register_hook(lambda g: g * 10); y.retain_grad(); (y * y).sum().backward()
    // -> x.grad [80, 160, 240], y.grad [40, 80, 120]
    const x = t([1, 2, 3]);
    const y = x.mul(2);
    y.registerHook((g) => g.mul(10));
    y.retainGrad();
    y.mul(y).sum().backward();
    expect(vals(x.grad)).toEqual([80, 160, 240]);
    expect(vals(y.grad)).toEqual([40, 80, 120]);
    // y = a * 1; y.register_hook(lambda g: g + 1); y.register_hook(lambda g: g * 2); y.sum().backward() -> a.grad [4, 4]
    const a = t([1, 2]);
    const z = a.mul(1);
    z.registerHook((g) => g.add(1));
    z.registerHook((g) => g.mul(2));
    z.sum().backward();
    expect(vals(a.grad)).toEqual([4, 4]);
  }));

  test('refusals: no grad, a changed shape or dtype, not a function', () => fl.scope(() => {
    // torch: "cannot register a hook on a tensor that doesn't require gradient"
    expect(() => t([1], false).registerHook((g) => g)).toThrow(/does not require grad/);
    // torch: "hook '<lambda>' has changed the size of value"
    const x = t([1, 2, 3]);
    const y = x.mul(2);
    y.registerHook((g) => g.narrow(0, 0, 2));
    expect(() => y.sum().backward()).toThrow(/changed the size of the gradient from \[3\] to \[2\]/);
    // torch: "hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)"
    const w = x.mul(2);
    w.registerHook((g) => g.to('float64'));
    expect(() => w.sum().backward()).toThrow(/changed the dtype of the gradient from float32 to float64/);
    expect(() => x.registerHook(3 as never)).toThrow(fl.ValueError);
  }));
});

describe('fl.autograd.Function', () => {
  class Exp extends fl.autograd.Function {
    static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor {
      const y = x.exp();
      ctx.saveForBackward(y);
      return y;
    }
    static backward(ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor {
      const [y] = ctx.savedTensors;
      return g.mul(y!);
    }
  }
  // x * k with a non-tensor argument and two outputs, one of them not differentiable
  class ScaleAndSign extends fl.autograd.Function {
    static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor, k: number): fl.Tensor[] {
      ctx.k = k;
      const s = x.sign().to('int32');
      ctx.markNonDifferentiable(s);
      return [x.mul(k), s];
    }
    static backward(ctx: fl.autograd.FunctionCtx, g: fl.Tensor, gs: fl.Tensor): (fl.Tensor | null)[] {
      expect(gs.dtype).toBe('int32');   // materialized zeros for the output without a gradient
      expect(vals(gs.to('float32'))).toEqual(new Array(gs.numel).fill(0));
      return [g.mul(ctx.k as number), null];
    }
  }

  test('gradients match finite differences (float64, CPU)', () => {
    if (DEVICE !== 'cpu') return;
    const x = fl.tensor([0.3, -1.2, 2], { dtype: 'float64', requiresGrad: true });
    expect(fl.gradcheck((a: fl.Tensor) => Exp.apply(a), [x])).toBe(true);
    expect(fl.gradcheck((a: fl.Tensor) => (ScaleAndSign.apply(a, 2.5) as fl.Tensor[])[0], [x])).toBe(true);
    x.dispose();
  });

  test('forward runs without a graph; the outputs join it as one node', () => fl.scope(() => {
    const x = t([0, 1]);
    const y = Exp.apply(x) as fl.Tensor;
    expect(y.gradFn).toBe('Exp');
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    expect(vals(x.grad)).toEqual(vals(fl.tensor([1, Math.E], { dtype: 'float32' })));
    const [a, s] = ScaleAndSign.apply(t([-1, 2]), 3) as fl.Tensor[];
    expect(s.requiresGrad).toBe(false);
    expect(vals(s.to('float32'))).toEqual([-1, 1]);
    expect(a.gradFn).toBe('ScaleAndSign');
    // no input requires grad: plain tensors
    const z = Exp.apply(t([1], false)) as fl.Tensor;
    expect(z.requiresGrad).toBe(false);
    expect(fl.noGrad(() => (Exp.apply(t([1])) as fl.Tensor).requiresGrad)).toBe(false);
  }));

  test('needsInputGrad, an identity backward, an input passed through', () => fl.scope(() => {
    let seen: boolean[] = [];
    class Id extends fl.autograd.Function {
      static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor, w: fl.Tensor): fl.Tensor { seen = ctx.needsInputGrad.slice(); void w; return x; }
      static backward(_ctx: fl.autograd.FunctionCtx, g: fl.Tensor): (fl.Tensor | null)[] { return [g, null]; }
    }
    const x = t([1, 2]);
    const y = Id.apply(x, t([1, 1], false)) as fl.Tensor;
    expect(seen).toEqual([true, false]);
    expect(y).not.toBe(x);            // a view: x keeps being a leaf
    expect(x.isLeaf).toBe(true);
    y.mul(t([3, 4], false)).sum().backward();
    expect(vals(x.grad)).toEqual([3, 4]);
  }));

  test('a saved tensor modified in place is refused at backward, as an op\'s', () => fl.scope(() => {
    class Sq extends fl.autograd.Function {
      static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { ctx.saveForBackward(x); return x.mul(x); }
      static backward(ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor { return g.mul(ctx.savedTensors[0]!).mul(2); }
    }
    const x = t([1, 2]);
    const h = x.mul(1);
    const y = Sq.apply(h) as fl.Tensor;
    fl.noGrad(() => h.add_(1));
    expect(() => y.sum().backward()).toThrow(/saved by Sq was modified by an in-place operation/);
  }));

  test('a wrong backward is refused with a typed error naming the Function', () => fl.scope(() => {
    class TooFew extends fl.autograd.Function {
      static forward(_ctx: fl.autograd.FunctionCtx, x: fl.Tensor, y: fl.Tensor): fl.Tensor { return x.add(y); }
      static backward(_ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor { return g; }
    }
    expect(() => (TooFew.apply(t([1]), t([2])) as fl.Tensor).sum().backward()).toThrow(/TooFew.backward: returned 1 gradient\(s\) for 2 input\(s\)/);
    class BadShape extends fl.autograd.Function {
      static forward(_ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { return x.sum(); }
      static backward(_ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor { return g; }
    }
    expect(() => (BadShape.apply(t([1, 2])) as fl.Tensor).backward()).toThrow(/BadShape produced a gradient of shape \[\] for an input of shape \[2\]/);
    class NotTensor extends fl.autograd.Function {
      static forward(): number { return 3 as never; }
    }
    expect(() => NotTensor.apply(t([1]))).toThrow(/NotTensor.forward: must return a Tensor/);
    class NoBackward extends fl.autograd.Function {
      static forward(_ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { return x.mul(2); }
    }
    expect(() => (NoBackward.apply(t([1])) as fl.Tensor).sum().backward()).toThrow(/NoBackward.backward: not implemented/);
    expect(() => fl.autograd.Function.apply(t([1]))).toThrow(fl.AutogradError);
  }));

  test('saved tensors are read in backward only', () => fl.scope(() => {
    const ctx = new fl.autograd.FunctionCtx();
    ctx.saveForBackward(t([1]));
    expect(() => ctx.savedTensors).toThrow(/only available in backward/);
  }));
});

describe('nn.Module forward hooks', () => {
  class MLP extends fl.nn.Module {
    fc1 = new fl.nn.Linear(2, 3);
    fc2 = new fl.nn.Linear(3, 1);
    // the documented style: children's forward, not call
    forward(x: fl.Tensor): fl.Tensor { return this.fc2.forward(fl.relu(this.fc1.forward(x))); }
  }

  test('a forward hook sees args and output, and runs whether the module runs by call or forward', () => fl.scope(() => {
    const m = new MLP();
    const seen: number[][] = [];
    const h = m.fc1.registerForwardHook((mod, args, out) => {
      expect(mod).toBe(m.fc1);
      seen.push([...(args[0] as fl.Tensor).shape, ...(out as fl.Tensor).shape]);
    });
    const x = fl.ones(4, 2);
    m.call(x);
    m.forward(x);
    m.fc1.call(x);
    expect(seen).toEqual([[4, 2, 4, 3], [4, 2, 4, 3], [4, 2, 4, 3]]);
    h.remove();
    m.call(x);
    expect(seen.length).toBe(3);
    // the parameters, children and state dict are untouched by the hooks
    expect(Object.keys(m.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(m.fc1.namedChildren()).toEqual([]);
  }));

  test('a pre-hook may replace the arguments, a forward hook the output (as torch)', () => fl.scope(() => {
    // torch: lin.register_forward_pre_hook(lambda m, a: a[0] * 2)  -> the single value becomes the argument
    //        lin.register_forward_hook(lambda m, a, o: o + 1)
    const lin = new fl.nn.Linear(1, 1);
    fl.noGrad(() => { lin.weight.fill_(3); lin.bias!.fill_(0); });
    lin.registerForwardPreHook((_m, [x]) => (x as fl.Tensor).mul(2));
    lin.registerForwardHook((_m, _a, o) => (o as fl.Tensor).add(1));
    expect(Array.from(lin.call(fl.tensor([[1.0]], { dtype: 'float32' })).dataSync())).toEqual([7]);  // 3 * (1 * 2) + 1
    // an array from a pre-hook is the whole argument list
    const id = new fl.nn.Identity();
    id.registerForwardPreHook(() => [fl.tensor([5])]);
    expect(Array.from(id.call(fl.tensor([1])).dataSync())).toEqual([5]);
  }));

  test('hooks on a layer inside a built-in module run', () => fl.scope(() => {
    const layer = new fl.nn.TransformerEncoderLayer(4, 2, 8, 0);
    let calls = 0;
    layer.linear1.registerForwardHook(() => { calls++; });
    layer.call(fl.ones(1, 3, 4));
    expect(calls).toBe(1);
  }));

  test('a bad hook is refused; an error in a hook propagates', () => fl.scope(() => {
    const lin = new fl.nn.Linear(1, 1);
    expect(() => lin.registerForwardHook(3 as never)).toThrow(fl.ValueError);
    expect(() => lin.registerForwardPreHook(() => undefined, { bogus: true } as never)).toThrow(/bogus/);
    lin.registerForwardHook(() => { throw new Error('hook failed'); });
    expect(() => lin.call(fl.ones(1, 1))).toThrow('hook failed');
  }));
});

describe('createGraph: gradients of gradients', () => {
  const f64 = (v: number[], shape?: number[]) => { const t = fl.tensor(v, { dtype: 'float64', device: DEVICE }); return shape ? t.reshape(shape) : t; };
  const v64 = (x: fl.Tensor | null): number[] => Array.from(x!.dataSync() as Float64Array);
  const near = (got: number[], want: number[], tol = 1e-9) => {
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => { if (!(Math.abs(g - want[i]) <= tol * (1 + Math.abs(want[i])))) throw new Error(`[${i}]: expected ${want[i]}, got ${g} (all: ${got})`); });
  };

  // x = tensor([0.3, -0.7, 1.1], float64, requires_grad=True); g, = grad(f(x).sum(), x, create_graph=True)
  // h, = grad((g * tensor([1., 2., 3.])).sum(), x): torch 1.13's g and h, 6 decimals
  const CASES: [string, (x: fl.Tensor) => fl.Tensor, number[], number[]][] = [
    ['x ** 3', (x) => x.pow(3), [0.27, 1.47, 3.63], [1.8, -8.4, 19.8]],
    ['tanh', (x) => x.tanh(), [0.915137, 0.63474, 0.359201], [-0.533182, 1.534465, -1.725242]],
    ['1 / (x + 3)', (x) => fl.div(1, x.add(3)), [-0.091827, -0.189036, -0.059488], [0.055653, 0.328758, 0.087056]],
    ['relu(x) * x', (x) => x.relu().mul(x), [0.6, 0, 2.2], [2, 0, 6]],
    ['gelu', (x) => fl.gelu(x), [0.732328, 0.023386, 1.103971], [0.728451, 0.943007, 0.51631]],
    ['softmax(x, 0) * x', (x) => x.softmax(0).mul(x), [0.168894, -0.040243, 0.87135], [-0.700265, -0.058189, 0.758455]],
    ['log_softmax(x, 0) * x', (x) => x.logSoftmax(0).mul(x), [-1.173905, -3.050768, 0.187359], [-1.749532, 1.069134, -0.342756]],
    ['(x * x).mean() * x', (x) => x.mul(x).mean().mul(x), [0.736667, 0.27, 1.11], [3.133333, -0.4, 7.266667]],
    ['(x[None] @ x[:, None]) * x.sum()', (x) => fl.matmul(x.reshape([1, 3]), x.reshape([3, 1])).mul(x.sum()), [2.21, 0.81, 3.33], [9.4, -1.2, 21.8]],
    ['maximum(x, x.flip(0)) * x', (x) => fl.maximum(x, x.flip(0)).mul(x), [1.1, -1.4, 2.5], [3, 4, 7]],
    ['clamp(x, -0.5, 0.5) * x', (x) => x.clamp(-0.5, 0.5).mul(x), [0.6, -0.5, 0.5], [2, 0, 0]],
    ['where(x > 0, x * x, 3 * x)', (x) => fl.where(x.gt(0), x.mul(x), x.mul(3)), [0.6, 3, 2.2], [2, 0, 6]],
    ['(x * x).cumsum(0)', (x) => x.mul(x).cumsum(0), [1.8, -2.8, 2.2], [6, 8, 6]],
    ['x[[0, 0, 2]] * x[[1, 2, 0]]', (x) => x.index([0, 0, 2]).mul(x.index([1, 2, 0])), [1.5, 0.3, 0.6], [8, 1, 2]],
    ['silu', (x) => fl.silu(x), [0.64778, 0.176613, 0.956367], [0.477998, 0.782441, 0.814737]],
  ];
  test.each(CASES)('%s: first and second derivatives as torch', (_name, f, wantG, wantH) => fl.scope(() => {
    const x = f64([0.3, -0.7, 1.1]).requiresGrad_();
    const [g] = fl.autograd.grad(f(x).sum(), [x], { createGraph: true });
    expect(g!.requiresGrad).toBe(true);
    near(v64(g), wantG, 1e-5);
    const [h] = fl.autograd.grad(g!.mul(f64([1, 2, 3])).sum(), [x]);
    near(v64(h), wantH, 1e-5);
  }));

  // a gradient penalty (WGAN-GP) on a two-layer net, then backward to the weights: torch 1.13, float64
  // D = lambda x: F.linear(act(F.linear(x, W1, b1)), W2, b2); out = D(x)
  // g, = torch.autograd.grad(out.sum(), x, create_graph=True); gp = ((g.norm(2, dim=1) - 1) ** 2).mean()
  // (out.mean() + 10 * gp).backward()
  test.each([
    ['leaky_relu(0.2)', (h: fl.Tensor) => fl.leakyRelu(h, 0.2), 0.2096795139,
      [5.2424959299, 2.7145716586, -6.9899945731, -3.6194288782, 0.524249593, 0.2714571659], [0.6, -0.8, 0.06], [0.0377842042, 6.3686738613, -0.0618209832], [-0.229, -0.145, -0.229, -0.145]],
    ['tanh(h) * sigmoid(h)', (h: fl.Tensor) => h.tanh().mul(h.sigmoid()), 0.5185147905,
      [4.6927255559, 2.493012332, -4.2024097708, -1.0030928615, 0.930638617, 0.4529321952], [0.3974160874, -0.6779161488, 0.0863661614], [-0.0878922644, 5.0362762334, -0.1658337613], [-1.2518555349, -0.2423701929, 0.8308875999, 0.0587952238]],
  ] as [string, (h: fl.Tensor) => fl.Tensor, number, number[], number[], number[], number[]][])('gradient penalty through %s as torch', (_n, act, wantGp, wantW1, wantB1, wantW2, wantX) => fl.scope(() => {
    const W1 = f64([0.2, -0.4, 0.7, 0.1, -0.3, 0.5], [3, 2]).requiresGrad_(), b1 = f64([0.1, -0.2, 0.05]).requiresGrad_();
    const W2 = f64([0.6, -0.8, 0.3], [1, 3]).requiresGrad_(), b2 = f64([0.02]).requiresGrad_();
    const x = f64([0.5, -1.0, 1.5, 0.25], [2, 2]).requiresGrad_();
    const out = fl.nn.functional.linear(act(fl.nn.functional.linear(x, W1, b1)), W2, b2);
    const [g] = fl.autograd.grad(out.sum(), [x], { createGraph: true });
    const gp = g!.mul(g!).sum(1).sqrt().sub(1).pow(2).mean();
    near(v64(gp), [wantGp]);
    out.mean().add(gp.mul(10)).backward();
    near(v64(W1.grad), wantW1);
    near(v64(b1.grad), wantB1);
    near(v64(W2.grad), wantW2);
    near(v64(b2.grad), [1]);
    near(v64(x.grad), wantX);
  }));

  test('backward({ createGraph }) leaves .grad in the graph; retainGraph follows createGraph', () => fl.scope(() => {
    // x.grad after (x ** 3).sum().backward(create_graph=True) is 3x²; x.grad.sum().backward() adds 6x
    const x = f64([1, 2]).requiresGrad_();
    const y = x.pow(3).sum();
    y.backward({ createGraph: true });
    expect(x.grad!.requiresGrad).toBe(true);
    near(v64(x.grad), [3, 12]);
    const g1 = x.grad!;
    x.grad = null;
    g1.sum().backward();
    near(v64(x.grad), [6, 12]);
    g1.dispose();
    y.backward();  // the graph was kept by createGraph's retainGraph default
    near(v64(x.grad), [9, 24]);
  }));

  test('an op whose backward is not differentiable is refused naming it, never a silent constant', () => fl.scope(() => {
    const w = 0;
    void w;
    const cell = new fl.nn.LSTMCell(2, 3).to('float64').to(DEVICE);
    const xi = f64([0.3, -0.7], [1, 2]).requiresGrad_();
    expect(() => fl.autograd.grad(cell.call(xi)[0].sum(), [xi], { createGraph: true })).toThrow(/createGraph: the backward of lstmCell is not differentiable/);
    const z = f64([0.3, -0.7, 1.1]).requiresGrad_();
    // checkpoint's recomputation runs a backward of its own: refused too
    expect(() => fl.autograd.grad(fl.checkpoint((t: fl.Tensor) => t.pow(3), z).sum(), [z], { createGraph: true })).toThrow(/createGraph: the backward of checkpoint/);
  }));

  test('layerNorm (the fused op; composed in a createGraph backward) as torch', () => fl.scope(() => {
    // g, = grad((F.layer_norm(x, [3], w, b) * x).sum(), [x], create_graph=True); then grad((g * [1, 2, 3]).sum(), [x]) and [w]
    const x = f64([0.3, -0.7, 1.1]).requiresGrad_();
    const w = f64([0.5, 2.0, -1.0]).requiresGrad_(), b = f64([0.1, 0.2, 0.3]).requiresGrad_();
    const c = f64([1, 2, 3]);
    const [g0] = fl.autograd.grad(fl.nn.functional.layerNorm(x, [3]).mul(x).sum(), [x], { createGraph: true });
    near(v64(g0), [0.0905365809, -1.2675121321, 1.1769755513]);
    near(v64(fl.autograd.grad(g0!.mul(c).sum(), [x])[0]), [-1.4025757214, 0.6233781178, 0.7791976036]);
    const [g] = fl.autograd.grad(fl.nn.functional.layerNorm(x, [3], w, b).mul(x).sum(), [x], { createGraph: true });
    near(v64(g), [1.3925346481, -2.8893235433, -1.5698750082]);
    const [hx, hw] = fl.autograd.grad(g!.mul(c).sum(), [x, w]);
    near(v64(hx), [-0.5712593357, 0.1111330069, 0.2263348999]);
    near(v64(hw), [-0.3302295527, -2.9713180546, 4.3879865777]);
  }));

  // a WGAN-GP penalty on a two-conv critic, as torch 1.13 (float64):
  // x = (arange(100).reshape(2, 2, 5, 5) % 7 - 3) / 4; w = (arange(54).reshape(3, 2, 3, 3) % 5 - 2) / 3; b = [0.1, -0.2, 0.3]
  // w2 = (arange(12).reshape(1, 3, 2, 2) % 3 - 1) / 2
  // out = F.conv2d(F.leaky_relu(F.conv2d(x, w, b, stride=s, padding=p, dilation=d), 0.2), w2).sum(dim=(1, 2, 3))
  // g, = grad(out.sum(), x, create_graph=True); gp = ((g.flatten(1).norm(dim=1) - 1) ** 2).mean(); (out.mean() + 10 * gp).backward()
  test.each([
    [1, 1, 1, 7.9194161598, [-1.323245441, -15.414929137, -10.439221408, -4.520053984, 11.002857237, -7.348562181], [-51.894960307, -46.393501157, 55.804629376, -12.326372654, 45.697054134, 80.749061128, -19.129479874, 26.697614706, 93.242175639, 68.928347611, 175.867282317, 187.751658498], [-4.0, 0.4, 6.0]],
    [2, 1, 1, 2.6182072728, [-6.708688014, 0.331034264, 1.00595425, 0.828973386, 11.124629435, -0.398442373], [-17.807885586, -32.10050374, 1.741861381, -36.440734008, -7.557206874, 25.276963467, -30.237482981, 5.151545402, 44.249125003, 9.190727003, 35.394691905, 22.966375591], [-1.0, -0.2, 1.8]],
    [1, 2, 2, 5.2986804599, [1.329940657, -9.336958201, -5.934581084, 11.170844479, 17.904060692, -4.940756206], [-89.19270438, -92.587533176, -19.222972899, -78.015860741, 15.924679159, 28.755802388, -50.828976886, -31.951767602, -26.779052867, -54.054240274, 59.794933681, 50.20749474], [-4.2, -0.8, 4.8]],
  ])('gradient penalty through conv2d (stride %i, padding %i, dilation %i) as torch', (st, pd, dl, wantGp, wantW6, wantW2, wantB) => fl.scope(() => {
    const ar = (n: number, m: number, sub: number, div: number, shape: number[]) => fl.arange(n, { dtype: 'float64', device: DEVICE }).remainder(m).sub(sub).div(div).reshape(shape);
    const x = ar(100, 7, 3, 4, [2, 2, 5, 5]).requiresGrad_();
    const w = ar(54, 5, 2, 3, [3, 2, 3, 3]).requiresGrad_();
    const b = f64([0.1, -0.2, 0.3]).requiresGrad_();
    const w2 = ar(12, 3, 1, 2, [1, 3, 2, 2]).requiresGrad_();
    const F = fl.nn.functional;
    const out = F.conv2d(fl.leakyRelu(F.conv2d(x, w, b, { stride: st, padding: pd, dilation: dl }), 0.2), w2).sum([1, 2, 3]);
    const [g] = fl.autograd.grad(out.sum(), [x], { createGraph: true });
    const gp = g!.reshape([2, -1]).square().sum(1).sqrt().sub(1).pow(2).mean();
    near(v64(gp), [wantGp]);
    out.mean().add(gp.mul(10)).backward();
    near(v64(w.grad).slice(0, 6), wantW6);
    near(v64(w2.grad), wantW2);
    near(v64(b.grad), wantB);
  }));

  // the poolings: x = (arange(100).reshape(2, 2, 5, 5) % 7 - 3) / 4; y = pool(x * x)
  // g, = grad(tanh(y).sum(), x, create_graph=True); h, = grad((g * g).sum(), x): g.sum(), h.sum(), (h * arange).sum()
  test.each([
    ['max_pool2d(2)', (t: fl.Tensor) => fl.nn.functional.maxPool2d(t, 2), 0.17009525, -3.15230875, -283.822295],
    ['max_pool2d(3, stride 2, padding 1)', (t: fl.Tensor) => fl.nn.functional.maxPool2d(t, 3, { stride: 2, padding: 1 }), 15.03125561, -7.94781216, -366.119039],
    ['avg_pool2d(2)', (t: fl.Tensor) => fl.nn.functional.avgPool2d(t, 2), -0.24781555, -0.23703925, -1.100969],
    ['avg_pool2d(3, 2, 1, count_include_pad=False)', (t: fl.Tensor) => fl.nn.functional.avgPool2d(t, 3, { stride: 2, padding: 1, countIncludePad: false }), 0.07108654, 1.717128, 18.17466],
    ['adaptive_avg_pool2d((2, 3))', (t: fl.Tensor) => fl.nn.functional.adaptiveAvgPool2d(t, [2, 3]), -0.61968335, -0.54691082, -73.741328],
  ] as [string, (t: fl.Tensor) => fl.Tensor, number, number, number][])('%s: second derivatives as torch', (_n, pool, wantG, wantH, wantHw) => fl.scope(() => {
    const x = fl.arange(100, { dtype: 'float64', device: DEVICE }).remainder(7).sub(3).div(4).reshape([2, 2, 5, 5]).requiresGrad_();
    const [g] = fl.autograd.grad(pool(x.mul(x)).tanh().sum(), [x], { createGraph: true });
    const [h] = fl.autograd.grad(g!.square().sum(), [x]);
    near([g!.sum().item(), h!.sum().item(), h!.mul(fl.arange(100, { dtype: 'float64', device: DEVICE }).reshape([2, 2, 5, 5])).sum().item()], [wantG, wantH, wantHw], 1e-6);  // torch's printed to 6-8 decimals
  }));

  test('a custom Function written with ops has second derivatives', () => fl.scope(() => {
    class Cube extends fl.autograd.Function {
      static forward(ctx: fl.autograd.FunctionCtx, x: fl.Tensor): fl.Tensor { ctx.saveForBackward(x); return x.pow(3); }
      static backward(ctx: fl.autograd.FunctionCtx, g: fl.Tensor): fl.Tensor { const [x] = ctx.savedTensors; return g.mul(x!.pow(2)).mul(3); }
    }
    const x = f64([0.5, -2]).requiresGrad_();
    const [g] = fl.autograd.grad((Cube.apply(x) as fl.Tensor).sum(), [x], { createGraph: true });
    near(v64(g), [0.75, 12]);
    const [h] = fl.autograd.grad(g!.sum(), [x]);
    near(v64(h), [3, -12]);
  }));
  // The saved output L goes straight into solveTriangular inside cholesky's backward; that op's
  // backward reads whether its input requires grad when the second backward runs. The backward used
  // to read the node's own saved view, attached for the call and detached after it, so that second
  // backward found it not requiring grad and dropped its part: h was [0.693, 0.492, 0.275, …].
  test('a saved output passed itself (not a view of it) to an op in a createGraph backward keeps its second derivative (cholesky, as torch)', () => fl.scope(() => {
    // A0 = tensor([[4,1,.5],[1,3,.2],[.5,.2,2]], float64, requires_grad=True); f = linalg.cholesky((A+A.mT)*.5).pow(3).sum()
    // g, = grad(f(A0), A0, create_graph=True); h, = grad((g * tensor([[1,2,3],[.5,-1,2],[1,1,-2]])).sum(), A0): torch 1.13
    const A = f64([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2], [3, 3]).requiresGrad_();
    const w = f64([1, 2, 3, 0.5, -1, 2, 1, 1, -2], [3, 3]);
    const [g] = fl.autograd.grad(fl.linalg.cholesky(A.add(A.mT).mul(0.5)).pow(3).sum(), [A], { createGraph: true });
    near(v64(g), [3.131991, -0.42786, -0.20021, -0.42786, 2.48897, -0.055063, -0.20021, -0.055063, 2.086809], 1e-6);
    const [h] = fl.autograd.grad(g!.mul(w).sum(), [A]);
    near(v64(h), [0.599482, 0.046681, -0.282712, 0.046681, -0.67154, -0.614328, -0.282712, -0.614328, -1.365684], 1e-6);
  }));
});

describe('nn.Module.registerFullBackwardHook', () => {
  const vals2 = (x: fl.Tensor | null): number[] | null => (x ? Array.from(x.dataSync() as Float32Array) : null);

  test('gradInput and gradOutput as torch; a returned gradInput replaces it', () => fl.scope(() => {
    // lin = nn.Linear(2, 1) with weight [[2, 3]], bias 0; (lin(x) * 5).sum().backward()
    // -> hook sees gi ([[10, 15]],), go ([[5]],); with x not requiring grad: gi (None,)
    const lin = new fl.nn.Linear(2, 1);
    fl.noGrad(() => { lin.weight.copy_(fl.tensor([[2, 3]], { dtype: 'float32' })); lin.bias!.fill_(0); });
    const log: [(number[] | null)[], (number[] | null)[]][] = [];
    const h = lin.registerFullBackwardHook((_m, gi, go) => { log.push([gi.map(vals2), go.map(vals2)]); });
    const x = fl.tensor([[1, 1]], { dtype: 'float32', device: DEVICE, requiresGrad: true });
    lin.to(DEVICE);
    lin.call(x).mul(5).sum().backward();
    expect(log).toEqual([[[[10, 15]], [[5]]]]);
    log.length = 0;
    lin.call(fl.tensor([[1, 1]], { dtype: 'float32', device: DEVICE })).mul(5).sum().backward();
    expect(log).toEqual([[[null], [[5]]]]);
    h.remove();
    // lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,)) -> x.grad [[100, 150]]
    lin.registerFullBackwardHook((_m, gi) => [gi[0]!.mul(10)]);
    x.grad?.dispose(); x.grad = null;
    lin.call(x).mul(5).sum().backward();
    expect(vals2(x.grad)).toEqual([100, 150]);
  }));

  test('several arguments and outputs, an unused output (torch: None)', () => fl.scope(() => {
    // class Two(nn.Module): forward(a, k, b) = (a * k, a * b); (o1.sum() + (o2 * 2).sum()).backward()
    // -> gi (a: [9, 11], k: None, b: no grad), go ([1, 1], [2, 2]); with only o1 used: go ([1, 1], None)
    class Two extends fl.nn.Module {
      forward(a: fl.Tensor, k: number, b: fl.Tensor): fl.Tensor[] { return [a.mul(k), a.mul(b)]; }
    }
    const t = new Two();
    const log: [(number[] | null)[], (number[] | null)[]][] = [];
    t.registerFullBackwardHook((_m, gi, go) => { log.push([gi.map(vals2), go.map(vals2)]); });
    const a = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE, requiresGrad: true }), b = fl.tensor([3, 4], { dtype: 'float32', device: DEVICE });
    let [o1, o2] = t.call(a, 3, b);
    o1.sum().add(o2.mul(2).sum()).backward();
    expect(log).toEqual([[[[9, 11], null, null], [[1, 1], [2, 2]]]]);
    log.length = 0;
    [o1, o2] = t.call(a, 3, b);
    o1.sum().backward();
    expect(log).toEqual([[[[3, 3], null, null], [[1, 1], null]]]);
    void o2;
  }));

  test('a bad return is refused', () => fl.scope(() => {
    const lin = new fl.nn.Linear(2, 1).to(DEVICE);
    lin.registerFullBackwardHook(() => 3 as never);
    const x = fl.ones([1, 2], { dtype: 'float32', device: DEVICE, requiresGrad: true });
    expect(() => lin.call(x).sum().backward()).toThrow(/backward hook: must return undefined or an array of 1 gradient/);
  }));
});
