// special.ts — the special functions that torch.distributions reads (torch.lgamma, torch.digamma,
// torch.erfinv), which flintml has no kernel for: composed from its differentiable elementwise ops,
// so that they run on every device and their gradients (and lgamma's and digamma's higher ones)
// come from the composition. Not part of the public API.
//
// lgamma and digamma use their asymptotic (Stirling / de Moivre) series from 8 on, below it the
// recurrence (Γ(x+1) = xΓ(x)) down or up to 2 + z, |z| ≤ 1/2, and their Taylor series at 2 (exact
// near the zeros); arguments below 1/2 are reflected (Γ(x)Γ(1-x) = π/sin(πx)). Each `where` reads a branch fed with a safe argument (the
// "double where"), so the branch not taken makes no inf/NaN gradient. All three compute in float64
// (a float32 composition loses ~1e-6 to cancellation, more with a GPU's float32 log). erfinv starts from Giles'
// single-precision approximation and polishes it with Newton steps on erf in float64; its gradient
// is torch's closed form √π/2·exp(x²), recorded as one node.
import { record, needsGrad, noGrad } from '../autograd';
import { Tensor, scopeSync } from '../tensor';
import { add, sub, mul, div, neg, exp, log, sqrt, square, abs, erf, tan, sin, where, lt, eq, ge, floor, clamp, isinf, logicalAnd, to, all } from '../ops';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const SHIFT = 8;

/** Whether x is ≤ 0 and an integer (a pole of Γ). */
function atPole(x: Tensor): Tensor { return logicalAnd(lt(x, 0.5), eq(floor(x), x)); }

// ζ(k) - 1 for k = 2 … 30 (mpmath, 40 digits, rounded): the Taylor coefficients of lgamma and
// digamma at 2, lgamma(2 + z) = (1 - γ)z + Σ_{k≥2} (-1)^k (ζ(k) - 1)/k · z^k and
// ψ(2 + z) = (1 - γ) + Σ_{k≥1} (-1)^(k+1) (ζ(k+1) - 1) · z^k. For |z| ≤ 1/2 their terms fall as 4^-k:
// 29 of them reach 1e-18, with no cancellation near the zeros of lgamma (1, 2) and ψ (1.46).
const ZETA_M1 = [0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993, 0.01734306198444914, 0.008349277381922827,
  0.00407735619794434, 0.0020083928260822143, 0.0009945751278180853, 0.0004941886041194645, 0.0002460865533080483, 0.00012271334757848915,
  6.124813505870483e-05, 3.058823630702049e-05, 1.528225940865187e-05, 7.637197637899763e-06, 3.81729326499984e-06, 1.908212716553939e-06,
  9.539620338727962e-07, 4.769329867878064e-07, 2.38450502727733e-07, 1.1921992596531106e-07, 5.960818905125948e-08, 2.980350351465228e-08,
  1.4901554828365043e-08, 7.45071178983543e-09, 3.725334024788457e-09, 1.862659723513049e-09, 9.313274324196682e-10];
const ONE_MINUS_GAMMA = 0.42278433509846713;
/** Σ c[i]·z^(i+1) by Horner (c[0] the coefficient of z). */
function series(z: Tensor, c: readonly number[]): Tensor {
  let p: Tensor = mul(z, c[c.length - 1]);
  for (let i = c.length - 2; i >= 0; i--) p = mul(add(p, c[i]), z);
  return p;
}
const LGAMMA_C = [ONE_MINUS_GAMMA, ...ZETA_M1.map((v, i) => ((i % 2 === 0 ? 1 : -1) * v) / (i + 2))];
const DIGAMMA_C = ZETA_M1.map((v, i) => (i % 2 === 0 ? 1 : -1) * v);

/**
 * The shared middle range 1/2 ≤ x < 8: n = floor(x - 3/2) ∈ [-1, 6] steps of the recurrence to
 * 2 + z with z ∈ [-1/2, 1/2). Returns z and, per step j = 1 … 6, the factor x - j (1 where unused).
 */
function toTwo(xs: Tensor): { z: Tensor; n: Tensor; steps: Tensor[] } {
  const n = clamp(floor(sub(xs, 1.5)), -1, SHIFT - 2);
  const z = sub(sub(xs, 2), n);
  const steps: Tensor[] = [];
  for (let j = 1; j <= SHIFT - 2; j++) steps.push(where(ge(n, j), sub(xs, j), 1));
  return { z, n, steps };
}

/** lgamma for x ≥ 1/2: Stirling's series from 8 on, the Taylor series at 2 below. */
function lgammaRight(x: Tensor): Tensor {
  const big = ge(x, SHIFT);
  const xb = where(big, x, SHIFT), xs = where(big, 2, x);
  const zi = div(1, xb), zi2 = square(zi);
  // 1/(12z) - 1/(360z³) + 1/(1260z⁵) - 1/(1680z⁷) + 1/(1188z⁹) - 691/(360360z¹¹)
  let tail: Tensor = mul(zi2, -691 / 360360);
  for (const c of [1 / 1188, -1 / 1680, 1 / 1260, -1 / 360]) tail = mul(add(tail, c), zi2);
  tail = mul(add(tail, 1 / 12), zi);
  const stirling = add(sub(mul(sub(xb, 0.5), log(xb)), xb), add(tail, HALF_LOG_2PI));
  const { z, n, steps } = toTwo(xs);
  let prod: Tensor = steps[0];
  for (let j = 1; j < steps.length; j++) prod = mul(prod, steps[j]);
  const mid = sub(add(series(z, LGAMMA_C), log(prod)), where(lt(n, 0), log(xs), 0));
  return where(isinf(x), abs(x), where(big, stirling, mid));
}

/** @internal log|Γ(x)| elementwise, as torch.lgamma (floating input; +inf at the poles). */
export function lgamma(x: Tensor): Tensor {
  return scopeSync(() => {
    if (x.dtype !== 'float64') return to(lgamma(to(x, 'float64')), x.dtype);
    const left = lt(x, 0.5);
    const right = lgammaRight(where(left, sub(1, x), x));
    // reflection: lgamma(x) = log(π / |sin(πx)|) - lgamma(1 - x)
    const xl = where(left, x, 0.25);
    const refl = sub(Math.log(Math.PI), add(log(abs(sin(mul(xl, Math.PI)))), right));
    const r = where(left, refl, right);
    return where(atPole(x), Infinity, r);
  });
}

/** digamma for x ≥ 1/2: the asymptotic series from 8 on, the Taylor series at 2 below. */
function digammaRight(x: Tensor): Tensor {
  const big = ge(x, SHIFT);
  const xb = where(big, x, SHIFT), xs = where(big, 2, x);
  const zi = div(1, xb), zi2 = square(zi);
  // log z - 1/(2z) - 1/(12z²) + 1/(120z⁴) - 1/(252z⁶) + 1/(240z⁸) - 1/(132z¹⁰) + 691/(32760z¹²)
  let tail: Tensor = mul(zi2, 691 / 32760);
  for (const c of [-1 / 132, 1 / 240, -1 / 252, 1 / 120]) tail = mul(add(tail, c), zi2);
  tail = mul(add(tail, -1 / 12), zi2);
  const asym = sub(add(log(xb), tail), mul(zi, 0.5));
  const { z, n, steps } = toTwo(xs);
  let recip: Tensor = where(ge(n, 1), div(1, steps[0]), 0);
  for (let j = 1; j < steps.length; j++) recip = add(recip, where(ge(n, j + 1), div(1, steps[j]), 0));
  const mid = sub(add(add(series(z, DIGAMMA_C), ONE_MINUS_GAMMA), recip), where(lt(n, 0), div(1, xs), 0));
  return where(big, asym, mid);
}

/** @internal ψ(x) = d/dx log Γ(x) elementwise, as torch.digamma (-inf at 0, NaN at the negative integers). */
export function digamma(x: Tensor): Tensor {
  return scopeSync(() => {
    if (x.dtype !== 'float64') return to(digamma(to(x, 'float64')), x.dtype);
    const left = lt(x, 0.5);
    const right = digammaRight(where(left, sub(1, x), x));
    // reflection: ψ(x) = ψ(1 - x) - π / tan(πx)
    const xl = where(left, x, 0.25);
    const r = where(left, sub(right, div(Math.PI, tan(mul(xl, Math.PI)))), right);
    return where(eq(x, 0), -Infinity, where(atPole(x), NaN, r));
  });
}

// Giles (2010), "Approximating the erfinv function": single-precision coefficients.
const GILES_CENTRAL = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const GILES_TAIL = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

function horner(w: Tensor, coeffs: readonly number[]): Tensor {
  let p: Tensor = mul(w, coeffs[0]);
  for (let i = 1; i < coeffs.length - 1; i++) p = mul(add(p, coeffs[i]), w);
  return add(p, coeffs[coeffs.length - 1]);
}

function erfinvValue(y: Tensor): Tensor {
  const y64 = to(y, 'float64');
  const inside = lt(abs(y64), 1);
  const ys = where(inside, y64, 0);
  const w = neg(log(mul(sub(1, ys), add(1, ys))));
  const central = lt(w, 5);
  const wc = where(central, sub(w, 2.5), 0), wt = where(central, 9, w);
  let x: Tensor = mul(where(central, horner(wc, GILES_CENTRAL), horner(sub(sqrt(wt), 3), GILES_TAIL)), ys);
  for (let i = 0; i < 3; i++) x = sub(x, div(sub(erf(x), ys), mul(exp(neg(square(x))), TWO_OVER_SQRT_PI)));
  // ±1 → ±inf, |y| > 1 → NaN (and NaN stays NaN)
  const edge = where(eq(abs(y64), 1), mul(y64, Infinity), NaN);
  const r = where(inside, x, edge);
  return y.dtype === 'float64' ? r : to(r, y.dtype);
}

/** @internal erf⁻¹(y) elementwise for a floating y, as torch.erfinv (±inf at ±1, NaN outside [-1, 1]). */
export function erfinv(y: Tensor): Tensor {
  const x = noGrad(() => scopeSync(() => erfinvValue(y)));
  if (needsGrad(y)) {
    record('erfinv', [y], [x], [x], ([g], [xs]) => [g === null ? null : mul(g, mul(exp(square(xs)), Math.sqrt(Math.PI) / 2))], true);
  }
  return x;
}

/** @internal Whether every element of a bool tensor is true (one host read). */
export function allTrue(b: Tensor): boolean {
  return scopeSync(() => b.numel === 0 || !!all(b).item());
}
