// complex.test.ts — complex64/complex128 tensors (lib/dtype.ts, lib/tensor.ts, lib/ops/complex.ts and
// the complex hooks of the generic ops): promotion, THE COMPLEX GUARD (ops that are not complex-aware
// refuse complex tensors with a DTypeError naming the op), the views (viewAsReal/viewAsComplex,
// .real/.imag), creation, data out and printing, copies and layout ops, the arithmetic, reductions,
// matmul and autograd.
// References: PyTorch 1.13 golden values (G and GRADS below, made by the torch calls beside each key,
// complex64 inputs A, B, R), float64 naive complex arithmetic written here, and finite differences
// (fl.gradcheck through viewAsComplex, complex128). Tolerances: TOL.complex64 (1e-5 relative) for the
// complex64 goldens, 1e-10 for complex128.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, expectClose, randomArray } from './helpers';

// torch: a = torch.tensor([1+2j, -0.5+0.25j, 3-1j, -2-0.5j], dtype=torch.complex64)
//        b = torch.tensor([0.5-1j, 2+0j, -1.5+2.5j, 1+1j], dtype=torch.complex64)
//        r = torch.tensor([2., -1., 0.5, 3.]);  m = a.reshape(2, 2), n = b.reshape(2, 2)
// Each entry is torch.view_as_real(result).flatten() (interleaved re, im) or the real result.
// add a+b, sub a-b, mul a*b, div a/b, add_r a+r, mul_r a*r, div_r a/r, r_div r/a, r_sub r-a, mul_s a*2.5,
// add_s a+1, s_div 2/a, neg -a, recip a.reciprocal(), conj a.conj(), abs a.abs(), angle a.angle(),
// sgn a.sgn(), exp/log/sqrt/square/sin/cos/tanh a.f(), pow2 a**2, pow3 a**3, pow05 a**0.5, powm15 a**-1.5,
// angle_real torch.tensor([-2., 0., 3., nan, -0.]).angle(), matmul m@n, sum0 m.sum(0),
// sum1k m.sum(-1, keepdim=True), sum m.sum(), mean1 m.mean(1), bmm torch.bmm(stack([m, n]), stack([n, m])),
// polar torch.polar(tensor([1., 2., .5]), tensor([0., 1., -2.])), bcast tensor([[1+1j], [2-1j]]) * b
// (torch 1.13's dot/vdot of complex64 return 0 on this build's BLAS: their references are sums, below)
const G = {
  add: [1.5, 1.0, 1.5, 0.25, 1.5, 1.5, -1.0, 0.5],
  sub: [0.5, 3.0, -2.5, 0.25, 4.5, -3.5, -3.0, -1.5],
  mul: [2.5, 0.0, -1.0, 0.5, -2.0, 9.0, -1.5, -2.5],
  div: [-1.2, 1.6, -0.25, 0.125, -0.8235294, -0.7058824, -1.25, 0.75],
  add_r: [3.0, 2.0, -1.5, 0.25, 3.5, -1.0, 1.0, -0.5],
  mul_r: [2.0, 4.0, 0.5, -0.25, 1.5, -0.5, -6.0, -1.5],
  div_r: [0.5, 1.0, 0.5, -0.25, 6.0, -2.0, -0.6666667, -0.1666667],
  r_div: [0.4, -0.8, 1.6, 0.8, 0.15, 0.05, -1.4117647, 0.3529412],
  r_sub: [1.0, -2.0, -0.5, -0.25, -2.5, 1.0, 5.0, 0.5],
  mul_s: [2.5, 5.0, -1.25, 0.625, 7.5, -2.5, -5.0, -1.25],
  add_s: [2.0, 2.0, 0.5, 0.25, 4.0, -1.0, -1.0, -0.5],
  s_div: [0.4, -0.8, -3.2, -1.6, 0.6, 0.2, -0.9411765, 0.2352941],
  neg: [-1.0, -2.0, 0.5, -0.25, -3.0, 1.0, 2.0, 0.5],
  recip: [0.2, -0.4, -1.6, -0.8, 0.3, 0.1, -0.4705882, 0.1176471],
  conj: [1.0, -2.0, -0.5, -0.25, 3.0, 1.0, -2.0, 0.5],
  abs: [2.236068, 0.559017, 3.1622777, 2.0615528],
  angle: [1.1071488, 2.6779451, -0.3217506, -2.8966141],
  sgn: [0.4472136, 0.8944272, -0.8944272, 0.4472136, 0.9486834, -0.3162278, -0.9701425, -0.2425356],
  exp: [-1.1312044, 2.4717267, 0.5876751, 0.1500581, 10.8522625, -16.9013977, 0.1187679, -0.0648832],
  log: [0.804719, 1.1071488, -0.5815754, 2.6779451, 1.1512926, -0.3217506, 0.7234595, -2.8966141],
  sqrt: [1.2720196, 0.7861514, 0.1717804, 0.7276734, 1.7553173, -0.2848488, 0.1754321, -1.4250531],
  square: [-3.0, 4.0, 0.1875, -0.25, 8.0, -6.0, 3.75, 2.0],
  sin: [3.1657786, 1.9596009, -0.4944858, 0.2216882, 0.2177595, 1.1634403, -1.0253474, 0.2168522],
  cos: [2.0327229, -3.0518978, 0.9051501, 0.1211088, -1.5276382, 0.1658444, -0.469258, -0.4738306],
  tanh: [1.1667362, -0.2434582, -0.4854873, 0.1980555, 1.0020552, -0.0045171, -0.9799409, -0.030216],
  pow2: [-3.0, 4.0, 0.1875, -0.25, 8.0, -6.0, 3.75, 2.0],
  pow3: [-11.0, -2.0, -0.03125, 0.171875, 18.0, -26.0, -6.5, -5.875],
  pow05: [1.2720196, 0.7861514, 0.1717804, 0.7276734, 1.7553173, -0.2848488, 0.1754321, -1.4250531],
  powm15: [-0.0268582, -0.2978613, -1.5330251, 1.8368908, 0.1575163, 0.0825311, -0.1213694, -0.3152838],
  polar: [1.0, 0.0, 1.0806046, 1.6829419, -0.2080734, -0.4546487],
  angle_real: [3.1415927, 0.0, 0.0, NaN, 0.0],
  matmul: [2.625, -1.625, 1.25, 3.75, 4.75, -7.75, 4.5, -4.5],
  sum0: [4.0, 1.0, -2.5, -0.25],
  sum1k: [0.5, 2.25, 1.0, -1.5],
  sum: [1.5, 0.75],
  mean1: [0.25, 1.125, 0.5, -0.75],
  bmm: [2.625, -1.625, 1.25, 3.75, 4.75, -7.75, 4.5, -4.5, 8.5, -2.0, -4.0, -0.375, -2.5, 1.5, -1.375, -4.125],
  bcast: [1.5, -0.5, 2.0, 2.0, -4.0, 1.0, 0.0, 2.0, 0.0, -2.5, 4.0, -2.0, -0.5, 6.5, 3.0, 1.0],
};
// Gradients of real losses (z.grad = dL/dRe + i dL/dIm, torch's convention), one list per input:
// absmul (z*w).abs().sum() [a, b]; conjz (z.conj()*z).real.sum() [a]; angle z.angle().sum() [a];
// expim (z.exp().imag * tensor([1., 2, 3, 4])).sum() [a]; div (z/w).real.sum() + 2*(z/w).imag.sum() [a, b];
// twice (z*z).real.sum() + (z.conj()*3).imag.sum() [a]; matmul (p@q).abs().sum() [m, n];
// sum (z.sum(0) * tensor([1+1j, 2-1j])).real.sum() [m]; abs0 z.abs().sum() [tensor([0j, 3+4j])];
// angle0 z.angle().sum() [tensor([0j, 3+4j])];
// complex torch.complex(x, y).mul(tensor([1+2j, 3-1j])).abs().sum() [tensor([1., 2.]), tensor([.5, -1.])];
// log (z.log() * tensor([1-1j, 2, 1j, 1])).real.sum() [a]; sqrt z.sqrt().imag.sum() [a];
// pow3 (z**3).real.sum() [a]; tanh z.tanh().abs().sum() [a]; r (z*x).real.sum() + (z/x).imag.sum() [a, r]
const GRADS = {
  absmul: [[0.5, 1.0, -1.7888544, 0.8944272, 2.7658632, -0.9219545, -1.3719888, -0.3429972], [1.0, -2.0, 0.559017, 0.0, -1.6269784, 2.7116308, 1.457738, 1.457738]],
  conjz: [[2.0, 4.0, -1.0, 0.5, 6.0, -2.0, -4.0, -1.0]],
  angle: [[-0.4, 0.2, -0.8, -1.6, 0.1, 0.3, 0.1176471, -0.4705882]],
  expim: [[2.4717267, -1.1312044, 0.3001162, 1.1753502, -50.7041931, 32.5567856, -0.2595328, 0.4750715]],
  div: [[2.0, 0.0, 0.5, 1.0, -0.7647059, -0.0588235, -0.5, 1.5], [2.4000001, 3.2, 0.0, 0.3125, -0.6712803, 0.4913495, -1.75, 1.5]],
  twice: [[2.0, -7.0, -1.0, -3.5, 6.0, -1.0, -4.0, -2.0]],
  matmul: [[1.5839428, 2.4844546, -1.3263732, -0.7036756, 2.5280957, -1.317952, -2.9153461, -1.4417167], [2.2178433, -4.2621269, 5.0420213, -1.0979856, -1.1755447, 2.0170944, -0.9816031, 1.2143681]],
  sum: [[1.0, -1.0, 2.0, 1.0, 1.0, -1.0, 2.0, 1.0]],
  abs0: [[0.0, 0.0, 0.6, 0.8]],
  angle0: [[0.0, 0.0, -0.16, 0.12]],
  complex: [[2.0, 2.8284271], [1.0, -1.4142134]],
  log: [[-0.2, 0.6, -3.2, 1.6, -0.1, -0.3, -0.4705882, -0.1176471]],
  sqrt: [[-0.1757888, 0.2844322, -0.6508508, 0.153645, 0.0450385, 0.27754, 0.3456261, 0.0425485]],
  pow3: [[-9.0, -12.0, 0.5625, 0.75, 24.0, 18.0, 11.25, -6.0]],
  tanh: [[-0.4116783, -0.494436, -0.6713597, 0.481576, -0.0041349, -0.0090343, -0.0387844, -0.0604438]],
  r: [[2.0, 0.5, -1.0, -1.0, 0.5, 2.0, 3.0, 0.3333333], [0.5, -0.75, 7.0, -1.9444444]],
};

const F32 = { dtype: 'float32' as const, device: DEVICE };
/** A complex tensor on DEVICE from its parts (float32 → complex64, float64 → complex128). */
function cx(re: number[], im: number[], dtype: 'float32' | 'float64' = 'float32'): fl.Tensor {
  return fl.complex(fl.tensor(re, { dtype, device: DEVICE }), fl.tensor(im, { dtype, device: DEVICE }));
}
const A = (): fl.Tensor => cx([1, -0.5, 3, -2], [2, 0.25, -1, -0.5]);
const B = (): fl.Tensor => cx([0.5, 2, -1.5, 1], [-1, 0, 2.5, 1]);
const R = (): fl.Tensor => fl.tensor([2, -1, 0.5, 3], F32);
const vals = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const bools = (t: fl.Tensor): boolean[] => Array.from(t.dataSync() as ArrayLike<number>, (v) => v !== 0);
/** The gradients that a backward of f(leaves) leaves in each leaf (copies of the inputs). */
function grads(f: (...xs: fl.Tensor[]) => fl.Tensor, ...inputs: fl.Tensor[]): number[][] {
  const leaves = inputs.map((t) => t.detach().requiresGrad_());
  try {
    fl.scope(() => f(...leaves).backward());
    return leaves.map((l) => vals(l.grad!));
  } finally { leaves.forEach((l) => l.dispose()); }
}

// ---- float64 naive complex arithmetic (the reference for random inputs) -----------------------------
type C = [number, number];
const cmul = ([a, b]: C, [c, d]: C): C => [a * c - b * d, a * d + b * c];
const cdiv = ([a, b]: C, [c, d]: C): C => { const q = c * c + d * d; return [(a * c + b * d) / q, (b * c - a * d) / q]; };
const cexp = ([a, b]: C): C => [Math.exp(a) * Math.cos(b), Math.exp(a) * Math.sin(b)];
const pairs = (v: number[]): C[] => Array.from({ length: v.length / 2 }, (_, i) => [v[2 * i], v[2 * i + 1]] as C);

describe('dtypes and promotion', () => {
  test('DTYPES, isComplex, promoteTypes and resultType follow torch', () => {
    expect(fl.DTYPES).toEqual(expect.arrayContaining(['complex64', 'complex128']));
    // torch.promote_types(a, b)
    expect(fl.promoteTypes('complex64', 'float32')).toBe('complex64');
    expect(fl.promoteTypes('complex64', 'float64')).toBe('complex128');    // torch: complex128
    expect(fl.promoteTypes('float16', 'complex64')).toBe('complex64');
    expect(fl.promoteTypes('int32', 'complex64')).toBe('complex64');
    expect(fl.promoteTypes('bool', 'complex128')).toBe('complex128');
    expect(fl.promoteTypes('complex64', 'complex128')).toBe('complex128');
    // torch.result_type: a 0-dim complex beside a dim tensor makes it complex of the tensor's width
    const t = (dtype: fl.DType, ndim: number) => ({ dtype, ndim });
    expect(fl.resultType(t('float64', 1), t('complex64', 0))).toBe('complex128');
    expect(fl.resultType(t('float32', 1), t('complex128', 0))).toBe('complex64');
    expect(fl.resultType(t('int32', 1), t('complex128', 0))).toBe('complex128');
    expect(fl.resultType(t('complex64', 1), t('float64', 0))).toBe('complex64');
    expect(fl.resultType(t('complex64', 1), 2.5)).toBe('complex64');
    fl.scope(() => {
      const z = A();
      expect(fl.isComplex(z)).toBe(true);
      expect(z.isComplex()).toBe(true);
      expect(fl.isComplex(R())).toBe(false);
      expect(z.isConj()).toBe(false);
      expect(z.itemsize).toBe(8);
      expect(z.to('complex128').itemsize).toBe(16);
      expect(fl.isFloating('complex64')).toBe(false);   // torch.is_floating_point(z) is False
    });
  });

  // torch.result_type over every pair with a complex side (tensor with dims, with a 0-dim tensor, with a
  // Python 3 / 2.5 / True), int64 read as int32; torch's float16 tensor with a complex 0-dim tensor is
  // complex32, which flintml does not have: complex64 there (bench/FIDELITY.md, "Complex tensors")
  test('resultType agrees with torch.result_type on every pair with a complex operand', () => {
    const T = JSON.parse('{"dimDim": {"float32,complex64": "complex64", "float32,complex128": "complex128", "float64,complex64": "complex128", "float64,complex128": "complex128", "float16,complex64": "complex64", "float16,complex128": "complex128", "bfloat16,complex64": "complex64", "bfloat16,complex128": "complex128", "int32,complex64": "complex64", "int32,complex128": "complex128", "uint8,complex64": "complex64", "uint8,complex128": "complex128", "bool,complex64": "complex64", "bool,complex128": "complex128", "complex64,float32": "complex64", "complex64,float64": "complex128", "complex64,float16": "complex64", "complex64,bfloat16": "complex64", "complex64,int32": "complex64", "complex64,uint8": "complex64", "complex64,bool": "complex64", "complex64,complex64": "complex64", "complex64,complex128": "complex128", "complex128,float32": "complex128", "complex128,float64": "complex128", "complex128,float16": "complex128", "complex128,bfloat16": "complex128", "complex128,int32": "complex128", "complex128,uint8": "complex128", "complex128,bool": "complex128", "complex128,complex64": "complex128", "complex128,complex128": "complex128"}, "zeroDim": {"float32,complex64": "complex64", "float32,complex128": "complex64", "float64,complex64": "complex128", "float64,complex128": "complex128", "float16,complex64": "complex64", "float16,complex128": "complex64", "bfloat16,complex64": "complex64", "bfloat16,complex128": "complex64", "int32,complex64": "complex64", "int32,complex128": "complex128", "uint8,complex64": "complex64", "uint8,complex128": "complex128", "bool,complex64": "complex64", "bool,complex128": "complex128", "complex64,float32": "complex64", "complex64,float64": "complex64", "complex64,float16": "complex64", "complex64,bfloat16": "complex64", "complex64,int32": "complex64", "complex64,uint8": "complex64", "complex64,bool": "complex64", "complex64,complex64": "complex64", "complex64,complex128": "complex64", "complex128,float32": "complex128", "complex128,float64": "complex128", "complex128,float16": "complex128", "complex128,bfloat16": "complex128", "complex128,int32": "complex128", "complex128,uint8": "complex128", "complex128,bool": "complex128", "complex128,complex64": "complex128", "complex128,complex128": "complex128"}, "scalar": {"complex64,int": "complex64", "complex64,float": "complex64", "complex64,bool": "complex64", "complex128,int": "complex128", "complex128,float": "complex128", "complex128,bool": "complex128"}}') as Record<'dimDim' | 'zeroDim' | 'scalar', Record<string, string>>;
    const got: Record<'dimDim' | 'zeroDim' | 'scalar', Record<string, string>> = { dimDim: {}, zeroDim: {}, scalar: {} };
    for (const a of fl.DTYPES) {
      for (const b of fl.DTYPES) {
        if (!a.startsWith('complex') && !b.startsWith('complex')) continue;
        got.dimDim[`${a},${b}`] = fl.resultType({ dtype: a, ndim: 1 }, { dtype: b, ndim: 1 });
        got.zeroDim[`${a},${b}`] = fl.resultType({ dtype: a, ndim: 1 }, { dtype: b, ndim: 0 });
      }
      if (a.startsWith('complex')) for (const [v, n] of [[3, 'int'], [2.5, 'float'], [true, 'bool']] as const) got.scalar[`${a},${n}`] = fl.resultType({ dtype: a, ndim: 1 }, v);
    }
    expect(got).toEqual(T);
    for (const [k, v] of Object.entries(T.dimDim)) { const [a, b] = k.split(',') as [fl.DType, fl.DType]; expect(`${k}:${fl.promoteTypes(a, b)}`).toBe(`${k}:${v}`); }
  });
});

describe('views', () => {
  test('viewAsReal shares storage: shape [..., 2], strides [...2s, 1], offset 2·offset; writes show through', () => {
    fl.scope(() => {
      const z = A().reshape(2, 2);
      const r = fl.viewAsReal(z);
      expect(r.dtype).toBe('float32');
      expect(r.shape).toEqual([2, 2, 2]);
      expect(r.strides).toEqual([4, 2, 1]);
      const col = z.select(1, 1);            // offset 1, stride 2
      const rc = fl.viewAsReal(col);
      expect(rc.storageOffset).toBe(2);
      expect(rc.strides).toEqual([4, 1]);
      expect(vals(rc)).toEqual([-0.5, 0.25, -2, -0.5]);
      rc.select(1, 1).fill_(7);          // the imaginary parts of column 1
      expect(vals(z)).toEqual([1, 2, -0.5, 7, 3, -1, -2, 7]);
      const back = fl.viewAsComplex(r);
      expect(back.dtype).toBe('complex64');
      expect(back.shape).toEqual([2, 2]);
      expect(vals(back)).toEqual(vals(z));
      expect(fl.viewAsComplex(fl.zeros([3, 2], { dtype: 'float64', device: DEVICE })).dtype).toBe('complex128');
    });
  });

  test('viewAsComplex refuses what torch refuses', () => {
    fl.scope(() => {
      const x = fl.zeros([4, 2], F32);
      expect(() => fl.viewAsComplex(fl.zeros([4, 3], F32))).toThrow(fl.ShapeError);       // last dim 2
      expect(() => fl.viewAsComplex(fl.zeros([2, 4], F32).t())).toThrow(/last dim must have stride 1/);
      expect(() => fl.viewAsComplex(fl.zeros([2, 3, 2], F32).narrow(1, 0, 1).reshape([2, 2]))).not.toThrow();
      expect(() => fl.viewAsComplex(fl.zeros([3, 3], F32).narrow(1, 0, 2))).toThrow(/divisible by 2/);   // stride 3
      expect(() => fl.viewAsComplex(fl.zeros([5], F32).narrow(0, 1, 2))).toThrow(/offset must be divisible by 2/);
      expect(() => fl.viewAsComplex(fl.zeros([], F32))).toThrow(/one or more dims/);
      expect(() => fl.viewAsComplex(fl.zeros([2], { dtype: 'float16', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => fl.viewAsComplex(fl.zeros([2], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => fl.viewAsReal(x)).toThrow(/viewAsReal: only complex tensors/);
    });
  });

  test('.real and .imag are views; a real tensor has .real (itself) and no .imag', () => {
    fl.scope(() => {
      const z = A();
      expect(vals(z.real)).toEqual([1, -0.5, 3, -2]);
      expect(vals(z.imag)).toEqual([2, 0.25, -1, -0.5]);
      expect(z.imag.strides).toEqual([2]);
      z.imag.fill_(0);   // torch: z.imag.fill_(0) zeroes the imaginary parts of z
      expect(vals(z)).toEqual([1, 0, -0.5, 0, 3, 0, -2, 0]);
      const x = R();
      expect(vals(x.real)).toEqual([2, -1, 0.5, 3]);
      expect(vals(fl.real(x))).toEqual([2, -1, 0.5, 3]);
      expect(() => x.imag).toThrow(fl.DTypeError);
      expect(() => fl.imag(x)).toThrow(/imag is not implemented for tensors with non-complex dtypes/);
    });
  });
});

describe('creation, data and printing', () => {
  test('complex, polar, zeros/ones/full/empty/*Like, tensor(…, { dtype }) and randn', () => {
    fl.scope(() => {
      expectClose(fl.polar(fl.tensor([1, 2, 0.5], F32), fl.tensor([0, 1, -2], F32)), G.polar);
      expect(vals(fl.zeros([2], { dtype: 'complex64', device: DEVICE }))).toEqual([0, 0, 0, 0]);
      expect(vals(fl.ones([2], { dtype: 'complex128', device: DEVICE }))).toEqual([1, 0, 1, 0]);
      expect(vals(fl.full([2], 2.5, { dtype: 'complex64', device: DEVICE }))).toEqual([2.5, 0, 2.5, 0]);
      expect(fl.empty([3], { dtype: 'complex64', device: DEVICE }).shape).toEqual([3]);
      const z = A();
      expect(vals(fl.zerosLike(z))).toEqual(new Array(8).fill(0));
      expect(fl.onesLike(z).dtype).toBe('complex64');
      expect(vals(fl.onesLike(z))).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
      // from JS numbers: the real parts (imaginary 0), as torch.tensor([1, 2], dtype=torch.complex64)
      const t = fl.tensor([[1, 2], [3.5, -4]], { dtype: 'complex128', device: DEVICE });
      expect(t.shape).toEqual([2, 2]);
      expect(vals(t)).toEqual([1, 0, 2, 0, 3.5, 0, -4, 0]);
      expect(fl.tensor(z).dtype).toBe('complex64');
      expect(vals(fl.tensor(z, { dtype: 'complex128' }))).toEqual(vals(z));
      // torch's complex randn: each part N(0, 1/2), so E|z|² = 1
      fl.manualSeed(3);
      const n = fl.randn([20000], { dtype: 'complex64', device: DEVICE });
      const p = pairs(vals(n));
      const mre = p.reduce((s, [a]) => s + a, 0) / p.length, vre = p.reduce((s, [a]) => s + a * a, 0) / p.length;
      const vim = p.reduce((s, [, b]) => s + b * b, 0) / p.length;
      expect(Math.abs(mre)).toBeLessThan(0.02);
      expect(Math.abs(vre - 0.5)).toBeLessThan(0.02);
      expect(Math.abs(vim - 0.5)).toBeLessThan(0.02);
      expect(fl.randnLike(z).dtype).toBe('complex64');
      expect(() => fl.complex(fl.tensor([1], F32), fl.tensor([1], { dtype: 'float64', device: DEVICE }))).toThrow(fl.DTypeError);
      expect(() => fl.complex(fl.tensor([1], { dtype: 'int32', device: DEVICE }), fl.tensor([1], { dtype: 'int32', device: DEVICE }))).toThrow(/complex: expected real and imag of one dtype/);
    });
  });

  test('dataSync is interleaved, toArray gives { re, im }, item refuses, printing is torch\'s', () => {
    fl.scope(() => {
      const z = A();
      expect(z.dataSync().constructor.name).toBe('Float32Array');
      expect(z.dataSync().length).toBe(8);
      expect(z.to('complex128').dataSync().constructor.name).toBe('Float64Array');
      expect(z.reshape(2, 2).toArray()).toEqual([[{ re: 1, im: 2 }, { re: -0.5, im: 0.25 }], [{ re: 3, im: -1 }, { re: -2, im: -0.5 }]]);
      expect(z.select(0, 2).toArray()).toEqual({ re: 3, im: -1 });
      expect(() => z.select(0, 0).item()).toThrow(/item: a complex64 value is not a JS number/);
      expect(z.select(0, 0).real.item()).toBe(1);
      // str(torch.tensor(...)) in torch 1.13 (dtype=torch.complex128 printed as dtype=complex128)
      expect(cx([1.5, -1], [2, -0.25]).to('cpu').toString()).toBe('tensor([ 1.5000+2.0000j, -1.0000-0.2500j])');
      expect(cx([1, 3], [2, -4]).to('cpu').toString()).toBe('tensor([1.+2.j, 3.-4.j])');
      expect(cx([1e-5, 100], [1, 0]).reshape(1, 2).to('cpu').toString()).toBe('tensor([[1.0000e-05+1.j, 1.0000e+02+0.j]])');
      expect(cx([1], [2], 'float64').to('cpu').toString()).toBe('tensor([1.+2.j], dtype=complex128)');
      expect(cx([NaN], [Infinity]).reshape([]).to('cpu').toString()).toBe('tensor(nan+infj)');
      expect(fl.zeros([2, 2], { dtype: 'complex64', device: DEVICE }).to('cpu').toString()).toBe('tensor([[0.+0.j, 0.+0.j],\n        [0.+0.j, 0.+0.j]])');
      expect(cx([1, 3.25, -5, 0], [2, -4, 0.5, 0]).reshape(2, 2).to('cpu').toString()).toBe('tensor([[ 1.0000+2.0000j,  3.2500-4.0000j],\n        [-5.0000+0.5000j,  0.0000+0.0000j]])');
    });
  });

  test('to(dtype): complex64 <-> complex128, complex -> real keeps the real part, real -> complex', async () => {
    await fl.scope(async () => {
      const z = A();
      const w = z.to('complex128');
      expect(w.dtype).toBe('complex128');
      expect(vals(w)).toEqual(vals(z));
      expect(vals(w.to('complex64'))).toEqual(vals(z));
      expect(vals(z.to('float64'))).toEqual([1, -0.5, 3, -2]);   // torch warns and discards the imaginary part
      const c = R().to('complex64');
      expect(vals(c)).toEqual([2, 0, -1, 0, 0.5, 0, 3, 0]);
      expect(vals(fl.tensor([1, 0, 2], { dtype: 'int32', device: DEVICE }).to('complex128'))).toEqual([1, 0, 0, 0, 2, 0]);
      expect(Array.from(await z.data())).toEqual(vals(z));
      const moved = z.to(DEVICE).to('cpu');
      expect(vals(moved)).toEqual(vals(z));
    });
  });

  test('safetensors: C64 / C128 round trip, and a file written by hand (the safetensors layout) loads', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-complex-'));
    try {
      fl.scope(() => {
        const f = path.join(dir, 'z.safetensors');
        const z = A().reshape(2, 2).t();   // non-contiguous
        fl.saveSync({ z, w: z.to('complex128') }, f);
        const got = fl.loadSync(f);
        expect(got.z.dtype).toBe('complex64');
        expect(got.w.dtype).toBe('complex128');
        expect(vals(got.z)).toEqual(vals(z.contiguous()));
        expect(vals(got.w)).toEqual(vals(z.contiguous()));
        for (const t of Object.values(got)) t.dispose();
        // what torch's safetensors writes for {"c": torch.tensor([1+2j, 3-4j])}: C64 little-endian pairs
        const header = Buffer.from(JSON.stringify({ c: { dtype: 'C64', shape: [2], data_offsets: [0, 16] } }));
        const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(header.length));
        const body = Buffer.from(new Float32Array([1, 2, 3, -4]).buffer);
        const g = path.join(dir, 'c.safetensors');
        fs.writeFileSync(g, Buffer.concat([len, header, body]));
        const c = fl.loadSync(g).c;
        expect(c.dtype).toBe('complex64');
        expect(c.toArray()).toEqual([{ re: 1, im: 2 }, { re: 3, im: -4 }]);
        c.dispose();
      });
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('copies and layout ops', () => {
  test('clone, contiguous, copy_, detach, view/reshape/permute/transpose/unsqueeze/squeeze/expand/flatten, slicing, select', () => {
    fl.scope(() => {
      const z = A().reshape(2, 2);
      const zt = z.t();
      expect(zt.isContiguous()).toBe(false);
      expect(vals(zt.contiguous())).toEqual([1, 2, 3, -1, -0.5, 0.25, -2, -0.5]);
      expect(vals(zt.clone())).toEqual([1, 2, 3, -1, -0.5, 0.25, -2, -0.5]);
      expect(vals(zt.reshape(4))).toEqual([1, 2, 3, -1, -0.5, 0.25, -2, -0.5]);
      expect(vals(z.permute(1, 0).flatten())).toEqual([1, 2, 3, -1, -0.5, 0.25, -2, -0.5]);
      expect(z.unsqueeze(0).shape).toEqual([1, 2, 2]);
      expect(z.unsqueeze(-1).squeeze(-1).shape).toEqual([2, 2]);
      expect(vals(z.select(0, 1).expand(2, 2))).toEqual([3, -1, -2, -0.5, 3, -1, -2, -0.5]);
      expect(vals(z.slice(1, 1, 2))).toEqual([-0.5, 0.25, -2, -0.5]);
      expect(vals(z.index(1, '1:' as never))).toEqual([-2, -0.5]);
      const d = fl.zeros([2, 2], { dtype: 'complex64', device: DEVICE });
      d.copy_(zt);
      expect(vals(d)).toEqual(vals(zt.contiguous()));
      d.copy_(fl.tensor([[1, 2], [3, 4]], F32));   // real into complex: imaginary parts 0
      expect(vals(d)).toEqual([1, 0, 2, 0, 3, 0, 4, 0]);
      expect(z.detach().requiresGrad).toBe(false);
    });
  });

  test('cat, stack, flip, roll, indexSelect, gather and tensor indexing', () => {
    fl.scope(() => {
      const a = A(), b = B();
      expect(vals(fl.cat([a, b]))).toEqual([...vals(a), ...vals(b)]);
      expect(fl.cat([a, R()]).dtype).toBe('complex64');          // torch.cat promotes
      expect(vals(fl.cat([a, R()]).slice(0, 4))).toEqual([2, 0, -1, 0, 0.5, 0, 3, 0]);
      expect(fl.stack([a, b], 1).shape).toEqual([4, 2]);
      expect(vals(fl.stack([a, b], 1).select(1, 1))).toEqual(vals(b));
      expect(vals(fl.flip(a, 0))).toEqual([-2, -0.5, 3, -1, -0.5, 0.25, 1, 2]);
      expect(vals(fl.flip(a.reshape(2, 2), [-1]))).toEqual([-0.5, 0.25, 1, 2, -2, -0.5, 3, -1]);
      expect(vals(fl.roll(a, 1))).toEqual([-2, -0.5, 1, 2, -0.5, 0.25, 3, -1]);
      const idx = fl.tensor([3, 0, 0], { dtype: 'int32', device: DEVICE });
      expect(vals(fl.indexSelect(a, 0, idx))).toEqual([-2, -0.5, 1, 2, 1, 2]);
      expect(vals(a.index(idx))).toEqual([-2, -0.5, 1, 2, 1, 2]);
      const m = a.reshape(2, 2);
      expect(vals(m.index(':' as never, fl.tensor([1], { dtype: 'int32', device: DEVICE })))).toEqual([-0.5, 0.25, -2, -0.5]);
      expect(vals(fl.gather(m, 1, fl.tensor([[1, 1], [0, 1]], { dtype: 'int32', device: DEVICE })))).toEqual([-0.5, 0.25, -0.5, 0.25, 3, -1, -2, -0.5]);
      expect(vals(fl.where(fl.tensor([true, false, true, false], { device: DEVICE }), a, b))).toEqual([1, 2, 2, 0, 3, -1, 1, 1]);
      expect(vals(fl.where(fl.tensor([true, false, true, false], { device: DEVICE }), a, 5))).toEqual([1, 2, 5, 0, 3, -1, 5, 0]);
      expect(vals(a.maskedFill(fl.tensor([false, true, false, true], { device: DEVICE }), 0))).toEqual([1, 2, 0, 0, 3, -1, 0, 0]);
      expect(vals(a.maskedFill(fl.tensor([false, true, false, true], { device: DEVICE }), cx([7], [-7]).reshape([])))).toEqual([1, 2, 7, -7, 3, -1, 7, -7]);
      expect(() => R().maskedFill(fl.tensor([true, false, true, false], { device: DEVICE }), cx([7], [-7]).reshape([]))).toThrow(fl.DTypeError);
    });
  });
});

describe('arithmetic (torch 1.13 goldens)', () => {
  test('complex op complex, complex op real tensor, complex op number, broadcasting', () => {
    fl.scope(() => {
      const a = A(), b = B(), r = R();
      expectClose(a.add(b), G.add); expectClose(a.sub(b), G.sub); expectClose(a.mul(b), G.mul); expectClose(a.div(b), G.div);
      expectClose(fl.add(a, r), G.add_r); expectClose(fl.mul(a, r), G.mul_r); expectClose(fl.div(a, r), G.div_r);
      expectClose(fl.div(r, a), G.r_div); expectClose(fl.sub(r, a), G.r_sub);
      expectClose(a.mul(2.5), G.mul_s); expectClose(a.add(1), G.add_s); expectClose(fl.div(2, a), G.s_div);
      expectClose(a.neg(), G.neg); expectClose(a.reciprocal(), G.recip); expectClose(a.conj(), G.conj);
      expectClose(cx([1, 2], [1, -1]).reshape(2, 1).mul(b), G.bcast);
      expect(a.add(b, 2).dtype).toBe('complex64');
      expectClose(a.add(b, 2), vals(a.add(b.mul(2))));
      expect(fl.add(a, fl.tensor([1], { dtype: 'float64', device: DEVICE })).dtype).toBe('complex128');
      expect(fl.add(a, fl.tensor(1, { dtype: 'float64', device: DEVICE })).dtype).toBe('complex64');   // 0-dim
      expect(fl.mul(fl.tensor([1, 2, 3, 4], { dtype: 'int32', device: DEVICE }), a).dtype).toBe('complex64');
      // torch promotes the real operand to complex first: (1+inf j)*2 = nan+inf j
      expect(vals(cx([1], [Infinity]).mul(2))).toEqual([NaN, Infinity]);
      expect(vals(cx([1, 0], [2, 0]).div(cx([0, 0], [0, 0])))).toEqual([NaN, NaN, NaN, NaN]);
      expect(() => a.div(b, 'floor')).toThrow(/div: rounding mode 'floor' is not supported for complex tensors/);
    });
  });

  test('in place: add_, mul_, sub_ and div_ on a complex tensor; a complex result cannot go into a real one', () => {
    fl.scope(() => {
      const a = A(), b = B();
      a.mul_(b);
      expectClose(a, G.mul);
      a.add_(1).sub_(1).div_(b);
      expectClose(a, vals(A()));
      expect(() => R().add_(b)).toThrow(/add_: result type complex64 can't be cast to the in-place tensor's dtype float32/);
    });
  });

  test('abs, angle, sgn, exp, log, sqrt, square, pow, sin, cos, tanh', () => {
    fl.scope(() => {
      const a = A();
      expectClose(a.abs(), G.abs); expect(a.abs().dtype).toBe('float32');
      expectClose(a.angle(), G.angle); expectClose(fl.sgn(a), G.sgn);
      expectClose(a.exp(), G.exp); expectClose(a.log(), G.log); expectClose(a.sqrt(), G.sqrt); expectClose(a.square(), G.square);
      expectClose(a.pow(2), G.pow2); expectClose(a.pow(3), G.pow3); expectClose(a.pow(0.5), G.pow05); expectClose(a.pow(-1.5), G.powm15);
      expectClose(a.sin(), G.sin); expectClose(a.cos(), G.cos); expectClose(a.tanh(), G.tanh);
      expect(vals(a.pow(0))).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
      expectClose(fl.angle(fl.tensor([-2, 0, 3, NaN, -0], F32)), G.angle_real);
      expect(vals(fl.sgn(cx([0, 3], [0, 4])))).toEqual([0, 0, 0.6000000238418579, 0.800000011920929]);
      // a ** w (complex exponent) is exp(w·log a): float64 naive reference
      const w = B().to('complex128'), a64 = a.to('complex128');
      const want = pairs(vals(a64)).flatMap((p, i) => {
        const q = pairs(vals(w))[i], lg: C = [Math.log(Math.hypot(p[0], p[1])), Math.atan2(p[1], p[0])];
        return cexp(cmul(q, lg));
      });
      expectClose(fl.pow(a64, w), want);
    });
  });

  test('random complex128 inputs against float64 naive mul, div and exp', () => {
    fl.scope(() => {
      const n = 257;
      const re1 = randomArray(n, 1), im1 = randomArray(n, 2), re2 = randomArray(n, 3), im2 = randomArray(n, 4);
      const z = cx(re1, im1, 'float64'), w = cx(re2, im2, 'float64');
      const zp = re1.map((v, i): C => [v, im1[i]]), wp = re2.map((v, i): C => [v, im2[i]]);
      expectClose(z.mul(w), zp.flatMap((p, i) => cmul(p, wp[i])));
      expectClose(z.div(w), zp.flatMap((p, i) => cdiv(p, wp[i])));
      expectClose(z.exp(), zp.flatMap(cexp));
      expectClose(z.abs(), zp.map(([a, b]) => Math.hypot(a, b)));
    });
  });

  test('comparisons and predicates: eq, ne, isclose, allclose, equal, isnan, isinf, isfinite', () => {
    fl.scope(() => {
      const a = A(), b = cx([1, -0.5, 3, 7], [2, 0.3, -1, -0.5]);
      expect(bools(a.eq(b))).toEqual([true, false, true, false]);
      expect(bools(a.ne(b))).toEqual([false, true, false, true]);
      expect(bools(fl.eq(cx([2, 2], [0, 1]), 2))).toEqual([true, false]);
      expect(bools(fl.isclose(a, a.add(1e-7)))).toEqual([true, true, true, true]);
      expect(bools(fl.isclose(a, b))).toEqual([true, false, true, false]);
      expect(fl.allclose(a, a.mul(1 + 1e-7))).toBe(true);
      expect(fl.allclose(a, b)).toBe(false);
      expect(fl.equal(a, A())).toBe(true);
      expect(fl.equal(a, b)).toBe(false);
      const s = cx([NaN, 1, Infinity, 0], [0, NaN, 0, -Infinity]);
      expect(bools(s.isnan())).toEqual([true, true, false, false]);
      expect(bools(fl.isinf(s))).toEqual([false, false, true, true]);
      expect(bools(fl.isfinite(s))).toEqual([false, false, false, false]);
      expect(bools(fl.isclose(s, s, { equalNan: true }))).toEqual([true, true, true, true]);
      expect(() => fl.isclose(a, a.to('complex128'))).toThrow(fl.DTypeError);
    });
  });
});

describe('reductions and matmul', () => {
  test('sum and mean with dim and keepdim; matmul, mm, bmm, dot, vdot', () => {
    fl.scope(() => {
      const m = A().reshape(2, 2), n = B().reshape(2, 2);
      expectClose(m.sum(0), G.sum0); expectClose(m.sum(-1, true), G.sum1k); expectClose(m.sum(), G.sum); expectClose(m.mean(1), G.mean1);
      expect(m.sum(-1, true).shape).toEqual([2, 1]);
      expect(fl.sum(m, { dim: [0, 1] }).shape).toEqual([]);
      expectClose(fl.matmul(m, n), G.matmul); expectClose(fl.mm(m, n), G.matmul);
      expectClose(fl.bmm(fl.stack([m, n]), fl.stack([n, m])), G.bmm);
      // (a*b).sum() and (a.conj()*b).sum() in torch 1.13: -2+7j and -12+2j
      expectClose(fl.dot(A(), B()), [-2, 7]); expectClose(fl.vdot(A(), B()), [-12, 2]);
      expectClose(fl.matmul(m, fl.tensor([[1, 0], [0, 2]], F32).to('complex64')), vals(fl.mul(m, fl.tensor([1, 2], F32))));
      expect(() => fl.matmul(m, fl.eye(2, F32))).toThrow(/matmul: expected both operands to have one dtype/);
      expect(() => fl.logsumexp(m, 0)).toThrow(/logsumexp: complex64 tensors are not supported/);  // prod: test/complex-more.test.ts
    });
  });
});

describe('autograd', () => {
  test('gradients of real losses match torch 1.13 (dL/dRe + i dL/dIm)', () => {
    fl.scope(() => {
      const a = A(), b = B(), m = a.reshape(2, 2), n = b.reshape(2, 2), r = R();
      const check = (got: number[][], want: number[][]): void => got.forEach((g, i) => expectClose(fl.tensor(g, { dtype: 'float64' }), want[i], 'complex64'));
      check(grads((z, w) => z.mul(w).abs().sum(), a, b), GRADS.absmul);
      check(grads((z) => z.conj().mul(z).real.sum(), a), GRADS.conjz);
      check(grads((z) => z.angle().sum(), a), GRADS.angle);
      check(grads((z) => z.exp().imag.mul(fl.tensor([1, 2, 3, 4], F32)).sum(), a), GRADS.expim);
      check(grads((z, w) => z.div(w).real.sum().add(z.div(w).imag.sum().mul(2)), a, b), GRADS.div);
      check(grads((z) => z.mul(z).real.sum().add(z.conj().mul(3).imag.sum()), a), GRADS.twice);  // z used twice: complex accumulation
      check(grads((p, q) => fl.matmul(p, q).abs().sum(), m, n), GRADS.matmul);
      check(grads((z) => z.sum(0).mul(cx([1, 2], [1, -1])).real.sum(), m), GRADS.sum);
      check(grads((z) => z.abs().sum(), cx([0, 3], [0, 4])), GRADS.abs0);
      check(grads((z) => z.angle().sum(), cx([0, 3], [0, 4])), GRADS.angle0);
      check(grads((x, y) => fl.complex(x, y).mul(cx([1, 3], [2, -1])).abs().sum(), fl.tensor([1, 2], F32), fl.tensor([0.5, -1], F32)), GRADS.complex);
      check(grads((z) => z.log().mul(cx([1, 2, 0, 1], [-1, 0, 1, 0])).real.sum(), a), GRADS.log);
      check(grads((z) => z.sqrt().imag.sum(), a), GRADS.sqrt);
      check(grads((z) => z.pow(3).real.sum(), a), GRADS.pow3);
      check(grads((z) => z.tanh().abs().sum(), a), GRADS.tanh);
      check(grads((z, x) => z.mul(x).real.sum().add(z.div(x).imag.sum()), a, r), GRADS.r);
    });
  });

  test('finite differences (gradcheck in float64 through viewAsComplex)', () => {
    fl.scope(() => {
      const x = fl.tensor(randomArray(12, 5), { dtype: 'float64', device: DEVICE }).reshape(2, 3, 2).requiresGrad_();
      const y = fl.tensor(randomArray(12, 6), { dtype: 'float64', device: DEVICE }).reshape(3, 2, 2).requiresGrad_();
      const cw = (t: fl.Tensor) => fl.viewAsComplex(t);
      expect(fl.gradcheck((p) => fl.viewAsReal(cw(p).exp().mul(cw(p).sin()).div(cw(p).add(3))), [x])).toBe(true);
      expect(fl.gradcheck((p, q) => fl.viewAsReal(fl.matmul(cw(p), cw(q)).tanh()), [x, y])).toBe(true);
      expect(fl.gradcheck((p) => fl.stack([cw(p).abs(), cw(p).angle()]), [x])).toBe(true);
      // a complex expand's gradient sums complex gradients (sumToShape through the complex sum); broadcasting of the parts
      expect(fl.gradcheck((p) => fl.viewAsReal(cw(p).select(0, 0).expand(4, 3).mul(cw(p).select(0, 1).conj())), [x])).toBe(true);
      expect(fl.gradcheck((p, q) => fl.viewAsReal(cw(p).mul(cw(q).select(1, 0)).div(cw(q).select(1, 1).add(4))), [x, y])).toBe(true);
      expect(fl.gradcheck((p) => fl.viewAsReal(cw(p).log().sqrt().pow(1.5).sum(1)), [x])).toBe(true);
      expect(fl.gradcheck((p) => fl.viewAsReal(cw(p).reshape(6).index(fl.tensor([5, 0, 0], { dtype: 'int32', device: DEVICE })).flip(0)), [x])).toBe(true);
    });
  });

  test('a complex root needs a gradient; a complex leaf gets a complex .grad; createGraph through the views', () => {
    fl.scope(() => {
      const z = A().detach().requiresGrad_();
      expect(() => z.mul(2).sum().backward()).toThrow(/grad can be implicitly created only for real scalar outputs/);
      z.mul(2).sum().backward(cx([1], [1]).reshape([]));
      expect(z.grad!.dtype).toBe('complex64');
      expect(vals(z.grad!)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
      z.dispose();
      const x = fl.tensor([1.5, -0.5], { dtype: 'float64', device: DEVICE }).requiresGrad_();
      const [g] = fl.autograd.grad(fl.viewAsReal(fl.viewAsComplex(x).mul(fl.viewAsComplex(x))).pow(2).sum(), [x], { createGraph: true });
      // |z²|² = |z|⁴ = (a² + b²)²: gradient 4a(a² + b²), 4b(a² + b²); second derivative of the sum over a: 12a² + 4b²
      expectClose(g, [4 * 1.5 * 2.5, 4 * -0.5 * 2.5]);
      const [gg] = fl.autograd.grad(g.select(0, 0), [x]);
      expectClose(gg, [12 * 2.25 + 4 * 0.25, 8 * 1.5 * -0.5]);
      x.dispose();
    });
  });
});

describe('THE COMPLEX GUARD', () => {
  test('ops that are not complex-aware refuse a complex tensor with a DTypeError naming the op', () => {
    fl.scope(() => {
      const z = A(), m = A().reshape(2, 2);
      const calls: [string, () => unknown][] = [
        ['relu', () => fl.relu(z)], ['sigmoid', () => z.sigmoid()], ['floor', () => z.floor()], ['sign', () => z.sign()],
        ['lt', () => z.lt(B())], ['gt', () => fl.gt(z, 0)], ['maximum', () => fl.maximum(z, B())], ['atan2', () => fl.atan2(z, B())],
        ['remainder', () => fl.remainder(z, 2)], ['clamp', () => fl.clamp(z, 0, 1)], ['erf', () => z.erf()], ['log1p', () => z.log1p()],
        ['softmax', () => fl.softmax(z, 0)], ['cummax', () => fl.cummax(z, 0)], ['sort', () => fl.sort(z)], ['argmax', () => fl.argmax(z)],
        ['max', () => fl.max(z)], ['amax', () => fl.amax(z)], ['nansum', () => fl.nansum(z)], ['logcumsumexp', () => fl.logcumsumexp(z, 0)],
        ['logsumexp', () => fl.logsumexp(z, 0)], ['topk', () => fl.topk(z, 1)],
        ['svd', () => fl.linalg.svd(m)], ['unique', () => fl.unique(z)], ['nonzero', () => fl.nonzero(z)],
        ['scatter', () => fl.scatter(z, 0, fl.tensor([0], { dtype: 'int32', device: DEVICE }), 1)], ['lstsq', () => fl.linalg.lstsq(m, m)],
        ['matrixRank', () => fl.linalg.matrixRank(m)], ['maskedSelect', () => fl.maskedSelect(z, fl.tensor([true, false, true, false], { device: DEVICE }))],
        ['round', () => z.round()], ['trunc', () => z.trunc()], ['log2', () => z.log2()], ['sinh', () => z.sinh()], ['asin', () => z.asin()],
        ['floorDivide', () => fl.floorDivide(z, 2)], ['logicalAnd', () => fl.logicalAnd(z, z)], ['any', () => fl.any(z)], ['all', () => fl.all(z)],
      ];
      const wrong: string[] = [];
      for (const [name, call] of calls) {
        try {
          fl.scope(() => { call(); });
          wrong.push(`${name}: no error`);
        } catch (e) {
          if (!(e instanceof fl.DTypeError)) wrong.push(`${name}: ${(e as Error).constructor.name} ${(e as Error).message}`);
          else if (!/complex/.test((e as Error).message)) wrong.push(`${name}: message ${(e as Error).message}`);
        }
      }
      expect(wrong).toEqual([]);
      // the refusal names the op and the dtype, not the kernel family
      expect(() => fl.relu(z)).toThrow('relu: complex64 tensors are not supported');
      expect(() => z.to('complex128').sigmoid()).toThrow('sigmoid: complex128 tensors are not supported');
    });
  });
});
