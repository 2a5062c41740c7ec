// elementwise.ts — unary, binary and ternary elementwise ops with broadcasting and PyTorch type
// promotion, their in-place forms (trailing underscore, as in PyTorch: `t.add_(1)`), where,
// clamp and maskedFill. One native entry per family ('unary', 'binary', 'where'); codes in codes.ts.
import { DType, isFloating, resultType, PromoteArg } from '../dtype';
import { DeviceError, DTypeError, ShapeError, ValueError } from '../errors';
import { call, opId, OperandView, ScalarOperand } from '../native';
import { broadcastShapes, broadcastStrides, fmt } from '../shape';
import { contiguousCopy, emptyTensor, scope, Tensor, TensorLike, copyInto } from '../tensor';
import { BINARY, UNARY } from './codes';
import { AutogradError, needsGrad, record, sumToShape } from '../autograd';

const UNARY_OP = opId('unary');
const BINARY_OP = opId('binary');
const WHERE_OP = opId('where');

/** @internal */
export function asTensorArg(x: unknown, op: string): TensorLike {
  if (x instanceof Tensor || typeof x === 'number' || typeof x === 'boolean') return x;
  throw new ValueError(`${String(op)}: expected a Tensor, number or boolean, got ${x === null ? 'null' : typeof x}`);
}

function promoteArg(x: TensorLike): PromoteArg {
  return x instanceof Tensor ? { dtype: x.dtype, ndim: x._shape.length } : x;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal Device shared by the tensor operands, or DeviceError. */
export function commonDevice(op: string, ...xs: TensorLike[]): Tensor['_storage']['device'] | undefined {
  let dev: Tensor['_storage']['device'] | undefined;
  for (const x of xs) {
    if (!(x instanceof Tensor)) continue;
    const d = x._storage.device;
    if (dev === undefined) dev = d;
    else if (dev.name !== d.name) {
      throw new DeviceError(`${String(op)}: expected all tensors on one device, got ${String(dev.name)} and ${String(d.name)} (move them with .to())`);
    }
  }
  return dev;
}

/**
 * @internal Prepares operand x of an op whose output has `shape` and computes in `dt`:
 * a scalar, the tensor itself, or a broadcast view; casts (into `temps`) when dtypes differ.
 */
export function operand(x: TensorLike, dt: DType, shape: readonly number[], op: string, temps: Tensor[]): OperandView | ScalarOperand {
  if (!(x instanceof Tensor)) return { scalar: +x, dtype: dt };
  let t = x;
  if (t.dtype !== dt) { t = contiguousCopy(t, op, dt); temps.push(t); }
  if (sameShape(t._shape, shape)) return t;
  const src = t;
  return {
    dtype: dt, _shape: shape, _strides: broadcastStrides(src._shape, src._strides, shape), _offset: src._offset,
    _handleFor: (o: string) => src._handleFor(o),
  };
}

function run(id: number, op: string, out: Tensor, ops: (OperandView | ScalarOperand)[], params: number[], temps: Tensor[]): void {
  try {
    if (out.numel > 0) call(id, op, [out, ...ops], params);
  } finally {
    for (const t of temps) t.dispose();
  }
}

type BinaryKind = 'arith' | 'compare' | 'logical' | 'float' | 'int';

function binary(op: keyof typeof BINARY, a: TensorLike, b: TensorLike, kind: BinaryKind, out?: Tensor): Tensor {
  a = asTensorArg(a, op); b = asTensorArg(b, op);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new ValueError(`${String(op)}: at least one operand must be a Tensor`);
  const dev = commonDevice(op, a, b)!;
  let dt = resultType(promoteArg(a), promoteArg(b));
  if (kind === 'float' && !isFloating(dt)) dt = 'float32';
  if (dt === 'bool' && (op === 'sub')) throw new DTypeError(`sub: subtraction of bool tensors is not supported; use logicalXor or logicalNot`);
  const outDt: DType = kind === 'compare' || kind === 'logical' ? 'bool' : dt;
  const sa = a instanceof Tensor ? a._shape : [], sb = b instanceof Tensor ? b._shape : [];
  const shape = sameShape(sa, sb) ? sa : broadcastShapes(op, sa, sb);
  const temps: Tensor[] = [];
  if (out) {  // in place: out is operand a
    checkInplace(out, op + '_', b);
    if (!sameShape(shape, out._shape)) {
      throw new ShapeError(`${String(op)}_: result shape ${fmt(shape)} does not match the in-place tensor's shape ${fmt(out._shape)}`);
    }
    if (outDt !== out.dtype) {
      // the result cannot be stored back without losing its category (float into int, …)
      if (categoryOf(outDt) > categoryOf(out.dtype)) {
        throw new DTypeError(`${String(op)}_: result type ${String(outDt)} can't be cast to the in-place tensor's dtype ${String(out.dtype)}`);
      }
      const tmp = binary(op, a, b, kind);
      try { copyInto(out, tmp, op + '_'); } finally { tmp.dispose(); }
      return out;
    }
    run(BINARY_OP, op + '_', out, [operand(a, dt, shape, op, temps), operand(b, dt, shape, op, temps)], [BINARY[op]], temps);
    return out;
  }
  const res = emptyTensor(shape, outDt, dev, false, op);
  try {
    run(BINARY_OP, op, res, [operand(a, dt, shape, op, temps), operand(b, dt, shape, op, temps)], [BINARY[op]], temps);
  } catch (e) { res.dispose(); throw e; }
  if (needsGrad(a, b) && DIFF_BINARY.has(op)) recordBinary(op, a, b, res);
  return res;
}

// ---- gradients ---------------------------------------------------------------------------------

const DIFF_BINARY = new Set<string>(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'remainder', 'atan2']);
const NONDIFF_UNARY = new Set<string>(['sign', 'floor', 'ceil', 'round', 'trunc', 'logicalNot', 'isnan', 'isinf', 'isfinite']);

/** @internal In-place writes: bump the version (autograd checks saved tensors) and refuse tensors that require grad. */
export function checkInplace(t: Tensor, op: string, ...others: unknown[]): void {
  if (needsGrad(t, ...others)) {
    throw new AutogradError(`${op}: in-place ops on tensors that require grad are not supported while grad is enabled (${t.isLeaf ? 'a leaf' : 'a graph tensor'} of shape ${fmt(t._shape)}); use the out-of-place op, or noGrad() for parameter updates`);
  }
  t._storage.version++;
}

function recordBinary(op: string, a: TensorLike, b: TensorLike, y: Tensor): void {
  const ta = a instanceof Tensor ? a : null, tb = b instanceof Tensor ? b : null;
  // save only what the gradient reads: the tensor operands, and y for div/pow
  const needY = op === 'div' || op === 'pow';
  const saved: Tensor[] = [];
  if (ta) saved.push(ta);
  if (tb) saved.push(tb);
  if (needY) saved.push(y);
  record(op, [a, b], [y], saved, ([g], sv) => scope(() => {
    let k = 0;
    const A: TensorLike = ta ? sv[k++] : a, B: TensorLike = tb ? sv[k++] : b;
    const sy = needY ? sv[k++] : null;
    const gy = g!;
    const sq = (v: TensorLike): TensorLike => (v instanceof Tensor ? mul(v, v) : (+v) * (+v));
    let ga: Tensor | null = null, gb: Tensor | null = null;
    switch (op) {
      case 'add': ga = gy; gb = gy; break;
      case 'sub': ga = gy; gb = neg(gy); break;
      case 'mul': ga = mul(gy, B); gb = mul(gy, A); break;
      case 'div': ga = div(gy, B); gb = neg(div(mul(gy, sy!), B)); break;
      case 'pow': {
        const bm1: TensorLike = B instanceof Tensor ? sub(B, 1) : +B - 1;
        if (ta) ga = mul(gy, mul(pow(A, bm1), B));
        if (tb) gb = mul(gy, mul(sy!, A instanceof Tensor ? log(A) : Math.log(+A)));
        break;
      }
      case 'maximum': case 'minimum': {
        const win = op === 'maximum' ? gt(A, B) : lt(A, B);
        const half = mul(gy, 0.5);
        const tie = eq(A, B);
        ga = where(win, gy, where(tie, half, 0));
        gb = where(win, 0, where(tie, half, gy));
        break;
      }
      case 'remainder': ga = gy; gb = mul(neg(gy), floorDivide(A, B)); break;
      case 'atan2': {
        const den = add(sq(A), sq(B));
        ga = div(mul(gy, B), den); gb = div(mul(neg(gy), A), den);
        break;
      }
    }
    return [ta && ga ? sumToShape(ga === gy ? gy.clone() : ga, ta._shape) : null,
      tb && gb ? sumToShape(gb === gy ? gy.clone() : gb, tb._shape) : null];
  }));
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/** unary ops whose gradient reads the output */
const USES_Y = new Set<string>(['exp', 'exp2', 'expm1', 'sqrt', 'rsqrt', 'tan', 'tanh', 'sigmoid', 'reciprocal']);

function recordUnary(op: string, x: Tensor, y: Tensor, params: number[]): void {
  const needY = USES_Y.has(op);
  record(op === 'geluTanh' ? 'gelu' : op, [x], [y], needY ? [x, y] : [x], ([g], [sx, sy]) => scope(() => {
    const gy = g!;
    let r: Tensor;
    switch (op) {
      case 'neg': r = neg(gy); break;
      case 'abs': r = mul(gy, sign(sx)); break;
      case 'exp': r = mul(gy, sy); break;
      case 'exp2': r = mul(gy, mul(sy, Math.LN2)); break;
      case 'log': r = div(gy, sx); break;
      case 'log2': r = div(gy, mul(sx, Math.LN2)); break;
      case 'log10': r = div(gy, mul(sx, Math.LN10)); break;
      case 'log1p': r = div(gy, add(sx, 1)); break;
      case 'expm1': r = mul(gy, add(sy, 1)); break;
      case 'sqrt': r = div(gy, mul(sy, 2)); break;
      case 'rsqrt': r = mul(gy, mul(pow(sy, 3), -0.5)); break;
      case 'square': r = mul(gy, mul(sx, 2)); break;
      case 'sin': r = mul(gy, cos(sx)); break;
      case 'cos': r = neg(mul(gy, sin(sx))); break;
      case 'tan': r = mul(gy, add(square(sy), 1)); break;
      case 'asin': r = div(gy, sqrt(sub(1, square(sx)))); break;
      case 'acos': r = neg(div(gy, sqrt(sub(1, square(sx))))); break;
      case 'atan': r = div(gy, add(square(sx), 1)); break;
      case 'sinh': r = mul(gy, cosh(sx)); break;
      case 'cosh': r = mul(gy, sinh(sx)); break;
      case 'tanh': r = mul(gy, sub(1, square(sy))); break;
      case 'sigmoid': r = mul(gy, mul(sy, sub(1, sy))); break;
      case 'relu': r = mul(gy, gt(sx, 0)); break;
      case 'leakyRelu': r = where(gt(sx, 0), gy, mul(gy, params[0])); break;
      case 'softplus': r = where(gt(sx, 20), gy, mul(gy, sigmoid(sx))); break;
      case 'gelu': {  // Phi(x) + x phi(x)
        const cdf = mul(add(erf(mul(sx, Math.SQRT1_2)), 1), 0.5);
        const pdf = mul(exp(mul(square(sx), -0.5)), 1 / Math.sqrt(2 * Math.PI));
        r = mul(gy, add(cdf, mul(sx, pdf)));
        break;
      }
      case 'geluTanh': {
        const t = tanh(mul(add(sx, mul(pow(sx, 3), 0.044715)), SQRT_2_OVER_PI));
        const dinner = mul(add(mul(square(sx), 3 * 0.044715), 1), SQRT_2_OVER_PI);
        r = mul(gy, add(mul(add(t, 1), 0.5), mul(mul(mul(sx, 0.5), sub(1, square(t))), dinner)));
        break;
      }
      case 'silu': { const s = sigmoid(sx); r = mul(gy, mul(s, add(mul(sx, sub(1, s)), 1))); break; }
      case 'erf': r = mul(gy, mul(exp(neg(square(sx))), 2 / Math.sqrt(Math.PI))); break;
      case 'reciprocal': r = neg(mul(gy, square(sy))); break;
      case 'clamp': {  // flows where lo <= x <= hi, as torch.clamp
        let m: Tensor = logicalNot(isnan(sx));
        if (params[0]) m = logicalAnd(m, ge(sx, params[1]));
        if (params[2]) m = logicalAnd(m, le(sx, params[3]));
        r = mul(gy, m);
        break;
      }
      default: throw new AutogradError(`backward: no gradient for ${op}`);
    }
    return [r.dtype === sx.dtype ? r : r.to(sx.dtype)];
  }));
}

function categoryOf(dt: DType): number { return dt === 'bool' ? 0 : isFloating(dt) ? 2 : 1; }

type UnaryKind = 'same' | 'float' | 'bool' | 'signed';

function unary(op: keyof typeof UNARY, x: Tensor, kind: UnaryKind, params: number[] = [], out?: Tensor, name: string = op): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${String(name)}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  let dt = x.dtype;
  if (kind === 'float' && !isFloating(dt)) dt = 'float32';
  if (kind === 'signed' && dt === 'bool') throw new DTypeError(`${String(name)}: not supported for bool tensors; use logicalNot`);
  const outDt: DType = kind === 'bool' ? 'bool' : dt;
  const temps: Tensor[] = [];
  const p = [UNARY[op], ...params];
  if (out) {
    checkInplace(out, name + '_');
    if (outDt !== out.dtype) {
      if (categoryOf(outDt) > categoryOf(out.dtype)) throw new DTypeError(`${String(name)}_: result type ${String(outDt)} can't be cast to ${String(out.dtype)}`);
      const tmp = unary(op, x, kind, params, undefined, name);
      try { copyInto(out, tmp, name + '_'); } finally { tmp.dispose(); }
      return out;
    }
    run(UNARY_OP, name + '_', out, [operand(x, dt, x._shape, name, temps)], p, temps);
    return out;
  }
  const res = emptyTensor(x._shape, outDt, x._storage.device, false, name);
  try {
    run(UNARY_OP, name, res, [operand(x, dt, x._shape, name, temps)], p, temps);
  } catch (e) { res.dispose(); throw e; }
  if (needsGrad(x) && !NONDIFF_UNARY.has(op)) recordUnary(op, x, res, params);
  return res;
}

// ---- binary ops ------------------------------------------------------------------------------

/** add/sub's `alpha`: PyTorch's keyword, positional (`x.add(y, 2)`) or as an option (`x.add(y, { alpha: 2 })`). */
export type AlphaArg = number | { alpha?: number };

function readAlpha(alpha: unknown, op: string): number | undefined {
  if (alpha === undefined || typeof alpha === 'number') return alpha;
  if (alpha === null || typeof alpha !== 'object' || Array.isArray(alpha)) {
    throw new ValueError(`${op}: alpha must be a number or { alpha }, got ${alpha === null ? 'null' : Array.isArray(alpha) ? 'an array' : typeof alpha}`);
  }
  for (const k of Object.keys(alpha)) if (k !== 'alpha') throw new ValueError(`${op}: unknown option '${k}' (did you mean 'alpha'?)`);
  const v = (alpha as { alpha?: unknown }).alpha;
  if (v !== undefined && typeof v !== 'number') throw new ValueError(`${op}: alpha must be a number, got ${typeof v}`);
  return v;
}

/** `a + alpha * b` with broadcasting: `fl.add(x, 1)`, `x.add(y)`, `x.add(y, { alpha: 2 })`. */
export function add(a: TensorLike, b: TensorLike, alphaArg?: AlphaArg): Tensor {
  const alpha = readAlpha(alphaArg, 'add');
  if (alpha !== undefined && alpha !== 1) {
    const scaled = mul(b, alpha);
    try { return binary('add', a, scaled, 'arith'); } finally { scaled.dispose(); }
  }
  return binary('add', a, b, 'arith');
}
/** `a - alpha * b`: `fl.sub(x, y)`, `fl.sub(x, y, { alpha: 0.5 })`. */
export function sub(a: TensorLike, b: TensorLike, alphaArg?: AlphaArg): Tensor {
  const alpha = readAlpha(alphaArg, 'sub');
  if (alpha !== undefined && alpha !== 1) {
    const scaled = mul(b, alpha);
    try { return binary('sub', a, scaled, 'arith'); } finally { scaled.dispose(); }
  }
  return binary('sub', a, b, 'arith');
}
/** Elementwise product: `fl.mul(x, 2)`. */
export function mul(a: TensorLike, b: TensorLike): Tensor { return binary('mul', a, b, 'arith'); }
/**
 * True division (integers divide as float32), or with `roundingMode` `'floor'` / `'trunc'`:
 * `fl.div(x, 2)`, `fl.div(x, 3, 'floor')`.
 */
export function div(a: TensorLike, b: TensorLike, roundingMode?: 'floor' | 'trunc'): Tensor {
  if (roundingMode === 'floor') return floorDivide(a, b);
  if (roundingMode === 'trunc') {
    const q = binary('div', a, b, 'float');
    const dt = resultType(promoteArg(a), promoteArg(b));
    try {
      const r = unary('trunc', q, 'same');
      if (dt === r.dtype) return r;
      try { return toDType(r, dt); } finally { r.dispose(); }
    } finally { q.dispose(); }
  }
  if (roundingMode !== undefined) throw new ValueError(`div: roundingMode must be 'floor', 'trunc' or undefined, got ${String(roundingMode)}`);
  return binary('div', a, b, 'float');
}
function toDType(t: Tensor, dt: DType): Tensor { return contiguousCopy(t, 'div', dt); }
/** `a ** b`: `fl.pow(x, 2)`. */
export function pow(a: TensorLike, b: TensorLike): Tensor { return binary('pow', a, b, 'arith'); }
/** Elementwise maximum (NaN propagates). */
export function maximum(a: TensorLike, b: TensorLike): Tensor { return binary('maximum', a, b, 'arith'); }
/** Elementwise minimum (NaN propagates). */
export function minimum(a: TensorLike, b: TensorLike): Tensor { return binary('minimum', a, b, 'arith'); }
/** Python-style remainder (sign of the divisor): `fl.remainder(fl.tensor([-3]), 2) // [1]`. */
export function remainder(a: TensorLike, b: TensorLike): Tensor { return binary('remainder', a, b, 'arith'); }
/** Floor of a / b. */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor { return binary('floorDivide', a, b, 'arith'); }
/** atan2(a, b) elementwise. */
export function atan2(a: TensorLike, b: TensorLike): Tensor { return binary('atan2', a, b, 'float'); }
/** `a == b` → bool tensor. */
export function eq(a: TensorLike, b: TensorLike): Tensor { return binary('eq', a, b, 'compare'); }
/** `a != b` → bool tensor. */
export function ne(a: TensorLike, b: TensorLike): Tensor { return binary('ne', a, b, 'compare'); }
/** `a < b` → bool tensor. */
export function lt(a: TensorLike, b: TensorLike): Tensor { return binary('lt', a, b, 'compare'); }
/** `a <= b` → bool tensor. */
export function le(a: TensorLike, b: TensorLike): Tensor { return binary('le', a, b, 'compare'); }
/** `a > b` → bool tensor. */
export function gt(a: TensorLike, b: TensorLike): Tensor { return binary('gt', a, b, 'compare'); }
/** `a >= b` → bool tensor. */
export function ge(a: TensorLike, b: TensorLike): Tensor { return binary('ge', a, b, 'compare'); }
/** Elementwise logical and (nonzero is true) → bool tensor. */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor { return binary('logicalAnd', a, b, 'logical'); }
/** Elementwise logical or → bool tensor. */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor { return binary('logicalOr', a, b, 'logical'); }
/** Elementwise logical xor → bool tensor. */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor { return binary('logicalXor', a, b, 'logical'); }

// ---- unary ops -------------------------------------------------------------------------------

/** `-x` */ export function neg(x: Tensor): Tensor { return unary('neg', x, 'signed'); }
/** `|x|` */ export function abs(x: Tensor): Tensor { return unary('abs', x, 'same'); }
/** -1, 0 or 1 by the sign of x. */ export function sign(x: Tensor): Tensor { return unary('sign', x, 'same'); }
/** e^x */ export function exp(x: Tensor): Tensor { return unary('exp', x, 'float'); }
/** 2^x */ export function exp2(x: Tensor): Tensor { return unary('exp2', x, 'float'); }
/** natural log */ export function log(x: Tensor): Tensor { return unary('log', x, 'float'); }
/** log base 2 */ export function log2(x: Tensor): Tensor { return unary('log2', x, 'float'); }
/** log base 10 */ export function log10(x: Tensor): Tensor { return unary('log10', x, 'float'); }
/** log(1 + x), accurate near 0 */ export function log1p(x: Tensor): Tensor { return unary('log1p', x, 'float'); }
/** e^x - 1, accurate near 0 */ export function expm1(x: Tensor): Tensor { return unary('expm1', x, 'float'); }
/** square root */ export function sqrt(x: Tensor): Tensor { return unary('sqrt', x, 'float'); }
/** 1 / sqrt(x) */ export function rsqrt(x: Tensor): Tensor { return unary('rsqrt', x, 'float'); }
/** x * x */ export function square(x: Tensor): Tensor { return unary('square', x, x.dtype === 'bool' ? 'float' : 'same'); }
/** sine */ export function sin(x: Tensor): Tensor { return unary('sin', x, 'float'); }
/** cosine */ export function cos(x: Tensor): Tensor { return unary('cos', x, 'float'); }
/** tangent */ export function tan(x: Tensor): Tensor { return unary('tan', x, 'float'); }
/** arcsine */ export function asin(x: Tensor): Tensor { return unary('asin', x, 'float'); }
/** arccosine */ export function acos(x: Tensor): Tensor { return unary('acos', x, 'float'); }
/** arctangent */ export function atan(x: Tensor): Tensor { return unary('atan', x, 'float'); }
/** hyperbolic sine */ export function sinh(x: Tensor): Tensor { return unary('sinh', x, 'float'); }
/** hyperbolic cosine */ export function cosh(x: Tensor): Tensor { return unary('cosh', x, 'float'); }
/** hyperbolic tangent */ export function tanh(x: Tensor): Tensor { return unary('tanh', x, 'float'); }
/** 1 / (1 + e^-x) */ export function sigmoid(x: Tensor): Tensor { return unary('sigmoid', x, 'float'); }
/** max(x, 0) */ export function relu(x: Tensor): Tensor { return unary('relu', x, 'signed'); }
/** x if x > 0 else slope * x */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor { return unary('leakyRelu', x, 'float', [negativeSlope]); }
/** log(1 + e^x) (beta 1, threshold 20, as torch.nn.functional.softplus) */
export function softplus(x: Tensor): Tensor { return unary('softplus', x, 'float'); }
/**
 * Gaussian error linear unit: exact (`'none'`, with erf) or the `'tanh'` approximation.
 * `fl.gelu(x)`, `fl.gelu(x, 'tanh')`
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got ${String(approximate)}`);
  return approximate === 'tanh' ? unary('geluTanh', x, 'float', [], undefined, 'gelu') : unary('gelu', x, 'float');
}
/** x * sigmoid(x) */ export function silu(x: Tensor): Tensor { return unary('silu', x, 'float'); }
/** error function */ export function erf(x: Tensor): Tensor { return unary('erf', x, 'float'); }
/** round down */ export function floor(x: Tensor): Tensor { return unary('floor', x, 'same'); }
/** round up */ export function ceil(x: Tensor): Tensor { return unary('ceil', x, 'same'); }
/** round half to even, as torch.round */ export function round(x: Tensor): Tensor { return unary('round', x, 'same'); }
/** round toward zero */ export function trunc(x: Tensor): Tensor { return unary('trunc', x, 'same'); }
/** 1 / x */ export function reciprocal(x: Tensor): Tensor { return unary('reciprocal', x, 'float'); }
/** !x → bool tensor */ export function logicalNot(x: Tensor): Tensor { return unary('logicalNot', x, 'bool'); }
/** x is NaN → bool tensor */ export function isnan(x: Tensor): Tensor { return unary('isnan', x, 'bool'); }
/** x is ±inf → bool tensor */ export function isinf(x: Tensor): Tensor { return unary('isinf', x, 'bool'); }
/** x is neither NaN nor ±inf → bool tensor */ export function isfinite(x: Tensor): Tensor { return unary('isfinite', x, 'bool'); }

function checkBound(v: unknown, op: string): void {
  if (v !== undefined && typeof v !== 'number' && typeof v !== 'boolean' && !(v instanceof Tensor)) {
    throw new ValueError(`${op}: bounds must be numbers or tensors, got ${typeof v}`);
  }
}

/**
 * Clamps every element into [min, max] (either may be omitted; tensors broadcast):
 * `fl.clamp(x, 0, 1)`, `x.clamp(undefined, 6)`.
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`clamp: expected a Tensor, got ${typeof x}`);
  const lo = min ?? undefined, hi = max ?? undefined;
  checkBound(lo, 'clamp'); checkBound(hi, 'clamp');
  if (lo === undefined && hi === undefined) throw new ValueError('clamp: at least one of min and max must be given');
  if (lo instanceof Tensor || hi instanceof Tensor) {
    const a = lo === undefined ? x : maximum(x, lo);
    if (hi === undefined) return a;
    try { return minimum(a, hi); } finally { if (a !== x) a.dispose(); }
  }
  const args: PromoteArg[] = [{ dtype: x.dtype, ndim: x._shape.length }];
  if (lo !== undefined) args.push(lo as number);
  if (hi !== undefined) args.push(hi as number);
  const dt = resultType(...args);
  const src = dt === x.dtype ? x : contiguousCopy(x, 'clamp', dt);
  try {
    return unary('clamp', src, 'same', [lo !== undefined ? 1 : 0, +(lo ?? 0), hi !== undefined ? 1 : 0, +(hi ?? 0)]);
  } finally { if (src !== x) src.dispose(); }
}

/**
 * Picks from `a` where `cond` is true and from `b` elsewhere, broadcasting all three:
 * `fl.where(fl.gt(x, 0), x, 0)`.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor)) throw new ValueError(`where: condition must be a bool Tensor`);
  if (cond.dtype !== 'bool') throw new DTypeError(`where: condition must be bool, got ${String(cond.dtype)}`);
  a = asTensorArg(a, 'where'); b = asTensorArg(b, 'where');
  const dev = commonDevice('where', cond, a, b)!;
  const dt = resultType(promoteArg(a), promoteArg(b));
  const shape = broadcastShapes('where', cond._shape, a instanceof Tensor ? a._shape : [], b instanceof Tensor ? b._shape : []);
  const temps: Tensor[] = [];
  const res = emptyTensor(shape, dt, dev, false, 'where');
  try {
    run(WHERE_OP, 'where', res, [operand(cond, 'bool', shape, 'where', temps), operand(a, dt, shape, 'where', temps), operand(b, dt, shape, 'where', temps)], [], temps);
  } catch (e) { res.dispose(); throw e; }
  if (needsGrad(a, b)) {
    const ta = a, tb = b;
    record('where', [cond, a, b], [res], [cond], ([g], [c]) => scope(() => [
      null,
      ta instanceof Tensor ? sumToShape(where(c, g!, 0), ta._shape) : null,
      tb instanceof Tensor ? sumToShape(where(c, 0, g!), tb._shape) : null,
    ]));
  }
  return res;
}

/** `x` with `value` where `mask` (bool, broadcastable) is true: `x.maskedFill(fl.isnan(x), 0)`. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError('maskedFill: expected a Tensor');
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new DTypeError(`maskedFill: mask must be a bool Tensor${mask instanceof Tensor ? `, got ${String(mask.dtype)}` : ''}`);
  if (value instanceof Tensor && value.numel !== 1) throw new ShapeError(`maskedFill: value must be a number or a 1-element tensor, got shape ${fmt(value._shape)}`);
  const v = value instanceof Tensor ? value.item() : value;
  const dev = commonDevice('maskedFill', x, mask)!;
  const shape = broadcastShapes('maskedFill', x._shape, mask._shape);
  const temps: Tensor[] = [];
  const res = emptyTensor(shape, x.dtype, dev, false, 'maskedFill');
  try {
    run(WHERE_OP, 'maskedFill', res, [operand(mask, 'bool', shape, 'maskedFill', temps), { scalar: +v, dtype: x.dtype }, operand(x, x.dtype, shape, 'maskedFill', temps)], [], temps);
  } catch (e) { res.dispose(); throw e; }
  if (needsGrad(x)) {
    record('maskedFill', [x], [res], [mask], ([g], [m]) => scope(() => [sumToShape(where(m, 0, g!), x._shape)]));
  }
  return res;
}

// ---- methods ---------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    add(other: TensorLike, alpha?: AlphaArg): Tensor;
    sub(other: TensorLike, alpha?: AlphaArg): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike, roundingMode?: 'floor' | 'trunc'): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    remainder(other: TensorLike): Tensor;
    floorDivide(other: TensorLike): Tensor;
    atan2(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalXor(other: TensorLike): Tensor;
    neg(): Tensor; abs(): Tensor; sign(): Tensor; exp(): Tensor; exp2(): Tensor; log(): Tensor; log2(): Tensor;
    log10(): Tensor; log1p(): Tensor; expm1(): Tensor; sqrt(): Tensor; rsqrt(): Tensor; square(): Tensor;
    sin(): Tensor; cos(): Tensor; tan(): Tensor; asin(): Tensor; acos(): Tensor; atan(): Tensor; sinh(): Tensor;
    cosh(): Tensor; tanh(): Tensor; sigmoid(): Tensor; relu(): Tensor; leakyRelu(negativeSlope?: number): Tensor;
    softplus(): Tensor; gelu(approximate?: 'none' | 'tanh'): Tensor; silu(): Tensor; erf(): Tensor; floor(): Tensor;
    ceil(): Tensor; round(): Tensor; trunc(): Tensor; reciprocal(): Tensor; logicalNot(): Tensor; isnan(): Tensor;
    isinf(): Tensor; isfinite(): Tensor;
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    where(cond: Tensor, other: TensorLike): Tensor;
    maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor;
    /** In place: `t.add_(1)` adds into t and returns t. */
    add_(other: TensorLike, alpha?: AlphaArg): Tensor;
    sub_(other: TensorLike, alpha?: AlphaArg): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
    pow_(exponent: TensorLike): Tensor;
    neg_(): Tensor; abs_(): Tensor; exp_(): Tensor; log_(): Tensor; sqrt_(): Tensor; sigmoid_(): Tensor;
    tanh_(): Tensor; relu_(): Tensor; floor_(): Tensor; ceil_(): Tensor; round_(): Tensor; reciprocal_(): Tensor;
    clamp_(min?: number | null, max?: number | null): Tensor;
    maskedFill_(mask: Tensor, value: number | boolean): Tensor;
  }
}

const P = Tensor.prototype;
const binaries: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = {
  mul, pow, maximum, minimum, remainder, floorDivide, atan2, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor,
};
for (const [name, fn] of Object.entries(binaries)) {
  (P as any)[name] = function (this: Tensor, o: TensorLike) { return fn(this, o); };
}
P.add = function (o, alpha) { return add(this, o, alpha); };
P.sub = function (o, alpha) { return sub(this, o, alpha); };
P.div = function (o, mode) { return div(this, o, mode); };
const unaries: Record<string, (x: Tensor) => Tensor> = {
  neg, abs, sign, exp, exp2, log, log2, log10, log1p, expm1, sqrt, rsqrt, square, sin, cos, tan, asin, acos, atan,
  sinh, cosh, tanh, sigmoid, relu, softplus, silu, erf, floor, ceil, round, trunc, reciprocal, logicalNot, isnan,
  isinf, isfinite,
};
for (const [name, fn] of Object.entries(unaries)) {
  (P as any)[name] = function (this: Tensor) { return fn(this); };
}
P.leakyRelu = function (s) { return leakyRelu(this, s); };
P.gelu = function (a) { return gelu(this, a); };
P.clamp = function (lo, hi) { return clamp(this, lo, hi); };
P.where = function (cond, other) { return where(cond, this, other); };
P.maskedFill = function (mask, v) { return maskedFill(this, mask, v); };

function inplaceBinary(op: 'add' | 'sub' | 'mul' | 'div' | 'pow', kind: BinaryKind) {
  return function (this: Tensor, o: TensorLike, alphaArg?: AlphaArg): Tensor {
    const alpha = readAlpha(alphaArg, `${op}_`);
    if (alpha !== undefined && op !== 'add' && op !== 'sub') throw new ValueError(`${op}_: takes one operand, got a second argument`);
    if ((op === 'add' || op === 'sub') && alpha !== undefined && alpha !== 1) {
      const s = mul(o, alpha);
      try { return binary(op, this, s, kind, this); } finally { s.dispose(); }
    }
    return binary(op, this, o, kind, this);
  };
}
P.add_ = inplaceBinary('add', 'arith');
P.sub_ = inplaceBinary('sub', 'arith');
P.mul_ = inplaceBinary('mul', 'arith');
P.div_ = inplaceBinary('div', 'float');
P.pow_ = inplaceBinary('pow', 'arith');
const inplaceUnary: [string, keyof typeof UNARY, UnaryKind][] = [
  ['neg_', 'neg', 'signed'], ['abs_', 'abs', 'same'], ['exp_', 'exp', 'float'], ['log_', 'log', 'float'],
  ['sqrt_', 'sqrt', 'float'], ['sigmoid_', 'sigmoid', 'float'], ['tanh_', 'tanh', 'float'], ['relu_', 'relu', 'signed'],
  ['floor_', 'floor', 'same'], ['ceil_', 'ceil', 'same'], ['round_', 'round', 'same'], ['reciprocal_', 'reciprocal', 'float'],
];
for (const [m, op, kind] of inplaceUnary) {
  (P as any)[m] = function (this: Tensor) { return unary(op, this, kind, [], this, op); };
}
P.clamp_ = function (lo, hi) {
  checkBound(lo ?? undefined, 'clamp_'); checkBound(hi ?? undefined, 'clamp_');
  if ((lo as unknown) instanceof Tensor || (hi as unknown) instanceof Tensor) throw new ValueError('clamp_: bounds must be numbers');
  if ((lo ?? undefined) === undefined && (hi ?? undefined) === undefined) throw new ValueError('clamp_: at least one of min and max must be given');
  return unary('clamp', this, 'same', [lo != null ? 1 : 0, +(lo ?? 0), hi != null ? 1 : 0, +(hi ?? 0)], this, 'clamp');
};
P.maskedFill_ = function (mask, v) {
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new DTypeError('maskedFill_: mask must be a bool Tensor');
  checkInplace(this, 'maskedFill_');
  commonDevice('maskedFill_', this, mask);
  const shape = broadcastShapes('maskedFill_', this._shape, mask._shape);
  if (!sameShape(shape, this._shape)) throw new ShapeError(`maskedFill_: mask ${fmt(mask._shape)} does not broadcast to ${fmt(this._shape)}`);
  const temps: Tensor[] = [];
  run(WHERE_OP, 'maskedFill_', this, [operand(mask, 'bool', shape, 'maskedFill_', temps), { scalar: +v, dtype: this.dtype }, this], [], temps);
  return this;
};
