// ops-misc3.test.ts — lib/ops/misc3.ts and the top-level functional names of lib/index.ts: the second
// API-gap round (torch's dtype names and constants, Tensor.detach_ / retainsGrad, the in-place view
// methods, the in-place unary, comparison, logical, binary and matmul-and-add forms, cumsum_ /
// cumprod_, splitWithSizes, cfloat / cdouble, the small predicates, set/getFloat32MatmulPrecision,
// torch.conv2d & co. as F's functions).
// References: PyTorch 1.13 golden values (the torch call beside each, float64, computed with
// /usr/bin/python3 and pasted here), finite differences (fl.gradcheck, float64). Tolerance: 1e-12
// relative for float64 goldens. The tests run on DEVICE (the CPU, or the emulated GPU).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const F = fl.nn.functional;
const f64 = (v: number[], shape?: number[]): fl.Tensor => {
  const t = fl.tensor(v, { dtype: 'float64', device: DEVICE });
  return shape ? t.reshape(shape) : t;
};
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
function near(got: number[], want: number[], rel = 1e-12): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (Number.isNaN(w) ? Number.isNaN(g) : (g === w || Math.abs(g - w) <= rel * (1 + Math.abs(w)))) return;
    throw new Error(`[${i}]: expected ${w}, got ${g} (all: ${got})`);
  });
}
type M = Record<string, (...a: unknown[]) => fl.Tensor>;
const call = (t: fl.Tensor, name: string, ...a: unknown[]): fl.Tensor => (t as unknown as M)[name](...a);

// torch: X = [0.15, -0.4, 0.7, 0.35, -0.85, 0.55] (float64); X.clone().<op>_() (log10/log2/rsqrt: X.abs())
const UNARY_GOLD: Record<string, number[]> = {
  acos: [1.4202280540182106, 1.9823131728623846, 0.7953988301841436, 1.2132252231493863, 2.5867816206097216, 0.9884320889261531],
  asin: [0.15056827277668602, -0.41151684606748806, 0.775397496610753, 0.35757110364551026, -1.015985293814825, 0.5823642378687435],
  atan: [0.14888994760949725, -0.3805063771123649, 0.6107259643892086, 0.33667481938672716, -0.7044940642422177, 0.5028432109278609],
  cos: [0.9887710779360422, 0.9210609940028851, 0.7648421872844885, 0.9393727128473789, 0.6599831458849822, 0.8525245220595057],
  cosh: [1.0112711095766704, 1.081072371838455, 1.255169005630943, 1.0618778191559852, 1.3835308919373588, 1.155101414123941],
  sin: [0.14943813247359922, -0.3894183423086505, 0.644217687237691, 0.34289780745545134, -0.7512804051402927, 0.5226872289306592],
  sinh: [0.15056313315161265, -0.4107523258028155, 0.7585837018395334, 0.3571897294372719, -0.956115959988632, 0.5781516037434543],
  tan: [0.15113521805829508, -0.4227932187381618, 0.8422883804630794, 0.36502849483042454, -1.1383327132284393, 0.6131052132881357],
  log10: [-0.8239087409443188, -0.3979400086720376, -0.1549019599857432, -0.4559319556497244, -0.07058107428570727, -0.2596373105057561],
  log1p: [0.13976194237515868, -0.5108256237659907, 0.5306282510621704, 0.30010459245033805, -1.897119984885881, 0.4382549309311553],
  log2: [-2.736965594166206, -1.3219280948873622, -0.5145731728297583, -1.5145731728297582, -0.23446525363702297, -0.862496476250065],
  rsqrt: [2.581988897471611, 1.5811388300841895, 1.1952286093343936, 1.6903085094570331, 1.0846522890932808, 1.348399724926484],
  square: [0.0225, 0.16000000000000003, 0.48999999999999994, 0.12249999999999998, 0.7224999999999999, 0.30250000000000005],
  sign: [1.0, -1.0, 1.0, 1.0, -1.0, 1.0],
  sgn: [1.0, -1.0, 1.0, 1.0, -1.0, 1.0],
  trunc: [0.0, -0.0, 0.0, 0.0, -0.0, 0.0],
  frac: [0.15, -0.4, 0.7, 0.35, -0.85, 0.55],
  erf: [0.1679959714273635, -0.42839235504666845, 0.6778011938374184, 0.3793820535623103, -0.7706680576083526, 0.563323366325109],
  expm1: [0.16183424272828312, -0.32967995396436073, 1.0137527074704764, 0.41906754859325723, -0.5725850680512733, 0.7332530178673953],
  exp2: [1.109569472067845, 0.757858283255199, 1.624504792712471, 1.2745606273192622, 0.5547847360339225, 1.4640856959456254],
  sinc: [0.9633977620041159, 0.756826728640657, 0.3678830105717742, 0.8103319580097551, 0.17001136976543224, 0.5716199332361733],
  deg2rad: [0.002617993877991494, -0.006981317007977318, 0.012217304763960306, 0.006108652381980153, -0.014835298641951801, 0.009599310885968814],
  rad2deg: [8.594366926962348, -22.918311805232932, 40.10704565915762, 20.05352282957881, -48.70141258611997, 31.51267873219528],
  logicalNot: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
};
const BINARY_GOLD: Record<string, number[]> = {
  eq: [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
  ne: [1.0, 0.0, 1.0, 1.0, 1.0, 1.0],
  lt: [1.0, 0.0, 0.0, 0.0, 0.0, 1.0],
  le: [1.0, 1.0, 0.0, 0.0, 0.0, 1.0],
  gt: [0.0, 0.0, 1.0, 1.0, 1.0, 0.0],
  ge: [0.0, 1.0, 1.0, 1.0, 1.0, 0.0],
  greater: [0.0, 0.0, 1.0, 1.0, 1.0, 0.0],
  greaterEqual: [0.0, 1.0, 1.0, 1.0, 1.0, 0.0],
  less: [1.0, 0.0, 0.0, 0.0, 0.0, 1.0],
  lessEqual: [1.0, 1.0, 0.0, 0.0, 0.0, 1.0],
  notEqual: [1.0, 0.0, 1.0, 1.0, 1.0, 1.0],
  logicalAnd: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
  logicalOr: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
  logicalXor: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
  remainder: [0.5, -0.0, 0.0, 0.5, -1.0, 0.25],
  atan2: [0.3217505543966422, -2.356194490192345, 1.3258176636680326, 1.1659045405098132, 2.2655346029916, -0.982793723247329],
  hypot: [1.5811388300841898, 1.7677669529663689, 2.0615528128088303, 3.8078865529319543, 1.9525624189766635, 0.9013878188659973],
  copysign: [0.5, -1.25, 2.0, 3.5, -1.5, 0.75],
  floorDivide: [0.0, 1.0, 4.0, 2.0, -2.0, -2.0],
  trueDivide: [0.3333333333333333, 1.0, 4.0, 2.3333333333333335, -1.2, -1.5],
  xlogy: [0.2027325540540822, -0.2789294391427622, -1.3862943611198906, 1.4191278783785752, 0.3347153269713147, 0.5198603854199589],
  heaviside: [1.0, 0.0, 1.0, 1.0, 1.0, 0.0],
};

describe('the in-place unary forms (torch 1.13 goldens)', () => {
  test('each writes its op into self and returns self', () => fl.scope(() => {
    for (const [name, want] of Object.entries(UNARY_GOLD)) {
      const x = f64([0.15, -0.4, 0.7, 0.35, -0.85, 0.55]);
      const src = ['log10', 'log2', 'rsqrt'].includes(name) ? x.abs() : x;
      const r = call(src, `${name}_`);
      expect(r).toBe(src);
      try { near(vals(src), want); } catch (e) { throw new Error(`${name}_: ${(e as Error).message}`); }
    }
    const p = f64([0.1, 0.5, 0.95]);
    p.logit_(0.2);   // torch: tensor([0.1, 0.5, 0.95]).logit_(0.2)
    near(vals(p), [-1.3862943611198906, 0.0, 1.3862943611198908]);
  }));
  test('refusals: a result the dtype cannot hold, a tensor that requires grad, an extra argument', () => fl.scope(() => {
    const i = fl.tensor([1, 2], { dtype: 'int32', device: DEVICE });
    expect(() => i.cos_()).toThrow(fl.DTypeError);
    expect(() => i.cos_()).toThrow(/cos_: result type float32 can't be cast to the in-place tensor's dtype int32/);
    const w = fl.ones([2], { dtype: 'float64', device: DEVICE, requiresGrad: true });
    expect(() => w.log1p_()).toThrow(/log1p_: in-place ops on tensors that require grad/);
    fl.noGrad(() => w.square_());   // a parameter update under noGrad, as torch's
    expect(vals(w)).toEqual([1, 1]);
    expect(() => (w as unknown as M).sin_(1)).toThrow(fl.ValueError);
    // torch: tensor([1, 2]).logical_not_() keeps int64: [0, 0]
    const j = fl.tensor([0, 2], { dtype: 'int32', device: DEVICE });
    j.logicalNot_();
    expect(j.dtype).toBe('int32');
    expect(vals(j)).toEqual([1, 0]);
  }));
});

// torch: A = [[0.5, -1.25, 2.0], [3.5, 1.5, -0.75]], B = [1.5, -1.25, 0.5] (broadcast), A.clone().<op>_(B) (xlogy: B.abs())
describe('the in-place comparison, logical and binary forms (torch 1.13 goldens)', () => {
  test('each broadcasts other into self, keeping self\'s dtype', () => fl.scope(() => {
    for (const [name, want] of Object.entries(BINARY_GOLD)) {
      const a = f64([0.5, -1.25, 2.0, 3.5, 1.5, -0.75], [2, 3]);
      const b = name === 'xlogy' ? f64([1.5, 1.25, 0.5]) : f64([1.5, -1.25, 0.5]);
      const r = call(a, `${name}_`, b);
      expect(r).toBe(a);
      expect(a.dtype).toBe('float64');
      try { near(vals(a), want); } catch (e) { throw new Error(`${name}_: ${(e as Error).message}`); }
    }
    const s = fl.tensor([1, 2, 3], { dtype: 'int32', device: DEVICE });
    s.gt_(1.5);   // torch: tensor([1, 2, 3], dtype=torch.int32).gt_(1.5) -> [0, 1, 1], int32
    expect(s.dtype).toBe('int32');
    expect(vals(s)).toEqual([0, 1, 1]);
    // torch: A.clone().float_power_(B) on float64
    const fp = f64([0.5, -1.25, 2.0, 3.5, 1.5, -0.75], [2, 3]);
    fp.floatPower_(f64([1.5, -1.25, 0.5]));
    near(vals(fp), [0.3535533905932738, NaN, 1.4142135623730951, 6.547900426854397, 0.6024013357398965, NaN]);
  }));
  test('refusals name the op and the shapes', () => fl.scope(() => {
    const a = f64([1, 2, 3]);
    expect(() => a.eq_(f64([1, 2, 3, 4, 5, 6], [2, 3]))).toThrow(fl.ShapeError);   // the result would be [2, 3]
    expect(() => fl.tensor([1, 2], { dtype: 'int32', device: DEVICE }).remainder_(1.5)).toThrow(/remainder_: result type float32 can't be cast/);
    expect(() => fl.ones([2], { device: DEVICE }).floatPower_(2)).toThrow(fl.DTypeError);   // torch: float_power_ needs a float64 base
    expect(() => fl.ones([2], { device: DEVICE }).floatPower_(2)).toThrow(/floatPower_: the base has dtype float32 .*float64 \(shape \[2\]\)/);
    expect(() => (a as unknown as M).atan2_(a, a)).toThrow(fl.ValueError);
  }));
});

describe('addmm_, addmv_, addr_, baddbmm_, addbmm_, cumsum_, cumprod_ (torch 1.13 goldens)', () => {
  test('values with beta and alpha', () => fl.scope(() => {
    const M0 = (): fl.Tensor => f64([1, 2, 3, -1], [2, 2]);
    const m1 = f64([0.5, 1, -2, 1.5, 0.25, 1], [2, 3]);
    const m2 = f64([1, 0.5, -1, 2, 0.25, 1], [3, 2]);
    const v = f64([1, -2]), w = f64([0.5, 1.5]);
    let y = M0(); expect(y.addmm_(m1, m2, { beta: 0.5, alpha: 2 })).toBe(y);
    near(vals(y), [-1.5, 1.5, 4.5, 4.0]);   // M.addmm_(m1, m2, beta=0.5, alpha=2)
    y = v.clone(); y.addmv_(M0(), w, { alpha: 3 });
    near(vals(y), [11.5, -2.0]);            // v.addmv_(M, w, alpha=3)
    y = M0(); y.addr_(v, w, { beta: 2 });
    near(vals(y), [2.5, 5.5, 5.0, -5.0]);   // M.addr_(v, w, beta=2)
    const b1 = fl.arange(12, { dtype: 'float64', device: DEVICE }).reshape([2, 2, 3]).div(4).sub(1);
    const b2 = fl.arange(12, { dtype: 'float64', device: DEVICE }).reshape([2, 3, 2]).div(3).sub(2);
    y = f64([1, 2, 3, 4, -1, 0.5, 2, -2], [2, 2, 2]); y.baddbmm_(b1, b2, { beta: -1, alpha: 0.5 });
    near(vals(y), [0.6666666666666667, -0.7083333333333333, -2.8333333333333335, -3.833333333333333, 1.9166666666666667, 0.7916666666666666, -0.33333333333333326, 4.416666666666667]);
    y = M0(); y.addbmm_(b1, b2, { alpha: 0.25 });
    near(vals(y), [2.291666666666667, 3.291666666666667, 3.916666666666667, 0.29166666666666663]);
    const C = (): fl.Tensor => f64([1, 2, -3, 0.5, 4, 2], [2, 3]);
    y = C(); expect(y.cumsum_(1)).toBe(y); near(vals(y), [1.0, 3.0, 0.0, 0.5, 4.5, 6.5]);
    y = C(); y.cumprod_(0); near(vals(y), [1.0, 2.0, -3.0, 0.5, 8.0, -6.0]);
    y = C(); y.cumprod_(-1); near(vals(y), [1.0, 2.0, -6.0, 0.5, 2.0, 4.0]);
  }));
  test('refusals', () => fl.scope(() => {
    const y = f64([1], [1, 1]);
    const m23 = f64([1, 2, 3, 4, 5, 6], [2, 3]), m32 = f64([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(() => y.addmm_(m23, m32)).toThrow(/addmm_: result shape \[2, 2\] does not match the in-place tensor's shape \[1, 1\]/);
    expect(() => y.addmm_(m23, m23)).toThrow(fl.ShapeError);   // [2, 3] @ [2, 3]
    expect(vals(y)).toEqual([1]);
    expect(() => (y as unknown as M).addmm_(m23, m32, {}, 1)).toThrow(fl.ValueError);
    expect(() => (y as unknown as M).cumsum_(0, 'float64', 1)).toThrow(fl.ValueError);
  }));
});

describe('the in-place view methods (torch 1.13: shapes and values)', () => {
  test('transpose_, unsqueeze_, squeeze_, t_, swapaxes_, swapdims_ change self\'s view, not its storage', () => fl.scope(() => {
    const x = fl.arange(6, { dtype: 'float64', device: DEVICE }).reshape([2, 3]);
    const alias = x.view([6]);
    expect(x.transpose_(0, 1)).toBe(x);
    expect(x.shape).toEqual([3, 2]);                      // torch: [3, 2], stride (1, 3)
    expect(x.strides).toEqual([1, 3]);
    expect(vals(x.contiguous())).toEqual([0, 3, 1, 4, 2, 5]);
    x.unsqueeze_(1); expect(x.shape).toEqual([3, 1, 2]);  // torch: [3, 1, 2]
    x.squeeze_(); expect(x.shape).toEqual([3, 2]); expect(x.strides).toEqual([1, 3]);
    x.t_(); expect(x.shape).toEqual([2, 3]); expect(x.strides).toEqual([3, 1]);
    x.swapaxes_(0, 1); expect(x.shape).toEqual([3, 2]); expect(x.strides).toEqual([1, 3]);
    x.swapdims_(1, 0); expect(x.shape).toEqual([2, 3]);
    x.fill_(7);
    expect(vals(alias)).toEqual([7, 7, 7, 7, 7, 7]);       // the same storage
    const y = fl.zeros([2, 1, 3, 1], { device: DEVICE });
    y.squeeze_(1); expect(y.shape).toEqual([2, 3, 1]);    // torch: zeros(2,1,3,1).squeeze_(1): [2, 3, 1]
    const v = f64([1, 2, 3]); v.t_(); expect(v.shape).toEqual([3]);
  }));
  test('refusals: bad dims, a tensor that requires grad, a 3-D t_', () => fl.scope(() => {
    const x = fl.zeros([2, 3], { device: DEVICE });
    expect(() => x.transpose_(0, 2)).toThrow(fl.IndexError);
    expect(x.shape).toEqual([2, 3]);   // unchanged
    expect(() => fl.zeros([2, 2, 2], { device: DEVICE }).t_()).toThrow(fl.ShapeError);
    // torch 1.13: tensor(3.).transpose_(1, 0) is an IndexError (a 0-D tensor takes dims -1 and 0); transpose_(0, -1) is fine
    const s0 = fl.tensor(3, { device: DEVICE });
    expect(() => s0.transpose_(1, 0)).toThrow(fl.IndexError);
    expect(() => s0.swapaxes_(0, -2)).toThrow(fl.IndexError);
    expect(s0.transpose_(0, -1).shape).toEqual([]);
    const w = fl.zeros([2], { device: DEVICE, requiresGrad: true });
    expect(() => w.unsqueeze_(0)).toThrow(/unsqueeze_: in-place ops on tensors that require grad/);
    expect(w.shape).toEqual([2]);
    expect(() => (x as unknown as M).unsqueeze_(0, 1)).toThrow(fl.ValueError);
  }));
});

describe('detach_, retainsGrad', () => {
  test('the tensor leaves the graph; the graph recorded before still reaches the leaves (torch 1.13)', () => fl.scope(() => {
    const w = f64([1, 2]).requiresGrad_(true);
    const y = w.mul(2);
    const z = y.mul(3);
    expect(y.retainsGrad).toBe(false);
    y.retainGrad();
    expect(y.retainsGrad).toBe(true);
    expect(y.detach_()).toBe(y);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBe(null);
    expect(y.isLeaf).toBe(true);
    expect(y.retainsGrad).toBe(false);
    expect(y.mul(3).requiresGrad).toBe(false);
    z.sum().backward();            // torch: w.grad == [6, 6] (z's graph keeps its edge to w)
    expect(vals(w.grad!)).toEqual([6, 6]);
    expect(y.grad).toBe(null);      // no longer retained
    expect(vals(y)).toEqual([2, 4]);
    const leaf = f64([1]).requiresGrad_(true);
    leaf.detach_();                 // torch: a leaf's requires_grad becomes False
    expect(leaf.requiresGrad).toBe(false);
    expect(() => (leaf as unknown as M).detach_(1)).toThrow(fl.ValueError);
  }));
  test('fl.detach shares storage and has no gradient', () => fl.scope(() => {
    const w = f64([1, 2]).requiresGrad_(true);
    const d = fl.detach(w);
    expect(d.requiresGrad).toBe(false);
    fl.noGrad(() => d.fill_(3));
    expect(vals(w)).toEqual([3, 3]);
  }));
});

describe('splitWithSizes, cfloat/cdouble, the predicates, choleskySolve as a method', () => {
  test('splitWithSizes: views, torch 1.13\'s gradient, gradcheck, refusals', () => fl.scope(() => {
    const s = f64([0.5, -1.25, 2.0, 3.5, 1.5]).requiresGrad_(true);
    const [a, b] = fl.splitWithSizes(s, [2, 3]);
    a.sum().mul(2).add(b.mul(b).sum()).backward();
    near(vals(s.grad!), [2.0, 2.0, 4.0, 7.0, 3.0]);   // torch.split_with_sizes(s, [2, 3]); (2·a.sum() + (b·b).sum()).backward()
    expect(fl.gradcheck((x: fl.Tensor) => x.splitWithSizes([1, 0, 2], 1)[2].mul(x.splitWithSizes([1, 0, 2], 1)[0]), [f64([1, 2, 3, 4, 5, 6], [2, 3]).requiresGrad_(true)])).toBe(true);
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(x.splitWithSizes([1, 2], -1).map((t) => t.shape)).toEqual([[2, 1], [2, 2]]);
    expect(x.splitWithSizes([2, 1], { dim: 1 }).map((t) => vals(t))).toEqual([[1, 2, 4, 5], [3, 6]]);   // torch: x.split_with_sizes([2, 1], dim=1)
    expect(() => fl.splitWithSizes(x, [1, 1], { dims: 0 } as never)).toThrow(/dims/);
    expect(() => fl.splitWithSizes(x, [1, 1], 1)).toThrow(fl.ShapeError);
    expect(() => fl.splitWithSizes(x, [1, 2], 0)).toThrow(/add up to 3, not to the size 2 of dim 0 of shape \[2, 3\]/);
    expect(() => fl.splitWithSizes(x, [1.5, 0.5])).toThrow(fl.ValueError);
    expect(() => fl.splitWithSizes(x, [1, 1], 2)).toThrow(fl.IndexError);
  }));
  test('cfloat, cdouble and the predicates (torch 1.13: is_neg, is_inference, is_sparse … are False)', () => fl.scope(() => {
    const x = f64([1, -2]);
    expect(x.cfloat().dtype).toBe('complex64');
    expect(x.cdouble().dtype).toBe('complex128');
    expect(vals(fl.real(x.cdouble()))).toEqual([1, -2]);
    expect(fl.isNeg(x)).toBe(false); expect(x.isNeg()).toBe(false);
    expect(fl.resolveNeg(x)).toBe(x); expect(x.resolveNeg()).toBe(x);
    expect(fl.isInference(fl.inferenceMode(() => fl.ones(2)))).toBe(false);
    expect(x.isInference()).toBe(false);
    expect([x.isSparse, x.isQuantized, x.isMeta]).toEqual([false, false, false]);
    expect(fl.isConj(fl.conj(x.cfloat()))).toBe(false);
    expect([fl.isSigned(x), fl.isSigned(fl.ones(1, { dtype: 'uint8' })), fl.isSigned(fl.ones(1, { dtype: 'bool' }))]).toEqual([true, false, false]);
    expect(() => fl.isNeg(3 as unknown as fl.Tensor)).toThrow(fl.ValueError);
    const d = fl.ones(1); d.dispose();
    expect(() => d.isSparse).toThrow(fl.DisposedError);
  }));
  test('choleskySolve / choleskyInverse as methods are the functions', () => fl.scope(() => {
    const L = f64([2, 0, 1, 3], [2, 2]);
    const B = f64([1, 2, 3, 4], [2, 2]);
    near(vals(B.choleskySolve(L)), vals(fl.choleskySolve(B, L)));
    // torch: torch.cholesky_inverse(L) for L = [[2, 0], [1, 3]]: (L Lᵀ)⁻¹
    near(vals(L.choleskyInverse()), [0.2777777777777778, -0.05555555555555555, -0.05555555555555555, 0.1111111111111111]);
  }));
});

describe('put, put_ (torch 1.13 goldens; gradients of sum(out * W), W = [-1.5, -1, -0.5, 0, 0.5, 1])', () => {
  const W = (): fl.Tensor => f64([-1.5, -1, -0.5, 0, 0.5, 1], [2, 3]);
  const i32 = (v: number[], shape?: number[]): fl.Tensor => { const t = fl.tensor(v, { dtype: 'int32', device: DEVICE }); return shape ? t.reshape(shape) : t; };
  test('values and gradients, with and without accumulate', () => fl.scope(() => {
    let x = f64([0.5, -1.25, 2.0, 3.5, 1.5, -0.75], [2, 3]).requiresGrad_(true);
    let s = f64([10, 20, 30, 40], [2, 2]).requiresGrad_(true);
    let y = fl.put(x, i32([4, -1, 0, 2], [2, 2]), s);   // torch.put(x, [[4, -1], [0, 2]], s)
    expect(y.shape).toEqual([2, 3]);
    near(vals(y), [30.0, -1.25, 40.0, 3.5, 10.0, 20.0]);
    y.mul(W()).sum().backward();
    near(vals(x.grad!), [0.0, -1.0, 0.0, 0.0, 0.0, 0.0]);
    near(vals(s.grad!), [0.5, 1.0, -1.5, -0.5]);
    x = f64([0.5, -1.25, 2.0, 3.5, 1.5, -0.75], [2, 3]).requiresGrad_(true);
    s = f64([10, 20, 30, 40]).requiresGrad_(true);
    y = x.put(i32([1, 1, -6, 5]), s, { accumulate: true });   // x.put([1, 1, -6, 5], s, accumulate=True)
    near(vals(y), [30.5, 28.75, 2.0, 3.5, 1.5, 39.25]);
    y.mul(W()).sum().backward();
    near(vals(x.grad!), [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0]);
    near(vals(s.grad!), [-1.0, -1.0, -1.5, 1.0]);
    expect(fl.gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.put(a, i32([3, 0]), b, true), [f64([1, 2, 3, 4], [2, 2]).requiresGrad_(true), f64([5, 6]).requiresGrad_(true)])).toBe(true);
    const z = f64([0.5, -1.25, 2.0, 3.5, 1.5, -0.75], [2, 3]);
    expect(z.put_(i32([0, 5]), f64([7, 8]), true)).toBe(z);
    near(vals(z), [7.5, -1.25, 2.0, 3.5, 1.5, 7.25]);
    near(vals(fl.put(f64([5]).reshape([]), i32([0]), f64([2]))), [2]);   // torch.tensor(5.).put([0], [2.])
  }));
  test('refusals (torch 1.13\'s: dtype, element counts, index range)', () => fl.scope(() => {
    const x = fl.zeros([3], { device: DEVICE });
    expect(() => x.put(i32([0]), f64([1]))).toThrow(/put: self and source expected to have the same dtype, got float32 and float64/);
    expect(() => x.put_(i32([0]), f64([1]))).toThrow(fl.DTypeError);
    expect(() => x.put(i32([0, 1]), fl.ones([1], { device: DEVICE }))).toThrow(/put: index \(shape \[2\]\) and source \(shape \[1\]\) must have the same number/);
    expect(() => x.put(i32([3]), fl.ones([1], { device: DEVICE })).toArray()).toThrow(fl.IndexError);
    expect(() => x.put(fl.zeros([1], { device: DEVICE }), fl.ones([1], { device: DEVICE }))).toThrow(/put: expected an int32 index tensor/);
    expect(() => fl.put(x, i32([0]), fl.ones([1], { device: DEVICE }), { accumulte: true } as never)).toThrow(/accumulte/);
    const w = fl.zeros([3], { device: DEVICE, requiresGrad: true });
    expect(() => w.put_(i32([0]), fl.ones([1], { device: DEVICE }))).toThrow(/put_: in-place ops on tensors that require grad/);
  }));
});

describe('torch\'s dtype names, constants, matmul precision, the top-level functional names', () => {
  test('dtype names and constants are torch\'s', () => fl.scope(() => {
    expect([fl.float32, fl.float64, fl.float16, fl.bfloat16, fl.int32, fl.uint8, fl.bool, fl.complex64, fl.complex128])
      .toEqual(['float32', 'float64', 'float16', 'bfloat16', 'int32', 'uint8', 'bool', 'complex64', 'complex128']);
    expect([fl.float, fl.double, fl.half, fl.int, fl.cfloat, fl.cdouble]).toEqual(['float32', 'float64', 'float16', 'int32', 'complex64', 'complex128']);
    expect(fl.zeros(2, { dtype: fl.double, device: DEVICE }).dtype).toBe('float64');
    expect([fl.pi, fl.e, fl.inf]).toEqual([3.141592653589793, 2.718281828459045, Infinity]);   // torch.pi, torch.e, torch.inf
    expect(Number.isNaN(fl.nan)).toBe(true);
  }));
  test('setFloat32MatmulPrecision drives backends.matmul.allowTF32', () => {
    const before = fl.backends.matmul.allowTF32;
    try {
      fl.setFloat32MatmulPrecision('highest');
      expect(fl.backends.matmul.allowTF32).toBe(false);
      expect(fl.getFloat32MatmulPrecision()).toBe('highest');
      fl.setFloat32MatmulPrecision('medium');
      expect(fl.getFloat32MatmulPrecision()).toBe('medium');   // torch 1.13: 'medium', allow_tf32 True
      fl.setFloat32MatmulPrecision('high');
      expect(fl.getFloat32MatmulPrecision()).toBe('high');
      expect(() => fl.setFloat32MatmulPrecision('low' as 'high')).toThrow(fl.ValueError);
      expect(fl.getFloat32MatmulPrecision()).toBe('high');
    } finally { fl.backends.matmul.allowTF32 = before; }
  });
  test('torch.conv2d, torch.dropout, torch.layer_norm, … are F\'s functions (torch 1.13 goldens)', () => fl.scope(() => {
    const names = ['conv1d', 'conv2d', 'conv3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d', 'avgPool1d', 'maxPool1d', 'maxPool2d',
      'maxPool3d', 'adaptiveAvgPool1d', 'pixelShuffle', 'pixelUnshuffle', 'channelShuffle', 'celu', 'selu', 'hardshrink', 'prelu', 'bilinear',
      'threshold', 'rrelu', 'dropout', 'alphaDropout', 'featureAlphaDropout', 'layerNorm', 'groupNorm', 'relu_', 'selu_', 'celu_', 'threshold_', 'rrelu_'];
    const top = fl as unknown as Record<string, unknown>, f = F as unknown as Record<string, unknown>;
    for (const n of names) expect([n, top[n]]).toEqual([n, f[n]]);
    // torch.dropout(x, 0.5, False) is x; torch.selu(x); torch.layer_norm(x, [3]) for x = [[0.5, -1.25, 2.0]]
    const x = f64([0.5, -1.25, 2.0], [1, 3]);
    near(vals(fl.dropout(x, 0.5, false)), [0.5, -1.25, 2.0]);
    near(vals(fl.selu(x)), [0.5253504936777402, -1.2543954463378648, 2.101401974710961], 1e-9);
    near(vals(fl.layerNorm(x, [3])), [0.06274540265308409, -1.2549080530616807, 1.1921626504085967], 1e-9);
  }));
});
