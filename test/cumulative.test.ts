// cumulative.test.ts — fl.cummax, fl.cummin and fl.logcumsumexp (lib/ops/cumulative.ts) and their
// Tensor methods. References: PyTorch 1.13 golden values (the torch call beside each: ties, NaN,
// ±inf, -0, every dtype, zero sizes, gradients of sum(out * W) and second derivatives), float64
// naive loops written here (torch's CPU loop for cummax/cummin, a sequential logaddexp for
// logcumsumexp) over long, odd-sized dims, and finite differences (fl.gradcheck). Tolerances: 1e-12
// relative for float64 goldens (TOL scaled), the dtype's TOL elsewhere.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, expectClose, randomArray, rng } from './helpers';

const INF = Infinity;
const on = (v: number[] | boolean[], dtype: fl.DType, shape?: number[]): fl.Tensor => {
  const t = fl.tensor(v as number[], { dtype, device: DEVICE });
  return shape ? t.reshape(shape) : t;
};
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const ints = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);
/** Exact equality, NaN with NaN and the sign of zero included. */
function same(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => { if (!Object.is(g, want[i])) throw new Error(`[${i}]: expected ${want[i]}, got ${g} (all: ${got})`); });
}

// ---- float64 naive references ----------------------------------------------------------------------
/** torch's CPU loop (cummax_cummin_helper): take x when it is NaN, or out is not NaN and x >= out (<=). */
function naiveExtremum(row: number[], isMax: boolean): [number[], number[]] {
  const v: number[] = [], ix: number[] = [];
  let out = row[0], idx = 0;
  row.forEach((x, i) => {
    if (Number.isNaN(x) || (!Number.isNaN(out) && (isMax ? x >= out : x <= out))) { out = x; idx = i; }
    v.push(out); ix.push(idx);
  });
  return [v, ix];
}
function naiveLogaddexp(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  const m = Math.max(a, b);
  if (a === b) return m === -INF || m === INF ? m : m + Math.LN2;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}
function naiveLcse(row: number[]): number[] {
  let acc = -INF;
  return row.map((x) => (acc = naiveLogaddexp(acc, x)));
}
/** f applied to each 1-D slice along dim 1 of a row-major [a, n, b] array; the results in the same layout. */
function alongMiddle(v: number[], [a, n, b]: number[], f: (row: number[]) => number[]): number[] {
  const out = new Array<number>(v.length);
  for (let i = 0; i < a; i++) {
    for (let k = 0; k < b; k++) {
      const row = Array.from({ length: n }, (_, j) => v[(i * n + j) * b + k]);
      f(row).forEach((y, j) => { out[(i * n + j) * b + k] = y; });
    }
  }
  return out;
}
/** Grid values (multiples of 1/4: ties) with NaN, ±inf and -0 now and then. */
function gridWithSpecials(n: number, seed: number, specials: boolean): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const p = r();
    if (specials && p < 0.03) return NaN;
    if (specials && p < 0.06) return INF;
    if (specials && p < 0.09) return -INF;
    if (p < 0.12) return -0;
    return Math.round(r() * 16 - 8) / 4;
  });
}

// ---- cummax / cummin ---------------------------------------------------------------------------------
describe('cummax / cummin as torch', () => {
  // X = torch.tensor([[2., -1., 2., nan], [0., -inf, 3., 3.], [-0., inf, -1., nan]]); torch.cummax(X, d) / torch.cummin(X, d)
  const X = [2, -1, 2, NaN, 0, -INF, 3, 3, -0, INF, -1, NaN];
  const GOLD: [string, number, number[], number[]][] = [
    ['cummax', 0, [2, -1, 2, NaN, 2, -1, 3, NaN, 2, INF, 3, NaN], [0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 1, 2]],
    ['cummax', 1, [2, 2, 2, NaN, 0, 0, 3, 3, -0, INF, INF, NaN], [0, 0, 2, 3, 0, 0, 2, 3, 0, 1, 1, 3]],
    ['cummax', -1, [2, 2, 2, NaN, 0, 0, 3, 3, -0, INF, INF, NaN], [0, 0, 2, 3, 0, 0, 2, 3, 0, 1, 1, 3]],
    ['cummin', 0, [2, -1, 2, NaN, 0, -INF, 2, NaN, -0, -INF, -1, NaN], [0, 0, 0, 0, 1, 1, 0, 0, 2, 1, 2, 2]],
    ['cummin', 1, [2, -1, -1, NaN, 0, -INF, -INF, -INF, -0, -0, -1, NaN], [0, 1, 1, 3, 0, 1, 1, 1, 0, 0, 2, 3]],
    ['cummin', -2, [2, -1, 2, NaN, 0, -INF, 2, NaN, -0, -INF, -1, NaN], [0, 0, 0, 0, 1, 1, 0, 0, 2, 1, 2, 2]],
  ];
  test.each(GOLD)('%s(X, %d): ties give the last index, NaN stays (a later NaN takes its index), -0 kept', (op, d, wantV, wantI) => fl.scope(() => {
    for (const dt of ['float32', 'float64'] as const) {
      const [v, i] = (op === 'cummax' ? fl.cummax : fl.cummin)(on(X, dt, [3, 4]), d);
      expect([v.dtype, i.dtype, v.shape, i.shape]).toEqual([dt, 'int32', [3, 4], [3, 4]]);
      same(vals(v), wantV);
      same(ints(i), wantI);
    }
  }));

  test('the 1-D cases of the brief: ties [1, 3, 3, 2, 3] and two NaNs', () => fl.scope(() => {
    // torch.cummax(torch.tensor([1., 3., 3., 2., 3., nan, 5., nan, 1.]), 0) and torch.cummin of the same
    const x = on([1, 3, 3, 2, 3, NaN, 5, NaN, 1], 'float32');
    same(ints(fl.cummax(x, 0).indices), [0, 1, 2, 2, 4, 5, 5, 7, 7]);
    same(vals(fl.cummax(x, 0).values), [1, 3, 3, 3, 3, NaN, NaN, NaN, NaN]);
    same(ints(fl.cummin(x, 0).indices), [0, 0, 0, 0, 0, 5, 5, 7, 7]);
    // torch.cummin(torch.tensor([2., 1., 1., 0., 0., nan, nan]), 0).indices: consecutive NaNs each take the index
    same(ints(fl.cummin(on([2, 1, 1, 0, 0, NaN, NaN], 'float64'), 0).indices), [0, 1, 2, 3, 4, 5, 6]);
  }));

  test('integer and bool inputs keep their dtype; indices int32', () => fl.scope(() => {
    // Xi = torch.tensor([[3, 1, 3, 0], [2, 5, -4, 5]], dtype=torch.int32); torch.cummax / cummin(Xi, d)
    const xi = on([3, 1, 3, 0, 2, 5, -4, 5], 'int32', [2, 4]);
    const cases: [fl.ValuesIndices, number[], number[]][] = [
      [fl.cummax(xi, 0), [3, 1, 3, 0, 3, 5, 3, 5], [0, 0, 0, 0, 0, 1, 0, 1]],
      [fl.cummax(xi, 1), [3, 3, 3, 3, 2, 5, 5, 5], [0, 0, 2, 2, 0, 1, 1, 3]],
      [fl.cummin(xi, 0), [3, 1, 3, 0, 2, 1, -4, 0], [0, 0, 0, 0, 1, 0, 1, 0]],
      [fl.cummin(xi, 1), [3, 1, 1, 0, 2, 2, -4, -4], [0, 1, 1, 3, 0, 0, 2, 2]],
      // torch.cummax / cummin(torch.tensor([4, 4, 9, 0, 9], dtype=torch.uint8), 0)
      [fl.cummax(on([4, 4, 9, 0, 9], 'uint8'), 0), [4, 4, 9, 9, 9], [0, 1, 2, 2, 4]],
      [fl.cummin(on([4, 4, 9, 0, 9], 'uint8'), 0), [4, 4, 4, 0, 0], [0, 1, 1, 3, 3]],
      // torch.cummax(torch.tensor([True, False, True, True]), 0); torch.cummin(torch.tensor([True, False, True, False]), 0)
      [fl.cummax(on([true, false, true, true], 'bool'), 0), [1, 1, 1, 1], [0, 0, 2, 3]],
      [fl.cummin(on([true, false, true, false], 'bool'), 0), [1, 0, 0, 0], [0, 1, 1, 3]],
    ];
    for (const [[v, i], wantV, wantI] of cases) {
      expect(i.dtype).toBe('int32');
      same(ints(v), wantV);
      same(ints(i), wantI);
    }
    expect(fl.cummax(xi, 0).values.dtype).toBe('int32');
    expect(fl.cummax(on([4, 9], 'uint8'), 0).values.dtype).toBe('uint8');
    expect(fl.cummin(on([true], 'bool'), 0).values.dtype).toBe('bool');
    expect(fl.cummax(xi, 1).values.requiresGrad).toBe(false);
  }));

  test('0-dim, size-1 and zero-size inputs (torch: the same shapes, index 0)', () => fl.scope(() => {
    // torch.cummax(torch.tensor(3.), 0) and (…, -1): (tensor(3.), tensor(0))
    for (const d of [0, -1]) {
      const [v, i] = fl.cummax(on([3], 'float32').reshape([]), d);
      expect([v.shape, i.shape, v.item(), i.item()]).toEqual([[], [], 3, 0]);
    }
    const [v1, i1] = fl.cummin(on([5, -2], 'float32', [1, 2]), 0);
    expect([vals(v1), ints(i1)]).toEqual([[5, -2], [0, 0]]);
    // torch.cummax(torch.zeros(2, 0, 3), 1) and (…, 2): empty values and int64 indices of shape (2, 0, 3)
    for (const d of [1, 2, -3]) {
      const [v, i] = fl.cummax(fl.zeros([2, 0, 3], { device: DEVICE }), d);
      expect([v.shape, i.shape, v.dtype, i.dtype]).toEqual([[2, 0, 3], [2, 0, 3], 'float32', 'int32']);
    }
  }));

  test('the result is a named pair: destructuring, .values/.indices, and the methods', () => fl.scope(() => {
    const x = on([1, 3, 2, 3], 'float32');
    const r = fl.cummax(x, 0);
    const [v, i] = r;
    expect(r.values).toBe(v);
    expect(r.indices).toBe(i);
    expect(r.length).toBe(2);
    // torch: x.cummax(0) -> values [1, 3, 3, 3], indices [0, 1, 1, 3]; x.cummin(0) -> [1, 1, 1, 1], [0, 0, 0, 0]
    expect([vals(x.cummax(0).values), ints(x.cummax(0).indices)]).toEqual([[1, 3, 3, 3], [0, 1, 1, 3]]);
    expect([vals(x.cummin(0).values), ints(x.cummin(0).indices)]).toEqual([[1, 1, 1, 1], [0, 0, 0, 0]]);
  }));

  test('long odd-sized dims, strided inputs and every dtype match the naive loop', () => fl.scope(() => {
    for (const [n, seed] of [[37, 1], [64, 2], [2, 3], [5, 4]]) {
      const shape = [3, n, 2];
      const base = gridWithSpecials(3 * n * 2, seed, true);
      for (const dt of ['float32', 'float64', 'int32', 'uint8', 'bool'] as const) {
        const v = dt === 'float32' || dt === 'float64' ? base
          : base.map((x) => (Number.isFinite(x) ? (dt === 'uint8' ? Math.abs(Math.round(x * 4)) % 9 : dt === 'bool' ? Number(x > 0) : Math.round(x * 4) + 0) : 0));
        const x = on(v, dt, shape);
        // the same values through a non-contiguous layout: stored as [3, 2, n], then transposed
        const xT = on(Array.from({ length: v.length }, (_, f) => { const k = f % n, j = Math.floor(f / n) % 2, i = Math.floor(f / (2 * n)); return v[(i * n + k) * 2 + j]; }), dt, [3, 2, n]).transpose(1, 2);
        for (const isMax of [true, false]) {
          const wantV = alongMiddle(v, shape, (row) => naiveExtremum(row, isMax)[0]);
          const wantI = alongMiddle(v, shape, (row) => naiveExtremum(row, isMax)[1]);
          for (const input of [x, xT]) {
            const [gv, gi] = isMax ? fl.cummax(input, 1) : fl.cummin(input, -2);
            same(dt === 'bool' ? ints(gv) : vals(gv), wantV);
            same(ints(gi), wantI);
          }
        }
      }
    }
  }));

  test('gradient: g scatter-added at the indices (torch golden with ties, NaN and ±inf)', () => fl.scope(() => {
    // x = torch.tensor(X, float64).reshape(3, 4).requires_grad_(); W = torch.arange(1., 13.).reshape(3, 4)
    // (torch.cummax(x, d)[0] * W).sum().backward() -> x.grad (and cummin)
    const X = [2, -1, 2, NaN, 0, -INF, 3, 3, -0, INF, -1, NaN];
    const GRAD: [boolean, number, number[]][] = [
      [true, 0, [15, 8, 3, 12, 0, 0, 18, 0, 0, 10, 0, 12]],
      [true, 1, [3, 0, 3, 4, 11, 0, 7, 8, 9, 21, 0, 12]],
      [false, 0, [1, 2, 10, 12, 5, 16, 0, 0, 9, 0, 11, 12]],
      [false, 1, [1, 5, 0, 4, 5, 21, 0, 0, 19, 0, 11, 12]],
    ];
    for (const [isMax, d, want] of GRAD) {
      const x = on(X, 'float64', [3, 4]).requiresGrad_();
      const [v] = isMax ? fl.cummax(x, d) : fl.cummin(x, d);
      v.mul(fl.arange(1, 13, { dtype: 'float64', device: DEVICE }).reshape([3, 4])).sum().backward();
      same(vals(x.grad!), want);
    }
  }));

  test('gradcheck (float64, distinct values) along each dim, and of a 0-dim input', () => fl.scope(() => {
    const x = on(randomArray(24, 11), 'float64', [2, 3, 4]).requiresGrad_();
    for (const d of [0, 1, 2, -1]) {
      expect(fl.gradcheck((t: fl.Tensor) => fl.cummax(t, d).values, [x])).toBe(true);
      expect(fl.gradcheck((t: fl.Tensor) => t.cummin(d).values, [x])).toBe(true);
    }
    expect(fl.gradcheck((t: fl.Tensor) => fl.cummax(t, 0).values.mul(t), [on([0.7], 'float64').reshape([]).requiresGrad_()])).toBe(true);
  }));

  test('second derivatives through the values (createGraph), as torch', () => fl.scope(() => {
    // x = tensor([0.3, -0.7, 1.1], float64, requires_grad=True); g, = grad(f(x).sum(), x, create_graph=True)
    // h, = grad((g * tensor([1., 2., 3.])).sum(), x)
    const cases: [(x: fl.Tensor) => fl.Tensor, number[], number[]][] = [
      [(x) => fl.cummax(x, 0).values.mul(x), [-0.1, 0.3, 2.2], [4, 1, 6]],         // cummax(x, 0)[0] * x
      [(x) => fl.cummin(x.flip(0), 0).values.pow(2), [0, -2.8, 2.2], [0, 8, 6]],  // cummin(x.flip(0), 0)[0] ** 2
    ];
    for (const [f, wantG, wantH] of cases) {
      const x = on([0.3, -0.7, 1.1], 'float64').requiresGrad_();
      const [g] = fl.autograd.grad(f(x).sum(), [x], { createGraph: true });
      expectClose(g!, wantG, 'float64', 100);
      const [h] = fl.autograd.grad(g!.mul(on([1, 2, 3], 'float64')).sum(), [x]);
      expectClose(h!, wantH, 'float64', 100);
    }
  }));
});

// ---- logcumsumexp ------------------------------------------------------------------------------------
describe('logcumsumexp as torch', () => {
  // X = torch.tensor([[0.5, -1.25, 2., -inf], [-inf, -inf, 3., 1.], [1000., -1000., 1001., inf]], float64, requires_grad=True)
  // W = torch.tensor([[1., -2, 3, -4], [0.5, 1.5, -2.5, 3.5], [2, -1, 0, 1]]); y = torch.logcumsumexp(X, d); (y * W).sum().backward()
  const X = [0.5, -1.25, 2, -INF, -INF, -INF, 3, 1, 1000, -1000, 1001, INF];
  const W = [1, -2, 3, -4, 0.5, 1.5, -2.5, 3.5, 2, -1, 0, 1];
  const Y0 = [0.5, -1.25, 2, -INF, 0.5, -1.25, 3.313261687518223, 1, 1000, -1.25, 1001, INF];
  const G0 = [1.5, -1.4999999999999996, 2.327646446575012, NaN, 0, 0, -1.827646446575012, 3.5, 1.99999999999989, 0, 0, NaN];
  const Y1 = [0.5, 0.6602241504380872, 2.2326219831020326, 2.2326219831020326, -INF, -INF, 3, 3.1269280110429727, 1000, 1000, 1001.3132616875182, INF];
  const G1 = [-0.8807257860440654, -0.3268211363898153, -0.7924530775661189, 0, NaN, NaN, 0.5827897729225882, 0.4172102270774114, 0.9999999999998901, 0, 0, NaN];
  test.each([[0, Y0, G0], [1, Y1, G1], [-1, Y1, G1], [-2, Y0, G0]] as [number, number[], number[]][])(
    'dim %d: values and gradient with ±inf, large and all -inf prefixes', (d, wantY, wantG) => fl.scope(() => {
      const x = on(X, 'float64', [3, 4]).requiresGrad_();
      const y = fl.logcumsumexp(x, d);
      expect([y.dtype, y.shape]).toEqual(['float64', [3, 4]]);
      expectClose(y, wantY, 'float64', 100);
      y.mul(on(W, 'float64', [3, 4])).sum().backward();
      // the gradient is 0 at a -inf input after a finite one, NaN where the running value is -inf or
      // at +inf (as torch: 0/0 and inf - inf); no overflow at ±1000
      expectClose(x.grad!, wantG, 'float64', 1000);
    }));

  test('NaN makes the rest NaN; inf the rest inf; -inf adds nothing (torch)', () => fl.scope(() => {
    // torch.logcumsumexp(torch.tensor([-inf, -inf, 0., inf, 1., -inf, inf]), 0)
    same(vals(fl.logcumsumexp(on([-INF, -INF, 0, INF, 1, -INF, INF], 'float32'), 0)), [-INF, -INF, 0, INF, INF, INF, INF]);
    // torch.logcumsumexp(torch.tensor([-inf, -inf, 0., nan, 1.]), 0); ([5., nan, -inf, inf]); ([inf, -inf, inf])
    same(vals(fl.logcumsumexp(on([-INF, -INF, 0, NaN, 1], 'float32'), 0)), [-INF, -INF, 0, NaN, NaN]);
    same(vals(fl.logcumsumexp(on([5, NaN, -INF, INF], 'float64'), 0)), [5, NaN, NaN, NaN]);
    same(vals(fl.logcumsumexp(on([INF, -INF, INF], 'float64'), 0)), [INF, INF, INF]);
    // torch.logcumsumexp(torch.tensor([1e30, 1e30, -1e30]), 0): [1.0000000150474662e+30] * 3 (no overflow of exp)
    expectClose(fl.logcumsumexp(on([1e30, 1e30, -1e30], 'float32'), 0), [1.0000000150474662e+30, 1.0000000150474662e+30, 1.0000000150474662e+30]);
  }));

  test('float32, bfloat16 (computed in float32, as torch\'s CPU) and float16', () => fl.scope(() => {
    const v = [0.25, -0.5, 1.75, -3, 2.5, 0];
    // torch.logcumsumexp(x, 0) and of x.bfloat16()
    expectClose(fl.logcumsumexp(on(v, 'float32'), 0), [0.25, 0.6368709802627563, 2.0340726375579834, 2.0405638217926025, 2.9895853996276855, 3.0386691093444824]);
    const b = fl.logcumsumexp(on(v, 'bfloat16'), 0);
    expect(b.dtype).toBe('bfloat16');
    expectClose(b, [0.25, 0.63671875, 2.03125, 2.046875, 2.984375, 3.03125]);
    // (torch 1.13's CPU has no float16 logcumsumexp; its CUDA has: the float64 loop is the reference)
    const h = fl.logcumsumexp(on(v, 'float16'), 0);
    expect(h.dtype).toBe('float16');
    expectClose(h, naiveLcse(v), 'float16');
  }));

  test('0-dim and zero-size inputs; the method', () => fl.scope(() => {
    // torch.logcumsumexp(torch.tensor(1.5, float64, requires_grad=True), 0) * 3 -> backward: y 1.5, grad 3 (also at -inf)
    for (const [v, d] of [[1.5, 0], [-INF, -1]]) {
      const x = on([v], 'float64').reshape([]).requiresGrad_();
      const y = fl.logcumsumexp(x, d);
      expect(y.shape).toEqual([]);
      same(vals(y), [v]);
      y.mul(3).backward();
      same(vals(x.grad!), [3]);
    }
    // torch.logcumsumexp(torch.zeros(2, 0), 1) and (…, 0): shape (2, 0)
    for (const d of [0, 1]) expect(fl.logcumsumexp(fl.zeros([2, 0], { device: DEVICE }), d).shape).toEqual([2, 0]);
    expectClose(on([1, 2, 3, 4], 'float32', [2, 2]).logcumsumexp(-1), [1, 2.3132617473602295, 3, 4.31326150894165]);
  }));

  test('long odd-sized dims and strided inputs match the sequential float64 loop', () => fl.scope(() => {
    for (const [n, seed] of [[37, 5], [64, 6], [3, 7]]) {
      const shape = [2, n, 3];
      const v = gridWithSpecials(2 * n * 3, seed, false).map((x, i) => (i % 11 === 3 ? -INF : x * 5));
      const want = alongMiddle(v, shape, naiveLcse);
      expectClose(fl.logcumsumexp(on(v, 'float64', shape), 1), want, 'float64', 100);
      expectClose(fl.logcumsumexp(on(v, 'float32', shape), -2), want, 'float32', 10);
      const perm = fl.logcumsumexp(on(v, 'float64', shape).permute([1, 0, 2]).contiguous().permute([1, 0, 2]), 1);
      expectClose(perm, want, 'float64', 100);
    }
  }));

  test('gradcheck (float64) along each dim; second derivatives as torch', () => fl.scope(() => {
    const x = on(randomArray(24, 21, -3, 3), 'float64', [2, 3, 4]).requiresGrad_();
    for (const d of [0, 1, 2, -1]) expect(fl.gradcheck((t: fl.Tensor) => fl.logcumsumexp(t, d), [x])).toBe(true);
    // its gradient's own gradient, by finite differences of the createGraph gradient (gradcheck's
    // perturbed evaluations run without grad and with inputs that do not require it: a leaf of its own)
    const w = on(randomArray(24, 22), 'float64', [2, 3, 4]);
    const gradOf = (t: fl.Tensor): fl.Tensor => fl.enableGrad(() => {
      const leaf = t.requiresGrad ? t : t.detach().requiresGrad_();
      return fl.autograd.grad(leaf.logcumsumexp(1).mul(w).sum(), [leaf], { createGraph: t.requiresGrad })[0]!;
    });
    expect(fl.gradcheck(gradOf, [x])).toBe(true);
    // x = tensor([0.3, -0.7, 1.1], float64, requires_grad=True); w = tensor([1., -2., 3.])
    // g, = grad((torch.logcumsumexp(x, 0) * w).sum(), x, create_graph=True); h, = grad((g * tensor([1., 2, 3])).sum(), x)
    const x3 = on([0.3, -0.7, 1.1], 'float64').requiresGrad_();
    const [g] = fl.autograd.grad(fl.logcumsumexp(x3, 0).mul(on([1, -2, 3], 'float64')).sum(), [x3], { createGraph: true });
    expectClose(g!, [0.3727420274116091, -0.230755312426149, 1.8580132850145397], 'float64', 100);
    const [h] = fl.autograd.grad(g!.mul(on([1, 2, 3], 'float64')).sum(), [x3]);
    expectClose(h!, [-0.7263651841905603, -0.497970130472564, 1.224335314663124], 'float64', 100);
  }));

  test('gradient of a tiny float32 tail does not overflow (torch golden)', () => fl.scope(() => {
    // x = torch.tensor([-200., -150., -100.], requires_grad=True); torch.logcumsumexp(x, 0).backward(torch.tensor([1., -1, 2]))
    const x = on([-200, -150, -100], 'float32').requiresGrad_();
    const y = fl.logcumsumexp(x, 0);
    same(vals(y), [-200, -150, -100]);
    y.backward(on([1, -1, 2], 'float32'));
    expectClose(x.grad!, [1, -1, 1.9999971389770508]);
  }));
});

// ---- memory, refusals --------------------------------------------------------------------------------
describe('cumulative ops: memory and refusals', () => {
  test('the scan\'s steps leave nothing behind, forward and backward', () => {
    const x = fl.scope(() => fl.keep(fl.tensor(randomArray(40, 31), { dtype: 'float64', device: DEVICE }).reshape([4, 10]).contiguous().requiresGrad_()));
    const before = fl.memory.stats().liveTensors;
    const [v, i] = fl.cummax(x, 1);
    const y = fl.logcumsumexp(x, 1);
    // the outputs, and the graph's saved views (cummax: the indices; logcumsumexp: x and y)
    expect(fl.memory.stats().liveTensors).toBe(before + 3 + 3);
    fl.scope(() => v.add(y).sum().backward());
    expect(fl.memory.stats().liveTensors).toBe(before + 3 + 1);  // + x.grad
    v.dispose(); i.dispose(); y.dispose();
    x.grad!.dispose(); x.grad = null;
    expect(fl.memory.stats().liveTensors).toBe(before);
    x.dispose();
  });

  test('bad dims, non-tensors, integer logcumsumexp and extra arguments are typed errors naming the op', () => fl.scope(() => {
    const x = on([1, 2, 3, 4, 5, 6], 'float32', [2, 3]);
    // torch: IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)
    expect(() => fl.cummax(x, 2)).toThrow(fl.IndexError);
    expect(() => fl.cummin(x, -3)).toThrow(/cummin: dim -3 out of range/);
    expect(() => fl.logcumsumexp(x, 5)).toThrow(fl.IndexError);
    expect(() => fl.cummax(on([1], 'float32').reshape([]), 1)).toThrow(fl.IndexError);
    for (const bad of [0.5, '0', null, undefined, [0]]) {
      expect(() => fl.cummax(x, bad as number)).toThrow(fl.ValueError);
      expect(() => x.logcumsumexp(bad as number)).toThrow(/^logcumsumexp: dim must be an integer/);
    }
    expect(() => fl.cummax([1, 2] as unknown as fl.Tensor, 0)).toThrow(/^cummax: expected a Tensor/);
    expect(() => fl.logcumsumexp(3 as unknown as fl.Tensor, 0)).toThrow(fl.ValueError);
    // torch: RuntimeError: "logcumsumexp_out_cpu" not implemented for 'Long' (and 'Bool')
    expect(() => fl.logcumsumexp(on([1, 2], 'int32'), 0)).toThrow(fl.DTypeError);
    expect(() => fl.logcumsumexp(on([true], 'bool'), 0)).toThrow(/logcumsumexp: expected a floating input, got bool/);
    expect(() => (fl.cummax as (...a: unknown[]) => unknown)(x, 0, 1)).toThrow(fl.ValueError);
    expect(() => (x.cummin as (...a: unknown[]) => unknown)(0, true)).toThrow(fl.ValueError);
    const gone = on([1, 2], 'float32');
    gone.dispose();
    expect(() => fl.cummax(gone, 0)).toThrow(fl.DisposedError);
  }));
});
