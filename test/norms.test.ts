// norms.test.ts — the norms and distances: fl.linalg.vectorNorm / matrixNorm, fl.norm and
// Tensor.norm, fl.cdist (lib/ops/norms.ts), F.oneHot, F.normalize, F.cosineSimilarity,
// F.pairwiseDistance and nn.CosineSimilarity / nn.PairwiseDistance (lib/nn/distance.ts, layers.ts).
// References: PyTorch 1.13 golden values (the torch call beside each, float64 inputs, gradients of
// sum(out * w) for the weights shown), float64 naive norms written here, and finite differences
// (fl.gradcheck). Tolerance: 1e-12 relative for float64 goldens, the dtype's TOL elsewhere.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, TOL, expectClose, randomArray } from './helpers';

const F = fl.nn.functional;
const INF = Infinity;
const o64 = { dtype: 'float64' as const, device: DEVICE };
const t64 = (v: number[], shape: number[], grad = false): fl.Tensor => {
  const t = fl.tensor(v, o64).reshape(shape);
  return grad ? t.requiresGrad_(true) : t;
};
const vals = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
/** float64 goldens: within 1e-12 relative (NaN and ±inf exactly). */
const close = (t: fl.Tensor, want: number[]): void => expectClose(t, want, 'float64', 100);

/** The gradient of sum(f(x) * w) with respect to each leaf, as torch.autograd.grad of the same sum. */
function gradsOf(leaves: fl.Tensor[], f: () => fl.Tensor, w: number[]): (fl.Tensor | null)[] {
  const y = f();
  fl.mul(y, t64(w, y.shape)).sum().backward();
  return leaves.map((l) => l.grad);
}

// ---- float64 naive norms ----------------------------------------------------------------------------
function naiveNorm(v: number[], p: number): number {
  if (v.length === 0) return 0;
  const a = v.map(Math.abs);
  if (p === INF) return Math.max(...a);
  if (p === -INF) return Math.min(...a);
  if (p === 0) return v.filter((x) => x !== 0).length;
  return a.reduce((s, x) => s + x ** p, 0) ** (1 / p);
}
/** The slices of a row-major [d0, d1, d2] array over `dims`, in the order of the kept dims. */
function slices(v: number[], shape: number[], dims: number[]): number[][] {
  const kept = shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const out = new Map<string, number[]>();
  const idx = new Array(shape.length).fill(0);
  for (let f = 0; f < v.length; f++) {
    let r = f;
    for (let d = shape.length - 1; d >= 0; d--) { idx[d] = r % shape[d]; r = Math.floor(r / shape[d]); }
    const key = kept.map((d) => idx[d]).join(',');
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push(v[f]);
  }
  return [...out.values()];
}

describe('linalg.vectorNorm', () => {
  const X = [0, 0, 0, 3, -4, 0, 1, -3, 3, -2, 2, 2];
  const W = [1, 2, 3, 4];
  // torch: x = tensor(X).reshape(4, 3) (float64, requires_grad); n = torch.linalg.vector_norm(x, ord, dim=1);
  //   (n * tensor([1., 2, 3, 4])).sum().backward() -> n, x.grad. Row 0 is all zeros (the gradient there
  //   is 0, not NaN); rows 2 and 3 hold ties for the max and min (the inf-norm splits among them).
  const GOLD: [number, number[], number[] | null][] = [
    [2, [0, 5, 4.358898943540674, 3.4641016151377544], [0, 0, 0, 1.2, -1.6, 0, 0.6882472016116852, -2.0647416048350555, 2.0647416048350555, -2.3094010767585034, 2.3094010767585034, 2.3094010767585034]],
    [1, [0, 7, 7, 6], [0, 0, 0, 2, -2, 0, 3, -3, 3, -4, 4, 4]],
    [3, [0, 4.497941445275415, 3.802952460761391, 2.8844991406148166], [0, 0, 0, 0.8897027034610712, -1.5816936950419043, 0, 0.20743377058698506, -1.8669039352828656, 1.8669039352828656, -1.9229994270765445, 1.9229994270765445, 1.9229994270765445]],
    [1.5, [0, 5.584250376480029, 5.06299771974117, 4.160167646103808], [0, 0, 0, 1.4659129516579497, -1.6926904744965523, 0, 1.3332677948254572, -2.3092875607330092, 2.3092875607330092, -2.773445097402539, 2.773445097402539, 2.773445097402539]],
    [INF, [0, 4, 3, 2], [0, 0, 0, 0, -2, 0, 0, -1.5, 1.5, -1.3333333333333333, 1.3333333333333333, 1.3333333333333333]],
    [-INF, [0, 0, 1, 2], [0, 0, 0, 0, 0, 0, 3, 0, 0, -1.3333333333333333, 1.3333333333333333, 1.3333333333333333]],
    [0, [0, 2, 3, 3], null],  // torch: x.grad is None (no gradient for the count)
    [-1, [0, 0, 0.6000000000000001, 0.6666666666666666], [0, 0, 0, 0, 0, 0, 1.0800000000000003, -0.12000000000000002, 0.12000000000000002, -0.4444444444444444, 0.4444444444444444, 0.4444444444444444]],
    [0.5, [0, 13.928203230275509, 19.928203230275507, 18.000000000000004], [0, 0, 0, 4.309401076758504, -3.732050807568877, 0, 13.392304845413264, -7.7320508075688785, 7.7320508075688785, -12, 12, 12]],
  ];
  test.each(GOLD)('ord %p: values and gradients as torch (zero rows, ties)', (ord, want, grad) => fl.scope(() => {
    const x = t64(X, [4, 3], true);
    const [g] = gradsOf([x], () => {
      const n = fl.linalg.vectorNorm(x, ord, 1);
      close(n, want);
      return n;
    }, W);
    if (grad === null) expect(g).toBeNull();
    else close(g!, grad);
  }));

  test('every dim form against the float64 naive norm: none, one, several, negative, keepdim', () => fl.scope(() => {
    const shape = [2, 3, 4];
    const v = randomArray(24, 7, -3, 3);
    const x = t64(v, shape);
    for (const ord of [2, 1, 3, 0.5, INF, -INF, 0, -1.5]) {
      for (const [dim, dims] of [[null, [0, 1, 2]], [[], [0, 1, 2]], [1, [1]], [-1, [2]], [[0, 2], [0, 2]], [[-3, 1], [0, 1]]] as const) {
        const want = slices(v, shape, dims as number[]).map((s) => naiveNorm(s, ord));
        const n = fl.linalg.vectorNorm(x, ord, dim as number | number[] | null);
        const k = fl.linalg.vectorNorm(x, { ord, dim: dim as number | number[] | null, keepdim: true });
        expect(n.shape).toEqual(shape.filter((_, i) => !(dims as number[]).includes(i)));
        expect(k.shape).toEqual(shape.map((s, i) => ((dims as number[]).includes(i) ? 1 : s)));
        expectClose(n, want, 'float64', 10);
        expectClose(k, want, 'float64', 10);
      }
    }
  }));

  test('finite differences: gradcheck for each order (no zeros, no ties)', () => fl.scope(() => {
    const x = t64(randomArray(12, 3, 0.5, 2).map((v, i) => (i % 2 ? -v : v) + i * 0.01), [3, 4], true);
    for (const ord of [2, 1, 3, 1.5, 0.5, -1, INF, -INF]) {
      expect(fl.gradcheck((a: fl.Tensor) => fl.linalg.vectorNorm(a, ord, -1), [x])).toBe(true);
      expect(fl.gradcheck((a: fl.Tensor) => fl.linalg.vectorNorm(a, ord, [0, 1], true), [x])).toBe(true);
    }
  }));

  test('a 0-dim tensor is its own |x| (dim 0 or none)', () => fl.scope(() => {
    const x = fl.tensor(-3, o64);
    expect(fl.linalg.vectorNorm(x).item()).toBe(3);
    expect(fl.linalg.vectorNorm(x, 1, 0).item()).toBe(3);
    expect(fl.linalg.vectorNorm(x, 0, 0).item()).toBe(1);
  }));

  test('float16 and bfloat16 reduce in float32 and keep their dtype; dtype widens', () => fl.scope(() => {
    const v = randomArray(64, 11, -4, 4);
    for (const dt of ['float16', 'bfloat16'] as const) {
      const x = fl.tensor(v, { dtype: dt, device: DEVICE });
      const exact = naiveNorm(Array.from(x.to('float64').dataSync()), 2);
      const n = fl.linalg.vectorNorm(x);
      expect(n.dtype).toBe(dt);
      expectClose(n, [exact], dt);
    }
    const y = fl.linalg.vectorNorm(fl.tensor([3, 4], { dtype: 'float32', device: DEVICE }), { dtype: 'float64' });
    expect(y.dtype).toBe('float64');
    expect(y.item()).toBe(5);
  }));

  test('empty inputs: 0 for ord >= 0, refused for inf and negative orders (as torch)', () => fl.scope(() => {
    const e = fl.zeros([2, 0], o64);
    // torch: vector_norm(zeros(2, 0), 2) = 0; (…, 2, dim=1) = [0, 0]; (…, inf, dim=0) = [] (nothing empty is reduced)
    expect(fl.linalg.vectorNorm(e).item()).toBe(0);
    expect(vals(fl.linalg.vectorNorm(e, 0.5, 1))).toEqual([0, 0]);
    expect(fl.linalg.vectorNorm(e, INF, 0).shape).toEqual([0]);
    // torch: RuntimeError "linalg.vector_norm cannot compute the inf norm on an empty tensor because the operation does not have an identity"
    expect(() => fl.linalg.vectorNorm(e, INF)).toThrow(/linalg\.vectorNorm: cannot compute the Infinity norm of an empty tensor \(shape \[2, 0\]\)/);
    expect(() => fl.linalg.vectorNorm(e, -1, 1)).toThrow(/linalg\.vectorNorm: cannot compute the -1 norm over dim 1 of shape \[2, 0\]/);
    expect(() => fl.linalg.vectorNorm(e, -INF, [0, 1])).toThrow(fl.ValueError);
  }));

  test('refusals: integer input, narrowing or integer dtype, bad ord, bad and repeated dims', () => fl.scope(() => {
    const x = fl.ones([2, 3], o64);
    // torch: "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"
    expect(() => fl.linalg.vectorNorm(fl.tensor([1, 2]))).toThrow(new fl.DTypeError('linalg.vectorNorm: expected a floating point tensor as input, got int32'));
    // torch: "the dtype of the input (Double) should be convertible without narrowing to the specified dtype (Float)"
    expect(() => fl.linalg.vectorNorm(x, { dtype: 'float32' })).toThrow(/linalg\.vectorNorm: the dtype of the input \(float64\) should be convertible without narrowing to the specified dtype \(float32\)/);
    expect(() => fl.linalg.vectorNorm(x, { dtype: 'int32' })).toThrow(fl.DTypeError);
    expect(() => (fl.linalg.vectorNorm as any)(x, 'fro')).toThrow(/linalg\.vectorNorm: ord must be a number \(Infinity for the max norm\), got 'fro'/);
    expect(() => (fl.linalg.vectorNorm as any)(x, true)).toThrow(fl.ValueError);
    expect(() => fl.linalg.vectorNorm(x, 2, 2)).toThrow(fl.IndexError);
    expect(() => fl.linalg.vectorNorm(x, 2, [0, -2])).toThrow(/repeats a dim/);
    expect(() => (fl.linalg.vectorNorm as any)(x, 2, 0.5)).toThrow(fl.ValueError);
    expect(() => (fl.linalg.vectorNorm as any)(x, 2, 0, false, 'float64')).toThrow(/linalg\.vectorNorm: takes 4 positional arguments/);
  }));
});

describe('linalg.matrixNorm', () => {
  const A = [1, -3, 3, -3, 1, 3, 0, 0, 0, 2, -1, 0.5];
  // torch: a = tensor(A).reshape(2, 2, 3) (float64); n = torch.linalg.matrix_norm(a, ord);
  //   (n * tensor([1., 2])).sum().backward() -> n, a.grad (column and row sums tie in the first matrix)
  const GOLD: [number | 'fro', number[], number[]][] = [
    ['fro', [6.164414002968976, 2.29128784747792], [0.16222142113076254, -0.48666426339228763, 0.48666426339228763, -0.48666426339228763, 0.16222142113076254, 0.48666426339228763, 0, 0, 0, 1.7457431218879391, -0.8728715609439696, 0.4364357804719848]],
    [1, [6, 2], [0, 0, 1, 0, 0, 1, 0, 0, 0, 2, 0, 0]],
    [-1, [4, 0.5], [0.5, -0.5, 0, -0.5, 0.5, 0, 0, 0, 0, 0, 0, 2]],
    [INF, [7, 3.5], [0.5, -0.5, 0.5, -0.5, 0.5, 0.5, 0, 0, 0, 2, -2, 2]],
    [-INF, [7, 0], [0.5, -0.5, 0.5, -0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0]],
  ];
  test.each(GOLD)('ord %p on a batch: values and gradients as torch', (ord, want, grad) => fl.scope(() => {
    const a = t64(A, [2, 2, 3], true);
    const [g] = gradsOf([a], () => {
      const n = fl.linalg.matrixNorm(a, ord);
      close(n, want);
      return n;
    }, [1, 2]);
    close(g!, grad);
  }));

  test('dim picks the matrix dims (swapped dims transpose), keepdim keeps both', () => fl.scope(() => {
    const a = t64(A, [2, 2, 3]);
    // torch: matrix_norm(a, 1, dim=(2, 1)) equals matrix_norm(a.transpose(1, 2), 1) = the inf norm
    close(fl.linalg.matrixNorm(a, 1, [2, 1]), [7, 3.5]);
    // torch: matrix_norm(a, inf, dim=(0, 2)) = [7, 7]
    close(fl.linalg.matrixNorm(a, { ord: INF, dim: [0, 2] }), [7, 7]);
    const k = fl.linalg.matrixNorm(a, -1, [-2, -1], true);
    expect(k.shape).toEqual([2, 1, 1]);
    close(k, [4, 0.5]);
  }));

  test('refusals: the SVD norms by name, other orders, 1-D input, equal dims, empty reductions', () => fl.scope(() => {
    const a = fl.ones([2, 3], o64);
    // the SVD norms (lib/ops/decomp.ts, tested in test/decomp.test.ts): torch.linalg.matrix_norm(ones(2, 3), ord) is √6, √6, ~0;
    // a 16-bit input is refused, as torch ("Low precision dtypes not supported"), even with a wider dtype
    const sv = (['nuc', 2, -2] as const).map((ord) => fl.linalg.matrixNorm(a, ord).item());
    expect(Math.abs(sv[0] - Math.sqrt(6)) + Math.abs(sv[1] - Math.sqrt(6)) + Math.abs(sv[2])).toBeLessThan(1e-12);
    expect(() => fl.linalg.matrixNorm(fl.ones([2, 3], { dtype: 'float16', device: DEVICE }), 'nuc', [-2, -1], false, { dtype: 'float32' })).toThrow(fl.DTypeError);
    expect(() => fl.linalg.matrixNorm(a, 3)).toThrow(/linalg\.matrixNorm: ord 3 is not supported/);
    expect(() => fl.linalg.matrixNorm(fl.ones([3], o64))).toThrow(new fl.ShapeError('linalg.matrixNorm: the input tensor A must have at least 2 dims, got shape [3]'));
    expect(() => fl.linalg.matrixNorm(a, 'fro', [0, -2])).toThrow(/linalg\.matrixNorm: dims must be different/);
    expect(() => (fl.linalg.matrixNorm as any)(a, 'fro', [0])).toThrow(fl.ValueError);
    expect(() => fl.linalg.matrixNorm(fl.ones([2, 3], { dtype: 'int32' }))).toThrow(fl.DTypeError);
    // torch: matrix_norm(zeros(3, 0), 1) -> IndexError (amax over an empty dim); zeros(0, 3) gives 0
    expect(() => fl.linalg.matrixNorm(fl.zeros([3, 0], o64), 1)).toThrow(fl.IndexError);
    expect(fl.linalg.matrixNorm(fl.zeros([0, 3], o64), 1).item()).toBe(0);
    expect(fl.linalg.matrixNorm(fl.zeros([0, 3], o64)).item()).toBe(0);
  }));
});

describe('linalg.norm (torch.linalg.norm)', () => {
  // torch 1.13, float64: A = [[1, -2, 3], [4, 5, -6]], B = arange(24).reshape(2, 3, 4) - 10
  const A = [1, -2, 3, 4, 5, -6];
  const B = Array.from({ length: 24 }, (_, i) => i - 10);
  test('the vector or the matrix norm by dim and by the input rank, as torch', () => fl.scope(() => {
    const a = t64(A, [2, 3]), b = t64(B, [2, 3, 4]);
    close(fl.linalg.norm(a), [9.539392014169456]);                      // all elements, 2-norm
    close(fl.linalg.norm(a, 'nuc'), [11.653785350898488]);              // a 2-D input with an ord: a matrix norm
    close(fl.linalg.norm(a, 1), [9]);
    close(fl.linalg.norm(a, INF), [15]);
    close(fl.linalg.norm(a, 2), [9.225027715260929]);
    close(fl.linalg.norm(a, 1, -1), [6, 15]);                           // one dim: vector norms
    const k = fl.linalg.norm(a, 3, 0, true);
    expect(k.shape).toEqual([1, 3]);
    close(k, [4.020725758589058, 5.104468722001463, 6.240251469155711]);
    close(fl.linalg.norm(a, null, [0, 1]), [9.539392014169456]);        // two dims, no ord: 'fro'
    close(fl.linalg.norm(fl.tensor([1, -2, 3], { dtype: 'float64', device: DEVICE }), INF), [3]);
    close(fl.linalg.norm(b), [34.698703145794944]);                     // any rank without ord
    close(fl.linalg.norm(b, 'fro', [1, 2]), [19.6468827043885, 28.600699292150182]);
    close(fl.linalg.norm(b, { ord: -1, dim: [2, 0] }), [14, 18, 4]);
  }));
  test('gradients: finite differences through the vector and the matrix forms', () => fl.scope(() => {
    const a = t64(A, [2, 3], true);
    expect(fl.gradcheck((x: fl.Tensor) => fl.linalg.norm(x, 3, 1), [a])).toBe(true);
    expect(fl.gradcheck((x: fl.Tensor) => fl.linalg.norm(x, 'fro'), [a])).toBe(true);
  }));
  test('refusals as torch: an ord without dim on a 3-D input, three dims, a matrix order with one dim', () => fl.scope(() => {
    const b = t64(B, [2, 3, 4]);
    expect(() => fl.linalg.norm(b, 2)).toThrow(/linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D/);
    expect(() => fl.linalg.norm(b, 2, [0, 1, 0])).toThrow(/linalg.norm: If dim is specified, it must be of length 1 or 2/);
    expect(() => fl.linalg.norm(b, 'fro', 1)).toThrow(/linalg.norm: the order 'fro' is a matrix norm's/);
    expect(() => fl.linalg.norm(b, 'max' as never)).toThrow(fl.ValueError);
  }));
});

describe('norm and Tensor.norm (torch.norm)', () => {
  test("'fro' by default, numeric p as a vector norm, the method form", () => fl.scope(() => {
    const x = t64([1, -2, 3, -4, 5, -6], [2, 3]);
    close(fl.norm(x), [Math.sqrt(91)]);
    close(x.norm(), [Math.sqrt(91)]);
    close(fl.norm(x, 'fro', 1), [Math.sqrt(14), Math.sqrt(77)]);
    close(x.norm(1, 0, true), [5, 7, 9]);
    expect(x.norm(1, 0, true).shape).toEqual([1, 3]);
    close(x.norm(INF, { dim: -1 }), [3, 6]);
    close(fl.norm(x, null), [Math.sqrt(91)]);  // p None is 2
  }));

  test('torch.norm takes a narrowing dtype and integer input with a dtype; empty reductions are 0', () => fl.scope(() => {
    const x = t64([0.1, 0.2, 3, -4], [2, 2]);
    // torch: torch.norm(x, 2, dtype=torch.float32) = 5.004997253417969 (float32)
    const n = fl.norm(x, 2, null, false, { dtype: 'float32' });
    expect(n.dtype).toBe('float32');
    expectClose(n, [5.004997253417969], 'float32');  // (the GPU's summation order may round to the next float32)
    // torch: torch.norm(x, 3, 1, dtype=torch.float16) = [0.2080078125, 4.49609375]
    const h = fl.norm(x, 3, 1, false, { dtype: 'float16' });
    expect(h.dtype).toBe('float16');
    expect(vals(h)).toEqual([0.2080078125, 4.49609375]);
    // torch: torch.norm(tensor([3, 4]), 2, dtype=torch.float64) = 5.0
    expect(fl.norm(fl.tensor([3, 4], { device: DEVICE }), 2, null, false, { dtype: 'float64' }).item()).toBe(5);
    // torch: torch.norm(zeros(2, 0), inf, 1) = [0, 0]; torch.norm(zeros(0), -1) = 0 (linalg refuses both)
    expect(vals(fl.norm(fl.zeros([2, 0], o64), INF, 1))).toEqual([0, 0]);
    expect(fl.norm(fl.zeros([0], o64), -1).item()).toBe(0);
  }));

  test("refusals: 'nuc', 'fro' with a dtype or 3 dims, other strings, integer input without dtype, out", () => fl.scope(() => {
    const x = fl.ones([2, 2, 2], o64);
    // 'nuc' takes a 2-D input or two dims (torch.norm(x, 'nuc') of a 3-D x refuses too)
    expect(() => fl.norm(x, 'nuc')).toThrow(/norm: p 'nuc' takes a 2-D input or two dims/);
    expect(() => fl.norm(x, 'fro', null, false, { dtype: 'float64' })).toThrow(/norm: the dtype option is not supported with p 'fro'/);
    expect(() => fl.norm(x, 'fro', [0, 1, 2])).toThrow(/norm: p 'fro' takes at most 2 dims/);
    expect(() => (fl.norm as any)(x, 'abc')).toThrow(new fl.ValueError("norm: p must be a number, 'fro' or 'nuc' (the only valid strings), got 'abc'"));
    expect(() => fl.norm(fl.tensor([3, 4]))).toThrow(new fl.DTypeError('norm: input dtype should be floating point, got int32'));
    expect(() => fl.norm(fl.tensor([3, 4]), 2, null, false, { dtype: 'int32' })).toThrow(fl.DTypeError);
    expect(() => (x as any).norm(2, 0, true, { out: x })).toThrow(/norm: unknown option 'out'/);
  }));
});

describe('cdist', () => {
  const A0 = [0, 0, 1, -3, 3, 1], B0 = [0, 0, 4, 0];
  const W = [1, 2, 3, 4, 5, 6];
  // torch: a = tensor(A0).reshape(3, 2), b = tensor(B0).reshape(2, 2) (float64); d = torch.cdist(a, b, p);
  //   (d * tensor([[1., 2], [3, 4], [5, 6]])).sum().backward() -> d, a.grad, b.grad. a[0] == b[0]: the
  //   gradient at a zero distance is 0; the inf-norm gives each tie (a[1] - b[0] = [1, -3]... a[1] - b[1]
  //   = [-3, -3]) the whole gradient.
  const GOLD: [number, number[], number[], number[]][] = [
    [2, [0, 4, 3.1622776601683795, 4.242640687119285, 3.1622776601683795, 1.4142135623730951], [-2, 0, -1.8797438266956765, -5.674477018897731, 0.5007758031332843, 5.823779517203475], [-5.692099788303083, 1.2649110640673515, 9.071067811865476, -1.4142135623730945]],
    [1, [0, 4, 4, 6, 4, 2], [-2, 0, -1, -7, -1, 11], [-8, -2, 12, -2]],
    [INF, [0, 4, 3, 3, 3, 1], [-2, 0, -4, -7, -1, 6], [-5, 3, 12, -2]],
    [0, [0, 1, 2, 2, 2, 2], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0]],
    [0.5, [0, 4, 7.464101615137754, 11.999999999999998, 7.464101615137754, 4], [-2, 0, 0.1961524227066338, -12.732050807568875, -4.113248654051872, 25.660254037844386], [-16.08290376865476, -8.928203230275509, 22, -4.000000000000002]],
    [3, [0, 3.9999999999999996, 3.0365889718756622, 3.7797631496846193, 3.0365889718756622, 1.2599210498948732], [-2.0000000000000004, 0, -2.194493281374497, -5.447981465526993, 1.1004691265441249, 4.322011180376702], [-5.2055810946439935, 2.385891335045164, 8.299605249474366, -1.2599210498948725]],
    [1.5, [0, 3.9999999999999996, 3.373505286959263, 4.762203155904598, 3.373505286959263, 1.5874010519681994], [-2, 0, -1.5414472136031974, -6.003855760784595, -0.04711372782427148, 7.4844613064599335], [-6.348444318413528, 0.10679550629286094, 9.937005259840998, -1.5874010519681994]],
  ];
  test.each(GOLD)('p = %p: values and gradients as torch (zero distance, inf ties)', (p, want, ga, gb) => fl.scope(() => {
    const a = t64(A0, [3, 2], true), b = t64(B0, [2, 2], true);
    const [da, db] = gradsOf([a, b], () => {
      const d = fl.cdist(a, b, p);
      expect(d.shape).toEqual([3, 2]);
      close(d, want);
      return d;
    }, W);
    close(da!, ga);
    close(db!, gb);
  }));

  test('batch dims broadcast; the values are the naive distances', () => fl.scope(() => {
    const v1 = randomArray(2 * 3 * 4, 5), v2 = randomArray(1 * 2 * 4, 6);
    const d = fl.cdist(t64(v1, [2, 3, 4]), t64(v2, [1, 2, 4]), 3);
    expect(d.shape).toEqual([2, 3, 2]);
    const want: number[] = [];
    for (let bi = 0; bi < 2; bi++) for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) {
      const r1 = v1.slice((bi * 3 + i) * 4, (bi * 3 + i + 1) * 4), r2 = v2.slice(j * 4, (j + 1) * 4);
      want.push(naiveNorm(r1.map((x, k) => x - r2[k]), 3));
    }
    expectClose(d, want, 'float64', 10);
    // torch: cdist(zeros(2, 0), zeros(3, 0), inf) = zeros(2, 3): no columns give 0 for every p
    expect(vals(fl.cdist(fl.zeros([2, 0], o64), fl.zeros([3, 0], o64), INF))).toEqual([0, 0, 0, 0, 0, 0]);
  }));

  test('refusals: 1-D input, column mismatch, negative p, integer or mixed dtypes, batch mismatch', () => fl.scope(() => {
    const m = fl.ones([2, 3], o64);
    expect(() => fl.cdist(fl.ones([3], o64), m)).toThrow(new fl.ShapeError('cdist: expected x1 and x2 of at least 2 dims, got shapes [3] and [2, 3]'));
    expect(() => fl.cdist(m, fl.ones([2, 4], o64))).toThrow(/cdist: x1 \[2, 3\] and x2 \[2, 4\] must have the same number of columns/);
    expect(() => fl.cdist(m, m, -1)).toThrow(/cdist: p must be a non-negative number, got -1/);
    expect(() => fl.cdist(fl.ones([2, 3], { dtype: 'int32' }), fl.ones([2, 3], { dtype: 'int32' }))).toThrow(fl.DTypeError);
    expect(() => fl.cdist(m, fl.ones([2, 3]))).toThrow(/cdist: x1 and x2 must have the same dtype, got float64 and float32/);
    expect(() => fl.cdist(fl.ones([2, 1, 3], o64), fl.ones([4, 2, 3], o64))).toThrow(fl.ShapeError);
    expect(() => fl.cdist(m, m, { computeMode: 'foo' as any })).toThrow(fl.ValueError);
  }));
});

describe('F.oneHot', () => {
  test('numClasses given or inferred; any shape; int32 out', () => fl.scope(() => {
    const i = fl.tensor([[0, 2], [1, 0]], { dtype: 'int32', device: DEVICE });
    const h = F.oneHot(i);
    expect(h.shape).toEqual([2, 2, 3]);
    expect(h.dtype).toBe('int32');
    expect(vals(h)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0]);
    expect(F.oneHot(i, 5).shape).toEqual([2, 2, 5]);
    expect(vals(F.oneHot(fl.tensor(2, { dtype: 'int32', device: DEVICE }), { numClasses: 4 }))).toEqual([0, 0, 1, 0]);
    // torch: one_hot(zeros(0, dtype=long), 3).shape = [0, 3]
    expect(F.oneHot(fl.zeros([0], { dtype: 'int32', device: DEVICE }), 3).shape).toEqual([0, 3]);
  }));
  test('refusals as torch: negative, too large, empty without numClasses, non-int32', () => fl.scope(() => {
    const i = fl.tensor([0, -1, 1], { dtype: 'int32', device: DEVICE });
    // torch: "Class values must be non-negative." / "Class values must be smaller than num_classes."
    expect(() => F.oneHot(i)).toThrow(/oneHot: class values must be non-negative, got -1/);
    expect(() => F.oneHot(fl.tensor([0, 2], { dtype: 'int32', device: DEVICE }), 2)).toThrow(new fl.ValueError('oneHot: class values must be smaller than numClasses=2, got 2'));
    expect(() => F.oneHot(fl.tensor([0], { dtype: 'int32', device: DEVICE }), -2)).toThrow(fl.ValueError);
    // torch: "Can not infer total number of classes from empty tensor."
    expect(() => F.oneHot(fl.zeros([2, 0], { dtype: 'int32', device: DEVICE }))).toThrow(/oneHot: cannot infer the number of classes from an empty tensor/);
    expect(() => F.oneHot(fl.tensor([1.0], { dtype: 'float32', device: DEVICE }), 2)).toThrow(fl.DTypeError);
    expect(() => F.oneHot(fl.tensor([1], { dtype: 'uint8', device: DEVICE }), 2)).toThrow(fl.DTypeError);
    expect(() => (F.oneHot as any)(fl.tensor([1]), 2.5)).toThrow(/oneHot: numClasses must be an integer/);
  }));
});

describe('F.normalize', () => {
  test('values and gradients as torch, with a norm clamped at eps', () => fl.scope(() => {
    // torch: x = tensor([[0., 0], [3, 4], [1e-13, 0]]); y = F.normalize(x); (y * [[1, 2], [3, 4], [5, 6]]).sum().backward()
    const x = t64([0, 0, 3, 4, 1e-13, 0], [3, 2], true);
    const [g] = gradsOf([x], () => {
      const y = F.normalize(x);
      close(y, [0, 0, 0.6, 0.8, 0.1, 0]);
      return y;
    }, [1, 2, 3, 4, 5, 6]);
    close(g!, [1e12, 2e12, 0, 0, 5e12, 6e12]);
  }));
  test('p = inf along dim 0; a list of dims; a 0-dim input', () => fl.scope(() => {
    // torch: F.normalize(tensor([[1., -2], [0.5, 4]]), inf, 0) = [[1, -0.5], [0.5, 1]], grad (weights [[1, 2], [3, 4]]) [-1.5, 0.5, 3, 0.25]
    const x = t64([1, -2, 0.5, 4], [2, 2], true);
    const [g] = gradsOf([x], () => {
      const y = F.normalize(x, INF, 0);
      close(y, [1, -0.5, 0.5, 1]);
      return y;
    }, [1, 2, 3, 4]);
    close(g!, [-1.5, 0.5, 3, 0.25]);
    close(F.normalize(fl.ones([2, 2], o64), { dim: [0, 1] }), [0.5, 0.5, 0.5, 0.5]);
    expect(F.normalize(fl.tensor(2, o64), 2, 0).item()).toBe(1);
  }));
  test('refusals: integer input, a dim out of range', () => fl.scope(() => {
    expect(() => F.normalize(fl.tensor([1, 2]), 2, 0)).toThrow(new fl.DTypeError('normalize: input must be floating point, got int32'));
    expect(() => F.normalize(fl.ones([2], o64))).toThrow(fl.IndexError);  // dim 1 of a 1-D input, as torch
  }));
});

describe('F.cosineSimilarity and nn.CosineSimilarity', () => {
  test("torch 1.13's formula: the squared norms clamped at eps² with the gradient passing through", () => fl.scope(() => {
    // torch: a = [[1e-9, 0, 0], [1e-9, 2e-9, 0]], b = [[1, 1, 0], [1, 3, 2]] (float64); c = F.cosine_similarity(a, b);
    //   (c * tensor([3., 2])).sum().backward()
    const a = t64([1e-9, 0, 0, 1e-9, 2e-9, 0], [2, 3], true), b = t64([1, 1, 0, 1, 3, 2], [2, 3], true);
    const [ga, gb] = gradsOf([a, b], () => {
      const c = F.cosineSimilarity(a, b);
      close(c, [0.07071067811865475, 0.1870828693386971]);
      return c;
    }, [3, 2]);
    expectClose(ga!, [210010714.0124046, 212132034.35596424, 0, 49710590.99571093, 152873430.37390676, 106904496.76496975], 'float64', 1e4);
    expectClose(gb!, [0.10606601717798217, -0.10606601717798211, 0, 0.026726124191242435, 0.02672612419124243, -0.053452248382484885], 'float64', 1e4);
  }));
  test('broadcasting, a zero vector, the module form', () => fl.scope(() => {
    // torch: c = F.cosine_similarity(tensor([1., 2, -2]), tensor([[1., 0, 1], [0, 0, 0]]), -1); weights [3, 2]
    const a = t64([1, 2, -2], [3], true), b = t64([1, 0, 1, 0, 0, 0], [2, 3], true);
    const [ga, gb] = gradsOf([a, b], () => {
      const c = new fl.nn.CosineSimilarity(-1).forward(a, b);
      close(c, [-0.2357022603955158, 0]);
      return c;
    }, [3, 2]);
    close(ga!, [0.7856742013183861, 0.15713484026367722, 0.5499719409228703]);
    expectClose(gb!, [1.0606601717798212, 1.414213562373095, -1.0606601717798212, 66666666.666666664, 133333333.33333333, -133333333.33333333], 'float64', 1e4);
    // integers take the common floating dtype; float32 with float64 gives float64
    expect(F.cosineSimilarity(fl.tensor([1, 2], { device: DEVICE }), fl.tensor([1, 2], o64), 0).dtype).toBe('float64');
    expect(String(new fl.nn.CosineSimilarity())).toBe('CosineSimilarity()');
  }));
  test('refusals: integer inputs, shapes that do not broadcast, a dim out of range', () => fl.scope(() => {
    expect(() => F.cosineSimilarity(fl.tensor([1, 2]), fl.tensor([1, 2]), 0)).toThrow(/cosineSimilarity: expected the common dtype to be floating point, got int32/);
    expect(() => F.cosineSimilarity(fl.ones([2, 3], o64), fl.ones([3, 3], o64))).toThrow(fl.ShapeError);
    expect(() => new fl.nn.CosineSimilarity(2).forward(fl.ones([2, 3], o64), fl.ones([2, 3], o64))).toThrow(/CosineSimilarity: dim 2 out of range/);
  }));
});

describe('F.pairwiseDistance and nn.PairwiseDistance', () => {
  test('‖x1 - x2 + eps‖ with its gradient, as torch', () => fl.scope(() => {
    // torch: a = [[1., 2, 3], [0, 0, 0]], b = [[1., 0, 1], [0, 0, 0]]; d = F.pairwise_distance(a, b); (d * [1., 2]).sum().backward()
    const a = t64([1, 2, 3, 0, 0, 0], [2, 3], true), b = t64([1, 0, 1, 0, 0, 0], [2, 3], true);
    const [ga, gb] = gradsOf([a, b], () => {
      const d = F.pairwiseDistance(a, b);
      close(d, [2.8284285389599293, 1.7320508075688771e-6]);
      return d;
    }, [1, 2]);
    close(ga!, [3.5355321381664473e-7, 0.7071067811865034, 0.7071067811865034, 1.1547005383792517, 1.1547005383792517, 1.1547005383792517]);
    close(gb!, [-3.5355321381664473e-7, -0.7071067811865034, -0.7071067811865034, -1.1547005383792517, -1.1547005383792517, -1.1547005383792517]);
    // torch: F.pairwise_distance(a, b, 1, 0.5, True) = [[5.5], [1.5]]
    const k = new fl.nn.PairwiseDistance(1, 0.5, true).forward(a.detach(), b.detach());
    expect(k.shape).toEqual([2, 1]);
    close(k, [5.5, 1.5]);
    expect(String(new fl.nn.PairwiseDistance())).toBe('PairwiseDistance()');
  }));
  test('integer inputs give float32 (torch: int64 - int64 + 1e-6 is float32); bool is refused', () => fl.scope(() => {
    // torch: F.pairwise_distance(tensor([[1, 2], [3, 3]]), tensor([[1, 0], [0, 7]])) = [2.0000009536743164, 5.0] (float32)
    const d = F.pairwiseDistance(fl.tensor([[1, 2], [3, 3]], { device: DEVICE }), fl.tensor([[1, 0], [0, 7]], { device: DEVICE }));
    expect(d.dtype).toBe('float32');
    expect(vals(d)).toEqual([2.0000009536743164, 5]);
    expect(() => F.pairwiseDistance(fl.ones([2], { dtype: 'bool' }), fl.ones([2], { dtype: 'bool' }))).toThrow(fl.DTypeError);
    expect(() => F.pairwiseDistance(fl.ones([2, 3], o64), fl.ones([2, 4], o64))).toThrow(/pairwiseDistance: x1 \[2, 3\] and x2 \[2, 4\] do not broadcast/);
  }));
});

describe('clipGradNorm uses linalg.vectorNorm', () => {
  test('the total norm of several gradients is the vector norm of all their elements', () => fl.scope(() => {
    const v1 = randomArray(6, 21), v2 = randomArray(4, 22);
    for (const p of [2, 1, 3, INF]) {
      const a = t64(v1, [2, 3], true), b = t64(v2, [4], true);
      fl.mul(a, t64(v1, [2, 3])).sum().backward();  // grads: v1, v2
      fl.mul(b, t64(v2, [4])).sum().backward();
      const total = fl.nn.utils.clipGradNorm([a, b], 1e9, p);
      expect(total.item()).toBeCloseTo(naiveNorm([...v1, ...v2], p), 12);
      total.dispose();
    }
  }));
  test('16-bit gradients: the norm in float32, rounded once', () => fl.scope(() => {
    const v = randomArray(50, 23, -4, 4);
    const x = fl.tensor(v, { dtype: 'float16', device: DEVICE });
    const [rtol, atol] = TOL.float16;
    const exact = naiveNorm(Array.from(x.to('float64').dataSync()), 2);
    expect(Math.abs(fl.linalg.vectorNorm(x).item() - exact)).toBeLessThanOrEqual(atol + rtol * exact);
  }));
});
