// module-methods.test.ts — the nn.Module methods of torch 1.13 that flintml's Module lacked
// (half/float/double/bfloat16, cpu/cuda, requiresGrad_, addModule/registerModule,
// registerParameter, getSubmodule/getParameter/getBuffer) and Tensor.type.
// References: PyTorch 1.13's observable behaviour, pasted as literals (the python beside each):
// cast values (torch.tensor(v).half().float().tolist()), dtypes after casts (integer buffers keep
// theirs), dotted names, and the refusals' wording (AttributeError/KeyError messages: here a
// ValueError that names the op and the path). Exact equality: casts are exact roundings.
// The tests run on DEVICE (the CPU, or the emulated GPU).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const nn = fl.nn;
const vals = (t: fl.Tensor): number[] => fl.scope(() => Array.from(t.to('float64').to('cpu').dataSync() as ArrayLike<number>));
/** Linear(2, 2) with weight [[0.1, -0.2], [0.3, 0.25]], then BatchNorm1d(2): torch's Sequential(Linear, BatchNorm1d). */
function net(): nn.Sequential {
  const lin = new nn.Linear(2, 2, { device: DEVICE });
  fl.scope(() => fl.noGrad(() => { lin.weight.copy_(fl.tensor([[0.1, -0.2], [0.3, 0.25]], { device: DEVICE })); }));
  return new nn.Sequential(lin, new nn.BatchNorm1d(2, { device: DEVICE }));
}
const dtypes = (m: nn.Module): [string, string][] => Object.entries(m.stateDict()).map(([k, t]) => [k, t.dtype]);

describe('Module casts (torch Module.half/float/double/bfloat16)', () => {
  test('half: floating parameters and buffers only, values rounded as torch', () => {
    const m = net();
    try {
      expect(m.half()).toBe(m);
      // torch: [(k, v.dtype) for k, v in Sequential(Linear(2,2), BatchNorm1d(2)).half().state_dict().items()]
      expect(dtypes(m)).toEqual([['0.weight', 'float16'], ['0.bias', 'float16'], ['1.weight', 'float16'], ['1.bias', 'float16'],
        ['1.running_mean', 'float16'], ['1.running_var', 'float16'], ['1.num_batches_tracked', 'int32']]);
      // torch.tensor([0.1, -0.2, 0.3, 0.25]).half().float().tolist()
      expect(vals(m.getParameter('0.weight'))).toEqual([0.0999755859375, -0.199951171875, 0.300048828125, 0.25]);
      expect(m.getParameter('0.weight').requiresGrad).toBe(true);
    } finally { m.dispose(); }
  });
  test('bfloat16, double, float', () => {
    const m = net();
    try {
      expect(m.bfloat16()).toBe(m);
      // torch.tensor([0.1, -0.2, 0.3, 0.25]).bfloat16().float().tolist()
      expect(vals(m.getParameter('0.weight'))).toEqual([0.10009765625, -0.2001953125, 0.30078125, 0.25]);
      expect(m.double().getParameter('0.bias').dtype).toBe('float64');
      expect(m.getBuffer('1.num_batches_tracked').dtype).toBe('int32');
      expect(m.float().getBuffer('1.running_var').dtype).toBe('float32');
      expect(vals(m.getBuffer('1.running_var'))).toEqual([1, 1]);
    } finally { m.dispose(); }
  });
  test('cpu() returns the module on the CPU; casts take no arguments', () => {
    const m = net();
    try {
      expect(m.cpu()).toBe(m);
      expect(m.parameters().every((p) => p.device === 'cpu')).toBe(true);
      expect(() => (m as any).half('float32')).toThrow(/half/);
      expect(() => (m as any).cuda(-1)).toThrow(fl.ValueError);
    } finally { m.dispose(); }
  });
});

describe('an optimizer made before a cast or a move (torch keeps the Parameter objects: so does flintml)', () => {
  test('the parameters stay the same objects and the optimizer trains them', () => fl.scope(() => {
    const m = new fl.nn.Linear(2, 1, { device: DEVICE });
    const w0 = m.weight, b0 = m.bias!;
    const opt = new fl.optim.SGD(m.parameters(), { lr: 0.1 });
    expect(m.double()).toBe(m);
    expect(m.weight).toBe(w0);
    expect(m.bias).toBe(b0);
    expect(w0.dtype).toBe('float64');
    expect(w0.isLeaf && w0.requiresGrad).toBe(true);
    expect(m.parameters()).toEqual([w0, b0]);
    m.call(fl.ones([1, 2], { dtype: 'float64', device: DEVICE })).sum().backward();
    const before = Array.from(w0.dataSync());
    opt.step();   // before: step() threw (the old parameters were disposed), and before that stepped nothing
    expect(Array.from(w0.dataSync())).toEqual(before.map((w) => w - 0.1));   // d(sum(Wx + b))/dW = x = 1
  }));
  test('Adam made before half(): state and steps on the converted parameters', () => fl.scope(() => {
    const m = new fl.nn.Linear(3, 2, { device: DEVICE });
    const opt = new fl.optim.Adam(m.parameters(), { lr: 0.01 });
    m.half().float();   // two casts in a row
    m.call(fl.ones([1, 3], { device: DEVICE })).sum().backward();
    const before = Array.from(m.weight.dataSync());
    opt.step();
    // Adam's first step moves each weight by lr * sign(grad) (m / sqrt(v) = g / |g|), here grad = 1
    const after = Array.from(m.weight.dataSync());
    after.forEach((w, i) => expect(w).toBeCloseTo(before[i] - 0.01, 4));
    opt.dispose();
  }));
  test('a weight shared by two modules stays shared (as torch\'s tied weights)', () => fl.scope(() => {
    const a = new fl.nn.Linear(2, 2, { device: DEVICE });
    const b = new fl.nn.Linear(2, 2, { device: DEVICE });
    b.weight = a.weight;
    const m = new fl.nn.Sequential(a, b);
    m.double();   // before: the second module's copy of the shared (already disposed) weight threw
    expect(b.weight).toBe(a.weight);
    expect(a.weight.dtype).toBe('float64');
    expect(m.parameters().length).toBe(3);   // shared: counted once, as torch's parameters()
  }));
  test('.grad is converted with its parameter (torch\'s _apply converts param.grad)', () => fl.scope(() => {
    const m = new fl.nn.Linear(2, 1, { device: DEVICE });
    m.call(fl.tensor([[1, 2]], { dtype: 'float32', device: DEVICE })).sum().backward();
    m.double();
    expect(m.weight.grad!.dtype).toBe('float64');
    expect(Array.from(m.weight.grad!.dataSync())).toEqual([1, 2]);
  }));
  test('a graph recorded before the cast computes with the values it recorded (torch reads the new data: the same values up to the cast); the weight\'s gradient arrives in the new dtype', () => fl.scope(() => {
    const m = new fl.nn.Linear(2, 1, { device: DEVICE });
    const w = Array.from(m.weight.dataSync());
    const x = fl.ones([1, 2], { device: DEVICE }).requiresGrad_();   // linear saves the weight for x's gradient
    const y = m.call(x).sum();
    m.double();
    y.backward();
    // torch 1.13: x.grad is the weight before the cast; m.weight.grad = [[1, 1]] (torch leaves it float32; flintml casts to the leaf's dtype)
    expect(Array.from(x.grad!.dataSync())).toEqual(w);
    expect(m.weight.grad!.dtype).toBe('float64');
    expect(Array.from(m.weight.grad!.dataSync())).toEqual([1, 1]);
  }));
  // two devices: the GPU run (and the emulator's) only
  if (DEVICE.startsWith('cuda')) {
    test('a graph recorded before a move to the CPU is refused at backward (typed, naming the shapes)', () => fl.scope(() => {
      const m = new fl.nn.Linear(2, 1, { device: DEVICE });
      const y = m.call(fl.ones([1, 2], { device: DEVICE })).sum();
      m.to('cpu');
      expect(() => y.backward()).toThrow(/backward: the gradient of a leaf of shape \[1(, 2)?\] is on cuda:0, but the leaf is now on cpu/);
    }));
  }
  test("a move to the device the tensors are on copies nothing ('cuda' is 'cuda:0')", () => fl.scope(() => {
    const m = new fl.nn.Linear(2, 1, { device: DEVICE });
    const s = m.weight._storage;
    m.to(DEVICE.startsWith('cuda') ? 'cuda' : 'cpu');
    m.to({ device: DEVICE.startsWith('cuda') ? 'cuda:0' : 'cpu' });
    expect(m.weight._storage).toBe(s);   // before: every model.cuda() copied each parameter again
    expect(() => m.to('cuda:7')).toThrow(/Module\.to: cannot use device 'cuda:7'/);
    expect(m.weight._storage).toBe(s);
  }));
  test("an integer dtype is refused before anything changes (torch: 'nn.Module.to only accepts floating point or complex dtypes')", () => fl.scope(() => {
    const m = new fl.nn.Linear(2, 1, { device: DEVICE });
    expect(() => m.to('int32')).toThrow(new fl.DTypeError('Module.to only accepts floating point or complex dtypes, but got desired dtype=int32'));
    expect(() => m.to({ dtype: 'bool' })).toThrow(fl.DTypeError);
    expect(m.weight.dtype).toBe('float32');   // before: int32 weights that required grad, silently
  }));
  test('an optimizer whose module was disposed refuses to step (never skips silently)', () => fl.scope(() => {
    const m = new fl.nn.Linear(2, 1, { device: DEVICE });
    const opt = new fl.optim.SGD(m.parameters(), { lr: 0.1 });
    m.dispose();
    expect(() => opt.step()).toThrow(/SGD\.step: parameter 0 \(shape \[1, 2\]\) was disposed/);
  }));
});

describe('Module.requiresGrad_', () => {
  test('sets every parameter (here and below), returns the module', () => {
    const m = net();
    try {
      // torch: m.requires_grad_(False); [p.requires_grad for p in m.parameters()] -> [False] * 4
      expect(m.requiresGrad_(false)).toBe(m);
      expect(m.parameters().map((p) => p.requiresGrad)).toEqual([false, false, false, false]);
      (m.getSubmodule('1') as nn.Module).requiresGrad_();
      expect(m.parameters().map((p) => p.requiresGrad)).toEqual([false, false, true, true]);
      expect(() => (m as any).requiresGrad_('no')).toThrow(/requiresGrad_/);
    } finally { m.dispose(); }
  });
});

describe('getSubmodule / getParameter / getBuffer (torch get_submodule / get_parameter / get_buffer)', () => {
  test('found by dotted path', () => {
    const m = net();
    try {
      expect(m.getSubmodule('')).toBe(m);
      expect(m.getSubmodule('1')).toBeInstanceOf(nn.BatchNorm1d);
      expect(m.getParameter('0.weight').shape).toEqual([2, 2]);  // torch.Size([3, 2]) for Linear(2, 3)
      expect(m.getBuffer('1.running_mean').shape).toEqual([2]);
    } finally { m.dispose(); }
  });
  test('refusals name the path (torch: AttributeError)', () => {
    const m = net();
    try {
      // torch: "Linear has no attribute `fc`", "`weight` is not an nn.Module",
      // "Linear has no attribute `nope`", "`weight` is not a buffer", "`running_mean` is not an nn.Parameter"
      expect(() => m.getSubmodule('0.fc')).toThrow(new fl.ValueError("getSubmodule('0.fc'): Linear has no attribute `fc`"));
      expect(() => m.getSubmodule('0.weight')).toThrow(new fl.ValueError("getSubmodule('0.weight'): `weight` is not an nn.Module"));
      expect(() => m.getParameter('0.nope')).toThrow(new fl.ValueError("getParameter('0.nope'): Linear has no attribute `nope`"));
      expect(() => m.getParameter('5.weight')).toThrow(new fl.ValueError("getParameter('5.weight'): Sequential has no attribute `5`"));
      expect(() => m.getBuffer('1.weight')).toThrow(new fl.ValueError("getBuffer('1.weight'): `weight` is not a buffer"));
      expect(() => m.getParameter('1.running_mean')).toThrow(new fl.ValueError("getParameter('1.running_mean'): `running_mean` is not an nn.Parameter"));
      expect(() => m.getParameter('')).toThrow(fl.ValueError);
    } finally { m.dispose(); }
  });
});

describe('namedParameters / namedBuffers / parameters / buffers: prefix and recurse', () => {
  test('as torch named_parameters(prefix, recurse)', () => {
    const m = net();
    try {
      // torch: Sequential(Linear(2,3), BatchNorm1d(3)).named_parameters(prefix='net'), (recurse=False),
      // m[1].named_buffers(prefix='bn', recurse=False), len(list(m.parameters(recurse=False))), len(list(m[1].buffers(False)))
      expect(m.namedParameters('net').map(([k]) => k)).toEqual(['net.0.weight', 'net.0.bias', 'net.1.weight', 'net.1.bias']);
      expect(m.namedParameters('', false)).toEqual([]);
      const bn = m.getSubmodule('1');
      expect(bn.namedBuffers('bn', false).map(([k]) => k)).toEqual(['bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
      expect([m.parameters(false).length, bn.buffers(false).length, m.buffers().length, bn.parameters(false).length]).toEqual([0, 3, 3, 2]);
      expect(m.namedBuffers().map(([k]) => k)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
      expect(() => (m as any).namedParameters(1)).toThrow(/namedParameters: prefix must be a string/);
      expect(() => (m as any).namedBuffers('', 'yes')).toThrow(/namedBuffers: recurse must be a boolean/);
    } finally { m.dispose(); }
  });
});

describe('addModule / registerModule / registerParameter', () => {
  class Empty extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return x; } }
  test('added members are children and parameters, in order', () => {
    const m = new Empty();
    try {
      m.addModule('fc', new nn.Linear(2, 3, { device: DEVICE }));
      m.registerModule('bn', new nn.BatchNorm1d(3, { device: DEVICE }));
      m.registerParameter('scale', nn.Parameter(fl.ones([1], { device: DEVICE })));
      // torch: the same registrations on an nn.Module give named_parameters
      // ['scale', 'fc.weight', 'fc.bias', 'bn.weight', 'bn.bias'] (own parameters first)
      expect(m.namedChildren().map(([k]) => k)).toEqual(['fc', 'bn']);
      expect(m.namedParameters().map(([k]) => k)).toEqual(['scale', 'fc.weight', 'fc.bias', 'bn.weight', 'bn.bias']);
      expect(m.getSubmodule('bn')).toBe((m as any).bn);
    } finally { m.dispose(); }
  });
  test('refusals (torch: KeyError / TypeError)', () => {
    const m = new Empty();
    try {
      // torch: 'module name can\'t contain ".", got: a.b', 'module name can\'t be empty string ""',
      // 'int is not a Module subclass', "cannot assign 'torch.FloatTensor' object to parameter 'p'"
      expect(() => m.addModule('a.b', new Empty())).toThrow(/addModule: name can't contain "\."/);
      expect(() => m.addModule('', new Empty())).toThrow(/addModule: name can't be empty/);
      expect(() => m.addModule('x', 3 as any)).toThrow(/addModule: 'x' must be a Module/);
      expect(() => m.addModule('train', new Empty())).toThrow(/addModule: attribute 'train' already exists/);
      const t = fl.zeros([1]);
      try { expect(() => m.registerParameter('p', t)).toThrow(/registerParameter: 'p' must be an nn.Parameter/); } finally { t.dispose(); }
      m.registerParameter('w', nn.Parameter(fl.zeros([1])));
      expect(() => m.addModule('w', new Empty())).toThrow(/attribute 'w' already exists and is not a module/);
    } finally { m.dispose(); }
  });
});

describe('Tensor.type (torch Tensor.type)', () => {
  test('no argument: torch type string', () => {
    // torch: randn(2).type(), .double().type(), int32, bool, uint8, half, bfloat16, complex64
    const want: [fl.DType, string][] = [['float32', 'FloatTensor'], ['float64', 'DoubleTensor'], ['int32', 'IntTensor'], ['bool', 'BoolTensor'],
      ['uint8', 'ByteTensor'], ['float16', 'HalfTensor'], ['bfloat16', 'BFloat16Tensor'], ['complex64', 'ComplexFloatTensor']];
    const prefix = DEVICE === 'cpu' ? 'torch.' : 'torch.cuda.';
    for (const [dt, name] of want) fl.scope(() => { expect(fl.zeros([2], { dtype: dt, device: DEVICE }).type()).toBe(prefix + name); });
  });
  test('with a dtype or a type string: cast (itself when unchanged)', () => fl.scope(() => {
    const x = fl.tensor([1.5, -2.25], { device: DEVICE });
    expect(x.type('float32')).toBe(x);  // torch: x.type(torch.float32) is x -> True
    const d = x.type('float64');
    expect([d.dtype, vals(d)]).toEqual(['float64', [1.5, -2.25]]);
    const i = x.type(DEVICE === 'cpu' ? 'torch.IntTensor' : 'torch.cuda.IntTensor');
    expect([i.dtype, i.device, vals(i)]).toEqual(['int32', x.device, [1, -2]]);  // torch: tensor([1, -2], dtype=int32)
    const c = x.type('torch.DoubleTensor');
    expect([c.dtype, c.device]).toEqual(['float64', 'cpu']);
    // torch: "invalid type: 'torch.FooTensor'"
    expect(() => x.type('torch.FooTensor')).toThrow(/type: invalid type 'torch.FooTensor'/);
    expect(() => x.type('float128')).toThrow(fl.DTypeError);
    expect(() => (x as any).type(3)).toThrow(fl.ValueError);
  }));
});

describe("Module.type (torch's module.type(dst_type))", () => {
  test('every parameter and buffer, integer buffers too (as torch\'s), parameters keep their identity', () => fl.scope(() => {
    const m = new fl.nn.Sequential(new fl.nn.Linear(2, 2, { device: DEVICE }), new fl.nn.BatchNorm1d(2, { device: DEVICE }));
    const w = (m.getSubmodule('0') as fl.nn.Linear).weight;
    // torch 1.13: m.type(torch.DoubleTensor) -> every state_dict entry float64, num_batches_tracked included
    expect(m.type('torch.DoubleTensor')).toBe(m);
    expect(Object.values(m.stateDict()).map((t) => t.dtype)).toEqual(Array(7).fill('float64'));
    expect((m.getSubmodule('0') as fl.nn.Linear).weight).toBe(w);
    m.type('float32');
    expect(m.getBuffer('1.num_batches_tracked').dtype).toBe('float32');
    expect(w.dtype).toBe('float32');
  }));
  test("all or nothing: integer values for a parameter that requires grad (torch: 'data set to a tensor that requires gradients must be floating point'), a bad type", () => fl.scope(() => {
    const m = new fl.nn.Sequential(new fl.nn.Linear(2, 2, { device: DEVICE }), new fl.nn.BatchNorm1d(2, { device: DEVICE }));
    expect(() => m.type('torch.IntTensor')).toThrow(/Module\.type: parameter 'weight' \(shape \[2, 2\]\) requires grad and cannot hold int32 values/);
    expect(() => m.type('torch.NopeTensor')).toThrow(fl.ValueError);
    expect(() => (m as any).type()).toThrow(fl.ValueError);
    // undefined as the one argument: Tensor.type() would give the type string (the fuzzer's untyped TypeError, on a lazy module)
    expect(() => (m as any).type(undefined)).toThrow(/Module.type: dst must be a dtype or a torch type string/);
    expect(() => (new fl.nn.LazyBatchNorm2d() as any).type(undefined)).toThrow(fl.ValueError);
    expect(Object.values(m.stateDict()).map((t) => t.dtype)).toEqual([...Array(6).fill('float32'), 'int32']);
  }));
  test('.grad is converted with its parameter', () => fl.scope(() => {
    const m = new fl.nn.Linear(2, 1, { device: DEVICE });
    m.call(fl.tensor([[1, 2]], { dtype: 'float32', device: DEVICE })).sum().backward();
    m.type('float64');
    expect(m.weight.grad!.dtype).toBe('float64');
    expect(Array.from(m.weight.grad!.dataSync())).toEqual([1, 2]);
  }));
});
