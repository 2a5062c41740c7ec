// torch-fidelity.test.ts — where flintml silently differed from PyTorch, found by the differential
// fuzzer bench/torch-diff.js (same random call in both, values, dtypes, shapes and gradients
// compared). Each expected value is PyTorch 1.13's, from the torch call in the comment beside it.
import * as fl from '../lib';
import { DEVICE } from './helpers';

const dev = { device: DEVICE };
const vals = (t: fl.Tensor | null): number[] => Array.from((t as fl.Tensor).to('float64').dataSync() as Float64Array);
const leaf = (v: number[], dtype: fl.DType = 'float32') => fl.tensor(v, { dtype, ...dev }).requiresGrad_();

describe('gradients as torch defines them', () => {
  test('pow: 0 where the exponent is 0, also at a zero base; an integer exponent tensor does not wrap', () => fl.scope(() => {
    // x = torch.tensor([2., 0.], requires_grad=True); (x ** torch.tensor([0, 0], dtype=torch.uint8)).sum().backward() -> [0, 0]
    // (the uint8 exponent minus 1 wrapped to 255: 0 * 2^255 = NaN, and 0 * 0^-1 = NaN)
    let x = leaf([2, 0]);
    fl.pow(x, fl.tensor([0, 0], { dtype: 'uint8', ...dev })).sum().backward();
    expect(vals(x.grad)).toEqual([0, 0]);
    // (torch.tensor([0., 3.], requires_grad=True) ** 0).sum().backward() -> [0, 0]
    x = leaf([0, 3]);
    x.pow(0).sum().backward();
    expect(vals(x.grad)).toEqual([0, 0]);
    // e = torch.tensor([1., 2.5, 0.], requires_grad=True); (0 ** e).sum().backward() -> [0, 0, 0]
    // (y * log 0 = 0 * -inf = NaN before), the same with a zero base tensor
    let e = leaf([1, 2.5, 0]);
    fl.pow(0, e).sum().backward();
    expect(vals(e.grad)).toEqual([0, 0, 0]);
    e = leaf([1, 2.5, 0]);
    fl.pow(fl.zeros([3], dev), e).sum().backward();
    expect(vals(e.grad)).toEqual([0, 0, 0]);
  }));

  test('floor, ceil, round, trunc, sign and rounded division are differentiable with zero gradients', () => fl.scope(() => {
    // torch.floor(x).requires_grad is True and x.grad is zeros (PyTorch's zeros_like(grad)); flintml's
    // outputs did not require grad, so loss.backward() threw
    const fns: [string, (x: fl.Tensor) => fl.Tensor][] = [['floor', fl.floor], ['ceil', fl.ceil], ['round', fl.round], ['trunc', fl.trunc], ['sign', fl.sign],
      ['div trunc', (x) => fl.div(x, 2, 'trunc')], ['div floor', (x) => fl.div(x, 2, 'floor')]];
    for (const [name, f] of fns) {
      const x = leaf([1.5, -0.5]);
      const y = f(x);
      expect({ name, requiresGrad: y.requiresGrad }).toEqual({ name, requiresGrad: true });
      y.sum().backward();
      expect({ name, grad: vals(x.grad) }).toEqual({ name, grad: [0, 0] });
    }
  }));

  test('clamp with tensor bounds: the bounds themselves belong to x, and hi wins when lo > hi', () => fl.scope(() => {
    // torch.clamp(x, lo, hi).sum().backward() with x [1, 2, 3], lo [1, 1, 1], hi [3, 3, 2.5]:
    // x.grad [1, 1, 0], lo.grad [0, 0, 0], hi.grad [0, 0, 1] (composed maximum/minimum split the ties: 0.5)
    let x = leaf([1, 2, 3]), lo = leaf([1, 1, 1]), hi = leaf([3, 3, 2.5]);
    fl.clamp(x, lo, hi).sum().backward();
    expect([vals(x.grad), vals(lo.grad), vals(hi.grad)]).toEqual([[1, 1, 0], [0, 0, 0], [0, 0, 1]]);
    // x [0], lo [2], hi [1]: y [1], x.grad [0], lo.grad [0], hi.grad [1]
    x = leaf([0]); lo = leaf([2]); hi = leaf([1]);
    const y = fl.clamp(x, lo, hi);
    y.sum().backward();
    expect([vals(y), vals(x.grad), vals(lo.grad), vals(hi.grad)]).toEqual([[1], [0], [0], [1]]);
    // one bound only: x's gradient where x >= lo, lo's where x < lo
    x = leaf([0, 1, 2]); lo = leaf([1, 1, 1]);
    fl.clamp(x, lo).sum().backward();
    expect([vals(x.grad), vals(lo.grad)]).toEqual([[0, 1, 1], [1, 0, 0]]);
  }));

  test('median(): the gradient is shared by the ties; an empty floating tensor\'s median is NaN', () => fl.scope(() => {
    // x = torch.tensor([1., 2., 2., 3.], requires_grad=True); x.median().backward() -> 2, [0, 0.5, 0.5, 0]
    const x = leaf([1, 2, 2, 3]);
    const m = x.median();
    m.backward();
    expect(m.item()).toBe(2);
    expect(vals(x.grad)).toEqual([0, 0.5, 0.5, 0]);
    // torch.median(torch.tensor([])) -> nan (requires grad, backward gives an empty gradient)
    const e = leaf([]);
    const me = fl.median(e);
    expect(Number.isNaN(me.item())).toBe(true);
    me.backward();
    expect(e.grad!.shape).toEqual([0]);
  }));

  test('relu passes the gradient at a NaN input (threshold_backward)', () => fl.scope(() => {
    // x = torch.tensor([nan, -1., 2.], requires_grad=True); torch.relu(x).sum().backward() -> [1, 0, 1]
    const x = leaf([NaN, -1, 2]);
    fl.relu(x).sum().backward();
    expect(vals(x.grad)).toEqual([1, 0, 1]);
  }));

  test('atan2 with an integer operand: its gradient is computed in the floating dtype', () => fl.scope(() => {
    // d/db atan2(a, b) = -a / (a² + b²): at a = 20 (uint8), b = 3 it is -20 / 409, as
    // torch.atan2(torch.tensor([20.]), b) gives (a² in uint8 wrapped: 400 became 144; torch 1.13
    // itself negates the uint8 operand there, -20 to 236)
    const b = leaf([3]);
    fl.atan2(fl.tensor([20], { dtype: 'uint8', ...dev }), b).sum().backward();
    expect(vals(b.grad)[0]).toBeCloseTo(-20 / 409, 6);
  }));

  test('rounded division by zero: zero gradients, not 0 / 0', () => fl.scope(() => {
    // x = torch.tensor([1., -1.], requires_grad=True); y = torch.tensor([0., 2.], requires_grad=True)
    // torch.div(x, y, rounding_mode='trunc').sum().backward() -> x.grad [0, 0], y.grad [0, 0]
    const x = leaf([1, -1]), y = leaf([0, 2]);
    fl.div(x, y, 'trunc').sum().backward();
    expect([vals(x.grad), vals(y.grad)]).toEqual([[0, 0], [0, 0]]);
  }));

  test('mT of a 0-dim tensor is the tensor, in the graph; of a 1-D tensor it is refused', () => fl.scope(() => {
    // x = torch.tensor(2., requires_grad=True); x.mT -> tensor(2.), requires_grad True, x.grad 1 after backward;
    // torch.zeros(3).mT -> RuntimeError: tensor.mT is only supported on matrices or batches of matrices
    const x = fl.tensor(2, { ...dev }).float().requiresGrad_();
    const y = x.mT;
    expect([y.shape, y.requiresGrad]).toEqual([[], true]);
    y.mul(3).backward();
    expect(x.grad!.item()).toBe(3);
    expect(() => fl.zeros([3], dev).mT).toThrow(fl.ShapeError);
  }));

  test('a cast to an integer dtype leaves the graph (only floating tensors require grad)', () => fl.scope(() => {
    // torch.tensor([1.5], requires_grad=True).to(torch.uint8).requires_grad -> False
    const x = leaf([1.5, -2]);
    expect(x.to('uint8').requiresGrad).toBe(false);
    expect(x.to('int32').requiresGrad).toBe(false);
    expect(x.to('bool').requiresGrad).toBe(false);
    expect(x.to('float64').requiresGrad).toBe(true);
  }));

  test('zero-size products and concatenations keep their inputs in the graph (zero gradients)', () => fl.scope(() => {
    // a = torch.zeros(0, 3, requires_grad=True); b = torch.ones(3, 2, requires_grad=True); (a @ b).sum().backward()
    // -> b.grad zeros [3, 2], a.grad of shape [0, 3]
    const a = fl.zeros([0, 3], { ...dev, requiresGrad: true }), b = fl.ones([3, 2], { ...dev, requiresGrad: true });
    const y = fl.matmul(a, b);
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    expect(b.grad!.shape).toEqual([3, 2]);
    expect(vals(b.grad)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(a.grad!.shape).toEqual([0, 3]);
    // K = 0: [2, 0] @ [0, 3] is zeros [2, 3]; a batched product too
    const p = fl.zeros([2, 0], { ...dev, requiresGrad: true }), q = fl.zeros([0, 3], { ...dev, requiresGrad: true });
    fl.mm(p, q).sum().backward();
    expect([p.grad!.shape, q.grad!.shape]).toEqual([[2, 0], [0, 3]]);
    const u = fl.zeros([0, 2, 3], { ...dev, requiresGrad: true }), v = fl.zeros([0, 3, 1], { ...dev, requiresGrad: true });
    fl.bmm(u, v).sum().backward();
    expect([u.grad!.shape, v.grad!.shape]).toEqual([[0, 2, 3], [0, 3, 1]]);
    // c = torch.zeros(0, requires_grad=True); d = torch.ones(2, requires_grad=True); torch.cat([c, d]).sum().backward()
    // -> c.grad tensor([]), d.grad [1, 1] (cat skips 1-D empty inputs, but they keep a gradient)
    const c = fl.zeros([0], { ...dev, requiresGrad: true }), d = fl.ones([2], { ...dev, requiresGrad: true });
    fl.cat([c, d]).sum().backward();
    expect(c.grad!.shape).toEqual([0]);
    expect(vals(d.grad)).toEqual([1, 1]);
  }));
});

describe('values, dtypes and refusals as torch', () => {
  test('a zero-size view that starts past its storage reads as empty', () => fl.scope(() => {
    // torch.zeros(4, 0, 2).unbind(2)[1] has storage offset 1 in an empty storage; reading it failed
    const v = fl.unbind(fl.zeros([4, 0, 2], dev), 2)[1];
    expect(v.storageOffset).toBe(1);
    expect(Array.from(v.reshape([-1]).dataSync() as Float32Array)).toEqual([]);
    expect(v.reshape([-1]).toArray()).toEqual([]);
    expect(v.to('float16').shape).toEqual([4, 0]);
  }));

  test('all/any of a uint8 tensor are uint8; square of a bool tensor is an integer', () => fl.scope(() => {
    // torch.tensor([1, 2], dtype=torch.uint8).all() -> tensor(1, dtype=torch.uint8)
    const u = fl.tensor([1, 2, 0], { dtype: 'uint8', ...dev });
    expect([u.all().dtype, u.all().item(), u.any().dtype, u.any().item()]).toEqual(['uint8', 0, 'uint8', 1]);
    expect(fl.all(u, 0, true).dtype).toBe('uint8');
    expect(fl.tensor([true, false], dev).all().dtype).toBe('bool');
    // torch.tensor([True, False, True]).square() -> tensor([1, 0, 1]) (int64, flintml's int32)
    const s = fl.square(fl.tensor([true, false, true], dev));
    expect([s.dtype, s.toArray()]).toEqual(['int32', [1, 0, 1]]);
  }));

  test('integer division with rounding mode trunc is exact, and refuses a zero divisor', () => fl.scope(() => {
    // torch.div(torch.tensor([16777217, -7, 7]), torch.tensor([1, 2, -2]), rounding_mode='trunc') -> [16777217, -3, -3]
    // (through a float32 quotient 16777217 lost its last bit, and x / 0 became inf cast to an integer)
    const a = fl.tensor([16777217, -7, 7], { dtype: 'int32', ...dev }), b = fl.tensor([1, 2, -2], { dtype: 'int32', ...dev });
    const q = fl.div(a, b, 'trunc');
    expect([q.dtype, q.toArray()]).toEqual(['int32', [16777217, -3, -3]]);
    expect(fl.div(-7, b, 'trunc').toArray()).toEqual([-7, -3, 3]);
    // torch: RuntimeError: ZeroDivisionError. On the CPU at the call; a GPU kernel reports it at the
    // next read (its error word), naming the op that found it
    expect(() => fl.div(a, 0, 'trunc').toArray()).toThrow(DEVICE === 'cpu' ? /^div: integer division by zero/ : /integer division by zero/);
    expect(() => fl.div(a, fl.tensor([1, 0, 1], { dtype: 'int32', ...dev }), 'trunc').toArray()).toThrow(fl.ValueError);
  }));

  test('chunk of an empty dim gives `chunks` empty pieces', () => fl.scope(() => {
    // torch.chunk(torch.zeros(0, 6), 3, 0) -> three tensors of shape [0, 6] (flintml gave one)
    expect(fl.chunk(fl.zeros([0, 6], dev), 3, 0).map((t) => t.shape)).toEqual([[0, 6], [0, 6], [0, 6]]);
    expect(fl.chunk(fl.zeros([2, 6], dev), 4, 1).map((t) => t.shape)).toEqual([[2, 2], [2, 2], [2, 2]]);
  }));

  test('maskedFill refuses a value its integer dtype cannot hold; pow refuses integers to negative integer powers', () => fl.scope(() => {
    // torch.zeros(2, dtype=torch.uint8).masked_fill(torch.tensor([True, False]), -2.5)
    //   -> RuntimeError: value cannot be converted to type uint8_t without overflow (flintml wrote 254)
    const u = fl.zeros([2], { dtype: 'uint8', ...dev }), m = fl.tensor([true, false], dev);
    expect(() => fl.maskedFill(u, m, -2.5)).toThrow(fl.OverflowError);
    expect(() => u.clone().maskedFill_(m, 256)).toThrow(/^maskedFill_: the value 256 does not fit uint8 \(integers from -255 \(wrapping\) to 255, fractions from 0 to 255\)$/);
    expect(() => fl.maskedFill(fl.zeros([1], { dtype: 'int32', ...dev }), fl.tensor([true], dev), 2 ** 31)).toThrow(fl.OverflowError);
    expect(fl.maskedFill(u, m, 2.5).toArray()).toEqual([2, 0]);  // torch: [2, 0] (truncated, in range)
    // torch.tensor([1, 2], dtype=torch.uint8) ** -3 -> RuntimeError: Integers to negative integer powers are not allowed.
    expect(() => fl.pow(fl.tensor([1, 2], { dtype: 'uint8', ...dev }), -3)).toThrow(/^pow: integers to negative integer powers are not allowed/);
    expect(fl.pow(fl.tensor([2], { dtype: 'int32', ...dev }), 3).toArray()).toEqual([8]);
    expect(fl.pow(fl.tensor([2], dev).float(), -1).toArray()).toEqual([0.5]);
  }));

  test('in place: fill_ and maskedFill take what torch\'s checked conversion takes; clamp_ refuses a float bound into integers; abs/floor/ceil/round/trunc refuse bool', () => fl.scope(() => {
    const u = () => fl.zeros([1], { dtype: 'uint8', ...dev });
    // torch.zeros(1, dtype=torch.uint8).fill_(v): -1 -> 255 and -255 -> 1 (integers wrap), 2.5 -> 2;
    // 300, -256, -0.5 and 255.5 -> RuntimeError: value cannot be converted to type uint8_t without overflow
    expect([u().fill_(-1).item(), u().fill_(-255).item(), u().fill_(2.5).item()]).toEqual([255, 1, 2]);
    for (const v of [300, -256, -0.5, 255.5]) expect(() => u().fill_(v)).toThrow(fl.OverflowError);
    expect(() => u().fill_(300)).toThrow(/^fill_: the value 300 does not fit uint8 \(integers from -255 \(wrapping\) to 255, fractions from 0 to 255\)$/);
    expect(fl.maskedFill(u(), fl.tensor([true], dev), -1).item()).toBe(255);  // torch: masked_fill(..., -1) -> 255
    expect(() => fl.zeros([1], { dtype: 'int32', ...dev }).fill_(2 ** 31)).toThrow(fl.OverflowError);
    // torch.zeros(2, dtype=torch.int64).clamp_(0, 2.5) -> RuntimeError: result type Float can't be cast to the desired output type long int
    const i = fl.tensor([-1, 3], { dtype: 'int32', ...dev });
    expect(() => i.clone().clamp_(0, 2.5)).toThrow(/^clamp_: result type float32 can't be cast to the in-place tensor's dtype int32/);
    expect(i.clone().clamp_(0, 2).toArray()).toEqual([0, 2]);
    // torch.floor(torch.tensor([True])) -> RuntimeError: "floor_vml_cpu" not implemented for 'Bool' (so abs, ceil, round, trunc)
    const b = fl.tensor([true, false], dev);
    for (const f of [fl.abs, fl.floor, fl.ceil, fl.round, fl.trunc]) expect(() => f(b)).toThrow(fl.DTypeError);
    expect(() => fl.floor(b)).toThrow(/^floor: not supported for bool tensors$/);
    expect(() => fl.neg(b)).toThrow(/^neg: not supported for bool tensors; use logicalNot$/);
    expect(fl.sign(b).toArray()).toEqual([true, false]);  // torch.sign of bool is bool
  }));

  test('var/std(x, dim, unbiased, keepdim): a boolean after dim is unbiased, as torch\'s', () => fl.scope(() => {
    // x = torch.tensor([[1., 5.], [3., 2.]]); torch.var(x, 1, False) -> [4, 0.25]; torch.var(x, 1, True) -> [8, 0.5];
    // torch.std(x, 1, False, True) -> [[2], [0.5]]; x.var(False) -> 2.1875
    // (flintml took the boolean as keepdim: var(x, 1, false) gave the unbiased [8, 0.5])
    const x = fl.tensor([[1, 5], [3, 2]], dev).float();
    expect(fl.var(x, 1, false).toArray()).toEqual([4, 0.25]);
    expect(fl.var(x, 1, true).toArray()).toEqual([8, 0.5]);
    expect(x.std(1, false, true).toArray()).toEqual([[2], [0.5]]);
    expect(fl.std(x, 1, false).toArray()).toEqual([2, 0.5]);
    expect(x.var(false).item()).toBe(2.1875);
    expect(fl.var(x, 1, { keepdim: true }).shape).toEqual([2, 1]);  // the options form is unchanged
    expect(() => fl.var(x, 1, { keepdim: true }, true as never)).toThrow(fl.ValueError);
  }));

  test('arange and linspace with an integer dtype take their bounds as integers first', () => fl.scope(() => {
    // torch.arange(1, 3.5, 2, dtype=torch.int64) -> [1]; torch.arange(-2, 3.5, 1, dtype=torch.int64) -> [-2, -1, 0, 1, 2]
    // (flintml counted the steps from the float bounds: [1, 3] and six values)
    expect(fl.arange(1, 3.5, 2, { dtype: 'int32', ...dev }).toArray()).toEqual([1]);
    expect(fl.arange(-2, 3.5, 1, { dtype: 'int32', ...dev }).toArray()).toEqual([-2, -1, 0, 1, 2]);
    // torch.arange(0, 5, 0.5, dtype=torch.int64) -> RuntimeError: step must be nonzero
    expect(() => fl.arange(0, 5, 0.5, { dtype: 'int32', ...dev })).toThrow(/^arange: step must be nonzero \(step 0\.5 as int32 is 0\)$/);
    expect(fl.arange(0, 2.5, 0.5, dev).toArray()).toEqual([0, 0.5, 1, 1.5, 2]);  // float: unchanged
    // torch.linspace(0, 3.5, 6, dtype=torch.int64) -> [0, 0, 1, 1, 2, 3]; linspace(-2, 3.5, 6, ...) -> [-2, -1, 0, 1, 2, 3]
    expect(fl.linspace(0, 3.5, 6, { dtype: 'int32', ...dev }).toArray()).toEqual([0, 0, 1, 1, 2, 3]);
    expect(fl.linspace(-2, 3.5, 6, { dtype: 'int32', ...dev }).toArray()).toEqual([-2, -1, 0, 1, 2, 3]);
  }));

  test('sub refuses a bool operand, add/sub refuse a fractional alpha with integers', () => fl.scope(() => {
    // torch.tensor([1], dtype=torch.uint8) - True -> RuntimeError: Subtraction, the `-` operator, with a bool tensor is not supported
    const u = fl.tensor([1, 2], { dtype: 'uint8', ...dev });
    expect(() => fl.sub(u, true)).toThrow(fl.DTypeError);
    expect(() => fl.sub(fl.tensor([1.5], dev), fl.tensor([true], dev))).toThrow(/^sub: subtraction of bool tensors is not supported/);
    // torch.add(torch.tensor([1]), torch.tensor([2]), alpha=0.5) -> RuntimeError: For integral input tensors, argument alpha must not be a floating point number.
    expect(() => fl.add(u, u, 0.5)).toThrow(/^add: alpha must be an integer for uint8 operands, got 0\.5$/);
    expect(fl.add(u, u, 2).toArray()).toEqual([3, 6]);
    expect(fl.add(u.float(), u, 0.5).toArray()).toEqual([1.5, 3]);
  }));

  test('clamp passes an infinite gradient inside the bounds and 0 outside (not inf * 0 = NaN)', () => fl.scope(() => {
    // x = tensor([-2., 0.5, 3., nan], requires_grad=True); x.clamp(-1, 1).backward(tensor([inf, inf, -inf, inf]))
    // -> x.grad [0, inf, 0, 0] (found by the norms helper: normalize's clamp had to step around it)
    const x = fl.tensor([-2, 0.5, 3, NaN], { dtype: 'float32', ...dev, requiresGrad: true });
    x.clamp(-1, 1).backward(fl.tensor([Infinity, Infinity, -Infinity, Infinity], { dtype: 'float32', ...dev }));
    expect(x.grad!.toArray()).toEqual([0, Infinity, 0, 0]);
  }));

  test('narrow refuses a 0-dim tensor', () => fl.scope(() => {
    // torch.tensor(3.).narrow(0, 0, 1) -> RuntimeError: narrow() cannot be applied to a 0-dim tensor.
    // (flintml returned a [1] tensor; found by the cumulative ops' helper)
    expect(() => fl.narrow(fl.tensor(3, dev), 0, 0, 1)).toThrow(/^narrow: cannot be applied to a 0-dim tensor$/);
  }));
});
