// distributions-samplers.test.ts — the samplers of the discrete families of fl.distributions, which
// sample as torch 1.13's do: Poisson through fl.poisson (torch.poisson), Binomial through fl.binomial
// (torch.binomial), NegativeBinomial as Poisson(Gamma), Multinomial (torch's counts of Categorical
// draws up to K draws, exact conditional binomials above), Geometric, Bernoulli, Categorical and
// OneHotCategorical.
// References: the exact pmf (float64, from a Lanczos lgamma pinned to torch.lgamma goldens, and
// checked against torch's log_prob), Pearson's chi-square goodness of fit of 20k seeded draws
// (bins merged to an expected count >= 5; the threshold is the chi-square quantile at p = 1e-5 by
// Wilson–Hilferty, so a wrong sampler fails it while a right one passes with the fixed seeds), and
// the moments within 6 standard errors. Our Philox stream differs from torch's: draws are never
// compared bit for bit. Large counts (1e6) are checked to sample in bounded memory (the allocator's
// peak bytes). The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const D = fl.distributions;
const f64 = (v: number | number[] | number[][]): fl.Tensor => fl.tensor(v as number[], { dtype: 'float64', device: DEVICE });
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const N = 20000;

/** log Γ(x), x > 0: Lanczos (g = 7, 9 terms) with the reflection below 0.5; ~1e-15 relative. */
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
function lgammaJs(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgammaJs(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
const logPoisson = (lam: number) => (k: number): number => (lam === 0 ? (k === 0 ? 0 : -Infinity) : k * Math.log(lam) - lam - lgammaJs(k + 1));
const logBinomial = (n: number, p: number) => (k: number): number =>
  lgammaJs(n + 1) - lgammaJs(k + 1) - lgammaJs(n - k + 1) + (k === 0 ? 0 : k * Math.log(p)) + (k === n ? 0 : (n - k) * Math.log1p(-p));
const logNegBinomial = (r: number, p: number) => (k: number): number =>
  lgammaJs(k + r) - lgammaJs(k + 1) - lgammaJs(r) + r * Math.log1p(-p) + (k === 0 ? 0 : k * Math.log(p));
const logGeometric = (p: number) => (k: number): number => k * Math.log1p(-p) + Math.log(p);

/** The chi-square quantile at upper tail 1e-5 (Wilson–Hilferty; z = 4.265). */
function chi2Crit(df: number): number {
  const z = 4.265, c = 2 / (9 * df);
  return df * (1 - c + z * Math.sqrt(c)) ** 3;
}
/** Pearson's statistic of observed vs expected counts, adjacent bins merged to expected >= 5; [stat, df]. */
function pearson(obs: number[], expc: number[]): [number, number] {
  const bins: [number, number][] = [];
  let o = 0, e = 0;
  for (let i = 0; i < obs.length; i++) {
    o += obs[i]; e += expc[i];
    if (e >= 5) { bins.push([o, e]); o = 0; e = 0; }
  }
  if (bins.length === 0) throw new Error('pearson: no bins');
  bins[bins.length - 1][0] += o; bins[bins.length - 1][1] += e;
  let stat = 0;
  for (const [ob, ex] of bins) stat += (ob - ex) ** 2 / ex;
  return [stat, bins.length - 1];
}
/**
 * Goodness of fit of integer draws `xs` to the pmf exp(logPmf(k)) on [lo, hi] (the mass outside is
 * < 1e-12 for the ranges used; a draw outside fails). Throws with the statistic when it exceeds the
 * p = 1e-5 quantile.
 */
function expectFits(xs: number[], logPmf: (k: number) => number, lo: number, hi: number, what: string): void {
  const obs = new Array(hi - lo + 1).fill(0);
  for (const x of xs) {
    if (!Number.isInteger(x) || x < lo || x > hi) throw new Error(`${what}: draw ${x} outside [${lo}, ${hi}] or not an integer`);
    obs[x - lo]++;
  }
  const pm = obs.map((_, i) => Math.exp(logPmf(lo + i)));
  const mass = pm.reduce((a, b) => a + b, 0);
  expect(Math.abs(mass - 1)).toBeLessThan(1e-6);   // the range holds the distribution (lgamma of 1e6 is ~1e7: 1e-9 of rounding)
  const [stat, df] = pearson(obs, pm.map((p) => (p / mass) * xs.length));
  if (!(stat <= chi2Crit(df))) throw new Error(`${what}: chi-square ${stat.toFixed(1)} on ${df} df exceeds ${chi2Crit(df).toFixed(1)}`);
}
/** Column j of a [rows, B] sample (flattened). */
const column = (xs: number[], B: number, j: number): number[] => xs.filter((_, i) => i % B === j);
/** The mean of xs within 6 standard errors of `mean` (variance `variance`). */
function expectMoments(xs: number[], mean: number, variance: number, what: string): void {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  if (!(Math.abs(m - mean) <= 6 * Math.sqrt(variance / xs.length))) throw new Error(`${what}: mean ${m}, expected ${mean}`);
  // the sample variance's standard error ~ σ²·sqrt(2/(n-1)) (+ the excess kurtosis term: loose enough)
  if (!(Math.abs(v - variance) <= 10 * variance * Math.sqrt(2 / (xs.length - 1)) + 1e-12)) throw new Error(`${what}: variance ${v}, expected ${variance}`);
}
const range = (mean: number, sd: number, n = Infinity): [number, number] =>
  [Math.max(0, Math.floor(mean - 9 * sd)), Math.min(n, Math.ceil(mean + 9 * sd + 25))];

describe('the reference pmf', () => {
  test('lgammaJs matches torch.lgamma; the pmfs match torch\'s log_prob', () => {
    // torch.lgamma(torch.tensor([0.5, 3.7, 101.0, 500001.0, 1e6 + 1], dtype=torch.float64))
    const want = [0.5723649429247001, 1.428072326665388, 363.73937555556347, 6061189.168822553, 12815518.384658169];
    [0.5, 3.7, 101, 500001, 1e6 + 1].forEach((x, i) => expect(Math.abs(lgammaJs(x) - want[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[i]))));
    // torch.distributions.Binomial(torch.tensor(1e6), torch.tensor(0.5)).log_prob(torch.tensor([500000., 499000.]))
    expect(Math.abs(logBinomial(1e6, 0.5)(500000) - -7.133546881377697)).toBeLessThan(1e-8);
    expect(Math.abs(logBinomial(1e6, 0.5)(499000) - -9.133546214550734)).toBeLessThan(1e-8);
    // torch.distributions.Poisson(torch.tensor(30.)).log_prob(torch.tensor([0., 30., 70.]))
    [-30.0, -2.6223148989654987, -22.35522684942606].forEach((w, i) => expect(Math.abs(logPoisson(30)([0, 30, 70][i]) - w)).toBeLessThan(1e-12));
    // torch.distributions.NegativeBinomial(torch.tensor(5.), probs=torch.tensor(0.3)).log_prob(torch.tensor([0., 2., 9.]))
    [-1.7833747196936618, -1.483270127243324, -6.046847415933076].forEach((w, i) => expect(Math.abs(logNegBinomial(5, 0.3)([0, 2, 9][i]) - w)).toBeLessThan(1e-12));
  });
  test('the goodness-of-fit check can fail: Poisson(4.5) draws do not fit Poisson(4.6); Binomial(10, .3) draws do not fit Binomial(10, .31)', () => fl.scope(() => {
    fl.manualSeed(3);
    const xs = vals(new D.Poisson(f64(4.5)).sample([N]));
    expectFits(xs, logPoisson(4.5), 0, 40, 'Poisson(4.5)');
    expect(() => expectFits(xs, logPoisson(4.6), 0, 40, 'Poisson(4.6)')).toThrow(/chi-square/);
    const bs = vals(new D.Binomial(10, f64(0.3)).sample([N]));
    expectFits(bs, logBinomial(10, 0.3), 0, 10, 'Binomial(10, .3)');
    expect(() => expectFits(bs, logBinomial(10, 0.31), 0, 10, 'Binomial(10, .31)')).toThrow(/chi-square/);
  }));
});

describe('Poisson samples through fl.poisson (torch.poisson)', () => {
  test('the exact pmf at rates on both sides of the method switch (10), 0 and large; moments', () => fl.scope(() => {
    fl.manualSeed(11);
    const rates = [0, 0.3, 4, 9.99, 10, 37.5, 1000];
    const d = new D.Poisson(f64(rates));
    const s = d.sample([N]);
    expect(s.shape).toEqual([N, rates.length]);
    expect(s.dtype).toBe('float64');
    const xs = vals(s);
    rates.forEach((lam, j) => {
      const col = column(xs, rates.length, j);
      if (lam === 0) { expect(col.every((x) => x === 0)).toBe(true); return; }
      const [lo, hi] = range(lam, Math.sqrt(lam));
      expectFits(col, logPoisson(lam), lo, hi, `Poisson(${lam})`);
      expectMoments(col, lam, lam, `Poisson(${lam})`);
    });
  }));
  test('sampleShape + batchShape, float32 kept, no gradient, rsample refused, manualSeed determinism', () => fl.scope(() => {
    const rate = fl.tensor([[1, 20], [3, 0.5], [50, 2]], { dtype: 'float32', device: DEVICE, requiresGrad: true });
    const d = new D.Poisson(rate);
    fl.manualSeed(5);
    const a = d.sample([4, 2]);
    expect(a.shape).toEqual([4, 2, 3, 2]);
    expect(a.dtype).toBe('float32');
    expect(a.requiresGrad).toBe(false);
    fl.manualSeed(5);
    expect(vals(d.sample([4, 2]))).toEqual(vals(a));
    fl.manualSeed(6);
    expect(vals(d.sample([4, 2]))).not.toEqual(vals(a));
    expect(d.hasRsample).toBe(false);
    expect(() => d.rsample()).toThrow(D.NotImplementedError);
    // an expanded distribution samples its batch
    expect(d.expand([5, 3, 2]).sample([7]).shape).toEqual([7, 5, 3, 2]);
  }));
});

describe('Binomial samples through fl.binomial (torch.binomial)', () => {
  test('the exact pmf: inversion (n·q < 10) and BTRS, p above 0.5 (flipped), logits; moments', () => fl.scope(() => {
    fl.manualSeed(21);
    const ns = [10, 40, 25, 1000, 1e6, 1e6, 7];
    const ps = [0.3, 0.05, 0.9, 0.47, 2e-6, 0.5, 1];
    const d = new D.Binomial(f64(ns), f64(ps));
    const xs = vals(d.sample([N]));
    ns.forEach((n, j) => {
      const p = ps[j], col = column(xs, ns.length, j);
      if (p === 1) { expect(col.every((x) => x === n)).toBe(true); return; }
      const [lo, hi] = range(n * p, Math.sqrt(n * p * (1 - p)), n);
      expectFits(col, logBinomial(n, p), lo, hi, `Binomial(${n}, ${p})`);
      expectMoments(col, n * p, n * p * (1 - p), `Binomial(${n}, ${p})`);
    });
    // logits instead of probs: the same law (p = sigmoid(logits))
    const l = Math.log(0.8 / 0.2);
    const dl = new D.Binomial(30, undefined, f64(l));
    const ls = vals(dl.sample([N]));
    expectFits(ls, logBinomial(30, 0.8), 0, 30, 'Binomial(30, logits)');
  }));
  test('totalCount a tensor broadcast against probs; shapes; an int totalCount; rsample refused; determinism', () => fl.scope(() => {
    const count = f64([[5], [50], [2000]]);
    const probs = f64([0.2, 0.7]);
    const d = new D.Binomial(count, probs);
    expect(d.batchShape).toEqual([3, 2]);
    fl.manualSeed(8);
    const s = d.sample([N]);
    expect(s.shape).toEqual([N, 3, 2]);
    const xs = vals(s);
    [5, 50, 2000].forEach((n, i) => [0.2, 0.7].forEach((p, j) => {
      const col = column(xs, 6, i * 2 + j);
      const [lo, hi] = range(n * p, Math.sqrt(n * p * (1 - p)), n);
      expectFits(col, logBinomial(n, p), lo, hi, `Binomial(${n}, ${p}) broadcast`);
    }));
    fl.manualSeed(8);
    expect(vals(d.sample([N]))).toEqual(xs);
    const di = new D.Binomial(fl.tensor([3, 4], { dtype: 'int32', device: DEVICE }), f64([0.5, 0.5]));
    const si = di.sample([10]);
    expect(si.dtype).toBe('float64');
    expect(vals(si.amax(0)).every((m, j) => m <= [3, 4][j])).toBe(true);
    expect(d.hasRsample).toBe(false);
    expect(() => d.rsample([2])).toThrow(D.NotImplementedError);
    expect(new D.Binomial(f64(10), f64([0.5, 0.5])).sample([0]).shape).toEqual([0, 2]);
  }));
  test('a count of 1e6 samples in bounded memory (the old sampler held count x the sample)', () => fl.scope(() => {
    const d = new D.Binomial(f64(1e6), f64([0.5, 0.01, 1e-6, 0.999]));
    const dev = DEVICE.startsWith('cuda') ? DEVICE : 'cpu';
    fl.memory.resetPeakStats(dev);
    const before = fl.memory.stats(dev).allocatedBytes;
    fl.manualSeed(2);
    const s = d.sample([1000]);
    const peak = fl.memory.stats(dev).peakAllocatedBytes - before;
    // 4000 float64 results are 32 KB; the samplers' temporaries are a few dozen of that size. The
    // old sampler's Bernoulli draws alone were 1e6 x 4000 x 8 bytes = 32 GB.
    expect(peak).toBeLessThan(4 * 2 ** 20);
    const xs = vals(s);
    expectMoments(column(xs, 4, 0), 5e5, 2.5e5, 'Binomial(1e6, .5)');
    expectMoments(column(xs, 4, 1), 1e4, 9900, 'Binomial(1e6, .01)');
  }));
});

describe('NegativeBinomial samples Poisson(Gamma), as torch', () => {
  test('the exact pmf (probs and logits, a real totalCount), moments', () => fl.scope(() => {
    fl.manualSeed(31);
    const rs = [5, 0.5, 40], ps = [0.3, 0.7, 0.9];
    const d = new D.NegativeBinomial(f64(rs), { probs: f64(ps) });
    const xs = vals(d.sample([N]));
    rs.forEach((r, j) => {
      const p = ps[j], col = column(xs, 3, j);
      const mean = (r * p) / (1 - p), variance = mean / (1 - p);
      const [lo, hi] = range(mean, Math.sqrt(variance) * 1.5);
      expectFits(col, logNegBinomial(r, p), lo, hi + 40, `NegativeBinomial(${r}, ${p})`);
      expectMoments(col, mean, variance, `NegativeBinomial(${r}, ${p})`);
    });
    const dl = new D.NegativeBinomial(3, { logits: f64(Math.log(0.4 / 0.6)) });
    expectFits(vals(dl.sample([N])), logNegBinomial(3, 0.4), 0, 80, 'NegativeBinomial(3, logits)');
    expect(dl.hasRsample).toBe(false);
    expect(() => dl.rsample()).toThrow(D.NotImplementedError);
  }));
});

describe('Geometric, Bernoulli, Categorical, OneHotCategorical: exact (as torch\'s)', () => {
  test('Geometric by inversion (probs and logits): the exact pmf', () => fl.scope(() => {
    fl.manualSeed(41);
    const ps = [0.05, 0.3, 0.9];
    const xs = vals(new D.Geometric(f64(ps)).sample([N]));
    ps.forEach((p, j) => expectFits(column(xs, 3, j), logGeometric(p), 0, Math.ceil(30 / p), `Geometric(${p})`));
    const xl = vals(new D.Geometric(undefined, f64(Math.log(0.2 / 0.8))).sample([N]));
    expectFits(xl, logGeometric(0.2), 0, 150, 'Geometric(logits)');
  }));
  test('Bernoulli, Categorical and OneHotCategorical frequencies', () => fl.scope(() => {
    fl.manualSeed(43);
    const b = vals(new D.Bernoulli(f64(0.27)).sample([N]));
    expectFits(b, (k) => Math.log(k === 1 ? 0.27 : 0.73), 0, 1, 'Bernoulli');
    const p = [0.1, 0.25, 0.05, 0.6];
    const c = vals(new D.Categorical(f64(p)).sample([N]));
    expectFits(c, (k) => Math.log(p[k]), 0, 3, 'Categorical');
    const oh = new D.OneHotCategorical(f64(p)).sample([N]);
    expect(vals(oh.sum(-1)).every((x) => x === 1)).toBe(true);
    expectFits(vals(oh.argmax(-1)), (k) => Math.log(p[k]), 0, 3, 'OneHotCategorical');
  }));
});

describe('Multinomial: torch\'s Categorical counts up to K draws, conditional binomials above', () => {
  /** Every count vector of n draws over K = 3 categories and its log-probability. */
  function outcomes(n: number, p: number[]): [string, number][] {
    const out: [string, number][] = [];
    for (let a = 0; a <= n; a++) for (let b = 0; a + b <= n; b++) {
      const c = n - a - b;
      const lp = lgammaJs(n + 1) - lgammaJs(a + 1) - lgammaJs(b + 1) - lgammaJs(c + 1)
        + [a, b, c].reduce((s, k, i) => s + (k === 0 ? 0 : k * Math.log(p[i])), 0);
      out.push([`${a},${b},${c}`, lp]);
    }
    return out;
  }
  function expectJointFits(s: fl.Tensor, n: number, p: number[], what: string): void {
    const xs = vals(s), rows = xs.length / 3;
    const seen = new Map<string, number>();
    for (let i = 0; i < rows; i++) { const key = xs.slice(i * 3, i * 3 + 3).join(','); seen.set(key, (seen.get(key) ?? 0) + 1); }
    const outs = outcomes(n, p);
    const known = new Set(outs.map(([k]) => k));
    for (const k of seen.keys()) if (!known.has(k)) throw new Error(`${what}: impossible draw ${k}`);
    const [stat, df] = pearson(outs.map(([k]) => seen.get(k) ?? 0), outs.map(([, lp]) => Math.exp(lp) * rows));
    if (!(stat <= chi2Crit(df))) throw new Error(`${what}: chi-square ${stat.toFixed(1)} on ${df} df exceeds ${chi2Crit(df).toFixed(1)}`);
  }
  test('the joint pmf on both paths (n = 3 <= K = 3: Categorical counts; n = 9 > K: conditional binomials), a zero probability kept at zero', () => fl.scope(() => {
    fl.manualSeed(61);
    const p = [0.2, 0.3, 0.5];
    expectJointFits(new D.Multinomial(3, { probs: f64(p) }).sample([N]), 3, p, 'Multinomial(3)');
    expectJointFits(new D.Multinomial(9, { probs: f64(p) }).sample([N]), 9, p, 'Multinomial(9)');
    expectJointFits(new D.Multinomial(9, { logits: f64(p.map(Math.log)) }).sample([N]), 9, p, 'Multinomial(9, logits)');
    // unnormalised probs with a zero: the zero category never drawn, on both paths
    for (const n of [2, 50]) {
      const z = new D.Multinomial(n, { probs: f64([[0, 2, 2], [1, 1, 0]]) }).sample([500]);
      expect(z.shape).toEqual([500, 2, 3]);
      const zs = vals(z);
      expect(zs.filter((_, i) => i % 6 === 0 || i % 6 === 5).every((x) => x === 0)).toBe(true);
      expect(vals(z.sum(-1)).every((x) => x === n)).toBe(true);
    }
  }));
  test('a totalCount of 1e6: counts sum to it, marginals Binomial(n, p_k), bounded memory', () => fl.scope(() => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const d = new D.Multinomial(1e6, { probs: f64(p) });
    const dev = DEVICE.startsWith('cuda') ? DEVICE : 'cpu';
    fl.memory.resetPeakStats(dev);
    const before = fl.memory.stats(dev).allocatedBytes;
    fl.manualSeed(62);
    const s = d.sample([2000]);
    const peak = fl.memory.stats(dev).peakAllocatedBytes - before;
    expect(peak).toBeLessThan(4 * 2 ** 20);   // torch's method: 1e6 x 2000 int64 indices = 16 GB
    expect(s.shape).toEqual([2000, 4]);
    expect(vals(s.sum(-1)).every((x) => x === 1e6)).toBe(true);
    const xs = vals(s);
    p.forEach((pk, k) => {
      const [lo, hi] = range(1e6 * pk, Math.sqrt(1e6 * pk * (1 - pk)), 1e6);
      expectFits(column(xs, 4, k), logBinomial(1e6, pk), lo, hi, `Multinomial marginal ${k}`);
    });
    // the covariance of two categories: -n p_i p_j
    const a = column(xs, 4, 0), b = column(xs, 4, 3);
    const ma = a.reduce((x, y) => x + y, 0) / a.length, mb = b.reduce((x, y) => x + y, 0) / b.length;
    const cov = a.reduce((acc, x, i) => acc + (x - ma) * (b[i] - mb), 0) / (a.length - 1);
    expect(Math.abs(cov - -1e6 * 0.04)).toBeLessThan(6 * 1e6 * Math.sqrt((0.1 * 0.9 * 0.4 * 0.6 + 0.04 ** 2) / a.length));
    fl.manualSeed(62);
    expect(vals(d.sample([2000]))).toEqual(xs);
  }));
});
