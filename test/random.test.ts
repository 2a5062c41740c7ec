// random.test.ts — the Philox generator and the random ops.
// References: the Random123 known-answer vectors for Philox4x32-10; a BigInt Philox written here
// from the paper, with the word-to-number mapping documented in native/core/philox.h; and
// distribution statistics of 1e6 draws with bounds of 5 standard errors (or a lenient chi-square).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const dev = { device: DEVICE };
const f64 = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

// ---- independent Philox4x32-10 (BigInt), from Salmon et al. SC'11 -------------------------------
const MASK = 0xffffffffn;
function philoxRef(ctr: number[], key: number[]): number[] {
  let [c0, c1, c2, c3] = ctr.map(BigInt);
  let [k0, k1] = key.map(BigInt);
  for (let r = 0; r < 10; r++) {
    if (r > 0) { k0 = (k0 + 0x9e3779b9n) & MASK; k1 = (k1 + 0xbb67ae85n) & MASK; }
    const p0 = 0xd2511f53n * c0, p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & MASK, (p0 >> 32n) ^ c3 ^ k1, p0 & MASK];
  }
  return [c0, c1, c2, c3].map(Number);
}
/** Words of element i for a given generator state. */
function wordsAt(seed: number, offset: number, i: number): number[] {
  const c = offset + i;
  return philoxRef([c % 2 ** 32, Math.floor(c / 2 ** 32), 0, 0], [seed % 2 ** 32, Math.floor(seed / 2 ** 32)]);
}

function mean(xs: ArrayLike<number>): number { let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; return s / xs.length; }
function variance(xs: ArrayLike<number>, m = mean(xs)): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

describe('Philox4x32-10', () => {
  test('known-answer vectors of Random123', () => {
    // on DEVICE: the GPU's Philox (native/kernels/random.cu) must give the same words as the CPU's
    const philox = (fl as unknown as { philoxRaw(c: number[], k: number[], device?: string): number[] }).philoxRaw;
    const raw = (c: number[], k: number[]): number[] => philox(c, k, DEVICE);
    expect(raw([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    const f = 0xffffffff;
    expect(raw([f, f, f, f], [f, f])).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect(raw([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))
      .toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
    // the reference used below agrees with the same vectors
    expect(philoxRef([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    expect(philoxRef([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))
      .toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  test('uniform, normal and integer values follow the documented mapping of (seed, offset + i)', () => fl.scope(() => {
    const seed = 2 ** 40 + 12345;  // a seed with a nonzero high word
    fl.manualSeed(seed);
    fl.rand([7], dev);  // advance the offset to 7
    expect(fl.getRngState()).toEqual({ seed, offset: 7 });
    const u32 = f64(fl.rand([5], dev));
    const u64 = f64(fl.rand([5], { ...dev, dtype: 'float64' }));
    const n64 = f64(fl.randn([5], { ...dev, dtype: 'float64' }));
    const n32 = f64(fl.randn([5], dev));
    const ri = f64(fl.randint(-3, 1000, [5], dev));
    expect(fl.getRngState().offset).toBe(32);
    for (let i = 0; i < 5; i++) {
      let w = wordsAt(seed, 7, i);
      expect(u32[i]).toBe((w[0] >>> 8) / 2 ** 24);
      w = wordsAt(seed, 12, i);
      expect(u64[i]).toBe((w[0] * 2 ** 21 + (w[1] >>> 11)) / 2 ** 53);
      w = wordsAt(seed, 17, i);
      const a1 = 1 - (w[0] * 2 ** 21 + (w[1] >>> 11)) / 2 ** 53, a2 = (w[2] * 2 ** 21 + (w[3] >>> 11)) / 2 ** 53;
      const z64 = Math.sqrt(-2 * Math.log(a1)) * Math.cos(2 * Math.PI * a2);
      expect(Math.abs(n64[i] - z64)).toBeLessThan(1e-12 * Math.max(1, Math.abs(z64)));
      w = wordsAt(seed, 22, i);
      const b1 = 1 - (w[0] >>> 8) / 2 ** 24, b2 = (w[1] >>> 8) / 2 ** 24;
      const z32 = Math.sqrt(-2 * Math.log(b1)) * Math.cos(2 * Math.PI * b2);
      expect(Math.abs(n32[i] - z32)).toBeLessThan(1e-5 * Math.max(1, Math.abs(z32)));
      w = wordsAt(seed, 27, i);
      expect(ri[i]).toBe(-3 + Number(((BigInt(w[0]) << 32n) | BigInt(w[1])) % 1003n));
    }
  }));
  // random.h promises the CPU's bits on every device for uniform and integer draws. uniform_(from,
  // to) is from + (to - from)·u: nvcc contracts that into an FMA (one rounding, other bits) unless
  // the product is rounded on its own (random.h's lerpRn); the emulator contracts as nvcc does.
  test('uniform_(from, to) and randint give the CPU\'s bits on every device, every float dtype', () => fl.scope(() => {
    for (const dtype of ['float32', 'float64', 'float16', 'bfloat16'] as const) {
      const draw = (device: string): number[] => {
        fl.manualSeed(99);
        return f64(fl.empty([4096], { device, dtype }).uniform_(-2.7, 3.1));
      };
      expect(draw(DEVICE)).toEqual(draw('cpu'));
    }
    const ints = (device: string): number[] => {
      fl.manualSeed(98);
      return f64(fl.randint(-50, 1e9, [4096], { device }));
    };
    expect(ints(DEVICE)).toEqual(ints('cpu'));
  }));
});

describe('generator state', () => {
  test('same seed gives the same numbers; different seeds differ', () => fl.scope(() => {
    fl.manualSeed(42);
    const a = f64(fl.randn([1000], dev));
    fl.manualSeed(42);
    const b = f64(fl.randn([1000], dev));
    fl.manualSeed(43);
    const c = f64(fl.randn([1000], dev));
    expect(b).toEqual(a);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === c[i]) same++;
    expect(same).toBeLessThan(5);
    expect(fl.initialSeed()).toBe(43);
  }));

  test('the stream continues across calls: rand(10) then rand(10) equals rand(20)', () => fl.scope(() => {
    fl.manualSeed(7);
    const first = f64(fl.rand([2, 5], dev)), second = f64(fl.rand([10], dev));
    fl.manualSeed(7);
    const whole = f64(fl.rand([20], dev));
    expect([...first, ...second]).toEqual(whole);
    expect(second).not.toEqual(first);
  }));

  test('getRngState / setRngState reproduce a sequence', () => fl.scope(() => {
    fl.manualSeed(5);
    fl.rand([3], dev);
    const s = fl.getRngState();
    const a = f64(fl.randn([64], dev)), ai = f64(fl.randint(0, 100, [64], dev));
    fl.rand([11], dev);
    fl.setRngState(s);
    expect(f64(fl.randn([64], dev))).toEqual(a);
    expect(f64(fl.randint(0, 100, [64], dev))).toEqual(ai);
    s.offset = 999;  // the returned object is a copy
    expect(fl.getRngState().offset).toBe(3 + 128);
  }));

  test('the default seed is PyTorch\'s default CPU seed', () => {
    expect(fl.DEFAULT_SEED).toBe(67280421310721);
  });

  test('results do not depend on the thread count (1M-element rand and randn, randperm)', () => fl.scope(() => {
    const before = fl.backend.info().threads;
    try {
      const draw = (): number[][] => {
        fl.manualSeed(123);
        return [f64(fl.rand([1000, 1000], dev)), f64(fl.randn([1 << 20], dev)), f64(fl.randperm(100000, dev))];
      };
      fl.backend.setNumThreads(1);
      const one = draw();
      fl.backend.setNumThreads(2);
      const two = draw();
      for (let k = 0; k < 3; k++) {
        let diff = 0;
        for (let i = 0; i < one[k].length; i++) if (one[k][i] !== two[k][i]) diff++;
        expect(diff).toBe(0);
      }
    } finally {
      fl.backend.setNumThreads(before);
    }
  }));

  test('empty tensors draw nothing and do not advance the stream', () => fl.scope(() => {
    fl.manualSeed(1);
    const e = fl.rand([0, 3], dev);
    expect(e.shape).toEqual([0, 3]);
    expect(fl.randperm(0, dev).shape).toEqual([0]);
    expect(fl.getRngState().offset).toBe(0);
    const s = fl.rand([], dev);
    expect(s.shape).toEqual([]);
    expect(fl.getRngState().offset).toBe(1);
  }));
});

describe('distributions (fixed seeds, 5 standard errors)', () => {
  const N = 1_000_000;

  test('rand: mean 1/2, variance 1/12, all in [0, 1), float32 and float64', () => fl.scope(() => {
    fl.manualSeed(2024);
    for (const dtype of ['float32', 'float64'] as const) {
      const x = fl.rand([N], { ...dev, dtype }).dataSync() as Float32Array | Float64Array;
      let mn = Infinity, mx = -Infinity;
      for (let i = 0; i < N; i++) { if (x[i] < mn) mn = x[i]; if (x[i] > mx) mx = x[i]; }
      expect(mn).toBeGreaterThanOrEqual(0);
      expect(mx).toBeLessThan(1);
      const m = mean(x), v = variance(x, m);
      expect(Math.abs(m - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
      expect(Math.abs(v - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / N));
    }
  }));

  test('rand in float16 / bfloat16: exact multiples of 2^-11 / 2^-8 in [0, 1)', () => fl.scope(() => {
    fl.manualSeed(9);
    for (const [dtype, bits] of [['float16', 11], ['bfloat16', 8]] as const) {
      const x = f64(fl.rand([20000], { ...dev, dtype }));
      expect(x.filter((v) => !(v >= 0 && v < 1 && Number.isInteger(v * 2 ** bits)))).toEqual([]);
      expect(Math.abs(mean(x) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / x.length) + 2 ** -bits);
    }
  }));

  test('randn: mean 0, variance 1, skew 0, kurtosis 3', () => fl.scope(() => {
    fl.manualSeed(31337);
    for (const dtype of ['float32', 'float64'] as const) {
      const x = fl.randn([N], { ...dev, dtype }).dataSync() as Float32Array | Float64Array;
      const m = mean(x), v = variance(x, m);
      let m3 = 0, m4 = 0;
      for (let i = 0; i < N; i++) { const d = x[i] - m; const d2 = d * d; m3 += d2 * d; m4 += d2 * d2; }
      m3 /= N; m4 /= N;
      expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(N));
      expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
      expect(Math.abs(m3)).toBeLessThan(5 * Math.sqrt(15 / N));
      expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
      // tail mass beyond 3 sigma: 0.0027
      let tail = 0;
      for (let i = 0; i < N; i++) if (Math.abs(x[i]) > 3) tail++;
      expect(Math.abs(tail / N - 0.0026998)).toBeLessThan(5 * Math.sqrt(0.0027 / N));
    }
  }));

  test('normal(mean, std) and normal_ / uniform_ in place', () => fl.scope(() => {
    fl.manualSeed(3);
    const x = f64(fl.normal(10, 2, [200000], dev));
    expect(Math.abs(mean(x) - 10)).toBeLessThan(5 * 2 / Math.sqrt(x.length));
    expect(Math.abs(Math.sqrt(variance(x)) - 2)).toBeLessThan(5 * 2 * Math.sqrt(0.5 / x.length));
    const y = fl.zeros([200000], { ...dev, dtype: 'float64' });
    expect(y.normal_(-1, 0.5)).toBe(y);
    const yv = f64(y);
    expect(Math.abs(mean(yv) + 1)).toBeLessThan(5 * 0.5 / Math.sqrt(yv.length));
    const u = f64(fl.empty([200000], dev).uniform_(-2, 3));
    expect(u.filter((v) => !(v >= -2 && v < 3))).toEqual([]);
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(5 * Math.sqrt(25 / 12 / u.length));
    expect(f64(fl.zeros([5], dev).normal_(4, 0))).toEqual([4, 4, 4, 4, 4]);
  }));

  test('randint covers [low, high) uniformly (chi-square), both call forms, several dtypes', () => fl.scope(() => {
    fl.manualSeed(77);
    const n = 100000, k = 10;
    const x = fl.randint(-5, 5, [n], dev);
    expect(x.dtype).toBe('int32');
    const counts = new Array(k).fill(0);
    const xv = f64(x);
    expect(xv.filter((v) => !(v >= -5 && v < 5 && Number.isInteger(v)))).toEqual([]);
    for (const v of xv) counts[v + 5]++;
    const chi2 = counts.reduce((s, c) => s + (c - n / k) ** 2 / (n / k), 0);
    expect(chi2).toBeLessThan(40);  // df 9: P(chi2 > 40) ~ 1e-5
    const dice = fl.randint(6, [1000], dev);
    expect(dice.shape).toEqual([1000]);
    expect(new Set(f64(dice))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(new Set(f64(fl.randint(0, 2, [200], { ...dev, dtype: 'bool' })))).toEqual(new Set([0, 1]));
    const bytes = f64(fl.randint(250, 256, [300], { ...dev, dtype: 'uint8' }));
    expect(Math.min(...bytes)).toBe(250);
    expect(Math.max(...bytes)).toBe(255);
    const fl32 = fl.randint(-100, 100, [2, 50], { ...dev, dtype: 'float32' });
    expect(fl32.dtype).toBe('float32');
    expect(f64(fl32).every((v) => Number.isInteger(v) && v >= -100 && v < 100)).toBe(true);
    const wide = f64(fl.randint(-(2 ** 31), 2 ** 31 - 1, [1000], dev));
    expect(wide.some((v) => v < -(2 ** 30))).toBe(true);
    expect(wide.some((v) => v > 2 ** 30)).toBe(true);
  }));

  test('randperm is a permutation; positions are uniform', () => fl.scope(() => {
    fl.manualSeed(11);
    for (const n of [1, 2, 17, 1000]) {
      const p = fl.randperm(n, dev);
      expect(p.dtype).toBe('int32');
      expect(f64(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(f64(fl.randperm(50, { ...dev, dtype: 'float32' })).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // where index 0 lands, over 4000 permutations of 4: each position 1/4
    const counts = [0, 0, 0, 0];
    for (let r = 0; r < 4000; r++) counts[f64(fl.randperm(4, dev)).indexOf(0)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0);
    expect(chi2).toBeLessThan(30);  // df 3
  }));

  test('bernoulli with a probability tensor, bernoulli_ with a number or a broadcast tensor', () => fl.scope(() => {
    fl.manualSeed(8);
    const probs = [0, 1, 0.3, 0.9];
    const p = fl.tensor(probs, { ...dev, dtype: 'float64' }).reshape([1, 4]).expand([50000, 4]);
    const b = fl.bernoulli(p);
    expect(b.shape).toEqual([50000, 4]);
    expect(b.dtype).toBe('float64');
    const bv = f64(b);
    const cols = [0, 1, 2, 3].map((j) => { let s = 0; for (let i = j; i < bv.length; i += 4) s += bv[i]; return s / 50000; });
    for (let j = 0; j < 4; j++) expect(Math.abs(cols[j] - probs[j])).toBeLessThanOrEqual(5 * Math.sqrt(probs[j] * (1 - probs[j]) / 50000));
    expect(bv.every((v) => v === 0 || v === 1)).toBe(true);
    const q = fl.zeros([100000], { ...dev, dtype: 'uint8' }).bernoulli_(0.25);
    expect(Math.abs(mean(f64(q)) - 0.25)).toBeLessThan(5 * Math.sqrt(0.25 * 0.75 / 100000));
    const r = fl.zeros([3, 20000], dev).bernoulli_(fl.tensor([[0.1], [0.5], [1]], dev));
    const rv = f64(r);
    const rows = [0, 1, 2].map((i) => mean(rv.slice(i * 20000, (i + 1) * 20000)));
    expect(Math.abs(rows[0] - 0.1)).toBeLessThan(5 * Math.sqrt(0.09 / 20000));
    expect(Math.abs(rows[1] - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / 20000));
    expect(rows[2]).toBe(1);
    expect(fl.full([4], 0.5, { ...dev, dtype: 'float16' }).bernoulli().dtype).toBe('float16');
  }));
});

describe('views and *Like', () => {
  test('in-place fill of a non-contiguous view draws in the view\'s row-major order', () => fl.scope(() => {
    fl.manualSeed(99);
    const s = fl.getRngState();
    const base = fl.zeros([3, 4], { ...dev, dtype: 'float64' });
    const v = base.transpose(0, 1);  // [4, 3], strides [1, 4]
    v.uniform_();
    fl.setRngState(s);
    const ref = fl.rand([4, 3], { ...dev, dtype: 'float64' });
    expect(v.toArray()).toEqual(ref.toArray());
    // a column slice: only that column changes
    const m = fl.zeros([4, 3], dev);
    m.slice(1, 1, 2).normal_();
    const mv = m.toArray() as number[][];
    for (const row of mv) { expect(row[0]).toBe(0); expect(row[2]).toBe(0); expect(row[1]).not.toBe(0); }
  }));

  test('randLike / randnLike take shape, dtype and device from the tensor', () => fl.scope(() => {
    const x = fl.zeros([2, 3], { ...dev, dtype: 'float64' });
    const a = fl.randLike(x), b = fl.randnLike(x, { dtype: 'bfloat16' });
    expect([a.shape, a.dtype, a.device]).toEqual([[2, 3], 'float64', x.device]);
    expect([b.shape, b.dtype]).toEqual([[2, 3], 'bfloat16']);
  }));
});

describe('bad input', () => {
  test('typed errors that name the op', () => fl.scope(() => {
    expect(() => fl.rand([-1, 2], dev)).toThrow(fl.ShapeError);
    expect(() => fl.rand([2.5], dev)).toThrow(/rand/);
    expect(() => fl.rand([2], { ...dev, dtype: 'int32' })).toThrow(fl.DTypeError);
    expect(() => fl.randn([2], { ...dev, dtype: 'bool' })).toThrow(/randn: expected a floating dtype/);
    expect(() => fl.randint(5, 5, [2], dev)).toThrow(fl.ValueError);
    expect(() => fl.randint(5, 3, [2], dev)).toThrow(/randint: expected low < high/);
    expect(() => fl.randint(0, 2 ** 31 + 1, [2], dev)).toThrow(/does not fit dtype int32/);
    expect(() => fl.randint(0, 257, [2], { ...dev, dtype: 'uint8' })).toThrow(fl.ValueError);
    expect(() => fl.randint(0.5, 3, [2], dev)).toThrow(/must be integers/);
    expect(() => fl.randint(0, [-2], dev)).toThrow(fl.ShapeError);
    expect(() => fl.manualSeed(1.5)).toThrow(/manualSeed: seed must be an integer/);
    expect(() => fl.manualSeed(-1)).toThrow(fl.ValueError);
    expect(() => fl.manualSeed(2 ** 53)).toThrow(fl.ValueError);
    expect(() => fl.setRngState({ seed: 1, offset: -1 })).toThrow(/setRngState: offset/);
    expect(() => fl.normal(0, -1, [3], dev)).toThrow(/normal: expected std >= 0/);
    expect(() => fl.normal(NaN, 1, [3], dev)).toThrow(fl.ValueError);
    expect(() => fl.randperm(-1)).toThrow(/randperm/);
    expect(() => fl.randperm(1.5)).toThrow(fl.ValueError);
    expect(() => fl.randperm(300, { ...dev, dtype: 'uint8' })).toThrow(fl.ValueError);
    expect(() => fl.zeros([3], { ...dev, dtype: 'int32' }).uniform_()).toThrow(fl.DTypeError);
    expect(() => fl.zeros([3], dev).uniform_(2, 1)).toThrow(/uniform_: expected from <= to/);
    expect(() => fl.zeros([3], dev).bernoulli_(1.5)).toThrow(/bernoulli_: expected 0 <= p <= 1/);
    expect(() => fl.zeros([3], dev).bernoulli_(fl.zeros([2], dev))).toThrow(fl.ShapeError);
    expect(() => fl.bernoulli(fl.tensor([0.5, 2], dev))).toThrow(/bernoulli: expected 0 <= p <= 1/);
    expect(() => fl.bernoulli(fl.tensor([1, 0], dev))).toThrow(fl.DTypeError);
    const d = fl.zeros([2], dev);
    d.dispose();
    expect(() => d.uniform_()).toThrow(fl.DisposedError);
    expect(() => fl.randLike(d)).toThrow(fl.DisposedError);
  }));

  test('a failed op does not advance the stream', () => fl.scope(() => {
    fl.manualSeed(4);
    expect(() => fl.bernoulli(fl.tensor([0.5, -0.1], dev))).toThrow(fl.ValueError);
    expect(fl.getRngState().offset).toBe(0);
  }));
});
