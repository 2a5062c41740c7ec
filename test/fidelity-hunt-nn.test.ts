// fidelity-hunt-nn.test.ts — silent divergences from torch 1.13 found by probing the edges that
// bench/torch-diff's generators did not draw (elementwise / indexing families), each pinned here with
// torch's own result. References: PyTorch 1.13 (CPU) golden values, the torch call beside each; a
// torch refusal is a case that must throw a typed FlintError. The tests run on DEVICE (the CPU, or
// the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const T = (v: number[], dtype: fl.DType = 'float32') => fl.tensor(v, { dtype, device: DEVICE });
/** Values with NaN compared as NaN (toEqual treats NaN as equal to NaN; -0 and 0 alike here). */
const vals = (t: fl.Tensor) => (t.toArray() as number[]).map((v) => (Object.is(v, -0) ? 0 : v));

describe('clamp with a NaN scalar bound (torch 1.13)', () => {
  const x = () => T([-3, 0.5, 2, NaN]);
  const NAN4 = [NaN, NaN, NaN, NaN];
  it('both bounds given, one NaN: NaN everywhere, gradient 0', () => fl.scope(() => {
    // torch.clamp(torch.tensor([-3., .5, 2., nan]), nan, 1.)  -> [nan, nan, nan, nan]
    expect(vals(fl.clamp(x(), NaN, 1))).toEqual(NAN4);
    // torch.clamp(x, 0, nan) -> [nan, nan, nan, nan]; x.grad of its sum -> [0, 0, 0, 0]
    const t = x().requiresGrad_();
    const y = fl.clamp(t, 0, NaN);
    expect(vals(y)).toEqual(NAN4);
    y.sum().backward();
    expect(vals(t.grad!)).toEqual([0, 0, 0, 0]);
    // torch.clip(x, nan, nan) and x.clamp_(nan, 1.) -> all nan
    expect(vals(fl.clip(x(), NaN, NaN))).toEqual(NAN4);
    expect(vals(x().clamp_(NaN, 1))).toEqual(NAN4);
    // torch.tensor([1, 5], dtype=torch.int32).clamp(nan, 1) -> float32 [nan, nan]
    const i = fl.clamp(T([1, 5], 'int32'), NaN, 1);
    expect(i.dtype).toBe('float32');
    expect(vals(i)).toEqual([NaN, NaN]);
  }));
  it('a lone NaN bound leaves x (clamp), but clamp_min / clamp_max give NaN', () => fl.scope(() => {
    // torch.clamp(x, min=nan) -> [-3, 0.5, 2, nan] (torch 1.13's one-bound kernel keeps x)
    expect(vals(fl.clamp(x(), NaN))).toEqual([-3, 0.5, 2, NaN]);
    expect(vals(fl.clamp(x(), null, NaN))).toEqual([-3, 0.5, 2, NaN]);
    // torch.clamp_min(x, nan), torch.clamp_max(x, nan), x.clamp_min_(nan), x.clamp_max_(nan) -> all nan
    expect(vals(fl.clampMin(x(), NaN))).toEqual(NAN4);
    expect(vals(fl.clampMax(x(), NaN))).toEqual(NAN4);
    expect(vals(x().clampMin_(NaN))).toEqual(NAN4);
    expect(vals(x().clampMax_(NaN))).toEqual(NAN4);
    // and ordinary bounds are untouched: torch.clamp(x, 0, 1) -> [0, 0.5, 1, nan]; clamp(x, 2, 1) -> [1, 1, 1, nan]
    expect(vals(fl.clamp(x(), 0, 1))).toEqual([0, 0.5, 1, NaN]);
    expect(vals(fl.clamp(x(), 2, 1))).toEqual([1, 1, 1, NaN]);
  }));
});

describe('in-place writes into an expanded (stride-0) tensor', () => {
  const e = () => fl.zeros([1], { device: DEVICE }).expand([3]);
  const idx = () => T([0], 'int32');
  it('are refused as torch refuses them ("more than one element of the written-to tensor …")', () => fl.scope(() => {
    // torch.zeros(1).expand(3).add_(1) raises RuntimeError (flintml added 1 once per alias: [3, 3, 3])
    const refused: [string, (t: fl.Tensor) => unknown][] = [
      ['add_', (t) => t.add_(1)],
      ['mul_', (t) => t.mul_(T([1, 2, 3]))],
      ['exp_', (t) => t.exp_()],
      ['clamp_', (t) => t.clamp_(0, 1)],
      ['copy_', (t) => t.copy_(T([1, 2, 3]))],
      ['lerp_', (t) => t.lerp_(T([1, 1, 1]), 0.5)],
      ['scatter_', (t) => t.scatter_(0, idx(), 1)],
      ['indexAdd_', (t) => t.indexAdd_(0, idx(), T([1]))],
      // torch 1.13: zeros(1).expand(3).uniform_() / normal_() / bernoulli_() raise the same RuntimeError
      ['uniform_', (t) => t.uniform_()],
      ['normal_', (t) => t.normal_()],
      ['bernoulli_', (t) => t.bernoulli_(0.5)],
      ['exponential_', (t) => (t as unknown as { exponential_: () => unknown }).exponential_()],
    ];
    for (const [name, f] of refused) {
      const t = e();
      expect(() => f(t)).toThrow(fl.ValueError);
      expect(() => f(e())).toThrow(/more than one element of the written-to tensor|share memory/);
      expect(vals(t)).toEqual([0, 0, 0]);  // nothing written
      void name;
    }
  }));
  it('fill_, zero_ and maskedFill_ still write one value to every alias, as torch does', () => fl.scope(() => {
    // torch.zeros(1).expand(3).fill_(1) -> [1, 1, 1]; masked_fill_(tensor([True, False, False]), 2.) -> [2, 2, 2]
    expect(vals(e().fill_(1))).toEqual([1, 1, 1]);
    expect(vals(e().fill_(1).zero_())).toEqual([0, 0, 0]);
    expect(vals(e().maskedFill_(fl.tensor([true, false, false], { device: DEVICE }), 2))).toEqual([2, 2, 2]);
    // a non-overlapping strided view is fine: torch.zeros(2, 3).t().add_(1) -> ones
    expect(vals(fl.zeros([2, 3], { device: DEVICE }).t().add_(1).flatten())).toEqual([1, 1, 1, 1, 1, 1]);
  }));
});
