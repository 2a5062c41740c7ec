// init-gumbel.ts — the torch.nn.init fills and the F function that the API-gap survey found
// missing: init.truncNormal_ (the ViT/timm initialisation), init.eye_, init.dirac_, and
// F.gumbelSoftmax. Compositions of flintml's ops (so they run on every device).
//
// - truncNormal_: torch's own algorithm (inverse-CDF sampling): uniform draws on
//   [2Φ((a−μ)/σ) − 1, 2Φ((b−μ)/σ) − 1], erfinv, scaled by σ√2, shifted by μ, clamped to [a, b].
//   The uniform draws are flintml's Philox stream, so the values differ from torch's (as every
//   random fill does); the distribution is the same.
// - gumbelSoftmax: torch's formula softmax((logits + g) / τ) with g = −log(E), E ~ Exp(1); with
//   `hard`, the one-hot of the argmax minus the soft sample detached plus the soft sample (the
//   straight-through estimator). E = −log(1 − U) from float64 uniforms U in [0, 1), clamped at
//   1e-300 so that U = 0 gives a finite (huge) g instead of +inf and a NaN softmax.
import * as A from '../args';
import { optional, required, signature, tooManyArgs } from '../args';
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { ShapeError, ValueError } from '../errors';
import { fmt, normDim } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import { ones, tensor as tensorOf, zeros } from '../ops/creation';
import { add, div, log, log1p, neg, sub } from '../ops/elementwise';
import { clampMin } from '../ops/pointwise';
import { rand } from '../ops/random';
import { argmax } from '../ops/reduce';
import { softmax } from '../ops/softmax';
import { scatter } from '../ops/indexing';
import { special } from '../ops/special';
import { needTensor, needFloating } from './checks';

function fill(t: unknown, op: string, fn: (t: Tensor) => void): Tensor {
  const x = needTensor(t, op, 'tensor');
  if (x.numel === 0) return x;  // torch warns and does nothing
  needFloating(x, op, 'tensor');
  noGrad(() => scopeSync(() => { fn(x); }));
  return x;
}

/** Φ at the two bounds, in float64 on the CPU (fl.special.ndtr; two scalars, no device involved). */
function normCdfPair(x0: number, x1: number): [number, number] {
  return scopeSync(() => {
    const v = special.ndtr(tensorOf([x0, x1], { dtype: 'float64' })).dataSync() as Float64Array;
    return [v[0], v[1]];
  });
}

function finiteNum(v: unknown, name: string, op: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${op}: ${name} must be a finite number, got ${describeArg(v)}`);
  return v;
}

/**
 * Fills in place with the normal N(mean, std²) truncated to [a, b], as
 * `torch.nn.init.trunc_normal_` (inverse-CDF sampling, torch's algorithm; see the file's head).
 * ```ts
 * nn.init.truncNormal_(w, 0, 0.02);              // ViT's weight init, values within [-2, 2]
 * nn.init.truncNormal_(w, 0, 1, -1, 1);
 * ```
 */
export function truncNormal_(tensor: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  if (arguments.length > 5) tooManyArgs('truncNormal_', 'tensor, mean, std, a, b', arguments);
  const op = 'truncNormal_';
  finiteNum(mean, 'mean', op); finiteNum(a, 'a', op); finiteNum(b, 'b', op);
  if (typeof std !== 'number' || !(std > 0) || !Number.isFinite(std)) throw new ValueError(`${op}: std must be a positive finite number, got ${describeArg(std)}`);
  if (!(a < b)) throw new ValueError(`${op}: expected a < b, got a=${a}, b=${b}`);
  const [l, u] = normCdfPair((a - mean) / std, (b - mean) / std);
  return fill(tensor, op, (x) => {
    x.uniform_(2 * l - 1, 2 * u - 1);
    x.erfinv_();
    x.mul_(std * Math.SQRT2);
    x.add_(mean);
    x.clamp_(a, b);
  });
}

/**
 * Fills a 2-D tensor in place with the identity (ones on the main diagonal), as
 * `torch.nn.init.eye_`.
 * ```ts
 * nn.init.eye_(fl.empty(3, 5));
 * ```
 */
export function eye_(tensor: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('eye_', 'tensor', arguments);
  const x = needTensor(tensor, 'eye_', 'tensor');
  if (x.ndim !== 2) throw new ShapeError(`eye_: only 2-D tensors are supported, got shape ${fmt(x.shape)}`);
  return fill(x, 'eye_', () => { x.zero_(); x.diagonal().fill_(1); });
}

/**
 * Fills a 3-, 4- or 5-D convolution weight in place with the Dirac delta (each output channel of a
 * group copies the input channel of the same index, through the kernel's centre), as
 * `torch.nn.init.dirac_`; `groups` must divide the output channels.
 * ```ts
 * nn.init.dirac_(conv.weight);   // the convolution starts as the identity
 * ```
 */
export function dirac_(tensor: Tensor, groups = 1): Tensor {
  if (arguments.length > 2) tooManyArgs('dirac_', 'tensor, groups', arguments);
  const x = needTensor(tensor, 'dirac_', 'tensor');
  if (x.ndim < 3 || x.ndim > 5) throw new ShapeError(`dirac_: only 3, 4 or 5-D tensors are supported, got shape ${fmt(x.shape)}`);
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`dirac_: groups must be a positive integer, got ${describeArg(groups)}`);
  const sh = x.shape;
  if (sh[0] % groups !== 0) throw new ValueError(`dirac_: the output channels ${sh[0]} of the weight of shape ${fmt(sh)} are not divisible by groups=${groups}`);
  const outPer = sh[0] / groups, m = Math.min(outPer, sh[1]);
  return fill(x, 'dirac_', () => {
    x.zero_();
    if (m === 0) return;
    // the flat positions of the ones in a contiguous [O, I, k…] layout: O(groups · min(outPer, I)) indices
    const centre = sh.slice(2).reduce((acc, k, i) => acc * sh[2 + i] + Math.floor(k / 2), 0);
    const kvol = sh.slice(2).reduce((p, k) => p * k, 1);
    const pos: number[] = [];
    for (let g = 0; g < groups; g++) for (let d = 0; d < m; d++) pos.push(((g * outPer + d) * sh[1] + d) * kvol + centre);
    const flat = zeros([x.numel], { dtype: x.dtype, device: x.device });
    const idx = tensorOf(pos, { dtype: 'int32', device: x.device });
    x.copy_(scatter(flat, 0, idx, 1).reshape(sh));
  });
}

/** Options of gumbelSoftmax (F.gumbel_softmax's keywords). */
export interface GumbelSoftmaxOptions {
  /** The temperature τ (> 0); default 1. */
  tau?: number;
  /** Return one-hot samples whose gradient is the soft sample's (straight-through); default false. */
  hard?: boolean;
  /** Accepted for PyTorch compatibility (torch ignores it too). */
  eps?: number;
  /** The dim the softmax runs over; default -1. */
  dim?: number;
}
const GUMBEL = signature('gumbelSoftmax', ['logits', 'tau', 'hard', 'eps', 'dim'], {
  logits: required(A.tensor), tau: optional(A.num({ gt: 0 }), 1), hard: optional(A.bool, false), eps: optional(A.num(), 1e-10), dim: optional(A.int(), -1),
});
/**
 * A sample from the Gumbel-softmax (Concrete) distribution over `dim`, as
 * `torch.nn.functional.gumbel_softmax`: softmax((logits + g) / tau) with Gumbel(0, 1) noise g; with
 * `hard`, one-hot samples whose gradient is that of the soft ones (straight-through).
 * ```ts
 * const y = F.gumbelSoftmax(logits, { tau: 0.5, hard: true });
 * ```
 */
export function gumbelSoftmax(logits: Tensor, options?: GumbelSoftmaxOptions): Tensor;
export function gumbelSoftmax(logits: Tensor, tau?: number, hard?: boolean, eps?: number, dim?: number): Tensor;
export function gumbelSoftmax(...args: unknown[]): Tensor {
  const o = GUMBEL.parse(args);
  const x = needTensor(o.logits, 'gumbelSoftmax', 'logits');
  needFloating(x, 'gumbelSoftmax', 'logits');
  const d = normDim(o.dim, Math.max(x.ndim, 1), 'gumbelSoftmax');
  const dim = x.ndim === 0 ? 0 : d;
  return scopeSync(() => {
    const g = noGrad(() => {
      const u = rand(x.shape, { dtype: 'float64', device: x.device });
      return neg(log(clampMin(neg(log1p(neg(u))), 1e-300))).to(x.dtype);
    });
    const ySoft = softmax(div(add(x, g), o.tau), dim);
    if (!o.hard) return ySoft;
    const yHard = noGrad(() => {
      if (x.ndim === 0) return ones([], { dtype: x.dtype, device: x.device });
      const index = argmax(ySoft, dim, true);
      return scatter(zeros(x.shape, { dtype: x.dtype, device: x.device }), dim, index, 1);
    });
    return add(sub(yHard, ySoft.detach()), ySoft);
  });
}
