// complex-more.test.ts — the complex forms of the reductions and scans (prod, cumsum, cumprod, var,
// std, the norms), of the layout ops (diff, kron, trace, diag, tril/triu, outer, flip, roll), of
// torch.linalg (lib/ops/complex-linalg.ts: solve, inv, det, slogdet, matrixPower, matrixExp,
// matrixNorm, svdvals, eigvalsh, pinv), and the conj functions' observable values.
// References: PyTorch 1.13 golden values (G below, complex128, made by the torch calls named in each
// comment on the inputs a, z, m, M, H, N, B defined beside them; a complex result is its
// view_as_real flattened; a gradient entry is view_as_real(x.grad) for the loss
// sum(view_as_real(y).flatten() · w), w_k = sin(0.37·k), k = 1…), and finite differences
// (fl.gradcheck in float64 through viewAsComplex). Tolerances: TOL.complex128 (1e-10 relative,
// 1e-12 absolute); the eigen/singular value forms 1e-9 (scale 10), for LAPACK's different algorithm.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, expectClose, randomArray } from './helpers';

// torch (D = torch.complex128):
//   a = tensor([1+2j, -0.5+0.25j, 3-1j, -2-0.5j]); z = tensor([1+1j, 0, 2-1j, -1+0.5j]); m = a.reshape(2, 2)
//   M = tensor([[2+1j, -1+0.5j, 0.5-1j], [1-2j, 3+0j, -0.5+0.5j], [0.25+1j, -1-1j, 1.5+2j]])
//   H = tensor([[2, 1-1j, 0.5j], [1+1j, 3, -1+0.5j], [-0.5j, -1-0.5j, 1]])   (Hermitian)
//   N = tensor([[1+1j, 2-1j], [0.5j, -1+0j], [3-2j, 1+0.5j]]); B = tensor([[1+0j, 2-1j], [-1+1j, 0.5j], [2+0j, -1-1j]])
// prod_all a.prod(), prod1 m.prod(1), prod0k m.prod(0, keepdim=True), prod5 / prod5_grad of w.prod() at
// w = [1+1j, 0.5-2j, 2-1j, -1+0.5j, 0.3+0.7j], prod3_0 (w[:3].reshape(3, 1).expand(3, 2) * tensor([1, 1j])).prod(0), prod_z_grad / prod_zz_grad the
// gradient of x.prod() at z and at [0, 2+1j, 0, 1-1j]; cumsum1 m.cumsum(1), cumprod a.cumprod(0),
// cumprod_z_grad / cumprod_zz_grad of x.cumprod(0) at z and at [1+1j, 0, 2-1j, 0, -1+0.5j]; var1 m.var(1),
// std_c0 m.std(unbiased=False), var_all a.var(), var_grad of x.var(0) at a; vnorm_o
// linalg.vector_norm(a, o), vnorm_grad of vector_norm(x) at a, norm_dim torch.norm(m, dim=1); diff
// torch.diff(a), kron torch.kron(m, m.flip(0)), trace torch.trace(M), diag torch.diag(a[:2]), tril
// torch.tril(M), triu1 torch.triu(M, 1), outer torch.outer(a[:2], a[2:]); solve linalg.solve(M, B),
// solve_vec linalg.solve(M, B[:, 0]), solve_right linalg.solve(M, B.mT, left=False), solve_grad (M, B);
// inv, inv_grad; det, det_grad; slogdet_sign / slogdet_lad, slogdet_grad (of logabsdet);
// logdet / logdet_grad torch.logdet(M); det_batch det(stack([M, H, M.mT])); mpow3 matrix_power(M, 3), mpowm2 matrix_power(M, -2), mexp
// matrix_exp(M * 0.5); mnorm_o matrix_norm(M, o); mnorm_nuc_grad of matrix_norm(x, 'nuc') at N;
// svdvals / svdvals_grad at N; eigvalsh / eigvalsh_grad at H; eigvalsh_M_L / _U eigvalsh(M, UPLO),
// eigvalsh_M_grad at M (torch reads one triangle; its gradient is V diag(g) Vᴴ); pinv / pinv_grad at
// N; pinv_h pinv(H, hermitian=True).
const G: Record<string, number[]> = {
  prod_all: [6.875, 4.375],
  prod1: [-1.0, -0.75, -6.5, 0.5],
  prod0k: [5.0, 5.0, 1.125, -0.25],
  prod5: [-5.299999999999999, 1.65],
  prod5_grad: [1.683202329571749, -2.487189064799607, -2.05712380149568, -0.112287582759991, -1.155672972965415, -1.507359210702971, 2.311345945930829, 3.014718421405941, 4.61737578533033, -3.127427815467083],
  prod3_0: [3.5, -5.5, -5.5, -3.5],
  prod_z_grad: [0.0, -0.0, -0.928510056063294, -2.540815406680989, 0.0, -0.0, 0.0, 0.0],
  prod_zz_grad: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  cumsum1: [1.0, 2.0, 0.5, 2.25, 3.0, -1.0, 1.0, -1.5],
  cumprod: [1.0, 2.0, -1.0, -0.75, -3.75, -1.25, 6.875, 4.375],
  cumprod_z_grad: [0.361615431964962, 0.674287911628145, 3.828113549421325, 0.634494264117099, 0.0, 0.0, 0.0, 0.0],
  cumprod_zz_grad: [0.361615431964962, 0.674287911628145, 5.571970611379674, 1.528603372590553, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  var1: [2.65625, 12.625],
  std_c0: [2.171369095755026],
  var_all: [6.286458333333333],
  var_grad: [0.150673096652067, 0.436951980290996, -0.210942335312894, 0.015067309665207, 0.632827005938683, -0.286278883638928, -0.572557767277856, -0.165740406317274],
  vnorm_2: [4.422951503238534],
  vnorm_1: [8.018915444851947],
  vnorm_inf: [3.16227766016838],
  vnorm_3: [3.72626571414798],
  vnorm_grad: [0.081758850781019, 0.163517701562038, -0.040879425390509, 0.020439712695255, 0.245276552343056, -0.081758850781019, -0.163517701562038, -0.040879425390509],
  norm_dim: [2.304886114323222, 3.774917217635375],
  diff: [-1.5, -1.75, 3.5, -1.25, -5.0, 0.5],
  kron: [5.0, 5.0, -1.0, -4.5, -1.25, 1.25, 1.125, -0.25, -3.0, 4.0, -1.0, -0.75, -1.0, -0.75, 0.1875, -0.25, 8.0, -6.0, -6.5, 0.5, -6.5, 0.5, 3.75, 2.0, 5.0, 5.0, -1.25, 1.25, -1.0, -4.5, 1.125, -0.25],
  trace: [6.5, 3.0],
  diag: [1.0, 2.0, 0.0, 0.0, 0.0, 0.0, -0.5, 0.25],
  tril: [2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, -2.0, 3.0, 0.0, 0.0, 0.0, 0.25, 1.0, -1.0, -1.0, 1.5, 2.0],
  triu1: [0.0, 0.0, -1.0, 0.5, 0.5, -1.0, 0.0, 0.0, 0.0, 0.0, -0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  outer: [5.0, 5.0, -1.0, -4.5, -1.25, 1.25, 1.125, -0.25],
  solve: [0.620057347162732, 0.245247619384757, 0.735849056603774, -0.924528301886793, -0.793090020885695, 0.612552656731212, 0.424528301886793, 1.235849056603774, -0.111508371977769, -0.425926581471911, -0.650943396226416, 0.971698113207547],
  solve_vec: [0.620057347162732, 0.245247619384757, -0.793090020885695, 0.612552656731212, -0.111508371977769, -0.425926581471911],
  solve_right: [-0.293461715458954, -0.162200431873695, -0.007009097667174, 0.24751318630748, 0.555771885730469, -0.797762752663811, 0.930369216609438, -0.803745265319126, 0.044054656802011, -0.197122022018479, -0.109384402987716, 0.286948210556126],
  solve_grad: [0.300926163082751, -0.706650375903209, -0.797154120710745, 0.199503896141027, -0.477435130121927, 0.578295322020452, -0.339915660192549, -0.222638806655949, 0.027480151285097, 0.562117582742563, 0.173939249798034, 0.04002472157037, -0.713883865791266, 0.049938245745218, 0.528346901131532, 0.622221528772135, 0.600979622261725, 0.07531412606408, 0.265042441450612, 0.062138326654886, 0.232205549261228, 0.704548671935205, 0.378290545629136, 0.227946757979735, 0.141326663787133, 0.058997289577186, 0.123503950733007, -0.183880794944066, 0.422130141054495, -0.402125704673998],
  inv: [0.442493539594322, -0.151084994159085, 0.128783319763531, -0.04269177670006, 0.13182767531594, 0.112428758540125, -0.040284611844667, 0.412474777868243, 0.344755566568728, 0.078126659350773, -0.164961591560763, -0.033275514177493, -0.18188254451485, 0.22082197599915, 0.143544904244398, 0.011788027894793, 0.112853552338136, -0.389252716910333],
  inv_grad: [-0.029503172101889, -0.461399520723361, -0.273595645855409, -0.108690035113497, 0.191180822862058, -0.110146107864969, 0.032166125020786, -0.019839835378934, 0.004197753090135, 0.026129899011571, 0.029292115531919, 0.1271815814874, -0.288985990876466, 0.173554189494011, 0.139367058702209, 0.20402004955121, 0.142134592397538, -0.104534693060634],
  det: [2.9375, 14.562499999999998],
  det_grad: [5.311381481646237, 0.190315098908737, -1.793464576017801, -4.356023103700489, -2.704633693124898, -1.80534880467562, 1.541619277314215, 0.041460905689462, 3.494809607052141, -1.982767006769568, 1.523265670201049, -0.599860815018508, 1.065128511207124, -1.656494611456346, -1.685719779070362, 0.904038579912405, 2.506836547603845, 3.864919753786389],
  slogdet_sign: [0.197733985846021, 0.980255717066443],
  slogdet_lad: [2.698391536899175],
  slogdet_grad: [0.160012492462106, 0.054634665426261, -0.01456753731375, -0.149157244973476, -0.065771534901624, -0.079852634238289, 0.046570035806171, 0.015438005272744, 0.124668933127076, -0.028251805669109, 0.051908052554707, -0.004262732799191, 0.047670921754311, -0.040655974084772, -0.059652657189873, 0.01203293943315, 0.040809586077535, 0.140759789369065],
  logdet: [2.698391536899175, 1.371750603426336],
  logdet_grad: [0.058137707272226, 0.353002710148263, 0.263559219254311, -0.176320671764967, 0.083126054136444, -0.202493835340821, 0.017783486851393, 0.102275041008635, 0.177348795103192, 0.204212705334696, 0.059856577266101, 0.092527860908627, 0.123480274557277, 0.048233833798807, -0.082089934152968, -0.099198667639212, -0.221658815503515, 0.216855575494964],
  det_batch: [2.9375, 14.562499999999998, 2.25, 0.0, 2.937500000000001, 14.562499999999998],
  mpow3: [2.5, 37.9375, -36.25, -0.9375, 24.3125, 0.625, 36.6875, -34.8125, 32.3125, 25.5625, -18.0625, -17.9375, -39.65625, 6.4375, -1.375, -36.5625, -3.9375, 19.9375],
  mpowm2: [0.136591258541175, -0.070206955749447, 0.115867710122646, -0.02531231591578, 0.111294721955355, -0.0060373079826, 0.035731047090209, 0.297284588966393, 0.101886777665974, 0.101987791943936, -0.137525462042233, 0.085943113101978, 0.007665583958434, 0.279644616356713, 0.055358864400319, -0.003063174959758, -0.210872790165898, -0.085916586985666],
  mexp: [2.117397879399663, 2.780188934719804, -2.688450504419311, 0.069684814676063, 1.706688562037772, -0.544696923920995, 2.980172023240402, -3.080898366558896, 4.559727384232098, 1.595105880191268, -1.25328780956145, -0.712448750980602, -2.012088209384806, 0.868055134016611, -0.560061978480614, -2.74033220889354, 1.462555585887889, 2.49883338419767],
  mnorm_fro: [5.595757321399848],
  mnorm_nuc: [8.57122610774471],
  mnorm_2: [4.869297043547028],
  mnorm_m2: [1.238466816377218],
  mnorm_1: [5.53224755112299],
  mnorm_inf: [5.943174758686338],
  mnorm_nuc_grad: [0.067870071576136, 0.123147477197809, 0.268405916644288, -0.16184166113298, 0.016583221686502, 0.042226646631319, -0.136966828603228, -0.008291610843251, 0.267179231193333, -0.193781419055029, 0.078925552700471, 0.086448571128658],
  svdvals: [4.043392080121934, 2.48011703078851],
  svdvals_grad: [0.019644810056661, 0.198545652625824, 0.468651642279314, -0.323776242424238, 0.053670252770749, 0.036657531413705, -0.243270863268115, -0.026835126385374, 0.264670399124521, -0.227135504810944, 0.055424978570494, 0.179778205469035],
  eigvalsh: [0.449584783657627, 1.132904501950984, 4.417510714391389],
  eigvalsh_grad: [0.717615565518002, 0.0, 0.096948738211062, -0.072365997402079, 0.049165481617967, 0.011600257892056, 0.096948738211062, 0.072365997402079, 0.740816081302114, 0.0, -0.170696960638014, 0.060765739510023, 0.049165481617967, -0.011600257892056, -0.170696960638014, -0.060765739510023, 0.473170382453038, 0.0],
  eigvalsh_M_L: [-0.554747403453976, 1.769175070301807, 5.285572333152171],
  eigvalsh_M_U: [0.586727586185185, 1.648516292752428, 4.264756121062389],
  eigvalsh_M_grad: [0.62381384661556, 0.0, 0.103468755147698, 0.16710498153753, 0.06340168703953, -0.094276633126652, 0.103468755147698, -0.16710498153753, 0.700472245868541, 0.0, -0.072828348410878, 0.112660877168745, 0.06340168703953, 0.094276633126652, -0.072828348410878, -0.112660877168745, 0.607315936789055, -0.0],
  pinv: [0.022374145431945, -0.121814791796147, 0.02983219390926, -0.026103169670603, 0.181479179614668, 0.149160969546302, 0.283405842137974, 0.191423244251088, -0.146674953387197, 0.01491609695463, 0.042262274704786, -0.105655686761964],
  pinv_grad: [0.084247018008445, -0.123417915420661, -0.024477325201023, 0.111068882452468, 0.009224489649572, -0.123511833893105, 0.01562426342934, 0.128985037037117, -0.012254276054145, 0.041127937881453, -0.086043705135199, -0.017773318534985],
  pinv_h: [0.777777777777778, 0.0, -0.333333333333334, 0.222222222222222, -0.222222222222222, -0.0, -0.333333333333334, -0.222222222222222, 0.777777777777778, -0.0, 0.666666666666667, -0.222222222222222, -0.222222222222222, 0.0, 0.666666666666667, 0.222222222222222, 1.777777777777778, 0.0],
};

/** A complex128 tensor on DEVICE from interleaved (re, im) values. */
function C(vals: number[], shape: number[]): fl.Tensor {
  return fl.viewAsComplex(fl.tensor(vals, { dtype: 'float64', device: DEVICE }).reshape([...shape, 2]));
}
const a = () => C([1, 2, -0.5, 0.25, 3, -1, -2, -0.5], [4]);
const z = () => C([1, 1, 0, 0, 2, -1, -1, 0.5], [4]);
const m = () => a().reshape(2, 2);
const M = () => C([2, 1, -1, 0.5, 0.5, -1, 1, -2, 3, 0, -0.5, 0.5, 0.25, 1, -1, -1, 1.5, 2], [3, 3]);
const H = () => C([2, 0, 1, -1, 0, 0.5, 1, 1, 3, 0, -1, 0.5, 0, -0.5, -1, -0.5, 1, 0], [3, 3]);
const N = () => C([1, 1, 2, -1, 0, 0.5, -1, 0, 3, -2, 1, 0.5], [3, 2]);
const B = () => C([1, 0, 2, -1, -1, 1, 0, 0.5, 2, 0, -1, -1], [3, 2]);

/** The values of t as torch_golden encodes them: view_as_real flattened for a complex t. */
function vals(t: fl.Tensor): fl.Tensor { return t.isComplex() ? fl.viewAsReal(t).reshape(-1) : t.reshape(-1); }
function check(t: fl.Tensor, key: string, scale = 1): void { expectClose(vals(t), G[key], 'float64', scale); }

/** view_as_real of each input's gradient, concatenated, for the loss Σ view_as_real(f(...)) · w, w_k = sin(0.37 k). */
function grads(f: (...x: fl.Tensor[]) => fl.Tensor, ...ins: fl.Tensor[]): fl.Tensor {
  const xs = ins.map((x) => x.detach().clone().requiresGrad_());
  const y = vals(f(...xs));
  const w = fl.arange(1, y.numel + 1, { dtype: 'float64', device: DEVICE }).mul(0.37).sin();
  y.mul(w).sum().backward();
  return fl.cat(xs.map((x) => vals(x.grad!)));
}

/** A random complex128 leaf's real form (for gradcheck through viewAsComplex). */
const leaf = (shape: number[], seed: number): fl.Tensor =>
  fl.tensor(randomArray(shape.reduce((p, s) => p * s, 2), seed), { dtype: 'float64', device: DEVICE }).reshape([...shape, 2]).requiresGrad_();
const cw = (t: fl.Tensor): fl.Tensor => fl.viewAsComplex(t);
const re = (t: fl.Tensor): fl.Tensor => (t.isComplex() ? fl.viewAsReal(t) : t);

let live = 0;
beforeEach(() => { live = fl.memory.stats().liveTensors; });
afterEach(() => { expect(fl.memory.stats().liveTensors).toBe(live); });

describe('reductions and scans', () => {
  test('prod: all, along a dim, keepdim; gradients with zeros stay finite (torch)', () => fl.scope(() => {
    check(fl.prod(a()), 'prod_all');
    check(m().prod(1), 'prod1');
    check(fl.prod(m(), 0, true), 'prod0k');
    expect(fl.prod(m(), 0, true).shape).toEqual([1, 2]);
    expect(fl.prod(C([], [0])).toArray()).toEqual({ re: 1, im: 0 });
    const w = () => C([1, 1, 0.5, -2, 2, -1, -1, 0.5, 0.3, 0.7], [5]);
    check(w().prod(), 'prod5');
    expectClose(grads((x) => x.prod().reshape(1), w()), G.prod5_grad);
    check(w().narrow(0, 0, 3).reshape(3, 1).mul(C([1, 0, 0, 1], [2])).prod(0), 'prod3_0');
    expectClose(grads((x) => x.prod().reshape(1), z()), G.prod_z_grad);
    expectClose(grads((x) => x.prod().reshape(1), C([0, 0, 2, 1, 0, 0, 1, -1], [4])), G.prod_zz_grad);
    expect(fl.gradcheck((p) => re(cw(p).prod(1)), [leaf([3, 5], 1)])).toBe(true);
  }));

  test('cumsum and cumprod; cumprod gradients with zeros (torch)', () => fl.scope(() => {
    check(m().cumsum(1), 'cumsum1');
    check(fl.cumprod(a(), 0), 'cumprod');
    expectClose(grads((x) => x.cumprod(0), z()), G.cumprod_z_grad);
    expectClose(grads((x) => x.cumprod(0), C([1, 1, 0, 0, 2, -1, 0, 0, -1, 0.5], [5])), G.cumprod_zz_grad);
    expect(fl.gradcheck((p) => re(cw(p).cumprod(0)), [leaf([7, 2], 2)])).toBe(true);
    expect(fl.gradcheck((p) => re(cw(p).cumsum(-1)), [leaf([2, 3], 3)])).toBe(true);
    expect(fl.cumsum(a(), 0, 'complex64').dtype).toBe('complex64');
    // torch.cumsum(a, 0, dtype=torch.float64): the real parts' running sum (torch warns of the cast)
    expect(fl.cumsum(a(), 0, 'float64').toArray()).toEqual([1, 0.5, 3.5, 1.5]);
  }));

  test('var and std: real results, mean |x − μ|² with the correction', () => fl.scope(() => {
    const v = m().var(1);
    expect(v.dtype).toBe('float64');
    check(v, 'var1');
    check(fl.std(m(), false), 'std_c0');
    check(a().var(), 'var_all');
    expectClose(grads((x) => x.var(0).reshape(1), a()), G.var_grad);
    expect(fl.gradcheck((p) => fl.std(cw(p), 1, { correction: 0 }), [leaf([2, 4], 4)])).toBe(true);
  }));

  test('vector norms of complex input: real, of |z|', () => fl.scope(() => {
    for (const o of [2, 1, Infinity, 3]) check(fl.linalg.vectorNorm(a(), o), `vnorm_${o === Infinity ? 'inf' : o}`);
    expectClose(grads((x) => fl.linalg.vectorNorm(x).reshape(1), a()), G.vnorm_grad);
    check(fl.norm(m(), 2, 1), 'norm_dim');
    expect(() => fl.linalg.vectorNorm(a(), 2, null, false, { dtype: 'float64' })).toThrow(fl.DTypeError);
  }));
});

describe('layout ops', () => {
  test('diff, kron, trace, diag, tril, triu, outer (torch goldens)', () => fl.scope(() => {
    check(fl.diff(a()), 'diff');
    check(fl.kron(m(), m().flip(0)), 'kron');
    check(fl.trace(M()), 'trace');
    check(fl.diag(a().narrow(0, 0, 2)), 'diag');
    check(fl.tril(M()), 'tril');
    check(M().triu(1), 'triu1');
    check(fl.outer(a().narrow(0, 0, 2), a().narrow(0, 2, 2)), 'outer');
    expect(fl.gradcheck((p) => re(fl.tril(cw(p), -1).mul(cw(p))), [leaf([3, 3], 5)])).toBe(true);
  }));

  test('roll, flip, diagonal, allclose', () => fl.scope(() => {
    expect(fl.roll(a(), 1).toArray()).toEqual([{ re: -2, im: -0.5 }, { re: 1, im: 2 }, { re: -0.5, im: 0.25 }, { re: 3, im: -1 }]);
    expect(M().diagonal().toArray()).toEqual([{ re: 2, im: 1 }, { re: 3, im: 0 }, { re: 1.5, im: 2 }]);
    expect(fl.allclose(a(), a().add(C([0, 1e-12], []).expand(4)))).toBe(true);
    expect(fl.allclose(a(), a().add(C([0, 1e-3], []).expand(4)))).toBe(false);
  }));
});

describe('linalg', () => {
  test('solve (matrix, vector, left: false), inv, with torch gradients', () => fl.scope(() => {
    check(fl.linalg.solve(M(), B()), 'solve');
    check(fl.linalg.solve(M(), B().select(1, 0)), 'solve_vec');
    check(fl.linalg.solve(M(), B().mT, { left: false }), 'solve_right');
    expectClose(grads((A, b) => fl.linalg.solve(A, b), M(), B()), G.solve_grad);
    check(fl.linalg.inv(M()), 'inv');
    expectClose(grads((A) => fl.linalg.inv(A), M()), G.inv_grad);
    expect(fl.gradcheck((p, q) => re(fl.linalg.solve(cw(p), cw(q))), [leaf([2, 3, 3], 6), leaf([3, 2], 7)])).toBe(true);
    const [Ai, info] = fl.linalg.invEx(C(new Array(8).fill(1), [2, 2]));
    expect(info.item()).toBeGreaterThan(0);
    Ai.dispose();
    expect(() => fl.linalg.inv(C(new Array(8).fill(1), [2, 2]))).toThrow(fl.LinAlgError);
  }));

  test('det and slogdet from a complex LU (phase included), batched; gradients', () => fl.scope(() => {
    check(fl.linalg.det(M()), 'det');
    expectClose(grads((A) => fl.linalg.det(A).reshape(1), M()), G.det_grad);
    const [s, l] = fl.linalg.slogdet(M());
    check(s, 'slogdet_sign'); check(l, 'slogdet_lad');
    expectClose(grads((A) => fl.linalg.slogdet(A)[1].reshape(1), M()), G.slogdet_grad);
    check(fl.linalg.det(fl.stack([M(), H(), M().mT])), 'det_batch');
    check(fl.logdet(M()), 'logdet');
    expectClose(grads((A) => fl.logdet(A).reshape(1), M()), G.logdet_grad);
    expect(fl.logdet(C([1, 1, 2, 2, 0, 0, 0, 0], [2, 2])).toArray()).toEqual({ re: -Infinity, im: 0 });
    expect(fl.gradcheck((p) => re(fl.linalg.det(cw(p))), [leaf([2, 4, 4], 8)])).toBe(true);
    // a singular matrix: det 0, finite gradient; slogdet sign 0, logabsdet -inf
    const S = C([1, 1, 2, 2, 0, 0, 0, 0], [2, 2]).requiresGrad_();
    const d = fl.linalg.det(S);
    expect(d.toArray()).toEqual({ re: 0, im: 0 });
    fl.viewAsReal(d).sum().backward();
    expect(Array.from(fl.viewAsReal(S.grad!).dataSync()).every(Number.isFinite)).toBe(true);
    const [s0, l0] = fl.linalg.slogdet(C([1, 1, 2, 2, 0, 0, 0, 0], [2, 2]));
    expect(s0.toArray()).toEqual({ re: 0, im: 0 });
    expect(l0.item()).toBe(-Infinity);
    expect(fl.linalg.det(C([], [0, 0])).toArray()).toEqual({ re: 1, im: 0 });
  }));

  test('matrixPower, matrixExp', () => fl.scope(() => {
    check(fl.linalg.matrixPower(M(), 3), 'mpow3');
    check(fl.linalg.matrixPower(M(), -2), 'mpowm2');
    check(fl.linalg.matrixExp(M().mul(0.5)), 'mexp');
    expect(fl.gradcheck((p) => re(fl.linalg.matrixPower(cw(p), 3)), [leaf([3, 3], 9)])).toBe(true);
  }));

  test('matrixNorm, svdvals, eigvalsh, pinv', () => fl.scope(() => {
    for (const o of ['fro', 'nuc', 2, -2, 1, Infinity] as const) check(fl.linalg.matrixNorm(M(), o), `mnorm_${o === Infinity ? 'inf' : o === -2 ? 'm2' : o}`, 10);
    expectClose(grads((A) => fl.linalg.matrixNorm(A, 'nuc').reshape(1), N()), G.mnorm_nuc_grad, 'float64', 10);
    check(fl.linalg.svdvals(N()), 'svdvals', 10);
    expectClose(grads((A) => fl.linalg.svdvals(A), N()), G.svdvals_grad, 'float64', 10);
    check(fl.linalg.eigvalsh(H()), 'eigvalsh', 10);
    expectClose(grads((A) => fl.linalg.eigvalsh(A), H()), G.eigvalsh_grad, 'float64', 10);
    check(fl.linalg.eigvalsh(M()), 'eigvalsh_M_L', 10);
    check(fl.linalg.eigvalsh(M(), 'U'), 'eigvalsh_M_U', 10);
    expectClose(grads((A) => fl.linalg.eigvalsh(A), M()), G.eigvalsh_M_grad, 'float64', 10);
    check(fl.linalg.pinv(N()), 'pinv', 10);
    expectClose(grads((A) => fl.linalg.pinv(A), N()), G.pinv_grad, 'float64', 10);
    check(fl.linalg.pinv(H(), { hermitian: true }), 'pinv_h', 10);
    expect(fl.gradcheck((p) => fl.linalg.svdvals(cw(p)), [leaf([4, 3], 10)])).toBe(true);
  }));

  test('bad input: typed errors naming the op', () => fl.scope(() => {
    expect(() => fl.linalg.solve(M(), fl.ones([3], { dtype: 'float64', device: DEVICE }))).toThrow(/linalg.solve.*same dtype/);
    expect(() => fl.linalg.solve(M(), C([1, 0, 2, 0], [2]))).toThrow(fl.ShapeError);
    expect(() => fl.linalg.inv(N())).toThrow(/linalg.inv.*square/);
    expect(() => fl.linalg.det(a())).toThrow(/linalg.det.*2 dimensions/);
    expect(() => fl.linalg.cholesky(N())).toThrow(/linalg.cholesky.*square/);   // complex cholesky: test/complex-cholesky.test.ts
    expect(() => fl.linalg.lstsq(H(), H())).toThrow(fl.DTypeError);
  }));
});

describe('conj', () => {
  test('conj is materialized (isConj false); conj, conjPhysical and resolveConj give torch values', () => fl.scope(() => {
    const c = fl.conj(a());
    expect(c.isConj()).toBe(false);
    expect(fl.viewAsReal(c).reshape(-1).toArray()).toEqual([1, -2, -0.5, -0.25, 3, 1, -2, 0.5]);
    expect(fl.viewAsReal(fl.conjPhysical(a())).reshape(-1).toArray()).toEqual([1, -2, -0.5, -0.25, 3, 1, -2, 0.5]);
    expect(fl.viewAsReal(fl.resolveConj(c)).reshape(-1).toArray()).toEqual([1, -2, -0.5, -0.25, 3, 1, -2, 0.5]);
    // torch's lazy conj shares storage with its input: flintml's conj is new memory, so a write to the input does not reach it
    const x = a(), cx = x.conj();
    x.real.fill_(7);
    expect(cx.real.toArray()).toEqual([1, -0.5, 3, -2]);
    // every complex op reads conj's values: (a·conj(a)) = |a|²
    expectClose(vals(a().mul(a().conj()).real), [5, 0.3125, 10, 4.25]);
  }));
});
