// ops-misc4.test.ts — torch.lu_unpack (fl.luUnpack), torch.linalg.vander / tensorinv / tensorsolve
// (lib/ops/linalg.ts), the samplers torch.poisson / torch.binomial and Tensor.resize_ / resizeAs_
// (lib/ops/misc4.ts), and the keyword forms of pow, tensordot, tile, hsplit/vsplit/dsplit and
// F.relu/silu/hardswish's inplace.
// References: PyTorch 1.13 golden values (float64, the torch call beside each; scripts/golden/misc4.py
// prints them), compared at 1e-12 relative; finite differences (fl.gradcheck, float64); round trips
// through flintml's own luFactor (P L U = A at 1e-12); for the samplers, the exact pmfs computed here in
// float64 (chi-square goodness of fit on seeded samples of 1e5, against a threshold of df + 8·sqrt(2·df),
// and the moments within 6 standard errors). The tests run on DEVICE (the CPU, or the emulated GPU).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const F = fl.nn.functional;
const lin = fl.linalg;
const f64 = (v: unknown, shape?: number[]): fl.Tensor => {
  const t = fl.tensor(v as number[], { dtype: 'float64', device: DEVICE });
  return shape ? t.reshape(shape) : t;
};
const i32 = (v: unknown): fl.Tensor => fl.tensor(v as number[], { dtype: 'int32', device: DEVICE });
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function near(got: number[], want: number[], rel = 1e-12, what = ''): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (Number.isNaN(w) ? Number.isNaN(g) : (g === w || Math.abs(g - w) <= rel * (1 + Math.abs(w)))) return;
    throw new Error(`${what}[${i}]: expected ${w}, got ${g} (all: ${got})`);
  });
}
const nearT = (t: fl.Tensor, want: unknown, rel = 1e-12, what = ''): void => near(vals(t), flat(want), rel, what);
const gc = (fn: (...a: fl.Tensor[]) => fl.Tensor | fl.Tensor[], ...inputs: fl.Tensor[]): void => {
  expect(fl.gradcheck(fn, inputs.map((t) => t.requiresGrad_()))).toBe(true);
};

// The torch 1.13 goldens (float64), printed by scripts/golden/misc4.py; LU3 = [[2, -1, 0.5], [0.25, 3, -2], [-0.5, 0.75, 1.5]].
const GOLD = {
  // torch.lu_unpack(LU3, tensor([3, 3, 3], int32)): [P, L, U]
  lu3_p333: [[[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], [[1.0, 0.0, 0.0], [0.25, 1.0, 0.0], [-0.5, 0.75, 1.0]], [[2.0, -1.0, 0.5], [0.0, 3.0, -2.0], [0.0, 0.0, 1.5]]],
  // torch.lu_unpack(LU3, tensor([2, 3, 3], int32))
  lu3_p233: [[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[1.0, 0.0, 0.0], [0.25, 1.0, 0.0], [-0.5, 0.75, 1.0]], [[2.0, -1.0, 0.5], [0.0, 3.0, -2.0], [0.0, 0.0, 1.5]]],
  // torch.lu_unpack(stack([LU3, -LU3 + 0.1]), tensor([[3, 3, 3], [1, 3, 3]], int32))
  lub: [[[[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]], [[[1.0, 0.0, 0.0], [0.25, 1.0, 0.0], [-0.5, 0.75, 1.0]], [[1.0, 0.0, 0.0], [-0.15, 1.0, 0.0], [0.6, -0.65, 1.0]]], [[[2.0, -1.0, 0.5], [0.0, 3.0, -2.0], [0.0, 0.0, 1.5]], [[-1.9, 1.1, -0.4], [0.0, -2.9, 2.1], [0.0, 0.0, -1.4]]]],
  // W = [[1.5, -2, 0.5, 3], [0.25, 4, -1, 2]]: P, L, U = torch.lu_unpack(W, tensor([2, 2], int32)); grad of (L·wl).sum() + (U·wu).sum() w.r.t. W (wl = arange(1, L.numel + 1), wu = -0.5·arange(1, U.numel + 1), in L's and U's shapes)
  wide: [[[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [0.25, 1.0]], [[1.5, -2.0, 0.5, 3.0], [0.0, 4.0, -1.0, 2.0]], [[-0.5, -1.0, -1.5, -2.0], [3.0, -3.0, -3.5, -4.0]]],
  // T = [[3, 1], [0.5, -2], [0.25, 0.75], [-0.5, 0.125]], pivots [4, 3]: the same four
  tall: [[[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]], [[1.0, 0.0], [0.5, 1.0], [0.25, 0.75], [-0.5, 0.125]], [[3.0, 1.0], [0.0, -2.0]], [[-0.5, -1.0], [3.0, -2.0], [5.0, 6.0], [7.0, 8.0]]],
  // torch.linalg.vander(tensor([2., -1., 0.5]), N=4)
  lv_n4: [[1.0, 2.0, 4.0, 8.0], [1.0, -1.0, 1.0, -1.0], [1.0, 0.5, 0.25, 0.125]],
  // xb = [[1., 2.], [3., -0.5]]: V = torch.linalg.vander(xb); grad of (V·wv).sum(), wv = [[[1, 2], [3, 4]], [[-1, 0.5], [2, -3]]]
  lv_batch: [[[[1.0, 1.0], [1.0, 2.0]], [[1.0, 3.0], [1.0, -0.5]]], [[2.0, 4.0], [0.5, -3.0]]],
  // grad of torch.linalg.vander(tensor([0., 2., -1.5]), N=4).sum()
  lv_grad0: [1.0, 17.0, 4.75],
  // torch.vander(tensor([2., -1., 0.5])) (decreasing powers)
  v_default: [[4.0, 2.0, 1.0], [1.0, -1.0, 1.0], [0.25, 0.5, 1.0]],
  // A = (2·eye(4) + 0.1·sin(arange(16.)).reshape(4, 4)).reshape(4, 2, 2): torch.linalg.tensorinv(A, ind=1); grad of (Ai·cos(arange(16.)).reshape(2, 2, 4)).sum() w.r.t. A
  ti1: [[[[0.5002441345389059, -0.021513120691818835, -0.02349131197132451, -0.0038716993601300978], [0.019037095121220482, 0.5245403188194218, 0.007481286568525349, -0.016456006051752643]], [[-0.025131086110425013, -0.010568125008729803, 0.5137111214885861, 0.02538442612137232], [0.013816453121686377, -0.010724743826530945, -0.02540566076032591, 0.48327126964471534]]], [[[-0.2508119353562077, -0.17961133582601171], [0.11415681480527094, 0.22966923195722663]], [[0.20284391462174525, -0.06171563338131637], [-0.2858126125649453, -0.1854989608723463]], [[0.041906677069390934, 0.26947833188314235], [0.20478925922750324, -0.03865846944334078]], [[-0.197545244550302, -0.22858977850349005], [0.008466244910174702, 0.1809962368196503]]]],
  // torch.linalg.tensorinv(the same matrix reshaped (2, 2, 2, 2)) (ind=2)
  ti2: [[[[0.5002441345389059, -0.021513120691818835], [-0.02349131197132451, -0.0038716993601300978]], [[0.019037095121220482, 0.5245403188194218], [0.007481286568525349, -0.016456006051752643]]], [[[-0.025131086110425013, -0.010568125008729803], [0.5137111214885861, 0.02538442612137232]], [[0.013816453121686377, -0.010724743826530945], [-0.02540566076032591, 0.48327126964471534]]]],
  // As = (2·eye(6) + 0.1·cos(arange(36.)).reshape(6, 6)).reshape(2, 3, 6), Bs = sin(arange(6.)).reshape(2, 3): X = torch.linalg.tensorsolve(As, Bs); grads of (X·arange(1., 7.)).sum() w.r.t. As, Bs
  ts: [[-0.008308592778447251, 0.39072649451669433, 0.40532980998429824, 0.005859910632656742, -0.4533285586725591, -0.5586479993316233], [[[0.0020796875312115806, -0.09780104049247189, -0.10145633253796806, -0.0014667686095247425, 0.11347068946007846, 0.13983273816957936], [0.004239107543504907, -0.19935164407738498, -0.20680236725152887, -0.002989771195863347, 0.23129169571771815, 0.2850264793664834], [0.010139993513411528, -0.4768514025858584, -0.4946736172573878, -0.007151566744063633, 0.5532523698005825, 0.6817865841490468]], [[0.018176539035262035, -0.8547843863664548, -0.8867317618991325, -0.012819607025864847, 0.9917376458605022, 1.2221428390572744], [0.02477942216042844, -1.1652968216240958, -1.2088495300745992, -0.017476509351337034, 1.352000276372338, 1.6661033924332105], [0.02769742353612124, -1.3025210759499184, -1.3512025102581486, -0.01953452660449754, 1.5112105533856466, 1.8623021560561348]]], [[0.2503056277600167, 0.5102076436458992, 1.220422493170563], [2.18767961313648, 2.9823849623135983, 3.333587801771826]]],
  // torch.linalg.tensorsolve(As.permute(2, 0, 1), Bs, dims=(0,))
  ts_dims: [-0.008308592778447246, 0.3907264945166943, 0.40532980998429824, 0.005859910632656738, -0.45332855867255906, -0.5586479993316235],
  // torch.linalg.tensorsolve(the 6x6 matrix reshaped (3, 2, 3, 2), sin(arange(6.)).reshape(3, 2), dims=(1, 0))
  ts_dims2: [[-0.030704977247112835, 0.48482380928944846, -0.3728108117899653], [0.42024513601942964, 0.10365770817829886, -0.5065187907036814]],
};

describe('luUnpack (torch.lu_unpack)', () => {
  const LU3 = (): fl.Tensor => f64([[2, -1, 0.5], [0.25, 3, -2], [-0.5, 0.75, 1.5]]);
  test('torch goldens: square, batched, wide and tall, the named tuple', () => fl.scope(() => {
    for (const [piv, want] of [[[3, 3, 3], GOLD.lu3_p333], [[2, 3, 3], GOLD.lu3_p233]] as const) {
      const r = fl.luUnpack(LU3(), i32(piv));
      r.forEach((t, k) => nearT(t, want[k], 1e-12, `lu3 ${piv} ${'PLU'[k]}`));
      expect([r.P, r.L, r.U]).toEqual([r[0], r[1], r[2]]);
      expect(r.map((t) => t.dtype)).toEqual(['float64', 'float64', 'float64']);
    }
    const b = fl.luUnpack(fl.stack([LU3(), LU3().neg().add(0.1)]), i32([[3, 3, 3], [1, 3, 3]]));
    b.forEach((t, k) => nearT(t, GOLD.lub[k], 1e-12, `batch ${'PLU'[k]}`));
    const w = fl.luUnpack(f64([[1.5, -2, 0.5, 3], [0.25, 4, -1, 2]]), i32([2, 2]));
    expect(w.map((t) => t.shape)).toEqual([[2, 2], [2, 2], [2, 4]]);
    w.forEach((t, k) => nearT(t, GOLD.wide[k], 1e-12, `wide ${'PLU'[k]}`));
    const t = fl.luUnpack(f64([[3, 1], [0.5, -2], [0.25, 0.75], [-0.5, 0.125]]), i32([4, 3]));
    expect(t.map((x) => x.shape)).toEqual([[4, 4], [4, 2], [2, 2]]);
    t.forEach((x, k) => nearT(x, GOLD.tall[k], 1e-12, `tall ${'PLU'[k]}`));
  }));
  test('round trip with linalg.luFactor: P L U = A (batches, wide, tall, float32), and linalg.lu', () => fl.scope(() => {
    fl.manualSeed(5);
    for (const shape of [[4, 4], [3, 2, 5], [2, 6, 3], [1, 1], [2, 0, 3]]) {
      for (const dtype of ['float64', 'float32'] as const) {
        const A = fl.randn(shape, { dtype, device: DEVICE });
        const [LU, piv] = lin.luFactor(A);
        const [P, L, U] = fl.luUnpack(LU, piv);
        const m = shape[shape.length - 2], n = shape[shape.length - 1], k = Math.min(m, n);
        expect([P.shape, L.shape, U.shape]).toEqual([[...shape.slice(0, -2), m, m], [...shape.slice(0, -2), m, k], [...shape.slice(0, -2), k, n]]);
        near(vals(P.matmul(L).matmul(U)), vals(A), dtype === 'float64' ? 1e-12 : 1e-5, `P L U ${shape} ${dtype}`);
        const [P2, L2, U2] = lin.lu(A);
        expect([vals(P2), vals(L2), vals(U2)]).toEqual([vals(P), vals(L), vals(U)]);
      }
    }
  }));
  test('unpackData / unpackPivots (positional or keyword) give empty tensors, as torch', () => fl.scope(() => {
    const piv = i32([3, 3, 3]);
    const a = fl.luUnpack(LU3(), piv, { unpackData: false });
    expect(a.map((t) => t.shape)).toEqual([[3, 3], [0], [0]]);
    nearT(a.P, GOLD.lu3_p333[0]);
    const b = fl.luUnpack(LU3(), piv, true, false);
    expect(b.map((t) => t.shape)).toEqual([[0], [3, 3], [3, 3]]);
    nearT(b.L, GOLD.lu3_p333[1]);
    // unpackPivots false reads no pivots (torch takes any there)
    expect(fl.luUnpack(LU3(), f64([9]), { unpackPivots: false }).U.shape).toEqual([3, 3]);
    expect(fl.luUnpack(LU3(), piv, false, false).map((t) => t.shape)).toEqual([[0], [0], [0]]);
  }));
  test('other dtypes as torch (P L U of LU\'s dtype), longer pivots use the first k', () => fl.scope(() => {
    const [P, L, U] = fl.luUnpack(LU3().to('float32'), i32([2, 3, 3]));
    expect([P.dtype, L.dtype, U.dtype]).toEqual(['float32', 'float32', 'float32']);
    nearT(P, GOLD.lu3_p233[0]); nearT(U, GOLD.lu3_p233[2], 1e-7);
    const h = fl.luUnpack(LU3().to('float16'), i32([2, 3, 3]));
    expect(h.P.dtype).toBe('float16'); nearT(h.P, GOLD.lu3_p233[0]); nearT(h.U, GOLD.lu3_p233[2], 1e-3);
    const n = fl.luUnpack(fl.tensor([[2, -1], [3, 4]], { dtype: 'int32', device: DEVICE }), i32([2, 2]));
    expect([n.P.dtype, n.L.toArray(), n.U.toArray()]).toEqual(['int32', [[1, 0], [3, 1]], [[2, -1], [0, 4]]]);
    // torch.lu_unpack(torch.randn(2, 4), tensor([1, 2, 3], int32)): reads 2 pivots
    const w = fl.luUnpack(f64([[1.5, -2, 0.5, 3], [0.25, 4, -1, 2]]), i32([2, 2, 7]));
    nearT(w.P, GOLD.wide[0]);
  }));
  test('errors: typed, naming the op and the shapes', () => fl.scope(() => {
    expect(() => fl.luUnpack(LU3(), f64([1, 2, 3]))).toThrow(fl.DTypeError);
    expect(() => fl.luUnpack(LU3(), f64([1, 2, 3]))).toThrow(/luUnpack: LUPivots must be an int32 tensor/);
    expect(() => fl.luUnpack(LU3(), i32([0, 2, 3]))).toThrow(new fl.ValueError('luUnpack: pivots passed to luUnpack must be between 1 and LU.size(-2) = 3 inclusive; did you pass the pivots of linalg.luFactor?'));
    expect(() => fl.luUnpack(LU3(), i32([4, 2, 3]))).toThrow(fl.ValueError);
    expect(() => fl.luUnpack(LU3(), i32([1, 2]))).toThrow(new fl.ShapeError('luUnpack: LUPivots of shape [2] do not fit LUData of shape [3, 3] (expected [3])'));
    expect(() => fl.luUnpack(LU3().expand(2, 3, 3), i32([1, 2, 3]))).toThrow(fl.ShapeError);   // torch 1.13 pairs them wrongly
    expect(() => fl.luUnpack(f64([1, 2, 3]), i32([1]))).toThrow(new fl.ShapeError('luUnpack: Expected LUData with 2 or more dimensions, got shape [3]'));
    expect(() => (fl.luUnpack as any)(LU3(), i32([1, 2, 3]), { unpackdata: false })).toThrow(new fl.ValueError("luUnpack: unknown option 'unpackdata' (did you mean 'unpackData'?)"));
    expect(() => (fl.luUnpack as any)(LU3(), [1, 2, 3])).toThrow(/luUnpack: LUPivots must be a Tensor/);
  }));
  test('gradient through L and U: torch goldens (wide, tall) and gradcheck', () => fl.scope(() => {
    for (const [name, data, piv] of [['wide', [[1.5, -2, 0.5, 3], [0.25, 4, -1, 2]], [2, 2]], ['tall', [[3, 1], [0.5, -2], [0.25, 0.75], [-0.5, 0.125]], [4, 3]]] as const) {
      const x = f64(data).requiresGrad_();
      const [P, L, U] = fl.luUnpack(x, i32(piv));
      expect([P.requiresGrad, L.requiresGrad, U.requiresGrad]).toEqual([false, true, true]);
      const wl = fl.arange(1, L.numel + 1, { dtype: 'float64', device: DEVICE }).reshape(L.shape);
      const wu = fl.arange(1, U.numel + 1, { dtype: 'float64', device: DEVICE }).reshape(U.shape).mul(-0.5);
      L.mul(wl).sum().add(U.mul(wu).sum()).backward();
      nearT(x.grad!, (GOLD as any)[name][3], 1e-12, `${name} grad`);
      x.grad!.dispose();
    }
    fl.manualSeed(2);
    for (const shape of [[3, 3], [2, 4], [4, 2], [2, 3, 3]]) {
      const A = fl.randn(shape, { dtype: 'float64', device: DEVICE });
      const [LU, piv] = lin.luFactor(A);
      gc((lu) => { const r = fl.luUnpack(lu, piv); return [r.L, r.U]; }, LU.detach());
    }
  }));
});

describe('linalg.vander, vander', () => {
  test('torch goldens: increasing powers, N, batches, integers, a 0-dim x', () => fl.scope(() => {
    nearT(lin.vander(f64([2, -1, 0.5]), { N: 4 }), GOLD.lv_n4);
    const V = lin.vander(f64([[1, 2], [3, -0.5]]));
    expect(V.shape).toEqual([2, 2, 2]);
    nearT(V, GOLD.lv_batch[0]);
    // torch.linalg.vander(tensor([1, 2, 3])) = [[1, 1, 1], [1, 2, 4], [1, 3, 9]] (int64: int32 here)
    const iv = lin.vander(fl.tensor([1, 2, 3], { dtype: 'int32', device: DEVICE }));
    expect([iv.dtype, iv.toArray()]).toEqual(['int32', [[1, 1, 1], [1, 2, 4], [1, 3, 9]]]);
    expect(lin.vander(fl.tensor([1, 2], { dtype: 'uint8', device: DEVICE })).dtype).toBe('int32');
    // torch.linalg.vander(tensor(2.), N=3) = [[1, 2, 4]]; an empty x with N: [0, N]
    nearT(lin.vander(f64(2), { N: 3 }), [[1, 2, 4]]);
    expect(lin.vander(f64([]), { N: 3 }).shape).toEqual([0, 3]);
    expect(lin.vander(fl.tensor([1, 2], { dtype: 'float32', device: DEVICE }), { N: null }).dtype).toBe('float32');
    // torch.vander is decreasing by default (its reversed columns)
    nearT(fl.vander(f64([2, -1, 0.5])), GOLD.v_default);
    nearT(fl.vander(f64([2, -1, 0.5]), 4, true), GOLD.lv_n4);
  }));
  test('errors as torch: N > 1, no bool or 16-bit floats, N keyword-only', () => fl.scope(() => {
    expect(() => lin.vander(f64([1, 2]), { N: 1 })).toThrow(new fl.ValueError('linalg.vander: N must be greater than 1, got 1 (x of shape [2])'));
    expect(() => lin.vander(f64(2))).toThrow(/N must be greater than 1/);
    expect(() => lin.vander(f64([]))).toThrow(/N must be greater than 1, got 0/);
    expect(() => lin.vander(f64([1]), { N: 2.5 })).toThrow(/linalg.vander: N must be an integer/);
    expect(() => lin.vander(fl.tensor([true], { device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => lin.vander(fl.tensor([1], { dtype: 'float16', device: DEVICE }))).toThrow(/supports floating point, complex, and integer tensors, but got float16/);
    expect(() => (lin.vander as any)(f64([1, 2]), 3)).toThrow(/linalg.vander: takes 1 positional argument \(x\)/);
    expect(() => (lin.vander as any)(f64([1, 2]), { n: 3 })).toThrow(new fl.ValueError("linalg.vander: unknown option 'n' (did you mean 'N'?)"));
  }));
  test('gradient: torch goldens (a zero point too) and gradcheck', () => fl.scope(() => {
    const x0 = f64([0, 2, -1.5]).requiresGrad_();
    lin.vander(x0, { N: 4 }).sum().backward();
    nearT(x0.grad!, GOLD.lv_grad0);
    x0.grad!.dispose();
    const xb = f64([[1, 2], [3, -0.5]]).requiresGrad_();
    lin.vander(xb).mul(f64([[[1, 2], [3, 4]], [[-1, 0.5], [2, -3]]])).sum().backward();
    nearT(xb.grad!, GOLD.lv_batch[1]);
    xb.grad!.dispose();
    gc((x) => lin.vander(x, { N: 5 }), f64([[0.5, -1.25, 2], [0.75, 0, 1.5]]));
  }));
});

describe('linalg.tensorinv, linalg.tensorsolve', () => {
  const M4 = (): number[] => Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 2 : 0) + 0.1 * Math.sin(i));
  const M6 = (): number[] => Array.from({ length: 36 }, (_, i) => (i % 7 === 0 ? 2 : 0) + 0.1 * Math.cos(i));
  const sin6 = (): number[] => Array.from({ length: 6 }, (_, i) => Math.sin(i));
  test('tensorinv: torch goldens, ind, tensordot(Ainv, A, ind) is the identity', () => fl.scope(() => {
    const A = f64(M4(), [4, 2, 2]);
    const Ai = lin.tensorinv(A, { ind: 1 });
    expect(Ai.shape).toEqual([2, 2, 4]);
    nearT(Ai, GOLD.ti1[0], 1e-12, 'ind 1');
    nearT(lin.tensorinv(f64(M4(), [2, 2, 2, 2])), GOLD.ti2, 1e-12, 'ind 2');
    nearT(lin.tensorinv(f64(M4(), [2, 2, 2, 2]), 2), GOLD.ti2, 1e-12, 'positional ind');
    near(vals(fl.tensordot(Ai, A, 1)), vals(fl.eye(4, { dtype: 'float64' }).reshape(2, 2, 2, 2)), 1e-12, 'identity');
    expect(lin.tensorinv(f64([]).reshape(0, 3, 3, 0)).shape).toEqual([3, 0, 0, 3]);
  }));
  test('tensorinv errors as torch', () => fl.scope(() => {
    const A = f64(M4(), [4, 2, 2]);
    expect(() => lin.tensorinv(A, { ind: 0 })).toThrow(new fl.ValueError("linalg.tensorinv: Expected a strictly positive integer for 'ind', but got 0"));
    expect(() => lin.tensorinv(A)).toThrow(new fl.ShapeError('linalg.tensorinv: Expected A to satisfy the requirement prod(A.shape[ind:]) == prod(A.shape[:ind]), but got 2 != 8 (shape [4, 2, 2], ind 2)'));
    expect(() => lin.tensorinv(A, 4)).toThrow(/ind = 4 is more than the number of dims of A/);
    expect(() => lin.tensorinv(f64(2), 1)).toThrow(fl.ShapeError);
    expect(() => lin.tensorinv(fl.zeros([2, 2, 2, 2], { dtype: 'float64', device: DEVICE }))).toThrow(new fl.LinAlgError('linalg.tensorinv: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.'));
    expect(() => lin.tensorinv(fl.ones([2, 2], { dtype: 'int32', device: DEVICE }), 1)).toThrow(fl.DTypeError);
    expect(() => lin.tensorinv(A, { idn: 1 } as any)).toThrow(new fl.ValueError("linalg.tensorinv: unknown option 'idn' (did you mean 'ind'?)"));
  }));
  test('tensorsolve: torch goldens, dims, tensordot(A, X) = B', () => fl.scope(() => {
    const A = f64(M6(), [2, 3, 6]), B = f64(sin6(), [2, 3]);
    const X = lin.tensorsolve(A, B);
    nearT(X, GOLD.ts[0], 1e-12, 'X');
    near(vals(fl.tensordot(A, X, 1)), vals(B), 1e-12, 'A X = B');
    nearT(lin.tensorsolve(A.permute(2, 0, 1), B, { dims: [0] }), GOLD.ts_dims, 1e-12, 'dims [0]');
    nearT(lin.tensorsolve(A.permute(2, 0, 1), B, [-3]), GOLD.ts_dims, 1e-12, 'dims [-3] positional');
    nearT(lin.tensorsolve(f64(M6(), [3, 2, 3, 2]), f64(sin6(), [3, 2]), { dims: [1, 0] }), GOLD.ts_dims2, 1e-12, 'dims [1, 0]');
    nearT(lin.tensorsolve(A, B, { dims: null }), GOLD.ts[0]);
    nearT(lin.tensorsolve(f64(2), f64(4)), [2]);
  }));
  test('tensorsolve errors as torch', () => fl.scope(() => {
    const A = f64(M6(), [6, 2, 3]), B = f64(sin6(), [2, 3]);
    expect(() => lin.tensorsolve(A, B)).toThrow(/linalg.tensorsolve: Expected A to satisfy the requirement prod\(A.shape\[B.ndim:\]\) == prod\(B.shape\), but got 3 != 6/);
    expect(() => lin.tensorsolve(A, B, { dims: [0, 0] })).toThrow(new fl.ValueError('linalg.tensorsolve: repeated dim in dims [0, 0]'));
    expect(() => lin.tensorsolve(A, B, { dims: [3] })).toThrow(fl.IndexError);
    expect(() => lin.tensorsolve(A, B, { dims: 0 } as any)).toThrow(/dims must be an array/);
    expect(() => lin.tensorsolve(f64([1, 1, 1, 1]), f64([1, 1, 1, 1], [2, 2]))).toThrow(/B has more dims than A/);
    expect(() => lin.tensorsolve(f64(M6().slice(0, 12), [4, 3]), f64([1, 2, 3]))).toThrow(/is not a square system/);
    expect(() => lin.tensorsolve(f64(M6(), [2, 3, 6]), B.to('float32'))).toThrow(fl.DTypeError);
    expect(() => lin.tensorsolve(fl.zeros([2, 3, 6], { dtype: 'float64', device: DEVICE }), B)).toThrow(new fl.LinAlgError('linalg.tensorsolve: The solver failed because the input matrix is singular.'));
  }));
  test('gradients: torch goldens and gradcheck', () => fl.scope(() => {
    const A = f64(M4(), [4, 2, 2]).requiresGrad_();
    lin.tensorinv(A, 1).mul(f64(Array.from({ length: 16 }, (_, i) => Math.cos(i)), [2, 2, 4])).sum().backward();
    nearT(A.grad!, GOLD.ti1[1], 1e-12, 'tensorinv grad');
    const As = f64(M6(), [2, 3, 6]).requiresGrad_(), Bs = f64(sin6(), [2, 3]).requiresGrad_();
    lin.tensorsolve(As, Bs).mul(fl.arange(1, 7, { dtype: 'float64', device: DEVICE })).sum().backward();
    nearT(As.grad!, GOLD.ts[1], 1e-12, 'tensorsolve grad A');
    nearT(Bs.grad!, GOLD.ts[2], 1e-12, 'tensorsolve grad B');
    [A, As, Bs].forEach((t) => t.grad!.dispose());
    gc((a) => lin.tensorinv(a, 1), f64(M4(), [4, 2, 2]));
    gc((a, b) => lin.tensorsolve(a, b, { dims: [0] }), f64(M6(), [6, 2, 3]), f64(sin6(), [2, 3]));
  }));
});

// ---- the samplers ---------------------------------------------------------------------------------------

/** log k! for k = 0..n (float64 running sums). */
function logFactorials(n: number): Float64Array {
  const f = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) f[k] = f[k - 1] + Math.log(k);
  return f;
}
/**
 * Pearson's chi-square of integer samples against pmf(k) (k = 0..kmax): bins with an expected count of
 * at least 5, the rest pooled into one bin. Returns [chi2, df].
 */
function chiSquare(samples: ArrayLike<number>, pmf: (k: number) => number, kmax: number): [number, number] {
  const N = samples.length, counts = new Map<number, number>();
  for (let i = 0; i < N; i++) counts.set(samples[i], (counts.get(samples[i]) ?? 0) + 1);
  let chi2 = 0, bins = 0, restObs = N, restP = 1;
  for (let k = 0; k <= kmax; k++) {
    const p = pmf(k), e = N * p;
    if (e < 5) continue;
    const o = counts.get(k) ?? 0;
    chi2 += (o - e) ** 2 / e; bins++; restObs -= o; restP -= p;
  }
  if (N * restP >= 5) { chi2 += (restObs - N * restP) ** 2 / (N * restP); bins++; }
  return [chi2, bins - 1];
}
/** The fit and the first two moments: chi2 < df + 8·sqrt(2·df); mean within 6 standard errors; variance within 6 of its (kurtosis-aware) errors. */
function expectFits(s: ArrayLike<number>, pmf: (k: number) => number, kmax: number, mean: number, variance: number, mu4: number, what: string): void {
  const [chi2, df] = chiSquare(s, pmf, kmax);
  if (!(df >= 1 && chi2 < df + 8 * Math.sqrt(2 * df))) throw new Error(`${what}: chi-square ${chi2.toFixed(1)} with ${df} degrees of freedom`);
  const N = s.length;
  let m = 0; for (let i = 0; i < N; i++) m += s[i]; m /= N;
  let v = 0; for (let i = 0; i < N; i++) v += (s[i] - m) ** 2; v /= N - 1;
  if (Math.abs(m - mean) > 6 * Math.sqrt(variance / N)) throw new Error(`${what}: mean ${m}, expected ${mean}`);
  if (Math.abs(v - variance) > 6 * Math.sqrt((mu4 - variance ** 2) / N) + 1e-12) throw new Error(`${what}: variance ${v}, expected ${variance}`);
}
const gen = (seed: number): fl.Generator => new fl.Generator(DEVICE).manualSeed(seed);
const N_SAMPLES = 100_000;

describe('poisson (torch.poisson)', () => {
  test('fits the exact pmf: small rates (inversion), rates >= 10 (PTRS), 1e4', () => fl.scope(() => {
    const lf = logFactorials(12_000);
    for (const [rate, seed] of [[0.3, 1], [3.7, 2], [9.99, 3], [10, 4], [42.5, 5], [1e4, 6]]) {
      const s = fl.poisson(fl.full([N_SAMPLES], rate, { dtype: 'float64', device: DEVICE }), { generator: gen(seed) }).dataSync();
      expect(Array.from(s.slice(0, 100)).every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      const pmf = (k: number): number => Math.exp(k * Math.log(rate) - rate - lf[k]);
      // Poisson: variance λ, fourth central moment λ(1 + 3λ)
      expectFits(s, pmf, 12_000, rate, rate, rate * (1 + 3 * rate), `poisson(${rate})`);
    }
  }));
  test('mixed rates in one tensor, zero rates, dtypes and shapes', () => fl.scope(() => {
    const rates = fl.tensor([0, 0.5, 0, 25, 1e4, 3], { dtype: 'float32', device: DEVICE }).reshape(2, 3);
    const s = fl.poisson(rates.expand(2, 2, 3).contiguous(), { generator: gen(7) });
    expect([s.shape, s.dtype]).toEqual([[2, 2, 3], 'float32']);
    const v = vals(s);
    expect([v[0], v[2], v[6], v[8]]).toEqual([0, 0, 0, 0]);
    expect(Math.abs(v[4] - 1e4)).toBeLessThan(600);
    for (const dtype of ['float64', 'float16', 'bfloat16'] as const) {
      const t = fl.poisson(fl.full([4], 2, { dtype, device: DEVICE }));
      expect(t.dtype).toBe(dtype);
      expect(vals(t).every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
    expect(fl.poisson(fl.tensor(3, { dtype: 'float32', device: DEVICE })).shape).toEqual([]);
    expect(fl.poisson(fl.zeros([0, 3], { device: DEVICE })).shape).toEqual([0, 3]);
    // a strided (transposed) rate tensor
    const r2 = fl.tensor([[0, 100], [0, 100]], { dtype: 'float64', device: DEVICE }).t();
    expect(vals(fl.poisson(r2)).slice(0, 2)).toEqual([0, 0]);
  }));
  test('a seeded generator repeats its draws; manualSeed drives the default stream', () => fl.scope(() => {
    const rates = fl.tensor([0.5, 4, 15, 300], { dtype: 'float64', device: DEVICE }).repeat(50);
    const a = vals(fl.poisson(rates, { generator: gen(11) })), b = vals(fl.poisson(rates, gen(11)));
    expect(b).toEqual(a);
    expect(vals(fl.poisson(rates, { generator: gen(12) }))).not.toEqual(a);
    fl.manualSeed(3); const c = vals(fl.poisson(rates));
    fl.manualSeed(3); expect(vals(fl.poisson(rates))).toEqual(c);
  }));
  test('validation as torch (an infinite rate too); the gradient is zero, as torch\'s', () => fl.scope(() => {
    const bad = /poisson: invalid Poisson rate, expected rate to be non-negative and finite/;
    expect(() => fl.poisson(fl.tensor([1, -0.5], { device: DEVICE }))).toThrow(bad);
    expect(() => fl.poisson(fl.tensor([NaN], { device: DEVICE }))).toThrow(fl.ValueError);
    expect(() => fl.poisson(fl.tensor([Infinity], { device: DEVICE }))).toThrow(bad);
    expect(() => fl.poisson(fl.tensor([1], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => (fl.poisson as any)(fl.ones(2, { device: DEVICE }), { generatr: null })).toThrow(new fl.ValueError("poisson: unknown option 'generatr' (did you mean 'generator'?)"));
    expect(() => fl.poisson(fl.ones(2, { device: DEVICE }), { generator: 3 as any })).toThrow(/generator must be a fl.Generator/);
    const r = fl.tensor([2.5, 30], { dtype: 'float64', device: DEVICE }).requiresGrad_();
    const s = fl.poisson(r);
    expect(s.requiresGrad).toBe(true);
    s.mul(f64([3, 4])).sum().backward();
    expect(vals(r.grad!)).toEqual([0, 0]);
    r.grad!.dispose();
  }));
});

describe('binomial (torch.binomial)', () => {
  const lf = logFactorials(2000);
  const pmfOf = (n: number, p: number) => (k: number): number => (k > n ? 0 : Math.exp(lf[n] - lf[k] - lf[n - k] + k * Math.log(p) + (n - k) * Math.log1p(-p)));
  test('fits the exact pmf: inversion (n·q < 10), BTRS (n·q >= 10), p above 0.5 (n minus a draw)', () => fl.scope(() => {
    for (const [n, p, seed] of [[10, 0.3, 1], [5, 0.02, 2], [20, 0.45, 3], [100, 0.3, 4], [1000, 0.05, 5], [60, 0.9, 6], [30, 0.99, 7], [1500, 0.5, 8]]) {
      const s = fl.binomial(fl.full([N_SAMPLES], n, { dtype: 'float64', device: DEVICE }), fl.full([N_SAMPLES], p, { dtype: 'float64', device: DEVICE }), { generator: gen(seed) }).dataSync();
      const v = n * p * (1 - p);
      // binomial: fourth central moment np(1-p)(1 + 3(n-2)p(1-p))
      expectFits(s, pmfOf(n, p), n, n * p, v, v * (1 + 3 * (n - 2) * p * (1 - p)), `binomial(${n}, ${p})`);
    }
  }));
  test('torch\'s edge rules: count 0, prob 0 and 1, negative and fractional counts, NaN prob; broadcasting; dtypes', () => fl.scope(() => {
    const count = fl.tensor([0, 10, 10, -3, 2.5, 7, 1e6], { dtype: 'float32', device: DEVICE });
    const prob = fl.tensor([0.5, 0, 1, 0.5, 1, 1.5, -0.25], { dtype: 'float32', device: DEVICE });
    // torch.binomial: [0, 0, 10, 0, 2.5, 7, 0]
    expect(vals(fl.binomial(count, prob))).toEqual([0, 0, 10, 0, 2.5, 7, 0]);
    expect(Number.isNaN(vals(fl.binomial(f64([5]), f64([NaN])))[0])).toBe(true);
    // a fractional count counts its whole trials: 2.5 trials of p = 0.999 give 2 (almost always), never 3
    expect(vals(fl.binomial(fl.full([200], 2.5, { dtype: 'float64', device: DEVICE }), fl.full([200], 0.999, { dtype: 'float64', device: DEVICE }))).every((x) => x <= 2)).toBe(true);
    const b = fl.binomial(fl.tensor([[10], [20]], { dtype: 'float64', device: DEVICE }), f64([0.5, 0.25, 0]), { generator: gen(3) });
    expect(b.shape).toEqual([2, 3]);
    const bv = vals(b);
    expect(bv.every((x, i) => Number.isInteger(x) && x >= 0 && x <= (i < 3 ? 10 : 20))).toBe(true);
    expect([bv[2], bv[5]]).toEqual([0, 0]);
    for (const dtype of ['float16', 'bfloat16', 'float32'] as const) {
      expect(fl.binomial(fl.full([3], 4, { dtype, device: DEVICE }), fl.full([3], 0.5, { dtype, device: DEVICE })).dtype).toBe(dtype);
    }
    expect(fl.binomial(fl.zeros([0, 2], { device: DEVICE }), fl.zeros([2], { device: DEVICE })).shape).toEqual([0, 2]);
  }));
  test('a seeded generator repeats its draws', () => fl.scope(() => {
    const n = f64([3, 50, 400, 2]).repeat(25), p = f64([0.4, 0.5, 0.7, 0.01]).repeat(25);
    const a = vals(fl.binomial(n, p, { generator: gen(21) }));
    expect(vals(fl.binomial(n, p, gen(21)))).toEqual(a);
    expect(vals(fl.binomial(n, p, { generator: gen(22) }))).not.toEqual(a);
  }));
  test('validation; backward refused, as torch\'s', () => fl.scope(() => {
    expect(() => fl.binomial(f64([NaN]), f64([0.5]))).toThrow(new fl.ValueError('binomial: count must be finite (count of shape [1] has a NaN or infinite element)'));
    expect(() => fl.binomial(f64([Infinity]), f64([0.5]))).toThrow(fl.ValueError);
    expect(() => fl.binomial(f64([1]), fl.tensor([0.5], { device: DEVICE }))).toThrow(new fl.DTypeError('binomial: count and prob must have the same dtype, got float64 and float32'));
    expect(() => fl.binomial(fl.tensor([1], { dtype: 'int32', device: DEVICE }), fl.tensor([1], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => fl.binomial(f64([1, 2]), f64([0.5, 0.5, 0.5]))).toThrow(fl.ShapeError);
    const c = f64([10]).requiresGrad_();
    const s = fl.binomial(c, f64([0.5]));
    expect(s.requiresGrad).toBe(true);
    expect(() => s.sum().backward()).toThrow(/binomial: the derivative of binomial is not implemented/);
  }));
});

// ---- resize_, resizeAs_ -------------------------------------------------------------------------------

describe('Tensor.resize_, Tensor.resizeAs_ (torch 1.13 semantics)', () => {
  const x6 = (): fl.Tensor => fl.arange(6, { dtype: 'float32', device: DEVICE }).reshape(2, 3);
  test('shrink and grow keep the row-major prefix; new elements are zero (torch: uninitialized)', () => fl.scope(() => {
    // torch.arange(6.).reshape(2, 3).resize_(2, 2) = [[0, 1], [2, 3]]
    const a = x6().clone();
    expect(a.resize_(2, 2)).toBe(a);
    expect([a.shape, a.strides, a.toArray()]).toEqual([[2, 2], [2, 1], [[0, 1], [2, 3]]]);
    // growing back reads the same storage: the elements past the first 4 are still there (torch too)
    expect(a.resize_([3, 2]).toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    const b = x6().clone().resize_(3, 3);
    expect(b.toArray()).toEqual([[0, 1, 2], [3, 4, 5], [0, 0, 0]]);
    expect(x6().clone().resize_([]).toArray()).toEqual(0);
    expect(x6().clone().resize_(0).shape).toEqual([0]);
    const i = fl.tensor([1, 2, 3], { dtype: 'int32', device: DEVICE }).resize_(2, 2);
    expect([i.dtype, i.toArray()]).toEqual(['int32', [[1, 2], [3, 0]]]);
  }));
  test('the same shape is a no-op (strides kept); another one is contiguous at the offset', () => fl.scope(() => {
    // torch: x.t().resize_(3, 2) keeps strides (1, 3); x.t().resize_(6) gives [0, 1, 2, 3, 4, 5]
    const t = x6().t();
    t.resize_(3, 2);
    expect([t.strides, t.toArray()]).toEqual([[1, 3], [[0, 3], [1, 4], [2, 5]]]);
    const u = x6().t();
    u.resize_(6);
    expect([u.strides, u.toArray()]).toEqual([[1], [0, 1, 2, 3, 4, 5]]);
    // an expanded (stride-0) tensor: torch.zeros(1).expand(3).resize_(4) = [0, <uninitialized> …]
    const e = fl.zeros(1, { device: DEVICE }).expand(3);
    e.resize_(4);
    expect([e.strides, e.toArray()]).toEqual([[1], [0, 0, 0, 0]]);
  }));
  test('a view grows the storage it shares: its base sees the grown block (torch too)', () => fl.scope(() => {
    const base = fl.arange(6, { dtype: 'float32', device: DEVICE });
    const v = base.narrow(0, 2, 2);
    v.resize_(5);   // offset 2 + 5 > 6: the storage grows to 7 elements
    expect([v.storageOffset, v.toArray()]).toEqual([2, [2, 3, 4, 5, 0]]);
    v.fill_(7);
    expect(base.toArray()).toEqual([0, 1, 7, 7, 7, 7]);
    const w = base.view(2, 3);   // still a view of the same (grown) storage
    expect(w.toArray()).toEqual([[0, 1, 7], [7, 7, 7]]);
    expect(fl.arange(4, { dtype: 'float32', device: DEVICE }).resizeAs_(fl.zeros([2, 2], { dtype: 'int32', device: DEVICE })).toArray()).toEqual([[0, 1], [2, 3]]);
  }));
  test('refusals as torch: a tensor that requires grad (grad mode or not), negative or fractional sizes', () => fl.scope(() => {
    const g = fl.ones(2, { device: DEVICE, requiresGrad: true });
    expect(() => g.resize_(3)).toThrow(fl.AutogradError);
    expect(() => g.resize_(2)).toThrow(/resize_: cannot resize variables that require grad/);
    expect(() => fl.noGrad(() => g.resize_(3))).toThrow(/cannot resize variables that require grad/);
    expect(() => g.mul(2).resizeAs_(fl.ones(3))).toThrow(fl.AutogradError);
    expect(() => fl.ones(2).resize_(-1)).toThrow(new fl.ValueError('resize_: sizes must be non-negative integers, got [-1]'));
    expect(() => fl.ones(2).resize_(1.5)).toThrow(fl.ValueError);
    expect(() => (fl.ones(2) as any).resize_()).toThrow(/resize_: expected a size/);
    expect(() => (fl.ones(2) as any).resizeAs_([2])).toThrow(/resizeAs_: other must be a Tensor/);
    const d = fl.ones(2); d.dispose();
    expect(() => d.resize_(3)).toThrow(fl.DisposedError);
  }));
});

// ---- keyword forms --------------------------------------------------------------------------------------

describe('torch\'s keywords: pow(exponent), tensordot(dims), tile(dims), hsplit/vsplit/dsplit(sections/indices), F.relu/silu/hardswish(inplace)', () => {
  const x = (): fl.Tensor => f64([[1, 2, 3], [4, 5, 6]]);
  const shapes = (ts: fl.Tensor[]): number[][] => ts.map((t) => t.shape);
  test('pow', () => fl.scope(() => {
    // torch.pow(x, exponent=2), x.pow(exponent=2)
    expect(vals(fl.pow(x(), { exponent: 2 }))).toEqual([1, 4, 9, 16, 25, 36]);
    expect(vals(x().pow({ exponent: 0.5 }))).toEqual(vals(fl.pow(x(), 0.5)));
    expect(vals(fl.pow(2, { exponent: x() }))).toEqual([2, 4, 8, 16, 32, 64]);
    expect(() => (fl.pow as any)(x(), { exponnt: 2 })).toThrow(new fl.ValueError("pow: unknown option 'exponnt' (did you mean 'exponent'?)"));
    expect(() => (fl.pow as any)(x())).toThrow(/pow: missing required argument 'exponent'/);
    const a = x().requiresGrad_();
    fl.pow(a, { exponent: 3 }).sum().backward();
    expect(vals(a.grad!)).toEqual([3, 12, 27, 48, 75, 108]);
    a.grad!.dispose();
  }));
  test('tensordot, tile', () => fl.scope(() => {
    // torch.tensordot(x, x.t(), dims=1) = [[14, 32], [32, 77]]
    expect(vals(fl.tensordot(x(), x().t(), { dims: 1 }))).toEqual([14, 32, 32, 77]);
    expect(fl.tensordot(x(), x(), { dims: [[0, 1], [0, 1]] }).item()).toBe(91);
    expect(fl.tensordot(fl.ones([3, 4, 5], { device: DEVICE }), fl.ones([4, 5, 2], { device: DEVICE })).shape).toEqual([3, 2]);   // dims=2
    expect(() => (fl.tensordot as any)(x(), x(), 1, 2)).toThrow(/tensordot: takes 3 positional arguments/);
    // torch.tile(x, dims=(2,)), x.tile(dims=(2, 1)), x.tile(2, 1)
    expect(fl.tile(x(), { dims: [2] }).toArray()).toEqual([[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]);
    expect(x().tile({ dims: [2, 1] }).shape).toEqual([4, 3]);
    expect(x().tile(2, 1).shape).toEqual([4, 3]);
    expect(x().tile([1, 2]).shape).toEqual([2, 6]);
    expect(() => (fl.tile as any)(x(), { dim: [2] })).toThrow(new fl.ValueError("tile: unknown option 'dim' (did you mean 'dims'?)"));
  }));
  test('hsplit, vsplit, dsplit: sections, indices, indicesOrSections', () => fl.scope(() => {
    // torch.hsplit(x, sections=3), torch.hsplit(x, indices=[1]), x.vsplit(sections=2), torch.dsplit(x.reshape(1, 2, 3), sections=3)
    expect(shapes(fl.hsplit(x(), { sections: 3 }))).toEqual([[2, 1], [2, 1], [2, 1]]);
    expect(shapes(fl.hsplit(x(), { indices: [1] }))).toEqual([[2, 1], [2, 2]]);
    expect(shapes(x().hsplit({ indicesOrSections: [2] }))).toEqual([[2, 2], [2, 1]]);
    expect(shapes(x().vsplit({ sections: 2 }))).toEqual([[1, 3], [1, 3]]);
    expect(shapes(fl.dsplit(x().reshape(1, 2, 3), { sections: 3 }))).toEqual([[1, 2, 1], [1, 2, 1], [1, 2, 1]]);
    expect(shapes(x().reshape(1, 2, 3).dsplit([1, 2]))).toEqual([[1, 2, 1], [1, 2, 1], [1, 2, 1]]);
    expect(() => fl.hsplit(x(), { sections: 3, indices: [1] })).toThrow(new fl.ValueError('hsplit: expected exactly one of indicesOrSections, sections and indices, got sections and indices'));
    expect(() => fl.vsplit(x(), {})).toThrow(/vsplit: expected exactly one of indicesOrSections, sections and indices, got none/);
    expect(() => fl.hsplit(x(), { sections: [1] as any })).toThrow(/hsplit: sections must be an integer/);
    expect(() => (fl.hsplit as any)(x(), 3, 1)).toThrow(/hsplit: takes 2 positional arguments/);
  }));
  test('F.relu / F.silu / F.hardswish: inplace positional or keyword (torch.relu has none)', () => fl.scope(() => {
    // F.relu(t, inplace=True) returns t, written; F.silu / F.hardswish the same
    const X = [-2, -0.5, 0.5, 3];
    for (const [f, ref] of [[F.relu, fl.relu], [F.silu, fl.silu], [F.hardswish, fl.hardswish]] as const) {
      const want = vals(ref(f64(X)));
      const t = f64(X);
      expect(f(t, { inplace: true })).toBe(t);
      expect(vals(t)).toEqual(want);
      const u = f64(X);
      expect(f(u, true)).toBe(u);
      const w = f64(X);
      expect(vals(f(w, { inplace: false }))).toEqual(want);
      expect(vals(w)).toEqual(X);
      expect(vals(f(w))).toEqual(want);
      // a tensor that requires grad: a new tensor (lib/nn/inplace.ts), the gradient as the op's
      const g = f64(X).requiresGrad_();
      const y = f(g, { inplace: true });
      expect(y).not.toBe(g);
      y.sum().backward();
      expect(g.grad).not.toBeNull();
      g.grad!.dispose();
    }
    expect(() => (fl.relu as any)(f64(X), true)).toThrow(/relu: takes 1 positional argument/);
    expect(() => (F.relu as any)(f64(X), { inplce: true })).toThrow(new fl.ValueError("relu: unknown option 'inplce' (did you mean 'inplace'?)"));
  }));
});
