// activation.test.ts — the activations of lib/nn/activation.ts: F.elu, selu, celu, mish, hardtanh,
// relu6, logsigmoid, softsign, hardsigmoid, glu, softmin, tanhshrink, softshrink, hardshrink,
// threshold, prelu, rrelu, softplus (beta, threshold) and their modules (nn.ELU … nn.Softplus,
// nn.PReLU's weight, nn.Softmax2d).
// References: PyTorch 1.13 golden values (the torch call beside each, float64 inputs, gradients of
// sum(y * W) for the weights W shown), finite differences (fl.gradcheck, also of the first
// derivative for the second), torch's module reprs. Tolerance: 1e-12 relative for float64 goldens.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, expectClose } from './helpers';

const F = fl.nn.functional;
const nn = fl.nn;
const o64 = { dtype: 'float64' as const, device: DEVICE };
const t64 = (v: number[] | number[][] | number[][][], grad = false): fl.Tensor => {
  const t = fl.tensor(v, o64);
  return grad ? t.requiresGrad_(true) : t;
};
const vals = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const close = (t: fl.Tensor, want: number[]): void => expectClose(t, want, 'float64', 100);
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

const X = [-3, -1, -0.5, 0, 0.25, 0.5, 1, 2.5, 7, 30];
const W = [1, -2, 0.5, 3, -1, 2, 0.25, -0.5, 1.5, 1];
// torch 1.13, float64: x = tensor(X, requires_grad=True); y = <call>; (y * tensor(W)).sum().backward() -> y, x.grad
const GOLD: [string, (x: fl.Tensor) => fl.Tensor, number[], number[]][] = [
  // F.elu(x, 0.7)
  ['elu', (x) => F.elu(x, 0.7), [-0.6651490521424952, -0.44248439117999033, -0.2754285382011566, 0.0, 0.25, 0.5, 1.0, 2.5, 7.0, 30.0], [0.03485094785750476, -0.5150312176400192, 0.21228573089942168, 2.0999999999999996, -1.0, 2.0, 0.25, -0.5, 1.5, 1.0]],
  // F.selu(x)
  ['selu', (x) => F.selu(x), [-1.6705687287671118, -1.1113307378125625, -0.6917581878028713, 0.0, 0.2626752468388701, 0.5253504936777402, 1.0507009873554805, 2.626752468388701, 7.354906911488364, 31.521029620664414], [0.08753061208026487, -1.293537206069628, 0.5331705765222526, 5.27429802254213, -1.0507009873554805, 2.101401974710961, 0.2626752468388701, -0.5253504936777402, 1.5760514810332207, 1.0507009873554805]],
  // F.celu(x, 2.0)
  ['celu', (x) => F.celu(x, 2), [-1.5537396797031404, -0.7869386805747332, -0.44239843385719024, 0.0, 0.25, 0.5, 1.0, 2.5, 7.0, 30.0], [0.22313016014842982, -1.2130613194252668, 0.38940039153570244, 3.0, -1.0, 2.0, 0.25, -0.5, 1.5, 1.0]],
  // F.mish(x)
  ['mish', (x) => F.mish(x), [-0.1456474612756246, -0.30340146137410895, -0.22074377465173, 0.0, 0.1695724096638176, 0.37524521130489513, 0.8650983882673103, 2.471392304557881, 6.999988379809741, 30.0], [-0.09339311453232084, -0.11843351175479003, 0.14475533895675613, 1.7999999999999998, -0.7541726677205928, 1.7728487507154547, 0.26225905502494806, -0.5205647650656765, 1.5000323387413335, 1.0]],
  // F.hardtanh(x, -0.5, 2.5)
  ['hardtanh', (x) => F.hardtanh(x, -0.5, 2.5), [-0.5, -0.5, -0.5, 0.0, 0.25, 0.5, 1.0, 2.5, 2.5, 2.5], [0.0, 0.0, 0.0, 3.0, -1.0, 2.0, 0.25, 0.0, 0.0, 0.0]],
  // F.relu6(x)
  ['relu6', (x) => F.relu6(x), [0.0, 0.0, 0.0, 0.0, 0.25, 0.5, 1.0, 2.5, 6.0, 6.0], [0.0, 0.0, 0.0, 0.0, -1.0, 2.0, 0.25, -0.5, 0.0, 0.0]],
  // F.logsigmoid(x)
  ['logsigmoid', (x) => F.logsigmoid(x), [-3.048587351573742, -1.3132616875182228, -0.9740769841801067, -0.6931471805599453, -0.5759394198788436, -0.4740769841801067, -0.31326168751822286, -0.07888973429254963, -0.0009114664537742447, -9.357622968839737e-14], [0.9525741268224333, -1.4621171572600098, 0.31122966560092724, 1.5, -0.4378234991142019, 0.7550813375962909, 0.06723535534249878, -0.03792909001062178, 0.0013665767916009681, 9.3576229688393e-14]],
  // F.softsign(x)
  ['softsign', (x) => F.softsign(x), [-0.75, -0.5, -0.3333333333333333, 0.0, 0.2, 0.3333333333333333, 0.5, 0.7142857142857143, 0.875, 0.967741935483871], [0.0625, -0.5, 0.2222222222222222, 3.0, -0.64, 0.8888888888888888, 0.0625, -0.040816326530612235, 0.0234375, 0.00104058272632674]],
  // F.hardsigmoid(x) (the gradient: w/6 strictly inside (-3, 3); torch 1.13 rounds 1/6 to float32 in its float64 backward)
  ['hardsigmoid', (x) => F.hardsigmoid(x), [0.0, 0.3333333333333333, 0.4166666666666667, 0.5, 0.5416666666666666, 0.5833333333333334, 0.6666666666666666, 0.9166666666666666, 1.0, 1.0], [0.0, -0.3333333333333333, 0.08333333333333333, 0.5, -0.16666666666666666, 0.3333333333333333, 0.041666666666666664, -0.08333333333333333, 0.0, 0.0]],
  // F.tanhshrink(x)
  ['tanhshrink', (x) => F.tanhshrink(x), [-2.0049452463132695, -0.23840584404423515, -0.03788284273999026, 0.0, 0.005081337596290869, 0.03788284273999026, 0.23840584404423515, 1.5133857018485697, 6.0000016630560555, 29.0], [0.9901339628345598, -1.1600513167719477, 0.1067761335170363, 0.0, -0.05998515119362202, 0.4271045340681452, 0.14500641459649347, -0.48670388665841974, 1.4999950108359827, 1.0]],
  // F.softshrink(x, 0.5)
  ['softshrink', (x) => F.softshrink(x, 0.5), [-2.5, -0.5, 0.0, 0.0, 0.0, 0.0, 0.5, 2.0, 6.5, 29.5], [1.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.25, -0.5, 1.5, 1.0]],
  // F.hardshrink(x, 1.0)
  ['hardshrink', (x) => F.hardshrink(x, 1), [-3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.5, 7.0, 30.0], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.5, 1.5, 1.0]],
  // F.threshold(x, 0.25, -7.0)
  ['threshold', (x) => F.threshold(x, 0.25, -7), [-7.0, -7.0, -7.0, -7.0, -7.0, 0.5, 1.0, 2.5, 7.0, 30.0], [0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.25, -0.5, 1.5, 1.0]],
  // F.rrelu(x, 0.1, 0.3, training=False)
  ['rrelu', (x) => F.rrelu(x, 0.1, 0.3, false), [-0.6000000000000001, -0.2, -0.1, 0.0, 0.25, 0.5, 1.0, 2.5, 7.0, 30.0], [0.2, -0.4, 0.1, 0.6000000000000001, -1.0, 2.0, 0.25, -0.5, 1.5, 1.0]],
  // F.softplus(x, 2.0, 5.0)
  ['softplus', (x) => F.softplus(x, 2, 5), [0.0012378425688652247, 0.06346400552148625, 0.15663084375911143, 0.34657359027997264, 0.48703849209005334, 0.6566308437591114, 1.0634640055214863, 2.503357674244559, 7.0, 30.0], [0.0024726231566347748, -0.2384058440442351, 0.13447071068499755, 1.5, -0.6224593312018546, 1.4621171572600098, 0.2201992694944706, -0.4966535745378576, 1.5, 1.0]],
  // F.softplus(x)
  ['softplusdef', (x) => F.softplus(x), [0.04858735157374206, 0.31326168751822286, 0.4740769841801067, 0.6931471805599453, 0.8259394198788436, 0.9740769841801067, 1.3132616875182228, 2.5788897342925496, 7.000911466453774, 30.0], [0.04742587317756679, -0.5378828427399902, 0.18877033439907273, 1.5, -0.5621765008857981, 1.2449186624037092, 0.18276464465750122, -0.4620709099893782, 1.498633423208399, 1.0]],
];
// glu: x = tensor([[0.5, -1, 2, 0.25], [-3, 1.5, 0, 1]]); y = F.glu(x, 1); (y * tensor([[1, -2], [0.5, 3]])).sum().backward()
const GLU_Y = [[0.44039853898894116, -0.5621765008857981], [-1.5, 1.0965878679450074]], GLU_G = [[0.8807970779778823, -1.1243530017715961, 0.05249679270175331, 0.4922681654751967], [0.25, 2.193175735890015, -0.375, 0.8847536995866683]];
// softmin: y = F.softmin(x, 0); (y * tensor([[1, -2, 0.5, 3], [2, 0, -1, 1]])).sum().backward()
const SOFTMIN_Y = [[0.029312230751356316, 0.9241418199787566, 0.11920292202211755, 0.679178699175393], [0.9706877692486436, 0.07585818002124356, 0.8807970779778823, 0.32082130082460697]], SOFTMIN_G = [[0.028453023879735553, 0.14020743309021613, -0.15749037810525976, -0.4357899875236281], [-0.028453023879735705, -0.14020743309021635, 0.15749037810525987, 0.43578998752362796]];
// prelu: x [1, 3, 2] = [[[0.5, -1], [2, -0.25], [-3, 1.5]]], w = [0.1, -0.2, 0.3]; y = F.prelu(x, w); (y * [[[1, 2], [-1, 0.5], [3, -2]]]).sum().backward()
const PRELU_Y = [[[0.5, -0.1], [2.0, 0.05], [-0.8999999999999999, 1.5]]], PRELU_GX = [[[1.0, 0.2], [-1.0, -0.1], [0.8999999999999999, -2.0]]], PRELU_GW = [-2.0, -0.125, -9.0];


describe('the activation functions against torch', () => {
  test.each(GOLD)('%s: values and gradient (kinks included)', (_name, f, y, g) => {
    fl.scope(() => {
      const x = t64(X, true);
      const out = f(x);
      close(out, y);
      fl.mul(out, t64(W)).sum().backward();
      close(x.grad!, g);
      x.grad!.dispose();
    });
  });
  test('glu, softmin, prelu', () => {
    fl.scope(() => {
      const x = t64([[0.5, -1, 2, 0.25], [-3, 1.5, 0, 1]], true);
      const y = F.glu(x, 1);
      close(y, flat(GLU_Y));
      fl.mul(y, t64([[1, -2], [0.5, 3]])).sum().backward();
      close(x.grad!, flat(GLU_G));
      const x2 = t64([[0.5, -1, 2, 0.25], [-3, 1.5, 0, 1]], true);
      const s = F.softmin(x2, 0);
      close(s, flat(SOFTMIN_Y));
      fl.mul(s, t64([[1, -2, 0.5, 3], [2, 0, -1, 1]])).sum().backward();
      close(x2.grad!, flat(SOFTMIN_G));
      const x3 = t64([[[0.5, -1], [2, -0.25], [-3, 1.5]]], true), w = t64([0.1, -0.2, 0.3], true);
      const p = F.prelu(x3, w);
      close(p, flat(PRELU_Y));
      fl.mul(p, t64([[[1, 2], [-1, 0.5], [3, -2]]])).sum().backward();
      close(x3.grad!, flat(PRELU_GX));
      close(w.grad!, flat(PRELU_GW));
      for (const t of [x, x2, x3, w]) t.grad!.dispose();
    });
  });
  test('softplus with beta and threshold: linear above the threshold, finite gradients at large x', () => {
    fl.scope(() => {
      // torch: F.softplus(tensor([1e3, -1e3, 4.]), 0.5, 100) = [1000, 0, 4.253856...]
      const x = t64([1000, -1000, 4], true);
      const y = F.softplus(x, 0.5, 100);
      close(y, [1000, 0, 2 * Math.log1p(Math.exp(2))]);
      y.sum().backward();
      close(x.grad!, [1, 0, 1 / (1 + Math.exp(-2))]);
      x.grad!.dispose();
      // the options form and the module
      close(F.softplus(t64([3]), { beta: 2, threshold: 5 }), [3]);
      close(new nn.Softplus(2, 5).forward(t64([3])), [3]);
    });
  });
  test('float16 and float32 inputs give their dtype', () => {
    fl.scope(() => {
      for (const f of [F.elu, F.selu, F.celu, F.mish, F.hardtanh, F.relu6, F.logsigmoid, F.softsign, F.hardsigmoid, F.tanhshrink, F.softshrink, F.hardshrink, F.rrelu, F.softplus]) {
        for (const dt of ['float32', 'float16', 'bfloat16'] as const) {
          const y = (f as (x: fl.Tensor) => fl.Tensor)(fl.tensor(X, { dtype: dt, device: DEVICE }));
          expect(y.dtype).toBe(dt);
        }
      }
      expectClose(F.mish(fl.tensor([1, -1], { dtype: 'float16', device: DEVICE })), [0.8650983882673103, -0.30340146137410895], 'float16');
    });
  });
  test('integer inputs: hardtanh, relu6 and threshold keep the dtype (torch\'s int64 as int32)', () => {
    fl.scope(() => {
      const i = fl.tensor([1, 2, 8, -3], { dtype: 'int32', device: DEVICE });
      // torch: F.relu6(tensor([1, 2, 8, -3])) = [1, 2, 6, 0]; F.hardtanh(x) = [1, 1, 1, -1]; F.threshold(x, 1.5, 0.7) = [0, 2, 8, 0]
      const r = F.relu6(i);
      expect([r.dtype, vals(r)]).toEqual(['int32', [1, 2, 6, 0]]);
      expect(vals(F.hardtanh(i))).toEqual([1, 1, 1, -1]);
      const t = F.threshold(i, 1.5, 0.7);
      expect([t.dtype, vals(t)]).toEqual(['int32', [0, 2, 8, 0]]);
      // softsign and tanhshrink are torch's compositions: integers become float32
      expect(F.softsign(i).dtype).toBe('float32');
    });
  });
  test('empty and 0-dim inputs', () => {
    fl.scope(() => {
      expect(F.elu(fl.zeros([0, 3], o64)).shape).toEqual([0, 3]);
      expect(F.glu(fl.zeros([0, 4], o64)).shape).toEqual([0, 2]);
      close(F.selu(t64(-1 as unknown as number[]).reshape([])), [-1.1113307378125625]);
      expect(F.prelu(fl.tensor(-2, o64), fl.tensor([0.25], o64)).item()).toBe(-0.5);
    });
  });
});

describe('gradcheck in float64, first and second derivatives', () => {
  // points away from the kinks (finite differences straddle them)
  const P = [-2.3, -0.7, 0.4, 1.3, 2.2, 6.5];
  const fns: [string, (x: fl.Tensor) => fl.Tensor][] = [
    ['elu', (x) => F.elu(x, 0.8)], ['selu', (x) => F.selu(x)], ['celu', (x) => F.celu(x, 1.5)], ['mish', (x) => F.mish(x)],
    ['hardtanh', (x) => F.hardtanh(x, -1, 2)], ['relu6', (x) => F.relu6(x)], ['logsigmoid', (x) => F.logsigmoid(x)],
    ['softsign', (x) => F.softsign(x)], ['hardsigmoid', (x) => F.hardsigmoid(x)], ['tanhshrink', (x) => F.tanhshrink(x)],
    ['softshrink', (x) => F.softshrink(x, 0.5)], ['hardshrink', (x) => F.hardshrink(x, 0.5)], ['threshold', (x) => F.threshold(x, 0.1, 3)],
    ['rrelu', (x) => F.rrelu(x)], ['softplus', (x) => F.softplus(x, 2, 6)], ['glu', (x) => F.glu(x.reshape([2, 3]), 0)],
    ['softmin', (x) => F.softmin(x.reshape([2, 3]), 1)], ['prelu', (x) => F.prelu(x.reshape([1, 2, 3]), fl.tensor([0.3, -0.1], o64))],
  ];
  test.each(fns)('%s', (_n, f) => {
    fl.scope(() => {
      const x = t64(P, true);
      expect(fl.gradcheck(f, [x])).toBe(true);
      // the gradient of the first derivative (createGraph through the composed ops); gradcheck's
      // perturbed evaluations run without grad on inputs that do not require it: a leaf of its own
      const gradOf = (t: fl.Tensor): fl.Tensor => fl.enableGrad(() => {
        const leaf = t.requiresGrad ? t : t.detach().requiresGrad_();
        return fl.autograd.grad(fl.mul(f(leaf), f(leaf)).sum(), [leaf], { createGraph: t.requiresGrad })[0]!;
      });
      expect(fl.gradcheck(gradOf, [x])).toBe(true);
    });
  });
  test('prelu: the weight\'s gradient', () => {
    fl.scope(() => {
      const w = t64([0.3, -0.1], true);
      expect(fl.gradcheck((a: fl.Tensor) => F.prelu(t64(P).reshape([1, 2, 3]), a), [w])).toBe(true);
    });
  });
});

describe('modules', () => {
  test('repr strings are torch\'s', () => {
    // torch 1.13: repr(nn.ELU()), repr(nn.ELU(0.5, True)), …
    const want: [fl.nn.Module, string][] = [
      [new nn.ELU(), 'ELU(alpha=1.0)'], [new nn.ELU(0.5, true), 'ELU(alpha=0.5, inplace=True)'], [new nn.SELU(), 'SELU()'],
      [new nn.SELU(true), 'SELU(inplace=True)'], [new nn.CELU(), 'CELU(alpha=1.0)'], [new nn.CELU(2, true), 'CELU(alpha=2.0, inplace=True)'],
      [new nn.Mish(), 'Mish()'], [new nn.Mish(true), 'Mish(inplace=True)'], [new nn.Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)'],
      [new nn.Hardtanh(-2.5, 3.5, true), 'Hardtanh(min_val=-2.5, max_val=3.5, inplace=True)'], [new nn.ReLU6(), 'ReLU6()'], [new nn.ReLU6(true), 'ReLU6(inplace=True)'],
      [new nn.LogSigmoid(), 'LogSigmoid()'], [new nn.Softsign(), 'Softsign()'], [new nn.Hardsigmoid(), 'Hardsigmoid()'], [new nn.Hardsigmoid(true), 'Hardsigmoid()'],
      [new nn.GLU(), 'GLU(dim=-1)'], [new nn.GLU(1), 'GLU(dim=1)'], [new nn.Softmin(1), 'Softmin(dim=1)'], [new nn.Softmax2d(), 'Softmax2d()'],
      [new nn.Tanhshrink(), 'Tanhshrink()'], [new nn.Softshrink(), 'Softshrink(0.5)'], [new nn.Hardshrink(), 'Hardshrink(0.5)'],
      [new nn.Threshold(0.1, 20), 'Threshold(threshold=0.1, value=20)'], [new nn.Threshold(0.1, 20, true), 'Threshold(threshold=0.1, value=20, inplace=True)'],
      [new nn.PReLU(), 'PReLU(num_parameters=1)'], [new nn.PReLU(3, 0.1), 'PReLU(num_parameters=3)'],
      [new nn.RReLU(), 'RReLU(lower=0.125, upper=0.3333333333333333)'], [new nn.RReLU(0.1, 0.3, true), 'RReLU(lower=0.1, upper=0.3, inplace=True)'],
      [new nn.Softplus(), 'Softplus(beta=1, threshold=20)'], [new nn.Softplus(2, 10), 'Softplus(beta=2, threshold=10)'],
    ];
    for (const [m, s] of want) { expect(m.toString()).toBe(s); m.dispose(); }
  });
  test('modules compute their functions', () => {
    fl.scope(() => {
      const x = t64(X);
      const pairs: [fl.nn.Module, fl.Tensor][] = [
        [new nn.ELU(0.7), F.elu(x, 0.7)], [new nn.SELU(), F.selu(x)], [new nn.CELU(2), F.celu(x, 2)], [new nn.Mish(), F.mish(x)],
        [new nn.Hardtanh(-0.5, 2.5), F.hardtanh(x, -0.5, 2.5)], [new nn.ReLU6(), F.relu6(x)], [new nn.LogSigmoid(), F.logsigmoid(x)],
        [new nn.Softsign(), F.softsign(x)], [new nn.Hardsigmoid(), F.hardsigmoid(x)], [new nn.GLU(), F.glu(x)], [new nn.Softmin(0), F.softmin(x, 0)],
        [new nn.Tanhshrink(), F.tanhshrink(x)], [new nn.Softshrink(1), F.softshrink(x, 1)], [new nn.Hardshrink(1), F.hardshrink(x, 1)],
        [new nn.Threshold(0.25, -7), F.threshold(x, 0.25, -7)], [new nn.RReLU(0.1, 0.3).eval(), F.rrelu(x, 0.1, 0.3, false)],
        [new nn.Softplus(2, 5), F.softplus(x, 2, 5)],
      ];
      for (const [m, want] of pairs) close((m as unknown as { forward(t: fl.Tensor): fl.Tensor }).forward(x), vals(want));
    });
  });
  test('Softmax2d: softmax over the channels of [C, H, W] and [N, C, H, W]', () => {
    fl.scope(() => {
      const x = fl.randn([2, 3, 2, 2], o64);
      close(new nn.Softmax2d().forward(x), vals(fl.softmax(x, 1)));
      close(new nn.Softmax2d().forward(x.select(0, 0)), vals(fl.softmax(x.select(0, 0), 0)));
      expect(() => new nn.Softmax2d().forward(fl.zeros([2, 3], o64))).toThrow(fl.ShapeError);
    });
  });
  test('PReLU: weight parameter (numParameters of init), state dict, per-channel slopes, dtype/device', () => {
    const m = new nn.PReLU(3, 0.1, { dtype: 'float64', device: DEVICE });
    try {
      const sd = m.stateDict();
      expect(Object.keys(sd)).toEqual(['weight']);  // torch: OrderedDict([('weight', tensor([0.1, 0.1, 0.1]))])
      close(sd.weight, [0.1, 0.1, 0.1]);
      expect(m.parameters().length).toBe(1);
      fl.scope(() => {
        m.loadStateDict({ weight: t64([0.1, -0.2, 0.3]) });
        const x = t64([[[0.5, -1], [2, -0.25], [-3, 1.5]]]);
        close(m.forward(x), flat(PRELU_Y));
        m.forward(x).sum().backward();
        close(m.weight.grad!, [-1, -0.25, -3]);
        m.weight.grad!.dispose(); m.weight.grad = null;
        expect(() => m.forward(fl.zeros([2, 4], o64))).toThrow(/PReLU: mismatch of parameter numbers and input channel size: found parameter numbers = 3 and channel size = 4/);
      });
      const d = new nn.PReLU();
      expect([d.weight.shape, d.weight.dtype, vals(d.weight)]).toEqual([[1], 'float32', [0.25]]);
      d.dispose();
    } finally { m.dispose(); }
  });
});

describe('rrelu', () => {
  test('training: each negative x times a slope in [lower, upper], positives unchanged; manualSeed repeats it; gradient is the slope', () => {
    fl.scope(() => {
      fl.manualSeed(3);
      const x = fl.full([2000], -2, o64).requiresGrad_(true);
      const y = F.rrelu(x, 0.1, 0.3, true);
      const slopes = vals(y).map((v) => v / -2);
      expect(Math.min(...slopes)).toBeGreaterThanOrEqual(0.1);
      expect(Math.max(...slopes)).toBeLessThanOrEqual(0.3);
      const m = slopes.reduce((s, v) => s + v, 0) / slopes.length;
      expect(Math.abs(m - 0.2)).toBeLessThan(0.01);       // U(0.1, 0.3): mean 0.2, sd of the mean 0.0013
      expect(new Set(slopes).size).toBeGreaterThan(1000);
      y.sum().backward();
      close(x.grad!, slopes);
      x.grad!.dispose();
      fl.manualSeed(3);
      expect(vals(F.rrelu(fl.full([2000], -2, o64), 0.1, 0.3, true))).toEqual(vals(y));
      expect(vals(F.rrelu(t64([0.5, 3]), { training: true }))).toEqual([0.5, 3]);
      // the module draws in train mode, uses the mean slope in eval
      const mod = new nn.RReLU(0.1, 0.3);
      expect(new Set(vals(mod.forward(fl.full([100], -1, o64)))).size).toBeGreaterThan(50);
      mod.eval();
      close(mod.forward(t64([-1])), [-0.2]);
    });
  });
});

describe('inplace', () => {
  test('without a gradient, the result is written into the input, which is returned', () => {
    fl.scope(() => {
      const x = t64([-1, 0.5, 3, 8]);
      const y = F.hardtanh(x, -0.5, 2, true);
      expect(y).toBe(x);
      expect(vals(x)).toEqual([-0.5, 0.5, 2, 2]);
      const z = t64([-1, 2]);
      expect(new nn.ReLU6(true).forward(z)).toBe(z);
      const e = t64([-1, 2]);
      expect(F.elu(e, { inplace: true })).toBe(e);
      close(e, [Math.expm1(-1), 2]);
      const w = t64([-1, 2]);
      expect(new nn.Threshold(0, 5, true).forward(w)).toBe(w);
      expect(vals(w)).toEqual([5, 2]);
    });
  });
  test('with a gradient, computed out of place (the input is left as it is)', () => {
    fl.scope(() => {
      const x = t64([-1, 0.5, 3], true);
      const y = F.relu6(x, true);
      expect(y).not.toBe(x);
      expect(vals(x)).toEqual([-1, 0.5, 3]);
      y.sum().backward();
      expect(vals(x.grad!)).toEqual([0, 1, 1]);
      x.grad!.dispose();
    });
  });
});

describe('refusals, typed and naming the op', () => {
  test('dtypes, shapes and arguments', () => {
    fl.scope(() => {
      const i = fl.tensor([1, 2], { dtype: 'int32', device: DEVICE });
      for (const f of [F.elu, F.selu, F.celu, F.mish, F.logsigmoid, F.hardsigmoid, F.softshrink, F.hardshrink, F.rrelu, F.softplus]) {
        expect(() => (f as (x: fl.Tensor) => fl.Tensor)(i)).toThrow(fl.DTypeError);
      }
      expect(() => F.relu6(fl.tensor([true], { dtype: 'bool' }))).toThrow(/relu6: input must be a number tensor, got bool/);
      expect(() => F.celu(t64([1]), 0)).toThrow(new fl.ValueError('celu: alpha cannot be 0 for CELU'));
      expect(() => F.glu(t64([1, 2, 3]))).toThrow(/glu: halving dimension must be even, but dimension 0 is size 3 \(input of shape \[3\]\)/);
      expect(() => F.glu(fl.tensor(1, o64))).toThrow(fl.ShapeError);
      expect(() => F.glu(t64([[1, 2]]), 2)).toThrow(fl.IndexError);
      expect(() => F.prelu(fl.ones([2, 3], o64), fl.ones([2], o64))).toThrow(/prelu: mismatch of parameter numbers and input channel size: found parameter numbers = 2 and channel size = 3 \(input of shape \[2, 3\]\)/);
      expect(() => F.prelu(fl.ones([2, 3], o64), fl.ones([1, 3], o64))).toThrow(/prelu: expected weight to be a scalar or 1D tensor, but got shape \[1, 3\]/);
      expect(() => F.prelu(fl.ones([2, 3], o64), fl.ones([3]))).toThrow(fl.DTypeError);
      expect(() => F.softshrink(t64([1]), -1)).toThrow(/softshrink: lambda must be greater or equal to 0, but found to be -1/);
      expect(() => new nn.Softshrink(-1)).toThrow(fl.ValueError);
      expect(() => F.rrelu(t64([1]), 0.5, 0.1)).toThrow(/rrelu: lower bound should be less than or equal to the upper bound/);
      expect(() => F.softmin(fl.tensor([1, 2], { dtype: 'int32' }), 0)).toThrow(fl.DTypeError);
      close(F.softmin(fl.tensor([1, 2], { dtype: 'int32', device: DEVICE }), 0, { dtype: 'float64' }), [1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(1))]);
      expect(() => (F.elu as (...a: unknown[]) => unknown)(t64([1]), 1, false, 3)).toThrow(/elu: takes 3 positional arguments/);
      expect(() => (F.elu as (...a: unknown[]) => unknown)(t64([1]), { alpa: 1 })).toThrow(/elu: unknown option 'alpa' \(did you mean 'alpha'\?\)/);
      expect(() => (F.elu as (...a: unknown[]) => unknown)([1, 2])).toThrow(/elu: input must be a Tensor/);
      expect(() => new (nn.LogSigmoid as unknown as new (a: unknown) => unknown)(true)).toThrow(/LogSigmoid: unexpected positional argument true/);
      expect(() => new nn.PReLU(-1)).toThrow(fl.ValueError);
    });
  });
});
