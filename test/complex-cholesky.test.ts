// complex-cholesky.test.ts — linalg.cholesky / choleskyEx, linalg.solveTriangular, choleskySolve and
// choleskyInverse on complex matrices (lib/ops/complex-linalg.ts: the interleaved real embedding, whose
// real Cholesky factor is the embedding of the complex one), and the real linalg.cholesky's `upper`,
// which reads A's upper triangle as torch's. References: torch 1.13's values and gradients, pasted below
// (python: torch.manual_seed(5); re, im = round(randn(2, 3, 3) * 100) / 100; M = re + i·im;
// A0 = M Mᴴ + 0.5·I; the inputs carry junk in the triangle torch does not read, and 3i on the diagonal;
// loss = (real(L)·C).sum() + (imag(L)·D).sum()). Tolerance 1e-10 (float64).
import * as fl from '../lib';
import { DEVICE } from './helpers';
const G = {"A0re": [[[7.222900270736221, -1.293600053334237, 0.7643000941693794], [-1.293600053334237, 3.818700039136411, -1.5409999781250932], [0.7643000941693794, -1.5409999781250932, 9.080799450111401]], [[6.473999926358463, 0.8180000265017151, -2.9405000941343613], [0.8180000265017151, 8.781899977302558, -1.9766999611623532], [-2.9405000941343613, -1.9766999611623532, 11.3787004809931]]], "A0im": [[[0.0, -1.7264001385927212, -1.6179000357449063], [1.7264001385927212, 0.0, -1.3314998727142815], [1.6179000357449063, 1.3314998727142815, 0.0]], [[0.0, 3.9145998438537135, -5.462300098580119], [-3.9145998438537135, 0.0, 4.566400067141653], [5.462300098580119, -4.566400067141653, 0.0]]], "L": {"re": [[[2.687545398823287, 0.0, 0.0], [-0.4813314237968319, 1.7816790164020595, 0.0], [0.284385928700598, -1.0051320287450747, 2.56945196830265]], [[2.544405613568415, 0.0, 0.0], [0.3214896328398312, 2.5122746023934237, 0.0], [-1.155672695600778, 0.6757610819426028, 1.7494534039612495]]], "im": [[[0.0, 0.0, 0.0], [0.6423705956180711, 0.0, 0.0], [0.6019991463040165, 1.0124955846294756, 0.0]], [[0.0, 0.0, 0.0], [-1.5385125009072993, 0.0, 0.0], [2.146788259486461, -1.3846230599217906, 0.0]]], "gRe": [[[0.22351332591121345, 0.4074013528839481, -0.391556313549741], [0.33613587880402884, 0.41774693924793604, 0.3519107259631725], [-0.3736297304361999, 0.37402757070061443, 0.14594551858765456]], [[-0.2682925769187811, 0.36325316894546583, -0.3435035913231823], [0.35405637753126823, 0.011028164871217995, 0.1571173110225366], [-0.28199800317121315, 0.12561357406839374, 0.21435266532443542]]], "gIm": [[[0.08013294671799327, 0.14243362267059384, -0.08013489687911785], [-0.19864114389352538, -0.16426375108491748, 0.26229666373992655], [0.07466259475435193, -0.24034066772586, 0.01945940247835394]], [[0.4907206557658803, 0.05484230882135136, -0.15581867954012416], [-0.09060744508082433, 0.00870998964534846, -0.006412967443985542], [0.16467464967750897, -0.008962335759883698, 0.028580355376591392]]]}, "U": {"re": [[[2.687545398823287, -0.4813314237968319, 0.284385928700598], [0.0, 1.7816790164020595, -1.0051320287450747], [0.0, 0.0, 2.56945196830265]], [[2.544405613568415, 0.3214896328398312, -1.155672695600778], [0.0, 2.5122746023934237, 0.6757610819426028], [0.0, 0.0, 1.7494534039612495]]], "im": [[[0.0, -0.6423705956180711, -0.6019991463040165], [0.0, 0.0, -1.0124955846294756], [0.0, 0.0, 0.0]], [[0.0, 1.5385125009072993, -2.146788259486461], [0.0, 0.0, 1.3846230599217906], [0.0, 0.0, 0.0]]], "gRe": [[[0.07480138073045897, -0.13723644072757152, 0.27502967390822197], [0.009434059192513037, 0.22811158948369278, -0.046923674218101376], [0.25710309079468074, -0.06904051895554324, 0.14594551858765456]], [[0.45404399850843974, -0.24381631985523974, 0.5778630922096523], [-0.20383504517263606, 0.05842200631704125, -0.1729206702715686], [0.5163575040576831, -0.1414169333174257, 0.21435266532443542]]], "gIm": [[[-0.024388300215227466, 0.26362201327994655, -0.1229904442367522], [-0.15091313801517603, 0.32200324883535447, 0.32453091670960316], [0.12846274636151808, -0.34648691272366977, -0.01945940247835394]], [[-0.6676494477276445, -0.0369758370541969, 0.04759635423207637], [0.07917374016950454, -0.03416581531876451, 0.06866918462787619], [-0.05645232436946117, -0.05329388142400691, -0.028580355376591392]]]}, "st_true_false": {"re": [[0.5294117647058824, 0.8235294117647058], [0.6411764705882353, 0.7529411764705882], [3.3567942460827127, 3.4574877986128953]], "im": [[0.11764705882352941, -0.7058823529411764], [0.6647058823529411, 0.2117647058823529], [-2.882866683791421, -1.7159003339327]], "gTre": [[-1.6659276289883285, 0.0, 0.0], [-0.04048054663375519, -5.5776089299630796, 0.0], [-5.472966191895734, -2.0327203766777213, -35.83379520020739]], "gTim": [[2.1736112308710966, 0.0, 0.0], [-5.380230686665899, -3.494535222282099, 0.0], [1.1501460629770857, 6.394599724495133, 2.6280413895298205]], "gBre": [[-0.5259354625521158, 0.8920108562933373], [2.2253522558124152, 0.9613995560276704], [3.123644835596755, 3.5748297526520005]], "gBim": [[-2.1806190393963263, -2.0772729122047133], [4.068673904679433, 3.4114118836070126], [-3.4273362669756615, -1.81122314489]]}, "st_true_true": {"re": [[1.0, 2.0], [2.5, 1.0], [2.15, 3.7]], "im": [[0.5, -1.0], [0.5, -1.0], [-6.8, -0.6000000000000001]], "gTre": [[0.0, 0.0, 0.0], [-19.7, 0.0, 0.0], [-8.4, -9.4, 0.0]], "gTim": [[0.0, 0.0, 0.0], [-41.800000000000004, 0.0, 0.0], [13.0, 32.2, 0.0]], "gBre": [[-49.32000000000001, 0.5599999999999996], [21.2, -4.6], [4.0, 5.0]], "gBim": [[-26.400000000000006, -16.7], [36.2, 10.4], [-13.6, -1.2000000000000002]]}, "st_false_false": {"re": [[2.058207038273825, -1.4484716157205242, 3.1877729257641927], [1.7723092730542003, -0.3021834061135374, 4.017467248908297]], "im": [[0.042435139994862675, -1.2135371179039305, -1.091703056768559], [0.10408425378885158, -2.866375545851528, 0.1310043668122271]], "gTre": [[-2.4867551338834524, 0.0, 0.0], [1.7456729022017097, -5.6498440562203065, 0.0], [-5.556968717983875, -1.5169802227568459, -30.60790643422698]], "gTim": [[-0.7373721947640555, 0.0, 0.0], [-3.770226463102478, -2.2537287569639157, 0.0], [-1.7461643003780352, 9.302197170139928, -17.86265591964711]], "gBre": [[-0.00998473882232063, 0.04331394206796502, 2.372640071567659], [1.3872742932261526, 0.1689089013463081, 5.624954668119698]], "gBim": [[0.03993895528928252, -0.840103957329143, 0.06326748880881065], [0.4509028270953897, -1.6550961756395337, 3.934729957522209]]}, "st_false_true": {"re": [[8.7, -9.0, 5.0], [0.3000000000000007, -6.0, 6.0]], "im": [[13.0, -6.0, -1.0], [18.2, -14.0, 1.0]], "gTre": [[0.0, 0.0, 0.0], [683.6, 0.0, 0.0], [-28.4, 360.8, 0.0]], "gTim": [[0.0, 0.0, 0.0], [410.4, 0.0, 0.0], [-345.4, 548.0, 0.0]], "gBre": [[0.0, -25.0, 120.2], [3.0, -35.4, 190.68]], "gBim": [[26.0, -38.0, 50.0], [36.4, -61.4, 91.3]]}, "Tre": [[2.0, 5.0, 5.0], [1.0, 3.0, 5.0], [-1.0, 2.0, 1.5]], "Tim": [[0.5, 0.0, 0.0], [1.0, -1.0, 0.0], [0.3, 2.0, 0.2]], "Bre": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "Bim": [[0.5, -1.0], [2.0, 0.0], [-1.0, 1.0]], "cs_false": {"re": [[0.16360198838762385, 0.5420185469398613], [1.897190966676726, 2.116547882779827], [1.199425774579519, 1.138241267170446]], "im": [[1.0193589170738004, 0.7026639134099208], [1.0844866698484508, 0.2643374550826659], [-0.3192123547302813, -0.31107582115331994]]}, "ci_false": {"re": [[0.2016809852811764, 0.0840524927464716, -0.021297545905794246], [0.0840524927464716, 0.4121441926085224, 0.08545011265017124], [-0.021297545905794246, 0.08545011265017124, 0.15146733792582698]], "im": [[0.0, 0.12675843238880422, 0.06976811917361243], [-0.12675843238880422, 0.0, 0.0860761166594291], [-0.06976811917361243, -0.0860761166594291, -0.0]]}, "cs_true": {"re": [[0.16360198838762385, 0.5420185469398613], [1.897190966676726, 2.116547882779827], [1.199425774579519, 1.138241267170446]], "im": [[1.0193589170738004, 0.7026639134099208], [1.0844866698484508, 0.2643374550826659], [-0.3192123547302813, -0.31107582115331994]]}, "ci_true": {"re": [[0.2016809852811764, 0.08405249274647157, -0.021297545905794246], [0.08405249274647157, 0.4121441926085224, 0.08545011265017124], [-0.021297545905794246, 0.08545011265017124, 0.15146733792582698]], "im": [[0.0, 0.1267584323888042, 0.06976811917361242], [-0.1267584323888042, 0.0, 0.08607611665942909], [-0.06976811917361242, -0.08607611665942909, 0.0]]}, "Lre": [[2.687545398823287, 0.0, 0.0], [-0.4813314237968319, 1.7816790164020595, 0.0], [0.284385928700598, -1.0051320287450747, 2.56945196830265]], "Lim": [[0.0, 0.0, 0.0], [0.6423705956180711, 0.0, 0.0], [0.6019991463040165, 1.0124955846294756, 0.0]], "info": [0, 2], "err": "linalg.cholesky: (Batch element 1): The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite)."};

const f64 = { dtype: 'float64' as const, device: DEVICE };
const C = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75]];
const D = [[0.3, 0.7, -1.1], [0.2, -0.4, 0.9], [1.3, -0.6, 0.1]];
const cplx = (re: unknown, im: unknown): fl.Tensor => fl.complex(fl.tensor(re as number[], f64), fl.tensor(im as number[], f64));
const flat = (x: unknown): number[] => (Array.isArray(x) ? (x as unknown[]).flatMap(flat) : [x as number]);
const close = (got: fl.Tensor, want: unknown, tol = 1e-10): void => {
  const g = Array.from(got.dataSync() as Float64Array), w = flat(want);
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => { if (!(Math.abs(v - w[i]) <= tol)) throw new Error(`element ${i}: ${v} vs ${w[i]} (tol ${tol})`); });
};
const closeC = (got: fl.Tensor, re: unknown, im: unknown, tol = 1e-10): void => { close(fl.real(got), re, tol); close(fl.imag(got), im, tol); };
const junk = (upper: boolean): fl.Tensor => {
  const o = fl.ones([3, 3], f64);
  return fl.complex(fl.mul(upper ? fl.tril(o, -1) : fl.triu(o, 1), 7), fl.mul(fl.eye(3, f64), 3));
};

describe('linalg.cholesky of complex Hermitian positive-definite matrices', () => {
  for (const upper of [false, true]) {
    test(`upper: ${String(upper)}: the factor and the gradient as torch 1.13's (only the ${upper ? 'upper' : 'lower'} triangle read)`, () => fl.scope(() => {
      const A = fl.add(cplx(G.A0re, G.A0im), junk(upper)).detach().requiresGrad_();
      const L = fl.linalg.cholesky(A, { upper });
      expect(L.dtype).toBe('complex128');
      const ref = upper ? G.U : G.L;
      closeC(L.detach(), ref.re, ref.im);
      fl.add(fl.sum(fl.mul(fl.real(L), fl.tensor(C, f64))), fl.sum(fl.mul(fl.imag(L), fl.tensor(D, f64)))).backward();
      closeC(A.grad!, ref.gRe, ref.gIm);
    }));
  }
  test('choleskyEx: torch\'s info per batch element (the order of the failing leading minor), no throw; cholesky throws LinAlgError with torch\'s words', () => fl.scope(() => {
    // torch: A0[1, 2, 2] = -50, A0[1, 1, 1] = 0.1 -> info [0, 2]; with only A0[1, 2, 2] = -50 -> [0, 3]
    const base = cplx(G.A0re, G.A0im);
    const mask = (i: number, j: number): fl.Tensor => {
      const m = fl.zeros([2, 3, 3], f64);
      fl.noGrad(() => m.select(0, 1).select(0, i).select(0, j).fill_(1));
      return m;
    };
    const set = (A: fl.Tensor, i: number, j: number, v: number): fl.Tensor => fl.where(fl.eq(mask(i, j), 1), fl.complex(fl.fullLike(mask(i, j), v), fl.zerosLike(mask(i, j))), A);
    const bad2 = set(set(base, 2, 2, -50), 1, 1, 0.1), bad3 = set(base, 2, 2, -50);
    const [, info2] = fl.linalg.choleskyEx(bad2);
    expect(info2.dtype).toBe('int32');
    expect(Array.from(info2.dataSync())).toEqual(G.info);
    expect(Array.from(fl.linalg.choleskyEx(bad3).info.dataSync())).toEqual([0, 3]);
    expect(() => fl.linalg.cholesky(bad2)).toThrow(fl.LinAlgError);
    expect(() => fl.linalg.cholesky(bad2)).toThrow(G.err);
    expect(() => fl.linalg.choleskyEx(bad2, { checkErrors: true })).toThrow(/leading minor of order 2/);
  }));
  test('complex64 agrees with complex128 to float32 precision; the identity\'s factor is the identity', () => fl.scope(() => {
    const A = cplx(G.A0re, G.A0im);
    const L64 = fl.linalg.cholesky(A), L32 = fl.linalg.cholesky(A.to('complex64'));
    expect(L32.dtype).toBe('complex64');
    expect(fl.abs(fl.sub(L32.to('complex128'), L64)).max().item()).toBeLessThan(1e-5);
    const I = fl.eye(4, f64).to('complex128');
    expect(fl.abs(fl.sub(fl.linalg.cholesky(I), I)).max().item()).toBe(0);
  }));
});

describe('linalg.solveTriangular, choleskySolve and choleskyInverse on complex matrices', () => {
  for (const left of [true, false]) {
    for (const unit of [false, true]) {
      test(`solveTriangular left ${String(left)}, unitriangular ${String(unit)}: X and both gradients as torch's (the upper triangle's junk not read)`, () => fl.scope(() => {
        const ref = (G as Record<string, any>)[`st_${String(left)}_${String(unit)}`];
        const T = cplx(G.Tre, G.Tim).requiresGrad_();
        const B0 = cplx(G.Bre, G.Bim);
        const B = (left ? B0 : B0.mT).detach().requiresGrad_();
        const X = fl.linalg.solveTriangular(T, B, { upper: false, left, unitriangular: unit });
        closeC(X.detach(), ref.re, ref.im);
        const w = fl.arange(6, f64).reshape(X.shape);
        fl.add(fl.sum(fl.mul(fl.real(X), w)), fl.sum(fl.square(fl.imag(X)))).backward();
        closeC(T.grad!, ref.gTre, ref.gTim);
        closeC(B.grad!, ref.gBre, ref.gBim);
      }));
    }
  }
  test('choleskySolve and choleskyInverse, lower and upper factors, as torch\'s', () => fl.scope(() => {
    const L = cplx(G.Lre, G.Lim), B = cplx(G.Bre, G.Bim);
    for (const upper of [false, true]) {
      const F = upper ? fl.conj(L.mT) : L;
      const cs = (G as Record<string, any>)[`cs_${String(upper)}`], ci = (G as Record<string, any>)[`ci_${String(upper)}`];
      closeC(fl.choleskySolve(B, F, upper), cs.re, cs.im);
      closeC(fl.choleskyInverse(F, upper), ci.re, ci.im);
    }
    // A zero on the factor's diagonal: torch's LinAlgError
    const Z = fl.mul(L, fl.complex(fl.tensor([[1, 1, 1], [1, 0, 1], [1, 1, 1]], f64), fl.zeros([3, 3], f64)));
    expect(() => fl.choleskyInverse(Z)).toThrow(/choleskyInverse: The diagonal element 2 is zero/);
  }));
  test('refusals name the op: mixed real and complex operands, a non-square A', () => fl.scope(() => {
    const T = cplx(G.Tre, G.Tim);
    expect(() => fl.linalg.solveTriangular(T, fl.ones([3, 2], f64), { upper: false })).toThrow(fl.DTypeError);
    expect(() => fl.linalg.solveTriangular(T.narrow(1, 0, 2), cplx(G.Bre, G.Bim), { upper: false })).toThrow(/linalg.solveTriangular: A must be batches of square matrices/);
    expect(() => fl.linalg.solveTriangular(T, cplx(G.Bre, G.Bim).mT, { upper: false })).toThrow(/Incompatible shapes of A and B/);
  }));
});

describe('linalg.cholesky(A, { upper: true }) reads the upper triangle, as torch\'s', () => {
  // torch 1.13: A = [[4, 2, 1], [2, 5, 3], [1, 3, 6]]; linalg.cholesky(A + 7·tril(1, -1), upper=True) ==
  // linalg.cholesky(A, upper=True); with 7·triu(1, 1) instead: LinAlgError (order 2); and the gradient
  // of (U * arange(9).reshape(3, 3)).sum() for the first input:
  const GRAD = [[0.1248, -0.2482, -0.0028], [-0.2482, 0.9823, 0.0283], [-0.0028, 0.0283, 1.9547]];
  test('junk below the diagonal is not read; junk above it is; the gradient is torch\'s', () => fl.scope(() => {
    const A = fl.tensor([[4, 2, 1], [2, 5, 3], [1, 3, 6]], f64);
    const o = fl.ones([3, 3], f64);
    const Jl = fl.add(A, fl.mul(fl.tril(o, -1), 7)).requiresGrad_();
    const U = fl.linalg.cholesky(Jl, { upper: true });
    expect(fl.allclose(U, fl.linalg.cholesky(A, { upper: true }))).toBe(true);
    fl.sum(fl.mul(U, fl.arange(9, f64).reshape([3, 3]))).backward();
    close(Jl.grad!, GRAD, 6e-5);
    expect(() => fl.linalg.cholesky(fl.add(A, fl.mul(fl.triu(o, 1), 7)), { upper: true })).toThrow(/leading minor of order 2/);
    expect(Array.from(fl.linalg.choleskyEx(fl.add(A, fl.mul(fl.triu(o, 1), 7)), { upper: true }).info.dataSync())).toEqual([2]);
    expect(Array.from(fl.linalg.choleskyEx(fl.add(A, fl.mul(fl.tril(o, -1), 7)), { upper: false }).info.dataSync())).toEqual([2]);
  }));
});

describe("torch's deprecated top-level forms: torch.cholesky and torch.triangular_solve", () => {
  test('fl.cholesky(input, upper) equals linalg.cholesky (the upper triangle read with upper)', () => fl.scope(() => {
    const A = fl.tensor([[4, 2, 1], [2, 5, 3], [1, 3, 6]], f64);
    const Jl = fl.add(A, fl.mul(fl.tril(fl.ones([3, 3], f64), -1), 7));
    expect(fl.equal(fl.cholesky(A), fl.linalg.cholesky(A))).toBe(true);
    expect(fl.allclose(fl.cholesky(Jl, true), fl.linalg.cholesky(A, { upper: true }))).toBe(true);
    expect(fl.allclose(fl.cholesky(Jl, { upper: true }), A.cholesky(true))).toBe(true);
    expect(() => fl.cholesky(Jl)).toThrow(fl.LinAlgError);
  }));
  test('fl.triangularSolve(b, A, upper = true, transpose, unitriangular): torch 1.13\'s solution and cloned coefficient', () => fl.scope(() => {
    // torch: A = [[2, 1, 1], [0, 3, 1], [5, 0, 4]]; b = [[1, 2], [3, 4], [5, 6]]
    const A = fl.tensor([[2, 1, 1], [0, 3, 1], [5, 0, 4]], f64), b = fl.tensor([[1, 2], [3, 4], [5, 6]], f64);
    const r = fl.triangularSolve(b, A);
    close(r.solution, [[-0.41666666666666663, -0.16666666666666663], [0.5833333333333333, 0.8333333333333333], [1.25, 1.5]], 1e-15);
    close(r.clonedCoefficient, [[2, 1, 1], [0, 3, 1], [5, 0, 4]], 0);
    // torch.triangular_solve(b, A, upper=False, transpose=True, unitriangular=True)
    close(fl.triangularSolve(b, A, { upper: false, transpose: true, unitriangular: true }).solution, [[-24, -28], [3, 4], [5, 6]], 1e-15);
    // b.triangular_solve(A, False)
    close(b.triangularSolve(A, false)[0], [[0.5, 1.0], [1.0, 1.3333333333333333], [0.625, 0.25]], 1e-15);
    // complex A: transpose is Aᵀ, not Aᴴ (torch: [[0.4-0.2j], [0.72+0.04j]])
    const Ac = fl.complex(fl.tensor([[2, 1], [0, 3]], f64), fl.tensor([[1, 2], [0, -1]], f64));
    const bc = fl.complex(fl.tensor([[1], [3]], f64), fl.zeros([2, 1], f64));
    closeC(fl.triangularSolve(bc, Ac, { transpose: true }).solution, [[0.4], [0.72]], [[-0.2], [0.04]], 1e-15);
    expect(() => fl.triangularSolve(fl.tensor([1, 2, 3], f64), A)).toThrow(/triangularSolve: Expected b to have at least 2 dimensions, but it has 1/);
  }));
});
