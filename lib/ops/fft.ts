// fft.ts — torch.fft (`fl.fft.*`): the discrete Fourier transforms and their helpers, with
// torch 1.13's arguments (n / s, dim, norm) and results (complex64 / complex128).
//
// Three native ops do the work (native/core/fft.h; CPU native/cpu/fft.cpp, GPU native/kernels/fft.cu):
// "fft", an unnormalized complex-to-complex transform along the last axis of a contiguous
// [batch, n, 2] float32/float64 tensor, for any n (mixed radix 2/3/4/5, Bluestein for other prime
// factors); and for even n the real forms "fft_r2c" ([batch, n] real -> the n/2+1 one-sided bins) and
// "fft_c2r" (n/2+1 bins -> [batch, n] real, the Hermitian extension's inverse), each an n/2-point
// complex transform plus one split pass. Everything here works on real views ([..., 2]: re, im, as
// `viewAsReal`): each transformed dim is moved next to the last, transformed and moved back;
// zero-padding / trimming to n is `narrow` / `cat` with zeros. For odd n, rfft is the complex
// transform of (x, 0) cut to n//2+1 bins, irfft the real part of the inverse transform of the
// Hermitian extension (the input's conjugated mirror).
//
// Gradients: each op's node is linear. fft's backward is the other direction's unnormalized
// transform (the adjoint of the DFT F is conj(F) = n * F^-1); r2c's is c2r of the gradient with its
// interior bins (0 < k < n/2) halved, c2r's is r2c of the gradient with its interior bins doubled (the
// adjoints of the one-sided maps: torch's _fft_r2c_backward / _fft_c2r_backward); all of them are
// these ops again, so second derivatives flow. Everything else is a composition of differentiable
// ops, so rfft/irfft/hfft get torch's gradients.
//
// Dtypes as torch 1.13: real inputs are promoted (float32 and integers -> complex64, float64 ->
// complex128); float16 / bfloat16 are refused (DTypeError).
import { describeArg } from '../arity';
import { needsGrad, record } from '../autograd';
import * as A from '../args';
import { ArgsThenOptions, Check, optional, required, signature } from '../args';
import { parseDevice } from '../device';
import { DType, componentDType, isComplexDType } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, IndexError, ValueError } from '../errors';
import { call, opId } from '../native';
import { dft, dftRealForward, dftRealInverse } from '../onnx/lower';
import { traced, traceState } from '../trace';
import { fmt } from '../shape';
import { emptyTensor, scopeSync, Tensor } from '../tensor';
import { viewAsComplex, viewAsReal } from './complex';
import { tensor, zeros } from './creation';
import { mul } from './elementwise';
import { withGrad } from './factory';
import { flip } from './indexing';
import { movedim } from './reshaping';
import { cat, contiguous, narrow, reshape, roll, select, stack } from './views';

const FFT = opId('fft');

/** torch.fft's normalization modes: which direction is scaled by 1/n ('ortho': both by 1/√n). */
export type FftNorm = 'backward' | 'forward' | 'ortho';

// ---- the native transform and its gradient -----------------------------------------------------------

/** The unnormalized transform along dim 1 of a contiguous [B, n, 2] float tensor (a graph node). */
function c2cRaw(x: Tensor, inverse: boolean): Tensor {
  const out = emptyTensor(x._shape, x.dtype, x._storage.device, false, 'fft');
  try {
    if (out.numel > 0) call(FFT, 'fft', [out, x], [inverse ? 1 : 0]);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(x)) record(inverse ? 'ifft' : 'fft', [x], [out], [], ([g]) => [c2cRaw(contiguous(g!), !inverse)]);
  return traceState.tracer === null ? out : traced('fft', [x], out, (g, [v]) => dft(g, v.name, x.dtype as 'float32' | 'float64', x._shape[1], inverse));
}

const FFT_R2C = opId('fft_r2c');
const FFT_C2R = opId('fft_c2r');

/** g ([B, n/2 + 1, 2]) with its interior bins (0 < k < n/2) scaled by f: the one-sided adjoints' weights. */
function scaleInterior(g: Tensor, f: number): Tensor {
  const h = g._shape[1];
  if (h <= 2) return g;
  return scopeSync(() => cat([narrow(g, 1, 0, 1), mul(narrow(g, 1, 1, h - 2), f), narrow(g, 1, h - 1, 1)], 1));
}

/** The unnormalized one-sided forward transform of a contiguous real [B, n] (n even) -> [B, n/2 + 1, 2] (a graph node). */
function r2cRaw(x: Tensor): Tensor {
  const [B, n] = x._shape;
  const out = emptyTensor([B, n / 2 + 1, 2], x.dtype, x._storage.device, false, 'fft_r2c');
  try {
    if (out.numel > 0) call(FFT_R2C, 'fft_r2c', [out, x], []);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(x)) record('fft_r2c', [x], [out], [], ([g]) => [scopeSync(() => c2rRaw(contiguous(scaleInterior(g!, 0.5)), n))]);
  return traceState.tracer === null ? out : traced('rfft', [x], out, (g, [v]) => dftRealForward(g, v.name));
}

/** The unnormalized real inverse (n points, n even) of a contiguous one-sided [B, n/2 + 1, 2] -> [B, n] (a graph node). */
function c2rRaw(X: Tensor, n: number): Tensor {
  const out = emptyTensor([X._shape[0], n], X.dtype, X._storage.device, false, 'fft_c2r');
  try {
    if (out.numel > 0) call(FFT_C2R, 'fft_c2r', [out, X], []);
  } catch (e) { out.dispose(); throw e; }
  if (needsGrad(X)) record('fft_c2r', [X], [out], [], ([g]) => [scopeSync(() => scaleInterior(r2cRaw(contiguous(g!)), 2))]);
  return traceState.tracer === null ? out : traced('irfft', [X], out, (g, [v]) => dftRealInverse(g, v.name, X.dtype as 'float32' | 'float64', n));
}

/** The unnormalized transform of a real view R ([..., n, 2], complex dims R.ndim - 1) along complex dim d. */
function c2cDim(R: Tensor, d: number, inverse: boolean): Tensor {
  return scopeSync(() => {
    const last = R.ndim - 2;
    const m = d === last ? R : movedim(R, d, last);
    const n = m._shape[last];
    const B = n === 0 ? 0 : m.numel / (2 * n);
    const y = reshape(c2cRaw(reshape(contiguous(m), [B, n, 2]), inverse), m._shape);
    return d === last ? y : movedim(y, last, d);
  });
}

/** R (a real view, or a real tensor when complexDims is its rank) cut or zero-padded to n along d. */
function resizeDim(R: Tensor, d: number, n: number, _op: string): Tensor {
  const cur = R._shape[d];
  if (cur === n) return R;
  if (cur > n) return narrow(R, d, 0, n);
  return scopeSync(() => {
    const shape = R._shape.slice();
    shape[d] = n - cur;
    return cat([R, zeros(shape, { dtype: R.dtype, device: R.device })], d);
  });
}

/** The complex conjugate of a real view (the imaginary part negated). */
function conjReal(R: Tensor): Tensor {
  return scopeSync(() => mul(R, tensor([1, -1], { dtype: R.dtype, device: R.device })));
}

/** The factor a transform of `n` points (product over dims) is scaled by. */
function normScale(norm: FftNorm, n: number, inverse: boolean): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  if (norm === 'backward') return inverse ? 1 / n : 1;
  return inverse ? 1 : 1 / n;
}

function scaled(R: Tensor, s: number): Tensor { return s === 1 ? R : mul(R, s); }

// ---- inputs ---------------------------------------------------------------------------------------

function needInput(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: input must be a Tensor, got ${describeArg(x)}`);
  x._storageHandle(op);
  if (x.dtype === 'float16' || x.dtype === 'bfloat16') {
    throw new DTypeError(`${op}: Unsupported dtype ${x.dtype} (as torch 1.13 on the CPU: use float32 or float64)`);
  }
  return x;
}

/** A real input as float32 / float64 (integers, bool and 16-bit floats -> the default dtype); refuses complex input. */
function realFloat(x: Tensor, op: string): Tensor {
  if (isComplexDType(x.dtype)) throw new DTypeError(`${op} expects a real input tensor, but got ${x.dtype}`);
  return x.dtype === 'float32' || x.dtype === 'float64' ? x : x.to(getDefaultDtype());
}

/** The real view of x promoted to complex (complex x: viewAsReal; real x: (x, 0) pairs). */
function realView(x: Tensor): Tensor {
  if (isComplexDType(x.dtype)) return viewAsReal(x);
  return scopeSync(() => {
    const f = x.dtype === 'float32' || x.dtype === 'float64' ? x : x.to(getDefaultDtype());
    return stack([f, zeros(f._shape, { dtype: f.dtype, device: f.device })], -1);
  });
}

/** A real view back as a (contiguous) complex tensor. */
function complexOf(R: Tensor): Tensor { return scopeSync(() => viewAsComplex(contiguous(R))); }

/** dim and n of the 1-D transforms (torch's canonicalization): n null = the input's size. */
function oneDim(x: Tensor, n: number | null, dim: number, op: string): [number, number | null] {
  // torch 1.13 sees a 0-dim input as one dim of size 0
  if (x.ndim === 0) throw new ValueError(`${op}: Invalid number of data points (0) specified (a 0-dim input, dim ${describeArg(dim)})`);
  if (dim < -x.ndim || dim >= x.ndim) throw new IndexError(`${op}: Dimension out of range (expected to be in range of [${-x.ndim}, ${x.ndim - 1}], but got ${describeArg(dim)})`);
  const d = dim < 0 ? dim + x.ndim : dim;
  if (n !== null && n < 1) throw new ValueError(`${op}: Invalid number of data points (${describeArg(n)}) specified (input shape ${fmt(x._shape)})`);
  return [d, n];
}

/** dims and sizes of the n-D transforms (torch's canonicalize_fft_shape_and_dim_args); sizes -1 = the input's. */
function manyDims(x: Tensor, s: readonly number[] | null, dim: readonly number[] | null, op: string): [number[], (number | null)[]] {
  let dims: number[];
  if (dim !== null) {
    dims = dim.map((d) => {
      if (d < -x.ndim || d >= x.ndim || x.ndim === 0) throw new IndexError(`${op}: Dimension out of range (expected to be in range of [${-x.ndim}, ${x.ndim - 1}], but got ${describeArg(d)})`);
      return d < 0 ? d + x.ndim : d;
    });
    if (new Set(dims).size !== dims.length) throw new ValueError(`${op}: FFT dims must be unique, got ${describeArg(dim)}`);
    if (s !== null && s.length !== dims.length) throw new ValueError(`${op}: When given, dim and shape arguments must have the same length (s ${describeArg(s)}, dim ${describeArg(dim)})`);
  } else if (s !== null) {
    if (s.length > x.ndim) throw new ValueError(`${op}: Got shape with ${s.length} values but input tensor only has ${x.ndim} dimensions`);
    dims = s.map((_, i) => x.ndim - s.length + i);
  } else dims = x._shape.map((_, i) => i);
  const ns = dims.map((d, i) => {
    const v = s === null ? -1 : s[i];
    if (v !== -1 && v < 1) throw new ValueError(`${op}: Invalid number of data points (${describeArg(v)}) specified (input shape ${fmt(x._shape)})`);
    return v === -1 ? null : v;
  });
  return [dims, ns];
}

/**
 * torch 1.13's size checks before a transform: each transform length (n / s, or the input's size;
 * for c2r the last output length, default 2(m-1)) is at least 1, and, as its resize_fft_input (one
 * constant_pad_nd over every dim), an input that must be zero-padded may not end up with an empty dim.
 */
function checkSizes(x: Tensor, dims: readonly number[], ns: readonly (number | null)[], op: string, c2r = false): void {
  const out = x._shape.slice();
  let pads = false;
  dims.forEach((d, i) => {
    const last = c2r && i === dims.length - 1;
    const n = ns[i] ?? (last ? 2 * (x._shape[d] - 1) : x._shape[d]);
    if (n < 1) throw new ValueError(`${op}: Invalid number of data points (${n}) specified (input shape ${fmt(x._shape)}, dim ${d})`);
    const size = last ? Math.floor(n / 2) + 1 : n;
    if (size > x._shape[d]) pads = true;
    out[d] = size;
  });
  if (pads && out.some((v) => v === 0)) {
    throw new ValueError(`${op}: The input size 0, plus negative padding 0 and 0 resulted in a negative output size, which is invalid (zero-padding an input of shape ${fmt(x._shape)} to ${fmt(out)})`);
  }
}

// ---- the transforms on real views ----------------------------------------------------------------

/** c2c over dims of a real view (sizes from ns or the input), scaled as `norm` says. */
function c2cMany(R: Tensor, dims: readonly number[], ns: readonly (number | null)[], norm: FftNorm, inverse: boolean, op: string): Tensor {
  return scopeSync(() => {
    let cur = R, total = 1;
    for (let i = 0; i < dims.length; i++) {
      const n = ns[i] ?? cur._shape[dims[i]];
      total *= n;
      cur = c2cDim(resizeDim(cur, dims[i], n, op), dims[i], inverse);
    }
    return scaled(cur, normScale(norm, total, inverse));
  });
}

/** The one-sided forward transform (n//2+1 bins) of a real float x along d, unscaled, as a real view. */
function r2cDim(x: Tensor, d: number, n: number, op: string): Tensor {
  return scopeSync(() => {
    const f = resizeDim(x, d, n, op);
    if (n % 2 === 0) {
      const last = f.ndim - 1;
      const m = d === last ? f : movedim(f, d, last);
      const B = f.numel / n;
      const y = reshape(r2cRaw(reshape(contiguous(m), [B, n])), [...m._shape.slice(0, -1), n / 2 + 1, 2]);
      return d === last ? y : movedim(y, last, d);
    }
    const R = stack([f, zeros(f._shape, { dtype: f.dtype, device: f.device })], -1);
    return narrow(c2cDim(R, d, false), d, 0, Math.floor(n / 2) + 1);
  });
}

/** The real inverse transform (n points) along d of the one-sided spectrum R (a real view), unscaled. */
function c2rDim(R: Tensor, d: number, n: number, op: string): Tensor {
  return scopeSync(() => {
    const h = Math.floor(n / 2) + 1, t = n - h;
    const half = resizeDim(R, d, h, op);
    if (n % 2 === 0) {
      const last = R.ndim - 2;
      const m = d === last ? half : movedim(half, d, last);
      const B = m.numel / (2 * h);
      const y = reshape(c2rRaw(reshape(contiguous(m), [B, h, 2]), n), [...m._shape.slice(0, -2), n]);
      return d === last ? y : movedim(y, last, d);
    }
    // the Hermitian mirror: full[k] = conj(half[n - k]) for k in [h, n)
    const full = t === 0 ? half : cat([half, conjReal(flip(narrow(half, d, 1, t), d))], d);
    return select(c2cDim(full, d, true), -1, 0);
  });
}

/** The real n-D inverse: c2c inverse over all dims but the last, then c2r (n from s or 2(m-1)) on it. */
function c2rMany(R: Tensor, dims: readonly number[], ns: readonly (number | null)[], op: string): [Tensor, number] {
  const last = dims.length - 1;
  const m = R._shape[dims[last]];
  const nLast = ns[last] ?? 2 * (m - 1);
  if (nLast < 1) throw new ValueError(`${op}: Invalid number of data points (${nLast}) specified (input shape ${fmt(R._shape.slice(0, -1))})`);
  return [scopeSync(() => {
    let cur = R;
    for (let i = 0; i < last; i++) {
      const n = ns[i] ?? cur._shape[dims[i]];
      cur = c2cDim(resizeDim(cur, dims[i], n, op), dims[i], true);
    }
    return c2rDim(cur, dims[last], nLast, op);
  }), nLast];
}

function sizeOf(x: Tensor, dims: readonly number[], ns: readonly (number | null)[], upto = dims.length): number {
  let p = 1;
  for (let i = 0; i < upto; i++) p *= ns[i] ?? x._shape[dims[i]];
  return p;
}

// ---- argument parsing -----------------------------------------------------------------------------

const T = required(A.anyValue<Tensor>());
const NORM: Check<FftNorm> = (v, where) => {
  if (v === null) return 'backward';
  if (v === 'backward' || v === 'forward' || v === 'ortho') return v;
  throw new ValueError(`${where}: Invalid normalization mode: ${describeArg(v)} (expected 'backward', 'forward' or 'ortho')`);
};
const N_POINTS = optional(A.nullable(A.int()), null);
const DIM1 = optional(A.int(), -1);
const SIZES: Check<number[] | null> = (v, where) => {
  if (v === null) return null;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number' && Number.isInteger(d))) return v.slice();
  throw new ValueError(`${where} must be an array of integers or null, got ${describeArg(v)}`);
};
const DIMS_N = optional(SIZES, null);
const DIMS_2 = optional(A.nullable(A.arrayOf(A.int())), [-2, -1]);  // (null: the default, as not given)

const oneArgs = (fn: string) => signature(`fft.${fn}`, ['input', 'n', 'dim', 'norm'], { input: T, n: N_POINTS, dim: DIM1, norm: optional(NORM, 'backward') });
const twoArgs = (fn: string) => signature(`fft.${fn}`, ['input', 's', 'dim', 'norm'], { input: T, s: optional(SIZES, null), dim: DIMS_2, norm: optional(NORM, 'backward') });
const nArgs = (fn: string) => signature(`fft.${fn}`, ['input', 's', 'dim', 'norm'], { input: T, s: optional(SIZES, null), dim: DIMS_N, norm: optional(NORM, 'backward') });

const ARGS = {
  fft: oneArgs('fft'), ifft: oneArgs('ifft'), rfft: oneArgs('rfft'), irfft: oneArgs('irfft'), hfft: oneArgs('hfft'), ihfft: oneArgs('ihfft'),
  fft2: twoArgs('fft2'), ifft2: twoArgs('ifft2'), rfft2: twoArgs('rfft2'), irfft2: twoArgs('irfft2'), hfft2: twoArgs('hfft2'), ihfft2: twoArgs('ihfft2'),
  fftn: nArgs('fftn'), ifftn: nArgs('ifftn'), rfftn: nArgs('rfftn'), irfftn: nArgs('irfftn'), hfftn: nArgs('hfftn'), ihfftn: nArgs('ihfftn'),
  fftfreq: signature('fft.fftfreq', ['n', 'd'], { n: required(A.int({ min: 0 })), d: optional(A.num(), 1), ...factoryKeywords() }),
  rfftfreq: signature('fft.rfftfreq', ['n', 'd'], { n: required(A.int({ min: 0 })), d: optional(A.num(), 1), ...factoryKeywords() }),
  fftshift: signature('fft.fftshift', ['input', 'dim'], { input: T, dim: optional(A.nullable(A.either(A.int(), A.arrayOf(A.int()))), null) }),
  ifftshift: signature('fft.ifftshift', ['input', 'dim'], { input: T, dim: optional(A.nullable(A.either(A.int(), A.arrayOf(A.int()))), null) }),
};

function factoryKeywords() {
  return { dtype: optional(A.dtype), device: optional(A.device), requiresGrad: optional(A.bool, false) };
}

// ---- the public functions ---------------------------------------------------------------------------

/** Options of the 1-D transforms (torch.fft.fft's keywords). */
export interface FftOptions {
  /** Points of the transform: the input is zero-padded or trimmed to n along dim (default: its size). */
  n?: number | null;
  /** The dim to transform (default -1). */
  dim?: number;
  /** 'backward' (default: the inverse is scaled by 1/n), 'forward' (the forward is) or 'ortho' (both by 1/√n). */
  norm?: FftNorm | null;
}

/** Options of the 2-D and n-D transforms (torch.fft.fftn's keywords). */
export interface FftnOptions {
  /** Points along each transformed dim (-1: the input's size); default: the input's sizes. */
  s?: readonly number[] | null;
  /** The dims to transform (fft2: [-2, -1]; fftn: the last s.length dims, or all). */
  dim?: readonly number[] | null;
  /** See {@link FftOptions.norm}. */
  norm?: FftNorm | null;
}

type OneArgs = ArgsThenOptions<[n: number | null, dim: number, norm: FftNorm | null], FftOptions>;
type ManyArgs = ArgsThenOptions<[s: readonly number[] | null, dim: readonly number[] | null, norm: FftNorm | null], FftnOptions>;

function c2c1(op: 'fft' | 'ifft', args: unknown[], inverse: boolean): Tensor {
  const o = ARGS[op].parse(args);
  const x = needInput(o.input, `fft.${op}`);
  const [d, n] = oneDim(x, o.n, o.dim, `fft.${op}`);
  checkSizes(x, [d], [n], `fft.${op}`);
  return scopeSync(() => complexOf(c2cMany(realView(x), [d], [n], o.norm, inverse, `fft.${op}`)));
}

function c2cN(op: 'fft2' | 'ifft2' | 'fftn' | 'ifftn', args: unknown[], inverse: boolean): Tensor {
  const o = ARGS[op].parse(args);
  const x = needInput(o.input, `fft.${op}`);
  const [dims, ns] = manyDims(x, o.s, o.dim ?? (op.endsWith('2') ? [-2, -1] : null), `fft.${op}`);
  checkSizes(x, dims, ns, `fft.${op}`);
  return scopeSync(() => complexOf(c2cMany(realView(x), dims, ns, o.norm, inverse, `fft.${op}`)));
}

/**
 * The discrete Fourier transform along one dim, as `torch.fft.fft(input, n=None, dim=-1, norm=None)`:
 * X[k] = Σ_j x[j] e^(−2πi jk/n). Real inputs are promoted to complex; any n (O(n log n)).
 * ```ts
 * const X = fl.fft.fft(fl.tensor([1, 2, 3, 4]));   // complex64 [10, -2+2i, -2, -2-2i]
 * ```
 */
export function fft(input: Tensor, ...args: OneArgs): Tensor;
export function fft(...args: unknown[]): Tensor { return c2c1('fft', args, false); }

/**
 * The inverse transform along one dim, as `torch.fft.ifft(input, n=None, dim=-1, norm=None)`:
 * x[j] = (1/n) Σ_k X[k] e^(2πi jk/n) with the default norm.
 * ```ts
 * const x = fl.fft.ifft(fl.fft.fft(signal));   // signal again (complex)
 * ```
 */
export function ifft(input: Tensor, ...args: OneArgs): Tensor;
export function ifft(...args: unknown[]): Tensor { return c2c1('ifft', args, true); }

/**
 * The transform of a real signal, keeping the n//2+1 non-negative frequencies, as
 * `torch.fft.rfft(input, n=None, dim=-1, norm=None)`.
 * ```ts
 * const X = fl.fft.rfft(fl.randn([8]));   // complex64 [5]
 * ```
 */
export function rfft(input: Tensor, ...args: OneArgs): Tensor;
export function rfft(...args: unknown[]): Tensor {
  const o = ARGS.rfft.parse(args);
  const x = needInput(o.input, 'fft.rfft');
  const [d, n0] = oneDim(x, o.n, o.dim, 'fft.rfft');
  checkSizes(x, [d], [n0], 'fft.rfft');
  return scopeSync(() => {
    const f = realFloat(x, 'fft.rfft');
    const n = n0 ?? x._shape[d];
    if (n < 1) throw new ValueError(`fft.rfft: Invalid number of data points (${n}) specified (input shape ${fmt(x._shape)})`);
    return complexOf(scaled(r2cDim(f, d, n, 'fft.rfft'), normScale(o.norm, n, false)));
  });
}

/**
 * The inverse of rfft: n real points (default 2·(m−1) for m input bins) from a one-sided spectrum, as
 * `torch.fft.irfft(input, n=None, dim=-1, norm=None)`. The imaginary parts of the zero (and, for even
 * n, the Nyquist) bin are ignored.
 * ```ts
 * const x = fl.fft.irfft(fl.fft.rfft(signal), signal.shape[0]);
 * ```
 */
export function irfft(input: Tensor, ...args: OneArgs): Tensor;
export function irfft(...args: unknown[]): Tensor { return c2r1('irfft', args, false); }

/**
 * The transform of a Hermitian-symmetric signal given by its one-sided half (a real result of n
 * points, default 2·(m−1)), as `torch.fft.hfft(input, n=None, dim=-1, norm=None)`.
 * ```ts
 * const y = fl.fft.hfft(fl.fft.ihfft(signal), signal.shape[0]);   // signal
 * ```
 */
export function hfft(input: Tensor, ...args: OneArgs): Tensor;
export function hfft(...args: unknown[]): Tensor { return c2r1('hfft', args, true); }

function c2r1(op: 'irfft' | 'hfft', args: unknown[], hermitian: boolean): Tensor {
  const o = ARGS[op].parse(args);
  const x = needInput(o.input, `fft.${op}`);
  const [d] = oneDim(x, o.n, o.dim, `fft.${op}`);
  checkSizes(x, [d], [o.n], `fft.${op}`, true);
  return scopeSync(() => {
    const R = realView(x);
    const [y, n] = c2rMany(hermitian ? conjReal(R) : R, [d], [o.n], `fft.${op}`);
    return scaled(y, normScale(o.norm, n, !hermitian));
  });
}

/**
 * The inverse of hfft: the one-sided (n//2+1 bins) inverse transform of a real signal, as
 * `torch.fft.ihfft(input, n=None, dim=-1, norm=None)`.
 * ```ts
 * const h = fl.fft.ihfft(fl.tensor([1, 2, 3, 4]));   // complex64 [3]
 * ```
 */
export function ihfft(input: Tensor, ...args: OneArgs): Tensor;
export function ihfft(...args: unknown[]): Tensor {
  const o = ARGS.ihfft.parse(args);
  const x = needInput(o.input, 'fft.ihfft');
  const [d, n0] = oneDim(x, o.n, o.dim, 'fft.ihfft');
  checkSizes(x, [d], [n0], 'fft.ihfft');
  return scopeSync(() => {
    const f = realFloat(x, 'fft.ihfft');
    const n = n0 ?? x._shape[d];
    if (n < 1) throw new ValueError(`fft.ihfft: Invalid number of data points (${n}) specified (input shape ${fmt(x._shape)})`);
    return complexOf(conjReal(scaled(r2cDim(f, d, n, 'fft.ihfft'), normScale(o.norm, n, true))));
  });
}

/**
 * The 2-D transform over `dim` (default the last two), as `torch.fft.fft2(input, s=None, dim=(-2, -1), norm=None)`.
 * ```ts
 * const F = fl.fft.fft2(image);
 * ```
 */
export function fft2(input: Tensor, ...args: ManyArgs): Tensor;
export function fft2(...args: unknown[]): Tensor { return c2cN('fft2', args, false); }

/**
 * The inverse 2-D transform, as `torch.fft.ifft2(input, s=None, dim=(-2, -1), norm=None)`.
 * ```ts
 * const img = fl.fft.ifft2(fl.fft.fft2(image));
 * ```
 */
export function ifft2(input: Tensor, ...args: ManyArgs): Tensor;
export function ifft2(...args: unknown[]): Tensor { return c2cN('ifft2', args, true); }

/**
 * The n-D transform over `dim` (default: the last s.length dims, or all), as `torch.fft.fftn(input, s=None, dim=None, norm=None)`.
 * ```ts
 * const F = fl.fft.fftn(volume);
 * ```
 */
export function fftn(input: Tensor, ...args: ManyArgs): Tensor;
export function fftn(...args: unknown[]): Tensor { return c2cN('fftn', args, false); }

/**
 * The inverse n-D transform, as `torch.fft.ifftn(input, s=None, dim=None, norm=None)`.
 * ```ts
 * const v = fl.fft.ifftn(fl.fft.fftn(volume));
 * ```
 */
export function ifftn(input: Tensor, ...args: ManyArgs): Tensor;
export function ifftn(...args: unknown[]): Tensor { return c2cN('ifftn', args, true); }

function r2cN(op: 'rfft2' | 'rfftn' | 'ihfft2' | 'ihfftn', args: unknown[], inverse: boolean): Tensor {
  const o = ARGS[op].parse(args);
  const x = needInput(o.input, `fft.${op}`);
  const [dims, ns] = manyDims(x, o.s, o.dim ?? (op.endsWith('2') ? [-2, -1] : null), `fft.${op}`);
  if (dims.length === 0) throw new ValueError(`fft.${op}: must transform at least one axis`);
  checkSizes(x, dims, ns, `fft.${op}`);
  if (isComplexDType(x.dtype)) throw new DTypeError(`fft.${op} expects a real input tensor, but got ${x.dtype}`);
  return scopeSync(() => {
    const f = realFloat(x, `fft.${op}`);
    const last = dims.length - 1;
    let R = r2cDim(f, dims[last], ns[last] ?? x._shape[dims[last]], `fft.${op}`);
    // the other dims: forward transforms of the one-sided spectrum (ihfftn: the conjugate at the end)
    for (let i = 0; i < last; i++) R = c2cDim(resizeDim(R, dims[i], ns[i] ?? x._shape[dims[i]], `fft.${op}`), dims[i], false);
    R = scaled(R, normScale(o.norm, sizeOf(x, dims, ns), inverse));
    return complexOf(inverse ? conjReal(R) : R);
  });
}

function c2rN(op: 'irfft2' | 'irfftn' | 'hfft2' | 'hfftn', args: unknown[], hermitian: boolean): Tensor {
  const o = ARGS[op].parse(args);
  const x = needInput(o.input, `fft.${op}`);
  const [dims, ns] = manyDims(x, o.s, o.dim ?? (op.endsWith('2') ? [-2, -1] : null), `fft.${op}`);
  if (dims.length === 0) throw new ValueError(`fft.${op}: must transform at least one axis`);
  checkSizes(x, dims, ns, `fft.${op}`, true);
  return scopeSync(() => {
    const R = realView(x);
    const [y, nLast] = c2rMany(hermitian ? conjReal(R) : R, dims, ns, `fft.${op}`);
    return scaled(y, normScale(o.norm, sizeOf(x, dims, ns, dims.length - 1) * nLast, !hermitian));
  });
}

/**
 * The 2-D transform of a real input, one-sided in the last dim, as `torch.fft.rfft2(input, s=None, dim=(-2, -1), norm=None)`.
 * ```ts
 * const F = fl.fft.rfft2(image);   // [..., H, W//2+1] complex
 * ```
 */
export function rfft2(input: Tensor, ...args: ManyArgs): Tensor;
export function rfft2(...args: unknown[]): Tensor { return r2cN('rfft2', args, false); }

/**
 * The inverse of rfft2 (a real result), as `torch.fft.irfft2(input, s=None, dim=(-2, -1), norm=None)`.
 * ```ts
 * const img = fl.fft.irfft2(fl.fft.rfft2(image), image.shape.slice(-2));
 * ```
 */
export function irfft2(input: Tensor, ...args: ManyArgs): Tensor;
export function irfft2(...args: unknown[]): Tensor { return c2rN('irfft2', args, false); }

/**
 * The n-D transform of a real input, one-sided in the last transformed dim, as `torch.fft.rfftn(input, s=None, dim=None, norm=None)`.
 * ```ts
 * const F = fl.fft.rfftn(volume);
 * ```
 */
export function rfftn(input: Tensor, ...args: ManyArgs): Tensor;
export function rfftn(...args: unknown[]): Tensor { return r2cN('rfftn', args, false); }

/**
 * The inverse of rfftn (a real result), as `torch.fft.irfftn(input, s=None, dim=None, norm=None)`.
 * ```ts
 * const v = fl.fft.irfftn(fl.fft.rfftn(volume), volume.shape);
 * ```
 */
export function irfftn(input: Tensor, ...args: ManyArgs): Tensor;
export function irfftn(...args: unknown[]): Tensor { return c2rN('irfftn', args, false); }

/**
 * The 2-D hfft (a real result from a Hermitian half), as `torch.fft.hfft2(input, s=None, dim=(-2, -1), norm=None)`.
 * ```ts
 * const y = fl.fft.hfft2(fl.fft.ihfft2(image), image.shape.slice(-2));
 * ```
 */
export function hfft2(input: Tensor, ...args: ManyArgs): Tensor;
export function hfft2(...args: unknown[]): Tensor { return c2rN('hfft2', args, true); }

/**
 * The n-D hfft, as `torch.fft.hfftn(input, s=None, dim=None, norm=None)`.
 * ```ts
 * const y = fl.fft.hfftn(half);
 * ```
 */
export function hfftn(input: Tensor, ...args: ManyArgs): Tensor;
export function hfftn(...args: unknown[]): Tensor { return c2rN('hfftn', args, true); }

/**
 * The 2-D ihfft of a real input (one-sided in the last dim), as `torch.fft.ihfft2(input, s=None, dim=(-2, -1), norm=None)`.
 * ```ts
 * const h = fl.fft.ihfft2(image);
 * ```
 */
export function ihfft2(input: Tensor, ...args: ManyArgs): Tensor;
export function ihfft2(...args: unknown[]): Tensor { return r2cN('ihfft2', args, true); }

/**
 * The n-D ihfft of a real input, as `torch.fft.ihfftn(input, s=None, dim=None, norm=None)`.
 * ```ts
 * const h = fl.fft.ihfftn(volume);
 * ```
 */
export function ihfftn(input: Tensor, ...args: ManyArgs): Tensor;
export function ihfftn(...args: unknown[]): Tensor { return r2cN('ihfftn', args, true); }

/** Options of fftfreq / rfftfreq (torch's factory keywords). */
export interface FftFreqOptions {
  /** A floating dtype (default: the default dtype, float32). */
  dtype?: DType;
  device?: string;
  requiresGrad?: boolean;
}

function freqs(op: string, n: number, d: number, dtype: DType | undefined, device: string | undefined, requiresGrad: boolean, onesided: boolean): Tensor {
  const dt = dtype ?? getDefaultDtype();
  if (dt !== 'float32' && dt !== 'float64') throw new DTypeError(`${op}: expected a float32 or float64 dtype, got ${dt}`);
  parseDevice(device, op);
  // torch: arange (exact integers), then one multiplication by 1 / (n d) in the dtype
  const m = onesided ? Math.floor(n / 2) + 1 : n;
  const r = dt === 'float32' ? Math.fround : (v: number) => v;
  const step = r(1 / (n * d));
  const vals = new Array<number>(m);
  for (let i = 0; i < m; i++) {
    const k = onesided || i <= Math.floor((n - 1) / 2) ? i : i - n;
    vals[i] = r(k * step);
  }
  return withGrad(tensor(vals, { dtype: dt, device }), requiresGrad);
}

/**
 * The sample frequencies of an n-point transform with sample spacing d, as
 * `torch.fft.fftfreq(n, d=1.0, *, dtype, device, requires_grad)`: [0, 1, …, ⌈n/2⌉−1, −⌊n/2⌋, …, −1] / (d·n).
 * ```ts
 * fl.fft.fftfreq(4);   // [0, 0.25, -0.5, -0.25]
 * ```
 */
export function fftfreq(n: number, ...args: ArgsThenOptions<[d: number], FftFreqOptions>): Tensor;
export function fftfreq(...args: unknown[]): Tensor {
  const o = ARGS.fftfreq.parse(args);
  return freqs('fft.fftfreq', o.n, o.d, o.dtype, o.device, o.requiresGrad, false);
}

/**
 * The non-negative sample frequencies of rfft, as `torch.fft.rfftfreq(n, d=1.0, *, dtype, device, requires_grad)`:
 * [0, 1, …, ⌊n/2⌋] / (d·n).
 * ```ts
 * fl.fft.rfftfreq(4);   // [0, 0.25, 0.5]
 * ```
 */
export function rfftfreq(n: number, ...args: ArgsThenOptions<[d: number], FftFreqOptions>): Tensor;
export function rfftfreq(...args: unknown[]): Tensor {
  const o = ARGS.rfftfreq.parse(args);
  return freqs('fft.rfftfreq', o.n, o.d, o.dtype, o.device, o.requiresGrad, true);
}

function shift(op: string, x: Tensor, dim: number | number[] | null, inverse: boolean): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: input must be a Tensor, got ${describeArg(x)}`);
  x._storageHandle(op);
  const dims = dim === null ? x._shape.map((_, i) => i) : typeof dim === 'number' ? [dim] : dim;
  const nd = dims.map((d) => {
    if (d < -Math.max(x.ndim, 1) || d >= Math.max(x.ndim, 1)) throw new IndexError(`${op}: Dimension out of range (expected to be in range of [${-x.ndim}, ${x.ndim - 1}], but got ${describeArg(d)})`);
    return d < 0 ? d + x.ndim : d;
  });
  // torch 1.13 rolls by an empty shift list here (a 0-dim input, or dim []): refused as there
  if (nd.length === 0) throw new ValueError(`${op}: \`shifts\` required (no dims to shift in an input of shape ${fmt(x._shape)})`);
  if (x.ndim === 0) return x.clone();
  const shifts = nd.map((d) => (inverse ? -Math.floor(x._shape[d] / 2) : Math.floor(x._shape[d] / 2)));
  if (!isComplexDType(x.dtype)) return roll(x, shifts, nd);
  return scopeSync(() => complexOf(roll(viewAsReal(x), shifts, nd)));
}

/**
 * Moves the zero frequency to the centre of each dim in `dim` (default all), as `torch.fft.fftshift(input, dim=None)`.
 * ```ts
 * fl.fft.fftshift(fl.fft.fftfreq(5));   // [-0.4, -0.2, 0, 0.2, 0.4]
 * ```
 */
export function fftshift(input: Tensor, ...args: ArgsThenOptions<[dim: number | readonly number[] | null], { dim?: number | readonly number[] | null }>): Tensor;
export function fftshift(...args: unknown[]): Tensor {
  const o = ARGS.fftshift.parse(args);
  return shift('fft.fftshift', o.input, o.dim, false);
}

/**
 * The inverse of fftshift, as `torch.fft.ifftshift(input, dim=None)`.
 * ```ts
 * fl.fft.ifftshift(fl.fft.fftshift(x));   // x
 * ```
 */
export function ifftshift(input: Tensor, ...args: ArgsThenOptions<[dim: number | readonly number[] | null], { dim?: number | readonly number[] | null }>): Tensor;
export function ifftshift(...args: unknown[]): Tensor {
  const o = ARGS.ifftshift.parse(args);
  return shift('fft.ifftshift', o.input, o.dim, true);
}

/** @internal The unnormalized transform of a real view along complex dim `dim` (tests, stft). */
export function fftRealView(R: Tensor, dim: number, inverse: boolean): Tensor {
  if (!(R instanceof Tensor) || R.ndim < 2 || R._shape[R.ndim - 1] !== 2) throw new ValueError(`fft: expected a real view [..., 2], got ${describeArg(R)}`);
  if (R.dtype !== 'float32' && R.dtype !== 'float64') throw new DTypeError(`fft: expected float32 or float64 pairs, got ${componentDType(R.dtype)}`);
  const nd = R.ndim - 1;
  const d = dim < 0 ? dim + nd : dim;
  if (d < 0 || d >= nd) throw new IndexError(`fft: dim ${describeArg(dim)} out of range for ${nd} complex dims`);
  if (R._shape[d] < 1) throw new ValueError(`fft: Invalid number of data points (${R._shape[d]}) specified`);
  return c2cDim(R, d, inverse);
}

/** @internal rfft of a real float tensor as a real view, unscaled (stft). */
export function rfftRealView(x: Tensor, dim: number, n: number): Tensor { return r2cDim(x, dim, n, 'stft'); }
/** @internal irfft of a real view, unscaled (istft). */
export function irfftRealView(R: Tensor, dim: number, n: number): Tensor { return c2rDim(R, dim, n, 'istft'); }

/**
 * `torch.fft`: `fl.fft.fft`, `ifft`, `rfft`, `irfft`, `hfft`, `ihfft`, their 2-D and n-D forms,
 * `fftfreq`, `rfftfreq`, `fftshift`, `ifftshift`.
 * ```ts
 * const spectrum = fl.fft.rfft(signal).abs();
 * ```
 */
export const fftNamespace = Object.freeze({
  fft, ifft, rfft, irfft, hfft, ihfft, fft2, ifft2, rfft2, irfft2, hfft2, ihfft2, fftn, ifftn, rfftn, irfftn, hfftn, ihfftn,
  fftfreq, rfftfreq, fftshift, ifftshift,
});
