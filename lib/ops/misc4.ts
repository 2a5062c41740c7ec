// misc4.ts — torch's samplers `torch.poisson` and `torch.binomial`, and `Tensor.resize_` /
// `Tensor.resizeAs_`. (torch.lu_unpack and torch.linalg's vander, tensorinv and tensorsolve are in
// lib/ops/linalg.ts, beside the factorizations they compose.)
//
// The samplers are compositions of flintml's uniform draws (fl.rand, so the default generator or a
// `{ generator }` drives them, the same Philox stream on every device) and elementwise ops in float64,
// each exact in distribution (up to float64 rounding), as torch's own CPU/CUDA samplers:
// - poisson, rate λ < 10: inversion by sequential search of the CDF (one uniform per element;
//   torch multiplies uniforms until the product falls below e^-λ, which is the same distribution);
//   λ >= 10: Hörmann's PTRS (transformed rejection with squeeze, 1993), as torch.
// - binomial(n, p), with q = min(p, 1 - p) (a draw for 1 - p is subtracted from n, as torch): n·q < 10:
//   the number of geometric waiting times (ceil(log U / log(1 - q))) whose sum stays <= n, as torch's
//   binomial_inversion; n·q >= 10: Hörmann's BTRS (transformed rejection), as torch, with the
//   acceptance bound log(f(k)/f(m)) from lgamma (torch sums Stirling-series tails for the same value).
// Each loop runs rounds over the whole tensor until every element is accepted (one host read per
// round, a sync on the GPU: torch loops per element inside its kernel), so the loops are not truncated.
//
// Decisions (torch 1.13 is the reference; tests in test/ops-misc4.test.ts):
// - poisson: a negative or NaN rate is torch's ValueError ("invalid Poisson rate, expected rate to be
//   non-negative"); an infinite rate too (torch returns -2^63 as the sample). The output has the
//   input's dtype (float16 too: torch's CPU refuses it, its CUDA takes it) and a zero gradient (torch's
//   PoissonBackward0).
// - binomial: count and prob floating of one dtype and device, broadcast together (torch resizes its
//   output with a deprecation warning); count <= 0 or prob <= 0 gives 0, prob >= 1 gives count, a NaN
//   prob NaN, as torch; a fractional count counts floor(count) trials (torch's inversion does the same;
//   its BTRS reads the fraction in its formulas); a NaN or infinite count is a ValueError (torch's
//   sampler never returns). The output requires grad when an input does, and its backward is refused
//   (torch: "derivative for aten::binomial is not implemented").
// - resize_: torch's rules: the same shape is a no-op (strides kept); otherwise contiguous strides at
//   the tensor's offset, the storage grown when too small (every view of it sees the grown block;
//   the new elements are zero, torch leaves them uninitialized); refused on a tensor that requires
//   grad, with or without grad mode (torch's "cannot resize variables that require grad").
import { describeArg } from '../arity';
import * as A from '../args';
import { optional, required, signature, sizesOnly, tooManyArgs } from '../args';
import { AutogradError, markZeroGradient, needsGrad, noGrad, record } from '../autograd';
import { sameDevice } from '../device';
import { isFloating } from '../dtype';
import { DeviceError, DTypeError, ValueError } from '../errors';
import { generatorArg, Generator } from '../generator';
import { broadcastShapes, fmt, numelChecked } from '../shape';
import { emptyTensor, scopeSync, Tensor } from '../tensor';
import { zeros } from './creation';
import {
  abs, add, ceil, div, exp, floor, ge, gt, isfinite, isnan, le, lgamma, log, log1p, logicalAnd, logicalNot, logicalOr, lt, mul, neg,
  sqrt, square, sub, where,
} from './elementwise';
import { all, any } from './reduce';
import { rand } from './random';
import { expand } from './views';

function need(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(op);
  return x;
}

const SAMPLERS = {
  poisson: signature('poisson', ['input', 'generator'], { input: required(A.anyValue<Tensor>()), generator: optional(generatorArg, null) }),
  binomial: signature('binomial', ['count', 'prob', 'generator'], {
    count: required(A.anyValue<Tensor>()), prob: required(A.anyValue<Tensor>()), generator: optional(generatorArg, null),
  }),
};

/** Options of poisson and binomial: torch's `generator`. */
export interface SamplerOptions {
  /** Draw from this generator (advancing it) instead of the default stream; its device type must be the input's. */
  generator?: Generator | null;
}

/**
 * Runs `round(state)` until `done(state)` holds, disposing each state the next round replaced: the
 * sampling loops below keep only their current tensors alive (a round's temporaries go with its scope).
 */
function loop(state: Tensor[], round: (s: Tensor[]) => Tensor[], done: (s: Tensor[]) => boolean): Tensor[] {
  let s = state;
  while (!scopeSync(() => done(s))) {
    const next = scopeSync(() => round(s));
    s.forEach((t) => { if (!next.includes(t)) t.dispose(); });
    s = next;
  }
  return s;
}
const f64 = (t: Tensor): Tensor => (t.dtype === 'float64' ? t : t.to('float64'));
const uniform = (like: Tensor, gen: Generator | null): Tensor => rand(like._shape as number[], { dtype: 'float64', device: like.device, generator: gen });
const anyTrue = (t: Tensor): boolean => t.numel > 0 && !!any(t).item();

/** Poisson draws (float64) of rates lam (float64, finite, >= 0); see the head of the file. */
function samplePoisson(lam: Tensor, gen: Generator | null): Tensor {
  const small = lt(lam, 10);
  let k: Tensor = zeros(lam._shape as number[], { dtype: 'float64', device: lam.device });
  if (anyTrue(small)) {
    // inversion: k = the number of CDF terms below u (p_i = p_{i-1}·λ/i); p reaching 0 (k in the
    // hundreds for λ < 10, u within 1e-16 of 1) ends the search too
    const l = where(small, lam, 0);
    const u = uniform(lam, gen);
    const p0 = exp(neg(l));
    const [kInv] = loop([zeros(lam._shape as number[], { dtype: 'float64', device: lam.device }), p0, p0.mul(1), logicalAnd(small, gt(u, p0))],
      ([ki, p, cdf, active]) => {
        const kn = add(ki, active.to('float64'));
        const pn = where(active, div(mul(p, l), kn), p);
        const cn = add(cdf, pn);
        return [kn, pn, cn, logicalAnd(active, logicalAnd(gt(u, cn), gt(pn, 0)))];
      }, ([, , , active]) => !anyTrue(active));
    k = where(small, kInv, k);
  }
  const big = logicalNot(small);
  if (anyTrue(big)) {
    // PTRS (Hörmann 1993), the constants of torch's sample_poisson
    const l = where(big, lam, 10);
    const slam = sqrt(l), loglam = log(l);
    const b = add(mul(slam, 2.53), 0.931);
    const a = add(mul(b, 0.02483), -0.059);
    const logInvalpha = log(add(div(1.1328, sub(b, 3.4)), 1.1239));
    const vr = sub(0.9277, div(3.6224, sub(b, 2)));
    const [res] = loop([zeros(lam._shape as number[], { dtype: 'float64', device: lam.device }), logicalNot(big)], ([r, done]) => {
      const U = sub(uniform(lam, gen), 0.5), V = uniform(lam, gen);
      const us = sub(0.5, abs(U));
      const kk = floor(add(add(mul(add(div(mul(a, 2), us), b), U), l), 0.43));
      const quick = logicalAnd(ge(us, 0.07), le(V, vr));
      const reject = logicalOr(lt(kk, 0), logicalAnd(lt(us, 0.013), gt(V, us)));
      const lhs = sub(add(log(V), logInvalpha), log(add(div(a, square(us)), b)));
      const rhs = sub(sub(mul(kk, loglam), l), lgamma(add(where(lt(kk, 0), 0, kk), 1)));
      const accept = logicalAnd(logicalNot(done), logicalOr(quick, logicalAnd(logicalNot(reject), le(lhs, rhs))));
      return [where(accept, kk, r), logicalOr(done, accept)];
    }, ([, done]) => !!all(done).item());
    k = where(big, res, k);
  }
  return k;
}

/** Binomial draws (float64) of n (float64 whole numbers >= 0) trials of q (float64 in (0, 0.5]) where `mask`. */
function sampleBinomialLow(n: Tensor, q: Tensor, mask: Tensor, gen: Generator | null): Tensor {
  const fast = logicalAnd(mask, lt(mul(n, q), 10));
  const slow = logicalAnd(mask, logicalNot(fast));
  let x: Tensor = zeros(n._shape as number[], { dtype: 'float64', device: n.device });
  if (anyTrue(fast)) {
    // inversion: count the geometric waiting times (support 1, 2, …) whose running sum stays <= n
    const logq = log1p(neg(where(fast, q, 0.5)));
    const [, num] = loop([zeros(n._shape as number[], { dtype: 'float64', device: n.device }), x.mul(1), fast.clone()], ([sumG, cnt, active]) => {
      const geom = ceil(div(log(uniform(n, gen)), logq));
      const s = add(sumG, where(active, geom, 0));
      const still = logicalAnd(active, le(s, n));
      return [s, add(cnt, still.to('float64')), still];
    }, ([, , active]) => !anyTrue(active));
    x = where(fast, num, x);
  }
  if (anyTrue(slow)) {
    // BTRS (Hörmann 1993), the constants of torch's btrs; the bound is log(f(k) / f(m)) exactly
    const nn = where(slow, n, 100), p = where(slow, q, 0.5);
    const spq = sqrt(mul(mul(nn, p), sub(1, p)));
    const b = add(mul(spq, 2.53), 1.15);
    const a = add(add(mul(b, 0.0248), mul(p, 0.01)), -0.0873);
    const c = add(mul(nn, p), 0.5);
    const vr = sub(0.92, div(4.2, b));
    const logr = log(div(p, sub(1, p)));
    const logAlpha = log(mul(add(div(5.1, b), 2.83), spq));
    const m = floor(mul(add(nn, 1), p));
    const lfm = add(lgamma(add(m, 1)), lgamma(add(sub(nn, m), 1)));
    const [res] = loop([x.mul(1), logicalNot(slow)], ([r, done]) => {
      const U = sub(uniform(n, gen), 0.5), V = uniform(n, gen);
      const us = sub(0.5, abs(U));
      const k = floor(add(mul(add(div(mul(a, 2), us), b), U), c));
      const inRange = logicalAnd(ge(k, 0), le(k, nn));
      const kc = where(inRange, k, 0);
      const quick = logicalAnd(ge(us, 0.07), le(V, vr));
      const lhs = sub(add(log(V), logAlpha), log(add(div(a, square(us)), b)));
      const rhs = add(sub(lfm, add(lgamma(add(kc, 1)), lgamma(add(sub(nn, kc), 1)))), mul(sub(kc, m), logr));
      const accept = logicalAnd(logicalAnd(logicalNot(done), inRange), logicalOr(quick, le(lhs, rhs)));
      return [where(accept, k, r), logicalOr(done, accept)];
    }, ([, done]) => !!all(done).item());
    x = where(slow, res, x);
  }
  return x;
}

/**
 * Poisson draws with rates `input` (a floating tensor, every rate finite and >= 0), of its shape and
 * dtype, as `torch.poisson(input, generator=None)`: exact in distribution (inversion below rate 10,
 * Hörmann's PTRS above). Follows `manualSeed`, or draws from `generator`. The gradient is zero, as torch's.
 * ```ts
 * const counts = fl.poisson(fl.full([1000], 4.5), { generator: new fl.Generator().manualSeed(1) });
 * ```
 */
export function poisson(input: Tensor, options?: SamplerOptions): Tensor;
export function poisson(input: Tensor, generator: Generator | null): Tensor;
export function poisson(...args: unknown[]): Tensor {
  const o = SAMPLERS.poisson.parse(args);
  const op = 'poisson';
  const rate = need(o.input, op, 'input');
  if (!isFloating(rate.dtype)) throw new DTypeError(`${op}: expected a floating rate tensor (float32, float64, float16, bfloat16), got ${rate.dtype} (shape ${fmt(rate._shape)})`);
  const out = noGrad(() => scopeSync(() => {
    if (rate.numel === 0) return emptyTensor(rate._shape, rate.dtype, rate._storage.device, false, op);
    const lam = f64(rate);
    // one host read: torch's check (a negative or NaN rate), and an infinite one (torch returns garbage)
    if (anyTrue(logicalNot(logicalAnd(ge(lam, 0), isfinite(lam))))) {
      throw new ValueError(`${op}: invalid Poisson rate, expected rate to be non-negative and finite (input of shape ${fmt(rate._shape)} has a negative, NaN or infinite element)`);
    }
    const k = samplePoisson(lam, o.generator);
    return k.dtype === rate.dtype ? k : k.to(rate.dtype);
  }));
  if (needsGrad(rate)) {
    record(op, [rate], [out], [], () => [markZeroGradient(emptyTensor(rate._shape, rate.dtype, rate._storage.device, true, 'backward'))]);
  }
  return out;
}

/**
 * Binomial draws: the number of successes in `count` trials of probability `prob` (floating tensors of
 * one dtype, broadcast together), as `torch.binomial(count, prob, generator=None)`: exact in
 * distribution (inversion by geometric waiting times where count·min(p, 1-p) < 10, Hörmann's BTRS
 * above). count <= 0 or prob <= 0 gives 0, prob >= 1 gives count; a fractional count counts its whole
 * trials. Follows `manualSeed`, or draws from `generator`. No gradient (backward refuses, as torch's).
 * ```ts
 * const heads = fl.binomial(fl.full([1000], 10), fl.full([1000], 0.5));
 * ```
 */
export function binomial(count: Tensor, prob: Tensor, options?: SamplerOptions): Tensor;
export function binomial(count: Tensor, prob: Tensor, generator: Generator | null): Tensor;
export function binomial(...args: unknown[]): Tensor {
  const o = SAMPLERS.binomial.parse(args);
  const op = 'binomial';
  const count = need(o.count, op, 'count'), prob = need(o.prob, op, 'prob');
  if (!isFloating(count.dtype)) throw new DTypeError(`${op}: expected a floating count tensor (float32, float64, float16, bfloat16), got ${count.dtype} (shape ${fmt(count._shape)})`);
  if (prob.dtype !== count.dtype) throw new DTypeError(`${op}: count and prob must have the same dtype, got ${count.dtype} and ${prob.dtype}`);
  if (!sameDevice(count._storage.device, prob._storage.device)) throw new DeviceError(`${op}: count is on ${count.device} and prob on ${prob.device}`);
  const shape = broadcastShapes(op, count._shape, prob._shape);
  numelChecked(shape, op);
  const out = noGrad(() => scopeSync(() => {
    if (shape.reduce((p, s) => p * s, 1) === 0) return emptyTensor(shape, count.dtype, count._storage.device, false, op);
    const n0 = f64(expand(count, shape)), p = f64(expand(prob, shape));
    if (anyTrue(logicalNot(isfinite(n0)))) {
      throw new ValueError(`${op}: count must be finite (count of shape ${fmt(count._shape)} has a NaN or infinite element)`);
    }
    const n = floor(n0);
    const zero = logicalOr(le(n0, 0), le(p, 0));
    const all1 = logicalAnd(logicalNot(zero), ge(p, 1));
    const mid = logicalAnd(logicalAnd(logicalNot(zero), logicalNot(all1)), logicalNot(isnan(p)));
    const flip = gt(p, 0.5);
    const q = where(flip, sub(1, p), p);
    const x = sampleBinomialLow(where(mid, n, 0), where(mid, q, 0.5), mid, o.generator);
    let r = where(flip, sub(n, x), x);
    r = where(all1, n0, where(zero, 0, where(mid, r, p)));  // NaN prob: NaN
    return r.dtype === count.dtype ? r : r.to(count.dtype);
  }));
  if (needsGrad(count, prob)) {
    record(op, [count, prob], [out], [], () => {
      throw new AutogradError(`${op}: the derivative of binomial is not implemented (as torch's "derivative for aten::binomial is not implemented"): its samples are not differentiable in count or prob`);
    });
  }
  return out;
}

// ---- Tensor.resize_, Tensor.resizeAs_ -----------------------------------------------------------------

function resizeOp(t: Tensor, sizes: readonly unknown[], op: string): Tensor {
  t._storageHandle(op);
  if (!sizes.every((s) => typeof s === 'number' && Number.isSafeInteger(s) && s >= 0)) {
    throw new ValueError(`${op}: sizes must be non-negative integers, got ${describeArg(sizes)}`);
  }
  const shape = sizes as number[];
  if (t._requiresGrad) throw new AutogradError(`${op}: cannot resize variables that require grad (a tensor of shape ${fmt(t._shape)}); resize a detached copy, or set requiresGrad first to false on a leaf`);
  numelChecked(shape, op);
  if (shape.length === t.ndim && shape.every((s, i) => s === t._shape[i])) return t;
  t._resize(shape, op);
  return t;
}

declare module '../tensor' {
  interface Tensor {
    /**
     * Gives this tensor a new shape in place, as torch's `Tensor.resize_(*sizes)`: the same shape
     * changes nothing; another one takes contiguous strides at the tensor's offset, keeping the
     * elements in row-major order for the kept prefix, and grows the storage when it is too small
     * (new elements are zero; torch leaves them uninitialized). Refused on a tensor that requires grad.
     * ```ts
     * const t = fl.arange(6);
     * t.resize_(2, 2);   // [[0, 1], [2, 3]]
     * ```
     */
    resize_(...sizes: number[]): Tensor;
    resize_(sizes: readonly number[]): Tensor;
    /**
     * `t.resize_(other.shape)`, as torch's `Tensor.resize_as_(other)`: the dtype stays.
     * ```ts
     * fl.zeros(4).resizeAs_(fl.ones(2, 2)).shape;  // [2, 2]
     * ```
     */
    resizeAs_(other: Tensor): Tensor;
  }
}
Tensor.prototype.resize_ = function (this: Tensor, ...args: unknown[]): Tensor {
  return resizeOp(this, sizesOnly('resize_', args), 'resize_');
};
Tensor.prototype.resizeAs_ = function (this: Tensor, other: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('resizeAs_', 'other', arguments);
  return resizeOp(this, need(other, 'resizeAs_', 'other')._shape, 'resizeAs_');
};
