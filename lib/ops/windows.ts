// windows.ts — the window functions of signal processing, as torch 1.13's: hannWindow,
// hammingWindow, blackmanWindow, bartlettWindow, kaiserWindow (torch.hann_window, …), used by
// stft / istft (lib/ops/stft.ts). Each is computed with tensor ops in the requested dtype on the
// requested device, in torch's order of operations (arange, one multiplication by the angle step,
// cos, …), so that float32 results match torch's to the last bit or two.
//
// periodic (default true) computes the window of length N + 1 and drops its last point (a window for
// spectral analysis); periodic false gives the symmetric window (filter design). N = 0 is empty and
// N = 1 is [1], as in torch. Only floating dtypes are accepted (DTypeError otherwise).
import { describeArg } from '../arity';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { parseDevice } from '../device';
import { DType, isFloating } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DTypeError, ValueError } from '../errors';
import { scopeSync, Tensor } from '../tensor';
import { arange, ones, tensor, zeros } from './creation';
import { add, cos, div, i0, mul, pow, sqrt, sub } from './elementwise';
import { withGrad } from './factory';
import { cat, narrow } from './views';

/** Options of the window functions (torch's factory keywords). */
export interface WindowOptions {
  /** A floating dtype (default: the default dtype, float32). */
  dtype?: DType;
  device?: string;
  requiresGrad?: boolean;
}

const KW = { dtype: optional(A.dtype), device: optional(A.device), requiresGrad: optional(A.bool, false) };
const LEN = required(A.int());
const PERIODIC = optional(A.bool, true);
const ARGS = {
  hannWindow: signature('hannWindow', ['windowLength', 'periodic'], { windowLength: LEN, periodic: PERIODIC, ...KW }),
  hammingWindow: signature('hammingWindow', ['windowLength', 'periodic', 'alpha', 'beta'], {
    windowLength: LEN, periodic: PERIODIC, alpha: optional(A.num(), 0.54), beta: optional(A.num(), 0.46), ...KW,
  }),
  blackmanWindow: signature('blackmanWindow', ['windowLength', 'periodic'], { windowLength: LEN, periodic: PERIODIC, ...KW }),
  bartlettWindow: signature('bartlettWindow', ['windowLength', 'periodic'], { windowLength: LEN, periodic: PERIODIC, ...KW }),
  kaiserWindow: signature('kaiserWindow', ['windowLength', 'periodic', 'beta'], {
    windowLength: LEN, periodic: PERIODIC, beta: optional(A.num(), 12.0), ...KW,
  }),
};

/**
 * torch's window_function_checks, the N = 0 / N = 1 cases and the periodic trim around `body`,
 * which gets the length L (N + 1 when periodic) and returns the L points.
 */
function makeWindow(op: string, n: number, periodic: boolean, o: { dtype?: DType; device?: string; requiresGrad: boolean }, body: (L: number, dt: DType, device: string) => Tensor): Tensor {
  const dt = o.dtype ?? getDefaultDtype();
  if (!isFloating(dt)) throw new DTypeError(`${op} expects floating point dtypes, got: ${describeArg(dt)}`);
  if (n < 0) throw new ValueError(`${op} requires non-negative window_length, got window_length=${describeArg(n)}`);
  const device = parseDevice(o.device, op).name;
  let w: Tensor;
  if (n === 0) w = zeros([0], { dtype: dt, device });
  else if (n === 1) w = ones([1], { dtype: dt, device });
  else {
    const L = periodic ? n + 1 : n;
    w = scopeSync(() => {
      const full = body(L, dt, device);
      return periodic ? narrow(full, 0, 0, L - 1).contiguous() : full;
    });
  }
  return withGrad(w, o.requiresGrad);
}

function hamming(L: number, dt: DType, device: string, alpha: number, beta: number): Tensor {
  const a = mul(arange(L, { dtype: dt, device }), (Math.PI * 2) / (L - 1));
  return add(mul(cos(a), -beta), alpha);
}

/**
 * The Hann window, as `torch.hann_window(window_length, periodic=True, *, dtype, device, requires_grad)`:
 * w[k] = 0.5 − 0.5·cos(2πk / (N − 1)) (N + 1 points, the last dropped, when periodic).
 * ```ts
 * const w = fl.hannWindow(400);   // for fl.stft(x, 400, { window: w })
 * ```
 */
export function hannWindow(windowLength: number, ...args: ArgsThenOptions<[periodic: boolean], WindowOptions>): Tensor;
export function hannWindow(...args: unknown[]): Tensor {
  const o = ARGS.hannWindow.parse(args);
  return makeWindow('hannWindow', o.windowLength, o.periodic, o, (L, dt, d) => hamming(L, dt, d, 0.5, 0.5));
}

/**
 * The Hamming window, as `torch.hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype, device, requires_grad)`:
 * w[k] = α − β·cos(2πk / (N − 1)).
 * ```ts
 * const w = fl.hammingWindow(256, false);
 * ```
 */
export function hammingWindow(windowLength: number, ...args: ArgsThenOptions<[periodic: boolean, alpha: number, beta: number], WindowOptions>): Tensor;
export function hammingWindow(...args: unknown[]): Tensor {
  const o = ARGS.hammingWindow.parse(args);
  return makeWindow('hammingWindow', o.windowLength, o.periodic, o, (L, dt, d) => hamming(L, dt, d, o.alpha, o.beta));
}

/**
 * The Blackman window, as `torch.blackman_window(window_length, periodic=True, *, dtype, device, requires_grad)`:
 * w[k] = 0.42 − 0.5·cos(2πk / (N − 1)) + 0.08·cos(4πk / (N − 1)).
 * ```ts
 * const w = fl.blackmanWindow(64);
 * ```
 */
export function blackmanWindow(windowLength: number, ...args: ArgsThenOptions<[periodic: boolean], WindowOptions>): Tensor;
export function blackmanWindow(...args: unknown[]): Tensor {
  const o = ARGS.blackmanWindow.parse(args);
  return makeWindow('blackmanWindow', o.windowLength, o.periodic, o, (L, dt, device) => {
    const a = mul(arange(L, { dtype: dt, device }), Math.PI / (L - 1));
    return add(sub(mul(cos(mul(a, 4)), 0.08), mul(cos(mul(a, 2)), 0.5)), 0.42);
  });
}

/**
 * The Bartlett (triangular) window, as `torch.bartlett_window(window_length, periodic=True, *, dtype, device, requires_grad)`:
 * w[k] = 1 − |2k / (N − 1) − 1|.
 * ```ts
 * const w = fl.bartlettWindow(5, false);   // [0, 0.5, 1, 0.5, 0]
 * ```
 */
export function bartlettWindow(windowLength: number, ...args: ArgsThenOptions<[periodic: boolean], WindowOptions>): Tensor;
export function bartlettWindow(...args: unknown[]): Tensor {
  const o = ARGS.bartlettWindow.parse(args);
  return makeWindow('bartlettWindow', o.windowLength, o.periodic, o, (L, dt, device) => {
    const a = mul(arange(L, { dtype: dt, device }), 2 / (L - 1));
    const first = ((L - 1) >> 1) + 1;
    if (first >= L) return a;
    return cat([narrow(a, 0, 0, first), sub(2, narrow(a, 0, first, L - first))], 0);
  });
}

/**
 * The Kaiser window, as `torch.kaiser_window(window_length, periodic=True, beta=12.0, *, dtype, device, requires_grad)`:
 * w[k] = I0(β·√(1 − ((k − α)/α)²)) / I0(β) with α = (N − 1)/2.
 * ```ts
 * const w = fl.kaiserWindow(32, true, 8);
 * ```
 */
export function kaiserWindow(windowLength: number, ...args: ArgsThenOptions<[periodic: boolean, beta: number], WindowOptions>): Tensor;
export function kaiserWindow(...args: unknown[]): Tensor {
  const o = ARGS.kaiserWindow.parse(args);
  return makeWindow('kaiserWindow', o.windowLength, o.periodic, o, (L, dt, device) => {
    const alpha = (L - 1) / 2;
    const r = div(sub(arange(L, { dtype: dt, device }), alpha), alpha);
    const num = i0(mul(sqrt(sub(1, pow(r, 2))), o.beta));
    return div(num, i0(tensor(o.beta, { dtype: dt, device })));
  });
}
