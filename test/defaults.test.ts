// defaults.test.ts — fl.setDefaultDtype / fl.getDefaultDtype against torch 1.13's
// set_default_dtype: the dtype each factory, promotion and module gives under a float64 default,
// each row's torch call beside it with torch's dtype (int64 is flintml's int32). Every test restores
// the float32 default afterwards.
import * as fl from '../lib';
import { DEVICE } from './helpers';

const nn = fl.nn;
const dev = { device: DEVICE };

afterEach(() => fl.setDefaultDtype('float32'));

/** [what, torch 1.13's dtype under torch.set_default_dtype(torch.float64), flintml's call]. */
const TABLE: [string, fl.DType, () => fl.Tensor][] = [
  ['torch.zeros(2)', 'float64', () => fl.zeros(2, dev)],
  ['torch.ones(2)', 'float64', () => fl.ones(2, dev)],
  ['torch.empty(2)', 'float64', () => fl.empty(2, dev)],
  ['torch.full((2,), 1.5)', 'float64', () => fl.full([2], 1.5, dev)],
  ['torch.full((2,), True)', 'bool', () => fl.full([2], true, dev)],
  ['torch.rand(2)', 'float64', () => fl.rand(2, dev)],
  ['torch.randn(2)', 'float64', () => fl.randn(2, dev)],
  ['torch.normal(0., 1., (2,))', 'float64', () => fl.normal(0, 1, [2], dev)],
  ['torch.randperm(3)', 'int32', () => fl.randperm(3, dev)],
  ['torch.randint(0, 5, (2,))', 'int32', () => fl.randint(0, 5, [2], dev)],
  ['torch.arange(5)', 'int32', () => fl.arange(5, dev)],
  ['torch.arange(0, 1, 0.25)', 'float64', () => fl.arange(0, 1, 0.25, dev)],
  ['torch.linspace(0, 1, 5)', 'float64', () => fl.linspace(0, 1, 5, dev)],
  ['torch.linspace(0, 4, 5) (integer bounds)', 'float64', () => fl.linspace(0, 4, 5, dev)],
  ['torch.logspace(0, 1, 5)', 'float64', () => fl.logspace(0, 1, 5, 10, dev)],
  ['torch.eye(2)', 'float64', () => fl.eye(2, dev)],
  ['torch.empty_strided((2,), (1,))', 'float64', () => fl.emptyStrided([2], [1], dev)],
  ['torch.tensor([1.5])', 'float64', () => fl.tensor([1.5], dev)],
  ['torch.tensor(1.5)', 'float64', () => fl.tensor(1.5, dev)],
  ['torch.tensor([])', 'float64', () => fl.tensor([], dev)],
  ['torch.tensor([True, 1.5])', 'float64', () => fl.tensor([true, 1.5], dev)],
  ['torch.tensor([1])', 'int32', () => fl.tensor([1], dev)],
  ['torch.tensor([True])', 'bool', () => fl.tensor([true], dev)],
  ['torch.hann_window(4)', 'float64', () => fl.hannWindow(4, dev)],
  ['torch.kaiser_window(4)', 'float64', () => fl.kaiserWindow(4, dev)],
  ['torch.fft.fftfreq(4)', 'float64', () => fl.fft.fftfreq(4, dev)],
  // *_like and ops on floating tensors follow their input
  ['torch.zeros_like(torch.zeros(2, dtype=torch.float32))', 'float32', () => fl.zerosLike(fl.zeros(2, { dtype: 'float32', ...dev }))],
  ['torch.rand_like(torch.zeros(2, dtype=torch.float32))', 'float32', () => fl.randLike(fl.zeros(2, { dtype: 'float32', ...dev }))],
  ['torch.full_like(torch.zeros(2, dtype=torch.float32), 2.5)', 'float32', () => fl.fullLike(fl.zeros(2, { dtype: 'float32', ...dev }), 2.5)],
  ['torch.zeros(2, dtype=torch.float32) * 2.5', 'float32', () => fl.mul(fl.zeros(2, { dtype: 'float32', ...dev }), 2.5)],
  ['torch.ones(1, dtype=torch.float16) + 2.5', 'float16', () => fl.add(fl.ones(1, { dtype: 'float16', ...dev }), 2.5)],
  ['torch.zeros(2, dtype=torch.float32).sqrt()', 'float32', () => fl.sqrt(fl.zeros(2, { dtype: 'float32', ...dev }))],
  ['torch.complex(f32, f32)', 'complex64', () => fl.complex(fl.ones(1, { dtype: 'float32', ...dev }), fl.ones(1, { dtype: 'float32', ...dev }))],
  ['torch.polar(f32, f32)', 'complex64', () => fl.polar(fl.ones(1, { dtype: 'float32', ...dev }), fl.ones(1, { dtype: 'float32', ...dev }))],
  ['torch.polar(torch.ones(1), torch.ones(1))', 'complex128', () => fl.polar(fl.ones(1, dev), fl.ones(1, dev))],
  // a Python float beside an integer tensor, and integer input of a floating op: the default dtype
  ['torch.tensor([1, 2], dtype=torch.int32) * 2.5', 'float64', () => fl.mul(fl.tensor([1, 2], dev), 2.5)],
  ['torch.tensor(1) + 2.5', 'float64', () => fl.add(fl.tensor(1, dev), 2.5)],
  ['torch.tensor([1, 2]) * True', 'int32', () => fl.mul(fl.tensor([1, 2], dev), true)],
  ['torch.tensor([1, 2]) / torch.tensor([1, 2])', 'float64', () => fl.div(fl.tensor([1, 2], dev), fl.tensor([1, 2], dev))],
  ['torch.tensor([1, 2]).true_divide(2)', 'float64', () => fl.trueDivide(fl.tensor([1, 2], dev), 2)],
  ['torch.tensor([1, 2]).sqrt()', 'float64', () => fl.sqrt(fl.tensor([1, 2], dev))],
  ['torch.tensor([1, 2]).sin()', 'float64', () => fl.sin(fl.tensor([1, 2], dev))],
  ['torch.tensor([True]).sigmoid()', 'float64', () => fl.sigmoid(fl.tensor([true], dev))],
  ['torch.tensor([1, 2]) ** 0.5', 'float64', () => fl.pow(fl.tensor([1, 2], dev), 0.5)],
  ['2.5 ** torch.tensor([1, 2])', 'float64', () => fl.pow(2.5, fl.tensor([1, 2], dev))],
  ['torch.atan2(int, int)', 'float64', () => fl.atan2(fl.tensor([1], dev), fl.tensor([1], dev))],
  ['torch.xlogy(int, int)', 'float64', () => fl.xlogy(fl.tensor([1, 2], dev), fl.tensor([1, 2], dev))],
  ['torch.erfinv(int)', 'float64', () => fl.erfinv(fl.tensor([0], dev))],
  ['torch.lgamma(int)', 'float64', () => fl.lgamma(fl.tensor([1, 2], dev))],
  ['torch.i0(int)', 'float64', () => fl.i0(fl.tensor([1, 2], dev))],
  ['torch.logit(int)', 'float64', () => fl.logit(fl.tensor([1, 2], dev))],
  ['torch.logsumexp(int, 0)', 'float64', () => fl.logsumexp(fl.tensor([1, 2], dev), 0)],
  ['torch.ldexp(int, int)', 'float64', () => fl.ldexp(fl.tensor([1, 2], dev), fl.tensor([1, 2], dev))],
  ['torch.angle(int)', 'float64', () => fl.angle(fl.tensor([1, -2], dev))],
  ['torch.mvlgamma(int, 1)', 'float64', () => fl.mvlgamma(fl.tensor([2, 3], dev), 1)],
  ['torch.special.entr(int)', 'float64', () => fl.special.entr(fl.tensor([1, 2], dev))],
  ['torch.special.xlog1py(int, int)', 'float64', () => fl.special.xlog1py(fl.tensor([1, 2], dev), fl.tensor([1, 2], dev))],
  ['torch.pairwise_distance(int, int)', 'float64', () => fl.pairwiseDistance(fl.tensor([[1, 2]], dev), fl.tensor([[1, 2]], dev))],
  ['torch.fft.fft(int)', 'complex128', () => fl.fft.fft(fl.tensor([1, 2], dev))],
  ['torch.fft.rfft(int)', 'complex128', () => fl.fft.rfft(fl.tensor([1, 2], dev))],
  ['torch.distributions.Normal(0., 1.).sample()', 'float64', () => new fl.distributions.Normal(0, 1).sample()],
  ['torch.nn.utils.clip_grad_norm_([], 1.0)', 'float64', () => nn.utils.clipGradNorm_([], 1.0)],
];

describe('under setDefaultDtype(\'float64\'), as torch 1.13 under set_default_dtype(torch.float64)', () => {
  test.each(TABLE.map(([what, dt, make]) => [what, dt, make] as const))('%s → %s', (_what, dt, make) => {
    fl.setDefaultDtype('float64');
    fl.scope(() => expect(make().dtype).toBe(dt));
  });

  test('the same calls give float32 again after setDefaultDtype(\'float32\')', () => {
    fl.setDefaultDtype('float64');
    fl.setDefaultDtype('float32');
    fl.scope(() => {
      for (const [what, dt, make] of TABLE) {
        const want = dt === 'float64' ? 'float32' : dt === 'complex128' && !what.includes('f32') ? 'complex64' : dt;
        expect([what, make().dtype]).toEqual([what, want]);
      }
    });
  });

  test('values are computed in the default dtype, not rounded through float32', () => {
    fl.setDefaultDtype('float64');
    fl.scope(() => {
      expect(fl.tensor([0.1]).item()).toBe(0.1);   // float32 would read back 0.10000000149011612
      expect(fl.mul(fl.tensor([1], dev), 0.1).item()).toBe(0.1);
      expect(fl.full([1], 1 / 3, dev).item()).toBe(1 / 3);
      expect(Array.from(fl.arange(0, 0.3, 0.1, dev).dataSync())).toEqual([0, 0.1, 0.2]);  // torch.arange(0, .3, .1).tolist()
      expect(fl.sqrt(fl.tensor([2], dev)).item()).toBe(Math.SQRT2);
    });
  });

  test('fl.full of an integral number follows the default dtype (JS has no 7 vs 7.0; torch.full((2,), 7) is int64: bench/FIDELITY.md)', () => {
    fl.setDefaultDtype('float64');
    fl.scope(() => expect(fl.full([2], 7, dev).dtype).toBe('float64'));
  });

  test('nn modules made afterwards have float64 parameters and buffers (torch: nn.Linear(2, 3).weight.dtype)', () => {
    fl.setDefaultDtype('float64');
    fl.scope(() => {
      const made: [string, fl.nn.Module][] = [
        ['Linear', new nn.Linear(2, 3)], ['Conv2d', new nn.Conv2d(1, 2, 3)], ['BatchNorm1d', new nn.BatchNorm1d(2)], ['LayerNorm', new nn.LayerNorm(2)],
        ['Embedding', new nn.Embedding(3, 2)], ['LSTM', new nn.LSTM(2, 3)], ['MultiheadAttention', new nn.MultiheadAttention(4, 2)], ['Conv3d', new nn.Conv3d(1, 1, 1)],
      ];
      for (const [name, m] of made) {
        for (const [k, p] of m.namedParameters()) expect([name, k, p.dtype]).toEqual([name, k, 'float64']);
      }
      const bn = made[2][1] as fl.nn.BatchNorm1d;
      const buffers = Object.fromEntries([...bn.namedBuffers()].map(([k, b]) => [k, b.dtype]));
      // torch: running_mean/running_var float64, num_batches_tracked int64
      expect(buffers).toEqual({ running_mean: 'float64', running_var: 'float64', num_batches_tracked: 'int32' });
      expect(nn.Transformer.generateSquareSubsequentMask(2).dtype).toBe('float64');   // torch 1.13: the default dtype
      // modules made before the change keep their dtype; an explicit dtype wins
      fl.setDefaultDtype('float32');
      expect(new nn.Linear(2, 3).weight.dtype).toBe('float32');
      fl.setDefaultDtype('float64');
      expect(new nn.Linear(2, 3, true, { dtype: 'float32' }).weight.dtype).toBe('float32');
      // a float64 model trains with a float64 optimizer state (the state follows the parameters)
      const lin = new nn.Linear(2, 1);
      const opt = new fl.optim.Adam(lin.parameters(), 0.1);
      lin.forward(fl.ones(4, 2)).sum().backward();
      opt.step();
      expect(lin.weight.dtype).toBe('float64');
      opt.dispose();
    });
  });

  test('printing: float64 then needs no suffix and float32 does (torch\'s has_default_dtype)', () => {
    fl.setDefaultDtype('float64');
    fl.scope(() => {
      // torch.set_default_dtype(torch.float64); str(torch.tensor([1.5])), str(torch.tensor([1.5], dtype=torch.float32))
      expect(String(fl.tensor([1.5], dev).to('cpu'))).toBe('tensor([1.5000])');
      expect(String(fl.tensor([1.5], { dtype: 'float32', ...dev }).to('cpu'))).toBe('tensor([1.5000], dtype=float32)');
    });
  });
});

describe('setDefaultDtype refuses what torch refuses', () => {
  test('integer, bool and complex dtypes (torch: TypeError "only floating-point types are supported as the default type")', () => {
    for (const dt of ['int32', 'uint8', 'bool', 'complex64', 'complex128', 'int64', 'float', 42, null, undefined]) {
      expect(() => fl.setDefaultDtype(dt as fl.DefaultDType)).toThrow(fl.DTypeError);
    }
    expect(() => fl.setDefaultDtype('int32' as fl.DefaultDType)).toThrow(new fl.DTypeError("setDefaultDtype: only floating-point types are supported as the default type ('float32' or 'float64'), got 'int32'"));
    expect(fl.getDefaultDtype()).toBe('float32');
  });

  test('float16 and bfloat16 (torch 1.13: RuntimeError "invalid default scalar type for complex"), leaving the default as it was', () => {
    fl.setDefaultDtype('float64');
    for (const dt of ['float16', 'bfloat16']) {
      expect(() => fl.setDefaultDtype(dt as fl.DefaultDType)).toThrow(/setDefaultDtype: .* is not supported as the default dtype \(torch 1\.13 raises "invalid default scalar type for complex"/);
    }
    expect(fl.getDefaultDtype()).toBe('float64');
  });

  test('arity: one argument, none for getDefaultDtype', () => {
    expect(() => (fl.setDefaultDtype as (...a: unknown[]) => void)('float64', 1)).toThrow(fl.ValueError);
    expect(() => (fl.getDefaultDtype as (...a: unknown[]) => unknown)(1)).toThrow(fl.ValueError);
    expect(fl.getDefaultDtype()).toBe('float32');
  });
});
