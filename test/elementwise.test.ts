// elementwise.test.ts — runs the op table (optable.ts) on every dtype and layout: contiguous,
// transposed views, broadcasting, scalars, 0-dim and empty tensors; reference: float64 Math on
// the same (dtype-rounded) inputs, within helpers.TOL. Plus promotion, in-place ops and bad input.
import * as fl from '../lib';
import { BINARY_CASES, UNARY_CASES, erf } from './optable';
import { DEVICE, expectClose, randomArray, roundTo } from './helpers';

const opts = (dtype: fl.DType) => ({ dtype, device: DEVICE });

function inputs(n: number, seed: number, dtype: fl.DType, domain: [number, number] = [-3, 3], nonzero = false): number[] {
  let v: number[];
  if (dtype === 'bool') v = randomArray(n, seed, 0, 1).map((x) => (x < 0.5 ? 0 : 1));
  else if (dtype === 'int32') v = randomArray(n, seed, domain[0], domain[1]).map(Math.round);
  else if (dtype === 'uint8') v = randomArray(n, seed, Math.max(0, domain[0]), Math.max(domain[1], 1) * 3).map(Math.round);
  else v = roundTo(randomArray(n, seed, domain[0], domain[1]), dtype);
  if (nonzero) v = v.map((x) => (x === 0 ? 1 : x));
  return v;
}

function outDtype(dtype: fl.DType, outBool?: boolean, floatResult?: boolean): fl.DType {
  if (outBool) return 'bool';
  if (floatResult && !fl.isFloating(dtype)) return 'float32';
  return dtype;
}

describe('unary ops against float64 references', () => {
  for (const c of UNARY_CASES) {
    for (const dtype of c.dtypes) {
      test(`${c.name} ${dtype}`, () => {
        fl.scope(() => {
          const shape = [3, 4, 5];
          const vals = inputs(60, 7, dtype, c.domain);
          const x = fl.tensor(vals, opts(dtype)).reshape(shape);
          const y = c.fn(x);
          expect(y.shape).toEqual(shape);
          const od = c.outBool ? 'bool' : fl.isFloating(dtype) || ['floor', 'ceil', 'round', 'neg', 'abs', 'sign', 'square', 'relu', 'clamp-int'].includes(c.name) ? dtype : 'float32';
          expect(y.dtype).toBe(od);
          expectClose(y, vals.map(c.ref), od);
          // a transposed (non-contiguous) view gives the transposed result
          const xt = x.permute(2, 0, 1);
          expect(xt.isContiguous()).toBe(false);
          const yt = c.fn(xt);
          expectClose(yt, Array.from(y.permute(2, 0, 1).contiguous().dataSync()), od);
          // 0-dim and empty
          const z = c.fn(fl.tensor(vals[0], opts(dtype)));
          expect(z.shape).toEqual([]);
          expectClose(z, [c.ref(vals[0])], od);
          const e = c.fn(fl.zeros([0, 3], opts(dtype)));
          expect(e.shape).toEqual([0, 3]);
        });
      });
    }
  }
});

// exp, tanh, sigmoid and erf must be within 4 ulp of the float64 value over the whole float range
// on either device, including overflow, the subnormal results of exp, signed zeros, infinities
// and NaN; silu and gelu (composites: gelu's 1 + erf(x/√2) cancels for negative x in float, whatever
// erf's accuracy, as it does in torch) within the float32 tolerance of helpers.TOL.
describe('float32 transcendental ops over the whole float range', () => {
  const sweep: number[] = [0, -0, Infinity, -Infinity, NaN];
  for (let e = -45; e <= 38.5; e += 0.0125) for (const s of [1, -1]) sweep.push(Math.fround(s * 10 ** e));
  // exp's overflow / underflow thresholds and a few interval edges of common implementations, with their neighbours
  for (const v of [0.625, 1, 4, 9, 88.7228394, 88.72284, 88.7229, 103.97, 104, 87.33655, 0.34657359]) {
    for (const s of [1, -1]) for (const d of [-2, -1, 0, 1, 2]) sweep.push(Math.fround(s * v * (1 + d * 2 ** -23)));
  }
  /** One float32 ulp at v (the subnormal spacing below 2^-126). */
  const ulp = (v: number): number => (v === 0 || !Number.isFinite(v) ? 2 ** -149 : 2 ** Math.max(Math.floor(Math.log2(Math.abs(v))) - 23, -149));
  // [name, op, float64 reference, |x| limit of the sweep, 'ulp' (4 ulp) or 'tol' (helpers.TOL)]
  const cases: [string, (x: fl.Tensor) => fl.Tensor, (x: number) => number, number, 'ulp' | 'tol'][] = [
    ['exp', fl.exp, Math.exp, Infinity, 'ulp'],
    ['tanh', fl.tanh, Math.tanh, Infinity, 'ulp'],
    // 1 / (1 + exp(-x)): exp(-x) overflows below x = -88.72 (the result is then 0, not the subnormal)
    ['sigmoid', fl.sigmoid, (x) => 1 / (1 + Math.exp(-x)), 88, 'ulp'],
    ['erf', fl.erf, erf, Infinity, 'ulp'],
    ['silu', fl.silu, (x) => x / (1 + Math.exp(-x)), 80, 'tol'],
    ['gelu', (x) => fl.gelu(x), (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), 12, 'tol'],
  ];
  test.each(cases)('%s', (_name, fn, ref, limit, mode) => {
    fl.scope(() => {
      const xs = sweep.filter((v) => !(Math.abs(v) > limit));
      const got = Array.from(fn(fl.tensor(xs, opts('float32'))).dataSync());
      if (mode === 'tol') { expectClose(fl.tensor(got, opts('float64')), xs.map(ref), 'float32'); return; }
      const bad: string[] = [];
      xs.forEach((x, i) => {
        const want = ref(x), g = got[i];
        const ok = Number.isNaN(want) ? Number.isNaN(g) : !Number.isFinite(Math.fround(want)) ? g === Math.fround(want)
          : Math.abs(g - want) <= 4 * ulp(want);
        if (!ok && bad.length < 5) bad.push(`x=${x}: got ${g}, want ${want}`);
      });
      expect(bad).toEqual([]);
    });
  });
});

describe('binary ops against float64 references', () => {
  for (const c of BINARY_CASES) {
    const divLike = ['div', 'remainder', 'floorDivide'].includes(c.name);
    for (const dtype of c.dtypes) {
      test(`${c.name} ${dtype}`, () => {
        fl.scope(() => {
          const od = outDtype(dtype, c.outBool, c.floatResult);
          const av = inputs(60, 11, dtype, c.domainA);
          const bv = inputs(60, 13, dtype, c.domainB, divLike);
          // equal shapes
          const a = fl.tensor(av, opts(dtype)).reshape([3, 4, 5]);
          const b = fl.tensor(bv, opts(dtype)).reshape([3, 4, 5]);
          const y = c.fn(a, b);
          expect(y.dtype).toBe(od);
          expectClose(y, av.map((x, i) => c.ref(x, bv[i])), od);
          // broadcasting [3,1,5] with [4,1] -> [3,4,5]
          const a2 = fl.tensor(av.slice(0, 15), opts(dtype)).reshape([3, 1, 5]);
          const b2 = fl.tensor(bv.slice(0, 4), opts(dtype)).reshape([4, 1]);
          const y2 = c.fn(a2, b2);
          expect(y2.shape).toEqual([3, 4, 5]);
          const ref2: number[] = [];
          for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 5; k++) ref2.push(c.ref(av[i * 5 + k], bv[j]));
          expectClose(y2, ref2, od);
          // non-contiguous operands (transposed views)
          const at = a.transpose(0, 2), bt = b.transpose(0, 2);
          const y3 = c.fn(at, bt);
          expectClose(y3, Array.from(y.transpose(0, 2).contiguous().dataSync()), od);
          // scalar operand
          const s = dtype === 'bool' ? 1 : divLike ? 2 : dtype === 'uint8' ? 3 : 2;
          const y4 = c.fn(a, s);
          expectClose(y4, av.map((x) => c.ref(x, s)), outDtype(dtype, c.outBool, c.floatResult));
        });
      });
    }
  }
});

describe('type promotion (torch.result_type rules)', () => {
  test.each([
    ['int32', 'float32', 'float32'], ['uint8', 'int32', 'int32'], ['float16', 'bfloat16', 'float32'],
    ['float16', 'float32', 'float32'], ['float32', 'float64', 'float64'], ['bool', 'uint8', 'uint8'],
    ['bool', 'float16', 'float16'], ['int32', 'bfloat16', 'bfloat16'],
  ] as [fl.DType, fl.DType, fl.DType][])('%s + %s -> %s', (a, b, r) => {
    fl.scope(() => {
      expect(fl.promoteTypes(a, b)).toBe(r);
      expect(fl.add(fl.ones([2], opts(a)), fl.ones([2], opts(b))).dtype).toBe(r);
    });
  });
  test('scalars do not upcast within a category; 0-dim tensors behave like scalars', () => {
    fl.scope(() => {
      expect(fl.add(fl.ones([2], opts('float16')), 2.5).dtype).toBe('float16');
      expect(fl.add(fl.ones([2], opts('int32')), 2.5).dtype).toBe('float32');
      expect(fl.add(fl.ones([2], opts('uint8')), 3).dtype).toBe('uint8');
      expect(fl.add(fl.ones([2], opts('float32')), fl.tensor(1, opts('float64'))).dtype).toBe('float32');
      expect(fl.add(fl.ones([2], opts('int32')), fl.tensor(1.5, opts('float64'))).dtype).toBe('float64');
      expect(fl.mul(fl.ones([2], opts('bool')), true).dtype).toBe('bool');
    });
  });
});

describe('in-place ops', () => {
  test('add_, mul_, clamp_, relu_ write through views', () => {
    fl.scope(() => {
      const x = fl.arange(12, undefined, 1, opts('float32')).reshape(3, 4);
      const col = x.select(1, 1);  // strided view
      col.add_(100);
      expect(x.toArray()).toEqual([[0, 101, 2, 3], [4, 105, 6, 7], [8, 109, 10, 11]]);
      x.mul_(fl.tensor([1, -1, 1, -1], opts('float32')));
      expect(x.select(0, 0).toArray()).toEqual([0, -101, 2, -3]);
      x.relu_();
      expect(x.select(0, 0).toArray()).toEqual([0, 0, 2, 0]);
      x.clamp_(1, 9);
      expect(x.toArray()).toEqual([[1, 1, 2, 1], [4, 1, 6, 1], [8, 1, 9, 1]]);
      const h = fl.ones([2], opts('float16'));
      h.add_(fl.tensor([0.5, 1], opts('float32')));
      expect(h.toArray()).toEqual([1.5, 2]);
    });
  });
  test('in-place refuses results it cannot hold', () => {
    fl.scope(() => {
      const i = fl.ones([2], opts('int32'));
      expect(() => i.add_(0.5)).toThrow(fl.DTypeError);
      expect(() => fl.ones([3]).add_(fl.ones([2, 3]))).toThrow(fl.ShapeError);
    });
  });
});

describe('where, clamp, maskedFill', () => {
  test('where broadcasts condition and operands', () => {
    fl.scope(() => {
      const x = fl.tensor([[1, -2, 3], [-4, 5, -6]], opts('float32'));
      expect(fl.where(fl.gt(x, 0), x, 0).toArray()).toEqual([[1, 0, 3], [0, 5, 0]]);
      const cond = fl.tensor([true, false, true], { device: DEVICE });
      expect(fl.where(cond, x, fl.tensor([[10], [20]], opts('float32'))).toArray()).toEqual([[1, 10, 3], [-4, 20, -6]]);
      expect(x.maskedFill(fl.lt(x, 0), -1).toArray()).toEqual([[1, -1, 3], [-1, 5, -1]]);
      expect(fl.clamp(x, undefined, 2).toArray()).toEqual([[1, -2, 2], [-4, 2, -6]]);
      expect(fl.clamp(x, fl.tensor([0, -3, 0], opts('float32'))).toArray()).toEqual([[1, -2, 3], [0, 5, 0]]);
    });
  });
  test("maskedFill with a tensor value: the value's gradient, its dtype cast to x's, no host read (torch's MaskedFillBackward1)", () => fl.scope(() => {
    // torch 1.13: x = [1., 2, 3, 4] (grad), v = tensor(5., grad), m = [T, F, T, F]; y = x.masked_fill(m, v);
    //   (y * [1., 2, 3, 4]).sum().backward() -> y = [5, 2, 5, 4], x.grad = [0, 2, 0, 4], v.grad = 4
    const x = fl.tensor([1, 2, 3, 4], opts('float32')).requiresGrad_();
    const v = fl.tensor(5, opts('float32')).requiresGrad_();
    const m = fl.tensor([true, false, true, false], { device: DEVICE });
    const y = x.maskedFill(m, v);
    expect(y.toArray()).toEqual([5, 2, 5, 4]);
    fl.sum(fl.mul(y, fl.tensor([1, 2, 3, 4], opts('float32')))).backward();
    expect(x.grad!.toArray()).toEqual([0, 2, 0, 4]);
    expect(v.grad!.item()).toBe(4);   // before: no gradient reached the value (it was read with item())
    // torch: zeros(2, 3).masked_fill([T, F, T], tensor(7, int32)) -> float32 7s in the masked columns
    const z = fl.zeros([2, 3], opts('float32')).maskedFill(fl.tensor([true, false, true], { device: DEVICE }), fl.tensor([7], { dtype: 'int32', device: DEVICE }));
    expect(z.dtype).toBe('float32');
    expect(z.toArray()).toEqual([[7, 0, 7], [7, 0, 7]]);
    expect(() => x.maskedFill(m, fl.tensor([1, 2], opts('float32')))).toThrow(/maskedFill: value must be a number or a 1-element tensor, got shape \[2\]/);
  }));
  test('NaN handling follows PyTorch', () => {
    fl.scope(() => {
      const x = fl.tensor([NaN, 1, -Infinity, Infinity], opts('float32'));
      expect(Array.from(fl.isnan(x).dataSync())).toEqual([1, 0, 0, 0]);
      expect(Array.from(fl.isfinite(x).dataSync())).toEqual([0, 1, 0, 0]);
      expect(fl.maximum(x, 0).toArray()).toEqual([NaN, 1, 0, Infinity]);
      expect(fl.relu(x).toArray()).toEqual([NaN, 1, 0, Infinity]);
      expect(fl.clamp(x, -1, 1).toArray()).toEqual([NaN, 1, -1, 1]);
    });
  });
  test('integer edge cases', () => {
    fl.scope(() => {
      const a = fl.tensor([7, -7, 7, -7], opts('int32')), b = fl.tensor([2, 2, -2, -2], opts('int32'));
      expect(fl.floorDivide(a, b).toArray()).toEqual([3, -4, -4, 3]);
      expect(fl.remainder(a, b).toArray()).toEqual([1, 1, -1, -1]);
      expect(fl.div(a, b).toArray()).toEqual([3.5, -3.5, -3.5, 3.5]);
      expect(fl.div(a, b, 'trunc').toArray()).toEqual([3, -3, -3, 3]);
      // reading the result: a GPU reports integer division by zero at the next synchronization
      expect(() => fl.floorDivide(a, fl.zeros([4], opts('int32'))).dataSync()).toThrow(/floorDivide: integer division by zero/);
      expect(() => fl.remainder(a, 0).dataSync()).toThrow(fl.ValueError);
      expect(() => fl.pow(a, fl.tensor([1, -1, 2, -2], opts('int32'))).dataSync()).toThrow(/pow: integers to negative integer powers/);
      expect(fl.add(fl.tensor([250], opts('uint8')), 10).toArray()).toEqual([4]);
      expect(fl.round(fl.tensor([0.5, 1.5, 2.5, -0.5], opts('float32'))).toArray()).toEqual([0, 2, 2, -0]);
    });
  });
});

describe('bad input gets typed errors naming the op', () => {
  test('shape, dtype and argument errors', () => {
    fl.scope(() => {
      const a = fl.zeros([2, 3], { device: DEVICE }), b = fl.zeros([4], { device: DEVICE });
      expect(() => fl.add(a, b)).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
      expect(() => fl.add(a, b)).toThrow(fl.ShapeError);
      expect(() => fl.sub(fl.ones([2], opts('bool')), fl.ones([2], opts('bool')))).toThrow(fl.DTypeError);
      expect(() => fl.neg(fl.ones([2], opts('bool')))).toThrow(fl.DTypeError);
      expect(() => fl.where(fl.ones([2]), a, a)).toThrow(fl.DTypeError);
      expect(() => fl.add('x' as any, a)).toThrow(fl.ValueError);
      expect(() => fl.add(1 as any, 2 as any)).toThrow(fl.ValueError);
      expect(() => fl.exp(null as any)).toThrow(fl.ValueError);
      expect(() => fl.gelu(a, 'fast' as any)).toThrow(fl.ValueError);
    });
  });
  test('disposed tensors throw DisposedError', () => {
    const a = fl.ones([2]);
    a.dispose();
    expect(() => fl.add(a, 1)).toThrow(fl.DisposedError);
    expect(() => a.dataSync()).toThrow(/dataSync: tensor of shape \[2\] \(float32\) was disposed/);
    a.dispose();  // idempotent
  });
});

// Autograd saves only what each gradient formula reads (PyTorch's derivatives.yaml does the same):
// a saved view keeps its storage alive until backward, so saving an add's operands kept every
// Linear's product before its bias, and the whole logit matrix, alive for the whole step.
describe('elementwise ops save only what their gradient reads', () => {
  const savedOf = (y: fl.Tensor): number => ((y as unknown as { _gradFn: { saved: unknown[] | null } })._gradFn.saved ?? []).length;
  test.each([
    ['add', (a: fl.Tensor, b: fl.Tensor) => fl.add(a, b), 0],
    ['sub', (a: fl.Tensor, b: fl.Tensor) => fl.sub(a, b), 0],
    ['mul by a number', (a: fl.Tensor) => fl.mul(a, 0.125), 0],
    ['mul by a constant tensor (its operand saved, not the input)', (a: fl.Tensor, b: fl.Tensor, c: fl.Tensor) => fl.mul(a, c), 1],
    ['mul of two inputs', (a: fl.Tensor, b: fl.Tensor) => fl.mul(a, b), 2],
    ['div by a constant tensor', (a: fl.Tensor, b: fl.Tensor, c: fl.Tensor) => fl.div(a, c), 1],
    ['div of two inputs (divisor and result)', (a: fl.Tensor, b: fl.Tensor) => fl.div(a, b), 2],
    ['neg', (a: fl.Tensor) => fl.neg(a), 0],
    ['exp (its result)', (a: fl.Tensor) => fl.exp(a), 1],
    ['tanh (its result)', (a: fl.Tensor) => fl.tanh(a), 1],
    ['sigmoid (its result)', (a: fl.Tensor) => fl.sigmoid(a), 1],
    ['sin (its input)', (a: fl.Tensor) => fl.sin(a), 1],
  ] as const)('%s', (_name, f, n) => {
    fl.scope(() => {
      const a = fl.tensor([0.5, -1, 2], { device: DEVICE }).requiresGrad_();
      const b = fl.tensor([1.5, 3, -0.25], { device: DEVICE }).requiresGrad_();
      const c = fl.tensor([2, 4, 8], { device: DEVICE });
      const y = f(a, b, c);
      expect(savedOf(y)).toBe(n);
      // and the gradients are still right: d/da of sum(f) against central differences in float64
      y.sum().backward();
      const h = 1e-3, base = [0.5, -1, 2];
      const fd = base.map((_, i) => fl.scope(() => {
        const at = (d: number) => f(fl.tensor(base.map((v, j) => (j === i ? v + d : v)), { dtype: 'float64', device: DEVICE }), b.detach().to('float64'), c.to('float64')).sum().item();
        return (at(h) - at(-h)) / (2 * h);
      }));
      expectClose(a.grad!, fd, 'float32', 100);
    });
  });

  test("a Linear's product before its bias is freed when F.linear returns; only its output stays", () => {
    fl.scope(() => {
      const x = fl.randn([64, 32], { device: DEVICE }).requiresGrad_();
      const lin = new fl.nn.Linear(32, 48);
      lin.to(DEVICE);
      const before = fl.memory.stats(DEVICE).allocatedBytes;
      const y = lin.forward(x);
      // the output, 64 x 48 float32, and nothing else (the product x·Wᵀ was 64 x 48 too)
      expect(fl.memory.stats(DEVICE).allocatedBytes - before).toBe(y.numel * 4);
      y.sum().backward();
      expect(lin.bias!.grad!.shape).toEqual([48]);
      lin.dispose();
    });
  });
});

// torch.round(x, decimals=d): round-half-even of x·10^d, then / 10^d (x / 10^-d, then · 10^-d for d < 0), each step in x's
// dtype. Reference: the same steps in JavaScript, float64 as is and float32 through Math.fround (naive, elementwise).
describe('round with decimals', () => {
  const halfEven = (v: number): number => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
  const naive = (v: number, d: number, f: (u: number) => number): number => {
    const p = f(10 ** Math.abs(d));
    return d > 0 ? f(halfEven(f(v * p)) / p) : f(halfEven(f(v / p)) * p);
  };
  test.each([['float64', (u: number) => u], ['float32', Math.fround]] as const)('%s on the test device, decimals -2..3, ties included', (dtype, f) => {
    fl.scope(() => {
      const vals = [...randomArray(40, 7, -2000, 2000), 0.125, -0.125, 2.5, -2.5, 0.005, 1234.5, 2.675, 150, -250, 0];
      const x = fl.tensor(vals, opts(dtype));
      const xs = x.toArray() as number[];
      for (const d of [-2, -1, 1, 2, 3]) {
        expect(x.round({ decimals: d }).toArray()).toEqual(xs.map((v) => naive(v, d, f)));
      }
      expect(fl.round(x, { decimals: 0 }).toArray()).toEqual(x.round().toArray());
    });
  });
  test('an integer input with decimals is refused, as torch', () => {
    fl.scope(() => expect(() => fl.round(fl.tensor([1, 2], opts('int32')), { decimals: 1 })).toThrow(new fl.DTypeError('round: decimals 1 needs a floating input, got int32 of shape [2] (as torch, which has no integer round with decimals)')));
  });
});
