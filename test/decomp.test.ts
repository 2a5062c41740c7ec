// decomp.test.ts — fl.linalg.qr, eigh, eigvalsh, svd, svdvals, pinv, matrixRank, lstsq, cond, the
// deprecated fl.svd / fl.qr and Tensor.svd / Tensor.qr, matrixNorm's 'nuc' / ±2 and nn.init.orthogonal_
// (lib/ops/decomp.ts, kernels native/cpu/decomp.cpp and native/kernels/decomp.cu).
// References: PyTorch 1.13 golden values in float64 (G below, made by the torch calls written beside
// each use: Q and R directly, eigenvalues and singular values directly, eigenvectors up to sign per
// column, gradients of fixed losses), float64 identities checked in JS (Q R = A, QᵀQ = I,
// V diag(w) Vᵀ = A, U diag(S) Vh = A, A P A = A) on seeded random batches, and finite differences
// (fl.gradcheck) on gauge-invariant functions. Tolerances: 1e-10 for float64 goldens, 1e-9·scale for
// float64 identities, 2e-5·scale for float32.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, randomArray } from './helpers';

// torch 1.13, float64:
//   A1 = [[2,-1,0],[1,3,4],[0,5,1],[1,1,1]], A2 = [[1,2,0,-1,3],[0,1,1,2,-2],[4,0,1,1,1]]
//   S1 = [[4,1,-2,.5],[1,3,0,1],[-2,0,5,-1],[.5,1,-1,2]], Rk = [[1,2,3],[2,4,6],[1,0,1],[0,2,2]] (rank 2)
//   B = [[1,0],[2,1],[0,3],[1,-1]], W1 (4x3), W2 (3x3) below
//   qrA1*: torch.linalg.qr(A1) / (A1, mode='complete'); qrA2*: torch.linalg.qr(A2)
//   eighS1*: torch.linalg.eigh(S1); eighS1wU: torch.linalg.eigvalsh(S1 + 7*triu(ones(4,4), 1))
//   svA*: torch.linalg.svdvals; pinvRk: torch.linalg.pinv(Rk); rankRk: torch.linalg.matrix_rank(Rk)
//   ls*: torch.linalg.lstsq(A1, B, driver='gelsd') solution / residuals / singular_values
//   cond<p>: torch.linalg.cond(S1, p); mn<p>: torch.linalg.matrix_norm(A1, p)
//   gQR: A1.grad of (Q*W1).sum() + (R*W2).sum(), Q, R = linalg.qr(A1)
//   gSVD: A1.grad of (U @ diag(S*S) @ Vh * W1).sum() + (S*[1,2,3]).sum(), U, S, Vh = linalg.svd(A1, full_matrices=False)
//   gEigh: S1.grad of (w*[1,-2,.5,3]).sum() + (V[:,3:] @ V[:,3:].T * W1[:, :1].repeat(1,4)).sum()
//   gPinv: A1.grad of linalg.pinv(A1).pow(2).sum()
const G: Record<string, number[] | number> = {
  "qrA1Q": [-0.816496580927726, 0.28038607704602214, -0.35754734547357314, -0.408248290463863, -0.4486177232736354, 0.7715495349692894, -0.0, -0.8411582311380665, -0.5231482212718594, -0.408248290463863, -0.11215443081840884, -0.05645484402214306],
  "qrA1R": [-2.449489742783178, -0.816496580927726, -2.0412414523193148, 0.0, -5.94418483337567, -2.747783555051018, 0.0, 0.0, 2.5065950745831556],
  "qrA1Qc": [-0.816496580927726, 0.28038607704602214, -0.35754734547357314, -0.3561978058282741, -0.408248290463863, -0.4486177232736354, 0.7715495349692894, -0.1917988185229169, -0.0, -0.8411582311380665, -0.5231482212718594, -0.13699915608779772, -0.408248290463863, -0.11215443081840884, -0.05645484402214306, 0.9041944301794651],
  "qrA1Rc": [-2.449489742783178, -0.816496580927726, -2.0412414523193148, 0.0, -5.94418483337567, -2.747783555051018, 0.0, 0.0, 2.5065950745831556, 0.0, 0.0, 0.0],
  "qrA2Q": [-0.24253562503633308, -0.862348889018073, -0.44444444444444425, -0.0, -0.4581228472908512, 0.8888888888888891, -0.970142500145332, 0.21558722225451815, 0.11111111111111104],
  "qrA2R": [-4.123105625617661, -0.48507125007266616, -0.970142500145332, -0.7276068751089989, -1.6977493752543316, 0.0, -2.182820625326997, -0.24253562503633286, 0.1616904166908888, -1.455213750217999, 0.0, 0.0, 1.0, 2.3333333333333335, -3.0],
  "eighS1w": [1.0471386409290875, 2.3609454269745442, 3.6025744003397655, 6.989341531756605],
  "eighS1V": [-0.26957521926030514, -0.7174994986878306, 0.22717960250456717, -0.6007604337415513, 0.5187947492237328, 0.23482246109287197, 0.7939353884583273, -0.21301882287181984, -0.32450149949344714, -0.32874040391810977, 0.5049175736331961, 0.7291685453272296, -0.7435589997876072, 0.5674351310773383, 0.25122553810422615, -0.24904440338690392],
  "eighS1wU": [1.0471386409290873, 2.3609454269745442, 3.6025744003397655, 6.989341531756605],
  "svA1": [6.897701147717601, 3.0762586611308897, 1.7199859088354357],
  "svA2": [4.893459152350654, 3.92292768477119, 2.159790708455653],
  "pinvRk": [0.045454545454545255, 0.09090909090909095, 0.43939393939393984, -0.3939393939393944, 1.9299652541447155e-16, -1.1900520278819829e-17, -0.3333333333333335, 0.33333333333333354, 0.04545454545454542, 0.09090909090909091, 0.10606060606060619, -0.06060606060606075],
  "rankRk": 2,
  "lsX": [0.48648648648648646, 0.04054054054054002, -0.08558558558558543, 0.6178678678678683, 0.45045045045045035, -0.29579579579579524],
  "lsRes": [0.027027027027027, 2.2710210210210207],
  "lsS": [6.897701147717602, 3.0762586611308906, 1.719985908835437],
  "condNone": 6.674705009028429,
  "cond2": 6.674705009028429,
  "cond-2": 0.1498193551096815,
  "condfro": 9.024453838565627,
  "condnuc": 25.188755020080315,
  "cond1": 9.253012048192772,
  "cond-1": 3.144578313253012,
  "condinf": 9.25301204819277,
  "cond-inf": 3.144578313253012,
  "mnnuc": 11.693945717683928,
  "mn2": 6.897701147717601,
  "mn-2": 1.7199859088354357,
  "gQR": [-0.6834540797385086, -1.277993213624084, 1.5217110955696285, -1.1291532001497357, -1.47249802505751, -0.5287678277428322, -1.538020258153413, 1.6642375132658678, -2.768575743957582, 0.04657161684357514, -0.870495033260678, -0.0651646206132469],
  "gSVD": [5.24734416216808, -3.5187837385782266, 7.360730905863676, 6.4336399275890415, 6.214629262578784, 1.3199187389810163, 1.7967085401825333, 16.414678964604388, 6.355462421733895, 0.29920565244219094, 14.1536519481321, 5.950755648300694],
  "gEigh": [0.2024976756317164, 0.7284355059839062, -1.6374403931898975, 1.5011204734056767, 0.7284355059839062, 0.6443400063466269, -0.32575608584326293, -0.37392839589323706, -1.6374403931898975, -0.32575608584326293, 1.527887194342312, 0.14916681228195472, 1.5011204734056767, -0.3739283958932371, 0.14916681228195472, 0.12527512367934443],
  "gPinv": [-0.2493101209317425, -0.05948628808989172, 0.14458828197566914, 0.10484132781430065, 0.05909851292734185, -0.12242197152107057, -0.11044152260368474, -0.06803988673358055, 0.12190794398001611, -0.09270757243730215, -0.021207017828639447, 0.04946162378594807],
};
const g = (k: string): number[] => G[k] as number[];

const A1 = [[2, -1, 0], [1, 3, 4], [0, 5, 1], [1, 1, 1]];
const A2 = [[1, 2, 0, -1, 3], [0, 1, 1, 2, -2], [4, 0, 1, 1, 1]];
const S1 = [[4, 1, -2, 0.5], [1, 3, 0, 1], [-2, 0, 5, -1], [0.5, 1, -1, 2]];
const Rk = [[1, 2, 3], [2, 4, 6], [1, 0, 1], [0, 2, 2]];
const B = [[1, 0], [2, 1], [0, 3], [1, -1]];
const W1 = [[0.5, -1, 2], [1, 0.25, -0.5], [0, 1, 1], [-1, 2, 0.5]];
const W2 = [[1, 2, -1], [0.5, -1, 3], [2, 1, 0.5]];

const t64 = (v: number[][] | number[], dtype: fl.DType = 'float64'): fl.Tensor => fl.tensor(v as number[][], { dtype, device: DEVICE });
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
function close(got: number[], want: number[], tol = 1e-10, what = ''): void {
  expect(got.length).toBe(want.length);
  got.forEach((x, i) => {
    if (Number.isNaN(want[i]) && Number.isNaN(x)) return;
    if (!(Math.abs(x - want[i]) <= tol * (1 + Math.abs(want[i])))) throw new Error(`${what}[${i}]: expected ${want[i]}, got ${x} (tol ${tol})`);
  });
}
/** Columns of a [r, c] row-major matrix equal up to one sign per column. */
function closeUpToSign(got: number[], want: number[], r: number, c: number, tol = 1e-10): void {
  for (let j = 0; j < c; j++) {
    const dot = Array.from({ length: r }, (_, i) => got[i * c + j] * want[i * c + j]).reduce((a, b) => a + b, 0);
    const s = dot < 0 ? -1 : 1;
    for (let i = 0; i < r; i++) if (!(Math.abs(s * got[i * c + j] - want[i * c + j]) <= tol)) throw new Error(`column ${j} row ${i}: ${got[i * c + j]} vs ±${want[i * c + j]}`);
  }
}
/** A seeded random batch [..., m, n] on DEVICE. */
function rand(shape: number[], dtype: fl.DType = 'float64', seed = 1): fl.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return fl.tensor(randomArray(n, seed), { dtype, device: DEVICE }).reshape(shape);
}
const mT = (x: fl.Tensor): fl.Tensor => x.transpose(-2, -1);
const eyeLike = (n: number, batch: number[] = []): number[] => {
  const one = Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? 1 : 0));
  return Array.from({ length: batch.reduce((a, b) => a * b, 1) }, () => one).flat();
};
/** x -> d loss / dx with createGraph: gradcheck of it checks second derivatives against finite differences. */
const secondOrder = (loss: (x: fl.Tensor) => fl.Tensor) => (x: fl.Tensor): fl.Tensor => fl.enableGrad(() => {
  const y = x.requiresGrad ? x : x.detach().requiresGrad_();
  const [gx] = fl.autograd.grad(loss(y), [y], { createGraph: true }) as (fl.Tensor | null)[];
  return gx!;
});
const tolOf = (dt: fl.DType, scale = 1): number => (dt === 'float64' ? 1e-9 : 2e-5) * scale;

describe('linalg.qr', () => {
  test('Q and R are torch\'s (LAPACK conventions, signs included): reduced, complete, wide', () => fl.scope(() => {
    const [Q, R] = fl.linalg.qr(t64(A1));
    expect([Q.shape, R.shape]).toEqual([[4, 3], [3, 3]]);
    close(vals(Q), g('qrA1Q')); close(vals(R), g('qrA1R'));
    const c = fl.linalg.qr(t64(A1), 'complete');
    expect([c.Q.shape, c.R.shape]).toEqual([[4, 4], [4, 3]]);
    close(vals(c.Q), g('qrA1Qc')); close(vals(c.R), g('qrA1Rc'));
    const w = fl.linalg.qr(t64(A2), { mode: 'reduced' });
    expect([w.Q.shape, w.R.shape]).toEqual([[3, 3], [3, 5]]);
    close(vals(w.Q), g('qrA2Q')); close(vals(w.R), g('qrA2R'));
    // mode 'r': R only, Q an empty tensor (torch returns tensor([]))
    const r = fl.linalg.qr(t64(A1), 'r');
    expect(r.Q.shape).toEqual([0]);
    close(vals(r.R), g('qrA1R'));
    // float32 is factored in double and rounded once
    close(vals(fl.linalg.qr(t64(A1, 'float32')).R), g('qrA1R'), 1e-6);
  }));
  test.each([[[5, 3]], [[3, 5]], [[4, 4]], [[2, 3, 6, 2]], [[3, 1, 1]], [[2, 7, 7]]])('Q R = A and QᵀQ = I on %j (float64, float32, both modes)', (shape) => fl.scope(() => {
    for (const dt of ['float64', 'float32'] as fl.DType[]) {
      const A = rand(shape, dt, shape.length * 7 + shape[shape.length - 1]);
      const m = shape[shape.length - 2], n = shape[shape.length - 1], k = Math.min(m, n), batch = shape.slice(0, -2);
      for (const mode of ['reduced', 'complete'] as const) {
        const [Q, R] = fl.linalg.qr(A, mode);
        const kq = mode === 'complete' ? m : k;
        expect(Q.shape).toEqual([...batch, m, kq]);
        close(vals(fl.matmul(Q, R)), vals(A), tolOf(dt, 10), 'QR');
        close(vals(fl.matmul(mT(Q), Q)), eyeLike(kq, batch), tolOf(dt, 10), 'QtQ');
        close(vals(fl.tril(R, -1)), new Array(R.numel).fill(0), 0, 'R upper');
      }
    }
  }));
  test('strided input (a transposed view) and empty shapes', () => fl.scope(() => {
    const At = mT(t64(A1).t().contiguous());
    close(vals(fl.linalg.qr(At).R), g('qrA1R'));
    // torch: qr(zeros(3, 0)) -> Q [3, 0], R [0, 0]; complete -> Q = I3, R [3, 0]; qr(zeros(0, 3)) -> Q [0, 0], R [0, 3]
    expect(fl.linalg.qr(fl.zeros([3, 0], { dtype: 'float64', device: DEVICE })).Q.shape).toEqual([3, 0]);
    const c = fl.linalg.qr(fl.zeros([3, 0], { dtype: 'float64', device: DEVICE }), 'complete');
    expect(c.R.shape).toEqual([3, 0]);
    close(vals(c.Q), eyeLike(3));
    expect(fl.linalg.qr(fl.zeros([0, 3], { device: DEVICE })).R.shape).toEqual([0, 3]);
    expect(fl.linalg.qr(fl.zeros([0, 4, 2], { device: DEVICE })).Q.shape).toEqual([0, 4, 2]);
    // 1x1: torch gives Q = -1 and R = -|a|... for a > 0 (beta = -sign(alpha)·norm): here x = 3 has no tail, so tau = 0: Q = 1, R = 3
    const one = fl.linalg.qr(t64([[3]]));
    expect([vals(one.Q), vals(one.R)]).toEqual([[1], [3]]);
    // a zero column: tau = 0 (H = I), as LAPACK
    const z = fl.linalg.qr(t64([[0, 1], [0, 2]]));
    close(vals(fl.matmul(z.Q, z.R)), [0, 1, 0, 2]);
  }));
  test('gradient: torch\'s golden value, finite differences, second derivatives, and torch\'s refusals', () => fl.scope(() => {
    const a = t64(A1).requiresGrad_();
    const [Q, R] = fl.linalg.qr(a);
    fl.add(fl.mul(Q, t64(W1)).sum(), fl.mul(R, t64(W2)).sum()).backward();
    close(vals(a.grad!), g('gQR'), 1e-9);
    // gauge-invariant losses in float64: Q R, a weighted sum of Q and R, the wide case
    const w = rand([4, 3], 'float64', 3), w2 = rand([3, 5], 'float64', 4);
    expect(fl.gradcheck((x: fl.Tensor) => { const [q, r] = fl.linalg.qr(x); return fl.add(fl.mul(q, w).sum(), r.sum()); }, [rand([4, 3], 'float64', 5).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor) => { const [q, r] = fl.linalg.qr(x); return fl.add(fl.mul(r, w2).sum(), q.sum()); }, [rand([3, 5], 'float64', 6).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor) => fl.linalg.qr(x, 'complete').Q, [rand([2, 3, 4], 'float64', 7).requiresGrad_()])).toBe(true);
    // second derivative through the backward (createGraph) against finite differences of the first
    const x0 = rand([3, 3], 'float64', 8);
    const gradAt = (x: fl.Tensor): fl.Tensor => { const xx = x.detach().requiresGrad_(); const [gq] = fl.autograd.grad(fl.mul(fl.linalg.qr(xx).R, w.narrow(0, 0, 3)).sum(), [xx], { createGraph: true }) as (fl.Tensor | null)[]; return gq!; };
    const xg = x0.detach().requiresGrad_();
    const [g1] = fl.autograd.grad(fl.mul(fl.linalg.qr(xg).R, w.narrow(0, 0, 3)).sum(), [xg], { createGraph: true }) as (fl.Tensor | null)[];
    const [h] = fl.autograd.grad(g1!.sum(), [xg]) as (fl.Tensor | null)[];
    const eps = 1e-6, d = vals(h!), x0v = vals(x0);
    for (const i of [0, 4, 7]) {
      const plus = x0v.slice(); plus[i] += eps; const minus = x0v.slice(); minus[i] -= eps;
      const fd = (vals(gradAt(t64(plus).reshape([3, 3]))).reduce((s, v) => s + v, 0) - vals(gradAt(t64(minus).reshape([3, 3]))).reduce((s, v) => s + v, 0)) / (2 * eps);
      expect(Math.abs(d[i] - fd)).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
    }
    // torch's messages: mode 'r' and complete with m > n are not differentiable
    const b = t64(A1).requiresGrad_();
    expect(() => fl.linalg.qr(b, 'r').R.sum().backward()).toThrow(/depends on Q, which is not computed when mode='r'/);
    expect(() => fl.linalg.qr(b, 'complete').Q.sum().backward()).toThrow(/not differentiable when mode='complete' and nrows > ncols/);
  }));
  test('refusals: dtype, rank, mode, non-tensors', () => fl.scope(() => {
    expect(() => fl.linalg.qr(fl.ones([3, 3], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => fl.linalg.qr(fl.ones([3, 3], { dtype: 'float16', device: DEVICE }))).toThrow(/linalg.qr: expected a float32 or float64 tensor as A.*float16/);
    expect(() => fl.linalg.qr(fl.ones([3], { device: DEVICE }))).toThrow(fl.ShapeError);
    expect(() => fl.linalg.qr(fl.ones([3, 3], { device: DEVICE }), 'full' as any)).toThrow(fl.ValueError);
    expect(() => fl.linalg.qr([[1, 2]] as any)).toThrow(/linalg.qr: A must be a Tensor/);
  }));
});

describe('linalg.eigh / eigvalsh', () => {
  test('eigenvalues directly and eigenvectors up to sign against torch; UPLO', () => fl.scope(() => {
    const [w, V] = fl.linalg.eigh(t64(S1));
    close(vals(w), g('eighS1w'));
    closeUpToSign(vals(V), g('eighS1V'), 4, 4, 1e-9);
    // only the named triangle is read
    const upper = vals(fl.add(t64(S1), fl.mul(fl.triu(fl.ones([4, 4], { dtype: 'float64', device: DEVICE }), 1), 7)));
    close(vals(fl.linalg.eigvalsh(t64(upper).reshape([4, 4]))), g('eighS1wU'));
    const lower = fl.add(t64(S1), fl.mul(fl.tril(fl.ones([4, 4], { dtype: 'float64', device: DEVICE }), -1), 7));
    close(vals(fl.linalg.eigvalsh(lower, 'U')), g('eighS1w'));
    close(vals(fl.linalg.eigh(lower, { UPLO: 'U' }).eigenvalues), g('eighS1w'));
    close(vals(fl.linalg.eigvalsh(t64(S1, 'float32'))), g('eighS1w'), 1e-6);
  }));
  test.each([[[1, 1]], [[5, 5]], [[3, 6, 6]], [[2, 2, 9, 9]]])('V diag(w) Vᵀ = A, VᵀV = I, ascending on %j', (shape) => fl.scope(() => {
    for (const dt of ['float64', 'float32'] as fl.DType[]) {
      const X = rand(shape, dt, shape[shape.length - 1] + shape.length);
      const A = fl.add(X, mT(X));
      const [w, V] = fl.linalg.eigh(A);
      const n = shape[shape.length - 1], batch = shape.slice(0, -2);
      close(vals(fl.matmul(fl.mul(V, w.unsqueeze(-2)), mT(V))), vals(A), tolOf(dt, 10), 'VwVt');
      close(vals(fl.matmul(mT(V), V)), eyeLike(n, batch), tolOf(dt, 10), 'VtV');
      const wv = vals(w);
      for (let i = 0; i + 1 < wv.length; i++) if ((i + 1) % n !== 0) expect(wv[i]).toBeLessThanOrEqual(wv[i + 1]);
    }
  }));
  test('repeated eigenvalues, 0x0, NaN (torch: NaN outputs)', () => fl.scope(() => {
    const D = t64([[2, 0, 0], [0, 2, 0], [0, 0, -1]]);
    const [w, V] = fl.linalg.eigh(D);
    close(vals(w), [-1, 2, 2]);
    close(vals(fl.matmul(mT(V), V)), eyeLike(3));
    close(vals(fl.matmul(fl.mul(V, w.unsqueeze(-2)), mT(V))), vals(D));
    const I = fl.linalg.eigh(fl.eye(4, { dtype: 'float64', device: DEVICE }));
    close(vals(I.eigenvalues), [1, 1, 1, 1]);
    expect(fl.linalg.eigh(fl.zeros([0, 0], { device: DEVICE })).eigenvectors.shape).toEqual([0, 0]);
    expect(fl.linalg.eigvalsh(fl.zeros([2, 0, 0], { device: DEVICE })).shape).toEqual([2, 0]);
    // torch.linalg.eigh(tensor([[1., 0], [nan, 2]])) -> eigenvalues [nan, nan], eigenvectors all nan
    const n = fl.linalg.eigh(t64([[1, 0], [NaN, 2]]));
    expect(vals(n.eigenvalues).every(Number.isNaN)).toBe(true);
    expect(vals(n.eigenvectors).every(Number.isNaN)).toBe(true);
    // the NaN in the unread triangle is not seen (torch: [1, 2])
    close(vals(fl.linalg.eigvalsh(t64([[1, NaN], [0, 2]]))), [1, 2]);
  }));
  test('gradient: torch\'s golden value, finite differences of gauge-invariant losses', () => fl.scope(() => {
    const s = t64(S1).requiresGrad_();
    const [w, V] = fl.linalg.eigh(s);
    const P = fl.matmul(V.narrow(1, 3, 1), mT(V.narrow(1, 3, 1)));
    const W = fl.tensor(W1.map((r) => [r[0], r[0], r[0], r[0]]), { dtype: 'float64', device: DEVICE });
    fl.add(fl.mul(w, t64([1, -2, 0.5, 3])).sum(), fl.mul(P, W).sum()).backward();
    close(vals(s.grad!), g('gEigh'), 1e-9);
    const sym = (x: fl.Tensor): fl.Tensor => fl.add(x, mT(x));
    const Wr = rand([4, 4], 'float64', 11);
    expect(fl.gradcheck((x: fl.Tensor) => fl.linalg.eigvalsh(sym(x)), [rand([2, 4, 4], 'float64', 12).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor) => { const [, v] = fl.linalg.eigh(sym(x)); const p = fl.matmul(v.narrow(-1, 0, 2), mT(v.narrow(-1, 0, 2))); return fl.mul(p, Wr).sum(); }, [rand([4, 4], 'float64', 13).requiresGrad_()])).toBe(true);
    // second derivatives through the eigenvalues (createGraph)
    expect(fl.gradcheck(secondOrder((x) => fl.linalg.eigvalsh(sym(x)).pow(3).sum()), [rand([3, 3], 'float64', 14).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck(secondOrder((x) => { const [, v] = fl.linalg.eigh(sym(x)); return fl.mul(fl.matmul(v.narrow(-1, 0, 1), mT(v.narrow(-1, 0, 1))), Wr.narrow(0, 0, 3).narrow(1, 0, 3)).sum(); }), [rand([3, 3], 'float64', 15).requiresGrad_()])).toBe(true);
  }));
  test('refusals', () => fl.scope(() => {
    expect(() => fl.linalg.eigh(fl.ones([3, 2], { device: DEVICE }))).toThrow(/linalg.eigh: A must be batches of square matrices/);
    expect(() => fl.linalg.eigvalsh(fl.ones([3, 3], { dtype: 'bfloat16', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => fl.linalg.eigh(fl.ones([3, 3], { device: DEVICE }), 'X' as any)).toThrow(fl.ValueError);
  }));
});

describe('linalg.svd / svdvals, fl.svd, Tensor.svd', () => {
  test('singular values against torch; U S Vh = A and orthonormal U, Vh (tall, wide, square, batched, full and reduced)', () => fl.scope(() => {
    close(vals(fl.linalg.svdvals(t64(A1))), g('svA1'));
    close(vals(fl.linalg.svdvals(t64(A2))), g('svA2'));
    close(vals(fl.linalg.svdvals(t64(A2, 'float32'))), g('svA2'), 1e-6);
    for (const shape of [[6, 3], [3, 6], [5, 5], [2, 3, 4, 2], [1, 1], [1, 4], [4, 1]]) {
      for (const dt of ['float64', 'float32'] as fl.DType[]) {
        const A = rand(shape, dt, shape[0] * 3 + shape[shape.length - 1]);
        const m = shape[shape.length - 2], n = shape[shape.length - 1], k = Math.min(m, n), batch = shape.slice(0, -2);
        for (const full of [false, true]) {
          const [U, S, Vh] = fl.linalg.svd(A, full);
          expect([U.shape, S.shape, Vh.shape]).toEqual([[...batch, m, full ? m : k], [...batch, k], [...batch, full ? n : k, n]]);
          const Uk = U.narrow(-1, 0, k), Vk = Vh.narrow(-2, 0, k);
          close(vals(fl.matmul(fl.mul(Uk, S.unsqueeze(-2)), Vk)), vals(A), tolOf(dt, 10), 'USVh');
          close(vals(fl.matmul(mT(U), U)), eyeLike(full ? m : k, batch), tolOf(dt, 10), 'UtU');
          close(vals(fl.matmul(Vh, mT(Vh))), eyeLike(full ? n : k, batch), tolOf(dt, 10), 'VhVht');
          const sv = vals(S);
          for (let i = 0; i + 1 < sv.length; i++) if ((i + 1) % k !== 0) expect(sv[i]).toBeGreaterThanOrEqual(sv[i + 1]);
        }
      }
    }
  }));
  test('rank-deficient and zero matrices keep orthonormal U and Vh; empty shapes as torch', () => fl.scope(() => {
    const [U, S, Vh] = fl.linalg.svd(t64(Rk));
    close(vals(S).slice(2), [0], 1e-12);
    close(vals(fl.matmul(mT(U), U)), eyeLike(4));
    close(vals(fl.matmul(Vh, mT(Vh))), eyeLike(3));
    const z = fl.linalg.svd(fl.zeros([3, 2], { dtype: 'float64', device: DEVICE }));
    close(vals(z.S), [0, 0]);
    close(vals(fl.matmul(mT(z.U), z.U)), eyeLike(3));
    // torch.linalg.svd(zeros(0, 3)) -> U [0, 0], S [0], Vh = eye(3)
    const e = fl.linalg.svd(fl.zeros([0, 3], { device: DEVICE }));
    expect([e.U.shape, e.S.shape]).toEqual([[0, 0], [0]]);
    close(vals(e.Vh), eyeLike(3));
    expect(fl.linalg.svd(fl.zeros([0, 3], { device: DEVICE }), false).Vh.shape).toEqual([0, 3]);
  }));
  test('a non-finite input is refused as torch (LinAlgError there): NaN and inf', () => {
    expect(() => fl.scope(() => vals(fl.linalg.svdvals(t64([[1, NaN], [0, 2]]))))).toThrow(/linalg.svd: The algorithm failed to converge because the input matrix contained non-finite values/);
    expect(() => fl.scope(() => vals(fl.linalg.svdvals(t64([[1, NaN], [0, 2]]))))).toThrow(fl.LinAlgError);
    expect(() => fl.scope(() => vals(fl.linalg.svd(t64([[1, Infinity], [0, 2]])).S))).toThrow(fl.FlintError);
    fl.cuda.isAvailable() && fl.cuda.synchronize();
  });
  test('the deprecated fl.svd (some, computeUv, V not Vh) and Tensor.svd / Tensor.qr', () => fl.scope(() => {
    const [U, S, V] = fl.svd(t64(A1));
    expect([U.shape, S.shape, V.shape]).toEqual([[4, 3], [3], [3, 3]]);
    close(vals(fl.matmul(fl.mul(U, S.unsqueeze(-2)), mT(V))), A1.flat(), 1e-9);
    expect(fl.svd(t64(A1), false).U.shape).toEqual([4, 4]);
    // torch.svd(A, compute_uv=False): U and V zero-filled [m, m] and [n, n]
    const n = t64(A1).svd(true, false);
    expect([n.U.shape, n.V.shape]).toEqual([[4, 4], [3, 3]]);
    expect(vals(n.U).every((x) => x === 0)).toBe(true);
    close(vals(n.S), g('svA1'));
    const [Q, R] = t64(A1).qr();
    close(vals(Q), g('qrA1Q')); close(vals(R), g('qrA1R'));
    expect(fl.qr(t64(A1), false).Q.shape).toEqual([4, 4]);
  }));
  test('gradient: torch\'s golden value, finite differences (S, U diag(S) Vh, full matrices narrowed as torch)', () => fl.scope(() => {
    const a = t64(A1).requiresGrad_();
    const [U, S, Vh] = fl.linalg.svd(a, false);
    fl.add(fl.mul(fl.matmul(fl.mul(U, fl.mul(S, S).unsqueeze(-2)), Vh), t64(W1)).sum(), fl.mul(S, t64([1, 2, 3])).sum()).backward();
    close(vals(a.grad!), g('gSVD'), 1e-9);
    const W = rand([5, 3], 'float64', 21), Wt = rand([3, 5], 'float64', 22);
    const usv = (x: fl.Tensor, w: fl.Tensor): fl.Tensor => { const [u, s, vh] = fl.linalg.svd(x, false); return fl.mul(fl.matmul(fl.mul(u, fl.mul(s, s).unsqueeze(-2)), vh), w).sum(); };
    expect(fl.gradcheck((x: fl.Tensor) => usv(x, W), [rand([5, 3], 'float64', 23).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor) => usv(x, Wt), [rand([3, 5], 'float64', 24).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor) => fl.linalg.svdvals(x), [rand([2, 4, 3], 'float64', 25).requiresGrad_()])).toBe(true);
    // U·Uᵀ projections are gauge-invariant: reduced (U) and wide (Vh)
    expect(fl.gradcheck((x: fl.Tensor) => { const [u] = fl.linalg.svd(x, false); return fl.mul(fl.matmul(u, mT(u)), rand([5, 5], 'float64', 29)).sum(); }, [rand([5, 3], 'float64', 26).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor) => { const [, , vh] = fl.linalg.svd(x, false); return fl.matmul(mT(vh), vh); }, [rand([3, 5], 'float64', 27).requiresGrad_()])).toBe(true);
    // full_matrices=True: the extra columns carry no gradient (torch narrows to k)
    const b = t64(A1).requiresGrad_();
    const f = fl.linalg.svd(b, true);
    fl.add(fl.mul(fl.matmul(fl.mul(f.U.narrow(-1, 0, 3), fl.mul(f.S, f.S).unsqueeze(-2)), f.Vh), t64(W1)).sum(), fl.mul(f.S, t64([1, 2, 3])).sum()).backward();
    close(vals(b.grad!), g('gSVD'), 1e-9);
    // second derivatives of the singular values (createGraph)
    expect(fl.gradcheck(secondOrder((x) => fl.linalg.svdvals(x).pow(3).sum()), [rand([4, 3], 'float64', 28).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck(secondOrder((x) => usv(x, Wt.narrow(1, 0, 4))), [rand([3, 4], 'float64', 30).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck(secondOrder((x) => fl.linalg.pinv(x).pow(2).sum()), [rand([4, 3], 'float64', 31).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck(secondOrder((x) => { const [q, r] = fl.linalg.qr(x); return fl.add(fl.mul(q, W.narrow(0, 0, 4)).sum(), r.pow(2).sum()); }), [rand([4, 3], 'float64', 32).requiresGrad_()])).toBe(true);
  }));
  test('refusals', () => fl.scope(() => {
    expect(() => fl.linalg.svd(fl.ones([3, 3], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => fl.linalg.svdvals(fl.ones([3], { device: DEVICE }))).toThrow(/linalg.svdvals: A must have at least 2 dimensions/);
    expect(() => fl.linalg.svd(fl.ones([3, 3], { device: DEVICE }), { driver: 'bad' as any })).toThrow(fl.ValueError);
  }));
});

describe('pinv, matrixRank, lstsq, cond, matrixNorm', () => {
  test('pinv against torch (rank-deficient), Moore–Penrose identities, hermitian, atol/rtol', () => fl.scope(() => {
    close(vals(fl.linalg.pinv(t64(Rk))), g('pinvRk'), 1e-9);
    for (const shape of [[5, 3], [3, 5], [2, 4, 4]]) {
      const A = rand(shape, 'float64', 31 + shape[0]);
      const P = fl.linalg.pinv(A);
      close(vals(fl.matmul(fl.matmul(A, P), A)), vals(A), 1e-9, 'APA');
      close(vals(fl.matmul(fl.matmul(P, A), P)), vals(P), 1e-9, 'PAP');
    }
    const X = rand([4, 4], 'float64', 35), H = fl.add(X, mT(X));
    close(vals(fl.linalg.pinv(H, { hermitian: true })), vals(fl.linalg.pinv(H)), 1e-9);
    // atol above the smallest singular values drops them: pinv of diag(3, 1e-3) with atol 1e-2 is diag(1/3, 0)
    const D = t64([[3, 0], [0, 1e-3]]);
    close(vals(fl.linalg.pinv(D, { atol: 1e-2 })), [1 / 3, 0, 0, 0]);
    close(vals(fl.linalg.pinv(D, { rtol: 1e-2 })), [1 / 3, 0, 0, 0]);
    close(vals(fl.linalg.pinv(D, 1e-4)), [1 / 3, 0, 0, 1000]);
    expect(fl.linalg.pinv(fl.zeros([0, 3], { device: DEVICE })).shape).toEqual([3, 0]);
  }));
  test('pinv gradient: torch\'s golden value and finite differences', () => fl.scope(() => {
    const a = t64(A1).requiresGrad_();
    fl.linalg.pinv(a).pow(2).sum().backward();
    close(vals(a.grad!), g('gPinv'), 1e-9);
    expect(fl.gradcheck((x: fl.Tensor) => fl.linalg.pinv(x), [rand([3, 5], 'float64', 41).requiresGrad_()])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor) => fl.linalg.pinv(x), [rand([2, 4, 3], 'float64', 42).requiresGrad_()])).toBe(true);
  }));
  test('matrixRank (torch: 2 for Rk), tolerances, hermitian, batches', () => fl.scope(() => {
    const r = fl.linalg.matrixRank(t64(Rk));
    expect([r.item(), r.dtype]).toEqual([G.rankRk, 'int32']);
    expect(vals(fl.linalg.matrixRank(fl.stack([t64(Rk), t64(A1), fl.zeros([4, 3], { dtype: 'float64', device: DEVICE })])))).toEqual([2, 3, 0]);
    const D = t64([[3, 0], [0, 1e-3]]);
    expect(fl.linalg.matrixRank(D).item()).toBe(2);
    expect(fl.linalg.matrixRank(D, { atol: 1e-2 }).item()).toBe(1);
    expect(fl.linalg.matrixRank(D, 1e-2).item()).toBe(1);
    expect(fl.linalg.matrixRank(D, { rtol: 1e-2 }).item()).toBe(1);
    expect(fl.linalg.matrixRank(t64([[1, 0], [0, -1e-3]]), { hermitian: true, atol: 1e-2 }).item()).toBe(1);
  }));
  test('lstsq: torch\'s solution and what each driver fills', () => fl.scope(() => {
    const d = fl.linalg.lstsq(t64(A1), t64(B), { driver: 'gelsd' });
    close(vals(d.solution), g('lsX'), 1e-9);
    close(vals(d.residuals), g('lsRes'), 1e-9);
    close(vals(d.singularValues), g('lsS'), 1e-9);
    expect(d.rank.item()).toBe(3);
    // gelsy (torch's CPU default): rank only; gels: residuals only
    const y = fl.linalg.lstsq(t64(A1), t64(B), { driver: 'gelsy' });
    expect([y.residuals.shape, y.singularValues.shape, y.rank.item()]).toEqual([[0], [0], 3]);
    const s = fl.linalg.lstsq(t64(A1), t64(B), null, { driver: 'gels' });
    expect([s.rank.shape, s.singularValues.shape]).toEqual([[0], [0]]);
    close(vals(s.residuals), g('lsRes'), 1e-9);
    // an A with no columns: torch 1.13's gels gives zero residuals, gelsd and gelss ‖B‖² (seed 3 of torch-diff)
    const B2 = [[-1.405515, -2.139194], [1.255838, 2.967133]];
    close(vals(fl.linalg.lstsq(fl.zeros([2, 0], { dtype: 'float64', device: DEVICE }), t64(B2), { driver: 'gels' }).residuals), [0, 0], 0);
    for (const driver of ['gelsd', 'gelss'] as const) {
      close(vals(fl.linalg.lstsq(fl.zeros([2, 0], { dtype: 'float64', device: DEVICE }), t64(B2), { driver }).residuals), [3.552601, 13.380029], 1e-6);
    }
    // a rank-deficient A: the minimum-norm solution (pinv(A) B), rank 2, no residuals
    const r = fl.linalg.lstsq(t64(Rk), t64(B), { driver: 'gelsd' });
    close(vals(r.solution), vals(fl.matmul(fl.linalg.pinv(t64(Rk)), t64(B))), 1e-9);
    expect([r.rank.item(), r.residuals.shape]).toEqual([2, [0]]);
    // a vector B is refused (torch 1.13: lstsq(A [4, 3], B [4]) raises IndexError); a broadcast batch
    expect(() => fl.linalg.lstsq(t64(A1), t64([1, 2, 3, 4]))).toThrow(/linalg.lstsq: B must have at least 2 dimensions/);
    expect(fl.linalg.lstsq(rand([2, 4, 3]), t64(B)).solution.shape).toEqual([2, 3, 2]);
    expect(fl.gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.linalg.lstsq(a, b).solution, [rand([5, 3], 'float64', 51).requiresGrad_(), rand([5, 2], 'float64', 52).requiresGrad_()])).toBe(true);
    expect(() => fl.linalg.lstsq(t64(A1), t64([[1, 2]]))).toThrow(fl.ShapeError);
    expect(() => fl.linalg.lstsq(t64(A1), t64(B, 'float32'))).toThrow(fl.DTypeError);
  }));
  test('cond for every p, and matrixNorm / fl.norm \'nuc\', 2, -2 against torch', () => fl.scope(() => {
    for (const p of [null, 2, -2, 'fro', 'nuc', 1, -1, Infinity, -Infinity] as fl.CondP[]) {
      const key = `cond${p === null ? 'None' : p === Infinity ? 'inf' : p === -Infinity ? '-inf' : String(p)}`;
      close([fl.linalg.cond(t64(S1), p).item()], [G[key] as number], 1e-9, key);
    }
    expect(fl.linalg.cond(t64([[1, 0], [0, 0]]), 'fro').item()).toBe(Infinity);
    expect(() => fl.linalg.cond(t64(A1), 1)).toThrow(fl.ShapeError);
    close([fl.linalg.matrixNorm(t64(A1), 'nuc').item()], [G.mnnuc as number]);
    close([fl.linalg.matrixNorm(t64(A1), 2).item()], [G.mn2 as number]);
    close([fl.linalg.matrixNorm(t64(A1), -2).item()], [G['mn-2'] as number]);
    close([fl.norm(t64(A1), 'nuc').item()], [G.mnnuc as number]);
    // dims and keepdim: the matrices over dims (0, 2) of a [4, 2, 3] stack
    const st = fl.stack([t64(A1), fl.mul(t64(A1), 2)], 1);
    close(vals(fl.linalg.matrixNorm(st, 'nuc', [0, 2])), [G.mnnuc as number, 2 * (G.mnnuc as number)]);
    expect(fl.linalg.matrixNorm(st, 2, [0, 2], true).shape).toEqual([1, 2, 1]);
    expect(fl.gradcheck((x: fl.Tensor) => fl.linalg.matrixNorm(x, 'nuc'), [rand([4, 3], 'float64', 61).requiresGrad_()])).toBe(true);
    expect(() => fl.norm(fl.ones([2, 2, 2], { device: DEVICE }), 'nuc')).toThrow(fl.ValueError);
  }));
});

describe('nn.init.orthogonal_', () => {
  test.each([[[3, 5]], [[5, 3]], [[4, 2, 3]], [[4, 4]]])('orthonormal rows or columns, gain, on %j', (shape) => fl.scope(() => {
    for (const dt of ['float32', 'float64'] as fl.DType[]) {
      fl.manualSeed(3);
      const w = fl.empty(shape, { dtype: dt, device: DEVICE });
      expect(fl.nn.init.orthogonal_(w)).toBe(w);
      const rows = shape[0], cols = w.numel / rows, m = w.reshape([rows, cols]);
      const G2 = rows <= cols ? fl.matmul(m, mT(m)) : fl.matmul(mT(m), m);
      close(vals(G2), eyeLike(Math.min(rows, cols)), tolOf(dt, 10));
      const w2 = fl.empty(shape, { dtype: dt, device: DEVICE });
      fl.nn.init.orthogonal_(w2, 2);
      const m2 = w2.reshape([rows, cols]);
      close(vals(rows <= cols ? fl.matmul(m2, mT(m2)) : fl.matmul(mT(m2), m2)), eyeLike(Math.min(rows, cols)).map((x) => 4 * x), tolOf(dt, 40));
    }
    expect(() => fl.nn.init.orthogonal_(fl.ones([3], { device: DEVICE }))).toThrow(/only tensors with 2 or more dimensions/);
  }));
});
