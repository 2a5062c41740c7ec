// generator.test.ts — fl.Generator (torch.Generator), the `generator` option of every random function,
// fl.random (torch.random: seeding, forkRng), fl.cuda's seeding, and the samplers / DataLoader /
// randomSplit with a Generator (lib/generator.ts, lib/ops/random.ts, lib/data/sampler.ts, dataloader.ts).
// References: PyTorch 1.13 facts (the torch call beside each: a new generator's seed, manual_seed
// returning the generator, the device refusal's wording); the Philox design itself (a generator
// seeded s at offset k draws exactly what the default stream draws after `manualSeed(s)` and k
// elements, so the default stream is the reference of every generator draw, and vice versa the
// default stream must be left where it was); the state's bytes written out here by hand; and draws
// that do not depend on the generator (randperm's sorted values, bernoulli of p in {0, 1}).
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE } from './helpers';

const onGpu = DEVICE !== 'cpu';
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const gen = (seed: number): fl.Generator => new fl.Generator({ device: DEVICE }).manualSeed(seed);
/** The (seed, offset) a state tensor holds, decoded here from its 16 little-endian bytes. */
function decode(state: fl.Tensor): [number, number] {
  const b = Array.from(state.dataSync() as Uint8Array);
  const u64 = (at: number) => b.slice(at, at + 8).reduce((acc, x, i) => acc + x * 2 ** (8 * i), 0);
  return [u64(0), u64(8)];
}

// Every random function, drawing n elements on DEVICE, with or without a generator.
type Draw = (g: fl.Generator | undefined) => fl.Tensor;
const d = { device: DEVICE };
const f32 = { device: DEVICE, dtype: 'float32' as const };
const DRAWS: Record<string, Draw> = {
  rand: (g) => fl.rand([2, 3], { ...d, generator: g }),
  'rand(*size)': (g) => fl.rand(2, 3, { ...d, generator: g }),
  randn: (g) => fl.randn([5], { ...d, dtype: 'float64', generator: g }),
  randint: (g) => fl.randint(0, 1000, [7], { ...d, generator: g }),
  'randint(high, size)': (g) => fl.randint(1000, [7], { ...d, generator: g }),
  randperm: (g) => fl.randperm(9, { ...d, generator: g }),
  normal: (g) => fl.normal(3, 2, [4], { ...d, generator: g }),
  'normal(Tensor, Tensor)': (g) => fl.normal(fl.zeros([2, 2], d), fl.full([2], 2, d), { generator: g }),
  'normal(Tensor)': (g) => fl.normal(fl.zeros([3], d), { generator: g }),
  bernoulli: (g) => fl.bernoulli(fl.full([6], 0.5, d), { generator: g }),
  multinomial: (g) => fl.multinomial(fl.tensor([1, 2, 3, 4], f32), 3, false, { generator: g }),
  'multinomial(replacement)': (g) => fl.multinomial(fl.tensor([[1, 2, 3, 4], [4, 3, 2, 1]], f32), 5, true, { generator: g }),
  'multinomial(n, options)': (g) => fl.multinomial(fl.tensor([1, 2, 3, 4], f32), 2, { generator: g }),
  uniform_: (g) => fl.empty([4], d).uniform_(-1, 1, { generator: g }),
  'uniform_(options)': (g) => fl.empty([4], d).uniform_({ generator: g }),
  normal_: (g) => fl.empty([4], d).normal_(0, 3, { generator: g }),
  bernoulli_: (g) => fl.empty([6], d).bernoulli_(0.3, { generator: g }),
  'bernoulli_(tensor p)': (g) => fl.empty([2, 3], d).bernoulli_(fl.full([3], 0.5, d), { generator: g }),
  'Tensor.bernoulli': (g) => fl.full([6], 0.5, d).bernoulli({ generator: g }),
  'Tensor.multinomial': (g) => fl.tensor([1, 2, 3, 4], f32).multinomial(2, false, { generator: g }),
};

describe('fl.Generator', () => {
  test('a new generator: torch\'s default seed, device, manualSeed returns it', () => {
    // torch.Generator().initial_seed() == 67280421310721; torch.Generator().manual_seed(5) is the generator
    const g = new fl.Generator();
    expect(g.initialSeed()).toBe(67280421310721);
    expect(g.device).toBe('cpu');
    expect(g.manualSeed(5)).toBe(g);
    expect(g.initialSeed()).toBe(5);
    expect(new fl.Generator('cpu').device).toBe('cpu');
    expect(fl.defaultGenerator).toBeInstanceOf(fl.Generator);
    expect(fl.random.defaultGenerator).toBe(fl.defaultGenerator);
  });
  test('seed(): a fresh seed in [0, 2^53), returned, restarting the stream', () => {
    const g = new fl.Generator();
    const a = g.seed(), b = g.seed();
    for (const s of [a, b]) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    expect(a).not.toBe(b);
    expect(g.initialSeed()).toBe(b);
    fl.scope(() => expect(decode(g.getState())).toEqual([b, 0]));
  });
  test.each(Object.keys(DRAWS))('%s: same seed, same values; the default stream is the reference and is left alone', (name) => {
    fl.scope(() => {
      const draw = DRAWS[name];
      const before = fl.getRngState();
      const a = vals(draw(gen(11))), b = vals(draw(gen(11)));
      expect(fl.getRngState()).toEqual(before);                  // the default stream did not move
      expect(a).toEqual(b);
      expect(vals(draw(gen(12)))).not.toEqual(a);
      // the default stream seeded 11 draws the same numbers: one Philox design, one kernel
      fl.manualSeed(11);
      expect(vals(draw(undefined))).toEqual(a);
      fl.setRngState(before);
    });
  });
  test('draws advance only their generator, by the elements drawn (the default stream\'s rule)', () => {
    fl.scope(() => {
      const g1 = gen(1), g2 = gen(1);
      fl.manualSeed(1);
      const solo = [vals(fl.rand([3], { ...d, generator: g1 })), vals(fl.rand([4], { ...d, generator: g1 }))];
      // interleaved with another generator of the same seed and with the default stream
      const x = vals(fl.rand([3], { ...d, generator: g2 }));
      const y = vals(fl.rand([5], d));
      const z = vals(fl.rand([4], { ...d, generator: g2 }));
      expect([x, z]).toEqual(solo);
      expect(y.slice(0, 3)).toEqual(solo[0]);                    // the default stream, seeded 1, started where g2 did
      expect(decode(g2.getState())).toEqual([1, 7]);
      expect(fl.getRngState()).toEqual({ seed: 1, offset: 5 });
      // an empty draw moves nothing
      fl.rand([0, 3], { ...d, generator: g2 });
      expect(decode(g2.getState())).toEqual([1, 7]);
    });
  });
  test('draws that do not depend on the stream: randperm is a permutation, bernoulli of 0/1 is p', () => {
    fl.scope(() => {
      const g = gen(3);
      // torch.randperm(10, generator=g).sort().values == torch.arange(10)
      expect(vals(fl.sort(fl.randperm(10, { ...d, generator: g })).values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // torch.bernoulli(torch.tensor([0., 1, 1, 0]), generator=g) == [0, 1, 1, 0]
      expect(vals(fl.bernoulli(fl.tensor([0, 1, 1, 0], f32), { generator: g }))).toEqual([0, 1, 1, 0]);
      expect(vals(fl.randint(4, 5, [3], { ...d, generator: g }))).toEqual([4, 4, 4]);
      expect(vals(fl.multinomial(fl.tensor([0, 0, 1], f32), 2, true, { generator: g }))).toEqual([2, 2]);
    });
  });
  test('getState / setState: 16 bytes (seed, offset as little-endian uint64), replay', () => {
    fl.scope(() => {
      const g = gen(0x0102030405);
      fl.rand([3], { ...d, generator: g });
      const s = g.getState();
      expect([s.dtype, s.shape, s.device]).toEqual(['uint8', [16], 'cpu']);
      expect(Array.from(s.dataSync() as Uint8Array)).toEqual([5, 4, 3, 2, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
      const a = vals(fl.randn([4], { ...d, generator: g }));
      expect(g.setState(s)).toBe(g);
      expect(vals(fl.randn([4], { ...d, generator: g }))).toEqual(a);
      // the { seed, offset } form (fl.getRngState's), and a state read from the GPU
      g.setState({ seed: 0x0102030405, offset: 3 });
      expect(vals(fl.randn([4], { ...d, generator: g }))).toEqual(a);
      g.setState(s.to(DEVICE));
      expect(vals(fl.randn([4], { ...d, generator: g }))).toEqual(a);
      // a large seed and offset survive the round trip
      const big = new fl.Generator().setState({ seed: 2 ** 53 - 1, offset: 2 ** 40 + 7 });
      expect(decode(big.getState())).toEqual([2 ** 53 - 1, 2 ** 40 + 7]);
      expect(new fl.Generator().setState(big.getState()).initialSeed()).toBe(2 ** 53 - 1);
    });
  });
  test('a Generator\'s state survives fl.save / fl.load', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-gen-'));
    try {
      fl.scope(() => {
        const g = gen(77);
        fl.rand([5], { ...d, generator: g });
        const file = path.join(dir, 'rng.safetensors');
        fl.saveSync({ rng: g.getState() }, file);
        const want = vals(fl.rand([6], { ...d, generator: g }));
        const loaded = fl.loadSync(file);
        const h = new fl.Generator({ device: DEVICE }).setState(loaded.rng);
        expect(vals(fl.rand([6], { ...d, generator: h }))).toEqual(want);
      });
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
  test('through a checkpoint: a Generator\'s state in `extra`, the default stream in the file\'s rng', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-gen-ckpt-'));
    const saved = fl.getRngState();
    try {
      fl.scope(() => {
        const model = new fl.nn.Linear(2, 2);
        const g = gen(31);
        fl.rand([5], { ...d, generator: g });
        fl.manualSeed(32);
        fl.rand([3]);
        const file = path.join(dir, 'ckpt.safetensors');
        fl.saveCheckpointSync(file, { model, extra: { generator: Array.from(g.getState().dataSync() as Uint8Array) } });
        const wantG = vals(fl.rand([4], { ...d, generator: g })), wantDefault = vals(fl.rand([4]));
        fl.manualSeed(0);
        const { extra } = fl.loadCheckpointSync(file, { model });
        const h = new fl.Generator({ device: DEVICE }).setState(fl.tensor((extra as { generator: number[] }).generator, { dtype: 'uint8' }));
        expect(vals(fl.rand([4], { ...d, generator: h }))).toEqual(wantG);
        expect(vals(fl.rand([4]))).toEqual(wantDefault);      // loadCheckpoint restored the default stream
      });
    } finally { fl.setRngState(saved); fs.rmSync(dir, { recursive: true, force: true }); }
  });
  test('refusals: a bad seed, a bad state, extra arguments', () => {
    fl.scope(() => {
      const g = new fl.Generator();
      expect(() => g.manualSeed(-1)).toThrow(new fl.ValueError('Generator.manualSeed: seed must be an integer in [0, 2^53), got -1'));
      expect(() => g.manualSeed(1.5)).toThrow(fl.ValueError);
      expect(() => (g as any).manualSeed(1, 2)).toThrow(/Generator.manualSeed: takes 1 positional argument/);
      expect(() => g.setState(fl.zeros([16]))).toThrow(new fl.DTypeError('Generator.setState: the RNG state must be a uint8 tensor (as getState() returns), got dtype float32'));
      expect(() => g.setState(fl.zeros([8], { dtype: 'uint8' }))).toThrow(fl.ShapeError);
      expect(() => g.setState(fl.full([16], 255, { dtype: 'uint8' }))).toThrow(/Generator.setState: the RNG state's seed is not below 2\^53/);
      expect(() => g.setState({ seed: 1 } as any)).toThrow(/Generator.setState: offset must be an integer/);
      expect(() => g.setState(null as any)).toThrow(fl.ValueError);
      expect(() => new fl.Generator({ devic: 'cpu' } as any)).toThrow(new fl.ValueError("Generator: unknown option 'devic' (did you mean 'device'?)"));
      expect(() => new fl.Generator({ device: 'tpu' })).toThrow(fl.DeviceError);
      if (!fl.cuda.isAvailable()) expect(() => new fl.Generator({ device: 'cuda' })).toThrow(fl.BackendUnavailableError);
    });
  });
  test('refusals: a generator that is not a fl.Generator (torch: TypeError)', () => {
    fl.scope(() => {
      expect(() => fl.rand([2], { generator: 3 as any })).toThrow(new fl.ValueError('rand: generator must be a fl.Generator, got 3'));
      expect(() => fl.randn(2, { generator: { seed: 1, offset: 0 } as any })).toThrow(/randn: generator must be a fl.Generator/);
      expect(() => fl.randperm(3, { generator: 'g' as any })).toThrow(/randperm: generator must be a fl.Generator/);
      expect(() => fl.bernoulli(fl.full([2], 0.5), { generator: 1 as any })).toThrow(/bernoulli: generator must be a fl.Generator/);
      expect(() => fl.multinomial(fl.ones(2), 1, false, { generator: 1 as any })).toThrow(/multinomial: generator must be a fl.Generator/);
      expect(() => fl.ones(2).uniform_(0, 1, { generator: 1 as any })).toThrow(/uniform_: generator must be a fl.Generator/);
      expect(() => fl.ones(2).uniform_(0, 1, { generatr: new fl.Generator() } as any)).toThrow(new fl.ValueError("uniform_: unknown option 'generatr' (did you mean 'generator'?)"));
      expect(() => (fl.ones(2) as any).normal_(0, 1, 7)).toThrow(/normal_: takes 2 positional arguments \(mean, std\) but 3 were given/);
      expect(() => (fl.ones(2) as any).bernoulli(0.5)).toThrow(/bernoulli: takes no arguments/);
      // torch's *_like take no generator: rand_like(x, generator=g) is a TypeError
      expect(() => fl.randLike(fl.ones(2), { generator: new fl.Generator() } as any)).toThrow(/randLike: unknown option 'generator'/);
    });
  });
  // a GPU-only check: the emulator's run (and gpu-check.sh's) has it; defined only there, so CPU runs do not list it as skipped
  if (onGpu) test('device: a CPU generator for a cuda tensor is refused as torch does, and vice versa', () => {
    fl.scope(() => {
      const cpu = new fl.Generator(), gpu = new fl.Generator({ device: 'cuda' });
      expect(gpu.device).toBe('cuda:0');
      // torch.rand(2, device='cuda', generator=torch.Generator()): RuntimeError: Expected a 'cuda' device type for generator but found 'cpu'
      expect(() => fl.rand([2], { device: 'cuda', generator: cpu })).toThrow(new fl.DeviceError("rand: Expected a 'cuda' device type for generator but found 'cpu' (the tensor is on cuda:0)"));
      expect(() => fl.rand([2], { generator: gpu })).toThrow(/rand: Expected a 'cpu' device type for generator but found 'cuda'/);
      expect(() => fl.zeros(2, { device: 'cuda' }).normal_(0, 1, { generator: cpu })).toThrow(fl.DeviceError);
      expect(() => fl.multinomial(fl.ones(3, { device: 'cuda' }), 1, false, { generator: cpu })).toThrow(fl.DeviceError);
      expect(() => fl.rand([0], { device: 'cuda', generator: cpu })).toThrow(fl.DeviceError);   // an empty draw is checked too
      // the numbers do not depend on the device: one Philox stream (integers exact; normals to the
      // float32 rounding of the two backends' log/cos)
      cpu.manualSeed(4); gpu.manualSeed(4);
      expect(vals(fl.randint(0, 1 << 30, [5], { device: 'cuda', generator: gpu }))).toEqual(vals(fl.randint(0, 1 << 30, [5], { generator: cpu })));
      const gz = vals(fl.randn([5], { device: 'cuda', generator: gpu })), cz = vals(fl.randn([5], { generator: cpu }));
      gz.forEach((v, i) => expect(Math.abs(v - cz[i])).toBeLessThan(1e-6 * (1 + Math.abs(cz[i]))));
      // the samplers draw on the CPU: a cuda generator is refused
      expect(() => new fl.data.RandomSampler({ length: 3 }, { generator: gpu })).toThrow(fl.DeviceError);
      expect(() => new fl.data.DataLoader(new fl.data.TensorDataset(fl.ones(3)), { shuffle: true, generator: gpu })).toThrow(fl.DeviceError);
    });
  });
});

describe('fl.normal\'s tensor forms (torch.normal(mean, std) with tensors), with a generator', () => {
  const f64 = { device: DEVICE, dtype: 'float64' as const };
  test('mean + std · N(0, 1) of the broadcast shape: a float64 reference from the same stream', () => {
    fl.scope(() => {
      const m = fl.tensor([[1], [-2]], f64), sd = fl.tensor([0.5, 2, 0], f64);
      const got = fl.normal(m, sd, { generator: gen(5) });
      expect(got.shape).toEqual([2, 3]);
      const eps = vals(fl.randn([2, 3], { ...f64, generator: gen(5) }));
      const want = [0, 1, 2, 3, 4, 5].map((k) => [1, -2][Math.floor(k / 3)] + [0.5, 2, 0][k % 3] * eps[k]);
      vals(got).forEach((v, k) => expect(Math.abs(v - want[k])).toBeLessThanOrEqual(1e-15 * (1 + Math.abs(want[k]))));
      expect([vals(got)[2], vals(got)[5]]).toEqual([1, -2]);     // std 0: the mean exactly
      // the number forms: normal(mean tensor) (std 1), normal(mean tensor, 2), normal(3, std tensor)
      expect(vals(fl.normal(m, { generator: gen(6) }))).toEqual(vals(fl.normal(m, 1, { generator: gen(6) })));
      const e2 = vals(fl.randn([2, 1], { ...f64, generator: gen(7) }));
      vals(fl.normal(m, 2, { generator: gen(7) })).forEach((v, k) => expect(v).toBeCloseTo([1, -2][k] + 2 * e2[k], 14));
      const e3 = vals(fl.randn([3], { ...f64, generator: gen(8) }));
      vals(fl.normal(3, sd, { generator: gen(8) })).forEach((v, k) => expect(v).toBeCloseTo(3 + [0.5, 2, 0][k] * e3[k], 14));
    });
  });
  test('dtype: mean\'s when both are tensors, else the tensor\'s (torch 1.13); 0-dim and empty', () => {
    fl.scope(() => {
      const z32 = fl.zeros(2, d), z64 = fl.zeros(2, { ...d, dtype: 'float64' }), z16 = fl.zeros(2, { ...d, dtype: 'float16' });
      // torch.normal(zeros(2), ones(2, dtype=float64)).dtype == float32; the reverse float64; float16 mean: float16
      expect([fl.normal(z32, fl.onesLike(z64)).dtype, fl.normal(z64, fl.onesLike(z32)).dtype, fl.normal(z16, fl.onesLike(z32)).dtype]).toEqual(['float32', 'float64', 'float16']);
      // torch.normal(0.0, ones(2, dtype=float64)).dtype == float64; an integer std with a float mean is taken
      expect([fl.normal(0, fl.onesLike(z64)).dtype, fl.normal(z32, fl.ones(2, { ...d, dtype: 'int32' })).dtype]).toEqual(['float64', 'float32']);
      expect(fl.normal(fl.zeros([], d), 2).shape).toEqual([]);
      expect(fl.normal(fl.zeros([0], d), fl.ones([0], d)).shape).toEqual([0]);
      expect(fl.normal(fl.zeros([2, 1], d), fl.ones([1, 3], d)).shape).toEqual([2, 3]);
      expect(fl.normal(z32, 1).device).toBe(fl.zeros(1, d).device);
    });
  });
  test('moments of 20000 draws (mean 3, std 2): within 4 standard errors', () => {
    fl.scope(() => {
      const v = vals(fl.normal(fl.full([20000], 3, f64), fl.full([20000], 2, f64), { generator: gen(9) }));
      const mu = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / (v.length - 1));
      expect(Math.abs(mu - 3)).toBeLessThan(4 * 2 / Math.sqrt(20000));
      expect(Math.abs(sd - 2)).toBeLessThan(4 * 2 / Math.sqrt(2 * 20000));
    });
  });
  test('zero gradients to mean and std (torch\'s NormalBackward3: zeros)', () => {
    fl.scope(() => {
      const m = fl.zeros(3, { ...f64, requiresGrad: true }), sd = fl.ones(3, { ...f64, requiresGrad: true });
      const y = fl.normal(m, sd);
      expect(y.requiresGrad).toBe(true);
      y.sum().backward();
      expect([vals(m.grad!), vals(sd.grad!)]).toEqual([[0, 0, 0], [0, 0, 0]]);
      const y2 = fl.normal(m, 2);
      y2.sum().backward();
      expect(vals(m.grad!)).toEqual([0, 0, 0]);
    });
  });
  test('refusals', () => {
    fl.scope(() => {
      const m = fl.zeros(2, d);
      // torch: normal expects all elements of std >= 0.0
      expect(() => fl.normal(m, fl.tensor([-1, 1], f32))).toThrow(new fl.ValueError('normal: expected all elements of std >= 0 (std of shape [2] has a negative or NaN element)'));
      expect(() => fl.normal(m, fl.tensor([NaN, 1], f32))).toThrow(fl.ValueError);
      expect(() => fl.normal(m, -1)).toThrow(new fl.ValueError('normal: expected std >= 0, got -1'));
      expect(() => fl.normal(m, NaN)).toThrow(fl.ValueError);
      // torch: "normal_kernel_cpu" not implemented for 'Int'
      expect(() => fl.normal(fl.zeros(2, { ...d, dtype: 'int32' }), 1)).toThrow(fl.DTypeError);
      expect(() => fl.normal(0, fl.ones(2, { ...d, dtype: 'int32' }))).toThrow(fl.DTypeError);
      expect(() => fl.normal(fl.zeros(6, d), fl.ones([2, 3], d))).toThrow(fl.ShapeError);
      expect(() => (fl.normal as any)(m, 1, [2])).toThrow(/normal: size is taken only with a number mean and std/);
      expect(() => (fl.normal as any)(m, 1, { dtype: 'float64' })).toThrow(/normal: dtype, device, pinned and requiresGrad are taken only with a number mean and std/);
      expect(() => (fl.normal as any)(0, 1)).toThrow(/normal: with a number mean and std, size is required/);
      expect(() => (fl.normal as any)('0', 1, [2])).toThrow(new fl.ValueError("normal: mean must be a number or a Tensor, got '0'"));
      if (onGpu) expect(() => fl.normal(fl.zeros(2, { device: 'cuda' }), fl.ones(2))).toThrow(fl.DeviceError);
    });
  });
});

describe('fl.random, fl.manualSeed, fl.seed and fl.cuda\'s seeding', () => {
  test('aliases: fl.random.* are the top-level functions', () => {
    expect(fl.random.manualSeed).toBe(fl.manualSeed);
    expect(fl.random.seed).toBe(fl.seed);
    expect(fl.random.initialSeed).toBe(fl.initialSeed);
    expect(fl.random.getRngState).toBe(fl.getRngState);
    expect(fl.random.setRngState).toBe(fl.setRngState);
  });
  test('manualSeed returns the default generator (torch.manual_seed(0) is torch.default_generator); seed() reseeds it', () => {
    const saved = fl.getRngState();
    expect(fl.manualSeed(3)).toBe(fl.defaultGenerator);
    expect(fl.defaultGenerator.initialSeed()).toBe(3);
    const s = fl.seed();
    expect(fl.initialSeed()).toBe(s);
    expect(fl.getRngState()).toEqual({ seed: s, offset: 0 });
    // the default generator's uint8 state restores through setRngState too
    fl.scope(() => {
      fl.manualSeed(9);
      const st = fl.defaultGenerator.getState();
      const a = vals(fl.rand([3]));
      fl.setRngState(st);
      expect(vals(fl.rand([3]))).toEqual(a);
    });
    fl.setRngState(saved);
  });
  test('forkRng restores the default stream after fn: on return, on a throw, after an async fn; enabled: false does not', async () => {
    const saved = fl.getRngState();
    fl.manualSeed(5);
    const start = fl.getRngState();
    const out = fl.random.forkRng(() => { fl.manualSeed(99); fl.rand([4]).dispose(); return 42; });
    expect(out).toBe(42);
    expect(fl.getRngState()).toEqual(start);
    expect(() => fl.random.forkRng(() => { fl.rand([4]).dispose(); throw new Error('boom'); })).toThrow('boom');
    expect(fl.getRngState()).toEqual(start);
    await expect(fl.random.forkRng(async () => { fl.rand([2]).dispose(); await new Promise((r) => setTimeout(r, 1)); fl.rand([2]).dispose(); throw new Error('later'); })).rejects.toThrow('later');
    expect(fl.getRngState()).toEqual(start);
    expect(await fl.random.forkRng(async () => { fl.manualSeed(1); return 'ok'; }, { devices: [0, 'cuda:0'] })).toBe('ok');
    expect(fl.getRngState()).toEqual(start);
    // a draw inside the fork equals the draw outside it: the fork starts where the stream was
    const inside = fl.random.forkRng(() => fl.scope(() => vals(fl.rand([3]))));
    expect(fl.scope(() => vals(fl.rand([3])))).toEqual(inside);
    fl.random.forkRng(() => fl.rand([2]).dispose(), { enabled: false });
    expect(fl.getRngState()).toEqual({ seed: 5, offset: 5 });
    expect(() => fl.random.forkRng(3 as any)).toThrow(new fl.ValueError('random.forkRng: fn must be a function, got 3'));
    expect(() => fl.random.forkRng(() => 1, { enable: false } as any)).toThrow(new fl.ValueError("random.forkRng: unknown option 'enable' (did you mean 'enabled'?)"));
    expect(() => fl.random.forkRng(() => 1, { devices: ['tpu'] })).toThrow(/random.forkRng: devices\[0\] must be a GPU index or 'cuda:N'/);
    fl.setRngState(saved);
  });
  test('fl.cuda.manualSeed & co. seed and read the one stream the GPUs share with the CPU', () => {
    const saved = fl.getRngState();
    fl.cuda.manualSeed(21);
    expect(fl.getRngState()).toEqual({ seed: 21, offset: 0 });
    expect(fl.cuda.initialSeed()).toBe(21);
    fl.cuda.manualSeedAll(22);
    expect(fl.initialSeed()).toBe(22);
    const st = fl.cuda.getRngState();
    expect(st).toEqual(fl.getRngState());
    expect(fl.cuda.getRngStateAll()).toEqual([st]);
    fl.scope(() => {
      const a = vals(fl.rand([3], d));
      fl.cuda.setRngState(st, 0);
      expect(vals(fl.rand([3], d))).toEqual(a);
      fl.cuda.setRngStateAll([st]);
      expect(vals(fl.rand([3], d))).toEqual(a);
    });
    fl.cuda.seed();
    fl.cuda.seedAll();
    expect(fl.getRngState().offset).toBe(0);
    expect(() => fl.cuda.manualSeed(-3)).toThrow(new fl.ValueError('cuda.manualSeed: seed must be an integer in [0, 2^53), got -3'));
    expect(() => fl.cuda.getRngState('cpu' as any)).toThrow(fl.ValueError);
    expect(() => fl.cuda.setRngStateAll([])).toThrow(fl.ValueError);
    fl.setRngState(saved);
  });
});

describe('the samplers, randomSplit and DataLoader with a Generator', () => {
  const ds = { length: 20, get: (i: number) => i };
  test('a Generator seeded s draws what { seed: s, offset: 0 } and the seed s draw, epoch after epoch, and advances', () => {
    const before = fl.getRngState();
    const g = new fl.Generator().manualSeed(3);
    const state = { seed: 3, offset: 0 };
    const a = new fl.data.RandomSampler(ds, { generator: g });
    const b = new fl.data.RandomSampler(ds, { generator: state });
    const c = new fl.data.RandomSampler(ds, false, null, 3);
    const e1 = [...a], e2 = [...a];
    expect([[...b], [...b]]).toEqual([e1, e2]);
    expect([[...c], [...c]]).toEqual([e1, e2]);
    expect(e1).not.toEqual(e2);
    expect([...e1].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(g.initialSeed()).toBe(3);
    fl.scope(() => expect(decode(g.getState())).toEqual([3, 40]));
    expect(state).toEqual({ seed: 3, offset: 40 });
    // with replacement, the subset and weighted samplers, randomSplit
    const g2 = new fl.Generator().manualSeed(4);
    expect([...new fl.data.RandomSampler(ds, { replacement: true, numSamples: 30, generator: g2 })]).toEqual([...new fl.data.RandomSampler(ds, { replacement: true, numSamples: 30, generator: 4 })]);
    expect([...new fl.data.SubsetRandomSampler([5, 6, 7, 8, 9], { generator: new fl.Generator().manualSeed(6) })]).toEqual([...new fl.data.SubsetRandomSampler([5, 6, 7, 8, 9], 6)]);
    expect([...new fl.data.WeightedRandomSampler([1, 2, 3, 4], 12, { generator: new fl.Generator().manualSeed(7) })]).toEqual([...new fl.data.WeightedRandomSampler([1, 2, 3, 4], 12, true, 7)]);
    expect(fl.data.randomSplit(ds, [15, 5], new fl.Generator().manualSeed(8)).map((s) => s.indices)).toEqual(fl.data.randomSplit(ds, [15, 5], 8).map((s) => s.indices));
    // one generator shared by two samplers: each draws in turn, as torch's
    const shared = new fl.Generator().manualSeed(9);
    const s1 = [...new fl.data.RandomSampler(ds, { generator: shared })], s2 = [...new fl.data.RandomSampler(ds, { generator: shared })];
    const ref = new fl.data.RandomSampler(ds, { generator: 9 });
    expect([s1, s2]).toEqual([[...ref], [...ref]]);
    expect(fl.getRngState()).toEqual(before);
    expect(() => new fl.data.RandomSampler(ds, { generator: 'x' as any })).toThrow(/RandomSampler: generator must be a seed \(an integer in \[0, 2\^53\)\), a \{ seed, offset \} state \(as fl.getRngState\(\) returns\) or a fl.Generator, got 'x'/);
  });
  test('DataLoader({ shuffle, generator }): a Generator and a { seed, offset } state give the same epochs', async () => {
    const before = fl.getRngState();
    const data = new fl.data.TensorDataset(fl.arange(0, 12, 1, { dtype: 'int32' }));
    const epochs = async (generator: fl.Generator | fl.RngState): Promise<number[][]> => {
      const loader = new fl.data.DataLoader(data, { batchSize: 12, shuffle: true, generator });
      const out: number[][] = [];
      for (let e = 0; e < 2; e++) for await (const [x] of loader as AsyncIterable<fl.Tensor[]>) { out.push(Array.from(x.dataSync() as Int32Array)); x.dispose(); }
      return out;
    };
    const g = new fl.Generator().manualSeed(13);
    const withGen = await epochs(g);
    const withState = await epochs({ seed: 13, offset: 0 });
    expect(withGen).toEqual(withState);
    expect(withGen[0]).not.toEqual(withGen[1]);
    // the epochs are the generator's randperms, in turn
    const ref = new fl.data.RandomSampler({ length: 12 }, { generator: 13 });
    expect(withGen).toEqual([[...ref], [...ref]]);
    fl.scope(() => expect(decode(g.getState())).toEqual([13, 24]));
    expect(fl.getRngState()).toEqual(before);
    expect(() => new fl.data.DataLoader(data, { shuffle: true, seed: 1, generator: g })).toThrow(new fl.ValueError('DataLoader: generator option is mutually exclusive with seed (each picks the shuffled order)'));
    expect(() => new fl.data.DataLoader(data, { shuffle: true, generator: 5 as any })).toThrow(/DataLoader: generator must be a fl.Generator or a \{ seed, offset \} state/);
    data.tensors.forEach((t) => t.dispose());
  });
});
