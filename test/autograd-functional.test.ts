// autograd-functional.test.ts — fl.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp)
// against PyTorch 1.13's torch.autograd.functional, in float64: the expected values are torch's
// (rounded to 10 decimals), with the torch code beside them; the return structures (a Tensor or
// arrays, nested for jacobian and hessian), strict, createGraph results differentiated again, and
// the typed refusals. Runs on the CPU and on the emulator (DEVICE).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const F = fl.autograd.functional;
const D = (v: number[] | number, shape?: number[]): fl.Tensor => {
  const t = fl.tensor(v, { dtype: 'float64', device: DEVICE });
  return shape ? t.reshape(shape) : t;
};
const vals = (x: fl.Tensor): number[] => Array.from(x.dataSync() as Float64Array);
/** x has torch's shape and values (10 decimals). */
function same(x: unknown, shape: number[], want: number[], tol = 1e-9): void {
  expect(x).toBeInstanceOf(fl.Tensor);
  const t = x as fl.Tensor;
  expect(t.shape).toEqual(shape);
  expect(t.dtype).toBe('float64');
  expect(t.device.split(':')[0]).toBe(DEVICE.split(':')[0]);
  const got = vals(t);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => { if (!(Math.abs(g - want[i]) <= tol * (1 + Math.abs(want[i])))) throw new Error(`[${i}]: expected ${want[i]}, got ${g} (all: ${got})`); });
}
const asList = (x: unknown): unknown[] => { expect(Array.isArray(x)).toBe(true); return x as unknown[]; };

afterEach(() => fl.memory.emptyCache?.());

// A: f = lambda x: torch.sin(x) * x ** 2;  s = lambda x: f(x).sum();  x = tensor([0.5, -1.2, 2.0], float64)
const f = (x: fl.Tensor): fl.Tensor => x.sin().mul(x.pow(2));
const s = (x: fl.Tensor): fl.Tensor => f(x).sum();
const xA = (): fl.Tensor => D([0.5, -1.2, 2.0]);

describe('an elementwise function (torch 1.13, float64)', () => {
  test('jacobian: one Tensor in, one out: a Tensor of shape out.shape + in.shape', () => fl.scope(() => {
    // jacobian(f, x)
    same(F.jacobian(f, xA()), [3, 3], [0.6988211791, 0, 0, 0, 2.7586889728, 0, 0, 0, 1.9726023611]);
  }));
  test('vjp and jvp: [f(x), product]', () => fl.scope(() => {
    // vjp(f, x, tensor([1, -2, 0.5]))
    const [y, g] = F.vjp(f, xA(), D([1, -2, 0.5]));
    same(y, [3], [0.1198563847, -1.3421362838, 3.6371897073]);
    same(g, [3], [0.6988211791, -5.5173779455, 0.9863011806]);
    // jvp(f, x, tensor([0.3, 1, -1]))
    const [y2, d] = F.jvp(f, xA(), D([0.3, 1, -1]));
    same(y2, [3], [0.1198563847, -1.3421362838, 3.6371897073]);
    same(d, [3], [0.2096463537, 2.7586889728, -1.9726023611]);
    expect(y.requiresGrad || g.requiresGrad || d.requiresGrad).toBe(false);
  }));
  test('hessian, hvp, vhp of the sum', () => fl.scope(() => {
    // hessian(s, x)
    same(F.hessian(s, xA()), [3, 3], [2.5941598163, 0, 0, 0, -2.2612591096, 0, 0, 0, -5.147769546]);
    // hvp(s, x, tensor([0.3, 1, -1])) and vhp(s, x, tensor([0.3, 1, -1])): the same here
    for (const product of [F.hvp, F.vhp]) {
      const [y, p] = product(s, xA(), D([0.3, 1, -1]));
      same(y, [], [2.4149098082]);
      same(p, [3], [0.7782479449, -2.2612591096, 5.147769546]);
    }
  }));
  test('vectorize: accepted, the same values (computed by the same loop)', () => fl.scope(() => {
    same(F.jacobian(f, xA(), { vectorize: true }), [3, 3], [0.6988211791, 0, 0, 0, 2.7586889728, 0, 0, 0, 1.9726023611]);
    same(F.hessian(s, xA(), false, false, true), [3, 3], [2.5941598163, 0, 0, 0, -2.2612591096, 0, 0, 0, -5.147769546]);
  }));
});

// B: g = lambda x, y: (x * torch.exp(y), (x * y).sum());  x = tensor([0.5, -1.2]); y = tensor([0.3, 0.8])
const g2 = (x: fl.Tensor, y: fl.Tensor): fl.Tensor[] => [x.mul(y.exp()), x.mul(y).sum()];
describe('a function of two inputs with two outputs: nested arrays (torch 1.13)', () => {
  test('jacobian: J[i][j] for output i and input j', () => fl.scope(() => {
    // jacobian(g, (x, y))
    const J = asList(F.jacobian(g2, [D([0.5, -1.2]), D([0.3, 0.8])]));
    expect(J.length).toBe(2);
    const [J0, J1] = J.map(asList);
    same(J0[0], [2, 2], [1.3498588076, 0, 0, 2.2255409285]);
    same(J0[1], [2, 2], [0.6749294038, 0, 0, -2.6706491142]);
    same(J1[0], [2], [0.3, 0.8]);
    same(J1[1], [2], [0.5, -1.2]);
  }));
  test('vjp: [[outputs], [one gradient per input]]', () => fl.scope(() => {
    // vjp(g, (x, y), (tensor([1., -1.]), tensor(2.)))
    const [outs, grads] = F.vjp(g2, [D([0.5, -1.2]), D([0.3, 0.8])], [D([1, -1]), D(2, [])]);
    same(outs[0], [2], [0.6749294038, -2.6706491142]);
    same(outs[1], [], [-0.81]);
    same(grads[0], [2], [1.9498588076, -0.6255409285]);
    same(grads[1], [2], [1.6749294038, 0.2706491142]);
  }));
  test('jvp: [[outputs], [one product per output]]', () => fl.scope(() => {
    // jvp(g, (x, y), (tensor([0.5, 1.]), tensor([-1., 2.])))
    const [outs, prods] = F.jvp(g2, [D([0.5, -1.2]), D([0.3, 0.8])], [D([0.5, 1]), D([-1, 2])]);
    expect(outs.length).toBe(2);
    same(prods[0], [2], [0, -3.1157572999]);
    same(prods[1], [], [-1.95]);
  }));
  test('the nesting follows the arrays: one input in an array, an output in an array', () => fl.scope(() => {
    // jacobian(f, (x,)) -> (J,);  jacobian(lambda x: (f(x),), x) -> (J,);  jacobian(lambda x: (f(x),), (x,)) -> ((J,),)
    const want = [0.6988211791, 0, 0, 0, 2.7586889728, 0, 0, 0, 1.9726023611];
    const a = asList(F.jacobian(f, [xA()]));
    expect(a.length).toBe(1);
    same(a[0], [3, 3], want);
    const b = asList(F.jacobian((x) => [f(x)], xA()));
    same(b[0], [3, 3], want);
    const c = asList(F.jacobian((x) => [f(x)], [xA()]));
    same(asList(c[0])[0], [3, 3], want);
    // vjp(lambda x: (x * x).sum(), x): v may be left out for one element; (out, grad)
    const [y, gr] = F.vjp((x) => x.mul(x).sum(), D([0.5, -1.2]));
    same(y, [], [1.69]);
    same(gr, [2], [1, -2.4]);
    // jvp(lambda a: a * torch.ones(3), tensor([2.])) -> (tensor([2., 2., 2.]), tensor([1., 1., 1.]))
    const [y2, d] = F.jvp((a) => a.mul(fl.ones([3], { dtype: 'float64', device: DEVICE })), D([2]));
    same(y2, [3], [2, 2, 2]);
    same(d, [3], [1, 1, 1]);
  }));
});

describe('matrix functions (torch 1.13)', () => {
  // xm = tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]); W = tensor([[0.2, -0.1, 0.4, 0.], [0.3, 0.1, -0.5, 0.2], [-0.4, 0.6, 0.1, 0.3]])
  const xm = (): fl.Tensor => D([0.1, -0.2, 0.3, 0.4, 0.5, -0.6], [2, 3]);
  const W = (): fl.Tensor => D([0.2, -0.1, 0.4, 0, 0.3, 0.1, -0.5, 0.2, -0.4, 0.6, 0.1, 0.3], [3, 4]);
  test('softmax(x @ W): shape [2, 4, 2, 3]', () => fl.scope(() => {
    const w = W();
    // jacobian(lambda x: torch.softmax(x @ W, -1), xm)
    same(F.jacobian((x) => x.matmul(w).softmax(-1), xm()), [2, 4, 2, 3], [
      0.0151751021, 0.0606421006, -0.1174591381, 0, 0, 0, -0.0613110249, 0.0280135361, 0.1131903953, 0, 0, 0,
      0.0768798655, -0.1387358991, -0.0239524623, 0, 0, 0, -0.0307439428, 0.0500802624, 0.028221205, 0, 0, 0,
      0, 0, 0, 0.0214298934, 0.0882334109, -0.1704933405, 0, 0, 0, -0.0422690896, 0.0043891251, 0.0972676461,
      0, 0, 0, 0.0536318751, -0.1209504598, 0.0135435135, 0, 0, 0, -0.0327926789, 0.0283279238, 0.0596821809]);
    // jacobian(lambda x, w: torch.softmax(x @ w, -1)[:, :2], (xm[:1], W)): one output, two inputs: an array over inputs
    const J = asList(F.jacobian((x, ww) => x.matmul(ww).softmax(-1).narrow(1, 0, 2), [xm().narrow(0, 0, 1), w]));
    same(J[0], [1, 2, 1, 3], [0.0151751021, 0.0606421006, -0.1174591381, -0.0613110249, 0.0280135361, 0.1131903953]);
    same(J[1], [1, 2, 3, 4], [
      0.0160286745, -0.0054798161, -0.0055905157, -0.0049583426, -0.0320573489, 0.0109596322, 0.0111810314, 0.0099166853,
      0.0480860234, -0.0164394483, -0.0167715472, -0.0148750279, -0.0054798161, 0.0198623945, -0.0076222495, -0.0067603289,
      0.0109596322, -0.039724789, 0.0152444991, 0.0135206578, -0.0164394483, 0.0595871836, -0.0228667486, -0.0202809867]);
  }));

  // x2 = tensor([[0.5, -1.0], [1.5, 0.25]]); W1 = tensor([[0.2, -0.4, 0.7], [0.1, -0.3, 0.5]]); b1 = tensor([0.1, -0.2, 0.05])
  // W2 = tensor([[0.6], [-0.8], [0.3]]); mlp = lambda x, W1, b1, W2: torch.tanh(x @ W1 + b1) @ W2
  // loss = lambda W1, b1, W2: (mlp(x2, W1, b1, W2) ** 2).sum()
  const mlp = (x: fl.Tensor, W1: fl.Tensor, b1: fl.Tensor, W2: fl.Tensor): fl.Tensor => x.matmul(W1).add(b1).tanh().matmul(W2);
  const params = (): fl.Tensor[] => [D([0.2, -0.4, 0.7, 0.1, -0.3, 0.5], [2, 3]), D([0.1, -0.2, 0.05]), D([0.6, -0.8, 0.3], [3, 1])];
  const x2 = (): fl.Tensor => D([0.5, -1.0, 1.5, 0.25], [2, 2]);
  test('a small MLP with tanh: jacobian in x, hvp and vhp in the weights, hessian in the bias', () => fl.scope(() => {
    const [W1, b1, W2] = params();
    const x = x2();
    // jacobian(lambda x: mlp(x, W1, b1, W2), x2)
    same(F.jacobian((xx) => mlp(xx, W1, b1, W2), x), [2, 1, 2, 2], [0.6435430891, 0.4455298309, 0, 0, 0, 0, 0.323563938, 0.215306373]);
    const loss = (w1: fl.Tensor, bb: fl.Tensor, w2: fl.Tensor): fl.Tensor => mlp(x, w1, bb, w2).pow(2).sum();
    // v = (tensor([[1., 0., -1.], [0.5, 0.5, 0.]]), tensor([0.2, -0.3, 1.]), tensor([[1.], [-1.], [0.5]]))
    // hvp(loss, (W1, b1, W2), v) and vhp(loss, (W1, b1, W2), v): the same (the hessian is symmetric)
    const v = [D([1, 0, -1, 0.5, 0.5, 0], [2, 3]), D([0.2, -0.3, 1]), D([1, -1, 0.5], [3, 1])];
    for (const product of [F.hvp, F.vhp]) {
      const [y, p] = product(loss, [W1, b1, W2], v);
      same(y, [], [1.127455553]);
      expect(p.length).toBe(3);
      same(p[0], [2, 3], [4.7853823222, -5.2023683073, 1.7173556101, -0.7840285507, 1.1408316335, -0.5144150661]);
      same(p[1], [3], [4.1635424328, -4.7038720108, 1.6376058946]);
      same(p[2], [3, 1], [5.4699768136, -4.0484919069, 3.7473179102]);
    }
    // hessian(lambda b: loss(W1, b, W2), b1)
    same(F.hessian((bb) => loss(W1, bb, W2), b1), [3, 3], [
      0.3335714478, -1.3474243152, 0.4412432708, -1.3474243152, 0.3456601878, -0.5413481478, 0.4412432708, -0.5413481478, -0.1069969415]);
  }));
});

describe('hessian of scalar functions (torch 1.13)', () => {
  test('two inputs: H[i][j] of shape in[i].shape + in[j].shape', () => fl.scope(() => {
    // hessian(lambda x, y: (x ** 2 * y).sum() + (x * torch.sin(y)).sum(), (tensor([0.5, -1.2]), tensor([0.3, 0.8])))
    const H = asList(F.hessian((x, y) => x.pow(2).mul(y).sum().add(x.mul(y.sin()).sum()), [D([0.5, -1.2]), D([0.3, 0.8])])).map(asList);
    same(H[0][0], [2, 2], [0.6, 0, 0, 1.6]);
    same(H[0][1], [2, 2], [1.9553364891, 0, 0, -1.7032932907]);
    same(H[1][0], [2, 2], [1.9553364891, 0, 0, -1.7032932907]);
    same(H[1][1], [2, 2], [-0.1477601033, 0, 0, 0.8608273091]);
  }));
  test('a matrix input: shape [2, 2, 2, 2]', () => fl.scope(() => {
    // hessian(lambda a: (a @ a).sum() + (a ** 3).sum(), tensor([[0.5, -1.0], [1.5, 0.25]]))
    same(F.hessian((a) => a.matmul(a).sum().add(a.pow(3).sum()), D([0.5, -1.0, 1.5, 0.25], [2, 2])), [2, 2, 2, 2],
      [5, 1, 1, 0, 1, -6, 2, 1, 1, 2, 9, 1, 0, 1, 1, 3.5]);
  }));
  test('a linear function: zeros; a function independent of an input: zeros for it', () => fl.scope(() => {
    // hessian(lambda a: (a * 2).sum(), x) -> zeros(2, 2)
    same(F.hessian((a) => a.mul(2).sum(), D([0.5, -1.2])), [2, 2], [0, 0, 0, 0]);
    // hvp(lambda a, b: (a ** 3).sum(), (x, y), (x, y)) -> (tensor(-1.6030), (tensor([1.5, 8.64]), tensor([0., 0.])))
    const [y, p] = F.hvp((a, _b) => a.pow(3).sum(), [D([0.5, -1.2]), D([0.3, 0.8])], [D([0.5, -1.2]), D([0.3, 0.8])]);
    same(y, [], [-1.603]);
    same(p[0], [2], [1.5, 8.64]);
    same(p[1], [2], [0, 0]);
  }));
});

describe('createGraph: results that can be differentiated again (torch 1.13)', () => {
  // x = tensor([0.5, -1.2, 2.0], float64, requires_grad=True)
  const xr = (): fl.Tensor => xA().requiresGrad_();
  test('hessian, jacobian: third and second derivatives reach the input', () => fl.scope(() => {
    const x = xr();
    // H = hessian(s, x, create_graph=True); torch.autograd.grad(H.sum(), x)
    const H = F.hessian(s, x, { createGraph: true });
    expect(H.requiresGrad).toBe(true);
    same(fl.autograd.grad(H.sum(), [x])[0], [3], [3.6078231151, -5.0583300586, -11.743862795]);
    // J = jacobian(f, x, create_graph=True); torch.autograd.grad((J * tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])).sum(), x)
    const J = F.jacobian(f, x, { createGraph: true });
    same(fl.autograd.grad(J.mul(D([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3])).sum(), [x])[0], [3], [2.5941598163, -11.3062955481, -46.3299259143]);
    expect(x.grad).toBeNull();
  }));
  test('vjp, jvp, hvp', () => fl.scope(() => {
    const x = xr();
    // o, j = vjp(f, x, tensor([1, -2, 0.5]), create_graph=True); torch.autograd.grad(j.sum() + o.sum(), x)
    const [o, j] = F.vjp(f, x, D([1, -2, 0.5]), { createGraph: true });
    expect([o.requiresGrad, j.requiresGrad]).toEqual([true, true]);
    same(fl.autograd.grad(j.sum().add(o.sum()), [x])[0], [3], [3.2929809954, 7.281207192, -0.6012824119]);
    // o, j = jvp(f, x, tensor([0.3, 1, -1]), create_graph=True); torch.autograd.grad(j.sum(), x)
    const [, d] = F.jvp(f, x, D([0.3, 1, -1]), { createGraph: true });
    same(fl.autograd.grad(d.sum(), [x])[0], [3], [0.7782479449, -2.2612591096, 5.147769546]);
    // o, p = hvp(s, x, tensor([0.3, 1, -1]), create_graph=True); torch.autograd.grad(p.sum(), x)
    const [, p] = F.hvp(s, x, D([0.3, 1, -1]), { createGraph: true });
    same(fl.autograd.grad(p.sum(), [x])[0], [3], [1.0823469345, -5.0583300586, 11.743862795]);
  }));
  test('without createGraph nothing is in the graph, and the caller\'s input is untouched; inside noGrad too', () => fl.scope(() => {
    const x = xr();
    const [o, j] = F.vjp(f, x, D([1, -2, 0.5]));
    expect([o.requiresGrad, j.requiresGrad, x.grad]).toEqual([false, false, null]);
    const H = fl.noGrad(() => F.hessian(s, x));
    expect(H.requiresGrad).toBe(false);
    same(H, [3, 3], [2.5941598163, 0, 0, 0, -2.2612591096, 0, 0, 0, -5.147769546]);
    expect(fl.isGradEnabled()).toBe(true);
  }));
});

describe('strict (torch 1.13)', () => {
  const x = (): fl.Tensor => D([0.5, -1.2]), y = (): fl.Tensor => D([0.3, 0.8]);
  test('an output independent of an input: zeros, or an AutogradError with strict', () => fl.scope(() => {
    // jacobian(lambda a, b: a * 2, (x, y)) -> (2 * eye(2), zeros(2, 2))
    const J = asList(F.jacobian((a, _b) => a.mul(2), [x(), y()]));
    same(J[0], [2, 2], [2, 0, 0, 2]);
    same(J[1], [2, 2], [0, 0, 0, 0]);
    // strict=True: "Output 0 of the user-provided function is independent of input 1. This is not allowed in strict mode."
    expect(() => F.jacobian((a, _b) => a.mul(2), [x(), y()], { strict: true })).toThrow(/output 0 of the user-provided function is independent of input 1/);
    // vjp(lambda a, b: (a * a).sum(), (x, y)) -> (1.69, (tensor([1., -2.4]), zeros(2))); strict: "...independent of input 1"
    const [, gs] = F.vjp((a, _b) => a.mul(a).sum(), [x(), y()]);
    same(gs[1], [2], [0, 0]);
    expect(() => F.vjp((a, _b) => a.mul(a).sum(), [x(), y()], { strict: true })).toThrow(/independent of input 1/);
    // jvp(lambda a, b: a * a, (x, y), (x, y)) -> (.., tensor([0.5, 2.88])); strict: "...independent of input 1"
    same(F.jvp((a, _b) => a.mul(a), [x(), y()], [x(), y()])[1], [2], [0.5, 2.88]);
    expect(() => F.jvp((a, _b) => a.mul(a), [x(), y()], [x(), y()], { strict: true })).toThrow(fl.AutogradError);
    expect(() => F.hvp((a, _b) => a.pow(3).sum(), [x(), y()], [x(), y()], { strict: true })).toThrow(/independent of input 1/);
  }));
  test('an output that does not require grad; a linear function with createGraph; hessian of a linear function', () => fl.scope(() => {
    // jacobian(lambda a: torch.ones(2), x) -> zeros(2, 2); strict: "Output 0 of the user-provided function does not require gradients."
    same(F.jacobian(() => fl.ones([2], { dtype: 'float64', device: DEVICE }), x()), [2, 2], [0, 0, 0, 0]);
    expect(() => F.jacobian(() => fl.ones([2], { dtype: 'float64', device: DEVICE }), x(), { strict: true })).toThrow(/output 0 of the user-provided function does not require gradients/);
    // jacobian(lambda a: a * 2, x, strict=True) is fine; with create_graph=True: "The jacobian ... is independent of input 0 ... when create_graph=True."
    same(F.jacobian((a) => a.mul(2), x(), { strict: true }), [2, 2], [2, 0, 0, 2]);
    expect(() => F.jacobian((a) => a.mul(2), x(), { strict: true, createGraph: true })).toThrow(/independent of input 0; this is not allowed in strict mode when createGraph=true/);
    // hessian(lambda a: (a * 2).sum(), x, strict=True): "While computing the hessian, found that the jacobian ... is independent of the input."
    expect(() => F.hessian((a) => a.mul(2).sum(), x(), { strict: true })).toThrow(/while computing the hessian, found that the jacobian of the user-provided function with respect to input 0/);
    expect(() => F.vhp((a) => a.mul(2).sum(), x(), x(), { strict: true })).toThrow(/while computing the hessian/);
    // vhp(lambda a: (a * 2).sum(), x, x) -> (tensor(-1.4), zeros(2))
    same(F.vhp((a) => a.mul(2).sum(), x(), x())[1], [2], [0, 0]);
  }));
});

describe('typed refusals (torch raises there too)', () => {
  const x = (): fl.Tensor => D([0.5, -1.2]);
  test('v of the wrong shape or length, or missing', () => fl.scope(() => {
    // vjp(lambda a: a * a, x, torch.ones(3)): "v has invalid size: should be torch.Size([2]) but got torch.Size([3])."
    expect(() => F.vjp((a) => a.mul(a), x(), D([1, 2, 3]))).toThrow(new fl.ShapeError('autograd.functional.vjp: v has invalid size: should be [2] but got [3]'));
    // vjp(lambda a, b: (a * b, b), (x, y), (x,)): "v is a tuple of invalid length: should be 2 but got 1."
    expect(() => F.vjp((a, b) => [a.mul(b), b], [x(), x()], [x()])).toThrow(/v is an array of invalid length: should be 2 but got 1/);
    // jvp(lambda a: a * a, x, (x, y)): "The given v should contain a single Tensor."
    expect(() => F.jvp((a) => a.mul(a), x(), [x(), x()])).toThrow(fl.ValueError);
    expect(() => F.hvp((a) => a.mul(a).sum(), [x(), x()], [x(), D([1])])).toThrow(/entry 1 in v has invalid size/);
    // jvp(lambda a: a * a, x): "The vector v can only be None if the input to the user-provided function is a single Tensor with a single element."
    expect(() => F.jvp((a) => a.mul(a), x())).toThrow(/the vector v can only be null if the input/);
    expect(() => F.vjp((a) => a.mul(a), x())).toThrow(/the vector v can only be null if the user-provided function returns/);
  }));
  test('hessian, hvp: the function must return one Tensor with one element', () => fl.scope(() => {
    // "The Tensor returned by the function given to hessian should contain a single element"
    expect(() => F.hessian((a) => a.mul(a), x())).toThrow(fl.ShapeError);
    // "The function given to hessian should return a single Tensor"
    expect(() => F.hessian(((a: fl.Tensor) => [a.sum()]) as never, x())).toThrow(/should return a single Tensor/);
    expect(() => F.hvp((a) => a.mul(a), x(), x())).toThrow(/given to hvp should contain a single element/);
  }));
  test('inputs and outputs that are not Tensors, integer inputs, an empty output', () => fl.scope(() => {
    // TypeError "The outputs of the user-provided function given to jacobian must be either a Tensor or a tuple of Tensors"
    expect(() => F.jacobian((() => 3) as never, x())).toThrow(fl.ValueError);
    expect(() => F.jacobian((a) => a, [x(), 2] as never)).toThrow(/the value at index 1 is 2/);
    expect(() => F.jacobian(5 as never, x())).toThrow(fl.ValueError);
    // RuntimeError "only Tensors of floating point dtype can require gradients"
    expect(() => F.jacobian((a) => a, fl.tensor([1, 2], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
    // jacobian(lambda a: a * 2, torch.zeros(0)): RuntimeError "stack expects a non-empty TensorList"
    expect(() => F.jacobian((a) => a.mul(2), fl.zeros([0], { dtype: 'float64', device: DEVICE }))).toThrow(/has no elements/);
    const gone = x();
    gone.dispose();
    expect(() => F.vjp((a) => a.sum(), gone)).toThrow(fl.DisposedError);
  }));
  test('options: forward-mode, strict with vectorize, an unknown key', () => fl.scope(() => {
    // torch: forward-mode needs vectorize=True (NotImplementedError); flintml has no forward-mode AD
    expect(() => F.jacobian((a) => a.mul(a), x(), { strategy: 'forward-mode' })).toThrow(/'forward-mode' is not supported/);
    expect(() => F.hessian((a) => a.mul(a).sum(), x(), { outerJacobianStrategy: 'forward-mode' })).toThrow(fl.ValueError);
    expect(() => F.jacobian((a) => a.mul(a), x(), { strategy: 'backward' as never })).toThrow(fl.ValueError);
    // "`strict=True` and `vectorized=True` are not supported together"
    expect(() => F.jacobian((a) => a.mul(a), x(), { vectorize: true, strict: true })).toThrow(/strict=true and vectorize=true/);
    expect(() => F.vjp((a) => a.sum(), x(), { stric: true } as never)).toThrow(new fl.ValueError("autograd.functional.vjp: unknown option 'stric' (did you mean 'strict'?)"));
  }));
  test('an op whose backward is not twice differentiable: hessian, jvp and hvp refuse it naming the op', () => fl.scope(() => {
    // torch computes these; flintml's checkpoint runs a backward of its own (lib/autograd.ts: createGraph)
    const cp = (a: fl.Tensor): fl.Tensor => fl.checkpoint((t: fl.Tensor) => t.pow(3), a);
    const a0 = D([0.3, -0.7, 1.1]);
    expect(() => F.hessian((a) => cp(a).sum(), a0)).toThrow(/createGraph: the backward of checkpoint is not differentiable/);
    expect(() => F.hvp((a) => cp(a).sum(), a0, a0)).toThrow(/the backward of checkpoint/);
    expect(() => F.vhp((a) => cp(a).sum(), a0, a0)).toThrow(/the backward of checkpoint/);
    expect(() => F.jvp(cp, a0, a0)).toThrow(/the backward of checkpoint/);
  }));
});
