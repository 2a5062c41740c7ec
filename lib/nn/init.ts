// init.ts — parameter initialisation (`fl.nn.init`), as torch.nn.init: each function fills a
// floating tensor in place (under noGrad, so parameters can be filled) and returns it. Random fills
// draw from flintml's Philox stream (`uniform_` / `normal_`), so `fl.manualSeed(s)` makes them
// repeatable on every device. The names without the trailing underscore are aliases
// (`init.kaimingUniform(w)` is `init.kaimingUniform_(w)`).
//
// fans: for a weight of shape [out, in, k1, k2, …] fanIn = in·k1·k2…, fanOut = out·k1·k2…
// (as torch's `_calculate_fan_in_and_fan_out`; tensors with fewer than 2 dims have no fans).
import { tooManyArgs } from '../args';
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { ValueError } from '../errors';
import { fmt } from '../shape';
import { scopeSync, Tensor } from '../tensor';
import { qr } from '../ops/decomp';
import { mul, sign } from '../ops/elementwise';
import { randn } from '../ops/random';
import { diagonal, reshape, transpose, unsqueeze } from '../ops/views';

/** Nonlinearity names of `calculateGain` (PyTorch's snake_case names; camelCase accepted too). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain):
 * linear/conv/sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2/(1+slope²)) (slope default 0.01), selu 3/4.
 * ```ts
 * nn.init.calculateGain('relu'); // 1.4142…
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (arguments.length > 2) tooManyArgs('calculateGain', 'nonlinearity, param', arguments);
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ValueError(`calculateGain: negative slope ${describeArg(slope)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new ValueError(`calculateGain: unsupported nonlinearity ${describeArg(nonlinearity)}`);
  }
}

/** [fanIn, fanOut] of a weight tensor (see the file comment). */
export function calculateFans(t: Tensor, op = 'calculateFans'): [number, number] {
  if (typeof op !== 'string') op = 'calculateFans';  // the layers' name for the caller; a user's stray second argument is not one
  if (!(t instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor`);
  const s = t._shape;
  if (s.length < 2) throw new ValueError(`${op}: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${fmt(s)})`);
  let receptive = 1;
  for (let i = 2; i < s.length; i++) receptive *= s[i];
  return [s[1] * receptive, s[0] * receptive];
}

/** Which fan kaiming scales by. */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (used only with 'leaky_relu'; default 0). */
  a?: number;
  /** 'fanIn' (default: keeps the forward variance) or 'fanOut' (keeps the backward variance). */
  mode?: FanMode;
  /** Default 'leaky_relu' (as PyTorch). */
  nonlinearity?: Nonlinearity;
}

function fill(t: Tensor, op: string, fn: () => void): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor`);
  if (t.numel === 0) return t;  // torch warns and does nothing
  noGrad(fn);
  return t;
}

function kaimingStd(t: Tensor, o: KaimingOptions, op: string): number {
  if (o === null || typeof o !== 'object') throw new ValueError(`${op}: options must be an object ({ a, mode, nonlinearity }), got ${o === null ? 'null' : typeof o}`);
  const [fanIn, fanOut] = calculateFans(t, op);
  const mode = o.mode ?? 'fanIn';
  if (!['fanIn', 'fanOut', 'fan_in', 'fan_out'].includes(mode)) throw new ValueError(`${op}: mode must be 'fanIn' or 'fanOut', got ${describeArg(mode)}`);
  const fan = mode === 'fanIn' || mode === 'fan_in' ? fanIn : fanOut;
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

/** Fills with U(a, b) in place: `nn.init.uniform_(w, -0.1, 0.1)`. */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor { if (arguments.length > 3) tooManyArgs('uniform_', 'tensor, a, b', arguments); return fill(t, 'uniform_', () => t.uniform_(a, b)); }
/** Fills with N(mean, std²) in place: `nn.init.normal_(w, 0, 0.02)`. */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor { if (arguments.length > 3) tooManyArgs('normal_', 'tensor, mean, std', arguments); return fill(t, 'normal_', () => t.normal_(mean, std)); }
/** Fills with `value` in place: `nn.init.constant_(b, 0.1)`. */
export function constant_(t: Tensor, value: number): Tensor { if (arguments.length > 2) tooManyArgs('constant_', 'tensor, value', arguments); return fill(t, 'constant_', () => t.fill_(value)); }
/** Fills with 0 in place: `nn.init.zeros_(b)`. */
export function zeros_(t: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('zeros_', 'tensor', arguments); return constant_(t, 0); }
/** Fills with 1 in place: `nn.init.ones_(gamma)`. */
export function ones_(t: Tensor): Tensor { if (arguments.length > 1) tooManyArgs('ones_', 'tensor', arguments); return constant_(t, 1); }

/**
 * He uniform: U(-bound, bound) with bound = gain·√(3/fan) (torch.nn.init.kaiming_uniform_).
 * ```ts
 * nn.init.kaimingUniform_(w, { a: Math.sqrt(5) });       // nn.Linear's default weight init
 * nn.init.kaimingUniform_(w, { mode: 'fanOut', nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (arguments.length > 2) tooManyArgs('kaimingUniform_', 'tensor, options', arguments);
  if (t instanceof Tensor && t.numel === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, options, 'kaimingUniform_');
  return fill(t, 'kaimingUniform_', () => t.uniform_(-bound, bound));
}

/** He normal: N(0, std²) with std = gain/√fan (torch.nn.init.kaiming_normal_): `nn.init.kaimingNormal_(w, { nonlinearity: 'relu' })`. */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (arguments.length > 2) tooManyArgs('kaimingNormal_', 'tensor, options', arguments);
  if (t instanceof Tensor && t.numel === 0) return t;
  const std = kaimingStd(t, options, 'kaimingNormal_');
  return fill(t, 'kaimingNormal_', () => t.normal_(0, std));
}

function gainOf(g: number | { gain?: number } | undefined): number {
  return typeof g === 'number' ? g : g?.gain ?? 1;
}

/** Glorot uniform: U(-a, a), a = gain·√(6/(fanIn+fanOut)): `nn.init.xavierUniform_(w)`, `nn.init.xavierUniform_(w, { gain: 2 })`. */
export function xavierUniform_(t: Tensor, gain?: number | { gain?: number }): Tensor {
  if (arguments.length > 2) tooManyArgs('xavierUniform_', 'tensor, gain', arguments);
  if (t instanceof Tensor && t.numel === 0) return t;
  const [fanIn, fanOut] = calculateFans(t, 'xavierUniform_');
  const a = gainOf(gain) * Math.sqrt(6 / (fanIn + fanOut));
  return fill(t, 'xavierUniform_', () => t.uniform_(-a, a));
}

/** Glorot normal: N(0, std²), std = gain·√(2/(fanIn+fanOut)): `nn.init.xavierNormal_(w)`. */
export function xavierNormal_(t: Tensor, gain?: number | { gain?: number }): Tensor {
  if (arguments.length > 2) tooManyArgs('xavierNormal_', 'tensor, gain', arguments);
  if (t instanceof Tensor && t.numel === 0) return t;
  const [fanIn, fanOut] = calculateFans(t, 'xavierNormal_');
  const std = gainOf(gain) * Math.sqrt(2 / (fanIn + fanOut));
  return fill(t, 'xavierNormal_', () => t.normal_(0, std));
}

/**
 * A (semi-)orthogonal matrix scaled by `gain` (torch.nn.init.orthogonal_): the Q of the QR
 * decomposition of a normal [rows, numel / rows] matrix (of its transpose when wider than tall),
 * its columns' signs fixed by R's diagonal, so the rows (or columns) are orthonormal. Tensors with
 * 2 or more dims; drawn in float32 (float64 for a float64 tensor) on the tensor's device.
 * ```ts
 * nn.init.orthogonal_(w);          // w wᵀ = I (w [out, in], out <= in)
 * nn.init.orthogonal_(w, 2);       // scaled by 2
 * ```
 */
export function orthogonal_(t: Tensor, gain?: number | { gain?: number }): Tensor {
  if (arguments.length > 2) tooManyArgs('orthogonal_', 'tensor, gain', arguments);
  if (!(t instanceof Tensor)) throw new ValueError('orthogonal_: expected a Tensor');
  if (t.ndim < 2) throw new ValueError(`orthogonal_: only tensors with 2 or more dimensions are supported, got shape ${fmt(t._shape)}`);
  const g = gainOf(gain);
  if (typeof g !== 'number' || !Number.isFinite(g)) throw new ValueError(`orthogonal_: gain must be a finite number, got ${describeArg(g)}`);
  return fill(t, 'orthogonal_', () => scopeSync(() => {
    const rows = t._shape[0], cols = t.numel / rows;
    let flat = randn([rows, cols], { dtype: t.dtype === 'float64' ? 'float64' : 'float32', device: t.device });
    if (rows < cols) flat = transpose(flat, 0, 1);
    const [q, r] = qr(flat);
    let m = mul(q, unsqueeze(sign(diagonal(r, 0, -2, -1)), 0));
    if (rows < cols) m = transpose(m, 0, 1);
    t.copy_(mul(reshape(m, t._shape), g).to(t.dtype));
  }));
}

// Aliases without the underscore (the names the issue uses). They fill in place too.
/** Alias of `kaimingUniform_`. */ export const kaimingUniform = kaimingUniform_;
/** Alias of `kaimingNormal_`. */ export const kaimingNormal = kaimingNormal_;
/** Alias of `xavierUniform_`. */ export const xavierUniform = xavierUniform_;
/** Alias of `xavierNormal_`. */ export const xavierNormal = xavierNormal_;
/** Alias of `orthogonal_`. */ export const orthogonal = orthogonal_;
/** Alias of `uniform_`. */ export const uniform = uniform_;
/** Alias of `normal_`. */ export const normal = normal_;
/** Alias of `constant_`. */ export const constant = constant_;
/** Alias of `zeros_`. */ export const zeros = zeros_;
/** Alias of `ones_`. */ export const ones = ones_;

// truncNormal_, eye_, dirac_ (lib/nn/init-gumbel.ts) and their aliases
import { truncNormal_, eye_, dirac_ } from './init-gumbel';
export { truncNormal_, eye_, dirac_ };
/** Alias of `truncNormal_`. */ export const truncNormal = truncNormal_;
/** Alias of `eye_`. */ export const eye = eye_;
/** Alias of `dirac_`. */ export const dirac = dirac_;
