// onnx-special.ts — the ONNX mappings (fl.onnx.export) of the elementwise ops that no single ONNX
// operator computes: the bitwise ops and shifts, erfinv, lgamma, digamma and i0. Each is the `onnx`
// of its row in lib/ops/elementwise.ts (the mapping lives with the op, as every other row's does);
// they are here, not inline, because they are compositions of dozens of nodes.
//
// Exactness, each checked against flintml's own kernels in test/onnx-coverage2.test.ts:
// - bitwise And/Or/Xor: exact (ONNX BitwiseAnd/Or/Xor of opset 18; bool: And/Or/Xor at any opset);
//   Not: -1 - x (int32), 255 - x (uint8), Not (bool), exact at any opset.
// - shifts: exact, with flintml's out-of-range counts (a count < 0 or >= the width gives 0 for <<,
//   the sign for >>): ONNX BitShift is unsigned-only, so int32 shifts run on the uint32 bits
//   (Cast wraps both ways) and >> of a negative x is ~(~x >>> c) with ~x = -1 - x.
// - erfinv: Giles' single-precision approximation ("Approximating the erfinv function", GPU
//   Computing Gems, 2011) evaluated in float64: within 1.3e-7 relative of the true value over the
//   float32 inputs (torch 1.13's own float32 erfinv is within 4e-6); float32 only (float64 refused).
// - lgamma, digamma: Stirling's / the asymptotic series at z + 6 (error < 1e-11) with the recurrence
//   down to z, and the reflection formula below 1/2, all in float64; the poles as torch's
//   (lgamma: +inf at 0 and the negative integers; digamma: -inf at +0, +inf at -0, NaN at the
//   negative integers). Results are cast back to the op's dtype (float32 or float64).
// - i0: the power series (60 terms) up to |x| = 20 and the asymptotic series (20 terms) above, in
//   float64: within 2e-15 relative of torch 1.13's float64 i0 over [0, 95]; NaN at ±inf as torch's.
import type { DType } from '../dtype';
import type { OnnxGraph } from '../trace';

const F64 = 'float64';
const k64 = (g: OnnxGraph, v: number): string => g.constant(F64, [], [v]);

/** Horner's rule: c[0]·x^(n-1) + … + c[n-1], as ONNX nodes. */
function poly(g: OnnxGraph, x: string, c: readonly number[]): string {
  let p = k64(g, c[0]);
  for (let i = 1; i < c.length; i++) p = g.op('Add', [g.op('Mul', [p, x]), k64(g, c[i])]);
  return p;
}

type BinaryLowering = (g: OnnxGraph, a: string, b: string, dt: DType) => string;
type UnaryLowering = (g: OnnxGraph, x: string, params: readonly number[], dt: DType) => string;

/** The bitwise ops (integers: the ONNX Bitwise* ops of opset 18; bool: the logical ones, any opset). */
export function bitwiseOnnx(op: string, logical: string, bitwiseOp: string): BinaryLowering {
  return (g, a, b, dt) => {
    if (dt === 'bool') return g.op(logical, [a, b]);
    if (g.opset < 18) g.unsupported(op, `${dt} operands need ONNX ${bitwiseOp} of opset 18; export with opset: 18`);
    return g.op(bitwiseOp, [a, b]);
  };
}

/** ~x: Not for bool; -1 - x for int32 and 255 - x for uint8 (exact, and at any opset). */
export const bitwiseNotOnnx: UnaryLowering = (g, x, _p, dt) => {
  if (dt === 'bool') return g.op('Not', [x]);
  return g.op('Sub', [g.constant(dt, [], [dt === 'uint8' ? 255 : -1]), x]);
};

/**
 * x << c or x >> c with flintml's semantics (lib/ops/bitwise.ts): a count outside [0, width) gives 0
 * (<<) or the sign (>>); uint8 is logical, int32 arithmetic. BitShift takes unsigned types only.
 */
export function shiftOnnx(left: boolean): BinaryLowering {
  return (g, x, c, dt) => {
    const width = dt === 'uint8' ? 8 : 32;
    const k = (v: number): string => g.constant(dt, [], [v]);
    const valid = dt === 'uint8' ? g.op('Less', [c, k(8)]) : g.op('And', [g.op('GreaterOrEqual', [c, k(0)]), g.op('Less', [c, k(width)])]);
    const count = g.op('Where', [valid, c, k(0)]);
    const direction = left ? 'LEFT' : 'RIGHT';
    if (dt === 'uint8') return g.op('Where', [valid, g.op('BitShift', [x, count], { direction }), k(0)]);
    const u32 = (t: string): string => g.op('Cast', [t], { to: UINT32 });
    const i32 = (t: string): string => g.op('Cast', [t], { to: INT32 });
    if (left) return g.op('Where', [valid, i32(g.op('BitShift', [u32(x), u32(count)], { direction })), k(0)]);
    const neg = g.op('Less', [x, k(0)]);
    const flip = (t: string): string => g.op('Where', [neg, g.op('Sub', [k(-1), t]), t]);
    const shifted = flip(i32(g.op('BitShift', [u32(flip(x)), u32(count)], { direction })));
    return g.op('Where', [valid, shifted, g.op('Where', [neg, k(-1), k(0)])]);
  };
}
/** TensorProto.DataType INT32 and UINT32 (no flintml dtype is uint32; the int32 shifts pass through it). */
const INT32 = 6, UINT32 = 12;

/** A float unary op computed in float64 by `f` and cast back to the op's dtype. */
function inFloat64(f: (g: OnnxGraph, x: string, dt: DType) => string): UnaryLowering {
  return (g, x, _p, dt) => g.cast(f(g, g.cast(x, dt, F64), dt), F64, dt);
}

// Giles' coefficients (single precision), for w = -log((1 - x)(1 + x)) < 5 and >= 5
const ERFINV_SMALL = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const ERFINV_LARGE = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];

export const erfinvOnnx = inFloat64((g, x, dt) => {
  if (dt !== 'float32') g.unsupported('erfinv', `a ${dt} result: the composition (Giles' approximation) is exact to 1.3e-7 only, enough for float32`);
  const w = g.op('Neg', [g.op('Log', [g.op('Mul', [g.op('Sub', [k64(g, 1), x]), g.op('Add', [k64(g, 1), x])])])]);
  const small = poly(g, g.op('Sub', [w, k64(g, 2.5)]), ERFINV_SMALL);
  const large = poly(g, g.op('Sub', [g.op('Sqrt', [w]), k64(g, 3)]), ERFINV_LARGE);
  const y = g.op('Mul', [g.op('Where', [g.op('Less', [w, k64(g, 5)]), small, large]), x]);
  // ±1 → ±inf (|x| > 1 is NaN through the log already)
  return g.op('Where', [g.op('Equal', [g.op('Abs', [x]), k64(g, 1)]), g.op('Mul', [x, k64(g, Infinity)]), y]);
});

/** x at or below 0 and integral: the poles of Γ. */
const atPole = (g: OnnxGraph, x: string): string => g.op('And', [g.op('LessOrEqual', [x, k64(g, 0)]), g.op('Equal', [x, g.op('Floor', [x])])]);
/** z for the reflection: 1 - x below 1/2, else x (so z >= 1/2). */
const reflected = (g: OnnxGraph, x: string, below: string): string => g.op('Where', [below, g.op('Sub', [k64(g, 1), x]), x]);
/** π(x - round(x)): the argument of |sin πx| and cot πx reduced to [-π/2, π/2] (both have period π). */
const piFrac = (g: OnnxGraph, x: string): string => g.op('Mul', [g.op('Sub', [x, g.op('Round', [x])]), k64(g, Math.PI)]);
/** π cot(πx) = π cos/sin of the reduced argument (onnxruntime has no float64 Tan). */
function piCot(g: OnnxGraph, x: string): string {
  const a = piFrac(g, x);
  return g.op('Div', [g.op('Mul', [g.op('Cos', [a]), k64(g, Math.PI)]), g.op('Sin', [a])]);
}
/** z, z + 1, …, z + 5 summed through `term` (the recurrence from z + 6 down to z). */
function shiftTerms(g: OnnxGraph, z: string, term: (t: string) => string): string {
  let s = term(z);
  for (let i = 1; i < 6; i++) s = g.op('Add', [s, term(g.op('Add', [z, k64(g, i)]))]);
  return s;
}

export const lgammaOnnx = inFloat64((g, x) => {
  const below = g.op('Less', [x, k64(g, 0.5)]);
  const z = reflected(g, x, below);
  // log Γ(z) = stirling(z + 6) - log(z (z+1) … (z+5)); stirling(y) = (y - 1/2) log y - y + log(2π)/2 + Σ B2k / (2k(2k-1) y^(2k-1))
  const y = g.op('Add', [z, k64(g, 6)]);
  const r = g.op('Reciprocal', [y]), r2 = g.op('Mul', [r, r]);
  const series = g.op('Mul', [r, poly(g, r2, [1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12])]);
  const stirling = g.op('Add', [g.op('Sub', [g.op('Mul', [g.op('Sub', [y, k64(g, 0.5)]), g.op('Log', [y])]), y]), g.op('Add', [k64(g, 0.5 * Math.log(2 * Math.PI)), series])]);
  const logs = shiftTerms(g, z, (t) => g.op('Log', [t]));
  const lz = g.op('Sub', [stirling, logs]);
  // log Γ(x) = log π - log|sin πx| - log Γ(1 - x) below 1/2
  const refl = g.op('Sub', [g.op('Sub', [k64(g, Math.log(Math.PI)), g.op('Log', [g.op('Abs', [g.op('Sin', [piFrac(g, x)])])])]), lz]);
  const v = g.op('Where', [below, refl, lz]);
  return g.op('Where', [g.op('Or', [atPole(g, x), g.op('IsInf', [x])]), k64(g, Infinity), v]);
});

export const digammaOnnx = inFloat64((g, x) => {
  const below = g.op('Less', [x, k64(g, 0.5)]);
  const z = reflected(g, x, below);
  // ψ(z) = ψ(z + 6) - Σ 1/(z + i); ψ(y) = log y - 1/(2y) - Σ B2k / (2k y^(2k))
  const y = g.op('Add', [z, k64(g, 6)]);
  const r = g.op('Reciprocal', [y]), r2 = g.op('Mul', [r, r]);
  const series = g.op('Mul', [r2, poly(g, r2, [-1 / 132, 1 / 240, -1 / 252, 1 / 120, -1 / 12])]);
  const asym = g.op('Add', [g.op('Sub', [g.op('Log', [y]), g.op('Mul', [r, k64(g, 0.5)])]), series]);
  const pz = g.op('Sub', [asym, shiftTerms(g, z, (t) => g.op('Reciprocal', [t]))]);
  // ψ(x) = ψ(1 - x) - π / tan(πx) below 1/2
  const refl = g.op('Sub', [pz, piCot(g, x)]);
  const v = g.op('Where', [below, refl, pz]);
  // -inf at +0, +inf at -0 (-1/x), NaN at the negative integers
  const zero = g.op('Equal', [x, k64(g, 0)]);
  return g.op('Where', [zero, g.op('Neg', [g.op('Reciprocal', [x])]), g.op('Where', [atPole(g, x), k64(g, NaN), v])]);
});

/** i0 (the modified Bessel function of order 0) of |x|: the power series up to |x| = 20, the asymptotic one above. */
export const i0Onnx = inFloat64((g, x) => {
  const a = g.op('Abs', [x]);
  // Σ_{k<=60} t_k, t_k = t_{k-1}·q/k², q = (a/2)² (a <= 20: every term positive, the last < 1e-16 of the sum)
  const small = g.op('Min', [a, k64(g, 20)]);
  const q = g.op('Mul', [g.op('Mul', [small, small]), k64(g, 0.25)]);
  let t = k64(g, 1), sum = t;
  for (let k = 1; k <= 60; k++) { t = g.op('Mul', [g.op('Mul', [t, q]), k64(g, 1 / (k * k))]); sum = g.op('Add', [sum, t]); }
  // e^a / √(2πa) · Σ_{k<=20} c_k a^-k, c_k = c_{k-1}·(2k-1)²/(8k) (a > 20)
  const large = g.op('Max', [a, k64(g, 20)]);
  const r = g.op('Reciprocal', [large]);
  let c = 1, p = k64(g, 1), asym = p;
  for (let k = 1; k <= 20; k++) { c = (c * (2 * k - 1) ** 2) / (8 * k); p = g.op('Mul', [p, r]); asym = g.op('Add', [asym, g.op('Mul', [p, k64(g, c)])]); }
  const big = g.op('Div', [g.op('Mul', [g.op('Exp', [large]), asym]), g.op('Sqrt', [g.op('Mul', [large, k64(g, 2 * Math.PI)])])]);
  return g.op('Where', [g.op('LessOrEqual', [a, k64(g, 20)]), sum, big]);
});
