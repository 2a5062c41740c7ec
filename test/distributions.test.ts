// distributions.test.ts — fl.distributions (lib/distributions/): torch.distributions in camelCase.
// References: PyTorch 1.13 golden values (float64; the torch call beside each row, made with
// `torch.set_default_dtype(torch.float64)` and float64 tensors), statistical checks of samples under
// fl.manualSeed (mean and variance of 20k draws against the golden-checked moments, within 6
// standard errors: our Philox stream differs from torch's, so draws are never compared bit for
// bit), finite differences (fl.gradcheck, float64) for rsample and for the special
// functions' gradients, and refusals (typed errors naming the class). Tolerances: 1e-10 relative
// (TOL float64 scaled) for the goldens, the dtype's TOL for float32.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { digamma, erfinv, lgamma } from '../lib/distributions/special';
import { standardGammaGrad } from '../lib/distributions/gamma';
import { DEVICE } from './helpers';

const D = fl.distributions;
type Nested = number | Nested[];
const f64 = (v: Nested): fl.Tensor => fl.tensor(v as number[], { dtype: 'float64', device: DEVICE });
const f32 = (v: Nested): fl.Tensor => fl.tensor(v as number[], { dtype: 'float32', device: DEVICE });
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
/** Elementwise closeness (NaN matches NaN, ±inf exactly). */
function close(got: number[], want: number[], rtol = 1e-10, atol = 1e-12, what = ''): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) throw new Error(`${what}[${i}]: expected ${w}, got ${g} (all: ${got.join(', ')})`);
  });
}
/** Makes family `fam` from float64 parameters (positional) and keyword parameters (options). */
function make(fam: string, ps: Nested[], kw: Record<string, Nested> | null, toT = f64): fl.distributions.Distribution {
  const Cls = (D as unknown as Record<string, new (...a: unknown[]) => fl.distributions.Distribution>)[fam];
  const opts: Record<string, fl.Tensor | number> = {};
  for (const [k, v] of Object.entries(kw ?? {})) opts[k] = typeof v === 'number' ? v : toT(v);
  const args: unknown[] = ps.map((p) => toT(p));
  if (fam === 'MultivariateNormal') return new Cls(args[0], opts);
  return kw ? new Cls(...args, opts) : new Cls(...args);
}
function run(d: fl.distributions.Distribution, method: string, value: Nested | null, toT = f64): fl.Tensor {
  const m = (d as unknown as Record<string, unknown>)[method];
  if (typeof m === 'function') return value === null ? (m as () => fl.Tensor).call(d) : (m as (v: fl.Tensor) => fl.Tensor).call(d, toT(value));
  return m as fl.Tensor;
}

// [family, positional parameters, keyword parameters, method, value, expected]
type Row = [string, Nested[], Record<string, Nested> | null, string, Nested | null, number[]];
const GOLDEN: Row[] = [
  // D.Normal([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).log_prob([0.3, 2.0, -5.0])
  ['Normal', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'logProb', [0.3, 2.0, -5.0], [-0.9639385332046727, -0.7257913526447274, -2.5175508218727822]],
  // D.Normal([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).cdf([0.3, 2.0, -5.0])
  ['Normal', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'cdf', [0.3, 2.0, -5.0], [0.6179114221889526, 0.8413447460685429, 0.15865525393145707]],
  // D.Normal([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).icdf([0.05, 0.5, 0.99])
  ['Normal', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'icdf', [0.05, 0.5, 0.99], [-1.644853626951473, 1.5, 4.979043622122521]],
  // D.Normal([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).entropy()
  ['Normal', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'entropy', null, [1.4189385332046727, 0.7257913526447274, 2.5175508218727822]],
  // D.Normal([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).mean
  ['Normal', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'mean', null, [0.0, 1.5, -2.0]],
  // D.Normal([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).variance
  ['Normal', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'variance', null, [1.0, 0.25, 9.0]],
  // D.Normal([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).mode
  ['Normal', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'mode', null, [0.0, 1.5, -2.0]],
  // D.Normal([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).stddev
  ['Normal', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'stddev', null, [1.0, 0.5, 3.0]],
  // D.LogNormal([0.0, 0.5, -1.0], [1.0, 0.25, 2.0]).log_prob([0.3, 2.0, 5.0])
  ['LogNormal', [[0.0, 0.5, -1.0], [1.0, 0.25, 2.0]], null, 'logProb', [0.3, 2.0, 5.0], [-0.43974098565696607, -0.5242380195107762, -4.072669403554773]],
  // D.LogNormal([0.0, 0.5, -1.0], [1.0, 0.25, 2.0]).cdf([0.3, 2.0, 5.0])
  ['LogNormal', [[0.0, 0.5, -1.0], [1.0, 0.25, 2.0]], null, 'cdf', [0.3, 2.0, 5.0], [0.11430004504915153, 0.780117089512224, 0.9040057178899018]],
  // D.LogNormal([0.0, 0.5, -1.0], [1.0, 0.25, 2.0]).icdf([0.05, 0.5, 0.99])
  ['LogNormal', [[0.0, 0.5, -1.0], [1.0, 0.25, 2.0]], null, 'icdf', [0.05, 0.5, 0.99], [0.1930408166987365, 1.6487212707001282, 38.578523980742105]],
  // D.LogNormal([0.0, 0.5, -1.0], [1.0, 0.25, 2.0]).entropy()
  ['LogNormal', [[0.0, 0.5, -1.0], [1.0, 0.25, 2.0]], null, 'entropy', null, [1.4189385332046727, 0.5326441720847821, 1.112085713764618]],
  // D.LogNormal([0.0, 0.5, -1.0], [1.0, 0.25, 2.0]).mean
  ['LogNormal', [[0.0, 0.5, -1.0], [1.0, 0.25, 2.0]], null, 'mean', null, [1.6487212707001282, 1.7010573018484008, 2.718281828459045]],
  // D.LogNormal([0.0, 0.5, -1.0], [1.0, 0.25, 2.0]).variance
  ['LogNormal', [[0.0, 0.5, -1.0], [1.0, 0.25, 2.0]], null, 'variance', null, [4.670774270471604, 0.18662090474627063, 396.03973739380444]],
  // D.LogNormal([0.0, 0.5, -1.0], [1.0, 0.25, 2.0]).mode
  ['LogNormal', [[0.0, 0.5, -1.0], [1.0, 0.25, 2.0]], null, 'mode', null, [0.36787944117144233, 1.5488302986341331, 0.006737946999085467]],
  // D.LogNormal([0.0, 0.5, -1.0], [1.0, 0.25, 2.0]).stddev
  ['LogNormal', [[0.0, 0.5, -1.0], [1.0, 0.25, 2.0]], null, 'stddev', null, [2.1611974158950877, 0.43199641751555146, 19.900747156672395]],
  // D.Laplace([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).log_prob([0.3, 2.0, -5.0])
  ['Laplace', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'logProb', [0.3, 2.0, -5.0], [-0.9931471805599452, -1.0, -2.791759469228055]],
  // D.Laplace([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).cdf([0.3, 2.0, -5.0])
  ['Laplace', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'cdf', [0.3, 2.0, -5.0], [0.6295908896591411, 0.8160602794142788, 0.18393972058572117]],
  // D.Laplace([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).icdf([0.05, 0.5, 0.99])
  ['Laplace', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'icdf', [0.05, 0.5, 0.99], [-2.302585092994046, 1.5, 9.736069016284436]],
  // D.Laplace([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).entropy()
  ['Laplace', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'entropy', null, [1.6931471805599454, 1.0, 2.791759469228055]],
  // D.Laplace([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).mean
  ['Laplace', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'mean', null, [0.0, 1.5, -2.0]],
  // D.Laplace([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).variance
  ['Laplace', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'variance', null, [2.0, 0.5, 18.0]],
  // D.Laplace([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).mode
  ['Laplace', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'mode', null, [0.0, 1.5, -2.0]],
  // D.Laplace([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).stddev
  ['Laplace', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'stddev', null, [1.4142135623730951, 0.7071067811865476, 4.242640687119286]],
  // D.Cauchy([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).log_prob([0.3, 2.0, -5.0])
  ['Cauchy', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'logProb', [0.3, 2.0, -5.0], [-1.2309075820904525, -1.1447298858494002, -2.9364893550774553]],
  // D.Cauchy([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).cdf([0.3, 2.0, -5.0])
  ['Cauchy', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'cdf', [0.3, 2.0, -5.0], [0.5927735790777423, 0.75, 0.25]],
  // D.Cauchy([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).icdf([0.05, 0.5, 0.99])
  ['Cauchy', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'icdf', [0.05, 0.5, 0.99], [-6.313751514675041, 1.5, 93.46154786132156]],
  // D.Cauchy([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).entropy()
  ['Cauchy', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'entropy', null, [2.5310242469692907, 1.8378770664093453, 3.6296365356374007]],
  // D.Cauchy([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).mean
  ['Cauchy', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'mean', null, [NaN, NaN, NaN]],
  // D.Cauchy([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).variance
  ['Cauchy', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'variance', null, [Infinity, Infinity, Infinity]],
  // D.Cauchy([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).mode
  ['Cauchy', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'mode', null, [0.0, 1.5, -2.0]],
  // D.Cauchy([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).stddev
  ['Cauchy', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'stddev', null, [Infinity, Infinity, Infinity]],
  // D.Gumbel([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).log_prob([0.3, 2.0, -5.0])
  ['Gumbel', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'logProb', [0.3, 2.0, -5.0], [-1.0408182206817178, -0.674732260611497, -2.8168941171271547]],
  // D.Gumbel([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).cdf([0.3, 2.0, -5.0])
  ['Gumbel', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'cdf', [0.3, 2.0, -5.0], [0.4767236907145942, 0.6922006275553464, 0.06598803584531254]],
  // D.Gumbel([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).icdf([0.05, 0.5, 0.99])
  ['Gumbel', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'icdf', [0.05, 0.5, 0.99], [-1.0971887003649488, 1.683256460290832, 11.80044768032967]],
  // D.Gumbel([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).entropy()
  ['Gumbel', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'entropy', null, [1.5772156649015328, 0.8840684843415875, 2.6758279535696428]],
  // D.Gumbel([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).mean
  ['Gumbel', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'mean', null, [0.5772156649015329, 1.7886078324507664, -0.2683530052954013]],
  // D.Gumbel([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).variance
  ['Gumbel', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'variance', null, [1.6449340668482264, 0.4112335167120566, 14.804406601634037]],
  // D.Gumbel([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).mode
  ['Gumbel', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'mode', null, [0.0, 1.5, -2.0]],
  // D.Gumbel([0.0, 1.5, -2.0], [1.0, 0.5, 3.0]).stddev
  ['Gumbel', [[0.0, 1.5, -2.0], [1.0, 0.5, 3.0]], null, 'stddev', null, [1.282549830161864, 0.641274915080932, 3.8476494904855922]],
  // D.HalfNormal([1.0, 0.5, 3.0]).log_prob([0.3, 2.0, 0.0])
  ['HalfNormal', [[1.0, 0.5, 3.0]], null, 'logProb', [0.3, 2.0, 0.0], [-0.2707913526447274, -7.532644172084781, -1.3244036413128368]],
  // D.HalfNormal([1.0, 0.5, 3.0]).cdf([0.3, 2.0, 0.0])
  ['HalfNormal', [[1.0, 0.5, 3.0]], null, 'cdf', [0.3, 2.0, 0.0], [0.23582284437790513, 0.9999366575163338, 0.0]],
  // D.HalfNormal([1.0, 0.5, 3.0]).icdf([0.05, 0.5, 0.99])
  ['HalfNormal', [[1.0, 0.5, 3.0]], null, 'icdf', [0.05, 0.5, 0.99], [0.06270677794321385, 0.3372448750980409, 7.727487910646698]],
  // D.HalfNormal([1.0, 0.5, 3.0]).entropy()
  ['HalfNormal', [[1.0, 0.5, 3.0]], null, 'entropy', null, [0.7257913526447274, 0.0326441720847821, 1.8244036413128368]],
  // D.HalfNormal([1.0, 0.5, 3.0]).mean
  ['HalfNormal', [[1.0, 0.5, 3.0]], null, 'mean', null, [0.7978845608028654, 0.3989422804014327, 2.3936536824085963]],
  // D.HalfNormal([1.0, 0.5, 3.0]).variance
  ['HalfNormal', [[1.0, 0.5, 3.0]], null, 'variance', null, [0.3633802276324186, 0.09084505690810465, 3.2704220486917674]],
  // D.HalfNormal([1.0, 0.5, 3.0]).mode
  ['HalfNormal', [[1.0, 0.5, 3.0]], null, 'mode', null, [0.0, 0.0, 0.0]],
  // D.HalfNormal([1.0, 0.5, 3.0]).stddev
  ['HalfNormal', [[1.0, 0.5, 3.0]], null, 'stddev', null, [0.6028102749890869, 0.30140513749454345, 1.8084308249672607]],
  // D.Uniform([0.0, -1.0, 2.0], [1.0, 3.0, 2.5]).log_prob([0.3, 2.0, 2.2])
  ['Uniform', [[0.0, -1.0, 2.0], [1.0, 3.0, 2.5]], null, 'logProb', [0.3, 2.0, 2.2], [0.0, -1.3862943611198906, 0.6931471805599453]],
  // D.Uniform([0.0, -1.0, 2.0], [1.0, 3.0, 2.5]).cdf([0.3, 2.0, 2.2])
  ['Uniform', [[0.0, -1.0, 2.0], [1.0, 3.0, 2.5]], null, 'cdf', [0.3, 2.0, 2.2], [0.3, 0.75, 0.40000000000000036]],
  // D.Uniform([0.0, -1.0, 2.0], [1.0, 3.0, 2.5]).icdf([0.05, 0.5, 0.99])
  ['Uniform', [[0.0, -1.0, 2.0], [1.0, 3.0, 2.5]], null, 'icdf', [0.05, 0.5, 0.99], [0.05, 1.0, 2.495]],
  // D.Uniform([0.0, -1.0, 2.0], [1.0, 3.0, 2.5]).entropy()
  ['Uniform', [[0.0, -1.0, 2.0], [1.0, 3.0, 2.5]], null, 'entropy', null, [0.0, 1.3862943611198906, -0.6931471805599453]],
  // D.Uniform([0.0, -1.0, 2.0], [1.0, 3.0, 2.5]).mean
  ['Uniform', [[0.0, -1.0, 2.0], [1.0, 3.0, 2.5]], null, 'mean', null, [0.5, 1.0, 2.25]],
  // D.Uniform([0.0, -1.0, 2.0], [1.0, 3.0, 2.5]).variance
  ['Uniform', [[0.0, -1.0, 2.0], [1.0, 3.0, 2.5]], null, 'variance', null, [0.08333333333333333, 1.3333333333333333, 0.020833333333333332]],
  // D.Uniform([0.0, -1.0, 2.0], [1.0, 3.0, 2.5]).mode
  ['Uniform', [[0.0, -1.0, 2.0], [1.0, 3.0, 2.5]], null, 'mode', null, [NaN, NaN, NaN]],
  // D.Uniform([0.0, -1.0, 2.0], [1.0, 3.0, 2.5]).stddev
  ['Uniform', [[0.0, -1.0, 2.0], [1.0, 3.0, 2.5]], null, 'stddev', null, [0.2886751345948129, 1.1547005383792517, 0.14433756729740646]],
  // D.Exponential([1.0, 0.5, 3.0]).log_prob([0.3, 2.0, 0.0])
  ['Exponential', [[1.0, 0.5, 3.0]], null, 'logProb', [0.3, 2.0, 0.0], [-0.3, -1.6931471805599454, 1.0986122886681098]],
  // D.Exponential([1.0, 0.5, 3.0]).cdf([0.3, 2.0, 0.0])
  ['Exponential', [[1.0, 0.5, 3.0]], null, 'cdf', [0.3, 2.0, 0.0], [0.2591817793182821, 0.6321205588285577, 0.0]],
  // D.Exponential([1.0, 0.5, 3.0]).icdf([0.05, 0.5, 0.99])
  ['Exponential', [[1.0, 0.5, 3.0]], null, 'icdf', [0.05, 0.5, 0.99], [0.05129329438755058, 1.3862943611198906, 1.535056728662697]],
  // D.Exponential([1.0, 0.5, 3.0]).entropy()
  ['Exponential', [[1.0, 0.5, 3.0]], null, 'entropy', null, [1.0, 1.6931471805599454, -0.09861228866810978]],
  // D.Exponential([1.0, 0.5, 3.0]).mean
  ['Exponential', [[1.0, 0.5, 3.0]], null, 'mean', null, [1.0, 2.0, 0.3333333333333333]],
  // D.Exponential([1.0, 0.5, 3.0]).variance
  ['Exponential', [[1.0, 0.5, 3.0]], null, 'variance', null, [1.0, 4.0, 0.1111111111111111]],
  // D.Exponential([1.0, 0.5, 3.0]).mode
  ['Exponential', [[1.0, 0.5, 3.0]], null, 'mode', null, [0.0, 0.0, 0.0]],
  // D.Exponential([1.0, 0.5, 3.0]).stddev
  ['Exponential', [[1.0, 0.5, 3.0]], null, 'stddev', null, [1.0, 2.0, 0.3333333333333333]],
  // D.Gamma([0.5, 2.0, 7.5], [1.0, 0.5, 3.0]).log_prob([0.3, 2.0, 5.0])
  ['Gamma', [[0.5, 2.0, 7.5], [1.0, 0.5, 3.0]], null, 'logProb', [0.3, 2.0, 5.0], [-0.270378540761732, -1.6931471805599454, -3.833425640926257]],
  // D.Gamma([0.5, 2.0, 7.5], [1.0, 0.5, 3.0]).entropy()
  ['Gamma', [[0.5, 2.0, 7.5], [1.0, 0.5, 3.0]], null, 'entropy', null, [0.09060992991398853, 2.270362845461478, 1.2818283004910587]],
  // D.Gamma([0.5, 2.0, 7.5], [1.0, 0.5, 3.0]).mean
  ['Gamma', [[0.5, 2.0, 7.5], [1.0, 0.5, 3.0]], null, 'mean', null, [0.5, 4.0, 2.5]],
  // D.Gamma([0.5, 2.0, 7.5], [1.0, 0.5, 3.0]).variance
  ['Gamma', [[0.5, 2.0, 7.5], [1.0, 0.5, 3.0]], null, 'variance', null, [0.5, 8.0, 0.8333333333333334]],
  // D.Gamma([0.5, 2.0, 7.5], [1.0, 0.5, 3.0]).mode
  ['Gamma', [[0.5, 2.0, 7.5], [1.0, 0.5, 3.0]], null, 'mode', null, [0.0, 2.0, 2.1666666666666665]],
  // D.Gamma([0.5, 2.0, 7.5], [1.0, 0.5, 3.0]).stddev
  ['Gamma', [[0.5, 2.0, 7.5], [1.0, 0.5, 3.0]], null, 'stddev', null, [0.7071067811865476, 2.8284271247461903, 0.9128709291752769]],
  // D.Chi2([0.5, 3.0, 10.0]).log_prob([0.3, 2.0, 5.0])
  ['Chi2', [[0.5, 3.0, 10.0]], null, 'logProb', [0.3, 2.0, 5.0], [-0.7083297165936117, -1.5723649429247, -2.706038083411271]],
  // D.Chi2([0.5, 3.0, 10.0]).entropy()
  ['Chi2', [[0.5, 3.0, 10.0]], null, 'entropy', null, [-0.9394204447741763, 2.0541199559354117, 2.8467303371806896]],
  // D.Chi2([0.5, 3.0, 10.0]).mean
  ['Chi2', [[0.5, 3.0, 10.0]], null, 'mean', null, [0.5, 3.0, 10.0]],
  // D.Chi2([0.5, 3.0, 10.0]).variance
  ['Chi2', [[0.5, 3.0, 10.0]], null, 'variance', null, [1.0, 6.0, 20.0]],
  // D.Chi2([0.5, 3.0, 10.0]).mode
  ['Chi2', [[0.5, 3.0, 10.0]], null, 'mode', null, [0.0, 1.0, 8.0]],
  // D.Chi2([0.5, 3.0, 10.0]).stddev
  ['Chi2', [[0.5, 3.0, 10.0]], null, 'stddev', null, [1.0, 2.449489742783178, 4.47213595499958]],
  // D.Beta([0.5, 2.0, 7.5], [0.7, 3.0, 1.5]).log_prob([0.3, 0.9, 0.05])
  ['Beta', [[0.5, 2.0, 7.5], [0.7, 3.0, 1.5]], null, 'logProb', [0.3, 0.9, 0.05], [-0.2096173941150946, -2.2256240518579173, -16.306885521672953]],
  // D.Beta([0.5, 2.0, 7.5], [0.7, 3.0, 1.5]).entropy()
  ['Beta', [[0.5, 2.0, 7.5], [0.7, 3.0, 1.5]], null, 'entropy', null, [-0.1979238823866587, -0.23490664978800035, -0.8786991925213474]],
  // D.Beta([0.5, 2.0, 7.5], [0.7, 3.0, 1.5]).mean
  ['Beta', [[0.5, 2.0, 7.5], [0.7, 3.0, 1.5]], null, 'mean', null, [0.4166666666666667, 0.4, 0.8333333333333334]],
  // D.Beta([0.5, 2.0, 7.5], [0.7, 3.0, 1.5]).variance
  ['Beta', [[0.5, 2.0, 7.5], [0.7, 3.0, 1.5]], null, 'variance', null, [0.11047979797979797, 0.04, 0.013888888888888888]],
  // D.Beta([0.5, 2.0, 7.5], [0.7, 3.0, 1.5]).mode
  ['Beta', [[0.5, 2.0, 7.5], [0.7, 3.0, 1.5]], null, 'mode', null, [1.0, 0.3333333333333333, 0.9285714285714286]],
  // D.Beta([0.5, 2.0, 7.5], [0.7, 3.0, 1.5]).stddev
  ['Beta', [[0.5, 2.0, 7.5], [0.7, 3.0, 1.5]], null, 'stddev', null, [0.332385014673944, 0.2, 0.11785113019775792]],
  // D.StudentT([0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]).log_prob([0.3, 2.0, -5.0])
  ['StudentT', [[0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]], null, 'logProb', [0.3, 2.0, -5.0], [-1.2870435067870685, -1.9956374416985183, -3.5604462217258828]],
  // D.StudentT([0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]).entropy()
  ['StudentT', [[0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]], null, 'entropy', null, [2.8169065804088937, 1.1546128900159762, 2.1456905103471513]],
  // D.StudentT([0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]).mean
  ['StudentT', [[0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]], null, 'mean', null, [NaN, 1.0, -1.0]],
  // D.StudentT([0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]).variance
  ['StudentT', [[0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]], null, 'variance', null, [NaN, 1.25, 4.285714285714286]],
  // D.StudentT([0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]).mode
  ['StudentT', [[0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]], null, 'mode', null, [0.0, 1.0, -1.0]],
  // D.StudentT([0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]).stddev
  ['StudentT', [[0.8, 2.5, 30.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]], null, 'stddev', null, [NaN, 1.118033988749895, 2.0701966780270626]],
  // D.Poisson([0.5, 4.0, 30.0]).log_prob([0.0, 3.0, 25.0])
  ['Poisson', [[0.5, 4.0, 30.0]], null, 'logProb', [0.0, 3.0, 25.0], [-0.5, -1.6328763858683835, -2.9736706814266327]],
  // D.Poisson([0.5, 4.0, 30.0]).mean
  ['Poisson', [[0.5, 4.0, 30.0]], null, 'mean', null, [0.5, 4.0, 30.0]],
  // D.Poisson([0.5, 4.0, 30.0]).variance
  ['Poisson', [[0.5, 4.0, 30.0]], null, 'variance', null, [0.5, 4.0, 30.0]],
  // D.Poisson([0.5, 4.0, 30.0]).mode
  ['Poisson', [[0.5, 4.0, 30.0]], null, 'mode', null, [0.0, 4.0, 30.0]],
  // D.Poisson([0.5, 4.0, 30.0]).stddev
  ['Poisson', [[0.5, 4.0, 30.0]], null, 'stddev', null, [0.7071067811865476, 2.0, 5.477225575051661]],
  // D.Geometric([0.2, 0.5, 0.9]).log_prob([0.0, 3.0, 1.0])
  ['Geometric', [[0.2, 0.5, 0.9]], null, 'logProb', [0.0, 3.0, 1.0], [-1.6094379124341003, -2.772588722239781, -2.4079456086518722]],
  // D.Geometric([0.2, 0.5, 0.9]).entropy()
  ['Geometric', [[0.2, 0.5, 0.9]], null, 'entropy', null, [2.5020121176909393, 1.3862943611198906, 0.36120330376827586]],
  // D.Geometric([0.2, 0.5, 0.9]).mean
  ['Geometric', [[0.2, 0.5, 0.9]], null, 'mean', null, [4.0, 1.0, 0.11111111111111116]],
  // D.Geometric([0.2, 0.5, 0.9]).variance
  ['Geometric', [[0.2, 0.5, 0.9]], null, 'variance', null, [20.0, 2.0, 0.12345679012345684]],
  // D.Geometric([0.2, 0.5, 0.9]).mode
  ['Geometric', [[0.2, 0.5, 0.9]], null, 'mode', null, [0.0, 0.0, 0.0]],
  // D.Geometric([0.2, 0.5, 0.9]).stddev
  ['Geometric', [[0.2, 0.5, 0.9]], null, 'stddev', null, [4.47213595499958, 1.4142135623730951, 0.3513641844631533]],
  // D.Bernoulli([0.2, 0.5, 0.9]).log_prob([0.0, 1.0, 1.0])
  ['Bernoulli', [[0.2, 0.5, 0.9]], null, 'logProb', [0.0, 1.0, 1.0], [-0.22314355131420976, -0.6931471805599453, -0.10536051565782635]],
  // D.Bernoulli([0.2, 0.5, 0.9]).entropy()
  ['Bernoulli', [[0.2, 0.5, 0.9]], null, 'entropy', null, [0.5004024235381879, 0.6931471805599453, 0.32508297339144826]],
  // D.Bernoulli([0.2, 0.5, 0.9]).mean
  ['Bernoulli', [[0.2, 0.5, 0.9]], null, 'mean', null, [0.2, 0.5, 0.9]],
  // D.Bernoulli([0.2, 0.5, 0.9]).variance
  ['Bernoulli', [[0.2, 0.5, 0.9]], null, 'variance', null, [0.16000000000000003, 0.25, 0.08999999999999998]],
  // D.Bernoulli([0.2, 0.5, 0.9]).mode
  ['Bernoulli', [[0.2, 0.5, 0.9]], null, 'mode', null, [0.0, NaN, 1.0]],
  // D.Bernoulli([0.2, 0.5, 0.9]).stddev
  ['Bernoulli', [[0.2, 0.5, 0.9]], null, 'stddev', null, [0.4, 0.5, 0.3]],
  // D.Categorical([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]).log_prob([2.0, 1.0])
  ['Categorical', [[[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]], null, 'logProb', [2.0, 1.0], [-0.35667494393873245, -0.6931471805599453]],
  // D.Categorical([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]).entropy()
  ['Categorical', [[[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]], null, 'entropy', null, [0.8018185525433373, 0.6931471805599453]],
  // D.Categorical([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]).mode
  ['Categorical', [[[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]], null, 'mode', null, [2.0, 0.0]],
  // D.Categorical(logits=[[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]]).log_prob([0.0, 2.0])
  ['Categorical', [], { logits: [[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]] }, 'logProb', [0.0, 2.0], [-0.5045969023422834, -4.065883903757429]],
  // D.Categorical(logits=[[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]]).entropy()
  ['Categorical', [], { logits: [[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]] }, 'entropy', null, [0.7778696731919055, 0.2743130736734325]],
  // D.OneHotCategorical([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]).log_prob([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
  ['OneHotCategorical', [[[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]], null, 'logProb', [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], [-0.35667494393873245, -0.6931471805599453]],
  // D.OneHotCategorical([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]).entropy()
  ['OneHotCategorical', [[[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]], null, 'entropy', null, [0.8018185525433373, 0.6931471805599453]],
  // D.OneHotCategorical([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]).mode
  ['OneHotCategorical', [[[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]], null, 'mode', null, [0.0, 0.0, 1.0, 1.0, 0.0, 0.0]],
  // D.OneHotCategorical([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]).variance
  ['OneHotCategorical', [[[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]], null, 'variance', null, [0.09000000000000001, 0.16000000000000003, 0.21000000000000002, 0.25, 0.25, 0.0]],
  // D.Bernoulli(logits=[-3.0, 0.0, 25.0]).log_prob([0.0, 1.0, 1.0])
  ['Bernoulli', [], { logits: [-3.0, 0.0, 25.0] }, 'logProb', [0.0, 1.0, 1.0], [-0.048587351573741965, -0.6931471805599453, -1.388800185954457e-11]],
  // D.Bernoulli(logits=[-3.0, 0.0, 25.0]).entropy()
  ['Bernoulli', [], { logits: [-3.0, 0.0, 25.0] }, 'entropy', null, [0.1908649711064422, 0.6931471805599453, 3.610880483505698e-10]],
  // D.Geometric(logits=[-3.0, 0.0, 2.0]).log_prob([0.0, 3.0, 1.0])
  ['Geometric', [], { logits: [-3.0, 0.0, 2.0] }, 'logProb', [0.0, 3.0, 1.0], [-3.048587351573742, -2.772588722239781, -2.253856022085944]],
  // D.Binomial([10.0, 4.0, 0.0], [0.3, 0.5, 0.7]).log_prob([3.0, 4.0, 0.0])
  ['Binomial', [[10.0, 4.0, 0.0], [0.3, 0.5, 0.7]], null, 'logProb', [3.0, 4.0, 0.0], [-1.321151277766889, -2.772588722239781, 0.0]],
  // D.Binomial([10.0, 4.0, 0.0], [0.3, 0.5, 0.7]).mean
  ['Binomial', [[10.0, 4.0, 0.0], [0.3, 0.5, 0.7]], null, 'mean', null, [3.0, 2.0, 0.0]],
  // D.Binomial([10.0, 4.0, 0.0], [0.3, 0.5, 0.7]).variance
  ['Binomial', [[10.0, 4.0, 0.0], [0.3, 0.5, 0.7]], null, 'variance', null, [2.0999999999999996, 1.0, 0.0]],
  // D.Binomial([10.0, 4.0, 0.0], [0.3, 0.5, 0.7]).mode
  ['Binomial', [[10.0, 4.0, 0.0], [0.3, 0.5, 0.7]], null, 'mode', null, [3.0, 2.0, 0.0]],
  // D.Binomial([6.0, 6.0, 6.0], [0.3, 0.5, 0.7]).entropy()
  ['Binomial', [[6.0, 6.0, 6.0], [0.3, 0.5, 0.7]], null, 'entropy', null, [1.5109781376341778, 1.6173633156271288, 1.5109781376341775]],
  // D.Binomial(total_count=5.0, logits=[-1.0, 0.0, 2.0]).log_prob([3.0, 4.0, 5.0])
  ['Binomial', [], { totalCount: 5.0, logits: [-1.0, 0.0, 2.0] }, 'logProb', [3.0, 4.0, 5.0], [-2.2637233445970684, -1.8562979903656265, -0.634640055214863]],
  // D.Dirichlet([[0.5, 2.0, 3.0], [1.0, 1.0, 1.0]]).log_prob([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
  ['Dirichlet', [[[0.5, 2.0, 3.0], [1.0, 1.0, 1.0]]], null, 'logProb', [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], [0.9067536349052947, 0.6931471805599453]],
  // D.Dirichlet([[0.5, 2.0, 3.0], [1.5, 1.2, 4.0], [0.5, 0.5, 0.8]]).entropy()
  ['Dirichlet', [[[0.5, 2.0, 3.0], [1.5, 1.2, 4.0], [0.5, 0.5, 0.8]]], null, 'entropy', null, [-1.9146769909858063, -1.4127957560405147, -1.1306280221516747]],
  // D.Dirichlet([[0.5, 2.0, 3.0], [1.5, 1.2, 4.0], [0.5, 0.5, 0.8]]).mean
  ['Dirichlet', [[[0.5, 2.0, 3.0], [1.5, 1.2, 4.0], [0.5, 0.5, 0.8]]], null, 'mean', null, [0.09090909090909091, 0.36363636363636365, 0.5454545454545454, 0.22388059701492538, 0.1791044776119403, 0.5970149253731343, 0.2777777777777778, 0.2777777777777778, 0.4444444444444445]],
  // D.Dirichlet([[0.5, 2.0, 3.0], [1.5, 1.2, 4.0], [0.5, 0.5, 0.8]]).variance
  ['Dirichlet', [[[0.5, 2.0, 3.0], [1.5, 1.2, 4.0], [0.5, 0.5, 0.8]]], null, 'variance', null, [0.012714558169103624, 0.03560076287349015, 0.03814367450731087, 0.022565983804567008, 0.019094293988479775, 0.03124520834478509, 0.07164902998236332, 0.07164902998236332, 0.08818342151675486]],
  // D.Dirichlet([[0.5, 2.0, 3.0], [1.5, 1.2, 4.0], [0.5, 0.5, 0.8]]).mode
  ['Dirichlet', [[[0.5, 2.0, 3.0], [1.5, 1.2, 4.0], [0.5, 0.5, 0.8]]], null, 'mode', null, [0.0, 0.3333333333333333, 0.6666666666666666, 0.13513513513513511, 0.054054054054054036, 0.8108108108108107, 1.0, 0.0, 0.0]],
  // D.MultivariateNormal([0.5, -1.0, 2.0], covariance_matrix=[[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.8]]).log_prob([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
  ['MultivariateNormal', [[0.5, -1.0, 2.0]], { covarianceMatrix: [[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.8]] }, 'logProb', [[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]], [-8.791113452986853, -5.597315003374451]],
  // D.MultivariateNormal([0.5, -1.0, 2.0], covariance_matrix=[[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.8]]).entropy()
  ['MultivariateNormal', [[0.5, -1.0, 2.0]], { covarianceMatrix: [[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.8]] }, 'entropy', null, [4.384136708800809]],
  // D.MultivariateNormal([0.5, -1.0, 2.0], covariance_matrix=[[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.8]]).variance
  ['MultivariateNormal', [[0.5, -1.0, 2.0]], { covarianceMatrix: [[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.8]] }, 'variance', null, [2.0000000000000004, 1.0, 0.8000000000000002]],
  // D.MultivariateNormal([0.5, -1.0, 2.0], precision_matrix=[[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.8]]).log_prob([[1.0, 2.0, 0.0]])
  ['MultivariateNormal', [[0.5, -1.0, 2.0]], { precisionMatrix: [[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.8]] }, 'logProb', [[1.0, 2.0, 0.0]], [-10.829494490427228]],
  // D.MultivariateNormal([0.5, -1.0, 2.0], scale_tril=[[1.5, 0.0, 0.0], [0.3, 0.7, 0.0], [-0.2, 0.4, 2.0]]).log_prob([[1.0, 2.0, 0.0]])
  ['MultivariateNormal', [[0.5, -1.0, 2.0]], { scaleTril: [[1.5, 0.0, 0.0], [0.3, 0.7, 0.0], [-0.2, 0.4, 2.0]] }, 'logProb', [[1.0, 2.0, 0.0]], [-13.74738106225723]],
];

// [family, p's parameters, p's keywords, q's parameters, q's keywords, KL(p ‖ q)]
type KlRow = [string, Nested[], Record<string, Nested> | null, Nested[], Record<string, Nested> | null, number[]];
const KL: KlRow[] = [
  // kl_divergence(D.Normal([0.0, 1.0, -2.0], [1.0, 0.5, 3.0]), D.Normal([0.5, 0.0, 0.0], [2.0, 1.0, 0.1]))
  ['Normal', [[0.0, 1.0, -2.0], [1.0, 0.5, 3.0]], null, [[0.5, 0.0, 0.0], [2.0, 1.0, 0.1]], null, [0.3493971805599453, 0.8181471805599453, 646.0988026183378]],
  // kl_divergence(D.LogNormal([0.0, 1.0], [1.0, 0.5]), D.LogNormal([0.5, 0.0], [2.0, 1.0]))
  ['LogNormal', [[0.0, 1.0], [1.0, 0.5]], null, [[0.5, 0.0], [2.0, 1.0]], null, [0.3493971805599453, 0.8181471805599453]],
  // kl_divergence(D.HalfNormal([1.0, 0.5]), D.HalfNormal([2.0, 0.1]))
  ['HalfNormal', [[1.0, 0.5]], null, [[2.0, 0.1]], null, [0.3181471805599453, 10.3905620875659]],
  // kl_divergence(D.Bernoulli([0.2, 0.0, 1.0, 0.5]), D.Bernoulli([0.5, 0.3, 0.3, 0.0]))
  ['Bernoulli', [[0.2, 0.0, 1.0, 0.5]], null, [[0.5, 0.3, 0.3, 0.0]], null, [0.19274475702175742, 0.3566749439387321, 1.203972804325936, Infinity]],
  // kl_divergence(D.Binomial([5.0, 8.0], [0.2, 0.6]), D.Binomial([5.0, 3.0], [0.5, 0.3]))
  ['Binomial', [[5.0, 8.0], [0.2, 0.6]], null, [[5.0, 3.0], [0.5, 0.3]], null, [0.9637237851087871, Infinity]],
  // kl_divergence(D.Categorical([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]), D.Categorical([[0.3, 0.3, 0.4], [0.2, 0.0, 0.8]]))
  ['Categorical', [[[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]], null, [[[0.3, 0.3, 0.4], [0.2, 0.0, 0.8]]], null, [0.20077680106635198, Infinity]],
  // kl_divergence(D.OneHotCategorical([[0.1, 0.2, 0.7]]), D.OneHotCategorical([[0.3, 0.3, 0.4]]))
  ['OneHotCategorical', [[[0.1, 0.2, 0.7]]], null, [[[0.3, 0.3, 0.4]]], null, [0.20077680106635198]],
  // kl_divergence(D.Uniform([0.0, -1.0], [1.0, 3.0]), D.Uniform([-1.0, 0.0], [2.0, 3.0]))
  ['Uniform', [[0.0, -1.0], [1.0, 3.0]], null, [[-1.0, 0.0], [2.0, 3.0]], null, [1.0986122886681098, Infinity]],
  // kl_divergence(D.Exponential([1.0, 0.5]), D.Exponential([2.0, 0.1]))
  ['Exponential', [[1.0, 0.5]], null, [[2.0, 0.1]], null, [0.3068528194400546, 0.8094379124341002]],
  // kl_divergence(D.Laplace([0.0, 1.0], [1.0, 0.5]), D.Laplace([0.5, 0.0], [2.0, 1.0]))
  ['Laplace', [[0.0, 1.0], [1.0, 0.5]], null, [[0.5, 0.0], [2.0, 1.0]], null, [0.246412510416262, 0.7608148221782518]],
  // kl_divergence(D.Cauchy([0.0, 1.0], [1.0, 0.5]), D.Cauchy([0.5, 0.0], [2.0, 1.0]))
  ['Cauchy', [[0.0, 1.0], [1.0, 0.5]], null, [[0.5, 0.0], [2.0, 1.0]], null, [0.14518200984449825, 0.4855078157817009]],
  // kl_divergence(D.Gumbel([0.0, 1.0], [1.0, 0.5]), D.Gumbel([0.5, 0.0], [2.0, 1.0]))
  ['Gumbel', [[0.0, 1.0], [1.0, 0.5]], null, [[0.5, 0.0], [2.0, 1.0]], null, [0.2924772453435527, 0.7305640141958252]],
  // kl_divergence(D.Gamma([0.5, 3.0], [1.0, 2.0]), D.Gamma([2.0, 1.5], [0.5, 1.0]))
  ['Gamma', [[0.5, 3.0], [1.0, 2.0]], null, [[2.0, 1.5], [0.5, 1.0]], null, [3.509194457227325, 0.1099678552924277]],
  // kl_divergence(D.Chi2([0.5, 3.0]), D.Chi2([2.0, 1.5]))
  ['Chi2', [[0.5, 3.0]], null, [[2.0, 1.5]], null, [1.8825676253341215, 0.35143066955047275]],
  // kl_divergence(D.Beta([0.5, 3.0], [1.0, 2.0]), D.Beta([2.0, 1.5], [0.5, 1.0]))
  ['Beta', [[0.5, 3.0], [1.0, 2.0]], null, [[2.0, 1.5], [0.5, 1.0]], null, [2.28768207245178, 0.12110820834650227]],
  // kl_divergence(D.Dirichlet([[0.5, 2.0, 3.0], [1.0, 1.0, 1.0]]), D.Dirichlet([[1.0, 1.0, 1.0], [2.0, 0.5, 4.0]]))
  ['Dirichlet', [[[0.5, 2.0, 3.0], [1.0, 1.0, 1.0]]], null, [[[1.0, 1.0, 1.0], [2.0, 0.5, 4.0]]], null, [1.2215298104258607, 2.6447095328555577]],
  // kl_divergence(D.Poisson([0.5, 4.0]), D.Poisson([2.0, 3.0]))
  ['Poisson', [[0.5, 4.0]], null, [[2.0, 3.0]], null, [0.8068528194400547, 0.15072828980712316]],
  // kl_divergence(D.Geometric([0.2, 0.7]), D.Geometric([0.5, 0.1]))
  ['Geometric', [[0.2, 0.7]], null, [[0.5, 0.1]], null, [0.9637237851087868, 1.4750763110546947]],
  // kl_divergence(D.MultivariateNormal([0.5, -1.0], covariance_matrix=[[2.0, 0.5], [0.5, 1.0]]), D.MultivariateNormal([0.0, 0.0], scale_tril=[[1.0, 0.0], [0.3, 0.7]]))
  ['MultivariateNormal', [[0.5, -1.0]], { covarianceMatrix: [[2.0, 0.5], [0.5, 1.0]] }, [[0.0, 0.0]], { scaleTril: [[1.0, 0.0], [0.3, 0.7]] }, [1.7359661416853926]],
];

describe('golden values of torch 1.13', () => {
  test.each(GOLDEN.map((r, i) => [`${r[0]}.${r[3]} #${i}`, r] as const))('%s (float64)', (_name, [fam, ps, kw, method, value, want]) => fl.scope(() => {
    const d = make(fam, ps, kw);
    const got = run(d, method, value);
    expect(got.device.startsWith(DEVICE)).toBe(true);
    expect(got.dtype === 'float64' || got.dtype === 'int32').toBe(true);
    close(vals(got), want, 1e-10, 1e-12, `${fam}.${method}`);
  }));
  test('the same rows in float32 (the dtype\'s tolerance, scaled for the special functions\' compositions)', () => fl.scope(() => {
    for (const [fam, ps, kw, method, value, want] of GOLDEN) {
      const got = run(make(fam, ps, kw, f32), method, value, f32);
      if (got.dtype !== 'int32') expect(got.dtype).toBe('float32');
      close(vals(got), want, 2e-5, 2e-5, `${fam}.${method} (float32)`);
    }
  }));
  test.each(KL.map((r, i) => [`${r[0]} #${i}`, r] as const))('klDivergence %s', (_name, [fam, pp, pk, qp, qk, want]) => fl.scope(() => {
    const got = D.klDivergence(make(fam, pp, pk), make(fam, qp, qk));
    close(vals(got), want, 1e-10, 1e-12, `kl ${fam}`);
  }));
  test('Independent: logProb, entropy and klDivergence sum the reinterpreted dims', () => fl.scope(() => {
    // p = D.Independent(D.Normal([[0., 1], [2, 3]], [[1., 2], [0.5, 1]]), 1); q = D.Independent(D.Normal([[1., 1], [0, 3]], torch.ones(2, 2)), 1)
    const p = new D.Independent(new D.Normal(f64([[0, 1], [2, 3]]), f64([[1, 2], [0.5, 1]])), 1);
    const q = new D.Independent(new D.Normal(f64([[1, 1], [0, 3]]), f64([[1, 1], [1, 1]])), 1);
    expect([p.batchShape, p.eventShape]).toEqual([[2], [2]]);
    close(vals(D.klDivergence(p, q)), [1.3068528194400546, 2.3181471805599454]);                              // kl_divergence(p, q)
    close(vals(p.logProb(f64([[0.5, 0.5], [1.0, 1.0]]))), [-2.6872742469692907, -5.1447298858494]);          // p.log_prob(...)
    close(vals(p.entropy()), [3.5310242469692907, 2.1447298858494]);                                          // p.entropy()
    expect(p.sample([5]).shape).toEqual([5, 2, 2]);
    expect(p.support.name).toBe('IndependentConstraint(Real(), 1)');
    expect(() => new D.Independent(new D.Normal(0, 1), 1)).toThrow(/^Independent: expected reinterpretedBatchNdims <= baseDistribution.batchShape.length, actual 1 vs 0$/);
    expect(() => D.klDivergence(p, new D.Independent(new D.Normal(f64([[1, 1], [0, 3]]), 1), 2))).toThrow(D.NotImplementedError);
  }));
});

describe('the special functions the families read (lgamma, digamma, erfinv: native ops)', () => {
  // torch.lgamma / torch.digamma of x, torch.erfinv of y (float64)
  const X = [-2.5, -0.5, -0.001, 0.0, 1e-08, 0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 7.99, 8.0, 12.3, 100.0, 100000.0, 10000000000.0, Infinity, -3.0];
  const LG = [-0.05624371649767405, 1.2655121234846454, 6.908333317515028, Infinity, 18.42068073818021, 2.252712651734206, 0.5723649429247001, 0.0, -0.12078223763524522, 0.0, 1.428072326665388, 8.50501160608848, 8.525161361065415, 18.238983407092245, 359.1342053695754, 1051287.7089736569, 220258509288.81058, Infinity, Infinity];
  const DG = [1.1031566406452433, 0.03648997397857639, 999.4211381978913, -Infinity, -100000000.57721564, -10.423754940411076, -1.9635100260214229, -0.5772156649015328, 0.036489973978576194, 0.422784335098467, 1.1671535393615111, 2.0143092220462235, 2.0156414779556098, 2.4683984003011386, 4.600161852738088, 11.512920464961896, 23.025850929890456, Infinity, NaN];
  const Y = [-1.0, -0.999999, -0.9, -0.5, -1e-10, 0.0, 0.3, 0.8, 0.99, 0.9999999, 1.0, 1.5];
  const EI = [-Infinity, -3.458910737283175, -1.1630871536766743, -0.4769362762044699, -8.862269254527581e-11, 0.0, 0.2724627147267544, 0.9061938024368233, 1.8213863677184483, 3.7665625815775803, Infinity, NaN];
  test('values against torch (float64: 1e-12 relative; erfinv near ±1 is limited by erf\'s rounding)', () => fl.scope(() => {
    close(vals(lgamma(f64(X))), LG, 1e-12, 1e-13, 'lgamma');
    close(vals(digamma(f64(X))), DG, 1e-12, 1e-13, 'digamma');
    close(vals(erfinv(f64(Y))), EI, 1e-9, 1e-14, 'erfinv');
    close(vals(lgamma(f32(X.slice(4, 16)))), LG.slice(4, 16), 2e-6, 1e-6, 'lgamma float32');
    close(vals(erfinv(f32(Y.slice(2, 9)))), EI.slice(2, 9), 2e-6, 1e-6, 'erfinv float32');
  }));
  test('gradients: finite differences, and erfinv\'s second derivative 2·y·erfinv\'(x)² (createGraph)', () => fl.scope(() => {
    const x = f64([0.3, 1.7, 9.5, 20]).requiresGrad_();
    expect(fl.gradcheck((t: fl.Tensor) => lgamma(t), [x])).toBe(true);
    expect(fl.gradcheck((t: fl.Tensor) => digamma(t), [x])).toBe(true);
    const neg = f64([-0.7, -2.3]).requiresGrad_();
    expect(fl.gradcheck((t: fl.Tensor) => lgamma(t), [neg])).toBe(true);
    const y = f64([-0.9, -0.2, 0.4, 0.95]).requiresGrad_();
    expect(fl.gradcheck((t: fl.Tensor) => erfinv(t), [y])).toBe(true);
    const [g] = fl.autograd.grad(erfinv(y).sum(), [y], { createGraph: true });
    const [g2] = fl.autograd.grad(g!.sum(), [y]);
    const e = vals(erfinv(y.detach())), s = vals(g!.detach());
    close(vals(g2!), e.map((v, i) => 2 * v * s[i] * s[i]), 1e-10, 1e-12, 'erfinv\'\'');
  }));
});

/** Mean and variance of draws `s` (along dim 0) within 6 standard errors of the distribution's own (golden-checked) moments. */
function expectMoments(s: fl.Tensor, mean: fl.Tensor, variance: fl.Tensor, what: string, checkVar = true): void {
  fl.scope(() => {
    const n = s.shape[0];
    const x = s.to('float64');
    const m = vals(x.mean(0)), mu = vals(mean), v = vals(variance);
    const c = x.sub(x.mean(0, true));
    const s2 = vals(c.square().mean(0)), m4 = vals(c.square().square().mean(0));
    mu.forEach((w, i) => {
      const se = Math.sqrt(v[i] / n);
      if (!(Math.abs(m[i] - w) <= 6 * se + 1e-12)) throw new Error(`${what}: mean[${i}] ${m[i]} vs ${w} (se ${se})`);
      const seVar = Math.sqrt(Math.max(m4[i] - s2[i] * s2[i], 0) / n);
      if (checkVar && !(Math.abs(s2[i] - v[i]) <= 6 * seVar + 1e-12)) throw new Error(`${what}: variance[${i}] ${s2[i]} vs ${v[i]} (se ${seVar})`);
    });
  });
}
/** The fraction of draws below icdf(q), for the quartiles, within 6 standard errors of q. */
function expectQuartiles(d: fl.distributions.Distribution, s: fl.Tensor, what: string): void {
  fl.scope(() => {
    const n = s.shape[0];
    for (const q of [0.25, 0.5, 0.75]) {
      const at = d.icdf(fl.full(d.batchShape, q, { dtype: d.dtype, device: d.device }));
      const frac = vals(s.lt(at).to('float64').mean(0));
      frac.forEach((f, i) => { if (Math.abs(f - q) > 6 * Math.sqrt(q * (1 - q) / n)) throw new Error(`${what}: P(X < icdf(${q}))[${i}] = ${f}`); });
    }
  });
}

describe('samples (20k draws under fl.manualSeed; statistical checks, not torch\'s stream)', () => {
  const N = 20000;
  const continuous: [string, Nested[]][] = [
    ['Normal', [[0, 1.5, -2], [1, 0.5, 3]]], ['LogNormal', [[0, 0.5, -1], [0.5, 0.25, 0.4]]], ['HalfNormal', [[1, 0.5, 3]]],
    ['Laplace', [[0, 1.5, -2], [1, 0.5, 3]]], ['Gumbel', [[0, 1.5, -2], [1, 0.5, 3]]], ['Uniform', [[0, -1, 2], [1, 3, 2.5]]],
    ['Exponential', [[1, 0.5, 3]]], ['Gamma', [[0.3, 2, 7.5], [1, 0.5, 3]]], ['Chi2', [[0.5, 3, 10]]], ['Beta', [[0.5, 2, 7.5], [0.7, 3, 1.5]]],
    ['StudentT', [[5, 8, 30], [0, 1, -1], [1, 0.5, 2]]], ['Poisson', [[0.5, 4, 9.99, 10, 30, 250]]], ['Geometric', [[0.2, 0.5, 0.9]]],
    ['Bernoulli', [[0.2, 0.5, 0.9]]], ['Binomial', [[10, 4, 0, 7], [0.3, 0.5, 0.7, 1]]],
  ];
  test.each(continuous)('%s: shape, device, moments (and quartiles where icdf exists)', (fam, ps) => fl.scope(() => {
    fl.manualSeed(1234);
    const d = make(fam, ps, null);
    const s = d.sample([N]);
    expect(s.shape).toEqual([N, ...d.batchShape]);
    expect(s.device).toBe(d.device);
    expect(s.dtype).toBe('float64');
    expect(s.requiresGrad).toBe(false);
    expect(fl.all(d.support.check(s)).item()).toBe(1);
    expectMoments(s, d.mean, d.variance, fam);
    if (['Normal', 'LogNormal', 'HalfNormal', 'Laplace', 'Gumbel', 'Uniform', 'Exponential'].includes(fam)) expectQuartiles(d, s, fam);
    if (d.hasRsample) expectMoments(d.rsample([N]), d.mean, d.variance, `${fam}.rsample`);
  }));
  test('Cauchy: quartiles (it has no moments)', () => fl.scope(() => {
    fl.manualSeed(7);
    const d = new D.Cauchy(f64([0, 1.5, -2]), f64([1, 0.5, 3]));
    expectQuartiles(d, d.sample([N]), 'Cauchy');
  }));
  test('Categorical and OneHotCategorical: frequencies; Dirichlet and MultivariateNormal: moments', () => fl.scope(() => {
    fl.manualSeed(99);
    const probs = f64([[0.1, 0.2, 0.7], [0.5, 0.5, 0], [0.25, 0.25, 0.5]]);
    const c = new D.Categorical(probs);
    const s = c.sample([N]);
    expect([s.shape, s.dtype, s.device]).toEqual([[N, 3], 'int32', c.device]);
    const oh = fl.eq(s.unsqueeze(-1), fl.arange(3, { dtype: 'int32', device: DEVICE })).to('float64');
    expectMoments(oh, probs, probs.mul(probs.neg().add(1)), 'Categorical');
    const o = new D.OneHotCategorical(probs);
    const so = o.sample([N]);
    expect(so.shape).toEqual([N, 3, 3]);
    expectMoments(so, o.mean, o.variance, 'OneHotCategorical');
    const dir = new D.Dirichlet(f64([[0.5, 2, 3], [1.5, 1.2, 4]]));
    const sd = dir.sample([N]);
    expect(sd.shape).toEqual([N, 2, 3]);
    close(vals(sd.sum(-1)), new Array(2 * N).fill(1), 1e-12, 1e-12, 'Dirichlet rows');
    expectMoments(sd, dir.mean, dir.variance, 'Dirichlet');
    const cov = f64([[2, 0.5, 0.1], [0.5, 1, -0.2], [0.1, -0.2, 0.8]]);
    const mvn = new D.MultivariateNormal(f64([0.5, -1, 2]), { covarianceMatrix: cov });
    const sm = mvn.rsample([N]);
    expectMoments(sm, mvn.mean, mvn.variance, 'MultivariateNormal');
    // the off-diagonal covariance: E[(x0 - m0)(x1 - m1)] ≈ 0.5 (6 standard errors)
    const cm = sm.sub(mvn.loc);
    const c01 = cm.select(1, 0).mul(cm.select(1, 1));
    const se = Math.sqrt(vals(c01.var())[0] / N);
    expect(Math.abs(vals(c01.mean())[0] - 0.5)).toBeLessThan(6 * se);
  }));
  test('the same seed gives the same draws; sample shapes: a number, [], zero sizes', () => fl.scope(() => {
    const d = new D.Gamma(f64([0.5, 3]), 1);
    fl.manualSeed(5); const a = vals(d.sample([4]));
    fl.manualSeed(5); const b = vals(d.sample([4]));
    expect(a).toEqual(b);
    expect(d.sample().shape).toEqual([2]);
    expect(d.sample(3).shape).toEqual([3, 2]);
    expect(d.sample([0]).shape).toEqual([0, 2]);
    expect(new D.Normal(f64([]), 1).sample([3]).shape).toEqual([3, 0]);
    expect(new D.Poisson(f64([])).sample([2]).shape).toEqual([2, 0]);
    expect(new D.Categorical(f64([[0.5, 0.5]])).sample([0, 2]).shape).toEqual([0, 2, 1]);
    expect(new D.Normal(f32([0, 1]), 1).sample().dtype).toBe('float32');
  }));
});

describe('gradients', () => {
  test('rsample is differentiable in the parameters (finite differences, float64, a fixed seed per call)', () => fl.scope(() => {
    const loc = f64([0.3, -1.2]).requiresGrad_(), scale = f64([0.7, 1.9]).requiresGrad_();
    for (const fam of ['Normal', 'LogNormal', 'Laplace', 'Cauchy', 'Gumbel']) {
      expect(fl.gradcheck((l: fl.Tensor, s: fl.Tensor) => { fl.manualSeed(11); return new (D as unknown as Record<string, new (a: fl.Tensor, b: fl.Tensor) => fl.distributions.Distribution>)[fam](l, s).rsample([3]); }, [loc, scale])).toBe(true);
    }
    const low = f64([0.3, -1.2]).requiresGrad_(), high = f64([1.5, 2]).requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor, b: fl.Tensor) => { fl.manualSeed(12); return new D.Uniform(a, b).rsample([3]); }, [low, high])).toBe(true);
    expect(fl.gradcheck((r: fl.Tensor) => { fl.manualSeed(13); return new D.Exponential(r).rsample([3]); }, [scale])).toBe(true);
    expect(fl.gradcheck((s: fl.Tensor) => { fl.manualSeed(14); return new D.HalfNormal(s).rsample([3]); }, [scale])).toBe(true);
    const L = f64([[1.5, 0, 0], [0.3, 0.7, 0], [-0.2, 0.4, 2]]).requiresGrad_(), mu = f64([0.5, -1, 2]).requiresGrad_();
    expect(fl.gradcheck((m: fl.Tensor, l: fl.Tensor) => { fl.manualSeed(15); return new D.MultivariateNormal(m, { scaleTril: l.tril() }).rsample([4]); }, [mu, L])).toBe(true);
  }));
  test('logProb, cdf, icdf, entropy and klDivergence are differentiable (finite differences, float64)', () => fl.scope(() => {
    const a = f64([0.4, 2.5, 9]).requiresGrad_(), b = f64([1.3, 0.6, 2.2]).requiresGrad_(), v = f64([0.3, 1.1, 4]).requiresGrad_();
    const u = f64([0.2, 0.55, 0.9]).requiresGrad_();
    const checks: [string, (x: fl.Tensor, y: fl.Tensor, z: fl.Tensor) => fl.Tensor, fl.Tensor[]][] = [
      ['Gamma.logProb', (x, y, z) => new D.Gamma(x, y).logProb(z), [a, b, v]],
      ['Gamma.entropy', (x, y) => new D.Gamma(x, y).entropy(), [a, b]],
      ['Beta.logProb', (x, y, z) => new D.Beta(x, y).logProb(z.div(5)), [a, b, v]],
      ['Beta.entropy', (x, y) => new D.Beta(x, y).entropy(), [a, b]],
      ['StudentT.logProb', (x, y, z) => new D.StudentT(x, y, 2).logProb(z), [a, b, v]],
      ['StudentT.entropy', (x, y) => new D.StudentT(x, 0, y).entropy(), [a, b]],
      ['Dirichlet.logProb', (x) => new D.Dirichlet(x).logProb(f64([0.2, 0.3, 0.5])), [a]],
      ['Poisson.logProb', (x) => new D.Poisson(x).logProb(f64([0, 2, 7])), [a]],
      ['Binomial.logProb', (x) => new D.Binomial(10, undefined, x).logProb(f64([0, 2, 7])), [b]],
      ['Normal.icdf', (x, y, z) => new D.Normal(x, y).icdf(z), [a, b, u]],
      ['Normal.cdf', (x, y, z) => new D.Normal(x, y).cdf(z), [a, b, v]],
      ['Categorical.logProb', (x) => new D.Categorical(undefined, x).logProb(f64(2)), [a]],
      ['kl Gamma', (x, y) => D.klDivergence(new D.Gamma(x, y), new D.Gamma(y, x)), [a, b]],
      ['kl Beta', (x, y) => D.klDivergence(new D.Beta(x, y), new D.Beta(y, x)), [a, b]],
      ['kl Normal', (x, y) => D.klDivergence(new D.Normal(x, y), new D.Normal(f64(0), 1)), [a, b]],
    ];
    for (const [name, fn, ins] of checks) {
      let ok: boolean;
      try { ok = fl.gradcheck(fn as (...t: fl.Tensor[]) => fl.Tensor, ins); } catch (e) { throw new Error(`${name}: ${(e as Error).message}`); }
      expect([name, ok]).toEqual([name, true]);
    }
  }));
  test('the Gamma family\'s implicit reparameterization: torch\'s _standard_gamma_grad, and unbiased pathwise gradients', () => fl.scope(() => {
    // torch._standard_gamma_grad(alpha, x) (float64), one point or more in each branch (x < 0.8, α > 8 near and far from x = α, the rational fit)
    const alpha = [0.3, 0.3, 2.0, 2.0, 5.0, 5.0, 12.0, 12.0, 12.0, 30.0, 0.7, 7.9];
    const x = [0.05, 1.5, 0.5, 3.0, 1.0, 9.0, 11.5, 5.0, 20.0, 29.0, 0.79, 0.81];
    const want = [0.49471098700419375, 3.212833391896362, 0.49802410796749497, 1.3217135522829573, 0.41482928638070027, 1.3672391086493698, 0.9925371635139648, 0.6339352930513688, 1.29496253375444, 0.9886193655472773, 1.3252326499612248, 0.26532741404823246];
    close(vals(standardGammaGrad(f64(alpha), f64(x))), want, 1e-12, 1e-14, '_standard_gamma_grad');
    // d E[X]/dα of a Gamma(α, rate) draw is 1/rate, and d E[X]/drate is -α/rate²: per-draw gradients averaged (6 standard errors)
    const N = 20000;
    const mean = (g: fl.Tensor): [number, number] => { const v = vals(g); const m = v.reduce((a, b) => a + b, 0) / v.length; const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length); return [m, sd / Math.sqrt(v.length)]; };
    fl.manualSeed(21);
    for (const [a0, r0] of [[0.3, 2], [2.5, 0.5], [12, 1]]) {
      const a = fl.full([N], a0, { dtype: 'float64', device: DEVICE }).requiresGrad_(), r = fl.full([N], r0, { dtype: 'float64', device: DEVICE }).requiresGrad_();
      new D.Gamma(a, r).rsample().sum().backward();
      const [ma, sa] = mean(a.grad!), [mr, sr] = mean(r.grad!);
      expect([a0, Math.abs(ma - 1 / r0) < 6 * sa + 1e-3]).toEqual([a0, true]);
      expect([a0, Math.abs(mr + a0 / (r0 * r0)) < 6 * sr + 1e-3]).toEqual([a0, true]);
    }
    // Beta(α, β): d E[X]/dα = β/(α+β)²
    const a = fl.full([N], 1.5, { dtype: 'float64', device: DEVICE }).requiresGrad_(), b = fl.full([N], 0.6, { dtype: 'float64', device: DEVICE }).requiresGrad_();
    new D.Beta(a, b).rsample().sum().backward();
    const [mb, sb] = mean(a.grad!);
    expect(Math.abs(mb - 0.6 / (2.1 * 2.1))).toBeLessThan(6 * sb + 1e-3);
    // Dirichlet: d E[X_0]/dα_0 = (α0 - α_0)/α0² with α0 = Σα
    const c = fl.tensor([[2, 1, 0.5]], { dtype: 'float64', device: DEVICE }).expand([N, 3]).contiguous().requiresGrad_();
    new D.Dirichlet(c).rsample().select(-1, 0).sum().backward();
    const [md, sd] = mean(c.grad!.select(-1, 0));
    expect(Math.abs(md - 1.5 / 12.25)).toBeLessThan(6 * sd + 1e-3);
    // StudentT and Chi2 rsample carry gradients to df
    const df = f64([3, 7]).requiresGrad_();
    new D.StudentT(df, 0, 1).rsample([8]).square().sum().backward();
    expect(vals(df.grad!).every(Number.isFinite)).toBe(true);
    const k = f64([3]).requiresGrad_();
    new D.Chi2(k).rsample([N]).mean().backward();
    expect(Math.abs(vals(k.grad!)[0] - 1)).toBeLessThan(0.05);   // E[Chi2(k)] = k
  }));
  test('a policy gradient: d/dlogits of logProb(a) is onehot(a) - softmax(logits) (torch\'s)', () => fl.scope(() => {
    const logits = f64([[1, -2, 0.5], [3, 0, -1]]).requiresGrad_();
    const pi = new D.Categorical({ logits });
    pi.logProb(f64([0, 2]).to('int32')).sum().backward();
    // torch: logits.grad after Categorical(logits=logits).log_prob(tensor([0, 2])).sum().backward()
    close(vals(logits.grad!), [0.3962511038513742, -0.030058887569574023, -0.3661922162818002, -0.9362395518765056, -0.04661262257797389, 0.9828521744544796], 1e-10, 1e-12);
  }));
  test('Bernoulli and Geometric at logits 0: torch\'s fused BCE gradient, sigmoid(l) - t (not a subgradient of max/abs)', () => fl.scope(() => {
    const l = f64([0, 0, 1]).requiresGrad_();
    new D.Bernoulli({ logits: l }).logProb(f64([1, 0, 1])).sum().backward();
    // torch: Bernoulli(logits=[0., 0., 1.]).log_prob([1., 0., 1.]).sum().backward() -> [0.5, -0.5, 0.2689]
    close(vals(l.grad!), [0.5, -0.5, 0.2689414213699951], 1e-12, 1e-12);
    const l2 = f64([0, 0.5]).requiresGrad_();
    new D.Bernoulli({ logits: l2 }).entropy().sum().backward();
    // torch: Bernoulli(logits=[0., 0.5]).entropy().sum().backward() -> [0, -0.1175]
    close(vals(l2.grad!), [0, -0.11750185610079722], 1e-12, 1e-12);
    const l3 = f64([0, 0, 1]).requiresGrad_();
    new D.Geometric({ logits: l3 }).entropy().sum().backward();
    // torch: Geometric(logits=[0., 0., 1.]).entropy().sum().backward()
    close(vals(l3.grad!), [-0.6931471805599453, -0.6931471805599453, -0.48312197571606913], 1e-12, 1e-12);
  }));
});

describe('shapes, expand, enumerateSupport, support, lifetime', () => {
  test('batchShape and eventShape; parameters broadcast (numbers take the tensors\' dtype and device)', () => fl.scope(() => {
    const n = new D.Normal(f32([[0], [1]]), f32([1, 2, 3]));
    expect([n.batchShape, n.eventShape, n.dtype, n.loc.shape, n.scale.shape]).toEqual([[2, 3], [], 'float32', [2, 3], [2, 3]]);
    const m = new D.Normal(f64([1, 2]), 3);
    expect([m.scale.dtype, m.scale.device]).toEqual(['float64', m.loc.device]);
    expect(new D.Normal(0, 1).batchShape).toEqual([]);
    expect(new D.Normal(0, 1).dtype).toBe('float32');
    const promoted = new D.Normal(f32([0]), f64([1]));
    expect(promoted.loc.dtype).toBe('float64');
    const dir = new D.Dirichlet(f64([[1, 2, 3], [1, 1, 1]]));
    expect([dir.batchShape, dir.eventShape]).toEqual([[2], [3]]);
    const mvn = new D.MultivariateNormal(f64([[0, 0], [1, 1], [2, 2]]), { scaleTril: f64([[1, 0], [0.5, 1]]) });
    expect([mvn.batchShape, mvn.eventShape, mvn.scaleTril.shape, mvn.covarianceMatrix.shape]).toEqual([[3], [2], [3, 2, 2], [3, 2, 2]]);
    close(vals(mvn.precisionMatrix.select(0, 0)), vals(fl.linalg.inv(f64([[1, 0.5], [0.5, 1.25]]))), 1e-12, 1e-12);
    expect(mvn.logProb(f64([[0, 1]])).shape).toEqual([3]);
    const oh = new D.OneHotCategorical(f64([[0.2, 0.8], [0.5, 0.5]]));
    expect([oh.batchShape, oh.eventShape]).toEqual([[2], [2]]);
  }));
  test('expand: views of the parameters with the new batch shape; the new one outlives the old', () => {
    const made = fl.scope(() => {
      const n = new D.Normal(f64([0, 1]), 2);
      const e = n.expand([3, 2]);
      expect(e).toBeInstanceOf(D.Normal);
      expect([e.batchShape, e.loc.shape]).toEqual([[3, 2], [3, 2]]);
      expect(() => n.expand([3])).toThrow(new fl.ShapeError('Normal.expand: cannot expand batch shape [2] to [3]'));
      n.dispose();
      close(vals(e.logProb(f64(0))), vals(new D.Normal(f64([0, 1, 0, 1, 0, 1]), 2).logProb(f64(0))));
      const ind = new D.Independent(new D.Normal(f64([[0, 1]]), 1), 1).expand([4]);
      expect([ind.batchShape, ind.eventShape, ind.baseDist.batchShape]).toEqual([[4], [2], [4, 2]]);
      const c = new D.Categorical(f64([0.2, 0.8])).expand([5]);
      expect([c.batchShape, c.probs.shape, c.sample().shape]).toEqual([[5], [5, 2], [5]]);
      const mvn = new D.MultivariateNormal(f64([0, 0]), { covarianceMatrix: fl.eye(2, { dtype: 'float64', device: DEVICE }) }).expand([3]);
      expect(mvn.sample().shape).toEqual([3, 2]);
      return 1;
    });
    expect(made).toBe(1);
  });
  test('enumerateSupport (expand true and false) for the discrete families', () => fl.scope(() => {
    const b = new D.Bernoulli(f64([0.2, 0.5]));
    expect([b.hasEnumerateSupport, b.enumerateSupport().shape, b.enumerateSupport(false).shape]).toEqual([true, [2, 2], [2, 1]]);
    expect(vals(b.enumerateSupport())).toEqual([0, 0, 1, 1]);
    const c = new D.Categorical(f64([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]));
    expect([c.enumerateSupport().shape, c.enumerateSupport().dtype]).toEqual([[3, 2], 'int32']);
    expect(vals(c.enumerateSupport())).toEqual([0, 0, 1, 1, 2, 2]);
    const o = new D.OneHotCategorical(f64([0.2, 0.3, 0.5]));
    expect(vals(o.enumerateSupport())).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const bi = new D.Binomial(3, f64([0.2, 0.5]));
    expect([bi.enumerateSupport().shape, vals(bi.enumerateSupport(false))]).toEqual([[4, 2], [0, 1, 2, 3]]);
    expect(() => new D.Binomial(f64([3, 4]), 0.5).enumerateSupport()).toThrow(D.NotImplementedError);
    expect(() => new D.Normal(0, 1).enumerateSupport()).toThrow(/^Normal.enumerateSupport: Normal has no enumerable support$/);
    expect(new D.Normal(0, 1).hasEnumerateSupport).toBe(false);
  }));
  test('support, argConstraints, constraints.*; hasRsample; perplexity; toString', () => fl.scope(() => {
    expect(new D.Normal(0, 1).support.name).toBe('Real()');
    expect(new D.Normal(0, 1).argConstraints.scale.name).toBe('GreaterThan(lower_bound=0.0)');
    expect(new D.Beta(1, 1).support.name).toBe('Interval(lower_bound=0.0, upper_bound=1.0)');
    expect(new D.Categorical(f64([0.5, 0.5])).support.name).toBe('IntegerInterval(lower_bound=0, upper_bound=1)');
    expect(vals(D.constraints.positive.check(f64([-1, 0, 2])))).toEqual([0, 0, 1]);
    expect(vals(D.constraints.simplex.check(f64([[0.5, 0.5], [0.7, 0.7]])))).toEqual([1, 0]);
    expect(vals(D.constraints.interval(0, 2).check(f64([0, 2, 3])))).toEqual([1, 1, 0]);
    expect(vals(D.constraints.independent(D.constraints.positive, 1).check(f64([[1, 2], [1, -1]])))).toEqual([1, 0]);
    expect(vals(D.constraints.lowerCholesky.check(f64([[1, 0], [2, 3]])))).toEqual([1]);
    expect(vals(D.constraints.positiveDefinite.check(f64([[[2, 1], [1, 2]], [[1, 2], [2, 1]]])))).toEqual([1, 0]);
    expect(vals(D.constraints.nonnegativeInteger.check(f64([0, 1.5, 3, -1])))).toEqual([1, 0, 1, 0]);
    const rs = ['Normal', 'LogNormal', 'HalfNormal', 'Laplace', 'Cauchy', 'Gumbel', 'Uniform', 'Exponential', 'MultivariateNormal', 'Gamma', 'Beta', 'StudentT'];
    for (const [fam, d] of [['Normal', new D.Normal(0, 1)], ['Gamma', new D.Gamma(1, 1)], ['Bernoulli', new D.Bernoulli(0.5)], ['Exponential', new D.Exponential(1)],
      ['Beta', new D.Beta(1, 1)], ['StudentT', new D.StudentT(3)], ['MultivariateNormal', new D.MultivariateNormal(f64([0]), { covarianceMatrix: f64([[1]]) })]] as const) {
      expect([fam, d.hasRsample]).toEqual([fam, rs.includes(fam)]);
    }
    const g = new D.Gumbel(f64([0, 1]), 2);
    close(vals(g.perplexity()), vals(g.entropy()).map(Math.exp));
    expect(String(g)).toBe('Gumbel(loc: [2], scale: [2])');
    close(vals(g.stddev), vals(g.variance).map(Math.sqrt));
  }));
  test('dispose() frees what the distribution made, not the caller\'s tensors; use after dispose throws', () => {
    const loc = f64([0, 1]);
    const before = fl.memory.stats().liveTensors;
    const d = new D.Categorical(undefined, loc);
    expect(fl.memory.stats().liveTensors).toBeGreaterThan(before);
    d.dispose();
    expect(fl.memory.stats().liveTensors).toBe(before);
    expect(loc.isDisposed).toBe(false);
    fl.scope(() => expect(() => d.logProb(f64(0))).toThrow(fl.DisposedError));
    const n = new D.Normal(loc, 1);
    expect(n.batchShape).toEqual([2]);
    n.dispose();
    n.dispose();   // a second dispose does nothing
    expect(fl.memory.stats().liveTensors).toBe(before);
    loc.dispose();
  });
  test('validateArgs false (option, positional, or the default) skips the checks, as torch', () => fl.scope(() => {
    expect(vals(new D.Normal(f64(0), -1, { validateArgs: false }).logProb(f64(0)))).toEqual([NaN]);
    expect(new D.Normal(0, -1, false as unknown as fl.distributions.DistributionOptions).validateArgs).toBe(false);
    expect(vals(new D.Exponential(f64(1), { validateArgs: false }).logProb(f64(-1)))).toEqual([1]);
    try {
      D.Distribution.setDefaultValidateArgs(false);
      expect(new D.Bernoulli(2).validateArgs).toBe(false);
    } finally { D.Distribution.setDefaultValidateArgs(true); }
    expect(() => new D.Bernoulli(2)).toThrow(fl.ValueError);
  }));
});

describe('refusals (typed errors naming the class)', () => {
  test('bad parameters: ValueError with the constraint, as torch', () => fl.scope(() => {
    expect(() => new D.Normal(0, -1)).toThrow(new fl.ValueError('Normal: expected parameter scale (Tensor of shape []) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values'));
    expect(() => new D.Normal(f64([0, NaN]), 1)).toThrow(/^Normal: expected parameter loc \(Tensor of shape \[2\]\) to satisfy the constraint Real\(\)/);
    expect(() => new D.Bernoulli(1.5)).toThrow(/^Bernoulli: expected parameter probs .* Interval\(lower_bound=0.0, upper_bound=1.0\)/);
    expect(() => new D.Bernoulli()).toThrow(new fl.ValueError('Bernoulli: either probs or logits must be specified, but not both'));
    expect(() => new D.Categorical(f64([0.5]), f64([0.5]))).toThrow(/either probs or logits/);
    expect(() => new D.Categorical(f64([-1, 2]))).toThrow(/^Categorical: expected parameter probs .* Simplex\(\)/);
    expect(() => new D.Categorical(0.5)).toThrow(/^Categorical: probs must be at least one-dimensional, got shape \[\]/);
    expect(() => new D.Uniform(1, 0)).toThrow(/^Uniform: Uniform is not defined when low >= high$/);
    expect(() => new D.Geometric(0)).toThrow(/^Geometric: expected parameter probs .* to be positive/);
    expect(() => new D.Binomial(2.5, 0.5)).toThrow(/^Binomial: expected parameter totalCount .* IntegerGreaterThan/);
    expect(() => new D.Gamma(f64([1, -1]), 1)).toThrow(/^Gamma: expected parameter concentration/);
    expect(() => new D.Chi2(-1)).toThrow(/^Chi2: expected parameter df/);
    expect(() => new D.Dirichlet(f64([1, 0]))).toThrow(/^Dirichlet: expected parameter concentration/);
    expect(() => new D.MultivariateNormal(f64([0, 0]), { covarianceMatrix: f64([[1, 2], [2, 1]]) })).toThrow(/^MultivariateNormal: expected parameter covarianceMatrix .* PositiveDefinite\(\)/);
    expect(() => new D.MultivariateNormal(f64([0, 0]), { covarianceMatrix: fl.eye(2, { dtype: 'float64' }), scaleTril: fl.eye(2, { dtype: 'float64' }) })).toThrow(/exactly one of covarianceMatrix or precisionMatrix or scaleTril/);
    expect(() => new D.MultivariateNormal(f64([0, 0, 0]), { scaleTril: f64([[1, 0], [0, 1]]) })).toThrow(fl.ShapeError);
  }));
  test('bad arguments: ValueError / DTypeError / ShapeError naming the class', () => fl.scope(() => {
    expect(() => new (D.Normal as any)('a', 1)).toThrow(new fl.ValueError("Normal: loc must be a Tensor or a number, got 'a'"));
    expect(() => new (D.Normal as any)(0, 1, {}, 5)).toThrow(/^Normal: takes 3 positional arguments \(loc, scale, validateArgs\)/);
    expect(() => new (D.Normal as any)(0, 1, { validate: true })).toThrow(/^Normal: unknown option 'validate' \(did you mean 'validateArgs'\?\)/);
    expect(() => new D.Normal(fl.tensor([0, 1], { dtype: 'int32' }), 1)).toThrow(new fl.DTypeError('Normal: loc must be a floating-point tensor (or a number), got dtype int32'));
    expect(() => new D.Normal(f64([0, 1]), f64([1, 1, 1]))).toThrow(new fl.ShapeError('Normal: the shapes of loc, scale do not broadcast ([2], [3])'));
    expect(() => new (D.Independent as any)({}, 0)).toThrow(/^Independent: baseDistribution must be a Distribution/);
    expect(() => (new D.Normal(0, 1).sample as any)('x')).toThrow(/^Normal.sample: sampleShape must be an array of non-negative integers/);
    expect(() => (new D.Normal(0, 1).sample as any)([2], 1)).toThrow(/^Normal.sample: takes 1 positional argument/);
    expect(() => (new D.Normal(0, 1) as any).logProb(0.5)).toThrow(new fl.ValueError('Normal.logProb: value must be a Tensor, got 0.5'));
    expect(() => D.Distribution.setDefaultValidateArgs(1 as unknown as boolean)).toThrow(fl.ValueError);
  }));
  test('logProb outside the support or of the wrong shape: ValueError, as torch\'s _validate_sample', () => fl.scope(() => {
    expect(() => new D.Exponential(f64(1)).logProb(f64([-1]))).toThrow(/^Exponential.logProb: expected value argument \(Tensor of shape \[1\]\) to be within the support \(GreaterThanEq\(lower_bound=0.0\)\)/);
    expect(() => new D.Categorical(f64([0.5, 0.5])).logProb(f64([1.5]))).toThrow(/within the support \(IntegerInterval\(lower_bound=0, upper_bound=1\)\)/);
    expect(() => new D.Categorical(f64([0.5, 0.5])).logProb(f64([2]))).toThrow(fl.ValueError);
    expect(() => new D.Bernoulli(0.5).logProb(f64([0.5]))).toThrow(/Boolean\(\)/);
    expect(() => new D.Beta(2, 2).cdf(f64([0.5]))).toThrow(D.NotImplementedError);
    expect(() => new D.Dirichlet(f64([1, 1, 1])).logProb(f64([0.5, 0.5]))).toThrow(/^Dirichlet.logProb: the right-most size of value must match eventShape: \[2\] vs \[3\]$/);
    expect(() => new D.Normal(f64([0, 0, 0]), 1).logProb(f64([1, 2]))).toThrow(/^Normal.logProb: value is not broadcastable with batchShape \+ eventShape: \[2\] vs \[3\]$/);
    expect(() => new D.Uniform(f64(0), 1).logProb(f64([2]))).toThrow(/Uniform.logProb: expected value argument/);
  }));
  test('rsample where hasRsample is false, an unregistered KL pair, a missing method: NotImplementedError', () => fl.scope(() => {
    expect(() => new D.Poisson(1).rsample()).toThrow(new D.NotImplementedError('Poisson.rsample: Poisson has no reparameterized sampler (hasRsample is false); use sample()'));
    expect(() => new D.Bernoulli(0.5).rsample()).toThrow(D.NotImplementedError);
    expect(new D.NotImplementedError('x')).toBeInstanceOf(fl.FlintError);
    expect(() => D.klDivergence(new D.Normal(0, 1), new D.Cauchy(0, 1))).toThrow(new D.NotImplementedError('klDivergence: no KL divergence is registered for the pair (Normal, Cauchy)'));   // torch 1.13 has no Normal ‖ Cauchy (its Normal ‖ Gamma is inf, kl-extra.ts)
    expect(() => new D.Poisson(1).cdf(f64(1))).toThrow(/^Poisson.cdf: not implemented/);
    expect(() => (D.klDivergence as any)(1, 2)).toThrow(/^klDivergence: p must be a Distribution, got 1$/);
    expect(() => D.klDivergence(new D.Binomial(2, 0.5), new D.Binomial(3, 0.5))).toThrow(D.NotImplementedError);
  }));
  test('registerKl: a registered pair is used for the classes and their subclasses, the most specific first', () => fl.scope(() => {
    class Shifted extends D.Normal {}
    D.registerKl(Shifted, D.Normal, () => f64(42));
    expect(vals(D.klDivergence(new Shifted(0, 1), new D.Normal(0, 2)))).toEqual([42]);
    expect(vals(D.klDivergence(new Shifted(0, 1), new Shifted(0, 2)))).toEqual([42]);
    close(vals(D.klDivergence(new D.Normal(0, 1), new Shifted(0, 1))), [0]);
    const c = new D.Chi2(3);   // a Gamma: Gamma's KL
    expect(vals(D.klDivergence(c, new D.Gamma(1.5, 0.5)))[0]).toBeCloseTo(0, 6);
    expect(() => (D.registerKl as any)(Object, D.Normal, () => 0)).toThrow(/^registerKl: P must be a Distribution class/);
  }));
});

describe('MixtureSameFamily', () => {
  test('logProb, cdf, mean and variance against torch 1.13 (scalar, batched, and vector events)', () => fl.scope(() => {
    // m = D.MixtureSameFamily(D.Categorical(torch.tensor([0.2, 0.5, 0.3])), D.Normal(torch.tensor([-1., 0, 2]), torch.tensor([0.5, 1, 2]))); x = [-1, 0.5, 3]
    const m = new D.MixtureSameFamily(new D.Categorical(f64([0.2, 0.5, 0.3])), new D.Normal(f64([-1, 0, 2]), f64([0.5, 1, 2])));
    const x = f64([-1, 0.5, 3]);
    expect([m.batchShape, m.eventShape, m.hasRsample]).toEqual([[], [], false]);
    close(vals(m.logProb(x)), [-1.2040064256576979, -1.5006910578338406, -2.8999545081645564]);    // m.log_prob(x)
    close(vals(m.cdf(x)), [0.19936978734638597, 0.613449456743741, 0.9067637893663888]);            // m.cdf(x)
    close(vals(m.mean), [0.39999999999999997]);                                                     // m.mean
    close(vals(m.variance), [2.99]);                                                                // m.variance
    // m2 = D.MixtureSameFamily(D.Categorical(logits=[[0., 1, -1], [2, 0, 0]]), D.Normal([[-1., 0, 2], [1, 1.5, -2]], [[0.5, 1, 2], [1, 0.3, 0.7]]))
    const m2 = new D.MixtureSameFamily(new D.Categorical({ logits: f64([[0, 1, -1], [2, 0, 0]]) }), new D.Normal(f64([[-1, 0, 2], [1, 1.5, -2]]), f64([[0.5, 1, 2], [1, 0.3, 0.7]])));
    expect(m2.batchShape).toEqual([2]);
    close(vals(m2.logProb(f64([0.25, -1]))), [-1.2799419187775072, -2.7431170944939627]);           // m2.log_prob([0.25, -1.])
    close(vals(m2.mean), [-0.06466732471403672, 0.733732552701998]);
    close(vals(m2.variance), [1.6872142670706918, 1.7630512914467475]);
    // m3 = D.MixtureSameFamily(D.Categorical([0.6, 0.4]), D.Independent(D.Normal([[0., 1], [2, -1]], [[1., 0.5], [2, 1]]), 1))
    const m3 = new D.MixtureSameFamily(new D.Categorical(f64([0.6, 0.4])), new D.Independent(new D.Normal(f64([[0, 1], [2, -1]]), f64([[1, 0.5], [2, 1]])), 1));
    expect([m3.batchShape, m3.eventShape]).toEqual([[], [2]]);
    close(vals(m3.logProb(f64([[0.5, 0.5], [2, -2]]))), [-2.2070211102203285, -3.947314958453839]);  // m3.log_prob(...)
    close(vals(m3.mean), [0.8, 0.19999999999999996]);
    close(vals(m3.variance), [3.16, 1.51]);
  }));
  test('samples: shapes, and moments of 20k draws; gradients of logProb in the weights and components', () => fl.scope(() => {
    fl.manualSeed(31);
    const m = new D.MixtureSameFamily(new D.Categorical(f64([0.2, 0.5, 0.3])), new D.Normal(f64([-1, 0, 2]), f64([0.5, 1, 2])));
    const s = m.sample([20000]);
    expect(s.shape).toEqual([20000]);
    expectMoments(s, m.mean, m.variance, 'MixtureSameFamily');
    const m2 = new D.MixtureSameFamily(new D.Categorical(f64([0.5, 0.5])), new D.Normal(f64([[-1, 1], [0, 2], [3, 3]]), 1));
    expect([m2.batchShape, m2.sample([4]).shape, m2.expand([2, 3]).sample().shape]).toEqual([[3], [4, 3], [2, 3]]);
    const m3 = new D.MixtureSameFamily(new D.Categorical(f64([0.6, 0.4])), new D.Independent(new D.Normal(f64([[0, 1], [2, -1]]), 0.5), 1));
    const s3 = m3.sample([20000]);
    expect(s3.shape).toEqual([20000, 2]);
    expectMoments(s3, m3.mean, m3.variance, 'MixtureSameFamily of vectors');
    const w = f64([0.3, -0.2, 1.1]).requiresGrad_(), mu = f64([-1, 0.5, 2]).requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor, b: fl.Tensor) => new D.MixtureSameFamily(new D.Categorical({ logits: a }), new D.Normal(b, 0.7)).logProb(f64([-0.5, 1, 2.5])), [w, mu])).toBe(true);
  }));
  test('refusals, as torch', () => fl.scope(() => {
    const cat = new D.Categorical(f64([0.5, 0.5]));
    expect(() => new (D.MixtureSameFamily as any)(new D.Normal(0, 1), new D.Normal(f64([0, 1]), 1))).toThrow(/^MixtureSameFamily: mixtureDistribution must be a Categorical/);
    expect(() => new (D.MixtureSameFamily as any)(cat, 5)).toThrow(/^MixtureSameFamily: componentDistribution must be a Distribution, got 5$/);
    expect(() => new D.MixtureSameFamily(cat, new D.Normal(f64([0, 1, 2]), 1))).toThrow(/^MixtureSameFamily: the mixture's number of components \(2\) does not equal componentDistribution.batchShape\[-1\] \(3\)$/);
    expect(() => new D.MixtureSameFamily(new D.Categorical(f64([[0.5, 0.5], [0.5, 0.5]])), new D.Normal(f64([[0, 1], [0, 1], [0, 1]]), 1))).toThrow(/is not compatible with/);
    expect(() => new D.MixtureSameFamily(cat, new D.Normal(f64([0, 1]), 1)).rsample()).toThrow(D.NotImplementedError);
    expect(() => new D.MixtureSameFamily(cat, new D.Normal(f64([0, 1]), 1)).entropy()).toThrow(D.NotImplementedError);
    expect(() => new D.MixtureSameFamily(cat, new D.Exponential(f64([1, 2]))).logProb(f64([-1]))).toThrow(/^MixtureSameFamily.logProb: expected value argument/);
  }));
});
