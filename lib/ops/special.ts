// special.ts — torch.special as `fl.special` (torch 1.13's names in camelCase), and torch.mvlgamma.
//
// The special functions themselves are native elementwise rows (native/core/special.h, computed in
// double on the CPU and the GPU; their table entries and gradients are in elementwise.ts, which
// exports the ones that torch has at the top level: lgamma, digamma, polygamma, erfc, erfinv, i0;
// zeta, gammainc and gammaincc are binary rows).
// This file adds the compositions (mvlgamma/multigammaln, ndtr, entr, xlog1py), gathers the aliases
// (expit = sigmoid, gammaln = lgamma, psi = digamma, …) and exports the namespace.
//
// Not here: bessel_j0/j1 and the orthogonal polynomials of later torch versions.
import { tooManyArgs } from '../args';
import { describeArg } from '../arity';
import { needsGrad, noGrad, record, sumToShape } from '../autograd';
import { isFloating } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, ValueError } from '../errors';
import { broadcastShapes } from '../shape';
import { scopeSync, Tensor, TensorLike } from '../tensor';
import { arange, tensor } from './creation';
import {
  add, commonDevice, digamma, div, eq, erf, erfc, erfinv, exp2, expm1, i0, isnan, le, lgamma, log, log1p, logicalAnd, lt,
  mul, neg, polygamma, round, sigmoid, SPECIAL_ONLY, where,
} from './elementwise';
import { logit, sinc, xlogy } from './pointwise';
import { logsumexp, sum } from './reduce';
import { logSoftmax, softmax } from './softmax';
import { unsqueeze } from './views';

const P = Tensor.prototype;

function need(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: input must be a Tensor, got ${describeArg(x)}`);
  return x;
}

/**
 * One graph node with torch's derivative formula (written with differentiable ops, so second
 * derivatives flow) around a forward composed without a graph.
 */
function withGrad(name: string, inputs: TensorLike[], forward: () => Tensor, backward: (g: Tensor, xs: TensorLike[]) => (Tensor | null)[]): Tensor {
  const out = noGrad(() => scopeSync(forward));
  if (!needsGrad(...inputs)) return out;
  const saved = inputs.filter((t): t is Tensor => t instanceof Tensor);
  record(name, inputs, [out], saved, ([g], sv) => scopeSync(() => {
    let k = 0;
    const xs = inputs.map((v) => (v instanceof Tensor ? sv[k++] : v));
    const gs = backward(g!, xs);
    return inputs.map((v, i) => {
      const r = gs[i];
      if (!(v instanceof Tensor) || !v._requiresGrad || !r) return null;
      const s = sumToShape(r, v._shape);
      return s.dtype !== v.dtype ? s.to(v.dtype) : s;
    });
  }), true);
  return out;
}

/**
 * The multivariate log-gamma function of dimension p, as torch.mvlgamma:
 * `Σ_{i<p} lgamma(x − i/2) + p(p−1)/4 · log π`. Integers compute in float32. `fl.mvlgamma(x, 2)`
 */
export function mvlgamma(input: Tensor, p: number): Tensor {
  if (arguments.length > 2) tooManyArgs('mvlgamma', 'input, p', arguments);
  const x = need(input, 'mvlgamma');
  if (typeof p !== 'number' || !Number.isInteger(p)) throw new ValueError(`mvlgamma: p must be an integer, got ${describeArg(p)}`);
  if (p < 1) throw new ValueError(`mvlgamma: p has to be greater than or equal to 1, got ${describeArg(p)}`);
  if (x.dtype === 'bool') throw new DTypeError('mvlgamma: the input tensor may not be a bool tensor (as torch)');
  return scopeSync(() => {
    const dt = isFloating(x.dtype) ? x.dtype : getDefaultDtype();
    const halves = mul(arange(p, { dtype: dt, device: x.device }), 0.5);
    return add(sum(lgamma(sub_(unsqueeze(x, -1), halves)), { dim: -1 }), (p * (p - 1) / 4) * Math.log(Math.PI));
  });
}
const sub_ = (a: Tensor, b: Tensor): Tensor => add(a, neg(b));

declare module '../tensor' {
  interface Tensor {
    /** The multivariate log-gamma function, as Tensor.mvlgamma(p): `x.mvlgamma(2)` */
    mvlgamma(p: number): Tensor;
  }
}
P.mvlgamma = function (p: number) { if (arguments.length > 1) tooManyArgs('mvlgamma', 'p', arguments); return mvlgamma(this, p); };

/** Φ(x), the standard normal distribution function: `(1 + erf(x/√2)) / 2` as `erfc(−x/√2) / 2`: `fl.special.ndtr(x)` */
function ndtr(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('ndtr', 'input', arguments);
  return scopeSync(() => mul(erfc(mul(need(input, 'ndtr'), -Math.SQRT1_2)), 0.5));
}

/** The elementwise entropy `−x·log(x)`: 0 at 0, −inf below; torch's gradient −(1 + log x): `fl.special.entr(p)` */
function entr(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('entr', 'input', arguments);
  const x = need(input, 'entr');
  return withGrad('entr', [x], () => {
    const xf = isFloating(x.dtype) ? x : x.to(getDefaultDtype());
    const safe = where(lt(xf, 0), 1, xf);
    return where(lt(xf, 0), -Infinity, where(eq(xf, 0), 0, neg(mul(safe, log(safe)))));
  }, (g, [a]) => [mul(g, neg(add(log(a as Tensor), 1)))]);
}

/** `x · log1p(y)`, 0 where x is 0 (unless y is NaN), as torch.special.xlog1py; either operand may be a number: `fl.special.xlog1py(x, y)` */
function xlog1py(input: Tensor | number, other: Tensor | number): Tensor {
  if (arguments.length > 2) tooManyArgs('xlog1py', 'input, other', arguments);
  const op = 'xlog1py';
  for (const [v, what] of [[input, 'input'], [other, 'other']] as const) {
    if (!(v instanceof Tensor) && typeof v !== 'number') throw new ValueError(`${op}: ${what} must be a Tensor or a number, got ${describeArg(v)}`);
  }
  if (!(input instanceof Tensor) && !(other instanceof Tensor)) throw new ValueError(`${op}: at least one of input and other must be a Tensor`);
  broadcastShapes(op, input instanceof Tensor ? input._shape : [], other instanceof Tensor ? other._shape : []);
  commonDevice(op, input, other);
  const dev = (input instanceof Tensor ? input : other as Tensor).device;
  // a number becomes a 0-dim tensor of the default dtype, which stays weak in the promotion as torch's wrapped scalar
  const asT = (v: TensorLike): Tensor => (v instanceof Tensor ? (isFloating(v.dtype) ? v : v.to(getDefaultDtype())) : tensor(+v, { device: dev }));
  const xlog1pyOf = (a: Tensor, b: Tensor): Tensor => where(isnan(b), NaN, where(eq(a, 0), 0, mul(a, log1p(b))));
  return withGrad(op, [input, other], () => xlog1pyOf(asT(input), asT(other)), (g, [a, b]) => {
    // torch 1.13's derivatives.yaml: xlog1py(g, y), 0 where x == 0 and y <= −1; and g·x / (1 + y)
    const A_ = asT(a), B = asT(b);
    return [where(logicalAnd(eq(A_, 0), le(B, -1)), 0, xlog1pyOf(g, B)), div(mul(g, A_), add(B, 1))];
  });
}

const { i0e, i1, i1e, ndtri, logNdtr, erfcx, zeta, gammainc, gammaincc } = SPECIAL_ONLY;

/**
 * torch.special in camelCase (torch 1.13's functions).
 * Aliases are the top-level ops themselves (`fl.special.expit === fl.sigmoid`).
 * `fl.special.logNdtr(x)`, `fl.special.zeta(2, q)`
 */
export const special = Object.freeze({
  entr, erf, erfc, erfcx, erfinv, expit: sigmoid, expm1, exp2, gammaln: lgamma, digamma, psi: digamma, polygamma,
  multigammaln: mvlgamma, i0, i0e, i1, i1e, ndtr, ndtri, logNdtr, log1p, logit, logsumexp, logSoftmax, softmax, round,
  sinc, xlogy, xlog1py, zeta, gammainc, gammaincc,
});
