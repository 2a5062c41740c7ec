// complex-eigh.test.ts — torch.linalg.eigh and linalg.qr on complex matrices (lib/ops/complex-linalg.ts:
// Householder tridiagonalization, a diagonal of phases, the real eigh). References: torch 1.13's
// eigenvalues, eigenvectors (compared up to each column's phase, the only freedom) and gradients of a
// phase-invariant loss, pasted below (python: torch.manual_seed(3); re, im = round(randn(2, 3, 3) * 100)
// / 100; loss = (w * c1).sum() + (V.abs()**2 * C2).sum()); and float64 identities (A V = V diag(w),
// VᴴV = I) on degenerate spectra, where the eigenvectors are any unitary basis of each eigenspace.
import * as fl from '../lib';
import { DEVICE } from './helpers';

const A_RE = [[[-0.22, 0.15, -2.22], [-0.47, -1.35, -0.28], [0.17, 0.76, 1.08]], [[0.34, 1.0, -0.22], [-0.58, -1.22, -0.27], [0.2, 0.03, 0.24]]];
const A_IM = [[[-0.42, -1.66, 1.11], [-0.77, 0.98, 1.42], [-0.02, -0.5, 0.94]], [[1.08, 1.22, 1.22], [0.06, 0.8, 0.92], [-0.76, 0.07, -0.0]]];
const C1 = [0.3, -0.7, 1.1];
const C2 = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75]];
const TORCH = {
  L: { w: [[-2.090091895526162, 0.1958651672049763, 1.4042267283211856], [-1.4432754052051044, -0.367365033551986, 1.17064043875709]],
    gRe: [[[-0.5146064084761175, 0.14028893187202543, -0.4485135982308378], [0.14028893187202546, 0.17857578564883775, 0.10928483714718604], [-0.44851359823083775, 0.109284837147186, 1.0360306228272798]], [[1.4023922156426964, 0.01961312609810051, 0.08983616466901422], [0.019613126098100564, 0.02319583988569132, -0.31908474699668204], [0.08983616466901419, -0.31908474699668204, -0.7255880555283877]]],
    gIm: [[[0.0, -0.04393587775818884, 0.4611902531205532], [0.04393587775818886, 3.469446951953614e-18, -0.04306604792304988], [-0.4611902531205532, 0.043066047923049924, -1.3877787807814457e-17]], [[0.0, 0.06336854634264893, 0.5192622723065055], [-0.06336854634264892, -1.214306433183765e-17, -0.4413679007694211], [-0.5192622723065055, 0.4413679007694211, 8.673617379884035e-18]]],
    vRe: [[[-0.4360141613105608, 0.8912935938292031, 0.12444830547529348], [-0.46776539625485936, -0.22532343648805597, -0.025094768826716407], [0.249227737476294, 0.19472195490404282, -0.5214021019008525]], [[-0.3627329154092066, 0.5625459327584056, 0.7429447527344899], [-0.9107678139225205, -0.3277253123079514, -0.19652191144332354], [0.06494781243238487, -0.15998580751204092, 0.1528486125651391]]],
    vIm: [[[0.0, 0.0, 0.0], [-0.7209014442748675, -0.3048691245212965, -0.3422733705231966], [0.09630071504428359, 0.154800696898311, -0.7712792359489042]], [[0.0, 0.0, 0.0], [0.13507768271129628, 0.07868059764357511, 0.0063741906080691906], [-0.1283067515570595, 0.7378022080197381, -0.6212961484171249]]] },
  U: { w: [[-3.8757957464438033, 0.21802484249525028, 3.1677709039485533], [-2.435211236085734, -0.5181900142002808, 2.3134012502860157]],
    gRe: [[[0.5577823884815991, 0.2809343105141321, -0.38388135531130313], [0.28093431051413215, -0.4077696635989529, -0.25114302449617987], [-0.3838813553113032, -0.25114302449618, 0.5499872751173539]], [[0.7908380731035136, 0.49894046179241447, -0.5214515171243447], [0.49894046179241447, -0.06530226871513051, 0.6262581087440127], [-0.5214515171243448, 0.6262581087440128, -0.02553580438838332]]],
    gIm: [[[-6.938893903907228e-18, 0.11967146835026787, 0.41009458563132706], [-0.11967146835026783, 4.163336342344337e-17, -0.4559949318622283], [-0.4100945856313272, 0.4559949318622283, 0.0]], [[2.7755575615628914e-17, 0.0623768902610089, 0.4083653534816536], [-0.062376890261008844, 0.0, -0.11047032192131409], [-0.4083653534816536, 0.11047032192131409, -6.938893903907228e-18]]],
    vRe: [[[-0.5806684785240341, 0.2319894960465333, -0.4781678341021412], [0.08443290204740184, 0.45733592751318003, -0.19365202432001416], [-0.47316294820003185, 0.4161481206128785, 0.7764905447982114]], [[-0.3965825083500528, 0.3776395312018416, -0.27942009738025986], [0.7112437733841923, -0.3662412657802707, 0.09472817750683304], [0.31163482208624027, 0.7545685894696905, 0.5775032306827373]]],
    vIm: [[[0.1558106135955648, -0.4812271958258428, 0.3528511766896851], [0.6383847431150473, 0.5764250609035835, 0.08008056477391448], [0.0, 0.0, -0.0]], [[-0.3144159956550401, -0.3532276963783175, 0.6311955987742282], [-0.3753410825269769, -0.170622853130251, 0.42547986580481617], [0.0, 0.0, 0.0]]] },
};

const f64 = { dtype: 'float64' as const, device: DEVICE };
const cplx = (re: unknown, im: unknown): fl.Tensor => fl.complex(fl.tensor(re as number[], f64), fl.tensor(im as number[], f64));
const close = (got: number[], want: number[], tol: number): void => {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => { if (Math.abs(v - want[i]) > tol) throw new Error(`element ${i}: ${v} vs ${want[i]} (tol ${tol})`); });
};
const flat = (x: unknown): number[] => (Array.isArray(x) ? (x as unknown[]).flatMap(flat) : [x as number]);
const maxAbs = (t: fl.Tensor): number => fl.abs(t).max().item() as number;

describe('linalg.eigh of complex Hermitian matrices', () => {
  for (const uplo of ['L', 'U'] as const) {
    test(`UPLO '${uplo}': eigenvalues, eigenvectors (up to phase) and the gradient as torch 1.13's`, () => fl.scope(() => {
      const A = cplx(A_RE, A_IM).requiresGrad_();
      const [w, V] = fl.linalg.eigh(A, uplo);
      expect(w.dtype).toBe('float64');
      expect(V.dtype).toBe('complex128');
      const ref = TORCH[uplo];
      close(Array.from(w.dataSync() as Float64Array), flat(ref.w), 1e-12);
      // each column against torch's: |<v, v_torch>| = 1 (unit vectors equal up to a phase)
      const Vt = cplx(ref.vRe, ref.vIm);
      const overlap = fl.abs(fl.sum(fl.mul(fl.conj(Vt), V.detach()), -2));
      close(Array.from(overlap.dataSync() as Float64Array), Array(6).fill(1), 1e-12);
      const loss = fl.add(fl.sum(fl.mul(w, fl.tensor(C1, f64))), fl.sum(fl.mul(fl.square(fl.abs(V)), fl.tensor(C2, f64))));
      loss.backward();
      close(Array.from(fl.real(A.grad!).dataSync() as Float64Array), flat(ref.gRe), 1e-10);
      close(Array.from(fl.imag(A.grad!).dataSync() as Float64Array), flat(ref.gIm), 1e-10);
    }));
  }
  test('degenerate spectra (the identity, a repeated eigenvalue, a block already diagonal): A V = V diag(w), VᴴV = I', () => fl.scope(() => {
    const I4 = fl.eye(4, f64).to('complex128');
    const D = fl.complex(fl.diag(fl.tensor([1, 2, 2, 3], f64)), fl.zeros([4, 4], f64));
    // a Hermitian matrix with the eigenvalue 2 twice: U diag(2, 2, -1, 5) Uᴴ for a unitary U from a QR of the embedding-free kind
    const X = fl.complex(fl.tensor([[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 1], [1, 1, 1, 4]], f64), fl.tensor([[0, 1, -1, 0], [2, 0, 1, -1], [0, 1, 0, 2], [1, -2, 0, 1]], f64));
    const [, Uq] = fl.linalg.eigh(fl.add(X, X.mH));   // some unitary matrix
    const lam = fl.complex(fl.diag(fl.tensor([2, 2, -1, 5], f64)), fl.zeros([4, 4], f64));
    const R = fl.matmul(fl.matmul(Uq, lam), Uq.mH);
    for (const [M, want] of [[I4, [1, 1, 1, 1]], [D, [1, 2, 2, 3]], [R, [-1, 2, 2, 5]]] as const) {
      const [w, V] = fl.linalg.eigh(M);
      close(Array.from(w.dataSync() as Float64Array), [...want], 1e-12);
      const W = fl.complex(fl.diagEmbed(w), fl.zeros([4, 4], f64));
      expect(maxAbs(fl.sub(fl.matmul(M, V), fl.matmul(V, W)))).toBeLessThan(1e-12);
      expect(maxAbs(fl.sub(fl.matmul(V.mH, V), I4))).toBeLessThan(1e-12);
    }
  }));
  test('batches, complex64, 1x1 and 2x2 (no reflection), and a zero subdiagonal', () => fl.scope(() => {
    const A = fl.complex(fl.randn([2, 3, 5, 5], f64), fl.randn([2, 3, 5, 5], f64));
    const H = fl.add(A, A.mH);
    const [w, V] = fl.linalg.eigh(H);
    expect(w.shape).toEqual([2, 3, 5]);
    expect(V.shape).toEqual([2, 3, 5, 5]);
    const W = fl.complex(fl.diagEmbed(w), fl.zerosLike(fl.diagEmbed(w)));
    expect(maxAbs(fl.sub(fl.matmul(H, V), fl.matmul(V, W)))).toBeLessThan(1e-11);
    close(Array.from(w.dataSync() as Float64Array), Array.from(fl.linalg.eigvalsh(H).dataSync() as Float64Array), 1e-11);
    const [w32, V32] = fl.linalg.eigh(H.to('complex64'));
    expect(w32.dtype).toBe('float32');
    expect(V32.dtype).toBe('complex64');
    close(Array.from(w32.dataSync() as Float32Array), Array.from(w.dataSync() as Float64Array), 1e-4);
    for (const n of [1, 2]) {
      const S = fl.narrow(fl.narrow(H, -1, 0, n), -2, 0, n);
      const [ws, Vs] = fl.linalg.eigh(S);
      const Ws = fl.complex(fl.diagEmbed(ws), fl.zerosLike(fl.diagEmbed(ws)));
      expect(maxAbs(fl.sub(fl.matmul(S, Vs), fl.matmul(Vs, Ws)))).toBeLessThan(1e-12);
    }
    // block diagonal: T's subdiagonal has a zero (phase 1 there, gradients finite)
    const blk = fl.complex(fl.tensor([[2, 1, 0, 0], [1, 3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 4]], f64), fl.tensor([[0, 1, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], f64)).requiresGrad_();
    const [wb, Vb] = fl.linalg.eigh(blk);
    fl.add(fl.sum(wb), fl.sum(fl.square(fl.abs(Vb)))).backward();
    expect(Array.from(fl.real(blk.grad!).dataSync() as Float64Array).every(Number.isFinite)).toBe(true);
    // d(sum w)/dA = I (trace), the |V|² sum is constant (columns of unit norm)
    expect(maxAbs(fl.sub(blk.grad!, fl.eye(4, f64).to('complex128')))).toBeLessThan(1e-12);
  }));
  test('refusals name the op and the shape', () => fl.scope(() => {
    expect(() => fl.linalg.eigh(fl.complex(fl.ones([2, 3], f64), fl.ones([2, 3], f64)))).toThrow(/linalg\.eigh: A must be batches of square matrices, but they are 2 by 3 matrices/);
    expect(() => fl.linalg.eigh(fl.complex(fl.ones([3], f64), fl.ones([3], f64)))).toThrow(fl.ShapeError);
  }));
});

// torch 1.13: re/im below; Q, R = torch.linalg.qr(A); loss = (Q.real * C).sum() + 0.5 * (Q.imag * C).sum()
//   + (R.real * C[:3]).sum() - (R.imag * C[1:]).sum()
const QR_RE = [[1, 2, 0], [0.5, -1, 3], [2, 1, 1], [1, 0, -2]];
const QR_IM = [[0.5, 0, 1], [1, -1, 0], [0, 2, 1], [-1, 1, 0.5]];
const QR_C = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [1.0, 2.0, -1.0]];
const QR_TORCH = {
  qRe: [[-0.34299717028501764, 0.6828185802001282, 0.2996333806545342], [-0.17149858514250885, -0.18272609892679498, -0.5330629865326983], [-0.6859943405700354, 0.21157758823102565, -0.4011458353116347], [-0.3429971702850177, -0.23081191443384608, 0.4472432784892555]],
  qIm: [[-0.17149858514250885, -0.20196042512961548, 0.13093635455770966], [-0.3429971702850177, -0.4712409919691024, -0.1534946778148432], [0.0, 0.3077492192451281, -0.23735279253157857], [0.34299717028501764, 0.21157758823102557, -0.4099730052818176]],
  rRe: [[-2.91547594742265, -0.5144957554275265, -0.5144957554275265], [0.0, 3.0582578662484607, 0.33660070854935853], [0.0, 0.0, -3.2062242925030175]],
  rIm: [[0.0, -1.5434872662825796, 0.5144957554275265], [0.0, 0.0, 2.308119144338461], [0.0, 0.0, 0.0]],
  gRe: [[0.23908740708453713, 0.2562115945547161, -0.8926520054220635], [-2.5498328358715465, 0.24731970055662258, -0.6189972487325252], [-0.23817340951591795, 1.083747668336568, -1.5979990697650974], [-0.06987039195619651, 0.7679119932133552, 0.018132407651937067]],
  gIm: [[-0.552661810288782, -0.36302776764078915, -0.9648325229564206], [0.03473164201030079, 0.2555529182974457, -0.6738685764043498], [0.8996289389401263, 0.048895969097217176, -0.7670387584721905], [-0.3659075112620347, 0.4738418617739196, 0.2946506952961572]],
};

describe('linalg.qr of complex matrices (zgeqrf\'s conventions: torch\'s values)', () => {
  test('Q, R and the gradient as torch 1.13\'s, R\'s diagonal exactly real', () => fl.scope(() => {
    const A = cplx(QR_RE, QR_IM).requiresGrad_();
    const [Q, R] = fl.linalg.qr(A);
    expect(Q.shape).toEqual([4, 3]);
    expect(R.shape).toEqual([3, 3]);
    close(Array.from(fl.real(Q).dataSync() as Float64Array), flat(QR_TORCH.qRe), 1e-12);
    close(Array.from(fl.imag(Q).dataSync() as Float64Array), flat(QR_TORCH.qIm), 1e-12);
    close(Array.from(fl.real(R).dataSync() as Float64Array), flat(QR_TORCH.rRe), 1e-12);
    expect(Array.from(fl.imag(fl.diagonal(R)).dataSync())).toEqual([0, 0, 0]);
    close(Array.from(fl.imag(R).dataSync() as Float64Array), flat(QR_TORCH.rIm), 1e-12);
    const C = fl.tensor(QR_C, f64);
    const loss = fl.add(fl.add(fl.sum(fl.mul(fl.real(Q), C)), fl.mul(fl.sum(fl.mul(fl.imag(Q), C)), 0.5)),
      fl.sub(fl.sum(fl.mul(fl.real(R), fl.narrow(C, 0, 0, 3))), fl.sum(fl.mul(fl.imag(R), fl.narrow(C, 0, 1, 3)))));
    loss.backward();
    close(Array.from(fl.real(A.grad!).dataSync() as Float64Array), flat(QR_TORCH.gRe), 1e-10);
    close(Array.from(fl.imag(A.grad!).dataSync() as Float64Array), flat(QR_TORCH.gIm), 1e-10);
  }));
  test('modes complete and r, wide and batched input: Q unitary, QR = A', () => fl.scope(() => {
    const A = fl.complex(fl.randn([2, 3, 5], f64), fl.randn([2, 3, 5], f64));
    const [Q, R] = fl.linalg.qr(A, 'complete');
    expect(Q.shape).toEqual([2, 3, 3]);
    expect(R.shape).toEqual([2, 3, 5]);
    expect(maxAbs(fl.sub(fl.matmul(Q, R), A))).toBeLessThan(1e-12);
    expect(maxAbs(fl.sub(fl.matmul(Q.mH, Q), fl.eye(3, f64).to('complex128')))).toBeLessThan(1e-12);
    const T = fl.complex(fl.randn([5, 3], f64), fl.randn([5, 3], f64));
    const [Qc, Rc] = fl.linalg.qr(T, { mode: 'complete' });
    expect(Qc.shape).toEqual([5, 5]);
    expect(Rc.shape).toEqual([5, 3]);
    expect(maxAbs(fl.sub(fl.matmul(Qc, Rc), T))).toBeLessThan(1e-12);
    const [Qr, Rr] = fl.linalg.qr(T, 'r');
    expect(Qr.shape).toEqual([0]);
    expect(maxAbs(fl.sub(Rr, fl.narrow(Rc, 0, 0, 3)))).toBeLessThan(1e-13);
    const [Q0] = fl.linalg.qr(fl.complex(fl.zeros([2, 3, 0], f64), fl.zeros([2, 3, 0], f64)), 'complete');
    expect(Q0.shape).toEqual([2, 3, 3]);   // no reflection: the identity, batched
  }));
  test("the modes torch cannot differentiate refuse at backward with torch's message", () => fl.scope(() => {
    const T = fl.complex(fl.randn([4, 2], f64), fl.randn([4, 2], f64)).requiresGrad_();
    const [, Rr] = fl.linalg.qr(T, 'r');
    expect(() => fl.real(Rr).sum().backward()).toThrow(/The derivative of linalg\.qr depends on Q, which is not computed when mode='r'/);
    const [Qc] = fl.linalg.qr(T, 'complete');
    expect(() => fl.real(Qc).sum().backward()).toThrow(/not differentiable when mode='complete' and nrows > ncols/);
  }));
});
