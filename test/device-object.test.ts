// device-object.test.ts — fl.device(…), torch.device objects: construction and torch 1.13's errors
// (each torch call and its message beside the check), String(), equals, and their use wherever a
// device string is taken (factories, t.to, Module.to, DataLoader). A cuda device object is made
// without a GPU, as torch's; putting a tensor on it needs one (BackendUnavailableError on a host
// without, a tensor on the emulator or a GPU).
import * as util from 'util';
import * as fl from '../lib';
import { DEVICE } from './helpers';

const gpu = fl.cuda.isAvailable();

describe('fl.device as torch.device', () => {
  test('strings, type and index, a GPU index, another device', () => {
    // torch.device('cuda:1') → device(type='cuda', index=1); str → 'cuda:1'
    const rows: [fl.DeviceObject, string, number | null, string][] = [
      [fl.device('cuda:1'), 'cuda', 1, 'cuda:1'],
      [fl.device('cuda', 1), 'cuda', 1, 'cuda:1'],
      [fl.device('cuda'), 'cuda', null, 'cuda'],        // torch: index None
      [fl.device('cpu'), 'cpu', null, 'cpu'],
      [fl.device('cpu', 0), 'cpu', 0, 'cpu:0'],         // torch.device('cpu', 0) → 'cpu:0'
      [fl.device('cpu:0'), 'cpu', 0, 'cpu:0'],
      [fl.device('cuda', null), 'cuda', null, 'cuda'],  // torch.device('cuda', None)
      [fl.device(2), 'cuda', 2, 'cuda:2'],              // torch.device(2) → cuda:2
      [fl.device('cuda:0'), 'cuda', 0, 'cuda:0'],
      [fl.device('cuda:127'), 'cuda', 127, 'cuda:127'],
    ];
    for (const [d, type, index, text] of rows) {
      expect([d.type, d.index, String(d), d.toString(), `${d}`]).toEqual([type, index, text, text, text]);
      expect(d).toBeInstanceOf(fl.DeviceObject);
    }
    const d = fl.device('cuda:3');
    expect(fl.device(d)).toBe(d);   // torch.device(torch.device('cuda:3')) == cuda:3
    expect(util.inspect(d)).toBe("device(type='cuda', index=3)");   // torch's repr
    expect(util.inspect(fl.device('cpu'))).toBe("device(type='cpu')");
    expect(Object.isFrozen(d)).toBe(true);
  });

  test('equals compares type and index, as torch\'s ==', () => {
    expect(fl.device('cuda:0').equals(fl.device('cuda', 0))).toBe(true);
    expect(fl.device('cuda').equals(fl.device('cuda:0'))).toBe(false);   // torch.device('cuda') == torch.device('cuda:0'): False
    expect(fl.device('cpu').equals(fl.device('cpu:0'))).toBe(false);     // torch: False
    expect(fl.device('cpu').equals('cpu')).toBe(true);
    expect(fl.device('cuda:1').equals('cuda:2')).toBe(false);
    expect(() => fl.device('cpu').equals(0 as never)).toThrow(fl.ValueError);
  });

  test('torch 1.13\'s invalid devices, with its messages', () => {
    const invalid = (s: string) => new fl.DeviceError(`device: Invalid device string: '${s}'`);
    // torch.device('cuda:-1'), 'cuda:0:1', 'cuda:', 'cuda:01', 'cuda: 1', ' cuda', 'cuda:1 ', 'cuda:+1', 'cuda:1.0':
    // RuntimeError: Invalid device string: '…'
    for (const s of ['cuda:-1', 'cuda:0:1', 'cuda:', 'cuda:01', 'cuda:00', 'cuda: 1', ' cuda', 'cuda:1 ', 'cuda:+1', 'cuda:1.0', 'cpu:-1', '']) {
      expect(() => fl.device(s)).toThrow(invalid(s));
    }
    // torch.device('gpu') / 'CUDA': RuntimeError: Expected one of cpu, cuda, … device type at start of device string: gpu
    for (const s of ['gpu', 'CUDA', 'Cuda', 'gpu:0']) {
      expect(() => fl.device(s)).toThrow(new RegExp(`^device: Expected one of cpu, cuda, ipu, .* device type at start of device string: '${s}'$`));
    }
    // torch.device('cuda:99999999999999999999'): Could not parse device index …
    expect(() => fl.device('cuda:99999999999999999999')).toThrow(/device: Could not parse device index '99999999999999999999'/);
    // torch's other device types exist there but have no flintml backend
    for (const s of ['mps', 'meta', 'hip', 'xla:0']) expect(() => fl.device(s)).toThrow(/has no flintml backend/);
    // torch.device('cuda', -1) / torch.device(-1): RuntimeError: Device index must not be negative
    expect(() => fl.device('cuda', -1)).toThrow(new fl.DeviceError('device: Device index must not be negative, got -1'));
    expect(() => fl.device(-1)).toThrow(fl.DeviceError);
    // torch.device('cuda:1', 1): RuntimeError: type (string) must not include an index because index was passed explicitly: cuda:1
    expect(() => fl.device('cuda:1', 1)).toThrow(/device: type \(string\) must not include an index because index was passed explicitly: 'cuda:1'/);
    // torch.device('cuda', '1') / ('cuda', 1.0) / ('cuda', True): TypeError … must be int
    for (const ix of ['1', 1.5, true]) expect(() => fl.device('cuda', ix as never)).toThrow(/device: index must be an integer/);
    // torch.device(None): TypeError
    for (const v of [null, undefined, {}, 1.5]) expect(() => fl.device(v as never)).toThrow(fl.FlintError);
    expect(() => (fl.device as (...a: unknown[]) => unknown)('cuda', 0, 1)).toThrow(fl.ValueError);
  });
});

describe('a device object wherever a device string is taken', () => {
  const d = fl.device(DEVICE);
  test('factories, t.to, fl.tensor, *Like', () => {
    fl.scope(() => {
      for (const t of [fl.zeros(2, { device: d }), fl.ones([2], { device: d }), fl.rand(2, { device: d }), fl.full([2], 1.5, { device: d }),
        fl.tensor([1, 2], { device: d }), fl.arange(3, { device: d }), fl.eye(2, { device: d }), fl.zerosLike(fl.zeros(2), { device: d }),
        fl.zeros(2).to(d), fl.zeros(2).to(d, 'float64'), fl.zeros(2).to({ device: d, dtype: 'float64' })]) {
        expect(fl.device(t.device).type).toBe(d.type);   // torch's x.device.type: t.device stays a string
        expect(typeof t.device).toBe('string');
      }
      expect(fl.zeros(2).to(d, 'float64').dtype).toBe('float64');
      expect(fl.zeros(2, { device: fl.device('cpu:0') }).device).toBe('cpu');   // torch.zeros(2, device='cpu:0').device → cpu
      expect(fl.zeros(2, { device: 'cpu:0' }).device).toBe('cpu');
    });
  });

  test('Module.to(d) and DataLoader({ device: d })', async () => {
    fl.scope(() => {
      const m = new fl.nn.Linear(2, 1);
      m.to(d);
      expect(fl.device(m.weight.device).type).toBe(d.type);
      m.to({ device: fl.device('cpu'), dtype: 'float64' });
      expect([m.weight.device, m.weight.dtype]).toEqual(['cpu', 'float64']);
    });
    const x0 = fl.ones(4, 2);
    const loader = new fl.data.DataLoader(new fl.data.TensorDataset(x0), { batchSize: 2, device: d as unknown as string });
    let n = 0;
    for await (const batch of loader) {
      const [x] = batch as fl.Tensor[];
      expect(fl.device(x.device).type).toBe(d.type);
      fl.data.disposeBatch(batch);
      n++;
    }
    expect(n).toBe(2);
    x0.dispose();
  });

  test('a cuda device object needs no GPU; a tensor on it does', () => {
    const c = fl.device('cuda:0');
    expect(c.type).toBe('cuda');
    if (gpu) fl.scope(() => expect(fl.zeros(2, { device: c }).device).toBe('cuda:0'));
    else {
      expect(() => fl.zeros(2, { device: c })).toThrow(fl.BackendUnavailableError);
      expect(() => fl.scope(() => fl.zeros(2).to(c))).toThrow(fl.BackendUnavailableError);
      expect(() => fl.scope(() => new fl.nn.Linear(2, 1).to(fl.device('cuda')))).toThrow(fl.BackendUnavailableError);
    }
  });

  test('a bad value in a device option is still refused', () => {
    expect(() => fl.zeros(2, { device: 5 as never })).toThrow(/zeros: device must be a device string/);
    expect(() => fl.zeros(2, { device: 'gpu' })).toThrow(fl.DeviceError);
    expect(() => fl.zeros(2, { device: 'cpu:01' })).toThrow(fl.DeviceError);
  });
});
