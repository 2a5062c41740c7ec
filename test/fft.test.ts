// fft.test.ts — fl.fft (lib/ops/fft.ts: the native "fft", "fft_r2c" and "fft_c2r" ops of native/core/fft.h
// and their CPU / GPU kernels), the window functions (lib/ops/windows.ts) and stft / istft (lib/ops/stft.ts).
// References: a float64 naive DFT written here (O(n^2), independent of the kernels) over many
// lengths (radix 2/3/4/5 plans, primes through Bluestein), PyTorch 1.13 golden values (the torch call
// beside each, generated in float64 with x, c, m, sig as defined in `G`'s comments), torch's golden
// gradients and finite differences (fl.gradcheck). Tolerances, relative to the largest magnitude of
// the result: float64 1e-10 (times √n against the naive DFT, whose own error grows so), float32 2e-5
// (times √n there too).
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, randomArray } from './helpers';

const vals = (t: fl.Tensor): number[] => {
  const r = fl.isComplex(t) ? fl.viewAsReal(t) : t;
  return Array.from(r.to('float64').contiguous().dataSync() as ArrayLike<number>);
};
/** |got - want| <= tol * max(1, max|want|) elementwise (NaN nowhere). */
function near(got: number[], want: number[], tol: number, what = ''): void {
  expect(got.length).toBe(want.length);
  let scale = 1;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * scale)) throw new Error(`${what}[${i}]: expected ${want[i]}, got ${got[i]} (tol ${tol * scale})`);
  }
}
/** A complex tensor of (re, im) pairs. */
const cplx = (pairs: number[], shape: number[], dtype: 'float32' | 'float64' = 'float64'): fl.Tensor =>
  fl.viewAsComplex(fl.tensor(pairs, { dtype, device: DEVICE }).reshape([...shape, 2]));
const real = (v: number[], shape: number[] = [v.length], dtype: fl.DType = 'float64'): fl.Tensor => fl.tensor(v, { dtype, device: DEVICE }).reshape(shape);

/** float64 naive DFT of interleaved pairs: sign -1 forward, +1 inverse (unnormalized). */
function naiveDft(x: number[], sign: number): number[] {
  const n = x.length / 2, out = new Array<number>(2 * n).fill(0);
  const cs = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * t) / n));
  const sn = Float64Array.from({ length: n }, (_, t) => sign * Math.sin((2 * Math.PI * t) / n));
  for (let k = 0; k < n; k++) {
    let re = 0, im = 0;
    for (let j = 0, t = 0; j < n; j++, t = (t + k) % n) {
      const c = cs[t], s = sn[t];
      re += x[2 * j] * c - x[2 * j + 1] * s;
      im += x[2 * j] * s + x[2 * j + 1] * c;
    }
    out[2 * k] = re; out[2 * k + 1] = im;
  }
  return out;
}
const G = {
  // torch.fft.fft(x)
  fft_x: [4.75, 0.0, 0.4817627457812106, 2.7440404886770295, -0.3567627457812106, -8.16154806372548, -0.3567627457812106, 8.16154806372548, 0.4817627457812106, -2.7440404886770295],
  // torch.fft.fft(x, n=8, norm='ortho')
  fft_x_n8_ortho: [1.6793786053180502, 0.0, -0.3598349570550448, -0.5643398282201786, 1.5026019100214134, 0.8838834764831843, 0.8901650429449555, -2.685660171779821, -2.916815472394508, 0.0, 0.8901650429449555, 2.685660171779821, 1.5026019100214134, -0.8838834764831843, -0.3598349570550448, 0.5643398282201786],
  // torch.fft.ifft(c, norm='forward')
  ifft_c_forward: [3.75, 2.0, -3.0, 2.25, 4.25, 0.0, -1.0, 3.75],
  // torch.fft.ifft(c, n=3)
  ifft_c_n3: [1.1666666666666665, 0.6666666666666666, -0.660683602522959, -0.3436963044151784, 0.49401693585629236, 1.6770296377485114],
  // torch.fft.rfft(x)
  rfft_x: [4.75, 0.0, 0.4817627457812106, 2.7440404886770295, -0.3567627457812106, -8.16154806372548],
  // torch.fft.rfft(x, n=8)
  rfft_x_n8: [4.75, 0.0, -1.0177669529663693, -1.5961940777125587, 4.25, 2.5, 2.5177669529663693, -7.596194077712559, -8.25, 0.0],
  // torch.fft.irfft(c)
  irfft_c: [1.0416666666666665, -0.4583333333333333, -0.785683602522959, 1.2916666666666665, 0.36901693585629236, -0.4583333333333333],
  // torch.fft.irfft(c, n=7)
  irfft_c_n7: [0.9285714285714285, -0.14612956858860596, -0.9555958107325138, 0.44274525270078385, 1.1374396650354055, -0.15056058141858142, -0.2564703855679167],
  // torch.fft.irfft(c, n=3, norm='ortho')
  irfft_c_n3_ortho: [0.0, -0.13397459621556132, 1.8660254037844388],
  // torch.fft.hfft(c)
  hfft_c: [6.25, -2.75, 2.2141016151377544, 7.75, -4.714101615137754, -2.75],
  // torch.fft.hfft(c, n=5, norm='forward')
  hfft_c_n5_forward: [1.2000000000000002, -0.6873152865238543, 1.3481604995599772, 0.11708708468987582, -0.9779322977259985],
  // torch.fft.ihfft(x)
  ihfft_x: [0.9500000000000001, -0.0, 0.09635254915624213, -0.548808097735406, -0.07135254915624212, 1.632309612745096],
  // torch.fft.fft2(m)  # m = arange(12).reshape(3, 4) * 0.5 - 1
  fft2_m: [21.0, 0.0, -3.0, 3.0, -3.0, 0.0, -3.0, -3.0, -12.0, 6.928203230275509, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -12.0, -6.928203230275509, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  // torch.fft.rfft2(m)
  rfft2_m: [21.0, 0.0, -3.0, 3.0, -3.0, 0.0, -12.0, 6.928203230275509, 0.0, 0.0, 0.0, 0.0, -12.0, -6.928203230275509, 0.0, 0.0, 0.0, 0.0],
  // torch.fft.irfft2(torch.fft.rfft2(m), s=(3, 5))
  irfft2_rfft2_m_s35: [-1.0, -0.38042260651806137, -0.23511410091698925, 0.23511410091698925, 0.38042260651806137, 0.6, 1.2195773934819385, 1.3648858990830106, 1.8351141009169893, 1.9804226065180615, 2.2, 2.8195773934819384, 2.9648858990830105, 3.4351141009169894, 3.5804226065180615],
  // torch.fft.fftn(m, s=(2, 4), dim=(1, 0))
  fftn_m_s24_dim10: [7.5, 0.0, -1.5, 0.0, -8.0, -2.5, 0.0, 0.5, 2.5, 0.0, -0.5, 0.0, -8.0, 2.5, 0.0, -0.5],
  // torch.fft.ifftn(m)
  ifftn_m: [1.75, 0.0, -0.25, -0.25, -0.25, 0.0, -0.25, 0.25, -1.0, -0.5773502691896257, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.5773502691896257, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  // torch.fft.hfft2(m.to(torch.complex128))
  hfft2_m: [31.5, -6.0, 0.0, -1.5, 0.0, -6.0, -18.0, 5.999999999999999, 0.0, 0.0, 0.0, -5.999999999999999, -18.0, -5.999999999999999, 0.0, 0.0, 0.0, 5.999999999999999],
  // torch.fft.ihfft2(m)
  ihfft2_m: [1.75, -0.0, -0.25, -0.25, -0.25, -0.0, -1.0, -0.5773502691896257, 0.0, 0.0, 0.0, 0.0, -1.0, 0.5773502691896257, 0.0, 0.0, 0.0, 0.0],
  // torch.fft.fftfreq(5)
  fftfreq5: [0.0, 0.20000000298023224, 0.4000000059604645, -0.4000000059604645, -0.20000000298023224],
  // torch.fft.rfftfreq(6, d=0.5, dtype=torch.float64)
  rfftfreq6_d05: [0.0, 0.3333333333333333, 0.6666666666666666, 1.0],
  // torch.fft.fftshift(m)
  fftshift_m: [4.0, 4.5, 3.0, 3.5, 0.0, 0.5, -1.0, -0.5, 2.0, 2.5, 1.0, 1.5],
  // torch.fft.ifftshift(m, dim=1)
  ifftshift_m_dim1: [0.0, 0.5, -1.0, -0.5, 2.0, 2.5, 1.0, 1.5, 4.0, 4.5, 3.0, 3.5],
  // torch.hann_window(5, dtype=torch.float64)
  hann5: [0.0, 0.3454915028125263, 0.9045084971874737, 0.9045084971874737, 0.3454915028125264],
  // torch.hann_window(5, periodic=False, dtype=torch.float64)
  hann5_sym: [0.0, 0.49999999999999994, 1.0, 0.5000000000000001, 0.0],
  // torch.hamming_window(6, dtype=torch.float64)
  hamming6: [0.08000000000000002, 0.30999999999999994, 0.7699999999999999, 1.0, 0.7700000000000002, 0.31000000000000033],
  // torch.hamming_window(6, False, alpha=0.5, beta=0.4, dtype=torch.float64)
  hamming6_a: [0.09999999999999998, 0.37639320225002104, 0.823606797749979, 0.823606797749979, 0.3763932022500211, 0.09999999999999998],
  // torch.blackman_window(7, dtype=torch.float64)
  blackman7: [0.0, 0.09045342435412806, 0.4591829575459636, 0.9203636180999082, 0.9203636180999082, 0.4591829575459638, 0.09045342435412812],
  // torch.blackman_window(7, periodic=False, dtype=torch.float64)
  blackman7_sym: [0.0, 0.12999999999999995, 0.6299999999999999, 1.0, 0.6300000000000003, 0.13000000000000023, 0.0],
  // torch.bartlett_window(6, dtype=torch.float64)
  bartlett6: [0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 0.6666666666666667, 0.3333333333333335],
  // torch.bartlett_window(5, periodic=False, dtype=torch.float64)
  bartlett5_sym: [0.0, 0.5, 1.0, 0.5, 0.0],
  // torch.kaiser_window(6, dtype=torch.float64)
  kaiser6: [5.2773441320097665e-05, 0.054759364131249516, 0.5188447216723606, 1.0, 0.5188447216723606, 0.054759364131249516],
  // torch.kaiser_window(5, False, 5.0, dtype=torch.float64)
  kaiser5_sym_b5: [0.036710892271286676, 0.5528517696991324, 1.0, 0.5528517696991324, 0.036710892271286676],
  // torch.hann_window(4)
  hann4_f32: [0.0, 0.5, 1.0, 0.5],
  // torch.stft(sig, 8, hop_length=2, window=hann_window(8, float64), return_complex=True)  # sig = sin(0.7 k) + 0.1 k, k < 20
  stft_sig: [2.7966049261026376, 0.0, 3.3118750815485756, 0.0, 2.379774839274822, 0.0, 0.3711734354384479, 0.0, 1.7305574514879023, 0.0, 5.5293126613082535, 0.0, 6.789308355799554, 0.0, 4.746921453857402, 0.0, 4.1207009978857485, 0.0, 6.426815029660639, 0.0, 6.426815029660638, 0.0, -0.657441669170895, 3.885780586188048e-16, -2.244165628111964, 0.5587635616701193, -1.479290057094233, -1.4468266101226175, 0.5673841774081618, -0.569178000854919, -0.3199154648234514, 1.888887553818914, -3.3322395551786803, 1.846819703330031, -4.132958436881365, -0.6255461560549019, -2.0568524333845075, -1.423920228213531, -1.2144202258168306, 0.7770509111505359, -3.861192426188013, 1.5521068793901385, -3.861192426188013, -1.5521068793901371, -1.18544972998846, -0.0, 0.8179556549105075, -0.4447676351767902, 0.278051171368469, 0.7151444325407111, -0.7234365285553794, 0.33236908653335284, -0.5239720510249225, -0.7396851311382406, 0.5453204636108089, -0.7213377699544703, 0.7093451733548501, 0.35695334483745156, -0.30418971872040856, 0.7051541036454791, -0.8127496881359225, -0.25477163488584986, 0.6064003881862268, -1.2022435478786608, 0.6064003881862272, 1.2022435478786608, 0.657441669170895, -5.551115123125783e-17, -0.12673383186495646, -0.17622458848578593, 0.009313756782422633, 0.01019889227943016, -0.024232632580986457, -0.002923212826692334, -0.01755125943190544, -0.03967481731346312, 0.01826635774110219, -0.039045842630572536, 0.023760620704802893, -0.002080428084186736, -0.010189308111639317, 0.009856409026066992, -0.027224315880534755, -0.02305126532252816, 0.1939463317457395, 0.3393061030176838, 0.1939463317457395, -0.3393061030176834, -0.4257054661257176, 0.0, -0.20598747141575013, 0.0, 0.0040754186118605595, 0.0, -0.01060346798203976, 0.0, -0.007679900927343497, 0.0, 0.00799280634528543, 0.0, 0.010396929843870417, 0.0, -0.004458533424290589, 0.0, -0.011912538219172486, 0.0, -0.30512361714854475, 0.0, -0.30512361714854563, 0.0],
  // torch.stft(sig, 6, hop_length=3, win_length=4, window=hamming_window(4), pad_mode='constant', normalized=True, onesided=False, return_complex=True)
  stft_sig2: [0.16406582321578897, 0.0, 0.9225526432857067, 0.0, -0.11623811653407383, 0.0, 0.7675502524028809, 0.0, 1.710185482625563, 0.0, 0.6708243667154544, 0.0, 1.5738226588721982, 0.0, -0.08203291160789448, 0.14208517079767996, -0.6744093914520106, -0.10705125312916297, 0.1375588431416497, -0.1032024185185295, -0.5801438436738363, 0.2921245343534495, -1.2203690315208837, -0.13642092990359725, -0.40915172505549585, -0.12458695147227478, -1.140922096167214, 0.26647175171391496, -0.08203291160789448, -0.14208517079767996, 0.2510410314360802, 0.06495194326318368, -0.10818645896183854, 0.06162521011316972, 0.17765643511792265, -0.27614660173340766, 0.40308699641115925, 0.04268761308045413, 0.04444503498085001, 0.03299691695825385, 0.33594888213865337, -0.30159076272421376, 0.16406582321578897, 0.0, -0.07581592325384584, 0.0, 0.05749334817445151, 0.0, 0.03742456470894643, 0.0, -0.07562141240611439, 0.0, 0.05858901343383731, 0.0, 0.03612376918492258, 0.0, -0.08203291160789448, 0.14208517079767996, 0.2510410314360802, -0.06495194326318368, -0.10818645896183854, -0.06162521011316972, 0.17765643511792265, 0.27614660173340766, 0.40308699641115925, -0.04268761308045413, 0.04444503498085001, -0.03299691695825385, 0.33594888213865337, 0.30159076272421376, -0.08203291160789448, -0.14208517079767996, -0.6744093914520106, 0.10705125312916297, 0.1375588431416497, 0.1032024185185295, -0.5801438436738363, -0.2921245343534495, -1.2203690315208837, 0.13642092990359725, -0.40915172505549585, 0.12458695147227478, -1.140922096167214, -0.26647175171391496],
  // torch.stft(sig, 5, hop_length=2, center=False, return_complex=True)
  stft_sig3: [3.8278649340309303, 0.0, 2.9612882466900317, 0.0, 0.4989098995560435, 0.0, 2.188505476292897, 0.0, 6.8853010032960995, 0.0, 8.452372973781497, 0.0, 5.94834465206272, 0.0, 5.190133316609188, 0.0, -1.443005381239669, -0.021850368960655037, 0.7456428545775722, -1.7088695331014438, 1.2814585239228489, 0.012168133654183563, -0.7250475950147977, 2.2842270078792746, -1.942943488855441, 1.3355400518300007, -0.3504419407698527, -1.2590100452479334, 1.4087998294554267, -1.1922996234224188, 0.41432487608174595, 1.4249276332542213, -0.4709270857757961, 0.015726856696724877, 0.7373373470485622, -0.28624385899014326, 0.3065569016888923, 0.021816053428779424, -1.0481445741656201, 0.42850689542753306, -1.077873607473412, 0.2586951439250541, 0.2667219506760772, -0.20572053454122374, 0.7535251147339166, -0.1937795950127249, -0.4255893575161561, 0.2746952182039604],
  // torch.istft(S, 8, hop_length=2, window=w, length=15)
  istft_S_len15: [-1.1102230246251564e-17, 0.744217687237691, 1.18544972998846, 1.163209366648874, 0.7349881501559051, 0.14921677231038014, -0.2715757724135877, -0.2824526126243326, 0.16873336212767845, 0.9168139004843497, 1.656986598718789, 2.088168233877, 2.0545989080882814, 1.619098362349352, 1.0335208707480734],
  // x.grad of (view_as_real(rfft(x)) * W).sum(), W = [[0.5,-1],[2,0.25],[-0.75,1.5]]
  grad_rfft_x: [1.75, 0.6053547270186075, -0.07015827316149359, -2.6294351959007174, 2.8442387420436033],
  // view_as_real(c.grad) of (irfft(c, n=7) * W7).sum(), W7 = [1,-2,0.5,3,-1,0.25,2]
  grad_irfft_c_n7: [0.5357142857142857, 0.0, -0.27680812464916393, 0.3280168558161231, 0.4489294150830436, 2.0387167181082297, 0.29216442385183466, -0.5624910918971585],
  // view_as_real(c.grad) of (irfft(c) * W6).sum(), W6 = [1,-2,0.5,3,-1,0.25]
  grad_irfft_c: [0.29166666666666663, 0.0, -0.875, 0.2165063509461096, 1.7083333333333333, 1.0825317547305482, -0.125, 0.0],
  // view_as_real(c.grad) of (view_as_real(fft(c, n=6, norm='ortho')) * arange(12).reshape(6, 2)).sum()
  grad_fft_c_n6_ortho: [12.247448713915892, 14.69693845669907, 1.7931509443361073, -6.692130429902464, -1.0352761804100832, -3.8637033051562732, -2.4494897427831783, -2.4494897427831783],
  // view_as_real(c.grad) of (hfft(c, n=5) * W7[:5]).sum()
  grad_hfft_c_n5: [1.5, -0.0, -5.517220926874317, -4.841039294052673, 9.017220926874316, 3.579712076890821, 0.0, 0.0],
  // sig.grad of (view_as_real(stft(sig, 8, hop_length=2, window=w, return_complex=True)) ** 2).sum()
  grad_stft: [3.9238432650433324, 22.634834401615173, 23.265008418891526, 20.18826017645729, 12.936936848552161, 4.91399254347252, -0.8449753972830232, -0.4233942979823462, 6.6966156136476735, 18.246845001231165, 29.682436070381, 36.507305377179286, 36.59477637674613, 30.684685491049773, 22.59896024206499, 18.09752882914743, 21.293223124276782, 37.16063905824614, 60.75917550623458, 42.49131402894456],
};

const x = (): fl.Tensor => real([1, 2, -3, 4.5, 0.25]);
const c = (): fl.Tensor => cplx([1, 2, -0.5, 1, 3, -1, 0.25, 0], [4]);
const m = (): fl.Tensor => fl.arange(12, { dtype: 'float64', device: DEVICE }).reshape([3, 4]).mul(0.5).sub(1);
const sig = (): fl.Tensor => {
  const k = fl.arange(20, { dtype: 'float64', device: DEVICE });
  return fl.sin(k.mul(0.7)).add(k.mul(0.1));
};
const TOL64 = 1e-10;

describe('fft kernel against a float64 naive DFT', () => {
  const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 25, 27, 30, 64, 97, 100, 125, 128, 243, 360, 1000, 1009, 1024, 4096];
  for (const dtype of ['float64', 'float32'] as const) {
    test(`${dtype}: every length, forward and inverse`, () => {
      for (const n of lengths) {
        if (dtype === 'float32' && n > 1024 && n !== 4096) continue;
        fl.scope(() => {
          const data = randomArray(2 * n, n + 7, -1, 1);
          const z = cplx(data, [n], dtype);
          const tol = dtype === 'float64' ? TOL64 : 2e-5;
          near(vals(fl.fft.fft(z)), naiveDft(data, -1), tol * Math.sqrt(n), `fft n=${n}`);
          near(vals(fl.fft.ifft(z, null, -1, 'forward')), naiveDft(data, 1), tol * Math.sqrt(n), `ifft n=${n}`);
        });
      }
    });
  }

  test('a batch of transforms along a middle dim, and a long prime (Bluestein, 4099)', () => {
    fl.scope(() => {
      const [a, n, b] = [3, 17, 2];
      const data = randomArray(2 * a * n * b, 11);
      const z = cplx(data, [a, n, b]);
      const got = vals(fl.fft.fft(z, null, 1));
      for (let i = 0; i < a; i++) for (let k = 0; k < b; k++) {
        const row: number[] = [];
        for (let j = 0; j < n; j++) row.push(data[2 * ((i * n + j) * b + k)], data[2 * ((i * n + j) * b + k) + 1]);
        const want = naiveDft(row, -1);
        const have: number[] = [];
        for (let j = 0; j < n; j++) have.push(got[2 * ((i * n + j) * b + k)], got[2 * ((i * n + j) * b + k) + 1]);
        near(have, want, TOL64, `batch ${i},${k}`);
      }
      const p = 4099, d2 = randomArray(2 * p, 5);
      near(vals(fl.fft.fft(cplx(d2, [p]))), naiveDft(d2, -1), 1e-9, 'n=4099');
    });
  });

  test('round trips: ifft(fft(z)) for large power-of-two and mixed lengths on a batch', () => {
    fl.scope(() => {
      for (const n of [65536, 3 * 5 * 4 * 128, 2 * 1031]) {
        const data = randomArray(2 * n * 2, n);
        const z = cplx(data, [2, n]);
        near(vals(fl.fft.ifft(fl.fft.fft(z))), data, 1e-12, `n=${n}`);
        const z32 = cplx(data, [2, n], 'float32');
        near(vals(fl.fft.ifft(fl.fft.fft(z32))), data, 1e-5, `f32 n=${n}`);
      }
    });
  });
});

/** float64 naive one-sided DFT of real x at bins ks: (re, im) pairs, angles from exact (j k) mod n. */
function naiveRfftBins(x: number[], ks: number[]): number[] {
  const n = x.length, out: number[] = [];
  for (const k of ks) {
    let re = 0, im = 0;
    for (let j = 0; j < n; j++) {
      const a = (2 * Math.PI * ((j * k) % n)) / n;
      re += x[j] * Math.cos(a);
      im -= x[j] * Math.sin(a);
    }
    out.push(re, im);
  }
  return out;
}
/**
 * float64 naive unnormalized inverse of the Hermitian extension of a one-sided spectrum (pairs, n/2 + 1
 * bins, n even) at samples js: X0.re + XN.re (-1)^j + 2 sum_{0<k<n/2} Re(X[k] e^{2 pi i jk/n}); the
 * imaginary parts of the zero and n/2 bins drop out, as torch's irfft ignores them.
 */
function naiveIrfftAt(X: number[], n: number, js: number[]): number[] {
  const N = n / 2;
  return js.map((j) => {
    let v = X[0] + X[2 * N] * (j % 2 === 0 ? 1 : -1);
    for (let k = 1; k < N; k++) {
      const a = (2 * Math.PI * ((j * k) % n)) / n;
      v += 2 * (X[2 * k] * Math.cos(a) - X[2 * k + 1] * Math.sin(a));
    }
    return v;
  });
}

/**
 * f's Hessian times v at x0 (float64) by autograd's double backward (createGraph), against central
 * differences (step 1e-6) of f's first gradient along v: relative tolerance 1e-6.
 */
function hvpCheck(f: (t: fl.Tensor) => fl.Tensor, x0: number[], shape: number[], v: number[]): void {
  const firstGrad = (xv: number[]): number[] => fl.scope(() => {
    const t = real(xv, shape).requiresGrad_();
    const [d] = fl.autograd.grad([f(t)], [t]);
    return vals(d!);
  });
  const t = real(x0, shape).requiresGrad_();
  const [d] = fl.autograd.grad([f(t)], [t], { createGraph: true });
  const [hv] = fl.autograd.grad([d!.mul(real(v, shape)).sum()], [t]);
  const eps = 1e-6;
  const gp = firstGrad(x0.map((a, i) => a + eps * v[i])), gm = firstGrad(x0.map((a, i) => a - eps * v[i]));
  near(vals(hv!), gp.map((a, i) => (a - gm[i]) / (2 * eps)), 1e-6, 'H v');
}

describe('real transforms of even length (the native r2c / c2r: an n/2-point FFT and a split pass)', () => {
  // 2, 4: the smallest (N = 1, 2); 6, 10: N = 3, 5 (radix 3 / 5); 2^k; 2 * 17, 2 * 1009: N prime (Bluestein);
  // 360: mixed radix
  const lengths = [2, 4, 6, 8, 10, 12, 16, 34, 64, 360, 1024, 2018];
  for (const dtype of ['float64', 'float32'] as const) {
    test(`${dtype}: rfft and irfft against the float64 naive DFT, every length`, () => {
      const tol = dtype === 'float64' ? TOL64 : 2e-5;
      for (const n of lengths) {
        fl.scope(() => {
          const data = randomArray(n, 3 * n + 1);
          const all = Array.from({ length: n / 2 + 1 }, (_, k) => k);
          near(vals(fl.fft.rfft(real(data, [n], dtype))), naiveRfftBins(data, all), tol * Math.sqrt(n), `rfft n=${n}`);
          // a spectrum with nonzero imaginary parts at the zero and n/2 bins (ignored)
          const spec = randomArray(2 * (n / 2 + 1), 5 * n + 2);
          const js = Array.from({ length: n }, (_, j) => j);
          near(vals(fl.fft.irfft(cplx(spec, [n / 2 + 1], dtype), null, -1, 'forward')), naiveIrfftAt(spec, n, js), tol * Math.sqrt(n), `irfft n=${n}`);
        });
      }
    });
  }

  test('batches along a middle dim, padding / trimming to n, hfft and ihfft', () => {
    fl.scope(() => {
      const [a, n, b] = [3, 10, 4];
      const data = randomArray(a * n * b, 21);
      const got = vals(fl.fft.rfft(real(data, [a, n, b]), null, 1));
      const h = n / 2 + 1;
      for (let i = 0; i < a; i++) for (let k = 0; k < b; k++) {
        const row = Array.from({ length: n }, (_, j) => data[(i * n + j) * b + k]);
        const have: number[] = [];
        for (let f = 0; f < h; f++) have.push(got[2 * ((i * h + f) * b + k)], got[2 * ((i * h + f) * b + k) + 1]);
        near(have, naiveRfftBins(row, Array.from({ length: h }, (_, f) => f)), TOL64, `rfft batch ${i},${k}`);
      }
      // n = 8 from 5 samples (zero-padded), n = 4 from 5 (trimmed)
      const x5 = [1, 2, -3, 4.5, 0.25];
      near(vals(fl.fft.rfft(real(x5), 8)), naiveRfftBins([...x5, 0, 0, 0], [0, 1, 2, 3, 4]), TOL64, 'rfft n=8');
      near(vals(fl.fft.rfft(real(x5), 4)), naiveRfftBins(x5.slice(0, 4), [0, 1, 2]), TOL64, 'rfft n=4');
      // irfft along dim 0 of [h, 3] with n = 12 (the input padded from 5 to 7 bins)
      const spec = randomArray(2 * 5 * 3, 22);
      const y = vals(fl.fft.irfft(cplx(spec, [5, 3]), 12, 0, 'forward'));
      for (let k = 0; k < 3; k++) {
        const col: number[] = [];
        for (let f = 0; f < 7; f++) col.push(f < 5 ? spec[2 * (f * 3 + k)] : 0, f < 5 ? spec[2 * (f * 3 + k) + 1] : 0);
        near(Array.from({ length: 12 }, (_, j) => y[j * 3 + k]), naiveIrfftAt(col, 12, Array.from({ length: 12 }, (_, j) => j)), TOL64, `irfft col ${k}`);
      }
      // hfft(c, n) = irfft(conj c, n) * n; ihfft(x) = conj(rfft(x)) / n
      const c6 = randomArray(2 * 4, 23);
      const conj = c6.map((v, i) => (i % 2 ? -v : v));
      near(vals(fl.fft.hfft(cplx(c6, [4]), 6)), naiveIrfftAt(conj, 6, [0, 1, 2, 3, 4, 5]), TOL64, 'hfft');
      const x6 = randomArray(6, 24);
      near(vals(fl.fft.ihfft(real(x6))), naiveRfftBins(x6, [0, 1, 2, 3]).map((v, i) => (i % 2 ? -v : v) / 6), TOL64, 'ihfft');
    });
  });

  test('n = 2^16 (float64 and float32) at 64 bins / samples against the naive sums, and the round trip', () => {
    fl.scope(() => {
      const n = 65536;
      const data = randomArray(n, 77);
      const ks = [0, 1, 2, 3, 1000, 12345, 16383, 16384, 16385, 32767, 32768];
      for (let i = 0; ks.length < 64; i++) ks.push((i * 7919 + 13) % (n / 2 + 1));
      const want = naiveRfftBins(data, ks);
      for (const [dtype, tol] of [['float64', 1e-12], ['float32', 2e-6]] as const) {
        const X = fl.fft.rfft(real(data, [n], dtype));
        const all = vals(X);
        near(ks.flatMap((k) => [all[2 * k], all[2 * k + 1]]), want, tol, `rfft 2^16 ${dtype}`);
        near(vals(fl.fft.irfft(X)), data, dtype === 'float64' ? 1e-13 : 1e-5, `irfft(rfft) 2^16 ${dtype}`);
        const spec = vals(X);
        const js = ks.map((k) => (k * 3) % n);
        const y = vals(fl.fft.irfft(X, null, -1, 'forward'));
        near(js.map((j) => y[j]), naiveIrfftAt(spec, n, js), dtype === 'float64' ? 1e-12 : 2e-6, `irfft 2^16 ${dtype}`);
      }
    });
  });

  test('gradients: finite differences (float64) through r2c and c2r, both along inner dims, and second derivatives', () => {
    fl.scope(() => {
      const a = real(randomArray(2 * 6 * 3, 31), [2, 6, 3]).requiresGrad_();
      const W = real(randomArray(2 * 4 * 3 * 2, 32), [2, 4, 3, 2]);
      expect(fl.gradcheck((t) => fl.viewAsReal(fl.fft.rfft(t, null, 1, 'ortho')).mul(W).sum(), [a])).toBe(true);
      const s = real(randomArray(2 * 5 * 2, 33), [2, 5, 2]).requiresGrad_();
      expect(fl.gradcheck((t) => fl.fft.irfft(fl.viewAsComplex(t), 8).pow(2).sum(), [s])).toBe(true);
      expect(fl.gradcheck((t) => fl.fft.hfft(fl.viewAsComplex(t), 8, 0).pow(2).sum(), [s])).toBe(true);
      const r = real(randomArray(4 * 6, 34), [4, 6]).requiresGrad_();
      expect(fl.gradcheck((t) => fl.viewAsReal(fl.fft.ihfft2(t)).pow(3).sum(), [r])).toBe(true);
      const V = real(randomArray(4 * 4 * 2, 38), [4, 4, 2]);
      expect(fl.gradcheck((t) => fl.fft.irfftn(fl.viewAsComplex(fl.viewAsReal(fl.fft.rfftn(t, null, null, 'ortho')).mul(V)), [4, 6]).pow(2).sum(), [r])).toBe(true);
      // n = 2 (no interior bins) and n = 4
      const e = real([0.5, -1.25], [2]).requiresGrad_();
      expect(fl.gradcheck((t) => fl.viewAsReal(fl.fft.rfft(t)).pow(2).sum(), [e])).toBe(true);
      const f = real(randomArray(3 * 2, 35), [3, 2]).requiresGrad_();
      expect(fl.gradcheck((t) => fl.fft.irfft(fl.viewAsComplex(t)).pow(2).sum(), [f])).toBe(true);
      // second derivatives: double backward's Hessian-vector product against central differences of the gradient
      hvpCheck((t) => fl.viewAsReal(fl.fft.rfft(t)).pow(3).sum(), randomArray(8, 36), [8], randomArray(8, 39));
      hvpCheck((t) => fl.fft.irfft(fl.viewAsComplex(t)).pow(3).sum(), randomArray(10, 37), [5, 2], randomArray(10, 40));
    });
  });
});

describe('fft: torch 1.13 golden values', () => {
  test('1-D transforms, n, norm', () => {
    fl.scope(() => {
      near(vals(fl.fft.fft(x())), G.fft_x, TOL64);
      near(vals(fl.fft.fft(x(), 8, -1, 'ortho')), G.fft_x_n8_ortho, TOL64);
      near(vals(fl.fft.ifft(c(), { norm: 'forward' })), G.ifft_c_forward, TOL64);
      near(vals(fl.fft.ifft(c(), 3)), G.ifft_c_n3, TOL64);
      near(vals(fl.fft.rfft(x())), G.rfft_x, TOL64);
      near(vals(fl.fft.rfft(x(), { n: 8 })), G.rfft_x_n8, TOL64);
      near(vals(fl.fft.irfft(c())), G.irfft_c, TOL64);
      near(vals(fl.fft.irfft(c(), 7)), G.irfft_c_n7, TOL64);
      near(vals(fl.fft.irfft(c(), 3, -1, 'ortho')), G.irfft_c_n3_ortho, TOL64);
      near(vals(fl.fft.hfft(c())), G.hfft_c, TOL64);
      near(vals(fl.fft.hfft(c(), 5, { norm: 'forward' })), G.hfft_c_n5_forward, TOL64);
      near(vals(fl.fft.ihfft(x())), G.ihfft_x, TOL64);
    });
  });

  test('2-D and n-D transforms', () => {
    fl.scope(() => {
      near(vals(fl.fft.fft2(m())), G.fft2_m, TOL64);
      near(vals(fl.fft.rfft2(m())), G.rfft2_m, TOL64);
      near(vals(fl.fft.irfft2(fl.fft.rfft2(m()), [3, 5])), G.irfft2_rfft2_m_s35, TOL64);
      near(vals(fl.fft.fftn(m(), [2, 4], [1, 0])), G.fftn_m_s24_dim10, TOL64);
      near(vals(fl.fft.ifftn(m())), G.ifftn_m, TOL64);
      near(vals(fl.fft.hfft2(m().to('complex128'))), G.hfft2_m, TOL64);
      near(vals(fl.fft.ihfft2(m())), G.ihfft2_m, TOL64);
      expect(fl.fft.rfft2(m()).shape).toEqual([3, 3]);
      expect(fl.fft.irfft2(fl.fft.rfft2(m()), [3, 5]).shape).toEqual([3, 5]);
    });
  });

  test('dtypes: float32 and integers -> complex64, float64 -> complex128; real results of the parts dtype', () => {
    fl.scope(() => {
      expect(fl.fft.fft(fl.tensor([1, 2, 3], { dtype: 'int32', device: DEVICE })).dtype).toBe('complex64');
      expect(fl.fft.rfft(fl.tensor([1, 0], { dtype: 'bool', device: DEVICE })).dtype).toBe('complex64');
      expect(fl.fft.fft(x()).dtype).toBe('complex128');
      expect(fl.fft.irfft(c()).dtype).toBe('float64');
      expect(fl.fft.irfft(c().to('complex64')).dtype).toBe('float32');
      near(vals(fl.fft.fft(x().to('float32'))), G.fft_x, 1e-6);
    });
  });

  test('fftfreq, rfftfreq, fftshift, ifftshift', () => {
    fl.scope(() => {
      near(vals(fl.fft.fftfreq(5, { device: DEVICE })), G.fftfreq5, 1e-7);
      const f = fl.fft.rfftfreq(6, 0.5, { dtype: 'float64', device: DEVICE });
      expect(f.dtype).toBe('float64');
      near(vals(f), G.rfftfreq6_d05, 0);
      near(vals(fl.fft.fftshift(m())), G.fftshift_m, 0);
      near(vals(fl.fft.ifftshift(m(), 1)), G.ifftshift_m_dim1, 0);
      near(vals(fl.fft.ifftshift(fl.fft.fftshift(fl.arange(7, { dtype: 'float64', device: DEVICE })))), [0, 1, 2, 3, 4, 5, 6], 0);
      const z = c();
      near(vals(fl.fft.fftshift(z)), vals(fl.viewAsReal(z)).slice(4).concat(vals(fl.viewAsReal(z)).slice(0, 4)), 0);
    });
  });

  test('empty batches keep their shape', () => {
    fl.scope(() => {
      expect(fl.fft.fft(fl.zeros([0, 4], { device: DEVICE })).shape).toEqual([0, 4]);
      expect(fl.fft.rfft(fl.zeros([2, 0, 6], { device: DEVICE })).shape).toEqual([2, 0, 4]);
    });
  });
});

describe('fft gradients', () => {
  test('torch golden gradients (rfft, irfft odd and even n, fft with padding and ortho, hfft)', () => {
    fl.scope(() => {
      const W = real([0.5, -1, 2, 0.25, -0.75, 1.5], [3, 2]);
      const xg = x().requiresGrad_();
      fl.viewAsReal(fl.fft.rfft(xg)).mul(W).sum().backward();
      near(vals(xg.grad!), G.grad_rfft_x, TOL64);
      const W7 = real([1, -2, 0.5, 3, -1, 0.25, 2]);
      let cg = c().requiresGrad_();
      fl.fft.irfft(cg, 7).mul(W7).sum().backward();
      near(vals(cg.grad!), G.grad_irfft_c_n7, TOL64);
      cg = c().requiresGrad_();
      fl.fft.irfft(cg).mul(W7.narrow(0, 0, 6)).sum().backward();
      near(vals(cg.grad!), G.grad_irfft_c, TOL64);
      cg = c().requiresGrad_();
      fl.viewAsReal(fl.fft.fft(cg, 6, -1, 'ortho')).mul(fl.arange(12, { dtype: 'float64', device: DEVICE }).reshape([6, 2])).sum().backward();
      near(vals(cg.grad!), G.grad_fft_c_n6_ortho, TOL64);
      cg = c().requiresGrad_();
      fl.fft.hfft(cg, 5).mul(W7.narrow(0, 0, 5)).sum().backward();
      near(vals(cg.grad!), G.grad_hfft_c_n5, TOL64);
    });
  });

  test('finite differences (float64): fft along a dim, irfft, rfftn, Bluestein length', () => {
    fl.scope(() => {
      const a = real(randomArray(2 * 3 * 7, 3), [3, 7, 2]).requiresGrad_();
      expect(fl.gradcheck((t) => fl.viewAsReal(fl.fft.fft(fl.viewAsComplex(t), null, 0, 'ortho')).mul(fl.viewAsReal(fl.fft.fft(fl.viewAsComplex(t)))).sum(), [a])).toBe(true);
      const h = real(randomArray(2 * 5, 4), [5, 2]).requiresGrad_();
      expect(fl.gradcheck((t) => fl.fft.irfft(fl.viewAsComplex(t), 9).pow(2).sum(), [h])).toBe(true);
      const r = real(randomArray(12, 6), [3, 4]).requiresGrad_();
      expect(fl.gradcheck((t) => fl.viewAsReal(fl.fft.rfftn(t, null, null, 'forward')).pow(3).sum(), [r])).toBe(true);
    });
  });

  test('second derivatives flow through the transform (createGraph)', () => {
    fl.scope(() => {
      const a = real(randomArray(10, 8), [5, 2]).requiresGrad_();
      const y = fl.viewAsReal(fl.fft.fft(fl.viewAsComplex(a))).pow(2).sum();
      const [g] = fl.autograd.grad([y], [a], { createGraph: true });
      // y = 5 * |a|^2 (Parseval): dy/da = 10 a, d(sum g)/da = 10
      near(vals(g!), vals(a).map((v) => 10 * v), 1e-10);
      const [gg] = fl.autograd.grad([g!.sum()], [a]);
      near(vals(gg!), new Array(10).fill(10), 1e-10);
    });
  });
});

describe('windows', () => {
  test('torch golden values (periodic and symmetric, float64), float32, N = 0 and 1', () => {
    fl.scope(() => {
      const o = { dtype: 'float64' as const, device: DEVICE };
      near(vals(fl.hannWindow(5, o)), G.hann5, 1e-15);
      near(vals(fl.hannWindow(5, false, o)), G.hann5_sym, 1e-15);
      near(vals(fl.hammingWindow(6, o)), G.hamming6, 1e-15);
      near(vals(fl.hammingWindow(6, false, 0.5, 0.4, o)), G.hamming6_a, 1e-15);
      near(vals(fl.blackmanWindow(7, o)), G.blackman7, 1e-15);
      near(vals(fl.blackmanWindow(7, false, o)), G.blackman7_sym, 1e-15);
      near(vals(fl.bartlettWindow(6, o)), G.bartlett6, 1e-15);
      near(vals(fl.bartlettWindow(5, false, o)), G.bartlett5_sym, 1e-15);
      near(vals(fl.kaiserWindow(6, o)), G.kaiser6, 1e-13);
      near(vals(fl.kaiserWindow(5, false, 5, o)), G.kaiser5_sym_b5, 1e-13);
      const h = fl.hannWindow(4, { device: DEVICE });
      expect(h.dtype).toBe('float32');
      near(vals(h), G.hann4_f32, 1e-7);
      expect(fl.hannWindow(0, { device: DEVICE }).shape).toEqual([0]);
      near(vals(fl.kaiserWindow(1, { device: DEVICE })), [1], 0);
      expect(fl.bartlettWindow(3, { requiresGrad: true, device: DEVICE }).requiresGrad).toBe(true);
    });
  });
});

describe('stft / istft', () => {
  test('torch golden values', () => {
    fl.scope(() => {
      const w = fl.hannWindow(8, { dtype: 'float64', device: DEVICE });
      const S = fl.stft(sig(), 8, { hopLength: 2, window: w, returnComplex: true });
      expect(S.shape).toEqual([5, 11]);
      near(vals(S), G.stft_sig, TOL64);
      const S2 = fl.stft(sig(), 6, 3, 4, fl.hammingWindow(4, { dtype: 'float64', device: DEVICE }), true, 'constant', true, false, true);
      near(vals(S2), G.stft_sig2, TOL64);
      near(vals(fl.stft(sig(), 5, { hopLength: 2, center: false, returnComplex: true })), G.stft_sig3, TOL64);
      near(vals(fl.istft(S, 8, { hopLength: 2, window: w, length: 15 })), G.istft_S_len15, TOL64);
      // torch's promotion: a float64 window makes a float32 signal's spectrum complex128
      // (torch.stft(sig.float(), 8, window=hann_window(8, dtype=float64), return_complex=True).dtype)
      expect(fl.stft(sig().to('float32'), 8, { hopLength: 2, window: w, returnComplex: true }).dtype).toBe('complex128');
      near(vals(fl.stft(sig().to('float32'), 8, { hopLength: 2, window: w, returnComplex: true })), G.stft_sig, 1e-6);
      // torch 1.13's default for a real input: the real view
      expect(sig().stft(8, { hopLength: 2, window: w }).shape).toEqual([5, 11, 2]);
    });
  });

  test('istft(stft(x)) is x (COLA windows, batches, both pad modes, odd lengths)', () => {
    fl.scope(() => {
      const data = randomArray(2 * 101, 9);
      const xs = real(data, [2, 101]);
      for (const [nFft, hop, win] of [[16, 4, fl.hannWindow(16, { dtype: 'float64', device: DEVICE })], [15, 5, null], [32, 8, fl.kaiserWindow(32, { dtype: 'float64', device: DEVICE })]] as const) {
        const S = fl.stft(xs, nFft, { hopLength: hop, window: win, returnComplex: true });
        const y = fl.istft(S, nFft, { hopLength: hop, window: win, length: 101 });
        near(vals(y), data, 1e-10, `nFft=${nFft}`);
      }
      const z = cplx(randomArray(2 * 40, 2), [40]);
      const Sz = fl.stft(z, 8, { hopLength: 2, window: fl.hannWindow(8, { dtype: 'float64', device: DEVICE }) });
      expect(Sz.shape).toEqual([8, 21]);
      near(vals(fl.istft(Sz, 8, { hopLength: 2, window: fl.hannWindow(8, { dtype: 'float64', device: DEVICE }), length: 40, returnComplex: true })), vals(z), 1e-10);
    });
  });

  test('gradient: torch golden and finite differences', () => {
    fl.scope(() => {
      const w = fl.hannWindow(8, { dtype: 'float64', device: DEVICE });
      const s = sig().requiresGrad_();
      fl.viewAsReal(fl.stft(s, 8, { hopLength: 2, window: w, returnComplex: true })).pow(2).sum().backward();
      near(vals(s.grad!), G.grad_stft, TOL64);
      const a = real(randomArray(24, 1), [24]).requiresGrad_();
      expect(fl.gradcheck((t) => {
        const S = fl.stft(t, 8, { hopLength: 4, window: w, returnComplex: true });
        return fl.istft(S, 8, { hopLength: 4, window: w }).mul(fl.arange(24, { dtype: 'float64', device: DEVICE })).sum();
      }, [a])).toBe(true);
    });
  });
});

describe('refusals', () => {
  test('typed errors naming the op', () => {
    fl.scope(() => {
      const v = real([1, 2, 3, 4]);
      expect(() => fl.fft.fft(v, 0)).toThrow(fl.ValueError);
      expect(() => fl.fft.fft(v, 0)).toThrow(/fft\.fft: Invalid number of data points \(0\)/);
      expect(() => fl.fft.fft(v, null, 1)).toThrow(fl.IndexError);
      expect(() => fl.fft.fft(v.to('float16'))).toThrow(fl.DTypeError);
      expect(() => fl.fft.rfft(c())).toThrow(/expects a real input/);
      expect(() => fl.fft.irfft(cplx([1, 0], [1]))).toThrow(/Invalid number of data points \(0\)/);
      expect(() => fl.fft.fft(v, { norm: 'bad' as never })).toThrow(/Invalid normalization mode/);
      expect(() => fl.fft.fftn(m(), [2], [0, 1])).toThrow(/same length/);
      expect(() => fl.fft.fft2(m(), null, [0, 0])).toThrow(/unique/);
      expect(() => fl.fft.fft(fl.tensor(1, { device: DEVICE }))).toThrow(fl.ValueError);
      // torch: an empty transformed dim without n, and zero-padding an input that has an empty dim
      expect(() => fl.fft.fft(fl.zeros([3, 0], { device: DEVICE }))).toThrow(/Invalid number of data points \(0\)/);
      expect(() => fl.fft.fft(fl.zeros([0, 3], { device: DEVICE }), 5)).toThrow(/negative output size/);
      expect(fl.fft.fft(fl.zeros([0, 3], { device: DEVICE }), 2).shape).toEqual([0, 2]);
      expect(() => fl.fft.fftshift(fl.tensor(1, { device: DEVICE }))).toThrow(/shifts/);
      expect(() => fl.stft(fl.arange(20, { dtype: 'int32', device: DEVICE }), 8, { returnComplex: true })).toThrow(fl.DTypeError);
      expect(() => fl.hannWindow(4, { dtype: 'int32' })).toThrow(fl.DTypeError);
      expect(() => fl.hannWindow(-1)).toThrow(/non-negative/);
      expect(() => fl.stft(sig(), 8, { hopLength: 0, returnComplex: true })).toThrow(/hop_length > 0/);
      expect(() => fl.stft(sig(), 41, { returnComplex: true, center: false })).toThrow(/n_fft/);
      expect(() => fl.stft(sig(), 8, { window: fl.hannWindow(7, { device: DEVICE }), returnComplex: true })).toThrow(fl.ShapeError);
      expect(() => fl.istft(fl.stft(sig(), 8, { returnComplex: true }), 8, { window: fl.zeros([8], { dtype: 'float64', device: DEVICE }) })).toThrow(/NOLA/);
    });
  });
});
