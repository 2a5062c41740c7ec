// distributions-more.test.ts — the second part of fl.distributions (lib/distributions/): the
// transforms (transforms.ts), TransformedDistribution and its families (transformed.ts),
// FisherSnedecor, NegativeBinomial and ContinuousBernoulli (extra.ts), the cross-family KLs
// (kl-extra.ts), bijectTo / transformTo (constraint-registry.ts) and the new constraints.
// References: PyTorch 1.13 golden values (float64; the torch call above each row, made with
// `torch.set_default_dtype(torch.float64)` and float64 tensors), statistical checks of samples
// under fl.manualSeed (20k draws, means within 6 standard errors; our Philox stream differs from
// torch's), finite differences (fl.gradcheck, float64) for rsample and the transforms, and
// refusals. Tolerances: 1e-10 relative for the goldens in float64, 2e-5 in float32.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const D = fl.distributions;
const T = fl.distributions.transforms;
const C = fl.distributions.constraints;
type Nested = number | Nested[];
const f64 = (v: Nested): fl.Tensor => fl.tensor(v as number[], { dtype: 'float64', device: DEVICE });
const f32 = (v: Nested): fl.Tensor => fl.tensor(v as number[], { dtype: 'float32', device: DEVICE });
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const allTrue = (b: fl.Tensor): boolean => fl.scope(() => b.numel === 0 || !!fl.all(b).item());
/** Elementwise closeness (NaN matches NaN, ±inf exactly). */
function close(got: number[], want: number[], rtol = 1e-10, atol = 1e-12, what = ''): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) throw new Error(`${what}[${i}]: expected ${w}, got ${g} (all: ${got.join(', ')})`);
  });
}
type Ctor = new (...a: unknown[]) => fl.distributions.Distribution;
/** Makes family `fam` from parameters (positional) and keyword parameters (options). */
function make(fam: string, ps: Nested[], kw: Record<string, Nested> | null, toT = f64): fl.distributions.Distribution {
  const Cls = (D as unknown as Record<string, Ctor>)[fam];
  const opts: Record<string, fl.Tensor> = {};
  for (const [k, v] of Object.entries(kw ?? {})) opts[k] = toT(v);
  const args: unknown[] = ps.map((p) => toT(p));
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
  // D.HalfCauchy([0.5, 1.0, 2.0]).log_prob([0.3, 1.2, 2.5])
  ["HalfCauchy", [[0.5, 1.0, 2.0]], null, "logProb", [0.3, 1.2, 2.5], [-0.06592022447747015, -1.3435807445945653, -2.0857132303139263]],
  // D.HalfCauchy([0.5, 1.0, 2.0]).cdf([0.3, 1.2, 2.5])
  ["HalfCauchy", [[0.5, 1.0, 2.0]], null, "cdf", [0.3, 1.2, 2.5], [0.34404173924526127, 0.5577158767526089, 0.5704465749545546]],
  // D.HalfCauchy([0.5, 1.0, 2.0]).icdf([0.1, 0.5, 0.9])
  ["HalfCauchy", [[0.5, 1.0, 2.0]], null, "icdf", [0.1, 0.5, 0.9], [0.07919222016226822, 0.9999999999999999, 12.627503029350063]],
  // D.HalfCauchy([0.5, 1.0, 2.0]).mean
  ["HalfCauchy", [[0.5, 1.0, 2.0]], null, "mean", null, [Infinity, Infinity, Infinity]],
  // D.HalfCauchy([0.5, 1.0, 2.0]).mode
  ["HalfCauchy", [[0.5, 1.0, 2.0]], null, "mode", null, [0.0, 0.0, 0.0]],
  // D.HalfCauchy([0.5, 1.0, 2.0]).variance
  ["HalfCauchy", [[0.5, 1.0, 2.0]], null, "variance", null, [Infinity, Infinity, Infinity]],
  // D.HalfCauchy([0.5, 1.0, 2.0]).entropy()
  ["HalfCauchy", [[0.5, 1.0, 2.0]], null, "entropy", null, [1.1447298858494, 1.8378770664093453, 2.5310242469692907]],
  // D.Pareto([0.5, 1.0, 2.0], [1.5, 2.5, 3.0]).log_prob([0.7, 1.5, 2.5])
  ["Pareto", [[0.5, 1.0, 2.0], [1.5, 2.5, 3.0]], null, "logProb", [0.7, 1.5, 2.5], [0.25743169711507746, -0.5028371465044204, -0.4871090971486747]],
  // D.Pareto([0.5, 1.0, 2.0], [1.5, 2.5, 3.0]).cdf([0.7, 1.5, 2.5])
  ["Pareto", [[0.5, 1.0, 2.0], [1.5, 2.5, 3.0]], null, "cdf", [0.7, 1.5, 2.5], [0.39631838947963094, 0.6371126306987884, 0.488]],
  // D.Pareto([0.5, 1.0, 2.0], [1.5, 2.5, 3.0]).icdf([0.1, 0.5, 0.9])
  ["Pareto", [[0.5, 1.0, 2.0], [1.5, 2.5, 3.0]], null, "icdf", [0.1, 0.5, 0.9], [0.5363829914475721, 1.3195079107728942, 4.308869380063768]],
  // D.Pareto([0.5, 1.0, 2.0], [1.5, 2.5, 3.0]).mean
  ["Pareto", [[0.5, 1.0, 2.0], [1.5, 2.5, 3.0]], null, "mean", null, [1.5, 1.6666666666666667, 3.0]],
  // D.Pareto([0.5, 1.0, 2.0], [1.5, 2.5, 3.0]).mode
  ["Pareto", [[0.5, 1.0, 2.0], [1.5, 2.5, 3.0]], null, "mode", null, [0.5, 1.0, 2.0]],
  // D.Pareto([0.5, 1.0, 2.0], [1.5, 2.5, 3.0]).variance
  ["Pareto", [[0.5, 1.0, 2.0], [1.5, 2.5, 3.0]], null, "variance", null, [Infinity, 2.2222222222222223, 3.0]],
  // D.Pareto([0.5, 1.0, 2.0], [1.5, 2.5, 3.0]).entropy()
  ["Pareto", [[0.5, 1.0, 2.0], [1.5, 2.5, 3.0]], null, "entropy", null, [0.5680543779985567, 0.4837092681258449, 0.9278682252251689]],
  // D.Weibull([0.5, 1.0, 2.0], [1.5, 2.0, 0.7]).log_prob([0.3, 1.2, 2.5])
  ["Weibull", [[0.5, 1.0, 2.0], [1.5, 2.0, 0.7]], null, "logProb", [0.3, 1.2, 2.5], [0.3784414752402244, -0.5645312626461001, -2.285825749671217]],
  // D.Weibull([0.5, 1.0, 2.0], [1.5, 2.0, 0.7]).cdf([0.3, 1.2, 2.5])
  ["Weibull", [[0.5, 1.0, 2.0], [1.5, 2.0, 0.7]], null, "cdf", [0.3, 1.2, 2.5], [0.37171286869100184, 0.7630722413178782, 0.6893413505466485]],
  // D.Weibull([0.5, 1.0, 2.0], [1.5, 2.0, 0.7]).icdf([0.1, 0.5, 0.9])
  ["Weibull", [[0.5, 1.0, 2.0], [1.5, 2.0, 0.7]], null, "icdf", [0.1, 0.5, 0.9], [0.11153776281845854, 0.8325546111576977, 6.58386594432988]],
  // D.Weibull([0.5, 1.0, 2.0], [1.5, 2.0, 0.7]).mean
  ["Weibull", [[0.5, 1.0, 2.0], [1.5, 2.0, 0.7]], null, "mean", null, [0.4513726464754668, 0.886226925452758, 2.531647012114567]],
  // D.Weibull([0.5, 1.0, 2.0], [1.5, 2.0, 0.7]).mode
  ["Weibull", [[0.5, 1.0, 2.0], [1.5, 2.0, 0.7]], null, "mode", null, [0.24037492838456806, 0.7071067811865476, NaN]],
  // D.Weibull([0.5, 1.0, 2.0], [1.5, 2.0, 0.7]).variance
  ["Weibull", [[0.5, 1.0, 2.0], [1.5, 2.0, 0.7]], null, "variance", null, [0.09392257120348296, 0.21460183660255172, 13.707342214612611]],
  // D.Weibull([0.5, 1.0, 2.0], [1.5, 2.0, 0.7]).entropy()
  ["Weibull", [[0.5, 1.0, 2.0], [1.5, 2.0, 0.7]], null, "entropy", null, [0.09379293296573454, 0.5954606518908212, 1.8024439823980207]],
  // D.Kumaraswamy([0.5, 1.5, 2.0], [1.5, 2.0, 3.0]).log_prob([0.2, 0.5, 0.9])
  ["Kumaraswamy", [[0.5, 1.5, 2.0], [1.5, 2.0, 3.0]], null, "logProb", [0.2, 0.5, 0.9], [0.22064508340691513, 0.3157740301500067, -1.6350634600730736]],
  // D.Kumaraswamy([0.5, 1.5, 2.0], [1.5, 2.0, 3.0]).mean
  ["Kumaraswamy", [[0.5, 1.5, 2.0], [1.5, 2.0, 3.0]], null, "mean", null, [0.2285714285714285, 0.45, 0.457142857142857]],
  // D.Kumaraswamy([0.5, 1.5, 2.0], [1.5, 2.0, 3.0]).mode
  ["Kumaraswamy", [[0.5, 1.5, 2.0], [1.5, 2.0, 3.0]], null, "mode", null, [NaN, NaN, NaN]],
  // D.Kumaraswamy([0.5, 1.5, 2.0], [1.5, 2.0, 3.0]).variance
  ["Kumaraswamy", [[0.5, 1.5, 2.0], [1.5, 2.0, 3.0]], null, "variance", null, [0.05857761286332713, 0.054642857142857215, 0.04102040816326541]],
  // D.Kumaraswamy([0.5, 1.5, 2.0], [1.5, 2.0, 3.0]).entropy()
  ["Kumaraswamy", [[0.5, 1.5, 2.0], [1.5, 2.0, 3.0]], null, "entropy", null, [-0.6593568997616617, -0.09861228866810967, -0.2084261358947218]],
  // D.FisherSnedecor([3.0, 5.0, 1.5], [6.0, 10.0, 3.0]).log_prob([0.5, 2.0, 1.1])
  ["FisherSnedecor", [[3.0, 5.0, 1.5], [6.0, 10.0, 3.0]], null, "logProb", [0.5, 2.0, 1.1], [-0.5090687141160921, -1.8201234988216672, -1.487388523869793]],
  // D.FisherSnedecor([3.0, 5.0, 1.5], [6.0, 10.0, 3.0]).mean
  ["FisherSnedecor", [[3.0, 5.0, 1.5], [6.0, 10.0, 3.0]], null, "mean", null, [1.5, 1.25, 3.0]],
  // D.FisherSnedecor([3.0, 5.0, 1.5], [6.0, 10.0, 3.0]).mode
  ["FisherSnedecor", [[3.0, 5.0, 1.5], [6.0, 10.0, 3.0]], null, "mode", null, [0.25, 0.5, NaN]],
  // D.FisherSnedecor([3.0, 5.0, 1.5], [6.0, 10.0, 3.0]).variance
  ["FisherSnedecor", [[3.0, 5.0, 1.5], [6.0, 10.0, 3.0]], null, "variance", null, [5.25, 1.3541666666666667, NaN]],
  // D.NegativeBinomial([3.0, 5.0, 0.5], probs=[0.3, 0.6, 0.2]).log_prob([2.0, 7.0, 0.0])
  ["NegativeBinomial", [[3.0, 5.0, 0.5]], {"probs": [0.3, 0.6, 0.2]}, "logProb", [2.0, 7.0, 0.0], [-1.6862109712400142, -2.3581403712721833, -0.11157177565710488]],
  // D.NegativeBinomial([3.0, 5.0, 0.5], probs=[0.3, 0.6, 0.2]).mean
  ["NegativeBinomial", [[3.0, 5.0, 0.5]], {"probs": [0.3, 0.6, 0.2]}, "mean", null, [1.2857142857142856, 7.499999999999999, 0.125]],
  // D.NegativeBinomial([3.0, 5.0, 0.5], probs=[0.3, 0.6, 0.2]).mode
  ["NegativeBinomial", [[3.0, 5.0, 0.5]], {"probs": [0.3, 0.6, 0.2]}, "mode", null, [0.0, 5.0, 0.0]],
  // D.NegativeBinomial([3.0, 5.0, 0.5], probs=[0.3, 0.6, 0.2]).variance
  ["NegativeBinomial", [[3.0, 5.0, 0.5]], {"probs": [0.3, 0.6, 0.2]}, "variance", null, [1.8367346938775506, 18.749999999999996, 0.15625]],
  // D.ContinuousBernoulli(probs=[0.2, 0.5, 0.8, 0.4995]).log_prob([0.3, 0.6, 0.9, 0.1])
  ["ContinuousBernoulli", [], {"probs": [0.2, 0.5, 0.8, 0.4995]}, "logProb", [0.3, 0.6, 0.9, 0.1], [0.19842802409409477, 0.0, 0.4756868963180728, 0.0007998335998946615]],
  // D.ContinuousBernoulli(probs=[0.2, 0.5, 0.8, 0.4995]).cdf([0.3, 0.6, 0.9, 0.1])
  ["ContinuousBernoulli", [], {"probs": [0.2, 0.5, 0.8, 0.4995]}, "cdf", [0.3, 0.6, 0.9, 0.1], [0.45366139281807033, 0.6, 0.8274007510614991, 0.1]],
  // D.ContinuousBernoulli(probs=[0.2, 0.5, 0.8, 0.4995]).icdf([0.1, 0.5, 0.9, 0.3])
  ["ContinuousBernoulli", [], {"probs": [0.2, 0.5, 0.8, 0.4995]}, "icdf", [0.1, 0.5, 0.9, 0.3], [0.056237364629206275, 0.5, 0.9437626353707939, 0.3]],
  // D.ContinuousBernoulli(probs=[0.2, 0.5, 0.8, 0.4995]).mean
  ["ContinuousBernoulli", [], {"probs": [0.2, 0.5, 0.8, 0.4995]}, "mean", null, [0.3880141871111483, 0.5, 0.6119858128888517, 0.4998333332888889]],
  // D.ContinuousBernoulli(probs=[0.2, 0.5, 0.8, 0.4995]).variance
  ["ContinuousBernoulli", [], {"probs": [0.2, 0.5, 0.8, 0.4995]}, "variance", null, [0.0758978008069574, 0.08333333333333333, 0.07589780080695757, 0.08333331666667512]],
  // D.ContinuousBernoulli(probs=[0.2, 0.5, 0.8, 0.4995]).entropy()
  ["ContinuousBernoulli", [], {"probs": [0.2, 0.5, 0.8, 0.4995]}, "entropy", null, [-0.07641445280335896, 0.0, -0.07641445280335879, -1.666667611699424e-07]],
  // D.NegativeBinomial([3.0, 5.0], logits=[-0.5, 1.2]).log_prob([2.0, 7.0])
  ["NegativeBinomial", [[3.0, 5.0]], {"logits": [-0.5, 1.2]}, "logProb", [2.0, 7.0], [-1.5786254516724783, -3.3602969535958476]],
  // D.ContinuousBernoulli(logits=[-1.5, 0.0, 2.0]).log_prob([0.3, 0.6, 0.9])
  ["ContinuousBernoulli", [], {"logits": [-1.5, 0.0, 2.0]}, "logProb", [0.3, 0.6, 0.9], [0.20794756703361816, 0.0, 0.638560638428804]],
  // D.LogisticNormal([0.1, -0.3], [1.0, 2.0]).log_prob([0.2, 0.5, 0.3])
  ["LogisticNormal", [[0.1, -0.3], [1.0, 2.0]], null, "logProb", [0.2, 0.5, 0.3], [0.5788126513161576]],
];

// [transform, its arguments, x, t(x), t.inv(t(x)), t.log_abs_det_jacobian(x, t(x))]
type TRow = [string, number[], number[], number[], number[], number[]];
// [P, its parameters, Q, its parameters, kl_divergence(P(...), Q(...))] (ContinuousBernoulli and Bernoulli: probs)
type KRow = [string, Nested[], string, Nested[], number[]];
const TRANSFORM_GOLDEN: TRow[] = [
  // T.ExpTransform(): y = t(x), t.inv(y), t.log_abs_det_jacobian(x, y) for x = [-1.0, 0.5, 2.0]
  ["ExpTransform", [], [-1.0, 0.5, 2.0], [0.36787944117144233, 1.6487212707001282, 7.38905609893065], [-1.0, 0.5, 2.0], [-1.0, 0.5, 2.0]],
  // T.PowerTransform(1.5): y = t(x), t.inv(y), t.log_abs_det_jacobian(x, y) for x = [0.3, 1.0, 2.5]
  ["PowerTransform", [1.5], [0.3, 1.0, 2.5], [0.1643167672515498, 1.0, 3.952847075210474], [0.3, 1.0, 2.5], [-0.19652129405480367, 0.4054651081081644, 0.8636104740452419]],
  // T.SigmoidTransform(): y = t(x), t.inv(y), t.log_abs_det_jacobian(x, y) for x = [-3.0, 0.2, 4.0]
  ["SigmoidTransform", [], [-3.0, 0.2, 4.0], [0.04742587317756678, 0.549833997312478, 0.9820137900379085], [-3.0, 0.20000000000000018, 4.000000000000001], [-3.097174703147484, -1.3962777387631835, -4.036299855835619]],
  // T.SoftplusTransform(): y = t(x), t.inv(y), t.log_abs_det_jacobian(x, y) for x = [-3.0, 0.2, 4.0]
  ["SoftplusTransform", [], [-3.0, 0.2, 4.0], [0.04858735157374206, 0.7981388693815918, 4.0181499279178094], [-3.0, 0.20000000000000007, 3.9999999999999996], [-3.048587351573742, -0.5981388693815918, -0.018149927917809738]],
  // T.TanhTransform(): y = t(x), t.inv(y), t.log_abs_det_jacobian(x, y) for x = [-1.5, 0.2, 0.9]
  ["TanhTransform", [], [-1.5, 0.2, 0.9], [-0.9051482536448664, 0.197375320224904, 0.7162978701990245], [-1.4999999999999998, 0.2, 0.9000000000000001], [-1.7108803420275933, -0.03973614368001466, -0.7196608599322577]],
  // T.AffineTransform(1.0, -2.0): y = t(x), t.inv(y), t.log_abs_det_jacobian(x, y) for x = [-1.5, 0.2, 0.9]
  ["AffineTransform", [1.0, -2.0], [-1.5, 0.2, 0.9], [4.0, 0.6, -0.8], [-1.5, 0.2, 0.9], [0.6931471805599453, 0.6931471805599453, 0.6931471805599453]],
  // T.StickBreakingTransform(): y = t(x), t.inv(y), t.log_abs_det_jacobian(x, y) for x = [0.5, -1.0, 2.0]
  ["StickBreakingTransform", [], [0.5, -1.0, 2.0], [0.35466124439244334, 0.1002613801409296, 0.48010255958285813, 0.06497481588376891], [0.4999999999999998, -1.0, 1.9999999999999998], [-6.804077952067264]],
];
const KL_GOLDEN: KRow[] = [
  // kl_divergence(Bernoulli(*[[0.3, 0.7]]), Poisson(*[[1.5, 0.4]]))
  ["Bernoulli", [[0.3, 0.7]], "Poisson", [[1.5, 0.4]], [0.7674961655126573, 0.43053921025701514]],
  // kl_divergence(Beta(*[[2.0, 0.7], [3.0, 1.5]]), ContinuousBernoulli(*[[0.3, 0.7]]))
  ["Beta", [[2.0, 0.7], [3.0, 1.5]], "ContinuousBernoulli", [[0.3, 0.7]], [0.17991298700115543, 0.41604610333056935]],
  // kl_divergence(Beta(*[[2.0, 0.7], [3.0, 1.5]]), Pareto(*[[0.1, 0.8], [2.0, 1.5]]))
  ["Beta", [[2.0, 0.7], [3.0, 1.5]], "Pareto", [[0.1, 0.8], [2.0, 1.5]], [Infinity, Infinity]],
  // kl_divergence(Beta(*[[2.0, 0.7], [3.0, 1.5]]), Exponential(*[[0.7, 2.0]]))
  ["Beta", [[2.0, 0.7], [3.0, 1.5]], "Exponential", [[0.7, 2.0]], [0.8715815937267328, 0.17547227944834803]],
  // kl_divergence(Beta(*[[2.0, 0.7], [3.0, 1.5]]), Gamma(*[[2.5, 0.8], [1.5, 3.0]]))
  ["Beta", [[2.0, 0.7], [3.0, 1.5]], "Gamma", [[2.5, 0.8], [1.5, 3.0]], [1.7309267499905086, 0.1071077275676452]],
  // kl_divergence(Beta(*[[2.0, 0.7], [3.0, 1.5]]), Normal(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Beta", [[2.0, 0.7], [3.0, 1.5]], "Normal", [[0.3, -1.0], [1.2, 0.5]], [1.3535278508977389, 4.068842630834839]],
  // kl_divergence(Beta(*[[2.0, 0.7], [3.0, 1.5]]), Uniform(*[[0.05, -0.5], [0.95, 3.0]]))
  ["Beta", [[2.0, 0.7], [3.0, 1.5]], "Uniform", [[0.05, -0.5], [0.95, 3.0]], [Infinity, 1.485018792140025]],
  // kl_divergence(ContinuousBernoulli(*[[0.3, 0.7]]), Exponential(*[[0.7, 2.0]]))
  ["ContinuousBernoulli", [[0.3, 0.7]], "Exponential", [[0.7, 2.0]], [0.6872168969715415, 0.47579401938452615]],
  // kl_divergence(ContinuousBernoulli(*[[0.3, 0.7]]), Normal(*[[0.3, -1.0], [1.2, 0.5]]))
  ["ContinuousBernoulli", [[0.3, 0.7]], "Normal", [[0.3, -1.0], [1.2, 0.5]], [1.164459851956572, 5.344430651119518]],
  // kl_divergence(ContinuousBernoulli(*[[0.3, 0.7]]), Uniform(*[[0.05, -0.5], [0.95, 3.0]]))
  ["ContinuousBernoulli", [[0.3, 0.7]], "Uniform", [[0.05, -0.5], [0.95, 3.0]], [Infinity, 1.282149170727497]],
  // kl_divergence(ContinuousBernoulli(*[[0.3, 0.7]]), Pareto(*[[0.1, 0.8], [2.0, 1.5]]))
  ["ContinuousBernoulli", [[0.3, 0.7]], "Pareto", [[0.1, 0.8], [2.0, 1.5]], [Infinity, Infinity]],
  // kl_divergence(Exponential(*[[0.7, 2.0]]), Gamma(*[[2.5, 0.8], [1.5, 3.0]]))
  ["Exponential", [[0.7, 2.0]], "Gamma", [[2.5, 0.8], [1.5, 3.0]], [0.3880133805651196, 0.21224445893299948]],
  // kl_divergence(Exponential(*[[0.7, 2.0]]), Gumbel(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Exponential", [[0.7, 2.0]], "Gumbel", [[0.3, -1.0], [1.2, 0.5]], [0.3523083196453817, 2.067667641618306]],
  // kl_divergence(Exponential(*[[0.7, 2.0]]), Normal(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Exponential", [[0.7, 2.0]], "Normal", [[0.3, -1.0], [1.2, 0.5]], [0.8954496585315506, 4.918938533204672]],
  // kl_divergence(Exponential(*[[0.7, 2.0]]), Uniform(*[[0.05, -0.5], [0.95, 3.0]]))
  ["Exponential", [[0.7, 2.0]], "Uniform", [[0.05, -0.5], [0.95, 3.0]], [Infinity, Infinity]],
  // kl_divergence(Gamma(*[[2.5, 0.8], [1.5, 3.0]]), Exponential(*[[0.7, 2.0]]))
  ["Gamma", [[2.5, 0.8], [1.5, 3.0]], "Exponential", [[0.7, 2.0]], [0.1988588092085093, 0.17974047638288787]],
  // kl_divergence(Gamma(*[[2.5, 0.8], [1.5, 3.0]]), Gumbel(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Gamma", [[2.5, 0.8], [1.5, 3.0]], "Gumbel", [[0.3, -1.0], [1.2, 0.5]], [0.4221886916593891, 2.2696761592429957]],
  // kl_divergence(Gamma(*[[2.5, 0.8], [1.5, 3.0]]), Normal(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Gamma", [[2.5, 0.8], [1.5, 3.0]], "Normal", [[0.3, -1.0], [1.2, 0.5]], [0.8111137083548237, 3.9520123429208938]],
  // kl_divergence(Gamma(*[[2.5, 0.8], [1.5, 3.0]]), Beta(*[[1.5, 2.0], [2.5, 0.8]]))
  ["Gamma", [[2.5, 0.8], [1.5, 3.0]], "Beta", [[1.5, 2.0], [2.5, 0.8]], [Infinity, Infinity]],
  // kl_divergence(Gumbel(*[[0.3, -1.0], [1.2, 0.5]]), Normal(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Gumbel", [[0.3, -1.0], [1.2, 0.5]], "Normal", [[0.3, -1.0], [1.2, 0.5]], [0.3307788636311124, 0.3307788636311124]],
  // kl_divergence(Gumbel(*[[0.3, -1.0], [1.2, 0.5]]), Exponential(*[[0.7, 2.0]]))
  ["Gumbel", [[0.3, -1.0], [1.2, 0.5]], "Exponential", [[0.7, 2.0]], [Infinity, Infinity]],
  // kl_divergence(Laplace(*[[0.3, -1.0], [1.2, 0.5]]), Normal(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Laplace", [[0.3, -1.0], [1.2, 0.5]], "Normal", [[0.3, -1.0], [1.2, 0.5]], [0.2257913526447275, 0.2257913526447275]],
  // kl_divergence(Laplace(*[[0.3, -1.0], [1.2, 0.5]]), Gamma(*[[2.5, 0.8], [1.5, 3.0]]))
  ["Laplace", [[0.3, -1.0], [1.2, 0.5]], "Gamma", [[2.5, 0.8], [1.5, 3.0]], [Infinity, Infinity]],
  // kl_divergence(Normal(*[[0.3, -1.0], [1.2, 0.5]]), Gumbel(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Normal", [[0.3, -1.0], [1.2, 0.5]], "Gumbel", [[0.3, -1.0], [1.2, 0.5]], [0.22978273749545552, 0.22978273749545552]],
  // kl_divergence(Normal(*[[0.3, -1.0], [1.2, 0.5]]), Laplace(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Normal", [[0.3, -1.0], [1.2, 0.5]], "Laplace", [[0.3, -1.0], [1.2, 0.5]], [0.07209320815813802, 0.07209320815813802]],
  // kl_divergence(Normal(*[[0.3, -1.0], [1.2, 0.5]]), Pareto(*[[0.1, 0.8], [2.0, 1.5]]))
  ["Normal", [[0.3, -1.0], [1.2, 0.5]], "Pareto", [[0.1, 0.8], [2.0, 1.5]], [Infinity, Infinity]],
  // kl_divergence(Pareto(*[[0.5, 1.2], [2.5, 3.5]]), Exponential(*[[0.7, 2.0]]))
  ["Pareto", [[0.5, 1.2], [2.5, 3.5]], "Exponential", [[0.7, 2.0]], [1.149446189706166, 2.451579945427183]],
  // kl_divergence(Pareto(*[[0.5, 1.2], [2.5, 3.5]]), Gamma(*[[2.5, 0.8], [1.5, 3.0]]))
  ["Pareto", [[0.5, 1.2], [2.5, 3.5]], "Gamma", [[2.5, 0.8], [1.5, 3.0]], [1.1701787834765263, 4.191504141954126]],
  // kl_divergence(Pareto(*[[0.5, 1.2], [2.5, 3.5]]), Normal(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Pareto", [[0.5, 1.2], [2.5, 3.5]], "Normal", [[0.3, -1.0], [1.2, 0.5]], [1.6023646690993942, 15.450518478631853]],
  // kl_divergence(Pareto(*[[0.5, 1.2], [2.5, 3.5]]), Uniform(*[[0.05, -0.5], [0.95, 3.0]]))
  ["Pareto", [[0.5, 1.2], [2.5, 3.5]], "Uniform", [[0.05, -0.5], [0.95, 3.0]], [Infinity, Infinity]],
  // kl_divergence(Poisson(*[[1.5, 0.4]]), Bernoulli(*[[0.3, 0.7]]))
  ["Poisson", [[1.5, 0.4]], "Bernoulli", [[0.3, 0.7]], [Infinity, Infinity]],
  // kl_divergence(Poisson(*[[1.5, 0.4]]), Binomial(*[[3.0, 5.0], [0.3, 0.6]]))
  ["Poisson", [[1.5, 0.4]], "Binomial", [[3.0, 5.0], [0.3, 0.6]], [Infinity, Infinity]],
  // kl_divergence(Uniform(*[[0.2, 0.1], [0.7, 0.6]]), Beta(*[[1.5, 2.0], [2.5, 0.8]]))
  ["Uniform", [[0.2, 0.1], [0.7, 0.6]], "Beta", [[1.5, 2.0], [2.5, 0.8]], [0.44504222170061786, 1.3896545283554633]],
  // kl_divergence(Uniform(*[[0.2, 0.1], [0.7, 0.6]]), ContinuousBernoulli(*[[0.3, 0.7]]))
  ["Uniform", [[0.2, 0.1], [0.7, 0.6]], "ContinuousBernoulli", [[0.3, 0.7]], [0.6805184107924604, 0.8499779828699012]],
  // kl_divergence(Uniform(*[[0.2, 0.1], [0.7, 0.6]]), Exponential(*[[0.7, 2.0]]))
  ["Uniform", [[0.2, 0.1], [0.7, 0.6]], "Exponential", [[0.7, 2.0]], [1.3648221244986778, 0.7]],
  // kl_divergence(Uniform(*[[0.2, 0.1], [0.7, 0.6]]), Gamma(*[[2.5, 0.8], [1.5, 3.0]]))
  ["Uniform", [[0.2, 0.1], [0.7, 0.6]], "Gamma", [[2.5, 0.8], [1.5, 3.0]], [1.9225219155733315, 0.7858222820412188]],
  // kl_divergence(Uniform(*[[0.2, 0.1], [0.7, 0.6]]), Gumbel(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Uniform", [[0.2, 0.1], [0.7, 0.6]], "Gumbel", [[0.3, -1.0], [1.2, 0.5]], [1.889363310827755, 2.7700409543839677]],
  // kl_divergence(Uniform(*[[0.2, 0.1], [0.7, 0.6]]), Normal(*[[0.3, -1.0], [1.2, 0.5]]))
  ["Uniform", [[0.2, 0.1], [0.7, 0.6]], "Normal", [[0.3, -1.0], [1.2, 0.5]], [1.809453566854869, 4.60560519987134]],
  // kl_divergence(Uniform(*[[0.2, 0.1], [0.7, 0.6]]), Pareto(*[[0.1, 0.8], [2.0, 1.5]]))
  ["Uniform", [[0.2, 0.1], [0.7, 0.6]], "Pareto", [[0.1, 0.8], [2.0, 1.5]], [2.0384609163663354, Infinity]],
  // kl_divergence(Pareto(*[[0.5, 1.2], [2.5, 3.5]]), Pareto(*[[0.4, 1.5], [2.0, 1.5]]))
  ["Pareto", [[0.5, 1.2], [2.5, 3.5]], "Pareto", [[0.4, 1.5], [2.0, 1.5]], [0.4694306539426294, Infinity]],
  // kl_divergence(ContinuousBernoulli(*[[0.3, 0.7]]), ContinuousBernoulli(*[[0.3, 0.7]]))
  ["ContinuousBernoulli", [[0.3, 0.7]], "ContinuousBernoulli", [[0.3, 0.7]], [0.0, 0.0]],
  // kl_divergence(HalfCauchy([0.5, 2.0]), HalfCauchy([1.0, 1.0])) (TransformedDistribution pair: the Cauchy bases" KL)
  ["HalfCauchy", [[0.5, 2.0]], "HalfCauchy", [[1.0, 1.0]], [0.11778303565638348, 0.11778303565638382]],
  // kl_divergence(Weibull([0.5, 2.0], [1.5, 1.5]), Weibull([0.5, 2.0], [1.5, 1.5])) (equal transforms: the Exponential bases" KL)
  ["Weibull", [[0.5, 2.0], [1.5, 1.5]], "Weibull", [[0.5, 2.0], [1.5, 1.5]], [0.0, 0.0]],
];

const KL_MAKE = (fam: string, ps: Nested[]): fl.distributions.Distribution => (
  fam === 'ContinuousBernoulli' || fam === 'Bernoulli' ? new (D as unknown as Record<string, Ctor>)[fam]({ probs: f64(ps[0]) }) : make(fam, ps, null));

describe('golden values of torch 1.13', () => {
  test.each(GOLDEN.map((r, i) => [`${r[0]}.${r[3]} #${i}`, r] as const))('%s (float64)', (_name, [fam, ps, kw, method, value, want]) => fl.scope(() => {
    const got = run(make(fam, ps, kw), method, value);
    expect(got.device.startsWith(DEVICE)).toBe(true);
    expect(got.dtype).toBe('float64');
    close(vals(got), want, 1e-10, 1e-12, `${fam}.${method}`);
  }));
  test('the same rows in float32 (the dtype\'s tolerance; not NegativeBinomial.mode, a floor at an exact 6 in float64 rounding)', () => fl.scope(() => {
    for (const [fam, ps, kw, method, value, want] of GOLDEN) {
      if (fam === 'NegativeBinomial' && method === 'mode') continue;
      const got = run(make(fam, ps, kw, f32), method, value, f32);
      expect(got.dtype).toBe('float32');
      close(vals(got), want, 2e-5, 2e-5, `${fam}.${method} (float32)`);
    }
  }));
  test.each(TRANSFORM_GOLDEN.map((r) => [r[0], r] as const))('%s: call, inv, logAbsDetJacobian', (_name, [name, args, x, y, xi, ld]) => fl.scope(() => {
    const t = new (T as unknown as Record<string, new (...a: unknown[]) => fl.distributions.Transform>)[name](...args);
    const xt = f64(x), yt = t.call(xt);
    close(vals(yt), y, 1e-10, 1e-12, `${name}.call`);
    close(vals(t.inv.call(yt)), xi, 1e-9, 1e-12, `${name}.inv`);
    close(vals(t.logAbsDetJacobian(xt, yt)), ld, 1e-10, 1e-12, `${name}.logAbsDetJacobian`);
    // the inverse's log-Jacobian is the negative of the forward one (torch's _InverseTransform)
    close(vals(t.inv.logAbsDetJacobian(yt, xt)), ld.map((v) => -v), 1e-10, 1e-12, `${name}.inv.logAbsDetJacobian`);
  }));
  test.each(KL_GOLDEN.map((r, i) => [`${r[0]} ‖ ${r[2]} #${i}`, r] as const))('klDivergence %s', (_name, [pf, pp, qf, qp, want]) => fl.scope(() => {
    close(vals(D.klDivergence(KL_MAKE(pf, pp), KL_MAKE(qf, qp))), want, 1e-10, 1e-12, `kl ${pf} ${qf}`);
  }));
});

describe('transforms', () => {
  test('inv: t.inv.inv is t, domains swap, the cache gives back the same tensor (cacheSize 1 only)', () => fl.scope(() => {
    const t = new T.ExpTransform();
    expect(t.inv.inv).toBe(t);
    expect(t.inv.domain.name).toBe(C.positive.name);
    expect(t.inv.codomain.name).toBe(C.real.name);
    expect([t.bijective, t.sign, t.eventDim]).toEqual([true, 1, 0]);
    const x = f64([0.5, -1]);
    const c = new T.ExpTransform({ cacheSize: 1 });
    const y = c.call(x);
    expect(c.call(x)).toBe(y);
    expect(c.inv.call(y)).toBe(x);
    expect(t.inv.call(t.call(x))).not.toBe(x);
    expect(t.withCache(1).cacheSize).toBe(1);
    expect(t.withCache(0)).toBe(t);
    expect(new T.AbsTransform().bijective).toBe(false);
  }));
  test('ComposeTransform: the chain, the summed log-Jacobian, its inverse and event dims', () => fl.scope(() => {
    // t = T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.ExpTransform(), T.PowerTransform(1.5)]); x = [-0.4, 0.3]
    // t(x) = [0.6376281516217733, 5.2069798271798495], t.log_abs_det_jacobian(x, t(x)) = [0.6486122886681098, 2.74861228866811]
    const t = new T.ComposeTransform([new T.AffineTransform(0.5, 2), new T.ExpTransform(), new T.PowerTransform(1.5)]);
    const x = f64([-0.4, 0.3]), y = t.call(x);
    close(vals(y), [0.6376281516217733, 5.2069798271798495]);
    close(vals(t.logAbsDetJacobian(x, y)), [0.6486122886681098, 2.74861228866811]);
    close(vals(t.inv.call(y)), [-0.4, 0.3], 1e-12, 1e-14);
    expect(t.inv.inv).toBe(t);
    expect(T.identityTransform.call(x).shape).toEqual([2]);
    // T.ComposeTransform([T.ExpTransform(), T.StickBreakingTransform()]).domain.event_dim == 1 (the sum of the Exp terms over the event)
    const s = new T.ComposeTransform([new T.ExpTransform(), new T.StickBreakingTransform()]);
    expect([s.domain.eventDim, s.codomain.eventDim]).toEqual([1, 1]);
    const z = f64([[0.1, -0.2], [0.3, 0.4]]);
    const ls = s.logAbsDetJacobian(z, s.call(z));
    const sep = new T.StickBreakingTransform().logAbsDetJacobian(fl.exp(z), s.call(z)).add(z.sum(-1));
    close(vals(ls), vals(sep));
  }));
  test('IndependentTransform, ReshapeTransform, AffineTransform(eventDim), LowerCholeskyTransform; shapes', () => fl.scope(() => {
    const x = f64([[0.1, -0.2, 0.5], [0.3, 0.4, -1]]);
    const it = new T.IndependentTransform(new T.ExpTransform(), 1);
    close(vals(it.logAbsDetJacobian(x, it.call(x))), vals(x.sum(-1)));
    expect([it.domain.eventDim, it.codomain.name]).toEqual([1, 'IndependentConstraint(GreaterThan(lower_bound=0.0), 1)']);
    // T.AffineTransform(0., torch.tensor([2., 3., 4.]), event_dim=1).log_abs_det_jacobian(x, y) = log 24 per row
    const at = new T.AffineTransform(0, f64([2, 3, 4]), 1);
    close(vals(at.logAbsDetJacobian(x, at.call(x))), [Math.log(24), Math.log(24)]);
    expect(at.forwardShape([5, 1])).toEqual([5, 3]);
    const rt = new T.ReshapeTransform([3], [3, 1]);
    expect(rt.call(x).shape).toEqual([2, 3, 1]);
    expect(rt.inverseShape([7, 3, 1])).toEqual([7, 3]);
    close(vals(rt.logAbsDetJacobian(x, rt.call(x))), [0, 0]);
    expect(new T.StickBreakingTransform().forwardShape([4, 2])).toEqual([4, 3]);
    const lc = new T.LowerCholeskyTransform();
    const L = lc.call(f64([[0.5, 9], [-1, 0]]));
    close(vals(L), [Math.exp(0.5), 0, -1, 1]);
    expect(allTrue(C.lowerCholesky.check(L))).toBe(true);
    close(vals(lc.inv.call(L)), [0.5, 0, -1, 0]);
    expect(new T.AffineTransform(1, -2).sign).toBe(-1);
    close(vals(new T.AffineTransform(1, f64([-2, 3])).sign as fl.Tensor), [-1, 1]);
  }));
  test('equals (torch\'s ==): class and parameters', () => fl.scope(() => {
    expect(new T.ExpTransform().equals(new T.ExpTransform())).toBe(true);
    expect(new T.AffineTransform(1, 2).equals(new T.AffineTransform(1, 2))).toBe(true);
    expect(new T.AffineTransform(1, f64([2, 2])).equals(new T.AffineTransform(1, 2))).toBe(true);
    expect(new T.AffineTransform(1, 2).equals(new T.AffineTransform(1, 3))).toBe(false);
    expect(new T.PowerTransform(2).equals(new T.ExpTransform())).toBe(false);
  }));
  test('gradients of call and logAbsDetJacobian: finite differences (float64)', () => fl.scope(() => {
    const x = f64([0.3, -0.7, 1.1]).requiresGrad_();
    for (const t of [new T.SigmoidTransform(), new T.TanhTransform(), new T.SoftplusTransform(), new T.StickBreakingTransform()]) {
      expect(fl.gradcheck((v: fl.Tensor) => t.call(v), [x])).toBe(true);
      expect(fl.gradcheck((v: fl.Tensor) => t.logAbsDetJacobian(v, t.call(v)), [x])).toBe(true);
    }
  }));
  test('refusals: typed errors naming the transform', () => fl.scope(() => {
    expect(() => new T.ExpTransform(2)).toThrow(fl.ValueError);
    expect(() => new T.ComposeTransform([1 as unknown as fl.distributions.Transform])).toThrow(/ComposeTransform: parts must be an array of Transforms/);
    expect(() => new T.ReshapeTransform([3], [2])).toThrow(fl.ValueError);
    expect(() => new T.ReshapeTransform([3], [3, 1]).call(f64([1, 2]))).toThrow(fl.ShapeError);
    expect(() => new T.IndependentTransform(new T.ExpTransform(), 2).call(f64([1]))).toThrow(/IndependentTransform.call: too few dimensions/);
    expect(() => new T.AbsTransform().sign).toThrow(D.NotImplementedError);
    expect(() => new T.ExpTransform().call([1] as unknown as fl.Tensor)).toThrow(fl.ValueError);
    expect(() => (new T.ExpTransform() as unknown as { call: (...a: unknown[]) => unknown }).call(f64([1]), 2)).toThrow(fl.ValueError);
  }));
});

describe('TransformedDistribution', () => {
  test('Normal through ExpTransform is LogNormal: logProb, cdf, icdf; rsample is differentiable', () => fl.scope(() => {
    const loc = f64([0.2, -0.5]), scale = f64([0.7, 1.3]);
    const td = new D.TransformedDistribution(new D.Normal(loc, scale), [new T.ExpTransform()]);
    const ln = new D.LogNormal(loc, scale);
    const v = f64([0.4, 2.5]);
    close(vals(td.logProb(v)), vals(ln.logProb(v)));
    close(vals(td.cdf(v)), vals(ln.cdf(v)));
    close(vals(td.icdf(f64([0.3, 0.8]))), vals(ln.icdf(f64([0.3, 0.8]))));
    expect([td.batchShape, td.eventShape, td.hasRsample, td.support.name]).toEqual([[2], [], true, C.positive.name]);
    const l = f64([0.2, -0.5]).requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor) => { fl.manualSeed(21); return new D.TransformedDistribution(new D.Normal(a, scale), new T.ExpTransform()).rsample([3]); }, [l])).toBe(true);
  }));
  test('event dims: a StickBreakingTransform makes the base Independent; a decreasing chain flips the cdf', () => fl.scope(() => {
    // d = TransformedDistribution(Normal(zeros(2, 3), ones(2, 3)), [StickBreakingTransform()]): batch (2,), event (4,)
    // d.log_prob(tensor([0.1, 0.2, 0.3, 0.4])) = [2.47403105914956, 2.47403105914956]
    const d = new D.TransformedDistribution(new D.Normal(fl.zeros([2, 3], { dtype: 'float64', device: DEVICE }), 1), [new T.StickBreakingTransform()]);
    expect([d.batchShape, d.eventShape]).toEqual([[2], [4]]);
    expect(d.baseDist).toBeInstanceOf(D.Independent);
    close(vals(d.logProb(f64([0.1, 0.2, 0.3, 0.4]))), [2.47403105914956, 2.47403105914956]);
    expect(d.sample([5]).shape).toEqual([5, 2, 4]);
    // e = TransformedDistribution(Exponential(2.), AffineTransform(1., -3.)); e.cdf(tensor([-2., 0.5])) = [0.1353352832366127, 0.7165313105737893]
    const e = new D.TransformedDistribution(new D.Exponential(f64(2)), new T.AffineTransform(1, -3));
    close(vals(e.cdf(f64([-2, 0.5]))), [0.1353352832366127, 0.7165313105737893]);
    close(vals(e.icdf(f64([0.1353352832366127, 0.7165313105737893]))), [-2, 0.5], 1e-12, 1e-12);
    const ex = new D.Pareto(f64([1, 2]), f64([3, 4])).expand([3, 2]);
    expect(ex.batchShape).toEqual([3, 2]);
    close(vals(ex.logProb(f64([1.5, 2.5]))), vals(new D.Pareto(f64([1, 2]), f64([3, 4])).logProb(f64([1.5, 2.5]))).concat(...new Array(2).fill(vals(new D.Pareto(f64([1, 2]), f64([3, 4])).logProb(f64([1.5, 2.5]))))));
    const w = new D.Weibull(f64([1, 2]), f64([1.5, 0.5])).expand([2, 2]);
    expect(w.sample([3]).shape).toEqual([3, 2, 2]);
    const k = new D.Kumaraswamy(f64([2]), f64([3])).expand([2]);
    expect(k.mean.shape).toEqual([2]);
  }));
  test('refusals: bad transforms, values outside the support, invalid parameters (validateArgs), KLs torch does not have', () => fl.scope(() => {
    const base = new D.Normal(f64([0, 1]), 1);
    expect(() => new D.TransformedDistribution(base, [3 as unknown as fl.distributions.Transform])).toThrow(/TransformedDistribution: transforms must be a Transform or an array of Transforms/);
    expect(() => new D.TransformedDistribution(new D.Normal(f64(0), 1), new T.StickBreakingTransform())).toThrow(/needs a shape of at least 1 dims/);
    expect(() => new D.TransformedDistribution(base, new T.ExpTransform()).logProb(f64([-1, 1]))).toThrow(fl.ValueError);
    expect(() => new D.Pareto(1, f64([-1]))).toThrow(fl.ValueError);
    expect(() => new D.Pareto(1, f64([2])).logProb(f64([0.5]))).toThrow(/Pareto.logProb: expected value argument/);
    expect(() => new D.Weibull(f64([-1]), 1)).toThrow(/Weibull: expected parameter scale/);
    expect(() => new D.Kumaraswamy(f64([1]), 0)).toThrow(fl.ValueError);
    expect(() => new D.HalfCauchy(f64([0]))).toThrow(/HalfCauchy: expected parameter scale/);
    expect(() => new D.FisherSnedecor(f64([1]), -2)).toThrow(fl.ValueError);
    expect(() => new D.NegativeBinomial(f64([-1]), { probs: 0.5 })).toThrow(fl.ValueError);
    expect(() => new D.NegativeBinomial(f64([1]), { probs: 1 })).toThrow(fl.ValueError);
    expect(() => new D.NegativeBinomial(f64([1]))).toThrow(/either probs or logits/);
    expect(() => new D.NegativeBinomial(f64([2]), { probs: 0.5 }).logProb(f64([1.5]))).toThrow(fl.ValueError);
    expect(() => new D.ContinuousBernoulli({ probs: f64([1.5]), validateArgs: true })).toThrow(fl.ValueError);
    expect(() => new D.ContinuousBernoulli({ probs: f64([0.5]), lims: [0.6, 0.4] })).toThrow(/lims must be/);
    expect(() => D.klDivergence(new D.Weibull(f64([1]), f64([2])), new D.Weibull(f64([2]), f64([2])))).toThrow(D.NotImplementedError);
    expect(() => D.klDivergence(new D.FisherSnedecor(1, 2), new D.Normal(0, 1))).toThrow(D.NotImplementedError);
  }));
});

describe('constraints, bijectTo, transformTo', () => {
  test('each registered constraint maps the reals into its set (bijective where bijectTo)', () => fl.scope(() => {
    fl.manualSeed(3);
    const x = fl.randn([4, 3], { dtype: 'float64', device: DEVICE }).mul(3);
    const cs = [C.real, C.positive, C.nonnegative, C.greaterThan(2), C.greaterThanEq(-1), C.lessThan(1), C.unitInterval, C.interval(-1, 3),
      C.halfOpenInterval(0, 2), C.simplex, C.realVector, C.independent(C.positive, 2)];
    for (const c of cs) {
      for (const reg of [D.bijectTo, D.transformTo]) {
        const t = reg(c);
        const y = t.call(x);
        expect(allTrue(c.check(y))).toBe(true);
        if (reg === D.bijectTo) {
          expect(t.bijective).toBe(true);
          close(vals(t.inv.call(y)), vals(x), 1e-8, 1e-8, c.name);
        }
      }
    }
    expect(D.bijectTo(C.simplex)).toBeInstanceOf(T.StickBreakingTransform);
    expect(D.transformTo(C.simplex)).toBeInstanceOf(T.SoftmaxTransform);
    expect(D.transformTo(C.lowerCholesky)).toBeInstanceOf(T.LowerCholeskyTransform);
    // torch: biject_to(positive) is ComposeTransform(ExpTransform(), AffineTransform()) (its registry keys GreaterThan)
    expect(D.bijectTo(C.positive).toString()).toBe('ComposeTransform(ExpTransform(), AffineTransform())');
    // the support of a distribution: Pareto's lower bound is a tensor
    const p = new D.Pareto(f64([1, 2]), f64([3, 4]));
    expect(allTrue(p.support.check(D.bijectTo(p.support).call(f64([[-5, 0], [2, 3]]))))).toBe(true);
    expect(() => D.bijectTo(C.positiveDefinite)).toThrow(D.NotImplementedError);
    expect(() => D.bijectTo(C.lowerCholesky)).toThrow(/bijectTo: cannot transform LowerCholesky constraints/);
    expect(() => D.bijectTo(3 as unknown as fl.distributions.Constraint)).toThrow(fl.ValueError);
  }));
  test('register adds a kind', () => fl.scope(() => {
    const c = C.positiveSemidefinite;
    expect(() => D.transformTo(c)).toThrow(D.NotImplementedError);
    D.transformTo.register('PositiveSemidefinite', () => new T.LowerCholeskyTransform());
    expect(D.transformTo(c)).toBeInstanceOf(T.LowerCholeskyTransform);
    expect(() => D.transformTo.register(c, 5 as unknown as () => fl.distributions.Transform)).toThrow(fl.ValueError);
  }));
  test('the new constraints: lessThan, lowerTriangular, square, symmetric, corrCholesky, positiveSemidefinite', () => fl.scope(() => {
    expect(vals(C.lessThan(1).check(f64([0, 1, 2])))).toEqual([1, 0, 0]);
    expect(C.lessThan(1).name).toBe('LessThan(upper_bound=1.0)');
    const m = f64([[[1, 0], [0.5, 2]], [[1, 1], [0, 1]]]);
    expect(vals(C.lowerTriangular.check(m))).toEqual([1, 0]);
    expect(vals(C.square.check(m))).toEqual([1, 1]);
    expect(vals(C.square.check(f64([[1, 2, 3]])))).toEqual([0]);
    expect(vals(C.symmetric.check(f64([[[1, 2], [2, 1]], [[1, 2], [3, 1]]])))).toEqual([1, 0]);
    const s = Math.SQRT1_2;
    expect(vals(C.corrCholesky.check(f64([[[1, 0], [s, s]], [[1, 0], [0.5, 0.5]]])))).toEqual([1, 0]);
    expect(vals(C.positiveSemidefinite.check(f64([[[1, 1], [1, 1]], [[1, 2], [2, 1]]])))).toEqual([1, 0]);
    expect(C.independent(C.positive, 1).baseConstraint).toBe(C.positive);
    expect(C.interval(-1, 3).lowerBound).toBe(-1);
  }));
});

function expectMean(s: fl.Tensor, mean: number[], variance: number[], what: string): void {
  fl.scope(() => {
    const n = s.shape[0];
    const m = vals(s.to('float64').mean(0));
    mean.forEach((w, i) => {
      const se = Math.sqrt(variance[i] / n);
      if (!(Math.abs(m[i] - w) <= 6 * se + 1e-12)) throw new Error(`${what}: mean[${i}] ${m[i]} vs ${w} (se ${se})`);
    });
  });
}

describe('samples (20k draws under fl.manualSeed; statistical checks, not torch\'s stream)', () => {
  const N = 20000;
  const fams: [string, Nested[], Record<string, Nested> | null][] = [
    ['Pareto', [[0.5, 2], [5, 7]], null], ['Weibull', [[0.5, 2], [1.5, 0.8]], null], ['Kumaraswamy', [[0.5, 2], [1.5, 3]], null],
    ['FisherSnedecor', [[3, 10], [12, 20]], null], ['NegativeBinomial', [[3, 0.5]], { probs: [0.3, 0.6] }], ['ContinuousBernoulli', [], { probs: [0.2, 0.5, 0.9] }],
  ];
  test.each(fams)('%s: shape, support, mean (sample and rsample)', (fam, ps, kw) => fl.scope(() => {
    fl.manualSeed(1234);
    const d = make(fam, ps, kw);
    const s = d.sample([N]);
    expect([s.shape, s.dtype, s.requiresGrad]).toEqual([[N, ...d.batchShape], 'float64', false]);
    expect(allTrue(d.support.check(s))).toBe(true);
    expectMean(s, vals(d.mean), vals(d.variance), fam);
    if (d.hasRsample) expectMean(d.rsample([N]), vals(d.mean), vals(d.variance), `${fam}.rsample`);
  }));
  test('HalfCauchy: quartiles; LogisticNormal: on the simplex, the mean of its logit-ratio is loc', () => fl.scope(() => {
    fl.manualSeed(7);
    const h = new D.HalfCauchy(f64([0.5, 2]));
    const s = h.sample([N]);
    for (const q of [0.25, 0.5, 0.75]) {
      const at = h.icdf(fl.full([2], q, { dtype: 'float64', device: DEVICE }));
      vals(s.lt(at).to('float64').mean(0)).forEach((f) => expect(Math.abs(f - q)).toBeLessThan(6 * Math.sqrt(q * (1 - q) / N)));
    }
    const ln = new D.LogisticNormal(f64([0.3, -0.5]), f64([1, 0.5]));
    const y = ln.sample([N]);
    expect(y.shape).toEqual([N, 3]);
    expect(allTrue(C.simplex.check(y))).toBe(true);
    // the stick-breaking inverse of y is the Normal draw: its mean is loc
    expectMean(new T.StickBreakingTransform().inv.call(y), [0.3, -0.5], [1, 0.25], 'LogisticNormal');
  }));
  test('rsample is differentiable in the parameters (finite differences, float64, a fixed seed per call)', () => fl.scope(() => {
    const a = f64([0.7, 1.9]).requiresGrad_(), b = f64([1.5, 2.5]).requiresGrad_();
    const fam2 = (fam: string) => (x: fl.Tensor, y: fl.Tensor) => { fl.manualSeed(31); return new (D as unknown as Record<string, Ctor>)[fam](x, y).rsample([3]); };
    for (const fam of ['Pareto', 'Weibull', 'Kumaraswamy']) expect(fl.gradcheck(fam2(fam), [a, b])).toBe(true);
    expect(fl.gradcheck((s: fl.Tensor) => { fl.manualSeed(32); return new D.HalfCauchy(s).rsample([3]); }, [a])).toBe(true);
    const p = f64([0.2, 0.7]).requiresGrad_();
    expect(fl.gradcheck((q: fl.Tensor) => { fl.manualSeed(33); return new D.ContinuousBernoulli({ probs: q }).rsample([3]); }, [p])).toBe(true);
    const m = f64([0.3, -0.2]).requiresGrad_();
    expect(fl.gradcheck((l: fl.Tensor, s: fl.Tensor) => { fl.manualSeed(34); return new D.LogisticNormal(l, s).rsample([2]); }, [m, a])).toBe(true);
  }));
  test('logProb gradients of the new families: finite differences (float64)', () => fl.scope(() => {
    const a = f64([0.7, 1.9]).requiresGrad_(), b = f64([1.5, 2.5]).requiresGrad_();
    expect(fl.gradcheck((x: fl.Tensor, y: fl.Tensor) => new D.Kumaraswamy(x, y).logProb(f64([0.3, 0.6])), [a, b])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor, y: fl.Tensor) => new D.FisherSnedecor(x, y).logProb(f64([0.3, 1.6])), [a, b])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor, y: fl.Tensor) => new D.Weibull(x, y).entropy(), [a, b])).toBe(true);
    const p = f64([0.2, 0.7]).requiresGrad_();
    expect(fl.gradcheck((n: fl.Tensor, q: fl.Tensor) => new D.NegativeBinomial(n, { probs: q }).logProb(f64([2, 5])), [b, p])).toBe(true);
    expect(fl.gradcheck((q: fl.Tensor) => new D.ContinuousBernoulli({ probs: q }).entropy(), [p])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor, y: fl.Tensor) => D.klDivergence(new D.Gamma(x, y), new D.Normal(f64(0.5), 2)), [a, b])).toBe(true);
  }));
});

describe('LowRankMultivariateNormal', () => {
  // loc = [[0.5, -1, 2], [0, 0.3, -0.2]], W = [[1, 0.2], [-0.5, 0.7], [0.3, -0.4]], D = [0.5, 1.5, 0.8]: d = LowRankMultivariateNormal(loc, W, D)
  const mk = () => new D.LowRankMultivariateNormal(f64([[0.5, -1, 2], [0, 0.3, -0.2]]), f64([[1, 0.2], [-0.5, 0.7], [0.3, -0.4]]), f64([0.5, 1.5, 0.8]));
  const q = () => new D.LowRankMultivariateNormal(f64([0.2, 0.1, -0.3]), f64([[0.3], [0.1], [-0.6]]), f64([1, 0.7, 2]));
  const mvn = () => new D.MultivariateNormal(f64([0.2, 0.1, -0.3]), { scaleTril: f64([[1.2, 0, 0], [0.3, 0.8, 0], [-0.2, 0.1, 1.5]]) });
  test('logProb, entropy, variance, the matrices, and the KLs against torch (float64)', () => fl.scope(() => {
    const d = mk();
    expect([d.batchShape, d.eventShape]).toEqual([[2], [3]]);
    close(vals(d.logProb(f64([0.1, 0.2, 0.3]))), [-4.770100655281588, -3.453985721480042]);   // d.log_prob(tensor([0.1, 0.2, 0.3]))
    close(vals(d.entropy()), [4.832251907278616, 4.832251907278616]);                           // d.entropy()
    close(vals(d.variance), [1.54, 2.24, 1.05, 1.54, 2.24, 1.05]);                               // d.variance
    // d.covariance_matrix[0], d.precision_matrix[0], d.scale_tril[0]
    close(vals(d.covarianceMatrix).slice(0, 9), [1.54, -0.36, 0.22, -0.36, 2.24, -0.43, 0.22, -0.43, 1.05]);
    close(vals(d.precisionMatrix).slice(0, 9), [0.6855850298169857, 0.08965659058194528, -0.10692987867571449, 0.08965659058194528, 0.4962432180198991, 0.18443822268621773, -0.10692987867571449, 0.18443822268621773, 1.0503171514892675]);
    close(vals(d.scaleTril).slice(0, 9), [1.2409673645990855, 0, 0, -0.29009626704913694, 1.4682793180604823, 0, 0.17728105208558367, -0.2578333862738739, 0.9757527214894026]);
    // kl_divergence(d, q), kl_divergence(d, m), kl_divergence(m, d) with q = LowRankMultivariateNormal([0.2, 0.1, -0.3], [[0.3], [0.1], [-0.6]], [1, 0.7, 2]), m = MultivariateNormal([0.2, 0.1, -0.3], scale_tril=[[1.2, 0, 0], [0.3, 0.8, 0], [-0.2, 0.1, 1.5]])
    close(vals(D.klDivergence(d, q())), [2.763535198179916, 0.8045363105269687]);
    close(vals(D.klDivergence(d, mvn())), [3.5867468329294843, 1.1544604710467685]);
    close(vals(D.klDivergence(mvn(), d)), [3.1942065666387336, 0.6861654713983789]);
    // the same as the dense MultivariateNormal of its covariance
    const dense = new D.MultivariateNormal(d.loc, { covarianceMatrix: d.covarianceMatrix });
    close(vals(d.logProb(f64([[1, 2, 3], [0, 0, 0]]))), vals(dense.logProb(f64([[1, 2, 3], [0, 0, 0]]))), 1e-12, 1e-12);
    expect(d.expand([4, 2]).logProb(f64([0.1, 0.2, 0.3])).shape).toEqual([4, 2]);
  }));
  test('samples: mean and variance of 20k draws; rsample and logProb gradients (finite differences)', () => fl.scope(() => {
    fl.manualSeed(41);
    const d = mk();
    const s = d.rsample([20000]);
    expect(s.shape).toEqual([20000, 2, 3]);
    expectMean(s, vals(d.mean), vals(d.variance), 'LowRankMultivariateNormal');
    const W = f64([[1, 0.2], [-0.5, 0.7], [0.3, -0.4]]).requiresGrad_(), Dg = f64([0.5, 1.5, 0.8]).requiresGrad_(), loc = f64([0.5, -1, 2]).requiresGrad_();
    expect(fl.gradcheck((l: fl.Tensor, w: fl.Tensor, g: fl.Tensor) => { fl.manualSeed(42); return new D.LowRankMultivariateNormal(l, w, g).rsample([2]); }, [loc, W, Dg])).toBe(true);
    expect(fl.gradcheck((l: fl.Tensor, w: fl.Tensor, g: fl.Tensor) => new D.LowRankMultivariateNormal(l, w, g).logProb(f64([0.1, 0.2, 0.3])), [loc, W, Dg])).toBe(true);
  }));
  test('refusals: shapes, a non-positive diagonal, different event shapes in a KL', () => fl.scope(() => {
    expect(() => new D.LowRankMultivariateNormal(f64(0), f64([[1]]), f64([1]))).toThrow(/loc must be at least one-dimensional/);
    expect(() => new D.LowRankMultivariateNormal(f64([0, 0]), f64([1, 2]), f64([1, 1]))).toThrow(/covFactor must be at least two-dimensional/);
    expect(() => new D.LowRankMultivariateNormal(f64([0, 0]), f64([[1], [2], [3]]), f64([1, 1]))).toThrow(fl.ShapeError);
    expect(() => new D.LowRankMultivariateNormal(f64([0, 0]), f64([[1], [2]]), f64([1, 1, 1]))).toThrow(fl.ShapeError);
    expect(() => new D.LowRankMultivariateNormal(f64([0, 0]), f64([[1], [2]]), f64([1, -1]))).toThrow(/expected parameter covDiag/);
    expect(() => D.klDivergence(mk(), new D.LowRankMultivariateNormal(f64([0, 0]), f64([[1], [2]]), f64([1, 1])))).toThrow(/different event shapes/);
  }));
});

describe('the relaxed families and Multinomial', () => {
  test('logProb, moments and entropy against torch (float64)', () => fl.scope(() => {
    // torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli(tensor(0.7), probs=[0.2, 0.6]).log_prob([-0.5, 1.3])
    close(vals(new D.LogitRelaxedBernoulli(f64(0.7), { probs: f64([0.2, 0.6]) }).logProb(f64([-0.5, 1.3]))), [-2.000228106111269, -1.8059444230713688]);
    // RelaxedBernoulli(tensor(0.7), logits=[-1., 0.5]).log_prob([0.3, 0.8])
    close(vals(new D.RelaxedBernoulli(f64(0.7), { logits: f64([-1, 0.5]) }).logProb(f64([0.3, 0.8]))), [-0.2234293174928621, 0.03479435370116879]);
    // torch.distributions.relaxed_categorical.ExpRelaxedCategorical(tensor(0.5), probs=[0.2, 0.3, 0.5]).log_prob([-1.5, -1.0, -0.8])
    close(vals(new D.ExpRelaxedCategorical(f64(0.5), { probs: f64([0.2, 0.3, 0.5]) }).logProb(f64([-1.5, -1.0, -0.8]))), [-4.077249616784386]);
    // RelaxedOneHotCategorical(tensor(0.5), logits=[[0.1, -0.4, 1.0], [0., 0., 0.]]).log_prob([0.2, 0.3, 0.5])
    const r = new D.RelaxedOneHotCategorical(f64(0.5), { logits: f64([[0.1, -0.4, 1.0], [0, 0, 0]]) });
    expect([r.batchShape, r.eventShape]).toEqual([[2], [3]]);
    close(vals(r.logProb(f64([0.2, 0.3, 0.5]))), [-0.7936982314673173, -0.534447875434247]);
    // m = Multinomial(5, probs=[[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]): m.log_prob([1., 2., 2.]), m.entropy(), m.mean, m.variance
    const m = new D.Multinomial(5, { probs: f64([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]) });
    close(vals(m.logProb(f64([1, 2, 2]))), [-2.002480500543708, -4.122744036743799]);
    close(vals(m.entropy()), [2.5918085962714983, 2.296474398960703]);
    close(vals(m.mean), [1.0, 1.5, 2.5, 3.0, 0.5, 1.5]);
    close(vals(m.variance), [0.8, 1.05, 1.25, 1.2, 0.45, 1.05]);
    // Multinomial(3, logits=[0., -inf, 1.]).log_prob([1., 0., 2.]) (a zero count of an impossible category)
    close(vals(new D.Multinomial(3, { logits: f64([0, -Infinity, 1]) }).logProb(f64([1, 0, 2]))), [-0.8411727738865589]);
  }));
  test('samples: Multinomial counts sum to totalCount with mean n·p; relaxed draws on their supports, mean of RelaxedBernoulli\'s sign near p', () => fl.scope(() => {
    fl.manualSeed(51);
    const m = new D.Multinomial(6, { probs: f64([0.2, 0.3, 0.5]) });
    const s = m.sample([20000]);
    expect(s.shape).toEqual([20000, 3]);
    close(vals(s.sum(-1)), new Array(20000).fill(6), 0, 0);
    expectMean(s, [1.2, 1.8, 3], vals(m.variance), 'Multinomial');
    expect(new D.Multinomial(0, { probs: f64([0.5, 0.5]) }).sample([2]).shape).toEqual([2, 2]);
    const rb = new D.RelaxedBernoulli(f64(0.1), { probs: f64([0.2, 0.7]) });
    const y = rb.rsample([20000]);
    expect(allTrue(C.unitInterval.check(y))).toBe(true);
    // at a low temperature P(y > 0.5) = p exactly (the logistic noise is symmetric)
    expectMean(y.gt(0.5).to('float64'), [0.2, 0.7], [0.16, 0.21], 'RelaxedBernoulli');
    const rc = new D.RelaxedOneHotCategorical(f64(0.2), { probs: f64([0.2, 0.3, 0.5]) });
    const z = rc.rsample([20000]);
    expect(allTrue(C.simplex.check(z))).toBe(true);
    // argmax of a Gumbel-softmax draw is Categorical(p) at any temperature
    const hot = fl.eq(z.argmax(-1).unsqueeze(-1), fl.arange(3, { dtype: 'int32', device: DEVICE })).to('float64');
    expectMean(hot, [0.2, 0.3, 0.5], [0.16, 0.21, 0.25], 'RelaxedOneHotCategorical');
  }));
  test('rsample gradients (finite differences, float64) and refusals', () => fl.scope(() => {
    const l = f64([0.3, -0.8]).requiresGrad_(), T0 = f64(0.6).requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor, t: fl.Tensor) => { fl.manualSeed(52); return new D.RelaxedBernoulli(t, { logits: a }).rsample([3]); }, [l, T0])).toBe(true);
    const lc = f64([0.3, -0.8, 0.1]).requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor, t: fl.Tensor) => { fl.manualSeed(53); return new D.RelaxedOneHotCategorical(t, { logits: a }).rsample([2]); }, [lc, T0])).toBe(true);
    expect(fl.gradcheck((a: fl.Tensor) => new D.Multinomial(4, { logits: a }).logProb(f64([1, 2, 1])), [lc])).toBe(true);
    expect(() => new D.Multinomial(2.5 as number, { probs: f64([0.5, 0.5]) })).toThrow(fl.ValueError);
    expect(() => new D.Multinomial(2, { probs: f64([0.5, 0.5]) }).logProb(f64([1, 2]))).toThrow(/Multinomial.logProb: expected value argument/);
    expect(() => new D.RelaxedBernoulli(f64(0.5), { probs: f64([1.5]) })).toThrow(fl.ValueError);
    expect(() => new D.RelaxedBernoulli(f64(0.5))).toThrow(/either probs or logits/);
    expect(() => new D.RelaxedOneHotCategorical(f64(0.5), { probs: f64([0.5, 0.5]) }).logProb(f64([0.7, 0.7]))).toThrow(fl.ValueError);
    expect(() => new D.Multinomial(2, { probs: f64([0.5, 0.5]) }).rsample()).toThrow(D.NotImplementedError);
  }));
});

describe('VonMises', () => {
  test('logProb and the circular variance against torch; samples on [-π, π) with the right circular moments; refusals', () => fl.scope(() => {
    // d = VonMises([0.5, -2.0, 3.0], [0.3, 2.0, 8.0]): d.log_prob([1.0, 4.0, -3.0]), d.variance
    const d = new D.VonMises(f64([0.5, -2, 3]), f64([0.3, 2, 8]));
    close(vals(d.logProb(f64([1, 4, -3]))), [-1.5969769747667402, -0.7415300367673859, -0.2146190510680519]);
    close(vals(d.variance), [0.8516625718530736, 0.30222534240226673, 0.0647645321126803]);
    close(vals(new D.VonMises(f32([0.5, -2, 3]), f32([0.3, 2, 8])).logProb(f32([1, 4, -3]))), [-1.5969769747667402, -0.7415300367673859, -0.2146190510680519], 2e-5, 2e-5);
    fl.manualSeed(61);
    const s = d.sample([20000]);
    expect(allTrue(s.ge(-Math.PI).logicalAnd(s.lt(Math.PI)))).toBe(true);
    // E[cos(x - loc)] = I1(κ)/I0(κ) = 1 - variance, E[sin(x - loc)] = 0 (6 standard errors, sd ≤ 1)
    expectMean(fl.cos(s.sub(d.loc)), vals(d.variance).map((v) => 1 - v), [1, 1, 1], 'VonMises cos');
    expectMean(fl.sin(s.sub(d.loc)), [0, 0, 0], [1, 1, 1], 'VonMises sin');
    const k = f64([0.3, 2]).requiresGrad_();
    expect(fl.gradcheck((c: fl.Tensor) => new D.VonMises(f64(0.2), c).logProb(f64([1, -1])), [k])).toBe(true);
    expect(() => new D.VonMises(0, f64([-1]))).toThrow(/VonMises: expected parameter concentration/);
    expect(() => d.rsample()).toThrow(D.NotImplementedError);
  }));
});

describe('CorrCholeskyTransform and LKJCholesky', () => {
  test('against torch: the transform\'s call, inv, logAbsDetJacobian; LKJCholesky.logProb; samples are correlation factors', () => fl.scope(() => {
    // t = T.CorrCholeskyTransform(); x = [0.3, -0.5, 1.2]; y = t(x); t.inv(y); t.log_abs_det_jacobian(x, y)
    const t = new T.CorrCholeskyTransform();
    const x = f64([0.3, -0.5, 1.2]), y = t.call(x);
    close(vals(y), [1, 0, 0, 0.2913126124515909, 0.9566279119002483, 0, -0.46211715726000974, 0.73930064820703, 0.48977779096912166]);
    close(vals(t.inv.call(y)), [0.3, -0.5, 1.2], 1e-12, 1e-12);
    close(vals(t.logAbsDetJacobian(x, y)), [-1.6364030039147215]);
    expect(t.forwardShape([2, 6])).toEqual([2, 4, 4]);
    expect(t.inverseShape([4, 4])).toEqual([6]);
    expect(() => t.forwardShape([5])).toThrow(fl.ValueError);
    expect(allTrue(C.corrCholesky.check(y))).toBe(true);
    // LKJCholesky(3, [0.5, 2.0]).log_prob(y); LKJCholesky(2, 1.5).log_prob(CorrCholeskyTransform()([0.7]))
    const d = new D.LKJCholesky(3, f64([0.5, 2]));
    expect([d.batchShape, d.eventShape]).toEqual([[2], [3, 3]]);
    close(vals(d.logProb(y)), [-1.817220768417009, -2.1761126050095134]);
    close(vals(new D.LKJCholesky(2, f64(1.5)).logProb(t.call(f64([0.7])))), [-0.6788529346479605]);
    fl.manualSeed(71);
    const s = d.sample([2000]);
    expect(s.shape).toEqual([2000, 2, 3, 3]);
    expect(allTrue(C.corrCholesky.check(s))).toBe(true);
    // concentration 2 pulls the correlations towards 0 more than 0.5: E[L10²] = Var(r12) = 1/(2η + D - 1) … compare the two
    const r10 = vals(s.select(-2, 1).select(-1, 0).square().mean(0));
    expect(r10[0]).toBeGreaterThan(r10[1]);
    expect(Math.abs(r10[0] - 1 / (2 * 0.5 + 2))).toBeLessThan(0.03);
    expect(Math.abs(r10[1] - 1 / (2 * 2 + 2))).toBeLessThan(0.03);
    expect(fl.gradcheck((v: fl.Tensor) => t.call(v), [f64([0.3, -0.5, 1.2]).requiresGrad_()])).toBe(true);
    expect(D.bijectTo(C.corrCholesky)).toBeInstanceOf(T.CorrCholeskyTransform);
    expect(() => new D.LKJCholesky(1)).toThrow(/expected dim to be an integer greater than or equal to 2/);
    expect(() => new D.LKJCholesky(3, f64([-1]))).toThrow(fl.ValueError);
  }));
});

describe('Wishart', () => {
  const L = () => f64([[1.2, 0, 0], [0.3, 0.8, 0], [-0.2, 0.1, 1.5]]);
  const V = () => f64([[2.0, 0.3, 0.1], [0.3, 1.5, -0.2], [0.1, -0.2, 3.0]]);
  test('logProb, entropy and moments against torch (float64), from each of the three matrices', () => fl.scope(() => {
    // d = Wishart(tensor([4.0, 6.5]), scale_tril=L); d.log_prob(V), d.entropy(), d.mean[0], d.mode[1], d.variance[0]
    const d = new D.Wishart(f64([4, 6.5]), { scaleTril: L() });
    expect([d.batchShape, d.eventShape]).toEqual([[2], [3, 3]]);
    close(vals(d.logProb(V())), [-9.766449456010658, -12.240988402668796]);
    close(vals(d.entropy()), [13.213768128850162, 15.609890676067286]);
    close(vals(d.mean).slice(0, 9), [5.76, 1.44, -0.96, 1.44, 2.92, 0.08, -0.96, 0.08, 9.2]);
    close(vals(d.mode).slice(9), [3.6, 0.9, -0.6, 0.9, 1.825, 0.05, -0.6, 0.05, 5.75]);
    close(vals(d.variance).slice(0, 9), [16.5888, 4.7232, 13.4784, 4.7232, 4.2632, 6.7176, 13.4784, 6.7176, 42.32]);
    // Wishart(tensor(2.5), covariance_matrix=L @ L.T).log_prob(V), .mode (NaN: df ≤ p + 1); Wishart(tensor(3.), precision_matrix=inv(L @ L.T)).log_prob(V)
    const LLt = fl.matmul(L(), L().transpose(-1, -2));
    const d2 = new D.Wishart(f64(2.5), { covarianceMatrix: LLt });
    close(vals(d2.logProb(V())), [-10.789542295689362]);
    expect(vals(d2.mode).every(Number.isNaN)).toBe(true);
    close(vals(new D.Wishart(f64(3), { precisionMatrix: fl.linalg.inv(LLt) }).logProb(V())), [-10.011667040492624], 1e-9, 1e-12);
  }));
  test('samples: positive definite, mean df·Σ over 20k draws; rsample gradients (finite differences)', () => fl.scope(() => {
    fl.manualSeed(81);
    const d = new D.Wishart(f64([4, 6.5]), { scaleTril: L() });
    const s = d.rsample([20000]);
    expect(s.shape).toEqual([20000, 2, 3, 3]);
    expect(allTrue(C.positiveDefinite.check(s))).toBe(true);
    expectMean(s, vals(d.mean), vals(d.variance), 'Wishart');
    // in L (df's gradient is the Gamma draws' implicit one, torch's approximation: test/distributions.test.ts checks it)
    const Lg = L().requiresGrad_();
    expect(fl.gradcheck((l: fl.Tensor) => { fl.manualSeed(82); return new D.Wishart(f64(4.5), { scaleTril: l.tril() }).rsample([2]); }, [Lg])).toBe(true);
    expect(fl.gradcheck((l: fl.Tensor) => new D.Wishart(f64(4), { scaleTril: l.tril() }).logProb(V()), [Lg])).toBe(true);
  }));
  test('refusals: df ≤ p - 1, not exactly one matrix, shapes, an invalid matrix (validateArgs)', () => fl.scope(() => {
    expect(() => new D.Wishart(f64(1.5), { scaleTril: L() })).toThrow(/df are expected to be greater than ndim - 1 = 2/);
    expect(() => new D.Wishart(f64(4), {})).toThrow(/exactly one of covarianceMatrix or precisionMatrix or scaleTril/);
    expect(() => new D.Wishart(f64(4), { scaleTril: f64([[1, 0, 0]]) })).toThrow(fl.ShapeError);
    expect(() => new D.Wishart(f64(4), { scaleTril: f64([[-1, 0], [0, 1]]) })).toThrow(/expected parameter scaleTril/);
    expect(() => new D.Wishart(f64(4), { scaleTril: L() }).logProb(f64([[1, 2, 0], [2, 1, 0], [0, 0, 1]]))).toThrow(/Wishart.logProb: expected value argument/);
  }));
});
