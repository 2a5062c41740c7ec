// stft.ts — the short-time Fourier transform and its inverse, as torch 1.13's torch.stft /
// torch.istft (and Tensor.stft / Tensor.istft), composed from differentiable ops: the frames are one
// gather (indexSelect) of the (centre-padded) signal, windowed and transformed by lib/ops/fft.ts's
// real-view transforms; istft transforms back, windows, overlap-adds the frames with one indexAdd,
// and divides by the overlap-added squared window (refused where it is ~0: the NOLA condition).
//
// 1.13's defaults: returnComplex defaults to whether the input or the window is complex (a real
// input without it gets the real view [..., 2], torch's deprecated form); onesided defaults to true
// for real input and window. Complex windows are not supported yet (DTypeError).
import { describeArg } from '../arity';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { isComplexDType } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import { viewAsComplex, viewAsReal } from './complex';
import { arange, zeros } from './creation';
import { abs, add, clamp, div, mul, remainder, sub } from './elementwise';
import { fftRealView, irfftRealView, rfftRealView } from './fft';
import { indexSelect } from './indexing';
import { amin } from './reduce';
import { indexAdd } from './reshaping';
import { cat, contiguous, expand, narrow, reshape, select, squeeze, transpose, unsqueeze } from './views';

/** stft's padding modes (torch.nn.functional.pad's). */
export type StftPadMode = 'reflect' | 'constant' | 'replicate' | 'circular';

/** Options of stft (torch.stft's keywords). */
export interface StftOptions {
  /** Samples between frames (default nFft / 4, floored). */
  hopLength?: number | null;
  /** The window's length (default nFft); the window is zero-padded to nFft on both sides. */
  winLength?: number | null;
  /** A 1-D real tensor of winLength points (default: all ones). */
  window?: Tensor | null;
  /** Pad the signal by nFft / 2 on both sides so that frame t is centred on sample t·hop (default true). */
  center?: boolean;
  /** How center pads (default 'reflect'). */
  padMode?: StftPadMode;
  /** Scale by 1/√nFft (default false). */
  normalized?: boolean;
  /** Keep the nFft / 2 + 1 non-negative frequencies (default: true for real input and window). */
  onesided?: boolean | null;
  /** Return a complex tensor (true) or its real view [..., 2] (false); default: whether the input is complex. */
  returnComplex?: boolean | null;
}

/** Options of istft (torch.istft's keywords). */
export interface IstftOptions {
  hopLength?: number | null;
  winLength?: number | null;
  window?: Tensor | null;
  center?: boolean;
  normalized?: boolean;
  /** Whether the input holds one side of the spectrum (default: its frequency count is not nFft). */
  onesided?: boolean | null;
  /** The output's length (trimmed or zero-padded); default: what the frames cover. */
  length?: number | null;
  /** A complex result (a two-sided input and ifft) instead of a real one (default false). */
  returnComplex?: boolean;
}

const T = required(A.anyValue<Tensor>());
const OPT_INT = optional(A.nullable(A.int()), null);
const WINDOW = optional(A.nullable(A.anyValue<Tensor>()), null);
const ARGS = {
  stft: signature('stft', ['input', 'nFft', 'hopLength', 'winLength', 'window', 'center', 'padMode', 'normalized', 'onesided', 'returnComplex'], {
    input: T, nFft: required(A.int()), hopLength: OPT_INT, winLength: OPT_INT, window: WINDOW, center: optional(A.bool, true),
    padMode: optional(A.oneOf('reflect', 'constant', 'replicate', 'circular'), 'reflect'), normalized: optional(A.bool, false),
    onesided: optional(A.nullable(A.bool), null), returnComplex: optional(A.nullable(A.bool), null),
  }),
  istft: signature('istft', ['input', 'nFft', 'hopLength', 'winLength', 'window', 'center', 'normalized', 'onesided', 'length', 'returnComplex'], {
    input: T, nFft: required(A.int()), hopLength: OPT_INT, winLength: OPT_INT, window: WINDOW, center: optional(A.bool, true),
    normalized: optional(A.bool, false), onesided: optional(A.nullable(A.bool), null), length: OPT_INT, returnComplex: optional(A.bool, false),
  }),
};

/** The window as nFft points of `like`'s dtype (ones by default; zero-padded on both sides to nFft). */
function fullWindow(op: string, window: Tensor | null, winLength: number, nFft: number, dtype: 'float32' | 'float64', device: string): Tensor {
  if (window === null) return padWindow(onesOf(winLength, dtype, device), winLength, nFft);
  if (!(window instanceof Tensor)) throw new ValueError(`${op}: window must be a Tensor or null, got ${describeArg(window)}`);
  if (isComplexDType(window.dtype)) throw new DTypeError(`${op}: complex windows are not supported yet (got ${window.dtype})`);
  if (window.ndim !== 1 || window._shape[0] !== winLength) {
    throw new ShapeError(`${op}: expected a 1D window tensor of size equal to win_length=${winLength}, but got window with size ${fmt(window._shape)}`);
  }
  if (window.device !== device) throw new ValueError(`${op}: the window is on ${window.device} and the input on ${device}`);
  // kept in its own dtype: the products promote (a float64 window makes float32 frames float64) and
  // istft's envelope is summed in it, as torch's col2im of window.pow(2)
  return padWindow(window, winLength, nFft);
}

/** The dtype the frames are computed in: float64 when the input's parts or the window are float64 (torch's promotion). */
function computeDType(op: string, x: Tensor, window: unknown): 'float32' | 'float64' {
  if (window instanceof Tensor && window.dtype !== 'float32' && window.dtype !== 'float64' && !isComplexDType(window.dtype)) {
    throw new DTypeError(`${op}: expected a float32 or float64 window, got ${window.dtype}`);
  }
  const wide = (t: unknown): boolean => t instanceof Tensor && (t.dtype === 'float64' || t.dtype === 'complex128');
  return wide(x) || wide(window) ? 'float64' : 'float32';
}

function onesOf(n: number, dtype: 'float32' | 'float64', device: string): Tensor { return add(zeros([n], { dtype, device }), 1); }

function padWindow(w: Tensor, winLength: number, nFft: number): Tensor {
  if (winLength === nFft) return w;
  const left = Math.floor((nFft - winLength) / 2);
  const z = (k: number) => zeros([k], { dtype: w.dtype, device: w.device });
  return cat([z(left), w, z(nFft - winLength - left)], 0);
}

/** int32 [T·nFft] of the sample each frame point reads: t·hop + k. */
function frameIndex(frames: number, nFft: number, hop: number, device: string): Tensor {
  const t = mul(unsqueeze(arange(frames, { dtype: 'int32', device }), 1), hop);
  return reshape(add(t, unsqueeze(arange(nFft, { dtype: 'int32', device }), 0)), [-1]);
}

/**
 * The short-time Fourier transform, as `torch.stft(input, n_fft, hop_length=None, win_length=None,
 * window=None, center=True, pad_mode='reflect', normalized=False, onesided=None, return_complex=None)`
 * (torch 1.13): input [L] or [B, L] → [(B,) nFft/2+1 (onesided) or nFft, frames] complex.
 * ```ts
 * const S = fl.stft(audio, 512, { hopLength: 128, window: fl.hannWindow(512), returnComplex: true });
 * ```
 */
export function stft(input: Tensor, nFft: number, ...args: ArgsThenOptions<[hopLength: number | null, winLength: number | null, window: Tensor | null, center: boolean, padMode: StftPadMode, normalized: boolean, onesided: boolean | null, returnComplex: boolean | null], StftOptions>): Tensor;
export function stft(...args: unknown[]): Tensor {
  const o = ARGS.stft.parse(args);
  const x = o.input;
  if (!(x instanceof Tensor)) throw new ValueError(`stft: input must be a Tensor, got ${describeArg(x)}`);
  x._storageHandle('stft');
  if (x.ndim !== 1 && x.ndim !== 2) throw new ShapeError(`stft: expected a 1D or 2D tensor, got shape ${fmt(x._shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64' && !isComplexDType(x.dtype)) {
    throw new DTypeError(`stft: expected a tensor of floating point or complex values, got ${x.dtype} (shape ${fmt(x._shape)})`);
  }
  const complexIn = isComplexDType(x.dtype);
  const nFft = o.nFft, hop = o.hopLength ?? Math.floor(nFft / 4), win = o.winLength ?? nFft;
  const where = `stft(input ${fmt(x._shape)}, nFft=${nFft}, hopLength=${hop}, winLength=${win})`;
  if (hop <= 0) throw new ValueError(`${where}: expected hop_length > 0, but got hop_length=${hop}`);
  if (win <= 0 || win > nFft) throw new ValueError(`${where}: expected 0 < win_length <= n_fft, but got win_length=${win}`);
  const onesided = o.onesided ?? !complexIn;
  if (onesided && complexIn) throw new ValueError(`${where}: Cannot have onesided output if window or input is complex`);
  const returnComplex = o.returnComplex ?? complexIn;
  const dtype = computeDType('stft', x, o.window);
  return scopeSync(() => {
    const batched = x.ndim === 2 ? x : unsqueeze(x, 0);
    // signals as [B, L] real, or [B, L, 2] real views of complex ones
    let sig = complexIn ? viewAsReal(batched) : batched;
    if (sig.dtype !== dtype) sig = sig.to(dtype);
    let L = sig._shape[1];
    if (o.center) {
      const pad = Math.floor(nFft / 2);
      if (o.padMode === 'reflect' && pad >= L) throw new ValueError(`stft: reflect padding of ${pad} needs a signal longer than the padding (shape ${fmt(x._shape)})`);
      sig = padSignal(sig, pad, o.padMode);
      L = sig._shape[1];
    }
    if (nFft <= 0 || nFft > L) throw new ValueError(`${where}: expected 0 < n_fft < ${L}, but got n_fft=${nFft}`);
    const frames = 1 + Math.floor((L - nFft) / hop);
    const w = fullWindow('stft', o.window, win, nFft, dtype, x.device);
    const picked = indexSelect(sig, 1, frameIndex(frames, nFft, hop, x.device));
    const B = sig._shape[0];
    let spec: Tensor;  // [B, frames, F, 2]
    if (complexIn) {
      const fr = mul(reshape(picked, [B, frames, nFft, 2]), unsqueeze(w, 1));
      spec = fftRealView(fr, 2, false);
    } else {
      const fr = mul(reshape(picked, [B, frames, nFft]), w);
      if (onesided) spec = rfftRealView(fr, 2, nFft);
      else spec = fftRealView(cat([unsqueeze(fr, -1), unsqueeze(zeros(fr._shape, { dtype, device: x.device }), -1)], -1), 2, false);
    }
    if (o.normalized) spec = mul(spec, 1 / Math.sqrt(nFft));
    let out = transpose(spec, 1, 2);  // [B, F, frames, 2]
    if (x.ndim === 1) out = squeeze(out, 0);
    return returnComplex ? viewAsComplex(contiguous(out)) : contiguous(out);
  });
}

/** sig [B, L] or [B, L, 2] padded by `pad` on both ends of dim 1 (torch.nn.functional.pad's modes). */
function padSignal(sig: Tensor, pad: number, mode: StftPadMode): Tensor {
  if (pad === 0) return sig;
  const L = sig._shape[1], device = sig.device;
  if (mode === 'constant') {
    const shape = sig._shape.slice();
    shape[1] = pad;
    const z = zeros(shape, { dtype: sig.dtype, device });
    return cat([z, sig, z], 1);
  }
  const j = sub(arange(L + 2 * pad, { dtype: 'int32', device }), pad);
  let idx: Tensor;
  if (mode === 'reflect') idx = sub(L - 1, abs(sub(L - 1, abs(j))));
  else if (mode === 'replicate') idx = clamp(j, 0, L - 1);
  else {
    if (pad > L) throw new ValueError(`stft: circular padding of ${pad} is larger than the signal (${L} samples)`);
    idx = remainder(add(j, L), L);
  }
  return indexSelect(sig, 1, idx);
}

/**
 * The inverse short-time Fourier transform, as `torch.istft(input, n_fft, hop_length=None,
 * win_length=None, window=None, center=True, normalized=False, onesided=None, length=None,
 * return_complex=False)` (torch 1.13): the windowed overlap-add of the frames' inverse transforms,
 * divided by the overlap-added squared window (which must not vanish: the NOLA condition).
 * ```ts
 * const audio = fl.istft(S, 512, { hopLength: 128, window: fl.hannWindow(512), length: n });
 * ```
 */
export function istft(input: Tensor, nFft: number, ...args: ArgsThenOptions<[hopLength: number | null, winLength: number | null, window: Tensor | null, center: boolean, normalized: boolean, onesided: boolean | null, length: number | null, returnComplex: boolean], IstftOptions>): Tensor;
export function istft(...args: unknown[]): Tensor {
  const o = ARGS.istft.parse(args);
  const x = o.input;
  if (!(x instanceof Tensor)) throw new ValueError(`istft: input must be a Tensor, got ${describeArg(x)}`);
  x._storageHandle('istft');
  // complex [(B,) F, T], or torch's deprecated real view [(B,) F, T, 2]
  const complexIn = isComplexDType(x.dtype);
  if (!complexIn && !((x.dtype === 'float32' || x.dtype === 'float64') && x._shape[x.ndim - 1] === 2)) {
    throw new DTypeError(`istft: expected a complex tensor (or its real view [..., 2]), got ${x.dtype} of shape ${fmt(x._shape)}`);
  }
  const cdims = complexIn ? x.ndim : x.ndim - 1;
  if (cdims !== 2 && cdims !== 3) throw new ShapeError(`istft: expected a tensor with 2 or 3 dims of complex values, got shape ${fmt(x._shape)}`);
  const nFft = o.nFft, hop = o.hopLength ?? Math.floor(nFft / 4), win = o.winLength ?? nFft;
  const where = `istft(input ${fmt(x._shape)}, nFft=${nFft}, hopLength=${hop}, winLength=${win})`;
  const fftSize = x._shape[cdims - 2], frames = x._shape[cdims - 1];
  const onesided = o.onesided ?? fftSize !== nFft;
  if (nFft <= 0) throw new ValueError(`${where}: expected n_fft > 0, got ${nFft}`);
  if (onesided && Math.floor(nFft / 2) + 1 !== fftSize) throw new ShapeError(`${where}: expected the frequency dimension (${fftSize}) of the input to equal n_fft / 2 + 1 when onesided=True`);
  if (!onesided && fftSize !== nFft) throw new ShapeError(`${where}: expected the frequency dimension (${fftSize}) of the input to equal n_fft when onesided=False`);
  if (hop <= 0 || hop > win) throw new ValueError(`${where}: expected 0 < hop_length <= win_length`);
  if (win <= 0 || win > nFft) throw new ValueError(`${where}: expected 0 < win_length <= n_fft`);
  if (frames < 1) throw new ValueError(`${where}: the input has no frames`);
  if (o.returnComplex && onesided) throw new ValueError(`${where}: Cannot have onesided output if window or input is complex`);
  computeDType('istft', x, o.window);  // (the window's dtype check)
  const partsDType = x.dtype === 'float64' || x.dtype === 'complex128' ? 'float64' : 'float32';
  return scopeSync(() => {
    // the frames are transformed in the input's precision; the window's dtype may widen them after
    let R = complexIn ? viewAsReal(x) : x;
    if (cdims === 2) R = unsqueeze(R, 0);
    const B = R._shape[0];
    R = transpose(R, 1, 2);  // [B, frames, F, 2]
    let y: Tensor;  // [B, frames, nFft] real or [B, frames, nFft, 2]
    if (o.returnComplex) y = mul(fftRealView(R, 2, true), o.normalized ? 1 / Math.sqrt(nFft) : 1 / nFft);
    else {
      const half = onesided ? R : narrow(R, 2, 0, Math.floor(nFft / 2) + 1);
      y = mul(irfftRealView(half, 2, nFft), o.normalized ? 1 / Math.sqrt(nFft) : 1 / nFft);
    }
    const w = fullWindow('istft', o.window, win, nFft, partsDType, x.device);
    y = mul(y, o.returnComplex ? unsqueeze(w, 1) : w);
    const dtype = y.dtype;
    const total = nFft + hop * (frames - 1);
    // overlap-add in torch's col2im order: for each window point k, the frames in turn (so that the
    // sums round as torch's do)
    const idx = reshape(contiguous(transpose(reshape(frameIndex(frames, nFft, hop, x.device), [frames, nFft]), 0, 1)), [-1]);
    const yk = transpose(y, 1, 2);  // [B, nFft, frames(, 2)]
    const flat = reshape(contiguous(yk), o.returnComplex ? [B, frames * nFft, 2] : [B, frames * nFft]);
    let sig = indexAdd(zeros(o.returnComplex ? [B, total, 2] : [B, total], { dtype, device: x.device }), 1, idx, flat);
    const env0 = indexAdd(zeros([total], { dtype: w.dtype, device: x.device }), 0, idx, reshape(contiguous(expand(unsqueeze(mul(w, w), 1), [nFft, frames])), [-1]));
    const start = o.center ? Math.floor(nFft / 2) : 0;
    const end = o.length !== null ? start + o.length : o.center ? total - Math.floor(nFft / 2) : total;
    const stop = Math.min(end, total);
    if (stop <= start) throw new ValueError(`${where}: the output would be empty (length ${describeArg(o.length)})`);
    sig = narrow(sig, 1, start, stop - start);
    let env = narrow(env0, 0, start, stop - start);
    const lowest = amin(abs(env)).item() as number;
    if (lowest < 1e-11) throw new ValueError(`${where}: window overlap add min: ${lowest} (the window does not satisfy the NOLA condition)`);
    if (o.returnComplex) env = unsqueeze(env, 1);
    sig = div(sig, env);
    if (end > total) {
      const shape = sig._shape.slice();
      shape[1] = end - total;
      sig = cat([sig, zeros(shape, { dtype, device: x.device })], 1);
    }
    if (cdims === 2) sig = select(sig, 0, 0);
    return o.returnComplex ? viewAsComplex(contiguous(sig)) : contiguous(sig);
  });
}

declare module '../tensor' {
  interface Tensor {
    /** See {@link stft}: `x.stft(512, { window: fl.hannWindow(512), returnComplex: true })`. */
    stft(nFft: number, ...args: ArgsThenOptions<[hopLength: number | null, winLength: number | null, window: Tensor | null, center: boolean, padMode: StftPadMode, normalized: boolean, onesided: boolean | null, returnComplex: boolean | null], StftOptions>): Tensor;
    /** See {@link istft}: `S.istft(512, { window: fl.hannWindow(512) })`. */
    istft(nFft: number, ...args: ArgsThenOptions<[hopLength: number | null, winLength: number | null, window: Tensor | null, center: boolean, normalized: boolean, onesided: boolean | null, length: number | null, returnComplex: boolean], IstftOptions>): Tensor;
  }
}
Tensor.prototype.stft = function (this: Tensor, ...args: unknown[]) { return (stft as (...a: unknown[]) => Tensor)(this, ...args); };
Tensor.prototype.istft = function (this: Tensor, ...args: unknown[]) { return (istft as (...a: unknown[]) => Tensor)(this, ...args); };
