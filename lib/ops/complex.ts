// complex.ts — complex tensors (complex64, complex128): torch.view_as_real / view_as_complex,
// .real / .imag, complex / polar, conj, angle, and the complex forms of the generic ops.
//
// STABLE (other op files, e.g. fft.ts, build on these; their names and meaning will not change):
//   the dtypes 'complex64' / 'complex128' (lib/dtype.ts: isComplexDType, componentDType,
//   complexDTypeFor), viewAsReal(z), viewAsComplex(x), isComplex(x), complex(re, im).
//
// Storage is interleaved (re, im). A complex tensor's shape, strides and offset count complex
// elements; viewAsReal(z) is the view of the same storage as the parts' dtype with shape
// [...shape, 2], strides [...2·strides, 1] and offset 2·offset, and viewAsComplex is its inverse.
// No native kernel sees a complex dtype (lib/tensor.ts: THE COMPLEX GUARD refuses complex operands
// of every op that is not complex-aware, with a DTypeError naming the op). Every op here is a
// composition of real ops on the parts, so it runs on every device the real ops run on, and autograd
// is automatic: the gradient of a real loss L reaching a complex z is dL/d(Re z) + i·dL/d(Im z), as
// torch's convention. abs and angle have their own nodes (torch's gradients at 0).
//
// JavaScript has no complex number, so values cross as parts: `fl.tensor(numbers, { dtype:
// 'complex64' })` takes real parts (imaginary 0) and `fl.complex(re, im)` / `fl.polar` the rest;
// `dataSync()` gives the parts interleaved (a Float32Array/Float64Array of 2·numel), `toArray()`
// `{ re, im }` objects (tensor.ts's Complex), and `item()` refuses (`z.real.item()`). A complex JS
// scalar operand is a 0-dim tensor: `z.mul(fl.complex(fl.zeros([]), fl.ones([])))` (times i).
//
// The generic ops (add, mul, exp, sum, where, matmul, …) reach this file through tensor.ts's
// `complexHooks` when an operand is complex; arithmetic follows torch 1.13's CPU formulas (a real
// operand is promoted to complex first, so inf·0 gives NaN as there; division is the textbook
// (ac + bd)/(c² + d²), which overflows as torch's does).
//
// Reductions and scans: sum/mean on the real view; prod and cumprod as products only (a halving tree,
// a Hillis–Steele scan), so a zero factor's gradient is the product of the others, finite as torch's;
// cumsum on the real view; var/std real (var(Re) + var(Im) = mean |x − μ|², any correction). Ops that
// have no hook of their own (cumsum, cumprod, tril/triu, torch.linalg: complex-linalg.ts) reach
// `complexHooks.composite` with a key; COMPOSITES maps each key to its complex form.
//
// The conjugate bit: torch's conj() is lazy (a view with is_conj() true, resolved by resolve_conj or
// by the op that reads it). flintml's is materialized: every composition here reads plain values, and
// a flag that each of them had to honour would be one more way to be wrong for no observable gain
// beyond memory. What differs from torch: isConj() is always false, conj(z) does not alias z (a write
// to z after conj does not reach it), and resolveConj is a view of its input. The values of conj,
// conjPhysical and resolveConj are torch's.
import { tooManyArgs } from '../args';
import { describeArg } from '../arity';
import { needsGrad, noGrad, record } from '../autograd';
import { complexDTypeFor, componentDType, DType, DTYPE_CODE, isComplexDType, isFloating, resultType, PromoteArg, hostArrayFor } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { binding, guard, transfer } from '../native';
import { broadcastShapes, fmt, normDim, normDims } from '../shape';
import { complexAsReal, complexHooks, complexRefusal, copyInto, isComplexTensor, scopeSync, Tensor, TensorLike } from '../tensor';
import { fillInPlace, ones, zeros } from './creation';
import {
  add, atan2, cos, cosh, eq, exp, isfinite, isinf, isnan, log, logicalAnd, logicalNot, logicalOr, lt, mul, ne, neg, sin, sinh,
  sqrt, sub, where, div, le, checkInplace,
} from './elementwise';
import { matmul } from './matmul';
import { traced } from '../trace';
import { sum, mean, var as variance } from './reduce';
import { cat, expand, narrow, permute, reshape, select, squeeze, stack, unsqueeze } from './views';
import { flip, gather, indexSelect, tril, triu } from './indexing';
import { cumprod, cumsum } from './softmax';

const P = Tensor.prototype;

// ---- the views -----------------------------------------------------------------------------------

function needTensor(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(x)}`);
  x._storageHandle(op);
  return x;
}

/**
 * The real view of a complex tensor, sharing its storage: dtype float32 (complex64) or float64
 * (complex128), shape [...z.shape, 2] with the real part at [..., 0] and the imaginary part at
 * [..., 1] (torch.view_as_real). Writes through it change z. Differentiable.
 *
 * ```ts
 * const z = fl.complex(fl.tensor([1, 2]), fl.tensor([3, 4]));  // [1+3j, 2+4j]
 * fl.viewAsReal(z).toArray();                                   // [[1, 3], [2, 4]]
 * ```
 */
export function viewAsReal(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('viewAsReal', 'input', arguments);
  const z = needTensor(input, 'viewAsReal');
  if (!isComplexDType(z.dtype)) throw new DTypeError(`viewAsReal: only complex tensors are supported, got ${String(z.dtype)} (shape ${fmt(z._shape)})`);
  const r = complexAsReal(z, 'viewAsReal');
  const out = r._view(r._shape, r._strides, r._offset);  // a tensor of the current scope, as every op's result
  r.dispose();
  if (needsGrad(z)) record('viewAsReal', [z], [out], [], ([g]) => scopeSync(() => [viewAsComplex(g!.contiguous())]), true);
  return traced('viewAsReal', [z], out, (g, [v]) => g.op('Identity', [v.name]));
}

/**
 * The complex view of a float32/float64 tensor whose last dim holds (real, imaginary) pairs
 * (torch.view_as_complex): shape x.shape without the last dim. The last dim must have size 2 and
 * stride 1, the other strides and the offset must be even. Shares storage; differentiable.
 *
 * ```ts
 * const z = fl.viewAsComplex(fl.tensor([[1, 3], [2, 4]], { dtype: 'float32' }));  // [1+3j, 2+4j]
 * ```
 */
export function viewAsComplex(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('viewAsComplex', 'input', arguments);
  const x = needTensor(input, 'viewAsComplex');
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`viewAsComplex: only float32 and float64 tensors are supported, got ${String(x.dtype)}`);
  }
  const nd = x.ndim;
  if (nd === 0) throw new ShapeError('viewAsComplex: the input must have one or more dims, got a 0-dim tensor');
  if (x._shape[nd - 1] !== 2) throw new ShapeError(`viewAsComplex: the last dim must have size 2, got shape ${fmt(x._shape)}`);
  if (x._strides[nd - 1] !== 1) throw new ShapeError(`viewAsComplex: the last dim must have stride 1, got strides ${fmt(x._strides)}`);
  for (let d = 0; d < nd - 1; d++) {
    if (x._strides[d] % 2 !== 0) throw new ShapeError(`viewAsComplex: every stride but the last must be divisible by 2, got strides ${fmt(x._strides)}`);
  }
  if (x._offset % 2 !== 0) throw new ShapeError(`viewAsComplex: the storage offset must be divisible by 2, got ${String(x._offset)}`);
  const shape = x._shape.slice(0, nd - 1), strides = x._strides.slice(0, nd - 1).map((s) => s / 2);
  const out = new Tensor(x._storage, shape, strides, x._offset / 2, complexDTypeFor(x.dtype));
  if (needsGrad(x)) record('viewAsComplex', [x], [out], [], ([g]) => scopeSync(() => [viewAsReal(g!)]), true);
  return traced('viewAsComplex', [x], out, (g, [v]) => g.op('Identity', [v.name]));
}

/** Whether `input` is a complex tensor (complex64 or complex128), as torch.is_complex. `fl.isComplex(z) // true` */
export function isComplex(input: Tensor): boolean {
  if (arguments.length > 1) tooManyArgs('isComplex', 'input', arguments);
  if (!(input instanceof Tensor)) throw new ValueError(`isComplex: input must be a Tensor, got ${describeArg(input)}`);
  return isComplexDType(input.dtype);
}

/**
 * The real part: for a complex tensor a view of its storage (float32/float64, strided), for a real
 * tensor a view of all of it (torch returns the tensor itself). Differentiable. `fl.real(z)`, `z.real`
 */
export function real(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('real', 'input', arguments);
  const x = needTensor(input, 'real');
  if (!isComplexDType(x.dtype)) return x.view(x._shape);
  return scopeSync(() => select(viewAsReal(x), -1, 0));
}

/** The imaginary part of a complex tensor, a view of its storage; a real tensor has none (DTypeError, as torch). `fl.imag(z)`, `z.imag` */
export function imag(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('imag', 'input', arguments);
  const x = needTensor(input, 'imag');
  if (!isComplexDType(x.dtype)) throw new DTypeError(`imag: imag is not implemented for tensors with non-complex dtypes (got ${String(x.dtype)})`);
  return scopeSync(() => select(viewAsReal(x), -1, 1));
}

// ---- parts and assembly --------------------------------------------------------------------------

/** A real operand of the part arithmetic: a real tensor or a JS number. */
type Part = Tensor | number;

/** The (real, imaginary) parts of an operand: views of a complex tensor; (x, 0) for a real one. */
function parts(x: TensorLike): [Part, Part] {
  if (isComplexTensor(x)) {
    const r = viewAsReal(x as Tensor);
    return [select(r, -1, 0), select(r, -1, 1)];
  }
  return [typeof x === 'boolean' ? +x : x, 0];
}

const pAdd = (a: Part, b: Part): Part => (typeof a === 'number' && typeof b === 'number' ? a + b : add(a, b));
const pSub = (a: Part, b: Part): Part => (typeof a === 'number' && typeof b === 'number' ? a - b : sub(a, b));
const pMul = (a: Part, b: Part): Part => (typeof a === 'number' && typeof b === 'number' ? a * b : mul(a, b));
const pDiv = (a: Part, b: Part): Part => (typeof a === 'number' && typeof b === 'number' ? a / b : div(a, b));

/** A fresh complex tensor of dtype `dt` (complex) from its parts, broadcast to `shape`. */
function assemble(re: Part, im: Part, dt: DType, shape: readonly number[], device: string): Tensor {
  const comp = componentDType(dt);
  const full = (p: Part): Tensor => {
    let t = typeof p === 'number' ? zeros(shape as number[], { dtype: comp, device }).add(p) : p;
    if (t.dtype !== comp) t = t.to(comp);
    if (t._shape.length !== shape.length || t._shape.some((s, i) => s !== shape[i])) t = expand(t, shape);
    return t;
  };
  return viewAsComplex(stack([full(re), full(im)], -1));
}

function shapeOf(x: TensorLike): readonly number[] { return x instanceof Tensor ? x._shape : []; }
function deviceOf(a: TensorLike, b: TensorLike, op: string): string {
  if (a instanceof Tensor && b instanceof Tensor && a.device !== b.device) {
    throw new ShapeError(`${op}: expected both operands on one device, got ${describeArg(a.device)} and ${describeArg(b.device)}`);
  }
  return a instanceof Tensor ? a.device : (b as Tensor).device;
}
const promo = (x: TensorLike): PromoteArg => (x instanceof Tensor ? { dtype: x.dtype, ndim: x._shape.length } : x);

// ---- creation ------------------------------------------------------------------------------------

function needFloatPair(re: unknown, im: unknown, op: string, names: [string, string]): [Tensor, Tensor] {
  const a = needTensor(re, op, names[0]), b = needTensor(im, op, names[1]);
  if (!isFloating(a.dtype) || a.dtype === 'float16' || a.dtype === 'bfloat16' || a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: expected ${names[0]} and ${names[1]} of one dtype, float32 or float64, got ${String(a.dtype)} and ${String(b.dtype)}`);
  }
  if (a.device !== b.device) throw new ShapeError(`${op}: expected ${names[0]} and ${names[1]} on one device, got ${describeArg(a.device)} and ${describeArg(b.device)}`);
  return [a, b];
}

/**
 * A complex tensor from its real and imaginary parts (float32 → complex64, float64 → complex128;
 * both of one dtype, broadcast together), as torch.complex. Differentiable.
 *
 * ```ts
 * const z = fl.complex(fl.tensor([1, 2], { dtype: 'float32' }), fl.tensor([0.5, -1], { dtype: 'float32' }));
 * z.toArray();  // [{ re: 1, im: 0.5 }, { re: 2, im: -1 }]
 * ```
 */
export function complex(real: Tensor, imag: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('complex', 'real, imag', arguments);
  const [a, b] = needFloatPair(real, imag, 'complex', ['real', 'imag']);
  const shape = broadcastShapes('complex', a._shape, b._shape);
  return scopeSync(() => assemble(a, b, complexDTypeFor(a.dtype), shape, a.device));
}

/**
 * The complex tensor `abs·(cos(angle) + i·sin(angle))` (torch.polar): both float32 or both float64.
 * Differentiable. `fl.polar(fl.ones([2]), fl.tensor([0, Math.PI / 2], { dtype: 'float32' }))`
 */
export function polar(abs: Tensor, angle: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('polar', 'abs, angle', arguments);
  const [r, t] = needFloatPair(abs, angle, 'polar', ['abs', 'angle']);
  const shape = broadcastShapes('polar', r._shape, t._shape);
  return scopeSync(() => assemble(mul(r, cos(t)), mul(r, sin(t)), complexDTypeFor(r.dtype), shape, r.device));
}

/** The real view of complex t as a tensor of the same storage (no autograd; the caller disposes it). */
function rawReal(t: Tensor, op: string): Tensor { return complexAsReal(t, op); }

complexHooks.fill = (t, v, op) => {
  const r = rawReal(t, op);
  try {
    const re = r._view(t._shape, r._strides.slice(0, -1), r._offset), im = r._view(t._shape, r._strides.slice(0, -1), r._offset + 1);
    try { fillInPlace(re, v, op); fillInPlace(im, 0, op); } finally { re.dispose(); im.dispose(); }
  } finally { r.dispose(); }
};

complexHooks.upload = (t, values) => {
  const n = values.length, comp = componentDType(t.dtype);
  const host = hostArrayFor(comp, 2 * n);
  for (let i = 0; i < n; i++) host[2 * i] = +values[i];
  const h = t._storageHandle('tensor');
  if (t._storage.device.type === 1) transfer('HtoD', host.byteLength, () => binding.upload(h, 0, host, DTYPE_CODE[comp]));
  else guard(() => binding.upload(h, 0, host, DTYPE_CODE[comp]));
};

// ---- conjugation ---------------------------------------------------------------------------------

/**
 * The complex conjugate, materialized (torch.conj returns a lazy view; flintml has no conjugate bit,
 * so `isConj()` is always false). A real tensor's is a view of itself. `fl.conj(z)`
 */
export function conj(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('conj', 'input', arguments);
  const x = needTensor(input, 'conj');
  if (!isComplexDType(x.dtype)) return x.view(x._shape);
  return scopeSync(() => { const [re, im] = parts(x); return assemble(re, neg(im as Tensor), x.dtype, x._shape, x.device); });
}
/** The complex conjugate as new memory (torch.conj_physical); a real tensor is copied. `fl.conjPhysical(z)` */
export function conjPhysical(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('conjPhysical', 'input', arguments);
  const x = needTensor(input, 'conjPhysical');
  return isComplexDType(x.dtype) ? conj(x) : x.clone();
}
/** `input` with its conjugation resolved (torch.resolve_conj): flintml's conj is never lazy, so a view of input. `fl.resolveConj(z)` */
export function resolveConj(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('resolveConj', 'input', arguments);
  const x = needTensor(input, 'resolveConj');
  return x.view(x._shape);
}

/** conj(a)·b summed over the two 1-D tensors (torch.vdot: the first operand is conjugated). `fl.vdot(a, b)` */
export function vdot(input: Tensor, other: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('vdot', 'input, other', arguments);
  const a = needTensor(input, 'vdot'), b = needTensor(other, 'vdot', 'other');
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`vdot: expected 1-D tensors, got ${fmt(a._shape)} and ${fmt(b._shape)}`);
  if (a.numel !== b.numel) throw new ShapeError(`vdot: inconsistent tensor sizes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  if (a.dtype !== b.dtype) throw new DTypeError(`vdot: expected both vectors to have the same dtype, got ${String(a.dtype)} and ${String(b.dtype)}`);
  return scopeSync(() => matmul(conj(a), b));
}

// ---- abs, angle, sgn -----------------------------------------------------------------------------

/** |z| as a real tensor: sqrt(re² + im²) (torch 1.13's formula); gradient g·sgn(z) (0 at z = 0). */
function complexAbs(z: Tensor): Tensor {
  const out = noGrad(() => scopeSync(() => { const [re, im] = parts(z); return sqrt(add(mul(re, re), mul(im, im))); }));
  if (needsGrad(z)) record('abs', [z], [out], [z], ([g], [zs]) => scopeSync(() => [mul(complexSgn(zs), g!)]), true);
  return out;
}

/** z/|z|, 0 where z = 0. */
function complexSgn(z: Tensor): Tensor {
  return scopeSync(() => {
    const r = complexAbs(z);
    return binaryComplex('div', z, where(eq(r, 0), 1, r));
  });
}

/**
 * The argument of each element in radians (torch.angle): atan2(im, re) for complex tensors, 0 or π
 * for real ones (NaN stays NaN; integers give the default dtype). Gradient 0 at z = 0, as torch. `fl.angle(z)`
 */
export function angle(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('angle', 'input', arguments);
  const x = needTensor(input, 'angle');
  if (!isComplexDType(x.dtype)) {
    x._handleFor('angle');
    if (x.dtype === 'bool') throw new DTypeError('angle: not supported for bool tensors');
    const f = isFloating(x.dtype) ? x : x.to(getDefaultDtype());
    return scopeSync(() => noGrad(() => where(isnan(f), f, mul(lt(f, 0), Math.PI).to(f.dtype))));
  }
  const out = noGrad(() => scopeSync(() => { const [re, im] = parts(x); return atan2(im, re); }));
  if (needsGrad(x)) {
    record('angle', [x], [out], [x], ([g], [zs]) => scopeSync(() => {
      // d angle / d(re) = -im/|z|², d angle / d(im) = re/|z|²: the gradient g·(-im + i·re)/|z|²
      const [re, im] = parts(zs);
      const r2 = add(mul(re, re), mul(im, im));
      const den = where(eq(r2, 0), 1, r2);
      return [assemble(div(mul(neg(im as Tensor), g!), den), div(mul(re, g!), den), zs.dtype, zs._shape, zs.device)];
    }), true);
  }
  return out;
}

// ---- the hooks: elementwise ----------------------------------------------------------------------

function resultDType(a: TensorLike, b: TensorLike): DType {
  const dt = resultType(promo(a), promo(b));
  return isComplexDType(dt) ? dt : complexDTypeFor(dt);
}

function binaryComplex(code: string, a: TensorLike, b: TensorLike): Tensor {
  const isBool = (x: TensorLike): boolean => typeof x === 'boolean' || (x instanceof Tensor && x.dtype === 'bool');
  if (code === 'sub' && (isBool(a) || isBool(b))) throw new DTypeError('sub: subtraction of bool tensors is not supported; use logicalXor or logicalNot');
  const dev = deviceOf(a, b, code);
  const dt = resultDType(a, b);
  const shape = broadcastShapes(code, shapeOf(a), shapeOf(b));
  return scopeSync(() => {
    // a real tensor operand is promoted to the result's parts' dtype first (bool and integers too), as torch's
    const comp = componentDType(dt);
    const up = (x: TensorLike): TensorLike => (x instanceof Tensor && !isComplexDType(x.dtype) && x.dtype !== comp ? x.to(comp) : x);
    const [ar, ai] = parts(up(a)), [br, bi] = parts(up(b));
    switch (code) {
      // torch computes a ± alpha·b with the complex product alpha·b (alpha = 1 + 0j): a NaN or an
      // infinity in one part of b reaches both (inf·0 = NaN), so a + b and b + a may differ there
      case 'add': case 'sub': {
        const sr = pSub(br, pMul(bi, 0)), si = pAdd(pMul(br, 0), bi);
        return code === 'add' ? assemble(pAdd(ar, sr), pAdd(ai, si), dt, shape, dev) : assemble(pSub(ar, sr), pSub(ai, si), dt, shape, dev);
      }
      case 'mul': return assemble(pSub(pMul(ar, br), pMul(ai, bi)), pAdd(pMul(ar, bi), pMul(ai, br)), dt, shape, dev);
      case 'div': {
        const den = pAdd(pMul(br, br), pMul(bi, bi));
        return assemble(pDiv(pAdd(pMul(ar, br), pMul(ai, bi)), den), pDiv(pSub(pMul(ai, br), pMul(ar, bi)), den), dt, shape, dev);
      }
      case 'eq': case 'ne': {
        const same = logicalAnd(eqPart(ar, br, dev), eqPart(ai, bi, dev));
        const r = code === 'eq' ? same : logicalNot(same);
        return r._shape.length === shape.length ? r : expand(r, shape);
      }
      case 'pow': return powComplex(a, b, dt, shape, dev);
      default: throw complexRefusal(code, dt);
    }
  });
}
function eqPart(x: Part, y: Part, dev: string): Tensor {
  if (typeof x === 'number' && typeof y === 'number') return ones([], { dtype: 'bool', device: dev }).mul(x === y);
  return eq(x, y);
}

/**
 * a ** b. A real exponent k as torch 1.13's pow_tensor_scalar: products for k = 2, 3, -1, -2, sqrt for
 * ±0.5, otherwise the polar form (|a|^k, k·arg a) (std::pow); a tensor exponent: exp(b·log a).
 */
function powComplex(a: TensorLike, b: TensorLike, dt: DType, shape: readonly number[], dev: string): Tensor {
  if (typeof b === 'number' || typeof b === 'boolean') {
    const k = +b, z = a as Tensor;
    const zc = z.dtype === dt ? z : z.to(dt);
    if (k === 0) {  // ones, with torch's zero gradient
      const one = noGrad(() => assemble(ones(shape as number[], { dtype: componentDType(dt), device: dev }), 0, dt, shape, dev));
      if (needsGrad(zc)) record('pow', [zc], [one], [], ([g]) => [zeros(zc._shape as number[], { dtype: zc.dtype, device: g!.device })], true);
      return one;
    }
    if (k === 1) return zc.clone();
    if (k === 2) return binaryComplex('mul', zc, zc);
    if (k === 3) return binaryComplex('mul', binaryComplex('mul', zc, zc), zc);
    if (k === -1) return binaryComplex('div', 1, zc);
    if (k === -2) return binaryComplex('div', 1, binaryComplex('mul', zc, zc));
    if (k === 0.5) return unaryComplex('sqrt', zc);
    if (k === -0.5) return binaryComplex('div', 1, unaryComplex('sqrt', zc));
    const r = complexAbs(zc), t = angle(zc);
    const rk = r.pow(k), kt = mul(t, k);
    return assemble(mul(rk, cos(kt)), mul(rk, sin(kt)), dt, shape, dev);
  }
  const base = a instanceof Tensor ? (a.dtype === dt ? a : a.to(dt)) : assemble(+a, 0, dt, [], dev);
  return unaryComplex('exp', binaryComplex('mul', b, unaryComplex('log', base)));
}

function unaryComplex(code: string, z: Tensor): Tensor {
  return scopeSync(() => {
    const dt = z.dtype, sh = z._shape, dev = z.device;
    const [x, y] = parts(z) as [Tensor, Tensor];
    switch (code) {
      case 'neg': return assemble(neg(x), neg(y), dt, sh, dev);
      case 'abs': return complexAbs(z);
      case 'sgn': return complexSgnOut(z);
      case 'square': return binaryComplex('mul', z, z);
      case 'reciprocal': return binaryComplex('div', 1, z);
      case 'exp': { const e = exp(x); return assemble(mul(e, cos(y)), mul(e, sin(y)), dt, sh, dev); }
      case 'log': return assemble(log(complexAbs(z)), angle(z), dt, sh, dev);
      case 'sqrt': {
        const r = sqrt(complexAbs(z)), h = mul(angle(z), 0.5);
        return assemble(mul(r, cos(h)), mul(r, sin(h)), dt, sh, dev);
      }
      case 'sin': return assemble(mul(sin(x), cosh(y)), mul(cos(x), sinh(y)), dt, sh, dev);
      case 'cos': return assemble(mul(cos(x), cosh(y)), neg(mul(sin(x), sinh(y))), dt, sh, dev);
      case 'tanh': {
        // tanh(x + iy) = (sinh 2x + i sin 2y) / (cosh 2x + cos 2y)
        const x2 = mul(x, 2), y2 = mul(y, 2), den = add(cosh(x2), cos(y2));
        return assemble(div(sinh(x2), den), div(sin(y2), den), dt, sh, dev);
      }
      case 'isnan': return logicalOr(isnan(x), isnan(y));
      case 'isinf': return logicalOr(isinf(x), isinf(y));
      case 'isfinite': return logicalAnd(isfinite(x), isfinite(y));
      default: throw complexRefusal(code, dt);
    }
  });
}
function complexSgnOut(z: Tensor): Tensor {
  return scopeSync(() => { const r = complexAbs(z); return where(eq(r, 0), zeros([], { dtype: z.dtype, device: z.device }), complexSgn(z)); });
}

/** An in-place complex op: the result computed, then written into `out` (as torch, a complex result cannot go into a real tensor). */
function inPlace(op: string, out: Tensor, compute: () => Tensor): Tensor {
  checkInplace(out, op + '_');
  const r = compute();
  try {
    if (isComplexDType(r.dtype) && !isComplexDType(out.dtype)) throw new DTypeError(`${op}_: result type ${String(r.dtype)} can't be cast to the in-place tensor's dtype ${String(out.dtype)}`);
    if (r._shape.length !== out._shape.length || r._shape.some((s, i) => s !== out._shape[i])) {
      throw new ShapeError(`${op}_: result shape ${fmt(r._shape)} does not match the in-place tensor's shape ${fmt(out._shape)}`);
    }
    copyInto(out, r, op + '_');
    out._storage.version++;
  } finally { r.dispose(); }
  return out;
}

complexHooks.binary = (code, a, b, out) => (out ? inPlace(code, out, () => binaryComplex(code, a, b)) : binaryComplex(code, a, b));
complexHooks.unary = (code, x, out) => (out ? inPlace(code, out, () => unaryComplex(code, x)) : unaryComplex(code, x));

complexHooks.where = (cond, a, b) => {
  const dev = deviceOf(a, b, 'where');
  const dt = resultDType(a, b);
  const shape = broadcastShapes('where', cond._shape, shapeOf(a), shapeOf(b));
  return scopeSync(() => {
    const [ar, ai] = parts(a), [br, bi] = parts(b);
    const comp = componentDType(dt);
    const pick = (x: Part, y: Part): Tensor => where(cond, typeof x === 'number' ? x : x.to(comp), typeof y === 'number' ? y : y.to(comp));
    return assemble(pick(ar, br), pick(ai, bi), dt, shape, dev);
  });
};

// ---- the hooks: reductions and matmul ------------------------------------------------------------

complexHooks.reduce = (op, x, o) => {
  if (op !== 'sum' && op !== 'mean' && op !== 'prod' && op !== 'var' && op !== 'std') throw complexRefusal(op, x.dtype);
  const options = o as { dim?: number | readonly number[] | null; keepdim?: boolean; dtype?: DType };
  if (options.dtype !== undefined && options.dtype !== x.dtype) throw new DTypeError(`${op}: the dtype option is not supported for ${String(x.dtype)} tensors`);
  // var/std: mean |x − μ|² is the parts' variances summed (a real result, as torch's), any correction
  if (op === 'var' || op === 'std') {
    return scopeSync(() => {
      const [re, im] = parts(x) as [Tensor, Tensor];
      const v = add(variance(re, o), variance(im, o));
      if (op === 'var') return v;
      // torch's std gradient is 0 where std is 0 (not 0/0)
      const zero = eq(v, 0);
      return where(zero, 0, sqrt(where(zero, 1, v)));
    });
  }
  const dims = options.dim === undefined || options.dim === null || (Array.isArray(options.dim) && options.dim.length === 0)
    ? x._shape.map((_, i) => i) : normDims(options.dim as number | readonly number[], Math.max(x.ndim, 1), op).filter((d) => d < x.ndim);
  const keepdim = options.keepdim ?? false;
  if (op === 'prod') {
    return scopeSync(() => {
      if (options.dim === undefined || options.dim === null) {
        const p = prodAlong(reshape(x, [-1]), 0);
        return keepdim ? reshape(p, x._shape.map(() => 1)) : reshape(p, []);
      }
      if (x.ndim === 0) return x.clone();
      const p = prodAlong(x, dims[0]);
      return keepdim ? p : squeeze(p, dims[0]);
    });
  }
  return scopeSync(() => {
    const r = viewAsReal(x);
    const f = op === 'sum' ? sum : mean;
    const s = dims.length === 0 ? r.clone() : f(r, { dim: dims, keepdim });
    return viewAsComplex(s.contiguous());
  });
};

complexHooks.matmul = (op, a, b) => {
  const dt = resultDType(a, b);
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: expected both operands to have one dtype, got ${String(a.dtype)} and ${String(b.dtype)}`);
  return scopeSync(() => {
    const [ar, ai] = parts(a) as [Tensor, Tensor], [br, bi] = parts(b) as [Tensor, Tensor];
    const re = sub(matmul(ar, br), matmul(ai, bi)), im = add(matmul(ar, bi), matmul(ai, br));
    return assemble(re, im, dt, re._shape, a.device);
  });
};

// ---- products and scans --------------------------------------------------------------------------

/**
 * The complex product of z's slices along dim d, kept as a dim of size 1 (1 for an empty dim): the
 * first half times the second, log2(n) times. No division, so a zero factor gets the product of the
 * others as its gradient, finite as torch's (whose backward divides only where no factor is 0).
 */
function prodAlong(z: Tensor, d: number): Tensor {
  const n0 = z._shape[d];
  if (n0 === 0) return binaryComplex('add', sum(z, { dim: d, keepdim: true }), 1);  // 1, in the graph (an empty gradient)
  if (n0 === 1) return z.clone();
  let cur = z;
  while (cur._shape[d] > 1) {
    const n = cur._shape[d], h = Math.floor(n / 2);
    const p = binaryComplex('mul', narrow(cur, d, 0, h), narrow(cur, d, h, h));
    cur = n % 2 === 1 ? cat([p, narrow(cur, d, 2 * h, 1)], d) : p;
  }
  return cur;
}

/** The dtype argument of a complex cumsum/cumprod: none, or the dtype to compute in (a real one keeps the real part, as torch's cast). */
function scanInput(x: Tensor, dtype: unknown, op: string): Tensor {
  if (dtype === undefined || dtype === null || dtype === x.dtype) return x;
  if (typeof dtype !== 'string') throw new DTypeError(`${op}: dtype must be a dtype name, got ${describeArg(dtype)}`);
  return x.to(dtype as DType);
}

/** cumsum of a complex tensor: the running sum of its real view (the parts add independently). */
function complexCumsum(x: Tensor, dim: number, dtype: unknown): Tensor {
  return scopeSync(() => {
    const z = scanInput(x, dtype, 'cumsum');
    if (!isComplexDType(z.dtype)) return cumsum(z, dim);
    const d = normDim(dim, Math.max(z.ndim, 1), 'cumsum');
    if (z.ndim === 0) return z === x ? x.clone() : z;
    return viewAsComplex(cumsum(viewAsReal(z), d).contiguous());
  });
}

/**
 * cumprod of a complex tensor: an inclusive scan of complex products (Hillis–Steele: after the step
 * with shift s each element holds the product of the 2s before it and itself), ceil(log2 n) steps.
 * Products only, so zeros give finite gradients, those of the products (torch's).
 */
function complexCumprod(x: Tensor, dim: number, dtype: unknown): Tensor {
  return scopeSync(() => {
    const z = scanInput(x, dtype, 'cumprod');
    if (!isComplexDType(z.dtype)) return cumprod(z, dim);
    const d = normDim(dim, Math.max(z.ndim, 1), 'cumprod');
    if (z.ndim === 0) return z === x ? x.clone() : z;
    const n = z._shape[d];
    let y = z;
    for (let s = 1; s < n; s *= 2) y = cat([narrow(y, d, 0, s), binaryComplex('mul', narrow(y, d, s, n - s), narrow(y, d, 0, n - s))], d);
    return y === x ? x.clone() : y;
  });
}

/** tril/triu of a complex tensor: of its parts. */
function complexTrilu(x: Tensor, diagonal: number, upper: boolean): Tensor {
  const op = upper ? 'triu' : 'tril';
  if (x.ndim < 2) throw new ShapeError(`${op}: input must have at least 2 dims, got shape ${fmt(x._shape)}`);
  return scopeSync(() => {
    const [re, im] = parts(x) as [Tensor, Tensor];
    return upper ? assemble(triu(re, diagonal), triu(im, diagonal), x.dtype, x._shape, x.device) : assemble(tril(re, diagonal), tril(im, diagonal), x.dtype, x._shape, x.device);
  });
}

// ---- the hook of composed ops --------------------------------------------------------------------

/** The complex forms of generic ops that call complexHooks.composite, by key (complex-linalg.ts adds the linalg ones). */
const COMPOSITES = new Map<string, (args: readonly unknown[]) => unknown>([
  ['cumsum', ([x, dim, dtype]) => complexCumsum(x as Tensor, dim as number, dtype)],
  ['cumprod', ([x, dim, dtype]) => complexCumprod(x as Tensor, dim as number, dtype)],
  ['trilu', ([x, diagonal, upper]) => complexTrilu(x as Tensor, diagonal as number, upper as boolean)],
]);
/** @internal Registers the complex form of a generic op that calls complexHooks.composite with `key`. */
export function registerComposite(key: string, f: (args: readonly unknown[]) => unknown): void { COMPOSITES.set(key, f); }
complexHooks.composite = (key, args) => {
  const f = COMPOSITES.get(key);
  const x = args.find((a) => isComplexTensor(a)) as Tensor;
  if (!f) throw complexRefusal(key, x.dtype);
  return f(args);
};

// ---- the hooks: layout ops on the real view ----------------------------------------------------

complexHooks.layout = (op, x, args) => scopeSync(() => {
  const r = viewAsReal(x);
  let out: Tensor;
  if (op === 'flip') {
    const dims = args[0];
    if (typeof dims !== 'number' && !Array.isArray(dims)) throw new ValueError(`flip: dims must be a number or an array of numbers, got ${describeArg(dims)}`);
    const ds = normDims(dims as number | readonly number[], Math.max(x.ndim, 1), 'flip').filter((d) => d < x.ndim);
    out = ds.length === 0 ? r.clone() : flip(r, ds);
  } else {
    const [dim, index] = args as [number, Tensor];
    if (!(index instanceof Tensor)) throw new ValueError(`${op}: index must be a Tensor, got ${describeArg(index)}`);
    const d = normDim(dim, Math.max(x.ndim, 1), op);
    if (op === 'gather') {
      if (index.ndim !== x.ndim) throw new IndexError(`gather: index ${fmt(index._shape)} must have as many dims as input ${fmt(x._shape)}`);
      out = gather(r, d, expand(unsqueeze(index, -1), [...index._shape, 2]));
    } else if (x.ndim === 0) {
      out = indexSelect(unsqueeze(r, 0), 0, index).reshape(index.ndim === 0 ? [2] : [index.numel, 2]);
    } else {
      out = indexSelect(r, d, index);
    }
  }
  return viewAsComplex(out.contiguous());
});

// ---- isclose -------------------------------------------------------------------------------------

/** isclose of complex operands: |a − b| ≤ atol + rtol·|b| (complex moduli), equal values, NaN with equalNan (either part). */
complexHooks.isclose = (op, a, b, rtol, atol, equalNan) => {
  void op;
  return noGrad(() => scopeSync(() => {
    let close = binaryComplex('eq', a, b);
    if (equalNan) close = logicalOr(close, logicalAnd(unaryComplex('isnan', a), unaryComplex('isnan', b)));
    const actual = complexAbs(binaryComplex('sub', a, b)), allowed = add(mul(complexAbs(b), rtol), atol);
    return logicalOr(close, logicalAnd(isfinite(actual), le(actual, allowed)));
  }));
};

// ---- methods -------------------------------------------------------------------------------------

declare module '../tensor' {
  interface Tensor {
    /** The real part (see {@link real}): a view. */
    readonly real: Tensor;
    /** The imaginary part of a complex tensor (see {@link imag}): a view. */
    readonly imag: Tensor;
    /** Whether this is a complex tensor: `z.isComplex()`. */
    isComplex(): boolean;
    /** flintml's conj is never lazy: always false (torch.Tensor.is_conj). */
    isConj(): boolean;
    /** See {@link conj}: `z.conj()`. */
    conj(): Tensor;
    /** See {@link conjPhysical}: `z.conjPhysical()`. */
    conjPhysical(): Tensor;
    /** See {@link resolveConj}: `z.resolveConj()`. */
    resolveConj(): Tensor;
    /** See {@link angle}: `z.angle()`. */
    angle(): Tensor;
    /** See {@link vdot}: `a.vdot(b)`. */
    vdot(other: Tensor): Tensor;
  }
}
Object.defineProperty(P, 'real', { get(this: Tensor) { return real(this); }, configurable: true });
Object.defineProperty(P, 'imag', { get(this: Tensor) { return imag(this); }, configurable: true });
P.isComplex = function (this: Tensor) { if (arguments.length > 0) tooManyArgs('isComplex', '', arguments); return isComplexDType(this.dtype); };
P.isConj = function (this: Tensor) { if (arguments.length > 0) tooManyArgs('isConj', '', arguments); return false; };
P.conj = function (this: Tensor) { if (arguments.length > 0) tooManyArgs('conj', '', arguments); return conj(this); };
P.conjPhysical = function (this: Tensor) { if (arguments.length > 0) tooManyArgs('conjPhysical', '', arguments); return conjPhysical(this); };
P.resolveConj = function (this: Tensor) { if (arguments.length > 0) tooManyArgs('resolveConj', '', arguments); return resolveConj(this); };
P.angle = function (this: Tensor) { if (arguments.length > 0) tooManyArgs('angle', '', arguments); return angle(this); };
P.vdot = function (this: Tensor, other: Tensor) { if (arguments.length > 1) tooManyArgs('vdot', 'other', arguments); return vdot(this, other); };
